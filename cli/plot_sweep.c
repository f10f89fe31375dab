/* cli/plot_sweep.c — the figures of a sweep file (/sweep, `caresim sweep`) for `caresim
 * plot`: sweep_tornado_<outcome> (one-way: bars from the base to the outcome at each key's
 * low and high value, largest swing first) and sweep_lines (a grid over one or two keys:
 * the main outcomes against the first key with a 95% CI band, one line per value of the
 * second). Reads the file through output/, writes data and scripts through cli/plot_kit.h.
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

/* ---- sweep_tornado_<outcome>, sweep_lines (/sweep, `caresim sweep`) ----------------------- */

/* The outcomes of the tornado figures of a one-way sweep, and the panels of the line plot of
 * a grid (models/outcomes.h). */
static const int sweep_tornado_outcomes[] = {OUTC_COST_TOTAL_DISC, OUTC_QALYS_DISC};
static const int sweep_line_outcomes[] = {
    OUTC_COST_TOTAL_DISC, OUTC_QALYS_DISC,    OUTC_EMERGENCY_ADMISSIONS,
    OUTC_GP_VISITS,       OUTC_BED_OCCUPANCY, OUTC_MEAN_WAIT_GP,
};
#define SWEEP_TORNADOS (sizeof sweep_tornado_outcomes / sizeof *sweep_tornado_outcomes)
#define SWEEP_LINES (sizeof sweep_line_outcomes / sizeof *sweep_line_outcomes)

/* Fields of /sweep/tornado used here (docs/results.md, "/sweep"). */
enum { TF_KEY, TF_LO, TF_HI, TF_AT_LO, TF_AT_HI, TF_BASE, TF_SWING, TF_COUNT };
static const char *const tornado_fields[TF_COUNT] = {
    "varied", "low_value", "high_value", "at_low", "at_high", "at_base", "swing"};

/* An outcome's unit for an axis: "currency" named by the scenario's currency. */
static void sweep_unit(char *buf, size_t size, const char *unit, const char *currency)
{
    snprintf(buf, size, "%s", strcmp(unit, "currency") == 0 && currency[0] ? currency : unit);
}

/* One tornado figure: the rows of one outcome, largest swing first. */
struct sweep_tornado {
    const char *scenario;     /* the scenario swept */
    char name[OUTC_NAME_MAX]; /* the outcome */
    char unit[64];            /* its unit (the currency named) */
    double reps;              /* replications per point (NaN when unknown) */
    size_t n;                 /* rows */
    const char **key;         /* n key paths */
    double (*v)[TF_COUNT];    /* n rows of the fields */
};

static void tornado_write_data(FILE *fp, const struct plot_ctx *ctx, const void *arg)
{
    (void)ctx;
    const struct sweep_tornado *d = arg;
    fputs("# key low_value high_value at_low at_high at_base swing\n", fp);
    for (size_t i = 0; i < d->n; i++) {
        plot_dat_word(fp, d->key[i]);
        for (int f = TF_LO; f < TF_COUNT; f++)
            plot_dat_number(fp, d->v[i][f]);
        fputc('\n', fp);
    }
}

