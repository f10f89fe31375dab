/* models/disease.h — chronic conditions: onset, mortality and quality of life of a person,
 * as competing risks on each person's one pending "next personal event".
 *
 * Clocks. Every person carries one clock per competing risk (person.clock): the death clock
 * and, per condition, the clock of its onset (while absent; later modules may use the same
 * clock for the condition's recurrent events, e.g. exacerbations, once it is present). A
 * clock holds the unit-exponential hazard still to be used up before its event happens: it
 * starts as -log(U) from the person's own random stream and is run down by the hazard as
 * time passes. The next personal event is the earliest of
 *   - each running clock's event time at its current rate (onset hazards are constant
 *     between events, so clock / rate is exact; death uses the exact inverse of the
 *     Gompertz cumulative hazard at the current multiplier),
 *   - the next birthday (onset hazards are tabulated by single year of age) and the end of
 *     the first year after a diagnosis whose first-year mortality differs ("step" events,
 *     where rates change and the event is re-drawn).
 * Whenever something the rates depend on changes, the person is brought up to date with
 * the old rates (dis_advance; dis_sync_onsets for onset rates), the state is changed, and
 * the event is re-drawn (dis_redraw), which moves the one pending calendar entry by its
 * handle. Because a clock's starting value depends only on (seed, replication, person,
 * what the clock is for), and the hazards only on the person's own state, a change that
 * does not touch a person's hazards leaves that person's history bit for bit the same
 * (common random numbers); and since onset clocks are only run down where onset rates
 * change, a change of mortality alone never moves an onset, not even by rounding.
 *
 * Care clocks (from time 0 on; life histories before the run have none). Once condition c
 * is present its clock runs at the exacerbation rate plus, while controlled, the lapse rate
 * (dis_exacerbation_rate): when it fires the person's care stream says which of the two
 * happened, and an exacerbation goes to the care pathway (care.h). These rates depend on
 * control, severity, the number of conditions, unmet need and the post-discharge window,
 * never on age, and are run down from person.exac_day, separately from the onset clocks,
 * so care never moves an onset. The clock of other acute need runs with them at a rate by
 * age band (synced at birthdays), plus a relapse hazard in the window after a discharge.
 * A routine review falls due at person.review_day.
 *
 * Calibration (docs/model.md). Prevalence p(a) by age band is read at band middles and
 * interpolated linearly (from 0 at age 0, flat after 90). A person's onset hazard is
 * base(c, sex, age) times their deprivation multiplier times the onset ratios of the
 * conditions they have. The base is derived from the curves by a deterministic birth
 * cohort followed through every combination of conditions and quintile (dis_tables_init):
 * each year of age it is set so that prevalence reaches p at the next birthday given who
 * is at risk (so deprivation and interaction multipliers are normalised over the at-risk
 * population exactly) and how much faster cases die (so deaths of cases are replaced).
 * In the continuous form, for one homogeneous group, that is
 *     h(a) = p'(a) / (1 - p(a)) + p(a) (mu_cases(a) - mu_others(a)).
 * Initial persons are lives drawn from birth with the same model and kept if they survive
 * to their age: a draw from the model's own cross-section, on the curves at time 0.
 *
 * Touches only the model and the person it is given; no global state.
 */
#ifndef MODELS_DISEASE_H
#define MODELS_DISEASE_H

#include <stdint.h>

#include "models/params.h"
#include "sim/err.h"

struct model;
struct person;

/* The modelled chronic conditions; scenario names in params_condition_names. */
enum dis_condition {
    DIS_HYPERTENSION,
    DIS_DIABETES,     /* type 2 */
    DIS_CHD,          /* coronary heart disease */
    DIS_HEART_FAILURE,
    DIS_CKD,          /* chronic kidney disease stage 3-5 */
    DIS_COPD,
    DIS_DEPRESSION,
    DIS_DEMENTIA,
    DIS_CANCER,       /* active cancer */
    DIS_COUNT
};
_Static_assert(DIS_COUNT == PARAMS_CONDITIONS, "enum dis_condition must match the key table");
_Static_assert(DIS_COUNT <= 16, "person.conds is a 16-bit set");

