/* tests/test_cea.c — tests of the cost-effectiveness analysis functions (models/cea.c):
 * frontier and ICERs on hand-made examples (exact), then net benefit, CEAC, EVPI and EVPPI
 * against closed forms for normal incremental net benefit.
 *
 * Statistical tests use D = 200 000 draws from GSL's mt19937 with a fixed seed (stated at
 * each test) and tolerances of 4 Monte Carlo standard errors (plus, for EVPPI, the
 * regression error as stated). Strategy 0 is "do nothing" (cost 0, effect 0 in every draw),
 * strategy 1 has effect ~ N(a, s_e^2) QALYs and cost ~ N(c, s_c^2) currency, independent,
 * so its incremental net benefit at wtp is N(wtp a - c, wtp^2 s_e^2 + s_c^2). The measured
 * values are printed. Touches nothing outside memory.
 */
#include "tests/testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>

#include "models/cea.h"
#include "sim/err.h"

#define D 200000

/* ---- Frontier --------------------------------------------------------------------------- */

/* Five strategies, in shuffled order: A (0, 0), B (1000, 0.5), C (3000, 0.4) strongly
 * dominated by B, D (4000, 0.8) with ICER 10 000 vs B above E's 5 000 vs D, so extendedly
 * dominated, E (5000, 1.0). Frontier A -> B (ICER 2000) -> E (ICER 8000). */
static void test_frontier_marks_strong_and_extended_dominance_with_exact_icers(void **state)
{
    (void)state;
    /* index:              E       A    C       D       B */
    const double cost[] = {5000.0, 0.0, 3000.0, 4000.0, 1000.0};
    const double eff[] = {1.0, 0.0, 0.4, 0.8, 0.5};
    struct cea_strategy_result out[5];
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(cea_frontier(5, cost, eff, out, &err), 0);

    assert_int_equal(out[1].status, CEA_FRONTIER); /* A */
    assert_true(isnan(out[1].icer));
    assert_int_equal(out[1].comparator, -1);
    assert_int_equal(out[4].status, CEA_FRONTIER); /* B */
    assert_true(out[4].icer == 2000.0);
    assert_int_equal(out[4].comparator, 1);
    assert_int_equal(out[0].status, CEA_FRONTIER); /* E */
    assert_true(out[0].icer == 8000.0);
    assert_int_equal(out[0].comparator, 4);
    assert_int_equal(out[2].status, CEA_DOMINATED); /* C, by B */
    assert_true(isnan(out[2].icer));
    assert_int_equal(out[2].comparator, 4);
    assert_int_equal(out[3].status, CEA_EXTENDEDLY_DOMINATED); /* D, next is E */
    assert_true(isnan(out[3].icer));
    assert_int_equal(out[3].comparator, 0);
}

/* A (0, 0), B (300, 1), C (500, 2), D (700, 3): ICERs 300, 200, 200, so B goes; then C vs
 * A is 250 > 200, so C goes too; the frontier is A -> D at 700 / 3. */
static void test_frontier_repeats_extended_dominance_until_none_is_left(void **state)
{
    (void)state;
    const double cost[] = {0, 300, 500, 700};
    const double eff[] = {0, 1, 2, 3};
    struct cea_strategy_result out[4];
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(cea_frontier(4, cost, eff, out, &err), 0);
    assert_int_equal(out[0].status, CEA_FRONTIER);
    assert_int_equal(out[1].status, CEA_EXTENDEDLY_DOMINATED);
    assert_int_equal(out[1].comparator, 2);
    assert_int_equal(out[2].status, CEA_EXTENDEDLY_DOMINATED);
    assert_int_equal(out[2].comparator, 3);
    assert_int_equal(out[3].status, CEA_FRONTIER);
    assert_int_equal(out[3].comparator, 0);
    assert_true(out[3].icer == 700.0 / 3.0);
}

/* Identical strategies: the lower index stays. Equal effect at a higher cost, or equal cost
 * at a lower effect, is strong dominance. Equal ICERs are not extended dominance. One
 * strategy alone is the frontier. */
