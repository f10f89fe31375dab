/* models/care.c — the care pathway's set-up and its front door: the providers of a
 * replication, and what a person does when need arises (self-care, forgo, GP, ED). The
 * providers' own work is in primary.c, outpatient.c and hospital.c (see care.h).
 * Touches only the model it is given.
 */
#include "models/care.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"
#include "models/payment.h"
#include "models/policy.h"
#include "models/population.h"

#define WORKING_DAYS_PER_YEAR (52.0 * 5.0) /* clinics and practices open Monday-Friday */
#define BOOK_OPEN 0.33                     /* first slot at about 08:00 */
#define BOOK_HORIZON_DAYS 3660u            /* bookings may go up to ten years ahead */
#define MONTH_DAYS (365.25 / 12.0)         /* a month of periodic payments, days */

int care_in_window(const struct model *m)
{
    return m->ctx.now >= m->warmup_end_day && m->ctx.now <= m->end_day;
}

/* ---- Appointment books ------------------------------------------------------------------ */

static int book_init(struct sim_book *b, uint32_t slots, struct sim_err *err)
{
    struct sim_book_cfg cfg = {
        .slots = {slots, slots, slots, slots, slots, 0, 0},
        .day0_weekday = 0,
        .open_frac = BOOK_OPEN,
        /* Slots of equal length over a ten-hour day, however many there are. */
        .slot_days = slots ? (10.0 / 24.0) / slots : 0.01,
        .start_day = 0,
        .max_horizon_days = BOOK_HORIZON_DAYS,
    };
    return sim_book_init(b, &cfg, err);
}

/* How many of `slots` a day are urgent at share `share` (rounded; one routine slot stays). */
static uint32_t urgent_part(uint32_t slots, double share)
{
    uint32_t urgent = (uint32_t)lround(slots * share);
    return urgent >= slots ? (slots ? slots - 1 : 0) : urgent;
}

/* A capacity of x a day, rounded, at least 1 (a provider exists). */
static uint32_t at_least_one(double x) { return x < 1.0 ? 1u : (uint32_t)lround(x); }

/* GP capacity of practice pr with `clinicians` GPs per full list of `list` persons, `per_gp`
 * slots a GP, `nurses` nurse slots per full list and remote slots at `tele` x the GP slots:
 * sets pr->clinicians and pr->nurse_slots; *slots gets the GP slots a day, *remote the
 * remote ones. A practice smaller than a full list has proportionally fewer of each. */
static void practice_capacity(struct care_practice *pr, double list, double clinicians,
                              double per_gp, double nurses, double tele, uint32_t *slots,
                              uint32_t *remote)
{
    double scale = pr->persons / list;
    pr->clinicians = clinicians * scale;
    *slots = at_least_one(pr->clinicians * per_gp);
    pr->nurse_slots = (uint32_t)lround(nurses * scale);
    *remote = (uint32_t)lround(tele * *slots);
}

int care_books_init(struct care_books *b, uint32_t slots, double urgent_share, uint32_t extra,
                    struct sim_err *err)
{
    memset(b, 0, sizeof *b);
    if (slots + (uint64_t)extra > SIM_BOOK_MAX_SLOTS)
        return sim_err_set(err, SIM_EINVAL, "care: %llu slots a day is more than one book "
                                            "holds (%u)",
                           (unsigned long long)slots + extra, SIM_BOOK_MAX_SLOTS);
    uint32_t urgent = urgent_part(slots, urgent_share);
    int rc = book_init(&b->routine, slots - urgent + extra, err);
    if (rc)
        return rc;
    b->has_urgent = urgent > 0;
    if (b->has_urgent && (rc = book_init(&b->urgent, urgent, err)) != 0) {
        sim_book_fini(&b->routine);
        b->has_urgent = 0;
        return rc;
    }
    return 0;
}

void care_books_fini(struct care_books *b)
{
    sim_book_fini(&b->routine);
    if (b->has_urgent)
        sim_book_fini(&b->urgent);
    memset(b, 0, sizeof *b);
}

/* book_one's answer when a book did not give a slot (rc 0: none free; rc < 0: out of
 * memory, and then the run is marked failed so the engine stops it, since an unmet request
 * would change the results silently). */
static double no_slot(struct model *m, int rc)
{
    if (rc < 0 && !m->ctx.failed)
        m->ctx.failed = rc;
    return -1.0;
}

