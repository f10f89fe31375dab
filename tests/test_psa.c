/* tests/test_psa.c — tests of `caresim psa` (cli/psa.c): determinism over threads, the
 * wiring of sampled values into the model (draw 0 equals a plain run with those values),
 * Latin hypercube stratification of the sampled keys, common random numbers between
 * strategies (identical strategies: zero increments, no value of information), the
 * direction of a unit cost's effect, the noise split with replications, the plots, and
 * bad input.
 *
 * The command runs in-process (cli_psa) with stdout and stderr to files in a temporary
 * directory under /tmp (removed afterwards); its results file is read back through
 * output/. Scenarios: "t" (1000 persons, half a year of warm-up, one year recorded, seed
 * 5) with three distributions (GP visit and non-elective spell unit costs, gamma; the
 * transitional-care relapse hazard ratio, normal) and its transitional-care alternative
 * "tc" (tc_coverage 0.5).
 */
#define _GNU_SOURCE
#include "tests/testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "cli/cli.h"
#include "models/outcomes.h"
#include "output/results.h"
#include "sim/err.h"

#define BASE_TEXT                                                                          \
    "name = \"t\";\n"                                                                      \
    "run = { population = 1000; horizon_years = 1.0; warmup_years = 0.5; seed = 5; };\n"   \
    "costs = { gp_visit = { dist = \"gamma\"; mean = 39.0; sd = 3.0; };\n"                 \
    "          nonelective_spell = { dist = \"gamma\"; mean = 1590.0; sd = 400.0; }; };\n" \
    "policy = { tc_relapse_hr = { dist = \"normal\"; mean = 0.82; sd = 0.045; }; };\n"
#define TC_TEXT "base = \"t.cfg\";\nname = \"tc\";\npolicy = { tc_coverage = 0.5; };\n"
#define SAME_TEXT "base = \"t.cfg\";\nname = \"t_again\";\n"
#define NODIST_TEXT "name = \"plain\";\nrun = { population = 100; horizon_years = 0.2; };\n"

struct scratch {
    char dir[64], base[128], tc[128], same[128], nodist[128];
    char out_txt[128], err_txt[128];
    char h5[128];
};

static int setup(void **state)
{
    struct scratch *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    snprintf(s->dir, sizeof s->dir, "/tmp/caresim-test-psa-XXXXXX");
    if (!mkdtemp(s->dir)) {
        free(s);
        return -1;
    }
    snprintf(s->base, sizeof s->base, "%s/t.cfg", s->dir);
    snprintf(s->tc, sizeof s->tc, "%s/tc.cfg", s->dir);
    snprintf(s->same, sizeof s->same, "%s/same.cfg", s->dir);
    snprintf(s->nodist, sizeof s->nodist, "%s/nodist.cfg", s->dir);
    snprintf(s->out_txt, sizeof s->out_txt, "%s/stdout.txt", s->dir);
    snprintf(s->err_txt, sizeof s->err_txt, "%s/stderr.txt", s->dir);
    snprintf(s->h5, sizeof s->h5, "%s/psa.h5", s->dir);
    *state = s;
    return testutil_write_text(s->base, BASE_TEXT) || testutil_write_text(s->tc, TC_TEXT) ||
                   testutil_write_text(s->same, SAME_TEXT) ||
                   testutil_write_text(s->nodist, NODIST_TEXT)
               ? -1
               : 0;
}

static int teardown(void **state)
{
    struct scratch *s = *state;
    testutil_remove_tree(s->dir);
    free(s);
    return 0;
}

/* Runs `caresim psa ARGS -q -o <out>`; returns the exit status. */
static int psa(struct scratch *s, const char *out, const char *const *args)
{
    const char *argv[32];
    size_t n = 0;
    for (; args[n]; n++)
        argv[n] = args[n];
    argv[n++] = "-q";
    argv[n++] = "-o";
    argv[n++] = out;
    argv[n] = NULL;
    return testutil_run_args(cli_psa, "psa", argv, s->out_txt, s->err_txt);
}

static struct out_table *read_table(const char *path, const char *dataset)
{
    struct sim_err e;
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    sim_err_clear(&e);
    struct out_file *f = out_file_open(path, &e);
    struct out_table *t = NULL;
    if (!f || out_file_read_table(f, dataset, &t, &e) != 0)
        fail_msg("%s", sim_err_format(&e, buf, sizeof buf));
    out_file_close(f);
    return t;
}

