/* test_data.c: synthetic sets (determinism, shapes, labels), the CSV and IDX readers (every
 * error with its file:line:column), split, standardisation and data_load from a config. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

/* assert_close on float arguments (clang warns on implicit float -> double) */
#define assert_near(a, b, tol) assert_close((double)(a), (double)(b), (tol))

#include "lrfind/config.h"
#include "lrfind/data.h"

static char path_buf[4096];

/* tests/data/nn/<name> under $top_srcdir (set by make check; "." otherwise). */
static const char *data_path(const char *name)
{
    const char *top = getenv("top_srcdir");
    snprintf(path_buf, sizeof path_buf, "%s/tests/data/nn/%s", top && *top ? top : ".", name);
    return path_buf;
}

/* The error's location and that its message contains `needle`. */
static void expect_error(const struct lrf_error *err, int line, int col, const char *needle)
{
    if (err->line != line || err->column != col || strstr(err->msg, needle) == NULL)
        fail_msg("got %d:%d \"%s\", expected %d:%d and \"%s\"", err->line, err->column, err->msg,
                 line, col, needle);
}

/* ---- synthetic ------------------------------------------------------------------------------- */

static void test_spiral(void **state)
{
    (void)state;
    struct lrf_dataset a, b, c;
    struct lrf_rng r;
    struct lrf_error err;
    rng_seed(&r, 1);
    assert_int_equal(data_spiral(&a, 3, 100, 0.2, &r, &err), 0);
    rng_seed(&r, 1);
    assert_int_equal(data_spiral(&b, 3, 100, 0.2, &r, &err), 0);
    rng_seed(&r, 2);
    assert_int_equal(data_spiral(&c, 3, 100, 0.2, &r, &err), 0);
    assert_int_equal(a.n, 300);
    assert_int_equal(a.d, 2);
    assert_int_equal(a.classes, 3);
    assert_memory_equal(a.x, b.x, a.n * a.d * sizeof(float));
    assert_true(memcmp(a.x, c.x, a.n * a.d * sizeof(float)) != 0);
    int count[3] = {0};
    for (size_t i = 0; i < a.n; i++) {
        count[a.label[i]]++;
        double rad = hypot((double)a.x[2 * i], (double)a.x[2 * i + 1]);
        assert_true(rad <= 1.0 + 1e-6); /* the noise is angular */
    }
    assert_int_equal(count[0], 100);
    assert_int_equal(count[2], 100);
    /* without noise the last point of arm c sits at radius 1, angle 4c + 4 */
    data_free(&c);
    assert_int_equal(data_spiral(&c, 2, 5, 0.0, &r, &err), 0);
    assert_near(c.x[2 * 9], sin(8.0), 1e-6);
    assert_near(c.x[2 * 9 + 1], cos(8.0), 1e-6);
    assert_int_equal(data_spiral(&c, 1, 5, 0.0, &r, &err), -1);
    data_free(&a);
    data_free(&b);
    data_free(&c);
}

static void test_moons_xor_blobs_regression(void **state)
{
    (void)state;
    struct lrf_dataset d;
    struct lrf_rng r;
    struct lrf_error err;
    rng_seed(&r, 3);
    assert_int_equal(data_moons(&d, 101, 0.0, &r, &err), 0);
    assert_int_equal(d.n, 101);
    assert_int_equal(d.classes, 2);
    for (size_t i = 0; i < d.n; i++) /* noiseless: the two half circles of radius 1 */
        if (d.label[i] == 0)
            assert_near(hypot((double)d.x[2 * i], (double)d.x[2 * i + 1]), 1.0, 1e-6);
        else
            assert_near(hypot((double)d.x[2 * i] - 1.0, (double)d.x[2 * i + 1] - 0.5), 1.0, 1e-6);
    data_free(&d);

    assert_int_equal(data_xor(&d, 500, 0.0, &r, &err), 0);
    for (size_t i = 0; i < d.n; i++)
        assert_int_equal(d.label[i], (d.x[2 * i] > 0) != (d.x[2 * i + 1] > 0));
    data_free(&d);

    assert_int_equal(data_blobs(&d, 4, 50, 5, 0.01, &r, &err), 0);
    assert_int_equal(d.n, 200);
    assert_int_equal(d.d, 5);
    for (size_t i = 4; i < d.n; i++) { /* tight blobs: a sample sits next to its class mates */
        size_t j = i - 4;
        assert_int_equal(d.label[i], d.label[j]);
        for (size_t k = 0; k < 5; k++)
            assert_true(fabsf(d.x[i * 5 + k] - d.x[j * 5 + k]) < 0.2f);
        assert_true(fabsf(d.x[i * 5]) < 10.5f);
    }
    data_free(&d);

    assert_int_equal(data_regression(&d, 300, 2, 0.0, &r, &err), 0);
    assert_int_equal(d.classes, 0);
    assert_non_null(d.y);
    assert_null(d.label);
    for (size_t i = 0; i < d.n; i++) {
        double x0 = (double)d.x[2 * i], x1 = (double)d.x[2 * i + 1];
        double want = (sin(1.5 * x0) + 0.1 * x0 * x0 + sin(1.5 * x1 + 1.0) + 0.1 * x1 * x1) /
                      sqrt(2.0);
        assert_near(d.y[i], want, 1e-5);
        assert_true(fabs(x0) <= 3.0);
    }
    data_free(&d);
    assert_int_equal(data_moons(&d, 1, 0.0, &r, &err), -1);
    assert_int_equal(data_blobs(&d, 2, 1, 0, 1.0, &r, &err), -1);
}

