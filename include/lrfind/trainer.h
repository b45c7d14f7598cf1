/* trainer.h: what the sweep drives. One interface, two implementations: the built-in MLP
 * (trainer_builtin.c) and an external process speaking the line protocol (trainer_exec.c).
 * step() trains one mini-batch at rate lr and returns the loss of that mini-batch measured
 * before the update (as fastai and pytorch-lr-finder record it). reset() restores the
 * weights, optimizer state, RNG and data order taken at init, so every sweep starts alike.
 * A trainer is used from one thread at a time; cancel_fd lets another thread interrupt a
 * blocking step (when it becomes readable, step/reset give up with -1). */
#ifndef LRFIND_TRAINER_H
#define LRFIND_TRAINER_H

#include "lrfind/error.h"

struct lrf_config;
struct trainer;

struct trainer_ops {
    const char *kind; /* "builtin", "exec" */
    int (*init)(struct trainer *t, const struct lrf_config *cfg, struct lrf_error *err);
    int (*step)(struct trainer *t, double lr, double *loss, struct lrf_error *err);
    int (*reset)(struct trainer *t, struct lrf_error *err);
    void (*close)(struct trainer *t); /* also stops and reaps an external process */
};

struct trainer {
    const struct trainer_ops *ops;
    void *impl;
    int cancel_fd;       /* -1, or a descriptor that becomes readable to cancel a blocking call */
    char name[128];      /* what it calls itself (hello name=...), for the status line */
    char info[256];      /* one line about the model/data, for the status line and results */
    char log_path[4096]; /* where its output goes ("" when none) */
};

extern const struct trainer_ops trainer_builtin_ops;
extern const struct trainer_ops trainer_exec_ops;

/* Pick the implementation named by cfg->trainer.kind and init it. Returns 0 or -1 with err. */
int trainer_open(struct trainer *t, const struct lrf_config *cfg, int cancel_fd, struct lrf_error *err);
static inline int trainer_step(struct trainer *t, double lr, double *loss, struct lrf_error *err)
{
    return t->ops->step(t, lr, loss, err);
}
static inline int trainer_reset(struct trainer *t, struct lrf_error *err)
{
    return t->ops->reset(t, err);
}
/* Close (idempotent). */
void trainer_close(struct trainer *t);

#endif
