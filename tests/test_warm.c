/* tests/test_warm.c — tests of the warm start: the end state of a replication
 * (models/warm.c), a model started from it, and `caresim run` with run.warm_start
 * (cli/runner.c), which reads it through output/. Model tests run small populations in
 * memory; the command tests work in a temporary directory under /tmp, removed afterwards,
 * and share one saved run and its warm and cold continuations (made on first use).
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
#include "models/series.h"
#include "models/warm.h"
#include "output/results.h"
#include "sim/err.h"

/* ---- helpers ------------------------------------------------------------------------------ */

/* The end state of a finished model as a saved state (replication 0). */
static void state_of(const struct model *m, struct warm_state *ws)
{
    size_t n = warm_rows(m);
    double *rows = malloc(n * WARM_COUNT_COLS * sizeof *rows);
    assert_non_null(rows);
    warm_fill(m, 0, rows);
    struct sim_err e;
    sim_err_clear(&e);
    if (warm_state_init(ws, rows, n, &e) != 0)
        fail_msg("warm_state_init: %s", e.msg);
    free(rows);
}

/* A model of the default scenario at time 0, not run: `persons` persons, no warm-up. */
static struct model *fresh_model(int persons, uint32_t replication)
{
    char pop[64];
    snprintf(pop, sizeof pop, "run.population=%d", persons);
    const char *sets[] = {pop, "run.horizon_years=1", "run.warmup_years=0", "run.seed=7"};
    struct model_params par;
    testutil_default_params(&par, sets, sizeof sets / sizeof *sets);
    struct sim_err e;
    sim_err_clear(&e);
    struct model *m = model_create(&par, replication, &e);
    if (!m)
        fail_msg("model_create: %s", e.msg);
    return m;
}

/* Sum of the counts of the items of `kind` (any unit). */
static uint64_t state_total(const struct warm_state *ws, int kind)
{
    uint64_t t = 0;
    for (size_t i = ws->first[0]; i < ws->first[1]; i++)
        if (ws->items[i].kind == kind)
            t += ws->items[i].count;
    return t;
}

/* ---- a cold start is what it always was ---------------------------------------------------- */

/* Replication 0 of the default scenario, 1500 persons, half a year after a one-year warm-up,
 * seed 7: these values were printed (%a) by the code before warm start existed (commit
 * 5bb504b). The cold start runs no warm-start code, so they must not move. Update them only
 * for a change that is meant to change the model's results. */
static void test_cold_start_gives_the_results_of_before_warm_start(void **state)
{
    (void)state;
    double row[OUTC_COUNT];
    const char *extra[] = {"run.seed=7"};
    struct model *m = testutil_run_scenario(1500, 0.5, extra, 1, row);
    static const struct {
        int col;
        double value;
    } expect[] = {
        {OUTC_DEATHS, 0x1.9p+4},
        {OUTC_QALYS_DISC, 0x1.431017aa5a566p+9},
        {OUTC_COST_TOTAL_DISC, 0x1.33968651b20ecp+19},
        {OUTC_GP_VISITS, 0x1.37e4b17e4b18p+2},
        {OUTC_EMERGENCY_ADMISSIONS, 0x1.7aaaaaaaaaaadp+6},
        {OUTC_BED_OCCUPANCY, 0x1.437975ce8bd1p-1},
        {OUTC_MEAN_WAIT_SPECIALIST, 0x1.bbf8bb0dad303p+1},
        {OUTC_SPEND_PAYER, 0x1.38f5ap+19},
    };
    for (size_t i = 0; i < sizeof expect / sizeof *expect; i++)
        if (row[expect[i].col] != expect[i].value)
            fail_msg("column %d: %a, expected %a", expect[i].col, row[expect[i].col],
                     expect[i].value);
    model_destroy(m);
}

/* ---- the end state ------------------------------------------------------------------------- */

