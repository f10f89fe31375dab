/* tests/test_engine.c — the run loop: clock, run-until, stop, errors, cancellation, and
 * determinism of a stochastic model's event trace under a fixed seed. */
#include "tests/testutil.h"

#include "sim/engine.h"
#include "sim/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* --- a recording model: each handler appends (time, type, target) to a log --- */

struct log_model {
    double times[64];
    uint32_t targets[64];
    int n;
    int fail_at;        /* handler returns an error on this call (1-based), 0 never */
    int stop_at;        /* handler calls sim_stop on this call, 0 never */
    int past_at;        /* handler schedules into the past on this call, 0 never */
};

static int on_log(struct sim_ctx *ctx, const struct sim_event *ev)
{
    struct log_model *m = ctx->model;
    m->times[m->n] = ev->time;
    m->targets[m->n] = ev->target;
    m->n++;
    if (m->n == m->fail_at)
        return SIM_EIO;
    if (m->n == m->stop_at)
        sim_stop(ctx);
    if (m->n == m->past_at)
        sim_schedule_at(ctx, ctx->now - 1.0, 0, 0, 99);
    return 0;
}

static const sim_handler_fn log_handlers[] = { on_log };

static void setup_log(struct sim_ctx *ctx, struct log_model *m)
{
    assert_int_equal(sim_ctx_init(ctx, log_handlers, 1, m, 0), 0);
    for (uint32_t i = 1; i <= 5; i++)
        assert_true(sim_schedule_at(ctx, (double)i, 0, 0, i) != SIM_HANDLE_NONE);
}

static void test_engine_run_until_fires_up_to_and_including_end(void **state)
{
    (void)state;
    struct log_model m = { 0 };
    struct sim_ctx ctx;
    setup_log(&ctx, &m);
    assert_int_equal(sim_run_until(&ctx, 3.0), 0);
    assert_int_equal(m.n, 3);
    assert_true(ctx.now == 3.0);
    assert_int_equal(sim_calendar_size(&ctx.cal), 2);
    assert_int_equal(sim_run_until(&ctx, 3.5), 0); /* nothing due: clock still moves */
    assert_true(ctx.now == 3.5);
    assert_int_equal(sim_run_until(&ctx, 10.0), 0);
    assert_int_equal(m.n, 5);
    assert_true(ctx.now == 10.0);
    assert_int_equal(ctx.events, 5);
    sim_ctx_fini(&ctx);
}

static void test_engine_run_to_infinity_drains_and_returns(void **state)
{
    (void)state;
    struct log_model m = { 0 };
    struct sim_ctx ctx;
    setup_log(&ctx, &m);
    assert_int_equal(sim_run_until(&ctx, INFINITY), 0);
    assert_int_equal(m.n, 5);
    assert_true(ctx.now == 5.0); /* the clock stays at the last event */
    sim_ctx_fini(&ctx);
}

static void test_engine_stop_returns_after_current_event(void **state)
{
    (void)state;
    struct log_model m = { .stop_at = 2 };
    struct sim_ctx ctx;
    setup_log(&ctx, &m);
    assert_int_equal(sim_run_until(&ctx, 100.0), 0);
    assert_int_equal(m.n, 2);
    assert_true(ctx.now == 2.0);
    assert_int_equal(sim_run_until(&ctx, 100.0), 0); /* resumes */
    assert_int_equal(m.n, 5);
    sim_ctx_fini(&ctx);
}

static void test_engine_handler_error_aborts_run_with_message(void **state)
{
    (void)state;
    struct log_model m = { .fail_at = 3 };
    struct sim_ctx ctx;
    setup_log(&ctx, &m);
    assert_int_equal(sim_run_until(&ctx, 100.0), SIM_EIO);
    assert_int_equal(m.n, 3);
    assert_non_null(strstr(ctx.err.msg, "event type 0"));
    sim_ctx_fini(&ctx);
}

static void test_engine_scheduling_into_the_past_stops_run(void **state)
{
    (void)state;
    struct log_model m = { .past_at = 2 };
    struct sim_ctx ctx;
    setup_log(&ctx, &m);
    assert_int_equal(sim_run_until(&ctx, 100.0), SIM_EINVAL);
    assert_int_equal(m.n, 2);
    assert_non_null(strstr(ctx.err.msg, "before now"));
    sim_ctx_fini(&ctx);
}

static void test_engine_rejects_incomplete_handler_table(void **state)
{
    (void)state;
    const sim_handler_fn table[] = { on_log, NULL };
    struct sim_ctx ctx;
    assert_int_equal(sim_ctx_init(&ctx, table, 2, NULL, 0), SIM_EINVAL);
    assert_non_null(strstr(ctx.err.msg, "type 1"));
    sim_ctx_fini(&ctx);
    assert_int_equal(sim_ctx_init(&ctx, table, 0, NULL, 0), SIM_EINVAL);
    sim_ctx_fini(&ctx);
}

