/* test_rng.c: xoshiro256** known answers, ranges, moments, shuffles, snapshot by copy. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "test_util.h"

/* assert_close on float arguments (clang warns on implicit float -> double) */
#define assert_near(a, b, tol) assert_close((double)(a), (double)(b), (tol))

#include "lrfind/rng.h"

/* First outputs for splitmix64-seeded xoshiro256**, from an independent Python implementation
 * of the reference code (prng.di.unimi.it). */
static void test_known_answers(void **state)
{
    (void)state;
    struct lrf_rng r;
    rng_seed(&r, 42);
    assert_true(rng_next(&r) == UINT64_C(0x15780b2e0c2ec716));
    assert_true(rng_next(&r) == UINT64_C(0x6104d9866d113a7e));
    assert_true(rng_next(&r) == UINT64_C(0xae17533239e499a1));
    assert_true(rng_next(&r) == UINT64_C(0xecb8ad4703b360a1));
    rng_seed(&r, 0);
    assert_true(rng_next(&r) == UINT64_C(0x99ec5f36cb75f2b4));
    assert_true(rng_next(&r) == UINT64_C(0xbf6e1f784956452a));
    rng_seed_stream(&r, 42, 3);
    assert_true(rng_next(&r) == UINT64_C(0x44ad28f44a5c0633));
    rng_seed(&r, 42);
    assert_true(rng_u32(&r) == UINT32_C(0x15780b2e));
}

static void test_streams_differ(void **state)
{
    (void)state;
    struct lrf_rng a, b, c;
    rng_seed_stream(&a, 7, 1);
    rng_seed_stream(&b, 7, 2);
    rng_seed_stream(&c, 8, 1);
    uint64_t x = rng_next(&a), y = rng_next(&b), z = rng_next(&c);
    assert_true(x != y && x != z && y != z);
}

static void test_uniform(void **state)
{
    (void)state;
    struct lrf_rng r;
    rng_seed(&r, 1);
    double sum = 0.0, lo = 1.0, hi = 0.0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        double u = rng_uniform(&r);
        assert_true(u >= 0.0 && u < 1.0);
        sum += u;
        lo = fmin(lo, u);
        hi = fmax(hi, u);
    }
    assert_near(sum / n, 0.5, 0.01);
    assert_true(lo < 1e-4 && hi > 1.0 - 1e-4);
    for (int i = 0; i < 1000; i++) {
        double v = rng_range(&r, -3.0, 2.0);
        assert_true(v >= -3.0 && v < 2.0);
    }
}

static void test_below(void **state)
{
    (void)state;
    struct lrf_rng r;
    rng_seed(&r, 2);
    assert_true(rng_below(&r, 0) == 0);
    assert_true(rng_below(&r, 1) == 0);
    long count[6] = {0};
    const int n = 60000;
    for (int i = 0; i < n; i++) {
        uint64_t k = rng_below(&r, 6);
        assert_true(k < 6);
        count[k]++;
    }
    double chi2 = 0.0;
    for (int k = 0; k < 6; k++)
        chi2 += (count[k] - n / 6.0) * (count[k] - n / 6.0) / (n / 6.0);
    assert_true(chi2 < 25.0); /* 5 degrees of freedom: p < 1e-4 */
    /* a bound near 2^64 still stays in range */
    uint64_t big = UINT64_C(0xF000000000000001);
    for (int i = 0; i < 100; i++)
        assert_true(rng_below(&r, big) < big);
}

static void test_normal_moments(void **state)
{
    (void)state;
    struct lrf_rng r;
    rng_seed(&r, 3);
    double s1 = 0.0, s2 = 0.0, s4 = 0.0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        double x = rng_normal(&r);
        assert_true(isfinite(x));
        s1 += x;
        s2 += x * x;
        s4 += x * x * x * x;
    }
    assert_true(fabs(s1 / n) < 0.01);
    assert_near(s2 / n, 1.0, 0.02);
    assert_near(s4 / n, 3.0, 0.06); /* kurtosis of a normal */
}

static void test_shuffle(void **state)
{
    (void)state;
    struct lrf_rng r1, r2;
    rng_seed(&r1, 9);
    rng_seed(&r2, 9);
    uint32_t a[100], b[100];
    for (uint32_t i = 0; i < 100; i++)
        a[i] = b[i] = i;
    rng_shuffle_u32(&r1, a, 100);
    rng_shuffle_u32(&r2, b, 100);
    assert_memory_equal(a, b, sizeof a);
    int seen[100] = {0}, moved = 0;
    for (int i = 0; i < 100; i++) {
        assert_true(a[i] < 100);
        seen[a[i]]++;
        moved += a[i] != (uint32_t)i;
    }
    for (int i = 0; i < 100; i++)
        assert_int_equal(seen[i], 1);
    assert_true(moved > 80);
    rng_shuffle_u32(&r1, a, 0); /* empty and single are fine */
    rng_shuffle_u32(&r1, a, 1);
}

/* A copy of the struct is a snapshot: the spare normal travels with it. */
static void test_snapshot_by_copy(void **state)
{
    (void)state;
    struct lrf_rng r;
    rng_seed(&r, 11);
    (void)rng_normal(&r); /* leaves a spare */
    struct lrf_rng snap = r;
    double a[5], b[5];
    for (int i = 0; i < 5; i++)
        a[i] = rng_normal(&r);
    r = snap;
    for (int i = 0; i < 5; i++)
        b[i] = rng_normal(&r);
    assert_memory_equal(a, b, sizeof a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answers), cmocka_unit_test(test_streams_differ),
        cmocka_unit_test(test_uniform),       cmocka_unit_test(test_below),
        cmocka_unit_test(test_normal_moments), cmocka_unit_test(test_shuffle),
        cmocka_unit_test(test_snapshot_by_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