static void test_end_state_rows_hold_the_queues_at_the_end(void **state)
{
    (void)state;
    double row[OUTC_COUNT];
    struct model *m = testutil_run_scenario(6000, 1.0, NULL, 0, row);
    size_t n = warm_rows(m);
    double *rows = malloc(n * WARM_COUNT_COLS * sizeof *rows);
    assert_non_null(rows);
    warm_fill(m, 3, rows);
    const struct care_hospital *ho = &m->care.hospitals[0];
    uint32_t day0 = sim_book_day_of(m->ctx.now) + 1;
    uint64_t gp = 0, gp_held = 0, listed = 0, discharged = 0, at_home = 0;
    int beds = 0, boarding = 0, cm = 0, first_gp = 0;
    for (size_t i = 0; i < n; i++) {
        const double *r = rows + i * WARM_COUNT_COLS;
        assert_true(r[WARM_REPLICATION] == 3);
        switch ((int)r[WARM_KIND]) {
        case WARM_GP_ROUTINE:
            first_gp += r[WARM_UNIT] == 0 && r[WARM_POSITION] == 0;
            gp += r[WARM_UNIT] == 0 ? (uint64_t)r[WARM_COUNT] : 0;
            break;
        case WARM_BEDS:
            beds++;
            assert_true(r[WARM_COUNT] == ho->beds.q.busy);
            assert_true(r[WARM_CAPACITY] == ho->nbeds);
            break;
        case WARM_BOARDING:
            boarding++;
            assert_true(r[WARM_COUNT] == ho->beds.q.waiting);
            break;
        case WARM_ELECTIVE_LIST:
            listed += (uint64_t)r[WARM_COUNT];
            break;
        case WARM_DISCHARGED:
            assert_true(r[WARM_POSITION] < m->par.hospital.post_discharge_days);
            discharged += (uint64_t)r[WARM_COUNT];
            break;
        case WARM_CASE_MANAGED:
            cm++;
            assert_true(r[WARM_COUNT] == m->care.cm_enrolled);
            break;
        }
    }
    /* The bookings held after the last day in practice 0's routine book. */
    const struct sim_book *b = &m->care.practices[0].books.routine;
    for (uint32_t d = day0; d < b->today + b->ring_days; d++)
        gp_held += sim_book_booked_on(b, d);
    assert_true(gp_held > 0); /* a run long enough to have a backlog */
    assert_int_equal(gp, gp_held);
    assert_int_equal(first_gp, 1);
    assert_int_equal(beds, 1); /* 6000 persons: one hospital */
    assert_int_equal(boarding, 1);
    assert_int_equal(cm, 1);
    assert_int_equal(listed, ho->listed);
    /* Persons at home within hospital.post_discharge_days of a discharge. */
    for (uint32_t id = 0; id < m->n_persons; id++) {
        const struct person *p = &m->persons[id];
        double since = m->ctx.now - (double)p->discharge_day;
        at_home += pop_alive(p) && !(p->flags & POP_IN_HOSPITAL) && since >= 0.0 &&
                   since < m->par.hospital.post_discharge_days;
    }
    assert_true(at_home > 0);
    assert_int_equal(discharged, at_home);
    assert_true(ho->beds.q.busy > 0 && listed > 0);
    free(rows);
    model_destroy(m);
}

/* ---- starting warm ----------------------------------------------------------------------------- */

/* A model started from a saved state holds what was saved: bookings day by day (same
 * capacity, so nothing is carried), beds, elective list. */
