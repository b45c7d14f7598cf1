/* fuzz_config.c: libFuzzer target for the config parser. Input starting with '=' is fed to
 * config_set as "key=value" (the rest of the input), anything else to config_load_string; then
 * the emitters and the meta line run over whatever was loaded. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrfind/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lrf_config cfg;
    struct lrf_error err;
    config_defaults(&cfg);
    if (size > 0 && data[0] == '=') {
        char *s = malloc(size);
        if (s == NULL)
            return 0;
        memcpy(s, data + 1, size - 1);
        s[size - 1] = '\0';
        if (config_set(&cfg, s, &err) == 0)
            (void)config_validate(&cfg, &err);
        free(s);
    } else {
        (void)config_load_string(&cfg, "fuzz.yaml", (const char *)data, size, &err);
    }
    char meta[512];
    (void)config_meta_line(&cfg, meta, sizeof meta);
    FILE *null = fopen("/dev/null", "w");
    if (null != NULL) {
        config_emit_json(&cfg, null);
        config_emit_yaml(&cfg, null, 2);
        fclose(null);
    }
    config_free(&cfg);
    return 0;
}
