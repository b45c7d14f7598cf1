/* test_layout.c: the screen layout over every size from 1x1 to 300x120. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "lrfind/layout.h"

#define MAX_ROWS 120
#define MAX_COLS 300

static const unsigned all_flags[] = {0, LAYOUT_LOG, LAYOUT_HELP, LAYOUT_LOG | LAYOUT_HELP};

/* Every rectangle but the help overlay, which is drawn over the others. */
static int tiled(const struct layout *l, struct rect out[6])
{
    out[0] = l->plot;
    out[1] = l->status;
    out[2] = l->suggest;
    out[3] = l->cursor;
    out[4] = l->keys;
    out[5] = l->log;
    return 6;
}

static void check_one(int rows, int cols, unsigned flags)
{
    struct layout l;
    bool ok = layout_compute(rows, cols, flags, &l);
    bool small = rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS;
    if (ok == small || l.too_small != small) {
        print_error("%dx%d flags %u: too_small %d, expected %d\n", cols, rows, flags, l.too_small,
                    small);
        fail();
    }
    struct rect r[6];
    int n = tiled(&l, r);
    if (small) {
        for (int i = 0; i < n; i++)
            assert_true(layout_rect_empty(r[i]));
        assert_true(layout_rect_empty(l.help));
        return;
    }
    for (int i = 0; i < n; i++) {
        if (!layout_rect_inside(r[i], rows, cols)) {
            print_error("%dx%d flags %u: rect %d (%d,%d %dx%d) off screen\n", cols, rows, flags, i,
                        r[i].x, r[i].y, r[i].w, r[i].h);
            fail();
        }
        for (int j = 0; j < i; j++)
            if (layout_rect_overlap(r[i], r[j])) {
                print_error("%dx%d flags %u: rects %d and %d overlap\n", cols, rows, flags, i, j);
                fail();
            }
    }
    /* the parts that are always there, with room to be useful */
    assert_true(l.plot.w >= 28 && l.plot.h >= 7);
    assert_true(l.status.w >= 20 && l.status.h >= 2);
    assert_true(l.suggest.w >= 20 && l.suggest.h >= 2);
    assert_true(l.cursor.w >= 20 && l.cursor.h >= 2);
    assert_int_equal(l.keys.y, rows - 1);
    assert_int_equal(l.keys.h, 1);
    assert_int_equal(l.keys.w, cols);
    /* the log pane only when asked for */
    if (!(flags & LAYOUT_LOG))
        assert_true(layout_rect_empty(l.log));
    else if (!layout_rect_empty(l.log))
        assert_true(l.log.h >= 3 && l.log.w >= 28);
    /* the help overlay: on screen, only when asked for */
    if (flags & LAYOUT_HELP) {
        assert_false(layout_rect_empty(l.help));
        assert_true(layout_rect_inside(l.help, rows, cols));
    } else {
        assert_true(layout_rect_empty(l.help));
    }
    /* every cell above the key line belongs to some rectangle: nothing is wasted */
    long area = 0;
    for (int i = 0; i < n; i++)
        if (!layout_rect_empty(r[i]))
            area += (long)r[i].w * r[i].h;
    assert_int_equal(area, (long)rows * cols);
}

static void test_every_size(void **state)
{
    (void)state;
    for (int rows = 1; rows <= MAX_ROWS; rows++)
        for (int cols = 1; cols <= MAX_COLS; cols++)
            for (size_t f = 0; f < sizeof all_flags / sizeof all_flags[0]; f++)
                check_one(rows, cols, all_flags[f]);
}

static void test_degenerate_sizes(void **state)
{
    (void)state;
    struct layout l;
    assert_false(layout_compute(0, 0, 0, &l));
    assert_true(l.too_small);
    assert_false(layout_compute(-5, 100, 0, &l));
    assert_false(layout_compute(100, -5, LAYOUT_LOG, &l));
    assert_false(layout_compute(LAYOUT_MIN_ROWS - 1, 300, 0, &l));
    assert_false(layout_compute(120, LAYOUT_MIN_COLS - 1, 0, &l));
    assert_true(layout_compute(LAYOUT_MIN_ROWS, LAYOUT_MIN_COLS, 0, &l));
    assert_false(l.too_small);
}

