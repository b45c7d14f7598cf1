/* nn.c: the MLP of the built-in trainer: matrix kernels, a thread pool, layers, losses, model. */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define NN_X86 1
#include <immintrin.h>
#else
#define NN_X86 0
#endif

#ifdef HAVE_CBLAS
#include <cblas.h>
#endif

#include "lrfind/nn.h"
#include "lrfind/signals.h"

/* ==== micro-kernels ========================================================================
 * A micro-kernel computes one MR x NR tile of C = A . B over kc steps of k:
 *   c[r * ldc + j] (+)= sum_p A(r, p) * b[p * NR + j],   A(r, p) = a[r * rs + p * cs]
 * B is always packed (kc steps of NR values). A is read where it lies (rs = lda, cs = 1 for a
 * row-major A; rs = 1, cs = lda for a transposed one) when the product has few columns, so a
 * weight matrix that is used once per step is never copied, or packed (rs = 1, cs = MR) when
 * it is reused across many column panels. acc = 0 stores without reading C. */

typedef void (*ukr_fn)(size_t kc, const float *a, size_t rs, size_t cs, const float *restrict b,
                       float *restrict c, size_t ldc, int acc);

/* Cache blocking: KC steps of k per block (the B micro-panel, KC x NR, stays in L1), MC rows of
 * A per packed block (L2), NC columns of B per packed block (L2/L3). A is packed only when the
 * product has more than GEMM_PACK_A_N columns (measured: below that, packing costs more than
 * the strided reads). */
#define GEMM_KC 256
#define GEMM_MC 128
#define GEMM_NC 4096
#define GEMM_PACK_A_N 64
#define GEMM_MAX_MR 8
#define GEMM_MAX_NR 32

/* Portable kernel: 4 x 16, plain C that compilers turn into SSE/NEON. */
#define GEN_MR 4
#define GEN_NR 16
static void ukr_generic(size_t kc, const float *a, size_t rs, size_t cs, const float *restrict b,
                        float *restrict c, size_t ldc, int acc)
{
    float t[GEN_MR][GEN_NR];
    memset(t, 0, sizeof t);
    for (size_t p = 0; p < kc; p++) {
        for (int r = 0; r < GEN_MR; r++) {
            float ar = a[(size_t)r * rs + p * cs];
            for (int j = 0; j < GEN_NR; j++)
                t[r][j] += ar * b[j];
        }
        b += GEN_NR;
    }
    for (int r = 0; r < GEN_MR; r++)
        for (int j = 0; j < GEN_NR; j++)
            c[(size_t)r * ldc + j] = acc ? c[(size_t)r * ldc + j] + t[r][j] : t[r][j];
}

#if NN_X86
/* AVX2 + FMA kernel: 6 x 16 (12 ymm accumulators), the classic Haswell shape. */
#define AVX2_MR 6
#define AVX2_NR 16
__attribute__((target("avx2,fma"))) static void
ukr_avx2(size_t kc, const float *a, size_t rs, size_t cs, const float *restrict b,
         float *restrict c, size_t ldc, int acc)
{
    __m256 c0[AVX2_MR], c1[AVX2_MR];
    const float *ar[AVX2_MR];
#pragma GCC unroll 8
    for (int r = 0; r < AVX2_MR; r++) {
        c0[r] = _mm256_setzero_ps();
        c1[r] = _mm256_setzero_ps();
        ar[r] = a + (size_t)r * rs;
    }
    for (size_t p = 0, off = 0; p < kc; p++, off += cs) {
        __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 8
        for (int r = 0; r < AVX2_MR; r++) {
            __m256 x = _mm256_broadcast_ss(ar[r] + off);
            c0[r] = _mm256_fmadd_ps(x, b0, c0[r]);
            c1[r] = _mm256_fmadd_ps(x, b1, c1[r]);
        }
        b += AVX2_NR;
    }
#pragma GCC unroll 8
    for (int r = 0; r < AVX2_MR; r++) {
        float *cr = c + (size_t)r * ldc;
        if (acc) {
            c0[r] = _mm256_add_ps(_mm256_loadu_ps(cr), c0[r]);
            c1[r] = _mm256_add_ps(_mm256_loadu_ps(cr + 8), c1[r]);
        }
        _mm256_storeu_ps(cr, c0[r]);
        _mm256_storeu_ps(cr + 8, c1[r]);
    }
}

/* AVX-512 kernel: 8 x 32 (16 zmm accumulators); MR = 8 divides the usual layer widths. */
#define AVX512_MR 8
#define AVX512_NR 32
__attribute__((target("avx512f"))) static void
ukr_avx512(size_t kc, const float *a, size_t rs, size_t cs, const float *restrict b,
           float *restrict c, size_t ldc, int acc)
{
    __m512 c0[AVX512_MR], c1[AVX512_MR];
    const float *ar[AVX512_MR];
#pragma GCC unroll 8
    for (int r = 0; r < AVX512_MR; r++) {
        c0[r] = _mm512_setzero_ps();
        c1[r] = _mm512_setzero_ps();
        ar[r] = a + (size_t)r * rs;
    }
    for (size_t p = 0, off = 0; p < kc; p++, off += cs) {
        __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
#pragma GCC unroll 8
        for (int r = 0; r < AVX512_MR; r++) {
            __m512 x = _mm512_set1_ps(ar[r][off]);
            c0[r] = _mm512_fmadd_ps(x, b0, c0[r]);
            c1[r] = _mm512_fmadd_ps(x, b1, c1[r]);
        }
        b += AVX512_NR;
    }
#pragma GCC unroll 8
    for (int r = 0; r < AVX512_MR; r++) {
        float *cr = c + (size_t)r * ldc;
        if (acc) {
            c0[r] = _mm512_add_ps(_mm512_loadu_ps(cr), c0[r]);
            c1[r] = _mm512_add_ps(_mm512_loadu_ps(cr + 16), c1[r]);
        }
        _mm512_storeu_ps(cr, c0[r]);
        _mm512_storeu_ps(cr + 16, c1[r]);
    }
}

