/* test_plot.c: the plot renderer: golden screens (ASCII, and one braille), clipping,
 * regions, cursor, overlays, degenerate data, tiny rectangles and speed.
 * Golden files live in $top_srcdir/tests/golden; LRFIND_UPDATE_GOLDEN=1 rewrites them. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_util.h"
#include "golden.h"
#include "lrfind/axis.h"
#include "lrfind/plot.h"

/* ------------------------------------------------------------------------------------------ */
/* Fixtures */

/* fastai's 20-point known curve (issue 2) and its known suggestions. */
static const double known20_loss[20] = {2.30, 2.30, 2.29, 2.28, 2.25, 2.18, 2.05, 1.85, 1.62, 1.35,
                                        1.15, 1.00, 0.92, 0.88, 0.90, 1.00, 1.30, 1.90, 3.00, 5.00};
static double known20_lr[20];
static struct suggestion known20_sugg[SUGGEST_COUNT];

#define SYN_N 100
struct synth {
    double lr[SYN_N], loss[SYN_N], smooth[SYN_N];
    struct suggestion sugg[SUGGEST_COUNT];
};
static struct synth syn_a, syn_b, syn_c;

static void init_known20(void)
{
    for (int i = 0; i < 20; i++)
        known20_lr[i] = 1e-7 * pow(10, 0.4 * i);
    known20_sugg[SUGGEST_VALLEY] = (struct suggestion){true, 2.511886e-05, 6};
    known20_sugg[SUGGEST_SLIDE] = (struct suggestion){true, 1.0e-07, 0};
    known20_sugg[SUGGEST_MINIMUM] = (struct suggestion){true, 1.584893e-03, 13};
    known20_sugg[SUGGEST_STEEP] = (struct suggestion){true, 1.584893e-04, 8};
}

/* Deterministic noise in [-1, 1) (a 64-bit LCG). */
static double noise(uint64_t *st)
{
    *st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*st >> 11) / 4503599627370496.0 - 1.0;
}

/* A 100-point LR range test by formula: a plateau at `start`, a sigmoid fall by `depth`
 * centred on log10 lr = `centre`, an exponential blow-up near the end; noise of amplitude
 * `amp`; the debiased EMA with beta 0.9; suggestions computed here (valley as fastai's
 * O(n^2) loop, minimum, steep) on the window [10, 95); slide left out ("none"). */
static void make_synth(struct synth *s, double start, double depth, double centre, double amp,
                       uint64_t seed)
{
    uint64_t st = seed;
    double avg = 0, bp = 1;
    for (int i = 0; i < SYN_N; i++) {
        s->lr[i] = 1e-7 * pow(1e8, (double)i / SYN_N);
        double x = log10(s->lr[i]);
        double base = start - depth / (1 + exp(-(x - centre) * 2.2)) + 0.015 * exp((x + 1.2) * 3.5);
        s->loss[i] = base * (1 + amp * noise(&st));
        avg = 0.9 * avg + 0.1 * s->loss[i];
        bp *= 0.9;
        s->smooth[i] = avg / (1 - bp);
    }
    int lo = 10, hi = SYN_N - 5, n = hi - lo;
    const double *l = s->smooth + lo;
    /* valley: longest strictly decreasing run (fastai's loop) */
    int lds[SYN_N], max_start = 0, max_end = 0;
    for (int i = 0; i < n; i++) {
        lds[i] = 1;
        for (int j = 0; j < i; j++)
            if (l[i] < l[j] && lds[i] < lds[j] + 1)
                lds[i] = lds[j] + 1;
        if (lds[max_end] < lds[i]) {
            max_end = i;
            max_start = max_end - lds[max_end];
        }
    }
    int L = max_end - max_start;
    int v = max_start + L / 3 + L / 3 / 2;
    s->sugg[SUGGEST_VALLEY] = (struct suggestion){true, s->lr[lo + v], (size_t)(lo + v)};
    s->sugg[SUGGEST_SLIDE] = (struct suggestion){false, 0, 0};
    int am = 0;
    for (int i = 1; i < n; i++)
        if (l[i] < l[am])
            am = i;
    s->sugg[SUGGEST_MINIMUM] = (struct suggestion){true, s->lr[lo + am] / 10, (size_t)(lo + am)};
    int steep = 0;
    double best = HUGE_VAL;
    for (int i = 0; i + 1 < n; i++) {
        double g = (l[i + 1] - l[i]) / (log(s->lr[lo + i + 1]) - log(s->lr[lo + i]));
        if (g < best) {
            best = g;
            steep = i;
        }
    }
    s->sugg[SUGGEST_STEEP] = (struct suggestion){true, s->lr[lo + steep], (size_t)(lo + steep)};
}