/* Books the earliest slot of one book at a time >= earliest; its time, or -1 (none within
 * the horizon, or out of memory: then m->ctx.failed is set). */
static double book_one(struct model *m, struct sim_book *b, double earliest, sim_booking *out,
                       uint32_t *slot_out)
{
    uint32_t today = sim_book_day_of(m->ctx.now), first = sim_book_day_of(earliest);
    int rc = today > b->today ? sim_book_advance(b, today, &m->ctx.err) : 0;
    if (rc != 0)
        return no_slot(m, rc);
    uint32_t day, slot;
    if ((rc = sim_book_book(b, first, out, &day, &slot, &m->ctx.err)) != 1)
        return no_slot(m, rc);
    double t = sim_book_slot_time(b, day, slot);
    if (t < earliest) {
        /* That day's slot has gone by: give it back and take the first from the next day. */
        sim_book_cancel(b, *out);
        if ((rc = sim_book_book(b, day + 1, out, &day, &slot, &m->ctx.err)) != 1)
            return no_slot(m, rc);
        t = sim_book_slot_time(b, day, slot);
    }
    *slot_out = slot;
    return t;
}

double care_books_book(struct model *m, struct care_books *b, double earliest, int urgent,
                       uint32_t *routine_slot)
{
    uint32_t su = 0, sr = 0, dummy;
    if (!routine_slot)
        routine_slot = &dummy;
    *routine_slot = UINT32_MAX;
    if (earliest < m->ctx.now)
        earliest = m->ctx.now;
    sim_booking hr = SIM_BOOKING_NONE, hu = SIM_BOOKING_NONE;
    double tr = -1.0, tu = -1.0;
    if (urgent && b->has_urgent) {
        tu = book_one(m, &b->urgent, earliest, &hu, &su);
        /* A same-day or next-day urgent slot is as good as it gets. */
        if (tu >= 0.0 && tu < floor(earliest) + 2.0)
            return tu;
    }
    tr = book_one(m, &b->routine, earliest, &hr, &sr);
    if (tu >= 0.0 && (tr < 0.0 || tu <= tr)) {
        if (tr >= 0.0)
            sim_book_cancel(&b->routine, hr);
        return tu;
    }
    if (tu >= 0.0)
        sim_book_cancel(&b->urgent, hu);
    if (tr >= 0.0)
        *routine_slot = sr;
    return tr;
}

/* ---- Set-up ---------------------------------------------------------------------------- */

int care_check_params(const struct model_params *par, struct sim_err *err)
{
    const struct care_seeking_params *cs = &par->care_seeking;
    if (cs->other_self_care_share + cs->other_ed_share > 1.0 + 1e-12)
        return sim_err_set(err, SIM_EINVAL,
                           "care_seeking.other_self_care_share + care_seeking.other_ed_share: "
                           "must not exceed 1 (got %g + %g)",
                           cs->other_self_care_share, cs->other_ed_share);
    for (int c = 0; c < PARAMS_CONDITIONS; c++) {
        const struct condition_params *cp = &par->disease.condition[c];
        if (cp->severe_share + cp->self_care_share > 1.0 + 1e-12)
            return sim_err_set(err, SIM_EINVAL,
                               "disease.%s.severe_share + disease.%s.self_care_share: must "
                               "not exceed 1 (got %g + %g)",
                               params_condition_names[c], params_condition_names[c],
                               cp->severe_share, cp->self_care_share);
    }
    if (par->hospital.catchment < 1 || par->practices.slots_per_clinician_day < 1)
        return sim_err_set(err, SIM_EINVAL, "hospital.catchment and "
                                            "practices.slots_per_clinician_day must be >= 1");
    return 0;
}

void care_factors_init(struct model *m)
{
    struct care_factors *f = &m->care.f;
    const struct care_seeking_params *cs = &m->par.care_seeking;
    for (int k = 0; k < PARAMS_CONDITIONS; k++)
        f->multimorbidity[k] = pow(cs->multimorbidity_exacerbation_hr, k);
    for (int k = 0; k < 4; k++)
        f->severity[k] = pow(cs->severity_exacerbation_hr, k);
    /* Telemedicine draws new demand: remote slots filled by needs that would have been
     * managed at home (policy.tele_new_demand of them), per person-year. */
    const struct practices_params *pp = &m->par.practices;
    double remote = m->par.policy.tele_slot_share * pp->clinicians * pp->slots_per_clinician_day *
                    WORKING_DAYS_PER_YEAR / pp->list_size;
    f->tele_induced = m->par.policy.tele_new_demand * remote;
    for (int b = 0; b < PARAMS_AGE_BANDS; b++)
        f->other_need[b] = cs->other_need_rate[b] * (1.0 - cs->other_self_care_share) +
                           f->tele_induced;
    _Static_assert(sizeof f->band == DIS_AGES, "one band per tabulated year of age");
    for (int a = 0; a < DIS_AGES; a++) {
        int band = PARAMS_AGE_BANDS - 1;
        while (band > 0 && a < params_age_band_lower[band])
            band--;
        f->band[a] = (uint8_t)band;
    }
}

