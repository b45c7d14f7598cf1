/* axis.h: ticks and ranges for the plot.
 *   x: log10(lr), ticks at decades labelled "1e-5" (every 2nd, 3rd, 5th... decade when the
 *      labels would collide; 1-2-5 mantissas when the view spans less than two decades);
 *   y: loss, ticks on the 1-2-5 rule with short labels;
 *   the loss range: robust to a divergence (the blow-up at the end of a sweep is clipped so the
 *      interesting dip keeps the height of the plot), with hysteresis for a live plot.
 * Positions: an axis of len cells maps v in [lo, hi] to cell floor((v - lo) / (hi - lo) * len),
 * clamped to len - 1 at hi (axis_cell). Pure: no I/O, no threads. */
#ifndef LRFIND_AXIS_H
#define LRFIND_AXIS_H

#include <stdbool.h>
#include <stddef.h>

#define AXIS_MAX_TICKS 64
#define AXIS_LABEL_SIZE 16

struct axis_tick {
    double value;                /* x: log10(lr); y: loss */
    int pos;                     /* cell along the axis, 0 = the cell holding lo */
    char label[AXIS_LABEL_SIZE]; /* "1e-5", "2e-3", "0.25", "1.5" */
};

struct axis_range {
    double lo, hi;
};

/* The cell of v on an axis of len cells spanning [lo, hi] (see above); -1 when v < lo or
 * v > hi or not finite, or the axis is empty or degenerate. */
int axis_cell(double v, double lo, double hi, int len);

/* The label of the rate m * 10^e (m in 1..9): "1e-5", "2e-5", "1e0", "1e1". */
void axis_log_label(int m, int e, char *buf, size_t size);

/* Ticks for a log10 axis [lo, hi] (exponents of 10) drawn over len cells: decades, thinned to
 * every k-th decade (k = 1, 2, 5, 10, 20...) so that labels centred on their cells keep at least
 * two blanks between them; when the view spans less than two decades, the 1-2-5 mantissas
 * (or 1..9, or decades alone: the first set that fits and shows two ticks). Returns the number of
 * ticks written to out (at most max), in increasing order. */
int axis_log_ticks(double lo, double hi, int len, struct axis_tick *out, int max);

/* Ticks for a linear axis [lo, hi] over len cells: multiples of the smallest step of the form
 * {1, 2, 5} x 10^k that leaves at least min_gap cells from one tick to the next. Labels carry
 * the decimals of the step: step 0.05 gives "0.25", step 0.5 gives "1.5", step 2 gives "4";
 * values of 10^5 and more, or steps below 10^-6, use %g.
 * Returns the number of ticks, in increasing order. */
int axis_linear_ticks(double lo, double hi, int len, int min_gap, struct axis_tick *out, int max);

/* The step axis_linear_ticks would choose. */
double axis_nice_step(double lo, double hi, int len, int min_gap);

/* The loss range to show for a curve: smooth[n] (finite values; may be NULL, then loss is
 * used), loss[n] the raw losses (may be NULL).
 *   bottom: min(smoothed minimum, 5% quantile of the raw losses), less 5% of the span;
 *   ref:    the 95% quantile of the smoothed losses up to the first minimum: the level the
 *           curve falls from; when they fall by less than 10% of it (no dip), the larger of
 *           that and the 90% quantile of all of them;
 *   drop:   max(ref - minimum, 10% of |ref|) (early noise on a plateau is no divergence);
 *   top:    the highest smoothed loss when it is within ref + 25% of drop, else that clip
 *           level (a divergence leaves the plot instead of flattening it); plus 5% of the span.
 * The range is at least 20% of the level tall (a flat curve or a plateau's noise gets a band
 * around its value); a non-negative curve never gets a negative bottom. Quantiles are taken on at
 * most 4096 evenly spaced points, so a 10^6-point sweep costs one pass. Returns false (out
 * untouched) when there is no finite value. */
bool axis_loss_range(const double *loss, const double *smooth, size_t n, struct axis_range *out);

/* The range a live plot should show next, given the one it shows (prev, NULL or lo >= hi for
 * none) and the one axis_loss_range wants now: prev is kept while want lies inside it and is
 * at least half as tall; otherwise want widened by 25% of its span on each side the data left
 * through and 10% on the others (the bottom not below 0 when want's is not), so that the
 * next few points of a falling or rising curve do not rescale again.
 * *changed (may be NULL) tells whether the range moved. */
struct axis_range axis_range_hysteresis(const struct axis_range *prev, struct axis_range want,
                                        bool *changed);

#endif
