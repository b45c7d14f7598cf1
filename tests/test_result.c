/* test_result.c: results as text, JSON (checked by a strict validator below) and YAML (loaded
 * back with libyaml). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "test_util.h"
#include "lrfind/config.h"
#include "lrfind/result.h"

/* ---- a strict JSON validator (RFC 8259), so the tests need no Python ---- */

static void jv_ws(const char **p)
{
    while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
        (*p)++;
}

static bool jv_value(const char **p, int depth);

static bool jv_string(const char **pp)
{
    const unsigned char *p = (const unsigned char *)*pp;
    if (*p++ != '"')
        return false;
    for (;;) {
        unsigned c = *p;
        if (c == '"')
            break;
        if (c < 0x20)
            return false; /* raw control characters (and the end of the text) */
        if (c == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", p[i]) || p[i] == 0)
                        return false;
                p += 5;
            } else if (*p && strchr("\"\\/bfnrt", *p)) {
                p++;
            } else {
                return false;
            }
            continue;
        }
        /* UTF-8: a lead byte and the right number of continuation bytes, no overlongs. */
        int n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (n == 0)
            return false;
        for (int i = 1; i < n; i++)
            if ((p[i] & 0xC0) != 0x80)
                return false;
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0) || (c == 0xF0 && p[1] < 0x90) ||
            (c == 0xF4 && p[1] >= 0x90))
            return false;
        p += n;
    }
    *pp = (const char *)p + 1;
    return true;
}

static bool jv_number(const char **pp)
{
    const char *p = *pp;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return false;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    *pp = p;
    return true;
}

static bool jv_value(const char **p, int depth)
{
    if (depth > 64)
        return false;
    jv_ws(p);
    if (**p == '{' || **p == '[') {
        char close = **p == '{' ? '}' : ']';
        bool obj = close == '}';
        (*p)++;
        jv_ws(p);
        if (**p == close) {
            (*p)++;
            return true;
        }
        for (;;) {
            if (obj) {
                jv_ws(p);
                if (!jv_string(p))
                    return false;
                jv_ws(p);
                if (*(*p)++ != ':')
                    return false;
            }
            if (!jv_value(p, depth + 1))
                return false;
            jv_ws(p);
            if (**p == close) {
                (*p)++;
                return true;
            }
            if (*(*p)++ != ',')
                return false;
        }
    }
    if (**p == '"')
        return jv_string(p);
    static const char *const words[] = { "true", "false", "null" };
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if (strncmp(*p, words[i], n) == 0) {
            *p += n;
            return true;
        }
    }
    return jv_number(p);
}

/* The whole text is one JSON value. */
static bool json_valid(const char *s)
{
    const char *p = s;
    if (!jv_value(&p, 0))
        return false;
    jv_ws(&p);
    return *p == '\0';
}

/* The validator is itself tested: it must be able to say no. */
static void test_validator(void **state)
{
    (void)state;
    static const char *good[] = {
        "{}", "[]", "0", "-0.5e+3", "\"a\\u00e9\\n\"", "{\"a\": [1, 2, {\"b\": null}], \"c\": true}",
        " \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\" ",
    };
    static const char *bad[] = {
        "", "{", "{\"a\" 1}", "{\"a\": 1,}", "[1 2]", "01", "1.", ".5", "nan", "inf", "-", "1e",
        "\"a\nb\"", "\"\\x41\"", "\"\\u12g4\"", "\"\xff\"", "\"\xc0\x80\"", "\"\xed\xa0\x80\"", "{} x",
        "'a'", "{a: 1}", "\"abc",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(json_valid(good[i]));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (json_valid(bad[i])) {
            print_error("accepted bad JSON %s\n", bad[i]);
            fail();
        }
    }
}

/* ---- helpers ---- */

/* What result_print printed, as a string to free. (Not inlined: gcc 12 then takes the returned
 * pointer for the address of the local it came through and warns -Wdangling-pointer.) */
__attribute__((noinline)) static char *print_result(const struct result *r, enum result_format fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_non_null(fp);
    result_print(fp, r, fmt);
    fclose(fp);
    return buf;
}

