/*
 * keys_internal.h: what the files of lib/crypto/keys share and nobody else uses.
 */
#ifndef CFARM_KEYS_INTERNAL_H
#define CFARM_KEYS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "cfarm/err.h"

/* The 48 bytes of key_gen before the reduction mod r: HKDF-Expand(HKDF-Extract(salt, seed || 0),
 * 0x0030, 48). Fails (CF_ERR_BAD_KEY) on seeds shorter than 32 bytes. */
enum cf_err cf_keys__keygen_okm(uint8_t okm[48], const uint8_t *seed, size_t len);

/* The BIP39 English table, generated at build time (cmake/keys.cmake): each word zero-padded to
 * 8 bytes, and its length. */
extern const uint8_t cf_bip39_english_words[2048][8];
extern const uint8_t cf_bip39_english_lens[2048];

#endif