static void test_engine_unknown_event_type_is_an_error(void **state)
{
    (void)state;
    struct log_model m = { 0 };
    struct sim_ctx ctx;
    assert_int_equal(sim_ctx_init(&ctx, log_handlers, 1, &m, 0), 0);
    assert_true(sim_schedule(&ctx, 1.0, 7, 0, 0) == SIM_HANDLE_NONE);
    assert_int_equal(sim_run_until(&ctx, 10.0), 0); /* nothing was scheduled ... */
    assert_int_equal(ctx.failed, SIM_EINVAL);      /* ... and the failure is recorded */
    sim_ctx_fini(&ctx);
}

/* --- a small stochastic model: persons fall ill and die; death cancels pending illness --- */

enum { EV_ILL, EV_DEATH, N_EV };
#define N_PERSONS 200

struct people {
    uint64_t seed;
    sim_handle next_illness[N_PERSONS];
    int alive[N_PERSONS];
    int fired_for_dead;          /* events that reached a dead person: must stay 0 */
    uint64_t trace_hash;         /* FNV-1a over (time bits, type, target) of every event */
    uint64_t n_trace;
};

static double draw_exp(const struct people *p, uint32_t person, uint32_t purpose,
                       uint64_t draw_index, double rate)
{
    struct sim_stream s;
    sim_stream_init(&s, p->seed, 0, person, purpose);
    sim_stream_seek(&s, 2 * draw_index);
    return sim_stream_exp(&s, rate);
}

static int on_ill(struct sim_ctx *ctx, const struct sim_event *ev)
{
    struct people *p = ctx->model;
    if (!p->alive[ev->target])
        p->fired_for_dead++;
    p->next_illness[ev->target] = sim_schedule(
        ctx, draw_exp(p, ev->target, 1, (uint64_t)ctx->events, 2.0), EV_ILL, 0, ev->target);
    return 0;
}

static int on_death(struct sim_ctx *ctx, const struct sim_event *ev)
{
    struct people *p = ctx->model;
    if (!p->alive[ev->target])
        p->fired_for_dead++;
    p->alive[ev->target] = 0;
    sim_cancel(ctx, p->next_illness[ev->target]);
    return 0;
}

static void hash_event(void *user, const struct sim_event *ev)
{
    struct people *p = user;
    uint64_t bits;
    memcpy(&bits, &ev->time, sizeof bits);
    uint64_t words[3] = { bits, ev->type, ev->target };
    const unsigned char *b = (const unsigned char *)words;
    for (size_t i = 0; i < sizeof words; i++)
        p->trace_hash = (p->trace_hash ^ b[i]) * 0x100000001b3ull;
    p->n_trace++;
}

static void run_people(struct people *p, uint64_t seed)
{
    static const sim_handler_fn handlers[N_EV] = { on_ill, on_death };
    memset(p, 0, sizeof *p);
    p->seed = seed;
    p->trace_hash = 0xcbf29ce484222325ull;
    struct sim_ctx ctx;
    assert_int_equal(sim_ctx_init(&ctx, handlers, N_EV, p, 0), 0);
    ctx.trace = hash_event;
    ctx.trace_user = p;
    for (uint32_t i = 0; i < N_PERSONS; i++) {
        p->alive[i] = 1;
        p->next_illness[i] = sim_schedule(&ctx, draw_exp(p, i, 1, 0, 2.0), EV_ILL, 0, i);
        sim_schedule(&ctx, draw_exp(p, i, 2, 0, 0.1), EV_DEATH, 0, i);
    }
    assert_int_equal(sim_run_until(&ctx, INFINITY), 0);
    sim_ctx_fini(&ctx);
}

static void test_engine_cancelled_events_never_reach_the_dead(void **state)
{
    (void)state;
    struct people *p = malloc(sizeof *p);
    assert_non_null(p);
    run_people(p, 42);
    assert_int_equal(p->fired_for_dead, 0);
    for (int i = 0; i < N_PERSONS; i++)
        assert_int_equal(p->alive[i], 0);
    /* each person dies once and falls ill about rate_ill / rate_death = 20 times */
    assert_true(p->n_trace > N_PERSONS * 10);
    free(p);
}

static void test_engine_same_seed_same_trace_different_seed_different_trace(void **state)
{
    (void)state;
    struct people *a = malloc(sizeof *a), *b = malloc(sizeof *b), *c = malloc(sizeof *c);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    run_people(a, 2026);
    run_people(b, 2026);
    run_people(c, 2027);
    assert_true(a->trace_hash == b->trace_hash);
    assert_true(a->n_trace == b->n_trace);
    assert_true(a->trace_hash != c->trace_hash);
    free(a);
    free(b);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine_run_until_fires_up_to_and_including_end),
        cmocka_unit_test(test_engine_run_to_infinity_drains_and_returns),
        cmocka_unit_test(test_engine_stop_returns_after_current_event),
        cmocka_unit_test(test_engine_handler_error_aborts_run_with_message),
        cmocka_unit_test(test_engine_scheduling_into_the_past_stops_run),
        cmocka_unit_test(test_engine_rejects_incomplete_handler_table),
        cmocka_unit_test(test_engine_unknown_event_type_is_an_error),
        cmocka_unit_test(test_engine_cancelled_events_never_reach_the_dead),
        cmocka_unit_test(test_engine_same_seed_same_trace_different_seed_different_trace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
