/* cli/plot_psa.c — the figures of a PSA file (/psa, `caresim psa`) for `caresim plot`:
 * psa_ce_plane (incremental cost against incremental QALYs of every draw, with the
 * willingness-to-pay line), psa_ceac (acceptability curves and frontier) and psa_evpi (EVPI
 * and the EVPPI of key groups against willingness to pay). Reads the file through output/,
 * writes data and scripts through cli/plot_kit.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/plot_kit.h"
#include "models/outcomes.h"
#include "output/results.h"
#include "sim/err.h"

/* ---- Probabilistic sensitivity analysis (/psa, `caresim psa`) ---------------------------- */

/* What the PSA figures read: the tables of /psa and its reference willingness to pay. */
struct psa_data {
    const struct out_table *plane;  /* /psa/ce_plane: draw, cost_<s>, qalys_<s> ... */
    const struct out_table *ceac;   /* /psa/ceac: wtp, p_optimal_<s> ..., ceaf, evpi */
    const struct out_table *evppi;  /* /psa/evppi, or NULL */
    size_t strategies;              /* S */
    double wtp_ref;                 /* /psa attribute wtp_reference */
    char currency[64];
};

/* The name of strategy j: its CE-plane column cost_<name> without the prefix. */
static const char *psa_strategy(const struct psa_data *d, size_t j)
{
    return d->plane->cols[1 + 2 * j].name + strlen("cost_");
}

/* Whether EVPPI column c is drawn: a group of keys ("costs.*", not a single key) with a
 * value somewhere (too few draws for its regression leave it all NaN). */
static int psa_group_column(const struct out_table *t, size_t c)
{
    const char *name = t->cols[c].name;
    size_t n = strlen(name);
    if (n <= 2 || strcmp(name + n - 2, ".*") != 0)
        return 0;
    for (size_t r = 0; r < t->n_rows; r++)
        if (isfinite(t->values[r * t->n_cols + c]))
            return 1;
    return 0;
}

static void plane_write_data(FILE *fp, const struct plot_ctx *ctx, const void *arg)
{
    (void)ctx;
    const struct psa_data *d = arg;
    const struct out_table *t = d->plane;
    fputs("# draw", fp);
    for (size_t j = 1; j < d->strategies; j++)
        fprintf(fp, " incremental_qalys_%s incremental_cost_%s", psa_strategy(d, j),
                psa_strategy(d, j));
    fputc('\n', fp);
    for (size_t r = 0; r < t->n_rows; r++) {
        const double *v = t->values + r * t->n_cols;
        fprintf(fp, "%zu", r);
        for (size_t j = 1; j < d->strategies; j++) {
            plot_dat_number(fp, v[2 + 2 * j] - v[2]);
            plot_dat_number(fp, v[1 + 2 * j] - v[1]);
        }
        fputc('\n', fp);
    }
}

static void plane_write_script(FILE *fp, const struct plot_ctx *ctx, const char *figure,
                               const void *arg)
{
    const struct psa_data *d = arg;
    plot_gp_preamble(fp, ctx, figure, "cost-effectiveness plane of the PSA draws", 900, 650);
    fprintf(fp,
            "# Data: %s.dat, one row per PSA draw: for each alternative, its incremental\n"
            "# discounted QALYs and cost per person against the reference %s (columns 2k and\n"
            "# 2k+1 for the k-th alternative).\n"
            "data = \"%s.dat\"\n"
            "wtp = %.9g   # the reference willingness to pay (%s per QALY)\n\n",
            figure, psa_strategy(d, 0), figure, d->wtp_ref, d->currency);
    char ylabel[200], title[400];
    snprintf(ylabel, sizeof ylabel, "incremental cost per person (%s)", d->currency);
    snprintf(title, sizeof title, "Cost-effectiveness plane: each point a draw, vs %s; "
                                  "the line is %.0f %s per QALY",
             psa_strategy(d, 0), d->wtp_ref, d->currency);
    fputs("set title ", fp);
    plot_gp_string(fp, title);
    fputs("\nset xlabel \"incremental QALYs per person\"\nset ylabel ", fp);
    plot_gp_string(fp, ylabel);
    fputs("\nset grid\n"
          "set xzeroaxis lt -1\n"
          "set yzeroaxis lt -1\n"
          "set key outside right top\n"
          "# Below the line: cost-effective at the reference willingness to pay.\n"
          "plot ",
          fp);
    for (size_t j = 1; j < d->strategies; j++) {
        fprintf(fp, "%sdata using %zu:%zu with points pt 7 ps 0.5 title ", j > 1 ? ", \\\n     " : "",
                2 * j, 2 * j + 1);
        plot_gp_string(fp, psa_strategy(d, j));
    }
    fputs(", \\\n     wtp * x with lines lt -1 dt 2 title \"willingness to pay\"\n", fp);
}

static void ceac_write_data(FILE *fp, const struct plot_ctx *ctx, const void *arg)
{
    (void)ctx;
    const struct psa_data *d = arg;
    const struct out_table *t = d->ceac, *g = d->evppi;
    fputs("#", fp);
    for (size_t c = 0; c < t->n_cols; c++)
        fprintf(fp, " %s", t->cols[c].name);
    for (size_t c = 1; g && c < g->n_cols; c++)
        if (psa_group_column(g, c))
            fprintf(fp, " evppi_%s", g->cols[c].name);
    fputc('\n', fp);
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < t->n_cols; c++)
            plot_dat_number(fp, t->values[r * t->n_cols + c]);
        for (size_t c = 1; g && r < g->n_rows && c < g->n_cols; c++)
            if (psa_group_column(g, c))
                plot_dat_number(fp, g->values[r * g->n_cols + c]);
        fputc('\n', fp);
    }
}

