/* tests/test_rng.c — tests for sim/rng: Philox4x32-10 known answers, the documented
 * tuple -> key/counter mapping, the gsl_rng_type wrapper, reproducibility and the statistical
 * independence of neighbouring streams.
 *
 * Statistical tests use fixed seeds. Tolerances are stated where used: means within 5 standard
 * errors, correlations |r| < 5/sqrt(n) (5 standard errors of r under independence), chi-square
 * statistics inside the central 1 - 2e-6 of their distribution. With a fixed seed each is
 * deterministic; the tolerances make a false failure (for another seed) about 1e-6 likely.
 */
#include "tests/testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim/err.h"
#include "sim/rng.h"

#define N_STAT 100000 /* draws per statistical test */
#define N_BINS 64     /* chi-square bins */

/* --- helpers --- */

static void assert_block(const uint32_t ctr[4], const uint32_t key[2], const uint32_t want[4])
{
    uint32_t out[4];
    sim_philox4x32_10(ctr, key, out);
    for (int i = 0; i < 4; i++)
        assert_int_equal(out[i], want[i]);
}

/* Pearson correlation of x and y. */
static double correlation(const double *x, const double *y, size_t n)
{
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / sqrt(sxx * syy);
}

static double mean(const double *x, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m += x[i];
    return m / (double)n;
}

/* Fails unless the uniforms in u fall into N_BINS equal bins as a uniform sample would:
 * the chi-square statistic (63 degrees of freedom) must lie between the 1e-6 and 1 - 1e-6
 * quantiles, so both a lumpy and a suspiciously regular sample fail. */
static void assert_equidistributed(const double *u, size_t n)
{
    double count[N_BINS] = {0};
    for (size_t i = 0; i < n; i++)
        count[(int)(u[i] * N_BINS)] += 1;
    double expect = (double)n / N_BINS, chi2 = 0;
    for (int b = 0; b < N_BINS; b++)
        chi2 += (count[b] - expect) * (count[b] - expect) / expect;
    double lo = gsl_cdf_chisq_Pinv(1e-6, N_BINS - 1); /* about 22.6 */
    double hi = gsl_cdf_chisq_Qinv(1e-6, N_BINS - 1); /* about 130.3 */
    assert_true(chi2 > lo);
    assert_true(chi2 < hi);
}

struct tuple {
    uint64_t seed;
    uint32_t rep;
    uint64_t entity;
    uint32_t purpose;
};

/* Fails unless streams a and b look independent: each one's mean uniform is within 5
 * standard errors of 1/2 (|mean - 0.5| < 5 sqrt(1/12/n) = 0.0046 at n = 1e5), and paired
 * draws are uncorrelated (|r| < 5/sqrt(n) = 0.016). */
static void assert_streams_independent(struct tuple a, struct tuple b)
{
    double *x = malloc(N_STAT * sizeof *x), *y = malloc(N_STAT * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    struct sim_stream sa, sb;
    sim_stream_init(&sa, a.seed, a.rep, a.entity, a.purpose);
    sim_stream_init(&sb, b.seed, b.rep, b.entity, b.purpose);
    for (size_t i = 0; i < N_STAT; i++) {
        x[i] = sim_stream_uniform(&sa);
        y[i] = sim_stream_uniform(&sb);
    }
    double se = sqrt(1.0 / 12.0 / N_STAT);
    assert_near(mean(x, N_STAT), 0.5, 5 * se);
    assert_near(mean(y, N_STAT), 0.5, 5 * se);
    assert_near(correlation(x, y, N_STAT), 0.0, 5 / sqrt(N_STAT));
    free(x);
    free(y);
}

/* --- Philox4x32-10 known answers (Salmon et al. / Random123 test vectors) --- */

static void test_philox_known_answer_zero_key_zero_counter(void **state)
{
    (void)state;
    const uint32_t ctr[4] = {0, 0, 0, 0}, key[2] = {0, 0};
    const uint32_t want[4] = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8};
    assert_block(ctr, key, want);
}

