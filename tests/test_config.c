/* test_config.c: the YAML config: the table, defaults, loading, every error with its
 * file:line:column, --set, the emitters, the meta line, the man page list and the write-back. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lrfind/config.h"
#include "lrfind/schedule.h"
#include "test_util.h"

static char tmpdir[256];

static const char *srcdir(void)
{
    const char *s = getenv("top_srcdir");
    return s ? s : ".";
}

static char *slurp(const char *path, size_t *len)
{
    char *text;
    struct lrf_error err;
    if (config_read_file(path, &text, len, &err) != 0)
        return NULL;
    char *s = realloc(text, *len + 1);
    s[*len] = '\0';
    return s;
}

static void spit(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* Load text over the defaults; returns the rc and leaves the formatted error in msg. */
static int load(struct lrf_config *cfg, const char *text, char *msg, size_t size)
{
    struct lrf_error err;
    lrf_error_clear(&err);
    config_defaults(cfg);
    int rc = config_load_string(cfg, "t.yaml", text, strlen(text), &err);
    lrf_error_format(&err, msg, size);
    return rc;
}

static char *emit_to_string(const struct lrf_config *cfg, bool json)
{
    char *s = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&s, &n);
    if (json)
        config_emit_json(cfg, fp);
    else
        config_emit_yaml(cfg, fp, 0);
    fclose(fp);
    return s;
}

/* ---- the table ----------------------------------------------------------------------- */

static void test_table(void **state)
{
    assert_true(config_nkeys <= CONFIG_MAX_KEYS);
    for (size_t i = 0; i < config_nkeys; i++) {
        const struct config_key *k = &config_keys[i];
        assert_ptr_equal(config_key_find(k->path), k);
        assert_non_null(k->help);
        assert_int_equal(k->help[strlen(k->help) - 1], '.');
        /* Every prefix is a section, and each section's keys are contiguous in the table. */
        char p[256];
        snprintf(p, sizeof p, "%s", k->path);
        for (char *dot = strrchr(p, '.'); dot != NULL; dot = strrchr(p, '.')) {
            *dot = '\0';
            bool found = false;
            for (int s = 0; config_sections[s] != NULL; s++)
                found = found || strcmp(config_sections[s], p) == 0;
            assert_true(found);
            size_t n = strlen(p);
            if (i > 0 && strncmp(config_keys[i - 1].path, p, n) != 0)
                for (size_t j = 0; j < i; j++)
                    assert_false(strncmp(config_keys[j].path, p, n) == 0 &&
                                 config_keys[j].path[n] == '.');
        }
        /* Each default reads back through --set. */
        struct lrf_config cfg;
        struct lrf_error err;
        config_defaults(&cfg);
        snprintf(p, sizeof p, "%s=%s", k->path, k->def);
        if (config_set(&cfg, p, &err) != 0)
            fail_msg("default of %s: %s", k->path, err.msg);
        config_free(&cfg);
        if (k->type == CT_ENUM || k->type == CT_ENUM_SET)
            assert_non_null(k->names);
        if (k->type == CT_LONG_LIST || k->type == CT_ARGV)
            assert_true(k->count_offset > 0);
    }
}

static void test_enum_order(void **state)
{
    struct lrf_config c;
    char msg[600];
    static const char yaml[] = "sweep: {mode: linear, pick: steep, loss: validation}\n"
                               "trainer:\n"
                               "  kind: exec\n"
                               "  command: [x]\n"
                               "  data: {kind: idx, task: regress, validation: 0.1}\n"
                               "  model: {activation: gelu}\n"
                               "  optimizer: {kind: adamw}\n"
                               "ui: {charset: braille, color: always}\n";
    assert_int_equal(load(&c, yaml, msg, sizeof msg), 0);
    assert_int_equal(c.sweep.mode, SCHED_LINEAR);
    assert_int_equal(c.sweep.pick, SUGGEST_STEEP);
    assert_int_equal(c.sweep.loss, LOSS_VALIDATION);
    assert_int_equal(c.trainer.kind, TRAINER_EXEC);
    assert_int_equal(c.trainer.data.kind, DATA_IDX);
    assert_int_equal(c.trainer.data.task, 1);
    assert_int_equal(c.trainer.model.activation, ACT_GELU);
    assert_int_equal(c.trainer.optimizer.kind, OPT_ADAMW);
    assert_int_equal(c.ui.charset, CHARSET_BRAILLE);
    assert_int_equal(c.ui.color, COLOR_ALWAYS);
    config_free(&c);
    static const char yaml2[] =
        "trainer: {data: {kind: regression}, model: {activation: leaky_relu}}\n"
        "ui: {charset: ascii, color: never}\n";
    assert_int_equal(load(&c, yaml2, msg, sizeof msg), 0);
    assert_int_equal(c.trainer.data.kind, DATA_REGRESSION);
    assert_int_equal(c.trainer.model.activation, ACT_LEAKY_RELU);
    assert_int_equal(c.ui.charset, CHARSET_ASCII);
    assert_int_equal(c.ui.color, COLOR_NEVER);
    config_free(&c);
}

/* ---- defaults and loading ---------------------------------------------------------------- */

static void check_demo(const struct lrf_config *c)
{
    assert_close(c->sweep.start_lr, 1e-7, 0);
    assert_close(c->sweep.end_lr, 10, 0);
    assert_close(c->sweep.multiplier, 0, 0);
    assert_int_equal(c->sweep.iterations, 100);
    assert_int_equal(c->sweep.mode, SCHED_EXPONENTIAL);
    assert_close(c->sweep.smoothing, 0.98, 0);
    assert_close(c->sweep.stop_factor, 4, 0);
    assert_int_equal(c->sweep.skip_start, -1);
    assert_int_equal(c->sweep.skip_end, 5);
    assert_int_equal(c->sweep.suggest, 0xfu);
    assert_int_equal(c->sweep.pick, SUGGEST_VALLEY);
    assert_int_equal(c->sweep.loss, LOSS_TRAIN);
    assert_int_equal(c->trainer.kind, TRAINER_BUILTIN);
    assert_int_equal(c->trainer.data.kind, DATA_SPIRAL);
    assert_int_equal(c->trainer.data.classes, 3);
    assert_int_equal(c->trainer.data.points_per_class, 200);
    assert_close(c->trainer.data.noise, 0.2, 0);
    assert_int_equal(c->trainer.model.n_hidden, 2);
    assert_int_equal(c->trainer.model.hidden[0], 64);
    assert_int_equal(c->trainer.model.hidden[1], 64);
    assert_int_equal(c->trainer.model.activation, ACT_RELU);
    assert_int_equal(c->trainer.optimizer.kind, OPT_SGD);
    assert_close(c->trainer.optimizer.momentum, 0.9, 0);
    assert_false(c->trainer.optimizer.nesterov);
    assert_close(c->trainer.optimizer.weight_decay, 0, 0);
    assert_close(c->trainer.optimizer.beta1, 0.9, 0);
    assert_close(c->trainer.optimizer.beta2, 0.999, 0);
    assert_close(c->trainer.optimizer.eps, 1e-8, 0);
    assert_true(c->trainer.optimizer.decoupled);
    assert_int_equal(c->trainer.batch_size, 64);
    assert_int_equal(c->trainer.accumulate, 1);
    assert_int_equal(c->trainer.threads, 1);
    assert_true(c->trainer.seed == 42);
    assert_close(c->trainer.connect_timeout_s, 120, 0);
    assert_close(c->trainer.step_timeout_s, 600, 0);
    assert_string_equal(c->trainer.log, "lrfind-trainer.log");
    assert_int_equal(c->ui.charset, CHARSET_AUTO);
    assert_int_equal(c->ui.color, COLOR_AUTO);
    assert_int_equal(c->ui.fps, 20);
    assert_null(c->output.sweep);
    assert_null(c->output.result);
}

