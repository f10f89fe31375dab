/* models/hospital.c — the emergency department and the acute hospital: ED attendances,
 * emergency admissions into the bed pool (boarding in the ED when it is full, shorter
 * stays under pressure), the elective list admitted each morning when beds allow
 * (cancelled when none is free), discharge home or to post-acute care, the post-discharge
 * window and 30-day readmissions, and what a death does to appointments and stays. See
 * care.h for the pathway as a whole. Touches only the model it is given.
 */
#include "models/care.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>

#include "models/model.h"
#include "models/payment.h"
#include "models/policy.h"
#include "models/population.h"

static struct care_hospital *hospital_of(struct model *m, uint32_t id)
{
    return &m->care.hospitals[m->care.practices[m->persons[id].practice].hospital];
}

/* Cancels the person's pending appointments (their slots go unused). */
static void cancel_appointments(struct model *m, uint32_t id)
{
    struct person *p = &m->persons[id];
    int missed = sim_cancel(&m->ctx, p->gp_event) + sim_cancel(&m->ctx, p->op_event);
    p->gp_event = SIM_HANDLE_NONE;
    p->op_event = SIM_HANDLE_NONE;
    if (care_in_window(m))
        m->care.tally.gp_missed += missed;
}

/* A bed has been found for person id (admitted at once or after boarding): the length of
 * the stay, shortened under pressure, and its discharge. */
static int start_stay(struct model *m, struct care_hospital *ho, uint32_t id)
{
    struct person *p = &m->persons[id];
    const struct hospital_params *hp = &m->par.hospital;
    int cond = p->stay & POP_STAY_COND, elective = (p->stay & POP_STAY_ELECTIVE) != 0;
    double mean = elective ? hp->elective_los_days
                  : cond < DIS_COUNT ? m->par.disease.condition[cond].los_days
                                     : hp->other_los_days;
    double u;
    pop_draw(m, id, 1, &u);
    double los = gsl_cdf_gamma_Pinv(u, hp->los_shape, mean / hp->los_shape) * m->decide.los;
    /* At home (hospital at home) no bed is taken and there is no bed pressure. */
    int pressured = ho && (double)ho->beds.q.busy / (double)ho->nbeds >= hp->pressure_occupancy;
    if (pressured)
        los *= hp->pressure_los_factor;
    if (!(los > 1.0 / 24.0))
        los = 1.0 / 24.0; /* at least an hour */
    p->discharge_day = (float)m->ctx.now; /* start of the stay, until discharge */
    p->gp_event = sim_schedule(&m->ctx, los, MODEL_EV_DISCHARGE, (uint16_t)pressured, id);
    return m->ctx.failed;
}

/* Admits person id (stay already set) into their hospital: a bed now, or boarding; or, for
 * hospital at home, a stay at home. */
static int admit(struct model *m, uint32_t id)
{
    struct person *p = &m->persons[id];
    struct care_hospital *ho = hospital_of(m, id);
    cancel_appointments(m, id);
    dis_advance(m, id);
    dis_change_begin(m, id);
    p->flags |= POP_IN_HOSPITAL;
    if (!(p->stay & POP_STAY_ELECTIVE))
        p->mort_acute = (float)(m->par.hospital.admission_mortality_hr *
                                ((p->stay & POP_STAY_HOME) ? m->par.policy.hah_mortality_hr : 1.0));
    dis_redraw(m, id);
    if (p->stay & POP_STAY_HOME)
        return start_stay(m, NULL, id);
    int got;
    if (sim_beds_admit(&ho->beds, m->ctx.now, id, &got, &m->ctx.err) != 0)
        return SIM_ESTATE;
    if (got == SIM_BEDS_ADMITTED)
        return start_stay(m, ho, id);
    if (care_in_window(m))
        m->care.tally.boarded += 1.0;
    return 0; /* boarding: a discharge will give them a bed */
}

/* Bundled payment: an emergency admission opens an episode paid once, at admission, unless
 * it is a readmission inside the open episode of the last stay. */
static void open_bundle(struct model *m, struct person *p)
{
    const struct payment_params *pp = &m->par.payment;
    if (pp->hospital_mechanism != PARAMS_HOSP_BUNDLED)
        return;
    int inside = (p->stay & POP_STAY_BUNDLED) &&
                 m->ctx.now - (double)p->discharge_day <= pp->bundle_days;
    if (!inside)
        pay_transfer(m, PAY_PAYER, PAY_HOSPITAL, PAY_BUNDLE, pp->bundle_price);
}

