/* replay.h: turn a recorded sweep file back into a sweep with lrfind's semantics: smoothing
 * (unless the file has smooth_loss or the caller says the losses are already smoothed), the stop
 * rule, and the configured N that the suggestion window depends on. */
#ifndef LRFIND_REPLAY_H
#define LRFIND_REPLAY_H

#include <stdbool.h>
#include "lrfind/csv.h"
#include "lrfind/sweep.h"

struct replay_opts {
    bool smoothed;      /* the loss column is already smoothed (fastai's recorder) */
    long num_it;        /* N for the window; <= 0: the file's iterations=, else its row count */
    double stop_factor; /* < 0: the file's stop_factor=, else 4 */
    double smoothing;   /* < 0: the file's smoothing=, else 0.98 */
};

/* Default options: everything from the file. */
struct replay_opts replay_opts_default(void);
/* Fill out (sweep_init'ed by this call) from f; returns 0 or -1 (out of memory). */
int replay_file(const struct sweep_file *f, const struct replay_opts *o, struct sweep *out);

#endif
