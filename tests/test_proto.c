/* test_proto.c: the trainer protocol's line parser, formatters and line splitter. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "lrfind/proto.h"

static struct proto_msg msg;
static struct lrf_error err;

/* Parse a C string; returns proto_parse's result. */
static int parse(const char *s)
{
    lrf_error_clear(&err);
    return proto_parse(s, strlen(s), &msg, &err);
}

/* Expect a parse error whose message contains `part` at the given column (0: any). */
static void expect_bad(const char *line, const char *part, int column)
{
    if (parse(line) == 0)
        fail_msg("'%s' parsed, expected an error containing '%s'", line, part);
    if (strstr(err.msg, part) == NULL)
        fail_msg("'%s': message '%s' lacks '%s'", line, err.msg, part);
    if (column > 0 && err.column != column)
        fail_msg("'%s': column %d, expected %d (%s)", line, err.column, column, err.msg);
}

static void test_hello(void **state)
{
    (void)state;
    assert_int_equal(parse("hello 1"), 0);
    assert_int_equal(msg.kind, PROTO_HELLO);
    assert_int_equal(msg.version, 1);
    assert_string_equal(msg.name, "");
    assert_int_equal(parse("hello 1 name=resnet18 params=11689512 batch=256"), 0);
    assert_string_equal(msg.name, "resnet18");
    assert_string_equal(msg.params, "11689512");
    assert_string_equal(msg.batch, "256");
    /* blanks, '\r', unknown keys, a repeated key (the last wins), '=' inside a value */
    assert_int_equal(parse("hello  1\tname=a  future=x name=b=c \r"), 0);
    assert_string_equal(msg.name, "b=c");
    assert_int_equal(parse("hello 2 name=next"), 0); /* the parser reads any version */
    assert_int_equal(msg.version, 2);
    assert_int_equal(parse("hello 007"), 0);
    assert_int_equal(msg.version, 7);
    /* control bytes in values become '?' */
    assert_int_equal(parse("hello 1 name=a\x01"
                           "b\x7f"),
                     0);
    assert_string_equal(msg.name, "a?b?");
    /* a long name is cut to the field, never inside a UTF-8 sequence */
    char line[400];
    strcpy(line, "hello 1 name=");
    for (int i = 0; i < 100; i++)
        strcat(line, "\xc3\xa9"); /* é */
    assert_int_equal(parse(line), 0);
    assert_int_equal(strlen(msg.name), 126);
    assert_memory_equal(msg.name + 124, "\xc3\xa9", 2);
    strcpy(line, "hello 1 name=x");
    for (int i = 0; i < 100; i++)
        strcat(line, "\xc3\xa9");
    assert_int_equal(parse(line), 0);
    assert_int_equal(strlen(msg.name), 127); /* "x" + 63 é: the cut falls between characters */

    expect_bad("hello", "without a protocol version", 6);
    expect_bad("hello   ", "without a protocol version", 0);
    expect_bad("hello one", "bad protocol version 'one'", 7);
    expect_bad("hello 1.0", "bad protocol version", 7);
    expect_bad("hello -1", "bad protocol version", 7);
    expect_bad("hello 0", "bad protocol version 0", 7);
    expect_bad("hello 1234567890", "bad protocol version", 7);
    expect_bad("hello 1 name", "bad hello field 'name' (expected key=value)", 9);
    expect_bad("hello 1 =x", "bad hello field", 9);
}

static void test_loss_numbers(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        double value;
    } good[] = {
        {"0.5", 0.5},
        {"1e-07", 1e-7},
        {"2.302585092994046", 2.302585092994046},
        {"+3", 3},
        {"-2", -2},
        {".5", 0.5},
        {"5.", 5},
        {"1E3", 1000},
        {"1e+3", 1000},
        {"0", 0},
        {"1e-400", 0},
        {"4.9406564584124654e-324", 4.9406564584124654e-324},
        {"inf", HUGE_VAL},
        {"-inf", -HUGE_VAL},
        {"+Infinity", HUGE_VAL},
        {"INF", HUGE_VAL},
        {"1e999", HUGE_VAL},
        {"-1e999", -HUGE_VAL},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char line[64];
        snprintf(line, sizeof line, "loss %s", good[i].text);
        if (parse(line) != 0)
            fail_msg("'%s': %s", line, err.msg);
        assert_int_equal(msg.kind, PROTO_LOSS);
        if (!(msg.value == good[i].value))
            fail_msg("'%s' gave %.17g", line, msg.value);
    }
    assert_int_equal(parse("loss nan"), 0);
    assert_true(isnan(msg.value));
    assert_int_equal(parse("loss NaN"), 0);
    assert_true(isnan(msg.value));
    assert_int_equal(parse("loss -nan"), 0);
    assert_true(isnan(msg.value));
    assert_int_equal(parse("  loss   0.25  \r"), 0);
    assert_true(msg.value == 0.25);

    expect_bad("loss", "'loss' without a number", 5);
    expect_bad("loss ", "'loss' without a number", 0);
    expect_bad("loss abc", "bad number 'abc' after 'loss'", 6);
    expect_bad("loss 0x10", "bad number", 6);
    expect_bad("loss 1e", "bad number", 6);
    expect_bad("loss 1e+", "bad number", 6);
    expect_bad("loss .", "bad number", 6);
    expect_bad("loss -", "bad number", 6);
    expect_bad("loss 1,5", "bad number", 6);
    expect_bad("loss nan(1)", "bad number", 6);
    expect_bad("loss infinit", "bad number", 6);
    expect_bad("loss 1..2", "bad number", 6);
    expect_bad("loss --1", "bad number", 6);
    expect_bad("loss 1 2", "extra text after 'loss <value>'", 8);
    /* a long bad token is quoted shortened */
    char line[200] = "loss ";
    memset(line + 5, 'z', 100);
    line[105] = '\0';
    expect_bad(line, "zzz...'", 6);
}

