/* csv.h: sweep files. The writer emits
 *     # lrfind 1 start_lr=1e-07 end_lr=10 iterations=100 smoothing=0.98 trainer=builtin ...
 *     iter,lr,loss,smooth_loss
 *     0,1e-07,2.302585092994046,2.302585092994046
 * with %.17g numbers, atomically. The reader takes any CSV whose header names `lr` and `loss`
 * (any order, extra columns ignored, `#` lines are comments, `nan`/`inf` losses allowed) and
 * reports bad input as file:line:column. Also accepted: a UTF-8 BOM, CRLF, blank lines, quoted
 * cells ("a, ""b""" style), and an empty loss or smooth_loss cell as NaN (pandas' NaN). */
#ifndef LRFIND_CSV_H
#define LRFIND_CSV_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include "lrfind/error.h"
#include "lrfind/sweep.h"

struct sweep_file {
    char *path;
    size_t n;
    double *lr, *loss; /* [n] */
    double *smooth;    /* [n], NULL when the file has no smooth_loss column */
    /* From the "# lrfind 1 key=value ..." line when present, else -1 / NaN / "": */
    long iterations;
    long skip_start, skip_end; /* -1: skip_start=auto; -2: absent */
    double start_lr, end_lr, multiplier, smoothing, stop_factor;
    char trainer[64];
};

/* Parse text (len bytes) named name (for messages). Returns 0 or -1 with err. */
int csv_read_buffer(const char *name, const char *text, size_t len, struct sweep_file *out,
                    struct lrf_error *err);
/* Read and parse a file ("-" is stdin). Returns 0 or -1 with err. */
int csv_read_file(const char *path, struct sweep_file *out, struct lrf_error *err);
void sweep_file_free(struct sweep_file *f);

/* Write the sweep to fp: meta (without "# ", may be NULL) then the header and one row a point. */
int csv_write(FILE *fp, const struct sweep *sw, const char *meta);
/* csv_write to path atomically (temp file + rename). Returns 0 or -1 with err. */
int csv_save(const char *path, const struct sweep *sw, const char *meta, struct lrf_error *err);

#endif
