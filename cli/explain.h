/* cli/explain.h — the mechanism behind a comparison: which provider decisions and which
 * activity rates changed between a scenario and its base, and which lever moved them.
 *
 * Reads a results file written by `caresim compare` (/comparisons/<ALT>_vs_<BASE>/ and the
 * two scenarios' configs and summaries). Used by `caresim explain`, `caresim compare
 * --explain` and the HTML report (cli/report.c).
 */
#ifndef CLI_EXPLAIN_H
#define CLI_EXPLAIN_H

#include <stddef.h>
#include <stdio.h>

struct out_file;
struct sim_err;

/* A relative change smaller than this (fraction) counts as "did not change". */
#define CLI_EXPLAIN_UNCHANGED 0.005

/* One mechanism line: a provider decision or an activity rate, in the base scenario and in
 * the alternative. The decisions come first in the terminal output; rows of both kinds
 * are sorted together here. */
struct cli_explain_row {
    const char *label;  /* what is measured, e.g. "referrals per GP visit" */
    const char *unit;   /* unit of base and alt: "%", "days", "per person-year", "x
                         * indicated" (a multiplier of the clinically indicated level) */
    double base, alt;   /* means over replications in the base and in the alternative
                         * (unit); activity rows are the comparison's base_mean and
                         * alt_mean (fractions shown as %) */
    double rel_change;  /* relative change, fraction (-0.28 is 28% less): alt / base - 1 for
                         * a decision, the comparison's relative_change (mean paired
                         * difference / base mean) for activity; NaN when base is 0 or a
                         * value is missing */
    const char *why;    /* one short phrase naming the lever that moved it, e.g. "capitation
                         * removes the fee per visit: GPs review less often"; "(95% CI spans
                         * 0)" is appended to an activity row whose paired difference is not
                         * distinguishable from chance */
};

/* Fills *rows (malloc'ed, *n of them) with the mechanism rows of comparison (a group name
 * under /comparisons/, e.g. "capitation_vs_base"), sorted by |rel_change| descending (a
 * change from 0, rel_change NaN, first; rows without values last); rows that did not
 * change are included (|rel_change| < CLI_EXPLAIN_UNCHANGED: the printers skip them).
 * Returns 0, or a SIM_E* code with err filled: SIM_EINVAL when the file has no such
 * comparison (the message lists the names), SIM_EIO when it cannot be read, SIM_ENOMEM.
 * Free with cli_explain_rows_free. */
int cli_explain_rows(struct out_file *f, const char *comparison, struct cli_explain_row **rows,
                     size_t *n, struct sim_err *err);

/* Frees rows from cli_explain_rows (NULL is fine). */
void cli_explain_rows_free(struct cli_explain_row *rows, size_t n);

/* Prints the mechanism of comparison (NULL: every comparison of the file, in the order
 * written) to out: the decisions that changed, then the activity, each by size of change,
 * and the rows that did not change. Returns 0 or a SIM_E* code as cli_explain_rows. */
int cli_explain_print(FILE *out, struct out_file *f, const char *comparison,
                      struct sim_err *err);

/* `caresim compare --explain`: removes every "--explain" from argv[1..*argc) (not one
 * that is the value of an option such as --set) and returns how many it removed. */
int cli_explain_take_option(int *argc, char **argv);

/* Opens the results file at path and prints the mechanism of every comparison in it (as
 * `caresim explain`); problems go to stderr prefixed "caresim <cmd>: ". Returns an exit
 * status (CLI_EXIT_*). */
int cli_explain_file(FILE *out, const char *cmd, const char *path);

#endif
