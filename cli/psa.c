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
 * This file: options, the sampled parameters and EVPPI groups, running the draws and the
 * command; cli/psa_analysis.c analyses and prints, cli/psa_write.c writes (cli/psa.h).
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
#include "cli/psa.h"
#include "cli/runner.h"
#include "models/cea.h"
#include "models/disease.h"
#include "models/model.h"
#include "output/results.h"
#include "sim/config.h"
#include "sim/err.h"
#include "sim/sampling.h"

#define PSA_MAX_DRAWS 1000000L     /* most draws -n accepts */
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

/* ---- Sampled parameters and EVPPI groups --------------------------------------------------- */


const char *psa_key_path(const struct psa *p, size_t i)
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
                changes_tables(psa_key_path(p, i)))
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
            while (i < p->P && strcmp(psa_key_path(p, i), tok) != 0)
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
        add_group(p, psa_key_path(p, i), &i, 1);
    for (size_t i = 0; i < p->P; i++) {
        const char *path = psa_key_path(p, i), *dot = strchr(path, '.');
        size_t len = dot ? (size_t)(dot - path) : strlen(path), n = 0;
        for (size_t q = 0; q < p->P && n < 64; q++)
            if (strncmp(psa_key_path(p, q), path, len) == 0 && psa_key_path(p, q)[len] == '.')
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
            fprintf(stderr, " %s=%.6g", psa_key_path(p, i), p->theta[d * p->P + i]);
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
    int rows_ok = p.rows != NULL;
    for (size_t j = 0; rows_ok && j < p.S; j++)
        rows_ok = (p.rows[j] = malloc(p.D * p.R * OUTC_COUNT * sizeof *p.rows[j])) != NULL;
    if (!p.u || !p.theta || !rows_ok || !p.cost || !p.qaly || !p.wtp) {
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

    const char *currency = cli_scenario_currency(&p.sc[0]);
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
    psa_per_person(&p);
    if (psa_analyse(&p, &res, &e) != 0) {
        fprintf(stderr, "caresim psa: analysis: %s\n", sim_err_format(&e, buf, sizeof buf));
        goto out;
    }
    psa_print(stdout, &p, &res, currency);
    fflush(stdout);
    if (psa_write(writer, &p, &res, info, currency, o.sampling, &e) != 0 ||
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
    psa_results_fini(&res);
    for (size_t j = 0; p.sc && j < p.S; j++)
        cli_scenario_fini(&p.sc[j]);
    free(p.sc);
    psa_fini(&p);
    cli_run_opts_fini(&a);
    free(o.rest);
    return rc;
}
