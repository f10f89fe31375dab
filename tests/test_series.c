/* tests/test_series.c — tests of the tables beyond the outcome row: the monthly time
 * series, the outcomes by age band and deprivation quintile and the ledger by year
 * (models/series.c), as `caresim run` and `compare` write them (cli/runner.c) and `export`
 * and `report` show them (cli/export.c, cli/report.c).
 *
 * At model level the tables must add up exactly to the model's own tallies; in a results
 * file, to the outcome row of the same replication. Runs are small (3000 persons, a year of
 * warm-up, two years of horizon, 3 replications, seed 21) and made once per thread count
 * in a temporary directory under /tmp, removed at exit.
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
#include "models/model.h"
#include "models/outcomes.h"
#include "models/params.h"
#include "models/payment.h"
#include "models/series.h"
#include "output/results.h"
#include "sim/err.h"

#define REPS 3
#define MONTHS 24 /* horizon_years = 2 */
#define SCENARIO_TEXT                                                                      \
    "name = \"s\";\n"                                                                      \
    "run = { population = 3000; horizon_years = 2.0; warmup_years = 1.0;\n"                \
    "        replications = 3; seed = 21; };\n"
/* A second scenario for compare: the same with another name and fewer replications. */
#define OTHER_TEXT                                                                         \
    "name = \"o\";\n"                                                                      \
    "run = { population = 3000; horizon_years = 2.0; warmup_years = 1.0;\n"                \
    "        replications = 2; seed = 21; };\n"

static const char *const model_sets[] = {"run.population=3000", "run.horizon_years=2",
                                         "run.warmup_years=1", "run.seed=21"};

/* ---- the model alone --------------------------------------------------------------------- */

/* A finished replication of the test scenario, with its outcome row. */
static struct model *run_model(double row[OUTC_COUNT])
{
    struct model_params par;
    testutil_default_params(&par, model_sets, sizeof model_sets / sizeof *model_sets);
    struct sim_err e;
    sim_err_clear(&e);
    struct model *m = model_create(&par, 1, &e);
    assert_non_null(m);
    assert_int_equal(model_run(m, &e), 0);
    assert_int_equal(outc_collect(m, row, &e), 0);
    return m;
}

/* Cents of an amount the model made from whole cents. */
static long long cents(double x) { return llround(x * 100.0); }

/* The months tile the window: every count of the series adds up exactly to the model's
 * tally of the window, and every cost to its cents. */
static void test_model_months_add_up_exactly_to_the_window_tallies(void **state)
{
    (void)state;
    double row[OUTC_COUNT];
    struct model *m = run_model(row);
    assert_int_equal(ser_months(m), MONTHS);
    double *rows = malloc((size_t)MONTHS * SER_COUNT * sizeof *rows);
    assert_non_null(rows);
    ser_fill(m, 1, rows);
    double sum[SER_COUNT] = {0};
    long long cost[6] = {0}, total = 0, payer = 0;
    for (int k = 0; k < MONTHS; k++) {
        const double *r = rows + (size_t)k * SER_COUNT;
        assert_true(r[SER_REPLICATION] == 1.0);
        assert_true(r[SER_MONTH] == k + 1);
        assert_near(r[SER_YEAR], (k + 1) / 12.0, 1e-9);
        for (int c = 0; c < SER_COUNT; c++)
            sum[c] += r[c];
        for (int c = 0; c < 6; c++)
            cost[c] += cents(r[SER_COST_PRIMARY + c]);
        total += cents(r[SER_COST_TOTAL]);
        payer += cents(r[SER_SPEND_PAYER]);
    }
    const struct care_tally *t = &m->care.tally;
    assert_true(sum[SER_GP_VISITS] > 0);
    assert_true(sum[SER_GP_VISITS] == t->gp_visits);
    assert_true(sum[SER_SPECIALIST_VISITS] == t->op_visits);
    assert_true(sum[SER_ED_VISITS] == t->ed_visits);
    assert_true(sum[SER_EMERGENCY_ADMISSIONS] == t->admissions_emergency);
    assert_true(sum[SER_ELECTIVE_ADMISSIONS] == t->admissions_elective);
    assert_true(sum[SER_DEATHS] == (double)m->counts.deaths - m->series.snaps[0].deaths);
    long long tally_total = 0;
    for (int c = 0; c < 6; c++) {
        assert_int_equal(cost[c], m->tally.cost_cents[c]);
        tally_total += m->tally.cost_cents[c];
    }
    assert_int_equal(total, tally_total);
    long long ledger_payer = 0;
    for (int to = 0; to < PAY_NPARTIES; to++)
        for (int h = 0; h < PAY_NMECHANISMS; h++)
            ledger_payer += m->ledger.cents[PAY_PAYER][to][h];
    assert_true(ledger_payer > 0);
    assert_int_equal(payer, ledger_payer);
    /* The last month ends with the run: its persons are those alive at the end. */
    assert_true(rows[(size_t)(MONTHS - 1) * SER_COUNT + SER_PERSONS] == (double)m->counts.alive);
    free(rows);
    model_destroy(m);
}

