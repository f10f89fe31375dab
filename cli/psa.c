/* cli/psa.c — `caresim psa SCENARIO.cfg [ALT.cfg ...] -n DRAWS [-r REPS]`: probabilistic
 * sensitivity analysis. Every distribution-valued key of the scenarios (the union over
 * them) is sampled DRAWS times by Latin hypercube (default) or simple random sampling; for
 * each draw every scenario runs REPS replications on common random numbers (same
 * parameter values where they share a distribution, same replication streams); the
 * per-person discounted costs and QALYs of the draws feed the cost-effectiveness analysis
 * of models/cea.h: frontier and ICERs with dominance and extended dominance, expected net
 * monetary benefit, the CEAC and acceptability frontier over a willingness-to-pay range,
 * EVPI, and EVPPI for parameter groups; with REPS >= 2, the share of the variance that is
 * first-order noise. Writes /psa/ (docs/results.md) and prints the tables.
 *
 * Nesting: outer loop draws (parameter uncertainty), inner loop replications (stochastic
 * noise). Draw d, replication i of every scenario uses replication index d * REPS + i, so
 * draws differ in their noise and scenarios within a draw share it.
 *
 * Reads scenario files; writes the results file through output/; prints to stdout and
 * problems to stderr.
 */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/batch.h"
#include "cli/cli.h"
#include "cli/runner.h"
#include "models/cea.h"
#include "models/disease.h"
#include "models/model.h"
#include "output/results.h"
#include "sim/config.h"
#include "sim/err.h"
#include "sim/sampling.h"

#define PSA_MAX_DRAWS 1000000L     /* most draws -n accepts */
#define PSA_MAX_GROUPS 64          /* most EVPPI groups (named by --evppi and by prefix) */
#define PSA_WTP_MAX_DEFAULT 100000 /* CEAC range: 0 .. this, currency per QALY */
#define PSA_WTP_STEP_DEFAULT 1000  /* and this step */
#define PSA_MAX_WTP_POINTS 10001   /* most points of the CEAC */

static void psa_usage(FILE *out)
{
    fprintf(out,
            "usage: caresim psa BASE.cfg [ALT.cfg ...] -n DRAWS [-r REPS] [--sampling lhs|srs]\n"
            "                   [--wtp MAX[:STEP]] [--evppi KEY[,KEY...] ...] [--seed S]\n"
            "                   [--set key.path=value ...] [-o FILE.h5] [-j THREADS] [--quiet]\n"
            "Probabilistic sensitivity analysis: samples every distribution-valued key of the\n"
            "scenarios DRAWS times, runs every scenario REPS times per draw on common random\n"
            "numbers, and reports per person: mean discounted costs and QALYs, ICERs with\n"
            "dominance and extended dominance, net monetary benefit, the cost-effectiveness\n"
            "acceptability curve, EVPI and EVPPI. The first scenario is the reference.\n"
            "\n"
            "  -n, --draws N          parameter draws (outer loop), 1 to %ld\n"
            "  -r, --replications N   replications per draw (inner loop; default 1; 2 or more\n"
            "                         also measure how much of the variance is noise)\n"
            "      --sampling M       lhs (Latin hypercube, default) or srs (simple random)\n"
            "      --wtp MAX[:STEP]   willingness-to-pay range of the CEAC and EVPI curve,\n"
            "                         currency per QALY (default %d:%d)\n"
            "      --evppi KEYS       a parameter group for EVPPI: comma-separated keys\n"
            "                         (repeatable); every parameter alone and each top-level\n"
            "                         group of keys (costs, policy...) are always done\n"
            "      --seed S           master seed: sampling and replications\n"
            "  -s, --set KEY=VALUE    override a scenario key in every scenario (repeatable)\n"
            "  -o, --output FILE      results file (default: results/psa_<base name>.h5)\n"
            "  -j, --jobs N           threads, 1 to %d; the results are the same whatever N\n"
            "  -q, --quiet            no progress line\n"
            "\n"
            "Exit status: 0 done; 2 bad command line or invalid scenario; 1 a run or the\n"
            "writing of the results failed (a file already at the target is left as it was);\n"
            "130/143 interrupted (nothing written: a PSA needs every draw).\n",
            PSA_MAX_DRAWS, PSA_WTP_MAX_DEFAULT, PSA_WTP_STEP_DEFAULT, CLI_MAX_THREADS);
}

