/* test_optim.c: one-step (and two-step) known answers for SGD, Adam and AdamW, from the update
 * rules PyTorch documents, worked out below; the literal numbers were also checked against
 * torch.optim in float64 (torch 1.13). */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

/* assert_close on float arguments (clang warns on implicit float -> double) */
#define assert_near(a, b, tol) assert_close((double)(a), (double)(b), (tol))

#include "lrfind/nn.h"
#include "lrfind/optim.h"

#define N 4
static const float p0[N] = {1.0f, -2.0f, 0.5f, 0.0f};
static const float g1[N] = {0.1f, 0.2f, -0.3f, 0.05f};
static const float g2[N] = {-0.2f, 0.4f, 0.1f, 0.0f};

/* Run `steps` steps (gradients g1 then g2) and return the parameters. */
static void run(const struct optim_settings *s, int steps, double lr, float *p)
{
    struct optim o;
    struct lrf_error err;
    assert_int_equal(optim_init(&o, s, N, &err), 0);
    memcpy(p, p0, sizeof p0);
    for (int i = 0; i < steps; i++)
        optim_step(&o, p, i == 0 ? g1 : g2, lr, NULL);
    assert_int_equal(o.t, steps);
    optim_free(&o);
}

static void check(const float *got, const double *want)
{
    for (int i = 0; i < N; i++)
        assert_near(got[i], want[i], 2e-6);
}

static void test_sgd_plain(void **state)
{
    (void)state;
    /* p - lr g = 1 - 0.1 * 0.1 = 0.99, -2 - 0.02, 0.5 + 0.03, 0 - 0.005 */
    struct optim_settings s = {.kind = OPTIM_SGD};
    float p[N];
    run(&s, 1, 0.1, p);
    check(p, (const double[]){0.99, -2.02, 0.53, -0.005});
}

static void test_sgd_momentum(void **state)
{
    (void)state;
    /* step 1: b = g1, p1 = p0 - 0.1 g1; step 2: b = 0.9 g1 + g2 (no dampening),
     * p2 = p1 - 0.1 b: 0.99 - 0.1 (0.09 - 0.2) = 1.001 */
    struct optim_settings s = {.kind = OPTIM_SGD, .momentum = 0.9};
    float p[N];
    run(&s, 2, 0.1, p);
    check(p, (const double[]){1.001, -2.078, 0.547, -0.0095});
}

static void test_sgd_dampening(void **state)
{
    (void)state;
    /* the first step copies g (PyTorch does not dampen it); then b = 0.9 b + (1 - 0.5) g2:
     * b = 0.09 - 0.1 = -0.01, p2 = 0.99 + 0.001 = 0.991 */
    struct optim_settings s = {.kind = OPTIM_SGD, .momentum = 0.9, .dampening = 0.5};
    float p[N];
    run(&s, 2, 0.1, p);
    check(p, (const double[]){0.991, -2.058, 0.552, -0.0095});
}

static void test_sgd_nesterov(void **state)
{
    (void)state;
    /* step 1: b = g1, d = g1 + 0.9 b = 1.9 g1: p1 = 1 - 0.019 = 0.981;
     * step 2: b = 0.9 g1 + g2 = -0.11, d = g2 + 0.9 b = -0.299: p2 = 0.981 + 0.0299 = 1.0109 */
    struct optim_settings s = {.kind = OPTIM_SGD, .momentum = 0.9, .nesterov = true};
    float p[N];
    run(&s, 2, 0.1, p);
    check(p, (const double[]){1.0109, -2.1302, 0.5623, -0.01355});
}

static void test_sgd_weight_decay(void **state)
{
    (void)state;
    /* d = g + 0.01 p before the momentum: d1 = 0.1 + 0.01 = 0.11, p1 = 0.989, b = 0.11;
     * d2 = -0.2 + 0.00989 = -0.19011, b = 0.099 - 0.19011 = -0.09111, p2 = 0.998111 */
    struct optim_settings s = {.kind = OPTIM_SGD, .momentum = 0.9, .weight_decay = 0.01};
    float p[N];
    run(&s, 2, 0.1, p);
    check(p, (const double[]){0.998111, -2.072182, 0.5455205, -0.009495});
}

/* Adam as documented, in double: the reference the float code is held to. */
static void adam_ref(double lr, double b1, double b2, double eps, double wd, bool decoupled,
                     int steps, double *p)
{
    double m[N] = {0}, v[N] = {0};
    for (int i = 0; i < N; i++)
        p[i] = (double)p0[i];
    for (int t = 1; t <= steps; t++)
        for (int i = 0; i < N; i++) {
            double g = t == 1 ? (double)g1[i] : (double)g2[i];
            if (decoupled)
                p[i] *= 1.0 - lr * wd;
            else
                g += wd * p[i];
            m[i] = b1 * m[i] + (1.0 - b1) * g;
            v[i] = b2 * v[i] + (1.0 - b2) * g * g;
            double mhat = m[i] / (1.0 - pow(b1, t)), vhat = v[i] / (1.0 - pow(b2, t));
            p[i] -= lr * mhat / (sqrt(vhat) + eps); /* eps outside the square root */
        }
}

