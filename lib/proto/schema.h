/*
 * proto/schema.h: the description of every class, which the generic walker (walk.c) reads to
 * decode, encode, free and convert to and from JSON. Internal to lib/proto.
 *
 * A type says how one value is laid out on the wire and in C; a class is a list of fields, each a
 * (name, offset in the struct, type, first and last protocol version that carries it). A field
 * whose position moved between versions appears twice with the same offset and disjoint version
 * ranges (NewSignagePoint.sp_source_data).
 */
#ifndef CFARM_PROTO_SCHEMA_H
#define CFARM_PROTO_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfarm/proto.h"

enum cf_kind {
    CF_K_U8,
    CF_K_U16,
    CF_K_U32,
    CF_K_U64,
    CF_K_U128,
    CF_K_I16,
    CF_K_BOOL,
    CF_K_FIXED,    /* n raw bytes, C uint8_t[n] */
    CF_K_G1,       /* 48 raw bytes, point hook */
    CF_K_G2,       /* 96 raw bytes, point hook */
    CF_K_BYTES,    /* struct cf_bytes */
    CF_K_STR,      /* struct cf_str */
    CF_K_LIST,     /* { T *items; size_t count; } */
    CF_K_OPTIONAL, /* { bool present; T v; }, v at val_off */
    CF_K_ARRAY,    /* n elements, no prefix, C T[n] */
    CF_K_CLASS,    /* a class or tuple, fields inline */
    CF_K_POS,      /* ProofOfSpace, custom layout */
};

struct cf_class_desc;

struct cf_type {
    enum cf_kind kind;
    size_t csize;                    /* sizeof the C value (list element stride) */
    size_t n;                        /* FIXED: bytes; ARRAY: elements */
    const struct cf_type *elem;      /* LIST, OPTIONAL, ARRAY */
    size_t val_off;                  /* OPTIONAL: offset of v */
    const struct cf_class_desc *cls; /* CLASS */
};

#define CF_VER_ANY_MIN 0
#define CF_VER_ANY_MAX 255

struct cf_field {
    const char *name;
    size_t off;
    const struct cf_type *type;
    uint8_t vmin, vmax; /* carried by versions vmin..vmax inclusive */
};

struct cf_class_desc {
    const char *name;      /* snake_case */
    const char *chia_name; /* Chia's class name */
    size_t size;           /* sizeof the C struct */
    const struct cf_field *fields;
    size_t nfields;
    bool tuple;                 /* JSON as an array */
    const struct cf_type *type; /* the CF_K_CLASS (or CF_K_POS) type of this class */
};

extern const struct cf_class_desc *const cf_schema_classes[CF_CLS__COUNT];

static inline bool cf_field_at(const struct cf_field *f, int ver)
{
    return ver >= f->vmin && ver <= f->vmax;
}

#endif
