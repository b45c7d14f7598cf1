/* sweep.c: the recorder of an LR range test: raw and smoothed losses and the stop rule. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lrfind/sweep.h"

const char *stop_reason_name(enum stop_reason r)
{
    switch (r) {
    case STOP_NONE: return "running";
    case STOP_DONE: return "done";
    case STOP_DIVERGED: return "diverged";
    case STOP_NONFINITE: return "nonfinite";
    case STOP_USER: return "user";
    case STOP_INTERRUPTED: return "interrupted";
    case STOP_TRAINER: return "trainer-error";
    }
    return "unknown";
}

int sweep_init(struct sweep *sw, double beta, double stop_factor, size_t n_planned)
{
    memset(sw, 0, sizeof *sw);
    sw->beta = beta;
    sw->stop_factor = stop_factor;
    sw->n_planned = n_planned;
    sweep_clear(sw);
    return 0;
}

void sweep_free(struct sweep *sw)
{
    free(sw->lr);
    free(sw->loss);
    free(sw->smooth);
    sw->lr = sw->loss = sw->smooth = NULL;
    sw->len = sw->cap = 0;
}

void sweep_clear(struct sweep *sw)
{
    sw->len = 0;
    sw->avg = 0;
    sw->beta_pow = 1;
    sw->best = (double)INFINITY;
    sw->stop = STOP_NONE;
    sw->stop_index = 0;
}

/* Grow one array to n doubles; the old block stays valid on failure. */
static int grow(double **p, size_t n)
{
    double *q = realloc(*p, n * sizeof **p);
    if (q == NULL)
        return -1;
    *p = q;
    return 0;
}

int sweep_reserve(struct sweep *sw, size_t n)
{
    if (n <= sw->cap)
        return 0;
    if (n > SIZE_MAX / sizeof(double))
        return -1;
    /* cap only moves once all three arrays hold n: a partial failure leaves a usable sweep. */
    if (grow(&sw->lr, n) < 0 || grow(&sw->loss, n) < 0 || grow(&sw->smooth, n) < 0)
        return -1;
    sw->cap = n;
    return 0;
}

/* Room for one more point, doubling so that n pushes cost O(n). */
static int reserve_one(struct sweep *sw)
{
    if (sw->len < sw->cap)
        return 0;
    size_t want = sw->cap < 64 ? 64 : sw->cap * 2;
    if (want < sw->cap)
        return -1;
    return sweep_reserve(sw, want);
}

/* Store a point whose smoothed value is known and apply the stop rule (fastai's after_batch:
 * best is updated before the comparison). */
static int record(struct sweep *sw, double lr, double loss, double smooth)
{
    size_t i = sw->len;
    sw->lr[i] = lr;
    sw->loss[i] = loss;
    sw->smooth[i] = smooth;
    sw->len = i + 1;
    if (smooth < sw->best && isfinite(smooth)) /* a -inf loss must not become the best */
        sw->best = smooth;
    if (sw->stop != STOP_NONE)
        return (int)sw->stop;
    enum stop_reason r = STOP_NONE;
    if (!isfinite(loss))
        r = STOP_NONFINITE;
    else if (sw->stop_factor > 0 && smooth > sw->stop_factor * sw->best)
        r = STOP_DIVERGED;
    else if (sw->n_planned > 0 && sw->len >= sw->n_planned)
        r = STOP_DONE;
    if (r != STOP_NONE) {
        sw->stop = r;
        sw->stop_index = i;
    }
    return (int)r;
}

int sweep_push(struct sweep *sw, double lr, double loss)
{
    if (reserve_one(sw) < 0)
        return -1;
    double smooth;
    size_t k = sw->len + 1;
    if (sw->beta == 0) {
        sw->avg = loss;
        sw->beta_pow = 0;
        smooth = loss;
    } else {
        sw->avg = sw->beta * sw->avg + (1 - sw->beta) * loss;
        /* pow rather than a running product: beta^k stays correctly rounded after 10^6 points. */
        sw->beta_pow = pow(sw->beta, (double)k);
        smooth = sw->avg / (1 - sw->beta_pow);
    }
    return record(sw, lr, loss, smooth);
}

int sweep_push_smoothed(struct sweep *sw, double lr, double loss, double smooth)
{
    if (reserve_one(sw) < 0)
        return -1;
    size_t k = sw->len + 1;
    /* Keep the accumulator consistent, so that sweep_push could carry on from here. */
    sw->beta_pow = sw->beta == 0 ? 0 : pow(sw->beta, (double)k);
    sw->avg = smooth * (1 - sw->beta_pow);
    return record(sw, lr, loss, smooth);
}

int sweep_copy(struct sweep *dst, const struct sweep *src)
{
    if (dst == src)
        return 0;
    if (sweep_reserve(dst, src->len) < 0)
        return -1;
    if (src->len > 0) {
        memcpy(dst->lr, src->lr, src->len * sizeof *src->lr);
        memcpy(dst->loss, src->loss, src->len * sizeof *src->loss);
        memcpy(dst->smooth, src->smooth, src->len * sizeof *src->smooth);
    }
    dst->len = src->len;
    dst->beta = src->beta;
    dst->stop_factor = src->stop_factor;
    dst->n_planned = src->n_planned;
    dst->avg = src->avg;
    dst->beta_pow = src->beta_pow;
    dst->best = src->best;
    dst->stop = src->stop;
    dst->stop_index = src->stop_index;
    return 0;
}

void sweep_stop(struct sweep *sw, enum stop_reason r)
{
    if (sw->stop != STOP_NONE)
        return;
    sw->stop = r;
    sw->stop_index = sw->len > 0 ? sw->len - 1 : 0;
}
