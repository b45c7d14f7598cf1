/* data.c: synthetic data sets, CSV and IDX readers, split and standardisation. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrfind/config.h"
#include "lrfind/data.h"

/* RNG streams derived from trainer.seed (the trainer uses others for init and order). */
#define STREAM_DATA 1
#define STREAM_SPLIT 4

void data_free(struct lrf_dataset *ds)
{
    if (ds->class_names != NULL)
        for (size_t i = 0; i < ds->classes; i++)
            free(ds->class_names[i]);
    free(ds->class_names);
    free(ds->x);
    free(ds->label);
    free(ds->y);
    memset(ds, 0, sizeof *ds);
    ds->y_std = 1.0;
}

/* Allocate x (and label or y) for n samples of d features. */
static int ds_alloc(struct lrf_dataset *ds, size_t n, size_t d, size_t classes,
                    struct lrf_error *err)
{
    memset(ds, 0, sizeof *ds);
    ds->y_std = 1.0;
    ds->n = n;
    ds->d = d;
    ds->classes = classes;
    if (n != 0 && d > SIZE_MAX / sizeof(float) / n)
        return lrf_error_set(err, NULL, 0, 0, "data set too large (%zu x %zu)", n, d);
    ds->x = malloc(n * d * sizeof *ds->x + 1);
    if (classes > 0)
        ds->label = malloc(n * sizeof *ds->label + 1);
    else
        ds->y = malloc(n * sizeof *ds->y + 1);
    if (ds->x == NULL || (ds->label == NULL && ds->y == NULL)) {
        data_free(ds);
        return lrf_error_set(err, NULL, 0, 0, "out of memory for %zu samples", n);
    }
    return 0;
}

/* ==== synthetic sets ======================================================================== */

int data_spiral(struct lrf_dataset *ds, size_t classes, size_t per_class, double noise,
                struct lrf_rng *r, struct lrf_error *err)
{
    if (classes < 2 || per_class < 1)
        return lrf_error_set(err, NULL, 0, 0,
                             "spiral needs at least 2 classes and 1 point per class");
    if (ds_alloc(ds, classes * per_class, 2, classes, err) < 0)
        return -1;
    size_t k = 0;
    for (size_t c = 0; c < classes; c++)
        for (size_t i = 0; i < per_class; i++, k++) {
            double f = per_class > 1 ? (double)i / (double)(per_class - 1) : 0.0;
            double t = 4.0 * (double)c + 4.0 * f + noise * rng_normal(r);
            ds->x[2 * k] = (float)(f * sin(t));
            ds->x[2 * k + 1] = (float)(f * cos(t));
            ds->label[k] = (int32_t)c;
        }
    return 0;
}

int data_moons(struct lrf_dataset *ds, size_t points, double noise, struct lrf_rng *r,
               struct lrf_error *err)
{
    if (points < 2)
        return lrf_error_set(err, NULL, 0, 0, "moons needs at least 2 points");
    if (ds_alloc(ds, points, 2, 2, err) < 0)
        return -1;
    size_t n_out = points / 2, n_in = points - n_out;
    for (size_t k = 0; k < points; k++) {
        bool outer = k < n_out;
        size_t i = outer ? k : k - n_out, m = outer ? n_out : n_in;
        double t = m > 1 ? M_PI * (double)i / (double)(m - 1) : 0.0;
        double x0 = outer ? cos(t) : 1.0 - cos(t);
        double x1 = outer ? sin(t) : 1.0 - sin(t) - 0.5;
        ds->x[2 * k] = (float)(x0 + noise * rng_normal(r));
        ds->x[2 * k + 1] = (float)(x1 + noise * rng_normal(r));
        ds->label[k] = outer ? 0 : 1;
    }
    return 0;
}

