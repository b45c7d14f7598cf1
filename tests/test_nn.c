/* test_nn.c: the matrix kernels against a double-precision reference (every kernel this CPU
 * runs, every transposition, edge sizes, threads), gradient checks of the MLP against central
 * differences of an independent double-precision forward pass (every activation, both losses,
 * random directions), known values, NaN propagation, one thread against two. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

/* assert_close on float arguments (clang warns on implicit float -> double) */
#define assert_near(a, b, tol) assert_close((double)(a), (double)(b), (tol))

#include "lrfind/nn.h"
#include "lrfind/optim.h"
#include "lrfind/rng.h"

static const char *const kernel_names[] = {"avx512", "avx2", "generic", "cblas"};
static char default_kernel[32];

static int setup(void **state)
{
    (void)state;
    snprintf(default_kernel, sizeof default_kernel, "%s", nn_kernel_name());
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return nn_kernel_select(default_kernel);
}

static float frand(struct lrf_rng *r)
{
    return (float)rng_range(r, -1.0, 1.0);
}

/* ---- matrix products -------------------------------------------------------------------- */

/* One product against a double reference, on 1 and 2 threads (which must agree bit for bit). */
static void check_gemm(struct nn_pool *p1, struct nn_pool *p2, bool ta, bool tb, size_t m,
                       size_t n, size_t k, bool acc, struct lrf_rng *r)
{
    size_t lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2; /* padded strides */
    size_t asz = (ta ? k : m) * lda, bsz = (tb ? n : k) * ldb, csz = m * ldc;
    float *a = malloc((asz + 1) * sizeof *a), *b = malloc((bsz + 1) * sizeof *b);
    float *c1 = malloc((csz + 1) * sizeof *c1), *c2 = malloc((csz + 1) * sizeof *c2);
    assert_true(a && b && c1 && c2);
    for (size_t i = 0; i < asz; i++)
        a[i] = frand(r);
    for (size_t i = 0; i < bsz; i++)
        b[i] = frand(r);
    for (size_t i = 0; i < csz; i++)
        c1[i] = acc ? frand(r) : NAN; /* without accumulate C must not be read */
    memcpy(c2, c1, csz * sizeof *c1);
    float *c0 = malloc((csz + 1) * sizeof *c0);
    memcpy(c0, c1, csz * sizeof *c1);
    nn_sgemm(p1, ta, tb, m, n, k, a, lda, b, ldb, acc, c1, ldc);
    nn_sgemm(p2, ta, tb, m, n, k, a, lda, b, ldb, acc, c2, ldc);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            double want = acc ? (double)c0[i * ldc + j] : 0.0, mag = fabs(want);
            for (size_t q = 0; q < k; q++) {
                double x = ta ? (double)a[q * lda + i] : (double)a[i * lda + q];
                double y = tb ? (double)b[j * ldb + q] : (double)b[q * ldb + j];
                want += x * y;
                mag += fabs(x * y);
            }
            double got = (double)c1[i * ldc + j];
            if (!(fabs(got - want) <= 1e-5 * (mag + 1.0)))
                fail_msg("%s ta=%d tb=%d m=%zu n=%zu k=%zu acc=%d: C[%zu,%zu] = %.9g, want %.9g",
                         nn_kernel_name(), ta, tb, m, n, k, acc, i, j, got, want);
        }
    /* the padding between rows is untouched */
    for (size_t i = 0; i < m; i++)
        for (size_t j = n; j < ldc; j++)
            assert_memory_equal(&c1[i * ldc + j], &c0[i * ldc + j], sizeof(float));
    /* our kernels sum each element in the same order however the threads split the work;
     * OpenBLAS blocks a half matrix differently */
    if (strcmp(nn_kernel_name(), "cblas") != 0)
        assert_memory_equal(c1, c2, csz * sizeof *c1);
    free(a);
    free(b);
    free(c0);
    free(c1);
    free(c2);
}

