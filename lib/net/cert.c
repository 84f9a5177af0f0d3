/*
 * cert.c: private CA and node certificates for a Chia root, through OpenSSL 3.
 *
 * Mirrors what chia's create_ssl does (subjects, SAN, validity, key sizes, file modes); see
 * cfarm/cert.h for the exact profile. The paths come from Chia's config.yaml when the root has one.
 */
#include "cfarm/cert.h"
#include "cfarm/config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cfarm/hash.h"

#define CA_DAYS        3650
#define NODE_NOT_AFTER "21000802000000Z"
#define OU_NAME        "Organic Farming Division"

/* ---- paths ---- */

static char *join(const char *root, const char *rel)
{
    size_t n;
    char *out;

    if (rel[0] == '/')
        return strdup(rel);
    n = strlen(root) + strlen(rel) + 2;
    out = malloc(n);
    if (out)
        snprintf(out, n, "%s/%s", root, rel);
    return out;
}

/*
 * root/(the path configured at cfg_path, or fallback). The config module reads Chia's file with
 * its caps and follows aliases and merge keys as Chia's loader does; an empty value counts as
 * absent, a value of the wrong kind is refused naming its key.
 */
static enum cf_err set_path(char **slot, const char *root, const struct cf_config *doc,
                            const char *cfg_path, const char *fallback)
{
    const char *configured = NULL;
    enum cf_err err = doc ? cf_config_get_str(doc, cfg_path, &configured) : CF_ERR_NOT_FOUND;

    if (err != CF_OK && err != CF_ERR_NOT_FOUND)
        return err;
    if (err != CF_OK || configured[0] == '\0')
        configured = fallback;
    *slot = join(root, configured);
    return *slot ? CF_OK : CF_ERR_NOMEM;
}

enum cf_err cf_cert_paths_load(struct cf_cert_paths *paths, const char *root)
{
    struct cf_config *doc = NULL;
    char *cfg;
    enum cf_err err;
    const struct {
        char **slot;
        const char *cfg_path, *fallback;
    } files[] = {
        {&paths->ca_crt, "private_ssl_ca.crt", "config/ssl/ca/private_ca.crt"},
        {&paths->ca_key, "private_ssl_ca.key", "config/ssl/ca/private_ca.key"},
        {&paths->node_crt[CF_CERT_HARVESTER], "harvester.ssl.private_crt",
         "config/ssl/harvester/private_harvester.crt"},
        {&paths->node_key[CF_CERT_HARVESTER], "harvester.ssl.private_key",
         "config/ssl/harvester/private_harvester.key"},
        {&paths->node_crt[CF_CERT_FARMER], "farmer.ssl.private_crt",
         "config/ssl/farmer/private_farmer.crt"},
        {&paths->node_key[CF_CERT_FARMER], "farmer.ssl.private_key",
         "config/ssl/farmer/private_farmer.key"},
        {&paths->chia_ca_crt, "chia_ssl_ca.crt", "config/ssl/ca/chia_ca.crt"},
        {&paths->chia_ca_key, "chia_ssl_ca.key", "config/ssl/ca/chia_ca.key"},
        {&paths->public_farmer_crt, "farmer.ssl.public_crt", "config/ssl/farmer/public_farmer.crt"},
        {&paths->public_farmer_key, "farmer.ssl.public_key", "config/ssl/farmer/public_farmer.key"},
    };

    memset(paths, 0, sizeof *paths);
    cfg = join(root, "config/config.yaml");
    if (cfg == NULL)
        return CF_ERR_NOMEM;
    err = cf_config_load(cfg, &doc);
    free(cfg);
    if (err == CF_ERR_NOT_FOUND)
        err = CF_OK; /* a root without config.yaml uses Chia's default layout */
    for (size_t i = 0; i < sizeof files / sizeof files[0] && err == CF_OK; i++)
        err = set_path(files[i].slot, root, doc, files[i].cfg_path, files[i].fallback);
    cf_config_free(doc);
    if (err)
        cf_cert_paths_free(paths);
    return err;
}

