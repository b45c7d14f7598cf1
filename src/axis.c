/* axis.c: decade and 1-2-5 ticks, and the divergence-proof loss range. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrfind/axis.h"

#define QUANTILE_SAMPLES 4096

int axis_cell(double v, double lo, double hi, int len)
{
    if (len <= 0 || !isfinite(v) || !isfinite(lo) || !isfinite(hi) || !(hi > lo))
        return -1;
    if (v < lo || v > hi)
        return -1;
    double f = (v - lo) / (hi - lo) * len;
    int c = (int)floor(f);
    if (c >= len)
        c = len - 1;
    if (c < 0)
        c = 0;
    return c;
}

void axis_log_label(int m, int e, char *buf, size_t size)
{
    snprintf(buf, size, "%de%d", m, e);
}

/* a mod k in [0, k) (decade exponents are often negative). */
static long floor_mod(long a, long k)
{
    long r = a % k;
    return r < 0 ? r + k : r;
}

/* Whether labels centred on their cells leave at least two blanks between neighbours. */
static bool labels_fit(const struct axis_tick *t, int n)
{
    for (int i = 1; i < n; i++) {
        int l0 = (int)strlen(t[i - 1].label), l1 = (int)strlen(t[i].label);
        int end0 = t[i - 1].pos - l0 / 2 + l0; /* one past the last column */
        int start1 = t[i].pos - l1 / 2;
        if (start1 - end0 < 2)
            return false;
    }
    return true;
}

/* Ticks at m * 10^e for the mantissas in ms[nm] and the decades e with e % step == 0. */
static int log_candidates(double lo, double hi, int len, const int *ms, int nm, long step,
                          struct axis_tick *out, int max)
{
    const double eps = 1e-9;
    long e0 = (long)floor(lo) - 1, e1 = (long)ceil(hi) + 1;
    int n = 0;
    for (long e = e0; e <= e1; e++) {
        if (floor_mod(e, step) != 0)
            continue;
        for (int j = 0; j < nm; j++) {
            double v = (double)e + log10((double)ms[j]);
            if (v < lo - eps || v > hi + eps)
                continue;
            if (n >= max)
                return -1;
            double vc = v < lo ? lo : v > hi ? hi : v;
            out[n].value = v;
            out[n].pos = axis_cell(vc, lo, hi, len);
            axis_log_label(ms[j], (int)e, out[n].label, sizeof out[n].label);
            n++;
        }
    }
    return n;
}

int axis_log_ticks(double lo, double hi, int len, struct axis_tick *out, int max)
{
    static const int m1[] = {1}, m125[] = {1, 2, 5}, m19[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    struct axis_tick tmp[AXIS_MAX_TICKS];
    if (len <= 0 || max <= 0 || !isfinite(lo) || !isfinite(hi) || !(hi > lo))
        return 0;
    if (max > AXIS_MAX_TICKS)
        max = AXIS_MAX_TICKS;
    int n;
    /* A span of two decades or more: decades, every k-th one when the labels collide. */
    if (hi - lo >= 2) {
        static const long steps[] = {1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000};
        for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
            n = log_candidates(lo, hi, len, m1, 1, steps[k], tmp, max);
            if (n >= 0 && labels_fit(tmp, n)) {
                memcpy(out, tmp, (size_t)n * sizeof *out);
                return n;
            }
        }
        return 0;
    }
    /* Zoomed in: 1-2-5, then all mantissas, then decades alone, whichever shows two ticks. */
    const int *sets[] = {m125, m19, m1};
    const int sizes[] = {3, 9, 1};
    int best = -1;
    for (int s = 0; s < 3; s++) {
        n = log_candidates(lo, hi, len, sets[s], sizes[s], 1, tmp, max);
        if (n < 0 || !labels_fit(tmp, n))
            continue;
        if (n >= 2) {
            memcpy(out, tmp, (size_t)n * sizeof *out);
            return n;
        }
        if (best < 0)
            best = s;
    }
    if (best < 0)
        return 0;
    n = log_candidates(lo, hi, len, sets[best], sizes[best], 1, out, max);
    return n < 0 ? 0 : n;
}

double axis_nice_step(double lo, double hi, int len, int min_gap)
{
    if (!isfinite(lo) || !isfinite(hi) || !(hi > lo) || len <= 0)
        return 0;
    if (min_gap < 1)
        min_gap = 1;
    double raw = (hi - lo) * min_gap / len; /* the smallest step that keeps min_gap cells */
    double p = pow(10, floor(log10(raw)));
    static const double mult[] = {1, 2, 5, 10};
    for (int i = 0; i < 4; i++)
        if (mult[i] * p >= raw * (1 - 1e-12))
            return mult[i] * p;
    return 10 * p;
}

/* A short label for v on an axis whose ticks are step apart. */
static void linear_label(double v, double step, double maxabs, char *buf, size_t size)
{
    int dec = (int)-floor(log10(step) + 1e-9);
    if (dec < 0)
        dec = 0;
    if (fabs(v) < step * 1e-9)
        v = 0;
    if (maxabs >= 1e5 || dec > 6)
        snprintf(buf, size, "%.3g", v);
    else
        snprintf(buf, size, "%.*f", dec, v);
}