int care_init(struct model *m, struct sim_err *err)
{
    const struct model_params *par = &m->par;
    struct care *cr = &m->care;
    uint32_t n = m->n_start, list = (uint32_t)par->practices.list_size;
    uint32_t catchment = (uint32_t)par->hospital.catchment;
    cr->n_hospitals = n / catchment + (n % catchment != 0);
    if (cr->n_hospitals == 0)
        cr->n_hospitals = 1;
    cr->practices = calloc(m->n_practices, sizeof *cr->practices);
    cr->hospitals = calloc(cr->n_hospitals, sizeof *cr->hospitals);
    if (!cr->practices || !cr->hospitals)
        return sim_err_set(err, SIM_ENOMEM, "care: out of memory for providers");

    for (uint32_t k = 0; k < m->n_practices; k++) {
        struct care_practice *pr = &cr->practices[k];
        uint32_t first = k * list;
        pr->persons = n - first < list ? n - first : list;
        uint32_t h = first / catchment;
        pr->hospital = h < cr->n_hospitals ? h : cr->n_hospitals - 1;
        cr->hospitals[pr->hospital].persons += pr->persons;
        uint32_t s, remote;
        practice_capacity(pr, list, par->practices.clinicians,
                          par->practices.slots_per_clinician_day,
                          par->policy.nurse_slots_per_practice_day, par->policy.tele_slot_share,
                          &s, &remote);
        int rc = care_books_init(&pr->books, s, par->practices.urgent_slot_share,
                                 pr->nurse_slots + remote, err);
        if (rc)
            return rc;
        pr->gp_slots = s - urgent_part(s, par->practices.urgent_slot_share);
    }
    for (uint32_t h = 0; h < cr->n_hospitals; h++) {
        struct care_hospital *ho = &cr->hospitals[h];
        double per1000 = ho->persons / 1000.0;
        ho->nbeds = at_least_one(par->hospital.beds_per_1000 * per1000);
        int rc = sim_beds_init(&ho->beds, ho->nbeds, 0.0, err);
        if (rc)
            return rc;
        for (int s = 0; s < PARAMS_SPECIALTIES; s++) {
            uint32_t slots = at_least_one(par->outpatient.capacity_per_1000_year[s] * per1000 /
                                          WORKING_DAYS_PER_YEAR);
            ho->clinic_slots_per_day[s] = slots;
            rc = care_books_init(&ho->clinic[s], slots, par->outpatient.urgent_slot_share, 0,
                                 err);
            if (rc)
                return rc;
        }
        ho->electives_per_day = par->hospital.elective_capacity_per_1000_year * per1000 /
                                DIS_YEAR_DAYS;
        /* The day's electives are admitted in the morning. */
        if (sim_schedule_at(&m->ctx, 0.375, MODEL_EV_HOSPITAL_DAY, 0, h) == SIM_HANDLE_NONE)
            return sim_err_set(err, m->ctx.failed, "%s", m->ctx.err.msg);
    }
    if (sim_schedule_at(&m->ctx, m->warmup_end_day, MODEL_EV_WINDOW, 0, 0) == SIM_HANDLE_NONE ||
        sim_schedule_at(&m->ctx, m->warmup_end_day + MONTH_DAYS, MODEL_EV_MONTH, 0, 0) ==
            SIM_HANDLE_NONE)
        return sim_err_set(err, m->ctx.failed, "%s", m->ctx.err.msg);
    /* Capitation weights: 1 + weight x conditions, scaled to average 1 at the start. */
    double w = par->payment.gp_capitation_risk_weight, total = 0.0;
    for (uint32_t id = 0; id < n; id++) {
        double pw = 1.0 + w * pop_ncond(&m->persons[id]);
        cr->practices[m->persons[id].practice].list_weight += pw;
        total += pw;
    }
    cr->weight_norm = total > 0.0 ? n / total : 1.0;
    cr->cm_places = (uint32_t)lround(par->policy.cm_capacity_per_1000 * n / 1000.0);
    return 0;
}

