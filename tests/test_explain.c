/* tests/test_explain.c — tests of `caresim explain` and `caresim compare --explain`
 * (cli/explain.c): the mechanism rows of a comparison and their printing.
 *
 * The group setup writes to a temporary directory under /tmp (removed afterwards) a small
 * base "t" (2000 persons, half a year of warm-up, one year recorded, 2 replications, seed
 * 5), "capitation" (payment.gp_mechanism = "capitation"), "gatekeeping"
 * (policy.gatekeeping = "strict") and "same" (the base under another name), runs `caresim
 * compare` of the four once and `caresim run` of the base once (a file without
 * comparisons); the tests read those files. The
 * statistical assertions (GP visits fall under capitation, specialist visits under strict
 * gatekeeping) hold for seed 5 with a wide margin: the paired differences are about -5%
 * and -25% (docs/model.md section 13) and assert only the sign.
 */
#define _GNU_SOURCE
#include "tests/testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/explain.h"
#include "models/outcomes.h"
#include "models/params.h"
#include "output/results.h"
#include "sim/config.h"
#include "sim/err.h"

#define BASE_TEXT                                                                          \
    "name = \"t\";\n"                                                                      \
    "run = { population = 2000; horizon_years = 1.0; warmup_years = 0.5;\n"                \
    "        replications = 2; seed = 5; };\n"
#define CAP_TEXT                                                                           \
    "base = \"t.cfg\";\nname = \"capitation\";\npayment = { gp_mechanism = \"capitation\"; };\n"
#define GATE_TEXT                                                                          \
    "base = \"t.cfg\";\nname = \"gatekeeping\";\npolicy = { gatekeeping = \"strict\"; };\n"
/* The base under another name: nothing changes. */
#define SAME_TEXT "base = \"t.cfg\";\nname = \"same\";\n"

/* The shared directory and files. */
static struct {
    char dir[64];       /* temporary directory */
    char base[128];     /* t.cfg */
    char cap[128];      /* capitation.cfg */
    char gate[128];     /* gatekeeping.cfg */
    char same[128];     /* same.cfg */
    char cmp[128];      /* results of compare t capitation gatekeeping */
    char run[128];      /* results of run t (no comparisons) */
    char out[128];      /* captured stdout of the last command */
    char err[128];      /* captured stderr */
} g;

static int group_setup(void **state)
{
    (void)state;
    snprintf(g.dir, sizeof g.dir, "/tmp/caresim-test-explain-XXXXXX");
    if (!mkdtemp(g.dir))
        return -1;
    snprintf(g.base, sizeof g.base, "%s/t.cfg", g.dir);
    snprintf(g.cap, sizeof g.cap, "%s/capitation.cfg", g.dir);
    snprintf(g.gate, sizeof g.gate, "%s/gatekeeping.cfg", g.dir);
    snprintf(g.same, sizeof g.same, "%s/same.cfg", g.dir);
    snprintf(g.cmp, sizeof g.cmp, "%s/compare.h5", g.dir);
    snprintf(g.run, sizeof g.run, "%s/run.h5", g.dir);
    snprintf(g.out, sizeof g.out, "%s/stdout.txt", g.dir);
    snprintf(g.err, sizeof g.err, "%s/stderr.txt", g.dir);
    if (testutil_write_text(g.base, BASE_TEXT) || testutil_write_text(g.cap, CAP_TEXT) ||
        testutil_write_text(g.gate, GATE_TEXT) || testutil_write_text(g.same, SAME_TEXT))
        return -1;
    const char *cargs[] = {g.base, g.cap, g.gate, g.same, "-o", g.cmp, "--quiet", NULL};
    if (testutil_run_args(cli_compare, "compare", cargs, g.out, g.err) != 0)
        return -1;
    const char *rargs[] = {g.base, "-o", g.run, "--quiet", NULL};
    if (testutil_run_args(cli_run, "run", rargs, g.out, g.err) != 0)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (g.dir[0])
        testutil_remove_tree(g.dir);
    return 0;
}

/* ---- helpers ---------------------------------------------------------------------------- */