static void test_adam_first_step(void **state)
{
    (void)state;
    /* at t = 1 the bias corrections make mhat = g and vhat = g^2: p -= lr g / (|g| + eps),
     * a step of lr against the sign of g (0 for a zero gradient) */
    struct optim_settings s = {.kind = OPTIM_ADAM, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8};
    float p[N];
    run(&s, 1, 0.01, p);
    check(p, (const double[]){0.99, -2.01, 0.51, -0.01});
    assert_near(p[3], -0.01 * 0.05 / (0.05 + 1e-8), 1e-6);
}

static void test_adam_second_step(void **state)
{
    (void)state;
    struct optim_settings s = {.kind = OPTIM_ADAM, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8};
    float p[N];
    double ref[N];
    run(&s, 2, 0.01, p);
    adam_ref(0.01, 0.9, 0.999, 1e-8, 0.0, false, 2, ref);
    check(p, ref);
    check(p, (const double[]){0.993661036039, -2.01965181945, 0.514002185207, -0.0167005786457});
}

static void test_adam_eps_placement(void **state)
{
    (void)state;
    /* a large eps tells sqrt(vhat) + eps from sqrt(vhat + eps) or sqrt(v) + eps */
    struct optim_settings s = {.kind = OPTIM_ADAM, .beta1 = 0.8, .beta2 = 0.99, .eps = 0.1};
    float p[N];
    double ref[N];
    run(&s, 2, 0.01, p);
    adam_ref(0.01, 0.8, 0.99, 0.1, 0.0, false, 2, ref);
    check(p, ref);
    check(p, (const double[]){0.997580458041, -2.01413266201, 0.509906811724, -0.00497618204506});
}

static void test_adam_l2(void **state)
{
    (void)state;
    /* (weight decay 0.05: with 0.1, g + wd p = 0.2 - 0.2 cancels, and Adam would blow the
     * float/double rounding difference up to a full step) */
    struct optim_settings s = {
        .kind = OPTIM_ADAM, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .weight_decay = 0.05};
    float p[N];
    double ref[N];
    run(&s, 2, 0.01, p);
    adam_ref(0.01, 0.9, 0.999, 1e-8, 0.05, false, 2, ref);
    check(p, ref);
    check(p, (const double[]){0.99054295415, -2.0191798133, 0.513004540463, -0.0166257961515});
}

static void test_adamw(void **state)
{
    (void)state;
    /* AdamW decays the weights first, p *= 1 - lr wd, and leaves the gradient alone */
    struct optim_settings s = {
        .kind = OPTIM_ADAMW, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .weight_decay = 0.1};
    float p[N];
    double ref[N];
    run(&s, 2, 0.01, p);
    adam_ref(0.01, 0.9, 0.999, 1e-8, 0.1, true, 2, ref);
    check(p, ref);
    check(p, (const double[]){0.991672036038, -2.01564381945, 0.512992685208, -0.0166905786477});
    /* adam with decoupled: true is the same thing */
    s.kind = OPTIM_ADAM;
    s.decoupled = true;
    float q[N];
    run(&s, 2, 0.01, q);
    assert_memory_equal(p, q, sizeof p);
}

static void test_reset(void **state)
{
    (void)state;
    struct optim_settings s = {.kind = OPTIM_ADAM, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8};
    struct optim o;
    struct lrf_error err;
    assert_int_equal(optim_init(&o, &s, N, &err), 0);
    float a[N], b[N];
    memcpy(a, p0, sizeof a);
    optim_step(&o, a, g1, 0.01, NULL);
    optim_step(&o, a, g2, 0.01, NULL);
    optim_reset(&o);
    assert_int_equal(o.t, 0);
    memcpy(a, p0, sizeof a);
    optim_step(&o, a, g1, 0.01, NULL);
    optim_free(&o);
    run(&s, 1, 0.01, b);
    assert_memory_equal(a, b, sizeof a);
}

