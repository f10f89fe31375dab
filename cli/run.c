/* cli/run.c — `caresim run SCENARIO [-r REPS] [--seed S] [--set key=value ...] [-o FILE]
 * [--quiet]`: runs a scenario's replications one after another, prints a table of the
 * outcomes (mean and 95% CI over replications) and writes the results file
 * (docs/results.md): provenance, the resolved scenario, one row per replication and the
 * summary.
 *
 * Reads the scenario files; writes the results file through output/ (creating results/
 * when it is the default place), stdout (header, table, path of the file) and stderr
 * (problems, and a progress line when stderr is a terminal).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "models/model.h"
#include "models/outcomes.h"
#include "models/params.h"
#include "output/results.h"
#include "sim/stats.h"

/* The commit the binary was built from (the Makefile defines it for cli/ objects). */
#ifndef CARESIM_GIT_COMMIT
#define CARESIM_GIT_COMMIT "unknown"
#endif

#define RUN_RESULTS_DIR "results" /* default directory of results files */
#define RUN_PROGRESS_SECONDS 0.25 /* least time between two updates of the progress line */

/* The command line, parsed. */
struct run_args {
    const char *path;        /* scenario file */
    const char **sets;       /* --set assignments, then -r and --seed as assignments (so
                              * they are validated like any --set, and win over one) */
    size_t nsets;            /* entries in sets */
    const char *output;      /* -o: results file; NULL for results/<name>.h5 */
    int quiet;               /* --quiet: no progress line */
    char reps_set[64];       /* "run.replications=N" from -r, "" if not given */
    char seed_set[64];       /* "run.seed=S" from --seed, "" if not given */
};

static void run_usage(FILE *out)
{
    fprintf(out,
            "usage: caresim run SCENARIO.cfg [-r REPS] [--seed S] [--set key.path=value ...]\n"
            "                   [-o FILE.h5] [--quiet]\n"
            "Runs the scenario's replications, prints each outcome's mean and 95%% confidence\n"
            "interval over replications, and writes the results file (HDF5, docs/results.md).\n"
            "\n"
            "  -r, --replications N   replications (same as --set run.replications=N)\n"
            "      --seed S           master seed (same as --set run.seed=S)\n"
            "  -s, --set KEY=VALUE    override a scenario key (repeatable)\n"
            "  -o, --output FILE      results file (default: results/<scenario name>.h5)\n"
            "  -q, --quiet            no progress line\n"
            "\n"
            "Exit status: 0 done; 2 bad command line or invalid scenario; 1 the run or the\n"
            "writing of the results failed (a file already at the target is then left as\n"
            "it was).\n");
}

/* Seconds on a monotonic clock. */
static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Now as UTC ISO 8601, "2024-05-01T12:00:00Z". */
static void utc_now(char *buf, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, size, "unknown");
}

/* Whether a word needs shell quotes, so that the recorded command line can be pasted back. */
static int needs_quotes(const char *s)
{
    if (!*s)
        return 1;
    for (; *s; s++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                    "_-./=:,+@%",
                    *s))
            return 1;
    return 0;
}

/* "caresim run ARGS...", shell-quoted where needed; malloc'ed, NULL when out of memory. */
static char *command_line(int argc, char **argv)
{
    size_t size = sizeof "caresim";
    for (int i = 0; i < argc; i++)
        size += 3 + 4 * strlen(argv[i]); /* a space, two quotes, ' as '\'' */
    char *s = malloc(size), *p = s;
    if (!s)
        return NULL;
    p += sprintf(p, "caresim");
    for (int i = 0; i < argc; i++) {
        *p++ = ' ';
        if (!needs_quotes(argv[i])) {
            p = stpcpy(p, argv[i]);
            continue;
        }
        *p++ = '\'';
        for (const char *a = argv[i]; *a; a++) {
            if (*a == '\'')
                p = stpcpy(p, "'\\''");
            else
                *p++ = *a;
        }
        *p++ = '\'';
    }
    *p = '\0';
    return s;
}

