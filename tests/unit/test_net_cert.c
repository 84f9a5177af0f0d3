/*
 * test_net_cert.c: cfarm init's certificates: Chia's profile (subjects, SAN, validity, key size,
 * CA flag), file modes, chaining, keeping existing files, -c CA_DIR, and config.yaml paths.
 */
#include "test.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cfarm/cert.h"

static X509 *load(const char *path)
{
    FILE *f = fopen(path, "rb");
    X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;

    if (f)
        fclose(f);
    return x;
}

static unsigned mode_of(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? (unsigned)(st.st_mode & 0777) : 0;
}

static void name_text(X509_NAME *n, char *out, size_t len)
{
    BIO *b = BIO_new(BIO_s_mem());
    int k;

    X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    k = BIO_read(b, out, (int)len - 1);
    out[k > 0 ? k : 0] = '\0';
    BIO_free(b);
}

static bool verifies(const char *ca_path, const char *leaf_path)
{
    X509 *ca = load(ca_path), *leaf = load(leaf_path);
    X509_STORE *st = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    bool ok = ca && leaf && st && ctx && X509_STORE_add_cert(st, ca) &&
              X509_STORE_CTX_init(ctx, st, leaf, NULL) && X509_verify_cert(ctx) == 1;

    X509_STORE_CTX_free(ctx);
    X509_STORE_free(st);
    X509_free(ca);
    X509_free(leaf);
    return ok;
}

static void check_profile(const struct cf_cert_paths *p)
{
    X509 *ca = load(p->ca_crt), *node = load(p->node_crt[CF_CERT_HARVESTER]);
    char buf[256];
    BASIC_CONSTRAINTS *bc;
    GENERAL_NAMES *san;
    int crit = -1, day, sec;

    CHECK(ca != NULL && node != NULL);
    if (ca == NULL || node == NULL)
        goto out;
    /* RFC 2253 prints the RDNs last first */
    name_text(X509_get_subject_name(ca), buf, sizeof buf);
    CHECK_STR(buf, "OU=Organic Farming Division,CN=Chia CA,O=Chia");
    name_text(X509_get_subject_name(node), buf, sizeof buf);
    CHECK_STR(buf, "OU=Organic Farming Division,O=Chia,CN=Chia");
    CHECK(X509_NAME_cmp(X509_get_issuer_name(node), X509_get_subject_name(ca)) == 0);
    CHECK_EQ_U64(EVP_PKEY_get_bits(X509_get0_pubkey(ca)), 2048);
    CHECK_EQ_U64(EVP_PKEY_get_bits(X509_get0_pubkey(node)), 2048);
    CHECK_EQ_U64(X509_get_signature_nid(node), NID_sha256WithRSAEncryption);
    bc = X509_get_ext_d2i(ca, NID_basic_constraints, &crit, NULL);
    CHECK(bc && bc->ca && crit == 1);
    BASIC_CONSTRAINTS_free(bc);
    CHECK_EQ_U64(X509_get_ext_count(ca), 1);
    CHECK_EQ_U64(X509_get_ext_count(node), 1);
    san = X509_get_ext_d2i(node, NID_subject_alt_name, &crit, NULL);
    CHECK(san && sk_GENERAL_NAME_num(san) == 1 && crit == 0);
    if (san && sk_GENERAL_NAME_num(san) == 1) {
        GENERAL_NAME *g = sk_GENERAL_NAME_value(san, 0);

        CHECK(g->type == GEN_DNS);
        CHECK_STR((const char *)ASN1_STRING_get0_data(g->d.dNSName), "chia.net");
    }
    GENERAL_NAMES_free(san);
    CHECK(ASN1_TIME_diff(&day, &sec, X509_get0_notBefore(ca), X509_get0_notAfter(ca)) &&
          day == 3650);
    CHECK(ASN1_TIME_diff(&day, &sec, X509_get0_notBefore(node), NULL) && day == 1);
    {
        ASN1_TIME *want = ASN1_TIME_new();

        CHECK(ASN1_TIME_set_string(want, "21000802000000Z") &&
              ASN1_TIME_compare(want, X509_get0_notAfter(node)) == 0);
        ASN1_TIME_free(want);
    }
    CHECK(verifies(p->ca_crt, p->node_crt[CF_CERT_HARVESTER]));
    CHECK(verifies(p->ca_crt, p->node_crt[CF_CERT_FARMER]));
out:
    X509_free(ca);
    X509_free(node);
}

static void check_key_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[64] = "";

    CHECK(f && fgets(line, sizeof line, f));
    CHECK_STR(line, "-----BEGIN PRIVATE KEY-----\n");
    if (f)
        fclose(f);
    CHECK_EQ_U64(mode_of(path), 0600);
}

