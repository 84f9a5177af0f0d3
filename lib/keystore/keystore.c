/*
 * keystore.c: cfarm's key file (format and guarantees in include/cfarm/keystore.h and
 * docs/keys.md). A small line format rather than JSON so that the only copies of a mnemonic are
 * buffers this file owns and wipes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfarm/ct.h"
#include "cfarm/keys.h"
#include "cfarm/keystore.h"

#define MAGIC_LINE "cfarm-keys 1"
#define MAX_FILE   ((size_t)1 << 20)
#define MAX_LINE   512
#define TMP_FILE   CF_KEYSTORE_FILE ".tmp"

struct entry {
    uint32_t fingerprint;
    char mnemonic[CF_KEYS_MNEMONIC_MAX];
};

struct cf_keystore {
    size_t n;
    struct entry e[CF_KEYSTORE_MAX_KEYS];
};

char *cf_keystore_path(const char *root)
{
    size_t n = strlen(root) + sizeof "/" CF_KEYSTORE_DIR "/" CF_KEYSTORE_FILE;
    char *out = malloc(n);

    if (out)
        snprintf(out, n, "%s/%s/%s", root, CF_KEYSTORE_DIR, CF_KEYSTORE_FILE);
    return out;
}

void cf_keystore_free(struct cf_keystore *ks)
{
    if (ks == NULL)
        return;
    cf_ct_wipe(ks, sizeof *ks);
    free(ks);
}

size_t cf_keystore_count(const struct cf_keystore *ks)
{
    return ks->n;
}

uint32_t cf_keystore_fingerprint(const struct cf_keystore *ks, size_t i)
{
    return ks->e[i].fingerprint;
}

const char *cf_keystore_mnemonic(const struct cf_keystore *ks, size_t i)
{
    return ks->e[i].mnemonic;
}

enum cf_err cf_keystore_find(const struct cf_keystore *ks, uint32_t fingerprint, size_t *i)
{
    for (size_t k = 0; k < ks->n; k++) {
        if (ks->e[k].fingerprint == fingerprint) {
            *i = k;
            return CF_OK;
        }
    }
    return cf_err_set(CF_ERR_NOT_FOUND, "no key with fingerprint %u", (unsigned)fingerprint);
}

/* "key <fingerprint> <words>" into e; lineno only for messages. */
static enum cf_err parse_key_line(struct entry *e, char *line, size_t lineno)
{
    char *p = line + 4, *end;
    uint8_t entropy[CF_KEYS_MAX_ENTROPY];
    size_t len;
    unsigned long v;
    enum cf_err err;

    errno = 0;
    v = strtoul(p, &end, 10);
    if (end == p || *p < '0' || *p > '9' || *end != ' ' || errno || v > UINT32_MAX)
        return cf_err_set(CF_ERR_CONFIG, "key file line %zu: bad fingerprint", lineno);
    e->fingerprint = (uint32_t)v;
    err = cf_keys_mnemonic_to_entropy(entropy, &len, end + 1);
    cf_ct_wipe(entropy, sizeof entropy);
    if (err == CF_OK)
        err = cf_keys_mnemonic_normalize(e->mnemonic, NULL, end + 1);
    if (err != CF_OK)
        return cf_err_set(CF_ERR_CONFIG, "key file line %zu: invalid mnemonic", lineno);
    return CF_OK;
}

/* Parse the file text (NUL-terminated, modified in place) into ks. */
static enum cf_err parse_text(struct cf_keystore *ks, char *text)
{
    char *line = text, *nl;
    size_t lineno = 0;
    bool magic = false;
    enum cf_err err;

    for (; *line; line = nl) {
        nl = strchr(line, '\n');
        nl = nl ? (*nl = '\0', nl + 1) : line + strlen(line);
        lineno++;
        if (strlen(line) > MAX_LINE)
            return cf_err_set(CF_ERR_CONFIG, "key file line %zu is too long", lineno);
        if (line[0] == '\0' || line[0] == '#')
            continue;
        if (!magic) {
            if (strcmp(line, MAGIC_LINE) != 0)
                return cf_err_set(CF_ERR_CONFIG, "key file: first line is not '%s'", MAGIC_LINE);
            magic = true;
            continue;
        }
        if (strncmp(line, "key ", 4) != 0)
            return cf_err_set(CF_ERR_CONFIG, "key file line %zu: unknown entry", lineno);
        if (ks->n == CF_KEYSTORE_MAX_KEYS)
            return cf_err_set(CF_ERR_CONFIG, "key file: more than %d keys", CF_KEYSTORE_MAX_KEYS);
        err = parse_key_line(&ks->e[ks->n], line, lineno);
        if (err != CF_OK)
            return err;
        ks->n++;
    }
    if (!magic && ks->n == 0 && lineno > 0)
        return cf_err_set(CF_ERR_CONFIG, "key file: no '%s' line", MAGIC_LINE);
    return CF_OK;
}

