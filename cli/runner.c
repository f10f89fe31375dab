/* cli/runner.c — running scenarios for `caresim run` and `caresim compare` (cli/runner.h):
 * their shared options, loading (with the end state a warm start begins from), replications
 * on threads (all at once, or more of them later: `run --ci-target`), provenance, and
 * writing a scenario's part of the results file (outcomes, summary, time series, groups,
 * ledger, end state).
 *
 * Threads and ranks. The disease tables are built once per scenario and shared read-only;
 * the replications run as a batch (cli/batch.h): each owns its model and returns its rows
 * as a blob, and the blobs are appended to the scenario's tables in replication order, so
 * the file is bit for bit the same whatever the number of threads (or MPI ranks), and a
 * failure reported is the failed replication of lowest index, so the message is too.
 *
 * Reads scenario files and, for run.warm_start, a results file (through output/'s reader);
 * creates results/ when it is the default place; writes through output/; prints problems
 * (and a progress line when asked) to stderr.
 */
#include "cli/runner.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "cli/batch.h"
#include "cli/cli.h"
#include "models/model.h"
#include "models/payment.h"
#include "models/series.h"
#include "models/warm.h"
#include "output/results.h"
#include "sim/config.h"
#include "sim/err.h"

/* The commit the binary was built from (the Makefile defines it for cli/ objects). */
#ifndef CARESIM_GIT_COMMIT
#define CARESIM_GIT_COMMIT "unknown"
#endif

/* ---- Options ------------------------------------------------------------------------------ */

/* An option's value: "--opt VALUE" or "--opt=VALUE" (long options). Returns NULL and
 * reports when it is missing. */
static const char *option_value(const char *cmd, int argc, char **argv, int *i, const char *name)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) == 0 && a[n] == '=')
        return a + n + 1;
    if (*i + 1 >= argc) {
        fprintf(stderr, "caresim %s: %s needs a value\n", cmd, a);
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
static int integer_set(const char *cmd, char *buf, size_t size, const char *key, const char *opt,
                       const char *value)
{
    const char *d = value + (value[0] == '-');
    size_t n = strlen(d);
    if (n == 0 || n > 20 || strspn(d, "0123456789") != n) {
        fprintf(stderr, "caresim %s: %s: expected a whole number (got '%s')\n", cmd, opt, value);
        return -1;
    }
    snprintf(buf, size, "%s=%s", key, value);
    return 0;
}

/* Parses -j's value into *threads: a whole number in [1, CLI_MAX_THREADS]. */
static int threads_arg(const char *cmd, int *threads, const char *opt, const char *value)
{
    size_t n = strlen(value);
    long v = n > 0 && n <= 4 && strspn(value, "0123456789") == n ? strtol(value, NULL, 10) : 0;
    if (v < 1 || v > CLI_MAX_THREADS) {
        fprintf(stderr, "caresim %s: %s: expected a number of threads from 1 to %d (got '%s')\n",
                cmd, opt, CLI_MAX_THREADS, value);
        return -1;
    }
    *threads = (int)v;
    return 0;
}

int cli_run_opts_parse(struct cli_run_opts *o, const char *cmd, int argc, char **argv,
                       void (*usage)(FILE *out))
{
    memset(o, 0, sizeof *o);
    o->threads = 1;
    /* Room for every argument as a file or a --set, plus -r and --seed. */
    size_t room = (size_t)(argc > 0 ? argc : 0) + 2;
    o->sets = calloc(room, sizeof *o->sets);
    o->paths = calloc(room, sizeof *o->paths);
    if (!o->sets || !o->paths) {
        fprintf(stderr, "caresim %s: out of memory\n", cmd);
        return CLI_EXIT_FAIL;
    }
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i], *v;
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            usage(stdout);
            return -1;
        } else if (is_option(s, "-r", "--replications")) {
            if (!(v = option_value(cmd, argc, argv, &i, "--replications")) ||
                integer_set(cmd, o->reps_set, sizeof o->reps_set, "run.replications", s, v))
                return CLI_EXIT_USAGE;
        } else if (is_option(s, NULL, "--seed")) {
            if (!(v = option_value(cmd, argc, argv, &i, "--seed")) ||
                integer_set(cmd, o->seed_set, sizeof o->seed_set, "run.seed", s, v))
                return CLI_EXIT_USAGE;
        } else if (is_option(s, "-s", "--set")) {
            if (!(v = option_value(cmd, argc, argv, &i, "--set")))
                return CLI_EXIT_USAGE;
            o->sets[o->nsets++] = v;
        } else if (is_option(s, "-o", "--output")) {
            if (!(v = option_value(cmd, argc, argv, &i, "--output")))
                return CLI_EXIT_USAGE;
            if (!*v) {
                fprintf(stderr, "caresim %s: %s: empty file name\n", cmd, s);
                return CLI_EXIT_USAGE;
            }
            o->output = v;
        } else if (strncmp(s, "-j", 2) == 0 && s[2] >= '0' && s[2] <= '9') {
            if (threads_arg(cmd, &o->threads, "-j", s + 2)) /* -j4, as make takes it */
                return CLI_EXIT_USAGE;
        } else if (is_option(s, "-j", "--jobs")) {
            if (!(v = option_value(cmd, argc, argv, &i, "--jobs")) ||
                threads_arg(cmd, &o->threads, s, v))
                return CLI_EXIT_USAGE;
        } else if (strcmp(s, "-q") == 0 || strcmp(s, "--quiet") == 0) {
            o->quiet = 1;
        } else if (strcmp(s, "--persons") == 0) {
            o->persons = 1;
        } else if (strcmp(s, "--trace") == 0) {
            o->trace = CLI_TRACE_DEFAULT;
        } else if (strncmp(s, "--trace=", 8) == 0) {
            char *end;
            errno = 0;
            long n = strtol(s + 8, &end, 10);
            if (errno || *end || n < 1 || n > CLI_TRACE_MAX) {
                fprintf(stderr, "caresim %s: --trace=N needs a whole number of events in [1, "
                                "%ld] (got '%s')\n",
                        cmd, (long)CLI_TRACE_MAX, s + 8);
                return CLI_EXIT_USAGE;
            }
            o->trace = n;
        } else if (s[0] == '-' && s[1] != '\0') {
            fprintf(stderr, "caresim %s: unknown option '%s'\n", cmd, s);
            return CLI_EXIT_USAGE;
        } else {
            o->paths[o->npaths++] = s;
        }
    }
    /* Last, so that they win over a --set of the same key. */
    if (o->reps_set[0])
        o->sets[o->nsets++] = o->reps_set;
    if (o->seed_set[0])
        o->sets[o->nsets++] = o->seed_set;
    return CLI_EXIT_OK;
}

