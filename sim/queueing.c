/* sim/queueing.c — closed-form queueing results (Erlang B/C, M/M/c, M/G/1).
 *
 * Pure arithmetic on its arguments; touches only the result structs and errors it is given.
 */
#include "sim/queueing.h"

#include <float.h>
#include <math.h>

#include "sim/err.h"

static int positive_finite(double x)
{
    return isfinite(x) && x > 0.0;
}

double sim_erlang_b(int servers, double load_erlangs)
{
    if (servers < 0 || !isfinite(load_erlangs) || load_erlangs < 0.0)
        return NAN;
    /* The textbook ratio a^c/c! / sum a^k/k! overflows near c = 170; the recursion does
     * not, and each step only divides numbers in [0, 1] by something >= 1. */
    double b = 1.0;
    for (int k = 1; k <= servers; k++) {
        double ab = load_erlangs * b;
        b = ab / ((double)k + ab);
    }
    return b;
}

double sim_erlang_c(int servers, double load_erlangs)
{
    if (servers < 1 || !isfinite(load_erlangs) || load_erlangs < 0.0 ||
        load_erlangs >= (double)servers)
        return NAN;
    double c = (double)servers;
    double b = sim_erlang_b(servers, load_erlangs);
    return c * b / (c - load_erlangs * (1.0 - b));
}

static void mmc_fill_nan(struct sim_mmc *out)
{
    out->lambda_per_day = out->mu_per_day = NAN;
    out->servers = 0;
    out->load_erlangs = out->rho = out->p_wait = NAN;
    out->wq_days = out->lq = out->w_days = out->l = NAN;
}

int sim_mmc_solve(double lambda_per_day, double mu_per_day, int servers, struct sim_mmc *out,
                  struct sim_err *err)
{
    if (!out)
        return sim_err_set(err, SIM_EINVAL, "M/M/c: no result struct given");
    mmc_fill_nan(out);
    if (!positive_finite(lambda_per_day))
        return sim_err_set(err, SIM_EINVAL, "M/M/c: arrival rate must be positive and "
                           "finite (got %g per day)", lambda_per_day);
    if (!positive_finite(mu_per_day))
        return sim_err_set(err, SIM_EINVAL, "M/M/c: service rate must be positive and "
                           "finite (got %g per day)", mu_per_day);
    if (servers < 1)
        return sim_err_set(err, SIM_EINVAL, "M/M/c: servers must be >= 1 (got %d)",
                           servers);
    double c = (double)servers;
    double a = lambda_per_day / mu_per_day;
    double rho = a / c;
    /* !(rho < 1) also catches a = inf from an overflowing division. */
    if (!(rho < 1.0))
        return sim_err_set(err, SIM_ERANGE, "M/M/c: unstable, utilisation %g >= 1 "
                           "(arrivals %g/day, %d servers x %g/day)", rho, lambda_per_day,
                           servers, mu_per_day);
    double p_wait = sim_erlang_c(servers, a);
    /* c mu - lambda, written as mu (c - a) so it stays accurate as rho -> 1. */
    double wq = p_wait / (mu_per_day * (c - a));
    out->lambda_per_day = lambda_per_day;
    out->mu_per_day = mu_per_day;
    out->servers = servers;
    out->load_erlangs = a;
    out->rho = rho;
    out->p_wait = p_wait;
    out->wq_days = wq;
    out->lq = lambda_per_day * wq;
    out->w_days = wq + 1.0 / mu_per_day;
    out->l = lambda_per_day * out->w_days;
    return 0;
}

double sim_mmc_wait_exceeds(const struct sim_mmc *m, double t_days)
{
    if (isnan(t_days) || isnan(m->p_wait)) /* the latter: from a failed solve */
        return NAN;
    if (t_days < 0.0)
        return 1.0;
    double decay = m->mu_per_day * ((double)m->servers - m->load_erlangs);
    return m->p_wait * exp(-decay * t_days);
}

static void mg1_fill_nan(struct sim_mg1 *out)
{
    out->rho = out->wq_days = out->lq = out->w_days = out->l = NAN;
}

int sim_mg1_solve(double lambda_per_day, double mean_service_days, double service_m2_days2,
                  struct sim_mg1 *out, struct sim_err *err)
{
    if (!out)
        return sim_err_set(err, SIM_EINVAL, "M/G/1: no result struct given");
    mg1_fill_nan(out);
    if (!positive_finite(lambda_per_day))
        return sim_err_set(err, SIM_EINVAL, "M/G/1: arrival rate must be positive and "
                           "finite (got %g per day)", lambda_per_day);
    if (!positive_finite(mean_service_days))
        return sim_err_set(err, SIM_EINVAL, "M/G/1: mean service time must be positive "
                           "and finite (got %g days)", mean_service_days);
    /* A few ulps of slack: E[S^2] = 1/mu^2 and E[S]^2 = (1/mu)^2 can round apart. */
    double es_sq = mean_service_days * mean_service_days;
    if (!isfinite(service_m2_days2) || service_m2_days2 < es_sq * (1.0 - 8.0 * DBL_EPSILON))
        return sim_err_set(err, SIM_EINVAL, "M/G/1: E[S^2] must be finite and at least "
                           "E[S]^2 = %g (got %g days^2)", es_sq, service_m2_days2);
    double rho = lambda_per_day * mean_service_days;
    if (!(rho < 1.0))
        return sim_err_set(err, SIM_ERANGE, "M/G/1: unstable, utilisation %g >= 1", rho);
    double wq = lambda_per_day * service_m2_days2 / (2.0 * (1.0 - rho));
    out->rho = rho;
    out->wq_days = wq;
    out->lq = lambda_per_day * wq;
    out->w_days = wq + mean_service_days;
    out->l = lambda_per_day * out->w_days;
    return 0;
}

int sim_md1_solve(double lambda_per_day, double mu_per_day, struct sim_mg1 *out,
                  struct sim_err *err)
{
    if (!positive_finite(mu_per_day)) {
        if (out)
            mg1_fill_nan(out);
        return sim_err_set(err, SIM_EINVAL, "M/D/1: service rate must be positive and "
                           "finite (got %g per day)", mu_per_day);
    }
    double s = 1.0 / mu_per_day;
    return sim_mg1_solve(lambda_per_day, s, s * s, out, err);
}

int sim_mm1_solve(double lambda_per_day, double mu_per_day, struct sim_mg1 *out,
                  struct sim_err *err)
{
    if (!positive_finite(mu_per_day)) {
        if (out)
            mg1_fill_nan(out);
        return sim_err_set(err, SIM_EINVAL, "M/M/1: service rate must be positive and "
                           "finite (got %g per day)", mu_per_day);
    }
    double s = 1.0 / mu_per_day;
    return sim_mg1_solve(lambda_per_day, s, 2.0 * s * s, out, err);
}
