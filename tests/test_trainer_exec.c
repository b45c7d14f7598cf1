/* test_trainer_exec.c: trainer_exec_ops driven directly against small Python trainers
 * (the scripts in tests/trainers, examples/python/logreg.py): a full sweep, reset, cancel, the log,
 * and one script per fault. Every test checks the message and that no child is left.
 * Environment: top_srcdir (set by make check), PYTHON (default python3), TORCH_PYTHON
 * (default /usr/bin/python3; the PyTorch examples are skipped when it cannot import torch,
 * or when LRFIND_TEST_TORCH=0). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"
#include "lrfind/config.h"
#include "lrfind/trainer.h"
#include "lrfind/trainer_exec.h"

static char tmpdir[] = "/tmp/lrfind-test-exec-XXXXXX";
static char log_file[512];

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *srcdir(void)
{
    const char *s = getenv("top_srcdir");
    return s && *s ? s : ".";
}

static const char *python(void)
{
    const char *p = getenv("PYTHON");
    return p && *p ? p : "python3";
}

/* A config for the exec trainer running argv (NULL-terminated); strings are borrowed. */
static void make_config(struct lrf_config *cfg, const char *const *argv, double connect_s,
                        double step_s, const char *log)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->trainer.kind = TRAINER_EXEC;
    int n = 0;
    while (argv[n] != NULL && n < CONFIG_MAX_ARGV) {
        cfg->trainer.command[n] = (char *)argv[n];
        n++;
    }
    cfg->trainer.command[n] = NULL;
    cfg->trainer.command_len = n;
    cfg->trainer.connect_timeout_s = connect_s;
    cfg->trainer.step_timeout_s = step_s;
    cfg->trainer.log = (char *)log;
}

static char script_buf[8][1024];

/* The path of a file under the source tree (a few live at once). */
static const char *src_path(const char *rel)
{
    static int next;
    char *b = script_buf[next++ % 8];
    snprintf(b, sizeof script_buf[0], "%s/%s", srcdir(), rel);
    return b;
}

/* init a trainer on `python <script> [arg]` (script relative to the source tree). */
static int start(struct trainer *t, const char *script, const char *arg, double connect_s,
                 double step_s, struct lrf_error *err)
{
    const char *argv[] = {python(), src_path(script), arg, NULL};
    struct lrf_config cfg;
    make_config(&cfg, argv, connect_s, step_s, log_file);
    memset(t, 0, sizeof *t);
    t->ops = &trainer_exec_ops;
    t->cancel_fd = -1;
    lrf_error_clear(err);
    unlink(log_file);
    return trainer_exec_ops.init(t, &cfg, err);
}

/* Whether /proc says pid is a zombie. */
static bool is_zombie(pid_t pid)
{
    char path[64], buf[512] = "";
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return false;
    if (fgets(buf, sizeof buf, fp) == NULL)
        buf[0] = '\0';
    fclose(fp);
    const char *paren = strrchr(buf, ')');
    return paren != NULL && paren[1] == ' ' && paren[2] == 'Z';
}

/* The process is gone and reaped (or, for a reparented grandchild, at most a zombie). */
static void assert_gone(pid_t pid, bool ours)
{
    assert_true(pid > 0);
    if (kill(pid, 0) == 0) {
        if (ours || !is_zombie(pid))
            fail_msg("process %d is still there", (int)pid);
    } else {
        assert_int_equal(errno, ESRCH);
    }
    if (ours) {
        assert_int_equal(waitpid(pid, NULL, WNOHANG), -1);
        assert_int_equal(errno, ECHILD);
    }
}

/* Close t and check that its process is gone. */
static void close_and_check(struct trainer *t)
{
    pid_t pid = trainer_exec_pid(t);
    assert_true(pid > 0);
    trainer_exec_ops.close(t);
    assert_null(t->impl);
    assert_gone(pid, true);
    trainer_exec_ops.close(t); /* idempotent */
}

