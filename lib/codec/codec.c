/*
 * codec.c: streamable primitives (see cfarm/codec.h for the encoding).
 *
 * Every reader checks the remaining length first and moves the cursor only on success, so a
 * failed read leaves (*p, *n) where the value began and the caller can report that offset.
 */
#include "cfarm/codec.h"

#include "cfarm/bytes.h"

#include <string.h>

static cf_codec_point_fn point_check_g1, point_check_g2;

static void advance(const uint8_t **p, size_t *n, size_t k)
{
    *p += k;
    *n -= k;
}

enum cf_err cf_codec_get_u8(const uint8_t **p, size_t *n, uint8_t *v)
{
    if (*n < 1)
        return CF_ERR_EOF;
    *v = (*p)[0];
    advance(p, n, 1);
    return CF_OK;
}

enum cf_err cf_codec_get_u16(const uint8_t **p, size_t *n, uint16_t *v)
{
    if (*n < 2)
        return CF_ERR_EOF;
    *v = cf_load_be16(*p);
    advance(p, n, 2);
    return CF_OK;
}

enum cf_err cf_codec_get_u32(const uint8_t **p, size_t *n, uint32_t *v)
{
    if (*n < 4)
        return CF_ERR_EOF;
    *v = cf_load_be32(*p);
    advance(p, n, 4);
    return CF_OK;
}

enum cf_err cf_codec_get_u64(const uint8_t **p, size_t *n, uint64_t *v)
{
    if (*n < 8)
        return CF_ERR_EOF;
    *v = cf_load_be64(*p);
    advance(p, n, 8);
    return CF_OK;
}

enum cf_err cf_codec_get_u128(const uint8_t **p, size_t *n, cf_u128 *v)
{
    if (*n < 16)
        return CF_ERR_EOF;
    *v = (cf_u128)cf_load_be64(*p) << 64 | cf_load_be64(*p + 8);
    advance(p, n, 16);
    return CF_OK;
}

static enum cf_err get_flag(const uint8_t **p, size_t *n, bool *v, enum cf_err bad)
{
    if (*n < 1)
        return CF_ERR_EOF;
    if ((*p)[0] > 1)
        return bad;
    *v = (*p)[0] == 1;
    advance(p, n, 1);
    return CF_OK;
}

enum cf_err cf_codec_get_bool(const uint8_t **p, size_t *n, bool *v)
{
    return get_flag(p, n, v, CF_ERR_BAD_BOOL);
}

enum cf_err cf_codec_get_optional(const uint8_t **p, size_t *n, bool *present)
{
    return get_flag(p, n, present, CF_ERR_BAD_OPTIONAL);
}

enum cf_err cf_codec_get_fixed(const uint8_t **p, size_t *n, uint8_t *out, size_t len)
{
    if (*n < len)
        return CF_ERR_EOF;
    if (len)
        memcpy(out, *p, len);
    advance(p, n, len);
    return CF_OK;
}

enum cf_err cf_codec_get_var(const uint8_t **p, size_t *n, const uint8_t **data, size_t *len,
                             bool utf8)
{
    uint32_t k;

    if (*n < 4)
        return CF_ERR_EOF;
    k = cf_load_be32(*p);
    if (k > *n - 4)
        return CF_ERR_EOF;
    if (utf8 && !cf_codec_utf8_valid(*p + 4, k))
        return CF_ERR_BAD_UTF8;
    *data = *p + 4;
    *len = k;
    advance(p, n, 4 + (size_t)k);
    return CF_OK;
}

enum cf_err cf_codec_get_count(const uint8_t **p, size_t *n, size_t min_elem, uint32_t *count)
{
    uint32_t k;

    if (*n < 4)
        return CF_ERR_EOF;
    k = cf_load_be32(*p);
    if (min_elem == 0)
        min_elem = 1;
    if (k > (*n - 4) / min_elem)
        return CF_ERR_TOO_LARGE;
    *count = k;
    advance(p, n, 4);
    return CF_OK;
}

enum cf_err cf_codec_put_u8(struct cf_buf *b, uint8_t v)
{
    return cf_buf_putc(b, v);
}

enum cf_err cf_codec_put_u16(struct cf_buf *b, uint16_t v)
{
    return cf_buf_put_be16(b, v);
}

enum cf_err cf_codec_put_u32(struct cf_buf *b, uint32_t v)
{
    return cf_buf_put_be32(b, v);
}

enum cf_err cf_codec_put_u64(struct cf_buf *b, uint64_t v)
{
    return cf_buf_put_be64(b, v);
}

enum cf_err cf_codec_put_u128(struct cf_buf *b, cf_u128 v)
{
    uint8_t tmp[16];

    cf_store_be64(tmp, (uint64_t)(v >> 64));
    cf_store_be64(tmp + 8, (uint64_t)v);
    return cf_buf_append(b, tmp, sizeof tmp);
}

enum cf_err cf_codec_put_bool(struct cf_buf *b, bool v)
{
    return cf_buf_putc(b, v ? 1 : 0);
}

enum cf_err cf_codec_put_fixed(struct cf_buf *b, const uint8_t *p, size_t len)
{
    return cf_buf_append(b, p, len);
}

enum cf_err cf_codec_put_var(struct cf_buf *b, const uint8_t *p, size_t len, bool utf8)
{
    enum cf_err err;
    size_t mark = b->len;

    if (len > UINT32_MAX)
        return CF_ERR_TOO_LARGE;
    if (utf8 && !cf_codec_utf8_valid(p, len))
        return CF_ERR_BAD_UTF8;
    err = cf_buf_reserve(b, 4 + len);
    if (err != CF_OK)
        return err;
    err = cf_buf_put_be32(b, (uint32_t)len);
    if (err == CF_OK)
        err = cf_buf_append(b, p, len);
    if (err != CF_OK)
        b->len = mark;
    return err;
}

enum cf_err cf_codec_put_count(struct cf_buf *b, size_t count)
{
    if (count > UINT32_MAX)
        return CF_ERR_TOO_LARGE;
    return cf_buf_put_be32(b, (uint32_t)count);
}

/*
 * Well-formed UTF-8 (Unicode table 3-7): the second byte's range depends on the first byte so
 * that overlong forms, surrogates (ED A0..BF) and code points above U+10FFFF are refused.
 */
bool cf_codec_utf8_valid(const uint8_t *p, size_t n)
{
    size_t i = 0;

    while (i < n) {
        uint8_t c = p[i];
        size_t need;
        uint8_t lo = 0x80, hi = 0xbf;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            if (c == 0xe0)
                lo = 0xa0;
            else if (c == 0xed)
                hi = 0x9f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            if (c == 0xf0)
                lo = 0x90;
            else if (c == 0xf4)
                hi = 0x8f;
        } else {
            return false;
        }
        if (n - i - 1 < need)
            return false;
        if (p[i + 1] < lo || p[i + 1] > hi)
            return false;
        for (size_t k = 2; k <= need; k++)
            if (p[i + k] < 0x80 || p[i + k] > 0xbf)
                return false;
        i += need + 1;
    }
    return true;
}

void cf_codec_set_point_check(cf_codec_point_fn g1, cf_codec_point_fn g2)
{
    point_check_g1 = g1;
    point_check_g2 = g2;
}

enum cf_err cf_codec_check_g1(const uint8_t bytes[CF_G1_LEN])
{
    return point_check_g1 ? point_check_g1(bytes) : CF_OK;
}

enum cf_err cf_codec_check_g2(const uint8_t bytes[CF_G2_LEN])
{
    return point_check_g2 ? point_check_g2(bytes) : CF_OK;
}
