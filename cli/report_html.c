/* cli/report_html.c — `caresim report RESULTS.h5 --html OUT.html`: the report of a results
 * file (docs/results.md) as one self-contained web page for students and readers without a
 * terminal. The page holds the provenance; per scenario its settings (the resolved
 * scenario text, folded), its summary table (mean and 95% CI per outcome, with units) and
 * its figures; every comparison with the settings that differ from the base, the ICER and
 * net monetary benefit, the mechanism table of cli/explain.h and every outcome's paired
 * difference; the PSA's strategies and figures; a sweep's figures. Every figure is drawn by
 * cli/plot.c (cli_plot_render, gnuplot, SVG) and inlined with a short caption saying what
 * it shows; without gnuplot the page still has every table and says why the figures are
 * missing.
 *
 * Self-contained: no script, no external style sheet, font or image, and no URL at all
 * (the SVG namespace declarations are dropped: the HTML parser puts inline <svg> in the SVG
 * namespace by itself). Every text taken from the file is HTML-escaped; the element ids of
 * each inlined SVG get a prefix of their own (f<N>-) so that the figures' ids do not clash.
 *
 * Reads the results file through output/ (and resolves the scenario texts stored in it,
 * for their currency, description and differences); runs gnuplot through cli/plot.c in a
 * temporary directory (under $TMPDIR, else /tmp) that it removes afterwards; writes
 * OUT.html under a hidden temporary name beside it, renamed into place when complete
 * (cli_outfile); prints notes on stderr.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/explain.h"
#include "models/params.h"
#include "output/results.h"
#include "sim/config.h"
#include "sim/err.h"

/* Characters a formatted number needs (cli_report_number). */
#define HTML_NUM_MAX 48
/* Longest attribute name tracked while rewriting the ids of an SVG. */
#define HTML_ATTR_MAX 32

/* What every part of the page is given. */
struct html_ctx {
    FILE *out;                      /* the page being written */
    const struct cli_results *res;  /* the results file */
    const char *path;               /* its path as given */
    const char *only;               /* --scenario NAME, or NULL for all */
    const char *fig_dir;            /* directory holding <figure>.svg, NULL when none */
    char **figures;                 /* figures cli_plot_render wrote scripts for */
    size_t n_figures;
    unsigned char *used;            /* n_figures flags: already on the page */
    int n_inlined;                  /* SVGs inlined so far (their number is the id prefix) */
    char figures_note[600];         /* why the page has no figures ("" when it has them) */
};

/* ---- Writing text ------------------------------------------------------------------------ */

/* s (NULL: nothing) with & < > " ' as character references: safe in text and in quoted
 * attribute values. */
static void esc(FILE *fp, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", fp); break;
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '"': fputs("&quot;", fp); break;
        case '\'': fputs("&#39;", fp); break;
        default: fputc(*s, fp);
        }
    }
}

/* A number as the text report prints it, escaped (it is plain ASCII, but uniformly so). */
static void num(FILE *fp, double x)
{
    char b[HTML_NUM_MAX];
    cli_report_number(x, b, sizeof b);
    esc(fp, b);
}

/* "[lo, hi]", or "n/a" when either end is missing. */
static void interval(FILE *fp, double lo, double hi)
{
    if (isnan(lo) || isnan(hi)) {
        fputs("n/a", fp);
        return;
    }
    fputc('[', fp);
    num(fp, lo);
    fputs(", ", fp);
    num(fp, hi);
    fputc(']', fp);
}

/* A relative change (fraction) as a signed percentage, "n/a" when missing. */
static void percent(FILE *fp, double rel)
{
    if (isnan(rel) || isinf(rel))
        fputs("n/a", fp);
    else
        fprintf(fp, "%+.1f%%", 100.0 * rel + 0.0);
}

/* The unit of a table row: "currency" named (GBP...) when known. */
static const char *unit_name(const char *unit, const char *currency)
{
    if (!unit)
        return "";
    return strcmp(unit, "currency") == 0 && currency && *currency ? currency : unit;
}

/* ---- Reading the file -------------------------------------------------------------------- */

static char *attr_text(const struct html_ctx *c, const char *obj, const char *name)
{
    char *s = NULL;
    if (out_file_read_attr_text(c->res->file, obj, name, &s, NULL) != 0)
        return NULL;
    return s;
}

static double attr_number(const struct html_ctx *c, const char *obj, const char *name)
{
    double v = NAN;
    if (out_file_read_attr_number(c->res->file, obj, name, &v, NULL) != 0)
        return NAN;
    return v;
}

/* The scenario's stored text resolved against the parameter table (NULL when it cannot
 * be: a file of another version). The caller destroys it. */
static struct sim_cfg *scenario_cfg(const struct html_ctx *c, const char *scenario)
{
    char *text = NULL;
    if (out_file_read_config(c->res->file, scenario, &text, NULL) != 0)
        return NULL;
    struct sim_cfg *cfg = sim_cfg_create(params_schema(), NULL);
    if (cfg && sim_cfg_load_string(cfg, text, scenario, NULL) != 0) {
        sim_cfg_destroy(cfg);
        cfg = NULL;
    }
    free(text);
    return cfg;
}

/* A string key of a resolved scenario ("" when absent). */
static const char *cfg_string(const struct sim_cfg *cfg, const char *key)
{
    int k = cfg ? sim_cfg_schema_find(sim_cfg_schema(cfg), key) : -1;
    const char *s = k >= 0 ? sim_cfg_get_string(cfg, (size_t)k) : NULL;
    return s ? s : "";
}

