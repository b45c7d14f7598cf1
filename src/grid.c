/* grid.c: cells with semantic roles, UTF-8 text into them, and ANSI output. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrfind/grid.h"

static const struct role_style role_styles[ROLE_COUNT] = {
    [ROLE_NONE] = {-1, 0, 0},
    [ROLE_AXIS] = {-1, 0, 0},
    [ROLE_LABEL] = {-1, 0, 0},
    [ROLE_TITLE] = {-1, STYLE_BOLD, STYLE_BOLD},
    [ROLE_SMOOTH] = {6, STYLE_BOLD, STYLE_BOLD},
    [ROLE_RAW] = {4, 0, STYLE_DIM},
    [ROLE_OVERLAY1] = {3, 0, STYLE_DIM},
    [ROLE_OVERLAY2] = {5, 0, STYLE_DIM},
    [ROLE_OVERLAY3] = {2, 0, STYLE_DIM},
    [ROLE_OVERLAY4] = {1, 0, STYLE_DIM},
    [ROLE_SUGGEST] = {3, STYLE_BOLD, STYLE_BOLD | STYLE_UNDERLINE},
    [ROLE_SUGGEST_LINE] = {3, STYLE_DIM, STYLE_DIM},
    [ROLE_CURSOR] = {5, 0, 0},
    [ROLE_CURSOR_POINT] = {5, STYLE_BOLD | STYLE_REVERSE, STYLE_BOLD | STYLE_REVERSE},
    [ROLE_REGION_LOW] = {4, 0, STYLE_DIM},
    [ROLE_REGION_SWEET] = {2, STYLE_BOLD | STYLE_REVERSE, STYLE_REVERSE},
    [ROLE_REGION_HIGH] = {1, 0, STYLE_DIM},
    [ROLE_OFFSCALE] = {1, STYLE_BOLD, STYLE_BOLD},
    [ROLE_STATUS] = {-1, 0, 0},
    [ROLE_STATUS_VALUE] = {-1, STYLE_BOLD, STYLE_BOLD},
    [ROLE_HELP] = {-1, 0, 0},
    [ROLE_KEY] = {3, STYLE_BOLD, STYLE_BOLD},
    [ROLE_BORDER] = {-1, STYLE_DIM, 0},
    [ROLE_DIM] = {-1, STYLE_DIM, STYLE_DIM},
    [ROLE_WARN] = {1, STYLE_BOLD, STYLE_BOLD | STYLE_UNDERLINE},
    [ROLE_SELECTED] = {-1, STYLE_REVERSE, STYLE_REVERSE},
};

static const char *const role_names[ROLE_COUNT] = {
    [ROLE_NONE] = "none",
    [ROLE_AXIS] = "axis",
    [ROLE_LABEL] = "label",
    [ROLE_TITLE] = "title",
    [ROLE_SMOOTH] = "smooth",
    [ROLE_RAW] = "raw",
    [ROLE_OVERLAY1] = "overlay1",
    [ROLE_OVERLAY2] = "overlay2",
    [ROLE_OVERLAY3] = "overlay3",
    [ROLE_OVERLAY4] = "overlay4",
    [ROLE_SUGGEST] = "suggest",
    [ROLE_SUGGEST_LINE] = "suggest-line",
    [ROLE_CURSOR] = "cursor",
    [ROLE_CURSOR_POINT] = "cursor-point",
    [ROLE_REGION_LOW] = "region-low",
    [ROLE_REGION_SWEET] = "region-sweet",
    [ROLE_REGION_HIGH] = "region-high",
    [ROLE_OFFSCALE] = "offscale",
    [ROLE_STATUS] = "status",
    [ROLE_STATUS_VALUE] = "status-value",
    [ROLE_HELP] = "help",
    [ROLE_KEY] = "key",
    [ROLE_BORDER] = "border",
    [ROLE_DIM] = "dim",
    [ROLE_WARN] = "warn",
    [ROLE_SELECTED] = "selected",
};

static const struct cell blank_cell = {' ', ROLE_NONE};

int grid_init(struct grid *g, int w, int h)
{
    g->w = g->h = 0;
    g->cells = NULL;
    return grid_resize(g, w, h);
}

int grid_resize(struct grid *g, int w, int h)
{
    if (w <= 0 || h <= 0) {
        g->w = g->h = 0;
        return 0;
    }
    size_t need = (size_t)w * (size_t)h;
    size_t have = (size_t)(g->w > 0 ? g->w : 0) * (size_t)(g->h > 0 ? g->h : 0);
    if (g->cells == NULL || need > have) {
        struct cell *c = realloc(g->cells, need * sizeof *c);
        if (c == NULL) {
            free(g->cells);
            g->cells = NULL;
            g->w = g->h = 0;
            return -1;
        }
        g->cells = c;
    }
    g->w = w;
    g->h = h;
    grid_clear(g);
    return 0;
}

void grid_free(struct grid *g)
{
    free(g->cells);
    g->cells = NULL;
    g->w = g->h = 0;
}

void grid_clear(struct grid *g)
{
    size_t n = (size_t)g->w * (size_t)g->h;
    for (size_t i = 0; i < n; i++)
        g->cells[i] = blank_cell;
}

struct rect grid_clip(const struct grid *g, struct rect r)
{
    int x0 = r.x < 0 ? 0 : r.x, y0 = r.y < 0 ? 0 : r.y;
    long x1 = (long)r.x + r.w, y1 = (long)r.y + r.h;
    if (x1 > g->w)
        x1 = g->w;
    if (y1 > g->h)
        y1 = g->h;
    struct rect c = {x0, y0, (int)(x1 - x0), (int)(y1 - y0)};
    if (c.w < 0)
        c.w = 0;
    if (c.h < 0)
        c.h = 0;
    return c;
}

void grid_fill(struct grid *g, struct rect r, uint32_t ch, enum role role)
{
    struct rect c = grid_clip(g, r);
    for (int y = c.y; y < c.y + c.h; y++)
        for (int x = c.x; x < c.x + c.w; x++)
            g->cells[(size_t)y * (size_t)g->w + (size_t)x] = (struct cell){ch, (uint8_t)role};
}

void grid_put(struct grid *g, int x, int y, uint32_t ch, enum role role)
{
    if (x < 0 || y < 0 || x >= g->w || y >= g->h)
        return;
    g->cells[(size_t)y * (size_t)g->w + (size_t)x] = (struct cell){ch, (uint8_t)role};
}

const struct cell *grid_at(const struct grid *g, int x, int y)
{
    if (x < 0 || y < 0 || x >= g->w || y >= g->h)
        return NULL;
    return &g->cells[(size_t)y * (size_t)g->w + (size_t)x];
}

uint32_t grid_ch(const struct grid *g, int x, int y)
{
    const struct cell *c = grid_at(g, x, y);
    return c ? c->ch : 0;
}

/* Whether code point c takes other than one column (controls, combining marks, wide CJK and
 * emoji): such characters would shift everything after them on a terminal. */