/* dst[q * lddst + r] = src[r * ldsrc + q] for an 8 x 8 block (the packing's transposes). */
__attribute__((target("avx2"))) static void tr8x8(float *dst, size_t lddst, const float *src,
                                                   size_t ldsrc)
{
    __m256 r0 = _mm256_loadu_ps(src + 0 * ldsrc), r1 = _mm256_loadu_ps(src + 1 * ldsrc);
    __m256 r2 = _mm256_loadu_ps(src + 2 * ldsrc), r3 = _mm256_loadu_ps(src + 3 * ldsrc);
    __m256 r4 = _mm256_loadu_ps(src + 4 * ldsrc), r5 = _mm256_loadu_ps(src + 5 * ldsrc);
    __m256 r6 = _mm256_loadu_ps(src + 6 * ldsrc), r7 = _mm256_loadu_ps(src + 7 * ldsrc);
    __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
    __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    _mm256_storeu_ps(dst + 0 * lddst, _mm256_permute2f128_ps(s0, s4, 0x20));
    _mm256_storeu_ps(dst + 1 * lddst, _mm256_permute2f128_ps(s1, s5, 0x20));
    _mm256_storeu_ps(dst + 2 * lddst, _mm256_permute2f128_ps(s2, s6, 0x20));
    _mm256_storeu_ps(dst + 3 * lddst, _mm256_permute2f128_ps(s3, s7, 0x20));
    _mm256_storeu_ps(dst + 4 * lddst, _mm256_permute2f128_ps(s0, s4, 0x31));
    _mm256_storeu_ps(dst + 5 * lddst, _mm256_permute2f128_ps(s1, s5, 0x31));
    _mm256_storeu_ps(dst + 6 * lddst, _mm256_permute2f128_ps(s2, s6, 0x31));
    _mm256_storeu_ps(dst + 7 * lddst, _mm256_permute2f128_ps(s3, s7, 0x31));
}
#endif

struct kernel {
    const char *name;
    int mr, nr;
    ukr_fn ukr;
    bool simd_transpose; /* tr8x8 is available (AVX2) */
};

static const struct kernel kernels[] = {
#if NN_X86
    {"avx512", AVX512_MR, AVX512_NR, ukr_avx512, true},
    {"avx2", AVX2_MR, AVX2_NR, ukr_avx2, true},
#endif
    {"generic", GEN_MR, GEN_NR, ukr_generic, false},
#ifdef HAVE_CBLAS
    {"cblas", 0, 0, NULL, false},
#endif
};

/* The kernel in use: set once by kernel_get (or nn_kernel_select), then only read. */
static _Atomic(const struct kernel *) kernel_cur;

/* Whether this CPU can run the named kernel. */
static bool kernel_supported(const struct kernel *k)
{
#if NN_X86
    if (strcmp(k->name, "avx512") == 0) {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f");
    }
    if (strcmp(k->name, "avx2") == 0) {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
#endif
    (void)k;
    return true;
}

/* The kernel in use, chosen on first use: $LRFIND_KERNEL when it names one this CPU runs, else
 * our widest SIMD kernel, else cblas when built with it, else the portable one. (Measured on the
 * MLP shapes of bench/trainer.sh: our AVX-512 kernel beat OpenBLAS 0.3.21's cblas_sgemm by 2 to
 * 25% per training step, so cblas is the default only where we have no SIMD kernel.) */
static const struct kernel *kernel_get(void)
{
    const struct kernel *k = atomic_load_explicit(&kernel_cur, memory_order_acquire);
    if (k != NULL)
        return k;
    const char *want = getenv("LRFIND_KERNEL");
    for (size_t i = 0; i < sizeof kernels / sizeof kernels[0] && k == NULL && want != NULL; i++)
        if (strcmp(kernels[i].name, want) == 0 && kernel_supported(&kernels[i]))
            k = &kernels[i];
    for (size_t i = 0; i < sizeof kernels / sizeof kernels[0] && k == NULL; i++)
        if (kernels[i].simd_transpose && kernel_supported(&kernels[i]))
            k = &kernels[i];
    for (size_t i = 0; i < sizeof kernels / sizeof kernels[0] && k == NULL; i++)
        if (kernels[i].ukr == NULL)
            k = &kernels[i]; /* cblas */
    for (size_t i = 0; i < sizeof kernels / sizeof kernels[0] && k == NULL; i++)
        if (strcmp(kernels[i].name, "generic") == 0)
            k = &kernels[i];
    atomic_store_explicit(&kernel_cur, k, memory_order_release);
    return k;
}

const char *nn_kernel_name(void)
{
    return kernel_get()->name;
}

enum nn_isa nn_isa(void)
{
    const char *name = kernel_get()->name;
#if NN_X86
    if (strcmp(name, "avx512") == 0)
        return NN_ISA_AVX512;
    if (strcmp(name, "avx2") == 0)
        return NN_ISA_AVX2;
    if (strcmp(name, "cblas") == 0) {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f"))
            return NN_ISA_AVX512;
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
            return NN_ISA_AVX2;
    }
#endif
    (void)name;
    return NN_ISA_BASE;
}

int nn_kernel_select(const char *name)
{
    for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++)
        if (strcmp(kernels[i].name, name) == 0) {
            if (!kernel_supported(&kernels[i]))
                return -1;
            atomic_store_explicit(&kernel_cur, &kernels[i], memory_order_release);
            return 0;
        }
    return -1;
}

/* ==== thread pool ==========================================================================
 * Workers spin briefly on a generation counter (a step launches a dozen short jobs, and waking
 * a sleeping thread costs tens of microseconds), then sleep on a condition variable; the caller
 * waits for them the same way. The spins are short so that a loaded machine (more runnable
 * threads than cores) degrades to sleeping instead of spinners starving the thread they wait
 * for. */

#define POOL_SPIN 4000 /* pause instructions, a few tens of microseconds */

struct pool_ws {
    float *pa; /* [GEMM_MC + MAX_MR, GEMM_KC] packed A block */
    float *pb; /* [GEMM_KC, GEMM_NC + MAX_NR] packed B block */
};

