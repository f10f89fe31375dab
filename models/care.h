/* models/care.h — the care pathway: what happens when need arises, in general practice,
 * in specialist clinics and in hospital, and the resources (appointment books, beds,
 * waiting lists) whose capacity makes waits emerge.
 *
 * Need arrives from the person's clocks (disease.h): an exacerbation of a condition, an
 * episode of other acute need, a routine review falling due, a new diagnosis. The person
 * then chooses (care.c): self-care, forgo care (by activation; unmet need raises their
 * exacerbation rate until they next see a GP), an urgent or routine GP request, or the
 * emergency department. A request books the earliest free slot of the registered
 * practice's book (primary.c); a GP visit treats uncontrolled conditions, refers to a
 * specialist clinic, sends on to the ED, and sets the next review. A referral books the
 * clinic of the condition's specialty at the practice's hospital (outpatient.c); a visit
 * there treats, books follow-ups and lists elective admissions. The hospital (hospital.c)
 * admits from the ED into a bed pool (boarding when full, shorter stays under pressure),
 * admits electives from its list when a bed is free (cancelling when none), and discharges
 * home or to post-acute care with a post-discharge window of raised risk, in which an
 * emergency admission counts as a 30-day readmission.
 *
 * Each person has at most one pending GP appointment (or, in hospital, the discharge) and
 * one specialist appointment, held by handle in struct person and cancelled at death and
 * at emergency admission (their slots go unused). A request while one is pending is folded
 * into it. Every random choice comes from the person's care stream (pop_draw). Costs go
 * through pop_add_cost; counts of the recording window go into struct care_tally.
 *
 * Touches only the model it is given.
 */
#ifndef MODELS_CARE_H
#define MODELS_CARE_H

#include <stdint.h>

#include "models/params.h"
#include "models/payment.h"
#include "sim/err.h"
#include "sim/resource.h"

struct model;

#define CARE_OTHER 15 /* fits person.stay's POP_STAY_COND and the low bits of event aux */
#define CARE_SLOT_NURSE 1u  /* aux bits 4-5 of MODEL_EV_GP_VISIT: kind of slot */
#define CARE_SLOT_REMOTE 2u /* "condition" of other acute need (not a modelled condition) */

/* Why a GP appointment was booked (aux of MODEL_EV_GP_VISIT, high byte; low byte the
 * condition or CARE_OTHER). */
enum care_gp_reason {
    CARE_GP_REVIEW,    /* routine review of chronic conditions */
    CARE_GP_DIAGNOSIS, /* a new diagnosis */
    CARE_GP_ACUTE,     /* an exacerbation of the condition */
    CARE_GP_OTHER,     /* other acute need */
    CARE_GP_DISCHARGE, /* review after a hospital discharge or ED attendance */
    CARE_GP_MINOR      /* minor need that telemedicine drew in (no referral, no ED) */
};

/* A provider's bookable slots: routine and urgent (same-day) books. */
struct care_books {
    struct sim_book routine;
    struct sim_book urgent;
    int has_urgent; /* urgent slots exist */
};

struct care_practice {
    struct care_books books;
    uint32_t hospital;   /* index of the hospital its patients use */
    uint32_t persons;    /* persons registered at the start */
    uint32_t gp_slots;   /* routine GP slots a day; routine slots beyond are nurse ones,
                          * then remote ones (policy.h) */
    uint32_t nurse_slots; /* nurse slots a day in the routine book */
    double clinicians;   /* GPs (FTE) */
    double list_weight;  /* sum of the capitation weights of the living registered */
};

/* One entry of a hospital's elective waiting list. */
struct care_listing {
    uint32_t person;
    float day;     /* listed on this day */
    uint8_t cond;  /* condition, or CARE_OTHER */
};

struct care_hospital {
    struct sim_beds beds;
    uint32_t nbeds;
    uint32_t persons;            /* catchment: persons registered at its practices */
    struct care_books clinic[PARAMS_SPECIALTIES]; /* outpatient clinics */
    uint32_t clinic_slots_per_day[PARAMS_SPECIALTIES]; /* all slots, routine + urgent */
    struct care_listing *list;   /* elective waiting list, a ring (FIFO) */
    uint32_t list_head, list_len, list_cap;
    uint32_t listed;             /* living persons on the list (entries of the dead are
                                  * dropped when they reach the head) */
    double electives_per_day;    /* scheduled elective admissions per day */
    double elective_carry;       /* fraction of an admission carried to the next day */
};

