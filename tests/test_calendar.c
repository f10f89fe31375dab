/* tests/test_calendar.c — the event calendar: ordering, ties, cancel, reschedule, handles,
 * pool reuse, and a randomized comparison against a plain reference implementation. */
#include "tests/testutil.h"

#include "sim/calendar.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void test_calendar_pops_in_time_order(void **state)
{
    (void)state;
    struct sim_calendar cal;
    assert_int_equal(sim_calendar_init(&cal, 0), 0);
    const double times[] = { 5.0, 1.0, 3.0, 4.0, 2.0, 0.5, 9.0 };
    for (size_t i = 0; i < 7; i++)
        assert_true(sim_calendar_push(&cal, times[i], 0, 0, (uint32_t)i) != SIM_HANDLE_NONE);
    const double want[] = { 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 9.0 };
    struct sim_event ev;
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(sim_calendar_pop(&cal, &ev), 1);
        assert_true(ev.time == want[i]);
    }
    assert_int_equal(sim_calendar_pop(&cal, &ev), 0);
    sim_calendar_fini(&cal);
}

static void test_calendar_ties_fire_in_insertion_order(void **state)
{
    (void)state;
    struct sim_calendar cal;
    assert_int_equal(sim_calendar_init(&cal, 0), 0);
    /* 1000 events at three distinct times, interleaved: within a time, targets must come
     * out in the order they went in. */
    for (uint32_t i = 0; i < 1000; i++)
        sim_calendar_push(&cal, (double)(i % 3), (uint16_t)(i % 7), 0, i);
    struct sim_event ev;
    double last_time = -1;
    uint32_t last_target = 0;
    while (sim_calendar_pop(&cal, &ev)) {
        if (ev.time == last_time)
            assert_true(ev.target > last_target);
        else
            assert_true(ev.time > last_time);
        assert_int_equal(ev.type, ev.target % 7);
        last_time = ev.time;
        last_target = ev.target;
    }
    sim_calendar_fini(&cal);
}

static void test_calendar_cancel_removes_event_and_stales_handle(void **state)
{
    (void)state;
    struct sim_calendar cal;
    assert_int_equal(sim_calendar_init(&cal, 0), 0);
    sim_handle a = sim_calendar_push(&cal, 1.0, 0, 0, 1);
    sim_handle b = sim_calendar_push(&cal, 2.0, 0, 0, 2);
    sim_handle c = sim_calendar_push(&cal, 3.0, 0, 0, 3);
    assert_true(sim_calendar_is_pending(&cal, b));
    assert_int_equal(sim_calendar_cancel(&cal, b), 1);
    assert_false(sim_calendar_is_pending(&cal, b));
    assert_int_equal(sim_calendar_cancel(&cal, b), 0); /* twice: harmless */
    assert_true(isnan(sim_calendar_time_of(&cal, b)));
    assert_int_equal(sim_calendar_size(&cal), 2);
    struct sim_event ev;
    sim_calendar_pop(&cal, &ev);
    assert_int_equal(ev.target, 1);
    assert_true(ev.handle == a);
    assert_int_equal(sim_calendar_cancel(&cal, a), 0); /* already fired */
    sim_calendar_pop(&cal, &ev);
    assert_int_equal(ev.target, 3);
    assert_true(ev.handle == c);
    assert_int_equal(sim_calendar_cancel(&cal, SIM_HANDLE_NONE), 0);
    assert_int_equal(sim_calendar_cancel(&cal, (sim_handle)0xdeadbeef12345678ull), 0);
    sim_calendar_fini(&cal);
}

static void test_calendar_stale_handle_does_not_touch_reused_record(void **state)
{
    (void)state;
    struct sim_calendar cal;
    assert_int_equal(sim_calendar_init(&cal, 0), 0);
    sim_handle old = sim_calendar_push(&cal, 1.0, 0, 0, 1);
    assert_int_equal(sim_calendar_cancel(&cal, old), 1);
    sim_handle fresh = sim_calendar_push(&cal, 2.0, 0, 0, 2); /* reuses the record */
    assert_true((uint32_t)fresh == (uint32_t)old);             /* same slot ... */
    assert_true(fresh != old);                                 /* ... new name */
    assert_int_equal(sim_calendar_cancel(&cal, old), 0);
    assert_true(sim_calendar_is_pending(&cal, fresh));
    assert_int_equal(sim_calendar_size(&cal), 1);
    sim_calendar_fini(&cal);
}

