/* test_axis.c: decade ticks, 1-2-5 ticks, the clipped loss range and its hysteresis. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "lrfind/axis.h"

/* fastai's 20-point known curve (issue 2). */
static const double known20[20] = {2.30, 2.30, 2.29, 2.28, 2.25, 2.18, 2.05, 1.85, 1.62, 1.35,
                                   1.15, 1.00, 0.92, 0.88, 0.90, 1.00, 1.30, 1.90, 3.00, 5.00};

static void test_cell(void **state)
{
    (void)state;
    assert_int_equal(axis_cell(0, 0, 1, 10), 0);
    assert_int_equal(axis_cell(0.0999, 0, 1, 10), 0);
    assert_int_equal(axis_cell(0.1, 0, 1, 10), 1);
    assert_int_equal(axis_cell(0.95, 0, 1, 10), 9);
    assert_int_equal(axis_cell(1, 0, 1, 10), 9); /* hi belongs to the last cell */
    assert_int_equal(axis_cell(-0.001, 0, 1, 10), -1);
    assert_int_equal(axis_cell(1.001, 0, 1, 10), -1);
    assert_int_equal(axis_cell((double)NAN, 0, 1, 10), -1);
    assert_int_equal(axis_cell(0.5, 1, 1, 10), -1);
    assert_int_equal(axis_cell(0.5, 0, 1, 0), -1);
    assert_int_equal(axis_cell(-6, -7, 1, 80), 10);
}

static void test_log_label(void **state)
{
    (void)state;
    char b[AXIS_LABEL_SIZE];
    axis_log_label(1, -5, b, sizeof b);
    assert_string_equal(b, "1e-5");
    axis_log_label(2, -12, b, sizeof b);
    assert_string_equal(b, "2e-12");
    axis_log_label(1, 0, b, sizeof b);
    assert_string_equal(b, "1e0");
    axis_log_label(5, 1, b, sizeof b);
    assert_string_equal(b, "5e1");
}

static void test_log_ticks_decades(void **state)
{
    (void)state;
    struct axis_tick t[AXIS_MAX_TICKS];
    int n = axis_log_ticks(-7, 1, 81, t, AXIS_MAX_TICKS);
    assert_int_equal(n, 9);
    for (int i = 0; i < n; i++) {
        assert_close(t[i].value, -7 + i, 1e-12);
        assert_int_equal(t[i].pos, i == 8 ? 80 : 10 * i);
    }
    assert_string_equal(t[0].label, "1e-7");
    assert_string_equal(t[7].label, "1e0");
    assert_string_equal(t[8].label, "1e1");
    /* non-integer ends: only the decades inside */
    n = axis_log_ticks(-6.5, -2.2, 60, t, AXIS_MAX_TICKS);
    assert_int_equal(n, 4);
    assert_string_equal(t[0].label, "1e-6");
    assert_string_equal(t[3].label, "1e-3");
}

static void test_log_ticks_thinned(void **state)
{
    (void)state;
    struct axis_tick t[AXIS_MAX_TICKS];
    /* 8 decades in 30 cells: 3.75 cells a decade cannot hold "1e-7" + 2 blanks */
    int n = axis_log_ticks(-7, 1, 30, t, AXIS_MAX_TICKS);
    assert_int_equal(n, 4);
    assert_string_equal(t[0].label, "1e-6");
    assert_string_equal(t[1].label, "1e-4");
    assert_string_equal(t[3].label, "1e0");
    /* 8 decades in 16 cells: every 3rd */
    n = axis_log_ticks(-7, 1, 16, t, AXIS_MAX_TICKS);
    assert_int_equal(n, 3);
    assert_string_equal(t[0].label, "1e-6");
    assert_string_equal(t[1].label, "1e-3");
    assert_string_equal(t[2].label, "1e0");
    /* 200 decades: too many candidates for step 1 but a coarse step works */
    n = axis_log_ticks(-100, 100, 100, t, AXIS_MAX_TICKS);
    assert_true(n >= 2);
    assert_true(n <= 20);
}