/* ---- CSV ------------------------------------------------------------------------------------- */

static void test_csv_iris(void **state)
{
    (void)state;
    struct lrf_dataset d;
    struct lrf_error err;
    struct data_csv_opts o = {"species", -1, 0};
    assert_int_equal(data_load_csv(&d, data_path("iris_small.csv"), &o, &err), 0);
    assert_int_equal(d.n, 9);
    assert_int_equal(d.d, 4);
    assert_int_equal(d.classes, 3);
    assert_near(d.x[0], 5.1, 1e-6);
    assert_near(d.x[4 * 8 + 3], 2.1, 1e-6);
    assert_int_equal(d.label[0], 0);
    assert_int_equal(d.label[2], 1);
    assert_int_equal(d.label[8], 2);
    char map[128];
    assert_string_equal(data_class_mapping(&d, map, sizeof map),
                        "setosa=0 versicolor=1 virginica=2");
    char small[12];
    data_class_mapping(&d, small, sizeof small); /* cut with "..." */
    assert_int_equal(strlen(small), 11);
    assert_string_equal(small + 8, "...");
    data_free(&d);
    /* the label by index, by negative index, by name in another case, or by default (last) */
    const char *labels[] = {"4", "-1", "SPECIES", NULL};
    for (int i = 0; i < 4; i++) {
        o.label = labels[i];
        assert_int_equal(data_load_csv(&d, data_path("iris_small.csv"), &o, &err), 0);
        assert_int_equal(d.classes, 3);
        assert_int_equal(d.d, 4);
        data_free(&d);
    }
    /* another column as the label: petal_width has 7 distinct values */
    o.label = "3";
    assert_int_equal(data_load_csv(&d, data_path("iris_small.csv"), &o, &err), -1);
    expect_error(&err, 3, 17, "not a finite number"); /* 'setosa' is now a feature */
    assert_non_null(strstr(err.file, "iris_small.csv"));
}

static void test_csv_int_labels_crlf(void **state)
{
    (void)state;
    struct lrf_dataset d;
    struct lrf_error err;
    struct data_csv_opts o = {"0", -1, 0};
    assert_int_equal(data_load_csv(&d, data_path("int_labels_first.csv"), &o, &err), 0);
    assert_int_equal(d.n, 4);
    assert_int_equal(d.d, 2);
    /* labels 5, 1, 10, 5 sort numerically: 1 -> 0, 5 -> 1, 10 -> 2 */
    assert_int_equal(d.label[0], 1);
    assert_int_equal(d.label[1], 0);
    assert_int_equal(d.label[2], 2);
    assert_near(d.x[2 * 3 + 1], 4.0, 0);
    char map[64];
    assert_string_equal(data_class_mapping(&d, map, sizeof map), "1=0 5=1 10=2");
    data_free(&d);
}

static void test_csv_regression(void **state)
{
    (void)state;
    struct lrf_dataset d;
    struct lrf_error err;
    struct data_csv_opts o = {"target", -1, 1};
    assert_int_equal(data_load_csv(&d, data_path("regress.csv"), &o, &err), 0);
    assert_int_equal(d.classes, 0);
    assert_near(d.y[1], -1.25, 0);
    assert_near(d.y[3], 1e-3, 1e-7);
    data_free(&d);
    const char *bad = "x,t\n1,2\n3,oops\n";
    assert_int_equal(data_parse_csv(&d, "r.csv", bad, strlen(bad), &o, &err), -1);
    o.label = "t";
    assert_int_equal(data_parse_csv(&d, "r.csv", bad, strlen(bad), &o, &err), -1);
    expect_error(&err, 3, 3, "is not a number");
}

