/* tests/test_sweep.c — tests of `caresim sweep` (cli/sweep.c) and of its figures in `caresim
 * plot` (cli/plot.c). The commands run in-process through cli_sweep(), cli_run() and
 * cli_plot() with stdout and stderr redirected to files; the results files are read back
 * through output/. Scenarios are written to a temporary directory under /tmp (removed
 * afterwards): "t" (defaults except 1000 persons, half a year of warm-up, one year
 * recorded, 2 replications, seed 11) and "d", the same with distributions on
 * costs.ed_attendance and hospital.relapse_rate (for --oneway without --vary). The sweeps
 * that several tests read are made on first use and shared.
 * The images need gnuplot on PATH; without it the plot tests check the data files and
 * scripts only, with a printed note.
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
#include "models/params.h"
#include "output/results.h"
#include "sim/config.h"
#include "sim/err.h"
#include "sim/stats.h"

#define T_TEXT                                                                             \
    "name = \"t\";\n"                                                                      \
    "run = { population = 1000; horizon_years = 1.0; warmup_years = 0.5;\n"                \
    "        replications = 2; seed = 11; };\n"
#define T_REPS 2
#define D_TEXT                                                                             \
    "base = \"t.cfg\";\n"                                                                  \
    "name = \"d\";\n"                                                                      \
    "costs = { ed_attendance = { dist = \"gamma\"; mean = 148.0; sd = 30.0; }; };\n"       \
    "hospital = { relapse_rate = { dist = \"normal\"; mean = 2.5; sd = 0.4; }; };\n"
#define D_KEYS 2

/* The main outcomes of the tornado table, in its order (cli/sweep.c). */
static const int main_outcomes[] = {
    OUTC_COST_TOTAL_DISC, OUTC_QALYS_DISC,    OUTC_EMERGENCY_ADMISSIONS,
    OUTC_GP_VISITS,       OUTC_BED_OCCUPANCY, OUTC_MEAN_WAIT_GP,
};
#define N_MAIN (sizeof main_outcomes / sizeof *main_outcomes)

/* ---- temporary directories ------------------------------------------------------------- */

struct scratch {
    char dir[64];      /* the temporary directory */
    char t[128];       /* <dir>/t.cfg */
    char d[128];       /* <dir>/d.cfg */
    char out_txt[128]; /* captured stdout of the last command */
    char err_txt[128]; /* captured stderr of the last command */
};

static int scratch_init(struct scratch *s)
{
    snprintf(s->dir, sizeof s->dir, "/tmp/caresim-test-sweep-XXXXXX");
    if (!mkdtemp(s->dir))
        return -1;
    snprintf(s->t, sizeof s->t, "%s/t.cfg", s->dir);
    snprintf(s->d, sizeof s->d, "%s/d.cfg", s->dir);
    snprintf(s->out_txt, sizeof s->out_txt, "%s/stdout.txt", s->dir);
    snprintf(s->err_txt, sizeof s->err_txt, "%s/stderr.txt", s->dir);
    return testutil_write_text(s->t, T_TEXT) || testutil_write_text(s->d, D_TEXT) ? -1 : 0;
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

static int run_cmd(const struct scratch *s, int (*cmd)(int, char **), const char *name,
                   const char *const *args)
{
    return testutil_run_args(cmd, name, args, s->out_txt, s->err_txt);
}

static int sweep_cmd(const struct scratch *s, const char *const *args)
{
    return run_cmd(s, cli_sweep, "sweep", args);
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

static long file_size(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Whether gnuplot is on PATH (as `caresim plot` looks for it). */
static int have_gnuplot(void)
{
    static int known, have;
    if (known)
        return have;
    known = 1;
    const char *path = getenv("PATH");
    char *copy = path ? strdup(path) : NULL;
    for (char *save = NULL, *d = copy ? strtok_r(copy, ":", &save) : NULL; d && !have;
         d = strtok_r(NULL, ":", &save)) {
        char exe[1024];
        snprintf(exe, sizeof exe, "%s/gnuplot", d);
        have = access(exe, X_OK) == 0;
    }
    free(copy);
    if (!have)
        printf("note: gnuplot is not on PATH: the checks of the images are skipped\n");
    return have;
}

/* ---- reading the file -------------------------------------------------------------------- */

static struct out_file *open_file(const char *path)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(path, &e);
    if (!f)
        fail_msg("%s", e.msg);
    return f;
}

static struct out_table *read_table(const char *path, const char *dataset)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = open_file(path);
    struct out_table *t = NULL;
    if (out_file_read_table(f, dataset, &t, &e) != 0)
        fail_msg("%s", e.msg);
    out_file_close(f);
    return t;
}

static struct out_outcome_table *read_tornado(const char *path)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = open_file(path);
    struct out_outcome_table *t = NULL;
    if (out_file_read_outcome_table(f, "/sweep/tornado", &t, &e) != 0)
        fail_msg("%s", e.msg);
    out_file_close(f);
    return t;
}

