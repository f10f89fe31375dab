/* tests/test_plot.c — tests of `caresim plot` (cli/plot.c). The command runs in-process
 * through cli_plot() with stdout and stderr redirected to files, on two kinds of results
 * file in a temporary directory under /tmp (removed afterwards):
 *   - one written by `caresim compare` (a base "t" and "fewer_gps", 2000 persons, one year
 *     of warm-up and two recorded, 2 replications, seed 11), made once and shared;
 *   - small files written here through output/ with known time series, groups and
 *     summaries, so the numbers in the data files can be checked exactly.
 * The images need gnuplot on PATH (scripts/install-deps.sh installs gnuplot-nox); without
 * it the image checks are skipped with a printed note and the rest still runs.
 */
#define _GNU_SOURCE
#include "tests/testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "models/outcomes.h"
#include "models/series.h"
#include "output/results.h"
#include "sim/err.h"

/* The compared scenarios: defaults except the run's size and length. */
#define BASE_TEXT                                                                          \
    "name = \"t\";\n"                                                                      \
    "run = { population = 2000; horizon_years = 2.0; warmup_years = 1.0;\n"                \
    "        replications = 2; seed = 11; };\n"
#define FEWER_TEXT "base = \"t.cfg\";\nname = \"fewer_gps\";\npractices = { clinicians = 4.0; };\n"

/* ---- temporary directories ------------------------------------------------------------- */

struct scratch {
    char dir[64];       /* the temporary directory */
    char out_txt[128];  /* captured stdout of the last command */
    char err_txt[128];  /* captured stderr of the last command */
};

static int scratch_init(struct scratch *s)
{
    snprintf(s->dir, sizeof s->dir, "/tmp/caresim-test-plot-XXXXXX");
    if (!mkdtemp(s->dir))
        return -1;
    snprintf(s->out_txt, sizeof s->out_txt, "%s/stdout.txt", s->dir);
    snprintf(s->err_txt, sizeof s->err_txt, "%s/stderr.txt", s->dir);
    return 0;
}

static void scratch_fini(struct scratch *s)
{
    if (s->dir[0])
        testutil_remove_tree(s->dir);
}

static int setup(void **state)
{
    struct scratch *s = calloc(1, sizeof *s);
    if (!s || scratch_init(s) != 0) {
        free(s);
        return -1;
    }
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    scratch_fini(*state);
    free(*state);
    return 0;
}

/* ---- running the commands ---------------------------------------------------------------- */

/* Runs `caresim <name> ARGS` (args NULL-terminated) with stdout and stderr going to
 * s->out_txt and s->err_txt; returns its exit status. */
static int run_cmd(const struct scratch *s, int (*cmd)(int, char **), const char *name,
                   const char *const *args)
{
    return testutil_run_args(cmd, name, args, s->out_txt, s->err_txt);
}

static int plot_cmd(const struct scratch *s, const char *const *args)
{
    return run_cmd(s, cli_plot, "plot", args);
}

