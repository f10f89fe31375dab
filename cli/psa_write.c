/* cli/psa_write.c — the results of `caresim psa` in the results file (cli/psa.h): every
 * strategy's /scenarios/<name> (config, replications, summary) and the group /psa with its
 * tables (docs/results.md). Writes through output/.
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
#include "sim/stats.h"

/* ---- Writing ------------------------------------------------------------------------------- */

/* Column names built at run time: a bump arena freed at the end of writing. */
struct names {
    char *buf;
    size_t used, size;
};

/* The string a b c (NULL parts empty), kept in the arena. */
static const char *join3(struct names *n, const char *a, const char *b, const char *c)
{
    char tmp[2560];
    int len = snprintf(tmp, sizeof tmp, "%s%s%s", a ? a : "", b ? b : "", c ? c : "");
    if (len < 0 || n->used + (size_t)len + 1 > n->size)
        return "?"; /* the arena is sized for every name below: never happens */
    char *s = n->buf + n->used;
    memcpy(s, tmp, (size_t)len + 1);
    n->used += (size_t)len + 1;
    return s;
}

/* Writes a table of n_rows x n_cols. */
static int put_table(struct out_writer *w, const char *name, const char *desc,
                     const struct out_column *cols, size_t n_cols, size_t n_rows,
                     const double *values, struct sim_err *e)
{
    struct out_table t = {.name = name, .desc = desc, .n_cols = n_cols, .cols = cols,
                          .n_rows = n_rows, .values = values};
    return out_writer_add_table(w, "/psa", &t, e);
}

static int write_parameters(struct out_writer *w, const struct psa *p, struct names *nm,
                            struct sim_err *e)
{
    if (p->P == 0)
        return 0;
    const struct sim_cfg_schema *schema = sim_cfg_schema(p->sc[0].cfg);
    size_t nc = p->P + 1;
    struct out_column *cols = calloc(nc, sizeof *cols);
    double *v = malloc(p->D * nc * sizeof *v);
    const char **keys = calloc(p->P, sizeof *keys), **units = calloc(p->P, sizeof *units),
               **dists = calloc(p->P, sizeof *dists);
    double *stats = malloc(p->P * 8 * sizeof *stats);
    int rc = cols && v && keys && units && dists && stats ? 0
                                                          : sim_err_set(e, SIM_ENOMEM, "out of memory");
    if (!rc) {
        cols[0] = (struct out_column){"draw", "", "draw index (outer loop)"};
        for (size_t i = 0; i < p->P; i++) {
            const struct sim_cfg_key *k = &schema->keys[p->keys[i]];
            cols[i + 1] = (struct out_column){k->path, k->unit, "the sampled value"};
            keys[i] = k->path;
            units[i] = k->unit;
        }
        for (size_t d = 0; d < p->D; d++) {
            v[d * nc] = (double)d;
            memcpy(v + d * nc + 1, p->theta + d * p->P, p->P * sizeof *v);
        }
        rc = put_table(w, "parameters", "one row per draw: the value of every sampled key (as "
                                        "the first scenario giving it a distribution has it)",
                       cols, nc, p->D, v, e);
    }
    for (size_t i = 0; !rc && i < p->P; i++) {
        size_t j = 0;
        while (!p->has[j * p->P + i])
            j++;
        const struct sim_dist *dist = sim_cfg_get_dist(p->sc[j].cfg, p->keys[i]);
        struct sim_welford sample;
        sim_welford_init(&sample);
        for (size_t d = 0; d < p->D; d++)
            sim_welford_add(&sample, p->theta[d * p->P + i]);
        double *s = stats + i * 8;
        s[0] = sim_dist_mean(dist);
        s[1] = dist->kind == SIM_DIST_UNIFORM || dist->kind == SIM_DIST_TRIANGULAR ? NAN : dist->sd;
        s[2] = dist->kind == SIM_DIST_UNIFORM || dist->kind == SIM_DIST_TRIANGULAR ? dist->min : NAN;
        s[3] = dist->kind == SIM_DIST_TRIANGULAR ? dist->mode : NAN;
        s[4] = dist->kind == SIM_DIST_UNIFORM || dist->kind == SIM_DIST_TRIANGULAR ? dist->max : NAN;
        s[5] = sim_welford_mean(&sample);
        s[6] = sim_welford_sd(&sample);
        s[7] = (double)j;
        dists[i] = sim_dist_name(dist->kind);
    }
    static const struct out_column fields[] = {
        {"mean", NULL, "the distribution's mean (the value a plain run uses)"},
        {"sd", NULL, "its standard deviation (beta, gamma, lognormal, normal)"},
        {"min", NULL, "lower end (uniform, triangular)"},
        {"mode", NULL, "mode (triangular)"},
        {"max", NULL, "upper end (uniform, triangular)"},
        {"sample_mean", NULL, "mean of the sampled values"},
        {"sample_sd", NULL, "standard deviation of the sampled values"},
        {"scenario", "", "index of the scenario whose distribution is described"},
    };
    struct out_outcome_table t = {
        .name = "distributions",
        .desc = "one row per sampled key: its distribution (attribute `distribution` names "
                "the kinds, in row order) and the sample's mean and sd",
        .n_rows = p->P, .outcomes = keys, .units = units, .n_fields = 8, .fields = fields,
        .values = stats};
    rc = rc ? rc : out_writer_add_outcome_table(w, "/psa", &t, e);
    rc = rc ? rc : out_writer_add_attr_strings(w, "/psa/distributions", "distribution", dists,
                                              p->P, e);
    (void)nm;
    free(cols);
    free(v);
    free(keys);
    free(units);
    free(dists);
    free(stats);
    return rc;
}