static void test_frontier_ties_and_a_single_strategy(void **state)
{
    (void)state;
    struct cea_strategy_result out[6];
    struct sim_err err;
    sim_err_clear(&err);
    /*                       0    1    2    3    4     5 */
    const double cost[] = {100, 100, 150, 100, 200, 300};
    const double eff[] = {1.0, 1.0, 1.0, 0.5, 2.0, 3.0};
    assert_int_equal(cea_frontier(6, cost, eff, out, &err), 0);
    assert_int_equal(out[0].status, CEA_FRONTIER);
    assert_int_equal(out[1].status, CEA_DOMINATED);
    assert_int_equal(out[1].comparator, 0);
    assert_int_equal(out[2].status, CEA_DOMINATED);
    assert_int_equal(out[2].comparator, 0);
    assert_int_equal(out[3].status, CEA_DOMINATED);
    assert_int_equal(out[3].comparator, 0);
    assert_int_equal(out[4].status, CEA_FRONTIER); /* ICER 100 */
    assert_true(out[4].icer == 100.0);
    assert_int_equal(out[5].status, CEA_FRONTIER); /* ICER 100 again: not dominated */
    assert_true(out[5].icer == 100.0);
    assert_int_equal(out[5].comparator, 4);

    assert_int_equal(cea_frontier(1, cost, eff, out, &err), 0);
    assert_int_equal(out[0].status, CEA_FRONTIER);
    assert_true(isnan(out[0].icer));
    assert_int_equal(out[0].comparator, -1);
}

/* ---- Net benefit: deterministic --------------------------------------------------------- */

static void test_net_benefit_ties_go_to_the_lower_index(void **state)
{
    (void)state;
    /* 3 draws x 3 strategies at wtp 100: NB = 100 e - c. Strategies 0 and 1 tie in every
     * draw (NB 50, 0, 100); strategy 2 is worse except in draw 1 (NB 10). */
    const double cost[] = {50, 50, 100, 100, 100, 90, 0, 0, 100};
    const double eff[] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    double enb[3], p[3];
    size_t best = 99;
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(cea_net_benefit(3, 3, cost, eff, 100, enb, &best, p, &err), 0);
    assert_near(enb[0], 50.0, 1e-12);
    assert_near(enb[1], 50.0, 1e-12);
    assert_near(enb[2], 10.0 / 3.0, 1e-12);
    assert_int_equal(best, 0);
    assert_near(p[0], 2.0 / 3.0, 1e-15);
    assert_near(p[1], 0.0, 0);
    assert_near(p[2], 1.0 / 3.0, 1e-15);
}

/* ---- Two strategies with normal incremental net benefit --------------------------------- */

#define A_EFF 0.5     /* mean incremental effect, QALYs */
#define S_EFF 0.2     /* its SD, QALYs */
#define C_COST 10000. /* mean incremental cost, currency */
#define S_COST 4000.  /* its SD, currency */

/* cost and effect, D x 2: strategy 0 all zeros, strategy 1 as above; seed given. */
static void draw_two(unsigned long seed, double **cost, double **eff)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    *cost = calloc(2 * D, sizeof **cost);
    *eff = calloc(2 * D, sizeof **eff);
    assert_non_null(*cost);
    assert_non_null(*eff);
    for (size_t d = 0; d < D; d++) {
        (*eff)[2 * d + 1] = A_EFF + gsl_ran_gaussian(r, S_EFF);
        (*cost)[2 * d + 1] = C_COST + gsl_ran_gaussian(r, S_COST);
    }
    gsl_rng_free(r);
}

static double inb_mean(double wtp) { return wtp * A_EFF - C_COST; }
static double inb_sd(double wtp) { return sqrt(wtp * wtp * S_EFF * S_EFF + S_COST * S_COST); }

/* E[max(0, X)] - max(0, mu) for X ~ N(mu, sigma^2). */
static double normal_evpi(double mu, double sigma)
{
    double z = mu / sigma;
    return sigma * gsl_ran_ugaussian_pdf(z) + mu * gsl_cdf_ugaussian_P(z) - fmax(0, mu);
}

/* Seed 11; tolerance 4 SE of a proportion (sqrt(p (1 - p) / D) with the analytic p) and
 * 4 SE of a mean (sigma / sqrt(D)) for the expected NB. */
