/* sim/resource.c — multi-server queue, appointment book and bed pool (see resource.h).
 *
 * Touches only the objects it is handed: no calendar, no global state, so replications can
 * run on threads side by side. Allocation happens only when an array has to grow (doubling);
 * a failed growth leaves the object as it was and returns SIM_ENOMEM.
 */
#include "sim/resource.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/err.h"

/* ---------------------------------------------------------------------------------------
 * Queue */

#define QUEUE_MIN_NODES 16u
#define QUEUE_MIN_CELLS 32u
#define QUEUE_MAX_CLASSES 65536u

/* Fibonacci hashing: customer ids are often consecutive, and the multiply spreads them over
 * the high bits, which index the table. */
static uint32_t cell_home(const struct sim_queue *q, uint32_t customer)
{
    return (uint32_t)(customer * 2654435769u) >> q->index_shift;
}

static uint32_t cell_find(const struct sim_queue *q, uint32_t customer)
{
    uint32_t mask = q->index_cap - 1;
    for (uint32_t i = cell_home(q, customer);; i = (i + 1) & mask) {
        const struct sim_queue_cell *c = &q->index[i];
        if (c->node == SIM_QUEUE_NIL)
            return SIM_QUEUE_NIL;
        if (c->customer == customer)
            return i;
    }
}

/* The table always has an empty cell (load <= 1/2), so probing ends. */
static void cell_put(struct sim_queue_cell *cells, uint32_t cap, uint32_t shift,
                     uint32_t customer, uint32_t node)
{
    uint32_t mask = cap - 1;
    uint32_t i = (uint32_t)(customer * 2654435769u) >> shift;
    while (cells[i].node != SIM_QUEUE_NIL)
        i = (i + 1) & mask;
    cells[i].customer = customer;
    cells[i].node = node;
}

/* Backward-shift deletion keeps linear probing free of tombstones, so lookups stay short
 * however many customers have come and gone. */
static void cell_erase(struct sim_queue *q, uint32_t i)
{
    uint32_t mask = q->index_cap - 1;
    uint32_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (q->index[j].node == SIM_QUEUE_NIL)
            break;
        uint32_t k = cell_home(q, q->index[j].customer);
        /* Entry j may move back to the hole at i unless its home lies cyclically in (i, j]. */
        int stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (!stays) {
            q->index[i] = q->index[j];
            i = j;
        }
    }
    q->index[i].node = SIM_QUEUE_NIL;
}

static int cells_alloc(struct sim_queue_cell **out, uint32_t cap)
{
    struct sim_queue_cell *cells = malloc((size_t)cap * sizeof *cells);
    if (!cells)
        return SIM_ENOMEM;
    for (uint32_t i = 0; i < cap; i++)
        cells[i].node = SIM_QUEUE_NIL;
    *out = cells;
    return 0;
}

static uint32_t shift_for(uint32_t cap)
{
    uint32_t bits = 0;
    while ((1u << bits) < cap)
        bits++;
    return 32 - bits;
}

/* Makes room for one more waiting customer: a node and a hash cell at load <= 1/2. */
static int queue_reserve_one(struct sim_queue *q, struct sim_err *err)
{
    if (q->free_head == SIM_QUEUE_NIL && q->nodes_used == q->nodes_cap) {
        if (q->nodes_cap > UINT32_MAX / 4)
            return sim_err_set(err, SIM_ENOMEM, "queue: too many waiting customers");
        uint32_t cap = q->nodes_cap * 2;
        struct sim_queue_node *nodes = realloc(q->nodes, (size_t)cap * sizeof *nodes);
        if (!nodes)
            return sim_err_set(err, SIM_ENOMEM, "queue: out of memory growing to %u waiting",
                               cap);
        q->nodes = nodes;
        q->nodes_cap = cap;
    }
    if ((uint64_t)(q->waiting + 1) * 2 > q->index_cap) {
        uint32_t cap = q->index_cap * 2;
        struct sim_queue_cell *cells;
        if (cap == 0 || cells_alloc(&cells, cap) != 0)
            return sim_err_set(err, SIM_ENOMEM, "queue: out of memory growing the index");
        uint32_t shift = shift_for(cap);
        for (uint32_t i = 0; i < q->index_cap; i++)
            if (q->index[i].node != SIM_QUEUE_NIL)
                cell_put(cells, cap, shift, q->index[i].customer, q->index[i].node);
        free(q->index);
        q->index = cells;
        q->index_cap = cap;
        q->index_shift = shift;
    }
    return 0;
}

static int queue_check_time(const struct sim_queue *q, double now, struct sim_err *err)
{
    if (!(now >= q->t_last) || isinf(now))
        return sim_err_set(err, SIM_EINVAL,
                           "queue: time %g is before the last operation (%g) or not finite",
                           now, q->t_last);
    return 0;
}

