/* grid.h: a rectangle of character cells, each a Unicode code point with a semantic role.
 * The plot and the screen layout render into a grid; the TUI copies it to the screen and
 * `lrfind plot` prints it. Roles say what a cell is (axis, smoothed curve, cursor...), never
 * which colour it has: one table (grid_role_style) maps roles to colours and to a monochrome
 * scheme, so ANSI output and ncurses agree. Every cell is one terminal column wide: text put
 * into a grid replaces control and double-width characters by '?'.
 * Pure: no I/O except grid_print, no threads. */
#ifndef LRFIND_GRID_H
#define LRFIND_GRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum role {
    ROLE_NONE = 0, /* plain text */
    ROLE_AXIS,     /* axis lines and tick marks */
    ROLE_LABEL,    /* tick labels, axis titles */
    ROLE_TITLE,    /* the plot title */
    ROLE_SMOOTH,   /* the smoothed loss of the main series */
    ROLE_RAW,      /* raw losses of the main series */
    ROLE_OVERLAY1, /* other series (previous sweeps, other files): */
    ROLE_OVERLAY2, /*   ROLE_OVERLAY1 + (k % ROLE_OVERLAY_COUNT) for overlay k, */
    ROLE_OVERLAY3, /*   each also with its own glyph */
    ROLE_OVERLAY4,
    ROLE_SUGGEST,      /* suggestion letters V S M T */
    ROLE_SUGGEST_LINE, /* the drop line under a suggestion */
    ROLE_CURSOR,       /* the cursor's vertical line */
    ROLE_CURSOR_POINT, /* the point under the cursor */
    ROLE_REGION_LOW,   /* "too low" band */
    ROLE_REGION_SWEET, /* "sweet spot" band */
    ROLE_REGION_HIGH,  /* "too high" band */
    ROLE_OFFSCALE,     /* ^ where the curve leaves the top of the plot */
    ROLE_STATUS,       /* status panel text */
    ROLE_STATUS_VALUE, /* numbers in the status panel */
    ROLE_HELP,         /* key help line and help overlay text */
    ROLE_KEY,          /* a key name in the help */
    ROLE_BORDER,       /* panel frames */
    ROLE_DIM,          /* de-emphasised text */
    ROLE_WARN,         /* warnings, errors, "too small" */
    ROLE_SELECTED,     /* a highlighted entry (picked suggestion) */
    ROLE_COUNT
};
#define ROLE_OVERLAY ROLE_OVERLAY1
#define ROLE_OVERLAY_COUNT 4

struct cell {
    uint32_t ch;  /* Unicode code point, one column wide */
    uint8_t role; /* enum role */
};

/* A rectangle of cells: columns x..x+w-1, rows y..y+h-1. */
struct rect {
    int x, y, w, h;
};

struct grid {
    int w, h;
    struct cell *cells; /* [h][w], row-major */
};

/* Attribute flags of a style. */
enum {
    STYLE_BOLD = 1,
    STYLE_DIM = 2,
    STYLE_REVERSE = 4,
    STYLE_UNDERLINE = 8,
};

/* How a role looks: with colours (fg, -1 = the terminal's default; attr) and without
 * (mono_attr: the monochrome scheme, which still tells the roles that matter apart). */
struct role_style {
    int fg;             /* 0..7 (ANSI black..white), -1 default */
    unsigned attr;      /* STYLE_* used together with fg */
    unsigned mono_attr; /* STYLE_* when colours are off */
};

/* Make g an empty (blank) grid of w x h cells (w or h <= 0: an empty grid). Returns 0 or -1
 * when out of memory (g is then empty). g must be zeroed or a grid already. */
int grid_init(struct grid *g, int w, int h);
/* Resize g to w x h, keeping its memory when big enough; the content becomes blank. 0 or -1. */
int grid_resize(struct grid *g, int w, int h);
void grid_free(struct grid *g);

/* Blank every cell (space, ROLE_NONE). */
void grid_clear(struct grid *g);
/* The part of r that lies on the grid (w or h 0 when none). */
struct rect grid_clip(const struct grid *g, struct rect r);
/* Fill r (clipped to the grid) with ch in role. */
void grid_fill(struct grid *g, struct rect r, uint32_t ch, enum role role);
/* Set one cell; out-of-bounds writes are ignored. */
void grid_put(struct grid *g, int x, int y, uint32_t ch, enum role role);
/* The cell at (x, y), or NULL when out of bounds. */
const struct cell *grid_at(const struct grid *g, int x, int y);
/* The code point at (x, y), or 0 when out of bounds. */
uint32_t grid_ch(const struct grid *g, int x, int y);
/* Write UTF-8 text from (x, y) rightwards, one code point a cell, clipped to the grid; bytes
 * that are not UTF-8, control and double-width characters become '?'. Returns the number of
 * code points in s (the columns it takes, even when clipped). */
int grid_puts(struct grid *g, int x, int y, const char *s, enum role role);
/* The same, clipped to the rectangle clip as well. */
int grid_puts_clip(struct grid *g, struct rect clip, int x, int y, const char *s, enum role role);
/* printf into a grid (clipped to the grid); returns the columns the text takes. */
int grid_printf(struct grid *g, int x, int y, enum role role, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Columns a UTF-8 string takes in a grid (its code points). */
int grid_text_width(const char *s);
/* Encode code point c as UTF-8 into out (at least 5 bytes, NUL-terminated); returns the length. */
int grid_utf8_encode(uint32_t c, char *out);

/* The style of a role (never NULL; unknown roles give the plain style). */
const struct role_style *grid_role_style(enum role r);
/* A short name for a role ("smooth", "cursor"...), for tests and debugging. */
const char *grid_role_name(enum role r);

/* Write the grid as UTF-8 lines, trailing blanks of each line trimmed, one '\n' a row. With
 * color, ANSI SGR sequences give each role its style (reset at the end of every line).
 * Returns 0, or -1 when writing failed. */
int grid_print(FILE *fp, const struct grid *g, bool color);

#endif