static void test_calendar_reschedule_moves_event_and_keeps_handle(void **state)
{
    (void)state;
    struct sim_calendar cal;
    assert_int_equal(sim_calendar_init(&cal, 0), 0);
    sim_handle a = sim_calendar_push(&cal, 1.0, 0, 0, 1);
    sim_calendar_push(&cal, 2.0, 0, 0, 2);
    assert_int_equal(sim_calendar_reschedule(&cal, a, 2.0), 1); /* ties after target 2 now */
    assert_true(sim_calendar_is_pending(&cal, a));
    assert_true(sim_calendar_time_of(&cal, a) == 2.0);
    assert_int_equal(sim_calendar_reschedule(&cal, a, NAN), 0);
    assert_true(sim_calendar_time_of(&cal, a) == 2.0);
    struct sim_event ev;
    sim_calendar_pop(&cal, &ev);
    assert_int_equal(ev.target, 2);
    sim_calendar_pop(&cal, &ev);
    assert_int_equal(ev.target, 1);
    assert_true(ev.handle == a);
    assert_int_equal(sim_calendar_reschedule(&cal, a, 5.0), 0); /* fired: stale */
    sim_calendar_fini(&cal);
}

static void test_calendar_operations_after_pop_see_a_consistent_heap(void **state)
{
    (void)state;
    /* pop leaves the root vacant until the next operation; every operation must behave as
     * if the pop had completed. */
    struct sim_calendar cal;
    assert_int_equal(sim_calendar_init(&cal, 0), 0);
    sim_handle h[6];
    for (uint32_t i = 0; i < 6; i++)
        h[i] = sim_calendar_push(&cal, 10.0 - i, 0, 0, i); /* earliest is target 5 */
    struct sim_event ev;
    sim_calendar_pop(&cal, &ev);
    assert_int_equal(ev.target, 5);
    assert_int_equal(sim_calendar_size(&cal), 5);
    assert_true(sim_calendar_time_of(&cal, h[4]) == 6.0);
    assert_int_equal(sim_calendar_cancel(&cal, h[4]), 1);     /* cancel right after pop */
    assert_true(sim_calendar_next_time(&cal) == 7.0);
    sim_calendar_pop(&cal, &ev);
    assert_int_equal(sim_calendar_reschedule(&cal, h[0], 1.0), 1); /* reschedule after pop */
    sim_calendar_pop(&cal, &ev);
    assert_int_equal(ev.target, 0);
    sim_calendar_pop(&cal, &ev);
    sim_calendar_push(&cal, 8.5, 0, 0, 42);                    /* push fills the hole */
    sim_calendar_pop(&cal, &ev);
    assert_int_equal(ev.target, 42);
    sim_calendar_pop(&cal, &ev);
    assert_int_equal(ev.target, 1);
    assert_int_equal(sim_calendar_size(&cal), 0);
    assert_int_equal(sim_calendar_pop(&cal, &ev), 0);
    assert_true(isinf(sim_calendar_next_time(&cal)));
    sim_calendar_fini(&cal);
}

static void test_calendar_rejects_non_finite_times(void **state)
{
    (void)state;
    struct sim_calendar cal;
    assert_int_equal(sim_calendar_init(&cal, 0), 0);
    assert_true(sim_calendar_push(&cal, NAN, 0, 0, 0) == SIM_HANDLE_NONE);
    assert_true(sim_calendar_push(&cal, INFINITY, 0, 0, 0) == SIM_HANDLE_NONE);
    assert_true(sim_calendar_push(&cal, -INFINITY, 0, 0, 0) == SIM_HANDLE_NONE);
    assert_int_equal(sim_calendar_size(&cal), 0);
    assert_true(isinf(sim_calendar_next_time(&cal)));
    sim_calendar_fini(&cal);
}