static void test_warm_start_fills_books_beds_and_list_as_saved(void **state)
{
    (void)state;
    double row[OUTC_COUNT];
    struct model *old = testutil_run_scenario(6000, 1.0, NULL, 0, row);
    struct warm_state ws;
    state_of(old, &ws);
    model_destroy(old);
    struct model *m = fresh_model(6000, 2);
    struct sim_err e;
    sim_err_clear(&e);
    assert_int_equal(warm_apply(m, &ws, &e), 0);

    const struct care_hospital *ho = &m->care.hospitals[0];
    assert_int_equal(ho->beds.q.busy + ho->beds.q.waiting,
                     state_total(&ws, WARM_BEDS) + state_total(&ws, WARM_BOARDING));
    assert_true(ho->beds.q.busy > 0);
    assert_int_equal(ho->listed, state_total(&ws, WARM_ELECTIVE_LIST));
    uint64_t at_home = 0;
    for (uint32_t id = 0; id < m->n_persons; id++) {
        const struct person *p = &m->persons[id];
        at_home += !(p->flags & POP_IN_HOSPITAL) && (double)p->discharge_day < 0.0 &&
                   (double)p->discharge_day > -m->par.hospital.post_discharge_days;
    }
    assert_int_equal(at_home, state_total(&ws, WARM_DISCHARGED));
    /* Every book, day by day. */
    int books = 0;
    for (size_t i = ws.first[0]; i < ws.first[1]; i++) {
        const struct warm_item *it = &ws.items[i];
        const struct sim_book *b = NULL;
        if (it->kind == WARM_GP_ROUTINE)
            b = &m->care.practices[it->unit].books.routine;
        else if (it->kind == WARM_GP_URGENT)
            b = &m->care.practices[it->unit].books.urgent;
        else if (it->kind == WARM_CLINIC_ROUTINE)
            b = &m->care.hospitals[it->unit].clinic[it->specialty].routine;
        else if (it->kind == WARM_CLINIC_URGENT)
            b = &m->care.hospitals[it->unit].clinic[it->specialty].urgent;
        if (!b)
            continue;
        books += it->position == 0;
        /* The position-th day with slots from day 0. */
        uint32_t d = 0, k = 0;
        for (;; d++)
            if (sim_book_capacity_on(b, d) > 0 && k++ == it->position)
                break;
        if (sim_book_booked_on(b, d) != it->count)
            fail_msg("kind %d unit %u specialty %u position %u: %u booked, %u saved", it->kind,
                     it->unit, it->specialty, it->position, sim_book_booked_on(b, d), it->count);
    }
    assert_true(books >= 2 + 6); /* routine and urgent GP books, a clinic per specialty */
    /* Appointments belong to persons: the GP visits pending are the GP bookings (given to
     * persons while there are candidates, and 6000 persons are plenty). */
    uint64_t pending = 0;
    for (uint32_t id = 0; id < m->n_persons; id++)
        pending += m->persons[id].gp_event != SIM_HANDLE_NONE &&
                   !(m->persons[id].flags & POP_IN_HOSPITAL);
    assert_int_equal(pending, state_total(&ws, WARM_GP_ROUTINE) + state_total(&ws, WARM_GP_URGENT));
    /* And the run goes on from there. */
    assert_int_equal(model_run(m, &e), 0);
    assert_int_equal(outc_collect(m, row, &e), 0);
    model_destroy(m);
    warm_state_fini(&ws);
}

/* The warm start draws only from its own streams and changes no clock: every person's
 * clocks, conditions and diagnosis days at time 0 are those of the cold start. */
static void test_warm_start_leaves_every_clock_as_the_cold_start(void **state)
{
    (void)state;
    double row[OUTC_COUNT];
    struct model *old = testutil_run_scenario(4000, 1.0, NULL, 0, row);
    struct warm_state ws;
    state_of(old, &ws);
    model_destroy(old);
    struct model *cold = fresh_model(4000, 1), *warm = fresh_model(4000, 1);
    struct sim_err e;
    sim_err_clear(&e);
    assert_int_equal(warm_apply(warm, &ws, &e), 0);
    assert_int_equal(warm->n_persons, cold->n_persons);
    int in_hospital = 0;
    for (uint32_t id = 0; id < cold->n_persons; id++) {
        const struct person *a = &cold->persons[id], *b = &warm->persons[id];
        assert_memory_equal(a->clock, b->clock, sizeof a->clock);
        assert_memory_equal(a->onset_day, b->onset_day, sizeof a->onset_day);
        assert_true(a->birth_day == b->birth_day);
        assert_int_equal(a->conds, b->conds);
        assert_int_equal(a->controlled, b->controlled);
        assert_int_equal(a->severity, b->severity);
        assert_int_equal(a->ndraw, b->ndraw); /* no care draw either */
        in_hospital += (b->flags & POP_IN_HOSPITAL) != 0;
    }
    assert_true(in_hospital > 0); /* the warm start did something */
    model_destroy(cold);
    model_destroy(warm);
    warm_state_fini(&ws);
}

