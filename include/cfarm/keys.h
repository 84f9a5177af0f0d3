/*
 * cfarm/keys.h: Chia's key derivation on top of cfarm/bls.h.
 *
 * What Chia does, and so what this does byte for byte:
 *   - key_gen(seed): HKDF-SHA256 with salt "BLS-SIG-KEYGEN-SALT-" over seed || 0x00, 48 bytes of
 *     output with info 0x0030, reduced mod r. No retry when the result is 0. Seeds shorter than
 *     32 bytes are refused.
 *   - hardened child (EIP-2333 derive_child_sk): two Lamport keys from HKDF over the parent key
 *     and its bitwise NOT (salt = index, 4 bytes big-endian, no 0x00 appended to the IKM), each
 *     of the 510 chunks hashed, SHA-256 of the lot, key_gen of that. Every uint32 index is valid.
 *   - unhardened child (Chia's own scheme): nonce = SHA-256(parent_pk || index_be32),
 *     child_sk = parent_sk + nonce mod r, child_pk = parent_pk + nonce * G1.
 *   - mnemonics: BIP39 English. An ASCII mnemonic is first rebuilt from the first 4 letters of
 *     each word (as Chia does), then PBKDF2-HMAC-SHA512(mnemonic, "mnemonic", 2048) gives the
 *     64-byte seed and key_gen(seed) the master key. Only the English list exists here, so input
 *     must be ASCII (non-ASCII is refused with CF_ERR_BAD_MNEMONIC). Whitespace around and
 *     between words is collapsed; words must be lowercase. The checksum is checked by
 *     cf_keys_mnemonic_to_entropy (what "add a key" uses), not by cf_keys_mnemonic_to_seed.
 *   - paths under the master key (chia/wallet/derive_keys.py), see the cf_keys_*_sk helpers.
 *   - plot keys: local_sk from the plot memo's local master key, the taproot key, the plot public
 *     key, the plot id and the memo layout.
 *
 * Secret keys, seeds, entropy and mnemonics are caller-owned buffers; every temporary copy made
 * here is wiped before returning. Derivation arithmetic is constant time in the secrets (the scalar
 * work is bls.h's); mnemonic words are mapped to and from their indices by scanning the whole
 * wordlist with masks, never by indexing it with a secret. Outputs are undefined after a failure
 * unless a function says otherwise. Nothing here allocates, apart from the hash contexts OpenSSL
 * creates (and clears when freeing) inside a call.
 */
#ifndef CFARM_KEYS_H
#define CFARM_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfarm/bls.h"
#include "cfarm/err.h"

#define CF_KEYS_SEED_MIN          32 /* key_gen refuses shorter seeds */
#define CF_KEYS_MNEMONIC_SEED_LEN 64
#define CF_KEYS_MAX_WORDS         24
#define CF_KEYS_MAX_ENTROPY       32
/* 24 words of at most 8 letters, 23 spaces and a NUL. */
#define CF_KEYS_MNEMONIC_MAX 217
#define CF_KEYS_MAX_PATH     32 /* longest derivation path cf_keys_parse_path accepts */

/* ---- key_gen and derivation ---- */

/* sk = key_gen(seed). CF_ERR_BAD_KEY (and a zeroed sk) when len < 32. */
enum cf_err cf_keys_keygen(struct cf_bls_sk *sk, const uint8_t *seed, size_t len);

/* The Lamport public key of EIP-2333 for (parent, index): the input of key_gen in a hardened step.
 * Exposed because the vectors pin it. */
enum cf_err cf_keys_lamport_pk(uint8_t out[32], const struct cf_bls_sk *parent, uint32_t index);
/* Hardened (EIP-2333) child. child may alias parent. The hashing goes through OpenSSL: a failure
 * there (CF_ERR_CRYPTO, CF_ERR_NOMEM; not seen in practice) leaves child zeroed. The same holds for
 * every function below that derives a hardened step. */
enum cf_err cf_keys_derive_child_sk(struct cf_bls_sk *child, const struct cf_bls_sk *parent,
                                    uint32_t index);

