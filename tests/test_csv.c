/* test_csv.c: the sweep file reader and writer. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__) && defined(__GLIBC__)
#include <fpu_control.h>
#endif

#include "test_util.h"
#include "lrfind/csv.h"

/* Parse a NUL-terminated string; returns csv_read_buffer's answer. */
static int parse(const char *text, struct sweep_file *f, struct lrf_error *err)
{
    lrf_error_clear(err);
    return csv_read_buffer("t.csv", text, strlen(text), f, err);
}

static void test_basic(void **state)
{
    (void)state;
    struct sweep_file f;
    struct lrf_error err;
    assert_int_equal(parse("iter,lr,loss,smooth_loss\n0,1e-07,2.5,2.5\n1,2e-07,2.25,2.375\n", &f, &err), 0);
    assert_int_equal(f.n, 2);
    assert_string_equal(f.path, "t.csv");
    assert_true(f.lr[0] == 1e-07 && f.lr[1] == 2e-07);
    assert_true(f.loss[0] == 2.5 && f.loss[1] == 2.25);
    assert_non_null(f.smooth);
    assert_true(f.smooth[0] == 2.5 && f.smooth[1] == 2.375);
    /* No "# lrfind" line: unknown settings. */
    assert_int_equal(f.iterations, -1);
    assert_true(isnan(f.start_lr) && isnan(f.end_lr) && isnan(f.multiplier));
    assert_true(isnan(f.smoothing) && isnan(f.stop_factor));
    assert_string_equal(f.trainer, "");
    sweep_file_free(&f);
    sweep_file_free(&f); /* idempotent */
}

static void test_columns_any_order(void **state)
{
    (void)state;
    struct sweep_file f;
    struct lrf_error err;
    /* Names trimmed, quoted, any case; extra columns (quoted commas too) ignored; no trailing newline. */
    const char *text = " \"Loss\" ,epoch, note ,LR\n"
                       "3.5,0,\"a, \"\"quoted\"\" note\",0.001\n"
                       "  3.25 , 1 ,x, \"0.002\" \n"
                       "3,2,,4e-3";
    assert_int_equal(parse(text, &f, &err), 0);
    assert_int_equal(f.n, 3);
    assert_null(f.smooth);
    assert_true(f.lr[0] == 0.001 && f.lr[1] == 0.002 && f.lr[2] == 4e-3);
    assert_true(f.loss[0] == 3.5 && f.loss[1] == 3.25 && f.loss[2] == 3);
    sweep_file_free(&f);
}

static void test_comments_blank_crlf_bom(void **state)
{
    (void)state;
    struct sweep_file f;
    struct lrf_error err;
    const char *text = "\xEF\xBB\xBF# made by hand\r\n"
                       "\r\n"
                       "   # indented comment\r\n"
                       "lr,loss\r\n"
                       "\t \r\n"
                       "1e-5,2\r\n"
                       "# comment, with, commas\r\n"
                       "\r\n"
                       "2e-5,1.5\r\n";
    assert_int_equal(parse(text, &f, &err), 0);
    assert_int_equal(f.n, 2);
    assert_true(f.lr[1] == 2e-5 && f.loss[1] == 1.5);
    sweep_file_free(&f);
    /* A BOM straight before the header. */
    assert_int_equal(parse("\xEF\xBB\xBFlr,loss\n1,2\n", &f, &err), 0);
    assert_int_equal(f.n, 1);
    sweep_file_free(&f);
}

static void test_nonfinite_losses(void **state)
{
    (void)state;
    struct sweep_file f;
    struct lrf_error err;
    const char *text = "lr,loss,smooth_loss\n"
                       "1,nan,NaN\n"
                       "2,inf,-inf\n"
                       "3,Infinity,-Infinity\n"
                       "4,-inf,INF\n"
                       "5,,\n"; /* pandas writes NaN as an empty cell */
    assert_int_equal(parse(text, &f, &err), 0);
    assert_int_equal(f.n, 5);
    assert_true(isnan(f.loss[0]) && isnan(f.smooth[0]));
    assert_true(isinf(f.loss[1]) && f.loss[1] > 0 && isinf(f.smooth[1]) && f.smooth[1] < 0);
    assert_true(isinf(f.loss[2]) && f.loss[2] > 0 && isinf(f.smooth[2]) && f.smooth[2] < 0);
    assert_true(isinf(f.loss[3]) && f.loss[3] < 0 && isinf(f.smooth[3]) && f.smooth[3] > 0);
    assert_true(isnan(f.loss[4]) && isnan(f.smooth[4]));
    sweep_file_free(&f);
}