/* Whether labels centred on their cells keep two blanks between them. */
static bool no_collision(const struct axis_tick *t, int n)
{
    for (int i = 1; i < n; i++) {
        int l0 = (int)strlen(t[i - 1].label), l1 = (int)strlen(t[i].label);
        if ((t[i].pos - l1 / 2) - (t[i - 1].pos - l0 / 2 + l0) < 2)
            return false;
        if (!(t[i].value > t[i - 1].value))
            return false;
    }
    return true;
}

static void test_log_ticks_never_collide(void **state)
{
    (void)state;
    struct axis_tick t[AXIS_MAX_TICKS];
    for (int len = 1; len <= 300; len += 7)
        for (double lo = -12; lo < 0; lo += 0.73)
            for (double span = 0.05; span < 14; span *= 1.7) {
                int n = axis_log_ticks(lo, lo + span, len, t, AXIS_MAX_TICKS);
                assert_true(n >= 0);
                assert_true(no_collision(t, n));
                for (int i = 0; i < n; i++) {
                    assert_true(t[i].value >= lo - 1e-9 && t[i].value <= lo + span + 1e-9);
                    assert_true(t[i].pos >= 0 && t[i].pos < len);
                }
                /* a full-width plot of at least two decades always gets two ticks */
                if (len >= 60 && span >= 2)
                    assert_true(n >= 2);
            }
}

static void test_log_ticks_zoomed(void **state)
{
    (void)state;
    struct axis_tick t[AXIS_MAX_TICKS];
    /* between 1e-4 and 1e-3: 1-2-5 */
    int n = axis_log_ticks(-4, -3, 60, t, AXIS_MAX_TICKS);
    assert_int_equal(n, 4);
    assert_string_equal(t[0].label, "1e-4");
    assert_string_equal(t[1].label, "2e-4");
    assert_string_equal(t[2].label, "5e-4");
    assert_string_equal(t[3].label, "1e-3");
    assert_close(t[1].value, log10(2e-4), 1e-12);
    /* 2e-4 .. 4.5e-4: only 1..9 mantissas give two ticks */
    n = axis_log_ticks(log10(2.5e-4), log10(4.5e-4), 60, t, AXIS_MAX_TICKS);
    assert_int_equal(n, 2);
    assert_string_equal(t[0].label, "3e-4");
    assert_string_equal(t[1].label, "4e-4");
    /* no tick at all inside */
    n = axis_log_ticks(log10(2.1e-4), log10(2.2e-4), 60, t, AXIS_MAX_TICKS);
    assert_int_equal(n, 0);
}

static void test_log_ticks_bad_input(void **state)
{
    (void)state;
    struct axis_tick t[AXIS_MAX_TICKS];
    assert_int_equal(axis_log_ticks(1, 1, 80, t, AXIS_MAX_TICKS), 0);
    assert_int_equal(axis_log_ticks(2, 1, 80, t, AXIS_MAX_TICKS), 0);
    assert_int_equal(axis_log_ticks((double)NAN, 1, 80, t, AXIS_MAX_TICKS), 0);
    assert_int_equal(axis_log_ticks(-7, HUGE_VAL, 80, t, AXIS_MAX_TICKS), 0);
    assert_int_equal(axis_log_ticks(-7, 1, 0, t, AXIS_MAX_TICKS), 0);
    assert_int_equal(axis_log_ticks(-7, 1, 80, t, 0), 0);
    /* max caps the count */
    int n = axis_log_ticks(-7, 1, 200, t, 3);
    assert_true(n <= 3);
}

static void test_nice_step(void **state)
{
    (void)state;
    assert_close(axis_nice_step(0, 10, 10, 1), 1, 1e-12);
    assert_close(axis_nice_step(0, 10, 10, 2), 2, 1e-12);
    assert_close(axis_nice_step(0, 10, 10, 3), 5, 1e-12);
    assert_close(axis_nice_step(0, 10, 10, 6), 10, 1e-12);
    assert_close(axis_nice_step(0.8, 2.7, 18, 3), 0.5, 1e-12);
    assert_close(axis_nice_step(0, 1e-6, 10, 2), 2e-7, 1e-12);
    assert_close(axis_nice_step(0, 1, 1, 1), 1, 1e-12);
    assert_int_equal(axis_nice_step(1, 1, 10, 2), 0);
    assert_int_equal(axis_nice_step(0, 1, 0, 2), 0);
    /* always 1, 2 or 5 times a power of ten, and wide enough */
    for (double span = 1e-5; span < 1e7; span *= 1.37)
        for (int len = 2; len < 130; len += 9) {
            double st = axis_nice_step(3, 3 + span, len, 3);
            double m = st / pow(10, floor(log10(st) + 1e-9));
            assert_true(fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9);
            assert_true(st / span * len >= 3 * (1 - 1e-9));
        }
}