/* Index of the field called name in t, or -1. */
static int field_of(const struct out_outcome_table *t, const char *name)
{
    for (size_t i = 0; i < t->n_fields; i++)
        if (strcmp(t->fields[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Value of field `field` in the row of outcome `outcome`, NaN when either is missing. */
static double outcome_value(const struct out_outcome_table *t, const char *outcome,
                            const char *field)
{
    int f = field_of(t, field);
    for (size_t r = 0; f >= 0 && r < t->n_rows; r++)
        if (strcmp(t->outcomes[r], outcome) == 0)
            return t->values[r * t->n_fields + (size_t)f];
    return NAN;
}

/* ---- Figures ----------------------------------------------------------------------------- */

/* Index of the figure called name, or -1 (not drawn). */
static long figure_index(const struct html_ctx *c, const char *name)
{
    for (size_t i = 0; i < c->n_figures; i++)
        if (strcmp(c->figures[i], name) == 0)
            return (long)i;
    return -1;
}

/* Whole contents of a file (malloc'ed, NUL-terminated), NULL when it cannot be read. */
static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *buf = NULL;
    long n = -1;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) != NULL) {
        if (fread(buf, 1, (size_t)n, fp) != (size_t)n) {
            free(buf);
            buf = NULL;
        } else {
            buf[n] = '\0';
        }
    }
    fclose(fp);
    return buf;
}

/* Copies the <svg> element of gnuplot's document svg to fp: without the XML prolog, the
 * namespace declarations (xmlns, xmlns:xlink: the HTML parser supplies both) and gnuplot's
 * generic <title>; with every id, every href="#id" and every url(#id) prefixed by prefix.
 * Returns 0, or -1 when svg holds no <svg ...> ... </svg>. */
static int copy_svg(FILE *fp, const char *svg, const char *prefix)
{
    const char *p = strstr(svg, "<svg");
    const char *end = NULL;
    for (const char *q = p; q && (q = strstr(q, "</svg>")) != NULL; q++)
        end = q;
    if (!p || !end)
        return -1;
    end += strlen("</svg>");
    enum { TEXT, TAG, VALUE } state = TEXT;
    char quote = 0, attr[HTML_ATTR_MAX];
    size_t attr_len = 0;
    int root = 1; /* in the <svg ...> tag itself */
    static const char title[] = "<title>Gnuplot</title>";
    while (p < end) {
        if (state == TEXT) {
            if (strncmp(p, title, sizeof title - 1) == 0) {
                p += sizeof title - 1;
                continue;
            }
            if (*p == '<') {
                state = TAG;
                attr_len = 0;
            }
            fputc(*p++, fp);
        } else if (state == TAG) {
            char ch = *p;
            if (ch == '>') {
                state = TEXT;
                root = 0;
                fputc(*p++, fp);
            } else if (ch == '"' || ch == '\'') {
                attr[attr_len < HTML_ATTR_MAX ? attr_len : HTML_ATTR_MAX - 1] = '\0';
                state = VALUE;
                quote = ch;
                fputc(*p++, fp);
                size_t n = strlen(attr);
                if (strcmp(attr, "id") == 0)
                    fputs(prefix, fp);
                else if (n >= 4 && strcmp(attr + n - 4, "href") == 0 && *p == '#') {
                    fputc(*p++, fp);
                    fputs(prefix, fp);
                }
            } else if (root && attr_len == 0 && strncmp(p, "xmlns", 5) == 0) {
                /* Drop the declaration with its value and the blank after it. */
                const char *q = strchr(p, '=');
                char qc = q ? q[1] : 0;
                const char *close = q && (qc == '"' || qc == '\'') ? strchr(q + 2, qc) : NULL;
                if (!close || close >= end)
                    return -1;
                p = close + 1;
                while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
                    p++;
            } else {
                if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == ':' || ch == '-' || ch == '_') {
                    if (attr_len < HTML_ATTR_MAX - 1)
                        attr[attr_len++] = ch;
                } else if (ch != '=') {
                    attr_len = 0;
                }
                fputc(*p++, fp);
            }
        } else {
            if (*p == quote) {
                state = TAG;
                attr_len = 0;
                fputc(*p++, fp);
            } else if (strncmp(p, "url(#", 5) == 0) {
                fputs("url(#", fp);
                fputs(prefix, fp);
                p += 5;
            } else {
                fputc(*p++, fp);
            }
        }
    }
    return 0;
}

/* The figure called name, inlined with its caption (already HTML: the callers build it
 * from escaped parts), when it was drawn; nothing otherwise. */
static void figure(struct html_ctx *c, const char *name, const char *caption_html)
{
    long i = figure_index(c, name);
    if (i < 0 || !c->fig_dir)
        return;
    c->used[i] = 1;
    char *file = NULL;
    if (asprintf(&file, "%s/%s.svg", c->fig_dir, name) < 0)
        return;
    char *svg = slurp(file);
    free(file);
    if (!svg)
        return; /* gnuplot failed on it: cli/plot.c said so on stderr */
    char prefix[32];
    snprintf(prefix, sizeof prefix, "f%d-", ++c->n_inlined);
    fprintf(c->out, "<figure id=\"fig-%d\">\n<div class=\"svg\">\n", c->n_inlined);
    if (copy_svg(c->out, svg, prefix) != 0)
        fputs("<p class=\"note\">(this figure could not be read)</p>", c->out);
    fprintf(c->out, "\n</div>\n<figcaption><b>Figure %d.</b> %s</figcaption>\n</figure>\n",
            c->n_inlined, caption_html);
    free(svg);
}

/* A caption built with printf: text pieces are the caller's own, names from the file
 * must be passed through esc_dup. */
static char *esc_dup(const char *s)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&buf, &size);
    if (!fp)
        return NULL;
    esc(fp, s);
    fclose(fp);
    return buf;
}

/* ---- The parts of the page --------------------------------------------------------------- */