static double attr_number(const char *path, const char *object, const char *name)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = open_file(path);
    double v = 0;
    if (out_file_read_attr_number(f, object, name, &v, &e) != 0)
        fail_msg("%s", e.msg);
    out_file_close(f);
    return v;
}

static char *attr_text(const char *path, const char *object, const char *name)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = open_file(path);
    char *v = NULL;
    if (out_file_read_attr_text(f, object, name, &v, &e) != 0)
        fail_msg("%s", e.msg);
    out_file_close(f);
    return v;
}

static char **attr_strings(const char *path, const char *object, const char *name, size_t *n)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = open_file(path);
    char **v = NULL;
    if (out_file_read_attr_strings(f, object, name, &v, n, &e) != 0)
        fail_msg("%s", e.msg);
    out_file_close(f);
    return v;
}

/* Index of a column; fails the test when it is missing. */
static size_t column(const struct out_table *t, const char *name)
{
    for (size_t c = 0; c < t->n_cols; c++)
        if (strcmp(t->cols[c].name, name) == 0)
            return c;
    fail_msg("no column %s in %s", name, t->name);
    return 0;
}

static double cell(const struct out_table *t, size_t row, const char *name)
{
    return t->values[row * t->n_cols + column(t, name)];
}

static size_t field(const struct out_outcome_table *t, const char *name)
{
    for (size_t i = 0; i < t->n_fields; i++)
        if (strcmp(t->fields[i].name, name) == 0)
            return i;
    fail_msg("no field %s in %s", name, t->name);
    return 0;
}

static double tvalue(const struct out_outcome_table *t, size_t row, const char *name)
{
    return t->values[row * t->n_fields + field(t, name)];
}

