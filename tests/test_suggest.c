/* test_suggest.c: fastai's four suggestions and the window. Known answers (the issue's curve,
 * hand-worked small cases, and vectors computed by a Python transcription of fastai's functions
 * with numpy, pasted below as constants), naive transcriptions of fastai's loops checked against
 * the fast versions on thousands of random curves with many ties, the window rules, and whole
 * sweeps (schedule + recorder + window + suggestions) against the same Python transcription. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

/* (double)NAN and HUGE_VAL are floats; clang -Wdouble-promotion wants the conversion spelt out. */
#define DNAN ((double)NAN)
#define DINF ((double)HUGE_VAL)

#include "lrfind/schedule.h"
#include "lrfind/suggest.h"
#include "lrfind/sweep.h"

/* ---- helpers ------------------------------------------------------------------------------ */

/* A small deterministic generator (xorshift64*), uniform in [0, 1). */
static double uniform(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return (double)((*s * 2685821657736338717ULL) >> 11) * 0x1.0p-53;
}

/* lrs[i] = 10^i: distinct, increasing. */
static void pow10_lrs(double *lrs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        lrs[i] = pow(10, (double)i);
}

/* fastai's valley, loop for loop (O(n^2)); returns the index Python would read, or -1 for none. */
static long naive_valley(const double *losses, size_t n)
{
    if (n == 0)
        return -1;
    long *lds = malloc(n * sizeof *lds);
    assert_non_null(lds);
    for (size_t i = 0; i < n; i++)
        lds[i] = 1;
    long max_start = 0, max_end = 0;
    for (size_t i = 1; i < n; i++) {
        for (size_t j = 0; j < i; j++) {
            if (losses[i] < losses[j] && lds[i] < lds[j] + 1)
                lds[i] = lds[j] + 1;
            if (lds[max_end] < lds[i]) {
                max_end = (long)i;
                max_start = max_end - lds[max_end];
            }
        }
    }
    free(lds);
    double sections = (double)(max_end - max_start) / 3;
    long idx = max_start + (long)sections + (long)(sections / 2);
    return idx < 0 ? idx + (long)n : idx; /* Python's negative index */
}

/* fastai's slide with Python's negative indexes and a materialised np.gradient; -1 for none. */
static long naive_slide(const double *losses, size_t n, size_t lr_diff, double thresh)
{
    if (n < 2) /* np.gradient raises */
        return -1;
    double *g = malloc(n * sizeof *g);
    assert_non_null(g);
    g[0] = (losses[1] - losses[0]) / 1.0;
    g[n - 1] = (losses[n - 1] - losses[n - 2]) / 1.0;
    for (size_t i = 1; i + 1 < n; i++)
        g[i] = (losses[i + 1] - losses[i - 1]) / 2.0;
    long N = (long)n;
    long r = -1, l = r - (long)lr_diff;
    if (l < -N) { /* lrs[l_idx] raises IndexError */
        free(g);
        return -1;
    }
    long pick = l;
    while (l >= -N && fabs(g[N + r] - g[N + l]) > thresh) {
        pick = l;
        r -= 1;
        l -= 1;
    }
    free(g);
    return N + pick;
}

/* First argmin over non-NaN values; -1 for none. */
static long naive_argmin(const double *x, size_t n)
{
    long arg = -1;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && (arg < 0 || x[i] < x[arg]))
            arg = (long)i;
    return arg;
}

/* fastai's steep: the argmin of the forward differences against ln(lr); -1 for none. */
static long naive_steep(const double *lrs, const double *losses, size_t n)
{
    if (n < 2)
        return -1;
    double *g = malloc((n - 1) * sizeof *g);
    assert_non_null(g);
    for (size_t i = 0; i + 1 < n; i++)
        g[i] = (losses[i + 1] - losses[i]) / (log(lrs[i + 1]) - log(lrs[i]));
    long arg = naive_argmin(g, n - 1);
    free(g);
    return arg;
}

/* ---- the issue's known answer --------------------------------------------------------------- */

static const double issue_losses[20] = {2.30, 2.30, 2.29, 2.28, 2.25, 2.18, 2.05, 1.85, 1.62, 1.35,
                                        1.15, 1.00, 0.92, 0.88, 0.90, 1.00, 1.30, 1.90, 3.00, 5.00};

static void issue_lrs(double lrs[20])
{
    for (int i = 0; i < 20; i++)
        lrs[i] = 1e-7 * pow(10, 0.4 * i);
}

static void test_issue_known_answer(void **state)
{
    (void)state;
    double lrs[20];
    issue_lrs(lrs);
    struct suggestion s;
    assert_true(suggest_valley(lrs, issue_losses, 20, &s));
    assert_true(s.ok);
    assert_int_equal(s.index, 6);
    assert_close(s.lr, 2.511886e-05, 1e-6);
    assert_close(s.lr, 2.5118864315095822e-05, 1e-15); /* numpy transcription */
    assert_true(suggest_slide(lrs, issue_losses, 20, 15, 0.005, 1, &s));
    assert_int_equal(s.index, 0);
    assert_close(s.lr, 1.0e-07, 1e-12);
    assert_true(suggest_minimum(lrs, issue_losses, 20, &s));
    assert_int_equal(s.index, 13);
    assert_close(s.lr, 1.584893e-03, 1e-6);
    assert_close(s.lr, 0.0015848931924611141, 1e-15);
    assert_close(lrs[13], 1.584893e-02, 1e-6);
    assert_true(suggest_steep(lrs, issue_losses, 20, &s));
    assert_int_equal(s.index, 8);
    assert_close(s.lr, 1.584893e-04, 1e-6);
    assert_close(s.lr, 0.00015848931924611139, 1e-15);
}

