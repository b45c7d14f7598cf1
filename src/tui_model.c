/* tui_model.c: the TUI's state and key handling (no ncurses, no threads). */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrfind/tui_model.h"

void tui_model_init(struct tui_model *m, bool live, unsigned methods, const struct suggest_opts *so)
{
    memset(m, 0, sizeof *m);
    m->live = live;
    m->methods = methods;
    m->sopts = so ? *so : suggest_opts_default();
    m->cursor = -1;
    m->selected = -1;
    m->max_overlays = 4;
    m->pick_lr = -1;
    m->pick_method = SUGGEST_VALLEY;
}

void tui_model_free(struct tui_model *m)
{
    for (size_t k = 0; k < m->n; k++)
        sweep_free(&m->s[k].sweep);
    free(m->s);
    memset(m, 0, sizeof *m);
}

long tui_model_add(struct tui_model *m, const struct sweep *sw, const char *label, long n_configured)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 4;
        struct tui_series *s = realloc(m->s, cap * sizeof *s);
        if (s == NULL)
            return -1;
        m->s = s;
        m->cap = cap;
    }
    struct tui_series *t = &m->s[m->n];
    memset(t, 0, sizeof *t);
    sweep_init(&t->sweep, sw->beta, sw->stop_factor, sw->n_planned);
    if (sweep_copy(&t->sweep, sw) != 0) {
        sweep_free(&t->sweep);
        return -1;
    }
    snprintf(t->label, sizeof t->label, "%s", label ? label : "");
    t->n_configured = n_configured;
    m->n++;
    tui_model_suggest(m, m->n - 1);
    return (long)m->n - 1;
}

void tui_model_restart(struct tui_model *m, const char *label)
{
    if (m->n == 0)
        return;
    /* s[0] becomes s[1] (the newest overlay); the oldest overlay past the limit goes. */
    if (m->s[0].sweep.len > 0) {
        struct sweep empty;
        sweep_init(&empty, m->s[0].sweep.beta, m->s[0].sweep.stop_factor, m->s[0].sweep.n_planned);
        if (tui_model_add(m, &empty, "", m->s[0].n_configured) >= 0) {
            struct tui_series last = m->s[m->n - 1];
            memmove(m->s + 1, m->s, (m->n - 1) * sizeof *m->s);
            m->s[0] = last;
            snprintf(m->s[1].label, sizeof m->s[1].label, "%s", label ? label : "earlier sweep");
        }
        sweep_free(&empty);
        while (m->n > 1 + m->max_overlays) {
            sweep_free(&m->s[m->n - 1].sweep);
            m->n--;
        }
    } else {
        sweep_clear(&m->s[0].sweep);
    }
    tui_model_suggest(m, 0);
    m->cursor = -1;
    m->selected = -1;
    m->yrange.lo = m->yrange.hi = 0;
}

void tui_model_suggest(struct tui_model *m, size_t k)
{
    struct tui_series *t = &m->s[k];
    suggest_all(t->sweep.lr, t->sweep.smooth, t->sweep.len, (size_t)t->n_configured, &m->sopts, t->window,
                t->sugg);
}

void tui_model_message(struct tui_model *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->message, sizeof m->message, fmt, ap);
    va_end(ap);
}

double tui_multiplier_step(double m, int dir)
{
    static const double ladder[] = {1.01, 1.02, 1.05, 1.1, 1.2, 1.3, 1.5, 2, 3, 5};
    const int n = (int)(sizeof ladder / sizeof ladder[0]);
    if (dir > 0) {
        for (int k = 0; k < n; k++)
            if (ladder[k] > m * (1 + 1e-9))
                return ladder[k];
        return ladder[n - 1];
    }
    for (int k = n - 1; k >= 0; k--)
        if (ladder[k] < m * (1 - 1e-9))
            return ladder[k];
    return ladder[0];
}

long tui_iterations_step(long n, int dir)
{
    long step = n < 100 ? 10 : n / 10;
    if (dir < 0 && n <= 100)
        step = n <= 10 ? 1 : 10;
    /* round the step to 1, 2 or 5 times a power of ten, so that counts stay round */
    long p = 1;
    while (p * 10 <= step)
        p *= 10;
    step = step >= 5 * p ? 5 * p : step >= 2 * p ? 2 * p : p;
    long next = dir > 0 ? n + step : n - step;
    if (dir > 0 && next % step != 0)
        next -= next % step;
    if (next < 2)
        next = 2;
    if (next > 100000000L)
        next = 100000000L;
    return next;
}

double tui_slope(const struct sweep *sw, long i)
{
    long n = (long)sw->len;
    if (i < 0 || i >= n || n < 2)
        return (double)NAN;
    long a = i > 0 ? i - 1 : 0, b = i < n - 1 ? i + 1 : n - 1;
    double dx = log(sw->lr[b]) - log(sw->lr[a]);
    return dx != 0 ? (sw->smooth[b] - sw->smooth[a]) / dx : (double)NAN;
}

/* Move the cursor to index i of s[0] (clamped). */
static unsigned cursor_to(struct tui_model *m, long i)
{
    long n = m->n ? (long)m->s[0].sweep.len : 0;
    if (n == 0)
        return 0;
    if (i < 0)
        i = 0;
    if (i >= n)
        i = n - 1;
    m->cursor = i;
    m->selected = -1;
    return TUI_REDRAW;
}

/* Move the cursor by d points; the first move places it on the newest point. */
static unsigned cursor_by(struct tui_model *m, long d)
{
    if (m->n == 0 || m->s[0].sweep.len == 0)
        return 0;
    if (m->cursor < 0)
        return cursor_to(m, d < 0 ? (long)m->s[0].sweep.len - 1 : 0);
    return cursor_to(m, m->cursor + d);
}

