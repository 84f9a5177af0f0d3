/*
 * cmd_plots.c: `cfarm plots show|prove|verify|bench|check`, tools for plot files in the spirit of
 * chiapos's ProofOfSpace program and `chia plots check`.
 *
 *   show FILE...                     header fields, memo public keys, size and format
 *   prove FILE --challenge HEX       JSON: every quality for the challenge with its full proof
 *   verify --id HEX --k K --challenge HEX --proof HEX   (cmd_plots_verify.c)
 *   bench [-n N] [--json] PATH...    lookups, proofs, verifications per second, reads and bytes
 *   check [-n N] PATH...             N challenges per plot, every proof verified, a summary table
 *
 * PATH may be a plot file or a directory (its *.plot files). A plot that cannot be read is
 * reported on stderr naming the file and the fault, and the command goes on with the others;
 * the exit status is then 1. The plot's local master secret key is never printed.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cfarm/buf.h"
#include "cfarm/hash.h"
#include "cfarm/hex.h"
#include "cfarm/json.h"
#include "cfarm/plot.h"
#include "cfarm/pos.h"
#include "cli.h"
#include "cmd_plots_create.h"
#include "cmd_plots_verify.h"
#include "commands.h"

#define MAX_PATHS 100000

struct paths {
    char **v;
    size_t n, cap;
};

static int add_path(struct paths *ps, const char *path)
{
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 16;
        char **v = cap <= MAX_PATHS ? realloc(ps->v, cap * sizeof *v) : NULL;
        if (!v)
            return -1;
        ps->v = v;
        ps->cap = cap;
    }
    if (!(ps->v[ps->n] = strdup(path)))
        return -1;
    ps->n++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file as given; a directory as its *.plot files, sorted. */
static int expand_path(struct paths *ps, const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    size_t first = ps->n;

    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return add_path(ps, path);
    if (!(d = opendir(path)))
        return add_path(ps, path);
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        char full[4096];
        if (l <= 5 || strcmp(e->d_name + l - 5, ".plot") != 0)
            continue;
        snprintf(full, sizeof full, "%s/%s", path, e->d_name);
        if (add_path(ps, full)) {
            closedir(d);
            return -1;
        }
    }
    closedir(d);
    qsort(ps->v + first, ps->n - first, sizeof *ps->v, cmp_str);
    return 0;
}

static void free_paths(struct paths *ps)
{
    for (size_t i = 0; i < ps->n; i++)
        free(ps->v[i]);
    free(ps->v);
}

static void plot_error(const char *path, enum cf_err err)
{
    const char *d = cf_err_detail();
    if (d[0] && strstr(d, path))
        fprintf(stderr, "cfarm: %s: %s\n", cf_strerror(err), d);
    else
        fprintf(stderr, "cfarm: %s: %s%s%s\n", path, cf_strerror(err), d[0] ? ": " : "", d);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void print_hex(const char *label, const uint8_t *p, size_t n)
{
    char hex[2 * 64 + 1];
    cf_hex_encode(hex, p, n);
    printf("  %-22s %s\n", label, hex);
}

/* ---- show ----------------------------------------------------------------------------------- */

static int show(int argc, char **argv)
{
    struct paths ps = {0};
    int rc = 0;

    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1])
            return cli_fail("plots show: unknown option '%s'", argv[i]);
        if (expand_path(&ps, argv[i]))
            return cli_fail("plots show: out of memory");
    }
    if (ps.n == 0)
        return cli_fail("usage: cfarm plots show FILE...");
    for (size_t i = 0; i < ps.n; i++) {
        struct cf_plot *p = NULL;
        enum cf_err err = cf_plot_open(ps.v[i], 0, &p);
        if (err) {
            plot_error(ps.v[i], err);
            rc = 1;
            continue;
        }
        const struct cf_plot_info *in = cf_plot_info(p);
        printf("%s\n", ps.v[i]);
        printf("  %-22s %u\n", "k:", in->k);
        print_hex("plot id:", in->id, 32);
        printf("  %-22s %s (chiapos v1, uncompressed)\n", "format:", in->format);
        printf("  %-22s %llu bytes (%.3f GiB)\n", "size:", (unsigned long long)in->file_size,
               (double)in->file_size / (1024.0 * 1024 * 1024));
        if (in->memo_kind == CF_PLOT_MEMO_POOL_PK) {
            print_hex("pool public key:", in->pool_pk, 48);
        } else {
            print_hex("pool contract hash:", in->pool_contract_ph, 32);
        }
        print_hex("farmer public key:", in->farmer_pk, 48);
        printf("  %-22s %u bytes (local master secret key not shown)\n", "memo:", in->memo_len);
        cf_plot_close(p);
    }
    free_paths(&ps);
    return rc;
}