static void test_calendar_steady_state_reuses_pool(void **state)
{
    (void)state;
    struct sim_calendar cal;
    assert_int_equal(sim_calendar_init(&cal, 0), 0);
    for (uint32_t i = 0; i < 500; i++)
        sim_calendar_push(&cal, (double)i, 0, 0, i);
    size_t bytes = sim_calendar_bytes(&cal);
    size_t used = cal.pool_used;
    struct sim_event ev;
    /* A hold loop: one out, one in. No growth, no new records. */
    for (int i = 0; i < 100000; i++) {
        sim_calendar_pop(&cal, &ev);
        sim_calendar_push(&cal, ev.time + 1.0 + (i % 13) * 0.37, 0, 0, ev.target);
    }
    assert_int_equal(cal.pool_used, used);
    assert_int_equal(sim_calendar_bytes(&cal), bytes);
    assert_int_equal(sim_calendar_size(&cal), 500);
    sim_calendar_fini(&cal);
}

static void test_calendar_memory_per_pending_event_within_budget(void **state)
{
    (void)state;
    /* Design budget: 32 bytes per pending event plus at most 1.5x growth slack <= 48. */
    struct sim_calendar cal;
    assert_int_equal(sim_calendar_init(&cal, 0), 0);
    for (uint32_t i = 0; i < 100000; i++)
        sim_calendar_push(&cal, (double)(i * 7919 % 100003), 0, 0, i);
    double per_event = (double)sim_calendar_bytes(&cal) / 100000.0;
    assert_true(per_event <= 48.0);
    assert_true(per_event >= 32.0);
    sim_calendar_fini(&cal);
}

/* --- randomized comparison with a reference: an unsorted array scanned for the minimum --- */

struct ref_event {
    double time;
    uint64_t seq;
    sim_handle handle;
    uint32_t target;
};

static size_t ref_min(const struct ref_event *r, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (r[i].time < r[best].time || (r[i].time == r[best].time && r[i].seq < r[best].seq))
            best = i;
    return best;
}

/* seq_limit: when nonzero, forces the sequence renumbering that normally happens once per
 * 2^32 insertions to happen every few hundred, so its order-keeping is checked too.
 * bucket_width: when > 0, the far-event buckets are on with that width. Times are
 * now + k * step for k in 0..49, so they fall on bucket boundaries, inside buckets and (for
 * small widths) beyond the ring. */
