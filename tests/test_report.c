/* tests/test_report.c — tests of `caresim report` (cli/report.c) and `caresim export`
 * (cli/export.c). Each test writes a small results file directly with output/'s writer
 * (two scenarios, known values including NaN and awkward doubles) in its own temporary
 * directory under /tmp, runs the command in-process with stdout and stderr redirected to
 * files, and checks the text and files against what output/ reads back from the results.
 * One test runs the real `caresim run` on a tiny scenario and reports its file.
 */
#define _GNU_SOURCE
#include "tests/testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "output/results.h"
#include "sim/err.h"

#define N_REPS 4  /* replications in the test file */
#define N_COLS 4  /* outcomes per replication */
#define CMDLINE "caresim run \"odd, name\".cfg" /* has a comma and quotes: needs CSV quoting */
#define SEED 987654321012345ULL

static const struct out_column test_cols[N_COLS] = {
    {"cost", "GBP", "cost per person"},
    {"wait", "days", "mean wait"},
    {"tiny", "fraction", "a small number"},
    {"maybe", "count", "missing in one replication"},
};

/* Values chosen to need all 17 digits (1/3, 0.1), to be large but under 1e9, tiny, and
 * missing (NaN) once. */
static double test_values(int scenario, int r, int c)
{
    double k = scenario + 1;
    switch (c) {
    case 0: return k * 123456789.25 + r;
    case 1: return k * (1.0 / 3.0 + 0.1 * r);
    case 2: return k * 2.5e-7 * (r + 1);
    default: return r == 2 ? NAN : k * (10 + r);
    }
}

/* ---- temporary directories and files ------------------------------------------------------ */

struct scratch {
    char dir[64];      /* the temporary directory */
    char h5[128];      /* <dir>/r.h5: the test results file */
    char out_txt[128]; /* captured stdout of the last command */
    char err_txt[128]; /* captured stderr of the last command */
    char *out;         /* its contents, after run_cmd */
    char *err;         /* its contents, after run_cmd */
};

/* Writes the test results file: scenarios "alpha" and "beta" with replications and summary. */
static int write_results(const char *path)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_provenance prov = {
        .version = "9.9.9", .git_commit = "abc123", .command_line = CMDLINE,
        .master_seed = SEED, .started_utc = "2024-05-01T12:00:00Z",
        .finished_utc = "2024-05-01T12:05:00Z", .host = "testhost", .threads = 2,
    };
    struct out_writer *w = out_writer_create(path, &prov, &e);
    if (!w)
        return -1;
    static const char *names[] = {"alpha", "beta"};
    int rc = 0;
    for (int s = 0; s < 2 && rc == 0; s++) {
        double v[N_REPS * N_COLS];
        for (int r = 0; r < N_REPS; r++)
            for (int c = 0; c < N_COLS; c++)
                v[r * N_COLS + c] = test_values(s, r, c);
        struct out_table t = {"replications", "test", N_COLS, test_cols, N_REPS, v};
        char group[64], cfg[128];
        snprintf(group, sizeof group, "/scenarios/%s", names[s]);
        snprintf(cfg, sizeof cfg, "name = \"%s\";\nrun = { seed = 1; };\n", names[s]);
        rc = out_writer_add_scenario(w, names[s], cfg, &e);
        rc = rc ? rc : out_writer_add_table(w, group, &t, &e);
        rc = rc ? rc : out_writer_add_summary(w, group, &t, &e);
    }
    rc = rc ? rc : out_writer_commit(w, &e);
    out_writer_destroy(w);
    return rc;
}

static int setup(void **state)
{
    struct scratch *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    snprintf(s->dir, sizeof s->dir, "/tmp/caresim-test-report-XXXXXX");
    if (!mkdtemp(s->dir)) {
        free(s);
        return -1;
    }
    snprintf(s->h5, sizeof s->h5, "%s/r.h5", s->dir);
    snprintf(s->out_txt, sizeof s->out_txt, "%s/stdout.txt", s->dir);
    snprintf(s->err_txt, sizeof s->err_txt, "%s/stderr.txt", s->dir);
    *state = s;
    return write_results(s->h5);
}