static void test_meta(void **state)
{
    (void)state;
    struct sweep_file f;
    struct lrf_error err;
    const char *text = "# lrfind 1 start_lr=1e-07 end_lr=10 iterations=100 multiplier=1.5 smoothing=0.98 "
                       "stop_factor=4 trainer=\"python train.py\" mode=exp future_key=whatever bareword\n"
                       "lr,loss\n1,2\n";
    assert_int_equal(parse(text, &f, &err), 0);
    assert_int_equal(f.iterations, 100);
    assert_true(f.start_lr == 1e-07 && f.end_lr == 10 && f.multiplier == 1.5);
    assert_true(f.smoothing == 0.98 && f.stop_factor == 4);
    assert_string_equal(f.trainer, "python train.py");
    assert_int_equal(f.skip_start, -2); /* absent */
    assert_int_equal(f.skip_end, -2);
    sweep_file_free(&f);
    assert_int_equal(parse("# lrfind 1 skip_start=auto skip_end=0\nlr,loss\n1,2\n", &f, &err), 0);
    assert_int_equal(f.skip_start, -1);
    assert_int_equal(f.skip_end, 0);
    sweep_file_free(&f);
    assert_int_equal(parse("# lrfind 1 skip_start=3 skip_end=7\nlr,loss\n1,2\n", &f, &err), 0);
    assert_int_equal(f.skip_start, 3);
    assert_int_equal(f.skip_end, 7);
    sweep_file_free(&f);

    /* Only on the first line (after a BOM), otherwise a plain comment. */
    assert_int_equal(parse("\xEF\xBB\xBF# lrfind 1 iterations=7 trainer=builtin\nlr,loss\n1,2\n", &f, &err), 0);
    assert_int_equal(f.iterations, 7);
    assert_string_equal(f.trainer, "builtin");
    sweep_file_free(&f);
    assert_int_equal(parse("# hello\n# lrfind 1 iterations=7\nlr,loss\n1,2\n", &f, &err), 0);
    assert_int_equal(f.iterations, -1);
    sweep_file_free(&f);
    assert_int_equal(parse("# lrfind sweep of resnet, iterations=abc\nlr,loss\n1,2\n", &f, &err), 0);
    assert_int_equal(f.iterations, -1);
    sweep_file_free(&f);
    /* A long trainer name is cut, not overflowed. */
    char longmeta[300] = "# lrfind 1 trainer=";
    memset(longmeta + strlen(longmeta), 'x', 200);
    strcat(longmeta, "\nlr,loss\n1,2\n");
    assert_int_equal(parse(longmeta, &f, &err), 0);
    assert_int_equal(strlen(f.trainer), sizeof f.trainer - 1);
    sweep_file_free(&f);
}

struct bad {
    const char *text;
    int line, column;
    const char *msg; /* a part of the message */
};