static long column(const struct out_table *t, const char *name)
{
    for (size_t c = 0; c < t->n_cols; c++)
        if (strcmp(t->cols[c].name, name) == 0)
            return (long)c;
    fail_msg("no column %s", name);
    return -1;
}

static void assert_same_table(const char *a, const char *b, const char *dataset)
{
    struct out_table *x = read_table(a, dataset), *y = read_table(b, dataset);
    assert_int_equal(x->n_rows, y->n_rows);
    assert_int_equal(x->n_cols, y->n_cols);
    assert_memory_equal(x->values, y->values, x->n_rows * x->n_cols * sizeof *x->values);
    out_table_destroy(x);
    out_table_destroy(y);
}

/* Same seed, 1 or 2 threads: every PSA table and the outcome rows are bit-identical. */
static void test_psa_same_bits_on_one_and_two_threads(void **state)
{
    struct scratch *s = *state;
    char one[160], two[160];
    snprintf(one, sizeof one, "%s/one.h5", s->dir);
    snprintf(two, sizeof two, "%s/two.h5", s->dir);
    const char *a1[] = {s->base, s->tc, "-n", "8", "-r", "2", "-j", "1", NULL};
    const char *a2[] = {s->base, s->tc, "-n", "8", "-r", "2", "-j", "2", NULL};
    assert_int_equal(psa(s, one, a1), 0);
    assert_int_equal(psa(s, two, a2), 0);
    static const char *const sets[] = {"/psa/parameters", "/psa/ce_plane", "/psa/ceac",
                                       "/psa/evppi", "/scenarios/t/replications",
                                       "/scenarios/tc/replications"};
    for (size_t i = 0; i < sizeof sets / sizeof *sets; i++)
        assert_same_table(one, two, sets[i]);
}

/* Draw 0, replication 0 is replication 0 of a plain run with the draw's values set: the
 * sampled values reach the model and nothing else differs. */
static void test_psa_draw_zero_equals_a_run_with_its_values(void **state)
{
    struct scratch *s = *state;
    const char *args[] = {s->base, "-n", "5", NULL};
    assert_int_equal(psa(s, s->h5, args), 0);
    struct out_table *par = read_table(s->h5, "/psa/parameters");
    assert_int_equal(par->n_cols, 4); /* draw and the three keys */
    char sets[3][128], run_h5[160];
    const char *argv[20];
    size_t n = 0;
    argv[n++] = s->base;
    for (size_t c = 1; c < par->n_cols; c++) {
        snprintf(sets[c - 1], sizeof sets[c - 1], "%s=%.17g", par->cols[c].name,
                 par->values[c]);
        argv[n++] = "--set";
        argv[n++] = sets[c - 1];
    }
    snprintf(run_h5, sizeof run_h5, "%s/run.h5", s->dir);
    argv[n++] = "-r";
    argv[n++] = "1";
    argv[n++] = "-q";
    argv[n++] = "-o";
    argv[n++] = run_h5;
    argv[n] = NULL;
    assert_int_equal(testutil_run_args(cli_run, "run", argv, s->out_txt, s->err_txt), 0);
    struct out_table *a = read_table(s->h5, "/scenarios/t/replications");
    struct out_table *b = read_table(run_h5, "/scenarios/t/replications");
    assert_int_equal(a->n_rows, 5);
    assert_memory_equal(a->values, b->values, OUTC_COUNT * sizeof *a->values);
    /* and draw 1 differs from it */
    assert_true(memcmp(a->values, a->values + OUTC_COUNT, OUTC_COUNT * sizeof *a->values) != 0);
    out_table_destroy(a);
    out_table_destroy(b);
    out_table_destroy(par);
}

/* Latin hypercube: with 20 draws, the values of each key fall once in each of its 20
 * equal-probability strata (checked through the distribution's own CDF, from GSL). */
static void test_psa_latin_hypercube_hits_every_stratum_once(void **state)
{
    struct scratch *s = *state;
    const char *args[] = {s->base, "-n", "20", "--set", "run.population=100", NULL};
    assert_int_equal(psa(s, s->h5, args), 0);
    struct out_table *par = read_table(s->h5, "/psa/parameters");
    long gp = column(par, "costs.gp_visit"), hr = column(par, "policy.tc_relapse_hr");
    int hit_gp[20] = {0}, hit_hr[20] = {0};
    for (size_t d = 0; d < 20; d++) {
        double x = par->values[d * par->n_cols + (size_t)gp];
        double f = gsl_cdf_gamma_P(x, 39.0 * 39.0 / 9.0, 9.0 / 39.0);
        hit_gp[(int)floor(f * 20)]++;
        double y = par->values[d * par->n_cols + (size_t)hr];
        /* The normal is truncated to the key's range (0, 2]: mass outside < 1e-70. */
        hit_hr[(int)floor(gsl_cdf_gaussian_P(y - 0.82, 0.045) * 20)]++;
    }
    for (int k = 0; k < 20; k++) {
        assert_int_equal(hit_gp[k], 1);
        assert_int_equal(hit_hr[k], 1);
    }
    out_table_destroy(par);
}