/* Brings the time integrals up to `now` before the state changes. */
static void queue_integrate(struct sim_queue *q, double now)
{
    double dt = now - q->t_last;
    if (dt > 0) {
        uint32_t exist = q->busy > q->servers ? q->busy : q->servers;
        q->st.area_waiting += (double)q->waiting * dt;
        q->st.area_busy += (double)q->busy * dt;
        q->st.area_servers += (double)exist * dt;
    }
    q->t_last = now;
}

/* Takes node i out of its class list and the index, and returns it to the free list. */
static void queue_unlink(struct sim_queue *q, uint32_t i, uint32_t cell)
{
    struct sim_queue_node *n = &q->nodes[i];
    struct sim_queue_class *c = &q->cls[n->cls];
    if (n->prev != SIM_QUEUE_NIL)
        q->nodes[n->prev].next = n->next;
    else
        c->head = n->next;
    if (n->next != SIM_QUEUE_NIL)
        q->nodes[n->next].prev = n->prev;
    else
        c->tail = n->prev;
    c->waiting--;
    q->waiting--;
    cell_erase(q, cell);
    n->next = q->free_head;
    q->free_head = i;
}

static void queue_note_busy(struct sim_queue *q)
{
    if (q->busy > q->st.max_busy)
        q->st.max_busy = q->busy;
}

/* Starts the head of the most urgent non-empty class; the caller knows someone waits and a
 * server is free. Classes are few, so a scan is cheaper than keeping an index of them. */
static uint32_t queue_start_next(struct sim_queue *q, double now)
{
    uint32_t k = 0;
    while (q->cls[k].head == SIM_QUEUE_NIL)
        k++;
    uint32_t i = q->cls[k].head;
    uint32_t customer = q->nodes[i].customer;
    double wait = now - q->nodes[i].arrive_days;
    queue_unlink(q, i, cell_find(q, customer));
    q->busy++;
    queue_note_busy(q);
    q->st.started++;
    sim_welford_add(&q->st.wait, wait);
    sim_welford_add(&q->cls[k].wait, wait);
    q->last_wait_days = wait;
    return customer;
}

int sim_queue_init(struct sim_queue *q, uint32_t servers, uint32_t nclasses, double t0,
                   struct sim_err *err)
{
    memset(q, 0, sizeof *q);
    if (servers < 1)
        return sim_err_set(err, SIM_EINVAL, "queue: servers must be >= 1 (got %u)", servers);
    if (nclasses < 1 || nclasses > QUEUE_MAX_CLASSES)
        return sim_err_set(err, SIM_EINVAL, "queue: classes must be in 1..%u (got %u)",
                           QUEUE_MAX_CLASSES, nclasses);
    if (!isfinite(t0))
        return sim_err_set(err, SIM_EINVAL, "queue: start time must be finite");
    q->cls = malloc((size_t)nclasses * sizeof *q->cls);
    q->nodes = malloc((size_t)QUEUE_MIN_NODES * sizeof *q->nodes);
    if (!q->cls || !q->nodes || cells_alloc(&q->index, QUEUE_MIN_CELLS) != 0) {
        sim_queue_fini(q);
        return sim_err_set(err, SIM_ENOMEM, "queue: out of memory");
    }
    sim_welford_init(&q->st.wait);
    for (uint32_t k = 0; k < nclasses; k++) {
        memset(&q->cls[k], 0, sizeof q->cls[k]);
        sim_welford_init(&q->cls[k].wait);
        q->cls[k].head = q->cls[k].tail = SIM_QUEUE_NIL;
    }
    q->servers = servers;
    q->nclasses = nclasses;
    q->waiting_limit = UINT32_MAX;
    q->nodes_cap = QUEUE_MIN_NODES;
    q->free_head = SIM_QUEUE_NIL;
    q->index_cap = QUEUE_MIN_CELLS;
    q->index_shift = shift_for(QUEUE_MIN_CELLS);
    q->t_last = q->t_reset = t0;
    return 0;
}

void sim_queue_fini(struct sim_queue *q)
{
    free(q->cls);
    free(q->nodes);
    free(q->index);
    memset(q, 0, sizeof *q);
}

void sim_queue_set_waiting_limit(struct sim_queue *q, uint32_t limit)
{
    q->waiting_limit = limit;
}

