/* sim/stats.h — statistics collectors for the engine and the results.
 *
 * Welford accumulators (mean, variance, extremes, mergeable across threads), time-weighted
 * averages of piecewise-constant quantities (queue length, beds occupied), histogram tallies
 * with quantile estimates, and Student-t confidence intervals. Every collector is a
 * caller-owned object with no hidden state, so each replication (thread) keeps its own and
 * merges them afterwards. Uses GSL for t quantiles and sample statistics; touches nothing else.
 */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <stddef.h>
#include <stdint.h>

struct sim_err;

/* ---- Welford: running mean and variance ------------------------------------------------ */

/* Running mean and variance of a stream of values, in one pass and without storing them.
 * Units are those of the values added. */
struct sim_welford {
    uint64_t count; /* values added */
    double mean;    /* mean of the values added; 0 when count == 0 */
    double m2;      /* sum of squared deviations from the mean (variance * (count - 1)) */
    double min;     /* smallest value added; +INFINITY when count == 0 */
    double max;     /* largest value added; -INFINITY when count == 0 */
};

/* Sum of the values added (mean * count; 0 when empty). */
static inline double sim_welford_sum(const struct sim_welford *w)
{
    return w->count ? w->mean * (double)w->count : 0.0;
}

/* Sets up an empty accumulator. */
void sim_welford_init(struct sim_welford *w);

/* Adds one value. Values should be finite: a NaN makes mean and variance NaN from then on,
 * so a bad value shows in the results instead of being silently dropped. */
void sim_welford_add(struct sim_welford *w, double x);

/* Folds `from` into `into`, as if every value added to `from` had been added to `into`
 * (Chan, Golub & LeVeque's pairwise update). Lets replications run on different threads be
 * merged afterwards; merging in a fixed order gives bit-identical results. `into` and `from`
 * may be the same object. */
void sim_welford_merge(struct sim_welford *into, const struct sim_welford *from);

/* Mean of the values; NaN when none were added. */
double sim_welford_mean(const struct sim_welford *w);

/* Sample variance (divisor count - 1) and its square root; NaN when count < 2. */
double sim_welford_var(const struct sim_welford *w);
double sim_welford_sd(const struct sim_welford *w);

/* Half-width of the two-sided confidence interval for the mean at `level` (0.95 for 95%),
 * t_{(1+level)/2, count-1} * sd / sqrt(count). NaN when count < 2 (no variance estimate)
 * or level is not strictly between 0 and 1. */
double sim_welford_ci_halfwidth(const struct sim_welford *w, double level);

/* ---- Time-weighted average of a piecewise-constant quantity ------------------------------ */

/* Average over time of a quantity that changes only at given instants (queue length, beds
 * occupied): the integral of the value over the window divided by the window's length.
 * Times are days; the integral is in value·days. */
struct sim_timeavg {
    double t0;     /* start of the averaging window, days */
    double t_last; /* time of the latest change (or of init/reset), days */
    double value;  /* current value, held since t_last */
    double area;   /* integral of the value over [t0, t_last], value·days */
    double max;    /* largest value taken in the window, including values held for zero
                      time (several changes at one instant: the peak was still reached) */
};

/* Starts a window at t0 with the quantity equal to value0. Returns 0, or SIM_EINVAL when
 * t0 or value0 is not finite (the object is then set up at t0 = 0, value 0). */
int sim_timeavg_init(struct sim_timeavg *a, double t0, double value0);

/* The quantity becomes `value` at time t. Times must not decrease. Returns 0, or
 * SIM_EINVAL when t is earlier than the previous change or t or value is not finite; the
 * object is then unchanged. */
int sim_timeavg_set(struct sim_timeavg *a, double t, double value);

/* Integral of the quantity over [t0, t_now], value·days; NaN when t_now is earlier than
 * the latest change or not finite. */
double sim_timeavg_integral(const struct sim_timeavg *a, double t_now);

/* Time-weighted mean over [t0, t_now]; NaN when t_now is earlier than the latest change or
 * not finite. For an empty window (t_now == t0) it is the current value (the limit as the
 * window shrinks). */
double sim_timeavg_mean(const struct sim_timeavg *a, double t_now);

/* Restarts the window at t keeping the current value, forgetting the integral and the
 * maximum (warm-up deletion). Returns 0, or SIM_EINVAL when t is earlier than the latest
 * change or not finite; the object is then unchanged. */
int sim_timeavg_reset(struct sim_timeavg *a, double t);

/* ---- Histogram tally ---------------------------------------------------------------------- */

/* Counts of values in nbins equal bins over [lo, hi), plus values below lo and at or above
 * hi. Estimates quantiles by assuming values are spread evenly within each bin. */
struct sim_tally {
    double lo;       /* lower edge of the first bin, in the unit of the values */
    double hi;       /* upper edge of the last bin (excluded from it) */
    size_t nbins;    /* number of bins, >= 1 */
    uint64_t *bins;  /* nbins counts, owned; bin i covers [lo + i*w, lo + (i+1)*w) */
    uint64_t under;  /* values < lo */
    uint64_t over;   /* values >= hi */
    uint64_t count;  /* all values counted: under + over + sum of bins */
};

/* Sets up an empty tally. Returns 0, SIM_EINVAL (lo, hi not finite, lo >= hi, hi - lo not
 * finite, nbins == 0) or SIM_ENOMEM. On failure nothing is allocated and sim_tally_fini
 * is still safe to call. */
int sim_tally_init(struct sim_tally *t, double lo, double hi, size_t nbins,
                   struct sim_err *err);

/* Frees the bins. Safe to call twice, or after a failed init. */
void sim_tally_fini(struct sim_tally *t);

/* Counts one value (infinities go to under/over). Returns 0, or SIM_EINVAL for a NaN,
 * which is not counted. */
int sim_tally_add(struct sim_tally *t, double x);

/* Forgets every value counted, keeping the bins (warm-up deletion). */
void sim_tally_clear(struct sim_tally *t);

/* Adds the counts of `from` to `into` (replications on different threads). Both must
 * have the same lo, hi and nbins; otherwise returns SIM_EINVAL and `into` is unchanged. */
int sim_tally_merge(struct sim_tally *into, const struct sim_tally *from,
                    struct sim_err *err);

/* Estimate of the p-quantile (0 <= p <= 1): the smallest x where the histogram's CDF,
 * linear within each bin, reaches p. Returns -INFINITY when it lies among the values
 * below lo, +INFINITY when among those at or above hi (the histogram cannot say where),
 * and NaN when the tally is empty or p is outside [0, 1]. */
double sim_tally_quantile(const struct sim_tally *t, double p);

/* ---- Confidence interval of a plain sample ------------------------------------------------ */

/* Mean of x[0..n) and the half-width of its two-sided Student-t confidence interval at
 * `level` (0.95 for 95%). Returns 0, or SIM_EINVAL when x or an output is NULL, n < 2,
 * level is not strictly between 0 and 1, or a value is not finite; both outputs are then
 * set to NaN when not NULL, so an ignored error still shows in the results. */
int sim_ci_mean(const double *x, size_t n, double level, double *mean, double *halfwidth);

#endif
