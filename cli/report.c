/* cli/report.c — `caresim report RESULTS.h5 [--scenario NAME] [--html OUT.html]`: prints
 * what a results file (docs/results.md) holds — its provenance, then per scenario the
 * tables a reader wants on a terminal (today the summary: n, mean and 95% CI per outcome)
 * as aligned text, and the list of the scenario's tables with their numbers of rows (time
 * series, groups and ledger are too long to print: `caresim export` writes them as CSV).
 *
 * Reads the results file through output/; writes only stdout (the report) and stderr
 * (problems). Every kind of table is one entry of report_tables[] below, so comparisons
 * and PSA tables are added there without touching the rest. With --html the same contents,
 * figures and mechanisms go to one web page instead (cli/report_html.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "output/results.h"
#include "sim/err.h"

/* Cells of a number column: enough for any double printed by fmt_number(). */
#define REPORT_NUM_MAX 48
/* Most columns a grid prints (later ones are left out); the widest table has 5. */
#define REPORT_GRID_MAX_COLS 16

/* ---- Aligned text tables ----------------------------------------------------------------- */

/* A table of strings printed with every column as wide as its widest cell. Column kinds:
 * text is left-aligned, numbers right-aligned (so their digits line up). */
struct report_grid {
    size_t n_cols;          /* columns */
    size_t n_rows;          /* body rows (the header is not counted) */
    const char **headers;   /* n_cols column titles */
    const int *right;       /* n_cols flags: 1 = right-align the column */
    char **cells;           /* n_rows * n_cols cells, row-major, each malloc'ed */
};

static int grid_init(struct report_grid *g, size_t n_cols, size_t n_rows,
                     const char **headers, const int *right)
{
    g->n_cols = n_cols;
    g->n_rows = n_rows;
    g->headers = headers;
    g->right = right;
    g->cells = calloc(n_rows * n_cols + 1, sizeof *g->cells);
    return g->cells ? 0 : SIM_ENOMEM;
}

static void grid_fini(struct report_grid *g)
{
    if (!g->cells)
        return;
    for (size_t i = 0; i < g->n_rows * g->n_cols; i++)
        free(g->cells[i]);
    free(g->cells);
    g->cells = NULL;
}

/* Copies s into cell (row, col). */
static int grid_set(struct report_grid *g, size_t row, size_t col, const char *s)
{
    char *c = strdup(s ? s : "");
    if (!c)
        return SIM_ENOMEM;
    free(g->cells[row * g->n_cols + col]);
    g->cells[row * g->n_cols + col] = c;
    return 0;
}

static void grid_print(const struct report_grid *g, const char *indent, FILE *out)
{
    size_t width[REPORT_GRID_MAX_COLS] = {0};
    size_t n_cols = g->n_cols < REPORT_GRID_MAX_COLS ? g->n_cols : REPORT_GRID_MAX_COLS;
    for (size_t c = 0; c < n_cols; c++) {
        width[c] = strlen(g->headers[c]);
        for (size_t r = 0; r < g->n_rows; r++) {
            const char *s = g->cells[r * g->n_cols + c];
            size_t n = s ? strlen(s) : 0;
            width[c] = n > width[c] ? n : width[c];
        }
    }
    for (size_t r = 0; r <= g->n_rows; r++) {
        fputs(indent, out);
        for (size_t c = 0; c < n_cols; c++) {
            const char *s = r == 0 ? g->headers[c] : g->cells[(r - 1) * g->n_cols + c];
            if (!s)
                s = "";
            int last = c + 1 == n_cols;
            /* No trailing blanks after a left-aligned last column. */
            if (last && !g->right[c])
                fputs(s, out);
            else
                fprintf(out, g->right[c] ? "%*s" : "%-*s", (int)width[c], s);
            fputs(last ? "\n" : "  ", out);
        }
    }
}

/* ---- Numbers ----------------------------------------------------------------------------- */

/* About 4 significant digits, never in exponent form for magnitudes from 1e-4 to below 1e9
 * (costs and counts in the millions read better whole); whole numbers print as such. */
static void fmt_number(double x, char *buf, size_t size)
{
    double ax = fabs(x);
    if (isnan(x))
        snprintf(buf, size, "n/a");
    else if (isinf(x))
        snprintf(buf, size, x > 0 ? "inf" : "-inf");
    else if (ax < 1e9 && x == floor(x))
        snprintf(buf, size, "%.0f", x + 0.0); /* + 0.0: no "-0" */
    else if (ax >= 1e-4 && ax < 1e9) {
        int decimals = 3 - (int)floor(log10(ax));
        snprintf(buf, size, "%.*f", decimals < 0 ? 0 : decimals, x);
    } else
        snprintf(buf, size, "%.4g", x);
}

