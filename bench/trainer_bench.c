/* trainer_bench.c: times the built-in trainer on the benchmark's sweep (see bench/trainer.sh):
 * an MLP 64-H-H-10 on 64-feature, 10-class blobs, a given batch size and optimizer, lr rising
 * exponentially from 1e-5 to 1e-1 over the timed iterations, after a short warm-up; with
 * --repeat R the best of R such sweeps (reset in between) is reported. With --peak
 * it instead measures the FP32 matrix-multiply rate of the kernel (n x n x n products).
 * Prints key=value pairs on one line. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lrfind/config.h"
#include "lrfind/nn.h"
#include "lrfind/trainer.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void usage(void)
{
    fprintf(stderr, "usage: trainer_bench [--hidden N] [--layers N] [--batch N] [--optimizer "
                    "sgd|adam] [--iters N] [--warmup N] [--threads N] [--kernel NAME] "
                    "[--repeat N] [--peak N]\n");
    exit(2);
}

/* GFLOP/s of an n x n x n product, best of a few runs. */
static int peak(size_t n, int threads)
{
    struct lrf_error err;
    struct nn_pool *pool = nn_pool_create(threads, &err);
    float *a = malloc(n * n * sizeof *a), *b = malloc(n * n * sizeof *b),
          *c = malloc(n * n * sizeof *c);
    if (pool == NULL || !a || !b || !c)
        return 1;
    for (size_t i = 0; i < n * n; i++) {
        a[i] = (float)((i * 7919) % 1000) / 1000.0f - 0.5f;
        b[i] = (float)((i * 104729) % 1000) / 1000.0f - 0.5f;
    }
    double best = 1e30;
    for (int r = 0; r < 5; r++) {
        double t0 = now();
        nn_sgemm(pool, false, false, n, n, n, a, n, b, n, false, c, n);
        double dt = now() - t0;
        best = dt < best ? dt : best;
    }
    printf("kernel=%s n=%zu threads=%d gflops=%.1f\n", nn_kernel_name(), n, threads,
           2.0 * (double)n * (double)n * (double)n / best / 1e9);
    free(a);
    free(b);
    free(c);
    nn_pool_destroy(pool);
    return 0;
}

int main(int argc, char **argv)
{
    long hidden = 256, layers = 2, batch = 32, iters = 200, warmup = 10, threads = 1;
    long peak_n = 0, repeat = 1;
    const char *opt = "sgd", *kernel = NULL;
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v == NULL)
            usage();
        if (strcmp(a, "--hidden") == 0)
            hidden = atol(v);
        else if (strcmp(a, "--layers") == 0)
            layers = atol(v);
        else if (strcmp(a, "--batch") == 0)
            batch = atol(v);
        else if (strcmp(a, "--iters") == 0)
            iters = atol(v);
        else if (strcmp(a, "--warmup") == 0)
            warmup = atol(v);
        else if (strcmp(a, "--threads") == 0)
            threads = atol(v);
        else if (strcmp(a, "--optimizer") == 0)
            opt = v;
        else if (strcmp(a, "--kernel") == 0)
            kernel = v;
        else if (strcmp(a, "--repeat") == 0)
            repeat = atol(v);
        else if (strcmp(a, "--peak") == 0)
            peak_n = atol(v);
        else
            usage();
    }
    if (kernel != NULL && nn_kernel_select(kernel) < 0) {
        fprintf(stderr, "trainer_bench: kernel %s is not available here\n", kernel);
        return 2;
    }
    if (peak_n > 0)
        return peak((size_t)peak_n, (int)threads);

    struct lrf_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.sweep.loss = LOSS_TRAIN;
    cfg.trainer.kind = TRAINER_BUILTIN;
    cfg.trainer.data.kind = DATA_BLOBS;
    cfg.trainer.data.classes = 10;
    cfg.trainer.data.points_per_class = 410;
    cfg.trainer.data.dimensions = 64;
    cfg.trainer.data.spread = 4.0;
    cfg.trainer.model.n_hidden = (int)layers;
    for (long l = 0; l < layers && l < CONFIG_MAX_HIDDEN; l++)
        cfg.trainer.model.hidden[l] = hidden;
    cfg.trainer.model.activation = ACT_RELU;
    if (strcmp(opt, "adam") == 0) {
        cfg.trainer.optimizer.kind = OPT_ADAM;
        cfg.trainer.optimizer.beta1 = 0.9;
        cfg.trainer.optimizer.beta2 = 0.999;
        cfg.trainer.optimizer.eps = 1e-8;
    } else {
        cfg.trainer.optimizer.kind = OPT_SGD;
        cfg.trainer.optimizer.momentum = 0.9;
    }
    cfg.trainer.batch_size = batch;
    cfg.trainer.accumulate = 1;
    cfg.trainer.threads = threads;
    cfg.trainer.seed = 42;

    struct trainer t;
    memset(&t, 0, sizeof t);
    t.cancel_fd = -1;
    t.ops = &trainer_builtin_ops;
    struct lrf_error err;
    lrf_error_clear(&err);
    if (t.ops->init(&t, &cfg, &err) < 0) {
        char buf[1024];
        fprintf(stderr, "trainer_bench: %s\n", lrf_error_format(&err, buf, sizeof buf));
        return 1;
    }
    double loss = 0.0, first = (double)NAN, dt = (double)INFINITY;
    for (long r = 0; r < repeat; r++) {
        /* each repetition is the same sweep (reset), the best time counts: the machine may be
         * shared */
        t.ops->reset(&t, &err);
        for (long i = 0; i < warmup; i++)
            t.ops->step(&t, 1e-5, &loss, &err);
        double t0 = now();
        for (long i = 0; i < iters; i++) {
            double lr = 1e-5 * pow(1e4, (double)i / (double)iters);
            t.ops->step(&t, lr, &loss, &err);
            if (i == 0)
                first = loss;
        }
        double d = (now() - t0) / (double)iters;
        dt = d < dt ? d : dt;
    }
    printf("kernel=%s hidden=%ld batch=%ld optimizer=%s threads=%ld s_per_iter=%.6g "
           "first_loss=%.6g last_loss=%.6g info=\"%s\"\n",
           nn_kernel_name(), hidden, batch, opt, threads, dt, first, loss, t.info);
    t.ops->close(&t);
    return 0;
}
