/* layout.h: where each part of the TUI screen goes, as a pure function of the screen size.
 *
 *   narrow (cols < 120, or rows < 24)       wide (cols >= 120 and rows >= 24)
 *   +------------------------------+        +---------------------------+---------+
 *   | plot                         |        | plot                      | status  |
 *   |                              |        |                           |         |
 *   +------------------------------+        |                           +---------+
 *   | log pane (LAYOUT_LOG)        |        +---------------------------+ suggest |
 *   +----------+---------+---------+        | log pane (LAYOUT_LOG)     +---------+
 *   | status   | suggest | cursor  |        |                           | cursor  |
 *   +----------+---------+---------+        +---------------------------+---------+
 *   | key help (one row)           |        | key help (one row)                  |
 *
 * Under 72 columns the narrow band puts the status on the left and the suggestions above the
 * cursor readout on the right. The band is 4 rows high under 16 rows, 6 under 28, else 8; the
 * log pane is skipped when the plot would keep fewer than 8 rows. Below LAYOUT_MIN_COLS x
 * LAYOUT_MIN_ROWS (40x12) the answer is "too small". The rectangles never overlap and always
 * lie on the screen, except the help overlay, which is drawn over the others. Pure: no I/O, no
 * threads. */
#ifndef LRFIND_LAYOUT_H
#define LRFIND_LAYOUT_H

#include <stdbool.h>
#include "lrfind/grid.h"

#define LAYOUT_MIN_COLS 40
#define LAYOUT_MIN_ROWS 12
#define LAYOUT_WIDE_COLS 120 /* the panels move to the right from this width... */
#define LAYOUT_WIDE_ROWS 24  /* ...when the screen has this many rows */

enum layout_flags {
    LAYOUT_LOG = 1u << 0,  /* show the trainer log pane (when there is room for it) */
    LAYOUT_HELP = 1u << 1, /* compute the help overlay */
};

struct layout {
    bool too_small;      /* the screen is below the minimum; every rectangle is empty */
    bool wide;           /* panels on the right of the plot rather than below it */
    struct rect plot;    /* for plot_render */
    struct rect status;  /* state, i/N, lr, loss, smoothed, best, multiplier, it/s, elapsed */
    struct rect suggest; /* the suggestions and their rates */
    struct rect cursor;  /* lr, loss, smoothed, slope under the cursor */
    struct rect keys;    /* one-line key help, the bottom row */
    struct rect log;     /* trainer log pane; empty unless LAYOUT_LOG and there is room */
    struct rect help;    /* help overlay (over everything); empty unless LAYOUT_HELP */
};

/* Lay out a rows x cols screen. Returns true, or false with out->too_small set when the
 * screen is smaller than LAYOUT_MIN_COLS x LAYOUT_MIN_ROWS. */
bool layout_compute(int rows, int cols, unsigned flags, struct layout *out);

/* Whether r is empty (no cell). */
bool layout_rect_empty(struct rect r);
/* Whether two rectangles share a cell. */
bool layout_rect_overlap(struct rect a, struct rect b);
/* Whether r lies within a rows x cols screen. */
bool layout_rect_inside(struct rect r, int rows, int cols);

/* Write the "too small" message, centred and clipped, into g (cleared first), sized by g:
 * "terminal too small: 30x10" and, when there is a second row, "lrfind needs 40x12". */
void layout_draw_too_small(struct grid *g);

#endif
