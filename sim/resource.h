/* sim/resource.h — passive resources a model drives from its event handlers: a multi-server
 * queue with priority classes (struct sim_queue), an appointment book of slots per day
 * (struct sim_book) and a bed pool with boarding (struct sim_beds).
 *
 * Resources never touch the calendar: an operation tells the caller what happened (who
 * started service, which day was booked) and the caller schedules the consequences. That
 * keeps them testable on their own. Each keeps its own statistics since its last reset
 * (warm-up deletion), computed with a few lines of Welford and time integrals here so this
 * file depends on nothing but sim/err.h.
 *
 * Cost: every operation is O(1) or O(log n) amortised (the queue scans its priority classes,
 * of which there are a handful), with no allocation in steady state: arrays grow
 * geometrically and are reused. Times are days (double); book days are integer day indices.
 */
#ifndef SIM_RESOURCE_H
#define SIM_RESOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "stats.h"

struct sim_err;

/* Observations (waits, lead times) are kept in struct sim_welford (sim/stats.h). */

/* ---------------------------------------------------------------------------------------
 * Multi-server queue
 *
 * Waiting customers live in a pool of nodes, each on a doubly-linked FIFO list of its
 * priority class (class 0 is served first; first come first served within a class). An
 * open-addressing hash table maps a customer id to its node, so a customer leaving the
 * queue (died, gave up) is unlinked in O(1) expected time. Only waiting customers are
 * indexed: the queue does not know who is in service (the caller does, through its events).
 * Memory: 24 bytes per node and 8 bytes per hash cell (load <= 1/2), sized by the largest
 * number ever waiting at once.
 *
 * Invariant: a server is never idle while someone waits, so arrivals cannot overtake.
 * After a capacity cut, `busy` may exceed `servers` until enough customers finish.
 */

/* What happened to an arrival (the value written through `started` by sim_queue_arrive). */
enum sim_queue_outcome {
    SIM_QUEUE_REFUSED = -1, /* the waiting room was at its limit: not queued, counted refused */
    SIM_QUEUE_WAITING = 0,  /* joined the back of its class's queue */
    SIM_QUEUE_STARTED = 1,  /* a server was free: service starts now, wait 0 */
};

struct sim_queue_node {    /* a waiting customer */
    double arrive_days;    /* time the customer joined the queue */
    uint32_t customer;     /* caller's id */
    uint32_t prev;         /* previous (older) node of the same class, SIM_QUEUE_NIL at head */
    uint32_t next;         /* next (newer) node of the same class; free-list link when free */
    uint32_t cls;          /* priority class */
};

struct sim_queue_cell {    /* hash cell: customer id -> node */
    uint32_t customer;     /* key */
    uint32_t node;         /* node index, SIM_QUEUE_NIL when the cell is empty */
};

struct sim_queue_class {   /* one priority class */
    uint32_t head;         /* longest-waiting node, SIM_QUEUE_NIL when empty */
    uint32_t tail;         /* most recent node, SIM_QUEUE_NIL when empty */
    uint32_t waiting;      /* customers of this class waiting now */
    uint64_t arrived;      /* arrivals of this class since the last reset (incl. refused) */
    struct sim_welford wait; /* waits (days) of this class's customers started since reset */
};

/* Everything counted since the last reset (or init). */
struct sim_queue_stats {
    uint64_t arrived;      /* arrivals, whatever happened to them */
    uint64_t started;      /* customers whose service started (at once or after waiting) */
    uint64_t queued;       /* arrivals that had to join the queue */
    uint64_t refused;      /* arrivals turned away by the waiting-room limit */
    uint64_t removed;      /* waiting customers who left (sim_queue_remove) */
    uint64_t completed;    /* service completions (sim_queue_depart) */
    double removed_wait_days;  /* total time waited by the removed customers */
    struct sim_welford wait; /* waits (days) of started customers, zero waits included; a
                                * customer who arrived before the reset and starts after it
                                * contributes the whole wait */
    double area_waiting;   /* integral of the number waiting over time (customer-days) */
    double area_busy;      /* integral of the number of busy servers (server-days) */
    double area_servers;   /* integral of max(servers, busy): servers in existence, counting
                            * ones that are still finishing after a cut (server-days) */
    uint32_t max_waiting;  /* largest number waiting at once */
    uint32_t max_busy;     /* largest number of busy servers at once */
};