static void test_csv_syntax(void **state)
{
    (void)state;
    struct lrf_dataset d;
    struct lrf_error err;
    struct data_csv_opts o = {NULL, -1, 0};
    /* BOM, comment, blank lines, quotes with commas and doubled quotes, spaces, no final \n */
    const char *t = "\xEF\xBB\xBF# comment\n\nf1, f2 ,name\n 1 , 2,\"a, \"\"quoted\"\" one\"\n"
                    "3,4, plain \n\n5,6,\"a, \"\"quoted\"\" one\"";
    assert_int_equal(data_parse_csv(&d, "s.csv", t, strlen(t), &o, &err), 0);
    assert_int_equal(d.n, 3);
    assert_int_equal(d.classes, 2);
    assert_string_equal(d.class_names[0], "a, \"quoted\" one");
    assert_string_equal(d.class_names[1], "plain");
    assert_near(d.x[1], 2.0, 0);
    assert_int_equal(d.label[2], 0);
    data_free(&d);
    /* tab- and semicolon-separated files */
    const char *tabs = "1\t2\ta\n3\t4\tb\n";
    assert_int_equal(data_parse_csv(&d, "t.tsv", tabs, strlen(tabs), &o, &err), 0);
    assert_int_equal(d.d, 2);
    assert_int_equal(d.n, 2);
    data_free(&d);
    const char *semi = "x;y;c\n1,5;2;a\n";
    assert_int_equal(data_parse_csv(&d, "s.csv", semi, strlen(semi), &o, &err), -1);
    expect_error(&err, 2, 1, "'1,5' is not a finite number"); /* no decimal commas */
    const char *semi2 = "x;y;c\n1.5;2;a\n3;4;b\n";
    assert_int_equal(data_parse_csv(&d, "s.csv", semi2, strlen(semi2), &o, &err), 0);
    assert_near(d.x[0], 1.5, 0);
    data_free(&d);
    /* an explicit header: no, so that a first row of numbers is data */
    const char *nums = "1,2,0\n3,4,1\n";
    o.header = 0;
    assert_int_equal(data_parse_csv(&d, "n.csv", nums, strlen(nums), &o, &err), 0);
    assert_int_equal(d.n, 2);
    data_free(&d);
    o.header = 1; /* the first row becomes the header: one sample, one class */
    assert_int_equal(data_parse_csv(&d, "n.csv", nums, strlen(nums), &o, &err), -1);
    expect_error(&err, 2, 5, "a single class");
    o.header = -1;
    /* an unterminated quote, text after a closing quote */
    const char *q = "a,b\n1,\"x\n";
    assert_int_equal(data_parse_csv(&d, "q.csv", q, strlen(q), &o, &err), -1);
    expect_error(&err, 2, 3, "unterminated");
    const char *q2 = "a,b\n1,\"x\"y\n";
    assert_int_equal(data_parse_csv(&d, "q.csv", q2, strlen(q2), &o, &err), -1);
    expect_error(&err, 2, 6, "after a quoted field");
}

