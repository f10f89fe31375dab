/* cli/sweep.c — `caresim sweep SCENARIO.cfg --vary KEY=LO:HI:STEP [--vary ...] [-r REPS]
 * [--seed S] [--set key=value ...] [-o FILE] [-j THREADS] [--quiet]` (a grid: every
 * combination of the varied keys' values) and `caresim sweep SCENARIO.cfg --oneway [--vary
 * KEY=LO:HI ...]` (one-way sensitivity analysis: each key at its low and its high value with
 * the others at the scenario's, the tornado diagram; without --vary every distribution-valued
 * key between its 2.5% and 97.5% quantiles).
 *
 * Every point is the scenario loaded with its values as extra --set assignments, so each
 * value is validated like a --set, and every point is loaded and prepared (disease tables)
 * before anything runs. Common random numbers: every point runs replications 0 .. R-1 with
 * the scenario's seed, so points differ only by the varied values; points x replications
 * run as one batch (cli/batch.h, unit = point * R + replication, its blob the outcome row),
 * so the file is bit for bit the same for any -j. The base point of --oneway is exactly
 * what `caresim run` gives with the same seed and replications.
 *
 * Reads the scenario file; writes the results file through output/ (creating results/ when
 * it is the default place; docs/results.md, "/sweep"), stdout (header, tables, the text
 * tornado, path of the file) and stderr (problems, and a progress line when stderr is a
 * terminal).
 */
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/batch.h"
#include "cli/cli.h"
#include "cli/runner.h"
#include "models/disease.h"
#include "models/model.h"
#include "models/outcomes.h"
#include "models/params.h"
#include "models/reform.h"
#include "output/results.h"
#include "sim/config.h"
#include "sim/err.h"
#include "sim/stats.h"

#define SWEEP_MAX_POINTS 10000 /* most points a sweep runs: more is surely a typing error */
#define SWEEP_LEVEL 0.95       /* confidence level of the half-widths */
#define SWEEP_Q_LOW 0.025      /* --oneway without --vary: a distribution's low quantile ... */
#define SWEEP_Q_HIGH 0.975     /* ... and its high one (the central 95%) */
#define SWEEP_SHOWN_POINTS 100 /* most rows of the terminal table of points */
#define SWEEP_SHOWN_SWINGS 10  /* rows of each text tornado */
#define SWEEP_BAR 41           /* characters of a text tornado's bar (odd: the base mid-way) */
#define SWEEP_CHUNK 64         /* points prepared at a time (bounds the tables held at once) */
#define SWEEP_CELL 80          /* bytes of a cell of the terminal tables */
#define SWEEP_ASSIGN_MAX 192   /* bytes of one "key.path=value" assignment */

/* The main outcomes: the columns of the terminal table and the rows of the tornado. */
static const int sweep_main[] = {
    OUTC_COST_TOTAL_DISC, OUTC_QALYS_DISC,    OUTC_EMERGENCY_ADMISSIONS,
    OUTC_GP_VISITS,       OUTC_BED_OCCUPANCY, OUTC_MEAN_WAIT_GP,
};
#define N_MAIN (sizeof sweep_main / sizeof *sweep_main)

/* The outcomes of the text tornado (the first two main outcomes). */
#define N_TEXT_TORNADO 2

enum sweep_mode { SWEEP_GRID, SWEEP_ONEWAY };

static const char *const mode_name[] = {[SWEEP_GRID] = "grid", [SWEEP_ONEWAY] = "oneway"};

/* One varied key. */
struct sweep_key {
    const char *arg;  /* the --vary argument as given; NULL for a distribution's range */
    size_t k;         /* index in the schema */
    const char *path; /* dotted path (the schema's string) */
    const char *unit; /* its unit (the schema's) */
    const char *desc; /* its description (the schema's) */
    int is_int;       /* an integer key: whole values only */
    double lo, hi;    /* lowest and highest value, in the key's unit */
    double step;      /* grid: the step; 0 for --oneway */
    size_t n;         /* grid: number of values; --oneway: 2 */
    double *values;   /* grid: the n values lo, lo + step, ... (malloc'ed); NULL for --oneway */
};

/* One point: its parameters and the disease tables built from them. */
struct sweep_point {
    struct model_params par;         /* the scenario with the point's values */
    const struct dis_tables *tables; /* one of struct sweep's distinct tables */
};

/* A row of the tornado: one varied key and one main outcome. */
struct tornado_row {
    int outcome;              /* enum outc_column */
    size_t key;               /* index of the varied key */
    double lo, hi;            /* the key's low and high value */
    double at_lo, at_hi;      /* mean of the outcome over replications at each */
    double at_base;           /* ... at the base point */
    double swing;             /* |at_hi - at_lo|; NaN when either is */
};

struct sweep {
    enum sweep_mode mode;
    int ranges_given;              /* --oneway: ranges from --vary (1) or from the quantiles */
    struct cli_scenario base;      /* the scenario as given (with --set): its config text,
                                    * seed, replications and reform */
    struct sweep_key *keys;        /* the varied keys, in command-line (or table) order */
    size_t nkeys;
    struct sweep_point *pts;       /* npts points */
    size_t npts;
    double *values;                /* npts x nkeys: every key's value at every point, as
                                    * the loaded scenario holds it */
    struct dis_tables **tables;    /* the distinct disease tables (owned) */
    uint64_t *hashes;              /* their hashes */
    size_t ntables;
    int reps;                      /* replications of every point */
    double *rows;                  /* npts x reps x OUTC_COUNT outcome values, unit order */
    size_t done;                   /* points complete (all of them unless interrupted) */
    double *mean, *half;           /* done x OUTC_COUNT: mean over replications and the
                                    * 95% t half-width (NaN values left out) */
    struct tornado_row *tornado;   /* --oneway: N_MAIN x complete keys, sorted */
    size_t ntornado;
};

static void sweep_usage(FILE *out)
{
    fprintf(out,
            "usage: caresim sweep SCENARIO.cfg --vary KEY=LO:HI:STEP [--vary ...] [-r REPS]\n"
            "                     [--seed S] [--set key.path=value ...] [-o FILE.h5]\n"
            "                     [-j THREADS] [--quiet]\n"
            "       caresim sweep SCENARIO.cfg --oneway [--vary KEY=LO:HI ...] [options]\n"
            "Runs the scenario at many values of some of its keys, every point on the same\n"
            "replications with the same seed (common random numbers), and writes the means\n"
            "and 95%% confidence half-widths of every outcome per point to the results file\n"
            "(HDF5, /sweep, docs/results.md).\n"
            "\n"
            "Grid (the default): the points are every combination of the keys' values LO,\n"
            "LO+STEP, ... up to HI (inclusive, within rounding); at most %d points.\n"
            "One-way (--oneway): point 0 is the scenario as it is, then for each key its LO\n"
            "and then its HI value with the other keys at the scenario's values; prints a\n"
            "text tornado of the largest swings in cost and QALYs. Without --vary, every key\n"
            "that holds a distribution is varied between its 2.5%% and 97.5%% quantiles.\n"
            "\n"
            "      --vary KEY=LO:HI:STEP  a numeric key's values (grid; repeatable)\n"
            "      --vary KEY=LO:HI       a key's low and high value (--oneway; repeatable)\n"
            "      --oneway               one-way sensitivity analysis (tornado)\n"
            "  -r, --replications N   replications of every point (run.replications=N)\n"
            "      --seed S           master seed of every point (run.seed=S)\n"
            "  -s, --set KEY=VALUE    override a scenario key at every point (repeatable)\n"
            "  -o, --output FILE      results file (default: results/sweep_<name>.h5)\n"
            "  -j, --jobs N           run on N threads, 1 to %d (default 1); the results are\n"
            "                         the same whatever N\n"
            "  -q, --quiet            no progress line\n"
            "\n"
            "Exit status: 0 done; 2 bad command line, bad --vary or an invalid point (every\n"
            "point is checked before anything runs); 1 a run or the writing of the results\n"
            "failed (a file already at the target is then left as it was).\n",
            SWEEP_MAX_POINTS, CLI_MAX_THREADS);
}