/* The rows of a comparison of the shared file; fails the test on an error. */
static struct cli_explain_row *rows_of(const char *comparison, size_t *n)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(g.cmp, &e);
    if (!f)
        fail_msg("%s", e.msg);
    struct cli_explain_row *rows = NULL;
    int rc = cli_explain_rows(f, comparison, &rows, n, &e);
    out_file_close(f);
    if (rc)
        fail_msg("cli_explain_rows(%s): %s", comparison, e.msg);
    return rows;
}

/* The row with this label; fails the test when it is missing. */
static const struct cli_explain_row *row(const struct cli_explain_row *rows, size_t n,
                                         const char *label)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].label, label) == 0)
            return &rows[i];
    fail_msg("no row '%s'", label);
    return NULL;
}

/* base_mean and alt_mean of outcome col in /comparisons/<comparison>/differences. */
static void comparison_means(const char *comparison, int col, double *base, double *alt)
{
    struct outc_info info;
    assert_int_equal(outc_column_info(col, &info, NULL), 0);
    char path[256];
    snprintf(path, sizeof path, "/comparisons/%s/differences", comparison);
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(g.cmp, &e);
    assert_non_null(f);
    struct out_outcome_table *t = NULL;
    if (out_file_read_outcome_table(f, path, &t, &e) != 0)
        fail_msg("%s", e.msg);
    out_file_close(f);
    size_t fb = t->n_fields, fa = t->n_fields;
    for (size_t j = 0; j < t->n_fields; j++) {
        if (strcmp(t->fields[j].name, "base_mean") == 0)
            fb = j;
        if (strcmp(t->fields[j].name, "alt_mean") == 0)
            fa = j;
    }
    assert_true(fb < t->n_fields && fa < t->n_fields);
    *base = *alt = NAN;
    for (size_t i = 0; i < t->n_rows; i++)
        if (strcmp(t->outcomes[i], info.name) == 0) {
            *base = t->values[i * t->n_fields + fb];
            *alt = t->values[i * t->n_fields + fa];
        }
    out_outcome_table_destroy(t);
    assert_false(isnan(*base));
}

/* The default of a float scenario key. */
static double default_float(const char *key)
{
    const struct sim_cfg_schema *schema = params_schema();
    int k = sim_cfg_schema_find(schema, key);
    assert_true(k >= 0);
    return schema->keys[k].def_float;
}

/* Runs `caresim explain ARGS`; returns its status, with stdout and stderr in g.out, g.err. */
static int explain_cmd(const char *const *args)
{
    return testutil_run_args(cli_explain, "explain", args, g.out, g.err);
}

/* ---- rows ------------------------------------------------------------------------------- */

/* Capitation removes the GP's fee per visit: GPs choose longer review intervals (the review
 * frequency multiplier falls from 1 to 0.70, docs/model.md 12.2) and refer more. */
static void test_capitation_lengthens_revisit_interval_and_raises_referrals(void **state)
{
    (void)state;
    size_t n;
    struct cli_explain_row *rows = rows_of("capitation_vs_t", &n);
    double interval = default_float("practices.review_interval_controlled_days");
    const struct cli_explain_row *r = row(rows, n, "GP revisit interval, controlled (1 condition)");
    assert_string_equal(r->unit, "days");
    double mb, ma;
    comparison_means("capitation_vs_t", OUTC_DECISION_REVIEW, &mb, &ma);
    assert_true(ma < mb); /* fewer reviews ... */
    assert_near(r->base, interval / mb, 1e-9);
    assert_near(r->alt, interval / ma, 1e-9);
    assert_true(r->alt > r->base); /* ... a longer interval */
    assert_near(r->rel_change, r->alt / r->base - 1, 1e-12);
    assert_non_null(strstr(r->why, "capitation"));
    assert_non_null(strstr(r->why, "less often"));

    r = row(rows, n, "GP revisit interval, uncontrolled (1 condition)");
    assert_true(r->alt > r->base);

    r = row(rows, n, "referrals per GP visit");
    assert_string_equal(r->unit, "%");
    comparison_means("capitation_vs_t", OUTC_REFERRAL_RATE, &mb, &ma);
    assert_near(r->base, 100 * mb, 1e-12);
    assert_near(r->alt, 100 * ma, 1e-12);
    assert_true(r->alt > r->base);
    assert_non_null(strstr(r->why, "refer more"));

    /* Fewer reviews: fewer GP visits (seed 5: about -5%, paired). */
    r = row(rows, n, "GP visits");
    comparison_means("capitation_vs_t", OUTC_GP_VISITS, &mb, &ma);
    assert_near(r->base, mb, 0);
    assert_near(r->alt, ma, 0);
    assert_true(r->alt < r->base);
    assert_non_null(strstr(r->why, "capitation"));

    /* Hospital decisions do not move with the GPs' payment. */
    r = row(rows, n, "admission propensity in the ED");
    assert_true(fabs(r->rel_change) < CLI_EXPLAIN_UNCHANGED);
    cli_explain_rows_free(rows, n);
}

