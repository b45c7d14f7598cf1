/* trainer_builtin.c: the built-in trainer: an MLP on a synthetic or file data set, trained one
 * mini-batch per step. step() returns the mini-batch loss measured before the update (fastai,
 * pytorch-lr-finder), or with sweep.loss: validation the loss on the held-out split after the
 * update (pytorch-lr-finder's val_loader, Smith's original test). reset() puts back the weights,
 * the optimizer state, the random state and the data order taken at init, with memcpy, so that
 * two sweeps are identical to the bit. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrfind/config.h"
#include "lrfind/data.h"
#include "lrfind/nn.h"
#include "lrfind/optim.h"
#include "lrfind/rng.h"
#include "lrfind/trainer.h"

/* RNG streams derived from trainer.seed (data.c uses 1 for the data and 4 for the split). */
#define STREAM_INIT 2
#define STREAM_ORDER 3

struct builtin {
    struct lrf_dataset train, val;
    struct nn_model model;
    struct optim opt;
    size_t batch;        /* samples per mini-batch (batch_size, at most the training set) */
    long accumulate;     /* mini-batches per update */
    bool validation;     /* report the held-out loss */
    size_t val_chunk;    /* samples per forward pass over the held-out set */
    float *xb;           /* [d, max(batch, val_chunk)] the current mini-batch, one column each */
    int32_t *lb;         /* [batch] its classes */
    float *yb;           /* [batch] its targets (regression) */
    uint32_t *order;     /* [n] this epoch's order */
    size_t pos;          /* next index into order */
    struct lrf_rng rng;  /* draws each new epoch's order */
    /* the snapshot that reset() restores */
    float *params0;      /* [n_params] */
    uint32_t *order0;    /* [n] */
    size_t pos0;
    struct lrf_rng rng0;
};

/* Free everything (safe on a partly built trainer). */
static void builtin_free(struct builtin *b)
{
    if (b == NULL)
        return;
    nn_model_free(&b->model);
    optim_free(&b->opt);
    data_free(&b->train);
    data_free(&b->val);
    free(b->xb);
    free(b->lb);
    free(b->yb);
    free(b->order);
    free(b->order0);
    free(b->params0);
    free(b);
}

static const char *act_name(int a)
{
    static const char *const names[] = {"relu", "leaky_relu", "tanh", "sigmoid", "gelu"};
    return a >= 0 && a < 5 ? names[a] : "?";
}

static const char *data_name(int k)
{
    static const char *const names[] = {"spiral", "moons", "blobs", "xor", "regression", "csv",
                                        "idx"};
    return k >= 0 && k < 7 ? names[k] : "?";
}

/* The optimizer settings from the config. */
static void optim_from_config(const struct lrf_config *cfg, struct optim_settings *s)
{
    const __typeof__(cfg->trainer.optimizer) *o = &cfg->trainer.optimizer;
    memset(s, 0, sizeof *s);
    s->kind = o->kind == OPT_ADAM ? OPTIM_ADAM : o->kind == OPT_ADAMW ? OPTIM_ADAMW : OPTIM_SGD;
    s->momentum = o->momentum;
    s->dampening = o->dampening;
    s->weight_decay = o->weight_decay;
    s->nesterov = o->nesterov;
    s->beta1 = o->beta1;
    s->beta2 = o->beta2;
    s->eps = o->eps;
    s->decoupled = o->decoupled;
}

