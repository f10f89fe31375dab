/* tests/test_reform.c — a reform switched on during a run (models/reform.c): the run is
 * the base run to the bit until the reform starts, the providers' decisions and the levers
 * are the reform's afterwards, capacity moves in monthly steps over the phase-in, and what
 * may not change mid-run is refused. Seeds fixed (run.seed = 1, replication 0).
 */
#include "tests/testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/model.h"
#include "models/outcomes.h"
#include "models/params.h"

static const char *const common[] = {"run.population=6000", "run.horizon_years=3",
                                     "run.warmup_years=1"};

static struct model *make(const char *const *extra, size_t nextra, struct model_params *par)
{
    const char *sets[16];
    size_t n = 0;
    for (size_t i = 0; i < 3; i++)
        sets[n++] = common[i];
    for (size_t i = 0; i < nextra; i++)
        sets[n++] = extra[i];
    testutil_default_params(par, sets, n);
    struct sim_err err;
    sim_err_clear(&err);
    struct model *m = model_create(par, 0, &err);
    if (!m)
        fail_msg("model_create: %s", err.msg);
    return m;
}

/* The reform: capitation GPs, strict gatekeeping, 20% fewer beds. */
static void reform_params(struct model_params *after)
{
    const char *sets[] = {"run.population=6000", "payment.gp_mechanism=\"capitation\"",
                          "policy.gatekeeping=\"strict\"", "hospital.beds_per_1000=2.4"};
    testutil_default_params(after, sets, 4);
}

static void test_the_run_is_the_base_run_until_the_reform(void **state)
{
    (void)state;
    const char *with[] = {"reform.at_years=1.5", "reform.phase_in_months=3"};
    struct model_params pa, pb, after;
    struct model *a = make(NULL, 0, &pa);
    struct model *b = make(with, 2, &pb);
    reform_params(&after);
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(model_set_reform(b, &after, &err), 0);
    double t = b->warmup_end_day + 1.5 * 365.25 - 0.5;
    assert_int_equal(model_run_until(a, t, &err), 0);
    assert_int_equal(model_run_until(b, t, &err), 0);
    /* Same persons, same care, same money so far. */
    assert_int_equal(a->n_persons, b->n_persons);
    for (uint32_t id = 0; id < a->n_persons; id++) {
        /* Everything but calendar handles (the reform's own event takes a slot). */
        struct person x = a->persons[id], y = b->persons[id];
        x.next_event = y.next_event = x.gp_event = y.gp_event = x.op_event = y.op_event = 0;
        assert_memory_equal(&x, &y, sizeof x);
    }
    assert_memory_equal(&a->care.tally, &b->care.tally, sizeof a->care.tally);
    assert_memory_equal(&a->ledger, &b->ledger, sizeof a->ledger);
    assert_true(b->decide.review[0] == a->decide.review[0]);
    /* After it: the reform's decisions and levers. */
    assert_int_equal(model_run_until(b, t + 1.0, &err), 0);
    assert_true(b->reform_started);
    assert_true(b->decide.review[0] < a->decide.review[0]); /* capitation */
    assert_int_equal(b->par.policy.gatekeeping, PARAMS_GATE_STRICT);
    model_destroy(a);
    model_destroy(b);
}

static void test_capacity_moves_in_monthly_steps(void **state)
{
    (void)state;
    /* 2.95 -> 2.4 beds per 1000 over 3 months for 6000 persons: 18 -> 14 beds, a third of
     * the way each month (rounded), and nothing before the reform. */
    const char *with[] = {"reform.at_years=1", "reform.phase_in_months=3"};
    struct model_params pb, after;
    struct model *b = make(with, 2, &pb);
    reform_params(&after);
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(model_set_reform(b, &after, &err), 0);
    double start = b->warmup_end_day + 365.25, month = 365.25 / 12.0;
    uint32_t seen[4];
    for (int k = 0; k < 4; k++) {
        assert_int_equal(model_run_until(b, start + k * month + 0.01, &err), 0);
        seen[k] = b->care.hospitals[0].nbeds;
    }
    print_message("beds %u %u %u %u\n", seen[0], seen[1], seen[2], seen[3]);
    assert_int_equal(seen[0], (uint32_t)lround(2.95 * 6));
    assert_int_equal(seen[1], (uint32_t)lround((2.95 + (2.4 - 2.95) / 3) * 6));
    assert_int_equal(seen[3], (uint32_t)lround(2.4 * 6));
    assert_int_equal(model_run(b, &err), 0);
    double row[OUTC_COUNT];
    assert_int_equal(outc_collect(b, row, &err), 0); /* invariants hold across it */
    model_destroy(b);
}

static void test_what_cannot_change_mid_run_is_refused(void **state)
{
    (void)state;
    struct model_params pb, after;
    struct model *b = make(NULL, 0, &pb);
    reform_params(&after);
    after.practices.list_size = 4000;
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(model_set_reform(b, &after, &err), SIM_EINVAL);
    assert_non_null(strstr(err.msg, "practices.list_size"));
    model_destroy(b);

    const char *late[] = {"reform.at_years=5"};
    b = make(late, 1, &pb);
    reform_params(&after);
    sim_err_clear(&err);
    assert_int_equal(model_set_reform(b, &after, &err), SIM_EINVAL);
    assert_non_null(strstr(err.msg, "reform.at_years"));
    model_destroy(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_run_is_the_base_run_until_the_reform),
        cmocka_unit_test(test_capacity_moves_in_monthly_steps),
        cmocka_unit_test(test_what_cannot_change_mid_run_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