static const char page_style[] =
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,"
    "sans-serif;line-height:1.45;color:#1d1d1f;background:#fff;margin:0}\n"
    "main,header,footer,nav{max-width:1100px;margin:0 auto;padding:0 1.2rem}\n"
    "header{border-bottom:3px solid #1f77b4;padding-top:1rem;padding-bottom:.6rem}\n"
    "h1{margin:.2rem 0;font-size:1.8rem}\n"
    "h2{margin-top:2.4rem;border-bottom:1px solid #ccd;padding-bottom:.2rem}\n"
    "h3{margin-top:1.6rem}\n"
    "code,pre{font-family:ui-monospace,\"DejaVu Sans Mono\",Menlo,Consolas,monospace;"
    "font-size:.88em}\n"
    "pre{background:#f6f8fa;border:1px solid #dde;padding:.6rem;overflow-x:auto;"
    "max-height:32rem}\n"
    "table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}\n"
    "th,td{padding:.22rem .6rem;border-bottom:1px solid #e3e3ea;text-align:left;"
    "vertical-align:top}\n"
    "th{background:#eef2f7}\n"
    "th[scope=row]{white-space:nowrap}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "td.u{white-space:nowrap}\n"
    "tbody tr:nth-child(even){background:#fafbfc}\n"
    "tr.sig td{font-weight:600}\n"
    ".scroll{overflow-x:auto}\n"
    "details{margin:.6rem 0}\n"
    "summary{cursor:pointer;color:#1f4f8f}\n"
    ".note{background:#fff8e1;border-left:4px solid #f0b400;padding:.5rem .8rem}\n"
    ".warn{background:#fdecea;border-left:4px solid #d62728;padding:.5rem .8rem}\n"
    ".lead{color:#444}\n"
    "figure{margin:1.2rem 0;padding:.6rem;border:1px solid #e3e3ea;background:#fff}\n"
    "figure .svg svg{display:block;width:100%;max-width:1000px;height:auto;margin:0 auto}\n"
    "figcaption{font-size:.9rem;color:#333;margin-top:.4rem}\n"
    "ul.kv{list-style:none;padding-left:0}\n"
    "footer{color:#666;font-size:.85rem;border-top:1px solid #ccd;margin-top:3rem;"
    "padding-top:.6rem;padding-bottom:2rem}\n"
    "@media print{pre{max-height:none}details{display:block}}\n";

static void page_head(struct html_ctx *c)
{
    FILE *o = c->out;
    const char *slash = strrchr(c->path, '/');
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>caresim report: ",
          o);
    esc(o, slash ? slash + 1 : c->path);
    fprintf(o, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n"
               "<h1>caresim report</h1>\n<p class=\"lead\">Results file <code>",
            page_style);
    esc(o, c->path);
    fputs("</code>", o);
    if (c->res->info->command_line[0]) {
        fputs(", written by <code>", o);
        esc(o, c->res->info->command_line);
        fputs("</code>", o);
    }
    fputs(".</p>\n</header>\n", o);
}

/* The comparisons (group names under /comparisons) of the file; none when only one
 * scenario is reported. */
static void list_comparisons(const struct html_ctx *c, char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    if (c->only || out_file_list_groups(c->res->file, "/comparisons", names, n, NULL) != 0) {
        free(*names);
        *names = NULL;
        *n = 0;
    }
}

static int has_psa(const struct html_ctx *c)
{
    return !c->only && !isnan(attr_number(c, "/psa", "draws"));
}

static int has_sweep(const struct html_ctx *c)
{
    char *mode = c->only ? NULL : attr_text(c, "/sweep", "mode");
    int has = mode != NULL;
    free(mode);
    return has;
}

static void page_contents(struct html_ctx *c, char **cmps, size_t n_cmps)
{
    FILE *o = c->out;
    fputs("<nav>\n<h2>Contents</h2>\n<ul>\n<li><a href=\"#reading\">How to read this page</a>"
          "</li>\n<li><a href=\"#provenance\">Where these results come from</a></li>\n",
          o);
    for (size_t i = 0; i < c->res->count; i++) {
        if (c->only && strcmp(c->only, c->res->names[i]) != 0)
            continue;
        fprintf(o, "<li><a href=\"#s%zu\">Scenario <code>", i + 1);
        esc(o, c->res->names[i]);
        fputs("</code></a></li>\n", o);
    }
    if (!c->only && figure_index(c, "costs_by_sector") >= 0 && c->fig_dir)
        fputs("<li><a href=\"#costs\">Costs by sector</a></li>\n", o);
    for (size_t i = 0; i < n_cmps; i++) {
        fprintf(o, "<li><a href=\"#c%zu\">Comparison <code>", i + 1);
        esc(o, cmps[i]);
        fputs("</code></a></li>\n", o);
    }
    if (has_psa(c))
        fputs("<li><a href=\"#psa\">Probabilistic sensitivity analysis</a></li>\n", o);
    if (has_sweep(c))
        fputs("<li><a href=\"#sweep\">Parameter sweep</a></li>\n", o);
    fputs("</ul>\n</nav>\n<main>\n", o);
}

static void page_reading(struct html_ctx *c)
{
    fputs("<section id=\"reading\">\n<h2>How to read this page</h2>\n"
          "<p>A scenario is a set of settings of the simulated health system (the number of "
          "GPs, how providers are paid, which reforms are switched on...). Each scenario was "
          "simulated several times with different random numbers (<em>replications</em>). "
          "The tables give the <b>mean over the replications</b> and a <b>95% confidence "
          "interval</b> for that mean: the range of values compatible with the runs; more "
          "replications make it narrower.</p>\n"
          "<p>A <b>comparison</b> runs an alternative scenario and its base on the same "
          "random numbers and pairs replication by replication, so the difference is "
          "measured far more precisely than the two separate intervals suggest. Differences "
          "whose 95% interval excludes zero are shown in <b>bold</b>. Amounts of money are "
          "in the scenario's currency; outcomes ending in <code>_disc</code> are discounted. "
          "The <em>mechanism</em> table of a comparison shows which decisions of providers "
          "and which rates of activity changed, and the setting behind each.</p>\n",
          c->out);
    if (c->figures_note[0]) {
        fputs("<p class=\"note\"><b>No figures in this page.</b> ", c->out);
        esc(c->out, c->figures_note);
        fputs("</p>\n", c->out);
    }
    fputs("</section>\n", c->out);
}

