/* cli/psa_analysis.c — the analysis of `caresim psa` (cli/psa.h): per-person discounted
 * costs and QALYs of every draw, the frontier and ICERs, expected net benefit, CEAC and
 * acceptability frontier, EVPI and EVPPI by parameter group (models/cea.h), the share of
 * first-order noise, and the tables printed on the terminal. Touches only the state it is
 * given and stdout.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/psa.h"
#include "cli/runner.h"
#include "models/cea.h"
#include "output/results.h"
#include "sim/config.h"
#include "sim/err.h"

/* ---- Analysis ------------------------------------------------------------------------------ */

/* Per-person discounted costs and QALYs of every draw and scenario (means over the draw's
 * replications), per person of run.population. */
void psa_per_person(struct psa *p)
{
    for (size_t d = 0; d < p->D; d++)
        for (size_t j = 0; j < p->S; j++) {
            double c = 0, q = 0, pop = (double)p->sc[j].par.run.population;
            for (size_t i = 0; i < p->R; i++) {
                const double *row = p->rows[j] + (d * p->R + i) * OUTC_COUNT;
                c += row[OUTC_COST_TOTAL_DISC];
                q += row[OUTC_QALYS_DISC];
            }
            p->cost[d * p->S + j] = c / (double)p->R / pop;
            p->qaly[d * p->S + j] = q / (double)p->R / pop;
        }
}

/* Mean over draws of column j of a D x S matrix. */
static double column_mean(const struct psa *p, const double *x, size_t j)
{
    double s = 0;
    for (size_t d = 0; d < p->D; d++)
        s += x[d * p->S + j];
    return s / (double)p->D;
}


void psa_results_fini(struct psa_results *r)
{
    free(r->mean_cost);
    free(r->mean_qaly);
    free(r->frontier);
    free(r->enb);
    free(r->p_opt);
    free(r->ceac);
    free(r->ceaf_best);
    free(r->ceaf_p);
    free(r->evpi);
    free(r->evppi);
    free(r->evppi_ref);
    free(r->noise);
}


/* The noise rows: cost and QALYs per person of each scenario, then the incremental net
 * benefit of each alternative vs the reference at wtp_ref. */
static int noise_split(const struct psa *p, struct psa_results *r, struct sim_err *e)
{
    double *x = malloc(p->D * p->R * sizeof *x);
    if (!x)
        return sim_err_set(e, SIM_ENOMEM, "out of memory");
    int rc = 0;
    for (size_t row = 0; !rc && row < PSA_NOISE_ROWS(p); row++) {
        for (size_t d = 0; d < p->D; d++)
            for (size_t i = 0; i < p->R; i++) {
                size_t at = (d * p->R + i) * OUTC_COUNT;
                double v;
                if (row < 2 * p->S) {
                    size_t j = row / 2;
                    v = p->rows[j][at + (row % 2 ? OUTC_QALYS_DISC : OUTC_COST_TOTAL_DISC)] /
                        (double)p->sc[j].par.run.population;
                } else {
                    size_t j = row - 2 * p->S + 1;
                    const double *a = p->rows[j] + at, *b = p->rows[0] + at;
                    v = (p->wtp_ref * a[OUTC_QALYS_DISC] - a[OUTC_COST_TOTAL_DISC]) /
                            (double)p->sc[j].par.run.population -
                        (p->wtp_ref * b[OUTC_QALYS_DISC] - b[OUTC_COST_TOTAL_DISC]) /
                            (double)p->sc[0].par.run.population;
                }
                x[d * p->R + i] = v;
            }
        double *o = r->noise + row * 3;
        rc = cea_noise(p->D, p->R, x, &o[0], &o[1], &o[2], e);
    }
    free(x);
    return rc;
}

