/* tui_model.h: the state of the TUI and what each key does to it, without ncurses and
 * without threads, so that it is tested on its own. A key handler returns what must happen
 * (TUI_REDRAW, TUI_QUIT, ...) and, for the live sweep, a request for the trainer thread; the
 * loop in tui.c acts on both. */
#ifndef LRFIND_TUI_MODEL_H
#define LRFIND_TUI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lrfind/axis.h"
#include "lrfind/suggest.h"
#include "lrfind/sweep.h"

/* Keys that are not characters (characters are their code points). */
enum tui_keycode {
    TK_LEFT = 0x110000, TK_RIGHT, TK_UP, TK_DOWN, TK_PGUP, TK_PGDN, TK_HOME, TK_END,
    TK_ENTER, TK_ESC, TK_TAB, TK_BTAB, TK_RESIZE,
};

/* What a key asks of the loop (bits). */
enum {
    TUI_REDRAW = 1u,  /* something visible changed */
    TUI_FULL = 2u,    /* repaint the whole screen (resize, help overlay) */
    TUI_QUIT = 4u,    /* leave without a pick */
    TUI_PICK = 8u,    /* leave with model.pick_lr */
    TUI_REQUEST = 16u /* model.req holds a request for the trainer thread */
};

enum tui_req_kind { REQ_NONE, REQ_PAUSE, REQ_RESUME, REQ_MULTIPLIER, REQ_ITERATIONS, REQ_PACE, REQ_RESTART, REQ_SAVE, REQ_WRITE_BACK };

struct tui_request {
    enum tui_req_kind kind;
    double multiplier;
    long iterations, pace_ms;
};

/* One curve on the screen: the live sweep, an earlier sweep, or a file. */
struct tui_series {
    struct sweep sweep;
    char label[64];
    long n_configured;  /* N, for the suggestion window */
    struct suggestion sugg[SUGGEST_COUNT];
    size_t window[2];
};

struct tui_model {
    bool live;               /* a sweep is running (else: view of files) */
    struct tui_series *s;    /* s[0]: the live sweep or the file the cursor walks */
    size_t n, cap;
    size_t max_overlays;     /* earlier sweeps kept as overlays */
    unsigned methods;        /* suggestions shown (mask) */
    struct suggest_opts sopts;
    long cursor;             /* index into s[0], -1: none */
    int selected;            /* suggestion jumped to last, -1: none */
    bool help, log_pane;
    bool paused;             /* mirrors the runner (live) */
    double multiplier;       /* the per-step factor now (live) */
    bool ladder_changed;     /* the user changed the multiplier or the iterations */
    bool mult_changed;       /* the user changed the multiplier */
    long iterations, pace_ms;
    int pick_method;         /* what Enter picks with no cursor (sweep.pick; valley) */
    double pick_lr;          /* TUI_PICK */
    const char *pick_source; /* "cursor", or the suggestion's name when the cursor sits on it */
    struct tui_request req;
    char message[160];       /* a transient line ("saved sweep to ..."), "" none */
    struct axis_range yrange; /* the loss range shown, with hysteresis; lo >= hi: none */
};

/* An empty model; live says whether a sweep runs. */
void tui_model_init(struct tui_model *m, bool live, unsigned methods, const struct suggest_opts *so);
void tui_model_free(struct tui_model *m);
/* Add a series (its points are copied; label shown in the legend). Returns its index or -1. */
long tui_model_add(struct tui_model *m, const struct sweep *sw, const char *label, long n_configured);
/* The live sweep restarted: keep s[0] as an overlay (the oldest dropped past max_overlays) and
 * start s[0] empty. It may move the series array: pointers into m->s are stale after it. */
void tui_model_restart(struct tui_model *m, const char *label);
/* Recompute the suggestions of series k (after new points). */
void tui_model_suggest(struct tui_model *m, size_t k);
/* Handle one key; returns TUI_* bits. */
unsigned tui_model_key(struct tui_model *m, uint32_t key);
/* Set a transient message (printf style). */
void tui_model_message(struct tui_model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The next multiplier up or down the ladder 1.01 1.02 1.05 1.1 1.2 1.3 1.5 2 3 5 from m. */
double tui_multiplier_step(double m, int dir);
/* The next iteration count up or down: steps of 10 to 100, then of 10%, rounded. */
long tui_iterations_step(long n, int dir);
/* Slope d(smoothed loss)/d ln(lr) at point i (central differences, one-sided at the ends). */
double tui_slope(const struct sweep *sw, long i);

#endif
