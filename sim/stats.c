/* sim/stats.c — statistics collectors: Welford, time averages, histogram tallies, t CIs.
 *
 * Touches only the objects it is handed (no global state, thread-safe per object). GSL is
 * called only with arguments checked beforehand, because GSL's default error handler
 * aborts the process.
 */
#include "sim/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "sim/err.h"

/* t quantile for a two-sided interval; the caller has checked 0 < level < 1 and dof >= 1. */
static double t_quantile(double level, double dof)
{
    return gsl_cdf_tdist_Pinv(0.5 + 0.5 * level, dof);
}

static int level_ok(double level)
{
    return level > 0.0 && level < 1.0; /* false for NaN too */
}

/* ---- Welford ---------------------------------------------------------------------------- */

void sim_welford_init(struct sim_welford *w)
{
    w->count = 0;
    w->mean = 0.0;
    w->m2 = 0.0;
    w->min = INFINITY;
    w->max = -INFINITY;
}

void sim_welford_add(struct sim_welford *w, double x)
{
    w->count++;
    double d = x - w->mean;
    w->mean += d / (double)w->count;
    /* d * (x - new mean) = d^2 (n-1)/n >= 0, so m2 never goes negative through rounding
     * of a subtraction of sums of squares. */
    w->m2 += d * (x - w->mean);
    if (x < w->min)
        w->min = x;
    if (x > w->max)
        w->max = x;
}

void sim_welford_merge(struct sim_welford *into, const struct sim_welford *from)
{
    struct sim_welford b = *from; /* copy first: into and from may alias */
    if (b.count == 0)
        return;
    if (into->count == 0) {
        *into = b;
        return;
    }
    double na = (double)into->count, nb = (double)b.count, n = na + nb;
    double delta = b.mean - into->mean;
    into->mean += delta * (nb / n);
    into->m2 += b.m2 + delta * delta * (na * (nb / n));
    into->count += b.count;
    if (b.min < into->min)
        into->min = b.min;
    if (b.max > into->max)
        into->max = b.max;
}

double sim_welford_mean(const struct sim_welford *w)
{
    return w->count > 0 ? w->mean : NAN;
}

double sim_welford_var(const struct sim_welford *w)
{
    return w->count >= 2 ? w->m2 / (double)(w->count - 1) : NAN;
}

double sim_welford_sd(const struct sim_welford *w)
{
    return sqrt(sim_welford_var(w));
}

double sim_welford_ci_halfwidth(const struct sim_welford *w, double level)
{
    if (w->count < 2 || !level_ok(level))
        return NAN;
    double n = (double)w->count;
    return t_quantile(level, n - 1.0) * sim_welford_sd(w) / sqrt(n);
}

/* ---- Time average ----------------------------------------------------------------------- */

int sim_timeavg_init(struct sim_timeavg *a, double t0, double value0)
{
    int bad = !isfinite(t0) || !isfinite(value0);
    if (bad)
        t0 = value0 = 0.0;
    a->t0 = a->t_last = t0;
    a->value = value0;
    a->area = 0.0;
    a->max = value0;
    return bad ? SIM_EINVAL : 0;
}

int sim_timeavg_set(struct sim_timeavg *a, double t, double value)
{
    if (!isfinite(t) || !isfinite(value) || t < a->t_last)
        return SIM_EINVAL;
    a->area += a->value * (t - a->t_last);
    a->t_last = t;
    a->value = value;
    if (value > a->max)
        a->max = value;
    return 0;
}

double sim_timeavg_integral(const struct sim_timeavg *a, double t_now)
{
    if (!isfinite(t_now) || t_now < a->t_last)
        return NAN;
    return a->area + a->value * (t_now - a->t_last);
}

double sim_timeavg_mean(const struct sim_timeavg *a, double t_now)
{
    if (!isfinite(t_now) || t_now < a->t_last)
        return NAN;
    if (t_now == a->t0)
        return a->value;
    return sim_timeavg_integral(a, t_now) / (t_now - a->t0);
}

int sim_timeavg_reset(struct sim_timeavg *a, double t)
{
    if (!isfinite(t) || t < a->t_last)
        return SIM_EINVAL;
    a->t0 = a->t_last = t;
    a->area = 0.0;
    a->max = a->value;
    return 0;
}

