/* tests/test_resource.c — tests of sim/resource: the multi-server queue, the appointment
 * book and the bed pool. Hand-worked sequences check waits and time integrals exactly (the
 * values are sums of small integers and halves, so 1e-12 is a rounding allowance only);
 * randomized runs compare the queue and the book with naive O(n) reference versions. */
#include "tests/testutil.h"

#include <math.h>
#include <string.h>

#include "sim/err.h"
#include "sim/resource.h"

#define EPS 1e-12

/* Small deterministic generator for the randomized tests (xorshift64*), so these tests do
 * not depend on the engine's RNG module. */
static uint64_t rnd_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static uint32_t rnd_below(uint64_t *s, uint32_t n)
{
    return (uint32_t)((rnd_next(s) >> 32) % n);
}

static double rnd_unit(uint64_t *s)
{
    return (double)(rnd_next(s) >> 11) * 0x1.0p-53;
}

/* Arrive and expect the given outcome. */
static void arrive_expect(struct sim_queue *q, double t, uint32_t id, uint32_t cls, int outcome)
{
    int started = 99;
    assert_int_equal(sim_queue_arrive(q, t, id, cls, &started, NULL), 0);
    assert_int_equal(started, outcome);
}

/* Depart and expect `id` to start, or nobody when id is UINT32_MAX. */
static void depart_expect(struct sim_queue *q, double t, uint32_t id)
{
    uint32_t next = 12345;
    int started = 99;
    assert_int_equal(sim_queue_depart(q, t, &next, &started, NULL), 0);
    if (id == UINT32_MAX) {
        assert_int_equal(started, 0);
    } else {
        assert_int_equal(started, 1);
        assert_int_equal(next, id);
    }
}

/* ---------------------------------------------------------------------------------------
 * Queue */

/* Two servers; A, B, C arrive at 0 and D at 1; A ends at 3, B at 5, D at 6, C at 7.
 * C waits 0..3 (3 days), D waits 1..5 (4 days). Number waiting: 1 on [0,1), 2 on [1,3),
 * 1 on [3,5), 0 after: 7 customer-days. Busy: 2 on [0,6), 1 on [6,7), 0 on [7,8): 13. */
static void test_queue_two_servers_hand_sequence(void **state)
{
    (void)state;
    struct sim_queue q;
    assert_int_equal(sim_queue_init(&q, 2, 1, 0.0, NULL), 0);
    arrive_expect(&q, 0.0, 'A', 0, SIM_QUEUE_STARTED);
    arrive_expect(&q, 0.0, 'B', 0, SIM_QUEUE_STARTED);
    arrive_expect(&q, 0.0, 'C', 0, SIM_QUEUE_WAITING);
    arrive_expect(&q, 1.0, 'D', 0, SIM_QUEUE_WAITING);
    /* Halfway: 1 + 2 customer-days over 2 days. */
    assert_near(sim_queue_mean_waiting(&q, 2.0), 1.5, EPS);
    depart_expect(&q, 3.0, 'C');
    assert_near(q.last_wait_days, 3.0, EPS);
    depart_expect(&q, 5.0, 'D');
    assert_near(q.last_wait_days, 4.0, EPS);
    depart_expect(&q, 6.0, UINT32_MAX);
    depart_expect(&q, 7.0, UINT32_MAX);

    assert_int_equal(q.st.arrived, 4);
    assert_int_equal(q.st.started, 4);
    assert_int_equal(q.st.queued, 2);
    assert_int_equal(q.st.completed, 4);
    assert_int_equal(q.st.max_waiting, 2);
    assert_int_equal(q.st.max_busy, 2);
    /* Waits 0, 0, 3, 4: mean 1.75, squared deviations 3.0625 * 2 + 1.5625 + 5.0625 = 12.75. */
    assert_near(sim_queue_mean_wait(&q), 1.75, EPS);
    assert_near(sim_queue_wait_var(&q), 12.75 / 3, EPS);
    assert_near(q.st.wait.max, 4.0, EPS);
    assert_near(sim_queue_waiting_days(&q, 8.0), 7.0, EPS);
    assert_near(sim_queue_mean_waiting(&q, 8.0), 7.0 / 8, EPS);
    assert_near(sim_queue_busy_days(&q, 8.0), 13.0, EPS);
    assert_near(sim_queue_mean_busy(&q, 8.0), 13.0 / 8, EPS);
    assert_near(sim_queue_utilisation(&q, 8.0), 13.0 / 16, EPS);
    sim_queue_fini(&q);
}

/* One server busy from t=0; waiting: 10 (class 2, t=1), 11 (class 1, t=2), 12 (class 0,
 * t=3), 13 (class 1, t=4). Departures at 5..8 serve 12, 11, 13, 10. */
static void test_queue_priority_class_served_first(void **state)
{
    (void)state;
    struct sim_queue q;
    assert_int_equal(sim_queue_init(&q, 1, 3, 0.0, NULL), 0);
    arrive_expect(&q, 0.0, 1, 2, SIM_QUEUE_STARTED);
    arrive_expect(&q, 1.0, 10, 2, SIM_QUEUE_WAITING);
    arrive_expect(&q, 2.0, 11, 1, SIM_QUEUE_WAITING);
    arrive_expect(&q, 3.0, 12, 0, SIM_QUEUE_WAITING);
    arrive_expect(&q, 4.0, 13, 1, SIM_QUEUE_WAITING);
    depart_expect(&q, 5.0, 12);
    depart_expect(&q, 6.0, 11);
    depart_expect(&q, 7.0, 13);
    depart_expect(&q, 8.0, 10);
    /* Class waits: 0 -> 2; 1 -> 4 and 3; 2 -> 0 and 7. */
    assert_near(sim_queue_class_mean_wait(&q, 0), 2.0, EPS);
    assert_near(sim_queue_class_mean_wait(&q, 1), 3.5, EPS);
    assert_near(sim_queue_class_mean_wait(&q, 2), 3.5, EPS);
    assert_int_equal(q.cls[1].arrived, 2);
    assert_true(isnan(sim_queue_class_mean_wait(&q, 3)));
    sim_queue_fini(&q);
}

static void test_queue_fifo_within_class(void **state)
{
    (void)state;
    struct sim_queue q;
    assert_int_equal(sim_queue_init(&q, 1, 2, 0.0, NULL), 0);
    arrive_expect(&q, 0.0, 1, 0, SIM_QUEUE_STARTED);
    for (uint32_t i = 0; i < 10; i++)
        arrive_expect(&q, 0.1 * i, 100 + i, 1, SIM_QUEUE_WAITING);
    for (uint32_t i = 0; i < 10; i++)
        depart_expect(&q, 2.0 + i, 100 + i);
    depart_expect(&q, 20.0, UINT32_MAX);
    sim_queue_fini(&q);
}

static void test_queue_remove_from_middle(void **state)
{
    (void)state;
    struct sim_queue q;
    assert_int_equal(sim_queue_init(&q, 1, 1, 0.0, NULL), 0);
    arrive_expect(&q, 0.0, 1, 0, SIM_QUEUE_STARTED);
    for (uint32_t i = 11; i <= 15; i++)
        arrive_expect(&q, (double)(i - 10), i, 0, SIM_QUEUE_WAITING);
    assert_true(sim_queue_is_waiting(&q, 13));
    assert_int_equal(sim_queue_remove(&q, 7.5, 13, NULL), 1);
    assert_false(sim_queue_is_waiting(&q, 13));
    assert_int_equal(q.waiting, 4);
    assert_int_equal(q.st.removed, 1);
    assert_near(q.st.removed_wait_days, 7.5 - 3.0, EPS);
    depart_expect(&q, 8.0, 11);
    depart_expect(&q, 9.0, 12);
    depart_expect(&q, 10.0, 14);
    depart_expect(&q, 11.0, 15);
    depart_expect(&q, 12.0, UINT32_MAX);
    sim_queue_fini(&q);
}