static void assert_contains(const char *text, const char *part)
{
    if (strstr(text, part) == NULL)
        fail_msg("'%s' lacks '%s'", text, part);
}

static char *slurp(const char *path)
{
    static char buf[1 << 16];
    buf[0] = '\0';
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return buf;
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

/* A sweep from 1e-4 with factor 1.2 a step. */
static double ladder(int i)
{
    return 1e-4 * pow(1.2, i);
}

/* ---- a well-behaved trainer ------------------------------------------------------------ */

static void test_full_sweep_and_reset(void **state)
{
    (void)state;
    struct trainer t;
    struct lrf_error err;
    if (start(&t, "examples/python/logreg.py", NULL, 30, 30, &err) != 0)
        fail_msg("%s", err.msg);
    assert_string_equal(t.name, "logreg");
    assert_string_equal(t.info, "params 27, batch 32");
    assert_string_equal(t.log_path, log_file);
    enum { N = 80 };
    double first[N], second[N];
    for (int i = 0; i < N; i++)
        if (trainer_exec_ops.step(&t, ladder(i), &first[i], &err) != 0)
            fail_msg("step %d: %s", i, err.msg);
    /* the range test's shape: flat near ln 3, a minimum well below, then divergence */
    assert_close(first[0], log(3.0), 0.05);
    double lo = first[0];
    for (int i = 0; i < N; i++)
        lo = fmin(lo, first[i]);
    assert_true(lo < 0.6);
    assert_true(!(first[N - 1] < 2 * lo));
    assert_int_equal(trainer_exec_ops.reset(&t, &err), 0);
    for (int i = 0; i < N; i++)
        assert_int_equal(trainer_exec_ops.step(&t, ladder(i), &second[i], &err), 0);
    assert_memory_equal(first, second, sizeof first); /* bit for bit */
    close_and_check(&t);
    assert_contains(slurp(log_file), "logreg: 900 points, 3 classes, 8 features");
}

static void test_good_trainer(void **state)
{
    (void)state;
    struct trainer t;
    struct lrf_error err;
    int leak = open("/dev/null", O_RDONLY); /* not O_CLOEXEC: the child must not get it */
    assert_true(leak >= 3);
    int rc = start(&t, "tests/trainers/good.py", NULL, 30, 30, &err);
    close(leak);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_string_equal(t.name, "good_trainer");
    assert_string_equal(t.info, "params 123, batch 8");
    double loss;
    for (int i = 0; i < 5; i++) {
        assert_int_equal(trainer_exec_ops.step(&t, ladder(i), &loss, &err), 0);
        assert_true(loss == i + ladder(i)); /* exact: %.17g and repr round-trip */
    }
    assert_int_equal(trainer_exec_ops.step(&t, 0.5, &loss, &err), 0);
    assert_true(isnan(loss));
    assert_int_equal(trainer_exec_ops.step(&t, 0.25, &loss, &err), 0);
    assert_true(isinf(loss) && loss > 0);
    assert_int_equal(trainer_exec_ops.step(&t, 0.125, &loss, &err), 0);
    assert_true(isinf(loss) && loss < 0);
    assert_int_equal(trainer_exec_ops.reset(&t, &err), 0);
    assert_int_equal(trainer_exec_ops.step(&t, 1e-3, &loss, &err), 0);
    assert_true(loss == 1e-3);
    /* the tail, from the API */
    char tail[4096];
    size_t n = trainer_exec_log_tail(&t, tail, sizeof tail);
    assert_int_equal(n, strlen(tail));
    assert_contains(tail, "reset\nstep 0 0.001");
    char small[16];
    n = trainer_exec_log_tail(&t, small, sizeof small); /* only whole newest lines */
    assert_string_equal(small, "step 0 0.001");
    assert_int_equal(n, 12);
    assert_int_equal(trainer_exec_log_tail(&t, small, 5), 0);
    close_and_check(&t);
    assert_int_equal(trainer_exec_log_tail(&t, tail, sizeof tail), 0);
    assert_int_equal(trainer_exec_pid(&t), -1);
    const char *log = slurp(log_file);
    assert_contains(log, "stdin: eof\n");             /* never lrfind's terminal */
    assert_contains(log, "dir mode: 700\n");          /* the private directory */
    assert_contains(log, "pgrp is pid: True\n");      /* its own process group */
    assert_contains(log, "unbuffered: 1\n");          /* Python output reaches the log at once */
    assert_contains(log, "open fds: [0, 1, 2, 3]\n"); /* 3 is listdir's own: nothing leaked */
    assert_contains(log, "got quit\n");               /* close() said quit and it listened */
}

/* A trainer that writes megabytes to stdout and stderr never blocks: the pipe is drained. */
static void test_chatty_trainer(void **state)
{
    (void)state;
    struct trainer t;
    struct lrf_error err;
    if (start(&t, "tests/trainers/good.py", "--chatty", 30, 10, &err) != 0)
        fail_msg("%s", err.msg);
    double loss;
    for (int i = 0; i < 12; i++)
        if (trainer_exec_ops.step(&t, ladder(i), &loss, &err) != 0)
            fail_msg("step %d: %s", i, err.msg);
    close_and_check(&t);
    struct stat st;
    assert_int_equal(stat(log_file, &st), 0);
    assert_true(st.st_size >= 12L * 2 * 256 * 1024);
}

/* No log file: the tail is still kept. */
static void test_no_log_file(void **state)
{
    (void)state;
    const char *argv[] = {python(), src_path("tests/trainers/good.py"), NULL};
    struct lrf_config cfg;
    make_config(&cfg, argv, 30, 30, NULL);
    struct trainer t;
    memset(&t, 0, sizeof t);
    t.ops = &trainer_exec_ops;
    t.cancel_fd = -1;
    struct lrf_error err;
    assert_int_equal(trainer_exec_ops.init(&t, &cfg, &err), 0);
    assert_string_equal(t.log_path, "");
    double loss;
    assert_int_equal(trainer_exec_ops.step(&t, 0.01, &loss, &err), 0);
    char tail[1024];
    trainer_exec_log_tail(&t, tail, sizeof tail);
    assert_contains(tail, "step 0 0.01");
    close_and_check(&t);
}

/* cancel_fd interrupts a step; the late reply is dropped before the next command. */
static void test_cancel(void **state)
{
    (void)state;
    struct trainer t;
    struct lrf_error err;
    int p[2];
    assert_int_equal(pipe(p), 0);
    if (start(&t, "tests/trainers/good.py", NULL, 30, 30, &err) != 0)
        fail_msg("%s", err.msg);
    t.cancel_fd = p[0];
    double loss = -1;
    assert_int_equal(write(p[1], "x", 1), 1);
    assert_int_equal(trainer_exec_ops.step(&t, 0.01, &loss, &err), -1);
    assert_contains(err.msg, "cancelled in iteration 0");
    assert_true(loss == -1);
    char c;
    assert_int_equal(read(p[0], &c, 1), 1);
    assert_int_equal(trainer_exec_ops.step(&t, 0.02, &loss, &err), 0);
    assert_true(loss == 1 + 0.02); /* the trainer did train the cancelled step */
    close_and_check(&t);

    /* cancelled while waiting for hello: init fails, nothing is left */
    const char *argv[] = {python(), src_path("tests/trainers/no_connect.py"), NULL};
    struct lrf_config cfg;
    make_config(&cfg, argv, 30, 30, log_file);
    memset(&t, 0, sizeof t);
    t.ops = &trainer_exec_ops;
    t.cancel_fd = p[0];
    assert_int_equal(write(p[1], "x", 1), 1);
    double t0 = now_s();
    assert_int_equal(trainer_exec_ops.init(&t, &cfg, &err), -1);
    assert_true(now_s() - t0 < 5);
    assert_contains(err.msg, "cancelled while waiting for the trainer to say hello");
    assert_null(t.impl);
    close(p[0]);
    close(p[1]);
}

/* The process group goes down with the trainer (torchrun's ranks, data loader workers). */
static void test_grandchild_killed(void **state)
{
    (void)state;
    struct trainer t;
    struct lrf_error err;
    if (start(&t, "tests/trainers/grandchild.py", NULL, 30, 30, &err) != 0)
        fail_msg("%s", err.msg);
    double loss;
    assert_int_equal(trainer_exec_ops.step(&t, 0.01, &loss, &err), 0);
    close_and_check(&t);
    const char *g = strstr(slurp(log_file), "grandchild ");
    assert_non_null(g);
    pid_t gpid = (pid_t)atol(g + 11);
    /* not our child: the kernel may take a moment to finish it off after its pipe closed */
    for (int i = 0; i < 100 && kill(gpid, 0) == 0 && !is_zombie(gpid); i++)
        usleep(10000);
    assert_gone(gpid, false);
}

/* Neither quit nor SIGTERM stops it: SIGKILL after the grace periods. */
static void test_stubborn_trainer(void **state)
{
    (void)state;
    struct trainer t;
    struct lrf_error err;
    if (start(&t, "tests/trainers/stubborn.py", NULL, 30, 30, &err) != 0)
        fail_msg("%s", err.msg);
    double loss;
    assert_int_equal(trainer_exec_ops.step(&t, 0.01, &loss, &err), 0);
    trainer_exec_set_grace(&t, 0.2, 0.2);
    double t0 = now_s();
    close_and_check(&t);
    double took = now_s() - t0;
    assert_true(took >= 0.35 && took < 3);
}

/* ---- faults ---------------------------------------------------------------------------- */

/* init must fail with a message containing each of the parts (NULL-terminated). */
static void expect_init_fails(const char *const *argv, double connect_s, double max_s, ...)
{
    struct lrf_config cfg;
    make_config(&cfg, argv, connect_s, 30, log_file);
    struct trainer t;
    memset(&t, 0, sizeof t);
    t.ops = &trainer_exec_ops;
    t.cancel_fd = -1;
    struct lrf_error err;
    lrf_error_clear(&err);
    double t0 = now_s();
    assert_int_equal(trainer_exec_ops.init(&t, &cfg, &err), -1);
    double took = now_s() - t0;
    if (took > max_s)
        fail_msg("init took %.2f s (more than %.2f s): %s", took, max_s, err.msg);
    assert_null(t.impl);
    va_list ap;
    va_start(ap, max_s);
    for (const char *part; (part = va_arg(ap, const char *)) != NULL;)
        assert_contains(err.msg, part);
    va_end(ap);
    /* no child of ours is left, running or zombie */
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
}

static void test_command_not_found(void **state)
{
    (void)state;
    const char *a1[] = {"lrfind-no-such-command", "x", NULL};
    expect_init_fails(a1, 5, 2,
                      "trainer command not found: 'lrfind-no-such-command' is not in PATH", NULL);
    const char *a2[] = {"/nonexistent/train.py", NULL};
    expect_init_fails(a2, 5, 2, "trainer command not found: '/nonexistent/train.py' does not exist",
                      NULL);
    const char *a3[] = {src_path("tests/test_util.h"), NULL};
    expect_init_fails(a3, 5, 2, "is not executable (trainer.command)", NULL);
    const char *a4[] = {NULL};
    expect_init_fails(a4, 5, 2, "trainer.command is empty", NULL);
    /* an unwritable log */
    struct lrf_config cfg;
    const char *a5[] = {python(), NULL};
    make_config(&cfg, a5, 5, 5, "/nonexistent/dir/trainer.log");
    struct trainer t;
    memset(&t, 0, sizeof t);
    t.cancel_fd = -1;
    struct lrf_error err;
    assert_int_equal(trainer_exec_ops.init(&t, &cfg, &err), -1);
    assert_contains(err.msg, "cannot write the trainer log");
    assert_string_equal(err.file, "/nonexistent/dir/trainer.log"); /* a file named: exit 2 */
}

static void test_exit_before_hello(void **state)
{
    (void)state;
    const char *argv[] = {python(), src_path("tests/trainers/exit_before_hello.py"), NULL};
    expect_init_fails(
        argv, 30, 5, "trainer exited with status 3 before saying hello; last lines of ", log_file,
        ":\n  loading data from /nonexistent\n  FileNotFoundError: no such file", NULL);
}

static void test_no_connect(void **state)
{
    (void)state;
    const char *argv[] = {python(), src_path("tests/trainers/no_connect.py"), NULL};
    /* 3 s: the interpreter must have started and printed (a pyenv shim alone takes 0.6 s) */
    expect_init_fails(argv, 3, 8,
                      "trainer did not connect to $LRFIND_SOCKET within 3 s (connect_timeout_s)",
                      "thinking very hard", NULL);
}

static void test_no_hello(void **state)
{
    (void)state;
    const char *argv[] = {python(), src_path("tests/trainers/no_hello.py"), NULL};
    expect_init_fails(argv, 3, 8,
                      "trainer connected but did not say hello within 3 s (connect_timeout_s)",
                      NULL);
    const char *argv2[] = {python(), src_path("tests/trainers/no_hello_line.py"), NULL};
    expect_init_fails(
        argv2, 30, 6,
        "trainer broke the protocol: its first line is 'goodbye' (expected 'hello 1')", NULL);
}

static void test_bad_version(void **state)
{
    (void)state;
    const char *argv[] = {python(), src_path("tests/trainers/bad_version.py"), NULL};
    expect_init_fails(argv, 30, 6, "trainer speaks protocol version 2, but lrfind speaks version 1",
                      NULL);
    assert_contains(slurp(log_file), "got error lrfind speaks protocol version 1, not 2");
}

/* Start `script`, train `good` steps, then expect the next step (or reset) to fail with
 * every part (NULL-terminated) in the message, within max_s; then close and check. */
static void expect_step_fails(const char *script, int good, bool reset, double step_s, double max_s,
                              ...)
{
    struct trainer t;
    struct lrf_error err;
    if (start(&t, script, NULL, 30, step_s, &err) != 0)
        fail_msg("%s", err.msg);
    double loss;
    for (int i = 0; i < good; i++)
        if (trainer_exec_ops.step(&t, ladder(i), &loss, &err) != 0)
            fail_msg("step %d: %s", i, err.msg);
    double t0 = now_s();
    int rc = reset ? trainer_exec_ops.reset(&t, &err)
                   : trainer_exec_ops.step(&t, ladder(good), &loss, &err);
    double took = now_s() - t0;
    assert_int_equal(rc, -1);
    if (took > max_s)
        fail_msg("the failure took %.2f s (more than %.2f s): %s", took, max_s, err.msg);
    va_list ap;
    va_start(ap, max_s);
    for (const char *part; (part = va_arg(ap, const char *)) != NULL;)
        assert_contains(err.msg, part);
    va_end(ap);
    /* the trainer is done for: later calls repeat the message at once */
    struct lrf_error again;
    assert_int_equal(trainer_exec_ops.step(&t, 1.0, &loss, &again), -1);
    assert_string_equal(again.msg, err.msg);
    assert_int_equal(trainer_exec_ops.reset(&t, &again), -1);
    assert_string_equal(again.msg, err.msg);
    t0 = now_s();
    close_and_check(&t);
    if (now_s() - t0 > 3)
        fail_msg("close took %.2f s", now_s() - t0);
}

static void test_step_timeout(void **state)
{
    (void)state;
    expect_step_fails(
        "tests/trainers/slow_step.py", 2, false, 0.4, 2,
        "trainer took more than 0.4 s in iteration 2 (lr 0.000144) (step_timeout_s); last lines of",
        "\n  got step 0.0001", NULL);
}

static void test_dies_mid_sweep(void **state)
{
    (void)state;
    expect_step_fails("tests/trainers/dies_mid_sweep.py", 3, false, 30, 3,
                      "trainer exited with status 5 in iteration 3 (lr 0.000173); last lines of",
                      "Traceback (most recent call last):\n  ",
                      "\n  RuntimeError: the loss went sideways", NULL);
    expect_step_fails("tests/trainers/killed_mid_sweep.py", 3, false, 30, 3,
                      "trainer was killed by signal 9 (SIGKILL) in iteration 3 (lr 0.000173)",
                      "\n  about to die", NULL);
}

static void test_malformed_line(void **state)
{
    (void)state;
    expect_step_fails(
        "tests/trainers/malformed_line.py", 1, false, 30, 2,
        "trainer broke the protocol in iteration 1 (lr 0.00012): bad number 'twelve' after 'loss'",
        "in line 'loss twelve'", NULL);
    assert_contains(slurp(log_file), "got error bad number 'twelve'");
    expect_step_fails("tests/trainers/wrong_reply.py", 1, false, 30, 2,
                      "trainer broke the protocol in iteration 1 (lr 0.00012): it sent 'ok' "
                      "(expected 'loss <value>')",
                      NULL);
    expect_step_fails("tests/trainers/bad_reset.py", 2, true, 30, 2,
                      "trainer broke the protocol during reset: it sent 'loss 1' (expected 'ok')",
                      NULL);
}

static void test_long_line(void **state)
{
    (void)state;
    expect_step_fails("tests/trainers/long_line.py", 1, false, 30, 2,
                      "trainer broke the protocol in iteration 1 (lr 0.00012): it sent a line "
                      "longer than 4096 bytes",
                      NULL);
}

static void test_closes_socket(void **state)
{
    (void)state;
    expect_step_fails(
        "tests/trainers/closes_socket.py", 2, false, 30, 2,
        "trainer closed the connection in iteration 2 (lr 0.000144) (the process is still running)",
        "\n  closed the socket", NULL);
}

static void test_trainer_error(void **state)
{
    (void)state;
    expect_step_fails("tests/trainers/reports_error.py", 2, false, 30, 2,
                      "trainer reported an error in iteration 2 (lr 0.000144): CUDA out of memory",
                      NULL);
    const char *log = slurp(log_file);
    assert_contains(log, "got quit\n"); /* a trainer that reports an error still hears quit */
    assert_contains(log, "bye\n");
}

/* ---- the PyTorch examples (skipped without torch) ------------------------------------- */

static const char *torch_python(void)
{
    const char *flag = getenv("LRFIND_TEST_TORCH");
    if (flag != NULL && strcmp(flag, "0") == 0)
        return NULL;
    const char *p = getenv("TORCH_PYTHON");
    if (p == NULL || *p == '\0')
        p = "/usr/bin/python3";
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' -c 'import torch' >/dev/null 2>&1", p);
    return system(cmd) == 0 ? p : NULL;
}

/* A 30-step sweep, a reset and the same sweep again; the model must not change. */
static void torch_sweep(const char *const *argv, const char *name, const char *expect_log)
{
    struct lrf_config cfg;
    make_config(&cfg, argv, 180, 120, log_file);
    struct trainer t;
    memset(&t, 0, sizeof t);
    t.ops = &trainer_exec_ops;
    t.cancel_fd = -1;
    struct lrf_error err;
    if (trainer_exec_ops.init(&t, &cfg, &err) != 0)
        fail_msg("%s", err.msg);
    assert_string_equal(t.name, name);
    enum { N = 30 };
    double a[N], b[N];
    for (int pass = 0; pass < 2; pass++) {
        double *loss = pass ? b : a;
        if (pass && trainer_exec_ops.reset(&t, &err) != 0)
            fail_msg("reset: %s", err.msg);
        for (int i = 0; i < N; i++) {
            double lr = 1e-4 * pow(10.0, 5.0 * i / N);
            if (trainer_exec_ops.step(&t, lr, &loss[i], &err) != 0)
                fail_msg("step %d: %s", i, err.msg);
        }
    }
    for (int i = 0; i < N; i++)
        if (!(a[i] == b[i]) && !(isnan(a[i]) && isnan(b[i])))
            fail_msg("step %d: %.17g then %.17g after reset", i, a[i], b[i]);
    assert_true(isfinite(a[0]) && a[0] > 0);
    /* On "quit" the trainer exits by itself: with 30 s of grace before SIGTERM, a close
     * that needed the signal takes 30 s, one that did not takes well under a second (the
     * margin is for loaded machines, not a speed target). */
    trainer_exec_set_grace(&t, 30, 2);
    double t0 = now_s();
    close_and_check(&t);
    if (now_s() - t0 > 20.0)
        fail_msg("closing took %.2f s: the trainer did not exit on quit", now_s() - t0);
    if (expect_log != NULL)
        assert_contains(slurp(log_file), expect_log);
}

static void test_torch_mlp(void **state)
{
    (void)state;
    const char *py = torch_python();
    if (py == NULL)
        skip();
    const char *argv[] = {py, src_path("examples/pytorch/mlp.py"), NULL};
    torch_sweep(argv, "torch-mlp", NULL);
}

static void test_torch_ddp(void **state)
{
    (void)state;
    const char *py = torch_python();
    if (py == NULL)
        skip();
    /* examples/pytorch/torchrun.py is torch.distributed.run, repaired for torch < 2.0 on
     * Python 3.11 (Debian 12), where `python3 -m torch.distributed.run` fails at start */
    const char *argv[] = {py,
                          src_path("examples/pytorch/torchrun.py"),
                          "--standalone",
                          "--nproc_per_node=2",
                          "--monitor_interval=0.5",
                          src_path("examples/pytorch/ddp.py"),
                          "--check",
                          NULL};
    torch_sweep(argv, "torch-ddp-mlp", "ranks agree: 60 steps, 2 ranks");
}

static int setup(void **state)
{
    (void)state;
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    snprintf(log_file, sizeof log_file, "%s/trainer.log", tmpdir);
    signal(SIGPIPE, SIG_IGN); /* as lrfind does: the child must get it back as default */
    setenv("PYTHONDONTWRITEBYTECODE", "1", 1);        /* no __pycache__ in the source tree */
    unsetenv("PYTHONUNBUFFERED");                     /* trainer_exec sets it for the child */
    setenv("LRFIND_SOCKET", "/nonexistent/stale", 1); /* and replaces an inherited one */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(log_file);
    rmdir(tmpdir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_sweep_and_reset),
        cmocka_unit_test(test_good_trainer),
        cmocka_unit_test(test_chatty_trainer),
        cmocka_unit_test(test_no_log_file),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_grandchild_killed),
        cmocka_unit_test(test_stubborn_trainer),
        cmocka_unit_test(test_command_not_found),
        cmocka_unit_test(test_exit_before_hello),
        cmocka_unit_test(test_no_connect),
        cmocka_unit_test(test_no_hello),
        cmocka_unit_test(test_bad_version),
        cmocka_unit_test(test_step_timeout),
        cmocka_unit_test(test_dies_mid_sweep),
        cmocka_unit_test(test_malformed_line),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_closes_socket),
        cmocka_unit_test(test_trainer_error),
        cmocka_unit_test(test_torch_mlp),
        cmocka_unit_test(test_torch_ddp),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