/* ---- Options ------------------------------------------------------------------------------ */

struct psa_opts {
    long draws;                 /* -n */
    enum sim_sampling sampling; /* --sampling */
    double wtp_max, wtp_step;   /* --wtp */
    const char *evppi[PSA_MAX_GROUPS]; /* --evppi lists, as given */
    size_t n_evppi;
    char **rest;                /* argv without psa's own options, for cli_run_opts_parse */
    int n_rest;
    char reps_set[64];          /* "run.replications=1" unless -r is given */
};

/* Parses a positive number (or NaN on a malformed one). */
static double parse_number(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    return end == s || *end || !isfinite(v) ? NAN : v;
}

/* Whether a is option name (alone or "name=value"); *v gets the value. */
static int take_option(int argc, char **argv, int *i, const char *short_name, const char *name,
                       const char **v, int *missing)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    *missing = 0;
    if (strncmp(a, name, n) == 0 && a[n] == '=') {
        *v = a + n + 1;
        return 1;
    }
    if (strcmp(a, name) != 0 && !(short_name && strcmp(a, short_name) == 0))
        return 0;
    if (*i + 1 >= argc) {
        *missing = 1;
        return 1;
    }
    *v = argv[++*i];
    return 1;
}

/* Takes psa's own options out of argv into o; the rest go to o->rest. Returns
 * CLI_EXIT_OK, -1 after --help, or CLI_EXIT_USAGE after printing the problem. */