void cli_report_number(double x, char *buf, size_t size)
{
    fmt_number(x, buf, size);
}

/* ---- The tables of a scenario ------------------------------------------------------------ */

/* What a table printer is given. */
struct report_ctx {
    struct out_file *file;  /* the results file */
    const char *path;       /* its path, for messages */
    const char *scenario;   /* the scenario being reported */
    FILE *out;              /* where the report goes */
    struct sim_err *err;    /* filled on failure */
};

/* The summary: one line per outcome with n, mean and the 95% CI. */
static int report_summary(const struct report_ctx *ctx)
{
    static const char *headers[] = {"outcome", "unit", "n", "mean", "95% CI"};
    static const int right[] = {0, 0, 1, 1, 0};
    char dataset[64 + 1024];
    snprintf(dataset, sizeof dataset, "/scenarios/%s/summary", ctx->scenario);
    size_t n_rows;
    struct sim_err probe;
    sim_err_clear(&probe);
    int trc = out_file_table_rows(ctx->file, dataset, &n_rows, &probe);
    if (trc != 0 && trc != SIM_EINVAL) /* out of memory */
        return sim_err_set(ctx->err, trc, "%s", probe.msg);
    if (trc != 0) {
        /* A sweep keeps only the scenario's config here; its results are under /sweep. */
        fprintf(ctx->out, "  (no runs stored under the scenario: its settings only; see the "
                          "analysis below)\n");
        return 0;
    }
    struct out_summary *s = NULL;
    int rc = out_file_read_summary(ctx->file, dataset, &s, ctx->err);
    if (rc != 0)
        return rc;

    /* The interval's two ends are aligned among themselves, then joined into one cell. */
    char(*lo)[REPORT_NUM_MAX] = calloc(s->n_rows + 1, sizeof *lo);
    char(*hi)[REPORT_NUM_MAX] = calloc(s->n_rows + 1, sizeof *hi);
    struct report_grid g = {0};
    if (!lo || !hi || grid_init(&g, 5, s->n_rows, headers, right) != 0) {
        rc = sim_err_set(ctx->err, SIM_ENOMEM, "out of memory");
        goto out;
    }
    int wlo = 0, whi = 0;
    for (size_t i = 0; i < s->n_rows; i++) {
        fmt_number(s->rows[i].ci_low, lo[i], sizeof lo[i]);
        fmt_number(s->rows[i].ci_high, hi[i], sizeof hi[i]);
        wlo = (int)strlen(lo[i]) > wlo ? (int)strlen(lo[i]) : wlo;
        whi = (int)strlen(hi[i]) > whi ? (int)strlen(hi[i]) : whi;
    }
    for (size_t i = 0; i < s->n_rows && rc == 0; i++) {
        const struct out_summary_row *row = &s->rows[i];
        char n[32], mean[REPORT_NUM_MAX], ci[2 * REPORT_NUM_MAX + 8];
        snprintf(n, sizeof n, "%lld", (long long)row->n);
        fmt_number(row->mean, mean, sizeof mean);
        if (isnan(row->ci_low) || isnan(row->ci_high))
            snprintf(ci, sizeof ci, "n/a");
        else
            snprintf(ci, sizeof ci, "[%*s, %*s]", wlo, lo[i], whi, hi[i]);
        if (grid_set(&g, i, 0, row->outcome) || grid_set(&g, i, 1, row->unit) ||
            grid_set(&g, i, 2, n) || grid_set(&g, i, 3, mean) || grid_set(&g, i, 4, ci))
            rc = sim_err_set(ctx->err, SIM_ENOMEM, "out of memory");
    }
    if (rc == 0) {
        fprintf(ctx->out, "  summary (mean over replications, 95%% CI for the mean):\n");
        grid_print(&g, "    ", ctx->out);
    }
out:
    grid_fini(&g);
    free(lo);
    free(hi);
    out_summary_destroy(s);
    return rc;
}