/* slide on the issue's curve with other settings; expected values from the numpy transcription. */
static void test_slide_settings(void **state)
{
    (void)state;
    static const struct {
        size_t lr_diff;
        double thresh, adjust;
        bool ok;
        double lr;
        size_t index;
    } cases[] = {
        {3, 0.05, 1, true, 0.00015848931924611139, 8},
        {5, 0.1, 0.5, true, 3.154786722400968e-05, 7},
        {2, 0.01, 1, true, 9.9999999999999995e-08, 0},
        {1, 0.2, 1, true, 0.099999999999999992, 15},
        {19, 0.005, 1, true, 9.9999999999999995e-08, 0},
        {4, 1, 1, true, 0.039810717055349769, 14},
        {0, 0.05, 1, true, 3.9810717055349771, 19},
        {10, 0.02, 2, true, 7.9621434110699467e-06, 4},
        {20, 0.005, 1, false, 0, 0}, /* lrs[-21] of 20 points: IndexError */
        {100, 0.005, 1, false, 0, 0},
    };
    double lrs[20];
    issue_lrs(lrs);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct suggestion s;
        bool ok = suggest_slide(lrs, issue_losses, 20, cases[c].lr_diff, cases[c].thresh, cases[c].adjust, &s);
        assert_int_equal(ok, cases[c].ok);
        assert_int_equal(s.ok, cases[c].ok);
        if (ok) {
            assert_int_equal(s.index, cases[c].index);
            assert_close(s.lr, cases[c].lr, 1e-15);
        } else {
            assert_true(isnan(s.lr));
        }
    }
}

/* ---- hand-worked small cases ------------------------------------------------------------------ */

/* Valley and minimum on small curves, worked by hand from fastai's loops (and confirmed by the
 * Python transcription). lds is the length of the longest strictly decreasing run ending at i. */
static void test_valley_minimum_by_hand(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        double losses[10];
        size_t n;
        size_t valley, minimum;
    } cases[] = {
        /* lds all 1: max_start = max_end = 0, idx 0 */
        {"flat", {1, 1, 1, 1, 1}, 5, 0, 0},
        {"increasing", {1, 2, 3, 4}, 4, 0, 0},
        {"rise of two", {1, 2}, 2, 0, 0},
        {"one point", {7}, 1, 0, 0},
        /* lds [1,2]: max_end 1, max_start -1, L 2, idx -1 + 0 + 0 = -1 -> the last point */
        {"fall of two", {2, 1}, 2, 1, 1},
        /* lds [1,2,3]: max_start -1, L 3: idx -1 + 1 + 0 = 0 */
        {"fall of three", {3, 2, 1}, 3, 0, 2},
        /* ties do not count as falling: lds [1,1,2,2,3,3], max_end 4 (the first 3), start 1, idx 2 */
        {"ties", {3, 3, 2, 2, 1, 1}, 6, 2, 4},
        /* 5,4,3,2 skipping the 1: lds [1,2,2,3,4], max_end 4, start 0, L 4: idx 0 + 1 + 0 = 1 */
        {"subsequence", {5, 1, 4, 3, 2}, 5, 1, 1},
        /* L 6, start -1: -1 + 2 + 1 = 2 */
        {"fall of six", {6, 5, 4, 3, 2, 1}, 6, 2, 5},
        /* L 7, start -1: -1 + int(2.33) + int(1.17) = 2 */
        {"fall of seven", {7, 6, 5, 4, 3, 2, 1}, 7, 2, 6},
        /* L 9, start -1: -1 + 3 + int(1.5) = 3 */
        {"fall of nine", {9, 8, 7, 6, 5, 4, 3, 2, 1}, 9, 3, 8},
        /* the longest run (5,4,3,2: lds 4 at index 4) is not at the end: start 0, idx 1 */
        {"valley inside", {1, 5, 4, 3, 2, 9, 8}, 7, 1, 0},
        /* two runs of three: the first index holding the longest wins (max_end 2), idx 0 */
        {"two runs", {3, 2, 1, 6, 5, 4}, 6, 0, 2},
        /* lds [1,2,3,1,2,4] (7 extends 10 9 8): max_end 5, start 5 - 4 = 1, idx 1 + 1 + 0 = 2 */
        {"rise then fall", {10, 9, 8, 12, 11, 7}, 6, 2, 5},
        /* minimum takes the first of equal lowest losses; lds [1,2,2,3,1]: start 0, L 3, idx 1 */
        {"tied minimum", {3, 1, 2, 1, 4}, 5, 1, 1},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        double lrs[10];
        pow10_lrs(lrs, cases[c].n);
        struct suggestion s;
        assert_true(suggest_valley(lrs, cases[c].losses, cases[c].n, &s));
        assert_int_equal(s.index, cases[c].valley);
        assert_true(s.lr == lrs[cases[c].valley]);
        assert_int_equal(naive_valley(cases[c].losses, cases[c].n), (long)cases[c].valley);
        assert_true(suggest_minimum(lrs, cases[c].losses, cases[c].n, &s));
        assert_int_equal(s.index, cases[c].minimum);
        assert_true(s.lr == lrs[cases[c].minimum] / 10);
    }
}

