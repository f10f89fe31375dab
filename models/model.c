/* models/model.c — the model of one replication: creation from a scenario, the handler
 * table that wires event types to the modules, the run loop and clean-up. Holds no model
 * logic of its own. Touches only the model it creates.
 */
#include "models/model.h"

#include <math.h>
#include <stdlib.h>

#include "sim/calendar.h"

/* Width of the calendar's far-event buckets, days: a tuning knob of the engine, not of the
 * model (results do not depend on it); docs/performance.md has the measurements. */
#ifndef MODEL_CAL_BUCKET_DAYS
#define MODEL_CAL_BUCKET_DAYS 1.0
#endif

/* ---- Handlers (one per enum model_event) ------------------------------------------------- */

static int on_person(struct sim_ctx *ctx, const struct sim_event *ev)
{
    return dis_person_event(ctx->model, ev->target);
}

/* Events of a person other than their personal one: never for the dead (death cancels
 * them), which outcomes check through counts.dead_events. */
static int person_alive(struct model *m, uint32_t id)
{
    if (id < m->n_persons && pop_alive(&m->persons[id]))
        return 1;
    m->counts.dead_events++;
    return 0;
}

static int on_gp_visit(struct sim_ctx *ctx, const struct sim_event *ev)
{
    struct model *m = ctx->model;
    return person_alive(m, ev->target) ? care_gp_visit(m, ev->target, ev->aux) : 0;
}

static int on_op_visit(struct sim_ctx *ctx, const struct sim_event *ev)
{
    struct model *m = ctx->model;
    return person_alive(m, ev->target) ? care_op_visit(m, ev->target, ev->aux) : 0;
}

static int on_discharge(struct sim_ctx *ctx, const struct sim_event *ev)
{
    struct model *m = ctx->model;
    return person_alive(m, ev->target) ? care_discharge(m, ev->target, ev->aux) : 0;
}

static int on_hospital_day(struct sim_ctx *ctx, const struct sim_event *ev)
{
    return care_hospital_day(ctx->model, ev->target);
}

static int on_window(struct sim_ctx *ctx, const struct sim_event *ev)
{
    (void)ev;
    return care_window_start(ctx->model);
}

static int on_month(struct sim_ctx *ctx, const struct sim_event *ev)
{
    (void)ev;
    return care_month(ctx->model);
}

static int on_reform(struct sim_ctx *ctx, const struct sim_event *ev)
{
    (void)ev;
    return reform_start(ctx->model);
}

static int on_reform_step(struct sim_ctx *ctx, const struct sim_event *ev)
{
    return reform_step(ctx->model, ev->aux);
}

static const sim_handler_fn handlers[MODEL_EV_COUNT] = {
    [MODEL_EV_MONTH] = on_month,
    [MODEL_EV_REFORM] = on_reform,
    [MODEL_EV_REFORM_STEP] = on_reform_step,
    [MODEL_EV_PERSON] = on_person,
    [MODEL_EV_GP_VISIT] = on_gp_visit,
    [MODEL_EV_OP_VISIT] = on_op_visit,
    [MODEL_EV_DISCHARGE] = on_discharge,
    [MODEL_EV_HOSPITAL_DAY] = on_hospital_day,
    [MODEL_EV_WINDOW] = on_window,
};

/* ---- Lifecycle --------------------------------------------------------------------------- */

/* What the model needs to run at all, for callers that fill struct model_params themselves
 * (the scenario keys' ranges guarantee it for resolved scenarios). */
static int check_basics(const struct model_params *par, struct sim_err *err)
{
    if (par->run.population < 1 || par->run.population > 100000000)
        return sim_err_set(err, SIM_EINVAL, "run.population: must be in [1, 100000000] (got %lld)",
                           (long long)par->run.population);
    if (par->practices.list_size < 1)
        return sim_err_set(err, SIM_EINVAL, "practices.list_size: must be >= 1 (got %d)",
                           par->practices.list_size);
    if (!(par->run.warmup_years >= 0 && par->run.warmup_years <= 100) ||
        !(par->run.horizon_years > 0 && par->run.horizon_years <= 200))
        return sim_err_set(err, SIM_EINVAL, "run.warmup_years / run.horizon_years: out of "
                                            "range (got %g / %g)",
                           par->run.warmup_years, par->run.horizon_years);
    if (!(par->mortality.gompertz_a_men > 0) || !(par->mortality.gompertz_a_women > 0) ||
        !(par->mortality.gompertz_slope >= 0))
        return sim_err_set(err, SIM_EINVAL, "mortality: Gompertz levels must be > 0 and the "
                                            "slope >= 0");
    return 0;
}