static void test_gemm_all_kernels(void **state)
{
    (void)state;
    struct lrf_error err;
    struct nn_pool *p1 = nn_pool_create(1, &err), *p2 = nn_pool_create(2, &err);
    assert_true(p1 && p2);
    struct lrf_rng r;
    rng_seed(&r, 5);
    /* sizes around the tiles (4/6/8 rows, 16/32 columns), the A-packing threshold (64
     * columns), the k blocking (256) and the thread split */
    static const size_t sizes[][3] = {{1, 1, 1},    {3, 5, 7},     {8, 32, 16},  {9, 33, 17},
                                      {17, 65, 300}, {70, 40, 513}, {130, 97, 64}, {64, 64, 1},
                                      {10, 200, 33}, {200, 10, 45}};
    int ran = 0;
    for (size_t kn = 0; kn < sizeof kernel_names / sizeof kernel_names[0]; kn++) {
        if (nn_kernel_select(kernel_names[kn]) < 0)
            continue;
        ran++;
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
            for (int t = 0; t < 4; t++)
                for (int acc = 0; acc < 2; acc++)
                    check_gemm(p1, p2, t & 1, t & 2, sizes[s][0], sizes[s][1], sizes[s][2], acc,
                               &r);
    }
    assert_true(ran >= 1);
    assert_int_equal(nn_kernel_select("no-such-kernel"), -1);
    assert_int_equal(nn_kernel_select(default_kernel), 0);
    nn_pool_destroy(p1);
    nn_pool_destroy(p2);
}

static void test_gemm_nan_propagates(void **state)
{
    (void)state;
    struct lrf_error err;
    struct nn_pool *p = nn_pool_create(1, &err);
    float a[8 * 8], b[8 * 8], c[8 * 8];
    for (int i = 0; i < 64; i++) {
        a[i] = 1.0f;
        b[i] = 1.0f;
    }
    a[3 * 8 + 2] = (double)NAN;      /* row 3 of A */
    b[1 * 8 + 6] = HUGE_VAL; /* column 6 of B */
    nn_sgemm(p, false, false, 8, 8, 8, a, 8, b, 8, false, c, 8);
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++) {
            float v = c[i * 8 + j];
            if (i == 3)
                assert_true(isnan(v));
            else if (j == 6)
                assert_true(isinf(v));
            else
                assert_near(v, 8.0, 0);
        }
    nn_pool_destroy(p);
}

/* Each thread of the pool records that it ran. */
static void mark_thread(void *arg, int tid, int nthreads)
{
    int *hits = arg;
    hits[tid] += nthreads;
}

static void test_pool_runs_every_thread(void **state)
{
    (void)state;
    struct lrf_error err;
    struct nn_pool *p = nn_pool_create(3, &err);
    assert_non_null(p);
    assert_int_equal(nn_pool_threads(p), 3);
    int hits[3] = {0, 0, 0};
    for (int round = 0; round < 1000; round++)
        nn_pool_run(p, mark_thread, hits);
    for (int t = 0; t < 3; t++)
        assert_int_equal(hits[t], 3000);
    nn_pool_destroy(p);
    p = nn_pool_create(1, &err); /* one thread: the caller alone */
    hits[0] = 0;
    nn_pool_run(p, mark_thread, hits);
    assert_int_equal(hits[0], 1);
    nn_pool_destroy(p);
}

/* ---- known values ------------------------------------------------------------------------- */

static void test_activation_values(void **state)
{
    (void)state;
    float x[] = {-2.0f, -1.0f, 0.0f, 1.0f, 3.0f, (double)NAN}, y[6];
    act_forward(y, x, 6, NN_RELU);
    assert_near(y[0], 0.0, 0);
    assert_near(y[4], 3.0, 0);
    assert_true(isnan(y[5]));
    act_forward(y, x, 6, NN_LEAKY_RELU);
    assert_near(y[1], -0.01, 1e-7);
    assert_near(y[3], 1.0, 0);
    assert_true(isnan(y[5]));
    act_forward(y, x, 6, NN_TANH);
    assert_near(y[3], tanh(1.0), 1e-6);
    act_forward(y, x, 6, NN_SIGMOID);
    assert_near(y[2], 0.5, 1e-7);
    assert_near(y[0], 1.0 / (1.0 + exp(2.0)), 1e-6);
    act_forward(y, x, 6, NN_GELU);
    assert_near(y[3], 0.8413447460685429, 1e-6); /* torch.nn.functional.gelu(1.0) */
    assert_near(y[1], -0.15865525393145707, 1e-6);
    assert_true(isnan(y[5]));
    /* a long vector goes through the SIMD loops and their tails */
    float big[37], out[37], d[37], dd[37];
    for (int i = 0; i < 37; i++) {
        big[i] = (float)(i - 18) / 4.0f;
        d[i] = 1.0f;
    }
    act_forward(out, big, 37, NN_RELU);
    act_backward(dd, d, big, out, 37, NN_RELU);
    for (int i = 0; i < 37; i++) {
        assert_near(out[i], big[i] < 0 ? 0.0 : (double)big[i], 0);
        assert_near(dd[i], big[i] > 0 ? 1.0 : 0.0, 0);
    }
    act_forward(out, big, 37, NN_LEAKY_RELU);
    act_backward(dd, d, big, out, 37, NN_LEAKY_RELU);
    for (int i = 0; i < 37; i++) {
        assert_near(out[i], big[i] < 0 ? 0.01 * (double)big[i] : (double)big[i], 1e-7);
        assert_near(dd[i], big[i] > 0 ? 1.0 : 0.01, 1e-7);
    }
}

