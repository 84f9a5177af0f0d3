/* hex.c: hex encoding. */
#include "cfarm/hex.h"

#include <string.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void cf_hex_encode(char *out, const uint8_t *in, size_t n)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

enum cf_err cf_hex_decode(uint8_t *out, size_t out_max, size_t *out_len, const char *hex,
                          size_t len)
{
    size_t start = 0;

    if (len >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
        start = 2;
    if ((len - start) % 2 != 0)
        return cf_err_set(CF_ERR_INVAL, "hex string has an odd number of digits");
    if ((len - start) / 2 > out_max)
        return cf_err_set(CF_ERR_INVAL, "hex string too long: %zu bytes, at most %zu",
                          (len - start) / 2, out_max);
    for (size_t i = start; i < len; i += 2) {
        int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);

        if (hi < 0 || lo < 0)
            return cf_err_set(CF_ERR_INVAL, "invalid hex digit at offset %zu",
                              hi < 0 ? i : i + 1);
        out[(i - start) / 2] = (uint8_t)(hi << 4 | lo);
    }
    *out_len = (len - start) / 2;
    return CF_OK;
}

enum cf_err cf_hex_decode_exact(uint8_t *out, size_t n, const char *hex)
{
    size_t got;
    enum cf_err err = cf_hex_decode(out, n, &got, hex, strlen(hex));

    if (err != CF_OK)
        return err;
    if (got != n)
        return cf_err_set(CF_ERR_INVAL, "hex string is %zu bytes, expected %zu", got, n);
    return CF_OK;
}
