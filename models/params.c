/* models/params.c — the scenario key table: every key, its type, unit, default, allowed
 * values, meaning and source, and the field of struct model_params it fills.
 *
 * This table is the single source of truth for parsing, validation, defaults and
 * docs/parameters.md (`make docs`). Sources cite a row of the shared evidence table
 * (evidence.md) as "quantity: value (source)"; an empty source means a modelling choice.
 * Touches nothing: static data only.
 */
#include "models/params.h"
#include "models/runsize.h"

#include <stddef.h>

#define MP struct model_params

static const char *const currency_choices[] = {
    "GBP", "EUR", "USD", "CHF", "SEK", "NOK", "DKK", "CAD", "AUD", "NZD", "JPY", NULL,
};
_Static_assert(sizeof currency_choices / sizeof *currency_choices == PARAMS_CURRENCY_COUNT + 1,
               "currency_choices must match enum params_currency");

const char *const params_condition_names[PARAMS_CONDITIONS] = {
    "hypertension", "diabetes", "chd", "heart_failure", "ckd",
    "copd", "depression", "dementia", "cancer",
};

const char *const params_specialty_names[PARAMS_SPECIALTIES] = {
    "cardiology", "respiratory", "endocrinology", "mental_health", "oncology", "general_medicine",
};

static const char *const gp_payment_choices[] = {"fee_for_service", "capitation", "salary",
                                                 "blended", NULL};
static const char *const spec_payment_choices[] = {"fee_for_service", "salary", NULL};
static const char *const hosp_payment_choices[] = {"per_diem", "drg", "global_budget",
                                                   "bundled", NULL};
static const char *const gatekeeping_choices[] = {"none", "soft", "strict", NULL};

/* The specialty choice list (NULL-terminated) for the condition keys. */
static const char *const specialty_choices[] = {
    "cardiology", "respiratory", "endocrinology", "mental_health", "oncology", "general_medicine",
    NULL,
};

const double params_age_band_lower[PARAMS_AGE_BANDS] = {0, 15, 25, 35, 45, 55, 65, 75, 85};

static const struct sim_cfg_group groups[] = {
    {"run", "size, length and repetition of a simulation run"},
    {"economics", "discounting, currency and the cost-effectiveness threshold"},
    {"population", "demography of the modelled area: age pyramid, sex, area, activation"},
    {"practices", "general practices: list size, clinicians, appointment slots, review "
                  "intervals"},
    {"care_seeking", "how people respond to need: other acute need, forgoing care, going "
                     "to the emergency department"},
    {"outpatient", "specialist clinics: capacity by specialty, follow-up, elective listing "
                   "(specialties cardiology, respiratory, endocrinology, mental_health, "
                   "oncology, general_medicine)"},
    {"hospital", "emergency department, acute beds, lengths of stay, discharge, "
                 "readmission"},
    {"costs", "unit costs and patient copayments, currency units per item"},
    {"reform", "a reform switched on during the run: the care, payment and policy groups of "
               "another scenario take over at a given time, capacity phased in"},
    {"payment", "how the payer pays GPs, specialists, hospitals and post-acute care "
                "(money flows; unit costs stay the resource costs)"},
    {"behaviour", "provider behaviour: each decision maximises altruism x patient benefit "
                  "+ marginal revenue - own cost (docs/model.md)"},
    {"policy", "integrated-care levers: gatekeeping, case management, shared record, care "
               "pathways, self-management, telemedicine, hospital at home, transitional "
               "care, task shifting"},
    {"mortality", "background (Gompertz) mortality of a person without modelled conditions"},
    {"disease", "chronic conditions: prevalence by age band, onset, mortality, utility "
                "(bands 0-14, 15-24, 25-34, 35-44, 45-54, 55-64, 65-74, 75-84, 85+)"},
    {"disease.hypertension", "hypertension (diagnosed or not)"},
    {"disease.diabetes", "type 2 diabetes (doctor-diagnosed)"},
    {"disease.chd", "coronary heart disease"},
    {"disease.heart_failure", "heart failure; severity = NYHA class I-IV"},
    {"disease.ckd", "chronic kidney disease stage 3-5"},
    {"disease.copd", "chronic obstructive pulmonary disease; severity = GOLD stage 1-4"},
    {"disease.depression", "depression"},
    {"disease.dementia", "dementia"},
    {"disease.cancer", "cancer (active)"},
    {"utility", "health-related quality of life (EQ-5D) of the general population"},
};

/* ---- Defaults of the array keys ---------------------------------------------------------- */

/* evidence.md: England & Wales 2021 shares 11.5, 11.5, 12.5, 13.5, 12.5, 13.5, 11, 8.5, 5%
 * (ONS Census 2021, rounded); they sum to 99.5%, so each is divided by 0.995. */
static const double def_pyramid[PARAMS_PYRAMID_BANDS] = {
    0.115578, 0.115578, 0.125628, 0.135678, 0.125628, 0.135678, 0.110553, 0.085427, 0.050252,
};
/* Modelling choice (no evidence row): more low-activation patients where deprivation is
 * high, of the size reported for the Patient Activation Measure in England. */
static const double def_activation_least[PARAMS_ACTIVATIONS] = {0.10, 0.15, 0.35, 0.40};
static const double def_activation_most[PARAMS_ACTIVATIONS] = {0.25, 0.25, 0.30, 0.20};

/* Prevalence by band 0-14, 15-24, 25-34, 35-44, 45-54, 55-64, 65-74, 75-84, 85+. Values
 * are read at the band's middle age (85+: 90) and interpolated linearly (docs/model.md). */
static const double prev_htn_men[] = {0, 0.06, 0.11, 0.20, 0.35, 0.51, 0.64, 0.64, 0.64};
static const double prev_htn_women[] = {0, 0.02, 0.05, 0.11, 0.23, 0.47, 0.64, 0.75, 0.75};
static const double prev_diabetes[] = {0, 0.005, 0.01, 0.03, 0.06, 0.10, 0.14, 0.16, 0.16};
static const double prev_chd[] = {0, 0, 0.001, 0.005, 0.02, 0.05, 0.10, 0.17, 0.22};
static const double prev_hf[] = {0, 0.0002, 0.0005, 0.001, 0.006, 0.015, 0.029, 0.067, 0.16};
static const double prev_ckd[] = {0, 0.002, 0.005, 0.015, 0.04, 0.08, 0.17, 0.30, 0.47};
static const double prev_copd[] = {0, 0.002, 0.003, 0.008, 0.02, 0.05, 0.09, 0.12, 0.12};
static const double prev_depression[] = {0, 0.06, 0.09, 0.10, 0.11, 0.11, 0.11, 0.12, 0.14};
static const double prev_dementia[] = {0, 0, 0, 0, 0.001, 0.009, 0.02, 0.075, 0.24};
static const double prev_cancer[] = {0, 0.001, 0.003, 0.007, 0.015, 0.035, 0.065, 0.105, 0.13};

/* Onset hazard ratios by present condition, in the order hypertension, diabetes, chd,
 * heart_failure, ckd, copd, depression, dementia, cancer. Modelling assumptions
 * (literature-plausible, no evidence row). */
static const double onset_none[PARAMS_CONDITIONS] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
static const double onset_chd[PARAMS_CONDITIONS] = {1.6, 2.0, 1, 1, 1, 1, 1, 1, 1};
static const double onset_hf[PARAMS_CONDITIONS] = {1.6, 2.0, 2.0, 1, 1, 1, 1, 1, 1};
static const double onset_ckd[PARAMS_CONDITIONS] = {1.6, 2.0, 1, 1, 1, 1, 1, 1, 1};
static const double onset_depression[PARAMS_CONDITIONS] = {1, 1, 1.5, 1.5, 1, 1.5, 1, 1, 1.5};
static const double onset_dementia[PARAMS_CONDITIONS] = {1, 1.5, 1, 1, 1, 1, 1, 1, 1};

/* Severity at diagnosis: one level, or NYHA class I-IV / GOLD stage 1-4 (modelling choice). */
static const double sev_single[PARAMS_SEVERITIES] = {1, 0, 0, 0};
static const double sev_hf[PARAMS_SEVERITIES] = {0.30, 0.40, 0.25, 0.05};
static const double sev_copd[PARAMS_SEVERITIES] = {0.30, 0.45, 0.20, 0.05};

/* Utility multipliers by severity: a condition's EQ-5D divided by the 65-74 population norm
 * 0.79 (evidence.md), capped at 1; see the sources in the table. */
static const double util_htn[PARAMS_SEVERITIES] = {0.98, 0.98, 0.98, 0.98};
static const double util_diabetes[PARAMS_SEVERITIES] = {0.932, 0.932, 0.932, 0.932};
static const double util_chd[PARAMS_SEVERITIES] = {0.92, 0.92, 0.92, 0.92};
static const double util_hf[PARAMS_SEVERITIES] = {1.0, 0.937, 0.810, 0.582};
static const double util_ckd[PARAMS_SEVERITIES] = {0.95, 0.95, 0.95, 0.95};
static const double util_copd[PARAMS_SEVERITIES] = {1.0, 0.996, 0.949, 0.819};
static const double util_depression[PARAMS_SEVERITIES] = {0.85, 0.85, 0.85, 0.85};
static const double util_dementia[PARAMS_SEVERITIES] = {0.80, 0.80, 0.80, 0.80};
static const double util_cancer[PARAMS_SEVERITIES] = {0.90, 0.90, 0.90, 0.90};