static void test_queue_remove_head_and_tail_keeps_order(void **state)
{
    (void)state;
    struct sim_queue q;
    assert_int_equal(sim_queue_init(&q, 1, 1, 0.0, NULL), 0);
    arrive_expect(&q, 0.0, 1, 0, SIM_QUEUE_STARTED);
    for (uint32_t i = 11; i <= 14; i++)
        arrive_expect(&q, 1.0, i, 0, SIM_QUEUE_WAITING);
    assert_int_equal(sim_queue_remove(&q, 2.0, 11, NULL), 1);
    assert_int_equal(sim_queue_remove(&q, 2.0, 14, NULL), 1);
    arrive_expect(&q, 3.0, 15, 0, SIM_QUEUE_WAITING); /* joins behind 13 */
    depart_expect(&q, 4.0, 12);
    depart_expect(&q, 5.0, 13);
    depart_expect(&q, 6.0, 15);
    sim_queue_fini(&q);
}

static void test_queue_remove_unknown_customer_returns_zero(void **state)
{
    (void)state;
    struct sim_queue q;
    assert_int_equal(sim_queue_init(&q, 1, 1, 0.0, NULL), 0);
    arrive_expect(&q, 0.0, 1, 0, SIM_QUEUE_STARTED); /* in service, not waiting */
    arrive_expect(&q, 0.0, 2, 0, SIM_QUEUE_WAITING);
    assert_int_equal(sim_queue_remove(&q, 1.0, 1, NULL), 0);
    assert_int_equal(sim_queue_remove(&q, 1.0, 99, NULL), 0);
    assert_int_equal(sim_queue_remove(&q, 1.0, 2, NULL), 1);
    assert_int_equal(sim_queue_remove(&q, 1.0, 2, NULL), 0);
    assert_int_equal(q.st.removed, 1);
    sim_queue_fini(&q);
}

/* One busy server, waiting 2 (class 1, t=0), 3 (class 0, t=1), 4 (class 1, t=1). Going to
 * three servers at t=2 starts 3 then 2, with waits 1 and 2. */
static void test_queue_capacity_increase_starts_waiters(void **state)
{
    (void)state;
    struct sim_queue q;
    assert_int_equal(sim_queue_init(&q, 1, 2, 0.0, NULL), 0);
    arrive_expect(&q, 0.0, 1, 1, SIM_QUEUE_STARTED);
    arrive_expect(&q, 0.0, 2, 1, SIM_QUEUE_WAITING);
    arrive_expect(&q, 1.0, 3, 0, SIM_QUEUE_WAITING);
    arrive_expect(&q, 1.0, 4, 1, SIM_QUEUE_WAITING);
    uint32_t out[2] = {0, 0};
    size_t n = 99;
    assert_int_equal(sim_queue_set_servers(&q, 2.0, 3, out, 2, &n, NULL), 0);
    assert_int_equal(n, 2);
    assert_int_equal(out[0], 3);
    assert_int_equal(out[1], 2);
    assert_int_equal(q.busy, 3);
    assert_int_equal(q.waiting, 1);
    assert_true(sim_queue_is_waiting(&q, 4));
    /* Waits 0 (customer 1), 1, 2. */
    assert_near(sim_queue_mean_wait(&q), 1.0, EPS);
    arrive_expect(&q, 2.5, 5, 1, SIM_QUEUE_WAITING); /* all three busy */
    sim_queue_fini(&q);
}

static void test_queue_capacity_increase_rejects_small_out_array(void **state)
{
    (void)state;
    struct sim_queue q;
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(sim_queue_init(&q, 1, 1, 0.0, NULL), 0);
    arrive_expect(&q, 0.0, 1, 0, SIM_QUEUE_STARTED);
    arrive_expect(&q, 0.0, 2, 0, SIM_QUEUE_WAITING);
    arrive_expect(&q, 0.0, 3, 0, SIM_QUEUE_WAITING);
    uint32_t out[1];
    size_t n = 99;
    assert_int_equal(sim_queue_set_servers(&q, 1.0, 3, out, 1, &n, &err), SIM_EINVAL);
    assert_int_equal(err.code, SIM_EINVAL);
    assert_int_equal(n, 0);
    assert_int_equal(q.servers, 1);
    assert_int_equal(q.waiting, 2);
    sim_queue_fini(&q);
}

/* Three busy servers and customer 4 waiting; cut to one at t=1. Nobody starts until busy
 * falls below one: departures at 2 and 3 start nobody, at 4 customer 4 starts (wait 4).
 * Busy: 3 on [0,2), 2 on [2,3), 1 on [3,5), 0 on [5,6): 10 server-days. Servers in
 * existence max(servers, busy): 3 on [0,2), 2 on [2,3), 1 on [3,6): 11 server-days. */
static void test_queue_capacity_decrease_waits_for_busy_to_finish(void **state)
{
    (void)state;
    struct sim_queue q;
    assert_int_equal(sim_queue_init(&q, 3, 1, 0.0, NULL), 0);
    for (uint32_t i = 1; i <= 3; i++)
        arrive_expect(&q, 0.0, i, 0, SIM_QUEUE_STARTED);
    arrive_expect(&q, 0.0, 4, 0, SIM_QUEUE_WAITING);
    size_t n = 99;
    assert_int_equal(sim_queue_set_servers(&q, 1.0, 1, NULL, 0, &n, NULL), 0);
    assert_int_equal(n, 0);
    assert_int_equal(q.busy, 3);
    depart_expect(&q, 2.0, UINT32_MAX);
    depart_expect(&q, 3.0, UINT32_MAX);
    depart_expect(&q, 4.0, 4);
    assert_near(q.last_wait_days, 4.0, EPS);
    depart_expect(&q, 5.0, UINT32_MAX);
    assert_near(sim_queue_busy_days(&q, 6.0), 10.0, EPS);
    assert_near(sim_queue_utilisation(&q, 6.0), 10.0 / 11.0, EPS);
    sim_queue_fini(&q);
}

static void test_queue_zero_servers_holds_everyone(void **state)
{
    (void)state;
    struct sim_queue q;
    assert_int_equal(sim_queue_init(&q, 1, 1, 0.0, NULL), 0);
    assert_int_equal(sim_queue_set_servers(&q, 0.0, 0, NULL, 0, NULL, NULL), 0);
    arrive_expect(&q, 1.0, 7, 0, SIM_QUEUE_WAITING);
    arrive_expect(&q, 2.0, 8, 0, SIM_QUEUE_WAITING);
    uint32_t out[1];
    size_t n = 0;
    assert_int_equal(sim_queue_set_servers(&q, 3.0, 1, out, 1, &n, NULL), 0);
    assert_int_equal(n, 1);
    assert_int_equal(out[0], 7);
    /* Closed on [0,3): no server existed, so utilisation counts only [3,4). */
    assert_near(sim_queue_utilisation(&q, 4.0), 1.0, EPS);
    sim_queue_fini(&q);
}

/* Before the reset at t=10: waits and integrals are dropped. Customer 3 waits across the
 * reset (arrived 9, starts 12) and contributes its whole wait of 3. After the reset, number
 * waiting is 1 on [10,12), busy 1 on [10,14): 2 customer-days and 4 server-days. */