static void page_provenance(struct html_ctx *c)
{
    const struct out_info *in = c->res->info;
    FILE *o = c->out;
    char seed[32], threads[32], format[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)in->master_seed);
    snprintf(threads, sizeof threads, "%lld", (long long)in->threads);
    snprintf(format, sizeof format, "%lld", (long long)in->format_version);
    const char *rows[][2] = {
        {"caresim version", in->version}, {"git commit", in->git_commit},
        {"command line", in->command_line}, {"master seed", seed},
        {"created", in->created_utc}, {"started", in->started_utc},
        {"finished", in->finished_utc}, {"host", in->host},
        {"threads", threads}, {"format version", format},
    };
    fputs("<section id=\"provenance\">\n<h2>Where these results come from</h2>\n", o);
    if (in->partial)
        fputs("<p class=\"warn\"><b>Partial results.</b> The run stopped early (it was "
              "interrupted): this file holds only what had finished.</p>\n",
              o);
    fputs("<p>Running the same command line with the same version and master seed gives the "
          "same numbers.</p>\n<table>\n<tbody>\n",
          o);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        fputs("<tr><th scope=\"row\">", o);
        esc(o, rows[i][0]);
        fputs("</th><td>", o);
        if (rows[i][1][0])
            esc(o, rows[i][1]);
        else
            fputs("(unknown)", o);
        fputs("</td></tr>\n", o);
    }
    fputs("</tbody>\n</table>\n</section>\n", o);
}

/* The summary of one scenario: outcome, unit, n, mean, 95% CI. */
static int scenario_summary(struct html_ctx *c, const char *scenario, const char *currency,
                            struct sim_err *err)
{
    FILE *o = c->out;
    char dataset[1100];
    snprintf(dataset, sizeof dataset, "/scenarios/%s/summary", scenario);
    size_t rows;
    if (out_file_table_rows(c->res->file, dataset, &rows, NULL) != 0) {
        fputs("<p>No runs are stored under this scenario: it holds its settings only (the "
              "results of a sweep are in their own section below).</p>\n",
              o);
        return 0;
    }
    struct out_summary *s = NULL;
    int rc = out_file_read_summary(c->res->file, dataset, &s, err);
    if (rc != 0)
        return rc;
    int64_t reps = 0;
    for (size_t i = 0; i < s->n_rows; i++)
        reps = s->rows[i].n > reps ? s->rows[i].n : reps;
    fprintf(o, "<h3>Summary of the outcomes</h3>\n<p>Mean over the %lld replication%s and "
               "the 95%% confidence interval for the mean (n: replications that gave a "
               "value; n/a: no value, e.g. a wait when nothing was booked).</p>\n",
            (long long)reps, reps == 1 ? "" : "s");
    fputs("<div class=\"scroll\"><table>\n<thead><tr><th>outcome</th><th>unit</th>"
          "<th>n</th><th>mean</th><th>95% CI</th></tr></thead>\n<tbody>\n",
          o);
    for (size_t i = 0; i < s->n_rows; i++) {
        const struct out_summary_row *r = &s->rows[i];
        fputs("<tr><td><code>", o);
        esc(o, r->outcome);
        fputs("</code></td><td class=\"u\">", o);
        esc(o, unit_name(r->unit, currency));
        fprintf(o, "</td><td class=\"n\">%lld</td><td class=\"n\">", (long long)r->n);
        num(o, r->mean);
        fputs("</td><td class=\"n\">", o);
        interval(o, r->ci_low, r->ci_high);
        fputs("</td></tr>\n", o);
    }
    fputs("</tbody>\n</table></div>\n", o);
    out_summary_destroy(s);
    return 0;
}

static int page_scenario(struct html_ctx *c, size_t idx, struct sim_err *err)
{
    FILE *o = c->out;
    const char *name = c->res->names[idx];
    struct sim_cfg *cfg = scenario_cfg(c, name);
    const char *currency = cfg_string(cfg, "economics.currency");
    const char *desc = cfg_string(cfg, "description");
    fprintf(o, "<section id=\"s%zu\">\n<h2>Scenario <code>", idx + 1);
    esc(o, name);
    fputs("</code></h2>\n", o);
    if (*desc) {
        fputs("<p>", o);
        esc(o, desc);
        fputs("</p>\n", o);
    }
    char *text = NULL;
    if (out_file_read_config(c->res->file, name, &text, NULL) == 0) {
        size_t lines = 0;
        for (const char *p = text; *p; p++)
            lines += *p == '\n';
        fprintf(o, "<details>\n<summary>Settings: the resolved scenario file (%zu lines; every "
                   "key, with the file and line or the default it came from)</summary>\n<pre>",
                lines);
        esc(o, text);
        fputs("</pre>\n</details>\n", o);
        free(text);
    }
    char *n = esc_dup(name), *cap = NULL;
    char fig[1100];
    if (n) {
        snprintf(fig, sizeof fig, "timeseries_%s", name);
        if (asprintf(&cap,
                     "Scenario <code>%s</code> month by month over the recording window. Top: "
                     "share of hospital beds occupied. Bottom: mean wait for a GP appointment "
                     "and for a first specialist appointment, in days. Lines are means over "
                     "the replications; the shaded band shows how much replications differ "
                     "(lowest to highest, or 10th to 90th percentile with 10 or more). Queues "
                     "that keep growing mean demand exceeds capacity.",
                     n) >= 0)
            figure(c, fig, cap);
        free(cap);
        cap = NULL;
        snprintf(fig, sizeof fig, "equity_%s", name);
        if (asprintf(&cap,
                     "Equity in scenario <code>%s</code>: GP visits and QALYs per life-year by "
                     "deprivation quintile (1 least, 5 most deprived). More deprived groups "
                     "are sicker, so they need more care; compare how the gradient moves "
                     "between scenarios.",
                     n) >= 0)
            figure(c, fig, cap);
        free(cap);
    }
    free(n);
    int rc = scenario_summary(c, name, currency, err);
    fputs("</section>\n", o);
    sim_cfg_destroy(cfg);
    return rc;
}

