/* trainer.c: choose a trainer implementation from the config. */
#include "config.h"

#include <string.h>

#include "lrfind/config.h"
#include "lrfind/trainer.h"

int trainer_open(struct trainer *t, const struct lrf_config *cfg, int cancel_fd, struct lrf_error *err)
{
    memset(t, 0, sizeof *t);
    t->cancel_fd = cancel_fd;
    t->ops = cfg->trainer.kind == TRAINER_EXEC ? &trainer_exec_ops : &trainer_builtin_ops;
    if (t->ops->init(t, cfg, err) != 0) {
        t->ops = NULL;
        return -1;
    }
    return 0;
}

void trainer_close(struct trainer *t)
{
    if (t->ops != NULL)
        t->ops->close(t);
    t->ops = NULL;
}
