/* batch.c: `lrfind --batch`: the sweep without the TUI, progress on stderr. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lrfind/app.h"
#include "lrfind/clock.h"
#include "lrfind/runner.h"
#include "lrfind/signals.h"
#include "lrfind/trainer.h"

/* Print progress: a live bar on a terminal, a line every 10% otherwise. */
static void progress(const struct runner_view *v, bool tty, int *last_decile)
{
    size_t i = v->sweep->len;
    long n = v->iterations;
    double sm = i > 0 ? v->sweep->smooth[i - 1] : (double)NAN;
    double lr = i > 0 ? v->sweep->lr[i - 1] : (double)NAN;
    if (tty) {
        int width = 24, fill = n > 0 ? (int)((double)i * width / (double)n) : 0;
        if (fill > width)
            fill = width;
        char bar[32];
        for (int k = 0; k < width; k++)
            bar[k] = k < fill ? '#' : '.';
        bar[width] = '\0';
        double eta = v->it_per_s > 0 ? (double)(n - (long)i) / v->it_per_s : 0;
        long eta_s = eta < 1e9 ? (long)eta : 999999999L; /* no overflow on absurd ETAs */
        fprintf(stderr, "\r[%s] %zu/%ld  lr %.3g  loss %.4g  %.0f it/s  ETA %ld:%02ld \033[K", bar, i, n,
                lr, sm, v->it_per_s, eta_s / 60, eta_s % 60);
    } else if (n > 0) {
        int decile = (int)((double)i * 10 / (double)n);
        if (decile > *last_decile) {
            *last_decile = decile;
            fprintf(stderr, "lrfind: %3d%%  %zu/%ld  lr %.3g  smoothed loss %.6g\n", decile * 10, i, n,
                    lr, sm);
        }
    }
}

int cmd_batch(struct app *a)
{
    struct lrf_error err;
    char msg[1024];
    lrf_error_clear(&err);
    struct trainer t;
    int code = app_open_trainer(a, &t, &err);
    if (code != 0) {
        fprintf(stderr, "lrfind: %s\n", lrf_error_format(&err, msg, sizeof msg));
        return code;
    }
    struct runner r;
    if (runner_start(&r, &t, &a->cfg, &err) != 0) {
        fprintf(stderr, "lrfind: %s\n", lrf_error_format(&err, msg, sizeof msg));
        trainer_close(&t);
        return EXIT_TRAINER;
    }
    struct sweep sw;
    sweep_init(&sw, a->cfg.sweep.smoothing, a->cfg.sweep.stop_factor, (size_t)a->cfg.sweep.iterations);
    struct runner_view v;
    memset(&v, 0, sizeof v);
    v.sweep = &sw;
    bool tty = isatty(STDERR_FILENO);
    int last_decile = 0, sig = 0;
    double t0 = clock_now();
    double last_draw = -1;

    for (;;) {
        struct pollfd p[2] = {{runner_wake_fd(&r), POLLIN, 0}, {signals_fd(), POLLIN, 0}};
        int pr = poll(p, 2, tty ? 100 : 1000);
        if (pr < 0 && errno != EINTR)
            break;
        if (p[1].revents & POLLIN) {
            sig = signals_caught();
            if (sig != 0)
                break;
        }
        runner_drain(&r);
        runner_snapshot(&r, &v);
        double now = clock_now();
        if (!tty || now - last_draw >= 0.1 || v.state != RUNNER_RUNNING) {
            progress(&v, tty, &last_decile);
            last_draw = now;
        }
        if (v.state == RUNNER_FINISHED || v.state == RUNNER_FAILED || v.state == RUNNER_QUIT)
            break;
    }
    runner_stop(&r);
    runner_snapshot(&r, &v);
    if (tty)
        fputc('\n', stderr);
    double wall = clock_now() - t0;
    if (sig != 0) {
        sweep_stop(&sw, STOP_INTERRUPTED);
    }

    struct result res;
    app_result(a, &sw, -1, NULL, clock_frozen() ? -1 : wall, &res);
    res.trainer_name = t.name[0] ? t.name : NULL;
    res.trainer_info = t.info[0] ? t.info : NULL;
    const struct suggestion *pick = &res.sugg[a->cfg.sweep.pick];
    if (sig != 0) {
        fprintf(stderr, "lrfind: interrupted by signal %d after %zu points\n", sig, sw.len);
        code = 128 + sig;
    } else if (sw.stop == STOP_TRAINER) {
        fprintf(stderr, "lrfind: trainer failed after %zu points: %s\n", sw.len,
                lrf_error_format(&v.err, msg, sizeof msg));
        code = EXIT_TRAINER;
    } else if (!pick->ok) {
        fprintf(stderr, "lrfind: no %s suggestion: too few points in the window [%zu, %zu)\n",
                suggest_name((enum suggest_method)a->cfg.sweep.pick), res.window[0], res.window[1]);
        code = EXIT_NO_PICK;
    } else {
        res.has_pick = true;
        res.pick_lr = pick->lr;
        res.pick_source = suggest_name((enum suggest_method)a->cfg.sweep.pick);
        code = EXIT_PICKED;
    }
    if (code == EXIT_PICKED || code == EXIT_NO_PICK) {
        fprintf(stderr, "lrfind: %s after %zu points", stop_reason_name(sw.stop), sw.len);
        for (int m = 0; m < SUGGEST_COUNT; m++)
            if ((res.methods & (1u << m)) && res.sugg[m].ok)
                fprintf(stderr, "  %s %.3g", suggest_name((enum suggest_method)m), res.sugg[m].lr);
        fputc('\n', stderr);
    }
    if (app_save(a, &sw, &res, &err) != 0) {
        fprintf(stderr, "lrfind: %s\n", lrf_error_format(&err, msg, sizeof msg));
        if (code == EXIT_PICKED)
            code = EXIT_USAGE;
    }
    app_print_result(a, &res, code);
    sweep_free(&sw);
    runner_free(&r);
    trainer_close(&t);
    return code;
}
