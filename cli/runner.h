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
struct model;
struct out_writer;
struct warm_state;
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
 * common complete prefix when a run was interrupted (marked partial). */
void cli_scenario_truncate(struct cli_scenario *s, int reps);

/* The same without marking the scenario partial: a run that needed fewer replications than
 * it ran (`run --ci-target`). */
void cli_scenario_keep(struct cli_scenario *s, int reps);

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
 * than replications (and than OpenMP allows), so that what the file records is what runs;
 * 1 when several MPI ranks run (one thread on each, cli/batch.h). */
int cli_threads_used(int requested, int reps);

/* Starts the results file at target (provenance: version, commit, command line, seed,
 * start time, host, threads, MPI ranks). On MPI ranks other than 0, a writer that discards
 * everything (out_writer_create_discard). NULL after printing the problem. */
struct out_writer *cli_results_create(const char *cmd, const char *target, const char *cmdline,
                                      int64_t seed, int threads);

/* Fills info[c] for every outcome column. Returns an exit status. */
int cli_outcome_info(const char *cmd, struct outc_info info[OUTC_COUNT]);

/* ---- A scenario run -------------------------------------------------------------------------- */

/* The tables with a varying number of rows per replication (cli_scenario.rep_rows). */
enum { CLI_REP_SERIES, CLI_REP_LEDGER, CLI_REP_PERSONS, CLI_REP_END_STATE, CLI_REP_TABLES };
#define CLI_REP_GROUPS CLI_REP_TABLES /* app[] index of by_group (GRP_ROWS per replication) */

/* One scenario: loaded, then run, then written. */
struct cli_scenario {
    const char *path;         /* its file, as given */
    struct sim_cfg *cfg;      /* the resolved scenario */
    struct model_params par;  /* its parameters */
    char *config_text;        /* its libconfig text with origins, for the results file */
    int reps;                 /* par.run.replications; after a run, the replications in the
                               * tables */
    int rep_cap;              /* replications the per-replication buffers (rows, groups,
                               * rep_rows) hold: reps, or more (cli_scenario_run_more) */
    double *rows;             /* reps * OUTC_COUNT outcome values, row-major, in replication
                               * order */
    /* The further tables (models/series.h and models/warm.h) go straight to the results
     * file as replications are consumed, in replication order (each row carries its
     * replication index), so the file does not depend on the threads and memory does not
     * grow with the replications: cli_scenario_begin starts them (the writer owns the
     * appenders). */
    size_t series_cap;        /* most months a replication records: the whole months of the
                               * horizon, plus one */
    struct out_appender *app[CLI_REP_TABLES + 1]; /* timeseries, ledger, persons (with
                               * --persons), end_state, by_group (CLI_REP_GROUPS) */
    int want_persons;         /* write the persons table (set before the run) */
    size_t *rep_rows;         /* reps * CLI_REP_TABLES: rows of series, ledger, persons and
                               * end_state each replication added (cli_scenario_keep) */
    size_t trace_limit;       /* events of replication 0 to record (set before the run); 0
                               * for no trace */
    struct trc_buf trace;     /* after the run: the recorded events */
    struct dis_tables *tables; /* the disease tables every replication reads (prepare) */
    struct sim_cfg *reform_cfg;      /* the scenario of par.reform.scenario, or NULL */
    struct model_params reform_par;  /* its parameters (when reform_cfg) */
    struct warm_state *warm;  /* the end state of par.run.warm_start every replication starts
                               * from (read by cli_scenario_load), or NULL: a cold start */
    int partial;              /* interrupted: only the first reps replications (those
                               * complete in order) are kept */
};

/* Loads path with the --set assignments, fills the parameters, reads the end state a
 * warm start begins from (run.warm_start, through output/'s reader) and allocates the
 * rows. Returns CLI_EXIT_OK, CLI_EXIT_USAGE (invalid scenario, or a warm_start file that
 * is missing, not a results file, without the scenario or its end_state, or for other
 * providers: every diagnostic printed, naming the key and the file) or CLI_EXIT_FAIL; s
 * must be released with cli_scenario_fini either way. */
int cli_scenario_load(struct cli_scenario *s, const char *cmd, const char *path,
                      const char *const *sets, size_t nsets);
void cli_scenario_fini(struct cli_scenario *s);

/* The label of the scenario's currency (economics.currency: "GBP"), "currency" if unset. */
const char *cli_scenario_currency(const struct cli_scenario *s);

/* Loads an alternative to base (compare, psa) so that it runs on base's random numbers:
 * as cli_scenario_load, then, if it differs from base in run.seed or run.replications,
 * again with base's values forced, with a warning naming both files. */
int cli_scenario_load_paired(struct cli_scenario *s, const struct cli_scenario *base,
                             const char *cmd, const char *path, const char *const *sets,
                             size_t nsets);

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

/* Runs replications from .. to - 1 (from = the s->reps replications the tables hold, so 0
 * for a scenario that has not run), growing the per-replication buffers as needed: the
 * tables then hold replications 0 .. to - 1, bit for bit those of a run of `to`
 * replications, and s->reps = to. Otherwise as cli_scenario_run (interrupted: s->reps is
 * what is complete in order, s->partial set). */
int cli_scenario_run_more(struct cli_scenario *s, const char *cmd, int threads, int show,
                          const char *label, int from, int to);

/* Records run.replications = reps in the scenario (s->par and the configuration text the
 * file stores), so that the file reads as a run of reps replications. Returns an exit
 * status. */
int cli_scenario_set_replications(struct cli_scenario *s, const char *cmd, int reps);

/* A model of scenario s ready to run replication rep: parameters par (s->par, or a PSA
 * draw or sweep point made from it) on the disease tables `tables`, with s's reform
 * (reform.scenario) and warm start (run.warm_start) applied, as every command runs it.
 * NULL with err filled (SIM_EINVAL: parameters the model refuses). */
struct model *cli_scenario_model(const struct cli_scenario *s, const struct model_params *par,
                                 const struct dis_tables *tables, uint32_t rep,
                                 struct sim_err *err);

/* Starts /scenarios/<name> in the file before the run: the group and the tables the
 * replications stream into (timeseries, by_group, ledger with the attributes naming its
 * codes, end_state, persons with --persons). Returns 0 or a SIM_E* code with e filled. */
int cli_scenario_begin(struct out_writer *w, struct cli_scenario *s, struct sim_err *e);

/* Finishes /scenarios/<name> after the run (cli_scenario_begin started it and the run
 * filled its tables): config, the replications table, the summary and, with --trace, the
 * events. Does not commit. Returns 0 or a SIM_E* code with e filled. */
int cli_scenario_write(struct out_writer *w, const struct cli_scenario *s,
                       const struct outc_info info[OUTC_COUNT], struct sim_err *e);

#endif