/* Unhardened nonce: SHA-256(parent_pk || index as 4 bytes big-endian). */
void cf_keys_unhardened_nonce(uint8_t out[32], const struct cf_bls_pk *parent_pk, uint32_t index);
/* Unhardened child secret key (computes the parent's public key itself). child may alias parent. */
void cf_keys_derive_child_sk_unhardened(struct cf_bls_sk *child, const struct cf_bls_sk *parent,
                                        uint32_t index);
/* Unhardened child public key from the parent public key alone (the identity is a valid parent).
 * Fails with bls.h's decode errors when parent_pk is not a valid G1 encoding. */
enum cf_err cf_keys_derive_child_pk_unhardened(struct cf_bls_pk *child,
                                               const struct cf_bls_pk *parent_pk, uint32_t index);

/* Apply a path left to right, every step hardened / every step unhardened. n may be 0 (copy). */
enum cf_err cf_keys_derive_path(struct cf_bls_sk *out, const struct cf_bls_sk *parent,
                                const uint32_t *path, size_t n);
void cf_keys_derive_path_unhardened(struct cf_bls_sk *out, const struct cf_bls_sk *parent,
                                    const uint32_t *path, size_t n);
enum cf_err cf_keys_derive_pk_path_unhardened(struct cf_bls_pk *out,
                                              const struct cf_bls_pk *parent_pk,
                                              const uint32_t *path, size_t n);

/*
 * Parse "12381/8444/2/0", optionally prefixed "m/" and with one trailing "/" allowed, into at most
 * max indices (decimal, each < 2^32). A step may end in "n", Chia's mark for a hardened
 * ("non-observer") step in `chia keys derive --derive-from-hd-path`; marked[i] (when marked is not
 * NULL) tells which steps carry it. Empty steps, other characters or more than max steps fail with
 * CF_ERR_INVAL and a detail. "m" alone is the empty path.
 */
enum cf_err cf_keys_parse_path(const char *text, uint32_t *path, bool *marked, size_t max,
                               size_t *n);

/* ---- Chia's key paths (12381/8444/..., all hardened, from the master secret key) ---- */

#define CF_KEYS_PURPOSE 12381u
#define CF_KEYS_COIN    8444u

enum cf_err cf_keys_farmer_sk(struct cf_bls_sk *out, const struct cf_bls_sk *master); /* 0/0 */
enum cf_err cf_keys_pool_sk(struct cf_bls_sk *out, const struct cf_bls_sk *master);   /* 1/0 */
enum cf_err cf_keys_wallet_sk(struct cf_bls_sk *out, const struct cf_bls_sk *master,
                              uint32_t index); /* 2/i */
/* The observer wallet key: same path, unhardened. */
void cf_keys_wallet_sk_unhardened(struct cf_bls_sk *out, const struct cf_bls_sk *master,
                                  uint32_t index);
/* The plot local key: .../3/0 applied to a plot's local master key (from the memo). */
enum cf_err cf_keys_local_sk(struct cf_bls_sk *out, const struct cf_bls_sk *local_master);
enum cf_err cf_keys_backup_sk(struct cf_bls_sk *out, const struct cf_bls_sk *master); /* 4/0 */
enum cf_err cf_keys_singleton_owner_sk(struct cf_bls_sk *out, const struct cf_bls_sk *master,
                                       uint32_t pool_wallet_index); /* 5/w */
/* .../6/(w*10000 + i); both w and i must be below 10000 (CF_ERR_INVAL), as in Chia. */
enum cf_err cf_keys_pool_auth_sk(struct cf_bls_sk *out, const struct cf_bls_sk *master,
                                 uint32_t pool_wallet_index, uint32_t index);

/* First 4 bytes of SHA-256(pk) as a big-endian uint32 (Chia's key fingerprint). */
uint32_t cf_keys_fingerprint(const struct cf_bls_pk *pk);

/* ---- BIP39 mnemonics (English) ---- */

/*
 * Encode 16, 20, 24, 28 or 32 bytes of entropy as 12..24 words, single-spaced, NUL-terminated,
 * into out[CF_KEYS_MNEMONIC_MAX]. CF_ERR_INVAL for another length.
 */
enum cf_err cf_keys_mnemonic_from_entropy(char out[CF_KEYS_MNEMONIC_MAX], const uint8_t *entropy,
                                          size_t len);