/* Blocks, threads and the flat pass give the same bits (the fused backward relies on it). */
static void test_blocks_and_threads_agree(void **state)
{
    (void)state;
    const size_t rows = 300, cols = 301, n = rows * cols; /* odd sizes: vector tails */
    float *g = malloc(n * sizeof *g), *pa = malloc(n * sizeof *pa), *pb = malloc(n * sizeof *pb),
          *pc = malloc(n * sizeof *pc);
    assert_non_null(g);
    for (size_t i = 0; i < n; i++) {
        g[i] = (float)sin((double)i * 0.37) * 0.1f;
        pa[i] = pb[i] = pc[i] = (float)cos((double)i * 0.11);
    }
    struct optim_settings set[] = {
        {.kind = OPTIM_SGD, .momentum = 0.9, .nesterov = true, .weight_decay = 0.01},
        {.kind = OPTIM_ADAMW, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .weight_decay = 0.1},
    };
    struct lrf_error err;
    struct nn_pool *pool = nn_pool_create(2, &err);
    assert_non_null(pool);
    for (size_t k = 0; k < 2; k++) {
        struct optim a, b, c;
        assert_int_equal(optim_init(&a, &set[k], n, &err), 0);
        assert_int_equal(optim_init(&b, &set[k], n, &err), 0);
        assert_int_equal(optim_init(&c, &set[k], n, &err), 0);
        for (int step = 0; step < 3; step++) {
            optim_step(&a, pa, g, 0.05, NULL);
            optim_step(&b, pb, g, 0.05, pool);
            /* 7 x 13 blocks, right to left, gradients from a separate tile buffer */
            optim_begin(&c, 0.05);
            float tile[7 * 13];
            for (size_t bi = 0; bi < rows; bi += 7)
                for (size_t nb = (cols + 12) / 13; nb-- > 0;) {
                    size_t bj = nb * 13;
                    size_t r = rows - bi < 7 ? rows - bi : 7, q = cols - bj < 13 ? cols - bj : 13;
                    for (size_t x = 0; x < r; x++)
                        for (size_t y = 0; y < q; y++)
                            tile[x * 13 + y] = g[(bi + x) * cols + bj + y];
                    optim_apply(&c, pc, bi * cols + bj, r, q, cols, tile, 13);
                }
        }
        assert_memory_equal(pa, pb, n * sizeof *pa);
        assert_memory_equal(pa, pc, n * sizeof *pa);
        optim_free(&a);
        optim_free(&b);
        optim_free(&c);
    }
    nn_pool_destroy(pool);
    free(g);
    free(pa);
    free(pb);
    free(pc);
}

static void test_bad_settings(void **state)
{
    (void)state;
    struct lrf_error err;
    struct optim o;
    struct optim_settings s = {.kind = OPTIM_SGD, .momentum = 0.9, .dampening = 0.1,
                               .nesterov = true};
    assert_int_equal(optim_init(&o, &s, 4, &err), -1);
    assert_non_null(strstr(err.msg, "nesterov"));
    s = (struct optim_settings){.kind = OPTIM_SGD, .nesterov = true};
    assert_int_equal(optim_check(&s, &err), -1);
    s = (struct optim_settings){.kind = OPTIM_SGD, .momentum = -1};
    assert_int_equal(optim_check(&s, &err), -1);
    s = (struct optim_settings){.kind = OPTIM_ADAM, .beta1 = 1.0, .beta2 = 0.999};
    assert_int_equal(optim_check(&s, &err), -1);
    s = (struct optim_settings){.kind = OPTIM_ADAM, .beta1 = 0.9, .beta2 = 0.999, .eps = -1};
    assert_int_equal(optim_check(&s, &err), -1);
    s = (struct optim_settings){.kind = OPTIM_ADAMW, .beta1 = 0.9, .beta2 = 0.999,
                                .weight_decay = -0.1};
    assert_int_equal(optim_check(&s, &err), -1);
    s = (struct optim_settings){.kind = OPTIM_ADAM, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8};
    assert_int_equal(optim_check(&s, &err), 0);
    assert_string_equal(optim_name(OPTIM_ADAMW), "adamw");
}

/* NaN in, NaN out: the sweep's divergence test depends on it. */
static void test_nan_propagates(void **state)
{
    (void)state;
    struct optim_settings s = {.kind = OPTIM_ADAM, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8};
    struct optim o;
    struct lrf_error err;
    assert_int_equal(optim_init(&o, &s, N, &err), 0);
    float p[N], g[N] = {(double)NAN, HUGE_VAL, 1.0f, 0.0f};
    memcpy(p, p0, sizeof p);
    optim_step(&o, p, g, 0.01, NULL);
    assert_true(isnan(p[0]));
    assert_true(isnan(p[1])); /* inf / (sqrt(inf) + eps) */
    assert_true(isfinite(p[2]));
    optim_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sgd_plain),         cmocka_unit_test(test_sgd_momentum),
        cmocka_unit_test(test_sgd_dampening),     cmocka_unit_test(test_sgd_nesterov),
        cmocka_unit_test(test_sgd_weight_decay),  cmocka_unit_test(test_adam_first_step),
        cmocka_unit_test(test_adam_second_step),  cmocka_unit_test(test_adam_eps_placement),
        cmocka_unit_test(test_adam_l2),           cmocka_unit_test(test_adamw),
        cmocka_unit_test(test_reset),             cmocka_unit_test(test_blocks_and_threads_agree),
        cmocka_unit_test(test_bad_settings),      cmocka_unit_test(test_nan_propagates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