/* Same double, NaN equal to NaN. */
static int same_double(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

/* Fails unless the two files hold the same dataset bit for bit. */
static void expect_same_table(const char *a_path, const char *b_path, const char *dataset)
{
    struct out_table *a = read_table(a_path, dataset), *b = read_table(b_path, dataset);
    assert_int_equal(a->n_rows, b->n_rows);
    assert_int_equal(a->n_cols, b->n_cols);
    for (size_t i = 0; i < a->n_rows * a->n_cols; i++)
        if (!same_double(a->values[i], b->values[i]))
            fail_msg("%s differs at value %zu: %.17g and %.17g", dataset, i, a->values[i],
                     b->values[i]);
    out_table_destroy(a);
    out_table_destroy(b);
}

/* ---- the shared sweeps ------------------------------------------------------------------- */

/* grid: t over costs.ed_attendance 100, 200, 300 and run.population 800, 1000; oneway: d
 * over its two distributions; each with -j 1 and -j 2; and `caresim run d`. */
static struct {
    int done;
    struct scratch s;
    char grid[2][160], oneway[2][160], run[160];
    char *grid_out, *oneway_out; /* stdout of the -j 1 sweeps */
} shared;

static void shared_free(void)
{
    scratch_fini(&shared.s);
    free(shared.grid_out);
    free(shared.oneway_out);
    out_library_close();
}

static void shared_runs(void)
{
    if (shared.done)
        return;
    struct scratch *s = &shared.s;
    assert_int_equal(scratch_init(s), 0);
    atexit(shared_free);
    static const char *const threads[2] = {"1", "2"};
    for (int i = 0; i < 2; i++) {
        snprintf(shared.grid[i], sizeof shared.grid[i], "%s/grid_j%s.h5", s->dir, threads[i]);
        const char *g[] = {s->t, "--vary", "costs.ed_attendance=100:300:100", "--vary",
                           "run.population=800:1000:200", "-j", threads[i], "-o",
                           shared.grid[i], "--quiet", NULL};
        expect_success(s, sweep_cmd(s, g), "sweep grid");
        if (i == 0)
            shared.grid_out = testutil_slurp(s->out_txt, NULL);
        snprintf(shared.oneway[i], sizeof shared.oneway[i], "%s/oneway_j%s.h5", s->dir,
                 threads[i]);
        const char *o[] = {s->d, "--oneway", "-j", threads[i], "-o", shared.oneway[i],
                           "--quiet", NULL};
        expect_success(s, sweep_cmd(s, o), "sweep --oneway");
        if (i == 0)
            shared.oneway_out = testutil_slurp(s->out_txt, NULL);
    }
    snprintf(shared.run, sizeof shared.run, "%s/run.h5", s->dir);
    const char *r[] = {s->d, "-o", shared.run, "--quiet", NULL};
    expect_success(s, run_cmd(s, cli_run, "run", r), "run d");
    shared.done = 1;
}

/* ---- the grid ----------------------------------------------------------------------------- */

/* The grid is every combination of the keys' values, the first key varying slowest; each
 * point's values are in /sweep/points and took effect (persons_start is the population). */
static void test_sweep_grid_file_has_every_point_and_its_values(void **state)
{
    (void)state;
    shared_runs();
    const char *path = shared.grid[0];
    char *mode = attr_text(path, "/sweep", "mode");
    assert_string_equal(mode, "grid");
    free(mode);
    assert_true(attr_number(path, "/sweep", "replications") == T_REPS);
    assert_true(attr_number(path, "/sweep", "points") == 6);
    size_t nkeys;
    char **keys = attr_strings(path, "/sweep", "keys", &nkeys);
    assert_int_equal(nkeys, 2);
    assert_string_equal(keys[0], "costs.ed_attendance");
    assert_string_equal(keys[1], "run.population");
    free(keys);

    struct out_table *pts = read_table(path, "/sweep/points");
    assert_int_equal(pts->n_rows, 6);
    assert_int_equal(pts->n_cols, 3);
    assert_string_equal(pts->cols[0].name, "point");
    assert_string_equal(pts->cols[1].unit, "currency");
    assert_string_equal(pts->cols[2].unit, "persons");
    const double expect[6][2] = {{100, 800}, {100, 1000}, {200, 800},
                                 {200, 1000}, {300, 800}, {300, 1000}};
    for (size_t p = 0; p < 6; p++) {
        assert_true(cell(pts, p, "point") == (double)p);
        assert_true(cell(pts, p, "costs.ed_attendance") == expect[p][0]);
        assert_true(cell(pts, p, "run.population") == expect[p][1]);
    }

    /* Replications: point, replication, every outcome; means and half-widths from them. */
    struct out_table *reps = read_table(path, "/sweep/replications");
    struct out_table *mean = read_table(path, "/sweep/outcomes");
    struct out_table *half = read_table(path, "/sweep/ci_halfwidth");
    assert_int_equal(reps->n_rows, 6 * T_REPS);
    assert_int_equal(reps->n_cols, 2 + OUTC_COUNT);
    assert_int_equal(mean->n_rows, 6);
    assert_int_equal(mean->n_cols, 1 + OUTC_COUNT);
    assert_int_equal(half->n_cols, 1 + OUTC_COUNT);
    for (size_t u = 0; u < reps->n_rows; u++) {
        assert_true(cell(reps, u, "point") == (double)(u / T_REPS));
        assert_true(cell(reps, u, "replication") == (double)(u % T_REPS));
        assert_true(cell(reps, u, "persons_start") == expect[u / T_REPS][1]);
    }
    for (size_t p = 0; p < 6; p++)
        for (int c = 0; c < OUTC_COUNT; c++) {
            struct sim_welford w;
            sim_welford_init(&w);
            for (size_t r = 0; r < T_REPS; r++) {
                double x = reps->values[(p * T_REPS + r) * reps->n_cols + 2 + (size_t)c];
                if (!isnan(x))
                    sim_welford_add(&w, x);
            }
            double m = mean->values[p * mean->n_cols + 1 + (size_t)c];
            double h = half->values[p * half->n_cols + 1 + (size_t)c];
            if (!same_double(m, sim_welford_mean(&w)) ||
                !same_double(h, sim_welford_ci_halfwidth(&w, 0.95)))
                fail_msg("point %zu, %s: mean %.17g half-width %.17g", p, mean->cols[1 + c].name,
                         m, h);
        }
    out_table_destroy(pts);
    out_table_destroy(reps);
    out_table_destroy(mean);
    out_table_destroy(half);

    /* The scenario's config is there; the terminal shows the points. */
    struct sim_err e;
    struct out_file *f = open_file(path);
    char *text = NULL;
    assert_int_equal(out_file_read_config(f, "t", &text, &e), 0);
    assert_non_null(strstr(text, "population = 1000;"));
    free(text);
    out_file_close(f);
    assert_non_null(strstr(shared.grid_out, "grid of 6 points over 2 keys"));
    assert_non_null(strstr(shared.grid_out, "\npoint  costs.ed_attendance  run.population"));
}

/* Grid values are LO, LO + STEP, ... up to HI within rounding, without rounding noise:
 * 0.1:0.4:0.1 gives 0.1, 0.2, 0.3, 0.4 (not 0.30000000000000004), each loaded as typed. */
static void test_sweep_grid_values_reach_hi_within_rounding(void **state)
{
    struct scratch *s = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/steps.h5", s->dir);
    const char *args[] = {s->t, "--vary", "utility.admission_qaly_loss=0.1:0.4:0.1",
                          "--set", "run.population=300", "-r", "1", "-o", out, "--quiet",
                          NULL};
    expect_success(s, sweep_cmd(s, args), "sweep 0.1:0.4:0.1");
    struct out_table *pts = read_table(out, "/sweep/points");
    assert_int_equal(pts->n_rows, 4);
    const double expect[4] = {0.1, 0.2, 0.3, 0.4};
    for (size_t p = 0; p < 4; p++)
        if (cell(pts, p, "utility.admission_qaly_loss") != expect[p])
            fail_msg("point %zu: %.17g", p, cell(pts, p, "utility.admission_qaly_loss"));
    out_table_destroy(pts);
}

/* ---- common random numbers ----------------------------------------------------------------- */

/* The base point of --oneway is the scenario as it is, run on the same seed and replication
 * indices as `caresim run`: its outcomes are bit for bit those of the run. */
static void test_sweep_oneway_base_point_is_bit_identical_to_run(void **state)
{
    (void)state;
    shared_runs();
    struct out_table *run = read_table(shared.run, "/scenarios/d/replications");
    struct out_table *sw = read_table(shared.oneway[0], "/sweep/replications");
    assert_int_equal(run->n_rows, T_REPS);
    assert_int_equal(run->n_cols, OUTC_COUNT);
    for (size_t r = 0; r < T_REPS; r++) {
        assert_true(cell(sw, r, "point") == 0);
        for (int c = 0; c < OUTC_COUNT; c++) {
            double a = run->values[r * OUTC_COUNT + (size_t)c];
            double b = sw->values[r * sw->n_cols + 2 + (size_t)c];
            if (!same_double(a, b))
                fail_msg("replication %zu, %s: run %.17g, sweep %.17g", r, run->cols[c].name, a,
                         b);
        }
    }
    out_table_destroy(run);
    out_table_destroy(sw);
}

/* Doubling a pure unit cost on common random numbers doubles that sector's cost exactly
 * (costs are whole cents) and changes nothing but the money that includes it. */
static void test_sweep_doubling_the_ed_unit_cost_doubles_the_ed_cost_exactly(void **state)
{
    struct scratch *s = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/ed.h5", s->dir);
    const char *args[] = {s->t, "--vary", "costs.ed_attendance=148:296:148", "-o", out,
                          "--quiet", NULL};
    expect_success(s, sweep_cmd(s, args), "sweep costs.ed_attendance");
    struct out_table *reps = read_table(out, "/sweep/replications");
    assert_int_equal(reps->n_rows, 2 * T_REPS);
    /* The columns the ED's unit cost enters. */
    const int money[] = {OUTC_COST_ED, OUTC_COST_TOTAL, OUTC_COST_TOTAL_DISC,
                         OUTC_COST_PER_PERSON_YEAR, OUTC_MARGIN_HOSPITAL};
    for (size_t r = 0; r < T_REPS; r++) {
        const double *lo = reps->values + r * reps->n_cols + 2;
        const double *hi = reps->values + (T_REPS + r) * reps->n_cols + 2;
        assert_true(lo[OUTC_COST_ED] > 0);
        if (hi[OUTC_COST_ED] != 2 * lo[OUTC_COST_ED])
            fail_msg("replication %zu: cost_ed %.17g at 296, %.17g at 148", r, hi[OUTC_COST_ED],
                     lo[OUTC_COST_ED]);
        assert_near(hi[OUTC_COST_TOTAL] - lo[OUTC_COST_TOTAL], lo[OUTC_COST_ED], 1e-6);
        assert_near(lo[OUTC_MARGIN_HOSPITAL] - hi[OUTC_MARGIN_HOSPITAL], lo[OUTC_COST_ED], 1e-6);
        for (int c = 0; c < OUTC_COUNT; c++) {
            int is_money = 0;
            for (size_t k = 0; k < sizeof money / sizeof *money; k++)
                is_money |= c == money[k];
            if (!is_money && !same_double(lo[c], hi[c]))
                fail_msg("replication %zu, %s: %.17g at 148, %.17g at 296", r,
                         reps->cols[2 + c].name, lo[c], hi[c]);
        }
    }
    out_table_destroy(reps);
}

/* The file is the same whatever the number of threads: every table of /sweep, bit for bit. */
static void test_sweep_threads_give_identical_sweep_tables(void **state)
{
    (void)state;
    shared_runs();
    const char *tables[] = {"/sweep/points", "/sweep/replications", "/sweep/outcomes",
                            "/sweep/ci_halfwidth"};
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        expect_same_table(shared.grid[0], shared.grid[1], tables[i]);
        expect_same_table(shared.oneway[0], shared.oneway[1], tables[i]);
    }
    struct out_outcome_table *a = read_tornado(shared.oneway[0]);
    struct out_outcome_table *b = read_tornado(shared.oneway[1]);
    assert_int_equal(a->n_rows * a->n_fields, b->n_rows * b->n_fields);
    for (size_t i = 0; i < a->n_rows * a->n_fields; i++)
        assert_true(same_double(a->values[i], b->values[i]));
    out_outcome_table_destroy(a);
    out_outcome_table_destroy(b);
    assert_true(attr_number(shared.grid[1], "/", "threads") == 2);
}

