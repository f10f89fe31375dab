/* models/policy.c — the integrated-care levers (see policy.h). Touches only the model it is
 * given.
 */
#include "models/policy.h"

#include <math.h>
#include <stdlib.h>

#include "models/care.h"
#include "models/model.h"
#include "models/payment.h"
#include "models/population.h"

/* A uniform in [0, 1) fixed by (seed, replication, stream key, what): splitmix64 finaliser
 * over the combined key. Coverage needs a fixed assignment, not a stream. */
static double fixed_uniform(const struct model *m, uint64_t key, unsigned what)
{
    uint64_t z = m->seed * 0x9E3779B97F4A7C15ull ^ ((uint64_t)m->replication << 40) ^
                 (key * 0xBF58476D1CE4E5B9ull) ^ ((uint64_t)what << 56 | what);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

int pol_covered(const struct model *m, const struct person *p, unsigned what, double share)
{
    if (!(share > 0.0))
        return 0;
    if (share >= 1.0)
        return 1;
    uint32_t id = (uint32_t)(p - m->persons);
    return fixed_uniform(m, pop_stream_key(m, id), what) < share;
}

double pol_copay_forgo(const struct model *m, double copay, double price)
{
    if (!(copay > 0.0) || !(price > 0.0))
        return 0.0;
    double f = -m->par.policy.copay_elasticity * copay / price;
    return f > 1.0 ? 1.0 : f;
}

double pol_direct_access(const struct model *m)
{
    const struct policy_params *pp = &m->par.policy;
    switch (pp->gatekeeping) {
    case PARAMS_GATE_STRICT:
        return 0.0;
    case PARAMS_GATE_SOFT:
        return pp->direct_access_share *
               (1.0 - pol_copay_forgo(m, pp->self_referral_copay, m->par.costs.outpatient_visit));
    default:
        return pp->direct_access_share;
    }
}

double pol_exacerbation_hr(const struct model *m, const struct person *p, int c)
{
    const struct policy_params *pp = &m->par.policy;
    double hr = pp->selfman_exacerbation_hr[c];
    if (hr == 1.0 || !pol_covered(m, p, POL_SELFMAN, pp->selfman_coverage))
        return 1.0;
    return hr;
}

double pol_mortality_hr(const struct model *m, const struct person *p)
{
    const struct policy_params *pp = &m->par.policy;
    if (!(p->conds & (1u << DIS_HEART_FAILURE)) ||
        !pol_covered(m, p, POL_HF_MONITORING, pp->hf_monitoring_coverage))
        return 1.0;
    return pp->hf_monitoring_mortality_hr;
}

double pol_severe_ratio(const struct model *m, const struct person *p, int c)
{
    const struct policy_params *pp = &m->par.policy;
    double r = 1.0;
    if (c == DIS_HEART_FAILURE &&
        pol_covered(m, p, POL_HF_MONITORING, pp->hf_monitoring_coverage))
        r *= pp->hf_monitoring_severe_hr;
    if (p->flags & POP_CASE_MANAGED)
        r *= 1.0 - pp->cm_early_detection;
    return r;
}

double pol_relapse_hr(const struct model *m, const struct person *p)
{
    const struct policy_params *pp = &m->par.policy;
    double hr = pp->shared_record ? pp->record_relapse_hr : 1.0;
    if (p->stay & POP_STAY_TRANSITIONAL)
        hr *= pp->tc_relapse_hr;
    if (p->stay & POP_STAY_HOME)
        hr *= pp->hah_relapse_hr;
    return hr;
}

uint32_t pol_case_managed(const struct model *m) { return m->care.cm_enrolled; }

/* Enrols person id in case management when there is a place and they are eligible;
 * `count` counts the enrolment in the window's tally. */
static int enrol(struct model *m, uint32_t id, int count)
{
    struct care *cr = &m->care;
    struct person *p = &m->persons[id];
    if (cr->cm_places == 0 || (p->flags & POP_CASE_MANAGED) ||
        pop_ncond(p) < m->par.policy.cm_min_conditions || cr->cm_enrolled >= cr->cm_places)
        return 0;
    if (cr->cm_len == cr->cm_cap) {
        uint32_t cap = cr->cm_cap ? 2 * cr->cm_cap : 64;
        uint32_t *nl = realloc(cr->cm_list, (size_t)cap * sizeof *nl);
        if (!nl)
            return sim_err_set(&m->ctx.err, SIM_ENOMEM, "policy: out of memory for case "
                                                        "management");
        cr->cm_list = nl;
        cr->cm_cap = cap;
    }
    cr->cm_list[cr->cm_len++] = id;
    cr->cm_enrolled++;
    p->flags |= POP_CASE_MANAGED;
    if (count && care_in_window(m))
        cr->tally.cm_enrolments += 1.0;
    return 0;
}

int pol_on_discharge(struct model *m, uint32_t id) { return enrol(m, id, 1); }

int pol_warm_enrol(struct model *m, uint32_t id) { return enrol(m, id, 0); }

/* A month of case management: contacts (cost) that may bring uncontrolled conditions
 * under control; the places of those who died are freed. */
static void case_management_month(struct model *m)
{
    struct care *cr = &m->care;
    const struct policy_params *pp = &m->par.policy;
    double contacts = pp->cm_contacts_per_year / 12.0;
    /* Chance that a month's contacts control a condition. */
    double p_month = 1.0 - pow(1.0 - pp->cm_control_probability, contacts);
    uint32_t keep = 0;
    for (uint32_t i = 0; i < cr->cm_len; i++) {
        uint32_t id = cr->cm_list[i];
        struct person *p = &m->persons[id];
        if (!pop_alive(p))
            continue; /* care_on_death freed the place */
        cr->cm_list[keep++] = id;
        double amount = contacts * pp->cm_cost_per_contact;
        pop_add_cost(m, id, POP_OTHER, amount, 0.0);
        pay_community(m, amount);
        if (care_in_window(m))
            cr->tally.cm_contacts += contacts;
        unsigned unc = p->conds & ~p->controlled;
        if (!unc || (p->flags & POP_IN_HOSPITAL))
            continue;
        double u[DIS_COUNT];
        int n = __builtin_popcount(unc);
        pop_draw(m, id, n, u);
        unsigned gain = 0;
        int k = 0;
        for (unsigned cs = unc; cs; cs &= cs - 1, k++)
            if (u[k] < p_month)
                gain |= 1u << __builtin_ctz(cs);
        if (gain) {
            dis_change_begin(m, id);
            p->controlled |= (uint16_t)gain;
            dis_redraw(m, id);
        }
    }
    cr->cm_len = keep;
}

/* Costs per covered person-year, booked monthly: care pathways, self-management, HF
 * monitoring, and the shared record's cost per person. */
static void coverage_month(struct model *m)
{
    const struct policy_params *pp = &m->par.policy;
    int pathways = 0;
    for (int c = 0; c < DIS_COUNT; c++)
        pathways |= pp->pathway_coverage[c] > 0.0;
    if (!pathways && !(pp->selfman_coverage > 0.0) && !(pp->hf_monitoring_coverage > 0.0) &&
        !pp->shared_record)
        return;
    unsigned selfman_conds = 0;
    for (int c = 0; c < DIS_COUNT; c++)
        if (pp->selfman_exacerbation_hr[c] != 1.0)
            selfman_conds |= 1u << c;
    for (uint32_t id = 0; id < m->n_persons; id++) {
        const struct person *p = &m->persons[id];
        if (!pop_alive(p))
            continue;
        double year = 0.0;
        if (pp->shared_record)
            year += pp->record_cost_per_person_year;
        if (p->conds) {
            for (unsigned cs = p->conds; pathways && cs; cs &= cs - 1) {
                int c = __builtin_ctz(cs);
                if (pol_covered(m, p, POL_PATHWAY + (unsigned)c, pp->pathway_coverage[c])) {
                    year += pp->pathway_cost_per_patient_year;
                    break; /* one pathway fee per patient */
                }
            }
            if ((p->conds & selfman_conds) && pol_covered(m, p, POL_SELFMAN, pp->selfman_coverage))
                year += pp->selfman_cost_per_patient_year;
            if ((p->conds & (1u << DIS_HEART_FAILURE)) &&
                pol_covered(m, p, POL_HF_MONITORING, pp->hf_monitoring_coverage))
                year += pp->hf_monitoring_cost_per_year;
        }
        if (year > 0.0) {
            pop_add_cost(m, id, POP_OTHER, year / 12.0, 0.0);
            pay_community(m, year / 12.0);
        }
    }
}

int pol_month(struct model *m)
{
    if (m->care.cm_places)
        case_management_month(m);
    coverage_month(m);
    return m->ctx.failed;
}
