/* models/outcomes.h — the outcomes of one finished replication as one row of numbers, with
 * the name, unit and description of every column: what `caresim run` stores per
 * replication and summarises over replications.
 *
 * Population counts, life-years, QALYs, mortality, life expectancy, multimorbidity, care
 * use, waits, hospital activity, costs by sector and payer, and condition onsets. A new
 * column is added to enum outc_column and to the table in outcomes.c. Nothing here knows about files: the row is plain doubles and the caller
 * decides where it goes (output/ writes it to HDF5).
 *
 * Windows. Counts of persons (persons_start, entries, deaths, persons_end) cover the whole
 * run, warm-up included, so that persons_start + entries - deaths == persons_end holds
 * exactly. Everything else covers the recording window after the warm-up: person totals
 * are sums over all persons, alive or dead at the end, of what they accrued in the window;
 * rates are per person-year lived in the window; prevalences are a cross-section of the
 * living at the end of the run.
 *
 * Touches only the row it is given; reads the model.
 */
#ifndef MODELS_OUTCOMES_H
#define MODELS_OUTCOMES_H

#include "models/disease.h"
#include "sim/err.h"

struct model;

/* Columns of the outcome row, in table order. */
enum outc_column {
    OUTC_PERSONS_START,          /* persons alive at time 0 */
    OUTC_PERSONS_END,            /* persons alive at the end of the run */
    OUTC_ENTRIES,                /* newborns added during the run */
    OUTC_DEATHS,                 /* deaths during the run */
    OUTC_PERSON_YEARS,           /* person-years lived in the window (age tally) */
    OUTC_LIFE_YEARS,             /* life-years lived in the window, summed over persons */
    OUTC_LIFE_YEARS_DISC,        /* the same, discounted to the window start */
    OUTC_QALYS,                  /* QALYs in the window */
    OUTC_QALYS_DISC,             /* the same, discounted */
    OUTC_MEAN_UTILITY,           /* QALYs per life-year in the window */
    OUTC_DEATHS_PER_1000_YEAR,   /* deaths in the window per 1000 person-years */
    OUTC_LIFE_EXPECTANCY_BIRTH,  /* period life expectancy at birth over the window */
    OUTC_MULTIMORBIDITY_ALL,     /* share with 2+ conditions at the end, all ages */
    OUTC_MULTIMORBIDITY_65PLUS,  /* the same at ages 65 and over */
    OUTC_GP_VISITS,              /* GP consultations per person-year */
    OUTC_SPECIALIST_VISITS,      /* specialist attendances per person-year */
    OUTC_ED_VISITS,              /* ED attendances per 1000 person-years */
    OUTC_EMERGENCY_ADMISSIONS,   /* per 1000 person-years */
    OUTC_ELECTIVE_ADMISSIONS,    /* per 1000 person-years */
    OUTC_AVOIDABLE_ADMISSIONS,   /* emergency admissions for ACSCs per 1000 person-years */
    OUTC_DISCHARGES,             /* stays ended per 1000 person-years */
    OUTC_READMISSION_30D,        /* emergency readmissions within the window / discharges */
    OUTC_MEAN_LOS,               /* mean length of stay, days */
    OUTC_BED_OCCUPANCY,          /* occupied bed-days / bed-days */
    OUTC_BOARDED_SHARE,          /* emergency admissions that waited for a bed */
    OUTC_MEAN_WAIT_GP,           /* days from request to GP appointment */
    OUTC_MEAN_WAIT_SPECIALIST,   /* days from referral to first specialist visit */
    OUTC_MEAN_WAIT_ELECTIVE,     /* days from listing to elective admission */
    OUTC_ELECTIVE_CANCELLED,     /* electives cancelled for want of a bed per 1000 py */
    OUTC_FORGONE,                /* needs not taken to care (count) */
    OUTC_POSTACUTE_RATE,         /* discharges to post-acute care / discharges alive */
    OUTC_REFERRAL_RATE,          /* GP consultations ending in a referral, fraction */
    OUTC_GP_USE_RATIO_MM2,       /* GP visits per person-year, 2+ conditions vs fewer */
    OUTC_COST_TOTAL,             /* all costs in the window, currency */
    OUTC_COST_PRIMARY,           /* by sector (enum pop_sector order) ... */
    OUTC_COST_OUTPATIENT,
    OUTC_COST_ED,
    OUTC_COST_INPATIENT,
    OUTC_COST_POSTACUTE,
    OUTC_COST_OTHER,
    OUTC_COST_OUT_OF_POCKET,     /* of the total, paid by patients */
    OUTC_COST_TOTAL_DISC,        /* the total discounted */
    OUTC_COST_PER_PERSON_YEAR,   /* cost_total / person-years */
    OUTC_SPEND_PAYER,            /* paid by the payer in the window, currency */
    OUTC_SPEND_GP,               /* received by general practices (payer and patients) */
    OUTC_SPEND_SPECIALIST,       /* ... specialist clinics */
    OUTC_SPEND_HOSPITAL,         /* ... hospitals (net of what they pass on) */
    OUTC_SPEND_POSTACUTE,        /* ... post-acute providers */
    OUTC_SPEND_COMMUNITY,        /* ... community services and systems */
    OUTC_MARGIN_GP,              /* GP revenue - cost of GP services, currency */
    OUTC_MARGIN_HOSPITAL,        /* hospital revenue - cost of ED and inpatient care */
    OUTC_SELF_REFERRALS,         /* needs taken straight to a specialist per 1000 py */
    OUTC_HOME_STAYS,             /* hospital-at-home episodes per 1000 py */
    OUTC_CASE_MANAGED,           /* persons in case management at the end */
    OUTC_DECISION_REVIEW,        /* GP review frequency multiplier (controlled patients) */
    OUTC_DECISION_REVIEW_UNC,    /* the same, uncontrolled patients */
    OUTC_DECISION_REFERRAL,      /* GP referral propensity multiplier */
    OUTC_DECISION_FOLLOWUP,      /* specialist follow-up multiplier */
    OUTC_DECISION_LOS,           /* length-of-stay multiplier */
    OUTC_DECISION_ADMISSION,     /* ED admission propensity multiplier */
    OUTC_DECISION_POSTACUTE,     /* post-acute discharge multiplier */
    OUTC_DECISION_CONTROL,       /* GP control effort multiplier */
    OUTC_QALY_RATE_Q1,           /* QALYs per life-year, least deprived quintile */
    OUTC_QALY_RATE_Q5,           /* ... most deprived quintile */
    OUTC_QALY_CONCENTRATION,     /* concentration index of QALYs per life-year over
                                  * deprivation (ranked least to most deprived) */
    OUTC_GP_VISITS_Q1,           /* GP visits per person-year, least deprived */
    OUTC_GP_VISITS_Q5,           /* ... most deprived */
    OUTC_ADMISSIONS_Q1,          /* admissions per 1000 person-years, least deprived */
    OUTC_ADMISSIONS_Q5,          /* ... most deprived */
    OUTC_FORGONE_Q1,             /* forgone needs per 1000 person-years, least deprived */
    OUTC_FORGONE_Q5,             /* ... most deprived */
    OUTC_UNMET_CONCENTRATION,    /* concentration index of forgone needs per person-year */
    OUTC_ONSET_FIRST,            /* + enum dis_condition: onsets per 1000 person-years */
    OUTC_COUNT = OUTC_ONSET_FIRST + DIS_COUNT
};

