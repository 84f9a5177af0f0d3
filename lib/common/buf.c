/* buf.c: capped growable buffer. */
#include "cfarm/buf.h"
#include "cfarm/bytes.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cf_buf_init(struct cf_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : CF_BUF_DEFAULT_MAX;
}

void cf_buf_free(struct cf_buf *b)
{
    if (b == NULL)
        return;
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

enum cf_err cf_buf_reserve(struct cf_buf *b, size_t n)
{
    size_t want, cap;
    uint8_t *p;

    if (n > b->max - b->len || b->len > b->max)
        return cf_err_set(CF_ERR_TOO_LARGE, "buffer would exceed its %zu-byte limit", b->max);
    want = b->len + n + 1; /* room for cf_buf_terminate */
    if (want <= b->cap)
        return CF_OK;
    cap = b->cap ? b->cap : 64;
    while (cap < want)
        cap = cap > SIZE_MAX / 2 ? want : cap * 2;
    p = realloc(b->data, cap);
    if (p == NULL)
        return CF_ERR_NOMEM;
    b->data = p;
    b->cap = cap;
    return CF_OK;
}

enum cf_err cf_buf_append(struct cf_buf *b, const void *p, size_t n)
{
    enum cf_err err = cf_buf_reserve(b, n);

    if (err != CF_OK)
        return err;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    return CF_OK;
}

enum cf_err cf_buf_putc(struct cf_buf *b, uint8_t c)
{
    return cf_buf_append(b, &c, 1);
}

enum cf_err cf_buf_printf(struct cf_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    enum cf_err err;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return CF_ERR_INVAL;
    err = cf_buf_reserve(b, (size_t)n);
    if (err != CF_OK)
        return err;
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return CF_OK;
}

enum cf_err cf_buf_put_be16(struct cf_buf *b, uint16_t v)
{
    uint8_t t[2];

    cf_store_be16(t, v);
    return cf_buf_append(b, t, 2);
}

enum cf_err cf_buf_put_be32(struct cf_buf *b, uint32_t v)
{
    uint8_t t[4];

    cf_store_be32(t, v);
    return cf_buf_append(b, t, 4);
}

enum cf_err cf_buf_put_be64(struct cf_buf *b, uint64_t v)
{
    uint8_t t[8];

    cf_store_be64(t, v);
    return cf_buf_append(b, t, 8);
}

enum cf_err cf_buf_terminate(struct cf_buf *b)
{
    enum cf_err err = cf_buf_reserve(b, 0);

    if (err != CF_OK)
        return err;
    b->data[b->len] = '\0';
    return CF_OK;
}

uint8_t *cf_buf_take(struct cf_buf *b, size_t *len)
{
    uint8_t *p = b->data;

    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}