/* ---- Numbers ------------------------------------------------------------------------------- */

/* A value as --set text that reads back as exactly v: whole numbers without decimals, others
 * with the fewest significant digits that give v back. */
static void fmt_value(double v, char *buf, size_t size)
{
    if (fabs(v) < 1e15 && v == floor(v)) {
        snprintf(buf, size, "%.0f", v + 0.0); /* + 0.0: no "-0" */
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, size, "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* v to 15 significant digits: removes the rounding noise of lo + i * step (0.1 + 2 * 0.1 is
 * 0.30000000000000004; this gives 0.3). */
static double round15(double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.15g", v);
    return strtod(buf, NULL);
}

/* Parses the number in s[0..len) into *v: all of it, finite. Returns 0 or -1. */
static int parse_number(const char *s, size_t len, double *v)
{
    char buf[128];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    *v = strtod(buf, &end);
    return *end == '\0' && isfinite(*v) ? 0 : -1;
}

/* ---- --vary --------------------------------------------------------------------------------- */

static const char *type_name(enum sim_cfg_type t)
{
    switch (t) {
    case SIM_CFG_STRING:
        return "string";
    case SIM_CFG_CHOICE:
        return "choice";
    case SIM_CFG_BOOL:
        return "boolean";
    case SIM_CFG_FLOAT_ARRAY:
        return "float array";
    default:
        return "numeric";
    }
}

/* Fills key from schema key k (path, unit, type) after checking that it may be varied.
 * Returns 0 or -1 after printing why not (what: how the key was named). */
static int key_from_schema(struct sweep_key *key, const struct sim_cfg_schema *schema, size_t k,
                           const char *what)
{
    const struct sim_cfg_key *sk = &schema->keys[k];
    if (sk->type != SIM_CFG_FLOAT && sk->type != SIM_CFG_INT) {
        fprintf(stderr, "caresim sweep: %s: %s is a %s key; only numeric keys (integer or "
                        "float) can be varied\n",
                what, sk->path, type_name(sk->type));
        return -1;
    }
    if (strcmp(sk->path, "run.seed") == 0 || strcmp(sk->path, "run.replications") == 0) {
        fprintf(stderr, "caresim sweep: %s: %s cannot be varied: every point runs the same "
                        "replications with the same seed (common random numbers); use %s\n",
                what, sk->path, strcmp(sk->path, "run.seed") == 0 ? "--seed" : "-r");
        return -1;
    }
    key->k = k;
    key->path = sk->path;
    key->unit = sk->unit ? sk->unit : "";
    key->desc = sk->desc ? sk->desc : "";
    key->is_int = sk->type == SIM_CFG_INT;
    return 0;
}

/* Parses one --vary argument: KEY=LO:HI:STEP for a grid, KEY=LO:HI for --oneway. Returns 0
 * or -1 after printing the problem. */
static int parse_vary(struct sweep_key *key, enum sweep_mode mode, const char *arg)
{
    const char *form = mode == SWEEP_GRID ? "KEY=LO:HI:STEP" : "KEY=LO:HI";
    const char *eq = strchr(arg, '=');
    memset(key, 0, sizeof *key);
    key->arg = arg;
    if (!eq || eq == arg) {
        fprintf(stderr, "caresim sweep: --vary '%s': expected %s\n", arg, form);
        return -1;
    }
    char path[128];
    if ((size_t)(eq - arg) >= sizeof path) {
        fprintf(stderr, "caresim sweep: --vary '%s': unknown key (too long)\n", arg);
        return -1;
    }
    memcpy(path, arg, (size_t)(eq - arg));
    path[eq - arg] = '\0';
    const struct sim_cfg_schema *schema = params_schema();
    int k = sim_cfg_schema_find(schema, path);
    char what[160];
    snprintf(what, sizeof what, "--vary '%.120s'", arg);
    if (k < 0) {
        fprintf(stderr, "caresim sweep: %s: unknown key '%s' (`caresim params` lists the "
                        "keys)\n",
                what, path);
        return -1;
    }
    if (key_from_schema(key, schema, (size_t)k, what) != 0)
        return -1;

    /* The numbers: two or three, separated by ':'. */
    double v[3];
    size_t n = 0;
    const char *names[] = {"LO", "HI", "STEP"};
    for (const char *p = eq + 1;; n++) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        if (n >= 3 || (mode == SWEEP_ONEWAY && n >= 2)) {
            fprintf(stderr, "caresim sweep: %s: expected %s%s\n", what, form,
                    mode == SWEEP_ONEWAY ? " (--oneway takes a low and a high value, no step)"
                                         : "");
            return -1;
        }
        if (parse_number(p, len, &v[n]) != 0) {
            fprintf(stderr, "caresim sweep: %s: %s '%.*s' is not a number (expected %s)\n", what,
                    names[n], (int)(len < 64 ? len : 64), p, form);
            return -1;
        }
        if (!colon)
            break;
        p = colon + 1;
    }
    n++;
    if (n != (mode == SWEEP_GRID ? 3u : 2u)) {
        fprintf(stderr, "caresim sweep: %s: expected %s%s\n", what, form,
                mode == SWEEP_GRID ? " (a grid needs a step; --oneway takes KEY=LO:HI)" : "");
        return -1;
    }
    key->lo = v[0];
    key->hi = v[1];
    key->step = mode == SWEEP_GRID ? v[2] : 0;
    if (key->lo > key->hi) {
        fprintf(stderr, "caresim sweep: %s: LO (%g) is greater than HI (%g)\n", what, key->lo,
                key->hi);
        return -1;
    }
    if (mode == SWEEP_GRID && !(key->step > 0)) {
        fprintf(stderr, "caresim sweep: %s: STEP must be > 0 (got %g)\n", what, key->step);
        return -1;
    }
    if (key->is_int) {
        for (size_t i = 0; i < n; i++)
            if (v[i] != floor(v[i]) || fabs(v[i]) > 9007199254740992.0) {
                fprintf(stderr, "caresim sweep: %s: %s is an integer key: %s must be whole "
                                "numbers\n",
                        what, key->path, mode == SWEEP_GRID ? "LO, HI and STEP" : "LO and HI");
                return -1;
            }
    }
    if (mode == SWEEP_ONEWAY) {
        key->n = 2;
        return 0;
    }
    /* LO, LO + STEP, ... up to HI within rounding. */
    double count = floor((key->hi - key->lo) / key->step + 1e-9) + 1;
    if (!(count <= SWEEP_MAX_POINTS)) {
        fprintf(stderr, "caresim sweep: %s: %.0f values; a sweep runs at most %d points\n", what,
                count, SWEEP_MAX_POINTS);
        return -1;
    }
    key->n = (size_t)count;
    key->values = malloc(key->n * sizeof *key->values);
    if (!key->values) {
        fprintf(stderr, "caresim sweep: out of memory\n");
        return -1;
    }
    for (size_t i = 0; i < key->n; i++) {
        double x = key->lo + (double)i * key->step;
        if (i == 0)
            x = key->lo;
        else if (i == key->n - 1 && fabs(x - key->hi) <= 1e-6 * key->step)
            x = key->hi;
        else if (!key->is_int)
            x = round15(x);
        key->values[i] = x;
    }
    return 0;
}

