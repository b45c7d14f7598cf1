/* main.c: the command line: options, the config, and dispatch to the commands. */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lrfind/app.h"
#include "lrfind/signals.h"

static const char usage_text[] =
    "Usage: lrfind [OPTION]...                  live LR range test in the TUI (demo by default)\n"
    "       lrfind --batch [OPTION]...          the same sweep without the TUI\n"
    "       lrfind view [OPTION]... FILE...     explore recorded sweeps in the TUI, pick a rate\n"
    "       lrfind suggest [OPTION]... FILE...  suggestions for recorded sweeps\n"
    "       lrfind plot [OPTION]... FILE...     print the plot once to stdout\n"
    "\n"
    "Sweeps the learning rate over mini-batches (Leslie Smith's LR range test, fastai's\n"
    "lr_find), draws loss against log(lr) as it forms and suggests rates (valley, slide,\n"
    "minimum, steep). A picked rate is printed on stdout: LR=$(lrfind -c sweep.yaml).\n"
    "\n"
    "Options:\n"
    "  -c, --config FILE      YAML config (default: the built-in demo)\n"
    "      --set KEY=VALUE    override a config key, e.g. --set sweep.iterations=200\n"
    "                         (repeatable; VALUE in YAML flow syntax: [64,64], {kind: xor})\n"
    "  -o, --output FILE      save the sweep as CSV (also on quit, Ctrl-C and errors)\n"
    "      --result FILE      save the result as YAML, or JSON when FILE ends in .json\n"
    "      --format FMT       what to print: text (a bare rate), json or yaml\n"
    "      --batch            run without the TUI; progress on stderr, sweep.pick on stdout\n"
    "      --seed N           the trainer's seed (trainer.seed)\n"
    "      --charset SET      ascii, braille or auto (braille in UTF-8 locales)\n"
    "      --no-color         no colours (also when NO_COLOR is set)\n"
    "  suggest, plot and view:\n"
    "      --smoothed         the loss column is already smoothed (fastai's recorder)\n"
    "      --num-it N         N for the suggestion window (default: the file's iterations=)\n"
    "      --stop-factor F    replay the stop rule with F (default: the file's, else 4)\n"
    "  plot:\n"
    "      --width W          columns (default: the terminal's, else 80)\n"
    "      --height H         rows (default 24)\n"
    "  -h, --help             this help\n"
    "  -V, --version          the version\n"
    "\n"
    "Exit status: 0 a rate was picked (batch: the sweep finished), 1 quit without a pick,\n"
    "2 bad usage, config or data, 3 the trainer failed, 128+N killed by signal N.\n"
    "See lrfind(1) for the keys of the TUI, the config keys and the trainer protocol.\n";

enum {
    OPT_SET = 256, OPT_RESULT, OPT_FORMAT, OPT_BATCH, OPT_SEED, OPT_CHARSET, OPT_NO_COLOR,
    OPT_SMOOTHED, OPT_NUM_IT, OPT_STOP_FACTOR, OPT_WIDTH, OPT_HEIGHT,
};

static const struct option long_opts[] = {
    {"config", required_argument, NULL, 'c'},
    {"set", required_argument, NULL, OPT_SET},
    {"output", required_argument, NULL, 'o'},
    {"result", required_argument, NULL, OPT_RESULT},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"batch", no_argument, NULL, OPT_BATCH},
    {"seed", required_argument, NULL, OPT_SEED},
    {"charset", required_argument, NULL, OPT_CHARSET},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"no-colour", no_argument, NULL, OPT_NO_COLOR},
    {"smoothed", no_argument, NULL, OPT_SMOOTHED},
    {"num-it", required_argument, NULL, OPT_NUM_IT},
    {"stop-factor", required_argument, NULL, OPT_STOP_FACTOR},
    {"width", required_argument, NULL, OPT_WIDTH},
    {"height", required_argument, NULL, OPT_HEIGHT},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static int usage_error(const char *what, const char *arg, const char *why)
{
    fprintf(stderr, "lrfind: %s'%s' %s\nTry 'lrfind --help'.\n", what, arg, why);
    return EXIT_USAGE;
}

