/* sim/sampling.h — sampling designs for uncertain inputs: simple random sampling (SRS) and
 * Latin hypercube sampling (LHS) of the unit cube. A design gives, for each of n draws and
 * p inputs, a probability u in (0, 1); an input's value is its distribution's inverse CDF
 * at u (sim_cfg_quantile), so the design knows nothing of the distributions.
 *
 * LHS (McKay, Beckman & Conover 1979): each input's range of probability is cut into n
 * equal strata and every stratum is hit exactly once: u[d][i] = (pi_i(d) + v) / n with pi_i a
 * random permutation of 0..n-1 and v uniform in (0, 1), independently for each input. The
 * marginals are exactly stratified, which makes means over the draws more precise than
 * SRS for the same n when outputs are monotone in the inputs.
 *
 * Random numbers: input i's column comes from its own keyed stream (sim/rng.h: seed,
 * replication SIM_SAMPLING_REPLICATION, entity i, purpose SIM_SAMPLING_PURPOSE), so the
 * design depends only on (method, seed, n, i): adding an input does not change the others'
 * columns, and no model stream (replication indices below 2^32 - 1) is ever reused.
 */
#ifndef SIM_SAMPLING_H
#define SIM_SAMPLING_H

#include <stddef.h>
#include <stdint.h>

#include "sim/err.h"

#define SIM_SAMPLING_REPLICATION 0xffffffffu /* the replication index of design streams */
#define SIM_SAMPLING_PURPOSE 0x5053u         /* their purpose ("PS") */

enum sim_sampling {
    SIM_SAMPLING_SRS, /* simple random sampling: independent uniforms */
    SIM_SAMPLING_LHS, /* Latin hypercube sampling */
};

/* "srs" / "lhs"; NULL for an unknown method. */
const char *sim_sampling_name(enum sim_sampling method);

/* Fills u[d * p + i] (draw-major) for n >= 1 draws of p >= 1 inputs with probabilities in
 * (0, 1). Returns 0, or SIM_EINVAL for n or p of 0 or a NULL u, SIM_ENOMEM. */
int sim_sample_unit_cube(enum sim_sampling method, uint64_t seed, size_t n, size_t p, double *u,
                         struct sim_err *err);

#endif