/* Strict gatekeeping: no self-referrals, fewer specialist visits; no decision moves. */
static void test_gatekeeping_lowers_specialist_visits(void **state)
{
    (void)state;
    size_t n;
    struct cli_explain_row *rows = rows_of("gatekeeping_vs_t", &n);
    const struct cli_explain_row *r = row(rows, n, "specialist visits");
    double mb, ma;
    comparison_means("gatekeeping_vs_t", OUTC_SPECIALIST_VISITS, &mb, &ma);
    assert_near(r->base, mb, 0);
    assert_near(r->alt, ma, 0);
    assert_true(r->alt < r->base); /* seed 5: about -25%, paired */
    assert_true(r->rel_change < -CLI_EXPLAIN_UNCHANGED);
    assert_non_null(strstr(r->why, "strict gatekeeping"));

    r = row(rows, n, "self-referrals to a specialist");
    assert_true(r->base > 0);
    assert_near(r->alt, 0, 0);
    assert_near(r->rel_change, -1, 1e-12);

    r = row(rows, n, "GP revisit interval, controlled (1 condition)");
    assert_near(r->rel_change, 0, 0);
    cli_explain_rows_free(rows, n);
}

/* Rows come sorted by the size of their relative change, largest first. */
static void test_rows_sorted_by_size_of_change(void **state)
{
    (void)state;
    static const char *const names[] = {"capitation_vs_t", "gatekeeping_vs_t"};
    for (size_t c = 0; c < 2; c++) {
        size_t n;
        struct cli_explain_row *rows = rows_of(names[c], &n);
        assert_true(n >= 20);
        double prev = INFINITY;
        for (size_t i = 0; i < n; i++) {
            double key = isfinite(rows[i].rel_change) ? fabs(rows[i].rel_change)
                         : rows[i].base == 0 && rows[i].alt != 0 ? INFINITY
                                                                 : -1;
            if (key > prev)
                fail_msg("%s: row %zu '%s' (%g) after a smaller change (%g)", names[c], i,
                         rows[i].label, key, prev);
            prev = key;
            assert_true(rows[i].why[0] != '\0');
        }
        cli_explain_rows_free(rows, n);
    }
}

/* Unknown comparisons and files without comparisons are refused with SIM_EINVAL. */
static void test_rows_refuse_unknown_comparison(void **state)
{
    (void)state;
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(g.cmp, &e);
    assert_non_null(f);
    struct cli_explain_row *rows = NULL;
    size_t n = 7;
    assert_int_equal(cli_explain_rows(f, "nope_vs_t", &rows, &n, &e), SIM_EINVAL);
    assert_null(rows);
    assert_int_equal(n, 0);
    assert_non_null(strstr(e.msg, "capitation_vs_t"));
    out_file_close(f);

    sim_err_clear(&e);
    f = out_file_open(g.run, &e);
    assert_non_null(f);
    assert_int_equal(cli_explain_rows(f, "capitation_vs_t", &rows, &n, &e), SIM_EINVAL);
    assert_non_null(strstr(e.msg, "no comparisons"));
    out_file_close(f);
}

/* ---- the command ------------------------------------------------------------------------ */

