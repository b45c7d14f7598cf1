/* signals.h: SIGINT, SIGTERM and SIGHUP become a byte on a self-pipe that the UI or batch
 * loop polls; the handler does nothing else (no endwin, no saving in a handler). */
#ifndef LRFIND_SIGNALS_H
#define LRFIND_SIGNALS_H

#include <signal.h>

/* Install the handlers and ignore SIGPIPE. Returns 0 or -1. */
int signals_install(void);
/* The descriptor that becomes readable when a signal arrived. */
int signals_fd(void);
/* The first signal caught so far (0 if none); drains the pipe. */
int signals_caught(void);
/* Block in the calling thread the signals that the UI thread handles (and SIGWINCH, SIGPIPE,
 * SIGQUIT), so that a thread created next inherits the mask; *old gets the mask to restore. */
void signals_block_ui(sigset_t *old);

#endif