#define DIS_CLOCK_DEATH DIS_COUNT       /* person.clock index of the death clock */
#define DIS_CLOCK_OTHER (DIS_COUNT + 1) /* clock of acute need not due to a condition */
#define DIS_NCLOCKS (DIS_COUNT + 2)     /* clocks per person */

/* What a person's pending event is for (person.next_cand): a condition's clock (values
 * 0 .. DIS_COUNT - 1: onset while absent, exacerbation or lapse of control while present),
 * death, a step where rates change, other acute need, or a routine review falling due. */
#define DIS_CAND_DEATH DIS_COUNT
#define DIS_CAND_STEP (DIS_COUNT + 1)
#define DIS_CAND_OTHER (DIS_COUNT + 2)
#define DIS_CAND_REVIEW (DIS_COUNT + 3)

#define DIS_YEAR_DAYS 365.25 /* days per year of age and of discounting */
#define DIS_AGES 111         /* single years of age 0..110 tabulated; older ages use 110 */

/* Precomputed from the parameters by dis_tables_init; read-only during the run (and then
 * possibly shared between threads: see dis_tables_create). */
struct dis_tables {
    double onset[2][DIS_AGES][DIS_COUNT];   /* base onset hazard by sex (0 men, 1 women),
                                             * age [k, k+1) and condition, per year; times
                                             * dep and the onset_hr of present conditions
                                             * gives a person's hazard */
    double dep[5][DIS_COUNT];               /* deprivation multiplier by quintile 1-5 and
                                             * condition, mean 1 over quintiles */
    double onset_hr[DIS_COUNT][DIS_COUNT];  /* [c][j]: onset HR of c when j is present */
    uint16_t modifiers[DIS_COUNT];          /* set of j with onset_hr[c][j] != 1 */
    uint16_t first_year;                    /* conditions whose first-year mortality HR
                                             * differs from the later one */
    double mort_hr[DIS_COUNT];              /* mortality HR from 1 year after diagnosis */
    double mort_hr1[DIS_COUNT];             /* mortality HR in the first year */
    double gompertz_a[2];                   /* background hazard at age 0, per year, by sex */
    double gompertz_b;                      /* Gompertz slope, per year of age */
    double gompertz_eb;                     /* exp(gompertz_b): hazard growth over a year */
    double sev_cum[DIS_COUNT][PARAMS_SEVERITIES]; /* cumulative severity shares */
    double controlled[DIS_COUNT];           /* share controlled at diagnosis */
    double util[DIS_COUNT][PARAMS_SEVERITIES];    /* utility multiplier by severity */
    double util_base[2][DIS_AGES];          /* utility of a person without conditions by
                                             * sex and age: the norm divided by the mean
                                             * multiplier at that age, at most 1 */
};

/* Checks what the key ranges cannot (prevalence falling with age, a condition's own onset
 * hazard ratio not 1) and fills the tables. Returns 0 or SIM_EINVAL, naming the key. */
int dis_tables_init(struct dis_tables *t, const struct model_params *par,
                    struct sim_err *err);

/* The same, allocated, for sharing: the tables depend on the parameters only, so the
 * replications of one scenario can all read one set (model_create_shared) instead of each
 * repeating the calibration. Nothing writes to them after this returns, so any number of
 * threads may read them at once. NULL on error (SIM_EINVAL naming the key, SIM_ENOMEM). */
struct dis_tables *dis_tables_create(const struct model_params *par, struct sim_err *err);

/* Frees tables from dis_tables_create, after every model using them is destroyed. NULL is
 * a no-op. */
void dis_tables_destroy(struct dis_tables *t);

/* The target prevalence curve p(age) of condition c for sex (0 men, 1 women). */
double dis_prevalence_curve(const struct model_params *par, int c, int sex, double age_years);

/* Gompertz background a * exp(b * age) (a already times any multiplier): cumulative hazard
 * from age x over the next `years`, and its exact inverse, the years until the cumulative
 * hazard reaches `cumhaz` (+infinity when a is 0). */