static int setup(void **state)
{
    (void)state;
    init_known20();
    make_synth(&syn_a, 2.35, 1.7, -3.6, 0.06, 42);
    make_synth(&syn_b, 2.40, 1.5, -3.0, 0.06, 7);
    make_synth(&syn_c, 2.30, 1.2, -4.3, 0.06, 99);
    return 0;
}

static struct plot_series known20_series(void)
{
    return (struct plot_series){known20_lr, known20_loss, known20_loss, 20, NULL, known20_sugg};
}

static struct plot_series synth_series(struct synth *s, const char *label, bool sugg)
{
    return (struct plot_series){s->lr, s->loss, s->smooth, SYN_N, label, sugg ? s->sugg : NULL};
}

/* ------------------------------------------------------------------------------------------ */
/* Helpers */

static void render_golden(const char *name, int w, int h, const struct plot_series *s, size_t n,
                          const struct plot_view *view, const struct plot_opts *o)
{
    struct grid g;
    assert_int_equal(grid_init(&g, w, h), 0);
    assert_int_equal(plot_render(&g, (struct rect){0, 0, w, h}, s, n, view, o, NULL), 0);
    char *text = grid_text(&g);
    check_golden(name, text);
    free(text);
    grid_free(&g);
}

static int count_role(const struct grid *g, enum role r)
{
    int n = 0;
    for (int i = 0; i < g->w * g->h; i++)
        n += g->cells[i].role == r;
    return n;
}

static bool grid_contains(const struct grid *g, const char *needle)
{
    char *t = grid_text(g);
    bool found = strstr(t, needle) != NULL;
    free(t);
    return found;
}

/* ------------------------------------------------------------------------------------------ */
/* Golden screens */

static void test_golden_known20(void **state)
{
    (void)state;
    struct plot_series s = known20_series();
    struct plot_opts o = plot_opts_default();
    o.title = "fastai's known curve";
    render_golden("known20_80x24.txt", 80, 24, &s, 1, NULL, &o);
    o.cursor = 8;
    o.title = NULL;
    render_golden("known20_100x30_cursor.txt", 100, 30, &s, 1, NULL, &o);
}

static void test_golden_known20_live(void **state)
{
    (void)state;
    /* the TUI's view while the sweep runs: x fixed to the planned range, 14 points in, the
     * minimum at the last point so far: too high is not known yet */
    struct suggestion sg[SUGGEST_COUNT];
    memcpy(sg, known20_sugg, sizeof sg);
    struct plot_series s = {known20_lr, known20_loss, known20_loss, 14, "sweep", sg};
    struct plot_view v = {-7, 1, (double)NAN, (double)NAN};
    struct plot_opts o = plot_opts_default();
    o.cursor = 13;
    o.flags &= ~(unsigned)PLOT_LEGEND_SUGGEST;
    render_golden("known20_live_60x16.txt", 60, 16, &s, 1, &v, &o);
}

static void test_golden_synth(void **state)
{
    (void)state;
    struct plot_series s = synth_series(&syn_a, "run.csv", true);
    struct plot_opts o = plot_opts_default();
    render_golden("synth100_80x24.txt", 80, 24, &s, 1, NULL, &o);
    o.charset = PLOT_BRAILLE;
    render_golden("synth100_80x24_braille.txt", 80, 24, &s, 1, NULL, &o);
}

static void test_golden_overlays(void **state)
{
    (void)state;
    struct plot_series s[3] = {synth_series(&syn_a, "a.csv", true),
                               synth_series(&syn_b, "b.csv", true),
                               synth_series(&syn_c, "c.csv", false)};
    struct plot_opts o = plot_opts_default();
    o.cursor = (long)syn_a.sugg[SUGGEST_VALLEY].index;
    o.title = "three sweeps";
    render_golden("synth100_100x30_overlays.txt", 100, 30, s, 3, NULL, &o);
}

