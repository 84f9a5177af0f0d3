/*
 * walk.c: the generic codec. One walker per operation (decode, encode, free, to JSON, from JSON)
 * reads the class descriptions of schema.c, so no class is coded by hand except ProofOfSpace,
 * whose version bits live in an Optional flag byte (cfarm/proto.h draws the layout).
 *
 * Decoding is cursor-based and bounds-checked at every read (lib/codec). Lists are allocated
 * only after their count has been checked against the bytes that remain (count * minimum wire
 * size of an element <= remaining), so memory stays proportional to the input. Each failure
 * records a detail with the field path and the input offset where the failing value begins.
 */
#include "proto/schema.h"

#include "cfarm/bytes.h"
#include "cfarm/hex.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every list struct in proto.h has this layout (checked below). */
struct list_any {
    void *items;
    size_t count;
};
_Static_assert(offsetof(struct cf_list_plot, count) == offsetof(struct list_any, count),
               "list layout");
_Static_assert(sizeof(struct cf_list_b32) == sizeof(struct list_any), "list layout");

#define POS_MIN_WIRE (32 + 1 + 1 + CF_G1_LEN + 1 + 4)

struct walk {
    int ver;
    const uint8_t *start; /* decode: first input byte, for offsets */
    char path[256];
    size_t plen;
};

static void walk_init(struct walk *w, int ver, const uint8_t *start)
{
    w->ver = ver;
    w->start = start;
    w->path[0] = '\0';
    w->plen = 0;
}

/* Append ".name" (or "name" at the root) or "[i]" to the path; returns the mark to pop to. */
static size_t path_push(struct walk *w, const char *name, size_t index)
{
    size_t mark = w->plen;
    int k;

    if (name)
        k = snprintf(w->path + w->plen, sizeof w->path - w->plen, "%s%s", w->plen ? "." : "", name);
    else
        k = snprintf(w->path + w->plen, sizeof w->path - w->plen, "[%zu]", index);
    if (k > 0)
        w->plen += (size_t)k < sizeof w->path - w->plen ? (size_t)k : sizeof w->path - w->plen - 1;
    return mark;
}

static void path_pop(struct walk *w, size_t mark)
{
    w->plen = mark;
    w->path[mark] = '\0';
}

static const char *path_str(const struct walk *w)
{
    return w->plen ? w->path : "(body)";
}

static enum cf_err dec_fail(struct walk *w, enum cf_err err, const uint8_t *at, const char *fmt,
                            ...) __attribute__((format(printf, 4, 5)));

