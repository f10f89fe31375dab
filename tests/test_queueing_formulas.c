/* tests/test_queueing_formulas.c — tests of sim/queueing against published values, exact
 * small cases and independent computations (log-space Erlang sum, numerical integration). */
#include "tests/testutil.h"

#include <float.h>
#include <math.h>

#include "sim/err.h"
#include "sim/queueing.h"

/* Erlang B from its definition, (a^c/c!) / sum_{k<=c} a^k/k!, in log space so it does not
 * overflow: an independent check of the recursion. */
static double erlang_b_direct(int c, double a)
{
    double lmax = -INFINITY;
    for (int k = 0; k <= c; k++) {
        double lt = k * log(a) - lgamma(k + 1.0);
        if (lt > lmax)
            lmax = lt;
    }
    double sum = 0.0;
    for (int k = 0; k <= c; k++)
        sum += exp(k * log(a) - lgamma(k + 1.0) - lmax);
    return exp(c * log(a) - lgamma(c + 1.0) - lmax) / sum;
}

static int all_nan(const struct sim_mmc *m)
{
    return isnan(m->rho) && isnan(m->p_wait) && isnan(m->wq_days) && isnan(m->lq) &&
           isnan(m->w_days) && isnan(m->l) && isnan(m->load_erlangs);
}

/* ---- Erlang B / C ----------------------------------------------------------------------- */

/* Erlang B tables: 10 servers, 8 erlangs -> 0.121661. */
static void test_erlang_b_published_value(void **state)
{
    (void)state;
    assert_near(sim_erlang_b(10, 8.0), 0.121661, 1e-6);
}

static void test_erlang_b_small_cases_exact(void **state)
{
    (void)state;
    assert_near(sim_erlang_b(0, 3.7), 1.0, 0.0);          /* no servers: all lost */
    assert_near(sim_erlang_b(1, 3.0), 3.0 / 4.0, 1e-15);  /* a / (1 + a) */
    assert_near(sim_erlang_b(2, 1.0), 0.2, 1e-15);        /* (1/2) / (1 + 1 + 1/2) */
    assert_near(sim_erlang_b(5, 0.0), 0.0, 0.0);          /* no load: nothing lost */
}

/* c = 500, a = 480: a^c/c! alone overflows a double, the recursion must not. */
static void test_erlang_b_large_c_matches_log_space_sum(void **state)
{
    (void)state;
    double b = sim_erlang_b(500, 480.0);
    assert_true(isfinite(b) && b > 0.0 && b < 1.0);
    assert_rel_near(b, erlang_b_direct(500, 480.0), 1e-10);
}

static void test_erlang_b_invalid_is_nan(void **state)
{
    (void)state;
    assert_true(isnan(sim_erlang_b(-1, 1.0)));
    assert_true(isnan(sim_erlang_b(3, -0.5)));
    assert_true(isnan(sim_erlang_b(3, NAN)));
    assert_true(isnan(sim_erlang_b(3, INFINITY)));
}

/* With one server an arrival waits exactly when the server is busy: C = rho = a. */
static void test_erlang_c_single_server_equals_rho(void **state)
{
    (void)state;
    const double loads[] = {0.05, 0.3, 0.5, 0.8, 0.99};
    for (size_t i = 0; i < sizeof loads / sizeof *loads; i++)
        assert_near(sim_erlang_c(1, loads[i]), loads[i], 1e-15);
}

/* c = 2, a = 1: B = 0.2, C = 2 * 0.2 / (2 - 1 * 0.8) = 1/3. */
static void test_erlang_c_two_servers_exact(void **state)
{
    (void)state;
    assert_near(sim_erlang_c(2, 1.0), 1.0 / 3.0, 1e-15);
}

static void test_erlang_c_large_c_sane(void **state)
{
    (void)state;
    double b = sim_erlang_b(500, 480.0), c = sim_erlang_c(500, 480.0);
    assert_true(isfinite(c) && c > b && c < 1.0); /* waiting is likelier than blocking */
}