/* evidence.md: general population norm, age 65-74: ~0.78-0.80 (Szende et al. 2014); the
 * other bands are the UK EQ-5D-3L norms of the same source (0-14 taken as 15-24). */
static const double def_utility_norm[PARAMS_AGE_BANDS] = {
    0.94, 0.94, 0.93, 0.91, 0.85, 0.80, 0.79, 0.73, 0.73,
};

/* Other acute need by age band 0-14, ..., 85+: children and the old have more
 * (calibrated, docs/model.md). */
static const double def_other_need[PARAMS_AGE_BANDS] = {
    7.0, 5.0, 5.7, 6.0, 6.6, 7.3, 8.4, 9.9, 11.0,
};
/* Forgoing non-emergency care by activation level 1 (lowest) .. 4 (modelling assumption). */
static const double def_forgo[PARAMS_ACTIVATIONS] = {0.15, 0.10, 0.06, 0.04};
/* Clinic capacity by specialty (calibrated, docs/model.md). */
static const double def_op_capacity[PARAMS_SPECIALTIES] = {
    50.0, 15.0, 12.0, 37.0, 24.0, 1600.0,
};

/* Care pathways cover no condition at base. */
static const double def_pathway_coverage[PARAMS_CONDITIONS] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
/* Self-management exacerbation hazard ratios by condition (hypertension, diabetes, chd,
 * heart_failure, ckd, copd, depression, dementia, cancer): evidence.md: COPD
 * self-management: respiratory admissions HR ~0.79 (Zwerink et al. 2014); heart failure
 * and diabetes taken as similar (modelling assumption); no effect assumed elsewhere. */
static const double def_selfman_hr[PARAMS_CONDITIONS] = {1.0, 0.85, 1.0, 0.80, 1.0,
                                                         0.79, 1.0, 1.0, 1.0};

/* ---- Key-row builders for the nine keys of each condition -------------------------------- */

#define COND_ARRAY(i, c, member, n, flags_, unit_, range_, defs, desc_, src_)                 \
    {                                                                                        \
        .path = "disease." c "." #member, .type = SIM_CFG_FLOAT_ARRAY, .flags = flags_,      \
        .unit = unit_, .count = n, .def_floats = defs, .range = range_, .desc = desc_,       \
        .source = src_, SIM_CFG_FIELD(MP, disease.condition[i].member),                      \
    }
#define COND_FLOAT(i, c, member, unit_, range_, def, desc_, src_)                             \
    {                                                                                        \
        .path = "disease." c "." #member, .type = SIM_CFG_FLOAT, .unit = unit_,              \
        .def_float = def, .range = range_, .desc = desc_, .source = src_,                    \
        SIM_CFG_FIELD(MP, disease.condition[i].member),                                      \
    }

#define SRC_ASSUMED "modelling assumption (literature-plausible; no evidence row)"
#define SRC_NUNES                                                                            \
    "evidence.md: mortality per extra chronic condition: hazard ratio ~1.20 (Nunes 2016)"
#define SRC_CONTROLLED "modelling choice: roughly two in three controlled (0.6-0.7)"

/* The nine keys of condition i (scenario name c). */
#define CONDITION_KEYS(i, c, prev_m, prev_w, prev_src, dep, dep_src, onset, onset_src, hr,    \
                       hr1, hr_src, sev, sev_src, util, util_src)                             \
    COND_ARRAY(i, c, prevalence_men, PARAMS_AGE_BANDS, 0, "fraction", "[0, 1)", prev_m,      \
               "Share of men with the condition by age band 0-14, 15-24, ..., 75-84, 85+ "   \
               "(must not fall with age: no remission is modelled)",                        \
               prev_src),                                                                   \
    COND_ARRAY(i, c, prevalence_women, PARAMS_AGE_BANDS, 0, "fraction", "[0, 1)", prev_w,    \
               "Share of women with the condition by age band (as prevalence_men)",         \
               prev_src),                                                                   \
    COND_FLOAT(i, c, deprivation_rr, "ratio", "[0.1, 10]", dep,                              \
               "Onset hazard ratio, most vs least deprived quintile (geometric steps; the "  \
               "base hazard is calibrated over who is at risk, so prevalence stays on the " \
               "curve)",                                                                    \
               dep_src),                                                                    \
    COND_ARRAY(i, c, onset_hr, PARAMS_CONDITIONS, 0, "ratio", "(0, 20]", onset,              \
               "Onset hazard ratio when each condition is present, in the order "           \
               "hypertension, diabetes, chd, heart_failure, ckd, copd, depression, "        \
               "dementia, cancer (own entry 1; calibrated over who is at risk like "        \
               "deprivation_rr)",                                                           \
               onset_src),                                                                  \
    COND_FLOAT(i, c, mortality_hr, "ratio", "[0.1, 100]", hr,                                \
               "Mortality hazard ratio from one year after diagnosis on", hr_src),          \
    COND_FLOAT(i, c, mortality_hr_first_year, "ratio", "[0.1, 100]", hr1,                    \
               "Mortality hazard ratio in the first year after diagnosis", hr_src),         \
    COND_FLOAT(i, c, controlled_share, "fraction", "[0, 1]", 0.65,                           \
               "Share of persons whose condition is controlled at diagnosis",               \
               SRC_CONTROLLED),                                                             \
    COND_ARRAY(i, c, severity_shares, PARAMS_SEVERITIES, SIM_CFG_SUM_TO_ONE, "fraction",     \
               "[0, 1]", sev, "Shares of severity levels 1-4 at diagnosis", sev_src),       \
    COND_ARRAY(i, c, utility, PARAMS_SEVERITIES, 0, "multiplier", "(0, 1]", util,            \
               "Utility multiplier by severity level 1-4 (multiplicative model)", util_src)

#define COND_SPECIALTY(i, c, def)                                                            \
    {                                                                                        \
        .path = "disease." c ".specialty", .type = SIM_CFG_CHOICE, .unit = "", .def_str = def,\
        .choices = specialty_choices,                                                        \
        .desc = "Outpatient specialty the GP refers this condition to", .source = "",        \
        SIM_CFG_FIELD(MP, disease.condition[i].specialty),                                   \
    }
#define COND_ACSC(i, c, def)                                                                 \
    {                                                                                        \
        .path = "disease." c ".acsc", .type = SIM_CFG_BOOL, .unit = "", .def_int = def,      \
        .desc = "Ambulatory-care-sensitive: its emergency admissions count as avoidable",    \
        .source = "standard ACSC lists (hypertension, diabetes, angina, heart failure, "     \
                  "COPD count; the others do not)",                                          \
        SIM_CFG_FIELD(MP, disease.condition[i].acsc),                                        \
    }

#define SRC_EXAC                                                                             \
    "modelling assumption, calibrated jointly with the other conditions to evidence.md: "    \
    "hospital discharges per 1000 population 146 (OECD 2023) and ED visits per 1000 per "    \
    "year ~300-400 (OECD; NHS England); docs/model.md"
#define SRC_REFERRAL                                                                         \
    "calibrated with the other referral keys to evidence.md: GP consultations ending in a "  \
    "specialist referral 13.7% (UK; Forrest 2002)"

/* The eleven care keys of condition i: exacerbations and the pathway. */
#define CONDITION_CARE_KEYS(i, c, rate, urr, lapse, severe, self, spec, ref, ctrl, elec, los,  \
                            acsc_)                                                          \
    COND_FLOAT(i, c, exacerbation_rate, "1/year", "[0, 50]", rate,                           \
               "Exacerbations needing care (or self-care) per year while controlled",       \
               SRC_EXAC),                                                                   \
    COND_FLOAT(i, c, uncontrolled_rr, "ratio", "[1, 20]", urr,                               \
               "Exacerbation rate ratio while the condition is uncontrolled", SRC_ASSUMED), \
    COND_FLOAT(i, c, lapse_rate, "1/year", "[0, 20]", lapse,                                 \
               "Rate at which a controlled condition becomes uncontrolled without "         \
               "symptoms (found at the next review)",                                       \
               SRC_ASSUMED),                                                                \
    COND_FLOAT(i, c, severe_share, "fraction", "[0, 1]", severe,                             \
               "Share of exacerbations needing emergency care (taken to the ED)", SRC_EXAC),\
    COND_FLOAT(i, c, self_care_share, "fraction", "[0, 1]", self,                            \
               "Share of exacerbations managed at home without contact (the rest go to "    \
               "the GP as urgent requests)",                                                \
               SRC_ASSUMED),                                                                \
    COND_SPECIALTY(i, c, spec),                                                              \
    COND_FLOAT(i, c, referral_probability, "fraction", "[0, 1]", ref,                        \
               "Probability that a GP visit about the condition, finding it uncontrolled, " \
               "refers to the specialty",                                                   \
               SRC_REFERRAL),                                                               \
    COND_FLOAT(i, c, gp_control_probability, "fraction", "[0, 1]", ctrl,                     \
               "Probability that a GP visit about the uncontrolled condition brings it "    \
               "under control",                                                             \
               SRC_ASSUMED),                                                                \
    COND_FLOAT(i, c, elective_probability, "fraction", "[0, 1]", elec,                       \
               "Probability that a first specialist visit lists an elective admission "     \
               "(procedure)",                                                               \
               SRC_ASSUMED),                                                                \
    COND_FLOAT(i, c, los_days, "days", "[0.5, 100]", los,                                    \
               "Mean length of an emergency stay for an exacerbation",                      \
               "evidence.md: average length of stay, acute ~7-8 days (OECD ~8); by "        \
               "condition modelling assumption"),                                           \
    COND_ACSC(i, c, acsc_)

