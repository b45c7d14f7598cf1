/* plot.c: the loss curve, its axes, suggestions, cursor, regions and legend, into a grid. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrfind/axis.h"
#include "lrfind/plot.h"

#define MIN_PLOT_W 4 /* cells inside the axes */
#define MIN_PLOT_H 2
#define RIGHT_MARGIN 2 /* room for the last x label, centred on the last column */
#define MAX_LEGEND_ITEMS 64
#define MAX_SUGGEST_SERIES 4 /* suggestions are marked and listed for the first four series */
#define U_LIMIT 1e9 /* sub-row coordinates are clamped to +-this to keep arithmetic finite */

/* Glyphs of a charset, chosen once per render. */
struct glyphs {
    uint32_t vline, hline, corner, xtick, ytick; /* axes */
    uint32_t cursor, drop, offtop, cursor_pt, raw;
    uint32_t overlay[ROLE_OVERLAY_COUNT]; /* ASCII overlay glyphs (0: braille pattern) */
    const char *sample_main;              /* legend sample of the smoothed line */
    const char *sample_overlay[ROLE_OVERLAY_COUNT];
};

static const struct glyphs ascii_glyphs = {
    '|',
    '-',
    '+',
    '+',
    '+',
    '|',
    ':',
    '^',
    '@',
    '+',
    {'o', 'x', '%', '&'},
    "---",
    {"o", "x", "%", "&"},
};

/* Braille overlays are dotted or dashed: overlay k lights sub-column c when bit c % 4 of
 * overlay_pattern[k] is set, so they stay apart from the solid main line without colour. */
static const unsigned overlay_pattern[ROLE_OVERLAY_COUNT] = {0x5, 0x3, 0x1, 0x7};

static const struct glyphs braille_glyphs = {
    0x2502,
    0x2500,
    0x2514,
    0x252c,
    0x2524,
    0x2502,
    0x250a,
    '^',
    '@',
    0,
    {0, 0, 0, 0},
    "\u2812\u2812\u2812",
    {"\u2802\u2802\u2802", "\u2812\u2800\u2812", "\u2802\u2800\u2800\u2802", "\u2812\u2802\u2812"},
};

/* The bit of braille dot (column dx in 0..1, row dy in 0..3) in U+2800 + bits. */
static const uint8_t braille_bit[2][4] = {{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}};

/* ASCII line character for the sub-levels (1 top, 2 middle, 4 bottom) a column covers in a
 * cell: ' for the top third, - the middle, . the bottom; a pair leans to its outer level, so
 * a descent reads '. and an ascent .'; all three is a vertical stroke. */
static const char ascii_line[8] = {' ', '\'', '-', '\'', '.', '|', '.', '|'};

/* The geometry and scales of one render. */
struct frame {
    struct rect area;  /* plot cells on the grid */
    int pw, ph;        /* area size */
    int sx, sy;        /* sub-cells per cell: braille 2x4, ASCII 1x3 */
    int nc, nr;        /* sub-columns, sub-rows */
    double x_lo, x_hi; /* log10 lr */
    double y_lo, y_hi; /* loss */
    bool y_ok;
    double *edge;          /* [nc + 1] lr at the left edge of each sub-column */
    double lr_lo, lr_hi;   /* 10^x_lo, 10^x_hi with a hair of slack */
    const bool *sorted;    /* [n_series] whether each series' rates are nondecreasing */
    size_t *start;         /* [nc + 1] scratch: first index of each sub-column (sorted rates) */
    double u_scale, u_off; /* frame_u: (y_hi - v) * u_scale + u_off */
    const struct glyphs *gl;
    bool braille;
};

/* The values of a series that fall in one sub-column, as sub-row coordinates (0 = top). */
struct bin {
    double first, last, min, max;
    bool on;
    bool above; /* a value above the view (or +inf) fell here */
};

/* The vertical extent a curve covers in one sub-column. */
struct span {
    double top, bot;
    bool on;
};

struct plot_opts plot_opts_default(void)
{
    return (struct plot_opts){PLOT_ASCII, PLOT_ALL, -1, NULL, NULL};
}

char plot_suggest_letter(enum suggest_method m)
{
    static const char letters[SUGGEST_COUNT] = {'V', 'S', 'M', 'T'};
    return (unsigned)m < SUGGEST_COUNT ? letters[m] : '?';
}

/* The name of method m for the legend (suggest.c owns suggest_name; this keeps the renderer
 * linkable on its own). */
static const char *method_name(int m)
{
    static const char *const names[SUGGEST_COUNT] = {"valley", "slide", "minimum", "steep"};
    return (unsigned)m < SUGGEST_COUNT ? names[m] : "?";
}

static const double *series_smooth(const struct plot_series *s)
{
    return s->smooth ? s->smooth : s->loss;
}

