/* runner.c: the trainer thread and the state it shares with the UI. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lrfind/clock.h"
#include "lrfind/config.h"
#include "lrfind/runner.h"
#include "lrfind/signals.h"

/* Real monotonic seconds, for pacing (never frozen). */
static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The ladder for a new sweep of n points with the current settings. */
static void build_schedule(const struct runner *r, struct schedule *s, long n)
{
    if (r->live_multiplier > 0)
        schedule_init_multiplier(s, r->plan_start_lr, r->live_multiplier, n);
    else if (r->plan_mode == SCHED_LINEAR)
        schedule_init_range(s, SCHED_LINEAR, r->plan_start_lr, r->plan_end_lr, n);
    else if (r->plan_multiplier > 0)
        schedule_init_multiplier(s, r->plan_start_lr, r->plan_multiplier, n);
    else
        schedule_init_range(s, SCHED_EXPONENTIAL, r->plan_start_lr, r->plan_end_lr, n);
}

/* Tell the UI to look (called with mu held). */
static void wake_ui(struct runner *r, unsigned what)
{
    r->changed |= what;
    char c = 'x';
    ssize_t n = write(r->wake[1], &c, 1); /* a full pipe already means "look" */
    (void)n;
}

/* The sweep is over (FINISHED or FAILED): the elapsed clock stops here. */
static void end_sweep(struct runner *r, enum runner_state st)
{
    r->state = st;
    r->ended_at = clock_now();
}

static void fail(struct runner *r, const struct lrf_error *e)
{
    r->err = *e;
    end_sweep(r, RUNNER_FAILED);
    sweep_stop(&r->sweep, STOP_TRAINER);
    wake_ui(r, RUNNER_CH_STATE);
}

/* Wait on the condition variable until the real clock reaches deadline or something is asked. */
static void wait_until(struct runner *r, double deadline)
{
    while (!r->quit_req && !r->restart_req) {
        double now = mono_now();
        if (now >= deadline)
            break;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        double left = deadline - now;
        ts.tv_sec += (time_t)left;
        ts.tv_nsec += (long)((left - floor(left)) * 1e9);
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&r->cv, &r->mu, &ts);
    }
}

/* Reset the trainer for the sweep runner_restart began (mu held; released around the reset). */
static void do_restart(struct runner *r)
{
    r->restart_req = false;
    r->in_flight = true;
    r->in_flight_lr = (double)NAN;
    pthread_mutex_unlock(&r->mu);
    struct lrf_error e;
    lrf_error_clear(&e);
    int rc = trainer_reset(r->trainer, &e);
    pthread_mutex_lock(&r->mu);
    r->in_flight = false;
    if (rc != 0) {
        if (!r->quit_req)
            fail(r, &e);
        return;
    }
    r->started_at = clock_now();
    wake_ui(r, RUNNER_CH_STATE);
}

/* Train one point at the next rate (mu held; released around the step). */
static void do_step(struct runner *r)
{
    long i = (long)r->sweep.len;
    double lr = schedule_lr(&r->sched, i);
    if (!isfinite(lr) || !(lr > 0)) {
        /* the ladder ran past the doubles (a big multiplier over many steps): it ends here */
        sweep_stop(&r->sweep, STOP_DONE);
        end_sweep(r, RUNNER_FINISHED);
        wake_ui(r, RUNNER_CH_STATE);
        return;
    }
    unsigned gen = r->generation;
    long pace = r->pace_ms;
    r->in_flight = true;
    r->in_flight_lr = lr;
    wake_ui(r, RUNNER_CH_STATE);
    pthread_mutex_unlock(&r->mu);

    double t0 = mono_now();
    double loss = (double)NAN;
    struct lrf_error e;
    lrf_error_clear(&e);
    int rc = trainer_step(r->trainer, lr, &loss, &e);
    double dt = mono_now() - t0;

    pthread_mutex_lock(&r->mu);
    if (rc == 0 && pace > 0)
        wait_until(r, t0 + (double)pace / 1000.0);
    r->in_flight = false;
    if (rc != 0) {
        if (!r->quit_req)
            fail(r, &e);
        return;
    }
    if (r->restart_req || gen != r->generation)
        return; /* a point of the sweep that was abandoned */
    if (!clock_frozen()) {
        r->active_s += dt;
        double wall = mono_now() - t0;
        double rate = wall > 0 ? 1.0 / wall : 0;
        r->it_per_s = r->it_per_s == 0 ? rate : 0.8 * r->it_per_s + 0.2 * rate;
    }
    int stop = sweep_push(&r->sweep, lr, loss);
    if (stop < 0) {
        lrf_error_set(&e, NULL, 0, 0, "out of memory after %zu points", r->sweep.len);
        fail(r, &e);
        return;
    }
    unsigned what = RUNNER_CH_POINTS;
    if (stop != STOP_NONE && r->state != RUNNER_FAILED) {
        end_sweep(r, RUNNER_FINISHED);
        what |= RUNNER_CH_STATE;
    }
    wake_ui(r, what);
}

