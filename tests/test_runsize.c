/* tests/test_runsize.c — the size limits of a run (models/runsize.c): the estimate from the
 * measured costs, which limit refuses which run and on which key, and the check as the
 * scenario schema runs it (file:line of the key, or --set). The machine's memory is passed
 * in, so the results do not depend on the machine running the test.
 */
#include "tests/testutil.h"

#include <string.h>

#include "models/params.h"
#include "models/runsize.h"
#include "sim/config.h"

#define GB 1e9

/* Fails unless needle occurs in msg. */
static void assert_contains(const char *msg, const char *needle)
{
    if (!strstr(msg, needle))
        fail_msg("expected '%s' in: %s", needle, msg);
}

static void test_estimate_follows_the_measured_costs(void **state)
{
    (void)state;
    /* 306 bytes per person; 14 events per person-year at 0.7 million a second. */
    struct runsize r = runsize_estimate(1000000, 11.0);
    assert_near(r.bytes, 306e6, 1e-3);
    assert_near(r.seconds, 1e6 * 11.0 * 14.0 / 0.7e6, 1e-9);
}

static void test_a_usual_run_passes(void **state)
{
    (void)state;
    char msg[512] = "";
    assert_int_equal(runsize_check(10000, 1.0, 10.0, 8 * GB, msg, sizeof msg), RUNSIZE_OK);
    assert_int_equal(runsize_check(100000000, 1.0, 10.0, 0.0, msg, sizeof msg), RUNSIZE_OK);
}

static void test_population_above_the_cap_is_refused_with_estimate(void **state)
{
    (void)state;
    char msg[512];
    assert_int_equal(runsize_check(1000000000000LL, 1.0, 10.0, 0.0, msg, sizeof msg),
                     RUNSIZE_POPULATION);
    assert_contains(msg, "1000000000000 persons over 11 years");
    assert_contains(msg, "about 306 TB of memory");
    assert_contains(msg, "the limit is 100000000 persons");
}

static void test_memory_beyond_the_machine_is_refused(void **state)
{
    (void)state;
    char msg[512];
    /* 10 million persons: 3.06 GB, more than a 1 GB machine, less than an 8 GB one. */
    assert_int_equal(runsize_check(10000000, 1.0, 10.0, 1 * GB, msg, sizeof msg),
                     RUNSIZE_POPULATION);
    assert_contains(msg, "about 3.06 GB of memory");
    assert_contains(msg, "the limit is the memory of this machine (1 GB)");
    assert_int_equal(runsize_check(10000000, 1.0, 10.0, 8 * GB, msg, sizeof msg), RUNSIZE_OK);
}

static void test_too_many_person_years_are_refused(void **state)
{
    (void)state;
    char msg[512];
    /* 5e7 persons x 201 years = 1.005e10 person-years; the memory is not limited. */
    assert_int_equal(runsize_check(50000000, 1.0, 200.0, 0.0, msg, sizeof msg),
                     RUNSIZE_POPULATION);
    assert_contains(msg, "the limit is 1e+10 person-years");
    assert_int_equal(runsize_check(49000000, 1.0, 200.0, 0.0, msg, sizeof msg), RUNSIZE_OK);
}

static void test_horizon_above_the_cap_blames_the_horizon(void **state)
{
    (void)state;
    char msg[512];
    assert_int_equal(runsize_check(10000, 1.0, 1e6, 0.0, msg, sizeof msg), RUNSIZE_HORIZON);
    assert_contains(msg, "1e+06 years (and 1 of warm-up) of 10000 persons");
    assert_contains(msg, "the limit is 200 years");
}

/* The first diagnostic of resolving text (as file name) with one --set (may be NULL). */
static void first_diag(const char *text, const char *set, char *buf, size_t size)
{
    struct sim_cfg *cfg = sim_cfg_create(params_schema(), NULL);
    assert_non_null(cfg);
    sim_cfg_load_string(cfg, text, "s.cfg", NULL);
    if (set)
        sim_cfg_set(cfg, set, NULL);
    assert_int_not_equal(sim_cfg_finish(cfg, NULL), 0);
    assert_true(sim_cfg_diag_count(cfg) >= 1);
    snprintf(buf, size, "%s", sim_cfg_diag(cfg, 0)->text);
    sim_cfg_destroy(cfg);
}

static void test_schema_check_names_the_line_of_the_key(void **state)
{
    (void)state;
    char d[1024];
    first_diag("name = \"x\";\nrun = {\n  population = 1000000000000;\n};\n", NULL, d, sizeof d);
    assert_contains(d, "s.cfg:3: run.population: 1000000000000 persons over 11 years");
    first_diag("name = \"x\";\n", "run.horizon_years=1e6", d, sizeof d);
    assert_contains(d, "--set: run.horizon_years: 1e+06 years");
}

static void test_unbounded_horizon_distribution_is_refused(void **state)
{
    (void)state;
    char d[1024];
    first_diag("name = \"x\";\nrun = { horizon_years = { dist = \"gamma\"; mean = 10.0; "
               "sd = 2.0; }; };\n",
               NULL, d, sizeof d);
    assert_contains(d, "s.cfg:2: run.horizon_years: its gamma distribution has no upper bound");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_estimate_follows_the_measured_costs),
        cmocka_unit_test(test_a_usual_run_passes),
        cmocka_unit_test(test_population_above_the_cap_is_refused_with_estimate),
        cmocka_unit_test(test_memory_beyond_the_machine_is_refused),
        cmocka_unit_test(test_too_many_person_years_are_refused),
        cmocka_unit_test(test_horizon_above_the_cap_blames_the_horizon),
        cmocka_unit_test(test_schema_check_names_the_line_of_the_key),
        cmocka_unit_test(test_unbounded_horizon_distribution_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
