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
 * Memory: 16 bytes per heap entry + 16 bytes per record = 32 bytes per pending event, plus
 * growth slack (arrays grow by 1.5x). Knows nothing about what events mean.
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
    uint32_t heap_pos; /* position in the heap; SIM_CAL_FREE when the record is free */
    uint32_t target;   /* the event's target; next free slot while the record is free */
    uint16_t type;
    uint16_t aux;
};
#define SIM_CAL_FREE UINT32_MAX

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
};

/* Sets up an empty calendar with room for `reserve` pending events (0 for a small default).
 * Returns 0 or SIM_ENOMEM. */
int sim_calendar_init(struct sim_calendar *cal, size_t reserve);
void sim_calendar_fini(struct sim_calendar *cal);

/* Schedules an event. Returns its handle, or SIM_HANDLE_NONE when time is not a finite
 * number or memory ran out. */
sim_handle sim_calendar_push(struct sim_calendar *cal, double time, uint16_t type,
                             uint16_t aux, uint32_t target);

/* Removes the earliest event into *out. Returns 1, or 0 when the calendar is empty. */
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

/* Fills a root left vacant by pop. Called by the functions below; never needed by users. */
void sim_calendar_settle(struct sim_calendar *cal);

/* Time of the earliest event, +infinity when empty. */
static inline double sim_calendar_next_time(struct sim_calendar *cal)
{
    if (cal->vacant)
        sim_calendar_settle(cal);
    return cal->len ? cal->heap[0].time : __builtin_inf();
}

/* Pending events. */
static inline size_t sim_calendar_size(const struct sim_calendar *cal)
{
    return cal->len - (size_t)cal->vacant;
}

/* Bytes held by the heap and the pool. */
size_t sim_calendar_bytes(const struct sim_calendar *cal);

#endif