static void test_defaults(void **state)
{
    struct lrf_config c;
    struct lrf_error err;
    config_defaults(&c);
    check_demo(&c);
    assert_int_equal(c.sweep.pace_ms, 50); /* 100 steps: about 5 s to watch */
    assert_int_equal(c.trainer.command_len, 0);
    assert_null(c.source);
    assert_int_equal(config_validate(&c, &err), 0);
    char meta[256];
    assert_int_equal(config_meta_line(&c, meta, sizeof meta), 0);
    assert_string_equal(meta,
                        "start_lr=1e-07 end_lr=10 iterations=100 smoothing=0.98 trainer=builtin "
                        "mode=exponential stop_factor=4 skip_start=auto skip_end=5 seed=42");
    assert_false(config_given(&c, "sweep.smoothing"));
    assert_int_equal(config_meta_line(&c, meta, 20), -1);
    assert_int_equal(strlen(meta), 19);
    config_free(&c);
}

static void test_design_example(void **state)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/data/config/design.yaml", srcdir());
    struct lrf_config c;
    struct lrf_error err;
    config_defaults(&c);
    if (config_load_file(&c, path, &err) != 0)
        fail_msg("%s:%d:%d: %s", err.file, err.line, err.column, err.msg);
    check_demo(&c);
    assert_int_equal(c.sweep.pace_ms, 0);
    assert_string_equal(c.source, path);
    assert_int_equal(c.trainer.command_len, 4);
    assert_string_equal(c.trainer.command[0], "python3");
    assert_string_equal(c.trainer.command[3], "1");
    assert_null(c.trainer.command[4]);
    /* Loading again over a loaded config layers and does not leak. */
    assert_int_equal(config_load_file(&c, path, &err), 0);
    assert_int_equal(c.trainer.command_len, 4);
    config_free(&c);
}

static void test_empty_and_null(void **state)
{
    static const char *const texts[] = {"",
                                        "\n\n",
                                        "# only a comment\n",
                                        "---\n",
                                        "~\n",
                                        "null",
                                        "---\n...\n",
                                        "\xef\xbb\xbf# BOM\n",
                                        "sweep:\ntrainer:\n  data: ~\nui: {}\n"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct lrf_config c;
        char msg[600];
        if (load(&c, texts[i], msg, sizeof msg) != 0)
            fail_msg("text %zu: %s", i, msg);
        check_demo(&c);
        config_free(&c);
    }
}

static void test_values(void **state)
{
    struct lrf_config c;
    char msg[600];
    static const char yaml[] = "\xef\xbb\xbfsweep:\n"
                               "  start_lr: 1e-6\n"
                               "  skip_start: 12\n"
                               "  suggest: [slide, steep]\n"
                               "  stop_factor: 0\n"
                               "  smoothing: 0\n"
                               "trainer:\n"
                               "  data: {kind: csv, path: \"data/my file.csv\", label: species, "
                               "header: true, limit: 1000}\n"
                               "  model:\n"
                               "    hidden:\n"
                               "      - 128\n"
                               "      - 64\n"
                               "      - 32\n"
                               "  optimizer: {kind: sgd, momentum: 0.5, nesterov: yes}\n"
                               "  seed: 18446744073709551615\n"
                               "  log: null\n"
                               "output: {sweep: out.csv, result: 'r.json'}\n";
    int rc = load(&c, yaml, msg, sizeof msg);
    if (rc != 0)
        fail_msg("%s", msg);
    assert_close(c.sweep.start_lr, 1e-6, 0);
    assert_int_equal(c.sweep.skip_start, 12);
    assert_int_equal(c.sweep.suggest, (1u << SUGGEST_SLIDE) | (1u << SUGGEST_STEEP));
    assert_close(c.sweep.stop_factor, 0, 0);
    assert_close(c.sweep.smoothing, 0, 0);
    assert_int_equal(c.trainer.data.kind, DATA_CSV);
    assert_string_equal(c.trainer.data.path, "data/my file.csv");
    assert_string_equal(c.trainer.data.label, "species");
    assert_int_equal(c.trainer.data.header, 1);
    assert_int_equal(c.trainer.data.limit, 1000);
    assert_int_equal(c.trainer.model.n_hidden, 3);
    assert_int_equal(c.trainer.model.hidden[2], 32);
    assert_true(c.trainer.optimizer.nesterov);
    assert_true(c.trainer.seed == UINT64_MAX);
    assert_null(c.trainer.log);
    assert_string_equal(c.output.sweep, "out.csv");
    assert_string_equal(c.output.result, "r.json");
    config_free(&c);
    /* A bare scalar is not a list (a wrong type); [] is empty. */
    assert_int_equal(load(&c, "sweep: {suggest: minimum}\n", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "t.yaml:1:18: sweep.suggest is"));
    config_free(&c);
    assert_int_equal(load(&c, "trainer:\n  model: {hidden: 64}\n", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, ":2:19: trainer.model.hidden is"));
    config_free(&c);
    assert_int_equal(
        load(&c, "sweep: {suggest: [minimum]}\ntrainer: {model: {hidden: []}}\n", msg, sizeof msg),
        0);
    assert_int_equal(c.sweep.suggest, 1u << SUGGEST_MINIMUM);
    assert_int_equal(c.trainer.model.n_hidden, 0);
    config_free(&c);
    assert_int_equal(load(&c, "trainer: {data: {header: auto, label: -1}}\n", msg, sizeof msg), 0);
    assert_int_equal(c.trainer.data.header, -1);
    assert_string_equal(c.trainer.data.label, "-1");
    config_free(&c);
}

