/* result.c: the result of a sweep as a human table, JSON (one object a line) or YAML.
 * Numbers are the shortest of %.15g / %.16g / %.17g that reads back identically; NaN and
 * infinities are null in JSON and .nan / .inf in YAML. Strings are JSON string literals, which
 * are also valid YAML double-quoted scalars. */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lrfind/atomic.h"
#include "lrfind/config.h"
#include "lrfind/result.h"

int result_format_parse(const char *s)
{
    if (strcmp(s, "text") == 0)
        return RESULT_TEXT;
    if (strcmp(s, "json") == 0)
        return RESULT_JSON;
    if (strcmp(s, "yaml") == 0)
        return RESULT_YAML;
    return -1;
}

/* A JSON number, or null when x is not finite. */
static void json_number(FILE *fp, double x)
{
    char buf[32];
    if (isfinite(x))
        config_format_double(x, buf, sizeof buf);
    fputs(isfinite(x) ? buf : "null", fp);
}

/* A YAML float that YAML 1.1 and 1.2 resolvers both read as a float ("1.0e-07", not "1e-07"). */
static void yaml_number(FILE *fp, double x)
{
    if (isnan(x)) {
        fputs(".nan", fp);
        return;
    }
    if (isinf(x)) {
        fputs(x > 0 ? ".inf" : "-.inf", fp);
        return;
    }
    char buf[32];
    config_format_double(x, buf, sizeof buf);
    if (strchr(buf, '.') == NULL) {
        char *e = strchr(buf, 'e');
        if (e == NULL) {
            fprintf(fp, "%s.0", buf);
        } else {
            fprintf(fp, "%.*s.0%s", (int)(e - buf), buf, e);
        }
        return;
    }
    fputs(buf, fp);
}

/* Length of the valid UTF-8 sequence at s (1..4) and its code point, or 0 when invalid. */
static int utf8_decode(const unsigned char *s, uint32_t *cp)
{
    unsigned char c = s[0];
    int n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) /* also stops at the NUL terminator */
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

void json_write_string(FILE *fp, const char *s)
{
    if (s == NULL) {
        fputs("null", fp);
        return;
    }
    fputc('"', fp);
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        int n = utf8_decode(p, &cp);
        if (n == 0) {
            fputs("\\ufffd", fp); /* not UTF-8: the replacement character */
            p++;
            continue;
        }
        if (cp == '"' || cp == '\\') {
            fputc('\\', fp);
            fputc((int)cp, fp);
        } else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF ||
                   cp == 0xFFFE || cp == 0xFFFF) {
            /* Controls, and what YAML readers refuse unescaped (C1 controls, BOM, non-characters). */
            fprintf(fp, "\\u%04x", (unsigned)cp);
        } else {
            fwrite(p, 1, (size_t)n, fp);
        }
        p += n;
    }
    fputc('"', fp);
}

static bool method_listed(const struct result *r, int m)
{
    return (r->methods & (1u << m)) != 0;
}

static void print_json(FILE *fp, const struct result *r)
{
    fputc('{', fp);
    if (r->file != NULL) {
        fputs("\"file\": ", fp);
        json_write_string(fp, r->file);
        fputs(", ", fp);
    }
    fprintf(fp, "\"points\": %zu, \"stop\": {\"reason\": ", r->points);
    json_write_string(fp, stop_reason_name(r->stop));
    if (r->stop == STOP_NONE)
        fputs(", \"index\": null}", fp);
    else
        fprintf(fp, ", \"index\": %zu}", r->stop_index);
    fprintf(fp, ", \"window\": [%zu, %zu], \"suggestions\": {", r->window[0], r->window[1]);
    bool first = true;
    for (int m = 0; m < SUGGEST_COUNT; m++) {
        if (!method_listed(r, m))
            continue;
        fputs(first ? "" : ", ", fp);
        first = false;
        json_write_string(fp, suggest_name((enum suggest_method)m));
        if (r->sugg[m].ok) {
            fputs(": {\"lr\": ", fp);
            json_number(fp, r->sugg[m].lr);
            fprintf(fp, ", \"index\": %zu}", r->sugg[m].index);
        } else {
            fputs(": null", fp);
        }
    }
    fputc('}', fp);
    if (r->has_pick) {
        fputs(", \"pick\": {\"lr\": ", fp);
        json_number(fp, r->pick_lr);
        if (r->pick_source != NULL) {
            fputs(", \"source\": ", fp);
            json_write_string(fp, r->pick_source);
        }
        fputc('}', fp);
    } else {
        fputs(", \"pick\": null", fp);
    }
    if (r->trainer_name != NULL) {
        fputs(", \"trainer\": {\"name\": ", fp);
        json_write_string(fp, r->trainer_name);
        if (r->trainer_info != NULL) {
            fputs(", \"info\": ", fp);
            json_write_string(fp, r->trainer_info);
        }
        fputc('}', fp);
    }
    if (r->cfg != NULL) {
        fputs(", \"settings\": ", fp);
        config_emit_json(r->cfg, fp);
    }
    if (r->wall_s >= 0) {
        fputs(", \"wall_s\": ", fp);
        json_number(fp, r->wall_s);
    }
    if (r->steps_per_s >= 0) {
        fputs(", \"steps_per_s\": ", fp);
        json_number(fp, r->steps_per_s);
    }
    fputc('}', fp);
}

