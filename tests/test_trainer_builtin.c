/* test_trainer_builtin.c: the built-in trainer behind trainer_ops: two sweeps identical to the
 * bit (reset restores weights, optimizer, RNG and data order; the thread count changes
 * nothing), real learning on the spiral, divergence at a huge rate, the loss measured before
 * the update, gradient accumulation, the validation loss, errors. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_util.h"

/* assert_close on float arguments (clang warns on implicit float -> double) */
#define assert_near(a, b, tol) assert_close((double)(a), (double)(b), (tol))

#include "lrfind/config.h"
#include "lrfind/nn.h"
#include "lrfind/trainer.h"

/* A small config made by hand (the YAML module is tested elsewhere). */
static void base_config(struct lrf_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->sweep.loss = LOSS_TRAIN;
    cfg->trainer.kind = TRAINER_BUILTIN;
    cfg->trainer.data.kind = DATA_SPIRAL;
    cfg->trainer.data.classes = 3;
    cfg->trainer.data.points_per_class = 200;
    cfg->trainer.data.noise = 0.2;
    cfg->trainer.data.header = -1;
    cfg->trainer.model.n_hidden = 2;
    cfg->trainer.model.hidden[0] = 64;
    cfg->trainer.model.hidden[1] = 64;
    cfg->trainer.model.activation = ACT_RELU;
    cfg->trainer.optimizer.kind = OPT_SGD;
    cfg->trainer.optimizer.momentum = 0.9;
    cfg->trainer.optimizer.beta1 = 0.9;
    cfg->trainer.optimizer.beta2 = 0.999;
    cfg->trainer.optimizer.eps = 1e-8;
    cfg->trainer.batch_size = 64;
    cfg->trainer.accumulate = 1;
    cfg->trainer.threads = 1;
    cfg->trainer.seed = 42;
}

static void open_trainer(struct trainer *t, const struct lrf_config *cfg)
{
    memset(t, 0, sizeof *t);
    t->ops = &trainer_builtin_ops;
    t->cancel_fd = -1;
    struct lrf_error err;
    lrf_error_clear(&err);
    if (t->ops->init(t, cfg, &err) < 0) {
        char buf[1024];
        fail_msg("init: %s", lrf_error_format(&err, buf, sizeof buf));
    }
}

/* A sweep of n steps over fastai's exponential ladder from 1e-5 to 10 into loss[]. */
static void sweep(struct trainer *t, int n, double *loss)
{
    struct lrf_error err;
    for (int i = 0; i < n; i++) {
        double lr = 1e-5 * pow(1e6, (double)i / n);
        assert_int_equal(t->ops->step(t, lr, &loss[i], &err), 0);
    }
}

static void test_two_sweeps_identical(void **state)
{
    (void)state;
    const int optims[] = {OPT_SGD, OPT_ADAM, OPT_ADAMW};
    for (int k = 0; k < 3; k++) {
        struct lrf_config cfg;
        base_config(&cfg);
        cfg.trainer.optimizer.kind = optims[k];
        cfg.trainer.optimizer.weight_decay = 0.01;
        struct trainer t, u, w;
        double a[60], b[60], c[60], d[60];
        struct lrf_error err;
        open_trainer(&t, &cfg);
        assert_non_null(strstr(t.info, "mlp 2-64-64-3 relu"));
        assert_string_equal(t.name, "builtin");
        sweep(&t, 60, a);
        assert_int_equal(t.ops->reset(&t, &err), 0);
        sweep(&t, 60, b);
        assert_memory_equal(a, b, sizeof a); /* byte-identical, the diverged tail included */
        /* a second trainer with the same seed, and one on two threads, agree as well */
        open_trainer(&u, &cfg);
        sweep(&u, 60, c);
        assert_memory_equal(a, c, sizeof a);
        cfg.trainer.threads = 2;
        open_trainer(&w, &cfg);
        sweep(&w, 60, d);
        if (strcmp(nn_kernel_name(), "cblas") != 0) /* OpenBLAS blocks halves differently */
            assert_memory_equal(a, d, sizeof a);
        /* another seed gives another sweep */
        cfg.trainer.seed = 43;
        t.ops->close(&t);
        open_trainer(&t, &cfg);
        sweep(&t, 60, b);
        assert_true(memcmp(a, b, sizeof a) != 0);
        t.ops->close(&t);
        t.ops->close(&t); /* idempotent */
        assert_int_equal(t.ops->step(&t, 0.1, &a[0], &err), -1);
        u.ops->close(&u);
        w.ops->close(&w);
    }
}