int sim_queue_arrive(struct sim_queue *q, double now, uint32_t customer, uint32_t cls,
                     int *started, struct sim_err *err)
{
    int rc = queue_check_time(q, now, err);
    if (rc)
        return rc;
    if (cls >= q->nclasses)
        return sim_err_set(err, SIM_EINVAL, "queue: class %u out of range (%u classes)", cls,
                           q->nclasses);
    if (!started)
        return sim_err_set(err, SIM_EINVAL, "queue: arrive needs an outcome pointer");
    /* A free server implies nobody waits, so the newcomer starts without overtaking anyone. */
    if (q->busy < q->servers) {
        queue_integrate(q, now);
        q->st.arrived++;
        q->cls[cls].arrived++;
        q->busy++;
        queue_note_busy(q);
        q->st.started++;
        sim_welford_add(&q->st.wait, 0.0);
        sim_welford_add(&q->cls[cls].wait, 0.0);
        q->last_wait_days = 0.0;
        *started = SIM_QUEUE_STARTED;
        return 0;
    }
    if (q->waiting >= q->waiting_limit) {
        queue_integrate(q, now);
        q->st.arrived++;
        q->cls[cls].arrived++;
        q->st.refused++;
        *started = SIM_QUEUE_REFUSED;
        return 0;
    }
    if (cell_find(q, customer) != SIM_QUEUE_NIL)
        return sim_err_set(err, SIM_EINVAL, "queue: customer %u is already waiting", customer);
    rc = queue_reserve_one(q, err);
    if (rc)
        return rc;
    queue_integrate(q, now);
    uint32_t i;
    if (q->free_head != SIM_QUEUE_NIL) {
        i = q->free_head;
        q->free_head = q->nodes[i].next;
    } else {
        i = q->nodes_used++;
    }
    struct sim_queue_class *c = &q->cls[cls];
    struct sim_queue_node *n = &q->nodes[i];
    n->arrive_days = now;
    n->customer = customer;
    n->cls = cls;
    n->next = SIM_QUEUE_NIL;
    n->prev = c->tail;
    if (c->tail != SIM_QUEUE_NIL)
        q->nodes[c->tail].next = i;
    else
        c->head = i;
    c->tail = i;
    c->waiting++;
    q->waiting++;
    cell_put(q->index, q->index_cap, q->index_shift, customer, i);
    q->st.arrived++;
    c->arrived++;
    q->st.queued++;
    if (q->waiting > q->st.max_waiting)
        q->st.max_waiting = q->waiting;
    *started = SIM_QUEUE_WAITING;
    return 0;
}

int sim_queue_depart(struct sim_queue *q, double now, uint32_t *next_customer, int *started,
                     struct sim_err *err)
{
    int rc = queue_check_time(q, now, err);
    if (rc)
        return rc;
    if (!next_customer || !started)
        return sim_err_set(err, SIM_EINVAL, "queue: depart needs output pointers");
    if (q->busy == 0)
        return sim_err_set(err, SIM_ESTATE, "queue: departure with no busy server");
    queue_integrate(q, now);
    q->busy--;
    q->st.completed++;
    if (q->busy < q->servers && q->waiting > 0) {
        *next_customer = queue_start_next(q, now);
        *started = 1;
    } else {
        *started = 0;
    }
    return 0;
}

int sim_queue_remove(struct sim_queue *q, double now, uint32_t customer, struct sim_err *err)
{
    int rc = queue_check_time(q, now, err);
    if (rc)
        return rc;
    uint32_t cell = cell_find(q, customer);
    if (cell == SIM_QUEUE_NIL)
        return 0;
    queue_integrate(q, now);
    uint32_t i = q->index[cell].node;
    q->st.removed++;
    q->st.removed_wait_days += now - q->nodes[i].arrive_days;
    queue_unlink(q, i, cell);
    return 1;
}

int sim_queue_is_waiting(const struct sim_queue *q, uint32_t customer)
{
    return cell_find(q, customer) != SIM_QUEUE_NIL;
}

int sim_queue_set_servers(struct sim_queue *q, double now, uint32_t servers,
                          uint32_t *started_out, size_t out_cap, size_t *n_started,
                          struct sim_err *err)
{
    if (n_started)
        *n_started = 0;
    int rc = queue_check_time(q, now, err);
    if (rc)
        return rc;
    uint32_t free_servers = servers > q->busy ? servers - q->busy : 0;
    uint32_t need = free_servers < q->waiting ? free_servers : q->waiting;
    if (need > out_cap || (need > 0 && !started_out))
        return sim_err_set(err, SIM_EINVAL,
                           "queue: %u customers start but the out array holds %zu", need,
                           started_out ? out_cap : 0);
    queue_integrate(q, now);
    q->servers = servers;
    for (uint32_t k = 0; k < need; k++)
        started_out[k] = queue_start_next(q, now);
    if (n_started)
        *n_started = need;
    return 0;
}