/* Every person is in one group: the groups add up to the outcome row. */
static void test_model_groups_add_up_to_the_outcome_row(void **state)
{
    (void)state;
    double row[OUTC_COUNT];
    struct model *m = run_model(row);
    double *rows = malloc((size_t)GRP_ROWS * GRP_COUNT * sizeof *rows);
    assert_non_null(rows);
    grp_fill(m, 1, rows);
    double sum[GRP_COUNT] = {0};
    for (int g = 0; g < GRP_ROWS; g++) {
        const double *r = rows + (size_t)g * GRP_COUNT;
        assert_true(r[GRP_REPLICATION] == 1.0);
        assert_true(r[GRP_QUINTILE] == g % 5 + 1);
        for (int c = 0; c < GRP_COUNT; c++)
            sum[c] += r[c];
    }
    assert_true(sum[GRP_PERSONS_END] == row[OUTC_PERSONS_END]);
    assert_rel_near(sum[GRP_LIFE_YEARS], row[OUTC_LIFE_YEARS], 1e-9);
    assert_rel_near(sum[GRP_QALYS], row[OUTC_QALYS], 1e-9);
    assert_near(sum[GRP_COST_TOTAL], row[OUTC_COST_TOTAL], 0.005);
    free(rows);
    model_destroy(m);
}

/* The ledger's rows add up, flow by flow, to the ledger of the window. */
static void test_model_ledger_rows_add_up_to_the_ledger(void **state)
{
    (void)state;
    double row[OUTC_COUNT];
    struct model *m = run_model(row);
    size_t n = led_rows(m);
    assert_true(n > 0);
    double *rows = malloc(n * LED_COUNT * sizeof *rows);
    assert_non_null(rows);
    led_fill(m, 1, rows);
    static long long sum[PAY_NPARTIES][PAY_NPARTIES][PAY_NMECHANISMS];
    memset(sum, 0, sizeof sum);
    for (size_t i = 0; i < n; i++) {
        const double *r = rows + i * LED_COUNT;
        assert_true(r[LED_REPLICATION] == 1.0);
        assert_true(r[LED_YEAR] >= 1 && r[LED_YEAR] <= 2);
        assert_true(r[LED_AMOUNT] != 0.0);
        sum[(int)r[LED_FROM]][(int)r[LED_TO]][(int)r[LED_MECHANISM]] += cents(r[LED_AMOUNT]);
    }
    for (int f = 0; f < PAY_NPARTIES; f++)
        for (int t = 0; t < PAY_NPARTIES; t++)
            for (int h = 0; h < PAY_NMECHANISMS; h++)
                assert_int_equal(sum[f][t][h], m->ledger.cents[f][t][h]);
    free(rows);
    model_destroy(m);
}

/* ---- the results files -------------------------------------------------------------------- */

static struct {
    int done;
    char dir[64];
    char scenario[128];  /* <dir>/s.cfg */
    char other[128];     /* <dir>/o.cfg */
    char h5[2][128];     /* results of -j 1 and -j 2 */
    char out_txt[128], err_txt[128];
} runs;

static void runs_free(void)
{
    if (runs.dir[0])
        testutil_remove_tree(runs.dir);
    out_library_close();
}

/* Runs a command (args NULL-terminated, the command's name first) with its output in
 * runs.out_txt / runs.err_txt; fails the test unless it succeeds. */