static void test_queue_reset_stats_drops_warmup(void **state)
{
    (void)state;
    struct sim_queue q;
    assert_int_equal(sim_queue_init(&q, 1, 1, 0.0, NULL), 0);
    arrive_expect(&q, 0.0, 1, 0, SIM_QUEUE_STARTED);
    arrive_expect(&q, 0.0, 2, 0, SIM_QUEUE_WAITING);
    arrive_expect(&q, 0.0, 4, 0, SIM_QUEUE_WAITING);
    assert_int_equal(sim_queue_remove(&q, 1.0, 4, NULL), 1);
    depart_expect(&q, 5.0, 2);
    arrive_expect(&q, 9.0, 3, 0, SIM_QUEUE_WAITING);
    assert_int_equal(sim_queue_reset_stats(&q, 10.0, NULL), 0);
    assert_int_equal(q.st.arrived, 0);
    assert_int_equal(q.st.removed, 0);
    assert_int_equal(q.st.max_waiting, 1);
    assert_int_equal(q.st.max_busy, 1);
    assert_true(isnan(sim_queue_mean_wait(&q)));
    assert_true(isnan(sim_queue_mean_waiting(&q, 10.0)));
    depart_expect(&q, 12.0, 3);
    depart_expect(&q, 14.0, UINT32_MAX);
    assert_int_equal(q.st.started, 1);
    assert_near(sim_queue_mean_wait(&q), 3.0, EPS);
    assert_near(sim_queue_waiting_days(&q, 14.0), 2.0, EPS);
    assert_near(sim_queue_mean_waiting(&q, 14.0), 0.5, EPS);
    assert_near(sim_queue_mean_busy(&q, 14.0), 1.0, EPS);
    assert_near(sim_queue_utilisation(&q, 20.0), 4.0 / 10.0, EPS);
    sim_queue_fini(&q);
}

static void test_queue_waiting_limit_refuses(void **state)
{
    (void)state;
    struct sim_queue q;
    assert_int_equal(sim_queue_init(&q, 1, 1, 0.0, NULL), 0);
    sim_queue_set_waiting_limit(&q, 1);
    arrive_expect(&q, 0.0, 1, 0, SIM_QUEUE_STARTED);
    arrive_expect(&q, 0.0, 2, 0, SIM_QUEUE_WAITING);
    arrive_expect(&q, 0.0, 3, 0, SIM_QUEUE_REFUSED);
    assert_false(sim_queue_is_waiting(&q, 3));
    assert_int_equal(q.st.arrived, 3);
    assert_int_equal(q.st.refused, 1);
    assert_int_equal(q.waiting, 1);
    sim_queue_fini(&q);
}

static void test_queue_rejects_time_going_backwards(void **state)
{
    (void)state;
    struct sim_queue q;
    struct sim_err err;
    sim_err_clear(&err);
    int started;
    uint32_t next;
    assert_int_equal(sim_queue_init(&q, 1, 1, 0.0, NULL), 0);
    arrive_expect(&q, 5.0, 1, 0, SIM_QUEUE_STARTED);
    assert_int_equal(sim_queue_arrive(&q, 4.0, 2, 0, &started, &err), SIM_EINVAL);
    assert_int_equal(sim_queue_arrive(&q, NAN, 2, 0, &started, &err), SIM_EINVAL);
    assert_int_equal(sim_queue_depart(&q, INFINITY, &next, &started, &err), SIM_EINVAL);
    assert_int_equal(sim_queue_remove(&q, 1.0, 2, &err), SIM_EINVAL);
    assert_int_equal(sim_queue_reset_stats(&q, 1.0, &err), SIM_EINVAL);
    assert_int_equal(err.count, 5);
    assert_int_equal(q.st.arrived, 1);
    assert_int_equal(q.busy, 1);
    assert_true(isnan(sim_queue_mean_busy(&q, 4.0)));
    sim_queue_fini(&q);
}

static void test_queue_rejects_bad_arguments(void **state)
{
    (void)state;
    struct sim_queue q;
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(sim_queue_init(&q, 0, 1, 0.0, &err), SIM_EINVAL);
    assert_int_equal(sim_queue_init(&q, 1, 0, 0.0, &err), SIM_EINVAL);
    assert_int_equal(sim_queue_init(&q, 1, 1, NAN, &err), SIM_EINVAL);
    sim_queue_fini(&q); /* safe after a failed init */
    assert_int_equal(sim_queue_init(&q, 1, 2, 0.0, NULL), 0);
    int started;
    assert_int_equal(sim_queue_arrive(&q, 0.0, 1, 2, &started, &err), SIM_EINVAL);
    assert_int_equal(err.count, 4);
    assert_int_equal(q.st.arrived, 0);
    sim_queue_fini(&q);
}

static void test_queue_depart_with_no_busy_server_fails(void **state)
{
    (void)state;
    struct sim_queue q;
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(sim_queue_init(&q, 2, 1, 0.0, NULL), 0);
    uint32_t next;
    int started;
    assert_int_equal(sim_queue_depart(&q, 1.0, &next, &started, &err), SIM_ESTATE);
    assert_int_equal(err.code, SIM_ESTATE);
    assert_int_equal(q.st.completed, 0);
    sim_queue_fini(&q);
}

static void test_queue_duplicate_waiting_customer_rejected(void **state)
{
    (void)state;
    struct sim_queue q;
    assert_int_equal(sim_queue_init(&q, 1, 2, 0.0, NULL), 0);
    arrive_expect(&q, 0.0, 1, 0, SIM_QUEUE_STARTED);
    arrive_expect(&q, 0.0, 2, 0, SIM_QUEUE_WAITING);
    int started;
    assert_int_equal(sim_queue_arrive(&q, 1.0, 2, 1, &started, NULL), SIM_EINVAL);
    assert_int_equal(q.waiting, 1);
    assert_int_equal(q.st.arrived, 2);
    sim_queue_fini(&q);
}

/* Distinct for distinct (i, round): an odd multiplier is a bijection on uint32. */
static uint32_t many_id(uint32_t i, int round)
{
    return (2 * i + (uint32_t)round) * 2246822519u;
}

/* 100 000 customers with scattered ids wait; removing every other one leaves the rest in
 * order, and refilling to the same size allocates nothing more. */
static void test_queue_many_waiting_remove_and_reuse(void **state)
{
    (void)state;
    enum { N = 100000 };
    struct sim_queue q;
    assert_int_equal(sim_queue_init(&q, 1, 1, 0.0, NULL), 0);
    arrive_expect(&q, 0.0, UINT32_MAX, 0, SIM_QUEUE_STARTED);
    for (int round = 0; round < 2; round++) {
        double t0 = 10.0 * round;
        for (uint32_t i = 0; i < N; i++)
            arrive_expect(&q, t0, many_id(i, round), 0, SIM_QUEUE_WAITING);
        size_t bytes = sim_queue_bytes(&q);
        for (uint32_t i = 1; i < N; i += 2)
            assert_int_equal(sim_queue_remove(&q, t0 + 1, many_id(i, round), NULL),
                             1);
        assert_int_equal(q.waiting, N / 2);
        for (uint32_t i = 0; i < N; i += 2)
            depart_expect(&q, t0 + 2, many_id(i, round));
        assert_int_equal(q.waiting, 0);
        assert_int_equal(sim_queue_bytes(&q), bytes);
    }
    assert_int_equal(q.nodes_used, N);
    sim_queue_fini(&q);
}

/* Reference queue: waiting customers in one array in arrival order; O(n) everything. */
#define REF_MAX 4096
struct ref_queue {
    uint32_t servers, busy, limit;
    uint32_t id[REF_MAX], cls[REF_MAX];
    double t[REF_MAX];
    size_t n;
    uint64_t arrived, started, refused, removed, completed;
    double wait_sum, area_waiting, area_busy, t_last;
};

static void ref_advance(struct ref_queue *r, double now)
{
    r->area_waiting += (double)r->n * (now - r->t_last);
    r->area_busy += (double)r->busy * (now - r->t_last);
    r->t_last = now;
}

static long ref_find(const struct ref_queue *r, uint32_t id)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->id[i] == id)
            return (long)i;
    return -1;
}

