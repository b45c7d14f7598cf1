/* proto.c: the external-trainer line protocol: parse and format lines, cut a stream into lines.
 * Numbers are read and written in the C locale whatever LC_NUMERIC the program runs under
 * (ncursesw programs call setlocale, and a German locale would write "1,5e-07"). */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrfind/proto.h"

static locale_t proto_c_locale = (locale_t)0;
static pthread_once_t proto_locale_once = PTHREAD_ONCE_INIT;

static void proto_make_locale(void)
{
    proto_c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* The C locale for numbers, or 0 when it could not be made (then the global one is used). */
static locale_t proto_locale(void)
{
    pthread_once(&proto_locale_once, proto_make_locale);
    return proto_c_locale;
}

/* snprintf in the C locale; returns the length or -1 when it does not fit. */
static int proto_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int proto_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    locale_t c = proto_locale();
    locale_t old = c ? uselocale(c) : (locale_t)0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (c)
        uselocale(old);
    if (n < 0 || (size_t)n >= size)
        return -1;
    return n;
}

const char *proto_kind_name(enum proto_kind kind)
{
    switch (kind) {
    case PROTO_HELLO:
        return "hello";
    case PROTO_LOSS:
        return "loss";
    case PROTO_OK:
        return "ok";
    case PROTO_ERROR:
        return "error";
    case PROTO_STEP:
        return "step";
    case PROTO_RESET:
        return "reset";
    case PROTO_QUIT:
        return "quit";
    }
    return "?";
}

static bool proto_is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Copy src[0..n) into dst (size bytes) as printable text: control bytes become '?', and a cut
 * never splits a UTF-8 sequence. */
static void proto_copy_text(char *dst, size_t size, const char *src, size_t n)
{
    if (n >= size) {
        n = size - 1;
        /* back up over continuation bytes so that the cut lands between characters */
        size_t k = n;
        while (k > 0 && ((unsigned char)src[k] & 0xC0) == 0x80)
            k--;
        if (k > 0 || ((unsigned char)src[0] & 0xC0) != 0x80)
            n = k;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    dst[n] = '\0';
}

/* A short quotable excerpt of a token for messages. */
static void proto_excerpt(char *dst, size_t size, const char *src, size_t n)
{
    if (n > 40) {
        proto_copy_text(dst, size < 41 ? size : 41, src, 40);
        size_t l = strlen(dst);
        if (l + 4 <= size)
            memcpy(dst + l, "...", 4);
    } else {
        proto_copy_text(dst, size, src, n);
    }
}

static bool proto_ieq(const char *a, size_t n, const char *word)
{
    size_t m = strlen(word);
    if (n != m)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return false;
    }
    return true;
}

/* Parse a number token: [+-] then digits[.digits][e[+-]digits] or .digits..., or inf,
 * infinity, nan (any case). No hex, no "nan(...)", no spaces. */
static bool proto_parse_number(const char *s, size_t n, double *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        i++;
    }
    if (proto_ieq(s + i, n - i, "inf") || proto_ieq(s + i, n - i, "infinity")) {
        *out = neg ? -HUGE_VAL : HUGE_VAL;
        return true;
    }
    if (proto_ieq(s + i, n - i, "nan")) {
        *out = (double)NAN;
        return true;
    }
    size_t digits = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        i++;
        digits++;
    }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            i++;
            digits++;
        }
    }
    if (digits == 0)
        return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t exp_digits = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            i++;
            exp_digits++;
        }
        if (exp_digits == 0)
            return false;
    }
    if (i != n)
        return false;
    /* the grammar above is a subset of strtod's; copy to get a terminator */
    char tmp[PROTO_MAX_LINE + 1];
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    locale_t c = proto_locale();
    *out = c ? strtod_l(tmp, NULL, c) : strtod(tmp, NULL); /* overflow gives +-inf: fine */
    return true;
}

/* Next token starting at *pos (skipping blanks): sets *tok and *tn; false at end of line. */
static bool proto_token(const char *line, size_t len, size_t *pos, size_t *tok, size_t *tn)
{
    size_t i = *pos;
    while (i < len && proto_is_space(line[i]))
        i++;
    if (i >= len) {
        *pos = i;
        return false;
    }
    size_t start = i;
    while (i < len && !proto_is_space(line[i]))
        i++;
    *tok = start;
    *tn = i - start;
    *pos = i;
    return true;
}