/* Whether two keys name the same scenario key. Returns 0 or -1 after printing it. */
static int check_duplicates(const struct sweep *sw)
{
    for (size_t j = 1; j < sw->nkeys; j++)
        for (size_t i = 0; i < j; i++)
            if (sw->keys[i].k == sw->keys[j].k) {
                fprintf(stderr, "caresim sweep: --vary: %s is varied twice ('%s' and '%s')\n",
                        sw->keys[i].path, sw->keys[i].arg, sw->keys[j].arg);
                return -1;
            }
    return 0;
}

/* The number of grid points, or 0 after printing that there are too many. */
static size_t grid_points(const struct sweep *sw)
{
    double n = 1;
    for (size_t j = 0; j < sw->nkeys; j++)
        n *= (double)sw->keys[j].n;
    if (n <= SWEEP_MAX_POINTS)
        return (size_t)n;
    fprintf(stderr, "caresim sweep: the grid has %.0f points (", n);
    for (size_t j = 0; j < sw->nkeys; j++)
        fprintf(stderr, "%s%zu", j ? " x " : "", sw->keys[j].n);
    fprintf(stderr, " values); a sweep runs at most %d: use fewer values or a larger STEP\n",
            SWEEP_MAX_POINTS);
    return 0;
}

/* --oneway without --vary: every key of the scenario that holds a distribution, between
 * its 2.5% and 97.5% quantiles. Returns 0 or -1 after printing the problem. */
static int distribution_keys(struct sweep *sw)
{
    const struct sim_cfg *cfg = sw->base.cfg;
    size_t n = sim_cfg_dist_keys(cfg, NULL, 0);
    if (n == 0) {
        fprintf(stderr, "caresim sweep: --oneway: %s has no key holding a distribution to vary; "
                        "name the keys and their ranges with --vary KEY=LO:HI\n",
                sw->base.path);
        return -1;
    }
    size_t *idx = calloc(n, sizeof *idx);
    sw->keys = calloc(n, sizeof *sw->keys);
    if (!idx || !sw->keys) {
        free(idx);
        fprintf(stderr, "caresim sweep: out of memory\n");
        return -1;
    }
    sim_cfg_dist_keys(cfg, idx, n);
    for (size_t i = 0; i < n; i++) {
        struct sweep_key *key = &sw->keys[sw->nkeys];
        if (key_from_schema(key, sim_cfg_schema(cfg), idx[i], "--oneway") != 0) {
            free(idx);
            return -1;
        }
        key->lo = sim_cfg_quantile(cfg, idx[i], SWEEP_Q_LOW);
        key->hi = sim_cfg_quantile(cfg, idx[i], SWEEP_Q_HIGH);
        key->n = 2;
        sw->nkeys++;
    }
    free(idx);
    return 0;
}

/* ---- The points ---------------------------------------------------------------------------- */

/* The value of key j at point p. For --oneway, *set (when given) says whether the point sets
 * the key (the others keep the scenario's value, and the return value is then NaN). */
static double point_value(const struct sweep *sw, size_t p, size_t j, int *set)
{
    if (sw->mode == SWEEP_GRID) {
        /* The first key varies slowest: point = ((i0 * n1) + i1) * n2 + i2 ... */
        size_t idx = p;
        for (size_t i = sw->nkeys; i-- > j + 1;)
            idx /= sw->keys[i].n;
        if (set)
            *set = 1;
        return sw->keys[j].values[idx % sw->keys[j].n];
    }
    int is = p > 0 && (p - 1) / 2 == j;
    if (set)
        *set = is;
    return !is ? NAN : (p - 1) % 2 == 0 ? sw->keys[j].lo : sw->keys[j].hi;
}

/* Which key point p of --oneway varies (-1 for the base) and on which side (0 low, 1 high,
 * -1 the base). */
static int oneway_varied(size_t p) { return p == 0 ? -1 : (int)((p - 1) / 2); }
static int oneway_side(size_t p) { return p == 0 ? -1 : (int)((p - 1) % 2); }

/* "key=value, key=value" of the keys point p sets, into buf ("the scenario as it is" for
 * none). */
static void point_label(const struct sweep *sw, size_t p, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t j = 0; j < sw->nkeys && len < size; j++) {
        int set;
        double v = point_value(sw, p, j, &set);
        if (!set)
            continue;
        char num[64];
        fmt_value(v, num, sizeof num);
        int w = snprintf(buf + len, size - len, "%s%s=%s", len ? ", " : "", sw->keys[j].path,
                         num);
        len += w > 0 ? (size_t)w : 0;
    }
    if (!buf[0])
        snprintf(buf, size, "the scenario as it is");
}

/* The value of key j in a loaded scenario (a distribution's mean). */
static double scenario_value(const struct sim_cfg *cfg, const struct sweep_key *key)
{
    return key->is_int ? (double)sim_cfg_get_int(cfg, key->k) : sim_cfg_get_float(cfg, key->k);
}

/* Loads every point: the scenario with the --set assignments, then the point's values as
 * further ones (so they win, and are validated like any --set). Stops at the first invalid
 * point. Returns an exit status. */
