/* schedule.c: the learning-rate ladder in closed form (see schedule.h). */
#include "config.h"

#include <math.h>

#include "lrfind/schedule.h"

void schedule_init_range(struct schedule *s, enum sched_mode mode, double start_lr, double end_lr, long n)
{
    s->mode = mode;
    s->start_lr = start_lr;
    s->end_lr = end_lr;
    s->n = n;
    s->anchor_i = 0;
    s->anchor_lr = start_lr;
    /* fastai's SchedExp: start * (end/start) ** (i/N); the first rate is start exactly. */
    s->base = end_lr / start_lr;
    s->denom = (double)n;
    if (!isfinite(s->base)) {
        /* end/start beyond the doubles (1e-300 to 1e300): the same ladder from its factor */
        s->base = exp((log(end_lr) - log(start_lr)) / (double)n);
        s->denom = 1.0;
    }
    s->lin_step_num = end_lr - start_lr;
    s->lin_den = (double)n;
}

void schedule_init_multiplier(struct schedule *s, double start_lr, double m, long n)
{
    s->mode = SCHED_EXPONENTIAL;
    s->start_lr = start_lr;
    s->end_lr = 0;
    s->n = n;
    s->anchor_i = 0;
    s->anchor_lr = start_lr;
    s->base = m;
    s->denom = 1.0;
    s->lin_step_num = 0;
    s->lin_den = 1.0;
}

double schedule_lr(const struct schedule *s, long i)
{
    if (s->mode == SCHED_LINEAR)
        return s->start_lr + s->lin_step_num * (double)i / s->lin_den;
    /* Closed form from the last anchor: the rate of step i never depends on rounding at step i-1. */
    double x = (double)(i - s->anchor_i) / s->denom;
    double lr = s->anchor_lr * pow(s->base, x);
    if (!isfinite(lr)) /* the power alone may overflow where the rate does not (1e-300..1e300) */
        lr = exp(log(s->anchor_lr) + x * log(s->base));
    return lr;
}

double schedule_ratio_at(const struct schedule *s, long i)
{
    if (s->mode == SCHED_LINEAR)
        return schedule_lr(s, i + 1) / schedule_lr(s, i);
    return schedule_multiplier(s);
}

double schedule_multiplier(const struct schedule *s)
{
    if (s->mode == SCHED_LINEAR)
        return schedule_ratio_at(s, s->anchor_i);
    if (s->denom == 1.0)
        return s->base;
    return pow(s->base, 1.0 / s->denom);
}

void schedule_set_multiplier(struct schedule *s, long k, double m)
{
    double lr_k = schedule_lr(s, k);
    s->mode = SCHED_EXPONENTIAL;
    s->anchor_i = k;
    s->anchor_lr = lr_k;
    s->base = m;
    s->denom = 1.0;
    s->end_lr = 0; /* the ladder is now defined by its factor, not by an end rate */
}

void schedule_set_iterations(struct schedule *s, long n)
{
    if (n == s->n)
        return;
    /* The formula of lr_i does not involve n: base/denom (exponential) and lin_step_num/lin_den
     * (linear) keep their values, so the per-step factor or step size and every rate stay. Only
     * the end moves, and end_lr follows it when the schedule was built from a range. */
    s->n = n;
    if (s->end_lr != 0)
        s->end_lr = schedule_lr(s, n);
}