int data_blobs(struct lrf_dataset *ds, size_t classes, size_t per_class, size_t dims,
               double spread, struct lrf_rng *r, struct lrf_error *err)
{
    if (classes < 2 || per_class < 1 || dims < 1)
        return lrf_error_set(err, NULL, 0, 0,
                             "blobs needs at least 2 classes, 1 point per class, 1 dimension");
    if (ds_alloc(ds, classes * per_class, dims, classes, err) < 0)
        return -1;
    double *centre = malloc(classes * dims * sizeof *centre);
    if (centre == NULL) {
        data_free(ds);
        return lrf_error_set(err, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < classes * dims; i++)
        centre[i] = rng_range(r, -10.0, 10.0);
    for (size_t k = 0; k < ds->n; k++) {
        size_t c = k % classes;
        for (size_t j = 0; j < dims; j++)
            ds->x[k * dims + j] = (float)(centre[c * dims + j] + spread * rng_normal(r));
        ds->label[k] = (int32_t)c;
    }
    free(centre);
    return 0;
}

int data_xor(struct lrf_dataset *ds, size_t points, double noise, struct lrf_rng *r,
             struct lrf_error *err)
{
    if (points < 2)
        return lrf_error_set(err, NULL, 0, 0, "xor needs at least 2 points");
    if (ds_alloc(ds, points, 2, 2, err) < 0)
        return -1;
    for (size_t k = 0; k < points; k++) {
        double a = rng_range(r, -1.0, 1.0), b = rng_range(r, -1.0, 1.0);
        ds->label[k] = (a > 0.0) != (b > 0.0);
        ds->x[2 * k] = (float)(a + noise * rng_normal(r));
        ds->x[2 * k + 1] = (float)(b + noise * rng_normal(r));
    }
    return 0;
}

int data_regression(struct lrf_dataset *ds, size_t points, size_t dims, double noise,
                    struct lrf_rng *r, struct lrf_error *err)
{
    if (points < 2 || dims < 1)
        return lrf_error_set(err, NULL, 0, 0, "regression needs at least 2 points, 1 dimension");
    if (ds_alloc(ds, points, dims, 0, err) < 0)
        return -1;
    for (size_t k = 0; k < points; k++) {
        double y = 0.0;
        for (size_t j = 0; j < dims; j++) {
            double x = rng_range(r, -3.0, 3.0);
            ds->x[k * dims + j] = (float)x;
            y += sin(1.5 * x + (double)j) + 0.1 * x * x;
        }
        ds->y[k] = (float)(y / sqrt((double)dims) + noise * rng_normal(r));
    }
    return 0;
}

/* ==== files ================================================================================= */

/* Read a whole file into a NUL-terminated buffer. */
static char *read_file(const char *path, size_t *len, struct lrf_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        lrf_error_set(err, path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n - 1, fp);
        if (ferror(fp)) {
            lrf_error_set(err, path, 0, 0, "cannot read: %s", strerror(errno));
            free(buf);
            fclose(fp);
            return NULL;
        }
        if (feof(fp))
            break;
        if (n + 1 == cap) {
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL)
                free(buf);
            buf = nb;
            cap *= 2;
        }
    }
    fclose(fp);
    if (buf == NULL) {
        lrf_error_set(err, path, 0, 0, "out of memory reading the file");
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Whether a buffer starts like a gzip file. */
static bool is_gzip(const unsigned char *p, size_t n)
{
    return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* ---- CSV ---- */

struct field {
    char *s;    /* unquoted, trimmed, NUL-terminated (in place) */
    int col;    /* 1-based column of the field's first character */
    bool quoted;
};

struct csv_reader {
    const char *name;
    char *p, *end;  /* the rest of the (mutable) text */
    int line;       /* line number of the current record */
    char delim;
    struct field *f;
    size_t nf, cap;
};

/* Split the next record (non-blank, non-comment line) into fields, in place. 1 when a record
 * was read, 0 at the end, -1 on error. */
static int csv_next(struct csv_reader *rd, struct lrf_error *err)
{
    while (rd->p < rd->end) {
        char *line = rd->p;
        char *eol = memchr(line, '\n', (size_t)(rd->end - line));
        if (eol == NULL)
            eol = rd->end;
        rd->p = eol < rd->end ? eol + 1 : eol;
        rd->line++;
        char *stop = eol;
        if (stop > line && stop[-1] == '\r')
            stop--;
        char *q = line;
        while (q < stop && (*q == ' ' || *q == '\t') && !(*q == rd->delim))
            q++;
        if (q == stop || *q == '#')
            continue;
        rd->nf = 0;
        char *c = line;
        for (;;) {
            while (c < stop && (*c == ' ' || (*c == '\t' && rd->delim != '\t')))
                c++;
            if (rd->nf == rd->cap) {
                size_t nc = rd->cap ? rd->cap * 2 : 64;
                struct field *nfp = realloc(rd->f, nc * sizeof *nfp);
                if (nfp == NULL)
                    return lrf_error_set(err, rd->name, rd->line, 1, "out of memory");
                rd->f = nfp;
                rd->cap = nc;
            }
            struct field *f = &rd->f[rd->nf++];
            f->col = (int)(c - line) + 1;
            f->quoted = false;
            char *out = c, *start = c;
            if (c < stop && *c == '"') {
                f->quoted = true;
                c++;
                for (;;) {
                    if (c >= stop)
                        return lrf_error_set(err, rd->name, rd->line, f->col,
                                             "unterminated quoted field (expected a closing \")");
                    if (*c == '"') {
                        if (c + 1 < stop && c[1] == '"') {
                            *out++ = '"';
                            c += 2;
                            continue;
                        }
                        c++;
                        break;
                    }
                    *out++ = *c++;
                }
                while (c < stop && (*c == ' ' || (*c == '\t' && rd->delim != '\t')))
                    c++;
                if (c < stop && *c != rd->delim)
                    return lrf_error_set(err, rd->name, rd->line, (int)(c - line) + 1,
                                         "unexpected text after a quoted field (expected '%c')",
                                         rd->delim);
            } else {
                while (c < stop && *c != rd->delim)
                    *out++ = *c++;
                while (out > start && (out[-1] == ' ' || out[-1] == '\t'))
                    out--;
            }
            bool more = c < stop && *c == rd->delim;
            *out = '\0'; /* may overwrite the delimiter or the line end: both already consumed */
            f->s = start;
            if (!more)
                break;
            c++;
        }
        return 1;
    }
    return 0;
}

/* Parse a whole cell as a finite number. */
static bool parse_number(const char *s, double *v)
{
    if (*s == '\0')
        return false;
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (*end != '\0' || !isfinite(d))
        return false;
    *v = d;
    return true;
}

/* Parse a whole cell as an integer (for labels like 0..9 or -1/1). */
static bool parse_long(const char *s, long *v)
{
    if (*s == '\0')
        return false;
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (*end != '\0' || errno != 0)
        return false;
    *v = x;
    return true;
}

/* The distinct class labels seen so far (text), with an open-addressing hash for lookup. */
struct label_set {
    char **text;
    size_t n, cap;
    size_t *slot; /* hash table of index + 1, 0 = empty */
    size_t nslot;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = UINT64_C(1469598103934665603);
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
    return h;
}

/* The id of label s (first-seen order), adding it; -1 when out of memory or too many. */
static long label_id(struct label_set *ls, const char *s)
{
    if (ls->nslot == 0 || ls->n * 2 >= ls->nslot) {
        size_t ns = ls->nslot ? ls->nslot * 2 : 64;
        size_t *slot = calloc(ns, sizeof *slot);
        if (slot == NULL)
            return -1;
        for (size_t i = 0; i < ls->n; i++) {
            size_t h = (size_t)hash_str(ls->text[i]) & (ns - 1);
            while (slot[h] != 0)
                h = (h + 1) & (ns - 1);
            slot[h] = i + 1;
        }
        free(ls->slot);
        ls->slot = slot;
        ls->nslot = ns;
    }
    size_t h = (size_t)hash_str(s) & (ls->nslot - 1);
    while (ls->slot[h] != 0) {
        if (strcmp(ls->text[ls->slot[h] - 1], s) == 0)
            return (long)(ls->slot[h] - 1);
        h = (h + 1) & (ls->nslot - 1);
    }
    if (ls->n >= DATA_MAX_CLASSES)
        return -2;
    if (ls->n == ls->cap) {
        size_t nc = ls->cap ? ls->cap * 2 : 16;
        char **nt = realloc(ls->text, nc * sizeof *nt);
        if (nt == NULL)
            return -1;
        ls->text = nt;
        ls->cap = nc;
    }
    ls->text[ls->n] = strdup(s);
    if (ls->text[ls->n] == NULL)
        return -1;
    ls->slot[h] = ls->n + 1;
    return (long)ls->n++;
}

static void label_set_free(struct label_set *ls)
{
    for (size_t i = 0; i < ls->n; i++)
        free(ls->text[i]);
    free(ls->text);
    free(ls->slot);
}

/* Sort order of labels: numerically when all are integers, else as strings. */
static bool labels_numeric;
static int label_cmp(const void *a, const void *b)
{
    const char *sa = *(char *const *)a, *sb = *(char *const *)b;
    if (labels_numeric) {
        long x, y;
        parse_long(sa, &x);
        parse_long(sb, &y);
        return (x > y) - (x < y);
    }
    return strcmp(sa, sb);
}

/* Sorting label texts with a comparator that reads a flag: keep it to one caller at a time. */
static void sort_labels(char **text, size_t n, bool numeric)
{
    labels_numeric = numeric;
    qsort(text, n, sizeof *text, label_cmp);
}

/* Resolve the label column; 0 or -1 with err (at the first record). */
static int csv_label_column(const struct csv_reader *rd, const struct data_csv_opts *o, bool header,
                            size_t ncols, size_t *col, struct lrf_error *err)
{
    long idx;
    if (o->label == NULL || o->label[0] == '\0') {
        *col = ncols - 1;
        return 0;
    }
    if (parse_long(o->label, &idx)) {
        long k = idx < 0 ? (long)ncols + idx : idx;
        if (k < 0 || k >= (long)ncols)
            return lrf_error_set(err, rd->name, rd->line, 1,
                                 "label column %ld is out of range (the file has %zu columns; "
                                 "expected 0..%zu or -1 for the last)",
                                 idx, ncols, ncols - 1);
        *col = (size_t)k;
        return 0;
    }
    if (!header)
        return lrf_error_set(err, rd->name, rd->line, 1,
                             "the label column is named '%s' but the file has no header row "
                             "(set data.header: true, or give the column's index)",
                             o->label);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < ncols; i++)
            if (pass == 0 ? strcmp(rd->f[i].s, o->label) == 0
                          : strcasecmp(rd->f[i].s, o->label) == 0) {
                *col = i;
                return 0;
            }
    char cols[200] = "";
    size_t used = 0;
    for (size_t i = 0; i < ncols && used + 1 < sizeof cols; i++) {
        int w = snprintf(cols + used, sizeof cols - used, "%s%s", i ? ", " : "", rd->f[i].s);
        used += w > 0 ? (size_t)w : 0;
    }
    if (used >= sizeof cols)
        memcpy(cols + sizeof cols - 4, "...", 4);
    return lrf_error_set(err, rd->name, rd->line, 1,
                         "no column named '%s' for the label (the columns are: %s)", o->label,
                         cols);
}

int data_parse_csv(struct lrf_dataset *ds, const char *name, const char *text, size_t len,
                   const struct data_csv_opts *opts, struct lrf_error *err)
{
    memset(ds, 0, sizeof *ds);
    ds->y_std = 1.0;
    struct data_csv_opts o = opts ? *opts : (struct data_csv_opts){NULL, -1, 0};
    char *buf = malloc(len + 1);
    if (buf == NULL)
        return lrf_error_set(err, name, 0, 0, "out of memory");
    memcpy(buf, text, len);
    buf[len] = '\0';
    struct csv_reader rd = {name, buf, buf + len, 0, ',', NULL, 0, 0};
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        rd.p += 3;
    /* the delimiter: comma, unless the first record has none and has tabs or semicolons */
    {
        char *q = rd.p;
        while (q < rd.end && (*q == '#' || *q == '\n' || *q == '\r')) {
            char *e = memchr(q, '\n', (size_t)(rd.end - q));
            q = e ? e + 1 : rd.end;
        }
        char *e = memchr(q, '\n', (size_t)(rd.end - q));
        size_t n = (size_t)((e ? e : rd.end) - q);
        if (memchr(q, ',', n) == NULL)
            rd.delim = memchr(q, '\t', n) ? '\t' : memchr(q, ';', n) ? ';' : ',';
    }
    struct label_set ls = {0};
    float *x = NULL, *yv = NULL;
    long *lab = NULL;
    size_t n = 0, cap = 0, ncols = 0, label_col = 0;
    int first_line = 0, label_line = 0, label_colno = 0;
    int rc = -1;

    int got = csv_next(&rd, err);
    if (got < 0)
        goto out;
    if (got == 0) {
        lrf_error_set(err, name, 1, 1, "no data: the file has no rows (expected a header and "
                                       "samples, or samples)");
        goto out;
    }
    ncols = rd.nf;
    first_line = rd.line;
    if (ncols < 2) {
        lrf_error_set(err, name, rd.line, 1,
                      "a row has %zu field(s): expected at least two (features and a label), "
                      "separated by '%c'",
                      ncols, rd.delim);
        goto out;
    }
    bool header;
    {
        long dummy;
        bool named = o.label != NULL && o.label[0] != '\0' && !parse_long(o.label, &dummy);
        size_t lc_guess = ncols - 1;
        if (!named && o.label != NULL && o.label[0] != '\0') {
            long k = dummy < 0 ? (long)ncols + dummy : dummy;
            lc_guess = k >= 0 && k < (long)ncols ? (size_t)k : ncols - 1;
        }
        if (o.header == 1 || (o.header == -1 && named)) {
            header = true;
        } else if (o.header == 0) {
            header = false;
        } else {
            header = false;
            double v;
            for (size_t i = 0; i < ncols; i++)
                if (i != lc_guess && !parse_number(rd.f[i].s, &v))
                    header = true;
            if (!header && o.regress && !parse_number(rd.f[lc_guess].s, &v))
                header = true;
        }
    }
    if (csv_label_column(&rd, &o, header, ncols, &label_col, err) < 0)
        goto out;
    size_t d = ncols - 1;
    if (header) {
        got = csv_next(&rd, err);
        if (got < 0)
            goto out;
    }
    for (; got > 0; got = csv_next(&rd, err)) {
        if (rd.nf != ncols) {
            /* too many: the first extra field; too few: just past the last one */
            struct field *lf = &rd.f[rd.nf - 1];
            int col = rd.nf > ncols ? rd.f[ncols].col
                                    : lf->col + (int)strlen(lf->s) + (lf->quoted ? 2 : 0);
            lrf_error_set(err, name, rd.line, col,
                          "ragged row: %zu fields, expected %zu (as in line %d)", rd.nf, ncols,
                          first_line);
            goto out;
        }
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 256;
            float *nx = realloc(x, nc * d * sizeof *nx);
            if (nx != NULL)
                x = nx;
            void *nl = o.regress ? (void *)realloc(yv, nc * sizeof *yv)
                                 : (void *)realloc(lab, nc * sizeof *lab);
            if (nl != NULL) {
                if (o.regress)
                    yv = nl;
                else
                    lab = nl;
            }
            if (nx == NULL || nl == NULL) {
                lrf_error_set(err, name, rd.line, 1, "out of memory");
                goto out;
            }
            cap = nc;
        }
        size_t j = 0;
        for (size_t i = 0; i < ncols; i++) {
            struct field *f = &rd.f[i];
            double v;
            if (i == label_col) {
                if (o.regress) {
                    if (!parse_number(f->s, &v)) {
                        lrf_error_set(err, name, rd.line, f->col,
                                      "%s target '%s' is not a number (data.task is regress)",
                                      f->s[0] ? "the" : "empty", f->s);
                        goto out;
                    }
                    yv[n] = (float)v;
                    continue;
                }
                if (f->s[0] == '\0') {
                    lrf_error_set(err, name, rd.line, f->col, "empty label (expected a class)");
                    goto out;
                }
                long id = label_id(&ls, f->s);
                if (id == -2) {
                    lrf_error_set(err, name, rd.line, f->col,
                                  "more than %d distinct labels (is the label a float target? "
                                  "set data.task: regress)",
                                  DATA_MAX_CLASSES);
                    goto out;
                }
                if (id < 0) {
                    lrf_error_set(err, name, rd.line, f->col, "out of memory");
                    goto out;
                }
                if (n == 0) {
                    label_line = rd.line;
                    label_colno = f->col;
                }
                lab[n] = id;
                continue;
            }
            if (!parse_number(f->s, &v)) {
                if (f->s[0] == '\0')
                    lrf_error_set(err, name, rd.line, f->col, "empty cell (expected a number)");
                else
                    lrf_error_set(err, name, rd.line, f->col,
                                  "'%.40s' is not a finite number (features must be numeric)",
                                  f->s);
                goto out;
            }
            x[n * d + j++] = (float)v;
        }
        n++;
    }
    if (got < 0)
        goto out;
    if (n == 0) {
        lrf_error_set(err, name, first_line, 1,
                      "no samples: the file has a header but no data rows");
        goto out;
    }
    if (!o.regress && ls.n < 2) {
        lrf_error_set(err, name, label_line, label_colno,
                      "a single class: every sample has the label '%s' (a classifier needs at "
                      "least two; for a float target set data.task: regress)",
                      ls.text[0]);
        goto out;
    }
    ds->n = n;
    ds->d = d;
    ds->x = x;
    x = NULL;
    if (o.regress) {
        ds->y = yv;
        yv = NULL;
    } else {
        /* classes in sorted order: numerically when every label is an integer */
        bool numeric = true;
        long dummy;
        for (size_t i = 0; i < ls.n && numeric; i++)
            numeric = parse_long(ls.text[i], &dummy);
        char **sorted = malloc(ls.n * sizeof *sorted);
        int32_t *remap = malloc(ls.n * sizeof *remap);
        ds->label = malloc(n * sizeof *ds->label);
        if (sorted == NULL || remap == NULL || ds->label == NULL) {
            free(sorted);
            free(remap);
            lrf_error_set(err, name, 0, 0, "out of memory");
            goto out;
        }
        memcpy(sorted, ls.text, ls.n * sizeof *sorted);
        sort_labels(sorted, ls.n, numeric);
        for (size_t k = 0; k < ls.n; k++)
            for (size_t i = 0; i < ls.n; i++)
                if (ls.text[i] == sorted[k])
                    remap[i] = (int32_t)k;
        for (size_t i = 0; i < n; i++)
            ds->label[i] = remap[lab[i]];
        ds->classes = ls.n;
        ds->class_names = sorted;
        ls.n = 0; /* the names now belong to ds */
        free(remap);
    }
    rc = 0;
out:
    if (rc < 0)
        data_free(ds);
    label_set_free(&ls);
    free(rd.f);
    free(x);
    free(yv);
    free(lab);
    free(buf);
    return rc;
}