/* Fails the test with the captured stderr unless rc is 0. */
static void expect_success(const struct scratch *s, int rc, const char *what)
{
    if (rc != 0) {
        char *err = testutil_slurp(s->err_txt, NULL);
        fail_msg("%s failed (%d):\n%s", what, rc, err);
    }
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Size of DIR/NAME in bytes, -1 when it is missing. */
static long file_size(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Whether gnuplot is on PATH (as the command looks for it). */
static int have_gnuplot(void)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    char *copy = strdup(path);
    assert_non_null(copy);
    int found = 0;
    for (char *save = NULL, *d = strtok_r(copy, ":", &save); d && !found;
         d = strtok_r(NULL, ":", &save)) {
        char exe[1024];
        snprintf(exe, sizeof exe, "%s/gnuplot", d);
        found = access(exe, X_OK) == 0;
    }
    free(copy);
    return found;
}

/* Prints, once, why the image checks are skipped. */
static int images_checked(void)
{
    static int known, have;
    if (!known) {
        have = have_gnuplot();
        known = 1;
        if (!have)
            printf("note: gnuplot is not on PATH: the checks of the images are skipped "
                   "(scripts/install-deps.sh installs gnuplot-nox)\n");
    }
    return have;
}

/* ---- data files -------------------------------------------------------------------------- */

/* A data file read back: its '#' header and its rows of words. */
struct dat {
    char *text;          /* the whole file (words point into it) */
    char header[512];    /* the first line, without "# " */
    size_t n_rows;       /* data rows */
    size_t n_cols;       /* words per row (of the first row) */
    char *words[64][16]; /* [row][col] */
};

/* Reads DIR/NAME; fails the test unless its first line is a '#' header and every row has
 * as many words as the header has names. Quoted words keep their quotes. */
static struct dat *read_dat(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct dat *d = calloc(1, sizeof *d);
    assert_non_null(d);
    d->text = testutil_slurp(path, NULL);
    char *save = NULL, *line = strtok_r(d->text, "\n", &save);
    if (!line || strncmp(line, "# ", 2) != 0)
        fail_msg("%s: first line is not a '# ' header", path);
    snprintf(d->header, sizeof d->header, "%s", line + 2);
    size_t n_names = 0;
    for (const char *p = d->header; *p;) {
        while (*p == ' ')
            p++;
        if (*p)
            n_names++;
        while (*p && *p != ' ')
            p++;
    }
    while ((line = strtok_r(NULL, "\n", &save)) && d->n_rows < 64) {
        size_t c = 0;
        for (char *p = line; *p && c < 16;) {
            while (*p == ' ')
                p++;
            if (!*p)
                break;
            char *w = p;
            if (*p == '"') {
                p = strchr(p + 1, '"');
                assert_non_null(p);
                p++;
            } else {
                while (*p && *p != ' ')
                    p++;
            }
            if (*p)
                *p++ = '\0';
            d->words[d->n_rows][c++] = w;
        }
        if (c != n_names)
            fail_msg("%s, row %zu: %zu words for %zu column names", path, d->n_rows + 1, c,
                     n_names);
        d->n_cols = c;
        d->n_rows++;
    }
    return d;
}

static void dat_free(struct dat *d)
{
    free(d->text);
    free(d);
}

/* Index of a column of the header; fails the test when it is missing. */
static size_t dat_col(const struct dat *d, const char *name)
{
    size_t c = 0;
    char copy[512];
    snprintf(copy, sizeof copy, "%s", d->header);
    for (char *save = NULL, *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        if (strcmp(w, name) == 0)
            return c;
        c++;
    }
    fail_msg("no column %s in '%s'", name, d->header);
    return 0;
}

/* The number in row r, column `name` (NaN for "NaN"). */
static double dat_num(const struct dat *d, size_t r, const char *name)
{
    return strtod(d->words[r][dat_col(d, name)], NULL);
}

/* ---- the compare run (shared) -------------------------------------------------------------- */

static struct {
    int done;          /* made */
    struct scratch s;  /* its directory */
    char path[160];    /* its results file */
} cmp;

static void shared_free(void)
{
    scratch_fini(&cmp.s);
    out_library_close();
}

static void compare_run(void)
{
    if (cmp.done)
        return;
    assert_int_equal(scratch_init(&cmp.s), 0);
    atexit(shared_free);
    char base[128], fewer[128];
    snprintf(base, sizeof base, "%s/t.cfg", cmp.s.dir);
    snprintf(fewer, sizeof fewer, "%s/fewer.cfg", cmp.s.dir);
    assert_int_equal(testutil_write_text(base, BASE_TEXT), 0);
    assert_int_equal(testutil_write_text(fewer, FEWER_TEXT), 0);
    snprintf(cmp.path, sizeof cmp.path, "%s/compare_t.h5", cmp.s.dir);
    const char *args[] = {base, fewer, "-r", "2", "-o", cmp.path, "--quiet", NULL};
    expect_success(&cmp.s, run_cmd(&cmp.s, cli_compare, "compare", args), "compare t fewer_gps");
    cmp.done = 1;
}

/* Whether the results file has the dataset (tables added by newer versions may be absent). */
static int has_dataset(const char *path, const char *dataset)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(path, &e);
    if (!f)
        fail_msg("%s", e.msg);
    struct out_table *t = NULL;
    int ok = out_file_read_table(f, dataset, &t, &e) == 0;
    out_table_destroy(t);
    out_file_close(f);
    return ok;
}

/* ---- results files written here ---------------------------------------------------------- */

/* A results file in progress. */
static struct out_writer *writer_start(const char *path)
{
    struct out_provenance prov = {.version = "test", .command_line = "test_plot",
                                  .master_seed = 1, .threads = 1};
    struct sim_err e;
    sim_err_clear(&e);
    struct out_writer *w = out_writer_create(path, &prov, &e);
    if (!w)
        fail_msg("%s", e.msg);
    return w;
}

static void writer_check(int rc, const struct sim_err *e)
{
    if (rc != 0)
        fail_msg("%s", e->msg);
}

/* Column descriptions from a models/series.h column table. */
static struct out_column *series_columns(int (*info)(int, struct outc_info *, struct sim_err *),
                                         int n, struct outc_info *infos)
{
    struct out_column *cols = calloc((size_t)n, sizeof *cols);
    assert_non_null(cols);
    for (int c = 0; c < n; c++) {
        assert_int_equal(info(c, &infos[c], NULL), 0);
        cols[c] = (struct out_column){infos[c].name, infos[c].unit, infos[c].desc};
    }
    return cols;
}

/* Adds scenario `name` with a replications table of the cost outcomes and person-years
 * (costs[r][k]: cost_primary .. cost_other of replication r, then person_years) and its
 * summary. economics.currency is EUR. */
