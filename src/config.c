/* config.c: the YAML config. libyaml's event API builds a small tree with marks (anchors and
 * aliases refused), then the tree is walked against the key table (config_keys.c): every value
 * is checked for type and range where it stands, and reported as file:line:column. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lrfind/config.h"
#include "lrfind/schedule.h"

#define CONFIG_MAX_FILE (16u << 20) /* bytes; a config is a few hundred */
#define PATH_MAX_LEN 256

/* ---- the tree -------------------------------------------------------------------------- */

struct tree_parser {
    yaml_parser_t p;
    const char *name;
    int col_off;
    const char *text;
    size_t len;
    size_t bom;             /* bytes of a UTF-8 byte order mark, which libyaml does not count */
    size_t c_chars, c_byte; /* cache for tp_byte: character c_chars starts at byte c_byte */
    struct lrf_error *err;
};

/* The byte offset of character index ci (libyaml's mark.index counts characters). */
static size_t tp_byte(struct tree_parser *tp, size_t ci)
{
    if (ci < tp->c_chars) {
        tp->c_chars = 0;
        tp->c_byte = tp->bom;
    }
    const unsigned char *s = (const unsigned char *)tp->text;
    while (tp->c_chars < ci && tp->c_byte < tp->len) {
        unsigned char c = s[tp->c_byte];
        size_t w = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
        tp->c_byte += w;
        tp->c_chars++;
    }
    if (tp->c_byte > tp->len)
        tp->c_byte = tp->len;
    return tp->c_byte;
}

static struct config_mark tp_mark(struct tree_parser *tp, yaml_mark_t m)
{
    struct config_mark r;
    r.line = (int)m.line + 1;
    r.column = (int)m.column + 1 + (m.line == 0 ? tp->col_off : 0);
    r.byte = tp_byte(tp, m.index);
    return r;
}

/* A mark for messages. At the end of a text without a final line break libyaml reports the
 * start of a line that is not there: report the end of the last line instead. */
static struct config_mark tp_eof_mark(struct tree_parser *tp, yaml_mark_t m)
{
    struct config_mark r = tp_mark(tp, m);
    if (r.byte < tp->len || tp->len == tp->bom || tp->text[tp->len - 1] == '\n' || m.column != 0 ||
        m.line == 0)
        return r;
    size_t start = tp->len;
    while (start > tp->bom && tp->text[start - 1] != '\n')
        start--;
    r.line = (int)m.line;
    r.column = 1 + (r.line == 1 ? tp->col_off : 0);
    for (size_t i = start; i < tp->len; i++)
        r.column += ((unsigned char)tp->text[i] & 0xc0) != 0x80;
    return r;
}

/* Turn libyaml's error state into err. */
static int tp_error(struct tree_parser *tp)
{
    yaml_parser_t *p = &tp->p;
    if (p->error == YAML_MEMORY_ERROR)
        return lrf_error_set(tp->err, tp->name, 0, 0, "out of memory");
    if (p->error == YAML_READER_ERROR) {
        /* problem_offset is a byte offset; count lines and characters up to it. */
        size_t off = p->problem_offset + tp->bom < tp->len ? p->problem_offset + tp->bom : tp->len;
        int line = 1, col = 1;
        for (size_t i = tp->bom; i < off; i++) {
            unsigned char c = (unsigned char)tp->text[i];
            if (c == '\n') {
                line++;
                col = 1;
            } else if ((c & 0xc0) != 0x80) {
                col++;
            }
        }
        if (line == 1)
            col += tp->col_off;
        if (p->problem_value != -1)
            return lrf_error_set(tp->err, tp->name, line, col,
                                 "invalid text: %s (byte 0x%02x; expected UTF-8 text)",
                                 p->problem ? p->problem : "?", (unsigned)p->problem_value & 0xffu);
        return lrf_error_set(tp->err, tp->name, line, col, "invalid text: %s (expected UTF-8 text)",
                             p->problem ? p->problem : "?");
    }
    struct config_mark pm = tp_eof_mark(tp, p->problem_mark), cm = tp_eof_mark(tp, p->context_mark);
    if (p->context != NULL)
        return lrf_error_set(tp->err, tp->name, pm.line, pm.column,
                             "invalid YAML: %s (%s that started at line %d column %d)",
                             p->problem ? p->problem : "?", p->context, cm.line, cm.column);
    return lrf_error_set(tp->err, tp->name, pm.line, pm.column, "invalid YAML: %s",
                         p->problem ? p->problem : "?");
}

static int tp_next(struct tree_parser *tp, yaml_event_t *ev)
{
    return yaml_parser_parse(&tp->p, ev) ? 0 : tp_error(tp);
}

void config_tree_free(struct config_node *node)
{
    if (node == NULL)
        return;
    for (size_t i = 0; i < node->n; i++)
        config_tree_free(node->kids[i]);
    free(node->kids);
    free(node->text);
    free(node);
}

static int add_kid(struct config_node *parent, struct config_node *kid)
{
    /* The capacity is 4, 8, 16...: grow when n reaches it. */
    if (parent->n == 0 || (parent->n >= 4 && (parent->n & (parent->n - 1)) == 0)) {
        size_t cap = parent->n ? parent->n * 2 : 4;
        struct config_node **k = realloc(parent->kids, cap * sizeof *k);
        if (k == NULL)
            return -1;
        parent->kids = k;
    }
    parent->kids[parent->n++] = kid;
    return 0;
}

