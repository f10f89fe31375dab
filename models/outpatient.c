/* models/outpatient.c — specialist clinics: referrals book the clinic of the condition's
 * specialty at the practice's hospital (urgent referrals the urgent slots); a visit
 * treats the condition, books follow-ups and lists elective admissions. The clinic's
 * waiting list is its book of future appointments, so waits emerge from capacity. See
 * care.h for the pathway as a whole. Touches only the model it is given.
 */
#include "models/care.h"

#include <math.h>

#include "models/model.h"
#include "models/payment.h"
#include "models/policy.h"
#include "models/population.h"

#define OP_FIRST 0x8000u /* aux of MODEL_EV_OP_VISIT: a first visit (else a follow-up) */
#define OP_SELF 0x10u    /* aux: a self-referral (copayment under soft gatekeeping) */

/* Books a visit to specialty s for person id at or after `earliest`; aux as for the
 * event. Returns the wait in days, or a negative value when nothing was booked. */
static double book_visit(struct model *m, uint32_t id, int s, int urgent, double earliest,
                         uint16_t aux)
{
    struct person *p = &m->persons[id];
    if (p->op_event != SIM_HANDLE_NONE || (p->flags & POP_IN_HOSPITAL))
        return -1.0;
    uint32_t h = m->care.practices[p->practice].hospital;
    double t = care_books_book(m, &m->care.hospitals[h].clinic[s], earliest, urgent, NULL);
    if (t < 0.0)
        return -1.0;
    p->op_event = sim_schedule_at(&m->ctx, t, MODEL_EV_OP_VISIT, aux, id);
    return t - m->ctx.now;
}

static int specialty_of(const struct model *m, int cond)
{
    return cond < DIS_COUNT ? m->par.disease.condition[cond].specialty : PARAMS_GENERAL_MEDICINE;
}

int care_refer(struct model *m, uint32_t id, int cond, int urgent)
{
    int s = specialty_of(m, cond);
    double wait = book_visit(m, id, s, urgent, m->ctx.now,
                             (uint16_t)(OP_FIRST | (unsigned)s << 8 | (unsigned)cond));
    if (wait >= 0.0 && care_in_window(m)) {
        m->care.tally.op_referrals += 1.0;
        m->care.tally.op_wait_days += wait;
    }
    return m->ctx.failed;
}

int care_self_refer(struct model *m, uint32_t id, int cond)
{
    int s = specialty_of(m, cond);
    double wait = book_visit(m, id, s, 0, m->ctx.now,
                             (uint16_t)(OP_FIRST | OP_SELF | (unsigned)s << 8 | (unsigned)cond));
    if (wait < 0.0) /* an appointment is pending, or none free: the GP instead */
        return care_gp_request(m, id, cond == CARE_OTHER ? CARE_GP_OTHER : CARE_GP_ACUTE, cond,
                               cond != CARE_OTHER, m->ctx.now);
    if (care_in_window(m)) {
        m->care.tally.self_referrals += 1.0;
        m->care.tally.op_referrals += 1.0;
        m->care.tally.op_wait_days += wait;
    }
    return m->ctx.failed;
}

int care_op_visit(struct model *m, uint32_t id, uint16_t aux)
{
    struct person *p = &m->persons[id];
    p->op_event = SIM_HANDLE_NONE;
    const struct model_params *par = &m->par;
    int first = (aux & OP_FIRST) != 0, s = (aux >> 8) & 0x7f, cond = aux & 0x0f;
    if (care_in_window(m)) {
        m->care.tally.op_visits += 1.0;
        if (first)
            m->care.tally.op_first += 1.0;
    }
    pop_count(m, id, POP_OUTPATIENT_VISITS);
    double copay = par->costs.copay_outpatient;
    if ((aux & OP_SELF) && par->policy.gatekeeping == PARAMS_GATE_SOFT)
        copay += par->policy.self_referral_copay;
    copay = fmin(copay, par->costs.outpatient_visit);
    pop_add_cost(m, id, POP_OUTPATIENT, par->costs.outpatient_visit, copay);
    pay_specialist_visit(m, copay);
    double u[3];
    pop_draw(m, id, 3, u);
    if (cond < DIS_COUNT && (p->conds & ~p->controlled & (1u << cond)) &&
        u[0] < par->outpatient.control_probability) {
        dis_change_begin(m, id);
        p->controlled |= (uint16_t)(1u << cond);
        care_set_review(m, id);
        dis_redraw(m, id);
    }
    if (first) {
        double list = cond < DIS_COUNT ? par->disease.condition[cond].elective_probability
                                       : par->outpatient.other_elective_probability;
        if (u[1] < list) {
            int rc = care_list_elective(m, id, cond);
            if (rc)
                return rc;
        }
    }
    double followup = par->outpatient.followup_probability * m->decide.followup;
    if (par->policy.shared_record)
        followup *= 1.0 - par->policy.record_followup_reduction;
    if (u[2] < followup)
        book_visit(m, id, s, 0, m->ctx.now + par->outpatient.followup_interval_days,
                   (uint16_t)((unsigned)s << 8 | (unsigned)cond));
    return m->ctx.failed;
}

int care_warm_clinic(struct model *m, uint32_t id, int s, int cond, int urgent, uint32_t day)
{
    struct person *p = &m->persons[id];
    struct care_books *books =
        &m->care.hospitals[m->care.practices[p->practice].hospital].clinic[s];
    urgent = urgent && books->has_urgent;
    struct sim_book *b = urgent ? &books->urgent : &books->routine;
    sim_booking h;
    uint32_t d, slot;
    int rc = sim_book_book(b, day, &h, &d, &slot, &m->ctx.err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return 1;
    /* A follow-up (no OP_FIRST): the listing a first visit may make is in the warm state's
     * elective lists already. */
    p->op_event = sim_schedule_at(&m->ctx, sim_book_slot_time(b, d, slot), MODEL_EV_OP_VISIT,
                                  (uint16_t)((unsigned)s << 8 | (unsigned)cond), id);
    return m->ctx.failed;
}
