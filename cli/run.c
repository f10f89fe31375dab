/* cli/run.c — `caresim run SCENARIO [-r REPS] [--seed S] [--set key=value ...] [-o FILE]
 * [-j THREADS] [--quiet]`: runs a scenario's replications, on one thread or several
 * (OpenMP), prints a table of the outcomes (mean and 95% CI over replications) and writes
 * the results file (docs/results.md): provenance, the resolved scenario, one row per
 * replication and the summary.
 *
 * Threads. The disease tables are built once and shared read-only; each replication owns
 * its model, writes only its own row of the outcomes, and keeps its error to itself until
 * a critical section. Rows are written after all replications end, in replication order,
 * so the file is bit for bit the same whatever the number of threads; after a failure the
 * reported one is the failed replication of lowest index, so the message is too.
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
#ifdef _OPENMP
#include <omp.h>
#endif

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
#define RUN_MAX_THREADS 256       /* most threads -j accepts: more is surely a typing error */

/* The command line, parsed. */
struct run_args {
    const char *path;        /* scenario file */
    const char **sets;       /* --set assignments, then -r and --seed as assignments (so
                              * they are validated like any --set, and win over one) */
    size_t nsets;            /* entries in sets */
    const char *output;      /* -o: results file; NULL for results/<name>.h5 */
    int quiet;               /* --quiet: no progress line */
    int threads;             /* -j: threads to run replications on, 1..RUN_MAX_THREADS */
    char reps_set[64];       /* "run.replications=N" from -r, "" if not given */
    char seed_set[64];       /* "run.seed=S" from --seed, "" if not given */
};

