/* app.h: what the commands share: the options of the command line, and the end of a sweep
 * (save the CSV and the result atomically, print the picked rate or the whole result). */
#ifndef LRFIND_APP_H
#define LRFIND_APP_H

#include <stdbool.h>
#include "lrfind/config.h"
#include "lrfind/error.h"
#include "lrfind/result.h"
#include "lrfind/sweep.h"

/* Exit codes (DESIGN.md section 1). */
enum { EXIT_PICKED = 0, EXIT_NO_PICK = 1, EXIT_USAGE = 2, EXIT_TRAINER = 3 };

struct app {
    struct lrf_config cfg;
    const char *config_path; /* -c, or NULL for the built-in demo */
    enum result_format format;
    bool batch;
    bool color;       /* after --no-color, NO_COLOR and ui.color */
    int charset;      /* enum charset, resolved (never CHARSET_AUTO after app_resolve_ui) */
    /* suggest/plot/view */
    bool smoothed;
    long num_it;
    double stop_factor;
    int width, height; /* plot; 0 = default */
};

/* Resolve ui.charset auto (UTF-8 locale -> braille) and colours (NO_COLOR, --no-color, isatty). */
void app_resolve_ui(struct app *a, int tty_fd);
/* Fill r from a finished (or interrupted) sweep; pick_lr < 0 means no pick. */
void app_result(const struct app *a, const struct sweep *sw, double pick_lr, const char *pick_source,
                double wall_s, struct result *r);
/* Save -o and --result when set (atomically). Returns 0, or -1 with the first error in err. */
int app_save(const struct app *a, const struct sweep *sw, const struct result *r, struct lrf_error *err);
/* Print on stdout, for a command ending with exit code `code`: the pick as a bare number (text:
 * only when a rate was picked, code 0), or the whole result (--format json|yaml, whatever the
 * code; "pick": null without one). */
void app_print_result(const struct app *a, const struct result *r, int code);

struct trainer;
/* Open the configured trainer; a caught signal cancels an external trainer's start. Returns 0,
 * or the exit code with err set (128+signal; 3: an external trainer did not start; 2: bad data
 * or config, an error that names a file), after saving -o and --result (a sweep of no points). */
int app_open_trainer(const struct app *a, struct trainer *t, struct lrf_error *err);

/* Commands. Each returns an exit code. */
int cmd_batch(struct app *a);
int cmd_tui(struct app *a);
int cmd_view(struct app *a, int nfiles, char **files);
int cmd_suggest(struct app *a, int nfiles, char **files);
int cmd_plot(struct app *a, int nfiles, char **files);

#endif