static void page_costs(struct html_ctx *c)
{
    if (c->only || figure_index(c, "costs_by_sector") < 0 || !c->fig_dir)
        return;
    fputs("<section id=\"costs\">\n<h2>Costs by sector</h2>\n", c->out);
    figure(c, "costs_by_sector",
           "Cost per person-year by sector, one bar per scenario (means over replications); "
           "the number above a bar is its total. Look for the sectors that grow or shrink "
           "when a setting changes: savings in one sector are often spent in another.");
    fputs("</section>\n", c->out);
}

/* The settings in which the alternative differs from the base (name and description
 * aside): key, base value, alternative value, unit. */
static void comparison_settings(struct html_ctx *c, const char *base, const char *alt)
{
    FILE *o = c->out;
    struct sim_cfg *b = scenario_cfg(c, base), *a = scenario_cfg(c, alt);
    if (!a || !b) {
        sim_cfg_destroy(a);
        sim_cfg_destroy(b);
        return;
    }
    const struct sim_cfg_schema *schema = params_schema();
    size_t shown = 0;
    char vb[512], va[512];
    for (size_t k = 0; k < schema->nkeys; k++) {
        const char *key = schema->keys[k].path;
        if (strcmp(key, "name") == 0 || strcmp(key, "description") == 0)
            continue;
        const char *tb = sim_cfg_value_text(b, k, vb, sizeof vb);
        const char *ta = sim_cfg_value_text(a, k, va, sizeof va);
        if (!tb || !ta || strcmp(tb, ta) == 0)
            continue;
        if (shown++ == 0)
            fputs("<div class=\"scroll\"><table>\n<thead><tr><th>setting</th><th>base</th>"
                  "<th>alternative</th><th>unit</th></tr></thead>\n<tbody>\n",
                  o);
        fputs("<tr><td><code>", o);
        esc(o, key);
        fputs("</code></td><td><code>", o);
        esc(o, tb);
        fputs("</code></td><td><code>", o);
        esc(o, ta);
        fputs("</code></td><td>", o);
        esc(o, schema->keys[k].unit);
        fputs("</td></tr>\n", o);
    }
    if (shown)
        fputs("</tbody>\n</table></div>\n", o);
    else
        fputs("<p>The two scenarios have the same settings: their differences are noise "
              "only.</p>\n",
              o);
    sim_cfg_destroy(a);
    sim_cfg_destroy(b);
}

/* ICER and net monetary benefit of a comparison, in words. */
static void comparison_ce(struct html_ctx *c, const char *group,
                          const struct out_outcome_table *t, const char *alt,
                          const char *base, const char *currency)
{
    FILE *o = c->out;
    char *status = attr_text(c, group, "icer_status");
    double icer = attr_number(c, group, "icer"), wtp = attr_number(c, group, "wtp_per_qaly");
    double nmb = attr_number(c, group, "nmb_mean"), lo = attr_number(c, group, "nmb_ci_low"),
           hi = attr_number(c, group, "nmb_ci_high");
    double dc = outcome_value(t, "cost_total_disc", "mean_difference");
    double dq = outcome_value(t, "qalys_disc", "mean_difference");
    fputs("<ul>\n<li>Incremental cost (discounted): ", o);
    num(o, dc);
    fputc(' ', o);
    esc(o, currency);
    fputs("; incremental QALYs (discounted): ", o);
    num(o, dq);
    fputs(".</li>\n<li>ICER: ", o);
    if (status && strcmp(status, "ratio") == 0) {
        num(o, icer);
        fputc(' ', o);
        esc(o, currency);
        if (dc < 0 && dq < 0) {
            fputs(" saved per QALY lost (<code>", o);
            esc(o, alt);
            fputs("</code> is cheaper and less effective)", o);
        } else {
            fputs(" per QALY gained (<code>", o);
            esc(o, alt);
            fputs(dc >= 0 ? "</code> costs more and gains health)"
                          : "</code> is cheaper and gains health)",
                  o);
        }
    } else if (status && strcmp(status, "dominant") == 0) {
        fputs("none needed: <code>", o);
        esc(o, alt);
        fputs("</code> <b>dominates</b> <code>", o);
        esc(o, base);
        fputs("</code> (it costs no more and gives at least as many QALYs)", o);
    } else if (status && strcmp(status, "dominated") == 0) {
        fputs("none: <code>", o);
        esc(o, alt);
        fputs("</code> is <b>dominated</b> (it costs no less and gives no more QALYs)", o);
    } else {
        fputs("unknown", o);
    }
    fputs(".</li>\n<li>Net monetary benefit at ", o);
    num(o, wtp);
    fputc(' ', o);
    esc(o, currency);
    fputs(" per QALY: ", o);
    num(o, nmb);
    fputc(' ', o);
    esc(o, currency);
    fputs(", 95% CI ", o);
    interval(o, lo, hi);
    fputs(" (positive: worth adopting at that willingness to pay).</li>\n</ul>\n", o);
    free(status);
}

/* The mechanism rows (cli/explain.h) of a comparison that changed. */
static void comparison_mechanism(struct html_ctx *c, const char *name)
{
    FILE *o = c->out;
    struct cli_explain_row *rows = NULL;
    size_t n = 0;
    struct sim_err e;
    sim_err_clear(&e);
    fputs("<h3>Mechanism: what the providers and patients did differently</h3>\n", o);
    if (cli_explain_rows(c->res->file, name, &rows, &n, &e) != 0) {
        char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
        fputs("<p class=\"note\">The mechanism table is not available for this comparison: ",
              o);
        esc(o, sim_err_format(&e, buf, sizeof buf));
        fputs("</p>\n", o);
        return;
    }
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        const struct cli_explain_row *r = &rows[i];
        if (r->base == r->alt || (isnan(r->base) && isnan(r->alt)) || r->rel_change == 0)
            continue;
        if (shown++ == 0)
            fputs("<p>Decisions and activity rates that changed, largest relative change "
                  "first, with the setting behind each: this is <em>why</em> the outcomes "
                  "above moved.</p>\n<div class=\"scroll\"><table>\n<thead><tr><th>what</th>"
                  "<th>base</th><th>alternative</th><th>change</th><th>why</th></tr></thead>\n"
                  "<tbody>\n",
                  o);
        const char *unit = r->unit ? r->unit : "";
        int pct = unit[0] == '%'; /* "13.6%", "8.5% of discharges" */
        fputs("<tr><td>", o);
        esc(o, r->label);
        fputs("</td><td class=\"n\">", o);
        num(o, r->base);
        fputs(pct ? "" : " ", o);
        esc(o, unit);
        fputs("</td><td class=\"n\">", o);
        num(o, r->alt);
        fputs(pct ? "" : " ", o);
        esc(o, unit);
        fputs("</td><td class=\"n\">", o);
        percent(o, r->rel_change);
        fputs("</td><td>", o);
        esc(o, r->why);
        fputs("</td></tr>\n", o);
    }
    if (shown)
        fputs("</tbody>\n</table></div>\n", o);
    else
        fputs("<p>No decision or activity rate changed.</p>\n", o);
    cli_explain_rows_free(rows, n);
}