#define SIM_QUEUE_NIL UINT32_MAX

struct sim_queue {
    uint32_t servers;      /* servers in service (capacity) */
    uint32_t busy;         /* servers serving someone; may exceed servers after a cut */
    uint32_t nclasses;     /* priority classes, >= 1 */
    uint32_t waiting;      /* customers waiting, all classes */
    uint32_t waiting_limit;  /* arrivals finding this many waiting are refused; UINT32_MAX none */
    struct sim_queue_class *cls;  /* nclasses entries */
    struct sim_queue_node *nodes; /* node pool */
    uint32_t nodes_used;   /* nodes ever handed out (high-water mark) */
    uint32_t nodes_cap;    /* nodes allocated */
    uint32_t free_head;    /* first free node, SIM_QUEUE_NIL when none */
    struct sim_queue_cell *index; /* hash table of waiting customers, index_cap cells */
    uint32_t index_cap;    /* power of two */
    uint32_t index_shift;  /* 32 - log2(index_cap), for Fibonacci hashing */
    double t_last;         /* time of the last operation; statistics are integrated to here */
    double t_reset;        /* start of the statistics window (days) */
    double last_wait_days; /* wait (days) of the customer most recently started, by any call */
    struct sim_queue_stats st;
};

/* Sets up an empty queue with `servers` (>= 1) servers and `nclasses` (>= 1) priority
 * classes at time t0 (days). Returns 0, SIM_EINVAL or SIM_ENOMEM. */
int sim_queue_init(struct sim_queue *q, uint32_t servers, uint32_t nclasses, double t0,
                   struct sim_err *err);
void sim_queue_fini(struct sim_queue *q);

/* Limits the number waiting (all classes); later arrivals that find the queue at the limit
 * are refused (balking, e.g. transfer elsewhere). UINT32_MAX (the default) means no limit;
 * 0 means a pure loss system. Customers already waiting stay. */
void sim_queue_set_waiting_limit(struct sim_queue *q, uint32_t limit);

/* Customer `customer` of priority class `cls` arrives at `now`. *started receives a
 * sim_queue_outcome: SIM_QUEUE_STARTED (schedule the service end), SIM_QUEUE_WAITING or
 * SIM_QUEUE_REFUSED. Returns 0; SIM_EINVAL when now is earlier than the last operation or
 * not finite, cls is out of range, or the customer is already waiting here; SIM_ENOMEM. */
int sim_queue_arrive(struct sim_queue *q, double now, uint32_t customer, uint32_t cls,
                     int *started, struct sim_err *err);

/* A service ends at `now`. If a server remains (it was not cut) and anyone waits, the
 * longest-waiting customer of the most urgent class starts: *started = 1 and *next_customer
 * is set (schedule their service end); otherwise *started = 0 and *next_customer is left
 * alone. Returns 0; SIM_ESTATE when no server is busy; SIM_EINVAL for a bad time. */
int sim_queue_depart(struct sim_queue *q, double now, uint32_t *next_customer, int *started,
                     struct sim_err *err);

/* A waiting customer leaves at `now` (died, gave up, went elsewhere). Returns 1 when it was
 * waiting and is now gone, 0 when it was not waiting here, SIM_EINVAL for a bad time. */
int sim_queue_remove(struct sim_queue *q, double now, uint32_t customer, struct sim_err *err);

/* 1 when the customer is waiting in this queue. */
int sim_queue_is_waiting(const struct sim_queue *q, uint32_t customer);

/* Changes the number of servers at `now` (0 closes the service). Extra servers start
 * waiting customers at once, most urgent first; their ids are written to started_out and
 * their number to *n_started (schedule their service ends). At most servers - old servers
 * customers start, so an out array of that size always suffices; a smaller out_cap is
 * SIM_EINVAL, checked before anything changes. Fewer servers take effect as busy ones
 * finish: nobody is interrupted. started_out may be NULL when out_cap is 0. */
int sim_queue_set_servers(struct sim_queue *q, double now, uint32_t servers,
                          uint32_t *started_out, size_t out_cap, size_t *n_started,
                          struct sim_err *err);

/* Starts a new statistics window at `now` (warm-up deletion): counts and integrals are
 * zeroed, maxima restart from the current state. Returns 0 or SIM_EINVAL for a bad time. */
int sim_queue_reset_stats(struct sim_queue *q, double now, struct sim_err *err);

