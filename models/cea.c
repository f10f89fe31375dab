/* models/cea.c — cost-effectiveness analysis over arrays: frontier and ICERs, net monetary
 * benefit, CEAC/CEAF, EVPI and regression-based EVPPI (see models/cea.h for units and
 * conventions). Touches only the arrays it is given and scratch memory it frees; uses GSL
 * for means (gsl_stats) and least squares (gsl_multifit_linear).
 */
#include "models/cea.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_vector.h>

/* ---- Argument checks -------------------------------------------------------------------- */

static int check_vector(const char *fn, const char *name, size_t n, const double *x,
                        struct sim_err *err)
{
    if (!x)
        return sim_err_set(err, SIM_EINVAL, "%s: %s is NULL", fn, name);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return sim_err_set(err, SIM_EINVAL, "%s: %s[%zu] is not finite (%g)", fn, name,
                               i, x[i]);
    return 0;
}

/* A d x n draw-major matrix; `what` names its columns ("strategy", "parameter"). */
static int check_matrix(const char *fn, const char *name, const char *what, size_t d,
                        size_t n, const double *x, struct sim_err *err)
{
    if (!x)
        return sim_err_set(err, SIM_EINVAL, "%s: %s is NULL", fn, name);
    for (size_t r = 0; r < d; r++)
        for (size_t j = 0; j < n; j++)
            if (!isfinite(x[r * n + j]))
                return sim_err_set(err, SIM_EINVAL,
                                   "%s: %s[draw %zu, %s %zu] is not finite (%g)", fn, name,
                                   r, what, j, x[r * n + j]);
    return 0;
}

static int check_wtp(const char *fn, const char *name, double wtp, struct sim_err *err)
{
    if (!isfinite(wtp) || wtp < 0)
        return sim_err_set(err, SIM_EINVAL,
                           "%s: %s must be finite and >= 0 (currency per unit of effect), "
                           "got %g", fn, name, wtp);
    return 0;
}

static int check_sizes(const char *fn, size_t d, size_t k, struct sim_err *err)
{
    if (d == 0)
        return sim_err_set(err, SIM_EINVAL, "%s: number of draws d is 0", fn);
    if (k == 0)
        return sim_err_set(err, SIM_EINVAL, "%s: number of strategies k is 0", fn);
    if (d > SIZE_MAX / sizeof(double) / k)
        return sim_err_set(err, SIM_EINVAL, "%s: d x k (%zu x %zu) is too large", fn, d, k);
    return 0;
}

/* Sizes, cost and effect matrices and wtp: the common checks of the PSA functions. */
static int check_psa(const char *fn, size_t d, size_t k, const double *cost,
                     const double *effect, struct sim_err *err)
{
    int rc = check_sizes(fn, d, k, err);
    if (!rc)
        rc = check_matrix(fn, "cost", "strategy", d, k, cost, err);
    if (!rc)
        rc = check_matrix(fn, "effect", "strategy", d, k, effect, err);
    return rc;
}

/* ---- Frontier --------------------------------------------------------------------------- */

/* Does strategy i strongly dominate strategy j? */
static int dominates(const double *cost, const double *effect, size_t i, size_t j)
{
    if (i == j || cost[i] > cost[j] || effect[i] < effect[j])
        return 0;
    if (cost[i] < cost[j] || effect[i] > effect[j])
        return 1;
    return i < j; /* identical: the lower index stays */
}

static double icer_between(const double *cost, const double *effect, size_t from, size_t to)
{
    return (cost[to] - cost[from]) / (effect[to] - effect[from]);
}

int cea_frontier(size_t k, const double *cost, const double *effect,
                 struct cea_strategy_result *out, struct sim_err *err)
{
    static const char fn[] = "cea_frontier";
    if (k == 0)
        return sim_err_set(err, SIM_EINVAL, "%s: number of strategies k is 0", fn);
    if (k > INT32_MAX)
        return sim_err_set(err, SIM_EINVAL, "%s: k = %zu is too large", fn, k);
    int rc = check_vector(fn, "cost", k, cost, err);
    if (!rc)
        rc = check_vector(fn, "effect", k, effect, err);
    if (rc)
        return rc;
    if (!out)
        return sim_err_set(err, SIM_EINVAL, "%s: out is NULL", fn);

    size_t *list = malloc(k * sizeof *list);
    if (!list)
        return sim_err_set(err, SIM_ENOMEM, "%s: out of memory for %zu strategies", fn, k);

