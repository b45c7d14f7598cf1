/* fuzz_data.c: libFuzzer target for the built-in trainer's data readers: the first byte picks
 * the CSV options or the IDX reader (the rest split into an images and a labels file). Any
 * input must either fail with a message or give a data set with samples. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lrfind/data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    data++, size--;
    struct lrf_dataset ds;
    memset(&ds, 0, sizeof ds);
    struct lrf_error err;
    memset(&err, 0, sizeof err);
    int rc;
    if (mode & 0x80) {
        size_t cut = size ? (size_t)data[0] * size / 256 : 0;
        rc = data_parse_idx(&ds, "images", data, cut, "labels", data + cut, size - cut, &err);
    } else {
        static const char *const labels[] = {NULL, "label", "0", "-1"};
        struct data_csv_opts o = {labels[mode & 3], (int)((mode >> 2) % 3) - 1, (mode >> 4) & 1};
        rc = data_parse_csv(&ds, "fuzz.csv", (const char *)data, size, &o, &err);
    }
    if (rc == 0 && ds.n == 0)
        abort(); /* a data set without samples must be an error */
    if (rc != 0 && err.msg[0] == '\0')
        abort(); /* every failure says why */
    data_free(&ds);
    return 0;
}
