/* plot.h: the loss-against-learning-rate plot, rendered into a rectangle of a grid.
 * The same renderer serves `lrfind plot` (printed once) and the TUI (copied to the screen
 * every frame), so it is pure and fast: points are binned per column, never drawn one by one,
 * and a 10^6-point sweep renders in a few milliseconds.
 *
 *     loss ------- too low -------======= sweet spot ========------ too high -----  regions
 *         |                                                                  |^^^^  ^ clipped
 *     2.5 +                                                                  |
 *         |S------------....                                                |'
 *     2.0 +:                ''''..V.                                       .'      letters
 *         |:                      :'..                                    .'       on curves
 *     1.5 +:                      :   'T.                               .'
 *         |:                      :   : ''..                          .|'
 *     1.0 +:                      :   :     M'...         @        ..'        @ cursor
 *         |:                      :   :     :   '''-...-------'''          : drop lines
 *         +---------+---------+--------+---------+---------+--------+-----
 *        1e-7     1e-6      1e-5     1e-4      1e-3      1e-2     1e-1    lr
 *     --- smoothed loss   + raw loss   o b.csv   ^ off scale                legend
 *     V valley 2.51e-05   S slide 1.00e-07   M minimum 1.58e-03   T steep 1.58e-04
 *
 * x is log10(lr); y is the loss range of the view (see axis_loss_range for the automatic one,
 * which clips a divergence: the curve then leaves the top and `^` marks the columns where it
 * is above the plot). Series 0 is the main sweep: its smoothed loss is a line (braille 2x4
 * dots a cell, or ASCII ' - . | in three levels a row), its raw losses points (`+`), its
 * suggestions letters on the curve (V valley, S slide, M minimum, T steep) with a drop line
 * `:` to the axis, the cursor a vertical line with `@` on the curve. Series 1.. are overlays
 * (previous sweeps, other files): ASCII glyphs o x % &, or dotted/dashed braille, in roles
 * ROLE_OVERLAY1..4; their suggestion letters sit on their own curves, without drop lines.
 *
 * Regions (plot_regions), from the main series' minimum suggestion and its smoothed losses:
 *   m     = the index of the lowest smoothed loss (sugg[SUGGEST_MINIMUM].index),
 *   top   = the highest smoothed loss at or before m, at index t,
 *   s     = the first index in [t, m] whose smoothed loss has fallen by 10% of (top - loss[m]);
 *   too low:    lr < lr[s]          (the loss has not really started to fall)
 *   sweet spot: lr[s] <= lr <= lr[m] (it falls; pick here, typically at valley or steep)
 *   too high:   lr[m] < lr <= the last rate tried (past the minimum: the loss climbs and
 *               diverges), shown only once the loss after m has climbed back by 10% of
 *               (top - loss[m]) or is not finite.
 * Unknown while the minimum suggestion is not ok or the curve has not fallen by 5% of top.
 * Pure: no I/O, no threads (several plots may render in parallel into different grids). */
#ifndef LRFIND_PLOT_H
#define LRFIND_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include "lrfind/grid.h"
#include "lrfind/suggest.h"

enum plot_charset { PLOT_ASCII, PLOT_BRAILLE };

enum plot_flags {
    PLOT_RAW = 1u << 0,            /* raw losses of series 0 as points */
    PLOT_LEGEND = 1u << 1,         /* legend lines under the x axis */
    PLOT_REGIONS = 1u << 2,        /* the too low / sweet spot / too high band above the plot */
    PLOT_SUGGEST = 1u << 3,        /* suggestion letters on the curves (drop lines for series 0) */
    PLOT_LEGEND_SUGGEST = 1u << 4, /* the suggestions' rates in the legend (the TUI has a panel) */
};
#define PLOT_ALL (PLOT_RAW | PLOT_LEGEND | PLOT_REGIONS | PLOT_SUGGEST | PLOT_LEGEND_SUGGEST)

struct plot_series {
    const double *lr;     /* [n] rates > 0, nondecreasing (any order works, only slower) */
    const double *loss;   /* [n] raw losses (NaN/inf allowed), NULL: none */
    const double *smooth; /* [n] smoothed losses (NaN/inf allowed), NULL: loss is used */
    size_t n;
    const char *label;             /* legend name; NULL: "smoothed loss" / "sweep k" */
    const struct suggestion *sugg; /* [SUGGEST_COUNT] (index = index into lr[]), NULL: none */
};

/* What part of the plane to show. x in log10(lr); y in loss. */
struct plot_view {
    double x_lo, x_hi;
    double y_lo, y_hi;
};

struct plot_opts {
    enum plot_charset charset;
    unsigned flags;        /* enum plot_flags */
    long cursor;           /* index into series 0, or -1 for none */
    const char *title;     /* a centred title row, NULL for none */
    const char *empty_msg; /* shown when no series has a point; NULL: "waiting for data" */
};

/* Where plot_render put things, for the TUI (mouse, cursor stepping). */
struct plot_geom {
    bool drawn;            /* false: the rectangle was too small for a plot */
    struct rect area;      /* the cells inside the axes, on the grid */
    struct plot_view view; /* the view used (after automatic ranges and repairs) */
    bool y_valid;          /* view.y_* hold a range (false only when there is no data) */
    bool clipped;          /* some of series 0's smoothed curve lies above the view */
};

struct plot_regions {
    bool known;      /* too low and sweet spot are known */
    bool high_known; /* too high is known too */
    size_t sweet_lo; /* index s above */
    size_t sweet_hi; /* index m above */
    double lr_lo;    /* lr[s]: too low below it */
    double lr_hi;    /* lr[m]: too high above it */
    double lr_last;  /* the last rate tried: too high ends there */
};

/* ASCII, every flag, no cursor, no title. */
struct plot_opts plot_opts_default(void);

/* 'V', 'S', 'M', 'T' (or '?'). */
char plot_suggest_letter(enum suggest_method m);

/* The view that shows every series: x from the lowest to the highest rate (+-0.5 decade for a
 * single rate), y the union of axis_loss_range over the series. False when no point has a
 * positive finite rate (v untouched). */
bool plot_auto_view(const struct plot_series *s, size_t n_series, struct plot_view *v);

/* The three regions of a series (rule above). Returns out->known. */
bool plot_regions(const struct plot_series *s, struct plot_regions *out);

/* Render the series into r (clipped to g): s[0] is the main series, s[1..] overlays. view:
 * NULL or parts not finite / empty take the automatic view. A rectangle too small for a plot
 * gets a short message. geom (may be NULL) receives where the plot went. Returns 0, or -1 when
 * out of memory (r is then blank but for a message). */
int plot_render(struct grid *g, struct rect r, const struct plot_series *s, size_t n_series,
                const struct plot_view *view, const struct plot_opts *o, struct plot_geom *geom);

/* The index of series s nearest (in log lr) to the centre of plot column col of geom, or -1
 * when s is empty. Lets the TUI move the cursor by one column. */
long plot_index_at_column(const struct plot_series *s, const struct plot_geom *geom, int col);

/* `lrfind plot`: make g a w x h grid and render the series with the automatic view, every
 * flag, the title (may be NULL) and the charset. Returns 0 or -1 (out of memory). */
int plot_simple(struct grid *g, int w, int h, const struct plot_series *s, size_t n_series,
                const char *title, enum plot_charset cs);

#endif
