/*
 * cmd_plots_create.c: `cfarm plots create`: make COUNT plots of size k in a directory, with the
 * keys `chia plots create` would use: the farmer and pool public keys given on the command line,
 * else those of the first key in the key file under the root. Each plot gets a fresh local
 * master key. --id and --memo force both (tests, comparing with another plotter).
 *
 * Progress goes to stderr (a bar per phase on a terminal, a line per step otherwise); one line
 * per finished plot goes to stdout: its path, the seconds it took and its size. SIGINT and
 * SIGTERM stop the plot in progress, remove its temporary file and exit 130.
 */
#include "cmd_plots_create.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cfarm/bls.h"
#include "cfarm/ct.h"
#include "cfarm/hex.h"
#include "cfarm/keystore.h"
#include "cfarm/plotter.h"
#include "cli.h"

struct create_opts {
    const char *root, *k, *count, *dir, *tmpdir, *farmer, *pool, *contract, *threads, *id,
        *memo, *mem_mb;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: cfarm plots create [--root DIR] -k K [-n COUNT] -d DIR [-t TMPDIR]\n"
            "                          [-f FARMER_PK] [-p POOL_PK | -c CONTRACT_PUZZLE_HASH]\n"
            "                          [--threads N] [--mem-mb MB] [--id HEX --memo HEX]\n\n"
            "  -k K         plot size, 18..32 (Chia's mainnet needs 32)\n"
            "  -n COUNT     plots to make, one after the other (1)\n"
            "  -d DIR       where the plots go; each is written as NAME.tmp, then renamed\n"
            "  -t TMPDIR    where arrays that do not fit in memory go (default: -d DIR)\n"
            "  -f, -p       farmer / pool public key (48 bytes hex); default: the first key\n"
            "               in <root>/keys/keys.txt\n"
            "  -c HASH      pool contract puzzle hash (32 bytes hex) instead of a pool key\n"
            "  --threads N  worker threads (2)\n"
            "  --mem-mb MB  memory budget; past it arrays go to files in TMPDIR\n"
            "  --id, --memo force the plot id and memo (128 or 112 bytes hex); one plot\n\n"
            "Working space: about 140 bytes x 2^k (k=18 100 MiB, k=20 200 MiB, k=22 620 MiB,\n"
            "k=25 4.4 GiB, k=27 18 GiB, k=31 280 GiB), in memory up to the budget (default:\n"
            "90%% of the memory available), the rest as files in TMPDIR; plus the plot itself\n"
            "(k=18 4 MiB ... k=31 about 54 GiB) in DIR.\n");
}

static int parse_opts(int argc, char **argv, struct create_opts *o)
{
    static const struct {
        const char *name;
        size_t off;
    } opts[] = {
        {"--root", offsetof(struct create_opts, root)},
        {"-k", offsetof(struct create_opts, k)},
        {"--size", offsetof(struct create_opts, k)},
        {"-n", offsetof(struct create_opts, count)},
        {"--num", offsetof(struct create_opts, count)},
        {"-d", offsetof(struct create_opts, dir)},
        {"--final_dir", offsetof(struct create_opts, dir)},
        {"-t", offsetof(struct create_opts, tmpdir)},
        {"--tmp_dir", offsetof(struct create_opts, tmpdir)},
        {"-f", offsetof(struct create_opts, farmer)},
        {"--farmer_public_key", offsetof(struct create_opts, farmer)},
        {"-p", offsetof(struct create_opts, pool)},
        {"--pool_public_key", offsetof(struct create_opts, pool)},
        {"-c", offsetof(struct create_opts, contract)},
        {"--pool_contract_puzzle_hash", offsetof(struct create_opts, contract)},
        {"--threads", offsetof(struct create_opts, threads)},
        {"-r", offsetof(struct create_opts, threads)},
        {"--id", offsetof(struct create_opts, id)},
        {"--memo", offsetof(struct create_opts, memo)},
        {"--mem-mb", offsetof(struct create_opts, mem_mb)},
    };

    for (int i = 1; i < argc; i++) {
        bool missing = false, known = false;

        for (size_t q = 0; q < sizeof opts / sizeof opts[0] && !known; q++) {
            const char **slot = (const char **)((char *)o + opts[q].off);
            known = cli_opt(argc, argv, &i, opts[q].name, slot, &missing);
        }
        if (missing)
            return cli_fail("plots create: %s needs a value", argv[i]);
        if (!known)
            return cli_fail("plots create: unknown option '%s' (try --help)", argv[i]);
    }
    return 0;
}