/* Nothing to say about too few points: ok false, rate NaN, never garbage. */
static void test_too_few_points(void **state)
{
    (void)state;
    struct suggestion s;
    double lrs[20], losses[20];
    pow10_lrs(lrs, 20);
    for (int i = 0; i < 20; i++)
        losses[i] = 20 - i;
    s.ok = true;
    s.lr = 1;
    assert_false(suggest_valley(lrs, losses, 0, &s));
    assert_false(s.ok);
    assert_true(isnan(s.lr));
    assert_false(suggest_valley(NULL, NULL, 0, &s));
    assert_false(suggest_minimum(lrs, losses, 0, &s));
    assert_false(suggest_minimum(NULL, NULL, 0, &s));
    assert_false(suggest_steep(lrs, losses, 0, &s));
    assert_false(suggest_steep(lrs, losses, 1, &s));
    assert_false(s.ok);
    assert_true(isnan(s.lr));
    assert_false(suggest_slide(lrs, losses, 0, 0, 0.005, 1, &s));
    assert_false(suggest_slide(lrs, losses, 1, 0, 0.005, 1, &s)); /* np.gradient needs 2 */
    assert_false(suggest_slide(lrs, losses, 15, 15, 0.005, 1, &s)); /* needs lr_diff + 1 */
    assert_false(s.ok);
    assert_true(suggest_slide(lrs, losses, 16, 15, 0.005, 1, &s));
    assert_true(s.ok);
    /* A straight line has a constant gradient: no pair differs, pick stays at lrs[-1 - lr_diff]. */
    assert_int_equal(s.index, 0);
    assert_true(suggest_slide(lrs, losses, 20, 15, 0.005, 1, &s));
    assert_int_equal(s.index, 4);
    assert_true(suggest_slide(lrs, losses, 2, 1, 0.005, 1, &s));
    assert_int_equal(s.index, 0);
    assert_true(suggest_slide(lrs, losses, 2, 0, 0.005, 1, &s));
    assert_int_equal(s.index, 1);
    /* All NaN: minimum and steep have nothing to compare. */
    double nans[3] = {DNAN, DNAN, DNAN};
    assert_false(suggest_minimum(lrs, nans, 3, &s));
    assert_false(suggest_steep(lrs, nans, 3, &s));
    assert_true(suggest_valley(lrs, nans, 3, &s)); /* fastai: lds all 1, idx 0 */
    assert_int_equal(s.index, 0);
}

static void test_steep_by_hand(void **state)
{
    (void)state;
    struct suggestion s;
    double lrs[5];
    pow10_lrs(lrs, 5);
    /* one difference: its left point */
    assert_true(suggest_steep(lrs, (const double[]){2, 1}, 2, &s));
    assert_int_equal(s.index, 0);
    assert_true(s.lr == 1);
    assert_true(suggest_steep(lrs, (const double[]){1, 2}, 2, &s));
    assert_int_equal(s.index, 0);
    /* flat: all differences 0, the first */
    assert_true(suggest_steep(lrs, (const double[]){1, 1, 1, 1, 1}, 5, &s));
    assert_int_equal(s.index, 0);
    /* steepest drop 4 -> 1 between 1 and 2 */
    assert_true(suggest_steep(lrs, (const double[]){5, 4, 1, 0.5, 3}, 5, &s));
    assert_int_equal(s.index, 1);
    assert_true(s.lr == 10);
    /* ties break to the first: ln 4 - ln 2 == ln 2 - ln 1 exactly (binary scaling) */
    assert_true(suggest_steep((const double[]){1, 2, 4}, (const double[]){1, 0, -1}, 3, &s));
    assert_int_equal(s.index, 0);
    /* the slope is against ln(lr), not the index: a 1.0 drop over a decade loses to 0.6 over 0.1 */
    assert_true(suggest_steep((const double[]){1, 10, 12.589254117941673}, (const double[]){3, 2, 1.4}, 3, &s));
    assert_int_equal(s.index, 1);
    /* a NaN difference is skipped, the others compete */
    assert_true(suggest_steep(lrs, (const double[]){3, DNAN, 2, 0, 1}, 5, &s));
    assert_int_equal(s.index, 2);
    /* -inf wins (torch's argmin takes it too) */
    assert_true(suggest_steep(lrs, (const double[]){3, 2, -DINF, 0}, 4, &s));
    assert_int_equal(s.index, 1);
}

/* np.gradient at the ends is one-sided: a kink at the last point shows only in g[n-1]. */
static void test_slide_by_hand(void **state)
{
    (void)state;
    struct suggestion s;
    double lrs[8];
    pow10_lrs(lrs, 8);
    /* losses 0,0,0,0,0,0,0,1: g = [0,0,0,0,0,0,0.5,1]. lr_diff 2: r 7, l 5: |1-0| > t: pick 5;
     * r 6, l 4: |0.5-0| > t: pick 4; r 5, l 3: 0: stop. */
    const double kink[8] = {0, 0, 0, 0, 0, 0, 0, 1};
    assert_true(suggest_slide(lrs, kink, 8, 2, 0.005, 1, &s));
    assert_int_equal(s.index, 4);
    assert_true(s.lr == 1e4);
    /* with thresh 0.6 only the first pair qualifies: pick 5 */
    assert_true(suggest_slide(lrs, kink, 8, 2, 0.6, 1, &s));
    assert_int_equal(s.index, 5);
    /* with thresh 1 (|1 - 0| is not > 1) the initial pick stays: lrs[-3] = index 5 */
    assert_true(suggest_slide(lrs, kink, 8, 2, 1, 1, &s));
    assert_int_equal(s.index, 5);
    /* adjust_value scales the rate, not the index */
    assert_true(suggest_slide(lrs, kink, 8, 2, 0.005, 0.25, &s));
    assert_int_equal(s.index, 4);
    assert_true(s.lr == 2500);
    /* a slide that runs off the left end stops after l = 0 */
    const double wave[8] = {0, 1, 0, 1, 0, 1, 0, 1};
    assert_true(suggest_slide(lrs, wave, 8, 1, 0.005, 1, &s));
    assert_int_equal(naive_slide(wave, 8, 1, 0.005), (long)s.index);
    /* a NaN gradient ends the slide (the comparison is false), as in numpy */
    const double holed[8] = {0, 0, 0, 0, 0, DNAN, 0, 1};
    assert_true(suggest_slide(lrs, holed, 8, 2, 0.005, 1, &s));
    assert_int_equal(s.index, 5);
    assert_int_equal(naive_slide(holed, 8, 2, 0.005), 5);
}

/* ---- fast versions against fastai's loops on random curves ------------------------------------ */

/* Fill x[n] with a curve of the given kind: few distinct values (ties everywhere), continuous
 * noise, a noisy valley, or a noisy valley with NaN and infinities sprinkled in. */