#define SYN_COSTS 6
static void add_scenario(struct out_writer *w, const char *name, size_t reps,
                         const double (*costs)[SYN_COSTS + 1])
{
    static const int outc[SYN_COSTS + 2] = {OUTC_COST_PRIMARY, OUTC_COST_OUTPATIENT,
                                            OUTC_COST_ED,      OUTC_COST_INPATIENT,
                                            OUTC_COST_POSTACUTE, OUTC_COST_OTHER,
                                            OUTC_PERSON_YEARS, OUTC_COST_TOTAL};
    struct outc_info infos[SYN_COSTS + 2];
    struct out_column cols[SYN_COSTS + 2];
    for (int c = 0; c < SYN_COSTS + 2; c++) {
        assert_int_equal(outc_column_info(outc[c], &infos[c], NULL), 0);
        cols[c] = (struct out_column){infos[c].name, infos[c].unit, infos[c].desc};
    }
    double values[16 * (SYN_COSTS + 2)];
    assert_true(reps <= 16);
    for (size_t r = 0; r < reps; r++) {
        double total = 0;
        for (int c = 0; c <= SYN_COSTS; c++) {
            values[r * (SYN_COSTS + 2) + (size_t)c] = costs[r][c];
            total += c < SYN_COSTS ? costs[r][c] : 0;
        }
        values[r * (SYN_COSTS + 2) + SYN_COSTS + 1] = total;
    }
    char group[128], config[256];
    snprintf(group, sizeof group, "/scenarios/%s", name);
    snprintf(config, sizeof config, "name = \"%s\";\neconomics = { currency = \"EUR\"; };\n",
             name);
    struct out_table t = {"replications", "test", SYN_COSTS + 2, cols, reps, values};
    struct sim_err e;
    sim_err_clear(&e);
    writer_check(out_writer_add_scenario(w, name, config, &e), &e);
    writer_check(out_writer_add_table(w, group, &t, &e), &e);
    writer_check(out_writer_add_summary(w, group, &t, &e), &e);
}

/* The synthetic time series: `months` months of `reps` replications; in month m of
 * replication r the bed occupancy is 0.5 + 0.01 r + 0.1 m, the GP wait 2 + r, the
 * specialist wait NaN in month 2 (nothing booked) and 20 + m otherwise. */
static void add_timeseries(struct out_writer *w, const char *name, size_t reps, size_t months)
{
    struct outc_info infos[SER_COUNT];
    struct out_column *cols = series_columns(ser_column_info, SER_COUNT, infos);
    double *v = calloc(reps * months * SER_COUNT, sizeof *v);
    assert_non_null(v);
    for (size_t r = 0; r < reps; r++)
        for (size_t m = 1; m <= months; m++) {
            double *row = v + (r * months + m - 1) * SER_COUNT;
            row[SER_REPLICATION] = (double)r;
            row[SER_MONTH] = (double)m;
            row[SER_YEAR] = (double)m / 12.0;
            row[SER_BED_OCCUPANCY] = 0.5 + 0.01 * (double)r + 0.1 * (double)m;
            row[SER_WAIT_GP] = 2.0 + (double)r;
            row[SER_WAIT_SPECIALIST] = m == 2 ? NAN : 20.0 + (double)m;
        }
    char group[128];
    snprintf(group, sizeof group, "/scenarios/%s", name);
    struct out_table t = {"timeseries", "test", SER_COUNT, cols, reps * months, v};
    struct sim_err e;
    sim_err_clear(&e);
    writer_check(out_writer_add_table(w, group, &t, &e), &e);
    free(v);
    free(cols);
}

/* The synthetic groups: 2 replications x 9 age bands x 5 quintiles; in band b of
 * quintile q, replication r: life_years 10 + b, gp_visits q (b + 1) (r + 1), qalys
 * (0.9 - 0.02 q) (10 + b). */
#define SYN_BANDS 9
static void add_by_group(struct out_writer *w, const char *name)
{
    struct outc_info infos[GRP_COUNT];
    struct out_column *cols = series_columns(grp_column_info, GRP_COUNT, infos);
    size_t n = 2 * SYN_BANDS * 5;
    double *v = calloc(n * GRP_COUNT, sizeof *v);
    assert_non_null(v);
    size_t i = 0;
    for (int r = 0; r < 2; r++)
        for (int b = 0; b < SYN_BANDS; b++)
            for (int q = 1; q <= 5; q++, i++) {
                double *row = v + i * GRP_COUNT;
                row[GRP_REPLICATION] = r;
                row[GRP_AGE_LOWER] = b * 10;
                row[GRP_QUINTILE] = q;
                row[GRP_LIFE_YEARS] = 10 + b;
                row[GRP_GP_VISITS] = q * (b + 1) * (r + 1);
                row[GRP_QALYS] = (0.9 - 0.02 * q) * (10 + b);
                /* A per-row ratio the figure must not average. */
                row[GRP_GP_VISITS_PER_YEAR] = row[GRP_GP_VISITS] / row[GRP_LIFE_YEARS];
            }
    char group[128];
    snprintf(group, sizeof group, "/scenarios/%s", name);
    struct out_table t = {"by_group", "test", GRP_COUNT, cols, n, v};
    struct sim_err e;
    sim_err_clear(&e);
    writer_check(out_writer_add_table(w, group, &t, &e), &e);
    free(v);
    free(cols);
}

