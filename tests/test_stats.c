/* tests/test_stats.c — tests of sim/stats: Welford accumulators, time averages, histogram
 * tallies and t confidence intervals. Random test data come from GSL's MT19937 with fixed
 * seeds (the project's own RNG is another module's, and is not under test here). */
#include "tests/testutil.h"

#include <float.h>
#include <math.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim/err.h"
#include "sim/stats.h"

/* t_{0.975, 9}, from tables (R: qt(0.975, 9) = 2.262157162798205). */
#define T_975_9 2.262157162798205

static void add_one_to_ten(struct sim_welford *w)
{
    sim_welford_init(w);
    for (int i = 1; i <= 10; i++)
        sim_welford_add(w, (double)i);
}

/* ---- Welford ---------------------------------------------------------------------------- */

static void test_welford_one_to_ten_exact_moments(void **state)
{
    (void)state;
    struct sim_welford w;
    add_one_to_ten(&w);
    assert_int_equal(w.count, 10);
    assert_near(sim_welford_mean(&w), 5.5, 1e-15);
    assert_near(sim_welford_var(&w), 55.0 / 6.0, 1e-14); /* sum (i - 5.5)^2 / 9 = 82.5/9 */
    assert_near(sim_welford_sd(&w), sqrt(55.0 / 6.0), 1e-14);
    assert_near(w.min, 1.0, 0.0);
    assert_near(w.max, 10.0, 0.0);
}

static void test_welford_empty_and_single_give_nan(void **state)
{
    (void)state;
    struct sim_welford w;
    sim_welford_init(&w);
    assert_true(isnan(sim_welford_mean(&w)));
    assert_true(isnan(sim_welford_var(&w)));
    assert_true(isnan(sim_welford_sd(&w)));
    assert_true(isnan(sim_welford_ci_halfwidth(&w, 0.95)));
    assert_true(isinf(w.min) && w.min > 0 && isinf(w.max) && w.max < 0);

    sim_welford_add(&w, 4.25);
    assert_near(sim_welford_mean(&w), 4.25, 0.0);
    assert_true(isnan(sim_welford_var(&w)));
    assert_true(isnan(sim_welford_sd(&w)));
    assert_true(isnan(sim_welford_ci_halfwidth(&w, 0.95)));
}

/* The classic cancellation case: 1e9 + {4, 7, 13, 16} has variance exactly 30, which the
 * sum-of-squares formula loses entirely in double precision (x^2 ~ 1e18, ulp ~ 128). */
static void test_welford_accurate_with_large_offset(void **state)
{
    (void)state;
    const double v[] = {4, 7, 13, 16};
    struct sim_welford w;
    sim_welford_init(&w);
    for (int i = 0; i < 4; i++)
        sim_welford_add(&w, 1e9 + v[i]);
    assert_near(sim_welford_mean(&w), 1e9 + 10.0, 1e-6);
    assert_rel_near(sim_welford_var(&w), 30.0, 1e-9);
}