/* Every outcome's paired difference: bold where the 95% CI excludes 0. */
static void comparison_table(struct html_ctx *c, const struct out_outcome_table *t,
                             const char *currency)
{
    FILE *o = c->out;
    int fb = field_of(t, "base_mean"), fa = field_of(t, "alt_mean"),
        fd = field_of(t, "mean_difference"), fl = field_of(t, "ci_low"),
        fh = field_of(t, "ci_high"), fr = field_of(t, "relative_change");
    fputs("<div class=\"scroll\"><table>\n<thead><tr><th>outcome</th><th>unit</th>"
          "<th>base</th><th>alternative</th><th>difference</th><th>95% CI</th>"
          "<th>relative change</th></tr></thead>\n<tbody>\n",
          c->out);
    for (size_t i = 0; i < t->n_rows; i++) {
        const double *v = t->values + i * t->n_fields;
        int sig = v[fl] > 0 || v[fh] < 0;
        fputs(sig ? "<tr class=\"sig\"><td><code>" : "<tr><td><code>", o);
        esc(o, t->outcomes[i]);
        fputs("</code></td><td class=\"u\">", o);
        esc(o, unit_name(t->units ? t->units[i] : "", currency));
        fputs("</td><td class=\"n\">", o);
        num(o, v[fb]);
        fputs("</td><td class=\"n\">", o);
        num(o, v[fa]);
        fputs("</td><td class=\"n\">", o);
        num(o, v[fd]);
        fputs("</td><td class=\"n\">", o);
        interval(o, v[fl], v[fh]);
        fputs("</td><td class=\"n\">", o);
        percent(o, v[fr]);
        fputs("</td></tr>\n", o);
    }
    fputs("</tbody>\n</table></div>\n", o);
}

static int page_comparison(struct html_ctx *c, size_t idx, const char *name,
                           struct sim_err *err)
{
    FILE *o = c->out;
    char group[1100], dataset[1200];
    snprintf(group, sizeof group, "/comparisons/%s", name);
    snprintf(dataset, sizeof dataset, "%s/differences", group);
    struct out_outcome_table *t = NULL;
    int rc = out_file_read_outcome_table(c->res->file, dataset, &t, err);
    if (rc != 0)
        return rc;
    if (field_of(t, "base_mean") < 0 || field_of(t, "alt_mean") < 0 ||
        field_of(t, "mean_difference") < 0 || field_of(t, "ci_low") < 0 ||
        field_of(t, "ci_high") < 0 || field_of(t, "relative_change") < 0) {
        out_outcome_table_destroy(t);
        return sim_err_set(err, SIM_EINVAL, "%s: not a comparison table (fields missing)",
                           dataset);
    }
    char *base = attr_text(c, group, "base"), *alt = attr_text(c, group, "alt"),
         *cur = attr_text(c, group, "currency");
    const char *b = base ? base : "base", *a = alt ? alt : name;
    const char *currency = cur && *cur ? cur : "currency";
    double reps = attr_number(c, group, "replications");
    fprintf(o, "<section id=\"c%zu\">\n<h2>Comparison: <code>", idx + 1);
    esc(o, a);
    fputs("</code> against <code>", o);
    esc(o, b);
    fputs("</code></h2>\n<p>Differences <code>", o);
    esc(o, a);
    fputs("</code> minus <code>", o);
    esc(o, b);
    fputs("</code>, paired over ", o);
    num(o, reps);
    fputs(" replications on common random numbers.</p>\n<h3>What the alternative changes"
          "</h3>\n",
          o);
    comparison_settings(c, b, a);
    fputs("<h3>Cost-effectiveness</h3>\n", o);
    comparison_ce(c, group, t, a, b, currency);
    char fig[1200], *ea = esc_dup(a), *eb = esc_dup(b), *cap = NULL;
    snprintf(fig, sizeof fig, "comparison_%s", name);
    if (ea && eb &&
        asprintf(&cap,
                 "Relative change of the main outcomes in <code>%s</code> compared with "
                 "<code>%s</code>, in percent of the base, with 95%% confidence intervals "
                 "from the paired replications. A bar whose interval crosses zero could be "
                 "chance at this number of replications.",
                 ea, eb) >= 0)
        figure(c, fig, cap);
    free(cap);
    free(ea);
    free(eb);
    comparison_mechanism(c, name);
    fputs("<h3>All outcomes</h3>\n", o);
    comparison_table(c, t, currency);
    fputs("</section>\n", o);
    free(base);
    free(alt);
    free(cur);
    out_outcome_table_destroy(t);
    return 0;
}

/* The strategies of a PSA with their status, ICER, expected net benefit and probability
 * of being optimal; then its figures. */