static int load_points(struct sweep *sw, const struct cli_run_opts *a)
{
    size_t room = a->nsets + sw->nkeys;
    const char **sets = calloc(room ? room : 1, sizeof *sets);
    char(*assign)[SWEEP_ASSIGN_MAX] = calloc(sw->nkeys, sizeof *assign);
    sw->pts = calloc(sw->npts, sizeof *sw->pts);
    sw->values = calloc(sw->npts * sw->nkeys, sizeof *sw->values);
    if (!sets || !assign || !sw->pts || !sw->values) {
        free(sets);
        free(assign);
        fprintf(stderr, "caresim sweep: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    memcpy(sets, a->sets, a->nsets * sizeof *sets);
    int rc = CLI_EXIT_OK;
    for (size_t p = 0; p < sw->npts && rc == CLI_EXIT_OK; p++) {
        size_t n = a->nsets;
        for (size_t j = 0; j < sw->nkeys; j++) {
            int set;
            double v = point_value(sw, p, j, &set);
            if (!set)
                continue;
            char num[64];
            fmt_value(v, num, sizeof num);
            snprintf(assign[j], sizeof assign[j], "%s=%s", sw->keys[j].path, num);
            sets[n++] = assign[j];
        }
        struct cli_scenario s;
        rc = cli_scenario_load(&s, "sweep", sw->base.path, sets, n);
        if (rc == CLI_EXIT_OK) {
            sw->pts[p].par = s.par;
            for (size_t j = 0; j < sw->nkeys; j++)
                sw->values[p * sw->nkeys + j] = scenario_value(s.cfg, &sw->keys[j]);
        } else if (rc == CLI_EXIT_USAGE) {
            char label[1024];
            point_label(sw, p, label, sizeof label);
            fprintf(stderr, "caresim sweep: point %zu (%s) is invalid\n", p, label);
        }
        cli_scenario_fini(&s);
    }
    free(sets);
    free(assign);
    return rc;
}

/* FNV-1a over the bytes of a set of tables (dis_tables_init zeroes them first, padding
 * included, so equal tables hash and compare equal). */
static uint64_t tables_hash(const struct dis_tables *t)
{
    const unsigned char *b = (const unsigned char *)t;
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < sizeof *t; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

/* Builds every point's disease tables, SWEEP_CHUNK points at a time on `threads` threads.
 * Points whose tables come out the same (a sweep of costs, say) share one set, so memory
 * holds one per distinct set. An invalid combination of parameters (the tables' own checks)
 * is reported for the point of lowest index: exit 2. Returns an exit status. */
static int prepare_points(struct sweep *sw, int threads)
{
    sw->tables = calloc(sw->npts, sizeof *sw->tables);
    sw->hashes = calloc(sw->npts, sizeof *sw->hashes);
    if (!sw->tables || !sw->hashes) {
        fprintf(stderr, "caresim sweep: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    struct dis_tables *made[SWEEP_CHUNK];
    struct sim_err errs[SWEEP_CHUNK];
    int rc = CLI_EXIT_OK;
    for (size_t start = 0; start < sw->npts && rc == CLI_EXIT_OK; start += SWEEP_CHUNK) {
        long m = (long)(sw->npts - start < SWEEP_CHUNK ? sw->npts - start : SWEEP_CHUNK);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
        for (long i = 0; i < m; i++) {
            sim_err_clear(&errs[i]);
            made[i] = dis_tables_create(&sw->pts[start + (size_t)i].par, &errs[i]);
        }
        for (long i = 0; i < m; i++) {
            size_t p = start + (size_t)i;
            if (!made[i]) {
                if (rc == CLI_EXIT_OK) {
                    char label[1024], buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
                    point_label(sw, p, label, sizeof label);
                    fprintf(stderr, "caresim sweep: %s: point %zu (%s): %s\n", sw->base.path, p,
                            label, sim_err_format(&errs[i], buf, sizeof buf));
                    rc = errs[i].code == SIM_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
                }
                continue;
            }
            if (rc != CLI_EXIT_OK) {
                dis_tables_destroy(made[i]);
                continue;
            }
            uint64_t h = tables_hash(made[i]);
            size_t t = 0;
            while (t < sw->ntables &&
                   !(sw->hashes[t] == h && memcmp(sw->tables[t], made[i], sizeof *made[i]) == 0))
                t++;
            if (t < sw->ntables) {
                dis_tables_destroy(made[i]);
            } else {
                sw->tables[t] = made[i];
                sw->hashes[t] = h;
                sw->ntables++;
            }
            sw->pts[p].tables = sw->tables[t];
        }
    }
    return rc;
}

/* ---- Running --------------------------------------------------------------------------------- */

/* Batch work (cli/batch.h): replication unit % R of point unit / R; the blob is its outcome
 * row. */
static int sweep_work(void *ctx, size_t unit, struct cli_blob *out, int *in_setup,
                      struct sim_err *err)
{
    const struct sweep *sw = ctx;
    const struct sweep_point *pt = &sw->pts[unit / (size_t)sw->reps];
    uint32_t rep = (uint32_t)(unit % (size_t)sw->reps);
    struct model *m = cli_scenario_model(&sw->base, &pt->par, pt->tables, rep, err);
    if (!m) {
        *in_setup = 1;
        return err->code ? err->code : SIM_ENOMEM;
    }
    double *row = malloc(OUTC_COUNT * sizeof *row);
    int rc = row ? model_run(m, err) : sim_err_set(err, SIM_ENOMEM, "out of memory");
    rc = rc ? rc : outc_collect(m, row, err);
    model_destroy(m);
    if (rc) {
        free(row);
        return rc;
    }
    out->data = row;
    out->n = OUTC_COUNT;
    return 0;
}

/* Batch consumer: the outcome row of unit `unit` into its place. */
static int sweep_consume(void *ctx, size_t unit, const double *data, size_t n,
                         struct sim_err *err)
{
    struct sweep *sw = ctx;
    if (n != OUTC_COUNT)
        return sim_err_set(err, SIM_ESTATE, "run %zu: %zu outcomes where %d were expected", unit,
                           n, OUTC_COUNT);
    memcpy(sw->rows + unit * OUTC_COUNT, data, OUTC_COUNT * sizeof *data);
    return 0;
}

/* Runs every point's replications. Returns an exit status; interrupted, sw->done is the
 * number of points complete and the status OK. */
static int run_points(struct sweep *sw, int threads, int show)
{
    size_t units = sw->npts * (size_t)sw->reps;
    sw->rows = malloc((units ? units : 1) * OUTC_COUNT * sizeof *sw->rows);
    if (!sw->rows) {
        fprintf(stderr, "caresim sweep: out of memory for %zu rows of outcomes\n", units);
        return CLI_EXIT_FAIL;
    }
    struct cli_batch b = {
        .units = units,
        .work = sweep_work,
        .consume = sweep_consume,
        .ctx = sw,
        .threads = threads,
        .show = show,
        .label = NULL,
        .what = "runs",
    };
    struct cli_batch_status st;
    cli_interrupt_install();
    int failed = cli_batch_run(&b, &st) != 0;
    cli_interrupt_restore();
    if (!failed) {
        sw->done = sw->npts;
        return CLI_EXIT_OK;
    }
    if (st.failed < units) {
        char label[1024], buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
        size_t p = st.failed / (size_t)sw->reps;
        point_label(sw, p, label, sizeof label);
        fprintf(stderr, "caresim sweep: %s: point %zu (%s), replication %zu: %s\n",
                sw->base.path, p, label, st.failed % (size_t)sw->reps,
                sim_err_format(&st.err, buf, sizeof buf));
        /* The model refuses a combination of parameters when it is created: the point is
         * invalid, like one the loader refuses. */
        return st.failed_in_setup && st.err.code == SIM_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    sw->done = st.consumed / (size_t)sw->reps;
    return CLI_EXIT_OK;
}

/* ---- Summaries ----------------------------------------------------------------------------- */

/* Mean and 95% half-width over replications of every outcome of every complete point. */
static int summarise(struct sweep *sw)
{
    size_t n = sw->done ? sw->done : 1;
    sw->mean = malloc(n * OUTC_COUNT * sizeof *sw->mean);
    sw->half = malloc(n * OUTC_COUNT * sizeof *sw->half);
    if (!sw->mean || !sw->half)
        return -1;
    for (size_t p = 0; p < sw->done; p++)
        for (int c = 0; c < OUTC_COUNT; c++) {
            struct sim_welford w;
            sim_welford_init(&w);
            for (int r = 0; r < sw->reps; r++) {
                double x = sw->rows[(p * (size_t)sw->reps + (size_t)r) * OUTC_COUNT + (size_t)c];
                if (!isnan(x))
                    sim_welford_add(&w, x);
            }
            sw->mean[p * OUTC_COUNT + (size_t)c] = sim_welford_mean(&w);
            sw->half[p * OUTC_COUNT + (size_t)c] = sim_welford_ci_halfwidth(&w, SWEEP_LEVEL);
        }
    return 0;
}

/* Order of the tornado within one outcome: largest swing first, NaN last, then key order. */
static int tornado_cmp(const void *a, const void *b)
{
    const struct tornado_row *x = a, *y = b;
    if (x->outcome != y->outcome)
        return (x->outcome > y->outcome) - (x->outcome < y->outcome);
    int xn = isnan(x->swing), yn = isnan(y->swing);
    if (xn != yn)
        return xn - yn;
    if (!xn && x->swing != y->swing)
        return x->swing < y->swing ? 1 : -1;
    return (x->key > y->key) - (x->key < y->key);
}

/* --oneway: the tornado rows of every main outcome and every key whose low and high points
 * are complete, grouped by outcome (in sweep_main order) and sorted by swing. */
static int build_tornado(struct sweep *sw)
{
    size_t complete = 0;
    while (complete < sw->nkeys && 2 + 2 * complete < sw->done)
        complete++;
    sw->tornado = calloc(N_MAIN * (complete ? complete : 1), sizeof *sw->tornado);
    if (!sw->tornado)
        return -1;
    for (size_t o = 0; o < N_MAIN; o++) {
        struct tornado_row *rows = sw->tornado + sw->ntornado;
        int c = sweep_main[o];
        for (size_t j = 0; j < complete; j++) {
            struct tornado_row *t = &rows[j];
            t->outcome = (int)o; /* sorted on the position in sweep_main, then set to c */
            t->key = j;
            t->lo = sw->values[(1 + 2 * j) * sw->nkeys + j];
            t->hi = sw->values[(2 + 2 * j) * sw->nkeys + j];
            t->at_lo = sw->mean[(1 + 2 * j) * OUTC_COUNT + (size_t)c];
            t->at_hi = sw->mean[(2 + 2 * j) * OUTC_COUNT + (size_t)c];
            t->at_base = sw->mean[(size_t)c];
            t->swing = fabs(t->at_hi - t->at_lo);
        }
        qsort(rows, complete, sizeof *rows, tornado_cmp);
        for (size_t j = 0; j < complete; j++)
            rows[j].outcome = c;
        sw->ntornado += complete;
    }
    return 0;
}

/* ---- The terminal ------------------------------------------------------------------------ */

/* Prints a table of cells (rows x cols, row 0 the header), column c aligned as align[c]
 * says ('l' left, 'r' right), two blanks between columns. */
static void print_cells(FILE *out, char (*cells)[SWEEP_CELL], size_t rows, size_t cols,
                        const char *align)
{
    int *w = calloc(cols, sizeof *w);
    if (!w)
        return;
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++) {
            int len = (int)strlen(cells[r * cols + c]);
            w[c] = len > w[c] ? len : w[c];
        }
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c < cols; c++) {
            const char *s = cells[r * cols + c];
            if (align[c] == 'l')
                fprintf(out, "%s%-*s", c ? "  " : "", c + 1 < cols ? w[c] : 0, s);
            else
                fprintf(out, "%s%*s", c ? "  " : "", w[c], s);
        }
        fputc('\n', out);
    }
    free(w);
}

/* The table of points: point, the keys' values, the main outcomes' means. */
static void print_points(FILE *out, const struct sweep *sw, const struct outc_info *info)
{
    size_t shown = sw->done < SWEEP_SHOWN_POINTS ? sw->done : SWEEP_SHOWN_POINTS;
    int oneway = sw->mode == SWEEP_ONEWAY;
    size_t nk = oneway ? 3 : sw->nkeys, cols = 1 + nk + N_MAIN, rows = shown + 1;
    char(*cells)[SWEEP_CELL] = calloc(rows * cols, sizeof *cells);
    if (!cells)
        return;
#define CELL(r, c) cells[(r) * cols + (c)]
    snprintf(CELL(0, 0), SWEEP_CELL, "point");
    if (oneway) {
        snprintf(CELL(0, 1), SWEEP_CELL, "varied");
        snprintf(CELL(0, 2), SWEEP_CELL, "side");
        snprintf(CELL(0, 3), SWEEP_CELL, "value");
    } else {
        for (size_t j = 0; j < sw->nkeys; j++)
            snprintf(CELL(0, 1 + j), SWEEP_CELL, "%s", sw->keys[j].path);
    }
    for (size_t o = 0; o < N_MAIN; o++)
        snprintf(CELL(0, 1 + nk + o), SWEEP_CELL, "%s", info[sweep_main[o]].name);
    for (size_t p = 0; p < shown; p++) {
        snprintf(CELL(p + 1, 0), SWEEP_CELL, "%zu", p);
        if (oneway) {
            int j = oneway_varied(p), side = oneway_side(p);
            snprintf(CELL(p + 1, 1), SWEEP_CELL, "%s", j < 0 ? "(base)" : sw->keys[j].path);
            snprintf(CELL(p + 1, 2), SWEEP_CELL, "%s", side < 0 ? "" : side ? "high" : "low");
            if (j >= 0)
                cli_fmt_num(sw->values[p * sw->nkeys + (size_t)j], CELL(p + 1, 3), SWEEP_CELL);
        } else {
            for (size_t j = 0; j < sw->nkeys; j++)
                cli_fmt_num(sw->values[p * sw->nkeys + j], CELL(p + 1, 1 + j), SWEEP_CELL);
        }
        for (size_t o = 0; o < N_MAIN; o++)
            cli_fmt_num(sw->mean[p * OUTC_COUNT + (size_t)sweep_main[o]], CELL(p + 1, 1 + nk + o),
                        SWEEP_CELL);
    }
#undef CELL
    fprintf(out, "mean over %d replication%s per point (95%% half-widths and every outcome in "
                 "/sweep/outcomes and /sweep/ci_halfwidth):\n",
            sw->reps, sw->reps == 1 ? "" : "s");
    char *align = calloc(cols + 1, 1);
    for (size_t c = 0; align && c < cols; c++)
        align[c] = oneway && (c == 1 || c == 2) ? 'l' : 'r';
    if (align)
        print_cells(out, cells, rows, cols, align);
    free(align);
    if (shown < sw->done)
        fprintf(out, "... and %zu more points (all of them in the results file)\n",
                sw->done - shown);
    free(cells);
}

/* A text bar for the tornado: SWEEP_BAR characters with the base at the middle ('|'), '-'
 * between the outcome at the low value ('L') and at the high value ('H'), scaled so that
 * `scale` (the largest distance from the base) reaches the ends. */
static void text_bar(char *bar, const struct tornado_row *t, double scale)
{
    const int mid = SWEEP_BAR / 2;
    memset(bar, ' ', SWEEP_BAR);
    bar[SWEEP_BAR] = '\0';
    if (!(scale > 0) || isnan(t->at_lo) || isnan(t->at_hi) || isnan(t->at_base)) {
        bar[mid] = '|';
        return;
    }
    int lo = mid + (int)lround((t->at_lo - t->at_base) / scale * mid);
    int hi = mid + (int)lround((t->at_hi - t->at_base) / scale * mid);
    lo = lo < 0 ? 0 : lo > SWEEP_BAR - 1 ? SWEEP_BAR - 1 : lo;
    hi = hi < 0 ? 0 : hi > SWEEP_BAR - 1 ? SWEEP_BAR - 1 : hi;
    for (int i = lo < hi ? lo : hi; i <= (lo < hi ? hi : lo); i++)
        bar[i] = '-';
    bar[mid] = '|';
    bar[lo] = 'L';
    bar[hi] = lo == hi ? '*' : 'H';
}

/* The text tornado of the first N_TEXT_TORNADO main outcomes: the largest swings. */
static void print_tornado(FILE *out, const struct sweep *sw, const struct outc_info *info)
{
    size_t per = sw->ntornado / N_MAIN;
    if (per == 0)
        return;
    for (size_t o = 0; o < N_TEXT_TORNADO; o++) {
        const struct tornado_row *rows = sw->tornado + o * per;
        const struct outc_info *oi = &info[rows[0].outcome];
        size_t shown = per < SWEEP_SHOWN_SWINGS ? per : SWEEP_SHOWN_SWINGS;
        double scale = 0;
        for (size_t i = 0; i < shown; i++) {
            double a = fabs(rows[i].at_lo - rows[i].at_base);
            double b = fabs(rows[i].at_hi - rows[i].at_base);
            scale = a > scale ? a : scale;
            scale = b > scale ? b : scale;
        }
        char base[32];
        cli_fmt_num(rows[0].at_base, base, sizeof base);
        fprintf(out, "\ntornado of %s (%s; base %s): the %zu largest swing%s of %zu\n", oi->name,
                oi->unit, base, shown, shown == 1 ? "" : "s", per);
        size_t cols = 6, nrows = shown + 1;
        char(*cells)[SWEEP_CELL] = calloc(nrows * cols, sizeof *cells);
        if (!cells)
            return;
        const char *head[] = {"key", "low .. high", "at low", "at high", "swing",
                              "L at low, H at high, | base"};
        for (size_t c = 0; c < cols; c++)
            snprintf(cells[c], SWEEP_CELL, "%s", head[c]);
        for (size_t i = 0; i < shown; i++) {
            const struct tornado_row *t = &rows[i];
            char (*row)[SWEEP_CELL] = cells + (i + 1) * cols, lo[32], hi[32];
            snprintf(row[0], SWEEP_CELL, "%s", sw->keys[t->key].path);
            cli_fmt_num(t->lo, lo, sizeof lo);
            cli_fmt_num(t->hi, hi, sizeof hi);
            snprintf(row[1], SWEEP_CELL, "%s .. %s", lo, hi);
            cli_fmt_num(t->at_lo, row[2], SWEEP_CELL);
            cli_fmt_num(t->at_hi, row[3], SWEEP_CELL);
            cli_fmt_num(t->swing, row[4], SWEEP_CELL);
            text_bar(row[5], t, scale);
        }
        print_cells(out, cells, nrows, cols, "lrrrrl");
        free(cells);
    }
}

/* ---- The results file -------------------------------------------------------------------- */

static int write_sweep(struct out_writer *w, const struct sweep *sw,
                       const struct outc_info info[OUTC_COUNT], struct sim_err *e)
{
    int oneway = sw->mode == SWEEP_ONEWAY;
    const char *ranges = sw->mode == SWEEP_GRID ? "grid"
                         : sw->ranges_given    ? "given"
                                               : "quantiles_0.025_0.975";
    const struct out_attr attrs[] = {
        {"mode", mode_name[sw->mode], 0},
        {"scenario", sw->base.par.name, 0},
        {"replications", NULL, sw->reps},
        {"points", NULL, (double)sw->done},
        {"confidence_level", NULL, SWEEP_LEVEL},
        {"ranges", ranges, 0},
    };
    int rc = out_writer_add_scenario(w, sw->base.par.name, sw->base.config_text, e);
    rc = rc ? rc : out_writer_add_group(w, "/sweep", attrs, sizeof attrs / sizeof *attrs, e);
    const char **names = calloc(sw->nkeys, sizeof *names);
    size_t pcols = 1 + sw->nkeys + (oneway ? 2 : 0), rcols = 2 + OUTC_COUNT,
           ocols = 1 + OUTC_COUNT;
    size_t nrows = sw->done * (size_t)sw->reps;
    struct out_column *cols = calloc(pcols > rcols ? pcols : rcols, sizeof *cols);
    double *v = malloc(((nrows > sw->done ? nrows : sw->done) + 1) *
                       (pcols > rcols ? pcols : rcols) * sizeof *v);
    if (!rc && (!names || !cols || !v))
        rc = sim_err_set(e, SIM_ENOMEM, "out of memory");
    for (size_t j = 0; !rc && j < sw->nkeys; j++)
        names[j] = sw->keys[j].path;
    rc = rc ? rc : out_writer_add_attr_strings(w, "/sweep", "keys", names, sw->nkeys, e);

    /* points */
    if (!rc) {
        cols[0] = (struct out_column){"point", "index", "the point: 0, 1, ..."};
        for (size_t j = 0; j < sw->nkeys; j++)
            cols[1 + j] = (struct out_column){sw->keys[j].path, sw->keys[j].unit,
                                              sw->keys[j].desc};
        if (oneway) {
            cols[1 + sw->nkeys] = (struct out_column){
                "varied", "index", "the key this point varies (its index in the attribute "
                                   "keys of /sweep); -1 for the base point"};
            cols[2 + sw->nkeys] = (struct out_column){
                "side", "code", "0 the key at its low value, 1 at its high value, -1 the base"};
        }
        for (size_t p = 0; p < sw->done; p++) {
            double *row = v + p * pcols;
            row[0] = (double)p;
            memcpy(row + 1, sw->values + p * sw->nkeys, sw->nkeys * sizeof *row);
            if (oneway) {
                row[1 + sw->nkeys] = oneway_varied(p);
                row[2 + sw->nkeys] = oneway_side(p);
            }
        }
        struct out_table t = {
            .name = "points",
            .desc = oneway ? "one row per point: the value of every varied key (the base "
                             "point's value where the point does not vary it), the key varied "
                             "and the side"
                           : "one row per point of the grid: the value of every varied key "
                             "(the first key varies slowest)",
            .n_cols = pcols,
            .cols = cols,
            .n_rows = sw->done,
            .values = v,
        };
        rc = out_writer_add_table(w, "/sweep", &t, e);
    }

    /* replications */
    if (!rc) {
        cols[0] = (struct out_column){"point", "index", "the point (a row of points)"};
        cols[1] = (struct out_column){"replication", "index",
                                      "the replication: the same seed and index at every point"};
        for (int c = 0; c < OUTC_COUNT; c++)
            cols[2 + c] = (struct out_column){info[c].name, info[c].unit, info[c].desc};
        for (size_t u = 0; u < nrows; u++) {
            double *row = v + u * rcols;
            row[0] = (double)(u / (size_t)sw->reps);
            row[1] = (double)(u % (size_t)sw->reps);
            memcpy(row + 2, sw->rows + u * OUTC_COUNT, OUTC_COUNT * sizeof *row);
        }
        struct out_table t = {
            .name = "replications",
            .desc = "one row per point and replication (points in order, then replications): "
                    "the outcomes of the run",
            .n_cols = rcols,
            .cols = cols,
            .n_rows = nrows,
            .values = v,
        };
        rc = out_writer_add_table(w, "/sweep", &t, e);
    }

    /* outcomes and ci_halfwidth */
    for (int k = 0; k < 2 && !rc; k++) {
        const double *src = k == 0 ? sw->mean : sw->half;
        cols[0] = (struct out_column){"point", "index", "the point (a row of points)"};
        for (int c = 0; c < OUTC_COUNT; c++)
            cols[1 + c] = (struct out_column){info[c].name, info[c].unit, info[c].desc};
        for (size_t p = 0; p < sw->done; p++) {
            v[p * ocols] = (double)p;
            memcpy(v + p * ocols + 1, src + p * OUTC_COUNT, OUTC_COUNT * sizeof *v);
        }
        struct out_table t = {
            .name = k == 0 ? "outcomes" : "ci_halfwidth",
            .desc = k == 0 ? "one row per point: the mean of every outcome over the "
                             "replications (NaN values left out)"
                           : "one row per point: the half-width of the 95% Student-t "
                             "confidence interval of each mean in outcomes (NaN with fewer "
                             "than 2 values)",
            .n_cols = ocols,
            .cols = cols,
            .n_rows = sw->done,
            .values = v,
        };
        rc = out_writer_add_table(w, "/sweep", &t, e);
    }

    /* tornado */
    if (!rc && oneway) {
        enum { T_KEY, T_LO, T_HI, T_AT_LO, T_AT_HI, T_AT_BASE, T_SWING, T_COUNT };
        static const struct out_column fields[T_COUNT] = {
            [T_KEY] = {"varied", "index", "the key varied: its index in the attribute keys"},
            [T_LO] = {"low_value", "see key", "the key's low value (unit of the key)"},
            [T_HI] = {"high_value", "see key", "the key's high value"},
            [T_AT_LO] = {"at_low", "see unit", "mean of the outcome at the low value"},
            [T_AT_HI] = {"at_high", "see unit", "mean of the outcome at the high value"},
            [T_AT_BASE] = {"at_base", "see unit", "mean of the outcome at the base point"},
            [T_SWING] = {"swing", "see unit", "|at_high - at_low|"},
        };
        const char **outc = calloc(sw->ntornado + 1, sizeof *outc);
        const char **units = calloc(sw->ntornado + 1, sizeof *units);
        double *tv = malloc((sw->ntornado + 1) * T_COUNT * sizeof *tv);
        if (!outc || !units || !tv)
            rc = sim_err_set(e, SIM_ENOMEM, "out of memory");
        for (size_t i = 0; !rc && i < sw->ntornado; i++) {
            const struct tornado_row *r = &sw->tornado[i];
            double *row = tv + i * T_COUNT;
            outc[i] = info[r->outcome].name;
            units[i] = info[r->outcome].unit;
            row[T_KEY] = (double)r->key;
            row[T_LO] = r->lo;
            row[T_HI] = r->hi;
            row[T_AT_LO] = r->at_lo;
            row[T_AT_HI] = r->at_hi;
            row[T_AT_BASE] = r->at_base;
            row[T_SWING] = r->swing;
        }
        struct out_outcome_table t = {
            .name = "tornado",
            .desc = "one row per main outcome and varied key: the outcome's mean at the key's "
                    "low and high value and at the base, and the swing; grouped by outcome, "
                    "largest swing first",
            .n_rows = sw->ntornado,
            .outcomes = outc,
            .units = units,
            .n_fields = T_COUNT,
            .fields = fields,
            .values = tv,
        };
        rc = rc ? rc : out_writer_add_outcome_table(w, "/sweep", &t, e);
        free(outc);
        free(units);
        free(tv);
    }
    free(names);
    free(cols);
    free(v);
    return rc;
}

/* ---- The command ------------------------------------------------------------------------- */

/* Options of run and compare that take their value as the next argument. */
static int takes_value(const char *a)
{
    static const char *const opts[] = {"-r", "--replications", "--seed", "-s", "--set",
                                       "-o", "--output",       "-j",     "--jobs"};
    for (size_t i = 0; i < sizeof opts / sizeof *opts; i++)
        if (strcmp(a, opts[i]) == 0)
            return 1;
    return 0;
}

/* " (varied)" when the sweep varies the key at path (the header shows the scenario's value
 * of the run's size), else "". */
static const char *varied_note(const struct sweep *sw, const char *path)
{
    for (size_t j = 0; j < sw->nkeys; j++)
        if (strcmp(sw->keys[j].path, path) == 0)
            return " (in the scenario; varied)";
    return "";
}

/* Takes sweep's own options (--vary, --oneway) out of argv: rest gets the others (argv[0]
 * first) for cli_run_opts_parse, varies the --vary values. Returns CLI_EXIT_OK, -1 after
 * --help, or CLI_EXIT_USAGE after printing the problem. */
static int split_args(int argc, char **argv, char **rest, int *nrest, const char **varies,
                      size_t *nvaries, int *oneway)
{
    *nrest = 0;
    *nvaries = 0;
    *oneway = 0;
    rest[(*nrest)++] = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            sweep_usage(stdout);
            return -1;
        } else if (strcmp(a, "--oneway") == 0) {
            *oneway = 1;
        } else if (strcmp(a, "--vary") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "caresim sweep: --vary needs a value (KEY=LO:HI:STEP)\n");
                return CLI_EXIT_USAGE;
            }
            varies[(*nvaries)++] = argv[++i];
        } else if (strncmp(a, "--vary=", 7) == 0) {
            varies[(*nvaries)++] = a + 7;
        } else {
            rest[(*nrest)++] = argv[i];
            if (takes_value(a) && i + 1 < argc)
                rest[(*nrest)++] = argv[++i];
        }
    }
    rest[*nrest] = NULL;
    return CLI_EXIT_OK;
}

