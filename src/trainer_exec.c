/* trainer_exec.c: an external training process driven through the line protocol (proto.h).
 * One thread drives it; the only thing shared with other threads is the log tail (a mutex).
 * Every wait is one poll() over the socket, the log pipe, the child (a pidfd, or a 50 ms tick
 * where pidfd_open is missing), cancel_fd and the deadline, so output is drained while we
 * wait and a dying child is noticed at once. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lrfind/config.h"
#include "lrfind/proto.h"
#include "lrfind/trainer.h"
#include "lrfind/trainer_exec.h"

extern char **environ;

#define EXEC_TAIL_WIDTH 200     /* bytes kept of each log line */
#define EXEC_MSG_LINE_WIDTH 120 /* bytes of each log line quoted in an error message */

struct exec_tail {
    char lines[TRAINER_EXEC_TAIL_LINES][EXEC_TAIL_WIDTH];
    int head;  /* where the next complete line goes */
    int count; /* complete lines held */
    char partial[EXEC_TAIL_WIDTH];
    size_t plen;
    int esc; /* 0 normal, 1 after ESC, 2 inside a CSI sequence */
};

struct exec_impl {
    pid_t pid;       /* > 0 until reaped; also the process group */
    int pidfd;       /* readable when the child exits, or -1 */
    bool exited;     /* the child has exited (a zombie until close reaps it) */
    int exit_code;   /* siginfo si_code: CLD_EXITED, CLD_KILLED, CLD_DUMPED; 0 unknown */
    int exit_status; /* exit status or signal number */
    int lsock;       /* listening socket until the trainer connects */
    int sock;        /* the connection */
    int logpipe;     /* read end of the child's stdout+stderr, -1 after EOF */
    int logfd;       /* trainer.log, or -1 */
    bool log_write_failed;
    char dir[PATH_MAX];
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    struct proto_lines in;
    struct proto_msg msg; /* the last line parsed */
    double connect_timeout_s, step_timeout_s;
    double quit_grace_s, term_grace_s;
    bool broken;    /* a fatal error happened: every call repeats broken_msg */
    bool listening; /* the failure left the trainer able to hear "quit" (its own error, a protocol
                       slip) */
    char broken_msg[sizeof(((struct lrf_error *)0)->msg)];
    int pending;        /* replies still owed for cancelled requests */
    long iteration;     /* steps since the last reset */
    char log_name[256]; /* for messages: the log file, or "" */
    pthread_mutex_t tail_mu;
    struct exec_tail tail;
};

enum exec_want { WANT_LINE, WANT_ACCEPT, WANT_WRITE, WANT_EXIT, WANT_LOG_EOF };
enum exec_outcome {
    OUT_GOT,
    OUT_TIMEOUT,
    OUT_EXITED,
    OUT_CANCELLED,
    OUT_EOF,
    OUT_OVERLONG,
    OUT_SYSERR
};

static double exec_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A deadline seconds from now, or 0 (none) for seconds <= 0 or not finite. */
static double exec_deadline(double seconds)
{
    if (!(seconds > 0) || isinf(seconds))
        return 0;
    return exec_now() + seconds;
}

/* ---- the log: file, tail ------------------------------------------------------------- */

static void exec_tail_push(struct exec_tail *tl)
{
    memcpy(tl->lines[tl->head], tl->partial, tl->plen);
    tl->lines[tl->head][tl->plen] = '\0';
    tl->head = (tl->head + 1) % TRAINER_EXEC_TAIL_LINES;
    if (tl->count < TRAINER_EXEC_TAIL_LINES)
        tl->count++;
    tl->plen = 0;
}

/* Feed output bytes to the tail as a terminal would show them: '\r' restarts the line
 * (progress bars), escape sequences are dropped, other control bytes become '?'. */
static void exec_tail_feed(struct exec_tail *tl, const char *data, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)data[i];
        if (tl->esc == 1) {
            tl->esc = c == '[' ? 2 : 0;
            continue;
        }
        if (tl->esc == 2) {
            if (c >= 0x40 && c <= 0x7e)
                tl->esc = 0;
            continue;
        }
        if (c == '\n') {
            exec_tail_push(tl);
        } else if (c == '\r') {
            if (i + 1 < n && data[i + 1] == '\n')
                continue;
            tl->plen = 0;
        } else if (c == 0x1b) {
            tl->esc = 1;
        } else if (tl->plen < EXEC_TAIL_WIDTH - 1) {
            tl->partial[tl->plen++] = (char)(c == '\t' ? ' ' : (c < 0x20 || c == 0x7f) ? '?' : c);
        }
    }
}

/* The i-th of the lines to show, oldest first (complete lines, then a non-empty partial). */
static int exec_tail_count(const struct exec_tail *tl)
{
    return tl->count + (tl->plen > 0 ? 1 : 0);
}

