/*
 * cfarm/buf.h: a growable byte buffer with a hard maximum.
 *
 * Every buffer fed by the network, a file or an encoder has a cap; growing past it fails with
 * CF_ERR_TOO_LARGE and leaves the buffer as it was. A zeroed struct with a cap set is an empty
 * buffer (use cf_buf_init). The buffer owns `data`; cf_buf_free releases it and may be called
 * on an empty or already freed buffer.
 */
#ifndef CFARM_BUF_H
#define CFARM_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "cfarm/err.h"

struct cf_buf {
    uint8_t *data;
    size_t len;
    size_t cap;  /* allocated bytes */
    size_t max;  /* hard limit on len */
};

#define CF_BUF_DEFAULT_MAX ((size_t)64 << 20)

void cf_buf_init(struct cf_buf *b, size_t max);
void cf_buf_free(struct cf_buf *b);
/* Make room for n more bytes. On failure the buffer is unchanged. */
enum cf_err cf_buf_reserve(struct cf_buf *b, size_t n);
enum cf_err cf_buf_append(struct cf_buf *b, const void *p, size_t n);
enum cf_err cf_buf_putc(struct cf_buf *b, uint8_t c);
enum cf_err cf_buf_printf(struct cf_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum cf_err cf_buf_put_be16(struct cf_buf *b, uint16_t v);
enum cf_err cf_buf_put_be32(struct cf_buf *b, uint32_t v);
enum cf_err cf_buf_put_be64(struct cf_buf *b, uint64_t v);
/* Append a NUL without counting it in len, so data can be used as a C string. */
enum cf_err cf_buf_terminate(struct cf_buf *b);
/* Hand the bytes to the caller (who frees them) and leave the buffer empty. */
uint8_t *cf_buf_take(struct cf_buf *b, size_t *len);

#endif
