/*
 * cfarm/codec.h: Chia "streamable" primitives.
 *
 * Streamable is Chia's wire encoding: the fields of an object concatenated in declaration order,
 * with no tags, names, padding or version byte.
 *
 *   uintN / intN      N/8 bytes, big-endian (signed: two's complement)
 *   bool              1 byte, 0x00 or 0x01 (anything else is rejected)
 *   bytesN            N raw bytes (bytes32, bytes48 = G1, bytes96 = G2, bytes100, ...)
 *   bytes, str        uint32 length, then that many bytes (str: valid UTF-8)
 *   list[T]           uint32 count, then count elements
 *   Optional[T]       0x00, or 0x01 followed by T (any other flag is rejected)
 *   tuple, class      the members in order, nothing around them
 *
 * Readers are cursor-style: they take (const uint8_t **p, size_t *n), check the length before
 * reading, and advance *p / shrink *n only on success; on failure the cursor is unchanged. They do
 * not set an error detail (the message walker in lib/proto does, naming field and offset).
 * Writers append to a capped cf_buf and leave it unchanged on failure.
 *
 * G1/G2 points: the codec checks the length only (fixed by the wire). A checker installed with
 * cf_codec_set_point_check() runs on every point the message decoder reads; the BLS module
 * installs cf_bls_pk_validate / cf_bls_sig_validate there once it is linked in.
 */
#ifndef CFARM_CODEC_H
#define CFARM_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfarm/buf.h"
#include "cfarm/err.h"

#define CF_G1_LEN 48
#define CF_G2_LEN 96

/* A 128-bit unsigned integer (uint128 fields such as total_iters). */
typedef unsigned __int128 cf_u128;

/* ---- readers ---- */

enum cf_err cf_codec_get_u8(const uint8_t **p, size_t *n, uint8_t *v);
enum cf_err cf_codec_get_u16(const uint8_t **p, size_t *n, uint16_t *v);
enum cf_err cf_codec_get_u32(const uint8_t **p, size_t *n, uint32_t *v);
enum cf_err cf_codec_get_u64(const uint8_t **p, size_t *n, uint64_t *v);
enum cf_err cf_codec_get_u128(const uint8_t **p, size_t *n, cf_u128 *v);
/* A bool byte: CF_ERR_BAD_BOOL unless 0 or 1. */
enum cf_err cf_codec_get_bool(const uint8_t **p, size_t *n, bool *v);
/* An Optional flag byte: CF_ERR_BAD_OPTIONAL unless 0 or 1. */
enum cf_err cf_codec_get_optional(const uint8_t **p, size_t *n, bool *present);
/* Exactly len raw bytes into out. */
enum cf_err cf_codec_get_fixed(const uint8_t **p, size_t *n, uint8_t *out, size_t len);
/*
 * A length-prefixed byte string, without copying: *data points into the input. CF_ERR_EOF when
 * the length is larger than what remains. With utf8, CF_ERR_BAD_UTF8 unless the bytes are valid
 * UTF-8 (the str type).
 */
enum cf_err cf_codec_get_var(const uint8_t **p, size_t *n, const uint8_t **data, size_t *len,
                             bool utf8);
/*
 * A list count, checked against the input: CF_ERR_TOO_LARGE when count elements of at least
 * min_elem bytes each cannot fit in what remains after the count (min_elem 0 counts as 1). So a
 * decoder that then allocates count elements allocates no more than the input justifies.
 */
enum cf_err cf_codec_get_count(const uint8_t **p, size_t *n, size_t min_elem, uint32_t *count);

/* ---- writers ---- */

enum cf_err cf_codec_put_u8(struct cf_buf *b, uint8_t v);
enum cf_err cf_codec_put_u16(struct cf_buf *b, uint16_t v);
enum cf_err cf_codec_put_u32(struct cf_buf *b, uint32_t v);
enum cf_err cf_codec_put_u64(struct cf_buf *b, uint64_t v);
enum cf_err cf_codec_put_u128(struct cf_buf *b, cf_u128 v);
enum cf_err cf_codec_put_bool(struct cf_buf *b, bool v);
enum cf_err cf_codec_put_fixed(struct cf_buf *b, const uint8_t *p, size_t len);
/* uint32 length + bytes; CF_ERR_TOO_LARGE above 2^32-1 bytes, CF_ERR_BAD_UTF8 with utf8 set
 * and invalid text. */
enum cf_err cf_codec_put_var(struct cf_buf *b, const uint8_t *p, size_t len, bool utf8);
/* uint32 list count; CF_ERR_TOO_LARGE above 2^32-1. */
enum cf_err cf_codec_put_count(struct cf_buf *b, size_t count);

/* ---- text ---- */

/* Strict UTF-8 as Python and Rust decode it: no overlong forms, no surrogates, <= U+10FFFF. */
bool cf_codec_utf8_valid(const uint8_t *p, size_t n);

/* ---- curve points ---- */

/* A point checker gets CF_G1_LEN or CF_G2_LEN bytes and returns CF_OK or an error. */
typedef enum cf_err (*cf_codec_point_fn)(const uint8_t *bytes);

/*
 * Install checkers for G1 (48-byte) and G2 (96-byte) points; NULL restores the default (length
 * only, i.e. accept). Call once at start-up, before threads decode messages.
 */
void cf_codec_set_point_check(cf_codec_point_fn g1, cf_codec_point_fn g2);
enum cf_err cf_codec_check_g1(const uint8_t bytes[CF_G1_LEN]);
enum cf_err cf_codec_check_g2(const uint8_t bytes[CF_G2_LEN]);

#endif