static void run_ok(int (*cmd)(int, char **), const char *const *args)
{
    int rc = testutil_run_args(cmd, NULL, args, runs.out_txt, runs.err_txt);
    if (rc != 0) {
        char *err = testutil_slurp(runs.err_txt, NULL);
        fail_msg("%s failed (%d):\n%s", args[0], rc, err);
    }
}

/* The test scenario run with -j 1 and -j 2. */
static void make_runs(void)
{
    if (runs.done)
        return;
    snprintf(runs.dir, sizeof runs.dir, "/tmp/caresim-test-series-XXXXXX");
    assert_non_null(mkdtemp(runs.dir));
    atexit(runs_free);
    snprintf(runs.scenario, sizeof runs.scenario, "%s/s.cfg", runs.dir);
    snprintf(runs.other, sizeof runs.other, "%s/o.cfg", runs.dir);
    snprintf(runs.out_txt, sizeof runs.out_txt, "%s/stdout.txt", runs.dir);
    snprintf(runs.err_txt, sizeof runs.err_txt, "%s/stderr.txt", runs.dir);
    assert_int_equal(testutil_write_text(runs.scenario, SCENARIO_TEXT), 0);
    assert_int_equal(testutil_write_text(runs.other, OTHER_TEXT), 0);
    static const char *const threads[2] = {"1", "2"};
    for (int i = 0; i < 2; i++) {
        snprintf(runs.h5[i], sizeof runs.h5[i], "%s/j%s.h5", runs.dir, threads[i]);
        const char *args[] = {"run", runs.scenario, "-o", runs.h5[i], "--quiet", "-j",
                              threads[i], NULL};
        run_ok(cli_run, args);
    }
    runs.done = 1;
}

static struct out_table *read_table(const char *h5, const char *dataset)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(h5, &e);
    assert_non_null(f);
    struct out_table *t = NULL;
    if (out_file_read_table(f, dataset, &t, &e) != 0)
        fail_msg("%s: %s", dataset, e.msg);
    out_file_close(f);
    return t;
}

static double cell(const struct out_table *t, size_t row, int col)
{
    return t->values[row * t->n_cols + (size_t)col];
}

/* Sum of column col over the rows of replication r. */
static double sum_of(const struct out_table *t, int col, int r)
{
    double s = 0.0;
    for (size_t i = 0; i < t->n_rows; i++)
        if (cell(t, i, 0) == r)
            s += cell(t, i, col);
    return s;
}

/* The three tables carry exactly the columns of models/series.c (names, units,
 * descriptions: `caresim plot` reads them by name) and a description. */
static void test_run_writes_the_three_tables_with_the_models_columns(void **state)
{
    (void)state;
    make_runs();
    static const struct {
        const char *name;
        int n_cols;
        int (*info)(int col, struct outc_info *info, struct sim_err *err);
    } tables[] = {
        {"timeseries", SER_COUNT, ser_column_info},
        {"by_group", GRP_COUNT, grp_column_info},
        {"ledger", LED_COUNT, led_column_info},
    };
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        char path[64];
        snprintf(path, sizeof path, "/scenarios/s/%s", tables[i].name);
        struct out_table *t = read_table(runs.h5[0], path);
        assert_int_equal(t->n_cols, tables[i].n_cols);
        assert_true(strlen(t->desc) > 0);
        for (int c = 0; c < tables[i].n_cols; c++) {
            struct outc_info info;
            assert_int_equal(tables[i].info(c, &info, NULL), 0);
            assert_string_equal(t->cols[c].name, info.name);
            assert_string_equal(t->cols[c].unit, info.unit);
            assert_string_equal(t->cols[c].desc, info.desc);
        }
        assert_string_equal(t->cols[0].name, "replication");
        out_table_destroy(t);
    }
}