struct nn_pool;
struct pool_arg {
    struct nn_pool *p;
    int tid;
};

struct nn_pool {
    int n;
    struct pool_arg args[NN_MAX_THREADS];
    pthread_t th[NN_MAX_THREADS];
    struct pool_ws ws[NN_MAX_THREADS];
    pthread_mutex_t mu;
    pthread_cond_t cv;      /* a new generation */
    pthread_cond_t done_cv; /* pending reached 0 */
    int sleepers;   /* under mu */
    bool quit;      /* written before a generation bump */
    atomic_uint gen;
    atomic_int pending;
    void (*fn)(void *arg, int tid, int nthreads);
    void *arg;
};

static inline void cpu_relax(void)
{
#if NN_X86
    _mm_pause();
#endif
}

/* One worker: wait for a new generation, run the job, report done. */
static void *pool_worker(void *arg)
{
    struct nn_pool *p = ((struct pool_arg *)arg)->p;
    int tid = ((struct pool_arg *)arg)->tid;
    unsigned seen = 0;
    for (;;) {
        unsigned g;
        long spins = 0;
        while ((g = atomic_load_explicit(&p->gen, memory_order_acquire)) == seen) {
            if (++spins < POOL_SPIN) {
                cpu_relax();
                continue;
            }
            pthread_mutex_lock(&p->mu);
            p->sleepers++;
            while (atomic_load_explicit(&p->gen, memory_order_acquire) == seen)
                pthread_cond_wait(&p->cv, &p->mu);
            p->sleepers--;
            pthread_mutex_unlock(&p->mu);
            spins = 0;
        }
        seen = g;
        if (p->quit)
            break;
        p->fn(p->arg, tid, p->n);
        if (atomic_fetch_sub_explicit(&p->pending, 1, memory_order_acq_rel) == 1) {
            /* the last one out wakes the caller, should it have gone to sleep */
            pthread_mutex_lock(&p->mu);
            pthread_cond_broadcast(&p->done_cv);
            pthread_mutex_unlock(&p->mu);
        }
    }
    return NULL;
}