void care_fini(struct model *m)
{
    struct care *cr = &m->care;
    if (cr->practices)
        for (uint32_t k = 0; k < m->n_practices; k++)
            if (cr->practices[k].books.routine.days)
                care_books_fini(&cr->practices[k].books);
    if (cr->hospitals)
        for (uint32_t h = 0; h < cr->n_hospitals; h++) {
            struct care_hospital *ho = &cr->hospitals[h];
            if (ho->nbeds)
                sim_beds_fini(&ho->beds);
            for (int s = 0; s < PARAMS_SPECIALTIES; s++)
                if (ho->clinic[s].routine.days)
                    care_books_fini(&ho->clinic[s]);
            free(ho->list);
        }
    free(cr->practices);
    free(cr->hospitals);
    free(cr->cm_list);
    memset(cr, 0, sizeof *cr);
}

int care_window_start(struct model *m)
{
    struct care *cr = &m->care;
    double now = m->ctx.now;
    for (uint32_t h = 0; h < cr->n_hospitals; h++)
        if (sim_queue_reset_stats(&cr->hospitals[h].beds.q, now, NULL) != 0)
            return sim_err_set(&m->ctx.err, SIM_ESTATE, "care: window start out of order");
    return ser_snapshot(m);
}

int care_month(struct model *m)
{
    int rc = pay_month(m, m->care.month);
    if (!rc)
        rc = pol_month(m);
    if (!rc)
        rc = ser_snapshot(m);
    if (rc)
        return rc;
    m->care.month++;
    double next = m->ctx.now + MONTH_DAYS;
    if (next <= m->end_day + 1e-9 &&
        sim_schedule_at(&m->ctx, next, MODEL_EV_MONTH, 0, 0) == SIM_HANDLE_NONE)
        return m->ctx.failed;
    return 0;
}

/* a + f (b - a) */
static double mix(double a, double b, double f) { return a + f * (b - a); }

int care_set_capacity(struct model *m, const struct model_params *a,
                      const struct model_params *b, double f)
{
    struct care *cr = &m->care;
    uint32_t today = sim_book_day_of(m->ctx.now);
    double list = a->practices.list_size;
    double clin = mix(a->practices.clinicians, b->practices.clinicians, f);
    double per_gp = mix(a->practices.slots_per_clinician_day, b->practices.slots_per_clinician_day,
                        f);
    double urgent_share = mix(a->practices.urgent_slot_share, b->practices.urgent_slot_share, f);
    double nurses = mix(a->policy.nurse_slots_per_practice_day,
                        b->policy.nurse_slots_per_practice_day, f);
    double tele = mix(a->policy.tele_slot_share, b->policy.tele_slot_share, f);
    for (uint32_t k = 0; k < m->n_practices; k++) {
        struct care_practice *pr = &cr->practices[k];
        uint32_t s, remote;
        practice_capacity(pr, list, clin, per_gp, nurses, tele, &s, &remote);
        uint32_t urgent = urgent_part(s, urgent_share);
        pr->gp_slots = s - urgent;
        uint32_t routine = pr->gp_slots + pr->nurse_slots + remote;
        if (!pr->books.has_urgent && urgent > 0)
            return sim_err_set(&m->ctx.err, SIM_EINVAL,
                               "reform: practices.urgent_slot_share cannot turn urgent slots on "
                               "when the scenario had none");
        const uint32_t rs[7] = {routine, routine, routine, routine, routine, 0, 0};
        const uint32_t us[7] = {urgent, urgent, urgent, urgent, urgent, 0, 0};
        if (sim_book_set_slots(&pr->books.routine, today, rs, &m->ctx.err) != 0 ||
            (pr->books.has_urgent &&
             sim_book_set_slots(&pr->books.urgent, today, us, &m->ctx.err) != 0))
            return m->ctx.err.code ? m->ctx.err.code : SIM_EINVAL;
    }
    for (uint32_t h = 0; h < cr->n_hospitals; h++) {
        struct care_hospital *ho = &cr->hospitals[h];
        double per1000 = ho->persons / 1000.0;
        for (int s = 0; s < PARAMS_SPECIALTIES; s++) {
            uint32_t slots = at_least_one(mix(a->outpatient.capacity_per_1000_year[s],
                                              b->outpatient.capacity_per_1000_year[s], f) *
                                          per1000 / WORKING_DAYS_PER_YEAR);
            uint32_t urgent = ho->clinic[s].has_urgent
                                  ? urgent_part(slots, b->outpatient.urgent_slot_share)
                                  : 0;
            ho->clinic_slots_per_day[s] = slots;
            const uint32_t rs[7] = {slots - urgent, slots - urgent, slots - urgent,
                                    slots - urgent, slots - urgent, 0, 0};
            const uint32_t us[7] = {urgent, urgent, urgent, urgent, urgent, 0, 0};
            if (sim_book_set_slots(&ho->clinic[s].routine, today, rs, &m->ctx.err) != 0 ||
                (ho->clinic[s].has_urgent &&
                 sim_book_set_slots(&ho->clinic[s].urgent, today, us, &m->ctx.err) != 0))
                return m->ctx.err.code ? m->ctx.err.code : SIM_EINVAL;
        }
        int rc = care_set_beds(
            m, h, at_least_one(mix(a->hospital.beds_per_1000, b->hospital.beds_per_1000, f) *
                               per1000));
        if (rc)
            return rc;
        ho->electives_per_day = mix(a->hospital.elective_capacity_per_1000_year,
                                    b->hospital.elective_capacity_per_1000_year, f) *
                                per1000 / DIS_YEAR_DAYS;
    }
    cr->cm_places = (uint32_t)lround(
        mix(a->policy.cm_capacity_per_1000, b->policy.cm_capacity_per_1000, f) * m->n_start /
        1000.0);
    return 0;
}