/* ---- one-way -------------------------------------------------------------------------------- */

/* Without --vary, --oneway varies every distribution-valued key between its 2.5% and 97.5%
 * quantiles: point 0 the base, then each key low and high, the others at their means. */
static void test_sweep_oneway_varies_each_distribution_between_its_quantiles(void **state)
{
    (void)state;
    shared_runs();
    const char *path = shared.oneway[0];
    struct sim_cfg *cfg = cli_load_scenario(shared.s.d, NULL, 0, stderr);
    assert_non_null(cfg);
    size_t idx[D_KEYS];
    assert_int_equal(sim_cfg_dist_keys(cfg, idx, D_KEYS), D_KEYS);
    const struct sim_cfg_schema *schema = sim_cfg_schema(cfg);

    char *mode = attr_text(path, "/sweep", "mode"), *ranges = attr_text(path, "/sweep", "ranges");
    assert_string_equal(mode, "oneway");
    assert_string_equal(ranges, "quantiles_0.025_0.975");
    free(mode);
    free(ranges);
    size_t nkeys;
    char **keys = attr_strings(path, "/sweep", "keys", &nkeys);
    assert_int_equal(nkeys, D_KEYS);
    struct out_table *pts = read_table(path, "/sweep/points");
    assert_int_equal(pts->n_rows, 1 + 2 * D_KEYS);
    for (size_t j = 0; j < D_KEYS; j++) {
        const char *name = schema->keys[idx[j]].path;
        assert_string_equal(keys[j], name);
        double lo = sim_cfg_quantile(cfg, idx[j], 0.025), hi = sim_cfg_quantile(cfg, idx[j], 0.975);
        double mean = sim_cfg_get_float(cfg, idx[j]);
        assert_true(lo < mean && mean < hi);
        for (size_t p = 0; p < pts->n_rows; p++) {
            double expect = p == 1 + 2 * j ? lo : p == 2 + 2 * j ? hi : mean;
            if (cell(pts, p, name) != expect)
                fail_msg("point %zu, %s: %.17g, expected %.17g", p, name, cell(pts, p, name),
                         expect);
        }
    }
    for (size_t p = 0; p < pts->n_rows; p++) {
        assert_true(cell(pts, p, "varied") == (p == 0 ? -1.0 : (double)((p - 1) / 2)));
        assert_true(cell(pts, p, "side") == (p == 0 ? -1.0 : (double)((p - 1) % 2)));
    }
    free(keys);
    out_table_destroy(pts);
    sim_cfg_destroy(cfg);
    /* The terminal shows the text tornado of cost and QALYs. */
    assert_non_null(strstr(shared.oneway_out, "\ntornado of cost_total_disc ("));
    assert_non_null(strstr(shared.oneway_out, "\ntornado of qalys_disc ("));
}