void cli_run_opts_fini(struct cli_run_opts *o)
{
    free(o->sets);
    free(o->paths);
    o->sets = o->paths = NULL;
    o->nsets = o->npaths = 0;
}

/* ---- Small helpers ------------------------------------------------------------------------- */

double cli_now_seconds(void)
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

char *cli_command_line(int argc, char **argv)
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

void cli_fmt_num(double x, char *buf, size_t size)
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

int cli_results_target(const char *cmd, const char *output, const char *stem, char **target)
{
    if (output) {
        *target = strdup(output);
    } else {
        /* MPI ranks other than 0 create nothing (their writer discards). */
        if (cli_rank() == 0 && mkdir(CLI_RESULTS_DIR, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "caresim %s: cannot create directory %s: %s\n", cmd, CLI_RESULTS_DIR,
                    strerror(errno));
            return CLI_EXIT_FAIL;
        }
        size_t n = strlen(CLI_RESULTS_DIR) + strlen(stem) + 5;
        if ((*target = malloc(n)))
            snprintf(*target, n, "%s/%s.h5", CLI_RESULTS_DIR, stem);
    }
    if (!*target) {
        fprintf(stderr, "caresim %s: out of memory\n", cmd);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

int cli_threads_used(int requested, int reps)
{
    if (cli_ranks() > 1)
        return 1; /* MPI: one thread on each rank (cli/batch.h) */
    int threads = requested < reps ? requested : reps;
#ifdef _OPENMP
    if (threads > omp_get_thread_limit())
        threads = omp_get_thread_limit();
#endif
    return threads < 1 ? 1 : threads;
}

struct out_writer *cli_results_create(const char *cmd, const char *target, const char *cmdline,
                                      int64_t seed, int threads)
{
    struct sim_err e;
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    sim_err_clear(&e);
    if (cli_rank() != 0) { /* an MPI worker: rank 0 writes the file (docs/mpi.md) */
        struct out_writer *w = out_writer_create_discard(&e);
        if (!w)
            fprintf(stderr, "caresim %s: %s\n", cmd, sim_err_format(&e, buf, sizeof buf));
        return w;
    }
    char started[32], host[256];
    utc_now(started, sizeof started);
    if (gethostname(host, sizeof host) != 0)
        host[0] = '\0';
    host[sizeof host - 1] = '\0';
    struct out_provenance prov = {
        .version = CARESIM_VERSION,
        .git_commit = CARESIM_GIT_COMMIT,
        .command_line = cmdline,
        .master_seed = (uint64_t)seed,
        .started_utc = started,
        .finished_utc = NULL, /* the time of commit */
        .host = host,
        .threads = threads,
        .ranks = cli_ranks(),
    };
    struct out_writer *w = out_writer_create(target, &prov, &e);
    if (!w)
        fprintf(stderr, "caresim %s: %s\n", cmd, sim_err_format(&e, buf, sizeof buf));
    return w;
}

int cli_outcome_info(const char *cmd, struct outc_info info[OUTC_COUNT])
{
    struct sim_err e;
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    sim_err_clear(&e);
    for (int c = 0; c < OUTC_COUNT; c++)
        if (outc_column_info(c, &info[c], &e) != 0) {
            fprintf(stderr, "caresim %s: %s\n", cmd, sim_err_format(&e, buf, sizeof buf));
            return CLI_EXIT_FAIL;
        }
    return CLI_EXIT_OK;
}

/* ---- Loading -------------------------------------------------------------------------------- */

/* A path a scenario names (reform.scenario, run.warm_start): relative to the scenario's own
 * file unless absolute. malloc'ed; NULL after reporting when out of memory. */
static char *scenario_relative(const struct cli_scenario *s, const char *cmd, const char *name)
{
    const char *self = sim_cfg_path(s->cfg);
    const char *slash = self ? strrchr(self, '/') : NULL;
    size_t dir = name[0] != '/' && slash ? (size_t)(slash - self) + 1 : 0;
    char *full = malloc(dir + strlen(name) + 1);
    if (!full) {
        fprintf(stderr, "caresim %s: out of memory\n", cmd);
        return NULL;
    }
    memcpy(full, self, dir);
    strcpy(full + dir, name);
    return full;
}

/* Where the scenario sets key, for messages about it: "FILE:LINE" of the file (or base file)
 * that sets it, else the scenario's path (a --set or the default). */
static const char *key_where(const struct cli_scenario *s, const char *key, char *buf,
                             size_t size)
{
    int k = sim_cfg_schema_find(sim_cfg_schema(s->cfg), key);
    const char *file = NULL;
    int line = 0;
    if (k >= 0 && sim_cfg_origin(s->cfg, (size_t)k, &file, &line) == SIM_CFG_FILE && file &&
        line > 0) {
        snprintf(buf, size, "%s:%d", file, line);
        return buf;
    }
    return s->path;
}

/* Loads the scenario named by reform.scenario (relative to the scenario's own file) into
 * s->reform_cfg and s->reform_par. A reform's file may not name a reform itself. */
static int load_reform(struct cli_scenario *s, const char *cmd, struct sim_err *e)
{
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    char wbuf[SIM_ERR_FILE_MAX + 16];
    const char *where = key_where(s, "reform.scenario", wbuf, sizeof wbuf);
    char *full = scenario_relative(s, cmd, s->par.reform.scenario);
    if (!full)
        return CLI_EXIT_FAIL;
    s->reform_cfg = cli_load_scenario(full, NULL, 0, stderr);
    int rc = CLI_EXIT_OK;
    if (!s->reform_cfg) {
        fprintf(stderr, "caresim %s: %s: reform.scenario: %s could not be loaded\n", cmd,
                where, full);
        rc = CLI_EXIT_USAGE;
    } else if (sim_cfg_fill(s->reform_cfg, &s->reform_par, sizeof s->reform_par, e) != 0) {
        fprintf(stderr, "caresim %s: %s\n", cmd, sim_err_format(e, buf, sizeof buf));
        rc = CLI_EXIT_USAGE;
    } else if (s->reform_par.reform.scenario[0]) {
        fprintf(stderr, "caresim %s: %s: reform.scenario: %s names a reform itself (reforms "
                        "do not chain)\n",
                cmd, where, full);
        rc = CLI_EXIT_USAGE;
    }
    free(full);
    return rc;
}

/* Appends the reform scenario's resolved text to the configuration text as comments, so the
 * results file holds every number that produced them. Returns 0 or -1 (out of memory). */
static int append_reform_text(struct cli_scenario *s)
{
    char *text = sim_cfg_text(s->reform_cfg, SIM_CFG_WRITE_ORIGINS);
    if (!text)
        return -1;
    size_t lines = 1, n = strlen(text), base = strlen(s->config_text);
    for (size_t i = 0; i < n; i++)
        lines += text[i] == '\n';
    static const char head[] = "\n# ---- reform.scenario, resolved ----\n";
    char *out = malloc(base + sizeof head + n + 2 * lines + 2);
    if (!out) {
        free(text);
        return -1;
    }
    char *w = out;
    memcpy(w, s->config_text, base);
    w += base;
    memcpy(w, head, sizeof head - 1);
    w += sizeof head - 1;
    int bol = 1;
    for (size_t i = 0; i < n; i++) {
        if (bol) {
            *w++ = '#';
            *w++ = ' ';
        }
        *w++ = text[i];
        bol = text[i] == '\n';
    }
    *w = '\0';
    free(text);
    free(s->config_text);
    s->config_text = out;
    return 0;
}

/* The scenario of the warm_start file to start from (run.warm_start_scenario, else the
 * file's only scenario, else the one named like this one) into *name (malloc'ed). Returns
 * 0, or -1 after printing the problem. */
static int warm_scenario(const struct cli_scenario *s, const char *cmd, const char *full,
                         struct out_file *f, char **name)
{
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32], wbuf[SIM_ERR_FILE_MAX + 16];
    char sbuf[SIM_ERR_FILE_MAX + 16];
    const char *where = key_where(s, "run.warm_start", wbuf, sizeof wbuf);
    struct sim_err e;
    sim_err_clear(&e);
    char **names = NULL;
    size_t n = 0;
    if (out_file_list_scenarios(f, &names, &n, &e) != 0) {
        fprintf(stderr, "caresim %s: %s: run.warm_start: %s\n", cmd, where,
                sim_err_format(&e, buf, sizeof buf));
        return -1;
    }
    const char *want = s->par.run.warm_start_scenario, *pick = NULL;
    for (size_t i = 0; i < n && !pick; i++)
        if (strcmp(names[i], want[0] ? want : s->par.name) == 0)
            pick = names[i];
    if (!want[0] && !pick && n == 1)
        pick = names[0];
    if (!pick) {
        /* The scenarios the file holds, for the message. */
        char list[512] = "";
        for (size_t i = 0, used = 0; i < n && used + 1 < sizeof list; i++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                     names[i]);
        if (want[0])
            fprintf(stderr, "caresim %s: %s: run.warm_start_scenario: %s holds no scenario "
                            "'%s' (it holds: %s)\n",
                    cmd, key_where(s, "run.warm_start_scenario", sbuf, sizeof sbuf), full, want,
                    n ? list : "none");
        else
            fprintf(stderr, "caresim %s: %s: run.warm_start: %s holds %s%s; set "
                            "run.warm_start_scenario to the one to start from\n",
                    cmd, where, full, n ? "the scenarios " : "no scenario", list);
        free(names);
        return -1;
    }
    *name = strdup(pick);
    free(names);
    if (!*name) {
        fprintf(stderr, "caresim %s: out of memory\n", cmd);
        return -1;
    }
    return 0;
}

/* Reads the end state s->par.run.warm_start names (a results file, relative to the
 * scenario's file) into s->warm, checked against this scenario's providers. Every problem
 * is an invalid scenario (exit 2), named by key and file. */
static int load_warm(struct cli_scenario *s, const char *cmd)
{
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    char wbuf[SIM_ERR_FILE_MAX + 16];
    const char *where = key_where(s, "run.warm_start", wbuf, sizeof wbuf);
    struct sim_err e;
    sim_err_clear(&e);
    char *full = scenario_relative(s, cmd, s->par.run.warm_start), *name = NULL;
    if (!full)
        return CLI_EXIT_FAIL;
    int rc = CLI_EXIT_USAGE;
    struct out_table *t = NULL;
    struct out_file *f = out_file_open(full, &e);
    if (!f) {
        fprintf(stderr, "caresim %s: %s: run.warm_start: %s\n", cmd, where,
                sim_err_format(&e, buf, sizeof buf));
        goto out;
    }
    if (warm_scenario(s, cmd, full, f, &name) != 0)
        goto out;
    char group[sizeof "/scenarios/" + PARAMS_NAME_MAX], dataset[sizeof group + 16];
    snprintf(group, sizeof group, "/scenarios/%s", name);
    snprintf(dataset, sizeof dataset, "%s/end_state", group);
    char **tables = NULL;
    size_t n = 0;
    int found = 0;
    if (out_file_list_datasets(f, group, &tables, &n, &e) == 0)
        for (size_t i = 0; i < n && !found; i++)
            found = strcmp(tables[i], "end_state") == 0;
    free(tables);
    if (!found || out_file_read_table(f, dataset, &t, &e) != 0) {
        fprintf(stderr, "caresim %s: %s: run.warm_start: %s: scenario '%s' has no end_state "
                        "table%s%s\n",
                cmd, where, full, name, e.code ? ": " : " (written before warm start existed?)",
                e.code ? sim_err_format(&e, buf, sizeof buf) : "");
        goto out;
    }
    int cols_ok = t->n_cols == WARM_COUNT_COLS;
    for (size_t c = 0; cols_ok && c < t->n_cols; c++) {
        struct outc_info info;
        cols_ok = warm_column_info((int)c, &info, NULL) == 0 &&
                  strcmp(info.name, t->cols[c].name) == 0;
    }
    if (!cols_ok) {
        fprintf(stderr, "caresim %s: %s: run.warm_start: %s: %s has other columns than an "
                        "end state's\n",
                cmd, where, full, dataset);
        goto out;
    }
    if (!(s->warm = calloc(1, sizeof *s->warm))) {
        fprintf(stderr, "caresim %s: out of memory\n", cmd);
        rc = CLI_EXIT_FAIL;
        goto out;
    }
    if (warm_state_init(s->warm, t->values, t->n_rows, &e) != 0 ||
        warm_state_check(s->warm, &s->par, &e) != 0) {
        fprintf(stderr, "caresim %s: %s: run.warm_start: %s, scenario '%s': %s\n", cmd, where,
                full, name, sim_err_format(&e, buf, sizeof buf));
        rc = e.code == SIM_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
        goto out;
    }
    rc = CLI_EXIT_OK;
out:
    out_table_destroy(t);
    out_file_close(f);
    free(name);
    free(full);
    return rc;
}

int cli_scenario_load(struct cli_scenario *s, const char *cmd, const char *path,
                      const char *const *sets, size_t nsets)
{
    struct sim_err e;
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    sim_err_clear(&e);
    memset(s, 0, sizeof *s);
    s->path = path;
    s->cfg = cli_load_scenario(path, sets, nsets, stderr);
    if (!s->cfg)
        return CLI_EXIT_USAGE;
    if (sim_cfg_fill(s->cfg, &s->par, sizeof s->par, &e) != 0) {
        fprintf(stderr, "caresim %s: %s\n", cmd, sim_err_format(&e, buf, sizeof buf));
        return CLI_EXIT_USAGE;
    }
    s->reps = s->par.run.replications;
    if (s->par.reform.scenario[0]) {
        int rc = load_reform(s, cmd, &e);
        if (rc != CLI_EXIT_OK)
            return rc;
    }
    if (s->par.run.warm_start[0]) {
        int rc = load_warm(s, cmd);
        if (rc != CLI_EXIT_OK)
            return rc;
    }
    s->config_text = sim_cfg_text(s->cfg, SIM_CFG_WRITE_ORIGINS);
    if (s->config_text && s->reform_cfg && append_reform_text(s) != 0)
        s->config_text = NULL;
    size_t reps = (size_t)s->reps;
    s->rep_cap = s->reps;
    s->rows = calloc(reps * OUTC_COUNT, sizeof *s->rows);
    /* The model records a row per whole month of the horizon (months of 365.25 / 12 days);
     * one more gives room for rounding at the last month's end. */
    s->series_cap = (size_t)floor(s->par.run.horizon_years * 12.0 + 1e-6) + 1;
    s->rep_rows = calloc(reps * CLI_REP_TABLES, sizeof *s->rep_rows);
    if (!s->config_text || !s->rows || !s->rep_rows) {
        fprintf(stderr, "caresim %s: out of memory\n", cmd);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

/* Loads alternative s from path so that it runs on the base's random numbers: with the
 * --set assignments, then, if it still differs from the base in run.seed or
 * run.replications, again with the base's values forced (and a warning naming both
 * files). Returns an exit status. */
int cli_scenario_load_paired(struct cli_scenario *s, const struct cli_scenario *base,
                             const char *cmd, const char *path, const char *const *sets,
                             size_t nsets)
{
    int rc = cli_scenario_load(s, cmd, path, sets, nsets);
    if (rc != CLI_EXIT_OK)
        return rc;
    int seed_differs = s->par.run.seed != base->par.run.seed;
    int reps_differ = s->reps != base->reps;
    if (!seed_differs && !reps_differ)
        return CLI_EXIT_OK;
    if (seed_differs)
        fprintf(stderr,
                "caresim %s: warning: %s sets run.seed = %lld but the base scenario (%s) "
                "has %lld; running it with %lld, so that both draw the same random numbers\n",
                cmd, path, (long long)s->par.run.seed, base->path, (long long)base->par.run.seed,
                (long long)base->par.run.seed);
    if (reps_differ)
        fprintf(stderr,
                "caresim %s: warning: %s sets run.replications = %d but the base "
                "scenario (%s) has %d; running it with %d, so that replications pair up\n",
                cmd, path, s->reps, base->path, base->reps, base->reps);
    char seed_set[64], reps_set[64];
    snprintf(seed_set, sizeof seed_set, "run.seed=%lld", (long long)base->par.run.seed);
    snprintf(reps_set, sizeof reps_set, "run.replications=%d", base->reps);
    const char **all = calloc(nsets + 2, sizeof *all);
    if (!all) {
        fprintf(stderr, "caresim %s: out of memory\n", cmd);
        return CLI_EXIT_FAIL;
    }
    memcpy(all, sets, nsets * sizeof *all);
    all[nsets] = seed_set;
    all[nsets + 1] = reps_set;
    cli_scenario_fini(s);
    rc = cli_scenario_load(s, cmd, path, all, nsets + 2);
    free(all);
    return rc;
}

const char *cli_scenario_currency(const struct cli_scenario *s)
{
    int k = sim_cfg_schema_find(sim_cfg_schema(s->cfg), "economics.currency");
    const char *c = k >= 0 ? sim_cfg_get_string(s->cfg, (size_t)k) : NULL;
    return c && *c ? c : "currency";
}

void cli_scenario_fini(struct cli_scenario *s)
{
    sim_cfg_destroy(s->reform_cfg);
    dis_tables_destroy(s->tables);
    free(s->rows);
    if (s->warm)
        warm_state_fini(s->warm);
    free(s->warm);
    free(s->rep_rows);
    trc_fini(&s->trace);
    free(s->config_text);
    sim_cfg_destroy(s->cfg);
    memset(s, 0, sizeof *s);
}

/* ---- Interruption ---------------------------------------------------------------------------- */

volatile sig_atomic_t cli_interrupted = 0;
static struct sigaction old_int, old_term;
static int installed;

static void on_signal(int sig)
{
    cli_interrupted = sig;
    /* A second signal of either kind kills at once. */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
}

void cli_interrupt_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, &old_int) == 0 && sigaction(SIGTERM, &sa, &old_term) == 0)
        installed = 1;
}

