/* tests/test_run.c — tests of `caresim run` (cli/run.c) and of the outcome row it stores
 * (models/outcomes.c). The command runs in-process through cli_run() with stdout and
 * stderr redirected to files; its results file is read back through output/. Runs are
 * small (2000 persons, half a year of warm-up and one year of horizon) and every test works
 * in its own temporary directory under /tmp, removed afterwards. The tests that only read a
 * finished run share one (made on first use, removed at exit), and so do the tests of -j
 * (one run per thread count), since each run costs a calibration of the disease tables.
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
#include "models/model.h"
#include "models/outcomes.h"
#include "models/params.h"
#include "output/results.h"
#include "sim/config.h"
#include "sim/err.h"

/* The test scenario: everything at its default except the run's size and length. */
#define SCENARIO_TEXT                                                                      \
    "name = \"t\";\n"                                                                      \
    "run = { population = 2000; horizon_years = 1.0; warmup_years = 0.5;\n"                \
    "        replications = 3; seed = 11; };\n"
#define SCENARIO_REPS 3
#define SCENARIO_SEED 11
#define SCENARIO_POPULATION 2000

/* ---- temporary directories ------------------------------------------------------------- */

struct scratch {
    char dir[64];        /* the temporary directory */
    char scenario[128];  /* <dir>/t.cfg, holding SCENARIO_TEXT */
    char out_txt[128];   /* captured stdout of the last run */
    char err_txt[128];   /* captured stderr of the last run */
};

static int scratch_init(struct scratch *s)
{
    snprintf(s->dir, sizeof s->dir, "/tmp/caresim-test-run-XXXXXX");
    if (!mkdtemp(s->dir))
        return -1;
    snprintf(s->scenario, sizeof s->scenario, "%s/t.cfg", s->dir);
    snprintf(s->out_txt, sizeof s->out_txt, "%s/stdout.txt", s->dir);
    snprintf(s->err_txt, sizeof s->err_txt, "%s/stderr.txt", s->dir);
    FILE *f = fopen(s->scenario, "w");
    if (!f)
        return -1;
    fputs(SCENARIO_TEXT, f);
    return fclose(f);
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

/* ---- running the command ----------------------------------------------------------------- */

/* Runs `caresim run ARGS` (args NULL-terminated, without "run") with stdout and stderr
 * going to s->out_txt and s->err_txt; returns its exit status. */
static int run_cmd(const struct scratch *s, const char *const *args)
{
    return testutil_run_args(cli_run, "run", args, s->out_txt, s->err_txt);
}


static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Number of hidden entries in a directory, apart from . and .. (a results writer's
 * temporary file is hidden: .<name>.tmp.<pid>.<n>). */
static int count_hidden(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *de; (de = readdir(d));)
        n += de->d_name[0] == '.' && strcmp(de->d_name, ".") != 0 &&
             strcmp(de->d_name, "..") != 0;
    closedir(d);
    return n;
}

static struct out_table *read_table(const char *path, const char *dataset)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(path, &e);
    assert_non_null(f);
    struct out_table *t = NULL;
    assert_int_equal(out_file_read_table(f, dataset, &t, &e), 0);
    out_file_close(f);
    return t;
}

static double cell(const struct out_table *t, size_t row, int col)
{
    return t->values[row * t->n_cols + (size_t)col];
}

/* ---- the shared run ---------------------------------------------------------------------- */

/* One run of the test scenario with a --set, read by the tests that only look at it. */
static struct {
    int done;             /* made */
    struct scratch s;     /* its directory */
    char path[160];       /* its results file */
    int rc;               /* exit status */
    char *out;            /* captured stdout */
    char *err;            /* captured stderr */
} shared;

static const char *const shared_sets[] = {"description=shared run"};

static void shared_free(void)
{
    scratch_fini(&shared.s);
    free(shared.out);
    free(shared.err);
    out_library_close();
}

static void shared_run(void)
{
    if (shared.done)
        return;
    assert_int_equal(scratch_init(&shared.s), 0);
    atexit(shared_free);
    snprintf(shared.path, sizeof shared.path, "%s/results.h5", shared.s.dir);
    const char *args[] = {shared.s.scenario, "--set", shared_sets[0], "-o", shared.path,
                          "--quiet", NULL};
    shared.rc = run_cmd(&shared.s, args);
    shared.out = testutil_slurp(shared.s.out_txt, NULL);
    shared.err = testutil_slurp(shared.s.err_txt, NULL);
    shared.done = 1;
    if (shared.rc != 0)
        fprintf(stderr, "shared run failed (%d):\n%s", shared.rc, shared.err);
    assert_int_equal(shared.rc, 0);
}

/* ---- the results file -------------------------------------------------------------------- */

static void test_run_writes_results_file_and_prints_its_path(void **state)
{
    (void)state;
    shared_run();
    assert_true(file_exists(shared.path));
    char line[256];
    snprintf(line, sizeof line, "wrote %s\n", shared.path);
    assert_non_null(strstr(shared.out, line));
    assert_string_equal(shared.err, "");
    /* No temporary file left beside it. */
    assert_int_equal(count_hidden(shared.s.dir), 0);
}

