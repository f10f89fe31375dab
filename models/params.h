/* models/params.h — every scenario parameter of the model, as plain C structs.
 *
 * The scenario key table in models/params.c (struct sim_cfg_schema, see sim/config.h)
 * maps each scenario key to one field here; sim_cfg_fill() writes resolved values straight
 * into a struct model_params that the model then reads at full speed. Adding a key: add
 * the field here (with its unit), a row to the table, and the key to scenarios/base.cfg
 * with its comment; then `make docs`.
 *
 * Touches nothing: data definitions and the table only.
 */
#ifndef MODELS_PARAMS_H
#define MODELS_PARAMS_H

#include <stdint.h>

#include "sim/config.h"

#define PARAMS_NAME_MAX 64         /* bytes of a scenario name, with the NUL */
#define PARAMS_DESCRIPTION_MAX 1024 /* bytes of a scenario description, with the NUL */

/* Currency labels, in the order of the economics.currency choices in the table. */
enum params_currency {
    PARAMS_GBP,
    PARAMS_EUR,
    PARAMS_USD,
    PARAMS_CHF,
    PARAMS_SEK,
    PARAMS_NOK,
    PARAMS_DKK,
    PARAMS_CAD,
    PARAMS_AUD,
    PARAMS_NZD,
    PARAMS_JPY,
    PARAMS_CURRENCY_COUNT
};

/* Size, length and repetition of a run (group `run`). */
struct run_params {
    int64_t population;   /* persons alive at the start of the run */
    double horizon_years; /* years over which outcomes are recorded, after the warm-up */
    double warmup_years;  /* years simulated before recording starts (queues and lists fill) */
    int replications;     /* independent replications per scenario */
    int64_t seed;         /* master seed of every random stream */
};

/* Discounting and cost-effectiveness (group `economics`). */
struct economics_params {
    double discount_costs;   /* annual discount rate of costs, fraction per year */
    double discount_effects; /* annual discount rate of QALYs and life-years, fraction per year */
    int currency;            /* enum params_currency: label of every money amount */
    double wtp_per_qaly;     /* willingness to pay, currency units per QALY gained */
};

/* Fixed array lengths of the population and disease keys. */
#define PARAMS_PYRAMID_BANDS 9 /* age pyramid bands 0-9, 10-19, ..., 70-79, 80+ */
#define PARAMS_AGE_BANDS 9     /* prevalence and utility bands 0-14, 15-24, 25-34, ..., 75-84,
                                * 85+ (the bands of the English survey tables) */
#define PARAMS_CONDITIONS 9    /* chronic conditions; order of enum dis_condition */
#define PARAMS_SEVERITIES 4    /* severity levels 1-4 (NYHA class, GOLD stage, ...) */
#define PARAMS_ACTIVATIONS 4   /* patient activation levels 1-4 */
#define PARAMS_SPECIALTIES 6   /* outpatient specialties; order of enum params_specialty */

/* Outpatient specialties, in the order of the specialty choices in the table. */
enum params_specialty {
    PARAMS_CARDIOLOGY,
    PARAMS_RESPIRATORY,
    PARAMS_ENDOCRINOLOGY,
    PARAMS_MENTAL_HEALTH,
    PARAMS_ONCOLOGY,
    PARAMS_GENERAL_MEDICINE
};

/* Who lives in the modelled area (group `population`). */
struct population_params {
    double pyramid[PARAMS_PYRAMID_BANDS]; /* share of persons by 10-year age band, sums to 1 */
    double max_age_years;                 /* years: the 80+ band's density falls linearly to 0
                                           * at this age (initial population only) */
    double male_share;                    /* share of persons who are men, fraction */
    double rural_share;                   /* share of persons living in rural areas, fraction */
    int replace_deaths;                   /* bool: each death adds a newborn, so the
                                           * population stays steady */
    double activation_least[PARAMS_ACTIVATIONS]; /* shares of activation levels 1-4 in the
                                                  * least deprived quintile, sums to 1 */
    double activation_most[PARAMS_ACTIVATIONS];  /* the same in the most deprived quintile;
                                                  * quintiles 2-4 interpolate linearly */
};