void cli_interrupt_restore(void)
{
    if (!installed)
        return;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    installed = 0;
}

/* ---- Running ------------------------------------------------------------------------------- */

/* A replication's result as a blob (cli/batch.h): a header of REP_HEAD counts (months of
 * time series, ledger rows, person rows, end-state rows), then the outcome row, the time
 * series, the groups, the ledger, the persons and the end state. */
enum { REP_MONTHS, REP_LEDGER, REP_PERSONS, REP_END_STATE, REP_HEAD };

/* The blob of finished model m (replication rep) into *out. */
static int pack_replication(const struct cli_scenario *s, const struct model *m, uint32_t rep,
                            struct cli_blob *out, struct sim_err *err)
{
    size_t months = ser_months(m), ledger = led_rows(m);
    size_t persons = s->want_persons ? per_rows(m) : 0, end_state = warm_rows(m);
    if (months > s->series_cap)
        return sim_err_set(err, SIM_ESTATE,
                           "time series: %zu months recorded where run.horizon_years = %g "
                           "has room for %zu",
                           months, m->par.run.horizon_years, s->series_cap);
    size_t n = REP_HEAD + OUTC_COUNT + months * SER_COUNT + GRP_ROWS * GRP_COUNT +
               ledger * LED_COUNT + persons * PER_COUNT + end_state * WARM_COUNT_COLS;
    double *b = malloc(n * sizeof *b), *p = b;
    if (!b)
        return sim_err_set(err, SIM_ENOMEM, "results of a replication: out of memory");
    p[REP_MONTHS] = (double)months;
    p[REP_LEDGER] = (double)ledger;
    p[REP_PERSONS] = (double)persons;
    p[REP_END_STATE] = (double)end_state;
    p += REP_HEAD;
    int rc = outc_collect(m, p, err);
    if (rc) {
        free(b);
        return rc;
    }
    p += OUTC_COUNT;
    ser_fill(m, rep, p);
    p += months * SER_COUNT;
    grp_fill(m, rep, p);
    p += GRP_ROWS * GRP_COUNT;
    if (ledger > 0)
        led_fill(m, rep, p);
    p += ledger * LED_COUNT;
    if (persons > 0)
        per_fill(m, rep, p);
    p += persons * PER_COUNT;
    warm_fill(m, rep, p);
    out->data = b;
    out->n = n;
    return 0;
}

