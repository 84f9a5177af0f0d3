/*
 * json.c: recursive-descent JSON reader with depth cap, and a streaming writer.
 *
 * Nodes and decoded strings live in one arena owned by the document; the arena's size is bounded
 * by the input length (every node consumes at least one input byte, and a decoded string is never
 * longer than its source), so hostile input cannot make it allocate more than a few times its size.
 */
#include "cfarm/json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct arena_block {
    struct arena_block *next;
    size_t used, size;
    _Alignas(16) unsigned char mem[];
};

struct cf_json_doc {
    struct arena_block *blocks;
    struct cf_json *root;
};

struct parser {
    const char *s;
    size_t n, pos;
    struct cf_json_doc *doc;
    int depth;
};

static void *arena_alloc(struct cf_json_doc *doc, size_t size)
{
    struct arena_block *b = doc->blocks;

    size = (size + 15) & ~(size_t)15;
    if (b == NULL || b->size - b->used < size) {
        size_t want = size > 65536 ? size : 65536;

        b = malloc(sizeof *b + want);
        if (b == NULL)
            return NULL;
        b->size = want;
        b->used = 0;
        b->next = doc->blocks;
        doc->blocks = b;
    }
    b->used += size;
    return b->mem + b->used - size;
}

static enum cf_err fail(struct parser *p, const char *what)
{
    return cf_err_set(CF_ERR_JSON, "JSON: %s at offset %zu", what, p->pos);
}

