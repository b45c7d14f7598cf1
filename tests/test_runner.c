/* test_runner.c: the trainer thread with a fake trainer: points arrive in order at the
 * scheduled rates, pause holds, a new multiplier re-anchors, restart resets the trainer and
 * starts over, a failing trainer is reported, and stop cancels a blocking step. Run under
 * ThreadSanitizer in CI. */
#include "config.h"

#include <math.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"
#include "lrfind/config.h"
#include "lrfind/runner.h"

struct fake {
    int resets, steps;
    int fail_at;     /* step index that fails, -1 none */
    int block_at;    /* step index that blocks until cancel_fd is readable, -1 none */
    long sleep_us;
};

static int fake_init(struct trainer *t, const struct lrf_config *cfg, struct lrf_error *err)
{
    return 0;
}

static int fake_step(struct trainer *t, double lr, double *loss, struct lrf_error *err)
{
    struct fake *f = t->impl;
    int i = __atomic_fetch_add(&f->steps, 1, __ATOMIC_SEQ_CST);
    if (f->sleep_us)
        usleep((useconds_t)f->sleep_us);
    if (i == f->block_at) {
        struct pollfd p = {t->cancel_fd, POLLIN, 0};
        poll(&p, 1, 10000);
        return lrf_error_set(err, NULL, 0, 0, "cancelled");
    }
    if (i == f->fail_at)
        return lrf_error_set(err, NULL, 0, 0, "fake trainer died");
    *loss = 2.0 + log10(lr) * 0.01; /* gently sloped, never diverges */
    return 0;
}

static int fake_reset(struct trainer *t, struct lrf_error *err)
{
    struct fake *f = t->impl;
    __atomic_fetch_add(&f->resets, 1, __ATOMIC_SEQ_CST);
    return 0;
}

static void fake_close(struct trainer *t)
{
}

static const struct trainer_ops fake_ops = {"fake", fake_init, fake_step, fake_reset, fake_close};

static void setup_cfg(struct lrf_config *cfg, long n)
{
    config_defaults(cfg);
    cfg->sweep.iterations = n;
    cfg->sweep.pace_ms = 0;
    cfg->sweep.stop_factor = 0;
}

/* Wait up to 1 ms for news from the runner and copy it into v. */
static void pump(struct runner *r, struct runner_view *v)
{
    struct pollfd p = {runner_wake_fd(r), POLLIN, 0};
    poll(&p, 1, 1);
    runner_drain(r);
    runner_snapshot(r, v);
}

/* Pump until the runner's state is `want` (or 5 s pass). */
static enum runner_state wait_state(struct runner *r, struct runner_view *v, enum runner_state want)
{
    for (int k = 0; k < 5000 && v->state != want; k++)
        pump(r, v);
    return v->state;
}

/* One runner on the fake trainer, with its view; rig_init, adjust g->cfg, rig_start. */
struct rig {
    struct lrf_config cfg;
    struct fake f;
    struct runner r;
    struct trainer t;
    struct runner_view v;
    struct sweep sw;
};

static void rig_init(struct rig *g, long n, struct fake f)
{
    memset(g, 0, sizeof *g);
    setup_cfg(&g->cfg, n);
    g->f = f;
}

static void rig_start(struct rig *g)
{
    g->t.ops = &fake_ops;
    g->t.impl = &g->f;
    g->t.cancel_fd = -1;
    struct lrf_error err;
    assert_int_equal(runner_start(&g->r, &g->t, &g->cfg, &err), 0);
    sweep_init(&g->sw, 0.98, 0, 0);
    g->v.sweep = &g->sw;
}

static void rig_free(struct rig *g)
{
    runner_free(&g->r);
    sweep_free(&g->sw);
    config_free(&g->cfg);
}