/* Every bad input names the line and the column of the offending cell. */
static void test_errors(void **state)
{
    (void)state;
    static const struct bad cases[] = {
        { "", 1, 1, "empty file" },
        { "\n\n  \n", 1, 1, "empty file" },
        { "# only a comment\n", 1, 1, "empty file" },
        { "\xEF\xBB\xBF", 1, 1, "empty file" },
        { "lr,loss\n", 1, 1, "no data rows" },
        { "# c\n\nlr,loss\n# c\n\n", 3, 1, "no data rows" },
        { "x,loss\n1,2\n", 1, 1, "no `lr` column" },
        { "lr,y\n1,2\n", 1, 1, "no `loss` column" },
        { "# c\nlr,los\n1,2\n", 2, 1, "no `loss` column" },
        { "1e-3,2.3\n2e-3,2.2\n", 1, 1, "no `lr` column" },
        { "lr,loss, LR\n1,2,3\n", 1, 9, "duplicate column `lr`" },
        { "loss,lr,\"LOSS\"\n", 1, 9, "duplicate column `loss`" },
        { "lr,smooth_loss,loss,smooth_loss\n", 1, 21, "duplicate column `smooth_loss`" },
        { "lr,loss\n1e-3,abc\n", 2, 6, "`abc` is not a number" },
        { "lr,loss\n1e-3x,1\n", 2, 1, "`1e-3x` is not a number" },
        { "lr,loss\n1e-3,1 2\n", 2, 6, "not a number" },
        { "lr,loss,smooth_loss\n1,2,zz\n", 2, 5, "smooth_loss cell `zz`" },
        { "lr,loss\n,1\n", 2, 1, "empty lr cell" },
        { "lr,loss\n0,1\n", 2, 1, "lr must be finite and > 0" },
        { "lr,loss\n-1e-3,1\n", 2, 1, "lr must be finite and > 0" },
        { "loss,lr\n1,nan\n", 2, 3, "lr must be finite and > 0" },
        { "loss,lr\n1, inf\n", 2, 3, "lr must be finite and > 0" },
        { "lr,loss\n1e999,1\n", 2, 1, "lr must be finite and > 0" },
        { "lr,loss\n1e-3,1\n1e-3,2\n", 3, 1, "lr must increase" },
        { "lr,loss\n1e-3,1\n# c\n\n1e-4,2\n", 5, 1, "lr must increase" },
        { "lr,loss\n1e-3\n", 2, 5, "too few cells: 1 (expected 2" },
        { "lr,loss\r\n1\r\n", 2, 2, "too few cells" },
        { "a,lr,loss\n\n1,1e-3\n", 3, 7, "too few cells: 2 (expected 3" },
        { "lr,loss\n1e-3,1,3\n", 2, 8, "too many cells (expected 2" },
        { "lr,loss\n1e-3,1,\n", 2, 8, "too many cells" },
        { "lr,loss\n\"1e-3,1\n", 2, 1, "unterminated quoted cell" },
        { "\"lr\"x,loss\n", 1, 5, "unexpected text after a quoted cell" },
        { "# lrfind 2 iterations=10\nlr,loss\n1,2\n", 1, 10, "made by a newer lrfind" },
        { "\xEF\xBB\xBF# lrfind 12\nlr,loss\n1,2\n", 1, 10, "made by a newer lrfind" },
        { "# lrfind 1 iterations=ten\nlr,loss\n1,2\n", 1, 23, "iterations cell `ten` is not a number" },
        { "# lrfind 1 iterations=2.5\nlr,loss\n1,2\n", 1, 23, "iterations must be a whole number" },
        { "# lrfind 1 iterations=0\nlr,loss\n1,2\n", 1, 23, "iterations must be a whole number" },
        { "# lrfind 1 start_lr=1e-7x\nlr,loss\n1,2\n", 1, 21, "start_lr cell `1e-7x`" },
        { "# lrfind 1 skip_end=-1\nlr,loss\n1,2\n", 1, 21, "skip_end must be a whole number >= 0" },
        { "# lrfind 1 skip_start=many\nlr,loss\n1,2\n", 1, 23, "skip_start cell `many` is not a number" },
        { "\xEF\xBB\xBFlr,LR\n", 1, 4, "duplicate column" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct sweep_file f;
        struct lrf_error err;
        int rc = parse(cases[i].text, &f, &err);
        if (rc != -1 || err.line != cases[i].line || err.column != cases[i].column ||
            strstr(err.msg, cases[i].msg) == NULL || strcmp(err.file, "t.csv") != 0) {
            char buf[1024];
            print_error("case %zu: rc %d, got \"%s\", want %d:%d: ...%s...\n", i, rc,
                        lrf_error_format(&err, buf, sizeof buf), cases[i].line, cases[i].column, cases[i].msg);
            fail();
        }
        /* The result is left empty and freeable. */
        assert_null(f.lr);
        assert_int_equal(f.n, 0);
        sweep_file_free(&f);
    }
}

/* A cell too long to be a number is an error, not an overflow. */
static void test_long_cell(void **state)
{
    (void)state;
    size_t n = 5000;
    char *text = malloc(n + 32);
    assert_non_null(text);
    strcpy(text, "lr,loss\n1,");
    size_t k = strlen(text);
    memset(text + k, '1', n);
    strcpy(text + k + n, "\n");
    struct sweep_file f;
    struct lrf_error err;
    assert_int_equal(parse(text, &f, &err), -1);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 3);
    assert_non_null(strstr(err.msg, "not a number"));
    free(text);
}