/* Merging must equal adding sequentially: splits at the ends (empty parts) and inside. */
static void test_welford_merge_equals_sequential(void **state)
{
    (void)state;
    enum { N = 1000 };
    static double x[N];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20240501);
    for (int i = 0; i < N; i++)
        x[i] = 50.0 + gsl_ran_gaussian(r, 7.0) + gsl_ran_exponential(r, 3.0);
    gsl_rng_free(r);

    struct sim_welford all;
    sim_welford_init(&all);
    for (int i = 0; i < N; i++)
        sim_welford_add(&all, x[i]);

    const int splits[] = {0, 1, 137, 500, 999, N};
    for (size_t s = 0; s < sizeof splits / sizeof *splits; s++) {
        struct sim_welford a, b;
        sim_welford_init(&a);
        sim_welford_init(&b);
        for (int i = 0; i < splits[s]; i++)
            sim_welford_add(&a, x[i]);
        for (int i = splits[s]; i < N; i++)
            sim_welford_add(&b, x[i]);
        sim_welford_merge(&a, &b);
        assert_int_equal(a.count, all.count);
        assert_rel_near(a.mean, all.mean, 1e-12);
        assert_rel_near(sim_welford_var(&a), sim_welford_var(&all), 1e-12);
        assert_near(a.min, all.min, 0.0);
        assert_near(a.max, all.max, 0.0);
    }

    /* Many small parts (as from many replications) merged one after another. */
    struct sim_welford acc;
    sim_welford_init(&acc);
    for (int start = 0; start < N; start += 7) {
        struct sim_welford part;
        sim_welford_init(&part);
        for (int i = start; i < start + 7 && i < N; i++)
            sim_welford_add(&part, x[i]);
        sim_welford_merge(&acc, &part);
    }
    assert_int_equal(acc.count, all.count);
    assert_rel_near(acc.mean, all.mean, 1e-12);
    assert_rel_near(sim_welford_var(&acc), sim_welford_var(&all), 1e-12);
}

/* Merging an accumulator into itself is the sample with every value twice. */
static void test_welford_merge_with_itself_doubles_sample(void **state)
{
    (void)state;
    struct sim_welford w, twice;
    add_one_to_ten(&w);
    sim_welford_init(&twice);
    for (int rep = 0; rep < 2; rep++)
        for (int i = 1; i <= 10; i++)
            sim_welford_add(&twice, (double)i);
    sim_welford_merge(&w, &w);
    assert_int_equal(w.count, 20);
    assert_rel_near(w.mean, twice.mean, 1e-14);
    assert_rel_near(sim_welford_var(&w), sim_welford_var(&twice), 1e-13);
}

/* 1..10: sd = sqrt(55/6), so the 95% half-width is t_{.975,9} sqrt(55/6) / sqrt(10)
 * = 2.165850589668 (hand-computed). */
static void test_welford_ci_halfwidth_matches_t_table(void **state)
{
    (void)state;
    struct sim_welford w;
    add_one_to_ten(&w);
    double expected = T_975_9 * sqrt(55.0 / 6.0) / sqrt(10.0);
    assert_rel_near(expected, 2.165850589668, 1e-12);
    assert_rel_near(sim_welford_ci_halfwidth(&w, 0.95), expected, 1e-9);
}

static void test_welford_ci_nan_for_bad_level(void **state)
{
    (void)state;
    struct sim_welford w;
    add_one_to_ten(&w);
    assert_true(isnan(sim_welford_ci_halfwidth(&w, 0.0)));
    assert_true(isnan(sim_welford_ci_halfwidth(&w, 1.0)));
    assert_true(isnan(sim_welford_ci_halfwidth(&w, -0.5)));
    assert_true(isnan(sim_welford_ci_halfwidth(&w, NAN)));
}

/* 1000 samples of 20 normals: the 95% t interval should cover the true mean in a fraction
 * 0.95 +- 3 sqrt(0.95 * 0.05 / 1000) = 0.95 +- 0.0207 of them (3 binomial standard
 * errors). Dividing sd by n instead of sqrt(n), or by sqrt(n) twice, fails this. */
static void test_welford_ci_covers_true_mean_95_percent(void **state)
{
    (void)state;
    enum { REPS = 1000, N = 20 };
    const double mu = 10.0, sigma = 3.0;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 12345);
    int covered = 0;
    for (int rep = 0; rep < REPS; rep++) {
        struct sim_welford w;
        sim_welford_init(&w);
        for (int i = 0; i < N; i++)
            sim_welford_add(&w, mu + gsl_ran_gaussian(r, sigma));
        double hw = sim_welford_ci_halfwidth(&w, 0.95);
        if (fabs(sim_welford_mean(&w) - mu) <= hw)
            covered++;
    }
    gsl_rng_free(r);
    double tol = 3.0 * sqrt(0.95 * 0.05 / REPS);
    assert_near((double)covered / REPS, 0.95, tol);
}