static void *runner_main(void *arg)
{
    struct runner *r = arg;
    pthread_mutex_lock(&r->mu);
    while (!r->quit_req) {
        if (r->restart_req)
            do_restart(r);
        else if (r->state == RUNNER_RUNNING)
            do_step(r);
        else
            pthread_cond_wait(&r->cv, &r->mu);
    }
    r->state = RUNNER_QUIT;
    struct timespec cpu;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu) == 0)
        r->thread_cpu_s = (double)cpu.tv_sec + (double)cpu.tv_nsec * 1e-9;
    wake_ui(r, RUNNER_CH_STATE);
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

static int make_pipe(int fds[2])
{
    if (pipe(fds) != 0)
        return -1;
    for (int k = 0; k < 2; k++) {
        fcntl(fds[k], F_SETFL, fcntl(fds[k], F_GETFL) | O_NONBLOCK);
        fcntl(fds[k], F_SETFD, FD_CLOEXEC);
    }
    return 0;
}

int runner_start(struct runner *r, struct trainer *t, const struct lrf_config *cfg, struct lrf_error *err)
{
    memset(r, 0, sizeof *r);
    r->wake[0] = r->wake[1] = r->cancel[0] = r->cancel[1] = -1;
    if (make_pipe(r->wake) != 0)
        return lrf_error_set(err, NULL, 0, 0, "cannot create a pipe: %s", strerror(errno));
    if (t->cancel_fd < 0 && make_pipe(r->cancel) == 0)
        t->cancel_fd = r->cancel[0];
    pthread_mutex_init(&r->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r->cv, &ca);
    pthread_condattr_destroy(&ca);
    r->trainer = t;
    r->plan_mode = cfg->sweep.mode;
    r->plan_start_lr = cfg->sweep.start_lr;
    r->plan_end_lr = cfg->sweep.end_lr;
    r->plan_multiplier = cfg->sweep.multiplier;
    sweep_init(&r->sweep, cfg->sweep.smoothing, cfg->sweep.stop_factor, (size_t)cfg->sweep.iterations);
    build_schedule(r, &r->sched, cfg->sweep.iterations);
    r->pace_ms = cfg->sweep.pace_ms;
    r->state = RUNNER_RUNNING;
    r->started_at = clock_now();

    /* The new threads inherit a mask that keeps the UI's signals away from them. */
    sigset_t old;
    signals_block_ui(&old);
    int rc = pthread_create(&r->thread, NULL, runner_main, r);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        if (t->cancel_fd == r->cancel[0])
            t->cancel_fd = -1;
        runner_free(r); /* not started: frees the sweep, the pipes, the lock */
        return lrf_error_set(err, NULL, 0, 0, "cannot start the trainer thread: %s", strerror(rc));
    }
    r->started = true;
    return 0;
}

void runner_stop(struct runner *r)
{
    if (!r->started)
        return;
    pthread_mutex_lock(&r->mu);
    r->quit_req = true;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    if (r->cancel[1] >= 0) {
        char c = 'q';
        ssize_t n = write(r->cancel[1], &c, 1);
        (void)n;
    }
    pthread_join(r->thread, NULL);
    r->started = false;
}

void runner_free(struct runner *r)
{
    runner_stop(r);
    sweep_free(&r->sweep);
    for (int k = 0; k < 2; k++) {
        if (r->wake[k] >= 0)
            close(r->wake[k]);
        if (r->cancel[k] >= 0)
            close(r->cancel[k]);
        r->wake[k] = r->cancel[k] = -1;
    }
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
}