static void writer_finish(struct out_writer *w)
{
    struct sim_err e;
    sim_err_clear(&e);
    writer_check(out_writer_commit(w, &e), &e);
    out_writer_destroy(w);
}

/* Costs of the synthetic scenarios: per replication, the six sectors and person-years. */
static const double syn_costs_a[2][SYN_COSTS + 1] = {
    {1000, 500, 200, 3000, 300, 0, 10},
    {1200, 700, 200, 2600, 100, 40, 11},
};
static const double syn_costs_b[10][SYN_COSTS + 1] = {
    {900, 400, 100, 2000, 200, 100, 10}, {900, 400, 100, 2000, 200, 100, 10},
    {900, 400, 100, 2000, 200, 100, 10}, {900, 400, 100, 2000, 200, 100, 10},
    {900, 400, 100, 2000, 200, 100, 10}, {900, 400, 100, 2000, 200, 100, 10},
    {900, 400, 100, 2000, 200, 100, 10}, {900, 400, 100, 2000, 200, 100, 10},
    {900, 400, 100, 2000, 200, 100, 10}, {900, 400, 100, 2000, 200, 100, 10},
};

/* A file with scenario "few" (3 replications of a 4-month series, by_group) and "many"
 * (10 replications of the series, no by_group): out must hold 160 bytes. */
static void write_synthetic(const struct scratch *s, char *out, size_t size)
{
    snprintf(out, size, "%s/syn.h5", s->dir);
    struct out_writer *w = writer_start(out);
    add_scenario(w, "few", 2, syn_costs_a);
    add_timeseries(w, "few", 3, 4);
    add_by_group(w, "few");
    add_scenario(w, "many", 10, syn_costs_b);
    add_timeseries(w, "many", 10, 4);
    writer_finish(w);
}

/* ---- (a) a compare results file ------------------------------------------------------------ */

/* Plotting a compare file writes, for every figure whose data the file has, the data file,
 * the script and a non-empty image, and prints each image's path; a figure whose data are
 * absent is skipped with a note naming it. */
static void test_plot_compare_file_writes_data_scripts_and_images_of_every_figure(void **state)
{
    (void)state;
    compare_run();
    struct scratch *s = &cmp.s;
    char dir[200];
    snprintf(dir, sizeof dir, "%s/plots", s->dir);
    const char *args[] = {cmp.path, "-o", dir, NULL};
    int rc = plot_cmd(s, args);
    int images = images_checked();
    if (images)
        expect_success(s, rc, "plot compare_t.h5");
    else
        assert_int_equal(rc, CLI_EXIT_FAIL);
    char *out = testutil_slurp(s->out_txt, NULL);
    char *err = testutil_slurp(s->err_txt, NULL);

    struct {
        const char *figure;  /* its name */
        const char *dataset; /* the table it needs, NULL when always there */
    } figures[] = {
        {"costs_by_sector", NULL},
        {"comparison_fewer_gps_vs_t", NULL},
        {"timeseries_t", "/scenarios/t/timeseries"},
        {"timeseries_fewer_gps", "/scenarios/fewer_gps/timeseries"},
        {"equity_t", "/scenarios/t/by_group"},
        {"equity_fewer_gps", "/scenarios/fewer_gps/by_group"},
    };
    for (size_t i = 0; i < sizeof figures / sizeof *figures; i++) {
        const char *fig = figures[i].figure;
        char dat[128], gp[128], png[128], image[300];
        snprintf(dat, sizeof dat, "%s.dat", fig);
        snprintf(gp, sizeof gp, "%s.gp", fig);
        snprintf(png, sizeof png, "%s.png", fig);
        snprintf(image, sizeof image, "%s/%s.png\n", dir, fig);
        if (figures[i].dataset && !has_dataset(cmp.path, figures[i].dataset)) {
            /* Not in this file: skipped, with a note naming the figure. */
            assert_true(file_size(dir, dat) < 0);
            assert_true(file_size(dir, gp) < 0);
            char note[128];
            snprintf(note, sizeof note, "skipping %s", fig);
            if (!strstr(err, note))
                fail_msg("no note '%s' in stderr:\n%s", note, err);
            printf("note: %s has no %s yet: %s not drawn\n", cmp.path, figures[i].dataset, fig);
            continue;
        }
        if (file_size(dir, dat) <= 0 || file_size(dir, gp) <= 0)
            fail_msg("%s: data file or script missing or empty; stderr:\n%s", fig, err);
        struct dat *d = read_dat(dir, dat);
        assert_true(d->n_rows > 0);
        dat_free(d);
        char path[400];
        snprintf(path, sizeof path, "%s/%s", dir, gp);
        char *script = testutil_slurp(path, NULL);
        /* Readable: commented, reads its data file, writes its image. */
        assert_true(script[0] == '#');
        assert_non_null(strstr(script, dat));
        assert_non_null(strstr(script, png));
        free(script);
        if (images) {
            if (file_size(dir, png) <= 0)
                fail_msg("%s: no image; stderr:\n%s", fig, err);
            if (!strstr(out, image))
                fail_msg("stdout does not name %s:\n%s", image, out);
        }
    }
    free(out);
    free(err);
}