int sim_queue_reset_stats(struct sim_queue *q, double now, struct sim_err *err)
{
    int rc = queue_check_time(q, now, err);
    if (rc)
        return rc;
    queue_integrate(q, now);
    memset(&q->st, 0, sizeof q->st);
    sim_welford_init(&q->st.wait);
    q->st.max_waiting = q->waiting;
    q->st.max_busy = q->busy;
    for (uint32_t k = 0; k < q->nclasses; k++) {
        q->cls[k].arrived = 0;
        sim_welford_init(&q->cls[k].wait);
    }
    q->t_reset = now;
    return 0;
}

double sim_queue_mean_wait(const struct sim_queue *q)
{
    return sim_welford_mean(&q->st.wait);
}

double sim_queue_wait_var(const struct sim_queue *q)
{
    return sim_welford_var(&q->st.wait);
}

double sim_queue_class_mean_wait(const struct sim_queue *q, uint32_t cls)
{
    return cls < q->nclasses ? sim_welford_mean(&q->cls[cls].wait) : NAN;
}

/* area + value * (now - t_last), NaN when now is unusable. */
static double queue_area_to(const struct sim_queue *q, double area, double value, double now)
{
    if (!(now >= q->t_last) || isinf(now))
        return NAN;
    return area + value * (now - q->t_last);
}

double sim_queue_waiting_days(const struct sim_queue *q, double now)
{
    return queue_area_to(q, q->st.area_waiting, (double)q->waiting, now);
}

double sim_queue_busy_days(const struct sim_queue *q, double now)
{
    return queue_area_to(q, q->st.area_busy, (double)q->busy, now);
}

static double queue_per_day(const struct sim_queue *q, double area, double now)
{
    double span = now - q->t_reset;
    return span > 0 ? area / span : NAN;
}

double sim_queue_mean_waiting(const struct sim_queue *q, double now)
{
    return queue_per_day(q, sim_queue_waiting_days(q, now), now);
}

double sim_queue_mean_busy(const struct sim_queue *q, double now)
{
    return queue_per_day(q, sim_queue_busy_days(q, now), now);
}

double sim_queue_utilisation(const struct sim_queue *q, double now)
{
    uint32_t exist = q->busy > q->servers ? q->busy : q->servers;
    double avail = queue_area_to(q, q->st.area_servers, (double)exist, now);
    double busy = sim_queue_busy_days(q, now);
    return avail > 0 ? busy / avail : NAN;
}

size_t sim_queue_bytes(const struct sim_queue *q)
{
    return (size_t)q->nodes_cap * sizeof *q->nodes + (size_t)q->index_cap * sizeof *q->index +
           (size_t)q->nclasses * sizeof *q->cls;
}

/* ---------------------------------------------------------------------------------------
 * Appointment book */

#define BOOK_MIN_RING 64u
#define BOOK_MAX_HORIZON (1u << 30)

static uint32_t book_weekday(const struct sim_book *b, uint32_t day)
{
    return (day % 7u + b->day0_weekday) % 7u;
}

/* Capacity row in force on `day` (binary search: rows are few, but lookups are per day). */
static uint32_t book_sched_slots(const struct sim_book *b, uint32_t day)
{
    size_t lo = 0, hi = b->nsched; /* the answer is the last row with from_day <= day */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (b->sched[mid].from_day <= day)
            lo = mid;
        else
            hi = mid;
    }
    return b->sched[lo].slots[book_weekday(b, day)];
}

static int book_check_slots(const uint32_t slots[7], double open_frac, double slot_days,
                            struct sim_err *err)
{
    for (int w = 0; w < 7; w++) {
        if (slots[w] > SIM_BOOK_MAX_SLOTS)
            return sim_err_set(err, SIM_EINVAL, "book: slots[%d] = %u exceeds %u", w, slots[w],
                               SIM_BOOK_MAX_SLOTS);
        /* A small tolerance lets round fractions (e.g. 8/24 + 30 * 1/72) fill the day. */
        if (open_frac + (double)slots[w] * slot_days > 1.0 + 1e-9)
            return sim_err_set(err, SIM_EINVAL,
                               "book: %u slots of %g days from %g run past the end of day",
                               slots[w], slot_days, open_frac);
    }
    return 0;
}

static size_t book_pos(const struct sim_book *b, uint64_t day)
{
    return (size_t)(day & (b->ring_days - 1));
}

static void book_set_day_bit(struct sim_book *b, size_t pos, int on)
{
    size_t w = pos >> 6;
    uint64_t bit = (uint64_t)1 << (pos & 63);
    if (on)
        b->day_free[w] |= bit;
    else
        b->day_free[w] &= ~bit;
    uint64_t sbit = (uint64_t)1 << (w & 63);
    if (b->day_free[w])
        b->day_summary[w >> 6] |= sbit;
    else
        b->day_summary[w >> 6] &= ~sbit;
}