/* /sweep/tornado: one row per main outcome and key, grouped by outcome, largest swing first;
 * each row's numbers are those of /sweep/outcomes at the base, low and high points. */
static void test_sweep_tornado_rows_are_sorted_by_swing_within_each_outcome(void **state)
{
    (void)state;
    shared_runs();
    const char *path = shared.oneway[0];
    struct out_outcome_table *t = read_tornado(path);
    struct out_table *mean = read_table(path, "/sweep/outcomes");
    struct out_table *pts = read_table(path, "/sweep/points");
    size_t nkeys;
    char **keys = attr_strings(path, "/sweep", "keys", &nkeys);
    assert_int_equal(t->n_rows, N_MAIN * D_KEYS);
    int some_swing = 0;
    for (size_t o = 0; o < N_MAIN; o++) {
        struct outc_info info;
        assert_int_equal(outc_column_info(main_outcomes[o], &info, NULL), 0);
        for (size_t j = 0; j < D_KEYS; j++) {
            size_t r = o * D_KEYS + j;
            assert_string_equal(t->outcomes[r], info.name);
            assert_string_equal(t->units[r], info.unit);
            double k = tvalue(t, r, "varied");
            assert_true(k >= 0 && k < D_KEYS && k == floor(k));
            size_t lo_pt = 1 + 2 * (size_t)k, hi_pt = 2 + 2 * (size_t)k;
            const char *key = keys[(size_t)k];
            assert_true(tvalue(t, r, "low_value") == cell(pts, lo_pt, key));
            assert_true(tvalue(t, r, "high_value") == cell(pts, hi_pt, key));
            double at_lo = tvalue(t, r, "at_low"), at_hi = tvalue(t, r, "at_high");
            assert_true(same_double(at_lo, cell(mean, lo_pt, info.name)));
            assert_true(same_double(at_hi, cell(mean, hi_pt, info.name)));
            assert_true(same_double(tvalue(t, r, "at_base"), cell(mean, 0, info.name)));
            double swing = tvalue(t, r, "swing");
            assert_true(same_double(swing, fabs(at_hi - at_lo)));
            some_swing |= swing > 0;
            if (j > 0 && tvalue(t, r - 1, "swing") < swing)
                fail_msg("%s: swing %g after %g", info.name, swing, tvalue(t, r - 1, "swing"));
        }
    }
    assert_true(some_swing);
    free(keys);
    out_outcome_table_destroy(t);
    out_table_destroy(mean);
    out_table_destroy(pts);
}

