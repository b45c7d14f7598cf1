/* nn.h: the built-in trainer's multilayer perceptron, in the shape of llm.c's train_gpt2.c.
 * Dense layers keep PyTorch's weight layout (w is [out, in], row-major) and are written as
 * dense_forward(out, inp, w, b, B, in, out_dim) / dense_backward(dinp, dw, db, dout, inp, w, ...),
 * outputs first, shapes in the comments. Activations are feature-major, [features, B] (one
 * column per sample): then the weight matrix is always the operand a kernel broadcasts from and
 * can be read where it lies, and only the small activation matrices are ever repacked, which is
 * what makes small batches fast (see the measurements in bench/trainer.sh). All parameters live in one allocation and all gradients
 * in another, in the same order (w0 b0 w1 b1 ...), so the optimizer and a restore are flat loops
 * and one memcpy. The matrix products run on our own cache-blocked SIMD kernels (AVX-512, AVX2,
 * portable C; chosen at run time), or on cblas_sgemm when configured --with-blas and we have no
 * SIMD kernel for the CPU; a small pool of threads splits them. Results do not depend on the number of threads (each output element is
 * summed in the same order; with cblas that holds only on one thread). No -ffast-math: NaN and
 * Inf propagate. */
#ifndef LRFIND_NN_H
#define LRFIND_NN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lrfind/error.h"
#include "lrfind/rng.h"

#define NN_MAX_LAYERS 17 /* CONFIG_MAX_HIDDEN hidden layers + the output layer */
#define NN_MAX_THREADS 8
#define NN_LEAKY_SLOPE 0.01f /* torch.nn.LeakyReLU's default negative_slope */

/* Activations (same values as config.h's enum activation). */
enum nn_act { NN_RELU, NN_LEAKY_RELU, NN_TANH, NN_SIGMOID, NN_GELU };
/* Losses: softmax cross-entropy over classes, or mean squared error. */
enum nn_loss { NN_LOSS_XENT, NN_LOSS_MSE };

/* ---- threads and matrix kernels ------------------------------------------------------- */

struct nn_pool; /* the calling thread plus (threads - 1) workers, with per-thread pack buffers */

/* A pool of `threads` (1..NN_MAX_THREADS) threads, the caller included. NULL with err on failure. */
struct nn_pool *nn_pool_create(int threads, struct lrf_error *err);
void nn_pool_destroy(struct nn_pool *pool);
int nn_pool_threads(const struct nn_pool *pool);
/* Run fn(arg, tid, nthreads) on every thread of the pool (tid 0 is the caller) and wait. */
void nn_pool_run(struct nn_pool *pool, void (*fn)(void *arg, int tid, int nthreads), void *arg);

/* The matrix kernel in use: "avx512", "avx2", "generic" or "cblas" (when configured
 * --with-blas). Chosen on first use: the environment variable LRFIND_KERNEL when it names one
 * this CPU runs, else our widest SIMD kernel, else cblas, else the portable one. */
const char *nn_kernel_name(void);
/* Force a kernel by name (tests, benchmarks); 0, or -1 when unknown or not supported here. */
int nn_kernel_select(const char *name);

/* The instruction set of the elementwise loops and the optimizer, which follow the kernel:
 * "avx512" and "avx2" use theirs, "generic" the x86-64 baseline (SSE2, no FMA), so that
 * LRFIND_KERNEL=generic gives the same bits on every x86-64 machine (golden tests); "cblas"
 * the widest the CPU has. */
enum nn_isa { NN_ISA_BASE, NN_ISA_AVX2, NN_ISA_AVX512 };
enum nn_isa nn_isa(void);

/* C[m, n] (+)= op(A)[m, k] . op(B)[k, n], row-major, op(X) = X or X^T as trans_x says.
 * accumulate = false overwrites C without reading it (C may hold garbage). pool must not be
 * NULL (it holds the pack buffers); the same goes for the layers below. */
void nn_sgemm(struct nn_pool *pool, bool trans_a, bool trans_b, size_t m, size_t n, size_t k,
              const float *a, size_t lda, const float *b, size_t ldb, bool accumulate, float *c,
              size_t ldc);

/* ---- layers ----------------------------------------------------------------------------- */

/* out[out_dim, B] = w[out_dim, in] . inp[in, B] + b[out_dim] (per column) */
void dense_forward(float *out, const float *inp, const float *w, const float *b, size_t B,
                   size_t in, size_t out_dim, struct nn_pool *pool);