static enum cf_err dec_fail(struct walk *w, enum cf_err err, const uint8_t *at, const char *fmt,
                            ...)
{
    char why[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return cf_err_set(err, "%s at offset %zu: %s", path_str(w), (size_t)(at - w->start), why);
}

static enum cf_err path_fail(struct walk *w, enum cf_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum cf_err path_fail(struct walk *w, enum cf_err err, const char *fmt, ...)
{
    char why[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return cf_err_set(err, "%s: %s", path_str(w), why);
}

/* ---- sizes ---- */

static size_t min_wire(const struct cf_type *t, int ver)
{
    size_t sum = 0;

    switch (t->kind) {
    case CF_K_U8:
    case CF_K_BOOL:
    case CF_K_OPTIONAL:
        return 1;
    case CF_K_U16:
    case CF_K_I16:
        return 2;
    case CF_K_U32:
    case CF_K_BYTES:
    case CF_K_STR:
    case CF_K_LIST:
        return 4;
    case CF_K_U64:
        return 8;
    case CF_K_U128:
        return 16;
    case CF_K_FIXED:
    case CF_K_G1:
    case CF_K_G2:
        return t->n ? t->n : t->csize;
    case CF_K_ARRAY:
        return t->n * min_wire(t->elem, ver);
    case CF_K_POS:
        return POS_MIN_WIRE;
    case CF_K_CLASS:
        for (size_t i = 0; i < t->cls->nfields; i++)
            if (cf_field_at(&t->cls->fields[i], ver))
                sum += min_wire(t->cls->fields[i].type, ver);
        return sum;
    }
    return 1;
}

/* ---- decode ---- */

static enum cf_err dec_value(struct walk *w, const struct cf_type *t, const uint8_t **p, size_t *n,
                             uint8_t *dst);

static enum cf_err dec_fields(struct walk *w, const struct cf_class_desc *c, const uint8_t **p,
                              size_t *n, uint8_t *dst)
{
    for (size_t i = 0; i < c->nfields; i++) {
        const struct cf_field *f = &c->fields[i];
        size_t mark;
        enum cf_err err;

        if (!cf_field_at(f, w->ver))
            continue;
        mark = path_push(w, f->name, 0);
        err = dec_value(w, f->type, p, n, dst + f->off);
        if (err != CF_OK)
            return err;
        path_pop(w, mark);
    }
    return CF_OK;
}

static enum cf_err dec_point(struct walk *w, const struct cf_type *t, const uint8_t **p, size_t *n,
                             uint8_t *dst)
{
    const uint8_t *at = *p;
    enum cf_err err = cf_codec_get_fixed(p, n, dst, t->n);

    if (err != CF_OK)
        return dec_fail(w, err, at, "%zu-byte point, %zu bytes left", t->n, *n);
    err = t->kind == CF_K_G1 ? cf_codec_check_g1(dst) : cf_codec_check_g2(dst);
    if (err != CF_OK)
        return dec_fail(w, err, at, "invalid %s point", t->kind == CF_K_G1 ? "G1" : "G2");
    return CF_OK;
}

static enum cf_err dec_var(struct walk *w, const struct cf_type *t, const uint8_t **p, size_t *n,
                           uint8_t *dst)
{
    const uint8_t *at = *p, *data;
    size_t len;
    bool is_str = t->kind == CF_K_STR;
    enum cf_err err = cf_codec_get_var(p, n, &data, &len, is_str);
    uint8_t *copy;

    if (err == CF_ERR_BAD_UTF8)
        return dec_fail(w, err, at, "str is not valid UTF-8");
    if (err != CF_OK)
        return dec_fail(w, err, at, "%s length beyond the end of input", is_str ? "str" : "bytes");
    copy = malloc(len + 1);
    if (copy == NULL)
        return CF_ERR_NOMEM;
    if (len)
        memcpy(copy, data, len);
    copy[len] = 0;
    if (is_str) {
        struct cf_str *s = (struct cf_str *)(void *)dst;
        s->s = (char *)copy;
        s->len = len;
    } else {
        struct cf_bytes *b = (struct cf_bytes *)(void *)dst;
        b->data = copy;
        b->len = len;
    }
    return CF_OK;
}

static enum cf_err dec_list(struct walk *w, const struct cf_type *t, const uint8_t **p, size_t *n,
                            uint8_t *dst)
{
    const uint8_t *at = *p;
    size_t min = min_wire(t->elem, w->ver);
    uint32_t count;
    struct list_any l = {NULL, 0};
    enum cf_err err = cf_codec_get_count(p, n, min, &count);

    if (err == CF_ERR_TOO_LARGE)
        return dec_fail(w, err, at, "list count %u exceeds what %zu remaining bytes can hold",
                        (unsigned)cf_load_be32(at), *n - 4);
    if (err != CF_OK)
        return dec_fail(w, err, at, "list count, %zu bytes left", *n);
    if (count) {
        l.items = calloc(count, t->elem->csize);
        if (l.items == NULL)
            return CF_ERR_NOMEM;
        l.count = count;
    }
    memcpy(dst, &l, sizeof l); /* owned now, so a failure below is freed by the caller */
    for (size_t i = 0; i < count; i++) {
        size_t mark = path_push(w, NULL, i);

        err = dec_value(w, t->elem, p, n, (uint8_t *)l.items + i * t->elem->csize);
        if (err != CF_OK)
            return err;
        path_pop(w, mark);
    }
    return CF_OK;
}

static enum cf_err dec_int(struct walk *w, const struct cf_type *t, const uint8_t **p, size_t *n,
                           uint8_t *dst)
{
    const uint8_t *at = *p;
    enum cf_err err = CF_ERR_INVAL;

    switch (t->kind) {
    case CF_K_U8:
        err = cf_codec_get_u8(p, n, dst);
        break;
    case CF_K_U16:
        err = cf_codec_get_u16(p, n, (uint16_t *)(void *)dst);
        break;
    case CF_K_I16: {
        uint16_t u;

        err = cf_codec_get_u16(p, n, &u);
        if (err == CF_OK)
            *(int16_t *)(void *)dst = (int16_t)u;
        break;
    }
    case CF_K_U32:
        err = cf_codec_get_u32(p, n, (uint32_t *)(void *)dst);
        break;
    case CF_K_U64:
        err = cf_codec_get_u64(p, n, (uint64_t *)(void *)dst);
        break;
    case CF_K_U128:
        err = cf_codec_get_u128(p, n, (cf_u128 *)(void *)dst);
        break;
    case CF_K_BOOL:
        err = cf_codec_get_bool(p, n, (bool *)(void *)dst);
        if (err == CF_ERR_BAD_BOOL)
            return dec_fail(w, err, at, "bool byte 0x%02x", at[0]);
        break;
    case CF_K_FIXED:
        err = cf_codec_get_fixed(p, n, dst, t->n);
        break;
    default:
        break;
    }
    if (err != CF_OK)
        return dec_fail(w, err, at, "needs %zu bytes, %zu left", min_wire(t, w->ver), *n);
    return CF_OK;
}

static enum cf_err dec_pos(struct walk *w, const uint8_t **p, size_t *n, uint8_t *dst);

static enum cf_err dec_value(struct walk *w, const struct cf_type *t, const uint8_t **p, size_t *n,
                             uint8_t *dst)
{
    const uint8_t *at = *p;
    enum cf_err err;
    bool present;

    switch (t->kind) {
    case CF_K_G1:
    case CF_K_G2:
        return dec_point(w, t, p, n, dst);
    case CF_K_BYTES:
    case CF_K_STR:
        return dec_var(w, t, p, n, dst);
    case CF_K_LIST:
        return dec_list(w, t, p, n, dst);
    case CF_K_CLASS:
        return dec_fields(w, t->cls, p, n, dst);
    case CF_K_POS:
        return dec_pos(w, p, n, dst);
    case CF_K_OPTIONAL:
        err = cf_codec_get_optional(p, n, &present);
        if (err == CF_ERR_BAD_OPTIONAL)
            return dec_fail(w, err, at, "optional flag 0x%02x", at[0]);
        if (err != CF_OK)
            return dec_fail(w, err, at, "optional flag, no bytes left");
        *(bool *)(void *)dst = present;
        return present ? dec_value(w, t->elem, p, n, dst + t->val_off) : CF_OK;
    case CF_K_ARRAY:
        for (size_t i = 0; i < t->n; i++) {
            size_t mark = path_push(w, NULL, i);

            err = dec_value(w, t->elem, p, n, dst + i * t->elem->csize);
            if (err != CF_OK)
                return err;
            path_pop(w, mark);
        }
        return CF_OK;
    default:
        return dec_int(w, t, p, n, dst);
    }
}

/*
 * ProofOfSpace on the wire:
 *   challenge (32) | pool_public_key Optional[G1] (1 [+48])
 *   | flag (1) = version << 1 | has_contract_hash  [+ pool_contract_puzzle_hash (32)]
 *   | plot_public_key (48)
 *   | version 0: size (1)      version 1: plot_index (2) meta_group (1) strength (1)
 *   | proof bytes (4 + len)
 */
static enum cf_err dec_pos(struct walk *w, const uint8_t **p, size_t *n, uint8_t *dst)
{
    struct cf_proof_of_space *pos = (struct cf_proof_of_space *)(void *)dst;
    const struct cf_class_desc *c = cf_schema_classes[CF_CLS_PROOF_OF_SPACE];
    const uint8_t *at;
    uint8_t flag;
    size_t mark;
    enum cf_err err;

    /* challenge, pool_public_key: generic */
    for (size_t i = 0; i < 2; i++) {
        mark = path_push(w, c->fields[i].name, 0);
        err = dec_value(w, c->fields[i].type, p, n, dst + c->fields[i].off);
        if (err != CF_OK)
            return err;
        path_pop(w, mark);
    }
    mark = path_push(w, "pool_contract_puzzle_hash", 0);
    at = *p;
    if (cf_codec_get_u8(p, n, &flag) != CF_OK)
        return dec_fail(w, CF_ERR_EOF, at, "optional flag, no bytes left");
    if (flag >> 1 > 1)
        return dec_fail(w, CF_ERR_BAD_VALUE, at, "proof of space version %u (flag 0x%02x)",
                        (unsigned)(flag >> 1), flag);
    pos->version = flag >> 1;
    pos->pool_contract_puzzle_hash.present = flag & 1;
    if ((flag & 1) && (err = cf_codec_get_fixed(p, n, pos->pool_contract_puzzle_hash.v, 32)))
        return dec_fail(w, err, at + 1, "needs 32 bytes, %zu left", *n);
    path_pop(w, mark);
    for (size_t i = 3; i < c->nfields; i++) {
        const struct cf_field *f = &c->fields[i];
        bool v1_field = f->off == offsetof(struct cf_proof_of_space, plot_index) ||
                        f->off == offsetof(struct cf_proof_of_space, meta_group) ||
                        f->off == offsetof(struct cf_proof_of_space, strength);

        if (f->off == offsetof(struct cf_proof_of_space, version))
            continue;
        if ((pos->version == 0 && v1_field) ||
            (pos->version == 1 && f->off == offsetof(struct cf_proof_of_space, size)))
            continue;
        mark = path_push(w, f->name, 0);
        err = dec_value(w, f->type, p, n, dst + f->off);
        if (err != CF_OK)
            return err;
        path_pop(w, mark);
    }
    if (pos->version == 1 && pos->pool_public_key.present == pos->pool_contract_puzzle_hash.present)
        return dec_fail(w, CF_ERR_BAD_VALUE, *p,
                        "version 1 proof of space needs exactly one of pool_public_key and "
                        "pool_contract_puzzle_hash");
    return CF_OK;
}

/* ---- free ---- */

static void free_value(const struct cf_type *t, uint8_t *v)
{
    switch (t->kind) {
    case CF_K_BYTES:
        free(((struct cf_bytes *)(void *)v)->data);
        break;
    case CF_K_STR:
        free(((struct cf_str *)(void *)v)->s);
        break;
    case CF_K_OPTIONAL:
        free_value(t->elem, v + t->val_off);
        break;
    case CF_K_ARRAY:
        for (size_t i = 0; i < t->n; i++)
            free_value(t->elem, v + i * t->elem->csize);
        break;
    case CF_K_LIST: {
        struct list_any l;

        memcpy(&l, v, sizeof l);
        if (l.items == NULL)
            break;
        for (size_t i = 0; i < l.count; i++)
            free_value(t->elem, (uint8_t *)l.items + i * t->elem->csize);
        free(l.items);
        break;
    }
    case CF_K_CLASS:
    case CF_K_POS:
        for (size_t i = 0; i < t->cls->nfields; i++) {
            const struct cf_field *f = &t->cls->fields[i];
            bool seen = false;

            /* a field listed twice (moved between versions) is one member: free it once */
            for (size_t j = 0; j < i; j++)
                seen = seen || t->cls->fields[j].off == f->off;
            if (!seen)
                free_value(f->type, v + f->off);
        }
        break;
    default:
        break;
    }
}

/* ---- encode ---- */

static enum cf_err enc_value(struct walk *w, const struct cf_type *t, const uint8_t *v,
                             struct cf_buf *b);

static enum cf_err enc_fields(struct walk *w, const struct cf_class_desc *c, const uint8_t *v,
                              struct cf_buf *b)
{
    for (size_t i = 0; i < c->nfields; i++) {
        const struct cf_field *f = &c->fields[i];
        size_t mark;
        enum cf_err err;

        if (!cf_field_at(f, w->ver))
            continue;
        mark = path_push(w, f->name, 0);
        err = enc_value(w, f->type, v + f->off, b);
        if (err != CF_OK)
            return err;
        path_pop(w, mark);
    }
    return CF_OK;
}

static enum cf_err pos_check(struct walk *w, const struct cf_proof_of_space *pos)
{
    if (pos->version > 1)
        return path_fail(w, CF_ERR_BAD_VALUE, "proof of space version %u (0 or 1)",
                         (unsigned)pos->version);
    if (pos->version == 1 && pos->pool_public_key.present == pos->pool_contract_puzzle_hash.present)
        return path_fail(w, CF_ERR_BAD_VALUE,
                         "version 1 proof of space needs exactly one of pool_public_key and "
                         "pool_contract_puzzle_hash");
    return CF_OK;
}

static enum cf_err enc_pos(struct walk *w, const uint8_t *v, struct cf_buf *b)
{
    const struct cf_proof_of_space *pos = (const struct cf_proof_of_space *)(const void *)v;
    const struct cf_opt_b32 *ph = &pos->pool_contract_puzzle_hash;
    enum cf_err err = pos_check(w, pos);

    if (err == CF_OK)
        err = cf_codec_put_fixed(b, pos->challenge, 32);
    if (err == CF_OK)
        err = cf_codec_put_bool(b, pos->pool_public_key.present);
    if (err == CF_OK && pos->pool_public_key.present)
        err = cf_codec_put_fixed(b, pos->pool_public_key.v.bytes, CF_G1_LEN);
    if (err == CF_OK)
        err = cf_codec_put_u8(b, (uint8_t)(pos->version << 1 | (ph->present ? 1 : 0)));
    if (err == CF_OK && ph->present)
        err = cf_codec_put_fixed(b, ph->v, 32);
    if (err == CF_OK)
        err = cf_codec_put_fixed(b, pos->plot_public_key.bytes, CF_G1_LEN);
    if (err == CF_OK && pos->version == 0)
        err = cf_codec_put_u8(b, pos->size);
    if (err == CF_OK && pos->version == 1) {
        err = cf_codec_put_u16(b, pos->plot_index);
        if (err == CF_OK)
            err = cf_codec_put_u8(b, pos->meta_group);
        if (err == CF_OK)
            err = cf_codec_put_u8(b, pos->strength);
    }
    if (err == CF_OK)
        err = cf_codec_put_var(b, pos->proof.data, pos->proof.len, false);
    return err;
}

static enum cf_err enc_value(struct walk *w, const struct cf_type *t, const uint8_t *v,
                             struct cf_buf *b)
{
    enum cf_err err = CF_OK;

    switch (t->kind) {
    case CF_K_U8:
        return cf_codec_put_u8(b, *v);
    case CF_K_U16:
        return cf_codec_put_u16(b, *(const uint16_t *)(const void *)v);
    case CF_K_I16:
        return cf_codec_put_u16(b, (uint16_t) * (const int16_t *)(const void *)v);
    case CF_K_U32:
        return cf_codec_put_u32(b, *(const uint32_t *)(const void *)v);
    case CF_K_U64:
        return cf_codec_put_u64(b, *(const uint64_t *)(const void *)v);
    case CF_K_U128:
        return cf_codec_put_u128(b, *(const cf_u128 *)(const void *)v);
    case CF_K_BOOL:
        return cf_codec_put_bool(b, *(const bool *)(const void *)v);
    case CF_K_FIXED:
    case CF_K_G1:
    case CF_K_G2:
        return cf_codec_put_fixed(b, v, min_wire(t, 0));
    case CF_K_BYTES: {
        const struct cf_bytes *x = (const struct cf_bytes *)(const void *)v;

        err = cf_codec_put_var(b, x->data, x->len, false);
        break;
    }
    case CF_K_STR: {
        const struct cf_str *x = (const struct cf_str *)(const void *)v;

        err = cf_codec_put_var(b, (const uint8_t *)x->s, x->len, true);
        if (err == CF_ERR_BAD_UTF8)
            return path_fail(w, err, "str is not valid UTF-8");
        break;
    }
    case CF_K_OPTIONAL: {
        bool present = *(const bool *)(const void *)v;

        err = cf_codec_put_bool(b, present);
        if (err == CF_OK && present)
            err = enc_value(w, t->elem, v + t->val_off, b);
        return err;
    }
    case CF_K_ARRAY:
        for (size_t i = 0; i < t->n && err == CF_OK; i++)
            err = enc_value(w, t->elem, v + i * t->elem->csize, b);
        return err;
    case CF_K_LIST: {
        struct list_any l;

        memcpy(&l, v, sizeof l);
        err = cf_codec_put_count(b, l.count);
        for (size_t i = 0; i < l.count && err == CF_OK; i++) {
            size_t mark = path_push(w, NULL, i);

            err = enc_value(w, t->elem, (const uint8_t *)l.items + i * t->elem->csize, b);
            if (err == CF_OK)
                path_pop(w, mark);
        }
        return err;
    }
    case CF_K_CLASS:
        return enc_fields(w, t->cls, v, b);
    case CF_K_POS:
        return enc_pos(w, v, b);
    }
    if (err == CF_ERR_TOO_LARGE)
        return path_fail(w, err, "longer than 2^32-1 bytes");
    return err;
}

/* ---- to JSON ---- */

static void json_value(int ver, const struct cf_type *t, const uint8_t *v, struct cf_jw *jw);

static void json_fields(int ver, const struct cf_class_desc *c, const uint8_t *v, bool all,
                        struct cf_jw *jw)
{
    if (c->tuple)
        cf_jw_arr_begin(jw);
    else
        cf_jw_obj_begin(jw);
    for (size_t i = 0; i < c->nfields; i++) {
        const struct cf_field *f = &c->fields[i];

        if (!all && !cf_field_at(f, ver))
            continue;
        if (!c->tuple)
            cf_jw_key(jw, f->name);
        json_value(ver, f->type, v + f->off, jw);
    }
    if (c->tuple)
        cf_jw_arr_end(jw);
    else
        cf_jw_obj_end(jw);
}

static void json_value(int ver, const struct cf_type *t, const uint8_t *v, struct cf_jw *jw)
{
    switch (t->kind) {
    case CF_K_U8:
        cf_jw_u64(jw, *v);
        break;
    case CF_K_U16:
        cf_jw_u64(jw, *(const uint16_t *)(const void *)v);
        break;
    case CF_K_I16:
        cf_jw_i64(jw, *(const int16_t *)(const void *)v);
        break;
    case CF_K_U32:
        cf_jw_u64(jw, *(const uint32_t *)(const void *)v);
        break;
    case CF_K_U64:
        cf_jw_u64(jw, *(const uint64_t *)(const void *)v);
        break;
    case CF_K_U128: {
        cf_u128 x = *(const cf_u128 *)(const void *)v;

        cf_jw_u128(jw, (uint64_t)(x >> 64), (uint64_t)x);
        break;
    }
    case CF_K_BOOL:
        cf_jw_bool(jw, *(const bool *)(const void *)v);
        break;
    case CF_K_FIXED:
    case CF_K_G1:
    case CF_K_G2:
        cf_jw_hex(jw, v, min_wire(t, 0), true);
        break;
    case CF_K_BYTES: {
        const struct cf_bytes *x = (const struct cf_bytes *)(const void *)v;

        cf_jw_hex(jw, x->data, x->len, true);
        break;
    }
    case CF_K_STR: {
        const struct cf_str *x = (const struct cf_str *)(const void *)v;

        cf_jw_strn(jw, x->s ? x->s : "", x->len);
        break;
    }
    case CF_K_OPTIONAL:
        if (*(const bool *)(const void *)v)
            json_value(ver, t->elem, v + t->val_off, jw);
        else
            cf_jw_null(jw);
        break;
    case CF_K_ARRAY:
        cf_jw_arr_begin(jw);
        for (size_t i = 0; i < t->n; i++)
            json_value(ver, t->elem, v + i * t->elem->csize, jw);
        cf_jw_arr_end(jw);
        break;
    case CF_K_LIST: {
        struct list_any l;

        memcpy(&l, v, sizeof l);
        cf_jw_arr_begin(jw);
        for (size_t i = 0; i < l.count; i++)
            json_value(ver, t->elem, (const uint8_t *)l.items + i * t->elem->csize, jw);
        cf_jw_arr_end(jw);
        break;
    }
    case CF_K_CLASS:
        json_fields(ver, t->cls, v, false, jw);
        break;
    case CF_K_POS:
        json_fields(ver, t->cls, v, true, jw);
        break;
    }
}

/* ---- from JSON ---- */

static enum cf_err from_json(struct walk *w, const struct cf_type *t, const struct cf_json *j,
                             uint8_t *dst);

static enum cf_err json_fields_in(struct walk *w, const struct cf_class_desc *c, bool all,
                                  const struct cf_json *j, uint8_t *dst)
{
    const struct cf_json *item = j->child;
    size_t want = 0;

    for (size_t i = 0; i < c->nfields; i++)
        want += all || cf_field_at(&c->fields[i], w->ver);
    if (c->tuple && (j->type != CF_JSON_ARRAY || j->count != want))
        return path_fail(w, CF_ERR_JSON, "expected an array of %zu elements", want);
    if (!c->tuple && j->type != CF_JSON_OBJECT)
        return path_fail(w, CF_ERR_JSON, "expected an object");
    for (size_t i = 0; i < c->nfields; i++) {
        const struct cf_field *f = &c->fields[i];
        const struct cf_json *fj;
        size_t mark;
        enum cf_err err;

        if (!all && !cf_field_at(f, w->ver))
            continue;
        mark = path_push(w, f->name, 0);
        if (c->tuple) {
            fj = item;
            item = item->next;
        } else {
            fj = cf_json_get(j, f->name);
        }
        if (fj == NULL)
            return path_fail(w, CF_ERR_JSON, "missing field");
        err = from_json(w, f->type, fj, dst + f->off);
        if (err != CF_OK)
            return err;
        path_pop(w, mark);
    }
    return CF_OK;
}

static enum cf_err json_uint(struct walk *w, const struct cf_type *t, const struct cf_json *j,
                             uint8_t *dst)
{
    static const uint64_t max[] = {[CF_K_U8] = UINT8_MAX,
                                   [CF_K_U16] = UINT16_MAX,
                                   [CF_K_U32] = UINT32_MAX,
                                   [CF_K_U64] = UINT64_MAX};
    uint64_t x, hi;
    int64_t s;

    if (j->type != CF_JSON_NUMBER && j->type != CF_JSON_STRING)
        return path_fail(w, CF_ERR_JSON, "expected an integer");
    if (t->kind == CF_K_I16) {
        if (cf_json_i64(j, &s) != CF_OK || s < INT16_MIN || s > INT16_MAX)
            return path_fail(w, CF_ERR_JSON, "expected an int16");
        *(int16_t *)(void *)dst = (int16_t)s;
        return CF_OK;
    }
    if (t->kind == CF_K_U128) {
        if (cf_json_u128(j, &hi, &x) != CF_OK)
            return path_fail(w, CF_ERR_JSON, "expected a uint128");
        *(cf_u128 *)(void *)dst = (cf_u128)hi << 64 | x;
        return CF_OK;
    }
    if (cf_json_u64(j, &x) != CF_OK || x > max[t->kind])
        return path_fail(w, CF_ERR_JSON, "expected a uint%zu", 8 * t->csize);
    switch (t->kind) {
    case CF_K_U8:
        *dst = (uint8_t)x;
        break;
    case CF_K_U16:
        *(uint16_t *)(void *)dst = (uint16_t)x;
        break;
    case CF_K_U32:
        *(uint32_t *)(void *)dst = (uint32_t)x;
        break;
    default:
        *(uint64_t *)(void *)dst = x;
        break;
    }
    return CF_OK;
}

static enum cf_err json_hex(struct walk *w, const struct cf_type *t, const struct cf_json *j,
                            uint8_t *dst)
{
    size_t len, got;
    uint8_t *buf;
    struct cf_bytes *b;

    if (j->type != CF_JSON_STRING)
        return path_fail(w, CF_ERR_JSON, "expected a hex string");
    len = j->len;
    if (len >= 2 && j->str[0] == '0' && (j->str[1] == 'x' || j->str[1] == 'X'))
        len -= 2;
    if (t->kind != CF_K_BYTES) {
        size_t want = min_wire(t, 0);
        enum cf_err err;

        if (len != 2 * want || cf_hex_decode(dst, want, &got, j->str, j->len) != CF_OK)
            return path_fail(w, CF_ERR_JSON, "expected %zu bytes of hex", want);
        err = t->kind == CF_K_G1   ? cf_codec_check_g1(dst)
              : t->kind == CF_K_G2 ? cf_codec_check_g2(dst)
                                   : CF_OK;
        if (err != CF_OK)
            return path_fail(w, err, "invalid %s point", t->kind == CF_K_G1 ? "G1" : "G2");
        return CF_OK;
    }
    buf = malloc(len / 2 + 1);
    if (buf == NULL)
        return CF_ERR_NOMEM;
    if (cf_hex_decode(buf, len / 2 + 1, &got, j->str, j->len) != CF_OK) {
        free(buf);
        return path_fail(w, CF_ERR_JSON, "expected a hex string");
    }
    b = (struct cf_bytes *)(void *)dst;
    b->data = buf;
    b->len = got;
    return CF_OK;
}

static enum cf_err json_pos(struct walk *w, const struct cf_type *t, const struct cf_json *j,
                            uint8_t *dst)
{
    struct cf_proof_of_space *pos = (struct cf_proof_of_space *)(void *)dst;
    enum cf_err err = json_fields_in(w, t->cls, true, j, dst);

    if (err != CF_OK)
        return err;
    /* the fields the other version does not carry are implied zero */
    if (pos->version == 0) {
        pos->plot_index = 0;
        pos->meta_group = 0;
        pos->strength = 0;
    } else {
        pos->size = 0;
    }
    err = pos_check(w, pos);
    return err == CF_OK ? CF_OK : CF_ERR_JSON;
}

static enum cf_err from_json(struct walk *w, const struct cf_type *t, const struct cf_json *j,
                             uint8_t *dst)
{
    switch (t->kind) {
    case CF_K_U8:
    case CF_K_U16:
    case CF_K_I16:
    case CF_K_U32:
    case CF_K_U64:
    case CF_K_U128:
        return json_uint(w, t, j, dst);
    case CF_K_BOOL:
        if (j->type != CF_JSON_TRUE && j->type != CF_JSON_FALSE)
            return path_fail(w, CF_ERR_JSON, "expected true or false");
        *(bool *)(void *)dst = j->type == CF_JSON_TRUE;
        return CF_OK;
    case CF_K_FIXED:
    case CF_K_G1:
    case CF_K_G2:
    case CF_K_BYTES:
        return json_hex(w, t, j, dst);
    case CF_K_STR: {
        struct cf_str *s = (struct cf_str *)(void *)dst;

        if (j->type != CF_JSON_STRING)
            return path_fail(w, CF_ERR_JSON, "expected a string");
        if (!cf_codec_utf8_valid((const uint8_t *)j->str, j->len))
            return path_fail(w, CF_ERR_BAD_UTF8, "str is not valid UTF-8");
        s->s = malloc(j->len + 1);
        if (s->s == NULL)
            return CF_ERR_NOMEM;
        memcpy(s->s, j->str, j->len);
        s->s[j->len] = '\0';
        s->len = j->len;
        return CF_OK;
    }
    case CF_K_OPTIONAL:
        *(bool *)(void *)dst = j->type != CF_JSON_NULL;
        return j->type == CF_JSON_NULL ? CF_OK : from_json(w, t->elem, j, dst + t->val_off);
    case CF_K_ARRAY:
    case CF_K_LIST: {
        struct list_any l = {NULL, j->count};
        uint8_t *base = dst;
        const struct cf_json *e = j->child;

        if (j->type != CF_JSON_ARRAY || (t->kind == CF_K_ARRAY && j->count != t->n))
            return path_fail(w, CF_ERR_JSON, "expected an array");
        if (t->kind == CF_K_LIST) {
            if (l.count && (l.items = calloc(l.count, t->elem->csize)) == NULL)
                return CF_ERR_NOMEM;
            memcpy(dst, &l, sizeof l);
            base = l.items;
        }
        for (size_t i = 0; e; i++, e = e->next) {
            size_t mark = path_push(w, NULL, i);
            enum cf_err err = from_json(w, t->elem, e, base + i * t->elem->csize);

            if (err != CF_OK)
                return err;
            path_pop(w, mark);
        }
        return CF_OK;
    }
    case CF_K_CLASS:
        return json_fields_in(w, t->cls, false, j, dst);
    case CF_K_POS:
        return json_pos(w, t, j, dst);
    }
    return CF_ERR_INVAL;
}

/* ---- public entry points ---- */

static const struct cf_type *class_type(enum cf_proto_cls c)
{
    return (unsigned)c < CF_CLS__COUNT ? cf_schema_classes[c]->type : NULL;
}

enum cf_err cf_proto_decode_cursor(enum cf_proto_cls c, int ver, const uint8_t **p, size_t *n,
                                   void *obj)
{
    const struct cf_type *t = class_type(c);
    const uint8_t *cur = *p;
    size_t left = *n;
    struct walk w;
    enum cf_err err;

    if (t == NULL || obj == NULL)
        return CF_ERR_INVAL;
    memset(obj, 0, t->csize);
    walk_init(&w, ver, *p);
    err = dec_value(&w, t, &cur, &left, obj);
    if (err != CF_OK) {
        cf_proto_free(c, obj);
        return err;
    }
    *p = cur;
    *n = left;
    return CF_OK;
}

enum cf_err cf_proto_decode(enum cf_proto_cls c, int ver, const uint8_t *p, size_t n, void *obj)
{
    const uint8_t *cur = p;
    size_t left = n;
    enum cf_err err = cf_proto_decode_cursor(c, ver, &cur, &left, obj);

    if (err != CF_OK)
        return err;
    if (left) {
        cf_proto_free(c, obj);
        return cf_err_set(CF_ERR_TRAILING, "(body) at offset %zu: %zu trailing bytes after %s",
                          n - left, left, cf_schema_classes[c]->chia_name);
    }
    return CF_OK;
}

enum cf_err cf_proto_encode(enum cf_proto_cls c, int ver, const void *obj, struct cf_buf *out)
{
    const struct cf_type *t = class_type(c);
    size_t mark = out->len;
    struct walk w;
    enum cf_err err;

    if (t == NULL || obj == NULL)
        return CF_ERR_INVAL;
    walk_init(&w, ver, NULL);
    err = enc_value(&w, t, obj, out);
    if (err != CF_OK)
        out->len = mark;
    return err;
}

void cf_proto_free(enum cf_proto_cls c, void *obj)
{
    const struct cf_type *t = class_type(c);

    if (t == NULL || obj == NULL)
        return;
    free_value(t, obj);
    memset(obj, 0, t->csize);
}

enum cf_err cf_proto_to_json(enum cf_proto_cls c, int ver, const void *obj, struct cf_jw *w)
{
    const struct cf_type *t = class_type(c);

    if (t == NULL || obj == NULL)
        return CF_ERR_INVAL;
    json_value(ver, t, obj, w);
    return w->err;
}

enum cf_err cf_proto_from_json(enum cf_proto_cls c, int ver, const struct cf_json *v, void *obj)
{
    const struct cf_type *t = class_type(c);
    struct walk w;
    enum cf_err err;

    if (t == NULL || obj == NULL || v == NULL)
        return CF_ERR_INVAL;
    memset(obj, 0, t->csize);
    walk_init(&w, ver, NULL);
    err = from_json(&w, t, v, obj);
    if (err != CF_OK)
        cf_proto_free(c, obj);
    return err;
}

const char *cf_proto_cls_name(enum cf_proto_cls c)
{
    return (unsigned)c < CF_CLS__COUNT ? cf_schema_classes[c]->name : NULL;
}

const char *cf_proto_cls_chia_name(enum cf_proto_cls c)
{
    return (unsigned)c < CF_CLS__COUNT ? cf_schema_classes[c]->chia_name : NULL;
}

size_t cf_proto_cls_size(enum cf_proto_cls c)
{
    return (unsigned)c < CF_CLS__COUNT ? cf_schema_classes[c]->size : 0;
}