static bool not_single_width(uint32_t c)
{
    static const uint32_t ranges[][2] = {
        {0x0000, 0x001f},   {0x007f, 0x009f},   {0x00ad, 0x00ad}, {0x0300, 0x036f},
        {0x0483, 0x0489},   {0x0591, 0x05bd},   {0x0610, 0x061a}, {0x064b, 0x065f},
        {0x0e31, 0x0e3a},   {0x1100, 0x115f},   {0x1ab0, 0x1aff}, {0x1dc0, 0x1dff},
        {0x200b, 0x200f},   {0x2028, 0x202e},   {0x2060, 0x206f}, {0x20d0, 0x20ff},
        {0x2e80, 0x303e},   {0x3041, 0x33ff},   {0x3400, 0x4dbf}, {0x4e00, 0x9fff},
        {0xa000, 0xa4cf},   {0xac00, 0xd7a3},   {0xd800, 0xdfff}, {0xf900, 0xfaff},
        {0xfe00, 0xfe0f},   {0xfe20, 0xfe2f},   {0xfe30, 0xfe4f}, {0xfeff, 0xfeff},
        {0xff00, 0xff60},   {0xffe0, 0xffe6},   {0xfff9, 0xfffb}, {0x1f000, 0x1faff},
        {0x20000, 0x3fffd}, {0xe0000, 0xe0fff},
    };
    if (c > 0x10ffff)
        return true;
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        if (c >= ranges[i][0] && c <= ranges[i][1])
            return true;
    return false;
}

/* Decode one code point from s; sets *len to the bytes used (at least 1). Invalid -> '?'. */
static uint32_t utf8_decode(const unsigned char *s, int *len)
{
    unsigned char b = s[0];
    int n;
    uint32_t c, min;
    if (b < 0x80) {
        *len = 1;
        return b;
    } else if ((b & 0xe0) == 0xc0) {
        n = 2, c = b & 0x1f, min = 0x80;
    } else if ((b & 0xf0) == 0xe0) {
        n = 3, c = b & 0x0f, min = 0x800;
    } else if ((b & 0xf8) == 0xf0) {
        n = 4, c = b & 0x07, min = 0x10000;
    } else {
        *len = 1;
        return '?';
    }
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *len = i;
            return '?';
        }
        c = (c << 6) | (s[i] & 0x3f);
    }
    *len = n;
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return '?';
    return c;
}