void cf_cert_paths_free(struct cf_cert_paths *paths)
{
    if (paths == NULL)
        return;
    free(paths->ca_crt);
    free(paths->ca_key);
    for (int i = 0; i < CF_CERT__NODES; i++) {
        free(paths->node_crt[i]);
        free(paths->node_key[i]);
    }
    free(paths->chia_ca_crt);
    free(paths->chia_ca_key);
    free(paths->public_farmer_crt);
    free(paths->public_farmer_key);
    memset(paths, 0, sizeof *paths);
}

/* ---- files ---- */

/* mkdir -p for the directory part of path, mode 0755. */
static enum cf_err make_parent_dirs(const char *path)
{
    char tmp[PATH_MAX];
    size_t n = strlen(path);

    if (n >= sizeof tmp)
        return cf_err_set(CF_ERR_INVAL, "path too long: %s", path);
    memcpy(tmp, path, n + 1);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return cf_err_set(CF_ERR_IO, "mkdir %s: %s", tmp, strerror(errno));
        *p = '/';
    }
    return CF_OK;
}

/* Write PEM text (from a memory BIO) to path with mode, through a temporary file and rename. */
static enum cf_err write_bio_file(BIO *bio, const char *path, mode_t mode)
{
    char tmp[PATH_MAX];
    char *data;
    long len = BIO_get_mem_data(bio, &data);
    enum cf_err err = make_parent_dirs(path);
    int fd;

    if (err)
        return err;
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= sizeof tmp)
        return cf_err_set(CF_ERR_INVAL, "path too long: %s", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return cf_err_set(CF_ERR_IO, "create %s: %s", tmp, strerror(errno));
    if (fchmod(fd, mode) != 0 || write(fd, data, (size_t)len) != (ssize_t)len || fsync(fd) != 0) {
        err = cf_err_set(CF_ERR_IO, "write %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return err;
    }
    close(fd);
    if (rename(tmp, path) != 0) {
        err = cf_err_set(CF_ERR_IO, "rename to %s: %s", path, strerror(errno));
        unlink(tmp);
    }
    return err;
}

static enum cf_err write_pair(X509 *crt, EVP_PKEY *key, const char *crt_path, const char *key_path)
{
    BIO *b = BIO_new(BIO_s_mem());
    enum cf_err err = CF_ERR_NOMEM;

    if (b == NULL)
        return CF_ERR_NOMEM;
    /* OpenSSL 3 writes PKCS#8 ("BEGIN PRIVATE KEY") here, as chia's PrivateFormat.PKCS8. */
    if (!PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL))
        goto free_bio;
    err = write_bio_file(b, key_path, 0600);
    if (err)
        goto free_bio;
    BIO_free(b);
    b = BIO_new(BIO_s_mem());
    err = CF_ERR_NOMEM;
    if (b == NULL || !PEM_write_bio_X509(b, crt))
        goto free_bio;
    err = write_bio_file(b, crt_path, 0644);
free_bio:
    BIO_free(b);
    return err;
}

static enum cf_err read_pem_cert(const char *path, X509 **out)
{
    FILE *f = fopen(path, "rb");

    if (f == NULL)
        return cf_err_set(errno == ENOENT ? CF_ERR_NOT_FOUND : CF_ERR_IO, "%s: %s", path,
                          strerror(errno));
    *out = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    return *out ? CF_OK : cf_err_set(CF_ERR_CRYPTO, "%s: not a PEM certificate", path);
}

static enum cf_err read_pem_key(const char *path, EVP_PKEY **out)
{
    FILE *f = fopen(path, "rb");

    if (f == NULL)
        return cf_err_set(errno == ENOENT ? CF_ERR_NOT_FOUND : CF_ERR_IO, "%s: %s", path,
                          strerror(errno));
    *out = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    return *out ? CF_OK : cf_err_set(CF_ERR_CRYPTO, "%s: not a PEM private key", path);
}

/* ---- certificate building ---- */

static EVP_PKEY *new_rsa_key(void)
{
    return EVP_RSA_gen(2048); /* public exponent 65537 */
}

