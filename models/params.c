/* models/params.c — the scenario key table: every key, its type, unit, default, allowed
 * values, meaning and source, and the field of struct model_params it fills.
 *
 * This table is the single source of truth for parsing, validation, defaults and
 * docs/parameters.md (`make docs`). Sources cite a row of the shared evidence table
 * (evidence.md) as "quantity: value (source)"; an empty source means a modelling choice.
 * Touches nothing: static data only.
 */
#include "models/params.h"

#include <stddef.h>

#define MP struct model_params

static const char *const currency_choices[] = {
    "GBP", "EUR", "USD", "CHF", "SEK", "NOK", "DKK", "CAD", "AUD", "NZD", "JPY", NULL,
};
_Static_assert(sizeof currency_choices / sizeof *currency_choices == PARAMS_CURRENCY_COUNT + 1,
               "currency_choices must match enum params_currency");

static const struct sim_cfg_group groups[] = {
    {"run", "size, length and repetition of a simulation run"},
    {"economics", "discounting, currency and the cost-effectiveness threshold"},
};

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
        .range = "[1, 100000000]",
        .desc = "Persons alive at the start of the run",
        .source = "",
        SIM_CFG_FIELD(MP, run.population),
    },
    {
        .path = "run.horizon_years",
        .type = SIM_CFG_FLOAT,
        .unit = "years",
        .def_float = 10.0,
        .range = "(0, 200]",
        .desc = "Years over which outcomes are recorded, after the warm-up",
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
};

static const struct sim_cfg_schema schema = {
    .keys = keys,
    .nkeys = sizeof keys / sizeof *keys,
    .groups = groups,
    .ngroups = sizeof groups / sizeof *groups,
    .params_size = sizeof(struct model_params),
};

const struct sim_cfg_schema *params_schema(void) { return &schema; }