static void test_csv_errors(void **state)
{
    (void)state;
    struct lrf_dataset d;
    struct lrf_error err;
    struct data_csv_opts o = {NULL, -1, 0};
    assert_int_equal(data_load_csv(&d, data_path("ragged.csv"), &o, &err), -1);
    expect_error(&err, 4, 7, "ragged row: 4 fields, expected 3");
    assert_int_equal(data_load_csv(&d, data_path("ragged_short.csv"), &o, &err), -1);
    expect_error(&err, 3, 4, "ragged row: 2 fields, expected 3");
    assert_int_equal(data_load_csv(&d, data_path("nonnumeric.csv"), &o, &err), -1);
    expect_error(&err, 3, 5, "'4x' is not a finite number");
    o.label = "species";
    assert_int_equal(data_load_csv(&d, data_path("missing_label.csv"), &o, &err), -1);
    expect_error(&err, 1, 1, "no column named 'species'");
    assert_non_null(strstr(err.msg, "a, b, c"));
    o.label = "3";
    assert_int_equal(data_load_csv(&d, data_path("missing_label.csv"), &o, &err), -1);
    expect_error(&err, 1, 1, "label column 3 is out of range");
    o.label = "-4";
    assert_int_equal(data_load_csv(&d, data_path("missing_label.csv"), &o, &err), -1);
    expect_error(&err, 1, 1, "out of range");
    o.label = "c";
    o.header = 0;
    assert_int_equal(data_load_csv(&d, data_path("missing_label.csv"), &o, &err), -1);
    expect_error(&err, 1, 1, "no header");
    o.header = -1;
    o.label = NULL;
    assert_int_equal(data_load_csv(&d, data_path("header_only.csv"), &o, &err), -1);
    expect_error(&err, 1, 1, "no samples");
    assert_int_equal(data_load_csv(&d, data_path("empty.csv"), &o, &err), -1);
    expect_error(&err, 1, 1, "no data");
    assert_int_equal(data_load_csv(&d, data_path("single_class.csv"), &o, &err), -1);
    expect_error(&err, 2, 5, "a single class");
    assert_non_null(strstr(err.msg, "'cat'"));
    assert_int_equal(data_load_csv(&d, data_path("no-such-file.csv"), &o, &err), -1);
    assert_non_null(strstr(err.msg, "cannot open"));
    assert_int_equal(data_load_csv(&d, data_path("tiny-images.idx.gz"), &o, &err), -1);
    assert_non_null(strstr(err.msg, "gunzip"));
    /* empty cells, non-finite numbers, an empty label, a single column */
    const char *e1 = "a,b,l\n1,,x\n";
    assert_int_equal(data_parse_csv(&d, "e.csv", e1, strlen(e1), &o, &err), -1);
    expect_error(&err, 2, 3, "empty cell");
    const char *e2 = "a,b,l\n1,nan,x\n2,3,y\n";
    assert_int_equal(data_parse_csv(&d, "e.csv", e2, strlen(e2), &o, &err), -1);
    expect_error(&err, 2, 3, "not a finite number");
    const char *e3 = "1,inf,x\n2,3,y\n";
    o.header = 0;
    assert_int_equal(data_parse_csv(&d, "e.csv", e3, strlen(e3), &o, &err), -1);
    expect_error(&err, 1, 3, "not a finite number");
    const char *e4 = "1,2,\n";
    assert_int_equal(data_parse_csv(&d, "e.csv", e4, strlen(e4), &o, &err), -1);
    expect_error(&err, 1, 5, "empty label");
    const char *e5 = "1\n2\n";
    assert_int_equal(data_parse_csv(&d, "e.csv", e5, strlen(e5), &o, &err), -1);
    expect_error(&err, 1, 1, "expected at least two");
    assert_string_equal(err.file, "e.csv");
}

/* ---- IDX ------------------------------------------------------------------------------------- */

static void test_idx(void **state)
{
    (void)state;
    struct lrf_dataset d;
    struct lrf_error err;
    char ipath[4096];
    snprintf(ipath, sizeof ipath, "%s", data_path("tiny-images.idx"));
    assert_int_equal(data_load_idx(&d, ipath, data_path("tiny-labels.idx"), &err), 0);
    assert_int_equal(d.n, 6);
    assert_int_equal(d.d, 9);
    assert_int_equal(d.classes, 3);
    assert_near(d.x[0], 0.0, 0);
    assert_near(d.x[1], 7.0 / 255.0, 1e-7);
    assert_near(d.x[9 * 5 + 8], ((5 * 29 + 8 * 7) % 256) / 255.0, 1e-7);
    assert_int_equal(d.label[4], 1);
    data_free(&d);
}

/* Load images + labels from tests/data/nn and expect an error mentioning needle. */
static void idx_fails(const char *images, const char *labels, const char *needle)
{
    struct lrf_dataset d;
    struct lrf_error err;
    char ipath[4096];
    snprintf(ipath, sizeof ipath, "%s", data_path(images));
    assert_int_equal(data_load_idx(&d, ipath, data_path(labels), &err), -1);
    if (strstr(err.msg, needle) == NULL)
        fail_msg("%s + %s: \"%s\" does not say \"%s\"", images, labels, err.msg, needle);
}