/* ---- sim_ci_mean ------------------------------------------------------------------------ */

static void test_ci_mean_matches_hand_value(void **state)
{
    (void)state;
    double x[10];
    for (int i = 0; i < 10; i++)
        x[i] = (double)(i + 1);
    double mean = 0, hw = 0;
    assert_int_equal(sim_ci_mean(x, 10, 0.95, &mean, &hw), 0);
    assert_near(mean, 5.5, 1e-15);
    assert_rel_near(hw, T_975_9 * sqrt(55.0 / 6.0) / sqrt(10.0), 1e-9);
}

/* A wider level gives a wider interval, and 90% uses t_{0.95, 9} = 1.833113 (tables). */
static void test_ci_mean_other_level(void **state)
{
    (void)state;
    double x[10];
    for (int i = 0; i < 10; i++)
        x[i] = (double)(i + 1);
    double mean, hw90, hw99;
    assert_int_equal(sim_ci_mean(x, 10, 0.90, &mean, &hw90), 0);
    assert_int_equal(sim_ci_mean(x, 10, 0.99, &mean, &hw99), 0);
    assert_rel_near(hw90, 1.833113 * sqrt(55.0 / 6.0) / sqrt(10.0), 1e-6);
    assert_true(hw99 > hw90);
}

static void test_ci_mean_rejects_bad_input(void **state)
{
    (void)state;
    double x[3] = {1.0, 2.0, 3.0};
    double mean = 0, hw = 0;
    assert_int_equal(sim_ci_mean(x, 1, 0.95, &mean, &hw), SIM_EINVAL);
    assert_true(isnan(mean) && isnan(hw));
    assert_int_equal(sim_ci_mean(x, 0, 0.95, &mean, &hw), SIM_EINVAL);
    assert_int_equal(sim_ci_mean(NULL, 3, 0.95, &mean, &hw), SIM_EINVAL);
    assert_int_equal(sim_ci_mean(x, 3, 0.95, NULL, &hw), SIM_EINVAL);
    assert_true(isnan(hw));
    assert_int_equal(sim_ci_mean(x, 3, 1.0, &mean, &hw), SIM_EINVAL);
    assert_int_equal(sim_ci_mean(x, 3, NAN, &mean, &hw), SIM_EINVAL);
    x[1] = NAN;
    assert_int_equal(sim_ci_mean(x, 3, 0.95, &mean, &hw), SIM_EINVAL);
    x[1] = INFINITY;
    assert_int_equal(sim_ci_mean(x, 3, 0.95, &mean, &hw), SIM_EINVAL);
    assert_true(isnan(mean) && isnan(hw));
}

/* ---- Time average ----------------------------------------------------------------------- */

/* Value 2 on [0,3), 5 on [3,4), 1 on [4,10]: integral 6 + 5 + 6 = 17, mean 1.7. */
static void test_timeavg_step_function_exact(void **state)
{
    (void)state;
    struct sim_timeavg a;
    assert_int_equal(sim_timeavg_init(&a, 0.0, 2.0), 0);
    assert_int_equal(sim_timeavg_set(&a, 3.0, 5.0), 0);
    assert_near(sim_timeavg_mean(&a, 3.5), (6.0 + 2.5) / 3.5, 1e-15);
    assert_int_equal(sim_timeavg_set(&a, 4.0, 1.0), 0);
    assert_near(sim_timeavg_integral(&a, 10.0), 17.0, 0.0);
    assert_near(sim_timeavg_mean(&a, 10.0), 1.7, 1e-15);
    assert_near(a.max, 5.0, 0.0);
}

