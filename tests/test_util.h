/* test_util.h: helpers shared by the cmocka tests. cmocka 1.1.5 has no assert_double_equal. */
#ifndef LRFIND_TEST_UTIL_H
#define LRFIND_TEST_UTIL_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* |a - b| <= tol * max(1, |a|, |b|), with NaN equal to NaN. */
#define assert_close(a, b, tol) assert_close_at((a), (b), (tol), #a, #b, __FILE__, __LINE__)

static inline void assert_close_at(double a, double b, double tol, const char *sa, const char *sb,
                                   const char *file, int line)
{
    if (isnan(a) && isnan(b))
        return;
    double scale = fmax(1.0, fmax(fabs(a), fabs(b)));
    if (!(fabs(a - b) <= tol * scale) && !(a == b)) {
        print_error("%s (%.17g) != %s (%.17g) within %g\n", sa, a, sb, b, tol);
        _fail(file, line);
    }
}

#endif
