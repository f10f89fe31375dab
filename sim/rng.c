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

/* The two Philox computations are written out side by side (same rounds as
 * sim_philox4x32_10) so that their independent multiplies overlap. */
void sim_stream_next_block(struct sim_stream *s)
{
    uint64_t b = s->block;
    uint32_t a0 = (uint32_t)b, a1 = (uint32_t)(b >> 32), a2 = s->tag[0], a3 = s->tag[1];
    uint32_t d0 = (uint32_t)(b + 1), d1 = (uint32_t)((b + 1) >> 32), d2 = a2, d3 = a3;
    uint32_t k0 = s->key[0], k1 = s->key[1];
#pragma GCC unroll 10
    for (int round = 0; round < 10; round++) {
        uint64_t p0 = (uint64_t)SIM_PHILOX_M0 * a0, q0 = (uint64_t)SIM_PHILOX_M0 * d0;
        uint64_t p1 = (uint64_t)SIM_PHILOX_M1 * a2, q1 = (uint64_t)SIM_PHILOX_M1 * d2;
        a0 = (uint32_t)(p1 >> 32) ^ a1 ^ k0;
        d0 = (uint32_t)(q1 >> 32) ^ d1 ^ k0;
        a1 = (uint32_t)p1;
        d1 = (uint32_t)q1;
        a2 = (uint32_t)(p0 >> 32) ^ a3 ^ k1;
        d2 = (uint32_t)(q0 >> 32) ^ d3 ^ k1;
        a3 = (uint32_t)p0;
        d3 = (uint32_t)q0;
        k0 += SIM_PHILOX_W0;
        k1 += SIM_PHILOX_W1;
    }
    s->buf[0] = a0, s->buf[1] = a1, s->buf[2] = a2, s->buf[3] = a3;
    s->buf[4] = d0, s->buf[5] = d1, s->buf[6] = d2, s->buf[7] = d3;
    s->block = b + 2;
    s->idx = 0;
}

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