static void test_golden_divergence(void **state)
{
    (void)state;
    double lr[60], loss[60];
    for (int i = 0; i < 60; i++) {
        lr[i] = 1e-6 * pow(10, i / 10.0);
        loss[i] = 1.2 - 0.7 * sin(M_PI * i / 50.0);
        if (i >= 50)
            loss[i] = 1.2 * pow(10, (i - 50) * 0.5);
    }
    loss[59] = HUGE_VAL;
    struct plot_series s = {lr, loss, loss, 60, "diverges", NULL};
    struct plot_opts o = plot_opts_default();
    render_golden("divergence_80x24.txt", 80, 24, &s, 1, NULL, &o);
    /* the clip: the view stops well below the 10^4 blow-up and ^ marks the exit */
    struct grid g;
    grid_init(&g, 80, 24);
    struct plot_geom geom;
    plot_render(&g, (struct rect){0, 0, 80, 24}, &s, 1, NULL, &o, &geom);
    assert_true(geom.drawn);
    assert_true(geom.clipped);
    assert_true(geom.view.y_hi < 2.0);
    assert_true(geom.view.y_lo < 0.5);
    assert_true(count_role(&g, ROLE_OFFSCALE) >= 4);
    assert_true(grid_contains(&g, "^ off scale"));
    grid_free(&g);
}

static void test_golden_flat_single_empty(void **state)
{
    (void)state;
    double lr[50], loss[50];
    for (int i = 0; i < 50; i++) {
        lr[i] = 1e-5 * pow(10, i / 10.0);
        loss[i] = 2.0;
    }
    struct plot_series s = {lr, loss, loss, 50, NULL, NULL};
    struct plot_opts o = plot_opts_default();
    render_golden("flat_80x24.txt", 80, 24, &s, 1, NULL, &o);

    double lr1 = 3e-4, l1 = 1.7;
    struct suggestion sg[SUGGEST_COUNT] = {
        {false, 0, 0}, {false, 0, 0}, {false, 0, 0}, {false, 0, 0}};
    struct plot_series one = {&lr1, &l1, &l1, 1, "one point", sg};
    render_golden("single_80x24.txt", 80, 24, &one, 1, NULL, &o);

    struct plot_series none = {NULL, NULL, NULL, 0, NULL, NULL};
    render_golden("empty_80x24.txt", 80, 24, &none, 1, NULL, &o);
    struct grid g;
    grid_init(&g, 80, 24);
    plot_render(&g, (struct rect){0, 0, 80, 24}, &none, 1, NULL, &o, NULL);
    assert_true(grid_contains(&g, "waiting for data"));
    /* an empty series with a planned x range: the axis is the plan */
    struct plot_view v = {-7, 1, (double)NAN, (double)NAN};
    o.empty_msg = "starting the trainer";
    plot_render(&g, (struct rect){0, 0, 80, 24}, &none, 1, &v, &o, NULL);
    assert_true(grid_contains(&g, "starting the trainer"));
    assert_true(grid_contains(&g, "1e-7"));
    assert_true(grid_contains(&g, "1e1"));
    /* no series at all */
    plot_render(&g, (struct rect){0, 0, 80, 24}, NULL, 0, NULL, NULL, NULL);
    assert_true(grid_contains(&g, "waiting for data"));
    grid_free(&g);
}

static void test_golden_tiny(void **state)
{
    (void)state;
    static const int sizes[][2] = {{8, 2}, {12, 4}, {16, 5}, {24, 8}, {32, 10}, {40, 12}};
    struct plot_series s = known20_series();
    struct plot_opts o = plot_opts_default();
    o.cursor = 8;
    size_t cap = 1 << 16, len = 0;
    char *all = calloc(cap, 1);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        int w = sizes[i][0], h = sizes[i][1];
        struct grid g;
        grid_init(&g, w, h);
        plot_render(&g, (struct rect){0, 0, w, h}, &s, 1, NULL, &o, NULL);
        char *t = grid_text(&g);
        len += (size_t)snprintf(all + len, cap - len, "== %dx%d ==\n%s", w, h, t);
        free(t);
        grid_free(&g);
    }
    check_golden("known20_tiny.txt", all);
    free(all);
}

/* ------------------------------------------------------------------------------------------ */
/* Properties */

