/* rng.c: xoshiro256** (Blackman and Vigna, public domain reference) with splitmix64 seeding. */
#include "config.h"

#include <math.h>

#include "lrfind/rng.h"

/* splitmix64: expands a seed into well-mixed words for the xoshiro state. */
static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void rng_seed(struct lrf_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
    if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
        r->s[0] = 1; /* cannot happen with splitmix64, kept as a guard */
    r->spare = 0.0;
    r->has_spare = 0;
}

void rng_seed_stream(struct lrf_rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = stream;
    rng_seed(r, seed ^ splitmix64(&x));
}

uint64_t rng_next(struct lrf_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint32_t rng_u32(struct lrf_rng *r)
{
    return (uint32_t)(rng_next(r) >> 32);
}

double rng_uniform(struct lrf_rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

double rng_range(struct lrf_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * rng_uniform(r);
}

uint64_t rng_below(struct lrf_rng *r, uint64_t n)
{
    if (n == 0)
        return 0;
    unsigned __int128 m = (unsigned __int128)rng_next(r) * n;
    uint64_t low = (uint64_t)m;
    if (low < n) {
        uint64_t threshold = -n % n;
        while (low < threshold) {
            m = (unsigned __int128)rng_next(r) * n;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

double rng_normal(struct lrf_rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    /* u1 in (0, 1] so that log(u1) is finite */
    double u1 = 1.0 - rng_uniform(r);
    double u2 = rng_uniform(r);
    double rad = sqrt(-2.0 * log(u1));
    double theta = 2.0 * M_PI * u2;
    r->spare = rad * sin(theta);
    r->has_spare = 1;
    return rad * cos(theta);
}

void rng_shuffle_u32(struct lrf_rng *r, uint32_t *a, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)rng_below(r, i);
        uint32_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}
