/* runner.h: the trainer thread and the state it shares with the UI (TUI or batch loop).
 * The thread owns the trainer; it appends points to the shared sweep under one mutex, sets
 * change flags and wakes the UI through a pipe. The UI sends commands (pause, multiplier,
 * iterations, pace, restart, quit) under the same mutex plus a condition variable, and copies
 * only the new points into its own view once per frame. The thread blocks SIGINT, SIGTERM,
 * SIGHUP, SIGWINCH and SIGPIPE; a blocking external step is cancelled through trainer.cancel_fd. */
#ifndef LRFIND_RUNNER_H
#define LRFIND_RUNNER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "lrfind/error.h"
#include "lrfind/schedule.h"
#include "lrfind/sweep.h"
#include "lrfind/trainer.h"

struct lrf_config;

enum runner_state {
    RUNNER_RUNNING,  /* sweeping */
    RUNNER_PAUSED,   /* waiting for resume (a step may still be in flight) */
    RUNNER_FINISHED, /* the sweep stopped by its own rule: see sweep.stop */
    RUNNER_FAILED,   /* the trainer failed: see err */
    RUNNER_QUIT,     /* the thread has ended */
};

/* What changed since the UI last looked (bits of runner.changed). */
enum { RUNNER_CH_POINTS = 1u, RUNNER_CH_STATE = 2u, RUNNER_CH_SETTINGS = 4u, RUNNER_CH_RESTART = 8u };

struct runner {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    bool started;
    int wake[2];   /* trainer -> UI: a byte means "look at changed" */
    int cancel[2]; /* UI -> trainer: a byte cancels a blocking step */
    struct trainer *trainer;
    /* shared, under mu */
    struct sweep sweep;
    struct schedule sched;
    enum runner_state state;
    bool quit_req, restart_req;
    bool in_flight;       /* a step is being trained */
    double in_flight_lr;
    long pace_ms;         /* minimum wall time per step */
    unsigned changed;     /* RUNNER_CH_* bits */
    unsigned generation;  /* bumped by every restart */
    struct lrf_error err; /* RUNNER_FAILED */
    double started_at;    /* clock_now() of the sweep's start */
    double ended_at;      /* clock_now() when it finished or failed (the elapsed time stops) */
    bool ended_paused;    /* a paused sweep was ended by fewer iterations: more resume paused */
    double active_s;      /* time spent stepping (pauses excluded) */
    double it_per_s;      /* recent steps per second (EMA) */
    /* the ladder's settings, so that a restart rebuilds it */
    int plan_mode;
    double plan_start_lr, plan_end_lr, plan_multiplier;
    double live_multiplier; /* set by the user, 0 = as configured */
    double thread_cpu_s;    /* CPU time of the trainer thread, set when it ends */
};

/* A copy of the shared state for one frame; points are appended incrementally. */
struct runner_view {
    struct sweep *sweep; /* the caller's copy of the current sweep; only new points are copied */
    unsigned generation;
    enum runner_state state;
    bool in_flight;
    double in_flight_lr, next_lr, multiplier;
    double end_lr; /* a range ladder's end (it follows the iterations); 0 for a factor ladder */
    long iterations, pace_ms;
    double elapsed_s, active_s, it_per_s;
    struct lrf_error err;
};

/* Build the schedule and the sweep from cfg and start the thread on an opened trainer. On
 * failure (-1 with err) nothing is left to free but the trainer. A ladder that leaves the
 * doubles (a big multiplier over many steps) ends the sweep there, as done. */
int runner_start(struct runner *r, struct trainer *t, const struct lrf_config *cfg, struct lrf_error *err);
/* Ask the thread to stop, cancel a blocking step, and join it. Idempotent. */
void runner_stop(struct runner *r);
/* Free what runner_start allocated (after runner_stop). */
void runner_free(struct runner *r);

void runner_pause(struct runner *r, bool paused);
/* From the last recorded point on, grow by factor m (> 1). */
void runner_set_multiplier(struct runner *r, double m);
/* Move the end of the sweep to n points (>= 2, and never before the point in flight); a
 * finished sweep resumes if n grows past it. */
void runner_set_iterations(struct runner *r, long n);
void runner_set_pace(struct runner *r, long ms);
/* Reset the trainer and start a new sweep with the current settings. */
void runner_restart(struct runner *r);

/* The descriptor that becomes readable when something changed; runner_drain clears it. */
int runner_wake_fd(const struct runner *r);
void runner_drain(struct runner *r);
/* Copy what changed into v (v->sweep must point to an initialised sweep); returns the
 * RUNNER_CH_* bits. After a restart the copy starts again from the first point. */
unsigned runner_snapshot(struct runner *r, struct runner_view *v);

#endif
