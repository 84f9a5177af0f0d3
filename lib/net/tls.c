/*
 * tls.c: OpenSSL contexts for mutual TLS under a Chia private CA, and node ids (SHA-256 of the
 * peer's DER certificate). See net/tls.h.
 */
#include "net/tls.h"

#include <stdio.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "cfarm/hash.h"

const char *cf_tls_error_text(char *buf, size_t n)
{
    unsigned long e = ERR_get_error();

    if (e == 0)
        snprintf(buf, n, "no OpenSSL detail");
    else
        ERR_error_string_n(e, buf, n);
    ERR_clear_error();
    return buf;
}

enum cf_err cf_tls_ctx_new(bool server, const char *ca_crt, const char *crt, const char *key,
                           SSL_CTX **out)
{
    SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    char why[256];
    const char *step = "SSL_CTX_new";

    *out = NULL;
    if (ctx == NULL)
        goto fail;
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    step = "TLS version";
    if (!SSL_CTX_set_min_proto_version(ctx, server ? TLS1_3_VERSION : TLS1_2_VERSION))
        goto fail;
    step = crt;
    if (SSL_CTX_use_certificate_chain_file(ctx, crt) != 1)
        goto fail;
    step = key;
    if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1)
        goto fail;
    step = ca_crt;
    if (SSL_CTX_load_verify_locations(ctx, ca_crt, NULL) != 1)
        goto fail;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | (server ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), NULL);
    SSL_CTX_set_verify_depth(ctx, 4);
    *out = ctx;
    return CF_OK;
fail:
    cf_err_set(CF_ERR_TLS, "%s: %s", step, cf_tls_error_text(why, sizeof why));
    SSL_CTX_free(ctx);
    return CF_ERR_TLS;
}

static enum cf_err x509_node_id(X509 *x, uint8_t out[32])
{
    unsigned char *der = NULL;
    int len = x ? i2d_X509(x, &der) : -1;

    if (len <= 0)
        return cf_err_set(CF_ERR_TLS, "no certificate to derive a node id from");
    cf_sha256(out, der, (size_t)len);
    OPENSSL_free(der);
    return CF_OK;
}

enum cf_err cf_tls_peer_node_id(SSL *ssl, uint8_t out[32])
{
    X509 *x = SSL_get1_peer_certificate(ssl);
    enum cf_err err = x509_node_id(x, out);

    X509_free(x);
    return err;
}

enum cf_err cf_tls_own_node_id(SSL_CTX *ctx, uint8_t out[32])
{
    return x509_node_id(SSL_CTX_get0_certificate(ctx), out);
}
