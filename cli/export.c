/* cli/export.c — `caresim export RESULTS.h5 --csv DIR`: writes every table of a results
 * file's scenarios (docs/results.md) as CSV for spreadsheets and tools without HDF5: per
 * scenario <scenario>_replications.csv, <scenario>_summary.csv, <scenario>_config.cfg and,
 * when the file has them, <scenario>_timeseries.csv, <scenario>_by_group.csv,
 * <scenario>_persons.csv and
 * <scenario>_ledger.csv (with the names of the ledger's codes), <scenario>_end_state.csv;
 * and provenance.csv
 * (key,value); and every table of /comparisons/<name>, /psa and /sweep as
 * comparison_<name>_<table>.csv, psa_<table>.csv and sweep_<table>.csv.
 *
 * CSV: RFC 4180 (comma-separated, CRLF-free "\n" line ends, a header row; a field holding a
 * comma, a double quote, CR or LF is quoted with quotes doubled). Numbers are printed with
 * %.17g so that strtod gives back the same double; NaN (a value a replication could not
 * give) is an empty field.
 *
 * Reads the results file through output/; creates DIR (and missing parents) and writes the
 * files in it, each under a hidden temporary name renamed into place when complete, so a
 * failure never leaves a half-written file under a final name. Writes stderr (problems)
 * and stdout (the files written).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "output/results.h"
#include "sim/err.h"

/* ---- CSV fields -------------------------------------------------------------------------- */

/* A text field, quoted when RFC 4180 requires it. */
static void csv_string(FILE *fp, const char *s)
{
    if (!s)
        s = "";
    if (!s[strcspn(s, ",\"\r\n")]) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

/* A number that reads back exactly; NaN is an empty field. */
static void csv_number(FILE *fp, double x)
{
    if (!isnan(x))
        fprintf(fp, "%.17g", x);
}

/* ---- The files --------------------------------------------------------------------------- */

/* What every writer is given. */
struct export_ctx {
    struct out_file *file; /* the results file */
    const char *dir;       /* the output directory */
    struct sim_err *err;   /* filled on failure */
};

static int write_provenance(const struct export_ctx *ctx, const struct out_info *info)
{
    struct cli_outfile xf;
    int rc = cli_outfile_open(&xf, ctx->dir, "provenance.csv", ctx->err);
    if (rc == 0) {
        char seed[32], threads[32], partial[32], format[32];
        snprintf(seed, sizeof seed, "%llu", (unsigned long long)info->master_seed);
        snprintf(threads, sizeof threads, "%lld", (long long)info->threads);
        snprintf(partial, sizeof partial, "%lld", (long long)info->partial);
        snprintf(format, sizeof format, "%lld", (long long)info->format_version);
        /* Keys are the root attribute names of docs/results.md. */
        const char *rows[][2] = {
            {"caresim_version", info->version}, {"git_commit", info->git_commit},
            {"command_line", info->command_line}, {"master_seed", seed},
            {"created", info->created_utc},     {"started", info->started_utc},
            {"finished", info->finished_utc},   {"host", info->host},
            {"threads", threads},               {"partial", partial},
            {"format_version", format},
        };
        fputs("key,value\n", xf.fp);
        for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
            csv_string(xf.fp, rows[i][0]);
            fputc(',', xf.fp);
            csv_string(xf.fp, rows[i][1]);
            fputc('\n', xf.fp);
        }
        rc = cli_outfile_commit(&xf, ctx->err);
    }
    cli_outfile_fini(&xf);
    return rc;
}

/* <scenario>_replications.csv: a `replication` column (0-based), then the table's. */
static int has_dataset(const struct export_ctx *ctx, const char *scenario, const char *name);

static int write_replications(const struct export_ctx *ctx, const char *scenario)
{
    int has = has_dataset(ctx, scenario, "replications"); /* a sweep keeps only config */
    if (has <= 0)
        return has;
    char dataset[1100], name[1100];
    snprintf(dataset, sizeof dataset, "/scenarios/%s/replications", scenario);
    snprintf(name, sizeof name, "%s_replications.csv", scenario);
    struct out_table *t = NULL;
    int rc = out_file_read_table(ctx->file, dataset, &t, ctx->err);
    if (rc != 0)
        return rc;
    struct cli_outfile xf;
    rc = cli_outfile_open(&xf, ctx->dir, name, ctx->err);
    if (rc == 0) {
        fputs("replication", xf.fp);
        for (size_t c = 0; c < t->n_cols; c++) {
            fputc(',', xf.fp);
            csv_string(xf.fp, t->cols[c].name);
        }
        fputc('\n', xf.fp);
        for (size_t r = 0; r < t->n_rows; r++) {
            fprintf(xf.fp, "%zu", r);
            for (size_t c = 0; c < t->n_cols; c++) {
                fputc(',', xf.fp);
                csv_number(xf.fp, t->values[r * t->n_cols + c]);
            }
            fputc('\n', xf.fp);
        }
        rc = cli_outfile_commit(&xf, ctx->err);
    }
    cli_outfile_fini(&xf);
    out_table_destroy(t);
    return rc;
}

