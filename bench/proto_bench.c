/* proto_bench.c: the per-step cost of the trainer protocol, measured through trainer_exec
 * against a trainer that answers at once. By default the trainer is this program itself
 * (run with --trainer: a C echo loop); with --python it is examples/python/lrfind_trainer.py
 * serving `lambda lr: 0.5`. Prints microseconds per step/loss round trip.
 *
 *   make bench/proto_bench && bench/proto_bench [--steps N] [--python] [--srcdir DIR]
 *
 * Target: under 50 us a round trip, so that a 10^4-step sweep spends under 0.5 s in lrfind. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lrfind/config.h"
#include "lrfind/proto.h"
#include "lrfind/trainer.h"
#include "lrfind/trainer_exec.h"

static double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The echo trainer: hello, then "loss 0.5" for every step and "ok" for every reset. */
static int bench_trainer(void)
{
    const char *path = getenv("LRFIND_SOCKET");
    if (path == NULL || strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
        return 2;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path, path, strlen(path) + 1);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0)
        return 2;
    char out[64];
    int n = proto_format_hello(out, sizeof out, "echo", "0", "1");
    if (n < 0 || write(fd, out, (size_t)n) != n)
        return 2;
    static struct proto_lines pl;
    static struct proto_msg msg;
    proto_lines_init(&pl);
    for (;;) {
        const char *line;
        size_t len;
        int r = proto_lines_next(&pl, &line, &len);
        if (r < 0)
            return 2;
        if (r == 0) {
            size_t avail;
            char *dst = proto_lines_space(&pl, &avail);
            ssize_t got = read(fd, dst, avail);
            if (got <= 0)
                return 0;
            proto_lines_commit(&pl, (size_t)got);
            continue;
        }
        if (proto_parse(line, len, &msg, NULL) != 0)
            return 2;
        if (msg.kind == PROTO_QUIT)
            return 0;
        const char *reply = msg.kind == PROTO_STEP ? "loss 0.5\n" : "ok\n";
        if (write(fd, reply, strlen(reply)) < 0)
            return 2;
    }
}

int main(int argc, char **argv)
{
    long steps = 20000;
    int use_python = 0;
    const char *srcdir = getenv("top_srcdir");
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--trainer") == 0)
            return bench_trainer();
        if (strcmp(argv[i], "--steps") == 0 && i + 1 < argc)
            steps = atol(argv[++i]);
        else if (strcmp(argv[i], "--python") == 0)
            use_python = 1;
        else if (strcmp(argv[i], "--srcdir") == 0 && i + 1 < argc)
            srcdir = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--steps N] [--python] [--srcdir DIR]\n", argv[0]);
            return 2;
        }
    }
    if (steps < 1)
        steps = 1;
    if (srcdir == NULL)
        srcdir = ".";

    char self[PATH_MAX];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl < 0) {
        fprintf(stderr, "proto_bench: /proc/self/exe: %s\n", strerror(errno));
        return 1;
    }
    self[sl] = '\0';
    char code[PATH_MAX + 200];
    snprintf(
        code, sizeof code,
        "import sys; sys.path.insert(0, '%s/examples/python'); from lrfind_trainer import serve; "
        "serve(lambda lr: 0.5, lambda: None, hello={'name': 'echo.py'})",
        srcdir);
    struct lrf_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.trainer.kind = TRAINER_EXEC;
    if (use_python) {
        cfg.trainer.command[0] = (char *)"python3";
        cfg.trainer.command[1] = (char *)"-c";
        cfg.trainer.command[2] = code;
        cfg.trainer.command_len = 3;
    } else {
        cfg.trainer.command[0] = self;
        cfg.trainer.command[1] = (char *)"--trainer";
        cfg.trainer.command_len = 2;
    }
    cfg.trainer.connect_timeout_s = 30;
    cfg.trainer.step_timeout_s = 30;

    struct trainer t;
    memset(&t, 0, sizeof t);
    t.ops = &trainer_exec_ops;
    t.cancel_fd = -1;
    struct lrf_error err;
    if (trainer_exec_ops.init(&t, &cfg, &err) != 0) {
        fprintf(stderr, "proto_bench: %s\n", err.msg);
        return 1;
    }
    double loss, sum = 0;
    for (long i = 0; i < 1000; i++) /* warm up */
        if (trainer_exec_ops.step(&t, 1e-3, &loss, &err) != 0)
            goto failed;
    double t0 = bench_now();
    for (long i = 0; i < steps; i++) {
        if (trainer_exec_ops.step(&t, 1e-7 * (double)(i + 1), &loss, &err) != 0)
            goto failed;
        sum += loss;
    }
    double dt = bench_now() - t0;
    if (trainer_exec_ops.reset(&t, &err) != 0)
        goto failed;
    trainer_exec_ops.close(&t);
    printf("%s trainer: %ld steps in %.3f s: %.2f us per round trip (%.0f steps/s; 10^4 steps: "
           "%.3f s)%s\n",
           use_python ? "python (lrfind_trainer.py)" : "C echo", steps, dt,
           dt / (double)steps * 1e6, (double)steps / dt, dt / (double)steps * 1e4,
           sum == 0.5 * (double)steps ? "" : " [bad losses]");
    return 0;
failed:
    fprintf(stderr, "proto_bench: %s\n", err.msg);
    trainer_exec_ops.close(&t);
    return 1;
}