/* Mean and sample variance of the waits of customers started since the reset (days);
 * NaN when there are too few. */
double sim_queue_mean_wait(const struct sim_queue *q);
double sim_queue_wait_var(const struct sim_queue *q);
/* Mean wait of one class (days), NaN when none of it started or cls is out of range. */
double sim_queue_class_mean_wait(const struct sim_queue *q, uint32_t cls);

/* Time averages over [t_reset, now], including the stretch since the last operation; NaN
 * when now is before the last operation or the window is empty. */
double sim_queue_mean_waiting(const struct sim_queue *q, double now); /* mean queue length */
double sim_queue_mean_busy(const struct sim_queue *q, double now);    /* mean busy servers */
/* Busy server-days over server-days available (see area_servers); NaN when no server existed. */
double sim_queue_utilisation(const struct sim_queue *q, double now);
/* Integrals over [t_reset, now] (customer-days waiting, server-days busy); NaN for a bad now. */
double sim_queue_waiting_days(const struct sim_queue *q, double now);
double sim_queue_busy_days(const struct sim_queue *q, double now);

/* Bytes held by the pool, the hash table and the class array. */
size_t sim_queue_bytes(const struct sim_queue *q);

/* ---------------------------------------------------------------------------------------
 * Appointment book
 *
 * A provider offers a number of slots on each day, set per weekday (weekends may be 0) and
 * changeable from a given day on. Days are integer indices (day d covers times [d, d+1));
 * days before `today` are closed. Open days live in a ring of day records covering
 * [today, today + ring_days): the ring doubles only when a booking needs a day beyond it,
 * and closed days are recycled as the book advances, so memory follows the booking horizon
 * actually used, not the length of the run.
 *
 * Finding the earliest day with a free slot uses a two-level bitmap over the ring (a bit per
 * day with a free slot, and a bit per 64-day word that has any), so a booking costs
 * O(ring_days / 4096) word reads however far away the first free day is. Within a day, a
 * bitmap of free slots gives the lowest free slot.
 *
 * Slot times: slot k of day d is at d + open_frac + (k + 0.5) * slot_days, the middle of the
 * k-th slot of fixed length after opening. A fixed slot length (rather than dividing the
 * working day by the day's slot count) means more slots extend the day, and a booked slot's
 * time never moves when capacity changes later, so events already scheduled stay right.
 */

/* Names a booking: day in the high 32 bits, slot in bits 16..31, a nonzero tag in bits
 * 0..15 that makes a handle stale once its slot is cancelled and rebooked (a stale handle
 * could only be mistaken after the same slot is rebooked a multiple of 65535 times). */
typedef uint64_t sim_booking;
#define SIM_BOOKING_NONE ((sim_booking)0)

static inline uint32_t sim_booking_day(sim_booking h) { return (uint32_t)(h >> 32); }
static inline uint32_t sim_booking_slot(sim_booking h) { return (uint32_t)(h >> 16) & 0xffffu; }

#define SIM_BOOK_MAX_SLOTS 65535u        /* slots per day */
#define SIM_BOOK_DEFAULT_HORIZON 3660u   /* days ahead a booking may go, when not given */

struct sim_book_cfg {
    uint32_t slots[7];         /* bookable slots per weekday, [0] Monday .. [6] Sunday */
    uint32_t day0_weekday;     /* weekday of day index 0 (0 Monday .. 6 Sunday) */
    double open_frac;          /* start of the first slot, fraction of a day (0.33 = 08:00) */
    double slot_days;          /* length of one slot (days); open_frac + slots * slot_days
                                * must not pass the end of the day */
    uint32_t start_day;        /* first open day */
    uint32_t max_horizon_days; /* bookings go at most this many days beyond today - 1;
                                * 0 for SIM_BOOK_DEFAULT_HORIZON */
};

struct sim_book_day {          /* one open day in the ring */
    uint16_t cap;              /* bookable slots: 0 .. cap-1 */
    uint16_t booked;           /* bookings held, including any left at slots >= cap by a cut */
    uint16_t free;             /* bookable slots still free */
    uint16_t unused;           /* padding, always 0 */
};

struct sim_book_change {       /* slots per weekday from a day on */
    uint32_t from_day;         /* first day the row applies to */
    uint16_t slots[7];         /* as sim_book_cfg.slots */
};