/* General practices (group `practices`). */
struct practices_params {
    int list_size;                      /* persons registered per practice */
    double clinicians;                  /* GP (full-time equivalent) per practice */
    int slots_per_clinician_day;        /* consultations a GP offers per working day */
    double urgent_slot_share;           /* share of each day's slots kept for urgent
                                         * (same-day) requests, fraction */
    double review_interval_controlled_days;   /* routine chronic-care review interval when
                                               * every condition is controlled, days */
    double review_interval_uncontrolled_days; /* the same with an uncontrolled condition */
    double review_multimorbidity_factor;      /* the interval is divided by
                                               * 1 + factor * (conditions - 1) */
    double gp_to_ed_probability;        /* an acute visit sends the person to the ED */
    double other_referral_probability;  /* a visit for other need refers to general
                                         * medicine */
};

/* How people respond to need (group `care_seeking`). */
struct care_seeking_params {
    double other_need_rate[PARAMS_AGE_BANDS]; /* episodes of acute need not due to a
                                               * modelled condition, by age band, 1/year */
    double other_self_care_share;      /* of those, managed at home, fraction */
    double other_ed_share;             /* of those, taken straight to the ED, fraction */
    double other_urgent_share;         /* of those seen by a GP, urgent requests, fraction */
    double forgo_probability[PARAMS_ACTIVATIONS]; /* a non-emergency need is not taken to
                                                   * care, by activation level 1-4 */
    double forgo_exacerbation_hr;      /* exacerbation rate ratio while need is unmet */
    double ed_if_gp_wait_days;         /* urgent need facing a GP wait over this goes to the
                                        * ED with probability ed_if_gp_wait_share, days */
    double ed_if_gp_wait_share;        /* see ed_if_gp_wait_days, fraction */
    double multimorbidity_exacerbation_hr; /* exacerbation rate ratio per other condition */
    double severity_exacerbation_hr;   /* exacerbation rate ratio per severity level above 1 */
};

/* Outpatient (specialist) clinics (group `outpatient`). */
struct outpatient_params {
    double capacity_per_1000_year[PARAMS_SPECIALTIES]; /* attendances offered per 1000
                                                        * persons per year, by specialty */
    double urgent_slot_share;          /* share of clinic slots kept for urgent referrals */
    double followup_probability;       /* a visit books a follow-up, fraction */
    double followup_interval_days;     /* follow-up booked this many days ahead, days */
    double control_probability;        /* a visit brings the condition under control */
    double other_elective_probability; /* a first visit for other need lists an elective
                                        * admission, fraction */
};

/* Hospitals: emergency department, beds, stays, discharge (group `hospital`). */
struct hospital_params {
    double beds_per_1000;              /* acute beds per 1000 persons */
    int catchment;                     /* persons per hospital */
    double ed_admit_probability;       /* ED attendance for a severe exacerbation admitted */
    double ed_admit_probability_other; /* ED attendance for other need admitted */
    double other_los_days;             /* mean stay of an emergency admission for other
                                        * need, days */
    double los_shape;                  /* gamma shape of lengths of stay */
    double elective_los_days;          /* mean stay of an elective admission, days */
    double elective_capacity_per_1000_year; /* elective admissions scheduled per 1000
                                             * persons per year */
    double elective_bed_buffer;        /* share of beds an elective may not take */
    double pressure_occupancy;         /* occupancy at or above which stays are shortened */
    double pressure_los_factor;        /* stay multiplier under pressure */
    double pressure_readmission_hr;    /* post-discharge exacerbation ratio after a stay
                                        * shortened under pressure */
    double post_discharge_days;        /* post-discharge window, days */
    double post_discharge_hr;          /* exacerbation rate ratio in that window */
    double relapse_rate;               /* hazard of a relapse (back to the ED) in that
                                        * window, 1/year */
    double relapse_admit_probability;  /* a relapse at the ED is admitted */
    double admission_mortality_hr;     /* mortality hazard ratio during a stay */
    double progression_probability;    /* an emergency admission for an exacerbation raises
                                        * the condition's severity by one level */
    double postacute_share_under_75;   /* discharged to post-acute care, under 75 */
    double postacute_share_75plus;     /* the same, 75 and over */
    double postacute_days;             /* mean post-acute stay, days */
    double discharge_gp_followup_probability; /* a discharge books a GP review */
    double discharge_gp_followup_days; /* that review is requested this many days after */
};

/* Unit costs and copayments (group `costs`), currency units per item. */
struct costs_params {
    double gp_visit;          /* general-practice consultation */
    double outpatient_visit;  /* specialist clinic attendance */
    double ed_attendance;     /* emergency department attendance */
    double nonelective_spell; /* emergency admission, spell up to the trim point */
    double trim_days;         /* days covered by the spell price, days */
    double excess_bed_day;    /* each day beyond the trim point */
    double elective_spell;    /* elective admission */
    double postacute_day;     /* a day of post-acute (intermediate/nursing) care */
    double copay_gp;          /* patient copayment per GP consultation */
    double copay_outpatient;  /* per specialist attendance */
    double copay_ed;          /* per ED attendance */
};