static void test_run_replications_table_has_a_row_per_replication_with_units(void **state)
{
    (void)state;
    shared_run();
    struct out_table *t = read_table(shared.path, "/scenarios/t/replications");
    assert_int_equal(t->n_rows, SCENARIO_REPS);
    assert_int_equal(t->n_cols, OUTC_COUNT);
    for (int c = 0; c < OUTC_COUNT; c++) {
        struct outc_info info;
        assert_int_equal(outc_column_info(c, &info, NULL), 0);
        assert_string_equal(t->cols[c].name, info.name);
        assert_string_equal(t->cols[c].unit, info.unit);
        assert_true(strlen(t->cols[c].unit) > 0);
        assert_true(strlen(t->cols[c].desc) > 0);
    }
    /* The names the project's issues use. */
    static const struct {
        int col;
        const char *name;
        const char *unit;
    } expect[] = {
        {OUTC_PERSONS_START, "persons_start", "persons"},
        {OUTC_PERSONS_END, "persons_end", "persons"},
        {OUTC_ENTRIES, "entries", "persons"},
        {OUTC_DEATHS, "deaths", "persons"},
        {OUTC_LIFE_YEARS, "life_years", "years"},
        {OUTC_LIFE_YEARS_DISC, "life_years_disc", "years"},
        {OUTC_QALYS, "qalys", "QALYs"},
        {OUTC_QALYS_DISC, "qalys_disc", "QALYs"},
        {OUTC_MULTIMORBIDITY_ALL, "multimorbidity_prev_all", "fraction"},
        {OUTC_MULTIMORBIDITY_65PLUS, "multimorbidity_prev_65plus", "fraction"},
        {OUTC_LIFE_EXPECTANCY_BIRTH, "life_expectancy_birth", "years"},
        {OUTC_DEATHS_PER_1000_YEAR, "deaths_per_1000_year", "per 1000 person-years"},
        {OUTC_ONSET_FIRST + DIS_HYPERTENSION, "onset_hypertension_per_1000_year",
         "per 1000 person-years"},
        {OUTC_ONSET_FIRST + DIS_CANCER, "onset_cancer_per_1000_year", "per 1000 person-years"},
    };
    for (size_t i = 0; i < sizeof expect / sizeof *expect; i++) {
        assert_string_equal(t->cols[expect[i].col].name, expect[i].name);
        assert_string_equal(t->cols[expect[i].col].unit, expect[i].unit);
    }
    out_table_destroy(t);
}

static void test_run_persons_balance_in_every_replication(void **state)
{
    (void)state;
    shared_run();
    struct out_table *t = read_table(shared.path, "/scenarios/t/replications");
    for (size_t r = 0; r < t->n_rows; r++) {
        assert_true(cell(t, r, OUTC_PERSONS_START) == SCENARIO_POPULATION);
        assert_true(cell(t, r, OUTC_DEATHS) > 0); /* so the balance is not 0 + 0 - 0 */
        assert_true(cell(t, r, OUTC_PERSONS_START) + cell(t, r, OUTC_ENTRIES) -
                        cell(t, r, OUTC_DEATHS) ==
                    cell(t, r, OUTC_PERSONS_END));
    }
    out_table_destroy(t);
}

static void test_run_summary_means_equal_column_means(void **state)
{
    (void)state;
    shared_run();
    struct out_table *t = read_table(shared.path, "/scenarios/t/replications");
    struct sim_err e;
    struct out_file *f = out_file_open(shared.path, &e);
    assert_non_null(f);
    struct out_summary *sum = NULL;
    assert_int_equal(out_file_read_summary(f, "/scenarios/t/summary", &sum, &e), 0);
    out_file_close(f);
    assert_int_equal(sum->n_rows, t->n_cols);
    for (size_t c = 0; c < t->n_cols; c++) {
        double mean = 0.0;
        for (size_t r = 0; r < t->n_rows; r++)
            mean += cell(t, r, (int)c) / (double)t->n_rows;
        assert_string_equal(sum->rows[c].outcome, t->cols[c].name);
        assert_string_equal(sum->rows[c].unit, t->cols[c].unit);
        assert_int_equal(sum->rows[c].n, SCENARIO_REPS);
        /* Same values, summed in another order: equal to rounding. */
        assert_near(sum->rows[c].mean, mean, 1e-12 * fabs(mean) + 1e-300);
        assert_true(sum->rows[c].ci_low <= mean && mean <= sum->rows[c].ci_high);
    }
    out_summary_destroy(sum);
    out_table_destroy(t);
}

static void test_run_root_attributes_record_provenance(void **state)
{
    (void)state;
    shared_run();
    struct sim_err e;
    struct out_file *f = out_file_open(shared.path, &e);
    assert_non_null(f);
    struct out_info *info = NULL;
    assert_int_equal(out_file_read_info(f, &info, &e), 0);
    out_file_close(f);
    assert_int_equal(info->master_seed, SCENARIO_SEED);
    assert_non_null(strstr(info->command_line, "caresim run "));
    assert_non_null(strstr(info->command_line, shared.s.scenario));
    assert_non_null(strstr(info->command_line, "'description=shared run'"));
    assert_true(strlen(info->git_commit) > 0);
    assert_string_equal(info->version, CARESIM_VERSION);
    assert_int_equal(info->threads, 1);
    assert_int_equal(info->partial, 0);
    char host[256] = "";
    gethostname(host, sizeof host);
    host[sizeof host - 1] = '\0';
    assert_string_equal(info->host, host);
    /* 2024-05-01T12:00:00Z, and not finished before started (same format: compare text). */
    assert_int_equal(strlen(info->started_utc), 20);
    assert_int_equal(info->started_utc[10], 'T');
    assert_int_equal(info->started_utc[19], 'Z');
    assert_int_equal(strlen(info->finished_utc), 20);
    assert_true(strcmp(info->started_utc, info->finished_utc) <= 0);
    out_info_destroy(info);
}

static void test_run_config_reads_back_to_the_same_values(void **state)
{
    (void)state;
    shared_run();
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(shared.path, &e);
    assert_non_null(f);
    char *text = NULL;
    assert_int_equal(out_file_read_config(f, "t", &text, &e), 0);
    out_file_close(f);

    struct sim_cfg *orig = cli_load_scenario(shared.s.scenario, shared_sets, 1, stderr);
    assert_non_null(orig);
    struct sim_cfg *back = sim_cfg_create(params_schema(), &e);
    assert_non_null(back);
    assert_int_equal(sim_cfg_load_string(back, text, "config", &e), 0);
    assert_int_equal(sim_cfg_finish(back, &e), 0);
    const struct sim_cfg_schema *schema = params_schema();
    char a[4096], b[4096];
    for (size_t k = 0; k < schema->nkeys; k++)
        assert_string_equal(sim_cfg_value_text(back, k, b, sizeof b),
                            sim_cfg_value_text(orig, k, a, sizeof a));
    /* The --set is in it. */
    int kd = sim_cfg_schema_find(schema, "description");
    assert_true(kd >= 0);
    assert_string_equal(sim_cfg_get_string(back, (size_t)kd), "shared run");
    sim_cfg_destroy(back);
    sim_cfg_destroy(orig);
    free(text);
}