static int builtin_init(struct trainer *t, const struct lrf_config *cfg, struct lrf_error *err)
{
    struct builtin *b = calloc(1, sizeof *b);
    if (b == NULL)
        return lrf_error_set(err, NULL, 0, 0, "out of memory");
    if (data_load(cfg, &b->train, &b->val, err) < 0)
        goto fail;
    b->validation = cfg->sweep.loss == LOSS_VALIDATION;
    if (b->validation && b->val.n == 0) {
        lrf_error_set(err, cfg->source, 0, 0,
                      "sweep.loss is validation but there is no held-out data (set "
                      "trainer.data.validation, e.g. 0.1)");
        goto fail;
    }
    if (b->train.n == 0 || b->train.n > UINT32_MAX) {
        lrf_error_set(err, NULL, 0, 0, "the training set has %zu samples", b->train.n);
        goto fail;
    }
    long bs = cfg->trainer.batch_size > 0 ? cfg->trainer.batch_size : 64;
    b->batch = (size_t)bs < b->train.n ? (size_t)bs : b->train.n;
    b->accumulate = cfg->trainer.accumulate > 0 ? cfg->trainer.accumulate : 1;
    b->val_chunk = b->val.n < 512 ? b->val.n : 512;
    if (b->val_chunk < b->batch)
        b->val_chunk = b->batch;

    /* the model: inputs, hidden layers, one output per class (or one for regression) */
    size_t dims[NN_MAX_LAYERS + 1];
    int nh = cfg->trainer.model.n_hidden;
    if (nh < 0 || nh > NN_MAX_LAYERS - 1) {
        lrf_error_set(err, cfg->source, 0, 0, "trainer.model.hidden has %d layers (at most %d)",
                      nh, NN_MAX_LAYERS - 1);
        goto fail;
    }
    dims[0] = b->train.d;
    for (int i = 0; i < nh; i++) {
        if (cfg->trainer.model.hidden[i] < 1) {
            lrf_error_set(err, cfg->source, 0, 0, "trainer.model.hidden[%d] must be >= 1", i);
            goto fail;
        }
        dims[i + 1] = (size_t)cfg->trainer.model.hidden[i];
    }
    bool regress = b->train.classes == 0;
    dims[nh + 1] = regress ? 1 : b->train.classes;
    int threads = cfg->trainer.threads > 0 ? (int)cfg->trainer.threads : 1;
    if (nn_model_init(&b->model, dims, nh + 1, (enum nn_act)cfg->trainer.model.activation,
                      regress ? NN_LOSS_MSE : NN_LOSS_XENT, b->val_chunk, threads, err) < 0)
        goto fail;
    struct lrf_rng init;
    rng_seed_stream(&init, cfg->trainer.seed, STREAM_INIT);
    nn_init_params(&b->model, &init);

    struct optim_settings os;
    optim_from_config(cfg, &os);
    if (optim_init(&b->opt, &os, b->model.n_params, err) < 0)
        goto fail;

    size_t n = b->train.n, d = b->train.d;
    b->xb = malloc(b->val_chunk * d * sizeof *b->xb);
    b->lb = malloc(b->batch * sizeof *b->lb);
    b->yb = malloc(b->batch * sizeof *b->yb);
    b->order = malloc(n * sizeof *b->order);
    b->order0 = malloc(n * sizeof *b->order0);
    b->params0 = malloc(b->model.n_params * sizeof *b->params0);
    if (!b->xb || !b->lb || !b->yb || !b->order || !b->order0 || !b->params0) {
        lrf_error_set(err, NULL, 0, 0, "out of memory");
        goto fail;
    }
    rng_seed_stream(&b->rng, cfg->trainer.seed, STREAM_ORDER);
    for (size_t i = 0; i < n; i++)
        b->order[i] = (uint32_t)i;
    rng_shuffle_u32(&b->rng, b->order, n);
    b->pos = 0;

    memcpy(b->params0, b->model.params, b->model.n_params * sizeof *b->params0);
    memcpy(b->order0, b->order, n * sizeof *b->order0);
    b->pos0 = b->pos;
    b->rng0 = b->rng;

    t->impl = b;
    snprintf(t->name, sizeof t->name, "builtin");
    char arch[96];
    size_t used = 0;
    for (int l = 0; l <= nh + 1; l++) {
        int aw = snprintf(arch + used, sizeof arch - used, "%s%zu", l ? "-" : "", dims[l]);
        used += aw > 0 && (size_t)aw < sizeof arch - used ? (size_t)aw : 0;
    }
    char mapping[128];
    data_class_mapping(&b->train, mapping, sizeof mapping);
    int nt = nn_pool_threads(b->model.pool);
    int w = snprintf(t->info, sizeof t->info,
                     "mlp %s %s, %zu params, %s, %s %zu+%zu samples, %s %d thread%s%s%s", arch,
                     act_name(cfg->trainer.model.activation), b->model.n_params,
                     optim_name(os.kind), data_name(cfg->trainer.data.kind), b->train.n, b->val.n,
                     nn_kernel_name(), nt, nt == 1 ? "" : "s", mapping[0] ? ", classes " : "",
                     mapping);
    if (w >= (int)sizeof t->info) /* a long class mapping: cut, and say so */
        memcpy(t->info + sizeof t->info - 4, "...", 4);
    return 0;
fail:
    builtin_free(b);
    return -1;
}

