/* tests/test_compare.c — tests of `caresim compare` (cli/compare.c) and of the parts of
 * output/ it added (tables of outcomes, groups with attributes). The command runs
 * in-process through cli_compare() with stdout and stderr redirected to files; its results
 * file is read back through output/. Scenarios are written to a temporary directory under
 * /tmp (removed afterwards): a small base "t" (2000 persons, half a year of warm-up, one
 * year recorded, 3 replications, seed 11), the same under another name (with another seed,
 * which compare must override), and "fewer_gps" (practices.clinicians = 4 instead of 6).
 * The runs that several tests read are made on first use and shared.
 */
#define _GNU_SOURCE
#include "tests/testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "models/outcomes.h"
#include "output/results.h"
#include "sim/err.h"

/* The base scenario: defaults except the run's size and length, and the threshold. */
#define BASE_TEXT                                                                          \
    "name = \"t\";\n"                                                                      \
    "run = { population = 2000; horizon_years = 1.0; warmup_years = 0.5;\n"                \
    "        replications = 3; seed = 11; };\n"                                            \
    "economics = { wtp_per_qaly = 25000.0; };\n"
#define BASE_REPS 3
#define BASE_WTP 25000.0

/* The base again under another name, with another seed that compare must replace. */
#define SAME_TEXT "base = \"t.cfg\";\nname = \"t_again\";\nrun = { seed = 99; };\n"
/* Fewer GP clinicians per practice (the base has 6). */
#define FEWER_TEXT "base = \"t.cfg\";\nname = \"fewer_gps\";\npractices = { clinicians = 4.0; };\n"
/* The base's name again. */
#define DUP_TEXT "base = \"t.cfg\";\ndescription = \"same name as the base\";\n"

/* ---- temporary directories ------------------------------------------------------------- */

struct scratch {
    char dir[64];       /* the temporary directory */
    char base[128];     /* <dir>/t.cfg */
    char same[128];     /* <dir>/same.cfg */
    char fewer[128];    /* <dir>/fewer.cfg */
    char dup[128];      /* <dir>/dup.cfg */
    char out_txt[128];  /* captured stdout of the last run */
    char err_txt[128];  /* captured stderr of the last run */
};

static int scratch_init(struct scratch *s)
{
    snprintf(s->dir, sizeof s->dir, "/tmp/caresim-test-compare-XXXXXX");
    if (!mkdtemp(s->dir))
        return -1;
    snprintf(s->base, sizeof s->base, "%s/t.cfg", s->dir);
    snprintf(s->same, sizeof s->same, "%s/same.cfg", s->dir);
    snprintf(s->fewer, sizeof s->fewer, "%s/fewer.cfg", s->dir);
    snprintf(s->dup, sizeof s->dup, "%s/dup.cfg", s->dir);
    snprintf(s->out_txt, sizeof s->out_txt, "%s/stdout.txt", s->dir);
    snprintf(s->err_txt, sizeof s->err_txt, "%s/stderr.txt", s->dir);
    return testutil_write_text(s->base, BASE_TEXT) || testutil_write_text(s->same, SAME_TEXT) ||
                   testutil_write_text(s->fewer, FEWER_TEXT) || testutil_write_text(s->dup, DUP_TEXT)
               ? -1
               : 0;
}

static void scratch_fini(struct scratch *s)
{
    if (s->dir[0])
        testutil_remove_tree(s->dir);
}

static int setup(void **state)
{
    struct scratch *s = calloc(1, sizeof *s);
    if (!s || scratch_init(s) != 0) {
        free(s);
        return -1;
    }
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    scratch_fini(*state);
    free(*state);
    return 0;
}

/* ---- running the commands ---------------------------------------------------------------- */

/* Runs `caresim <name> ARGS` (args NULL-terminated) with stdout and stderr going to
 * s->out_txt and s->err_txt; returns its exit status. */
static int run_cmd(const struct scratch *s, int (*cmd)(int, char **), const char *name,
                   const char *const *args)
{
    return testutil_run_args(cmd, name, args, s->out_txt, s->err_txt);
}

static int compare_cmd(const struct scratch *s, const char *const *args)
{
    return run_cmd(s, cli_compare, "compare", args);
}