static void test_softmax_xent_values(void **state)
{
    (void)state;
    /* two samples, three classes, feature-major: logits[j * B + i] */
    float z[6] = {0, 1, 0, 2, 0, 3}, d[6];
    int32_t y[2] = {0, 2};
    double loss = softmax_xent(d, z, y, 2, 3, 1.0f);
    /* sample 0: logits 0,0,0 -> ln 3; sample 1: logits 1,2,3, label 2 -> ln(e+e^2+e^3) - 3 */
    double l1 = log(exp(1.0) + exp(2.0) + exp(3.0)) - 3.0;
    assert_near(loss, (log(3.0) + l1) / 2.0, 1e-9);
    assert_near(d[0], (1.0 / 3.0 - 1.0) / 2.0, 1e-7);
    assert_near(d[2], (1.0 / 3.0) / 2.0, 1e-7);
    assert_near(d[5], (exp(3.0) / (exp(1.0) + exp(2.0) + exp(3.0)) - 1.0) / 2.0, 1e-7);
    /* huge logits do not overflow */
    float h[2] = {1000.0f, -1000.0f};
    int32_t y0 = 0;
    assert_near(softmax_xent(NULL, h, &y0, 1, 2, 1.0f), 0.0, 1e-9);
    y0 = 1;
    assert_near(softmax_xent(NULL, h, &y0, 1, 2, 1.0f), 2000.0, 1e-9);
    /* NaN and Inf make a non-finite loss */
    float bad[2] = {(double)NAN, 0.0f};
    y0 = 1;
    assert_true(isnan(softmax_xent(NULL, bad, &y0, 1, 2, 1.0f)));
    float inf[2] = {HUGE_VAL, 0.0f};
    assert_false(isfinite(softmax_xent(NULL, inf, &y0, 1, 2, 1.0f)));
}

static void test_mse_values(void **state)
{
    (void)state;
    float p[3] = {1.0f, 2.0f, 4.0f}, t[3] = {1.0f, 0.0f, 1.0f}, d[3];
    assert_near(mse_loss(d, p, t, 3, 1, 1.0f), (0.0 + 4.0 + 9.0) / 3.0, 1e-9);
    assert_near(d[1], 2.0 * 2.0 / 3.0, 1e-7);
    assert_near(d[2], 2.0 * 3.0 / 3.0, 1e-7);
}

/* ---- gradient checks ------------------------------------------------------------------------ */

static double act_d(double x, enum nn_act a)
{
    switch (a) {
    case NN_RELU:
        return x < 0 ? 0 : x;
    case NN_LEAKY_RELU:
        return x < 0 ? 0.01 * x : x;
    case NN_TANH:
        return tanh(x);
    case NN_SIGMOID:
        return 1.0 / (1.0 + exp(-x));
    case NN_GELU:
        return 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
    }
    return (double)NAN;
}

/* An independent forward pass in double, batch-major, from a parameter vector laid out as the
 * model's (w0 [d1, d0], b0, w1, ...): the mean loss over B samples of x[B, d0]. */