/* The buffer need not end with a NUL or a newline: the reader stays inside len bytes. */
static void test_unterminated_buffer(void **state)
{
    (void)state;
    const char *text = "lr,loss\n1,2\n2,3.5e10";
    size_t len = strlen(text);
    char *copy = malloc(len);
    assert_non_null(copy);
    memcpy(copy, text, len);
    struct sweep_file f;
    struct lrf_error err;
    assert_int_equal(csv_read_buffer("x", copy, len, &f, &err), 0);
    assert_int_equal(f.n, 2);
    assert_true(f.loss[1] == 3.5e10);
    sweep_file_free(&f);
    /* Cut inside the number: "3.5e" is not a number. */
    assert_int_equal(csv_read_buffer("x", copy, len - 2, &f, &err), -1);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 3);
    free(copy);
}

static char *data_path(const char *name)
{
    const char *top = getenv("top_srcdir");
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/tests/data/csv/%s", top != NULL ? top : ".", name);
    return buf;
}

static void test_files(void **state)
{
    (void)state;
    struct sweep_file f;
    struct lrf_error err;
    /* A pandas frame with its index column, a BOM, CRLF, NaN and inf. */
    assert_int_equal(csv_read_file(data_path("pandas.csv"), &f, &err), 0);
    assert_int_equal(f.n, 4);
    assert_null(f.smooth);
    assert_true(f.lr[0] == 1e-07 && f.loss[1] == 2.3021 && isnan(f.loss[2]) && isinf(f.loss[3]));
    sweep_file_free(&f);

    assert_int_equal(csv_read_file(data_path("lrfind.csv"), &f, &err), 0);
    assert_int_equal(f.n, 3);
    assert_int_equal(f.iterations, 100);
    assert_true(f.end_lr == 10 && f.smoothing == 0.98 && f.stop_factor == 4 && isnan(f.multiplier));
    assert_string_equal(f.trainer, "builtin");
    assert_true(f.smooth[2] == 2.3011);
    sweep_file_free(&f);

    char *path = data_path("ragged.csv");
    assert_int_equal(csv_read_file(path, &f, &err), -1);
    assert_string_equal(err.file, path);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 11);

    lrf_error_clear(&err);
    assert_int_equal(csv_read_file("/nonexistent/dir/x.csv", &f, &err), -1);
    assert_string_equal(err.file, "/nonexistent/dir/x.csv");
    assert_non_null(strstr(err.msg, strerror(ENOENT)));
    sweep_file_free(&f);
}

/* "-" reads stdin. */
static void test_stdin(void **state)
{
    (void)state;
    assert_non_null(freopen(data_path("lrfind.csv"), "r", stdin));
    struct sweep_file f;
    struct lrf_error err;
    assert_int_equal(csv_read_file("-", &f, &err), 0);
    assert_int_equal(f.n, 3);
    assert_int_equal(f.iterations, 100);
    sweep_file_free(&f);

    assert_non_null(freopen(data_path("ragged.csv"), "r", stdin));
    assert_int_equal(csv_read_file("-", &f, &err), -1);
    assert_string_equal(err.file, "<stdin>");
    assert_int_equal(err.line, 3);
}

