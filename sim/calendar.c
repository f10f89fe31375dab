/* sim/calendar.c — the 4-ary event heap with a record pool and cancellable handles.
 * See calendar.h for the layout. Every move of a heap entry writes the entry's new position
 * into its record; that is what makes cancel and reschedule O(log n). */
#include "calendar.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MIN_CAPACITY 64
#define HEAP_PAD 3 /* entries before heap[0], so that heap[1] starts a cache line */

/* a fires before b. (A branch-free form measured slower: on large heaps the branches let
 * the processor start loading the next level early.) */
static inline int before(const struct sim_cal_entry *a, const struct sim_cal_entry *b)
{
    if (a->time != b->time)
        return a->time < b->time;
    return a->seq < b->seq;
}

static inline void place(struct sim_calendar *cal, size_t pos, struct sim_cal_entry e)
{
    cal->heap[pos] = e;
    cal->pool[e.slot].heap_pos = (uint32_t)pos;
}

static size_t grown(size_t cap, size_t need)
{
    size_t n = cap < MIN_CAPACITY ? MIN_CAPACITY : cap;
    while (n < need)
        n += n / 2;
    return n;
}

static int grow_heap(struct sim_calendar *cal, size_t need)
{
    size_t cap = grown(cal->heap_cap, need);
    void *mem = NULL;
    if (cap > (SIZE_MAX / sizeof(struct sim_cal_entry)) - HEAP_PAD ||
        posix_memalign(&mem, 64, (cap + HEAP_PAD) * sizeof(struct sim_cal_entry)) != 0)
        return -1;
    struct sim_cal_entry *heap = (struct sim_cal_entry *)mem + HEAP_PAD;
    if (cal->len)
        memcpy(heap, cal->heap, cal->len * sizeof *heap);
    free(cal->heap_mem);
    cal->heap_mem = mem;
    cal->heap = heap;
    cal->heap_cap = cap;
    return 0;
}

static int grow_pool(struct sim_calendar *cal, size_t need)
{
    size_t cap = grown(cal->pool_cap, need);
    if (cap >= SIM_CAL_FREE)
        cap = SIM_CAL_FREE - 1; /* slot numbers must fit in 32 bits, FREE excluded */
    if (cap < need)
        return -1;
    struct sim_cal_record *pool = realloc(cal->pool, cap * sizeof *pool);
    if (!pool)
        return -1;
    cal->pool = pool;
    cal->pool_cap = cap;
    return 0;
}

int sim_calendar_init(struct sim_calendar *cal, size_t reserve)
{
    memset(cal, 0, sizeof *cal);
    cal->free_head = SIM_CAL_FREE;
    cal->next_seq = 0;
    cal->seq_limit = UINT32_MAX;
    if (reserve < MIN_CAPACITY)
        reserve = MIN_CAPACITY;
    if (grow_heap(cal, reserve) != 0 || grow_pool(cal, reserve) != 0) {
        sim_calendar_fini(cal);
        return -1;
    }
    return 0;
}

void sim_calendar_fini(struct sim_calendar *cal)
{
    if (!cal)
        return;
    free(cal->heap_mem);
    free(cal->pool);
    memset(cal, 0, sizeof *cal);
    cal->free_head = SIM_CAL_FREE;
}

static inline void sift_up(struct sim_calendar *cal, size_t pos, struct sim_cal_entry e)
{
    while (pos > 0) {
        size_t parent = (pos - 1) >> 2;
        if (!before(&e, &cal->heap[parent]))
            break;
        place(cal, pos, cal->heap[parent]);
        pos = parent;
    }
    place(cal, pos, e);
}