/* Restoring mid-epoch: a sweep interrupted after 7 steps and restarted equals a fresh one. */
static void test_reset_mid_sweep(void **state)
{
    (void)state;
    struct lrf_config cfg;
    base_config(&cfg);
    cfg.trainer.batch_size = 50; /* 600 samples: epochs of 12 batches, so 30 steps wrap */
    struct trainer t;
    struct lrf_error err;
    double a[30], b[30], junk[7];
    open_trainer(&t, &cfg);
    sweep(&t, 30, a);
    assert_int_equal(t.ops->reset(&t, &err), 0);
    sweep(&t, 7, junk);
    assert_int_equal(t.ops->reset(&t, &err), 0);
    sweep(&t, 30, b);
    assert_memory_equal(a, b, sizeof a);
    t.ops->close(&t);
}

static void test_learns_spiral(void **state)
{
    (void)state;
    struct lrf_config cfg;
    base_config(&cfg);
    struct trainer t;
    struct lrf_error err;
    open_trainer(&t, &cfg);
    double acc0, acc, loss = 0.0, first = 0.0;
    assert_int_equal(trainer_builtin_accuracy(&t, false, &acc0, &err), 0);
    for (int i = 0; i < 400; i++) {
        assert_int_equal(t.ops->step(&t, 0.1, &loss, &err), 0);
        if (i == 0)
            first = loss;
    }
    assert_int_equal(trainer_builtin_accuracy(&t, false, &acc, &err), 0);
    if (!(acc > 0.9))
        fail_msg("training accuracy %.3f after 400 steps (from %.3f), loss %.4f -> %.4f", acc,
                 acc0, first, loss);
    assert_true(loss < first / 3);
    assert_int_equal(trainer_builtin_accuracy(&t, true, &acc, &err), -1); /* no held-out set */
    t.ops->close(&t);
    /* Adam gets there too */
    cfg.trainer.optimizer.kind = OPT_ADAM;
    open_trainer(&t, &cfg);
    for (int i = 0; i < 400; i++)
        assert_int_equal(t.ops->step(&t, 0.01, &loss, &err), 0);
    assert_int_equal(trainer_builtin_accuracy(&t, false, &acc, &err), 0);
    if (!(acc > 0.9))
        fail_msg("adam: training accuracy %.3f after 400 steps", acc);
    t.ops->close(&t);
}

static void test_huge_rate_diverges_fast(void **state)
{
    (void)state;
    struct lrf_config cfg;
    base_config(&cfg);
    struct trainer t;
    struct lrf_error err;
    open_trainer(&t, &cfg);
    clock_t c0 = clock();
    double loss = 0.0, first = 0.0;
    int i;
    for (i = 0; i < 50; i++) {
        assert_int_equal(t.ops->step(&t, 1e4, &loss, &err), 0);
        if (i == 0)
            first = loss;
        if (!isfinite(loss) || loss > 100 * first)
            break;
    }
    assert_true(i < 20);
    /* and it keeps answering (NaN in, NaN out) instead of hanging */
    for (int k = 0; k < 10; k++)
        assert_int_equal(t.ops->step(&t, 1e4, &loss, &err), 0);
    assert_false(isfinite(loss) && loss < 100 * first);
    assert_true((double)(clock() - c0) / CLOCKS_PER_SEC < 5.0);
    t.ops->close(&t);
}