/* xorshift64*, so the test is the same on every run. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

/* A double from random bits: any finite value, NaN and infinities included. */
static double rng_double(uint64_t *s)
{
    uint64_t u = rng_next(s);
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* Write a sweep with owned arrays of n points. */
static void make_sweep(struct sweep *sw, size_t n)
{
    memset(sw, 0, sizeof *sw);
    sw->lr = calloc(n, sizeof(double));
    sw->loss = calloc(n, sizeof(double));
    sw->smooth = calloc(n, sizeof(double));
    assert_true(sw->lr && sw->loss && sw->smooth);
    sw->len = sw->cap = n;
}

static void free_sweep(struct sweep *sw)
{
    free(sw->lr);
    free(sw->loss);
    free(sw->smooth);
}

static bool same_bits(double a, double b)
{
    if (isnan(a) && isnan(b))
        return true;
    return memcmp(&a, &b, sizeof a) == 0;
}

/* The reader's numbers are exactly strtod's: shortest and long forms of random doubles, random
 * digit strings, signs, exponents, and decimal ties that need round-half-even. */
static void check_numbers(size_t n)
{
    static const char *fixed[] = {
        "9007199254740993", "9007199254740995", "-9007199254740993", "1e23", "8.988465674311579e+307",
        "4.9406564584124654e-324", "2.2250738585072011e-308", "0", "-0", "+0.0", "0.1", ".5", "5.",
        "1E5", "1e+027", "1e-27", "1e-28", "1e28", "12345678901234567890", "1234567890123456789",
        "0.000000000000000000000000001234", "18446744073709551615", "9999999999999999999e-27",
        "0x1p-3", "1e", "1e+", "-", ".", "+.e1", "1.2.3", "1e5.5", "--1", "1_000",
    };
    size_t nfixed = sizeof fixed / sizeof fixed[0];
    char *text = malloc(n * 48 + 64), *p = text;
    char(*cells)[40] = malloc(n * sizeof *cells);
    if (text == NULL || cells == NULL)
        abort();
    uint64_t seed = 12345;
    p += sprintf(p, "lr,loss\n");
    size_t rows = 0;
    for (size_t i = 0; i < n; i++) {
        char *c = cells[i];
        uint64_t r = rng_next(&seed);
        if (i < nfixed) {
            snprintf(c, 40, "%s", fixed[i]);
        } else if (r % 3 == 0) {
            /* A random digit string with a point and an exponent somewhere. */
            int nd = 1 + (int)(rng_next(&seed) % 21), dot = (int)(rng_next(&seed) % (unsigned)(nd + 2));
            char *q = c;
            if (rng_next(&seed) & 1)
                *q++ = '-';
            for (int k = 0; k < nd; k++) {
                if (k == dot)
                    *q++ = '.';
                *q++ = (char)('0' + rng_next(&seed) % 10);
            }
            int ex = (int)(rng_next(&seed) % 71) - 35;
            if (rng_next(&seed) & 1)
                sprintf(q, "e%d", ex);
            else
                *q = '\0';
        } else {
            /* A random double around the usual magnitudes, in %.Ng for N = 1..17. */
            double x = (double)(rng_next(&seed) >> 11) * 0x1p-53;
            x = ldexp(0.5 + x, (int)(rng_next(&seed) % 160) - 80);
            snprintf(c, 40, "%.*g", 1 + (int)(r % 17), x);
        }
        char *end;
        (void)strtod(c, &end);
        if (*end != '\0' || c[0] == '\0')
            continue; /* not a number as a whole: the reader must refuse it */
        p += sprintf(p, "%zu,%s\n", rows + 1, c);
        if (rows != i)
            memmove(cells[rows], c, 40);
        rows++;
    }
    struct sweep_file f;
    struct lrf_error err;
    assert_int_equal(csv_read_buffer("n", text, (size_t)(p - text), &f, &err), 0);
    assert_int_equal(f.n, rows);
    for (size_t i = 0; i < rows; i++) {
        double want = strtod(cells[i], NULL);
        if (!same_bits(f.loss[i], want)) {
            print_error("`%s`: read %.17g, strtod %.17g\n", cells[i], f.loss[i], want);
            fail();
        }
    }
    sweep_file_free(&f);
    /* The cells strtod refuses are refused. */
    for (size_t i = 0; i < nfixed; i++) {
        char *end;
        (void)strtod(fixed[i], &end);
        if (*end == '\0')
            continue;
        char row[64];
        snprintf(row, sizeof row, "lr,loss\n1,%s\n", fixed[i]);
        assert_int_equal(parse(row, &f, &err), -1);
        assert_non_null(strstr(err.msg, "not a number"));
    }
    free(text);
    free(cells);
}

static void test_numbers_match_strtod(void **state)
{
    (void)state;
    check_numbers(100000);
}

/* With the x87 unit lowered to double precision the fast path must step aside. */
static void test_numbers_low_precision(void **state)
{
    (void)state;
#if defined(__x86_64__) && defined(__GLIBC__)
    fpu_control_t saved, cw;
    _FPU_GETCW(saved);
    cw = (fpu_control_t)((saved & ~_FPU_EXTENDED) | _FPU_DOUBLE);
    _FPU_SETCW(cw);
    check_numbers(20000);
    _FPU_SETCW(saved);
#else
    skip();
#endif
}

/* Random doubles written and read back are bit-identical (NaN stays NaN). */
static void test_round_trip(void **state)
{
    (void)state;
    uint64_t seed = 0x9E3779B97F4A7C15ULL;
    size_t n = 20000;
    struct sweep sw;
    make_sweep(&sw, n);
    double lr = 1e-300;
    for (size_t i = 0; i < n; i++) {
        /* Increasing positive rates with random low bits. */
        lr = nextafter(lr, HUGE_VAL) * (1.0 + (double)(rng_next(&seed) >> 11) * 0x1p-53 * 0.06);
        sw.lr[i] = lr;
        sw.loss[i] = rng_double(&seed);
        sw.smooth[i] = rng_double(&seed);
    }
    sw.loss[0] = (double)NAN;
    sw.loss[1] = -(double)NAN;
    sw.loss[2] = HUGE_VAL;
    sw.loss[3] = -HUGE_VAL;
    sw.smooth[4] = -0.0;
    sw.smooth[5] = 4.9406564584124654e-324; /* smallest subnormal */
    sw.smooth[6] = 1.7976931348623157e308;
    assert_true(isfinite(sw.lr[n - 1]));

    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_non_null(fp);
    assert_int_equal(csv_write(fp, &sw, "start_lr=1e-300 iterations=20000 trainer=builtin"), 0);
    fclose(fp);
    const char *head = "# lrfind 1 start_lr=1e-300 iterations=20000 trainer=builtin\niter,lr,loss,smooth_loss\n0,";
    assert_int_equal(strncmp(buf, head, strlen(head)), 0);
    assert_null(strstr(buf, "-nan"));

    struct sweep_file f;
    struct lrf_error err;
    assert_int_equal(csv_read_buffer("rt", buf, len, &f, &err), 0);
    assert_int_equal(f.n, n);
    assert_int_equal(f.iterations, 20000);
    assert_true(f.start_lr == 1e-300);
    for (size_t i = 0; i < n; i++) {
        assert_true(same_bits(f.lr[i], sw.lr[i]));
        assert_true(same_bits(f.loss[i], sw.loss[i]));
        assert_true(same_bits(f.smooth[i], sw.smooth[i]));
    }
    assert_true(signbit(f.smooth[4]));
    assert_true(isinf(f.loss[3]) && f.loss[3] < 0);
    sweep_file_free(&f);
    free(buf);
    free_sweep(&sw);
}

/* The exact text of a small file; NULL meta gives no comment line; a newline in meta is flattened. */
static void test_write_format(void **state)
{
    (void)state;
    struct sweep sw;
    make_sweep(&sw, 3);
    double lr[3] = { 1e-07, 0.1, 10 }, loss[3] = { 2.302585092994046, (double)NAN, HUGE_VAL }, sm[3] = { 0.1, -HUGE_VAL, 3 };
    memcpy(sw.lr, lr, sizeof lr);
    memcpy(sw.loss, loss, sizeof loss);
    memcpy(sw.smooth, sm, sizeof sm);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_int_equal(csv_write(fp, &sw, NULL), 0);
    fclose(fp);
    assert_string_equal(buf, "iter,lr,loss,smooth_loss\n"
                             "0,9.9999999999999995e-08,2.3025850929940459,0.10000000000000001\n"
                             "1,0.10000000000000001,nan,-inf\n"
                             "2,10,inf,3\n");
    free(buf);

    fp = open_memstream(&buf, &len);
    sw.len = 0;
    assert_int_equal(csv_write(fp, &sw, "a=1\nb=2"), 0);
    fclose(fp);
    assert_string_equal(buf, "# lrfind 1 a=1 b=2\niter,lr,loss,smooth_loss\n");
    free(buf);
    free_sweep(&sw);
}

/* csv_save writes through a temporary file and leaves only the destination. */
static void test_save(void **state)
{
    (void)state;
    char dir[] = "/tmp/lrfind_csv_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/out.csv", dir);

    struct sweep sw;
    make_sweep(&sw, 2);
    sw.lr[0] = 1e-3, sw.lr[1] = 2e-3;
    sw.loss[0] = 1, sw.loss[1] = 0.5;
    sw.smooth[0] = 1, sw.smooth[1] = 0.75;
    struct lrf_error err;
    FILE *old = fopen(path, "w");
    assert_non_null(old);
    fputs("old contents\n", old);
    fclose(old);
    assert_int_equal(csv_save(path, &sw, "iterations=2", &err), 0);
    struct sweep_file f;
    assert_int_equal(csv_read_file(path, &f, &err), 0);
    assert_int_equal(f.n, 2);
    assert_int_equal(f.iterations, 2);
    assert_true(f.smooth[1] == 0.75);
    sweep_file_free(&f);

    char bad[300];
    snprintf(bad, sizeof bad, "%s/missing/out.csv", dir);
    lrf_error_clear(&err);
    assert_int_equal(csv_save(bad, &sw, NULL, &err), -1);
    assert_string_equal(err.file, bad);

    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0); /* fails if a temporary file was left behind */
    free_sweep(&sw);
}

