/* cmd_files.c: the commands that read recorded sweeps: suggest (and the loading that plot and
 * view share). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrfind/app.h"
#include "lrfind/csv.h"
#include "lrfind/files.h"
#include "lrfind/replay.h"
#include "lrfind/suggest.h"

int files_load(const struct app *a, int nfiles, char **paths, struct loaded_sweep **out)
{
    struct loaded_sweep *ls = calloc((size_t)nfiles, sizeof *ls);
    if (ls == NULL) {
        fprintf(stderr, "lrfind: out of memory\n");
        return -1;
    }
    /* Each setting: the option (--num-it, --stop-factor), else the config when -c or --set
     * gave it, else the file's meta line, else the default. */
    const struct lrf_config *c = &a->cfg;
    struct replay_opts o = replay_opts_default();
    o.smoothed = a->smoothed;
    o.num_it = a->num_it > 0 ? a->num_it : config_given(c, "sweep.iterations") ? c->sweep.iterations : 0;
    o.stop_factor = a->stop_factor >= 0                         ? a->stop_factor
                    : config_given(c, "sweep.stop_factor") ? c->sweep.stop_factor
                                                                : -1;
    o.smoothing = config_given(c, "sweep.smoothing") ? c->sweep.smoothing : -1;
    for (int k = 0; k < nfiles; k++) {
        struct lrf_error err;
        char msg[1024];
        lrf_error_clear(&err);
        ls[k].path = paths[k];
        if (csv_read_file(paths[k], &ls[k].file, &err) != 0) {
            fprintf(stderr, "lrfind: %s\n", lrf_error_format(&err, msg, sizeof msg));
            files_free(ls, k);
            return -1;
        }
        if (replay_file(&ls[k].file, &o, &ls[k].sweep) != 0) {
            fprintf(stderr, "lrfind: %s: out of memory\n", paths[k]);
            sweep_file_free(&ls[k].file);
            files_free(ls, k);
            return -1;
        }
        struct suggest_opts so = suggest_opts_default();
        const struct sweep_file *f = &ls[k].file;
        if (config_given(c, "sweep.skip_start"))
            so.skip_start = c->sweep.skip_start;
        else if (f->skip_start != -2)
            so.skip_start = f->skip_start;
        if (config_given(c, "sweep.skip_end"))
            so.skip_end = (size_t)c->sweep.skip_end;
        else if (f->skip_end >= 0)
            so.skip_end = (size_t)f->skip_end;
        ls[k].so = so;
        suggest_all(ls[k].sweep.lr, ls[k].sweep.smooth, ls[k].sweep.len, ls[k].sweep.n_planned, &so,
                    ls[k].window, ls[k].sugg);
        if (config_given(c, "sweep.suggest"))
            for (int m = 0; m < SUGGEST_COUNT; m++)
                if (!(c->sweep.suggest & (1u << m)))
                    ls[k].sugg[m].ok = false;
    }
    *out = ls;
    return 0;
}

void files_free(struct loaded_sweep *ls, int n)
{
    for (int k = 0; k < n; k++) {
        sweep_file_free(&ls[k].file);
        sweep_free(&ls[k].sweep);
    }
    free(ls);
}

int cmd_suggest(struct app *a, int nfiles, char **paths)
{
    struct loaded_sweep *ls;
    if (files_load(a, nfiles, paths, &ls) != 0)
        return EXIT_USAGE;
    for (int k = 0; k < nfiles; k++) {
        struct result r;
        memset(&r, 0, sizeof r);
        r.file = ls[k].path;
        r.points = ls[k].sweep.len;
        r.stop = ls[k].sweep.stop;
        r.stop_index = ls[k].sweep.stop_index;
        r.window[0] = ls[k].window[0];
        r.window[1] = ls[k].window[1];
        r.methods = config_given(&a->cfg, "sweep.suggest") ? a->cfg.sweep.suggest : (1u << SUGGEST_COUNT) - 1;
        memcpy(r.sugg, ls[k].sugg, sizeof r.sugg);
        r.wall_s = r.steps_per_s = -1;
        if (a->format == RESULT_YAML && nfiles > 1)
            fputs("---\n", stdout);
        result_print(stdout, &r, a->format);
        if (a->format == RESULT_JSON)
            putchar('\n');
    }
    files_free(ls, nfiles);
    return 0;
}