    /* Strong dominance. The dominator reported is the cheapest, then most effective, then
     * lowest-index strategy that dominates. */
    size_t m = 0;
    for (size_t j = 0; j < k; j++) {
        out[j].icer = NAN;
        out[j].comparator = -1;
        size_t by = k;
        for (size_t i = 0; i < k; i++) {
            if (!dominates(cost, effect, i, j))
                continue;
            if (by == k || cost[i] < cost[by] ||
                (cost[i] == cost[by] && effect[i] > effect[by]))
                by = i;
        }
        if (by < k) {
            out[j].status = CEA_DOMINATED;
            out[j].comparator = (int)by;
        } else {
            out[j].status = CEA_FRONTIER;
            list[m++] = j;
        }
    }

    /* The survivors have distinct effects and costs rising with effect (otherwise one would
     * dominate another); sort them by effect (insertion sort: k is small). */
    for (size_t a = 1; a < m; a++) {
        size_t v = list[a], b = a;
        for (; b > 0 && effect[list[b - 1]] > effect[v]; b--)
            list[b] = list[b - 1];
        list[b] = v;
    }

    /* Extended dominance: remove the least effective strategy whose ICER (vs the previous
     * one) exceeds the next one's, and look again from the start, until none. */
    for (int again = 1; again;) {
        again = 0;
        for (size_t q = 1; q + 1 < m; q++) {
            double here = icer_between(cost, effect, list[q - 1], list[q]);
            double next = icer_between(cost, effect, list[q], list[q + 1]);
            if (here > next) {
                out[list[q]].status = CEA_EXTENDEDLY_DOMINATED;
                out[list[q]].comparator = (int)list[q + 1];
                for (size_t r = q; r + 1 < m; r++)
                    list[r] = list[r + 1];
                m--;
                again = 1;
                break;
            }
        }
    }

    for (size_t q = 1; q < m; q++) {
        out[list[q]].icer = icer_between(cost, effect, list[q - 1], list[q]);
        out[list[q]].comparator = (int)list[q - 1];
    }
    free(list);
    return 0;
}

/* ---- Net benefit ------------------------------------------------------------------------ */

static void fill_nb(size_t d, size_t k, const double *cost, const double *effect, double wtp,
                    double *nb)
{
    for (size_t i = 0; i < d * k; i++)
        nb[i] = wtp * effect[i] - cost[i];
}

/* Index of the largest of x[0], x[stride], ... (n values); ties go to the lower index. */
static size_t argmax(const double *x, size_t n)
{
    size_t best = 0;
    for (size_t j = 1; j < n; j++)
        if (x[j] > x[best])
            best = j;
    return best;
}

/* From the d x k net benefits nb: enb[k] (means), *best, p_opt[k] (any may be NULL). */
static void summarise(size_t d, size_t k, const double *nb, double *enb, size_t *best,
                      double *p_opt)
{
    if (enb)
        for (size_t j = 0; j < k; j++)
            enb[j] = gsl_stats_mean(nb + j, k, d);
    if (best && enb)
        *best = argmax(enb, k);
    if (p_opt) {
        for (size_t j = 0; j < k; j++)
            p_opt[j] = 0;
        for (size_t r = 0; r < d; r++)
            p_opt[argmax(nb + r * k, k)] += 1;
        for (size_t j = 0; j < k; j++)
            p_opt[j] /= (double)d;
    }
}

int cea_net_benefit(size_t d, size_t k, const double *cost, const double *effect, double wtp,
                    double *enb, size_t *best, double *p_opt, struct sim_err *err)
{
    static const char fn[] = "cea_net_benefit";
    int rc = check_psa(fn, d, k, cost, effect, err);
    if (!rc)
        rc = check_wtp(fn, "wtp", wtp, err);
    if (rc)
        return rc;
    if (!enb || !best || !p_opt)
        return sim_err_set(err, SIM_EINVAL, "%s: %s is NULL", fn,
                           !enb ? "enb" : !best ? "best" : "p_opt");
    double *nb = malloc(d * k * sizeof *nb);
    if (!nb)
        return sim_err_set(err, SIM_ENOMEM, "%s: out of memory for %zu x %zu draws", fn, d,
                           k);
    fill_nb(d, k, cost, effect, wtp, nb);
    summarise(d, k, nb, enb, best, p_opt);
    free(nb);
    return 0;
}