/* Emergency admissions that hospital at home may treat: COPD, heart failure, other need. */
static int home_eligible(int cond)
{
    return cond == DIS_COPD || cond == DIS_HEART_FAILURE || cond == CARE_OTHER;
}

static int admit_emergency(struct model *m, uint32_t id, int cond)
{
    struct person *p = &m->persons[id];
    pop_qaly_loss(m, id, m->par.utility.admission_qaly_loss); /* the acute episode */
    double h;
    pop_draw(m, id, 1, &h);
    if (home_eligible(cond) && h < m->par.policy.hah_share) {
        if (care_in_window(m))
            m->care.tally.home_stays += 1.0;
        open_bundle(m, p);
        p->stay = (uint8_t)(cond | POP_STAY_HOME | POP_STAY_BUNDLED);
        return admit(m, id);
    }
    if (care_in_window(m)) {
        struct care_tally *t = &m->care.tally;
        t->admissions_emergency += 1.0;
        if (cond < DIS_COUNT && m->par.disease.condition[cond].acsc)
            t->admissions_avoidable += 1.0;
        /* A readmission follows a hospital discharge (not hospital at home). */
        if (m->ctx.now - (double)p->discharge_day <= m->par.hospital.post_discharge_days &&
            !(p->stay & POP_STAY_HOME))
            t->readmissions_30d += 1.0;
    }
    pop_count(m, id, POP_ADMISSIONS);
    if (cond < DIS_COUNT) {
        /* An admission for an exacerbation may leave the condition worse. */
        double u;
        pop_draw(m, id, 1, &u);
        int level = pop_severity(p, cond);
        if (u < m->par.hospital.progression_probability && level < 4) {
            dis_advance(m, id);
            dis_change_begin(m, id);
            p->severity += 1u << (2 * cond);
            dis_redraw(m, id);
        }
    }
    open_bundle(m, p);
    p->stay = (uint8_t)(cond | POP_STAY_BUNDLED);
    return admit(m, id);
}

/* An ED attendance admitted with probability admit_p. */
static int ed_attend(struct model *m, uint32_t id, int cond, double admit_p)
{
    struct person *p = &m->persons[id];
    if (p->flags & POP_IN_HOSPITAL)
        return 0;
    const struct model_params *par = &m->par;
    if (care_in_window(m))
        m->care.tally.ed_visits += 1.0;
    pop_count(m, id, POP_ED_VISITS);
    double copay = fmin(par->costs.copay_ed, par->costs.ed_attendance);
    pop_add_cost(m, id, POP_ED, par->costs.ed_attendance, copay);
    pay_ed_attendance(m, copay);
    double u[2];
    pop_draw(m, id, 2, u);
    if (u[0] < admit_p * m->decide.admission) /* the hospital's admission decision */
        return admit_emergency(m, id, cond);
    /* Home from the ED: a GP review may follow. */
    if (cond < DIS_COUNT && u[1] < par->hospital.discharge_gp_followup_probability)
        return care_gp_request(m, id, CARE_GP_DISCHARGE, cond, 0,
                               m->ctx.now + par->hospital.discharge_gp_followup_days);
    return 0;
}

int care_ed_attend(struct model *m, uint32_t id, int cond)
{
    const struct hospital_params *hp = &m->par.hospital;
    return ed_attend(m, id, cond,
                     cond < DIS_COUNT ? hp->ed_admit_probability : hp->ed_admit_probability_other);
}

int care_relapse(struct model *m, uint32_t id)
{
    if (care_in_window(m))
        m->care.tally.relapses += 1.0;
    int stay = m->persons[id].stay & POP_STAY_COND;
    return ed_attend(m, id, stay, m->par.hospital.relapse_admit_probability);
}

/* Books what a stay of person id that ends now cost, `los` days long, and what the payer
 * pays for it. */