/* Index of the earliest of the children first..first+3 that exist (first < len). */
static inline size_t earliest_child(const struct sim_calendar *cal, size_t first)
{
    const struct sim_cal_entry *h = cal->heap;
    if (first + 3 < cal->len) {
        size_t a = first + (size_t)before(&h[first + 1], &h[first]);
        size_t b = first + 2 + (size_t)before(&h[first + 3], &h[first + 2]);
        return before(&h[b], &h[a]) ? b : a;
    }
    size_t best = first;
    for (size_t c = first + 1; c < cal->len; c++)
        if (before(&h[c], &h[best]))
            best = c;
    return best;
}

static inline void sift_down(struct sim_calendar *cal, size_t pos, struct sim_cal_entry e)
{
    for (;;) {
        size_t first = 4 * pos + 1;
        if (first >= cal->len)
            break;
        /* Fetch the four grandchild families now: one of them is read next, and on large
         * heaps the wait for memory is what a sift costs. */
        size_t g = 4 * first + 1;
        if (g + 12 < cal->len) {
            __builtin_prefetch(&cal->heap[g]);
            __builtin_prefetch(&cal->heap[g + 4]);
            __builtin_prefetch(&cal->heap[g + 8]);
            __builtin_prefetch(&cal->heap[g + 12]);
        }
        size_t c = earliest_child(cal, first);
        if (!before(&cal->heap[c], &e))
            break;
        place(cal, pos, cal->heap[c]);
        pos = c;
    }
    place(cal, pos, e);
}

