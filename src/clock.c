/* clock.c: monotonic time, optionally frozen for byte-stable test screens. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "lrfind/clock.h"

bool clock_frozen(void)
{
    const char *s = getenv("LRFIND_FAKE_TIME");
    return s != NULL && *s != '\0';
}

double clock_now(void)
{
    const char *s = getenv("LRFIND_FAKE_TIME");
    if (s != NULL && *s != '\0')
        return strtod(s, NULL);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void clock_sleep_ms(long ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}