/* costs_by_sector.dat holds, per scenario, each sector's mean cost over the mean
 * person-years of the summary; the sectors add up to cost_total. */
static void test_plot_costs_by_sector_are_summary_means_per_person_year(void **state)
{
    (void)state;
    compare_run();
    struct scratch *s = &cmp.s;
    char dir[200];
    snprintf(dir, sizeof dir, "%s/costs", s->dir);
    const char *args[] = {cmp.path, "-o", dir, NULL};
    plot_cmd(s, args);
    struct dat *d = read_dat(dir, "costs_by_sector.dat");
    assert_int_equal(d->n_rows, 2);
    assert_string_equal(d->words[0][0], "t");
    assert_string_equal(d->words[1][0], "fewer_gps");

    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(cmp.path, &e);
    assert_non_null(f);
    const char *names[] = {"t", "fewer_gps"};
    const char *sectors[] = {"cost_primary", "cost_outpatient", "cost_ed", "cost_inpatient",
                             "cost_postacute", "cost_other"};
    for (size_t i = 0; i < 2; i++) {
        char dataset[64];
        snprintf(dataset, sizeof dataset, "/scenarios/%s/summary", names[i]);
        struct out_summary *sum = NULL;
        assert_int_equal(out_file_read_summary(f, dataset, &sum, &e), 0);
        double py = NAN, mean[6] = {0}, total = NAN;
        for (size_t r = 0; r < sum->n_rows; r++) {
            if (strcmp(sum->rows[r].outcome, "person_years") == 0)
                py = sum->rows[r].mean;
            if (strcmp(sum->rows[r].outcome, "cost_total") == 0)
                total = sum->rows[r].mean;
            for (size_t k = 0; k < 6; k++)
                if (strcmp(sum->rows[r].outcome, sectors[k]) == 0)
                    mean[k] = sum->rows[r].mean;
        }
        assert_true(py > 0);
        double added = 0;
        for (size_t k = 0; k < 6; k++) {
            assert_rel_near(dat_num(d, i, sectors[k]), mean[k] / py, 1e-8);
            added += dat_num(d, i, sectors[k]);
        }
        /* Printed to 9 digits: the sectors add up to the total within rounding. */
        assert_rel_near(dat_num(d, i, "cost_total"), total / py, 1e-8);
        assert_rel_near(added, total / py, 1e-7);
        out_summary_destroy(sum);
    }
    out_file_close(f);
    dat_free(d);
}

/* The comparison figure shows (alt - base) / base in percent, with the paired CI divided
 * by the base mean, for the main outcomes in a fixed order. */
static void test_plot_comparison_shows_relative_changes_with_their_ci(void **state)
{
    (void)state;
    compare_run();
    struct scratch *s = &cmp.s;
    char dir[200];
    snprintf(dir, sizeof dir, "%s/cmp", s->dir);
    const char *args[] = {cmp.path, "-o", dir, "--scenario", "fewer_gps", NULL};
    plot_cmd(s, args);
    struct dat *d = read_dat(dir, "comparison_fewer_gps_vs_t.dat");
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(cmp.path, &e);
    assert_non_null(f);
    struct out_outcome_table *t = NULL;
    assert_int_equal(out_file_read_outcome_table(f, "/comparisons/fewer_gps_vs_t/differences",
                                                 &t, &e),
                     0);
    out_file_close(f);
    assert_true(d->n_rows >= 10);
    assert_string_equal(d->words[0][0], "gp_visits_per_person_year");
    int saw_gp_wait = 0;
    for (size_t r = 0; r < d->n_rows; r++) {
        size_t row = 0;
        while (row < t->n_rows && strcmp(t->outcomes[row], d->words[r][0]) != 0)
            row++;
        assert_true(row < t->n_rows);
        const double *v = t->values + row * t->n_fields; /* base, alt, diff, lo, hi, rel */
        assert_rel_near(dat_num(d, r, "relative_change_pct"), 100 * v[5], 1e-8);
        double a = 100 * v[3] / v[0], b = 100 * v[4] / v[0];
        assert_rel_near(dat_num(d, r, "ci_low_pct"), a < b ? a : b, 1e-8);
        assert_rel_near(dat_num(d, r, "ci_high_pct"), a < b ? b : a, 1e-8);
        saw_gp_wait |= strcmp(d->words[r][0], "mean_wait_gp_days") == 0;
    }
    assert_true(saw_gp_wait);
    out_outcome_table_destroy(t);
    dat_free(d);
}