/* The window starts at t0, not at zero. */
static void test_timeavg_window_starts_at_t0(void **state)
{
    (void)state;
    struct sim_timeavg a;
    assert_int_equal(sim_timeavg_init(&a, 100.0, 3.0), 0);
    assert_int_equal(sim_timeavg_set(&a, 102.0, 1.0), 0);
    assert_near(sim_timeavg_integral(&a, 104.0), 8.0, 0.0);
    assert_near(sim_timeavg_mean(&a, 104.0), 2.0, 0.0);
    /* An empty window averages to the current value. */
    struct sim_timeavg b;
    assert_int_equal(sim_timeavg_init(&b, 7.0, 4.5), 0);
    assert_near(sim_timeavg_mean(&b, 7.0), 4.5, 0.0);
}

static void test_timeavg_reset_forgets_past_keeps_value(void **state)
{
    (void)state;
    struct sim_timeavg a;
    assert_int_equal(sim_timeavg_init(&a, 0.0, 2.0), 0);
    assert_int_equal(sim_timeavg_set(&a, 3.0, 5.0), 0);
    assert_int_equal(sim_timeavg_set(&a, 4.0, 1.0), 0);
    assert_int_equal(sim_timeavg_reset(&a, 5.0), 0);
    assert_near(a.max, 1.0, 0.0); /* the peak of 5 was in the warm-up */
    assert_near(sim_timeavg_integral(&a, 10.0), 5.0, 0.0);
    assert_near(sim_timeavg_mean(&a, 10.0), 1.0, 0.0);
    assert_int_equal(sim_timeavg_set(&a, 6.0, 4.0), 0);
    assert_near(sim_timeavg_mean(&a, 10.0), (1.0 + 16.0) / 5.0, 1e-15);
    assert_near(a.max, 4.0, 0.0);
}

static void test_timeavg_decreasing_time_rejected_state_kept(void **state)
{
    (void)state;
    struct sim_timeavg a;
    assert_int_equal(sim_timeavg_init(&a, 0.0, 2.0), 0);
    assert_int_equal(sim_timeavg_set(&a, 3.0, 5.0), 0);
    assert_int_equal(sim_timeavg_set(&a, 2.0, 9.0), SIM_EINVAL);
    assert_int_equal(sim_timeavg_reset(&a, 2.5), SIM_EINVAL);
    assert_near(a.value, 5.0, 0.0);
    assert_near(a.max, 5.0, 0.0);
    assert_near(sim_timeavg_integral(&a, 4.0), 11.0, 0.0);
    /* A query before the latest change cannot be answered from the running integral. */
    assert_true(isnan(sim_timeavg_mean(&a, 2.0)));
    assert_true(isnan(sim_timeavg_integral(&a, 2.0)));
}

static void test_timeavg_non_finite_rejected(void **state)
{
    (void)state;
    struct sim_timeavg a;
    assert_int_equal(sim_timeavg_init(&a, NAN, 1.0), SIM_EINVAL);
    assert_int_equal(sim_timeavg_init(&a, 0.0, INFINITY), SIM_EINVAL);
    assert_int_equal(sim_timeavg_init(&a, 0.0, 1.0), 0);
    assert_int_equal(sim_timeavg_set(&a, NAN, 2.0), SIM_EINVAL);
    assert_int_equal(sim_timeavg_set(&a, INFINITY, 2.0), SIM_EINVAL);
    assert_int_equal(sim_timeavg_set(&a, 1.0, NAN), SIM_EINVAL);
    assert_int_equal(sim_timeavg_reset(&a, NAN), SIM_EINVAL);
    assert_true(isnan(sim_timeavg_mean(&a, INFINITY)));
    assert_near(sim_timeavg_mean(&a, 2.0), 1.0, 0.0);
}

/* Several changes at one instant: the peak counts for max, but adds nothing to the area. */
static void test_timeavg_same_instant_peak_counts_for_max_only(void **state)
{
    (void)state;
    struct sim_timeavg a;
    assert_int_equal(sim_timeavg_init(&a, 0.0, 0.0), 0);
    assert_int_equal(sim_timeavg_set(&a, 1.0, 10.0), 0);
    assert_int_equal(sim_timeavg_set(&a, 1.0, 3.0), 0);
    assert_near(a.max, 10.0, 0.0);
    assert_near(sim_timeavg_integral(&a, 2.0), 3.0, 0.0);
}