/* --oneway --vary KEY=LO:HI uses the ranges given, in the order given. */
static void test_sweep_oneway_uses_the_ranges_given(void **state)
{
    struct scratch *s = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/given.h5", s->dir);
    const char *args[] = {s->t, "--oneway", "--vary", "run.population=300:500", "--vary",
                          "costs.gp_visit=30:50", "-r", "1", "-o", out, "--quiet", NULL};
    expect_success(s, sweep_cmd(s, args), "sweep --oneway --vary");
    char *ranges = attr_text(out, "/sweep", "ranges");
    assert_string_equal(ranges, "given");
    free(ranges);
    struct out_table *pts = read_table(out, "/sweep/points");
    assert_int_equal(pts->n_rows, 5);
    const double pop[5] = {1000, 300, 500, 1000, 1000}, gp[5] = {39, 39, 39, 30, 50};
    for (size_t p = 0; p < 5; p++) {
        assert_true(cell(pts, p, "run.population") == pop[p]);
        assert_true(cell(pts, p, "costs.gp_visit") == gp[p]);
    }
    out_table_destroy(pts);
}

/* ---- failures and the command line ----------------------------------------------------------- */

static void test_sweep_bad_vary_forms_exit_2_with_a_clear_message(void **state)
{
    struct scratch *s = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/never.h5", s->dir);
    static const struct {
        const char *vary;  /* the --vary value ("" for none) */
        int oneway;        /* with --oneway */
        const char *message;
    } cases[] = {
        {"costs.ed_attendance", 0, "--vary 'costs.ed_attendance': expected KEY=LO:HI:STEP"},
        {"costs.ed_attendance=300:100:100", 0, "LO (300) is greater than HI (100)"},
        {"costs.ed_attendance=100:300:0", 0, "STEP must be > 0 (got 0)"},
        {"costs.ed_attendance=100:300:-5", 0, "STEP must be > 0 (got -5)"},
        {"costs.no_such_thing=1:2:1", 0, "unknown key 'costs.no_such_thing'"},
        {"name=1:2:1", 0, "name is a string key; only numeric keys"},
        {"run.population=1:20000:1", 0, "20000 values; a sweep runs at most 10000 points"},
        {"costs.ed_attendance=abc:300:100", 0, "LO 'abc' is not a number"},
        {"costs.ed_attendance=100:300", 0, "a grid needs a step"},
        {"run.population=500.5:900:100", 0, "run.population is an integer key"},
        {"run.seed=1:3:1", 0, "run.seed cannot be varied"},
        {"costs.ed_attendance=100:300:100", 1, "--oneway takes a low and a high value"},
        {"", 0, "missing --vary KEY=LO:HI:STEP (or --oneway)"},
        {"", 1, "has no key holding a distribution"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *args[12];
        size_t n = 0;
        args[n++] = s->t;
        if (cases[i].vary[0]) {
            args[n++] = "--vary";
            args[n++] = cases[i].vary;
        }
        if (cases[i].oneway)
            args[n++] = "--oneway";
        args[n++] = "-o";
        args[n++] = out;
        args[n] = NULL;
        int rc = sweep_cmd(s, args);
        char *err = testutil_slurp(s->err_txt, NULL);
        if (rc != CLI_EXIT_USAGE || !strstr(err, cases[i].message))
            fail_msg("--vary '%s'%s: exit %d, stderr:\n%s(expected \"%s\")", cases[i].vary,
                     cases[i].oneway ? " --oneway" : "", rc, err, cases[i].message);
        free(err);
    }
    /* Too many points in all, though each key's values are few enough. */
    const char *many[] = {s->t, "--vary", "run.population=100:10000:100", "--vary",
                          "costs.ed_attendance=1:200:1", "-o", out, NULL};
    assert_int_equal(sweep_cmd(s, many), CLI_EXIT_USAGE);
    char *err = testutil_slurp(s->err_txt, NULL);
    assert_non_null(strstr(err, "the grid has 20000 points (100 x 200 values); a sweep runs at "
                                "most 10000"));
    free(err);
    /* The same key twice. */
    const char *twice[] = {s->t, "--vary", "costs.ed_attendance=1:2:1",
                           "--vary=costs.ed_attendance=3:4:1", "-o", out, NULL};
    assert_int_equal(sweep_cmd(s, twice), CLI_EXIT_USAGE);
    err = testutil_slurp(s->err_txt, NULL);
    assert_non_null(strstr(err, "costs.ed_attendance is varied twice"));
    free(err);
    assert_false(file_exists(out));
}

/* A value the key's range refuses makes its point invalid: exit 2 with the loader's message
 * naming the key, before anything runs or is written. */
static void test_sweep_invalid_point_exits_2_naming_the_key_before_anything_runs(void **state)
{
    struct scratch *s = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/never.h5", s->dir);
    const char *args[] = {s->t, "--vary", "run.population=500:600:100", "--vary",
                          "costs.ed_attendance=100:-100:-100", "-o", out, NULL};
    assert_int_equal(sweep_cmd(s, args), CLI_EXIT_USAGE); /* LO > HI */
    const char *bad[] = {s->t, "--vary", "run.population=500:600:100", "--vary",
                         "costs.ed_attendance=-100:100:100", "-o", out, NULL};
    assert_int_equal(sweep_cmd(s, bad), CLI_EXIT_USAGE);
    char *err = testutil_slurp(s->err_txt, NULL);
    char *txt = testutil_slurp(s->out_txt, NULL);
    assert_non_null(strstr(err, "costs.ed_attendance: must be >= 0 (got -100)"));
    assert_non_null(strstr(err, "point 0 (run.population=500, costs.ed_attendance=-100) is "
                                "invalid"));
    assert_null(strstr(txt, "ran "));
    free(err);
    free(txt);
    assert_false(file_exists(out));
}

static void test_sweep_help_and_bad_command_lines(void **state)
{
    struct scratch *s = *state;
    const char *help[] = {"--help", NULL};
    assert_int_equal(sweep_cmd(s, help), CLI_EXIT_OK);
    char *out = testutil_slurp(s->out_txt, NULL);
    assert_non_null(strstr(out, "usage: caresim sweep SCENARIO.cfg --vary KEY=LO:HI:STEP"));
    free(out);
    const char *no_file[] = {"--vary", "costs.ed_attendance=1:2:1", NULL};
    const char *persons[] = {s->t, "--vary", "costs.ed_attendance=1:2:1", "--persons", NULL};
    const char *no_value[] = {s->t, "--vary", NULL};
    const char *bad_jobs[] = {s->t, "--vary", "costs.ed_attendance=1:2:1", "-j", "0", NULL};
    const char *const *cases[] = {no_file, persons, no_value, bad_jobs};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_int_equal(sweep_cmd(s, cases[i]), CLI_EXIT_USAGE);
}

/* ---- plots ---------------------------------------------------------------------------------- */

/* Rows of a figure's data file: the lines that are neither blank nor '#' comments. */
static size_t dat_rows(const char *dir, const char *name, double *last_col, size_t cap,
                       size_t col)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = testutil_slurp(path, NULL);
    size_t n = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#')
            continue;
        if (last_col && n < cap) {
            last_col[n] = NAN;
            size_t c = 0;
            for (char *ws = NULL, *w = strtok_r(line, " ", &ws); w; w = strtok_r(NULL, " ", &ws))
                if (c++ == col)
                    last_col[n] = strtod(w, NULL);
        }
        n++;
    }
    free(text);
    return n;
}