static void exec_tail_line(const struct exec_tail *tl, int i, char *out, size_t size)
{
    if (i < tl->count) {
        int k = (tl->head - tl->count + i + TRAINER_EXEC_TAIL_LINES) % TRAINER_EXEC_TAIL_LINES;
        snprintf(out, size, "%s", tl->lines[k]);
    } else {
        snprintf(out, size, "%.*s", (int)tl->plen, tl->partial);
    }
}

/* Read what the log pipe holds (once): copy it to the log file and the tail; close on EOF. */
static void exec_drain_log_once(struct exec_impl *x)
{
    if (x->logpipe < 0)
        return;
    char buf[65536];
    ssize_t n = read(x->logpipe, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
        return;
    if (n <= 0) {
        close(x->logpipe);
        x->logpipe = -1;
        return;
    }
    if (x->logfd >= 0 && !x->log_write_failed) {
        size_t off = 0;
        while (off < (size_t)n) {
            ssize_t w = write(x->logfd, buf + off, (size_t)n - off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                x->log_write_failed = true; /* disk full: keep the sweep going, keep the tail */
                break;
            }
            off += (size_t)w;
        }
    }
    pthread_mutex_lock(&x->tail_mu);
    exec_tail_feed(&x->tail, buf, (size_t)n);
    pthread_mutex_unlock(&x->tail_mu);
}

/* ---- the child ------------------------------------------------------------------------ */

/* Notice (without reaping, so the process group id stays reserved) whether the child exited. */
static void exec_check_exit(struct exec_impl *x)
{
    if (x->exited || x->pid <= 0)
        return;
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (waitid(P_PID, (id_t)x->pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0) {
        if (errno == ECHILD) { /* someone else reaped it */
            x->exited = true;
            x->exit_code = 0;
        }
        return;
    }
    if (si.si_pid == x->pid) {
        x->exited = true;
        x->exit_code = si.si_code;
        x->exit_status = si.si_status;
    }
}

static const char *exec_signal_name(int sig)
{
    switch (sig) {
    case SIGHUP:
        return "SIGHUP";
    case SIGINT:
        return "SIGINT";
    case SIGQUIT:
        return "SIGQUIT";
    case SIGILL:
        return "SIGILL";
    case SIGABRT:
        return "SIGABRT";
    case SIGBUS:
        return "SIGBUS";
    case SIGFPE:
        return "SIGFPE";
    case SIGKILL:
        return "SIGKILL";
    case SIGSEGV:
        return "SIGSEGV";
    case SIGPIPE:
        return "SIGPIPE";
    case SIGALRM:
        return "SIGALRM";
    case SIGTERM:
        return "SIGTERM";
    case SIGUSR1:
        return "SIGUSR1";
    case SIGUSR2:
        return "SIGUSR2";
    default:
        return "signal";
    }
}

/* "exited with status 3", "was killed by signal 9 (SIGKILL)", ... */
static void exec_describe_exit(const struct exec_impl *x, char *buf, size_t size)
{
    if (x->exit_code == CLD_EXITED)
        snprintf(buf, size, "exited with status %d", x->exit_status);
    else if (x->exit_code == CLD_KILLED || x->exit_code == CLD_DUMPED)
        snprintf(buf, size, "was killed by signal %d (%s%s)", x->exit_status,
                 exec_signal_name(x->exit_status),
                 x->exit_code == CLD_DUMPED ? ", core dumped" : "");
    else
        snprintf(buf, size, "exited");
}

/* ---- waiting ------------------------------------------------------------------------- */

/* Wait for what `want` names until the deadline (0: none), draining the log meanwhile.
 * cancel_fd (>= 0) ends the wait with OUT_CANCELLED. For WANT_LINE, *line and *len get the line. */
static enum exec_outcome exec_wait(struct exec_impl *x, enum exec_want want, double deadline,
                                   int cancel_fd, const char **line, size_t *len)
{
    for (;;) {
        if (want == WANT_LINE) {
            int r = proto_lines_next(&x->in, line, len);
            if (r == 1)
                return OUT_GOT;
            if (r < 0)
                return OUT_OVERLONG;
        }
        if (want == WANT_EXIT && x->exited)
            return OUT_GOT;
        if (want == WANT_LOG_EOF && x->logpipe < 0)
            return OUT_GOT;
        /* once the child is gone, look at the socket one last time without blocking: what it
         * wrote before dying is still there */
        bool last_round =
            (want == WANT_LINE || want == WANT_ACCEPT || want == WANT_WRITE) && x->exited;

        struct pollfd pf[5];
        int n = 0, i_log = -1, i_sock = -1, i_child = -1, i_cancel = -1;
        if (x->logpipe >= 0) {
            i_log = n;
            pf[n++] = (struct pollfd){.fd = x->logpipe, .events = POLLIN};
        }
        if (want == WANT_LINE || want == WANT_WRITE) {
            i_sock = n;
            pf[n++] =
                (struct pollfd){.fd = x->sock, .events = want == WANT_LINE ? POLLIN : POLLOUT};
        } else if (want == WANT_ACCEPT) {
            i_sock = n;
            pf[n++] = (struct pollfd){.fd = x->lsock, .events = POLLIN};
        }
        if (x->pidfd >= 0 && !x->exited) {
            i_child = n;
            pf[n++] = (struct pollfd){.fd = x->pidfd, .events = POLLIN};
        }
        if (cancel_fd >= 0) {
            i_cancel = n;
            pf[n++] = (struct pollfd){.fd = cancel_fd, .events = POLLIN};
        }
        int timeout_ms = -1;
        if (deadline > 0) {
            double left = deadline - exec_now();
            if (left <= 0)
                return OUT_TIMEOUT;
            timeout_ms = (int)ceil(fmin(left, 3600.0) * 1000.0);
        }
        if (x->pidfd < 0 && !x->exited && x->pid > 0 && (timeout_ms < 0 || timeout_ms > 50))
            timeout_ms = 50; /* no pidfd: look at the child now and then */
        if (last_round)
            timeout_ms = 0;
        int r = poll(pf, (nfds_t)n, timeout_ms);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return OUT_SYSERR;
        }
        if (last_round && (i_sock < 0 || pf[i_sock].revents == 0))
            return OUT_EXITED;
        if (i_log >= 0 && pf[i_log].revents)
            exec_drain_log_once(x);
        if (i_cancel >= 0 && pf[i_cancel].revents)
            return OUT_CANCELLED;
        if (i_sock >= 0 && pf[i_sock].revents) {
            if (want == WANT_ACCEPT || want == WANT_WRITE)
                return OUT_GOT;
            size_t avail;
            char *dst = proto_lines_space(&x->in, &avail);
            if (avail == 0)
                continue; /* proto_lines_next decides: a line, or over-long */
            ssize_t got = recv(x->sock, dst, avail, 0);
            if (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
                continue;
            if (got < 0 && errno != ECONNRESET)
                return OUT_SYSERR;
            if (got <= 0) {
                if (proto_lines_next(&x->in, line, len) == 1)
                    return OUT_GOT;
                return OUT_EOF;
            }
            proto_lines_commit(&x->in, (size_t)got);
            continue;
        }
        if (i_child >= 0 && pf[i_child].revents)
            exec_check_exit(x);
        else if (x->pidfd < 0)
            exec_check_exit(x);
    }
}

/* Drain the log until its end, or until `seconds` passed (descendants may hold the pipe). */
static void exec_drain_log_until_eof(struct exec_impl *x, double seconds)
{
    exec_wait(x, WANT_LOG_EOF, exec_deadline(seconds), -1, NULL, NULL);
}

/* Signal the whole process group (the child and whatever it started, e.g. torchrun's ranks). */
static void exec_kill_group(struct exec_impl *x, int sig)
{
    if (x->pid > 0)
        kill(-x->pid, sig);
}

/* Stop the child for good: optionally "quit" first, then SIGTERM, then SIGKILL; reap it. */
static void exec_stop(struct exec_impl *x, bool say_quit)
{
    if (x->pid <= 0)
        return;
    exec_check_exit(x);
    if (say_quit && !x->exited && x->sock >= 0) {
        static const char quit[] = "quit\n";
        if (send(x->sock, quit, sizeof quit - 1, MSG_NOSIGNAL | MSG_DONTWAIT) ==
            (ssize_t)(sizeof quit - 1))
            exec_wait(x, WANT_EXIT, exec_deadline(x->quit_grace_s), -1, NULL, NULL);
    }
    if (!x->exited) {
        exec_kill_group(x, SIGTERM);
        exec_wait(x, WANT_EXIT, exec_deadline(x->term_grace_s), -1, NULL, NULL);
    }
    if (!x->exited) {
        exec_kill_group(x, SIGKILL);
        exec_wait(x, WANT_EXIT, exec_deadline(5.0), -1, NULL, NULL);
    }
    /* The leader is gone (a zombie, so its group id stays reserved). The rest of the group
     * (torchrun's ranks, data loader workers) holds the log pipe: the pipe's end is their end.
     * Ask them to go, then make them, then sweep the group once more for any that closed it. */
    exec_drain_log_until_eof(x, 0.5);
    if (x->logpipe >= 0) {
        exec_kill_group(x, SIGTERM);
        exec_drain_log_until_eof(x, x->term_grace_s);
    }
    if (x->logpipe >= 0) {
        exec_kill_group(x, SIGKILL);
        exec_drain_log_until_eof(x, 1.0);
    }
    exec_kill_group(x, SIGKILL);
    int st;
    while (waitpid(x->pid, &st, 0) < 0 && errno == EINTR)
        ;
    x->pid = -1;
}

/* ---- errors ---------------------------------------------------------------------------- */

/* Append "; last lines of LOG:\n  a\n  b" with as many of the newest lines as fit in msg. */
static void exec_append_tail(struct exec_impl *x, char *msg, size_t size)
{
    size_t used = strlen(msg);
    pthread_mutex_lock(&x->tail_mu);
    int total = exec_tail_count(&x->tail);
    char head[320];
    if (total == 0) {
        snprintf(head, sizeof head, "; it wrote nothing%s%s", x->log_name[0] ? " to " : "",
                 x->log_name);
        if (used + strlen(head) < size)
            memcpy(msg + used, head, strlen(head) + 1);
        pthread_mutex_unlock(&x->tail_mu);
        return;
    }
    snprintf(head, sizeof head, "; last lines of %s:", x->log_name[0] ? x->log_name : "its output");
    size_t hl = strlen(head);
    if (used + hl + 1 >= size) {
        pthread_mutex_unlock(&x->tail_mu);
        return;
    }
    /* how many of the newest lines fit, each shown as "\n  " + up to EXEC_MSG_LINE_WIDTH bytes */
    size_t room = size - 1 - used - hl;
    int first = total;
    char line[EXEC_TAIL_WIDTH];
    while (first > 0) {
        exec_tail_line(&x->tail, first - 1, line, sizeof line);
        size_t l = strlen(line);
        if (l > EXEC_MSG_LINE_WIDTH)
            l = EXEC_MSG_LINE_WIDTH + 3;
        if (3 + l > room)
            break;
        room -= 3 + l;
        first--;
    }
    if (first == total) {
        pthread_mutex_unlock(&x->tail_mu);
        return;
    }
    memcpy(msg + used, head, hl + 1);
    used += hl;
    for (int i = first; i < total; i++) {
        exec_tail_line(&x->tail, i, line, sizeof line);
        if (strlen(line) > EXEC_MSG_LINE_WIDTH)
            memcpy(line + EXEC_MSG_LINE_WIDTH, "...", 4);
        int w = snprintf(msg + used, size - used, "\n  %s", line);
        if (w < 0 || (size_t)w >= size - used)
            break;
        used += (size_t)w;
    }
    pthread_mutex_unlock(&x->tail_mu);
}

/* Record a fatal failure: the message (plus the log tail when with_tail), into err and into
 * broken_msg so that later calls repeat it. Returns -1. */
static int exec_fail(struct exec_impl *x, struct lrf_error *err, bool with_tail, const char *fmt,
                     ...) __attribute__((format(printf, 4, 5)));
static int exec_fail(struct exec_impl *x, struct lrf_error *err, bool with_tail, const char *fmt,
                     ...)
{
    char msg[sizeof x->broken_msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (with_tail)
        exec_append_tail(x, msg, sizeof msg);
    x->broken = true;
    memcpy(x->broken_msg, msg, sizeof msg);
    return lrf_error_set(err, NULL, 0, 0, "%s", msg);
}

/* A short printable excerpt of a protocol line for messages. */
static void exec_excerpt(char *out, size_t size, const char *line, size_t len)
{
    size_t n = len > 60 ? 60 : len;
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < size; i++) {
        unsigned char c = (unsigned char)line[i];
        out[k++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    out[k] = '\0';
    if (len > n && k + 4 < size)
        memcpy(out + k, "...", 4);
}

/* Tell the trainer why we give up on it (best effort; it may log it). */
static void exec_send_error(struct exec_impl *x, const char *why)
{
    char buf[PROTO_MAX_LINE + 2];
    int n = proto_format_error(buf, sizeof buf, why);
    if (n > 0 && x->sock >= 0) {
        ssize_t w = send(x->sock, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
        (void)w;
    }
}

/* The child died or hung up while we waited for `doing` ("before saying hello",
 * "in iteration 3 (lr 0.001)"): wait a moment for its exit status, then report. */
static int exec_fail_gone(struct exec_impl *x, struct lrf_error *err, bool hung_up,
                          const char *doing)
{
    if (hung_up)
        exec_wait(x, WANT_EXIT, exec_deadline(0.5), -1, NULL, NULL);
    if (x->exited) {
        exec_drain_log_until_eof(x, 0.5);
        char how[96];
        exec_describe_exit(x, how, sizeof how);
        return exec_fail(x, err, true, "trainer %s %s", how, doing);
    }
    exec_drain_log_once(x);
    return exec_fail(x, err, true,
                     "trainer closed the connection %s (the process is still running)", doing);
}

/* ---- init ------------------------------------------------------------------------------- */

/* Build the child's environment: ours, with LRFIND_SOCKET (and PYTHONUNBUFFERED=1 unless set,
 * so that a Python trainer's output reaches the log as it happens). */
static char **exec_environment(const char *socket_path)
{
    size_t n = 0;
    bool has_unbuffered = false;
    for (char **e = environ; e && *e; e++) {
        n++;
        if (strncmp(*e, "PYTHONUNBUFFERED=", 17) == 0)
            has_unbuffered = true;
    }
    char **env = calloc(n + 3, sizeof *env);
    char *sock_var = malloc(strlen(socket_path) + sizeof "LRFIND_SOCKET=");
    if (env == NULL || sock_var == NULL) {
        free(env);
        free(sock_var);
        return NULL;
    }
    size_t k = 0;
    for (char **e = environ; e && *e; e++)
        if (strncmp(*e, "LRFIND_SOCKET=", 14) != 0)
            env[k++] = *e;
    sprintf(sock_var, "LRFIND_SOCKET=%s", socket_path);
    env[k++] = sock_var;
    if (!has_unbuffered)
        env[k++] = (char *)"PYTHONUNBUFFERED=1";
    env[k] = NULL;
    return env;
}

static void exec_free_environment(char **env)
{
    for (char **e = env; e && *e; e++)
        if (strncmp(*e, "LRFIND_SOCKET=", 14) == 0)
            free(*e);
    free(env);
}

/* Make the private directory and the listening socket. */
static int exec_listen(struct exec_impl *x, struct lrf_error *err)
{
    const char *base = getenv("TMPDIR");
    if (base == NULL || base[0] == '\0' ||
        strlen(base) + sizeof "/lrfind-XXXXXX/sock" > sizeof x->path)
        base = "/tmp";
    snprintf(x->dir, sizeof x->dir, "%s/lrfind-XXXXXX", base);
    if (mkdtemp(x->dir) == NULL) {
        int e = errno;
        x->dir[0] = '\0';
        return lrf_error_set(err, NULL, 0, 0, "cannot make a private directory in %s: %s", base,
                             strerror(e));
    }
    chmod(x->dir, 0700);
    int w = snprintf(x->path, sizeof x->path, "%s/sock", x->dir);
    if (w < 0 || (size_t)w >= sizeof x->path) {
        x->path[0] = '\0';
        return lrf_error_set(err, NULL, 0, 0, "socket path in %s is too long", x->dir);
    }
    x->lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (x->lsock < 0)
        return lrf_error_set(err, NULL, 0, 0, "cannot make a Unix socket: %s", strerror(errno));
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path, x->path, strlen(x->path) + 1);
    if (bind(x->lsock, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(x->lsock, 1) != 0)
        return lrf_error_set(err, NULL, 0, 0, "cannot listen on %s: %s", x->path, strerror(errno));
    return 0;
}

/* Remove the socket file and the private directory (the connection, if any, lives on). */
static void exec_unlink(struct exec_impl *x)
{
    if (x->path[0] != '\0') {
        unlink(x->path);
        x->path[0] = '\0';
    }
    if (x->dir[0] != '\0') {
        rmdir(x->dir);
        x->dir[0] = '\0';
    }
}

/* Start the command with the log pipe on stdout/stderr, /dev/null on stdin, in its own group. */
static int exec_spawn(struct exec_impl *x, const struct lrf_config *cfg, struct lrf_error *err)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return lrf_error_set(err, NULL, 0, 0, "cannot make a pipe: %s", strerror(errno));
    char **env = exec_environment(x->path);
    if (env == NULL) {
        close(p[0]);
        close(p[1]);
        return lrf_error_set(err, NULL, 0, 0, "out of memory");
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_adddup2(&fa, p[1], 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    /* descriptors opened without O_CLOEXEC (the tty ncurses reads, say) stay with lrfind */
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
    posix_spawnattr_init(&attr);
    sigset_t none, dflt;
    sigemptyset(&none);
    sigfillset(&dflt);
    sigdelset(&dflt, SIGKILL);
    sigdelset(&dflt, SIGSTOP);
    posix_spawnattr_setsigmask(&attr, &none);    /* the runner thread blocks SIGINT, SIGTERM... */
    posix_spawnattr_setsigdefault(&attr, &dflt); /* ...and lrfind ignores SIGPIPE */
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    pid_t pid;
    char *const *argv = cfg->trainer.command;
    int rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    exec_free_environment(env);
    close(p[1]);
    if (rc != 0) {
        close(p[0]);
        if (rc == ENOENT && strchr(argv[0], '/') == NULL)
            return lrf_error_set(err, NULL, 0, 0,
                                 "trainer command not found: '%s' is not in PATH (trainer.command)",
                                 argv[0]);
        if (rc == ENOENT)
            return lrf_error_set(
                err, NULL, 0, 0,
                "trainer command not found: '%s' does not exist, or its #! interpreter does not "
                "(trainer.command)",
                argv[0]);
        if (rc == EACCES)
            return lrf_error_set(err, NULL, 0, 0,
                                 "trainer command '%s' is not executable (trainer.command)",
                                 argv[0]);
        return lrf_error_set(err, NULL, 0, 0, "cannot start trainer command '%s': %s", argv[0],
                             strerror(rc));
    }
    x->pid = pid;
    x->logpipe = p[0];
    fcntl(x->logpipe, F_SETFL, fcntl(x->logpipe, F_GETFL) | O_NONBLOCK);
#if defined(SYS_pidfd_open) && !defined(LRFIND_NO_PIDFD) /* the define tests the fallback */
    x->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (x->pidfd >= 0)
        fcntl(x->pidfd, F_SETFD, FD_CLOEXEC);
#endif
    return 0;
}

/* A name for the status line when the trainer gives none: the script's file name. */
static void exec_default_name(struct trainer *t, const struct lrf_config *cfg)
{
    const char *pick = cfg->trainer.command[0];
    for (int i = 1; i < cfg->trainer.command_len && cfg->trainer.command[i]; i++) {
        const char *a = cfg->trainer.command[i];
        if (a[0] != '-' && (strchr(a, '/') || strchr(a, '.'))) {
            pick = a;
            break;
        }
    }
    const char *slash = strrchr(pick, '/');
    snprintf(t->name, sizeof t->name, "%s", slash ? slash + 1 : pick);
}

/* Close descriptors, remove files, free: after exec_stop. */
static void exec_free(struct exec_impl *x)
{
    if (x->sock >= 0)
        close(x->sock);
    if (x->lsock >= 0)
        close(x->lsock);
    if (x->logpipe >= 0)
        close(x->logpipe);
    if (x->logfd >= 0)
        close(x->logfd);
    if (x->pidfd >= 0)
        close(x->pidfd);
    exec_unlink(x);
    pthread_mutex_destroy(&x->tail_mu);
    free(x);
}

/* Wait for the connection and the hello line; fill t->name and t->info. */
static int exec_handshake(struct trainer *t, struct exec_impl *x, struct lrf_error *err)
{
    double deadline = exec_deadline(x->connect_timeout_s);
    const char *line = NULL;
    size_t len = 0;
    enum exec_outcome o = exec_wait(x, WANT_ACCEPT, deadline, t->cancel_fd, NULL, NULL);
    if (o == OUT_GOT) {
        x->sock = accept4(x->lsock, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (x->sock < 0)
            return exec_fail(x, err, false, "cannot accept the trainer's connection: %s",
                             strerror(errno));
        close(x->lsock);
        x->lsock = -1;
        exec_unlink(x); /* nobody else may connect; the connection lives on */
        o = exec_wait(x, WANT_LINE, deadline, t->cancel_fd, &line, &len);
    }
    switch (o) {
    case OUT_GOT:
        break;
    case OUT_TIMEOUT:
        return exec_fail(
            x, err, true,
            x->sock < 0
                ? "trainer did not connect to $LRFIND_SOCKET within %g s (connect_timeout_s)"
                : "trainer connected but did not say hello within %g s (connect_timeout_s)",
            x->connect_timeout_s);
    case OUT_EXITED:
        return exec_fail_gone(x, err, false, "before saying hello");
    case OUT_EOF:
        return exec_fail_gone(x, err, true, "before saying hello");
    case OUT_CANCELLED:
        return exec_fail(x, err, false, "cancelled while waiting for the trainer to say hello");
    case OUT_OVERLONG:
        return exec_fail(x, err, false,
                         "trainer broke the protocol: its first line is longer than %d bytes",
                         PROTO_MAX_LINE);
    case OUT_SYSERR:
        return exec_fail(x, err, false, "waiting for the trainer: %s", strerror(errno));
    }
    struct proto_msg *msg = &x->msg;
    struct lrf_error perr;
    lrf_error_clear(&perr);
    char ex[80];
    exec_excerpt(ex, sizeof ex, line, len);
    int rc = 0;
    size_t skip = 0;
    while (skip < len && (line[skip] == ' ' || line[skip] == '\t'))
        skip++;
    bool says_hello = len - skip >= 5 && memcmp(line + skip, "hello", 5) == 0 &&
                      (len - skip == 5 || line[skip + 5] == ' ' || line[skip + 5] == '\t' ||
                       line[skip + 5] == '\r');
    x->listening = true; /* whatever goes wrong now, it can still hear "quit" */
    if (proto_parse(line, len, msg, &perr) != 0 && says_hello) {
        exec_send_error(x, perr.msg);
        rc = exec_fail(x, err, false, "trainer broke the protocol: %s, in its first line '%s'",
                       perr.msg, ex);
    } else if (!says_hello && msg->kind == PROTO_ERROR && perr.msg[0] == '\0') {
        rc = exec_fail(x, err, false, "trainer reported an error: %s", msg->text);
    } else if (!says_hello) {
        exec_send_error(x, "expected hello");
        rc = exec_fail(x, err, false,
                       "trainer broke the protocol: its first line is '%s' (expected 'hello 1')",
                       ex);
    } else if (msg->version != PROTO_VERSION) {
        char why[128];
        snprintf(why, sizeof why, "lrfind speaks protocol version %d, not %ld", PROTO_VERSION,
                 msg->version);
        exec_send_error(x, why);
        rc = exec_fail(x, err, false,
                       "trainer speaks protocol version %ld, but lrfind speaks version %d",
                       msg->version, PROTO_VERSION);
    } else {
        if (msg->name[0])
            snprintf(t->name, sizeof t->name, "%s", msg->name);
        if (msg->params[0] && msg->batch[0])
            snprintf(t->info, sizeof t->info, "params %s, batch %s", msg->params, msg->batch);
        else if (msg->params[0])
            snprintf(t->info, sizeof t->info, "params %s", msg->params);
        else if (msg->batch[0])
            snprintf(t->info, sizeof t->info, "batch %s", msg->batch);
    }
    return rc;
}

static int exec_init(struct trainer *t, const struct lrf_config *cfg, struct lrf_error *err)
{
    t->impl = NULL;
    t->log_path[0] = '\0';
    if (cfg->trainer.command_len < 1 || cfg->trainer.command[0] == NULL ||
        cfg->trainer.command[0][0] == '\0')
        return lrf_error_set(
            err, NULL, 0, 0,
            "trainer.command is empty (expected an argv list, e.g. [python3, train.py])");
    struct exec_impl *x = calloc(1, sizeof *x);
    if (x == NULL)
        return lrf_error_set(err, NULL, 0, 0, "out of memory");
    x->pid = -1;
    x->pidfd = x->lsock = x->sock = x->logpipe = x->logfd = -1;
    x->connect_timeout_s = cfg->trainer.connect_timeout_s;
    x->step_timeout_s = cfg->trainer.step_timeout_s;
    x->quit_grace_s = 2.0;
    x->term_grace_s = 2.0;
    proto_lines_init(&x->in);
    pthread_mutex_init(&x->tail_mu, NULL);
    const char *log = cfg->trainer.log;
    if (log != NULL && log[0] != '\0') {
        x->logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
        if (x->logfd < 0) {
            int e = errno;
            exec_free(x);
            /* a file named: a config error (exit 2), not a trainer failure */
            return lrf_error_set(err, log, 0, 0, "cannot write the trainer log: %s (trainer.log)",
                                 strerror(e));
        }
        snprintf(t->log_path, sizeof t->log_path, "%s", log);
        snprintf(x->log_name, sizeof x->log_name, "%s", log);
    }
    exec_default_name(t, cfg);
    if (exec_listen(x, err) != 0 || exec_spawn(x, cfg, err) != 0) {
        exec_free(x);
        return -1;
    }
    if (exec_handshake(t, x, err) != 0) {
        exec_stop(x, x->listening);
        exec_free(x);
        return -1;
    }
    t->impl = x;
    return 0;
}

/* ---- step, reset, close ------------------------------------------------------------------ */

/* Send a command line, waiting (with the log drained) if the socket is full. */
static enum exec_outcome exec_send(struct exec_impl *x, const char *buf, size_t n, double deadline,
                                   int cancel_fd)
{
    size_t off = 0;
    while (off < n) {
        ssize_t w = send(x->sock, buf + off, n - off, MSG_NOSIGNAL);
        if (w > 0) {
            off += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            enum exec_outcome o = exec_wait(x, WANT_WRITE, deadline, cancel_fd, NULL, NULL);
            if (o != OUT_GOT)
                return o;
            continue;
        }
        return (errno == EPIPE || errno == ECONNRESET) ? OUT_EOF : OUT_SYSERR;
    }
    return OUT_GOT;
}

/* Send `cmd` and read one reply line into msg; on failure, err says what happened `doing`. */
static int exec_request(struct trainer *t, struct exec_impl *x, const char *cmd, size_t cmd_len,
                        const char *doing, enum proto_kind expect, struct proto_msg *msg,
                        struct lrf_error *err)
{
    if (x->broken)
        return lrf_error_set(err, NULL, 0, 0, "%s", x->broken_msg);
    double deadline = exec_deadline(x->step_timeout_s);
    const char *line = NULL;
    size_t len = 0;
    enum exec_outcome o;
    x->listening = false;
    /* replies owed for cancelled requests come first: read and drop them */
    while (x->pending > 0) {
        o = exec_wait(x, WANT_LINE, deadline, t->cancel_fd, &line, &len);
        if (o != OUT_GOT)
            goto failed;
        x->pending--;
        if (proto_parse(line, len, msg, NULL) == 0 && msg->kind == PROTO_ERROR) {
            x->listening = true;
            return exec_fail(x, err, false, "trainer reported an error: %s", msg->text);
        }
    }
    o = exec_send(x, cmd, cmd_len, deadline, t->cancel_fd);
    if (o == OUT_GOT)
        o = exec_wait(x, WANT_LINE, deadline, t->cancel_fd, &line, &len);
    if (o != OUT_GOT)
        goto failed;
    struct lrf_error perr;
    lrf_error_clear(&perr);
    char ex[80];
    exec_excerpt(ex, sizeof ex, line, len);
    x->listening = true; /* it answered: whatever is wrong with the answer, it can hear "quit" */
    if (proto_parse(line, len, msg, &perr) != 0) {
        exec_send_error(x, perr.msg);
        return exec_fail(x, err, false, "trainer broke the protocol %s: %s, in line '%s'", doing,
                         perr.msg, ex);
    }
    if (msg->kind == PROTO_ERROR) {
        x->listening = true;
        return exec_fail(x, err, false, "trainer reported an error %s: %s", doing, msg->text);
    }
    if (msg->kind != expect) {
        char why[160];
        snprintf(why, sizeof why, "expected '%s'", expect == PROTO_LOSS ? "loss <value>" : "ok");
        exec_send_error(x, why);
        return exec_fail(x, err, false, "trainer broke the protocol %s: it sent '%s' (%s)", doing,
                         ex, why);
    }
    return 0;

failed:
    switch (o) {
    case OUT_TIMEOUT:
        return exec_fail(x, err, true, "trainer took more than %g s %s (step_timeout_s)",
                         x->step_timeout_s, doing);
    case OUT_EXITED:
        return exec_fail_gone(x, err, false, doing);
    case OUT_EOF:
        return exec_fail_gone(x, err, true, doing);
    case OUT_CANCELLED:
        x->pending++; /* its reply will come later: drop it then */
        return lrf_error_set(err, NULL, 0, 0, "cancelled %s", doing);
    case OUT_OVERLONG:
        exec_send_error(x, "line too long");
        x->listening = true;
        return exec_fail(x, err, false,
                         "trainer broke the protocol %s: it sent a line longer than %d bytes",
                         doing, PROTO_MAX_LINE);
    case OUT_SYSERR:
    case OUT_GOT:
        break;
    }
    return exec_fail(x, err, false, "talking to the trainer %s: %s", doing, strerror(errno));
}

static int exec_step(struct trainer *t, double lr, double *loss, struct lrf_error *err)
{
    struct exec_impl *x = t->impl;
    if (x == NULL)
        return lrf_error_set(err, NULL, 0, 0, "the trainer is not running");
    char cmd[64], doing[96];
    int n = proto_format_step(cmd, sizeof cmd, lr);
    if (n < 0)
        return lrf_error_set(err, NULL, 0, 0, "cannot format the rate %g", lr);
    snprintf(doing, sizeof doing, "in iteration %ld (lr %.3g)", x->iteration, lr);
    int rc = exec_request(t, x, cmd, (size_t)n, doing, PROTO_LOSS, &x->msg, err);
    if (rc == 0) {
        *loss = x->msg.value;
        x->iteration++;
    }
    return rc;
}

static int exec_reset(struct trainer *t, struct lrf_error *err)
{
    struct exec_impl *x = t->impl;
    if (x == NULL)
        return lrf_error_set(err, NULL, 0, 0, "the trainer is not running");
    static const char cmd[] = "reset\n";
    int rc = exec_request(t, x, cmd, sizeof cmd - 1, "during reset", PROTO_OK, &x->msg, err);
    if (rc == 0)
        x->iteration = 0;
    return rc;
}

static void exec_close(struct trainer *t)
{
    struct exec_impl *x = t->impl;
    if (x == NULL)
        return;
    exec_stop(x, !x->broken || x->listening);
    exec_free(x);
    t->impl = NULL;
}

const struct trainer_ops trainer_exec_ops = {
    .kind = "exec",
    .init = exec_init,
    .step = exec_step,
    .reset = exec_reset,
    .close = exec_close,
};

/* ---- extras (trainer_exec.h) ------------------------------------------------------------ */

size_t trainer_exec_log_tail(struct trainer *t, char *buf, size_t n)
{
    if (n == 0)
        return 0;
    buf[0] = '\0';
    if (t == NULL || t->ops != &trainer_exec_ops || t->impl == NULL)
        return 0;
    struct exec_impl *x = t->impl;
    pthread_mutex_lock(&x->tail_mu);
    int total = exec_tail_count(&x->tail);
    /* the newest lines that fit, oldest first */
    size_t need = 0;
    int first = total;
    char line[EXEC_TAIL_WIDTH];
    while (first > 0) {
        exec_tail_line(&x->tail, first - 1, line, sizeof line);
        size_t l = strlen(line) + (first == total ? 0 : 1);
        if (need + l + 1 > n)
            break;
        need += l;
        first--;
    }
    size_t used = 0;
    for (int i = first; i < total; i++) {
        exec_tail_line(&x->tail, i, line, sizeof line);
        int w = snprintf(buf + used, n - used, "%s%s", line, i + 1 < total ? "\n" : "");
        if (w < 0 || (size_t)w >= n - used)
            break;
        used += (size_t)w;
    }
    pthread_mutex_unlock(&x->tail_mu);
    return used;
}

pid_t trainer_exec_pid(const struct trainer *t)
{
    if (t == NULL || t->ops != &trainer_exec_ops || t->impl == NULL)
        return -1;
    const struct exec_impl *x = t->impl;
    return x->pid;
}

void trainer_exec_set_grace(struct trainer *t, double quit_s, double term_s)
{
    if (t == NULL || t->impl == NULL || t->ops != &trainer_exec_ops)
        return;
    struct exec_impl *x = t->impl;
    x->quit_grace_s = quit_s;
    x->term_grace_s = term_s;
}