/* Jump to suggestion k of s[0] (k < 0: the next one after the selected). */
static unsigned jump(struct tui_model *m, int k)
{
    if (m->n == 0)
        return 0;
    const struct suggestion *sg = m->s[0].sugg;
    if (k < 0) {
        for (int t = 1; t <= SUGGEST_COUNT; t++) {
            int c = ((m->selected < 0 ? -1 : m->selected) + t) % SUGGEST_COUNT;
            if (c < 0)
                c += SUGGEST_COUNT;
            if (sg[c].ok && (m->methods & (1u << c))) {
                k = c;
                break;
            }
        }
        if (k < 0) {
            tui_model_message(m, "no suggestion yet");
            return TUI_REDRAW;
        }
    }
    if (!sg[k].ok) {
        tui_model_message(m, "no %s suggestion yet (too few points)", suggest_name((enum suggest_method)k));
        return TUI_REDRAW;
    }
    cursor_to(m, (long)sg[k].index);
    m->selected = k;
    return TUI_REDRAW;
}

/* Ask the trainer thread for something. */
static unsigned request(struct tui_model *m, enum tui_req_kind kind)
{
    m->req.kind = kind;
    return TUI_REQUEST | TUI_REDRAW;
}

unsigned tui_model_key(struct tui_model *m, uint32_t key)
{
    long n = m->n ? (long)m->s[0].sweep.len : 0;
    long page = n / 10 > 10 ? n / 10 : 10;
    m->req.kind = REQ_NONE;
    if (m->message[0] != '\0') {
        m->message[0] = '\0';
    }
    if (m->help && key != '?' && key != TK_RESIZE) {
        m->help = false; /* any key closes the help */
        return TUI_REDRAW | TUI_FULL;
    }
    switch (key) {
    case TK_RESIZE:
        return TUI_REDRAW | TUI_FULL;
    case '?':
        m->help = !m->help;
        return TUI_REDRAW | TUI_FULL;
    case 'q':
    case 'Q':
    case TK_ESC:
        return TUI_QUIT;
    case TK_LEFT:
    case 'h':
        return cursor_by(m, -1);
    case TK_RIGHT:
    case 'l':
        return cursor_by(m, 1);
    case 'H':
    case TK_PGUP:
        return cursor_by(m, -page);
    case 'L':
    case TK_PGDN:
        return cursor_by(m, page);
    case TK_HOME:
    case 'g':
        return cursor_to(m, 0);
    case TK_END:
    case 'G':
        return cursor_to(m, n - 1);
    case '1':
    case '2':
    case '3':
    case '4':
        return jump(m, (int)(key - '1'));
    case TK_TAB:
        return jump(m, -1);
    case TK_ENTER: {
        /* no cursor yet: the suggestion --batch would print; on a suggestion: its rate
         * (minimum: the argmin's rate / 10); else the point's */
        bool cursor = m->cursor >= 0 && m->cursor < n;
        int method = cursor ? m->selected : m->pick_method;
        if (n > 0 && method >= 0 && m->s[0].sugg[method].ok) {
            m->pick_lr = m->s[0].sugg[method].lr;
            m->pick_source = suggest_name((enum suggest_method)method);
            return TUI_PICK;
        }
        if (cursor) {
            m->pick_lr = m->s[0].sweep.lr[m->cursor];
            m->pick_source = "cursor";
            return TUI_PICK;
        }
        tui_model_message(m, "no %s suggestion yet: move the cursor to a point (arrows, 1-4 or Tab)",
                          suggest_name((enum suggest_method)m->pick_method));
        return TUI_REDRAW;
    }
    case 't':
        m->log_pane = !m->log_pane;
        return TUI_REDRAW | TUI_FULL;
    case 's':
        return request(m, REQ_SAVE);
    case 'w':
        return request(m, REQ_WRITE_BACK);
    default:
        break;
    }
    if (!m->live)
        return 0;
    switch (key) {
    case ' ':
    case 'p':
        m->paused = !m->paused;
        return request(m, m->paused ? REQ_PAUSE : REQ_RESUME);
    case '+':
    case '=':
        m->ladder_changed = m->mult_changed = true;
        m->req.multiplier = m->multiplier = tui_multiplier_step(m->multiplier, 1);
        return request(m, REQ_MULTIPLIER);
    case '-':
    case '_':
        m->ladder_changed = m->mult_changed = true;
        m->req.multiplier = m->multiplier = tui_multiplier_step(m->multiplier, -1);
        return request(m, REQ_MULTIPLIER);
    case ']':
        m->ladder_changed = true;
        m->req.iterations = m->iterations = tui_iterations_step(m->iterations, 1);
        return request(m, REQ_ITERATIONS);
    case '[':
        m->ladder_changed = true;
        m->req.iterations = m->iterations = tui_iterations_step(m->iterations, -1);
        return request(m, REQ_ITERATIONS);
    case '>':
    case '.':
        m->req.pace_ms = m->pace_ms = m->pace_ms <= 10 ? 0 : m->pace_ms / 2;
        return request(m, REQ_PACE);
    case '<':
    case ',':
        m->req.pace_ms = m->pace_ms = m->pace_ms <= 0 ? 25 : (m->pace_ms >= 4000 ? 8000 : m->pace_ms * 2);
        return request(m, REQ_PACE);
    case 'r':
        m->paused = false;
        return request(m, REQ_RESTART);
    default:
        return 0;
    }
}