/* An option's value: "--opt VALUE" or "--opt=VALUE" (long options). Returns NULL and
 * reports when it is missing. */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) == 0 && a[n] == '=')
        return a + n + 1;
    if (*i + 1 >= argc) {
        fprintf(stderr, "caresim run: %s needs a value\n", a);
        return NULL;
    }
    return argv[++*i];
}

/* Whether a is the option (short form, or long form alone or with "=value"). */
static int is_option(const char *a, const char *short_name, const char *long_name)
{
    size_t n = strlen(long_name);
    return (short_name && strcmp(a, short_name) == 0) ||
           (strncmp(a, long_name, n) == 0 && (a[n] == '\0' || a[n] == '='));
}

/* Turns `-r N` / `--seed S` into a --set assignment. Only the form of a whole number is
 * checked here; its range is the scenario key's, checked like any --set. */
static int integer_set(char *buf, size_t size, const char *key, const char *opt,
                       const char *value)
{
    const char *d = value + (value[0] == '-');
    size_t n = strlen(d);
    if (n == 0 || n > 20 || strspn(d, "0123456789") != n) {
        fprintf(stderr, "caresim run: %s: expected a whole number (got '%s')\n", opt, value);
        return -1;
    }
    snprintf(buf, size, "%s=%s", key, value);
    return 0;
}

/* Parses the command line into a. Returns CLI_EXIT_OK to go on, -1 after --help, or the
 * exit status of a bad command line. */
static int parse_args(int argc, char **argv, struct run_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i], *v;
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            run_usage(stdout);
            return -1;
        } else if (is_option(s, "-r", "--replications")) {
            if (!(v = option_value(argc, argv, &i, "--replications")) ||
                integer_set(a->reps_set, sizeof a->reps_set, "run.replications", s, v))
                return CLI_EXIT_USAGE;
        } else if (is_option(s, NULL, "--seed")) {
            if (!(v = option_value(argc, argv, &i, "--seed")) ||
                integer_set(a->seed_set, sizeof a->seed_set, "run.seed", s, v))
                return CLI_EXIT_USAGE;
        } else if (is_option(s, "-s", "--set")) {
            if (!(v = option_value(argc, argv, &i, "--set")))
                return CLI_EXIT_USAGE;
            a->sets[a->nsets++] = v;
        } else if (is_option(s, "-o", "--output")) {
            if (!(v = option_value(argc, argv, &i, "--output")))
                return CLI_EXIT_USAGE;
            if (!*v) {
                fprintf(stderr, "caresim run: %s: empty file name\n", s);
                return CLI_EXIT_USAGE;
            }
            a->output = v;
        } else if (strcmp(s, "-q") == 0 || strcmp(s, "--quiet") == 0) {
            a->quiet = 1;
        } else if (s[0] == '-' && s[1] != '\0') {
            fprintf(stderr, "caresim run: unknown option '%s'\n", s);
            return CLI_EXIT_USAGE;
        } else if (a->path) {
            fprintf(stderr, "caresim run: one scenario file at a time (got '%s' and '%s')\n",
                    a->path, s);
            return CLI_EXIT_USAGE;
        } else {
            a->path = s;
        }
    }
    if (!a->path) {
        fprintf(stderr, "caresim run: missing scenario file\n");
        return CLI_EXIT_USAGE;
    }
    /* Last, so that they win over a --set of the same key. */
    if (a->reps_set[0])
        a->sets[a->nsets++] = a->reps_set;
    if (a->seed_set[0])
        a->sets[a->nsets++] = a->seed_set;
    return CLI_EXIT_OK;
}

/* ---- The terminal table ------------------------------------------------------------------ */

/* A number with about 6 significant digits and no exponent over the usual range: whole
 * numbers as such (counts), others with the decimals 6 significant digits need. */
static void fmt_num(double x, char *buf, size_t size)
{
    double ax = fabs(x);
    if (isnan(x))
        snprintf(buf, size, "n/a");
    else if (ax < 1e15 && x == floor(x))
        snprintf(buf, size, "%.0f", x + 0.0); /* + 0.0: no "-0" */
    else if (ax >= 1e-4 && ax < 1e15) {
        int decimals = 5 - (int)floor(log10(ax));
        snprintf(buf, size, "%.*f", decimals < 0 ? 0 : decimals, x);
    } else
        snprintf(buf, size, "%.6g", x);
}