static bool parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *v)
{
    char *end;

    if (!s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    *v = strtoul(s, &end, 10);
    return !errno && !*end && *v >= lo && *v <= hi;
}

/* Hex with an optional 0x prefix, exactly n bytes. */
static bool parse_hex(const char *s, uint8_t *out, size_t n)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    return cf_hex_decode_exact(out, n, s) == CF_OK;
}

/* ---- progress ------------------------------------------------------------------------------- */

struct progress {
    bool tty;
    unsigned phase;
    char label[32];
};

static void on_progress(void *arg, unsigned phase, const char *label, double fraction)
{
    struct progress *p = arg;
    static const char *names[5] = {"", "forward propagation", "back-propagation",
                                   "compression", "checkpoints"};

    if (p->tty) {
        int filled = (int)(fraction * 30 + 0.5);
        fprintf(stderr, "\rphase %u/4 %-19s [%.*s%*s] %3d%% %-10s", phase, names[phase % 5],
                filled, "##############################", 30 - filled, "",
                (int)(fraction * 100 + 0.5), label);
        if (fraction >= 1 && phase == 4)
            fputc('\n', stderr);
        fflush(stderr);
    } else if (phase != p->phase || strcmp(label, p->label) != 0) {
        if (strcmp(label, "done") != 0)
            fprintf(stderr, "phase %u/4 %s: %s\n", phase, names[phase % 5], label);
    }
    p->phase = phase;
    snprintf(p->label, sizeof p->label, "%s", label);
}

/* ---- keys ----------------------------------------------------------------------------------- */

struct plot_keys {
    struct cf_bls_pk farmer, pool;
    uint8_t contract[32];
    bool use_contract;
};

static int resolve_keys(const struct create_opts *o, const char *root, struct plot_keys *k)
{
    struct cf_keystore_keys ks;
    bool need_store = !o->farmer || (!o->pool && !o->contract);
    enum cf_err err;

    if (o->pool && o->contract)
        return cli_fail("plots create: give -p or -c, not both");
    if (need_store) {
        err = cf_keystore_load_keys(root, 0, &ks);
        if (err == CF_ERR_NOT_FOUND)
            return cli_fail("plots create: no -f/-p given and no key in %s/keys/keys.txt "
                            "(use 'cfarm keys generate', or pass the public keys)",
                            root);
        if (err)
            return cli_fail_err("plots create: key file", err);
        k->farmer = ks.farmer_pk;
        k->pool = ks.pool_pk;
        cf_ct_wipe(&ks, sizeof ks);
    }
    if (o->farmer && (!parse_hex(o->farmer, k->farmer.bytes, 48) ||
                      cf_bls_pk_validate(k->farmer.bytes) != CF_OK))
        return cli_fail("plots create: -f needs a BLS public key (48 bytes hex)");
    if (o->pool && (!parse_hex(o->pool, k->pool.bytes, 48) ||
                    cf_bls_pk_validate(k->pool.bytes) != CF_OK))
        return cli_fail("plots create: -p needs a BLS public key (48 bytes hex)");
    k->use_contract = o->contract != NULL;
    if (o->contract && !parse_hex(o->contract, k->contract, 32))
        return cli_fail("plots create: -c needs a puzzle hash (32 bytes hex)");
    return 0;
}

/* ---- one plot ------------------------------------------------------------------------------- */

static int one_plot(struct cf_plotter_params *p, const char *dir, struct progress *pr)
{
    char name[CF_PLOTTER_NAME_MAX], *path = NULL;
    struct cf_plotter_stats st;
    enum cf_err err;

    cf_plotter_name(name, p->k, p->id, (long long)time(NULL));
    path = cli_path(dir, name);
    if (!path)
        return cli_fail("plots create: out of memory");
    if (access(path, F_OK) == 0) {
        free(path);
        return cli_fail("plots create: %s/%s already exists", dir, name);
    }
    pr->phase = 0;
    pr->label[0] = 0;
    err = cf_plotter_create(p, path, &st);
    if (err == CF_ERR_CANCELLED) {
        if (pr->tty)
            fputc('\n', stderr);
        free(path);
        fprintf(stderr, "cfarm: plots create: stopped; the unfinished plot was removed\n");
        return 130;
    }
    if (err) {
        if (pr->tty)
            fputc('\n', stderr);
        free(path);
        return cli_fail_err("plots create", err);
    }
    printf("%s %.1f s %llu bytes (%.1f MiB)\n", path, st.seconds[0],
           (unsigned long long)st.file_size, st.file_size / 1048576.0);
    fflush(stdout);
    free(path);
    return 0;
}

