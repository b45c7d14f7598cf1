/* tui_draw.c: the TUI screen as a grid (pure). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lrfind/layout.h"
#include "lrfind/tui_draw.h"

#define MAX_SERIES 8

/* A number for a panel: %.*g, or "-" when unknown. */
static const char *num(char *buf, size_t n, double v, int prec)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%.*g", prec, v);
    return buf;
}

/* A rate for a panel: 1.23e-04, or "-". */
static const char *rate(char *buf, size_t n, double v)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%.2e", v);
    return buf;
}

/* A panel's title rule: "- title ------" across the top row of r. */
static void panel_title(struct grid *g, struct rect r, const char *title, bool ascii)
{
    if (r.h <= 0 || r.w <= 0)
        return;
    uint32_t h = ascii ? '-' : 0x2500;
    grid_fill(g, (struct rect){r.x, r.y, r.w - 1, 1}, h, ROLE_BORDER);
    grid_puts_clip(g, (struct rect){r.x, r.y, r.w - 1, 1}, r.x + 2, r.y, title, ROLE_TITLE);
}

/* Text at row k of panel r (row 0 is the title), clipped to the panel less one column. */
static int panel_text(struct grid *g, struct rect r, int x, int k, const char *s, enum role role)
{
    if (k >= r.h)
        return 0;
    return grid_puts_clip(g, (struct rect){r.x, r.y, r.w - 1, r.h}, r.x + x, r.y + k, s, role);
}

/* "label value" pairs in a panel row: label dim, value highlighted. Returns the next x. */
static int pair(struct grid *g, struct rect r, int x, int k, const char *label, const char *value)
{
    x += panel_text(g, r, x, k, label, ROLE_STATUS) + 1;
    x += panel_text(g, r, x, k, value, ROLE_STATUS_VALUE);
    return x + 2;
}

/* Label/value pairs flowed into the rows of a panel from row 2 on, wrapping where they do not fit. */
struct flow {
    struct grid *g;
    struct rect r;
    int x, row;
};

static void flow_pair(struct flow *fl, const char *label, const char *value)
{
    int need = grid_text_width(label) + 1 + grid_text_width(value);
    if (fl->x > 1 && fl->x + need > fl->r.w - 1) {
        fl->row++;
        fl->x = 1;
    }
    fl->x = pair(fl->g, fl->r, fl->x, fl->row, label, value);
}

static void draw_status(struct grid *g, struct rect r, const struct tui_model *m, const struct tui_frame *f)
{
    char a[32], b[64];
    bool ascii = f->charset == PLOT_ASCII;
    const struct tui_status *st = &f->status;
    panel_title(g, r, m->live ? "sweep" : "file", ascii);
    const struct sweep *sw = m->n ? &m->s[0].sweep : NULL;
    size_t len = sw ? sw->len : 0;
    int x = panel_text(g, r, 1, 1, st->state ? st->state : "", st->warn ? ROLE_WARN : ROLE_SELECTED) + 3;
    if (m->live)
        snprintf(b, sizeof b, "%zu/%ld", len, m->iterations);
    else
        snprintf(b, sizeof b, "%zu points", len);
    struct flow fl = {g, r, 1, 2};
    if (x + grid_text_width(b) <= r.w - 1) {
        panel_text(g, r, x, 1, b, ROLE_STATUS_VALUE);
    } else { /* a narrow panel: the count opens the next row rather than being cut */
        fl.x = 1 + panel_text(g, r, 1, 2, b, ROLE_STATUS_VALUE) + 2;
    }
    double last_lr = len ? sw->lr[len - 1] : (double)NAN;
    if (m->live) {
        flow_pair(&fl, "lr", rate(a, sizeof a, isnan(st->lr) ? last_lr : st->lr));
        snprintf(b, sizeof b, "x%.4g", m->multiplier);
        flow_pair(&fl, "mult", b);
        flow_pair(&fl, "loss", num(a, sizeof a, len ? sw->loss[len - 1] : (double)NAN, 4));
        flow_pair(&fl, "smooth", num(b, sizeof b, len ? sw->smooth[len - 1] : (double)NAN, 4));
        flow_pair(&fl, "best", num(a, sizeof a, len ? sw->best : (double)NAN, 4));
        if (st->it_per_s > 0) {
            snprintf(b, sizeof b, "%.0f", st->it_per_s);
            flow_pair(&fl, "it/s", b);
        }
        if (st->elapsed_s >= 0) {
            int e = (int)st->elapsed_s;
            snprintf(b, sizeof b, "%d:%02d", e / 60, e % 60);
            flow_pair(&fl, "time", b);
        }
        if (m->pace_ms > 0) {
            snprintf(b, sizeof b, "%ldms/step", m->pace_ms);
            flow_pair(&fl, "pace", b);
        }
        if (st->trainer && *st->trainer)
            flow_pair(&fl, "trainer", st->trainer);
        if (st->info && *st->info && fl.row + 1 < r.h) /* the rest of the panel, clipped */
            panel_text(g, r, 1, ++fl.row, st->info, ROLE_DIM);
    } else if (sw) {
        flow_pair(&fl, "lr", rate(a, sizeof a, len ? sw->lr[0] : (double)NAN));
        flow_pair(&fl, "..", rate(b, sizeof b, last_lr));
        flow_pair(&fl, "best", num(a, sizeof a, len ? sw->best : (double)NAN, 4));
        flow_pair(&fl, "stop", stop_reason_name(sw->stop));
        snprintf(a, sizeof a, "%ld", m->s[0].n_configured);
        flow_pair(&fl, "N", a);
        if (m->n > 1) {
            snprintf(b, sizeof b, "%zu", m->n);
            flow_pair(&fl, "files", b);
        }
    }
}