static void test_probability_optimal_is_phi_of_mean_over_sd(void **state)
{
    (void)state;
    double *cost, *eff;
    draw_two(11, &cost, &eff);
    const double wtp = 25000, mu = inb_mean(wtp), sigma = inb_sd(wtp);
    double enb[2], p[2];
    size_t best = 99;
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(cea_net_benefit(D, 2, cost, eff, wtp, enb, &best, p, &err), 0);
    double expect = gsl_cdf_ugaussian_P(mu / sigma);
    double se = sqrt(expect * (1 - expect) / D);
    print_message("P(strategy 1 optimal) at wtp %g: %.5f, Phi(mu/sigma) = %.5f, 4 SE = %.5f\n",
                  wtp, p[1], expect, 4 * se);
    assert_near(p[1], expect, 4 * se);
    assert_near(p[0] + p[1], 1.0, 1e-12);
    assert_near(enb[0], 0.0, 0);
    assert_near(enb[1], mu, 4 * sigma / sqrt(D));
    assert_int_equal(best, 1);
    free(cost);
    free(eff);
}

/* Seed 12, at a wtp where strategy 1 is optimal in expectation (mu > 0) and at one where it
 * is not. Tolerance 4 SE from the draws: the estimator is the mean over draws of the regret
 * of the expected-best strategy, max(0, INB) - max(0, mu) sign-wise, whose SD is measured. */
static void test_evpi_matches_the_normal_closed_form(void **state)
{
    (void)state;
    double *cost, *eff;
    draw_two(12, &cost, &eff);
    double *regret = malloc(D * sizeof *regret);
    assert_non_null(regret);
    const double wtps[] = {25000, 15000};
    for (size_t i = 0; i < 2; i++) {
        double wtp = wtps[i], mu = inb_mean(wtp), sigma = inb_sd(wtp);
        for (size_t d = 0; d < D; d++) {
            double inb = wtp * eff[2 * d + 1] - cost[2 * d + 1];
            regret[d] = fmax(0, inb) - (mu > 0 ? inb : 0);
        }
        double se = gsl_stats_sd(regret, 1, D) / sqrt(D);
        double evpi = -1, expect = normal_evpi(mu, sigma);
        struct sim_err err;
        sim_err_clear(&err);
        assert_int_equal(cea_evpi(D, 2, cost, eff, wtp, &evpi, &err), 0);
        print_message("EVPI at wtp %g: %.2f, closed form %.2f, 4 SE = %.2f\n", wtp, evpi,
                      expect, 4 * se);
        assert_near(evpi, expect, 4 * se);
    }
    free(regret);
    free(cost);
    free(eff);
}

/* Seed 13; tolerance 4 SE of a proportion at each wtp (analytic p; at wtp 0 p = Phi(-2.5)). */
static void test_ceac_matches_phi_at_several_wtp_and_the_ceaf_follows_expected_nb(void **state)
{
    (void)state;
    double *cost, *eff;
    draw_two(13, &cost, &eff);
    enum { W = 6 };
    const double wtp[W] = {0, 10000, 15000, 30000, 50000, 100000};
    double p[W * 2], ceaf_p[W];
    size_t ceaf_best[W];
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(cea_ceac(D, 2, cost, eff, W, wtp, p, ceaf_best, ceaf_p, &err), 0);
    for (size_t i = 0; i < W; i++) {
        double mu = inb_mean(wtp[i]), sigma = inb_sd(wtp[i]);
        double expect = gsl_cdf_ugaussian_P(mu / sigma);
        double se = sqrt(expect * (1 - expect) / D);
        print_message("CEAC at wtp %6g: %.5f, Phi = %.5f, 4 SE = %.5f\n", wtp[i], p[2 * i + 1],
                      expect, 4 * se);
        assert_near(p[2 * i + 1], expect, 4 * se);
        assert_near(p[2 * i] + p[2 * i + 1], 1.0, 1e-12);
        /* mu(wtp) is 0 at wtp 20 000, which the grid avoids. */
        assert_int_equal(ceaf_best[i], mu > 0 ? 1 : 0);
        assert_near(ceaf_p[i], p[2 * i + ceaf_best[i]], 0);
        assert_near(ceaf_p[i], fmax(expect, 1 - expect), 4 * se);
    }
    free(cost);
    free(eff);
}