static double ref_loss(const struct nn_model *m, const double *theta, const double *x, size_t B,
                       const int32_t *labels, const double *targets)
{
    double total = 0.0;
    double h[2][64];
    for (size_t s = 0; s < B; s++) {
        const double *inp = x + s * m->dims[0];
        const double *p = theta;
        double *cur = NULL;
        for (int l = 0; l < m->n_layers; l++) {
            size_t in = m->dims[l], out = m->dims[l + 1];
            cur = h[l & 1];
            for (size_t o = 0; o < out; o++) {
                double z = p[in * out + o];
                for (size_t i = 0; i < in; i++)
                    z += p[o * in + i] * inp[i];
                cur[o] = l == m->n_layers - 1 ? z : act_d(z, m->act);
            }
            p += in * out + out;
            inp = cur;
        }
        size_t D = m->dims[m->n_layers];
        if (m->loss == NN_LOSS_XENT) {
            double mx = cur[0], sum = 0.0;
            for (size_t j = 1; j < D; j++)
                mx = fmax(mx, cur[j]);
            for (size_t j = 0; j < D; j++)
                sum += exp(cur[j] - mx);
            total += -(cur[labels[s]] - mx - log(sum));
        } else {
            for (size_t j = 0; j < D; j++)
                total += (cur[j] - targets[s * D + j]) * (cur[j] - targets[s * D + j]) / (double)D;
        }
    }
    return total / (double)B;
}

static void grad_check(enum nn_act act, enum nn_loss loss)
{
    const size_t dims[] = {5, 7, 6, loss == NN_LOSS_XENT ? 4 : 2};
    const size_t B = 6;
    struct nn_model m;
    struct lrf_error err;
    assert_int_equal(nn_model_init(&m, dims, 3, act, loss, B, 1, &err), 0);
    struct lrf_rng r;
    rng_seed(&r, 100 + (uint64_t)act * 10 + (uint64_t)loss);
    nn_init_params(&m, &r);
    for (int l = 0; l < m.n_layers; l++) /* nonzero biases, so their gradients matter */
        for (size_t o = 0; o < dims[l + 1]; o++)
            m.b[l][o] = 0.3f * frand(&r);
    double xd[6 * 5], td[6 * 4];
    float xf[5 * 6], tf[4 * 6];
    int32_t lab[6];
    for (size_t s = 0; s < B; s++) {
        for (size_t j = 0; j < dims[0]; j++) {
            xf[j * B + s] = 1.5f * frand(&r); /* feature-major for the model */
            xd[s * dims[0] + j] = (double)xf[j * B + s];
        }
        lab[s] = (int32_t)rng_below(&r, dims[3]);
        for (size_t j = 0; j < dims[3]; j++) {
            tf[j * B + s] = frand(&r);
            td[s * dims[3] + j] = (double)tf[j * B + s];
        }
    }
    nn_forward(&m, xf, B);
    double lf = nn_loss(&m, B, lab, tf, 1.0f);
    nn_backward(&m, xf, B, false);

    size_t n = m.n_params;
    double *theta = malloc(n * sizeof *theta), *tp = malloc(n * sizeof *tp);
    double *u = malloc(n * sizeof *u);
    for (size_t i = 0; i < n; i++)
        theta[i] = (double)m.params[i];
    /* the float forward agrees with the double one */
    assert_near(lf, ref_loss(&m, theta, xd, B, lab, td), 1e-5);
    const double h = 1e-5;
    for (int dir = 0; dir < 8; dir++) {
        double norm = 0.0, analytic = 0.0;
        for (size_t i = 0; i < n; i++) {
            u[i] = rng_normal(&r);
            norm += u[i] * u[i];
        }
        norm = sqrt(norm);
        for (size_t i = 0; i < n; i++) {
            u[i] /= norm;
            analytic += (double)m.grads[i] * u[i];
        }
        for (size_t i = 0; i < n; i++)
            tp[i] = theta[i] + h * u[i];
        double up = ref_loss(&m, tp, xd, B, lab, td);
        for (size_t i = 0; i < n; i++)
            tp[i] = theta[i] - h * u[i];
        double down = ref_loss(&m, tp, xd, B, lab, td);
        double numeric = (up - down) / (2.0 * h);
        if (!(fabs(numeric - analytic) <= 2e-3 * fabs(numeric) + 1e-5))
            fail_msg("activation %d loss %d direction %d: analytic %.9g, central difference %.9g",
                     act, loss, dir, analytic, numeric);
    }
    /* a few single coordinates too: first weight, a bias, the last parameter */
    size_t coords[] = {0, dims[1] * dims[0], n - 1};
    for (size_t c = 0; c < 3; c++) {
        memcpy(tp, theta, n * sizeof *tp);
        tp[coords[c]] += h;
        double up = ref_loss(&m, tp, xd, B, lab, td);
        tp[coords[c]] -= 2 * h;
        double down = ref_loss(&m, tp, xd, B, lab, td);
        assert_near(m.grads[coords[c]], (up - down) / (2 * h), 2e-3);
    }
    /* accumulate adds: a second backward over the same batch doubles the gradients */
    float *g1 = malloc(n * sizeof *g1);
    memcpy(g1, m.grads, n * sizeof *g1);
    nn_loss(&m, B, lab, tf, 1.0f);
    nn_backward(&m, xf, B, true);
    for (size_t i = 0; i < n; i++)
        assert_near(m.grads[i], 2.0 * (double)g1[i], 1e-6);
    free(g1);
    free(theta);
    free(tp);
    free(u);
    nn_model_free(&m);
}