static void check_against_reference_with(uint32_t seq_limit, double bucket_width, double step)
{
    enum { OPS = 20000, MAXN = 4096 };
    struct ref_event *ref = calloc(MAXN, sizeof *ref);
    sim_handle *dead = calloc(OPS, sizeof *dead); /* handles of fired/cancelled events */
    assert_non_null(ref);
    assert_non_null(dead);
    size_t n = 0, n_dead = 0;
    uint64_t seq = 0;
    struct sim_calendar cal;
    assert_int_equal(sim_calendar_init(&cal, 0), 0);
    if (seq_limit)
        cal.seq_limit = seq_limit;
    if (bucket_width > 0)
        assert_int_equal(sim_calendar_use_buckets(&cal, bucket_width), 0);
    srand(12345); /* fixed seed: the operation mix is reproducible */
    double now = 0;
    for (int op = 0; op < OPS; op++) {
        int r = rand() % 100;
        if (n < MAXN && (r < 45 || n == 0)) {
            /* coarse times make ties common */
            double t = now + (double)(rand() % 50) * step;
            uint32_t target = (uint32_t)op;
            sim_handle h = sim_calendar_push(&cal, t, 1, 2, target);
            assert_true(h != SIM_HANDLE_NONE);
            ref[n++] = (struct ref_event){ t, seq++, h, target };
        } else if (r < 75) {
            size_t m = ref_min(ref, n);
            struct sim_event ev;
            assert_int_equal(sim_calendar_pop(&cal, &ev), 1);
            assert_true(ev.time == ref[m].time);
            assert_int_equal(ev.target, ref[m].target);
            assert_true(ev.handle == ref[m].handle);
            assert_int_equal(ev.type, 1);
            assert_int_equal(ev.aux, 2);
            now = ev.time;
            dead[n_dead++] = ref[m].handle;
            ref[m] = ref[--n];
        } else if (r < 90) {
            size_t k = (size_t)rand() % n;
            assert_int_equal(sim_calendar_cancel(&cal, ref[k].handle), 1);
            dead[n_dead++] = ref[k].handle;
            ref[k] = ref[--n];
        } else if (r < 95) {
            size_t k = (size_t)rand() % n;
            double t = now + (double)(rand() % 50) * step;
            assert_int_equal(sim_calendar_reschedule(&cal, ref[k].handle, t), 1);
            ref[k].time = t;
            ref[k].seq = seq++;
        } else if (n_dead > 0) {
            /* stale handles must be refused and must not disturb anything */
            sim_handle h = dead[(size_t)rand() % n_dead];
            assert_int_equal(sim_calendar_cancel(&cal, h), 0);
            assert_int_equal(sim_calendar_reschedule(&cal, h, now), 0);
        }
        assert_int_equal(sim_calendar_size(&cal), n);
        if (n) {
            size_t k = (size_t)rand() % n; /* wherever it waits, its time is known */
            assert_true(sim_calendar_time_of(&cal, ref[k].handle) == ref[k].time);
            assert_true(sim_calendar_next_time(&cal) == ref[ref_min(ref, n)].time);
        }
    }
    /* drain */
    struct sim_event ev;
    while (n) {
        size_t m = ref_min(ref, n);
        assert_int_equal(sim_calendar_pop(&cal, &ev), 1);
        assert_int_equal(ev.target, ref[m].target);
        ref[m] = ref[--n];
    }
    assert_int_equal(sim_calendar_pop(&cal, &ev), 0);
    sim_calendar_fini(&cal);
    free(ref);
    free(dead);
}

static void check_against_reference(uint32_t seq_limit)
{
    check_against_reference_with(seq_limit, 0, 0.25);
}

static void test_calendar_matches_reference_under_random_operations(void **state)
{
    (void)state;
    check_against_reference(0);
}

static void test_calendar_sequence_renumbering_keeps_tie_order(void **state)
{
    (void)state;
    check_against_reference(700);
}

/* Buckets on: the same operation mix (seed 12345) must give exactly the reference order,
 * with times on bucket boundaries (step a multiple of the width), inside buckets, and far
 * beyond the ring (4096 buckets of 0.001 cover 4.1 time units; times go 12 ahead). */
static void test_calendar_buckets_keep_reference_order(void **state)
{
    (void)state;
    check_against_reference_with(0, 1.0, 0.25);  /* ties on boundaries, 4 steps a bucket */
    check_against_reference_with(0, 0.25, 0.25); /* every time starts a bucket */
    check_against_reference_with(0, 0.1, 0.37);  /* boundaries fall between times */
    check_against_reference_with(0, 0.001, 0.25); /* most events beyond the ring: heap */
    check_against_reference_with(0, 1.0, 30.0);  /* sparse: empty buckets skipped */
}

static void test_calendar_buckets_keep_tie_order_through_renumbering(void **state)
{
    (void)state;
    check_against_reference_with(700, 1.0, 0.25);
}

/* Events rescheduled between a bucket and the heap keep their handle and fire once, in
 * order; cancelled far events never fire. */
