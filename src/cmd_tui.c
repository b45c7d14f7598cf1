/* cmd_tui.c: the interactive commands: the live sweep (`lrfind`) and `lrfind view`. The loop
 * sleeps in poll() on the terminal, the trainer's wake-up pipe and the signal pipe, and draws
 * at most ui.fps frames a second, only when something changed. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "lrfind/app.h"
#include "lrfind/clock.h"
#include "lrfind/csv.h"
#include "lrfind/files.h"
#include "lrfind/runner.h"
#include "lrfind/signals.h"
#include "lrfind/trainer.h"
#include "lrfind/tui.h"
#include "lrfind/tui_draw.h"
#include "lrfind/tui_model.h"

#define LOG_LINES 32
#define LOG_LINE_LEN 200

/* The last lines of the trainer's log file, re-read only when the file grew. */
struct log_tail {
    const char *path;
    off_t size;
    char buf[LOG_LINES][LOG_LINE_LEN];
    const char *lines[LOG_LINES];
    size_t n;
};

/* Re-read the end of the log when it changed; returns true when it did. */
static bool log_tail_update(struct log_tail *lt)
{
    struct stat st;
    if (lt->path == NULL || lt->path[0] == '\0' || stat(lt->path, &st) != 0 || st.st_size == lt->size)
        return false;
    lt->size = st.st_size;
    FILE *fp = fopen(lt->path, "r");
    if (fp == NULL)
        return false;
    long from = st.st_size > 16384 ? (long)st.st_size - 16384 : 0;
    fseek(fp, from, SEEK_SET);
    char line[LOG_LINE_LEN];
    size_t n = 0;
    if (from > 0 && fgets(line, sizeof line, fp) == NULL) /* skip a partial first line */
        n = 0;
    while (fgets(line, sizeof line, fp) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        snprintf(lt->buf[n % LOG_LINES], LOG_LINE_LEN, "%s", line);
        n++;
    }
    fclose(fp);
    lt->n = n < LOG_LINES ? n : LOG_LINES;
    for (size_t k = 0; k < lt->n; k++)
        lt->lines[k] = lt->buf[(n - lt->n + k) % LOG_LINES];
    return true;
}

/* Everything the interactive loop works with. */
struct session {
    struct app *a;
    struct tui tui;
    struct tui_model m;
    struct grid screen;
    struct runner *r; /* NULL for view */
    struct runner_view rv;
    struct trainer *t;
    struct log_tail log;
    char state[96];
    char errbuf[600];
    long frames, full_frames; /* for LRFIND_STATS (bench/tui.py) */
    int outcome; /* TUI_QUIT, TUI_PICK, or 128+signal */
};

/* The status panel's state line from the runner's view. */
/* The settings changed live go into the config that the saved files describe (the meta line,
 * the result's settings) and into the live series' window N. */
static void sync_settings(struct session *s)
{
    const struct runner_view *v = &s->rv;
    struct lrf_config *c = &s->a->cfg;
    if (v->iterations >= 2 && v->iterations != c->sweep.iterations) {
        c->sweep.iterations = v->iterations;
        s->m.s[0].n_configured = v->iterations;
        tui_model_suggest(&s->m, 0);
    }
    if (v->end_lr > 0) { /* a range ladder keeps its factor or step: its end moves with N */
        c->sweep.end_lr = v->end_lr;
    } else if (s->m.mult_changed && v->multiplier > 1) {
        /* re-anchored: the factor now in use describes the ladder from here on */
        c->sweep.mode = SCHED_EXPONENTIAL;
        c->sweep.multiplier = v->multiplier;
        c->sweep.end_lr = 0;
    }
}

