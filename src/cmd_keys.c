/*
 * cmd_keys.c: `cfarm keys`: create, import, list, derive and delete the keys in the key file.
 *
 * A mnemonic only ever enters through stdin (never argv, which other users can read in /proc)
 * and only leaves through stdout when the user asks for secrets. Every buffer that held one is
 * wiped before exit.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <termios.h>
#include <unistd.h>

#include "cfarm/ct.h"
#include "cfarm/hex.h"
#include "cfarm/keys.h"
#include "cfarm/keystore.h"
#include "cli.h"
#include "commands.h"

#define STDIN_MAX 4096

struct keys_opts {
    const char *sub;
    const char *root;
    const char *path;
    const char *fingerprint;
    const char *words;
    bool show_secrets;
    bool unhardened;
};

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: cfarm keys <command> [--root DIR] [options]\n\n"
        "  generate [--words 12|15|18|21|24]  new mnemonic (24 words) saved to the key file\n"
        "  add                                  read a mnemonic from stdin, check it, save it\n"
        "  show [--fingerprint F] [--show-secrets]\n"
        "                                       fingerprint, master, farmer and pool keys\n"
        "  derive --path 12381/8444/2/0 [--unhardened] [--fingerprint F] [--show-secrets]\n"
        "                                       steps are hardened unless --unhardened; with\n"
        "                                       Chia's marks (m/12381n/8444n/2/0) 'n' = hardened\n"
        "  delete --fingerprint F\n\n"
        "The key file is <root>/keys/keys.txt (mode 0600); it holds secrets unencrypted.\n");
}

/* Options may come before or after the subcommand, which is the one positional argument. */
static int parse_opts(int argc, char **argv, struct keys_opts *o)
{
    for (int i = 1; i < argc; i++) {
        bool missing = false;

        if (cli_opt(argc, argv, &i, "--root", &o->root, &missing) ||
            cli_opt(argc, argv, &i, "--path", &o->path, &missing) ||
            cli_opt(argc, argv, &i, "--fingerprint", &o->fingerprint, &missing) ||
            cli_opt(argc, argv, &i, "-f", &o->fingerprint, &missing) ||
            cli_opt(argc, argv, &i, "--words", &o->words, &missing)) {
            if (missing)
                return cli_fail("keys: %s needs a value", argv[i]);
        } else if (strcmp(argv[i], "--show-secrets") == 0) {
            o->show_secrets = true;
        } else if (strcmp(argv[i], "--unhardened") == 0) {
            o->unhardened = true;
        } else if (argv[i][0] != '-' && o->sub == NULL) {
            o->sub = argv[i];
        } else if (argv[i][0] != '-') {
            return cli_fail("keys: unexpected argument (a mnemonic is read from stdin, never "
                            "from the command line)");
        } else {
            return cli_fail("keys: unknown option '%s' (try 'cfarm keys --help')", argv[i]);
        }
    }
    return 0;
}

static int parse_fingerprint(const char *s, uint32_t *fp)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (s[0] < '0' || s[0] > '9' || *end || errno || v > UINT32_MAX || v == 0)
        return cli_fail("keys: bad fingerprint '%s'", s);
    *fp = (uint32_t)v;
    return 0;
}

static void print_hex_line(const char *label, const uint8_t *p, size_t n)
{
    char hex[2 * CF_BLS_PK_LEN + 1];

    cf_hex_encode(hex, p, n);
    printf("%s%s\n", label, hex);
    cf_ct_wipe(hex, sizeof hex);
}

/* Read the mnemonic from stdin into buf (without echo on a terminal). */
static int read_mnemonic(char *buf, size_t cap)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    size_t got = 0;
    int rc = 0;

    if (tty) {
        fprintf(stderr, "Mnemonic (words are not echoed; end with Enter): ");
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    while (got < cap - 1) {
        ssize_t r = read(STDIN_FILENO, buf + got, cap - 1 - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = cli_fail("keys add: read stdin: %s", strerror(errno));
            break;
        }
        if (r == 0)
            break;
        got += (size_t)r;
        if (tty && memchr(buf + got - (size_t)r, '\n', (size_t)r))
            break;
    }
    buf[got] = '\0';
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (rc == 0 && got == cap - 1)
        rc = cli_fail("keys add: more than %zu bytes on stdin", cap - 2);
    if (rc == 0 && strlen(buf) != got)
        rc = cli_fail("keys add: NUL byte on stdin");
    return rc;
}

/* what: "keys add" or "keys generate", for messages. */
static int keys_add_text(const char *root, const char *text, const char *what)
{
    uint32_t fp = 0;
    enum cf_err err = cf_keystore_add(root, text, &fp);

    if (err == CF_ERR_EXISTS)
        return cli_fail("%s: key %u is already in the key file", what, (unsigned)fp);
    if (err != CF_OK)
        return cli_fail_err(what, err);
    printf("Added key with fingerprint %u\n", (unsigned)fp);
    return 0;
}