static int teardown(void **state)
{
    struct scratch *s = *state;
    testutil_remove_tree(s->dir);
    free(s->out);
    free(s->err);
    free(s);
    return 0;
}


/* Runs cmd(argc, argv) with stdout and stderr captured into s->out and s->err. */
static int run_cmd(struct scratch *s, int (*cmd)(int, char **), const char *const *args)
{
    char *argv[16];
    int argc = 0;
    for (; *args && argc < 15; args++)
        argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    int rc = testutil_run_captured(cmd, argc, argv, s->out_txt, s->err_txt);
    free(s->out);
    free(s->err);
    s->out = testutil_slurp(s->out_txt, NULL);
    s->err = testutil_slurp(s->err_txt, NULL);
    return rc;
}

static struct out_summary *read_summary(const char *h5, const char *scenario)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(h5, &e);
    assert_non_null(f);
    char path[128];
    snprintf(path, sizeof path, "/scenarios/%s/summary", scenario);
    struct out_summary *s = NULL;
    assert_int_equal(out_file_read_summary(f, path, &s, &e), 0);
    out_file_close(f);
    return s;
}

static struct out_table *read_replications(const char *h5, const char *scenario)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(h5, &e);
    assert_non_null(f);
    char path[128];
    snprintf(path, sizeof path, "/scenarios/%s/replications", scenario);
    struct out_table *t = NULL;
    assert_int_equal(out_file_read_table(f, path, &t, &e), 0);
    out_file_close(f);
    return t;
}

/* ---- a small RFC 4180 reader -------------------------------------------------------------- */

#define CSV_MAX_ROWS 16
#define CSV_MAX_FIELDS 16
#define CSV_FIELD_MAX 256

struct csv {
    int n_rows;                                          /* records, header included */
    int n_fields[CSV_MAX_ROWS];                          /* fields per record */
    char field[CSV_MAX_ROWS][CSV_MAX_FIELDS][CSV_FIELD_MAX]; /* unquoted field text */
};

/* Parses the whole file at path; fails the test when it is not well-formed CSV. */
static struct csv *csv_read(const char *path)
{
    char *text = testutil_slurp(path, NULL);
    struct csv *c = calloc(1, sizeof *c);
    assert_non_null(c);
    const char *p = text;
    while (*p) {
        assert_true(c->n_rows < CSV_MAX_ROWS);
        int row = c->n_rows++, nf = 0;
        for (;;) {
            assert_true(nf < CSV_MAX_FIELDS);
            char *out = c->field[row][nf++];
            size_t n = 0;
            if (*p == '"') {
                for (p++;; p++) {
                    assert_true(*p != '\0'); /* unterminated quote */
                    if (*p == '"' && p[1] == '"')
                        p++;
                    else if (*p == '"') {
                        p++;
                        break;
                    }
                    assert_true(n + 1 < CSV_FIELD_MAX);
                    out[n++] = *p;
                }
            } else {
                for (; *p && *p != ',' && *p != '\n'; p++) {
                    assert_true(*p != '"'); /* a bare quote must have been quoted */
                    assert_true(n + 1 < CSV_FIELD_MAX);
                    out[n++] = *p;
                }
            }
            out[n] = '\0';
            if (*p == ',') {
                p++;
                continue;
            }
            assert_true(*p == '\n'); /* every record ends with a line end */
            p++;
            break;
        }
        c->n_fields[row] = nf;
    }
    free(text);
    return c;
}

/* The field parsed as a double: NaN for an empty field; fails unless all of it is a number. */
static double csv_double(const char *field)
{
    if (!*field)
        return NAN;
    char *end;
    double x = strtod(field, &end);
    assert_true(*end == '\0');
    return x;
}

/* Same double, bit for bit (NaN equal to NaN). */
static void assert_same_double(double a, double b)
{
    if (isnan(a) && isnan(b))
        return;
    assert_memory_equal(&a, &b, sizeof a);
}

/* Number of entries in dir apart from . and .. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *de; (de = readdir(d));)
        n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* ---- report ------------------------------------------------------------------------------ */

