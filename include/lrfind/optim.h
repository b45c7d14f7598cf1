/* optim.h: the built-in trainer's optimizers, with the update rules exactly as PyTorch documents
 * torch.optim.SGD, Adam and AdamW (and as its single-tensor code computes them):
 *   SGD:   g += wd p;  b = g (first step) or mu b + (1 - dampening) g;  g = g + mu b (nesterov)
 *          or b;  p -= lr g
 *   Adam:  g += wd p (L2; AdamW instead p *= 1 - lr wd);  m = b1 m + (1 - b1) g;
 *          v = b2 v + (1 - b2) g^2;  p -= (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * Flat loops over the model's one parameter and one gradient array; the state is one allocation
 * too, so a restore is a memset. */
#ifndef LRFIND_OPTIM_H
#define LRFIND_OPTIM_H

#include <stdbool.h>
#include <stddef.h>

#include "lrfind/error.h"

struct nn_pool;

/* Same values as config.h's enum optim_kind. */
enum optim_type { OPTIM_SGD, OPTIM_ADAM, OPTIM_ADAMW };

struct optim_settings {
    enum optim_type kind;
    double momentum, dampening, weight_decay; /* sgd (weight_decay: all) */
    bool nesterov;                            /* sgd: needs momentum > 0 and dampening = 0 */
    double beta1, beta2, eps;                 /* adam, adamw */
    bool decoupled;                           /* adam: decay the weights as AdamW does */
};

struct optim {
    struct optim_settings s;
    size_t n;     /* parameters */
    float *state; /* sgd: [n] momentum buffer; adam: [2n] first moments then second moments */
    long t;       /* steps taken */
    double k[12]; /* the current step's constants (private to optim.c) */
};

/* Check the settings (ranges as PyTorch checks them). 0 or -1 with err. */
int optim_check(const struct optim_settings *s, struct lrf_error *err);
/* An optimizer for n parameters with zero state. 0 or -1 with err. */
int optim_init(struct optim *o, const struct optim_settings *s, size_t n, struct lrf_error *err);
void optim_free(struct optim *o);
/* Back to the state of optim_init (no steps, zero buffers). */
void optim_reset(struct optim *o);
/* One update of params[n] from grads[n] at rate lr (pool may be NULL: one thread):
 * optim_begin, then optim_apply over everything. */
void optim_step(struct optim *o, float *params, const float *grads, double lr,
                struct nn_pool *pool);
/* Start a step at rate lr (counts the step, computes the bias corrections)... */
void optim_begin(struct optim *o, double lr);
/* ...and update a block of it: params[offset + r * ldp + c] for r < rows, c < cols, from
 * g[r * ldg + c]. Blocks may be applied in any order and from several threads at once, as long
 * as they do not overlap; each parameter must be covered once per step. An element gets the
 * same result whichever block it is in, so the thread split changes nothing. (Measured: handing
 * each weight-gradient tile to optim_apply from inside the backward product, while it is in
 * cache, was no faster than one flat pass on a model that fits in L3, and slower for Adam.) */
void optim_apply(const struct optim *o, float *params, size_t offset, size_t rows, size_t cols,
                 size_t ldp, const float *g, size_t ldg);
/* "sgd", "adam", "adamw". */
const char *optim_name(enum optim_type kind);

#endif
