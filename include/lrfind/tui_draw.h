/* tui_draw.h: the whole TUI screen rendered into a grid from the model, the trainer's state
 * and a layout: plot, status panel, suggestions, cursor readout, key help, log pane, help
 * overlay. Pure (no ncurses, no threads): tui.c copies the grid to the terminal, and the tests
 * compare it with golden screens. */
#ifndef LRFIND_TUI_DRAW_H
#define LRFIND_TUI_DRAW_H

#include <stdbool.h>
#include <stddef.h>

#include "lrfind/grid.h"
#include "lrfind/plot.h"
#include "lrfind/tui_model.h"

/* What the status panel tells besides the model (live: from the runner's view). */
struct tui_status {
    const char *state;   /* "running", "paused", "diverged at 87", "trainer error", a file name */
    bool warn;           /* show state as a warning */
    bool in_flight;      /* a step is being trained (shown while paused: "pausing") */
    double lr;           /* the rate being trained or last trained, NaN: unknown */
    double it_per_s, elapsed_s; /* < 0: unknown */
    const char *trainer; /* the trainer's name, may be NULL */
    const char *info;    /* one line about its model and data, may be NULL */
    const char *error;   /* the trainer's error, may be NULL */
};

struct tui_frame {
    enum plot_charset charset;
    struct tui_status status;
    double x_lo, x_hi;            /* the rates shown (log10); NaN: automatic */
    const char *const *log_lines; /* the trainer log's last lines, oldest first */
    size_t n_log;
};

/* Render the screen into g (sized rows x cols already); updates m->yrange (hysteresis).
 * Returns true when the plot's scale changed (the caller may want a full repaint). */
bool tui_draw(struct grid *g, struct tui_model *m, const struct tui_frame *f);

#endif
