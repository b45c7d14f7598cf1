/* test_tui_draw.c: the whole TUI screen as a grid: golden screens (live and view, with help
 * and log pane), and every size from 1x1 up without a write outside the grid. */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "golden.h"
#include "lrfind/tui_draw.h"

static const double known[20] = {2.30, 2.30, 2.29, 2.28, 2.25, 2.18, 2.05, 1.85, 1.62, 1.35,
                                 1.15, 1.00, 0.92, 0.88, 0.90, 1.00, 1.30, 1.90, 3.00, 5.00};

/* A model holding the known curve (live: its first n points) and one overlay. */
static void make(struct tui_model *m, bool live, int n)
{
    struct suggest_opts so = suggest_opts_default();
    so.skip_start = 0;
    so.skip_end = 0;
    tui_model_init(m, live, (1u << SUGGEST_COUNT) - 1, &so);
    struct sweep a, b;
    sweep_init(&a, 0, 0, 20);
    sweep_init(&b, 0, 0, 20);
    for (int i = 0; i < 20; i++) {
        double lr = 1e-7 * pow(10, 0.4 * i);
        if (i < n)
            sweep_push(&a, lr, known[i]);
        sweep_push(&b, lr, known[i] * 1.1 + 0.05);
    }
    tui_model_add(m, &a, live ? NULL : "a.csv", 20);
    tui_model_add(m, &b, live ? "sweep 1" : "b.csv", 20);
    sweep_free(&a);
    sweep_free(&b);
    m->multiplier = 2.5118864315095806;
    m->iterations = 20;
}

static struct tui_frame frame(bool live)
{
    static const char *const log[] = {"epoch 1", "loss 2.30", "loss 2.29"};
    struct tui_frame f;
    memset(&f, 0, sizeof f);
    f.charset = PLOT_ASCII;
    f.status.state = live ? "running" : "a.csv";
    f.status.lr = (double)NAN;
    f.status.it_per_s = live ? 123 : -1;
    f.status.elapsed_s = live ? 75 : -1;
    f.x_lo = f.x_hi = (double)NAN;
    f.log_lines = log;
    f.n_log = 3;
    return f;
}

static void golden_screen(const char *name, struct tui_model *m, const struct tui_frame *f, int w, int h)
{
    struct grid g = {0, 0, NULL};
    assert_int_equal(grid_init(&g, w, h), 0);
    tui_draw(&g, m, f);
    char *t = grid_text(&g);
    check_golden(name, t);
    free(t);
    grid_free(&g);
}

static void test_golden_view(void **state)
{
    struct tui_model m;
    make(&m, false, 20);
    struct tui_frame f = frame(false);
    tui_model_key(&m, '1'); /* the cursor on valley */
    golden_screen("tui_view_100x30.txt", &m, &f, 100, 30);
    tui_model_key(&m, '?');
    golden_screen("tui_view_help_100x30.txt", &m, &f, 100, 30);
    tui_model_free(&m);
}

static void test_golden_live(void **state)
{
    struct tui_model m;
    make(&m, true, 12);
    struct tui_frame f = frame(true);
    f.x_lo = -7;
    f.x_hi = log10(1e-7 * pow(10, 0.4 * 19));
    m.log_pane = true;
    golden_screen("tui_live_80x24.txt", &m, &f, 80, 24);
    golden_screen("tui_live_log_100x40.txt", &m, &f, 100, 40);
    golden_screen("tui_live_wide_140x30.txt", &m, &f, 140, 30);
    tui_model_free(&m);
}

static void test_too_small(void **state)
{
    struct tui_model m;
    make(&m, true, 12);
    struct tui_frame f = frame(true);
    struct grid g = {0, 0, NULL};
    assert_int_equal(grid_init(&g, 20, 5), 0);
    tui_draw(&g, &m, &f);
    char *t = grid_text(&g);
    assert_non_null(strstr(t, "too small"));
    free(t);
    grid_free(&g);
    tui_model_free(&m);
}

/* A trainer error takes the whole key line, where it is not cut at the panel's width. */
static void test_trainer_error_line(void **state)
{
    struct tui_model m;
    make(&m, true, 12);
    struct tui_frame f = frame(true);
    f.status.state = "trainer error";
    f.status.error = "trainer exited with status 1 in iteration 30 (lr 1.2e-03)";
    struct grid g = {0, 0, NULL};
    assert_int_equal(grid_init(&g, 100, 30), 0);
    tui_draw(&g, &m, &f);
    char *t = grid_text(&g);
    const char *last = t;
    for (const char *p = t; (p = strchr(p, '\n')) != NULL && p[1] != '\0'; p++)
        last = p + 1; /* the last row */
    assert_non_null(strstr(last, "trainer exited with status 1 in iteration 30 (lr 1.2e-03)  (t: log"));
    free(t);
    grid_free(&g);
    tui_model_free(&m);
}

/* At the narrowest sizes the panels drop words, never cut a rate ("4.37e-0" reads as 4.37). */
static void test_no_cut_rates(void **state)
{
    struct tui_model m;
    make(&m, true, 20);
    struct tui_frame f = frame(true);
    struct grid g = {0, 0, NULL};
    for (int w = 40; w <= 100; w++) {
        assert_int_equal(grid_resize(&g, w, 14), 0);
        tui_draw(&g, &m, &f);
        char *t = grid_text(&g);
        for (const char *p = t; (p = strpbrk(p, "e")) != NULL; p++) {
            /* a rate as printed: d.dde-dd */
            if (p - t >= 4 && p[-3] == '.' && isdigit((unsigned char)p[-1]) && (p[1] == '-' || p[1] == '+'))
                assert_true(isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]));
        }
        free(t);
    }
    grid_free(&g);
    tui_model_free(&m);
}

/* Every size (coarsely above 60 columns) with every overlay: nothing outside the grid (ASan),
 * and the key line always on the last row once the screen is big enough. */
static void test_every_size(void **state)
{
    struct tui_model m;
    make(&m, true, 20);
    struct tui_frame f = frame(true);
    struct grid g = {0, 0, NULL};
    for (int h = 1; h <= 70; h++)
        for (int w = 1; w <= 300; w += w < 60 ? 1 : 13)
            for (int flags = 0; flags < 4; flags++) {
                m.help = flags & 1;
                m.log_pane = flags & 2;
                m.cursor = (w + h) % 21 - 1;
                assert_int_equal(grid_resize(&g, w, h), 0);
                tui_draw(&g, &m, &f);
                if (w >= 60 && h >= 12 && !m.help)
                    assert_true(grid_ch(&g, 0, h - 1) != ' ');
            }
    grid_free(&g);
    tui_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_view),
        cmocka_unit_test(test_golden_live),
        cmocka_unit_test(test_too_small),
        cmocka_unit_test(test_trainer_error_line),
        cmocka_unit_test(test_no_cut_rates),
        cmocka_unit_test(test_every_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