static void cost_stay(struct model *m, uint32_t id, double los)
{
    const struct costs_params *cp = &m->par.costs;
    uint8_t stay = m->persons[id].stay;
    int cond = stay & POP_STAY_COND;
    if (stay & POP_STAY_HOME) {
        double amount = m->par.policy.hah_cost_per_day * ceil(los);
        pop_add_cost(m, id, POP_INPATIENT, amount, 0.0);
        if (m->par.payment.hospital_mechanism != PARAMS_HOSP_BUNDLED &&
            m->par.payment.hospital_mechanism != PARAMS_HOSP_GLOBAL_BUDGET)
            pay_transfer(m, PAY_PAYER, PAY_HOSPITAL, PAY_FEE, amount);
        return;
    }
    pay_stay(m, cond, (stay & POP_STAY_ELECTIVE) != 0, los);
    if (stay & POP_STAY_ELECTIVE) {
        pop_add_cost(m, id, POP_INPATIENT, cp->elective_spell, 0.0);
        return;
    }
    double excess = los > cp->trim_days ? ceil(los - cp->trim_days) : 0.0;
    pop_add_cost(m, id, POP_INPATIENT, cp->nonelective_spell + excess * cp->excess_bed_day,
                 0.0);
}

/* A bed of hospital ho is given up now: the longest-boarding patient takes it. */
static int free_bed(struct model *m, struct care_hospital *ho)
{
    uint32_t next;
    int started;
    if (sim_queue_depart(&ho->beds.q, m->ctx.now, &next, &started, &m->ctx.err) != 0)
        return SIM_ESTATE;
    if (!started)
        return 0;
    if (care_in_window(m))
        m->care.tally.boarding_days += ho->beds.q.last_wait_days;
    return start_stay(m, ho, next);
}

int care_discharge(struct model *m, uint32_t id, uint16_t aux)
{
    struct person *p = &m->persons[id];
    const struct hospital_params *hp = &m->par.hospital;
    p->gp_event = SIM_HANDLE_NONE;
    double now = m->ctx.now, los = now - (double)p->discharge_day;
    cost_stay(m, id, los);
    int in_window = care_in_window(m), home = (p->stay & POP_STAY_HOME) != 0;
    int emergency = !(p->stay & POP_STAY_ELECTIVE);
    if (in_window && !home) {
        m->care.tally.discharges += 1.0;
        m->care.tally.discharges_alive += 1.0;
        m->care.tally.bed_days += los;
    }
    double u[3];
    pop_draw(m, id, 3, u);
    double share = pop_age(p, now) >= 75.0 ? hp->postacute_share_75plus
                                            : hp->postacute_share_under_75;
    if (!home && u[0] < share * m->decide.postacute) { /* the hospital's decision */
        if (in_window)
            m->care.tally.postacute += 1.0;
        pop_add_cost(m, id, POP_POSTACUTE, hp->postacute_days * m->par.costs.postacute_day,
                     0.0);
        pay_postacute(m, hp->postacute_days,
                      m->par.payment.hospital_mechanism == PARAMS_HOSP_BUNDLED &&
                          (p->stay & POP_STAY_BUNDLED) && emergency);
    }
    p->stay &= (uint8_t)~POP_STAY_TRANSITIONAL;
    if (emergency && u[2] < m->par.policy.tc_coverage) {
        /* Transitional care: a few nurse contacts after discharge. */
        p->stay |= POP_STAY_TRANSITIONAL;
        if (in_window)
            m->care.tally.transitional += 1.0;
        pop_add_cost(m, id, POP_POSTACUTE, m->par.policy.tc_cost_per_discharge, 0.0);
        pay_community(m, m->par.policy.tc_cost_per_discharge);
    }
    dis_advance(m, id);
    dis_change_begin(m, id);
    p->flags &= (uint8_t)~(POP_IN_HOSPITAL | POP_PRESSURED);
    if (aux & 1u)
        p->flags |= POP_PRESSURED;
    p->discharge_day = (float)now;
    p->mort_acute = 1.0f;
    care_set_review(m, id);
    dis_redraw(m, id);
    int rc = home ? 0 : free_bed(m, hospital_of(m, id));
    if (!rc && emergency)
        rc = pol_on_discharge(m, id);
    if (rc)
        return rc;
    if (u[1] < hp->discharge_gp_followup_probability)
        return care_gp_request(m, id, CARE_GP_DISCHARGE, CARE_OTHER, 0,
                               now + hp->discharge_gp_followup_days);
    return 0;
}