/* Counts and sums over the recording window. */
struct care_tally {
    double gp_visits, gp_visits_mm2;   /* GP consultations; of persons with 2+ conditions */
    double gp_referrals;               /* GP consultations ending in a referral */
    double gp_requests;                /* GP appointments booked */
    double gp_wait_days;               /* sum of waits (booking to appointment) */
    double gp_missed;                  /* appointments cancelled by death or admission */
    double forgone;                    /* needs not taken to care */
    double forgone_q[5];               /* of those, by deprivation quintile 1-5 */
    double self_care;                  /* exacerbations managed at home */
    double op_visits, op_first;        /* specialist attendances; first ones */
    double op_referrals;               /* referrals booked */
    double op_wait_days;               /* sum of waits, referral to first visit */
    double ed_visits;                  /* ED attendances */
    double admissions_emergency, admissions_elective, admissions_avoidable;
    double relapses;                   /* post-discharge relapses (back to the ED) */
    double readmissions_30d;           /* emergency admissions within the window after a
                                        * discharge */
    double discharges, discharges_alive; /* stays ended (alive: discharged) */
    double bed_days;                   /* length of stay summed over discharges */
    double postacute;                  /* discharges to post-acute care */
    double boarded;                    /* emergency admissions that waited for a bed */
    double boarding_days;              /* their waits */
    double elective_cancelled;         /* electives cancelled for want of a bed */
    double elective_wait_days;         /* sum of waits, listing to admission */
    double deaths_in_hospital;
    double exacerbations[PARAMS_CONDITIONS]; /* exacerbations (needing care or not) */
    double self_referrals;             /* needs taken straight to a specialist */
    double nurse_visits, remote_visits; /* of gp_visits: in nurse and remote slots */
    double home_stays;                 /* emergency admissions treated at home */
    double transitional;               /* discharges with transitional care */
    double cm_enrolments, cm_contacts; /* case management */
};

/* Factors of the care clocks' rates, computed once from the parameters. */
struct care_factors {
    double multimorbidity[PARAMS_CONDITIONS]; /* multimorbidity_exacerbation_hr^k */
    double severity[4];                       /* severity_exacerbation_hr^(level - 1) */
    uint8_t band[111];                        /* age band of each single year of age */
    double other_need[PARAMS_AGE_BANDS];      /* episodes of other need that are taken to
                                               * care (not managed at home), by band,
                                               * 1/year: self-care ones are thinned out of
                                               * the process, as they change nothing */
    double tele_induced;                      /* of those, new demand drawn by remote
                                               * consultations, 1/year */
};

/* Everything the pathway keeps for one replication (struct model.care). */
struct care {
    struct care_factors f;
    struct care_practice *practices;  /* m->n_practices */
    struct care_hospital *hospitals;  /* n_hospitals */
    uint32_t n_hospitals;
    double weight_norm;               /* capitation weights scale: persons / weight sum at
                                       * the start, so weights average 1 */
    uint32_t *cm_list;                /* case-managed persons (the dead dropped monthly) */
    uint32_t cm_len, cm_cap;
    uint32_t cm_places, cm_enrolled;  /* places; living persons enrolled */
    uint32_t month;                   /* months of the recording window passed */
    struct care_tally tally;
};

/* Checks the combinations of care parameters the key ranges cannot (shares of one choice
 * summing to more than 1). Returns 0 or SIM_EINVAL naming the keys. */
int care_check_params(const struct model_params *par, struct sim_err *err);

/* Fills care.f from the parameters; before any person's events are drawn. */
void care_factors_init(struct model *m);

/* Sets up practices, clinics and hospitals for the initial population and schedules the
 * daily hospital events and the window start. Call after pop_init. Returns 0 or SIM_E*. */
int care_init(struct model *m, struct sim_err *err);
void care_fini(struct model *m);

/* Sets the first routine review of a person present at time 0 (after their history, before
 * their first event is drawn: pop_init). */
void care_person_start(struct model *m, uint32_t id);

/* Need arising from the person's clocks (called by disease.c). Return 0 or SIM_E*. */
int care_exacerbation(struct model *m, uint32_t id, int c);
int care_other_need(struct model *m, uint32_t id);
int care_review_due(struct model *m, uint32_t id);
int care_diagnosis(struct model *m, uint32_t id, int c);
int care_relapse(struct model *m, uint32_t id); /* after a discharge: back to the ED */

/* The person has just died: cancels their appointments and stay, frees their bed. */
void care_on_death(struct model *m, uint32_t id);

/* Event handlers (model.c). */
int care_gp_visit(struct model *m, uint32_t id, uint16_t aux);
int care_op_visit(struct model *m, uint32_t id, uint16_t aux);
int care_discharge(struct model *m, uint32_t id, uint16_t aux);
int care_hospital_day(struct model *m, uint32_t hospital);
int care_month(struct model *m);

/* Sets GP, nurse, remote, clinic and bed capacity, elective scheduling and case-management
 * places to the levels of the parameters a + f (b - a), 0 <= f <= 1, from today on (a
 * reform's phase-in). Bookings already made keep their slots; extra beds admit boarding
 * patients at once. Returns 0 or SIM_E*. */
int care_set_capacity(struct model *m, const struct model_params *a,
                      const struct model_params *b, double f);