static void test_calendar_buckets_reschedule_and_cancel_across_levels(void **state)
{
    (void)state;
    struct sim_calendar cal;
    assert_int_equal(sim_calendar_init(&cal, 0), 0);
    assert_int_equal(sim_calendar_use_buckets(&cal, 1.0), 0);
    assert_int_equal(sim_calendar_use_buckets(&cal, 1.0), -1); /* only once */
    sim_handle near = sim_calendar_push(&cal, 0.5, 0, 0, 1);   /* key 0: heap */
    sim_handle far = sim_calendar_push(&cal, 100.0, 0, 0, 2);  /* key 100: bucket */
    sim_handle gone = sim_calendar_push(&cal, 50.0, 0, 0, 3);
    sim_handle beyond = sim_calendar_push(&cal, 1e7, 0, 0, 4); /* beyond the ring: heap */
    assert_int_equal(cal.far_len, 2);
    assert_int_equal(sim_calendar_cancel(&cal, gone), 1);
    assert_int_equal(sim_calendar_reschedule(&cal, near, 200.0), 1); /* heap -> bucket */
    assert_int_equal(sim_calendar_reschedule(&cal, far, 0.75), 1);   /* bucket -> heap */
    assert_int_equal(cal.far_len, 1);
    assert_true(sim_calendar_time_of(&cal, near) == 200.0);
    assert_true(sim_calendar_time_of(&cal, beyond) == 1e7);
    const uint32_t want[] = { 2, 1, 4 };
    struct sim_event ev;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(sim_calendar_pop(&cal, &ev), 1);
        assert_int_equal(ev.target, want[i]);
    }
    assert_true(ev.time == 1e7);
    assert_int_equal(sim_calendar_pop(&cal, &ev), 0);
    assert_false(sim_calendar_is_pending(&cal, near));
    sim_calendar_fini(&cal);
}

/* Bad widths are refused; in a hold loop with buckets most events wait in buckets, and the
 * arrays of drained buckets are freed, so memory stays within the 48-byte budget per
 * pending event (+ the 64 KiB ring). */
static void test_calendar_buckets_memory_stays_bounded(void **state)
{
    (void)state;
    struct sim_calendar cal;
    assert_int_equal(sim_calendar_init(&cal, 100000), 0);
    assert_int_equal(sim_calendar_use_buckets(&cal, 0.0), -1);
    assert_int_equal(sim_calendar_use_buckets(&cal, -1.0), -1);
    assert_int_equal(sim_calendar_use_buckets(&cal, INFINITY), -1);
    assert_int_equal(sim_calendar_use_buckets(&cal, 1.0), 0);
    for (uint32_t i = 0; i < 100000; i++)
        sim_calendar_push(&cal, (double)(i * 7919 % 100003) * 0.01, 0, 0, i);
    struct sim_event ev;
    for (int i = 0; i < 2000000; i++) { /* ~20 turns of the 4096-day ring */
        assert_int_equal(sim_calendar_pop(&cal, &ev), 1);
        sim_calendar_push(&cal, ev.time + 1.0 + (double)(i % 1000) * 0.1, 0, 0, ev.target);
    }
    double per_event = (double)(sim_calendar_bytes(&cal) - SIM_CAL_NBUCKETS *
                                sizeof(struct sim_cal_bucket)) / 100000.0;
    assert_true(per_event <= 48.0);
    assert_int_equal(sim_calendar_size(&cal), 100000);
    /* Delays of 1..101 days over 1-day buckets: the heap holds about one bucket (~1 000),
     * the rest wait in buckets. */
    assert_true(cal.len < 5000);
    assert_true(cal.far_len > 90000);
    sim_calendar_fini(&cal);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calendar_pops_in_time_order),
        cmocka_unit_test(test_calendar_ties_fire_in_insertion_order),
        cmocka_unit_test(test_calendar_cancel_removes_event_and_stales_handle),
        cmocka_unit_test(test_calendar_stale_handle_does_not_touch_reused_record),
        cmocka_unit_test(test_calendar_reschedule_moves_event_and_keeps_handle),
        cmocka_unit_test(test_calendar_operations_after_pop_see_a_consistent_heap),
        cmocka_unit_test(test_calendar_rejects_non_finite_times),
        cmocka_unit_test(test_calendar_steady_state_reuses_pool),
        cmocka_unit_test(test_calendar_memory_per_pending_event_within_budget),
        cmocka_unit_test(test_calendar_matches_reference_under_random_operations),
        cmocka_unit_test(test_calendar_sequence_renumbering_keeps_tie_order),
        cmocka_unit_test(test_calendar_buckets_keep_reference_order),
        cmocka_unit_test(test_calendar_buckets_keep_tie_order_through_renumbering),
        cmocka_unit_test(test_calendar_buckets_reschedule_and_cancel_across_levels),
        cmocka_unit_test(test_calendar_buckets_memory_stays_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