void care_on_birth(struct model *m, uint32_t id)
{
    m->care.practices[m->persons[id].practice].list_weight += 1.0;
}

void care_bed_days(const struct model *m, double *busy, double *available, double *boarding)
{
    const struct care *cr = &m->care;
    double now = m->ctx.now;
    *busy = *available = *boarding = 0.0;
    for (uint32_t h = 0; h < cr->n_hospitals; h++) {
        const struct sim_queue *q = &cr->hospitals[h].beds.q;
        uint32_t beds = q->servers > q->busy ? q->servers : q->busy;
        *busy += sim_queue_busy_days(q, now);
        *available += q->st.area_servers + beds * (now - q->t_last);
        *boarding += sim_queue_waiting_days(q, now);
    }
}

double care_bed_occupancy(const struct model *m)
{
    if (m->ctx.now <= m->warmup_end_day)
        return NAN;
    double busy, avail, boarding;
    care_bed_days(m, &busy, &avail, &boarding);
    return avail > 0.0 ? busy / avail : NAN;
}

/* ---- The front door --------------------------------------------------------------------- */

int care_forgoes(struct model *m, uint32_t id, double extra)
{
    struct person *p = &m->persons[id];
    double u;
    pop_draw(m, id, 1, &u);
    double base = m->par.care_seeking.forgo_probability[p->activation - 1];
    if (p->flags & POP_RURAL)
        base += m->par.care_seeking.rural_forgo_extra; /* distance */
    if (base > 1.0)
        base = 1.0;
    if (u >= base + (1.0 - base) * extra)
        return 0;
    if (care_in_window(m)) {
        m->care.tally.forgone += 1.0;
        m->care.tally.forgone_q[p->deprivation - 1] += 1.0;
    }
    if (!(p->flags & POP_UNMET) && p->conds) {
        dis_change_begin(m, id);
        p->flags |= POP_UNMET;
        dis_redraw(m, id);
    } else {
        p->flags |= POP_UNMET;
    }
    return 1;
}

void care_person_start(struct model *m, uint32_t id)
{
    struct person *p = &m->persons[id];
    if (!p->conds)
        return;
    /* Reviews of the initial population are spread over one interval. */
    care_set_review(m, id);
    double u;
    pop_draw(m, id, 1, &u);
    p->review_day = (float)(m->ctx.now + u * ((double)p->review_day - m->ctx.now));
}

/* Marks condition c uncontrolled (an exacerbation that needs care shows control is lost). */
static void lose_control(struct model *m, uint32_t id, int c)
{
    struct person *p = &m->persons[id];
    if (!(p->controlled & (1u << c)))
        return;
    dis_change_begin(m, id);
    p->controlled &= (uint16_t)~(1u << c);
    dis_redraw(m, id);
}

