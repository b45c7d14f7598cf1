/* test_grid.c: cells, UTF-8 text, clipping and the ANSI printer. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "golden.h"
#include "lrfind/grid.h"

static void test_init_blank(void **state)
{
    (void)state;
    struct grid g;
    assert_int_equal(grid_init(&g, 5, 3), 0);
    assert_int_equal(g.w, 5);
    assert_int_equal(g.h, 3);
    for (int y = 0; y < 3; y++)
        for (int x = 0; x < 5; x++) {
            assert_int_equal(grid_at(&g, x, y)->ch, ' ');
            assert_int_equal(grid_at(&g, x, y)->role, ROLE_NONE);
        }
    assert_null(grid_at(&g, 5, 0));
    assert_null(grid_at(&g, 0, 3));
    assert_null(grid_at(&g, -1, 0));
    assert_int_equal(grid_ch(&g, 9, 9), 0);
    grid_free(&g);
    assert_null(g.cells);
    assert_int_equal(g.w, 0);
}

static void test_empty_sizes(void **state)
{
    (void)state;
    struct grid g;
    assert_int_equal(grid_init(&g, 0, 10), 0);
    assert_int_equal(g.w, 0);
    assert_int_equal(g.h, 0);
    grid_put(&g, 0, 0, 'x', ROLE_NONE);
    grid_puts(&g, 0, 0, "hello", ROLE_NONE);
    grid_fill(&g, (struct rect){0, 0, 5, 5}, 'x', ROLE_NONE);
    char *s = grid_text_color(&g, false);
    assert_string_equal(s, "");
    free(s);
    assert_int_equal(grid_resize(&g, -3, 4), 0);
    assert_int_equal(g.w, 0);
    grid_free(&g);
}

static void test_resize_keeps_nothing_stale(void **state)
{
    (void)state;
    struct grid g;
    assert_int_equal(grid_init(&g, 10, 10), 0);
    grid_fill(&g, (struct rect){0, 0, 10, 10}, '#', ROLE_WARN);
    assert_int_equal(grid_resize(&g, 4, 2), 0);
    assert_int_equal(grid_ch(&g, 3, 1), ' ');
    assert_int_equal(grid_resize(&g, 30, 20), 0);
    for (int y = 0; y < 20; y++)
        for (int x = 0; x < 30; x++)
            assert_int_equal(grid_ch(&g, x, y), ' ');
    grid_free(&g);
}

static void test_put_out_of_bounds(void **state)
{
    (void)state;
    struct grid g;
    grid_init(&g, 3, 2);
    grid_put(&g, -1, 0, 'a', ROLE_AXIS);
    grid_put(&g, 3, 0, 'a', ROLE_AXIS);
    grid_put(&g, 0, 2, 'a', ROLE_AXIS);
    grid_put(&g, 0, -1, 'a', ROLE_AXIS);
    grid_put(&g, 2, 1, 'z', ROLE_AXIS);
    char *s = grid_text_color(&g, false);
    assert_string_equal(s, "\n  z\n");
    free(s);
    grid_free(&g);
}

static void test_fill_clips(void **state)
{
    (void)state;
    struct grid g;
    grid_init(&g, 4, 3);
    grid_fill(&g, (struct rect){-2, -2, 4, 4}, '#', ROLE_AXIS);
    grid_fill(&g, (struct rect){3, 2, 100, 100}, '@', ROLE_AXIS);
    grid_fill(&g, (struct rect){1, 1, 0, 5}, '!', ROLE_AXIS);
    char *s = grid_text_color(&g, false);
    assert_string_equal(s, "##\n##\n   @\n");
    free(s);
    grid_free(&g);
}

static void test_puts_utf8(void **state)
{
    (void)state;
    struct grid g;
    grid_init(&g, 10, 1);
    int n = grid_puts(&g, 1, 0, "a\u2812\u2502b", ROLE_LABEL);
    assert_int_equal(n, 4);
    assert_int_equal(grid_ch(&g, 1, 0), 'a');
    assert_int_equal(grid_ch(&g, 2, 0), 0x2812);
    assert_int_equal(grid_ch(&g, 3, 0), 0x2502);
    assert_int_equal(grid_ch(&g, 4, 0), 'b');
    assert_int_equal(grid_at(&g, 2, 0)->role, ROLE_LABEL);
    char *s = grid_text_color(&g, false);
    assert_string_equal(s, " a\u2812\u2502b\n");
    free(s);
    grid_free(&g);
}

static void test_puts_sanitises(void **state)
{
    (void)state;
    struct grid g;
    grid_init(&g, 12, 1);
    /* an escape sequence, a bare continuation byte, a truncated sequence, CJK, a combining
     * mark, an overlong encoding, a surrogate */
    int n = grid_puts(&g, 0, 0,
                      "\033[2J\x80\xe2\x82\xe4\xb8\xad"
                      "e\xcc\x81\xc0\xaf\xed\xa0\x80",
                      ROLE_NONE);
    char *s = grid_text_color(&g, false);
    /* ESC [ 2 J | 0x80 | e2 82 (truncated) | U+4E2D | e | U+0301 | c0 af | ed a0 80 */
    assert_string_equal(s, "?[2J???e???\n");
    assert_int_equal(n, 11);
    free(s);
    grid_free(&g);
}