/* Replications in order, each with its months 1 .. 24 in order; groups likewise. */
static void test_run_rows_are_in_replication_order(void **state)
{
    (void)state;
    make_runs();
    struct out_table *t = read_table(runs.h5[0], "/scenarios/s/timeseries");
    assert_int_equal(t->n_rows, REPS * MONTHS);
    for (size_t i = 0; i < t->n_rows; i++) {
        assert_true(cell(t, i, SER_REPLICATION) == (double)(i / MONTHS));
        assert_true(cell(t, i, SER_MONTH) == (double)(i % MONTHS + 1));
    }
    out_table_destroy(t);
    t = read_table(runs.h5[0], "/scenarios/s/by_group");
    assert_int_equal(t->n_rows, REPS * GRP_ROWS);
    for (size_t i = 0; i < t->n_rows; i++)
        assert_true(cell(t, i, GRP_REPLICATION) == (double)(i / GRP_ROWS));
    out_table_destroy(t);
    t = read_table(runs.h5[0], "/scenarios/s/ledger");
    assert_true(t->n_rows >= REPS * 2); /* something flows every year */
    for (size_t i = 1; i < t->n_rows; i++) {
        assert_true(cell(t, i, LED_REPLICATION) >= cell(t, i - 1, LED_REPLICATION));
        if (cell(t, i, LED_REPLICATION) == cell(t, i - 1, LED_REPLICATION))
            assert_true(cell(t, i, LED_YEAR) >= cell(t, i - 1, LED_YEAR));
    }
    assert_true(cell(t, t->n_rows - 1, LED_REPLICATION) == REPS - 1);
    out_table_destroy(t);
}

/* The months of a replication hold its GP visits: rate x person-years of the row. */
static void test_run_timeseries_gp_visits_add_up_to_rate_times_person_years(void **state)
{
    (void)state;
    make_runs();
    struct out_table *ts = read_table(runs.h5[0], "/scenarios/s/timeseries");
    struct out_table *reps = read_table(runs.h5[0], "/scenarios/s/replications");
    assert_int_equal(reps->n_rows, REPS);
    for (int r = 0; r < REPS; r++) {
        double visits = cell(reps, (size_t)r, OUTC_GP_VISITS) *
                        cell(reps, (size_t)r, OUTC_PERSON_YEARS);
        assert_true(visits > 1000);
        assert_rel_near(sum_of(ts, SER_GP_VISITS, r), visits, 1e-6);
    }
    out_table_destroy(reps);
    out_table_destroy(ts);
}

static void test_run_timeseries_costs_add_up_to_cost_total_to_the_cent(void **state)
{
    (void)state;
    make_runs();
    struct out_table *ts = read_table(runs.h5[0], "/scenarios/s/timeseries");
    struct out_table *reps = read_table(runs.h5[0], "/scenarios/s/replications");
    for (int r = 0; r < REPS; r++) {
        assert_true(cell(reps, (size_t)r, OUTC_COST_TOTAL) > 0);
        assert_near(sum_of(ts, SER_COST_TOTAL, r), cell(reps, (size_t)r, OUTC_COST_TOTAL), 0.005);
        assert_near(sum_of(ts, SER_SPEND_PAYER, r), cell(reps, (size_t)r, OUTC_SPEND_PAYER),
                    0.005);
        for (int c = 0; c < 6; c++)
            assert_near(sum_of(ts, SER_COST_PRIMARY + c, r),
                        cell(reps, (size_t)r, OUTC_COST_PRIMARY + c), 0.005);
    }
    out_table_destroy(reps);
    out_table_destroy(ts);
}

static void test_run_ledger_payer_flows_add_up_to_spend_payer_to_the_cent(void **state)
{
    (void)state;
    make_runs();
    struct out_table *led = read_table(runs.h5[0], "/scenarios/s/ledger");
    struct out_table *reps = read_table(runs.h5[0], "/scenarios/s/replications");
    for (int r = 0; r < REPS; r++) {
        double payer = 0.0;
        for (size_t i = 0; i < led->n_rows; i++)
            if (cell(led, i, LED_REPLICATION) == r && cell(led, i, LED_FROM) == PAY_PAYER)
                payer += cell(led, i, LED_AMOUNT);
        assert_true(payer > 0);
        assert_near(payer, cell(reps, (size_t)r, OUTC_SPEND_PAYER), 0.005);
    }
    out_table_destroy(reps);
    out_table_destroy(led);
}