static void test_erlang_c_invalid_or_unstable_is_nan(void **state)
{
    (void)state;
    assert_true(isnan(sim_erlang_c(0, 0.5)));
    assert_true(isnan(sim_erlang_c(3, 3.0)));
    assert_true(isnan(sim_erlang_c(3, 4.5)));
    assert_true(isnan(sim_erlang_c(3, -1.0)));
    assert_true(isnan(sim_erlang_c(3, NAN)));
}

/* ---- M/M/c ------------------------------------------------------------------------------ */

/* c = 4, lambda = 3.6, mu = 1 (rho = 0.9): Wq = 1.9694 days (published example). */
static void test_mmc_published_wait(void **state)
{
    (void)state;
    struct sim_mmc m;
    assert_int_equal(sim_mmc_solve(3.6, 1.0, 4, &m, NULL), 0);
    assert_near(m.wq_days, 1.9694, 1e-4);
    assert_near(m.rho, 0.9, 1e-15);
    assert_near(m.load_erlangs, 3.6, 1e-15);
    assert_rel_near(m.lq, 3.6 * m.wq_days, 1e-14);   /* Little */
    assert_rel_near(m.w_days, m.wq_days + 1.0, 1e-14);
    assert_rel_near(m.l, 3.6 * m.w_days, 1e-14);
    assert_rel_near(m.p_wait, sim_erlang_c(4, 3.6), 1e-15);
}

/* M/M/1, lambda = 0.5, mu = 1: Wq = rho / (mu - lambda) = 1, L = rho / (1 - rho) = 1. */
static void test_mmc_single_server_is_mm1(void **state)
{
    (void)state;
    struct sim_mmc m;
    assert_int_equal(sim_mmc_solve(0.5, 1.0, 1, &m, NULL), 0);
    assert_near(m.wq_days, 1.0, 1e-14);
    assert_near(m.p_wait, 0.5, 1e-15);
    assert_near(m.w_days, 2.0, 1e-14);
    assert_near(m.l, 1.0, 1e-14);
    assert_near(m.lq, 0.5, 1e-14);
}

static void test_mmc_unstable_rejected(void **state)
{
    (void)state;
    struct sim_mmc m;
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(sim_mmc_solve(4.0, 1.0, 4, &m, &err), SIM_ERANGE); /* rho = 1 */
    assert_int_equal(err.code, SIM_ERANGE);
    assert_true(err.msg[0] != '\0');
    assert_true(all_nan(&m));
    assert_int_equal(sim_mmc_solve(5.0, 1.0, 4, &m, NULL), SIM_ERANGE);
    /* lambda / mu overflows to infinity: still unstable, not a crash or a NaN result. */
    assert_int_equal(sim_mmc_solve(1e300, 1e-300, 4, &m, NULL), SIM_ERANGE);
}

static void test_mmc_invalid_parameters_rejected(void **state)
{
    (void)state;
    struct sim_mmc m;
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(sim_mmc_solve(1.0, 1.0, 0, &m, &err), SIM_EINVAL);
    assert_int_equal(err.code, SIM_EINVAL);
    assert_true(all_nan(&m));
    assert_int_equal(sim_mmc_solve(1.0, 1.0, -3, &m, NULL), SIM_EINVAL);
    assert_int_equal(sim_mmc_solve(0.0, 1.0, 2, &m, NULL), SIM_EINVAL);
    assert_int_equal(sim_mmc_solve(-1.0, 1.0, 2, &m, NULL), SIM_EINVAL);
    assert_int_equal(sim_mmc_solve(1.0, 0.0, 2, &m, NULL), SIM_EINVAL);
    assert_int_equal(sim_mmc_solve(NAN, 1.0, 2, &m, NULL), SIM_EINVAL);
    assert_int_equal(sim_mmc_solve(1.0, NAN, 2, &m, NULL), SIM_EINVAL);
    assert_int_equal(sim_mmc_solve(INFINITY, 1.0, 2, &m, NULL), SIM_EINVAL);
    assert_int_equal(sim_mmc_solve(1.0, INFINITY, 2, &m, NULL), SIM_EINVAL);
    assert_int_equal(sim_mmc_solve(1.0, 1.0, 2, NULL, NULL), SIM_EINVAL);
    assert_true(isnan(sim_mmc_wait_exceeds(&m, 1.0)));
}

