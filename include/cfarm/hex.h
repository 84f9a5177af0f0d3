/*
 * cfarm/hex.h: lowercase hex encoding and strict decoding.
 */
#ifndef CFARM_HEX_H
#define CFARM_HEX_H

#include <stddef.h>
#include <stdint.h>

#include "cfarm/err.h"

/* Write 2n lowercase hex digits and a NUL to out (2n+1 bytes). */
void cf_hex_encode(char *out, const uint8_t *in, size_t n);

/*
 * Decode exactly `len` hex characters (upper or lower case, an optional leading "0x") into out,
 * which holds out_max bytes. *out_len gets the byte count. Odd length, a non-hex character or
 * too little room fail with CF_ERR_INVAL and a detail naming the offset.
 */
enum cf_err cf_hex_decode(uint8_t *out, size_t out_max, size_t *out_len, const char *hex,
                          size_t len);

/* Decode into exactly n bytes; anything else fails. */
enum cf_err cf_hex_decode_exact(uint8_t *out, size_t n, const char *hex);

#endif
