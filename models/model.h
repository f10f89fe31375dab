/* models/model.h — the health-system model of one replication: its parameters, persons,
 * engine context and tallies, and the run loop that wires the modules to the engine.
 *
 * A struct model is everything one replication needs; replications run side by side on
 * threads, each with its own. Modules (population, disease, and later primary care,
 * outpatients, hospitals, payment, policy) keep their per-person state in struct person
 * and their tables here, and add their event types to enum model_event and their handlers
 * to the table in models/model.c.
 *
 * Time: days from the start of the run (double). The run is a warm-up of
 * run.warmup_years, then the recording window of run.horizon_years: outcomes (life-years,
 * QALYs, costs, person-years, deaths by age) count only inside the window.
 *
 * Touches only the model it creates.
 */
#ifndef MODELS_MODEL_H
#define MODELS_MODEL_H

#include <stdint.h>

#include "models/care.h"
#include "models/disease.h"
#include "models/params.h"
#include "models/payment.h"
#include "models/policy.h"
#include "models/reform.h"
#include "models/series.h"
#include "models/population.h"
#include "sim/engine.h"
#include "sim/rng.h"
#include "sim/err.h"

/* Event types; the handler table in models/model.c follows this order. Later modules add
 * theirs before MODEL_EV_COUNT. */
enum model_event {
    MODEL_EV_PERSON,       /* a person's next personal event (disease.h): target = person */
    MODEL_EV_GP_VISIT,     /* a GP appointment (care.h): target = person, aux = reason,
                            * condition */
    MODEL_EV_OP_VISIT,     /* a specialist appointment: target = person, aux = first,
                            * specialty, condition */
    MODEL_EV_DISCHARGE,    /* the end of a hospital stay: target = person, aux = shortened
                            * under pressure */
    MODEL_EV_HOSPITAL_DAY, /* a hospital's morning: electives admitted; target = hospital */
    MODEL_EV_WINDOW,       /* the recording window opens: resource statistics restart */
    MODEL_EV_MONTH,        /* a month of the window ends: periodic payments, levers */
    MODEL_EV_REFORM,       /* a reform starts (reform.h) */
    MODEL_EV_REFORM_STEP,  /* a month of a reform's phase-in: aux = step */
    MODEL_EV_COUNT
};

/* Purposes of random streams: every draw comes from the stream (run.seed, replication,
 * person stream key, purpose), at a position fixed by what the draw is for, so a person's
 * draws never depend on the order in which events ran. Later modules take purposes from
 * MODEL_PURPOSE_FREE on; a recurrent draw uses (purpose, occurrence counter) via
 * sim_stream_seek, never a shared running stream. */
enum model_purpose {
    MODEL_PURPOSE_DEMOGRAPHY = 1, /* sex, deprivation, area, age, activation: one word pair
                                   * each, in that order */
    MODEL_PURPOSE_CLOCKS = 2,     /* starting value of clock k: the k-th uniform */
    MODEL_PURPOSE_CARE = 3,       /* the care pathway: uniforms in order of use (pop_draw) */
    MODEL_PURPOSE_ONSET = 16,     /* + condition: severity, control, then the condition's
                                   * next clock, drawn at its diagnosis */
    MODEL_PURPOSE_WARM = 64,      /* warm start (warm.h): the k-th uniform for the k-th kind
                                   * of choice made for the person */
    MODEL_PURPOSE_FREE = 65       /* first purpose free for other modules */
};

/* Snapshots for the time series and the ledger by year (series.h). */
struct model_series {
    struct ser_snap *snaps;     /* window start, then each month's end */
    uint32_t n, cap;
    struct pay_ledger *ledgers; /* the ledger at the window start and each year's end */
    uint32_t n_years, cap_years;
};

/* Counts over the whole run (warm-up included). */
struct model_counts {
    uint64_t persons_start; /* persons created at time 0 */
    uint64_t entries;       /* newborns added since */
    uint64_t deaths;        /* deaths since the start */
    uint64_t alive;         /* persons alive now (persons_end once the run is over):
                             * persons_start + entries - deaths */
    uint64_t dead_events;   /* events that fired for a dead person: always 0 unless a bug */
    uint64_t onsets[DIS_COUNT]; /* diagnoses after time 0, by condition */
    uint64_t history_lives; /* lives drawn for the initial persons' histories (more than
                             * persons_start: lives ending before time 0 are redrawn) */
};