static void live_status(struct session *s, struct tui_frame *f)
{
    const struct runner_view *v = &s->rv;
    const struct sweep *sw = v->sweep;
    f->status.warn = false;
    switch (v->state) {
    case RUNNER_RUNNING:
        snprintf(s->state, sizeof s->state, "%s", v->in_flight && sw->len == 0 ? "starting" : "running");
        break;
    case RUNNER_PAUSED:
        snprintf(s->state, sizeof s->state, "%s", v->in_flight ? "pausing (step in flight)" : "paused");
        break;
    case RUNNER_FINISHED:
        if (sw->stop == STOP_DONE)
            snprintf(s->state, sizeof s->state, "done after %zu", sw->len);
        else if (sw->stop == STOP_DIVERGED)
            snprintf(s->state, sizeof s->state, "diverged at %zu", sw->stop_index);
        else
            snprintf(s->state, sizeof s->state, "non-finite loss at %zu", sw->stop_index);
        break;
    case RUNNER_FAILED:
    case RUNNER_QUIT:
        snprintf(s->state, sizeof s->state, "trainer error");
        f->status.warn = true;
        break;
    }
    f->status.state = s->state;
    f->status.in_flight = v->in_flight;
    f->status.lr = v->in_flight ? v->in_flight_lr : (double)NAN;
    f->status.it_per_s = v->it_per_s;
    f->status.elapsed_s = clock_frozen() ? -1 : v->elapsed_s;
    f->status.trainer = s->t->name[0] ? s->t->name : NULL;
    f->status.info = s->t->info[0] ? s->t->info : NULL;
    f->status.error = NULL;
    if (v->state == RUNNER_FAILED) {
        /* the first line; the trainer's last log lines are in the log pane */
        lrf_error_format(&v->err, s->errbuf, sizeof s->errbuf);
        s->errbuf[strcspn(s->errbuf, "\n")] = '\0';
        f->status.error = s->errbuf;
    }
    /* x spans the planned ladder so the curve grows from left to right */
    f->x_lo = sw->len ? log10(sw->lr[0]) : log10(s->a->cfg.sweep.start_lr);
    f->x_hi = log10(v->next_lr * pow(v->multiplier > 1 ? v->multiplier : 1,
                                     (double)(v->iterations - (long)sw->len - 1)));
    if (v->state == RUNNER_FINISHED && sw->len > 1 && sw->stop != STOP_DONE)
        f->x_hi = log10(sw->lr[sw->len - 1]); /* stopped early: no empty untried rates */
    if (!(f->x_hi > f->x_lo))
        f->x_hi = f->x_lo + 1;
    sync_settings(s);
    s->m.multiplier = v->multiplier;
    s->m.iterations = v->iterations;
    s->m.pace_ms = v->pace_ms;
    s->m.paused = v->state == RUNNER_PAUSED;
}

static void draw(struct session *s, bool full)
{
    int rows, cols;
    tui_size(&s->tui, &rows, &cols);
    if (s->screen.w != cols || s->screen.h != rows) {
        grid_resize(&s->screen, cols, rows);
        full = true;
    }
    struct tui_frame f;
    memset(&f, 0, sizeof f);
    f.charset = s->a->charset == CHARSET_BRAILLE ? PLOT_BRAILLE : PLOT_ASCII;
    f.x_lo = f.x_hi = (double)NAN;
    f.status.lr = (double)NAN;
    f.status.it_per_s = f.status.elapsed_s = -1;
    if (s->r != NULL) {
        live_status(s, &f);
    } else {
        f.status.state = s->m.n ? s->m.s[0].label : "";
    }
    if (s->m.log_pane) {
        log_tail_update(&s->log);
        f.log_lines = s->log.lines;
        f.n_log = s->log.n;
    }
    tui_draw(&s->screen, &s->m, &f); /* a new scale redraws the plot's cells, not the screen */
    tui_present(&s->tui, &s->screen, full);
    s->frames++;
    s->full_frames += full;
}

