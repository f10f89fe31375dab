/* sim/engine.h — the simulation context: clock, calendar, event dispatch.
 *
 * A model registers a table of handlers, one per event type, and hangs its own state off
 * ctx->model. The run loop pops events in (time, insertion) order, advances the clock and
 * calls the handler for the event's type. Everything a replication needs is reachable from
 * its struct sim_ctx, so replications run side by side on threads without sharing state.
 * Handlers return 0 to go on or a negative SIM_E* code to abort the run.
 */
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include "calendar.h"
#include "err.h"

#include <stddef.h>
#include <stdint.h>

struct sim_ctx;

typedef int (*sim_handler_fn)(struct sim_ctx *ctx, const struct sim_event *ev);

/* Called before each event is dispatched, when set (event traces, debugging). */
typedef void (*sim_trace_fn)(void *user, const struct sim_event *ev);

struct sim_ctx {
    struct sim_calendar cal;
    double now;                    /* simulation clock, days */
    int stopped;                   /* set by sim_stop: the run loop returns after the handler */
    int failed;                    /* SIM_E* code of a failed schedule call, 0 when none */
    uint64_t events;               /* events dispatched so far */
    const sim_handler_fn *handlers; /* indexed by event type */
    size_t n_types;
    void *model;                   /* the model's state; the engine never looks inside */
    sim_trace_fn trace;            /* optional, NULL when off */
    void *trace_user;
    struct sim_err err;            /* why the run stopped with an error */
};

/* Sets up a context at time 0 with room for `reserve` pending events. Returns 0 or a
 * SIM_E* code (bad table, out of memory) described in ctx->err. */
int sim_ctx_init(struct sim_ctx *ctx, const sim_handler_fn *handlers, size_t n_types,
                 void *model, size_t reserve);
void sim_ctx_fini(struct sim_ctx *ctx);

/* Records a failed schedule call so the run loop stops with it after the current handler. */
sim_handle sim_schedule_failed(struct sim_ctx *ctx, double time, uint16_t type);

/* Schedules an event at absolute time `time` (>= now). Returns its handle; on failure
 * (time in the past or not finite, out of memory) returns SIM_HANDLE_NONE and the run loop
 * will stop with the error. */
static inline sim_handle sim_schedule_at(struct sim_ctx *ctx, double time, uint16_t type,
                                         uint16_t aux, uint32_t target)
{
    sim_handle h = SIM_HANDLE_NONE;
    if (time >= ctx->now && type < ctx->n_types)
        h = sim_calendar_push(&ctx->cal, time, type, aux, target);
    if (h == SIM_HANDLE_NONE)
        return sim_schedule_failed(ctx, time, type);
    return h;
}

/* Schedules an event `delay` days from now (delay >= 0). */
static inline sim_handle sim_schedule(struct sim_ctx *ctx, double delay, uint16_t type,
                                      uint16_t aux, uint32_t target)
{
    return sim_schedule_at(ctx, ctx->now + delay, type, aux, target);
}

/* Cancels a pending event; a stale handle is ignored. Returns 1 when something was cancelled. */
static inline int sim_cancel(struct sim_ctx *ctx, sim_handle h)
{
    return sim_calendar_cancel(&ctx->cal, h);
}

/* Runs events with time <= t_end, then sets the clock to t_end (unless stopped or t_end is
 * infinite). Returns 0, or the negative code of a failed handler or schedule call. */
int sim_run_until(struct sim_ctx *ctx, double t_end);

/* Asks the run loop to return after the current event. */
static inline void sim_stop(struct sim_ctx *ctx) { ctx->stopped = 1; }

#endif
