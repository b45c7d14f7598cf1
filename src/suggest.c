/* suggest.c: fastai's learning-rate suggestions (valley, slide, minimum, steep) and the window
 * they run on. Each function is a transcription of fastai's callback/schedule.py; comments name
 * the places where C has to spell out what Python does implicitly. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lrfind/suggest.h"

static const char *const method_names[SUGGEST_COUNT] = {"valley", "slide", "minimum", "steep"};

struct suggest_opts suggest_opts_default(void)
{
    struct suggest_opts o = {
        .skip_start = -1,
        .skip_end = 5,
        .lr_diff = 15,
        .thresh = 0.005,
        .adjust_value = 1.0,
    };
    return o;
}

const char *suggest_name(enum suggest_method m)
{
    if ((int)m < 0 || m >= SUGGEST_COUNT)
        return "unknown";
    return method_names[m];
}

int suggest_parse(const char *s)
{
    if (s == NULL)
        return -1;
    for (int m = 0; m < SUGGEST_COUNT; m++)
        if (strcmp(s, method_names[m]) == 0)
            return m;
    return -1;
}

/* Fill out with an answer (or "no suggestion") and return ok. */
static bool answer(struct suggestion *out, bool ok, double lr, size_t index)
{
    out->ok = ok;
    out->lr = ok ? lr : (double)NAN;
    out->index = ok ? index : 0;
    return ok;
}

/* Length of the longest strictly decreasing subsequence and the first index where one that long
 * ends, by patience sorting: tails[k] is the largest last value of a strictly decreasing
 * subsequence of length k+1, so tails is strictly decreasing and a binary search finds, for
 * each point, the length fastai's O(n^2) lds[] loop gives it. NaN compares false with everything
 * in fastai's loop, so it neither extends nor is extended: it stays out of tails. Returns -1
 * when out of memory. */
static int longest_decreasing(const double *x, size_t n, size_t *length, size_t *end)
{
    double small[256];
    double *tails = n <= sizeof small / sizeof small[0] ? small : malloc(n * sizeof *tails);
    if (tails == NULL)
        return -1;
    size_t t = 0, best = 1, best_end = 0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        if (isnan(v))
            continue;
        /* First pos with tails[pos] <= v: every tail before it is > v and can precede v. */
        size_t lo = 0, hi = t;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (tails[mid] > v)
                lo = mid + 1;
            else
                hi = mid;
        }
        tails[lo] = v;
        if (lo == t)
            t++;
        if (lo + 1 > best) { /* strictly longer: max_end is the first index holding the longest */
            best = lo + 1;
            best_end = i;
        }
    }
    if (tails != small)
        free(tails);
    *length = best;
    *end = best_end;
    return 0;
}

bool suggest_valley(const double *lrs, const double *losses, size_t n, struct suggestion *out)
{
    if (n == 0) /* lrs[0] raises IndexError in fastai */
        return answer(out, false, 0, 0);
    size_t length, max_end;
    if (longest_decreasing(losses, n, &length, &max_end) < 0)
        return answer(out, false, 0, 0);
    /* fastai leaves max_start = max_end = 0 until some point lies below an earlier one. */
    long max_start = 0, end = 0;
    if (length > 1) {
        end = (long)max_end;
        max_start = end - (long)length;
    }
    long len = end - max_start;
    /* int(sections) + int(sections/2) with sections = L/3: floor(L/3) + floor(L/6). */
    long idx = max_start + len / 3 + len / 6;
    if (idx < 0) /* Python's lrs[-1]: only max_start = -1, L = 2 gets here */
        idx += (long)n;
    return answer(out, true, lrs[idx], (size_t)idx);
}

/* np.gradient of f (unit spacing) at i: central inside, first-order one-sided at both ends. */
static double gradient_at(const double *f, size_t n, size_t i)
{
    if (i == 0)
        return f[1] - f[0];
    if (i == n - 1)
        return f[n - 1] - f[n - 2];
    return (f[i + 1] - f[i - 1]) / 2.0;
}