static void ceac_write_script(FILE *fp, const struct plot_ctx *ctx, const char *figure,
                              const void *arg)
{
    const struct psa_data *d = arg;
    plot_gp_preamble(fp, ctx, figure, "cost-effectiveness acceptability curves", 900, 600);
    fprintf(fp,
            "# Data: %s.dat, one row per willingness to pay (column 1, %s per QALY): columns\n"
            "# 2..%zu the probability that each strategy has the largest net benefit, then\n"
            "# the acceptability frontier (strategy index, its probability) and the EVPI.\n"
            "data = \"%s.dat\"\n\n",
            figure, d->currency, d->strategies + 1, figure);
    char xlabel[200];
    snprintf(xlabel, sizeof xlabel, "willingness to pay per QALY (%s)", d->currency);
    fputs("set title \"Cost-effectiveness acceptability curves (points: the acceptability "
          "frontier)\"\nset xlabel ",
          fp);
    plot_gp_string(fp, xlabel);
    fputs("\nset ylabel \"probability cost-effective\"\n"
          "set yrange [0:1]\nset grid\nset key outside right top\nplot ",
          fp);
    for (size_t j = 0; j < d->strategies; j++) {
        fprintf(fp, "%sdata using 1:%zu with lines lw 2 title ", j ? ", \\\n     " : "", j + 2);
        plot_gp_string(fp, psa_strategy(d, j));
    }
    fprintf(fp, ", \\\n     data using 1:%zu with points pt 6 ps 0.6 lc rgb \"#000000\" "
                "title \"frontier\"\n",
            d->strategies + 3);
}

static void evpi_write_script(FILE *fp, const struct plot_ctx *ctx, const char *figure,
                              const void *arg)
{
    const struct psa_data *d = arg;
    plot_gp_preamble(fp, ctx, figure, "expected value of perfect information", 900, 600);
    size_t evpi_col = d->strategies + 4;
    fprintf(fp,
            "# Data: %s.dat (the CEAC's data): column 1 willingness to pay (%s per QALY),\n"
            "# column %zu the EVPI per person, and after it the EVPPI per person of each\n"
            "# group of parameters (costs.*, policy.* ...).\n"
            "data = \"%s.dat\"\n\n",
            figure, d->currency, evpi_col, figure);
    char xlabel[200], ylabel[200];
    snprintf(xlabel, sizeof xlabel, "willingness to pay per QALY (%s)", d->currency);
    snprintf(ylabel, sizeof ylabel, "value per person (%s)", d->currency);
    fputs("set title \"Expected value of perfect information (EVPI) and of parameter groups "
          "(EVPPI)\"\nset xlabel ",
          fp);
    plot_gp_string(fp, xlabel);
    fputs("\nset ylabel ", fp);
    plot_gp_string(fp, ylabel);
    fprintf(fp, "\nset yrange [0:*]\nset grid\nset key outside right top\n"
                "plot data using 1:%zu with lines lw 3 lc rgb \"#000000\" title \"EVPI\"",
            evpi_col);
    size_t col = evpi_col;
    for (size_t c = 1; d->evppi && c < d->evppi->n_cols; c++)
        if (psa_group_column(d->evppi, c)) {
            fprintf(fp, ", \\\n     data using 1:%zu with lines lw 2 title ", ++col);
            char t[300];
            snprintf(t, sizeof t, "EVPPI %s", d->evppi->cols[c].name);
            plot_gp_string(fp, t);
        }
    fputc('\n', fp);
}

/* The PSA figures: CE plane (with alternatives), CEAC, EVPI/EVPPI. Absent, silently, when
 * the file has no /psa (it was not written by `caresim psa`). */
int plot_fig_psa(struct plot_ctx *ctx, const char *unused)
{
    (void)unused;
    struct psa_data d = {.wtp_ref = plot_group_number(ctx, "/psa", "wtp_reference")};
    if (isnan(plot_group_number(ctx, "/psa", "draws")))
        return PLOT_ABSENT;
    struct out_table *plane = NULL, *ceac = NULL, *evppi = NULL;
    int rc = out_file_read_table(ctx->file, "/psa/ce_plane", &plane, ctx->err);
    rc = rc ? rc : out_file_read_table(ctx->file, "/psa/ceac", &ceac, ctx->err);
    if (rc == 0 && out_file_read_table(ctx->file, "/psa/evppi", &evppi, NULL) != 0)
        evppi = NULL; /* one strategy, or no group: no EVPPI */
    if (rc == 0 && (plane->n_cols < 3 || plane->n_cols % 2 == 0 ||
                    ceac->n_cols != (plane->n_cols - 1) / 2 + 4))
        rc = sim_err_set(ctx->err, SIM_EINVAL, "%s: /psa/ce_plane and /psa/ceac do not match "
                                               "(not written by this caresim?)", ctx->path);
    if (rc == 0) {
        char *cur = plot_group_text(ctx, "/psa", "currency");
        snprintf(d.currency, sizeof d.currency, "%s", cur && *cur ? cur : "currency");
        free(cur);
        d.plane = plane;
        d.ceac = ceac;
        d.evppi = evppi && evppi->n_rows == ceac->n_rows ? evppi : NULL;
        d.strategies = (plane->n_cols - 1) / 2;
        if (d.strategies > 1)
            rc = plot_write_figure(ctx, "psa_ce_plane", plane_write_data, plane_write_script, &d);
        rc = rc ? rc : plot_write_figure(ctx, "psa_ceac", ceac_write_data, ceac_write_script, &d);
        rc = rc ? rc : plot_write_figure(ctx, "psa_evpi", ceac_write_data, evpi_write_script, &d);
    }
    out_table_destroy(plane);
    out_table_destroy(ceac);
    out_table_destroy(evppi);
    return rc;
}

