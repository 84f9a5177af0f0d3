/*
 * cfarm/blake3.h: the BLAKE3 hash function (hash, keyed_hash and derive_key modes, any output
 * length), as specified by the BLAKE3 paper and its reference implementation.
 *
 * chiapos's Fx functions hash one short input (at most 57 bytes) in hash mode and keep 32 bytes,
 * so besides the general incremental hasher there is cf_blake3_short for inputs of at most one
 * block. The state is a plain struct the caller owns (about 1.8 KiB because of the subtree stack);
 * nothing allocates. Portable reference code: no SIMD, no machine byte order.
 */
#ifndef CFARM_BLAKE3_H
#define CFARM_BLAKE3_H

#include <stddef.h>
#include <stdint.h>

#define CF_BLAKE3_OUT_LEN   32
#define CF_BLAKE3_KEY_LEN   32
#define CF_BLAKE3_BLOCK_LEN 64
#define CF_BLAKE3_CHUNK_LEN 1024
/* 2^54 chunks of 1 KiB = 2^64 bytes: the largest input BLAKE3 defines. */
#define CF_BLAKE3_MAX_DEPTH 54

struct cf_blake3 {
    uint32_t key[8];                    /* IV, the key, or the derived context key */
    uint32_t cv[8];                     /* chaining value of the chunk being filled */
    uint64_t chunk_counter;             /* index of the chunk being filled */
    uint8_t block[CF_BLAKE3_BLOCK_LEN]; /* bytes of the current block not yet compressed */
    uint8_t block_len;
    uint8_t blocks_compressed; /* blocks of the current chunk already folded into cv */
    uint8_t flags;             /* mode flags: 0, KEYED_HASH or DERIVE_KEY_* */
    uint8_t stack_len;
    uint32_t stack[CF_BLAKE3_MAX_DEPTH + 1][8]; /* chaining values of complete subtrees */
};

/* Start a hash-mode, keyed-hash-mode or derive-key-mode hasher. The context of derive_key is a
 * byte string (BLAKE3 recommends a hard-coded, application-unique UTF-8 string). */
void cf_blake3_init(struct cf_blake3 *h);
void cf_blake3_init_keyed(struct cf_blake3 *h, const uint8_t key[CF_BLAKE3_KEY_LEN]);
void cf_blake3_init_derive_key(struct cf_blake3 *h, const void *context, size_t context_len);

/* Absorb len bytes; may be called any number of times. */
void cf_blake3_update(struct cf_blake3 *h, const void *in, size_t len);

/* Write out_len bytes of output (extended output for out_len > 32). Does not change h, so a
 * caller may finalize, update further, and finalize again. */
void cf_blake3_finalize(const struct cf_blake3 *h, uint8_t *out, size_t out_len);

/* One-shot hash mode. */
void cf_blake3(uint8_t *out, size_t out_len, const void *in, size_t len);

/* Hash mode for an input of at most one block (len <= 64), 32-byte output: a single compression,
 * identical to cf_blake3(out, 32, in, len). This is the Fx hot path. A longer input is hashed
 * by the general code, so the result is always right. */
void cf_blake3_short(uint8_t out[CF_BLAKE3_OUT_LEN], const uint8_t *in, size_t len);

/*
 * Many one-block hash-mode inputs at once: block i is blocks[64*i .. 64*i+64) with its length in
 * lens[i] (<= 64) and bytes past that length zero; its 32-byte digest goes to out[32*i ..].
 * Equal to cf_blake3_short on each block, computed several lanes at a time with portable vector
 * code (lib/crypto/blake3_lanes.c); tested against the reference.
 */
void cf_blake3_short_many(uint8_t *out, const uint8_t *blocks, const uint8_t *lens, size_t n);

#endif
