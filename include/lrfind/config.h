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
#define CONFIG_MAX_KEYS 80 /* >= config_nkeys (checked by the tests) */

enum data_kind {
    DATA_SPIRAL,
    DATA_MOONS,
    DATA_BLOBS,
    DATA_XOR,
    DATA_REGRESSION,
    DATA_CSV,
    DATA_IDX
};
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
        double picked_lr;   /* the rate last picked in the TUI (written back by `w`), 0 = none;
                               informational, the sweep does not use it */
    } sweep;
    struct {
        int kind; /* enum trainer_kind */
        struct {
            int kind;              /* enum data_kind */
            long classes;          /* spiral, blobs */
            long points_per_class; /* spiral, blobs */
            long points;           /* moons, xor, regression */
            long dimensions;       /* blobs, regression: input features */
            double noise;          /* spiral, moons, xor, regression */
            double spread;         /* blobs */
            char *path;            /* csv */
            char *label;           /* csv: label column, by name or 0-based index ("-1" = last) */
            int header;            /* csv: -1 auto, 0 no, 1 yes */
            int task;              /* csv: 0 classify, 1 regress */
            char *images, *labels; /* idx */
            double validation;     /* held-out fraction in [0, 0.9] */
            long limit;            /* use at most this many samples, 0 = all */
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
    /* Private to the loader: where each key (index as config_keys) was last given, so that
     * config_validate can name file:line:column. src 0 = built-in default, -1 = --set,
     * k > 0 = origin_names[k - 1]; seq orders the assignments. */
    struct config_origin {
        int src, line, column;
        unsigned seq;
    } origin[CONFIG_MAX_KEYS];
    char **origin_names;
    int n_origin_names;
    unsigned origin_seq;
};

/* CT_DOUBLE double, CT_LONG long, CT_BOOL bool, CT_ENUM int (index into names), CT_STRING char *,
 * CT_LONG_LIST long[] + int count, CT_ENUM_SET unsigned mask, CT_ARGV char *[] + int count,
 * CT_U64 uint64_t, CT_TRISTATE int: false 0, true 1, auto -1. */
enum config_type {
    CT_DOUBLE,
    CT_LONG,
    CT_BOOL,
    CT_ENUM,
    CT_STRING,
    CT_LONG_LIST,
    CT_ENUM_SET,
    CT_ARGV,
    CT_U64,
    CT_TRISTATE
};

/* config_key.flags */
#define CK_MIN_EXCL 0x01u /* the range excludes min */
#define CK_MAX_EXCL 0x02u /* the range excludes max */
#define CK_NULL 0x04u     /* null allowed: 0 for numbers, NULL for strings, empty for lists */
#define CK_AUTO 0x08u     /* `auto` allowed: -1 (CT_LONG) */
#define CK_ZERO 0x10u     /* 0 allowed besides the range (stop_factor: 0 or > 1) */

struct config_key {
    const char *path; /* "sweep.start_lr" */
    enum config_type type;
    size_t offset;            /* into struct lrf_config */
    const char *const *names; /* CT_ENUM/CT_ENUM_SET: NULL-terminated value names */
    double min, max;          /* numeric range, inclusive */
    const char *def;          /* default as shown in the man page */
    const char *help;         /* one line for the man page */
    unsigned flags;           /* CK_* */
    size_t count_offset;      /* CT_LONG_LIST, CT_ARGV: the int holding the count */
    const char *meta;         /* name in the CSV meta line (config_meta_line), or NULL */
};

extern const struct config_key config_keys[];
extern const size_t config_nkeys;

/* Fill cfg with the built-in demo defaults (cfg is overwritten: config_free a loaded one first). */
void config_defaults(struct lrf_config *cfg);
/* Parse YAML text over the current values of cfg (name is used in messages), then run
 * config_validate. Loading can be repeated (a second file layers over the first). On error cfg
 * holds a mix of old and new values: report and config_free it. 0 or -1 with err.
 * end_lr and multiplier: giving one (non-null) drops the other's built-in default; giving both,
 * in one file or across files and --set, is an error (`null` withdraws a value given earlier). */
int config_load_string(struct lrf_config *cfg, const char *name, const char *text, size_t len,
                       struct lrf_error *err);
/* config_load_string on a file's contents; sets cfg->source. sweep.pace_ms starts from 0 (the
 * demo's slow motion is not a file's default). */
int config_load_file(struct lrf_config *cfg, const char *path, struct lrf_error *err);
/* Apply one "--set key.path=value" (value in YAML flow syntax; a section takes a flow mapping,
 * e.g. trainer.data={kind: xor}). Checks type and range; cross-field checks are left to
 * config_validate, to be called after the last --set. Errors name "--set" as the file, line 1,
 * and the column in the assignment. 0 or -1 with err. */
int config_set(struct lrf_config *cfg, const char *assignment, struct lrf_error *err);
/* Cross-field checks (end_lr vs multiplier etc.), run after loading and after --set. */
int config_validate(const struct lrf_config *cfg, struct lrf_error *err);
/* Free the strings owned by cfg (a struct copy shares them: free one copy only); cfg is zeroed. */
void config_free(struct lrf_config *cfg);
/* The nearest valid key to a misspelt one (edit distance), or NULL. */
const char *config_nearest_key(const char *path);
/* The sweep settings, one "key=value" per setting separated by spaces (for the CSV meta line):
 * the keys whose table entry has a meta name, DESIGN.md's first, e.g. "start_lr=1e-07 end_lr=10
 * iterations=100 smoothing=0.98 trainer=builtin mode=exponential stop_factor=4 skip_start=auto
 * skip_end=5 seed=42" (a null end_lr or multiplier is left out). 0, or -1 when it did not fit
 * (buf then holds a truncated line). */
int config_meta_line(const struct lrf_config *cfg, char *buf, size_t size);
/* Was the key (e.g. "sweep.smoothing") given by a file or --set, rather than left at the
 * built-in default? */
bool config_given(const struct lrf_config *cfg, const char *path);
/* Emit the settings used as a JSON object on one line (no newline) / as YAML lines with the
 * given indent (nested sections, flow lists); both read back with config_load_string. */
void config_emit_json(const struct lrf_config *cfg, FILE *fp);
void config_emit_yaml(const struct lrf_config *cfg, FILE *fp, int indent);
/* Rewrite the YAML file at path so that each (key, value) pair in keys/values holds, keeping
 * comments and layout: scalars are spliced in at the positions libyaml reports; a missing key
 * is added to its section (block: a line with the section's indentation after its last entry;
 * flow: ", key: value" after its last pair), and a missing section is created after the last
 * entry of its parent (at the end of the file, after its closing comments, for a top-level one).
 * A comment after a value keeps its column where the blanks allow; a block sequence ("- 64"
 * lines) takes a new list item by item, so the comments on its lines stay. New lines end as the
 * file's do (\n or \r\n). Values are YAML flow text ("1.3", "[32, 32]", "null") on one line.
 * Exclusive keys: writing a non-null sweep.multiplier
 * into a file that gives sweep.end_lr replaces that end_lr value by `null` in place (and vice
 * versa), so the line, its comment and the layout stay and the file stays valid. The new text
 * must load (config_load_string over the defaults) before it replaces the file, atomically.
 * The file must be UTF-8. 0 or -1 with err (the file is then unchanged). */
int config_write_back(const char *path, const char *const *keys, const char *const *values,
                      size_t n, struct lrf_error *err);
/* The roff list of keys for the man page (.TP entries: path, help, type and default), as it
 * goes between the lines `.\" BEGIN CONFIG KEYS` and `.\" END CONFIG KEYS` of man/lrfind.1. */
void config_print_man(FILE *fp);
/* The table entry of a key path, or NULL. */
const struct config_key *config_key_find(const char *path);
/* v in the shortest of %.15g, %.16g, %.17g that reads back exactly (strtod) into buf: the
 * one formatter for rates and losses printed to people and to YAML/JSON. */
void config_format_double(double v, char *buf, size_t size);

/* Internal: the YAML tree shared by the loader and the write-back (libyaml event API; anchors
 * and aliases refused; nesting at most CONFIG_TREE_DEPTH). Marks are 1-based line and column
 * (column in characters, col_off added on line 1) and a byte offset into the text. */
#define CONFIG_TREE_DEPTH 32
enum config_node_kind { CN_SCALAR, CN_SEQ, CN_MAP };
struct config_mark {
    int line, column;
    size_t byte;
};
struct config_node {
    enum config_node_kind kind;
    struct config_mark start, end; /* end: just past the node */
    struct config_mark close;      /* seq/map: where the closing event starts (flow: at ] or }) */
    bool flow;                     /* seq/map in flow style */
    bool plain;                    /* scalar: plain (unquoted, not a block scalar) */
    char *text;                    /* scalar value, NUL-terminated */
    size_t len;
    struct config_node **kids; /* seq: items; map: key, value, key, value... */
    size_t n;
};
/* Parse text into *root (NULL for a stream without a document). 0 or -1 with err. */
int config_tree_parse(const char *name, int col_off, const char *text, size_t len,
                      struct config_node **root, struct lrf_error *err);
void config_tree_free(struct config_node *node);
/* A plain null scalar: empty, ~, null, Null, NULL. */
bool config_node_is_null(const struct config_node *node);
/* The key that excludes path (sweep.end_lr <-> sweep.multiplier), or NULL. */
const char *config_exclusive_partner(const char *path);
/* Read a whole config file (at most 16 MiB) into *text (malloc'd, not NUL-terminated). */
int config_read_file(const char *path, char **text, size_t *len, struct lrf_error *err);
/* The section paths ("sweep", "trainer.data", ...), parents first, NULL-terminated. */
extern const char *const config_sections[];

#endif