static char *json_string_of(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_non_null(fp);
    json_write_string(fp, s);
    fclose(fp);
    return buf;
}

/* A result like `lrfind suggest` makes. */
static struct result sample(void)
{
    struct result r;
    memset(&r, 0, sizeof r);
    r.file = "a.csv";
    r.points = 96;
    r.stop = STOP_DIVERGED;
    r.stop_index = 95;
    r.window[0] = 10;
    r.window[1] = 91;
    r.methods = (1u << SUGGEST_VALLEY) | (1u << SUGGEST_SLIDE) | (1u << SUGGEST_STEEP);
    r.sugg[SUGGEST_VALLEY] = (struct suggestion){ true, 6.9e-04, 48 };
    r.sugg[SUGGEST_SLIDE] = (struct suggestion){ false, 0, 0 };
    r.sugg[SUGGEST_MINIMUM] = (struct suggestion){ true, 1e-3, 60 }; /* not in methods */
    r.sugg[SUGGEST_STEEP] = (struct suggestion){ true, 0.1 + 0.2, 3 };
    r.has_pick = true;
    r.pick_lr = 6.9e-04;
    r.pick_source = "valley";
    r.wall_s = 1.5;
    r.steps_per_s = -1;
    return r;
}

/* Load YAML text with libyaml; fails the test when it does not load. */
static void yaml_load(const char *text, yaml_document_t *doc)
{
    yaml_parser_t parser;
    assert_true(yaml_parser_initialize(&parser));
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
    if (!yaml_parser_load(&parser, doc) || yaml_document_get_root_node(doc) == NULL) {
        print_error("libyaml: %s at line %zu\n%s\n", parser.problem ? parser.problem : "empty document",
                    parser.problem_mark.line + 1, text);
        yaml_parser_delete(&parser);
        fail();
    }
    yaml_parser_delete(&parser);
}

/* The node at a dotted path of mapping keys ("suggestions.valley.lr"), or NULL. */
static yaml_node_t *yaml_at(yaml_document_t *doc, const char *path)
{
    yaml_node_t *node = yaml_document_get_root_node(doc);
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *save = NULL, *key = strtok_r(buf, ".", &save); key != NULL; key = strtok_r(NULL, ".", &save)) {
        if (node == NULL || node->type != YAML_MAPPING_NODE)
            return NULL;
        yaml_node_t *next = NULL;
        for (yaml_node_pair_t *pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
            yaml_node_t *k = yaml_document_get_node(doc, pair->key);
            if (k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, key) == 0)
                next = yaml_document_get_node(doc, pair->value);
        }
        node = next;
    }
    return node;
}

/* The scalar at path as a string ("" fails the test when missing). */
static const char *yaml_scalar(yaml_document_t *doc, const char *path)
{
    yaml_node_t *n = yaml_at(doc, path);
    if (n == NULL || n->type != YAML_SCALAR_NODE) {
        print_error("no scalar at %s\n", path);
        fail();
    }
    return (const char *)n->data.scalar.value;
}

static bool same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* ---- tests ---- */

static void test_format_parse(void **state)
{
    (void)state;
    assert_int_equal(result_format_parse("text"), RESULT_TEXT);
    assert_int_equal(result_format_parse("json"), RESULT_JSON);
    assert_int_equal(result_format_parse("yaml"), RESULT_YAML);
    assert_int_equal(result_format_parse("JSON"), -1);
    assert_int_equal(result_format_parse(""), -1);
    assert_int_equal(result_format_parse("yml"), -1);
}

