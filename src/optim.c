/* optim.c: SGD (momentum, dampening, nesterov, weight decay), Adam and AdamW as PyTorch defines
 * them. The loops are written once over a vector type (GCC vector extensions) and compiled for
 * AVX-512, AVX2 and the baseline, chosen at run time: the square root goes through the SIMD
 * instruction, since sqrtf's errno handling keeps compilers from vectorising it at -O2. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define OPT_X86 1
#include <immintrin.h>
#else
#define OPT_X86 0
#endif

#include "lrfind/nn.h"
#include "lrfind/optim.h"

/* The per-step constants, as floats, computed in double once per step. */
struct step_k {
    float lr, wd, mu, one_minus_damp; /* sgd */
    int sgd_first, nesterov, momentum;
    float b1, omb1, b2, omb2, step_size, bc2_sqrt, eps, decay; /* adam; decay = 1 - lr wd */
    int decoupled;
};

/* Scalar SGD over [lo, hi): the reference rule, and the tail of the vector loops. */
static void sgd_scalar(size_t lo, size_t hi, float *restrict p, const float *restrict g,
                       float *restrict buf, const struct step_k *k)
{
    for (size_t i = lo; i < hi; i++) {
        float d = g[i];
        if (k->wd != 0.0f)
            d = d + k->wd * p[i];
        if (k->momentum) {
            float b = k->sgd_first ? d : k->mu * buf[i] + k->one_minus_damp * d;
            buf[i] = b;
            d = k->nesterov ? d + k->mu * b : b;
        }
        p[i] = p[i] - k->lr * d;
    }
}

/* Scalar Adam/AdamW over [lo, hi). */
static void adam_scalar(size_t lo, size_t hi, float *restrict p, const float *restrict g,
                        float *restrict m, float *restrict v, const struct step_k *k)
{
    for (size_t i = lo; i < hi; i++) {
        float d = g[i], pi = p[i];
        if (k->decoupled)
            pi = pi * k->decay;
        else if (k->wd != 0.0f)
            d = d + k->wd * pi;
        float mi = k->b1 * m[i] + k->omb1 * d;
        float vi = k->b2 * v[i] + k->omb2 * d * d;
        m[i] = mi;
        v[i] = vi;
        float denom = sqrtf(vi) / k->bc2_sqrt + k->eps;
        p[i] = pi - k->step_size * (mi / denom);
    }
}

/* The same two rules over a vector type VT of W floats, with VSQRT its square root. */
#define DEFINE_VECTOR_RULES(SUFFIX, ATTR, VT, W, VSQRT)                                          \
    ATTR static void sgd_##SUFFIX(size_t lo, size_t hi, float *restrict p,                      \
                                  const float *restrict g, float *restrict buf,                 \
                                  const struct step_k *k)                                       \
    {                                                                                           \
        size_t i = lo;                                                                          \
        for (; i + W <= hi; i += W) {                                                           \
            VT d, pi, b;                                                                        \
            memcpy(&d, g + i, sizeof d);                                                        \
            memcpy(&pi, p + i, sizeof pi);                                                      \
            if (k->wd != 0.0f)                                                                  \
                d = d + k->wd * pi;                                                             \
            if (k->momentum) {                                                                  \
                if (k->sgd_first) {                                                             \
                    b = d;                                                                      \
                } else {                                                                        \
                    memcpy(&b, buf + i, sizeof b);                                              \
                    b = k->mu * b + k->one_minus_damp * d;                                      \
                }                                                                               \
                memcpy(buf + i, &b, sizeof b);                                                  \
                d = k->nesterov ? d + k->mu * b : b;                                            \
            }                                                                                   \
            pi = pi - k->lr * d;                                                                \
            memcpy(p + i, &pi, sizeof pi);                                                      \
        }                                                                                       \
        sgd_scalar(i, hi, p, g, buf, k);                                                        \
    }                                                                                           \
    ATTR static void adam_##SUFFIX(size_t lo, size_t hi, float *restrict p,                     \
                                   const float *restrict g, float *restrict m,                  \
                                   float *restrict v, const struct step_k *k)                   \
    {                                                                                           \
        size_t i = lo;                                                                          \
        for (; i + W <= hi; i += W) {                                                           \
            VT d, pi, mi, vi;                                                                   \
            memcpy(&d, g + i, sizeof d);                                                        \
            memcpy(&pi, p + i, sizeof pi);                                                      \
            memcpy(&mi, m + i, sizeof mi);                                                      \
            memcpy(&vi, v + i, sizeof vi);                                                      \
            if (k->decoupled)                                                                   \
                pi = pi * k->decay;                                                             \
            else if (k->wd != 0.0f)                                                             \
                d = d + k->wd * pi;                                                             \
            mi = k->b1 * mi + k->omb1 * d;                                                      \
            vi = k->b2 * vi + k->omb2 * d * d;                                                  \
            memcpy(m + i, &mi, sizeof mi);                                                      \
            memcpy(v + i, &vi, sizeof vi);                                                      \
            VT denom = VSQRT(vi) / k->bc2_sqrt + k->eps;                                        \
            pi = pi - k->step_size * (mi / denom);                                              \
            memcpy(p + i, &pi, sizeof pi);                                                      \
        }                                                                                       \
        adam_scalar(i, hi, p, g, m, v, k);                                                      \
    }