int data_load_csv(struct lrf_dataset *ds, const char *path, const struct data_csv_opts *opts,
                  struct lrf_error *err)
{
    size_t len;
    char *text = read_file(path, &len, err);
    if (text == NULL)
        return -1;
    if (is_gzip((const unsigned char *)text, len)) {
        free(text);
        return lrf_error_set(err, path, 0, 0,
                             "this is a gzip file: decompress it first (gunzip -k %s)", path);
    }
    int rc = data_parse_csv(ds, path, text, len, opts, err);
    free(text);
    return rc;
}

/* ---- IDX ---- */

struct idx_header {
    size_t ndims;
    size_t dims[8];
    size_t count; /* product of dims */
    size_t offset; /* of the data */
};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Check an IDX file's magic, dimensions and size. */
static int idx_header(const char *name, const unsigned char *p, size_t len, size_t want_dims,
                      struct idx_header *h, struct lrf_error *err)
{
    if (is_gzip(p, len))
        return lrf_error_set(err, name, 0, 0,
                             "this is a gzip file: decompress it first (gunzip -k %s)", name);
    if (len < 4)
        return lrf_error_set(err, name, 0, 0,
                             "truncated: %zu bytes, too short for an IDX header (4 bytes of "
                             "magic number)",
                             len);
    uint32_t magic = be32(p);
    if (p[0] != 0 || p[1] != 0)
        return lrf_error_set(err, name, 0, 0,
                             "bad IDX magic number 0x%08x at byte 0 (expected 0x0000080%zu, the "
                             "MNIST %s file format)",
                             magic, want_dims, want_dims == 1 ? "labels" : "images");
    if (p[2] != 0x08)
        return lrf_error_set(err, name, 0, 0,
                             "IDX element type 0x%02x at byte 2 is not supported (expected 0x08, "
                             "unsigned bytes)",
                             p[2]);
    h->ndims = p[3];
    if (want_dims == 1 ? h->ndims != 1 : (h->ndims < 2 || h->ndims > 8))
        return lrf_error_set(err, name, 0, 0,
                             "bad IDX magic number 0x%08x: %zu dimensions (expected %s)", magic,
                             h->ndims,
                             want_dims == 1 ? "1, a labels file" : "2 or more, an images file");
    h->offset = 4 + 4 * h->ndims;
    if (len < h->offset)
        return lrf_error_set(err, name, 0, 0,
                             "truncated: %zu bytes, shorter than its %zu-byte header", len,
                             h->offset);
    h->count = 1;
    for (size_t i = 0; i < h->ndims; i++) {
        h->dims[i] = be32(p + 4 + 4 * i);
        if (h->dims[i] != 0 && h->count > SIZE_MAX / h->dims[i])
            return lrf_error_set(err, name, 0, 0, "dimension %zu (byte %zu) is too large", i,
                                 4 + 4 * i);
        h->count *= h->dims[i];
    }
    if (h->ndims >= 2 && h->dims[0] != 0 && h->count / h->dims[0] == 0)
        return lrf_error_set(err, name, 0, 0, "the images have no pixels (a zero dimension)");
    if (len - h->offset < h->count)
        return lrf_error_set(err, name, 0, 0,
                             "truncated: %zu bytes of data after the header, expected %zu "
                             "(the header says %zu samples)",
                             len - h->offset, h->count, h->dims[0]);
    if (len - h->offset > h->count)
        return lrf_error_set(err, name, 0, 0,
                             "wrong size: %zu bytes of data after the header, expected %zu "
                             "(extra bytes from byte %zu on)",
                             len - h->offset, h->count, h->offset + h->count);
    return 0;
}