static void test_json_string(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "", "\"\"" },
        { "a.csv", "\"a.csv\"" },
        { "say \"hi\"", "\"say \\\"hi\\\"\"" },
        { "C:\\runs\\a.csv", "\"C:\\\\runs\\\\a.csv\"" },
        { "a\nb\tc\rd\x01\x1f\x7f", "\"a\\u000ab\\u0009c\\u000dd\\u0001\\u001f\\u007f\"" },
        { "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe4\xb8\xad", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe4\xb8\xad\"" },
        { "\xc2\x85\xc2\xa0\xe2\x80\xa8\xef\xbb\xbf", "\"\\u0085\xc2\xa0\\u2028\\ufeff\"" },
        { "bad \xff byte", "\"bad \\ufffd byte\"" },
        { "overlong \xc0\xaf", "\"overlong \\ufffd\\ufffd\"" },
        { "surrogate \xed\xa0\x80", "\"surrogate \\ufffd\\ufffd\\ufffd\"" },
        { "cut \xe2\x82", "\"cut \\ufffd\\ufffd\"" },
        { "too big \xf4\x90\x80\x80", "\"too big \\ufffd\\ufffd\\ufffd\\ufffd\"" },
        { "/slash/", "\"/slash/\"" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = json_string_of(cases[i].in);
        assert_string_equal(got, cases[i].out);
        assert_true(json_valid(got));
        free(got);
    }
    char *got = json_string_of(NULL);
    assert_string_equal(got, "null");
    free(got);
    /* Every byte string gives valid JSON. */
    unsigned char all[256];
    for (int i = 0; i < 255; i++)
        all[i] = (unsigned char)(i + 1);
    all[255] = 0;
    got = json_string_of((const char *)all);
    assert_true(json_valid(got));
    free(got);
}

static void test_json_known(void **state)
{
    (void)state;
    struct result r = sample();
    char *s = print_result(&r, RESULT_JSON);
    assert_string_equal(s, "{\"file\": \"a.csv\", \"points\": 96, \"stop\": {\"reason\": \"diverged\", \"index\": 95}, "
                           "\"window\": [10, 91], \"suggestions\": {\"valley\": {\"lr\": 0.00069, \"index\": 48}, "
                           "\"slide\": null, \"steep\": {\"lr\": 0.30000000000000004, \"index\": 3}}, "
                           "\"pick\": {\"lr\": 0.00069, \"source\": \"valley\"}, \"wall_s\": 1.5}");
    assert_true(json_valid(s));
    free(s);

    /* No file, no pick, no methods, still running, non-finite numbers, timing known. */
    r.file = NULL;
    r.has_pick = false;
    r.methods = 0;
    r.stop = STOP_NONE;
    r.wall_s = 0;
    r.steps_per_s = 250;
    s = print_result(&r, RESULT_JSON);
    assert_string_equal(s, "{\"points\": 96, \"stop\": {\"reason\": \"running\", \"index\": null}, \"window\": [10, 91], "
                           "\"suggestions\": {}, \"pick\": null, \"wall_s\": 0, \"steps_per_s\": 250}");
    assert_true(json_valid(s));
    free(s);

    r = sample();
    r.methods = 1u << SUGGEST_MINIMUM;
    r.sugg[SUGGEST_MINIMUM].lr = HUGE_VAL;
    r.pick_lr = (double)NAN;
    r.pick_source = NULL;
    r.file = "we\"ird\\\n\x01\xff.csv";
    s = print_result(&r, RESULT_JSON);
    assert_true(json_valid(s));
    assert_non_null(strstr(s, "\"suggestions\": {\"minimum\": {\"lr\": null, \"index\": 60}}"));
    assert_non_null(strstr(s, "\"pick\": {\"lr\": null}"));
    assert_non_null(strstr(s, "\"file\": \"we\\\"ird\\\\\\u000a\\u0001\\ufffd.csv\""));
    free(s);
}