static int keys_generate(const char *root, const struct keys_opts *o)
{
    uint8_t entropy[CF_KEYS_MAX_ENTROPY];
    char mnemonic[CF_KEYS_MNEMONIC_MAX];
    size_t words = 24, got = 0;
    int rc;

    if (o->words) {
        char *end;

        words = strtoul(o->words, &end, 10);
        if (*end || words < 12 || words > 24 || words % 3)
            return cli_fail("keys generate: --words must be 12, 15, 18, 21 or 24");
    }
    while (got < words * 4 / 3) {
        ssize_t r = getrandom(entropy + got, words * 4 / 3 - got, 0);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            cf_ct_wipe(entropy, sizeof entropy);
            return cli_fail("keys generate: getrandom: %s", strerror(errno));
        }
        got += (size_t)r;
    }
    rc = cf_keys_mnemonic_from_entropy(mnemonic, entropy, got) == CF_OK
             ? keys_add_text(root, mnemonic, "keys generate")
             : cli_fail("keys generate: encoding failed");
    if (rc == 0)
        printf("The mnemonic is in %s/keys/keys.txt; 'cfarm keys show --show-secrets' prints it "
               "for an offline backup.\n",
               root);
    cf_ct_wipe(entropy, sizeof entropy);
    cf_ct_wipe(mnemonic, sizeof mnemonic);
    return rc;
}

static int keys_add(const char *root)
{
    char *buf = malloc(STDIN_MAX);
    int rc;

    if (buf == NULL)
        return cli_fail("keys add: out of memory");
    rc = read_mnemonic(buf, STDIN_MAX);
    if (rc == 0)
        rc = keys_add_text(root, buf, "keys add");
    cf_ct_wipe(buf, STDIN_MAX);
    free(buf);
    return rc;
}

static void show_one(const struct cf_keystore *ks, size_t i, const struct cf_keystore_keys *k,
                     bool secrets)
{
    printf("Fingerprint: %u\n", (unsigned)k->fingerprint);
    print_hex_line("Master public key (m): ", k->master_pk.bytes, CF_BLS_PK_LEN);
    print_hex_line("Farmer public key (m/12381/8444/0/0): ", k->farmer_pk.bytes, CF_BLS_PK_LEN);
    print_hex_line("Pool public key (m/12381/8444/1/0): ", k->pool_pk.bytes, CF_BLS_PK_LEN);
    if (secrets) {
        print_hex_line("Master private key (m): ", k->master_sk.bytes, CF_BLS_SK_LEN);
        printf("Mnemonic seed (secret words):\n%s\n", cf_keystore_mnemonic(ks, i));
    }
}

/* Run fn on the selected key (or every key when none is selected and all is set). */
static int with_keys(const char *root, const struct keys_opts *o, bool all,
                     int (*fn)(const struct cf_keystore *, size_t, const struct keys_opts *))
{
    struct cf_keystore *ks = NULL;
    uint32_t fp = 0;
    size_t i = 0;
    enum cf_err err;
    int rc = 0;

    if (o->fingerprint && parse_fingerprint(o->fingerprint, &fp))
        return 1;
    err = cf_keystore_load(root, &ks);
    if (err != CF_OK)
        return cli_fail_err("keys", err);
    if (cf_keystore_count(ks) == 0) {
        rc = cli_fail("keys: no keys in %s/keys/keys.txt (use 'cfarm keys generate' or 'add')",
                      root);
    } else if (fp) {
        err = cf_keystore_find(ks, fp, &i);
        rc = err == CF_OK ? fn(ks, i, o) : cli_fail("keys: no key with fingerprint %u", fp);
    } else if (all) {
        for (i = 0; i < cf_keystore_count(ks) && rc == 0; i++) {
            if (i)
                putchar('\n');
            rc = fn(ks, i, o);
        }
    } else {
        rc = fn(ks, 0, o);
    }
    cf_keystore_free(ks);
    return rc;
}

static int show_fn(const struct cf_keystore *ks, size_t i, const struct keys_opts *o)
{
    struct cf_keystore_keys k;
    enum cf_err err = cf_keystore_derive(ks, i, &k);

    if (err == CF_OK)
        show_one(ks, i, &k, o->show_secrets);
    cf_ct_wipe(&k, sizeof k);
    return err == CF_OK ? 0 : cli_fail_err("keys show", err);
}

/* Which steps of the path are hardened: Chia's 'n' marks when the path has any (unmarked steps are
 * then unhardened, as in chia keys derive), else all of them unless --unhardened. */
static int path_steps(const struct keys_opts *o, uint32_t *path, bool *hard, size_t *n)
{
    bool marked[CF_KEYS_MAX_PATH], chia = false;
    enum cf_err err = cf_keys_parse_path(o->path, path, marked, CF_KEYS_MAX_PATH, n);

    if (err != CF_OK)
        return cli_fail_err("keys derive: --path", err);
    for (size_t j = 0; j < *n; j++)
        chia |= marked[j];
    if (chia && o->unhardened)
        return cli_fail("keys derive: --unhardened with 'n'-marked steps; mark the hardened steps "
                        "only, or drop the marks");
    for (size_t j = 0; j < *n; j++)
        hard[j] = chia ? marked[j] : !o->unhardened;
    return 0;
}