/* The body line of the report's summary for outcome, or NULL. */
static const char *summary_line(const char *out, const char *scenario, const char *outcome)
{
    char head[64];
    snprintf(head, sizeof head, "\nscenario %s\n", scenario);
    const char *p = strstr(out, head);
    if (!p)
        return NULL;
    p += strlen(head);
    const char *end = strstr(p, "\nscenario ");
    char key[64];
    snprintf(key, sizeof key, "\n    %s ", outcome);
    const char *l = strstr(p, key);
    return l && (!end || l < end) ? l + 1 : NULL;
}

static void test_report_prints_every_outcome_with_unit_and_file_numbers(void **state)
{
    struct scratch *s = *state;
    const char *args[] = {"report", s->h5, NULL};
    assert_int_equal(run_cmd(s, cli_report, args), CLI_EXIT_OK);
    static const char *names[] = {"alpha", "beta"};
    for (int k = 0; k < 2; k++) {
        struct out_summary *sum = read_summary(s->h5, names[k]);
        assert_int_equal(sum->n_rows, N_COLS);
        for (size_t i = 0; i < sum->n_rows; i++) {
            const struct out_summary_row *row = &sum->rows[i];
            const char *line = summary_line(s->out, names[k], row->outcome);
            assert_non_null(line);
            char outcome[64], unit[64], mean[64];
            long long n;
            assert_int_equal(sscanf(line, "%63s %63s %lld %63s", outcome, unit, &n, mean), 4);
            assert_string_equal(outcome, row->outcome);
            assert_string_equal(unit, row->unit);
            assert_int_equal(n, row->n);
            /* About 4 significant digits are shown: within half a unit of the 4th digit. */
            assert_rel_near(csv_double(mean), row->mean, 5e-4);
            const char *br = strchr(line, '[');
            assert_non_null(br);
            char *end;
            double lo = strtod(br + 1, &end);
            assert_true(*end == ',');
            double hi = strtod(end + 1, &end);
            assert_true(*end == ']');
            assert_rel_near(lo, row->ci_low, 5e-4);
            assert_rel_near(hi, row->ci_high, 5e-4);
        }
        out_summary_destroy(sum);
    }
}

static void test_report_prints_provenance(void **state)
{
    struct scratch *s = *state;
    const char *args[] = {"report", s->h5, NULL};
    assert_int_equal(run_cmd(s, cli_report, args), CLI_EXIT_OK);
    assert_non_null(strstr(s->out, "9.9.9"));
    assert_non_null(strstr(s->out, "abc123"));
    assert_non_null(strstr(s->out, CMDLINE));
    assert_non_null(strstr(s->out, "987654321012345"));
    assert_non_null(strstr(s->out, "2024-05-01T12:05:00Z"));
    assert_non_null(strstr(s->out, "testhost"));
    assert_non_null(strstr(s->out, "partial          no"));
}

static void test_report_large_numbers_are_not_in_exponent_form(void **state)
{
    struct scratch *s = *state;
    const char *args[] = {"report", s->h5, NULL};
    assert_int_equal(run_cmd(s, cli_report, args), CLI_EXIT_OK);
    /* cost is about 1.2e8 (alpha) and 2.5e8 (beta), tiny is about 6e-7. */
    assert_null(strstr(s->out, "e+"));
    const char *line = summary_line(s->out, "alpha", "cost");
    assert_non_null(line);
    assert_non_null(strstr(line, "123456791"));
}

static void test_report_scenario_option_shows_only_that_scenario(void **state)
{
    struct scratch *s = *state;
    const char *args[] = {"report", s->h5, "--scenario", "beta", NULL};
    assert_int_equal(run_cmd(s, cli_report, args), CLI_EXIT_OK);
    assert_non_null(summary_line(s->out, "beta", "cost"));
    assert_null(strstr(s->out, "scenario alpha"));
}

static void test_report_unknown_scenario_exits_2_listing_names(void **state)
{
    struct scratch *s = *state;
    const char *args[] = {"report", s->h5, "--scenario=gamma", NULL};
    assert_int_equal(run_cmd(s, cli_report, args), CLI_EXIT_USAGE);
    assert_non_null(strstr(s->err, "gamma"));
    assert_non_null(strstr(s->err, "alpha"));
    assert_non_null(strstr(s->err, "beta"));
    assert_string_equal(s->out, "");
}