/* end_lr and multiplier: one drops the other's default; both given is an error. */
static void test_end_lr_multiplier(void **state)
{
    struct lrf_config c;
    struct lrf_error err;
    char msg[600];
    assert_int_equal(load(&c, "sweep:\n  multiplier: 1.3\n", msg, sizeof msg), 0);
    assert_close(c.sweep.multiplier, 1.3, 0);
    assert_close(c.sweep.end_lr, 0, 0);
    char meta[256];
    config_meta_line(&c, meta, sizeof meta);
    assert_string_equal(
        meta, "start_lr=1e-07 multiplier=1.3 iterations=100 smoothing=0.98 trainer=builtin "
              "mode=exponential stop_factor=4 skip_start=auto skip_end=5 seed=42");
    assert_true(config_given(&c, "sweep.multiplier"));
    assert_false(config_given(&c, "sweep.iterations"));
    assert_false(config_given(&c, "sweep.no_such_key"));
    /* File multiplier + --set end_lr: both given explicitly. */
    assert_int_equal(config_set(&c, "sweep.end_lr=5", &err), 0);
    assert_int_equal(config_validate(&c, &err), -1);
    assert_string_equal(
        lrf_error_format(&err, msg, sizeof msg),
        "--set:1:14: both sweep.end_lr and sweep.multiplier are given (expected exactly one; null "
        "withdraws one given earlier)");
    /* Withdrawing the file's value makes it valid. */
    assert_int_equal(config_set(&c, "sweep.multiplier=null", &err), 0);
    assert_int_equal(config_validate(&c, &err), 0);
    assert_close(c.sweep.end_lr, 5, 0);
    config_free(&c);

    assert_int_equal(load(&c, "sweep:\n  end_lr: 100\n", msg, sizeof msg), 0);
    assert_close(c.sweep.multiplier, 0, 0);
    assert_int_equal(config_set(&c, "sweep.multiplier=1.1", &err), 0);
    assert_int_equal(config_validate(&c, &err), -1);
    assert_string_equal(
        lrf_error_format(&err, msg, sizeof msg),
        "--set:1:18: both sweep.end_lr and sweep.multiplier are given (expected exactly one; null "
        "withdraws one given earlier)");
    config_free(&c);

    /* Built-in defaults + --set multiplier: the default end_lr goes. */
    config_defaults(&c);
    assert_int_equal(config_set(&c, "sweep.multiplier=1.3", &err), 0);
    assert_int_equal(config_validate(&c, &err), 0);
    assert_close(c.sweep.end_lr, 0, 0);
    assert_int_equal(config_set(&c, "sweep.multiplier=null", &err), 0);
    assert_int_equal(config_validate(&c, &err), -1);
    assert_string_equal(
        lrf_error_format(&err, msg, sizeof msg),
        "--set:1:18: neither sweep.end_lr nor sweep.multiplier is given (expected exactly one)");
    config_free(&c);

    assert_int_equal(load(&c, "sweep:\n  end_lr: null\n  multiplier: 2\n", msg, sizeof msg), 0);
    config_free(&c);
}

/* ---- errors ----------------------------------------------------------------------------- */

struct bad {
    const char *text;
    const char *error; /* lrf_error_format's text, exactly */
};

