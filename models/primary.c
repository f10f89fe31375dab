/* models/primary.c — general practice: booking GP appointments in the registered
 * practice's book, and what a consultation does (treat, refer, send to the ED, set the
 * next review). See care.h for the pathway as a whole.
 * Touches only the model it is given.
 */
#include "models/care.h"

#include <math.h>

#include "models/model.h"
#include "models/payment.h"
#include "models/policy.h"
#include "models/population.h"

void care_set_review(struct model *m, uint32_t id)
{
    struct person *p = &m->persons[id];
    if (!p->conds) {
        p->review_day = INFINITY;
        return;
    }
    const struct practices_params *pp = &m->par.practices;
    int uncontrolled = (p->conds & ~p->controlled) != 0;
    double interval = uncontrolled ? pp->review_interval_uncontrolled_days
                                   : pp->review_interval_controlled_days;
    interval /= 1.0 + pp->review_multimorbidity_factor * (pop_ncond(p) - 1);
    interval /= m->decide.review[uncontrolled]; /* the GP's choice of frequency */
    p->review_day = (float)(m->ctx.now + interval);
}

int care_gp_request(struct model *m, uint32_t id, enum care_gp_reason why, int cond,
                    int urgent, double earliest)
{
    struct person *p = &m->persons[id];
    if ((p->flags & POP_IN_HOSPITAL) || p->gp_event != SIM_HANDLE_NONE)
        return 0; /* in hospital, or folded into the appointment already booked */
    struct care_practice *pr = &m->care.practices[p->practice];
    uint32_t slot;
    double t = care_books_book(m, &pr->books, earliest, urgent, &slot);
    if (t < 0.0)
        return 0; /* no slot within the horizon: the request goes unmet */
    /* Routine slots beyond the GPs' are nurse ones, then remote ones. */
    unsigned kind = slot == UINT32_MAX || slot < pr->gp_slots ? 0u
                    : slot < pr->gp_slots + pr->nurse_slots   ? CARE_SLOT_NURSE
                                                              : CARE_SLOT_REMOTE;
    double wait = t - m->ctx.now;
    if (urgent && why == CARE_GP_ACUTE &&
        wait > m->par.care_seeking.ed_if_gp_wait_days) {
        double u;
        pop_draw(m, id, 1, &u);
        if (u < m->par.care_seeking.ed_if_gp_wait_share)
            return care_ed_attend(m, id, cond); /* the slot stays booked: unused */
    }
    if (care_in_window(m)) {
        m->care.tally.gp_requests += 1.0;
        m->care.tally.gp_wait_days += wait;
    }
    p->gp_event = sim_schedule_at(&m->ctx, t, MODEL_EV_GP_VISIT,
                                  (uint16_t)((unsigned)why << 8 | kind << 4 | (unsigned)cond),
                                  id);
    return m->ctx.failed;
}

