/* test_tui_model.c: what each key does to the TUI's state, without a terminal. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "test_util.h"
#include "lrfind/tui_model.h"

/* A model with one 20-point series: the known curve of the suggestion tests. */
static void make(struct tui_model *m, bool live)
{
    static const double losses[20] = {2.30, 2.30, 2.29, 2.28, 2.25, 2.18, 2.05, 1.85, 1.62, 1.35,
                                      1.15, 1.00, 0.92, 0.88, 0.90, 1.00, 1.30, 1.90, 3.00, 5.00};
    struct suggest_opts so = suggest_opts_default();
    so.skip_start = 0;
    so.skip_end = 0;
    tui_model_init(m, live, (1u << SUGGEST_COUNT) - 1, &so);
    struct sweep sw;
    sweep_init(&sw, 0, 0, 20);
    for (int i = 0; i < 20; i++)
        sweep_push(&sw, 1e-7 * pow(10, 0.4 * i), losses[i]);
    assert_int_equal(tui_model_add(m, &sw, "a", 20), 0);
    sweep_free(&sw);
    m->multiplier = 1.3;
    m->iterations = 100;
}

static void test_cursor_keys(void **state)
{
    struct tui_model m;
    make(&m, false);
    assert_int_equal(m.cursor, -1);
    assert_true(tui_model_key(&m, TK_RIGHT) & TUI_REDRAW);
    assert_int_equal(m.cursor, 0); /* the first move places the cursor */
    tui_model_key(&m, 'l');
    assert_int_equal(m.cursor, 1);
    tui_model_key(&m, TK_END);
    assert_int_equal(m.cursor, 19);
    tui_model_key(&m, TK_RIGHT);
    assert_int_equal(m.cursor, 19); /* clamped */
    tui_model_key(&m, 'H');
    assert_int_equal(m.cursor, 9); /* a page is 10 points at least */
    tui_model_key(&m, TK_HOME);
    assert_int_equal(m.cursor, 0);
    tui_model_key(&m, TK_LEFT);
    assert_int_equal(m.cursor, 0);
    tui_model_free(&m);
}

static void test_jump_and_pick(void **state)
{
    struct tui_model m;
    make(&m, false);
    tui_model_key(&m, '1');
    assert_int_equal(m.cursor, 6); /* valley of the known curve */
    assert_int_equal(m.selected, SUGGEST_VALLEY);
    tui_model_key(&m, '3');
    assert_int_equal(m.cursor, 13); /* minimum: the argmin */
    tui_model_key(&m, TK_TAB);
    assert_int_equal(m.selected, SUGGEST_STEEP);
    assert_int_equal(m.cursor, 8);
    tui_model_key(&m, TK_TAB); /* wraps to valley */
    assert_int_equal(m.selected, SUGGEST_VALLEY);
    unsigned a = tui_model_key(&m, TK_ENTER);
    assert_true(a & TUI_PICK);
    assert_true(m.pick_lr == m.s[0].sweep.lr[6]);
    assert_string_equal(m.pick_source, "valley");
    tui_model_key(&m, '3'); /* minimum: the cursor on the argmin, the pick a tenth of it */
    tui_model_key(&m, TK_ENTER);
    assert_true(m.pick_lr == m.s[0].sweep.lr[13] / 10);
    assert_string_equal(m.pick_source, "minimum");
    tui_model_key(&m, TK_LEFT);
    tui_model_key(&m, TK_ENTER);
    assert_true(m.pick_lr == m.s[0].sweep.lr[12]);
    assert_string_equal(m.pick_source, "cursor");
    tui_model_free(&m);
}

static void test_enter_without_cursor(void **state)
{
    struct tui_model m;
    make(&m, true);
    /* no suggestion yet: a message, no pick */
    tui_model_restart(&m, "earlier");
    unsigned a = tui_model_key(&m, TK_ENTER);
    assert_false(a & TUI_PICK);
    assert_non_null(strstr(m.message, "no valley suggestion yet"));
    tui_model_free(&m);
    /* with suggestions: the sweep.pick one, as --batch would print */
    make(&m, true);
    assert_true(m.cursor < 0);
    a = tui_model_key(&m, TK_ENTER);
    assert_true(a & TUI_PICK);
    assert_true(m.pick_lr == m.s[0].sweep.lr[6]);
    assert_string_equal(m.pick_source, "valley");
    tui_model_free(&m);
    make(&m, true);
    m.pick_method = SUGGEST_MINIMUM;
    a = tui_model_key(&m, TK_ENTER);
    assert_true(a & TUI_PICK);
    assert_true(m.pick_lr == m.s[0].sweep.lr[13] / 10);
    assert_string_equal(m.pick_source, "minimum");
    tui_model_free(&m);
}