/* A random positive serial of up to 159 bits, as cryptography's random_serial_number(). */
static int set_random_serial(X509 *x)
{
    BIGNUM *bn = BN_new();
    int ok = bn && BN_rand(bn, 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) && !BN_is_zero(bn) &&
             BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;

    BN_free(bn);
    return ok;
}

static int add_name(X509_NAME *n, const char *field, const char *value)
{
    return X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8, (const unsigned char *)value, -1, -1,
                                      0);
}

static int add_ext(X509 *x, int nid, const char *value)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, NULL, nid, value);
    int ok = ext && X509_add_ext(x, ext, -1);

    X509_EXTENSION_free(ext);
    return ok;
}

enum cf_err cf_cert_make_ca(const char *crt_path, const char *key_path)
{
    EVP_PKEY *key = new_rsa_key();
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    enum cf_err err = CF_ERR_CRYPTO;

    if (key == NULL || x == NULL || name == NULL)
        goto out;
    if (!add_name(name, "O", "Chia") || !add_name(name, "CN", "Chia CA") ||
        !add_name(name, "OU", OU_NAME))
        goto out;
    if (!X509_set_version(x, X509_VERSION_3) || !set_random_serial(x) ||
        !X509_set_subject_name(x, name) || !X509_set_issuer_name(x, name) ||
        !X509_gmtime_adj(X509_getm_notBefore(x), 0) ||
        !X509_gmtime_adj(X509_getm_notAfter(x), (long)CA_DAYS * 86400) ||
        !X509_set_pubkey(x, key) || !add_ext(x, NID_basic_constraints, "critical,CA:TRUE") ||
        !X509_sign(x, key, EVP_sha256()))
        goto out;
    err = write_pair(x, key, crt_path, key_path);
out:
    if (err == CF_ERR_CRYPTO)
        cf_err_set(err, "building the private CA failed");
    X509_NAME_free(name);
    X509_free(x);
    EVP_PKEY_free(key);
    return err;
}

static enum cf_err sign_node(X509 *ca, EVP_PKEY *ca_key, const char *crt_path, const char *key_path)
{
    EVP_PKEY *key = new_rsa_key();
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    enum cf_err err = CF_ERR_CRYPTO;

    if (key == NULL || x == NULL || name == NULL)
        goto out;
    if (!add_name(name, "CN", "Chia") || !add_name(name, "O", "Chia") ||
        !add_name(name, "OU", OU_NAME))
        goto out;
    if (!X509_set_version(x, X509_VERSION_3) || !set_random_serial(x) ||
        !X509_set_subject_name(x, name) || !X509_set_issuer_name(x, X509_get_subject_name(ca)) ||
        !X509_gmtime_adj(X509_getm_notBefore(x), -86400L) ||
        !ASN1_TIME_set_string(X509_getm_notAfter(x), NODE_NOT_AFTER) || !X509_set_pubkey(x, key) ||
        !add_ext(x, NID_subject_alt_name, "DNS:chia.net") || !X509_sign(x, ca_key, EVP_sha256()))
        goto out;
    err = write_pair(x, key, crt_path, key_path);
out:
    if (err == CF_ERR_CRYPTO)
        cf_err_set(err, "building a node certificate failed");
    X509_NAME_free(name);
    X509_free(x);
    EVP_PKEY_free(key);
    return err;
}

enum cf_err cf_cert_make_node(const char *ca_crt, const char *ca_key, const char *crt_path,
                              const char *key_path)
{
    X509 *ca = NULL;
    EVP_PKEY *key = NULL;
    enum cf_err err = read_pem_cert(ca_crt, &ca);

    if (!err)
        err = read_pem_key(ca_key, &key);
    if (!err && X509_check_private_key(ca, key) != 1)
        err = cf_err_set(CF_ERR_BAD_KEY, "%s does not match %s", ca_key, ca_crt);
    if (!err)
        err = sign_node(ca, key, crt_path, key_path);
    EVP_PKEY_free(key);
    X509_free(ca);
    return err;
}

/* ---- init ---- */

static bool file_exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