int care_gp_visit(struct model *m, uint32_t id, uint16_t aux)
{
    struct person *p = &m->persons[id];
    p->gp_event = SIM_HANDLE_NONE;
    const struct model_params *par = &m->par;
    enum care_gp_reason why = (enum care_gp_reason)(aux >> 8);
    unsigned kind = (aux >> 4) & 3u;
    int cond = aux & 0x0f;
    int in_window = care_in_window(m);
    if (in_window) {
        m->care.tally.gp_visits += 1.0;
        if (pop_ncond(p) >= 2)
            m->care.tally.gp_visits_mm2 += 1.0;
        m->care.tally.nurse_visits += kind == CARE_SLOT_NURSE;
        m->care.tally.remote_visits += kind == CARE_SLOT_REMOTE;
    }
    pop_count(m, id, POP_GP_VISITS);
    double unit = kind == CARE_SLOT_NURSE    ? par->policy.nurse_visit_cost
                  : kind == CARE_SLOT_REMOTE ? par->policy.tele_visit_cost
                                             : par->costs.gp_visit;
    double copay = fmin(par->costs.copay_gp, unit);
    pop_add_cost(m, id, POP_PRIMARY, unit, copay);
    pay_gp_visit(m, copay);

    /* Which conditions the consultation is about: all uncontrolled ones at a review, the
     * exacerbated one at an acute visit, the new one at a diagnosis. */
    unsigned about = 0;
    if (why == CARE_GP_REVIEW || why == CARE_GP_DISCHARGE)
        about = p->conds & ~p->controlled;
    else if ((why == CARE_GP_ACUTE || why == CARE_GP_DIAGNOSIS) && cond < DIS_COUNT)
        about = p->conds & (1u << cond);

    dis_change_begin(m, id);
    p->flags &= (uint8_t)~POP_UNMET;
    int refer = -1;
    for (unsigned cs = about; cs; cs &= cs - 1) {
        int c = __builtin_ctz(cs);
        const struct condition_params *cp = &par->disease.condition[c];
        double u[2];
        pop_draw(m, id, 2, u);
        double control = cp->gp_control_probability, referral = cp->referral_probability;
        if (pol_covered(m, p, POL_PATHWAY + (unsigned)c, par->policy.pathway_coverage[c])) {
            control *= 1.0 + par->policy.pathway_control_gain;
            referral *= 1.0 - par->policy.pathway_referral_reduction;
        }
        if (!(p->controlled & (1u << c)) && u[0] < control * m->decide.control)
            p->controlled |= (uint16_t)(1u << c);
        /* Still uncontrolled, or newly diagnosed: the GP may refer. */
        int candidate = !(p->controlled & (1u << c)) || why == CARE_GP_DIAGNOSIS;
        if (refer < 0 && candidate && u[1] < referral * m->decide.referral)
            refer = c;
    }
    care_set_review(m, id);
    dis_redraw(m, id);

    /* Remote consultations mostly meet new, minor demand: they neither refer other need
     * nor send people on to the ED (policy.h). */
    int remote = kind == CARE_SLOT_REMOTE;
    double u[2];
    pop_draw(m, id, 2, u);
    if (why == CARE_GP_OTHER && !remote &&
        u[0] < par->practices.other_referral_probability * m->decide.referral)
        refer = CARE_OTHER;
    if (refer >= 0) {
        if (in_window)
            m->care.tally.gp_referrals += 1.0;
        int urgent = refer == DIS_CANCER || why == CARE_GP_ACUTE;
        int rc = care_refer(m, id, refer, urgent);
        if (rc)
            return rc;
    }
    if ((why == CARE_GP_ACUTE || why == CARE_GP_OTHER) && !remote &&
        u[1] < par->practices.gp_to_ed_probability)
        return care_ed_attend(m, id, why == CARE_GP_ACUTE ? cond : CARE_OTHER);
    return 0;
}

int care_warm_gp(struct model *m, uint32_t id, int urgent, uint32_t day)
{
    struct person *p = &m->persons[id];
    struct care_practice *pr = &m->care.practices[p->practice];
    urgent = urgent && pr->books.has_urgent;
    struct sim_book *b = urgent ? &pr->books.urgent : &pr->books.routine;
    sim_booking h;
    uint32_t d, slot;
    int rc = sim_book_book(b, day, &h, &d, &slot, &m->ctx.err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return 1;
    /* Routine slots beyond the GPs' are nurse ones, then remote ones (care_gp_request). */
    unsigned kind = urgent || slot < pr->gp_slots                ? 0u
                    : slot < pr->gp_slots + pr->nurse_slots ? CARE_SLOT_NURSE
                                                            : CARE_SLOT_REMOTE;
    enum care_gp_reason why = !urgent && p->conds ? CARE_GP_REVIEW : CARE_GP_OTHER;
    p->gp_event = sim_schedule_at(&m->ctx, sim_book_slot_time(b, d, slot), MODEL_EV_GP_VISIT,
                                  (uint16_t)((unsigned)why << 8 | kind << 4 | CARE_OTHER), id);
    return m->ctx.failed;
}