int care_set_beds(struct model *m, uint32_t h, uint32_t beds)
{
    struct care_hospital *ho = &m->care.hospitals[h];
    if (beds == ho->nbeds)
        return 0;
    uint32_t more = beds > ho->nbeds ? beds - ho->nbeds : 0;
    uint32_t *admitted = more ? malloc((size_t)more * sizeof *admitted) : NULL;
    if (more && !admitted)
        return sim_err_set(&m->ctx.err, SIM_ENOMEM, "care: out of memory changing beds");
    size_t n = 0;
    int rc = sim_beds_set_capacity(&ho->beds, m->ctx.now, beds, admitted, more, &n, &m->ctx.err);
    ho->nbeds = beds;
    /* Patients boarding take the new beds at once (their waits are not added to
     * boarding_days: the queue does not report them). */
    for (size_t i = 0; !rc && i < n; i++)
        rc = start_stay(m, ho, admitted[i]);
    free(admitted);
    return rc;
}

/* ---- Electives ------------------------------------------------------------------------- */

int care_list_elective(struct model *m, uint32_t id, int cond)
{
    return care_list_elective_on(m, id, cond, m->ctx.now);
}

int care_list_elective_on(struct model *m, uint32_t id, int cond, double day)
{
    struct person *p = &m->persons[id];
    if (p->flags & POP_LISTED)
        return 0;
    struct care_hospital *ho = hospital_of(m, id);
    if (ho->list_len == ho->list_cap) {
        uint32_t cap = ho->list_cap ? 2 * ho->list_cap : 256;
        struct care_listing *nl = malloc((size_t)cap * sizeof *nl);
        if (!nl)
            return sim_err_set(&m->ctx.err, SIM_ENOMEM, "care: out of memory for a waiting list");
        for (uint32_t i = 0; i < ho->list_len; i++)
            nl[i] = ho->list[(ho->list_head + i) % ho->list_cap];
        free(ho->list);
        ho->list = nl;
        ho->list_cap = cap;
        ho->list_head = 0;
    }
    ho->list[(ho->list_head + ho->list_len) % ho->list_cap] =
        (struct care_listing){.person = id, .day = (float)day, .cond = (uint8_t)cond};
    ho->list_len++;
    ho->listed++;
    p->flags |= POP_LISTED;
    return 0;
}

/* Drops entries of persons no longer listed (died) from the head of the list. */
#define LIST_TAKEN CARE_LIST_TAKEN /* an entry admitted from mid-list */
#define LIST_SCAN 64          /* entries a morning looks past patients in an emergency stay */

static void skip_unlisted(struct model *m, struct care_hospital *ho)
{
    while (ho->list_len && (ho->list[ho->list_head].person == LIST_TAKEN ||
                            !(m->persons[ho->list[ho->list_head].person].flags & POP_LISTED))) {
        ho->list_head = (ho->list_head + 1) % ho->list_cap;
        ho->list_len--;
    }
}

int care_hospital_day(struct model *m, uint32_t h)
{
    struct care_hospital *ho = &m->care.hospitals[h];
    const struct hospital_params *hp = &m->par.hospital;
    ho->elective_carry += ho->electives_per_day;
    int due = (int)ho->elective_carry;
    ho->elective_carry -= due;
    uint32_t reserve = (uint32_t)ceil(hp->elective_bed_buffer * ho->nbeds);
    skip_unlisted(m, ho);
    /* First come, first served; a patient in an emergency stay keeps their place and the
     * next one is taken (looking at most LIST_SCAN entries down the list). */
    for (uint32_t i = 0; due > 0 && i < ho->list_len && i < LIST_SCAN; i++) {
        struct care_listing *slot = &ho->list[(ho->list_head + i) % ho->list_cap];
        if (slot->person == LIST_TAKEN || !(m->persons[slot->person].flags & POP_LISTED))
            continue;
        struct care_listing e = *slot;
        struct person *p = &m->persons[e.person];
        if (p->flags & POP_IN_HOSPITAL)
            continue;
        const struct sim_queue *q = &ho->beds.q;
        if (q->waiting > 0 || q->busy + reserve >= ho->nbeds) {
            /* No bed to spare: today's remaining electives are cancelled. */
            if (care_in_window(m))
                m->care.tally.elective_cancelled += due;
            break;
        }
        due--;
        slot->person = LIST_TAKEN;
        ho->listed--;
        p->flags &= (uint8_t)~POP_LISTED;
        if (care_in_window(m)) {
            m->care.tally.admissions_elective += 1.0;
            m->care.tally.elective_wait_days += m->ctx.now - (double)e.day;
        }
        pop_count(m, e.person, POP_ADMISSIONS);
        p->stay = (uint8_t)(e.cond | POP_STAY_ELECTIVE);
        int rc = admit(m, e.person);
        if (rc)
            return rc;
    }
    skip_unlisted(m, ho);
    if (sim_schedule(&m->ctx, 1.0, MODEL_EV_HOSPITAL_DAY, 0, h) == SIM_HANDLE_NONE)
        return m->ctx.failed;
    return 0;
}

