/* csv.c: sweep files. The whole file is read into memory and scanned line by line with a
 * hand-written cell splitter and strtod, without an allocation per row, so 10^6 rows take a
 * fraction of a second. Numbers are read and written in the C locale whatever the program's. */
#include "config.h"

#include <errno.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "lrfind/atomic.h"
#include "lrfind/csv.h"

#define CSV_VERSION 1
#define CELL_MAX 512 /* longest cell read as a number */

/* The line being scanned. */
struct scan {
    const char *name;
    const char *end;  /* end of the text */
    const char *line; /* start of the current line */
    const char *eol;  /* its end, before "\r\n" or "\n" */
    const char *next; /* start of the next line */
    int lineno;       /* 1-based */
    bool fast;        /* fast_decimal may be used */
};

/* One cell of a line: its contents (trimmed, without quotes) and where it starts. */
struct cell {
    const char *b, *e;
    const char *start;
};

/* Switch this thread to the C locale for numbers; returns the locale to restore. */
static locale_t c_numeric_begin(locale_t *c)
{
    *c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    return *c != (locale_t)0 ? uselocale(*c) : (locale_t)0;
}

static void c_numeric_end(locale_t c, locale_t old)
{
    if (c != (locale_t)0) {
        uselocale(old);
        freelocale(c);
    }
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Advance to the next line; false at the end of the text. */
static bool scan_next_line(struct scan *s)
{
    if (s->next >= s->end)
        return false;
    s->line = s->next;
    const char *nl = memchr(s->line, '\n', (size_t)(s->end - s->line));
    s->eol = nl != NULL ? nl : s->end;
    s->next = nl != NULL ? nl + 1 : s->end;
    if (s->eol > s->line && s->eol[-1] == '\r')
        s->eol--;
    s->lineno++;
    return true;
}

static int col_of(const struct scan *s, const char *p)
{
    return (int)(p - s->line) + 1;
}

/* Read the cell starting at *pp on the current line; *more says whether a comma followed. */
static int cell_next(const struct scan *s, const char **pp, bool *more, struct cell *c, struct lrf_error *err)
{
    const char *p = *pp, *eol = s->eol;
    c->start = p;
    while (p < eol && is_blank(*p))
        p++;
    if (p < eol && *p == '"') {
        /* A quoted cell: "" inside stands for one quote; commas inside are text. */
        const char *q = p + 1;
        for (;;) {
            const char *quote = memchr(q, '"', (size_t)(eol - q));
            if (quote == NULL)
                return lrf_error_set(err, s->name, s->lineno, col_of(s, p), "unterminated quoted cell");
            if (quote + 1 < eol && quote[1] == '"') {
                q = quote + 2;
                continue;
            }
            c->b = p + 1;
            c->e = quote;
            p = quote + 1;
            break;
        }
        while (p < eol && is_blank(*p))
            p++;
        if (p < eol && *p != ',')
            return lrf_error_set(err, s->name, s->lineno, col_of(s, p),
                                 "unexpected text after a quoted cell (expected a comma)");
        while (c->b < c->e && is_blank(*c->b))
            c->b++;
    } else {
        const char *comma = memchr(p, ',', (size_t)(eol - p));
        c->b = p;
        c->e = comma != NULL ? comma : eol;
        p = c->e;
    }
    while (c->e > c->b && is_blank(c->e[-1]))
        c->e--;
    *more = p < eol;
    *pp = *more ? p + 1 : eol;
    return 0;
}

#if defined(__x86_64__) && LDBL_MANT_DIG == 64
/* The common cell, [+-]digits[.digits][e[+-]digits] with at most 19 significant digits and a
 * decimal exponent within +-27, converted exactly and 5x faster than strtod: the digits and the
 * power of ten are exact in x87 long double (64-bit mantissa, 5^27 < 2^64), the one product or
 * quotient is rounded once to 64 bits, and the rounding to double can only go wrong when the 11
 * dropped bits are exactly the halfway pattern, which is left to strtod. False: use strtod. */
static bool fast_decimal(const char *p, const char *e, double *out)
{
    static const long double p10[28] = { 1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,
                                         1e7L,  1e8L,  1e9L,  1e10L, 1e11L, 1e12L, 1e13L,
                                         1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L,
                                         1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L };
    bool neg = false, any = false;
    if (p < e && (*p == '-' || *p == '+'))
        neg = *p++ == '-';
    uint64_t w = 0;
    int digits = 0, exp10 = 0;
    for (; p < e && (unsigned)(*p - '0') < 10; p++, any = true) {
        if (w == 0 && *p == '0')
            continue;
        if (++digits > 19)
            return false;
        w = w * 10 + (uint64_t)(*p - '0');
    }
    if (p < e && *p == '.') {
        for (p++; p < e && (unsigned)(*p - '0') < 10; p++, any = true) {
            exp10--;
            if (w == 0 && *p == '0')
                continue;
            if (++digits > 19)
                return false;
            w = w * 10 + (uint64_t)(*p - '0');
        }
    }
    if (!any)
        return false;
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        bool eneg = false;
        if (p < e && (*p == '-' || *p == '+'))
            eneg = *p++ == '-';
        if (p >= e || (unsigned)(*p - '0') >= 10)
            return false;
        int x = 0;
        for (; p < e && (unsigned)(*p - '0') < 10; p++)
            if (x < 100000)
                x = x * 10 + (*p - '0');
        exp10 += eneg ? -x : x;
    }
    if (p != e)
        return false;
    if (w == 0) {
        *out = neg ? -0.0 : 0.0;
        return true;
    }
    if (exp10 < -27 || exp10 > 27)
        return false;
    long double v = exp10 < 0 ? (long double)w / p10[-exp10] : (long double)w * p10[exp10];
    uint64_t mant;
    memcpy(&mant, &v, sizeof mant); /* the low 8 bytes of the 80-bit format */
    if ((mant & 0x7FF) == 0x400)
        return false;
    double d = (double)v;
    *out = neg ? -d : d;
    return true;
}