/* `s`: save the sweep and the result (to the configured paths, else to default names). */
static void save_now(struct session *s)
{
    struct app *a = s->a;
    const struct sweep *sw = &s->m.s[0].sweep;
    char *saved_sweep = a->cfg.output.sweep, *saved_result = a->cfg.output.result;
    bool own_sweep = saved_sweep == NULL && s->r != NULL, own_result = saved_result == NULL;
    if (own_sweep)
        a->cfg.output.sweep = (char *)"lrfind-sweep.csv";
    if (own_result)
        a->cfg.output.result = (char *)"lrfind-result.yaml";
    struct result res;
    double pick = s->m.cursor >= 0 ? sw->lr[s->m.cursor] : -1;
    app_result(a, sw, pick, pick > 0 ? "cursor" : NULL, -1, &res);
    if (s->r == NULL) {
        res.file = s->m.s[0].label;
        res.cfg = NULL;
    } else {
        res.trainer_name = s->t->name[0] ? s->t->name : NULL;
        res.trainer_info = s->t->info[0] ? s->t->info : NULL;
    }
    /* errors go to the message line, not to the terminal behind curses */
    struct lrf_error err;
    char errbuf[600];
    lrf_error_clear(&err);
    if (app_save(a, sw, &res, &err) == 0)
        tui_model_message(&s->m, "saved %s%s%s", a->cfg.output.sweep ? a->cfg.output.sweep : "",
                          a->cfg.output.sweep ? " and " : "", a->cfg.output.result);
    else
        tui_model_message(&s->m, "%s", lrf_error_format(&err, errbuf, sizeof errbuf));
    if (own_sweep)
        a->cfg.output.sweep = NULL;
    if (own_result)
        a->cfg.output.result = NULL;
}

/* `w`: write the sweep's settings back into the config: the iterations, the rate under the
 * cursor (or the picked suggestion's) as sweep.picked_lr, and, once the ladder was changed
 * live (multiplier or iterations), the multiplier in use (end_lr gives way). In view: the
 * picked rate only. */
static void write_back(struct session *s)
{
    struct app *a = s->a;
    if (a->config_path == NULL) {
        tui_model_message(&s->m, "no config file to write to (start with -c FILE)");
        return;
    }
    const char *keys[4], *vals[4];
    char mult[32], iters[32], lr[32];
    size_t n = 0;
    snprintf(iters, sizeof iters, "%ld", s->m.iterations);
    if (s->r != NULL) { /* view has no sweep settings of its own: only the picked rate */
        keys[n] = "sweep.iterations";
        vals[n++] = iters;
    }
    /* a linear ladder stays linear unless the multiplier changed (it became exponential) */
    bool ladder = s->r != NULL &&
                  (a->cfg.sweep.mode == SCHED_LINEAR ? s->m.mult_changed : s->m.ladder_changed);
    if (ladder && a->cfg.sweep.mode == SCHED_LINEAR) {
        keys[n] = "sweep.mode";
        vals[n++] = "exponential";
    }
    if (ladder) {
        config_format_double(s->m.multiplier, mult, sizeof mult);
        keys[n] = "sweep.multiplier";
        vals[n++] = mult;
    }
    const struct tui_series *t = &s->m.s[0];
    bool pick = s->m.cursor >= 0 && s->m.cursor < (long)t->sweep.len;
    if (pick) {
        bool on_sugg = s->m.selected >= 0 && t->sugg[s->m.selected].ok;
        config_format_double(on_sugg ? t->sugg[s->m.selected].lr : t->sweep.lr[s->m.cursor], lr, sizeof lr);
        keys[n] = "sweep.picked_lr";
        vals[n++] = lr;
    }
    if (n == 0) {
        tui_model_message(&s->m, "move the cursor to a rate first: w writes it as sweep.picked_lr");
        return;
    }
    struct lrf_error err;
    lrf_error_clear(&err);
    char msg[600];
    if (config_write_back(a->config_path, keys, vals, n, &err) != 0)
        tui_model_message(&s->m, "%s", lrf_error_format(&err, msg, sizeof msg));
    else if (s->r == NULL)
        tui_model_message(&s->m, "wrote picked_lr %s to %s", lr, a->config_path);
    else
        tui_model_message(&s->m, "wrote iterations %s%s%s%s%s to %s", iters, ladder ? ", multiplier " : "",
                          ladder ? mult : "", pick ? ", picked_lr " : "",
                          pick ? lr : "", a->config_path);
}