int data_parse_idx(struct lrf_dataset *ds, const char *images_name, const unsigned char *images,
                   size_t images_len, const char *labels_name, const unsigned char *labels,
                   size_t labels_len, struct lrf_error *err)
{
    memset(ds, 0, sizeof *ds);
    ds->y_std = 1.0;
    struct idx_header hi, hl;
    if (idx_header(images_name, images, images_len, 3, &hi, err) < 0 ||
        idx_header(labels_name, labels, labels_len, 1, &hl, err) < 0)
        return -1;
    size_t n = hi.dims[0], d = hi.count / (n ? n : 1);
    if (hl.dims[0] != n)
        return lrf_error_set(err, labels_name, 0, 0,
                             "%zu labels but %s has %zu images (the counts must match)",
                             hl.dims[0], images_name, n);
    if (n == 0)
        return lrf_error_set(err, images_name, 0, 0, "no samples: the header says 0 images");
    size_t classes = 0;
    for (size_t i = 0; i < n; i++)
        if ((size_t)labels[hl.offset + i] + 1 > classes)
            classes = (size_t)labels[hl.offset + i] + 1;
    if (ds_alloc(ds, n, d, classes, err) < 0)
        return -1;
    for (size_t i = 0; i < n * d; i++)
        ds->x[i] = (float)images[hi.offset + i] / 255.0f;
    for (size_t i = 0; i < n; i++)
        ds->label[i] = labels[hl.offset + i];
    if (data_check_classes(ds, labels_name, err) < 0) {
        data_free(ds);
        return -1;
    }
    return 0;
}

