/* models/cea.h — cost-effectiveness analysis over arrays, for the probabilistic sensitivity
 * analysis (PSA): the efficiency frontier and ICERs, net monetary benefit, the
 * cost-effectiveness acceptability curve (CEAC) and frontier (CEAF), the expected value of
 * perfect information (EVPI) and of partial perfect information for a parameter group
 * (EVPPI, by regression). Pure functions: they touch only the arrays they are given (and
 * scratch memory they free before returning); no model, no files.
 *
 * Units and conventions.
 *   - Costs are in currency units per person, effects in QALYs (or any health effect) per
 *     person; willingness to pay (wtp) is in currency per unit of effect (per QALY). ICERs
 *     are in currency per unit of effect.
 *   - Net monetary benefit of a strategy in a draw: NB = wtp * effect - cost (currency per
 *     person). EVPI and EVPPI are per person (per unit of the population the costs and
 *     effects refer to); multiply by the number of persons affected (and discount over the
 *     decision's lifetime) for a population value. That is the caller's job.
 *   - PSA draws come as D x K matrices, row-major and draw-major: element [d * k + j] is
 *     strategy j in draw d. Parameter samples come as D x P matrices, [d * p + i] is
 *     parameter i in draw d, drawn jointly with the costs and effects of the same row.
 *   - Ties: whenever two strategies have the same net benefit (in a draw or in
 *     expectation) the one with the lower index wins. Strategy 0 is the reference for
 *     incremental net benefit in EVPPI.
 *   - wtp must be finite and >= 0.
 *
 * Errors: functions return 0 or a negative SIM_E* code and fill err (sim/err.h). Sizes of
 * 0, NULL arrays, non-finite values (NaN, +-Inf) and wtp < 0 give SIM_EINVAL with a
 * message naming the argument (and the offending row/column for values); too few draws for
 * the EVPPI regression also give SIM_EINVAL. Outputs are left unspecified on error.
 */
#ifndef MODELS_CEA_H
#define MODELS_CEA_H

#include <stddef.h>

#include "sim/err.h"

/* ---- Efficiency frontier and ICERs ------------------------------------------------------ */

enum cea_status {
    CEA_FRONTIER,             /* on the efficiency frontier */
    CEA_DOMINATED,            /* strongly dominated: another strategy costs no more and is
                               * at least as effective, one of the two strictly (or is
                               * identical and has a lower index) */
    CEA_EXTENDEDLY_DOMINATED, /* its ICER exceeds that of the next more effective strategy
                               * still in the running: a mix of its neighbours is better */
};

struct cea_strategy_result {
    enum cea_status status;
    /* Frontier strategies: ICER vs the previous (less effective) frontier strategy, currency
     * per unit of effect; NaN for the least effective frontier strategy. NaN for dominated
     * strategies. */
    double icer;
    /* Frontier: index of the previous frontier strategy, -1 for the first.
     * Strongly dominated: index of a strategy that dominates it (the cheapest of them, then
     * the most effective, then the lowest index).
     * Extendedly dominated: index of the next more effective strategy that was still in the
     * running when it was removed. */
    int comparator;
};

/* Frontier of k strategies with mean costs cost[k] (currency) and mean effects effect[k]
 * (QALYs): out[k] gets each strategy's status, ICER and comparator (in the input order).
 * Strategies are sorted by effect; strongly dominated ones are removed first, then
 * extendedly dominated ones (ICER strictly greater than the next one's) one at a time,
 * the least effective offender first, until none remain. Equal ICERs are not dominance. */
int cea_frontier(size_t k, const double *cost, const double *effect,
                 struct cea_strategy_result *out, struct sim_err *err);

/* ---- Net monetary benefit --------------------------------------------------------------- */

/* From d draws of k strategies (cost and effect: d x k, draw-major) at willingness to pay
 * wtp: enb[k] the expected NB of each strategy (currency per person), *best the strategy
 * with the largest expected NB, p_opt[k] the share of draws in which each strategy has the
 * largest NB (ties: lower index). */
int cea_net_benefit(size_t d, size_t k, const double *cost, const double *effect, double wtp,
                    double *enb, size_t *best, double *p_opt, struct sim_err *err);

/* CEAC over w willingness-to-pay values wtp[w]: p_opt[w * k] (row i for wtp[i]) the
 * probability each strategy is optimal; and the acceptability frontier: ceaf_best[w] the
 * strategy with the largest expected NB at each wtp, ceaf_p[w] its probability of being
 * optimal. */
int cea_ceac(size_t d, size_t k, const double *cost, const double *effect, size_t w,
             const double *wtp, double *p_opt, size_t *ceaf_best, double *ceaf_p,
             struct sim_err *err);

/* ---- Value of information --------------------------------------------------------------- */

/* EVPI at wtp, currency per person: mean over draws of max_k NB minus max_k of mean NB
 * (computed as the mean over draws of the regret of the expected-optimal strategy, so it is
 * never negative). */
int cea_evpi(size_t d, size_t k, const double *cost, const double *effect, double wtp,
             double *evpi, struct sim_err *err);

/* Number of regression terms for a group of p parameters: an intercept, each parameter to
 * the first, second and third power, and the products of pairs when p <= 4. */
size_t cea_evppi_terms(size_t p);

/* EVPPI of the group of p parameters sampled in theta (d x p, draw-major, the same draws as
 * cost and effect) at wtp, currency per person, by the regression method of Strong, Oakley
 * & Brennan (Med Decis Making 2014;34:311-26): each strategy's incremental NB vs strategy 0
 * is regressed by least squares on the basis of cea_evppi_terms(p) terms (parameters are
 * centred and scaled first, which leaves the fitted values unchanged); with fitted values
 * g_k (g_0 = 0), EVPPI = mean_d max_k g_k(theta_d) - max_k mean_d g_k(theta_d). Requires
 * d > cea_evppi_terms(p) + 10. The estimate carries a small upward bias from fitting noise
 * (of the order of the residual SD times sqrt(terms / d)). */
int cea_evppi(size_t d, size_t k, const double *cost, const double *effect, double wtp,
              size_t p, const double *theta, double *evppi, struct sim_err *err);

/* ---- Nested uncertainty ------------------------------------------------------------------ */

/* First-order (stochastic) noise in a nested PSA of d draws (outer loop: parameter
 * uncertainty) of r replications each (inner loop: patient-level noise) of one quantity,
 * x[draw * r + replication]. *var_means gets the variance (divisor d - 1) of the d draw
 * means; *within the mean over draws of the within-draw sample variance (divisor r - 1),
 * an unbiased estimate of the noise variance sigma^2; *noise_share the share of the
 * variance of the draw means that noise explains, (within / r) / var_means, capped at 1
 * (NaN when var_means is 0). The rest, 1 - share, is the parameter uncertainty the PSA
 * is meant to show (O'Hagan, Stevenson & Madan, Health Econ 2007;16:1009-23). Needs
 * d >= 2 and r >= 2. */
int cea_noise(size_t d, size_t r, const double *x, double *var_means, double *within,
              double *noise_share, struct sim_err *err);

#endif