/* ---- Histogram tally -------------------------------------------------------------------- */

/* One value in the middle of each of 10 unit bins over [0, 10): the linear-within-bin CDF
 * is exactly x/10, so the p-quantile is 10 p. */
static void test_tally_quantiles_exact_one_value_per_bin(void **state)
{
    (void)state;
    struct sim_tally t;
    assert_int_equal(sim_tally_init(&t, 0.0, 10.0, 10, NULL), 0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(sim_tally_add(&t, i + 0.5), 0);
    assert_int_equal(t.count, 10);
    for (int i = 0; i < 10; i++)
        assert_int_equal(t.bins[i], 1);
    assert_near(sim_tally_quantile(&t, 0.0), 0.0, 1e-12);
    assert_near(sim_tally_quantile(&t, 0.25), 2.5, 1e-12);
    assert_near(sim_tally_quantile(&t, 0.5), 5.0, 1e-12);
    assert_near(sim_tally_quantile(&t, 0.93), 9.3, 1e-12);
    assert_near(sim_tally_quantile(&t, 1.0), 10.0, 1e-12);
    sim_tally_fini(&t);
}

/* Empty bins in the middle: the median is where the CDF first reaches 1/2, the top of the
 * lower occupied bin, not somewhere in the gap. */
static void test_tally_quantile_skips_empty_bins(void **state)
{
    (void)state;
    struct sim_tally t;
    assert_int_equal(sim_tally_init(&t, 0.0, 10.0, 10, NULL), 0);
    for (int i = 0; i < 4; i++) {
        sim_tally_add(&t, 0.5);
        sim_tally_add(&t, 9.5);
    }
    assert_near(sim_tally_quantile(&t, 0.5), 1.0, 1e-12);
    assert_near(sim_tally_quantile(&t, 0.75), 9.5, 1e-12);
    assert_near(sim_tally_quantile(&t, 0.0), 0.0, 1e-12);
    sim_tally_fini(&t);
}

static void test_tally_under_and_overflow(void **state)
{
    (void)state;
    struct sim_tally t;
    assert_int_equal(sim_tally_init(&t, 0.0, 1.0, 4, NULL), 0);
    sim_tally_add(&t, -1.0);
    sim_tally_add(&t, -INFINITY);
    for (int i = 0; i < 6; i++)
        sim_tally_add(&t, 0.5); /* bin 2, [0.5, 0.75) */
    sim_tally_add(&t, 1.0);     /* hi itself is outside [lo, hi) */
    sim_tally_add(&t, INFINITY);
    assert_int_equal(t.under, 2);
    assert_int_equal(t.over, 2);
    assert_int_equal(t.bins[2], 6);
    assert_int_equal(t.count, 10);
    assert_true(isinf(sim_tally_quantile(&t, 0.1)) && sim_tally_quantile(&t, 0.1) < 0);
    /* p = 0.2 is exactly the underflow share: the answer is the largest underflow value. */
    assert_true(isinf(sim_tally_quantile(&t, 0.2)) && sim_tally_quantile(&t, 0.2) < 0);
    assert_near(sim_tally_quantile(&t, 0.5), 0.625, 1e-12); /* rank 5: 3 of 6 into bin 2 */
    assert_near(sim_tally_quantile(&t, 0.8), 0.75, 1e-12);
    assert_true(isinf(sim_tally_quantile(&t, 0.85)) && sim_tally_quantile(&t, 0.85) > 0);
    sim_tally_fini(&t);
}

/* With lo = -1, hi = 1, 4 bins, the largest double below 1 computes to index 4 in floating
 * point; it must land in the last bin, not past the array. */
static void test_tally_value_just_below_hi_in_last_bin(void **state)
{
    (void)state;
    struct sim_tally t;
    assert_int_equal(sim_tally_init(&t, -1.0, 1.0, 4, NULL), 0);
    assert_int_equal(sim_tally_add(&t, nextafter(1.0, 0.0)), 0);
    assert_int_equal(t.bins[3], 1);
    assert_int_equal(t.over, 0);
    sim_tally_fini(&t);
}

/* 100000 uniforms on [0,1) in 50 bins: the estimated p-quantile is within 4 standard
 * errors sqrt(p(1-p)/n) (at most 0.0063) of the true value p. Linear interpolation adds no
 * error beyond the empirical CDF's own at the bin edges, because the true CDF is linear. */
static void test_tally_uniform_sample_quantiles(void **state)
{
    (void)state;
    enum { N = 100000 };
    struct sim_tally t;
    assert_int_equal(sim_tally_init(&t, 0.0, 1.0, 50, NULL), 0);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 777);
    for (int i = 0; i < N; i++)
        sim_tally_add(&t, gsl_rng_uniform(r));
    gsl_rng_free(r);
    const double ps[] = {0.05, 0.25, 0.5, 0.75, 0.95};
    for (size_t i = 0; i < sizeof ps / sizeof *ps; i++) {
        double p = ps[i];
        assert_near(sim_tally_quantile(&t, p), p, 4.0 * sqrt(p * (1.0 - p) / N));
    }
    sim_tally_fini(&t);
}