/* Every comparison is printed, decisions first; unchanged rows are named, not shown. */
static void test_explain_prints_every_comparison(void **state)
{
    (void)state;
    const char *args[] = {g.cmp, NULL};
    assert_int_equal(explain_cmd(args), 0);
    char *out = testutil_slurp(g.out, NULL);
    const char *cap = strstr(out, "capitation vs t: the mechanism");
    const char *gate = strstr(out, "gatekeeping vs t: the mechanism");
    assert_non_null(cap);
    assert_non_null(gate);
    assert_true(cap < gate);
    const char *dec = strstr(cap, "provider decisions:");
    const char *act = strstr(cap, "activity they drive:");
    const char *interval = strstr(cap, "GP revisit interval, controlled (1 condition)");
    assert_true(dec && act && interval && dec < interval && interval < act);
    /* 182 days at fee-for-service, 182 / 0.7 = 260 under capitation. */
    assert_non_null(strstr(interval, "182 -> 260 days"));
    /* Gatekeeping moves no provider's incentives: the review interval is not shown among
     * the decisions but listed as unchanged. */
    const char *gate_act = strstr(gate, "activity they drive:");
    const char *unchanged = strstr(gate, "unchanged (|change| < 0.5%):");
    const char *gate_interval = strstr(gate, "GP revisit interval, controlled (1 condition)");
    assert_true(gate_act && unchanged && gate_interval);
    assert_true(gate_interval > unchanged);
    /* The same scenario twice: nothing changed, and the output says so. */
    const char *same = strstr(out, "same vs t: the mechanism");
    assert_non_null(same);
    const char *none1 = strstr(same, "(none changed by 0.5% or more)");
    assert_non_null(none1);
    assert_non_null(strstr(none1 + 1, "(none changed by 0.5% or more)"));
    assert_non_null(strstr(same, "unchanged (|change| < 0.5%): "));
    free(out);
}

static void test_explain_comparison_option_selects_one(void **state)
{
    (void)state;
    const char *args[] = {g.cmp, "--comparison", "gatekeeping_vs_t", NULL};
    assert_int_equal(explain_cmd(args), 0);
    char *out = testutil_slurp(g.out, NULL);
    assert_non_null(strstr(out, "gatekeeping vs t: the mechanism"));
    assert_null(strstr(out, "capitation vs t"));
    assert_non_null(strstr(out, "specialist visits"));
    free(out);

    const char *eq[] = {g.cmp, "--comparison=capitation_vs_t", NULL};
    assert_int_equal(explain_cmd(eq), 0);
    out = testutil_slurp(g.out, NULL);
    assert_non_null(strstr(out, "capitation vs t: the mechanism"));
    assert_null(strstr(out, "gatekeeping vs t"));
    free(out);
}

static void test_explain_unknown_comparison_exits_2_listing_names(void **state)
{
    (void)state;
    const char *args[] = {g.cmp, "-c", "integrated_vs_t", NULL};
    assert_int_equal(explain_cmd(args), CLI_EXIT_USAGE);
    char *err = testutil_slurp(g.err, NULL);
    assert_non_null(strstr(err, "no comparison 'integrated_vs_t'"));
    assert_non_null(strstr(err, "capitation_vs_t"));
    assert_non_null(strstr(err, "gatekeeping_vs_t"));
    free(err);
    char *out = testutil_slurp(g.out, NULL);
    assert_string_equal(out, "");
    free(out);
}

static void test_explain_file_without_comparisons_exits_2(void **state)
{
    (void)state;
    const char *args[] = {g.run, NULL};
    assert_int_equal(explain_cmd(args), CLI_EXIT_USAGE);
    char *err = testutil_slurp(g.err, NULL);
    assert_non_null(strstr(err, "no comparisons"));
    assert_non_null(strstr(err, "caresim compare"));
    free(err);
}

static void test_explain_bad_command_lines(void **state)
{
    (void)state;
    const char *none[] = {NULL};
    assert_int_equal(explain_cmd(none), CLI_EXIT_USAGE);
    const char *two[] = {g.cmp, g.run, NULL};
    assert_int_equal(explain_cmd(two), CLI_EXIT_USAGE);
    const char *bad[] = {g.cmp, "--frobnicate", NULL};
    assert_int_equal(explain_cmd(bad), CLI_EXIT_USAGE);
    const char *novalue[] = {g.cmp, "--comparison", NULL};
    assert_int_equal(explain_cmd(novalue), CLI_EXIT_USAGE);
    char missing[160];
    snprintf(missing, sizeof missing, "%s/missing.h5", g.dir);
    const char *gone[] = {missing, NULL};
    assert_int_equal(explain_cmd(gone), CLI_EXIT_FAIL);
    const char *help[] = {"--help", NULL};
    assert_int_equal(explain_cmd(help), 0);
    char *out = testutil_slurp(g.out, NULL);
    assert_non_null(strstr(out, "usage: caresim explain"));
    free(out);
}