/* Does long double arithmetic really carry 64 bits here? (Not when the x87 precision control
 * was lowered to 53 bits, nor under valgrind, which computes long double in double.) */
static bool fast_decimal_usable(void)
{
    volatile long double one = 1.0L, tiny = 0x1p-63L;
    return one + tiny != one;
}
#else
static bool fast_decimal(const char *p, const char *e, double *out)
{
    (void)p, (void)e, (void)out;
    return false;
}

static bool fast_decimal_usable(void)
{
    return false;
}
#endif

/* Parse a whole cell as a number (strtod: "nan", "inf", "-inf", "Infinity" included).
 * An empty cell is NaN when allow_empty (losses: pandas writes NaN as ""), else an error. */
static int cell_number(const struct scan *s, const struct cell *c, const char *what, bool allow_empty,
                       double *out, struct lrf_error *err)
{
    size_t n = (size_t)(c->e - c->b);
    char buf[CELL_MAX];
    if (n == 0) {
        if (allow_empty) {
            *out = (double)NAN;
            return 0;
        }
        return lrf_error_set(err, s->name, s->lineno, col_of(s, c->start), "empty %s cell (expected a number)",
                             what);
    }
    if (s->fast && fast_decimal(c->b, c->e, out))
        return 0;
    if (n < sizeof buf) {
        memcpy(buf, c->b, n);
        buf[n] = '\0';
        char *end;
        *out = strtod(buf, &end);
        if (end == buf + n)
            return 0;
    }
    return lrf_error_set(err, s->name, s->lineno, col_of(s, c->start), "%s cell `%.*s` is not a number", what,
                         n > 40 ? 40 : (int)n, c->b);
}

static bool line_is_blank(const struct scan *s)
{
    for (const char *p = s->line; p < s->eol; p++)
        if (!is_blank(*p))
            return false;
    return true;
}

static bool line_is_comment(const struct scan *s)
{
    const char *p = s->line;
    while (p < s->eol && is_blank(*p))
        p++;
    return p < s->eol && *p == '#';
}