static void test_grad_relu(void **state)
{
    (void)state;
    grad_check(NN_RELU, NN_LOSS_XENT);
    grad_check(NN_RELU, NN_LOSS_MSE);
}
static void test_grad_leaky_relu(void **state)
{
    (void)state;
    grad_check(NN_LEAKY_RELU, NN_LOSS_XENT);
    grad_check(NN_LEAKY_RELU, NN_LOSS_MSE);
}
static void test_grad_tanh(void **state)
{
    (void)state;
    grad_check(NN_TANH, NN_LOSS_XENT);
    grad_check(NN_TANH, NN_LOSS_MSE);
}
static void test_grad_sigmoid(void **state)
{
    (void)state;
    grad_check(NN_SIGMOID, NN_LOSS_XENT);
    grad_check(NN_SIGMOID, NN_LOSS_MSE);
}
static void test_grad_gelu(void **state)
{
    (void)state;
    grad_check(NN_GELU, NN_LOSS_XENT);
    grad_check(NN_GELU, NN_LOSS_MSE);
}

/* ---- the model ------------------------------------------------------------------------------ */

static void test_init_statistics(void **state)
{
    (void)state;
    const size_t dims[] = {400, 300, 10};
    struct nn_model m, m2;
    struct lrf_error err;
    struct lrf_rng r, r2;
    assert_int_equal(nn_model_init(&m, dims, 2, NN_RELU, NN_LOSS_XENT, 4, 1, &err), 0);
    assert_int_equal(m.n_params, (size_t)(400 * 300 + 300 + 300 * 10 + 10));
    rng_seed(&r, 1);
    nn_init_params(&m, &r);
    double s2 = 0.0;
    for (size_t i = 0; i < 400 * 300; i++)
        s2 += (double)m.w[0][i] * (double)m.w[0][i];
    assert_near(sqrt(s2 / (400 * 300)), sqrt(2.0 / 400), 0.01); /* Kaiming, fan_in */
    double lim = sqrt(6.0 / (300 + 10)), mx = 0.0;                /* Xavier output layer */
    for (size_t i = 0; i < 300 * 10; i++)
        mx = fmax(mx, fabs((double)m.w[1][i]));
    assert_true(mx <= lim && mx > 0.9 * lim);
    for (size_t o = 0; o < 300; o++)
        assert_true(m.b[0][o] == 0.0f);
    /* the same seed gives the same weights */
    assert_int_equal(nn_model_init(&m2, dims, 2, NN_RELU, NN_LOSS_XENT, 4, 1, &err), 0);
    rng_seed(&r2, 1);
    nn_init_params(&m2, &r2);
    assert_memory_equal(m.params, m2.params, m.n_params * sizeof(float));
    nn_model_free(&m2);
    nn_model_free(&m);
    /* tanh layers: Xavier with gain 5/3 */
    assert_int_equal(nn_model_init(&m, dims, 2, NN_TANH, NN_LOSS_XENT, 4, 1, &err), 0);
    nn_init_params(&m, &r);
    lim = 5.0 / 3.0 * sqrt(6.0 / 700);
    mx = 0.0;
    for (size_t i = 0; i < 400 * 300; i++)
        mx = fmax(mx, fabs((double)m.w[0][i]));
    assert_true(mx <= lim && mx > 0.99 * lim);
    nn_model_free(&m);
}

static void test_model_errors(void **state)
{
    (void)state;
    struct nn_model m;
    struct lrf_error err;
    const size_t dims[] = {3, 0, 2};
    assert_int_equal(nn_model_init(&m, dims, 2, NN_RELU, NN_LOSS_XENT, 4, 1, &err), -1);
    assert_int_equal(nn_model_init(&m, dims, 0, NN_RELU, NN_LOSS_XENT, 4, 1, &err), -1);
    const size_t ok[] = {3, 2};
    assert_int_equal(nn_model_init(&m, ok, 1, NN_RELU, NN_LOSS_XENT, 0, 1, &err), -1);
    assert_int_equal(nn_model_init(&m, ok, 1, NN_RELU, NN_LOSS_XENT, 1, 1, &err), 0);
    nn_model_free(&m);
}