/* Background mortality (group `mortality`): Gompertz hazard a * exp(b * age) of a person
 * with none of the modelled conditions; conditions multiply it (disease.*.mortality_hr). */
struct mortality_params {
    double gompertz_slope;   /* b, 1/year of age */
    double gompertz_a_men;   /* a for men: hazard at age 0, 1/year */
    double gompertz_a_women; /* a for women, 1/year */
};

/* One chronic condition (group `disease.<name>`). Age bands are PARAMS_AGE_BANDS. */
struct condition_params {
    double prevalence_men[PARAMS_AGE_BANDS];   /* share of men with the condition, by band */
    double prevalence_women[PARAMS_AGE_BANDS]; /* share of women with it, by band */
    double deprivation_rr;                     /* onset hazard ratio, most vs least deprived
                                                * quintile (geometric steps between) */
    double onset_hr[PARAMS_CONDITIONS];        /* onset hazard ratio when each condition
                                                * (enum dis_condition order) is present;
                                                * its own entry must be 1 */
    double mortality_hr;                       /* mortality hazard ratio, from 1 year after
                                                * diagnosis on */
    double mortality_hr_first_year;            /* mortality hazard ratio in the first year
                                                * after diagnosis */
    double controlled_share;                   /* share controlled at diagnosis, fraction */
    double severity_shares[PARAMS_SEVERITIES]; /* shares of severity 1-4 at diagnosis,
                                                * sums to 1 */
    double utility[PARAMS_SEVERITIES];         /* utility multiplier by severity, (0, 1] */
    /* Care: exacerbations and the pathway of this condition. */
    double exacerbation_rate;        /* exacerbations needing care when controlled, 1/year */
    double uncontrolled_rr;          /* exacerbation rate ratio when uncontrolled */
    double lapse_rate;               /* controlled -> uncontrolled without symptoms, 1/year */
    double severe_share;             /* exacerbations needing emergency care, fraction */
    double self_care_share;          /* exacerbations managed at home, fraction */
    int specialty;                   /* enum params_specialty of its outpatient clinic */
    double referral_probability;     /* a GP visit about it while uncontrolled refers */
    double gp_control_probability;   /* a GP visit about it brings it under control */
    double elective_probability;     /* a first specialist visit lists an elective admission */
    double los_days;                 /* mean stay of an emergency admission for it, days */
    int acsc;                        /* bool: ambulatory-care-sensitive condition */
};

/* Chronic conditions (group `disease`), indexed by enum dis_condition. */
struct disease_params {
    struct condition_params condition[PARAMS_CONDITIONS];
};

/* Health-related quality of life (group `utility`). */
struct utility_params {
    double norm[PARAMS_AGE_BANDS]; /* mean EQ-5D of the general population by band */
};

/* Everything a scenario sets. */
struct model_params {
    char name[PARAMS_NAME_MAX];               /* scenario name (results group name) */
    char description[PARAMS_DESCRIPTION_MAX]; /* free text, UTF-8 */
    struct run_params run;                    /* run size and length */
    struct economics_params economics;        /* discounting, currency, threshold */
    struct population_params population;      /* demography of the modelled area */
    struct practices_params practices;        /* general practices */
    struct care_seeking_params care_seeking;  /* response to need */
    struct outpatient_params outpatient;      /* specialist clinics */
    struct hospital_params hospital;          /* ED, beds, stays, discharge */
    struct costs_params costs;                /* unit costs and copayments */
    struct mortality_params mortality;        /* background mortality */
    struct disease_params disease;            /* chronic conditions */
    struct utility_params utility;            /* quality of life */
};

/* Scenario names of the conditions, in enum dis_condition order ("hypertension", ...). */
extern const char *const params_condition_names[PARAMS_CONDITIONS];

/* Scenario names of the specialties, in enum params_specialty order. */
extern const char *const params_specialty_names[PARAMS_SPECIALTIES];

/* Lower age limits of the PARAMS_AGE_BANDS bands, years (0, 15, 25, ..., 85). */
extern const double params_age_band_lower[PARAMS_AGE_BANDS];

/* The scenario key table for struct model_params. */
const struct sim_cfg_schema *params_schema(void);

#endif
