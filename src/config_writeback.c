/* config_writeback.c: write settings back into the user's YAML file without disturbing it.
 * Each edit is a splice at the byte range libyaml reports for the value (or an insertion after
 * the last entry of the section), then the text is parsed again for the next edit. Comments,
 * blank lines, quoting and flow or block style of everything else stay byte for byte. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lrfind/atomic.h"
#include "lrfind/config.h"

#define MAX_PARTS 8

struct text {
    char *s;
    size_t len;
};

/* Replace bytes [pos, pos + del) of t by ins. */
static int splice(struct text *t, size_t pos, size_t del, const char *ins)
{
    size_t n = strlen(ins);
    char *s = malloc(t->len - del + n + 1);
    if (s == NULL)
        return -1;
    memcpy(s, t->s, pos);
    memcpy(s + pos, ins, n);
    memcpy(s + pos + n, t->s + pos + del, t->len - pos - del);
    t->len = t->len - del + n;
    s[t->len] = '\0';
    free(t->s);
    t->s = s;
    return 0;
}

/* Where a node's text ends: a block collection's own end mark lies at the next token (after
 * comments and blank lines), so take its last descendant's. */
static size_t content_end(const struct config_node *n)
{
    while ((n->kind == CN_MAP || n->kind == CN_SEQ) && !n->flow && n->n > 0)
        n = n->kids[n->n - 1];
    return n->end.byte;
}

/* The start of the line after the one holding pos (the end of the text when none follows;
 * *newline says a line break must be written first). */
static size_t next_line(const struct text *t, size_t pos, bool *newline)
{
    *newline = false;
    if (pos > 0 && t->s[pos - 1] == '\n')
        return pos;
    const char *nl = memchr(t->s + pos, '\n', t->len - pos);
    if (nl != NULL)
        return (size_t)(nl - t->s) + 1;
    *newline = t->len > 0;
    return t->len;
}

/* The indentation step of the file: how far the first nested block mapping is indented
 * under its parent (2 when there is none). */
static int indent_step(const struct config_node *n)
{
    if (n == NULL || n->kind != CN_MAP || n->flow)
        return 2;
    for (size_t i = 1; i < n->n; i += 2) {
        const struct config_node *v = n->kids[i];
        if (v->kind == CN_MAP && !v->flow && v->n > 0 && v->start.column > n->start.column)
            return v->start.column - n->start.column;
    }
    for (size_t i = 1; i < n->n; i += 2) {
        int s = indent_step(n->kids[i]);
        if (s != 2)
            return s;
    }
    return 2;
}

/* "a:\n  b: value\n" at indent (block), or "a: {b: value}" (flow), for parts[0..np). */
static char *chain(char *const *parts, int np, const char *value, bool flow, int indent, int step)
{
    size_t cap = strlen(value) + 16;
    for (int i = 0; i < np; i++)
        cap += strlen(parts[i]) + (size_t)(indent + step * i) + 8;
    char *s = malloc(cap);
    if (s == NULL)
        return NULL;
    size_t u = 0;
    for (int i = 0; i < np - 1; i++)
        u += (size_t)(flow ? snprintf(s + u, cap - u, "%s: {", parts[i])
                           : snprintf(s + u, cap - u, "%*s%s:\n", indent + step * i, "", parts[i]));
    if (flow) {
        u += (size_t)snprintf(s + u, cap - u, "%s: %s", parts[np - 1], value);
        for (int i = 0; i < np - 1; i++)
            s[u++] = '}';
        s[u] = '\0';
    } else {
        snprintf(s + u, cap - u, "%*s%s: %s\n", indent + step * (np - 1), "", parts[np - 1], value);
    }
    return s;
}

static const struct config_node *map_get(const struct config_node *map, const char *key)
{
    for (size_t i = 0; i + 1 < map->n; i += 2)
        if (map->kids[i]->kind == CN_SCALAR && strcmp(map->kids[i]->text, key) == 0)
            return map->kids[i + 1];
    return NULL;
}

