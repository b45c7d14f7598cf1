/* error.h: a caller-owned error record that modules fill and only main prints.
 * Messages read "file:line:column: what is wrong (what was expected)". */
#ifndef LRFIND_ERROR_H
#define LRFIND_ERROR_H

#include <stddef.h>

struct lrf_error {
    char file[256]; /* "" when the error is not about a file */
    int line;       /* 1-based; 0 when unknown */
    int column;     /* 1-based; 0 when unknown */
    char msg[512];
};

/* Fill err (if not NULL) with a location and a printf-style message; returns -1. */
int lrf_error_set(struct lrf_error *err, const char *file, int line, int column, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Reset err to "no error". */
void lrf_error_clear(struct lrf_error *err);

/* Render err as "file:line:column: msg" (parts omitted when unknown) into buf. */
const char *lrf_error_format(const struct lrf_error *err, char *buf, size_t size);

#endif