static void test_idx_errors(void **state)
{
    (void)state;
    idx_fails("tiny-images.idx.gz", "tiny-labels.idx", "gunzip -k");
    idx_fails("tiny-images-badmagic.idx", "tiny-labels.idx", "bad IDX magic number 0x00000801");
    idx_fails("tiny-labels.idx", "tiny-labels.idx", "expected 2 or more");
    idx_fails("tiny-images.idx", "tiny-images.idx", "expected 1, a labels file");
    idx_fails("tiny-images-truncated.idx", "tiny-labels.idx", "truncated: 44 bytes of data");
    idx_fails("tiny-images.idx", "tiny-labels-5.idx", "5 labels but");
    idx_fails("tiny-images-zero.idx", "tiny-labels-zero.idx", "no samples");
    idx_fails("tiny-images.idx", "tiny-labels-single.idx", "a single class");
    idx_fails("no-such.idx", "tiny-labels.idx", "cannot open");
    /* in memory: extra bytes, a short header, an element type we do not read */
    struct lrf_dataset d;
    struct lrf_error err;
    unsigned char img[16 + 4] = {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4};
    unsigned char lab[8 + 2] = {0, 0, 8, 1, 0, 0, 0, 1, 7, 9};
    assert_int_equal(data_parse_idx(&d, "i", img, 20, "l", lab, 10, &err), -1);
    assert_non_null(strstr(err.msg, "wrong size"));
    assert_string_equal(err.file, "l");
    assert_int_equal(data_parse_idx(&d, "i", img, 10, "l", lab, 9, &err), -1);
    assert_non_null(strstr(err.msg, "shorter than its 16-byte header"));
    assert_int_equal(data_parse_idx(&d, "i", img, 3, "l", lab, 9, &err), -1);
    assert_non_null(strstr(err.msg, "truncated"));
    img[2] = 0x0D; /* floats */
    assert_int_equal(data_parse_idx(&d, "i", img, 20, "l", lab, 9, &err), -1);
    assert_non_null(strstr(err.msg, "element type 0x0d"));
    img[2] = 0x08;
    img[0] = 0x12;
    assert_int_equal(data_parse_idx(&d, "i", img, 20, "l", lab, 9, &err), -1);
    assert_non_null(strstr(err.msg, "bad IDX magic"));
}

/* ---- split, standardise, from a config ------------------------------------------------------- */

static void test_split_and_standardize(void **state)
{
    (void)state;
    struct lrf_dataset all, tr, va;
    struct lrf_rng r;
    struct lrf_error err;
    rng_seed(&r, 4);
    assert_int_equal(data_blobs(&all, 3, 200, 3, 2.0, &r, &err), 0);
    /* tag each sample in feature 2 so that the split can be checked */
    for (size_t i = 0; i < all.n; i++)
        all.x[i * 3 + 2] = (float)i;
    assert_int_equal(data_split(&all, 0.1, &r, &tr, &va, &err), 0);
    assert_null(all.x); /* consumed */
    assert_int_equal(tr.n, 540);
    assert_int_equal(va.n, 60);
    char seen[600] = {0};
    for (size_t i = 0; i < tr.n; i++)
        seen[(int)tr.x[i * 3 + 2]]++;
    for (size_t i = 0; i < va.n; i++)
        seen[(int)va.x[i * 3 + 2]]++;
    for (int i = 0; i < 600; i++)
        assert_int_equal(seen[i], 1);
    data_standardize(&tr, &va);
    for (size_t j = 0; j < 3; j++) {
        double s = 0.0, s2 = 0.0;
        for (size_t i = 0; i < tr.n; i++) {
            s += (double)tr.x[i * 3 + j];
            s2 += (double)tr.x[i * 3 + j] * (double)tr.x[i * 3 + j];
        }
        assert_true(fabs(s / tr.n) < 1e-5);
        assert_near(s2 / tr.n, 1.0, 1e-4);
    }
    data_free(&tr);
    data_free(&va);
    /* a constant feature becomes 0 rather than NaN; a regression target is standardised too */
    assert_int_equal(data_regression(&all, 50, 2, 0.1, &r, &err), 0);
    for (size_t i = 0; i < all.n; i++)
        all.x[i * 2] = 7.0f;
    data_standardize(&all, NULL);
    double ys = 0.0;
    for (size_t i = 0; i < all.n; i++) {
        assert_near(all.x[i * 2], 0.0, 0);
        ys += (double)all.y[i];
    }
    assert_true(fabs(ys) < 1e-4);
    assert_true(all.y_std > 0.0);
    data_free(&all);
    /* bad fractions, too few samples */
    assert_int_equal(data_blobs(&all, 2, 1, 1, 1.0, &r, &err), 0);
    assert_int_equal(data_split(&all, 1.0, &r, &tr, &va, &err), -1);
    assert_int_equal(data_split(&all, 0.5, &r, &tr, &va, &err), 0);
    assert_int_equal(tr.n, 1);
    assert_int_equal(va.n, 1);
    data_free(&tr);
    data_free(&va);
}

