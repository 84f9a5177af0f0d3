/*
 * cfarm/cert.h: the private CA and node certificates of a Chia root, made the way `chia init` does.
 *
 * Chia links farmer and harvester with mutual TLS under a per-install private CA. The files live
 * under the root (default ~/.cfarm/mainnet; a Chia root such as ~/.chia/mainnet works as it is):
 *
 *   config/ssl/ca/private_ca.{crt,key}                 the private CA (self-signed)
 *   config/ssl/harvester/private_harvester.{crt,key}   harvester node certificate
 *   config/ssl/farmer/private_farmer.{crt,key}         farmer node certificate
 *
 * CA: RSA 2048 (e = 65537), subject O=Chia, CN=Chia CA, OU=Organic Farming Division (in this RDN
 * order), validity now .. now + 3650 days, BasicConstraints CA:TRUE (critical), random serial,
 * SHA-256 with RSA. Node: a fresh RSA 2048 key, subject CN=Chia, O=Chia, OU=Organic Farming
 * Division, issuer = the CA's subject, validity now - 1 day .. 2100-08-02 00:00:00 UTC, SAN
 * DNS:chia.net only, random serial, SHA-256 with RSA. Certificates are PEM (0644), keys are PEM
 * PKCS#8 unencrypted ("BEGIN PRIVATE KEY", 0600); directories are created 0755.
 *
 * The public farmer certificate (config/ssl/farmer/public_farmer.{crt,key}, for a farmer that talks
 * to a full node) must be signed by Chia's public CA, whose files cfarm does not ship: it is made
 * only when the root already holds config/ssl/ca/chia_ca.{crt,key} (as a Chia root does), with the
 * node profile above, and kept when present.
 *
 * Everything goes through OpenSSL 3. Files are written to a temporary name and renamed, so a
 * failure leaves either the old file or none, never half a key.
 */
#ifndef CFARM_CERT_H
#define CFARM_CERT_H

#include <stdbool.h>
#include <stdint.h>

#include "cfarm/err.h"

/* Node kinds that have private certificates made by cf_cert_init_root. */
enum cf_cert_node { CF_CERT_HARVESTER, CF_CERT_FARMER, CF_CERT__NODES };

/* Where a root keeps its certificates; each path is absolute (root joined) and heap-owned. */
struct cf_cert_paths {
    char *ca_crt, *ca_key;
    char *node_crt[CF_CERT__NODES], *node_key[CF_CERT__NODES];
    char *chia_ca_crt, *chia_ca_key;             /* Chia's public CA, if the root has it */
    char *public_farmer_crt, *public_farmer_key; /* farmer's certificate under that CA */
};

/*
 * Fill paths for root. When root/config/config.yaml exists and names the files (Chia's keys
 * private_ssl_ca.crt/key, harvester.ssl.private_crt/private_key, farmer.ssl.private_crt/
 * private_key), those paths are used, relative to root unless absolute; any key it lacks takes
 * Chia's default layout above. Chia's keys chia_ssl_ca.crt/key and farmer.ssl.public_crt/public_key
 * name the public CA and the public farmer certificate the same way. A config.yaml that cannot be
 * parsed fails with CF_ERR_CONFIG. On failure *paths holds nothing to free.
 */
enum cf_err cf_cert_paths_load(struct cf_cert_paths *paths, const char *root);
void cf_cert_paths_free(struct cf_cert_paths *paths);

/* What cf_cert_init_root did, for the command to report. */
struct cf_cert_init_report {
    bool ca_created;                   /* a new private CA was made */
    bool ca_copied;                    /* the CA was copied from ca_dir */
    bool node_created[CF_CERT__NODES]; /* a node certificate was (re)made */
    bool public_farmer_created;        /* made from chia_ca (only when the root has it) */
    bool public_ca_present;            /* chia_ca.crt and chia_ca.key are there */
};

/*
 * Make the missing certificates of a root, as `chia init` does.
 *
 * ca_dir NULL: an existing CA and existing node certificates are kept as they are; a missing CA is
 * created (and then every node certificate is remade, since old ones would not chain to it); a
 * missing node certificate is made from the CA.
 * ca_dir set (`chia init -c`): ca_dir must hold private_ca.crt and private_ca.key; they are copied
 * into the root's CA paths and every node certificate is remade from them.
 * On failure some files may already have been written; each written file is complete.
 */
enum cf_err cf_cert_init_root(const struct cf_cert_paths *paths, const char *ca_dir,
                              struct cf_cert_init_report *report);

/* Make a new self-signed private CA and write it to crt_path / key_path. */
enum cf_err cf_cert_make_ca(const char *crt_path, const char *key_path);

/* Make a node certificate signed by the CA in ca_crt / ca_key and write it. */
enum cf_err cf_cert_make_node(const char *ca_crt, const char *ca_key, const char *crt_path,
                              const char *key_path);

/*
 * Node id of a certificate: SHA-256 of its DER encoding, as Chia computes peer node ids.
 * cf_cert_node_id_file reads a PEM certificate file.
 */
enum cf_err cf_cert_node_id_der(uint8_t out[32], const uint8_t *der, size_t der_len);
enum cf_err cf_cert_node_id_file(uint8_t out[32], const char *crt_path);

#endif