struct sim_book_stats {        /* everything counted since the last reset (or init) */
    uint64_t booked;           /* successful bookings */
    uint64_t cancelled;        /* cancellations of open bookings */
    uint64_t refused;          /* requests with no free slot within the horizon */
    struct sim_welford lead; /* appointment day - the book's today at booking (days): the
                                * model advances the book at each day's start */
    struct sim_welford delay;/* appointment day - requested day, after moving a request for
                                * a closed day to today (days): the wait due to capacity */
    uint64_t slots_offered;    /* bookable slots on days closed since the reset */
    uint64_t slots_used;       /* bookings held on those days (appointments that took place) */
    uint64_t slots_idle;       /* bookable slots left empty on those days */
};

struct sim_book {
    uint32_t today;            /* first open day */
    uint32_t ring_days;        /* days in the ring, a power of two >= 64 */
    uint32_t max_horizon;      /* bookings may go to day today + max_horizon - 1 */
    uint32_t stride_slots;     /* slot tags per day record, >= every day's cap and booked slot */
    uint32_t stride_words;     /* 64-bit words of free-slot bits per day record */
    uint32_t day0_weekday;     /* weekday of day index 0 */
    uint16_t next_tag;         /* tag of the next booking, never 0 */
    double open_frac;          /* see sim_book_cfg */
    double slot_days;          /* see sim_book_cfg */
    struct sim_book_day *days; /* ring_days records; day d at index d & (ring_days - 1) */
    uint64_t *slot_free;       /* stride_words words per day: bit k set = slot k bookable, free */
    uint16_t *slot_tag;        /* stride_slots tags per day: 0 = free, else the booking's tag */
    uint64_t *day_free;        /* ring_days bits: the day has a free slot */
    uint64_t *day_summary;     /* a bit per day_free word: the word is nonzero */
    struct sim_book_change *sched; /* capacity rows, sorted by from_day; sched[0] covers today */
    size_t nsched;             /* rows in use */
    size_t sched_cap;          /* rows allocated */
    struct sim_book_stats st;
};

/* Sets up a book with every open day empty. Returns 0, SIM_EINVAL (bad weekday, slot count
 * over SIM_BOOK_MAX_SLOTS, slots running past midnight, bad times) or SIM_ENOMEM. */
int sim_book_init(struct sim_book *b, const struct sim_book_cfg *cfg, struct sim_err *err);
void sim_book_fini(struct sim_book *b);

/* Books the lowest free slot on the earliest day >= earliest_day (moved to today when
 * earlier) that has one. Returns 1 and fills *booking (and *day_out / *slot_out when not
 * NULL); 0 when no slot is free within the horizon (counted as refused); SIM_ENOMEM when the
 * ring could not grow. */
int sim_book_book(struct sim_book *b, uint32_t earliest_day, sim_booking *booking,
                  uint32_t *day_out, uint32_t *slot_out, struct sim_err *err);

/* Cancels a booking on an open day, freeing its slot for later requests. Returns 1, or 0
 * when the handle is stale (already cancelled, or its day has closed). */
int sim_book_cancel(struct sim_book *b, sim_booking booking);

/* 1 when the handle names a booking held on an open day. */
int sim_book_is_booked(const struct sim_book *b, sim_booking booking);

/* Closes the days before `today`, counting their slots as used or idle, and opens the days
 * that enter the ring. Cost O(days advanced x slots per day / 64). Returns 0, or SIM_EINVAL
 * when today is earlier than the book's today. */
int sim_book_advance(struct sim_book *b, uint32_t today, struct sim_err *err);

/* Sets the slots per weekday from from_day on (moved to today when earlier). Bookings
 * already made keep their slots and times; slots beyond a reduced capacity are just not
 * offered again. Returns 0, SIM_EINVAL (as for init) or SIM_ENOMEM. */
int sim_book_set_slots(struct sim_book *b, uint32_t from_day, const uint32_t slots[7],
                       struct sim_err *err);

/* Bookable slots on a day under the capacity rows (days before today: as last set). */
uint32_t sim_book_capacity_on(const struct sim_book *b, uint32_t day);
/* Free bookable slots on a day; 0 for closed days. */
uint32_t sim_book_free_on(const struct sim_book *b, uint32_t day);
/* Bookings held on a day; 0 for closed days. */
uint32_t sim_book_booked_on(const struct sim_book *b, uint32_t day);