/* ---- outcomes ---------------------------------------------------------------------------- */

static void test_run_discounted_outcomes_below_undiscounted_and_qalys_below_life_years(
    void **state)
{
    (void)state;
    shared_run();
    struct out_table *t = read_table(shared.path, "/scenarios/t/replications");
    for (size_t r = 0; r < t->n_rows; r++) {
        double ly = cell(t, r, OUTC_LIFE_YEARS), lyd = cell(t, r, OUTC_LIFE_YEARS_DISC);
        double q = cell(t, r, OUTC_QALYS), qd = cell(t, r, OUTC_QALYS_DISC);
        assert_true(qd > 0.0);
        assert_true(lyd < ly); /* 3.5% a year over one year discounts by ~1.7% */
        assert_true(qd < q);
        assert_true(q < ly); /* utilities are below 1 on average */
        assert_true(qd < lyd);
        assert_near(cell(t, r, OUTC_MEAN_UTILITY), q / ly, 1e-12);
    }
    out_table_destroy(t);
}

/* Two independent tallies of the same time lived: the age tally (person_years) and each
 * person's window clipped from birth and death (life_years). */
static void test_run_person_years_equal_life_years(void **state)
{
    (void)state;
    shared_run();
    struct out_table *t = read_table(shared.path, "/scenarios/t/replications");
    for (size_t r = 0; r < t->n_rows; r++)
        assert_rel_near(cell(t, r, OUTC_PERSON_YEARS), cell(t, r, OUTC_LIFE_YEARS), 1e-9);
    out_table_destroy(t);
}

/* The rates are counts per person-year, so they lie in sensible ranges of the default
 * scenario: mortality ~11 per 1000 (England ~10), a life expectancy within the model's
 * validated 78-84 (docs/model.md) widened for 2000 persons over one year, and the
 * multimorbidity shares of docs/model.md (15% all ages, 47% at 65-84) within +/- 8 points
 * (binomial se at n = 2000: 0.8 points; at n ~ 380 aged 65+: 2.6 points). */
static void test_run_rates_are_in_plausible_ranges(void **state)
{
    (void)state;
    shared_run();
    struct out_table *t = read_table(shared.path, "/scenarios/t/replications");
    for (size_t r = 0; r < t->n_rows; r++) {
        assert_true(cell(t, r, OUTC_DEATHS_PER_1000_YEAR) > 5.0);
        assert_true(cell(t, r, OUTC_DEATHS_PER_1000_YEAR) < 20.0);
        assert_true(cell(t, r, OUTC_LIFE_EXPECTANCY_BIRTH) > 70.0);
        assert_true(cell(t, r, OUTC_LIFE_EXPECTANCY_BIRTH) < 95.0);
        assert_near(cell(t, r, OUTC_MULTIMORBIDITY_ALL), 0.15, 0.08);
        assert_true(cell(t, r, OUTC_MULTIMORBIDITY_65PLUS) > cell(t, r, OUTC_MULTIMORBIDITY_ALL));
        for (int c = 0; c < DIS_COUNT; c++)
            assert_true(cell(t, r, OUTC_ONSET_FIRST + c) >= 0.0);
        assert_true(cell(t, r, OUTC_ONSET_FIRST + DIS_HYPERTENSION) > 0.0);
    }
    out_table_destroy(t);
}

/* ---- the terminal ------------------------------------------------------------------------ */

static void test_run_prints_header_and_a_line_per_outcome(void **state)
{
    (void)state;
    shared_run();
    assert_non_null(strstr(shared.out, "scenario t ("));
    assert_non_null(strstr(shared.out, "3 replications, population 2000, horizon 1 year "
                                       "after a warm-up of 0.5 years, seed 11\n"));
    assert_non_null(strstr(shared.out, "95% CI\n"));
    for (int c = 0; c < OUTC_COUNT; c++) {
        struct outc_info info;
        outc_column_info(c, &info, NULL);
        char start[96];
        snprintf(start, sizeof start, "\n%s ", info.name);
        const char *line = strstr(shared.out, start);
        assert_non_null(line);
        const char *end = strchr(line + 1, '\n');
        assert_non_null(end);
        /* mean, then "[lo, hi]" (3 replications give an interval) */
        assert_true(end[-1] == ']');
        assert_non_null(memchr(line, '[', (size_t)(end - line)));
    }
}

static void test_run_single_replication_prints_value_and_na_interval(void **state)
{
    struct scratch *s = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/one.h5", s->dir);
    const char *args[] = {s->scenario, "-r", "1", "-o", out, NULL};
    assert_int_equal(run_cmd(s, args), 0);
    char *text = testutil_slurp(s->out_txt, NULL);
    const char *line = strstr(text, "\nqalys ");
    assert_non_null(line);
    const char *end = strchr(line + 1, '\n');
    assert_non_null(end);
    assert_memory_equal(end - 3, "n/a", 3);
    free(text);
}

/* ---- reproducibility and options --------------------------------------------------------- */

static void test_run_same_seed_gives_bit_identical_tables(void **state)
{
    struct scratch *s = *state;
    shared_run();
    char out[160];
    snprintf(out, sizeof out, "%s/again.h5", s->dir);
    const char *args[] = {shared.s.scenario, "--set", shared_sets[0], "-o", out, NULL};
    assert_int_equal(run_cmd(s, args), 0);
    struct out_table *a = read_table(shared.path, "/scenarios/t/replications");
    struct out_table *b = read_table(out, "/scenarios/t/replications");
    assert_int_equal(a->n_rows, b->n_rows);
    assert_memory_equal(a->values, b->values, a->n_rows * a->n_cols * sizeof(double));
    out_table_destroy(a);
    out_table_destroy(b);
}