double dis_gompertz_cumhaz(double a, double b, double x_years, double years);
double dis_gompertz_years(double a, double b, double x_years, double cumhaz);

/* Sets up a new person's clocks from their random stream. An initial person (age_years
 * > 0 at time 0) gets a life history from birth that survives to their age: their sex and
 * deprivation quintile (pop_draw_origin), the conditions present now, their diagnosis
 * days, severities and control. Schedules nothing. */
void dis_person_init(struct model *m, uint32_t id, double age_years);

/* Brings a person up to the current time with the rates in force since their last update:
 * runs the death clock down and accrues QALYs and person-years. Call it BEFORE changing
 * anything their mortality or utility depends on, then change it, then dis_redraw. */
void dis_advance(struct model *m, uint32_t id);

/* Runs the person's onset clocks down to now. Onset clocks are updated only where onset
 * rates change (so that other updates cannot move an onset by rounding): a module that
 * changes something the onset hazards depend on calls this and dis_advance before the
 * change, and dis_redraw after it. Nothing outside disease.c does so yet. */
void dis_sync_onsets(struct model *m, uint32_t id);

/* Draws the person's next personal event from their clocks and current state, and moves
 * (or schedules) their one pending MODEL_EV_PERSON event to it. */
void dis_redraw(struct model *m, uint32_t id);

/* Handles a person's MODEL_EV_PERSON event: onset, death or a step. Returns 0 or SIM_E*. */
int dis_person_event(struct model *m, uint32_t id);

/* Mortality multiplier of the person at `day` (product of the condition hazard ratios,
 * first-year ratios where applicable, and person.mort_acute). */
double dis_mortality_multiplier(const struct model *m, const struct person *p, double day);

/* Onset hazard per year of absent condition c for the person at age step k. */
double dis_onset_rate(const struct model *m, const struct person *p, int c, int k);

/* Current utility (EQ-5D scale) of the person at age step k. */
double dis_utility(const struct model *m, const struct person *p, int k);

/* Hook for acute-event mortality (the hospital module): sets the person's extra mortality
 * multiplier (1 = none; e.g. raised during an admission and reset at discharge by the
 * caller) and re-draws their next event. Returns SIM_EINVAL for a dead person or a
 * multiplier that is not finite and > 0. */
int dis_set_acute_mortality(struct model *m, uint32_t id, double multiplier);

/* Exacerbation rate (per year) of present condition c now, and the lapse rate (per year,
 * 0 unless controlled) that shares its clock. 0 while the person is in hospital. */
double dis_exacerbation_rate(const struct model *m, const struct person *p, int c,
                             double *lapse);

/* Acute need not due to a condition, per year, by the age band of the person at
 * exac_day, and (through *relapse) the hazard of a relapse in a post-discharge window;
 * both 0 while in hospital. They share the clock DIS_CLOCK_OTHER. */
double dis_other_need_rate(const struct model *m, const struct person *p, double *relapse);

/* Before changing anything the care clocks' rates depend on (control, severity, flags,
 * discharge_day): runs those clocks down to now at the old rates. A change that also moves
 * mortality or utility (severity, mort_acute) calls dis_advance first. After the change,
 * dis_redraw. Other changes never touch the death clock, so care that changes no hazard
 * leaves deaths bit for bit the same. */
void dis_change_begin(struct model *m, uint32_t id);

/* Marks condition c of the person controlled (1) or not (0), e.g. after a GP review, and
 * re-draws their next event. Returns SIM_EINVAL when the person is dead or lacks c. */
int dis_set_controlled(struct model *m, uint32_t id, int c, int controlled);

/* Age step (single year of age, 0..DIS_AGES-1) of an age in years, robust to rounding at
 * birthdays. */
static inline int dis_age_step(double age_years)
{
    double k = __builtin_floor(age_years + 1e-9);
    return k <= 0 ? 0 : k >= DIS_AGES - 1 ? DIS_AGES - 1 : (int)k;
}

#endif