static void test_linear_ticks(void **state)
{
    (void)state;
    struct axis_tick t[AXIS_MAX_TICKS];
    int n = axis_linear_ticks(0.8, 2.7, 18, 3, t, AXIS_MAX_TICKS);
    assert_int_equal(n, 4);
    assert_string_equal(t[0].label, "1.0");
    assert_string_equal(t[1].label, "1.5");
    assert_string_equal(t[2].label, "2.0");
    assert_string_equal(t[3].label, "2.5");
    assert_int_equal(t[0].pos, 1);
    n = axis_linear_ticks(0, 10, 10, 2, t, AXIS_MAX_TICKS);
    assert_int_equal(n, 6);
    assert_string_equal(t[0].label, "0");
    assert_string_equal(t[5].label, "10");
    assert_int_equal(t[5].pos, 9);
    n = axis_linear_ticks(0.21, 0.29, 16, 2, t, AXIS_MAX_TICKS);
    assert_string_equal(t[0].label, "0.21");
    /* around zero: no "-0.0" */
    n = axis_linear_ticks(-0.3, 0.3, 12, 2, t, AXIS_MAX_TICKS);
    for (int i = 0; i < n; i++)
        assert_string_not_equal(t[i].label, "-0.0");
    assert_string_equal(t[n / 2].label, "0.0");
    /* big values use %g */
    n = axis_linear_ticks(1e6, 5e6, 20, 3, t, AXIS_MAX_TICKS);
    assert_true(n >= 2);
    assert_string_equal(t[0].label, "1e+06");
    assert_int_equal(axis_linear_ticks(1, 1, 10, 2, t, AXIS_MAX_TICKS), 0);
    assert_int_equal(axis_linear_ticks(0, 1, 0, 2, t, AXIS_MAX_TICKS), 0);
}

static void test_linear_ticks_properties(void **state)
{
    (void)state;
    struct axis_tick t[AXIS_MAX_TICKS];
    for (double lo = -3; lo < 4; lo += 0.61)
        for (double span = 1e-4; span < 1e4; span *= 3.1)
            for (int len = 2; len <= 120; len += 13) {
                int n = axis_linear_ticks(lo, lo + span, len, 2, t, AXIS_MAX_TICKS);
                for (int i = 0; i < n; i++) {
                    assert_true(t[i].value >= lo - 1e-9 * span);
                    assert_true(t[i].value <= lo + span + 1e-9 * span);
                    assert_true(t[i].pos >= 0 && t[i].pos < len);
                    assert_true(strlen(t[i].label) <= 12);
                    if (i > 0) {
                        assert_true(t[i].pos > t[i - 1].pos); /* never two labels on a row */
                        assert_string_not_equal(t[i].label, t[i - 1].label);
                    }
                }
            }
}

static void test_loss_range_known_curve_clips(void **state)
{
    (void)state;
    struct axis_range r;
    assert_true(axis_loss_range(known20, known20, 20, &r));
    /* ref = 2.30 (the start), clip = 2.30 + 0.25 * (2.30 - 0.88) = 2.655; 5% margins */
    double span = 2.655 - 0.88;
    assert_close(r.lo, 0.88 - 0.05 * span, 1e-9);
    assert_close(r.hi, 2.655 + 0.05 * span, 1e-9);
    assert_true(r.hi < 3.0); /* the divergence to 5.0 is clipped */
}

static void test_loss_range_no_divergence(void **state)
{
    (void)state;
    /* a dip that only comes back to 2.4: all of it is shown */
    double v[50];
    for (int i = 0; i < 50; i++)
        v[i] = 1 + 1.3 * ((i - 30) / 30.0) * ((i - 30) / 30.0);
    v[49] = 2.4;
    struct axis_range r;
    assert_true(axis_loss_range(NULL, v, 50, &r));
    double top = 2.4, bot = 1.0;
    assert_close(r.hi, top + 0.05 * (top - bot), 1e-9);
    assert_close(r.lo, bot - 0.05 * (top - bot), 1e-9);
}