/* ---- prove ---------------------------------------------------------------------------------- */

static int prove(int argc, char **argv)
{
    const char *file = NULL, *chal = NULL;
    uint8_t ch[32];
    struct cf_plot *p = NULL;
    struct cf_plot_proof *pr = NULL;
    struct cf_plot_io io = {0, 0};
    struct cf_buf out;
    struct cf_jw w;
    size_t n = 0;
    bool missing = false;
    enum cf_err err;
    int rc = 1;

    for (int i = 1; i < argc; i++) {
        if (cli_opt(argc, argv, &i, "--challenge", &chal, &missing))
            continue;
        if (argv[i][0] == '-' || file)
            return cli_fail("usage: cfarm plots prove FILE --challenge HEX");
        file = argv[i];
    }
    if (!file || !chal || missing)
        return cli_fail("usage: cfarm plots prove FILE --challenge HEX");
    if (strlen(chal) != 64 || cf_hex_decode_exact(ch, 32, chal) != CF_OK)
        return cli_fail("plots prove: --challenge must be 64 hex digits (32 bytes)");
    if ((err = cf_plot_open(file, 0, &p))) {
        plot_error(file, err);
        return 1;
    }
    if (!(pr = malloc(sizeof *pr * CF_PLOT_MAX_QUALITIES))) {
        cf_plot_close(p);
        return cli_fail("plots prove: out of memory");
    }
    if ((err = cf_plot_prove(p, ch, pr, CF_PLOT_MAX_QUALITIES, &n, &io))) {
        plot_error(file, err);
        goto done;
    }
    const struct cf_plot_info *in = cf_plot_info(p);
    cf_buf_init(&out, 1 << 20);
    cf_jw_init(&w, &out, 2);
    cf_jw_obj_begin(&w);
    cf_jw_key(&w, "file");
    cf_jw_str(&w, file);
    cf_jw_key(&w, "plot_id");
    cf_jw_hex(&w, in->id, 32, false);
    cf_jw_key(&w, "k");
    cf_jw_u64(&w, in->k);
    cf_jw_key(&w, "challenge");
    cf_jw_hex(&w, ch, 32, false);
    cf_jw_key(&w, "qualities");
    cf_jw_arr_begin(&w);
    for (size_t i = 0; i < n; i++) {
        cf_jw_obj_begin(&w);
        cf_jw_key(&w, "index");
        cf_jw_u64(&w, i);
        cf_jw_key(&w, "quality");
        cf_jw_hex(&w, pr[i].quality, 32, false);
        cf_jw_key(&w, "proof");
        cf_jw_hex(&w, pr[i].proof, pr[i].proof_len, false);
        cf_jw_obj_end(&w);
    }
    cf_jw_arr_end(&w);
    cf_jw_key(&w, "reads");
    cf_jw_u64(&w, io.reads);
    cf_jw_key(&w, "bytes_read");
    cf_jw_u64(&w, io.bytes);
    cf_jw_obj_end(&w);
    if (w.err || cf_buf_putc(&out, '\n')) {
        cli_fail("plots prove: out of memory");
    } else {
        fwrite(out.data, 1, out.len, stdout);
        rc = 0;
    }
    cf_buf_free(&out);
done:
    free(pr);
    cf_plot_close(p);
    return rc;
}

/* ---- bench and check share the challenge sequence ------------------------------------------- */

/* Challenge i as `chia plots check` makes them: sha256 of i as a 32-byte big-endian integer. */
static void check_challenge(uint8_t out[32], uint64_t i)
{
    uint8_t in[32] = {0};
    for (int b = 0; b < 8; b++)
        in[31 - b] = (uint8_t)(i >> (8 * b));
    cf_sha256(out, in, 32);
}