static int proto_fail(struct lrf_error *err, size_t column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int proto_fail(struct lrf_error *err, size_t column, const char *fmt, ...)
{
    if (err == NULL)
        return -1;
    char msg[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return lrf_error_set(err, NULL, 0, (int)column, "%s", msg);
}

/* hello <version> [key=value ...] */
static int proto_parse_hello(const char *line, size_t len, size_t pos, struct proto_msg *msg,
                             struct lrf_error *err)
{
    size_t tok, tn;
    if (!proto_token(line, len, &pos, &tok, &tn))
        return proto_fail(err, len + 1, "'hello' without a protocol version (expected 'hello 1')");
    long version = 0;
    for (size_t i = 0; i < tn; i++) {
        char c = line[tok + i];
        if (c < '0' || c > '9' || i >= 9) {
            char ex[64];
            proto_excerpt(ex, sizeof ex, line + tok, tn);
            return proto_fail(err, tok + 1,
                              "bad protocol version '%s' (expected a number, e.g. 'hello 1')", ex);
        }
        version = version * 10 + (c - '0');
    }
    if (version <= 0)
        return proto_fail(err, tok + 1, "bad protocol version 0 (expected 'hello 1')");
    msg->version = version;
    while (proto_token(line, len, &pos, &tok, &tn)) {
        const char *t = line + tok;
        const char *eq = memchr(t, '=', tn);
        if (eq == NULL || eq == t) {
            char ex[64];
            proto_excerpt(ex, sizeof ex, t, tn);
            return proto_fail(err, tok + 1, "bad hello field '%s' (expected key=value)", ex);
        }
        size_t kn = (size_t)(eq - t);
        const char *v = eq + 1;
        size_t vn = tn - kn - 1;
        if (kn == 4 && memcmp(t, "name", 4) == 0)
            proto_copy_text(msg->name, sizeof msg->name, v, vn);
        else if (kn == 6 && memcmp(t, "params", 6) == 0)
            proto_copy_text(msg->params, sizeof msg->params, v, vn);
        else if (kn == 5 && memcmp(t, "batch", 5) == 0)
            proto_copy_text(msg->batch, sizeof msg->batch, v, vn);
        /* other keys are for later versions of lrfind: ignored */
    }
    return 0;
}

int proto_parse(const char *line, size_t len, struct proto_msg *msg, struct lrf_error *err)
{
    memset(msg, 0, offsetof(struct proto_msg, text));
    msg->text[0] = '\0';
    if (len > 0 && line[len - 1] == '\r')
        len--;
    if (len > PROTO_MAX_LINE)
        return proto_fail(err, PROTO_MAX_LINE + 1,
                          "line of %zu bytes is over the limit of %d bytes", len, PROTO_MAX_LINE);
    const char *nul = memchr(line, '\0', len);
    if (nul != NULL)
        return proto_fail(err, (size_t)(nul - line) + 1, "NUL byte in line");
    size_t pos = 0, tok, tn;
    if (!proto_token(line, len, &pos, &tok, &tn))
        return proto_fail(err, 1, "empty line");
    const char *verb = line + tok;
#define VERB(w) (tn == sizeof(w) - 1 && memcmp(verb, w, sizeof(w) - 1) == 0)
    if (VERB("hello")) {
        msg->kind = PROTO_HELLO;
        return proto_parse_hello(line, len, pos, msg, err);
    }
    if (VERB("error")) {
        msg->kind = PROTO_ERROR;
        while (pos < len && proto_is_space(line[pos]))
            pos++;
        size_t end = len;
        while (end > pos && proto_is_space(line[end - 1]))
            end--;
        if (end == pos)
            snprintf(msg->text, sizeof msg->text, "(no message)");
        else
            proto_copy_text(msg->text, sizeof msg->text, line + pos, end - pos);
        return 0;
    }
    if (VERB("loss") || VERB("step")) {
        msg->kind = VERB("loss") ? PROTO_LOSS : PROTO_STEP;
        const char *what = proto_kind_name(msg->kind);
        if (!proto_token(line, len, &pos, &tok, &tn))
            return proto_fail(err, len + 1, "'%s' without a number (expected '%s <value>')", what,
                              what);
        if (!proto_parse_number(line + tok, tn, &msg->value)) {
            char ex[64];
            proto_excerpt(ex, sizeof ex, line + tok, tn);
            return proto_fail(err, tok + 1,
                              "bad number '%s' after '%s' (expected e.g. 0.693, 1e-05, nan or inf)",
                              ex, what);
        }
        if (proto_token(line, len, &pos, &tok, &tn))
            return proto_fail(err, tok + 1, "extra text after '%s <value>'", what);
        return 0;
    }
    if (VERB("ok") || VERB("reset") || VERB("quit")) {
        msg->kind = VERB("ok") ? PROTO_OK : VERB("reset") ? PROTO_RESET : PROTO_QUIT;
        if (proto_token(line, len, &pos, &tok, &tn))
            return proto_fail(err, tok + 1, "'%s' takes no arguments", proto_kind_name(msg->kind));
        return 0;
    }
#undef VERB
    char ex[64];
    proto_excerpt(ex, sizeof ex, verb, tn);
    return proto_fail(err, tok + 1, "unknown message '%s' (expected hello, loss, ok or error)", ex);
}

int proto_format_step(char *buf, size_t size, double lr)
{
    return proto_snprintf(buf, size, "step %.17g\n", lr);
}

int proto_format_loss(char *buf, size_t size, double loss)
{
    if (isnan(loss))
        return proto_snprintf(buf, size, "loss nan\n");
    if (isinf(loss))
        return proto_snprintf(buf, size, "loss %sinf\n", loss < 0 ? "-" : "");
    return proto_snprintf(buf, size, "loss %.17g\n", loss);
}

int proto_format_error(char *buf, size_t size, const char *message)
{
    /* "error " + text + "\n" must stay within PROTO_MAX_LINE */
    char text[PROTO_MAX_LINE - 6 + 1];
    proto_copy_text(text, sizeof text, message, strlen(message));
    for (char *p = text; *p; p++)
        if (*p == '?' && message[p - text] != '?')
            *p = ' '; /* a control byte: newlines must not split the line */
    return proto_snprintf(buf, size, "error %s\n", text[0] ? text : "(no message)");
}

/* Append " key=value" to buf at *off, spaces in value as '_'; false when it does not fit. */
static bool proto_append_field(char *buf, size_t size, size_t *off, const char *key,
                               const char *value)
{
    if (value == NULL || value[0] == '\0')
        return true;
    int n = snprintf(buf + *off, size - *off, " %s=", key);
    if (n < 0 || (size_t)n >= size - *off)
        return false;
    *off += (size_t)n;
    for (const char *p = value; *p; p++) {
        if (*off + 1 >= size)
            return false;
        unsigned char c = (unsigned char)*p;
        buf[(*off)++] = (c <= 0x20 || c == 0x7f) ? '_' : (char)c;
    }
    buf[*off] = '\0';
    return true;
}

int proto_format_hello(char *buf, size_t size, const char *name, const char *params,
                       const char *batch)
{
    int n = snprintf(buf, size, "hello %d", PROTO_VERSION);
    if (n < 0 || (size_t)n >= size)
        return -1;
    size_t off = (size_t)n;
    if (!proto_append_field(buf, size, &off, "name", name) ||
        !proto_append_field(buf, size, &off, "params", params) ||
        !proto_append_field(buf, size, &off, "batch", batch))
        return -1;
    if (off + 2 > size || off > PROTO_MAX_LINE)
        return -1;
    buf[off++] = '\n';
    buf[off] = '\0';
    return (int)off;
}

void proto_lines_init(struct proto_lines *pl)
{
    pl->len = 0;
    pl->start = 0;
    pl->overlong = 0;
}

char *proto_lines_space(struct proto_lines *pl, size_t *avail)
{
    if (pl->start > 0) {
        memmove(pl->buf, pl->buf + pl->start, pl->len - pl->start);
        pl->len -= pl->start;
        pl->start = 0;
    }
    *avail = sizeof pl->buf - pl->len;
    return pl->buf + pl->len;
}

void proto_lines_commit(struct proto_lines *pl, size_t n)
{
    if (n > sizeof pl->buf - pl->len)
        n = sizeof pl->buf - pl->len;
    pl->len += n;
}

size_t proto_lines_feed(struct proto_lines *pl, const char *data, size_t n)
{
    size_t avail;
    char *dst = proto_lines_space(pl, &avail);
    if (n > avail)
        n = avail;
    memcpy(dst, data, n);
    proto_lines_commit(pl, n);
    return n;
}

int proto_lines_next(struct proto_lines *pl, const char **line, size_t *len)
{
    if (pl->overlong)
        return -1;
    const char *p = pl->buf + pl->start;
    size_t n = pl->len - pl->start;
    const char *nl = memchr(p, '\n', n);
    if (nl == NULL) {
        /* a line that cannot end within the buffer is over the limit */
        if (n >= PROTO_MAX_LINE + 2 || (n == PROTO_MAX_LINE + 1 && p[PROTO_MAX_LINE] != '\r')) {
            pl->overlong = 1;
            return -1;
        }
        return 0;
    }
    *line = p;
    *len = (size_t)(nl - p);
    pl->start += *len + 1;
    return 1;
}

size_t proto_lines_pending(const struct proto_lines *pl)
{
    return pl->len - pl->start;
}
