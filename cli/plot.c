/* cli/plot.c — `caresim plot RESULTS.h5 [-o DIR] [--format png|svg] [--scenario NAME]`:
 * draws the figures of a results file (docs/results.md, "Plots") with gnuplot.
 *
 * For every figure whose data the file holds, writes into DIR the figure's data as plain
 * text (<figure>.dat: whitespace-separated columns, one '#' line naming them, NaN for a
 * missing value) and a commented gnuplot script (<figure>.gp) that reads it, then runs
 * `gnuplot <figure>.gp` in DIR, which writes <figure>.png or <figure>.svg. The scripts are
 * there to be edited and rerun, so users restyle a figure without caresim. Figures:
 *
 *   timeseries_<scenario>      monthly bed occupancy and mean GP and specialist waits:
 *                              mean over replications, with a band (lowest to highest
 *                              value, 10th to 90th percentile from 10 replications)
 *   costs_by_sector            stacked bars: cost per person-year by sector per scenario
 *   comparison_<alt>_vs_<base> horizontal bars: relative change of the main outcomes with
 *                              95% CIs (written by `caresim compare`)
 *   equity_<scenario>          GP visits and QALYs per life-year by deprivation quintile
 *   sweep_tornado_<outcome>    `caresim sweep --oneway`: bars from the base to the outcome
 *                              at each key's low and high value, largest swing first
 *                              (cost_total_disc, qalys_disc)
 *   sweep_lines                `caresim sweep` grid over one or two keys: the main
 *                              outcomes against the first key with a 95% CI band, one
 *                              line per value of the second
 *
 *   psa_ce_plane, psa_ceac,    `caresim psa`: the CE plane of the draws, the acceptability
 *   psa_evpi                   curves, EVPI and EVPPI against willingness to pay
 *
 * A figure whose table is absent (timeseries and by_group come with newer files) is skipped
 * with a note on stderr. Every kind of figure is one entry of plot_figures[] below; the
 * sweep and PSA figures live in cli/plot_sweep.c and cli/plot_psa.c, and the helpers all
 * figure modules share are declared in cli/plot_kit.h.
 *
 * Reads the results file through output/ (and resolves the scenario text stored in it, for
 * the name of its currency); creates DIR (and missing parents) and writes the
 * files in it, each under a hidden temporary name renamed into place when complete; runs
 * the external program gnuplot (fork and exec, no shell) with DIR as working directory.
 * Writes stdout (the images written) and stderr (notes and problems).
 *
 * cli_plot_render (cli/cli.h) draws the same figures for another command (`caresim report
 * --html` inlines them as SVG), listing nothing on stdout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/plot_kit.h"
#include "models/outcomes.h"
#include "models/params.h"
#include "models/series.h"
#include "output/results.h"
#include "sim/config.h"
#include "sim/err.h"


/* From this many replications the time-series band is the 10th to 90th percentile; with
 * fewer it is the lowest to highest value. */
#define PLOT_PERCENTILE_REPS 10

/* Months a time series may have (1000 years): anything beyond is a damaged table. */
#define PLOT_MAX_MONTHS 12000

/* Deprivation quintiles (models/series.h: 1 least .. 5 most deprived). */
#define PLOT_QUINTILES 5

static const char *const format_ext[] = {[PLOT_PNG] = "png", [PLOT_SVG] = "svg"};


/* Remembers that <name>.gp was written, for gnuplot to run it. */
int plot_add_figure(struct plot_ctx *ctx, const char *name)
{
    if (ctx->n_figures == ctx->cap_figures) {
        size_t cap = ctx->cap_figures ? 2 * ctx->cap_figures : 8;
        char **v = realloc(ctx->figures, cap * sizeof *v);
        if (!v)
            return sim_err_set(ctx->err, SIM_ENOMEM, "out of memory");
        ctx->figures = v;
        ctx->cap_figures = cap;
    }
    if (!(ctx->figures[ctx->n_figures] = strdup(name)))
        return sim_err_set(ctx->err, SIM_ENOMEM, "out of memory");
    ctx->n_figures++;
    return 0;
}

/* Names from the file become file names: refuse any that would leave DIR or be hidden. */
static int safe_file_stem(const char *name)
{
    return name[0] != '\0' && name[0] != '.' && !strchr(name, '/');
}


/* ---- Writing data files and scripts ------------------------------------------------------ */

/* A number of a data file: 9 significant digits (plenty for a plot; the results file has
 * the exact values); NaN, and infinities, as NaN, which the scripts treat as missing. */
void plot_dat_number(FILE *fp, double x)
{
    if (isfinite(x))
        fprintf(fp, " %.9g", x + 0.0); /* + 0.0: no "-0" */
    else
        fputs(" NaN", fp);
}

/* A word of a data file: as is when it has no blank, quote or '#', else in double quotes
 * (gnuplot reads a quoted field as one) with inner double quotes turned into single ones. */
void plot_dat_word(FILE *fp, const char *s)
{
    if (*s && !s[strcspn(s, " \t\r\n\"#")]) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++)
        fputc(*s == '"' ? '\'' : (*s == '\n' || *s == '\r' || *s == '\t') ? ' ' : *s, fp);
    fputc('"', fp);
}

/* A gnuplot string constant: double-quoted, so "\n" breaks a title's line; backslashes
 * and double quotes in s are escaped. */
void plot_gp_string(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '\\' || *s == '"')
            fputc('\\', fp);
        if (*s == '\n')
            fputs("\\n", fp);
        else
            fputc(*s, fp);
    }
    fputc('"', fp);
}

/* The opening of every script: what it draws, how to redraw it, the terminal and the
 * output file. width and height are in pixels. */
void plot_gp_preamble(FILE *fp, const struct plot_ctx *ctx, const char *figure,
                        const char *what, int width, int height)
{
    const char *ext = format_ext[ctx->format];
    fprintf(fp,
            "# %s.gp — %s.\n"
            "# Written by `caresim plot` from the results file %s.\n"
            "# Redraw with `gnuplot %s.gp` in this directory: it reads the data file(s) named\n"
            "# below (plain text, first line names the columns) and writes %s.%s.\n"
            "# Edit it freely to restyle the figure, but keep a copy under another name:\n"
            "# running `caresim plot` again rewrites it.\n\n",
            figure, what, ctx->path, figure, figure, ext);
    if (ctx->format == PLOT_PNG)
        fprintf(fp,
                "# Output: PNG through cairo when this gnuplot has it (smoother lines and\n"
                "# text), else through libgd. For a vector image: `set terminal svg`.\n"
                "if (strstrt(GPVAL_TERMINALS, \"pngcairo\") > 0) {\n"
                "    set terminal pngcairo size %d,%d font \"sans,10\" noenhanced\n"
                "} else {\n"
                "    set terminal png size %d,%d noenhanced\n"
                "}\n",
                width, height, width, height);
    else
        fprintf(fp,
                "# Output: SVG (vector). For a bitmap: `set terminal pngcairo size W,H`.\n"
                "set terminal svg size %d,%d font \"sans,10\" noenhanced "
                "background \"#ffffff\"\n",
                width, height);
    fprintf(fp, "set output ");
    char out[1100];
    snprintf(out, sizeof out, "%s.%s", figure, ext);
    plot_gp_string(fp, out);
    fprintf(fp, "\n# A value the run could not give (a month without bookings...) is NaN in the\n"
                "# data: left out, not drawn as 0.\n"
                "set datafile missing \"NaN\"\n\n");
}

/* Writes the data file DIR/<figure>.dat and the script DIR/<figure>.gp through the two
 * callbacks, each given the open stream and arg, and registers the figure. */
