/* config_keys.c: the one table of config keys. Parsing, range checks, defaults, the "did you
 * mean" hint, --set, the JSON/YAML emitters, the CSV meta line, the man page's list and the
 * write-back all read it. Keys of one section stay together (the emitters nest by prefix). */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "lrfind/config.h"
#include "lrfind/schedule.h"

#define OFF(f) offsetof(struct lrf_config, f)
#define INF HUGE_VAL

static const char *const mode_names[] = {"exponential", "linear", NULL}; /* enum sched_mode */
static const char *const method_names[] = {"valley", "slide", "minimum", "steep",
                                           NULL};                      /* suggest_method */
static const char *const loss_names[] = {"train", "validation", NULL}; /* enum loss_source */
static const char *const trainer_names[] = {"builtin", "exec", NULL};  /* enum trainer_kind */
static const char *const data_names[] = {"spiral",     "moons", "blobs", "xor",
                                         "regression", "csv",   "idx",   NULL};
static const char *const task_names[] = {"classify", "regress", NULL};
static const char *const act_names[] = {"relu", "leaky_relu", "tanh", "sigmoid", "gelu", NULL};
static const char *const optim_names[] = {"sgd", "adam", "adamw", NULL};       /* enum optim_kind */
static const char *const charset_names[] = {"auto", "ascii", "braille", NULL}; /* enum charset */
static const char *const color_names[] = {"auto", "never", "always", NULL};    /* enum color_mode */

/* clang-format off */
#define NUM(p, f, lo, hi, fl, d, h) {p, CT_DOUBLE, OFF(f), NULL, lo, hi, d, h, fl, 0, NULL}
#define INT(p, f, lo, hi, fl, d, h) {p, CT_LONG, OFF(f), NULL, lo, hi, d, h, fl, 0, NULL}
#define ENUM(p, f, names, d, h) {p, CT_ENUM, OFF(f), names, 0, 0, d, h, 0, 0, NULL}
#define BOOL(p, f, d, h) {p, CT_BOOL, OFF(f), NULL, 0, 0, d, h, 0, 0, NULL}
#define STR(p, f, fl, d, h) {p, CT_STRING, OFF(f), NULL, 0, 0, d, h, fl, 0, NULL}
/* clang-format on */