/* Start a new generation (fn, arg already set) and wake sleeping workers. */
static void pool_kick(struct nn_pool *p)
{
    atomic_store_explicit(&p->pending, p->n - 1, memory_order_relaxed);
    pthread_mutex_lock(&p->mu);
    atomic_fetch_add_explicit(&p->gen, 1, memory_order_acq_rel);
    if (p->sleepers > 0)
        pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

struct nn_pool *nn_pool_create(int threads, struct lrf_error *err)
{
    if (threads < 1)
        threads = 1;
    if (threads > NN_MAX_THREADS)
        threads = NN_MAX_THREADS;
    struct nn_pool *p = calloc(1, sizeof *p);
    if (p == NULL) {
        lrf_error_set(err, NULL, 0, 0, "out of memory");
        return NULL;
    }
    p->n = 1;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    pthread_cond_init(&p->done_cv, NULL);
    for (int t = 0; t < threads; t++) {
        p->ws[t].pa = aligned_alloc(64, sizeof(float) * (GEMM_MC + GEMM_MAX_MR) * GEMM_KC);
        p->ws[t].pb = aligned_alloc(64, sizeof(float) * GEMM_KC * (GEMM_NC + GEMM_MAX_NR));
        if (p->ws[t].pa == NULL || p->ws[t].pb == NULL) {
            lrf_error_set(err, NULL, 0, 0, "out of memory for the matrix buffers");
            nn_pool_destroy(p);
            return NULL;
        }
    }
    /* The new threads inherit a mask that keeps the UI's signals away from them. */
    sigset_t old;
    signals_block_ui(&old);
    for (int t = 1; t < threads; t++) {
        p->args[t].p = p;
        p->args[t].tid = t;
        int rc = pthread_create(&p->th[t], NULL, pool_worker, &p->args[t]);
        if (rc != 0) {
            pthread_sigmask(SIG_SETMASK, &old, NULL);
            lrf_error_set(err, NULL, 0, 0, "cannot start a trainer thread: %s", strerror(rc));
            nn_pool_destroy(p);
            return NULL;
        }
        p->n = t + 1;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    p->n = threads;
    return p;
}

void nn_pool_destroy(struct nn_pool *p)
{
    if (p == NULL)
        return;
    if (p->n > 1) {
        p->quit = true;
        p->fn = NULL;
        pool_kick(p);
        for (int t = 1; t < p->n; t++)
            pthread_join(p->th[t], NULL);
    }
    for (int t = 0; t < NN_MAX_THREADS; t++) {
        free(p->ws[t].pa);
        free(p->ws[t].pb);
    }
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    pthread_cond_destroy(&p->done_cv);
    free(p);
}

int nn_pool_threads(const struct nn_pool *p)
{
    return p ? p->n : 1;
}

void nn_pool_run(struct nn_pool *p, void (*fn)(void *arg, int tid, int nthreads), void *arg)
{
    if (p == NULL || p->n == 1) {
        fn(arg, 0, 1);
        return;
    }
    p->fn = fn;
    p->arg = arg;
    pool_kick(p);
    fn(arg, 0, p->n);
    for (int spins = 0; atomic_load_explicit(&p->pending, memory_order_acquire) > 0;) {
        if (++spins < POOL_SPIN) {
            cpu_relax();
            continue;
        }
        pthread_mutex_lock(&p->mu);
        while (atomic_load_explicit(&p->pending, memory_order_acquire) > 0)
            pthread_cond_wait(&p->done_cv, &p->mu);
        pthread_mutex_unlock(&p->mu);
    }
}

/* ==== packing and the blocked product ====================================================== */

/* Copy n floats (n = 8, 16 or 32 inline, as fixed-size vector moves; else a loop). */
static inline void copy_floats(float *restrict d, const float *restrict s, size_t n)
{
    if (n == 32)
        memcpy(d, s, 32 * sizeof *d);
    else if (n == 16)
        memcpy(d, s, 16 * sizeof *d);
    else if (n == 8)
        memcpy(d, s, 8 * sizeof *d);
    else
        for (size_t i = 0; i < n; i++)
            d[i] = s[i];
}

/* Panels of w values from a row-major matrix m whose rows p0 .. p0+kc hold the panels' steps
 * (A^T for pack_a, B for pack_b): values x0 .. x0+cnt of each row go to ceil(cnt/w) panels of
 * kc steps, the last padded with zeros. Each row feeds every panel: read once, front to back. */
static void pack_by_rows(float *restrict dst, const float *m, size_t ld, size_t p0, size_t kc,
                         size_t x0, size_t cnt, size_t w)
{
    size_t full = cnt / w * w;
    for (size_t p = 0; p < kc; p++) {
        const float *src = m + (p0 + p) * ld + x0;
        for (size_t x = 0; x < full; x += w)
            copy_floats(dst + x * kc + p * w, src + x, w);
        if (full < cnt) {
            float *d = dst + full * kc + p * w;
            size_t c = 0;
            for (; c < cnt - full; c++)
                d[c] = src[full + c];
            for (; c < w; c++)
                d[c] = 0.0f;
        }
    }
}

/* Pack op(A)[i0 .. i0+mc, p0 .. p0+kc] into MR-row panels: panel q holds kc steps of MR values,
 * rows past mc are zero. */
static void pack_a(const struct kernel *K, float *restrict dst, const float *a, size_t lda,
                   bool ta, size_t i0, size_t mc, size_t p0, size_t kc)
{
    const size_t MR = (size_t)K->mr;
    if (ta) {
        pack_by_rows(dst, a, lda, p0, kc, i0, mc, MR);
        return;
    }
    for (size_t i = 0; i < mc; i += MR, dst += kc * MR) {
        size_t mr = mc - i < MR ? mc - i : MR;
        size_t p = 0;
#if NN_X86
        if (K->simd_transpose && MR == 8 && mr == 8)
            for (; p + 8 <= kc; p += 8)
                tr8x8(dst + p * MR, MR, a + (i0 + i) * lda + p0 + p, lda);
#endif
        for (size_t r = 0; r < mr; r++) {
            const float *src = a + (i0 + i + r) * lda + p0;
            for (size_t q = p; q < kc; q++)
                dst[q * MR + r] = src[q];
        }
        for (size_t r = mr; r < MR; r++)
            for (size_t q = 0; q < kc; q++)
                dst[q * MR + r] = 0.0f;
    }
}

/* Pack op(B)[p0 .. p0+kc, j0 .. j0+nc] into NR-column panels: panel q holds kc steps of NR
 * values, columns past nc are zero. */
static void pack_b(const struct kernel *K, float *restrict dst, const float *b, size_t ldb,
                   bool tb, size_t p0, size_t kc, size_t j0, size_t nc)
{
    const size_t NR = (size_t)K->nr;
    if (!tb) {
        pack_by_rows(dst, b, ldb, p0, kc, j0, nc, NR);
        return;
    }
    for (size_t j = 0; j < nc; j += NR, dst += kc * NR) {
        size_t nr = nc - j < NR ? nc - j : NR;
        size_t c = 0;
#if NN_X86
        if (K->simd_transpose && kc % 8 == 0)
            for (; c + 8 <= nr; c += 8)
                for (size_t p = 0; p < kc; p += 8)
                    tr8x8(dst + p * NR + c, NR, b + (j0 + j + c) * ldb + p0 + p, ldb);
#endif
        for (; c < nr; c++) {
            const float *src = b + (j0 + j + c) * ldb + p0;
            for (size_t p = 0; p < kc; p++)
                dst[p * NR + c] = src[p];
        }
        for (; c < NR; c++)
            for (size_t p = 0; p < kc; p++)
                dst[p * NR + c] = 0.0f;
    }
}

struct gemm_job {
    bool ta, tb, acc;
    size_t m, n, k;
    const float *a, *b;
    size_t lda, ldb, ldc;
    float *c;
    bool split_n; /* threads share out columns (else rows) */
    size_t step;  /* the split is aligned to this many columns/rows */
    struct nn_pool *pool;
};

/* C[i0 .. i1, j0 .. j1] of a product, on one thread with its own pack buffers (Goto/BLIS loop
 * order: jc, pc (pack B), ic (pack A if it pays), jr, ir, micro-kernel). */
static void gemm_block(const struct gemm_job *g, const struct pool_ws *ws, size_t i0, size_t i1,
                       size_t j0, size_t j1)
{
    const struct kernel *K = kernel_get();
#ifdef HAVE_CBLAS
    if (K->ukr == NULL) {
        const float *a = g->ta ? g->a + i0 : g->a + i0 * g->lda;
        const float *b = g->tb ? g->b + j0 * g->ldb : g->b + j0;
        cblas_sgemm(CblasRowMajor, g->ta ? CblasTrans : CblasNoTrans,
                    g->tb ? CblasTrans : CblasNoTrans, (int)(i1 - i0), (int)(j1 - j0), (int)g->k,
                    1.0f, a, (int)g->lda, b, (int)g->ldb, g->acc ? 1.0f : 0.0f,
                    g->c + i0 * g->ldc + j0, (int)g->ldc);
        return;
    }
#endif
    const size_t MR = (size_t)K->mr, NR = (size_t)K->nr;
    const bool pack = g->n > GEMM_PACK_A_N;
    const size_t rs = g->ta ? 1 : g->lda, cs = g->ta ? g->lda : 1;
    float tile[GEMM_MAX_MR * GEMM_MAX_NR] __attribute__((aligned(64)));
    for (size_t jc = j0; jc < j1; jc += GEMM_NC) {
        size_t nc = j1 - jc < GEMM_NC ? j1 - jc : GEMM_NC;
        for (size_t pc = 0; pc < g->k; pc += GEMM_KC) {
            size_t kc = g->k - pc < GEMM_KC ? g->k - pc : GEMM_KC;
            int acc = g->acc || pc > 0;
            pack_b(K, ws->pb, g->b, g->ldb, g->tb, pc, kc, jc, nc);
            for (size_t ic = i0; ic < i1; ic += GEMM_MC) {
                size_t mc = i1 - ic < GEMM_MC ? i1 - ic : GEMM_MC;
                if (pack)
                    pack_a(K, ws->pa, g->a, g->lda, g->ta, ic, mc, pc, kc);
                /* column panel by column panel: the B micro-panel stays in L1 */
                for (size_t jr = 0; jr < nc; jr += NR) {
                    size_t nr = nc - jr < NR ? nc - jr : NR;
                    const float *bp = ws->pb + jr * kc;
                    for (size_t ir = 0; ir < mc; ir += MR) {
                        size_t mr = mc - ir < MR ? mc - ir : MR, i = ic + ir;
                        const float *ap;
                        size_t ars, acs;
                        if (pack) {
                            ap = ws->pa + ir * kc;
                            ars = 1;
                            acs = MR;
                        } else if (mr < MR) {
                            /* the last, partial row panel: packed with zero rows */
                            pack_a(K, ws->pa, g->a, g->lda, g->ta, i, mr, pc, kc);
                            ap = ws->pa;
                            ars = 1;
                            acs = MR;
                        } else {
                            ap = g->ta ? g->a + pc * g->lda + i : g->a + i * g->lda + pc;
                            ars = rs;
                            acs = cs;
                        }
                        float *c = g->c + i * g->ldc + jc + jr;
                        if (mr == MR && nr == NR) {
                            K->ukr(kc, ap, ars, acs, bp, c, g->ldc, acc);
                            continue;
                        }
                        K->ukr(kc, ap, ars, acs, bp, tile, NR, 0);
                        for (size_t r = 0; r < mr; r++)
                            for (size_t q = 0; q < nr; q++)
                                c[r * g->ldc + q] =
                                    acc ? c[r * g->ldc + q] + tile[r * NR + q] : tile[r * NR + q];
                    }
                }
            }
        }
    }
}

/* One thread's share of a product. */
static void gemm_worker(void *arg, int tid, int nthreads)
{
    const struct gemm_job *g = arg;
    size_t total = g->split_n ? g->n : g->m;
    size_t units = (total + g->step - 1) / g->step;
    size_t lo = units * (size_t)tid / (size_t)nthreads * g->step;
    size_t hi = units * (size_t)(tid + 1) / (size_t)nthreads * g->step;
    if (hi > total)
        hi = total;
    if (lo >= hi)
        return;
    const struct pool_ws *ws = &g->pool->ws[tid];
    if (g->split_n)
        gemm_block(g, ws, 0, g->m, lo, hi);
    else
        gemm_block(g, ws, lo, hi, 0, g->n);
}

/* Below this many flops a product runs on one thread (handing it out costs a few microseconds). */
#define GEMM_SPLIT_FLOPS (1u << 19)

/* C (+)= op(A) . op(B), split over the pool's threads when it is big enough. */
static void gemm_run(struct gemm_job *g)
{
    const struct kernel *K = kernel_get();
    size_t m = g->m, n = g->n, k = g->k;
    if (m == 0 || n == 0)
        return;
    if (k == 0) {
        if (!g->acc)
            for (size_t i = 0; i < m; i++)
                memset(g->c + i * g->ldc, 0, n * sizeof *g->c);
        return;
    }
    size_t MR = K->mr ? (size_t)K->mr : 8, NR = K->nr ? (size_t)K->nr : 32;
    int threads = nn_pool_threads(g->pool);
    double flops = 2.0 * (double)m * (double)n * (double)k;
    g->split_n = true;
    g->step = NR;
    if (threads > 1 && flops >= (double)GEMM_SPLIT_FLOPS) {
        /* split the longer side: each thread packs its share of one operand and all of the other */
        bool rows = m >= 2 * MR && (m >= n || n < 2 * NR);
        if (rows || n >= 2 * NR) {
            g->split_n = !rows;
            g->step = rows ? MR : NR;
            nn_pool_run(g->pool, gemm_worker, g);
            return;
        }
    }
    gemm_block(g, &g->pool->ws[0], 0, m, 0, n);
}

void nn_sgemm(struct nn_pool *pool, bool trans_a, bool trans_b, size_t m, size_t n, size_t k,
              const float *a, size_t lda, const float *b, size_t ldb, bool accumulate, float *c,
              size_t ldc)
{
    struct gemm_job g = {trans_a, trans_b, accumulate, m, n, k, a, b, lda, ldb, ldc, c,
                         true, 0, pool};
    gemm_run(&g);
}

/* ==== elementwise loops ====================================================================
 * ReLU-type activations and the bias loops, written once over a vector type (GCC vector
 * extensions, branch-free selects) and compiled for AVX-512, AVX2 and the baseline, so that
 * they neither branch on the sign of each value nor wait for -O3's vectoriser. NaN passes
 * through as in PyTorch: relu(NaN) = NaN. */

struct ew_ops {
    void (*relu_fwd)(float *out, const float *inp, size_t n);
    void (*relu_bwd)(float *dinp, const float *dout, const float *pre, size_t n);
    void (*leaky_fwd)(float *out, const float *inp, size_t n);
    void (*leaky_bwd)(float *dinp, const float *dout, const float *pre, size_t n);
    void (*add_scalar)(float *x, float v, size_t n); /* x[n] += v */
    float (*row_sum)(const float *x, size_t n);       /* sum of x[n] */
};

/* Scalar reference versions (and the tails of the vector loops). */
static void relu_fwd_1(float *out, const float *inp, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = inp[i] < 0.0f ? 0.0f : inp[i];
}
static void relu_bwd_1(float *dinp, const float *dout, const float *pre, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dinp[i] = pre[i] > 0.0f ? dout[i] : 0.0f;
}
static void leaky_fwd_1(float *out, const float *inp, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = inp[i] < 0.0f ? NN_LEAKY_SLOPE * inp[i] : inp[i];
}
static void leaky_bwd_1(float *dinp, const float *dout, const float *pre, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dinp[i] = pre[i] > 0.0f ? dout[i] : NN_LEAKY_SLOPE * dout[i];
}
static void add_scalar_1(float *x, float v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] += v;
}
static float row_sum_1(const float *x, size_t n)
{
    float s = 0.0f;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    return s;
}

/* The vector versions over VT (W floats) with IT the matching integer vector. */
#define DEFINE_EW(SUFFIX, ATTR, VT, IT, W)                                                      \
    ATTR static void relu_fwd_##SUFFIX(float *out, const float *inp, size_t n)                \
    {                                                                                           \
        size_t i = 0;                                                                           \
        for (; i + W <= n; i += W) {                                                            \
            VT x;                                                                               \
            memcpy(&x, inp + i, sizeof x);                                                      \
            IT r = (IT)x & ~(IT)(x < (VT){0});                                                  \
            memcpy(out + i, &r, sizeof r);                                                      \
        }                                                                                       \
        relu_fwd_1(out + i, inp + i, n - i);                                                    \
    }                                                                                           \
    ATTR static void relu_bwd_##SUFFIX(float *dinp, const float *dout, const float *pre,       \
                                       size_t n)                                                \
    {                                                                                           \
        size_t i = 0;                                                                           \
        for (; i + W <= n; i += W) {                                                            \
            VT d, p;                                                                            \
            memcpy(&d, dout + i, sizeof d);                                                     \
            memcpy(&p, pre + i, sizeof p);                                                      \
            IT r = (IT)d & (IT)(p > (VT){0});                                                   \
            memcpy(dinp + i, &r, sizeof r);                                                     \
        }                                                                                       \
        relu_bwd_1(dinp + i, dout + i, pre + i, n - i);                                         \
    }                                                                                           \
    ATTR static void leaky_fwd_##SUFFIX(float *out, const float *inp, size_t n)               \
    {                                                                                           \
        size_t i = 0;                                                                           \
        for (; i + W <= n; i += W) {                                                            \
            VT x;                                                                               \
            memcpy(&x, inp + i, sizeof x);                                                      \
            VT s = x * NN_LEAKY_SLOPE;                                                          \
            IT m = (IT)(x < (VT){0});                                                           \
            IT r = (m & (IT)s) | (~m & (IT)x);                                                  \
            memcpy(out + i, &r, sizeof r);                                                      \
        }                                                                                       \
        leaky_fwd_1(out + i, inp + i, n - i);                                                   \
    }                                                                                           \
    ATTR static void leaky_bwd_##SUFFIX(float *dinp, const float *dout, const float *pre,      \
                                        size_t n)                                               \
    {                                                                                           \
        size_t i = 0;                                                                           \
        for (; i + W <= n; i += W) {                                                            \
            VT d, p;                                                                            \
            memcpy(&d, dout + i, sizeof d);                                                     \
            memcpy(&p, pre + i, sizeof p);                                                      \
            VT s = d * NN_LEAKY_SLOPE;                                                          \
            IT m = (IT)(p > (VT){0});                                                           \
            IT r = (m & (IT)d) | (~m & (IT)s);                                                  \
            memcpy(dinp + i, &r, sizeof r);                                                     \
        }                                                                                       \
        leaky_bwd_1(dinp + i, dout + i, pre + i, n - i);                                        \
    }                                                                                           \
    ATTR static void add_scalar_##SUFFIX(float *x, float v, size_t n)                        \
    {                                                                                           \
        size_t i = 0;                                                                           \
        for (; i + W <= n; i += W) {                                                            \
            VT y;                                                                               \
            memcpy(&y, x + i, sizeof y);                                                        \
            y = y + v;                                                                          \
            memcpy(x + i, &y, sizeof y);                                                        \
        }                                                                                       \
        add_scalar_1(x + i, v, n - i);                                                          \
    }                                                                                           \
    ATTR static float row_sum_##SUFFIX(const float *x, size_t n)                               \
    {                                                                                           \
        VT acc = {0};                                                                           \
        size_t i = 0;                                                                           \
        for (; i + W <= n; i += W) {                                                            \
            VT y;                                                                               \
            memcpy(&y, x + i, sizeof y);                                                        \
            acc = acc + y;                                                                      \
        }                                                                                       \
        float s = 0.0f;                                                                         \
        for (int l = 0; l < W; l++)                                                             \
            s += acc[l];                                                                        \
        return s + row_sum_1(x + i, n - i);                                                     \
    }