/* Recomputes a day's free-slot bits and count from its tags and capacity. */
static void book_rebuild_day(struct sim_book *b, size_t pos)
{
    struct sim_book_day *d = &b->days[pos];
    uint64_t *bits = b->slot_free + pos * b->stride_words;
    const uint16_t *tags = b->slot_tag + pos * b->stride_slots;
    memset(bits, 0, b->stride_words * sizeof *bits);
    uint32_t nfree = 0;
    for (uint32_t k = 0; k < d->cap; k++) {
        if (tags[k] == 0) {
            bits[k >> 6] |= (uint64_t)1 << (k & 63);
            nfree++;
        }
    }
    d->free = (uint16_t)nfree;
    book_set_day_bit(b, pos, nfree > 0);
}

/* Opens ring position pos as an empty `day`. */
static void book_open_day(struct sim_book *b, size_t pos, uint64_t day)
{
    uint32_t cap = book_sched_slots(b, (uint32_t)day);
    struct sim_book_day *d = &b->days[pos];
    d->cap = (uint16_t)cap;
    d->booked = 0;
    d->free = (uint16_t)cap;
    d->unused = 0;
    memset(b->slot_tag + pos * b->stride_slots, 0, b->stride_slots * sizeof *b->slot_tag);
    uint64_t *bits = b->slot_free + pos * b->stride_words;
    for (uint32_t w = 0; w < b->stride_words; w++) {
        uint32_t lo = w * 64;
        if (cap >= lo + 64)
            bits[w] = ~(uint64_t)0;
        else if (cap > lo)
            bits[w] = ((uint64_t)1 << (cap - lo)) - 1;
        else
            bits[w] = 0;
    }
    book_set_day_bit(b, pos, cap > 0);
}

/* Moves the open days into fresh arrays of ring_days days with stride_slots slots per day,
 * opening the days the bigger ring adds. All or nothing: on failure the book is unchanged. */
static int book_relayout(struct sim_book *b, uint32_t ring_days, uint32_t stride_slots)
{
    uint32_t stride_words = (stride_slots + 63) / 64;
    size_t day_words = ring_days / 64;
    size_t sum_words = (day_words + 63) / 64;
    struct sim_book_day *days = malloc(ring_days * sizeof *days);
    uint64_t *slot_free = malloc((size_t)ring_days * stride_words * sizeof *slot_free);
    uint16_t *slot_tag = malloc((size_t)ring_days * stride_slots * sizeof *slot_tag);
    uint64_t *day_free = calloc(day_words, sizeof *day_free);
    uint64_t *day_summary = calloc(sum_words, sizeof *day_summary);
    if (!days || !slot_free || !slot_tag || !day_free || !day_summary) {
        free(days);
        free(slot_free);
        free(slot_tag);
        free(day_free);
        free(day_summary);
        return SIM_ENOMEM;
    }
    struct sim_book old = *b;
    b->ring_days = ring_days;
    b->stride_slots = stride_slots;
    b->stride_words = stride_words;
    b->days = days;
    b->slot_free = slot_free;
    b->slot_tag = slot_tag;
    b->day_free = day_free;
    b->day_summary = day_summary;
    uint64_t copied = old.days ? old.ring_days : 0;
    for (uint64_t d = b->today; d < (uint64_t)b->today + ring_days; d++) {
        size_t pos = book_pos(b, d);
        if (d < (uint64_t)b->today + copied) {
            size_t opos = book_pos(&old, d);
            uint16_t *tags = slot_tag + pos * stride_slots;
            memset(tags, 0, stride_slots * sizeof *tags);
            memcpy(tags, old.slot_tag + opos * old.stride_slots,
                   old.stride_slots * sizeof *tags);
            days[pos] = old.days[opos];
            book_rebuild_day(b, pos);
        } else {
            book_open_day(b, pos, d);
        }
    }
    free(old.days);
    free(old.slot_free);
    free(old.slot_tag);
    free(old.day_free);
    free(old.day_summary);
    return 0;
}

/* First set day bit at a ring position in [lo, hi), or hi when none. */
static size_t book_find_pos(const struct sim_book *b, size_t lo, size_t hi)
{
    size_t w = lo >> 6;
    uint64_t m = b->day_free[w] & (~(uint64_t)0 << (lo & 63));
    if (!m) {
        size_t nwords = b->ring_days / 64;
        w++;
        for (;;) {
            if (w >= nwords || w * 64 >= hi)
                return hi;
            uint64_t s = b->day_summary[w >> 6] & (~(uint64_t)0 << (w & 63));
            if (s) {
                w = (w & ~(size_t)63) + (size_t)__builtin_ctzll(s);
                m = b->day_free[w];
                break;
            }
            w = (w | 63) + 1;
        }
    }
    size_t pos = w * 64 + (size_t)__builtin_ctzll(m);
    return pos < hi ? pos : hi;
}