static void random_curve(double *x, size_t n, int kind, uint64_t *seed)
{
    for (size_t i = 0; i < n; i++) {
        double u = uniform(seed);
        double t = n > 1 ? (double)i / (double)(n - 1) : 0;
        switch (kind) {
        case 0: x[i] = floor(u * 2); break;  /* 0 or 1 */
        case 1: x[i] = floor(u * 3); break;  /* 0..2 */
        case 2: x[i] = floor(u * 10); break; /* 0..9 */
        case 3: x[i] = u; break;
        case 4: x[i] = 2 - 1.5 * sin(3 * t) + 3 * t * t * t * t + 0.2 * u; break;
        case 5: x[i] = floor((2 - 1.5 * sin(3 * t) + 3 * t * t * t * t) * 4 + u) / 4; break;
        default:
            x[i] = floor(u * 5);
            if (u < 0.05)
                x[i] = DNAN;
            else if (u < 0.08)
                x[i] = DINF;
            else if (u < 0.1)
                x[i] = -DINF;
            break;
        }
    }
}

enum { KINDS = 7 };

/* Every method against its transcription on one curve. */
static void check_against_naive(const double *lrs, const double *x, size_t n, uint64_t *seed)
{
    struct suggestion s;
    long want = naive_valley(x, n);
    bool ok = suggest_valley(lrs, x, n, &s);
    assert_int_equal(ok, want >= 0);
    if (ok) {
        assert_int_equal((long)s.index, want);
        assert_true(s.lr == lrs[want]);
    }
    size_t lr_diff = (size_t)(uniform(seed) * 8);
    double thresh = uniform(seed) < 0.5 ? 0.005 : uniform(seed);
    want = naive_slide(x, n, lr_diff, thresh);
    ok = suggest_slide(lrs, x, n, lr_diff, thresh, 1, &s);
    assert_int_equal(ok, want >= 0);
    if (ok)
        assert_int_equal((long)s.index, want);
    want = naive_argmin(x, n);
    ok = suggest_minimum(lrs, x, n, &s);
    assert_int_equal(ok, want >= 0);
    if (ok)
        assert_int_equal((long)s.index, want);
    want = naive_steep(lrs, x, n);
    ok = suggest_steep(lrs, x, n, &s);
    assert_int_equal(ok, want >= 0);
    if (ok)
        assert_int_equal((long)s.index, want);
}

static void test_random_agreement(void **state)
{
    (void)state;
    enum { MAXN = 50, TRIALS = 6000 };
    double lrs[MAXN], x[MAXN];
    for (size_t i = 0; i < MAXN; i++)
        lrs[i] = 1e-7 * pow(1.4, (double)i);
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    for (int t = 0; t < TRIALS; t++) {
        size_t n = (size_t)t % (MAXN + 1); /* every length 0..50, many times over */
        random_curve(x, n, t % KINDS, &seed);
        check_against_naive(lrs, x, n, &seed);
    }
}

static void test_random_agreement_long(void **state)
{
    (void)state;
    const size_t lens[] = {257, 1000, 2500};
    uint64_t seed = 7;
    for (size_t a = 0; a < 3; a++) {
        size_t n = lens[a];
        double *lrs = malloc(n * sizeof *lrs), *x = malloc(n * sizeof *x);
        assert_non_null(lrs);
        assert_non_null(x);
        for (size_t i = 0; i < n; i++)
            lrs[i] = 1e-7 * pow(1e8, (double)i / (double)n);
        for (int kind = 0; kind < KINDS; kind++) {
            random_curve(x, n, kind, &seed);
            check_against_naive(lrs, x, n, &seed);
        }
        free(lrs);
        free(x);
    }
}

/* 10^6 points: a straight fall has L = n, max_start = -1; the sweep-sized case must just work. */
static void test_million_points(void **state)
{
    (void)state;
    const size_t n = 1000000;
    double *lrs = malloc(n * sizeof *lrs), *x = malloc(n * sizeof *x);
    assert_non_null(lrs);
    assert_non_null(x);
    for (size_t i = 0; i < n; i++) {
        lrs[i] = 1e-7 * pow(1e8, (double)i / (double)n);
        x[i] = 10 - (double)i * 1e-5;
    }
    struct suggestion s;
    assert_true(suggest_valley(lrs, x, n, &s));
    assert_int_equal(s.index, (size_t)(-1 + 1000000 / 3 + 1000000 / 6));
    struct suggest_opts o = suggest_opts_default();
    size_t w[2];
    struct suggestion out[SUGGEST_COUNT];
    suggest_all(lrs, x, n, n, &o, w, out);
    assert_int_equal(w[0], 100000);
    assert_int_equal(w[1], n - 5);
    for (int m = 0; m < SUGGEST_COUNT; m++)
        assert_true(out[m].ok);
    assert_int_equal(out[SUGGEST_MINIMUM].index, n - 6);
    free(lrs);
    free(x);
}

/* ---- the window and suggest_all ---------------------------------------------------------------- */

static void window(const double *losses, size_t len, size_t n_conf, long skip_start, size_t skip_end,
                   size_t want_lo, size_t want_hi)
{
    struct suggest_opts o = suggest_opts_default();
    o.skip_start = skip_start;
    o.skip_end = skip_end;
    size_t lo = 999, hi = 999;
    suggest_window(losses, len, n_conf, &o, &lo, &hi);
    assert_int_equal(lo, want_lo);
    assert_int_equal(hi, want_hi);
}