/* ---- EVPPI ------------------------------------------------------------------------------ */

#define E_WTP 20000.   /* currency per QALY */
#define E_THETA 0.5    /* mean of the parameter theta = strategy 1's effect, QALYs */
#define E_STHETA 0.2   /* its SD, QALYs */
#define E_SNOISE 3000. /* SD of strategy 1's cost (the noise), currency */

/* Strategy 1: effect theta ~ N(0.5, 0.2^2), cost c + N(0, 3000^2); strategy 0 zeros. At
 * wtp 20 000 the INB is (wtp theta - c) + eps: the parameter part ~ N(m, 4000^2) with
 * m = 10 000 - c, the noise ~ N(0, 3000^2). theta[d * 3 + 0] = theta, [1] = a pure-noise
 * parameter ~ N(0, 1) independent of everything, [2] = strategy 1's cost. */
static void draw_evppi(unsigned long seed, double c, double **cost, double **eff,
                       double **theta)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    *cost = calloc(2 * D, sizeof **cost);
    *eff = calloc(2 * D, sizeof **eff);
    *theta = calloc(3 * D, sizeof **theta);
    assert_non_null(*cost);
    assert_non_null(*eff);
    assert_non_null(*theta);
    for (size_t d = 0; d < D; d++) {
        double t = E_THETA + gsl_ran_gaussian(r, E_STHETA);
        double k = c + gsl_ran_gaussian(r, E_SNOISE);
        (*eff)[2 * d + 1] = t;
        (*cost)[2 * d + 1] = k;
        (*theta)[3 * d] = t;
        (*theta)[3 * d + 1] = gsl_ran_ugaussian(r);
        (*theta)[3 * d + 2] = k;
    }
    gsl_rng_free(r);
}

/* Copies column j of the D x 3 theta into a D x 1 array (and columns j0, j1 into D x 2). */
static double *columns(const double *theta, size_t n, const size_t *js)
{
    double *x = malloc(D * n * sizeof *x);
    assert_non_null(x);
    for (size_t d = 0; d < D; d++)
        for (size_t i = 0; i < n; i++)
            x[d * n + i] = theta[3 * d + js[i]];
    return x;
}

/* Seed 21, c = 9000 (m = 1000). Perfect information on theta removes only theta's
 * uncertainty: EVPPI -> s_t phi(m / s_t) + m Phi(m / s_t) - max(0, m) with s_t = 4000.
 * Tolerance 4 sqrt(SE_mc^2 + s_noise^2 terms / D): SE_mc the Monte Carlo SE of the same
 * estimator with the true regression function (measured from the draws), the second term
 * a bound on the regression error of the fitted values. */
static void test_evppi_of_theta_matches_the_closed_form_and_is_below_evpi(void **state)
{
    (void)state;
    const double c = 9000, m = E_WTP * E_THETA - c, st = E_WTP * E_STHETA;
    double *cost, *eff, *theta;
    draw_evppi(21, c, &cost, &eff, &theta);
    double *t = columns(theta, 1, (size_t[]){0});
    double *regret = malloc(D * sizeof *regret);
    assert_non_null(regret);
    for (size_t d = 0; d < D; d++) {
        double g = E_WTP * t[d] - c;
        regret[d] = fmax(0, g) - g; /* m > 0: strategy 1 is the expected best */
    }
    double se_mc = gsl_stats_sd(regret, 1, D) / sqrt(D);
    double tol = 4 * sqrt(se_mc * se_mc + E_SNOISE * E_SNOISE * cea_evppi_terms(1) / D);

    double evppi = -1, evpi = -1, expect = normal_evpi(m, st);
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(cea_evppi(D, 2, cost, eff, E_WTP, 1, t, &evppi, &err), 0);
    assert_int_equal(cea_evpi(D, 2, cost, eff, E_WTP, &evpi, &err), 0);
    print_message("EVPPI(theta): %.2f, closed form %.2f, tolerance %.2f; EVPI %.2f "
                  "(closed form %.2f)\n",
                  evppi, expect, tol, evpi, normal_evpi(m, hypot(st, E_SNOISE)));
    assert_near(evppi, expect, tol);
    assert_true(evppi <= evpi);

    /* The group (theta, pure noise) uses the pairwise-product basis (8 terms) and must give
     * the same value within the same kind of tolerance. */
    double *t2 = columns(theta, 2, (size_t[]){0, 1});
    double evppi2 = -1;
    double tol2 = 4 * sqrt(se_mc * se_mc + E_SNOISE * E_SNOISE * cea_evppi_terms(2) / D);
    assert_int_equal(cea_evppi(D, 2, cost, eff, E_WTP, 2, t2, &evppi2, &err), 0);
    print_message("EVPPI(theta, noise): %.2f, closed form %.2f, tolerance %.2f\n", evppi2,
                  expect, tol2);
    assert_near(evppi2, expect, tol2);
    assert_true(evppi2 <= evpi);
    free(t2);
    free(regret);
    free(t);
    free(theta);
    free(cost);
    free(eff);
}

