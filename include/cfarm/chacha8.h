/*
 * cfarm/chacha8.h: the ChaCha stream cipher reduced to 8 rounds, keystream only, as chiapos
 * uses it for F1: 256-bit key, 64-bit nonce, 64-bit block counter (D. J. Bernstein's original
 * ChaCha layout, not the IETF 96-bit-nonce variant).
 *
 * The context is a plain struct the caller owns; cf_chacha8_keystream does not modify it, so one
 * context may serve several threads. Output is byte-exact with chiapos's chacha8.c on every
 * machine (words are stored little-endian explicitly).
 */
#ifndef CFARM_CHACHA8_H
#define CFARM_CHACHA8_H

#include <stddef.h>
#include <stdint.h>

#define CF_CHACHA8_BLOCK_LEN 64

struct cf_chacha8 {
    uint32_t input[16]; /* constants, key, counter (unused: set per call), nonce */
};

/* Set up a 256-bit key and an 8-byte nonce (NULL means all zero, as chiapos passes). */
void cf_chacha8_keysetup(struct cf_chacha8 *c, const uint8_t key[32], const uint8_t nonce[8]);

/* Write n_blocks 64-byte keystream blocks, starting at block counter pos, to out (64*n_blocks
 * bytes). The counter wraps modulo 2^64 like the reference. */
void cf_chacha8_keystream(const struct cf_chacha8 *c, uint64_t pos, size_t n_blocks, uint8_t *out);

/*
 * One keystream block for each of n block counters: block i (counter pos[i]) goes to
 * out[64*i .. 64*i+64). Equal to cf_chacha8_keystream(c, pos[i], 1, ...) for each i, computed
 * several lanes at a time with portable vector code (lib/crypto/chacha8_lanes.c).
 */
void cf_chacha8_blocks(const struct cf_chacha8 *c, const uint64_t *pos, size_t n, uint8_t *out);

#endif
