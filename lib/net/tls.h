/*
 * net/tls.h (internal): OpenSSL contexts for Chia's private-CA mutual TLS.
 *
 * Server: TLS 1.3 only, a client certificate is required and must chain to the private CA.
 * Client: the server must chain to the same CA; no hostname check (every Chia node certificate
 * says chia.net). Both present their own node certificate. No strict X.509 profile checks, since
 * Chia's leaf certificates carry no keyUsage or authority key id.
 */
#ifndef CFARM_NET_TLS_H
#define CFARM_NET_TLS_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "cfarm/err.h"

/* A new SSL_CTX (caller frees with SSL_CTX_free), or an error with the OpenSSL reason. */
enum cf_err cf_tls_ctx_new(bool server, const char *ca_crt, const char *crt, const char *key,
                           SSL_CTX **out);

/* Node id of the certificate the peer presented on an established connection. */
enum cf_err cf_tls_peer_node_id(SSL *ssl, uint8_t out[32]);

/* Node id of our own certificate in ctx. */
enum cf_err cf_tls_own_node_id(SSL_CTX *ctx, uint8_t out[32]);

/* The first OpenSSL error on this thread's queue as text (clears the queue). */
const char *cf_tls_error_text(char *buf, size_t n);

#endif