int plot_write_figure(struct plot_ctx *ctx, const char *figure,
                        void (*data)(FILE *fp, const struct plot_ctx *ctx, const void *arg),
                        void (*script)(FILE *fp, const struct plot_ctx *ctx, const char *figure,
                                       const void *arg),
                        const void *arg)
{
    char name[1100];
    struct cli_outfile pf;
    snprintf(name, sizeof name, "%s.dat", figure);
    int rc = cli_outfile_open(&pf, ctx->dir, name, ctx->err);
    if (rc == 0) {
        data(pf.fp, ctx, arg);
        rc = cli_outfile_commit(&pf, ctx->err);
    }
    cli_outfile_fini(&pf);
    if (rc != 0)
        return rc;
    snprintf(name, sizeof name, "%s.gp", figure);
    rc = cli_outfile_open(&pf, ctx->dir, name, ctx->err);
    if (rc == 0) {
        script(pf.fp, ctx, figure, arg);
        rc = cli_outfile_commit(&pf, ctx->err);
    }
    cli_outfile_fini(&pf);
    return rc != 0 ? rc : plot_add_figure(ctx, figure);
}

/* Index of column `name` in t, or -1. */
long plot_table_column(const struct out_table *t, const char *name)
{
    for (size_t c = 0; c < t->n_cols; c++)
        if (strcmp(t->cols[c].name, name) == 0)
            return (long)c;
    return -1;
}

/* Finds the columns of t named by info(cols[i]) (a models/series.h column table) and puts
 * their indices in at[i]. SIM_EINVAL naming the first one missing. */
static int find_columns(const struct plot_ctx *ctx, const struct out_table *t,
                        const char *dataset,
                        int (*info)(int, struct outc_info *, struct sim_err *), const int *cols,
                        size_t n, size_t *at)
{
    for (size_t i = 0; i < n; i++) {
        struct outc_info ci;
        if (info(cols[i], &ci, ctx->err) != 0)
            return SIM_EINVAL;
        long c = plot_table_column(t, ci.name);
        if (c < 0)
            return sim_err_set(ctx->err, SIM_EINVAL, "%s: %s has no column %s", ctx->path,
                               dataset, ci.name);
        at[i] = (size_t)c;
    }
    return 0;
}

/* Whether the scenario's group holds the tables of runs: files of `caresim sweep` keep only
 * the scenario's config there, and files of `caresim psa` only its outcome rows (no time
 * series or groups), so the per-scenario figures are then absent, silently. */
static int scenario_has_runs(const struct plot_ctx *ctx, const char *scenario)
{
    char dataset[1100];
    size_t rows;
    snprintf(dataset, sizeof dataset, "/scenarios/%s/replications", scenario);
    return out_file_table_rows(ctx->file, dataset, &rows, NULL) == 0;
}

/* Whether the figures from the scenario's time series and groups can be drawn: it ran,
 * and not as part of a PSA. */
static int scenario_has_tables(const struct plot_ctx *ctx, const char *scenario)
{
    size_t rows;
    return scenario_has_runs(ctx, scenario) &&
           out_file_table_rows(ctx->file, "/psa/ce_plane", &rows, NULL) != 0;
}

/* Reads an optional table (timeseries, by_group): PLOT_ABSENT, with a note on stderr naming
 * the figure skipped and the reader's reason, when it cannot be read. output/ cannot tell
 * a missing dataset from a damaged one without reading it, and the note says which. */
static int read_optional_table(const struct plot_ctx *ctx, const char *dataset,
                               const char *figure, struct out_table **t)
{
    struct sim_err e;
    sim_err_clear(&e);
    if (out_file_read_table(ctx->file, dataset, t, &e) == 0)
        return 0;
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    fprintf(stderr, "caresim plot: note: skipping %s: %s\n", figure,
            sim_err_format(&e, buf, sizeof buf));
    return PLOT_ABSENT;
}

/* ---- Quantiles --------------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile p (0..1) of n sorted values, interpolating linearly between order statistics
 * (the definition of gsl_stats_quantile_from_sorted_data and R's type 7). */
static double sorted_quantile(const double *x, size_t n, double p)
{
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return x[n - 1];
    return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

/* Mean and band of the values v[0..n) that are not NaN (v is reordered): the band is the
 * 10th to 90th percentile when percentiles is set, else the lowest to highest value. All
 * three NaN when no value is left. */
static void mean_and_band(double *v, size_t n, int percentiles, double out[3])
{
    size_t k = 0;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i])) {
            sum += v[i];
            v[k++] = v[i];
        }
    if (k == 0) {
        out[0] = out[1] = out[2] = NAN;
        return;
    }
    qsort(v, k, sizeof *v, cmp_double);
    out[0] = sum / (double)k;
    out[1] = percentiles ? sorted_quantile(v, k, 0.10) : v[0];
    out[2] = percentiles ? sorted_quantile(v, k, 0.90) : v[k - 1];
}

/* ---- timeseries_<scenario> --------------------------------------------------------------- */

/* The series of the figure: column of models/series.h, name in the data file. */
static const struct {
    int col;
    const char *name;
} ts_series[] = {
    {SER_BED_OCCUPANCY, "bed_occupancy"},
    {SER_WAIT_GP, "wait_gp_days"},
    {SER_WAIT_SPECIALIST, "wait_specialist_days"},
};
#define TS_SERIES (sizeof ts_series / sizeof *ts_series)

/* A time series summarised by month. */
struct ts_data {
    const char *scenario;
    size_t months;        /* rows: months 1 .. months */
    size_t replications;  /* distinct replications in the table */
    int percentiles;      /* band: 1 = 10th-90th percentile, 0 = lowest-highest */
    double *year;         /* months values: the month's end, years from the window start */
    double *n;            /* months values: replications with a row for the month */
    double *stats;        /* months x TS_SERIES x 3: mean, band low, band high */
};

static void ts_data_fini(struct ts_data *d)
{
    free(d->year);
    free(d->n);
    free(d->stats);
}

