/* sweep.h: the recorder of an LR range test: raw and smoothed losses and the stop rule.
 * Smoothing is fastai's debiased EMA: avg = beta*avg + (1-beta)*loss from 0, reported as
 * avg / (1 - beta^k) after k points (beta = 0: no smoothing). The sweep stops after n_planned
 * points, at the first point whose smoothed loss exceeds stop_factor x the lowest smoothed loss
 * so far (stop_factor = 0: never), or at a NaN/infinite loss; the stopping point is recorded.
 * Pure: no I/O, no threads. */
#ifndef LRFIND_SWEEP_H
#define LRFIND_SWEEP_H

#include <stddef.h>

enum stop_reason {
    STOP_NONE = 0,    /* still running */
    STOP_DONE,        /* n_planned points recorded */
    STOP_DIVERGED,    /* smoothed loss > stop_factor x best */
    STOP_NONFINITE,   /* loss was NaN or infinite */
    STOP_USER,        /* the user stopped it (quit, pick, restart) */
    STOP_INTERRUPTED, /* a signal */
    STOP_TRAINER,     /* the trainer failed */
};

/* "running", "done", "diverged", "nonfinite", "user", "interrupted", "trainer-error". */
const char *stop_reason_name(enum stop_reason r);

struct sweep {
    double *lr, *loss, *smooth; /* [len] each, same index = same iteration */
    size_t len, cap;
    double beta;        /* smoothing, in [0, 1) */
    double stop_factor; /* 0 = never stop early */
    size_t n_planned;   /* N */
    double avg;         /* EMA accumulator (not debiased) */
    double beta_pow;    /* beta^len, for the debias */
    double best;        /* lowest finite smoothed loss so far (+inf when empty) */
    enum stop_reason stop;
    size_t stop_index;  /* index of the point that stopped the sweep */
};

/* Empty sweep with these settings; returns 0 (no allocation happens until the first push). */
int sweep_init(struct sweep *sw, double beta, double stop_factor, size_t n_planned);
void sweep_free(struct sweep *sw);
/* Drop all points and the stop state, keep the settings and the memory. */
void sweep_clear(struct sweep *sw);
/* Record one point. Returns the stop reason it triggers (STOP_NONE to go on), or -1 when out of
 * memory. Pushing onto a stopped sweep is allowed (the stop state is kept, and returned).
 * Checked in this order: NaN/infinite loss, smoothed > stop_factor x best, len == n_planned
 * (n_planned = 0: no planned end). */
int sweep_push(struct sweep *sw, double lr, double loss);
/* Record one point whose smoothed value is already known (files with a smooth_loss column). */
int sweep_push_smoothed(struct sweep *sw, double lr, double loss, double smooth);
/* Deep copy; returns 0 or -1. dst must be initialised (it is overwritten). */
int sweep_copy(struct sweep *dst, const struct sweep *src);
/* Make sure room for n points exists; returns 0 or -1. */
int sweep_reserve(struct sweep *sw, size_t n);
/* Mark the sweep stopped for reason r (user, interrupted, trainer) at its last point; a sweep
 * that has already stopped keeps its first reason. */
void sweep_stop(struct sweep *sw, enum stop_reason r);

#endif