static void ref_erase(struct ref_queue *r, size_t i)
{
    memmove(&r->id[i], &r->id[i + 1], (r->n - i - 1) * sizeof r->id[0]);
    memmove(&r->cls[i], &r->cls[i + 1], (r->n - i - 1) * sizeof r->cls[0]);
    memmove(&r->t[i], &r->t[i + 1], (r->n - i - 1) * sizeof r->t[0]);
    r->n--;
}

static uint32_t ref_start_next(struct ref_queue *r, double now)
{
    size_t best = 0;
    for (size_t i = 1; i < r->n; i++)
        if (r->cls[i] < r->cls[best])
            best = i;
    uint32_t id = r->id[best];
    r->wait_sum += now - r->t[best];
    ref_erase(r, best);
    r->busy++;
    r->started++;
    return id;
}

static void test_queue_matches_reference_random(void **state)
{
    (void)state;
    enum { OPS = 40000, IDS = 600, CLASSES = 3 };
    static struct ref_queue r;
    memset(&r, 0, sizeof r);
    r.servers = 2;
    r.limit = UINT32_MAX;
    struct sim_queue q;
    assert_int_equal(sim_queue_init(&q, 2, CLASSES, 0.0, NULL), 0);
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    double now = 0.0;
    for (int op = 0; op < OPS; op++) {
        if (rnd_below(&seed, 4) != 0) /* a quarter of operations tie in time */
            now += rnd_unit(&seed);
        uint32_t u = rnd_below(&seed, 100);
        if (u < 45) {
            uint32_t id = rnd_below(&seed, IDS) * 2654435761u;
            uint32_t cls = rnd_below(&seed, CLASSES);
            int started = 99;
            int rc = sim_queue_arrive(&q, now, id, cls, &started, NULL);
            if (r.busy < r.servers) {
                ref_advance(&r, now);
                r.arrived++;
                r.busy++;
                r.started++;
                assert_int_equal(rc, 0);
                assert_int_equal(started, SIM_QUEUE_STARTED);
            } else if (r.n >= r.limit) {
                ref_advance(&r, now);
                r.arrived++;
                r.refused++;
                assert_int_equal(rc, 0);
                assert_int_equal(started, SIM_QUEUE_REFUSED);
            } else if (ref_find(&r, id) >= 0) {
                assert_int_equal(rc, SIM_EINVAL);
            } else {
                ref_advance(&r, now);
                r.arrived++;
                assert_true(r.n < REF_MAX);
                r.id[r.n] = id;
                r.cls[r.n] = cls;
                r.t[r.n] = now;
                r.n++;
                assert_int_equal(rc, 0);
                assert_int_equal(started, SIM_QUEUE_WAITING);
            }
        } else if (u < 80) {
            uint32_t next = 0;
            int started = 99;
            int rc = sim_queue_depart(&q, now, &next, &started, NULL);
            if (r.busy == 0) {
                assert_int_equal(rc, SIM_ESTATE);
                continue;
            }
            assert_int_equal(rc, 0);
            ref_advance(&r, now);
            r.busy--;
            r.completed++;
            if (r.busy < r.servers && r.n > 0) {
                uint32_t want = ref_start_next(&r, now);
                assert_int_equal(started, 1);
                assert_int_equal(next, want);
            } else {
                assert_int_equal(started, 0);
            }
        } else if (u < 94) {
            uint32_t id = rnd_below(&seed, IDS) * 2654435761u;
            long i = ref_find(&r, id);
            int rc = sim_queue_remove(&q, now, id, NULL);
            assert_int_equal(rc, i >= 0 ? 1 : 0);
            if (i >= 0) {
                ref_advance(&r, now);
                ref_erase(&r, (size_t)i);
                r.removed++;
            }
        } else if (u < 98) {
            uint32_t servers = rnd_below(&seed, 6);
            uint32_t out[8];
            size_t n = 99;
            assert_int_equal(sim_queue_set_servers(&q, now, servers, out, 8, &n, NULL), 0);
            ref_advance(&r, now);
            r.servers = servers;
            size_t k = 0;
            while (r.busy < r.servers && r.n > 0) {
                uint32_t want = ref_start_next(&r, now);
                assert_true(k < n);
                assert_int_equal(out[k], want);
                k++;
            }
            assert_int_equal(n, k);
        } else {
            uint32_t limit = rnd_below(&seed, 3) == 0 ? UINT32_MAX : rnd_below(&seed, 40);
            sim_queue_set_waiting_limit(&q, limit);
            r.limit = limit;
        }
        assert_int_equal(q.waiting, r.n);
        assert_int_equal(q.busy, r.busy);
    }
    assert_int_equal(q.st.arrived, r.arrived);
    assert_int_equal(q.st.started, r.started);
    assert_int_equal(q.st.refused, r.refused);
    assert_int_equal(q.st.removed, r.removed);
    assert_int_equal(q.st.completed, r.completed);
    assert_true(r.removed > 100 && r.refused > 10 && r.started > 1000); /* all paths ran */
    /* Same sums accumulated in a different order: relative 1e-9 covers rounding. */
    assert_rel_near(sim_welford_sum(&q.st.wait), r.wait_sum, 1e-9);
    ref_advance(&r, now + 1.0);
    assert_rel_near(sim_queue_waiting_days(&q, now + 1.0), r.area_waiting, 1e-9);
    assert_rel_near(sim_queue_busy_days(&q, now + 1.0), r.area_busy, 1e-9);
    sim_queue_fini(&q);
}

/* ---------------------------------------------------------------------------------------
 * Appointment book */

/* Day 0 is a Monday; slots start at 08:00 and last an hour. */
static struct sim_book_cfg book_cfg(uint32_t weekday_slots, uint32_t weekend_slots)
{
    struct sim_book_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    for (int w = 0; w < 7; w++)
        cfg.slots[w] = w < 5 ? weekday_slots : weekend_slots;
    cfg.open_frac = 8.0 / 24;
    cfg.slot_days = 1.0 / 24;
    return cfg;
}

static sim_booking book_expect(struct sim_book *b, uint32_t earliest, uint32_t day,
                               uint32_t slot)
{
    sim_booking h = SIM_BOOKING_NONE;
    uint32_t d = 77, s = 77;
    assert_int_equal(sim_book_book(b, earliest, &h, &d, &s, NULL), 1);
    assert_int_equal(d, day);
    assert_int_equal(s, slot);
    assert_int_equal(sim_booking_day(h), day);
    assert_int_equal(sim_booking_slot(h), slot);
    return h;
}

static void test_book_fills_day_then_next_day(void **state)
{
    (void)state;
    struct sim_book b;
    struct sim_book_cfg cfg = book_cfg(3, 3);
    assert_int_equal(sim_book_init(&b, &cfg, NULL), 0);
    book_expect(&b, 0, 0, 0);
    book_expect(&b, 0, 0, 1);
    book_expect(&b, 0, 0, 2);
    book_expect(&b, 0, 1, 0);
    assert_int_equal(sim_book_free_on(&b, 0), 0);
    assert_int_equal(sim_book_free_on(&b, 1), 2);
    assert_int_equal(sim_book_booked_on(&b, 0), 3);
    assert_int_equal(b.st.booked, 4);
    sim_book_fini(&b);
}

static void test_book_skips_zero_slot_weekend(void **state)
{
    (void)state;
    struct sim_book b;
    struct sim_book_cfg cfg = book_cfg(2, 0);
    assert_int_equal(sim_book_init(&b, &cfg, NULL), 0);
    book_expect(&b, 4, 4, 0); /* Friday */
    book_expect(&b, 4, 4, 1);
    book_expect(&b, 4, 7, 0); /* Saturday and Sunday have no slots */
    book_expect(&b, 5, 7, 1);
    assert_int_equal(sim_book_capacity_on(&b, 12), 0);
    sim_book_fini(&b);
}