/* The attributes party_names and mechanism_names name the codes, indexed by code. */
static void test_run_ledger_names_its_codes(void **state)
{
    (void)state;
    make_runs();
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(runs.h5[0], &e);
    assert_non_null(f);
    char **names = NULL;
    size_t n = 0;
    assert_int_equal(out_file_read_attr_strings(f, "/scenarios/s/ledger", "party_names", &names,
                                                &n, &e), 0);
    assert_int_equal(n, PAY_NPARTIES);
    for (int i = 0; i < PAY_NPARTIES; i++)
        assert_string_equal(names[i], led_party_name(i));
    assert_string_equal(names[PAY_PAYER], "payer");
    free(names);
    assert_int_equal(out_file_read_attr_strings(f, "/scenarios/s/ledger", "mechanism_names",
                                                &names, &n, &e), 0);
    assert_int_equal(n, PAY_NMECHANISMS);
    for (int i = 0; i < PAY_NMECHANISMS; i++)
        assert_string_equal(names[i], led_mechanism_name(i));
    free(names);
    out_file_close(f);
}

static void test_run_by_group_life_years_add_up_to_life_years(void **state)
{
    (void)state;
    make_runs();
    struct out_table *g = read_table(runs.h5[0], "/scenarios/s/by_group");
    struct out_table *reps = read_table(runs.h5[0], "/scenarios/s/replications");
    for (int r = 0; r < REPS; r++) {
        assert_rel_near(sum_of(g, GRP_LIFE_YEARS, r), cell(reps, (size_t)r, OUTC_LIFE_YEARS),
                        1e-9);
        assert_true(sum_of(g, GRP_PERSONS_END, r) == cell(reps, (size_t)r, OUTC_PERSONS_END));
    }
    out_table_destroy(reps);
    out_table_destroy(g);
}

static void test_run_persons_table_adds_up_to_the_outcome_row(void **state)
{
    (void)state;
    /* --persons: one row per person the run created, whose life-years, QALYs and costs add
     * up to the replication's outcomes (costs to the cent), and no table without it. */
    make_runs();
    char h5[160];
    snprintf(h5, sizeof h5, "%s/persons.h5", runs.dir);
    const char *args[] = {"run", runs.scenario, "-o", h5, "--quiet", "--persons", NULL};
    run_ok(cli_run, args);
    struct out_table *p = read_table(h5, "/scenarios/s/persons");
    struct out_table *reps = read_table(h5, "/scenarios/s/replications");
    for (int r = 0; r < REPS; r++) {
        size_t n = 0;
        for (size_t i = 0; i < p->n_rows; i++)
            n += cell(p, i, PER_REPLICATION) == r;
        assert_true((double)n == cell(reps, (size_t)r, OUTC_PERSONS_START) +
                                     cell(reps, (size_t)r, OUTC_ENTRIES));
        assert_rel_near(sum_of(p, PER_LIFE_YEARS, r), cell(reps, (size_t)r, OUTC_LIFE_YEARS),
                        1e-9);
        assert_rel_near(sum_of(p, PER_QALYS, r), cell(reps, (size_t)r, OUTC_QALYS), 1e-9);
        assert_true(cents(sum_of(p, PER_COST, r)) == cents(cell(reps, (size_t)r, OUTC_COST_TOTAL)));
    }
    out_table_destroy(reps);
    out_table_destroy(p);
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(runs.h5[0], &e);
    assert_non_null(f);
    struct out_table *none = NULL;
    assert_true(out_file_read_table(f, "/scenarios/s/persons", &none, &e) != 0);
    out_file_close(f);
}

static void test_run_trace_keeps_the_first_events_in_time_order(void **state)
{
    (void)state;
    /* --trace=N: the first N events of replication 0, in the order handled (times never
     * decrease), with valid types and the names of the types; without it, no table. */
    make_runs();
    char h5[160];
    snprintf(h5, sizeof h5, "%s/trace.h5", runs.dir);
    const char *args[] = {"run", runs.scenario, "-o", h5, "--quiet", "--trace=300", NULL};
    run_ok(cli_run, args);
    struct out_table *t = read_table(h5, "/scenarios/s/events");
    assert_int_equal(t->n_rows, 300);
    for (size_t i = 0; i < t->n_rows; i++) {
        assert_true(cell(t, i, TRC_TYPE) >= 0 && cell(t, i, TRC_TYPE) < MODEL_EV_COUNT);
        if (i > 0)
            assert_true(cell(t, i, TRC_DAY) >= cell(t, i - 1, TRC_DAY));
    }
    out_table_destroy(t);
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(h5, &e);
    assert_non_null(f);
    char **names = NULL;
    size_t n = 0;
    assert_int_equal(out_file_read_attr_strings(f, "/scenarios/s/events", "event_names", &names,
                                                &n, &e),
                     0);
    assert_int_equal(n, MODEL_EV_COUNT);
    assert_string_equal(names[MODEL_EV_GP_VISIT], "gp_visit");
    free(names);
    out_file_close(f);
    f = out_file_open(runs.h5[0], &e);
    struct out_table *none = NULL;
    assert_true(out_file_read_table(f, "/scenarios/s/events", &none, &e) != 0);
    out_file_close(f);
}