static void tornado_write_script(FILE *fp, const struct plot_ctx *ctx, const char *figure,
                                 const void *arg)
{
    const struct sweep_tornado *d = arg;
    char what[1200], title[1600], xlabel[200];
    snprintf(what, sizeof what, "tornado diagram of %s, one-way sweep of scenario %s", d->name,
             d->scenario);
    plot_gp_preamble(fp, ctx, figure, what, 1000, 160 + 34 * (int)d->n);
    fprintf(fp,
            "# Data: %s.dat, one row per varied key, largest swing first (from /sweep/tornado):\n"
            "# 1 key, 2-3 its low and high value (unit of the key), 4-5 the mean of %s\n"
            "# (%s) over replications with the key at its low and at its high value and the\n"
            "# other keys at the scenario's values, 6 the mean at the base point, 7 the swing\n"
            "# |5 - 4|.\n"
            "data = \"%s.dat\"\n"
            "base = %.9g\n\n",
            figure, d->name, d->unit, figure, d->v[0][TF_BASE]);
    double base = d->v[0][TF_BASE];
    int len = snprintf(title, sizeof title, "One-way sensitivity of %s (scenario %s)", d->name,
                       d->scenario);
    if (len >= 0 && (size_t)len < sizeof title)
        len += snprintf(title + len, sizeof title - (size_t)len,
                        fabs(base) >= 1e6 ? "\nbase %.0f %s" : "\nbase %.6g %s", base, d->unit);
    if (!isnan(d->reps) && len >= 0 && (size_t)len < sizeof title)
        snprintf(title + len, sizeof title - (size_t)len, ", %.0f replication%s per point",
                 d->reps, d->reps == 1 ? "" : "s");
    snprintf(xlabel, sizeof xlabel, "%s (%s)", d->name, d->unit);
    fputs("set title ", fp);
    plot_gp_string(fp, title);
    fputs("\nset xlabel ", fp);
    plot_gp_string(fp, xlabel);
    fprintf(fp,
            "\nset grid xtics\n"
            "set key below\n"
            "set rmargin 6  # room for the last tick label\n"
            "# Row i of the data is drawn at y = i, the first (largest swing) at the top.\n"
            "set yrange [%zu.6:-0.6]\n"
            "set ytics scale 0\n"
            "set style fill solid 0.75 border -1\n"
            "# The line at the base point's value.\n"
            "set arrow from first base, graph 0 to first base, graph 1 nohead lc rgb \"black\" "
            "lw 1.5\n\n"
            "# Each row: a bar from the base to the outcome at the key's low value (upper half)\n"
            "# and one to the outcome at its high value (lower half); the label gives the\n"
            "# key's range (boxxyerror: x y xlow xhigh ylow yhigh).\n"
            "plot data using (base):0:($4 < base ? $4 : base):($4 < base ? base : $4):"
            "($0 - 0.38):($0):ytic(sprintf(\"%%s  [%%g, %%g]\", strcol(1), $2, $3)) \\\n"
            "          with boxxyerror lc rgb \"#4c72b0\" title \"the key at its low value\", \\\n"
            "     data using (base):0:($5 < base ? $5 : base):($5 < base ? base : $5):"
            "($0):($0 + 0.38) \\\n"
            "          with boxxyerror lc rgb \"#dd8452\" title \"the key at its high value\"\n",
            d->n - 1);
}

/* The tornado figures of a one-way sweep. */
static int sweep_tornados(struct plot_ctx *ctx, const char *scenario, char **keys, size_t nkeys,
                          double reps, const char *currency)
{
    struct out_outcome_table *t = NULL;
    int rc = out_file_read_outcome_table(ctx->file, "/sweep/tornado", &t, ctx->err);
    if (rc != 0)
        return rc;
    size_t at[TF_COUNT];
    for (int f = 0; f < TF_COUNT && rc == 0; f++) {
        size_t k = 0;
        while (k < t->n_fields && strcmp(t->fields[k].name, tornado_fields[f]) != 0)
            k++;
        if (k == t->n_fields)
            rc = sim_err_set(ctx->err, SIM_EINVAL, "%s: /sweep/tornado has no field %s",
                             ctx->path, tornado_fields[f]);
        at[f] = k;
    }
    struct sweep_tornado d = {.scenario = scenario, .reps = reps};
    d.key = calloc(t->n_rows + 1, sizeof *d.key);
    d.v = calloc(t->n_rows + 1, sizeof *d.v);
    if (rc == 0 && (!d.key || !d.v))
        rc = sim_err_set(ctx->err, SIM_ENOMEM, "out of memory");
    int drawn = 0;
    for (size_t o = 0; o < SWEEP_TORNADOS && rc == 0; o++) {
        struct outc_info info;
        if ((rc = outc_column_info(sweep_tornado_outcomes[o], &info, ctx->err)) != 0)
            break;
        snprintf(d.name, sizeof d.name, "%s", info.name);
        sweep_unit(d.unit, sizeof d.unit, info.unit, currency);
        d.n = 0;
        for (size_t r = 0; r < t->n_rows; r++) {
            if (strcmp(t->outcomes[r], info.name) != 0)
                continue;
            for (int f = 0; f < TF_COUNT; f++)
                d.v[d.n][f] = t->values[r * t->n_fields + at[f]];
            double k = d.v[d.n][TF_KEY];
            if (!(k >= 0 && k < (double)nkeys && k == floor(k))) {
                rc = sim_err_set(ctx->err, SIM_EINVAL, "%s: /sweep/tornado, row %zu: key %g is "
                                 "not one of the %zu keys", ctx->path, r, k, nkeys);
                break;
            }
            d.key[d.n++] = keys[(size_t)k];
        }
        if (rc == 0 && d.n > 0) {
            char figure[200];
            snprintf(figure, sizeof figure, "sweep_tornado_%s", info.name);
            rc = plot_write_figure(ctx, figure, tornado_write_data, tornado_write_script, &d);
            drawn += rc == 0;
        }
    }
    free(d.key);
    free(d.v);
    out_outcome_table_destroy(t);
    return rc != 0 ? rc : drawn ? 0 : PLOT_ABSENT;
}