/* The plot of a one-way sweep: a tornado per main outcome of cost and QALYs, its rows
 * largest swing first; none of the figures of scenarios that ran (a sweep has none). */
static void test_plot_of_a_oneway_sweep_draws_sorted_tornados(void **state)
{
    (void)state;
    shared_runs();
    struct scratch *s = &shared.s;
    char dir[200];
    snprintf(dir, sizeof dir, "%s/plots_oneway", s->dir);
    const char *args[] = {shared.oneway[0], "-o", dir, NULL};
    int rc = run_cmd(s, cli_plot, "plot", args);
    const char *outcomes[] = {"cost_total_disc", "qalys_disc"};
    for (size_t o = 0; o < 2; o++) {
        char name[128];
        snprintf(name, sizeof name, "sweep_tornado_%s.gp", outcomes[o]);
        assert_true(file_size(dir, name) > 0);
        snprintf(name, sizeof name, "sweep_tornado_%s.dat", outcomes[o]);
        double swing[8];
        assert_int_equal(dat_rows(dir, name, swing, 8, 6), D_KEYS);
        for (size_t j = 1; j < D_KEYS; j++)
            assert_true(swing[j - 1] >= swing[j]);
        if (have_gnuplot()) {
            snprintf(name, sizeof name, "sweep_tornado_%s.png", outcomes[o]);
            assert_true(file_size(dir, name) > 0);
        }
    }
    assert_int_equal(file_size(dir, "costs_by_sector.dat"), -1);
    assert_int_equal(file_size(dir, "timeseries_d.dat"), -1);
    assert_int_equal(file_size(dir, "sweep_lines.dat"), -1);
    if (have_gnuplot()) {
        expect_success(s, rc, "plot of a one-way sweep");
        char *err = testutil_slurp(s->err_txt, NULL);
        assert_string_equal(err, ""); /* no notes about the scenario's absent tables */
        free(err);
    } else {
        assert_int_equal(rc, CLI_EXIT_FAIL);
    }
}