/* A strategy identical to the reference (another name) has, in every draw, exactly the
 * same costs and QALYs (common random numbers), so the reference is optimal with
 * probability 1 (ties go to the first) and information is worth nothing. */
static void test_psa_identical_strategies_have_no_value_of_information(void **state)
{
    struct scratch *s = *state;
    const char *args[] = {s->base, s->same, "-n", "6", "--wtp", "50000:10000", NULL};
    assert_int_equal(psa(s, s->h5, args), 0);
    struct out_table *plane = read_table(s->h5, "/psa/ce_plane");
    for (size_t d = 0; d < plane->n_rows; d++) {
        const double *v = plane->values + d * plane->n_cols;
        assert_true(v[1] == v[3] && v[2] == v[4]);
    }
    struct out_table *ceac = read_table(s->h5, "/psa/ceac");
    assert_int_equal(ceac->n_rows, 6); /* 0, 10000 ... 50000 */
    long p0 = column(ceac, "p_optimal_t"), evpi = column(ceac, "evpi");
    for (size_t w = 0; w < ceac->n_rows; w++) {
        assert_true(ceac->values[w * ceac->n_cols + (size_t)p0] == 1.0);
        assert_true(ceac->values[w * ceac->n_cols + (size_t)evpi] == 0.0);
    }
    out_table_destroy(plane);
    out_table_destroy(ceac);
}

/* The non-elective spell cost (sd 25% of its mean) drives the reference's cost per person
 * across draws: Pearson correlation > 0.5 over 24 draws (seed 5; the other inputs and the
 * noise of 1000 persons over a year are smaller; the observed value is 0.81). */
static void test_psa_spell_cost_drives_cost_across_draws(void **state)
{
    struct scratch *s = *state;
    const char *args[] = {s->base, "-n", "24", NULL};
    assert_int_equal(psa(s, s->h5, args), 0);
    struct out_table *par = read_table(s->h5, "/psa/parameters");
    struct out_table *plane = read_table(s->h5, "/psa/ce_plane");
    long k = column(par, "costs.nonelective_spell"), c = column(plane, "cost_t");
    double x[24], y[24];
    for (size_t d = 0; d < 24; d++) {
        x[d] = par->values[d * par->n_cols + (size_t)k];
        y[d] = plane->values[d * plane->n_cols + (size_t)c];
    }
    assert_true(gsl_stats_correlation(x, 1, y, 1, 24) > 0.5);
    out_table_destroy(par);
    out_table_destroy(plane);
}

/* With 2 replications per draw the file has the noise split, with shares in [0, 1]; the
 * printed report says how much is noise. */
static void test_psa_replications_measure_first_order_noise(void **state)
{
    struct scratch *s = *state;
    const char *args[] = {s->base, s->tc, "-n", "6", "-r", "2", NULL};
    assert_int_equal(psa(s, s->h5, args), 0);
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(s->h5, &e);
    assert_non_null(f);
    struct out_outcome_table *t = NULL;
    assert_int_equal(out_file_read_outcome_table(f, "/psa/noise", &t, &e), 0);
    assert_int_equal(t->n_rows, 5); /* cost and QALYs of 2 strategies, 1 INB */
    for (size_t r = 0; r < t->n_rows; r++) {
        double share = t->values[r * t->n_fields + 2];
        assert_true(share >= 0 && share <= 1);
    }
    out_outcome_table_destroy(t);
    out_file_close(f);
    char *out = testutil_slurp(s->out_txt, NULL);
    assert_non_null(strstr(out, "first-order noise"));
    free(out);
}

/* `caresim plot` draws the CE plane, the CEAC and the EVPI curve of a PSA file (when
 * gnuplot is installed; the scripts and data are written either way). */
