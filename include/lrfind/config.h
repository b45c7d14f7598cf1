/* config.h: the YAML configuration (libyaml) and its key table.
 * One table (config_keys) drives parsing, validation, defaults, the "did you mean" hint,
 * --set overrides, the man page's list and the write-back into a commented YAML file.
 * Every error names file:line:column. The defaults are the built-in demo. */
#ifndef LRFIND_CONFIG_H
#define LRFIND_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "lrfind/error.h"
#include "lrfind/suggest.h"

#define CONFIG_MAX_HIDDEN 16
#define CONFIG_MAX_ARGV 64

enum data_kind { DATA_SPIRAL, DATA_MOONS, DATA_BLOBS, DATA_XOR, DATA_REGRESSION, DATA_CSV, DATA_IDX };
enum activation { ACT_RELU, ACT_LEAKY_RELU, ACT_TANH, ACT_SIGMOID, ACT_GELU };
enum optim_kind { OPT_SGD, OPT_ADAM, OPT_ADAMW };
enum trainer_kind { TRAINER_BUILTIN, TRAINER_EXEC };
enum loss_source { LOSS_TRAIN, LOSS_VALIDATION };
enum charset { CHARSET_AUTO, CHARSET_ASCII, CHARSET_BRAILLE };
enum color_mode { COLOR_AUTO, COLOR_NEVER, COLOR_ALWAYS };

struct lrf_config {
    struct {
        double start_lr;    /* > 0 */
        double end_lr;      /* > start_lr, or 0 when multiplier is used */
        double multiplier;  /* > 1, or 0 when end_lr is used; exactly one of the two is set */
        long iterations;    /* >= 2 */
        int mode;           /* enum sched_mode */
        double smoothing;   /* [0, 1) */
        double stop_factor; /* 0 (never) or > 1 */
        long skip_start;    /* -1 = auto (N // 10) */
        long skip_end;      /* >= 0 */
        unsigned suggest;   /* bit mask of 1u << enum suggest_method */
        int pick;           /* enum suggest_method: what --batch prints */
        int loss;           /* enum loss_source */
        long pace_ms;       /* minimum wall time per step (teaching), 0 = none */
    } sweep;
    struct {
        int kind; /* enum trainer_kind */
        struct {
            int kind;               /* enum data_kind */
            long classes;           /* spiral, blobs */
            long points_per_class;  /* spiral, blobs */
            long points;            /* moons, xor, regression */
            long dimensions;        /* blobs, regression: input features */
            double noise;           /* spiral, moons, xor, regression */
            double spread;          /* blobs */
            char *path;             /* csv */
            char *label;            /* csv: label column, by name or 0-based index ("-1" = last) */
            int header;             /* csv: -1 auto, 0 no, 1 yes */
            int task;               /* csv: 0 classify, 1 regress */
            char *images, *labels;  /* idx */
            double validation;      /* held-out fraction in [0, 0.9] */
            long limit;             /* use at most this many samples, 0 = all */
        } data;
        struct {
            long hidden[CONFIG_MAX_HIDDEN];
            int n_hidden;
            int activation; /* enum activation */
        } model;
        struct {
            int kind; /* enum optim_kind */
            double momentum, dampening, weight_decay;
            bool nesterov;
            double beta1, beta2, eps;
            bool decoupled; /* adam: weight decay as AdamW */
        } optimizer;
        long batch_size;
        long accumulate; /* gradient accumulation over k mini-batches */
        long threads;    /* trainer threads, 1.. */
        uint64_t seed;
        /* exec */
        char *command[CONFIG_MAX_ARGV + 1]; /* argv, NULL-terminated */
        int command_len;
        double connect_timeout_s, step_timeout_s;
        char *log;
    } trainer;
    struct {
        int charset; /* enum charset */
        int color;   /* enum color_mode */
        long fps;    /* 1..120 */
    } ui;
    struct {
        char *sweep;  /* CSV path or NULL */
        char *result; /* YAML/JSON path or NULL */
    } output;
    char *source; /* the file it was loaded from, NULL for the built-in demo */
};

enum config_type { CT_DOUBLE, CT_LONG, CT_BOOL, CT_ENUM, CT_STRING, CT_LONG_LIST, CT_ENUM_SET, CT_ARGV, CT_U64 };

struct config_key {
    const char *path;      /* "sweep.start_lr" */
    enum config_type type;
    size_t offset;         /* into struct lrf_config */
    const char *const *names; /* CT_ENUM/CT_ENUM_SET: NULL-terminated value names */
    double min, max;       /* numeric range, inclusive */
    const char *def;       /* default as shown in the man page */
    const char *help;      /* one line for the man page */
};

extern const struct config_key config_keys[];
extern const size_t config_nkeys;

/* Fill cfg with the built-in demo defaults. */
void config_defaults(struct lrf_config *cfg);
/* Parse YAML text over the current values of cfg (name is used in messages). 0 or -1 with err. */
int config_load_string(struct lrf_config *cfg, const char *name, const char *text, size_t len,
                       struct lrf_error *err);
/* config_load_string on a file's contents; sets cfg->source. */
int config_load_file(struct lrf_config *cfg, const char *path, struct lrf_error *err);
/* Apply one "--set key.path=value" (value in YAML flow syntax). 0 or -1 with err. */
int config_set(struct lrf_config *cfg, const char *assignment, struct lrf_error *err);
/* Cross-field checks (end_lr vs multiplier etc.), run after loading and after --set. */
int config_validate(const struct lrf_config *cfg, struct lrf_error *err);
/* Free the strings owned by cfg. */
void config_free(struct lrf_config *cfg);
/* The nearest valid key to a misspelt one (edit distance), or NULL. */
const char *config_nearest_key(const char *path);
/* The sweep settings, one "key=value" per setting separated by spaces (for the CSV meta line). */
int config_meta_line(const struct lrf_config *cfg, char *buf, size_t size);
/* Emit the settings used as a JSON object / as YAML lines with the given indent. */
void config_emit_json(const struct lrf_config *cfg, FILE *fp);
void config_emit_yaml(const struct lrf_config *cfg, FILE *fp, int indent);
/* Rewrite the YAML file at path so that each (key, value) pair in keys/values holds, keeping
 * comments and layout: scalars are spliced in at the positions libyaml reports; a missing key
 * is added to its section. Atomic. 0 or -1 with err. */
int config_write_back(const char *path, const char *const *keys, const char *const *values, size_t n,
                      struct lrf_error *err);

#endif