/* Seed 22, c = 10 000 (m = 0, the hardest case: every fitted wiggle counts). A parameter
 * independent of the INB has EVPPI 0; the regression's overfitting bias is about
 * sigma sqrt(terms / D) phi(0), so the tolerance is 4 sigma sqrt(terms / D) (sigma = 5000,
 * 4 terms: 89.4, against an EVPI of about 1995). A constant parameter gives 0 up to
 * rounding. */
static void test_evppi_of_a_pure_noise_parameter_is_near_zero(void **state)
{
    (void)state;
    const double c = 10000, sigma = hypot(E_WTP * E_STHETA, E_SNOISE);
    double *cost, *eff, *theta;
    draw_evppi(22, c, &cost, &eff, &theta);
    double *noise = columns(theta, 1, (size_t[]){1});
    double evppi = -1, evpi = -1;
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(cea_evppi(D, 2, cost, eff, E_WTP, 1, noise, &evppi, &err), 0);
    assert_int_equal(cea_evpi(D, 2, cost, eff, E_WTP, &evpi, &err), 0);
    double tol = 4 * sigma * sqrt((double)cea_evppi_terms(1) / D);
    print_message("EVPPI(noise): %.2f (tolerance %.2f), EVPI %.2f (closed form %.2f)\n",
                  evppi, tol, evpi, normal_evpi(0, sigma));
    assert_true(evppi >= 0);
    assert_true(evppi <= tol);

    for (size_t d = 0; d < D; d++)
        noise[d] = 3.5;
    assert_int_equal(cea_evppi(D, 2, cost, eff, E_WTP, 1, noise, &evppi, &err), 0);
    print_message("EVPPI(constant): %.3g\n", evppi);
    assert_near(evppi, 0.0, 1e-9 * evpi);
    free(noise);
    free(theta);
    free(cost);
    free(eff);
}

/* Seed 23, c = 9000. When the group holds every source of uncertainty (theta and the cost)
 * the INB is linear in it, the fit is exact and EVPPI equals EVPI up to rounding
 * (relative 1e-9). */
static void test_evppi_of_every_source_equals_evpi(void **state)
{
    (void)state;
    double *cost, *eff, *theta;
    draw_evppi(23, 9000, &cost, &eff, &theta);
    double *all = columns(theta, 2, (size_t[]){0, 2});
    double evppi = -1, evpi = -1;
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(cea_evppi(D, 2, cost, eff, E_WTP, 2, all, &evppi, &err), 0);
    assert_int_equal(cea_evpi(D, 2, cost, eff, E_WTP, &evpi, &err), 0);
    print_message("EVPPI(theta, cost): %.6f, EVPI %.6f\n", evppi, evpi);
    assert_rel_near(evppi, evpi, 1e-9);
    free(all);
    free(theta);
    free(cost);
    free(eff);
}

/* ---- Errors ----------------------------------------------------------------------------- */

static void assert_einval_naming(int rc, const struct sim_err *err, const char *word)
{
    assert_int_equal(rc, SIM_EINVAL);
    if (!strstr(err->msg, word))
        fail_msg("message \"%s\" does not name \"%s\"", err->msg, word);
}