#if OPT_X86
typedef float v16f __attribute__((vector_size(64)));
typedef float v8f __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));
#define SQRT16(x) ((v16f)_mm512_sqrt_ps((__m512)(x)))
#define SQRT8(x) ((v8f)_mm256_sqrt_ps((__m256)(x)))
#define SQRT4(x) ((v4f)_mm_sqrt_ps((__m128)(x)))
DEFINE_VECTOR_RULES(avx512, __attribute__((target("avx512f,fma"))), v16f, 16, SQRT16)
DEFINE_VECTOR_RULES(avx2, __attribute__((target("avx2,fma"))), v8f, 8, SQRT8)
DEFINE_VECTOR_RULES(sse, , v4f, 4, SQRT4)
#endif

typedef void (*sgd_fn)(size_t, size_t, float *restrict, const float *restrict, float *restrict,
                       const struct step_k *);
typedef void (*adam_fn)(size_t, size_t, float *restrict, const float *restrict, float *restrict,
                        float *restrict, const struct step_k *);

/* The widest loops this CPU runs. */
static void pick_rules(sgd_fn *sgd, adam_fn *adam)
{
    *sgd = sgd_scalar;
    *adam = adam_scalar;
#if OPT_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) {
        *sgd = sgd_avx512;
        *adam = adam_avx512;
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        *sgd = sgd_avx2;
        *adam = adam_avx2;
    } else {
        *sgd = sgd_sse;
        *adam = adam_sse;
    }
#endif
}

struct step_job {
    struct optim *o;
    float *p;
    const float *g;
    struct step_k k;
};

/* One thread's slice of the update (slices are 64-float aligned so the split changes nothing). */
static void step_worker(void *arg, int tid, int nthreads)
{
    struct step_job *j = arg;
    size_t n = j->o->n, chunks = (n + 63) / 64;
    size_t lo = chunks * (size_t)tid / (size_t)nthreads * 64;
    size_t hi = chunks * (size_t)(tid + 1) / (size_t)nthreads * 64;
    hi = hi > n ? n : hi;
    if (lo >= hi)
        return;
    sgd_fn sgd;
    adam_fn adam;
    pick_rules(&sgd, &adam);
    if (j->o->s.kind == OPTIM_SGD)
        sgd(lo, hi, j->p, j->g, j->o->state, &j->k);
    else
        adam(lo, hi, j->p, j->g, j->o->state, j->o->state + n, &j->k);
}