/* The loss of a step is measured before its update: the first loss does not depend on lr. */
static void test_loss_before_update(void **state)
{
    (void)state;
    struct lrf_config cfg;
    base_config(&cfg);
    struct trainer t;
    struct lrf_error err;
    double a, b, c;
    open_trainer(&t, &cfg);
    assert_int_equal(t.ops->step(&t, 0.0, &a, &err), 0);
    assert_int_equal(t.ops->reset(&t, &err), 0);
    assert_int_equal(t.ops->step(&t, 5.0, &b, &err), 0);
    assert_int_equal(t.ops->step(&t, 5.0, &c, &err), 0);
    assert_true(a == b);
    assert_true(c != b);
    assert_near(a, log(3.0), 0.5); /* a fresh 3-class model starts near ln 3 */
    t.ops->close(&t);
}

/* accumulate: k mini-batches per update, the loss is their mean (pytorch-lr-finder). */
static void test_accumulate(void **state)
{
    (void)state;
    struct lrf_config cfg;
    base_config(&cfg);
    struct trainer t1, t2;
    struct lrf_error err;
    open_trainer(&t1, &cfg);
    cfg.trainer.accumulate = 2;
    open_trainer(&t2, &cfg);
    double l1[8], l2[4];
    for (int i = 0; i < 8; i++)
        assert_int_equal(t1.ops->step(&t1, 0.0, &l1[i], &err), 0);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(t2.ops->step(&t2, 0.0, &l2[i], &err), 0);
        assert_near(l2[i], (l1[2 * i] + l1[2 * i + 1]) / 2.0, 1e-12);
    }
    /* and with a rate it trains like the doubled batch would, roughly */
    for (int i = 0; i < 150; i++)
        assert_int_equal(t2.ops->step(&t2, 0.05, &l2[0], &err), 0);
    double acc;
    assert_int_equal(trainer_builtin_accuracy(&t2, false, &acc, &err), 0);
    assert_true(acc > 0.6);
    t1.ops->close(&t1);
    t2.ops->close(&t2);
}

static void test_validation_loss(void **state)
{
    (void)state;
    struct lrf_config cfg;
    base_config(&cfg);
    cfg.sweep.loss = LOSS_VALIDATION;
    struct trainer t;
    struct lrf_error err;
    memset(&t, 0, sizeof t);
    t.ops = &trainer_builtin_ops;
    assert_int_equal(t.ops->init(&t, &cfg, &err), -1); /* no held-out split */
    assert_non_null(strstr(err.msg, "trainer.data.validation"));
    cfg.trainer.data.validation = 0.2;
    open_trainer(&t, &cfg);
    assert_non_null(strstr(t.info, "480+120 samples"));
    /* with lr = 0 nothing moves: the held-out loss is the same whatever the batch */
    double a, b, c;
    assert_int_equal(t.ops->step(&t, 0.0, &a, &err), 0);
    assert_int_equal(t.ops->step(&t, 0.0, &b, &err), 0);
    assert_true(a == b);
    /* training lowers it, and it is measured after the update */
    for (int i = 0; i < 200; i++)
        assert_int_equal(t.ops->step(&t, 0.1, &c, &err), 0);
    assert_true(c < a * 0.7);
    double acc;
    assert_int_equal(trainer_builtin_accuracy(&t, true, &acc, &err), 0);
    assert_true(acc > 0.7);
    t.ops->close(&t);
}