/* The line plot of a grid over one or two keys. */
struct sweep_lines {
    const char *scenario;        /* the scenario swept */
    const char *key1, *key2;     /* the keys (key2 NULL for one) */
    char unit1[64];              /* unit of key1 */
    double reps;                 /* replications per point (NaN when unknown) */
    size_t n;                    /* points */
    size_t ngroups;              /* lines: values of key2 (1 for one key) */
    double *group;               /* ngroups values of key2, in order of first appearance */
    size_t *order;               /* points by line, in point order within a line */
    size_t *start;               /* order[start[g] .. start[g + 1]) are line g's */
    double *x, *y2;              /* per point: the value of key1 and of key2 (NaN) */
    double *stats;               /* n x SWEEP_LINES x 3: mean, low, high of the 95% CI */
    char names[SWEEP_LINES][OUTC_NAME_MAX];
    char units[SWEEP_LINES][64];
};

static void lines_write_data(FILE *fp, const struct plot_ctx *ctx, const void *arg)
{
    (void)ctx;
    const struct sweep_lines *d = arg;
    fputs("# ", fp);
    plot_dat_word(fp, d->key1);
    fputc(' ', fp);
    plot_dat_word(fp, d->key2 ? d->key2 : "none");
    for (size_t o = 0; o < SWEEP_LINES; o++)
        fprintf(fp, " %s_mean %s_low %s_high", d->names[o], d->names[o], d->names[o]);
    fputc('\n', fp);
    for (size_t g = 0; g < d->ngroups; g++) {
        if (g > 0)
            fputs("\n\n", fp); /* a new data block: gnuplot's `index` */
        for (size_t i = d->start[g]; i < d->start[g + 1]; i++) {
            size_t p = d->order[i];
            plot_dat_number(fp, d->x[p]);
            plot_dat_number(fp, d->y2[p]);
            for (size_t k = 0; k < SWEEP_LINES * 3; k++)
                plot_dat_number(fp, d->stats[p * SWEEP_LINES * 3 + k]);
            fputc('\n', fp);
        }
    }
}

static void lines_write_script(FILE *fp, const struct plot_ctx *ctx, const char *figure,
                               const void *arg)
{
    const struct sweep_lines *d = arg;
    char what[1200], title[1600], xlabel[300];
    snprintf(what, sizeof what, "the main outcomes over the grid of a sweep of scenario %s",
             d->scenario);
    plot_gp_preamble(fp, ctx, figure, what, 1100, 1050);
    fprintf(fp,
            "# Data: %s.dat, one row per point of the grid (from /sweep/points, outcomes and\n"
            "# ci_halfwidth): 1 the value of %s, 2 the value of %s (NaN with one key), then\n"
            "# for each outcome its mean over replications and the ends of the 95%% CI of the\n"
            "# mean (mean -/+ half-width). With two keys, one data block (gnuplot `index`) per\n"
            "# value of the second key, separated by two blank lines.\n"
            "data = \"%s.dat\"\n"
            "# The lines: values of the second key.\n"
            "lines = %zu\n"
            "values = \"",
            figure, d->key1, d->key2 ? d->key2 : "(none)", figure, d->ngroups);
    for (size_t g = 0; g < d->ngroups; g++)
        fprintf(fp, "%s%.6g", g ? " " : "", d->group[g]);
    fputs("\"\n\n", fp);
    int len = snprintf(title, sizeof title, "Sweep of scenario %s over %s", d->scenario,
                       d->key1);
    if (d->key2 && len >= 0 && (size_t)len < sizeof title)
        len += snprintf(title + len, sizeof title - (size_t)len, " and %s", d->key2);
    if (!isnan(d->reps) && len >= 0 && (size_t)len < sizeof title)
        snprintf(title + len, sizeof title - (size_t)len,
                 "\nmeans of %.0f replication%s per point (common random numbers), band: 95%% CI",
                 d->reps, d->reps == 1 ? "" : "s");
    snprintf(xlabel, sizeof xlabel, d->unit1[0] ? "%s (%s)" : "%s", d->key1, d->unit1);
    fputs("set multiplot layout 3,2 title ", fp);
    plot_gp_string(fp, title);
    fputs("\nset grid\nset xlabel ", fp);
    plot_gp_string(fp, xlabel);
    fputs("\n# Bands first, half transparent, then the means on top.\n"
          "set style fill transparent solid 0.2 noborder\n",
          fp);
    for (size_t o = 0; o < SWEEP_LINES; o++) {
        char panel[200];
        snprintf(panel, sizeof panel, d->units[o][0] ? "%s (%s)" : "%s", d->names[o],
                 d->units[o]);
        fprintf(fp, "\n# %s: columns %zu (mean), %zu-%zu (95%% CI).\nset title ", d->names[o],
                3 + 3 * o, 4 + 3 * o, 5 + 3 * o);
        plot_gp_string(fp, panel);
        fputc('\n', fp);
        if (o == 0)
            fputs("set key top left\n", fp);
        else if (o == 1)
            fputs("unset key  # the first panel's legend holds for all\n", fp);
        fprintf(fp,
                "plot for [i=0:lines-1] data index i using 1:%zu:%zu with filledcurves "
                "lc (i+1) notitle, \\\n"
                "     for [i=0:lines-1] data index i using 1:%zu with linespoints pt 7 ps 0.6 "
                "lw 2 lc (i+1) \\\n"
                "         title (lines > 1 ? sprintf(",
                4 + 3 * o, 5 + 3 * o, 3 + 3 * o);
        char fmt[300];
        snprintf(fmt, sizeof fmt, "%s = %%s", d->key2 ? d->key2 : "");
        plot_gp_string(fp, fmt);
        fputs(", word(values, i+1)) : \"mean\")\n", fp);
    }
    fputs("unset multiplot\n", fp);
}