/* A program that set a locale with a decimal comma still reads and writes points. */
static void test_locale(void **state)
{
    (void)state;
    const char *names[] = { "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "ru_RU.UTF-8" };
    const char *got = NULL;
    for (size_t i = 0; i < 4 && got == NULL; i++)
        got = setlocale(LC_NUMERIC, names[i]);
    if (got == NULL)
        skip();
    struct sweep_file f;
    struct lrf_error err;
    assert_int_equal(parse("lr,loss\n0.5,1.25\n", &f, &err), 0);
    assert_true(f.lr[0] == 0.5 && f.loss[0] == 1.25);
    sweep_file_free(&f);
    struct sweep sw;
    make_sweep(&sw, 1);
    sw.lr[0] = 0.5, sw.loss[0] = 1.25, sw.smooth[0] = 1.5;
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_int_equal(csv_write(fp, &sw, NULL), 0);
    fclose(fp);
    assert_string_equal(buf, "iter,lr,loss,smooth_loss\n0,0.5,1.25,1.5\n");
    free(buf);
    free_sweep(&sw);
    setlocale(LC_NUMERIC, "C");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_columns_any_order),
        cmocka_unit_test(test_comments_blank_crlf_bom),
        cmocka_unit_test(test_nonfinite_losses),
        cmocka_unit_test(test_meta),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_long_cell),
        cmocka_unit_test(test_unterminated_buffer),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_numbers_match_strtod),
        cmocka_unit_test(test_numbers_low_precision),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_write_format),
        cmocka_unit_test(test_save),
        cmocka_unit_test(test_locale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