static void test_report_non_hdf5_file_fails_naming_it(void **state)
{
    struct scratch *s = *state;
    char path[160];
    snprintf(path, sizeof path, "%s/not.h5", s->dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("outcome,mean\nx,1\n", f);
    fclose(f);
    const char *args[] = {"report", path, NULL};
    assert_int_equal(run_cmd(s, cli_report, args), CLI_EXIT_FAIL);
    assert_non_null(strstr(s->err, path));
    assert_string_equal(s->out, "");
}

static void test_report_truncated_file_fails_without_crashing(void **state)
{
    struct scratch *s = *state;
    struct stat st;
    assert_int_equal(stat(s->h5, &st), 0);
    assert_int_equal(truncate(s->h5, st.st_size / 2), 0);
    const char *args[] = {"report", s->h5, NULL};
    assert_int_equal(run_cmd(s, cli_report, args), CLI_EXIT_FAIL);
    assert_non_null(strstr(s->err, s->h5));
}

static void test_report_without_file_is_usage_error(void **state)
{
    struct scratch *s = *state;
    const char *args[] = {"report", NULL};
    assert_int_equal(run_cmd(s, cli_report, args), CLI_EXIT_USAGE);
    const char *args2[] = {"report", s->h5, "--bogus", NULL};
    assert_int_equal(run_cmd(s, cli_report, args2), CLI_EXIT_USAGE);
}

/* The real `caresim run` on a tiny scenario, then report on its file. */
static void test_report_reads_a_file_written_by_run(void **state)
{
    struct scratch *s = *state;
    char cfg[160], h5[160];
    snprintf(cfg, sizeof cfg, "%s/t.cfg", s->dir);
    snprintf(h5, sizeof h5, "%s/t.h5", s->dir);
    FILE *f = fopen(cfg, "w");
    assert_non_null(f);
    fputs("name = \"t\";\nrun = { population = 2000; horizon_years = 1.0; "
          "warmup_years = 0.0; replications = 2; seed = 3; };\n",
          f);
    fclose(f);
    const char *run_args[] = {"run", cfg, "-o", h5, "--quiet", NULL};
    assert_int_equal(run_cmd(s, cli_run, run_args), CLI_EXIT_OK);
    const char *args[] = {"report", h5, NULL};
    assert_int_equal(run_cmd(s, cli_report, args), CLI_EXIT_OK);
    struct out_summary *sum = read_summary(h5, "t");
    assert_true(sum->n_rows > 0);
    for (size_t i = 0; i < sum->n_rows; i++)
        assert_non_null(summary_line(s->out, "t", sum->rows[i].outcome));
    out_summary_destroy(sum);
}

/* ---- export ------------------------------------------------------------------------------ */

static void export_to(struct scratch *s, char *dir, size_t size, const char *sub)
{
    snprintf(dir, size, "%s/%s", s->dir, sub);
    const char *args[] = {"export", s->h5, "--csv", dir, NULL};
    assert_int_equal(run_cmd(s, cli_export, args), CLI_EXIT_OK);
}

static void test_export_replications_round_trip_bit_identical(void **state)
{
    struct scratch *s = *state;
    char dir[160], path[200];
    export_to(s, dir, sizeof dir, "csv");
    static const char *names[] = {"alpha", "beta"};
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%s_replications.csv", dir, names[k]);
        struct csv *c = csv_read(path);
        struct out_table *t = read_replications(s->h5, names[k]);
        assert_int_equal(c->n_rows, 1 + (int)t->n_rows);
        assert_int_equal(c->n_fields[0], 1 + (int)t->n_cols);
        assert_string_equal(c->field[0][0], "replication");
        for (size_t j = 0; j < t->n_cols; j++)
            assert_string_equal(c->field[0][j + 1], t->cols[j].name);
        for (size_t r = 0; r < t->n_rows; r++) {
            assert_int_equal(c->n_fields[r + 1], 1 + (int)t->n_cols);
            assert_int_equal((int)csv_double(c->field[r + 1][0]), (int)r);
            for (size_t j = 0; j < t->n_cols; j++)
                assert_same_double(csv_double(c->field[r + 1][j + 1]),
                                   t->values[r * t->n_cols + j]);
        }
        /* The NaN of the test file is an empty field. */
        assert_string_equal(c->field[3][4], "");
        out_table_destroy(t);
        free(c);
    }
}