static int parse_n(const char *s, unsigned *n)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!s[0] || *end || v == 0 || v > 10000000)
        return -1;
    *n = (unsigned)v;
    return 0;
}

static int parse_common(int argc, char **argv, const char *verb, unsigned *n, bool *json,
                        struct paths *ps)
{
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        bool missing = false;
        if (cli_opt(argc, argv, &i, "-n", &v, &missing) ||
            cli_opt(argc, argv, &i, "--num", &v, &missing)) {
            if (missing || parse_n(v, n))
                return cli_fail("plots %s: -n needs a count from 1 to 10000000", verb);
        } else if (json && strcmp(argv[i], "--json") == 0) {
            *json = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_fail("plots %s: unknown option '%s'", verb, argv[i]);
        } else if (expand_path(ps, argv[i])) {
            return cli_fail("plots %s: out of memory", verb);
        }
    }
    if (ps->n == 0)
        return cli_fail("usage: cfarm plots %s [-n N]%s PATH...", verb, json ? " [--json]" : "");
    return 0;
}

/* ---- bench ---------------------------------------------------------------------------------- */

struct bench_totals {
    uint64_t lookups, proofs, verifies, plots, bad;
    double t_lookup, t_proof, t_verify;
    struct cf_plot_io io_lookup, io_proof;
};

static enum cf_err bench_one(const char *path, unsigned n, struct bench_totals *t)
{
    struct cf_plot *p = NULL;
    uint8_t q[CF_PLOT_MAX_QUALITIES][32], ch[32], proof[CF_POS_PROOF_MAX_LEN], vq[32];
    uint64_t *hit = NULL, nhit = 0;
    uint8_t (*proofs)[CF_POS_PROOF_MAX_LEN] = NULL;
    size_t cnt, len;
    double t0;
    enum cf_err err = cf_plot_open(path, 0, &p);

    if (err)
        return err;
    const struct cf_plot_info *in = cf_plot_info(p);
    hit = malloc(n * sizeof *hit);
    proofs = malloc((size_t)n * sizeof *proofs);
    if (!hit || !proofs) {
        err = cf_err_set(CF_ERR_NOMEM, "bench buffers");
        goto out;
    }
    t0 = now();
    for (unsigned i = 0; i < n && !err; i++) {
        check_challenge(ch, i);
        err = cf_plot_qualities(p, ch, q, CF_PLOT_MAX_QUALITIES, &cnt, &t->io_lookup);
        if (!err && cnt)
            hit[nhit++] = i;
    }
    t->t_lookup += now() - t0;
    t->lookups += n;
    t0 = now();
    for (uint64_t j = 0; j < nhit && !err; j++) {
        check_challenge(ch, hit[j]);
        err = cf_plot_full_proof(p, ch, 0, proofs[j], &len, &t->io_proof);
    }
    t->t_proof += now() - t0;
    t->proofs += nhit;
    t0 = now();
    for (uint64_t j = 0; j < nhit && !err; j++) {
        check_challenge(ch, hit[j]);
        if (cf_pos_verify(in->id, in->k, ch, proofs[j], 8 * (size_t)in->k, vq) != CF_OK)
            err = cf_err_set(CF_ERR_BAD_PROOF, "%s: proof for challenge %llu does not verify",
                             path, (unsigned long long)hit[j]);
    }
    t->t_verify += now() - t0;
    t->verifies += nhit;
    (void)proof;
out:
    free(hit);
    free(proofs);
    cf_plot_close(p);
    return err;
}