/* 500 servers at 96% utilisation: finite, positive, and Wq = C / (c mu - lambda) < 1/20. */
static void test_mmc_large_c_finite_and_sane(void **state)
{
    (void)state;
    struct sim_mmc m;
    assert_int_equal(sim_mmc_solve(480.0, 1.0, 500, &m, NULL), 0);
    assert_true(m.p_wait > 0.0 && m.p_wait < 1.0);
    assert_true(isfinite(m.wq_days) && m.wq_days > 0.0 && m.wq_days < 1.0 / 20.0);
    assert_near(m.rho, 0.96, 1e-15);
    assert_true(m.l > 480.0 && isfinite(m.l)); /* at least the 480 in service on average */
}

/* c = 1, lambda = 0.5, mu = 1: P(Wq > t) = 0.5 exp(-0.5 t). */
static void test_mmc_wait_exceeds_known_values(void **state)
{
    (void)state;
    struct sim_mmc m;
    assert_int_equal(sim_mmc_solve(0.5, 1.0, 1, &m, NULL), 0);
    assert_near(sim_mmc_wait_exceeds(&m, 0.0), 0.5, 1e-15);
    assert_near(sim_mmc_wait_exceeds(&m, 2.0), 0.5 * exp(-1.0), 1e-15);
    assert_near(sim_mmc_wait_exceeds(&m, -1.0), 1.0, 0.0);
    assert_true(isnan(sim_mmc_wait_exceeds(&m, NAN)));
}

/* E[Wq] = integral of P(Wq > t) over t >= 0: Simpson's rule on [0, 40 / decay] (tail
 * beyond is C e^-40 < 1e-17; Simpson's error with 4000 panels is ~1e-14 relative). */
static void test_mmc_wait_tail_integrates_to_mean_wait(void **state)
{
    (void)state;
    struct sim_mmc m;
    assert_int_equal(sim_mmc_solve(3.6, 1.0, 4, &m, NULL), 0);
    double decay = 4.0 * 1.0 - 3.6;
    int n = 4000; /* even */
    double h = 40.0 / decay / n, sum = 0.0;
    for (int i = 0; i <= n; i++) {
        double w = (i == 0 || i == n) ? 1.0 : (i % 2 ? 4.0 : 2.0);
        sum += w * sim_mmc_wait_exceeds(&m, i * h);
    }
    assert_rel_near(sum * h / 3.0, m.wq_days, 1e-9);
}

/* ---- M/G/1 ------------------------------------------------------------------------------ */

/* M/M/1 via Pollaczek–Khinchine, lambda = 0.5, mu = 1: Wq = 1.0, as M/M/c with c = 1. */
static void test_mm1_pk_wait(void **state)
{
    (void)state;
    struct sim_mg1 q;
    assert_int_equal(sim_mm1_solve(0.5, 1.0, &q, NULL), 0);
    assert_near(q.wq_days, 1.0, 1e-14);
    assert_near(q.rho, 0.5, 1e-15);
    assert_near(q.w_days, 2.0, 1e-14);
    assert_near(q.l, 1.0, 1e-14);
    struct sim_mmc m;
    assert_int_equal(sim_mmc_solve(0.7, 1.3, 1, &m, NULL), 0);
    assert_int_equal(sim_mm1_solve(0.7, 1.3, &q, NULL), 0);
    assert_rel_near(q.wq_days, m.wq_days, 1e-13);
    assert_rel_near(q.l, m.l, 1e-13);
}

