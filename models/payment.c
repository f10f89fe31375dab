/* models/payment.c — payment mechanisms, the ledger and the providers' decisions (see
 * payment.h). Touches only the model it is given.
 */
#include "models/payment.h"

#include <math.h>

#include "models/care.h"
#include "models/model.h"
#include "models/population.h"

/* ---- Decisions --------------------------------------------------------------------------- */

/* m* = 1 + (MR - C) / (altruism x k), within the bounds. */
static double best_multiplier(const struct behaviour_params *b, double altruism, double k,
                              double marginal_revenue, double own_cost)
{
    double m = altruism > 0.0 ? 1.0 + (marginal_revenue - own_cost) / (altruism * k)
                              : (marginal_revenue > own_cost ? b->max_multiplier
                                                             : b->min_multiplier);
    if (m < b->min_multiplier)
        m = b->min_multiplier;
    if (m > b->max_multiplier)
        m = b->max_multiplier;
    return m;
}

/* The fee part of a GP practice's payment per consultation: the whole fee, the blended
 * share of it, or nothing (capitation, salary). */
static double gp_fee(const struct payment_params *pp)
{
    return pp->gp_mechanism == PARAMS_GP_FFS       ? pp->gp_fee
           : pp->gp_mechanism == PARAMS_GP_BLENDED ? pp->gp_blend_fee_share * pp->gp_fee
                                                   : 0.0;
}

/* What a GP practice receives per consultation at the margin: the fee part of its payment
 * or the patient's copayment, whichever is larger (the payer tops the copayment up to the
 * fee). */
static double gp_marginal_revenue(const struct model_params *par)
{
    return fmax(gp_fee(&par->payment), par->costs.copay_gp);
}

/* Mean GP control probability over the conditions: the chance a review of an uncontrolled
 * condition earns a pay-for-performance bonus. */
static double mean_gp_control(const struct model_params *par)
{
    double s = 0.0;
    for (int c = 0; c < PARAMS_CONDITIONS; c++)
        s += par->disease.condition[c].gp_control_probability;
    return s / PARAMS_CONDITIONS;
}

void pay_decide(const struct model_params *par, struct pay_decisions *d)
{
    const struct payment_params *pp = &par->payment;
    const struct behaviour_params *b = &par->behaviour;
    const struct costs_params *cost = &par->costs;

    /* GP reviews: revenue per visit against the GP's own cost per visit (the unit cost);
     * a bonus for control adds to the value of reviewing uncontrolled patients. */
    double mr = gp_marginal_revenue(par);
    d->review[0] = best_multiplier(b, b->gp_altruism, b->gp_review_k, mr, cost->gp_visit);
    d->review[1] = best_multiplier(b, b->gp_altruism, b->gp_review_k,
                                   mr + pp->p4p_bonus * mean_gp_control(par), cost->gp_visit);
    /* Referral: the visits a referral takes over bring (MR - C) each; referring gives that
     * up. */
    d->referral = best_multiplier(b, b->gp_altruism, b->gp_referral_k,
                                  (cost->gp_visit - mr) * b->visits_per_referral, 0.0);
    /* Specialist follow-ups. */
    double smr = fmax(pp->specialist_mechanism == PARAMS_SPEC_FFS ? pp->specialist_fee : 0.0,
                      cost->copay_outpatient);
    d->followup = best_multiplier(b, b->specialist_altruism, b->specialist_followup_k, smr,
                                  cost->outpatient_visit);
    /* Length of stay: revenue per bed-day against the cost of a bed-day. */
    int hm = pp->hospital_mechanism;
    double day_mr = hm == PARAMS_HOSP_PER_DIEM ? pp->per_diem : 0.0;
    d->los = best_multiplier(b, b->hospital_altruism, b->hospital_los_k, day_mr,
                             cost->excess_bed_day);
    /* Admission from the ED: revenue per admission against the cost of the stay at the
     * mean emergency stay (the other-need stay stands for it) after the LOS decision. */
    double stay_days = par->hospital.other_los_days * d->los;
    double stay_cost = cost->excess_bed_day * stay_days;
    double postacute_cost = par->hospital.postacute_days * pp->postacute_fee_per_day;
    double adm_mr = hm == PARAMS_HOSP_PER_DIEM ? pp->per_diem * stay_days
                    : hm == PARAMS_HOSP_DRG    ? pp->drg_emergency
                    : hm == PARAMS_HOSP_BUNDLED
                        ? pp->bundle_price - par->hospital.postacute_share_75plus * postacute_cost
                        : 0.0;
    d->admission = best_multiplier(b, b->hospital_altruism, b->hospital_admission_k, adm_mr,
                                   stay_cost);
    /* Control effort at a visit: a condition brought under control earns the bonus for
     * about years_controlled years. */
    d->control = best_multiplier(b, b->gp_altruism, b->gp_control_k,
                                 pp->p4p_bonus * b->years_controlled, 0.0);
    /* Post-acute discharge: a cost to the hospital only inside a bundle. */
    d->postacute = best_multiplier(b, b->hospital_altruism, b->hospital_postacute_k, 0.0,
                                   hm == PARAMS_HOSP_BUNDLED ? postacute_cost : 0.0);
}

