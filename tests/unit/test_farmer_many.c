/*
 * test_farmer_many.c: a farmer with many harvesters at once: 150 harvesters (a third each in the
 * 0.0.36, 0.0.37 and 0.0.38 layouts), each with its own certificate (so its own node id), connect
 * over TLS, get the keys, finish a plot sync and receive
 * signage points; then half of them are killed at once and the farmer goes on with the rest.
 */
#include "test.h"

#include "farmer_harness.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#define N 150

static struct cf_loop *loop;
static struct cf_farmer *farmer;
static struct th hs[N];

/*
 * Certificates for many harvesters, quickly: one EC key shared by all, a certificate each (so a
 * node id each, the SHA-256 of the certificate), signed by the root's private CA. cf_cert makes
 * a fresh RSA key per certificate, as Chia does, which costs seconds for a hundred.
 */
struct certs {
    X509 *ca;
    EVP_PKEY *ca_key, *key;
};

static bool certs_open(struct certs *c, const struct harness_root *root)
{
    FILE *f = fopen(root->paths.ca_crt, "r");

    c->ca = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    f = fopen(root->paths.ca_key, "r");
    c->ca_key = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    c->key = EVP_EC_gen("P-256");
    return c->ca && c->ca_key && c->key;
}

static bool cert_make(const struct certs *c, int serial, const char *crt, const char *key)
{
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    FILE *fc = fopen(crt, "w"), *fk = fopen(key, "w");
    bool ok = x && name && fc && fk;

    ok = ok && X509_set_version(x, 2) && ASN1_INTEGER_set(X509_get_serialNumber(x), serial + 1);
    ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"Chia",
                                          -1, -1, 0);
    ok = ok && X509_set_subject_name(x, name) &&
         X509_set_issuer_name(x, X509_get_subject_name(c->ca));
    ok = ok && X509_gmtime_adj(X509_getm_notBefore(x), -86400) &&
         X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
    ok = ok && X509_set_pubkey(x, c->key) && X509_sign(x, c->ca_key, EVP_sha256()) > 0;
    ok = ok && PEM_write_X509(fc, x) && PEM_write_PrivateKey(fk, c->key, NULL, NULL, 0, NULL, NULL);
    if (fc)
        fclose(fc);
    if (fk)
        fclose(fk);
    X509_NAME_free(name);
    X509_free(x);
    return ok;
}

static bool wait_for(bool (*pred)(void), uint64_t ms)
{
    uint64_t end = harness_ms() + ms;

    while (!pred() && harness_ms() < end)
        cf_loop_run_once(loop, 20);
    return pred();
}

static size_t count_harvesters(void)
{
    struct cf_farmer_stats s;

    cf_farmer_stats(farmer, &s);
    return s.harvesters;
}

static bool p_all_synced(void)
{
    for (int i = 0; i < N; i++)
        if (!hs[i].sync_done)
            return false;
    return count_harvesters() == N;
}

static bool p_all_sps(void)
{
    for (int i = 0; i < N; i++)
        if (hs[i].svc && hs[i].sps < 2)
            return false;
    return true;
}

static bool p_half(void)
{
    return count_harvesters() == N / 2;
}

int main(void)
{
    struct harness_root root;
    struct cf_farmer_keys keys = {0};
    struct cf_farmer_options opt = {0};
    struct cf_simchain_params sp = {.seed = 1, .sp_ms = 100, .min_k = 18};
    struct cf_sp_source *src = NULL;
    struct cf_bls_sk sk;
    uint8_t seed[32];
    int keyed = 0, errors = 0;
    struct certs certs = {0};

    cf_codec_set_point_check(cf_bls_pk_validate, cf_bls_sig_validate);
    if (!harness_root_make(&root, NULL) || cf_loop_new(&loop) != CF_OK ||
        !certs_open(&certs, &root))
        return 1;
    memset(seed, 1, 32);
    CHECK(cf_keys_keygen(&sk, seed, 32) == CF_OK);
    keys.farmer = calloc(1, sizeof *keys.farmer);
    keys.announce_pool = calloc(1, sizeof *keys.announce_pool);
    keys.farmer[0].sk = sk;
    keys.farmer[0].has_sk = true;
    cf_bls_sk_to_pk(&keys.farmer[0].pk, &sk);
    keys.announce_pool[0] = keys.farmer[0].pk;
    keys.n_farmer = keys.n_announce_pool = 1;
    opt.ca_crt = root.paths.ca_crt;
    opt.crt = root.paths.node_crt[CF_CERT_FARMER];
    opt.key = root.paths.node_key[CF_CERT_FARMER];
    opt.listen_host = "127.0.0.1";
    CHECK(cf_farmer_new(loop, &opt, &keys, &farmer) == CF_OK);
    CHECK(cf_simchain_new(loop, &sp, &src) == CF_OK);
    if (farmer == NULL || src == NULL)
        return test_report("test_farmer_many");
    cf_farmer_set_source(farmer, src);
    for (int i = 0; i < N; i++) {
        char crt[128], key[128];

        snprintf(crt, sizeof crt, "%s/m%d.crt", root.dir, i);
        snprintf(key, sizeof key, "%s/m%d.key", root.dir, i);
        hs[i].version = i % 3 == 0 ? "0.0.36" : i % 3 == 1 ? "0.0.37" : "0.0.38";
        hs[i].fake_plots = 10;
        if (!cert_make(&certs, i, crt, key) ||
            !th_start(&hs[i], loop, root.paths.ca_crt, crt, key, cf_farmer_port(farmer)))
            errors++;
    }
    CHECK_EQ_U64(errors, 0);
    CHECK(wait_for(p_all_synced, 60000));
    CHECK(wait_for(p_all_sps, 30000));
    for (int i = 0; i < N; i++) {
        keyed += hs[i].keys_received == 1;
        errors += hs[i].sync_errors;
    }
    CHECK_EQ_U64(keyed, N);
    CHECK_EQ_U64(errors, 0);
    {
        struct cf_farmer_stats s;

        cf_farmer_stats(farmer, &s);
        CHECK_EQ_U64(s.plots, N * 10);
    }
    /* kill every other harvester at once */
    for (int i = 0; i < N; i += 2)
        th_stop(&hs[i]);
    CHECK(wait_for(p_half, 30000));
    for (int i = 1; i < N; i += 2)
        hs[i].sps = 0;
    CHECK(wait_for(p_all_sps, 30000));

    cf_farmer_free(farmer);
    for (int i = 0; i < N; i++)
        th_free(&hs[i]);
    cf_loop_free(loop);
    X509_free(certs.ca);
    EVP_PKEY_free(certs.ca_key);
    EVP_PKEY_free(certs.key);
    harness_root_remove(&root);
    return test_report("test_farmer_many");
}