/* The primary outcomes, in this order: discounted cost and QALYs (the pair a
 * cost-effectiveness analysis compares), emergency admissions and GP visits (the system's
 * activity) and deaths in the window (per 1000 person-years). `caresim run --ci-target`
 * adds replications until each is estimated to the precision asked (docs/results.md). */
#define OUTC_PRIMARY_COUNT 5
extern const int outc_primary[OUTC_PRIMARY_COUNT];

#define OUTC_NAME_MAX 64  /* bytes of a column name, with the NUL */
#define OUTC_UNIT_MAX 32  /* bytes of a unit, with the NUL */
#define OUTC_DESC_MAX 256 /* bytes of a description, with the NUL */

/* What one column holds. */
struct outc_info {
    char name[OUTC_NAME_MAX]; /* column name: [a-z0-9_], e.g. "onset_copd_per_1000_year" */
    char unit[OUTC_UNIT_MAX]; /* unit of the values ("persons", "years", "" for none) */
    char desc[OUTC_DESC_MAX]; /* one line saying what the value is and over which window */
};

/* Fills info for column col (an enum outc_column). Returns 0, or SIM_EINVAL when col is not
 * a column (info is then cleared). */
int outc_column_info(int col, struct outc_info *info, struct sim_err *err);

/* Computes the outcome row of a model that model_run has finished: row[col] for every
 * enum outc_column. A value the run cannot give (a rate without exposure, a prevalence
 * without anyone aged 65+) is NaN. First checks the invariants that only a bug can break
 * (persons_start + entries - deaths == persons alive by a scan of every person; every id
 * handed out is an initial person or a newborn; no event fired for a dead person) and
 * returns SIM_ESTATE naming the one violated. Returns SIM_ESTATE for a model that has not
 * finished, SIM_ENOMEM when out of memory; the row is then all NaN. */
int outc_collect(const struct model *m, double row[OUTC_COUNT], struct sim_err *err);

/* a / b, or NaN when b is not positive (a rate without exposure). */
static inline double outc_ratio(double a, double b) { return b > 0.0 ? a / b : __builtin_nan(""); }

/* Concentration index of a rate y over the five deprivation quintiles (1 least .. 5 most
 * deprived) with group weights w (person-years), grouped-data formula; NaN without weight
 * or with a zero mean. Negative when y is higher among the less deprived. */
double outc_concentration_index(const double y[5], const double w[5]);

#endif