/* /scenarios/<name>: config, replications (one row per draw and replication: row
 * d * R + i is draw d, replication i) and their summary, as `run` writes them, so that
 * report and plot read a PSA file like any other. */
static int write_scenarios(struct out_writer *w, const struct psa *p,
                           const struct outc_info info[OUTC_COUNT], struct sim_err *e)
{
    struct out_column cols[OUTC_COUNT];
    for (int c = 0; c < OUTC_COUNT; c++)
        cols[c] = (struct out_column){info[c].name, info[c].unit, info[c].desc};
    int rc = 0;
    for (size_t j = 0; !rc && j < p->S; j++) {
        char group[sizeof "/scenarios/" + PARAMS_NAME_MAX];
        snprintf(group, sizeof group, "/scenarios/%s", p->sc[j].par.name);
        struct out_table t = {
            .name = "replications",
            .desc = "PSA: one row per draw and replication (row d * R + i is draw d, "
                    "replication i; /psa/parameters has the draw's values): the outcomes",
            .n_cols = OUTC_COUNT, .cols = cols, .n_rows = p->D * p->R, .values = p->rows[j]};
        rc = out_writer_add_scenario(w, p->sc[j].par.name, p->sc[j].config_text, e);
        rc = rc ? rc : out_writer_add_table(w, group, &t, e);
        rc = rc ? rc : out_writer_add_summary(w, group, &t, e);
    }
    return rc;
}

