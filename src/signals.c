/* signals.c: the self-pipe for terminating signals. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "lrfind/signals.h"

static int sig_pipe[2] = {-1, -1};
static volatile sig_atomic_t sig_first;

static void on_signal(int sig)
{
    int saved = errno;
    if (sig_first == 0)
        sig_first = sig;
    unsigned char c = (unsigned char)sig;
    ssize_t n = write(sig_pipe[1], &c, 1);
    (void)n;
    errno = saved;
}

int signals_install(void)
{
    if (sig_pipe[0] < 0) {
        if (pipe(sig_pipe) != 0)
            return -1;
        for (int k = 0; k < 2; k++) {
            fcntl(sig_pipe[k], F_SETFL, fcntl(sig_pipe[k], F_GETFL) | O_NONBLOCK);
            fcntl(sig_pipe[k], F_SETFD, FD_CLOEXEC);
        }
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

int signals_fd(void)
{
    return sig_pipe[0];
}

int signals_caught(void)
{
    unsigned char buf[64];
    while (sig_pipe[0] >= 0 && read(sig_pipe[0], buf, sizeof buf) > 0)
        ;
    return sig_first;
}

void signals_block_ui(sigset_t *old)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGPIPE, SIGQUIT};
    sigset_t block;
    sigemptyset(&block);
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
        sigaddset(&block, sigs[k]);
    pthread_sigmask(SIG_BLOCK, &block, old);
}