static void test_live_requests(void **state)
{
    struct tui_model m;
    make(&m, true);
    unsigned a = tui_model_key(&m, ' ');
    assert_true(a & TUI_REQUEST);
    assert_int_equal(m.req.kind, REQ_PAUSE);
    tui_model_key(&m, 'p');
    assert_int_equal(m.req.kind, REQ_RESUME);
    tui_model_key(&m, '+');
    assert_int_equal(m.req.kind, REQ_MULTIPLIER);
    assert_close(m.req.multiplier, 1.5, 0);
    tui_model_key(&m, '-');
    tui_model_key(&m, '-');
    assert_close(m.req.multiplier, 1.2, 0);
    tui_model_key(&m, ']');
    assert_int_equal(m.req.kind, REQ_ITERATIONS);
    assert_int_equal(m.req.iterations, 110);
    tui_model_key(&m, '[');
    assert_int_equal(m.req.iterations, 100);
    tui_model_key(&m, '<');
    assert_int_equal(m.req.kind, REQ_PACE);
    assert_int_equal(m.req.pace_ms, 25);
    tui_model_key(&m, '>');
    assert_int_equal(m.req.pace_ms, 12);
    tui_model_key(&m, 'r');
    assert_int_equal(m.req.kind, REQ_RESTART);
    assert_true(tui_model_key(&m, 'q') & TUI_QUIT);
    assert_true(tui_model_key(&m, TK_ESC) & TUI_QUIT);
    tui_model_free(&m);
}

static void test_view_ignores_live_keys(void **state)
{
    struct tui_model m;
    make(&m, false);
    assert_int_equal(tui_model_key(&m, ' '), 0);
    assert_int_equal(tui_model_key(&m, '+'), 0);
    assert_int_equal(tui_model_key(&m, 'r'), 0);
    assert_true(tui_model_key(&m, 's') & TUI_REQUEST);
    tui_model_free(&m);
}

static void test_help_closes_on_any_key(void **state)
{
    struct tui_model m;
    make(&m, false);
    assert_true(tui_model_key(&m, '?') & TUI_FULL);
    assert_true(m.help);
    tui_model_key(&m, 'l'); /* closes the help, does not move */
    assert_false(m.help);
    assert_int_equal(m.cursor, -1);
    tui_model_key(&m, '?');
    assert_false(tui_model_key(&m, 'q') & TUI_QUIT); /* q too: it closes, it does not quit */
    assert_false(m.help);
    tui_model_free(&m);
}

static void test_restart_keeps_overlays(void **state)
{
    struct tui_model m;
    make(&m, true);
    m.max_overlays = 2;
    for (int k = 0; k < 4; k++) {
        tui_model_restart(&m, "old");
        struct sweep *s0 = &m.s[0].sweep;
        assert_int_equal(s0->len, 0);
        for (int i = 0; i < 5 + k; i++)
            sweep_push(s0, 1e-6 * (i + 1), 1.0);
    }
    assert_int_equal(m.n, 3); /* the live sweep and two overlays */
    assert_int_equal(m.s[1].sweep.len, 7); /* the newest overlay first */
    assert_int_equal(m.s[2].sweep.len, 6);
    tui_model_free(&m);
}

static void test_steps(void **state)
{
    assert_close(tui_multiplier_step(1.3, 1), 1.5, 0);
    assert_close(tui_multiplier_step(1.3, -1), 1.2, 0);
    assert_close(tui_multiplier_step(1.0964, 1), 1.1, 0);
    assert_close(tui_multiplier_step(1.0964, -1), 1.05, 0);
    assert_close(tui_multiplier_step(5, 1), 5, 0);
    assert_close(tui_multiplier_step(1.01, -1), 1.01, 0);
    assert_int_equal(tui_iterations_step(100, 1), 110);
    assert_int_equal(tui_iterations_step(100, -1), 90);
    assert_int_equal(tui_iterations_step(50, 1), 60);
    assert_int_equal(tui_iterations_step(1000, 1), 1100);
    assert_int_equal(tui_iterations_step(1000, -1), 900);
    assert_int_equal(tui_iterations_step(5, -1), 4);
    assert_int_equal(tui_iterations_step(2, -1), 2);
}

static void test_slope(void **state)
{
    struct sweep sw;
    sweep_init(&sw, 0, 0, 3);
    sweep_push(&sw, 1, 3);
    sweep_push(&sw, exp(1), 2);
    sweep_push(&sw, exp(2), 0);
    assert_close(tui_slope(&sw, 0), -1, 1e-12);
    assert_close(tui_slope(&sw, 1), -1.5, 1e-12);
    assert_close(tui_slope(&sw, 2), -2, 1e-12);
    assert_true(isnan(tui_slope(&sw, 3)));
    sweep_free(&sw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cursor_keys),      cmocka_unit_test(test_jump_and_pick),
        cmocka_unit_test(test_enter_without_cursor), cmocka_unit_test(test_live_requests),
        cmocka_unit_test(test_view_ignores_live_keys), cmocka_unit_test(test_help_closes_on_any_key),
        cmocka_unit_test(test_restart_keeps_overlays), cmocka_unit_test(test_steps),
        cmocka_unit_test(test_slope),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