int axis_linear_ticks(double lo, double hi, int len, int min_gap, struct axis_tick *out, int max)
{
    double step = axis_nice_step(lo, hi, len, min_gap);
    if (!(step > 0) || max <= 0)
        return 0;
    double k0 = ceil(lo / step - 1e-9), k1 = floor(hi / step + 1e-9);
    double maxabs = fmax(fabs(lo), fabs(hi));
    int n = 0;
    for (double k = k0; k <= k1 && n < max; k++) {
        double v = k * step;
        double vc = v < lo ? lo : v > hi ? hi : v;
        out[n].value = v;
        out[n].pos = axis_cell(vc, lo, hi, len);
        linear_label(v, step, maxabs, out[n].label, sizeof out[n].label);
        n++;
    }
    return n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile (nearest rank) of the finite values of v[n], taken on at most
 * QUANTILE_SAMPLES evenly spaced points; NaN when none is finite. */
static double sampled_quantile(const double *v, size_t n, double q)
{
    double s[QUANTILE_SAMPLES]; /* 32 KB on the stack: no static state, callable from any thread */
    size_t stride = n / QUANTILE_SAMPLES + 1, m = 0;
    for (size_t i = 0; i < n && m < QUANTILE_SAMPLES; i += stride)
        if (isfinite(v[i]))
            s[m++] = v[i];
    if (m == 0)
        return (double)NAN;
    qsort(s, m, sizeof *s, cmp_double);
    return s[(size_t)floor(q * (double)(m - 1) + 0.5)];
}

bool axis_loss_range(const double *loss, const double *smooth, size_t n, struct axis_range *out)
{
    const double *sm = smooth ? smooth : loss;
    if (sm == NULL || n == 0)
        return false;
    double smin = HUGE_VAL, smax = -HUGE_VAL;
    size_t m = 0; /* the first lowest smoothed loss */
    for (size_t i = 0; i < n; i++) {
        double v = sm[i];
        if (!isfinite(v))
            continue;
        if (v < smin) {
            smin = v;
            m = i;
        }
        if (v > smax)
            smax = v;
    }
    if (!isfinite(smin))
        return false;
    /* the level the curve falls from: what lies before the minimum; a curve without a dip
     * has no such level, and the bulk of its values stands in */
    double ref = sampled_quantile(sm, m + 1, 0.95);
    if (!(ref - smin >= 0.1 * fabs(ref)))
        ref = fmax(ref, sampled_quantile(sm, n, 0.9));
    /* the drop counts at least 10% of the level, so early noise on a plateau is no divergence */
    double drop = fmax(ref - smin, 0.1 * fabs(ref));
    double clip = ref + 0.25 * drop;
    double top = smax <= clip ? smax : clip;
    double bottom = smin;
    if (loss != NULL && loss != sm) {
        double q05 = sampled_quantile(loss, n, 0.05);
        if (isfinite(q05) && q05 < bottom)
            bottom = q05;
    }
    /* a band at least 20% of the level tall, so a plateau's noise is not magnified */
    double level = fmax(fabs(top), fabs(bottom));
    double min_span = level > 0 ? 0.2 * level : 1.0;
    double span = top - bottom;
    struct axis_range r;
    if (span * 1.1 < min_span) {
        double c = 0.5 * (top + bottom);
        r.lo = c - 0.5 * min_span;
        r.hi = c + 0.5 * min_span;
        if (bottom >= 0 && r.lo < 0) {
            r.lo = 0;
            r.hi = min_span;
        }
    } else {
        r.lo = bottom - 0.05 * span;
        r.hi = top + 0.05 * span;
        if (bottom >= 0 && r.lo < 0)
            r.lo = 0;
    }
    *out = r;
    return true;
}

struct axis_range axis_range_hysteresis(const struct axis_range *prev, struct axis_range want,
                                        bool *changed)
{
    bool valid_prev =
        prev != NULL && isfinite(prev->lo) && isfinite(prev->hi) && prev->hi > prev->lo;
    if (!(want.hi > want.lo) || !isfinite(want.lo) || !isfinite(want.hi)) {
        if (changed)
            *changed = false;
        return valid_prev ? *prev : want;
    }
    if (valid_prev && want.lo >= prev->lo && want.hi <= prev->hi &&
        want.hi - want.lo >= 0.5 * (prev->hi - prev->lo)) {
        if (changed)
            *changed = false;
        return *prev;
    }
    /* headroom: 25% of the span on a side the data left through (a falling loss keeps
     * falling), 10% elsewhere */
    double span = want.hi - want.lo;
    double lo_room = valid_prev && want.lo < prev->lo ? 0.25 : 0.1;
    double hi_room = valid_prev && want.hi > prev->hi ? 0.25 : 0.1;
    struct axis_range r = {want.lo - lo_room * span, want.hi + hi_room * span};
    if (want.lo >= 0 && r.lo < 0)
        r.lo = 0;
    if (changed)
        *changed = true;
    return r;
}