static void test_other_kinds(void **state)
{
    (void)state;
    assert_int_equal(parse("ok"), 0);
    assert_int_equal(msg.kind, PROTO_OK);
    assert_int_equal(parse("ok \r"), 0);
    assert_int_equal(parse("reset"), 0);
    assert_int_equal(msg.kind, PROTO_RESET);
    assert_int_equal(parse("quit"), 0);
    assert_int_equal(msg.kind, PROTO_QUIT);
    assert_int_equal(parse("step 9.9999999999999995e-08"), 0);
    assert_int_equal(msg.kind, PROTO_STEP);
    assert_true(msg.value == 1e-7);
    expect_bad("ok then", "'ok' takes no arguments", 4);
    expect_bad("reset 1", "'reset' takes no arguments", 7);
    expect_bad("quit now", "'quit' takes no arguments", 6);
    expect_bad("step", "'step' without a number", 5);

    assert_int_equal(parse("error CUDA out of memory"), 0);
    assert_int_equal(msg.kind, PROTO_ERROR);
    assert_string_equal(msg.text, "CUDA out of memory");
    assert_int_equal(parse("error   spaced  out  \r"), 0);
    assert_string_equal(msg.text, "spaced  out");
    assert_int_equal(parse("error"), 0);
    assert_string_equal(msg.text, "(no message)");
    assert_int_equal(parse("error \x1b[31mred\x07"), 0);
    assert_string_equal(msg.text, "?[31mred?");
    assert_int_equal(parse("error caf\xc3\xa9"), 0);
    assert_string_equal(msg.text, "caf\xc3\xa9");

    expect_bad("", "empty line", 1);
    expect_bad("   \t ", "empty line", 1);
    expect_bad("\r", "empty line", 1);
    expect_bad("lss 0.5", "unknown message 'lss' (expected hello, loss, ok or error)", 1);
    expect_bad("LOSS 0.5", "unknown message 'LOSS'", 1);
    expect_bad("  okay", "unknown message 'okay'", 3);
    expect_bad("\x01\x02",
               "unknown message '?"
               "?'",
               1);
}

static void test_nul_and_length(void **state)
{
    (void)state;
    lrf_error_clear(&err);
    assert_int_equal(proto_parse("loss 1\0"
                                 "5",
                                 8, &msg, &err),
                     -1);
    assert_non_null(strstr(err.msg, "NUL byte"));
    assert_int_equal(err.column, 7);

    char *line = malloc(PROTO_MAX_LINE + 10);
    assert_non_null(line);
    memcpy(line, "error ", 6);
    memset(line + 6, 'm', PROTO_MAX_LINE - 6);
    lrf_error_clear(&err);
    assert_int_equal(proto_parse(line, PROTO_MAX_LINE, &msg, &err), 0); /* exactly the limit */
    assert_int_equal(strlen(msg.text), PROTO_MAX_LINE - 6);
    line[PROTO_MAX_LINE] = '\r';
    assert_int_equal(proto_parse(line, PROTO_MAX_LINE + 1, &msg, &err), 0); /* plus '\r' */
    line[PROTO_MAX_LINE] = 'm';
    assert_int_equal(proto_parse(line, PROTO_MAX_LINE + 1, &msg, &err), -1);
    assert_non_null(strstr(err.msg, "line of 4097 bytes is over the limit of 4096 bytes"));
    free(line);
    /* no error record: still returns -1 */
    assert_int_equal(proto_parse("bogus", 5, &msg, NULL), -1);
}

