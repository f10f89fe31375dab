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
#define PARAMS_PATH_MAX 256        /* bytes of a file path in a scenario, with the NUL */

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
    char warm_start[PARAMS_PATH_MAX]; /* results file whose end_state the run starts from
                                       * (relative to the scenario file); "" = an empty
                                       * system (cold start) */
    char warm_start_scenario[PARAMS_NAME_MAX]; /* that file's scenario to start from; "" =
                                                * its only one, else this scenario's name */
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
    double rural_forgo_extra;          /* added to the chance of forgoing for persons in
                                        * rural areas (distance), fraction */
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
    double uncontrolled_multiplier; /* utility multiplier per uncontrolled condition */
    double admission_qaly_loss;     /* QALYs lost with each emergency admission (the acute
                                     * episode around it), QALYs */
};

/* Payment mechanisms (group `payment`), in the order of their choices in the table. */
enum params_gp_payment { PARAMS_GP_FFS, PARAMS_GP_CAPITATION, PARAMS_GP_SALARY, PARAMS_GP_BLENDED };
enum params_specialist_payment { PARAMS_SPEC_FFS, PARAMS_SPEC_SALARY };
enum params_hospital_payment {
    PARAMS_HOSP_PER_DIEM,
    PARAMS_HOSP_DRG,
    PARAMS_HOSP_GLOBAL_BUDGET,
    PARAMS_HOSP_BUNDLED
};

/* How the payer pays providers (group `payment`); money in currency units. */
struct payment_params {
    int gp_mechanism;              /* enum params_gp_payment */
    double gp_fee;                 /* per GP consultation (fee-for-service; blended share) */
    double gp_capitation;          /* per registered person per year */
    double gp_capitation_risk_weight; /* extra capitation weight per chronic condition */
    double gp_blend_fee_share;     /* share of the fee paid per visit under blended */
    double gp_salary_per_fte;      /* per GP (FTE) per year under salary */
    double p4p_bonus;              /* per controlled chronic condition per year (QOF-like);
                                    * 0 = no pay-for-performance */
    int specialist_mechanism;      /* enum params_specialist_payment */
    double specialist_fee;         /* per specialist attendance */
    double specialist_salary_use;  /* under salary: the budget pays this share of clinic
                                    * slots at the fee */
    int hospital_mechanism;        /* enum params_hospital_payment */
    double ed_fee;                 /* per ED attendance (not under a global budget) */
    double per_diem;               /* per bed-day */
    double drg_emergency;          /* per emergency admission at average length of stay
                                    * (weighted by the condition's mean stay) */
    double drg_elective;           /* per elective admission */
    double global_budget_per_1000; /* per 1000 catchment persons per year */
    double bundle_price;           /* per emergency episode: stay, post-acute care and
                                    * readmissions within bundle_days */
    double bundle_days;            /* episode length after discharge, days */
    double postacute_fee_per_day;  /* per post-acute day, to the post-acute provider */
};

/* Provider behaviour (group `behaviour`): each decision maximises altruism x patient
 * benefit + marginal revenue - own cost (docs/model.md). */
struct behaviour_params {
    double gp_altruism;            /* weight of patient benefit, GPs */
    double specialist_altruism;    /* the same, specialists */
    double hospital_altruism;      /* the same, hospitals */
    double gp_review_k;            /* curvature of the benefit of review frequency,
                                    * currency per review */
    double gp_referral_k;          /* the same for referrals, currency per referral */
    double visits_per_referral;    /* GP visits a referral takes over */
    double specialist_followup_k;  /* follow-up propensity, currency per follow-up */
    double hospital_los_k;         /* length of stay, currency per bed-day */
    double hospital_admission_k;   /* admission propensity, currency per admission */
    double hospital_postacute_k;   /* post-acute discharge, currency per discharge */
    double gp_control_k;           /* GP effort to bring a condition under control at a
                                    * visit (pay-for-performance), currency per success */
    double years_controlled;       /* years a controlled condition earns the bonus, years */
    double min_multiplier;         /* bounds of every decision, relative to the clinically */
    double max_multiplier;         /* indicated level */
};

/* Integrated-care levers (group `policy`). */
enum params_gatekeeping { PARAMS_GATE_NONE, PARAMS_GATE_SOFT, PARAMS_GATE_STRICT };
struct policy_params {
    int gatekeeping;                     /* enum params_gatekeeping */
    double direct_access_share;          /* without strict gatekeeping: share of GP-bound
                                          * needs taken straight to a specialist */
    double self_referral_copay;          /* soft gatekeeping: copayment for self-referral */
    double copay_elasticity;             /* price elasticity of demand for care */
    double cm_capacity_per_1000;         /* case management: places per 1000 persons (0 off) */
    int cm_min_conditions;               /* eligibility: at least this many conditions */
    double cm_contacts_per_year;         /* case-manager contacts per enrolled person */
    double cm_cost_per_contact;          /* currency per contact */
    double cm_control_probability;       /* a contact controls an uncontrolled condition */
    double cm_early_detection;           /* share of severe exacerbations caught early (GP
                                          * instead of ED) */
    int shared_record;                   /* bool: shared electronic record */
    double record_followup_reduction;    /* fewer repeat specialist follow-ups */
    double record_relapse_hr;            /* better discharge handover: relapse hazard ratio */
    double record_cost_per_person_year;  /* system cost */
    double pathway_coverage[PARAMS_CONDITIONS]; /* care pathways / MDT: share of patients
                                                 * of each condition covered */
    double pathway_control_gain;         /* GP control probability x (1 + gain) */
    double pathway_referral_reduction;   /* referral probability x (1 - reduction) */
    double pathway_cost_per_patient_year;
    double selfman_coverage;             /* self-management support: share of eligible */
    double selfman_exacerbation_hr[PARAMS_CONDITIONS]; /* exacerbation HR when covered */
    double selfman_cost_per_patient_year;
    double tele_slot_share;              /* telemedicine: remote GP slots added, share of
                                          * face-to-face slots */
    double tele_new_demand;              /* share of remote visits that are new demand */
    double tele_visit_cost;              /* currency per remote visit */
    double hf_monitoring_coverage;       /* heart-failure telemonitoring: share covered */
    double hf_monitoring_mortality_hr;   /* mortality hazard ratio when monitored */
    double hf_monitoring_severe_hr;      /* severe exacerbation share ratio */
    double hf_monitoring_cost_per_year;
    double hah_share;                    /* hospital at home: share of eligible emergency
                                          * admissions treated at home */
    double hah_mortality_hr;             /* acute mortality ratio at home vs in hospital */
    double hah_relapse_hr;               /* relapse hazard ratio after care at home */
    double hah_cost_per_day;
    double tc_coverage;                  /* transitional care: share of discharges */
    double tc_relapse_hr;                /* relapse hazard ratio */
    double tc_cost_per_discharge;
    double nurse_slots_per_practice_day; /* task shifting: nurse consultations a day */
    double nurse_visit_cost;             /* currency per nurse consultation */
};

/* A reform switched on during the run (group `reform`). */
struct reform_params {
    char scenario[PARAMS_PATH_MAX]; /* scenario file whose care, payment and policy groups
                                     * take over (relative to this file); "" = no reform */
    double at_years;                /* when, years after the warm-up */
    double phase_in_months;         /* capacity moves to the new level in monthly steps
                                     * over this many months (0: at once), months */
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
    struct payment_params payment;            /* payment mechanisms */
    struct behaviour_params behaviour;        /* provider behaviour */
    struct policy_params policy;              /* integrated-care levers */
    struct reform_params reform;              /* a switch to other levers during the run */
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