static void skip_ws(struct parser *p)
{
    while (p->pos < p->n) {
        char c = p->s[p->pos];

        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        p->pos++;
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static enum cf_err read_hex4(struct parser *p, unsigned *out)
{
    unsigned v = 0;

    if (p->n - p->pos < 4)
        return fail(p, "short \\u escape");
    for (int i = 0; i < 4; i++) {
        int h = hexval(p->s[p->pos + i]);

        if (h < 0)
            return fail(p, "bad \\u escape");
        v = v << 4 | (unsigned)h;
    }
    p->pos += 4;
    *out = v;
    return CF_OK;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* p->pos is just past the opening quote. The decoded text is never longer than the source. */
static enum cf_err parse_string(struct parser *p, const char **out, size_t *out_len)
{
    size_t start = p->pos, end = start, o = 0;
    char *buf;
    enum cf_err err;

    while (end < p->n && p->s[end] != '"') {
        if (p->s[end] == '\\')
            end++;
        end++;
    }
    if (end >= p->n)
        return fail(p, "unterminated string");
    buf = arena_alloc(p->doc, end - start + 1);
    if (buf == NULL)
        return CF_ERR_NOMEM;
    while (p->pos < end) {
        unsigned char c = (unsigned char)p->s[p->pos++];

        if (c < 0x20)
            return fail(p, "control character in string");
        if (c != '\\') {
            buf[o++] = (char)c;
            continue;
        }
        c = (unsigned char)p->s[p->pos++];
        switch (c) {
        case '"': buf[o++] = '"'; break;
        case '\\': buf[o++] = '\\'; break;
        case '/': buf[o++] = '/'; break;
        case 'b': buf[o++] = '\b'; break;
        case 'f': buf[o++] = '\f'; break;
        case 'n': buf[o++] = '\n'; break;
        case 'r': buf[o++] = '\r'; break;
        case 't': buf[o++] = '\t'; break;
        case 'u': {
            unsigned cp, lo;

            if ((err = read_hex4(p, &cp)) != CF_OK)
                return err;
            if (cp >= 0xdc00 && cp <= 0xdfff)
                return fail(p, "lone low surrogate");
            if (cp >= 0xd800 && cp <= 0xdbff) {
                if (p->n - p->pos < 2 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u')
                    return fail(p, "lone high surrogate");
                p->pos += 2;
                if ((err = read_hex4(p, &lo)) != CF_OK)
                    return err;
                if (lo < 0xdc00 || lo > 0xdfff)
                    return fail(p, "bad surrogate pair");
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            }
            if (cp == 0)
                return fail(p, "NUL in string");
            o += put_utf8(buf + o, cp);
            break;
        }
        default:
            return fail(p, "bad escape");
        }
    }
    p->pos = end + 1;
    buf[o] = '\0';
    *out = buf;
    *out_len = o;
    return CF_OK;
}

static enum cf_err parse_number(struct parser *p, struct cf_json *v)
{
    size_t start = p->pos;

    if (p->pos < p->n && p->s[p->pos] == '-')
        p->pos++;
    if (p->pos >= p->n || p->s[p->pos] < '0' || p->s[p->pos] > '9')
        return fail(p, "bad number");
    if (p->s[p->pos] == '0')
        p->pos++;
    else
        while (p->pos < p->n && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
            p->pos++;
    if (p->pos < p->n && p->s[p->pos] == '.') {
        p->pos++;
        if (p->pos >= p->n || p->s[p->pos] < '0' || p->s[p->pos] > '9')
            return fail(p, "bad fraction");
        while (p->pos < p->n && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
            p->pos++;
    }
    if (p->pos < p->n && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        p->pos++;
        if (p->pos < p->n && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
            p->pos++;
        if (p->pos >= p->n || p->s[p->pos] < '0' || p->s[p->pos] > '9')
            return fail(p, "bad exponent");
        while (p->pos < p->n && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
            p->pos++;
    }
    v->type = CF_JSON_NUMBER;
    v->str = p->s + start;
    v->len = p->pos - start;
    return CF_OK;
}

static enum cf_err parse_value(struct parser *p, struct cf_json **out);

static enum cf_err parse_container(struct parser *p, struct cf_json *v, char close)
{
    struct cf_json **tail = &v->child;
    enum cf_err err;

    if (++p->depth > CF_JSON_MAX_DEPTH)
        return fail(p, "nesting too deep");
    skip_ws(p);
    if (p->pos < p->n && p->s[p->pos] == close) {
        p->pos++;
        p->depth--;
        return CF_OK;
    }
    for (;;) {
        const char *key = NULL;
        size_t key_len = 0;
        struct cf_json *item;

        skip_ws(p);
        if (close == '}') {
            if (p->pos >= p->n || p->s[p->pos] != '"')
                return fail(p, "expected member name");
            p->pos++;
            if ((err = parse_string(p, &key, &key_len)) != CF_OK)
                return err;
            skip_ws(p);
            if (p->pos >= p->n || p->s[p->pos] != ':')
                return fail(p, "expected ':'");
            p->pos++;
        }
        if ((err = parse_value(p, &item)) != CF_OK)
            return err;
        item->key = key;
        *tail = item;
        tail = &item->next;
        v->count++;
        skip_ws(p);
        if (p->pos < p->n && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->n && p->s[p->pos] == close) {
            p->pos++;
            p->depth--;
            return CF_OK;
        }
        return fail(p, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static enum cf_err parse_literal(struct parser *p, const char *word, enum cf_json_type t,
                                 struct cf_json *v)
{
    size_t n = strlen(word);

    if (p->n - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
        return fail(p, "unexpected character");
    p->pos += n;
    v->type = t;
    return CF_OK;
}

static enum cf_err parse_value(struct parser *p, struct cf_json **out)
{
    struct cf_json *v;
    char c;

    skip_ws(p);
    if (p->pos >= p->n)
        return fail(p, "unexpected end");
    v = arena_alloc(p->doc, sizeof *v);
    if (v == NULL)
        return CF_ERR_NOMEM;
    memset(v, 0, sizeof *v);
    *out = v;
    c = p->s[p->pos];
    switch (c) {
    case '{':
        p->pos++;
        v->type = CF_JSON_OBJECT;
        return parse_container(p, v, '}');
    case '[':
        p->pos++;
        v->type = CF_JSON_ARRAY;
        return parse_container(p, v, ']');
    case '"':
        p->pos++;
        v->type = CF_JSON_STRING;
        return parse_string(p, &v->str, &v->len);
    case 't':
        return parse_literal(p, "true", CF_JSON_TRUE, v);
    case 'f':
        return parse_literal(p, "false", CF_JSON_FALSE, v);
    case 'n':
        return parse_literal(p, "null", CF_JSON_NULL, v);
    default:
        return parse_number(p, v);
    }
}

enum cf_err cf_json_parse(const char *text, size_t len, struct cf_json_doc **out)
{
    struct parser p = {.s = text, .n = len};
    enum cf_err err;

    *out = NULL;
    p.doc = calloc(1, sizeof *p.doc);
    if (p.doc == NULL)
        return CF_ERR_NOMEM;
    err = parse_value(&p, &p.doc->root);
    if (err == CF_OK) {
        skip_ws(&p);
        if (p.pos != p.n)
            err = fail(&p, "trailing characters");
    }
    if (err != CF_OK) {
        cf_json_free(p.doc);
        return err;
    }
    *out = p.doc;
    return CF_OK;
}

const struct cf_json *cf_json_root(const struct cf_json_doc *doc)
{
    return doc ? doc->root : NULL;
}

void cf_json_free(struct cf_json_doc *doc)
{
    if (doc == NULL)
        return;
    while (doc->blocks) {
        struct arena_block *b = doc->blocks;

        doc->blocks = b->next;
        free(b);
    }
    free(doc);
}

const struct cf_json *cf_json_get(const struct cf_json *v, const char *key)
{
    if (v == NULL || v->type != CF_JSON_OBJECT)
        return NULL;
    for (const struct cf_json *c = v->child; c; c = c->next)
        if (strcmp(c->key, key) == 0)
            return c;
    return NULL;
}

const struct cf_json *cf_json_at(const struct cf_json *v, size_t i)
{
    const struct cf_json *c;

    if (v == NULL || (v->type != CF_JSON_ARRAY && v->type != CF_JSON_OBJECT) || i >= v->count)
        return NULL;
    for (c = v->child; i > 0; i--)
        c = c->next;
    return c;
}

const char *cf_json_string(const struct cf_json *v)
{
    return v && v->type == CF_JSON_STRING ? v->str : NULL;
}

bool cf_json_is_true(const struct cf_json *v)
{
    return v && v->type == CF_JSON_TRUE;
}

/* Decimal digits of v (a NUMBER or STRING holding only digits) into hi:lo, failing on overflow
 * past 2^128-1 or anything not a plain non-negative integer. */
static enum cf_err decimal_u128(const struct cf_json *v, uint64_t *hi, uint64_t *lo)
{
    unsigned __int128 acc = 0, max = ~(unsigned __int128)0;

    if (v == NULL || (v->type != CF_JSON_NUMBER && v->type != CF_JSON_STRING) || v->len == 0)
        return cf_err_set(CF_ERR_JSON, "expected an unsigned integer");
    for (size_t i = 0; i < v->len; i++) {
        unsigned d = (unsigned)(v->str[i] - '0');

        if (d > 9)
            return cf_err_set(CF_ERR_JSON, "expected an unsigned integer, got '%.*s'",
                              (int)(v->len > 40 ? 40 : v->len), v->str);
        if (acc > (max - d) / 10)
            return cf_err_set(CF_ERR_TOO_LARGE, "integer too large");
        acc = acc * 10 + d;
    }
    *hi = (uint64_t)(acc >> 64);
    *lo = (uint64_t)acc;
    return CF_OK;
}

enum cf_err cf_json_u128(const struct cf_json *v, uint64_t *hi, uint64_t *lo)
{
    return decimal_u128(v, hi, lo);
}

enum cf_err cf_json_u64(const struct cf_json *v, uint64_t *out)
{
    uint64_t hi, lo;
    enum cf_err err = decimal_u128(v, &hi, &lo);

    if (err != CF_OK)
        return err;
    if (hi != 0)
        return cf_err_set(CF_ERR_TOO_LARGE, "integer does not fit 64 bits");
    *out = lo;
    return CF_OK;
}

enum cf_err cf_json_i64(const struct cf_json *v, int64_t *out)
{
    struct cf_json tmp;
    uint64_t mag = 0;
    bool neg;
    enum cf_err err;

    if (v == NULL || (v->type != CF_JSON_NUMBER && v->type != CF_JSON_STRING) || v->len == 0)
        return cf_err_set(CF_ERR_JSON, "expected an integer");
    tmp = *v;
    neg = v->str[0] == '-';
    if (neg) {
        tmp.str++;
        tmp.len--;
    }
    if ((err = cf_json_u64(&tmp, &mag)) != CF_OK)
        return err;
    if (neg ? mag > (uint64_t)INT64_MAX + 1 : mag > (uint64_t)INT64_MAX)
        return cf_err_set(CF_ERR_TOO_LARGE, "integer does not fit a signed 64-bit value");
    *out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
    return CF_OK;
}

enum cf_err cf_read_file(const char *path, size_t max, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct cf_buf b;
    char chunk[65536];
    size_t n;
    enum cf_err err = CF_OK;

    if (f == NULL)
        return cf_err_set(CF_ERR_IO, "%s: %s", path, strerror(errno));
    cf_buf_init(&b, max);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if ((err = cf_buf_append(&b, chunk, n)) != CF_OK)
            break;
    if (err == CF_OK && ferror(f))
        err = cf_err_set(CF_ERR_IO, "%s: read error", path);
    if (err == CF_OK)
        err = cf_buf_terminate(&b);
    fclose(f);
    if (err != CF_OK) {
        cf_buf_free(&b);
        return err;
    }
    *len = b.len;
    *out = (char *)cf_buf_take(&b, NULL);
    return CF_OK;
}

/* ---- writer ---- */

void cf_jw_init(struct cf_jw *w, struct cf_buf *out, int indent)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->indent = indent;
}

static void jw_raw(struct cf_jw *w, const char *s, size_t n)
{
    if (w->err == CF_OK)
        w->err = cf_buf_append(w->out, s, n);
}

static void jw_newline(struct cf_jw *w)
{
    if (w->indent <= 0)
        return;
    jw_raw(w, "\n", 1);
    for (int i = 0; i < w->depth * w->indent; i++)
        jw_raw(w, " ", 1);
}

/* Separator before a value or key at the current depth. */
static void jw_pre(struct cf_jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0)
        return;
    if (w->need_comma[w->depth])
        jw_raw(w, ",", 1);
    w->need_comma[w->depth] = true;
    jw_newline(w);
}

static void jw_open(struct cf_jw *w, char c)
{
    jw_pre(w);
    jw_raw(w, &c, 1);
    if (w->depth >= CF_JSON_MAX_DEPTH) {
        if (w->err == CF_OK)
            w->err = cf_err_set(CF_ERR_TOO_LARGE, "JSON output nested too deeply");
        return;
    }
    w->depth++;
    w->need_comma[w->depth] = false;
}

static void jw_close(struct cf_jw *w, char c)
{
    bool had = w->need_comma[w->depth];

    if (w->depth > 0)
        w->depth--;
    if (had)
        jw_newline(w);
    jw_raw(w, &c, 1);
}

void cf_jw_obj_begin(struct cf_jw *w) { jw_open(w, '{'); }
void cf_jw_obj_end(struct cf_jw *w) { jw_close(w, '}'); }
void cf_jw_arr_begin(struct cf_jw *w) { jw_open(w, '['); }
void cf_jw_arr_end(struct cf_jw *w) { jw_close(w, ']'); }

static void jw_quoted(struct cf_jw *w, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";

    jw_raw(w, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

        if (c == '"' || c == '\\') {
            esc[1] = (char)c;
            jw_raw(w, esc, 2);
        } else if (c < 0x20) {
            jw_raw(w, esc, 6);
        } else {
            jw_raw(w, (const char *)&c, 1);
        }
    }
    jw_raw(w, "\"", 1);
}

void cf_jw_key(struct cf_jw *w, const char *key)
{
    jw_pre(w);
    jw_quoted(w, key, strlen(key));
    jw_raw(w, w->indent > 0 ? ": " : ":", w->indent > 0 ? 2 : 1);
    w->after_key = true;
}

void cf_jw_strn(struct cf_jw *w, const char *s, size_t n)
{
    jw_pre(w);
    jw_quoted(w, s, n);
}

void cf_jw_str(struct cf_jw *w, const char *s)
{
    cf_jw_strn(w, s, strlen(s));
}

void cf_jw_hex(struct cf_jw *w, const uint8_t *p, size_t n, bool prefix)
{
    static const char hex[] = "0123456789abcdef";
    char chunk[128];
    size_t o = 0;

    jw_pre(w);
    jw_raw(w, prefix ? "\"0x" : "\"", prefix ? 3 : 1);
    for (size_t i = 0; i < n; i++) {
        chunk[o++] = hex[p[i] >> 4];
        chunk[o++] = hex[p[i] & 15];
        if (o == sizeof chunk) {
            jw_raw(w, chunk, o);
            o = 0;
        }
    }
    jw_raw(w, chunk, o);
    jw_raw(w, "\"", 1);
}

void cf_jw_u64(struct cf_jw *w, uint64_t v)
{
    char t[24];
    int n = snprintf(t, sizeof t, "%llu", (unsigned long long)v);

    jw_pre(w);
    jw_raw(w, t, (size_t)n);
}

void cf_jw_i64(struct cf_jw *w, int64_t v)
{
    char t[24];
    int n = snprintf(t, sizeof t, "%lld", (long long)v);

    jw_pre(w);
    jw_raw(w, t, (size_t)n);
}

void cf_jw_u128(struct cf_jw *w, uint64_t hi, uint64_t lo)
{
    unsigned __int128 v = (unsigned __int128)hi << 64 | lo;
    char t[48];
    size_t i = sizeof t;

    do {
        t[--i] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v);
    jw_pre(w);
    jw_raw(w, t + i, sizeof t - i);
}

void cf_jw_double(struct cf_jw *w, double v)
{
    char t[40];
    int n = snprintf(t, sizeof t, "%.6g", v);

    jw_pre(w);
    jw_raw(w, t, (size_t)n);
}

void cf_jw_bool(struct cf_jw *w, bool v)
{
    jw_pre(w);
    jw_raw(w, v ? "true" : "false", v ? 4 : 5);
}

void cf_jw_null(struct cf_jw *w)
{
    jw_pre(w);
    jw_raw(w, "null", 4);
}

void cf_jw_value(struct cf_jw *w, const struct cf_json *v)
{
    switch (v->type) {
    case CF_JSON_NULL: cf_jw_null(w); break;
    case CF_JSON_FALSE: cf_jw_bool(w, false); break;
    case CF_JSON_TRUE: cf_jw_bool(w, true); break;
    case CF_JSON_NUMBER:
        jw_pre(w);
        jw_raw(w, v->str, v->len);
        break;
    case CF_JSON_STRING: cf_jw_strn(w, v->str, v->len); break;
    case CF_JSON_ARRAY:
    case CF_JSON_OBJECT:
        if (v->type == CF_JSON_ARRAY)
            cf_jw_arr_begin(w);
        else
            cf_jw_obj_begin(w);
        for (const struct cf_json *c = v->child; c; c = c->next) {
            if (c->key)
                cf_jw_key(w, c->key);
            cf_jw_value(w, c);
        }
        if (v->type == CF_JSON_ARRAY)
            cf_jw_arr_end(w);
        else
            cf_jw_obj_end(w);
        break;
    }
}
