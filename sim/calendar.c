/* sim/calendar.c — the 4-ary event heap with a record pool, cancellable handles and an
 * optional ring of buckets for far events. See calendar.h for the layout. Every move of an
 * entry (in the heap or between buckets) writes the entry's new place into its record; that
 * is what makes cancel and reschedule O(log n) in the heap and O(1) in a bucket. */
#include "calendar.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MIN_CAPACITY 64
#define HEAP_PAD 3 /* entries before heap[0], so that heap[1] starts a cache line */
#define HEAP_MAX (SIM_CAL_FAR - 1) /* heap positions must stay below the bucket flag */
#define RING_MASK (SIM_CAL_NBUCKETS - 1)
#define BUCKET_MAX ((1u << SIM_CAL_FAR_SHIFT) - 1) /* entries per bucket (pos bits, FREE
                                                       never formed) */
#define BUCKET_MIN 16
#define KEY_LIMIT 2251799813685248.0 /* 2^51: keys up to here, + the ring, are exact */

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
    cal->pool[e.slot].pos = (uint32_t)pos;
}

static inline int is_far(uint32_t pos) { return (pos & SIM_CAL_FAR) != 0; }

static inline uint32_t far_pos(uint32_t b, uint32_t i)
{
    return SIM_CAL_FAR | b << SIM_CAL_FAR_SHIFT | i;
}

