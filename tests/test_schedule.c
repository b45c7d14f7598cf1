/* test_schedule.c: the learning-rate ladder: known values, exact first rate, re-anchoring,
 * moving the end, and no drift over 10^6 steps against a long double reference. */
#include "config.h"

#include <math.h>

#include "test_util.h"

#include "lrfind/schedule.h"

/* fastai's SchedExp(1e-7, 10)(i/100), printed by Python with %.17g. */
static void test_range_fastai_values(void **state)
{
    (void)state;
    struct schedule s;
    schedule_init_range(&s, SCHED_EXPONENTIAL, 1e-7, 10, 100);
    assert_true(schedule_lr(&s, 0) == 1e-7); /* exactly start_lr */
    assert_true(schedule_lr(&s, 1) == 1.202264434617413e-07);
    assert_true(schedule_lr(&s, 37) == 9.1201083935590964e-05);
    assert_true(schedule_lr(&s, 99) == 8.317637711026709);
    assert_true(schedule_lr(&s, 100) == 10);
    assert_int_equal(s.n, 100);
    assert_true(s.end_lr == 10);
    assert_close(schedule_multiplier(&s), pow(10, 0.08), 1e-15);
    assert_close(schedule_ratio_at(&s, 42), pow(10, 0.08), 1e-15);
}

/* Every rate is start * pow(end/start, i/N), bit for bit, and the first is start for any range. */
static void test_range_closed_form(void **state)
{
    (void)state;
    const double starts[] = {1e-7, 3e-5, 0.1, 1.0 / 3.0};
    const double ends[] = {10, 1, 7.5, 100};
    const long ns[] = {2, 7, 100, 1000};
    for (size_t a = 0; a < 4; a++) {
        for (size_t b = 0; b < 4; b++) {
            struct schedule s;
            schedule_init_range(&s, SCHED_EXPONENTIAL, starts[a], ends[a], ns[b]);
            assert_true(schedule_lr(&s, 0) == starts[a]);
            double prev = 0;
            for (long i = 0; i < ns[b]; i++) {
                double lr = schedule_lr(&s, i);
                assert_true(lr == starts[a] * pow(ends[a] / starts[a], (double)i / (double)ns[b]));
                assert_true(lr > prev);
                assert_true(lr < ends[a]); /* end_lr itself is never reached */
                prev = lr;
            }
        }
    }
}

static void test_multiplier(void **state)
{
    (void)state;
    struct schedule s;
    schedule_init_multiplier(&s, 1e-3, 1.3, 50);
    assert_int_equal(s.mode, SCHED_EXPONENTIAL);
    assert_true(s.end_lr == 0);
    assert_int_equal(s.n, 50);
    assert_true(schedule_lr(&s, 0) == 1e-3);
    assert_true(schedule_lr(&s, 10) == 0.013785849184900006); /* Python: 1e-3 * 1.3**10 */
    for (long i = 0; i < 50; i++)
        assert_true(schedule_lr(&s, i) == 1e-3 * pow(1.3, (double)i));
    assert_true(schedule_multiplier(&s) == 1.3);
    assert_true(schedule_ratio_at(&s, 7) == 1.3);
}

static void test_linear(void **state)
{
    (void)state;
    struct schedule s;
    schedule_init_range(&s, SCHED_LINEAR, 0.001, 0.1, 100);
    assert_true(schedule_lr(&s, 0) == 0.001);
    assert_close(schedule_lr(&s, 50), 0.0505, 1e-15);
    assert_close(schedule_lr(&s, 99), 0.001 + 0.099 * 0.99, 1e-15);
    assert_close(schedule_lr(&s, 100), 0.1, 1e-15);
    for (long i = 0; i <= 100; i++)
        assert_true(schedule_lr(&s, i) == 0.001 + (0.1 - 0.001) * (double)i / 100.0);
    /* Equal steps. */
    for (long i = 1; i <= 100; i++)
        assert_close(schedule_lr(&s, i) - schedule_lr(&s, i - 1), 0.00099, 1e-12);
    assert_close(schedule_multiplier(&s), schedule_lr(&s, 1) / schedule_lr(&s, 0), 1e-15);
    assert_close(schedule_multiplier(&s), 0.00199 / 0.001, 1e-12);
    assert_close(schedule_ratio_at(&s, 10), 0.01189 / 0.0109, 1e-12);
}