bool suggest_slide(const double *lrs, const double *losses, size_t n, size_t lr_diff, double thresh,
                   double adjust_value, struct suggestion *out)
{
    /* lrs[-1 - lr_diff] needs lr_diff + 1 points; np.gradient needs 2. */
    if (n < 2 || lr_diff > n - 1)
        return answer(out, false, 0, 0);
    size_t r = n - 1;
    size_t l = r - lr_diff;
    size_t pick = l;
    /* while l >= 0: l is unsigned here, so the loop stops after handling l = 0. */
    for (;;) {
        if (!(fabs(gradient_at(losses, n, r) - gradient_at(losses, n, l)) > thresh))
            break;
        pick = l;
        if (l == 0)
            break;
        r--;
        l--;
    }
    return answer(out, true, lrs[pick] * adjust_value, pick);
}

bool suggest_minimum(const double *lrs, const double *losses, size_t n, struct suggestion *out)
{
    size_t arg = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if (isnan(losses[i]))
            continue;
        if (arg == SIZE_MAX || losses[i] < losses[arg])
            arg = i;
    }
    if (arg == SIZE_MAX)
        return answer(out, false, 0, 0);
    return answer(out, true, lrs[arg] / 10, arg);
}

bool suggest_steep(const double *lrs, const double *losses, size_t n, struct suggestion *out)
{
    if (n < 2)
        return answer(out, false, 0, 0);
    size_t arg = SIZE_MAX;
    double best = 0;
    double log_prev = log(lrs[0]);
    for (size_t i = 0; i + 1 < n; i++) {
        double log_next = log(lrs[i + 1]);
        /* (losses[1:]-losses[:-1]) / (lrs[1:].log()-lrs[:-1].log()), as fastai writes it */
        double g = (losses[i + 1] - losses[i]) / (log_next - log_prev);
        log_prev = log_next;
        if (isnan(g))
            continue;
        if (arg == SIZE_MAX || g < best) {
            arg = i;
            best = g;
        }
    }
    if (arg == SIZE_MAX)
        return answer(out, false, 0, 0);
    return answer(out, true, lrs[arg], arg);
}

void suggest_window(const double *losses, size_t len, size_t n_configured, const struct suggest_opts *o,
                    size_t *lo, size_t *hi)
{
    size_t a = o->skip_start < 0 ? n_configured / 10 : (size_t)o->skip_start;
    if (a > len)
        a = len;
    size_t b = o->skip_end == 0 ? len : (len > o->skip_end ? len - o->skip_end : 0);
    if (b < a)
        b = a;
    for (size_t i = a; i < b; i++) {
        if (!isfinite(losses[i])) {
            b = i;
            break;
        }
    }
    *lo = a;
    *hi = b;
}

/* Turn an index into the window into a sweep index. */
static void shift(struct suggestion *s, size_t lo)
{
    if (s->ok)
        s->index += lo;
}

void suggest_all(const double *lrs, const double *losses, size_t len, size_t n_configured,
                 const struct suggest_opts *o, size_t window[2], struct suggestion out[SUGGEST_COUNT])
{
    size_t lo, hi;
    suggest_window(losses, len, n_configured, o, &lo, &hi);
    window[0] = lo;
    window[1] = hi;
    size_t n = hi - lo;
    /* No arithmetic on a NULL array (an empty sweep may have none). */
    const double *x = n > 0 ? lrs + lo : lrs, *y = n > 0 ? losses + lo : losses;
    suggest_valley(x, y, n, &out[SUGGEST_VALLEY]);
    suggest_slide(x, y, n, o->lr_diff, o->thresh, o->adjust_value, &out[SUGGEST_SLIDE]);
    suggest_minimum(x, y, n, &out[SUGGEST_MINIMUM]);
    suggest_steep(x, y, n, &out[SUGGEST_STEEP]);
    for (int m = 0; m < SUGGEST_COUNT; m++)
        shift(&out[m], lo);
}
