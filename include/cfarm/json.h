/*
 * cfarm/json.h: a small JSON reader and writer.
 *
 * The reader builds a read-only tree owned by a cf_json_doc. Numbers keep their source text so
 * that 64- and 128-bit integers survive exactly (cf_json_u64 converts); strings are decoded to
 * NUL-terminated UTF-8 (a "\u0000" escape is refused). Nesting depth is capped; memory used is
 * bounded by a small multiple of the input length. Input is untrusted: malformed text fails with
 * CF_ERR_JSON and a detail giving the offset.
 *
 * The writer appends to a cf_buf, adding commas and (optionally) indentation.
 */
#ifndef CFARM_JSON_H
#define CFARM_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfarm/buf.h"
#include "cfarm/err.h"

enum cf_json_type {
    CF_JSON_NULL,
    CF_JSON_FALSE,
    CF_JSON_TRUE,
    CF_JSON_NUMBER,
    CF_JSON_STRING,
    CF_JSON_ARRAY,
    CF_JSON_OBJECT,
};

struct cf_json {
    enum cf_json_type type;
    const char *str;       /* STRING: decoded text; NUMBER: the number's source text */
    size_t len;            /* bytes in str */
    const char *key;       /* member name when this value sits in an object, else NULL */
    size_t count;          /* ARRAY/OBJECT: number of children */
    struct cf_json *child; /* ARRAY/OBJECT: first child */
    struct cf_json *next;  /* next sibling */
};

struct cf_json_doc;

#define CF_JSON_MAX_DEPTH 64

/* Parse len bytes of text. On success *out owns the tree; free it with cf_json_free. */
enum cf_err cf_json_parse(const char *text, size_t len, struct cf_json_doc **out);
const struct cf_json *cf_json_root(const struct cf_json_doc *doc);
void cf_json_free(struct cf_json_doc *doc);

/* Member of an object by name (first match), or NULL (also when v is not an object). */
const struct cf_json *cf_json_get(const struct cf_json *v, const char *key);
/* Element i of an array, or NULL. Linear in i: iterate with child/next for whole arrays. */
const struct cf_json *cf_json_at(const struct cf_json *v, size_t i);
/* The string of a STRING value, or NULL. */
const char *cf_json_string(const struct cf_json *v);
/* Unsigned integer from a NUMBER (no sign, fraction or exponent) or a decimal STRING. */
enum cf_err cf_json_u64(const struct cf_json *v, uint64_t *out);
enum cf_err cf_json_i64(const struct cf_json *v, int64_t *out);
/* 128-bit unsigned as two halves, from a NUMBER or decimal STRING. */
enum cf_err cf_json_u128(const struct cf_json *v, uint64_t *hi, uint64_t *lo);
bool cf_json_is_true(const struct cf_json *v);

/* Read a whole file (at most max bytes) into a NUL-terminated heap buffer the caller frees. */
enum cf_err cf_read_file(const char *path, size_t max, char **out, size_t *len);

/* Writer. */
struct cf_jw {
    struct cf_buf *out;
    int depth;
    int indent;            /* spaces per level; 0 writes compact JSON */
    bool need_comma[CF_JSON_MAX_DEPTH + 1];
    bool after_key;
    enum cf_err err;       /* first error; later calls do nothing */
};

void cf_jw_init(struct cf_jw *w, struct cf_buf *out, int indent);
void cf_jw_obj_begin(struct cf_jw *w);
void cf_jw_obj_end(struct cf_jw *w);
void cf_jw_arr_begin(struct cf_jw *w);
void cf_jw_arr_end(struct cf_jw *w);
void cf_jw_key(struct cf_jw *w, const char *key);
void cf_jw_str(struct cf_jw *w, const char *s);
void cf_jw_strn(struct cf_jw *w, const char *s, size_t n);
/* Bytes as "0x..." hex (Chia's style), or plain hex when prefix is false. */
void cf_jw_hex(struct cf_jw *w, const uint8_t *p, size_t n, bool prefix);
void cf_jw_u64(struct cf_jw *w, uint64_t v);
void cf_jw_i64(struct cf_jw *w, int64_t v);
void cf_jw_u128(struct cf_jw *w, uint64_t hi, uint64_t lo);
void cf_jw_double(struct cf_jw *w, double v);
void cf_jw_bool(struct cf_jw *w, bool v);
void cf_jw_null(struct cf_jw *w);
/* Write a parsed value back out (numbers keep their text). */
void cf_jw_value(struct cf_jw *w, const struct cf_json *v);

#endif