/* A batch of replications: unit u of the batch is replication from + u of the scenario. */
struct rep_batch {
    struct cli_scenario *s;
    size_t from;
};

struct model *cli_scenario_model(const struct cli_scenario *s, const struct model_params *par,
                                 const struct dis_tables *tables, uint32_t rep,
                                 struct sim_err *err)
{
    struct model *m = model_create_shared(par, tables, rep, err);
    if (m && ((s->reform_cfg && model_set_reform(m, &s->reform_par, err) != 0) ||
              (s->warm && warm_apply(m, s->warm, err) != 0))) {
        model_destroy(m);
        m = NULL;
    }
    if (!m && !err->code)
        sim_err_set(err, SIM_ENOMEM, "out of memory");
    return m;
}

/* Batch work (cli/batch.h): runs replication from + `unit` of the scenario on the shared
 * tables, started from the warm state when the scenario has one. Replication 0 records the
 * trace (--trace) straight into the scenario: only it does. */
static int replication_work(void *ctx, size_t unit, struct cli_blob *out, int *in_setup,
                            struct sim_err *err)
{
    const struct rep_batch *rb = ctx;
    struct cli_scenario *s = rb->s;
    size_t rep = rb->from + unit;
    struct model *m = cli_scenario_model(s, &s->par, s->tables, (uint32_t)rep, err);
    if (!m) {
        *in_setup = 1;
        return err->code ? err->code : SIM_ENOMEM;
    }
    if (rep == 0 && s->trace_limit)
        trc_start(m, &s->trace, s->trace_limit);
    int rc = model_run(m, err);
    rc = rc ? rc : pack_replication(s, m, (uint32_t)rep, out, err);
    model_destroy(m);
    return rc;
}