typedef float ew_v16f __attribute__((vector_size(64)));
typedef int32_t ew_v16i __attribute__((vector_size(64)));
typedef float ew_v8f __attribute__((vector_size(32)));
typedef int32_t ew_v8i __attribute__((vector_size(32)));
typedef float ew_v4f __attribute__((vector_size(16)));
typedef int32_t ew_v4i __attribute__((vector_size(16)));
#if NN_X86
DEFINE_EW(avx512, __attribute__((target("avx512f"))), ew_v16f, ew_v16i, 16)
DEFINE_EW(avx2, __attribute__((target("avx2"))), ew_v8f, ew_v8i, 8)
#endif
DEFINE_EW(v4, , ew_v4f, ew_v4i, 4)

/* The elementwise loops of the instruction set in use (nn_isa). */
static const struct ew_ops *ew_get(void)
{
    static const struct ew_ops v4 = {relu_fwd_v4, relu_bwd_v4, leaky_fwd_v4, leaky_bwd_v4,
                                     add_scalar_v4, row_sum_v4};
#if NN_X86
    static const struct ew_ops avx512 = {relu_fwd_avx512,  relu_bwd_avx512,   leaky_fwd_avx512,
                                         leaky_bwd_avx512, add_scalar_avx512, row_sum_avx512};
    static const struct ew_ops avx2 = {relu_fwd_avx2,  relu_bwd_avx2,   leaky_fwd_avx2,
                                       leaky_bwd_avx2, add_scalar_avx2, row_sum_avx2};
    switch (nn_isa()) {
    case NN_ISA_AVX512:
        return &avx512;
    case NN_ISA_AVX2:
        return &avx2;
    case NN_ISA_BASE:
        break;
    }
#endif
    return &v4;
}