static int bench(int argc, char **argv)
{
    struct paths ps = {0};
    struct bench_totals t;
    unsigned n = 1000;
    bool json = false;
    int rc;

    memset(&t, 0, sizeof t);
    if ((rc = parse_common(argc, argv, "bench", &n, &json, &ps)))
        goto out;
    for (size_t i = 0; i < ps.n; i++) {
        enum cf_err err = bench_one(ps.v[i], n, &t);
        if (err) {
            plot_error(ps.v[i], err);
            t.bad++;
            rc = 1;
        } else {
            t.plots++;
        }
    }
#define PER(a, b) ((b) > 0 ? (double)(a) / (double)(b) : 0.0)
    if (json) {
        printf("{\"plots\": %llu, \"bad_plots\": %llu, \"challenges_per_plot\": %u, "
               "\"quality_lookups_per_s\": %.1f, \"full_proofs_per_s\": %.1f, "
               "\"verifications_per_s\": %.1f, \"reads_per_lookup\": %.2f, "
               "\"bytes_per_lookup\": %.0f, \"reads_per_proof\": %.2f, \"bytes_per_proof\": %.0f, "
               "\"lookup_ms\": %.4f, \"proof_ms\": %.4f}\n",
               (unsigned long long)t.plots, (unsigned long long)t.bad, n,
               PER(t.lookups, t.t_lookup), PER(t.proofs, t.t_proof), PER(t.verifies, t.t_verify),
               PER(t.io_lookup.reads, t.lookups), PER(t.io_lookup.bytes, t.lookups),
               PER(t.io_proof.reads, t.proofs), PER(t.io_proof.bytes, t.proofs),
               1000 * PER(t.t_lookup, t.lookups), 1000 * PER(t.t_proof, t.proofs));
    } else {
        printf("plots: %llu (%llu unreadable), %u challenges each\n",
               (unsigned long long)t.plots, (unsigned long long)t.bad, n);
        printf("  quality lookups  %10.1f /s  %.3f ms each, %.2f reads, %.0f bytes per lookup\n",
               PER(t.lookups, t.t_lookup), 1000 * PER(t.t_lookup, t.lookups),
               PER(t.io_lookup.reads, t.lookups), PER(t.io_lookup.bytes, t.lookups));
        printf("  full proofs      %10.1f /s  %.3f ms each, %.2f reads, %.0f bytes per proof\n",
               PER(t.proofs, t.t_proof), 1000 * PER(t.t_proof, t.proofs),
               PER(t.io_proof.reads, t.proofs), PER(t.io_proof.bytes, t.proofs));
        printf("  verifications    %10.1f /s\n", PER(t.verifies, t.t_verify));
    }
out:
    free_paths(&ps);
    return rc;
}

/* ---- check ---------------------------------------------------------------------------------- */

struct check_row {
    unsigned k;
    uint64_t proofs, bad_proofs;
    double seconds;
    enum cf_err err;
    char reason[160];
};

static void progress(const char *name, unsigned done, unsigned n)
{
    int width = 30, fill = n ? (int)((uint64_t)done * width / n) : width;
    if (!isatty(2))
        return;
    fprintf(stderr, "\r  [%.*s%*s] %3u%% %.40s", fill, "##############################",
            width - fill, "", n ? done * 100 / n : 100, name);
    if (done == n)
        fprintf(stderr, "\r%*s\r", width + 60, "");
    fflush(stderr);
}

static void check_one(const char *path, unsigned n, struct check_row *row)
{
    struct cf_plot *p = NULL;
    uint8_t ch[32], vq[32];
    struct cf_plot_proof *pr = malloc(sizeof *pr * CF_PLOT_MAX_QUALITIES);
    size_t cnt;
    double t0 = now();
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

    memset(row, 0, sizeof *row);
    if (!pr) {
        row->err = CF_ERR_NOMEM;
        snprintf(row->reason, sizeof row->reason, "out of memory");
        return;
    }
    if ((row->err = cf_plot_open(path, 0, &p))) {
        snprintf(row->reason, sizeof row->reason, "%s", cf_err_detail());
        plot_error(path, row->err);
        free(pr);
        return;
    }
    const struct cf_plot_info *in = cf_plot_info(p);
    row->k = in->k;
    for (unsigned i = 0; i < n; i++) {
        check_challenge(ch, i);
        enum cf_err err = cf_plot_prove(p, ch, pr, CF_PLOT_MAX_QUALITIES, &cnt, NULL);
        if (err) {
            row->err = err;
            snprintf(row->reason, sizeof row->reason, "%s", cf_err_detail());
            if (isatty(2))
                fprintf(stderr, "\n");
            plot_error(path, err);
            break;
        }
        for (size_t j = 0; j < cnt && j < CF_PLOT_MAX_QUALITIES; j++) {
            if (cf_pos_verify(in->id, in->k, ch, pr[j].proof, pr[j].proof_len, vq) == CF_OK &&
                memcmp(vq, pr[j].quality, 32) == 0)
                row->proofs++;
            else
                row->bad_proofs++;
        }
        if (i % 16 == 15 || i + 1 == n)
            progress(base, i + 1, n);
    }
    row->seconds = now() - t0;
    cf_plot_close(p);
    free(pr);
}