static void test_known20_content(void **state)
{
    (void)state;
    struct plot_series s = known20_series();
    struct plot_opts o = plot_opts_default();
    struct grid g;
    grid_init(&g, 80, 24);
    struct plot_geom geom;
    assert_int_equal(plot_render(&g, (struct rect){0, 0, 80, 24}, &s, 1, NULL, &o, &geom), 0);
    assert_true(geom.drawn);
    assert_true(geom.clipped); /* 3.0 and 5.0 lie above the view */
    assert_close(geom.view.x_lo, -7, 1e-12);
    assert_close(geom.view.x_hi, 0.6, 1e-12);
    int letters = 0; /* V S M T, each once in the plot (and once in the legend) */
    for (int y = 0; y < geom.area.h; y++)
        for (int x = 0; x < geom.area.w; x++)
            letters += grid_at(&g, geom.area.x + x, geom.area.y + y)->role == ROLE_SUGGEST;
    assert_int_equal(letters, 4);
    assert_int_equal(count_role(&g, ROLE_SUGGEST), 8);
    assert_true(count_role(&g, ROLE_SMOOTH) >= 40);
    assert_int_equal(count_role(&g, ROLE_RAW), 0); /* loss and smooth are the same array */
    assert_true(count_role(&g, ROLE_REGION_LOW) > 0);
    assert_true(count_role(&g, ROLE_REGION_SWEET) > 0);
    assert_true(count_role(&g, ROLE_REGION_HIGH) > 0);
    assert_true(grid_contains(&g, "V valley 2.51e-05"));
    assert_true(grid_contains(&g, "S slide 1.00e-07"));
    assert_true(grid_contains(&g, "M minimum 1.58e-03"));
    assert_true(grid_contains(&g, "T steep 1.58e-04"));
    assert_true(grid_contains(&g, "too low"));
    assert_true(grid_contains(&g, "sweet spot"));
    assert_true(grid_contains(&g, "too high"));
    /* each letter sits in the column of its rate */
    for (int m = 0; m < SUGGEST_COUNT; m++) {
        int col = axis_cell(log10(known20_sugg[m].lr), geom.view.x_lo, geom.view.x_hi, geom.area.w);
        bool found = false;
        for (int row = 0; row < geom.area.h; row++) {
            const struct cell *c = grid_at(&g, geom.area.x + col, geom.area.y + row);
            if (c->role == ROLE_SUGGEST &&
                c->ch == (uint32_t)plot_suggest_letter((enum suggest_method)m))
                found = true;
        }
        assert_true(found);
    }
    grid_free(&g);
}

static void test_cursor(void **state)
{
    (void)state;
    struct plot_series s = known20_series();
    struct plot_opts o = plot_opts_default();
    o.flags = PLOT_RAW; /* no letters in the way */
    struct grid g;
    grid_init(&g, 100, 30);
    struct plot_geom geom;
    for (long cur = 0; cur < 20; cur++) {
        o.cursor = cur;
        plot_render(&g, (struct rect){0, 0, 100, 30}, &s, 1, NULL, &o, &geom);
        int col = axis_cell(log10(known20_lr[cur]), geom.view.x_lo, geom.view.x_hi, geom.area.w);
        int points = count_role(&g, ROLE_CURSOR_POINT);
        if (known20_loss[cur] <= geom.view.y_hi) {
            assert_int_equal(points, 1);
            bool found = false;
            for (int row = 0; row < geom.area.h; row++)
                found |=
                    grid_at(&g, geom.area.x + col, geom.area.y + row)->role == ROLE_CURSOR_POINT;
            assert_true(found);
        }
        assert_true(count_role(&g, ROLE_CURSOR) > 0);
        /* and the column maps back to the cursor's index */
        assert_int_equal(plot_index_at_column(&s, &geom, col), cur);
    }
    /* out of range cursors draw nothing */
    o.cursor = 20;
    plot_render(&g, (struct rect){0, 0, 100, 30}, &s, 1, NULL, &o, NULL);
    assert_int_equal(count_role(&g, ROLE_CURSOR) + count_role(&g, ROLE_CURSOR_POINT), 0);
    grid_free(&g);
}