/* The plot of a grid over two keys: one block of rows per value of the second key. */
static void test_plot_of_a_grid_sweep_draws_a_line_per_value_of_the_second_key(void **state)
{
    (void)state;
    shared_runs();
    struct scratch *s = &shared.s;
    char dir[200];
    snprintf(dir, sizeof dir, "%s/plots_grid", s->dir);
    const char *args[] = {shared.grid[0], "-o", dir, NULL};
    int rc = run_cmd(s, cli_plot, "plot", args);
    assert_int_equal(dat_rows(dir, "sweep_lines.dat", NULL, 0, 0), 6);
    char path[300];
    snprintf(path, sizeof path, "%s/sweep_lines.dat", dir);
    char *text = testutil_slurp(path, NULL);
    assert_non_null(strstr(text, "\n\n\n")); /* two blocks */
    assert_non_null(strstr(text, "# costs.ed_attendance run.population cost_total_disc_mean"));
    free(text);
    snprintf(path, sizeof path, "%s/sweep_lines.gp", dir);
    text = testutil_slurp(path, NULL);
    assert_non_null(strstr(text, "values = \"800 1000\""));
    free(text);
    if (have_gnuplot()) {
        expect_success(s, rc, "plot of a grid sweep");
        assert_true(file_size(dir, "sweep_lines.png") > 0);
    }
}

/* report and export read a sweep file: report lists /sweep's tables, export writes them
 * (sweep_points.csv ... sweep_tornado.csv) and the scenario's config, which is all the
 * scenario group holds. */
static void test_report_and_export_read_a_sweep_file(void **state)
{
    (void)state;
    shared_runs();
    const struct scratch *s = &shared.s;
    const char *r[] = {shared.oneway[0], NULL};
    expect_success(s, run_cmd(s, cli_report, "report", r), "report");
    char *out = testutil_slurp(s->out_txt, NULL);
    assert_non_null(strstr(out, "parameter sweep (/sweep)"));
    assert_non_null(strstr(out, "tornado"));
    free(out);
    char dir[200];
    snprintf(dir, sizeof dir, "%s/csv", s->dir);
    const char *e[] = {shared.oneway[0], "--csv", dir, NULL};
    expect_success(s, run_cmd(s, cli_export, "export", e), "export");
    static const char *const files[] = {"sweep_points.csv", "sweep_outcomes.csv",
                                        "sweep_replications.csv", "sweep_tornado.csv",
                                        "sweep_ci_halfwidth.csv"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        assert_true(file_size(dir, files[i]) > 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_sweep_grid_file_has_every_point_and_its_values),
        T(test_sweep_grid_values_reach_hi_within_rounding),
        T(test_sweep_oneway_base_point_is_bit_identical_to_run),
        T(test_sweep_doubling_the_ed_unit_cost_doubles_the_ed_cost_exactly),
        T(test_sweep_threads_give_identical_sweep_tables),
        T(test_sweep_oneway_varies_each_distribution_between_its_quantiles),
        T(test_sweep_tornado_rows_are_sorted_by_swing_within_each_outcome),
        T(test_sweep_oneway_uses_the_ranges_given),
        T(test_sweep_bad_vary_forms_exit_2_with_a_clear_message),
        T(test_sweep_invalid_point_exits_2_naming_the_key_before_anything_runs),
        T(test_sweep_help_and_bad_command_lines),
        T(test_plot_of_a_oneway_sweep_draws_sorted_tornados),
        T(test_plot_of_a_grid_sweep_draws_a_line_per_value_of_the_second_key),
        T(test_report_and_export_read_a_sweep_file),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