static void test_full_sweep(void **state)
{
    struct rig g;
    rig_init(&g, 50, (struct fake){0, 0, -1, -1, 0});
    rig_start(&g);
    assert_int_equal(wait_state(&g.r, &g.v, RUNNER_FINISHED), RUNNER_FINISHED);
    assert_int_equal(g.sw.len, 50);
    assert_int_equal(g.sw.stop, STOP_DONE);
    for (size_t i = 0; i < g.sw.len; i++)
        assert_true(g.sw.lr[i] == 1e-7 * pow(1e8, (double)i / 50)); /* fastai's ladder, bit for bit */
    double elapsed = g.v.elapsed_s; /* the clock stops with the sweep */
    usleep(20000);
    runner_snapshot(&g.r, &g.v);
    assert_true(g.v.elapsed_s == elapsed);
    rig_free(&g);
}

static void test_pause_multiplier_restart(void **state)
{
    struct rig g;
    rig_init(&g, 200, (struct fake){0, 0, -1, -1, 2000});
    rig_start(&g);
    while (g.v.sweep->len < 5)
        pump(&g.r, &g.v);
    runner_pause(&g.r, true);
    wait_state(&g.r, &g.v, RUNNER_PAUSED);
    while (g.v.in_flight)
        pump(&g.r, &g.v); /* the step in flight lands */
    size_t held = g.sw.len;
    usleep(30000);
    wait_state(&g.r, &g.v, RUNNER_PAUSED);
    assert_int_equal(g.sw.len, held); /* nothing while paused */

    /* a new multiplier continues from the last rate */
    runner_set_multiplier(&g.r, 1.5);
    runner_pause(&g.r, false);
    while (g.sw.len < held + 3)
        pump(&g.r, &g.v);
    size_t k = held - 1;
    assert_close(g.sw.lr[k + 1], g.sw.lr[k] * 1.5, 1e-12);
    assert_close(g.sw.lr[k + 2], g.sw.lr[k] * 1.5 * 1.5, 1e-12);

    /* restart: the trainer is reset, a new sweep begins at start_lr with the new multiplier */
    unsigned gen = g.v.generation;
    runner_restart(&g.r);
    while (g.v.generation == gen || g.sw.len < 3)
        pump(&g.r, &g.v);
    assert_int_equal(__atomic_load_n(&g.f.resets, __ATOMIC_SEQ_CST), 1);
    assert_true(g.sw.lr[0] == 1e-7);
    assert_close(g.sw.lr[1], 1.5e-7, 1e-12);

    /* fewer iterations than recorded: the sweep ends now; paused, it comes back paused */
    runner_pause(&g.r, true);
    assert_int_equal(wait_state(&g.r, &g.v, RUNNER_PAUSED), RUNNER_PAUSED);
    while (g.v.in_flight)
        pump(&g.r, &g.v);
    runner_set_iterations(&g.r, 2);
    assert_int_equal(wait_state(&g.r, &g.v, RUNNER_FINISHED), RUNNER_FINISHED);
    runner_set_iterations(&g.r, 1000);
    assert_int_equal(wait_state(&g.r, &g.v, RUNNER_PAUSED), RUNNER_PAUSED);
    rig_free(&g);
}

static void test_trainer_failure(void **state)
{
    struct rig g;
    rig_init(&g, 100, (struct fake){0, 0, 7, -1, 0});
    rig_start(&g);
    assert_int_equal(wait_state(&g.r, &g.v, RUNNER_FAILED), RUNNER_FAILED);
    assert_int_equal(g.sw.len, 7); /* the points before the failure are kept */
    assert_int_equal(g.sw.stop, STOP_TRAINER);
    assert_non_null(strstr(g.v.err.msg, "fake trainer died"));
    rig_free(&g);
}

static void test_stop_cancels_blocking_step(void **state)
{
    struct rig g;
    rig_init(&g, 100, (struct fake){0, 0, -1, 3, 0});
    rig_start(&g);
    while (__atomic_load_n(&g.f.steps, __ATOMIC_SEQ_CST) < 4)
        usleep(1000);
    runner_stop(&g.r); /* returns only because the step saw cancel_fd */
    runner_snapshot(&g.r, &g.v);
    assert_int_equal(g.v.state, RUNNER_QUIT);
    assert_int_equal(g.sw.len, 3);
    rig_free(&g);
}

