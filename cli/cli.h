/* cli/cli.h — the caresim command line: subcommands and the helpers they share.
 *
 * Each subcommand lives in cli/<name>.c as `int cli_<name>(int argc, char **argv)`
 * (argv[0] is the subcommand's name) and returns the process exit status. Adding one is a
 * one-line change: an X(...) entry in CLI_COMMANDS below; cli/main.c builds its dispatch
 * table and help text from this list. Only main() exits.
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "sim/config.h"

/* Exit statuses. */
#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1  /* the command ran and failed (I/O while writing results...) */
#define CLI_EXIT_USAGE 2 /* bad command line, or an invalid or unreadable scenario */

/* Version of caresim: `caresim --version` and every results file. */
#ifndef CARESIM_VERSION
#define CARESIM_VERSION "0.1.0"
#endif

/* X(name, one-line help) for every subcommand, in the order `caresim --help` lists them. */
#define CLI_COMMANDS(X)                                                                 \
    X(run, "run a scenario's replications and write the results file (HDF5)")           \
    X(compare, "run scenarios on common random numbers: paired differences, ICER, NMB") \
    X(sweep, "run a scenario over a grid of key values, or one-way (tornado)")          \
    X(psa, "probabilistic sensitivity analysis: draws, CEAC, ICERs, EVPI, EVPPI")      \
    X(validate, "check a scenario file and print every resolved key with its origin")   \
    X(params, "print the parameter reference (--markdown: docs/parameters.md)")         \
    X(report, "print a results file's provenance and summary tables")                   \
    X(explain, "a comparison's mechanism: provider decisions and activity that changed") \
    X(export, "write every table of a results file as CSV (--csv DIR)")                 \
    X(plot, "draw a results file's figures with gnuplot (data, scripts and images)")

#define CLI_DECLARE_COMMAND(name, help) int cli_##name(int argc, char **argv);
CLI_COMMANDS(CLI_DECLARE_COMMAND)
#undef CLI_DECLARE_COMMAND

/* Writes docs/parameters.md (the generated parameter reference) to out. */
int cli_params_markdown(FILE *out);

/* Loads and validates a scenario with --set overrides (sets[i] is "key=value"). On any
 * problem prints every diagnostic and a closing "caresim: N errors in FILE" line to err
 * and returns NULL; otherwise returns the resolved scenario (caller destroys it). */
struct sim_cfg *cli_load_scenario(const char *path, const char *const *sets, size_t nsets,
                                  FILE *err);

/* A results file opened for reading, with its provenance and scenario names (report,
 * export, plot). */
struct cli_results {
    struct out_file *file;
    struct out_info *info;  /* root attributes */
    char **names;           /* scenario names, in the order they were written */
    size_t count;           /* number of names */
};

/* Opens path and reads its provenance and scenario list. Returns 0, or a SIM_E* code with
 * e filled and r left closed. */
int cli_results_open(const char *path, struct cli_results *r, struct sim_err *e);
/* Frees everything cli_results_open gave; safe on a closed or zeroed r. */
void cli_results_close(struct cli_results *r);

/* A file written whole or not at all: open creates DIR/.NAME.tmp.PID for writing (fp), the
 * final name being DIR/NAME; commit closes it and renames it into place (on a write error
 * it removes it instead); fini frees it and, if not committed, removes the temporary
 * file. Return 0 or SIM_ENOMEM / SIM_EIO with err naming the file. */
struct cli_outfile {
    char *path;     /* final path (malloc'ed) */
    char *tmp_path; /* hidden temporary path beside it (malloc'ed) */
    FILE *fp;       /* open on tmp_path; NULL once closed */
};
int cli_outfile_open(struct cli_outfile *f, const char *dir, const char *name,
                     struct sim_err *err);
int cli_outfile_commit(struct cli_outfile *f, struct sim_err *err);
void cli_outfile_fini(struct cli_outfile *f);

/* Draws the figures `caresim plot` draws for the results file at results_path into the
 * existing directory dir (svg: 1 for .svg images, 0 for .png), with their data and
 * scripts, printing notes and gnuplot's failures on stderr but no list of images. *figures
 * gets the names of the figures whose scripts were written (<name>.svg in dir when gnuplot
 * succeeded; free each and the array), *n_figures their number. Returns 0;
 * CLI_PLOT_NO_GNUPLOT when gnuplot is not on PATH (scripts written, no image); or a
 * SIM_E* code with err filled (file unreadable, a scenario name unfit for a file name). */
#define CLI_PLOT_NO_GNUPLOT 1
int cli_plot_render(const char *results_path, const char *dir, int svg, char ***figures,
                    size_t *n_figures, struct sim_err *err);

/* A number as `caresim report` prints it (about 4 significant digits, "n/a" for NaN). */
void cli_report_number(double x, char *buf, size_t size);

/* Writes the self-contained HTML report of the open results file r (read from path) to
 * out_path, through a temporary file renamed into place; only the scenario named only
 * when not NULL (then without comparisons and analyses). Prints notes on stderr. Returns
 * 0, or a SIM_E* code with err filled. cli/report_html.c. */
int cli_report_html(const struct cli_results *r, const char *path, const char *only,
                    const char *out_path, struct sim_err *err);

/* rc, or CLI_EXIT_FAIL after printing "caresim CMD: writing standard output: REASON" when
 * flushing stdout fails or an earlier write to it failed (a full disk, a closed pipe). For
 * the commands whose output is what they print (report, params, validate). */
int cli_stdout_status(const char *cmd, int rc);

/* mkdir -p: creates dir and its missing parents. Returns 0 or SIM_ENOMEM / SIM_EIO. */
int cli_mkdir_p(const char *dir, struct sim_err *err);

/* Prints the diagnostics of cfg and the closing count line to out. */
void cli_print_diags(const struct sim_cfg *cfg, const char *path, FILE *out);

#endif