/* ---- Ledger ------------------------------------------------------------------------------ */

void pay_transfer(struct model *m, enum pay_party from, enum pay_party to,
                  enum pay_mechanism how, double amount)
{
    if (!care_in_window(m) || !(amount > 0.0) || !(amount < 1e15))
        return;
    m->ledger.cents[from][to][how] += llround(amount * 100.0);
}

/* A service of a provider paid `fee` (0 when not paid per service) with copayment copay:
 * the patient pays the copayment, the payer the rest of the fee. */
static void pay_service(struct model *m, enum pay_party to, enum pay_mechanism how, double fee,
                        double copay)
{
    pay_transfer(m, PAY_PATIENT, to, PAY_COPAY, copay);
    if (fee > copay)
        pay_transfer(m, PAY_PAYER, to, how, fee - copay);
}

void pay_gp_visit(struct model *m, double copay)
{
    pay_service(m, PAY_GP, PAY_FEE, gp_fee(&m->par.payment), copay);
}

void pay_specialist_visit(struct model *m, double copay)
{
    const struct payment_params *pp = &m->par.payment;
    double fee = pp->specialist_mechanism == PARAMS_SPEC_FFS ? pp->specialist_fee : 0.0;
    pay_service(m, PAY_SPECIALIST, PAY_FEE, fee, copay);
}

void pay_ed_attendance(struct model *m, double copay)
{
    const struct payment_params *pp = &m->par.payment;
    double fee = pp->hospital_mechanism == PARAMS_HOSP_GLOBAL_BUDGET ? 0.0 : pp->ed_fee;
    pay_service(m, PAY_HOSPITAL, PAY_FEE, fee, copay);
}

void pay_stay(struct model *m, int cond, int elective, double days)
{
    const struct payment_params *pp = &m->par.payment;
    switch (pp->hospital_mechanism) {
    case PARAMS_HOSP_PER_DIEM:
        pay_transfer(m, PAY_PAYER, PAY_HOSPITAL, PAY_PER_DIEM, pp->per_diem * ceil(days));
        break;
    case PARAMS_HOSP_BUNDLED:
        if (!elective)
            break; /* the episode was paid at its index admission (hospital.c) */
        /* Electives are paid per admission. */
        /* fall through */
    case PARAMS_HOSP_DRG: {
        double price = pp->drg_elective;
        if (!elective) {
            double mean = m->par.hospital.other_los_days;
            double los = cond < DIS_COUNT ? m->par.disease.condition[cond].los_days : mean;
            price = pp->drg_emergency * los / mean;
        }
        pay_transfer(m, PAY_PAYER, PAY_HOSPITAL, PAY_DRG, price);
        break;
    }
    default: /* global budget: paid monthly */
        break;
    }
}