static void page_psa(struct html_ctx *c)
{
    if (!has_psa(c))
        return;
    FILE *o = c->out;
    char *cur = attr_text(c, "/psa", "currency"), *sampling = attr_text(c, "/psa", "sampling");
    const char *currency = cur && *cur ? cur : "currency";
    double draws = attr_number(c, "/psa", "draws"), wtp = attr_number(c, "/psa", "wtp_reference");
    double evpi = attr_number(c, "/psa", "evpi_reference");
    fputs("<section id=\"psa\">\n<h2>Probabilistic sensitivity analysis</h2>\n<p>The uncertain "
          "settings were drawn ",
          o);
    num(o, draws);
    fputs(" times (", o);
    esc(o, sampling && strcmp(sampling, "lhs") == 0 ? "Latin hypercube sampling"
                                                    : sampling ? sampling : "random sampling");
    fputs(") and every strategy ran with each draw. Money and QALYs are <b>per person, "
          "discounted</b>, means over the draws.</p>\n",
          o);
    struct out_outcome_table *t = NULL;
    if (out_file_read_outcome_table(c->res->file, "/psa/strategies", &t, NULL) == 0) {
        char **status = NULL;
        size_t n_status = 0;
        if (out_file_read_attr_strings(c->res->file, "/psa/strategies", "status_names", &status,
                                       &n_status, NULL) != 0)
            status = NULL, n_status = 0;
        static const char *const show[] = {"cost", "qalys", "incremental_cost",
                                           "incremental_qalys", "icer", "enb", "p_optimal"};
        static const char *const head[] = {"cost", "QALYs", "incremental cost",
                                           "incremental QALYs", "ICER",
                                           "expected net benefit", "probability optimal"};
        fputs("<div class=\"scroll\"><table>\n<thead><tr><th>strategy</th>", o);
        for (size_t k = 0; k < sizeof head / sizeof *head; k++) {
            fputs("<th>", o);
            esc(o, head[k]);
            fputs("</th>", o);
        }
        fputs("<th>status</th></tr></thead>\n<tbody>\n", o);
        for (size_t r = 0; r < t->n_rows; r++) {
            fputs("<tr><td><code>", o);
            esc(o, t->outcomes[r]);
            fputs("</code></td>", o);
            for (size_t k = 0; k < sizeof show / sizeof *show; k++) {
                int f = field_of(t, show[k]);
                fputs("<td class=\"n\">", o);
                num(o, f >= 0 ? t->values[r * t->n_fields + (size_t)f] : NAN);
                fputs("</td>", o);
            }
            int f = field_of(t, "status");
            double st = f >= 0 ? t->values[r * t->n_fields + (size_t)f] : NAN;
            fputs("<td>", o);
            if (st >= 0 && st < (double)n_status)
                esc(o, status[(size_t)st]);
            else
                num(o, st);
            fputs("</td></tr>\n", o);
        }
        fputs("</tbody>\n</table></div>\n<p>Costs in ", o);
        esc(o, currency);
        fputs("; the expected net benefit and the probability of being optimal at ", o);
        num(o, wtp);
        fputc(' ', o);
        esc(o, currency);
        fputs(" per QALY. The ICER of a strategy on the frontier is against the previous, "
              "less effective, frontier strategy.</p>\n",
              o);
        free(status);
        out_outcome_table_destroy(t);
    }
    if (!isnan(evpi)) {
        fputs("<p>Expected value of perfect information at that willingness to pay: <b>", o);
        num(o, evpi);
        fputc(' ', o);
        esc(o, currency);
        fputs(" per person</b>: the most that removing all the uncertainty before deciding "
              "could be worth.</p>\n",
              o);
    }
    figure(c, "psa_ce_plane",
           "Cost-effectiveness plane: each point is one draw of the uncertain settings, "
           "showing a strategy's incremental cost (up) against its incremental QALYs (right) "
           "compared with the reference strategy. Points below the willingness-to-pay line "
           "are cost-effective at that threshold; the spread of the cloud is the "
           "uncertainty.");
    figure(c, "psa_ceac",
           "Cost-effectiveness acceptability curves: for each willingness to pay per QALY "
           "(horizontal axis), the share of draws in which each strategy has the largest net "
           "benefit. The frontier follows the strategy with the largest expected net "
           "benefit.");
    figure(c, "psa_evpi",
           "Expected value of perfect information (EVPI) per person against the willingness "
           "to pay, with the partial value (EVPPI) of groups of settings: how much knowing "
           "them for sure before deciding could be worth. High values point to where "
           "research pays most.");
    fputs("</section>\n", o);
    free(cur);
    free(sampling);
}

/* A sweep: what was varied, and its figures. */
static void page_sweep(struct html_ctx *c)
{
    if (!has_sweep(c))
        return;
    FILE *o = c->out;
    char *mode = attr_text(c, "/sweep", "mode");
    char **keys = NULL;
    size_t n_keys = 0;
    if (out_file_read_attr_strings(c->res->file, "/sweep", "keys", &keys, &n_keys, NULL) != 0)
        keys = NULL, n_keys = 0;
    fputs("<section id=\"sweep\">\n<h2>Parameter sweep</h2>\n<p>", o);
    fputs(mode && strcmp(mode, "oneway") == 0
              ? "One-way sensitivity analysis: each setting below was moved to a low and a "
                "high value in turn, the others kept at the scenario's values. "
              : "Grid: the scenario ran at every combination of the values of the settings "
                "below. ",
          o);
    fputs("Every point ran ", o);
    num(o, attr_number(c, "/sweep", "replications"));
    fputs(" replications on the same random numbers. Varied:", o);
    for (size_t i = 0; i < n_keys; i++) {
        fputs(i ? ", <code>" : " <code>", o);
        esc(o, keys[i]);
        fputs("</code>", o);
    }
    fputs(". <code>caresim export</code> writes the tables of every point as CSV.</p>\n", o);
    for (size_t i = 0; i < c->n_figures; i++) {
        const char *f = c->figures[i];
        if (strncmp(f, "sweep_tornado_", 14) != 0)
            continue;
        char *eo = esc_dup(f + 14), *cap = NULL;
        if (eo && asprintf(&cap,
                           "Tornado diagram of <code>%s</code>: one row per varied setting, "
                           "the one that moves the outcome most at the top; the bars run "
                           "from the base value (vertical line) to the outcome at the "
                           "setting's low and high values. Settings at the top are those "
                           "worth knowing precisely.",
                           eo) >= 0)
            figure(c, f, cap);
        free(cap);
        free(eo);
    }
    figure(c, "sweep_lines",
           "The main outcomes against the first varied setting, with the 95% confidence "
           "band of each mean (one line per value of a second setting, if any). Where a "
           "line bends, the system reacts more strongly to the setting.");
    fputs("</section>\n", o);
    free(keys);
    free(mode);
}

