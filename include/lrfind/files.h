/* files.h: recorded sweeps loaded for suggest, plot and view: the file, its replayed sweep and
 * its suggestions. */
#ifndef LRFIND_FILES_H
#define LRFIND_FILES_H

#include "lrfind/csv.h"
#include "lrfind/suggest.h"
#include "lrfind/sweep.h"

struct app;

struct loaded_sweep {
    const char *path;
    struct sweep_file file;
    struct sweep sweep; /* replayed: smoothed, cut at the stop */
    size_t window[2];
    struct suggestion sugg[SUGGEST_COUNT];
};

/* Load and replay every file; errors are printed (file:line:column). Returns 0 or -1. */
int files_load(const struct app *a, int nfiles, char **paths, struct loaded_sweep **out);
void files_free(struct loaded_sweep *ls, int n);

#endif