/* Fails the test with the captured stderr unless rc is 0. */
static void expect_success(const struct scratch *s, int rc, const char *what)
{
    if (rc != 0) {
        char *err = testutil_slurp(s->err_txt, NULL);
        fail_msg("%s failed (%d):\n%s", what, rc, err);
    }
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* ---- reading the file -------------------------------------------------------------------- */

static struct out_file *open_file(const char *path)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(path, &e);
    if (!f)
        fail_msg("%s", e.msg);
    return f;
}

static struct out_outcome_table *read_differences(const char *path, const char *comparison)
{
    char dataset[256];
    snprintf(dataset, sizeof dataset, "/comparisons/%s/differences", comparison);
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = open_file(path);
    struct out_outcome_table *t = NULL;
    if (out_file_read_outcome_table(f, dataset, &t, &e) != 0)
        fail_msg("%s", e.msg);
    out_file_close(f);
    return t;
}

static struct out_table *read_table(const char *path, const char *dataset)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = open_file(path);
    struct out_table *t = NULL;
    if (out_file_read_table(f, dataset, &t, &e) != 0)
        fail_msg("%s", e.msg);
    out_file_close(f);
    return t;
}

static double attr_number(const char *path, const char *object, const char *name)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = open_file(path);
    double v = 0;
    if (out_file_read_attr_number(f, object, name, &v, &e) != 0)
        fail_msg("%s", e.msg);
    out_file_close(f);
    return v;
}

static char *attr_text(const char *path, const char *object, const char *name)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = open_file(path);
    char *v = NULL;
    if (out_file_read_attr_text(f, object, name, &v, &e) != 0)
        fail_msg("%s", e.msg);
    out_file_close(f);
    return v;
}

/* Index of a field of a table of outcomes; fails the test when it is missing. */
static size_t field(const struct out_outcome_table *t, const char *name)
{
    for (size_t i = 0; i < t->n_fields; i++)
        if (strcmp(t->fields[i].name, name) == 0)
            return i;
    fail_msg("no field %s in %s", name, t->name);
    return 0;
}

static double value(const struct out_outcome_table *t, size_t row, const char *name)
{
    return t->values[row * t->n_fields + field(t, name)];
}