/* M/D/1, lambda = 0.8, mu = 1: Wq = 0.8 * 1 / (2 * 0.2) = 2.0, half the M/M/1 wait of 4. */
static void test_md1_pk_wait(void **state)
{
    (void)state;
    struct sim_mg1 d, e;
    assert_int_equal(sim_md1_solve(0.8, 1.0, &d, NULL), 0);
    assert_near(d.wq_days, 2.0, 1e-13);
    assert_near(d.lq, 1.6, 1e-13);
    assert_near(d.w_days, 3.0, 1e-13);
    assert_int_equal(sim_mm1_solve(0.8, 1.0, &e, NULL), 0);
    assert_rel_near(d.wq_days, 0.5 * e.wq_days, 1e-13);
}

/* General service: lambda = 1, E[S] = 0.5, E[S^2] = 0.5 (exponential with mean 0.5)
 * gives Wq = 1 * 0.5 / (2 * 0.5) = 0.5, as M/M/1 with mu = 2. */
static void test_mg1_from_moments(void **state)
{
    (void)state;
    struct sim_mg1 q;
    assert_int_equal(sim_mg1_solve(1.0, 0.5, 0.5, &q, NULL), 0);
    assert_near(q.wq_days, 0.5, 1e-15);
    assert_near(q.w_days, 1.0, 1e-15);
    assert_near(q.rho, 0.5, 0.0);
}

static void test_mg1_rejects_bad_input(void **state)
{
    (void)state;
    struct sim_mg1 q;
    struct sim_err err;
    sim_err_clear(&err);
    /* E[S^2] < E[S]^2 would be a negative variance. */
    assert_int_equal(sim_mg1_solve(1.0, 0.5, 0.2, &q, &err), SIM_EINVAL);
    assert_int_equal(err.code, SIM_EINVAL);
    assert_true(isnan(q.wq_days) && isnan(q.rho));
    assert_int_equal(sim_mg1_solve(2.0, 0.5, 0.5, &q, NULL), SIM_ERANGE); /* rho = 1 */
    assert_int_equal(sim_mg1_solve(0.0, 0.5, 0.5, &q, NULL), SIM_EINVAL);
    assert_int_equal(sim_mg1_solve(1.0, -0.5, 0.5, &q, NULL), SIM_EINVAL);
    assert_int_equal(sim_mg1_solve(1.0, 0.5, INFINITY, &q, NULL), SIM_EINVAL);
    assert_int_equal(sim_mg1_solve(1.0, 0.5, 0.5, NULL, NULL), SIM_EINVAL);
    assert_int_equal(sim_md1_solve(1.0, 1.0, &q, NULL), SIM_ERANGE);
    assert_int_equal(sim_md1_solve(1.0, 0.0, &q, NULL), SIM_EINVAL);
    assert_int_equal(sim_mm1_solve(1.0, NAN, &q, NULL), SIM_EINVAL);
    assert_true(isnan(q.wq_days));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_erlang_b_published_value),
        cmocka_unit_test(test_erlang_b_small_cases_exact),
        cmocka_unit_test(test_erlang_b_large_c_matches_log_space_sum),
        cmocka_unit_test(test_erlang_b_invalid_is_nan),
        cmocka_unit_test(test_erlang_c_single_server_equals_rho),
        cmocka_unit_test(test_erlang_c_two_servers_exact),
        cmocka_unit_test(test_erlang_c_large_c_sane),
        cmocka_unit_test(test_erlang_c_invalid_or_unstable_is_nan),
        cmocka_unit_test(test_mmc_published_wait),
        cmocka_unit_test(test_mmc_single_server_is_mm1),
        cmocka_unit_test(test_mmc_unstable_rejected),
        cmocka_unit_test(test_mmc_invalid_parameters_rejected),
        cmocka_unit_test(test_mmc_large_c_finite_and_sane),
        cmocka_unit_test(test_mmc_wait_exceeds_known_values),
        cmocka_unit_test(test_mmc_wait_tail_integrates_to_mean_wait),
        cmocka_unit_test(test_mm1_pk_wait),
        cmocka_unit_test(test_md1_pk_wait),
        cmocka_unit_test(test_mg1_from_moments),
        cmocka_unit_test(test_mg1_rejects_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