/*
 * Rebuild the full-word mnemonic from text as Chia does: trim and collapse ASCII whitespace,
 * look each word up by its first 4 letters (the whole word when shorter), require 12, 15, 18, 21
 * or 24 words. No checksum check. Fails with CF_ERR_BAD_MNEMONIC and a detail (word number, not
 * the word). out may be NULL when only the check is wanted; *words may be NULL.
 */
enum cf_err cf_keys_mnemonic_normalize(char out[CF_KEYS_MNEMONIC_MAX], size_t *words,
                                       const char *text);
/* Decode to entropy (*len = 16..32 bytes) and check the checksum (CF_ERR_BAD_MNEMONIC). */
enum cf_err cf_keys_mnemonic_to_entropy(uint8_t entropy[CF_KEYS_MAX_ENTROPY], size_t *len,
                                        const char *text);
/* seed = PBKDF2-HMAC-SHA512(normalized mnemonic, "mnemonic", 2048, 64). No checksum check. */
enum cf_err cf_keys_mnemonic_to_seed(uint8_t seed[CF_KEYS_MNEMONIC_SEED_LEN], const char *text);
/* key_gen(mnemonic_to_seed(text)). */
enum cf_err cf_keys_mnemonic_to_master_sk(struct cf_bls_sk *sk, const char *text);

/* ---- plot keys ---- */

#define CF_KEYS_MEMO_POOL_PK_LEN  128 /* pool_pk(48) || farmer_pk(48) || local_master_sk(32) */
#define CF_KEYS_MEMO_CONTRACT_LEN 112 /* pool_ph(32) || farmer_pk(48) || local_master_sk(32) */
#define CF_KEYS_MEMO_MAX          128

/* taproot_sk = key_gen(SHA-256((local_pk + farmer_pk) || local_pk || farmer_pk)). */
enum cf_err cf_keys_taproot_sk(struct cf_bls_sk *out, const struct cf_bls_pk *local_pk,
                               const struct cf_bls_pk *farmer_pk);
/* plot_pk = local_pk + farmer_pk, plus the taproot public key when include_taproot (plots that
 * pay to a pool contract). */
enum cf_err cf_keys_plot_pk(struct cf_bls_pk *out, const struct cf_bls_pk *local_pk,
                            const struct cf_bls_pk *farmer_pk, bool include_taproot);
/* plot_id = SHA-256(pool || plot_pk), pool being a 48-byte pool public key or a 32-byte pool
 * contract puzzle hash; another pool_len is CF_ERR_INVAL. */
enum cf_err cf_keys_plot_id(uint8_t out[32], const uint8_t *pool, size_t pool_len,
                            const struct cf_bls_pk *plot_pk);

/* The memo stored in a plot header. Holds a secret (local_master_sk): wipe it after use. */
struct cf_keys_memo {
    bool pool_contract; /* true: pool_contract_ph is set, else pool_pk */
    struct cf_bls_pk pool_pk;
    uint8_t pool_contract_ph[32];
    struct cf_bls_pk farmer_pk;
    struct cf_bls_sk local_master_sk;
};

/* Write the memo (128 or 112 bytes) into out[CF_KEYS_MEMO_MAX]; returns its length. */
size_t cf_keys_memo_build(uint8_t out[CF_KEYS_MEMO_MAX], const struct cf_keys_memo *memo);
/* Parse a memo: its length (128 or 112) tells the kind; anything else is CF_ERR_BAD_VALUE. The
 * bytes are copied as they are (keys are validated by cf_keys_plot_from_memo). */
enum cf_err cf_keys_memo_parse(struct cf_keys_memo *memo, const uint8_t *bytes, size_t len);

/* Everything a harvester needs for one plot, computed from its memo. Holds secrets. */
struct cf_keys_plot {
    struct cf_bls_sk local_sk;
    struct cf_bls_pk local_pk;
    struct cf_bls_pk farmer_pk;
    struct cf_bls_pk plot_pk;
    bool include_taproot;
    uint8_t plot_id[32];
};

/* From a memo: local_sk (path 3/0 of the memo's local master key), plot_pk (with the taproot term
 * for contract plots) and plot_id. Fails when the farmer or pool public key does not decode, or
 * the local master key is not below r. */
enum cf_err cf_keys_plot_from_memo(struct cf_keys_plot *out, const struct cf_keys_memo *memo);

#endif