static void print_yaml(FILE *fp, const struct result *r)
{
    if (r->file != NULL) {
        fputs("file: ", fp);
        json_write_string(fp, r->file);
        fputc('\n', fp);
    }
    fprintf(fp, "points: %zu\nstop:\n  reason: %s\n", r->points, stop_reason_name(r->stop));
    if (r->stop == STOP_NONE)
        fputs("  index: null\n", fp);
    else
        fprintf(fp, "  index: %zu\n", r->stop_index);
    fprintf(fp, "window: [%zu, %zu]\n", r->window[0], r->window[1]);
    bool any = false;
    for (int m = 0; m < SUGGEST_COUNT; m++)
        any = any || method_listed(r, m);
    fputs(any ? "suggestions:\n" : "suggestions: {}\n", fp);
    for (int m = 0; m < SUGGEST_COUNT; m++) {
        if (!method_listed(r, m))
            continue;
        fprintf(fp, "  %s:", suggest_name((enum suggest_method)m));
        if (r->sugg[m].ok) {
            fputs("\n    lr: ", fp);
            yaml_number(fp, r->sugg[m].lr);
            fprintf(fp, "\n    index: %zu\n", r->sugg[m].index);
        } else {
            fputs(" null\n", fp);
        }
    }
    if (r->has_pick) {
        fputs("pick:\n  lr: ", fp);
        yaml_number(fp, r->pick_lr);
        fputc('\n', fp);
        if (r->pick_source != NULL) {
            fputs("  source: ", fp);
            json_write_string(fp, r->pick_source);
            fputc('\n', fp);
        }
    } else {
        fputs("pick: null\n", fp);
    }
    if (r->trainer_name != NULL) {
        fputs("trainer:\n  name: ", fp);
        json_write_string(fp, r->trainer_name);
        fputc('\n', fp);
        if (r->trainer_info != NULL) {
            fputs("  info: ", fp);
            json_write_string(fp, r->trainer_info);
            fputc('\n', fp);
        }
    }
    if (r->cfg != NULL) {
        fputs("settings:\n", fp);
        config_emit_yaml(r->cfg, fp, 2);
    }
    if (r->wall_s >= 0) {
        fputs("wall_s: ", fp);
        yaml_number(fp, r->wall_s);
        fputc('\n', fp);
    }
    if (r->steps_per_s >= 0) {
        fputs("steps_per_s: ", fp);
        yaml_number(fp, r->steps_per_s);
        fputc('\n', fp);
    }
}

/* A table for people: one row a method, then the stop, the pick and the timing. */
static void print_text(FILE *fp, const struct result *r)
{
    if (r->file != NULL)
        fprintf(fp, "%s\n", r->file);
    fprintf(fp, "  %-9s %-12s %s\n", "method", "lr", "index");
    for (int m = 0; m < SUGGEST_COUNT; m++) {
        if (!method_listed(r, m))
            continue;
        const char *name = suggest_name((enum suggest_method)m);
        if (r->sugg[m].ok)
            fprintf(fp, "  %-9s %-12.4e %zu\n", name, r->sugg[m].lr, r->sugg[m].index);
        else
            fprintf(fp, "  %-9s %-12s\n", name, "none (too few points)");
    }
    if (r->has_pick)
        fprintf(fp, "  pick      %-12.4e %s\n", r->pick_lr, r->pick_source != NULL ? r->pick_source : "");
    fprintf(fp, "  %zu points, stop: %s", r->points, stop_reason_name(r->stop));
    if (r->stop != STOP_NONE)
        fprintf(fp, " at index %zu", r->stop_index);
    fprintf(fp, ", window [%zu, %zu)", r->window[0], r->window[1]);
    if (r->wall_s >= 0)
        fprintf(fp, ", %.3g s", r->wall_s);
    if (r->steps_per_s >= 0)
        fprintf(fp, ", %.4g steps/s", r->steps_per_s);
    fputc('\n', fp);
}

void result_print(FILE *fp, const struct result *r, enum result_format fmt)
{
    /* Numbers in the C locale: a decimal comma would break JSON and YAML. */
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = c != (locale_t)0 ? uselocale(c) : (locale_t)0;
    switch (fmt) {
    case RESULT_JSON:
        print_json(fp, r);
        break;
    case RESULT_YAML:
        print_yaml(fp, r);
        break;
    case RESULT_TEXT:
    default:
        print_text(fp, r);
        break;
    }
    if (c != (locale_t)0) {
        uselocale(old);
        freelocale(c);
    }
}

int result_save(const char *path, const struct result *r, struct lrf_error *err)
{
    size_t n = strlen(path);
    bool json = n >= 5 && strcasecmp(path + n - 5, ".json") == 0;
    struct atomic_file af;
    if (atomic_open(&af, path, err) != 0)
        return -1;
    result_print(af.fp, r, json ? RESULT_JSON : RESULT_YAML);
    if (json)
        fputc('\n', af.fp);
    return atomic_commit(&af, err);
}