/* ---- Histogram tally -------------------------------------------------------------------- */

int sim_tally_init(struct sim_tally *t, double lo, double hi, size_t nbins,
                   struct sim_err *err)
{
    memset(t, 0, sizeof *t);
    if (!isfinite(lo) || !isfinite(hi) || !(lo < hi) || !isfinite(hi - lo))
        return sim_err_set(err, SIM_EINVAL, "tally: range [%g, %g) is not a finite, "
                           "non-empty interval", lo, hi);
    if (nbins == 0)
        return sim_err_set(err, SIM_EINVAL, "tally: number of bins must be >= 1");
    t->bins = calloc(nbins, sizeof *t->bins);
    if (!t->bins)
        return sim_err_set(err, SIM_ENOMEM, "tally: cannot allocate %zu bins", nbins);
    t->lo = lo;
    t->hi = hi;
    t->nbins = nbins;
    return 0;
}

void sim_tally_fini(struct sim_tally *t)
{
    free(t->bins);
    t->bins = NULL;
    t->nbins = 0;
}

int sim_tally_add(struct sim_tally *t, double x)
{
    if (isnan(x))
        return SIM_EINVAL;
    if (x < t->lo) {
        t->under++;
    } else if (x >= t->hi) {
        t->over++;
    } else {
        /* Rounding can put x just below hi at index nbins; it belongs to the last bin. */
        size_t i = (size_t)((x - t->lo) / (t->hi - t->lo) * (double)t->nbins);
        if (i >= t->nbins)
            i = t->nbins - 1;
        t->bins[i]++;
    }
    t->count++;
    return 0;
}

void sim_tally_clear(struct sim_tally *t)
{
    if (t->bins)
        memset(t->bins, 0, t->nbins * sizeof *t->bins);
    t->under = t->over = t->count = 0;
}

int sim_tally_merge(struct sim_tally *into, const struct sim_tally *from,
                    struct sim_err *err)
{
    if (into->lo != from->lo || into->hi != from->hi || into->nbins != from->nbins)
        return sim_err_set(err, SIM_EINVAL, "tally merge: bins differ ([%g, %g) x %zu vs "
                           "[%g, %g) x %zu)", into->lo, into->hi, into->nbins, from->lo,
                           from->hi, from->nbins);
    if (into == from) {
        for (size_t i = 0; i < into->nbins; i++)
            into->bins[i] *= 2;
        into->under *= 2;
        into->over *= 2;
        into->count *= 2;
        return 0;
    }
    for (size_t i = 0; i < into->nbins; i++)
        into->bins[i] += from->bins[i];
    into->under += from->under;
    into->over += from->over;
    into->count += from->count;
    return 0;
}

double sim_tally_quantile(const struct sim_tally *t, double p)
{
    if (t->count == 0 || !(p >= 0.0 && p <= 1.0))
        return NAN;
    double target = p * (double)t->count; /* rank sought, in counts */
    /* Ties at lo: if target == under > 0 the smallest x with CDF >= p is the largest
     * underflow value, which is still below the range. */
    if (t->under > 0 && target <= (double)t->under)
        return -INFINITY;
    double cum = (double)t->under;
    for (size_t i = 0; i < t->nbins; i++) {
        double k = (double)t->bins[i];
        if (k > 0.0 && target <= cum + k) {
            /* Earlier bins held less than target, so 0 <= frac <= 1; p == 0 with no
             * underflow lands on the lower edge of the first occupied bin. */
            double frac = (target - cum) / k;
            return t->lo + (t->hi - t->lo) * (((double)i + frac) / (double)t->nbins);
        }
        cum += k;
    }
    return INFINITY;
}

/* ---- CI of a sample --------------------------------------------------------------------- */

int sim_ci_mean(const double *x, size_t n, double level, double *mean, double *halfwidth)
{
    if (mean)
        *mean = NAN;
    if (halfwidth)
        *halfwidth = NAN;
    if (!x || !mean || !halfwidth || n < 2 || !level_ok(level))
        return SIM_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return SIM_EINVAL;
    double m = gsl_stats_mean(x, 1, n);
    double sd = gsl_stats_sd_m(x, 1, n, m);
    double dn = (double)n;
    *mean = m;
    *halfwidth = t_quantile(level, dn - 1.0) * sd / sqrt(dn);
    return 0;
}