static void test_export_summary_round_trips(void **state)
{
    struct scratch *s = *state;
    char dir[160], path[200];
    export_to(s, dir, sizeof dir, "csv");
    snprintf(path, sizeof path, "%s/beta_summary.csv", dir);
    struct csv *c = csv_read(path);
    struct out_summary *sum = read_summary(s->h5, "beta");
    static const char *header[] = {"outcome", "unit", "n", "mean", "sd", "ci_low", "ci_high"};
    assert_int_equal(c->n_rows, 1 + (int)sum->n_rows);
    assert_int_equal(c->n_fields[0], 7);
    for (int j = 0; j < 7; j++)
        assert_string_equal(c->field[0][j], header[j]);
    for (size_t i = 0; i < sum->n_rows; i++) {
        const struct out_summary_row *row = &sum->rows[i];
        char(*f)[CSV_FIELD_MAX] = c->field[i + 1];
        assert_int_equal(c->n_fields[i + 1], 7);
        assert_string_equal(f[0], row->outcome);
        assert_string_equal(f[1], row->unit);
        assert_int_equal(strtoll(f[2], NULL, 10), row->n);
        assert_same_double(csv_double(f[3]), row->mean);
        assert_same_double(csv_double(f[4]), row->sd);
        assert_same_double(csv_double(f[5]), row->ci_low);
        assert_same_double(csv_double(f[6]), row->ci_high);
    }
    out_summary_destroy(sum);
    free(c);
}

static void test_export_writes_config_text_verbatim(void **state)
{
    struct scratch *s = *state;
    char dir[160], path[200];
    export_to(s, dir, sizeof dir, "csv");
    snprintf(path, sizeof path, "%s/alpha_config.cfg", dir);
    char *text = testutil_slurp(path, NULL);
    assert_string_equal(text, "name = \"alpha\";\nrun = { seed = 1; };\n");
    free(text);
}

static void test_export_provenance_quotes_string_with_comma(void **state)
{
    struct scratch *s = *state;
    char dir[160], path[200];
    export_to(s, dir, sizeof dir, "csv");
    snprintf(path, sizeof path, "%s/provenance.csv", dir);
    char *raw = testutil_slurp(path, NULL);
    /* RFC 4180: quoted, inner quotes doubled. */
    assert_non_null(strstr(raw, "command_line,\"caresim run \"\"odd, name\"\".cfg\"\n"));
    free(raw);
    struct csv *c = csv_read(path);
    assert_string_equal(c->field[0][0], "key");
    assert_string_equal(c->field[0][1], "value");
    int found = 0;
    for (int r = 1; r < c->n_rows; r++) {
        assert_int_equal(c->n_fields[r], 2);
        if (strcmp(c->field[r][0], "command_line") == 0)
            found += strcmp(c->field[r][1], CMDLINE) == 0;
        if (strcmp(c->field[r][0], "master_seed") == 0)
            found += strcmp(c->field[r][1], "987654321012345") == 0;
    }
    assert_int_equal(found, 2);
    free(c);
}

static void test_export_creates_missing_directories(void **state)
{
    struct scratch *s = *state;
    char dir[160], path[200];
    export_to(s, dir, sizeof dir, "a/b/c");
    snprintf(path, sizeof path, "%s/alpha_summary.csv", dir);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    /* 1 provenance + 3 per scenario, and no temporary file left. */
    assert_int_equal(count_entries(dir), 1 + 2 * 3);
}