static void test_puts_clipping(void **state)
{
    (void)state;
    struct grid g;
    grid_init(&g, 6, 2);
    assert_int_equal(grid_puts(&g, -2, 0, "abcdefghij", ROLE_NONE), 10);
    assert_int_equal(grid_puts(&g, 4, 1, "xyz", ROLE_NONE), 3);
    assert_int_equal(grid_puts(&g, 0, 5, "never", ROLE_NONE), 5);
    char *s = grid_text_color(&g, false);
    assert_string_equal(s, "cdefgh\n    xy\n");
    free(s);
    grid_clear(&g);
    grid_puts_clip(&g, (struct rect){1, 0, 3, 1}, 0, 0, "abcdef", ROLE_NONE);
    grid_puts_clip(&g, (struct rect){1, 0, 3, 1}, 0, 1, "abcdef", ROLE_NONE);
    s = grid_text_color(&g, false);
    assert_string_equal(s, " bcd\n\n");
    free(s);
    grid_free(&g);
}

static void test_printf_and_width(void **state)
{
    (void)state;
    struct grid g;
    grid_init(&g, 20, 1);
    assert_int_equal(grid_printf(&g, 0, 0, ROLE_STATUS, "lr %.2e", 2.5e-4), 11);
    char *s = grid_text_color(&g, false);
    assert_string_equal(s, "lr 2.50e-04\n");
    free(s);
    assert_int_equal(grid_text_width(""), 0);
    assert_int_equal(grid_text_width("\u2812\u2812x"), 3);
    grid_free(&g);
}

static void test_utf8_encode(void **state)
{
    (void)state;
    char b[8];
    assert_int_equal(grid_utf8_encode('A', b), 1);
    assert_string_equal(b, "A");
    assert_int_equal(grid_utf8_encode(0xe9, b), 2);
    assert_string_equal(b, "\u00e9");
    assert_int_equal(grid_utf8_encode(0x2800 + 0xff, b), 3);
    assert_string_equal(b, "\u28ff");
    assert_int_equal(grid_utf8_encode(0x1f600, b), 4);
    assert_string_equal(b, "\xf0\x9f\x98\x80");
    assert_int_equal(grid_utf8_encode(0x110000, b), 1);
    assert_string_equal(b, "?");
}

static void test_print_trims_and_counts_rows(void **state)
{
    (void)state;
    struct grid g;
    grid_init(&g, 8, 4);
    grid_puts(&g, 0, 0, "ab  ", ROLE_NONE);
    grid_puts(&g, 3, 2, "c", ROLE_NONE);
    char *s = grid_text_color(&g, false);
    assert_string_equal(s, "ab\n\n   c\n\n");
    free(s);
    grid_free(&g);
}

static void test_print_color(void **state)
{
    (void)state;
    struct grid g;
    grid_init(&g, 8, 2);
    grid_puts(&g, 0, 0, "ab", ROLE_SMOOTH);
    grid_puts(&g, 2, 0, "c", ROLE_NONE);
    grid_put(&g, 3, 0, ' ', ROLE_REGION_SWEET); /* a visible blank (reverse video) */
    grid_puts(&g, 0, 1, "x", ROLE_NONE);
    char *s = grid_text_color(&g, true);
    assert_string_equal(s, "\033[0;1;36mab\033[0mc\033[0;1;7;32m \033[0m\nx\n");
    free(s);
    /* without colour the reverse blank is trimmed */
    s = grid_text_color(&g, false);
    assert_string_equal(s, "abc\nx\n");
    free(s);
    grid_free(&g);
}

static void test_roles_complete(void **state)
{
    (void)state;
    for (int r = 0; r < ROLE_COUNT; r++) {
        assert_non_null(grid_role_name((enum role)r));
        assert_true(strlen(grid_role_name((enum role)r)) > 0);
        const struct role_style *st = grid_role_style((enum role)r);
        assert_non_null(st);
        assert_true(st->fg >= -1 && st->fg <= 7);
        for (int q = 0; q < r; q++)
            assert_string_not_equal(grid_role_name((enum role)r), grid_role_name((enum role)q));
    }
    assert_string_equal(grid_role_name(ROLE_COUNT), "?");
    assert_ptr_equal(grid_role_style(ROLE_COUNT), grid_role_style(ROLE_NONE));
    /* the monochrome scheme tells the roles that matter apart */
    assert_int_not_equal(grid_role_style(ROLE_SMOOTH)->mono_attr,
                         grid_role_style(ROLE_RAW)->mono_attr);
    assert_int_not_equal(grid_role_style(ROLE_CURSOR_POINT)->mono_attr, 0);
    assert_int_not_equal(grid_role_style(ROLE_REGION_SWEET)->mono_attr,
                         grid_role_style(ROLE_REGION_LOW)->mono_attr);
}

static void test_print_write_error(void **state)
{
    (void)state;
    struct grid g;
    grid_init(&g, 4, 1);
    grid_puts(&g, 0, 0, "abcd", ROLE_NONE);
    FILE *fp = fopen("/dev/full", "w");
    if (fp == NULL)
        skip();
    assert_int_equal(grid_print(fp, &g, false), -1);
    fclose(fp);
    grid_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_blank),
        cmocka_unit_test(test_empty_sizes),
        cmocka_unit_test(test_resize_keeps_nothing_stale),
        cmocka_unit_test(test_put_out_of_bounds),
        cmocka_unit_test(test_fill_clips),
        cmocka_unit_test(test_puts_utf8),
        cmocka_unit_test(test_puts_sanitises),
        cmocka_unit_test(test_puts_clipping),
        cmocka_unit_test(test_printf_and_width),
        cmocka_unit_test(test_utf8_encode),
        cmocka_unit_test(test_print_trims_and_counts_rows),
        cmocka_unit_test(test_print_color),
        cmocka_unit_test(test_roles_complete),
        cmocka_unit_test(test_print_write_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
