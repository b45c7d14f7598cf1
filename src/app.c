/* app.c: saving and printing what a sweep found, shared by --batch and the TUI. */
#include "config.h"

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lrfind/app.h"
#include "lrfind/csv.h"
#include "lrfind/signals.h"
#include "lrfind/suggest.h"
#include "lrfind/trainer.h"

void app_resolve_ui(struct app *a, int tty_fd)
{
    if (a->charset == CHARSET_AUTO)
        a->charset = a->cfg.ui.charset;
    if (a->charset == CHARSET_AUTO) {
        const char *cs = nl_langinfo(CODESET);
        a->charset = (cs != NULL && strcmp(cs, "UTF-8") == 0) ? CHARSET_BRAILLE : CHARSET_ASCII;
    }
    const char *nc = getenv("NO_COLOR");
    if (nc != NULL && *nc != '\0')
        a->color = false;
    else if (a->cfg.ui.color == COLOR_NEVER)
        a->color = false;
    else if (a->cfg.ui.color == COLOR_ALWAYS)
        a->color = a->color; /* --no-color still wins */
    else if (tty_fd >= 0 && !isatty(tty_fd))
        a->color = false;
}

void app_result(const struct app *a, const struct sweep *sw, double pick_lr, const char *pick_source,
                double wall_s, struct result *r)
{
    memset(r, 0, sizeof *r);
    r->cfg = &a->cfg;
    r->points = sw->len;
    r->stop = sw->stop;
    r->stop_index = sw->stop_index;
    r->methods = a->cfg.sweep.suggest;
    struct suggest_opts o = suggest_opts_default();
    o.skip_start = a->cfg.sweep.skip_start;
    o.skip_end = (size_t)a->cfg.sweep.skip_end;
    suggest_all(sw->lr, sw->smooth, sw->len, (size_t)a->cfg.sweep.iterations, &o, r->window, r->sugg);
    r->has_pick = pick_lr > 0;
    r->pick_lr = pick_lr;
    r->pick_source = pick_source;
    r->wall_s = wall_s;
    r->steps_per_s = wall_s > 0 ? (double)sw->len / wall_s : -1;
}

int app_save(const struct app *a, const struct sweep *sw, const struct result *r, struct lrf_error *err)
{
    int rc = 0;
    if (a->cfg.output.sweep != NULL) {
        char meta[1024];
        config_meta_line(&a->cfg, meta, sizeof meta);
        rc = csv_save(a->cfg.output.sweep, sw, meta, err);
    }
    /* the result is written even when the sweep could not be; the first error is kept */
    struct lrf_error e2;
    lrf_error_clear(&e2);
    if (a->cfg.output.result != NULL && result_save(a->cfg.output.result, r, rc == 0 ? err : &e2) != 0)
        rc = -1;
    return rc;
}

void app_print_result(const struct app *a, const struct result *r, int code)
{
    if (a->format == RESULT_TEXT) {
        if (code == EXIT_PICKED && r->has_pick) {
            /* the shortest text that reads back as the same double */
            char buf[32];
            config_format_double(r->pick_lr, buf, sizeof buf);
            printf("%s\n", buf);
        }
    } else {
        result_print(stdout, r, a->format);
        if (a->format == RESULT_JSON)
            putchar('\n');
    }
    fflush(stdout);
}

int app_open_trainer(const struct app *a, struct trainer *t, struct lrf_error *err)
{
    /* Ctrl-C, SIGTERM or SIGHUP during a slow start (connect_timeout_s) end the wait. */
    if (trainer_open(t, &a->cfg, signals_fd(), err) == 0) {
        t->cancel_fd = -1; /* the runner brings its own for the steps */
        return 0;
    }
    int sig = signals_caught(), code;
    if (sig != 0) {
        lrf_error_set(err, NULL, 0, 0, "interrupted by signal %d while the trainer started", sig);
        code = 128 + sig;
    } else {
        /* bad data or config names a file (2): the built-in trainer's data, the trainer log;
         * else an external trainer failed to start (3) */
        code = a->cfg.trainer.kind == TRAINER_EXEC && err->file[0] == '\0' ? EXIT_TRAINER : EXIT_USAGE;
    }
    /* Whatever the exit, -o and --result are written: here a sweep of no points. */
    struct sweep sw;
    sweep_init(&sw, a->cfg.sweep.smoothing, a->cfg.sweep.stop_factor, (size_t)a->cfg.sweep.iterations);
    sweep_stop(&sw, sig != 0 ? STOP_INTERRUPTED : STOP_TRAINER);
    struct result res;
    app_result(a, &sw, -1, NULL, -1, &res);
    struct lrf_error e2;
    lrf_error_clear(&e2);
    if (app_save(a, &sw, &res, &e2) != 0) {
        char msg[600];
        fprintf(stderr, "lrfind: %s\n", lrf_error_format(&e2, msg, sizeof msg));
    }
    sweep_free(&sw);
    return code;
}
