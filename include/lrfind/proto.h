/* proto.h: the external-trainer line protocol, version 1 (see examples/PROTOCOL.md).
 * Pure functions: parse one line (without its newline) into a message, format the lines
 * lrfind sends, and split a byte stream into lines with a length limit. No I/O, no
 * allocation, locale-independent numbers; safe on arbitrary bytes (there is a fuzz target). */
#ifndef LRFIND_PROTO_H
#define LRFIND_PROTO_H

#include <stddef.h>

#include "lrfind/error.h"

#define PROTO_VERSION 1
/* The longest line accepted, in bytes, not counting the newline (nor a trailing '\r'). */
#define PROTO_MAX_LINE 4096

enum proto_kind {
    PROTO_HELLO, /* trainer: hello <version> [key=value ...] */
    PROTO_LOSS,  /* trainer: loss <value>   (nan, inf, -inf allowed) */
    PROTO_OK,    /* trainer: ok             (after reset) */
    PROTO_ERROR, /* either:  error <message> */
    PROTO_STEP,  /* lrfind:  step <lr> */
    PROTO_RESET, /* lrfind:  reset */
    PROTO_QUIT,  /* lrfind:  quit */
};

struct proto_msg {
    enum proto_kind kind;
    long version;    /* hello: the protocol version the trainer speaks (any positive number) */
    double value;    /* loss: the loss; step: the rate */
    char name[128];  /* hello name=..., "" when absent */
    char params[64]; /* hello params=..., "" when absent */
    char batch[64];  /* hello batch=..., "" when absent */
    char text[PROTO_MAX_LINE + 1]; /* error: the message, control characters replaced by '?' */
};

/* Parse one line (len bytes, no newline; a trailing '\r' is ignored) into msg.
 * Returns 0, or -1 with err->msg saying what is wrong (err->column is the 1-based byte). */
int proto_parse(const char *line, size_t len, struct proto_msg *msg, struct lrf_error *err);

/* The name of a kind as it appears on the wire ("hello", "loss", ...). */
const char *proto_kind_name(enum proto_kind kind);

/* Format "step <lr>\n" (round-trips exactly: %.17g in the C locale). Returns the length, or
 * -1 when buf is too small. */
int proto_format_step(char *buf, size_t size, double lr);
/* Format "loss <value>\n" (nan, inf, -inf spelt so). Returns the length or -1. */
int proto_format_loss(char *buf, size_t size, double loss);
/* Format "error <message>\n"; newlines and other control characters in the message become
 * spaces, and it is cut to fit PROTO_MAX_LINE. Returns the length or -1. */
int proto_format_error(char *buf, size_t size, const char *message);
/* Format "hello 1[ name=..][ params=..][ batch=..]\n" (NULL or "" fields are left out;
 * spaces in values become '_'). Returns the length or -1. */
int proto_format_hello(char *buf, size_t size, const char *name, const char *params,
                       const char *batch);

/* A byte stream cut into lines. Feed it what was read, then take lines until none is left. */
struct proto_lines {
    char buf[PROTO_MAX_LINE + 2]; /* one line plus '\r' slack */
    size_t len;                   /* bytes buffered */
    size_t start;                 /* where the unconsumed bytes begin */
    int overlong;                 /* a line went past PROTO_MAX_LINE */
};

void proto_lines_init(struct proto_lines *pl);
/* Where to read into (no copy): compacts the buffer and returns a pointer to *avail free
 * bytes; *avail is 0 when the buffer is full (proto_lines_next then returns 1 or -1). */
char *proto_lines_space(struct proto_lines *pl, size_t *avail);
/* Say that n bytes were written at proto_lines_space(). */
void proto_lines_commit(struct proto_lines *pl, size_t n);
/* Copy up to n bytes of data into the buffer; returns how many were taken (fewer when the
 * buffer is full: take lines, then feed the rest). */
size_t proto_lines_feed(struct proto_lines *pl, const char *data, size_t n);
/* Take the next complete line: 1 with *line and *len set (valid until the next call), 0 when no
 * complete line is buffered, -1 when the pending line is longer than PROTO_MAX_LINE. */
int proto_lines_next(struct proto_lines *pl, const char **line, size_t *len);
/* Bytes of an unfinished line still buffered (what was left when the peer closed). */
size_t proto_lines_pending(const struct proto_lines *pl);

#endif
