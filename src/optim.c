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

/* The per-step constants, as floats, computed in double once per step (optim_begin), kept in
 * struct optim's opaque k[] storage. */
struct step_k {
    float lr, wd, mu, one_minus_damp; /* sgd */
    int sgd_first, nesterov, momentum;
    float b1, omb1, b2, omb2, step_size, inv_bc2_sqrt, eps, decay; /* adam; decay = 1 - lr wd */
    int decoupled;
};
_Static_assert(sizeof(struct step_k) <= sizeof(((struct optim *)0)->k), "optim.k is too small");

/* The rules on one element, shared by every loop below. The vector loops run the same
 * expressions on vectors, and their tails go through a padded vector too, so an element is
 * updated by the same instructions wherever it sits (any thread's slice, any block): results do
 * not depend on the thread split. */
#define SGD_RULE(d, pi, b, k, LOAD_BUF, STORE_BUF)                                              \
    do {                                                                                        \
        if ((k)->wd != 0.0f)                                                                    \
            d = d + (k)->wd * pi;                                                               \
        if ((k)->momentum) {                                                                    \
            if ((k)->sgd_first) {                                                               \
                b = d;                                                                          \
            } else {                                                                            \
                LOAD_BUF;                                                                       \
                b = (k)->mu * b + (k)->one_minus_damp * d;                                      \
            }                                                                                   \
            STORE_BUF;                                                                          \
            d = (k)->nesterov ? d + (k)->mu * b : b;                                            \
        }                                                                                       \
        pi = pi - (k)->lr * d;                                                                  \
    } while (0)

/* PyTorch: denom = sqrt(v) / sqrt(1 - b2^t) + eps; here the division by the step's constant is
 * a multiplication by its reciprocal (the same rule, within an ulp; it saves a vector division
 * per element, which is most of Adam's cost on a large model). */
#define ADAM_RULE(d, pi, mi, vi, k, VSQRT)                                                      \
    do {                                                                                        \
        if ((k)->decoupled)                                                                     \
            pi = pi * (k)->decay;                                                               \
        else if ((k)->wd != 0.0f)                                                               \
            d = d + (k)->wd * pi;                                                               \
        mi = (k)->b1 * mi + (k)->omb1 * d;                                                      \
        vi = (k)->b2 * vi + (k)->omb2 * d * d;                                                  \
        pi = pi - (k)->step_size * (mi / (VSQRT(vi) * (k)->inv_bc2_sqrt + (k)->eps));           \
    } while (0)

/* Scalar versions over rows x cols (parameter row stride ldp, gradient row stride ldg); the
 * state (buf, or m and v) is laid out like the parameters. */
static void sgd_scalar(size_t rows, size_t cols, float *p, size_t ldp, const float *g, size_t ldg,
                       float *buf, const struct step_k *k)
{
    for (size_t r = 0; r < rows; r++)
        for (size_t i = 0; i < cols; i++) {
            float d = g[r * ldg + i], pi = p[r * ldp + i], b = 0.0f;
            SGD_RULE(d, pi, b, k, b = buf[r * ldp + i], buf[r * ldp + i] = b);
            p[r * ldp + i] = pi;
        }
}

static void adam_scalar(size_t rows, size_t cols, float *p, size_t ldp, const float *g, size_t ldg,
                        float *m, float *v, const struct step_k *k)
{
    for (size_t r = 0; r < rows; r++)
        for (size_t i = 0; i < cols; i++) {
            size_t j = r * ldp + i;
            float d = g[r * ldg + i], pi = p[j], mi = m[j], vi = v[j];
            ADAM_RULE(d, pi, mi, vi, k, sqrtf);
            m[j] = mi;
            v[j] = vi;
            p[j] = pi;
        }
}

/* The vector versions over VT (W floats), VSQRT its square root. A row's tail is copied into
 * zero-padded vectors and back, and runs the same body. */
#define SGD_VSTEP(VT, BYTES)                                                                    \
    do {                                                                                        \
        VT d = {0}, pi = {0}, b = {0};                                                          \
        memcpy(&d, gr + i, BYTES);                                                              \
        memcpy(&pi, pr + i, BYTES);                                                             \
        SGD_RULE(d, pi, b, k, memcpy(&b, br + i, BYTES), memcpy(br + i, &b, BYTES));           \
        memcpy(pr + i, &pi, BYTES);                                                             \
    } while (0)

#define ADAM_VSTEP(VT, BYTES, VSQRT)                                                            \
    do {                                                                                        \
        VT d = {0}, pi = {0}, mi = {0}, vi = {0};                                               \
        memcpy(&d, gr + i, BYTES);                                                              \
        memcpy(&pi, pr + i, BYTES);                                                             \
        memcpy(&mi, mr + i, BYTES);                                                             \
        memcpy(&vi, vr + i, BYTES);                                                             \
        ADAM_RULE(d, pi, mi, vi, k, VSQRT);                                                     \
        memcpy(mr + i, &mi, BYTES);                                                             \
        memcpy(vr + i, &vi, BYTES);                                                             \
        memcpy(pr + i, &pi, BYTES);                                                             \
    } while (0)