/* The "# lrfind 1 key=value ..." line: fill the settings in out. Other comments are left alone. */
static int parse_meta(const struct scan *s, struct sweep_file *out, struct lrf_error *err)
{
    const char *p = s->line, *eol = s->eol;
    while (p < eol && is_blank(*p))
        p++;
    p++; /* '#' */
    while (p < eol && is_blank(*p))
        p++;
    if ((size_t)(eol - p) < 7 || memcmp(p, "lrfind", 6) != 0 || !is_blank(p[6]))
        return 0;
    p += 6;
    while (p < eol && is_blank(*p))
        p++;
    if (p >= eol || *p < '0' || *p > '9')
        return 0; /* "# lrfind sweep of ..." is a plain comment */
    const char *vstart = p;
    long version = 0;
    while (p < eol && *p >= '0' && *p <= '9') {
        if (version < 1000000)
            version = version * 10 + (*p - '0');
        p++;
    }
    if (p < eol && !is_blank(*p))
        return 0;
    if (version > CSV_VERSION)
        return lrf_error_set(err, s->name, s->lineno, col_of(s, vstart),
                             "made by a newer lrfind (file format %ld, this lrfind reads %d)", version, CSV_VERSION);
    if (version != CSV_VERSION)
        return 0;

    static const struct {
        const char *key;
        size_t offset;
    } dkeys[] = {
        { "start_lr", offsetof(struct sweep_file, start_lr) },
        { "end_lr", offsetof(struct sweep_file, end_lr) },
        { "multiplier", offsetof(struct sweep_file, multiplier) },
        { "smoothing", offsetof(struct sweep_file, smoothing) },
        { "stop_factor", offsetof(struct sweep_file, stop_factor) },
    };
    while (p < eol) {
        while (p < eol && is_blank(*p))
            p++;
        if (p >= eol)
            break;
        const char *key = p;
        while (p < eol && !is_blank(*p) && *p != '=')
            p++;
        size_t klen = (size_t)(p - key);
        if (p >= eol || *p != '=') {
            while (p < eol && !is_blank(*p))
                p++;
            continue; /* a word without '=' */
        }
        p++;
        const char *vb = p, *ve;
        if (p < eol && *p == '"') {
            vb = ++p;
            const char *q = memchr(p, '"', (size_t)(eol - p));
            ve = q != NULL ? q : eol;
            p = q != NULL ? q + 1 : eol;
        } else {
            while (p < eol && !is_blank(*p))
                p++;
            ve = p;
        }
        size_t vlen = (size_t)(ve - vb);
        struct cell c = { vb, ve, vb };
        if (klen == 7 && memcmp(key, "trainer", 7) == 0) {
            if (vlen >= sizeof out->trainer)
                vlen = sizeof out->trainer - 1;
            memcpy(out->trainer, vb, vlen);
            out->trainer[vlen] = '\0';
        } else if ((klen == 10 && memcmp(key, "skip_start", 10) == 0) ||
                   (klen == 8 && memcmp(key, "skip_end", 8) == 0)) {
            long *dst = klen == 10 ? &out->skip_start : &out->skip_end;
            double v;
            if (klen == 10 && vlen == 4 && memcmp(vb, "auto", 4) == 0) {
                *dst = -1;
                continue;
            }
            if (cell_number(s, &c, klen == 10 ? "skip_start" : "skip_end", false, &v, err) != 0)
                return -1;
            if (!(v >= 0 && v <= 1e15 && v == floor(v)))
                return lrf_error_set(err, s->name, s->lineno, col_of(s, vb),
                                     "%.*s must be a whole number >= 0, not `%.*s`", (int)klen, key,
                                     (int)(vlen > 40 ? 40 : vlen), vb);
            *dst = (long)v;
        } else if (klen == 10 && memcmp(key, "iterations", 10) == 0) {
            double v;
            if (cell_number(s, &c, "iterations", false, &v, err) != 0)
                return -1;
            if (!(v >= 1 && v <= 1e15 && v == floor(v)))
                return lrf_error_set(err, s->name, s->lineno, col_of(s, vb),
                                     "iterations must be a whole number >= 1, not `%.*s`", (int)(vlen > 40 ? 40 : vlen), vb);
            out->iterations = (long)v;
        } else {
            for (size_t i = 0; i < sizeof dkeys / sizeof dkeys[0]; i++) {
                if (strlen(dkeys[i].key) == klen && memcmp(key, dkeys[i].key, klen) == 0) {
                    double v;
                    if (cell_number(s, &c, dkeys[i].key, false, &v, err) != 0)
                        return -1;
                    memcpy((char *)out + dkeys[i].offset, &v, sizeof v);
                }
            }
        }
    }
    return 0;
}

/* Does the (trimmed) header cell name this column, case-insensitively? */
static bool cell_is(const struct cell *c, const char *name)
{
    size_t n = strlen(name);
    return (size_t)(c->e - c->b) == n && strncasecmp(c->b, name, n) == 0;
}