static void test_index_at_column(void **state)
{
    (void)state;
    struct plot_series s = synth_series(&syn_a, NULL, false);
    struct grid g;
    grid_init(&g, 80, 24);
    struct plot_geom geom;
    plot_render(&g, (struct rect){0, 0, 80, 24}, &s, 1, NULL, NULL, &geom);
    long prev = -1;
    for (int col = -3; col < geom.area.w + 3; col++) {
        long i = plot_index_at_column(&s, &geom, col);
        assert_true(i >= 0 && i < SYN_N);
        assert_true(i >= prev);
        prev = i;
    }
    /* 100 points over 73 columns: the point nearest each column's centre */
    assert_int_equal(geom.area.w, 73);
    assert_int_equal(plot_index_at_column(&s, &geom, 0), 1);
    assert_int_equal(plot_index_at_column(&s, &geom, geom.area.w - 1), SYN_N - 2);
    struct plot_series empty = {NULL, NULL, NULL, 0, NULL, NULL};
    assert_int_equal(plot_index_at_column(&empty, &geom, 3), -1);
    assert_int_equal(plot_index_at_column(&s, NULL, 3), -1);
    grid_free(&g);
}

static void test_regions(void **state)
{
    (void)state;
    struct plot_series s = known20_series();
    struct plot_regions r;
    assert_true(plot_regions(&s, &r));
    /* top 2.30 at 0, minimum 0.88 at 13, 10% of the drop: 2.158, first reached at 6 */
    assert_true(r.known);
    assert_true(r.high_known);
    assert_int_equal(r.sweet_lo, 6);
    assert_int_equal(r.sweet_hi, 13);
    assert_close(r.lr_lo, known20_lr[6], 1e-15);
    assert_close(r.lr_hi, known20_lr[13], 1e-15);
    /* the minimum at the last point: too high unknown */
    s.n = 14;
    assert_true(plot_regions(&s, &r));
    assert_false(r.high_known);
    /* no suggestions, or no minimum: unknown */
    s.sugg = NULL;
    assert_false(plot_regions(&s, &r));
    struct suggestion sg[SUGGEST_COUNT];
    memcpy(sg, known20_sugg, sizeof sg);
    sg[SUGGEST_MINIMUM].ok = false;
    s.sugg = sg;
    assert_false(plot_regions(&s, &r));
    /* an index out of range is refused */
    sg[SUGGEST_MINIMUM] = (struct suggestion){true, 1e-3, 99};
    assert_false(plot_regions(&s, &r));
    /* a curve that never falls: unknown */
    double flat[5] = {1, 1, 1, 1, 1};
    sg[SUGGEST_MINIMUM] = (struct suggestion){true, 1e-3, 2};
    struct plot_series f = {known20_lr, flat, flat, 5, NULL, sg};
    assert_false(plot_regions(&f, &r));
    assert_false(r.known);
    assert_false(plot_regions(NULL, &r));
}

static void test_auto_view(void **state)
{
    (void)state;
    struct plot_series s = known20_series();
    struct plot_view v;
    assert_true(plot_auto_view(&s, 1, &v));
    assert_close(v.x_lo, -7, 1e-12);
    assert_close(v.x_hi, 0.6, 1e-12);
    struct axis_range r;
    axis_loss_range(known20_loss, known20_loss, 20, &r);
    assert_close(v.y_lo, r.lo, 0);
    assert_close(v.y_hi, r.hi, 0);
    double lr = 1e-3, l = 2;
    struct plot_series one = {&lr, &l, &l, 1, NULL, NULL};
    assert_true(plot_auto_view(&one, 1, &v));
    assert_close(v.x_lo, -3.5, 1e-12);
    assert_close(v.x_hi, -2.5, 1e-12);
    /* the union of two series */
    struct plot_series two[2] = {synth_series(&syn_a, NULL, false), one};
    assert_true(plot_auto_view(two, 2, &v));
    assert_close(v.x_lo, -7, 1e-12);
    assert_close(v.x_hi, log10(syn_a.lr[SYN_N - 1]), 1e-12);
    struct plot_series none = {NULL, NULL, NULL, 0, NULL, NULL};
    assert_false(plot_auto_view(&none, 1, &v));
    double bad_lr[2] = {0, -1}, bad_l[2] = {1, 2};
    struct plot_series bad = {bad_lr, bad_l, bad_l, 2, NULL, NULL};
    assert_false(plot_auto_view(&bad, 1, &v));
}