/* One line of the table, formatted. */
struct table_line {
    char mean[32]; /* mean over replications */
    char lo[32];   /* lower end of the 95% CI, "" when there is none */
    char hi[32];   /* upper end */
};

static void print_table(FILE *out, const struct outc_info *info, const double *rows, int reps)
{
    struct table_line line[OUTC_COUNT];
    int wname = (int)strlen("outcome"), wunit = (int)strlen("unit"), wmean = (int)strlen("mean");
    int wlo = 0, whi = 0;
    for (int c = 0; c < OUTC_COUNT; c++) {
        /* NaN marks a value a replication could not give; leave it out, as the summary
         * in the file does. */
        struct sim_welford w;
        sim_welford_init(&w);
        for (int r = 0; r < reps; r++)
            if (!isnan(rows[(size_t)r * OUTC_COUNT + c]))
                sim_welford_add(&w, rows[(size_t)r * OUTC_COUNT + c]);
        double mean = sim_welford_mean(&w), half = sim_welford_ci_halfwidth(&w, 0.95);
        fmt_num(mean, line[c].mean, sizeof line[c].mean);
        line[c].lo[0] = line[c].hi[0] = '\0';
        if (!isnan(half)) {
            fmt_num(mean - half, line[c].lo, sizeof line[c].lo);
            fmt_num(mean + half, line[c].hi, sizeof line[c].hi);
        }
#define WIDEN(w, s) w = (int)strlen(s) > w ? (int)strlen(s) : w
        WIDEN(wname, info[c].name);
        WIDEN(wunit, info[c].unit);
        WIDEN(wmean, line[c].mean);
        WIDEN(wlo, line[c].lo);
        WIDEN(whi, line[c].hi);
#undef WIDEN
    }
    fprintf(out, "%-*s  %-*s  %*s  %s\n", wname, "outcome", wunit, "unit", wmean, "mean",
            "95% CI");
    for (int c = 0; c < OUTC_COUNT; c++) {
        fprintf(out, "%-*s  %-*s  %*s  ", wname, info[c].name, wunit, info[c].unit, wmean,
                line[c].mean);
        if (line[c].lo[0])
            fprintf(out, "[%*s, %*s]\n", wlo, line[c].lo, whi, line[c].hi);
        else
            fprintf(out, "n/a\n");
    }
}

/* ---- Progress ---------------------------------------------------------------------------- */

/* Rewrites the progress line: replication `current` (1-based) of `total` is starting. */
static void progress(FILE *out, int current, int total, double elapsed)
{
    int done = current - 1;
    fprintf(out, "\rreplication %d/%d, %.0f s elapsed", current, total, elapsed);
    if (done > 0)
        fprintf(out, ", ~%.0f s left", elapsed / done * (total - done));
    fprintf(out, "\033[K");
    fflush(out);
}

static void progress_clear(FILE *out)
{
    fprintf(out, "\r\033[K");
    fflush(out);
}

/* ---- The command ------------------------------------------------------------------------- */

/* Everything a run holds, so that one exit path can release it. */
struct run_state {
    struct sim_cfg *cfg;      /* the resolved scenario */
    char *config_text;        /* its libconfig text, for the results file */
    char *cmdline;            /* the command line, for the results file */
    char *target;             /* results file path (malloc'ed) */
    struct out_writer *writer; /* the results file being written */
    double *rows;             /* reps * OUTC_COUNT outcome values, row-major */
    struct model *model;      /* the replication running */
};

static void run_state_free(struct run_state *s)
{
    model_destroy(s->model);
    out_writer_destroy(s->writer); /* uncommitted: removes the temporary file */
    free(s->rows);
    free(s->target);
    free(s->cmdline);
    free(s->config_text);
    sim_cfg_destroy(s->cfg);
}