static void test_format(void **state)
{
    (void)state;
    char buf[PROTO_MAX_LINE + 16];
    assert_int_equal(proto_format_step(buf, sizeof buf, 1e-7),
                     (int)strlen("step 9.9999999999999995e-08\n"));
    assert_string_equal(buf, "step 9.9999999999999995e-08\n");
    assert_int_equal(proto_format_step(buf, 8, 1e-7), -1);
    assert_int_equal(proto_format_loss(buf, sizeof buf, (double)NAN), 9);
    assert_string_equal(buf, "loss nan\n");
    proto_format_loss(buf, sizeof buf, -(double)NAN);
    assert_string_equal(buf, "loss nan\n");
    proto_format_loss(buf, sizeof buf, HUGE_VAL);
    assert_string_equal(buf, "loss inf\n");
    proto_format_loss(buf, sizeof buf, -HUGE_VAL);
    assert_string_equal(buf, "loss -inf\n");
    proto_format_loss(buf, sizeof buf, 0.5);
    assert_string_equal(buf, "loss 0.5\n");
    assert_int_equal(proto_format_loss(buf, 4, 0.5), -1);

    /* every formatted number parses back to the same double */
    uint64_t s = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 20000; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        double v;
        uint64_t bits = s;
        memcpy(&v, &bits, sizeof v);
        if (isnan(v))
            continue;
        int n =
            (i & 1) ? proto_format_step(buf, sizeof buf, v) : proto_format_loss(buf, sizeof buf, v);
        assert_true(n > 0 && buf[n - 1] == '\n');
        assert_int_equal(proto_parse(buf, (size_t)n - 1, &msg, &err), 0);
        if (!(msg.value == v))
            fail_msg("%s did not round-trip (%.17g)", buf, msg.value);
    }

    assert_int_equal(proto_format_error(buf, sizeof buf, "line one\nline two\tand\x1b"), 29);
    assert_string_equal(buf, "error line one line two and \n");
    assert_int_equal(proto_format_error(buf, sizeof buf, "what?"), 12);
    assert_string_equal(buf, "error what?\n");
    proto_format_error(buf, sizeof buf, "");
    assert_string_equal(buf, "error (no message)\n");
    char *big = malloc(3 * PROTO_MAX_LINE);
    assert_non_null(big);
    memset(big, 'e', 3 * PROTO_MAX_LINE - 1);
    big[3 * PROTO_MAX_LINE - 1] = '\0';
    int n = proto_format_error(buf, sizeof buf, big);
    assert_int_equal(n, PROTO_MAX_LINE + 1); /* the line is exactly the limit, plus '\n' */
    assert_int_equal(proto_parse(buf, (size_t)n - 1, &msg, &err), 0);
    free(big);

    assert_int_equal(proto_format_hello(buf, sizeof buf, "my model", "123", NULL), 33);
    assert_string_equal(buf, "hello 1 name=my_model params=123\n");
    assert_int_equal(proto_parse(buf, strlen(buf) - 1, &msg, &err), 0);
    assert_string_equal(msg.name, "my_model");
    proto_format_hello(buf, sizeof buf, NULL, "", "64");
    assert_string_equal(buf, "hello 1 batch=64\n");
    proto_format_hello(buf, sizeof buf, NULL, NULL, NULL);
    assert_string_equal(buf, "hello 1\n");
    assert_int_equal(proto_format_hello(buf, 12, "long name", NULL, NULL), -1);
    assert_int_equal(proto_format_hello(buf, 8, NULL, NULL, NULL), -1);
    assert_int_equal(proto_format_hello(buf, 9, NULL, NULL, NULL), 8);

    assert_string_equal(proto_kind_name(PROTO_HELLO), "hello");
    assert_string_equal(proto_kind_name(PROTO_QUIT), "quit");
    assert_string_equal(proto_kind_name((enum proto_kind)99), "?");
}

/* Numbers stay in the C locale whatever LC_NUMERIC says. */
static void test_locale(void **state)
{
    (void)state;
    const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "ru_RU.UTF-8"};
    const char *got = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && got == NULL; i++)
        got = setlocale(LC_NUMERIC, names[i]);
    if (got == NULL || localeconv()->decimal_point[0] == '.') {
        setlocale(LC_NUMERIC, "C");
        skip();
    }
    char buf[64];
    proto_format_step(buf, sizeof buf, 1.5);
    assert_string_equal(buf, "step 1.5\n");
    assert_int_equal(parse("loss 0.25"), 0);
    assert_true(msg.value == 0.25);
    setlocale(LC_NUMERIC, "C");
}