static bool series_has_points(const struct plot_series *s)
{
    return s->n > 0 && s->lr != NULL && series_smooth(s) != NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Views and regions */

/* Whether the rates are nondecreasing (NaN breaks it): the fast paths need it. */
static bool is_sorted(const double *lr, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (!(lr[i] >= lr[i - 1]))
            return false;
    return true;
}

/* The lowest and highest positive finite rate of a series; false when it has none. Sorted
 * rates are read from the ends. */
static bool series_x_range(const struct plot_series *s, bool sorted, double *lo, double *hi)
{
    const double *lr = s->lr;
    *lo = HUGE_VAL;
    *hi = -HUGE_VAL;
    if (sorted) {
        size_t i = 0, j = s->n;
        while (i < s->n && !(lr[i] > 0 && isfinite(lr[i])))
            i++;
        while (j > i && !(lr[j - 1] > 0 && isfinite(lr[j - 1])))
            j--;
        if (i >= j)
            return false;
        *lo = lr[i];
        *hi = lr[j - 1];
        return true;
    }
    for (size_t i = 0; i < s->n; i++) {
        if (!(lr[i] > 0) || !isfinite(lr[i]))
            continue;
        *lo = fmin(*lo, lr[i]);
        *hi = fmax(*hi, lr[i]);
    }
    return *lo <= *hi;
}

/* plot_auto_view with the sortedness of each series known (NULL: find out). */
static bool auto_view(const struct plot_series *s, size_t n_series, const bool *sorted,
                      struct plot_view *v)
{
    double xlo = HUGE_VAL, xhi = -HUGE_VAL;
    struct axis_range y = {HUGE_VAL, -HUGE_VAL};
    bool any_y = false;
    for (size_t k = 0; k < n_series; k++) {
        if (!series_has_points(&s[k]))
            continue;
        double lo, hi;
        bool sk = sorted ? sorted[k] : is_sorted(s[k].lr, s[k].n);
        if (series_x_range(&s[k], sk, &lo, &hi)) {
            xlo = fmin(xlo, lo);
            xhi = fmax(xhi, hi);
        }
        struct axis_range r;
        if (axis_loss_range(s[k].loss, series_smooth(&s[k]), s[k].n, &r)) {
            y.lo = fmin(y.lo, r.lo);
            y.hi = fmax(y.hi, r.hi);
            any_y = true;
        }
    }
    if (!(xlo <= xhi))
        return false;
    v->x_lo = log10(xlo);
    v->x_hi = log10(xhi);
    if (!(v->x_hi > v->x_lo)) {
        v->x_lo -= 0.5;
        v->x_hi += 0.5;
    }
    if (any_y) {
        v->y_lo = y.lo;
        v->y_hi = y.hi;
    } else {
        v->y_lo = v->y_hi = (double)NAN;
    }
    return true;
}

bool plot_auto_view(const struct plot_series *s, size_t n_series, struct plot_view *v)
{
    return auto_view(s, n_series, NULL, v);
}

bool plot_regions(const struct plot_series *s, struct plot_regions *out)
{
    memset(out, 0, sizeof *out);
    if (s == NULL || s->sugg == NULL || !series_has_points(s))
        return false;
    const struct suggestion *mn = &s->sugg[SUGGEST_MINIMUM];
    const double *sm = series_smooth(s);
    if (!mn->ok || mn->index >= s->n || !isfinite(sm[mn->index]))
        return false;
    size_t m = mn->index, t = 0;
    double top = -HUGE_VAL;
    for (size_t i = 0; i <= m; i++)
        if (isfinite(sm[i]) && sm[i] > top) {
            top = sm[i];
            t = i;
        }
    double drop = top - sm[m];
    if (!(drop > 0.05 * fabs(top))) /* a flat curve has no sweet spot */
        return false;
    size_t st = m;
    for (size_t i = t; i <= m; i++)
        if (isfinite(sm[i]) && sm[i] <= top - 0.1 * drop) {
            st = i;
            break;
        }
    out->known = true;
    /* too high: once the loss has climbed back by 10% of its fall (or stopped being finite) */
    for (size_t i = m + 1; i < s->n && !out->high_known; i++)
        out->high_known = !isfinite(sm[i]) || sm[i] >= sm[m] + 0.1 * drop;
    out->lr_last = s->lr[s->n - 1];
    out->sweet_lo = st;
    out->sweet_hi = m;
    out->lr_lo = s->lr[st];
    out->lr_hi = s->lr[m];
    return true;
}

/* ------------------------------------------------------------------------------------------ */
/* Scales */

/* Sub-row coordinate of loss v, 0 at the top edge of the area and nr at its bottom edge. y_hi
 * and y_lo map to the middles of the top and bottom rows, so a value on a tick is drawn at
 * the height of the tick mark (a flat line at 2.0 is "-" next to "2.0 +"). */
static double frame_u(const struct frame *f, double v)
{
    double u = (f->y_hi - v) * f->u_scale + f->u_off;
    if (!(u > -U_LIMIT))
        return -U_LIMIT;
    if (u > U_LIMIT)
        return U_LIMIT;
    return u;
}

/* The sub-row holding coordinate u: -1 above the view, nr below it. */
static int sub_row(const struct frame *f, double u)
{
    if (u < 0)
        return -1;
    if (u > f->nr)
        return f->nr;
    int r = (int)floor(u);
    return r >= f->nr ? f->nr - 1 : r;
}

/* The cell row (0 = top of the area) of loss v, clamped to the area. */
static int value_row(const struct frame *f, double v)
{
    int r = sub_row(f, frame_u(f, v));
    if (r < 0)
        r = 0;
    if (r >= f->nr)
        r = f->nr - 1;
    return r / f->sy;
}

/* The cell column (0 = left of the area) of rate lr, or -1 outside the view. */
static int lr_col(const struct frame *f, double lr)
{
    if (!(lr > 0))
        return -1;
    int c = axis_cell(log10(lr), f->x_lo, f->x_hi, f->nc);
    return c < 0 ? -1 : c / f->sx;
}

/* ------------------------------------------------------------------------------------------ */
/* Walking the points of a series by sub-column */

/* The first index whose lr is >= x in the sorted lr[n]. */
static size_t lower_bound(const double *lr, size_t n, double x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (lr[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The first index whose lr is > x in the sorted lr[n]. */
static size_t upper_bound(const double *lr, size_t n, double x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (lr[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* For sorted rates: the points of sub-column c are start[c] .. start[c + 1] - 1 (a binary
 * search an edge, so a sweep of any length costs O(columns log n) to split). */
static void column_ranges(const struct frame *f, const double *lr, size_t n, size_t *start)
{
    start[0] = lower_bound(lr, n, f->lr_lo);
    for (int c = 1; c < f->nc; c++)
        start[c] = lower_bound(lr, n, f->edge[c]);
    start[f->nc] = upper_bound(lr, n, f->lr_hi);
    for (int c = 1; c <= f->nc; c++)
        if (start[c] < start[c - 1])
            start[c] = start[c - 1];
}

/* For unsorted rates: the sub-column of rate x, or -1 outside the view. */
static int rate_subcol(const struct frame *f, double x)
{
    if (!(x > 0) || !isfinite(x))
        return -1;
    return axis_cell(log10(x), f->x_lo, f->x_hi, f->nc);
}

/* Add value y (a loss) to bin b. */
static inline void bin_add(const struct frame *f, struct bin *b, double y)
{
    if (isnan(y))
        return;
    if (isinf(y)) {
        if (y > 0)
            b->above = true;
        return;
    }
    double u = frame_u(f, y);
    if (u < 0)
        b->above = true;
    if (!b->on) {
        b->first = b->min = b->max = u;
        b->on = true;
    } else {
        if (u < b->min)
            b->min = u;
        if (u > b->max)
            b->max = u;
    }
    b->last = u;
}

/* Bin the values v[] of a series by sub-column. */
static void bin_values(const struct frame *f, const double *lr, const double *v, size_t n,
                       bool sorted, struct bin *bins)
{
    for (int c = 0; c < f->nc; c++)
        bins[c] = (struct bin){0, 0, 0, 0, false, false};
    if (sorted) {
        column_ranges(f, lr, n, f->start);
        for (int c = 0; c < f->nc; c++)
            for (size_t i = f->start[c]; i < f->start[c + 1]; i++)
                bin_add(f, &bins[c], v[i]);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        int c = rate_subcol(f, lr[i]);
        if (c >= 0)
            bin_add(f, &bins[c], v[i]);
    }
}

static void span_add(struct span *s, double a, double b)
{
    double lo = fmin(a, b), hi = fmax(a, b);
    if (!s->on) {
        s->top = lo;
        s->bot = hi;
        s->on = true;
    } else {
        s->top = fmin(s->top, lo);
        s->bot = fmax(s->bot, hi);
    }
}

/* Turn bins into a connected line: each sub-column covers its own values and the pieces of
 * the straight segments to its neighbours (through empty sub-columns too). */
static void bins_to_spans(const struct bin *b, int nc, struct span *sp)
{
    int prev = -1;
    for (int c = 0; c < nc; c++)
        sp[c].on = false;
    for (int c = 0; c < nc; c++) {
        if (!b[c].on)
            continue;
        span_add(&sp[c], b[c].min, b[c].max);
        if (prev >= 0) {
            double x0 = prev + 0.5, y0 = b[prev].last, x1 = c + 0.5, y1 = b[c].first;
            for (int k = prev; k <= c; k++) {
                double xa = fmax(k, x0), xb = fmin(k + 1, x1);
                double ya = y0 + (y1 - y0) * (xa - x0) / (x1 - x0);
                double yb = y0 + (y1 - y0) * (xb - x0) / (x1 - x0);
                span_add(&sp[k], ya, yb);
            }
        }
        prev = c;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Drawing into the area */

static void area_put(struct grid *g, const struct frame *f, int col, int row, uint32_t ch,
                     enum role role)
{
    if (col < 0 || row < 0 || col >= f->pw || row >= f->ph)
        return;
    grid_put(g, f->area.x + col, f->area.y + row, ch, role);
}

/* The sub-rows [*r0, *r1] a lit span covers, clipped to the area; false when none. */
static bool span_rows(const struct frame *f, const struct span *sp, int *r0, int *r1)
{
    if (!sp->on)
        return false;
    *r0 = sub_row(f, sp->top);
    *r1 = sub_row(f, sp->bot);
    if (*r1 < 0 || *r0 >= f->nr)
        return false;
    if (*r0 < 0)
        *r0 = 0;
    if (*r1 >= f->nr)
        *r1 = f->nr - 1;
    return true;
}

/* Braille dot masks of a line: mask[pw * ph]; pattern selects the lit sub-columns. */
static void spans_to_dots(const struct frame *f, const struct span *sp, unsigned pattern,
                          uint8_t *mask)
{
    for (int c = 0; c < f->nc; c++) {
        int r0, r1;
        if (!((pattern >> (c % 4)) & 1) || !span_rows(f, &sp[c], &r0, &r1))
            continue;
        int col = c / 2, dx = c % 2;
        for (int r = r0; r <= r1; r++)
            mask[(size_t)(r / 4) * (size_t)f->pw + (size_t)col] |= braille_bit[dx][r % 4];
    }
}

/* ASCII sub-level masks of a line (1 top, 2 middle, 4 bottom third of a cell). */
static void spans_to_levels(const struct frame *f, const struct span *sp, uint8_t *mask)
{
    for (int c = 0; c < f->nc; c++) {
        int r0, r1;
        if (!span_rows(f, &sp[c], &r0, &r1))
            continue;
        for (int r = r0; r <= r1; r++)
            mask[(size_t)(r / 3) * (size_t)f->pw + (size_t)c] |= (uint8_t)(1u << (r % 3));
    }
}

/* Mark raw point y of sub-column c: a braille dot, or (ASCII) a cell. */
static inline void raw_mark(const struct frame *f, int c, double y, uint8_t *mask)
{
    if (!isfinite(y))
        return;
    double u = frame_u(f, y);
    if (u < 0 || u >= f->nr)
        return;
    int r = (int)u;
    if (f->braille)
        mask[(size_t)(r >> 2) * (size_t)f->pw + (size_t)(c >> 1)] |= braille_bit[c & 1][r & 3];
    else
        mask[(size_t)(r / 3) * (size_t)f->pw + (size_t)c] = 1;
}

/* Mark the raw points of a series. */
static void raw_to_mask(const struct frame *f, const double *lr, const double *v, size_t n,
                        bool sorted, uint8_t *mask)
{
    if (sorted) {
        column_ranges(f, lr, n, f->start);
        for (int c = 0; c < f->nc; c++)
            for (size_t i = f->start[c]; i < f->start[c + 1]; i++)
                raw_mark(f, c, v[i], mask);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        int c = rate_subcol(f, lr[i]);
        if (c >= 0)
            raw_mark(f, c, v[i], mask);
    }
}

/* Scratch memory of one render. */
struct scratch {
    struct bin *bins;   /* [nc] */
    struct span *spans; /* [nc] */
    uint8_t *mask;      /* [pw * ph] */
    uint8_t *mask2;     /* [pw * ph] */
    double *edge;       /* [nc + 1] */
    size_t *start;      /* [nc + 1] */
};

static void scratch_free(struct scratch *s)
{
    free(s->bins);
    free(s->spans);
    free(s->mask);
    free(s->mask2);
    free(s->edge);
    free(s->start);
}

static int scratch_alloc(struct scratch *s, const struct frame *f)
{
    size_t cells = (size_t)f->pw * (size_t)f->ph;
    s->bins = malloc((size_t)f->nc * sizeof *s->bins);
    s->spans = malloc((size_t)f->nc * sizeof *s->spans);
    s->mask = malloc(cells);
    s->mask2 = malloc(cells);
    s->edge = malloc(((size_t)f->nc + 1) * sizeof *s->edge);
    s->start = malloc(((size_t)f->nc + 1) * sizeof *s->start);
    if (!s->bins || !s->spans || !s->mask || !s->mask2 || !s->edge || !s->start) {
        scratch_free(s);
        memset(s, 0, sizeof *s);
        return -1;
    }
    return 0;
}

/* Draw an overlay series k (1-based) as a faint line in its glyph or braille pattern. */
static void draw_overlay(struct grid *g, const struct frame *f, struct scratch *sc,
                         const struct plot_series *s, size_t k)
{
    int slot = (int)((k - 1) % ROLE_OVERLAY_COUNT);
    enum role role = (enum role)(ROLE_OVERLAY1 + slot);
    bin_values(f, s->lr, series_smooth(s), s->n, f->sorted[k], sc->bins);
    bins_to_spans(sc->bins, f->nc, sc->spans);
    if (f->braille) {
        memset(sc->mask, 0, (size_t)f->pw * (size_t)f->ph);
        spans_to_dots(f, sc->spans, overlay_pattern[slot], sc->mask);
        for (int row = 0; row < f->ph; row++)
            for (int col = 0; col < f->pw; col++) {
                uint8_t m = sc->mask[(size_t)row * (size_t)f->pw + (size_t)col];
                if (m)
                    area_put(g, f, col, row, 0x2800u + m, role);
            }
        return;
    }
    for (int c = 0; c < f->nc; c++) {
        const struct span *sp = &sc->spans[c];
        if (!sp->on)
            continue;
        int r0 = sub_row(f, sp->top), r1 = sub_row(f, sp->bot);
        if (r1 < 0 || r0 >= f->nr)
            continue;
        r0 = r0 < 0 ? 0 : r0;
        r1 = r1 >= f->nr ? f->nr - 1 : r1;
        for (int row = r0 / 3; row <= r1 / 3; row++)
            area_put(g, f, c, row, f->gl->overlay[slot], role);
    }
}

/* Draw the main series: raw points, then the smoothed line over them. Sets *clipped when the
 * line goes above the view, and marks the columns that are entirely above it with ^. */
static void draw_main(struct grid *g, const struct frame *f, struct scratch *sc,
                      const struct plot_series *s, bool raw, bool *clipped)
{
    size_t cells = (size_t)f->pw * (size_t)f->ph;
    const double *sm = series_smooth(s);
    memset(sc->mask, 0, cells);  /* line */
    memset(sc->mask2, 0, cells); /* raw */
    if (raw && s->loss != NULL && s->loss != sm)
        raw_to_mask(f, s->lr, s->loss, s->n, f->sorted[0], sc->mask2);
    bin_values(f, s->lr, sm, s->n, f->sorted[0], sc->bins);
    bins_to_spans(sc->bins, f->nc, sc->spans);
    if (f->braille)
        spans_to_dots(f, sc->spans, 0xf, sc->mask);
    else
        spans_to_levels(f, sc->spans, sc->mask);
    for (size_t i = 0; i < cells; i++) {
        int col = (int)(i % (size_t)f->pw), row = (int)(i / (size_t)f->pw);
        uint8_t line = sc->mask[i], pts = sc->mask2[i];
        if (f->braille) {
            if (line | pts)
                area_put(g, f, col, row, 0x2800u + (line | pts), line ? ROLE_SMOOTH : ROLE_RAW);
        } else if (line) {
            area_put(g, f, col, row, (uint32_t)ascii_line[line & 7], ROLE_SMOOTH);
        } else if (pts) {
            area_put(g, f, col, row, f->gl->raw, ROLE_RAW);
        }
    }
    /* Columns whose whole curve is above the view get a ^ in the top row. */
    for (int col = 0; col < f->pw; col++) {
        bool above = false, inside = false;
        for (int k = col * f->sx; k < (col + 1) * f->sx; k++) {
            if (sc->bins[k].above)
                above = true;
            if (sc->spans[k].on && sc->spans[k].top < 0)
                above = true;
            if (sc->spans[k].on && sc->spans[k].bot >= 0)
                inside = true;
        }
        if (above)
            *clipped = true;
        if (above && !inside)
            area_put(g, f, col, 0, f->gl->offtop, ROLE_OFFSCALE);
    }
}

/* The smoothed loss of s at rate lr, interpolated in log lr (the nearest point at the ends);
 * fallback is used when the rates are not sorted or the value is not finite. */
static double value_at(const struct plot_series *s, bool sorted, double lr, size_t fallback)
{
    const double *sm = series_smooth(s);
    const double *x = s->lr;
    size_t n = s->n;
    double fb = fallback < n ? sm[fallback] : (double)NAN;
    if (n == 0)
        return (double)NAN;
    if (!sorted)
        return fb;
    size_t i = lower_bound(x, n, lr);
    double v;
    if (i == 0)
        v = sm[0];
    else if (i >= n)
        v = sm[n - 1];
    else if (x[i] == lr || !(x[i - 1] > 0))
        v = sm[i];
    else {
        double t = (log(lr) - log(x[i - 1])) / (log(x[i]) - log(x[i - 1]));
        v = sm[i - 1] + t * (sm[i] - sm[i - 1]);
    }
    return isfinite(v) ? v : fb;
}

struct mark {
    int col, row;
    char letter;
    int series;
};

/* Where the suggestion letters go: on their curves, moved up (or down) a row when two would
 * share a cell. Returns the number of marks. */
static int place_marks(const struct frame *f, const struct plot_series *s, size_t n_series,
                       struct mark *marks, int max)
{
    int n = 0;
    for (size_t k = 0; k < n_series; k++) {
        if (s[k].sugg == NULL || !series_has_points(&s[k]))
            continue;
        for (int m = 0; m < SUGGEST_COUNT && n < max; m++) {
            const struct suggestion *sg = &s[k].sugg[m];
            if (!sg->ok)
                continue;
            int col = lr_col(f, sg->lr);
            if (col < 0)
                continue;
            double v = value_at(&s[k], f->sorted[k], sg->lr, sg->index);
            if (!isfinite(v))
                continue;
            int row = value_row(f, v);
            /* first free row: 0, -1, +1, -2, +2 ... away from the curve point */
            for (int d = 0; d < 2 * f->ph; d++) {
                int r = row + ((d & 1) ? -(d + 1) / 2 : d / 2);
                if (r < 0 || r >= f->ph)
                    continue;
                bool taken = false;
                for (int j = 0; j < n; j++)
                    if (marks[j].col == col && marks[j].row == r)
                        taken = true;
                if (!taken) {
                    marks[n++] =
                        (struct mark){col, r, plot_suggest_letter((enum suggest_method)m), (int)k};
                    break;
                }
            }
        }
    }
    return n;
}

/* ------------------------------------------------------------------------------------------ */
/* Chrome: axes, regions, legend */

/* A legend item: sample glyphs and text; a NULL text with newline starts a new line. */
struct legend_item {
    char sample[32];
    enum role srole;
    char text[128];
    enum role trole;
    bool newline;
    bool tight; /* one blank after it rather than three (a "label:" heading its group) */
};

struct legend {
    struct legend_item items[MAX_LEGEND_ITEMS];
    int n;
};

static void legend_add(struct legend *lg, const char *sample, enum role srole, const char *text,
                       enum role trole)
{
    if (lg->n >= MAX_LEGEND_ITEMS)
        return;
    struct legend_item *it = &lg->items[lg->n++];
    snprintf(it->sample, sizeof it->sample, "%s", sample ? sample : "");
    it->srole = srole;
    snprintf(it->text, sizeof it->text, "%s", text ? text : "");
    it->trole = trole;
    it->newline = false;
    it->tight = false;
}

static void legend_break(struct legend *lg)
{
    if (lg->n > 0 && !lg->items[lg->n - 1].newline && lg->n < MAX_LEGEND_ITEMS) {
        lg->items[lg->n] = (struct legend_item){.newline = true};
        lg->n++;
    }
}

static int item_width(const struct legend_item *it)
{
    int w = grid_text_width(it->sample) + grid_text_width(it->text);
    return it->sample[0] && it->text[0] ? w + 1 : w;
}

/* Lay the legend out in lines of width w; draws when g is not NULL (at most max_lines lines
 * from (x, y)). Returns the number of lines the whole legend needs. */
static int legend_flow(const struct legend *lg, struct grid *g, struct rect clip, int x, int y,
                       int w, int max_lines)
{
    int line = 0, col = 0, sep = 0;
    bool empty_line = true;
    for (int i = 0; i < lg->n; i++) {
        const struct legend_item *it = &lg->items[i];
        if (it->newline) {
            if (!empty_line) {
                line++;
                col = 0;
                empty_line = true;
            }
            continue;
        }
        int iw = item_width(it);
        if (!empty_line && col + sep + iw > w) {
            line++;
            col = 0;
            empty_line = true;
        }
        int at = empty_line ? 0 : col + sep;
        if (g != NULL && line < max_lines) {
            int cx = x + at;
            cx += grid_puts_clip(g, clip, cx, y + line, it->sample, it->srole);
            if (it->sample[0] && it->text[0])
                cx++;
            grid_puts_clip(g, clip, cx, y + line, it->text, it->trole);
        }
        col = at + iw;
        sep = it->tight ? 1 : 3;
        empty_line = false;
    }
    return empty_line ? line : line + 1;
}

/* The legend of a render. */
static void build_legend(struct legend *lg, const struct plot_series *s, size_t n_series,
                         const struct plot_opts *o, const struct glyphs *gl, bool clipped)
{
    char buf[128], glyph[8];
    lg->n = 0;
    if (n_series == 0)
        return;
    legend_add(lg, gl->sample_main, ROLE_SMOOTH, s[0].label ? s[0].label : "smoothed loss",
               ROLE_LABEL);
    if ((o->flags & PLOT_RAW) && s[0].loss != NULL && s[0].smooth != NULL &&
        s[0].loss != s[0].smooth) {
        if (gl->raw)
            grid_utf8_encode(gl->raw, glyph);
        else
            grid_utf8_encode(0x2800u + 0x02 + 0x20, glyph); /* two scattered dots */
        legend_add(lg, glyph, ROLE_RAW, "raw loss", ROLE_LABEL);
    }
    for (size_t k = 1; k < n_series; k++) {
        int slot = (int)((k - 1) % ROLE_OVERLAY_COUNT);
        if (s[k].label)
            snprintf(buf, sizeof buf, "%s", s[k].label);
        else
            snprintf(buf, sizeof buf, "sweep %zu", k);
        legend_add(lg, gl->sample_overlay[slot], (enum role)(ROLE_OVERLAY1 + slot), buf,
                   ROLE_LABEL);
    }
    if (clipped) {
        grid_utf8_encode(gl->offtop, glyph);
        legend_add(lg, glyph, ROLE_OFFSCALE, "off scale", ROLE_LABEL);
    }
    if (!(o->flags & PLOT_LEGEND_SUGGEST))
        return;
    for (size_t k = 0; k < n_series && k < MAX_SUGGEST_SERIES; k++) {
        if (s[k].sugg == NULL)
            continue;
        legend_break(lg);
        if (n_series > 1) {
            snprintf(buf, sizeof buf, "%s:", s[k].label ? s[k].label : "sweep");
            legend_add(lg, "", ROLE_NONE, buf, k == 0 ? ROLE_SMOOTH : ROLE_LABEL);
            lg->items[lg->n - 1].tight = true;
        }
        for (int m = 0; m < SUGGEST_COUNT; m++) {
            const struct suggestion *sg = &s[k].sugg[m];
            char letter[2] = {plot_suggest_letter((enum suggest_method)m), 0};
            if (sg->ok && isfinite(sg->lr))
                snprintf(buf, sizeof buf, "%s %.2e", method_name(m), sg->lr);
            else
                snprintf(buf, sizeof buf, "%s none", method_name(m));
            legend_add(lg, letter, ROLE_SUGGEST, buf, ROLE_LABEL);
        }
    }
}

/* Draw one region of the band: cells [a, b) of the header row, filled and named. */
static void draw_region(struct grid *g, int x0, int y, int a, int b, uint32_t fill,
                        const char *const names[], enum role role)
{
    if (b <= a)
        return;
    for (int c = a; c < b; c++)
        grid_put(g, x0 + c, y, fill, role);
    for (int i = 0; names[i] != NULL; i++) {
        int w = grid_text_width(names[i]);
        if (w + 2 <= b - a) {
            grid_puts(g, x0 + a + (b - a - w) / 2, y, names[i], role);
            return;
        }
    }
}

static void draw_regions(struct grid *g, const struct frame *f, int y,
                         const struct plot_regions *rg)
{
    static const char *const low[] = {" too low ", " low ", NULL};
    static const char *const sweet[] = {" sweet spot ", " sweet ", " ok ", NULL};
    static const char *const high[] = {" too high ", " high ", NULL};
    double xl = log10(rg->lr_lo), xh = log10(rg->lr_hi);
    if (!isfinite(xl) || !isfinite(xh))
        return;
    /* region boundaries as cell columns, clamped to the area */
    double fl = (xl - f->x_lo) / (f->x_hi - f->x_lo) * f->pw;
    double fh = (xh - f->x_lo) / (f->x_hi - f->x_lo) * f->pw;
    int b1 = fl < 0 ? 0 : fl > f->pw ? f->pw : (int)floor(fl);
    int b2 = fh < 0 ? 0 : fh >= f->pw ? f->pw : (int)floor(fh) + 1;
    if (b2 < b1)
        b2 = b1;
    draw_region(g, f->area.x, y, 0, b1, '-', low, ROLE_REGION_LOW);
    draw_region(g, f->area.x, y, b1, b2, '=', sweet, ROLE_REGION_SWEET);
    if (rg->high_known) { /* up to the last rate tried, not over the untried rest */
        double fe = (log10(rg->lr_last) - f->x_lo) / (f->x_hi - f->x_lo) * f->pw;
        int b3 = !(fe < f->pw) ? f->pw : fe < b2 ? b2 : (int)floor(fe) + 1;
        draw_region(g, f->area.x, y, b2, b3, '-', high, ROLE_REGION_HIGH);
    }
}

/* Write s centred in r's row y (clipped to r). */
static void put_centred(struct grid *g, struct rect r, int y, const char *s, enum role role)
{
    int w = grid_text_width(s);
    int x = r.x + (w < r.w ? (r.w - w) / 2 : 0);
    grid_puts_clip(g, r, x, y, s, role);
}

/* Whether cells [x, x + w) of row y are all blank. */
static bool row_free(const struct grid *g, int x, int y, int w)
{
    for (int i = 0; i < w; i++) {
        const struct cell *c = grid_at(g, x + i, y);
        if (c == NULL || c->ch != ' ')
            return false;
    }
    return true;
}

/* ------------------------------------------------------------------------------------------ */

static bool view_x_ok(const struct plot_view *v)
{
    return isfinite(v->x_lo) && isfinite(v->x_hi) && v->x_hi > v->x_lo;
}

static bool view_y_ok(const struct plot_view *v)
{
    return isfinite(v->y_lo) && isfinite(v->y_hi) && v->y_hi > v->y_lo;
}

/* plot_render with the sortedness of each series' rates known. */
static int render(struct grid *g, struct rect r, const struct plot_series *s, size_t n_series,
                  const struct plot_view *view, const struct plot_opts *opts,
                  struct plot_geom *geom, const bool *sorted)
{
    struct plot_opts o = opts ? *opts : plot_opts_default();
    struct plot_geom gm;
    memset(&gm, 0, sizeof gm);
    if (geom)
        *geom = gm;
    r = grid_clip(g, r);
    if (r.w <= 0 || r.h <= 0)
        return 0;
    grid_fill(g, r, ' ', ROLE_NONE);

    /* The view: the caller's where it is sound, the automatic one elsewhere. */
    bool have_data = false;
    for (size_t k = 0; k < n_series; k++)
        if (series_has_points(&s[k]))
            have_data = true;
    struct plot_view auto_v = {-7, 1, (double)NAN, (double)NAN}, v;
    bool need_auto = view == NULL || !view_x_ok(view) || !view_y_ok(view);
    bool have_auto = have_data && need_auto && auto_view(s, n_series, sorted, &auto_v);
    v = view ? *view : auto_v;
    if (!view_x_ok(&v)) {
        v.x_lo = auto_v.x_lo;
        v.x_hi = auto_v.x_hi;
        if (!have_auto && view && isfinite(view->x_lo)) {
            v.x_lo = view->x_lo - 0.5;
            v.x_hi = view->x_lo + 0.5;
        }
    }
    if (!view_y_ok(&v)) {
        v.y_lo = auto_v.y_lo;
        v.y_hi = auto_v.y_hi;
    }
    bool y_ok = view_y_ok(&v);

    /* Rows: title, header (y title, regions), plot, x axis, x labels, legend. */
    const struct glyphs *gl = o.charset == PLOT_BRAILLE ? &braille_glyphs : &ascii_glyphs;
    struct legend lg;
    int avail = r.h - 2;
    int header = avail >= 4 ? 1 : 0;
    int title = (o.title != NULL && avail - header >= 8) ? 1 : 0;
    int legend_rows = 0;
    if ((o.flags & PLOT_LEGEND) && have_data) {
        /* clipping is not known yet: reserve for the ^ item whenever data exist */
        build_legend(&lg, s, n_series, &o, gl, have_data);
        int need = legend_flow(&lg, NULL, r, 0, 0, r.w, 0);
        int max = (avail - header - title) / 3;
        legend_rows = need < max ? need : max;
    }
    int ph = avail - header - title - legend_rows;

    /* y ticks decide the gutter. */
    struct axis_tick yt[AXIS_MAX_TICKS];
    int nyt = 0, ylw = 0;
    if (y_ok && ph >= MIN_PLOT_H) {
        nyt = axis_linear_ticks(v.y_lo, v.y_hi, ph, ph >= 12 ? 3 : 2, yt, AXIS_MAX_TICKS);
        for (int i = 0; i < nyt; i++) {
            int w = grid_text_width(yt[i].label);
            ylw = w > ylw ? w : ylw;
        }
    }
    int gutter = ylw + 2 > 5 ? ylw + 2 : 5;
    int pw = r.w - gutter - RIGHT_MARGIN;
    if (ph < MIN_PLOT_H || pw < MIN_PLOT_W) {
        put_centred(g, r, r.y + r.h / 2, r.w >= 14 ? "plot too small" : "small", ROLE_WARN);
        if (geom)
            *geom = gm;
        return 0;
    }

    struct frame f;
    memset(&f, 0, sizeof f);
    f.area = (struct rect){r.x + gutter, r.y + title + header, pw, ph};
    f.pw = pw;
    f.ph = ph;
    f.braille = o.charset == PLOT_BRAILLE;
    f.sx = f.braille ? 2 : 1;
    f.sy = f.braille ? 4 : 3;
    f.nc = pw * f.sx;
    f.nr = ph * f.sy;
    f.x_lo = v.x_lo;
    f.x_hi = v.x_hi;
    f.y_lo = y_ok ? v.y_lo : 0;
    f.y_hi = y_ok ? v.y_hi : 1;
    f.y_ok = y_ok;
    f.gl = gl;
    f.sorted = sorted;
    f.u_scale = (f.nr - f.sy) / (f.y_hi - f.y_lo);
    f.u_off = 0.5 * f.sy;
    f.lr_lo = pow(10, f.x_lo) * (1 - 1e-12);
    f.lr_hi = pow(10, f.x_hi) * (1 + 1e-12);

    gm.drawn = true;
    gm.area = f.area;
    gm.view = v;
    gm.y_valid = y_ok;

    /* Title and axis titles. */
    int axis_y = f.area.y + ph, label_y = axis_y + 1;
    if (title)
        put_centred(g, r, r.y, o.title, ROLE_TITLE);
    if (header)
        grid_puts_clip(g, r, r.x, f.area.y - 1, "loss", ROLE_LABEL);

    /* Axes. */
    int ax = f.area.x - 1;
    for (int row = 0; row < ph; row++)
        grid_put(g, ax, f.area.y + row, gl->vline, ROLE_AXIS);
    for (int col = 0; col < pw; col++)
        grid_put(g, f.area.x + col, axis_y, gl->hline, ROLE_AXIS);
    grid_put(g, ax, axis_y, gl->corner, ROLE_AXIS);
    for (int i = 0; i < nyt; i++) {
        int row = value_row(&f, yt[i].value);
        int w = grid_text_width(yt[i].label);
        grid_puts_clip(g, r, ax - 1 - w, f.area.y + row, yt[i].label, ROLE_LABEL);
        grid_put(g, ax, f.area.y + row, gl->ytick, ROLE_AXIS);
    }
    struct axis_tick xt[AXIS_MAX_TICKS];
    int nxt = axis_log_ticks(f.x_lo, f.x_hi, pw, xt, AXIS_MAX_TICKS);
    int last_end = r.x - 1; /* one past the last label drawn */
    for (int i = 0; i < nxt; i++) {
        int col = f.area.x + xt[i].pos;
        int w = grid_text_width(xt[i].label);
        int start = col - w / 2;
        if (start + w > r.x + r.w)
            start = r.x + r.w - w;
        if (start < r.x)
            start = r.x;
        if (xt[i].pos > 0) /* the corner marks the first column */
            grid_put(g, col, axis_y, gl->xtick, ROLE_AXIS);
        if (start <= last_end)
            continue;
        grid_puts_clip(g, r, start, label_y, xt[i].label, ROLE_LABEL);
        last_end = start + w;
    }
    if (row_free(g, r.x + r.w - 3, label_y, 3)) /* the x title, where the labels leave room */
        grid_puts_clip(g, r, r.x + r.w - 2, label_y, "lr", ROLE_LABEL);

    if (!have_data || !y_ok) {
        put_centred(g, f.area, f.area.y + (ph - 1) / 2,
                    o.empty_msg ? o.empty_msg : "waiting for data", ROLE_DIM);
        if (legend_rows > 0)
            legend_flow(&lg, g, r, r.x, label_y + 1, r.w, legend_rows);
        if (geom)
            *geom = gm;
        return 0;
    }

    struct scratch sc;
    memset(&sc, 0, sizeof sc);
    if (scratch_alloc(&sc, &f) < 0) {
        put_centred(g, f.area, f.area.y + (ph - 1) / 2, "out of memory", ROLE_WARN);
        return -1;
    }
    f.edge = sc.edge;
    f.start = sc.start;
    for (int c = 0; c <= f.nc; c++)
        f.edge[c] = pow(10, f.x_lo + (f.x_hi - f.x_lo) * c / f.nc);

    /* Regions above the plot. */
    if (header && (o.flags & PLOT_REGIONS) && n_series > 0) {
        struct plot_regions rg;
        if (plot_regions(&s[0], &rg))
            draw_regions(g, &f, f.area.y - 1, &rg);
    }

    /* Suggestions: where the letters go, and the drop lines of the main series. */
    struct mark marks[MAX_SUGGEST_SERIES * SUGGEST_COUNT];
    int nmarks = 0;
    if (o.flags & PLOT_SUGGEST) {
        size_t ns = n_series < MAX_SUGGEST_SERIES ? n_series : MAX_SUGGEST_SERIES;
        nmarks = place_marks(&f, s, ns, marks, MAX_SUGGEST_SERIES * SUGGEST_COUNT);
        for (int i = 0; i < nmarks; i++)
            if (marks[i].series == 0)
                for (int row = marks[i].row + 1; row < ph; row++)
                    area_put(g, &f, marks[i].col, row, gl->drop, ROLE_SUGGEST_LINE);
    }

    /* The cursor's line under the curves. */
    int cur_col = -1, cur_row = -1;
    if (n_series > 0 && o.cursor >= 0 && (size_t)o.cursor < s[0].n && series_has_points(&s[0])) {
        cur_col = lr_col(&f, s[0].lr[o.cursor]);
        double cv = series_smooth(&s[0])[o.cursor];
        if (cur_col >= 0) {
            for (int row = 0; row < ph; row++)
                area_put(g, &f, cur_col, row, gl->cursor, ROLE_CURSOR);
            if (isfinite(cv))
                cur_row = value_row(&f, cv);
        }
    }

    /* Curves: overlays (the first on top), then the main series. */
    for (size_t k = n_series; k-- > 1;)
        if (series_has_points(&s[k]))
            draw_overlay(g, &f, &sc, &s[k], k);
    bool clipped = false;
    if (series_has_points(&s[0]))
        draw_main(g, &f, &sc, &s[0], (o.flags & PLOT_RAW) != 0, &clipped);
    gm.clipped = clipped;

    for (int i = 0; i < nmarks; i++)
        area_put(g, &f, marks[i].col, marks[i].row, (uint32_t)marks[i].letter, ROLE_SUGGEST);
    if (cur_col >= 0 && cur_row >= 0)
        area_put(g, &f, cur_col, cur_row, gl->cursor_pt, ROLE_CURSOR_POINT);

    if (legend_rows > 0) {
        build_legend(&lg, s, n_series, &o, gl, clipped);
        legend_flow(&lg, g, r, r.x, label_y + 1, r.w, legend_rows);
    }
    scratch_free(&sc);
    if (geom)
        *geom = gm;
    return 0;
}

int plot_render(struct grid *g, struct rect r, const struct plot_series *s, size_t n_series,
                const struct plot_view *view, const struct plot_opts *opts, struct plot_geom *geom)
{
    bool *sorted = malloc(n_series > 0 ? n_series : 1);
    if (sorted == NULL) {
        if (geom)
            memset(geom, 0, sizeof *geom);
        return -1;
    }
    for (size_t k = 0; k < n_series; k++)
        sorted[k] = series_has_points(&s[k]) && is_sorted(s[k].lr, s[k].n);
    int rc = render(g, r, s, n_series, view, opts, geom, sorted);
    free(sorted);
    return rc;
}

long plot_index_at_column(const struct plot_series *s, const struct plot_geom *geom, int col)
{
    if (s == NULL || s->n == 0 || s->lr == NULL || geom == NULL || !geom->drawn ||
        geom->area.w <= 0)
        return -1;
    if (col < 0)
        col = 0;
    if (col >= geom->area.w)
        col = geom->area.w - 1;
    double x = geom->view.x_lo + (geom->view.x_hi - geom->view.x_lo) * (col + 0.5) / geom->area.w;
    double lr = pow(10, x);
    if (!is_sorted(s->lr, s->n)) {
        size_t best = 0;
        double bd = HUGE_VAL;
        for (size_t i = 0; i < s->n; i++) {
            double d = s->lr[i] > 0 ? fabs(log10(s->lr[i]) - x) : (double)HUGE_VAL;
            if (d < bd) {
                bd = d;
                best = i;
            }
        }
        return (long)best;
    }
    size_t i = lower_bound(s->lr, s->n, lr);
    if (i >= s->n)
        return (long)(s->n - 1);
    if (i > 0 && s->lr[i - 1] > 0 && fabs(log10(s->lr[i - 1]) - x) <= fabs(log10(s->lr[i]) - x))
        return (long)(i - 1);
    return (long)i;
}

int plot_simple(struct grid *g, int w, int h, const struct plot_series *s, size_t n_series,
                const char *title, enum plot_charset cs)
{
    if (grid_resize(g, w, h) < 0)
        return -1;
    struct plot_opts o = plot_opts_default();
    o.charset = cs;
    o.title = title;
    return plot_render(g, (struct rect){0, 0, w, h}, s, n_series, NULL, &o, NULL);
}