static const struct bad bad_files[] = {
    /* YAML syntax */
    {"sweep:\n  start_lr: [1\n",
     "t.yaml:3:1: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence "
     "that started at line 2 column 13)"},
    {"sweep:\n  start_lr: 1\n bad: 2\n", "t.yaml:3:2: invalid YAML: did not find expected key "
                                         "(while parsing a block mapping that started at line 1 "
                                         "column 1)"},
    {"sweep:\n\tstart_lr: 1\n", "t.yaml:2:1: invalid YAML: found character that cannot start any "
                                "token (while scanning for the next token that started at line 2 "
                                "column 1)"},
    {"sweep: {a: 1\n",
     "t.yaml:2:1: invalid YAML: did not find expected ',' or '}' (while parsing a flow mapping "
     "that started at line 1 column 8)"},
    {"# \xc3\xa9\nsweep: \x01\n", "t.yaml:2:8: invalid text: control characters are not allowed "
                                  "(byte 0x01; expected UTF-8 text)"},
    {"sweep: \xff\n",
     "t.yaml:1:8: invalid text: invalid leading UTF-8 octet (byte 0xff; expected UTF-8 text)"},
    {"ui: {fps: 2}\n---\nui: {fps: 3}\n",
     "t.yaml:2:1: a second YAML document (expected one document)"},
    /* Unknown keys */
    {"sweep:\n  strat_lr: 1\n",
     "t.yaml:2:3: unknown key `sweep.strat_lr` (did you mean `sweep.start_lr`?)"},
    {"sweep:\n  iteration: 1\n",
     "t.yaml:2:3: unknown key `sweep.iteration` (did you mean `sweep.iterations`?)"},
    {"start_lr: 1\n", "t.yaml:1:1: unknown key `start_lr` (did you mean `sweep.start_lr`?)"},
    {"trainer:\n  momentum: 0.5\n",
     "t.yaml:2:3: unknown key `trainer.momentum` (did you mean `trainer.optimizer.momentum`?)"},
    {"trainer: {optimiser: {kind: sgd}}\n",
     "t.yaml:1:11: unknown key `trainer.optimiser` (did you mean `trainer.optimizer`?)"},
    {"swep: {}\n", "t.yaml:1:1: unknown key `swep` (did you mean `sweep`?)"},
    {"foo: 1\n", "t.yaml:1:1: unknown key `foo` (expected sections sweep, trainer, ui, output)"},
    {"ui:\n  zzzzzz: 1\n",
     "t.yaml:2:3: unknown key `ui.zzzzzz` (expected one of charset, color, fps in ui)"},
    {"trainer: {xyzzy: 1}\n",
     "t.yaml:1:11: unknown key `trainer.xyzzy` (expected one of kind, data, model, optimizer, "
     "batch_size, accumulate, threads, seed, command, connect_timeout_s, step_timeout_s, log in "
     "trainer)"},
    {"sweep: {[a]: 1}\n", "t.yaml:1:9: a key must be a name (expected name: value in sweep)"},
    /* Wrong types */
    {"sweep:\n  start_lr: abc\n",
     "t.yaml:2:13: sweep.start_lr: `abc` is not a number (expected a number > 0)"},
    {"sweep:\n  start_lr: \"1e-3\"\n",
     "t.yaml:2:13: sweep.start_lr is the string \"1e-3\", not a number (expected a number > 0)"},
    {"sweep:\n  start_lr: {a: 1}\n",
     "t.yaml:2:13: sweep.start_lr is a mapping (expected a number > 0)"},
    {"sweep:\n  start_lr: [1]\n", "t.yaml:2:13: sweep.start_lr is a list (expected a number > 0)"},
    {"sweep:\n  start_lr:\n", "t.yaml:2:12: sweep.start_lr has no value (expected a number > 0)"},
    {"sweep:\n  start_lr: .inf\n",
     "t.yaml:2:13: sweep.start_lr: `.inf` is not a number (expected a number > 0)"},
    {"sweep:\n  start_lr: 0x10\n",
     "t.yaml:2:13: sweep.start_lr: `0x10` is not a number (expected a number > 0)"},
    {"sweep:\n  iterations: 1.5\n", "t.yaml:2:15: sweep.iterations: `1.5` is not an integer "
                                    "(expected an integer in [2, 100000000])"},
    {"sweep:\n  skip_start: some\n", "t.yaml:2:15: sweep.skip_start: `some` is not an integer "
                                     "(expected an integer in [0, 100000000] or auto)"},
    {"trainer: {seed: -1}\n",
     "t.yaml:1:17: trainer.seed: `-1` is not an integer in range (expected an integer >= 0)"},
    {"trainer: {seed: 18446744073709551616}\n",
     "t.yaml:1:17: trainer.seed: `18446744073709551616` is not an integer in range (expected an "
     "integer >= 0)"},
    {"trainer:\n  optimizer: {nesterov: maybe}\n",
     "t.yaml:2:25: trainer.optimizer.nesterov: `maybe` is not a boolean (expected true or false)"},
    {"trainer: {command: python3 train.py}\n",
     "t.yaml:1:20: trainer.command is `python3 train.py` (expected a list of strings (the argv, "
     "run without a shell), in brackets: [...])"},
    {"trainer: {command: [a, [b]]}\n", "t.yaml:1:24: trainer.command is a list (expected a list of "
                                       "strings (the argv, run without a shell))"},
    {"trainer: {log: \"\"}\n",
     "t.yaml:1:16: trainer.log: an empty string (expected a string or null)"},
    {"trainer: {data: {label: null}}\n",
     "t.yaml:1:25: trainer.data.label has no value (expected a string)"},
    {"trainer: {data: {path: \"a\\0b\"}}\n",
     "t.yaml:1:24: trainer.data.path contains a NUL character (expected a string or null)"},
    {"trainer:\n  model:\n    hidden: [64, x]\n",
     "t.yaml:3:18: trainer.model.hidden: `x` is not an integer (expected a list of at most 16 "
     "integers in [1, 65536])"},
    {"trainer: {model: {hidden: [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}}\n",
     "t.yaml:1:60: trainer.model.hidden has more than 16 items"},
    {"sweep: 3\n",
     "t.yaml:1:8: sweep is `3` (expected a mapping of start_lr, end_lr, multiplier, iterations, "
     "mode, smoothing, stop_factor, skip_start, skip_end, suggest, pick, loss, pace_ms, "
     "picked_lr)"},
    {"trainer: {data: [spiral]}\n",
     "t.yaml:1:17: trainer.data is a list (expected a mapping of kind, classes, points_per_class, "
     "points, dimensions, noise, spread, path, label, header, task, images, labels, validation, "
     "limit)"},
    {"- sweep\n", "t.yaml:1:1: the top level is a list (expected a mapping of sections: sweep, "
                  "trainer, ui, output)"},
    {"hello\n", "t.yaml:1:1: the top level is `hello` (expected a mapping of sections: sweep, "
                "trainer, ui, output)"},
    /* Out of range */
    {"sweep:\n  start_lr: 0\n",
     "t.yaml:2:13: sweep.start_lr: 0 is out of range (expected a number > 0)"},
    {"sweep:\n  start_lr: -1e-5\n",
     "t.yaml:2:13: sweep.start_lr: -1e-5 is out of range (expected a number > 0)"},
    {"sweep:\n  start_lr: 1e-3\n  end_lr: 1e-4\n",
     "t.yaml:3:11: sweep.end_lr (0.0001) is not above sweep.start_lr (0.001) (expected end_lr > "
     "start_lr)"},
    {"sweep:\n  start_lr: 20\n", "t.yaml:2:13: sweep.end_lr (10) is not above sweep.start_lr (20) "
                                 "(expected end_lr > start_lr)"},
    {"sweep:\n  end_lr: 1\n  multiplier: 1.1\n",
     "t.yaml:3:15: both sweep.end_lr and sweep.multiplier are given (expected exactly one; null "
     "withdraws one given earlier)"},
    {"sweep:\n  end_lr: null\n",
     "t.yaml:2:11: neither sweep.end_lr nor sweep.multiplier is given (expected exactly one)"},
    {"sweep:\n  multiplier: 1\n",
     "t.yaml:2:15: sweep.multiplier: 1 is out of range (expected a number > 1 or null)"},
    {"sweep:\n  multiplier: 0.5\n",
     "t.yaml:2:15: sweep.multiplier: 0.5 is out of range (expected a number > 1 or null)"},
    {"sweep:\n  end_lr: 0\n",
     "t.yaml:2:11: sweep.end_lr: 0 is out of range (expected a number > 0 or null)"},
    {"sweep:\n  iterations: 1\n",
     "t.yaml:2:15: sweep.iterations: 1 is out of range (expected an integer in [2, 100000000])"},
    {"sweep:\n  smoothing: 1\n",
     "t.yaml:2:14: sweep.smoothing: 1 is out of range (expected a number in [0, 1))"},
    {"sweep:\n  smoothing: -0.1\n",
     "t.yaml:2:14: sweep.smoothing: -0.1 is out of range (expected a number in [0, 1))"},
    {"sweep:\n  stop_factor: 1\n",
     "t.yaml:2:16: sweep.stop_factor: 1 is out of range (expected 0 or a number > 1)"},
    {"sweep:\n  stop_factor: 0.5\n",
     "t.yaml:2:16: sweep.stop_factor: 0.5 is out of range (expected 0 or a number > 1)"},
    {"sweep:\n  skip_end: -1\n",
     "t.yaml:2:13: sweep.skip_end: -1 is out of range (expected an integer in [0, 100000000])"},
    {"trainer:\n  batch_size: 0\n",
     "t.yaml:2:15: trainer.batch_size: 0 is out of range (expected an integer in [1, 1000000])"},
    {"ui:\n  fps: 0\n", "t.yaml:2:8: ui.fps: 0 is out of range (expected an integer in [1, 120])"},
    {"ui:\n  fps: 121\n",
     "t.yaml:2:8: ui.fps: 121 is out of range (expected an integer in [1, 120])"},
    {"trainer:\n  data:\n    validation: 0.95\n",
     "t.yaml:3:17: trainer.data.validation: 0.95 is out of range (expected a number in [0, 0.9])"},
    {"trainer: {data: {classes: 1}}\n",
     "t.yaml:1:27: trainer.data.classes: 1 is out of range (expected an integer in [2, 1000])"},
    {"trainer: {optimizer: {beta2: 1}}\n",
     "t.yaml:1:30: trainer.optimizer.beta2: 1 is out of range (expected a number in [0, 1))"},
    {"trainer: {optimizer: {eps: 0}}\n",
     "t.yaml:1:28: trainer.optimizer.eps: 0 is out of range (expected a number in (0, 1])"},
    {"trainer: {connect_timeout_s: 0}\n", "t.yaml:1:30: trainer.connect_timeout_s: 0 is out of "
                                          "range (expected a number in (0, 1000000])"},
    /* Duplicates */
    {"sweep:\n  start_lr: 1e-5\n  start_lr: 1e-4\n",
     "t.yaml:3:3: duplicate key `sweep.start_lr` (first given at line 2, column 3)"},
    {"sweep: {}\nui: {}\nsweep: {}\n",
     "t.yaml:3:1: duplicate key `sweep` (first given at line 1, column 1)"},
    /* Enums */
    {"sweep:\n  mode: lin\n",
     "t.yaml:2:9: sweep.mode: unknown value `lin` (expected one of exponential, linear)"},
    {"sweep:\n  suggest: [valley, fast]\n", "t.yaml:2:21: sweep.suggest: unknown value `fast` "
                                            "(expected a list of valley, slide, minimum, steep)"},
    {"trainer: {data: {kind: mnist}}\n",
     "t.yaml:1:24: trainer.data.kind: unknown value `mnist` (expected one of spiral, moons, blobs, "
     "xor, regression, csv, idx)"},
    {"ui: {color: {}}\n",
     "t.yaml:1:13: ui.color is a mapping (expected one of auto, never, always)"},
    /* Anchors and aliases */
    {"sweep:\n  start_lr: &lr 1e-5\n",
     "t.yaml:2:13: YAML anchors and aliases are not allowed (write each value out)"},
    {"sweep: &s {start_lr: 1}\n",
     "t.yaml:1:8: YAML anchors and aliases are not allowed (write each value out)"},
    {"a: &a [1, 2]\nb: [*a, *a]\n",
     "t.yaml:1:4: YAML anchors and aliases are not allowed (write each value out)"},
    {"sweep:\n  start_lr: *x\n",
     "t.yaml:2:13: YAML anchors and aliases are not allowed (write each value out)"},
    /* Depth */
    {"a: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
     "t.yaml:1:36: nested too deeply (at most 32 levels)"},
    /* Cross-field */
    {"sweep: {mode: linear, multiplier: 1.2}\n",
     "t.yaml:1:35: sweep.mode linear is given with sweep.multiplier (expected end_lr: a linear "
     "ladder has no constant factor)"},
    {"sweep: {loss: validation}\n",
     "t.yaml:1:15: sweep.loss is validation but trainer.data.validation is 0 (expected a held-out "
     "fraction such as 0.1)"},
    {"trainer:\n  kind: exec\n", "t.yaml:2:9: trainer.kind is exec but trainer.command is empty "
                                 "(expected e.g. [python3, train.py])"},
    {"trainer: {data: {kind: csv}}\n",
     "t.yaml:1:24: trainer.data.kind is csv but trainer.data.path is not given (expected a CSV "
     "file)"},
    {"trainer: {data: {kind: idx, images: i}}\n",
     "t.yaml:1:24: trainer.data.kind is idx but trainer.data.labels is not given (expected an IDX "
     "file)"},
    {"trainer: {optimizer: {nesterov: true, momentum: 0}}\n",
     "t.yaml:1:49: trainer.optimizer.nesterov needs momentum > 0 and dampening 0 (as in PyTorch)"},
};