static void test_tally_nan_rejected_not_counted(void **state)
{
    (void)state;
    struct sim_tally t;
    assert_int_equal(sim_tally_init(&t, 0.0, 1.0, 4, NULL), 0);
    assert_int_equal(sim_tally_add(&t, NAN), SIM_EINVAL);
    assert_int_equal(t.count, 0);
    assert_true(isnan(sim_tally_quantile(&t, 0.5))); /* empty */
    sim_tally_add(&t, 0.1);
    assert_true(isnan(sim_tally_quantile(&t, -0.1)));
    assert_true(isnan(sim_tally_quantile(&t, 1.1)));
    assert_true(isnan(sim_tally_quantile(&t, NAN)));
    sim_tally_fini(&t);
}

static void test_tally_init_rejects_bad_bins(void **state)
{
    (void)state;
    struct sim_tally t;
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(sim_tally_init(&t, 1.0, 1.0, 4, &err), SIM_EINVAL);
    assert_int_equal(err.code, SIM_EINVAL);
    assert_true(err.msg[0] != '\0');
    sim_tally_fini(&t); /* safe after a failed init */
    assert_int_equal(sim_tally_init(&t, 2.0, 1.0, 4, NULL), SIM_EINVAL);
    assert_int_equal(sim_tally_init(&t, NAN, 1.0, 4, NULL), SIM_EINVAL);
    assert_int_equal(sim_tally_init(&t, 0.0, INFINITY, 4, NULL), SIM_EINVAL);
    assert_int_equal(sim_tally_init(&t, -DBL_MAX, DBL_MAX, 4, NULL), SIM_EINVAL);
    assert_int_equal(sim_tally_init(&t, 0.0, 1.0, 0, NULL), SIM_EINVAL);
    sim_tally_fini(&t);
    sim_tally_fini(&t);
}