int psa_analyse(struct psa *p, struct psa_results *r, struct sim_err *e)
{
    size_t S = p->S, W = p->W, G = p->n_groups;
    memset(r, 0, sizeof *r);
    r->mean_cost = calloc(S, sizeof *r->mean_cost);
    r->mean_qaly = calloc(S, sizeof *r->mean_qaly);
    r->frontier = calloc(S, sizeof *r->frontier);
    r->enb = calloc(S, sizeof *r->enb);
    r->p_opt = calloc(S, sizeof *r->p_opt);
    r->ceac = calloc(W * S, sizeof *r->ceac);
    r->ceaf_best = calloc(W, sizeof *r->ceaf_best);
    r->ceaf_p = calloc(W, sizeof *r->ceaf_p);
    r->evpi = calloc(W, sizeof *r->evpi);
    r->evppi = calloc(W * (G ? G : 1), sizeof *r->evppi);
    r->evppi_ref = calloc(G ? G : 1, sizeof *r->evppi_ref);
    r->noise = calloc(PSA_NOISE_ROWS(p) * 3, sizeof *r->noise);
    double *theta = malloc(p->D * 64 * sizeof *theta);
    if (!r->mean_cost || !r->mean_qaly || !r->frontier || !r->enb || !r->p_opt || !r->ceac ||
        !r->ceaf_best || !r->ceaf_p || !r->evpi || !r->evppi || !r->evppi_ref || !r->noise ||
        !theta) {
        free(theta);
        return sim_err_set(e, SIM_ENOMEM, "out of memory");
    }
    for (size_t j = 0; j < S; j++) {
        r->mean_cost[j] = column_mean(p, p->cost, j);
        r->mean_qaly[j] = column_mean(p, p->qaly, j);
    }
    int rc = cea_frontier(S, r->mean_cost, r->mean_qaly, r->frontier, e);
    rc = rc ? rc : cea_net_benefit(p->D, S, p->cost, p->qaly, p->wtp_ref, r->enb, &r->best,
                                   r->p_opt, e);
    rc = rc ? rc : cea_ceac(p->D, S, p->cost, p->qaly, W, p->wtp, r->ceac, r->ceaf_best,
                            r->ceaf_p, e);
    rc = rc ? rc : cea_evpi(p->D, S, p->cost, p->qaly, p->wtp_ref, &r->evpi_ref, e);
    for (size_t w = 0; !rc && w < W; w++)
        rc = cea_evpi(p->D, S, p->cost, p->qaly, p->wtp[w], &r->evpi[w], e);
    for (size_t g = 0; !rc && g < G; g++) {
        const struct psa_group *grp = &p->groups[g];
        for (size_t d = 0; d < p->D; d++)
            for (size_t i = 0; i < grp->n; i++)
                theta[d * grp->n + i] = p->theta[d * p->P + grp->cols[i]];
        int enough = p->D > cea_evppi_terms(grp->n) + 10 && S > 1;
        for (size_t w = 0; !rc && w <= W; w++) {
            double wtp = w < W ? p->wtp[w] : p->wtp_ref;
            double *out = w < W ? &r->evppi[w * G + g] : &r->evppi_ref[g];
            *out = NAN;
            if (enough)
                rc = cea_evppi(p->D, S, p->cost, p->qaly, wtp, grp->n, theta, out, e);
        }
    }
    free(theta);
    r->have_noise = p->R >= 2 && p->D >= 2;
    if (!rc && r->have_noise)
        rc = noise_split(p, r, e);
    return rc;
}

/* ---- Printing ------------------------------------------------------------------------------ */

static const char *status_name(enum cea_status s)
{
    switch (s) {
    case CEA_FRONTIER: return "frontier";
    case CEA_DOMINATED: return "dominated";
    case CEA_EXTENDEDLY_DOMINATED: return "extendedly dominated";
    default: return "?";
    }
}