/* A new multiplier at k continues from the rate of k: lr_i = lr_k * m'^(i-k). */
static void test_set_multiplier_continuity(void **state)
{
    (void)state;
    struct schedule s;
    schedule_init_range(&s, SCHED_EXPONENTIAL, 1e-7, 10, 100);
    double lr30 = schedule_lr(&s, 30);
    schedule_set_multiplier(&s, 30, 1.5);
    assert_true(schedule_lr(&s, 30) == lr30); /* exactly, no jump */
    for (long i = 30; i < 100; i++)
        assert_true(schedule_lr(&s, i) == lr30 * pow(1.5, (double)(i - 30)));
    assert_true(schedule_multiplier(&s) == 1.5);
    assert_true(s.end_lr == 0);
    assert_int_equal(s.n, 100);

    /* A second change re-anchors from the second anchor, not from the first. */
    double lr40 = schedule_lr(&s, 40);
    schedule_set_multiplier(&s, 40, 1.01);
    assert_true(schedule_lr(&s, 40) == lr40);
    assert_true(schedule_lr(&s, 45) == lr40 * pow(1.01, 5.0));
    assert_close(schedule_lr(&s, 41) / schedule_lr(&s, 40), 1.01, 1e-14);

    /* Slowing down below 1 is the caller's choice; the formula still holds. */
    schedule_set_multiplier(&s, 50, 0.5);
    assert_close(schedule_lr(&s, 52), schedule_lr(&s, 50) * 0.25, 1e-15);
}

static void test_set_multiplier_from_linear(void **state)
{
    (void)state;
    struct schedule s;
    schedule_init_range(&s, SCHED_LINEAR, 0.01, 1, 10);
    double lr4 = schedule_lr(&s, 4);
    schedule_set_multiplier(&s, 4, 2.0);
    assert_int_equal(s.mode, SCHED_EXPONENTIAL);
    assert_true(schedule_lr(&s, 4) == lr4);
    assert_true(schedule_lr(&s, 7) == lr4 * 8);
    assert_true(schedule_multiplier(&s) == 2.0);
}

/* A new N moves the end and keeps the factor (exponential) or step (linear); no rate changes. */
static void test_set_iterations(void **state)
{
    (void)state;
    struct schedule s, before;
    schedule_init_range(&s, SCHED_EXPONENTIAL, 1e-7, 10, 100);
    before = s;
    schedule_set_iterations(&s, 200);
    assert_int_equal(s.n, 200);
    for (long i = 0; i < 200; i++)
        assert_true(schedule_lr(&s, i) == schedule_lr(&before, i));
    assert_true(schedule_multiplier(&s) == schedule_multiplier(&before));
    assert_close(s.end_lr, 1e9, 1e-13);
    schedule_set_iterations(&s, 50);
    assert_int_equal(s.n, 50);
    assert_close(s.end_lr, 1e-3, 1e-13);
    assert_true(schedule_lr(&s, 49) == schedule_lr(&before, 49));
    schedule_set_iterations(&s, 100);
    assert_close(s.end_lr, 10, 1e-14);

    schedule_init_range(&s, SCHED_LINEAR, 0.001, 0.1, 100);
    before = s;
    schedule_set_iterations(&s, 150);
    assert_int_equal(s.n, 150);
    for (long i = 0; i < 150; i++)
        assert_true(schedule_lr(&s, i) == schedule_lr(&before, i));
    assert_close(s.end_lr, 0.001 + 0.099 * 1.5, 1e-14);
    assert_close(schedule_lr(&s, 150) - schedule_lr(&s, 149), 0.00099, 1e-12);

    /* After a multiplier change (or from a multiplier) the end rate stays unset. */
    schedule_init_multiplier(&s, 1e-5, 1.1, 100);
    before = s;
    schedule_set_iterations(&s, 300);
    assert_true(s.end_lr == 0);
    assert_int_equal(s.n, 300);
    assert_true(schedule_lr(&s, 250) == schedule_lr(&before, 250));
    schedule_init_range(&s, SCHED_EXPONENTIAL, 1e-7, 10, 100);
    schedule_set_multiplier(&s, 20, 1.2);
    before = s;
    schedule_set_iterations(&s, 40);
    assert_true(s.end_lr == 0);
    assert_true(schedule_lr(&s, 30) == schedule_lr(&before, 30));
    assert_true(schedule_multiplier(&s) == 1.2);

    /* The same N changes nothing at all. */
    schedule_init_range(&s, SCHED_EXPONENTIAL, 1e-7, 10, 100);
    schedule_set_iterations(&s, 100);
    assert_true(s.end_lr == 10);
}