/* A whole number in [lo, hi] from an option argument, or -1 on error (reported). */
static int parse_long(const char *opt, const char *s, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "lrfind: %s: '%s' is not a whole number in [%ld, %ld]\nTry 'lrfind --help'.\n",
                opt, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

/* Report a config error as file:line:column and return the usage exit code. */
static int config_error(const struct lrf_error *err)
{
    char msg[1024];
    fprintf(stderr, "lrfind: %s\n", lrf_error_format(err, msg, sizeof msg));
    return EXIT_USAGE;
}

/* Apply an option's value as "--set key=value" would (--seed 7: trainer.seed=7); errors name
 * the option. */
static int set_key(struct app *a, const char *option, const char *key, const char *value)
{
    size_t n = strlen(key) + strlen(value) + 2;
    char *s = malloc(n);
    if (s == NULL)
        return -1;
    snprintf(s, n, "%s=%s", key, value);
    struct lrf_error err;
    lrf_error_clear(&err);
    int rc = config_set(&a->cfg, s, &err);
    free(s);
    if (rc != 0) {
        /* name the option the user gave, not the --set it became */
        snprintf(err.file, sizeof err.file, "%s", option);
        err.line = err.column = 0;
        config_error(&err);
    }
    return rc;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");         /* UTF-8 for the screen and file names... */
    setlocale(LC_NUMERIC, "C");    /* ...but numbers read and written with a point */
    struct app a;
    memset(&a, 0, sizeof a);
    a.format = RESULT_TEXT;
    a.color = true;
    a.charset = CHARSET_AUTO;
    a.stop_factor = -1;
    config_defaults(&a.cfg);

    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    if (sets == NULL)
        return EXIT_USAGE;
    int nsets = 0, code = EXIT_USAGE, c;
    const char *output = NULL, *result = NULL, *seed = NULL;
    long v;
    while ((c = getopt_long(argc, argv, "c:o:hV", long_opts, NULL)) != -1) {
        switch (c) {
        case 'c': a.config_path = optarg; break;
        case OPT_SET: sets[nsets++] = optarg; break;
        case 'o': output = optarg; break;
        case OPT_RESULT: result = optarg; break;
        case OPT_SEED: seed = optarg; break;
        case OPT_BATCH: a.batch = true; break;
        case OPT_NO_COLOR: a.color = false; break;
        case OPT_SMOOTHED: a.smoothed = true; break;
        case OPT_FORMAT: {
            int f = result_format_parse(optarg);
            if (f < 0) {
                code = usage_error("--format: ", optarg, "is not one of text, json, yaml");
                goto out;
            }
            a.format = (enum result_format)f;
            break;
        }
        case OPT_CHARSET:
            if (strcmp(optarg, "ascii") == 0)
                a.charset = CHARSET_ASCII;
            else if (strcmp(optarg, "braille") == 0)
                a.charset = CHARSET_BRAILLE;
            else if (strcmp(optarg, "auto") == 0)
                a.charset = CHARSET_AUTO;
            else {
                code = usage_error("--charset: ", optarg, "is not one of ascii, braille, auto");
                goto out;
            }
            break;
        case OPT_NUM_IT:
            if (parse_long("--num-it", optarg, 1, 1000000000L, &v) != 0)
                goto out;
            a.num_it = v;
            break;
        case OPT_STOP_FACTOR: {
            char *end;
            a.stop_factor = strtod(optarg, &end);
            if (*optarg == '\0' || *end != '\0' || !(a.stop_factor == 0 || a.stop_factor > 1)) {
                code = usage_error("--stop-factor: ", optarg, "is not 0 (never stop) or a number above 1");
                goto out;
            }
            break;
        }
        case OPT_WIDTH:
            if (parse_long("--width", optarg, 20, 1000, &v) != 0)
                goto out;
            a.width = (int)v;
            break;
        case OPT_HEIGHT:
            if (parse_long("--height", optarg, 8, 1000, &v) != 0)
                goto out;
            a.height = (int)v;
            break;
        case 'h':
            fputs(usage_text, stdout);
            code = 0;
            goto out;
        case 'V':
            printf("lrfind %s\n", PACKAGE_VERSION);
            code = 0;
            goto out;
        default:
            fprintf(stderr, "Try 'lrfind --help'.\n");
            goto out;
        }
    }

    /* The config: built-in demo, then the file, then --set in order, then the short options. */
    struct lrf_error err;
    lrf_error_clear(&err);
    if (a.config_path != NULL && config_load_file(&a.cfg, a.config_path, &err) != 0) {
        code = config_error(&err);
        goto out;
    }
    for (int k = 0; k < nsets; k++)
        if (config_set(&a.cfg, sets[k], &err) != 0) {
            code = config_error(&err);
            goto out;
        }
    if (seed && set_key(&a, "--seed", "trainer.seed", seed) != 0)
        goto out;
    /* Paths are taken as they are, not as YAML. */
    if (output != NULL) {
        free(a.cfg.output.sweep);
        a.cfg.output.sweep = strdup(output);
    }
    if (result != NULL) {
        free(a.cfg.output.result);
        a.cfg.output.result = strdup(result);
    }
    if (config_validate(&a.cfg, &err) != 0) {
        code = config_error(&err);
        goto out;
    }
    if (signals_install() != 0) {
        fprintf(stderr, "lrfind: cannot install signal handlers\n");
        goto out;
    }

    const char *cmd = optind < argc ? argv[optind] : NULL;
    int nfiles = argc - optind - 1;
    char **files = argv + optind + 1;
    if (cmd == NULL) {
        code = a.batch ? cmd_batch(&a) : cmd_tui(&a);
    } else if (strcmp(cmd, "suggest") == 0 || strcmp(cmd, "plot") == 0 || strcmp(cmd, "view") == 0) {
        if (nfiles < 1) {
            code = usage_error("", cmd, "needs at least one sweep file (a CSV with lr and loss columns)");
            goto out;
        }
        if (cmd[0] == 's')
            code = cmd_suggest(&a, nfiles, files);
        else if (cmd[0] == 'p')
            code = cmd_plot(&a, nfiles, files);
        else
            code = cmd_view(&a, nfiles, files);
    } else {
        code = usage_error("", cmd, "is not a command (view, suggest, plot)");
    }
out:
    free(sets);
    config_free(&a.cfg);
    return code;
}