static void test_bad_files(void **state)
{
    for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
        struct lrf_config c;
        char msg[600];
        int rc = load(&c, bad_files[i].text, msg, sizeof msg);
        if (rc != -1 || strcmp(msg, bad_files[i].error) != 0)
            fail_msg("case %zu: %s\n  got:      %s\n  expected: %s", i, bad_files[i].text,
                     rc ? msg : "(loaded)", bad_files[i].error);
        config_free(&c);
    }
}

/* Columns count characters, not bytes, and a multi-byte character does not shift them. */
static void test_utf8_columns(void **state)
{
    struct lrf_config c;
    char msg[600];
    assert_int_equal(load(&c, "trainer: {data: {label: \"é\", kind: zz}}\n", msg, sizeof msg), -1);
    assert_string_equal(
        msg, "t.yaml:1:36: trainer.data.kind: unknown value `zz` (expected one of spiral, moons, "
             "blobs, xor, regression, csv, idx)");
    config_free(&c);
}

static void test_load_file_errors(void **state)
{
    struct lrf_config c;
    struct lrf_error err;
    char msg[600], path[512];
    config_defaults(&c);
    snprintf(path, sizeof path, "%s/missing.yaml", tmpdir);
    assert_int_equal(config_load_file(&c, path, &err), -1);
    assert_string_equal(err.file, path);
    assert_non_null(strstr(err.msg, "cannot open: No such file"));
    assert_int_equal(config_load_file(&c, tmpdir, &err), -1);
    assert_non_null(strstr(err.msg, "cannot read"));
    snprintf(path, sizeof path, "%s/bad.yaml", tmpdir);
    spit(path, "sweep:\n  pick: best\n");
    assert_int_equal(config_load_file(&c, path, &err), -1);
    lrf_error_format(&err, msg, sizeof msg);
    char want[700];
    snprintf(want, sizeof want,
             "%s:2:9: sweep.pick: unknown value `best` (expected one of valley, slide, minimum, "
             "steep)",
             path);
    assert_string_equal(msg, want);
    config_free(&c);
}

/* ---- --set ------------------------------------------------------------------------------ */

