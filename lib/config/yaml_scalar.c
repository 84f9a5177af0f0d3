/*
 * yaml_scalar.c: typed reading of scalars, with YAML 1.1's implicit types as PyYAML (Chia's
 * loader) applies them, so a value means to cfarm what it means to Chia:
 *   null  ~, null, Null, NULL, or nothing            (plain only)
 *   bool  true/false/yes/no/on/off in lower, Title or UPPER case   (plain only)
 *   int   [-+]? then 0b binary, 0 octal, 0x hex or decimal, `_` allowed between digits
 * A quoted "120" is a string to Chia, so it is refused where an integer is expected; a tag
 * (`!!int "120"`) makes it an integer again. Errors name the key path and quote the value.
 */
#include "yaml_doc.h"

#include <stdio.h>
#include <string.h>

#define TAG_BOOL "tag:yaml.org,2002:bool"
#define TAG_INT "tag:yaml.org,2002:int"

/* The value as shown in an error: at most 60 bytes, control bytes as '?'. */
static const char *shown(const struct cf_config_node *n, char out[64])
{
    size_t i, len;

    if (n->type != YN_SCALAR) {
        snprintf(out, 64, "%s", n->type == YN_MAP ? "a mapping" : "a list");
        return out;
    }
    len = n->len < 60 ? n->len : 60;
    out[0] = '\'';
    for (i = 0; i < len; i++)
        out[i + 1] = (unsigned char)n->text[i] < 0x20 ? '?' : n->text[i];
    snprintf(out + i + 1, 64 - i - 1, "%s'", n->len > 60 ? "..." : "");
    return out;
}

static enum cf_err bad(const struct cf_config_node *n, const char *what, const char *expected)
{
    char v[64];

    return cf_err_set(CF_ERR_CONFIG, "%s: expected %s, got %s%s", what, expected, shown(n, v),
                      n->type == YN_SCALAR && !n->plain && !n->tag ? " (quoted: a string)" : "");
}

static bool one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

enum cf_err cf_config_node_bool(const struct cf_config_node *node, const char *what, bool *out)
{
    static const char *const yes[] = {"yes", "Yes", "YES", "true", "True", "TRUE",
                                      "on", "On", "ON", NULL};
    static const char *const no[] = {"no", "No", "NO", "false", "False", "FALSE",
                                     "off", "Off", "OFF", NULL};

    node = cf_yaml_deref(node);
    if (node->type == YN_SCALAR && (node->plain || (node->tag && !strcmp(node->tag, TAG_BOOL)))) {
        if (one_of(node->text, yes)) {
            *out = true;
            return CF_OK;
        }
        if (one_of(node->text, no)) {
            *out = false;
            return CF_OK;
        }
    }
    return bad(node, what, "true or false");
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

/* YAML 1.1 int text -> magnitude and sign; false when it is not an int. */
static bool parse_int(const char *s, size_t len, bool *neg, uint64_t *mag, bool *overflow)
{
    const char *end = s + len;
    unsigned base = 10;
    uint64_t v = 0;
    int digits = 0;

    *neg = false;
    *overflow = false;
    if (s < end && (*s == '-' || *s == '+'))
        *neg = *s++ == '-';
    if (end - s >= 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'x')) {
        base = s[1] == 'b' ? 2 : 16;
        s += 2;
    } else if (end - s >= 2 && s[0] == '0') {
        base = 8;
        s++;
    } else if (s < end && *s == '0' && end - s == 1) {
        *mag = 0;
        return true;
    } else if (s < end && *s == '_') {
        return false;
    }
    for (; s < end; s++) {
        int d;

        if (*s == '_')
            continue;
        d = digit_value(*s);
        if (d >= (int)base)
            return false;
        if (v > (UINT64_MAX - (uint64_t)d) / base)
            *overflow = true;
        v = v * base + (uint64_t)d;
        digits++;
    }
    *mag = v;
    return digits > 0;
}

enum cf_err cf_config_node_u64(const struct cf_config_node *node, const char *what, uint64_t min,
                               uint64_t max, uint64_t *out)
{
    bool neg, overflow;
    uint64_t v;
    char expected[96];

    node = cf_yaml_deref(node);
    if (min == 0)
        snprintf(expected, sizeof expected, "a non-negative integer (at most %llu)",
                 (unsigned long long)max);
    else
        snprintf(expected, sizeof expected, "an integer from %llu to %llu",
                 (unsigned long long)min, (unsigned long long)max);
    if (node->type != YN_SCALAR || !(node->plain || (node->tag && !strcmp(node->tag, TAG_INT))))
        return bad(node, what, expected);
    if (!parse_int(node->text, node->len, &neg, &v, &overflow) || (neg && v != 0) ||
        overflow || v < min || v > max)
        return bad(node, what, expected);
    *out = v;
    return CF_OK;
}

/* Find path; absent or null is CF_ERR_NOT_FOUND without a detail. */
static enum cf_err find_value(const struct cf_config *doc, const char *path,
                              const struct cf_config_node **out)
{
    enum cf_err err = cf_yaml_find(doc, NULL, path, out);

    if (err == CF_ERR_NOT_FOUND || (err == CF_OK && cf_config_node_kind(*out) == CF_CONFIG_NULL)) {
        cf_err_clear();
        return CF_ERR_NOT_FOUND;
    }
    return err;
}

enum cf_err cf_config_get_str(const struct cf_config *doc, const char *path, const char **out)
{
    const struct cf_config_node *n;
    enum cf_err err = find_value(doc, path, &n);

    if (err)
        return err;
    if (n->type != YN_SCALAR || strlen(n->text) != n->len)
        return bad(n, path, "a string");
    *out = n->text;
    return CF_OK;
}

enum cf_err cf_config_get_bool(const struct cf_config *doc, const char *path, bool *out)
{
    const struct cf_config_node *n;
    enum cf_err err = find_value(doc, path, &n);

    return err ? err : cf_config_node_bool(n, path, out);
}

enum cf_err cf_config_get_u64(const struct cf_config *doc, const char *path, uint64_t min,
                              uint64_t max, uint64_t *out)
{
    const struct cf_config_node *n;
    enum cf_err err = find_value(doc, path, &n);

    return err ? err : cf_config_node_u64(n, path, min, max, out);
}