/* dinp[in, B] = w^T . dout[out_dim, B] (skipped when dinp is NULL);
 * dw[out_dim, in] (+)= dout . inp^T; db[out_dim] (+)= row sums of dout (accumulate: add). */
void dense_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                    const float *w, size_t B, size_t in, size_t out_dim, bool accumulate,
                    struct nn_pool *pool);
/* out[n] = act(inp[n]) (out may be inp). */
void act_forward(float *out, const float *inp, size_t n, enum nn_act act);
/* dinp[n] = act'(pre[n]) * dout[n], with post = act(pre) (dinp may be dout). */
void act_backward(float *dinp, const float *dout, const float *pre, const float *post, size_t n,
                  enum nn_act act);
/* Mean softmax cross-entropy of logits[C, B] (column i = sample i) against labels[B]; with
 * dlogits non-NULL also dlogits[C, B] = (softmax - onehot) / B * scale. Accumulated in double. */
double softmax_xent(float *dlogits, const float *logits, const int32_t *labels, size_t B, size_t C,
                    float scale);
/* Mean squared error of pred[D, B] against target[D, B] (torch.nn.MSELoss, reduction mean);
 * with dpred non-NULL also dpred = 2 (pred - target) / (B D) * scale. */
double mse_loss(float *dpred, const float *pred, const float *target, size_t B, size_t D,
                float scale);

/* ---- the model ------------------------------------------------------------------------ */

struct nn_model {
    int n_layers;                   /* dense layers (hidden + output) */
    size_t dims[NN_MAX_LAYERS + 1]; /* dims[0] inputs ... dims[n_layers] outputs */
    enum nn_act act;                /* between layers; the output layer is linear */
    enum nn_loss loss;
    size_t n_params;
    float *params;                  /* [n_params]: w0 [d1, d0], b0 [d1], w1 [d2, d1], b1 ... */
    float *grads;                   /* [n_params], same layout */
    float *w[NN_MAX_LAYERS], *b[NN_MAX_LAYERS];   /* into params */
    float *dw[NN_MAX_LAYERS], *db[NN_MAX_LAYERS]; /* into grads */
    size_t max_batch;
    float *acts;                    /* one allocation for the buffers below */
    float *pre[NN_MAX_LAYERS];      /* [dims[l+1], B] pre-activations (logits for the last) */
    float *post[NN_MAX_LAYERS];     /* [dims[l+1], B] activations of hidden layers */
    float *dbuf[2];                 /* [max dim, B] gradient ping-pong */
    struct nn_pool *pool;
};

/* Build an MLP dims[0] -> ... -> dims[n_layers] for batches up to max_batch, run on `threads`
 * threads. Parameters are zero until nn_init_params. 0 or -1 with err. */
int nn_model_init(struct nn_model *m, const size_t *dims, int n_layers, enum nn_act act,
                  enum nn_loss loss, size_t max_batch, int threads, struct lrf_error *err);
void nn_model_free(struct nn_model *m);
/* Kaiming-normal (relu, leaky_relu, gelu) or Xavier-uniform (tanh, sigmoid) hidden weights,
 * Xavier-uniform output weights, zero biases, drawn from r. */
void nn_init_params(struct nn_model *m, struct lrf_rng *r);
/* Forward x[dims[0], B] (B <= max_batch); returns the output buffer [dims[n_layers], B]. */
const float *nn_forward(struct nn_model *m, const float *x, size_t B);
/* The loss of the last forward against labels[B] (xent) or targets[out, B] (mse); with
 * grad_scale != 0 also the output gradient (scaled) for nn_backward. */
double nn_loss(struct nn_model *m, size_t B, const int32_t *labels, const float *targets,
               float grad_scale);
/* Backward of the last forward/nn_loss: gradients into m->grads, added when accumulate. */
void nn_backward(struct nn_model *m, const float *x, size_t B, bool accumulate);

/* Class predictions (argmax) of the last forward into pred[B]. */
void nn_predict(const struct nn_model *m, size_t B, int32_t *pred);

/* ---- the built-in trainer (trainer_builtin.c, behind trainer_builtin_ops) -------------- */

struct trainer;
/* The fraction of samples the built-in trainer's model classifies correctly now, on its
 * training set or its held-out set (for tests and reports). 0, or -1 with err for a regression
 * model, an empty set or another kind of trainer. */
int trainer_builtin_accuracy(struct trainer *t, bool validation, double *acc,
                             struct lrf_error *err);

#endif