/* Whether the line at pos holds only blanks or a comment. */
static bool blank_or_comment(const struct text *t, size_t pos)
{
    while (pos < t->len && (t->s[pos] == ' ' || t->s[pos] == '\t' || t->s[pos] == '\r'))
        pos++;
    return pos == t->len || t->s[pos] == '\n' || t->s[pos] == '#';
}

/* Insert text at pos, with a line break first when the line is not terminated. */
static int insert_lines(struct text *t, size_t pos, bool newline, const char *lines)
{
    /* New lines end as the file's first line does (\r\n or \n). */
    const char *nl = memchr(t->s, '\n', t->len);
    bool crlf = nl != NULL && nl > t->s && nl[-1] == '\r';
    size_t n = strlen(lines), breaks = 0;
    for (size_t i = 0; i < n; i++)
        breaks += lines[i] == '\n';
    char *s = malloc(n + (crlf ? breaks + 2 : 1) + 1), *o = s;
    if (s == NULL)
        return -1;
    if (newline)
        o = stpcpy(o, crlf ? "\r\n" : "\n");
    for (size_t i = 0; i < n; i++) {
        if (crlf && lines[i] == '\n')
            *o++ = '\r';
        *o++ = lines[i];
    }
    *o = '\0';
    int rc = splice(t, pos, 0, s);
    free(s);
    return rc;
}

/* Replace bytes [start, end) by value, keeping a comment that follows on the line in its
 * column where the blanks allow; an empty value (right after "key:") gets a blank first. */
static int replace_span(struct text *t, size_t start, size_t end, const char *value)
{
    size_t old = end - start, gap = 0;
    bool empty = old == 0;
    while (end + gap < t->len && t->s[end + gap] == ' ')
        gap++;
    bool comment = gap > 0 && end + gap < t->len && t->s[end + gap] == '#';
    size_t len = strlen(value) + empty, pad = 0, cut = 0;
    if (comment && len < old)
        pad = old - len;
    else if (comment && len > old)
        cut = len - old < gap - 1 ? len - old : gap - 1;
    char *ins = malloc(len + pad + 1);
    if (ins == NULL)
        return -1;
    sprintf(ins, "%s%s%*s", empty ? " " : "", value, (int)pad, "");
    int rc = splice(t, start, old + cut, ins);
    free(ins);
    return rc;
}

static bool all_scalars(const struct config_node *seq)
{
    for (size_t i = 0; i < seq->n; i++)
        if (seq->kids[i]->kind != CN_SCALAR)
            return false;
    return seq->n > 0;
}

/* A block sequence of scalars takes a flow list item by item, so that the comments on its
 * lines stay: items replaced in place, extra lines added after the last ("- x" at the same
 * indentation) or the lines of surplus items removed. Works from the end backwards so that
 * the byte offsets stay valid. */