static void test_book_day0_weekday_shifts_the_week(void **state)
{
    (void)state;
    struct sim_book b;
    struct sim_book_cfg cfg = book_cfg(1, 0);
    cfg.day0_weekday = 5; /* day 0 is a Saturday */
    assert_int_equal(sim_book_init(&b, &cfg, NULL), 0);
    book_expect(&b, 0, 2, 0);
    assert_int_equal(sim_book_capacity_on(&b, 1), 0);
    assert_int_equal(sim_book_capacity_on(&b, 6), 1);
    assert_int_equal(sim_book_capacity_on(&b, 7), 0);
    sim_book_fini(&b);
}

static void test_book_cancel_frees_slot_for_later_request(void **state)
{
    (void)state;
    struct sim_book b;
    struct sim_book_cfg cfg = book_cfg(2, 2);
    assert_int_equal(sim_book_init(&b, &cfg, NULL), 0);
    book_expect(&b, 0, 0, 0);
    sim_booking h = book_expect(&b, 0, 0, 1);
    book_expect(&b, 0, 1, 0);
    assert_int_equal(sim_book_cancel(&b, h), 1);
    assert_int_equal(sim_book_free_on(&b, 0), 1);
    book_expect(&b, 0, 0, 1);
    book_expect(&b, 0, 1, 1);
    assert_int_equal(b.st.cancelled, 1);
    sim_book_fini(&b);
}

static void test_book_stale_handle_does_not_cancel_new_booking(void **state)
{
    (void)state;
    struct sim_book b;
    struct sim_book_cfg cfg = book_cfg(1, 1);
    assert_int_equal(sim_book_init(&b, &cfg, NULL), 0);
    sim_booking old = book_expect(&b, 3, 3, 0);
    assert_int_equal(sim_book_cancel(&b, old), 1);
    assert_int_equal(sim_book_cancel(&b, old), 0);
    sim_booking fresh = book_expect(&b, 3, 3, 0);
    assert_true(fresh != old);
    assert_int_equal(sim_book_cancel(&b, old), 0);
    assert_true(sim_book_is_booked(&b, fresh));
    assert_false(sim_book_is_booked(&b, old));
    assert_int_equal(sim_book_cancel(&b, SIM_BOOKING_NONE), 0);
    assert_int_equal(b.st.cancelled, 1);
    sim_book_fini(&b);
}

static void test_book_request_before_today_moves_to_today(void **state)
{
    (void)state;
    struct sim_book b;
    struct sim_book_cfg cfg = book_cfg(2, 2);
    assert_int_equal(sim_book_init(&b, &cfg, NULL), 0);
    assert_int_equal(sim_book_advance(&b, 10, NULL), 0);
    book_expect(&b, 3, 10, 0);
    assert_near(sim_book_mean_lead(&b), 0.0, EPS);
    assert_near(sim_book_mean_delay(&b), 0.0, EPS);
    sim_book_fini(&b);
}

/* Three slots a day; two used on day 0 and one on day 1; closing both leaves 3 idle. */
static void test_book_advance_counts_idle_slots(void **state)
{
    (void)state;
    struct sim_book b;
    struct sim_book_cfg cfg = book_cfg(3, 3);
    assert_int_equal(sim_book_init(&b, &cfg, NULL), 0);
    book_expect(&b, 0, 0, 0);
    sim_booking h = book_expect(&b, 0, 0, 1);
    book_expect(&b, 1, 1, 0);
    assert_true(isnan(sim_book_slot_use(&b)));
    assert_int_equal(sim_book_advance(&b, 2, NULL), 0);
    assert_int_equal(b.st.slots_offered, 6);
    assert_int_equal(b.st.slots_used, 3);
    assert_int_equal(b.st.slots_idle, 3);
    assert_near(sim_book_slot_use(&b), 0.5, EPS);
    assert_int_equal(sim_book_cancel(&b, h), 0); /* its day has closed */
    assert_int_equal(sim_book_free_on(&b, 1), 0);
    book_expect(&b, 0, 2, 0);
    sim_book_fini(&b);
}

static void test_book_advance_rejects_going_back(void **state)
{
    (void)state;
    struct sim_book b;
    struct sim_err err;
    sim_err_clear(&err);
    struct sim_book_cfg cfg = book_cfg(3, 3);
    assert_int_equal(sim_book_init(&b, &cfg, NULL), 0);
    assert_int_equal(sim_book_advance(&b, 5, NULL), 0);
    assert_int_equal(sim_book_advance(&b, 4, &err), SIM_EINVAL);
    assert_int_equal(err.code, SIM_EINVAL);
    assert_int_equal(b.today, 5);
    sim_book_fini(&b);
}

/* One slot a day: 100 000 requests from day 0 fill days 0..99 999 in order. Each booking
 * searches past all full days, so a linear scan would be quadratic; the bitmaps keep it
 * quick. */
static void test_book_far_future_is_not_quadratic(void **state)
{
    (void)state;
    enum { N = 100000 };
    struct sim_book b;
    struct sim_book_cfg cfg = book_cfg(1, 1);
    cfg.max_horizon_days = 200000;
    assert_int_equal(sim_book_init(&b, &cfg, NULL), 0);
    for (uint32_t i = 0; i < N; i++) {
        sim_booking h;
        uint32_t day;
        assert_int_equal(sim_book_book(&b, 0, &h, &day, NULL, NULL), 1);
        if (day != i)
            fail_msg("booking %u went to day %u", i, day);
    }
    book_expect(&b, 150000, 150000, 0);
    book_expect(&b, 0, N, 0);
    /* Mean lead of 0..99 999, 150 000 and 100 000. */
    double lead = ((double)N * (N - 1) / 2 + 150000.0 + 100000.0) / (N + 2);
    assert_near(sim_book_mean_lead(&b), lead, 1e-6);
    assert_true(b.ring_days <= 262144);
    sim_book_fini(&b);
}

static void test_book_refuses_beyond_horizon(void **state)
{
    (void)state;
    struct sim_book b;
    struct sim_book_cfg cfg = book_cfg(1, 1);
    cfg.max_horizon_days = 5;
    assert_int_equal(sim_book_init(&b, &cfg, NULL), 0);
    for (uint32_t d = 0; d < 5; d++)
        book_expect(&b, 0, d, 0);
    sim_booking h = 123;
    assert_int_equal(sim_book_book(&b, 0, &h, NULL, NULL, NULL), 0);
    assert_true(h == SIM_BOOKING_NONE);
    assert_int_equal(sim_book_book(&b, 5, &h, NULL, NULL, NULL), 0);
    assert_int_equal(b.st.refused, 2);
    assert_int_equal(b.ring_days, 64);
    /* A day later the horizon reaches day 5. */
    assert_int_equal(sim_book_advance(&b, 1, NULL), 0);
    book_expect(&b, 0, 5, 0);
    sim_book_fini(&b);
}

static void test_book_all_zero_slots_refuses(void **state)
{
    (void)state;
    struct sim_book b;
    struct sim_book_cfg cfg = book_cfg(0, 0);
    assert_int_equal(sim_book_init(&b, &cfg, NULL), 0);
    sim_booking h;
    assert_int_equal(sim_book_book(&b, 0, &h, NULL, NULL, NULL), 0);
    assert_int_equal(b.st.refused, 1);
    sim_book_fini(&b);
}

static void test_book_slot_time_is_middle_of_slot(void **state)
{
    (void)state;
    struct sim_book b;
    struct sim_book_cfg cfg = book_cfg(8, 0);
    assert_int_equal(sim_book_init(&b, &cfg, NULL), 0);
    /* Slot 2 of day 3 runs 10:00-11:00, middle 10:30. */
    assert_near(sim_book_slot_time(&b, 3, 2), 3.0 + 10.5 / 24, EPS);
    assert_int_equal(sim_book_day_of(3.999), 3);
    assert_int_equal(sim_book_day_of(-2.0), 0);
    assert_int_equal(sim_book_day_of(NAN), 0);
    sim_book_fini(&b);
}