/* Take every complete line from pl, concatenated with '|'. */
static int take_lines(struct proto_lines *pl, char *out, size_t size)
{
    const char *line;
    size_t len;
    int r;
    while ((r = proto_lines_next(pl, &line, &len)) == 1) {
        size_t o = strlen(out);
        snprintf(out + o, size - o, "%.*s|", (int)len, line);
    }
    return r;
}

static void test_lines(void **state)
{
    (void)state;
    static struct proto_lines pl;
    char out[256] = "";
    proto_lines_init(&pl);
    assert_int_equal(take_lines(&pl, out, sizeof out), 0);
    const char *stream = "hello 1\nloss 0.5\r\nok\nlo";
    /* byte by byte */
    for (const char *p = stream; *p; p++) {
        assert_int_equal(proto_lines_feed(&pl, p, 1), 1);
        assert_int_equal(take_lines(&pl, out, sizeof out), 0);
    }
    assert_string_equal(out, "hello 1|loss 0.5\r|ok|");
    assert_int_equal(proto_lines_pending(&pl), 2);
    proto_lines_feed(&pl, "ss 1\n\nok\n", 9);
    out[0] = '\0';
    assert_int_equal(take_lines(&pl, out, sizeof out), 0);
    assert_string_equal(out, "loss 1||ok|");
    assert_int_equal(proto_lines_pending(&pl), 0);

    /* a line of exactly the limit (plus '\r') passes; one byte more is over-long */
    char *big = malloc(PROTO_MAX_LINE + 8);
    assert_non_null(big);
    memset(big, 'a', PROTO_MAX_LINE + 8);
    proto_lines_init(&pl);
    assert_int_equal(proto_lines_feed(&pl, big, PROTO_MAX_LINE), PROTO_MAX_LINE);
    assert_int_equal(proto_lines_feed(&pl, "\r", 1), 1);
    const char *line;
    size_t len;
    assert_int_equal(proto_lines_next(&pl, &line, &len), 0);
    assert_int_equal(proto_lines_feed(&pl, "\nx", 2), 1); /* full: the 'x' must wait */
    assert_int_equal(proto_lines_next(&pl, &line, &len), 1);
    assert_int_equal(len, PROTO_MAX_LINE + 1);
    assert_int_equal(proto_parse(line, len, &msg, &err),
                     -1); /* 'aaa...' is unknown, not too long */
    assert_null(strstr(err.msg, "over the limit"));
    assert_int_equal(proto_lines_next(&pl, &line, &len), 0);

    proto_lines_init(&pl);
    proto_lines_feed(&pl, big, PROTO_MAX_LINE);
    assert_int_equal(proto_lines_next(&pl, &line, &len), 0);
    proto_lines_feed(&pl, "b", 1); /* 4097 bytes and no '\r': cannot end in time */
    assert_int_equal(proto_lines_next(&pl, &line, &len), -1);
    assert_int_equal(proto_lines_next(&pl, &line, &len), -1); /* sticky */

    proto_lines_init(&pl);
    assert_int_equal(proto_lines_feed(&pl, big, PROTO_MAX_LINE + 8), PROTO_MAX_LINE + 2); /* full */
    size_t avail;
    proto_lines_space(&pl, &avail);
    assert_int_equal(avail, 0);
    assert_int_equal(proto_lines_next(&pl, &line, &len), -1);

    /* space/commit: reading straight into the buffer, with compaction after a taken line */
    proto_lines_init(&pl);
    char *dst = proto_lines_space(&pl, &avail);
    assert_int_equal(avail, PROTO_MAX_LINE + 2);
    memcpy(dst, "ok\nlos", 6);
    proto_lines_commit(&pl, 6);
    assert_int_equal(proto_lines_next(&pl, &line, &len), 1);
    assert_int_equal(len, 2);
    dst = proto_lines_space(&pl, &avail);
    assert_int_equal(avail, PROTO_MAX_LINE + 2 - 3);
    memcpy(dst, "s 2\n", 4);
    proto_lines_commit(&pl, 4);
    assert_int_equal(proto_lines_next(&pl, &line, &len), 1);
    assert_memory_equal(line, "loss 2", 6);
    proto_lines_space(&pl, &avail);
    assert_int_equal(avail, PROTO_MAX_LINE + 2);
    proto_lines_commit(&pl, 1u << 20); /* clamped, never past the buffer */
    assert_int_equal(proto_lines_pending(&pl), PROTO_MAX_LINE + 2);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hello),       cmocka_unit_test(test_loss_numbers),
        cmocka_unit_test(test_other_kinds), cmocka_unit_test(test_nul_and_length),
        cmocka_unit_test(test_format),      cmocka_unit_test(test_locale),
        cmocka_unit_test(test_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
