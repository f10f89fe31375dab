/* cli/psa.h — the parts of `caresim psa` (cli/psa.c: options, sampling, running the
 * draws; cli/psa_analysis.c: per-person costs and QALYs, the cost-effectiveness analysis
 * and the printed tables; cli/psa_write.c: the /psa group of the results file) and the state
 * they share. Not a public interface: only the psa files include it.
 */
#ifndef CLI_PSA_H
#define CLI_PSA_H

#include <stddef.h>
#include <stdio.h>

#include "models/cea.h"
#include "models/outcomes.h"
#include "sim/err.h"
#include "sim/sampling.h"

struct cli_scenario;
struct out_writer;

#define PSA_MAX_GROUPS 64 /* most EVPPI groups (named by --evppi and by prefix) */

/* One EVPPI group: parameter columns of the design. */
struct psa_group {
    char name[PARAMS_NAME_MAX + 64];
    size_t n;
    size_t cols[64];
};

struct psa {
    struct cli_scenario *sc;   /* the scenarios; sc[0] the reference */
    size_t S;                  /* their number */
    size_t D, R, P;            /* draws, replications per draw, sampled parameters */
    size_t *keys;              /* P schema indices of the sampled keys, in table order */
    unsigned char *has;        /* S * P: scenario j gives key p a distribution */
    int *rebuild;              /* S: the draws change scenario j's disease tables */
    double *u;                 /* D * P design probabilities */
    double *theta;             /* D * P parameter values (of the first scenario giving a
                                * distribution to the key) */
    double **rows;             /* S: D * R * OUTC_COUNT outcome rows, (draw, replication) */
    /* Per person, by draw (D * S, draw-major): means over replications. */
    double *cost, *qaly;
    size_t W;                  /* willingness-to-pay points */
    double *wtp;               /* W values, currency per QALY */
    double wtp_ref;            /* the reference scenario's economics.wtp_per_qaly */
    struct psa_group groups[PSA_MAX_GROUPS];
    size_t n_groups;
};

/* Key path of sampled parameter i. */
const char *psa_key_path(const struct psa *p, size_t i);

/* The analysis's results, for printing and writing. */
struct psa_results {
    double *mean_cost, *mean_qaly;         /* S: per person */
    struct cea_strategy_result *frontier;  /* S */
    double *enb, *p_opt;                   /* S: at wtp_ref */
    size_t best;                           /* optimal at wtp_ref */
    double *ceac;                          /* W * S: probability optimal */
    size_t *ceaf_best;                     /* W */
    double *ceaf_p, *evpi;                 /* W */
    double *evppi;                         /* W * n_groups (NaN: too few draws) */
    double evpi_ref;                       /* at wtp_ref */
    double *evppi_ref;                     /* n_groups at wtp_ref */
    int have_noise;                        /* R >= 2 and D >= 2 */
    double *noise;                         /* (2 S + S - 1) * 3: cost, QALYs of each scenario,
                                            * then INB of each alternative at wtp_ref: var of
                                            * draw means, within variance, noise share */
};

/* Rows of the noise split: cost and QALYs of each strategy, then the INB of each
 * alternative. */
#define PSA_NOISE_ROWS(p) (3 * (p)->S - 1)

/* Fills p->cost and p->qaly (per person, means over each draw's replications). */
void psa_per_person(struct psa *p);
/* The analysis of the draws into r (psa_results_fini frees it, also after an error). */
int psa_analyse(struct psa *p, struct psa_results *r, struct sim_err *e);
void psa_results_fini(struct psa_results *r);
/* The tables on the terminal. */
void psa_print(FILE *out, const struct psa *p, const struct psa_results *r,
               const char *currency);
/* /scenarios/<name> of every strategy and the group /psa (docs/results.md). */
int psa_write(struct out_writer *w, const struct psa *p, const struct psa_results *r,
              const struct outc_info info[OUTC_COUNT], const char *currency,
              enum sim_sampling sampling, struct sim_err *e);

#endif