static void test_loss_range_huge_divergence(void **state)
{
    (void)state;
    /* a blow-up to 1e30 over the last 5% must not flatten the dip */
    double v[1000];
    for (int i = 0; i < 1000; i++)
        v[i] = i < 950 ? 2.0 - 1.5 * sin(M_PI * i / 950.0) : pow(10, (i - 950) * 0.6);
    struct axis_range r;
    assert_true(axis_loss_range(v, v, 1000, &r));
    assert_true(r.hi < 3.0);
    assert_true(r.lo < 0.51 && r.lo >= 0);
    /* +inf and NaN are ignored */
    v[999] = HUGE_VAL;
    v[998] = (double)NAN;
    struct axis_range r2;
    assert_true(axis_loss_range(v, v, 1000, &r2));
    assert_close(r2.hi, r.hi, 1e-12);
}

static void test_loss_range_raw_widens_bottom(void **state)
{
    (void)state;
    double sm[100], raw[100];
    for (int i = 0; i < 100; i++) {
        sm[i] = 2 - i / 100.0;
        raw[i] = sm[i] + ((i % 2) ? 0.3 : -0.3);
    }
    struct axis_range a, b;
    assert_true(axis_loss_range(NULL, sm, 100, &a));
    assert_true(axis_loss_range(raw, sm, 100, &b));
    assert_true(b.lo < a.lo);
    assert_close(b.hi, a.hi + 0.05 * ((b.hi - b.lo) / 1.1 - (a.hi - a.lo) / 1.1), 1e-9);
}

static void test_loss_range_flat_and_edge(void **state)
{
    (void)state;
    double flat[10];
    for (int i = 0; i < 10; i++)
        flat[i] = 2.5;
    struct axis_range r;
    assert_true(axis_loss_range(flat, flat, 10, &r));
    assert_close(r.lo, 2.25, 1e-12);
    assert_close(r.hi, 2.75, 1e-12);
    double zero[3] = {0, 0, 0};
    assert_true(axis_loss_range(NULL, zero, 3, &r));
    assert_close(r.lo, 0, 1e-12);
    assert_close(r.hi, 1, 1e-12);
    double one = 7;
    assert_true(axis_loss_range(&one, &one, 1, &r));
    assert_true(r.lo < 7 && r.hi > 7);
    /* ref = -2 (the top before the minimum), drop = 2, clip = -1.5: the last point is clipped */
    double neg[4] = {-3, -2, -4, -1};
    assert_true(axis_loss_range(NULL, neg, 4, &r));
    assert_close(r.lo, -4 - 0.05 * 2.5, 1e-12);
    assert_close(r.hi, -1.5 + 0.05 * 2.5, 1e-12);
    /* noise on a plateau is not clipped: drop is at least 10% of the level */
    double plateau[4] = {2.30, 2.31, 2.32, 2.33};
    assert_true(axis_loss_range(NULL, plateau, 4, &r));
    assert_true(r.hi > 2.33);
    double bad[3] = {(double)NAN, HUGE_VAL, -HUGE_VAL};
    r.lo = 123;
    assert_false(axis_loss_range(bad, bad, 3, &r));
    assert_close(r.lo, 123, 0);
    assert_false(axis_loss_range(NULL, NULL, 3, &r));
    assert_false(axis_loss_range(flat, flat, 0, &r));
    /* non-negative losses never get a negative bottom */
    double v[3] = {0.01, 5, 0.02};
    assert_true(axis_loss_range(NULL, v, 3, &r));
    assert_true(r.lo >= 0);
}

static void test_loss_range_big_input_is_one_pass(void **state)
{
    (void)state;
    size_t n = 1000000;
    double *v = malloc(n * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++)
        v[i] = 2 - sin(M_PI * (double)i / (double)n);
    struct axis_range r;
    assert_true(axis_loss_range(v, v, n, &r));
    assert_true(r.lo >= 0.9 && r.lo < 1.0);
    assert_true(r.hi > 2.0 && r.hi < 2.1);
    free(v);
}