static void test_window(void **state)
{
    (void)state;
    static double y[200];
    for (int i = 0; i < 200; i++)
        y[i] = 1;
    window(y, 100, 100, -1, 5, 10, 95);   /* N // 10 and the last 5 */
    window(y, 30, 100, -1, 5, 10, 25);    /* stopped early: still N // 10 of the configured N */
    window(y, 99, 99, -1, 5, 9, 94);      /* 99 // 10 = 9 */
    window(y, 9, 9, -1, 5, 0, 4);         /* 9 // 10 = 0 */
    window(y, 12, 100, -1, 5, 10, 10);    /* hi 7 < lo: empty at lo */
    window(y, 3, 100, -1, 5, 3, 3);       /* shorter than skip_start: clamped to len */
    window(y, 4, 4, -1, 5, 0, 0);         /* shorter than skip_end */
    window(y, 5, 5, -1, 5, 0, 0);
    window(y, 6, 6, -1, 5, 0, 1);
    window(y, 100, 100, -1, 0, 10, 100);  /* skip_end 0: to the end */
    window(y, 100, 100, 0, 5, 0, 95);     /* explicit skip_start */
    window(y, 100, 100, 37, 7, 37, 93);
    window(y, 100, 100, 200, 5, 100, 100);
    window(y, 0, 100, -1, 5, 0, 0);       /* empty sweep */
    window(NULL, 0, 0, -1, 0, 0, 0);
    window(y, 200, 0, -1, 5, 0, 195);     /* N unknown (0): no skip at the start */

    /* Cut at the first non-finite value inside the window; values outside do not count. */
    y[40] = DNAN;
    window(y, 100, 100, -1, 5, 10, 40);
    y[40] = DINF;
    window(y, 100, 100, -1, 5, 10, 40);
    y[40] = -DINF;
    window(y, 100, 100, -1, 5, 10, 40);
    y[30] = DNAN;
    window(y, 100, 100, -1, 5, 10, 30);   /* the first one */
    y[30] = y[40] = 1;
    y[5] = DNAN;                           /* before the window */
    y[97] = DNAN;                          /* inside skip_end */
    window(y, 100, 100, -1, 5, 10, 95);
    y[10] = DNAN;                          /* at lo: empty */
    window(y, 100, 100, -1, 5, 10, 10);
    y[10] = 1;
    y[94] = DINF;                     /* the last point of the window */
    window(y, 100, 100, -1, 5, 10, 94);
}

static void test_suggest_all(void **state)
{
    (void)state;
    /* The issue's curve placed after 10 points of noise and followed by 5: the window finds it and
     * the indexes come back as sweep indexes. */
    double lrs[35], y[35];
    for (int i = 0; i < 35; i++)
        lrs[i] = 1e-9 * pow(10, 0.4 * i);
    for (int i = 0; i < 10; i++)
        y[i] = 0.1 * i; /* rising: would change every answer if it leaked in */
    for (int i = 0; i < 20; i++)
        y[10 + i] = issue_losses[i];
    for (int i = 30; i < 35; i++)
        y[i] = 0.01; /* the lowest of all: would change minimum if it leaked in */
    struct suggest_opts o = suggest_opts_default();
    size_t w[2];
    struct suggestion out[SUGGEST_COUNT];
    suggest_all(lrs, y, 35, 100, &o, w, out); /* N = 100: skip_start 10 */
    assert_int_equal(w[0], 10);
    assert_int_equal(w[1], 30);
    assert_true(out[SUGGEST_VALLEY].ok);
    assert_int_equal(out[SUGGEST_VALLEY].index, 16);
    assert_true(out[SUGGEST_VALLEY].lr == lrs[16]);
    assert_int_equal(out[SUGGEST_SLIDE].index, 10);
    assert_true(out[SUGGEST_SLIDE].lr == lrs[10]);
    assert_int_equal(out[SUGGEST_MINIMUM].index, 23);
    assert_true(out[SUGGEST_MINIMUM].lr == lrs[23] / 10);
    assert_int_equal(out[SUGGEST_STEEP].index, 18);
    assert_true(out[SUGGEST_STEEP].lr == lrs[18]);

    /* Options reach slide. */
    o.lr_diff = 3;
    o.thresh = 0.05;
    o.adjust_value = 2;
    suggest_all(lrs, y, 35, 100, &o, w, out);
    assert_int_equal(out[SUGGEST_SLIDE].index, 18);
    assert_true(out[SUGGEST_SLIDE].lr == 2 * lrs[18]);

    /* A NaN in the middle cuts the window: 8 points left, too few for slide's 16. */
    o = suggest_opts_default();
    y[18] = DNAN;
    suggest_all(lrs, y, 35, 100, &o, w, out);
    assert_int_equal(w[0], 10);
    assert_int_equal(w[1], 18);
    assert_true(out[SUGGEST_VALLEY].ok);
    assert_false(out[SUGGEST_SLIDE].ok);
    assert_true(isnan(out[SUGGEST_SLIDE].lr));
    assert_int_equal(out[SUGGEST_MINIMUM].index, 17); /* the lowest before the cut */
    assert_int_equal(out[SUGGEST_VALLEY].index, naive_valley(y + 10, 8) + 10);
    y[18] = issue_losses[8];

    /* An empty window: every method says "no suggestion". */
    suggest_all(lrs, y, 12, 100, &o, w, out);
    assert_int_equal(w[0], 10);
    assert_int_equal(w[1], 10);
    for (int m = 0; m < SUGGEST_COUNT; m++) {
        assert_false(out[m].ok);
        assert_true(isnan(out[m].lr));
    }
    suggest_all(NULL, NULL, 0, 100, &o, w, out);
    for (int m = 0; m < SUGGEST_COUNT; m++)
        assert_false(out[m].ok);
    /* One point: valley and minimum answer, slide and steep cannot. */
    o.skip_start = 0;
    o.skip_end = 0;
    suggest_all(lrs, y, 1, 100, &o, w, out);
    assert_true(out[SUGGEST_VALLEY].ok);
    assert_true(out[SUGGEST_MINIMUM].ok);
    assert_false(out[SUGGEST_SLIDE].ok);
    assert_false(out[SUGGEST_STEEP].ok);
}

