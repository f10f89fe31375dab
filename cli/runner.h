/* cli/runner.h — what `caresim run` and `caresim compare` share: their common options, a
 * scenario loaded for a run, its replications run on threads over shared disease tables,
 * the results file's provenance and a scenario's part of the file, and the formatting of
 * numbers in terminal tables.
 *
 * Every function that can fail prints its own message, prefixed "caresim <cmd>: ", to
 * stderr and returns an exit status (CLI_EXIT_*), so that the commands only pass it on.
 */
#ifndef CLI_RUNNER_H
#define CLI_RUNNER_H

#include <signal.h>

#include "models/series.h"
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "models/outcomes.h"
#include "models/params.h"

struct dis_tables;
struct out_writer;
struct sim_cfg;
struct sim_err;

#define CLI_RESULTS_DIR "results" /* default directory of results files */
#define CLI_MAX_THREADS 256       /* most threads -j accepts: more is surely a typing error */

/* ---- Options ------------------------------------------------------------------------------ */

/* The options run and compare share, parsed. */
struct cli_run_opts {
    const char **paths;   /* scenario files, in command-line order */
    size_t npaths;        /* entries in paths */
    const char **sets;    /* --set assignments, then -r and --seed as assignments (so they
                           * are validated like any --set, and win over one) */
    size_t nsets;         /* entries in sets */
    const char *output;   /* -o: results file; NULL for the command's default */
    int quiet;            /* --quiet: no progress line */
    int persons;          /* --persons: also write one row per person */
    long trace;           /* --trace[=N]: keep the first N events of replication 0 (0 off) */
    int threads;          /* -j: threads to run replications on, 1..CLI_MAX_THREADS */
    char reps_set[64];    /* "run.replications=N" from -r, "" if not given */
    char seed_set[64];    /* "run.seed=S" from --seed, "" if not given */
};

/* Parses argv[1..argc) (argv[0] is the command's name, cmd) into o: -r/--replications,
 * --seed, -s/--set, -o/--output, -j/--jobs (also -jN), -q/--quiet, -h/--help (prints
 * usage to stdout) and scenario files. Returns CLI_EXIT_OK to go on, -1 after --help, or
 * CLI_EXIT_USAGE after printing the problem (and, for any exit, o must still be released
 * with cli_run_opts_fini). The caller checks the number of files. */
int cli_run_opts_parse(struct cli_run_opts *o, const char *cmd, int argc, char **argv,
                       void (*usage)(FILE *out));
void cli_run_opts_fini(struct cli_run_opts *o);

#define CLI_TRACE_DEFAULT 100000L /* events kept by --trace */
#define CLI_TRACE_MAX 100000000L  /* the most --trace=N keeps */

/* ---- Interruption ---------------------------------------------------------------------------- */

/* The signal (SIGINT or SIGTERM) that asked the run to stop, 0 while none has (it stays set
 * for the rest of the process). */
extern volatile sig_atomic_t cli_interrupted;

/* While installed, SIGINT and SIGTERM do not kill caresim: they set cli_interrupted, no new
 * replication starts, the ones running finish, and the command writes what is complete,
 * marked partial. A second signal kills as usual. cli_interrupt_restore puts the previous
 * handlers back. */
void cli_interrupt_install(void);
void cli_interrupt_restore(void);

struct cli_scenario;

/* Keeps replications 0 .. reps - 1 of a scenario that has run (reps <= s->reps): the
 * common complete prefix when a run was interrupted. */
void cli_scenario_truncate(struct cli_scenario *s, int reps);

/* ---- Small helpers ------------------------------------------------------------------------- */

/* Seconds on a monotonic clock. */
double cli_now_seconds(void);

/* "caresim ARGS...", shell-quoted where needed so that it can be pasted back; malloc'ed,
 * NULL when out of memory. */
char *cli_command_line(int argc, char **argv);

/* A number with about 6 significant digits and no exponent over the usual range: whole
 * numbers as such (counts), others with the decimals 6 significant digits need; "n/a" for
 * NaN. */
void cli_fmt_num(double x, char *buf, size_t size);

/* The results file path: output when not NULL, else results/<stem>.h5 with results/
 * created if needed. *target is malloc'ed. Returns an exit status. */
int cli_results_target(const char *cmd, const char *output, const char *stem, char **target);

/* The threads a run of reps replications uses when `requested` are asked for: no more
 * than replications (and than OpenMP allows), so that what the file records is what runs. */
int cli_threads_used(int requested, int reps);

