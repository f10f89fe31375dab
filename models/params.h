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
    int list_size; /* persons registered per practice */
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
    struct mortality_params mortality;        /* background mortality */
    struct disease_params disease;            /* chronic conditions */
    struct utility_params utility;            /* quality of life */
};

/* Scenario names of the conditions, in enum dis_condition order ("hypertension", ...). */
extern const char *const params_condition_names[PARAMS_CONDITIONS];

/* Lower age limits of the PARAMS_AGE_BANDS bands, years (0, 15, 25, ..., 85). */
extern const double params_age_band_lower[PARAMS_AGE_BANDS];

/* The scenario key table for struct model_params. */
const struct sim_cfg_schema *params_schema(void);

#endif