static void test_hysteresis(void **state)
{
    (void)state;
    bool changed;
    struct axis_range prev = {0, 10};
    /* inside and tall enough: kept */
    struct axis_range out = axis_range_hysteresis(&prev, (struct axis_range){1, 9}, &changed);
    assert_false(changed);
    assert_close(out.lo, 0, 0);
    assert_close(out.hi, 10, 0);
    out = axis_range_hysteresis(&prev, (struct axis_range){2, 7}, &changed);
    assert_false(changed);
    /* leaves the range at the top: 25% headroom there, 10% at the bottom */
    out = axis_range_hysteresis(&prev, (struct axis_range){1, 11}, &changed);
    assert_true(changed);
    assert_close(out.lo, 0, 1e-12); /* 1 - 1 = 0 */
    assert_close(out.hi, 13.5, 1e-12);
    /* shrinks to less than half: rescaled */
    out = axis_range_hysteresis(&prev, (struct axis_range){2, 6}, &changed);
    assert_true(changed);
    assert_close(out.lo, 1.6, 1e-12);
    assert_close(out.hi, 6.4, 1e-12);
    /* non-negative want never gets a negative bottom */
    out = axis_range_hysteresis(&prev, (struct axis_range){0.1, 20}, &changed);
    assert_true(changed);
    assert_close(out.lo, 0, 0);
    /* negative data may go below zero */
    out = axis_range_hysteresis(&prev, (struct axis_range){-1, 9}, &changed);
    assert_true(changed);
    assert_close(out.lo, -3.5, 1e-12);
    assert_close(out.hi, 10, 1e-12);
    /* no previous range */
    out = axis_range_hysteresis(NULL, (struct axis_range){1, 2}, &changed);
    assert_true(changed);
    assert_close(out.lo, 0.9, 1e-12);
    struct axis_range bad = {5, 5};
    out = axis_range_hysteresis(&bad, (struct axis_range){1, 2}, NULL);
    assert_close(out.hi, 2.1, 1e-12);
    /* a degenerate want keeps prev */
    out = axis_range_hysteresis(&prev, (struct axis_range){3, 3}, &changed);
    assert_false(changed);
    assert_close(out.hi, 10, 0);
}

static void test_hysteresis_is_stable_on_a_live_curve(void **state)
{
    (void)state;
    /* the known curve growing point by point: few rescales, and each result contains want */
    struct axis_range cur = {0, 0};
    int changes = 0;
    for (size_t n = 1; n <= 17; n++) {
        struct axis_range want;
        assert_true(axis_loss_range(known20, known20, n, &want));
        bool changed;
        cur = axis_range_hysteresis(changes ? &cur : NULL, want, &changed);
        changes += changed;
        assert_true(cur.lo <= want.lo && cur.hi >= want.hi);
        /* applying it again with the same want never moves */
        axis_range_hysteresis(&cur, want, &changed);
        assert_false(changed);
    }
    assert_true(changes <= 6); /* of 17 points, 12 of which fall steeply */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cell),
        cmocka_unit_test(test_log_label),
        cmocka_unit_test(test_log_ticks_decades),
        cmocka_unit_test(test_log_ticks_thinned),
        cmocka_unit_test(test_log_ticks_never_collide),
        cmocka_unit_test(test_log_ticks_zoomed),
        cmocka_unit_test(test_log_ticks_bad_input),
        cmocka_unit_test(test_nice_step),
        cmocka_unit_test(test_linear_ticks),
        cmocka_unit_test(test_linear_ticks_properties),
        cmocka_unit_test(test_loss_range_known_curve_clips),
        cmocka_unit_test(test_loss_range_no_divergence),
        cmocka_unit_test(test_loss_range_huge_divergence),
        cmocka_unit_test(test_loss_range_raw_widens_bottom),
        cmocka_unit_test(test_loss_range_flat_and_edge),
        cmocka_unit_test(test_loss_range_big_input_is_one_pass),
        cmocka_unit_test(test_hysteresis),
        cmocka_unit_test(test_hysteresis_is_stable_on_a_live_curve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