/* Find the lr, loss and smooth_loss columns in the header line. */
static int parse_header(const struct scan *s, long col[3], size_t *ncols, struct lrf_error *err)
{
    static const char *const names[3] = { "lr", "loss", "smooth_loss" };
    col[0] = col[1] = col[2] = -1;
    const char *p = s->line;
    size_t j = 0;
    bool more = true;
    while (more) {
        struct cell c;
        if (cell_next(s, &p, &more, &c, err) != 0)
            return -1;
        for (int k = 0; k < 3; k++) {
            if (!cell_is(&c, names[k]))
                continue;
            if (col[k] >= 0)
                return lrf_error_set(err, s->name, s->lineno, col_of(s, c.start), "duplicate column `%s`", names[k]);
            col[k] = (long)j;
        }
        j++;
    }
    *ncols = j;
    for (int k = 0; k < 2; k++)
        if (col[k] < 0)
            return lrf_error_set(err, s->name, s->lineno, 1,
                                 "the header has no `%s` column (expected a header naming lr and loss)", names[k]);
    return 0;
}

/* Make room for n + 1 points. */
static int grow(struct sweep_file *out, size_t *cap, bool smooth)
{
    if (out->n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 1024;
    double *a = realloc(out->lr, nc * sizeof *a);
    if (a == NULL)
        return -1;
    out->lr = a;
    a = realloc(out->loss, nc * sizeof *a);
    if (a == NULL)
        return -1;
    out->loss = a;
    if (smooth) {
        a = realloc(out->smooth, nc * sizeof *a);
        if (a == NULL)
            return -1;
        out->smooth = a;
    }
    *cap = nc;
    return 0;
}

/* Parse one data row into point out->n. */
static int parse_row(const struct scan *s, const long col[3], size_t ncols, struct sweep_file *out,
                     struct lrf_error *err)
{
    const char *p = s->line;
    size_t j = 0;
    bool more = true;
    size_t i = out->n;
    while (more) {
        struct cell c;
        if (cell_next(s, &p, &more, &c, err) != 0)
            return -1;
        if (j >= ncols)
            return lrf_error_set(err, s->name, s->lineno, col_of(s, c.start),
                                 "too many cells (expected %zu, as in the header)", ncols);
        if ((long)j == col[0]) {
            double lr;
            if (cell_number(s, &c, "lr", false, &lr, err) != 0)
                return -1;
            if (!(lr > 0) || !isfinite(lr))
                return lrf_error_set(err, s->name, s->lineno, col_of(s, c.start),
                                     "lr must be finite and > 0, not `%.*s`", (int)(c.e - c.b > 40 ? 40 : c.e - c.b), c.b);
            if (i > 0 && !(lr > out->lr[i - 1]))
                return lrf_error_set(err, s->name, s->lineno, col_of(s, c.start),
                                     "lr must increase from row to row: %.17g follows %.17g", lr, out->lr[i - 1]);
            out->lr[i] = lr;
        } else if ((long)j == col[1]) {
            if (cell_number(s, &c, "loss", true, &out->loss[i], err) != 0)
                return -1;
        } else if ((long)j == col[2]) {
            if (cell_number(s, &c, "smooth_loss", true, &out->smooth[i], err) != 0)
                return -1;
        }
        j++;
    }
    if (j < ncols)
        return lrf_error_set(err, s->name, s->lineno, col_of(s, s->eol),
                             "too few cells: %zu (expected %zu, as in the header)", j, ncols);
    out->n++;
    return 0;
}

static int read_buffer(struct scan *s, struct sweep_file *out, struct lrf_error *err)
{
    /* A UTF-8 byte order mark is not part of line 1's columns. */
    if (s->end - s->next >= 3 && memcmp(s->next, "\xEF\xBB\xBF", 3) == 0)
        s->next += 3;

    long col[3];
    size_t ncols = 0, cap = 0;
    int header_line = 0;
    while (scan_next_line(s)) {
        if (line_is_comment(s)) {
            if (s->lineno == 1 && parse_meta(s, out, err) != 0)
                return -1;
            continue;
        }
        if (line_is_blank(s))
            continue;
        if (header_line == 0) {
            if (parse_header(s, col, &ncols, err) != 0)
                return -1;
            header_line = s->lineno;
            continue;
        }
        if (grow(out, &cap, col[2] >= 0) != 0)
            return lrf_error_set(err, s->name, s->lineno, 0, "out of memory");
        if (parse_row(s, col, ncols, out, err) != 0)
            return -1;
    }
    if (header_line == 0)
        return lrf_error_set(err, s->name, 1, 1, "empty file (expected a header naming lr and loss, then rows)");
    if (out->n == 0)
        return lrf_error_set(err, s->name, header_line, 1, "no data rows after the header");
    return 0;
}

int csv_read_buffer(const char *name, const char *text, size_t len, struct sweep_file *out,
                    struct lrf_error *err)
{
    memset(out, 0, sizeof *out);
    out->iterations = -1;
    out->skip_start = out->skip_end = -2;
    out->start_lr = out->end_lr = out->multiplier = out->smoothing = out->stop_factor = (double)NAN;
    out->path = strdup(name);
    if (out->path == NULL)
        return lrf_error_set(err, name, 0, 0, "out of memory");

    struct scan s = { .name = name, .end = text + len, .next = text, .fast = fast_decimal_usable() };
    locale_t c, old = c_numeric_begin(&c);
    int rc = read_buffer(&s, out, err);
    c_numeric_end(c, old);
    if (rc != 0) {
        sweep_file_free(out);
        return -1;
    }
    return 0;
}

int csv_read_file(const char *path, struct sweep_file *out, struct lrf_error *err)
{
    bool is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    memset(out, 0, sizeof *out);
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    if (fp == NULL)
        return lrf_error_set(err, name, 0, 0, "cannot open: %s", strerror(errno));

    /* One allocation for a regular file; doubling for pipes. */
    struct stat st;
    size_t cap = 1 << 16, len = 0;
    if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        cap = (size_t)st.st_size + 1;
    char *buf = malloc(cap);
    int rc = -1;
    if (buf == NULL) {
        lrf_error_set(err, name, 0, 0, "out of memory");
        goto out;
    }
    for (;;) {
        if (len == cap) {
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                lrf_error_set(err, name, 0, 0, "out of memory");
                goto out;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(fp)) {
        lrf_error_set(err, name, 0, 0, "cannot read: %s", strerror(errno));
        goto out;
    }
    rc = csv_read_buffer(name, buf, len, out, err);
out:
    free(buf);
    if (!is_stdin)
        fclose(fp);
    return rc;
}

void sweep_file_free(struct sweep_file *f)
{
    free(f->path);
    free(f->lr);
    free(f->loss);
    free(f->smooth);
    f->path = NULL;
    f->lr = f->loss = f->smooth = NULL;
    f->n = 0;
}

/* %.17g, with NaN and infinities spelt nan, inf and -inf (printf may say "-nan"). */
static int put_number(FILE *fp, double x)
{
    if (isnan(x))
        return fputs("nan", fp);
    if (isinf(x))
        return fputs(x > 0 ? "inf" : "-inf", fp);
    return fprintf(fp, "%.17g", x);
}

int csv_write(FILE *fp, const struct sweep *sw, const char *meta)
{
    locale_t c, old = c_numeric_begin(&c);
    if (meta != NULL) {
        fputs("# lrfind 1", fp);
        if (meta[0] != '\0')
            fputc(' ', fp);
        /* One line whatever meta holds, or the header would move. */
        for (const char *p = meta; *p; p++)
            fputc(*p == '\n' || *p == '\r' ? ' ' : *p, fp);
        fputc('\n', fp);
    }
    fputs(sw->smooth != NULL ? "iter,lr,loss,smooth_loss\n" : "iter,lr,loss\n", fp);
    for (size_t i = 0; i < sw->len; i++) {
        fprintf(fp, "%zu,", i);
        put_number(fp, sw->lr[i]);
        fputc(',', fp);
        put_number(fp, sw->loss[i]);
        if (sw->smooth != NULL) {
            fputc(',', fp);
            put_number(fp, sw->smooth[i]);
        }
        fputc('\n', fp);
    }
    c_numeric_end(c, old);
    return ferror(fp) ? -1 : 0;
}

int csv_save(const char *path, const struct sweep *sw, const char *meta, struct lrf_error *err)
{
    struct atomic_file af;
    if (atomic_open(&af, path, err) != 0)
        return -1;
    csv_write(af.fp, sw, meta);
    return atomic_commit(&af, err);
}