void pay_postacute(struct model *m, double days, int in_bundle)
{
    double amount = m->par.payment.postacute_fee_per_day * days;
    if (in_bundle)
        pay_transfer(m, PAY_HOSPITAL, PAY_POSTACUTE, PAY_FEE, amount);
    else
        pay_transfer(m, PAY_PAYER, PAY_POSTACUTE, PAY_FEE, amount);
}

void pay_community(struct model *m, double amount)
{
    pay_transfer(m, PAY_PAYER, PAY_COMMUNITY, PAY_FEE, amount);
}

/* The pay-for-performance bonus of the past year: controlled chronic conditions of the
 * living, by practice. */
static void pay_p4p(struct model *m)
{
    double controlled = 0.0;
    for (uint32_t id = 0; id < m->n_persons; id++) {
        const struct person *p = &m->persons[id];
        if (pop_alive(p))
            controlled += __builtin_popcount(p->controlled);
    }
    pay_transfer(m, PAY_PAYER, PAY_GP, PAY_P4P, m->par.payment.p4p_bonus * controlled);
}

int pay_month(struct model *m, uint32_t month)
{
    const struct payment_params *pp = &m->par.payment;
    const struct care *cr = &m->care;
    if (pp->gp_mechanism == PARAMS_GP_CAPITATION || pp->gp_mechanism == PARAMS_GP_BLENDED) {
        double rate = pp->gp_capitation / 12.0;
        if (pp->gp_mechanism == PARAMS_GP_BLENDED)
            rate *= 1.0 - pp->gp_blend_fee_share;
        for (uint32_t k = 0; k < m->n_practices; k++)
            pay_transfer(m, PAY_PAYER, PAY_GP, PAY_CAPITATION,
                         rate * cr->practices[k].list_weight * cr->weight_norm);
    }
    if (pp->gp_mechanism == PARAMS_GP_SALARY)
        for (uint32_t k = 0; k < m->n_practices; k++)
            pay_transfer(m, PAY_PAYER, PAY_GP, PAY_SALARY,
                         pp->gp_salary_per_fte / 12.0 * cr->practices[k].clinicians);
    for (uint32_t h = 0; h < cr->n_hospitals; h++) {
        const struct care_hospital *ho = &cr->hospitals[h];
        if (pp->hospital_mechanism == PARAMS_HOSP_GLOBAL_BUDGET)
            pay_transfer(m, PAY_PAYER, PAY_HOSPITAL, PAY_GLOBAL_BUDGET,
                         pp->global_budget_per_1000 / 12.0 * ho->persons / 1000.0);
        if (pp->specialist_mechanism == PARAMS_SPEC_SALARY)
            for (int s = 0; s < PARAMS_SPECIALTIES; s++)
                pay_transfer(m, PAY_PAYER, PAY_SPECIALIST, PAY_SALARY,
                             pp->specialist_fee * pp->specialist_salary_use *
                                 ho->clinic_slots_per_day[s] * 260.0 / 12.0);
    }
    if (pp->p4p_bonus > 0.0 && month % 12 == 11)
        pay_p4p(m);
    return 0;
}

double pay_received(const struct model *m, enum pay_party to)
{
    int64_t c = 0;
    for (int f = 0; f < PAY_NPARTIES; f++)
        for (int h = 0; h < PAY_NMECHANISMS; h++)
            c += m->ledger.cents[f][to][h];
    return (double)c / 100.0;
}

double pay_paid(const struct model *m, enum pay_party from)
{
    int64_t c = 0;
    for (int t = 0; t < PAY_NPARTIES; t++)
        for (int h = 0; h < PAY_NMECHANISMS; h++)
            c += m->ledger.cents[from][t][h];
    return (double)c / 100.0;
}