/* xorshift64*. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

/* Numbers read back bit-identical from JSON and from YAML, and are short when they can be. */
static void test_number_round_trip(void **state)
{
    (void)state;
    struct result r = sample();
    r.methods = 0;
    r.file = NULL;
    r.pick_source = NULL;
    r.wall_s = -1;
    uint64_t seed = 99;
    for (int i = 0; i < 3000; i++) {
        uint64_t u = rng_next(&seed);
        double x;
        memcpy(&x, &u, sizeof x);
        if (i % 2)
            x = ldexp((double)(u >> 11) * 0x1p-53, (int)(rng_next(&seed) % 100) - 60);
        if (i == 0)
            x = 0.1;
        if (i == 1)
            x = 1e-07;
        if (i == 2)
            x = 10;
        if (i == 3)
            x = -0.0;
        if (!isfinite(x))
            continue;
        r.pick_lr = x;
        char *s = print_result(&r, RESULT_JSON);
        assert_true(json_valid(s));
        const char *num = strstr(s, "\"pick\": {\"lr\": ");
        assert_non_null(num);
        num += strlen("\"pick\": {\"lr\": ");
        char *end;
        double back = strtod(num, &end);
        assert_true(same_bits(back, x));
        assert_true(end - num <= 24);
        if (i == 0)
            assert_memory_equal(num, "0.1}", 4);
        if (i == 1)
            assert_memory_equal(num, "1e-07}", 6);
        free(s);

        s = print_result(&r, RESULT_YAML);
        yaml_document_t doc;
        yaml_load(s, &doc);
        const char *v = yaml_scalar(&doc, "pick.lr");
        /* A float for YAML 1.1 and 1.2 alike: a point in the mantissa. */
        assert_non_null(strchr(v, '.'));
        assert_true(same_bits(strtod(v, NULL), x));
        if (i == 1)
            assert_string_equal(v, "1.0e-07");
        if (i == 2)
            assert_string_equal(v, "10.0");
        yaml_document_delete(&doc);
        free(s);
    }
}

static void test_yaml(void **state)
{
    (void)state;
    struct result r = sample();
    const char *name = "we\"ird\\ 'name': #x\n\t\x01 caf\xc3\xa9 \xf0\x9f\x98\x80 \xc2\x85 - [a]";
    r.file = name;
    r.steps_per_s = 64.5;
    char *s = print_result(&r, RESULT_YAML);
    yaml_document_t doc;
    yaml_load(s, &doc);
    assert_string_equal(yaml_scalar(&doc, "file"), name);
    assert_string_equal(yaml_scalar(&doc, "points"), "96");
    assert_string_equal(yaml_scalar(&doc, "stop.reason"), "diverged");
    assert_string_equal(yaml_scalar(&doc, "stop.index"), "95");
    yaml_node_t *w = yaml_at(&doc, "window");
    assert_true(w != NULL && w->type == YAML_SEQUENCE_NODE);
    assert_int_equal(w->data.sequence.items.top - w->data.sequence.items.start, 2);
    assert_string_equal(yaml_scalar(&doc, "suggestions.valley.index"), "48");
    assert_true(strtod(yaml_scalar(&doc, "suggestions.valley.lr"), NULL) == 6.9e-04);
    assert_string_equal(yaml_scalar(&doc, "suggestions.slide"), "null");
    assert_null(yaml_at(&doc, "suggestions.minimum"));
    assert_true(strtod(yaml_scalar(&doc, "suggestions.steep.lr"), NULL) == 0.1 + 0.2);
    assert_string_equal(yaml_scalar(&doc, "pick.source"), "valley");
    assert_string_equal(yaml_scalar(&doc, "wall_s"), "1.5");
    assert_string_equal(yaml_scalar(&doc, "steps_per_s"), "64.5");
    assert_null(yaml_at(&doc, "settings"));
    yaml_document_delete(&doc);
    free(s);

    /* Non-finite numbers, no methods, no file, running. */
    r = sample();
    r.file = NULL;
    r.methods = 0;
    r.stop = STOP_NONE;
    r.pick_lr = -HUGE_VAL;
    r.wall_s = (double)NAN; /* not >= 0: left out */
    s = print_result(&r, RESULT_YAML);
    yaml_load(s, &doc);
    assert_null(yaml_at(&doc, "file"));
    assert_string_equal(yaml_scalar(&doc, "pick.lr"), "-.inf");
    assert_string_equal(yaml_scalar(&doc, "stop.index"), "null");
    yaml_node_t *sg = yaml_at(&doc, "suggestions");
    assert_true(sg != NULL && sg->type == YAML_MAPPING_NODE);
    assert_null(yaml_at(&doc, "wall_s"));
    yaml_document_delete(&doc);
    free(s);

    r.methods = 1u << SUGGEST_VALLEY;
    r.sugg[SUGGEST_VALLEY].lr = (double)NAN;
    r.pick_lr = HUGE_VAL;
    s = print_result(&r, RESULT_YAML);
    yaml_load(s, &doc);
    assert_string_equal(yaml_scalar(&doc, "suggestions.valley.lr"), ".nan");
    assert_string_equal(yaml_scalar(&doc, "pick.lr"), ".inf");
    yaml_document_delete(&doc);
    free(s);

    /* No pick: the key is there, null, so that readers need not test for it. */
    r.has_pick = false;
    s = print_result(&r, RESULT_YAML);
    yaml_load(s, &doc);
    assert_string_equal(yaml_scalar(&doc, "pick"), "null");
    yaml_document_delete(&doc);
    free(s);
}