static int write_cea(struct out_writer *w, const struct psa *p, const struct psa_results *r,
                     const char *currency, struct names *nm, struct sim_err *e)
{
    size_t S = p->S, W = p->W, G = p->n_groups;
    const char **names = calloc(S, sizeof *names);
    size_t ncol = 1 + 2 * S + S + 3 + G;
    struct out_column *cols = calloc(ncol, sizeof *cols);
    double *v = malloc((p->D > W ? p->D : W) * ncol * sizeof *v);
    double *strat = malloc(S * 9 * sizeof *strat);
    int rc = names && cols && v && strat ? 0 : sim_err_set(e, SIM_ENOMEM, "out of memory");
    for (size_t j = 0; !rc && j < S; j++) {
        names[j] = p->sc[j].par.name;
        double *s = strat + j * 9;
        s[0] = r->mean_cost[j];
        s[1] = r->mean_qaly[j];
        s[2] = r->mean_cost[j] - r->mean_cost[0];
        s[3] = r->mean_qaly[j] - r->mean_qaly[0];
        s[4] = (double)r->frontier[j].status;
        s[5] = r->frontier[j].icer;
        s[6] = (double)r->frontier[j].comparator;
        s[7] = r->enb[j];
        s[8] = r->p_opt[j];
    }
    const struct out_column sf[] = {
        {"cost", currency, "mean discounted cost per person over the draws"},
        {"qalys", "QALYs", "mean discounted QALYs per person over the draws"},
        {"incremental_cost", currency, "cost minus the reference's (first scenario)"},
        {"incremental_qalys", "QALYs", "QALYs minus the reference's"},
        {"status", "", "0 on the efficiency frontier, 1 dominated, 2 extendedly dominated "
                       "(attribute status_names)"},
        {"icer", join3(nm, "", currency, "/QALY"),
         "frontier: ICER vs the previous frontier strategy (NaN for the first and for "
         "dominated ones)"},
        {"comparator", "", "frontier: previous frontier strategy; dominated: a dominating "
                           "one; extendedly dominated: the next more effective; -1 none"},
        {"enb", currency, "expected net monetary benefit per person at wtp_reference"},
        {"p_optimal", "", "probability of the largest net benefit at wtp_reference"},
    };
    struct out_outcome_table t = {
        .name = "strategies",
        .desc = "one row per strategy (scenario): mean costs and QALYs per person, "
                "incremental to the reference, frontier status, ICER, ENB and probability "
                "optimal at wtp_reference",
        .n_rows = S, .outcomes = names, .units = NULL, .n_fields = 9, .fields = sf,
        .values = strat};
    rc = rc ? rc : out_writer_add_outcome_table(w, "/psa", &t, e);
    static const char *const status_names[] = {"frontier", "dominated",
                                               "extendedly dominated"};
    rc = rc ? rc : out_writer_add_attr_strings(w, "/psa/strategies", "status_names",
                                              status_names, 3, e);
    /* CE plane: per draw, every strategy's cost and QALYs per person. */
    if (!rc) {
        cols[0] = (struct out_column){"draw", "", "draw index"};
        for (size_t j = 0; j < S; j++) {
            cols[1 + 2 * j] = (struct out_column){join3(nm, "cost_", names[j], ""),
                                                  currency, "discounted cost per person"};
            cols[2 + 2 * j] = (struct out_column){join3(nm, "qalys_", names[j], ""),
                                                  "QALYs", "discounted QALYs per person"};
        }
        for (size_t d = 0; d < p->D; d++) {
            v[d * (1 + 2 * S)] = (double)d;
            for (size_t j = 0; j < S; j++) {
                v[d * (1 + 2 * S) + 1 + 2 * j] = p->cost[d * S + j];
                v[d * (1 + 2 * S) + 2 + 2 * j] = p->qaly[d * S + j];
            }
        }
        rc = put_table(w, "ce_plane", "one row per draw: each strategy's discounted cost and "
                                      "QALYs per person (means over the draw's replications)",
                       cols, 1 + 2 * S, p->D, v, e);
    }
    /* CEAC, acceptability frontier and EVPI by willingness to pay. */
    if (!rc) {
        size_t nc = 1 + S + 3;
        cols[0] = (struct out_column){"wtp", join3(nm, "", currency, "/QALY"),
                                      "willingness to pay per QALY"};
        for (size_t j = 0; j < S; j++)
            cols[1 + j] = (struct out_column){join3(nm, "p_optimal_", names[j], ""), "",
                                              "probability the strategy is optimal (CEAC)"};
        cols[1 + S] = (struct out_column){"ceaf_strategy", "",
                                          "strategy with the largest expected net benefit "
                                          "(acceptability frontier)"};
        cols[2 + S] = (struct out_column){"ceaf_probability", "",
                                          "its probability of being optimal"};
        cols[3 + S] = (struct out_column){"evpi", currency,
                                          "expected value of perfect information per person"};
        for (size_t i = 0; i < W; i++) {
            double *row = v + i * nc;
            row[0] = p->wtp[i];
            memcpy(row + 1, r->ceac + i * S, S * sizeof *row);
            row[1 + S] = (double)r->ceaf_best[i];
            row[2 + S] = r->ceaf_p[i];
            row[3 + S] = r->evpi[i];
        }
        rc = put_table(w, "ceac", "one row per willingness to pay: the CEAC, the acceptability "
                                  "frontier and the EVPI per person",
                       cols, nc, W, v, e);
    }
    /* EVPPI by willingness to pay, one column per parameter group. */
    if (!rc && G > 0 && S > 1) {
        const char **defs = calloc(G, sizeof *defs);
        cols[0] = (struct out_column){"wtp", join3(nm, "", currency, "/QALY"),
                                      "willingness to pay per QALY"};
        for (size_t g = 0; g < G; g++) {
            cols[1 + g] = (struct out_column){p->groups[g].name, currency,
                                              "EVPPI per person of the group (NaN: too few "
                                              "draws for its regression)"};
            char def[2048] = "";
            size_t at = 0;
            for (size_t i = 0; i < p->groups[g].n && at < sizeof def - 1; i++)
                at += (size_t)snprintf(def + at, sizeof def - at, "%s%s", i ? ", " : "",
                                       psa_key_path(p, p->groups[g].cols[i]));
            if (defs)
                defs[g] = join3(nm, def, NULL, NULL);
        }
        for (size_t i = 0; i < W; i++) {
            v[i * (1 + G)] = p->wtp[i];
            memcpy(v + i * (1 + G) + 1, r->evppi + i * G, G * sizeof *v);
        }
        rc = defs ? 0 : sim_err_set(e, SIM_ENOMEM, "out of memory");
        rc = rc ? rc : put_table(w, "evppi", "one row per willingness to pay: the EVPPI per "
                                            "person of each parameter group (columns; the "
                                            "attribute groups lists their keys)",
                                 cols, 1 + G, W, v, e);
        rc = rc ? rc : out_writer_add_attr_strings(w, "/psa/evppi", "groups", defs, G, e);
        free(defs);
    }
    if (!rc && r->have_noise) {
        size_t n = PSA_NOISE_ROWS(p);
        const char **what = calloc(n, sizeof *what), **units = calloc(n, sizeof *units);
        rc = what && units ? 0 : sim_err_set(e, SIM_ENOMEM, "out of memory");
        for (size_t row = 0; !rc && row < n; row++) {
            if (row < 2 * S) {
                what[row] = join3(nm, row % 2 ? "qalys_" : "cost_", names[row / 2], NULL);
                units[row] = row % 2 ? "QALYs" : currency;
            } else {
                what[row] = join3(nm, "inb_", names[row - 2 * S + 1], join3(nm, "_vs_", names[0], NULL));
                units[row] = currency;
            }
        }
        static const struct out_column nf[] = {
            {"var_draw_means", NULL, "variance of the draw means (squared unit)"},
            {"within_var", NULL, "mean within-draw variance over replications: the noise "
                                 "variance (squared unit)"},
            {"noise_share", "", "(within_var / replications) / var_draw_means, capped at 1"},
        };
        struct out_outcome_table nt = {
            .name = "noise",
            .desc = "first-order (stochastic) noise against parameter uncertainty: per "
                    "person costs and QALYs of each strategy and incremental net benefit at "
                    "wtp_reference of each alternative",
            .n_rows = n, .outcomes = what, .units = units, .n_fields = 3, .fields = nf,
            .values = r->noise};
        rc = rc ? rc : out_writer_add_outcome_table(w, "/psa", &nt, e);
        free(what);
        free(units);
    }
    free(names);
    free(cols);
    free(v);
    free(strat);
    return rc;
}