static int psa_opts_parse(struct psa_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->draws = -1;
    o->sampling = SIM_SAMPLING_LHS;
    o->wtp_max = PSA_WTP_MAX_DEFAULT;
    o->wtp_step = PSA_WTP_STEP_DEFAULT;
    if (!(o->rest = calloc((size_t)argc + 2, sizeof *o->rest))) {
        fprintf(stderr, "caresim psa: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    o->rest[o->n_rest++] = argv[0];
    int reps_given = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL, *a = argv[i];
        int missing;
        if (take_option(argc, argv, &i, "-n", "--draws", &v, &missing)) {
            char *end;
            long n = missing ? 0 : strtol(v, &end, 10);
            if (missing || *end || end == v || n < 1 || n > PSA_MAX_DRAWS) {
                fprintf(stderr, "caresim psa: %s: expected a number of draws from 1 to %ld "
                                "(got '%s')\n", a, PSA_MAX_DRAWS, missing ? "" : v);
                return CLI_EXIT_USAGE;
            }
            o->draws = n;
        } else if (take_option(argc, argv, &i, NULL, "--sampling", &v, &missing)) {
            if (!missing && strcmp(v, "lhs") == 0)
                o->sampling = SIM_SAMPLING_LHS;
            else if (!missing && strcmp(v, "srs") == 0)
                o->sampling = SIM_SAMPLING_SRS;
            else {
                fprintf(stderr, "caresim psa: --sampling: expected lhs or srs (got '%s')\n",
                        missing ? "" : v);
                return CLI_EXIT_USAGE;
            }
        } else if (take_option(argc, argv, &i, NULL, "--wtp", &v, &missing)) {
            char buf[128];
            snprintf(buf, sizeof buf, "%s", missing ? "" : v);
            char *colon = strchr(buf, ':');
            if (colon)
                *colon = '\0';
            double max = parse_number(buf);
            double step = colon ? parse_number(colon + 1) : fmin(max / 100, PSA_WTP_STEP_DEFAULT);
            if (!(max > 0) || !(step > 0) || max / step + 1 > PSA_MAX_WTP_POINTS) {
                fprintf(stderr, "caresim psa: --wtp: expected MAX[:STEP] with MAX > 0 and "
                                "0 < STEP, at most %d points (got '%s')\n",
                        PSA_MAX_WTP_POINTS, missing ? "" : v);
                return CLI_EXIT_USAGE;
            }
            o->wtp_max = max;
            o->wtp_step = step;
        } else if (take_option(argc, argv, &i, NULL, "--evppi", &v, &missing)) {
            if (missing || !*v || o->n_evppi == PSA_MAX_GROUPS / 2) {
                fprintf(stderr, "caresim psa: --evppi: expected KEY[,KEY...]%s\n",
                        missing || !*v ? "" : " (too many groups)");
                return CLI_EXIT_USAGE;
            }
            o->evppi[o->n_evppi++] = v;
        } else if (strcmp(a, "--persons") == 0 || strncmp(a, "--trace", 7) == 0) {
            fprintf(stderr, "caresim psa: %s is an option of run and compare, not psa\n", a);
            return CLI_EXIT_USAGE;
        } else {
            if (strcmp(a, "-r") == 0 || strncmp(a, "--replications", 14) == 0)
                reps_given = 1;
            o->rest[o->n_rest++] = argv[i];
        }
    }
    if (o->draws < 0) {
        int help = 0;
        for (int i = 1; i < o->n_rest; i++)
            help |= strcmp(o->rest[i], "-h") == 0 || strcmp(o->rest[i], "--help") == 0;
        if (!help) {
            fprintf(stderr, "caresim psa: missing -n DRAWS (the number of parameter draws)\n");
            return CLI_EXIT_USAGE;
        }
    }
    if (!reps_given) { /* one replication per draw unless asked */
        snprintf(o->reps_set, sizeof o->reps_set, "run.replications=1");
        o->rest[o->n_rest++] = "--set";
        o->rest[o->n_rest++] = o->reps_set;
    }
    return CLI_EXIT_OK;
}

/* ---- The analysis's state ------------------------------------------------------------------- */

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

static const char *key_path(const struct psa *p, size_t i)
{
    return sim_cfg_schema(p->sc[0].cfg)->keys[p->keys[i]].path;
}

/* Whether drawing key path changes the disease tables (calibration): the keys they read. */
static int changes_tables(const char *path)
{
    return strncmp(path, "disease.", 8) == 0 || strncmp(path, "mortality.", 10) == 0 ||
           strncmp(path, "population.", 11) == 0;
}

/* The union of the scenarios' distribution keys (schema order), and which has which. */
static int find_parameters(struct psa *p)
{
    const struct sim_cfg_schema *schema = sim_cfg_schema(p->sc[0].cfg);
    size_t nk = schema->nkeys;
    p->keys = calloc(nk, sizeof *p->keys);
    p->has = calloc(p->S * nk, 1);
    p->rebuild = calloc(p->S, sizeof *p->rebuild);
    if (!p->keys || !p->has || !p->rebuild)
        return SIM_ENOMEM;
    for (size_t k = 0; k < nk; k++) {
        int any = 0;
        for (size_t j = 0; j < p->S; j++)
            any |= sim_cfg_get_dist(p->sc[j].cfg, k) != NULL;
        if (any)
            p->keys[p->P++] = k;
    }
    for (size_t j = 0; j < p->S; j++)
        for (size_t i = 0; i < p->P; i++)
            if ((p->has[j * p->P + i] = sim_cfg_get_dist(p->sc[j].cfg, p->keys[i]) != NULL) &&
                changes_tables(key_path(p, i)))
                p->rebuild[j] = 1;
    return 0;
}

/* Adds an EVPPI group unless an identical one is there. */
static void add_group(struct psa *p, const char *name, const size_t *cols, size_t n)
{
    if (n == 0 || n > 64 || p->n_groups == PSA_MAX_GROUPS)
        return;
    for (size_t g = 0; g < p->n_groups; g++)
        if (p->groups[g].n == n && memcmp(p->groups[g].cols, cols, n * sizeof *cols) == 0)
            return;
    struct psa_group *g = &p->groups[p->n_groups++];
    snprintf(g->name, sizeof g->name, "%s", name);
    g->n = n;
    memcpy(g->cols, cols, n * sizeof *cols);
}

/* The EVPPI groups: each --evppi list, each parameter alone, each top-level key group with
 * more than one sampled key. */
static int make_groups(struct psa *p, const struct psa_opts *o)
{
    size_t cols[64];
    for (size_t e = 0; e < o->n_evppi; e++) {
        char list[1024];
        snprintf(list, sizeof list, "%s", o->evppi[e]);
        size_t n = 0;
        for (char *save, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            size_t i = 0;
            while (i < p->P && strcmp(key_path(p, i), tok) != 0)
                i++;
            if (i == p->P) {
                fprintf(stderr, "caresim psa: --evppi: %s is not a distribution-valued key of "
                                "the scenarios (`caresim validate` lists the keys; the sampled "
                                "ones have { dist = ... } values)\n", tok);
                return CLI_EXIT_USAGE;
            }
            if (n == 64) {
                fprintf(stderr, "caresim psa: --evppi: at most 64 keys in a group\n");
                return CLI_EXIT_USAGE;
            }
            cols[n++] = i;
        }
        add_group(p, o->evppi[e], cols, n);
    }
    for (size_t i = 0; i < p->P; i++)
        add_group(p, key_path(p, i), &i, 1);
    for (size_t i = 0; i < p->P; i++) {
        const char *path = key_path(p, i), *dot = strchr(path, '.');
        size_t len = dot ? (size_t)(dot - path) : strlen(path), n = 0;
        for (size_t q = 0; q < p->P && n < 64; q++)
            if (strncmp(key_path(p, q), path, len) == 0 && key_path(p, q)[len] == '.')
                cols[n++] = q;
        char name[PARAMS_NAME_MAX + 8];
        snprintf(name, sizeof name, "%.*s.*", (int)len, path);
        if (n > 1)
            add_group(p, name, cols, n);
    }
    return CLI_EXIT_OK;
}

static void psa_fini(struct psa *p)
{
    free(p->keys);
    free(p->has);
    free(p->rebuild);
    free(p->u);
    free(p->theta);
    for (size_t j = 0; p->rows && j < p->S; j++)
        free(p->rows[j]);
    free(p->rows);
    free(p->cost);
    free(p->qaly);
    free(p->wtp);
}

/* ---- Running the draws ---------------------------------------------------------------------- */

/* Scenario j's parameters at draw d: its own, with every key it gives a distribution set to
 * the distribution's quantile at the draw's design probability. */
static int draw_params(const struct psa *p, size_t d, size_t j, struct model_params *par,
                       struct sim_err *e)
{
    *par = p->sc[j].par;
    const struct sim_cfg *cfg = p->sc[j].cfg;
    for (size_t i = 0; i < p->P; i++) {
        if (!p->has[j * p->P + i])
            continue;
        double v = sim_cfg_quantile(cfg, p->keys[i], p->u[d * p->P + i]);
        int rc = sim_cfg_params_set_float(sim_cfg_schema(cfg), p->keys[i], par, v, e);
        if (rc)
            return rc;
    }
    return 0;
}

/* Batch work: unit = draw * S + scenario; the blob is R outcome rows. */
static int draw_work(void *ctx, size_t unit, struct cli_blob *out, int *in_setup,
                     struct sim_err *e)
{
    const struct psa *p = ctx;
    size_t d = unit / p->S, j = unit % p->S;
    const struct cli_scenario *s = &p->sc[j];
    struct model_params par;
    int rc = draw_params(p, d, j, &par, e);
    struct dis_tables *own = NULL;
    if (!rc && p->rebuild[j] && !(own = dis_tables_create(&par, e)))
        rc = e->code ? e->code : SIM_ENOMEM;
    if (rc) {
        *in_setup = 1;
        return rc;
    }
    double *rows = malloc(p->R * OUTC_COUNT * sizeof *rows);
    if (!rows)
        rc = sim_err_set(e, SIM_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < p->R; i++) {
        struct model *m = cli_scenario_model(s, &par, own ? own : s->tables,
                                             (uint32_t)(d * p->R + i), e);
        if (!m) {
            *in_setup = 1;
            rc = e->code ? e->code : SIM_ENOMEM;
            break;
        }
        rc = model_run(m, e);
        rc = rc ? rc : outc_collect(m, rows + i * OUTC_COUNT, e);
        model_destroy(m);
    }
    dis_tables_destroy(own);
    if (rc) {
        free(rows);
        return rc;
    }
    out->data = rows;
    out->n = p->R * OUTC_COUNT;
    return 0;
}

static int draw_consume(void *ctx, size_t unit, const double *data, size_t n,
                        struct sim_err *e)
{
    struct psa *p = ctx;
    size_t d = unit / p->S, j = unit % p->S;
    (void)e;
    memcpy(p->rows[j] + d * p->R * OUTC_COUNT, data, n * sizeof *data);
    return 0;
}

/* ---- Analysis ------------------------------------------------------------------------------ */

/* Per-person discounted costs and QALYs of every draw and scenario (means over the draw's
 * replications), per person of run.population. */
static void per_person(struct psa *p)
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

static void results_fini(struct psa_results *r)
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

#define NOISE_ROWS(p) (3 * (p)->S - 1)

/* The noise rows: cost and QALYs per person of each scenario, then the incremental net
 * benefit of each alternative vs the reference at wtp_ref. */
static int noise_split(const struct psa *p, struct psa_results *r, struct sim_err *e)
{
    double *x = malloc(p->D * p->R * sizeof *x);
    if (!x)
        return sim_err_set(e, SIM_ENOMEM, "out of memory");
    int rc = 0;
    for (size_t row = 0; !rc && row < NOISE_ROWS(p); row++) {
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

static int analyse(struct psa *p, struct psa_results *r, struct sim_err *e)
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
    r->noise = calloc(NOISE_ROWS(p) * 3, sizeof *r->noise);
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

static void print_results(FILE *out, const struct psa *p, const struct psa_results *r,
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
        for (size_t row = 0; row < NOISE_ROWS(p); row++) {
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
        double mean = 0, m2 = 0;
        for (size_t d = 0; d < p->D; d++) {
            double x = p->theta[d * p->P + i], delta = x - mean;
            mean += delta / (double)(d + 1);
            m2 += delta * (x - mean);
        }
        double *s = stats + i * 8;
        s[0] = sim_dist_mean(dist);
        s[1] = dist->kind == SIM_DIST_UNIFORM || dist->kind == SIM_DIST_TRIANGULAR ? NAN : dist->sd;
        s[2] = dist->kind == SIM_DIST_UNIFORM || dist->kind == SIM_DIST_TRIANGULAR ? dist->min : NAN;
        s[3] = dist->kind == SIM_DIST_TRIANGULAR ? dist->mode : NAN;
        s[4] = dist->kind == SIM_DIST_UNIFORM || dist->kind == SIM_DIST_TRIANGULAR ? dist->max : NAN;
        s[5] = mean;
        s[6] = p->D > 1 ? sqrt(m2 / (double)(p->D - 1)) : NAN;
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
                                       key_path(p, p->groups[g].cols[i]));
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
        size_t n = NOISE_ROWS(p);
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

static int write_psa(struct out_writer *w, const struct psa *p, const struct psa_results *r,
                     const struct outc_info info[OUTC_COUNT], const char *currency,
                     const struct psa_opts *o, struct sim_err *e)
{
    size_t S = p->S;
    struct names nm = {.size = 64 * 1024 + (S + p->n_groups) * 4096};
    if (!(nm.buf = malloc(nm.size)))
        return sim_err_set(e, SIM_ENOMEM, "out of memory");
    int rc = write_scenarios(w, p, info, e);
    const struct out_attr attrs[] = {
        {"draws", NULL, (double)p->D},
        {"replications_per_draw", NULL, (double)p->R},
        {"sampling", sim_sampling_name(o->sampling), 0},
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

/* ---- The command ------------------------------------------------------------------------- */

/* Loads the scenarios: the first as given, the others on its seed and replications
 * (cli_scenario_load_paired, as compare does), names distinct. */
static int load_all(struct psa *p, const struct cli_run_opts *a)
{
    int rc = cli_scenario_load(&p->sc[0], "psa", a->paths[0], a->sets, a->nsets);
    if (rc != CLI_EXIT_OK)
        return rc;
    for (size_t j = 1; rc == CLI_EXIT_OK && j < p->S; j++) {
        rc = cli_scenario_load_paired(&p->sc[j], &p->sc[0], "psa", a->paths[j], a->sets,
                                      a->nsets);
        for (size_t i = 0; rc == CLI_EXIT_OK && i < j; i++)
            if (strcmp(p->sc[i].par.name, p->sc[j].par.name) == 0) {
                fprintf(stderr, "caresim psa: %s and %s both name their scenario '%s'; "
                                "scenario names must differ (set `name` in one of them)\n",
                        p->sc[i].path, p->sc[j].path, p->sc[j].par.name);
                rc = CLI_EXIT_USAGE;
            }
    }
    for (size_t j = 0; rc == CLI_EXIT_OK && j < p->S; j++)
        rc = cli_scenario_prepare(&p->sc[j], "psa");
    return rc;
}

/* Reports a failed batch; returns the exit status. */
static int report_failure(const struct psa *p, const struct cli_batch_status *st)
{
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    size_t d = st->failed / p->S, j = st->failed % p->S;
    fprintf(stderr, "caresim psa: draw %zu of %s: %s\n", d, p->sc[j].path,
            sim_err_format(&st->err, buf, sizeof buf));
    if (st->failed_in_setup && p->P > 0) {
        fprintf(stderr, "caresim psa: the draw's sampled values:");
        for (size_t i = 0; i < p->P; i++)
            fprintf(stderr, " %s=%.6g", key_path(p, i), p->theta[d * p->P + i]);
        fprintf(stderr, "\n");
    }
    return CLI_EXIT_FAIL;
}

int cli_psa(int argc, char **argv)
{
    struct psa_opts o;
    struct cli_run_opts a;
    struct psa p = {0};
    struct psa_results res = {0};
    struct out_writer *writer = NULL;
    char *cmdline = NULL, *target = NULL;
    struct sim_err e;
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    sim_err_clear(&e);
    memset(&a, 0, sizeof a);

    int rc = psa_opts_parse(&o, argc, argv);
    if (rc == CLI_EXIT_OK)
        rc = cli_run_opts_parse(&a, "psa", o.n_rest, o.rest, psa_usage);
    if (rc == CLI_EXIT_OK && a.npaths == 0) {
        fprintf(stderr, "caresim psa: missing scenario files (BASE.cfg [ALT.cfg ...])\n");
        rc = CLI_EXIT_USAGE;
    } else if (rc == CLI_EXIT_OK && (a.persons || a.trace)) {
        fprintf(stderr, "caresim psa: --persons and --trace are options of run and compare\n");
        rc = CLI_EXIT_USAGE;
    }
    if (rc != CLI_EXIT_OK) {
        if (rc == CLI_EXIT_USAGE)
            fprintf(stderr, "(caresim psa --help shows the options)\n");
        cli_run_opts_fini(&a);
        free(o.rest);
        return rc < 0 ? CLI_EXIT_OK : rc;
    }

    struct outc_info info[OUTC_COUNT];
    p.S = a.npaths;
    p.D = (size_t)o.draws;
    p.sc = calloc(p.S, sizeof *p.sc);
    if (!p.sc) {
        fprintf(stderr, "caresim psa: out of memory\n");
        rc = CLI_EXIT_FAIL;
        goto out;
    }
    if ((rc = load_all(&p, &a)) != CLI_EXIT_OK ||
        (rc = cli_outcome_info("psa", info)) != CLI_EXIT_OK)
        goto out;
    rc = CLI_EXIT_FAIL;
    p.R = (size_t)p.sc[0].reps;
    p.wtp_ref = p.sc[0].par.economics.wtp_per_qaly;
    if (find_parameters(&p) != 0) {
        fprintf(stderr, "caresim psa: out of memory\n");
        goto out;
    }
    if (p.P == 0) {
        fprintf(stderr, "caresim psa: no key of %s%s has a distribution: give the uncertain "
                        "inputs distributions ({ dist = \"gamma\"; mean = ...; sd = ...; }, "
                        "see scenarios/base.cfg)\n",
                p.sc[0].path, p.S > 1 ? " or the other scenarios" : "");
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if ((rc = make_groups(&p, &o)) != CLI_EXIT_OK)
        goto out;
    rc = CLI_EXIT_FAIL;
    p.W = (size_t)floor(o.wtp_max / o.wtp_step + 1e-9) + 1;
    p.u = malloc(p.D * p.P * sizeof *p.u);
    p.theta = malloc(p.D * p.P * sizeof *p.theta);
    p.rows = calloc(p.S, sizeof *p.rows);
    p.cost = malloc(p.D * p.S * sizeof *p.cost);
    p.qaly = malloc(p.D * p.S * sizeof *p.qaly);
    p.wtp = malloc(p.W * sizeof *p.wtp);
    for (size_t j = 0; p.rows && j < p.S; j++)
        p.rows[j] = malloc(p.D * p.R * OUTC_COUNT * sizeof *p.rows[j]);
    if (!p.u || !p.theta || !p.rows || !p.cost || !p.qaly || !p.wtp ||
        !p.rows[p.S - 1]) {
        fprintf(stderr, "caresim psa: out of memory\n");
        goto out;
    }
    for (size_t w = 0; w < p.W; w++)
        p.wtp[w] = (double)w * o.wtp_step;
    if (sim_sample_unit_cube(o.sampling, (uint64_t)p.sc[0].par.run.seed, p.D, p.P, p.u, &e)) {
        fprintf(stderr, "caresim psa: %s\n", sim_err_format(&e, buf, sizeof buf));
        goto out;
    }
    for (size_t i = 0; i < p.P; i++) {
        size_t j = 0;
        while (!p.has[j * p.P + i])
            j++;
        for (size_t d = 0; d < p.D; d++)
            p.theta[d * p.P + i] = sim_cfg_quantile(p.sc[j].cfg, p.keys[i], p.u[d * p.P + i]);
    }

    if (!(cmdline = cli_command_line(argc, argv))) {
        fprintf(stderr, "caresim psa: out of memory\n");
        goto out;
    }
    char stem[sizeof "psa_" + PARAMS_NAME_MAX];
    snprintf(stem, sizeof stem, "psa_%s", p.sc[0].par.name);
    if ((rc = cli_results_target("psa", a.output, stem, &target)) != CLI_EXIT_OK)
        goto out;
    rc = CLI_EXIT_FAIL;
    size_t units = p.D * p.S;
    int threads = cli_threads_used(a.threads, units > (size_t)CLI_MAX_THREADS
                                                  ? CLI_MAX_THREADS : (int)units);
    if (!(writer = cli_results_create("psa", target, cmdline, p.sc[0].par.run.seed, threads)))
        goto out;

    const char *currency = "currency";
    const struct sim_cfg_schema *schema = sim_cfg_schema(p.sc[0].cfg);
    for (size_t k = 0; k < schema->nkeys; k++)
        if (strcmp(schema->keys[k].path, "economics.currency") == 0)
            currency = sim_cfg_get_string(p.sc[0].cfg, k);
    printf("caresim psa: reference %s (%s)\n", p.sc[0].par.name, p.sc[0].path);
    for (size_t j = 1; j < p.S; j++)
        printf("             alternative %s (%s)\n", p.sc[j].par.name, p.sc[j].path);
    printf("%zu draws (%s) of %zu parameter%s x %zu replication%s per draw, population %lld, "
           "seed %lld, %d thread%s\n",
           p.D, o.sampling == SIM_SAMPLING_LHS ? "Latin hypercube" : "simple random", p.P,
           p.P == 1 ? "" : "s", p.R, p.R == 1 ? "" : "s", (long long)p.sc[0].par.run.population,
           (long long)p.sc[0].par.run.seed, threads, threads == 1 ? "" : "s");
    fflush(stdout);

    struct cli_batch b = {
        .units = units,
        .work = draw_work,
        .consume = draw_consume,
        .ctx = &p,
        .threads = threads,
        .show = !a.quiet && isatty(fileno(stderr)),
        .label = NULL,
        .what = "draws x scenarios",
    };
    struct cli_batch_status st;
    double t0 = cli_now_seconds();
    cli_interrupt_install();
    int brc = cli_batch_run(&b, &st);
    cli_interrupt_restore();
    if (brc != 0) {
        if (st.failed < units) {
            rc = report_failure(&p, &st);
        } else {
            fprintf(stderr, "caresim psa: interrupted (%s) after %zu of %zu draws: nothing "
                            "written (the analysis needs every draw)\n",
                    cli_interrupted == SIGTERM ? "SIGTERM" : "SIGINT", st.consumed / p.S, p.D);
            rc = 128 + (int)cli_interrupted;
        }
        goto out;
    }
    if (cli_rank() != 0) { /* MPI worker: rank 0 analyses and writes */
        rc = CLI_EXIT_OK;
        goto out;
    }
    printf("ran in %.1f s\n", cli_now_seconds() - t0);
    per_person(&p);
    if (analyse(&p, &res, &e) != 0) {
        fprintf(stderr, "caresim psa: analysis: %s\n", sim_err_format(&e, buf, sizeof buf));
        goto out;
    }
    print_results(stdout, &p, &res, currency);
    fflush(stdout);
    if (write_psa(writer, &p, &res, info, currency, &o, &e) != 0 ||
        out_writer_commit(writer, &e) != 0) {
        fprintf(stderr, "caresim psa: %s\n", sim_err_format(&e, buf, sizeof buf));
        goto out;
    }
    printf("\nwrote %s\n", target);
    rc = CLI_EXIT_OK;
out:
    out_writer_destroy(writer);
    free(target);
    free(cmdline);
    results_fini(&res);
    for (size_t j = 0; p.sc && j < p.S; j++)
        cli_scenario_fini(&p.sc[j]);
    free(p.sc);
    psa_fini(&p);
    cli_run_opts_fini(&a);
    free(o.rest);
    return rc;
}