/* ==== layers ================================================================================ */

void dense_forward(float *out, const float *inp, const float *w, const float *b, size_t B,
                   size_t in, size_t out_dim, struct nn_pool *pool)
{
    /* out[out_dim, B] = w[out_dim, in] . inp[in, B] */
    nn_sgemm(pool, false, false, out_dim, B, in, w, in, inp, B, false, out, B);
    if (b == NULL)
        return;
    const struct ew_ops *ew = ew_get();
    for (size_t o = 0; o < out_dim; o++)
        ew->add_scalar(out + o * B, b[o], B);
}

void dense_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                    const float *w, size_t B, size_t in, size_t out_dim, bool accumulate,
                    struct nn_pool *pool)
{
    /* dinp[in, B] = w^T[in, out_dim] . dout[out_dim, B] */
    if (dinp != NULL)
        nn_sgemm(pool, true, false, in, B, out_dim, w, in, dout, B, false, dinp, B);
    /* dw[out_dim, in] (+)= dout[out_dim, B] . inp^T[B, in] */
    nn_sgemm(pool, false, true, out_dim, in, B, dout, B, inp, B, accumulate, dw, in);
    /* db[out_dim] (+)= the row sums of dout */
    if (db == NULL)
        return;
    const struct ew_ops *ew = ew_get();
    for (size_t o = 0; o < out_dim; o++) {
        float sum = ew->row_sum(dout + o * B, B);
        db[o] = accumulate ? db[o] + sum : sum;
    }
}