int psa_write(struct out_writer *w, const struct psa *p, const struct psa_results *r,
              const struct outc_info info[OUTC_COUNT], const char *currency,
              enum sim_sampling sampling, struct sim_err *e)
{
    size_t S = p->S;
    struct names nm = {.size = 64 * 1024 + (S + p->n_groups) * 4096};
    if (!(nm.buf = malloc(nm.size)))
        return sim_err_set(e, SIM_ENOMEM, "out of memory");
    int rc = write_scenarios(w, p, info, e);
    const struct out_attr attrs[] = {
        {"draws", NULL, (double)p->D},
        {"replications_per_draw", NULL, (double)p->R},
        {"sampling", sim_sampling_name(sampling), 0},
        {"wtp_reference", NULL, p->wtp_ref},
        {"currency", currency, 0},
        {"reference", p->sc[0].par.name, 0},
        {"population", NULL, (double)p->sc[0].par.run.population},
        {"evpi_reference", NULL, r->evpi_ref},
        {"per", "person of run.population; costs and QALYs discounted", 0},
    };
    rc = rc ? rc : out_writer_add_group(w, "/psa", attrs, sizeof attrs / sizeof *attrs, e);
    const char **names = calloc(S, sizeof *names);
    for (size_t j = 0; names && j < S; j++)
        names[j] = p->sc[j].par.name;
    rc = rc ? rc : names ? 0 : sim_err_set(e, SIM_ENOMEM, "out of memory");
    rc = rc ? rc : out_writer_add_attr_strings(w, "/psa", "strategies", names, S, e);
    rc = rc ? rc : write_parameters(w, p, &nm, e);
    rc = rc ? rc : write_cea(w, p, r, currency, &nm, e);
    free(names);
    free(nm.buf);
    return rc;
}

