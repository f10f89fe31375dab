/* models/population.h — the persons of the model: who they are, what they have, what they
 * have accrued; initial population, newborns, outcome accrual and population summaries.
 *
 * Persons live in one array (struct model.persons) indexed by person id. Ids are handed out
 * in order and never reused: a dead person's record stays (their outcomes are results), and
 * a newborn gets the next id. Random streams are keyed by a stream key rather than the id:
 * initial person i has key i, and the newborn that replaces a person who died has the
 * parent's key + 2^32. So "the child of initial person 17" draws the same numbers in every
 * scenario, whichever order deaths happened in (common random numbers for entrants too).
 *
 * Touches only the model it is given.
 */
#ifndef MODELS_POPULATION_H
#define MODELS_POPULATION_H

#include <stdint.h>

#include "models/disease.h"
#include "sim/calendar.h"
#include "sim/err.h"

struct model;

/* Sectors of care costs (person.cost). */
enum pop_sector {
    POP_PRIMARY,    /* general practice */
    POP_OUTPATIENT, /* specialist clinics */
    POP_ED,         /* emergency department */
    POP_INPATIENT,  /* hospital stays */
    POP_POSTACUTE,  /* rehabilitation, intermediate and social care after discharge */
    POP_OTHER,      /* anything else (case management, telehealth...) */
    POP_NSECTORS
};

/* Events counted per person in the recording window (person.count), by the pathway
 * modules through pop_count. */
enum pop_counter {
    POP_GP_VISITS,         /* general-practice consultations */
    POP_OUTPATIENT_VISITS, /* specialist clinic attendances */
    POP_ED_VISITS,         /* emergency department attendances */
    POP_ADMISSIONS,        /* emergency and elective hospital admissions */
    POP_NCOUNTERS
};

/* person.flags bits. */
#define POP_FEMALE 0x1u      /* sex: set for women */
#define POP_RURAL 0x2u       /* lives in a rural area */
#define POP_ALIVE 0x4u       /* alive; cleared at death */
#define POP_UNMET 0x8u       /* a forgone need is unmet: exacerbations are more likely until
                              * the next GP visit (care.h) */
#define POP_IN_HOSPITAL 0x10u /* admitted or boarding for a bed */
#define POP_PRESSURED 0x20u  /* the last stay was shortened under bed pressure */
#define POP_LISTED 0x40u     /* on an elective waiting list */
#define POP_CASE_MANAGED 0x80u /* enrolled in case management (policy.h) */

/* person.stay: the condition of the current or last stay (low four bits, CARE_OTHER for
 * other need) and the episode's flags. */
#define POP_STAY_COND 0x0fu
#define POP_STAY_HOME 0x10u         /* treated by hospital at home */
#define POP_STAY_TRANSITIONAL 0x20u /* transitional care after the discharge */
#define POP_STAY_BUNDLED 0x40u      /* opened a bundled episode (payment.h) */
#define POP_STAY_ELECTIVE 0x80u     /* an elective stay */

/* One person. Kept compact: 224 bytes, and with the 32-byte calendar entry of their
 * personal event 256 bytes (tests/test_population.c checks the budget; appointments and
 * stays are held by few persons at a time). No random stream state is kept: every draw
 * has a fixed place in a keyed stream. */
struct person {
    /* Hot: what drawing and handling a personal event reads (the first 112 bytes). */
    double birth_day;           /* day of birth relative to the run start (negative for
                                 * persons alive at the start) */
    double last_day;            /* day up to which the death clock and outcomes are
                                 * accrued; the day of death once dead */
    double rates_day;           /* day since which the onset rates are unchanged: the onset
                                 * clocks hold their values at this day (disease.c) */
    double exac_day;            /* day since which the exacerbation rates are unchanged: the
                                 * clocks of present conditions hold their values at this
                                 * day (disease.c) */
    sim_handle next_event;      /* the pending MODEL_EV_PERSON event, SIM_HANDLE_NONE while
                                 * it is being handled and after death */
    float clock[DIS_NCLOCKS];   /* unit-exponential hazard left on each clock (disease.h) */
    float mort_acute;           /* acute-event mortality multiplier, 1 = none
                                 * (dis_set_acute_mortality) */
    float review_day;           /* day of the next routine GP review; +infinity when none */
    float discharge_day;        /* day of the last hospital discharge, or the start of the
                                 * current stay; -infinity when none */
    uint32_t severity;          /* 2 bits per condition: severity level - 1 (0..3) */
    uint16_t conds;             /* set of present conditions, bit c = enum dis_condition */
    uint16_t controlled;        /* subset of conds that is controlled */
    uint8_t deprivation;        /* deprivation quintile 1 (least) .. 5 (most deprived) */
    uint8_t activation;         /* patient activation level 1 (lowest) .. 4 */
    uint8_t flags;              /* POP_FEMALE, POP_RURAL, POP_ALIVE, ... (above) */
    uint8_t next_cand;          /* what the pending event is for (DIS_CAND_* or condition) */
    uint8_t stay;               /* condition and flags of the current or last stay
                                 * (POP_STAY_*) */
    /* Warm: first-year mortality, the care pathway, outcomes. */
    float onset_day[DIS_COUNT]; /* day each present condition was diagnosed (negative:
                                 * before the run); +infinity while absent */
    uint32_t practice;          /* index of the registered general practice */
    uint32_t ndraw;             /* uniforms used so far from the person's care stream
                                 * (pop_draw) */
    sim_handle gp_event;        /* pending GP appointment, or discharge while in hospital
                                 * (care.h); SIM_HANDLE_NONE when none */
    sim_handle op_event;        /* pending specialist appointment; SIM_HANDLE_NONE when none */
    int64_t cost_cents;         /* costs in the recording window, all sectors, in cents
                                 * (hundredths of the currency unit), undiscounted; by sector
                                 * in struct model_tally */
    double cost_disc;           /* all sectors, discounted to the window start, currency */
    double ly_disc;             /* life-years lived in the recording window, discounted
                                 * (continuously) to the window start; undiscounted ones
                                 * follow from birth and death: pop_life_years() */
    double qaly;                /* QALYs in the recording window */
    double qaly_disc;           /* the same, discounted */
    uint16_t count[POP_NCOUNTERS]; /* events in the recording window (enum pop_counter),
                                    * saturating at 65535 */
};