#define DEFINE_VECTOR_RULES(SUFFIX, ATTR, VT, W, VSQRT)                                          \
    ATTR static void sgd_##SUFFIX(size_t rows, size_t cols, float *p, size_t ldp,               \
                                  const float *g, size_t ldg, float *buf,                       \
                                  const struct step_k *k)                                       \
    {                                                                                           \
        for (size_t r = 0; r < rows; r++) {                                                     \
            float *pr = p + r * ldp, *br = buf + r * ldp;                                       \
            const float *gr = g + r * ldg;                                                      \
            size_t i = 0;                                                                       \
            for (; i + W <= cols; i += W)                                                       \
                SGD_VSTEP(VT, sizeof(VT));                                                      \
            if (i < cols)                                                                       \
                SGD_VSTEP(VT, (cols - i) * sizeof(float));                                      \
        }                                                                                       \
    }                                                                                           \
    ATTR static void adam_##SUFFIX(size_t rows, size_t cols, float *p, size_t ldp,              \
                                   const float *g, size_t ldg, float *m, float *v,              \
                                   const struct step_k *k)                                      \
    {                                                                                           \
        for (size_t r = 0; r < rows; r++) {                                                     \
            float *pr = p + r * ldp, *mr = m + r * ldp, *vr = v + r * ldp;                      \
            const float *gr = g + r * ldg;                                                      \
            size_t i = 0;                                                                       \
            for (; i + W <= cols; i += W)                                                       \
                ADAM_VSTEP(VT, sizeof(VT), VSQRT);                                              \
            if (i < cols)                                                                       \
                ADAM_VSTEP(VT, (cols - i) * sizeof(float), VSQRT);                              \
        }                                                                                       \
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

typedef void (*sgd_fn)(size_t, size_t, float *, size_t, const float *, size_t, float *,
                       const struct step_k *);
typedef void (*adam_fn)(size_t, size_t, float *, size_t, const float *, size_t, float *, float *,
                        const struct step_k *);

/* The loops of the instruction set in use (nn_isa: it follows the matrix kernel, which is
 * chosen once, so every update takes the same path). */
static void pick_rules(sgd_fn *sgd, adam_fn *adam)
{
    *sgd = sgd_scalar;
    *adam = adam_scalar;
#if OPT_X86
    switch (nn_isa()) {
    case NN_ISA_AVX512:
        *sgd = sgd_avx512;
        *adam = adam_avx512;
        break;
    case NN_ISA_AVX2:
        *sgd = sgd_avx2;
        *adam = adam_avx2;
        break;
    case NN_ISA_BASE:
        *sgd = sgd_sse;
        *adam = adam_sse;
        break;
    }
#endif
}

void optim_apply(const struct optim *o, float *params, size_t offset, size_t rows, size_t cols,
                 size_t ldp, const float *g, size_t ldg)
{
    sgd_fn sgd;
    adam_fn adam;
    pick_rules(&sgd, &adam);
    const struct step_k *k = (const struct step_k *)o->k;
    if (o->s.kind == OPTIM_SGD)
        sgd(rows, cols, params + offset, ldp, g, ldg, o->state + offset, k);
    else
        adam(rows, cols, params + offset, ldp, g, ldg, o->state + offset,
             o->state + o->n + offset, k);
}

struct step_job {
    const struct optim *o;
    float *p;
    const float *g;
};

/* One thread's slice of a flat update (slices are 64-float aligned). */
static void step_worker(void *arg, int tid, int nthreads)
{
    struct step_job *j = arg;
    size_t n = j->o->n, chunks = (n + 63) / 64;
    size_t lo = chunks * (size_t)tid / (size_t)nthreads * 64;
    size_t hi = chunks * (size_t)(tid + 1) / (size_t)nthreads * 64;
    hi = hi > n ? n : hi;
    if (lo < hi)
        optim_apply(j->o, j->p, lo, 1, hi - lo, 0, j->g + lo, 0);
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

void optim_begin(struct optim *o, double lr)
{
    const struct optim_settings *s = &o->s;
    struct step_k *k = (struct step_k *)o->k;
    memset(k, 0, sizeof *k);
    o->t++;
    k->lr = (float)lr;
    k->wd = (float)s->weight_decay;
    if (s->kind == OPTIM_SGD) {
        k->momentum = s->momentum != 0.0;
        k->mu = (float)s->momentum;
        k->one_minus_damp = (float)(1.0 - s->dampening);
        k->sgd_first = o->t == 1;
        k->nesterov = s->nesterov;
        return;
    }
    double bc1 = 1.0 - pow(s->beta1, (double)o->t);
    double bc2 = 1.0 - pow(s->beta2, (double)o->t);
    k->b1 = (float)s->beta1;
    k->omb1 = (float)(1.0 - s->beta1);
    k->b2 = (float)s->beta2;
    k->omb2 = (float)(1.0 - s->beta2);
    k->step_size = (float)(lr / bc1);
    k->inv_bc2_sqrt = (float)(1.0 / sqrt(bc2));
    k->eps = (float)s->eps;
    k->decoupled = s->kind == OPTIM_ADAMW || s->decoupled;
    k->decay = (float)(1.0 - lr * s->weight_decay);
}

void optim_step(struct optim *o, float *params, const float *grads, double lr,
                struct nn_pool *pool)
{
    optim_begin(o, lr);
    struct step_job j = {o, params, grads};
    /* below ~64k parameters a second thread costs more than it saves */
    if (pool != NULL && o->n >= 65536)
        nn_pool_run(pool, step_worker, &j);
    else
        step_worker(&j, 0, 1);
}