static void test_run_threads_give_bit_identical_series_groups_and_ledger(void **state)
{
    (void)state;
    make_runs();
    static const char *const tables[] = {"/scenarios/s/timeseries", "/scenarios/s/by_group",
                                         "/scenarios/s/ledger"};
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        struct out_table *a = read_table(runs.h5[0], tables[i]);
        struct out_table *b = read_table(runs.h5[1], tables[i]);
        assert_int_equal(a->n_rows, b->n_rows);
        assert_int_equal(a->n_cols, b->n_cols);
        if (a->n_rows && memcmp(a->values, b->values, a->n_rows * a->n_cols * sizeof(double)))
            fail_msg("%s differs between -j 1 and -j 2", tables[i]);
        out_table_destroy(a);
        out_table_destroy(b);
    }
}

/* compare writes the tables of every scenario, as run does. */
static void test_compare_writes_the_tables_of_every_scenario(void **state)
{
    (void)state;
    make_runs();
    char h5[160];
    snprintf(h5, sizeof h5, "%s/compare.h5", runs.dir);
    const char *args[] = {"compare", runs.scenario, runs.other, "-o", h5, "--quiet", NULL};
    run_ok(cli_compare, args);
    /* compare runs every scenario with the base's replications (3). */
    struct out_table *a = read_table(h5, "/scenarios/s/timeseries");
    struct out_table *b = read_table(runs.h5[0], "/scenarios/s/timeseries");
    assert_int_equal(a->n_rows, b->n_rows);
    assert_memory_equal(a->values, b->values, a->n_rows * a->n_cols * sizeof(double));
    out_table_destroy(a);
    out_table_destroy(b);
    static const char *const tables[] = {"/scenarios/o/timeseries", "/scenarios/o/by_group",
                                         "/scenarios/o/ledger"};
    static const size_t rows[] = {REPS * MONTHS, REPS * GRP_ROWS, 0};
    for (size_t i = 0; i < 3; i++) {
        struct out_table *t = read_table(h5, tables[i]);
        if (rows[i])
            assert_int_equal(t->n_rows, rows[i]);
        else
            assert_true(t->n_rows > 0);
        out_table_destroy(t);
    }
}

/* ---- export and report ------------------------------------------------------------------- */

/* The lines of a text file, split in place: *n gets their number. */
static char **lines_of(char *text, size_t *n)
{
    size_t cap = 16;
    char **v = malloc(cap * sizeof *v);
    assert_non_null(v);
    *n = 0;
    for (char *p = text; *p;) {
        char *nl = strchr(p, '\n');
        assert_non_null(nl); /* every line ends with \n */
        *nl = '\0';
        if (*n == cap) {
            cap *= 2;
            v = realloc(v, cap * sizeof *v);
            assert_non_null(v);
        }
        v[(*n)++] = p;
        p = nl + 1;
    }
    return v;
}

/* The header a table's CSV starts with: its column names, then `extra`. */
static void expect_header(const char *line, const struct out_table *t, const char *extra)
{
    char header[4096] = "";
    for (size_t c = 0; c < t->n_cols; c++) {
        if (c)
            strcat(header, ",");
        strcat(header, t->cols[c].name);
    }
    strcat(header, extra);
    assert_string_equal(line, header);
}

