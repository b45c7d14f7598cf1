/* print_man_keys.c: print the roff list of config keys that goes between the lines
 * `.\" BEGIN CONFIG KEYS` and `.\" END CONFIG KEYS` of man/lrfind.1 (test_config checks it). */
#include "config.h"

#include <stdio.h>

#include "lrfind/config.h"

int main(void)
{
    config_print_man(stdout);
    return fflush(stdout) == 0 ? 0 : 1;
}