/* Render into a rect inside a grid filled with '#', check nothing outside changed. */
static void check_confined(const struct plot_series *s, size_t n, int w, int h,
                           const struct plot_opts *o, const struct plot_view *v)
{
    struct grid g;
    int gw = w + 6, gh = h + 4;
    assert_int_equal(grid_init(&g, gw, gh), 0);
    grid_fill(&g, (struct rect){0, 0, gw, gh}, '#', ROLE_WARN);
    struct rect r = {3, 2, w, h};
    assert_int_equal(plot_render(&g, r, s, n, v, o, NULL), 0);
    for (int y = 0; y < gh; y++)
        for (int x = 0; x < gw; x++) {
            bool inside = x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
            const struct cell *c = grid_at(&g, x, y);
            if (!inside && (c->ch != '#' || c->role != ROLE_WARN)) {
                print_error("%dx%d: cell (%d,%d) outside the rectangle was written\n", w, h, x, y);
                fail();
            }
        }
    grid_free(&g);
}

static void test_tiny_rects_confined(void **state)
{
    (void)state;
    struct plot_series k = known20_series();
    struct plot_series three[3] = {synth_series(&syn_a, "a", true), synth_series(&syn_b, "b", true),
                                   synth_series(&syn_c, "c", true)};
    struct plot_series none = {NULL, NULL, NULL, 0, NULL, NULL};
    struct plot_opts o = plot_opts_default();
    o.title = "a title that is longer than some of the rectangles";
    for (int cs = 0; cs < 2; cs++) {
        o.charset = cs ? PLOT_BRAILLE : PLOT_ASCII;
        for (int h = 0; h <= 16; h++)
            for (int w = 0; w <= 44; w++) {
                o.cursor = (w + h) % 25 - 2;
                check_confined(&k, 1, w, h, &o, NULL);
                check_confined(three, 3, w, h, &o, NULL);
                check_confined(&none, 1, w, h, &o, NULL);
            }
    }
    /* rectangles partly off the grid are clipped */
    struct grid g;
    grid_init(&g, 30, 10);
    assert_int_equal(plot_render(&g, (struct rect){-10, -5, 60, 30}, &k, 1, NULL, &o, NULL), 0);
    assert_int_equal(plot_render(&g, (struct rect){25, 8, 60, 30}, &k, 1, NULL, &o, NULL), 0);
    assert_int_equal(plot_render(&g, (struct rect){40, 20, 5, 5}, &k, 1, NULL, &o, NULL), 0);
    grid_free(&g);
}

static void test_odd_data(void **state)
{
    (void)state;
    struct plot_opts o = plot_opts_default();
    struct suggestion sg[SUGGEST_COUNT];
    memcpy(sg, known20_sugg, sizeof sg);
    double lr[20], loss[20];
    /* NaN everywhere */
    for (int i = 0; i < 20; i++) {
        lr[i] = known20_lr[i];
        loss[i] = (double)NAN;
    }
    struct plot_series s = {lr, loss, loss, 20, NULL, sg};
    check_confined(&s, 1, 80, 24, &o, NULL);
    /* non-positive and infinite rates, NaN/inf losses mixed in */
    memcpy(loss, known20_loss, sizeof loss);
    lr[0] = 0;
    lr[1] = -1;
    lr[5] = HUGE_VAL;
    lr[6] = (double)NAN;
    loss[3] = (double)NAN;
    loss[9] = HUGE_VAL;
    loss[10] = -HUGE_VAL;
    check_confined(&s, 1, 80, 24, &o, NULL);
    /* suggestion indexes and rates out of range */
    sg[0] = (struct suggestion){true, 1e9, 999};
    sg[1] = (struct suggestion){true, -1, 5};
    sg[2] = (struct suggestion){true, (double)NAN, 3};
    check_confined(&s, 1, 80, 24, &o, NULL);
    /* smooth NULL (loss is the curve), loss NULL */
    struct plot_series a = {known20_lr, known20_loss, NULL, 20, NULL, NULL};
    struct plot_series b = {known20_lr, NULL, known20_loss, 20, NULL, NULL};
    check_confined(&a, 1, 80, 24, &o, NULL);
    check_confined(&b, 1, 80, 24, &o, NULL);
    /* huge values */
    double big[3] = {1e300, -1e300, 1e-300}, blr[3] = {1e-300, 1, 1e300};
    struct plot_series c = {blr, big, big, 3, NULL, NULL};
    check_confined(&c, 1, 80, 24, &o, NULL);
    /* silly views */
    struct plot_view views[] = {{5, 5, 1, 1},
                                {(double)NAN, (double)NAN, (double)NAN, (double)NAN},
                                {-3, -4, 2, 1},
                                {-300, 300, -1e300, 1e300},
                                {-4.01, -4, 0.99, 1.01},
                                {HUGE_VAL, 1, 0, HUGE_VAL}};
    struct plot_series k = known20_series();
    for (size_t i = 0; i < sizeof views / sizeof views[0]; i++)
        for (int cs = 0; cs < 2; cs++) {
            o.charset = cs ? PLOT_BRAILLE : PLOT_ASCII;
            o.cursor = 8;
            check_confined(&k, 1, 80, 24, &o, &views[i]);
        }
}