static void test_warm_start_refuses_other_providers(void **state)
{
    (void)state;
    double row[OUTC_COUNT];
    struct model *old = testutil_run_scenario(3000, 0.5, NULL, 0, row);
    struct warm_state ws;
    state_of(old, &ws);
    model_destroy(old);
    struct model *m = fresh_model(9000, 0); /* two practices, not one */
    struct sim_err e;
    sim_err_clear(&e);
    assert_int_equal(warm_apply(m, &ws, &e), SIM_EINVAL);
    assert_non_null(strstr(e.msg, "practices"));
    sim_err_clear(&e);
    assert_int_equal(warm_state_check(&ws, &m->par, &e), SIM_EINVAL);
    assert_non_null(strstr(e.msg, "1 practice and 1 hospital, this scenario 2 and 1"));
    model_destroy(m);
    warm_state_fini(&ws);
}

/* Rows that are not an end state are refused, naming the row. */
static void test_warm_state_refuses_bad_rows(void **state)
{
    (void)state;
    /* replication, kind, unit, specialty, position, count, capacity */
    const double good[][WARM_COUNT_COLS] = {
        {0, WARM_GP_ROUTINE, 0, -1, 0, 3, 10},
        {0, WARM_CLINIC_ROUTINE, 0, 2, 0, 1, 1},
        {0, WARM_BEDS, 0, -1, 0, 5, 9},
        {1, WARM_GP_ROUTINE, 0, -1, 0, 3, 10},
        {1, WARM_BEDS, 0, -1, 0, 5, 9},
    };
    struct warm_state ws;
    struct sim_err e;
    sim_err_clear(&e);
    assert_int_equal(warm_state_init(&ws, &good[0][0], 5, &e), 0);
    assert_int_equal(ws.reps, 2);
    assert_int_equal(ws.practices, 1);
    assert_int_equal(ws.hospitals, 1);
    assert_int_equal(ws.first[1], 3);
    warm_state_fini(&ws);
    static const struct {
        int row, col;
        double value;
        const char *msg;
    } bad[] = {
        {0, WARM_REPLICATION, 1, "row 0: replication 1 out of order"},
        {3, WARM_REPLICATION, 2, "row 3: replication 2 out of order"},
        {0, WARM_KIND, WARM_KINDS, "row 0: not a valid row"},
        {1, WARM_SPECIALTY, -1, "row 1: not a valid row"},
        {0, WARM_SPECIALTY, 2, "row 0: not a valid row"},
        {2, WARM_COUNT, -1, "row 2: not a valid row"},
        {2, WARM_POSITION, 0.5, "row 2: not a valid row"},
        {4, WARM_UNIT, 1, "replication 1 has 1 practices and 2 hospitals"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double rows[5][WARM_COUNT_COLS];
        memcpy(rows, good, sizeof rows);
        rows[bad[i].row][bad[i].col] = bad[i].value;
        sim_err_clear(&e);
        assert_int_equal(warm_state_init(&ws, &rows[0][0], 5, &e), SIM_EINVAL);
        if (!strstr(e.msg, bad[i].msg))
            fail_msg("case %zu: expected '%s' in '%s'", i, bad[i].msg, e.msg);
        warm_state_fini(&ws);
    }
    assert_int_equal(warm_state_init(&ws, NULL, 0, &e), SIM_EINVAL);
    warm_state_fini(&ws);
}

/* ---- the command ------------------------------------------------------------------------------ */

/* A saved run (12 000 persons: 36 beds; two years from an empty system, 4 replications,
 * seed 5), then three months from it (warm) and from an empty system (cold), no warm-up. */
#define SAVED_TEXT                                                                         \
    "name = \"t\";\n"                                                                      \
    "run = { population = 12000; horizon_years = 2.0; warmup_years = 0.0;\n"              \
    "        replications = 4; seed = 5; };\n"
#define WARM_TEXT                                                                          \
    "name = \"w\";\n"                                                                      \
    "run = { population = 12000; horizon_years = 0.25; warmup_years = 0.0;\n"             \
    "        replications = 4; seed = 5; warm_start = \"saved.h5\"; };\n"

static struct {
    int done;
    char dir[64], saved_cfg[128], warm_cfg[128], saved[128], warm[128], cold[128];
    char out_txt[128], err_txt[128];
} cmd;

static void cmd_free(void)
{
    if (cmd.dir[0])
        testutil_remove_tree(cmd.dir);
    out_library_close();
}

static int run_cmd(const char *const *args)
{
    return testutil_run_args(cli_run, "run", args, cmd.out_txt, cmd.err_txt);
}

static void cmd_runs(void)
{
    if (cmd.done)
        return;
    snprintf(cmd.dir, sizeof cmd.dir, "/tmp/caresim-test-warm-XXXXXX");
    assert_non_null(mkdtemp(cmd.dir));
    atexit(cmd_free);
    snprintf(cmd.saved_cfg, sizeof cmd.saved_cfg, "%s/saved.cfg", cmd.dir);
    snprintf(cmd.warm_cfg, sizeof cmd.warm_cfg, "%s/warm.cfg", cmd.dir);
    snprintf(cmd.saved, sizeof cmd.saved, "%s/saved.h5", cmd.dir);
    snprintf(cmd.warm, sizeof cmd.warm, "%s/warm.h5", cmd.dir);
    snprintf(cmd.cold, sizeof cmd.cold, "%s/cold.h5", cmd.dir);
    snprintf(cmd.out_txt, sizeof cmd.out_txt, "%s/stdout.txt", cmd.dir);
    snprintf(cmd.err_txt, sizeof cmd.err_txt, "%s/stderr.txt", cmd.dir);
    assert_int_equal(testutil_write_text(cmd.saved_cfg, SAVED_TEXT), 0);
    assert_int_equal(testutil_write_text(cmd.warm_cfg, WARM_TEXT), 0);
    const char *saved[] = {cmd.saved_cfg, "-o", cmd.saved, "-q", "-j", "2", NULL};
    const char *warm[] = {cmd.warm_cfg, "-o", cmd.warm, "-q", "-j", "2", NULL};
    const char *cold[] = {cmd.warm_cfg, "--set", "run.warm_start=\"\"", "-o", cmd.cold, "-q",
                          "-j", "2", NULL};
    const char *const *runs[] = {saved, warm, cold};
    for (int i = 0; i < 3; i++)
        if (run_cmd(runs[i]) != 0)
            fail_msg("run %d failed:\n%s", i, testutil_slurp(cmd.err_txt, NULL));
    cmd.done = 1;
}

static struct out_table *read_table(const char *path, const char *dataset)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(path, &e);
    assert_non_null(f);
    struct out_table *t = NULL;
    if (out_file_read_table(f, dataset, &t, &e) != 0)
        fail_msg("%s: %s", dataset, e.msg);
    out_file_close(f);
    return t;
}

