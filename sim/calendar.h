/* sim/calendar.h — the event calendar: a priority queue of future events.
 *
 * A 4-ary min-heap keyed by (time, insertion sequence): events with equal times fire in
 * the order they were scheduled, so a run is deterministic. Event records live in a pool
 * owned by the calendar and are recycled through a free list, so a steady-state run does no
 * allocation per event. A scheduled event is named by a handle; cancelling or rescheduling
 * through a handle is O(log n), and a handle whose event has fired or was cancelled is
 * recognised as stale and ignored safely.
 *
 * Layout. A heap entry holds the time, a 32-bit insertion sequence and the record's slot
 * (16 bytes, so the four children of a node fill one 64-byte cache line); comparisons never
 * leave the heap array. Sequences stay exact in 32 bits: when the counter would overflow,
 * the pending events are renumbered 1..n in their existing order (O(n log n), once per
 * ~4 billion insertions), which changes no firing order. A handle is (generation << 32 |
 * slot), where the record's generation is bumped whenever the record is released, so a
 * handle of an event that fired or was cancelled no longer matches (it could alias only
 * after exactly 2^32 reuses of one slot; generation 0 is skipped so no handle equals
 * SIM_HANDLE_NONE).
 *
 * Pop then push, the commonest pattern (a handler schedules the next event of what just
 * fired), costs one sift: pop leaves the root vacant, and a push that finds it vacant puts
 * the new entry there and sifts it down. Any other operation first fills the vacancy from
 * the last entry, as a plain pop would have.
 *
 * Two levels (optional, sim_calendar_use_buckets). With a bucket width w set, an event's
 * key is floor(time / w) (computed as floor(time * (1/w)), monotone in time), and the events
 * whose key is above the key of the bucket being drained (cur_key) and below cur_key +
 * SIM_CAL_NBUCKETS wait unsorted in a ring of buckets, one per key, instead of the heap. The
 * heap holds everything else: the current bucket's events and any far beyond the ring. When
 * the heap's earliest event has a key above cur_key (or the heap is empty) and buckets are
 * not empty, the next bucket is moved into the heap (cur_key + 1) until that is no longer so.
 * Every bucket event then has a larger key, hence a later time, than the heap's earliest, so
 * pops follow exactly the same (time, sequence) order as one heap would: only where events
 * wait changes. With a width of a day or so and events months ahead, the heap holds about one
 * bucket's worth of events and stays in cache, and a push or reschedule into a bucket is O(1).
 * A record in a bucket stores SIM_CAL_FAR | ring index << SIM_CAL_FAR_SHIFT | index in the
 * bucket; cancelling swaps the bucket's last entry into the hole. A full bucket (2^19 - 1
 * entries) sends further events to the heap, which is always correct.
 *
 * Memory: 16 bytes per heap or bucket entry + 16 bytes per record = 32 bytes per pending
 * event, plus growth slack (arrays grow by 1.5x; a bucket's array is freed when it is moved
 * into the heap) and 64 KiB for the ring when buckets are on. Knows nothing about
 * what events mean.
 */
#ifndef SIM_CALENDAR_H
#define SIM_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

/* Names a scheduled event: record slot in the low 32 bits, the record's generation in the
 * high 32. SIM_HANDLE_NONE (0) never names an event. */
typedef uint64_t sim_handle;
#define SIM_HANDLE_NONE ((sim_handle)0)

/* An event as handed to whoever pops it. */
struct sim_event {
    double time;       /* days since the start of the run */
    sim_handle handle; /* the handle it was scheduled under (now stale) */
    uint32_t target;   /* entity the event is for (person, practice, server...) */
    uint16_t type;     /* what the event is; meaning is the model's */
    uint16_t aux;      /* small payload (condition index, priority...) */
};

struct sim_cal_entry { /* heap entry: the whole key inline */
    double time;       /* days */
    uint32_t seq;      /* insertion sequence: breaks ties in time */
    uint32_t slot;     /* index of the record in the pool */
};

struct sim_cal_record {
    uint32_t gen;      /* generation, bumped when the record is released; never 0 */
    uint32_t pos;      /* where the entry is: a heap position (< SIM_CAL_FAR), a bucket place
                          (SIM_CAL_FAR | ring index << SIM_CAL_FAR_SHIFT | index in the
                          bucket), or SIM_CAL_FREE when the record is free */
    uint32_t target;   /* the event's target; next free slot while the record is free */
    uint16_t type;
    uint16_t aux;
};
#define SIM_CAL_FREE UINT32_MAX
#define SIM_CAL_FAR 0x80000000u     /* pos flag: the entry waits in a bucket */
#define SIM_CAL_FAR_SHIFT 19        /* pos bits below the ring index: index in the bucket */
#define SIM_CAL_NBUCKETS 4096u      /* buckets in the ring (12 bits of pos) */

struct sim_cal_bucket {             /* the entries of one key, unsorted */
    struct sim_cal_entry *e;
    uint32_t len, cap;
};

