/*
 * test_keystore.c: the key file: missing file = empty store, add/find/derive/delete, modes
 * (file 0600, directory 0700, whatever the umask), duplicates, bad checksums, a file others can
 * read, malformed lines, a fingerprint that does not match its mnemonic, a stale temporary file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfarm/keys.h"
#include "cfarm/keystore.h"
#include "test.h"

static const char m12[] = "abandon abandon abandon abandon abandon abandon abandon abandon "
                          "abandon abandon abandon about";
static char root[256];

static void write_file(const char *text, mode_t mode)
{
    char *path = cf_keystore_path(root);
    FILE *f = fopen(path, "w");

    if (f) {
        fputs(text, f);
        fclose(f);
    }
    chmod(path, mode);
    free(path);
}

static unsigned mode_of(const char *rel)
{
    char path[512];
    struct stat st;

    snprintf(path, sizeof path, "%s/%s", root, rel);
    return stat(path, &st) == 0 ? (unsigned)(st.st_mode & 0777) : 0;
}

static void test_add_show_delete(void)
{
    struct cf_keystore *ks = NULL;
    struct cf_keystore_keys k;
    uint32_t fp = 0, fp2 = 0;
    uint8_t e[32];
    char m24[CF_KEYS_MNEMONIC_MAX];
    size_t i;

    CHECK(cf_keystore_load(root, &ks) == CF_OK);
    CHECK(ks && cf_keystore_count(ks) == 0);
    cf_keystore_free(ks);
    CHECK(cf_keystore_load_keys(root, 0, &k) == CF_ERR_NOT_FOUND);

    umask(022);
    CHECK(cf_keystore_add(root, "aban aban aban aban aban aban aban aban aban aban aban abou",
                          &fp) == CF_OK);
    CHECK_EQ_U64(mode_of("keys/keys.txt"), 0600);
    CHECK_EQ_U64(mode_of("keys"), 0700);
    CHECK(cf_keystore_add(root, m12, &fp2) == CF_ERR_EXISTS);
    CHECK_EQ_U64(fp2, fp);
    memset(e, 0x33, sizeof e);
    CHECK(cf_keys_mnemonic_from_entropy(m24, e, 32) == CF_OK);
    CHECK(cf_keystore_add(root, m24, &fp2) == CF_OK);
    CHECK(fp2 != fp);
    /* Bad checksum: twelve "abandon". */
    CHECK(cf_keystore_add(root,
                          "abandon abandon abandon abandon abandon abandon abandon abandon "
                          "abandon abandon abandon abandon",
                          NULL) == CF_ERR_BAD_MNEMONIC);

    CHECK(cf_keystore_load(root, &ks) == CF_OK);
    CHECK_EQ_U64(cf_keystore_count(ks), 2);
    CHECK(cf_keystore_find(ks, fp, &i) == CF_OK);
    CHECK_STR(cf_keystore_mnemonic(ks, i), m12); /* the full-word form is stored */
    CHECK(cf_keystore_derive(ks, i, &k) == CF_OK);
    CHECK_EQ_U64(k.fingerprint, fp);
    CHECK(cf_keystore_find(ks, 12345, &i) == CF_ERR_NOT_FOUND);
    cf_keystore_free(ks);

    CHECK(cf_keystore_load_keys(root, fp2, &k) == CF_OK);
    CHECK_EQ_U64(k.fingerprint, fp2);
    CHECK(cf_keystore_load_keys(root, 0, &k) == CF_OK);
    CHECK_EQ_U64(k.fingerprint, fp); /* 0 = the first key */
    CHECK(cf_keystore_load_keys(root, 1, &k) == CF_ERR_NOT_FOUND);

    CHECK(cf_keystore_delete(root, fp) == CF_OK);
    CHECK(cf_keystore_delete(root, fp) == CF_ERR_NOT_FOUND);
    CHECK(cf_keystore_load(root, &ks) == CF_OK);
    CHECK_EQ_U64(cf_keystore_count(ks), 1);
    CHECK_EQ_U64(cf_keystore_fingerprint(ks, 0), fp2);
    cf_keystore_free(ks);
    CHECK_EQ_U64(mode_of("keys/keys.txt"), 0600);
}

static void test_bad_files(void)
{
    struct cf_keystore *ks = NULL;
    struct cf_keystore_keys k;
    char text[512];
    uint32_t fp = 0;

    CHECK(cf_keystore_load_keys(root, 0, &k) == CF_OK);
    fp = k.fingerprint;
    /* Readable by others. */
    snprintf(text, sizeof text, "cfarm-keys 1\nkey %u %s\n", fp + 1, m12);
    write_file(text, 0640);
    CHECK(cf_keystore_load(root, &ks) == CF_ERR_CONFIG);
    CHECK(strstr(cf_err_detail(), "chmod 600") != NULL);
    /* Stored fingerprint does not match the mnemonic: loads, but derive refuses. */
    write_file(text, 0600);
    CHECK(cf_keystore_load(root, &ks) == CF_OK);
    CHECK(cf_keystore_derive(ks, 0, &k) == CF_ERR_CONFIG);
    cf_keystore_free(ks);
    /* Malformed: no magic line, unknown entry, bad fingerprint, bad mnemonic (checksum). */
    write_file("key 1 abandon\n", 0600);
    CHECK(cf_keystore_load(root, &ks) == CF_ERR_CONFIG);
    write_file("cfarm-keys 1\nfoo bar\n", 0600);
    CHECK(cf_keystore_load(root, &ks) == CF_ERR_CONFIG);
    CHECK(strstr(cf_err_detail(), "line 2") != NULL);
    snprintf(text, sizeof text, "cfarm-keys 1\nkey x%u %s\n", fp, m12);
    write_file(text, 0600);
    CHECK(cf_keystore_load(root, &ks) == CF_ERR_CONFIG);
    write_file("cfarm-keys 1\nkey 5 abandon abandon abandon abandon abandon abandon abandon "
               "abandon abandon abandon abandon abandon\n",
               0600);
    CHECK(cf_keystore_load(root, &ks) == CF_ERR_CONFIG);
    CHECK(strstr(cf_err_detail(), "abandon") == NULL); /* never the words */
    /* Comments and blank lines are fine; a stale temporary file does not block a write. */
    snprintf(text, sizeof text, "# note\n\ncfarm-keys 1\n# x\nkey %u %s\n", fp, m12);
    write_file(text, 0600);
    CHECK(cf_keystore_load(root, &ks) == CF_OK);
    CHECK(ks && cf_keystore_count(ks) == 1);
    cf_keystore_free(ks);
    snprintf(text, sizeof text, "%s/keys/keys.txt.tmp", root);
    {
        FILE *f = fopen(text, "w");

        CHECK(f != NULL);
        if (f)
            fclose(f);
    }
    CHECK(cf_keystore_delete(root, fp) == CF_OK);
    CHECK(access(text, F_OK) != 0);
}

int main(void)
{
    char cmd[300];
    int rc;
    const char *tmp = getenv("TMPDIR");

    snprintf(root, sizeof root, "%s/cfarm-test-keystore-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (strlen(root) + sizeof "/sub/root" > sizeof root || mkdtemp(root) == NULL) {
        fprintf(stderr, "test_keystore: cannot make a scratch directory under %s\n", root);
        return 1;
    }
    strcat(root, "/sub/root"); /* parents are created too */
    test_add_show_delete();
    test_bad_files();
    rc = test_report("test_keystore");
    root[strlen(root) - strlen("/sub/root")] = '\0';
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0)
        return 1;
    return rc;
}
