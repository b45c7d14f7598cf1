/* fuzz_proto.c: libFuzzer target for the trainer protocol's line parser and line splitter.
 * The input is a byte stream from a trainer: it is cut into lines (in chunks of varying
 * size, as recv() would deliver them), every line is parsed, and every number parsed is
 * formatted back and must read back the same. Build with --enable-fuzzing (clang). */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lrfind/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct proto_msg msg, again;
static struct proto_lines pl;

/* Parse one line; a parsed number must survive a format/parse round trip. */
static void check_line(const char *line, size_t len)
{
    struct lrf_error err;
    if (proto_parse(line, len, &msg, &err) != 0) {
        if (err.msg[0] == '\0' || err.column < 1)
            abort(); /* every error says what and where */
        return;
    }
    char buf[PROTO_MAX_LINE + 16];
    int n = -1;
    if (msg.kind == PROTO_LOSS)
        n = proto_format_loss(buf, sizeof buf, msg.value);
    else if (msg.kind == PROTO_STEP)
        n = proto_format_step(buf, sizeof buf, msg.value);
    else if (msg.kind == PROTO_ERROR)
        n = proto_format_error(buf, sizeof buf, msg.text);
    else if (msg.kind == PROTO_HELLO)
        n = proto_format_hello(buf, sizeof buf, msg.name, msg.params, msg.batch);
    if (n < 0) {
        if (msg.kind == PROTO_LOSS || msg.kind == PROTO_STEP || msg.kind == PROTO_ERROR)
            abort();
        return;
    }
    if (n == 0 || buf[n - 1] != '\n' || proto_parse(buf, (size_t)n - 1, &again, NULL) != 0)
        abort();
    if (again.kind != msg.kind)
        abort();
    if ((msg.kind == PROTO_LOSS || msg.kind == PROTO_STEP) && !(again.value == msg.value) &&
        !(isnan(again.value) && isnan(msg.value)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the whole input as one line */
    check_line((const char *)data, size);
    /* the input as a stream, fed in chunks sized by its first byte */
    size_t chunk = size > 0 ? 1 + data[0] * 37u : 1;
    proto_lines_init(&pl);
    size_t off = 0;
    for (;;) {
        const char *line;
        size_t len;
        int r;
        while ((r = proto_lines_next(&pl, &line, &len)) == 1) {
            if (len > PROTO_MAX_LINE + 1)
                abort();
            check_line(line, len);
        }
        if (r < 0 || off >= size)
            break;
        size_t n = size - off < chunk ? size - off : chunk;
        off += proto_lines_feed(&pl, (const char *)data + off, n);
    }
    return 0;
}
