/* clock.h: monotonic seconds, frozen by LRFIND_FAKE_TIME=<seconds> so that test screens
 * (elapsed time, it/s) are byte-stable. */
#ifndef LRFIND_CLOCK_H
#define LRFIND_CLOCK_H

#include <stdbool.h>

/* Seconds on a monotonic clock, or the frozen value of LRFIND_FAKE_TIME. */
double clock_now(void);
/* True when LRFIND_FAKE_TIME is set. */
bool clock_frozen(void);
/* Sleep for ms milliseconds (real time, even when frozen). */
void clock_sleep_ms(long ms);

#endif