static void test_evppi_needs_more_draws_than_terms_plus_ten(void **state)
{
    (void)state;
    assert_int_equal(cea_evppi_terms(1), 4);
    assert_int_equal(cea_evppi_terms(2), 8);
    assert_int_equal(cea_evppi_terms(4), 19);
    assert_int_equal(cea_evppi_terms(5), 16); /* no pairwise products beyond 4 */

    enum { N = 40, P = 4 };
    double cost[N * 2], eff[N * 2], theta[N * P];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 31);
    for (size_t i = 0; i < N * 2; i++) {
        cost[i] = gsl_ran_gaussian(r, 1);
        eff[i] = gsl_ran_gaussian(r, 1);
    }
    for (size_t i = 0; i < N * P; i++)
        theta[i] = gsl_ran_gaussian(r, 1);
    gsl_rng_free(r);
    struct sim_err err;
    double v;
    sim_err_clear(&err);
    assert_einval_naming(cea_evppi(29, 2, cost, eff, 1, 4, theta, &v, &err), &err,
                         "too few");
    sim_err_clear(&err);
    assert_int_equal(cea_evppi(30, 2, cost, eff, 1, 4, theta, &v, &err), 0);
    assert_true(isfinite(v) && v >= 0);
    sim_err_clear(&err);
    assert_einval_naming(cea_evppi(26, 2, cost, eff, 1, 5, theta, &v, &err), &err,
                         "too few");
    sim_err_clear(&err);
    assert_int_equal(cea_evppi(27, 2, cost, eff, 1, 5, theta, &v, &err), 0);
}

static void test_bad_sizes_null_and_non_finite_values_are_einval_naming_the_argument(
    void **state)
{
    (void)state;
    double cost[4] = {0, 1, 0, 2}, eff[4] = {0, 1, 0, 1}, theta[2] = {1, 2};
    double enb[2], p[2], v, wtp[2] = {0, 1}, ceaf_p[2];
    size_t best, ceaf_best[2];
    struct cea_strategy_result out[2];
    struct sim_err err;

#define EXPECT(call, word)                                                                 \
    do {                                                                                   \
        sim_err_clear(&err);                                                               \
        assert_einval_naming((call), &err, (word));                                        \
    } while (0)

    EXPECT(cea_frontier(0, cost, eff, out, &err), "k is 0");
    EXPECT(cea_frontier(2, NULL, eff, out, &err), "cost");
    EXPECT(cea_frontier(2, cost, eff, NULL, &err), "out");
    EXPECT(cea_frontier(2, cost, (double[]){0, NAN}, out, &err), "effect[1]");
    EXPECT(cea_frontier(2, (double[]){INFINITY, 0}, eff, out, &err), "cost[0]");

    EXPECT(cea_net_benefit(0, 2, cost, eff, 1, enb, &best, p, &err), "d is 0");
    EXPECT(cea_net_benefit(2, 0, cost, eff, 1, enb, &best, p, &err), "k is 0");
    EXPECT(cea_net_benefit(2, 2, cost, NULL, 1, enb, &best, p, &err), "effect");
    EXPECT(cea_net_benefit(2, 2, cost, eff, NAN, enb, &best, p, &err), "wtp");
    EXPECT(cea_net_benefit(2, 2, cost, eff, -1, enb, &best, p, &err), "wtp");
    EXPECT(cea_net_benefit(2, 2, cost, eff, 1, enb, &best, NULL, &err), "p_opt");
    EXPECT(cea_net_benefit(2, 2, (double[]){0, 1, NAN, 2}, eff, 1, enb, &best, p, &err),
           "cost[draw 1, strategy 0]");

    EXPECT(cea_ceac(2, 2, cost, eff, 0, wtp, p, ceaf_best, ceaf_p, &err), "w is 0");
    EXPECT(cea_ceac(2, 2, cost, eff, 2, NULL, p, ceaf_best, ceaf_p, &err), "wtp");
    EXPECT(cea_ceac(2, 2, cost, eff, 2, (double[]){0, NAN}, p, ceaf_best, ceaf_p, &err),
           "wtp[1]");
    EXPECT(cea_ceac(2, 2, cost, eff, 2, wtp, p, NULL, ceaf_p, &err), "ceaf_best");
    EXPECT(cea_ceac(2, 2, cost, (double[]){0, 1, 0, -INFINITY}, 2, wtp, p, ceaf_best, ceaf_p,
                    &err),
           "effect[draw 1, strategy 1]");

    EXPECT(cea_evpi(0, 2, cost, eff, 1, &v, &err), "d is 0");
    EXPECT(cea_evpi(2, 2, cost, eff, INFINITY, &v, &err), "wtp");
    EXPECT(cea_evpi(2, 2, cost, eff, 1, NULL, &err), "evpi");

    enum { N = 20 };
    double c2[N * 2] = {0}, e2[N * 2] = {0}, t2[N];
    for (size_t i = 0; i < N; i++)
        t2[i] = (double)i;
    EXPECT(cea_evppi(N, 2, c2, e2, 1, 0, t2, &v, &err), "p is 0");
    EXPECT(cea_evppi(N, 2, c2, e2, 1, 1, NULL, &v, &err), "theta");
    EXPECT(cea_evppi(N, 2, c2, e2, 1, 1, t2, NULL, &err), "evppi");
    t2[7] = NAN;
    EXPECT(cea_evppi(N, 2, c2, e2, 1, 1, t2, &v, &err), "theta[draw 7, parameter 0]");
    t2[7] = 7;
    c2[5] = INFINITY;
    EXPECT(cea_evppi(N, 2, c2, e2, 1, 1, t2, &v, &err), "cost[draw 2, strategy 1]");
    EXPECT(cea_evppi(2, 2, cost, eff, 1, 1, theta, &v, &err), "too few");
#undef EXPECT
}

