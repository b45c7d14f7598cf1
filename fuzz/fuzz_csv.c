/* fuzz_csv.c: libFuzzer target for the sweep file reader. Any input must either fail with a
 * located error or give a sweep whose rates are finite, positive and strictly increasing. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "lrfind/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sweep_file f;
    struct lrf_error err;
    if (csv_read_buffer("fuzz.csv", (const char *)data, size, &f, &err) == 0) {
        if (f.n == 0)
            abort();
        for (size_t i = 0; i < f.n; i++)
            if (!(f.lr[i] > 0) || !isfinite(f.lr[i]) || (i > 0 && !(f.lr[i] > f.lr[i - 1])))
                abort();
    } else if (err.line < 1 || err.column < 1 || err.msg[0] == '\0') {
        abort(); /* every parse error is located */
    }
    sweep_file_free(&f);
    return 0;
}