static void draw_suggest(struct grid *g, struct rect r, const struct tui_model *m, bool ascii)
{
    panel_title(g, r, "suggestions", ascii);
    if (m->n == 0)
        return;
    int k = 1;
    for (int s = 0; s < SUGGEST_COUNT && k < r.h; s++) {
        if (!(m->methods & (1u << s)))
            continue;
        const struct suggestion *sg = &m->s[0].sugg[s];
        char line[64], v[32];
        rate(v, sizeof v, sg->ok ? sg->lr : (double)NAN);
        /* "1 V valley  4.37e-03"; where that does not fit, "1 V 4.37e-03" (never a cut rate) */
        bool named = 1 + 11 + 2 + grid_text_width(v) < r.w;
        char letter = plot_suggest_letter((enum suggest_method)s);
        if (named)
            snprintf(line, sizeof line, "%d %c %-7s", s + 1, letter, suggest_name((enum suggest_method)s));
        else
            snprintf(line, sizeof line, "%d %c", s + 1, letter);
        enum role role = m->selected == s ? ROLE_SELECTED : ROLE_STATUS;
        int x = panel_text(g, r, 1, k, line, role) + 2;
        panel_text(g, r, x, k, v, sg->ok ? ROLE_STATUS_VALUE : ROLE_DIM);
        k++;
    }
}

static void draw_cursor(struct grid *g, struct rect r, const struct tui_model *m, bool ascii)
{
    panel_title(g, r, "cursor", ascii);
    if (m->n == 0 || m->cursor < 0 || m->cursor >= (long)m->s[0].sweep.len) {
        panel_text(g, r, 1, 1, "arrows, 1-4, Tab", ROLE_DIM);
        if (m->n > 0 && m->s[0].sugg[m->pick_method].ok) {
            char b[48];
            snprintf(b, sizeof b, "Enter picks %s", suggest_name((enum suggest_method)m->pick_method));
            panel_text(g, r, 1, 2, b, ROLE_DIM);
        }
        return;
    }
    const struct sweep *sw = &m->s[0].sweep;
    long i = m->cursor;
    char a[32], b[32];
    int x = pair(g, r, 1, 1, "lr", rate(a, sizeof a, sw->lr[i]));
    snprintf(b, sizeof b, "#%ld", i);
    panel_text(g, r, x, 1, b, ROLE_DIM);
    pair(g, r, 1, 2, "loss", num(a, sizeof a, sw->loss[i], 5));
    pair(g, r, 1, 3, "smooth", num(a, sizeof a, sw->smooth[i], 5));
    pair(g, r, 1, 4, "slope", num(a, sizeof a, tui_slope(sw, i), 3));
    if (m->selected >= 0 && m->s[0].sugg[m->selected].ok && m->s[0].sugg[m->selected].lr != sw->lr[i]) {
        snprintf(b, sizeof b, "Enter picks %.2e", m->s[0].sugg[m->selected].lr);
        panel_text(g, r, 1, 5, b, ROLE_DIM);
    } else {
        panel_text(g, r, 1, 5, "Enter picks this rate", ROLE_DIM);
    }
}