/* Groups the rows of the table by month and summarises each series over replications. */
static int ts_summarise(const struct plot_ctx *ctx, const struct out_table *t,
                        const char *dataset, struct ts_data *d)
{
    enum { C_REP, C_MONTH, C_YEAR, C_FIRST };
    int cols[C_FIRST + TS_SERIES] = {SER_REPLICATION, SER_MONTH, SER_YEAR};
    for (size_t s = 0; s < TS_SERIES; s++)
        cols[C_FIRST + s] = ts_series[s].col;
    size_t at[C_FIRST + TS_SERIES];
    int rc = find_columns(ctx, t, dataset, ser_column_info, cols, C_FIRST + TS_SERIES, at);
    if (rc != 0)
        return rc;
    const size_t nc = t->n_cols;

    /* Months are whole numbers 1 .. months. */
    size_t months = 0;
    for (size_t r = 0; r < t->n_rows; r++) {
        double m = t->values[r * nc + at[C_MONTH]];
        if (!(m >= 1 && m <= PLOT_MAX_MONTHS && m == floor(m)))
            return sim_err_set(ctx->err, SIM_EINVAL, "%s: %s, row %zu: month %g is not 1 .. %d",
                               ctx->path, dataset, r, m, PLOT_MAX_MONTHS);
        months = (size_t)m > months ? (size_t)m : months;
    }
    /* Distinct replications. */
    double *reps = malloc((t->n_rows + 1) * sizeof *reps);
    size_t *start = calloc(months + 2, sizeof *start); /* counting sort of rows by month */
    size_t *order = malloc((t->n_rows + 1) * sizeof *order);
    double *v = malloc((t->n_rows + 1) * sizeof *v);
    d->year = malloc((months + 1) * sizeof *d->year);
    d->n = malloc((months + 1) * sizeof *d->n);
    d->stats = malloc((months * TS_SERIES * 3 + 1) * sizeof *d->stats);
    if (!reps || !start || !order || !v || !d->year || !d->n || !d->stats) {
        rc = sim_err_set(ctx->err, SIM_ENOMEM, "out of memory");
        goto out;
    }
    d->months = months;
    for (size_t r = 0; r < t->n_rows; r++)
        reps[r] = t->values[r * nc + at[C_REP]];
    qsort(reps, t->n_rows, sizeof *reps, cmp_double);
    d->replications = 0;
    for (size_t r = 0; r < t->n_rows; r++)
        if (r == 0 || reps[r] != reps[r - 1])
            d->replications++;
    d->percentiles = d->replications >= PLOT_PERCENTILE_REPS;

    for (size_t r = 0; r < t->n_rows; r++)
        start[(size_t)t->values[r * nc + at[C_MONTH]]]++;
    for (size_t m = 1; m <= months + 1; m++)
        start[m] += start[m - 1];
    /* start[m - 1] .. start[m] - 1 will hold the rows of month m. */
    size_t *fill = calloc(months + 1, sizeof *fill);
    if (!fill) {
        rc = sim_err_set(ctx->err, SIM_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t r = 0; r < t->n_rows; r++) {
        size_t m = (size_t)t->values[r * nc + at[C_MONTH]];
        order[start[m - 1] + fill[m]++] = r;
    }
    free(fill);

    for (size_t m = 1; m <= months; m++) {
        size_t lo = start[m - 1], n = start[m] - lo;
        d->n[m - 1] = (double)n;
        d->year[m - 1] = n ? t->values[order[lo] * nc + at[C_YEAR]] : NAN;
        for (size_t s = 0; s < TS_SERIES; s++) {
            for (size_t i = 0; i < n; i++)
                v[i] = t->values[order[lo + i] * nc + at[C_FIRST + s]];
            mean_and_band(v, n, d->percentiles, &d->stats[((m - 1) * TS_SERIES + s) * 3]);
        }
    }
out:
    free(reps);
    free(start);
    free(order);
    free(v);
    return rc;
}

static void ts_write_data(FILE *fp, const struct plot_ctx *ctx, const void *arg)
{
    (void)ctx;
    const struct ts_data *d = arg;
    fputs("# month year", fp);
    for (size_t s = 0; s < TS_SERIES; s++)
        fprintf(fp, " %s_mean %s_low %s_high", ts_series[s].name, ts_series[s].name,
                ts_series[s].name);
    fputs(" replications\n", fp);
    for (size_t m = 0; m < d->months; m++) {
        fprintf(fp, "%zu", m + 1);
        plot_dat_number(fp, d->year[m]);
        for (size_t s = 0; s < TS_SERIES * 3; s++)
            plot_dat_number(fp, d->stats[m * TS_SERIES * 3 + s]);
        plot_dat_number(fp, d->n[m]);
        fputc('\n', fp);
    }
}

static void ts_write_script(FILE *fp, const struct plot_ctx *ctx, const char *figure,
                            const void *arg)
{
    const struct ts_data *d = arg;
    char what[1200], title[1400];
    snprintf(what, sizeof what, "monthly bed occupancy and waits of scenario %s", d->scenario);
    plot_gp_preamble(fp, ctx, figure, what, 1000, 700);
    const char *band = d->percentiles ? "10th to 90th percentile" : "lowest to highest value";
    fprintf(fp,
            "# Data: %s.dat, one row per month of the recording window, summarised over the\n"
            "# %zu replication(s): mean, and a band from the %s\n"
            "# (the 10th to 90th percentile from %d replications on, else lowest to highest).\n"
            "# Columns: 1 month, 2 year (the month's end, years from the window start),\n"
            "# 3-5 bed occupancy (fraction: mean, low, high), 6-8 mean wait for a GP\n"
            "# appointment (days), 9-11 mean wait for a first specialist appointment (days),\n"
            "# 12 replications with a row for the month.\n"
            "data = \"%s.dat\"\n\n",
            figure, d->replications, band, PLOT_PERCENTILE_REPS, figure);
    snprintf(title, sizeof title,
             "Scenario %s: monthly bed occupancy and waits\nmean of %zu replication%s, band: %s",
             d->scenario, d->replications, d->replications == 1 ? "" : "s", band);
    fputs("set multiplot layout 2,1 title ", fp);
    plot_gp_string(fp, title);
    fputs("\n"
          "set grid\n"
          "set key top left\n"
          "set xlabel \"years since the start of the recording window\"\n"
          "# Bands are drawn first, half transparent, then the means on top.\n"
          "set style fill transparent solid 0.25 noborder\n\n"
          "# Top: bed occupancy, in percent.\n"
          "set ylabel \"bed occupancy (%)\"\n"
          "plot data using 2:($4*100):($5*100) with filledcurves lc rgb \"#1f77b4\" "
          "title \"band\", \\\n"
          "     data using 2:($3*100) with lines lw 2 lc rgb \"#1f77b4\" title \"mean\"\n\n"
          "# Bottom: mean waits for appointments booked in the month.\n"
          "set ylabel \"mean wait (days)\"\n"
          "set yrange [0:*]\n"
          "plot data using 2:7:8 with filledcurves lc rgb \"#2ca02c\" notitle, \\\n"
          "     data using 2:6 with lines lw 2 lc rgb \"#2ca02c\" title \"GP\", \\\n"
          "     data using 2:10:11 with filledcurves lc rgb \"#d62728\" notitle, \\\n"
          "     data using 2:9 with lines lw 2 lc rgb \"#d62728\" "
          "title \"specialist (first visit)\"\n"
          "unset multiplot\n",
          fp);
}

static int fig_timeseries(struct plot_ctx *ctx, const char *scenario)
{
    char dataset[1100], figure[1100];
    snprintf(dataset, sizeof dataset, "/scenarios/%s/timeseries", scenario);
    snprintf(figure, sizeof figure, "timeseries_%s", scenario);
    if (!scenario_has_tables(ctx, scenario))
        return PLOT_ABSENT;
    struct out_table *t = NULL;
    int rc = read_optional_table(ctx, dataset, figure, &t);
    if (rc != 0)
        return rc;
    if (t->n_rows == 0) {
        fprintf(stderr, "caresim plot: note: skipping %s: %s has no rows (a horizon shorter "
                        "than a month)\n", figure, dataset);
        out_table_destroy(t);
        return PLOT_ABSENT;
    }
    struct ts_data d = {.scenario = scenario};
    rc = ts_summarise(ctx, t, dataset, &d);
    if (rc == 0)
        rc = plot_write_figure(ctx, figure, ts_write_data, ts_write_script, &d);
    ts_data_fini(&d);
    out_table_destroy(t);
    return rc;
}

/* ---- costs_by_sector --------------------------------------------------------------------- */

/* The sectors of the cost columns (models/outcomes.h), in stacking order, with labels. */
static const struct {
    int col;
    const char *label;
} cost_sectors[] = {
    {OUTC_COST_PRIMARY, "general practice"},
    {OUTC_COST_OUTPATIENT, "specialist clinics"},
    {OUTC_COST_ED, "emergency department"},
    {OUTC_COST_INPATIENT, "hospital stays"},
    {OUTC_COST_POSTACUTE, "post-acute care"},
    {OUTC_COST_OTHER, "other (the levers' services)"},
};
#define COST_SECTORS (sizeof cost_sectors / sizeof *cost_sectors)

struct costs_data {
    size_t n;                /* scenarios */
    char *const *names;      /* their names */
    double (*per_py)[COST_SECTORS + 2]; /* per scenario: sectors, total, person-years */
    char unit[OUTC_UNIT_MAX]; /* currency of the costs */
};

/* Mean of outcome `col` (enum outc_column) in summary s, NaN when it is not there. */
static double summary_mean(const struct out_summary *s, int col)
{
    struct outc_info info;
    if (outc_column_info(col, &info, NULL) != 0)
        return NAN;
    for (size_t i = 0; i < s->n_rows; i++)
        if (strcmp(s->rows[i].outcome, info.name) == 0)
            return s->rows[i].mean;
    return NAN;
}

/* The currency of a scenario (economics.currency of the resolved scenario stored in the
 * file) into buf; buf is left alone when the stored text cannot be resolved (a file of
 * another version, say). */
void plot_scenario_currency(const struct plot_ctx *ctx, const char *scenario, char *buf,
                              size_t size)
{
    char *text = NULL;
    if (out_file_read_config(ctx->file, scenario, &text, NULL) != 0)
        return;
    const struct sim_cfg_schema *schema = params_schema();
    int k = sim_cfg_schema_find(schema, "economics.currency");
    struct sim_cfg *cfg = k >= 0 ? sim_cfg_create(schema, NULL) : NULL;
    if (cfg && sim_cfg_load_string(cfg, text, scenario, NULL) == 0) {
        const char *c = sim_cfg_get_string(cfg, (size_t)k);
        if (c && *c)
            snprintf(buf, size, "%s", c);
    }
    sim_cfg_destroy(cfg);
    free(text);
}

static void costs_write_data(FILE *fp, const struct plot_ctx *ctx, const void *arg)
{
    (void)ctx;
    const struct costs_data *d = arg;
    fputs("# scenario", fp);
    for (size_t k = 0; k < COST_SECTORS; k++) {
        struct outc_info info;
        outc_column_info(cost_sectors[k].col, &info, NULL);
        fprintf(fp, " %s", info.name);
    }
    fputs(" cost_total person_years\n", fp);
    for (size_t i = 0; i < d->n; i++) {
        plot_dat_word(fp, d->names[i]);
        for (size_t k = 0; k < COST_SECTORS + 2; k++)
            plot_dat_number(fp, d->per_py[i][k]);
        fputc('\n', fp);
    }
}

static void costs_write_script(FILE *fp, const struct plot_ctx *ctx, const char *figure,
                               const void *arg)
{
    const struct costs_data *d = arg;
    int width = 900 + 90 * (int)(d->n > 6 ? d->n - 6 : 0);
    plot_gp_preamble(fp, ctx, figure, "cost per person-year by sector, per scenario", width, 600);
    fprintf(fp,
            "# Data: %s.dat, one row per scenario: 1 scenario, 2-%zu the sectors' costs\n"
            "# per person-year (%s; the mean over replications of each sector's cost in the\n"
            "# recording window divided by the mean person-years), %zu their total,\n"
            "# %zu person-years (mean over replications).\n"
            "data = \"%s.dat\"\n\n",
            figure, COST_SECTORS + 1, d->unit, COST_SECTORS + 2, COST_SECTORS + 3, figure);
    char ylabel[200];
    snprintf(ylabel, sizeof ylabel, "cost per person-year (%s)", d->unit);
    fputs("set title \"Cost per person-year by sector (mean over replications)\"\n"
          "set ylabel ",
          fp);
    plot_gp_string(fp, ylabel);
    fputs("\nset yrange [0:*]\n"
          "set grid ytics\n"
          "# The legend lists the sectors top to bottom as they are stacked.\n"
          "set key outside right top invert title \"sector\"\n"
          "# One bar per scenario, the sectors stacked in the order of the columns.\n"
          "set style data histograms\n"
          "set style histogram rowstacked\n"
          "set style fill solid 0.85 border -1\n"
          "set boxwidth 0.6\n",
          fp);
    if (d->n > 4)
        fputs("set xtics rotate by -30\n", fp);
    fputs("# Colours of the sectors, bottom to top.\n", fp);
    static const char *const colours[COST_SECTORS] = {"#1f77b4", "#ff7f0e", "#d62728",
                                                      "#9467bd", "#2ca02c", "#8c8c8c"};
    for (size_t k = 0; k < COST_SECTORS; k++)
        fprintf(fp, "set linetype %zu lc rgb \"%s\"\n", k + 1, colours[k]);
    fputs("\nplot ", fp);
    for (size_t k = 0; k < COST_SECTORS; k++) {
        fprintf(fp, "%sdata using %zu%s title ", k ? ", \\\n     " : "", k + 2,
                k == 0 ? ":xtic(1)" : "");
        plot_gp_string(fp, cost_sectors[k].label);
    }
    /* The total above each bar (x of a histogram's bars: 0, 1, 2 ...). */
    fprintf(fp, ", \\\n     data using 0:%zu:(sprintf(\"%%.0f\", $%zu)) with labels offset 0,0.8 "
                "notitle\n",
            COST_SECTORS + 2, COST_SECTORS + 2);
}

static int fig_costs(struct plot_ctx *ctx, const char *unused)
{
    (void)unused;
    /* A bar per scenario that ran (a sweep keeps only its scenario's config). */
    char **names = calloc(ctx->n_scenarios + 1, sizeof *names);
    size_t n = 0;
    if (!names)
        return sim_err_set(ctx->err, SIM_ENOMEM, "out of memory");
    for (size_t i = 0; i < ctx->n_scenarios; i++)
        if (scenario_has_runs(ctx, ctx->scenarios[i]))
            names[n++] = ctx->scenarios[i];
    if (n == 0) {
        free(names);
        return PLOT_ABSENT;
    }
    struct costs_data d = {.n = n, .names = names, .unit = ""};
    d.per_py = calloc(d.n, sizeof *d.per_py);
    if (!d.per_py) {
        free(names);
        return sim_err_set(ctx->err, SIM_ENOMEM, "out of memory");
    }
    int rc = 0;
    for (size_t i = 0; i < d.n && rc == 0; i++) {
        char dataset[1100];
        snprintf(dataset, sizeof dataset, "/scenarios/%s/summary", names[i]);
        struct out_summary *s = NULL;
        if ((rc = out_file_read_summary(ctx->file, dataset, &s, ctx->err)) != 0)
            break;
        double py = summary_mean(s, OUTC_PERSON_YEARS);
        if (!(py > 0))
            py = NAN;
        for (size_t k = 0; k < COST_SECTORS; k++)
            d.per_py[i][k] = summary_mean(s, cost_sectors[k].col) / py;
        d.per_py[i][COST_SECTORS] = summary_mean(s, OUTC_COST_TOTAL) / py;
        d.per_py[i][COST_SECTORS + 1] = py;
        out_summary_destroy(s);
    }
    if (rc == 0) {
        /* The summary's unit of costs is "currency"; name it. */
        plot_scenario_currency(ctx, names[0], d.unit, sizeof d.unit);
        if (!d.unit[0])
            snprintf(d.unit, sizeof d.unit, "currency");
        rc = plot_write_figure(ctx, "costs_by_sector", costs_write_data, costs_write_script, &d);
    }
    free(d.per_py);
    free(names);
    return rc;
}

/* ---- comparison_<alt>_vs_<base> ---------------------------------------------------------- */

/* The outcomes of the comparison figure, top to bottom (models/outcomes.h). */
static const int cmp_outcomes[] = {
    OUTC_GP_VISITS,           OUTC_SPECIALIST_VISITS,   OUTC_ED_VISITS,
    OUTC_EMERGENCY_ADMISSIONS, OUTC_ELECTIVE_ADMISSIONS, OUTC_AVOIDABLE_ADMISSIONS,
    OUTC_READMISSION_30D,     OUTC_MEAN_LOS,            OUTC_BED_OCCUPANCY,
    OUTC_MEAN_WAIT_GP,        OUTC_MEAN_WAIT_SPECIALIST, OUTC_MEAN_WAIT_ELECTIVE,
    OUTC_COST_TOTAL,          OUTC_SPEND_PAYER,         OUTC_COST_OUT_OF_POCKET,
    OUTC_QALYS_DISC,          OUTC_DEATHS_PER_1000_YEAR,
};
#define CMP_OUTCOMES (sizeof cmp_outcomes / sizeof *cmp_outcomes)

/* Fields of the differences table used here (docs/results.md, Comparisons). */
enum { F_BASE, F_ALT, F_DIFF, F_LOW, F_HIGH, F_REL, F_COUNT };
static const char *const cmp_fields[F_COUNT] = {"base_mean", "alt_mean", "mean_difference",
                                                "ci_low", "ci_high", "relative_change"};

struct cmp_data {
    const char *group;       /* <alt>_vs_<base> */
    char *base, *alt;        /* scenario names (group attributes) */
    double replications;     /* replications paired (NaN when unknown) */
    double nmb[3];           /* net monetary benefit: mean, CI low, high (NaN when unknown) */
    char *currency;          /* its currency, or NULL */
    size_t n;                /* rows of the figure */
    const char *outcome[CMP_OUTCOMES];
    const char *unit[CMP_OUTCOMES];
    double v[CMP_OUTCOMES][F_COUNT + 2]; /* fields, then the relative CI low, high (%) */
};

static void cmp_write_data(FILE *fp, const struct plot_ctx *ctx, const void *arg)
{
    (void)ctx;
    const struct cmp_data *d = arg;
    fputs("# outcome relative_change_pct ci_low_pct ci_high_pct base_mean alt_mean "
          "mean_difference unit\n",
          fp);
    for (size_t i = 0; i < d->n; i++) {
        plot_dat_word(fp, d->outcome[i]);
        plot_dat_number(fp, 100 * d->v[i][F_REL]);
        plot_dat_number(fp, d->v[i][F_COUNT]);
        plot_dat_number(fp, d->v[i][F_COUNT + 1]);
        plot_dat_number(fp, d->v[i][F_BASE]);
        plot_dat_number(fp, d->v[i][F_ALT]);
        plot_dat_number(fp, d->v[i][F_DIFF]);
        fputc(' ', fp);
        plot_dat_word(fp, d->unit[i][0] ? d->unit[i] : "-");
        fputc('\n', fp);
    }
}

static void cmp_write_script(FILE *fp, const struct plot_ctx *ctx, const char *figure,
                             const void *arg)
{
    const struct cmp_data *d = arg;
    char what[2400], title[3000];
    snprintf(what, sizeof what, "relative change of the main outcomes, %s vs %s", d->alt,
             d->base);
    plot_gp_preamble(fp, ctx, figure, what, 900, 140 + 28 * (int)d->n);
    fprintf(fp,
            "# Data: %s.dat, one row per outcome (from /comparisons/%s/differences):\n"
            "# 1 outcome, 2 relative change (alt - base) / base in %%, 3-4 its 95%% CI in %%\n"
            "# (the paired CI of the difference divided by the base mean), 5 base mean,\n"
            "# 6 alternative mean, 7 mean paired difference, 8 unit of 5-7. Outcomes whose\n"
            "# base mean is 0 or missing have no relative change and are left out.\n"
            "data = \"%s.dat\"\n\n",
            figure, d->group, figure);
    int len = snprintf(title, sizeof title, "%s vs %s: relative change with 95%% CI", d->alt,
                       d->base);
    if (!isnan(d->replications) && len >= 0 && (size_t)len < sizeof title)
        len += snprintf(title + len, sizeof title - (size_t)len,
                        " (paired over %.0f replications)", d->replications);
    if (!isnan(d->nmb[0]) && len >= 0 && (size_t)len < sizeof title)
        snprintf(title + len, sizeof title - (size_t)len,
                 "\nnet monetary benefit %.0f %s, 95%% CI [%.0f, %.0f]", d->nmb[0],
                 d->currency ? d->currency : "", d->nmb[1], d->nmb[2]);
    fputs("set title ", fp);
    plot_gp_string(fp, title);
    fprintf(fp,
            "\nset xlabel \"change relative to the base (%%)\"\n"
            "set grid xtics\n"
            "set key below\n"
            "# Row i of the data is drawn at y = i, the first row at the top (an explicit\n"
            "# range from high to low reverses the axis).\n"
            "set yrange [%zu.6:-0.6]\n"
            "set ytics scale 0\n"
            "# Room beside the bars for the values written there.\n"
            "set offsets graph 0.15, graph 0.15, 0, 0\n"
            "set style fill solid 0.6 border -1\n"
            "# The line at zero: no change.\n"
            "set arrow from first 0, graph 0 to first 0, graph 1 nohead lc rgb \"black\"\n\n"
            "# Bars from 0 to the change (boxxyerror: x y xlow xhigh ylow yhigh), the interval\n"
            "# (xerrorbars: x y xlow xhigh), then the value beyond the bar or interval, to the\n"
            "# right of a rise and to the left of a fall.\n"
            "plot data using (0):0:($2 < 0 ? $2 : 0):($2 < 0 ? 0 : $2):($0 - 0.35):($0 + 0.35):"
            "ytic(1) \\\n"
            "          with boxxyerror lc rgb \"#4c72b0\" title \"mean relative change\", \\\n"
            "     data using 2:0:3:4 with xerrorbars pt 7 ps 0.6 lc rgb \"black\" "
            "title \"95%% CI\", \\\n"
            "     data using ($2 < 0 ? NaN : valid(4) && $4 > $2 ? $4 : $2):0:"
            "(sprintf(\"%%+.1f%%%%\", $2)) \\\n"
            "          with labels left offset 1,0 notitle, \\\n"
            "     data using ($2 >= 0 ? NaN : valid(3) && $3 < $2 ? $3 : $2):0:"
            "(sprintf(\"%%+.1f%%%%\", $2)) \\\n"
            "          with labels right offset -1,0 notitle\n",
            d->n - 1);
}

/* Reads a text attribute of the comparison group, NULL when absent. */
char *plot_group_text(const struct plot_ctx *ctx, const char *group, const char *name)
{
    char *v = NULL;
    if (out_file_read_attr_text(ctx->file, group, name, &v, NULL) != 0)
        return NULL;
    return v;
}

double plot_group_number(const struct plot_ctx *ctx, const char *group, const char *name)
{
    double v;
    return out_file_read_attr_number(ctx->file, group, name, &v, NULL) == 0 ? v : NAN;
}

/* Fills the figure's rows from the differences table. */
static int cmp_rows(const struct plot_ctx *ctx, const struct out_outcome_table *t,
                    const char *dataset, struct cmp_data *d)
{
    size_t at[F_COUNT];
    for (int f = 0; f < F_COUNT; f++) {
        size_t k = 0;
        while (k < t->n_fields && strcmp(t->fields[k].name, cmp_fields[f]) != 0)
            k++;
        if (k == t->n_fields)
            return sim_err_set(ctx->err, SIM_EINVAL, "%s: %s has no field %s", ctx->path,
                               dataset, cmp_fields[f]);
        at[f] = k;
    }
    d->n = 0;
    for (size_t i = 0; i < CMP_OUTCOMES; i++) {
        struct outc_info info;
        if (outc_column_info(cmp_outcomes[i], &info, ctx->err) != 0)
            return SIM_EINVAL;
        size_t r = 0;
        while (r < t->n_rows && strcmp(t->outcomes[r], info.name) != 0)
            r++;
        if (r == t->n_rows)
            continue;
        double *v = d->v[d->n];
        for (int f = 0; f < F_COUNT; f++)
            v[f] = t->values[r * t->n_fields + at[f]];
        if (!isfinite(v[F_REL]) || !isfinite(v[F_BASE]) || v[F_BASE] == 0)
            continue; /* no relative change to show */
        /* The CI of the difference over the base mean; a negative base swaps the ends. */
        double a = 100 * v[F_LOW] / v[F_BASE], b = 100 * v[F_HIGH] / v[F_BASE];
        v[F_COUNT] = a < b ? a : b;
        v[F_COUNT + 1] = a < b ? b : a;
        d->outcome[d->n] = t->outcomes[r];
        d->unit[d->n] = t->units[r] ? t->units[r] : "";
        d->n++;
    }
    return 0;
}

static int fig_one_comparison(struct plot_ctx *ctx, const char *name)
{
    char group[1100], dataset[1200], figure[1200];
    snprintf(group, sizeof group, "/comparisons/%s", name);
    snprintf(dataset, sizeof dataset, "%s/differences", group);
    snprintf(figure, sizeof figure, "comparison_%s", name);
    struct cmp_data d = {.group = name};
    d.base = plot_group_text(ctx, group, "base");
    d.alt = plot_group_text(ctx, group, "alt");
    /* --scenario: only the comparisons the scenario takes part in. */
    if (ctx->only && !((d.base && strcmp(d.base, ctx->only) == 0) ||
                       (d.alt && strcmp(d.alt, ctx->only) == 0))) {
        free(d.base);
        free(d.alt);
        return PLOT_ABSENT;
    }
    struct out_outcome_table *t = NULL;
    int rc = out_file_read_outcome_table(ctx->file, dataset, &t, ctx->err);
    if (rc == 0)
        rc = cmp_rows(ctx, t, dataset, &d);
    if (rc == 0 && d.n == 0) {
        fprintf(stderr, "caresim plot: note: skipping %s: no outcome has a relative change\n",
                figure);
        rc = PLOT_ABSENT;
    }
    if (rc == 0) {
        if (!d.base && !(d.base = strdup("base")))
            rc = sim_err_set(ctx->err, SIM_ENOMEM, "out of memory");
        if (!d.alt && !(d.alt = strdup("alternative")))
            rc = sim_err_set(ctx->err, SIM_ENOMEM, "out of memory");
    }
    if (rc == 0) {
        d.replications = plot_group_number(ctx, group, "replications");
        d.nmb[0] = plot_group_number(ctx, group, "nmb_mean");
        d.nmb[1] = plot_group_number(ctx, group, "nmb_ci_low");
        d.nmb[2] = plot_group_number(ctx, group, "nmb_ci_high");
        d.currency = plot_group_text(ctx, group, "currency");
        rc = plot_write_figure(ctx, figure, cmp_write_data, cmp_write_script, &d);
    }
    out_outcome_table_destroy(t);
    free(d.base);
    free(d.alt);
    free(d.currency);
    return rc;
}

static int fig_comparisons(struct plot_ctx *ctx, const char *unused)
{
    (void)unused;
    char **names = NULL;
    size_t n = 0;
    int rc = out_file_list_groups(ctx->file, "/comparisons", &names, &n, ctx->err);
    if (rc != 0)
        return rc;
    int drawn = 0;
    for (size_t i = 0; i < n && rc >= 0; i++) {
        if (!safe_file_stem(names[i])) {
            rc = sim_err_set(ctx->err, SIM_EINVAL, "%s: comparison name '%s' cannot be a file "
                             "name", ctx->path, names[i]);
            break;
        }
        rc = fig_one_comparison(ctx, names[i]);
        drawn += rc == 0;
    }
    free(names);
    return rc < 0 ? rc : drawn ? 0 : PLOT_ABSENT;
}

/* ---- equity_<scenario> ------------------------------------------------------------------- */

struct equity_data {
    const char *scenario;
    size_t replications;                 /* distinct replications in the table */
    double life_years[PLOT_QUINTILES];   /* mean per replication, years */
    double gp_visits[PLOT_QUINTILES];    /* mean per replication */
    double qalys[PLOT_QUINTILES];        /* mean per replication, QALYs (undiscounted) */
};

static void equity_write_data(FILE *fp, const struct plot_ctx *ctx, const void *arg)
{
    (void)ctx;
    const struct equity_data *d = arg;
    fputs("# quintile life_years gp_visits qalys gp_visits_per_life_year qalys_per_life_year\n",
          fp);
    for (int q = 0; q < PLOT_QUINTILES; q++) {
        double ly = d->life_years[q];
        fprintf(fp, "%d", q + 1);
        plot_dat_number(fp, ly);
        plot_dat_number(fp, d->gp_visits[q]);
        plot_dat_number(fp, d->qalys[q]);
        plot_dat_number(fp, ly > 0 ? d->gp_visits[q] / ly : NAN);
        plot_dat_number(fp, ly > 0 ? d->qalys[q] / ly : NAN);
        fputc('\n', fp);
    }
}

static void equity_write_script(FILE *fp, const struct plot_ctx *ctx, const char *figure,
                                const void *arg)
{
    const struct equity_data *d = arg;
    char what[1200], title[1400];
    snprintf(what, sizeof what, "GP visits and QALYs per life-year by deprivation quintile, "
                                "scenario %s", d->scenario);
    plot_gp_preamble(fp, ctx, figure, what, 1000, 450);
    fprintf(fp,
            "# Data: %s.dat, one row per deprivation quintile (1 least, 5 most deprived),\n"
            "# all ages together: 1 quintile, 2 life-years lived in the recording window,\n"
            "# 3 GP visits, 4 QALYs (undiscounted) — each the mean per replication over\n"
            "# %zu replication(s) — then 5 GP visits per life-year (3 / 2) and 6 QALYs per\n"
            "# life-year (4 / 2): the counts are summed over age bands and replications\n"
            "# before dividing.\n"
            "data = \"%s.dat\"\n\n",
            figure, d->replications, figure);
    snprintf(title, sizeof title, "Scenario %s: care and health by deprivation quintile "
                                  "(%zu replication%s)",
             d->scenario, d->replications, d->replications == 1 ? "" : "s");
    fputs("set multiplot layout 1,2 title ", fp);
    plot_gp_string(fp, title);
    fputs("\n"
          "set style fill solid 0.7 border -1\n"
          "set boxwidth 0.6\n"
          "set grid ytics\n"
          "set xrange [0.4:5.6]\n"
          "set xtics 1\n"
          "set xlabel \"deprivation quintile (1 least, 5 most deprived)\"\n"
          "set yrange [0:*]\n"
          "# Room above the bars for the values written there.\n"
          "set offsets 0, 0, graph 0.1, 0\n\n"
          "# Left: GP visits per life-year, the value written above each bar.\n"
          "set ylabel \"GP visits per life-year\"\n"
          "plot data using 1:5 with boxes lc rgb \"#2ca02c\" notitle, \\\n"
          "     data using 1:5:(sprintf(\"%.2f\", $5)) with labels offset 0,0.8 notitle\n\n"
          "# Right: QALYs per life-year (mean utility).\n"
          "set ylabel \"QALYs per life-year\"\n"
          "plot data using 1:6 with boxes lc rgb \"#9467bd\" notitle, \\\n"
          "     data using 1:6:(sprintf(\"%.3f\", $6)) with labels offset 0,0.8 notitle\n"
          "unset multiplot\n",
          fp);
}

static int fig_equity(struct plot_ctx *ctx, const char *scenario)
{
    char dataset[1100], figure[1100];
    snprintf(dataset, sizeof dataset, "/scenarios/%s/by_group", scenario);
    snprintf(figure, sizeof figure, "equity_%s", scenario);
    if (!scenario_has_tables(ctx, scenario))
        return PLOT_ABSENT;
    struct out_table *t = NULL;
    int rc = read_optional_table(ctx, dataset, figure, &t);
    if (rc != 0)
        return rc;
    enum { C_REP, C_Q, C_LY, C_GP, C_QALY, C_N };
    static const int cols[C_N] = {GRP_REPLICATION, GRP_QUINTILE, GRP_LIFE_YEARS, GRP_GP_VISITS,
                                  GRP_QALYS};
    size_t at[C_N];
    struct equity_data d = {.scenario = scenario};
    double *reps = NULL;
    if ((rc = find_columns(ctx, t, dataset, grp_column_info, cols, C_N, at)) != 0)
        goto out;
    reps = malloc((t->n_rows + 1) * sizeof *reps);
    if (!reps) {
        rc = sim_err_set(ctx->err, SIM_ENOMEM, "out of memory");
        goto out;
    }
    /* Sums over age bands and replications first, then ratios (in the data file). */
    for (size_t r = 0; r < t->n_rows; r++) {
        const double *row = t->values + r * t->n_cols;
        double q = row[at[C_Q]];
        if (!(q >= 1 && q <= PLOT_QUINTILES && q == floor(q))) {
            rc = sim_err_set(ctx->err, SIM_EINVAL, "%s: %s, row %zu: quintile %g is not 1 .. %d",
                             ctx->path, dataset, r, q, PLOT_QUINTILES);
            goto out;
        }
        int k = (int)q - 1;
        d.life_years[k] += row[at[C_LY]];
        d.gp_visits[k] += row[at[C_GP]];
        d.qalys[k] += row[at[C_QALY]];
        reps[r] = row[at[C_REP]];
    }
    qsort(reps, t->n_rows, sizeof *reps, cmp_double);
    for (size_t r = 0; r < t->n_rows; r++)
        if (r == 0 || reps[r] != reps[r - 1])
            d.replications++;
    if (d.replications == 0) {
        fprintf(stderr, "caresim plot: note: skipping %s: %s has no rows\n", figure, dataset);
        rc = PLOT_ABSENT;
        goto out;
    }
    for (int q = 0; q < PLOT_QUINTILES; q++) {
        d.life_years[q] /= (double)d.replications;
        d.gp_visits[q] /= (double)d.replications;
        d.qalys[q] /= (double)d.replications;
    }
    rc = plot_write_figure(ctx, figure, equity_write_data, equity_write_script, &d);
out:
    free(reps);
    out_table_destroy(t);
    return rc;
}

/* Every kind of figure, in the order drawn. A per-scenario function is called once per
 * scenario plotted, the others once with NULL. Each returns 0 when it wrote its data and
 * script(s) (plot_add_figure), PLOT_ABSENT when the file lacks its data, or a SIM_E* code. */
static const struct {
    const char *name;       /* for messages */
    int per_scenario;       /* 1: once per scenario */
    int (*draw)(struct plot_ctx *ctx, const char *scenario);
} plot_figures[] = {
    {"timeseries", 1, fig_timeseries},
    {"costs_by_sector", 0, fig_costs},
    {"comparison", 0, fig_comparisons},
    {"equity", 1, fig_equity},
    {"psa", 0, plot_fig_psa},
    {"sweep", 0, plot_fig_sweep},
};

/* ---- Running gnuplot --------------------------------------------------------------------- */

/* The program `name` as execvp would find it on PATH (the system's default path when PATH
 * is unset; an empty entry is the working directory), as an absolute path (malloc'ed), so
 * that it still runs from another working directory; NULL when it is not there. */
static char *find_on_path(const char *name)
{
    const char *path = getenv("PATH");
    char deflt[256];
    if (!path) {
        size_t n = confstr(_CS_PATH, deflt, sizeof deflt);
        path = n > 0 && n <= sizeof deflt ? deflt : "/bin:/usr/bin";
    }
    char cwd[4096];
    for (const char *p = path;;) {
        const char *end = strchrnul(p, ':');
        int len = (int)(end - p);
        char *cand = NULL;
        if (len == 0 || p[0] != '/') {
            if (!getcwd(cwd, sizeof cwd))
                cwd[0] = '\0';
            if (asprintf(&cand, "%s/%.*s%s%s", cwd, len, p, len ? "/" : "", name) < 0)
                return NULL;
        } else if (asprintf(&cand, "%.*s/%s", len, p, name) < 0) {
            return NULL;
        }
        struct stat st;
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
            return cand;
        free(cand);
        if (!*end)
            return NULL;
        p = end + 1;
    }
}

/* Runs `gnuplot SCRIPT` with dir as working directory and waits for it. Returns its exit
 * status (128 + signal when killed, 127 when it could not be started), or -1 with errno
 * when fork failed. */
static int run_program(const char *program, const char *dir, const char *script)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        /* Only async-signal-safe calls between fork and exec. */
        char *argv[] = {(char *)"gnuplot", (char *)script, NULL};
        if (chdir(dir) == 0)
            execv(program, argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 127;
}

/* Runs every script written; prints the path of each image made to list (NULL: prints
 * none). Returns the number of scripts that failed (each with a message on stderr). */
static size_t run_scripts(const struct plot_ctx *ctx, const char *gnuplot, FILE *list)
{
    size_t failed = 0;
    const char *ext = format_ext[ctx->format];
    for (size_t i = 0; i < ctx->n_figures; i++) {
        char *script = NULL, *image = NULL, *image_rel = NULL;
        if (asprintf(&script, "%s.gp", ctx->figures[i]) < 0)
            script = NULL;
        if (asprintf(&image_rel, "%s.%s", ctx->figures[i], ext) < 0)
            image_rel = NULL;
        if (asprintf(&image, "%s/%s.%s", ctx->dir, ctx->figures[i], ext) < 0)
            image = NULL;
        if (!script || !image || !image_rel) {
            fprintf(stderr, "caresim plot: out of memory\n");
            failed++;
        } else {
            unlink(image); /* so that a stale image is never taken for a new one */
            int st = run_program(gnuplot, ctx->dir, script);
            struct stat sb;
            if (st == 0 && stat(image, &sb) == 0 && sb.st_size > 0) {
                if (list)
                    fprintf(list, "%s\n", image);
            } else {
                if (st < 0)
                    fprintf(stderr, "caresim plot: cannot run gnuplot: %s\n", strerror(errno));
                else if (st != 0)
                    fprintf(stderr, "caresim plot: gnuplot failed on %s/%s (exit status %d)\n",
                            ctx->dir, script, st);
                else
                    fprintf(stderr, "caresim plot: gnuplot ran %s/%s but wrote no %s\n",
                            ctx->dir, script, image_rel);
                unlink(image);
                failed++;
            }
        }
        free(script);
        free(image);
        free(image_rel);
    }
    fflush(stdout);
    return failed;
}

/* Writes the data file and script of every figure of plot_figures[] whose data the file
 * holds (ctx->figures lists them). Returns 1 when a figure failed (its message printed on
 * stderr), else 0. */
static int write_figures(struct plot_ctx *ctx)
{
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    int failed = 0;
    for (size_t k = 0; k < sizeof plot_figures / sizeof *plot_figures; k++) {
        size_t n = plot_figures[k].per_scenario ? ctx->n_scenarios : 1;
        for (size_t i = 0; i < n; i++) {
            sim_err_clear(ctx->err);
            int r = plot_figures[k].draw(ctx, plot_figures[k].per_scenario ? ctx->scenarios[i]
                                                                           : NULL);
            if (r < 0) {
                fprintf(stderr, "caresim plot: %s: %s\n", plot_figures[k].name,
                        sim_err_format(ctx->err, buf, sizeof buf));
                failed = 1;
            }
        }
    }
    sim_err_clear(ctx->err);
    return failed;
}

/* ---- For other commands ------------------------------------------------------------------ */

int cli_plot_render(const char *results_path, const char *dir, int svg, char ***figures,
                    size_t *n_figures, struct sim_err *err)
{
    *figures = NULL;
    *n_figures = 0;
    struct cli_results res;
    int rc = cli_results_open(results_path, &res, err);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < res.count && rc == 0; i++)
        if (!safe_file_stem(res.names[i]))
            rc = sim_err_set(err, SIM_EINVAL, "%s: scenario name '%s' cannot be a file name",
                             results_path, res.names[i]);
    struct plot_ctx ctx = {
        .file = res.file,
        .path = results_path,
        .dir = dir,
        .format = svg ? PLOT_SVG : PLOT_PNG,
        .scenarios = res.names,
        .n_scenarios = res.count,
        .err = err,
    };
    if (rc == 0) {
        write_figures(&ctx);
        char *gnuplot = ctx.n_figures > 0 ? find_on_path("gnuplot") : NULL;
        if (ctx.n_figures > 0 && !gnuplot)
            rc = CLI_PLOT_NO_GNUPLOT;
        else if (gnuplot)
            run_scripts(&ctx, gnuplot, NULL);
        free(gnuplot);
    }
    *figures = ctx.figures;
    *n_figures = ctx.n_figures;
    cli_results_close(&res);
    return rc;
}