/* Act on a request from a key. */
static void apply_request(struct session *s)
{
    const struct tui_request *q = &s->m.req;
    switch (q->kind) {
    case REQ_SAVE: save_now(s); return;
    case REQ_WRITE_BACK: write_back(s); return;
    default: break;
    }
    if (s->r == NULL)
        return;
    switch (q->kind) {
    case REQ_PAUSE: runner_pause(s->r, true); break;
    case REQ_RESUME: runner_pause(s->r, false); break;
    case REQ_MULTIPLIER: runner_set_multiplier(s->r, q->multiplier); break;
    case REQ_ITERATIONS: runner_set_iterations(s->r, q->iterations); break;
    case REQ_PACE: runner_set_pace(s->r, q->pace_ms); break;
    case REQ_RESTART: {
        if (s->rv.state == RUNNER_FAILED || s->rv.state == RUNNER_QUIT) {
            tui_model_message(&s->m, "the trainer failed and cannot restart; q quits (the sweep is kept)");
            break;
        }
        char label[32];
        snprintf(label, sizeof label, "sweep %u", s->rv.generation + 1);
        tui_model_restart(&s->m, label);
        s->rv.sweep = &s->m.s[0].sweep; /* the restart may have moved the series array */
        runner_restart(s->r);
        break;
    }
    default: break;
    }
}

/* The event loop; returns with s->outcome set. */
static void loop(struct session *s)
{
    double interval = 1.0 / (double)(s->a->cfg.ui.fps > 0 ? s->a->cfg.ui.fps : 20);
    double last_frame = -1e9;
    bool dirty = true, full = true;
    for (;;) {
        double now = clock_now();
        int timeout = -1;
        if (dirty)
            timeout = (int)fmax(0, (last_frame + interval - now) * 1000);
        else if (s->r != NULL && (s->rv.state == RUNNER_RUNNING || s->rv.in_flight))
            timeout = 1000; /* the elapsed clock */
        struct pollfd p[3] = {
            {tui_fd(&s->tui), POLLIN, 0},
            {signals_fd(), POLLIN, 0},
            {s->r ? runner_wake_fd(s->r) : -1, POLLIN, 0},
        };
        int pr = poll(p, 3, timeout);
        if (pr < 0 && errno != EINTR)
            break;
        if (p[1].revents & POLLIN) {
            int sig = signals_caught();
            if (sig != 0) {
                s->outcome = 128 + sig;
                return;
            }
        }
        /* keys (also after EINTR: SIGWINCH makes curses queue KEY_RESIZE) */
        uint32_t key;
        while ((key = tui_key(&s->tui)) != 0) {
            unsigned act = tui_model_key(&s->m, key);
            if (act & TUI_REQUEST)
                apply_request(s);
            if (act & (TUI_QUIT | TUI_PICK)) {
                s->outcome = (int)(act & (TUI_QUIT | TUI_PICK));
                return;
            }
            if (act & TUI_FULL)
                full = true;
            if (act)
                dirty = true;
        }
        if (s->r != NULL && (p[2].revents & POLLIN)) {
            runner_drain(s->r);
            unsigned ch = runner_snapshot(s->r, &s->rv);
            if (ch & (RUNNER_CH_POINTS | RUNNER_CH_RESTART))
                tui_model_suggest(&s->m, 0);
            if (ch & RUNNER_CH_RESTART)
                full = true;
            if (ch)
                dirty = true;
        } else if (s->r != NULL && timeout == 1000 && pr == 0) {
            runner_snapshot(s->r, &s->rv);
            dirty = true;
        }
        if (s->m.log_pane && log_tail_update(&s->log))
            dirty = true;
        now = clock_now();
        if (dirty && (now - last_frame >= interval || clock_frozen())) {
            draw(s, full);
            last_frame = now;
            dirty = full = false;
        }
    }
    s->outcome = TUI_QUIT;
}

