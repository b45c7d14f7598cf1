/* data.h: the built-in trainer's data sets. Synthetic sets (spiral, moons, blobs, xor,
 * regression) are drawn from an explicit RNG, so a seed fixes them. Files: CSV (numeric
 * features, a label column by name or index, header optional, class labels as integers or
 * strings mapped to classes in sorted order, or a float target for regression) and IDX (the
 * MNIST / Fashion-MNIST images + labels format). data_load does it all from a config: load,
 * limit, validation split, standardisation (statistics of the training part only).
 * Errors name file:line:column for text files and the byte offset for IDX files. */
#ifndef LRFIND_DATA_H
#define LRFIND_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "lrfind/error.h"
#include "lrfind/rng.h"

struct lrf_config;

#define DATA_MAX_CLASSES 10000

struct lrf_dataset {
    size_t n;           /* samples */
    size_t d;           /* features per sample */
    size_t classes;     /* >= 2 for classification; 0 for regression (targets in y) */
    float *x;           /* [n, d] row-major features */
    int32_t *label;     /* [n] class in [0, classes), classification only */
    float *y;           /* [n] target, regression only */
    char **class_names; /* [classes] the labels as written in a CSV file, else NULL */
    double y_mean, y_std; /* how y was standardised (y_std = 1: it was not) */
};

/* Free what ds owns and zero it. */
void data_free(struct lrf_dataset *ds);

/* Synthetic sets; each fills ds (freed first by the caller) and returns 0 or -1 with err. */
/* CS231n's spiral: `classes` arms of points_per_class points in 2-D, angular noise. */
int data_spiral(struct lrf_dataset *ds, size_t classes, size_t points_per_class, double noise,
                struct lrf_rng *r, struct lrf_error *err);
/* scikit-learn's make_moons: two interleaved half circles, 2 classes, Gaussian noise. */
int data_moons(struct lrf_dataset *ds, size_t points, double noise, struct lrf_rng *r,
               struct lrf_error *err);
/* Gaussian blobs around centres uniform in [-10, 10]^dimensions, standard deviation spread. */
int data_blobs(struct lrf_dataset *ds, size_t classes, size_t points_per_class, size_t dimensions,
               double spread, struct lrf_rng *r, struct lrf_error *err);
/* XOR: points uniform in [-1, 1]^2, class = sign(x0) != sign(x1), then Gaussian noise added. */
int data_xor(struct lrf_dataset *ds, size_t points, double noise, struct lrf_rng *r,
             struct lrf_error *err);
/* Regression: x uniform in [-3, 3]^dimensions,
 * y = sum_j (sin(1.5 x_j + j) + 0.1 x_j^2) / sqrt(dimensions) + noise N(0, 1). */
int data_regression(struct lrf_dataset *ds, size_t points, size_t dimensions, double noise,
                    struct lrf_rng *r, struct lrf_error *err);

/* CSV options. label: a column name, or a 0-based index ("-1" = last); NULL = last column.
 * header: -1 auto (a first row with a non-numeric feature cell is a header; a label given by
 * name implies one), 0 none, 1 present. regress: the label is a float target. */
struct data_csv_opts {
    const char *label;
    int header;
    int regress;
};

/* Parse CSV text (name is used in messages). Comma-separated, or tab/semicolon when the first
 * row has no comma; "quoted" fields; '#' comment lines and blank lines skipped; CRLF fine. */
int data_parse_csv(struct lrf_dataset *ds, const char *name, const char *text, size_t len,
                   const struct data_csv_opts *opts, struct lrf_error *err);
/* data_parse_csv on a file's contents. */
int data_load_csv(struct lrf_dataset *ds, const char *path, const struct data_csv_opts *opts,
                  struct lrf_error *err);
/* Parse IDX images (unsigned bytes, n x ...) and labels (unsigned bytes, n) held in memory;
 * pixels are scaled to [0, 1]. */
int data_parse_idx(struct lrf_dataset *ds, const char *images_name, const unsigned char *images,
                   size_t images_len, const char *labels_name, const unsigned char *labels,
                   size_t labels_len, struct lrf_error *err);
/* data_parse_idx on two files. A gzip file gets an error telling to gunzip it. */
int data_load_idx(struct lrf_dataset *ds, const char *images_path, const char *labels_path,
                  struct lrf_error *err);

/* Keep the first `limit` samples (0 or >= n: all). */
void data_limit(struct lrf_dataset *ds, size_t limit);
/* Move a random `fraction` (0 < fraction < 1; at least one sample, at least one left) of all
 * into val and the rest into train, in a random order drawn from r; all is consumed. */
int data_split(struct lrf_dataset *all, double fraction, struct lrf_rng *r,
               struct lrf_dataset *train, struct lrf_dataset *val, struct lrf_error *err);
/* Standardise features (and a regression target) to zero mean, unit variance with the
 * statistics of train, applied to train and to val (val may be NULL or empty). Constant
 * features become 0. */
void data_standardize(struct lrf_dataset *train, struct lrf_dataset *val);
/* Check that a classification set has at least two classes present; 0 or -1 with err. */
int data_check_classes(const struct lrf_dataset *ds, const char *name, struct lrf_error *err);

/* Everything the config asks for (trainer.data.* and trainer.seed): the training set and, when
 * data.validation > 0, the held-out set (else val is empty). 0 or -1 with err. */
int data_load(const struct lrf_config *cfg, struct lrf_dataset *train, struct lrf_dataset *val,
              struct lrf_error *err);
/* The class mapping of a CSV set, "setosa=0 versicolor=1 virginica=2" (empty when none),
 * truncated with "..." to size. Returns buf. */
const char *data_class_mapping(const struct lrf_dataset *ds, char *buf, size_t size);

#endif