static void test_text(void **state)
{
    (void)state;
    struct result r = sample();
    char *s = print_result(&r, RESULT_TEXT);
    assert_non_null(strstr(s, "a.csv\n"));
    assert_non_null(strstr(s, "valley    6.9000e-04   48\n"));
    assert_non_null(strstr(s, "slide     none"));
    assert_null(strstr(s, "minimum"));
    assert_non_null(strstr(s, "steep     3.0000e-01   3\n"));
    assert_non_null(strstr(s, "pick      6.9000e-04   valley"));
    assert_non_null(strstr(s, "96 points, stop: diverged at index 95, window [10, 91), 1.5 s\n"));
    free(s);
}

/* Read a whole small file into a string to free. */
static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char *buf = calloc(1, 65536);
    assert_non_null(buf);
    size_t n = fread(buf, 1, 65535, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static void test_save(void **state)
{
    (void)state;
    char dir[] = "/tmp/lrfind_result_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char pj[256], pJ[256], py[256], bad[256];
    snprintf(pj, sizeof pj, "%s/r.json", dir);
    snprintf(pJ, sizeof pJ, "%s/R.JSON", dir);
    snprintf(py, sizeof py, "%s/r.yaml", dir);
    snprintf(bad, sizeof bad, "%s/missing/r.yaml", dir);
    struct result r = sample();
    struct lrf_error err;
    assert_int_equal(result_save(pj, &r, &err), 0);
    assert_int_equal(result_save(pJ, &r, &err), 0);
    assert_int_equal(result_save(py, &r, &err), 0);
    char *s = slurp(pj);
    size_t n = strlen(s);
    assert_true(n > 2 && s[0] == '{' && s[n - 2] == '}' && s[n - 1] == '\n');
    assert_true(json_valid(s));
    free(s);
    s = slurp(pJ);
    assert_true(s[0] == '{' && json_valid(s));
    free(s);
    s = slurp(py);
    yaml_document_t doc;
    yaml_load(s, &doc);
    assert_string_equal(yaml_scalar(&doc, "stop.reason"), "diverged");
    yaml_document_delete(&doc);
    free(s);

    lrf_error_clear(&err);
    assert_int_equal(result_save(bad, &r, &err), -1);
    assert_string_equal(err.file, bad);
    assert_int_equal(unlink(pj), 0);
    assert_int_equal(unlink(pJ), 0);
    assert_int_equal(unlink(py), 0);
    assert_int_equal(rmdir(dir), 0); /* no temporary file left behind */
}

/* With the settings used: still valid JSON, still YAML that loads, settings a mapping. */
static void test_settings(void **state)
{
    (void)state;
    struct lrf_config cfg;
    config_defaults(&cfg);
    struct result r = sample();
    r.cfg = &cfg;
    char *s = print_result(&r, RESULT_JSON);
    if (!json_valid(s)) {
        print_error("invalid JSON: %s\n", s);
        fail();
    }
    assert_non_null(strstr(s, "\"settings\": {"));
    free(s);
    s = print_result(&r, RESULT_YAML);
    yaml_document_t doc;
    yaml_load(s, &doc);
    yaml_node_t *st = yaml_at(&doc, "settings");
    assert_true(st != NULL && st->type == YAML_MAPPING_NODE);
    assert_string_equal(yaml_scalar(&doc, "stop.reason"), "diverged");
    yaml_document_delete(&doc);
    free(s);
    config_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validator),
        cmocka_unit_test(test_format_parse),
        cmocka_unit_test(test_json_string),
        cmocka_unit_test(test_json_known),
        cmocka_unit_test(test_number_round_trip),
        cmocka_unit_test(test_yaml),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_save),
        cmocka_unit_test(test_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