/* Closed form against a long double reference over 10^6 steps; repeated multiplication would
 * accumulate about one rounding per step. */
static void test_no_drift(void **state)
{
    (void)state;
    const long n = 1000000;
    struct schedule s;
    schedule_init_range(&s, SCHED_EXPONENTIAL, 1e-7, 10, n);
    long double base = (long double)10 / (long double)1e-7;
    double worst = 0;
    for (long i = 0; i < n; i += 7) { /* every 7th: powl is slow, and the error has no period */
        long double ref = (long double)1e-7 * powl(base, (long double)i / (long double)n);
        double rel = (double)fabsl(((long double)schedule_lr(&s, i) - ref) / ref);
        if (rel > worst)
            worst = rel;
    }
    assert_true(worst < 4e-15);

    schedule_init_multiplier(&s, 1e-7, 1.00001, n);
    worst = 0;
    double repeated = 1e-7, worst_repeated = 0;
    for (long i = 0; i < n; i++, repeated *= 1.00001) {
        if (i % 7 != 0 && i != n - 1)
            continue;
        long double ref = (long double)1e-7 * powl((long double)1.00001, (long double)i);
        double rel = (double)fabsl(((long double)schedule_lr(&s, i) - ref) / ref);
        if (rel > worst)
            worst = rel;
        double rel_rep = (double)fabsl(((long double)repeated - ref) / ref);
        if (rel_rep > worst_repeated)
            worst_repeated = rel_rep;
    }
    assert_true(worst < 1e-15);
    /* The reason for the closed form: the product drifts by orders of magnitude more. */
    assert_true(worst_repeated > 100 * worst);

    /* After a re-anchor at 500000 the rates keep to lr_k * m^(i-k). */
    schedule_init_range(&s, SCHED_EXPONENTIAL, 1e-7, 10, n);
    double lr_k = schedule_lr(&s, 500000);
    schedule_set_multiplier(&s, 500000, 1.000002);
    worst = 0;
    for (long i = 500000; i < n; i += 7) {
        long double ref = (long double)lr_k * powl((long double)1.000002, (long double)(i - 500000));
        double rel = (double)fabsl(((long double)schedule_lr(&s, i) - ref) / ref);
        if (rel > worst)
            worst = rel;
    }
    assert_true(worst < 1e-15);
}

/* A range wider than the doubles (end/start overflows) still gives finite rates from start on. */
static void test_huge_range(void **state)
{
    (void)state;
    struct schedule s;
    schedule_init_range(&s, SCHED_EXPONENTIAL, 1e-300, 1e300, 100);
    assert_true(schedule_lr(&s, 0) == 1e-300);
    for (long i = 0; i <= 100; i++) {
        double lr = schedule_lr(&s, i), want = pow(10, -300 + 6 * (double)i);
        assert_true(isfinite(lr));
        assert_close(lr / want, 1, 1e-12);
    }
    assert_close(schedule_multiplier(&s), 1e6, 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_range_fastai_values),
        cmocka_unit_test(test_range_closed_form),
        cmocka_unit_test(test_multiplier),
        cmocka_unit_test(test_linear),
        cmocka_unit_test(test_set_multiplier_continuity),
        cmocka_unit_test(test_set_multiplier_from_linear),
        cmocka_unit_test(test_set_iterations),
        cmocka_unit_test(test_no_drift),
        cmocka_unit_test(test_huge_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