/* ---- The command ------------------------------------------------------------------------- */

static void plot_usage(FILE *out)
{
    fprintf(out,
            "usage: caresim plot RESULTS.h5 [-o DIR] [--format png|svg] [--scenario NAME]\n"
            "Draws the figures of a results file with gnuplot. For each figure writes into DIR\n"
            "its data (<figure>.dat: plain text, columns named on the first line) and a\n"
            "commented gnuplot script (<figure>.gp), then runs `gnuplot <figure>.gp` there,\n"
            "which writes <figure>.png or .svg; edit a script and rerun it to restyle.\n"
            "Figures, when the file has their data:\n"
            "  timeseries_<scenario>       monthly bed occupancy, GP and specialist waits\n"
            "  costs_by_sector             cost per person-year by sector, per scenario\n"
            "  comparison_<alt>_vs_<base>  relative change of the main outcomes, 95%% CIs\n"
            "  equity_<scenario>           GP visits and QALYs per life-year by deprivation\n"
            "  sweep_tornado_<outcome>     one-way sweep: tornado of cost and QALYs\n"
            "  sweep_lines                 grid sweep over 1 or 2 keys: main outcomes, 95%% CI\n"
            "\n"
            "  -o, --output DIR        output directory (default: plots/<name>/ beside the\n"
            "                          results file, e.g. results/plots/base/ for\n"
            "                          results/base.h5); created if missing\n"
            "  -f, --format png|svg    image format (default png)\n"
            "  -s, --scenario NAME     only this scenario: its own figures, its bar of the\n"
            "                          costs and the comparisons it takes part in\n"
            "\n"
            "Exit status: 0 done; 2 bad command line or no such scenario; 1 the file cannot\n"
            "be read, DIR cannot be written, gnuplot is not on PATH (the data files and\n"
            "scripts are written all the same) or gnuplot failed.\n");
}