/* LRFIND_STATS=FILE: frames drawn and CPU time of the UI and trainer threads (bench/tui.py). */
static void write_stats(const struct session *s)
{
    const char *path = getenv("LRFIND_STATS");
    if (path == NULL || *path == '\0')
        return;
    FILE *fp = fopen(path, "w");
    if (fp == NULL)
        return;
    struct timespec cpu = {0, 0};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
    fprintf(fp, "frames %ld\nfull_frames %ld\nui_cpu_s %.6f\ntrainer_cpu_s %.6f\npoints %zu\n", s->frames,
            s->full_frames, (double)cpu.tv_sec + (double)cpu.tv_nsec * 1e-9, s->r ? s->r->thread_cpu_s : 0.0,
            s->m.n ? s->m.s[0].sweep.len : 0);
    fclose(fp);
}

/* Print the result of an interactive session after the terminal is restored; the exit code. */
static int finish(struct session *s, const struct sweep *sw, double wall, bool trainer_failed)
{
    struct app *a = s->a;
    struct result res;
    bool picked = s->outcome == TUI_PICK;
    app_result(a, sw, picked ? s->m.pick_lr : -1, picked ? s->m.pick_source : NULL, wall, &res);
    if (s->r == NULL) {
        res.cfg = NULL;
        res.file = s->m.n ? s->m.s[0].label : NULL;
        memcpy(res.sugg, s->m.s[0].sugg, sizeof res.sugg);
        res.window[0] = s->m.s[0].window[0];
        res.window[1] = s->m.s[0].window[1];
    }
    if (s->t != NULL) {
        res.trainer_name = s->t->name[0] ? s->t->name : NULL;
        res.trainer_info = s->t->info[0] ? s->t->info : NULL;
    }
    if (s->r != NULL && s->outcome > 128)
        sweep_stop((struct sweep *)sw, STOP_INTERRUPTED);
    else if (s->r != NULL && sw->stop == STOP_NONE)
        sweep_stop((struct sweep *)sw, STOP_USER);
    res.stop = sw->stop;
    res.stop_index = sw->stop_index;
    struct lrf_error err;
    char msg[600];
    lrf_error_clear(&err);
    int save = app_save(a, sw, &res, &err);
    if (save != 0)
        fprintf(stderr, "lrfind: %s\n", lrf_error_format(&err, msg, sizeof msg));
    int code = trainer_failed ? EXIT_TRAINER : EXIT_NO_PICK;
    if (s->outcome > 128) {
        fprintf(stderr, "lrfind: interrupted by signal %d\n", s->outcome - 128);
        code = s->outcome;
    } else if (picked) {
        code = save == 0 ? EXIT_PICKED : EXIT_USAGE;
    }
    app_print_result(a, &res, code);
    return code;
}

static int session_open(struct session *s, struct app *a)
{
    memset(s, 0, sizeof *s);
    s->a = a;
    app_resolve_ui(a, -1);
    struct lrf_error err;
    lrf_error_clear(&err);
    if (tui_open(&s->tui, a->color, &err) != 0) {
        char msg[600];
        fprintf(stderr, "lrfind: %s\n", lrf_error_format(&err, msg, sizeof msg));
        return -1;
    }
    return 0;
}

