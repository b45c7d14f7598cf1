/* error.c: the caller-owned error record. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lrfind/error.h"

int lrf_error_set(struct lrf_error *err, const char *file, int line, int column, const char *fmt, ...)
{
    if (err == NULL)
        return -1;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

void lrf_error_clear(struct lrf_error *err)
{
    if (err != NULL)
        memset(err, 0, sizeof *err);
}

const char *lrf_error_format(const struct lrf_error *err, char *buf, size_t size)
{
    if (err->file[0] == '\0')
        snprintf(buf, size, "%s", err->msg);
    else if (err->line <= 0)
        snprintf(buf, size, "%s: %s", err->file, err->msg);
    else if (err->column <= 0)
        snprintf(buf, size, "%s:%d: %s", err->file, err->line, err->msg);
    else
        snprintf(buf, size, "%s:%d:%d: %s", err->file, err->line, err->column, err->msg);
    return buf;
}