/* Mean of timeseries column col over the rows of months [from, to]. */
static double series_mean(const struct out_table *t, int col, int from, int to)
{
    double sum = 0.0;
    int n = 0;
    for (size_t r = 0; r < t->n_rows; r++) {
        const double *v = t->values + r * t->n_cols;
        if (v[SER_MONTH] >= from && v[SER_MONTH] <= to && !isnan(v[col])) {
            sum += v[col];
            n++;
        }
    }
    assert_true(n > 0);
    return sum / n;
}

static void test_run_writes_end_state_with_kind_names(void **state)
{
    (void)state;
    cmd_runs();
    struct out_table *t = read_table(cmd.saved, "/scenarios/t/end_state");
    assert_int_equal(t->n_cols, WARM_COUNT_COLS);
    for (int c = 0; c < WARM_COUNT_COLS; c++) {
        struct outc_info info;
        assert_int_equal(warm_column_info(c, &info, NULL), 0);
        assert_string_equal(t->cols[c].name, info.name);
    }
    assert_true(t->values[(t->n_rows - 1) * t->n_cols + WARM_REPLICATION] == 3);
    out_table_destroy(t);
    struct sim_err e;
    struct out_file *f = out_file_open(cmd.saved, &e);
    assert_non_null(f);
    char **names = NULL;
    size_t n = 0;
    assert_int_equal(out_file_read_attr_strings(f, "/scenarios/t/end_state", "kind_names",
                                                &names, &n, &e),
                     0);
    out_file_close(f);
    assert_int_equal(n, WARM_KINDS);
    for (int k = 0; k < WARM_KINDS; k++)
        assert_string_equal(names[k], warm_kind_name(k));
    free(names);
}