#define CKEY(path_, def, choices_, member, desc_, src_)                                      \
    {                                                                                        \
        .path = path_, .type = SIM_CFG_CHOICE, .unit = "", .def_str = def,                   \
        .choices = choices_, .desc = desc_, .source = src_, SIM_CFG_FIELD(MP, member),       \
    }
#define BKEY(path_, def, member, desc_, src_)                                                \
    {                                                                                        \
        .path = path_, .type = SIM_CFG_BOOL, .unit = "", .def_int = def, .desc = desc_,      \
        .source = src_, SIM_CFG_FIELD(MP, member),                                           \
    }
#define IKEY(path_, unit_, def, range_, member, desc_, src_)                                 \
    {                                                                                        \
        .path = path_, .type = SIM_CFG_INT, .unit = unit_, .def_int = def, .range = range_,  \
        .desc = desc_, .source = src_, SIM_CFG_FIELD(MP, member),                            \
    }
#define AKEY(path_, unit_, n, defs, range_, member, desc_, src_)                             \
    {                                                                                        \
        .path = path_, .type = SIM_CFG_FLOAT_ARRAY, .unit = unit_, .count = n,               \
        .def_floats = defs, .range = range_, .desc = desc_, .source = src_,                  \
        SIM_CFG_FIELD(MP, member),                                                           \
    }
#define SRC_BASE_FFS                                                                         \
    "base scenario: fee-for-service GPs, per-diem hospitals, no gatekeeping (the issue's "   \
    "reference system)"
#define SRC_AT_COST "modelling choice: tariffs equal the unit costs (costs group)"
#define SRC_NEUTRAL                                                                          \
    "calibrated: about what fee-for-service pays at base, so a switch is roughly "           \
    "budget-neutral before behaviour responds (docs/model.md)"
#define SRC_OFF "off in the base scenario; the lever's scenario sets it"

#define FKEY(path_, unit_, def, range_, member, desc_, src_)                                 \
    {                                                                                        \
        .path = path_, .type = SIM_CFG_FLOAT, .unit = unit_, .def_float = def,               \
        .range = range_, .desc = desc_, .source = src_, SIM_CFG_FIELD(MP, member),           \
    }