const struct config_key config_keys[] = {
    {"sweep.start_lr", CT_DOUBLE, OFF(sweep.start_lr), NULL, 0, INF, "1e-07",
     "First learning rate of the sweep.", CK_MIN_EXCL, 0, "start_lr"},
    {"sweep.end_lr", CT_DOUBLE, OFF(sweep.end_lr), NULL, 0, INF, "10",
     "Rate the ladder heads for: lr_i = start_lr * (end_lr/start_lr)^(i/N), so end_lr itself is "
     "never reached; give this or multiplier (null withdraws it).",
     CK_MIN_EXCL | CK_NULL, 0, "end_lr"},
    {"sweep.multiplier", CT_DOUBLE, OFF(sweep.multiplier), NULL, 1, INF, "null",
     "Factor between consecutive rates, lr_i = start_lr * multiplier^i; give this or end_lr.",
     CK_MIN_EXCL | CK_NULL, 0, "multiplier"},
    {"sweep.iterations", CT_LONG, OFF(sweep.iterations), NULL, 2, 100000000, "100",
     "Planned number of steps N (the sweep may stop earlier).", 0, 0, "iterations"},
    {"sweep.mode", CT_ENUM, OFF(sweep.mode), mode_names, 0, 0, "exponential",
     "Ladder of rates: exponential (fastai) or linear (Smith's original test; needs end_lr).", 0, 0,
     "mode"},
    {"sweep.smoothing", CT_DOUBLE, OFF(sweep.smoothing), NULL, 0, 1, "0.98",
     "Beta of the debiased exponential moving average of the loss; 0 turns smoothing off.",
     CK_MAX_EXCL, 0, "smoothing"},
    {"sweep.stop_factor", CT_DOUBLE, OFF(sweep.stop_factor), NULL, 1, INF, "4",
     "Stop when the smoothed loss exceeds this multiple of the lowest so far; 0 never stops early.",
     CK_MIN_EXCL | CK_ZERO, 0, "stop_factor"},
    {"sweep.skip_start", CT_LONG, OFF(sweep.skip_start), NULL, 0, 100000000, "auto",
     "Points left out at the start before suggesting; auto is N // 10.", CK_AUTO, 0, "skip_start"},
    {"sweep.skip_end", CT_LONG, OFF(sweep.skip_end), NULL, 0, 100000000, "5",
     "Points left out at the end before suggesting.", 0, 0, "skip_end"},
    {"sweep.suggest", CT_ENUM_SET, OFF(sweep.suggest), method_names, 0, 0,
     "[valley, slide, minimum, steep]", "Suggestion methods to compute and show.", 0, 0, NULL},
    ENUM("sweep.pick", sweep.pick, method_names, "valley", "Suggestion whose rate --batch prints."),
    ENUM("sweep.loss", sweep.loss, loss_names, "train",
         "Loss to record: train (the mini-batch's) or validation (on the held-out split, Smith's "
         "original test)."),
    INT("sweep.pace_ms", sweep.pace_ms, 0, 60000, 0, "50",
        "Minimum wall time per step in milliseconds, so that a class can watch the curve form; 0 "
        "runs at full speed. 50 is the built-in demo's; a config file (-c) starts from 0."),
    NUM("sweep.picked_lr", sweep.picked_lr, 0, INF, CK_MIN_EXCL | CK_NULL, "null",
        "Rate picked last time in the TUI, written back by the w key; informational, the sweep "
        "does not use it."),

    {"trainer.kind", CT_ENUM, OFF(trainer.kind), trainer_names, 0, 0, "builtin",
     "builtin (the MLP below) or exec (an external program speaking the lrfind protocol).", 0, 0,
     "trainer"},
    ENUM("trainer.data.kind", trainer.data.kind, data_names, "spiral",
         "Data of the built-in trainer: spiral, moons, blobs, xor, regression (synthetic, from the "
         "seed); csv; idx (the MNIST file format)."),
    INT("trainer.data.classes", trainer.data.classes, 2, 1000, 0, "3",
        "Classes of spiral and blobs."),
    INT("trainer.data.points_per_class", trainer.data.points_per_class, 1, 10000000, 0, "200",
        "Points per class of spiral and blobs."),
    INT("trainer.data.points", trainer.data.points, 2, 100000000, 0, "600",
        "Points of moons, xor and regression."),
    INT("trainer.data.dimensions", trainer.data.dimensions, 1, 100000, 0, "2",
        "Input features of blobs and regression."),
    NUM("trainer.data.noise", trainer.data.noise, 0, 1000, 0, "0.2",
        "Noise of spiral, moons, xor and regression."),
    NUM("trainer.data.spread", trainer.data.spread, 0, 1000, CK_MIN_EXCL, "1",
        "Standard deviation of each blob."),
    STR("trainer.data.path", trainer.data.path, CK_NULL, "null",
        "CSV file of numeric features and a label column (kind csv)."),
    STR("trainer.data.label", trainer.data.label, 0, "-1",
        "Label column of the CSV file, by name or 0-based index; -1 is the last."),
    {"trainer.data.header", CT_TRISTATE, OFF(trainer.data.header), NULL, 0, 0, "auto",
     "Whether the CSV file starts with a header line; auto guesses.", 0, 0, NULL},
    ENUM("trainer.data.task", trainer.data.task, task_names, "classify",
         "classify (integer or string labels, cross-entropy) or regress (a number, mean squared "
         "error)."),
    STR("trainer.data.images", trainer.data.images, CK_NULL, "null",
        "IDX images file (kind idx), e.g. train-images-idx3-ubyte."),
    STR("trainer.data.labels", trainer.data.labels, CK_NULL, "null",
        "IDX labels file (kind idx), e.g. train-labels-idx1-ubyte."),
    NUM("trainer.data.validation", trainer.data.validation, 0, 0.9, 0, "0",
        "Fraction of the samples held out, for sweep.loss: validation."),
    INT("trainer.data.limit", trainer.data.limit, 0, 1e12, 0, "0",
        "Use at most this many samples; 0 uses all."),
    {"trainer.model.hidden", CT_LONG_LIST, OFF(trainer.model.hidden), NULL, 1, 65536, "[64, 64]",
     "Widths of the hidden layers of the MLP; [] is a linear model.", 0,
     OFF(trainer.model.n_hidden), NULL},
    ENUM("trainer.model.activation", trainer.model.activation, act_names, "relu",
         "Activation of the hidden layers."),
    ENUM("trainer.optimizer.kind", trainer.optimizer.kind, optim_names, "sgd",
         "sgd, adam or adamw, with PyTorch's update rules."),
    NUM("trainer.optimizer.momentum", trainer.optimizer.momentum, 0, 1, 0, "0.9", "SGD momentum."),
    NUM("trainer.optimizer.dampening", trainer.optimizer.dampening, 0, 1, 0, "0", "SGD dampening."),
    NUM("trainer.optimizer.weight_decay", trainer.optimizer.weight_decay, 0, INF, 0, "0",
        "L2 penalty added to the gradient (sgd, adam) or decoupled decay (adamw, adam with "
        "decoupled)."),
    BOOL("trainer.optimizer.nesterov", trainer.optimizer.nesterov, "false",
         "SGD with Nesterov momentum (needs momentum > 0 and dampening 0)."),
    NUM("trainer.optimizer.beta1", trainer.optimizer.beta1, 0, 1, CK_MAX_EXCL, "0.9",
        "Adam's first-moment decay."),
    NUM("trainer.optimizer.beta2", trainer.optimizer.beta2, 0, 1, CK_MAX_EXCL, "0.999",
        "Adam's second-moment decay."),
    NUM("trainer.optimizer.eps", trainer.optimizer.eps, 0, 1, CK_MIN_EXCL, "1e-08",
        "Adam's epsilon."),
    BOOL("trainer.optimizer.decoupled", trainer.optimizer.decoupled, "true",
         "Adam: decay the weights directly, as AdamW, instead of adding an L2 term to the "
         "gradient."),
    INT("trainer.batch_size", trainer.batch_size, 1, 1000000, 0, "64", "Samples per mini-batch."),
    INT("trainer.accumulate", trainer.accumulate, 1, 10000, 0, "1",
        "Mini-batches whose gradients are accumulated into one step (gradient accumulation)."),
    INT("trainer.threads", trainer.threads, 1, 256, 0, "1", "Threads of the built-in trainer."),
    {"trainer.seed", CT_U64, OFF(trainer.seed), NULL, 0, 0, "42",
     "Seed of the data, the initial weights and the shuffling.", 0, 0, "seed"},
    {"trainer.command", CT_ARGV, OFF(trainer.command), NULL, 0, 0, "[]",
     "Argument vector of the external trainer (kind exec), run without a shell, e.g. [python3, "
     "train.py].",
     0, OFF(trainer.command_len), NULL},
    NUM("trainer.connect_timeout_s", trainer.connect_timeout_s, 0, 1e6, CK_MIN_EXCL, "120",
        "Seconds the external trainer has to connect and say hello."),
    NUM("trainer.step_timeout_s", trainer.step_timeout_s, 0, 1e6, CK_MIN_EXCL, "600",
        "Seconds one step of the external trainer may take."),
    STR("trainer.log", trainer.log, CK_NULL, "lrfind-trainer.log",
        "File that receives the external trainer's stdout and stderr; null for none."),

    ENUM("ui.charset", ui.charset, charset_names, "auto",
         "Plot glyphs: braille (2x4 dots a cell), ascii, or auto (braille when the locale is "
         "UTF-8)."),
    ENUM("ui.color", ui.color, color_names, "auto",
         "Colours: auto (unless NO_COLOR is set), never or always."),
    INT("ui.fps", ui.fps, 1, 120, 0, "20", "Most frames per second the TUI draws."),

    STR("output.sweep", output.sweep, CK_NULL, "null",
        "CSV file that receives the sweep, written atomically on finish, on quit and on signals; "
        "null for none."),
    STR("output.result", output.result, CK_NULL, "null",
        "File that receives the result: JSON when the name ends in .json, else YAML; null for "
        "none."),
};

const size_t config_nkeys = sizeof config_keys / sizeof config_keys[0];

/* Pairs of keys of which a config gives at most one: giving one drops the other's default. */
static const char *const exclusive_pairs[][2] = {{"sweep.end_lr", "sweep.multiplier"}};

const char *config_exclusive_partner(const char *path)
{
    for (size_t i = 0; i < sizeof exclusive_pairs / sizeof exclusive_pairs[0]; i++)
        for (int j = 0; j < 2; j++)
            if (strcmp(path, exclusive_pairs[i][j]) == 0)
                return exclusive_pairs[i][1 - j];
    return NULL;
}

/* The sections, parents first (every key's prefixes are here; the tests check it). */
const char *const config_sections[] = {
    "sweep", "trainer", "trainer.data", "trainer.model", "trainer.optimizer", "ui", "output", NULL};