static void test_psa_file_plots_ceac_plane_and_evpi(void **state)
{
    struct scratch *s = *state;
    const char *args[] = {s->base, s->tc, "-n", "6", NULL};
    assert_int_equal(psa(s, s->h5, args), 0);
    char dir[160], path[220];
    snprintf(dir, sizeof dir, "%s/plots", s->dir);
    const char *pargs[] = {s->h5, "-o", dir, NULL};
    int rc = testutil_run_args(cli_plot, "plot", pargs, s->out_txt, s->err_txt);
    char *err = testutil_slurp(s->err_txt, NULL);
    assert_null(strstr(err, "skipping")); /* no time series in a PSA file: no note either */
    free(err);
    static const char *const figs[] = {"psa_ce_plane", "psa_ceac", "psa_evpi"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s.gp", dir, figs[i]);
        assert_int_equal(access(path, R_OK), 0);
        if (rc == 0) {
            snprintf(path, sizeof path, "%s/%s.png", dir, figs[i]);
            assert_int_equal(access(path, R_OK), 0);
        }
    }
}

/* report summarises /psa (its tables and the strategies) and export writes every /psa
 * table as psa_<table>.csv. */
static void test_psa_file_is_read_by_report_and_export(void **state)
{
    struct scratch *s = *state;
    const char *args[] = {s->base, s->tc, "-n", "4", NULL};
    assert_int_equal(psa(s, s->h5, args), 0);
    const char *r[] = {s->h5, NULL};
    assert_int_equal(testutil_run_args(cli_report, "report", r, s->out_txt, s->err_txt), 0);
    char *out = testutil_slurp(s->out_txt, NULL);
    assert_non_null(strstr(out, "probabilistic sensitivity analysis (/psa)"));
    assert_non_null(strstr(out, "EVPI at the reference"));
    free(out);
    char dir[160], path[220];
    snprintf(dir, sizeof dir, "%s/csv", s->dir);
    const char *e[] = {s->h5, "--csv", dir, NULL};
    assert_int_equal(testutil_run_args(cli_export, "export", e, s->out_txt, s->err_txt), 0);
    static const char *const files[] = {"psa_parameters.csv", "psa_distributions.csv",
                                        "psa_strategies.csv", "psa_ce_plane.csv",
                                        "psa_ceac.csv", "psa_evppi.csv", "t_replications.csv",
                                        "tc_summary.csv"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        assert_int_equal(access(path, R_OK), 0);
    }
}

/* Bad command lines and a scenario without distributions: exit 2 with the reason. */
static void test_psa_rejects_bad_input(void **state)
{
    struct scratch *s = *state;
    static const struct {
        const char *args[8];
        const char *message;
    } cases[] = {
        {{"T", NULL}, "missing -n DRAWS"},
        {{"T", "-n", "0", NULL}, "expected a number of draws"},
        {{"T", "-n", "abc", NULL}, "expected a number of draws"},
        {{"T", "-n", "3", "--sampling", "sobol", NULL}, "expected lhs or srs"},
        {{"T", "-n", "3", "--wtp", "-5", NULL}, "--wtp: expected MAX[:STEP]"},
        {{"T", "-n", "3", "--evppi", "costs.no_such_key", NULL}, "is not a distribution-valued"},
        {{"T", "-n", "3", "--persons", NULL}, "not psa"},
        {{"N", "-n", "3", NULL}, "has a distribution"},
        {{"-n", "3", NULL}, "missing scenario files"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *args[10];
        size_t n = 0;
        for (; cases[i].args[n]; n++)
            args[n] = strcmp(cases[i].args[n], "T") == 0   ? s->base
                      : strcmp(cases[i].args[n], "N") == 0 ? s->nodist
                                                           : cases[i].args[n];
        args[n] = NULL;
        assert_int_equal(psa(s, s->h5, args), 2);
        char *err = testutil_slurp(s->err_txt, NULL);
        if (!strstr(err, cases[i].message))
            fail_msg("case %zu: expected '%s' in: %s", i, cases[i].message, err);
        free(err);
    }
    assert_int_equal(access(s->h5, F_OK), -1); /* nothing written */
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_psa_same_bits_on_one_and_two_threads),
        T(test_psa_draw_zero_equals_a_run_with_its_values),
        T(test_psa_latin_hypercube_hits_every_stratum_once),
        T(test_psa_identical_strategies_have_no_value_of_information),
        T(test_psa_spell_cost_drives_cost_across_draws),
        T(test_psa_replications_measure_first_order_noise),
        T(test_psa_file_plots_ceac_plane_and_evpi),
        T(test_psa_file_is_read_by_report_and_export),
        T(test_psa_rejects_bad_input),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