/* The entry a pending record's pos names. */
static inline struct sim_cal_entry *entry_at(const struct sim_calendar *cal, uint32_t pos)
{
    if (is_far(pos))
        return &cal->ring[(pos >> SIM_CAL_FAR_SHIFT) & RING_MASK]
                    .e[pos & BUCKET_MAX];
    return &cal->heap[pos];
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
    if (cap > HEAP_MAX)
        cap = HEAP_MAX;
    void *mem = NULL;
    if (cap < need || cap > (SIZE_MAX / sizeof(struct sim_cal_entry)) - HEAP_PAD ||
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

/* Room for one more entry in bucket b. */
static int bucket_room(struct sim_cal_bucket *b)
{
    if (b->len < b->cap)
        return 0;
    size_t cap = b->cap < BUCKET_MIN ? BUCKET_MIN : b->cap + b->cap / 2;
    if (cap > BUCKET_MAX)
        cap = BUCKET_MAX;
    struct sim_cal_entry *e = realloc(b->e, cap * sizeof *e);
    if (!e)
        return -1;
    b->e = e;
    b->cap = (uint32_t)cap;
    return 0;
}

int sim_calendar_init(struct sim_calendar *cal, size_t reserve)
{
    memset(cal, 0, sizeof *cal);
    cal->free_head = SIM_CAL_FREE;
    cal->next_seq = 0;
    cal->seq_limit = UINT32_MAX;
    cal->far_from = INFINITY; /* no buckets: nothing is far */
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
    if (cal->ring)
        for (uint32_t b = 0; b < SIM_CAL_NBUCKETS; b++)
            free(cal->ring[b].e);
    free(cal->ring);
    memset(cal, 0, sizeof *cal);
    cal->free_head = SIM_CAL_FREE;
    cal->far_from = INFINITY;
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

/* Puts e (whose record is not in the heap) at the heap's end and sifts it up; the caller has
 * made room and filled any vacancy. */
static inline void heap_add(struct sim_calendar *cal, struct sim_cal_entry e)
{
    sift_up(cal, cal->len++, e);
}

/* Fills a root left vacant by pop from the last entry, as a plain pop would have. */
static void fill_vacancy(struct sim_calendar *cal)
{
    if (!cal->vacant)
        return;
    cal->vacant = 0;
    struct sim_cal_entry last = cal->heap[--cal->len];
    if (cal->len)
        sift_down(cal, 0, last);
}

/* Makes the bucket of key floor(x) the one being drained. Only while no event waits in a
 * bucket, when any base is correct. Keys too large to count exactly switch buckets off
 * until time comes back into range. */
static void set_base(struct sim_calendar *cal, double x)
{
    if (!(fabs(x) < KEY_LIMIT)) {
        cal->far_from = INFINITY;
        return;
    }
    cal->cur_key = floor(x);
    cal->far_from = cal->cur_key + 1;
    cal->far_to = cal->cur_key + SIM_CAL_NBUCKETS;
    cal->cur_idx = (uint32_t)(int64_t)cal->cur_key & RING_MASK;
}

int sim_calendar_use_buckets(struct sim_calendar *cal, double width)
{
    if (cal->ring || !(width > 0) || !isfinite(width) || !isfinite(1.0 / width))
        return -1;
    cal->ring = calloc(SIM_CAL_NBUCKETS, sizeof *cal->ring);
    if (!cal->ring)
        return -1;
    cal->inv_width = 1.0 / width;
    /* Every pending event is in the heap, so any base is correct; start at the earliest. */
    fill_vacancy(cal);
    set_base(cal, cal->len ? cal->heap[0].time * cal->inv_width : 0.0);
    /* The heap will hold about a bucket's worth: give back a larger reserve. */
    size_t small = grown(MIN_CAPACITY, cal->len);
    if (small < cal->heap_cap) {
        size_t old_cap = cal->heap_cap;
        cal->heap_cap = 0;
        if (grow_heap(cal, small) != 0)
            cal->heap_cap = old_cap; /* keep the big one */
    }
    return 0;
}

/* Ring index of the bucket an event at `time` waits in, or -1 when it belongs in the heap
 * (key not above cur_key, beyond the ring, buckets off, or the bucket full). */
static inline int32_t bucket_of(const struct sim_calendar *cal, double time)
{
    double x = time * cal->inv_width;
    if (!(x >= cal->far_from && x < cal->far_to))
        return -1;
    uint32_t b = (cal->cur_idx + (uint32_t)(x - cal->cur_key)) & RING_MASK;
    return cal->ring[b].len < BUCKET_MAX ? (int32_t)b : -1;
}

/* Makes room for one more entry where bucket_of said (b < 0: the heap). */
static int room_for(struct sim_calendar *cal, int32_t b)
{
    if (b >= 0)
        return bucket_room(&cal->ring[b]);
    if (cal->len < cal->heap_cap)
        return 0;
    return grow_heap(cal, cal->len + 1);
}

/* Appends e to bucket b (room made). */
static inline void far_add(struct sim_calendar *cal, uint32_t b, struct sim_cal_entry e)
{
    struct sim_cal_bucket *k = &cal->ring[b];
    k->e[k->len] = e;
    cal->pool[e.slot].pos = far_pos(b, k->len);
    k->len++;
    cal->far_len++;
}

/* Takes the entry at bucket place pos out, moving the bucket's last entry into the hole. */
static void far_remove(struct sim_calendar *cal, uint32_t pos)
{
    uint32_t b = (pos >> SIM_CAL_FAR_SHIFT) & RING_MASK, i = pos & BUCKET_MAX;
    struct sim_cal_bucket *k = &cal->ring[b];
    struct sim_cal_entry last = k->e[--k->len];
    cal->far_len--;
    if (i == k->len)
        return;
    k->e[i] = last;
    cal->pool[last.slot].pos = far_pos(b, i);
}

/* Moves the next bucket into the heap: cur_key + 1. Returns 0 or -1 (out of memory, nothing
 * changed). */
static int drain_next_bucket(struct sim_calendar *cal)
{
    uint32_t b = (cal->cur_idx + 1) & RING_MASK;
    struct sim_cal_bucket *k = &cal->ring[b];
    if (k->len && cal->len + k->len > cal->heap_cap && grow_heap(cal, cal->len + k->len) != 0)
        return -1;
    cal->cur_idx = b;
    cal->cur_key += 1;
    cal->far_from += 1;
    cal->far_to += 1;
    for (uint32_t i = 0; i < k->len; i++)
        heap_add(cal, k->e[i]);
    cal->far_len -= k->len;
    /* The ring comes back to this bucket only SIM_CAL_NBUCKETS keys later: keeping the
     * array would hold the peak of every key ever used. */
    free(k->e);
    *k = (struct sim_cal_bucket){ NULL, 0, 0 };
    return 0;
}

int sim_calendar_settle(struct sim_calendar *cal)
{
    fill_vacancy(cal);
    while (sim_calendar_unsettled(cal))
        if (drain_next_bucket(cal) != 0) {
            cal->failed = 1;
            return -1;
        }
    return 0;
}

static int by_key(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Gives the pending events sequences 0..n-1 in their current order, so the counter can
 * go on in 32 bits. Relative order is kept, so the heap stays valid; nothing moves. */
static int renumber(struct sim_calendar *cal)
{
    fill_vacancy(cal);
    size_t n = cal->len + cal->far_len, j = 0;
    uint64_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return -1;
    for (size_t i = 0; i < cal->len; i++)
        order[j++] = (uint64_t)cal->heap[i].seq << 32 | cal->heap[i].slot;
    for (uint32_t b = 0; cal->far_len && b < SIM_CAL_NBUCKETS; b++)
        for (uint32_t i = 0; i < cal->ring[b].len; i++)
            order[j++] = (uint64_t)cal->ring[b].e[i].seq << 32 | cal->ring[b].e[i].slot;
    qsort(order, n, sizeof *order, by_key);
    for (size_t i = 0; i < n; i++)
        entry_at(cal, cal->pool[(uint32_t)order[i]].pos)->seq = (uint32_t)i;
    cal->next_seq = (uint32_t)n;
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

/* A free record for a new event (room made). */
static inline uint32_t take_record(struct sim_calendar *cal)
{
    uint32_t slot = cal->free_head;
    if (slot != SIM_CAL_FREE) {
        cal->free_head = cal->pool[slot].target;
        return slot;
    }
    slot = (uint32_t)cal->pool_used++;
    cal->pool[slot].gen = 1;
    return slot;
}

sim_handle sim_calendar_push(struct sim_calendar *cal, double time, uint16_t type,
                             uint16_t aux, uint32_t target)
{
    uint32_t seq;
    if (!isfinite(time))
        return SIM_HANDLE_NONE;
    int32_t b = bucket_of(cal, time);
    /* A vacant root takes a heap entry without growing. */
    if ((b >= 0 || !cal->vacant) && room_for(cal, b) != 0)
        return SIM_HANDLE_NONE;
    if (cal->free_head == SIM_CAL_FREE && cal->pool_used == cal->pool_cap &&
        grow_pool(cal, cal->pool_used + 1) != 0)
        return SIM_HANDLE_NONE;
    if (take_seq(cal, &seq) != 0) /* may fill the vacancy; moves no entry */
        return SIM_HANDLE_NONE;
    uint32_t slot = take_record(cal);
    struct sim_cal_record *r = &cal->pool[slot];
    r->target = target;
    r->type = type;
    r->aux = aux;
    struct sim_cal_entry e = { time, seq, slot };
    if (b >= 0) {
        far_add(cal, (uint32_t)b, e);
    } else if (cal->vacant) { /* fill the hole pop left: one sift instead of two */
        cal->vacant = 0;
        sift_down(cal, 0, e);
    } else {
        heap_add(cal, e); /* room made above, or by the vacancy renumbering filled */
    }
    return handle_of(r->gen, slot);
}

static inline void release(struct sim_calendar *cal, uint32_t slot)
{
    struct sim_cal_record *r = &cal->pool[slot];
    r->gen = r->gen + 1 ? r->gen + 1 : 1;
    r->pos = SIM_CAL_FREE;
    r->target = cal->free_head;
    cal->free_head = slot;
}

/* Takes the entry at heap position pos out, keeping heap order (no vacancy). */
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

/* Takes the entry at pos (heap or bucket) out; the vacancy is filled. */
static void detach(struct sim_calendar *cal, uint32_t pos)
{
    if (is_far(pos))
        far_remove(cal, pos);
    else
        remove_at(cal, pos);
}

int sim_calendar_pop(struct sim_calendar *cal, struct sim_event *out)
{
    if (sim_calendar_unsettled(cal) && sim_calendar_settle(cal) != 0)
        return -1;
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
    if (!cal->far_len && cal->ring) /* keep the ring near the clock while it is empty */
        set_base(cal, top.time * cal->inv_width);
    return 1;
}

/* Place (record pos) of the pending event named by h, or SIM_CAL_FREE when h is stale. */
static uint32_t position_of(const struct sim_calendar *cal, sim_handle h)
{
    uint32_t slot = (uint32_t)h;
    if (h == SIM_HANDLE_NONE || slot >= cal->pool_used)
        return SIM_CAL_FREE;
    const struct sim_cal_record *r = &cal->pool[slot];
    if (r->gen != (uint32_t)(h >> 32))
        return SIM_CAL_FREE;
    return r->pos;
}

int sim_calendar_cancel(struct sim_calendar *cal, sim_handle h)
{
    fill_vacancy(cal);
    uint32_t pos = position_of(cal, h);
    if (pos == SIM_CAL_FREE)
        return 0;
    release(cal, (uint32_t)h);
    detach(cal, pos);
    return 1;
}

int sim_calendar_reschedule(struct sim_calendar *cal, sim_handle h, double time)
{
    uint32_t seq;
    fill_vacancy(cal);
    if (position_of(cal, h) == SIM_CAL_FREE || !isfinite(time))
        return 0;
    int32_t b = bucket_of(cal, time);
    uint32_t pos = position_of(cal, h);
    /* Room first, so that a failure changes nothing (a move within the heap needs none). */
    if ((b >= 0 || is_far(pos)) && room_for(cal, b) != 0)
        return 0;
    if (take_seq(cal, &seq) != 0)
        return 0;
    pos = position_of(cal, h); /* renumbering moves no entry, but read it after */
    struct sim_cal_entry e = *entry_at(cal, pos);
    e.time = time;
    e.seq = seq;
    if (b < 0 && !is_far(pos)) { /* heap to heap: one sift from where it is */
        if (pos > 0 && before(&e, &cal->heap[(pos - 1) >> 2]))
            sift_up(cal, pos, e);
        else
            sift_down(cal, pos, e);
        return 1;
    }
    detach(cal, pos);
    if (b >= 0)
        far_add(cal, (uint32_t)b, e);
    else
        heap_add(cal, e);
    return 1;
}

int sim_calendar_is_pending(const struct sim_calendar *cal, sim_handle h)
{
    return position_of(cal, h) != SIM_CAL_FREE;
}

double sim_calendar_time_of(const struct sim_calendar *cal, sim_handle h)
{
    uint32_t pos = position_of(cal, h);
    return pos == SIM_CAL_FREE ? NAN : entry_at(cal, pos)->time;
}

size_t sim_calendar_bytes(const struct sim_calendar *cal)
{
    size_t bytes = (cal->heap_cap + HEAP_PAD) * sizeof(struct sim_cal_entry) +
                   cal->pool_cap * sizeof(struct sim_cal_record);
    if (cal->ring) {
        bytes += SIM_CAL_NBUCKETS * sizeof *cal->ring;
        for (uint32_t b = 0; b < SIM_CAL_NBUCKETS; b++)
            bytes += cal->ring[b].cap * sizeof(struct sim_cal_entry);
    }
    return bytes;
}