int plots_create_main(int argc, char **argv)
{
    struct create_opts o;
    struct cf_plotter_params p;
    struct plot_keys keys;
    struct progress pr = {isatty(2) != 0, 0, ""};
    struct sigaction sa;
    struct stat st;
    unsigned long k, count = 1, threads = 2, mem_mb = 0;
    char *root = NULL;
    int rc = 1;

    memset(&o, 0, sizeof o);
    memset(&p, 0, sizeof p);
    memset(&keys, 0, sizeof keys);
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        }
    if (parse_opts(argc, argv, &o))
        return 2;
    if (!o.k || !parse_uint(o.k, CF_PLOTTER_K_MIN, CF_PLOTTER_K_MAX, &k))
        return cli_fail("plots create: -k must be %d..%d", CF_PLOTTER_K_MIN, CF_PLOTTER_K_MAX);
    if (o.count && !parse_uint(o.count, 1, 100000, &count))
        return cli_fail("plots create: -n must be a count of plots");
    if (o.threads && !parse_uint(o.threads, 1, 64, &threads))
        return cli_fail("plots create: --threads must be 1..64");
    if (o.mem_mb && !parse_uint(o.mem_mb, 1, 1ul << 30, &mem_mb))
        return cli_fail("plots create: --mem-mb must be a number of MiB");
    if (!o.dir)
        return cli_fail("plots create: -d DIR is required");
    if (stat(o.dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return cli_fail("plots create: %s is not a directory", o.dir);
    if (o.tmpdir && (stat(o.tmpdir, &st) != 0 || !S_ISDIR(st.st_mode)))
        return cli_fail("plots create: %s is not a directory", o.tmpdir);
    if ((o.id == NULL) != (o.memo == NULL))
        return cli_fail("plots create: --id and --memo go together");
    if (o.id && count != 1)
        return cli_fail("plots create: --id makes one plot (-n 1)");
    p.k = (unsigned)k;
    p.threads = (unsigned)threads;
    p.mem_limit = (uint64_t)mem_mb << 20;
    p.tmp_dir = o.tmpdir;
    p.progress = on_progress;
    p.progress_arg = &pr;
    p.cancel = &stop;
    if (o.id) {
        size_t len = 0;
        const char *m = o.memo[0] == '0' && o.memo[1] == 'x' ? o.memo + 2 : o.memo;
        if (!parse_hex(o.id, p.id, 32))
            return cli_fail("plots create: --id needs 32 bytes of hex");
        if (cf_hex_decode(p.memo, sizeof p.memo, &len, m, strlen(m)) != CF_OK ||
            (len != CF_KEYS_MEMO_POOL_PK_LEN && len != CF_KEYS_MEMO_CONTRACT_LEN))
            return cli_fail("plots create: --memo needs 128 or 112 bytes of hex");
        p.memo_len = len;
    } else {
        root = cli_root(o.root);
        if (!root)
            return cli_fail("plots create: no root (set --root or $CFARM_ROOT)");
        if (resolve_keys(&o, root, &keys))
            goto out;
    }

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    rc = 0;
    for (unsigned long i = 0; i < count && rc == 0 && !stop; i++) {
        if (!o.id) {
            enum cf_err err = cf_plotter_make_keys(&p, &keys.farmer,
                                                   keys.use_contract ? NULL : &keys.pool,
                                                   keys.use_contract ? keys.contract : NULL);
            if (err) {
                rc = cli_fail_err("plots create: keys", err);
                break;
            }
        }
        rc = one_plot(&p, o.dir, &pr);
    }
    if (rc == 0 && stop)
        rc = 130;
out:
    cf_ct_wipe(&p, sizeof p);
    free(root);
    return rc;
}