static int parse_args(int argc, char **argv, const char **path, const char **dir,
                      const char **format, const char **scenario)
{
    static const struct {
        const char *s, *l;
    } opts[] = {{"-o", "--output"}, {"-f", "--format"}, {"-s", "--scenario"}};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **dst[] = {dir, format, scenario};
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            plot_usage(stdout);
            return -1;
        }
        size_t k = 0;
        const char *val = NULL;
        for (; k < sizeof opts / sizeof *opts; k++) {
            size_t n = strlen(opts[k].l);
            if (strncmp(a, opts[k].l, n) == 0 && a[n] == '=') {
                val = a + n + 1;
                break;
            }
            if (strcmp(a, opts[k].s) == 0 || strcmp(a, opts[k].l) == 0) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "caresim plot: %s needs a value\n", a);
                    return CLI_EXIT_USAGE;
                }
                val = argv[++i];
                break;
            }
        }
        if (val) {
            *dst[k] = val;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "caresim plot: unknown option '%s'\n", a);
            return CLI_EXIT_USAGE;
        } else if (*path) {
            fprintf(stderr, "caresim plot: one results file at a time (got '%s' and '%s')\n",
                    *path, a);
            return CLI_EXIT_USAGE;
        } else {
            *path = a;
        }
    }
    if (!*path) {
        fprintf(stderr, "caresim plot: missing results file\n");
        return CLI_EXIT_USAGE;
    }
    if (*dir && !**dir) {
        fprintf(stderr, "caresim plot: --output needs a directory\n");
        return CLI_EXIT_USAGE;
    }
    if (strcmp(*format, "png") != 0 && strcmp(*format, "svg") != 0) {
        fprintf(stderr, "caresim plot: --format must be png or svg (got '%s')\n", *format);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

/* The default output directory: plots/<stem>/ beside the results file, where <stem> is its
 * name without .h5 (results/compare_base.h5 -> results/plots/compare_base). One directory
 * per results file, so that the figures of two files (both have costs_by_sector) do not
 * overwrite each other. malloc'ed; NULL when out of memory. */
static char *default_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t len = strlen(base);
    static const char *const exts[] = {".h5", ".hdf5", ".hdf"};
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
        size_t n = strlen(exts[i]);
        if (len > n && strcmp(base + len - n, exts[i]) == 0) {
            len -= n;
            break;
        }
    }
    char *dir = NULL;
    if (len == 0 || base[0] == '.')
        base = "results", len = strlen("results");
    if (asprintf(&dir, "%.*splots/%.*s", (int)(slash ? slash + 1 - path : 0), path, (int)len,
                 base) < 0)
        return NULL;
    return dir;
}