struct sim_calendar {
    struct sim_cal_entry *heap;   /* heap[0] is the earliest event; children of i are
                                     4i+1..4i+4, and heap[1] is 64-byte aligned so each
                                     family of four shares one cache line */
    void *heap_mem;               /* the allocation heap points into */
    size_t len;                   /* heap entries in use, counting a vacant root */
    int vacant;                   /* 1: heap[0] is a hole left by pop (see above) */
    size_t heap_cap;
    struct sim_cal_record *pool;
    size_t pool_used;             /* records ever handed out (high-water mark) */
    size_t pool_cap;
    uint32_t free_head;           /* first free record, SIM_CAL_FREE when none */
    uint32_t next_seq;            /* sequence of the next push */
    uint32_t seq_limit;           /* renumber pending events when next_seq reaches this
                                     (UINT32_MAX; tests lower it to exercise renumbering) */
    int failed;                   /* 1: moving a bucket into the heap ran out of memory
                                     (next_time gave NaN, pop -1); nothing was lost */
    /* Buckets (see the top): all off (ring NULL, far_from +infinity) until
     * sim_calendar_use_buckets. Keys are whole numbers held in doubles. */
    struct sim_cal_bucket *ring;  /* SIM_CAL_NBUCKETS buckets; key k in ring[k mod N] */
    size_t far_len;               /* entries waiting in buckets */
    double inv_width;             /* 1 / bucket width, per day */
    double cur_key;               /* key of the bucket last moved into the heap */
    double far_from, far_to;      /* time * inv_width in [far_from, far_to) goes to a bucket:
                                     cur_key + 1 and cur_key + SIM_CAL_NBUCKETS */
    uint32_t cur_idx;             /* ring index of cur_key */
};

/* Sets up an empty calendar with room for `reserve` pending events (0 for a small default).
 * Returns 0 or SIM_ENOMEM. */
int sim_calendar_init(struct sim_calendar *cal, size_t reserve);
void sim_calendar_fini(struct sim_calendar *cal);

/* Turns on the second level: buckets `width` (> 0, finite) time units wide (see the top),
 * and gives back heap capacity reserved beyond the pending events (the heap will hold about
 * a bucket's worth). Changes no order of events, only how fast they come. Returns 0, or -1
 * (nothing changed) when width is bad, buckets are already on, or memory ran out. */
int sim_calendar_use_buckets(struct sim_calendar *cal, double width);

/* Schedules an event. Returns its handle, or SIM_HANDLE_NONE when time is not a finite
 * number or memory ran out. */
sim_handle sim_calendar_push(struct sim_calendar *cal, double time, uint16_t type,
                             uint16_t aux, uint32_t target);

/* Removes the earliest event into *out. Returns 1, 0 when the calendar is empty, or -1
 * (cal->failed set, nothing removed) when moving a bucket into the heap ran out of memory. */
int sim_calendar_pop(struct sim_calendar *cal, struct sim_event *out);

/* Removes a pending event. Returns 1 when it was pending, 0 when the handle is stale or none. */
int sim_calendar_cancel(struct sim_calendar *cal, sim_handle h);

/* Moves a pending event to a new time; it then ties as if scheduled now. The handle stays
 * valid. Returns 1 when moved, 0 (changing nothing) when h is stale, the time is not
 * finite, or memory for renumbering ran out. */
int sim_calendar_reschedule(struct sim_calendar *cal, sim_handle h, double time);

/* 1 when the handle names a pending event. */
int sim_calendar_is_pending(const struct sim_calendar *cal, sim_handle h);

/* Time of a pending event, or NaN when the handle is stale. */
double sim_calendar_time_of(const struct sim_calendar *cal, sim_handle h);

/* Fills a root left vacant by pop, then moves buckets into the heap until its earliest
 * event is the earliest of all. Returns 0, or -1 (cal->failed set) when out of memory.
 * Called by the functions below; never needed by users. */
int sim_calendar_settle(struct sim_calendar *cal);

/* 1 when heap[0] is not (yet) the earliest pending event. */
static inline int sim_calendar_unsettled(const struct sim_calendar *cal)
{
    return cal->vacant ||
           (cal->far_len && (cal->len == 0 || cal->heap[0].time * cal->inv_width >= cal->far_from));
}

/* Time of the earliest event, +infinity when empty, NaN (cal->failed set) when moving a
 * bucket into the heap ran out of memory. */
static inline double sim_calendar_next_time(struct sim_calendar *cal)
{
    if (sim_calendar_unsettled(cal) && sim_calendar_settle(cal) != 0)
        return __builtin_nan("");
    return cal->len ? cal->heap[0].time : __builtin_inf();
}

/* Pending events. */
static inline size_t sim_calendar_size(const struct sim_calendar *cal)
{
    return cal->len - (size_t)cal->vacant + cal->far_len;
}

/* Bytes held by the heap, the pool and the buckets. */
size_t sim_calendar_bytes(const struct sim_calendar *cal);

#endif
