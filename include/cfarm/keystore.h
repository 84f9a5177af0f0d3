/*
 * cfarm/keystore.h: cfarm's key file, the place the farmer's secret keys live.
 *
 * The file is <root>/keys/keys.txt, a text file of BIP39 mnemonics (docs/keys.md):
 *
 *   # comment lines and blank lines are ignored
 *   cfarm-keys 1
 *   key <fingerprint> <word> <word> ... <word>
 *   key <fingerprint> <word> ...
 *
 * <fingerprint> is the decimal fingerprint of the master public key derived from the mnemonic on
 * that line (stored so that a key can be picked without deriving every one; checked whenever keys
 * are derived). The file holds secrets UNENCRYPTED: it is created with mode 0600 in a directory
 * of mode 0700, and loading refuses a file that group or others may read or write.
 *
 * Writers (add, delete) take an exclusive flock on the keys directory, write the whole new file
 * beside the old one with mode 0600, fsync it and rename it into place, so a reader sees the old
 * file or the new one, never a mix. Every buffer that held file text or a mnemonic is wiped before
 * it is freed. Nothing here prints.
 */
#ifndef CFARM_KEYSTORE_H
#define CFARM_KEYSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "cfarm/bls.h"
#include "cfarm/err.h"

#define CF_KEYSTORE_MAX_KEYS 100
#define CF_KEYSTORE_DIR      "keys"
#define CF_KEYSTORE_FILE     "keys.txt"

struct cf_keystore;

/* The key file's path under root, as a heap string the caller frees; NULL when out of memory. */
char *cf_keystore_path(const char *root);

/*
 * Load the key file under root. A missing file (or keys directory) is an empty store, not an
 * error. Fails with CF_ERR_CONFIG when the file is malformed (the detail names the line, never its
 * text) or readable by group/others, CF_ERR_IO when it cannot be read. On success *out owns the
 * mnemonics; free with cf_keystore_free.
 */
enum cf_err cf_keystore_load(const char *root, struct cf_keystore **out);
/* Wipes every mnemonic, then frees. NULL is fine. */
void cf_keystore_free(struct cf_keystore *ks);

size_t cf_keystore_count(const struct cf_keystore *ks);
uint32_t cf_keystore_fingerprint(const struct cf_keystore *ks, size_t i);
/* The mnemonic of key i (a secret, owned by the store, valid until cf_keystore_free). */
const char *cf_keystore_mnemonic(const struct cf_keystore *ks, size_t i);
/* Index of the key with this fingerprint; CF_ERR_NOT_FOUND when there is none. */
enum cf_err cf_keystore_find(const struct cf_keystore *ks, uint32_t fingerprint, size_t *i);

/*
 * Add a mnemonic (any text cf_keys_mnemonic_to_entropy accepts; the checksum is checked and the
 * full-word form is stored). Creates root, root/keys (0700) and the file (0600) as needed.
 * *fingerprint (may be NULL) gets the key's fingerprint, also when it fails with CF_ERR_EXISTS
 * because the key is already there. CF_ERR_TOO_LARGE past CF_KEYSTORE_MAX_KEYS.
 */
enum cf_err cf_keystore_add(const char *root, const char *mnemonic, uint32_t *fingerprint);
/* Remove the key with this fingerprint; CF_ERR_NOT_FOUND when there is none. */
enum cf_err cf_keystore_delete(const char *root, uint32_t fingerprint);

/* The keys a farmer, harvester or plotter needs from one mnemonic. Holds secrets: wipe it. */
struct cf_keystore_keys {
    uint32_t fingerprint;
    struct cf_bls_sk master_sk, farmer_sk, pool_sk;
    struct cf_bls_pk master_pk, farmer_pk, pool_pk;
};

/* Derive key i's master, farmer (12381/8444/0/0) and pool (12381/8444/1/0) keys. Fails with
 * CF_ERR_CONFIG when the fingerprint stored in the file does not match the mnemonic. On failure
 * *out is zeroed. */
enum cf_err cf_keystore_derive(const struct cf_keystore *ks, size_t i,
                               struct cf_keystore_keys *out);

/*
 * For the plotter and the farmer: load root's key file and derive the keys of the key with this
 * fingerprint, or of the first key when fingerprint is 0. CF_ERR_NOT_FOUND when there is no such
 * key (or no key at all).
 */
enum cf_err cf_keystore_load_keys(const char *root, uint32_t fingerprint,
                                  struct cf_keystore_keys *out);

#endif
