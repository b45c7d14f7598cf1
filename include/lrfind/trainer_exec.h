/* trainer_exec.h: what the external-process trainer (trainer_exec_ops, src/trainer_exec.c)
 * offers beyond struct trainer_ops.
 *
 * init starts cfg->trainer.command (argv, no shell; PATH is searched) in its own process
 * group, with stdin on /dev/null, stdout and stderr into a pipe that is copied to
 * cfg->trainer.log (when set; t->log_path) and kept as a tail of the last lines, and
 * LRFIND_SOCKET naming a Unix socket in a private directory (mode 0700). It waits up to
 * connect_timeout_s for the connection and the "hello" line (t->cancel_fd, when >= 0, cancels
 * the wait). step/reset wait up to step_timeout_s; a value <= 0 means no limit. The log pipe
 * is drained whenever lrfind waits for the trainer, so a chatty trainer never blocks.
 * After a failure (timeout, protocol error, death, "error" from the trainer) every later
 * step/reset fails with the same message; close() then stops the process: "quit", a grace
 * period, SIGTERM to the group, a grace period, SIGKILL, and always reaps it.
 * The child is reaped by trainer_exec alone: do not waitpid(-1) nor ignore SIGCHLD. */
#ifndef LRFIND_TRAINER_EXEC_H
#define LRFIND_TRAINER_EXEC_H

#include <stddef.h>
#include <sys/types.h>

#include "lrfind/trainer.h"

/* How many of the trainer's last output lines are kept in memory. */
#define TRAINER_EXEC_TAIL_LINES 20

/* Copy the last output lines of an exec trainer into buf ('\n'-separated, NUL-terminated,
 * the most recent ones kept when buf is short). Returns the length written (0 when t is not
 * an open exec trainer). Safe to call from another thread while a step runs. */
size_t trainer_exec_log_tail(struct trainer *t, char *buf, size_t n);

/* The child's process id (also its process group), or -1 when t is not an open exec trainer. */
pid_t trainer_exec_pid(const struct trainer *t);

/* Change the waits of close(): after "quit" (default 2 s) and after SIGTERM (default 2 s). */
void trainer_exec_set_grace(struct trainer *t, double quit_s, double term_s);

#endif