static void test_book_capacity_change_from_day(void **state)
{
    (void)state;
    struct sim_book b;
    struct sim_book_cfg cfg = book_cfg(2, 2);
    assert_int_equal(sim_book_init(&b, &cfg, NULL), 0);
    uint32_t four[7] = {4, 4, 4, 4, 4, 4, 4};
    assert_int_equal(sim_book_set_slots(&b, 5, four, NULL), 0);
    assert_int_equal(sim_book_capacity_on(&b, 4), 2);
    assert_int_equal(sim_book_capacity_on(&b, 5), 4);
    assert_int_equal(sim_book_capacity_on(&b, 500), 4);
    assert_int_equal(sim_book_free_on(&b, 5), 4);
    for (uint32_t s = 0; s < 4; s++)
        book_expect(&b, 5, 5, s);
    book_expect(&b, 5, 6, 0);
    book_expect(&b, 4, 4, 0);
    book_expect(&b, 4, 4, 1);
    book_expect(&b, 4, 6, 1);
    sim_book_fini(&b);
}

/* A cut from 4 to 2 slots keeps the four bookings of day 3; a cancelled slot beyond the
 * new capacity is not offered again, one within it is. */
static void test_book_capacity_cut_keeps_existing_bookings(void **state)
{
    (void)state;
    struct sim_book b;
    struct sim_book_cfg cfg = book_cfg(4, 4);
    assert_int_equal(sim_book_init(&b, &cfg, NULL), 0);
    sim_booking h[4];
    for (uint32_t s = 0; s < 4; s++)
        h[s] = book_expect(&b, 3, 3, s);
    double t3 = sim_book_slot_time(&b, 3, 3);
    uint32_t two[7] = {2, 2, 2, 2, 2, 2, 2};
    assert_int_equal(sim_book_set_slots(&b, 0, two, NULL), 0);
    for (uint32_t s = 0; s < 4; s++)
        assert_true(sim_book_is_booked(&b, h[s]));
    assert_near(sim_book_slot_time(&b, 3, 3), t3, 0.0);
    assert_int_equal(sim_book_booked_on(&b, 3), 4);
    assert_int_equal(sim_book_free_on(&b, 3), 0);
    assert_int_equal(sim_book_cancel(&b, h[3]), 1);
    assert_int_equal(sim_book_free_on(&b, 3), 0);
    assert_int_equal(sim_book_cancel(&b, h[1]), 1);
    assert_int_equal(sim_book_free_on(&b, 3), 1);
    book_expect(&b, 3, 3, 1);
    book_expect(&b, 3, 4, 0);
    /* Closing day 3 counts 3 bookings against 2 slots. */
    assert_int_equal(sim_book_advance(&b, 4, NULL), 0);
    assert_int_equal(b.st.slots_idle, 2 + 2 + 2); /* days 0..2 empty */
    assert_int_equal(b.st.slots_used, 3);
    sim_book_fini(&b);
}

static void test_book_capacity_increase_beyond_first_layout(void **state)
{
    (void)state;
    struct sim_book b;
    struct sim_book_cfg cfg = book_cfg(2, 2);
    cfg.slot_days = 1.0 / 200;
    assert_int_equal(sim_book_init(&b, &cfg, NULL), 0);
    sim_booking early = book_expect(&b, 2, 2, 0);
    uint32_t many[7] = {100, 100, 100, 100, 100, 100, 100};
    assert_int_equal(sim_book_set_slots(&b, 2, many, NULL), 0);
    assert_true(sim_book_is_booked(&b, early));
    for (uint32_t s = 1; s < 100; s++)
        book_expect(&b, 2, 2, s);
    book_expect(&b, 0, 0, 0);
    book_expect(&b, 0, 0, 1);
    book_expect(&b, 0, 1, 0);
    sim_book_fini(&b);
}

static void test_book_rejects_bad_config(void **state)
{
    (void)state;
    struct sim_book b;
    struct sim_err err;
    sim_err_clear(&err);
    struct sim_book_cfg cfg = book_cfg(2, 2);
    cfg.day0_weekday = 7;
    assert_int_equal(sim_book_init(&b, &cfg, &err), SIM_EINVAL);
    cfg = book_cfg(17, 0); /* 08:00 + 17 hours runs past midnight */
    assert_int_equal(sim_book_init(&b, &cfg, &err), SIM_EINVAL);
    cfg = book_cfg(2, 2);
    cfg.slot_days = 0;
    assert_int_equal(sim_book_init(&b, &cfg, &err), SIM_EINVAL);
    cfg = book_cfg(16, 0); /* 08:00 + 16 hours ends exactly at midnight: fine */
    assert_int_equal(sim_book_init(&b, &cfg, &err), 0);
    uint32_t bad[7] = {0, 0, 0, 70000, 0, 0, 0};
    assert_int_equal(sim_book_set_slots(&b, 0, bad, &err), SIM_EINVAL);
    assert_int_equal(sim_book_capacity_on(&b, 3), 16);
    assert_int_equal(err.count, 4);
    sim_book_fini(&b);
}

/* 1 slot a day: requests from 0, 0 and 5 get days 0, 1 and 5; leads 0, 1, 5 and capacity
 * delays 0, 1, 0. */
static void test_book_lead_and_delay_stats(void **state)
{
    (void)state;
    struct sim_book b;
    struct sim_book_cfg cfg = book_cfg(1, 1);
    assert_int_equal(sim_book_init(&b, &cfg, NULL), 0);
    book_expect(&b, 0, 0, 0);
    book_expect(&b, 0, 1, 0);
    book_expect(&b, 5, 5, 0);
    assert_near(sim_book_mean_lead(&b), 2.0, EPS);
    assert_near(sim_book_mean_delay(&b), 1.0 / 3, EPS);
    assert_near(b.st.lead.max, 5.0, EPS);
    sim_book_reset_stats(&b);
    assert_int_equal(b.st.booked, 0);
    assert_true(isnan(sim_book_mean_lead(&b)));
    assert_int_equal(sim_book_booked_on(&b, 5), 1); /* bookings survive the reset */
    sim_book_fini(&b);
}

/* Ten years of daily use, booking two weeks ahead and changing capacity every year: the
 * ring and the capacity rows stay the size the horizon needs. */
static void test_book_memory_bounded_over_long_run(void **state)
{
    (void)state;
    struct sim_book b;
    struct sim_book_cfg cfg = book_cfg(5, 0);
    assert_int_equal(sim_book_init(&b, &cfg, NULL), 0);
    size_t bytes = sim_book_bytes(&b);
    for (uint32_t day = 0; day < 3650; day++) {
        assert_int_equal(sim_book_advance(&b, day, NULL), 0);
        if (day % 365 == 0) {
            uint32_t slots[7] = {5, 5, 5, 5, 5, 0, 0};
            slots[day / 365 % 5] = 4;
            assert_int_equal(sim_book_set_slots(&b, day + 30, slots, NULL), 0);
        }
        for (int k = 0; k < 3; k++) {
            sim_booking h;
            assert_int_equal(sim_book_book(&b, day + 14, &h, NULL, NULL, NULL), 1);
        }
    }
    assert_int_equal(b.ring_days, 64);
    assert_true(b.nsched <= 2);
    assert_int_equal(sim_book_bytes(&b), bytes);
    sim_book_fini(&b);
}

/* A booking far beyond the ring grows it; bookings made before keep their slots and
 * handles, including after the window has wrapped around the ring. */