static void test_80x24(void **state)
{
    (void)state;
    struct layout l;
    assert_true(layout_compute(24, 80, 0, &l));
    assert_false(l.wide);
    /* plot across the screen, a 6-row band of three panels, the key line */
    assert_int_equal(l.plot.x, 0);
    assert_int_equal(l.plot.y, 0);
    assert_int_equal(l.plot.w, 80);
    assert_int_equal(l.plot.h, 17);
    assert_int_equal(l.status.y, 17);
    assert_int_equal(l.status.h, 6);
    assert_int_equal(l.status.w, 32);
    assert_int_equal(l.suggest.x, 32);
    assert_int_equal(l.suggest.w, 24);
    assert_int_equal(l.cursor.x, 56);
    assert_int_equal(l.cursor.w, 24);
    assert_int_equal(l.keys.y, 23);
    /* 100x30 (the tmux tests): an 8-row band */
    assert_true(layout_compute(30, 100, 0, &l));
    assert_false(l.wide);
    assert_int_equal(l.plot.h, 21);
    assert_int_equal(l.status.y, 21);
    assert_int_equal(l.status.h, 8);
    assert_int_equal(l.status.w, 40);
    assert_int_equal(l.cursor.x + l.cursor.w, 100);
    /* with the log pane */
    assert_true(layout_compute(24, 80, LAYOUT_LOG, &l));
    assert_int_equal(l.plot.h, 13);
    assert_int_equal(l.log.y, 13);
    assert_int_equal(l.log.h, 4);
    assert_int_equal(l.status.y, 17);
}

static void test_wide(void **state)
{
    (void)state;
    struct layout l;
    assert_true(layout_compute(120, 300, LAYOUT_LOG, &l));
    assert_true(l.wide);
    assert_int_equal(l.status.x, 300 - 40);
    assert_int_equal(l.plot.w, 260);
    assert_int_equal(l.log.w, 260);
    assert_int_equal(l.log.h, 20);
    assert_int_equal(l.plot.h, 119 - 20);
    assert_int_equal(l.status.y, 0);
    assert_true(l.suggest.y == l.status.y + l.status.h);
    assert_true(l.cursor.y == l.suggest.y + l.suggest.h);
    assert_int_equal(l.cursor.y + l.cursor.h, 119);
    /* 119 columns is still narrow; 23 rows too */
    assert_true(layout_compute(40, 119, 0, &l));
    assert_false(l.wide);
    assert_true(layout_compute(23, 200, 0, &l));
    assert_false(l.wide);
    /* small narrow screens stack suggestions over the cursor readout */
    assert_true(layout_compute(12, 40, LAYOUT_LOG, &l));
    assert_true(layout_rect_empty(l.log)); /* no room */
    assert_int_equal(l.suggest.x, l.cursor.x);
    assert_int_equal(l.suggest.y + l.suggest.h, l.cursor.y);
}

static void test_rect_helpers(void **state)
{
    (void)state;
    struct rect a = {0, 0, 10, 5}, b = {9, 4, 3, 3}, c = {10, 0, 3, 3}, e = {2, 2, 0, 4};
    assert_true(layout_rect_overlap(a, b));
    assert_false(layout_rect_overlap(a, c));
    assert_false(layout_rect_overlap(a, e));
    assert_true(layout_rect_empty(e));
    assert_true(layout_rect_inside(a, 5, 10));
    assert_false(layout_rect_inside(a, 4, 10));
    assert_false(layout_rect_inside((struct rect){-1, 0, 2, 2}, 10, 10));
    assert_true(layout_rect_inside(e, 1, 1)); /* empty: nothing to be outside */
}

static void test_too_small_message(void **state)
{
    (void)state;
    for (int h = 0; h <= 6; h++)
        for (int w = 0; w <= 50; w++) {
            struct grid g;
            assert_int_equal(grid_init(&g, w, h), 0);
            layout_draw_too_small(&g);
            grid_free(&g);
        }
    struct grid g;
    grid_init(&g, 30, 5);
    layout_draw_too_small(&g);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    grid_print(fp, &g, false);
    fclose(fp);
    assert_string_equal(buf, "\n   terminal too small: 30x5\n      lrfind needs 40x12\n\n\n");
    free(buf);
    grid_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_size),   cmocka_unit_test(test_degenerate_sizes),
        cmocka_unit_test(test_80x24),        cmocka_unit_test(test_wide),
        cmocka_unit_test(test_rect_helpers), cmocka_unit_test(test_too_small_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