/* Nested PSA noise split on numbers worked by hand: 3 draws x 2 replications,
 * x = {1,3 | 4,6 | 7,11}: draw means 2, 5, 9 (variance 12.333...), within-draw variances
 * 2, 2, 8 (mean 4), noise share (4 / 2) / 12.333 = 0.16216...; identical replications
 * give no noise; one replication per draw is refused. */
static void test_noise_split_matches_hand_computation(void **state)
{
    (void)state;
    const double x[] = {1, 3, 4, 6, 7, 11};
    double var_means, within, share;
    assert_int_equal(cea_noise(3, 2, x, &var_means, &within, &share, NULL), 0);
    assert_near(var_means, 37.0 / 3.0, 1e-12);
    assert_near(within, 4.0, 1e-12);
    assert_near(share, 2.0 / (37.0 / 3.0), 1e-12);
    const double same[] = {1, 1, 4, 4, 7, 7};
    assert_int_equal(cea_noise(3, 2, same, &var_means, &within, &share, NULL), 0);
    assert_true(within == 0 && share == 0);
    struct sim_err e;
    sim_err_clear(&e);
    assert_int_equal(cea_noise(6, 1, x, &var_means, &within, &share, &e), SIM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_noise_split_matches_hand_computation),
        cmocka_unit_test(test_frontier_marks_strong_and_extended_dominance_with_exact_icers),
        cmocka_unit_test(test_frontier_repeats_extended_dominance_until_none_is_left),
        cmocka_unit_test(test_frontier_ties_and_a_single_strategy),
        cmocka_unit_test(test_net_benefit_ties_go_to_the_lower_index),
        cmocka_unit_test(test_probability_optimal_is_phi_of_mean_over_sd),
        cmocka_unit_test(test_evpi_matches_the_normal_closed_form),
        cmocka_unit_test(test_ceac_matches_phi_at_several_wtp_and_the_ceaf_follows_expected_nb),
        cmocka_unit_test(test_evppi_of_theta_matches_the_closed_form_and_is_below_evpi),
        cmocka_unit_test(test_evppi_of_a_pure_noise_parameter_is_near_zero),
        cmocka_unit_test(test_evppi_of_every_source_equals_evpi),
        cmocka_unit_test(test_evppi_needs_more_draws_than_terms_plus_ten),
        cmocka_unit_test(
            test_bad_sizes_null_and_non_finite_values_are_einval_naming_the_argument),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
