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

/* Everything a scenario sets. */
struct model_params {
    char name[PARAMS_NAME_MAX];               /* scenario name (results group name) */
    char description[PARAMS_DESCRIPTION_MAX]; /* free text, UTF-8 */
    struct run_params run;                    /* run size and length */
    struct economics_params economics;        /* discounting, currency, threshold */
};

/* The scenario key table for struct model_params. */
const struct sim_cfg_schema *params_schema(void);

#endif