/* Severity level (1-4) of condition c; meaningful only while c is present. */
static inline int pop_severity(const struct person *p, int c)
{
    return (int)((p->severity >> (2 * c)) & 3u) + 1;
}

/* 0 for men, 1 for women (index of the by-sex tables). */
static inline int pop_sex(const struct person *p) { return (p->flags & POP_FEMALE) ? 1 : 0; }

static inline int pop_alive(const struct person *p) { return (p->flags & POP_ALIVE) != 0; }

/* Age in years at `day`. */
static inline double pop_age(const struct person *p, double day)
{
    return (day - p->birth_day) / DIS_YEAR_DAYS;
}

/* Number of present conditions. */
static inline int pop_ncond(const struct person *p) { return __builtin_popcount(p->conds); }

/* Creates the initial population (run.population persons at time 0, with life histories)
 * and schedules each person's first event. Returns 0 or SIM_ENOMEM. */
int pop_init(struct model *m, struct sim_err *err);

/* Sets the sex and deprivation quintile of life `life` (0, 1, ...) of a person: the first
 * life of everyone, and the lives an initial person's history draws again (disease.c). */
void pop_draw_origin(const struct model *m, struct person *p, uint64_t key, unsigned life);

/* Stream key of person id (see the top of this file). */
uint64_t pop_stream_key(const struct model *m, uint32_t id);

/* Records the death of person id now: outcomes, tallies, and (population.replace_deaths) a
 * newborn in the same practice and neighbourhood. Pointers into m->persons are invalid
 * afterwards (the array may grow). Returns 0, or SIM_ENOMEM / SIM_ERANGE (ids used up). */
int pop_die(struct model *m, uint32_t id);

/* Life-years the person has lived in the recording window up to now. */
double pop_life_years(const struct model *m, const struct person *p);

/* Accrues discounted life-years, QALYs (at utility u) and person-years over [t0_day, t1_day], clipped
 * to the recording window. The interval must lie within one year of age. */
void pop_accrue(struct model *m, struct person *p, double t0_day, double t1_day, double u);

/* Adds the cost of a service person id receives now to sector s (in the recording window
 * only, so warm-up costs are not counted): `amount` in total, of which the patient pays
 * `out_of_pocket` (0 <= out_of_pocket <= amount) and the public payer the rest. Money is
 * kept in whole cents (amounts are rounded to the cent once, here), so the sector totals
 * and the sum over persons agree exactly. */
void pop_add_cost(struct model *m, uint32_t id, enum pop_sector s, double amount,
                  double out_of_pocket);

/* Fills u[0..n-1] with the next n uniforms (0, 1) of person id's care stream (seed,
 * replication, stream key, MODEL_PURPOSE_CARE) and advances person.ndraw past them. Every
 * draw of the care pathway comes from here, so a person's draws depend on how many they
 * have used, not on what other persons did: the same person meets the same luck in two
 * scenarios until their paths differ. n <= 8. */
void pop_draw(struct model *m, uint32_t id, int n, double *u);

/* Takes `qalys` off person id's QALYs now (an acute episode), undiscounted and discounted,
 * in the recording window only. */
void pop_qaly_loss(struct model *m, uint32_t id, double qalys);

/* Counts one event of kind `which` for person id now (in the recording window only). */
void pop_count(struct model *m, uint32_t id, enum pop_counter which);

/* ---- Summaries for results and tests ----------------------------------------------------- */

#define POP_AGES DIS_AGES      /* single years 0..109, and 110+ */
#define POP_MM2 DIS_COUNT      /* `what` of pop_census_share: two or more conditions */

/* Who is alive at one moment, by single year of age, sex and deprivation quintile. */
struct pop_census {
    double day;                                    /* when it was taken */
    uint32_t alive;                                /* persons alive */
    uint32_t n[POP_AGES][2][5];                    /* persons */
    uint32_t with[DIS_COUNT + 1][POP_AGES][2][5];  /* with condition c; [POP_MM2]: with 2+ */
    double utility[POP_AGES][2][5];                /* sum of current utilities */
    double utility_mm2[POP_AGES][2][5];            /* the same over persons with 2+ */
};

/* Fills c with the living population at the model's current time. */
void pop_census_take(const struct model *m, struct pop_census *c);

/* Share of persons aged [age_lo, age_hi) years (integers; age_hi > 110 means no upper
 * limit) of the given sex (0, 1, or -1 for both) and quintile (1-5, or 0 for all) who
 * have `what` (a condition, or POP_MM2). *n (if not NULL) gets the number of persons.
 * NaN when there are none. */
double pop_census_share(const struct pop_census *c, int what, int age_lo, int age_hi, int sex,
                        int quintile, uint64_t *n);

/* Mean current utility in the same kind of group; mm2 = 1 restricts to persons with 2+. */
double pop_census_utility(const struct pop_census *c, int age_lo, int age_hi, int mm2);

/* Period life expectancy at birth, years, from the person-years and deaths by single year
 * of age in the recording window (sex 0, 1, or -1 for both); NaN without exposure. */
double pop_life_expectancy(const struct model *m, int sex);

#endif
