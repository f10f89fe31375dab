/* models/reform.c — a reform switched on during a run (see reform.h). Touches only the
 * model it is given.
 */
#include "models/reform.h"

#include <math.h>
#include <stdlib.h>

#include "models/care.h"
#include "models/model.h"
#include "models/payment.h"
#include "models/population.h"

#define REFORM_MONTH_DAYS (365.25 / 12.0)

int reform_check_params(const struct model_params *par, const struct model_params *after,
                        struct sim_err *err)
{
    if (after->practices.list_size != par->practices.list_size)
        return sim_err_set(err, SIM_EINVAL, "reform.scenario: practices.list_size cannot change "
                                            "during a run (%d vs %d)",
                           after->practices.list_size, par->practices.list_size);
    if (after->hospital.catchment != par->hospital.catchment)
        return sim_err_set(err, SIM_EINVAL, "reform.scenario: hospital.catchment cannot change "
                                            "during a run");
    if (!(par->reform.at_years < par->run.horizon_years))
        return sim_err_set(err, SIM_EINVAL, "reform.at_years: must fall before the end of the "
                                            "run (%g >= horizon_years %g)",
                           par->reform.at_years, par->run.horizon_years);
    return care_check_params(after, err);
}

int model_set_reform(struct model *m, const struct model_params *after, struct sim_err *err)
{
    if (m->ctx.now > 0.0 || m->reform_after)
        return sim_err_set(err, SIM_ESTATE, "reform: must be attached once, before the run");
    int rc = reform_check_params(&m->par, after, err);
    if (rc)
        return rc;
    const struct model_params *par = &m->par;
    m->reform_after = malloc(sizeof *m->reform_after);
    m->reform_before = malloc(sizeof *m->reform_before);
    if (!m->reform_after || !m->reform_before)
        return sim_err_set(err, SIM_ENOMEM, "reform: out of memory");
    *m->reform_after = *after;
    double when = m->warmup_end_day + par->reform.at_years * DIS_YEAR_DAYS;
    if (sim_schedule_at(&m->ctx, when, MODEL_EV_REFORM, 0, 0) == SIM_HANDLE_NONE)
        return sim_err_set(err, m->ctx.failed, "%s", m->ctx.err.msg);
    return 0;
}

int reform_start(struct model *m)
{
    const struct model_params *after = m->reform_after;
    struct model_params *par = &m->par;
    /* Everyone's care clocks run down to now at the old rates... */
    for (uint32_t id = 0; id < m->n_persons; id++)
        if (pop_alive(&m->persons[id]))
            dis_change_begin(m, id);
    *m->reform_before = *par;
    int list = par->practices.list_size;
    par->practices = after->practices;
    par->practices.list_size = list;
    par->care_seeking = after->care_seeking;
    par->outpatient = after->outpatient;
    par->hospital = after->hospital;
    par->costs = after->costs;
    par->payment = after->payment;
    par->behaviour = after->behaviour;
    par->policy = after->policy;
    care_factors_init(m);
    pay_decide(par, &m->decide);
    /* ... and on at the new ones. */
    for (uint32_t id = 0; id < m->n_persons; id++)
        if (pop_alive(&m->persons[id]))
            dis_redraw(m, id);
    m->reform_started = 1;
    unsigned steps = (unsigned)ceil(m->reform_before->reform.phase_in_months);
    if (steps == 0)
        return care_set_capacity(m, m->reform_before, par, 1.0);
    m->reform_steps = steps;
    for (unsigned k = 1; k <= steps; k++) {
        double t = m->ctx.now + k * REFORM_MONTH_DAYS;
        if (t <= m->end_day &&
            sim_schedule_at(&m->ctx, t, MODEL_EV_REFORM_STEP, (uint16_t)k, 0) == SIM_HANDLE_NONE)
            return m->ctx.failed;
    }
    return 0;
}

int reform_step(struct model *m, unsigned step)
{
    return care_set_capacity(m, m->reform_before, &m->par, (double)step / m->reform_steps);
}