/* Tallies over the recording window. */
struct model_tally {
    double person_years[2][POP_AGES]; /* by sex and single year of age, years */
    double deaths[2][POP_AGES];       /* deaths by sex and single year of age at death */
    double onsets[DIS_COUNT];         /* diagnoses by condition */
    double onset_age_sum[DIS_COUNT];  /* sum of ages at those diagnoses, years */
    double person_years_mm2;          /* person-years lived with 2+ conditions */
    int64_t cost_cents[POP_NSECTORS]; /* costs by sector, cents (pop_add_cost) */
    int64_t oop_cents;                /* of which paid out of pocket by patients, cents */
};

struct model {
    struct model_params par;   /* the scenario (a copy) */
    uint32_t replication;      /* replication index: part of every stream key */
    uint64_t seed;             /* run.seed */
    struct sim_ctx ctx;        /* clock, calendar, handler table */
    struct person *persons;    /* every person ever created, by id */
    uint32_t n_persons;        /* persons created so far (next id) */
    uint32_t cap_persons;      /* allocated length of persons */
    uint32_t n_start;          /* persons created at time 0 (ids below are initial) */
    uint64_t *entrant_key;     /* stream key of person n_start + i (population.h) */
    uint32_t n_practices;      /* general practices */
    double warmup_end_day;     /* start of the recording window, days */
    double end_day;            /* end of the run and of the window, days */
    double disc_effects;       /* continuous discount rate of effects, per year: ln(1 + r) */
    double disc_costs;         /* continuous discount rate of costs, per year */
    double pyramid_cum[PARAMS_PYRAMID_BANDS];             /* cumulative age-band shares */
    double activation_cum[5][PARAMS_ACTIVATIONS];         /* cumulative shares by quintile */
    const struct dis_tables *tables; /* disease tables in use, read-only: &dis, or a set
                                      * shared with other replications (model_create_shared)
                                      * that outlives the model; read them through this */
    struct dis_tables dis;     /* the model's own tables when model_create built them; left
                                * zero by model_create_shared */
    struct care care;          /* practices, clinics, hospitals and care counts */
    struct pay_decisions decide; /* providers' decisions under the scenario's payment */
    struct pay_ledger ledger;  /* money flows of the recording window */
    struct model_series series; /* monthly snapshots (series.h) */
    struct model_params *reform_after;  /* the reform's parameters (model_set_reform), or
                                         * NULL */
    struct model_params *reform_before; /* the parameters before it started */
    unsigned reform_steps;     /* months of its phase-in */
    int reform_started;        /* it has started */
    struct sim_stream draw_stream; /* the care stream pop_draw used last, positioned after
                                    * its last draw: the next draw of the same person goes
                                    * on from here without re-keying (same numbers) */
    uint32_t draw_person;      /* whose stream draw_stream is; UINT32_MAX for none */
    struct model_counts counts;
    struct model_tally tally;
    int finished;              /* model_run completed: outcomes accrued to end_day */
};

/* Creates a replication of the scenario at time 0: checks the parameter combinations the
 * key ranges cannot (a clear SIM_EINVAL naming the key), builds the tables and the initial
 * population, and schedules every person's first event. NULL on error (err says why). */
struct model *model_create(const struct model_params *par, uint32_t replication,
                           struct sim_err *err);

/* The same with disease tables built beforehand by dis_tables_create from the same
 * parameters (par decides everything else): the replications of a scenario share one set
 * instead of each repeating the calibration (~0.1 s), with results bit for bit those of
 * model_create. The model only reads the tables, so models on several threads may share
 * them; they must outlive the model. NULL on error (err says why). */
struct model *model_create_shared(const struct model_params *par,
                                  const struct dis_tables *tables, uint32_t replication,
                                  struct sim_err *err);

/* Runs to `day` (at most the end of the run): for stepping and for looking at the
 * population part-way. Returns 0 or the failing SIM_E* code. */
int model_run_until(struct model *m, double day, struct sim_err *err);

/* Runs the warm-up and the horizon, then accrues every living person's outcomes to the
 * end. Returns 0 or the failing SIM_E* code. */
int model_run(struct model *m, struct sim_err *err);

void model_destroy(struct model *m);

/* Bytes held by the persons and the pending events, per person alive now. */
double model_bytes_per_person(const struct model *m);

#endif