int cmd_tui(struct app *a)
{
    struct session s;
    struct lrf_error err;
    char msg[1024];
    lrf_error_clear(&err);
    /* The terminal first: without one there is nothing to start the trainer for. */
    if (session_open(&s, a) != 0)
        return EXIT_USAGE;
    struct trainer t;
    struct runner r;
    int code = app_open_trainer(a, &t, &err);
    if (code != 0) {
        tui_close(&s.tui);
        fprintf(stderr, "lrfind: %s\n", lrf_error_format(&err, msg, sizeof msg));
        return code;
    }
    if (runner_start(&r, &t, &a->cfg, &err) != 0) {
        tui_close(&s.tui);
        trainer_close(&t);
        fprintf(stderr, "lrfind: %s\n", lrf_error_format(&err, msg, sizeof msg));
        return EXIT_TRAINER;
    }
    s.r = &r;
    s.t = &t;
    s.log.path = t.log_path;
    struct suggest_opts so = suggest_opts_default();
    so.skip_start = a->cfg.sweep.skip_start;
    so.skip_end = (size_t)a->cfg.sweep.skip_end;
    tui_model_init(&s.m, true, a->cfg.sweep.suggest, &so);
    s.m.pick_method = a->cfg.sweep.pick;
    struct sweep empty;
    sweep_init(&empty, a->cfg.sweep.smoothing, a->cfg.sweep.stop_factor, (size_t)a->cfg.sweep.iterations);
    tui_model_add(&s.m, &empty, NULL, a->cfg.sweep.iterations);
    sweep_free(&empty);
    s.rv.sweep = &s.m.s[0].sweep;
    runner_snapshot(&r, &s.rv);
    double t0 = clock_now();

    loop(&s);

    tui_close(&s.tui);
    runner_stop(&r);
    runner_snapshot(&r, &s.rv);
    write_stats(&s);
    bool failed = s.m.s[0].sweep.stop == STOP_TRAINER;
    if (failed)
        fprintf(stderr, "lrfind: trainer failed: %s\n", lrf_error_format(&s.rv.err, msg, sizeof msg));
    sync_settings(&s); /* the sweep's settings as they were changed live, for the saved files */
    code = finish(&s, &s.m.s[0].sweep, clock_frozen() ? -1 : clock_now() - t0, failed);
    tui_model_free(&s.m);
    grid_free(&s.screen);
    runner_free(&r);
    trainer_close(&t);
    return code;
}

int cmd_view(struct app *a, int nfiles, char **files)
{
    struct loaded_sweep *ls;
    if (files_load(a, nfiles, files, &ls) != 0)
        return EXIT_USAGE;
    struct session s;
    if (session_open(&s, a) != 0) {
        files_free(ls, nfiles);
        return EXIT_USAGE;
    }
    unsigned methods = config_given(&a->cfg, "sweep.suggest") ? a->cfg.sweep.suggest : (1u << SUGGEST_COUNT) - 1;
    tui_model_init(&s.m, false, methods, &ls[0].so);
    s.m.pick_method = a->cfg.sweep.pick;
    for (int k = 0; k < nfiles; k++) {
        long i = tui_model_add(&s.m, &ls[k].sweep, ls[k].path, (long)ls[k].sweep.n_planned);
        if (i >= 0) { /* each file's own window (its meta line's skip_start, skip_end) */
            memcpy(s.m.s[i].sugg, ls[k].sugg, sizeof ls[k].sugg);
            memcpy(s.m.s[i].window, ls[k].window, sizeof ls[k].window);
        }
    }
    const struct suggestion *v = &s.m.s[0].sugg[s.m.pick_method];
    s.m.cursor = v->ok ? (long)v->index : (long)s.m.s[0].sweep.len - 1;
    s.m.selected = v->ok ? s.m.pick_method : -1;

    loop(&s);

    tui_close(&s.tui);
    int code = finish(&s, &s.m.s[0].sweep, -1, false);
    tui_model_free(&s.m);
    grid_free(&s.screen);
    files_free(ls, nfiles);
    return code;
}