static void test_unsorted_rates_match_sorted(void **state)
{
    (void)state;
    /* the known curve given backwards takes the slow path and must look the same (one point
     * a column, so the order inside a column does not matter) */
    double lr[20], loss[20];
    for (int i = 0; i < 20; i++) {
        lr[i] = known20_lr[19 - i];
        loss[i] = known20_loss[19 - i];
    }
    struct plot_series fwd = {known20_lr, known20_loss, known20_loss, 20, NULL, NULL};
    struct plot_series rev = {lr, loss, loss, 20, NULL, NULL};
    struct plot_opts o = plot_opts_default();
    struct plot_view v; /* the same for both: the automatic y range depends on the order */
    assert_true(plot_auto_view(&fwd, 1, &v));
    for (int cs = 0; cs < 2; cs++) {
        o.charset = cs ? PLOT_BRAILLE : PLOT_ASCII;
        struct grid a, b;
        grid_init(&a, 80, 24);
        grid_init(&b, 80, 24);
        plot_render(&a, (struct rect){0, 0, 80, 24}, &fwd, 1, &v, &o, NULL);
        plot_render(&b, (struct rect){0, 0, 80, 24}, &rev, 1, &v, &o, NULL);
        char *ta = grid_text(&a), *tb = grid_text(&b);
        assert_string_equal(ta, tb);
        free(ta);
        free(tb);
        grid_free(&a);
        grid_free(&b);
    }
}

static void test_zoomed_view(void **state)
{
    (void)state;
    struct plot_series s = synth_series(&syn_a, NULL, true);
    struct plot_view v = {log10(1e-5), log10(2e-4), 0.5, 2.5};
    struct plot_opts o = plot_opts_default();
    struct grid g;
    grid_init(&g, 80, 24);
    struct plot_geom geom;
    plot_render(&g, (struct rect){0, 0, 80, 24}, &s, 1, &v, &o, &geom);
    assert_close(geom.view.x_lo, v.x_lo, 0);
    assert_close(geom.view.y_hi, 2.5, 0);
    assert_true(grid_contains(&g, "2e-5"));
    assert_true(grid_contains(&g, "5e-5"));
    assert_true(grid_contains(&g, "1e-4"));
    assert_true(count_role(&g, ROLE_SMOOTH) > 20);
    grid_free(&g);
}

static void test_roles_and_glyphs(void **state)
{
    (void)state;
    struct plot_series s[3] = {synth_series(&syn_a, "a", true), synth_series(&syn_b, "b", false),
                               synth_series(&syn_c, "c", false)};
    struct plot_opts o = plot_opts_default();
    struct grid g;
    grid_init(&g, 100, 30);
    plot_render(&g, (struct rect){0, 0, 100, 30}, s, 3, NULL, &o, NULL);
    assert_true(count_role(&g, ROLE_RAW) > 5);
    assert_true(count_role(&g, ROLE_OVERLAY1) > 20);
    assert_true(count_role(&g, ROLE_OVERLAY2) > 20);
    for (int i = 0; i < g.w * g.h; i++) {
        const struct cell *c = &g.cells[i];
        if (c->role == ROLE_OVERLAY1)
            assert_int_equal(c->ch, 'o'); /* in the plot and as the legend's sample */
        if (c->role == ROLE_OVERLAY2)
            assert_int_equal(c->ch, 'x');
        assert_true(c->ch < 0x80); /* ASCII charset: ASCII only */
    }
    /* braille: the main line is braille, the axes box drawing */
    o.charset = PLOT_BRAILLE;
    plot_render(&g, (struct rect){0, 0, 100, 30}, s, 3, NULL, &o, NULL);
    int braille = 0;
    for (int i = 0; i < g.w * g.h; i++)
        if (g.cells[i].role == ROLE_SMOOTH && g.cells[i].ch >= 0x2800 && g.cells[i].ch <= 0x28ff)
            braille++;
    assert_true(braille > 40);
    assert_true(grid_contains(&g, "\u2514")); /* the corner */
    grid_free(&g);
}