static void test_book_ring_growth_keeps_bookings(void **state)
{
    (void)state;
    struct sim_book b;
    struct sim_book_cfg cfg = book_cfg(1, 1);
    assert_int_equal(sim_book_init(&b, &cfg, NULL), 0);
    assert_int_equal(sim_book_advance(&b, 40, NULL), 0); /* window 40..103 wraps at 64 */
    sim_booking h[50];
    for (uint32_t i = 0; i < 50; i++)
        h[i] = book_expect(&b, 40, 40 + i, 0);
    book_expect(&b, 500, 500, 0);
    assert_true(b.ring_days >= 512);
    for (uint32_t i = 0; i < 50; i++)
        assert_true(sim_book_is_booked(&b, h[i]));
    book_expect(&b, 40, 90, 0);
    assert_int_equal(sim_book_cancel(&b, h[7]), 1);
    book_expect(&b, 40, 47, 0);
    sim_book_fini(&b);
}

/* Reference book: an array of days, each a bitmask of booked slots; naive search. */
#define RB_DAYS 2048
#define RB_HORIZON 120
struct ref_book {
    uint32_t cap[RB_DAYS];
    uint32_t mask[RB_DAYS]; /* bit k: slot k booked */
    uint32_t today;
};

static void test_book_matches_reference_random(void **state)
{
    (void)state;
    static struct ref_book r;
    memset(&r, 0, sizeof r);
    struct sim_book b;
    struct sim_book_cfg cfg = book_cfg(3, 1);
    cfg.max_horizon_days = RB_HORIZON;
    cfg.slot_days = 1.0 / 48;
    assert_int_equal(sim_book_init(&b, &cfg, NULL), 0);
    for (uint32_t d = 0; d < RB_DAYS; d++)
        r.cap[d] = d % 7 < 5 ? 3 : 1;
    enum { HELD_MAX = 4096 };
    static sim_booking held[HELD_MAX];
    size_t nheld = 0;
    uint64_t seed = 12345;
    uint64_t refused = 0, cancels = 0;
    while (r.today + RB_HORIZON + 1 < RB_DAYS) {
        uint32_t u = rnd_below(&seed, 100);
        if (u < 60) {
            uint32_t earliest = r.today + rnd_below(&seed, 60);
            if (rnd_below(&seed, 10) == 0 && r.today > 5)
                earliest = r.today - 5;
            uint32_t from = earliest > r.today ? earliest : r.today;
            uint32_t want_day = UINT32_MAX, want_slot = 0;
            for (uint32_t d = from; d < r.today + RB_HORIZON && want_day == UINT32_MAX; d++)
                for (uint32_t k = 0; k < r.cap[d]; k++)
                    if (!(r.mask[d] >> k & 1)) {
                        want_day = d;
                        want_slot = k;
                        break;
                    }
            sim_booking h;
            uint32_t day, slot;
            int rc = sim_book_book(&b, earliest, &h, &day, &slot, NULL);
            if (want_day == UINT32_MAX) {
                assert_int_equal(rc, 0);
                refused++;
            } else {
                assert_int_equal(rc, 1);
                assert_int_equal(day, want_day);
                assert_int_equal(slot, want_slot);
                r.mask[day] |= 1u << slot;
                if (nheld < HELD_MAX)
                    held[nheld++] = h;
            }
        } else if (u < 85) {
            if (nheld == 0)
                continue;
            size_t i = rnd_below(&seed, (uint32_t)nheld);
            sim_booking h = held[i];
            held[i] = held[--nheld];
            uint32_t day = sim_booking_day(h), slot = sim_booking_slot(h);
            int live = day >= r.today && (r.mask[day] >> slot & 1);
            assert_int_equal(sim_book_cancel(&b, h), live);
            if (live) {
                r.mask[day] &= ~(1u << slot);
                cancels++;
            }
        } else if (u < 98) {
            uint32_t to = r.today + rnd_below(&seed, 3);
            assert_int_equal(sim_book_advance(&b, to, NULL), 0);
            r.today = to;
        } else {
            uint32_t slots[7];
            for (int w = 0; w < 7; w++)
                slots[w] = rnd_below(&seed, 6);
            uint32_t from = r.today + rnd_below(&seed, 30);
            assert_int_equal(sim_book_set_slots(&b, from, slots, NULL), 0);
            for (uint32_t d = from; d < RB_DAYS; d++)
                r.cap[d] = slots[d % 7];
        }
    }
    for (uint32_t d = r.today; d < r.today + RB_HORIZON; d++) {
        uint32_t nfree = 0;
        for (uint32_t k = 0; k < r.cap[d]; k++)
            nfree += !(r.mask[d] >> k & 1);
        assert_int_equal(sim_book_free_on(&b, d), nfree);
        assert_int_equal(sim_book_booked_on(&b, d), __builtin_popcount(r.mask[d]));
    }
    assert_int_equal(b.st.refused, refused);
    assert_int_equal(b.st.cancelled, cancels);
    assert_true(refused > 10 && cancels > 100); /* both paths ran */
    sim_book_fini(&b);
}

/* ---------------------------------------------------------------------------------------
 * Bed pool */

/* Two beds: admissions at 0 and 1, discharges at 3 and 4, admission at 4.5. Occupied:
 * 1 on [0,1), 2 on [1,3), 1 on [3,4), 0 on [4,4.5), 1 on [4.5,6): 7.5 bed-days of 12. */
static void test_beds_occupancy_integral_exact(void **state)
{
    (void)state;
    struct sim_beds b;
    int got;
    uint32_t next;
    assert_int_equal(sim_beds_init(&b, 2, 0.0, NULL), 0);
    assert_int_equal(sim_beds_admit(&b, 0.0, 1, &got, NULL), 0);
    assert_int_equal(got, SIM_BEDS_ADMITTED);
    assert_int_equal(sim_beds_admit(&b, 1.0, 2, &got, NULL), 0);
    assert_int_equal(got, SIM_BEDS_ADMITTED);
    assert_int_equal(sim_beds_discharge(&b, 3.0, &next, &got, NULL), 0);
    assert_int_equal(got, 0);
    assert_int_equal(sim_beds_discharge(&b, 4.0, &next, &got, NULL), 0);
    assert_int_equal(sim_beds_admit(&b, 4.5, 3, &got, NULL), 0);
    assert_int_equal(sim_beds_occupied(&b), 1);
    assert_near(sim_beds_bed_days(&b, 6.0), 7.5, EPS);
    assert_near(sim_beds_mean_occupancy(&b, 6.0), 1.25, EPS);
    assert_near(sim_beds_occupancy_fraction(&b, 6.0), 0.625, EPS);
    assert_int_equal(sim_beds_max_occupied(&b), 2);
    assert_int_equal(sim_beds_boarded(&b), 0);
    sim_beds_fini(&b);
}

/* One bed, taken at 0; patients 2 (t=1) and 3 (t=2) board; the bed frees at 4 and goes to
 * 2. Boarding: 1 on [1,2), 2 on [2,4), 1 on [4,5): 6 patient-days by t=5. */
static void test_beds_boarding_when_full(void **state)
{
    (void)state;
    struct sim_beds b;
    int got;
    uint32_t next = 0;
    assert_int_equal(sim_beds_init(&b, 1, 0.0, NULL), 0);
    assert_int_equal(sim_beds_admit(&b, 0.0, 1, &got, NULL), 0);
    assert_int_equal(got, SIM_BEDS_ADMITTED);
    assert_int_equal(sim_beds_admit(&b, 1.0, 2, &got, NULL), 0);
    assert_int_equal(got, SIM_BEDS_BOARDING);
    assert_int_equal(sim_beds_admit(&b, 2.0, 3, &got, NULL), 0);
    assert_int_equal(got, SIM_BEDS_BOARDING);
    assert_int_equal(sim_beds_boarding(&b), 2);
    assert_int_equal(sim_beds_discharge(&b, 4.0, &next, &got, NULL), 0);
    assert_int_equal(got, 1);
    assert_int_equal(next, 2);
    assert_near(b.q.last_wait_days, 3.0, EPS);
    assert_int_equal(sim_beds_boarded(&b), 2);
    assert_near(sim_beds_boarding_days(&b, 5.0), 6.0, EPS);
    assert_near(sim_beds_occupancy_fraction(&b, 5.0), 1.0, EPS);
    sim_beds_fini(&b);
}