static void test_tally_merge_adds_counts(void **state)
{
    (void)state;
    struct sim_tally a, b;
    assert_int_equal(sim_tally_init(&a, 0.0, 4.0, 4, NULL), 0);
    assert_int_equal(sim_tally_init(&b, 0.0, 4.0, 4, NULL), 0);
    sim_tally_add(&a, 0.5);
    sim_tally_add(&a, -3.0);
    sim_tally_add(&b, 0.7);
    sim_tally_add(&b, 3.2);
    sim_tally_add(&b, 9.0);
    assert_int_equal(sim_tally_merge(&a, &b, NULL), 0);
    assert_int_equal(a.bins[0], 2);
    assert_int_equal(a.bins[3], 1);
    assert_int_equal(a.under, 1);
    assert_int_equal(a.over, 1);
    assert_int_equal(a.count, 5);
    assert_int_equal(sim_tally_merge(&a, &a, NULL), 0);
    assert_int_equal(a.bins[0], 4);
    assert_int_equal(a.count, 10);
    sim_tally_fini(&a);
    sim_tally_fini(&b);
}

static void test_tally_merge_rejects_different_bins(void **state)
{
    (void)state;
    struct sim_tally a, b;
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(sim_tally_init(&a, 0.0, 4.0, 4, NULL), 0);
    assert_int_equal(sim_tally_init(&b, 0.0, 4.0, 8, NULL), 0);
    sim_tally_add(&b, 1.0);
    assert_int_equal(sim_tally_merge(&a, &b, &err), SIM_EINVAL);
    assert_int_equal(err.code, SIM_EINVAL);
    assert_int_equal(a.count, 0);
    sim_tally_fini(&a);
    sim_tally_fini(&b);
}

static void test_tally_clear_forgets_counts(void **state)
{
    (void)state;
    struct sim_tally t;
    assert_int_equal(sim_tally_init(&t, 0.0, 1.0, 2, NULL), 0);
    sim_tally_add(&t, 0.2);
    sim_tally_add(&t, -1.0);
    sim_tally_add(&t, 2.0);
    sim_tally_clear(&t);
    assert_int_equal(t.count, 0);
    assert_int_equal(t.under, 0);
    assert_int_equal(t.over, 0);
    assert_int_equal(t.bins[0], 0);
    sim_tally_add(&t, 0.75);
    assert_near(sim_tally_quantile(&t, 0.5), 0.75, 1e-12);
    sim_tally_fini(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_welford_one_to_ten_exact_moments),
        cmocka_unit_test(test_welford_empty_and_single_give_nan),
        cmocka_unit_test(test_welford_accurate_with_large_offset),
        cmocka_unit_test(test_welford_merge_equals_sequential),
        cmocka_unit_test(test_welford_merge_with_itself_doubles_sample),
        cmocka_unit_test(test_welford_ci_halfwidth_matches_t_table),
        cmocka_unit_test(test_welford_ci_nan_for_bad_level),
        cmocka_unit_test(test_welford_ci_covers_true_mean_95_percent),
        cmocka_unit_test(test_ci_mean_matches_hand_value),
        cmocka_unit_test(test_ci_mean_other_level),
        cmocka_unit_test(test_ci_mean_rejects_bad_input),
        cmocka_unit_test(test_timeavg_step_function_exact),
        cmocka_unit_test(test_timeavg_window_starts_at_t0),
        cmocka_unit_test(test_timeavg_reset_forgets_past_keeps_value),
        cmocka_unit_test(test_timeavg_decreasing_time_rejected_state_kept),
        cmocka_unit_test(test_timeavg_non_finite_rejected),
        cmocka_unit_test(test_timeavg_same_instant_peak_counts_for_max_only),
        cmocka_unit_test(test_tally_quantiles_exact_one_value_per_bin),
        cmocka_unit_test(test_tally_quantile_skips_empty_bins),
        cmocka_unit_test(test_tally_under_and_overflow),
        cmocka_unit_test(test_tally_value_just_below_hi_in_last_bin),
        cmocka_unit_test(test_tally_uniform_sample_quantiles),
        cmocka_unit_test(test_tally_nan_rejected_not_counted),
        cmocka_unit_test(test_tally_init_rejects_bad_bins),
        cmocka_unit_test(test_tally_merge_adds_counts),
        cmocka_unit_test(test_tally_merge_rejects_different_bins),
        cmocka_unit_test(test_tally_clear_forgets_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