/* ---- (b) without gnuplot ----------------------------------------------------------------- */

/* With no gnuplot on PATH the command exits 1 with one line naming gnuplot and the
 * directory, after writing every data file and script. */
static void test_plot_without_gnuplot_exits_1_and_still_writes_scripts(void **state)
{
    struct scratch *s = *state;
    char syn[160], empty[160], dir[160];
    write_synthetic(s, syn, sizeof syn);
    snprintf(empty, sizeof empty, "%s/empty-bin", s->dir);
    snprintf(dir, sizeof dir, "%s/plots", s->dir);
    assert_int_equal(mkdir(empty, 0755), 0);
    const char *saved = getenv("PATH");
    char *old = saved ? strdup(saved) : NULL;
    assert_int_equal(setenv("PATH", empty, 1), 0);
    const char *args[] = {syn, "-o", dir, NULL};
    int rc = plot_cmd(s, args);
    if (old) {
        setenv("PATH", old, 1);
        free(old);
    } else {
        unsetenv("PATH");
    }
    assert_int_equal(rc, CLI_EXIT_FAIL);
    char *err = testutil_slurp(s->err_txt, NULL);
    char line[400];
    snprintf(line, sizeof line,
             "caresim plot: gnuplot not found on PATH; install gnuplot (Debian: gnuplot-nox) or "
             "use the data files and scripts in %s\n",
             dir);
    if (!strstr(err, line))
        fail_msg("stderr lacks the gnuplot line:\n%s", err);
    free(err);
    const char *figures[] = {"timeseries_few", "timeseries_many", "costs_by_sector",
                             "equity_few"};
    for (size_t i = 0; i < sizeof figures / sizeof *figures; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s.dat", figures[i]);
        assert_true(file_size(dir, name) > 0);
        snprintf(name, sizeof name, "%s.gp", figures[i]);
        assert_true(file_size(dir, name) > 0);
        snprintf(name, sizeof name, "%s.png", figures[i]);
        assert_true(file_size(dir, name) < 0);
    }
}

/* ---- (c) not a results file ------------------------------------------------------------- */

/* A file that is not a caresim results file (or is missing) gives one message naming it
 * and the exit status of `caresim report` for the same file (1), and no directory. */
static void test_plot_file_that_is_not_results_exits_as_report_does(void **state)
{
    struct scratch *s = *state;
    char bogus[160], dir[160], missing[160];
    snprintf(bogus, sizeof bogus, "%s/notes.h5", s->dir);
    snprintf(missing, sizeof missing, "%s/missing.h5", s->dir);
    snprintf(dir, sizeof dir, "%s/plots", s->dir);
    assert_int_equal(testutil_write_text(bogus, "these are not results\n"), 0);
    const char *paths[] = {bogus, missing};
    for (size_t i = 0; i < 2; i++) {
        const char *args[] = {paths[i], "-o", dir, NULL};
        int rc = plot_cmd(s, args);
        assert_int_equal(rc, CLI_EXIT_FAIL);
        char *err = testutil_slurp(s->err_txt, NULL);
        assert_non_null(strstr(err, "caresim plot: "));
        assert_non_null(strstr(err, paths[i]));
        assert_null(strchr(strchr(err, '\n') + 1, '\n')); /* one line */
        free(err);
        const char *rargs[] = {paths[i], NULL};
        assert_int_equal(run_cmd(s, cli_report, "report", rargs), rc);
        assert_false(file_exists(dir));
    }
}

/* ---- (d) SVG ----------------------------------------------------------------------------- */

/* --format svg writes .svg images that are SVG documents, and no .png. */
static void test_plot_svg_format_writes_svg_documents(void **state)
{
    struct scratch *s = *state;
    char syn[160], dir[160];
    write_synthetic(s, syn, sizeof syn);
    snprintf(dir, sizeof dir, "%s/svg", s->dir);
    const char *args[] = {syn, "-o", dir, "--format", "svg", NULL};
    int rc = plot_cmd(s, args);
    if (!images_checked()) {
        assert_int_equal(rc, CLI_EXIT_FAIL);
        return;
    }
    expect_success(s, rc, "plot --format svg");
    const char *figures[] = {"timeseries_few", "timeseries_many", "costs_by_sector",
                             "equity_few"};
    for (size_t i = 0; i < sizeof figures / sizeof *figures; i++) {
        char path[300], png[64];
        snprintf(path, sizeof path, "%s/%s.svg", dir, figures[i]);
        char *text = testutil_slurp(path, NULL);
        if (strncmp(text, "<?xml", 5) != 0 && strncmp(text, "<svg", 4) != 0)
            fail_msg("%s does not start as an SVG document", path);
        assert_non_null(strstr(text, "</svg>"));
        free(text);
        snprintf(png, sizeof png, "%s.png", figures[i]);
        assert_true(file_size(dir, png) < 0);
    }
}