/* --explain is taken out of compare's arguments, but not when it is an option's value. */
static void test_take_option_leaves_option_values(void **state)
{
    (void)state;
    char *argv[] = {"compare", "a.cfg", "--explain", "--set", "--explain", "-o",
                    "out.h5", "b.cfg", "--explain", NULL};
    int argc = 9;
    assert_int_equal(cli_explain_take_option(&argc, argv), 2);
    assert_int_equal(argc, 7);
    const char *want[] = {"compare", "a.cfg", "--set", "--explain", "-o", "out.h5", "b.cfg"};
    for (int i = 0; i < argc; i++)
        assert_string_equal(argv[i], want[i]);
    assert_null(argv[argc]);
}

/* compare --explain prints the mechanism after the comparison tables; without it, no. */
static void test_compare_explain_prints_mechanism_after_tables(void **state)
{
    (void)state;
    char path[160];
    snprintf(path, sizeof path, "%s/explained.h5", g.dir);
    const char *args[] = {g.base, g.cap, "-r", "1", "--explain", "-o", path, "--quiet", NULL};
    assert_int_equal(testutil_run_args(cli_compare, "compare", args, g.out, g.err), 0);
    char *out = testutil_slurp(g.out, NULL);
    const char *table = strstr(out, "capitation vs t: differences");
    const char *icer = strstr(out, "net monetary benefit at");
    const char *mech = strstr(out, "capitation vs t: the mechanism");
    const char *wrote = strstr(out, "wrote ");
    assert_true(table && icer && mech && wrote);
    assert_true(table < icer && icer < mech && mech < wrote);
    assert_non_null(strstr(mech, "GP revisit interval, controlled (1 condition)"));
    assert_non_null(strstr(mech, "referrals per GP visit"));
    free(out);
    /* The file records the command; explain reads it back the same. */
    const char *eargs[] = {path, NULL};
    assert_int_equal(explain_cmd(eargs), 0);

    const char *plain[] = {g.base, g.cap, "-r", "1", "-o", path, "--quiet", NULL};
    assert_int_equal(testutil_run_args(cli_compare, "compare", plain, g.out, g.err), 0);
    out = testutil_slurp(g.out, NULL);
    assert_null(strstr(out, "the mechanism"));
    free(out);
}

/* run still refuses --explain: the option is compare's alone. */
static void test_run_refuses_explain(void **state)
{
    (void)state;
    char path[160];
    snprintf(path, sizeof path, "%s/refused.h5", g.dir);
    const char *args[] = {g.base, "--explain", "-o", path, "--quiet", NULL};
    assert_int_equal(testutil_run_args(cli_run, "run", args, g.out, g.err), CLI_EXIT_USAGE);
    char *err = testutil_slurp(g.err, NULL);
    assert_non_null(strstr(err, "unknown option '--explain'"));
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capitation_lengthens_revisit_interval_and_raises_referrals),
        cmocka_unit_test(test_gatekeeping_lowers_specialist_visits),
        cmocka_unit_test(test_rows_sorted_by_size_of_change),
        cmocka_unit_test(test_rows_refuse_unknown_comparison),
        cmocka_unit_test(test_explain_prints_every_comparison),
        cmocka_unit_test(test_explain_comparison_option_selects_one),
        cmocka_unit_test(test_explain_unknown_comparison_exits_2_listing_names),
        cmocka_unit_test(test_explain_file_without_comparisons_exits_2),
        cmocka_unit_test(test_explain_bad_command_lines),
        cmocka_unit_test(test_take_option_leaves_option_values),
        cmocka_unit_test(test_compare_explain_prints_mechanism_after_tables),
        cmocka_unit_test(test_run_refuses_explain),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