/* model_create with tables = NULL (build its own) or model_create_shared. */
static struct model *create(const struct model_params *par, const struct dis_tables *tables,
                            uint32_t replication, struct sim_err *err)
{
    if (!par) {
        sim_err_set(err, SIM_EINVAL, "model: no parameters");
        return NULL;
    }
    if (check_basics(par, err) || care_check_params(par, err))
        return NULL;
    struct model *m = calloc(1, sizeof *m);
    if (!m) {
        sim_err_set(err, SIM_ENOMEM, "model: out of memory");
        return NULL;
    }
    m->par = *par;
    m->replication = replication;
    m->draw_person = UINT32_MAX;
    m->seed = (uint64_t)par->run.seed;
    m->warmup_end_day = par->run.warmup_years * DIS_YEAR_DAYS;
    m->end_day = m->warmup_end_day + par->run.horizon_years * DIS_YEAR_DAYS;
    /* Continuous discounting at the rate equivalent to the annual one: ln(1 + r). */
    m->disc_effects = log1p(par->economics.discount_effects);
    m->disc_costs = log1p(par->economics.discount_costs);

    if (!tables) {
        if (dis_tables_init(&m->dis, par, err))
            goto fail;
        tables = &m->dis;
    }
    m->tables = tables;
    size_t reserve = (size_t)par->run.population + 1024; /* one pending event per person */
    if (sim_ctx_init(&m->ctx, handlers, MODEL_EV_COUNT, m, reserve)) {
        sim_err_set(err, m->ctx.err.code, "%s", m->ctx.err.msg);
        goto fail;
    }
    /* Events days to months ahead wait in day buckets, so the heap holds about a day's
     * events (sim/calendar.h); the order of events, hence every result, is unchanged. */
    if (sim_calendar_use_buckets(&m->ctx.cal, MODEL_CAL_BUCKET_DAYS) != 0) {
        sim_err_set(err, SIM_ENOMEM, "model: out of memory for the event calendar");
        goto fail;
    }
    care_factors_init(m);
    pay_decide(&m->par, &m->decide);
    if (pop_init(m, err))
        goto fail;
    if (care_init(m, err))
        goto fail;
    return m;
fail:
    model_destroy(m);
    return NULL;
}

struct model *model_create(const struct model_params *par, uint32_t replication,
                           struct sim_err *err)
{
    return create(par, NULL, replication, err);
}

struct model *model_create_shared(const struct model_params *par,
                                  const struct dis_tables *tables, uint32_t replication,
                                  struct sim_err *err)
{
    if (!tables) {
        sim_err_set(err, SIM_EINVAL, "model: no disease tables");
        return NULL;
    }
    return create(par, tables, replication, err);
}

void model_destroy(struct model *m)
{
    if (!m)
        return;
    care_fini(m);
    free(m->series.snaps);
    free(m->series.ledgers);
    free(m->reform_after);
    free(m->reform_before);
    sim_ctx_fini(&m->ctx);
    free(m->persons);
    free(m->entrant_key);
    free(m);
}

int model_run_until(struct model *m, double day, struct sim_err *err)
{
    if (!(day <= m->end_day))
        day = m->end_day;
    if (day < m->ctx.now)
        return SIM_OK;
    int rc = sim_run_until(&m->ctx, day);
    if (rc)
        sim_err_set(err, rc, "%s", m->ctx.err.msg);
    return rc;
}

int model_run(struct model *m, struct sim_err *err)
{
    int rc = model_run_until(m, m->end_day, err);
    if (rc)
        return rc;
    /* Everyone alive lives to the end of the window: accrue their last stretch. */
    for (uint32_t id = 0; id < m->n_persons; id++)
        if (pop_alive(&m->persons[id]))
            dis_advance(m, id);
    m->finished = 1;
    return SIM_OK;
}

double model_bytes_per_person(const struct model *m)
{
    if (!m->counts.alive)
        return NAN;
    double bytes = (double)m->cap_persons * sizeof *m->persons +
                   (double)(m->cap_persons - m->n_start) * sizeof *m->entrant_key +
                   (double)sim_calendar_bytes(&m->ctx.cal);
    return bytes / (double)m->counts.alive;
}
