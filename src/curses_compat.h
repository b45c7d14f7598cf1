/* curses_compat.h: the one place that includes curses (wide-character ncursesw). */
#ifndef LRFIND_CURSES_COMPAT_H
#define LRFIND_CURSES_COMPAT_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>

#endif