/* Copy a file (the CA from ca_dir) with mode, through write_bio_file. */
static enum cf_err copy_file(const char *from, const char *to, mode_t mode)
{
    FILE *f = fopen(from, "rb");
    BIO *b = BIO_new(BIO_s_mem());
    char chunk[4096];
    size_t n;
    enum cf_err err = CF_OK;

    if (f == NULL || b == NULL) {
        err = f ? CF_ERR_NOMEM : cf_err_set(CF_ERR_IO, "%s: %s", from, strerror(errno));
        goto out;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (BIO_write(b, chunk, (int)n) != (int)n) {
            err = CF_ERR_NOMEM;
            goto out;
        }
    if (ferror(f))
        err = cf_err_set(CF_ERR_IO, "read %s", from);
    if (!err)
        err = write_bio_file(b, to, mode);
out:
    BIO_free(b);
    if (f)
        fclose(f);
    return err;
}

static enum cf_err import_ca(const struct cf_cert_paths *paths, const char *ca_dir)
{
    char *crt = join(ca_dir, "private_ca.crt"), *key = join(ca_dir, "private_ca.key");
    X509 *x = NULL;
    EVP_PKEY *k = NULL;
    enum cf_err err = CF_ERR_NOMEM;

    if (crt == NULL || key == NULL)
        goto out;
    err = read_pem_cert(crt, &x);
    if (!err)
        err = read_pem_key(key, &k);
    if (!err && X509_check_private_key(x, k) != 1)
        err = cf_err_set(CF_ERR_BAD_KEY, "%s does not match %s", key, crt);
    if (!err && strcmp(crt, paths->ca_crt) != 0)
        err = copy_file(crt, paths->ca_crt, 0644);
    if (!err && strcmp(key, paths->ca_key) != 0)
        err = copy_file(key, paths->ca_key, 0600);
out:
    EVP_PKEY_free(k);
    X509_free(x);
    free(crt);
    free(key);
    return err;
}

enum cf_err cf_cert_init_root(const struct cf_cert_paths *paths, const char *ca_dir,
                              struct cf_cert_init_report *report)
{
    bool remake_all = false;
    enum cf_err err = CF_OK;

    memset(report, 0, sizeof *report);
    if (ca_dir) {
        err = import_ca(paths, ca_dir);
        report->ca_copied = err == CF_OK;
        remake_all = true;
    } else if (!file_exists(paths->ca_crt) || !file_exists(paths->ca_key)) {
        err = cf_cert_make_ca(paths->ca_crt, paths->ca_key);
        report->ca_created = err == CF_OK;
        remake_all = true;
    }
    for (int i = 0; i < CF_CERT__NODES && !err; i++) {
        if (!remake_all && file_exists(paths->node_crt[i]) && file_exists(paths->node_key[i]))
            continue;
        err =
            cf_cert_make_node(paths->ca_crt, paths->ca_key, paths->node_crt[i], paths->node_key[i]);
        report->node_created[i] = err == CF_OK;
    }
    report->public_ca_present = file_exists(paths->chia_ca_crt) && file_exists(paths->chia_ca_key);
    if (!err && report->public_ca_present &&
        (!file_exists(paths->public_farmer_crt) || !file_exists(paths->public_farmer_key))) {
        err = cf_cert_make_node(paths->chia_ca_crt, paths->chia_ca_key, paths->public_farmer_crt,
                                paths->public_farmer_key);
        report->public_farmer_created = err == CF_OK;
    }
    return err;
}

/* ---- node id ---- */

enum cf_err cf_cert_node_id_der(uint8_t out[32], const uint8_t *der, size_t der_len)
{
    cf_sha256(out, der, der_len);
    return CF_OK;
}

enum cf_err cf_cert_node_id_file(uint8_t out[32], const char *crt_path)
{
    X509 *x = NULL;
    unsigned char *der = NULL;
    int len;
    enum cf_err err = read_pem_cert(crt_path, &x);

    if (err)
        return err;
    len = i2d_X509(x, &der);
    if (len <= 0)
        err = cf_err_set(CF_ERR_CRYPTO, "%s: cannot encode certificate", crt_path);
    else
        cf_sha256(out, der, (size_t)len);
    OPENSSL_free(der);
    X509_free(x);
    return err;
}