/* The results file path: -o, or results/<name>.h5 with results/ created if needed. */
static int choose_target(const struct run_args *a, const struct model_params *par,
                         struct run_state *s)
{
    if (a->output) {
        s->target = strdup(a->output);
    } else {
        if (mkdir(RUN_RESULTS_DIR, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "caresim run: cannot create directory %s: %s\n", RUN_RESULTS_DIR,
                    strerror(errno));
            return CLI_EXIT_FAIL;
        }
        size_t n = strlen(RUN_RESULTS_DIR) + strlen(par->name) + 5;
        if ((s->target = malloc(n)))
            snprintf(s->target, n, "%s/%s.h5", RUN_RESULTS_DIR, par->name);
    }
    if (!s->target) {
        fprintf(stderr, "caresim run: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

/* Creates replication rep in s->model. The model checks the parameter combinations that
 * key ranges cannot (a prevalence curve falling with age...): those make the scenario
 * invalid (exit 2) and show up in replication 0, before any result exists (the results
 * file is then removed unwritten). Returns CLI_EXIT_OK or the exit status, after
 * reporting. */
static int create_replication(struct run_state *s, const struct model_params *par,
                              const char *path, int rep, int show)
{
    struct sim_err e;
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    sim_err_clear(&e);
    s->model = model_create(par, (uint32_t)rep, &e);
    if (s->model)
        return CLI_EXIT_OK;
    if (show)
        progress_clear(stderr);
    if (e.code == SIM_EINVAL) {
        fprintf(stderr, "caresim run: %s: %s\n", path, sim_err_format(&e, buf, sizeof buf));
        return CLI_EXIT_USAGE;
    }
    fprintf(stderr, "caresim run: replication %d: %s\n", rep,
            sim_err_format(&e, buf, sizeof buf));
    return CLI_EXIT_FAIL;
}

/* Runs the created replication rep to the end, collects its outcomes into row and frees
 * it. Returns 0, or reports the failure and returns -1. */
static int finish_replication(struct run_state *s, int rep, double *row, int show)
{
    struct sim_err e;
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    sim_err_clear(&e);
    if (model_run(s->model, &e) != 0 || outc_collect(s->model, row, &e) != 0) {
        if (show)
            progress_clear(stderr);
        fprintf(stderr, "caresim run: replication %d: %s\n", rep,
                sim_err_format(&e, buf, sizeof buf));
        return -1;
    }
    model_destroy(s->model);
    s->model = NULL;
    return 0;
}

/* Adds the scenario, its replications table and summary to the file and commits it. */
static int write_results(struct run_state *s, const struct model_params *par,
                         const struct outc_info *info, int reps, struct sim_err *e)
{
    struct out_column cols[OUTC_COUNT];
    for (int c = 0; c < OUTC_COUNT; c++)
        cols[c] = (struct out_column){info[c].name, info[c].unit, info[c].desc};
    struct out_table t = {
        .name = "replications",
        .desc = "one row per replication, in replication order: the outcomes of the run",
        .n_cols = OUTC_COUNT,
        .cols = cols,
        .n_rows = (size_t)reps,
        .values = s->rows,
    };
    char group[sizeof "/scenarios/" + PARAMS_NAME_MAX];
    snprintf(group, sizeof group, "/scenarios/%s", par->name);
    int rc = out_writer_add_scenario(s->writer, par->name, s->config_text, e);
    rc = rc ? rc : out_writer_add_table(s->writer, group, &t, e);
    rc = rc ? rc : out_writer_add_summary(s->writer, group, &t, e);
    rc = rc ? rc : out_writer_commit(s->writer, e);
    return rc;
}

int cli_run(int argc, char **argv)
{
    struct run_args a = {0};
    struct run_state s = {0};
    struct sim_err e;
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    int rc = CLI_EXIT_FAIL;
    sim_err_clear(&e);

    /* Room for every argument as a --set, plus -r and --seed. */
    a.sets = calloc((size_t)(argc > 0 ? argc : 0) + 2, sizeof *a.sets);
    if (!a.sets) {
        fprintf(stderr, "caresim run: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    int prc = parse_args(argc, argv, &a);
    if (prc != CLI_EXIT_OK) {
        if (prc == CLI_EXIT_USAGE)
            fprintf(stderr, "(caresim run --help shows the options)\n");
        free(a.sets);
        return prc < 0 ? CLI_EXIT_OK : prc;
    }

    s.cfg = cli_load_scenario(a.path, a.sets, a.nsets, stderr);
    if (!s.cfg) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    struct model_params par;
    memset(&par, 0, sizeof par);
    if (sim_cfg_fill(s.cfg, &par, sizeof par, &e) != 0) {
        fprintf(stderr, "caresim run: %s\n", sim_err_format(&e, buf, sizeof buf));
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    int reps = par.run.replications;
    s.config_text = sim_cfg_text(s.cfg, SIM_CFG_WRITE_ORIGINS);
    s.cmdline = command_line(argc, argv);
    s.rows = calloc((size_t)reps * OUTC_COUNT, sizeof *s.rows);
    if (!s.config_text || !s.cmdline || !s.rows) {
        fprintf(stderr, "caresim run: out of memory\n");
        goto out;
    }
    struct outc_info info[OUTC_COUNT];
    for (int c = 0; c < OUTC_COUNT; c++)
        if (outc_column_info(c, &info[c], &e) != 0) {
            fprintf(stderr, "caresim run: %s\n", sim_err_format(&e, buf, sizeof buf));
            goto out;
        }
    if ((rc = choose_target(&a, &par, &s)) != CLI_EXIT_OK)
        goto out;
    rc = CLI_EXIT_FAIL;

    /* Open the results file before running, so that a bad path fails at once rather than
     * after the run. */
    char started[32], host[256];
    utc_now(started, sizeof started);
    if (gethostname(host, sizeof host) != 0)
        host[0] = '\0';
    host[sizeof host - 1] = '\0';
    struct out_provenance prov = {
        .version = CARESIM_VERSION,
        .git_commit = CARESIM_GIT_COMMIT,
        .command_line = s.cmdline,
        .master_seed = (uint64_t)par.run.seed,
        .started_utc = started,
        .finished_utc = NULL, /* the time of commit */
        .host = host,
        .threads = 1,
    };
    s.writer = out_writer_create(s.target, &prov, &e);
    if (!s.writer) {
        fprintf(stderr, "caresim run: %s\n", sim_err_format(&e, buf, sizeof buf));
        goto out;
    }

    printf("caresim run: scenario %s (%s)\n", par.name, a.path);
    printf("%d replication%s, population %lld, horizon %g year%s after a warm-up of %g "
           "year%s, seed %lld\n",
           reps, reps == 1 ? "" : "s", (long long)par.run.population, par.run.horizon_years,
           par.run.horizon_years == 1 ? "" : "s", par.run.warmup_years,
           par.run.warmup_years == 1 ? "" : "s", (long long)par.run.seed);
    fflush(stdout);

    int show = !a.quiet && isatty(fileno(stderr));
    double t0 = now_seconds(), last_shown = -INFINITY;
    for (int r = 0; r < reps; r++) {
        double t = now_seconds();
        if (show && (r == 0 || t - last_shown >= RUN_PROGRESS_SECONDS)) {
            progress(stderr, r + 1, reps, t - t0);
            last_shown = t;
        }
        if ((rc = create_replication(&s, &par, a.path, r, show)) != CLI_EXIT_OK) {
            if (r > 0) /* not a bad scenario: it was fine for replication 0 */
                rc = CLI_EXIT_FAIL;
            goto out;
        }
        rc = CLI_EXIT_FAIL;
        if (finish_replication(&s, r, s.rows + (size_t)r * OUTC_COUNT, show) != 0)
            goto out;
    }
    if (show)
        progress_clear(stderr);
    double seconds = now_seconds() - t0;
    printf("ran in %.1f s (%.2f s per replication)\n\n", seconds, seconds / reps);
    print_table(stdout, info, s.rows, reps);
    fflush(stdout);

    if (write_results(&s, &par, info, reps, &e) != 0) {
        fprintf(stderr, "caresim run: %s\n", sim_err_format(&e, buf, sizeof buf));
        goto out;
    }
    printf("\nwrote %s\n", s.target);
    rc = CLI_EXIT_OK;
out:
    run_state_free(&s);
    free(a.sets);
    return rc;
}