static void test_beds_remove_waiting_patient(void **state)
{
    (void)state;
    struct sim_beds b;
    int got;
    uint32_t next = 0;
    assert_int_equal(sim_beds_init(&b, 1, 0.0, NULL), 0);
    assert_int_equal(sim_beds_admit(&b, 0.0, 1, &got, NULL), 0);
    assert_int_equal(sim_beds_admit(&b, 0.0, 2, &got, NULL), 0);
    assert_int_equal(sim_beds_admit(&b, 0.0, 3, &got, NULL), 0);
    assert_int_equal(sim_beds_remove_waiting(&b, 1.0, 2, NULL), 1);
    assert_int_equal(sim_beds_remove_waiting(&b, 1.0, 1, NULL), 0); /* in a bed */
    assert_int_equal(sim_beds_discharge(&b, 2.0, &next, &got, NULL), 0);
    assert_int_equal(got, 1);
    assert_int_equal(next, 3);
    sim_beds_fini(&b);
}

static void test_beds_boarding_limit_refuses(void **state)
{
    (void)state;
    struct sim_beds b;
    int got;
    assert_int_equal(sim_beds_init(&b, 1, 0.0, NULL), 0);
    sim_beds_set_boarding_limit(&b, 0);
    assert_int_equal(sim_beds_admit(&b, 0.0, 1, &got, NULL), 0);
    assert_int_equal(got, SIM_BEDS_ADMITTED);
    assert_int_equal(sim_beds_admit(&b, 0.5, 2, &got, NULL), 0);
    assert_int_equal(got, SIM_BEDS_REFUSED);
    assert_int_equal(sim_beds_refused(&b), 1);
    assert_int_equal(sim_beds_boarding(&b), 0);
    sim_beds_fini(&b);
}

static void test_beds_capacity_increase_admits_boarders(void **state)
{
    (void)state;
    struct sim_beds b;
    int got;
    assert_int_equal(sim_beds_init(&b, 1, 0.0, NULL), 0);
    for (uint32_t p = 1; p <= 4; p++)
        assert_int_equal(sim_beds_admit(&b, 0.0, p, &got, NULL), 0);
    uint32_t out[2];
    size_t n = 0;
    assert_int_equal(sim_beds_set_capacity(&b, 1.0, 3, out, 2, &n, NULL), 0);
    assert_int_equal(n, 2);
    assert_int_equal(out[0], 2);
    assert_int_equal(out[1], 3);
    assert_int_equal(sim_beds_occupied(&b), 3);
    assert_int_equal(sim_beds_boarding(&b), 1);
    sim_beds_fini(&b);
}

/* Warm-up to t=10 with both beds full from t=0 and one patient boarding from t=5. After
 * the reset at 10: a discharge at 12 admits the boarder (their wait 7 counts), another at
 * 16. Occupied from 10: 2 on [10,16), 1 on [16,20): 16 bed-days of 20. Boarding from 10:
 * 1 on [10,12): 2 patient-days. */
static void test_beds_reset_stats_for_warmup(void **state)
{
    (void)state;
    struct sim_beds b;
    int got;
    uint32_t next;
    assert_int_equal(sim_beds_init(&b, 2, 0.0, NULL), 0);
    assert_int_equal(sim_beds_admit(&b, 0.0, 1, &got, NULL), 0);
    assert_int_equal(sim_beds_admit(&b, 0.0, 2, &got, NULL), 0);
    assert_int_equal(sim_beds_admit(&b, 5.0, 3, &got, NULL), 0);
    assert_int_equal(got, SIM_BEDS_BOARDING);
    assert_int_equal(sim_beds_reset_stats(&b, 10.0, NULL), 0);
    assert_int_equal(sim_beds_boarded(&b), 0);
    assert_int_equal(sim_beds_max_occupied(&b), 2);
    assert_int_equal(sim_beds_discharge(&b, 12.0, &next, &got, NULL), 0);
    assert_int_equal(next, 3);
    assert_int_equal(sim_beds_discharge(&b, 16.0, &next, &got, NULL), 0);
    assert_int_equal(got, 0);
    assert_near(sim_beds_bed_days(&b, 20.0), 16.0, EPS);
    assert_near(sim_beds_mean_occupancy(&b, 20.0), 1.6, EPS);
    assert_near(sim_beds_occupancy_fraction(&b, 20.0), 0.8, EPS);
    assert_near(sim_beds_boarding_days(&b, 20.0), 2.0, EPS);
    assert_near(sim_queue_mean_wait(&b.q), 7.0, EPS);
    sim_beds_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_two_servers_hand_sequence),
        cmocka_unit_test(test_queue_priority_class_served_first),
        cmocka_unit_test(test_queue_fifo_within_class),
        cmocka_unit_test(test_queue_remove_from_middle),
        cmocka_unit_test(test_queue_remove_head_and_tail_keeps_order),
        cmocka_unit_test(test_queue_remove_unknown_customer_returns_zero),
        cmocka_unit_test(test_queue_capacity_increase_starts_waiters),
        cmocka_unit_test(test_queue_capacity_increase_rejects_small_out_array),
        cmocka_unit_test(test_queue_capacity_decrease_waits_for_busy_to_finish),
        cmocka_unit_test(test_queue_zero_servers_holds_everyone),
        cmocka_unit_test(test_queue_reset_stats_drops_warmup),
        cmocka_unit_test(test_queue_waiting_limit_refuses),
        cmocka_unit_test(test_queue_rejects_time_going_backwards),
        cmocka_unit_test(test_queue_rejects_bad_arguments),
        cmocka_unit_test(test_queue_depart_with_no_busy_server_fails),
        cmocka_unit_test(test_queue_duplicate_waiting_customer_rejected),
        cmocka_unit_test(test_queue_many_waiting_remove_and_reuse),
        cmocka_unit_test(test_queue_matches_reference_random),
        cmocka_unit_test(test_book_fills_day_then_next_day),
        cmocka_unit_test(test_book_skips_zero_slot_weekend),
        cmocka_unit_test(test_book_day0_weekday_shifts_the_week),
        cmocka_unit_test(test_book_cancel_frees_slot_for_later_request),
        cmocka_unit_test(test_book_stale_handle_does_not_cancel_new_booking),
        cmocka_unit_test(test_book_request_before_today_moves_to_today),
        cmocka_unit_test(test_book_advance_counts_idle_slots),
        cmocka_unit_test(test_book_advance_rejects_going_back),
        cmocka_unit_test(test_book_far_future_is_not_quadratic),
        cmocka_unit_test(test_book_refuses_beyond_horizon),
        cmocka_unit_test(test_book_all_zero_slots_refuses),
        cmocka_unit_test(test_book_slot_time_is_middle_of_slot),
        cmocka_unit_test(test_book_capacity_change_from_day),
        cmocka_unit_test(test_book_capacity_cut_keeps_existing_bookings),
        cmocka_unit_test(test_book_capacity_increase_beyond_first_layout),
        cmocka_unit_test(test_book_rejects_bad_config),
        cmocka_unit_test(test_book_lead_and_delay_stats),
        cmocka_unit_test(test_book_memory_bounded_over_long_run),
        cmocka_unit_test(test_book_ring_growth_keeps_bookings),
        cmocka_unit_test(test_book_matches_reference_random),
        cmocka_unit_test(test_beds_occupancy_integral_exact),
        cmocka_unit_test(test_beds_boarding_when_full),
        cmocka_unit_test(test_beds_remove_waiting_patient),
        cmocka_unit_test(test_beds_boarding_limit_refuses),
        cmocka_unit_test(test_beds_capacity_increase_admits_boarders),
        cmocka_unit_test(test_beds_reset_stats_for_warmup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