static void test_names_and_defaults(void **state)
{
    (void)state;
    struct suggest_opts o = suggest_opts_default();
    assert_int_equal(o.skip_start, -1);
    assert_int_equal(o.skip_end, 5);
    assert_int_equal(o.lr_diff, 15);
    assert_true(o.thresh == 0.005);
    assert_true(o.adjust_value == 1);
    const char *names[] = {"valley", "slide", "minimum", "steep"};
    for (int m = 0; m < SUGGEST_COUNT; m++) {
        assert_string_equal(suggest_name((enum suggest_method)m), names[m]);
        assert_int_equal(suggest_parse(names[m]), m);
    }
    assert_string_equal(suggest_name(SUGGEST_COUNT), "unknown");
    assert_string_equal(suggest_name((enum suggest_method)-1), "unknown");
    assert_int_equal(suggest_parse("Valley"), -1);
    assert_int_equal(suggest_parse("valleys"), -1);
    assert_int_equal(suggest_parse("valle"), -1);
    assert_int_equal(suggest_parse(""), -1);
    assert_int_equal(suggest_parse(NULL), -1);
}

/* ---- whole sweeps against the Python transcription --------------------------------------------- */

/* The Python transcription ran fastai's schedule, the recorder (debiased EMA, best first, stop
 * rule), the window and the four functions on noisy valley curves; its numbers are pasted here. */
struct golden {
    long n;
    double start, end, beta, stop_factor;
    size_t len;
    enum stop_reason stop;
    size_t stop_index, lo, hi;
    double smooth_mid, smooth_last; /* smooth[len / 2], smooth[len - 1] */
    struct {
        bool ok;
        double lr;
        size_t index;
    } s[SUGGEST_COUNT];
};

