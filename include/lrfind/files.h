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
    struct suggest_opts so; /* the window's settings used */
    size_t window[2];
    struct suggestion sugg[SUGGEST_COUNT]; /* methods left out by sweep.suggest are not ok */
};

/* Load and replay every file; errors are printed (file:line:column). Each setting comes from
 * the option (--num-it, --stop-factor, --smoothed), else from the config when -c or --set gave
 * it, else from the file's meta line, else from the default. Returns 0 or -1. */
int files_load(const struct app *a, int nfiles, char **paths, struct loaded_sweep **out);
void files_free(struct loaded_sweep *ls, int n);

#endif
