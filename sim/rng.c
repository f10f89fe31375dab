/* sim/rng.c — the gsl_rng_type glue and the out-of-line parts of the keyed random streams.
 *
 * The generator itself (Philox4x32-10 and the tuple -> key/counter mapping) is static inline
 * in sim/rng.h so hot paths can inline it; this file only adapts struct sim_stream to GSL's
 * set/get/get_double interface and re-keys gsl_rng objects. Touches only the objects passed in.
 */
#include "sim/rng.h"

#include "sim/err.h"

static void philox_set(void *state, unsigned long int seed)
{
    sim_stream_init(state, (uint64_t)seed, 0, 0, 0);
}

static unsigned long int philox_get(void *state)
{
    return sim_stream_u32(state);
}

static double philox_get_double(void *state)
{
    return sim_stream_uniform(state);
}

static const gsl_rng_type philox_type = {
    .name = "sim_philox4x32_10",
    .max = UINT32_MAX,
    .min = 0,
    .size = sizeof(struct sim_stream),
    .set = philox_set,
    .get = philox_get,
    .get_double = philox_get_double,
};

const gsl_rng_type *const sim_rng_philox4x32 = &philox_type;

void sim_stream_seek(struct sim_stream *s, uint64_t word)
{
    s->block = word / SIM_STREAM_BUF * (SIM_STREAM_BUF / 4);
    s->idx = SIM_STREAM_BUF;
    if (word % SIM_STREAM_BUF != 0) {
        sim_stream_next_block(s);
        s->idx = (uint32_t)(word % SIM_STREAM_BUF);
    }
}

int sim_rng_stream(gsl_rng *r, uint64_t master_seed, uint32_t replication, uint64_t entity,
                   uint32_t purpose)
{
    if (r == NULL || r->type != &philox_type)
        return SIM_EINVAL;
    sim_stream_init(r->state, master_seed, replication, entity, purpose);
    return 0;
}