/* Sets the number of beds of hospital h now (care_set_capacity). */
int care_set_beds(struct model *m, uint32_t h, uint32_t beds);

/* A newborn joined their practice (capitation weights). */
void care_on_birth(struct model *m, uint32_t id);
int care_window_start(struct model *m);

/* Bed-days since the window start up to now, all hospitals: occupied (*busy), in existence
 * (*available; beds may change with a reform) and spent boarding (*boarding). */
void care_bed_days(const struct model *m, double *busy, double *available, double *boarding);

/* Bed occupancy over the recording window so far (busy bed-days / bed-days), all
 * hospitals; NaN before the window. */
double care_bed_occupancy(const struct model *m);

/* ---- Between the pathway files ---------------------------------------------------------- */

/* 1 when the recording window is open now. */
int care_in_window(const struct model *m);

/* Sets up a provider's books with `slots` per working day (Monday-Friday), of which a
 * share `urgent_share` are urgent, plus `extra` routine slots (nurse, remote). */
int care_books_init(struct care_books *b, uint32_t slots, double urgent_share, uint32_t extra,
                    struct sim_err *err);
void care_books_fini(struct care_books *b);

/* Books the earliest slot at or after `earliest` (days; at least now): urgent requests
 * take the earlier of the urgent and routine books. Returns the appointment time, or a
 * negative value when no slot is free within the horizon; *routine_slot (when not NULL)
 * gets the slot's index in the routine book, UINT32_MAX for an urgent slot. */
double care_books_book(struct model *m, struct care_books *b, double earliest, int urgent,
                       uint32_t *routine_slot);

/* A GP request for person id (primary.c): books and schedules the appointment unless one
 * is pending or the person is in hospital. `urgent` requests may divert to the ED when
 * the wait is long. Returns 0 or SIM_E*. */
int care_gp_request(struct model *m, uint32_t id, enum care_gp_reason why, int cond,
                    int urgent, double earliest);

/* A referral to the clinic of `cond` (or general medicine for CARE_OTHER) (outpatient.c). */
int care_refer(struct model *m, uint32_t id, int cond, int urgent);

/* A need taken straight to the specialist clinic of `cond` (no gatekeeping); when a
 * specialist appointment is pending already, the person goes to their GP instead. */
int care_self_refer(struct model *m, uint32_t id, int cond);

/* An ED attendance (hospital.c); `cond` the condition or CARE_OTHER. */
int care_ed_attend(struct model *m, uint32_t id, int cond);

/* Puts the person on their hospital's elective list (no-op when listed). */
int care_list_elective(struct model *m, uint32_t id, int cond);

/* Forgoes non-emergency care? Draws from the person's stream (by activation, plus
 * `extra`, e.g. the effect of a copayment); on yes counts it and marks the need unmet. */
int care_forgoes(struct model *m, uint32_t id, double extra);

/* Sets the next routine review after a contact (primary.c). */
void care_set_review(struct model *m, uint32_t id);

/* Puts the person on their hospital's elective list as listed on `day` (days, <= now; a
 * warm start lists persons before time 0); no-op when listed. */
int care_list_elective_on(struct model *m, uint32_t id, int cond, double day);

/* care_listing.person of an entry admitted from the middle of the list (hospital.c). */
#define CARE_LIST_TAKEN UINT32_MAX

/* ---- Warm start (warm.h): appointments and stays that began before the run --------------- */

/* Books person id (alive, not in hospital, no GP appointment pending) into the earliest
 * slot on or after day `day` of their practice's urgent book (urgent, when it has one) or
 * routine book, as an appointment made before the run: a review when they have a
 * condition and the slot is routine, other need otherwise. Not counted as a request.
 * Returns 0, 1 when no slot is free within the book's horizon, or a SIM_E* code. */
int care_warm_gp(struct model *m, uint32_t id, int urgent, uint32_t day);

/* The same for a follow-up about cond (a condition, or CARE_OTHER) in the clinic of
 * specialty s at the person's hospital (no specialist appointment pending). */
int care_warm_clinic(struct model *m, uint32_t id, int s, int cond, int urgent, uint32_t day);

/* Person id (alive, not in hospital) is in an emergency stay for cond (a condition or
 * CARE_OTHER) at their hospital that began `elapsed` days ago and ends `residual` days from
 * now: in a bed, or boarding when none is free (the stay then starts when a bed is freed,
 * as any boarder's). Returns 0 or a SIM_E* code. */
int care_warm_admit(struct model *m, uint32_t id, int cond, double elapsed, double residual);

/* Person id (alive, not in hospital) was discharged home on `day` (days, <= now) from an
 * emergency stay for cond: their post-discharge window (raised exacerbation rates, relapses,
 * readmissions counted) runs from then. */
void care_warm_discharged(struct model *m, uint32_t id, int cond, double day);

#endif