static int by_key(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Gives the pending events sequences 0..n-1 in their current order, so the counter can
 * go on in 32 bits. Relative order is kept, so the heap stays valid. */
static int renumber(struct sim_calendar *cal)
{
    sim_calendar_settle(cal);
    uint64_t *order = malloc((cal->len ? cal->len : 1) * sizeof *order);
    if (!order)
        return -1;
    for (size_t i = 0; i < cal->len; i++)
        order[i] = (uint64_t)cal->heap[i].seq << 32 | (uint32_t)i;
    qsort(order, cal->len, sizeof *order, by_key);
    for (size_t i = 0; i < cal->len; i++)
        cal->heap[(uint32_t)order[i]].seq = (uint32_t)i;
    cal->next_seq = (uint32_t)cal->len;
    free(order);
    return 0;
}

static inline int take_seq(struct sim_calendar *cal, uint32_t *seq)
{
    if (__builtin_expect(cal->next_seq >= cal->seq_limit, 0) && renumber(cal) != 0)
        return -1;
    *seq = cal->next_seq++;
    return 0;
}

static inline sim_handle handle_of(uint32_t gen, uint32_t slot)
{
    return (uint64_t)gen << 32 | slot;
}

sim_handle sim_calendar_push(struct sim_calendar *cal, double time, uint16_t type,
                             uint16_t aux, uint32_t target)
{
    uint32_t seq;
    if (!isfinite(time))
        return SIM_HANDLE_NONE;
    if (!cal->vacant && cal->len == cal->heap_cap && grow_heap(cal, cal->len + 1) != 0)
        return SIM_HANDLE_NONE;
    if (cal->free_head == SIM_CAL_FREE && cal->pool_used == cal->pool_cap &&
        grow_pool(cal, cal->pool_used + 1) != 0)
        return SIM_HANDLE_NONE;
    if (take_seq(cal, &seq) != 0)
        return SIM_HANDLE_NONE;
    uint32_t slot = cal->free_head;
    struct sim_cal_record *r;
    if (slot != SIM_CAL_FREE) {
        r = &cal->pool[slot];
        cal->free_head = r->target;
    } else {
        slot = (uint32_t)cal->pool_used++;
        r = &cal->pool[slot];
        r->gen = 1;
    }
    r->target = target;
    r->type = type;
    r->aux = aux;
    struct sim_cal_entry e = { time, seq, slot };
    if (cal->vacant) { /* fill the hole pop left: one sift instead of two */
        cal->vacant = 0;
        sift_down(cal, 0, e);
    } else {
        sift_up(cal, cal->len++, e);
    }
    return handle_of(r->gen, slot);
}

static inline void release(struct sim_calendar *cal, uint32_t slot)
{
    struct sim_cal_record *r = &cal->pool[slot];
    r->gen = r->gen + 1 ? r->gen + 1 : 1;
    r->heap_pos = SIM_CAL_FREE;
    r->target = cal->free_head;
    cal->free_head = slot;
}

void sim_calendar_settle(struct sim_calendar *cal)
{
    if (!cal->vacant)
        return;
    cal->vacant = 0;
    struct sim_cal_entry last = cal->heap[--cal->len];
    if (cal->len)
        sift_down(cal, 0, last);
}

/* Takes the entry at pos out of the heap, keeping heap order (no vacancy). */
static void remove_at(struct sim_calendar *cal, size_t pos)
{
    struct sim_cal_entry last = cal->heap[--cal->len];
    if (pos == cal->len)
        return;
    if (pos > 0 && before(&last, &cal->heap[(pos - 1) >> 2]))
        sift_up(cal, pos, last);
    else
        sift_down(cal, pos, last);
}

int sim_calendar_pop(struct sim_calendar *cal, struct sim_event *out)
{
    sim_calendar_settle(cal);
    if (cal->len == 0)
        return 0;
    struct sim_cal_entry top = cal->heap[0];
    const struct sim_cal_record *r = &cal->pool[top.slot];
    out->time = top.time;
    out->handle = handle_of(r->gen, top.slot);
    out->target = r->target;
    out->type = r->type;
    out->aux = r->aux;
    release(cal, top.slot);
    if (cal->len == 1)
        cal->len = 0;
    else
        cal->vacant = 1; /* filled by the next push, or settled by whatever comes first */
    return 1;
}

/* Heap position of the pending event named by h, or SIZE_MAX when h is stale. */
static size_t position_of(const struct sim_calendar *cal, sim_handle h)
{
    uint32_t slot = (uint32_t)h;
    if (h == SIM_HANDLE_NONE || slot >= cal->pool_used)
        return SIZE_MAX;
    const struct sim_cal_record *r = &cal->pool[slot];
    if (r->heap_pos == SIM_CAL_FREE || r->gen != (uint32_t)(h >> 32))
        return SIZE_MAX;
    return r->heap_pos;
}

int sim_calendar_cancel(struct sim_calendar *cal, sim_handle h)
{
    sim_calendar_settle(cal);
    size_t pos = position_of(cal, h);
    if (pos == SIZE_MAX)
        return 0;
    release(cal, cal->heap[pos].slot);
    remove_at(cal, pos);
    return 1;
}

int sim_calendar_reschedule(struct sim_calendar *cal, sim_handle h, double time)
{
    uint32_t seq;
    sim_calendar_settle(cal);
    if (position_of(cal, h) == SIZE_MAX || !isfinite(time) || take_seq(cal, &seq) != 0)
        return 0;
    size_t pos = position_of(cal, h); /* renumbering moves no entry, but read it after */
    struct sim_cal_entry e = cal->heap[pos];
    e.time = time;
    e.seq = seq;
    if (pos > 0 && before(&e, &cal->heap[(pos - 1) >> 2]))
        sift_up(cal, pos, e);
    else
        sift_down(cal, pos, e);
    return 1;
}

int sim_calendar_is_pending(const struct sim_calendar *cal, sim_handle h)
{
    return position_of(cal, h) != SIZE_MAX;
}

double sim_calendar_time_of(const struct sim_calendar *cal, sim_handle h)
{
    size_t pos = position_of(cal, h);
    return pos == SIZE_MAX ? NAN : cal->heap[pos].time;
}

size_t sim_calendar_bytes(const struct sim_calendar *cal)
{
    return (cal->heap_cap + HEAP_PAD) * sizeof(struct sim_cal_entry) +
           cal->pool_cap * sizeof(struct sim_cal_record);
}