static void test_set(void **state)
{
    struct lrf_config c;
    struct lrf_error err;
    config_defaults(&c);
    assert_int_equal(config_set(&c, "trainer.model.hidden=[32,32,16]", &err), 0);
    assert_int_equal(c.trainer.model.n_hidden, 3);
    assert_int_equal(c.trainer.model.hidden[2], 16);
    assert_int_equal(config_set(&c, "trainer.data={kind: xor, points: 50}", &err), 0);
    assert_int_equal(c.trainer.data.kind, DATA_XOR);
    assert_int_equal(c.trainer.data.points, 50);
    assert_int_equal(config_set(&c, "output.sweep=runs/a.csv", &err), 0);
    assert_string_equal(c.output.sweep, "runs/a.csv");
    assert_int_equal(config_set(&c, "output.sweep=", &err), 0);
    assert_null(c.output.sweep);
    assert_int_equal(config_set(&c, "trainer.command=[python3, -u, \"my script.py\"]", &err), 0);
    assert_int_equal(c.trainer.command_len, 3);
    assert_string_equal(c.trainer.command[2], "my script.py");
    assert_int_equal(config_set(&c, "trainer.command=[python3]", &err), 0);
    assert_int_equal(c.trainer.command_len, 1);
    assert_null(c.trainer.command[1]);
    assert_int_equal(config_set(&c, "sweep.skip_start=auto", &err), 0);
    assert_int_equal(c.sweep.skip_start, -1);
    assert_int_equal(config_validate(&c, &err), 0);

    static const struct bad bad_sets[] = {
        {"sweep.iterations=abc", "--set:1:18: sweep.iterations: `abc` is not an integer (expected "
                                 "an integer in [2, 100000000])"},
        {"sweep.iterations=1",
         "--set:1:18: sweep.iterations: 1 is out of range (expected an integer in [2, 100000000])"},
        {"sweep.start_lr=", "--set:1:16: sweep.start_lr has no value (expected a number > 0)"},
        {"sweep.iteration=3",
         "--set:1:1: unknown key `sweep.iteration` (did you mean `sweep.iterations`?)"},
        {"sweep.qqqqqq=3",
         "--set:1:1: unknown key `sweep.qqqqqq` (expected one of start_lr, end_lr, multiplier, "
         "iterations, mode, smoothing, stop_factor, skip_start, skip_end, suggest, pick, loss, "
         "pace_ms, picked_lr in sweep)"},
        {"sweep.iterations",
         "--set:1:1: `sweep.iterations` is not an assignment (expected key.path=value, e.g. "
         "sweep.iterations=200)"},
        {"=3", "--set:1:1: `=3` is not an assignment (expected key.path=value, e.g. "
               "sweep.iterations=200)"},
        {"trainer.model.hidden=[32,",
         "--set:1:26: invalid YAML: did not find expected node content (while parsing a flow node "
         "that started at line 1 column 26)"},
        {"trainer.model.hidden=[32, -4]",
         "--set:1:27: trainer.model.hidden: -4 is out of range (expected a list of at most 16 "
         "integers in [1, 65536])"},
        {"trainer.data={kind: xor, pionts: 5}",
         "--set:1:26: unknown key `trainer.data.pionts` (did you mean `trainer.data.points`?)"},
        {"trainer=3",
         "--set:1:9: trainer is `3` (expected a mapping of kind, data, model, optimizer, "
         "batch_size, accumulate, threads, seed, command, connect_timeout_s, step_timeout_s, log)"},
        {"ui.fps=&a 3",
         "--set:1:8: YAML anchors and aliases are not allowed (write each value out)"},
        {"ui.color=nope",
         "--set:1:10: ui.color: unknown value `nope` (expected one of auto, never, always)"},
    };
    for (size_t i = 0; i < sizeof bad_sets / sizeof bad_sets[0]; i++) {
        char msg[600];
        lrf_error_clear(&err);
        int rc = config_set(&c, bad_sets[i].text, &err);
        lrf_error_format(&err, msg, sizeof msg);
        if (rc != -1 || strcmp(msg, bad_sets[i].error) != 0)
            fail_msg("case %zu: %s\n  got:      %s\n  expected: %s", i, bad_sets[i].text,
                     rc ? msg : "(set)", bad_sets[i].error);
    }
    config_free(&c);
}

static void test_nearest(void **state)
{
    static const char *const cases[][2] = {
        {"sweep.strat_lr", "sweep.start_lr"},
        {"sweep.start-lr", "sweep.start_lr"},
        {"sweep.endlr", "sweep.end_lr"},
        {"sweep.multipler", "sweep.multiplier"},
        {"trainer.batchsize", "trainer.batch_size"},
        {"trainer.batch_size", "trainer.batch_size"},
        {"batch_size", "trainer.batch_size"},
        {"trainer.data.hidden", "trainer.model.hidden"},
        {"trainer.optim", "trainer.optimizer"},
        {"sweep.iter", "sweep.iterations"},
        {"ui.fsp", "ui.fps"},
        {"output.csv", NULL},
        {"zzz", NULL},
        {"sweep.x", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = config_nearest_key(cases[i][0]);
        if (cases[i][1] == NULL ? got != NULL : got == NULL || strcmp(got, cases[i][1]) != 0)
            fail_msg("%s: got %s, expected %s", cases[i][0], got ? got : "NULL",
                     cases[i][1] ? cases[i][1] : "NULL");
    }
}

/* ---- emitters --------------------------------------------------------------------------- */

static void test_emit_roundtrip(void **state)
{
    struct lrf_config c, d;
    char msg[600];
    assert_int_equal(
        load(&c,
             "sweep: {start_lr: 3.3e-9, multiplier: 1.0471285480508996, skip_start: 7, suggest: "
             "[steep]}\ntrainer: {kind: exec, command: [python3, \"a b.py\", --x, \"null\", "
             "\"q\\\"\"], seed: 123456789012345, data: {header: false, label: \"3\"}}\noutput: "
             "{sweep: \"out dir/s.csv\", result: r.yaml}\n",
             msg, sizeof msg),
        0);
    char *yaml = emit_to_string(&c, false), *json = emit_to_string(&c, true);
    assert_int_equal(load(&d, yaml, msg, sizeof msg), 0);
    char *yaml2 = emit_to_string(&d, false);
    assert_string_equal(yaml, yaml2);
    assert_close(d.sweep.multiplier, 1.0471285480508996, 0);
    assert_close(d.sweep.start_lr, 3.3e-9, 0);
    assert_string_equal(d.trainer.command[3], "null");
    assert_string_equal(d.trainer.command[4], "q\"");
    assert_non_null(strstr(yaml, "  multiplier: 1.0471285480508996\n"));
    assert_non_null(strstr(yaml, "  end_lr: null\n"));
    assert_non_null(strstr(yaml, "  command: [python3, \"a b.py\", --x, \"null\", \"q\\\"\"]\n"));
    assert_non_null(strstr(yaml, "trainer:\n  kind: exec\n  data:\n    kind: spiral\n"));
    /* JSON: one line, nested by section, strings quoted. */
    assert_null(strchr(json, '\n'));
    assert_true(strncmp(json,
                        "{\"sweep\": {\"start_lr\": 3.3e-09, \"end_lr\": null, \"multiplier\": "
                        "1.0471285480508996, \"iterations\": 100, \"mode\": \"exponential\"",
                        110) == 0);
    assert_non_null(strstr(json, "\"skip_start\": 7, \"skip_end\": 5, \"suggest\": [\"steep\"]"));
    assert_non_null(strstr(
        json, "\"model\": {\"hidden\": [64, 64], \"activation\": \"relu\"}, \"optimizer\": {"));
    assert_non_null(
        strstr(json, "\"command\": [\"python3\", \"a b.py\", \"--x\", \"null\", \"q\\\"\"]"));
    assert_non_null(strstr(json, "\"seed\": 123456789012345"));
    assert_non_null(strstr(json, "\"header\": false, \"task\""));
    assert_non_null(strstr(json, "\"label\": \"3\""));
    assert_non_null(
        strstr(json, "\"output\": {\"sweep\": \"out dir/s.csv\", \"result\": \"r.yaml\"}}"));
    int depth = 0;
    for (const char *p = json; *p; p++)
        depth += (*p == '{') - (*p == '}');
    assert_int_equal(depth, 0);
    /* Indented YAML nests under a parent key. */
    char *s = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&s, &n);
    config_emit_yaml(&c, fp, 2);
    fclose(fp);
    assert_true(strncmp(s, "  sweep:\n    start_lr: 3.3e-09\n", 31) == 0);
    free(s);
    free(yaml);
    free(yaml2);
    free(json);
    config_free(&c);
    config_free(&d);
}