static void test_run_different_seed_gives_different_table(void **state)
{
    struct scratch *s = *state;
    shared_run();
    char out[160];
    snprintf(out, sizeof out, "%s/other.h5", s->dir);
    const char *args[] = {s->scenario, "--seed", "12", "-r", "1", "-o", out, NULL};
    assert_int_equal(run_cmd(s, args), 0);
    struct out_table *a = read_table(shared.path, "/scenarios/t/replications");
    struct out_table *b = read_table(out, "/scenarios/t/replications");
    /* Replication 0 of both: same scenario, another seed. */
    assert_true(cell(a, 0, OUTC_QALYS) != cell(b, 0, OUTC_QALYS));
    assert_true(cell(a, 0, OUTC_PERSONS_START) == cell(b, 0, OUTC_PERSONS_START));
    out_table_destroy(a);
    out_table_destroy(b);
}

static void test_run_options_override_replications_and_seed_of_the_file(void **state)
{
    struct scratch *s = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/over.h5", s->dir);
    /* -r also wins over a --set of the same key, wherever it stands. */
    const char *args[] = {s->scenario, "-r", "2", "--set", "run.replications=5", "--seed=99",
                          "-o", out, NULL};
    assert_int_equal(run_cmd(s, args), 0);
    struct out_table *t = read_table(out, "/scenarios/t/replications");
    assert_int_equal(t->n_rows, 2);
    out_table_destroy(t);
    struct sim_err e;
    struct out_file *f = out_file_open(out, &e);
    assert_non_null(f);
    struct out_info *info = NULL;
    assert_int_equal(out_file_read_info(f, &info, &e), 0);
    assert_int_equal(info->master_seed, 99);
    out_info_destroy(info);
    char *text = NULL;
    assert_int_equal(out_file_read_config(f, "t", &text, &e), 0);
    out_file_close(f);
    assert_non_null(strstr(text, "replications = 2;"));
    assert_non_null(strstr(text, "seed = 99;"));
    free(text);
}

static void test_run_default_output_is_results_dir_named_for_scenario(void **state)
{
    struct scratch *s = *state;
    char cwd[4096], expect[160];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(s->dir), 0);
    const char *args[] = {s->scenario, "-r", "1", NULL};
    int rc = run_cmd(s, args);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(rc, 0);
    snprintf(expect, sizeof expect, "%s/results/t.h5", s->dir);
    assert_true(file_exists(expect));
    char *text = testutil_slurp(s->out_txt, NULL);
    assert_non_null(strstr(text, "wrote results/t.h5\n"));
    free(text);
}

/* ---- failures ---------------------------------------------------------------------------- */

static void test_run_invalid_set_exits_2_with_message_and_no_file(void **state)
{
    struct scratch *s = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/bad.h5", s->dir);
    const char *args[] = {s->scenario, "--set", "run.population=-3", "-o", out, NULL};
    assert_int_equal(run_cmd(s, args), CLI_EXIT_USAGE);
    char *err = testutil_slurp(s->err_txt, NULL);
    assert_non_null(strstr(err, "--set: run.population: must be"));
    assert_non_null(strstr(err, "(got -3)"));
    assert_non_null(strstr(err, "caresim: 1 error in "));
    free(err);
    assert_false(file_exists(out));
    assert_int_equal(count_hidden(s->dir), 0);
}