static void test_export_unwritable_dir_exits_1_without_files(void **state)
{
    struct scratch *s = *state;
    char file[160], dir[200];
    snprintf(file, sizeof file, "%s/regular", s->dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(dir, sizeof dir, "%s/sub", file);
    const char *args[] = {"export", s->h5, "--csv", dir, NULL};
    assert_int_equal(run_cmd(s, cli_export, args), CLI_EXIT_FAIL);
    assert_non_null(strstr(s->err, dir));
    /* Only what was there (and the captured output): no CSV or temporary file anywhere. */
    DIR *d = opendir(s->dir);
    assert_non_null(d);
    for (struct dirent *de; (de = readdir(d));)
        assert_true(strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
                    strcmp(de->d_name, "r.h5") == 0 || strcmp(de->d_name, "regular") == 0 ||
                    strcmp(de->d_name, "stdout.txt") == 0 ||
                    strcmp(de->d_name, "stderr.txt") == 0);
    closedir(d);
    struct stat st;
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal(st.st_size, 0);
}

/* A scenario whose summary is not a summary (a plain table of that name): export fails
 * part way and leaves only the files it finished, none half-written and no temporary
 * file. (A scenario with no tables at all, as in a sweep file, is exported as its config.) */
static void test_export_failure_leaves_no_partial_file(void **state)
{
    struct scratch *s = *state;
    struct sim_err e;
    sim_err_clear(&e);
    char h5[160], dir[160];
    snprintf(h5, sizeof h5, "%s/bad.h5", s->dir);
    snprintf(dir, sizeof dir, "%s/out", s->dir);
    struct out_provenance prov = {.version = "1"};
    struct out_writer *w = out_writer_create(h5, &prov, &e);
    assert_non_null(w);
    assert_int_equal(out_writer_add_scenario(w, "lonely", "x = 1;\n", &e), 0);
    const struct out_column col = {"x", "", ""};
    const double v = 1.0;
    const struct out_table t = {.name = "summary", .n_cols = 1, .cols = &col, .n_rows = 1,
                                .values = &v};
    assert_int_equal(out_writer_add_table(w, "/scenarios/lonely", &t, &e), 0);
    assert_int_equal(out_writer_commit(w, &e), 0);
    out_writer_destroy(w);
    const char *args[] = {"export", h5, "--csv", dir, NULL};
    assert_int_equal(run_cmd(s, cli_export, args), CLI_EXIT_FAIL);
    assert_non_null(strstr(s->err, "summary"));
    DIR *d = opendir(dir);
    assert_non_null(d);
    for (struct dirent *de; (de = readdir(d));)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            assert_string_equal(de->d_name, "provenance.csv");
    closedir(d);
}

static void test_export_without_csv_is_usage_error(void **state)
{
    struct scratch *s = *state;
    const char *args[] = {"export", s->h5, NULL};
    assert_int_equal(run_cmd(s, cli_export, args), CLI_EXIT_USAGE);
    assert_non_null(strstr(s->err, "--csv"));
}

static void test_export_non_hdf5_file_fails_naming_it(void **state)
{
    struct scratch *s = *state;
    char path[160], dir[160];
    snprintf(path, sizeof path, "%s/not.h5", s->dir);
    snprintf(dir, sizeof dir, "%s/out", s->dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("hello\n", f);
    fclose(f);
    const char *args[] = {"export", path, "--csv", dir, NULL};
    assert_int_equal(run_cmd(s, cli_export, args), CLI_EXIT_FAIL);
    assert_non_null(strstr(s->err, path));
    struct stat st;
    assert_int_not_equal(stat(dir, &st), 0); /* nothing created */
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_report_prints_every_outcome_with_unit_and_file_numbers),
        T(test_report_prints_provenance),
        T(test_report_large_numbers_are_not_in_exponent_form),
        T(test_report_scenario_option_shows_only_that_scenario),
        T(test_report_unknown_scenario_exits_2_listing_names),
        T(test_report_non_hdf5_file_fails_naming_it),
        T(test_report_truncated_file_fails_without_crashing),
        T(test_report_without_file_is_usage_error),
        T(test_report_reads_a_file_written_by_run),
        T(test_export_replications_round_trip_bit_identical),
        T(test_export_summary_round_trips),
        T(test_export_writes_config_text_verbatim),
        T(test_export_provenance_quotes_string_with_comma),
        T(test_export_creates_missing_directories),
        T(test_export_unwritable_dir_exits_1_without_files),
        T(test_export_failure_leaves_no_partial_file),
        T(test_export_without_csv_is_usage_error),
        T(test_export_non_hdf5_file_fails_naming_it),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
