/* cmd_plot.c: `lrfind plot`: the plot of recorded sweeps, printed once to stdout. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lrfind/app.h"
#include "lrfind/files.h"
#include "lrfind/grid.h"
#include "lrfind/plot.h"

int cmd_plot(struct app *a, int nfiles, char **files)
{
    struct loaded_sweep *ls;
    if (files_load(a, nfiles, files, &ls) != 0)
        return EXIT_USAGE;
    app_resolve_ui(a, STDOUT_FILENO);
    int w = a->width, h = a->height ? a->height : 24;
    if (w == 0) {
        struct winsize ws;
        w = isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20 ? ws.ws_col : 80;
    }
    struct plot_series *ps = calloc((size_t)nfiles, sizeof *ps);
    struct grid g = {0, 0, NULL};
    int code = EXIT_USAGE;
    if (ps != NULL) {
        for (int k = 0; k < nfiles; k++)
            ps[k] = (struct plot_series){ls[k].sweep.lr, ls[k].sweep.loss, ls[k].sweep.smooth, ls[k].sweep.len,
                                         ls[k].path, ls[k].sugg};
        const char *title = nfiles == 1 ? files[0] : NULL;
        if (plot_simple(&g, w, h, ps, (size_t)nfiles, title,
                        a->charset == CHARSET_BRAILLE ? PLOT_BRAILLE : PLOT_ASCII) == 0 &&
            grid_print(stdout, &g, a->color) == 0 && fflush(stdout) == 0)
            code = 0;
        else
            fprintf(stderr, "lrfind: cannot print the plot\n");
    }
    grid_free(&g);
    free(ps);
    files_free(ls, nfiles);
    return code;
}