/* <scenario>_summary.csv: outcome,unit,n,mean,sd,ci_low,ci_high. */
static int write_summary(const struct export_ctx *ctx, const char *scenario)
{
    int has = has_dataset(ctx, scenario, "summary");
    if (has <= 0)
        return has;
    char dataset[1100], name[1100];
    snprintf(dataset, sizeof dataset, "/scenarios/%s/summary", scenario);
    snprintf(name, sizeof name, "%s_summary.csv", scenario);
    struct out_summary *s = NULL;
    int rc = out_file_read_summary(ctx->file, dataset, &s, ctx->err);
    if (rc != 0)
        return rc;
    struct cli_outfile xf;
    rc = cli_outfile_open(&xf, ctx->dir, name, ctx->err);
    if (rc == 0) {
        fputs("outcome,unit,n,mean,sd,ci_low,ci_high\n", xf.fp);
        for (size_t i = 0; i < s->n_rows; i++) {
            const struct out_summary_row *row = &s->rows[i];
            csv_string(xf.fp, row->outcome);
            fputc(',', xf.fp);
            csv_string(xf.fp, row->unit);
            fprintf(xf.fp, ",%lld,", (long long)row->n);
            csv_number(xf.fp, row->mean);
            fputc(',', xf.fp);
            csv_number(xf.fp, row->sd);
            fputc(',', xf.fp);
            csv_number(xf.fp, row->ci_low);
            fputc(',', xf.fp);
            csv_number(xf.fp, row->ci_high);
            fputc('\n', xf.fp);
        }
        rc = cli_outfile_commit(&xf, ctx->err);
    }
    cli_outfile_fini(&xf);
    out_summary_destroy(s);
    return rc;
}

/* <scenario>_config.cfg: the resolved scenario text, as stored. */
static int write_config(const struct export_ctx *ctx, const char *scenario)
{
    char name[1100];
    snprintf(name, sizeof name, "%s_config.cfg", scenario);
    char *text = NULL;
    int rc = out_file_read_config(ctx->file, scenario, &text, ctx->err);
    if (rc != 0)
        return rc;
    struct cli_outfile xf;
    rc = cli_outfile_open(&xf, ctx->dir, name, ctx->err);
    if (rc == 0) {
        fputs(text, xf.fp);
        rc = cli_outfile_commit(&xf, ctx->err);
    }
    cli_outfile_fini(&xf);
    free(text);
    return rc;
}

/* Whether /scenarios/<scenario> holds the dataset `name` (files written before a table
 * existed do not): 1, 0, or a SIM_E* code. */
static int has_dataset(const struct export_ctx *ctx, const char *scenario, const char *name)
{
    char group[1100];
    snprintf(group, sizeof group, "/scenarios/%s", scenario);
    char **names = NULL;
    size_t n = 0;
    int rc = out_file_list_datasets(ctx->file, group, &names, &n, ctx->err);
    if (rc != 0)
        return rc;
    int found = 0;
    for (size_t i = 0; i < n && !found; i++)
        found = strcmp(names[i], name) == 0;
    free(names);
    return found;
}

/* The name of code x among names (count of them), or "" when x is not one. */
static const char *code_name(char **names, size_t count, double x)
{
    return names && x >= 0 && x < (double)count && x == floor(x) ? names[(size_t)x] : "";
}

/* <scenario>_<table>.csv: the columns of the table as they are (each row carries its own
 * replication index). For the ledger, when the file names the codes, three more columns:
 * from_name, to_name and mechanism_name. A table the file lacks is skipped. */
