/* tests/test_sampling.c — tests of the sampling designs (sim/sampling.c) and of the
 * inverse distribution functions PSA samples through (sim_dist_quantile, sim_dist_cdf,
 * sim_cfg_quantile in sim/config.c). Pure computations: no files. */
#include "tests/testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "models/params.h"
#include "sim/config.h"
#include "sim/sampling.h"

/* LHS: in every column each of the n strata [k/n, (k+1)/n) holds exactly one value. */
static void test_lhs_puts_one_value_in_each_stratum(void **state)
{
    (void)state;
    enum { N = 97, P = 5 };
    double *u = malloc(N * P * sizeof *u);
    assert_int_equal(sim_sample_unit_cube(SIM_SAMPLING_LHS, 42, N, P, u, NULL), 0);
    for (int i = 0; i < P; i++) {
        int hit[N] = {0};
        for (int d = 0; d < N; d++) {
            double x = u[d * P + i];
            assert_true(x > 0 && x < 1);
            hit[(int)floor(x * N)]++;
        }
        for (int k = 0; k < N; k++)
            assert_int_equal(hit[k], 1);
    }
    free(u);
}

/* SRS: uniforms in (0, 1) whose mean is within 4 standard errors of 1/2 (n = 20 000,
 * se = 0.0020, seed 7), and which do not fill the strata evenly (some stratum of 100 is
 * empty or doubled: LHS is not what SRS gives). */
static void test_srs_gives_independent_uniforms(void **state)
{
    (void)state;
    enum { N = 20000 };
    double *u = malloc(N * sizeof *u);
    assert_int_equal(sim_sample_unit_cube(SIM_SAMPLING_SRS, 7, N, 1, u, NULL), 0);
    double sum = 0;
    for (int d = 0; d < N; d++)
        sum += u[d];
    assert_near(sum / N, 0.5, 4 * sqrt(1.0 / 12 / N));
    int hit[100] = {0}, uneven = 0;
    for (int d = 0; d < 100; d++)
        hit[(int)floor(u[d] * 100)]++;
    for (int k = 0; k < 100; k++)
        uneven |= hit[k] != 1;
    assert_true(uneven);
    free(u);
}

/* A column depends on (method, seed, n, its index) only: adding inputs leaves the first
 * columns unchanged; another seed changes them; the same seed repeats them. */
static void test_design_columns_are_keyed_streams(void **state)
{
    (void)state;
    enum { N = 50 };
    double a[N * 2], b[N * 4], c[N * 2];
    assert_int_equal(sim_sample_unit_cube(SIM_SAMPLING_LHS, 3, N, 2, a, NULL), 0);
    assert_int_equal(sim_sample_unit_cube(SIM_SAMPLING_LHS, 3, N, 4, b, NULL), 0);
    for (int d = 0; d < N; d++) {
        assert_true(a[d * 2] == b[d * 4]);
        assert_true(a[d * 2 + 1] == b[d * 4 + 1]);
    }
    assert_int_equal(sim_sample_unit_cube(SIM_SAMPLING_LHS, 4, N, 2, c, NULL), 0);
    assert_true(memcmp(a, c, sizeof a) != 0);
    assert_int_equal(sim_sample_unit_cube(SIM_SAMPLING_LHS, 3, N, 2, c, NULL), 0);
    assert_memory_equal(a, c, sizeof a);
    struct sim_err e;
    sim_err_clear(&e);
    assert_int_equal(sim_sample_unit_cube(SIM_SAMPLING_LHS, 3, 0, 2, c, &e), SIM_EINVAL);
}

/* F(F^-1(u)) = u for every kind (within 1e-9), including a beta as skewed as a small
 * probability's (mean 0.01, sd 0.004: a ~ 6, b ~ 612, where GSL's own inverse fails to
 * converge), and the quantiles match GSL's at the median. */
static void test_quantile_inverts_the_distribution_function(void **state)
{
    (void)state;
    const struct sim_dist d[] = {
        {.kind = SIM_DIST_BETA, .mean = 0.01, .sd = 0.004},
        {.kind = SIM_DIST_BETA, .mean = 0.6, .sd = 0.1},
        {.kind = SIM_DIST_GAMMA, .mean = 39, .sd = 3},
        {.kind = SIM_DIST_LOGNORMAL, .mean = 1.2, .sd = 0.5},
        {.kind = SIM_DIST_NORMAL, .mean = 0.82, .sd = 0.045},
        {.kind = SIM_DIST_UNIFORM, .min = 2, .max = 5},
        {.kind = SIM_DIST_TRIANGULAR, .min = 1, .mode = 2, .max = 6},
    };
    const double us[] = {0.001, 0.025, 0.3, 0.5, 0.77, 0.975, 0.999};
    for (size_t i = 0; i < sizeof d / sizeof *d; i++)
        for (size_t k = 0; k < sizeof us / sizeof *us; k++)
            assert_near(sim_dist_cdf(&d[i], sim_dist_quantile(&d[i], us[k])), us[k], 1e-9);
    assert_near(sim_dist_quantile(&d[2], 0.5), gsl_cdf_gamma_Pinv(0.5, 169.0, 9.0 / 39),
                1e-9);
    assert_near(sim_dist_quantile(&d[4], 0.975), 0.82 + 1.959963985 * 0.045, 1e-8);
}

/* sim_cfg_quantile keeps a normal inside its key's range by truncation: on a key with
 * range [0, 1] a normal of mean 0.05 and sd 0.02 (4 sd reach 0.13; accepted) at u near 0
 * stays >= 0, and the truncated median lies just above the mean (truncation below). */
static void test_key_quantile_stays_in_the_key_range(void **state)
{
    (void)state;
    struct sim_cfg *cfg = sim_cfg_create(params_schema(), NULL);
    const char *text = "name = \"q\";\n"
                       "policy = { cm_control_probability = { dist = \"normal\"; mean = 0.1; "
                       "sd = 0.02; }; };\n";
    assert_int_equal(sim_cfg_load_string(cfg, text, "q.cfg", NULL), 0);
    assert_int_equal(sim_cfg_finish(cfg, NULL), 0);
    int k = sim_cfg_schema_find(params_schema(), "policy.cm_control_probability");
    assert_true(k >= 0);
    double lo = sim_cfg_quantile(cfg, (size_t)k, 0.0), hi = sim_cfg_quantile(cfg, (size_t)k, 1.0);
    assert_true(lo >= 0 && hi <= 1);
    double med = sim_cfg_quantile(cfg, (size_t)k, 0.5);
    assert_true(med >= 0.1 && med < 0.1 + 1e-6);
    sim_cfg_destroy(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lhs_puts_one_value_in_each_stratum),
        cmocka_unit_test(test_srs_gives_independent_uniforms),
        cmocka_unit_test(test_design_columns_are_keyed_streams),
        cmocka_unit_test(test_quantile_inverts_the_distribution_function),
        cmocka_unit_test(test_key_quantile_stays_in_the_key_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