const char *optim_name(enum optim_type kind)
{
    switch (kind) {
    case OPTIM_SGD:
        return "sgd";
    case OPTIM_ADAM:
        return "adam";
    case OPTIM_ADAMW:
        return "adamw";
    }
    return "?";
}

int optim_check(const struct optim_settings *s, struct lrf_error *err)
{
    if (!(s->weight_decay >= 0.0))
        return lrf_error_set(err, NULL, 0, 0, "optimizer.weight_decay must be >= 0, not %g",
                             s->weight_decay);
    if (s->kind == OPTIM_SGD) {
        if (!(s->momentum >= 0.0))
            return lrf_error_set(err, NULL, 0, 0, "optimizer.momentum must be >= 0, not %g",
                                 s->momentum);
        if (s->nesterov && (s->momentum <= 0.0 || s->dampening != 0.0))
            return lrf_error_set(err, NULL, 0, 0,
                                 "nesterov momentum requires a momentum and zero dampening "
                                 "(as torch.optim.SGD)");
        return 0;
    }
    if (!(s->beta1 >= 0.0 && s->beta1 < 1.0) || !(s->beta2 >= 0.0 && s->beta2 < 1.0))
        return lrf_error_set(err, NULL, 0, 0, "optimizer.beta1 and beta2 must be in [0, 1)");
    if (!(s->eps >= 0.0))
        return lrf_error_set(err, NULL, 0, 0, "optimizer.eps must be >= 0, not %g", s->eps);
    return 0;
}

int optim_init(struct optim *o, const struct optim_settings *s, size_t n, struct lrf_error *err)
{
    memset(o, 0, sizeof *o);
    if (optim_check(s, err) < 0)
        return -1;
    o->s = *s;
    o->n = n;
    size_t words = s->kind == OPTIM_SGD ? n : 2 * n;
    o->state = aligned_alloc(64, (words * sizeof(float) + 63) / 64 * 64 + 64);
    if (o->state == NULL)
        return lrf_error_set(err, NULL, 0, 0, "out of memory for the optimizer state");
    optim_reset(o);
    return 0;
}

void optim_free(struct optim *o)
{
    free(o->state);
    o->state = NULL;
}

void optim_reset(struct optim *o)
{
    size_t words = o->s.kind == OPTIM_SGD ? o->n : 2 * o->n;
    memset(o->state, 0, words * sizeof(float));
    o->t = 0;
}

void optim_step(struct optim *o, float *params, const float *grads, double lr,
                struct nn_pool *pool)
{
    const struct optim_settings *s = &o->s;
    struct step_job j = {.o = o, .p = params, .g = grads};
    struct step_k *k = &j.k;
    o->t++;
    k->lr = (float)lr;
    k->wd = (float)s->weight_decay;
    if (s->kind == OPTIM_SGD) {
        k->momentum = s->momentum != 0.0;
        k->mu = (float)s->momentum;
        k->one_minus_damp = (float)(1.0 - s->dampening);
        k->sgd_first = o->t == 1;
        k->nesterov = s->nesterov;
    } else {
        double bc1 = 1.0 - pow(s->beta1, (double)o->t);
        double bc2 = 1.0 - pow(s->beta2, (double)o->t);
        k->b1 = (float)s->beta1;
        k->omb1 = (float)(1.0 - s->beta1);
        k->b2 = (float)s->beta2;
        k->omb2 = (float)(1.0 - s->beta2);
        k->step_size = (float)(lr / bc1);
        k->bc2_sqrt = (float)sqrt(bc2);
        k->eps = (float)s->eps;
        k->decoupled = s->kind == OPTIM_ADAMW || s->decoupled;
        k->decay = (float)(1.0 - lr * s->weight_decay);
    }
    /* below ~64k parameters a second thread costs more than it saves */
    if (pool != NULL && o->n >= 65536)
        nn_pool_run(pool, step_worker, &j);
    else
        step_worker(&j, 0, 1);
}