/* Read <dirfd>/keys.txt into a new store; a missing file is an empty store. */
static enum cf_err load_at(int dirfd, struct cf_keystore **out)
{
    struct cf_keystore *ks = calloc(1, sizeof *ks);
    char *text = NULL;
    size_t size = 0, got = 0;
    struct stat st;
    int fd = -1;
    enum cf_err err = CF_OK;

    *out = NULL;
    if (ks == NULL)
        return cf_err_set(CF_ERR_NOMEM, "key store");
    fd = dirfd < 0 ? -1 : openat(dirfd, CF_KEYSTORE_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (dirfd < 0 || errno == ENOENT)
            goto done;
        err = cf_err_set(CF_ERR_IO, "open key file: %s", strerror(errno));
        goto done;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        err = cf_err_set(CF_ERR_IO, "key file is not a regular file");
        goto done;
    }
    if (st.st_mode & 077) {
        err = cf_err_set(CF_ERR_CONFIG, "key file mode %03o lets others read it (chmod 600 it)",
                         (unsigned)(st.st_mode & 0777));
        goto done;
    }
    if ((size_t)st.st_size > MAX_FILE) {
        err = cf_err_set(CF_ERR_CONFIG, "key file larger than %zu bytes", MAX_FILE);
        goto done;
    }
    size = (size_t)st.st_size;
    text = malloc(size + 1);
    if (text == NULL) {
        err = cf_err_set(CF_ERR_NOMEM, "key file");
        goto done;
    }
    while (got < size) {
        ssize_t r = read(fd, text + got, size - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            err = cf_err_set(CF_ERR_IO, "read key file: %s", r < 0 ? strerror(errno) : "short");
            goto done;
        }
        got += (size_t)r;
    }
    text[size] = '\0';
    if (strlen(text) != size)
        err = cf_err_set(CF_ERR_CONFIG, "key file contains a NUL byte");
    else
        err = parse_text(ks, text);
done:
    if (text) {
        cf_ct_wipe(text, size + 1);
        free(text);
    }
    if (fd >= 0)
        close(fd);
    if (err == CF_OK)
        *out = ks;
    else
        cf_keystore_free(ks);
    return err;
}

static char *keys_dir(const char *root)
{
    size_t n = strlen(root) + sizeof "/" CF_KEYSTORE_DIR;
    char *out = malloc(n);

    if (out)
        snprintf(out, n, "%s/%s", root, CF_KEYSTORE_DIR);
    return out;
}

enum cf_err cf_keystore_load(const char *root, struct cf_keystore **out)
{
    char *dir = keys_dir(root);
    int dirfd;
    enum cf_err err;

    *out = NULL;
    if (dir == NULL)
        return cf_err_set(CF_ERR_NOMEM, "key store");
    dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (dirfd < 0 && errno != ENOENT)
        return cf_err_set(CF_ERR_IO, "open keys directory: %s", strerror(errno));
    err = load_at(dirfd, out);
    if (dirfd >= 0)
        close(dirfd);
    return err;
}

/* mkdir -p with mode 0700 for every directory it creates. */
static enum cf_err make_dirs(const char *path)
{
    char *copy = strdup(path);
    enum cf_err err = CF_OK;

    if (copy == NULL)
        return cf_err_set(CF_ERR_NOMEM, "path");
    for (char *p = copy + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;

            *p = '\0';
            if (mkdir(copy, 0700) != 0 && errno != EEXIST) {
                err = cf_err_set(CF_ERR_IO, "mkdir %s: %s", copy, strerror(errno));
                break;
            }
            *p = c;
            if (c == '\0')
                break;
        }
    }
    free(copy);
    return err;
}