/* ---- the numbers of the figures -------------------------------------------------------------- */

/* With 10 replications the band of a month is the 10th to 90th percentile of its values
 * (linear interpolation); the mean is their mean; a month with no value is NaN. */
static void test_plot_timeseries_band_is_10th_to_90th_percentile_from_10_replications(
    void **state)
{
    struct scratch *s = *state;
    char syn[160], dir[160];
    write_synthetic(s, syn, sizeof syn);
    snprintf(dir, sizeof dir, "%s/ts", s->dir);
    const char *args[] = {syn, "-o", dir, "--scenario", "many", NULL};
    plot_cmd(s, args);
    struct dat *d = read_dat(dir, "timeseries_many.dat");
    assert_int_equal(d->n_rows, 4);
    for (size_t m = 1; m <= 4; m++) {
        size_t r = m - 1;
        double base = 0.5 + 0.1 * (double)m; /* + 0.01 x replication 0..9 */
        assert_near(dat_num(d, r, "month"), (double)m, 0);
        assert_near(dat_num(d, r, "year"), (double)m / 12.0, 1e-9);
        assert_near(dat_num(d, r, "bed_occupancy_mean"), base + 0.045, 1e-9);
        /* 10th percentile: 0.9 of the way from the 1st to the 2nd smallest. */
        assert_near(dat_num(d, r, "bed_occupancy_low"), base + 0.009, 1e-9);
        assert_near(dat_num(d, r, "bed_occupancy_high"), base + 0.081, 1e-9);
        assert_near(dat_num(d, r, "wait_gp_days_mean"), 6.5, 1e-9);
        assert_near(dat_num(d, r, "wait_gp_days_low"), 2.9, 1e-9);
        assert_near(dat_num(d, r, "wait_gp_days_high"), 10.1, 1e-9);
        assert_near(dat_num(d, r, "replications"), 10, 0);
        if (m == 2)
            assert_string_equal(d->words[r][dat_col(d, "wait_specialist_days_mean")], "NaN");
        else
            assert_near(dat_num(d, r, "wait_specialist_days_high"), 20.0 + (double)m, 1e-9);
    }
    dat_free(d);
    /* The script says which band it draws. */
    char path[300];
    snprintf(path, sizeof path, "%s/timeseries_many.gp", dir);
    char *script = testutil_slurp(path, NULL);
    assert_non_null(strstr(script, "10th to 90th percentile"));
    free(script);
    /* --scenario: only that scenario's figures. */
    assert_true(file_size(dir, "timeseries_few.dat") < 0);
    assert_true(file_size(dir, "equity_few.dat") < 0);
}

/* With fewer than 10 replications the band is the lowest to highest value. */
static void test_plot_timeseries_band_is_min_to_max_below_10_replications(void **state)
{
    struct scratch *s = *state;
    char syn[160], dir[160];
    write_synthetic(s, syn, sizeof syn);
    snprintf(dir, sizeof dir, "%s/ts", s->dir);
    const char *args[] = {syn, "-o", dir, "-s", "few", NULL};
    plot_cmd(s, args);
    struct dat *d = read_dat(dir, "timeseries_few.dat");
    assert_int_equal(d->n_rows, 4);
    for (size_t r = 0; r < 4; r++) {
        double base = 0.5 + 0.1 * (double)(r + 1);
        assert_near(dat_num(d, r, "bed_occupancy_mean"), base + 0.01, 1e-9);
        assert_near(dat_num(d, r, "bed_occupancy_low"), base, 1e-9);
        assert_near(dat_num(d, r, "bed_occupancy_high"), base + 0.02, 1e-9);
        assert_near(dat_num(d, r, "wait_gp_days_low"), 2, 1e-9);
        assert_near(dat_num(d, r, "wait_gp_days_high"), 4, 1e-9);
    }
    dat_free(d);
    char path[300];
    snprintf(path, sizeof path, "%s/timeseries_few.gp", dir);
    char *script = testutil_slurp(path, NULL);
    assert_non_null(strstr(script, "lowest to highest value"));
    free(script);
}

/* The equity figure sums visits, QALYs and life-years over age bands and replications
 * before dividing (a mean of the per-group ratios would differ). */