/* GELU, exact (erf) form, as torch.nn.GELU() by default. */
static inline float gelu(float x)
{
    return 0.5f * x * (1.0f + erff(x * (float)M_SQRT1_2));
}

static inline float gelu_grad(float x)
{
    float cdf = 0.5f * (1.0f + erff(x * (float)M_SQRT1_2));
    float pdf = expf(-0.5f * x * x) * (float)(0.5 * M_2_SQRTPI * M_SQRT1_2); /* 1/sqrt(2 pi) */
    return cdf + x * pdf;
}

void act_forward(float *out, const float *inp, size_t n, enum nn_act act)
{
    switch (act) {
    case NN_RELU:
        ew_get()->relu_fwd(out, inp, n);
        break;
    case NN_LEAKY_RELU:
        ew_get()->leaky_fwd(out, inp, n);
        break;
    case NN_TANH:
        for (size_t i = 0; i < n; i++)
            out[i] = tanhf(inp[i]);
        break;
    case NN_SIGMOID:
        for (size_t i = 0; i < n; i++)
            out[i] = 1.0f / (1.0f + expf(-inp[i]));
        break;
    case NN_GELU:
        for (size_t i = 0; i < n; i++)
            out[i] = gelu(inp[i]);
        break;
    }
}

void act_backward(float *dinp, const float *dout, const float *pre, const float *post, size_t n,
                  enum nn_act act)
{
    switch (act) {
    case NN_RELU:
        ew_get()->relu_bwd(dinp, dout, pre, n);
        break;
    case NN_LEAKY_RELU:
        ew_get()->leaky_bwd(dinp, dout, pre, n);
        break;
    case NN_TANH:
        for (size_t i = 0; i < n; i++)
            dinp[i] = (1.0f - post[i] * post[i]) * dout[i];
        break;
    case NN_SIGMOID:
        for (size_t i = 0; i < n; i++)
            dinp[i] = post[i] * (1.0f - post[i]) * dout[i];
        break;
    case NN_GELU:
        for (size_t i = 0; i < n; i++)
            dinp[i] = gelu_grad(pre[i]) * dout[i];
        break;
    }
}

double softmax_xent(float *dlogits, const float *logits, const int32_t *labels, size_t B, size_t C,
                    float scale)
{
    double total = 0.0;
    for (size_t i = 0; i < B; i++) {
        /* sample i is column i: z_j = logits[j * B + i] */
        float mx = logits[i];
        for (size_t j = 1; j < C; j++)
            mx = logits[j * B + i] > mx ? logits[j * B + i] : mx;
        for (size_t j = 0; j < C; j++) /* a NaN anywhere in the column: a NaN loss */
            if (isnan(logits[j * B + i]))
                mx = logits[j * B + i];
        double sum = 0.0;
        for (size_t j = 0; j < C; j++)
            sum += exp((double)logits[j * B + i] - (double)mx);
        size_t y = (size_t)labels[i];
        total -= (double)logits[y * B + i] - (double)mx - log(sum);
        if (dlogits != NULL)
            for (size_t j = 0; j < C; j++) {
                double p = exp((double)logits[j * B + i] - (double)mx) / sum;
                dlogits[j * B + i] = (float)((p - (j == y ? 1.0 : 0.0)) / (double)B) * scale;
            }
    }
    return B ? total / (double)B : 0.0;
}

double mse_loss(float *dpred, const float *pred, const float *target, size_t B, size_t D,
                float scale)
{
    double total = 0.0;
    size_t n = B * D;
    for (size_t i = 0; i < n; i++) {
        double e = (double)pred[i] - (double)target[i];
        total += e * e;
        if (dpred != NULL)
            dpred[i] = (float)(2.0 * e / (double)n) * scale;
    }
    return n ? total / (double)n : 0.0;
}

/* ==== the model ============================================================================= */

