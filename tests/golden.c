/* golden.c: golden-file checks shared by the tests that render screens. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "golden.h"

char *read_all(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    size_t cap = 1 << 16, len = 0, k;
    char *buf = malloc(cap);
    while (buf != NULL && (k = fread(buf + len, 1, cap - len - 1, fp)) > 0) {
        len += k;
        if (len + 1 >= cap) {
            char *nb = realloc(buf, cap *= 2);
            if (nb == NULL)
                free(buf);
            buf = nb;
        }
    }
    if (buf != NULL)
        buf[len] = '\0';
    fclose(fp);
    return buf;
}

char *grid_text_color(const struct grid *g, bool color)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_non_null(fp);
    assert_int_equal(grid_print(fp, g, color), 0);
    fclose(fp);
    return buf;
}

char *grid_text(const struct grid *g)
{
    return grid_text_color(g, false);
}

void check_golden(const char *name, const char *text)
{
    const char *top = getenv("top_srcdir");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/golden/%s", top && *top ? top : ".", name);
    const char *upd = getenv("LRFIND_UPDATE_GOLDEN");
    if (upd && strcmp(upd, "1") == 0) {
        FILE *fp = fopen(path, "wb");
        if (fp == NULL) {
            print_error("cannot write %s\n", path);
            fail();
        }
        fputs(text, fp);
        fclose(fp);
        return;
    }
    char *want = read_all(path);
    if (want == NULL) {
        print_error("missing golden file %s (set LRFIND_UPDATE_GOLDEN=1 to create it)\n", path);
        fail();
    }
    if (strcmp(want, text) != 0) {
        int line = 1; /* report the first differing line */
        const char *a = want, *b = text;
        while (*a && *a == *b) {
            if (*a == '\n')
                line++;
            a++, b++;
        }
        print_error("%s differs from the rendering at line %d; got:\n%s\n", path, line, text);
        free(want);
        fail();
    }
    free(want);
}