static void test_format_double(void **state)
{
    static const struct {
        double v;
        const char *s;
    } cases[] = {{1e-7, "1e-07"},
                 {10, "10"},
                 {0.98, "0.98"},
                 {0.1 + 0.2, "0.30000000000000004"},
                 {1.0 / 3, "0.3333333333333333"},
                 {2.5e-3, "0.0025"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[40];
        config_format_double(cases[i].v, buf, sizeof buf);
        assert_string_equal(buf, cases[i].s);
        assert_true(strtod(buf, NULL) == cases[i].v);
    }
}

/* ---- the man page ------------------------------------------------------------------------- */

static void test_man_text(void **state)
{
    char *s = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&s, &n);
    config_print_man(fp);
    fclose(fp);
    for (size_t i = 0; i < config_nkeys; i++) {
        char want[300];
        snprintf(want, sizeof want, ".TP\n.B %s\n", config_keys[i].path);
        assert_non_null(strstr(s, want));
    }
    assert_non_null(strstr(
        s, ".TP\n.B sweep.start_lr\nFirst learning rate of the sweep.\nA number > 0; default: "
           "1e\\-07.\n"));
    assert_non_null(strstr(s, "One of exponential, linear; default: exponential.\n"));
    free(s);
}

/* man/lrfind.1 carries exactly config_print_man's text between its markers. */
static void test_man_page_in_sync(void **state)
{
    char path[512];
    snprintf(path, sizeof path, "%s/man/lrfind.1", srcdir());
    size_t len;
    char *page = slurp(path, &len);
    if (page == NULL)
        fail_msg("cannot read %s", path);
    const char *begin = strstr(page, ".\\\" BEGIN CONFIG KEYS\n");
    const char *end = strstr(page, ".\\\" END CONFIG KEYS\n");
    if (begin == NULL || end == NULL || end < begin) {
        free(page);
        fail_msg("%s lacks the lines .\\\" BEGIN CONFIG KEYS and .\\\" END CONFIG KEYS (paste the "
                 "output of tests/print_man_keys between them)",
                 path);
    }
    begin = strchr(begin, '\n') + 1;
    char *s = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&s, &n);
    config_print_man(fp);
    fclose(fp);
    bool same = (size_t)(end - begin) == n && memcmp(begin, s, n) == 0;
    free(s);
    free(page);
    if (!same)
        fail_msg("the key list in %s is out of date: run tests/print_man_keys and paste its output "
                 "between the markers",
                 path);
}

/* ---- write-back ------------------------------------------------------------------------- */

static void test_write_back_commented(void **state)
{
    char src[512], expected[512], path[512];
    snprintf(src, sizeof src, "%s/tests/data/config/commented.yaml", srcdir());
    snprintf(expected, sizeof expected, "%s/tests/data/config/commented.expected.yaml", srcdir());
    snprintf(path, sizeof path, "%s/commented.yaml", tmpdir);
    size_t len, want_len;
    char *text = slurp(src, &len), *want = slurp(expected, &want_len);
    assert_non_null(text);
    assert_non_null(want);
    spit(path, text);
    chmod(path, 0640);
    static const char *const keys[] = {"sweep.multiplier",
                                       "sweep.iterations",
                                       "sweep.picked_lr",
                                       "trainer.data.noise",
                                       "trainer.data.validation",
                                       "trainer.model.hidden",
                                       "trainer.optimizer.kind",
                                       "ui.fps",
                                       "output.sweep"};
    static const char *const values[] = {"1.15", "250", "0.0031622776601683794",
                                         "0.25", "0.1", "[64, 64]",
                                         "adam", "30",  "\"runs/moons sweep 2.csv\""};
    struct lrf_error err;
    if (config_write_back(path, keys, values, sizeof keys / sizeof keys[0], &err) != 0)
        fail_msg("%s:%d:%d: %s", err.file, err.line, err.column, err.msg);
    char *got = slurp(path, &len);
    assert_string_equal(got, want);
    /* Every comment line of the original is still there, byte for byte. */
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        char *hash = strchr(line, '#');
        if (hash != NULL && strstr(got, hash) == NULL)
            fail_msg("comment lost: %s", hash);
    }
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    /* It reloads with the new values. */
    struct lrf_config c;
    config_defaults(&c);
    assert_int_equal(config_load_file(&c, path, &err), 0);
    assert_close(c.sweep.multiplier, 1.15, 0);
    assert_close(c.sweep.end_lr, 0, 0);
    assert_int_equal(c.sweep.iterations, 250);
    assert_close(c.sweep.picked_lr, 0.0031622776601683794, 0);
    assert_close(c.sweep.start_lr, 1e-6, 0);
    assert_int_equal(c.trainer.data.kind, DATA_MOONS);
    assert_close(c.trainer.data.noise, 0.25, 0);
    assert_int_equal(c.trainer.model.n_hidden, 2);
    assert_int_equal(c.trainer.model.hidden[0], 64);
    assert_int_equal(c.trainer.optimizer.kind, OPT_ADAM);
    assert_true(c.trainer.seed == 7);
    assert_int_equal(c.ui.fps, 30);
    assert_string_equal(c.output.sweep, "runs/moons sweep 2.csv");
    config_free(&c);
    /* Writing end_lr back nulls the multiplier in its place. */
    static const char *const k2[] = {"sweep.end_lr"};
    static const char *const v2[] = {"10"};
    assert_int_equal(config_write_back(path, k2, v2, 1, &err), 0);
    free(got);
    got = slurp(path, &len);
    assert_non_null(strstr(got, "  end_lr: 10            # the ladder heads here\n"));
    assert_non_null(strstr(got, "  multiplier: null\n"));
    free(got);
    free(text);
    free(want);
}

struct wb_case {
    const char *before;
    const char *key, *value;
    const char *after;
};

