/* cli/plot_kit.h — what the figure modules of `caresim plot` share (cli/plot.c holds the
 * command, the common figures and these helpers; cli/plot_sweep.c and cli/plot_psa.c the
 * figures of sweep and PSA files). A figure module reads the results file through ctx->file,
 * writes <figure>.dat and <figure>.gp through plot_write_figure and returns 0, PLOT_ABSENT
 * (the file lacks its data) or a SIM_E* code with ctx->err filled.
 */
#ifndef CLI_PLOT_KIT_H
#define CLI_PLOT_KIT_H

#include <stddef.h>
#include <stdio.h>

#include "output/results.h"
#include "sim/err.h"

/* A figure function's result when the data it needs are not in the file (besides 0 for
 * "scripts written" and a negative SIM_E* code). */
#define PLOT_ABSENT 1

enum plot_format { PLOT_PNG, PLOT_SVG };

/* What every figure function is given. */
struct plot_ctx {
    struct out_file *file;   /* the results file */
    const char *path;        /* its path as given, for messages and the scripts' comments */
    const char *dir;         /* output directory */
    enum plot_format format; /* image format */
    char **scenarios;        /* the scenarios to plot, in file order */
    size_t n_scenarios;      /* their number */
    const char *only;        /* --scenario NAME, or NULL for all */
    char **figures;          /* names of the figures whose scripts were written (malloc'ed) */
    size_t n_figures, cap_figures;
    struct sim_err *err;     /* filled on failure */
};

/* Remembers that <name>.gp was written, for gnuplot to run it. */
int plot_add_figure(struct plot_ctx *ctx, const char *name);

/* A number of a data file (9 significant digits; NaN and infinities as NaN), a word (quoted
 * when it has blanks), and a gnuplot string constant (escaped, double-quoted). */
void plot_dat_number(FILE *fp, double x);
void plot_dat_word(FILE *fp, const char *s);
void plot_gp_string(FILE *fp, const char *s);

/* The opening of every script: what it draws, how to redraw it, the terminal (width x height
 * pixels) and the output file. */
void plot_gp_preamble(FILE *fp, const struct plot_ctx *ctx, const char *figure,
                      const char *what, int width, int height);

/* Writes DIR/<figure>.dat and DIR/<figure>.gp through the two callbacks and registers the
 * figure. */
int plot_write_figure(struct plot_ctx *ctx, const char *figure,
                      void (*data)(FILE *fp, const struct plot_ctx *ctx, const void *arg),
                      void (*script)(FILE *fp, const struct plot_ctx *ctx, const char *figure,
                                     const void *arg),
                      const void *arg);

/* Index of column `name` in t, or -1. */
long plot_table_column(const struct out_table *t, const char *name);

/* The scenario's currency label from its stored config into buf ("" when unknown). */
void plot_scenario_currency(const struct plot_ctx *ctx, const char *scenario, char *buf,
                            size_t size);

/* A text attribute of an object (malloc'ed; NULL when absent), a number one (NaN). */
char *plot_group_text(const struct plot_ctx *ctx, const char *group, const char *name);
double plot_group_number(const struct plot_ctx *ctx, const char *group, const char *name);

/* The figure modules. */
int plot_fig_sweep(struct plot_ctx *ctx, const char *unused);
int plot_fig_psa(struct plot_ctx *ctx, const char *unused);

#endif
