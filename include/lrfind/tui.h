/* tui.h: the terminal, and nothing else: ncurses on /dev/tty (newterm, never stdout), keys
 * as tui_keycode values, and a grid copied to the screen touching only the cells that
 * changed since the last frame. Only the UI thread calls these. */
#ifndef LRFIND_TUI_H
#define LRFIND_TUI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lrfind/error.h"
#include "lrfind/grid.h"

struct tui {
    FILE *in, *out;   /* /dev/tty */
    void *screen;     /* SCREEN * */
    bool color;       /* colours in use */
    struct grid prev; /* what the screen shows */
    bool open;
};

/* Open /dev/tty and start curses on it. Returns 0 or -1 with err (no terminal). */
int tui_open(struct tui *t, bool color, struct lrf_error *err);
/* Restore the terminal. Idempotent. */
void tui_close(struct tui *t);
/* The descriptor to poll for keys. */
int tui_fd(const struct tui *t);
/* The next key (a code point or a tui_keycode), or 0 when none is waiting. */
uint32_t tui_key(struct tui *t);
/* The screen size now. */
void tui_size(const struct tui *t, int *rows, int *cols);
/* Copy g to the screen; full repaints everything (after a resize or an overlay). */
void tui_present(struct tui *t, const struct grid *g, bool full);

#endif