static int write_plain_table(const struct export_ctx *ctx, const char *scenario,
                             const char *table)
{
    int has = has_dataset(ctx, scenario, table);
    if (has <= 0)
        return has;
    char dataset[1100], name[1100];
    snprintf(dataset, sizeof dataset, "/scenarios/%s/%s", scenario, table);
    snprintf(name, sizeof name, "%s_%s.csv", scenario, table);
    struct out_table *t = NULL;
    int rc = out_file_read_table(ctx->file, dataset, &t, ctx->err);
    if (rc != 0)
        return rc;
    /* The ledger's codes: columns from, to, mechanism and the attributes naming them. */
    char **parties = NULL, **mechanisms = NULL;
    size_t n_parties = 0, n_mechanisms = 0;
    long c_from = -1, c_to = -1, c_mech = -1;
    if (strcmp(table, "ledger") == 0) {
        for (size_t c = 0; c < t->n_cols; c++) {
            if (!strcmp(t->cols[c].name, "from"))
                c_from = (long)c;
            else if (!strcmp(t->cols[c].name, "to"))
                c_to = (long)c;
            else if (!strcmp(t->cols[c].name, "mechanism"))
                c_mech = (long)c;
        }
        /* Without the names (an older file: SIM_EINVAL) the columns are left out; running
         * out of memory reading them fails the export. */
        struct sim_err got;
        sim_err_clear(&got);
        if (c_from < 0 || c_to < 0 || c_mech < 0 ||
            out_file_read_attr_strings(ctx->file, dataset, "party_names", &parties, &n_parties,
                                       &got) != 0 ||
            out_file_read_attr_strings(ctx->file, dataset, "mechanism_names", &mechanisms,
                                       &n_mechanisms, &got) != 0) {
            free(parties);
            parties = NULL;
        }
        if (got.count && got.code != SIM_EINVAL) {
            out_table_destroy(t);
            return sim_err_set(ctx->err, got.code, "%s", got.msg);
        }
    }
    struct cli_outfile xf;
    rc = cli_outfile_open(&xf, ctx->dir, name, ctx->err);
    if (rc == 0) {
        for (size_t c = 0; c < t->n_cols; c++) {
            if (c > 0)
                fputc(',', xf.fp);
            csv_string(xf.fp, t->cols[c].name);
        }
        if (parties)
            fputs(",from_name,to_name,mechanism_name", xf.fp);
        fputc('\n', xf.fp);
        for (size_t r = 0; r < t->n_rows; r++) {
            const double *v = t->values + r * t->n_cols;
            for (size_t c = 0; c < t->n_cols; c++) {
                if (c > 0)
                    fputc(',', xf.fp);
                csv_number(xf.fp, v[c]);
            }
            if (parties) {
                fputc(',', xf.fp);
                csv_string(xf.fp, code_name(parties, n_parties, v[c_from]));
                fputc(',', xf.fp);
                csv_string(xf.fp, code_name(parties, n_parties, v[c_to]));
                fputc(',', xf.fp);
                csv_string(xf.fp, code_name(mechanisms, n_mechanisms, v[c_mech]));
            }
            fputc('\n', xf.fp);
        }
        rc = cli_outfile_commit(&xf, ctx->err);
    }
    cli_outfile_fini(&xf);
    free(parties);
    free(mechanisms);
    out_table_destroy(t);
    return rc;
}

static int write_timeseries(const struct export_ctx *ctx, const char *scenario)
{
    return write_plain_table(ctx, scenario, "timeseries");
}

static int write_by_group(const struct export_ctx *ctx, const char *scenario)
{
    return write_plain_table(ctx, scenario, "by_group");
}

static int write_ledger(const struct export_ctx *ctx, const char *scenario)
{
    return write_plain_table(ctx, scenario, "ledger");
}

static int write_persons(const struct export_ctx *ctx, const char *scenario)
{
    return write_plain_table(ctx, scenario, "persons");
}

static int write_end_state(const struct export_ctx *ctx, const char *scenario)
{
    return write_plain_table(ctx, scenario, "end_state");
}

/* Every file of one scenario, in order. */
static int (*const scenario_writers[])(const struct export_ctx *ctx, const char *scenario) = {
    write_replications, write_summary, write_config,
    write_timeseries,   write_by_group, write_ledger,  write_persons, write_end_state,
};

/* Scenario names become file names: refuse any that would leave DIR or be hidden. */
static int safe_file_stem(const char *name)
{
    return name[0] != '\0' && name[0] != '.' && !strchr(name, '/');
}

/* ---- Analysis groups (/psa, /sweep, /comparisons/<name>) -------------------------------- */