static void test_write_back_shapes(void **state)
{
    static const struct wb_case cases[] = {
        /* Empty files get the section at the end. */
        {"", "sweep.iterations", "7", "sweep:\n  iterations: 7\n"},
        {"# just a comment", "ui.fps", "9", "# just a comment\nui:\n  fps: 9\n"},
        {"sweep: {}\n", "trainer.data.kind", "xor",
         "sweep: {}\ntrainer:\n  data:\n    kind: xor\n"},
        /* Flow mappings. */
        {"sweep: {start_lr: 1e-7, end_lr: 10}\n", "sweep.multiplier", "1.2",
         "sweep: {start_lr: 1e-7, end_lr: null, multiplier: 1.2}\n"},
        {"sweep: {}\n", "sweep.iterations", "7", "sweep: {iterations: 7}\n"},
        {"trainer: {seed: 1}\n", "trainer.model.hidden", "[8]",
         "trainer: {seed: 1, model: {hidden: [8]}}\n"},
        {"sweep: {iterations: 5,}\n", "sweep.pick", "steep",
         "sweep: {iterations: 5, pick: steep,}\n"},
        /* Null sections. */
        {"ui:\noutput: {}\n", "ui.fps", "9", "ui:\n  fps: 9\noutput: {}\n"},
        {"ui: ~   # none\n", "ui.fps", "9", "ui: {fps: 9}   # none\n"},
        /* Empty values. */
        {"output:\n  sweep:   # later\n", "output.sweep", "s.csv",
         "output:\n  sweep: s.csv # later\n"},
        /* Block values with deeper sections after them. */
        {"trainer:\n  kind: builtin\n  data:\n    kind: moons\n# end\n", "trainer.seed", "3",
         "trainer:\n  kind: builtin\n  data:\n    kind: moons\n  seed: 3\n# end\n"},
        /* No final newline. */
        {"sweep:\n  iterations: 5", "sweep.pick", "slide",
         "sweep:\n  iterations: 5\n  pick: slide\n"},
        {"sweep:\n  iterations: 5", "sweep.iterations", "60", "sweep:\n  iterations: 60"},
        /* Quoted and block scalars are replaced whole. */
        {"output:\n  sweep: 'a.csv'\n", "output.sweep", "b.csv", "output:\n  sweep: b.csv\n"},
        {"trainer:\n  log: |\n    x.log\nui: {}\n", "trainer.log", "y.log",
         "trainer:\n  log: y.log\nui: {}\n"},
        /* Block sequences keep their lines. */
        {"trainer:\n  command:\n    - a   # one\n    - b\n", "trainer.command", "[x, y, z]",
         "trainer:\n  command:\n    - x   # one\n    - y\n    - z\n"},
        /* CRLF line ends stay. */
        {"sweep:\r\n  iterations: 5\r\n", "sweep.iterations", "9", "sweep:\r\n  iterations: 9\r\n"},
        {"sweep:\r\n  iterations: 5\r\n", "ui.fps", "9",
         "sweep:\r\n  iterations: 5\r\nui:\r\n  fps: 9\r\n"},
        {"ui: {}\r\n# end", "sweep.pick", "slide",
         "ui: {}\r\n# end\r\nsweep:\r\n  pick: slide\r\n"},
    };
    char path[512];
    snprintf(path, sizeof path, "%s/shape.yaml", tmpdir);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        spit(path, cases[i].before);
        struct lrf_error err;
        if (config_write_back(path, &cases[i].key, &cases[i].value, 1, &err) != 0)
            fail_msg("case %zu: %s", i, err.msg);
        size_t len;
        char *got = slurp(path, &len);
        if (strcmp(got, cases[i].after) != 0)
            fail_msg("case %zu:\n--- got\n%s--- expected\n%s---", i, got, cases[i].after);
        free(got);
    }
}

static void test_write_back_errors(void **state)
{
    static const struct {
        const char *before, *key, *value, *error;
    } cases[] = {
        {"sweep: {}\n", "sweep.iteratons", "5",
         "cannot write back unknown key `sweep.iteratons` (did you mean `sweep.iterations`?)"},
        {"sweep: {}\n", "sweep.iterations", "1",
         "writing back would leave an invalid file: sweep.iterations: 1 is out of range (expected "
         "an integer in [2, 100000000])"},
        {"sweep: {}\n", "sweep.iterations", "5\nui: 3",
         "cannot write back sweep.iterations: the value must be one line of YAML"},
        {"sweep: {}\n", "sweep.iterations", "",
         "cannot write back sweep.iterations: the value must be one line of YAML"},
        {"- 1\n", "sweep.iterations", "5",
         "cannot write back: the top level is not a mapping (expected sections)"},
        {"sweep: 3\n", "sweep.iterations", "5",
         "cannot write back: `sweep` is not a mapping (expected a section of keys)"},
        {"sweep: [\n", "sweep.iterations", "5",
         "invalid YAML: did not find expected node content (while parsing a flow node that started "
         "at line 2 column 1)"},
        {"sweep: {foo: 1}\n", "sweep.iterations", "5",
         "writing back would leave an invalid file: unknown key `sweep.foo` (expected one of "
         "start_lr, end_lr, multiplier, iterations, mode, smoothing, stop_factor, skip_start, "
         "skip_end, suggest, pick, loss, pace_ms, picked_lr in sweep)"},
    };
    char path[512];
    snprintf(path, sizeof path, "%s/err.yaml", tmpdir);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        spit(path, cases[i].before);
        struct lrf_error err;
        lrf_error_clear(&err);
        assert_int_equal(config_write_back(path, &cases[i].key, &cases[i].value, 1, &err), -1);
        if (strcmp(err.msg, cases[i].error) != 0)
            fail_msg("case %zu:\n  got:      %s\n  expected: %s", i, err.msg, cases[i].error);
        size_t len;
        char *got = slurp(path, &len); /* unchanged */
        assert_string_equal(got, cases[i].before);
        free(got);
    }
    /* A missing file. */
    snprintf(path, sizeof path, "%s/none.yaml", tmpdir);
    const char *k = "ui.fps", *v = "3";
    struct lrf_error err;
    assert_int_equal(config_write_back(path, &k, &v, 1, &err), -1);
    assert_non_null(strstr(err.msg, "cannot open"));
}

/* Through a symbolic link, the file it points at is rewritten and the link stays. */
static void test_write_back_symlink(void **state)
{
    char target[512], link[512];
    snprintf(target, sizeof target, "%s/target.yaml", tmpdir);
    snprintf(link, sizeof link, "%s/link.yaml", tmpdir);
    spit(target, "ui: {fps: 5}\n");
    unlink(link);
    assert_int_equal(symlink(target, link), 0);
    const char *k = "ui.fps", *v = "6";
    struct lrf_error err;
    assert_int_equal(config_write_back(link, &k, &v, 1, &err), 0);
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    size_t len;
    char *got = slurp(target, &len);
    assert_string_equal(got, "ui: {fps: 6}\n");
    free(got);
}

static int setup(void **state)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/test_config.XXXXXX", t && *t ? t : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    static const char *const names[] = {"commented.yaml", "shape.yaml",  "err.yaml",
                                        "bad.yaml",       "target.yaml", "link.yaml"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s/%s", tmpdir, names[i]);
        unlink(p);
    }
    return rmdir(tmpdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_enum_order),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_design_example),
        cmocka_unit_test(test_empty_and_null),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_end_lr_multiplier),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_utf8_columns),
        cmocka_unit_test(test_load_file_errors),
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_nearest),
        cmocka_unit_test(test_emit_roundtrip),
        cmocka_unit_test(test_format_double),
        cmocka_unit_test(test_man_text),
        cmocka_unit_test(test_write_back_commented),
        cmocka_unit_test(test_write_back_shapes),
        cmocka_unit_test(test_write_back_errors),
        cmocka_unit_test(test_write_back_symlink),
        cmocka_unit_test(test_man_page_in_sync),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