/* Starts the results file at target (provenance: version, commit, command line, seed,
 * start time, host, threads). NULL after printing the problem. */
struct out_writer *cli_results_create(const char *cmd, const char *target, const char *cmdline,
                                      int64_t seed, int threads);

/* Fills info[c] for every outcome column. Returns an exit status. */
int cli_outcome_info(const char *cmd, struct outc_info info[OUTC_COUNT]);

/* ---- A scenario run -------------------------------------------------------------------------- */

/* Rows of doubles that grow at the end: n rows of cols values at v, room for cap rows. */
struct cli_rows {
    double *v;
    size_t n, cap, cols;
};

/* Appends k rows from src. Returns 0 or SIM_ENOMEM. */
int cli_rows_append(struct cli_rows *r, const double *src, size_t k);
void cli_rows_fini(struct cli_rows *r);

/* One scenario: loaded, then run, then written. */
struct cli_scenario {
    const char *path;         /* its file, as given */
    struct sim_cfg *cfg;      /* the resolved scenario */
    struct model_params par;  /* its parameters */
    char *config_text;        /* its libconfig text with origins, for the results file */
    int reps;                 /* par.run.replications */
    double *rows;             /* reps * OUTC_COUNT outcome values, row-major, in replication
                               * order */
    /* The further tables (models/series.h), filled by the run in replication order (each
     * replication's rows carry its index), so the file does not depend on the threads.
     * Each grows as replications are consumed (cli/batch.h). */
    size_t series_cap;        /* most months a replication records: the whole months of the
                               * horizon, plus one */
    struct cli_rows series;   /* monthly time series, SER_COUNT columns */
    double *groups;           /* by age band and deprivation quintile: reps * GRP_ROWS rows
                               * of GRP_COUNT */
    struct cli_rows ledger;   /* money flows by year, LED_COUNT columns */
    int want_persons;         /* write the persons table (set before the run) */
    struct cli_rows persons;  /* one row per person (--persons), PER_COUNT columns */
    size_t *rep_rows;         /* reps * 3: rows of series, ledger and persons each
                               * replication added (for cli_scenario_truncate) */
    size_t trace_limit;       /* events of replication 0 to record (set before the run); 0
                               * for no trace */
    struct trc_buf trace;     /* after the run: the recorded events */
    struct dis_tables *tables; /* the disease tables every replication reads (prepare) */
    struct sim_cfg *reform_cfg;      /* the scenario of par.reform.scenario, or NULL */
    struct model_params reform_par;  /* its parameters (when reform_cfg) */
    int partial;              /* interrupted: only the first reps replications (those
                               * complete in order) are kept */
};

/* Loads path with the --set assignments, fills the parameters and allocates the rows.
 * Returns CLI_EXIT_OK, CLI_EXIT_USAGE (invalid scenario: every diagnostic printed) or
 * CLI_EXIT_FAIL; s must be released with cli_scenario_fini either way. */
int cli_scenario_load(struct cli_scenario *s, const char *cmd, const char *path,
                      const char *const *sets, size_t nsets);
void cli_scenario_fini(struct cli_scenario *s);

/* Builds the disease tables: the calibration, once for all replications and shared
 * read-only by them. It also checks the parameter combinations that key ranges cannot (a
 * prevalence curve falling with age...): those make the scenario invalid (exit 2, with a
 * message naming its file). */
int cli_scenario_prepare(struct cli_scenario *s, const char *cmd);

/* Runs replications 0 .. reps - 1 of a prepared scenario on `threads` threads into
 * s->rows and the further tables (s->series, s->groups, s->ledger). Replication r uses replication index r and run.seed, so scenarios run with the
 * same seed and replications draw the same random numbers wherever they do the same
 * thing. With show, a progress line on stderr, prefixed by label (may be NULL). A scenario
 * the model refuses exits 2; a replication that fails exits 1, naming (after label) the
 * one of lowest index, the same whatever the number of threads. */
int cli_scenario_run(struct cli_scenario *s, const char *cmd, int threads, int show,
                     const char *label);

/* Adds /scenarios/<name> to the file: config, the replications table and the summary,
 * then the tables timeseries, by_group and ledger (with the attributes party_names and
 * mechanism_names naming the ledger's codes). Does not commit. Returns 0 or a SIM_E* code
 * with e filled. */
int cli_scenario_write(struct out_writer *w, const struct cli_scenario *s,
                       const struct outc_info info[OUTC_COUNT], struct sim_err *e);

#endif