/* Build the node that starts with event ev (consumed), reading its children recursively. */
static int tp_node(struct tree_parser *tp, yaml_event_t *ev, int depth, struct config_node **out)
{
    *out = NULL;
    yaml_char_t *anchor = ev->type == YAML_SCALAR_EVENT           ? ev->data.scalar.anchor
                          : ev->type == YAML_SEQUENCE_START_EVENT ? ev->data.sequence_start.anchor
                          : ev->type == YAML_MAPPING_START_EVENT  ? ev->data.mapping_start.anchor
                                                                  : NULL;
    struct config_mark start = tp_mark(tp, ev->start_mark);
    if (ev->type == YAML_ALIAS_EVENT || anchor != NULL) {
        yaml_event_delete(ev);
        return lrf_error_set(tp->err, tp->name, start.line, start.column,
                             "YAML anchors and aliases are not allowed (write each value out)");
    }
    if (depth > CONFIG_TREE_DEPTH) {
        yaml_event_delete(ev);
        return lrf_error_set(tp->err, tp->name, start.line, start.column,
                             "nested too deeply (at most %d levels)", CONFIG_TREE_DEPTH);
    }
    struct config_node *n = calloc(1, sizeof *n);
    if (n == NULL) {
        yaml_event_delete(ev);
        return lrf_error_set(tp->err, tp->name, 0, 0, "out of memory");
    }
    n->start = start;
    if (ev->type == YAML_SCALAR_EVENT) {
        n->kind = CN_SCALAR;
        n->end = n->close = tp_mark(tp, ev->end_mark);
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        n->len = ev->data.scalar.length;
        n->text = malloc(n->len + 1);
        if (n->text != NULL) {
            memcpy(n->text, ev->data.scalar.value, n->len);
            n->text[n->len] = '\0';
        }
        yaml_event_delete(ev);
        if (n->text == NULL) {
            config_tree_free(n);
            return lrf_error_set(tp->err, tp->name, 0, 0, "out of memory");
        }
        *out = n;
        return 0;
    }
    bool map = ev->type == YAML_MAPPING_START_EVENT;
    n->kind = map ? CN_MAP : CN_SEQ;
    n->flow = map ? ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                  : ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
    yaml_event_type_t end = map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
    yaml_event_delete(ev);
    for (;;) {
        yaml_event_t e;
        if (tp_next(tp, &e) != 0) {
            config_tree_free(n);
            return -1;
        }
        if (e.type == end) {
            n->close = tp_mark(tp, e.start_mark);
            n->end = tp_mark(tp, e.end_mark);
            yaml_event_delete(&e);
            break;
        }
        struct config_node *kid;
        if (tp_node(tp, &e, depth + 1, &kid) != 0) {
            config_tree_free(n);
            return -1;
        }
        if (add_kid(n, kid) != 0) {
            config_tree_free(kid);
            config_tree_free(n);
            return lrf_error_set(tp->err, tp->name, 0, 0, "out of memory");
        }
    }
    *out = n;
    return 0;
}

int config_tree_parse(const char *name, int col_off, const char *text, size_t len,
                      struct config_node **root, struct lrf_error *err)
{
    struct tree_parser tp;
    memset(&tp, 0, sizeof tp);
    *root = NULL;
    tp.name = name;
    tp.col_off = col_off;
    tp.text = text;
    tp.len = len;
    tp.err = err;
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        tp.bom = 3;
    tp.c_byte = tp.bom;
    if (!yaml_parser_initialize(&tp.p))
        return lrf_error_set(err, name, 0, 0, "out of memory");
    yaml_parser_set_encoding(&tp.p, YAML_UTF8_ENCODING);
    /* libyaml counts a byte order mark as a character of the first line when the encoding is
     * given, which shifts the first key's column: leave it out. */
    yaml_parser_set_input_string(&tp.p, (const unsigned char *)text + tp.bom, len - tp.bom);
    int rc = -1, docs = 0;
    for (;;) {
        yaml_event_t e;
        if (tp_next(&tp, &e) != 0)
            break;
        yaml_event_type_t t = e.type;
        struct config_mark m = tp_mark(&tp, e.start_mark);
        if (t == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&e);
            rc = 0;
            break;
        }
        if (t == YAML_DOCUMENT_START_EVENT && docs++ > 0) {
            yaml_event_delete(&e);
            lrf_error_set(err, name, m.line, m.column,
                          "a second YAML document (expected one document)");
            break;
        }
        if (t == YAML_STREAM_START_EVENT || t == YAML_DOCUMENT_START_EVENT ||
            t == YAML_DOCUMENT_END_EVENT) {
            yaml_event_delete(&e);
            continue;
        }
        if (tp_node(&tp, &e, 0, root) != 0)
            break;
    }
    yaml_parser_delete(&tp.p);
    if (rc != 0) {
        config_tree_free(*root);
        *root = NULL;
    }
    return rc;
}

bool config_node_is_null(const struct config_node *n)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
    if (n->kind != CN_SCALAR || !n->plain)
        return false;
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
        if (strcmp(n->text, nulls[i]) == 0)
            return true;
    return false;
}

/* ---- the table -------------------------------------------------------------------------- */

const struct config_key *config_key_find(const char *path)
{
    for (size_t i = 0; i < config_nkeys; i++)
        if (strcmp(config_keys[i].path, path) == 0)
            return &config_keys[i];
    return NULL;
}

static int key_index(const char *path)
{
    const struct config_key *k = config_key_find(path);
    return k ? (int)(k - config_keys) : -1;
}

static bool is_section(const char *path)
{
    for (int i = 0; config_sections[i] != NULL; i++)
        if (strcmp(config_sections[i], path) == 0)
            return true;
    return false;
}

static const char *last_part(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot ? dot + 1 : path;
}

/* Optimal string alignment distance (Levenshtein plus adjacent transpositions), capped at 64 chars.
 */
static int edit_distance(const char *a, const char *b)
{
    enum { M = 64 };
    size_t n = strlen(a), m = strlen(b);
    n = n > M ? M : n;
    m = m > M ? M : m;
    int d[M + 1][M + 1];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[n][m];
}

/* Rank a candidate: the smaller of the distances over the full path and over the last
 * component, ties broken by the full-path distance. */