/* smooth4: seed 1 */
static const double smooth4_raw[100] = {2.315457110612706, 2.3389429924902188, 2.3140134533568291, 2.2318991442065172, 2.3418150398774258, 2.3182680991227471, 2.2684005514421504, 2.3234819310053298, 2.3116906638654702, 2.3070386140766299, 2.292428603203613, 2.316791072497344, 2.2508144344043655, 2.2773621003671476, 2.2589084064960931, 2.3100388312685252, 2.2786694303704391, 2.2580700452491906, 2.2289351357088485, 2.249727692878611, 2.2566449800785979, 2.2350588030414973, 2.3049304984300658, 2.2805542470285292, 2.0830448473433822, 2.1106989623055692, 2.1808620626619466, 2.15056494218272, 2.1617490760867524, 2.1383212880883056, 2.2063955112576452, 2.0142712841755674, 2.016349358517231, 2.0984056043162895, 1.9850537435470446, 1.9375360580597967, 1.8254469214825895, 1.7106086307722246, 1.738488495873062, 1.6681976407719541, 1.5299951844214184, 1.4824205129259327, 1.435571349911406, 1.3127936029092544, 1.2752202088876394, 1.2052727425595045, 1.1239102158061174, 1.0206590995227991, 1.0025522482031008, 0.94806298728411764, 0.8544783423384662, 0.73712616698027034, 0.75911302663761504, 0.64691911256093149, 0.6703326445748119, 0.5319490637341322, 0.59499185617441597, 0.51630057338706337, 0.42692102723638548, 0.44944672145757875, 0.44707870119078652, 0.44043878280236237, 0.36309079164832164, 0.34503633705509734, 0.40127785916407754, 0.36149535999871524, 0.39281263795851745, 0.41800956737386114, 0.29961228099519654, 0.40017144770404206, 0.4579859245030824, 0.39579293010747491, 0.38961183975336261, 0.49406883940444857, 0.50388277248831526, 0.58131001553587758, 0.57781108255125324, 0.59624188897448516, 0.76120951019686267, 0.86753742516532162, 1.085621244433514, 1.2565927223107285, 1.4200621682134711, 1.7659431966676404, 2.2821695106879987, 2.796308401928699, 3.3970719707259494, 4.276822897857425, 5.3770511245772949, 6.7485905834070303, 8.5112037810922416, 10.695102052241152, 13.493284070068094, 17.064664449001754, 21.680988712254599, 27.300645363216134, 34.760454403742465, 44.118090540087564, 55.930178223130369, 71.126913738485641};
static const struct golden smooth4_golden = {
    100, 9.9999999999999995e-08, 10, 0.97999999999999998, 4, 98, STOP_DIVERGED, 97, 10, 93, 1.873239291478072, 5.2177858129754169,
    {{true, 0.0003981071705534973, 45}, {true, 0.001, 50}, {true, 0.025118864315095822, 80}, {true, 0.0020892961308540407, 54}},
};
/* nostop: seed 2 */
static const double nostop_raw[100] = {2.3076305700991431, 2.2717246632411237, 2.2768384223780651, 2.1749836366547424, 2.386532615679815, 2.353157664106408, 2.2789770713667732, 2.333116355131895, 2.3075225775460493, 2.2646408474226507, 2.3398858636941249, 2.2739275958337637, 2.2711959435515507, 2.2459002599988551, 2.305762275692135, 2.275136618050924, 2.3039477606945904, 2.2423335978039134, 2.274371951182284, 2.217973602738065, 2.2983111196711881, 2.2582407026555003, 2.256755858116922, 2.2507432269117524, 2.168065096284014, 2.2443086744111569, 2.292435808181823, 2.0897523375997618, 2.0645963528540974, 2.0522136208439616, 2.1425765181777932, 2.0763081051838848, 2.0891467309105458, 2.0323885675570481, 1.9632471843557162, 1.9185847967035021, 1.8426592151808059, 1.8364353998755827, 1.6736294605728872, 1.6416539950719609, 1.6035097297885839, 1.6066528889374274, 1.4009503281117475, 1.3060781611054462, 1.2519693473550484, 1.24896220124294, 1.1103806286087519, 1.1121910334003626, 0.87923836873350858, 0.95993079666502512, 0.89017923910661501, 0.70710439385971147, 0.73020950677514096, 0.73277899524401091, 0.63077056577588875, 0.63552350568559335, 0.66801284168383412, 0.53100035884745389, 0.47533935605595934, 0.42658908706494458, 0.47677681732943356, 0.4169627125262535, 0.40326287935566718, 0.39514200049260539, 0.42379211515099818, 0.33151586023445972, 0.30454353283847835, 0.25833975639249523, 0.44198519428224792, 0.39114170985732449, 0.47225954678241311, 0.41022145742047866, 0.39304479615528226, 0.48035311298545175, 0.48738102603104833, 0.47380652889831798, 0.55081853898127853, 0.7586717685348251, 0.78442757819860143, 0.91064815956739209, 1.0330274674150848, 1.2124251017035661, 1.5461874206137729, 1.8204700280391157, 2.2000246532712397, 2.755613725090329, 3.3838038381852562, 4.2863776296153446, 5.4112338283919375, 6.6833661083075038, 8.5388188715450628, 10.648896773447001, 13.505696095152716, 17.035787525975937, 21.617089813910219, 27.415558297594767, 34.745652922688357, 44.081296140109735, 55.967551361640695, 71.06921506036619};
static const struct golden nostop_golden = {
    100, 9.9999999999999995e-08, 10, 0.97999999999999998, 0, 100, STOP_DONE, 99, 10, 95, 1.8466510774418925, 7.8854117680557057,
    {{true, 0.00047863009232263848, 46}, {true, 0.001445439770745928, 52}, {true, 0.025118864315095822, 80}, {true, 0.001, 50}},
};
/* nan: seed 3 */
static const double nan_raw[100] = {2.33899628343717, 2.2467487846888772, 2.3058535764821757, 2.2857016136641768, 2.2874942607015609, 2.2916374272427511, 2.2548484906272197, 2.2897873782426283, 2.2761577825306678, 2.3587919795767509, 2.2955232234023817, 2.2824028072798894, 2.2820113903914221, 2.272146670844621, 2.2619113611059896, 2.2722805010921006, 2.286322232766492, 2.2679218106659778, 2.2871857328858858, 2.2585912623282227, 2.2567230623542138, 2.2797553653307223, 2.2511294181639085, 2.2201134565509588, 2.2149461917997257, 2.215960127239049, 2.2283024279466819, 2.1662820562146994, 2.1461957526302395, 2.1475014635626914, 2.0827743746418812, 2.0640379176613841, 2.0528803882227109, 2.0078740242654911, 1.9545489278025994, 1.9177849765375532, 1.7945839939300874, 1.8134385256650087, 1.710922363465762, 1.6293745395277572, 1.5968917023240672, 1.5305927437219484, 1.4302781847841117, 1.3385030672602771, 1.280656203950931, 1.1994436450211741, 1.1502428672737051, 1.0609218421881019, 0.97674115753910218, 0.92573730367448115, 0.83432546611202218, 0.75951968687681826, 0.73421157866884801, 0.68364188185739794, 0.62207803543787543, 0.56988226301872502, 0.55385157412224217, 0.46742586054867752, 0.50316096715636249, 0.47496906027082092, 0.41159644437439957, 0.42802628604090315, 0.39291820462454574, 0.41554941030852, 0.35061528705285494, 0.36654295008281357, 0.39522895712684752, 0.40316161221858532, 0.33889154171021985, 0.37749124498313513, 0.40331397797714735, 0.3984849495670012, 0.46196537354170397, 0.43263211441311333, 0.49830108560364667, 0.51554775162610933, 0.6231911269165149, 0.66989977807948453, 0.75926503715241289, 0.85546513382123091, DNAN, 1.2619666517458186, 1.5166759065854134, 1.848458975851156, 2.2449645904210964, 2.7495352188462783, 3.4130793144807718, 4.2608713380985686, 5.3821738937151604, 6.6959627425907575, 8.4554642810511087, 10.675852892494349, 13.502517867523501, 17.089113840011304, 21.603219632046027, 27.378587807944612, 34.767298885344587, 44.140711811394084, 56.016586832359806, 71.114586073502736};
static const struct golden nan_golden = {
    100, 9.9999999999999995e-08, 10, 0.97999999999999998, 0, 81, STOP_NONFINITE, 80, 10, 76, 2.1164742818243543, DNAN,
    {{true, 0.00019054607179632462, 41}, {true, 0.001, 50}, {true, 0.0099999999999999985, 75}, {true, 0.0030199517204020187, 56}},
};
/* raw: seed 4 */
static const double raw_raw[60] = {2.2214352511462949, 2.2662032205971103, 2.4464689197759131, 2.3416580728974297, 2.1063124337730019, 2.263507559560944, 2.1938914969538414, 2.2616697225618401, 2.0745910445827596, 2.2458467577256274, 2.2286877164776984, 2.3429161019466065, 2.1933901590108218, 2.1847126451971537, 1.9511919050086692, 2.2868732126405207, 1.8247416082223553, 2.0742281513349399, 1.8713924820535985, 1.7490053147086666, 1.6965161926164565, 1.6127846645080435, 1.6293816963585468, 1.4864371794335893, 1.5480165351598199, 1.1171630074595518, 1.2001904947194466, 1.0136439682671157, 1.0865781114322939, 0.708654768505248, 0.80406649210018988, 0.78471431154395122, 0.54821314991225012, 0.73584515605551759, 0.60340977748984426, 0.64157027329160987, 0.59876542956429279, 0.37287651729298965, 0.36459401146325549, 0.40254485026956716, 0.4807567154896894, 0.47842375151156069, 0.31386435377183697, 0.31979799107549112, 0.30086341775684811, 0.32733566537631231, 0.37296123836982331, 0.40179331848893446, 0.64817147883656179, 0.43098366454926329, 0.50764342529407747, 0.65802458262050556, 0.62025479950548912, 0.81931740098065708, 1.0481869014472363, 1.3823598410149953, 1.5223079624794276, 2.2625833482795583, 2.7270744144676486, 3.6392836369126265};
static const struct golden raw_golden = {
    60, 9.9999999999999995e-07, 1, 0, 4, 56, STOP_DIVERGED, 55, 6, 51, 1.0865781114322939, 1.3823598410149953,
    {{true, 0.0015848931924611132, 32}, {true, 0.0012589254117941681, 31}, {true, 0.0025118864315095781, 44}, {true, 3.1622776601683789e-05, 15}},
};
/* beta9: seed 5 */
static const double beta9_raw[120] = {2.274119958251863, 2.25818751445706, 2.2901708722704353, 2.3098963234331555, 2.3309774314768181, 2.2997452920275192, 2.2793699508884595, 2.2718295527900865, 2.3171771237107146, 2.3430066791976629, 2.3012881857822056, 2.2551257145605517, 2.2622595349747407, 2.3377320432295638, 2.2943619247058957, 2.2346503211342768, 2.282208868918957, 2.2476625538801742, 2.2612178778149468, 2.2626497419867317, 2.252693329328777, 2.2870535173420654, 2.2644161658581452, 2.2439126939877521, 2.268527005849394, 2.2750473102652742, 2.1939528500291843, 2.2277079192104337, 2.1971133169559778, 2.2113003908653401, 2.1664670622013373, 2.192970060775878, 2.1767957708533183, 2.1525955248348771, 2.1121087370683829, 2.1113186623248623, 2.0677637064542216, 2.0345910784443859, 2.0539861836625786, 1.9830256658814445, 2.0173808033671174, 1.9664969971763293, 1.8444483886674918, 1.8685255288350056, 1.7798781045712901, 1.7631364103141078, 1.7094458481065931, 1.5914608318872003, 1.584360111420674, 1.5215765790881706, 1.4940752807098097, 1.3643160146177478, 1.3555739158826834, 1.2338462128965673, 1.1905598644050341, 1.1098488603917152, 1.1145214589596593, 1.0260373196801369, 1.022250072646907, 0.9116070633210317, 0.86378570912171326, 0.81298896660234576, 0.72228355432734404, 0.69453915491273355, 0.69675558335915988, 0.60734512599961887, 0.59120242051673733, 0.55437034262299278, 0.54577415828646414, 0.4918996814384205, 0.47631526918987532, 0.46871955567064266, 0.44746428140681355, 0.40356710282845365, 0.44362109393583815, 0.36700630664596851, 0.36104116738325898, 0.35156310290360682, 0.4138420092107018, 0.37066234024363293, 0.35091514536091462, 0.34656506744781157, 0.39608784286304843, 0.35706953195503394, 0.35859122982336655, 0.42641224555935642, 0.38706784712858588, 0.4326868874642486, 0.46680654175475927, 0.48460379170948026, 0.5348930431491361, 0.62441960239833227, 0.62763283431419847, 0.67778299129613484, 0.74935738882353709, 0.90728257881074403, 1.0362873430187984, 1.2180754114869232, 1.3958706306567636, 1.6395502944625198, 1.9306277074542557, 2.3012638863602257, 2.7671269522473292, 3.2951337262663025, 3.9743916430289712, 4.8405467887278633, 5.7899157730167614, 6.9400076444481229, 8.5193975588549176, 10.285686098088338, 12.455187475561198, 15.207762327933395, 18.475391958933198, 22.480122183800045, 27.394182809207052, 33.386129628410416, 40.749168571003828, 49.73488175015256, 60.630858231440868, 74.012700407273712};
static const struct golden beta9_golden = {
    120, 9.9999999999999995e-08, 10, 0.90000000000000002, 4, 106, STOP_DIVERGED, 105, 12, 101, 1.6875906000888707, 2.024228484687955,
    {{true, 0.00021544346900318845, 50}, {true, 0.00034145488738336009, 53}, {true, 0.0063095734448019303, 87}, {true, 0.001165914401179831, 61}},
};