static void draw_keys(struct grid *g, struct rect r, const struct tui_model *m, const char *error)
{
    if (m->message[0] != '\0') {
        grid_puts_clip(g, r, r.x, r.y, m->message, ROLE_WARN);
        return;
    }
    if (error != NULL && *error) { /* the whole line for it: the panel is too narrow */
        char b[600];
        snprintf(b, sizeof b, "%s  (t: log, q: quit)", error);
        grid_puts_clip(g, r, r.x, r.y, b, ROLE_WARN);
        return;
    }
    static const char *const live_keys[][2] = {
        {"?", "help"}, {"q", "quit"}, {"space", "pause"}, {"+/-", "mult"}, {"[/]", "iters"}, {"<-/->", "cursor"},
        {"1-4", "suggest"}, {"Enter", "pick"}, {"r", "restart"}, {"s", "save"}, {"w", "write"},
    };
    static const char *const view_keys[][2] = {
        {"?", "help"}, {"q", "quit"}, {"<-/->", "cursor"}, {"1-4/Tab", "suggestion"}, {"Enter", "pick"},
        {"s", "save"},
    };
    const char *const(*keys)[2] = m->live ? live_keys : view_keys;
    size_t n = m->live ? sizeof live_keys / sizeof live_keys[0] : sizeof view_keys / sizeof view_keys[0];
    int x = r.x;
    for (size_t k = 0; k < n; k++) {
        int need = grid_text_width(keys[k][0]) + 1 + grid_text_width(keys[k][1]);
        if (x + need > r.x + r.w)
            break;
        x += grid_puts_clip(g, r, x, r.y, keys[k][0], ROLE_KEY) + 1;
        x += grid_puts_clip(g, r, x, r.y, keys[k][1], ROLE_HELP) + 2;
    }
}

static void draw_log(struct grid *g, struct rect r, const struct tui_frame *f, bool ascii)
{
    panel_title(g, r, "trainer log (t hides)", ascii);
    size_t rows = r.h > 1 ? (size_t)(r.h - 1) : 0;
    if (f->n_log == 0 && rows > 0) {
        panel_text(g, r, 1, 1, "(nothing yet: an external trainer's stdout and stderr show here)",
                   ROLE_DIM);
        return;
    }
    size_t first = f->n_log > rows ? f->n_log - rows : 0;
    for (size_t k = first; k < f->n_log; k++)
        panel_text(g, r, 1, 1 + (int)(k - first), f->log_lines[k], ROLE_DIM);
}

static const char *const help_text[] = {
    "lrfind: the LR range test, live",
    "",
    "The trainer trains one mini-batch at each rate, the rate growing by",
    "a constant factor; the plot shows loss against the rate (log scale).",
    "  too low     the loss barely moves: the rate is too small to learn",
    "  sweet spot  the loss falls steeply: pick a rate here, usually at",
    "              valley (V); M marks a tenth of the lowest loss's rate",
    "  too high    past the lowest loss the loss climbs and explodes",
    "The sweet spot starts where the smoothed loss has fallen 10% of the",
    "way from its peak to its minimum, and ends at the minimum.",
    "",
    "space p  pause/resume      +/-  multiplier     [/]  iterations",
    "<-/-> h l  move cursor     H L PgUp PgDn  faster     Home End",
    "1-4  valley slide minimum steep      Tab  next suggestion",
    "Enter  pick the rate under the cursor (none yet: sweep.pick)",
    "r  restart (the old curve stays)   < >  slower/faster steps",
    "s  save sweep and result   w  write settings into the config",
    "t  trainer log             q Esc  quit without a pick",
    "",
    "any key closes this help",
};