static void test_plot_simple(void **state)
{
    (void)state;
    struct plot_series s = known20_series();
    struct grid g = {0, 0, NULL};
    assert_int_equal(plot_simple(&g, 80, 24, &s, 1, "fastai's known curve", PLOT_ASCII), 0);
    assert_int_equal(g.w, 80);
    assert_int_equal(g.h, 24);
    char *t = grid_text(&g);
    check_golden("known20_80x24.txt", t);
    free(t);
    assert_int_equal(plot_simple(&g, 120, 40, &s, 1, NULL, PLOT_BRAILLE), 0);
    assert_int_equal(g.w, 120);
    grid_free(&g);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void test_speed_million_points(void **state)
{
    (void)state;
    size_t n = 1000000;
    double *lr = malloc(n * sizeof *lr), *loss = malloc(n * sizeof *loss);
    double *sm = malloc(n * sizeof *sm);
    assert_true(lr && loss && sm);
    uint64_t st = 1;
    double avg = 0, bp = 1;
    for (size_t i = 0; i < n; i++) {
        lr[i] = 1e-7 * pow(1e8, (double)i / (double)n);
        double x = log10(lr[i]);
        loss[i] = (2.3 - 1.6 / (1 + exp(-(x + 4) * 2.5)) + 0.02 * exp((x + 1.5) * 3)) *
                  (1 + 0.05 * noise(&st));
        avg = 0.98 * avg + 0.02 * loss[i];
        bp *= 0.98;
        sm[i] = avg / (1 - bp);
    }
    struct suggestion sg[SUGGEST_COUNT] = {{true, lr[500000], 500000},
                                           {true, lr[600000], 600000},
                                           {true, lr[700000] / 10, 700000},
                                           {true, lr[450000], 450000}};
    struct plot_series s = {lr, loss, sm, n, "big", sg};
    static const struct {
        int w, h;
        enum plot_charset cs;
    } cases[] = {{80, 24, PLOT_ASCII}, {300, 120, PLOT_BRAILLE}};
    for (size_t c = 0; c < 2; c++) {
        struct grid g;
        grid_init(&g, cases[c].w, cases[c].h);
        struct plot_opts o = plot_opts_default();
        o.charset = cases[c].cs;
        o.cursor = 654321;
        double best = HUGE_VAL;
        for (int rep = 0; rep < 3; rep++) {
            double t0 = now_ms();
            assert_int_equal(
                plot_render(&g, (struct rect){0, 0, cases[c].w, cases[c].h}, &s, 1, NULL, &o, NULL),
                0);
            double dt = now_ms() - t0;
            best = dt < best ? dt : best;
        }
        print_message("plot_render, 10^6 points, %dx%d %s: %.1f ms\n", cases[c].w, cases[c].h,
                      cases[c].cs == PLOT_BRAILLE ? "braille" : "ascii", best);
        assert_true(best < 1000); /* the target is < 50 ms; generous for sanitizer builds */
        assert_true(count_role(&g, ROLE_SMOOTH) > 40);
        grid_free(&g);
    }
    free(lr);
    free(loss);
    free(sm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_known20),
        cmocka_unit_test(test_golden_known20_live),
        cmocka_unit_test(test_golden_synth),
        cmocka_unit_test(test_golden_overlays),
        cmocka_unit_test(test_golden_divergence),
        cmocka_unit_test(test_golden_flat_single_empty),
        cmocka_unit_test(test_golden_tiny),
        cmocka_unit_test(test_known20_content),
        cmocka_unit_test(test_cursor),
        cmocka_unit_test(test_index_at_column),
        cmocka_unit_test(test_regions),
        cmocka_unit_test(test_auto_view),
        cmocka_unit_test(test_tiny_rects_confined),
        cmocka_unit_test(test_odd_data),
        cmocka_unit_test(test_unsorted_rates_match_sorted),
        cmocka_unit_test(test_zoomed_view),
        cmocka_unit_test(test_roles_and_glyphs),
        cmocka_unit_test(test_plot_simple),
        cmocka_unit_test(test_speed_million_points),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