/* Gather the next mini-batch, starting a new shuffled epoch when this one has too few left. */
static void next_batch(struct builtin *b)
{
    size_t n = b->train.n, d = b->train.d, B = b->batch;
    if (b->pos + B > n) {
        rng_shuffle_u32(&b->rng, b->order, n);
        b->pos = 0;
    }
    for (size_t i = 0; i < B; i++) {
        size_t k = b->order[b->pos + i];
        const float *row = b->train.x + k * d;
        for (size_t j = 0; j < d; j++)
            b->xb[j * B + i] = row[j];
        if (b->train.label)
            b->lb[i] = b->train.label[k];
        else
            b->yb[i] = b->train.y[k];
    }
    b->pos += B;
}

/* The forward pass over rows i .. i+m of a set (m up to val_chunk, column-major in xb);
 * returns m. */
static size_t forward_chunk(struct builtin *b, const struct lrf_dataset *v, size_t i)
{
    size_t m = v->n - i < b->val_chunk ? v->n - i : b->val_chunk;
    for (size_t r = 0; r < m; r++)
        for (size_t j = 0; j < v->d; j++)
            b->xb[j * m + r] = v->x[(i + r) * v->d + j];
    nn_forward(&b->model, b->xb, m);
    return m;
}

/* Mean loss over the held-out set (forward only). */
static double validation_loss(struct builtin *b)
{
    double total = 0.0;
    const struct lrf_dataset *v = &b->val;
    for (size_t i = 0; i < v->n; i += b->val_chunk) {
        size_t m = forward_chunk(b, v, i);
        total += (double)m * nn_loss(&b->model, m, v->label ? v->label + i : NULL,
                                     v->y ? v->y + i : NULL, 0.0f);
    }
    return total / (double)v->n;
}

static int builtin_step(struct trainer *t, double lr, double *loss, struct lrf_error *err)
{
    struct builtin *b = t->impl;
    if (b == NULL)
        return lrf_error_set(err, NULL, 0, 0, "the trainer is closed");
    double total = 0.0;
    float scale = 1.0f / (float)b->accumulate;
    for (long a = 0; a < b->accumulate; a++) {
        next_batch(b);
        nn_forward(&b->model, b->xb, b->batch);
        total += nn_loss(&b->model, b->batch, b->lb, b->yb, scale);
        nn_backward(&b->model, b->xb, b->batch, a > 0);
    }
    optim_step(&b->opt, b->model.params, b->model.grads, lr, b->model.pool);
    *loss = b->validation ? validation_loss(b) : total / (double)b->accumulate;
    return 0;
}

int trainer_builtin_accuracy(struct trainer *t, bool validation, double *acc,
                             struct lrf_error *err)
{
    if (t->ops != &trainer_builtin_ops || t->impl == NULL)
        return lrf_error_set(err, NULL, 0, 0, "not an open built-in trainer");
    struct builtin *b = t->impl;
    const struct lrf_dataset *v = validation ? &b->val : &b->train;
    if (v->classes == 0 || v->n == 0)
        return lrf_error_set(err, NULL, 0, 0, "no accuracy: %s",
                             v->n == 0 ? "the set is empty" : "a regression model");
    size_t right = 0;
    int32_t *pred = malloc(b->val_chunk * sizeof *pred);
    if (pred == NULL)
        return lrf_error_set(err, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < v->n; i += b->val_chunk) {
        size_t m = forward_chunk(b, v, i);
        nn_predict(&b->model, m, pred);
        for (size_t r = 0; r < m; r++)
            right += pred[r] == v->label[i + r];
    }
    free(pred);
    *acc = (double)right / (double)v->n;
    return 0;
}

static int builtin_reset(struct trainer *t, struct lrf_error *err)
{
    struct builtin *b = t->impl;
    if (b == NULL)
        return lrf_error_set(err, NULL, 0, 0, "the trainer is closed");
    memcpy(b->model.params, b->params0, b->model.n_params * sizeof *b->params0);
    optim_reset(&b->opt);
    memcpy(b->order, b->order0, b->train.n * sizeof *b->order);
    b->pos = b->pos0;
    b->rng = b->rng0;
    return 0;
}

static void builtin_close(struct trainer *t)
{
    builtin_free(t->impl);
    t->impl = NULL;
}

const struct trainer_ops trainer_builtin_ops = {
    .kind = "builtin",
    .init = builtin_init,
    .step = builtin_step,
    .reset = builtin_reset,
    .close = builtin_close,
};