int grid_utf8_encode(uint32_t c, char *out)
{
    int n;
    if (c < 0x80) {
        out[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        out[0] = (char)(0xc0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3f));
        n = 2;
    } else if (c < 0x10000) {
        out[0] = (char)(0xe0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[2] = (char)(0x80 | (c & 0x3f));
        n = 3;
    } else if (c <= 0x10ffff) {
        out[0] = (char)(0xf0 | (c >> 18));
        out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
        out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[3] = (char)(0x80 | (c & 0x3f));
        n = 4;
    } else {
        out[0] = '?';
        n = 1;
    }
    out[n] = '\0';
    return n;
}

int grid_text_width(const char *s)
{
    int cols = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int len;
        utf8_decode(p, &len);
        p += len;
        cols++;
    }
    return cols;
}

int grid_puts_clip(struct grid *g, struct rect clip, int x, int y, const char *s, enum role role)
{
    int cols = 0;
    const unsigned char *p = (const unsigned char *)s;
    bool row_ok = y >= clip.y && y < clip.y + clip.h;
    while (*p) {
        int len;
        uint32_t c = utf8_decode(p, &len);
        p += len;
        if (not_single_width(c))
            c = '?';
        int cx = x + cols;
        if (row_ok && cx >= clip.x && cx < clip.x + clip.w)
            grid_put(g, cx, y, c, role);
        cols++;
    }
    return cols;
}

int grid_puts(struct grid *g, int x, int y, const char *s, enum role role)
{
    return grid_puts_clip(g, (struct rect){0, 0, g->w, g->h}, x, y, s, role);
}

int grid_printf(struct grid *g, int x, int y, enum role role, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return grid_puts(g, x, y, buf, role);
}

const struct role_style *grid_role_style(enum role r)
{
    if ((unsigned)r >= ROLE_COUNT)
        r = ROLE_NONE;
    return &role_styles[r];
}

const char *grid_role_name(enum role r)
{
    if ((unsigned)r >= ROLE_COUNT)
        return "?";
    return role_names[r];
}

/* The SGR sequence that selects role r's coloured style, into buf. */
static void role_sgr(enum role r, char *buf, size_t size)
{
    const struct role_style *st = grid_role_style(r);
    int n = snprintf(buf, size, "\033[0");
    if (st->attr & STYLE_BOLD)
        n += snprintf(buf + n, size - (size_t)n, ";1");
    if (st->attr & STYLE_DIM)
        n += snprintf(buf + n, size - (size_t)n, ";2");
    if (st->attr & STYLE_UNDERLINE)
        n += snprintf(buf + n, size - (size_t)n, ";4");
    if (st->attr & STYLE_REVERSE)
        n += snprintf(buf + n, size - (size_t)n, ";7");
    if (st->fg >= 0)
        n += snprintf(buf + n, size - (size_t)n, ";%d", 30 + st->fg);
    snprintf(buf + n, size - (size_t)n, "m");
}

/* Whether a blank cell in role r shows anything (reverse video, underline) when coloured. */
static bool blank_is_visible(enum role r, bool color)
{
    if (!color)
        return false;
    return (grid_role_style(r)->attr & (STYLE_REVERSE | STYLE_UNDERLINE)) != 0;
}

int grid_print(FILE *fp, const struct grid *g, bool color)
{
    char sgr[64], cur[64], u8[8];
    const char *plain = "\033[0m";
    for (int y = 0; y < g->h; y++) {
        const struct cell *row = &g->cells[(size_t)y * (size_t)g->w];
        int end = g->w;
        while (end > 0 && row[end - 1].ch == ' ' && !blank_is_visible(row[end - 1].role, color))
            end--;
        snprintf(cur, sizeof cur, "%s", plain); /* every line starts in the plain style */
        for (int x = 0; x < end; x++) {
            if (color) {
                /* a new SGR sequence only where the style changes, not at every role change */
                role_sgr((enum role)row[x].role, sgr, sizeof sgr);
                if (strcmp(sgr, cur) != 0) {
                    fputs(sgr, fp);
                    snprintf(cur, sizeof cur, "%s", sgr);
                }
            }
            uint32_t c = row[x].ch;
            if (c == 0 || not_single_width(c))
                c = c == 0 ? ' ' : '?';
            grid_utf8_encode(c, u8);
            fputs(u8, fp);
        }
        if (color && strcmp(cur, plain) != 0)
            fputs(plain, fp);
        fputc('\n', fp);
    }
    fflush(fp);
    return ferror(fp) ? -1 : 0;
}
