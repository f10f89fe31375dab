/* models/warm.h — warm start: the state of the queues at the end of a replication (its
 * "end state"), and a new replication that starts from such a state instead of an empty
 * system, so that its warm-up can be short or none (docs/model.md, "Warm start").
 *
 * The end state is rows of numbers with named columns (like series.h), one row per
 * replication and item: the bookings held on each working day ahead in every practice's and
 * clinic's books, the occupied beds and the patients boarding of each hospital, the persons
 * on each elective list by the whole days they have waited, the persons in the
 * post-discharge window by the days since their discharge, and the persons in case
 * management. `caresim run` writes them as the table /scenarios/<name>/end_state; a
 * scenario with run.warm_start reads them back (struct warm_state) and every replication
 * r starts from the end state of saved replication r mod (replications saved).
 *
 * Starting warm (warm_apply, at time 0 before the run): the books are filled working day by
 * working day with as many bookings as were held (carried to later days where capacity is
 * smaller), each given to a person likely to hold it; the beds are taken by persons drawn
 * with probability proportional to their expected time in hospital, for emergency stays
 * whose remaining length is drawn from the stationary residual distribution of the length
 * of stay; the elective lists, the post-discharge windows (persons discharged as many days
 * ago, so that relapses and readmissions run from the start) and case management are
 * filled likewise. Every choice draws
 * from the warm-start streams (MODEL_PURPOSE_WARM) keyed by person, never from the clock,
 * onset or care streams, and no clock is changed: persons move only through the model's
 * own channels (dis_change_begin, dis_redraw), as at any admission. A cold start (no state)
 * runs no code of this file, so it is bit for bit what it was before warm start existed.
 *
 * Touches only the model it is given (warm_apply) or the rows and state it is given.
 */
#ifndef MODELS_WARM_H
#define MODELS_WARM_H

#include <stddef.h>
#include <stdint.h>

#include "models/outcomes.h"
#include "models/params.h"
#include "sim/err.h"

struct model;

/* Columns of the end state. */
enum warm_column {
    WARM_REPLICATION, /* replication index */
    WARM_KIND,        /* enum warm_kind */
    WARM_UNIT,        /* practice index (GP books) or hospital index (the rest); 0 for case
                       * management */
    WARM_SPECIALTY,   /* enum params_specialty of a clinic's book; -1 otherwise */
    WARM_POSITION,    /* books: working day ahead (0 = the first working day after the end of
                       * the run); elective lists: whole days waited so far; discharged: whole
                       * days since the discharge; otherwise 0 */
    WARM_COUNT,       /* bookings held that day, beds occupied, patients boarding, persons
                       * listed with that wait, persons discharged that many days ago, persons
                       * in case management */
    WARM_CAPACITY,    /* bookable slots that day, beds, case-management places; NaN for
                       * boarding, the elective lists and the discharged */
    WARM_COUNT_COLS
};

/* What a row is about (WARM_KIND), in the order of warm_kind_name. */
enum warm_kind {
    WARM_GP_ROUTINE,     /* a practice's routine book (GP, nurse and remote slots) */
    WARM_GP_URGENT,      /* its urgent (same-day) book */
    WARM_CLINIC_ROUTINE, /* a specialist clinic's routine book */
    WARM_CLINIC_URGENT,  /* its urgent book */
    WARM_BEDS,           /* a hospital's beds (one row per hospital, always) */
    WARM_BOARDING,       /* patients waiting in its ED for a bed (one row per hospital) */
    WARM_ELECTIVE_LIST,  /* its elective waiting list (one row per whole day waited) */
    WARM_DISCHARGED,     /* its patients in the post-discharge window (hospital.
                          * post_discharge_days), one row per whole day since discharge */
    WARM_CASE_MANAGED,   /* case management (one row) */
    WARM_KINDS
};

/* Name of a kind code ("gp_routine", ...); NULL for a bad code. */
const char *warm_kind_name(int kind);

/* Column info (name, unit, description). Returns 0 or SIM_EINVAL. */
int warm_column_info(int col, struct outc_info *info, struct sim_err *err);

/* Rows of the end state of model m now (after model_run: the end of the run). Every book
 * has at least its row of position 0, every hospital its beds and boarding rows. */
size_t warm_rows(const struct model *m);

/* Fills warm_rows(m) rows of WARM_COUNT_COLS values: practices in order (routine, then
 * urgent book), then hospitals in order (clinics by specialty, routine then urgent; beds;
 * boarding; elective list, longest wait first; discharged, most recent first), then case
 * management. */
void warm_fill(const struct model *m, uint32_t replication, double *rows);

/* ---- A saved state ------------------------------------------------------------------------ */

/* One row, checked. */
struct warm_item {
    uint8_t kind;       /* enum warm_kind */
    uint8_t specialty;  /* enum params_specialty (clinics) */
    uint32_t unit;      /* practice or hospital index */
    uint32_t position;  /* as WARM_POSITION */
    uint32_t count;     /* as WARM_COUNT */
};

/* End states of replications 0 .. reps - 1. */
struct warm_state {
    struct warm_item *items; /* every replication's rows, in replication order */
    size_t n;                /* items */
    size_t *first;           /* reps + 1 entries: replication r has items first[r] ..
                              * first[r + 1] - 1 */
    uint32_t reps;           /* replications saved (>= 1) */
    uint32_t practices;      /* practices and hospitals of the saved runs */
    uint32_t hospitals;
};

/* Builds *ws from n_rows rows of WARM_COUNT_COLS values (the end_state table): replications
 * numbered 0, 1, ... in order, every value a whole number in range, the same practices
 * and hospitals in every replication. Returns 0, SIM_EINVAL naming the first bad row, or
 * SIM_ENOMEM; *ws must be released with warm_state_fini either way. */
int warm_state_init(struct warm_state *ws, const double *rows, size_t n_rows,
                    struct sim_err *err);
void warm_state_fini(struct warm_state *ws);

/* Checks that a scenario has the providers of the saved state (run.population,
 * practices.list_size and hospital.catchment give as many practices and hospitals).
 * Returns 0 or SIM_EINVAL saying what differs. */
int warm_state_check(const struct warm_state *ws, const struct model_params *par,
                     struct sim_err *err);

/* Starts model m (just created, at time 0, nothing run yet) from the saved end state of
 * replication m->replication mod ws->reps: see the top of this file. Returns 0, SIM_EINVAL
 * when the providers differ (warm_state_check), or the failing SIM_E* code. */
int warm_apply(struct model *m, const struct warm_state *ws, struct sim_err *err);

#endif