/* Batch consumer: appends replication from + `unit`'s rows to the scenario's tables. */
static int replication_consume(void *ctx, size_t unit, const double *b, size_t n,
                               struct sim_err *err)
{
    const struct rep_batch *rb = ctx;
    struct cli_scenario *s = rb->s;
    size_t rep = rb->from + unit;
    size_t months = (size_t)b[REP_MONTHS], ledger = (size_t)b[REP_LEDGER];
    size_t persons = (size_t)b[REP_PERSONS], end_state = (size_t)b[REP_END_STATE];
    const double *p = b + REP_HEAD;
    (void)n;
    memcpy(s->rows + rep * OUTC_COUNT, p, OUTC_COUNT * sizeof *p);
    p += OUTC_COUNT;
    int rc = out_appender_add(s->app[CLI_REP_SERIES], p, months, err);
    p += months * SER_COUNT;
    rc = rc ? rc : out_appender_add(s->app[CLI_REP_GROUPS], p, GRP_ROWS, err);
    p += GRP_ROWS * GRP_COUNT;
    rc = rc ? rc : out_appender_add(s->app[CLI_REP_LEDGER], p, ledger, err);
    p += ledger * LED_COUNT;
    if (s->want_persons)
        rc = rc ? rc : out_appender_add(s->app[CLI_REP_PERSONS], p, persons, err);
    p += persons * PER_COUNT;
    rc = rc ? rc : out_appender_add(s->app[CLI_REP_END_STATE], p, end_state, err);
    if (rc)
        return rc;
    size_t *rr = s->rep_rows + rep * CLI_REP_TABLES;
    rr[CLI_REP_SERIES] = months;
    rr[CLI_REP_LEDGER] = ledger;
    rr[CLI_REP_PERSONS] = persons;
    rr[CLI_REP_END_STATE] = end_state;
    return 0;
}