/* Open (creating as needed) root/keys with mode 0700, locked exclusively. */
static enum cf_err open_locked(const char *root, int *dirfd)
{
    char *dir = keys_dir(root);
    enum cf_err err;
    int fd;

    if (dir == NULL)
        return cf_err_set(CF_ERR_NOMEM, "key store");
    err = make_dirs(dir);
    fd = err == CF_OK ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    free(dir);
    if (err != CF_OK)
        return err;
    if (fd < 0)
        return cf_err_set(CF_ERR_IO, "open keys directory: %s", strerror(errno));
    if (fchmod(fd, 0700) != 0 || flock(fd, LOCK_EX) != 0) {
        err = cf_err_set(CF_ERR_IO, "keys directory: %s", strerror(errno));
        close(fd);
        return err;
    }
    *dirfd = fd;
    return CF_OK;
}

static enum cf_err write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return cf_err_set(CF_ERR_IO, "write key file: %s", strerror(errno));
        p += w;
        n -= (size_t)w;
    }
    return CF_OK;
}

/* Serialise ks into a 0600 temporary file and rename it over the key file. */
static enum cf_err save_at(int dirfd, const struct cf_keystore *ks)
{
    static const char header[] =
        "# cfarm key file (docs/keys.md). It holds SECRET KEYS (BIP39 mnemonics), unencrypted,\n"
        "# protected only by its file mode (0600). Never share it; keep a backup "
        "offline.\n" MAGIC_LINE "\n";
    size_t cap = sizeof header + ks->n * (CF_KEYS_MNEMONIC_MAX + 20), len;
    char *text = malloc(cap);
    enum cf_err err = CF_OK;
    int fd = -1;

    if (text == NULL)
        return cf_err_set(CF_ERR_NOMEM, "key file");
    len = (size_t)snprintf(text, cap, "%s", header);
    for (size_t i = 0; i < ks->n; i++)
        len += (size_t)snprintf(text + len, cap - len, "key %u %s\n",
                                (unsigned)ks->e[i].fingerprint, ks->e[i].mnemonic);
    for (int attempt = 0; attempt < 2 && fd < 0; attempt++) {
        fd = openat(dirfd, TMP_FILE, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno == EEXIST) /* left by a crash; we hold the lock */
            unlinkat(dirfd, TMP_FILE, 0);
    }
    if (fd < 0) {
        err = cf_err_set(CF_ERR_IO, "create key file: %s", strerror(errno));
        goto out;
    }
    if (fchmod(fd, 0600) != 0) /* whatever the umask said */
        err = cf_err_set(CF_ERR_IO, "chmod key file: %s", strerror(errno));
    if (err == CF_OK)
        err = write_all(fd, text, len);
    if (err == CF_OK && fsync(fd) != 0)
        err = cf_err_set(CF_ERR_IO, "fsync key file: %s", strerror(errno));
    if (close(fd) != 0 && err == CF_OK)
        err = cf_err_set(CF_ERR_IO, "close key file: %s", strerror(errno));
    if (err == CF_OK && renameat(dirfd, TMP_FILE, dirfd, CF_KEYSTORE_FILE) != 0)
        err = cf_err_set(CF_ERR_IO, "rename key file: %s", strerror(errno));
    if (err != CF_OK)
        unlinkat(dirfd, TMP_FILE, 0);
    else
        fsync(dirfd);
out:
    cf_ct_wipe(text, cap);
    free(text);
    return err;
}

static enum cf_err mnemonic_fingerprint(const char *mnemonic, uint32_t *fp)
{
    struct cf_bls_sk sk;
    struct cf_bls_pk pk;
    enum cf_err err = cf_keys_mnemonic_to_master_sk(&sk, mnemonic);

    if (err == CF_OK) {
        cf_bls_sk_to_pk(&pk, &sk);
        *fp = cf_keys_fingerprint(&pk);
    }
    cf_ct_wipe(&sk, sizeof sk);
    return err;
}

enum cf_err cf_keystore_add(const char *root, const char *mnemonic, uint32_t *fingerprint)
{
    struct cf_keystore *ks = NULL;
    struct entry e;
    uint8_t entropy[CF_KEYS_MAX_ENTROPY];
    size_t len, at;
    int dirfd = -1;
    enum cf_err err;