void runner_pause(struct runner *r, bool paused)
{
    pthread_mutex_lock(&r->mu);
    if (paused && r->state == RUNNER_RUNNING)
        r->state = RUNNER_PAUSED;
    else if (!paused && r->state == RUNNER_PAUSED)
        r->state = RUNNER_RUNNING;
    wake_ui(r, RUNNER_CH_STATE);
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

void runner_set_multiplier(struct runner *r, double m)
{
    if (!(m > 1))
        return;
    pthread_mutex_lock(&r->mu);
    /* continue from the current rate: the one in flight, else the last one recorded */
    long k = r->in_flight || r->sweep.len == 0 ? (long)r->sweep.len : (long)r->sweep.len - 1;
    schedule_set_multiplier(&r->sched, k, m);
    r->live_multiplier = m;
    wake_ui(r, RUNNER_CH_SETTINGS);
    pthread_mutex_unlock(&r->mu);
}

void runner_set_iterations(struct runner *r, long n)
{
    if (n < 2)
        return;
    pthread_mutex_lock(&r->mu);
    /* the point in flight will be recorded: the sweep can end with it, not before it */
    if (r->in_flight && !r->restart_req && (size_t)n < r->sweep.len + 1)
        n = (long)r->sweep.len + 1;
    schedule_set_iterations(&r->sched, n);
    if (r->live_multiplier == 0 && r->sched.end_lr != 0)
        r->plan_end_lr = r->sched.end_lr; /* a restart keeps the ladder's factor or step */
    r->sweep.n_planned = (size_t)n;
    if (r->state == RUNNER_FINISHED && r->sweep.stop == STOP_DONE && (size_t)n > r->sweep.len) {
        r->sweep.stop = STOP_NONE;
        r->state = r->ended_paused ? RUNNER_PAUSED : RUNNER_RUNNING; /* as it was */
        r->changed |= RUNNER_CH_STATE;
    } else if ((r->state == RUNNER_RUNNING || r->state == RUNNER_PAUSED) && r->sweep.len >= (size_t)n &&
               r->sweep.len > 0) {
        r->ended_paused = r->state == RUNNER_PAUSED;
        sweep_stop(&r->sweep, STOP_DONE);
        end_sweep(r, RUNNER_FINISHED);
        r->changed |= RUNNER_CH_STATE;
    }
    wake_ui(r, RUNNER_CH_SETTINGS);
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

void runner_set_pace(struct runner *r, long ms)
{
    pthread_mutex_lock(&r->mu);
    r->pace_ms = ms < 0 ? 0 : ms;
    wake_ui(r, RUNNER_CH_SETTINGS);
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

void runner_restart(struct runner *r)
{
    pthread_mutex_lock(&r->mu);
    if (r->state != RUNNER_QUIT) {
        /* The new sweep begins now: a point still in flight belongs to the old one and is
         * dropped; the thread resets the trainer before its next step. */
        sweep_clear(&r->sweep);
        build_schedule(r, &r->sched, (long)r->sweep.n_planned);
        r->generation++;
        r->restart_req = true;
        r->state = RUNNER_RUNNING;
        r->started_at = clock_now();
        r->active_s = 0;
        r->it_per_s = 0;
        wake_ui(r, RUNNER_CH_RESTART | RUNNER_CH_STATE | RUNNER_CH_POINTS);
        pthread_cond_broadcast(&r->cv);
    }
    pthread_mutex_unlock(&r->mu);
}

int runner_wake_fd(const struct runner *r)
{
    return r->wake[0];
}

void runner_drain(struct runner *r)
{
    char buf[256];
    while (read(r->wake[0], buf, sizeof buf) > 0)
        ;
}

/* Append src's points from dst->len on (same generation) to dst: a frame copies only what
 * is new, never the whole sweep. */
static int copy_new_points(struct sweep *dst, const struct sweep *src)
{
    if (dst->len > src->len)
        sweep_clear(dst);
    size_t from = dst->len, n = src->len - from;
    if (n > 0) {
        if (sweep_reserve(dst, src->len) != 0)
            return -1;
        memcpy(dst->lr + from, src->lr + from, n * sizeof *dst->lr);
        memcpy(dst->loss + from, src->loss + from, n * sizeof *dst->loss);
        memcpy(dst->smooth + from, src->smooth + from, n * sizeof *dst->smooth);
    }
    dst->len = src->len;
    dst->beta = src->beta;
    dst->stop_factor = src->stop_factor;
    dst->n_planned = src->n_planned;
    dst->best = src->best;
    dst->stop = src->stop;
    dst->stop_index = src->stop_index;
    return 0;
}

unsigned runner_snapshot(struct runner *r, struct runner_view *v)
{
    pthread_mutex_lock(&r->mu);
    unsigned ch = r->changed;
    r->changed = 0;
    if (v->generation != r->generation) {
        sweep_clear(v->sweep);
        v->generation = r->generation;
        ch |= RUNNER_CH_RESTART | RUNNER_CH_POINTS;
    }
    copy_new_points(v->sweep, &r->sweep);
    v->state = r->state;
    v->in_flight = r->in_flight;
    v->in_flight_lr = r->in_flight_lr;
    v->next_lr = schedule_lr(&r->sched, (long)r->sweep.len);
    v->multiplier = schedule_ratio_at(&r->sched, (long)r->sweep.len);
    v->end_lr = r->sched.end_lr;
    v->iterations = (long)r->sweep.n_planned;
    v->pace_ms = r->pace_ms;
    bool ended = r->state == RUNNER_FINISHED || r->state == RUNNER_FAILED;
    v->elapsed_s = clock_frozen() ? 0 : (ended ? r->ended_at : clock_now()) - r->started_at;
    v->active_s = r->active_s;
    v->it_per_s = r->it_per_s;
    v->err = r->err;
    pthread_mutex_unlock(&r->mu);
    return ch;
}