static void test_plot_equity_sums_counts_and_life_years_before_dividing(void **state)
{
    struct scratch *s = *state;
    char syn[160], dir[160];
    write_synthetic(s, syn, sizeof syn);
    snprintf(dir, sizeof dir, "%s/eq", s->dir);
    const char *args[] = {syn, "-o", dir, NULL};
    plot_cmd(s, args);
    struct dat *d = read_dat(dir, "equity_few.dat");
    assert_int_equal(d->n_rows, 5);
    /* Over bands b = 0..8 and replications r = 0, 1: life-years 2 x sum(10 + b) = 2 x 126,
     * GP visits q x sum(b + 1) x (1 + 2) = 135 q, QALYs (0.9 - 0.02 q) x 252. */
    for (int q = 1; q <= 5; q++) {
        size_t r = (size_t)q - 1;
        assert_near(dat_num(d, r, "quintile"), q, 0);
        assert_near(dat_num(d, r, "life_years"), 126, 1e-9);          /* per replication */
        assert_near(dat_num(d, r, "gp_visits"), 135.0 * q / 2, 1e-9); /* per replication */
        assert_rel_near(dat_num(d, r, "gp_visits_per_life_year"), 135.0 * q / 252, 1e-8);
        assert_rel_near(dat_num(d, r, "qalys_per_life_year"), 0.9 - 0.02 * q, 1e-8);
    }
    dat_free(d);
    /* "many" has no by_group table: skipped with a note. */
    assert_true(file_size(dir, "equity_many.dat") < 0);
    char *err = testutil_slurp(s->err_txt, NULL);
    assert_non_null(strstr(err, "skipping equity_many"));
    free(err);
    /* The cost axis names the scenarios' currency (economics.currency). */
    char path[300];
    snprintf(path, sizeof path, "%s/costs_by_sector.gp", dir);
    char *script = testutil_slurp(path, NULL);
    assert_non_null(strstr(script, "cost per person-year (EUR)"));
    free(script);
    struct dat *c = read_dat(dir, "costs_by_sector.dat");
    /* few: mean primary cost 1100 over mean person-years 10.5. */
    assert_near(dat_num(c, 0, "cost_primary"), 1100 / 10.5, 1e-6);
    dat_free(c);
}

/* ---- the command line ---------------------------------------------------------------------- */

/* Without -o the figures go to plots/<name>/ beside the results file. */
static void test_plot_default_directory_is_plots_beside_the_results_file(void **state)
{
    struct scratch *s = *state;
    char syn[160], expected[200];
    write_synthetic(s, syn, sizeof syn);
    snprintf(expected, sizeof expected, "%s/plots/syn", s->dir);
    const char *args[] = {syn, NULL};
    plot_cmd(s, args);
    assert_true(file_size(expected, "costs_by_sector.gp") > 0);
    assert_true(file_size(expected, "timeseries_few.dat") > 0);
    char *out = testutil_slurp(s->out_txt, NULL);
    if (images_checked())
        assert_non_null(strstr(out, expected));
    free(out);
}

static void test_plot_bad_command_lines_and_unknown_scenarios_exit_2(void **state)
{
    struct scratch *s = *state;
    char syn[160], dir[160];
    write_synthetic(s, syn, sizeof syn);
    snprintf(dir, sizeof dir, "%s/never", s->dir);
    const char *no_file[] = {"-o", dir, NULL};
    const char *bad_format[] = {syn, "-o", dir, "--format", "jpeg", NULL};
    const char *unknown[] = {syn, "-o", dir, "--frobnicate", NULL};
    const char *two_files[] = {syn, syn, "-o", dir, NULL};
    const char *no_value[] = {syn, "-o", NULL};
    const char *const *cases[] = {no_file, bad_format, unknown, two_files, no_value};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_int_equal(plot_cmd(s, cases[i]), CLI_EXIT_USAGE);
    const char *no_scenario[] = {syn, "-o", dir, "--scenario", "nope", NULL};
    assert_int_equal(plot_cmd(s, no_scenario), CLI_EXIT_USAGE);
    char *err = testutil_slurp(s->err_txt, NULL);
    assert_non_null(strstr(err, "no scenario 'nope'; available: few many"));
    free(err);
    assert_false(file_exists(dir));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_plot_compare_file_writes_data_scripts_and_images_of_every_figure),
        T(test_plot_costs_by_sector_are_summary_means_per_person_year),
        T(test_plot_comparison_shows_relative_changes_with_their_ci),
        T(test_plot_without_gnuplot_exits_1_and_still_writes_scripts),
        T(test_plot_file_that_is_not_results_exits_as_report_does),
        T(test_plot_svg_format_writes_svg_documents),
        T(test_plot_timeseries_band_is_10th_to_90th_percentile_from_10_replications),
        T(test_plot_timeseries_band_is_min_to_max_below_10_replications),
        T(test_plot_equity_sums_counts_and_life_years_before_dividing),
        T(test_plot_default_directory_is_plots_beside_the_results_file),
        T(test_plot_bad_command_lines_and_unknown_scenarios_exit_2),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
