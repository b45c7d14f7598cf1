/* atomic.h: write a file under a temporary name in the same directory, then rename it,
 * so that a crash or a signal never leaves half a file at the destination. */
#ifndef LRFIND_ATOMIC_H
#define LRFIND_ATOMIC_H

#include <stdio.h>
#include "lrfind/error.h"

struct atomic_file {
    FILE *fp;   /* write here */
    char *path; /* destination */
    char *tmp;  /* temporary name beside it */
};

/* Open a temporary file beside path; returns 0 or -1 with err. */
int atomic_open(struct atomic_file *af, const char *path, struct lrf_error *err);
/* Flush, fsync, close and rename over path; returns 0 or -1 with err (the temp is removed). */
int atomic_commit(struct atomic_file *af, struct lrf_error *err);
/* Close and remove the temporary file. */
void atomic_abort(struct atomic_file *af);

#endif