/* Same double, NaN equal to NaN. */
static int same_double(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

/* ---- the shared runs --------------------------------------------------------------------- */

/* The base against itself under another name. */
static struct {
    int done;          /* made */
    struct scratch s;  /* its directory */
    char path[160];    /* its results file */
    char *out, *err;   /* captured stdout and stderr */
} self;

static void shared_free(void);

/* Registers shared_free once, at the first shared run. */
static void at_exit_once(void)
{
    static int registered;
    if (!registered)
        atexit(shared_free);
    registered = 1;
}

static void self_run(void)
{
    if (self.done)
        return;
    assert_int_equal(scratch_init(&self.s), 0);
    at_exit_once();
    snprintf(self.path, sizeof self.path, "%s/self.h5", self.s.dir);
    const char *args[] = {self.s.base, self.s.same, "-o", self.path, "--quiet", NULL};
    expect_success(&self.s, compare_cmd(&self.s, args), "compare t same");
    self.out = testutil_slurp(self.s.out_txt, NULL);
    self.err = testutil_slurp(self.s.err_txt, NULL);
    self.done = 1;
}

/* The base against fewer GP clinicians, at 5000 persons, one year of warm-up and two
 * recorded, 4 replications, seed 11: once with -j 1 and once with -j 2. */
#define FEWER_RUNS 2
static const char *const fewer_threads[FEWER_RUNS] = {"1", "2"};
static struct {
    int done;                     /* made */
    struct scratch s;             /* their directory */
    char path[FEWER_RUNS][160];   /* results file of each thread count */
    char *out;                    /* stdout of the -j 1 run */
} fewer;

static void shared_free(void)
{
    scratch_fini(&self.s);
    free(self.out);
    free(self.err);
    scratch_fini(&fewer.s);
    free(fewer.out);
    out_library_close();
}

static void fewer_runs(void)
{
    if (fewer.done)
        return;
    assert_int_equal(scratch_init(&fewer.s), 0);
    at_exit_once();
    for (int i = 0; i < FEWER_RUNS; i++) {
        snprintf(fewer.path[i], sizeof fewer.path[i], "%s/j%s.h5", fewer.s.dir, fewer_threads[i]);
        const char *args[] = {fewer.s.base,        fewer.s.fewer,
                              "--set",             "run.population=5000",
                              "--set",             "run.horizon_years=2",
                              "--set",             "run.warmup_years=1",
                              "-r",                "4",
                              "-j",                fewer_threads[i],
                              "-o",                fewer.path[i],
                              "--quiet",           NULL};
        expect_success(&fewer.s, compare_cmd(&fewer.s, args), "compare t fewer_gps");
        if (i == 0)
            fewer.out = testutil_slurp(fewer.s.out_txt, NULL);
    }
    fewer.done = 1;
}

/* ---- common random numbers ----------------------------------------------------------------- */

/* Identical scenarios on common random numbers run identically, so every paired
 * difference is exactly 0 and so is its interval. */
static void test_compare_base_against_itself_gives_exact_zero_differences(void **state)
{
    (void)state;
    self_run();
    struct out_outcome_table *t = read_differences(self.path, "t_again_vs_t");
    assert_int_equal(t->n_rows, OUTC_COUNT);
    for (size_t r = 0; r < t->n_rows; r++) {
        double base = value(t, r, "base_mean"), alt = value(t, r, "alt_mean");
        if (isnan(base))
            fail_msg("%s: base mean is NaN", t->outcomes[r]);
        if (!same_double(base, alt) || value(t, r, "mean_difference") != 0 ||
            value(t, r, "ci_low") != 0 || value(t, r, "ci_high") != 0)
            fail_msg("%s: base %.17g alt %.17g difference %.17g CI [%.17g, %.17g]",
                     t->outcomes[r], base, alt, value(t, r, "mean_difference"),
                     value(t, r, "ci_low"), value(t, r, "ci_high"));
    }
    out_outcome_table_destroy(t);
    const char *group = "/comparisons/t_again_vs_t";
    assert_true(attr_number(self.path, group, "nmb_mean") == 0);
    assert_true(attr_number(self.path, group, "nmb_ci_low") == 0);
    assert_true(attr_number(self.path, group, "nmb_ci_high") == 0);
    assert_true(isnan(attr_number(self.path, group, "icer")));
    /* No change in cost or QALYs: the rule's "no cheaper and no better" case. */
    char *status = attr_text(self.path, group, "icer_status");
    assert_string_equal(status, "dominated");
    free(status);
}

/* An alternative with another seed is run with the base's (a warning names both files),
 * and the results file records the seed it ran with. */
static void test_compare_alternative_seed_is_replaced_by_the_base_seed_with_a_warning(void **state)
{
    (void)state;
    self_run();
    assert_non_null(strstr(self.err, "warning"));
    assert_non_null(strstr(self.err, self.s.same));
    assert_non_null(strstr(self.err, self.s.base));
    assert_non_null(strstr(self.err, "run.seed = 99"));
    struct sim_err e;
    struct out_file *f = open_file(self.path);
    char *text = NULL;
    assert_int_equal(out_file_read_config(f, "t_again", &text, &e), 0);
    out_file_close(f);
    assert_non_null(strstr(text, "seed = 11;"));
    assert_null(strstr(text, "seed = 99;"));
    free(text);
    assert_int_equal((int)attr_number(self.path, "/comparisons/t_again_vs_t", "replications"),
                     BASE_REPS);
}

/* Fewer GP clinicians lengthen the wait for a GP appointment; pairing the replications on
 * common random numbers makes the difference significant with 4 replications (seed 11,
 * 5000 persons, 2 years recorded: about +22 days on a base of about 1.3). */
static void test_compare_fewer_gp_clinicians_lengthen_gp_waits_significantly(void **state)
{
    (void)state;
    fewer_runs();
    struct out_outcome_table *t = read_differences(fewer.path[0], "fewer_gps_vs_t");
    assert_string_equal(t->outcomes[OUTC_MEAN_WAIT_GP], "mean_wait_gp_days");
    double diff = value(t, OUTC_MEAN_WAIT_GP, "mean_difference");
    double lo = value(t, OUTC_MEAN_WAIT_GP, "ci_low"), hi = value(t, OUTC_MEAN_WAIT_GP, "ci_high");
    if (!(diff > 0 && lo > 0 && lo <= diff && diff <= hi))
        fail_msg("mean_wait_gp_days: difference %g, CI [%g, %g]", diff, lo, hi);
    out_outcome_table_destroy(t);
    /* The terminal shows it too, in the table for this comparison. */
    assert_non_null(strstr(fewer.out, "fewer_gps vs t: differences fewer_gps - t, paired over 4"));
    const char *line = strstr(fewer.out, "\nmean_wait_gp_days ");
    assert_non_null(line);
    assert_non_null(strstr(fewer.out, "\nICER: "));
    assert_non_null(strstr(fewer.out, "\nnet monetary benefit at 25000 "));
}

/* `caresim report` shows the comparisons of a compare file: the differences with their CIs
 * and the ICER and net monetary benefit of the group's attributes. */
static void test_report_shows_the_comparison_with_cis_icer_and_nmb(void **state)
{
    (void)state;
    fewer_runs();
    const char *args[] = {fewer.path[0], NULL};
    expect_success(&fewer.s, run_cmd(&fewer.s, cli_report, "report", args), "report");
    char *out = testutil_slurp(fewer.s.out_txt, NULL);
    assert_non_null(strstr(out, "comparison fewer_gps_vs_t (paired differences alt - base"));
    const char *line = strstr(out, "\n    mean_wait_gp_days ");
    assert_non_null(line);
    assert_non_null(strchr(line + 1, '['));
    assert_non_null(strstr(out, "    ICER: "));
    assert_non_null(strstr(out, "    net monetary benefit at 25000 per QALY: "));
    free(out);
}

/* The comparison is bit for bit the same whatever the number of threads. */
static void test_compare_threads_give_bit_identical_comparisons(void **state)
{
    (void)state;
    fewer_runs();
    struct out_outcome_table *a = read_differences(fewer.path[0], "fewer_gps_vs_t");
    struct out_outcome_table *b = read_differences(fewer.path[1], "fewer_gps_vs_t");
    assert_int_equal(a->n_rows, b->n_rows);
    assert_int_equal(a->n_fields, b->n_fields);
    if (memcmp(a->values, b->values, a->n_rows * a->n_fields * sizeof(double)) != 0)
        fail_msg("-j 2: differences table differs from -j 1");
    /* Not trivially so: the scenarios do differ. */
    assert_true(value(a, OUTC_MEAN_WAIT_GP, "mean_difference") != 0);
    out_outcome_table_destroy(a);
    out_outcome_table_destroy(b);
    struct out_table *ra = read_table(fewer.path[0], "/comparisons/fewer_gps_vs_t/replications");
    struct out_table *rb = read_table(fewer.path[1], "/comparisons/fewer_gps_vs_t/replications");
    assert_int_equal(ra->n_rows * ra->n_cols, rb->n_rows * rb->n_cols);
    if (memcmp(ra->values, rb->values, ra->n_rows * ra->n_cols * sizeof(double)) != 0)
        fail_msg("-j 2: replications of the differences differ from -j 1");
    out_table_destroy(ra);
    out_table_destroy(rb);
    const char *names[] = {"icer", "nmb_mean", "nmb_ci_low", "nmb_ci_high"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        double x = attr_number(fewer.path[0], "/comparisons/fewer_gps_vs_t", names[i]);
        double y = attr_number(fewer.path[1], "/comparisons/fewer_gps_vs_t", names[i]);
        if (!same_double(x, y))
            fail_msg("-j 2: %s %.17g differs from -j 1 (%.17g)", names[i], y, x);
    }
}

/* ---- the results file -------------------------------------------------------------------- */

/* The file has both scenarios, then /comparisons/<alt>_vs_<base> with the differences
 * table (one row per outcome, the documented fields), the replications table (paired
 * differences and net monetary benefit) and the attributes, all consistent. */
static void test_compare_file_has_documented_comparison_group(void **state)
{
    (void)state;
    fewer_runs();
    const char *path = fewer.path[0];
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = open_file(path);
    char **names = NULL;
    size_t n = 0;
    assert_int_equal(out_file_list_scenarios(f, &names, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_string_equal(names[0], "t");
    assert_string_equal(names[1], "fewer_gps");
    free(names);
    assert_int_equal(out_file_list_groups(f, "/comparisons", &names, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(names[0], "fewer_gps_vs_t");
    free(names);
    out_file_close(f);

    /* differences: outcome, unit, then the six documented fields in order. */
    struct out_outcome_table *t = read_differences(path, "fewer_gps_vs_t");
    const char *fields[] = {"base_mean", "alt_mean", "mean_difference",
                            "ci_low",    "ci_high",  "relative_change"};
    assert_int_equal(t->n_fields, 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(t->fields[i].name, fields[i]);
    assert_int_equal(t->n_rows, OUTC_COUNT);
    for (int c = 0; c < OUTC_COUNT; c++) {
        struct outc_info info;
        assert_int_equal(outc_column_info(c, &info, NULL), 0);
        assert_string_equal(t->outcomes[c], info.name);
        assert_string_equal(t->units[c], info.unit);
        double base = value(t, (size_t)c, "base_mean"), alt = value(t, (size_t)c, "alt_mean");
        double diff = value(t, (size_t)c, "mean_difference"), rel = value(t, (size_t)c,
                                                                            "relative_change");
        /* No NaN in these runs, so the mean of the differences is the difference of the
         * means up to rounding. */
        assert_near(diff, alt - base, 1e-9 * (fabs(alt) + fabs(base) + 1));
        if (base == 0)
            assert_true(isnan(rel));
        else
            assert_near(rel, diff / base, 1e-12 * fabs(diff / base) + 1e-15);
        assert_true(value(t, (size_t)c, "ci_low") <= diff);
        assert_true(diff <= value(t, (size_t)c, "ci_high"));
    }

    /* replications: row r is alt row r minus base row r, then the net monetary benefit. */
    struct out_table *pairs = read_table(path, "/comparisons/fewer_gps_vs_t/replications");
    struct out_table *rb = read_table(path, "/scenarios/t/replications");
    struct out_table *ra = read_table(path, "/scenarios/fewer_gps/replications");
    assert_int_equal(pairs->n_rows, 4);
    assert_int_equal(pairs->n_cols, OUTC_COUNT + 1);
    assert_string_equal(pairs->cols[OUTC_COUNT].name, "net_monetary_benefit");
    for (size_t r = 0; r < pairs->n_rows; r++) {
        const double *p = pairs->values + r * pairs->n_cols;
        for (int c = 0; c < OUTC_COUNT; c++) {
            size_t at = r * OUTC_COUNT + (size_t)c;
            double d = ra->values[at] - rb->values[at];
            if (!same_double(p[c], d))
                fail_msg("replication %zu, %s: %.17g, expected %.17g", r, t->outcomes[c], p[c], d);
        }
        assert_near(p[OUTC_COUNT], BASE_WTP * p[OUTC_QALYS_DISC] - p[OUTC_COST_TOTAL_DISC], 1e-6);
    }
    out_table_destroy(pairs);
    out_table_destroy(ra);
    out_table_destroy(rb);

    /* Attributes. */
    const char *g = "/comparisons/fewer_gps_vs_t";
    char *base = attr_text(path, g, "base"), *alt = attr_text(path, g, "alt");
    char *status = attr_text(path, g, "icer_status");
    assert_string_equal(base, "t");
    assert_string_equal(alt, "fewer_gps");
    double wtp = attr_number(path, g, "wtp_per_qaly");
    assert_true(wtp == BASE_WTP);
    double dcost = value(t, OUTC_COST_TOTAL_DISC, "mean_difference");
    double dqaly = value(t, OUTC_QALYS_DISC, "mean_difference");
    double icer = attr_number(path, g, "icer");
    if (dcost <= 0 && dqaly >= 0 && !(dcost == 0 && dqaly == 0)) {
        assert_string_equal(status, "dominant");
        assert_true(isnan(icer));
    } else if (dcost >= 0 && dqaly <= 0) {
        assert_string_equal(status, "dominated");
        assert_true(isnan(icer));
    } else {
        assert_string_equal(status, "ratio");
        assert_near(icer, dcost / dqaly, 1e-9 * fabs(dcost / dqaly));
    }
    double nmb = attr_number(path, g, "nmb_mean");
    assert_near(nmb, wtp * dqaly - dcost, 1e-6 * (fabs(dcost) + 1));
    assert_true(attr_number(path, g, "nmb_ci_low") <= nmb);
    assert_true(nmb <= attr_number(path, g, "nmb_ci_high"));
    free(base);
    free(alt);
    free(status);
    out_outcome_table_destroy(t);
}

/* Each scenario is in the file exactly as `caresim run` writes it: the same replications
 * and summary, bit for bit. */
static void test_compare_scenarios_are_written_as_run_writes_them(void **state)
{
    (void)state;
    self_run();
    /* In the shared run's directory, so that the configs name the same files. */
    struct scratch *s = &self.s;
    char out[160];
    snprintf(out, sizeof out, "%s/run.h5", s->dir);
    const char *args[] = {s->base, "-o", out, "--quiet", NULL};
    expect_success(s, run_cmd(s, cli_run, "run", args), "run t");
    const char *tables[] = {"/scenarios/t/replications"};
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        struct out_table *a = read_table(out, tables[i]), *b = read_table(self.path, tables[i]);
        assert_int_equal(a->n_rows * a->n_cols, b->n_rows * b->n_cols);
        if (memcmp(a->values, b->values, a->n_rows * a->n_cols * sizeof(double)) != 0)
            fail_msg("%s differs between run and compare", tables[i]);
        out_table_destroy(a);
        out_table_destroy(b);
    }
    struct out_file *fa = open_file(out), *fb = open_file(self.path);
    struct out_outcome_table *sa = NULL, *sb = NULL;
    struct sim_err e;
    assert_int_equal(out_file_read_outcome_table(fa, "/scenarios/t/summary", &sa, &e), 0);
    assert_int_equal(out_file_read_outcome_table(fb, "/scenarios/t/summary", &sb, &e), 0);
    assert_int_equal(sa->n_rows * sa->n_fields, sb->n_rows * sb->n_fields);
    for (size_t i = 0; i < sa->n_rows * sa->n_fields; i++)
        assert_true(same_double(sa->values[i], sb->values[i]));
    char *ca = NULL, *cb = NULL;
    assert_int_equal(out_file_read_config(fa, "t", &ca, &e), 0);
    assert_int_equal(out_file_read_config(fb, "t", &cb, &e), 0);
    assert_string_equal(ca, cb);
    free(ca);
    free(cb);
    out_outcome_table_destroy(sa);
    out_outcome_table_destroy(sb);
    out_file_close(fa);
    out_file_close(fb);
}

/* ---- failures and the command line ----------------------------------------------------------- */

static void test_compare_duplicate_scenario_names_exit_2_naming_both_files(void **state)
{
    struct scratch *s = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/dup.h5", s->dir);
    const char *args[] = {s->base, s->dup, "-o", out, NULL};
    assert_int_equal(compare_cmd(s, args), CLI_EXIT_USAGE);
    char *err = testutil_slurp(s->err_txt, NULL);
    assert_non_null(strstr(err, s->base));
    assert_non_null(strstr(err, s->dup));
    assert_non_null(strstr(err, "'t'"));
    free(err);
    assert_false(file_exists(out));
    /* The same file twice, and a --set giving every scenario one name, likewise. */
    const char *twice[] = {s->base, s->fewer, s->base, "-o", out, NULL};
    assert_int_equal(compare_cmd(s, twice), CLI_EXIT_USAGE);
    const char *one_name[] = {s->base, s->fewer, "--set", "name=x", "-o", out, NULL};
    assert_int_equal(compare_cmd(s, one_name), CLI_EXIT_USAGE);
    err = testutil_slurp(s->err_txt, NULL);
    assert_non_null(strstr(err, "'x'"));
    free(err);
    assert_false(file_exists(out));
}

static void test_compare_bad_command_lines_exit_2(void **state)
{
    struct scratch *s = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/never.h5", s->dir);
    const char *no_file[] = {"-r", "2", NULL};
    const char *one_file[] = {s->base, "-o", out, NULL};
    const char *bad_reps[] = {s->base, s->fewer, "-r", "two", NULL};
    const char *bad_jobs[] = {s->base, s->fewer, "-j", "0", NULL};
    const char *unknown[] = {s->base, s->fewer, "--frobnicate", NULL};
    const char *bad_set[] = {s->base, s->fewer, "--set", "run.population=-3", "-o", out, NULL};
    const char *const *cases[] = {no_file, one_file, bad_reps, bad_jobs, unknown, bad_set};
    const char *messages[] = {"missing scenario files",
                              "missing alternative scenario file",
                              "caresim compare: -r: expected a whole number (got 'two')",
                              "caresim compare: -j: expected a number of threads from 1 to 256",
                              "caresim compare: unknown option '--frobnicate'",
                              "run.population: must be"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        assert_int_equal(compare_cmd(s, cases[i]), CLI_EXIT_USAGE);
        char *err = testutil_slurp(s->err_txt, NULL);
        if (!strstr(err, messages[i]))
            fail_msg("case %zu: expected '%s' in:\n%s", i, messages[i], err);
        free(err);
    }
    assert_false(file_exists(out));
}

static void test_compare_default_output_is_results_compare_base_name(void **state)
{
    struct scratch *s = *state;
    char cwd[4096], expect[160];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(s->dir), 0);
    const char *args[] = {s->base, s->fewer, "-r", "1", "--quiet", NULL};
    int rc = compare_cmd(s, args);
    assert_int_equal(chdir(cwd), 0);
    expect_success(s, rc, "compare -r 1");
    snprintf(expect, sizeof expect, "%s/results/compare_t.h5", s->dir);
    assert_true(file_exists(expect));
    char *text = testutil_slurp(s->out_txt, NULL);
    assert_non_null(strstr(text, "wrote results/compare_t.h5\n"));
    /* One replication: no interval. */
    assert_non_null(strstr(text, "95% CI n/a"));
    free(text);
}

/* ---- output/: tables of outcomes and groups ----------------------------------------------- */

/* A results writer on <dir>/name, with minimal provenance. */
static struct out_writer *writer_at(const struct scratch *s, const char *name, char *path,
                                    size_t size)
{
    snprintf(path, size, "%s/%s", s->dir, name);
    struct out_provenance prov = {.version = "test", .master_seed = 1, .threads = 1};
    struct sim_err e;
    sim_err_clear(&e);
    struct out_writer *w = out_writer_create(path, &prov, &e);
    if (!w)
        fail_msg("%s", e.msg);
    return w;
}

/* A table of outcomes reads back as written: strings, NaN, units of the fields; a group
 * keeps its string and number attributes. */
static void test_outcome_table_and_group_round_trip(void **state)
{
    struct scratch *s = *state;
    char path[160];
    struct out_writer *w = writer_at(s, "round.h5", path, sizeof path);
    struct sim_err e;
    sim_err_clear(&e);
    const struct out_attr attrs[] = {{"label", "x_vs_y", 0}, {"ratio", NULL, -2.5},
                                     {"missing", NULL, NAN}};
    assert_int_equal(out_writer_add_group(w, "/comparisons/x_vs_y", attrs, 3, &e), 0);
    const char *outcomes[] = {"a_long_outcome_name", "b"};
    const char *units[] = {"days", NULL};
    const struct out_column fields[] = {{"low", "see unit", "lower"}, {"high", NULL, NULL}};
    const double values[] = {1.5, NAN, -3.0, 1e300};
    struct out_outcome_table t = {.name = "differences", .desc = "two rows", .n_rows = 2,
                                  .outcomes = outcomes, .units = units, .n_fields = 2,
                                  .fields = fields, .values = values};
    assert_int_equal(out_writer_add_outcome_table(w, "/comparisons/x_vs_y", &t, &e), 0);
    assert_int_equal(out_writer_commit(w, &e), 0);
    out_writer_destroy(w);

    struct out_file *f = open_file(path);
    struct out_outcome_table *r = NULL;
    assert_int_equal(out_file_read_outcome_table(f, "/comparisons/x_vs_y/differences", &r, &e), 0);
    assert_string_equal(r->name, "differences");
    assert_string_equal(r->desc, "two rows");
    assert_int_equal(r->n_rows, 2);
    assert_int_equal(r->n_fields, 2);
    assert_string_equal(r->outcomes[0], "a_long_outcome_name");
    assert_string_equal(r->outcomes[1], "b");
    assert_string_equal(r->units[0], "days");
    assert_string_equal(r->units[1], "");
    assert_string_equal(r->fields[0].name, "low");
    assert_string_equal(r->fields[0].unit, "see unit");
    assert_string_equal(r->fields[0].desc, "lower");
    assert_string_equal(r->fields[1].name, "high");
    for (size_t i = 0; i < 4; i++)
        assert_true(same_double(r->values[i], values[i]));
    out_outcome_table_destroy(r);
    char *label = NULL;
    double ratio = 0, missing = 0;
    assert_int_equal(out_file_read_attr_text(f, "/comparisons/x_vs_y", "label", &label, &e), 0);
    assert_string_equal(label, "x_vs_y");
    free(label);
    assert_int_equal(out_file_read_attr_number(f, "/comparisons/x_vs_y", "ratio", &ratio, &e), 0);
    assert_true(ratio == -2.5);
    assert_int_equal(out_file_read_attr_number(f, "/comparisons/x_vs_y", "missing", &missing, &e),
                     0);
    assert_true(isnan(missing));
    /* Wrong type, absent attribute, absent object: errors naming what is missing. */
    assert_int_equal(out_file_read_attr_number(f, "/comparisons/x_vs_y", "label", &ratio, &e),
                     SIM_EINVAL);
    sim_err_clear(&e);
    assert_int_equal(out_file_read_attr_text(f, "/comparisons/x_vs_y", "nope", &label, &e),
                     SIM_EINVAL);
    assert_non_null(strstr(e.msg, "nope"));
    sim_err_clear(&e);
    assert_int_equal(out_file_read_attr_text(f, "/comparisons/z", "label", &label, &e),
                     SIM_EINVAL);
    assert_non_null(strstr(e.msg, "/comparisons/z"));
    /* A group is not a table. */
    assert_int_equal(out_file_read_outcome_table(f, "/comparisons", &r, &e), SIM_EINVAL);
    out_file_close(f);
}

/* Malformed tables and groups are refused with SIM_EINVAL, writing nothing, and the writer
 * stays usable. */
static void test_outcome_table_and_group_refuse_malformed_input(void **state)
{
    struct scratch *s = *state;
    char path[160];
    struct out_writer *w = writer_at(s, "bad.h5", path, sizeof path);
    struct sim_err e;
    sim_err_clear(&e);
    const char *outcomes[] = {"a"};
    const double values[] = {1, 2};
    const struct out_column clash[] = {{"unit", NULL, NULL}};
    const struct out_column twice[] = {{"x", NULL, NULL}, {"x", NULL, NULL}};
    const struct out_column good[] = {{"x", NULL, NULL}};
    struct out_outcome_table t = {.name = "t", .n_rows = 1, .outcomes = outcomes, .n_fields = 1,
                                  .fields = clash, .values = values};
    assert_int_equal(out_writer_add_outcome_table(w, "/g", &t, &e), SIM_EINVAL);
    assert_non_null(strstr(e.msg, "unit"));
    t.fields = twice;
    t.n_fields = 2;
    assert_int_equal(out_writer_add_outcome_table(w, "/g", &t, &e), SIM_EINVAL);
    t.fields = good;
    t.n_fields = 1;
    assert_int_equal(out_writer_add_outcome_table(w, "g", &t, &e), SIM_EINVAL);
    t.name = "a/b";
    assert_int_equal(out_writer_add_outcome_table(w, "/g", &t, &e), SIM_EINVAL);
    t.name = "t";
    assert_int_equal(out_writer_add_outcome_table(w, "/g", &t, &e), 0);
    sim_err_clear(&e);
    assert_int_equal(out_writer_add_outcome_table(w, "/g", &t, &e), SIM_EINVAL);
    assert_non_null(strstr(e.msg, "already exists"));

    const struct out_attr dup[] = {{"a", NULL, 1}, {"a", "x", 0}};
    assert_int_equal(out_writer_add_group(w, "/h", dup, 2, &e), SIM_EINVAL);
    assert_int_equal(out_writer_add_group(w, "/", NULL, 0, &e), SIM_EINVAL);
    assert_int_equal(out_writer_add_group(w, "/g", NULL, 0, &e), SIM_EINVAL);
    assert_int_equal(out_writer_add_group(w, "/h", dup, 1, &e), 0);
    assert_int_equal(out_writer_commit(w, &e), 0);
    out_writer_destroy(w);
    struct out_file *f = open_file(path);
    char **names = NULL;
    size_t n = 0;
    assert_int_equal(out_file_list_groups(f, "/", &names, &n, &e), 0);
    assert_int_equal(n, 3); /* scenarios, g, h */
    free(names);
    assert_int_equal(out_file_list_groups(f, "/comparisons", &names, &n, &e), 0);
    assert_int_equal(n, 0);
    free(names);
    out_file_close(f);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_compare_base_against_itself_gives_exact_zero_differences),
        T(test_compare_alternative_seed_is_replaced_by_the_base_seed_with_a_warning),
        T(test_compare_fewer_gp_clinicians_lengthen_gp_waits_significantly),
        T(test_report_shows_the_comparison_with_cis_icer_and_nmb),
        T(test_compare_threads_give_bit_identical_comparisons),
        T(test_compare_file_has_documented_comparison_group),
        T(test_compare_scenarios_are_written_as_run_writes_them),
        T(test_compare_duplicate_scenario_names_exit_2_naming_both_files),
        T(test_compare_bad_command_lines_exit_2),
        T(test_compare_default_output_is_results_compare_base_name),
        T(test_outcome_table_and_group_round_trip),
        T(test_outcome_table_and_group_refuse_malformed_input),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