/* Walk the path; each unhardened step is also taken from the public key alone, and the two must
 * agree (a mismatch would be a bug worth stopping on). */
static enum cf_err derive_steps(struct cf_bls_sk *sk, struct cf_bls_pk *pk,
                                const struct cf_bls_sk *master, const uint32_t *path,
                                const bool *hard, size_t n)
{
    struct cf_bls_pk check;
    enum cf_err err = CF_OK;

    *sk = *master;
    cf_bls_sk_to_pk(&check, sk);
    for (size_t j = 0; j < n && err == CF_OK; j++) {
        if (hard[j]) {
            err = cf_keys_derive_child_sk(sk, sk, path[j]);
            cf_bls_sk_to_pk(&check, sk);
        } else {
            cf_keys_derive_child_sk_unhardened(sk, sk, path[j]);
            err = cf_keys_derive_child_pk_unhardened(&check, &check, path[j]);
        }
    }
    cf_bls_sk_to_pk(pk, sk);
    if (err == CF_OK && memcmp(pk->bytes, check.bytes, CF_BLS_PK_LEN) != 0)
        err = cf_err_set(CF_ERR_CRYPTO, "public-only derivation disagrees");
    return err;
}

static int derive_fn(const struct cf_keystore *ks, size_t i, const struct keys_opts *o)
{
    struct cf_keystore_keys k;
    struct cf_bls_sk sk;
    struct cf_bls_pk pk;
    uint32_t path[CF_KEYS_MAX_PATH];
    bool hard[CF_KEYS_MAX_PATH];
    size_t n = 0;
    enum cf_err err;

    if (path_steps(o, path, hard, &n))
        return 1;
    memset(&sk, 0, sizeof sk);
    err = cf_keystore_derive(ks, i, &k);
    if (err == CF_OK)
        err = derive_steps(&sk, &pk, &k.master_sk, path, hard, n);
    if (err == CF_OK) {
        printf("Fingerprint: %u\n", (unsigned)k.fingerprint);
        printf("Path: m");
        for (size_t j = 0; j < n; j++)
            printf("/%u%s", (unsigned)path[j], hard[j] ? "n" : "");
        printf(" (n: hardened step)\n");
        print_hex_line("Public key: ", pk.bytes, CF_BLS_PK_LEN);
        printf("Public key fingerprint: %u\n", (unsigned)cf_keys_fingerprint(&pk));
        if (o->show_secrets)
            print_hex_line("Private key: ", sk.bytes, CF_BLS_SK_LEN);
    }
    cf_ct_wipe(&k, sizeof k);
    cf_ct_wipe(&sk, sizeof sk);
    return err == CF_OK ? 0 : cli_fail_err("keys derive", err);
}

static int keys_delete(const char *root, const struct keys_opts *o)
{
    uint32_t fp;
    enum cf_err err;

    if (o->fingerprint == NULL)
        return cli_fail("keys delete: --fingerprint F is required");
    if (parse_fingerprint(o->fingerprint, &fp))
        return 1;
    err = cf_keystore_delete(root, fp);
    if (err == CF_ERR_NOT_FOUND)
        return cli_fail("keys delete: no key with fingerprint %u", (unsigned)fp);
    if (err != CF_OK)
        return cli_fail_err("keys delete", err);
    printf("Deleted key %u\n", (unsigned)fp);
    return 0;
}

int cmd_keys(int argc, char **argv)
{
    struct keys_opts o = {0};
    const char *sub;
    char *root;
    int rc;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h") || !strcmp(argv[i], "help")) {
            usage(stdout);
            return 0;
        }
    }
    if (parse_opts(argc, argv, &o))
        return 1;
    sub = o.sub;
    if (sub == NULL) {
        usage(stderr);
        return 2;
    }
    root = cli_root(o.root);
    if (root == NULL)
        return cli_fail("keys: no root directory (give --root or set CFARM_ROOT)");
    if (strcmp(sub, "generate") == 0)
        rc = keys_generate(root, &o);
    else if (strcmp(sub, "add") == 0)
        rc = keys_add(root);
    else if (strcmp(sub, "show") == 0)
        rc = with_keys(root, &o, true, show_fn);
    else if (strcmp(sub, "derive") == 0)
        rc = o.path ? with_keys(root, &o, false, derive_fn)
                    : cli_fail("keys derive: --path is required (e.g. 12381/8444/2/0)");
    else if (strcmp(sub, "delete") == 0)
        rc = keys_delete(root, &o);
    else
        rc = cli_fail("keys: unknown command '%s' (try 'cfarm keys --help')", sub);
    free(root);
    return rc;
}