static void test_regression_trains(void **state)
{
    (void)state;
    struct lrf_config cfg;
    base_config(&cfg);
    cfg.trainer.data.kind = DATA_REGRESSION;
    cfg.trainer.data.points = 500;
    cfg.trainer.data.dimensions = 1;
    cfg.trainer.data.noise = 0.05;
    cfg.trainer.model.activation = ACT_TANH;
    cfg.trainer.optimizer.kind = OPT_ADAM;
    struct trainer t;
    struct lrf_error err;
    open_trainer(&t, &cfg);
    assert_non_null(strstr(t.info, "mlp 1-64-64-1 tanh"));
    double first, loss = 0.0, acc;
    assert_int_equal(t.ops->step(&t, 0.01, &first, &err), 0);
    for (int i = 0; i < 300; i++)
        assert_int_equal(t.ops->step(&t, 0.01, &loss, &err), 0);
    assert_true(loss < first / 5);
    assert_int_equal(trainer_builtin_accuracy(&t, false, &acc, &err), -1);
    t.ops->close(&t);
}

static void test_every_activation_and_data_kind(void **state)
{
    (void)state;
    const int acts[] = {ACT_RELU, ACT_LEAKY_RELU, ACT_TANH, ACT_SIGMOID, ACT_GELU};
    const int kinds[] = {DATA_SPIRAL, DATA_MOONS, DATA_BLOBS, DATA_XOR, DATA_REGRESSION};
    for (int k = 0; k < 5; k++) {
        struct lrf_config cfg;
        base_config(&cfg);
        cfg.trainer.model.activation = acts[k];
        cfg.trainer.data.kind = kinds[k];
        cfg.trainer.model.hidden[0] = 16;
        cfg.trainer.model.n_hidden = 1;
        cfg.trainer.optimizer.kind = OPT_ADAM;
        struct trainer t;
        struct lrf_error err;
        double first, loss = 0.0, last = 0.0;
        open_trainer(&t, &cfg);
        assert_int_equal(t.ops->step(&t, 0.01, &first, &err), 0);
        for (int i = 0; i < 200; i++) {
            assert_int_equal(t.ops->step(&t, 0.01, &loss, &err), 0);
            if (i >= 180)
                last += loss / 20;
        }
        if (!(isfinite(last) && last < 0.9 * first))
            fail_msg("activation %d on data %d: %g -> %g", acts[k], kinds[k], first, last);
        t.ops->close(&t);
    }
}

static void test_init_errors(void **state)
{
    (void)state;
    struct lrf_config cfg;
    struct trainer t;
    struct lrf_error err;
    memset(&t, 0, sizeof t);
    t.ops = &trainer_builtin_ops;
    base_config(&cfg);
    cfg.trainer.data.kind = DATA_CSV;
    assert_int_equal(t.ops->init(&t, &cfg, &err), -1);
    assert_non_null(strstr(err.msg, "trainer.data.path"));
    base_config(&cfg);
    cfg.trainer.optimizer.nesterov = true;
    cfg.trainer.optimizer.dampening = 0.5;
    assert_int_equal(t.ops->init(&t, &cfg, &err), -1);
    assert_non_null(strstr(err.msg, "nesterov"));
    base_config(&cfg);
    cfg.trainer.model.hidden[1] = 0;
    assert_int_equal(t.ops->init(&t, &cfg, &err), -1);
    assert_non_null(strstr(err.msg, "hidden[1]"));
    assert_null(t.impl);
    /* a batch larger than the data set is clipped to it; no hidden layer is a linear model */
    base_config(&cfg);
    cfg.trainer.batch_size = 100000;
    cfg.trainer.model.n_hidden = 0;
    open_trainer(&t, &cfg);
    double loss;
    assert_int_equal(t.ops->step(&t, 0.1, &loss, &err), 0);
    assert_true(isfinite(loss));
    assert_non_null(strstr(t.info, "mlp 2-3 "));
    t.ops->close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_sweeps_identical),
        cmocka_unit_test(test_reset_mid_sweep),
        cmocka_unit_test(test_learns_spiral),
        cmocka_unit_test(test_huge_rate_diverges_fast),
        cmocka_unit_test(test_loss_before_update),
        cmocka_unit_test(test_accumulate),
        cmocka_unit_test(test_validation_loss),
        cmocka_unit_test(test_regression_trains),
        cmocka_unit_test(test_every_activation_and_data_kind),
        cmocka_unit_test(test_init_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
