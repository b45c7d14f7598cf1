/* replay.c: recorded sweep -> sweep, applying smoothing and the stop rule. */
#include "config.h"

#include <math.h>

#include "lrfind/replay.h"

struct replay_opts replay_opts_default(void)
{
    struct replay_opts o = {false, 0, -1, -1};
    return o;
}

int replay_file(const struct sweep_file *f, const struct replay_opts *o, struct sweep *out)
{
    double beta = o->smoothing >= 0 ? o->smoothing : (isfinite(f->smoothing) && f->smoothing >= 0 && f->smoothing < 1 ? f->smoothing : 0.98);
    double sf = o->stop_factor >= 0 ? o->stop_factor : (isfinite(f->stop_factor) && f->stop_factor >= 0 ? f->stop_factor : 4.0);
    long n = o->num_it > 0 ? o->num_it : (f->iterations > 0 ? f->iterations : (long)f->n);
    /* N sets the window; it does not cut the rows (a sweep extended live has more than its
     * first N): the stop rule alone ends a replay early. */
    sweep_init(out, beta, sf, f->n > (size_t)n ? f->n : (size_t)n);
    if (sweep_reserve(out, f->n) != 0)
        return -1;
    for (size_t i = 0; i < f->n; i++) {
        int stop;
        if (o->smoothed)
            stop = sweep_push_smoothed(out, f->lr[i], f->loss[i], f->loss[i]);
        else if (f->smooth != NULL)
            stop = sweep_push_smoothed(out, f->lr[i], f->loss[i], f->smooth[i]);
        else
            stop = sweep_push(out, f->lr[i], f->loss[i]);
        if (stop < 0)
            return -1;
        /* The rows past the stop are what a sweep would not have recorded. */
        if (stop != STOP_NONE)
            break;
    }
    out->n_planned = (size_t)n;
    if (out->stop == STOP_NONE && out->len >= (size_t)n)
        sweep_stop(out, STOP_DONE);
    return 0;
}
