/* layout.c: the TUI screen as rectangles, a pure function of its size. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lrfind/layout.h"

#define WIDE_PANEL_MIN 28
#define WIDE_PANEL_MAX 40
#define NARROW_THREE_COLS 72
#define MIN_PLOT_ROWS 8

static struct rect mkrect(int x, int y, int w, int h)
{
    return (struct rect){x, y, w, h};
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Wide screens: the plot (and the log pane under it) on the left, the panels stacked right. */
static void layout_wide(int rows, int cols, unsigned flags, struct layout *l)
{
    int body = rows - 1; /* everything above the key help */
    int pw = clampi(cols / 5, WIDE_PANEL_MIN, WIDE_PANEL_MAX);
    int left = cols - pw;
    /* status: 9 lines and a title; suggestions: 4 and a title; the cursor gets the rest */
    int sh = clampi(body / 2, 6, 11);
    int gh = clampi((body - sh) / 2, 3, 6);
    int ch = body - sh - gh;
    l->status = mkrect(left, 0, pw, sh);
    l->suggest = mkrect(left, sh, pw, gh);
    l->cursor = mkrect(left, sh + gh, pw, ch);
    int logh = 0;
    if (flags & LAYOUT_LOG) {
        logh = clampi(rows / 4, 4, 20);
        if (body - logh < MIN_PLOT_ROWS)
            logh = 0;
    }
    l->plot = mkrect(0, 0, left, body - logh);
    if (logh > 0)
        l->log = mkrect(0, body - logh, left, logh);
}

/* Narrow screens: the plot on top, the log pane and a band of panels below it. */
static void layout_narrow(int rows, int cols, unsigned flags, struct layout *l)
{
    int body = rows - 1;
    int bh = rows < 16 ? 4 : rows < 28 ? 6 : 8;
    int logh = 0;
    if (flags & LAYOUT_LOG) {
        logh = clampi(rows / 5, 3, 10);
        if (body - bh - logh < MIN_PLOT_ROWS)
            logh = 0;
    }
    int ph = body - bh - logh;
    l->plot = mkrect(0, 0, cols, ph);
    if (logh > 0)
        l->log = mkrect(0, ph, cols, logh);
    int by = ph + logh;
    if (cols >= NARROW_THREE_COLS) {
        int sw = cols * 2 / 5;
        int gw = (cols - sw) / 2;
        l->status = mkrect(0, by, sw, bh);
        l->suggest = mkrect(sw, by, gw, bh);
        l->cursor = mkrect(sw + gw, by, cols - sw - gw, bh);
    } else {
        int sw = cols / 2;
        int gh = bh / 2;
        l->status = mkrect(0, by, sw, bh);
        l->suggest = mkrect(sw, by, cols - sw, gh);
        l->cursor = mkrect(sw, by + gh, cols - sw, bh - gh);
    }
}

bool layout_compute(int rows, int cols, unsigned flags, struct layout *out)
{
    memset(out, 0, sizeof *out);
    if (rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS) {
        out->too_small = true;
        return false;
    }
    out->wide = cols >= LAYOUT_WIDE_COLS && rows >= LAYOUT_WIDE_ROWS;
    if (out->wide)
        layout_wide(rows, cols, flags, out);
    else
        layout_narrow(rows, cols, flags, out);
    out->keys = mkrect(0, rows - 1, cols, 1);
    if (flags & LAYOUT_HELP) {
        int w = cols - 4 < 72 ? cols - 4 : 72;
        int h = rows - 2 < 24 ? rows - 2 : 24;
        out->help = mkrect((cols - w) / 2, (rows - h) / 2, w, h);
    }
    return true;
}

bool layout_rect_empty(struct rect r)
{
    return r.w <= 0 || r.h <= 0;
}

bool layout_rect_overlap(struct rect a, struct rect b)
{
    if (layout_rect_empty(a) || layout_rect_empty(b))
        return false;
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

bool layout_rect_inside(struct rect r, int rows, int cols)
{
    if (layout_rect_empty(r))
        return true;
    return r.x >= 0 && r.y >= 0 && r.x + r.w <= cols && r.y + r.h <= rows;
}

void layout_draw_too_small(struct grid *g)
{
    char line1[96], line2[96];
    grid_clear(g);
    snprintf(line1, sizeof line1, "terminal too small: %dx%d", g->w, g->h);
    snprintf(line2, sizeof line2, "lrfind needs %dx%d", LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS);
    const char *lines[2] = {line1, line2};
    int n = g->h >= 2 ? 2 : 1;
    int y0 = (g->h - n) / 2;
    for (int i = 0; i < n; i++) {
        int w = grid_text_width(lines[i]);
        int x = w < g->w ? (g->w - w) / 2 : 0;
        grid_puts(g, x, y0 + i, lines[i], ROLE_WARN);
    }
}