static void sweep_fini(struct sweep *sw)
{
    for (size_t j = 0; sw->keys && j < sw->nkeys; j++)
        free(sw->keys[j].values);
    free(sw->keys);
    for (size_t t = 0; t < sw->ntables; t++)
        dis_tables_destroy(sw->tables[t]);
    free(sw->tables);
    free(sw->hashes);
    free(sw->pts);
    free(sw->values);
    free(sw->rows);
    free(sw->mean);
    free(sw->half);
    free(sw->tornado);
    cli_scenario_fini(&sw->base);
}

int cli_sweep(int argc, char **argv)
{
    struct cli_run_opts a;
    struct sweep sw = {0};
    struct out_writer *writer = NULL;
    char *cmdline = NULL, *target = NULL;
    struct sim_err e;
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    sim_err_clear(&e);
    memset(&a, 0, sizeof a);

    char **rest = calloc((size_t)(argc > 0 ? argc : 0) + 2, sizeof *rest);
    const char **varies = calloc((size_t)(argc > 0 ? argc : 0) + 1, sizeof *varies);
    size_t nvaries = 0;
    int nrest = 0, oneway = 0, rc;
    if (!rest || !varies) {
        fprintf(stderr, "caresim sweep: out of memory\n");
        rc = CLI_EXIT_FAIL;
        goto out;
    }
    rc = split_args(argc, argv, rest, &nrest, varies, &nvaries, &oneway);
    if (rc == CLI_EXIT_OK)
        rc = cli_run_opts_parse(&a, "sweep", nrest, rest, sweep_usage);
    if (rc == CLI_EXIT_OK && a.npaths == 0) {
        fprintf(stderr, "caresim sweep: missing scenario file\n");
        rc = CLI_EXIT_USAGE;
    } else if (rc == CLI_EXIT_OK && a.npaths > 1) {
        fprintf(stderr, "caresim sweep: one scenario file at a time (got '%s' and '%s')\n",
                a.paths[0], a.paths[1]);
        rc = CLI_EXIT_USAGE;
    } else if (rc == CLI_EXIT_OK && (a.persons || a.trace)) {
        fprintf(stderr, "caresim sweep: %s is not available in a sweep (use `caresim run` on "
                        "a point)\n",
                a.persons ? "--persons" : "--trace");
        rc = CLI_EXIT_USAGE;
    } else if (rc == CLI_EXIT_OK && !oneway && nvaries == 0) {
        fprintf(stderr, "caresim sweep: missing --vary KEY=LO:HI:STEP (or --oneway)\n");
        rc = CLI_EXIT_USAGE;
    }
    sw.mode = oneway ? SWEEP_ONEWAY : SWEEP_GRID;
    if (rc == CLI_EXIT_OK && nvaries > 0) {
        sw.ranges_given = 1;
        sw.keys = calloc(nvaries, sizeof *sw.keys);
        if (!sw.keys) {
            fprintf(stderr, "caresim sweep: out of memory\n");
            rc = CLI_EXIT_FAIL;
            goto out;
        }
        for (size_t i = 0; i < nvaries && rc == CLI_EXIT_OK; i++) {
            if (parse_vary(&sw.keys[i], sw.mode, varies[i]) != 0)
                rc = CLI_EXIT_USAGE;
            sw.nkeys = i + 1; /* so that fini frees its values */
        }
        if (rc == CLI_EXIT_OK && check_duplicates(&sw) != 0)
            rc = CLI_EXIT_USAGE;
        if (rc == CLI_EXIT_OK && sw.mode == SWEEP_GRID && (sw.npts = grid_points(&sw)) == 0)
            rc = CLI_EXIT_USAGE;
    }
    if (rc != CLI_EXIT_OK) {
        if (rc == CLI_EXIT_USAGE)
            fprintf(stderr, "(caresim sweep --help shows the options)\n");
        rc = rc < 0 ? CLI_EXIT_OK : rc;
        goto out;
    }

    /* The scenario as given, then every point, checked before anything runs. */
    struct outc_info info[OUTC_COUNT];
    if ((rc = cli_scenario_load(&sw.base, "sweep", a.paths[0], a.sets, a.nsets)) != CLI_EXIT_OK ||
        (rc = cli_outcome_info("sweep", info)) != CLI_EXIT_OK)
        goto out;
    if (sw.mode == SWEEP_ONEWAY) {
        if (nvaries == 0 && distribution_keys(&sw) != 0) {
            rc = CLI_EXIT_USAGE;
            goto out;
        }
        sw.npts = 1 + 2 * sw.nkeys;
        if (sw.npts > SWEEP_MAX_POINTS) {
            fprintf(stderr, "caresim sweep: --oneway over %zu keys makes %zu points; a sweep "
                            "runs at most %d\n",
                    sw.nkeys, sw.npts, SWEEP_MAX_POINTS);
            rc = CLI_EXIT_USAGE;
            goto out;
        }
    }
    sw.reps = sw.base.reps;
    double t0 = cli_now_seconds();
    int prep_threads = cli_threads_used(a.threads, (int)sw.npts);
    if ((rc = load_points(&sw, &a)) != CLI_EXIT_OK ||
        (rc = prepare_points(&sw, prep_threads)) != CLI_EXIT_OK)
        goto out;
    double prepared = cli_now_seconds() - t0;

    size_t units = sw.npts * (size_t)sw.reps;
    int threads = cli_threads_used(a.threads, units > 1000000 ? 1000000 : (int)units);
    int root = cli_rank() == 0; /* MPI: only rank 0 prints and writes */
    rc = CLI_EXIT_FAIL;
    if (root) {
        if (!(cmdline = cli_command_line(argc, argv))) {
            fprintf(stderr, "caresim sweep: out of memory\n");
            goto out;
        }
        char stem[sizeof "sweep_" + PARAMS_NAME_MAX];
        snprintf(stem, sizeof stem, "sweep_%s", sw.base.par.name);
        if ((rc = cli_results_target("sweep", a.output, stem, &target)) != CLI_EXIT_OK)
            goto out;
        rc = CLI_EXIT_FAIL;
        /* Open the results file before running, so that a bad path fails at once. */
        if (!(writer = cli_results_create("sweep", target, cmdline, sw.base.par.run.seed,
                                          threads)))
            goto out;

        printf("caresim sweep: scenario %s (%s)\n", sw.base.par.name, sw.base.path);
        if (sw.mode == SWEEP_GRID) {
            printf("grid of %zu point%s over %zu key%s (", sw.npts, sw.npts == 1 ? "" : "s",
                   sw.nkeys, sw.nkeys == 1 ? "" : "s");
            for (size_t j = 0; j < sw.nkeys; j++)
                printf("%s%s: %zu", j ? ", " : "", sw.keys[j].path, sw.keys[j].n);
            printf(")\n");
        } else {
            printf("one-way: the base and %zu key%s at %s (%zu points)\n", sw.nkeys,
                   sw.nkeys == 1 ? "" : "s",
                   sw.ranges_given ? "their low and high values"
                                   : "the 2.5% and 97.5% quantiles of their distributions",
                   sw.npts);
        }
        printf("%d replication%s per point on common random numbers (seed %lld), population "
               "%lld%s, horizon %g year%s%s after a warm-up of %g year%s%s\n",
               sw.reps, sw.reps == 1 ? "" : "s", (long long)sw.base.par.run.seed,
               (long long)sw.base.par.run.population, varied_note(&sw, "run.population"),
               sw.base.par.run.horizon_years, sw.base.par.run.horizon_years == 1 ? "" : "s",
               varied_note(&sw, "run.horizon_years"), sw.base.par.run.warmup_years,
               sw.base.par.run.warmup_years == 1 ? "" : "s",
               varied_note(&sw, "run.warmup_years"));
        printf("prepared %zu point%s (%zu distinct disease table%s) in %.1f s\n", sw.npts,
               sw.npts == 1 ? "" : "s", sw.ntables, sw.ntables == 1 ? "" : "s", prepared);
        fflush(stdout);
    }

    double t1 = cli_now_seconds();
    int show = root && !a.quiet && isatty(fileno(stderr));
    if ((rc = run_points(&sw, threads, show)) != CLI_EXIT_OK)
        goto out;
    if (!root) { /* an MPI worker: rank 0 consumed, prints and writes; end as it does */
        rc = sw.done < sw.npts && cli_interrupted ? 128 + (int)cli_interrupted : CLI_EXIT_OK;
        goto out;
    }
    rc = CLI_EXIT_FAIL;
    int partial = sw.done < sw.npts;
    if (partial) {
        fprintf(stderr, "caresim sweep: interrupted (%s): keeping the %zu complete point%s of "
                        "%zu, marked partial\n",
                cli_interrupted == SIGTERM ? "SIGTERM" : "SIGINT", sw.done,
                sw.done == 1 ? "" : "s", sw.npts);
        if (sw.done == 0) {
            fprintf(stderr, "caresim sweep: no point was complete: nothing written\n");
            rc = 128 + (int)cli_interrupted;
            goto out;
        }
    }
    double seconds = cli_now_seconds() - t1;
    size_t ran = sw.done * (size_t)sw.reps;
    printf("ran %zu run%s (points x replications) in %.1f s on %d thread%s (%.3f s per run)\n\n",
           ran, ran == 1 ? "" : "s", seconds, threads, threads == 1 ? "" : "s",
           seconds / (double)(ran ? ran : 1));
    if (summarise(&sw) != 0 || (sw.mode == SWEEP_ONEWAY && build_tornado(&sw) != 0)) {
        fprintf(stderr, "caresim sweep: out of memory\n");
        goto out;
    }
    print_points(stdout, &sw, info);
    if (sw.mode == SWEEP_ONEWAY)
        print_tornado(stdout, &sw, info);
    fflush(stdout);

    if ((partial && out_writer_set_partial(writer, 1, &e) != 0) ||
        write_sweep(writer, &sw, info, &e) != 0 || out_writer_commit(writer, &e) != 0) {
        fprintf(stderr, "caresim sweep: %s\n", sim_err_format(&e, buf, sizeof buf));
        goto out;
    }
    printf("\nwrote %s%s\n", target, partial ? " (partial)" : "");
    rc = partial ? 128 + (int)cli_interrupted : CLI_EXIT_OK;
out:
    out_writer_destroy(writer); /* uncommitted: removes the temporary file */
    free(target);
    free(cmdline);
    sweep_fini(&sw);
    cli_run_opts_fini(&a);
    free(rest);
    free(varies);
    return rc;
}