/* Reports a failed batch and returns the exit status. The model checks the parameter
 * combinations that key ranges cannot (a prevalence curve falling with age...) when the
 * model is created: those make the scenario invalid (exit 2), and fail replication 0 like
 * any other, before any result is written. */
static int report_failure(const struct cli_batch_status *st, const char *cmd, const char *path,
                          const char *label, size_t from)
{
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    if (from + st->failed == 0 && st->failed_in_setup && st->err.code == SIM_EINVAL) {
        fprintf(stderr, "caresim %s: %s: %s\n", cmd, path,
                sim_err_format(&st->err, buf, sizeof buf));
        return CLI_EXIT_USAGE;
    }
    fprintf(stderr, "caresim %s: %sreplication %zu: %s\n", cmd, label ? label : "",
            from + st->failed, sim_err_format(&st->err, buf, sizeof buf));
    return CLI_EXIT_FAIL;
}

int cli_scenario_prepare(struct cli_scenario *s, const char *cmd)
{
    struct sim_err e;
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    sim_err_clear(&e);
    dis_tables_destroy(s->tables);
    s->tables = dis_tables_create(&s->par, &e);
    if (!s->tables) {
        fprintf(stderr, "caresim %s: %s: %s\n", cmd, s->path, sim_err_format(&e, buf, sizeof buf));
        return e.code == SIM_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

void cli_scenario_keep(struct cli_scenario *s, int reps)
{
    if (reps >= s->reps)
        return;
    size_t n[CLI_REP_TABLES] = {0};
    for (size_t r = 0; r < (size_t)reps; r++)
        for (int k = 0; k < CLI_REP_TABLES; k++)
            n[k] += s->rep_rows[r * CLI_REP_TABLES + (size_t)k];
    /* Shrinking a table cannot fail for want of room; a failed write abandons the file,
     * which then refuses the commit, so the error needs no other report here. */
    for (int k = 0; k < CLI_REP_TABLES; k++)
        if (s->app[k])
            out_appender_truncate(s->app[k], n[k], NULL);
    if (s->app[CLI_REP_GROUPS])
        out_appender_truncate(s->app[CLI_REP_GROUPS], (size_t)reps * GRP_ROWS, NULL);
    s->reps = reps;
}

void cli_scenario_truncate(struct cli_scenario *s, int reps)
{
    if (reps >= s->reps)
        return;
    cli_scenario_keep(s, reps);
    s->partial = 1;
}

/* Makes the per-replication buffers hold `reps` replications. Returns 0 or -1 (out of
 * memory: the buffers are as they were). */
static int reserve(struct cli_scenario *s, int reps)
{
    if (reps <= s->rep_cap)
        return 0;
    size_t n = (size_t)reps;
    double *rows = realloc(s->rows, n * OUTC_COUNT * sizeof *rows);
    if (rows)
        s->rows = rows;
    size_t *rep_rows = rows ? realloc(s->rep_rows, n * CLI_REP_TABLES * sizeof *rep_rows) : NULL;
    if (!rep_rows)
        return -1;
    s->rep_rows = rep_rows;
    s->rep_cap = reps;
    return 0;
}

int cli_scenario_run_more(struct cli_scenario *s, const char *cmd, int threads, int show,
                          const char *label, int from, int to)
{
    int rc = s->tables ? CLI_EXIT_OK : cli_scenario_prepare(s, cmd);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (reserve(s, to) != 0) {
        fprintf(stderr, "caresim %s: out of memory for %d replications\n", cmd, to);
        return CLI_EXIT_FAIL;
    }
    struct rep_batch rb = {s, (size_t)from};
    struct cli_batch b = {
        .units = (size_t)(to - from),
        .work = replication_work,
        .consume = replication_consume,
        .ctx = &rb,
        .threads = threads,
        .show = show,
        .label = label,
        .what = "replications",
    };
    struct cli_batch_status st;
    if (cli_batch_run(&b, &st) == 0) {
        s->reps = to;
        return CLI_EXIT_OK;
    }
    if (st.failed < b.units)
        return report_failure(&st, cmd, s->path, label, (size_t)from);
    /* Interrupted: keep the replications complete in order from the first. */
    s->reps = from + (int)st.consumed;
    s->partial = 1;
    return CLI_EXIT_OK;
}

int cli_scenario_run(struct cli_scenario *s, const char *cmd, int threads, int show,
                     const char *label)
{
    return cli_scenario_run_more(s, cmd, threads, show, label, 0, s->reps);
}

int cli_scenario_set_replications(struct cli_scenario *s, const char *cmd, int reps)
{
    char set[64], buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    struct sim_err e;
    sim_err_clear(&e);
    /* As `-r reps` would: the last --set of the key, so the text reads the same. */
    snprintf(set, sizeof set, "run.replications=%d", reps);
    if (sim_cfg_set(s->cfg, set, &e) != 0) {
        fprintf(stderr, "caresim %s: %s: %s\n", cmd, s->path, sim_err_format(&e, buf, sizeof buf));
        return CLI_EXIT_USAGE;
    }
    char *text = sim_cfg_text(s->cfg, SIM_CFG_WRITE_ORIGINS);
    if (!text) {
        fprintf(stderr, "caresim %s: out of memory\n", cmd);
        return CLI_EXIT_FAIL;
    }
    free(s->config_text);
    s->config_text = text;
    if (s->reform_cfg && append_reform_text(s) != 0) {
        s->config_text = NULL;
        fprintf(stderr, "caresim %s: out of memory\n", cmd);
        return CLI_EXIT_FAIL;
    }
    s->par.run.replications = reps;
    return CLI_EXIT_OK;
}

/* ---- Writing --------------------------------------------------------------------------------- */

/* The n_cols columns described by info_of (a models/series.h column table): *info holds
 * the strings *cols points to (both malloc'ed, to be freed even on error). */
static int table_columns(int n_cols,
                         int (*info_of)(int col, struct outc_info *info, struct sim_err *err),
                         struct outc_info **info, struct out_column **cols, struct sim_err *e)
{
    *info = calloc((size_t)n_cols, sizeof **info);
    *cols = calloc((size_t)n_cols, sizeof **cols);
    int rc = *info && *cols ? 0 : sim_err_set(e, SIM_ENOMEM, "out of memory");
    for (int c = 0; rc == 0 && c < n_cols; c++) {
        rc = info_of(c, &(*info)[c], e);
        (*cols)[c] = (struct out_column){(*info)[c].name, (*info)[c].unit, (*info)[c].desc};
    }
    return rc;
}

/* Writes <group>/<name>: n_rows rows of n_cols columns described by info_of (the
 * models/series.h column tables). */
static int write_rows(struct out_writer *w, const char *group, const char *name,
                      const char *desc, int n_cols,
                      int (*info_of)(int col, struct outc_info *info, struct sim_err *err),
                      size_t n_rows, const double *values, struct sim_err *e)
{
    struct outc_info *info = NULL;
    struct out_column *cols = NULL;
    int rc = table_columns(n_cols, info_of, &info, &cols, e);
    struct out_table t = {
        .name = name,
        .desc = desc,
        .n_cols = (size_t)n_cols,
        .cols = cols,
        .n_rows = n_rows,
        .values = values,
    };
    rc = rc ? rc : out_writer_add_table(w, group, &t, e);
    free(cols);
    free(info);
    return rc;
}

/* The ledger's attributes party_names and mechanism_names: the names of the codes in its
 * columns from, to (enum pay_party) and mechanism (enum pay_mechanism), indexed by code. */
static int write_ledger_names(struct out_writer *w, const char *group, struct sim_err *e)
{
    char path[sizeof "/scenarios/" + PARAMS_NAME_MAX + sizeof "/ledger"];
    snprintf(path, sizeof path, "%s/ledger", group);
    const char *parties[PAY_NPARTIES], *mechanisms[PAY_NMECHANISMS];
    for (int i = 0; i < PAY_NPARTIES; i++)
        parties[i] = led_party_name(i);
    for (int i = 0; i < PAY_NMECHANISMS; i++)
        mechanisms[i] = led_mechanism_name(i);
    int rc = out_writer_add_attr_strings(w, path, "party_names", parties, PAY_NPARTIES, e);
    return rc ? rc
              : out_writer_add_attr_strings(w, path, "mechanism_names", mechanisms,
                                            PAY_NMECHANISMS, e);
}

/* The end state's attribute kind_names: the names of the codes in its column kind. */
static int write_kind_names(struct out_writer *w, const char *group, struct sim_err *e)
{
    char path[sizeof "/scenarios/" + PARAMS_NAME_MAX + sizeof "/end_state"];
    snprintf(path, sizeof path, "%s/end_state", group);
    const char *names[WARM_KINDS];
    for (int i = 0; i < WARM_KINDS; i++)
        names[i] = warm_kind_name(i);
    return out_writer_add_attr_strings(w, path, "kind_names", names, WARM_KINDS, e);
}

/* Begins <group>/<name> with the columns of a models/series.h column table, into *app. */
static int begin_rows(struct out_writer *w, const char *group, const char *name,
                      const char *desc, int n_cols,
                      int (*info_of)(int col, struct outc_info *info, struct sim_err *err),
                      struct out_appender **app, struct sim_err *e)
{
    struct outc_info *info = NULL;
    struct out_column *cols = NULL;
    int rc = table_columns(n_cols, info_of, &info, &cols, e);
    struct out_table t = {.name = name, .desc = desc, .n_cols = (size_t)n_cols, .cols = cols};
    rc = rc ? rc : out_writer_begin_table(w, group, &t, app, e);
    free(cols);
    free(info);
    return rc;
}

int cli_scenario_begin(struct out_writer *w, struct cli_scenario *s, struct sim_err *e)
{
    char group[sizeof "/scenarios/" + PARAMS_NAME_MAX];
    snprintf(group, sizeof group, "/scenarios/%s", s->par.name);
    int rc = out_writer_add_scenario(w, s->par.name, NULL, e);
    rc = rc ? rc
            : begin_rows(w, group, "timeseries",
                         "one row per month of the recording window and replication "
                         "(replications in order, then months): the month's activity, beds, "
                         "waits, costs and payer spending; counts add up to the window's",
                         SER_COUNT, ser_column_info, &s->app[CLI_REP_SERIES], e);
    rc = rc ? rc
            : begin_rows(w, group, "by_group",
                         "one row per replication, age band (at the end of the window or at "
                         "death) and deprivation quintile: the persons' totals over the "
                         "recording window",
                         GRP_COUNT, grp_column_info, &s->app[CLI_REP_GROUPS], e);
    rc = rc ? rc
            : begin_rows(w, group, "ledger",
                         "one row per replication, year of the recording window and money "
                         "flow (sender, receiver, mechanism) that moved money that year; the "
                         "attributes party_names and mechanism_names name the codes",
                         LED_COUNT, led_column_info, &s->app[CLI_REP_LEDGER], e);
    rc = rc ? rc : write_ledger_names(w, group, e);
    rc = rc ? rc
            : begin_rows(w, group, "end_state",
                         "the queues at the end of each replication, for a warm start "
                         "(run.warm_start): bookings held per working day ahead in every book, "
                         "beds occupied, patients boarding, elective lists by days waited, case "
                         "management; the attribute kind_names names the kinds",
                         WARM_COUNT_COLS, warm_column_info, &s->app[CLI_REP_END_STATE], e);
    rc = rc ? rc : write_kind_names(w, group, e);
    if (s->want_persons)
        rc = rc ? rc
                : begin_rows(w, group, "persons",
                             "one row per person the run created and replication (--persons): "
                             "demographics, conditions at the end, and their totals over the "
                             "recording window",
                             PER_COUNT, per_column_info, &s->app[CLI_REP_PERSONS], e);
    return rc;
}

int cli_scenario_write(struct out_writer *w, const struct cli_scenario *s,
                       const struct outc_info info[OUTC_COUNT], struct sim_err *e)
{
    struct out_column cols[OUTC_COUNT];
    for (int c = 0; c < OUTC_COUNT; c++)
        cols[c] = (struct out_column){info[c].name, info[c].unit, info[c].desc};
    struct out_table t = {
        .name = "replications",
        .desc = "one row per replication, in replication order: the outcomes of the run",
        .n_cols = OUTC_COUNT,
        .cols = cols,
        .n_rows = (size_t)s->reps,
        .values = s->rows,
    };
    char group[sizeof "/scenarios/" + PARAMS_NAME_MAX];
    snprintf(group, sizeof group, "/scenarios/%s", s->par.name);
    int rc = out_writer_add_config(w, s->par.name, s->config_text, e);
    rc = rc ? rc : out_writer_add_table(w, group, &t, e);
    rc = rc ? rc : out_writer_add_summary(w, group, &t, e);
    if (s->trace_limit && s->reps > 0) {
        rc = rc ? rc
                : write_rows(w, group, "events",
                             "the first events of replication 0 (--trace), in the order they "
                             "were handled; the attribute event_names names the types",
                             TRC_COUNT, trc_column_info, s->trace.n, s->trace.rows, e);
        const char *names[MODEL_EV_COUNT];
        for (int i = 0; i < MODEL_EV_COUNT; i++)
            names[i] = trc_event_name(i);
        char path[sizeof "/scenarios/" + PARAMS_NAME_MAX + sizeof "/events"];
        snprintf(path, sizeof path, "%s/events", group);
        rc = rc ? rc
                : out_writer_add_attr_strings(w, path, "event_names", names, MODEL_EV_COUNT, e);
    }
    return rc;
}