/* The first month of the warm run is close to the saved run's end: its bed occupancy to
 * the end state's (beds occupied / beds), the other measures to the saved run's last three
 * months (its steady state after two years); the cold run's first month is far below.
 * Seed 5, 4 replications; the tolerances are about three standard errors of a mean of 4
 * values: occupancy 0.05 (sd ~0.03 within a month, ~0.04 of the end count), specialist
 * attendances 10% (Poisson sd ~3% a month), the elective list 30% and the specialist wait
 * 40% (replications differ widely), the GP wait 10%. Measured (warm, cold, saved):
 * occupancy 0.884, 0.673, 0.882 at the end (0.827 over the last three months); specialist
 * attendances 1421, 803, 1414; elective list 153, 19, 145; specialist wait 2.48, 0.74, 2.37
 * days; GP wait 1.27, 1.23, 1.21 days. */
static void test_warm_run_starts_near_the_saved_state_and_cold_run_near_empty(void **state)
{
    (void)state;
    cmd_runs();
    struct out_table *s = read_table(cmd.saved, "/scenarios/t/timeseries");
    struct out_table *w = read_table(cmd.warm, "/scenarios/w/timeseries");
    struct out_table *c = read_table(cmd.cold, "/scenarios/w/timeseries");
    struct out_table *end = read_table(cmd.saved, "/scenarios/t/end_state");
    double occupied = 0.0, beds = 0.0;
    for (size_t r = 0; r < end->n_rows; r++) {
        const double *v = end->values + r * end->n_cols;
        if (v[WARM_KIND] == WARM_BEDS) {
            occupied += v[WARM_COUNT];
            beds += v[WARM_CAPACITY];
        }
    }
    out_table_destroy(end);
    assert_true(beds == 4 * 36); /* 4 replications of one hospital of 36 beds */
    static const struct {
        int col;
        double tol;     /* warm month 1 within tol (relative when rel) of the saved level */
        int rel;
        double cold_at; /* cold month 1 below this fraction of the saved level; 0 = no test */
    } checks[] = {
        {SER_BED_OCCUPANCY, 0.05, 0, 0.9},
        {SER_SPECIALIST_VISITS, 0.10, 1, 0.75},
        {SER_ELECTIVE_LIST, 0.30, 1, 0.5},
        {SER_WAIT_SPECIALIST, 0.40, 1, 0.5},
        {SER_WAIT_GP, 0.10, 1, 0.0},
    };
    for (size_t i = 0; i < sizeof checks / sizeof *checks; i++) {
        int col = checks[i].col;
        double saved = col == SER_BED_OCCUPANCY ? occupied / beds : series_mean(s, col, 22, 24);
        double warm = series_mean(w, col, 1, 1), cold = series_mean(c, col, 1, 1);
        double tol = checks[i].rel ? checks[i].tol * saved : checks[i].tol;
        if (fabs(warm - saved) > tol)
            fail_msg("%s: warm month 1 %g, saved %g (tolerance %g)", s->cols[col].name, warm,
                     saved, tol);
        if (checks[i].cold_at > 0.0 && !(cold < checks[i].cold_at * saved))
            fail_msg("%s: cold month 1 %g, not below %g x saved %g", s->cols[col].name, cold,
                     checks[i].cold_at, saved);
    }
    out_table_destroy(s);
    out_table_destroy(w);
    out_table_destroy(c);
    char *out = testutil_slurp(cmd.out_txt, NULL); /* the cold run's */
    assert_null(strstr(out, "warm start:"));
    free(out);
}