/* First day in [start, end) with a free slot, or UINT64_MAX; end - start <= ring_days and
 * the range lies in the ring's window. The range may wrap around the ring's end. */
static uint64_t book_find_day(const struct sim_book *b, uint64_t start, uint64_t end)
{
    size_t p0 = book_pos(b, start);
    size_t len = (size_t)(end - start);
    size_t first_hi = p0 + len <= b->ring_days ? p0 + len : b->ring_days;
    size_t pos = book_find_pos(b, p0, first_hi);
    if (pos < first_hi)
        return start + (pos - p0);
    size_t rest = len - (first_hi - p0);
    if (rest > 0) {
        pos = book_find_pos(b, 0, rest);
        if (pos < rest)
            return start + (first_hi - p0) + pos;
    }
    return UINT64_MAX;
}

int sim_book_init(struct sim_book *b, const struct sim_book_cfg *cfg, struct sim_err *err)
{
    memset(b, 0, sizeof *b);
    sim_welford_init(&b->st.lead);
    sim_welford_init(&b->st.delay);
    if (!cfg)
        return sim_err_set(err, SIM_EINVAL, "book: no configuration");
    if (cfg->day0_weekday > 6)
        return sim_err_set(err, SIM_EINVAL, "book: day0_weekday must be 0..6 (got %u)",
                           cfg->day0_weekday);
    if (!(cfg->open_frac >= 0 && cfg->open_frac < 1))
        return sim_err_set(err, SIM_EINVAL, "book: open_frac must be in [0, 1) (got %g)",
                           cfg->open_frac);
    if (!(cfg->slot_days > 0 && cfg->slot_days <= 1))
        return sim_err_set(err, SIM_EINVAL, "book: slot_days must be in (0, 1] (got %g)",
                           cfg->slot_days);
    if (cfg->max_horizon_days > BOOK_MAX_HORIZON)
        return sim_err_set(err, SIM_EINVAL, "book: max_horizon_days must be <= %u (got %u)",
                           BOOK_MAX_HORIZON, cfg->max_horizon_days);
    int rc = book_check_slots(cfg->slots, cfg->open_frac, cfg->slot_days, err);
    if (rc)
        return rc;
    b->sched = malloc(4 * sizeof *b->sched);
    if (!b->sched)
        return sim_err_set(err, SIM_ENOMEM, "book: out of memory");
    b->sched_cap = 4;
    b->nsched = 1;
    b->sched[0].from_day = 0;
    uint32_t stride = 1;
    for (int w = 0; w < 7; w++) {
        b->sched[0].slots[w] = (uint16_t)cfg->slots[w];
        if (cfg->slots[w] > stride)
            stride = cfg->slots[w];
    }
    b->today = cfg->start_day;
    b->max_horizon = cfg->max_horizon_days ? cfg->max_horizon_days : SIM_BOOK_DEFAULT_HORIZON;
    b->day0_weekday = cfg->day0_weekday;
    b->open_frac = cfg->open_frac;
    b->slot_days = cfg->slot_days;
    b->next_tag = 1;
    if (book_relayout(b, BOOK_MIN_RING, stride) != 0) {
        sim_book_fini(b);
        return sim_err_set(err, SIM_ENOMEM, "book: out of memory");
    }
    return 0;
}

void sim_book_fini(struct sim_book *b)
{
    free(b->days);
    free(b->slot_free);
    free(b->slot_tag);
    free(b->day_free);
    free(b->day_summary);
    free(b->sched);
    memset(b, 0, sizeof *b);
}

int sim_book_book(struct sim_book *b, uint32_t earliest_day, sim_booking *booking,
                  uint32_t *day_out, uint32_t *slot_out, struct sim_err *err)
{
    if (!booking)
        return sim_err_set(err, SIM_EINVAL, "book: no booking pointer");
    *booking = SIM_BOOKING_NONE;
    uint64_t asked = earliest_day > b->today ? earliest_day : b->today;
    uint64_t limit = (uint64_t)b->today + b->max_horizon;
    if (limit > (uint64_t)UINT32_MAX + 1)
        limit = (uint64_t)UINT32_MAX + 1;
    uint64_t start = asked, day = 0;
    if (asked >= limit) {
        b->st.refused++;
        return 0;
    }
    for (;;) {
        uint64_t end = (uint64_t)b->today + b->ring_days;
        if (end > limit)
            end = limit;
        if (start < end && (day = book_find_day(b, start, end)) != UINT64_MAX)
            break;
        if (end >= limit) {
            b->st.refused++;
            return 0;
        }
        if (book_relayout(b, b->ring_days * 2, b->stride_slots) != 0)
            return sim_err_set(err, SIM_ENOMEM, "book: out of memory growing to %u days",
                               b->ring_days * 2);
        if (start < end)
            start = end;
    }
    size_t pos = book_pos(b, day);
    struct sim_book_day *d = &b->days[pos];
    uint64_t *bits = b->slot_free + pos * b->stride_words;
    uint32_t w = 0;
    while (bits[w] == 0)
        w++;
    uint32_t slot = w * 64 + (uint32_t)__builtin_ctzll(bits[w]);
    bits[w] &= bits[w] - 1;
    uint16_t tag = b->next_tag++;
    if (b->next_tag == 0)
        b->next_tag = 1;
    b->slot_tag[pos * b->stride_slots + slot] = tag;
    d->free--;
    d->booked++;
    if (d->free == 0)
        book_set_day_bit(b, pos, 0);
    b->st.booked++;
    sim_welford_add(&b->st.lead, (double)(day - b->today));
    sim_welford_add(&b->st.delay, (double)(day - asked));
    *booking = (day << 32) | ((uint64_t)slot << 16) | tag;
    if (day_out)
        *day_out = (uint32_t)day;
    if (slot_out)
        *slot_out = slot;
    return 1;
}