    err = cf_keys_mnemonic_to_entropy(entropy, &len, mnemonic);
    cf_ct_wipe(entropy, sizeof entropy);
    if (err == CF_OK)
        err = cf_keys_mnemonic_normalize(e.mnemonic, NULL, mnemonic);
    if (err == CF_OK)
        err = mnemonic_fingerprint(e.mnemonic, &e.fingerprint);
    if (err != CF_OK)
        goto out;
    if (fingerprint)
        *fingerprint = e.fingerprint;
    err = open_locked(root, &dirfd);
    if (err == CF_OK)
        err = load_at(dirfd, &ks);
    if (err != CF_OK)
        goto out;
    if (cf_keystore_find(ks, e.fingerprint, &at) == CF_OK) {
        err =
            cf_err_set(CF_ERR_EXISTS, "key %u is already in the key file", (unsigned)e.fingerprint);
        goto out;
    }
    cf_err_clear();
    if (ks->n == CF_KEYSTORE_MAX_KEYS) {
        err = cf_err_set(CF_ERR_TOO_LARGE, "the key file holds %d keys already",
                         CF_KEYSTORE_MAX_KEYS);
        goto out;
    }
    ks->e[ks->n++] = e;
    err = save_at(dirfd, ks);
out:
    cf_ct_wipe(&e, sizeof e);
    cf_keystore_free(ks);
    if (dirfd >= 0)
        close(dirfd); /* releases the lock */
    return err;
}

enum cf_err cf_keystore_delete(const char *root, uint32_t fingerprint)
{
    struct cf_keystore *ks = NULL;
    size_t at = 0;
    int dirfd = -1;
    enum cf_err err = open_locked(root, &dirfd);

    if (err == CF_OK)
        err = load_at(dirfd, &ks);
    if (err == CF_OK)
        err = cf_keystore_find(ks, fingerprint, &at);
    if (err == CF_OK) {
        memmove(&ks->e[at], &ks->e[at + 1], (ks->n - at - 1) * sizeof ks->e[0]);
        ks->n--;
        cf_ct_wipe(&ks->e[ks->n], sizeof ks->e[0]);
        err = save_at(dirfd, ks);
    }
    cf_keystore_free(ks);
    if (dirfd >= 0)
        close(dirfd);
    return err;
}

enum cf_err cf_keystore_derive(const struct cf_keystore *ks, size_t i, struct cf_keystore_keys *out)
{
    enum cf_err err;

    memset(out, 0, sizeof *out);
    if (i >= ks->n)
        return cf_err_set(CF_ERR_NOT_FOUND, "no key %zu", i);
    err = cf_keys_mnemonic_to_master_sk(&out->master_sk, ks->e[i].mnemonic);
    if (err == CF_OK)
        err = cf_keys_farmer_sk(&out->farmer_sk, &out->master_sk);
    if (err == CF_OK)
        err = cf_keys_pool_sk(&out->pool_sk, &out->master_sk);
    if (err == CF_OK) {
        cf_bls_sk_to_pk(&out->master_pk, &out->master_sk);
        cf_bls_sk_to_pk(&out->farmer_pk, &out->farmer_sk);
        cf_bls_sk_to_pk(&out->pool_pk, &out->pool_sk);
        out->fingerprint = cf_keys_fingerprint(&out->master_pk);
        if (out->fingerprint != ks->e[i].fingerprint)
            err = cf_err_set(CF_ERR_CONFIG,
                             "key file: fingerprint %u does not match its mnemonic (%u)",
                             (unsigned)ks->e[i].fingerprint, (unsigned)out->fingerprint);
    }
    if (err != CF_OK)
        cf_ct_wipe(out, sizeof *out);
    return err;
}

enum cf_err cf_keystore_load_keys(const char *root, uint32_t fingerprint,
                                  struct cf_keystore_keys *out)
{
    struct cf_keystore *ks = NULL;
    size_t i = 0;
    enum cf_err err = cf_keystore_load(root, &ks);

    memset(out, 0, sizeof *out);
    if (err == CF_OK && ks->n == 0)
        err = cf_err_set(CF_ERR_NOT_FOUND, "no key in the key file (run 'cfarm keys add')");
    if (err == CF_OK && fingerprint != 0)
        err = cf_keystore_find(ks, fingerprint, &i);
    if (err == CF_OK)
        err = cf_keystore_derive(ks, i, out);
    cf_keystore_free(ks);
    return err;
}