static void test_predict_and_nan(void **state)
{
    (void)state;
    const size_t dims[] = {2, 3};
    struct nn_model m;
    struct lrf_error err;
    assert_int_equal(nn_model_init(&m, dims, 1, NN_RELU, NN_LOSS_XENT, 2, 1, &err), 0);
    /* w = identity-ish: class = the larger of x0, x1, or 2 via the bias */
    float w[6] = {1, 0, 0, 1, 0, 0}, b[3] = {0, 0, 0.5f};
    memcpy(m.w[0], w, sizeof w);
    memcpy(m.b[0], b, sizeof b);
    float x[4] = {2.0f, 0.0f, /* x0 of samples 0, 1 */ 1.0f, 0.1f /* x1 */};
    int32_t pred[2];
    nn_forward(&m, x, 2);
    nn_predict(&m, 2, pred);
    assert_int_equal(pred[0], 0);
    assert_int_equal(pred[1], 2);
    m.w[0][0] = (double)NAN;
    nn_forward(&m, x, 2);
    int32_t lab[2] = {0, 1};
    assert_true(isnan(nn_loss(&m, 2, lab, NULL, 0.0f)));
    nn_model_free(&m);
}

/* Two threads give the same bits as one, through backward and the optimizer. */
static void test_threads_match(void **state)
{
    (void)state;
    const size_t dims[] = {13, 70, 45, 5};
    const size_t B = 40;
    struct optim_settings os[] = {
        {.kind = OPTIM_SGD, .momentum = 0.9, .weight_decay = 1e-3},
        {.kind = OPTIM_ADAM, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8},
    };
    for (size_t k = 0; k < 2; k++) {
        struct nn_model a, b;
        struct optim oa, ob;
        struct lrf_error err;
        struct lrf_rng r;
        assert_int_equal(nn_model_init(&a, dims, 3, NN_GELU, NN_LOSS_XENT, B, 1, &err), 0);
        assert_int_equal(nn_model_init(&b, dims, 3, NN_GELU, NN_LOSS_XENT, B, 2, &err), 0);
        rng_seed(&r, 3);
        nn_init_params(&a, &r);
        memcpy(b.params, a.params, a.n_params * sizeof(float));
        assert_int_equal(optim_init(&oa, &os[k], a.n_params, &err), 0);
        assert_int_equal(optim_init(&ob, &os[k], b.n_params, &err), 0);
        float x[13 * 40];
        int32_t lab[40];
        for (int step = 0; step < 3; step++) {
            for (size_t i = 0; i < 13 * B; i++)
                x[i] = frand(&r);
            for (size_t i = 0; i < B; i++)
                lab[i] = (int32_t)rng_below(&r, 5);
            nn_forward(&a, x, B);
            nn_loss(&a, B, lab, NULL, 1.0f);
            nn_backward(&a, x, B, false);
            optim_step(&oa, a.params, a.grads, 0.01, a.pool);
            nn_forward(&b, x, B);
            nn_loss(&b, B, lab, NULL, 1.0f);
            nn_backward(&b, x, B, false);
            optim_step(&ob, b.params, b.grads, 0.01, b.pool);
            if (strcmp(nn_kernel_name(), "cblas") != 0) {
                assert_memory_equal(a.grads, b.grads, a.n_params * sizeof(float));
                assert_memory_equal(a.params, b.params, a.n_params * sizeof(float));
            }
        }
        optim_free(&oa);
        optim_free(&ob);
        nn_model_free(&a);
        nn_model_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gemm_all_kernels),     cmocka_unit_test(test_gemm_nan_propagates),
        cmocka_unit_test(test_pool_runs_every_thread), cmocka_unit_test(test_activation_values),
        cmocka_unit_test(test_softmax_xent_values),  cmocka_unit_test(test_mse_values),
        cmocka_unit_test(test_grad_relu),            cmocka_unit_test(test_grad_leaky_relu),
        cmocka_unit_test(test_grad_tanh),            cmocka_unit_test(test_grad_sigmoid),
        cmocka_unit_test(test_grad_gelu),            cmocka_unit_test(test_init_statistics),
        cmocka_unit_test(test_model_errors),         cmocka_unit_test(test_predict_and_nan),
        cmocka_unit_test(test_threads_match),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
