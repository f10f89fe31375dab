/* sim/sampling.c — simple random and Latin hypercube designs on the unit cube
 * (sim/sampling.h). Touches only the array it fills. */
#include "sim/sampling.h"

#include <stdlib.h>

#include "sim/rng.h"

const char *sim_sampling_name(enum sim_sampling method)
{
    switch (method) {
    case SIM_SAMPLING_SRS: return "srs";
    case SIM_SAMPLING_LHS: return "lhs";
    default: return NULL;
    }
}

/* A uniform integer in [0, n), without modulo bias (Lemire's multiply-shift with
 * rejection). */
static size_t uniform_below(struct sim_stream *s, size_t n)
{
    uint64_t m = (uint64_t)sim_stream_u32(s) * (uint64_t)n;
    uint32_t low = (uint32_t)m;
    if (low < (uint32_t)n) {
        uint32_t threshold = (uint32_t)(-(uint32_t)n) % (uint32_t)n;
        while (low < threshold) {
            m = (uint64_t)sim_stream_u32(s) * (uint64_t)n;
            low = (uint32_t)m;
        }
    }
    return (size_t)(m >> 32);
}

int sim_sample_unit_cube(enum sim_sampling method, uint64_t seed, size_t n, size_t p, double *u,
                         struct sim_err *err)
{
    if (n == 0 || p == 0 || !u)
        return sim_err_set(err, SIM_EINVAL, "sampling design: needs at least one draw and one "
                                            "input");
    if (!sim_sampling_name(method))
        return sim_err_set(err, SIM_EINVAL, "sampling design: unknown method %d", (int)method);
    if (n > UINT32_MAX)
        return sim_err_set(err, SIM_EINVAL, "sampling design: at most %u draws",
                           (unsigned)UINT32_MAX);
    size_t *perm = NULL;
    if (method == SIM_SAMPLING_LHS && !(perm = malloc(n * sizeof *perm)))
        return sim_err_set(err, SIM_ENOMEM, "sampling design: out of memory");
    for (size_t i = 0; i < p; i++) {
        struct sim_stream s;
        sim_stream_init(&s, seed, SIM_SAMPLING_REPLICATION, i, SIM_SAMPLING_PURPOSE);
        if (method == SIM_SAMPLING_SRS) {
            for (size_t d = 0; d < n; d++)
                u[d * p + i] = sim_stream_uniform(&s);
            continue;
        }
        for (size_t d = 0; d < n; d++)
            perm[d] = d;
        for (size_t d = n - 1; d > 0; d--) { /* Fisher-Yates */
            size_t j = uniform_below(&s, d + 1), t = perm[d];
            perm[d] = perm[j];
            perm[j] = t;
        }
        for (size_t d = 0; d < n; d++)
            u[d * p + i] = ((double)perm[d] + sim_stream_uniform(&s)) / (double)n;
    }
    free(perm);
    return 0;
}