/* Ring position of a live booking's day and its tag cell, or 0 when the handle is stale. */
static uint16_t *book_live_tag(const struct sim_book *b, sim_booking h, size_t *pos_out)
{
    uint64_t day = sim_booking_day(h);
    uint32_t slot = sim_booking_slot(h);
    uint16_t tag = (uint16_t)(h & 0xffffu);
    if (tag == 0 || day < b->today || day >= (uint64_t)b->today + b->ring_days ||
        slot >= b->stride_slots)
        return NULL;
    size_t pos = book_pos(b, day);
    uint16_t *cell = &b->slot_tag[pos * b->stride_slots + slot];
    if (*cell != tag)
        return NULL;
    *pos_out = pos;
    return cell;
}

int sim_book_cancel(struct sim_book *b, sim_booking booking)
{
    size_t pos;
    uint16_t *cell = book_live_tag(b, booking, &pos);
    if (!cell)
        return 0;
    uint32_t slot = sim_booking_slot(booking);
    struct sim_book_day *d = &b->days[pos];
    *cell = 0;
    d->booked--;
    /* A slot beyond a reduced capacity is not offered again. */
    if (slot < d->cap) {
        b->slot_free[pos * b->stride_words + slot / 64] |= (uint64_t)1 << (slot % 64);
        if (d->free++ == 0)
            book_set_day_bit(b, pos, 1);
    }
    b->st.cancelled++;
    return 1;
}

int sim_book_is_booked(const struct sim_book *b, sim_booking booking)
{
    size_t pos;
    return book_live_tag(b, booking, &pos) != NULL;
}

int sim_book_advance(struct sim_book *b, uint32_t today, struct sim_err *err)
{
    if (today < b->today)
        return sim_err_set(err, SIM_EINVAL, "book: cannot go back from day %u to day %u",
                           b->today, today);
    while (b->today < today) {
        size_t pos = book_pos(b, b->today);
        const struct sim_book_day *d = &b->days[pos];
        b->st.slots_offered += d->cap;
        b->st.slots_used += d->booked;
        b->st.slots_idle += d->free;
        /* The position is recycled as the day that now enters the window. */
        book_open_day(b, pos, (uint64_t)b->today + b->ring_days);
        b->today++;
    }
    /* Rows wholly in the past are dropped so the schedule does not grow with the run. */
    size_t drop = 0;
    while (drop + 1 < b->nsched && b->sched[drop + 1].from_day <= b->today)
        drop++;
    if (drop) {
        memmove(b->sched, b->sched + drop, (b->nsched - drop) * sizeof *b->sched);
        b->nsched -= drop;
    }
    return 0;
}

int sim_book_set_slots(struct sim_book *b, uint32_t from_day, const uint32_t slots[7],
                       struct sim_err *err)
{
    if (!slots)
        return sim_err_set(err, SIM_EINVAL, "book: no slots given");
    int rc = book_check_slots(slots, b->open_frac, b->slot_days, err);
    if (rc)
        return rc;
    if (from_day < b->today)
        from_day = b->today;
    size_t keep = 0; /* rows starting before from_day stay */
    while (keep < b->nsched && b->sched[keep].from_day < from_day)
        keep++;
    if (keep + 1 > b->sched_cap) {
        size_t cap = b->sched_cap * 2;
        struct sim_book_change *s = realloc(b->sched, cap * sizeof *s);
        if (!s)
            return sim_err_set(err, SIM_ENOMEM, "book: out of memory");
        b->sched = s;
        b->sched_cap = cap;
    }
    uint32_t stride = b->stride_slots;
    for (int w = 0; w < 7; w++)
        if (slots[w] > stride)
            stride = slots[w];
    if (stride > b->stride_slots && book_relayout(b, b->ring_days, stride) != 0)
        return sim_err_set(err, SIM_ENOMEM, "book: out of memory");
    struct sim_book_change *row = &b->sched[keep];
    row->from_day = from_day;
    for (int w = 0; w < 7; w++)
        row->slots[w] = (uint16_t)slots[w];
    b->nsched = keep + 1;
    uint64_t end = (uint64_t)b->today + b->ring_days;
    for (uint64_t day = from_day; day < end; day++) {
        size_t pos = book_pos(b, day);
        b->days[pos].cap = (uint16_t)book_sched_slots(b, (uint32_t)day);
        book_rebuild_day(b, pos);
    }
    return 0;
}

