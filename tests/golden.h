/* golden.h: golden-file checks shared by the tests that render screens.
 * Golden files live in $top_srcdir/tests/golden; LRFIND_UPDATE_GOLDEN=1 rewrites them. */
#ifndef LRFIND_TEST_GOLDEN_H
#define LRFIND_TEST_GOLDEN_H

#include <stdbool.h>

#include "lrfind/grid.h"

/* The whole file at path, NUL-terminated (malloc'ed), or NULL. */
char *read_all(const char *path);
/* The grid as grid_print writes it, with or without colours (malloc'ed). */
char *grid_text_color(const struct grid *g, bool color);
/* The same without colours. */
char *grid_text(const struct grid *g);
/* Fail unless text equals tests/golden/NAME byte for byte (or rewrite it). */
void check_golden(const char *name, const char *text);

#endif