static void test_export_writes_series_groups_and_ledger_as_csv(void **state)
{
    (void)state;
    make_runs();
    char dir[160], path[200];
    snprintf(dir, sizeof dir, "%s/csv", runs.dir);
    const char *args[] = {"export", runs.h5[0], "--csv", dir, NULL};
    run_ok(cli_export, args);
    static const char *const names[] = {"timeseries", "by_group", "ledger"};
    for (size_t i = 0; i < 3; i++) {
        char dataset[64];
        snprintf(dataset, sizeof dataset, "/scenarios/s/%s", names[i]);
        snprintf(path, sizeof path, "%s/s_%s.csv", dir, names[i]);
        struct out_table *t = read_table(runs.h5[0], dataset);
        char *text = testutil_slurp(path, NULL);
        size_t n = 0;
        char **lines = lines_of(text, &n);
        int ledger = i == 2;
        expect_header(lines[0], t, ledger ? ",from_name,to_name,mechanism_name" : "");
        assert_int_equal(n, 1 + t->n_rows);
        /* Every number reads back as the same double (NaN as an empty field). */
        for (size_t r = 0; r < t->n_rows; r++) {
            char *p = lines[r + 1];
            for (size_t c = 0; c < t->n_cols; c++) {
                char *end;
                double x = *p == ',' || !*p ? NAN : strtod(p, &end);
                double v = cell(t, r, (int)c);
                if (isnan(v))
                    assert_true(isnan(x));
                else
                    assert_memory_equal(&x, &v, sizeof x);
                p = strchr(p, ',');
                if (c + 1 < t->n_cols || ledger)
                    assert_non_null(p);
                p = p ? p + 1 : p;
            }
            if (ledger) {
                char expect[128];
                snprintf(expect, sizeof expect, "%s,%s,%s",
                         led_party_name((int)cell(t, r, LED_FROM)),
                         led_party_name((int)cell(t, r, LED_TO)),
                         led_mechanism_name((int)cell(t, r, LED_MECHANISM)));
                assert_string_equal(p, expect);
            }
        }
        free(lines);
        free(text);
        out_table_destroy(t);
    }
}

static void test_report_lists_the_tables_with_their_rows(void **state)
{
    (void)state;
    make_runs();
    const char *args[] = {"report", runs.h5[0], NULL};
    run_ok(cli_report, args);
    char *out = testutil_slurp(runs.out_txt, NULL);
    const char *list = strstr(out, "  tables");
    assert_non_null(list);
    struct out_table *led = read_table(runs.h5[0], "/scenarios/s/ledger");
    static const char *const expect[] = {"\n    replications     3\n",
                                         "\n    summary         ",
                                         "\n    timeseries      72\n",
                                         "\n    by_group       135\n"};
    for (size_t i = 0; i < sizeof expect / sizeof *expect; i++)
        if (!strstr(list, expect[i]))
            fail_msg("'%s' not in:\n%s", expect[i], list);
    /* The ledger's line: its name and its rows, right-aligned with the others. */
    char *l = strstr(list, "\n    ledger ");
    assert_non_null(l);
    assert_int_equal(strtoul(l + strlen("\n    ledger "), NULL, 10), led->n_rows);
    assert_null(strstr(list, "config"));
    out_table_destroy(led);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_months_add_up_exactly_to_the_window_tallies),
        cmocka_unit_test(test_model_groups_add_up_to_the_outcome_row),
        cmocka_unit_test(test_model_ledger_rows_add_up_to_the_ledger),
        cmocka_unit_test(test_run_writes_the_three_tables_with_the_models_columns),
        cmocka_unit_test(test_run_rows_are_in_replication_order),
        cmocka_unit_test(test_run_timeseries_gp_visits_add_up_to_rate_times_person_years),
        cmocka_unit_test(test_run_timeseries_costs_add_up_to_cost_total_to_the_cent),
        cmocka_unit_test(test_run_ledger_payer_flows_add_up_to_spend_payer_to_the_cent),
        cmocka_unit_test(test_run_ledger_names_its_codes),
        cmocka_unit_test(test_run_by_group_life_years_add_up_to_life_years),
        cmocka_unit_test(test_run_persons_table_adds_up_to_the_outcome_row),
        cmocka_unit_test(test_run_trace_keeps_the_first_events_in_time_order),
        cmocka_unit_test(test_run_threads_give_bit_identical_series_groups_and_ledger),
        cmocka_unit_test(test_compare_writes_the_tables_of_every_scenario),
        cmocka_unit_test(test_export_writes_series_groups_and_ledger_as_csv),
        cmocka_unit_test(test_report_lists_the_tables_with_their_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