static void consider(const char *path, const char *cand, int limit, int *best, int *best_full,
                     const char **out)
{
    const char *pl = last_part(path), *cl = last_part(cand);
    int full = edit_distance(path, cand);
    /* A start of a name ("iter", "optim") counts as one edit away. */
    int last = strlen(pl) >= 4 && strncmp(cl, pl, strlen(pl)) == 0 ? 1 : edit_distance(pl, cl);
    int d = full < last ? full : last;
    if (d > limit || d > *best || (d == *best && full >= *best_full))
        return;
    *best = d;
    *best_full = full;
    *out = cand;
}

const char *config_nearest_key(const char *path)
{
    /* Short names tolerate one edit, longer ones one in three characters. */
    int len = (int)strlen(last_part(path));
    int limit = len / 3 > 1 ? len / 3 : 1;
    int best = 1 << 30, best_full = 1 << 30;
    const char *out = NULL;
    for (size_t i = 0; i < config_nkeys; i++)
        consider(path, config_keys[i].path, limit, &best, &best_full, &out);
    for (int i = 0; config_sections[i] != NULL; i++)
        consider(path, config_sections[i], limit, &best, &best_full, &out);
    return out;
}

/* The names directly inside section prefix ("" = top level), comma-separated, into buf. */
static void section_members(const char *prefix, char *buf, size_t size)
{
    size_t pl = strlen(prefix), used = 0;
    buf[0] = '\0';
    const char *last = NULL;
    size_t last_len = 0;
    for (size_t i = 0; i < config_nkeys && used < size; i++) {
        const char *p = config_keys[i].path;
        if (pl > 0 && (strncmp(p, prefix, pl) != 0 || p[pl] != '.'))
            continue;
        const char *name = pl > 0 ? p + pl + 1 : p;
        size_t nl = strcspn(name, ".");
        if (last != NULL && nl == last_len && strncmp(name, last, nl) == 0)
            continue; /* the next key of the same subsection */
        last = name;
        last_len = nl;
        used +=
            (size_t)snprintf(buf + used, size - used, "%s%.*s", used ? ", " : "", (int)nl, name);
    }
}

/* What a key takes, for messages and the man page: "a number > 0", "one of a, b". */
static void describe(const struct config_key *k, char *buf, size_t size)
{
    char lo[32], hi[32];
    snprintf(lo, sizeof lo, "%.15g", k->min);
    snprintf(hi, sizeof hi, "%.15g", k->max);
    size_t u = 0;
#define OUT(...)                                                                                   \
    (u += (size_t)snprintf(buf + (u < size ? u : size), u < size ? size - u : 0, __VA_ARGS__))
    switch (k->type) {
    case CT_DOUBLE:
    case CT_LONG:
    case CT_LONG_LIST: {
        if (k->type == CT_LONG_LIST)
            OUT("a list of at most %d integers", CONFIG_MAX_HIDDEN);
        else
            OUT("%s%s", k->flags & CK_ZERO ? "0 or " : "",
                k->type == CT_DOUBLE ? "a number" : "an integer");
        if (isinf(k->max))
            OUT(" %s %s", k->flags & CK_MIN_EXCL ? ">" : ">=", lo);
        else
            OUT(" in %c%s, %s%c", k->flags & CK_MIN_EXCL ? '(' : '[', lo, hi,
                k->flags & CK_MAX_EXCL ? ')' : ']');
        break;
    }
    case CT_U64:
        OUT("an integer >= 0");
        break;
    case CT_BOOL:
        OUT("true or false");
        break;
    case CT_TRISTATE:
        OUT("true, false or auto");
        break;
    case CT_STRING:
        OUT("a string");
        break;
    case CT_ARGV:
        OUT("a list of strings (the argv, run without a shell)");
        break;
    case CT_ENUM:
    case CT_ENUM_SET:
        OUT("%s", k->type == CT_ENUM ? "one of " : "a list of ");
        for (int i = 0; k->names[i] != NULL; i++)
            OUT("%s%s", i ? ", " : "", k->names[i]);
        break;
    }
    if (k->flags & CK_AUTO)
        OUT(" or auto");
    if (k->flags & CK_NULL)
        OUT(" or null");
#undef OUT
}

/* ---- loading ---------------------------------------------------------------------------- */

struct loader {
    struct lrf_config *cfg;
    const char *name; /* for messages */
    int src;          /* origin: 0 default, -1 --set, k > 0 a file */
    struct lrf_error *err;
};

static int fail(struct loader *ld, const struct config_mark *m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct loader *ld, const struct config_mark *m, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return lrf_error_set(ld->err, ld->name, m ? m->line : 0, m ? m->column : 0, "%s", msg);
}

/* A short rendering of a node for messages: `1e-3`, "quoted", a mapping, a list. */
static const char *show(const struct config_node *n, char *buf, size_t size)
{
    if (n->kind == CN_MAP)
        return "a mapping";
    if (n->kind == CN_SEQ)
        return "a list";
    if (config_node_is_null(n))
        return "null";
    const char *q = n->plain ? "`" : "\"";
    snprintf(buf, size, "%s%.40s%s%s", q, n->text, n->len > 40 ? "..." : "", q);
    return buf;
}

static void *field(struct lrf_config *cfg, const struct config_key *k)
{
    return (char *)cfg + k->offset;
}

static const void *cfield(const struct lrf_config *cfg, const struct config_key *k)
{
    return (const char *)cfg + k->offset;
}

static int *count_field(struct lrf_config *cfg, const struct config_key *k)
{
    return (int *)(void *)((char *)cfg + k->count_offset);
}

/* Set a key to its null: 0, NULL, an empty list. */
static void set_null(struct lrf_config *cfg, const struct config_key *k)
{
    void *f = field(cfg, k);
    switch (k->type) {
    case CT_DOUBLE:
        *(double *)f = 0;
        break;
    case CT_STRING:
        free(*(char **)f);
        *(char **)f = NULL;
        break;
    case CT_ARGV:
        for (int i = 0; i < *count_field(cfg, k); i++) {
            free(((char **)f)[i]);
            ((char **)f)[i] = NULL;
        }
        *count_field(cfg, k) = 0;
        break;
    case CT_LONG_LIST:
        *count_field(cfg, k) = 0;
        break;
    case CT_ENUM_SET:
        *(unsigned *)f = 0;
        break;
    default:
        break;
    }
}