uint32_t sim_book_capacity_on(const struct sim_book *b, uint32_t day)
{
    return book_sched_slots(b, day);
}

uint32_t sim_book_free_on(const struct sim_book *b, uint32_t day)
{
    if (day < b->today)
        return 0;
    if (day >= (uint64_t)b->today + b->ring_days)
        return book_sched_slots(b, day);
    return b->days[book_pos(b, day)].free;
}

uint32_t sim_book_booked_on(const struct sim_book *b, uint32_t day)
{
    if (day < b->today || day >= (uint64_t)b->today + b->ring_days)
        return 0;
    return b->days[book_pos(b, day)].booked;
}

uint32_t sim_book_day_of(double t_days)
{
    if (!(t_days > 0))
        return 0;
    if (t_days >= 4294967295.0)
        return UINT32_MAX;
    return (uint32_t)floor(t_days);
}

void sim_book_reset_stats(struct sim_book *b)
{
    memset(&b->st, 0, sizeof b->st);
    sim_welford_init(&b->st.lead);
    sim_welford_init(&b->st.delay);
}

double sim_book_mean_lead(const struct sim_book *b)
{
    return sim_welford_mean(&b->st.lead);
}

double sim_book_mean_delay(const struct sim_book *b)
{
    return sim_welford_mean(&b->st.delay);
}

double sim_book_slot_use(const struct sim_book *b)
{
    return b->st.slots_offered ? (double)b->st.slots_used / (double)b->st.slots_offered : NAN;
}

size_t sim_book_bytes(const struct sim_book *b)
{
    size_t ring = b->ring_days;
    return ring * sizeof *b->days + ring * b->stride_words * sizeof *b->slot_free +
           ring * b->stride_slots * sizeof *b->slot_tag + (ring / 64) * sizeof *b->day_free +
           ((ring / 64 + 63) / 64) * sizeof *b->day_summary + b->sched_cap * sizeof *b->sched;
}

/* ---------------------------------------------------------------------------------------
 * Bed pool: a single-class queue under bed names. */

int sim_beds_init(struct sim_beds *b, uint32_t beds, double t0, struct sim_err *err)
{
    return sim_queue_init(&b->q, beds, 1, t0, err);
}

void sim_beds_fini(struct sim_beds *b)
{
    sim_queue_fini(&b->q);
}

void sim_beds_set_boarding_limit(struct sim_beds *b, uint32_t limit)
{
    sim_queue_set_waiting_limit(&b->q, limit);
}

int sim_beds_admit(struct sim_beds *b, double now, uint32_t patient, int *got_bed,
                   struct sim_err *err)
{
    return sim_queue_arrive(&b->q, now, patient, 0, got_bed, err);
}

int sim_beds_discharge(struct sim_beds *b, double now, uint32_t *next_admitted,
                       int *admitted_someone, struct sim_err *err)
{
    return sim_queue_depart(&b->q, now, next_admitted, admitted_someone, err);
}

int sim_beds_remove_waiting(struct sim_beds *b, double now, uint32_t patient,
                            struct sim_err *err)
{
    return sim_queue_remove(&b->q, now, patient, err);
}

int sim_beds_set_capacity(struct sim_beds *b, double now, uint32_t beds, uint32_t *admitted_out,
                          size_t out_cap, size_t *n_admitted, struct sim_err *err)
{
    return sim_queue_set_servers(&b->q, now, beds, admitted_out, out_cap, n_admitted, err);
}

int sim_beds_reset_stats(struct sim_beds *b, double now, struct sim_err *err)
{
    return sim_queue_reset_stats(&b->q, now, err);
}

double sim_beds_bed_days(const struct sim_beds *b, double now)
{
    return sim_queue_busy_days(&b->q, now);
}

double sim_beds_mean_occupancy(const struct sim_beds *b, double now)
{
    return sim_queue_mean_busy(&b->q, now);
}

double sim_beds_occupancy_fraction(const struct sim_beds *b, double now)
{
    return sim_queue_utilisation(&b->q, now);
}

double sim_beds_boarding_days(const struct sim_beds *b, double now)
{
    return sim_queue_waiting_days(&b->q, now);
}