static const struct sim_cfg_key keys[] = {
    {
        .path = "name",
        .type = SIM_CFG_STRING,
        .flags = SIM_CFG_REQUIRED | SIM_CFG_IDENT,
        .unit = "",
        .desc = "Scenario name; names the scenario's group in the results file",
        .source = "",
        SIM_CFG_FIELD(MP, name),
    },
    {
        .path = "description",
        .type = SIM_CFG_STRING,
        .unit = "",
        .def_str = "",
        .desc = "What the scenario represents (free text)",
        .source = "",
        SIM_CFG_FIELD(MP, description),
    },
    {
        .path = "run.population",
        .type = SIM_CFG_INT,
        .unit = "persons",
        .def_int = 10000,
        .range = ">= 1",
        .desc = "Persons alive at the start of the run; at most 100000000, and no more than "
                "the machine's memory holds at about 306 bytes per person (checked with an "
                "estimate of memory and time, docs/performance.md)",
        .source = "",
        SIM_CFG_FIELD(MP, run.population),
    },
    {
        .path = "run.horizon_years",
        .type = SIM_CFG_FLOAT,
        .unit = "years",
        .def_float = 10.0,
        .range = "> 0",
        .desc = "Years over which outcomes are recorded, after the warm-up; at most 200, and "
                "at most 1e10 person-years with run.population and the warm-up (checked with "
                "an estimate of memory and time, docs/performance.md)",
        .source = "",
        SIM_CFG_FIELD(MP, run.horizon_years),
    },
    {
        .path = "run.warmup_years",
        .type = SIM_CFG_FLOAT,
        .unit = "years",
        .def_float = 1.0,
        .range = "[0, 100]",
        .desc = "Years simulated before recording starts, so queues and waiting lists "
                "are not empty at the start",
        .source = "",
        SIM_CFG_FIELD(MP, run.warmup_years),
    },
    {
        .path = "run.replications",
        .type = SIM_CFG_INT,
        .unit = "replications",
        .def_int = 10,
        .range = "[1, 1000000]",
        .desc = "Independent replications of the scenario",
        .source = "",
        SIM_CFG_FIELD(MP, run.replications),
    },
    {
        .path = "run.seed",
        .type = SIM_CFG_INT,
        .unit = "",
        .def_int = 1,
        .range = ">= 0",
        .desc = "Master seed: with the replication, entity and purpose it keys every "
                "random stream",
        .source = "",
        SIM_CFG_FIELD(MP, run.seed),
    },
    {
        .path = "run.warm_start",
        .type = SIM_CFG_STRING,
        .unit = "",
        .def_str = "",
        .desc = "Results file (a path relative to this file) whose end_state the run starts "
                "from: appointment books, beds, elective lists and case management as another "
                "run left them, so the warm-up can be short (docs/model.md); empty: an empty "
                "system",
        .source = "modelling choice",
        SIM_CFG_FIELD(MP, run.warm_start),
    },
    {
        .path = "run.warm_start_scenario",
        .type = SIM_CFG_STRING,
        .unit = "",
        .def_str = "",
        .desc = "The scenario of the run.warm_start file to start from; empty: the file's only "
                "scenario, or the one named like this scenario",
        .source = "modelling choice",
        SIM_CFG_FIELD(MP, run.warm_start_scenario),
    },
    {
        .path = "economics.discount_costs",
        .type = SIM_CFG_FLOAT,
        .unit = "1/year",
        .def_float = 0.035,
        .range = "[0, 1)",
        .desc = "Annual discount rate applied to costs",
        .source = "evidence.md: discount rate, costs and effects: 3.5% per year "
                  "(NICE reference case)",
        SIM_CFG_FIELD(MP, economics.discount_costs),
    },
    {
        .path = "economics.discount_effects",
        .type = SIM_CFG_FLOAT,
        .unit = "1/year",
        .def_float = 0.035,
        .range = "[0, 1)",
        .desc = "Annual discount rate applied to QALYs and life-years",
        .source = "evidence.md: discount rate, costs and effects: 3.5% per year "
                  "(NICE reference case)",
        SIM_CFG_FIELD(MP, economics.discount_effects),
    },
    {
        .path = "economics.currency",
        .type = SIM_CFG_CHOICE,
        .unit = "",
        .def_str = "GBP",
        .choices = currency_choices,
        .desc = "Currency of every money amount in the scenario (a label: nothing is "
                "converted)",
        .source = "evidence.md: unit costs are pounds sterling, NHS",
        SIM_CFG_FIELD(MP, economics.currency),
    },
    {
        .path = "economics.wtp_per_qaly",
        .type = SIM_CFG_FLOAT,
        .unit = "currency/QALY",
        .def_float = 20000.0,
        .range = ">= 0",
        .desc = "Willingness to pay per QALY gained: threshold for net monetary benefit "
                "and the CEAC",
        .source = "evidence.md: willingness-to-pay threshold: 20,000-30,000 per QALY "
                  "(NICE); lower end",
        SIM_CFG_FIELD(MP, economics.wtp_per_qaly),
    },
    {
        .path = "population.pyramid",
        .type = SIM_CFG_FLOAT_ARRAY,
        .flags = SIM_CFG_SUM_TO_ONE,
        .unit = "fraction",
        .count = PARAMS_PYRAMID_BANDS,
        .def_floats = def_pyramid,
        .range = "[0, 1]",
        .desc = "Share of persons by age band 0-9, 10-19, ..., 70-79, 80+ at the start; ages "
                "are uniform within a band, and fall linearly to max_age_years in 80+",
        .source = "evidence.md: population pyramid, England and Wales 2021 (ONS Census "
                  "2021, rounded; rescaled from 99.5% to 100%)",
        SIM_CFG_FIELD(MP, population.pyramid),
    },
    {
        .path = "population.max_age_years",
        .type = SIM_CFG_FLOAT,
        .unit = "years",
        .def_float = 98.0,
        .range = "[81, 120]",
        .desc = "Oldest age in the initial population: the 80+ band's density falls "
                "linearly to zero here (about a fifth of the band is 90+)",
        .source = "",
        SIM_CFG_FIELD(MP, population.max_age_years),
    },
    {
        .path = "population.male_share",
        .type = SIM_CFG_FLOAT,
        .unit = "fraction",
        .def_float = 0.512,
        .range = "[0, 1]",
        .desc = "Share of boys among births; at older ages the share of men is what "
                "mortality leaves (initial persons are drawn as survivors)",
        .source = "",
        SIM_CFG_FIELD(MP, population.male_share),
    },
    {
        .path = "population.rural_share",
        .type = SIM_CFG_FLOAT,
        .unit = "fraction",
        .def_float = 0.17,
        .range = "[0, 1]",
        .desc = "Share of persons living in rural areas",
        .source = "evidence.md: rural share ~17% (England)",
        SIM_CFG_FIELD(MP, population.rural_share),
    },
    {
        .path = "population.replace_deaths",
        .type = SIM_CFG_BOOL,
        .unit = "",
        .def_int = 1,
        .desc = "Each death adds a newborn in the same practice and neighbourhood, keeping "
                "the population and every practice's list steady",
        .source = "",
        SIM_CFG_FIELD(MP, population.replace_deaths),
    },
    {
        .path = "population.activation_least",
        .type = SIM_CFG_FLOAT_ARRAY,
        .flags = SIM_CFG_SUM_TO_ONE,
        .unit = "fraction",
        .count = PARAMS_ACTIVATIONS,
        .def_floats = def_activation_least,
        .range = "[0, 1]",
        .desc = "Shares of patient activation levels 1-4 in the least deprived quintile",
        .source = "",
        SIM_CFG_FIELD(MP, population.activation_least),
    },
    {
        .path = "population.activation_most",
        .type = SIM_CFG_FLOAT_ARRAY,
        .flags = SIM_CFG_SUM_TO_ONE,
        .unit = "fraction",
        .count = PARAMS_ACTIVATIONS,
        .def_floats = def_activation_most,
        .range = "[0, 1]",
        .desc = "Shares of activation levels 1-4 in the most deprived quintile (quintiles "
                "2-4 interpolate linearly)",
        .source = "",
        SIM_CFG_FIELD(MP, population.activation_most),
    },
    {
        .path = "practices.list_size",
        .type = SIM_CFG_INT,
        .unit = "persons",
        .def_int = 8000,
        .range = "[1, 1000000]",
        .desc = "Persons registered per general practice (the last practice takes the rest)",
        .source = "",
        SIM_CFG_FIELD(MP, practices.list_size),
    },
    FKEY("practices.clinicians", "FTE", 6.0, "(0, 1000]", practices.clinicians,
         "General practitioners (full-time equivalent) per practice",
         "calibrated: GP consultation rate and waits (docs/model.md); England has about one "
         "FTE GP per 1 700-2 000 registered patients"),
    {
        .path = "practices.slots_per_clinician_day",
        .type = SIM_CFG_INT,
        .unit = "consultations",
        .def_int = 30,
        .range = "[1, 200]",
        .desc = "Consultations a GP offers per working day (Monday-Friday)",
        .source = "modelling assumption: about 30 ten-minute consultations a day",
        SIM_CFG_FIELD(MP, practices.slots_per_clinician_day),
    },
    FKEY("practices.urgent_slot_share", "fraction", 0.30, "[0, 1)",
         practices.urgent_slot_share,
         "Share of each day's slots kept for urgent (same-day) requests", SRC_ASSUMED),
    FKEY("practices.review_interval_controlled_days", "days", 182.0, "[7, 3650]",
         practices.review_interval_controlled_days,
         "Routine chronic-care review interval when every condition is controlled",
         "modelling choice: six-monthly review of chronic conditions (QOF-like)"),
    FKEY("practices.review_interval_uncontrolled_days", "days", 91.0, "[7, 3650]",
         practices.review_interval_uncontrolled_days,
         "Review interval while any condition is uncontrolled", SRC_ASSUMED),
    FKEY("practices.review_multimorbidity_factor", "ratio", 0.8, "[0, 10]",
         practices.review_multimorbidity_factor,
         "The review interval is divided by 1 + factor x (conditions - 1)",
         "calibrated to evidence.md: primary-care use, multimorbid vs not 2.3x (Cassell et "
         "al. 2018)"),
    FKEY("practices.gp_to_ed_probability", "fraction", 0.03, "[0, 1]",
         practices.gp_to_ed_probability,
         "Probability that an acute GP visit sends the person on to the ED", SRC_ASSUMED),
    FKEY("practices.other_referral_probability", "fraction", 0.13, "[0, 1]",
         practices.other_referral_probability,
         "Probability that a GP visit for other need refers to general medicine (the "
         "specialty that stands for every non-modelled one)",
         SRC_REFERRAL),
    {
        .path = "care_seeking.other_need_rate",
        .type = SIM_CFG_FLOAT_ARRAY,
        .unit = "1/year",
        .count = PARAMS_AGE_BANDS,
        .def_floats = def_other_need,
        .range = "[0, 100]",
        .desc = "Episodes of acute need not due to a modelled condition (infections, "
                "injuries, symptoms) by age band 0-14, ..., 85+",
        .source = "calibrated to evidence.md: doctor consultations per person per year 6.8 "
                  "(OECD 2023) and ED visits per 1000 ~300-400; docs/model.md",
        SIM_CFG_FIELD(MP, care_seeking.other_need_rate),
    },
    FKEY("care_seeking.other_self_care_share", "fraction", 0.30, "[0, 1]",
         care_seeking.other_self_care_share,
         "Share of other-need episodes managed at home", SRC_ASSUMED),
    FKEY("care_seeking.other_ed_share", "fraction", 0.025, "[0, 1]",
         care_seeking.other_ed_share,
         "Share of other-need episodes taken straight to the ED",
         "calibrated to evidence.md: ED visits per 1000 per year ~300-400"),
    FKEY("care_seeking.other_urgent_share", "fraction", 0.5, "[0, 1]",
         care_seeking.other_urgent_share,
         "Share of GP requests for other need that are urgent (same-day)", SRC_ASSUMED),
    {
        .path = "care_seeking.forgo_probability",
        .type = SIM_CFG_FLOAT_ARRAY,
        .unit = "fraction",
        .count = PARAMS_ACTIVATIONS,
        .def_floats = def_forgo,
        .range = "[0, 1]",
        .desc = "Probability that a non-emergency need is not taken to care, by patient "
                "activation level 1-4",
        .source = SRC_ASSUMED,
        SIM_CFG_FIELD(MP, care_seeking.forgo_probability),
    },
    FKEY("care_seeking.rural_forgo_extra", "fraction", 0.03, "[0, 1]",
         care_seeking.rural_forgo_extra,
         "Added to the chance of forgoing a non-emergency need for persons in rural areas "
         "(distance to care)",
         SRC_ASSUMED),
    FKEY("care_seeking.forgo_exacerbation_hr", "ratio", 1.3, "[1, 10]",
         care_seeking.forgo_exacerbation_hr,
         "Exacerbation rate ratio while a forgone need is unmet (until the next GP visit)",
         SRC_ASSUMED),
    FKEY("care_seeking.ed_if_gp_wait_days", "days", 2.0, "[0, 365]",
         care_seeking.ed_if_gp_wait_days,
         "Urgent need facing a longer GP wait goes to the ED with probability "
         "ed_if_gp_wait_share",
         SRC_ASSUMED),
    FKEY("care_seeking.ed_if_gp_wait_share", "fraction", 0.3, "[0, 1]",
         care_seeking.ed_if_gp_wait_share, "See ed_if_gp_wait_days", SRC_ASSUMED),
    FKEY("care_seeking.multimorbidity_exacerbation_hr", "ratio", 1.15, "[1, 5]",
         care_seeking.multimorbidity_exacerbation_hr,
         "Exacerbation rate ratio per other condition present",
         "calibrated to evidence.md: unplanned admission, 4+ conditions vs 0: odds ratio 5.9 "
         "(Payne et al. 2013)"),
    FKEY("care_seeking.severity_exacerbation_hr", "ratio", 1.4, "[1, 5]",
         care_seeking.severity_exacerbation_hr,
         "Exacerbation rate ratio per severity level above 1 (NYHA class, GOLD stage)",
         SRC_ASSUMED),
    {
        .path = "outpatient.capacity_per_1000_year",
        .type = SIM_CFG_FLOAT_ARRAY,
        .unit = "attendances/1000/year",
        .count = PARAMS_SPECIALTIES,
        .def_floats = def_op_capacity,
        .range = "[0, 100000]",
        .desc = "Clinic attendances offered per 1000 persons per year by specialty "
                "(cardiology, respiratory, endocrinology, mental_health, oncology, "
                "general_medicine)",
        .source = "calibrated: 90-95% of clinic slots used at base; waits of days (nearer "
                  "full use they become unstable: no one leaves a list; docs/model.md)",
        SIM_CFG_FIELD(MP, outpatient.capacity_per_1000_year),
    },
    FKEY("outpatient.urgent_slot_share", "fraction", 0.15, "[0, 1)",
         outpatient.urgent_slot_share,
         "Share of clinic slots kept for urgent referrals (suspected cancer, severe)",
         SRC_ASSUMED),
    FKEY("outpatient.followup_probability", "fraction", 0.55, "[0, 0.95]",
         outpatient.followup_probability,
         "Probability that a specialist visit books a follow-up visit",
         "modelling assumption: about 1.2 follow-ups per first attendance"),
    FKEY("outpatient.followup_interval_days", "days", 91.0, "[1, 3650]",
         outpatient.followup_interval_days, "Follow-up booked this many days ahead",
         SRC_ASSUMED),
    FKEY("outpatient.control_probability", "fraction", 0.45, "[0, 1]",
         outpatient.control_probability,
         "Probability that a specialist visit brings the referred condition under control",
         SRC_ASSUMED),
    FKEY("outpatient.other_elective_probability", "fraction", 0.078, "[0, 1]",
         outpatient.other_elective_probability,
         "Probability that a first visit for other need lists an elective admission",
         "calibrated to evidence.md: hospital discharges per 1000 146 (OECD 2023)"),
    FKEY("hospital.beds_per_1000", "beds/1000", 3.0, "(0, 100]", hospital.beds_per_1000,
         "Acute beds per 1000 persons (the modelled conditions and other need)",
         "evidence.md: curative beds per 1000 4.3 (OECD average); England ~2.4 general and "
         "acute; calibrated so occupancy lands in evidence.md's 70-90% (docs/model.md)"),
    {
        .path = "hospital.catchment",
        .type = SIM_CFG_INT,
        .unit = "persons",
        .def_int = 250000,
        .range = "[1000, 100000000]",
        .desc = "Persons per hospital (practices are assigned to hospitals in order)",
        .source = "modelling assumption: a district general hospital",
        SIM_CFG_FIELD(MP, hospital.catchment),
    },
    FKEY("hospital.ed_admit_probability", "fraction", 0.55, "[0, 1]",
         hospital.ed_admit_probability,
         "Probability that an ED attendance for a severe exacerbation is admitted",
         SRC_EXAC),
    FKEY("hospital.ed_admit_probability_other", "fraction", 0.20, "[0, 1]",
         hospital.ed_admit_probability_other,
         "Probability that an ED attendance for other need is admitted",
         "modelling assumption: about one in four to five ED attendances is admitted "
         "(NHS England A&E statistics)"),
    FKEY("hospital.other_los_days", "days", 6.5, "[0.5, 100]", hospital.other_los_days,
         "Mean stay of an emergency admission for other need",
         "evidence.md: average length of stay, acute ~7-8 days (OECD); shorter for "
         "non-chronic admissions (modelling assumption)"),
    FKEY("hospital.los_shape", "", 1.5, "[0.1, 100]", hospital.los_shape,
         "Gamma shape of lengths of stay (coefficient of variation 1/sqrt(shape))",
         SRC_ASSUMED),
    FKEY("hospital.elective_los_days", "days", 4.0, "[0.5, 100]",
         hospital.elective_los_days, "Mean stay of an elective admission", SRC_ASSUMED),
    FKEY("hospital.elective_capacity_per_1000_year", "admissions/1000/year", 62.0,
         "[0, 10000]", hospital.elective_capacity_per_1000_year,
         "Elective admissions the hospital schedules per 1000 persons per year",
         "calibrated to evidence.md: hospital discharges per 1000 146 (OECD 2023)"),
    FKEY("hospital.elective_bed_buffer", "fraction", 0.05, "[0, 1)",
         hospital.elective_bed_buffer,
         "Share of beds an elective admission may not take (kept for emergencies); "
         "electives that find no bed are cancelled and stay at the head of the list",
         SRC_ASSUMED),
    FKEY("hospital.pressure_occupancy", "fraction", 0.92, "(0, 1]",
         hospital.pressure_occupancy,
         "Occupancy at or above which new stays are shortened",
         "evidence.md: bed occupancy >85-90% is crisis territory (Bagust et al. 1999)"),
    FKEY("hospital.pressure_los_factor", "ratio", 0.85, "(0, 1]",
         hospital.pressure_los_factor, "Stay multiplier under pressure", SRC_ASSUMED),
    FKEY("hospital.pressure_readmission_hr", "ratio", 1.3, "[1, 10]",
         hospital.pressure_readmission_hr,
         "Extra post-discharge exacerbation ratio after a stay shortened under pressure",
         SRC_ASSUMED),
    FKEY("hospital.post_discharge_days", "days", 30.0, "[0, 365]",
         hospital.post_discharge_days,
         "Window after discharge with raised exacerbation risk (and of readmission counts)",
         "standard 30-day readmission window"),
    FKEY("hospital.post_discharge_hr", "ratio", 1.5, "[1, 20]", hospital.post_discharge_hr,
         "Exacerbation rate ratio in the post-discharge window",
         "calibrated to evidence.md: 30-day readmission 10-12% (England) to 19.6% (US "
         "Medicare)"),
    FKEY("hospital.relapse_rate", "1/year", 2.5, "[0, 100]", hospital.relapse_rate,
         "Hazard of a relapse that brings the person back to the ED within the "
         "post-discharge window (times pressure_readmission_hr after a pressured stay)",
         "calibrated to evidence.md: 30-day readmission 10-12% (England) to 19.6% (US "
         "Medicare)"),
    FKEY("hospital.relapse_admit_probability", "fraction", 0.6, "[0, 1]",
         hospital.relapse_admit_probability,
         "Probability that a relapse seen at the ED is admitted (a readmission)",
         SRC_ASSUMED),
    FKEY("hospital.admission_mortality_hr", "ratio", 40.0, "[1, 1000]",
         hospital.admission_mortality_hr,
         "Mortality hazard ratio while in hospital after an emergency admission",
         "calibrated: about 2% of emergency admissions end in death in hospital (modelling "
         "assumption; English figures are a few per cent)"),
    FKEY("hospital.progression_probability", "fraction", 0.15, "[0, 1]",
         hospital.progression_probability,
         "Probability that an emergency admission for an exacerbation raises the "
         "condition's severity by one level",
         SRC_ASSUMED),
    FKEY("hospital.postacute_share_under_75", "fraction", 0.05, "[0, 1]",
         hospital.postacute_share_under_75,
         "Share of discharges under 75 to post-acute (intermediate or nursing) care",
         SRC_ASSUMED),
    FKEY("hospital.postacute_share_75plus", "fraction", 0.25, "[0, 1]",
         hospital.postacute_share_75plus, "The same at 75 and over",
         "evidence.md: institutional post-acute discharge 33.7% after joint replacement "
         "(Finkelstein et al. 2018); lower for all admissions (modelling assumption)"),
    FKEY("hospital.postacute_days", "days", 21.0, "[1, 365]", hospital.postacute_days,
         "Mean post-acute stay (the cost is booked at discharge)", SRC_ASSUMED),
    FKEY("hospital.discharge_gp_followup_probability", "fraction", 0.5, "[0, 1]",
         hospital.discharge_gp_followup_probability,
         "Probability that a discharge books a GP review", SRC_ASSUMED),
    FKEY("hospital.discharge_gp_followup_days", "days", 7.0, "[0, 365]",
         hospital.discharge_gp_followup_days,
         "The post-discharge GP review is requested this many days after discharge",
         SRC_ASSUMED),
    FKEY("costs.gp_visit", "currency", 39.0, ">= 0", costs.gp_visit,
         "General-practice consultation",
         "evidence.md: GP consultation 33-44 (PSSRU Unit Costs 2022)"),
    FKEY("costs.outpatient_visit", "currency", 120.0, ">= 0", costs.outpatient_visit,
         "Specialist clinic attendance",
         "evidence.md: outpatient (specialist) attendance ~120 (NHS National Cost "
         "Collection 2021/22)"),
    FKEY("costs.ed_attendance", "currency", 148.0, ">= 0", costs.ed_attendance,
         "Emergency department attendance",
         "evidence.md: emergency department attendance ~148 (NHS National Cost Collection)"),
    FKEY("costs.nonelective_spell", "currency", 1590.0, ">= 0", costs.nonelective_spell,
         "Emergency admission up to the trim point",
         "evidence.md: non-elective inpatient stay ~1,590 per spell (NHS National Cost "
         "Collection)"),
    FKEY("costs.trim_days", "days", 5.0, "[0, 365]", costs.trim_days,
         "Days of stay covered by the spell price; longer stays pay excess bed days",
         "modelling assumption (the cost collection's trim points vary by HRG)"),
    FKEY("costs.excess_bed_day", "currency", 313.0, ">= 0", costs.excess_bed_day,
         "Each (started) day beyond the trim point",
         "evidence.md: +313 per excess bed day (NHS National Cost Collection)"),
    FKEY("costs.elective_spell", "currency", 3750.0, ">= 0", costs.elective_spell,
         "Elective admission",
         "evidence.md: elective inpatient spell ~3,500-4,000 (NHS National Cost "
         "Collection)"),
    FKEY("costs.postacute_day", "currency", 150.0, ">= 0", costs.postacute_day,
         "Day of post-acute (intermediate or nursing) care",
         "modelling assumption of the order of PSSRU 2022 care-home and intermediate-care "
         "day costs (no evidence.md row)"),
    FKEY("costs.copay_gp", "currency", 0.0, ">= 0", costs.copay_gp,
         "Patient copayment per GP consultation (out of pocket)",
         "NHS: free at the point of use"),
    FKEY("costs.copay_outpatient", "currency", 0.0, ">= 0", costs.copay_outpatient,
         "Patient copayment per specialist attendance", "NHS: free at the point of use"),
    FKEY("costs.copay_ed", "currency", 0.0, ">= 0", costs.copay_ed,
         "Patient copayment per ED attendance", "NHS: free at the point of use"),
    {
        .path = "reform.scenario",
        .type = SIM_CFG_STRING,
        .unit = "",
        .def_str = "",
        .desc = "Scenario file whose practices, care_seeking, outpatient, hospital, costs, "
                "payment, behaviour and policy groups take over at reform.at_years (a path "
                "relative to this file; empty: no reform)",
        .source = "modelling choice",
        SIM_CFG_FIELD(MP, reform.scenario),
    },
    FKEY("reform.at_years", "years", 3.0, "[0, 200]", reform.at_years,
         "When the reform starts, years after the warm-up (before the end of the run)",
         "modelling choice"),
    FKEY("reform.phase_in_months", "months", 0.0, "[0, 120]", reform.phase_in_months,
         "GP, clinic and bed capacity move to the reform's level in monthly steps over this "
         "many months (0: at once); payment and policy switch at once",
         "modelling choice"),
    CKEY("payment.gp_mechanism", "fee_for_service", gp_payment_choices, payment.gp_mechanism,
         "How GPs are paid: fee_for_service (per visit), capitation (per registered person), "
         "salary (per FTE), blended (capitation plus a share of the fee per visit)",
         SRC_BASE_FFS),
    FKEY("payment.gp_fee", "currency", 39.0, ">= 0", payment.gp_fee,
         "Fee per GP consultation", SRC_AT_COST),
    FKEY("payment.gp_capitation", "currency/year", 210.0, ">= 0", payment.gp_capitation,
         "Capitation per registered person per year (scaled by the risk weights)",
         SRC_NEUTRAL),
    FKEY("payment.gp_capitation_risk_weight", "ratio", 0.0, "[0, 10]",
         payment.gp_capitation_risk_weight,
         "Extra capitation weight per chronic condition (0: unadjusted; weights are "
         "normalised to a mean of 1 at the start)",
         "modelling choice"),
    FKEY("payment.gp_blend_fee_share", "fraction", 0.3, "[0, 1]", payment.gp_blend_fee_share,
         "Blended payment: share of the fee paid per visit (capitation pays the rest)",
         "modelling choice"),
    FKEY("payment.gp_salary_per_fte", "currency/year", 280000.0, ">= 0",
         payment.gp_salary_per_fte,
         "Salary budget per GP (FTE) per year, practice costs included", SRC_NEUTRAL),
    FKEY("payment.p4p_bonus", "currency/year", 0.0, ">= 0", payment.p4p_bonus,
         "Pay-for-performance bonus per controlled chronic condition per year (QOF-like), "
         "paid to the practice at the end of each year; 0 = none",
         SRC_OFF),
    CKEY("payment.specialist_mechanism", "fee_for_service", spec_payment_choices,
         payment.specialist_mechanism,
         "How specialists are paid: fee_for_service (per attendance) or salary (a budget)",
         SRC_BASE_FFS),
    FKEY("payment.specialist_fee", "currency", 120.0, ">= 0", payment.specialist_fee,
         "Fee per specialist attendance", SRC_AT_COST),
    FKEY("payment.specialist_salary_use", "fraction", 0.9, "[0, 1]",
         payment.specialist_salary_use,
         "Salary: the budget pays this share of the clinic slots offered at the fee",
         "modelling choice: about the slot use at base"),
    CKEY("payment.hospital_mechanism", "per_diem", hosp_payment_choices,
         payment.hospital_mechanism,
         "How hospitals are paid: per_diem (per bed-day), drg (per admission), "
         "global_budget (fixed per year), bundled (per episode: stay, post-acute care and "
         "readmissions within bundle_days)",
         SRC_BASE_FFS),
    FKEY("payment.ed_fee", "currency", 148.0, ">= 0", payment.ed_fee,
         "Fee per ED attendance (included in a global budget)", SRC_AT_COST),
    FKEY("payment.per_diem", "currency", 470.0, ">= 0", payment.per_diem,
         "Per-diem payment per bed-day",
         "calibrated: per-diem payments for all stays about equal their unit costs at base "
         "(docs/model.md)"),
    FKEY("payment.drg_emergency", "currency", 1590.0, ">= 0", payment.drg_emergency,
         "DRG price of an emergency admission at the average stay, scaled by the "
         "condition's mean stay over the average",
         "evidence.md: non-elective inpatient stay ~1,590 per spell (NHS National Cost "
         "Collection)"),
    FKEY("payment.drg_elective", "currency", 3750.0, ">= 0", payment.drg_elective,
         "DRG price of an elective admission",
         "evidence.md: elective inpatient spell ~3,500-4,000 (NHS National Cost Collection)"),
    FKEY("payment.global_budget_per_1000", "currency/year", 508000.0, ">= 0",
         payment.global_budget_per_1000,
         "Global budget per 1000 catchment persons per year (ED and all stays)",
         "calibrated to evidence.md: hospital global budget (Maryland): hospital spending "
         "-4.1% vs control (Roberts et al. 2018): 96% of base hospital spending"),
    FKEY("payment.bundle_price", "currency", 2700.0, ">= 0", payment.bundle_price,
         "Bundled price of an emergency episode (stay, post-acute care, readmissions within "
         "bundle_days: the hospital pays the post-acute provider)",
         "calibrated to evidence.md: bundled payments: episode spend -2 to -4% (Finkelstein "
         "et al. 2018; Dummit 2016)"),
    FKEY("payment.bundle_days", "days", 30.0, "[0, 365]", payment.bundle_days,
         "Episode length after discharge covered by the bundle",
         "evidence.md bundled payments row (BPCI/CJR episodes run 30-90 days)"),
    FKEY("payment.postacute_fee_per_day", "currency", 150.0, ">= 0",
         payment.postacute_fee_per_day, "Payment per post-acute day", SRC_AT_COST),
    FKEY("behaviour.gp_altruism", "ratio", 1.0, "[0, 100]", behaviour.gp_altruism,
         "Weight GPs give to patient benefit against money (McGuire 2000)",
         "modelling choice (scale absorbed by the k keys)"),
    FKEY("behaviour.specialist_altruism", "ratio", 1.0, "[0, 100]",
         behaviour.specialist_altruism, "The same for specialists",
         "modelling choice (scale absorbed by the k keys)"),
    FKEY("behaviour.hospital_altruism", "ratio", 1.0, "[0, 100]", behaviour.hospital_altruism,
         "The same for hospitals", "modelling choice (scale absorbed by the k keys)"),
    FKEY("behaviour.gp_review_k", "currency", 130.0, "> 0", behaviour.gp_review_k,
         "How steeply patient benefit falls as review frequency leaves the clinically "
         "indicated level (per review)",
         "calibrated to evidence.md: fee-for-service vs salary ~30% more visits (Gosden "
         "2000) and capitation -> FFS +5% services (Krasnik 1990): capitation gives 30% "
         "fewer reviews, 5-10% fewer visits"),
    FKEY("behaviour.gp_referral_k", "currency", 520.0, "> 0", behaviour.gp_referral_k,
         "The same for referrals (per referral)",
         "calibrated: capitation raises referrals about 15% (cost shifting; modelling "
         "assumption)"),
    FKEY("behaviour.visits_per_referral", "visits", 2.0, "[0, 100]",
         behaviour.visits_per_referral,
         "GP visits a referral takes over (revenue lost under fees, effort saved)",
         SRC_ASSUMED),
    FKEY("behaviour.specialist_followup_k", "currency", 600.0, "> 0",
         behaviour.specialist_followup_k, "The same for specialist follow-ups",
         "calibrated: salaried specialists book 20% fewer follow-ups (modelling "
         "assumption)"),
    FKEY("behaviour.hospital_los_k", "currency", 2100.0, "> 0", behaviour.hospital_los_k,
         "The same for length of stay (per bed-day)",
         "calibrated: case payment (DRG) shortens stays by about 15% against per diem "
         "(modelling assumption in line with DRG introductions)"),
    FKEY("behaviour.hospital_admission_k", "currency", 35000.0, "> 0",
         behaviour.hospital_admission_k, "The same for admitting from the ED (per admission)",
         "calibrated to evidence.md: hospital global budget (Maryland): hospital spending "
         "-4.1% (Roberts et al. 2018)"),
    FKEY("behaviour.hospital_postacute_k", "currency", 36600.0, "> 0",
         behaviour.hospital_postacute_k,
         "The same for discharging to post-acute care (per discharge)",
         "calibrated to evidence.md: bundled payments: institutional post-acute discharge "
         "-2.9 pp from 33.7% (Finkelstein et al. 2018)"),
    FKEY("behaviour.gp_control_k", "currency", 200.0, "> 0", behaviour.gp_control_k,
         "The same for the GP's effort to bring a condition under control at a visit (per "
         "success; moved by pay-for-performance)",
         "calibrated to evidence.md: pay-for-performance (UK QOF): ACSC admissions -2.7%, up "
         "to -8% for incentivised conditions (Harrison et al. 2014)"),
    FKEY("behaviour.years_controlled", "years", 2.0, "[0, 100]", behaviour.years_controlled,
         "Years a condition brought under control stays so (about 1 / lapse rate): the "
         "bonus years a success earns",
         "the lapse rates of the disease keys (0.4-0.6 per year)"),
    FKEY("behaviour.min_multiplier", "ratio", 0.5, "(0, 1]", behaviour.min_multiplier,
         "Lower bound of every decision relative to the clinically indicated level",
         "modelling choice"),
    FKEY("behaviour.max_multiplier", "ratio", 1.5, "[1, 10]", behaviour.max_multiplier,
         "Upper bound of every decision", "modelling choice"),
    CKEY("policy.gatekeeping", "none", gatekeeping_choices, policy.gatekeeping,
         "Gatekeeping: none (patients may go straight to a specialist), soft (they may, "
         "with a copayment), strict (specialists only by GP referral; the ED stays open)",
         SRC_BASE_FFS),
    FKEY("policy.direct_access_share", "fraction", 0.06, "[0, 1]",
         policy.direct_access_share,
         "Without strict gatekeeping: share of GP-bound needs taken straight to a "
         "specialist clinic",
         "calibrated to evidence.md: gatekeeping: Switzerland gatekeeper plans -15 to -19% "
         "spending (part selection); lower specialist use"),
    FKEY("policy.self_referral_copay", "currency", 50.0, ">= 0", policy.self_referral_copay,
         "Soft gatekeeping: copayment for a self-referral (lowers direct access through "
         "copay_elasticity)",
         "modelling assumption"),
    FKEY("policy.copay_elasticity", "ratio", -0.2, "[-5, 0]", policy.copay_elasticity,
         "Price elasticity of demand for care: a copayment c on a service of unit cost p "
         "removes a share -elasticity x c / p of the demand",
         "evidence.md: copayment price elasticity ~-0.2 (RAND Health Insurance Experiment)"),
    FKEY("policy.cm_capacity_per_1000", "places/1000", 0.0, "[0, 1000]",
         policy.cm_capacity_per_1000,
         "Case management: places per 1000 persons (0: none); people are enrolled at "
         "discharge from an emergency admission while places are free",
         SRC_OFF),
    IKEY("policy.cm_min_conditions", "conditions", 3, "[0, 9]", policy.cm_min_conditions,
         "Case management eligibility: at least this many chronic conditions",
         "modelling choice (high-risk multimorbid patients)"),
    FKEY("policy.cm_contacts_per_year", "contacts/year", 12.0, "[0, 365]",
         policy.cm_contacts_per_year, "Case-manager contacts per enrolled person per year",
         SRC_ASSUMED),
    FKEY("policy.cm_cost_per_contact", "currency", 55.0, ">= 0", policy.cm_cost_per_contact,
         "Cost of a case-manager contact (one hour)",
         "evidence.md: community nurse / case-manager hour ~50-60 (PSSRU 2022)"),
    FKEY("policy.cm_control_probability", "fraction", 0.05, "[0, 1]",
         policy.cm_control_probability,
         "Probability that a contact brings an uncontrolled condition under control",
         "calibrated to evidence.md: case management: no significant average effect on "
         "admissions or costs (Stokes et al. 2015)"),
    FKEY("policy.cm_early_detection", "fraction", 0.10, "[0, 1]", policy.cm_early_detection,
         "Share of an enrolled person's severe exacerbations caught early (GP instead of "
         "ED)",
         "calibrated to evidence.md: case management: no significant average effect "
         "(Stokes et al. 2015)"),
    BKEY("policy.shared_record", 0, policy.shared_record,
         "Shared electronic record across GP, clinics and hospital", SRC_OFF),
    FKEY("policy.record_followup_reduction", "fraction", 0.10, "[0, 1]",
         policy.record_followup_reduction,
         "Shared record: fewer repeat specialist follow-ups (duplicate tests avoided)",
         "evidence.md: shared electronic record: fewer duplicate tests (Vest 2014); size "
         "modelling assumption"),
    FKEY("policy.record_relapse_hr", "ratio", 0.95, "(0, 2]", policy.record_relapse_hr,
         "Shared record: relapse hazard ratio after discharge (better handover)",
         "evidence.md: effect on admissions small/uncertain (systematic reviews)"),
    FKEY("policy.record_cost_per_person_year", "currency/year", 5.0, ">= 0",
         policy.record_cost_per_person_year, "Shared record: system cost per person-year",
         SRC_ASSUMED),
    AKEY("policy.pathway_coverage", "fraction", PARAMS_CONDITIONS, def_pathway_coverage,
         "[0, 1]", policy.pathway_coverage,
         "Care pathways / multidisciplinary teams: share of the patients of each condition "
         "covered (order hypertension, diabetes, chd, heart_failure, ckd, copd, depression, "
         "dementia, cancer)",
         SRC_OFF),
    FKEY("policy.pathway_control_gain", "ratio", 0.3, "[0, 10]", policy.pathway_control_gain,
         "Covered patients: GP control probability x (1 + gain)", SRC_ASSUMED),
    FKEY("policy.pathway_referral_reduction", "fraction", 0.3, "[0, 1]",
         policy.pathway_referral_reduction,
         "Covered patients: referral probability x (1 - reduction)", SRC_ASSUMED),
    FKEY("policy.pathway_cost_per_patient_year", "currency/year", 40.0, ">= 0",
         policy.pathway_cost_per_patient_year, "Cost per covered patient-year", SRC_ASSUMED),
    FKEY("policy.selfman_coverage", "fraction", 0.0, "[0, 1]", policy.selfman_coverage,
         "Self-management support: share of patients covered (every condition with an "
         "exacerbation ratio below 1)",
         SRC_OFF),
    AKEY("policy.selfman_exacerbation_hr", "ratio", PARAMS_CONDITIONS, def_selfman_hr,
         "(0, 2]", policy.selfman_exacerbation_hr,
         "Self-management: exacerbation hazard ratio by condition when covered",
         "evidence.md: COPD self-management: respiratory admissions HR ~0.79 (Zwerink et "
         "al. 2014); HF and diabetes modelling assumption"),
    FKEY("policy.selfman_cost_per_patient_year", "currency/year", 100.0, ">= 0",
         policy.selfman_cost_per_patient_year, "Cost per covered patient-year", SRC_ASSUMED),
    FKEY("policy.tele_slot_share", "fraction", 0.0, "[0, 5]", policy.tele_slot_share,
         "Telemedicine: remote GP slots added, as a share of the face-to-face slots",
         SRC_OFF),
    FKEY("policy.tele_new_demand", "fraction", 0.88, "[0, 1]", policy.tele_new_demand,
         "Share of remote visits that are new demand (needs that would have been managed "
         "at home)",
         "evidence.md: direct-to-consumer telehealth: ~88% of visits are new demand "
         "(Ashwood et al. 2017)"),
    FKEY("policy.tele_visit_cost", "currency", 25.0, ">= 0", policy.tele_visit_cost,
         "Cost of a remote GP consultation", SRC_ASSUMED),
    FKEY("policy.hf_monitoring_coverage", "fraction", 0.0, "[0, 1]",
         policy.hf_monitoring_coverage,
         "Heart-failure telemonitoring: share of heart-failure patients monitored", SRC_OFF),
    FKEY("policy.hf_monitoring_mortality_hr", "ratio", 0.80, "(0, 2]",
         policy.hf_monitoring_mortality_hr, "Mortality hazard ratio when monitored",
         "evidence.md: heart-failure telemonitoring: all-cause mortality OR ~0.80 (Inglis "
         "et al. 2015)"),
    FKEY("policy.hf_monitoring_severe_hr", "ratio", 0.8, "(0, 2]",
         policy.hf_monitoring_severe_hr,
         "Severe share of heart-failure exacerbations when monitored (caught earlier)",
         "evidence.md: heart-failure telemonitoring: HF admissions lower (Inglis et al. "
         "2015)"),
    FKEY("policy.hf_monitoring_cost_per_year", "currency/year", 500.0, ">= 0",
         policy.hf_monitoring_cost_per_year, "Cost per monitored patient-year", SRC_ASSUMED),
    FKEY("policy.hah_share", "fraction", 0.0, "[0, 1]", policy.hah_share,
         "Hospital at home: share of emergency admissions for COPD, heart failure or other "
         "need treated at home instead of a bed",
         SRC_OFF),
    FKEY("policy.hah_mortality_hr", "ratio", 0.88, "(0, 2]", policy.hah_mortality_hr,
         "Acute mortality at home relative to a hospital stay",
         "evidence.md: hospital at home: mortality RR ~0.88 (Shepperd et al. 2016/2021)"),
    FKEY("policy.hah_relapse_hr", "ratio", 1.14, "(0, 5]", policy.hah_relapse_hr,
         "Relapse hazard ratio after care at home",
         "evidence.md: hospital at home: readmission RR ~1.14 (Shepperd et al.)"),
    FKEY("policy.hah_cost_per_day", "currency", 200.0, ">= 0", policy.hah_cost_per_day,
         "Cost of a day of hospital at home",
         "evidence.md: hospital at home: cost lower (Shepperd et al.); level modelling "
         "assumption"),
    FKEY("policy.tc_coverage", "fraction", 0.0, "[0, 1]", policy.tc_coverage,
         "Transitional care after discharge: share of discharges covered", SRC_OFF),
    FKEY("policy.tc_relapse_hr", "ratio", 0.82, "(0, 2]", policy.tc_relapse_hr,
         "Relapse hazard ratio with transitional care",
         "evidence.md: transitional care after discharge: 30-day readmission RR ~0.82 "
         "(Leppin et al. 2014)"),
    FKEY("policy.tc_cost_per_discharge", "currency", 250.0, ">= 0",
         policy.tc_cost_per_discharge,
         "Cost of transitional care per covered discharge (a few nurse contacts)",
         "evidence.md: community nurse hour ~50-60 (PSSRU 2022), about 4-5 hours"),
    FKEY("policy.nurse_slots_per_practice_day", "consultations/day", 0.0, "[0, 10000]",
         policy.nurse_slots_per_practice_day,
         "Task shifting: nurse consultations a practice adds per working day (scaled by list "
         "size)",
         SRC_OFF),
    FKEY("policy.nurse_visit_cost", "currency", 20.0, ">= 0", policy.nurse_visit_cost,
         "Cost of a nurse consultation replacing a GP one",
         "modelling assumption of the order of PSSRU 2022 practice-nurse costs"),
    {
        .path = "mortality.gompertz_slope",
        .type = SIM_CFG_FLOAT,
        .unit = "1/year",
        .def_float = 0.085,
        .range = "[0.01, 0.2]",
        .desc = "Gompertz slope b: background mortality a * exp(b * age) grows by this "
                "rate per year of age",
        .source = "evidence.md: mortality by age: Gompertz, slope 0.07-0.09 per year of age "
                  "(standard life-table fits, e.g. HMD)",
        SIM_CFG_FIELD(MP, mortality.gompertz_slope),
    },
    {
        .path = "mortality.gompertz_a_men",
        .type = SIM_CFG_FLOAT,
        .unit = "1/year",
        .def_float = 3.35e-5,
        .range = "(0, 0.1]",
        .desc = "Gompertz level a for men: background hazard at age 0 of a man with none of "
                "the modelled conditions",
        .source = "calibrated: life expectancy at birth with the conditions in place, "
                  "evidence.md: ~80-82 years (OECD average 80.3); docs/model.md",
        SIM_CFG_FIELD(MP, mortality.gompertz_a_men),
    },
    {
        .path = "mortality.gompertz_a_women",
        .type = SIM_CFG_FLOAT,
        .unit = "1/year",
        .def_float = 2.2e-5,
        .range = "(0, 0.1]",
        .desc = "Gompertz level a for women",
        .source = "calibrated: life expectancy at birth with the conditions in place, "
                  "evidence.md: ~80-82 years (OECD average 80.3); docs/model.md",
        SIM_CFG_FIELD(MP, mortality.gompertz_a_women),
    },
    CONDITION_KEYS(0, "hypertension", prev_htn_men, prev_htn_women,
                   "evidence.md: hypertension, men / women: 15-24: 6/2%; 25-34: 11/5%; ...; "
                   "65-74: 64/64%; 75+: 64/75% (FPH ready reckoner, England); 0-14: 0",
                   2.25,
                   "evidence.md: hypertension, deprivation: age-adjusted 23% least vs 40% "
                   "most deprived (HSE 2021); 2.25 reproduces that ratio (docs/model.md)",
                   onset_none, "", 1.20, 1.20, SRC_NUNES, sev_single, "",
                   util_htn, SRC_ASSUMED),
    CONDITION_CARE_KEYS(0, "hypertension", 0.05, 2.0, 0.62, 0.10, 0.30, "cardiology", 0.04, 0.30, 0.02, 3.0, 1),
    CONDITION_KEYS(1, "diabetes", prev_diabetes, prev_diabetes,
                   "evidence.md: diabetes (doctor-diagnosed): ~1% under 35, rising to ~16% at "
                   "75+ (HSE 2021); bands between interpolated (modelling choice)",
                   2.0, SRC_ASSUMED, onset_none, "", 1.20, 1.20, SRC_NUNES, sev_single, "",
                   util_diabetes,
                   "evidence.md: type 2 diabetes decrement -0.054 (Sullivan et al. 2011): "
                   "(0.79 - 0.054) / 0.79"),
    CONDITION_CARE_KEYS(1, "diabetes", 0.30, 2.0, 0.50, 0.08, 0.30, "endocrinology", 0.09, 0.24, 0.03, 5.0, 1),
    CONDITION_KEYS(2, "chd", prev_chd, prev_chd,
                   "modelling choice: coronary heart disease alone, about half of "
                   "evidence.md's coronary heart disease or stroke ~8% of adults (Scottish "
                   "Health Survey 2013); rising steeply with age",
                   2.0, SRC_ASSUMED, onset_chd, SRC_ASSUMED, 1.20, 1.20, SRC_NUNES,
                   sev_single, "", util_chd, SRC_ASSUMED),
    CONDITION_CARE_KEYS(2, "chd", 0.25, 2.0, 0.38, 0.30, 0.20, "cardiology", 0.18, 0.30, 0.25, 5.0, 1),
    CONDITION_KEYS(3, "heart_failure", prev_hf, prev_hf,
                   "evidence.md: heart failure: ~1 in 35 at 65-74, 1 in 15 at 75-84, 1 in 7 "
                   "at 85+ (Conrad et al. 2018); younger bands modelling choice",
                   1.61,
                   "evidence.md: heart failure, deprivation: most deprived 61% more likely "
                   "to develop HF (Conrad et al. 2018)",
                   onset_hf, SRC_ASSUMED, 3.5, 8.0,
                   "calibrated to evidence.md: heart failure survival after diagnosis 63% at "
                   "1 year, 35% at 5 years (Rotterdam Study, Bleumink et al. 2004); its 86% at "
                   "30 days is acute (admission) mortality, left to the hospital module; "
                   "docs/model.md",
                   sev_hf, "modelling choice (NYHA class I-IV)", util_hf,
                   "evidence.md: heart failure by NYHA class I/II/III/IV 0.82 / 0.74 / 0.64 / "
                   "0.46 (Calvert et al. 2005; Goehler 2009), divided by 0.79, capped at 1"),
    CONDITION_CARE_KEYS(3, "heart_failure", 0.60, 2.0, 0.50, 0.35, 0.10, "cardiology", 0.18, 0.27, 0.05, 9.0, 1),
    CONDITION_KEYS(4, "ckd", prev_ckd, prev_ckd,
                   "evidence.md: chronic kidney disease stage 3-5: 11% of adults 35+; 34-36% "
                   "at 75+ (PHE CKD prevalence model 2014; HSE 2016, 2021-22)",
                   1.5, SRC_ASSUMED, onset_ckd, SRC_ASSUMED, 1.20, 1.20, SRC_NUNES,
                   sev_single, "", util_ckd, SRC_ASSUMED),
    CONDITION_CARE_KEYS(4, "ckd", 0.10, 1.8, 0.38, 0.15, 0.30, "general_medicine", 0.08, 0.30, 0.02, 7.0, 0),
    CONDITION_KEYS(5, "copd", prev_copd, prev_copd,
                   "evidence.md: COPD (doctor-diagnosed): ~4% of adults, rising steeply after "
                   "55 (Scottish Health Survey 2013); COPD prevalence, 65+: ~11% (CMS)",
                   2.5, SRC_ASSUMED, onset_none, "", 1.20, 1.20, SRC_NUNES, sev_copd,
                   "modelling choice (GOLD stage 1-4)", util_copd,
                   "evidence.md: COPD by GOLD stage 2/3/4 0.787 / 0.750 / 0.647 "
                   "(Rutten-van Moelken 2006), divided by 0.79; stage 1 taken as no loss"),
    CONDITION_CARE_KEYS(5, "copd", 0.80, 1.8, 0.50, 0.15, 0.35, "respiratory", 0.09, 0.27, 0.01, 6.0, 1),
    CONDITION_KEYS(6, "depression", prev_depression, prev_depression,
                   "evidence.md: depression prevalence, 65+: ~12% (CMS chronic conditions); "
                   "younger bands modelling choice",
                   2.0, SRC_ASSUMED, onset_depression, SRC_ASSUMED, 1.20, 1.20, SRC_NUNES,
                   sev_single, "", util_depression, SRC_ASSUMED),
    CONDITION_CARE_KEYS(6, "depression", 0.40, 2.0, 0.62, 0.03, 0.35, "mental_health", 0.12, 0.24, 0.0, 12.0, 0),
    CONDITION_KEYS(7, "dementia", prev_dementia, prev_dementia,
                   "evidence.md: dementia: 6.5% of people 65+; ~1.3% at 60-64, ~11% at "
                   "80-84, 30-40% at 90+ (CFAS II, Matthews et al. 2013; Dementia UK 2014)",
                   1.5, SRC_ASSUMED, onset_dementia, SRC_ASSUMED, 2.0, 2.0, SRC_ASSUMED,
                   sev_single, "", util_dementia, SRC_ASSUMED),
    CONDITION_CARE_KEYS(7, "dementia", 0.40, 1.5, 0.38, 0.25, 0.20, "mental_health", 0.08, 0.18, 0.0, 12.0, 0),
    CONDITION_KEYS(8, "cancer", prev_cancer, prev_cancer,
                   "evidence.md: cancer (active) prevalence, 65+: 8.6% (CMS chronic "
                   "conditions); age profile modelling choice",
                   1.2, SRC_ASSUMED, onset_none, "", 2.0, 2.0, SRC_ASSUMED, sev_single, "",
                   util_cancer, SRC_ASSUMED),
    CONDITION_CARE_KEYS(8, "cancer", 0.50, 1.5, 0.38, 0.25, 0.15, "oncology", 0.45, 0.18, 0.30, 8.0, 0),
    {
        .path = "utility.norm",
        .type = SIM_CFG_FLOAT_ARRAY,
        .unit = "utility",
        .count = PARAMS_AGE_BANDS,
        .def_floats = def_utility_norm,
        .range = "(0, 1]",
        .desc = "Mean EQ-5D of the general population by age band 0-14, ..., 85+; the "
                "utility of a person without conditions is scaled so the model's mean "
                "matches it",
        .source = "evidence.md: general population norm, age 65-74: ~0.78-0.80 (Szende et al. "
                  "2014); other bands: UK norms of the same source",
        SIM_CFG_FIELD(MP, utility.norm),
    },
    FKEY("utility.uncontrolled_multiplier", "multiplier", 0.97, "(0, 1]",
         utility.uncontrolled_multiplier,
         "Utility multiplier for each uncontrolled condition (symptoms of poor control)",
         "modelling assumption: a few hundredths of EQ-5D, of the size of the diabetes "
         "decrement in evidence.md (-0.054, Sullivan et al. 2011) for poor control"),
    FKEY("utility.admission_qaly_loss", "QALYs", 0.01, "[0, 1]", utility.admission_qaly_loss,
         "QALYs lost with each emergency admission (the acute episode around it)",
         "modelling assumption: about a month at a utility 0.12 lower"),
};

static const struct sim_cfg_schema schema = {
    .keys = keys,
    .nkeys = sizeof keys / sizeof *keys,
    .groups = groups,
    .ngroups = sizeof groups / sizeof *groups,
    .params_size = sizeof(struct model_params),
    .check = runsize_check_cfg, /* absurd sizes, with an estimate (models/runsize.h) */
};

const struct sim_cfg_schema *params_schema(void) { return &schema; }