int care_exacerbation(struct model *m, uint32_t id, int c)
{
    struct person *p = &m->persons[id];
    if (care_in_window(m))
        m->care.tally.exacerbations[c] += 1.0;
    if (p->flags & POP_IN_HOSPITAL)
        return 0;
    const struct condition_params *cp = &m->par.disease.condition[c];
    double u[2];
    pop_draw(m, id, 2, u);
    /* Monitoring and case management catch some severe ones early: they go to the GP. */
    double severe = cp->severe_share * pol_severe_ratio(m, p, c);
    if (u[0] < severe) {
        lose_control(m, id, c);
        return care_ed_attend(m, id, c);
    }
    if (u[0] < cp->severe_share + cp->self_care_share) {
        if (care_in_window(m))
            m->care.tally.self_care += 1.0;
        return 0;
    }
    lose_control(m, id, c);
    if (u[1] < pol_direct_access(m))
        return care_self_refer(m, id, c);
    if (care_forgoes(m, id, pol_copay_forgo(m, m->par.costs.copay_gp, m->par.costs.gp_visit)))
        return 0;
    return care_gp_request(m, id, CARE_GP_ACUTE, c, 1, m->ctx.now);
}

int care_other_need(struct model *m, uint32_t id)
{
    struct person *p = &m->persons[id];
    if (p->flags & POP_IN_HOSPITAL)
        return 0;
    const struct care_seeking_params *cs = &m->par.care_seeking;
    /* Episodes managed at home never reach here (care_factors_init). Of the rest, a share
     * is the new demand telemedicine draws (a routine request, nothing else); of the
     * others, the ED share is ed_share / (1 - self_care_share). */
    const struct care_factors *f = &m->care.f;
    double u[2];
    pop_draw(m, id, 2, u);
    double total = f->other_need[f->band[dis_age_step(pop_age(p, m->ctx.now))]];
    double induced = total > 0.0 ? f->tele_induced / total : 0.0;
    if (u[0] < induced)
        return care_gp_request(m, id, CARE_GP_MINOR, CARE_OTHER, 0, m->ctx.now);
    u[0] = (u[0] - induced) / (1.0 - induced);
    if (u[0] * (1.0 - cs->other_self_care_share) < cs->other_ed_share)
        return care_ed_attend(m, id, CARE_OTHER);
    double direct = pol_direct_access(m);
    if (u[1] < direct)
        return care_self_refer(m, id, CARE_OTHER);
    if (care_forgoes(m, id, pol_copay_forgo(m, m->par.costs.copay_gp, m->par.costs.gp_visit)))
        return 0;
    /* u[1] is uniform on [direct, 1) here: rescale it for the urgency draw. */
    double v = direct < 1.0 ? (u[1] - direct) / (1.0 - direct) : 0.0;
    return care_gp_request(m, id, CARE_GP_OTHER, CARE_OTHER, v < cs->other_urgent_share,
                           m->ctx.now);
}

int care_review_due(struct model *m, uint32_t id)
{
    struct person *p = &m->persons[id];
    if (!p->conds)
        return 0;
    if (p->flags & POP_IN_HOSPITAL) {
        /* Reviewed after discharge instead. */
        care_set_review(m, id);
        dis_redraw(m, id);
        return 0;
    }
    if (care_forgoes(m, id, pol_copay_forgo(m, m->par.costs.copay_gp, m->par.costs.gp_visit))) {
        care_set_review(m, id); /* invited again at the next interval */
        dis_redraw(m, id);
        return 0;
    }
    int rc = care_gp_request(m, id, CARE_GP_REVIEW, CARE_OTHER, 0, m->ctx.now);
    if (rc == 0 && p->gp_event == SIM_HANDLE_NONE && !((double)p->review_day < INFINITY)) {
        /* No slot within the horizon: invited again at the next interval. */
        care_set_review(m, id);
        dis_redraw(m, id);
    }
    return rc;
}

int care_diagnosis(struct model *m, uint32_t id, int c)
{
    m->care.practices[m->persons[id].practice].list_weight +=
        m->par.payment.gp_capitation_risk_weight;
    if (m->persons[id].flags & POP_IN_HOSPITAL)
        return 0;
    return care_gp_request(m, id, CARE_GP_DIAGNOSIS, c, 0, m->ctx.now);
}