static void test_run_invalid_file_value_names_file_and_line(void **state)
{
    struct scratch *s = *state;
    char path[160], out[160];
    snprintf(path, sizeof path, "%s/broken.cfg", s->dir);
    snprintf(out, sizeof out, "%s/bad.h5", s->dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("name = \"t\";\nrun = { population = 0; };\n", f);
    fclose(f);
    const char *args[] = {path, "-o", out, NULL};
    assert_int_equal(run_cmd(s, args), CLI_EXIT_USAGE);
    char *err = testutil_slurp(s->err_txt, NULL), expect[200];
    snprintf(expect, sizeof expect, "%s:2: run.population: must be", path);
    assert_non_null(strstr(err, expect));
    free(err);
    assert_false(file_exists(out));
}

/* A combination the key ranges allow but the model refuses (prevalence falling with age)
 * is an invalid scenario too, found before any result is written. */
static void test_run_scenario_the_model_refuses_exits_2_and_no_file(void **state)
{
    struct scratch *s = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/bad.h5", s->dir);
    const char *args[] = {s->scenario, "--set",
                          "disease.copd.prevalence_men=[0.0,0.2,0.1,0.1,0.1,0.1,0.1,0.1,0.1]",
                          "-o", out, NULL};
    assert_int_equal(run_cmd(s, args), CLI_EXIT_USAGE);
    char *err = testutil_slurp(s->err_txt, NULL);
    assert_non_null(strstr(err, "disease.copd.prevalence_men"));
    free(err);
    assert_false(file_exists(out));
    assert_int_equal(count_hidden(s->dir), 0);
}

static void test_run_output_in_missing_directory_exits_1_naming_it(void **state)
{
    struct scratch *s = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/no/such/dir/r.h5", s->dir);
    const char *args[] = {s->scenario, "-o", out, NULL};
    assert_int_equal(run_cmd(s, args), CLI_EXIT_FAIL);
    char *err = testutil_slurp(s->err_txt, NULL);
    assert_non_null(strstr(err, out));
    free(err);
    assert_false(file_exists(out));
    char parent[160];
    snprintf(parent, sizeof parent, "%s/no", s->dir);
    assert_false(file_exists(parent));
}

static void test_run_bad_command_lines_exit_2(void **state)
{
    struct scratch *s = *state;
    const char *no_file[] = {"-r", "2", NULL};
    const char *two_files[] = {s->scenario, s->scenario, NULL};
    const char *bad_reps[] = {s->scenario, "-r", "two", NULL};
    const char *no_value[] = {s->scenario, "--seed", NULL};
    const char *unknown[] = {s->scenario, "--frobnicate", NULL};
    const char *zero_reps[] = {s->scenario, "-r", "0", NULL};
    const char *const *cases[] = {no_file, two_files, bad_reps, no_value, unknown, zero_reps};
    const char *messages[] = {"missing scenario file", "one scenario file at a time",
                              "-r: expected a whole number (got 'two')", "--seed needs a value",
                              "unknown option '--frobnicate'", "run.replications: must be"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        assert_int_equal(run_cmd(s, cases[i]), CLI_EXIT_USAGE);
        char *err = testutil_slurp(s->err_txt, NULL);
        if (!strstr(err, messages[i]))
            fail_msg("case %zu: expected '%s' in:\n%s", i, messages[i], err);
        free(err);
    }
}

/* ---- threads ----------------------------------------------------------------------------- */

/* The same scenario run with -j 1, 2 and 4: 3000 persons, 4 replications (so that with 4
 * threads every replication has its own), made on first use and shared by the tests. */
#define THREADS_RUNS 3
static const char *const threads_counts[THREADS_RUNS] = {"1", "2", "4"};
static struct {
    int done;                       /* made */
    struct scratch s;               /* their directory */
    char path[THREADS_RUNS][160];   /* results file of each thread count */
} tj;

static void tj_free(void)
{
    scratch_fini(&tj.s);
}

static void threads_runs(void)
{
    if (tj.done)
        return;
    assert_int_equal(scratch_init(&tj.s), 0);
    atexit(tj_free);
    for (int i = 0; i < THREADS_RUNS; i++) {
        snprintf(tj.path[i], sizeof tj.path[i], "%s/j%s.h5", tj.s.dir, threads_counts[i]);
        const char *args[] = {tj.s.scenario, "--set", "run.population=3000", "-r", "4",
                              "-o", tj.path[i], "--quiet", "-j", threads_counts[i], NULL};
        /* The last in the attached form (-j4), so that both forms are used. */
        char attached[8];
        if (i == THREADS_RUNS - 1) {
            snprintf(attached, sizeof attached, "-j%s", threads_counts[i]);
            args[8] = attached;
            args[9] = NULL;
        }
        int rc = run_cmd(&tj.s, args);
        if (rc != 0) {
            char *err = testutil_slurp(tj.s.err_txt, NULL);
            fail_msg("-j %s failed (%d):\n%s", threads_counts[i], rc, err);
        }
    }
    tj.done = 1;
}

static void test_run_threads_give_bit_identical_replications_tables(void **state)
{
    (void)state;
    threads_runs();
    struct out_table *a = read_table(tj.path[0], "/scenarios/t/replications");
    assert_int_equal(a->n_rows, 4);
    /* Replications differ from each other, so rows landing in the wrong place would show. */
    assert_true(cell(a, 0, OUTC_QALYS) != cell(a, 1, OUTC_QALYS));
    for (int i = 1; i < THREADS_RUNS; i++) {
        struct out_table *b = read_table(tj.path[i], "/scenarios/t/replications");
        assert_int_equal(b->n_rows, a->n_rows);
        assert_int_equal(b->n_cols, a->n_cols);
        if (memcmp(a->values, b->values, a->n_rows * a->n_cols * sizeof(double)) != 0)
            fail_msg("-j %s: replications table differs from -j 1", threads_counts[i]);
        out_table_destroy(b);
    }
    out_table_destroy(a);
}

static struct out_summary *read_summary(const char *path)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(path, &e);
    assert_non_null(f);
    struct out_summary *sum = NULL;
    assert_int_equal(out_file_read_summary(f, "/scenarios/t/summary", &sum, &e), 0);
    out_file_close(f);
    return sum;
}

static void test_run_threads_give_bit_identical_summaries(void **state)
{
    (void)state;
    threads_runs();
    struct out_summary *a = read_summary(tj.path[0]);
    for (int i = 1; i < THREADS_RUNS; i++) {
        struct out_summary *b = read_summary(tj.path[i]);
        assert_int_equal(b->n_rows, a->n_rows);
        for (size_t c = 0; c < a->n_rows; c++) {
            const struct out_summary_row *x = &a->rows[c], *y = &b->rows[c];
            assert_string_equal(x->outcome, y->outcome);
            assert_int_equal(x->n, y->n);
            double vx[4] = {x->mean, x->sd, x->ci_low, x->ci_high};
            double vy[4] = {y->mean, y->sd, y->ci_low, y->ci_high};
            if (memcmp(vx, vy, sizeof vx) != 0)
                fail_msg("-j %s: summary of %s differs from -j 1", threads_counts[i],
                         x->outcome);
        }
        out_summary_destroy(b);
    }
    out_summary_destroy(a);
}

static void test_run_threads_attribute_records_thread_count(void **state)
{
    (void)state;
    threads_runs();
    for (int i = 0; i < THREADS_RUNS; i++) {
        struct sim_err e;
        struct out_file *f = out_file_open(tj.path[i], &e);
        assert_non_null(f);
        struct out_info *info = NULL;
        assert_int_equal(out_file_read_info(f, &info, &e), 0);
        out_file_close(f);
        assert_int_equal(info->threads, atoi(threads_counts[i]));
        assert_non_null(strstr(info->command_line, " -j"));
        out_info_destroy(info);
    }
}

/* More threads than replications: only as many run, and the file says so. */
static void test_run_threads_beyond_replications_record_replications(void **state)
{
    struct scratch *s = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/few.h5", s->dir);
    const char *args[] = {s->scenario, "-r", "2", "-j", "8", "-o", out, "--quiet", NULL};
    assert_int_equal(run_cmd(s, args), 0);
    struct sim_err e;
    struct out_file *f = out_file_open(out, &e);
    assert_non_null(f);
    struct out_info *info = NULL;
    assert_int_equal(out_file_read_info(f, &info, &e), 0);
    out_file_close(f);
    assert_int_equal(info->threads, 2);
    out_info_destroy(info);
}