/* Time (days) of a slot, see above. */
static inline double sim_book_slot_time(const struct sim_book *b, uint32_t day, uint32_t slot)
{
    return (double)day + b->open_frac + ((double)slot + 0.5) * b->slot_days;
}

/* The day a time falls on (floor; times before 0 give day 0). */
uint32_t sim_book_day_of(double t_days);

/* Zeroes the statistics (warm-up deletion); bookings are untouched. */
void sim_book_reset_stats(struct sim_book *b);

/* Mean lead and capacity delay (days) of bookings since the reset; NaN when none. */
double sim_book_mean_lead(const struct sim_book *b);
double sim_book_mean_delay(const struct sim_book *b);
/* Bookings held / bookable slots on days closed since the reset; NaN when none offered.
 * Can pass 1 only when a capacity cut left bookings beyond the new capacity. */
double sim_book_slot_use(const struct sim_book *b);

size_t sim_book_bytes(const struct sim_book *b);

/* ---------------------------------------------------------------------------------------
 * Bed pool
 *
 * A bed is a server of a single-class sim_queue, so admission, boarding (waiting for a bed,
 * first come first served), removal of a boarding patient, capacity changes and the time
 * integrals are the queue's; these functions only rename them. Occupancy statistics are the
 * queue's busy-server integrals, boarding ones its waiting integrals.
 */
struct sim_beds {
    struct sim_queue q;        /* servers = beds, busy = occupied beds, waiting = boarding */
};

/* got_bed / admitted values: the sim_queue_outcome values under bed names. */
#define SIM_BEDS_ADMITTED SIM_QUEUE_STARTED
#define SIM_BEDS_BOARDING SIM_QUEUE_WAITING
#define SIM_BEDS_REFUSED SIM_QUEUE_REFUSED

int sim_beds_init(struct sim_beds *b, uint32_t beds, double t0, struct sim_err *err);
void sim_beds_fini(struct sim_beds *b);
/* Patients finding this many boarding are refused (transferred); default UINT32_MAX none. */
void sim_beds_set_boarding_limit(struct sim_beds *b, uint32_t limit);
/* As sim_queue_arrive: *got_bed is SIM_BEDS_ADMITTED, SIM_BEDS_BOARDING or SIM_BEDS_REFUSED. */
int sim_beds_admit(struct sim_beds *b, double now, uint32_t patient, int *got_bed,
                   struct sim_err *err);
/* As sim_queue_depart: the freed bed goes to the longest-boarding patient. */
int sim_beds_discharge(struct sim_beds *b, double now, uint32_t *next_admitted,
                       int *admitted_someone, struct sim_err *err);
/* As sim_queue_remove: a boarding patient leaves (died, transferred). 1 found, 0 not. */
int sim_beds_remove_waiting(struct sim_beds *b, double now, uint32_t patient,
                            struct sim_err *err);
/* As sim_queue_set_servers. */
int sim_beds_set_capacity(struct sim_beds *b, double now, uint32_t beds, uint32_t *admitted_out,
                          size_t out_cap, size_t *n_admitted, struct sim_err *err);
int sim_beds_reset_stats(struct sim_beds *b, double now, struct sim_err *err);

static inline uint32_t sim_beds_occupied(const struct sim_beds *b) { return b->q.busy; }
static inline uint32_t sim_beds_boarding(const struct sim_beds *b) { return b->q.waiting; }

/* Occupied bed-days over [t_reset, now]. */
double sim_beds_bed_days(const struct sim_beds *b, double now);
/* Mean occupied beds over [t_reset, now]. */
double sim_beds_mean_occupancy(const struct sim_beds *b, double now);
/* Occupied bed-days / bed-days available. */
double sim_beds_occupancy_fraction(const struct sim_beds *b, double now);
/* Patient-days spent boarding over [t_reset, now], including patients still boarding. */
double sim_beds_boarding_days(const struct sim_beds *b, double now);
/* Counts since the reset: patients who had to board, and refused ones; most beds occupied. */
static inline uint64_t sim_beds_boarded(const struct sim_beds *b) { return b->q.st.queued; }
static inline uint64_t sim_beds_refused(const struct sim_beds *b) { return b->q.st.refused; }
static inline uint32_t sim_beds_max_occupied(const struct sim_beds *b) { return b->q.st.max_busy; }

#endif