static void lines_fini(struct sweep_lines *d)
{
    free(d->group);
    free(d->order);
    free(d->start);
    free(d->x);
    free(d->y2);
    free(d->stats);
}

/* The line plot of a grid over one or two keys. */
static int sweep_lines(struct plot_ctx *ctx, const char *scenario, char **keys, size_t nkeys,
                       double reps, const char *currency)
{
    if (nkeys > 2) {
        fprintf(stderr, "caresim plot: note: skipping sweep_lines: the grid varies %zu keys; "
                        "the line plot draws one or two\n", nkeys);
        return PLOT_ABSENT;
    }
    struct out_table *pts = NULL, *mean = NULL, *half = NULL;
    int rc = out_file_read_table(ctx->file, "/sweep/points", &pts, ctx->err);
    rc = rc ? rc : out_file_read_table(ctx->file, "/sweep/outcomes", &mean, ctx->err);
    rc = rc ? rc : out_file_read_table(ctx->file, "/sweep/ci_halfwidth", &half, ctx->err);
    struct sweep_lines d = {.scenario = scenario, .key1 = keys[0],
                            .key2 = nkeys > 1 ? keys[1] : NULL, .reps = reps};
    long c1 = -1, c2 = -1, cm[SWEEP_LINES], ch[SWEEP_LINES];
    if (rc == 0) {
        c1 = plot_table_column(pts, keys[0]);
        c2 = d.key2 ? plot_table_column(pts, d.key2) : -1;
        if (c1 < 0 || (d.key2 && c2 < 0) || mean->n_rows != pts->n_rows ||
            half->n_rows != pts->n_rows)
            rc = sim_err_set(ctx->err, SIM_EINVAL, "%s: /sweep/points, outcomes and "
                             "ci_halfwidth do not match its keys", ctx->path);
    }
    for (size_t o = 0; o < SWEEP_LINES && rc == 0; o++) {
        struct outc_info info;
        if ((rc = outc_column_info(sweep_line_outcomes[o], &info, ctx->err)) != 0)
            break;
        snprintf(d.names[o], sizeof d.names[o], "%s", info.name);
        sweep_unit(d.units[o], sizeof d.units[o], info.unit, currency);
        cm[o] = plot_table_column(mean, info.name);
        ch[o] = plot_table_column(half, info.name);
        if (cm[o] < 0 || ch[o] < 0)
            rc = sim_err_set(ctx->err, SIM_EINVAL, "%s: /sweep/outcomes has no column %s",
                             ctx->path, info.name);
    }
    if (rc == 0 && pts->n_rows == 0) {
        fprintf(stderr, "caresim plot: note: skipping sweep_lines: /sweep/points has no rows\n");
        rc = PLOT_ABSENT;
    }
    if (rc == 0) {
        d.n = pts->n_rows;
        sweep_unit(d.unit1, sizeof d.unit1, pts->cols[c1].unit ? pts->cols[c1].unit : "",
                   currency);
        d.group = malloc(d.n * sizeof *d.group);
        d.order = malloc(d.n * sizeof *d.order);
        d.start = calloc(d.n + 1, sizeof *d.start);
        d.x = malloc(d.n * sizeof *d.x);
        d.y2 = malloc(d.n * sizeof *d.y2);
        d.stats = malloc(d.n * SWEEP_LINES * 3 * sizeof *d.stats);
        if (!d.group || !d.order || !d.start || !d.x || !d.y2 || !d.stats)
            rc = sim_err_set(ctx->err, SIM_ENOMEM, "out of memory");
    }
    if (rc == 0) {
        size_t *line = malloc(d.n * sizeof *line); /* each point's line */
        if (!line)
            rc = sim_err_set(ctx->err, SIM_ENOMEM, "out of memory");
        for (size_t p = 0; rc == 0 && p < d.n; p++) {
            d.x[p] = pts->values[p * pts->n_cols + (size_t)c1];
            d.y2[p] = c2 >= 0 ? pts->values[p * pts->n_cols + (size_t)c2] : NAN;
            size_t g = 0;
            while (g < d.ngroups && !(d.group[g] == d.y2[p] ||
                                      (isnan(d.group[g]) && isnan(d.y2[p]))))
                g++;
            if (g == d.ngroups)
                d.group[d.ngroups++] = d.y2[p];
            line[p] = g;
            d.start[g + 1]++;
            for (size_t o = 0; o < SWEEP_LINES; o++) {
                double m = mean->values[p * mean->n_cols + (size_t)cm[o]];
                double h = half->values[p * half->n_cols + (size_t)ch[o]];
                double *s = d.stats + (p * SWEEP_LINES + o) * 3;
                s[0] = m;
                s[1] = m - h; /* NaN without a half-width: no band */
                s[2] = m + h;
            }
        }
        for (size_t g = 0; rc == 0 && g < d.ngroups; g++)
            d.start[g + 1] += d.start[g];
        size_t *fill = rc == 0 ? calloc(d.ngroups + 1, sizeof *fill) : NULL;
        if (rc == 0 && !fill)
            rc = sim_err_set(ctx->err, SIM_ENOMEM, "out of memory");
        for (size_t p = 0; rc == 0 && p < d.n; p++)
            d.order[d.start[line[p]] + fill[line[p]]++] = p;
        free(fill);
        free(line);
    }
    if (rc == 0)
        rc = plot_write_figure(ctx, "sweep_lines", lines_write_data, lines_write_script, &d);
    lines_fini(&d);
    out_table_destroy(pts);
    out_table_destroy(mean);
    out_table_destroy(half);
    return rc;
}

