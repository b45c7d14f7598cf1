/* rng.h: an explicit random state for everything the built-in trainer draws (synthetic data,
 * initial weights, the validation split, the order of each epoch). xoshiro256** seeded through
 * splitmix64, as its authors recommend; normals by Box-Muller with the spare value cached in the
 * state, so a memcpy of the struct snapshots and restores the stream exactly. Never rand(). */
#ifndef LRFIND_RNG_H
#define LRFIND_RNG_H

#include <stddef.h>
#include <stdint.h>

struct lrf_rng {
    uint64_t s[4];    /* xoshiro256** state, never all zero */
    double spare;     /* the second Box-Muller normal, valid when has_spare */
    int has_spare;
};

/* Seed the state from one 64-bit value (splitmix64 expands it; any seed is fine, 0 too). */
void rng_seed(struct lrf_rng *r, uint64_t seed);
/* An independent stream for a purpose (data, init, order...): seed mixed with a stream id. */
void rng_seed_stream(struct lrf_rng *r, uint64_t seed, uint64_t stream);
/* The next 64 random bits. */
uint64_t rng_next(struct lrf_rng *r);
/* The next 32 random bits (the high half of rng_next). */
uint32_t rng_u32(struct lrf_rng *r);
/* Uniform in [0, 1) with 53 random bits. */
double rng_uniform(struct lrf_rng *r);
/* Uniform in [lo, hi). */
double rng_range(struct lrf_rng *r, double lo, double hi);
/* Uniform integer in [0, n) without modulo bias (Lemire's method); n = 0 gives 0. */
uint64_t rng_below(struct lrf_rng *r, uint64_t n);
/* Standard normal (mean 0, variance 1). */
double rng_normal(struct lrf_rng *r);
/* Fisher-Yates shuffle of a[0..n-1]. */
void rng_shuffle_u32(struct lrf_rng *r, uint32_t *a, size_t n);

#endif