static int check(int argc, char **argv)
{
    struct paths ps = {0};
    struct check_row *rows = NULL;
    unsigned n = 30;
    int rc;
    uint64_t good = 0;

    if ((rc = parse_common(argc, argv, "check", &n, NULL, &ps)))
        goto out;
    if (!(rows = calloc(ps.n, sizeof *rows))) {
        rc = cli_fail("plots check: out of memory");
        goto out;
    }
    for (size_t i = 0; i < ps.n; i++) {
        fprintf(stderr, "checking %s (%u challenges)\n", ps.v[i], n);
        check_one(ps.v[i], n, &rows[i]);
    }
    /* Expected: about one proof per challenge (table 7 holds about 2^k entries, one per f7). */
    printf("%-4s %-10s %-9s %-7s %-8s %s\n", "k", "proofs", "ratio", "bad", "seconds", "plot");
    for (size_t i = 0; i < ps.n; i++) {
        struct check_row *r = &rows[i];
        const char *base = strrchr(ps.v[i], '/') ? strrchr(ps.v[i], '/') + 1 : ps.v[i];
        if (r->err && r->k == 0) {
            printf("%-4s %-10s %-9s %-7s %-8s %s\n", "-", "-", "-", "-", "-", base);
            printf("     ERROR: %s: %s\n", cf_strerror(r->err), r->reason);
            rc = 1;
            continue;
        }
        char pr[32];
        snprintf(pr, sizeof pr, "%llu/%u", (unsigned long long)r->proofs, n);
        printf("%-4u %-10s %-9.4f %-7llu %-8.2f %s\n", r->k, pr, (double)r->proofs / n,
               (unsigned long long)r->bad_proofs, r->seconds, base);
        if (r->err || r->bad_proofs) {
            printf("     ERROR: %s\n", r->err ? r->reason : "proofs that do not verify");
            rc = 1;
        } else if (r->proofs == 0) {
            printf("     WARNING: no proofs found\n");
            rc = 1;
        } else {
            good++;
        }
    }
    printf("%llu of %zu plots good (expected ratio about 1.0; below 0.7 over many challenges "
           "suggests a damaged plot)\n", (unsigned long long)good, ps.n);
out:
    free(rows);
    free_paths(&ps);
    return rc;
}

/* ---- dispatch ------------------------------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f, "usage: cfarm plots <create|show|prove|verify|bench|check|add|remove> ...\n"
               "  create -k K -d DIR [-n N] [-t TMP] [-f FPK] [-p PPK | -c PH]  make plots\n"
               "  show FILE...                           header, keys, size, format\n"
               "  prove FILE --challenge HEX             qualities and full proofs (JSON)\n"
               "  verify --id HEX --k K --challenge HEX --proof HEX\n"
               "  bench [-n N] [--json] PATH...          lookups, proofs and verifications per second\n"
               "  check [-n N] PATH...                   N challenges per plot, proofs verified\n"
               "  add -d DIR / remove -d DIR             edit harvester.plot_directories\n"
               "PATH is a plot file or a directory of *.plot files.\n");
}

int cmd_plots(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *v = argv[1];
    if (strcmp(v, "-h") == 0 || strcmp(v, "--help") == 0 || strcmp(v, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(v, "create") == 0)
        return plots_create_main(argc - 1, argv + 1);
    if (strcmp(v, "add") == 0)
        return plots_add_main(argc - 1, argv + 1);
    if (strcmp(v, "remove") == 0)
        return plots_remove_main(argc - 1, argv + 1);
    if (strcmp(v, "show") == 0)
        return show(argc - 1, argv + 1);
    if (strcmp(v, "prove") == 0)
        return prove(argc - 1, argv + 1);
    if (strcmp(v, "verify") == 0)
        return plots_verify_main(argc - 1, argv + 1);
    if (strcmp(v, "bench") == 0)
        return bench(argc - 1, argv + 1);
    if (strcmp(v, "check") == 0)
        return check(argc - 1, argv + 1);
    return cli_fail("plots: unknown subcommand '%s' (try 'cfarm plots help')", v);
}