/* A number in plain YAML spelling (no hex, inf or nan): 0 or -1. */
static int parse_double(const char *s, double *out)
{
    if (s[0] == '\0' || strspn(s, "0123456789+-.eE") != strlen(s))
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end != '\0' || !isfinite(v) || !strpbrk(s, "0123456789"))
        return -1;
    *out = v;
    return 0;
}

static int parse_integer(const char *s, long long *out)
{
    const char *d = s + (s[0] == '-' || s[0] == '+');
    if (d[0] == '\0' || strspn(d, "0123456789") != strlen(d))
        return -1;
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno == ERANGE)
        return -1;
    *out = v;
    return 0;
}

static bool in_range(const struct config_key *k, double v)
{
    if ((k->flags & CK_ZERO) && v == 0)
        return true;
    bool lo = k->flags & CK_MIN_EXCL ? v > k->min : v >= k->min;
    bool hi = k->flags & CK_MAX_EXCL ? v < k->max : v <= k->max;
    return lo && hi;
}

static int find_name(const char *const *names, const char *s)
{
    for (int i = 0; names[i] != NULL; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

static int parse_bool(const char *s)
{
    static const char *const t[] = {"true", "True", "TRUE", "yes", "Yes",
                                    "YES",  "on",   "On",   "ON",  NULL};
    static const char *const f[] = {"false", "False", "FALSE", "no",  "No",
                                    "NO",    "off",   "Off",   "OFF", NULL};
    return find_name(t, s) >= 0 ? 1 : find_name(f, s) >= 0 ? 0 : -1;
}

/* One parsed scalar: numbers, booleans and enum indexes in num, CT_U64 in u, strings in str. */
struct scalar {
    double num;
    uint64_t u;
    char *str;
};

/* One scalar value of key k (or an item of its list) from node v into *out. */
static int parse_scalar(struct loader *ld, const struct config_key *k, const struct config_node *v,
                        struct scalar *out)
{
    char want[256], got[64];
    describe(k, want, sizeof want);
    const char *path = k->path;
    if (v->kind != CN_SCALAR)
        return fail(ld, &v->start, "%s is %s (expected %s)", path, show(v, got, sizeof got), want);
    if (strlen(v->text) != v->len)
        return fail(ld, &v->start, "%s contains a NUL character (expected %s)", path, want);
    bool numeric =
        k->type == CT_DOUBLE || k->type == CT_LONG || k->type == CT_U64 || k->type == CT_LONG_LIST;
    if ((k->flags & CK_AUTO) && v->plain && strcmp(v->text, "auto") == 0) {
        out->num = -1;
        return 0;
    }
    if (numeric) {
        long long ll;
        double d;
        bool integer = k->type != CT_DOUBLE;
        if (!v->plain)
            return fail(ld, &v->start, "%s is the string %s, not a number (expected %s)", path,
                        show(v, got, sizeof got), want);
        if (integer && k->type == CT_U64) {
            char *end;
            errno = 0;
            unsigned long long u = strtoull(v->text, &end, 10);
            if (!isdigit((unsigned char)v->text[0]) || *end != '\0' || errno == ERANGE)
                return fail(ld, &v->start, "%s: %s is not an integer in range (expected %s)", path,
                            show(v, got, sizeof got), want);
            out->u = (uint64_t)u;
            return 0;
        }
        if (integer ? parse_integer(v->text, &ll) != 0 : parse_double(v->text, &d) != 0)
            return fail(ld, &v->start, "%s: %s is not %s (expected %s)", path,
                        show(v, got, sizeof got), integer ? "an integer" : "a number", want);
        if (integer)
            d = (double)ll;
        if (!in_range(k, d))
            return fail(ld, &v->start, "%s: %s is out of range (expected %s)", path, v->text, want);
        out->num = d;
        return 0;
    }
    if (k->type == CT_BOOL || k->type == CT_TRISTATE) {
        int b = v->plain ? parse_bool(v->text) : -1;
        if (b < 0 && k->type == CT_TRISTATE && v->plain && strcmp(v->text, "auto") == 0)
            b = 2;
        if (b < 0)
            return fail(ld, &v->start, "%s: %s is not a boolean (expected %s)", path,
                        show(v, got, sizeof got), want);
        out->num = b == 2 ? -1 : b;
        return 0;
    }
    if (k->type == CT_ENUM || k->type == CT_ENUM_SET) {
        int i = find_name(k->names, v->text);
        if (i < 0)
            return fail(ld, &v->start, "%s: unknown value %s (expected %s)", path,
                        show(v, got, sizeof got), want);
        out->num = i;
        return 0;
    }
    /* CT_STRING, CT_ARGV items */
    if (v->len == 0)
        return fail(ld, &v->start, "%s: an empty string (expected %s)", path, want);
    out->str = strdup(v->text);
    return out->str ? 0 : fail(ld, NULL, "out of memory");
}

static void note_origin(struct loader *ld, size_t ki, const struct config_node *v)
{
    struct config_origin *o = &ld->cfg->origin[ki];
    o->src = ld->src;
    o->line = v->start.line;
    o->column = v->start.column;
    o->seq = ++ld->cfg->origin_seq;
}

/* Check node v against key ki and store it in the config. */
static int apply(struct loader *ld, size_t ki, const struct config_node *v)
{
    const struct config_key *k = &config_keys[ki];
    struct lrf_config *cfg = ld->cfg;
    void *f = field(cfg, k);
    char want[256], got[64];
    if (config_node_is_null(v)) {
        if (!(k->flags & CK_NULL)) {
            describe(k, want, sizeof want);
            return fail(ld, &v->start, "%s has no value (expected %s)", k->path, want);
        }
        set_null(cfg, k);
        note_origin(ld, ki, v);
        return 0;
    }
    struct scalar sc = {0, 0, NULL};
    switch (k->type) {
    case CT_LONG_LIST:
    case CT_ENUM_SET:
    case CT_ARGV: {
        /* A list, always (a bare scalar is a wrong type: hidden: 64 must read [64]). */
        if (v->kind != CN_SEQ) {
            describe(k, want, sizeof want);
            return fail(ld, &v->start, "%s is %s (expected %s, in brackets: [...])", k->path,
                        show(v, got, sizeof got), want);
        }
        size_t n = v->n;
        const struct config_node *const *items = (const struct config_node *const *)v->kids;
        size_t max = k->type == CT_LONG_LIST ? CONFIG_MAX_HIDDEN
                     : k->type == CT_ARGV    ? CONFIG_MAX_ARGV
                                             : 64;
        if (n > max)
            return fail(ld, &items[max]->start, "%s has more than %zu items", k->path, max);
        long list[CONFIG_MAX_HIDDEN];
        char *argv[CONFIG_MAX_ARGV];
        unsigned mask = 0;
        for (size_t i = 0; i < n; i++) {
            if (parse_scalar(ld, k, items[i], &sc) != 0) {
                while (k->type == CT_ARGV && i > 0)
                    free(argv[--i]);
                return -1;
            }
            if (k->type == CT_LONG_LIST)
                list[i] = (long)sc.num;
            else if (k->type == CT_ENUM_SET)
                mask |= 1u << (int)sc.num;
            else
                argv[i] = sc.str;
        }
        set_null(cfg, k);
        if (k->type == CT_ENUM_SET)
            *(unsigned *)f = mask;
        else if (k->type == CT_LONG_LIST)
            memcpy(f, list, n * sizeof list[0]);
        else
            memcpy(f, argv, n * sizeof argv[0]);
        if (k->type != CT_ENUM_SET)
            *count_field(cfg, k) = (int)n;
        break;
    }
    default:
        if (parse_scalar(ld, k, v, &sc) != 0)
            return -1;
        switch (k->type) {
        case CT_DOUBLE:
            *(double *)f = sc.num;
            break;
        case CT_LONG:
            *(long *)f = (long)sc.num;
            break;
        case CT_U64:
            *(uint64_t *)f = sc.u;
            break;
        case CT_BOOL:
            *(bool *)f = sc.num != 0;
            break;
        case CT_STRING:
            free(*(char **)f);
            *(char **)f = sc.str;
            break;
        default:
            *(int *)f = (int)sc.num;
            break; /* CT_ENUM, CT_TRISTATE */
        }
    }
    note_origin(ld, ki, v);
    /* Giving one of an exclusive pair drops the other's built-in default. */
    const char *partner = config_exclusive_partner(k->path);
    if (partner != NULL) {
        int pi = key_index(partner);
        if (pi >= 0 && cfg->origin[pi].src == 0)
            set_null(cfg, &config_keys[pi]);
    }
    return 0;
}

static int unknown_key(struct loader *ld, const struct config_node *key, const char *path,
                       const char *prefix)
{
    const char *near = config_nearest_key(path);
    if (near != NULL)
        return fail(ld, &key->start, "unknown key `%s` (did you mean `%s`?)", path, near);
    char members[400];
    section_members(prefix, members, sizeof members);
    return fail(ld, &key->start, "unknown key `%s` (expected %s%s%s%s)", path,
                prefix[0] ? "one of " : "sections ", members, prefix[0] ? " in " : "", prefix);
}

/* Walk a mapping of section prefix ("" = top level) against the table. */
static int walk_map(struct loader *ld, const struct config_node *map, const char *prefix)
{
    if (config_node_is_null(map))
        return 0; /* an empty section */
    if (map->kind != CN_MAP) {
        char members[400], got[64];
        section_members(prefix, members, sizeof members);
        if (prefix[0] == '\0')
            return fail(ld, &map->start, "the top level is %s (expected a mapping of sections: %s)",
                        show(map, got, sizeof got), members);
        return fail(ld, &map->start, "%s is %s (expected a mapping of %s)", prefix,
                    show(map, got, sizeof got), members);
    }
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const struct config_node *key = map->kids[i], *val = map->kids[i + 1];
        if (key->kind != CN_SCALAR || key->len == 0 || strlen(key->text) != key->len)
            return fail(ld, &key->start, "a key must be a name (expected name: value%s%s)",
                        prefix[0] ? " in " : "", prefix);
        for (size_t j = 0; j < i; j += 2)
            if (strcmp(map->kids[j]->text, key->text) == 0)
                return fail(ld, &key->start,
                            "duplicate key `%s%s%s` (first given at line %d, column %d)", prefix,
                            prefix[0] ? "." : "", key->text, map->kids[j]->start.line,
                            map->kids[j]->start.column);
        char path[PATH_MAX_LEN];
        snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", key->text);
        int ki = key_index(path);
        int rc = ki >= 0            ? apply(ld, (size_t)ki, val)
                 : is_section(path) ? walk_map(ld, val, path)
                                    : unknown_key(ld, key, path, prefix);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* The origin index for a source name (interned in cfg). */
static int intern_name(struct lrf_config *cfg, const char *name)
{
    for (int i = 0; i < cfg->n_origin_names; i++)
        if (strcmp(cfg->origin_names[i], name) == 0)
            return i + 1;
    char **v = realloc(cfg->origin_names, (size_t)(cfg->n_origin_names + 1) * sizeof *v);
    if (v == NULL)
        return -1;
    cfg->origin_names = v;
    if ((v[cfg->n_origin_names] = strdup(name)) == NULL)
        return -1;
    return ++cfg->n_origin_names;
}

int config_load_string(struct lrf_config *cfg, const char *name, const char *text, size_t len,
                       struct lrf_error *err)
{
    struct loader ld = {cfg, name, intern_name(cfg, name), err};
    if (ld.src < 0)
        return lrf_error_set(err, name, 0, 0, "out of memory");
    struct config_node *root;
    if (config_tree_parse(name, 0, text, len, &root, err) != 0)
        return -1;
    int rc = root ? walk_map(&ld, root, "") : 0;
    config_tree_free(root);
    return rc != 0 ? -1 : config_validate(cfg, err);
}

int config_read_file(const char *path, char **out, size_t *out_len, struct lrf_error *err)
{
    *out = NULL;
    *out_len = 0;
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return lrf_error_set(err, path, 0, 0, "cannot open: %s", strerror(errno));
    size_t cap = 4096, len = 0;
    char *text = malloc(cap);
    while (text != NULL) {
        len += fread(text + len, 1, cap - len, fp);
        if (len < cap || len >= CONFIG_MAX_FILE)
            break;
        char *t = realloc(text, cap * 2);
        if (t == NULL)
            free(text);
        text = t;
        cap *= 2;
    }
    int bad = ferror(fp) ? (errno ? errno : EIO) : 0;
    fclose(fp);
    if (text == NULL)
        return lrf_error_set(err, path, 0, 0, "out of memory");
    if (bad || len >= CONFIG_MAX_FILE) {
        free(text);
        return bad ? lrf_error_set(err, path, 0, 0, "cannot read: %s", strerror(bad))
                   : lrf_error_set(err, path, 0, 0,
                                   "too large for a config (expected under %u bytes)",
                                   CONFIG_MAX_FILE);
    }
    *out = text;
    *out_len = len;
    return 0;
}

int config_load_file(struct lrf_config *cfg, const char *path, struct lrf_error *err)
{
    char *text;
    size_t len;
    if (config_read_file(path, &text, &len, err) != 0)
        return -1;
    free(cfg->source);
    cfg->source = strdup(path);
    /* The demo's slow motion is for the built-in config only: a file starts at full speed. */
    cfg->sweep.pace_ms = 0;
    int rc = config_load_string(cfg, path, text, len, err);
    free(text);
    return rc;
}

/* Apply key=value from a source named name (origin src), the value at column col_off + 1. */
static int set_value(struct lrf_config *cfg, const char *name, int src, const char *assignment,
                     struct lrf_error *err)
{
    struct loader ld = {cfg, name, src, err};
    const char *eq = strchr(assignment, '=');
    struct config_mark at = {1, 1, 0};
    if (eq == NULL || eq == assignment)
        return fail(
            &ld, &at,
            "`%s` is not an assignment (expected key.path=value, e.g. sweep.iterations=200)",
            assignment);
    char path[PATH_MAX_LEN];
    snprintf(path, sizeof path, "%.*s", (int)(eq - assignment), assignment);
    int ki = key_index(path);
    if (ki < 0 && !is_section(path)) {
        struct config_node key = {.kind = CN_SCALAR, .start = at};
        const char *dot = strrchr(path, '.');
        char prefix[PATH_MAX_LEN];
        snprintf(prefix, sizeof prefix, "%.*s", dot ? (int)(dot - path) : 0, path);
        return unknown_key(&ld, &key, path, is_section(prefix) ? prefix : "");
    }
    int col_off = (int)(eq + 1 - assignment);
    struct config_node *root;
    if (config_tree_parse(name, col_off, eq + 1, strlen(eq + 1), &root, err) != 0)
        return -1;
    struct config_node empty = {
        .kind = CN_SCALAR, .plain = true, .text = (char *)"", .start = {1, col_off + 1, 0}};
    const struct config_node *v = root ? root : &empty;
    int rc = ki >= 0 ? apply(&ld, (size_t)ki, v) : walk_map(&ld, v, path);
    config_tree_free(root);
    return rc;
}

int config_set(struct lrf_config *cfg, const char *assignment, struct lrf_error *err)
{
    return set_value(cfg, "--set", -1, assignment, err);
}

void config_defaults(struct lrf_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    struct loader ld = {cfg, "default", 0, NULL};
    for (size_t i = 0; i < config_nkeys; i++) {
        /* The defaults are constants checked by the tests; an error here is a bug in the table.
         * Plain scalars skip libyaml (config_defaults runs once per fuzz input). */
        const char *def = config_keys[i].def;
        struct config_node n = {
            .kind = CN_SCALAR, .plain = true, .text = (char *)def, .len = strlen(def)};
        if (def[0] != '[') {
            (void)apply(&ld, i, &n);
        } else {
            char a[PATH_MAX_LEN + 64];
            snprintf(a, sizeof a, "%s=%s", config_keys[i].path, def);
            (void)set_value(cfg, "default", 0, a, NULL);
        }
    }
    memset(cfg->origin, 0, sizeof cfg->origin);
    cfg->origin_seq = 0;
}

void config_free(struct lrf_config *cfg)
{
    for (size_t i = 0; i < config_nkeys; i++)
        if (config_keys[i].type == CT_STRING || config_keys[i].type == CT_ARGV)
            set_null(cfg, &config_keys[i]);
    for (int i = 0; i < cfg->n_origin_names; i++)
        free(cfg->origin_names[i]);
    free(cfg->origin_names);
    free(cfg->source);
    memset(cfg, 0, sizeof *cfg);
}

/* ---- cross-field checks ------------------------------------------------------------------ */

/* Fail at where key a was given, or key b when b came later; no location for defaults. */
static int fail_keys(const struct lrf_config *cfg, struct lrf_error *err, const char *a,
                     const char *b, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail_keys(const struct lrf_config *cfg, struct lrf_error *err, const char *a,
                     const char *b, const char *fmt, ...)
{
    static const struct config_origin none;
    int ia = key_index(a), ib = b ? key_index(b) : -1;
    const struct config_origin *o = ia >= 0 ? &cfg->origin[ia] : &none;
    if (ib >= 0 && cfg->origin[ib].seq > o->seq)
        o = &cfg->origin[ib];
    const char *file = o->src < 0                                    ? "--set"
                       : o->src > 0 && o->src <= cfg->n_origin_names ? cfg->origin_names[o->src - 1]
                                                                     : "";
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return lrf_error_set(err, file, o->line, o->column, "%s", msg);
}

int config_validate(const struct lrf_config *cfg, struct lrf_error *err)
{
    const typeof(cfg->sweep) *s = &cfg->sweep;
    const typeof(cfg->trainer) *t = &cfg->trainer;
    char a[32], b[32];
    if (s->end_lr != 0 && s->multiplier != 0)
        return fail_keys(cfg, err, "sweep.end_lr", "sweep.multiplier",
                         "both sweep.end_lr and sweep.multiplier are given (expected exactly one; "
                         "null withdraws one given earlier)");
    if (s->end_lr == 0 && s->multiplier == 0)
        return fail_keys(
            cfg, err, "sweep.end_lr", "sweep.multiplier",
            "neither sweep.end_lr nor sweep.multiplier is given (expected exactly one)");
    if (s->end_lr != 0 && !(s->end_lr > s->start_lr)) {
        config_format_double(s->end_lr, a, sizeof a);
        config_format_double(s->start_lr, b, sizeof b);
        return fail_keys(
            cfg, err, "sweep.end_lr", "sweep.start_lr",
            "sweep.end_lr (%s) is not above sweep.start_lr (%s) (expected end_lr > start_lr)", a,
            b);
    }
    if (s->mode == SCHED_LINEAR && s->end_lr == 0)
        return fail_keys(cfg, err, "sweep.mode", "sweep.multiplier",
                         "sweep.mode linear is given with sweep.multiplier (expected end_lr: a "
                         "linear ladder has no constant factor)");
    if (s->loss == LOSS_VALIDATION && t->kind == TRAINER_BUILTIN && t->data.validation <= 0)
        return fail_keys(cfg, err, "sweep.loss", "trainer.data.validation",
                         "sweep.loss is validation but trainer.data.validation is 0 (expected a "
                         "held-out fraction such as 0.1)");
    if (t->kind == TRAINER_EXEC && t->command_len == 0)
        return fail_keys(cfg, err, "trainer.kind", "trainer.command",
                         "trainer.kind is exec but trainer.command is empty (expected e.g. "
                         "[python3, train.py])");
    if (t->kind == TRAINER_BUILTIN && t->data.kind == DATA_CSV && t->data.path == NULL)
        return fail_keys(
            cfg, err, "trainer.data.kind", "trainer.data.path",
            "trainer.data.kind is csv but trainer.data.path is not given (expected a CSV file)");
    if (t->kind == TRAINER_BUILTIN && t->data.kind == DATA_IDX &&
        (t->data.images == NULL || t->data.labels == NULL))
        return fail_keys(
            cfg, err, "trainer.data.kind",
            t->data.images ? "trainer.data.labels" : "trainer.data.images",
            "trainer.data.kind is idx but trainer.data.%s is not given (expected an IDX file)",
            t->data.images ? "labels" : "images");
    if (t->optimizer.kind == OPT_SGD && t->optimizer.nesterov &&
        (t->optimizer.momentum <= 0 || t->optimizer.dampening != 0))
        return fail_keys(
            cfg, err, "trainer.optimizer.nesterov", "trainer.optimizer.momentum",
            "trainer.optimizer.nesterov needs momentum > 0 and dampening 0 (as in PyTorch)");
    return 0;
}

/* ---- output ----------------------------------------------------------------------------- */

void config_format_double(double v, char *buf, size_t size)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (prec == 17 || strtod(buf, NULL) == v)
            break;
    }
}

/* Write s as a double-quoted string, valid as JSON and as YAML. */
static void write_quoted(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(fp, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", fp);
        else if (*p == '\t')
            fputs("\\t", fp);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(fp, "\\u%04x", *p);
        else
            fputc(*p, fp);
    }
    fputc('"', fp);
}

/* A string as YAML: plain when it reads back as the same string, else double-quoted. */
static void write_yaml_string(FILE *fp, const char *s)
{
    static const char *const special[] = {"",    "~",  "null", "Null", "NULL", "true", "false",
                                          "yes", "no", "on",   "off",  "auto", "-",    NULL};
    bool plain = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./+-") ==
                     strlen(s) &&
                 find_name(special, s) < 0 && parse_bool(s) < 0;
    if (plain)
        fputs(s, fp);
    else
        write_quoted(fp, s);
}

static void write_name(FILE *fp, const char *s, bool json)
{
    if (json)
        write_quoted(fp, s);
    else
        fputs(s, fp);
}

/* The value of key k as JSON or YAML flow text. */
static void emit_value(FILE *fp, const struct lrf_config *cfg, const struct config_key *k,
                       bool json)
{
    const void *f = cfield(cfg, k);
    const int *count = (const int *)(const void *)((const char *)cfg + k->count_offset);
    char buf[40];
    switch (k->type) {
    case CT_DOUBLE:
        if ((k->flags & CK_NULL) && *(const double *)f == 0) {
            fputs("null", fp);
        } else {
            config_format_double(*(const double *)f, buf, sizeof buf);
            fputs(buf, fp);
        }
        break;
    case CT_LONG:
        if ((k->flags & CK_AUTO) && *(const long *)f < 0)
            write_name(fp, "auto", json);
        else
            fprintf(fp, "%ld", *(const long *)f);
        break;
    case CT_U64:
        fprintf(fp, "%" PRIu64, *(const uint64_t *)f);
        break;
    case CT_BOOL:
        fputs(*(const bool *)f ? "true" : "false", fp);
        break;
    case CT_TRISTATE:
        if (*(const int *)f < 0)
            write_name(fp, "auto", json);
        else
            fputs(*(const int *)f ? "true" : "false", fp);
        break;
    case CT_ENUM: {
        int e = *(const int *)f, n = 0;
        while (k->names[n] != NULL)
            n++;
        if (e >= 0 && e < n)
            write_name(fp, k->names[e], json);
        else
            fputs("null", fp);
        break;
    }
    case CT_STRING: {
        const char *s = *(char *const *)f;
        if (s == NULL)
            fputs("null", fp);
        else if (json)
            write_quoted(fp, s);
        else
            write_yaml_string(fp, s);
        break;
    }
    case CT_LONG_LIST:
    case CT_ENUM_SET:
    case CT_ARGV: {
        fputc('[', fp);
        int n = k->type == CT_ENUM_SET ? 32 : *count, first = 1;
        for (int i = 0; i < n; i++) {
            if (k->type == CT_ENUM_SET && (!((*(const unsigned *)f >> i) & 1u) || i >= 31))
                continue;
            fputs(first ? "" : ", ", fp);
            first = 0;
            if (k->type == CT_LONG_LIST)
                fprintf(fp, "%ld", ((const long *)f)[i]);
            else if (k->type == CT_ENUM_SET)
                write_name(fp, k->names[i], json);
            else if (json)
                write_quoted(fp, ((char *const *)f)[i]);
            else
                write_yaml_string(fp, ((char *const *)f)[i]);
        }
        fputc(']', fp);
        break;
    }
    }
}

/* Nested sections by key prefix: JSON on one line, or YAML lines at indent. */
static void emit(const struct lrf_config *cfg, FILE *fp, bool json, int indent)
{
    enum { D = 8 };
    const char *open[D]; /* the open sections, one component each */
    size_t open_len[D];
    int depth = 0;
    bool first[D + 1] = {true};
    if (json)
        fputc('{', fp);
    for (size_t i = 0; i < config_nkeys; i++) {
        const char *comp[D], *leaf = config_keys[i].path, *dot;
        size_t comp_len[D];
        int nc = 0;
        while ((dot = strchr(leaf, '.')) != NULL && nc < D) {
            comp[nc] = leaf;
            comp_len[nc++] = (size_t)(dot - leaf);
            leaf = dot + 1;
        }
        int keep = 0;
        while (keep < depth && keep < nc && open_len[keep] == comp_len[keep] &&
               strncmp(open[keep], comp[keep], comp_len[keep]) == 0)
            keep++;
        for (; depth > keep; depth--)
            if (json)
                fputc('}', fp);
        for (; depth < nc; depth++) {
            if (json)
                fprintf(fp, "%s\"%.*s\": {", first[depth] ? "" : ", ", (int)comp_len[depth],
                        comp[depth]);
            else
                fprintf(fp, "%*s%.*s:\n", indent + 2 * depth, "", (int)comp_len[depth],
                        comp[depth]);
            open[depth] = comp[depth];
            open_len[depth] = comp_len[depth];
            first[depth] = false;
            first[depth + 1] = true;
        }
        if (json)
            fprintf(fp, "%s\"%s\": ", first[depth] ? "" : ", ", leaf);
        else
            fprintf(fp, "%*s%s: ", indent + 2 * depth, "", leaf);
        first[depth] = false;
        emit_value(fp, cfg, &config_keys[i], json);
        if (!json)
            fputc('\n', fp);
    }
    if (json) {
        for (; depth > 0; depth--)
            fputc('}', fp);
        fputc('}', fp);
    }
}

void config_emit_json(const struct lrf_config *cfg, FILE *fp)
{
    emit(cfg, fp, true, 0);
}

void config_emit_yaml(const struct lrf_config *cfg, FILE *fp, int indent)
{
    emit(cfg, fp, false, indent);
}

bool config_given(const struct lrf_config *cfg, const char *path)
{
    int ki = key_index(path);
    return ki >= 0 && cfg->origin[ki].src != 0;
}

/* The meta line's leading keys, in DESIGN.md's order; the others rank META_LEAD. */
static const char *const meta_lead[] = {"start_lr", "end_lr", "multiplier", "iterations", "smoothing",
                                        "trainer"};
#define META_LEAD (sizeof meta_lead / sizeof meta_lead[0])

static size_t meta_rank(const char *meta)
{
    size_t r = 0;
    while (r < META_LEAD && strcmp(meta, meta_lead[r]) != 0)
        r++;
    return r;
}

int config_meta_line(const struct lrf_config *cfg, char *buf, size_t size)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    if (fp == NULL) {
        if (size > 0)
            buf[0] = '\0';
        return -1;
    }
    /* DESIGN.md's order first (start_lr end_lr iterations smoothing trainer), then the rest in
     * the order of the key table: pass r emits the keys of rank r. */
    bool first = true;
    for (size_t pass = 0; pass <= META_LEAD; pass++)
        for (size_t i = 0; i < config_nkeys; i++) {
            const struct config_key *k = &config_keys[i];
            if (k->meta == NULL || meta_rank(k->meta) != pass ||
                (k->type == CT_DOUBLE && (k->flags & CK_NULL) && *(const double *)cfield(cfg, k) == 0))
                continue;
            fprintf(fp, "%s%s=", first ? "" : " ", k->meta);
            emit_value(fp, cfg, k, false);
            first = false;
        }
    fclose(fp);
    int rc = text != NULL && len < size ? 0 : -1;
    if (size > 0)
        snprintf(buf, size, "%s", text ? text : "");
    free(text);
    return rc;
}

/* Text for roff: backslashes and minus signs escaped, a control character at a line start
 * neutralised. */
static void roff(FILE *fp, const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", fp);
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\e", fp);
        else if (*s == '-')
            fputs("\\-", fp);
        else
            fputc(*s, fp);
    }
}

void config_print_man(FILE *fp)
{
    for (size_t i = 0; i < config_nkeys; i++) {
        const struct config_key *k = &config_keys[i];
        char want[256];
        describe(k, want, sizeof want);
        want[0] = (char)toupper((unsigned char)want[0]);
        fprintf(fp, ".TP\n.B %s\n", k->path);
        roff(fp, k->help);
        fputc('\n', fp);
        roff(fp, want);
        fputs("; default: ", fp);
        roff(fp, k->def);
        fputs(".\n", fp);
    }
}
