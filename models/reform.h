/* models/reform.h — a reform switched on during a run: at reform.at_years after the
 * warm-up, the practices, care_seeking, outpatient, hospital, costs, payment, behaviour and
 * policy groups of another scenario take over; GP, clinic and bed capacity move to the new
 * level in monthly steps over reform.phase_in_months. Persons, disease and the rest of the
 * scenario carry on, so before/after and transition costs can be studied, and until the
 * reform the run is the same to the bit as one without it (same streams).
 * Touches only the model it is given.
 */
#ifndef MODELS_REFORM_H
#define MODELS_REFORM_H

#include "sim/err.h"

struct model;
struct model_params;

/* What a reform `after` may not do to the scenario par it interrupts: change the list size
 * or the hospital catchment, start at or after the end of the run; and the combinations of
 * its own parameters (care_check_params). Returns 0 or SIM_EINVAL naming the key. */
int reform_check_params(const struct model_params *par, const struct model_params *after,
                        struct sim_err *err);

/* Attaches the reform `after` (the resolved scenario named by m->par.reform.scenario) to a
 * model that has not run yet, and schedules it. Checks what may not change mid-run (list
 * size, hospital catchment) and the combinations of the new parameters. Returns 0,
 * SIM_EINVAL naming the key, or SIM_ENOMEM. */
int model_set_reform(struct model *m, const struct model_params *after, struct sim_err *err);

/* Event handlers (model.c): the switch, and one month of the phase-in. */
int reform_start(struct model *m);
int reform_step(struct model *m, unsigned step);

#endif