static void draw_help(struct grid *g, struct rect r, bool ascii)
{
    if (r.w < 4 || r.h < 3)
        return;
    grid_fill(g, r, ' ', ROLE_HELP);
    uint32_t hz = ascii ? '-' : 0x2500, vt = ascii ? '|' : 0x2502;
    uint32_t c[4] = {'+', '+', '+', '+'};
    if (!ascii) {
        c[0] = 0x250c;
        c[1] = 0x2510;
        c[2] = 0x2514;
        c[3] = 0x2518;
    }
    grid_fill(g, (struct rect){r.x, r.y, r.w, 1}, hz, ROLE_BORDER);
    grid_fill(g, (struct rect){r.x, r.y + r.h - 1, r.w, 1}, hz, ROLE_BORDER);
    grid_fill(g, (struct rect){r.x, r.y, 1, r.h}, vt, ROLE_BORDER);
    grid_fill(g, (struct rect){r.x + r.w - 1, r.y, 1, r.h}, vt, ROLE_BORDER);
    grid_put(g, r.x, r.y, c[0], ROLE_BORDER);
    grid_put(g, r.x + r.w - 1, r.y, c[1], ROLE_BORDER);
    grid_put(g, r.x, r.y + r.h - 1, c[2], ROLE_BORDER);
    grid_put(g, r.x + r.w - 1, r.y + r.h - 1, c[3], ROLE_BORDER);
    struct rect in = {r.x + 2, r.y + 1, r.w - 4, r.h - 2};
    size_t n = sizeof help_text / sizeof help_text[0];
    for (size_t k = 0; k < n && (int)k < in.h; k++)
        grid_puts_clip(g, in, in.x, in.y + (int)k, help_text[k], k == 0 ? ROLE_TITLE : ROLE_HELP);
}

bool tui_draw(struct grid *g, struct tui_model *m, const struct tui_frame *f)
{
    grid_clear(g);
    struct layout L;
    unsigned fl = (m->log_pane ? LAYOUT_LOG : 0u) | (m->help ? LAYOUT_HELP : 0u);
    if (!layout_compute(g->h, g->w, fl, &L)) {
        layout_draw_too_small(g);
        return false;
    }
    bool ascii = f->charset == PLOT_ASCII;

    /* The series: s[0] first, then the overlays; the suggestion letters are s[0]'s only, the
     * ones the panel lists (an overlay's V next to the live V would be ambiguous). */
    struct plot_series ps[MAX_SERIES];
    size_t ns = m->n < MAX_SERIES ? m->n : MAX_SERIES;
    for (size_t k = 0; k < ns; k++) {
        const struct tui_series *t = &m->s[k];
        ps[k] = (struct plot_series){t->sweep.lr, t->sweep.loss, t->sweep.smooth, t->sweep.len,
                                     t->label[0] ? t->label : NULL, k == 0 ? t->sugg : NULL};
    }

    /* The view: the planned rates (live) joined with the data, the loss range with hysteresis. */
    struct plot_view v = {(double)NAN, (double)NAN, (double)NAN, (double)NAN};
    bool have = ns > 0 && plot_auto_view(ps, ns, &v);
    if (isfinite(f->x_lo) && isfinite(f->x_hi) && f->x_hi > f->x_lo) {
        v.x_lo = have ? fmin(v.x_lo, f->x_lo) : f->x_lo;
        v.x_hi = have ? fmax(v.x_hi, f->x_hi) : f->x_hi;
    }
    bool changed = false;
    struct axis_range want = {0, 0};
    bool have_y = false;
    for (size_t k = 0; k < ns; k++) {
        struct axis_range a;
        if (ps[k].n && axis_loss_range(ps[k].loss, ps[k].smooth, ps[k].n, &a)) {
            want = have_y ? (struct axis_range){fmin(want.lo, a.lo), fmax(want.hi, a.hi)} : a;
            have_y = true;
        }
    }
    if (have_y) {
        m->yrange = axis_range_hysteresis(m->yrange.hi > m->yrange.lo ? &m->yrange : NULL, want, &changed);
        v.y_lo = m->yrange.lo;
        v.y_hi = m->yrange.hi;
    }
    struct plot_opts o = plot_opts_default();
    o.charset = f->charset;
    o.flags = PLOT_RAW | PLOT_LEGEND | PLOT_REGIONS | PLOT_SUGGEST;
    o.cursor = m->cursor;
    o.empty_msg = m->live ? "waiting for the first loss..." : NULL;
    plot_render(g, L.plot, ps, ns, &v, &o, NULL);

    draw_status(g, L.status, m, f);
    draw_suggest(g, L.suggest, m, ascii);
    draw_cursor(g, L.cursor, m, ascii);
    draw_keys(g, L.keys, m, f->status.error);
    if (!layout_rect_empty(L.log))
        draw_log(g, L.log, f, ascii);
    if (m->help)
        draw_help(g, L.help, ascii);
    return changed;
}