/* <stem>_<table>.csv from a table of numbers: its columns as they are. */
static int write_number_table(const struct export_ctx *ctx, const struct out_table *t,
                              const char *name)
{
    struct cli_outfile xf;
    int rc = cli_outfile_open(&xf, ctx->dir, name, ctx->err);
    if (rc == 0) {
        for (size_t c = 0; c < t->n_cols; c++) {
            if (c > 0)
                fputc(',', xf.fp);
            csv_string(xf.fp, t->cols[c].name);
        }
        fputc('\n', xf.fp);
        for (size_t r = 0; r < t->n_rows; r++) {
            for (size_t c = 0; c < t->n_cols; c++) {
                if (c > 0)
                    fputc(',', xf.fp);
                csv_number(xf.fp, t->values[r * t->n_cols + c]);
            }
            fputc('\n', xf.fp);
        }
        rc = cli_outfile_commit(&xf, ctx->err);
    }
    cli_outfile_fini(&xf);
    return rc;
}

/* The same from a table with one row per named item (outcome, unit, then numbers). */
static int write_item_table(const struct export_ctx *ctx, const struct out_outcome_table *t,
                            const char *name)
{
    struct cli_outfile xf;
    int rc = cli_outfile_open(&xf, ctx->dir, name, ctx->err);
    if (rc == 0) {
        fputs("outcome,unit", xf.fp);
        for (size_t c = 0; c < t->n_fields; c++) {
            fputc(',', xf.fp);
            csv_string(xf.fp, t->fields[c].name);
        }
        fputc('\n', xf.fp);
        for (size_t r = 0; r < t->n_rows; r++) {
            csv_string(xf.fp, t->outcomes[r]);
            fputc(',', xf.fp);
            csv_string(xf.fp, t->units ? t->units[r] : "");
            for (size_t c = 0; c < t->n_fields; c++) {
                fputc(',', xf.fp);
                csv_number(xf.fp, t->values[r * t->n_fields + c]);
            }
            fputc('\n', xf.fp);
        }
        rc = cli_outfile_commit(&xf, ctx->err);
    }
    cli_outfile_fini(&xf);
    return rc;
}

/* Every table of group (absent: nothing) as <stem>_<table>.csv, whichever of the two
 * kinds it is; *written counts the files. */
static int write_group(const struct export_ctx *ctx, const char *group, const char *stem,
                       size_t *written)
{
    char **names = NULL;
    size_t n = 0;
    int rc = out_file_list_datasets(ctx->file, group, &names, &n, ctx->err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char dataset[1200], name[1200];
        snprintf(dataset, sizeof dataset, "%s/%s", group, names[i]);
        snprintf(name, sizeof name, "%s_%s.csv", stem, names[i]);
        if (!safe_file_stem(names[i]))
            continue;
        struct out_table *t = NULL;
        struct out_outcome_table *o = NULL;
        /* Not a table of numbers (SIM_EINVAL): then a table of outcomes. */
        struct sim_err probe;
        sim_err_clear(&probe);
        int trc = out_file_read_table(ctx->file, dataset, &t, &probe);
        if (trc == 0)
            rc = write_number_table(ctx, t, name);
        else if (trc != SIM_EINVAL)
            rc = sim_err_set(ctx->err, trc, "%s", probe.msg);
        else if ((rc = out_file_read_outcome_table(ctx->file, dataset, &o, ctx->err)) == 0)
            rc = write_item_table(ctx, o, name);
        out_table_destroy(t);
        out_outcome_table_destroy(o);
        *written += rc == 0;
    }
    free(names);
    return rc;
}

/* /psa, /sweep and each /comparisons/<name>: psa_<table>.csv, sweep_<table>.csv,
 * comparison_<name>_<table>.csv. */
static int write_analyses(const struct export_ctx *ctx, size_t *written)
{
    int rc = write_group(ctx, "/psa", "psa", written);
    rc = rc ? rc : write_group(ctx, "/sweep", "sweep", written);
    char **names = NULL;
    size_t n = 0;
    rc = rc ? rc : out_file_list_groups(ctx->file, "/comparisons", &names, &n, ctx->err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char group[1200], stem[1200];
        snprintf(group, sizeof group, "/comparisons/%s", names[i]);
        snprintf(stem, sizeof stem, "comparison_%s", names[i]);
        if (safe_file_stem(names[i]))
            rc = write_group(ctx, group, stem, written);
    }
    free(names);
    return rc;
}

/* ---- The directory ----------------------------------------------------------------------- */



/* ---- The command ------------------------------------------------------------------------- */