static void test_run_bad_thread_counts_exit_2(void **state)
{
    struct scratch *s = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/never.h5", s->dir);
    const char *values[] = {"0", "abc", "-1", "", "257", "1e3", "99999999999999999999"};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        const char *args[] = {s->scenario, "-j", values[i], "-o", out, NULL};
        assert_int_equal(run_cmd(s, args), CLI_EXIT_USAGE);
        char *err = testutil_slurp(s->err_txt, NULL), expect[128];
        snprintf(expect, sizeof expect, "-j: expected a number of threads from 1 to 256 (got '%s')",
                 values[i]);
        if (!strstr(err, expect))
            fail_msg("-j '%s': expected '%s' in:\n%s", values[i], expect, err);
        free(err);
    }
    const char *long_form[] = {s->scenario, "--jobs=0", "-o", out, NULL};
    assert_int_equal(run_cmd(s, long_form), CLI_EXIT_USAGE);
    const char *attached[] = {s->scenario, "-j0", "-o", out, NULL};
    assert_int_equal(run_cmd(s, attached), CLI_EXIT_USAGE);
    const char *missing[] = {s->scenario, "-j", NULL};
    assert_int_equal(run_cmd(s, missing), CLI_EXIT_USAGE);
    assert_false(file_exists(out));
}

/* A scenario the model refuses is found with several threads too: exit 2, no file. */
static void test_run_scenario_the_model_refuses_exits_2_with_threads(void **state)
{
    struct scratch *s = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/bad.h5", s->dir);
    const char *args[] = {s->scenario, "-j", "2", "--set",
                          "disease.copd.prevalence_men=[0.0,0.2,0.1,0.1,0.1,0.1,0.1,0.1,0.1]",
                          "-o", out, NULL};
    assert_int_equal(run_cmd(s, args), CLI_EXIT_USAGE);
    char *err = testutil_slurp(s->err_txt, NULL);
    assert_non_null(strstr(err, "disease.copd.prevalence_men"));
    free(err);
    assert_false(file_exists(out));
    assert_int_equal(count_hidden(s->dir), 0);
}

/* ---- --ci-target --------------------------------------------------------------------------- */

static double attr_number(const char *path, const char *object, const char *name)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct out_file *f = out_file_open(path, &e);
    assert_non_null(f);
    double v = NAN;
    if (out_file_read_attr_number(f, object, name, &v, &e) != 0)
        fail_msg("%s %s: %s", object, name, e.msg);
    out_file_close(f);
    return v;
}

static size_t table_rows(const char *path, const char *dataset)
{
    struct out_table *t = read_table(path, dataset);
    size_t n = t->n_rows;
    out_table_destroy(t);
    return n;
}

/* A target every outcome meets at once: the run.replications (3) are enough. */
static void test_run_ci_target_loose_stops_with_the_first_replications(void **state)
{
    struct scratch *s = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/loose.h5", s->dir);
    const char *args[] = {s->scenario, "--ci-target", "50%", "-o", out, "-q", NULL};
    assert_int_equal(run_cmd(s, args), 0);
    assert_int_equal(table_rows(out, "/scenarios/t/replications"), SCENARIO_REPS);
    char *text = testutil_slurp(s->out_txt, NULL);
    assert_non_null(strstr(text, "--ci-target 50%: reached with 3 replications\n"));
    free(text);
    assert_true(attr_number(out, "/scenarios/t", "ci_target") == 0.5);
    assert_true(attr_number(out, "/scenarios/t", "ci_met") == 1);
    assert_true(attr_number(out, "/scenarios/t", "ci_max_replications") == 1000);
    /* The achieved relative half-width of each primary outcome, named by ci_outcomes. */
    struct sim_err e;
    struct out_file *f = out_file_open(out, &e);
    assert_non_null(f);
    char **names = NULL;
    size_t n = 0;
    assert_int_equal(out_file_read_attr_strings(f, "/scenarios/t", "ci_outcomes", &names, &n, &e),
                     0);
    out_file_close(f);
    assert_int_equal(n, OUTC_PRIMARY_COUNT);
    for (size_t k = 0; k < n; k++) {
        struct outc_info info;
        outc_column_info(outc_primary[k], &info, NULL);
        assert_string_equal(names[k], info.name);
        char attr[96];
        snprintf(attr, sizeof attr, "ci_rel_halfwidth_%s", names[k]);
        double rel = attr_number(out, "/scenarios/t", attr);
        assert_true(rel >= 0.0 && rel <= 0.5);
    }
    free(names);
}

/* A target no outcome can meet: the maximum is run, exit 0, the missed outcomes named. */
static void test_run_ci_target_tight_stops_at_the_maximum_naming_the_missed(void **state)
{
    struct scratch *s = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/tight.h5", s->dir);
    const char *args[] = {s->scenario, "--ci-target=0.01%", "--max-replications", "5", "-o",
                          out, "-q", NULL};
    assert_int_equal(run_cmd(s, args), 0);
    assert_int_equal(table_rows(out, "/scenarios/t/replications"), 5);
    char *err = testutil_slurp(s->err_txt, NULL);
    assert_non_null(strstr(err, "--ci-target 0.01% not reached within 5 replications: "));
    assert_non_null(strstr(err, "deaths_per_1000_year ("));
    free(err);
    char *text = testutil_slurp(s->out_txt, NULL);
    assert_non_null(strstr(text, "NOT reached"));
    assert_non_null(strstr(text, "  missed\n"));
    free(text);
    assert_true(attr_number(out, "/scenarios/t", "ci_met") == 0);
    assert_true(attr_number(out, "/scenarios/t", "ci_max_replications") == 5);
    assert_true(attr_number(out, "/scenarios/t", "ci_rel_halfwidth_deaths_per_1000_year") >
                0.0001);
}