static void check_golden(const double *raw, const struct golden *g)
{
    struct schedule sc;
    schedule_init_range(&sc, SCHED_EXPONENTIAL, g->start, g->end, g->n);
    struct sweep sw;
    sweep_init(&sw, g->beta, g->stop_factor, (size_t)g->n);
    for (long i = 0; i < g->n; i++) {
        int r = sweep_push(&sw, schedule_lr(&sc, i), raw[i]);
        assert_true(r >= 0);
        if (r != STOP_NONE)
            break;
    }
    assert_int_equal(sw.len, g->len);
    assert_int_equal(sw.stop, g->stop);
    assert_int_equal(sw.stop_index, g->stop_index);
    assert_close(sw.smooth[sw.len / 2], g->smooth_mid, 1e-14);
    assert_close(sw.smooth[sw.len - 1], g->smooth_last, 1e-14);
    struct suggest_opts o = suggest_opts_default();
    size_t w[2];
    struct suggestion out[SUGGEST_COUNT];
    suggest_all(sw.lr, sw.smooth, sw.len, (size_t)g->n, &o, w, out);
    assert_int_equal(w[0], g->lo);
    assert_int_equal(w[1], g->hi);
    for (int m = 0; m < SUGGEST_COUNT; m++) {
        assert_int_equal(out[m].ok, g->s[m].ok);
        assert_int_equal(out[m].index, g->s[m].index);
        assert_close(out[m].lr, g->s[m].lr, 1e-14);
    }
    sweep_free(&sw);
}

static void test_golden_sweeps(void **state)
{
    (void)state;
    check_golden(smooth4_raw, &smooth4_golden);
    check_golden(nostop_raw, &nostop_golden);
    check_golden(nan_raw, &nan_golden);
    check_golden(raw_raw, &raw_golden);
    check_golden(beta9_raw, &beta9_golden);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_issue_known_answer),
        cmocka_unit_test(test_slide_settings),
        cmocka_unit_test(test_valley_minimum_by_hand),
        cmocka_unit_test(test_too_few_points),
        cmocka_unit_test(test_steep_by_hand),
        cmocka_unit_test(test_slide_by_hand),
        cmocka_unit_test(test_random_agreement),
        cmocka_unit_test(test_random_agreement_long),
        cmocka_unit_test(test_million_points),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_suggest_all),
        cmocka_unit_test(test_names_and_defaults),
        cmocka_unit_test(test_golden_sweeps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