int cea_ceac(size_t d, size_t k, const double *cost, const double *effect, size_t w,
             const double *wtp, double *p_opt, size_t *ceaf_best, double *ceaf_p,
             struct sim_err *err)
{
    static const char fn[] = "cea_ceac";
    int rc = check_psa(fn, d, k, cost, effect, err);
    if (rc)
        return rc;
    if (w == 0)
        return sim_err_set(err, SIM_EINVAL, "%s: number of wtp values w is 0", fn);
    if (w > SIZE_MAX / sizeof(double) / k)
        return sim_err_set(err, SIM_EINVAL, "%s: w x k (%zu x %zu) is too large", fn, w, k);
    if ((rc = check_vector(fn, "wtp", w, wtp, err)))
        return rc;
    for (size_t i = 0; i < w; i++)
        if (wtp[i] < 0)
            return sim_err_set(err, SIM_EINVAL,
                               "%s: wtp[%zu] must be >= 0 (currency per unit of effect), "
                               "got %g", fn, i, wtp[i]);
    if (!p_opt || !ceaf_best || !ceaf_p)
        return sim_err_set(err, SIM_EINVAL, "%s: %s is NULL", fn,
                           !p_opt ? "p_opt" : !ceaf_best ? "ceaf_best" : "ceaf_p");

    double *nb = malloc(d * k * sizeof *nb);
    double *enb = malloc(k * sizeof *enb);
    if (!nb || !enb) {
        free(nb);
        free(enb);
        return sim_err_set(err, SIM_ENOMEM, "%s: out of memory for %zu x %zu draws", fn, d,
                           k);
    }
    for (size_t i = 0; i < w; i++) {
        fill_nb(d, k, cost, effect, wtp[i], nb);
        summarise(d, k, nb, enb, &ceaf_best[i], p_opt + i * k);
        ceaf_p[i] = p_opt[i * k + ceaf_best[i]];
    }
    free(nb);
    free(enb);
    return 0;
}

/* ---- Value of information --------------------------------------------------------------- */

/* mean_d max_j x[d, j] - max_j mean_d x[d, j] for a d x k matrix, as the mean regret of the
 * expected-best column (never negative). enb is k doubles of scratch. */
static double value_of_information(size_t d, size_t k, const double *x, double *enb)
{
    summarise(d, k, x, enb, NULL, NULL);
    size_t best = argmax(enb, k);
    double sum = 0;
    for (size_t r = 0; r < d; r++) {
        const double *row = x + r * k;
        sum += row[argmax(row, k)] - row[best];
    }
    return sum / (double)d;
}

int cea_evpi(size_t d, size_t k, const double *cost, const double *effect, double wtp,
             double *evpi, struct sim_err *err)
{
    static const char fn[] = "cea_evpi";
    int rc = check_psa(fn, d, k, cost, effect, err);
    if (!rc)
        rc = check_wtp(fn, "wtp", wtp, err);
    if (rc)
        return rc;
    if (!evpi)
        return sim_err_set(err, SIM_EINVAL, "%s: evpi is NULL", fn);
    double *nb = malloc(d * k * sizeof *nb);
    double *enb = malloc(k * sizeof *enb);
    if (!nb || !enb) {
        free(nb);
        free(enb);
        return sim_err_set(err, SIM_ENOMEM, "%s: out of memory for %zu x %zu draws", fn, d,
                           k);
    }
    fill_nb(d, k, cost, effect, wtp, nb);
    *evpi = value_of_information(d, k, nb, enb);
    free(nb);
    free(enb);
    return 0;
}

size_t cea_evppi_terms(size_t p)
{
    size_t pairs = p >= 2 && p <= 4 ? p * (p - 1) / 2 : 0;
    return 1 + 3 * p + pairs;
}

/* The d x terms design matrix for the parameters theta (d x p), each centred and scaled to
 * unit SD (a constant parameter is only centred). */
static void fill_basis(size_t d, size_t p, const double *theta, gsl_matrix *x)
{
    size_t col = 1;
    for (size_t r = 0; r < d; r++)
        gsl_matrix_set(x, r, 0, 1.0);
    for (size_t i = 0; i < p; i++, col += 3) {
        double mean = gsl_stats_mean(theta + i, p, d);
        double sd = gsl_stats_sd_m(theta + i, p, d, mean);
        double scale = sd > 0 && isfinite(sd) ? 1 / sd : 1;
        for (size_t r = 0; r < d; r++) {
            double z = (theta[r * p + i] - mean) * scale;
            gsl_matrix_set(x, r, col, z);
            gsl_matrix_set(x, r, col + 1, z * z);
            gsl_matrix_set(x, r, col + 2, z * z * z);
        }
    }
    if (p > 4)
        return;
    for (size_t i = 0; i < p; i++)
        for (size_t j = i + 1; j < p; j++, col++)
            for (size_t r = 0; r < d; r++)
                gsl_matrix_set(x, r, col,
                               gsl_matrix_get(x, r, 1 + 3 * i) *
                                   gsl_matrix_get(x, r, 1 + 3 * j));
}