/* Compares dataset in two files bit for bit (values, and the shape). */
static void assert_same_table(const char *a_path, const char *b_path, const char *dataset)
{
    struct out_table *a = read_table(a_path, dataset), *b = read_table(b_path, dataset);
    assert_int_equal(a->n_rows, b->n_rows);
    assert_int_equal(a->n_cols, b->n_cols);
    if (a->n_rows && memcmp(a->values, b->values, a->n_rows * a->n_cols * sizeof(double)) != 0)
        fail_msg("%s differs between %s and %s", dataset, a_path, b_path);
    out_table_destroy(a);
    out_table_destroy(b);
}

/* The file of a --ci-target run is that of a plain run of as many replications (tables and
 * the configuration, whose run.replications is the number run), and is the same on 1 and
 * 2 threads: the rule is checked after every replication, whatever the batches. */
static void test_run_ci_target_file_equals_a_plain_run_of_as_many_replications(void **state)
{
    struct scratch *s = *state;
    char ci1[160], ci2[160], plain[160], reps[16];
    snprintf(ci1, sizeof ci1, "%s/ci1.h5", s->dir);
    snprintf(ci2, sizeof ci2, "%s/ci2.h5", s->dir);
    snprintf(plain, sizeof plain, "%s/plain.h5", s->dir);
    const char *a1[] = {s->scenario, "--ci-target", "10%", "-o", ci1, "-q", NULL};
    const char *a2[] = {s->scenario, "--ci-target", "10%", "-j", "2", "-o", ci2, "-q", NULL};
    assert_int_equal(run_cmd(s, a1), 0);
    assert_int_equal(run_cmd(s, a2), 0);
    size_t n = table_rows(ci1, "/scenarios/t/replications");
    assert_true(n > SCENARIO_REPS); /* replications were added */
    assert_true(attr_number(ci1, "/scenarios/t", "ci_met") == 1);
    snprintf(reps, sizeof reps, "%zu", n);
    const char *ap[] = {s->scenario, "-r", reps, "-o", plain, "-q", NULL};
    assert_int_equal(run_cmd(s, ap), 0);
    static const char *const tables[] = {"replications", "timeseries", "by_group", "ledger",
                                         "end_state"};
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        char dataset[64];
        snprintf(dataset, sizeof dataset, "/scenarios/t/%s", tables[i]);
        assert_same_table(ci1, plain, dataset);
        assert_same_table(ci1, ci2, dataset);
    }
    struct sim_err e;
    char *texts[2] = {NULL, NULL};
    const char *paths[2] = {ci1, plain};
    for (int i = 0; i < 2; i++) {
        struct out_file *f = out_file_open(paths[i], &e);
        assert_non_null(f);
        assert_int_equal(out_file_read_config(f, "t", &texts[i], &e), 0);
        out_file_close(f);
    }
    assert_string_equal(texts[0], texts[1]);
    free(texts[0]);
    free(texts[1]);
}

static void test_run_ci_target_bad_values_exit_2(void **state)
{
    struct scratch *s = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/never.h5", s->dir);
    const char *values[] = {"0%", "150%", "100%", "abc", "2", "-1%", "%", "2%%", " 2%", ""};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        const char *args[] = {s->scenario, "--ci-target", values[i], "-o", out, NULL};
        assert_int_equal(run_cmd(s, args), CLI_EXIT_USAGE);
        char *err = testutil_slurp(s->err_txt, NULL), expect[128];
        snprintf(expect, sizeof expect, "--ci-target: expected a percentage above 0%% and below "
                                        "100%%, such as 2%% (got '%s')",
                 values[i]);
        if (!strstr(err, expect))
            fail_msg("'%s': expected '%s' in:\n%s", values[i], expect, err);
        free(err);
    }
    const char *no_value[] = {s->scenario, "--ci-target", NULL};
    const char *max_alone[] = {s->scenario, "--max-replications", "20", NULL};
    const char *max_one[] = {s->scenario, "--ci-target", "5%", "--max-replications", "1", NULL};
    const char *max_word[] = {s->scenario, "--ci-target", "5%", "--max-replications=ten", NULL};
    const char *below[] = {s->scenario, "-r", "10", "--ci-target", "5%", "--max-replications",
                           "5", NULL};
    const char *const *cases[] = {no_value, max_alone, max_one, max_word, below};
    const char *messages[] = {"--ci-target needs a value",
                              "--max-replications goes with --ci-target",
                              "--max-replications: expected a whole number from 2 to 1000000 "
                              "(got '1')",
                              "(got 'ten')",
                              "--max-replications 5 is below the 10 replications run first"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        assert_int_equal(run_cmd(s, cases[i]), CLI_EXIT_USAGE);
        char *err = testutil_slurp(s->err_txt, NULL);
        if (!strstr(err, messages[i]))
            fail_msg("case %zu: expected '%s' in:\n%s", i, messages[i], err);
        free(err);
    }
    assert_false(file_exists(out));
}

/* ---- the outcome row's own checks -------------------------------------------------------- */

static void small_params(struct model_params *par)
{
    struct sim_err e;
    sim_err_clear(&e);
    struct sim_cfg *cfg = sim_cfg_create(params_schema(), &e);
    assert_non_null(cfg);
    assert_int_equal(sim_cfg_load_string(cfg, SCENARIO_TEXT, "t.cfg", &e), 0);
    assert_int_equal(sim_cfg_finish(cfg, &e), 0);
    assert_int_equal(sim_cfg_fill(cfg, par, sizeof *par, &e), 0);
    sim_cfg_destroy(cfg);
}

static struct model *small_model(void)
{
    struct model_params par;
    small_params(&par);
    struct model *m = model_create(&par, 0, NULL);
    assert_non_null(m);
    return m;
}

/* Runs m to the end and returns its outcome row in row. */
static void run_to_row(struct model *m, double row[OUTC_COUNT])
{
    struct sim_err e;
    sim_err_clear(&e);
    assert_int_equal(model_run(m, &e), 0);
    assert_int_equal(outc_collect(m, row, &e), 0);
}

/* A replication on shared tables is bit for bit the one that builds its own, and the
 * shared tables are the same bytes before and after the run (nothing writes to them). */