static void run_usage(FILE *out)
{
    fprintf(out,
            "usage: caresim run SCENARIO.cfg [-r REPS] [--seed S] [--set key.path=value ...]\n"
            "                   [-o FILE.h5] [-j THREADS] [--quiet]\n"
            "Runs the scenario's replications, prints each outcome's mean and 95%% confidence\n"
            "interval over replications, and writes the results file (HDF5, docs/results.md).\n"
            "\n"
            "  -r, --replications N   replications (same as --set run.replications=N)\n"
            "      --seed S           master seed (same as --set run.seed=S)\n"
            "  -s, --set KEY=VALUE    override a scenario key (repeatable)\n"
            "  -o, --output FILE      results file (default: results/<scenario name>.h5)\n"
            "  -j, --jobs N           run replications on N threads, 1 to %d (default 1);\n"
            "                         the results are the same whatever N\n"
            "  -q, --quiet            no progress line\n"
            "\n"
            "Exit status: 0 done; 2 bad command line or invalid scenario; 1 the run or the\n"
            "writing of the results failed (a file already at the target is then left as\n"
            "it was).\n",
            RUN_MAX_THREADS);
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

/* Parses -j's value into *threads: a whole number in [1, RUN_MAX_THREADS]. */
static int threads_arg(int *threads, const char *opt, const char *value)
{
    size_t n = strlen(value);
    long v = n > 0 && n <= 4 && strspn(value, "0123456789") == n ? strtol(value, NULL, 10) : 0;
    if (v < 1 || v > RUN_MAX_THREADS) {
        fprintf(stderr, "caresim run: %s: expected a number of threads from 1 to %d (got '%s')\n",
                opt, RUN_MAX_THREADS, value);
        return -1;
    }
    *threads = (int)v;
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
        } else if (strncmp(s, "-j", 2) == 0 && s[2] >= '0' && s[2] <= '9') {
            if (threads_arg(&a->threads, "-j", s + 2)) /* -j4, as make takes it */
                return CLI_EXIT_USAGE;
        } else if (is_option(s, "-j", "--jobs")) {
            if (!(v = option_value(argc, argv, &i, "--jobs")) || threads_arg(&a->threads, s, v))
                return CLI_EXIT_USAGE;
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

/* Rewrites the progress line: `done` replications of `total` have finished. Called by one
 * thread at a time (a critical section). */
static void progress(FILE *out, int done, int total, double elapsed)
{
    fprintf(out, "\r%d/%d replications done, %.0f s elapsed", done, total, elapsed);
    if (done > 0 && done < total)
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
    struct dis_tables *tables; /* the disease tables every replication reads */
};

static void run_state_free(struct run_state *s)
{
    dis_tables_destroy(s->tables);
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

/* Runs replication rep of the scenario on the shared tables and stores its outcomes in
 * row. Safe on any thread: touches only its own model, row and err. Returns 0, or the
 * SIM_E* code with err filled and *in_create set when the model could not be created. */
static int run_replication(const struct model_params *par, const struct dis_tables *tables,
                           int rep, double *row, int *in_create, struct sim_err *err)
{
    *in_create = 0;
    struct model *m = model_create_shared(par, tables, (uint32_t)rep, err);
    if (!m) {
        *in_create = 1;
        return err && err->code ? err->code : SIM_ENOMEM;
    }
    int rc = model_run(m, err);
    rc = rc ? rc : outc_collect(m, row, err);
    model_destroy(m);
    return rc;
}

/* The first failure of a run: the failed replication of lowest index. */
struct run_failure {
    int rep;           /* its index; the number of replications while none failed */
    int in_create;     /* it failed to be created (rather than to run) */
    struct sim_err err; /* why */
};

/* Reports the failure and returns the exit status. The model checks the parameter
 * combinations that key ranges cannot (a prevalence curve falling with age...) when the
 * model is created: those make the scenario invalid (exit 2), and fail replication 0 like
 * any other, before any result is written. */
static int report_failure(const struct run_failure *f, const char *path)
{
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    if (f->rep == 0 && f->in_create && f->err.code == SIM_EINVAL) {
        fprintf(stderr, "caresim run: %s: %s\n", path, sim_err_format(&f->err, buf, sizeof buf));
        return CLI_EXIT_USAGE;
    }
    fprintf(stderr, "caresim run: replication %d: %s\n", f->rep,
            sim_err_format(&f->err, buf, sizeof buf));
    return CLI_EXIT_FAIL;
}

/* Runs replications 0 .. reps - 1 on `threads` threads into s->rows. Returns 0, or -1
 * with *fail describing the failed replication of lowest index. After a failure, the
 * replications above the lowest failed so far that have not started are skipped: fail->rep
 * only ever holds a failed index, so the lowest replication that fails is never skipped
 * and the one reported does not depend on timing. */
static int run_all(struct run_state *s, const struct model_params *par, int reps, int threads,
                   int show, struct run_failure *fail)
{
    fail->rep = reps;
    fail->in_create = 0;
    sim_err_clear(&fail->err);
    int done = 0;
    double t0 = now_seconds(), last_shown = -INFINITY;
    if (show) {
        progress(stderr, 0, reps, 0.0);
        last_shown = t0;
    }
    const struct dis_tables *tables = s->tables;
    double *rows = s->rows;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int r = 0; r < reps; r++) {
        int first;
#pragma omp atomic read
        first = fail->rep;
        if (r > first)
            continue;
        struct sim_err e;
        int in_create;
        sim_err_clear(&e);
        int rc = run_replication(par, tables, r, rows + (size_t)r * OUTC_COUNT, &in_create, &e);
#pragma omp critical(run_report)
        {
            if (rc && r < fail->rep) {
                fail->in_create = in_create;
                fail->err = e;
#pragma omp atomic write
                fail->rep = r;
            }
            done++;
            double t = now_seconds();
            if (show && t - last_shown >= RUN_PROGRESS_SECONDS) {
                progress(stderr, done, reps, t - t0);
                last_shown = t;
            }
        }
    }
    if (show)
        progress_clear(stderr);
    return fail->rep < reps ? -1 : 0;
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
    struct run_args a = {.threads = 1};
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

    /* No more threads than replications (and than OpenMP allows): what the file records
     * is what runs. */
    int threads = a.threads < reps ? a.threads : reps;
#ifdef _OPENMP
    if (threads > omp_get_thread_limit())
        threads = omp_get_thread_limit();
#endif

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
        .threads = threads,
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

    /* The calibration depends on the parameters only: once for all replications. It also
     * checks the combinations the key ranges cannot (a prevalence curve falling with
     * age...): those make the scenario invalid. */
    double t0 = now_seconds();
    s.tables = dis_tables_create(&par, &e);
    if (!s.tables) {
        fprintf(stderr, "caresim run: %s: %s\n", a.path, sim_err_format(&e, buf, sizeof buf));
        rc = e.code == SIM_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
        goto out;
    }
    int show = !a.quiet && isatty(fileno(stderr));
    struct run_failure fail;
    if (run_all(&s, &par, reps, threads, show, &fail) != 0) {
        rc = report_failure(&fail, a.path);
        goto out;
    }
    double seconds = now_seconds() - t0;
    printf("ran in %.1f s on %d thread%s (%.2f s per replication)\n\n", seconds, threads,
           threads == 1 ? "" : "s", seconds / reps);
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