/* Checks --scenario against the file's scenarios; prints the message of report. */
static int check_scenario(const struct cli_results *res, const char *path, const char *only)
{
    for (size_t i = 0; i < res->count; i++)
        if (strcmp(res->names[i], only) == 0)
            return CLI_EXIT_OK;
    fprintf(stderr, "caresim plot: %s: no scenario '%s'; ", path, only);
    if (res->count == 0)
        fprintf(stderr, "the file has no scenarios\n");
    else {
        fprintf(stderr, "available:");
        for (size_t j = 0; j < res->count; j++)
            fprintf(stderr, " %s", res->names[j]);
        fputc('\n', stderr);
    }
    return CLI_EXIT_USAGE;
}

int cli_plot(int argc, char **argv)
{
    const char *path = NULL, *dir_arg = NULL, *format = "png", *only = NULL;
    int prc = parse_args(argc, argv, &path, &dir_arg, &format, &only);
    if (prc != CLI_EXIT_OK) {
        if (prc == CLI_EXIT_USAGE)
            fprintf(stderr, "(caresim plot --help shows the options)\n");
        return prc < 0 ? CLI_EXIT_OK : prc;
    }

    struct sim_err e;
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    sim_err_clear(&e);
    struct cli_results res;
    char *dir = NULL, *gnuplot = NULL;
    struct plot_ctx ctx = {0};
    int rc = CLI_EXIT_FAIL;
    if (cli_results_open(path, &res, &e) != 0) {
        fprintf(stderr, "caresim plot: %s\n", sim_err_format(&e, buf, sizeof buf));
        goto out;
    }
    if (only && (rc = check_scenario(&res, path, only)) != CLI_EXIT_OK)
        goto out;
    rc = CLI_EXIT_FAIL;
    for (size_t i = 0; i < res.count; i++)
        if (!safe_file_stem(res.names[i])) {
            fprintf(stderr, "caresim plot: %s: scenario name '%s' cannot be a file name\n", path,
                    res.names[i]);
            goto out;
        }
    dir = dir_arg ? strdup(dir_arg) : default_dir(path);
    if (!dir) {
        fprintf(stderr, "caresim plot: out of memory\n");
        goto out;
    }
    if (cli_mkdir_p(dir, &e) != 0) {
        fprintf(stderr, "caresim plot: %s\n", sim_err_format(&e, buf, sizeof buf));
        goto out;
    }

    /* Data files and scripts first, so that they are there even without gnuplot. */
    ctx = (struct plot_ctx){
        .file = res.file,
        .path = path,
        .dir = dir,
        .format = strcmp(format, "svg") == 0 ? PLOT_SVG : PLOT_PNG,
        .scenarios = only ? (char **)&only : res.names,
        .n_scenarios = only ? 1 : res.count,
        .only = only,
        .err = &e,
    };
    int failed = write_figures(&ctx);
    if (ctx.n_figures == 0) {
        fprintf(stderr, "caresim plot: %s: nothing to plot\n", path);
        rc = failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
        goto out;
    }

    gnuplot = find_on_path("gnuplot");
    if (!gnuplot) {
        fprintf(stderr,
                "caresim plot: gnuplot not found on PATH; install gnuplot (Debian: gnuplot-nox) "
                "or use the data files and scripts in %s\n",
                dir);
        goto out;
    }
    if (run_scripts(&ctx, gnuplot, stdout) > 0)
        failed = 1;
    printf("%zu figure%s in %s (data: <figure>.dat, gnuplot scripts: <figure>.gp)\n",
           ctx.n_figures, ctx.n_figures == 1 ? "" : "s", dir);
    rc = failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
out:
    fflush(stdout);
    for (size_t i = 0; i < ctx.n_figures; i++)
        free(ctx.figures[i]);
    free(ctx.figures);
    free(gnuplot);
    free(dir);
    cli_results_close(&res);
    return rc;
}