/* Figures drawn but placed nowhere above (kinds newer than this page). */
static void page_other_figures(struct html_ctx *c)
{
    size_t left = 0;
    for (size_t i = 0; i < c->n_figures; i++)
        left += !c->used[i];
    if (!c->fig_dir || left == 0 || c->only)
        return;
    fputs("<section id=\"other\">\n<h2>Other figures</h2>\n", c->out);
    for (size_t i = 0; i < c->n_figures; i++) {
        if (c->used[i])
            continue;
        char *e = esc_dup(c->figures[i]), *cap = NULL;
        if (e && asprintf(&cap, "Figure <code>%s</code> of <code>caresim plot</code>.", e) >= 0)
            figure(c, c->figures[i], cap);
        free(cap);
        free(e);
    }
    fputs("</section>\n", c->out);
}

/* ---- The figures' directory -------------------------------------------------------------- */

/* Removes dir and the files in it (cli/plot.c writes no subdirectories). */
static void remove_flat_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL)
            if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
                unlinkat(dirfd(d), de->d_name, 0);
        closedir(d);
    }
    rmdir(dir);
}

/* Draws the figures into a new temporary directory (*dir, malloc'ed; NULL when none was
 * made). Fills c->figures, or c->figures_note with why there are none. */
static void draw_figures(struct html_ctx *c, char **dir)
{
    const char *tmp = getenv("TMPDIR");
    *dir = NULL;
    if (asprintf(dir, "%s/caresim-report-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0) {
        *dir = NULL;
        snprintf(c->figures_note, sizeof c->figures_note, "Out of memory.");
        return;
    }
    if (!mkdtemp(*dir)) {
        snprintf(c->figures_note, sizeof c->figures_note,
                 "No temporary directory could be made for them (%s).", *dir);
        free(*dir);
        *dir = NULL;
        return;
    }
    struct sim_err e;
    sim_err_clear(&e);
    int rc = cli_plot_render(c->path, *dir, 1, &c->figures, &c->n_figures, &e);
    if (rc == CLI_PLOT_NO_GNUPLOT) {
        snprintf(c->figures_note, sizeof c->figures_note,
                 "The figures are drawn by gnuplot, which was not found on this machine "
                 "(install it, e.g. the Debian package gnuplot-nox, and write the report "
                 "again). Every table is here.");
    } else if (rc != 0) {
        char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
        snprintf(c->figures_note, sizeof c->figures_note, "They could not be drawn: %s",
                 sim_err_format(&e, buf, sizeof buf));
    } else if (c->n_figures == 0) {
        snprintf(c->figures_note, sizeof c->figures_note,
                 "The file holds no data for any figure.");
    }
    if (c->figures_note[0])
        fprintf(stderr, "caresim report: note: no figures in the page: %s\n", c->figures_note);
    else
        c->fig_dir = *dir;
}

/* ---- The page ---------------------------------------------------------------------------- */

int cli_report_html(const struct cli_results *r, const char *path, const char *only,
                    const char *out_path, struct sim_err *err)
{
    struct html_ctx c = {.res = r, .path = path, .only = only};
    char *fig_dir = NULL, *dir = NULL;
    char **cmps = NULL;
    size_t n_cmps = 0;
    struct cli_outfile of = {0};
    int rc = 0;

    /* The page goes beside its final name: DIR/.NAME.tmp.PID, renamed when complete. */
    const char *slash = strrchr(out_path, '/');
    const char *base = slash ? slash + 1 : out_path;
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return sim_err_set(err, SIM_EINVAL, "--html %s: not a file name", out_path);
    if (asprintf(&dir, "%.*s", slash ? (int)(slash == out_path ? 1 : slash - out_path) : 1,
                 slash ? out_path : ".") < 0)
        return sim_err_set(err, SIM_ENOMEM, "out of memory");

    if ((rc = cli_outfile_open(&of, dir, base, err)) != 0)
        goto out;
    c.out = of.fp;
    draw_figures(&c, &fig_dir);
    c.used = calloc(c.n_figures + 1, 1);
    if (!c.used) {
        rc = sim_err_set(err, SIM_ENOMEM, "out of memory");
        goto out;
    }
    list_comparisons(&c, &cmps, &n_cmps);

    page_head(&c);
    page_contents(&c, cmps, n_cmps);
    page_reading(&c);
    page_provenance(&c);
    if (r->count == 0)
        fputs("<p>The file holds no scenarios.</p>\n", c.out);
    for (size_t i = 0; i < r->count && rc == 0; i++)
        if (!only || strcmp(only, r->names[i]) == 0)
            rc = page_scenario(&c, i, err);
    if (rc == 0)
        page_costs(&c);
    for (size_t i = 0; i < n_cmps && rc == 0; i++)
        rc = page_comparison(&c, i, cmps[i], err);
    if (rc == 0) {
        page_psa(&c);
        page_sweep(&c);
        page_other_figures(&c);
        fputs("</main>\n<footer>\n<p>Written by <code>caresim report --html</code> (caresim "
              CARESIM_VERSION "). The numbers in this page are in the results file; "
              "<code>caresim export</code> writes every table as CSV and <code>caresim "
              "plot</code> writes each figure's data and gnuplot script.</p>\n</footer>\n"
              "</body>\n</html>\n",
              c.out);
        rc = cli_outfile_commit(&of, err);
    }
out:
    cli_outfile_fini(&of);
    if (fig_dir)
        remove_flat_dir(fig_dir);
    free(fig_dir);
    for (size_t i = 0; i < c.n_figures; i++)
        free(c.figures[i]);
    free(c.figures);
    free(c.used);
    free(cmps);
    free(dir);
    return rc;
}