/* The figures of a sweep: the tornados of a one-way sweep, the line plot of a grid. Absent,
 * silently, when the file has no /sweep. */
int plot_fig_sweep(struct plot_ctx *ctx, const char *unused)
{
    (void)unused;
    char *mode = plot_group_text(ctx, "/sweep", "mode");
    if (!mode)
        return PLOT_ABSENT;
    char *scenario = plot_group_text(ctx, "/sweep", "scenario");
    char **keys = NULL;
    size_t nkeys = 0;
    int rc = 0;
    if (ctx->only && !(scenario && strcmp(scenario, ctx->only) == 0))
        rc = PLOT_ABSENT; /* --scenario: another scenario */
    else if (out_file_read_attr_strings(ctx->file, "/sweep", "keys", &keys, &nkeys, ctx->err) != 0)
        rc = SIM_EINVAL;
    else if (nkeys == 0)
        rc = sim_err_set(ctx->err, SIM_EINVAL, "%s: /sweep names no keys", ctx->path);
    if (rc == 0) {
        char currency[64] = "";
        const char *name = scenario ? scenario : "the scenario";
        if (scenario)
            plot_scenario_currency(ctx, scenario, currency, sizeof currency);
        double reps = plot_group_number(ctx, "/sweep", "replications");
        if (strcmp(mode, "oneway") == 0)
            rc = sweep_tornados(ctx, name, keys, nkeys, reps, currency);
        else if (strcmp(mode, "grid") == 0)
            rc = sweep_lines(ctx, name, keys, nkeys, reps, currency);
        else
            rc = sim_err_set(ctx->err, SIM_EINVAL, "%s: /sweep has mode '%s' (grid or oneway "
                             "expected)", ctx->path, mode);
    }
    free(keys);
    free(scenario);
    free(mode);
    return rc;
}