/* ---- Warm start ------------------------------------------------------------------------- */

int care_warm_admit(struct model *m, uint32_t id, int cond, double elapsed, double residual)
{
    struct person *p = &m->persons[id];
    struct care_hospital *ho = hospital_of(m, id);
    p->stay = (uint8_t)cond;
    /* As admit(): brought up to date, then in hospital with the acute mortality ratio. */
    dis_advance(m, id);
    dis_change_begin(m, id);
    p->flags |= POP_IN_HOSPITAL;
    p->mort_acute = (float)m->par.hospital.admission_mortality_hr;
    dis_redraw(m, id);
    int got;
    if (sim_beds_admit(&ho->beds, m->ctx.now, id, &got, &m->ctx.err) != 0)
        return SIM_ESTATE;
    if (got != SIM_BEDS_ADMITTED)
        return 0; /* boarding: a discharge will give them a bed */
    if (!(residual > 1.0 / 24.0))
        residual = 1.0 / 24.0; /* at least an hour, as any stay */
    /* The stay's start, so that its cost at discharge covers the whole length. */
    p->discharge_day = (float)(m->ctx.now - elapsed);
    p->gp_event = sim_schedule(&m->ctx, residual, MODEL_EV_DISCHARGE, 0, id);
    return m->ctx.failed;
}

void care_warm_discharged(struct model *m, uint32_t id, int cond, double day)
{
    struct person *p = &m->persons[id];
    dis_change_begin(m, id);
    p->stay = (uint8_t)cond;
    p->discharge_day = (float)day;
    dis_redraw(m, id);
}

/* ---- Death ---------------------------------------------------------------------------- */

void care_on_death(struct model *m, uint32_t id)
{
    struct person *p = &m->persons[id];
    struct care_practice *pr = &m->care.practices[p->practice];
    pr->list_weight -= 1.0 + m->par.payment.gp_capitation_risk_weight * pop_ncond(p);
    if (p->flags & POP_CASE_MANAGED) {
        p->flags &= (uint8_t)~POP_CASE_MANAGED;
        m->care.cm_enrolled--;
    }
    if ((p->flags & POP_IN_HOSPITAL) && (p->stay & POP_STAY_HOME)) {
        /* Died during hospital at home: no bed to free. */
        sim_cancel(&m->ctx, p->gp_event);
        p->gp_event = SIM_HANDLE_NONE;
        cost_stay(m, id, m->ctx.now - (double)p->discharge_day);
        p->flags &= (uint8_t)~POP_IN_HOSPITAL;
    }
    if (p->flags & POP_IN_HOSPITAL) {
        struct care_hospital *ho = hospital_of(m, id);
        double now = m->ctx.now;
        if (care_in_window(m))
            m->care.tally.deaths_in_hospital += 1.0;
        if (sim_queue_remove(&ho->beds.q, now, id, NULL) != 1) {
            /* In a bed: the stay ends here. */
            sim_cancel(&m->ctx, p->gp_event);
            p->gp_event = SIM_HANDLE_NONE;
            cost_stay(m, id, now - (double)p->discharge_day);
            if (care_in_window(m)) {
                m->care.tally.discharges += 1.0;
                m->care.tally.bed_days += now - (double)p->discharge_day;
            }
            if (free_bed(m, ho) != 0 && !m->ctx.failed)
                m->ctx.failed = SIM_ESTATE;
        }
        p->flags &= (uint8_t)~POP_IN_HOSPITAL;
    }
    cancel_appointments(m, id);
    if (p->flags & POP_LISTED) {
        p->flags &= (uint8_t)~POP_LISTED;
        hospital_of(m, id)->listed--;
    }
    p->review_day = INFINITY;
}