int main(void)
{
    char root[] = "/tmp/cfarm-cert-XXXXXX", other[] = "/tmp/cfarm-cert2-XXXXXX", path[512],
         cmd[600];
    struct cf_cert_paths p, q;
    struct cf_cert_init_report rep;
    uint8_t id1[32], id2[32];
    FILE *f;

    CHECK(mkdtemp(root) != NULL && mkdtemp(other) != NULL);
    CHECK(cf_cert_paths_load(&p, root) == CF_OK);
    snprintf(path, sizeof path, "%s/config/ssl/harvester/private_harvester.crt", root);
    CHECK_STR(p.node_crt[CF_CERT_HARVESTER], path);

    CHECK(cf_cert_init_root(&p, NULL, &rep) == CF_OK);
    CHECK(rep.ca_created && rep.node_created[0] && rep.node_created[1]);
    check_profile(&p);
    check_key_file(p.ca_key);
    check_key_file(p.node_key[CF_CERT_FARMER]);
    CHECK_EQ_U64(mode_of(p.ca_crt), 0644);
    CHECK(cf_cert_node_id_file(id1, p.node_crt[CF_CERT_FARMER]) == CF_OK);

    /* a second init keeps everything */
    CHECK(cf_cert_init_root(&p, NULL, &rep) == CF_OK);
    CHECK(!rep.ca_created && !rep.node_created[0] && !rep.node_created[1]);
    CHECK(cf_cert_node_id_file(id2, p.node_crt[CF_CERT_FARMER]) == CF_OK);
    CHECK_MEM(id1, id2, 32);

    /* a missing node certificate is remade from the kept CA */
    unlink(p.node_crt[CF_CERT_HARVESTER]);
    CHECK(cf_cert_init_root(&p, NULL, &rep) == CF_OK);
    CHECK(!rep.ca_created && rep.node_created[CF_CERT_HARVESTER] &&
          !rep.node_created[CF_CERT_FARMER]);
    CHECK(verifies(p.ca_crt, p.node_crt[CF_CERT_HARVESTER]));

    /* -c: a second root built from a copy of the first root's CA; config.yaml moves the files */
    snprintf(path, sizeof path, "%s/config", other);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/config/config.yaml", other);
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("logging: &logging\n  log_level: INFO\nharvester:\n  logging: *logging\n"
              "  ssl:\n    private_crt: custom/h.crt\n    private_key: custom/h.key\n"
              "shared_ssl: &shared_ssl\n  private_crt: custom/f.crt\n  private_key: custom/f.key\n"
              "farmer:\n  ssl:\n    <<: *shared_ssl\n",
              f);
        fclose(f);
    }
    CHECK(cf_cert_paths_load(&q, other) == CF_OK);
    snprintf(path, sizeof path, "%s/custom/h.crt", other);
    CHECK_STR(q.node_crt[CF_CERT_HARVESTER], path);
    /* a path reached through a merge key, as Chia's loader resolves it */
    snprintf(path, sizeof path, "%s/custom/f.key", other);
    CHECK_STR(q.node_key[CF_CERT_FARMER], path);
    snprintf(path, sizeof path, "%s/config/ssl/ca", root);
    CHECK(cf_cert_init_root(&q, path, &rep) == CF_OK);
    CHECK(rep.ca_copied && rep.node_created[0] && rep.node_created[1]);
    CHECK(verifies(p.ca_crt, q.node_crt[CF_CERT_HARVESTER]));
    CHECK(verifies(q.ca_crt, p.node_crt[CF_CERT_FARMER]));
    check_key_file(q.ca_key);
    /* a CA directory without the files fails */
    CHECK(cf_cert_init_root(&q, other, &rep) == CF_ERR_NOT_FOUND);

    /* with Chia's public CA in the root (here: a stand-in made like a CA), the public farmer
     * certificate is made from it, and kept on the next init */
    CHECK(!rep.public_farmer_created && !rep.public_ca_present);
    CHECK(cf_cert_make_ca(p.chia_ca_crt, p.chia_ca_key) == CF_OK);
    CHECK(cf_cert_init_root(&p, NULL, &rep) == CF_OK);
    CHECK(rep.public_ca_present && rep.public_farmer_created);
    CHECK(verifies(p.chia_ca_crt, p.public_farmer_crt));
    CHECK(!verifies(p.ca_crt, p.public_farmer_crt));
    check_key_file(p.public_farmer_key);
    CHECK(cf_cert_init_root(&p, NULL, &rep) == CF_OK);
    CHECK(!rep.public_farmer_created);

    /* broken YAML is a config error */
    snprintf(path, sizeof path, "%s/config/config.yaml", other);
    f = fopen(path, "w");
    if (f) {
        fputs("harvester: [unclosed\n", f);
        fclose(f);
    }
    cf_cert_paths_free(&q);
    CHECK(cf_cert_paths_load(&q, other) == CF_ERR_CONFIG);

    cf_cert_paths_free(&p);
    cf_cert_paths_free(&q);
    cf_cert_paths_free(NULL);
    snprintf(cmd, sizeof cmd, "rm -rf %s %s", root, other);
    CHECK(system(cmd) == 0);
    return test_report("test_net_cert");
}
