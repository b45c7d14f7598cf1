/* suggest.h: fastai's learning-rate suggestions, exactly as fastai computes them.
 *   valley  - longest strictly decreasing run of losses, 2/3 of the way down (O(n log n))
 *   slide   - interval slide rule on np.gradient of the losses
 *   minimum - the rate at the first lowest loss, divided by 10
 *   steep   - the left rate of the steepest forward difference of loss against ln(lr)
 * The raw functions work on plain arrays and give indexes into them; suggest_all applies the
 * window [skip_start, len - skip_end), cut at the first non-finite loss, and gives sweep indexes.
 * NaN inside the raw functions' input (suggest_all never passes any): valley compares as fastai's
 * loop does (a NaN is never part of a run), minimum and steep skip NaN values; with nothing left
 * they give no suggestion. Valley also says "no suggestion" if its O(n) scratch cannot be allocated.
 * A suggestion that is not ok has lr = NaN and index = 0.
 * Pure: no I/O, no threads. */
#ifndef LRFIND_SUGGEST_H
#define LRFIND_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

enum suggest_method { SUGGEST_VALLEY, SUGGEST_SLIDE, SUGGEST_MINIMUM, SUGGEST_STEEP, SUGGEST_COUNT };

struct suggestion {
    bool ok;      /* false: "no suggestion" (too few points) */
    double lr;    /* the suggested rate (minimum: already divided by 10) */
    size_t index; /* the point it was read at (minimum: the argmin itself) */
};

struct suggest_opts {
    long skip_start;     /* -1: N // 10 of the configured N */
    size_t skip_end;     /* 5 */
    size_t lr_diff;      /* slide: 15 */
    double thresh;       /* slide: 0.005 */
    double adjust_value; /* slide: 1 */
};

/* The defaults above. */
struct suggest_opts suggest_opts_default(void);
/* "valley", "slide", "minimum", "steep". */
const char *suggest_name(enum suggest_method m);
/* The method named s, or -1. */
int suggest_parse(const char *s);

bool suggest_valley(const double *lrs, const double *losses, size_t n, struct suggestion *out);
bool suggest_slide(const double *lrs, const double *losses, size_t n, size_t lr_diff, double thresh,
                   double adjust_value, struct suggestion *out);
bool suggest_minimum(const double *lrs, const double *losses, size_t n, struct suggestion *out);
bool suggest_steep(const double *lrs, const double *losses, size_t n, struct suggestion *out);

/* The window [*lo, *hi) of a sweep of len points whose configured length is n_configured. */
void suggest_window(const double *losses, size_t len, size_t n_configured, const struct suggest_opts *o,
                    size_t *lo, size_t *hi);
/* Every method on losses[lo..hi) of the window; indexes in out[] are sweep indexes. */
void suggest_all(const double *lrs, const double *losses, size_t len, size_t n_configured,
                 const struct suggest_opts *o, size_t window[2], struct suggestion out[SUGGEST_COUNT]);

#endif
