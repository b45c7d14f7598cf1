/* tui.c: ncurses on /dev/tty; copies grids to the screen. The only file that calls curses. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "curses_compat.h"
#include "lrfind/tui.h"
#include "lrfind/tui_model.h"

int tui_open(struct tui *t, bool color, struct lrf_error *err)
{
    memset(t, 0, sizeof *t);
    t->in = fopen("/dev/tty", "r");
    t->out = t->in ? fopen("/dev/tty", "w") : NULL;
    if (t->in == NULL || t->out == NULL) {
        int e = errno;
        if (t->in)
            fclose(t->in);
        t->in = NULL;
        return lrf_error_set(err, NULL, 0, 0, "no terminal for the TUI (/dev/tty: %s); a sweep runs without one "
                                                  "with --batch, and suggest and plot read files",
                             strerror(e));
    }
    SCREEN *s = newterm(NULL, t->out, t->in);
    if (s == NULL) {
        fclose(t->in);
        fclose(t->out);
        t->in = t->out = NULL;
        return lrf_error_set(err, NULL, 0, 0, "cannot start curses on /dev/tty (TERM=%s); a sweep runs without it "
                                                  "with --batch, and suggest and plot read files",
                             getenv("TERM") ? getenv("TERM") : "unset");
    }
    t->screen = s;
    set_term(s);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    leaveok(stdscr, TRUE);
    t->color = color && has_colors();
    if (t->color) {
        start_color();
        use_default_colors();
        for (int r = 0; r < ROLE_COUNT; r++) {
            const struct role_style *st = grid_role_style((enum role)r);
            init_pair((short)(r + 1), (short)st->fg, -1);
        }
    }
    t->open = true;
    return 0;
}

void tui_close(struct tui *t)
{
    if (!t->open)
        return;
    endwin();
    delscreen((SCREEN *)t->screen);
    fclose(t->in);
    fclose(t->out);
    grid_free(&t->prev);
    memset(t, 0, sizeof *t);
}

int tui_fd(const struct tui *t)
{
    return fileno(t->in);
}

uint32_t tui_key(struct tui *t)
{
    (void)t;
    int c = wgetch(stdscr);
    switch (c) {
    case ERR: return 0;
    case KEY_LEFT: return TK_LEFT;
    case KEY_RIGHT: return TK_RIGHT;
    case KEY_UP: return TK_UP;
    case KEY_DOWN: return TK_DOWN;
    case KEY_PPAGE: return TK_PGUP;
    case KEY_NPAGE: return TK_PGDN;
    case KEY_HOME: return TK_HOME;
    case KEY_END: return TK_END;
    case KEY_ENTER: case '\n': case '\r': return TK_ENTER;
    case 27: return TK_ESC;
    case '\t': return TK_TAB;
    case KEY_BTAB: return TK_BTAB;
    case KEY_RESIZE: return TK_RESIZE;
    default: return c >= 0 && c < KEY_MIN ? (uint32_t)c : 0xFFFFFFFFu;
    }
}

void tui_size(const struct tui *t, int *rows, int *cols)
{
    (void)t;
    getmaxyx(stdscr, *rows, *cols);
}

/* The curses attributes of a role. */
static attr_t role_attr(const struct tui *t, int role, short *pair)
{
    const struct role_style *st = grid_role_style((enum role)role);
    unsigned a = t->color ? st->attr : st->mono_attr;
    attr_t out = A_NORMAL;
    if (a & STYLE_BOLD)
        out |= A_BOLD;
    if (a & STYLE_DIM)
        out |= A_DIM;
    if (a & STYLE_REVERSE)
        out |= A_REVERSE;
    if (a & STYLE_UNDERLINE)
        out |= A_UNDERLINE;
    *pair = t->color && st->fg >= 0 ? (short)(role + 1) : 0;
    return out;
}

/* Box-drawing code points as ACS characters, which degrade through terminfo. */
static chtype acs_of(uint32_t ch)
{
    switch (ch) {
    case 0x2500: return ACS_HLINE;
    case 0x2502: return ACS_VLINE;
    case 0x250c: return ACS_ULCORNER;
    case 0x2510: return ACS_URCORNER;
    case 0x2514: return ACS_LLCORNER;
    case 0x2518: return ACS_LRCORNER;
    case 0x251c: return ACS_LTEE;
    case 0x2524: return ACS_RTEE;
    case 0x252c: return ACS_TTEE;
    case 0x2534: return ACS_BTEE;
    case 0x253c: return ACS_PLUS;
    default: return 0;
    }
}

static void put_cell(const struct tui *t, int y, int x, const struct cell *c)
{
    short pair;
    attr_t a = role_attr(t, c->role, &pair);
    chtype acs = acs_of(c->ch);
    if (c->ch < 0x80 || acs != 0) {
        mvaddch(y, x, (acs ? acs : (chtype)c->ch) | a | COLOR_PAIR(pair));
        return;
    }
    wchar_t wc[2] = {(wchar_t)c->ch, 0};
    cchar_t cc;
    setcchar(&cc, wc, a, pair, NULL);
    mvadd_wch(y, x, &cc);
}

void tui_present(struct tui *t, const struct grid *g, bool full)
{
    bool same = t->prev.w == g->w && t->prev.h == g->h && t->prev.cells != NULL;
    if (!same) {
        full = true;
        if (grid_resize(&t->prev, g->w, g->h) != 0)
            return;
    }
    if (full)
        clearok(curscr, TRUE);
    for (int y = 0; y < g->h; y++)
        for (int x = 0; x < g->w; x++) {
            const struct cell *c = &g->cells[(size_t)y * (size_t)g->w + (size_t)x];
            struct cell *p = &t->prev.cells[(size_t)y * (size_t)g->w + (size_t)x];
            if (!full && p->ch == c->ch && p->role == c->role)
                continue;
            put_cell(t, y, x, c);
            *p = *c;
        }
    wnoutrefresh(stdscr);
    doupdate();
}