static void test_model_shared_tables_give_the_same_run_as_own_tables(void **state)
{
    (void)state;
    struct model_params par;
    small_params(&par);
    struct sim_err e;
    sim_err_clear(&e);
    struct dis_tables *t = dis_tables_create(&par, &e);
    assert_non_null(t);
    struct dis_tables *before = malloc(sizeof *before);
    assert_non_null(before);
    memcpy(before, t, sizeof *t);

    struct model *own = model_create(&par, 1, &e);
    assert_non_null(own);
    assert_ptr_equal(own->tables, &own->dis);
    assert_memory_equal(&own->dis, t, sizeof *t);
    struct model *shared_m = model_create_shared(&par, t, 1, &e);
    assert_non_null(shared_m);
    assert_ptr_equal(shared_m->tables, t);

    double a[OUTC_COUNT], b[OUTC_COUNT];
    run_to_row(own, a);
    run_to_row(shared_m, b);
    assert_true(a[OUTC_DEATHS] > 0); /* a run that did something */
    assert_memory_equal(a, b, sizeof a);
    assert_memory_equal(before, t, sizeof *t);

    model_destroy(own);
    model_destroy(shared_m);
    dis_tables_destroy(t);
    free(before);
}

static void test_model_shared_refuses_missing_tables(void **state)
{
    (void)state;
    struct model_params par;
    small_params(&par);
    struct sim_err e;
    sim_err_clear(&e);
    assert_null(model_create_shared(&par, NULL, 0, &e));
    assert_int_equal(e.code, SIM_EINVAL);
    dis_tables_destroy(NULL);
}

static void test_outcomes_refuse_an_unfinished_run(void **state)
{
    (void)state;
    struct model *m = small_model();
    double row[OUTC_COUNT];
    struct sim_err e;
    sim_err_clear(&e);
    assert_int_equal(outc_collect(m, row, &e), SIM_ESTATE);
    for (int c = 0; c < OUTC_COUNT; c++)
        assert_true(isnan(row[c]));
    model_destroy(m);
}

/* The invariant checks catch the bugs they are for: a count out of step with the persons,
 * and an event for a dead person. */
static void test_outcomes_detect_broken_invariants(void **state)
{
    (void)state;
    struct model *m = small_model();
    struct sim_err e;
    sim_err_clear(&e);
    assert_int_equal(model_run(m, &e), 0);
    double row[OUTC_COUNT];
    assert_int_equal(outc_collect(m, row, &e), 0);

    m->counts.deaths++;
    sim_err_clear(&e);
    assert_int_equal(outc_collect(m, row, &e), SIM_ESTATE);
    assert_non_null(strstr(e.msg, "persons_start"));
    m->counts.deaths--;

    m->counts.dead_events = 1;
    sim_err_clear(&e);
    assert_int_equal(outc_collect(m, row, &e), SIM_ESTATE);
    assert_non_null(strstr(e.msg, "dead persons"));
    m->counts.dead_events = 0;

    sim_err_clear(&e);
    assert_int_equal(outc_collect(m, row, &e), 0);
    model_destroy(m);
}

static void test_outcomes_column_names_are_unique_identifiers(void **state)
{
    (void)state;
    struct outc_info a, b;
    for (int i = 0; i < OUTC_COUNT; i++) {
        assert_int_equal(outc_column_info(i, &a, NULL), 0);
        assert_true(strlen(a.name) > 0);
        assert_int_equal(strspn(a.name, "abcdefghijklmnopqrstuvwxyz0123456789_"), strlen(a.name));
        for (int j = 0; j < i; j++) {
            outc_column_info(j, &b, NULL);
            assert_string_not_equal(a.name, b.name);
        }
    }
    assert_int_equal(outc_column_info(OUTC_COUNT, &a, NULL), SIM_EINVAL);
    assert_int_equal(outc_column_info(-1, &a, NULL), SIM_EINVAL);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_run_writes_results_file_and_prints_its_path),
        T(test_run_replications_table_has_a_row_per_replication_with_units),
        T(test_run_persons_balance_in_every_replication),
        T(test_run_summary_means_equal_column_means),
        T(test_run_root_attributes_record_provenance),
        T(test_run_config_reads_back_to_the_same_values),
        T(test_run_discounted_outcomes_below_undiscounted_and_qalys_below_life_years),
        T(test_run_person_years_equal_life_years),
        T(test_run_rates_are_in_plausible_ranges),
        T(test_run_prints_header_and_a_line_per_outcome),
        T(test_run_single_replication_prints_value_and_na_interval),
        T(test_run_same_seed_gives_bit_identical_tables),
        T(test_run_different_seed_gives_different_table),
        T(test_run_options_override_replications_and_seed_of_the_file),
        T(test_run_default_output_is_results_dir_named_for_scenario),
        T(test_run_invalid_set_exits_2_with_message_and_no_file),
        T(test_run_invalid_file_value_names_file_and_line),
        T(test_run_scenario_the_model_refuses_exits_2_and_no_file),
        T(test_run_output_in_missing_directory_exits_1_naming_it),
        T(test_run_bad_command_lines_exit_2),
        T(test_run_threads_give_bit_identical_replications_tables),
        T(test_run_threads_give_bit_identical_summaries),
        T(test_run_threads_attribute_records_thread_count),
        T(test_run_threads_beyond_replications_record_replications),
        T(test_run_bad_thread_counts_exit_2),
        T(test_run_scenario_the_model_refuses_exits_2_with_threads),
        T(test_run_ci_target_loose_stops_with_the_first_replications),
        T(test_run_ci_target_tight_stops_at_the_maximum_naming_the_missed),
        T(test_run_ci_target_file_equals_a_plain_run_of_as_many_replications),
        T(test_run_ci_target_bad_values_exit_2),
        T(test_model_shared_tables_give_the_same_run_as_own_tables),
        T(test_model_shared_refuses_missing_tables),
        T(test_outcomes_refuse_an_unfinished_run),
        T(test_outcomes_detect_broken_invariants),
        T(test_outcomes_column_names_are_unique_identifiers),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