int nn_model_init(struct nn_model *m, const size_t *dims, int n_layers, enum nn_act act,
                  enum nn_loss loss, size_t max_batch, int threads, struct lrf_error *err)
{
    memset(m, 0, sizeof *m);
    if (n_layers < 1 || n_layers > NN_MAX_LAYERS)
        return lrf_error_set(err, NULL, 0, 0, "an MLP needs 1 to %d layers, not %d", NN_MAX_LAYERS,
                             n_layers);
    if (max_batch == 0)
        return lrf_error_set(err, NULL, 0, 0, "the batch size must be at least 1");
    m->n_layers = n_layers;
    m->act = act;
    m->loss = loss;
    m->max_batch = max_batch;
    size_t maxdim = 0, nacts = 0;
    for (int l = 0; l <= n_layers; l++) {
        if (dims[l] == 0)
            return lrf_error_set(err, NULL, 0, 0, "layer %d has no units", l);
        m->dims[l] = dims[l];
        maxdim = dims[l] > maxdim ? dims[l] : maxdim;
    }
    for (int l = 0; l < n_layers; l++) {
        m->n_params += dims[l + 1] * dims[l] + dims[l + 1];
        nacts += 2 * dims[l + 1] * max_batch;
    }
    nacts += 2 * maxdim * max_batch;
    m->params = aligned_alloc(64, (m->n_params * sizeof(float) + 63) / 64 * 64);
    m->grads = aligned_alloc(64, (m->n_params * sizeof(float) + 63) / 64 * 64);
    m->acts = aligned_alloc(64, (nacts * sizeof(float) + 63) / 64 * 64);
    if (m->params == NULL || m->grads == NULL || m->acts == NULL) {
        nn_model_free(m);
        return lrf_error_set(err, NULL, 0, 0, "out of memory for a model of %zu parameters",
                             m->n_params);
    }
    memset(m->params, 0, m->n_params * sizeof(float));
    memset(m->grads, 0, m->n_params * sizeof(float));
    memset(m->acts, 0, nacts * sizeof(float));
    float *p = m->params, *g = m->grads, *a = m->acts;
    for (int l = 0; l < n_layers; l++) {
        size_t wn = dims[l + 1] * dims[l];
        m->w[l] = p;
        m->dw[l] = g;
        p += wn;
        g += wn;
        m->b[l] = p;
        m->db[l] = g;
        p += dims[l + 1];
        g += dims[l + 1];
        m->pre[l] = a;
        a += dims[l + 1] * max_batch;
        m->post[l] = a;
        a += dims[l + 1] * max_batch;
    }
    m->dbuf[0] = a;
    m->dbuf[1] = a + maxdim * max_batch;
    m->pool = nn_pool_create(threads, err);
    if (m->pool == NULL) {
        nn_model_free(m);
        return -1;
    }
    return 0;
}

void nn_model_free(struct nn_model *m)
{
    free(m->params);
    free(m->grads);
    free(m->acts);
    nn_pool_destroy(m->pool);
    m->params = m->grads = m->acts = NULL;
    m->pool = NULL;
}

void nn_init_params(struct nn_model *m, struct lrf_rng *r)
{
    for (int l = 0; l < m->n_layers; l++) {
        size_t fan_in = m->dims[l], fan_out = m->dims[l + 1], n = fan_in * fan_out;
        bool last = l == m->n_layers - 1;
        float *w = m->w[l];
        if (!last && (m->act == NN_RELU || m->act == NN_LEAKY_RELU || m->act == NN_GELU)) {
            /* Kaiming normal, fan_in mode: std = gain / sqrt(fan_in) */
            double gain = m->act == NN_LEAKY_RELU
                              ? sqrt(2.0 / (1.0 + (double)NN_LEAKY_SLOPE * (double)NN_LEAKY_SLOPE))
                              : sqrt(2.0);
            double std = gain / sqrt((double)fan_in);
            for (size_t i = 0; i < n; i++)
                w[i] = (float)(std * rng_normal(r));
        } else {
            /* Xavier uniform: U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)) */
            double gain = (!last && m->act == NN_TANH) ? 5.0 / 3.0 : 1.0;
            double lim = gain * sqrt(6.0 / (double)(fan_in + fan_out));
            for (size_t i = 0; i < n; i++)
                w[i] = (float)rng_range(r, -lim, lim);
        }
        memset(m->b[l], 0, fan_out * sizeof(float));
    }
}

const float *nn_forward(struct nn_model *m, const float *x, size_t B)
{
    const float *inp = x;
    for (int l = 0; l < m->n_layers; l++) {
        size_t in = m->dims[l], out = m->dims[l + 1];
        dense_forward(m->pre[l], inp, m->w[l], m->b[l], B, in, out, m->pool);
        if (l == m->n_layers - 1)
            return m->pre[l];
        act_forward(m->post[l], m->pre[l], B * out, m->act);
        inp = m->post[l];
    }
    return inp;
}

double nn_loss(struct nn_model *m, size_t B, const int32_t *labels, const float *targets,
               float grad_scale)
{
    const float *out = m->pre[m->n_layers - 1];
    size_t D = m->dims[m->n_layers];
    float *d = grad_scale != 0.0f ? m->dbuf[0] : NULL;
    if (m->loss == NN_LOSS_XENT)
        return softmax_xent(d, out, labels, B, D, grad_scale);
    return mse_loss(d, out, targets, B, D, grad_scale);
}

void nn_backward(struct nn_model *m, const float *x, size_t B, bool accumulate)
{
    int cur = 0;
    for (int l = m->n_layers - 1; l >= 0; l--) {
        size_t in = m->dims[l], out = m->dims[l + 1];
        const float *inp = l == 0 ? x : m->post[l - 1];
        float *dinp = l == 0 ? NULL : m->dbuf[1 - cur];
        dense_backward(dinp, m->dw[l], m->db[l], m->dbuf[cur], inp, m->w[l], B, in, out,
                       accumulate, m->pool);
        if (l > 0)
            act_backward(dinp, dinp, m->pre[l - 1], m->post[l - 1], B * in, m->act);
        cur = 1 - cur;
    }
}

void nn_predict(const struct nn_model *m, size_t B, int32_t *pred)
{
    const float *out = m->pre[m->n_layers - 1]; /* [D, B] */
    size_t D = m->dims[m->n_layers];
    for (size_t i = 0; i < B; i++) {
        size_t best = 0;
        for (size_t j = 1; j < D; j++)
            if (out[j * B + i] > out[best * B + i])
                best = j;
        pred[i] = (int32_t)best;
    }
}