static void export_usage(FILE *out)
{
    fprintf(out,
            "usage: caresim export RESULTS.h5 --csv DIR\n"
            "Writes every table of a results file as CSV (RFC 4180, header row) into DIR,\n"
            "created if missing: per scenario <scenario>_replications.csv (a `replication`\n"
            "column 0..R-1, then one column per outcome), <scenario>_summary.csv (outcome,\n"
            "unit, n, mean, sd, ci_low, ci_high), <scenario>_config.cfg (the resolved\n"
            "scenario) and, when the file has them, <scenario>_timeseries.csv,\n"
            "<scenario>_by_group.csv, <scenario>_ledger.csv, <scenario>_end_state.csv and\n"
            "<scenario>_persons.csv (run\n"
            "--persons) (the tables' own columns; the\n"
            "ledger also from_name, to_name, mechanism_name), and provenance.csv (key,value).\n"
            "Comparisons, PSA and sweeps: every table of /comparisons/<name>, /psa and\n"
            "/sweep as comparison_<name>_<table>.csv, psa_<table>.csv, sweep_<table>.csv.\n"
            "Numbers are written with 17 significant digits (they read back exactly); a\n"
            "missing value (NaN) is an empty field. Existing files of those names are\n"
            "replaced.\n"
            "\n"
            "      --csv DIR   output directory\n"
            "\n"
            "Exit status: 0 done; 2 bad command line; 1 the file cannot be read or DIR cannot\n"
            "be written (files already complete stay; none is left half-written).\n");
}

static int parse_args(int argc, char **argv, const char **path, const char **dir)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            export_usage(stdout);
            return -1;
        } else if (strncmp(a, "--csv=", 6) == 0) {
            *dir = a + 6;
        } else if (strcmp(a, "--csv") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "caresim export: %s needs a value\n", a);
                return CLI_EXIT_USAGE;
            }
            *dir = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "caresim export: unknown option '%s'\n", a);
            return CLI_EXIT_USAGE;
        } else if (*path) {
            fprintf(stderr, "caresim export: one results file at a time (got '%s' and '%s')\n",
                    *path, a);
            return CLI_EXIT_USAGE;
        } else {
            *path = a;
        }
    }
    if (!*path) {
        fprintf(stderr, "caresim export: missing results file\n");
        return CLI_EXIT_USAGE;
    }
    if (!*dir || !**dir) {
        fprintf(stderr, "caresim export: missing --csv DIR\n");
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

int cli_export(int argc, char **argv)
{
    const char *path = NULL, *dir = NULL;
    int prc = parse_args(argc, argv, &path, &dir);
    if (prc != CLI_EXIT_OK) {
        if (prc == CLI_EXIT_USAGE)
            fprintf(stderr, "(caresim export --help shows the options)\n");
        return prc < 0 ? CLI_EXIT_OK : prc;
    }

    struct sim_err e;
    char buf[SIM_ERR_MSG_MAX + SIM_ERR_FILE_MAX + 32];
    sim_err_clear(&e);
    struct cli_results res;
    int rc = CLI_EXIT_FAIL;
    if (cli_results_open(path, &res, &e) != 0)
        goto fail;
    for (size_t i = 0; i < res.count; i++)
        if (!safe_file_stem(res.names[i])) {
            sim_err_set(&e, SIM_EINVAL, "%s: scenario name '%s' cannot be a file name", path,
                        res.names[i]);
            goto fail;
        }
    if (cli_mkdir_p(dir, &e) != 0)
        goto fail;

    struct export_ctx ctx = {res.file, dir, &e};
    if (write_provenance(&ctx, res.info) != 0)
        goto fail;
    for (size_t i = 0; i < res.count; i++)
        for (size_t k = 0; k < sizeof scenario_writers / sizeof *scenario_writers; k++)
            if (scenario_writers[k](&ctx, res.names[i]) != 0)
                goto fail;
    size_t analyses = 0;
    if (write_analyses(&ctx, &analyses) != 0)
        goto fail;
    printf("wrote provenance.csv and %zu scenario%s (replications, summary, config and the "
           "time series, groups and ledger the file has) to %s\n",
           res.count, res.count == 1 ? "" : "s", dir);
    if (analyses > 0)
        printf("and %zu table%s of its comparisons and analyses (comparison_*, psa_*, "
               "sweep_*)\n", analyses, analyses == 1 ? "" : "s");
    rc = CLI_EXIT_OK;
    goto out;
fail:
    fprintf(stderr, "caresim export: %s\n", sim_err_format(&e, buf, sizeof buf));
out:
    cli_results_close(&res);
    return rc;
}