void psa_print(FILE *out, const struct psa *p, const struct psa_results *r,
               const char *currency)
{
    char a[32], b[32], c[32], d[32], f[32];
    fprintf(out, "\nper person (run.population), discounted; means over %zu draws\n", p->D);
    fprintf(out, "%-24s %14s %12s %14s %12s  %-22s %s\n", "strategy", "cost", "QALYs",
            "incr. cost", "incr. QALYs", "status", "ICER (vs previous on frontier)");
    for (size_t j = 0; j < p->S; j++) {
        cli_fmt_num(r->mean_cost[j], a, sizeof a);
        cli_fmt_num(r->mean_qaly[j], b, sizeof b);
        cli_fmt_num(r->mean_cost[j] - r->mean_cost[0], c, sizeof c);
        cli_fmt_num(r->mean_qaly[j] - r->mean_qaly[0], d, sizeof d);
        cli_fmt_num(r->frontier[j].icer, f, sizeof f);
        fprintf(out, "%-24s %14s %12s %14s %12s  %-22s %s\n", p->sc[j].par.name, a, b, c, d,
                status_name(r->frontier[j].status),
                isnan(r->frontier[j].icer) ? "-" : f);
    }
    cli_fmt_num(p->wtp_ref, a, sizeof a);
    fprintf(out, "\nat %s %s per QALY: expected net monetary benefit per person, and the "
                 "probability each strategy is optimal\n", a, currency);
    for (size_t j = 0; j < p->S; j++) {
        cli_fmt_num(r->enb[j], b, sizeof b);
        fprintf(out, "  %-24s ENB %12s  P(optimal) %.3f%s\n", p->sc[j].par.name, b,
                r->p_opt[j], j == r->best ? "  <- optimal" : "");
    }
    cli_fmt_num(r->evpi_ref, b, sizeof b);
    cli_fmt_num(r->evpi_ref * (double)p->sc[0].par.run.population, c, sizeof c);
    fprintf(out, "EVPI %s %s per person (%s for the population of %lld)\n", b, currency, c,
            (long long)p->sc[0].par.run.population);
    fprintf(out, "\ncost-effectiveness acceptability curve (probability optimal)\n  %-12s",
            "wtp");
    for (size_t j = 0; j < p->S; j++)
        fprintf(out, " %14.14s", p->sc[j].par.name);
    fprintf(out, " %12s\n", "EVPI");
    size_t shown = 0, step = p->W > 11 ? (p->W - 1) / 10 : 1;
    for (size_t w = 0; w < p->W; w += step, shown++) {
        cli_fmt_num(p->wtp[w], a, sizeof a);
        fprintf(out, "  %-12s", a);
        for (size_t j = 0; j < p->S; j++)
            fprintf(out, " %14.3f", r->ceac[w * p->S + j]);
        cli_fmt_num(r->evpi[w], b, sizeof b);
        fprintf(out, " %12s\n", b);
    }
    if (p->n_groups > 0 && p->S > 1) {
        cli_fmt_num(p->wtp_ref, a, sizeof a);
        fprintf(out, "\nEVPPI at %s %s per QALY, per person (regression, Strong et al. 2014)\n",
                a, currency);
        for (size_t g = 0; g < p->n_groups; g++) {
            cli_fmt_num(r->evppi_ref[g], b, sizeof b);
            fprintf(out, "  %-44s %12s%s\n", p->groups[g].name,
                    isnan(r->evppi_ref[g]) ? "n/a" : b,
                    isnan(r->evppi_ref[g]) ? " (too few draws for the regression)" : "");
        }
    }
    if (r->have_noise) {
        fprintf(out, "\nfirst-order noise: share of the variance of the draw means that is "
                     "stochastic noise (%zu replications per draw)\n", p->R);
        for (size_t row = 0; row < PSA_NOISE_ROWS(p); row++) {
            char what[PARAMS_NAME_MAX * 2 + 32];
            if (row < 2 * p->S)
                snprintf(what, sizeof what, "%s %s", p->sc[row / 2].par.name,
                         row % 2 ? "QALYs" : "cost");
            else
                snprintf(what, sizeof what, "%s INB vs %s", p->sc[row - 2 * p->S + 1].par.name,
                         p->sc[0].par.name);
            fprintf(out, "  %-44s %6.1f%%\n", what, 100 * r->noise[row * 3 + 2]);
        }
    } else {
        fprintf(out, "\n(run with -r 2 or more to measure how much of the variance is "
                     "first-order noise)\n");
    }
}