int data_load_idx(struct lrf_dataset *ds, const char *images_path, const char *labels_path,
                  struct lrf_error *err)
{
    size_t il, ll;
    char *img = read_file(images_path, &il, err);
    if (img == NULL)
        return -1;
    char *lab = read_file(labels_path, &ll, err);
    if (lab == NULL) {
        free(img);
        return -1;
    }
    int rc = data_parse_idx(ds, images_path, (const unsigned char *)img, il, labels_path,
                            (const unsigned char *)lab, ll, err);
    free(img);
    free(lab);
    return rc;
}

/* ==== split, limit, standardise ============================================================= */

int data_check_classes(const struct lrf_dataset *ds, const char *name, struct lrf_error *err)
{
    if (ds->classes == 0)
        return 0;
    for (size_t i = 1; i < ds->n; i++)
        if (ds->label[i] != ds->label[0])
            return 0;
    return lrf_error_set(err, name, 0, 0,
                         "a single class: all %zu samples have label %d (a classifier needs at "
                         "least two)",
                         ds->n, ds->n ? (int)ds->label[0] : 0);
}

void data_limit(struct lrf_dataset *ds, size_t limit)
{
    if (limit > 0 && limit < ds->n)
        ds->n = limit;
}

/* Copy the samples idx[0..n-1] of src into a new set dst. */
static int ds_gather(struct lrf_dataset *dst, const struct lrf_dataset *src, const uint32_t *idx,
                     size_t n, struct lrf_error *err)
{
    if (ds_alloc(dst, n, src->d, src->classes, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        memcpy(dst->x + i * src->d, src->x + (size_t)idx[i] * src->d, src->d * sizeof(float));
        if (src->label)
            dst->label[i] = src->label[idx[i]];
        else
            dst->y[i] = src->y[idx[i]];
    }
    dst->y_mean = src->y_mean;
    dst->y_std = src->y_std;
    return 0;
}

int data_split(struct lrf_dataset *all, double fraction, struct lrf_rng *r,
               struct lrf_dataset *train, struct lrf_dataset *val, struct lrf_error *err)
{
    memset(train, 0, sizeof *train);
    memset(val, 0, sizeof *val);
    if (!(fraction > 0.0 && fraction < 1.0))
        return lrf_error_set(err, NULL, 0, 0, "the validation fraction must be in (0, 1), not %g",
                             fraction);
    if (all->n < 2)
        return lrf_error_set(err, NULL, 0, 0,
                             "%zu sample(s): too few to hold some out for validation", all->n);
    if (all->n > UINT32_MAX)
        return lrf_error_set(err, NULL, 0, 0, "too many samples");
    size_t nv = (size_t)llround(fraction * (double)all->n);
    nv = nv < 1 ? 1 : nv > all->n - 1 ? all->n - 1 : nv;
    uint32_t *idx = malloc(all->n * sizeof *idx);
    if (idx == NULL)
        return lrf_error_set(err, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < all->n; i++)
        idx[i] = (uint32_t)i;
    rng_shuffle_u32(r, idx, all->n);
    int rc = -1;
    if (ds_gather(train, all, idx, all->n - nv, err) == 0 &&
        ds_gather(val, all, idx + (all->n - nv), nv, err) == 0) {
        train->class_names = all->class_names;
        all->class_names = NULL;
        rc = 0;
    }
    free(idx);
    if (rc < 0) {
        data_free(train);
        data_free(val);
        return -1;
    }
    data_free(all);
    return 0;
}

void data_standardize(struct lrf_dataset *train, struct lrf_dataset *val)
{
    size_t n = train->n, d = train->d;
    if (n == 0)
        return;
    for (size_t j = 0; j < d; j++) {
        double sum = 0.0, sq = 0.0;
        for (size_t i = 0; i < n; i++)
            sum += (double)train->x[i * d + j];
        double mean = sum / (double)n;
        for (size_t i = 0; i < n; i++) {
            double e = (double)train->x[i * d + j] - mean;
            sq += e * e;
        }
        double sd = sqrt(sq / (double)n);
        double scale = sd > 1e-12 * (fabs(mean) + 1.0) ? 1.0 / sd : 0.0;
        for (size_t i = 0; i < n; i++)
            train->x[i * d + j] = (float)(((double)train->x[i * d + j] - mean) * scale);
        if (val != NULL)
            for (size_t i = 0; i < val->n; i++)
                val->x[i * d + j] = (float)(((double)val->x[i * d + j] - mean) * scale);
    }
    if (train->y == NULL)
        return;
    double sum = 0.0, sq = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += (double)train->y[i];
    double mean = sum / (double)n;
    for (size_t i = 0; i < n; i++)
        sq += ((double)train->y[i] - mean) * ((double)train->y[i] - mean);
    double sd = sqrt(sq / (double)n);
    if (!(sd > 1e-12))
        sd = 1.0;
    for (size_t i = 0; i < n; i++)
        train->y[i] = (float)(((double)train->y[i] - mean) / sd);
    if (val != NULL && val->y != NULL)
        for (size_t i = 0; i < val->n; i++)
            val->y[i] = (float)(((double)val->y[i] - mean) / sd);
    train->y_mean = mean;
    train->y_std = sd;
    if (val != NULL) {
        val->y_mean = mean;
        val->y_std = sd;
    }
}

/* ==== from the config ======================================================================= */

/* A count from the config, or a default when unset (0). */
static size_t or_default(long v, size_t def)
{
    return v > 0 ? (size_t)v : def;
}

int data_load(const struct lrf_config *cfg, struct lrf_dataset *train, struct lrf_dataset *val,
              struct lrf_error *err)
{
    const __typeof__(cfg->trainer.data) *dc = &cfg->trainer.data;
    struct lrf_dataset all;
    struct lrf_rng r;
    memset(train, 0, sizeof *train);
    memset(val, 0, sizeof *val);
    memset(&all, 0, sizeof all);
    rng_seed_stream(&r, cfg->trainer.seed, STREAM_DATA);
    size_t classes = or_default(dc->classes, 3), ppc = or_default(dc->points_per_class, 200);
    size_t points = or_default(dc->points, 1000);
    int rc;
    switch (dc->kind) {
    case DATA_SPIRAL:
        rc = data_spiral(&all, classes, ppc, dc->noise, &r, err);
        break;
    case DATA_MOONS:
        rc = data_moons(&all, points, dc->noise, &r, err);
        break;
    case DATA_BLOBS:
        rc = data_blobs(&all, classes, ppc, or_default(dc->dimensions, 2),
                        dc->spread > 0.0 ? dc->spread : 1.0, &r, err);
        break;
    case DATA_XOR:
        rc = data_xor(&all, points, dc->noise, &r, err);
        break;
    case DATA_REGRESSION:
        rc = data_regression(&all, points, or_default(dc->dimensions, 1), dc->noise, &r, err);
        break;
    case DATA_CSV: {
        if (dc->path == NULL || dc->path[0] == '\0')
            return lrf_error_set(err, cfg->source, 0, 0,
                                 "trainer.data.kind is csv but trainer.data.path is not set");
        struct data_csv_opts o = {dc->label, dc->header, dc->task == 1};
        rc = data_load_csv(&all, dc->path, &o, err);
        break;
    }
    case DATA_IDX:
        if (dc->images == NULL || dc->labels == NULL)
            return lrf_error_set(err, cfg->source, 0, 0,
                                 "trainer.data.kind is idx: set trainer.data.images and "
                                 "trainer.data.labels");
        rc = data_load_idx(&all, dc->images, dc->labels, err);
        break;
    default:
        return lrf_error_set(err, cfg->source, 0, 0, "unknown data kind %d", dc->kind);
    }
    if (rc < 0)
        return -1;
    data_limit(&all, dc->limit > 0 ? (size_t)dc->limit : 0);
    const char *name = dc->kind == DATA_CSV ? dc->path : dc->kind == DATA_IDX ? dc->labels : NULL;
    if (data_check_classes(&all, name, err) < 0) {
        data_free(&all);
        return -1;
    }
    if (dc->validation > 0.0) {
        struct lrf_rng rs;
        rng_seed_stream(&rs, cfg->trainer.seed, STREAM_SPLIT);
        if (data_split(&all, dc->validation, &rs, train, val, err) < 0) {
            data_free(&all);
            return -1;
        }
    } else {
        *train = all;
    }
    data_standardize(train, val->n ? val : NULL);
    return 0;
}

const char *data_class_mapping(const struct lrf_dataset *ds, char *buf, size_t size)
{
    if (size == 0)
        return buf;
    buf[0] = '\0';
    if (ds->class_names == NULL)
        return buf;
    size_t used = 0;
    for (size_t i = 0; i < ds->classes; i++) {
        int w = snprintf(buf + used, size - used, "%s%s=%zu", i ? " " : "", ds->class_names[i], i);
        if (w < 0 || (size_t)w >= size - used) {
            if (size >= 4)
                memcpy(buf + size - 4, "...", 4);
            break;
        }
        used += (size_t)w;
    }
    return buf;
}