static void test_philox_known_answer_all_ones(void **state)
{
    (void)state;
    const uint32_t ctr[4] = {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff};
    const uint32_t key[2] = {0xffffffff, 0xffffffff};
    const uint32_t want[4] = {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd};
    assert_block(ctr, key, want);
}

static void test_philox_known_answer_pi_digits(void **state)
{
    (void)state;
    const uint32_t ctr[4] = {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344};
    const uint32_t key[2] = {0xa4093822, 0x299f31d0};
    const uint32_t want[4] = {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1};
    assert_block(ctr, key, want);
}

static void test_philox_output_may_alias_counter(void **state)
{
    (void)state;
    uint32_t buf[4] = {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344};
    const uint32_t key[2] = {0xa4093822, 0x299f31d0};
    sim_philox4x32_10(buf, key, buf);
    assert_int_equal(buf[0], 0xd16cfe09);
    assert_int_equal(buf[1], 0x94fdcceb);
    assert_int_equal(buf[2], 0x5001e420);
    assert_int_equal(buf[3], 0x24126ea1);
}

/* --- the stream state and the documented mapping --- */

static void test_stream_state_is_small(void **state)
{
    (void)state;
    assert_true(sizeof(struct sim_stream) <= 64);
}

/* Computes the tag of a tuple and block b of its stream exactly as the header documents. */
static void documented_block(struct tuple t, uint64_t b, uint32_t out[4])
{
    const uint32_t tctr[4] = {t.rep, t.purpose, (uint32_t)t.entity, (uint32_t)(t.entity >> 32)};
    const uint32_t tkey[2] = {(uint32_t)t.seed, (uint32_t)(t.seed >> 32)};
    uint32_t tag[4];
    sim_philox4x32_10(tctr, tkey, tag);
    const uint32_t ctr[4] = {(uint32_t)b, (uint32_t)(b >> 32), tag[2], tag[3]};
    const uint32_t key[2] = {tag[0], tag[1]};
    sim_philox4x32_10(ctr, key, out);
}

static void test_stream_words_follow_documented_mapping(void **state)
{
    (void)state;
    const struct tuple t = {0x0123456789abcdefULL, 7, 0x500000002ULL, 3};
    struct sim_stream s;
    sim_stream_init(&s, t.seed, t.rep, t.entity, t.purpose);
    for (uint64_t b = 0; b < 3; b++) {
        uint32_t want[4];
        documented_block(t, b, want);
        for (int i = 0; i < 4; i++)
            assert_int_equal(sim_stream_u32(&s), want[i]);
    }
}

static void test_stream_double_uses_next_two_words_high_first(void **state)
{
    (void)state;
    struct sim_stream a, b;
    sim_stream_init(&a, 42, 1, 2, 3);
    b = a;
    (void)sim_stream_u32(&a); /* start the double mid-block, at word 1 */
    (void)sim_stream_u32(&b);
    uint64_t hi = sim_stream_u32(&b), lo = sim_stream_u32(&b);
    assert_true(sim_stream_uniform(&a) == sim_rng_open01(hi << 32 | lo));
    assert_int_equal(sim_stream_u32(&a), sim_stream_u32(&b));
}

static void test_stream_seek_matches_drawing(void **state)
{
    (void)state;
    struct sim_stream drawn, sought;
    sim_stream_init(&drawn, 9, 0, 0, 0);
    for (uint64_t word = 0; word < 13; word++) {
        sim_stream_init(&sought, 9, 0, 0, 0);
        sim_stream_seek(&sought, word);
        assert_int_equal(sim_stream_u32(&sought), sim_stream_u32(&drawn));
    }
}

/* The block index is 64 bits: going past block 2^32 - 1 carries into counter word 1, not into
 * the tag words that name the stream. */