static int replace_items(struct text *t, const struct config_node *old,
                         const struct config_node *nw, const char *value)
{
    size_t n_old = old->n, n_new = nw->n, common = n_old < n_new ? n_old : n_new;
    bool nl;
    size_t tail = next_line(t, content_end(old->kids[n_old - 1]), &nl);
    if (n_new > n_old) {
        size_t cap = strlen(value) + (n_new - n_old) * (size_t)(old->start.column + 4) + 2, u = 0;
        char *ins = malloc(cap);
        if (ins == NULL)
            return -1;
        for (size_t i = n_old; i < n_new; i++)
            u += (size_t)snprintf(ins + u, cap - u, "%*s- %.*s\n", old->start.column - 1, "",
                                  (int)(nw->kids[i]->end.byte - nw->kids[i]->start.byte),
                                  value + nw->kids[i]->start.byte);
        int rc = insert_lines(t, tail, nl, ins);
        free(ins);
        if (rc != 0)
            return -1;
    } else if (n_new < n_old) {
        size_t from = old->kids[n_new]->start.byte;
        while (from > 0 && t->s[from - 1] != '\n')
            from--;
        if (splice(t, from, tail - from, "") != 0)
            return -1;
    }
    for (size_t i = common; i-- > 0;) {
        const struct config_node *o = old->kids[i], *n = nw->kids[i];
        char *item = strndup(value + n->start.byte, n->end.byte - n->start.byte);
        int rc = item ? replace_span(t, o->start.byte, o->end.byte, item) : -1;
        free(item);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* Put value where node v stands. */
static int replace_value(struct text *t, const struct config_node *v, const char *value,
                         const char *name)
{
    if (v->kind == CN_SEQ && !v->flow && all_scalars(v)) {
        struct config_node *nw = NULL;
        if (config_tree_parse(name, 0, value, strlen(value), &nw, NULL) == 0 && nw != NULL &&
            nw->kind == CN_SEQ && all_scalars(nw)) {
            int rc = replace_items(t, v, nw, value);
            config_tree_free(nw);
            return rc;
        }
        config_tree_free(nw);
    }
    /* A block scalar (| or >) ends after its line break: keep the break. */
    size_t end = content_end(v);
    while (end > v->start.byte && (t->s[end - 1] == '\n' || t->s[end - 1] == '\r'))
        end--;
    return replace_span(t, v->start.byte, end, value);
}

/* Make parts[0..np) = value hold in t (the whole key path), or, with only_existing, change
 * the value only where the key is already there. */
static int set_one(struct text *t, const char *name, char *const *parts, int np, const char *value,
                   bool only_existing, struct lrf_error *err)
{
    struct config_node *root;
    if (config_tree_parse(name, 0, t->s, t->len, &root, err) != 0)
        return -1;
    int rc = 0, step = indent_step(root);
    char *ins = NULL;
    if (root == NULL || config_node_is_null(root)) {
        /* An empty file (or one of only comments): the sections go at the end. */
        bool nl;
        size_t pos = next_line(t, t->len, &nl);
        if (!only_existing && ((ins = chain(parts, np, value, false, 0, step)) == NULL ||
                               insert_lines(t, pos, nl, ins) != 0))
            rc = lrf_error_set(err, name, 0, 0, "out of memory");
        goto out;
    }
    if (root->kind != CN_MAP) {
        rc = lrf_error_set(err, name, root->start.line, root->start.column,
                           "cannot write back: the top level is not a mapping (expected sections)");
        goto out;
    }
    const struct config_node *map = root;
    for (int i = 0; i < np; i++) {
        const struct config_node *v = map_get(map, parts[i]);
        if (v != NULL && i == np - 1) {
            /* The value is there: splice the new text over it. */
            if (!(only_existing && config_node_is_null(v)) && replace_value(t, v, value, name) != 0)
                rc = lrf_error_set(err, name, 0, 0, "out of memory");
            goto out;
        }
        if (v != NULL && v->kind == CN_MAP) {
            /* Prefer the indentation step of the section being entered. */
            if (!map->flow && !v->flow && v->n > 0 && v->start.column > map->start.column)
                step = v->start.column - map->start.column;
            map = v;
            continue;
        }
        if (only_existing)
            goto out;
        if (v != NULL && !config_node_is_null(v)) {
            rc = lrf_error_set(
                err, name, v->start.line, v->start.column,
                "cannot write back: `%s` is not a mapping (expected a section of keys)", parts[i]);
            goto out;
        }
        bool nl = false;
        size_t pos, del = 0;
        if (v != NULL) {
            /* A null section: a block under its key when the value is empty, else {key: value}. */
            bool block = !map->flow && v->start.byte == v->end.byte;
            const struct config_node *key = NULL;
            for (size_t j = 1; j < map->n; j += 2)
                if (map->kids[j] == v)
                    key = map->kids[j - 1];
            if (block) {
                pos = next_line(t, v->start.byte, &nl);
                ins = chain(parts + i + 1, np - i - 1, value, false,
                            (key ? key->start.column - 1 : 0) + step, step);
            } else {
                char *inner = chain(parts + i + 1, np - i - 1, value, true, 0, 0);
                ins = inner ? malloc(strlen(inner) + 4) : NULL;
                if (ins != NULL)
                    sprintf(ins, "%s{%s}", v->start.byte == v->end.byte ? " " : "", inner);
                free(inner);
                pos = v->start.byte;
                del = v->end.byte - v->start.byte;
            }
        } else if (map->flow) {
            /* {a: 1} -> {a: 1, key: value}; {} -> {key: value} */
            char *inner = chain(parts + i, np - i, value, true, 0, 0);
            ins = inner ? malloc(strlen(inner) + 3) : NULL;
            if (ins != NULL)
                sprintf(ins, "%s%s", map->n > 0 ? ", " : "", inner);
            free(inner);
            pos = map->n > 0 ? content_end(map->kids[map->n - 1]) : map->close.byte;
        } else {
            /* A block mapping: a line after its last entry, at the indentation of its keys;
             * a new section goes after the comments that end the file, too. */
            pos = next_line(t, content_end(map->kids[map->n - 1]), &nl);
            while (map == root && !nl && pos < t->len && blank_or_comment(t, pos))
                pos = next_line(t, pos + 1, &nl);
            ins = chain(parts + i, np - i, value, false, map->kids[0]->start.column - 1, step);
        }
        if (ins == NULL || (del ? splice(t, pos, del, ins) : insert_lines(t, pos, nl, ins)) != 0)
            rc = lrf_error_set(err, name, 0, 0, "out of memory");
        goto out;
    }
out:
    free(ins);
    config_tree_free(root);
    return rc;
}

static bool is_null_text(const char *v)
{
    return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
           strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

/* Split a key path into parts (pointers into buf). */
static int split_path(const char *path, char *buf, size_t size, char **parts)
{
    snprintf(buf, size, "%s", path);
    int np = 0;
    for (char *p = buf; p != NULL && np < MAX_PARTS; np++) {
        parts[np] = p;
        p = strchr(p, '.');
        if (p != NULL)
            *p++ = '\0';
    }
    return np;
}

static int edit(struct text *t, const char *name, const char *key, const char *value,
                struct lrf_error *err)
{
    if (config_key_find(key) == NULL) {
        const char *near = config_nearest_key(key);
        if (near != NULL)
            return lrf_error_set(err, name, 0, 0,
                                 "cannot write back unknown key `%s` (did you mean `%s`?)", key,
                                 near);
        return lrf_error_set(err, name, 0, 0, "cannot write back unknown key `%s`", key);
    }
    if (value[0] == '\0' || strpbrk(value, "\r\n") != NULL)
        return lrf_error_set(err, name, 0, 0,
                             "cannot write back %s: the value must be one line of YAML", key);
    char buf[256], *parts[MAX_PARTS];
    const char *partner = config_exclusive_partner(key);
    if (partner != NULL && !is_null_text(value)) {
        int np = split_path(partner, buf, sizeof buf, parts);
        if (set_one(t, name, parts, np, "null", true, err) != 0)
            return -1;
    }
    int np = split_path(key, buf, sizeof buf, parts);
    return set_one(t, name, parts, np, value, false, err);
}

int config_write_back(const char *path, const char *const *keys, const char *const *values,
                      size_t n, struct lrf_error *err)
{
    /* Write through a symbolic link to the file it names, keeping its permissions. */
    char *real = realpath(path, NULL);
    const char *dest = real ? real : path;
    struct text t = {NULL, 0};
    struct stat st;
    int rc = -1;
    if (config_read_file(dest, &t.s, &t.len, err) != 0)
        goto out;
    char *s = realloc(t.s, t.len + 1);
    if (s == NULL) {
        lrf_error_set(err, path, 0, 0, "out of memory");
        goto out;
    }
    t.s = s;
    t.s[t.len] = '\0';
    for (size_t i = 0; i < n; i++)
        if (edit(&t, path, keys[i], values[i], err) != 0)
            goto out;
    /* The new text must load before it replaces the file. */
    struct lrf_config cfg;
    config_defaults(&cfg);
    int bad = config_load_string(&cfg, path, t.s, t.len, err);
    config_free(&cfg);
    if (bad != 0) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        snprintf(err->msg, sizeof err->msg, "writing back would leave an invalid file: %.460s",
                 msg);
        goto out;
    }
    struct atomic_file af;
    if (atomic_open(&af, dest, err) != 0)
        goto out;
    if (stat(dest, &st) == 0)
        (void)fchmod(fileno(af.fp), st.st_mode & 07777);
    fwrite(t.s, 1, t.len, af.fp);
    rc = atomic_commit(&af, err);
out:
    free(t.s);
    free(real);
    return rc;
}
