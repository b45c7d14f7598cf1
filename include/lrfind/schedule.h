/* schedule.h: the learning-rate ladder of an LR range test, in closed form.
 *   exponential: lr_i = anchor_lr * base^((i - anchor_i) / denom)
 *     from end_lr:     anchor = (0, start_lr), base = end_lr/start_lr, denom = N  (fastai's SchedExp)
 *     from multiplier: anchor = (0, start_lr), base = m, denom = 1
 *   linear:      lr_i = start_lr + (end_lr - start_lr) * i / N   (Smith's original test)
 * A live multiplier change at iteration k re-anchors: lr_i = lr_k * m'^(i-k). A live change of N
 * moves the end of the sweep and keeps the per-step factor. Pure: no I/O, no threads. */
#ifndef LRFIND_SCHEDULE_H
#define LRFIND_SCHEDULE_H

enum sched_mode { SCHED_EXPONENTIAL, SCHED_LINEAR };

struct schedule {
    enum sched_mode mode;
    double start_lr, end_lr; /* end_lr = 0 when built from a multiplier */
    long n;                  /* planned iterations N */
    long anchor_i;           /* exponential: last anchor */
    double anchor_lr;
    double base, denom;      /* exponential: lr = anchor_lr * pow(base, (i - anchor_i) / denom) */
    double lin_step_num;     /* linear: (end_lr - start_lr) numerator, divided by lin_den */
    double lin_den;          /* linear: N at the time the schedule was built */
};

/* Exponential or linear schedule from start_lr to end_lr over n iterations. */
void schedule_init_range(struct schedule *s, enum sched_mode mode, double start_lr, double end_lr, long n);
/* Exponential schedule growing by factor m per iteration. */
void schedule_init_multiplier(struct schedule *s, double start_lr, double m, long n);
/* The rate of iteration i (closed form, from the last anchor). */
double schedule_lr(const struct schedule *s, long i);
/* The current per-iteration factor lr_{i+1}/lr_i (exponential), or for linear the ratio
 * lr_1/lr_0 (use schedule_ratio_at for the ratio at a given iteration). */
double schedule_multiplier(const struct schedule *s);
/* lr_{i+1}/lr_i: the factor (exponential) or the ratio at iteration i (linear). */
double schedule_ratio_at(const struct schedule *s, long i);
/* From iteration k on, grow by factor m: lr_i = lr_k * m^(i-k). A linear schedule becomes
 * exponential; end_lr becomes 0 (the ladder is defined by its factor). Rates for i < k are no
 * longer given by schedule_lr (the sweep has recorded them). */
void schedule_set_multiplier(struct schedule *s, long k, double m);
/* Move the end of the sweep to n iterations (rates already given do not change). Keeps the
 * per-step factor (exponential) or step size (linear); end_lr, when set, becomes lr_n. */
void schedule_set_iterations(struct schedule *s, long n);

#endif