/* The scenario's tables (every dataset but config), in the order written, with rows. */
static int report_table_list(const struct report_ctx *ctx)
{
    static const char *headers[] = {"table", "rows"};
    static const int right[] = {0, 1};
    char group[64 + 1024], dataset[64 + 2048];
    snprintf(group, sizeof group, "/scenarios/%s", ctx->scenario);
    char **names = NULL;
    size_t n = 0, k = 0;
    int rc = out_file_list_datasets(ctx->file, group, &names, &n, ctx->err);
    if (rc != 0)
        return rc;
    struct report_grid g = {0};
    if (grid_init(&g, 2, n, headers, right) != 0)
        rc = sim_err_set(ctx->err, SIM_ENOMEM, "out of memory");
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (strcmp(names[i], "config") == 0)
            continue;
        size_t rows = 0;
        char cell[32];
        snprintf(dataset, sizeof dataset, "%s/%s", group, names[i]);
        if ((rc = out_file_table_rows(ctx->file, dataset, &rows, ctx->err)) != 0)
            break;
        snprintf(cell, sizeof cell, "%zu", rows);
        if (grid_set(&g, k, 0, names[i]) || grid_set(&g, k, 1, cell))
            rc = sim_err_set(ctx->err, SIM_ENOMEM, "out of memory");
        k++;
    }
    g.n_rows = k; /* the cells of rows left out are NULL: grid_fini frees up to here */
    if (rc == 0 && k > 0) {
        fprintf(ctx->out, "  tables (caresim export writes them as CSV):\n");
        grid_print(&g, "    ", ctx->out);
    }
    grid_fini(&g);
    free(names);
    return rc;
}