static void test_stream_block_index_carries_past_32_bits(void **state)
{
    (void)state;
    const struct tuple t = {5, 1, 77, 2};
    struct sim_stream s;
    sim_stream_init(&s, t.seed, t.rep, t.entity, t.purpose);
    sim_stream_seek(&s, (UINT64_C(1) << 34) - 1); /* last word of block 2^32 - 1 */
    uint32_t before[4], after[4];
    documented_block(t, (UINT64_C(1) << 32) - 1, before);
    documented_block(t, UINT64_C(1) << 32, after);
    assert_int_equal(sim_stream_u32(&s), before[3]);
    for (int i = 0; i < 4; i++)
        assert_int_equal(sim_stream_u32(&s), after[i]);
}

/* --- the gsl_rng_type --- */

static void test_gsl_alloc_reports_name_and_range(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(sim_rng_philox4x32);
    assert_non_null(r);
    assert_string_equal(gsl_rng_name(r), "sim_philox4x32_10");
    assert_int_equal(gsl_rng_min(r), 0);
    assert_int_equal(gsl_rng_max(r), 0xffffffffUL);
    assert_int_equal(gsl_rng_size(r), sizeof(struct sim_stream));
    gsl_rng_free(r);
}

static void test_gsl_set_selects_seed_stream_with_zero_tuple(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(sim_rng_philox4x32);
    assert_non_null(r);
    gsl_rng_set(r, 20240601UL);
    struct sim_stream s;
    sim_stream_init(&s, 20240601, 0, 0, 0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(gsl_rng_get(r), sim_stream_u32(&s));
    gsl_rng_free(r);
}

static void test_gsl_uniform_matches_stream_uniform(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(sim_rng_philox4x32);
    assert_non_null(r);
    assert_int_equal(sim_rng_stream(r, 11, 2, 3, 4), 0);
    struct sim_stream s;
    sim_stream_init(&s, 11, 2, 3, 4);
    (void)gsl_rng_get(r); /* mix word and double draws: both consume the same word sequence */
    (void)sim_stream_u32(&s);
    for (int i = 0; i < 10; i++)
        assert_true(gsl_rng_uniform(r) == sim_stream_uniform(&s));
    gsl_rng_free(r);
}

/* Mean of Exp(mean 2) over n = 1e5 draws: standard error 2/sqrt(n) = 0.0063; tolerance 5 se. */
static void test_gsl_ran_exponential_mean_within_tolerance(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(sim_rng_philox4x32);
    assert_non_null(r);
    assert_int_equal(sim_rng_stream(r, 1234, 0, 17, 1), 0);
    double sum = 0;
    for (int i = 0; i < N_STAT; i++)
        sum += gsl_ran_exponential(r, 2.0);
    assert_near(sum / N_STAT, 2.0, 5 * 2.0 / sqrt(N_STAT));
    gsl_rng_free(r);
}

/* Standard normal over n = 1e5: mean se 1/sqrt(n) = 0.0032, variance se sqrt(2/n) = 0.0045;
 * tolerances 5 se. */
static void test_gsl_ran_gaussian_moments_within_tolerance(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(sim_rng_philox4x32);
    assert_non_null(r);
    assert_int_equal(sim_rng_stream(r, 1234, 0, 17, 2), 0);
    double sum = 0, sum2 = 0;
    for (int i = 0; i < N_STAT; i++) {
        double z = gsl_ran_gaussian(r, 1.0);
        sum += z;
        sum2 += z * z;
    }
    double m = sum / N_STAT, var = sum2 / N_STAT - m * m;
    assert_near(m, 0.0, 5 / sqrt(N_STAT));
    assert_near(var, 1.0, 5 * sqrt(2.0 / N_STAT));
    gsl_rng_free(r);
}

static void test_rng_stream_rejects_other_generator_types(void **state)
{
    (void)state;
    assert_int_equal(sim_rng_stream(NULL, 1, 0, 0, 0), SIM_EINVAL);
    gsl_rng *mt = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(mt);
    gsl_rng_set(mt, 5);
    gsl_rng *copy = gsl_rng_clone(mt);
    assert_non_null(copy);
    assert_int_equal(sim_rng_stream(mt, 1, 0, 0, 0), SIM_EINVAL);
    for (int i = 0; i < 10; i++) /* state untouched */
        assert_int_equal(gsl_rng_get(mt), gsl_rng_get(copy));
    gsl_rng_free(copy);
    gsl_rng_free(mt);
}

/* --- reproducibility --- */

static void test_same_tuple_gives_same_sequence(void **state)
{
    (void)state;
    struct sim_stream a, b;
    sim_stream_init(&a, 77, 3, 123456, 9);
    sim_stream_init(&b, 77, 3, 123456, 9);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(sim_stream_u32(&a), sim_stream_u32(&b));
}

static void test_rekey_resets_position(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(sim_rng_philox4x32);
    assert_non_null(r);
    unsigned long first[10];
    assert_int_equal(sim_rng_stream(r, 77, 3, 123456, 9), 0);
    for (int i = 0; i < 10; i++)
        first[i] = gsl_rng_get(r);
    for (int i = 0; i < 5; i++) /* leave it mid-block */
        (void)gsl_rng_uniform(r);
    assert_int_equal(sim_rng_stream(r, 77, 3, 123456, 9), 0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(gsl_rng_get(r), first[i]);
    gsl_rng_free(r);
}

/* A stream's draws do not depend on what other streams drew before or in between, whether
 * each has its own object or one gsl_rng is re-keyed between draws. */
static void test_stream_unaffected_by_draws_from_other_streams(void **state)
{
    (void)state;
    uint32_t alone[20];
    struct sim_stream a;
    sim_stream_init(&a, 500, 1, 42, 2);
    for (int i = 0; i < 20; i++)
        alone[i] = sim_stream_u32(&a);

    struct sim_stream x, y;
    sim_stream_init(&x, 500, 1, 41, 2);
    for (int i = 0; i < 7; i++)
        (void)sim_stream_u32(&x);
    sim_stream_init(&a, 500, 1, 42, 2);
    sim_stream_init(&y, 500, 1, 42, 3);
    for (int i = 0; i < 20; i++) {
        (void)sim_stream_uniform(&x);
        assert_int_equal(sim_stream_u32(&a), alone[i]);
        (void)sim_stream_u32(&y);
    }

    gsl_rng *r = gsl_rng_alloc(sim_rng_philox4x32);
    assert_non_null(r);
    assert_int_equal(sim_rng_stream(r, 500, 1, 43, 2), 0);
    (void)gsl_ran_exponential(r, 1.0);
    assert_int_equal(sim_rng_stream(r, 500, 1, 42, 2), 0);
    for (int i = 0; i < 20; i++)
        assert_int_equal(gsl_rng_get(r), alone[i]);
    gsl_rng_free(r);
}

/* --- independence of neighbouring streams (tolerances in assert_streams_independent) --- */

static void test_neighbouring_entities_independent(void **state)
{
    (void)state;
    assert_streams_independent((struct tuple){2024, 0, 1000, 1}, (struct tuple){2024, 0, 1001, 1});
}

static void test_entities_differing_in_high_word_independent(void **state)
{
    (void)state;
    assert_streams_independent((struct tuple){2024, 0, 1000, 1},
                               (struct tuple){2024, 0, (UINT64_C(1) << 32) | 1000, 1});
}

static void test_neighbouring_purposes_independent(void **state)
{
    (void)state;
    assert_streams_independent((struct tuple){2024, 0, 1000, 1}, (struct tuple){2024, 0, 1000, 2});
}

static void test_neighbouring_replications_independent(void **state)
{
    (void)state;
    assert_streams_independent((struct tuple){2024, 0, 1000, 1}, (struct tuple){2024, 1, 1000, 1});
}

static void test_neighbouring_seeds_independent(void **state)
{
    (void)state;
    assert_streams_independent((struct tuple){2024, 0, 1000, 1}, (struct tuple){2025, 0, 1000, 1});
}

/* One stream's uniforms fill 64 bins evenly (n = 1e5; bounds in assert_equidistributed). */
static void test_stream_uniforms_equidistributed_on_64_bins(void **state)
{
    (void)state;
    double *u = malloc(N_STAT * sizeof *u);
    assert_non_null(u);
    struct sim_stream s;
    sim_stream_init(&s, 31337, 0, 0, 0);
    for (size_t i = 0; i < N_STAT; i++)
        u[i] = sim_stream_uniform(&s);
    assert_equidistributed(u, N_STAT);
    free(u);
}

/* The way a model uses streams: each person draws once. The first uniforms of entities
 * 0..n-1 must be equidistributed, and entity e's draw uncorrelated with entity e+1's
 * (|r| < 5/sqrt(n) = 0.016 at n = 1e5). */
static void test_first_draws_across_entities_equidistributed(void **state)
{
    (void)state;
    double *u = malloc(N_STAT * sizeof *u);
    assert_non_null(u);
    struct sim_stream s;
    for (size_t e = 0; e < N_STAT; e++) {
        sim_stream_init(&s, 8, 0, e, 4);
        u[e] = sim_stream_uniform(&s);
    }
    assert_equidistributed(u, N_STAT);
    assert_near(mean(u, N_STAT), 0.5, 5 * sqrt(1.0 / 12.0 / N_STAT));
    assert_near(correlation(u, u + 1, N_STAT - 1), 0.0, 5 / sqrt(N_STAT - 1));
    free(u);
}

/* Each bit of the 32-bit words is set half the time: count ~ Binomial(n, 1/2), standard
 * error sqrt(n)/2 = 158 at n = 1e5; tolerance 5 se. Catches a word with dead bits. */
static void test_word_bits_each_set_half_the_time(void **state)
{
    (void)state;
    unsigned count[32] = {0};
    struct sim_stream s;
    sim_stream_init(&s, 99, 0, 0, 0);
    for (int i = 0; i < N_STAT; i++) {
        uint32_t w = sim_stream_u32(&s);
        for (int b = 0; b < 32; b++)
            count[b] += (w >> b) & 1;
    }
    for (int b = 0; b < 32; b++)
        assert_near(count[b], N_STAT / 2.0, 5 * sqrt(N_STAT) / 2);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* No two of 120,000 streams start with the same 64 bits. Tuples include the ones a naive
 * packing would confuse (rep/purpose swapped, entity high word set, seeds 2^32 apart). A chance
 * 64-bit coincidence has probability about n^2/2^65 = 4e-10, so any repeat is a mapping
 * collision. (32-bit first words would coincide by chance: n^2/2^33 > 1.) */
static void test_many_streams_have_distinct_first_outputs(void **state)
{
    (void)state;
    const uint64_t seeds[3] = {1, 2, (UINT64_C(1) << 32) | 1};
    const size_t n = 3 * 4 * 10 * 1000;
    uint64_t *first = malloc(n * sizeof *first);
    assert_non_null(first);
    size_t k = 0;
    struct sim_stream s;
    for (int si = 0; si < 3; si++)
        for (uint32_t rep = 0; rep < 4; rep++)
            for (uint32_t purpose = 0; purpose < 10; purpose++)
                for (uint64_t j = 0; j < 1000; j++) {
                    uint64_t entity = j < 500 ? j : (UINT64_C(1) << 32) | (j - 500);
                    sim_stream_init(&s, seeds[si], rep, entity, purpose);
                    first[k++] = sim_stream_u64(&s);
                }
    assert_int_equal(k, n);
    qsort(first, n, sizeof *first, cmp_u64);
    for (size_t i = 1; i < n; i++)
        assert_true(first[i] != first[i - 1]);
    free(first);
}

/* --- uniform doubles and exponentials --- */

static void test_open01_never_returns_zero_or_one(void **state)
{
    (void)state;
    double lo = sim_rng_open01(0), hi = sim_rng_open01(UINT64_MAX);
    assert_true(lo > 0.0);
    assert_true(hi < 1.0);
    assert_true(lo == 0x1p-53);
    assert_true(hi == 1.0 - 0x1p-53);
    assert_true(isfinite(-log(lo)));
    assert_true(isfinite(-log1p(-hi)));
}

static void test_uniform_draws_inside_open_interval(void **state)
{
    (void)state;
    struct sim_stream s;
    sim_stream_init(&s, 3, 0, 0, 0);
    gsl_rng *r = gsl_rng_alloc(sim_rng_philox4x32);
    assert_non_null(r);
    for (int i = 0; i < N_STAT; i++) {
        double u = sim_stream_uniform(&s), g = gsl_rng_uniform(r);
        assert_true(u > 0.0 && u < 1.0);
        assert_true(g > 0.0 && g < 1.0);
    }
    gsl_rng_free(r);
}

/* Mean of Exp(rate 0.25 per day) is 4 days; se 4/sqrt(n) = 0.013 at n = 1e5; tolerance 5 se. */
static void test_stream_exp_mean_within_tolerance(void **state)
{
    (void)state;
    struct sim_stream s;
    sim_stream_init(&s, 6, 0, 12, 5);
    double sum = 0;
    for (int i = 0; i < N_STAT; i++) {
        double t = sim_stream_exp(&s, 0.25);
        assert_true(t > 0 && isfinite(t));
        sum += t;
    }
    assert_near(sum / N_STAT, 4.0, 5 * 4.0 / sqrt(N_STAT));
}

static void test_stream_exp_zero_rate_never_happens_negative_rate_is_nan(void **state)
{
    (void)state;
    struct sim_stream s;
    sim_stream_init(&s, 6, 0, 12, 5);
    double t = sim_stream_exp(&s, 0.0);
    assert_true(isinf(t) && t > 0);
    assert_true(isnan(sim_stream_exp(&s, -1.0)));
    assert_true(isnan(sim_stream_exp(&s, NAN)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_philox_known_answer_zero_key_zero_counter),
        cmocka_unit_test(test_philox_known_answer_all_ones),
        cmocka_unit_test(test_philox_known_answer_pi_digits),
        cmocka_unit_test(test_philox_output_may_alias_counter),
        cmocka_unit_test(test_stream_state_is_small),
        cmocka_unit_test(test_stream_words_follow_documented_mapping),
        cmocka_unit_test(test_stream_double_uses_next_two_words_high_first),
        cmocka_unit_test(test_stream_seek_matches_drawing),
        cmocka_unit_test(test_stream_block_index_carries_past_32_bits),
        cmocka_unit_test(test_gsl_alloc_reports_name_and_range),
        cmocka_unit_test(test_gsl_set_selects_seed_stream_with_zero_tuple),
        cmocka_unit_test(test_gsl_uniform_matches_stream_uniform),
        cmocka_unit_test(test_gsl_ran_exponential_mean_within_tolerance),
        cmocka_unit_test(test_gsl_ran_gaussian_moments_within_tolerance),
        cmocka_unit_test(test_rng_stream_rejects_other_generator_types),
        cmocka_unit_test(test_same_tuple_gives_same_sequence),
        cmocka_unit_test(test_rekey_resets_position),
        cmocka_unit_test(test_stream_unaffected_by_draws_from_other_streams),
        cmocka_unit_test(test_neighbouring_entities_independent),
        cmocka_unit_test(test_entities_differing_in_high_word_independent),
        cmocka_unit_test(test_neighbouring_purposes_independent),
        cmocka_unit_test(test_neighbouring_replications_independent),
        cmocka_unit_test(test_neighbouring_seeds_independent),
        cmocka_unit_test(test_stream_uniforms_equidistributed_on_64_bins),
        cmocka_unit_test(test_first_draws_across_entities_equidistributed),
        cmocka_unit_test(test_word_bits_each_set_half_the_time),
        cmocka_unit_test(test_many_streams_have_distinct_first_outputs),
        cmocka_unit_test(test_open01_never_returns_zero_or_one),
        cmocka_unit_test(test_uniform_draws_inside_open_interval),
        cmocka_unit_test(test_stream_exp_mean_within_tolerance),
        cmocka_unit_test(test_stream_exp_zero_rate_never_happens_negative_rate_is_nan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
