/* models/runsize.h — how big a run is: its memory and computing time estimated from the
 * measured costs of the model (docs/performance.md), and the limits that refuse absurd sizes
 * (run.population, run.horizon_years) before anything is allocated. The scenario schema
 * (models/params.c) runs the check on every resolved scenario, so `caresim validate`, run,
 * compare, psa and every sweep point report it, naming the key where it was set.
 */
#ifndef MODELS_RUNSIZE_H
#define MODELS_RUNSIZE_H

#include <stddef.h>
#include <stdint.h>

struct sim_cfg;

/* Hard limits, whatever the machine: the model's own (models/model.c refuses more). */
#define RUNSIZE_MAX_POPULATION 100000000LL /* persons */
#define RUNSIZE_MAX_HORIZON_YEARS 200.0    /* years recorded */
#define RUNSIZE_MAX_PERSON_YEARS 1e10      /* persons x (warm-up + horizon) years */

/* Estimated cost of one replication. */
struct runsize {
    double bytes;   /* memory of the model */
    double seconds; /* computing time on one core */
};

/* The estimate for population persons over years simulated years (warm-up included). */
struct runsize runsize_estimate(int64_t population, double years);

/* Which key makes a run too large, or none. */
enum runsize_verdict { RUNSIZE_OK, RUNSIZE_POPULATION, RUNSIZE_HORIZON };

/* Checks a run against the hard limits and against memory_bytes (the machine's memory; 0 or
 * less: not limited). When it is too large, writes into msg a message with the estimate and
 * the limit, to follow the name of the key returned. */
enum runsize_verdict runsize_check(int64_t population, double warmup_years, double horizon_years,
                                   double memory_bytes, char *msg, size_t size);

/* The machine's physical memory in bytes, 0 when unknown. */
double runsize_machine_memory(void);

/* The scenario schema's check (struct sim_cfg_schema.check): runsize_check on the resolved
 * run keys (a distribution counts at its largest value), reported on the key to blame. */
void runsize_check_cfg(struct sim_cfg *cfg);

#endif