/* Index of the field called name in t, or -1. */
static int field_of(const struct out_outcome_table *t, const char *name)
{
    for (size_t i = 0; i < t->n_fields; i++)
        if (strcmp(t->fields[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* A comparison's ICER and net monetary benefit (attributes of its group). Absent ones print
 * as unknown; a failure other than SIM_EINVAL (out of memory) fails the report. */
static int report_economics(struct out_file *f, const char *group, FILE *out,
                            struct sim_err *err)
{
    char *status = NULL;
    double icer = NAN, nmb = NAN, nlo = NAN, nhi = NAN, wtp = NAN;
    struct sim_err got;
    sim_err_clear(&got);
    out_file_read_attr_text(f, group, "icer_status", &status, &got);
    out_file_read_attr_number(f, group, "icer", &icer, &got);
    out_file_read_attr_number(f, group, "nmb_mean", &nmb, &got);
    out_file_read_attr_number(f, group, "nmb_ci_low", &nlo, &got);
    out_file_read_attr_number(f, group, "nmb_ci_high", &nhi, &got);
    out_file_read_attr_number(f, group, "wtp_per_qaly", &wtp, &got);
    if (got.count && got.code != SIM_EINVAL) {
        free(status);
        return sim_err_set(err, got.code, "%s", got.msg);
    }
    char x[REPORT_NUM_MAX], y[REPORT_NUM_MAX], z[REPORT_NUM_MAX], w[REPORT_NUM_MAX];
    fmt_number(icer, x, sizeof x);
    fprintf(out, "    ICER: %s (%s)\n", status && strcmp(status, "ratio") == 0 ? x : "-",
            status ? status : "unknown");
    fmt_number(nmb, x, sizeof x);
    fmt_number(nlo, y, sizeof y);
    fmt_number(nhi, z, sizeof z);
    fmt_number(wtp, w, sizeof w);
    fprintf(out, "    net monetary benefit at %s per QALY: %s [%s, %s]\n", w, x, y, z);
    free(status);
    return 0;
}

/* One comparison (/comparisons/<name>): its differences with CIs, then ICER and NMB. */
static int report_comparison(struct out_file *f, const char *name, FILE *out,
                             struct sim_err *err)
{
    char group[64 + 1024], dataset[64 + 1100];
    snprintf(group, sizeof group, "/comparisons/%s", name);
    snprintf(dataset, sizeof dataset, "%s/differences", group);
    struct out_outcome_table *t = NULL;
    int rc = out_file_read_outcome_table(f, dataset, &t, err);
    if (rc != 0)
        return rc;
    int fb = field_of(t, "base_mean"), fa = field_of(t, "alt_mean"),
        fd = field_of(t, "mean_difference"), fl = field_of(t, "ci_low"),
        fh = field_of(t, "ci_high"), fr = field_of(t, "relative_change");
    if (fb < 0 || fa < 0 || fd < 0 || fl < 0 || fh < 0 || fr < 0) {
        out_outcome_table_destroy(t);
        return sim_err_set(err, SIM_EINVAL, "%s: not a comparison table (fields missing)",
                           dataset);
    }
    static const char *headers[] = {"outcome", "unit", "base", "alt", "difference", "95% CI",
                                    "relative"};
    static const int right[] = {0, 0, 1, 1, 1, 0, 1};
    struct report_grid g = {0};
    if (grid_init(&g, 7, t->n_rows, headers, right) != 0)
        rc = sim_err_set(err, SIM_ENOMEM, "out of memory");
    for (size_t i = 0; i < t->n_rows && rc == 0; i++) {
        const double *v = t->values + i * t->n_fields;
        char b[REPORT_NUM_MAX], a[REPORT_NUM_MAX], d[REPORT_NUM_MAX], lo[REPORT_NUM_MAX],
            hi[REPORT_NUM_MAX], ci[2 * REPORT_NUM_MAX + 8], rel[32];
        fmt_number(v[fb], b, sizeof b);
        fmt_number(v[fa], a, sizeof a);
        fmt_number(v[fd], d, sizeof d);
        fmt_number(v[fl], lo, sizeof lo);
        fmt_number(v[fh], hi, sizeof hi);
        if (isnan(v[fl]) || isnan(v[fh]))
            snprintf(ci, sizeof ci, "n/a");
        else
            snprintf(ci, sizeof ci, "[%s, %s]", lo, hi);
        if (isnan(v[fr]))
            snprintf(rel, sizeof rel, "n/a");
        else
            snprintf(rel, sizeof rel, "%+.1f%%", 100.0 * v[fr]);
        const char *unit = t->units && t->units[i] ? t->units[i] : "";
        if (grid_set(&g, i, 0, t->outcomes[i]) || grid_set(&g, i, 1, unit) ||
            grid_set(&g, i, 2, b) || grid_set(&g, i, 3, a) || grid_set(&g, i, 4, d) ||
            grid_set(&g, i, 5, ci) || grid_set(&g, i, 6, rel))
            rc = sim_err_set(err, SIM_ENOMEM, "out of memory");
    }
    if (rc == 0) {
        fprintf(out, "\ncomparison %s (paired differences alt - base, 95%% CI):\n", name);
        grid_print(&g, "    ", out);
        rc = report_economics(f, group, out, err);
    }
    grid_fini(&g);
    out_outcome_table_destroy(t);
    return rc;
}

/* Every comparison in the file (none: nothing printed). */
static int report_comparisons(struct out_file *f, FILE *out, struct sim_err *err)
{
    char **names = NULL;
    size_t n = 0;
    /* A file of `caresim run` has no /comparisons: an empty list, not an error. */
    int rc = out_file_list_groups(f, "/comparisons", &names, &n, err);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = report_comparison(f, names[i], out, err);
    free(names);
    return rc;
}

/* The tables of an analysis group (/psa, /sweep) with their rows; for /psa also the
 * strategies (cost, QALYs, ICER, status, ENB, probability optimal). Absent: nothing. */
static int report_analysis(struct out_file *f, const char *group, const char *title, FILE *out,
                           struct sim_err *err)
{
    char **names = NULL;
    size_t n = 0;
    if (out_file_list_datasets(f, group, &names, &n, NULL) != 0 || n == 0) {
        free(names);
        return 0;
    }
    fprintf(out, "\n%s (%s)\n", title, group);
    static const char *headers[] = {"table", "rows"};
    static const int right[] = {0, 1};
    struct report_grid g = {0};
    int rc = grid_init(&g, 2, n, headers, right) ? sim_err_set(err, SIM_ENOMEM, "out of memory")
                                                  : 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char dataset[2200], cell[32];
        size_t rows = 0;
        snprintf(dataset, sizeof dataset, "%s/%s", group, names[i]);
        if ((rc = out_file_table_rows(f, dataset, &rows, err)) != 0)
            break;
        snprintf(cell, sizeof cell, "%zu", rows);
        if (grid_set(&g, i, 0, names[i]) || grid_set(&g, i, 1, cell))
            rc = sim_err_set(err, SIM_ENOMEM, "out of memory");
    }
    if (rc == 0)
        grid_print(&g, "  ", out);
    grid_fini(&g);
    free(names);
    struct out_outcome_table *t = NULL;
    if (rc == 0 && strcmp(group, "/psa") == 0 &&
        out_file_read_outcome_table(f, "/psa/strategies", &t, NULL) == 0) {
        static const char *const show[] = {"cost", "qalys", "icer", "enb", "p_optimal"};
        fprintf(out, "  strategies (per person, discounted; means over the draws):\n    %-24s",
                "strategy");
        for (size_t k = 0; k < 5; k++)
            fprintf(out, " %14s", show[k]);
        fprintf(out, "\n");
        for (size_t r = 0; r < t->n_rows; r++) {
            fprintf(out, "    %-24s", t->outcomes[r]);
            for (size_t k = 0; k < 5; k++) {
                int c = field_of(t, show[k]);
                char x[32];
                fmt_number(c >= 0 ? t->values[r * t->n_fields + (size_t)c] : NAN, x, sizeof x);
                fprintf(out, " %14s", x);
            }
            fprintf(out, "\n");
        }
        out_outcome_table_destroy(t);
        double evpi;
        if (out_file_read_attr_number(f, "/psa", "evpi_reference", &evpi, NULL) == 0) {
            char x[32];
            fmt_number(evpi, x, sizeof x);
            fprintf(out, "  EVPI at the reference willingness to pay: %s per person\n", x);
        }
    }
    return rc;
}

/* Every kind of table a scenario's report shows, in order. */
static const struct {
    const char *name;                            /* for messages */
    int (*print)(const struct report_ctx *ctx);  /* prints it; 0 or a SIM_E* code */
} report_tables[] = {
    {"summary", report_summary},
    {"list of tables", report_table_list},
};

/* ---- Provenance -------------------------------------------------------------------------- */

static void print_provenance(const struct out_info *info, const char *path, FILE *out)
{
    char seed[32], threads[32], format[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)info->master_seed);
    snprintf(threads, sizeof threads, "%lld", (long long)info->threads);
    snprintf(format, sizeof format, "%lld", (long long)info->format_version);
    const char *rows[][2] = {
        {"caresim version", info->version},
        {"git commit", info->git_commit},
        {"command line", info->command_line},
        {"master seed", seed},
        {"created", info->created_utc},
        {"started", info->started_utc},
        {"finished", info->finished_utc},
        {"host", info->host},
        {"threads", threads},
        {"partial", info->partial ? "yes: the run stopped early; the file holds what finished"
                                  : "no"},
        {"format version", format},
    };
    size_t w = 0;
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        w = strlen(rows[i][0]) > w ? strlen(rows[i][0]) : w;
    fprintf(out, "results file %s\n", path);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        fprintf(out, "  %-*s  %s\n", (int)w, rows[i][0],
                rows[i][1][0] ? rows[i][1] : "(unknown)");
}

/* ---- The command ------------------------------------------------------------------------- */

static void report_usage(FILE *out)
{
    fprintf(out,
            "usage: caresim report RESULTS.h5 [--scenario NAME] [--html OUT.html]\n"
            "Prints a results file's provenance (version, commit, command line, seed, times,\n"
            "host, whether the run was partial) and, for every scenario or the one named, the\n"
            "summary of its outcomes: n, mean and 95%% confidence interval for the mean, and\n"
            "the list of its tables (replications, summary, timeseries, by_group, ledger)\n"
            "with their numbers of rows.\n"
            "\n"
            "  -s, --scenario NAME   report only this scenario\n"
            "      --html OUT.html   write the report as one self-contained web page instead\n"
            "                        (no network needed: open it in any browser): the\n"
            "                        provenance; per scenario its settings and summary; every\n"
            "                        comparison with its mechanism (caresim explain), ICER and\n"
            "                        net monetary benefit; the PSA and sweep results; and the\n"
            "                        figures of caresim plot inlined as SVG (without gnuplot\n"
            "                        the page has the tables and says the figures are missing)\n"
            "\n"
            "Exit status: 0 done; 2 bad command line or no such scenario; 1 the file cannot\n"
            "be read (missing, not HDF5, damaged, not a caresim results file) or OUT.html\n"
            "cannot be written.\n");
}

/* Parses the command line. Returns CLI_EXIT_OK to go on, -1 after --help, or
 * CLI_EXIT_USAGE. */
static int parse_args(int argc, char **argv, const char **path, const char **scenario,
                      const char **html)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            report_usage(stdout);
            return -1;
        } else if (strncmp(a, "--scenario=", 11) == 0) {
            *scenario = a + 11;
        } else if (strcmp(a, "--scenario") == 0 || strcmp(a, "-s") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "caresim report: %s needs a value\n", a);
                return CLI_EXIT_USAGE;
            }
            *scenario = argv[++i];
        } else if (strncmp(a, "--html=", 7) == 0 || strcmp(a, "--html") == 0) {
            if (a[6] == '\0' && i + 1 >= argc) {
                fprintf(stderr, "caresim report: %s needs a value\n", a);
                return CLI_EXIT_USAGE;
            }
            *html = a[6] == '=' ? a + 7 : argv[++i];
            if (!**html) {
                fprintf(stderr, "caresim report: --html needs a file name\n");
                return CLI_EXIT_USAGE;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "caresim report: unknown option '%s'\n", a);
            return CLI_EXIT_USAGE;
        } else if (*path) {
            fprintf(stderr, "caresim report: one results file at a time (got '%s' and '%s')\n",
                    *path, a);
            return CLI_EXIT_USAGE;
        } else {
            *path = a;
        }
    }
    if (!*path) {
        fprintf(stderr, "caresim report: missing results file\n");
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

int cli_report(int argc, char **argv)
{
    const char *path = NULL, *only = NULL, *html = NULL;
    int prc = parse_args(argc, argv, &path, &only, &html);
    if (prc != CLI_EXIT_OK) {
        if (prc == CLI_EXIT_USAGE)
            fprintf(stderr, "(caresim report --help shows the options)\n");
        return prc < 0 ? CLI_EXIT_OK : prc;
    }

    struct sim_err e;
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    sim_err_clear(&e);
    struct cli_results res;
    int rc = CLI_EXIT_FAIL;
    if (cli_results_open(path, &res, &e) != 0) {
        fprintf(stderr, "caresim report: %s\n", sim_err_format(&e, buf, sizeof buf));
        goto out;
    }

    /* Check the scenario before printing anything, so a typo gives only the message. */
    if (only) {
        size_t i = 0;
        while (i < res.count && strcmp(res.names[i], only) != 0)
            i++;
        if (i == res.count) {
            fprintf(stderr, "caresim report: %s: no scenario '%s'; ", path, only);
            if (res.count == 0)
                fprintf(stderr, "the file has no scenarios\n");
            else {
                fprintf(stderr, "available:");
                for (size_t j = 0; j < res.count; j++)
                    fprintf(stderr, " %s", res.names[j]);
                fputc('\n', stderr);
            }
            rc = CLI_EXIT_USAGE;
            goto out;
        }
    }

    if (html) {
        if (cli_report_html(&res, path, only, html, &e) != 0) {
            fprintf(stderr, "caresim report: %s\n", sim_err_format(&e, buf, sizeof buf));
            goto out;
        }
        printf("wrote %s\n", html);
        fflush(stdout);
        rc = CLI_EXIT_OK;
        goto out;
    }

    print_provenance(res.info, path, stdout);
    if (res.count == 0)
        printf("\n(no scenarios)\n");
    for (size_t i = 0; i < res.count; i++) {
        if (only && strcmp(res.names[i], only) != 0)
            continue;
        printf("\nscenario %s\n", res.names[i]);
        struct report_ctx ctx = {res.file, path, res.names[i], stdout, &e};
        for (size_t k = 0; k < sizeof report_tables / sizeof *report_tables; k++) {
            if (report_tables[k].print(&ctx) != 0) {
                fflush(stdout);
                fprintf(stderr, "caresim report: scenario %s, %s: %s\n", res.names[i],
                        report_tables[k].name, sim_err_format(&e, buf, sizeof buf));
                goto out;
            }
        }
    }
    if (!only && report_comparisons(res.file, stdout, &e) != 0) {
        fflush(stdout);
        fprintf(stderr, "caresim report: comparisons: %s\n", sim_err_format(&e, buf, sizeof buf));
        goto out;
    }
    if (!only && (report_analysis(res.file, "/psa", "probabilistic sensitivity analysis",
                                  stdout, &e) != 0 ||
                  report_analysis(res.file, "/sweep", "parameter sweep", stdout, &e) != 0)) {
        fflush(stdout);
        fprintf(stderr, "caresim report: %s\n", sim_err_format(&e, buf, sizeof buf));
        goto out;
    }
    rc = cli_stdout_status("report", CLI_EXIT_OK);
out:
    cli_results_close(&res);
    return rc;
}