int cea_evppi(size_t d, size_t k, const double *cost, const double *effect, double wtp,
              size_t p, const double *theta, double *evppi, struct sim_err *err)
{
    static const char fn[] = "cea_evppi";
    int rc = check_psa(fn, d, k, cost, effect, err);
    if (!rc)
        rc = check_wtp(fn, "wtp", wtp, err);
    if (rc)
        return rc;
    if (p == 0)
        return sim_err_set(err, SIM_EINVAL, "%s: number of parameters p is 0", fn);
    if (p > SIZE_MAX / sizeof(double) / d || p + 19 > SIZE_MAX / sizeof(double) / d)
        return sim_err_set(err, SIM_EINVAL, "%s: d x p (%zu x %zu) is too large", fn, d, p);
    if ((rc = check_matrix(fn, "theta", "parameter", d, p, theta, err)))
        return rc;
    if (!evppi)
        return sim_err_set(err, SIM_EINVAL, "%s: evppi is NULL", fn);
    size_t terms = cea_evppi_terms(p);
    if (d <= terms + 10)
        return sim_err_set(err, SIM_EINVAL,
                           "%s: d = %zu draws are too few for a regression on %zu terms "
                           "(%zu parameters); need d > %zu",
                           fn, d, terms, p, terms + 10);

    double *g = malloc(d * k * sizeof *g);
    double *enb = malloc(k * sizeof *enb);
    gsl_matrix *x = gsl_matrix_alloc(d, terms);
    gsl_matrix *cov = gsl_matrix_alloc(terms, terms);
    gsl_vector *coef = gsl_vector_alloc(terms);
    gsl_vector *y = gsl_vector_alloc(d);
    gsl_vector *fit = gsl_vector_alloc(d);
    gsl_multifit_linear_workspace *work = gsl_multifit_linear_alloc(d, terms);
    if (!g || !enb || !x || !cov || !coef || !y || !fit || !work) {
        rc = sim_err_set(err, SIM_ENOMEM, "%s: out of memory for %zu draws x %zu terms", fn,
                         d, terms);
        goto done;
    }

    fill_basis(d, p, theta, x);
    /* g holds the net benefits, then column by column the fitted incremental ones. */
    fill_nb(d, k, cost, effect, wtp, g);
    for (size_t j = 1; j < k; j++) {
        for (size_t r = 0; r < d; r++)
            gsl_vector_set(y, r, g[r * k + j] - g[r * k]);
        double chisq;
        if (gsl_multifit_linear(x, y, coef, cov, &chisq, work) != 0) {
            rc = sim_err_set(err, SIM_EINVAL, "%s: least squares failed for strategy %zu",
                             fn, j);
            goto done;
        }
        gsl_blas_dgemv(CblasNoTrans, 1.0, x, coef, 0.0, fit);
        for (size_t r = 0; r < d; r++)
            g[r * k + j] = gsl_vector_get(fit, r);
    }
    for (size_t r = 0; r < d; r++)
        g[r * k] = 0;
    *evppi = value_of_information(d, k, g, enb);

done:
    if (work)
        gsl_multifit_linear_free(work);
    gsl_vector_free(fit);
    gsl_vector_free(y);
    gsl_vector_free(coef);
    gsl_matrix_free(cov);
    gsl_matrix_free(x);
    free(enb);
    free(g);
    return rc;
}

/* ---- Nested uncertainty ------------------------------------------------------------------ */

int cea_noise(size_t d, size_t r, const double *x, double *var_means, double *within,
              double *noise_share, struct sim_err *err)
{
    if (d < 2 || r < 2)
        return sim_err_set(err, SIM_EINVAL,
                           "cea_noise: needs at least 2 draws and 2 replications per draw "
                           "(got %zu and %zu)", d, r);
    int rc = check_matrix("cea_noise", "x", "replication", d, r, x, err);
    if (rc)
        return rc;
    double *means = malloc(d * sizeof *means);
    if (!means)
        return sim_err_set(err, SIM_ENOMEM, "cea_noise: out of memory");
    double w = 0;
    for (size_t i = 0; i < d; i++) {
        means[i] = gsl_stats_mean(x + i * r, 1, r);
        w += gsl_stats_variance_m(x + i * r, 1, r, means[i]);
    }
    *within = w / (double)d;
    *var_means = gsl_stats_variance(means, 1, d);
    double share = *var_means > 0 ? *within / (double)r / *var_means : NAN;
    *noise_share = share > 1 ? 1 : share;
    free(means);
    return 0;
}
