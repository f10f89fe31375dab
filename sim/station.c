/* sim/station.c — event handlers of the single-station model (see station.h). Streams:
 * purpose 0 draws inter-arrival times, purpose 1 service times, both for entity 0 of the
 * configured replication. */
#include "station.h"

#include "engine.h"
#include "resource.h"
#include "rng.h"

#include <math.h>
#include <string.h>

enum { EV_ARRIVAL, EV_SERVICE_END, EV_TYPES };

struct station {
    const struct sim_station_cfg *cfg;
    struct sim_queue queue;
    struct sim_stream arrivals;
    struct sim_stream services;
    uint64_t arrived;        /* all arrivals so far, warm-up included */
    uint64_t queued;         /* arrivals in the window that had to wait */
    double window_start;     /* days */
    struct sim_err *err;
};

static double service_time(struct station *s)
{
    if (s->cfg->service == SIM_SERVICE_DETERMINISTIC)
        return s->cfg->mean_service_days;
    return sim_stream_exp(&s->services, 1.0 / s->cfg->mean_service_days);
}

static int on_arrival(struct sim_ctx *ctx, const struct sim_event *ev)
{
    struct station *s = ctx->model;
    uint64_t total = s->cfg->warmup_customers + s->cfg->customers;
    if (s->arrived == s->cfg->warmup_customers) {
        int rc = sim_queue_reset_stats(&s->queue, ctx->now, s->err);
        if (rc)
            return rc;
        s->window_start = ctx->now;
    }
    uint32_t id = (uint32_t)s->arrived++;
    if (s->arrived < total)
        sim_schedule(ctx, sim_stream_exp(&s->arrivals, s->cfg->arrivals_per_day), EV_ARRIVAL,
                     0, 0);
    int outcome;
    int rc = sim_queue_arrive(&s->queue, ctx->now, id, 0, &outcome, s->err);
    if (rc)
        return rc;
    if (outcome == SIM_QUEUE_STARTED)
        sim_schedule(ctx, service_time(s), EV_SERVICE_END, 0, id);
    else if (outcome == SIM_QUEUE_WAITING && s->arrived > s->cfg->warmup_customers)
        s->queued++;
    (void)ev;
    return 0;
}

static int on_service_end(struct sim_ctx *ctx, const struct sim_event *ev)
{
    struct station *s = ctx->model;
    uint32_t next;
    int started;
    int rc = sim_queue_depart(&s->queue, ctx->now, &next, &started, s->err);
    if (rc)
        return rc;
    if (started)
        sim_schedule(ctx, service_time(s), EV_SERVICE_END, 0, next);
    (void)ev;
    return 0;
}

static int check_cfg(const struct sim_station_cfg *c, struct sim_err *err)
{
    if (!(c->arrivals_per_day > 0) || !isfinite(c->arrivals_per_day))
        return sim_err_set(err, SIM_EINVAL, "station: arrival rate must be > 0 (got %g)",
                           c->arrivals_per_day);
    if (!(c->mean_service_days > 0) || !isfinite(c->mean_service_days))
        return sim_err_set(err, SIM_EINVAL, "station: mean service time must be > 0 (got %g)",
                           c->mean_service_days);
    if (c->servers < 1)
        return sim_err_set(err, SIM_EINVAL, "station: needs at least one server");
    if (c->customers < 1 || c->warmup_customers + c->customers > UINT32_MAX)
        return sim_err_set(err, SIM_EINVAL, "station: customers must be 1 .. %u in all",
                           UINT32_MAX);
    return SIM_OK;
}

int sim_station_run(const struct sim_station_cfg *cfg, struct sim_station_result *out,
                    struct sim_err *err)
{
    static const sim_handler_fn handlers[EV_TYPES] = { on_arrival, on_service_end };
    memset(out, 0, sizeof *out);
    int rc = check_cfg(cfg, err);
    if (rc)
        return rc;
    struct station s = { .cfg = cfg, .err = err };
    sim_stream_init(&s.arrivals, cfg->seed, cfg->replication, 0, 0);
    sim_stream_init(&s.services, cfg->seed, cfg->replication, 0, 1);
    if ((rc = sim_queue_init(&s.queue, cfg->servers, 1, 0.0, err)) != 0)
        return rc;
    if (cfg->loss)
        sim_queue_set_waiting_limit(&s.queue, 0);
    struct sim_ctx ctx;
    if ((rc = sim_ctx_init(&ctx, handlers, EV_TYPES, &s, 0)) != 0) {
        sim_err_set(err, rc, "%s", ctx.err.msg);
        sim_queue_fini(&s.queue);
        return rc;
    }
    sim_schedule(&ctx, sim_stream_exp(&s.arrivals, cfg->arrivals_per_day), EV_ARRIVAL, 0, 0);
    rc = sim_run_until(&ctx, INFINITY);
    if (rc) {
        if (err && err->count == 0)
            sim_err_set(err, rc, "%s", ctx.err.msg);
    } else {
        const struct sim_queue_stats *st = &s.queue.st;
        double now = ctx.now;
        out->arrived = st->arrived;
        out->refused = st->refused;
        out->started = st->started;
        out->events = ctx.events;
        out->window_days = now - s.window_start;
        out->mean_wait_days = sim_queue_mean_wait(&s.queue);
        out->p_wait = st->arrived ? (double)s.queued / (double)st->arrived : NAN;
        out->blocking = st->arrived ? (double)st->refused / (double)st->arrived : NAN;
        out->mean_queue_length = sim_queue_mean_waiting(&s.queue, now);
        out->utilisation = sim_queue_utilisation(&s.queue, now);
        out->wait_sum_days = sim_welford_sum(&st->wait);
        out->queue_area = sim_queue_waiting_days(&s.queue, now);
    }
    sim_ctx_fini(&ctx);
    sim_queue_fini(&s.queue);
    return rc;
}