/* Bad warm_start files: exit 2 with a message naming the key and the file, no results. */
static void test_warm_start_bad_files_exit_2_naming_key_and_file(void **state)
{
    (void)state;
    cmd_runs();
    char text[160], noend[160], out[160], bad_cfg[160];
    snprintf(text, sizeof text, "%s/notes.h5", cmd.dir);
    snprintf(noend, sizeof noend, "%s/noend.h5", cmd.dir);
    snprintf(out, sizeof out, "%s/never.h5", cmd.dir);
    snprintf(bad_cfg, sizeof bad_cfg, "%s/bad.cfg", cmd.dir);
    assert_int_equal(testutil_write_text(text, "not a results file\n"), 0);
    /* A results file with the scenario but no end_state (as before warm start existed). */
    struct sim_err e;
    sim_err_clear(&e);
    struct out_provenance prov = {.version = "0", .threads = 1};
    struct out_writer *wr = out_writer_create(noend, &prov, &e);
    assert_non_null(wr);
    assert_int_equal(out_writer_add_scenario(wr, "t", "name = \"t\";\n", &e), 0);
    assert_int_equal(out_writer_commit(wr, &e), 0);
    out_writer_destroy(wr);

    static const struct {
        const char *set1, *set2;
        const char *key, *file, *why;
    } cases[] = {
        {"run.warm_start=\"missing.h5\"", NULL, "run.warm_start", "missing.h5", ""},
        {"run.warm_start=\"notes.h5\"", NULL, "run.warm_start", "notes.h5", ""},
        {"run.warm_start=\"noend.h5\"", NULL, "run.warm_start", "noend.h5",
         "scenario 't' has no end_state"},
        {"run.warm_start_scenario=\"nope\"", NULL, "run.warm_start_scenario", "saved.h5",
         "holds no scenario 'nope' (it holds: t)"},
        {"run.population=20000", NULL, "run.warm_start", "saved.h5",
         "the saved state has 2 practices and 1 hospital, this scenario 3 and 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *args[] = {cmd.warm_cfg, "--set", cases[i].set1, "-o", out, "-q", NULL};
        assert_int_equal(run_cmd(args), CLI_EXIT_USAGE);
        char *err = testutil_slurp(cmd.err_txt, NULL);
        char key[64];
        snprintf(key, sizeof key, ": %s: ", cases[i].key);
        if (!strstr(err, key) || !strstr(err, cases[i].file) || !strstr(err, cases[i].why) ||
            !strstr(err, cmd.warm_cfg))
            fail_msg("case %zu: expected '%s', '%s' and '%s' in:\n%s", i, key, cases[i].file,
                     cases[i].why, err);
        free(err);
        struct stat st;
        assert_true(stat(out, &st) != 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cold_start_gives_the_results_of_before_warm_start),
        cmocka_unit_test(test_end_state_rows_hold_the_queues_at_the_end),
        cmocka_unit_test(test_warm_start_fills_books_beds_and_list_as_saved),
        cmocka_unit_test(test_warm_start_leaves_every_clock_as_the_cold_start),
        cmocka_unit_test(test_warm_start_refuses_other_providers),
        cmocka_unit_test(test_warm_state_refuses_bad_rows),
        cmocka_unit_test(test_run_writes_end_state_with_kind_names),
        cmocka_unit_test(test_warm_run_starts_near_the_saved_state_and_cold_run_near_empty),
        cmocka_unit_test(test_warm_start_bad_files_exit_2_naming_key_and_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