/* Shrinking the sweep below the point in flight ends it with that point, not before it. */
static void test_shrink_in_flight(void **state)
{
    struct rig g;
    rig_init(&g, 100, (struct fake){0, 0, -1, -1, 100000});
    rig_start(&g);
    while (__atomic_load_n(&g.f.steps, __ATOMIC_SEQ_CST) < 6) /* step 5 is in flight */
        usleep(1000);
    runner_set_iterations(&g.r, 3);
    assert_int_equal(wait_state(&g.r, &g.v, RUNNER_FINISHED), RUNNER_FINISHED);
    assert_int_equal(g.sw.len, 6);
    assert_int_equal(g.sw.n_planned, 6);
    assert_int_equal(g.sw.stop, STOP_DONE);
    assert_int_equal(g.sw.stop_index, 5);
    rig_free(&g);
}

/* More iterations on a range ladder keep its factor, also for the sweep after a restart. */
static void test_restart_keeps_factor(void **state)
{
    struct rig g;
    rig_init(&g, 20, (struct fake){0, 0, -1, -1, 0});
    rig_start(&g);
    assert_int_equal(wait_state(&g.r, &g.v, RUNNER_FINISHED), RUNNER_FINISHED);
    double f = g.sw.lr[1] / g.sw.lr[0];
    runner_set_iterations(&g.r, 30);
    for (int k = 0; k < 5000 && (g.sw.len < 30 || g.v.state != RUNNER_FINISHED); k++)
        pump(&g.r, &g.v);
    assert_int_equal(g.sw.len, 30);
    unsigned gen = g.v.generation;
    runner_restart(&g.r);
    for (int k = 0; k < 5000 && (g.v.generation == gen || g.sw.len < 30 || g.v.state != RUNNER_FINISHED); k++)
        pump(&g.r, &g.v);
    assert_int_equal(g.sw.len, 30);
    assert_close(g.sw.lr[1] / g.sw.lr[0], f, 1e-12);
    assert_close(g.sw.lr[29] / g.sw.lr[0], pow(f, 29), 1e-9);
    rig_free(&g);
}

/* Every setter wakes the UI at once, even when no step will follow (a finished sweep). */
static void test_setters_wake_ui(void **state)
{
    struct rig g;
    rig_init(&g, 5, (struct fake){0, 0, -1, -1, 0});
    rig_start(&g);
    assert_int_equal(wait_state(&g.r, &g.v, RUNNER_FINISHED), RUNNER_FINISHED);
    struct pollfd p = {runner_wake_fd(&g.r), POLLIN, 0};
    runner_drain(&g.r);
    assert_int_equal(poll(&p, 1, 0), 0);
    runner_set_pace(&g.r, 5);
    assert_int_equal(poll(&p, 1, 0), 1);
    runner_drain(&g.r);
    runner_pause(&g.r, true);
    assert_int_equal(poll(&p, 1, 0), 1);
    runner_drain(&g.r);
    runner_set_multiplier(&g.r, 1.5);
    assert_int_equal(poll(&p, 1, 0), 1);
    rig_free(&g);
}

/* A ladder that leaves the doubles ends the sweep before its first infinite rate. */
static void test_ladder_overflow_ends_sweep(void **state)
{
    struct rig g;
    rig_init(&g, 100, (struct fake){0, 0, -1, -1, 0});
    g.cfg.sweep.multiplier = 1e10; /* 1e-7 * 1e10^i passes DBL_MAX at i = 32 */
    rig_start(&g);
    assert_int_equal(wait_state(&g.r, &g.v, RUNNER_FINISHED), RUNNER_FINISHED);
    assert_int_equal(g.sw.len, 32);
    assert_int_equal(g.sw.stop, STOP_DONE);
    for (size_t i = 0; i < g.sw.len; i++)
        assert_true(isfinite(g.sw.lr[i]));
    rig_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_sweep),
        cmocka_unit_test(test_pause_multiplier_restart),
        cmocka_unit_test(test_trainer_failure),
        cmocka_unit_test(test_stop_cancels_blocking_step),
        cmocka_unit_test(test_shrink_in_flight),
        cmocka_unit_test(test_setters_wake_ui),
        cmocka_unit_test(test_restart_keeps_factor),
        cmocka_unit_test(test_ladder_overflow_ends_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
