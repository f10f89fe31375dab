/* sim/engine.c — the run loop and context lifecycle. */
#include "engine.h"

#include <math.h>
#include <string.h>

int sim_ctx_init(struct sim_ctx *ctx, const sim_handler_fn *handlers, size_t n_types,
                 void *model, size_t reserve)
{
    memset(ctx, 0, sizeof *ctx);
    if (!handlers || n_types == 0 || n_types > UINT16_MAX + 1u)
        return sim_err_set(&ctx->err, SIM_EINVAL, "engine: handler table is empty or too big");
    for (size_t i = 0; i < n_types; i++)
        if (!handlers[i])
            return sim_err_set(&ctx->err, SIM_EINVAL, "engine: no handler for event type %zu", i);
    if (sim_calendar_init(&ctx->cal, reserve) != 0)
        return sim_err_set(&ctx->err, SIM_ENOMEM, "engine: out of memory for the calendar");
    ctx->handlers = handlers;
    ctx->n_types = n_types;
    ctx->model = model;
    return SIM_OK;
}

void sim_ctx_fini(struct sim_ctx *ctx)
{
    if (ctx)
        sim_calendar_fini(&ctx->cal);
}

sim_handle sim_schedule_failed(struct sim_ctx *ctx, double time, uint16_t type)
{
    if (ctx->failed)
        return SIM_HANDLE_NONE;
    if (type >= ctx->n_types)
        ctx->failed = sim_err_set(&ctx->err, SIM_EINVAL,
                                  "engine: event type %u has no handler", (unsigned)type);
    else if (!(time >= ctx->now) || !isfinite(time))
        ctx->failed = sim_err_set(&ctx->err, SIM_EINVAL,
                                  "engine: event type %u scheduled at %g, before now (%g) or "
                                  "not finite", (unsigned)type, time, ctx->now);
    else
        ctx->failed = sim_err_set(&ctx->err, SIM_ENOMEM,
                                  "engine: out of memory scheduling an event");
    return SIM_HANDLE_NONE;
}

int sim_run_until(struct sim_ctx *ctx, double t_end)
{
    struct sim_event ev;
    ctx->stopped = 0;
    while (!ctx->stopped && sim_calendar_size(&ctx->cal) &&
           sim_calendar_next_time(&ctx->cal) <= t_end) {
        sim_calendar_pop(&ctx->cal, &ev);
        ctx->now = ev.time;
        ctx->events++;
        if (__builtin_expect(ctx->trace != NULL, 0))
            ctx->trace(ctx->trace_user, &ev);
        int rc = ctx->handlers[ev.type](ctx, &ev);
        if (rc < 0) {
            if (ctx->err.count == 0)
                sim_err_set(&ctx->err, rc, "engine: handler for event type %u failed: %s",
                            (unsigned)ev.type, sim_strerror(rc));
            return rc;
        }
        if (ctx->failed)
            return ctx->failed;
    }
    if (ctx->cal.failed) /* next_time gave NaN: a bucket could not be moved into the heap */
        return sim_err_set(&ctx->err, SIM_ENOMEM, "engine: out of memory in the calendar");
    if (!ctx->stopped && isfinite(t_end) && t_end > ctx->now)
        ctx->now = t_end;
    return SIM_OK;
}