static void config_for(struct lrf_config *cfg, int kind)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->trainer.data.kind = kind;
    cfg->trainer.data.header = -1;
    cfg->trainer.data.noise = 0.1;
    cfg->trainer.seed = 42;
}

static void test_data_load(void **state)
{
    (void)state;
    struct lrf_config cfg;
    struct lrf_dataset tr, va, tr2, va2;
    struct lrf_error err;
    const int kinds[] = {DATA_SPIRAL, DATA_MOONS, DATA_BLOBS, DATA_XOR, DATA_REGRESSION};
    for (size_t k = 0; k < 5; k++) {
        config_for(&cfg, kinds[k]);
        cfg.trainer.data.validation = 0.2;
        assert_int_equal(data_load(&cfg, &tr, &va, &err), 0);
        assert_int_equal(data_load(&cfg, &tr2, &va2, &err), 0); /* same seed, same data */
        assert_true(tr.n > 0 && va.n > 0);
        assert_int_equal(tr.n, tr2.n);
        assert_memory_equal(tr.x, tr2.x, tr.n * tr.d * sizeof(float));
        assert_memory_equal(va.x, va2.x, va.n * va.d * sizeof(float));
        assert_near((double)va.n / (double)(tr.n + va.n), 0.2, 0.01);
        data_free(&tr);
        data_free(&va);
        data_free(&tr2);
        data_free(&va2);
    }
    config_for(&cfg, DATA_SPIRAL);
    cfg.trainer.data.classes = 4;
    cfg.trainer.data.points_per_class = 50;
    cfg.trainer.data.limit = 120;
    assert_int_equal(data_load(&cfg, &tr, &va, &err), 0);
    assert_int_equal(tr.n, 120);
    assert_int_equal(va.n, 0);
    data_free(&tr);
    /* a limit that leaves one class is an error */
    cfg.trainer.data.limit = 30;
    assert_int_equal(data_load(&cfg, &tr, &va, &err), -1);
    assert_non_null(strstr(err.msg, "single class"));
    /* files */
    config_for(&cfg, DATA_CSV);
    assert_int_equal(data_load(&cfg, &tr, &va, &err), -1);
    assert_non_null(strstr(err.msg, "trainer.data.path"));
    char p[4096];
    snprintf(p, sizeof p, "%s", data_path("iris_small.csv"));
    cfg.trainer.data.path = p;
    cfg.trainer.data.label = "species";
    assert_int_equal(data_load(&cfg, &tr, &va, &err), 0);
    assert_int_equal(tr.n, 9);
    assert_non_null(tr.class_names);
    data_free(&tr);
    cfg.trainer.data.path = (char *)data_path("ragged.csv");
    cfg.trainer.data.label = NULL;
    assert_int_equal(data_load(&cfg, &tr, &va, &err), -1);
    expect_error(&err, 4, 7, "ragged");
    config_for(&cfg, DATA_IDX);
    assert_int_equal(data_load(&cfg, &tr, &va, &err), -1);
    assert_non_null(strstr(err.msg, "trainer.data.images"));
    char ip[4096];
    snprintf(ip, sizeof ip, "%s", data_path("tiny-images.idx"));
    cfg.trainer.data.images = ip;
    cfg.trainer.data.labels = (char *)data_path("tiny-labels.idx");
    cfg.trainer.data.validation = 0.5;
    assert_int_equal(data_load(&cfg, &tr, &va, &err), 0);
    assert_int_equal(tr.n, 3);
    assert_int_equal(va.n, 3);
    data_free(&tr);
    data_free(&va);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spiral),
        cmocka_unit_test(test_moons_xor_blobs_regression),
        cmocka_unit_test(test_csv_iris),
        cmocka_unit_test(test_csv_int_labels_crlf),
        cmocka_unit_test(test_csv_regression),
        cmocka_unit_test(test_csv_syntax),
        cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_idx),
        cmocka_unit_test(test_idx_errors),
        cmocka_unit_test(test_split_and_standardize),
        cmocka_unit_test(test_data_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
