/* result.h: the result of a sweep as YAML or JSON: the settings used, each suggestion (rate
 * and index), the picked rate, the stop reason, the number of points, the window, timing. */
#ifndef LRFIND_RESULT_H
#define LRFIND_RESULT_H

#include <stdbool.h>
#include <stdio.h>
#include "lrfind/error.h"
#include "lrfind/suggest.h"
#include "lrfind/sweep.h"

struct lrf_config;

struct result {
    const char *file;              /* the sweep file it was read from, or NULL */
    const struct lrf_config *cfg;  /* the settings used, or NULL (suggest on a file) */
    size_t points;
    enum stop_reason stop;
    size_t stop_index;
    size_t window[2];
    unsigned methods;              /* mask of the methods to report */
    struct suggestion sugg[SUGGEST_COUNT];
    bool has_pick;
    double pick_lr;
    const char *pick_source;       /* "valley", ..., or "cursor" */
    double wall_s, steps_per_s;    /* < 0 when unknown */
    const char *trainer_name;      /* what the trainer calls itself, or NULL */
    const char *trainer_info;      /* its model and data in a line, or NULL */
};

enum result_format { RESULT_TEXT, RESULT_JSON, RESULT_YAML };

/* "text", "json", "yaml" -> format, or -1. */
int result_format_parse(const char *s);
/* Print r to fp in the given format (JSON: one object, no trailing newline after '}' is added). */
void result_print(FILE *fp, const struct result *r, enum result_format fmt);
/* Save r atomically; the format follows the extension (.json, else YAML). 0 or -1 with err. */
int result_save(const char *path, const struct result *r, struct lrf_error *err);
/* Write s as a JSON string literal (quotes and escapes included). */
void json_write_string(FILE *fp, const char *s);

#endif
