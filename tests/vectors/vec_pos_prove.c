/*
 * vec_pos_prove.c: the plot reader and prover against chiapos's own results.
 *
 * For each pos/plotN.json whose plot file is under plots/: header fields, memo, C1 and C2 as
 * loaded, the qualities and full proofs of 200 challenges, the edge challenges (f7 values next
 * to C1 checkpoints, where chiapos misses entries), the traces (table-7 entries, every line
 * point on each quality path, the proof in disk order), and every verification result. Then
 * pos/plotN.f7scan.json: the number of qualities chiapos returns for all 2^k values of f7, and
 * the SHA-256 of them all. CFARM_VECTORS_QUICK=1, and any AddressSanitizer build, scan every
 * 61st f7 (and the extremes) only, without the digest.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "cfarm/hash.h"
#include "cfarm/hex.h"
#include "cfarm/json.h"
#include "cfarm/plot.h"
#include "cfarm/pos.h"
#include "test.h"

static const char *str(const struct cf_json *o, const char *key)
{
    const char *s = cf_json_string(cf_json_get(o, key));
    return s ? s : "";
}

static uint64_t num(const struct cf_json *o, const char *key)
{
    uint64_t v = 0;
    if (cf_json_u64(cf_json_get(o, key), &v) != CF_OK)
        return UINT64_MAX;
    return v;
}

static void hex_of(char *out, const uint8_t *p, size_t n)
{
    cf_hex_encode(out, p, n);
}

static void check_header(const struct cf_plot *p, const struct cf_json *plot)
{
    static const char *names[10] = {"table1", "table2", "table3", "table4", "table5",
                                    "table6", "table7", "C1",     "C2",     "C3"};
    const struct cf_plot_info *in = cf_plot_info(p);
    const struct cf_json *h = cf_json_get(plot, "header"), *ptrs = cf_json_get(h, "table_begin_pointers");
    const struct cf_json *c2 = cf_json_get(plot, "c2_f7_checkpoints_as_loaded_by_diskprover");
    char hex[300];
    size_t n, i = 0;
    const uint64_t *c2v = cf_plot_c2(p, &n);
    struct cf_plot_memo memo;

    hex_of(hex, in->id, 32);
    CHECK_STR(hex, str(plot, "plot_id"));
    CHECK_EQ_U64(in->k, num(plot, "k"));
    CHECK_EQ_U64(in->file_size, num(plot, "file_size"));
    CHECK_EQ_U64(in->header_size, num(h, "header_size"));
    CHECK_EQ_U64(in->memo_len, num(h, "memo_length"));
    CHECK_STR(in->format, str(h, "format_description"));
    for (int t = 0; t < 10; t++)
        CHECK_EQ_U64(in->table[t], num(ptrs, names[t]));
    CHECK_EQ_U64(n, c2 ? c2->count : 0);
    for (const struct cf_json *e = c2 ? c2->child : NULL; e; e = e->next, i++) {
        uint64_t v = 0;
        cf_json_u64(e, &v);
        CHECK(i < n && c2v[i] == v);
    }
    CHECK(cf_plot_read_memo(p, &memo) == CF_OK);
    const char *kind = str(plot, "memo_kind");
    if (strcmp(kind, "pool_public_key") == 0) {
        CHECK(memo.kind == CF_PLOT_MEMO_POOL_PK);
        hex_of(hex, memo.pool_pk, 48);
        hex_of(hex + 96, memo.farmer_pk, 48);
        hex_of(hex + 192, memo.local_master_sk, 32);
    } else {
        CHECK(memo.kind == CF_PLOT_MEMO_POOL_CONTRACT);
        hex_of(hex, memo.pool_contract_ph, 32);
        hex_of(hex + 64, memo.farmer_pk, 48);
        hex_of(hex + 160, memo.local_master_sk, 32);
    }
    CHECK_STR(hex, str(plot, "memo"));
    cf_plot_memo_wipe(&memo);
}

/* C1 straight from the file: every entry up to and including the terminating 0. */
static void check_c1(const char *path, const struct cf_plot *p, const struct cf_json *plot)
{
    const struct cf_plot_info *in = cf_plot_info(p);
    const struct cf_json *c1 = cf_json_get(plot, "c1_f7_checkpoints");
    size_t esize = (in->k + 7) / 8, i = 0;
    FILE *f = fopen(path, "rb");

    CHECK(f != NULL && c1 != NULL);
    if (!f || !c1)
        return;
    fseek(f, (long)in->table[CF_PLOT_C1], SEEK_SET);
    for (const struct cf_json *e = c1->child; e; e = e->next, i++) {
        uint8_t b[8] = {0};
        uint64_t v = 0, want = 0;
        CHECK(fread(b, 1, esize, f) == esize);
        for (size_t j = 0; j < esize; j++)
            v = v << 8 | b[j];
        v >>= esize * 8 - in->k;
        cf_json_u64(e, &want);
        CHECK_EQ_U64(v, want);
    }
    fclose(f);
}

/* qualities / proofs / verify of one challenge against arrays of hex strings. */
static void check_challenge(const struct cf_plot *p, const uint8_t ch[32],
                            const struct cf_json *quals, const struct cf_json *proofs,
                            const struct cf_json *verify)
{
    const struct cf_plot_info *in = cf_plot_info(p);
    uint8_t q[CF_PLOT_MAX_QUALITIES][32];
    struct cf_plot_proof pr[8];
    char hex[2 * CF_POS_PROOF_MAX_LEN + 1];
    size_t n = 0, np = 0, i = 0;
    enum cf_err err = cf_plot_qualities(p, ch, q, CF_PLOT_MAX_QUALITIES, &n, NULL);

    CHECK(err == CF_OK);
    CHECK_EQ_U64(n, quals ? quals->count : 0);
    for (const struct cf_json *e = quals ? quals->child : NULL; e && i < n; e = e->next, i++) {
        hex_of(hex, q[i], 32);
        CHECK_STR(hex, cf_json_string(e));
    }
    err = cf_plot_prove(p, ch, pr, 8, &np, NULL);
    CHECK(err == CF_OK);
    if (err)
        fprintf(stderr, "  prove: %s: %s\n", cf_strerror(err), cf_err_detail());
    CHECK_EQ_U64(np, n);
    i = 0;
    for (const struct cf_json *e = proofs ? proofs->child : NULL; !err && e && i < np && i < 8;
         e = e->next, i++) {
        uint8_t full[CF_POS_PROOF_MAX_LEN], vq[32];
        size_t flen = 0;
        hex_of(hex, pr[i].proof, pr[i].proof_len);
        CHECK_STR(hex, cf_json_string(e));
        hex_of(hex, pr[i].quality, 32);
        CHECK(i < n && strcmp(hex, cf_json_string(cf_json_at(quals, i))) == 0);
        CHECK(cf_plot_full_proof(p, ch, i, full, &flen, NULL) == CF_OK);
        CHECK(flen == pr[i].proof_len && memcmp(full, pr[i].proof, flen) == 0);
        CHECK(cf_pos_verify(in->id, in->k, ch, pr[i].proof, pr[i].proof_len, vq) == CF_OK);
        hex_of(hex, vq, 32);
        CHECK_STR(hex, cf_json_string(cf_json_at(verify, i)));
    }
    uint8_t dummy[CF_POS_PROOF_MAX_LEN];
    size_t dl;
    CHECK(cf_plot_full_proof(p, ch, n, dummy, &dl, NULL) == CF_ERR_NOT_FOUND);
}

static void check_challenges(const struct cf_plot *p, const struct cf_json *list)
{
    for (const struct cf_json *c = list ? list->child : NULL; c; c = c->next) {
        uint8_t ch[32];
        CHECK(cf_hex_decode_exact(ch, 32, str(c, "challenge")) == CF_OK);
        check_challenge(p, ch, cf_json_get(c, "qualities"), cf_json_get(c, "proofs"),
                        cf_json_get(c, "verify"));
        const struct cf_json *want = cf_json_get(c, "p7_entries");
        if (want) {
            uint64_t e[CF_PLOT_MAX_QUALITIES];
            size_t n = 0, i = 0;
            CHECK(cf_plot_p7_entries(p, ch, e, CF_PLOT_MAX_QUALITIES, &n, NULL) == CF_OK);
            CHECK_EQ_U64(n, want->count);
            for (const struct cf_json *v = want->child; v && i < n; v = v->next, i++) {
                uint64_t w = 0;
                cf_json_u64(v, &w);
                CHECK_EQ_U64(e[i], w);
            }
        }
    }
}

static void check_traces(const struct cf_plot *p, const struct cf_json *traces)
{
    for (const struct cf_json *t = traces ? traces->child : NULL; t; t = t->next) {
        const struct cf_json *paths = cf_json_get(t, "quality_paths");
        const struct cf_json *disk = cf_json_get(t, "proofs_disk_order");
        const struct cf_json *p7 = cf_json_get(t, "p7_entries");
        size_t i = 0;
        for (const struct cf_json *q = paths ? paths->child : NULL; q; q = q->next) {
            const struct cf_json *steps = cf_json_get(q, "steps");
            for (const struct cf_json *s = steps ? steps->child : NULL; s; s = s->next) {
                unsigned __int128 lp = 0;
                uint64_t x, y;
                CHECK(cf_plot_line_point(p, (unsigned)num(s, "table"), num(s, "position"), &lp,
                                         NULL) == CF_OK);
                CHECK_EQ_U64(lp, num(s, "line_point"));
                cf_plot_line_point_to_square(lp, &x, &y);
                CHECK_EQ_U64(x, num(s, "x"));
                CHECK_EQ_U64(y, num(s, "y"));
            }
            unsigned __int128 lp = 0;
            uint64_t x, y;
            CHECK(cf_plot_line_point(p, 1, num(q, "table1_position"), &lp, NULL) == CF_OK);
            CHECK_EQ_U64(lp, num(q, "table1_line_point"));
            cf_plot_line_point_to_square(lp, &x, &y);
            CHECK_EQ_U64(x, num(q, "x_big"));
            CHECK_EQ_U64(y, num(q, "x_small"));
        }
        for (const struct cf_json *d = disk ? disk->child : NULL; d; d = d->next, i++) {
            uint64_t xs[64], w = 0, entry = 0;
            size_t j = 0;
            cf_json_u64(cf_json_at(p7, i), &entry);
            CHECK(cf_plot_proof_xs_disk(p, entry, xs, NULL) == CF_OK);
            for (const struct cf_json *v = d->child; v && j < 64; v = v->next, j++) {
                cf_json_u64(v, &w);
                CHECK_EQ_U64(xs[j], w);
            }
        }
    }
}

static void check_f7scan(const struct cf_plot *p, const char *scan_path, bool quick)
{
    struct cf_json_doc *doc = NULL;
    char *text = NULL;
    size_t len;
    uint8_t ch[32], q[CF_PLOT_MAX_QUALITIES][32], digest[32];
    char hex[65];
    unsigned k = cf_plot_info(p)->k;
    struct cf_sha256_ctx *ctx = cf_sha256_new();

    CHECK(cf_read_file(scan_path, 1 << 24, &text, &len) == CF_OK);
    CHECK(text && cf_json_parse(text, len, &doc) == CF_OK);
    if (!doc || !ctx)
        goto out;
    const struct cf_json *r = cf_json_root(doc);
    const char *counts = str(r, "counts"), *alpha = str(r, "counts_alphabet");
    CHECK_EQ_U64(strlen(counts), (uint64_t)1 << k);
    CHECK(cf_hex_decode_exact(ch, 32, str(r, "challenge_suffix")) == CF_OK);
    unsigned long bad = 0;
    for (uint64_t f7 = 0; f7 < ((uint64_t)1 << k) && f7 < strlen(counts); f7++) {
        if (quick && f7 % 61 != 0 && f7 > 3 && f7 + 3 < ((uint64_t)1 << k))
            continue;
        /* f7 in the top k bits, the rest of the suffix kept. */
        uint64_t top = 0;
        for (int b = 0; b < 8; b++)
            top = top << 8 | ch[b];
        top = (top & (((uint64_t)1 << (64 - k)) - 1)) | (f7 << (64 - k));
        for (int b = 0; b < 8; b++)
            ch[b] = (uint8_t)(top >> (56 - 8 * b));
        size_t n = 0;
        enum cf_err err = cf_plot_qualities(p, ch, q, CF_PLOT_MAX_QUALITIES, &n, NULL);
        const char *d = strchr(alpha, counts[f7]);
        if (err || !d || (size_t)(d - alpha) != n) {
            if (bad++ < 10)
                fprintf(stderr, "  f7 %llu: %zu qualities (%s), chiapos %c\n",
                        (unsigned long long)f7, n, err ? cf_err_detail() : "ok", counts[f7]);
        }
        for (size_t i = 0; i < n; i++)
            cf_sha256_update(ctx, q[i], 32);
    }
    CHECK_EQ_U64(bad, 0);
    cf_sha256_final(ctx, digest);
    hex_of(hex, digest, 32);
    if (!quick)
        CHECK_STR(hex, str(r, "qualities_sha256"));
out:
    cf_sha256_free(ctx);
    cf_json_free(doc);
    free(text);
}

static void run_file(const char *vdir, const char *name)
{
    char path[4096], plot_path[4096], scan[4096];
    struct cf_json_doc *doc = NULL;
    struct cf_plot *p = NULL, *pc = NULL;
    char *text = NULL;
    size_t len;
    unsigned long before_pass = test_passed_count, before_fail = test_failed_count;
    bool quick = getenv("CFARM_VECTORS_QUICK") && getenv("CFARM_VECTORS_QUICK")[0] == '1';
#if defined(__SANITIZE_ADDRESS__)
    quick = true; /* 786,432 lookups under ASan would take minutes: sample (see file header) */
#endif

    snprintf(path, sizeof path, "%s/pos/%s", vdir, name);
    if (cf_read_file(path, 1 << 26, &text, &len) || cf_json_parse(text, len, &doc)) {
        CHECK(!"vector file parses");
        goto out;
    }
    const struct cf_json *root = cf_json_root(doc), *plot = cf_json_get(root, "plot");
    snprintf(plot_path, sizeof plot_path, "%s/plots/%s", vdir, str(plot, "file"));
    enum cf_err err = cf_plot_open(plot_path, 0, &p);
    if (err) {
        fprintf(stderr, "  %s: %s\n", cf_strerror(err), cf_err_detail());
        CHECK(err == CF_OK);
        goto out;
    }
    check_header(p, plot);
    check_c1(plot_path, p, plot);
    check_challenges(p, cf_json_get(root, "challenges"));
    check_challenges(p, cf_json_get(root, "edge_challenges"));
    check_traces(p, cf_json_get(root, "traces"));
    /* The cached form gives the same handle, kept-descriptor mode the same answers. */
    {
        struct cf_buf b;
        cf_buf_init(&b, 1 << 20);
        CHECK(cf_plot_cache_encode(p, &b) == CF_OK);
        CHECK(cf_plot_open_cached(plot_path, b.data, b.len, CF_PLOT_KEEP_FD, &pc) == CF_OK);
        if (pc) {
            CHECK(memcmp(cf_plot_info(pc), cf_plot_info(p), sizeof(struct cf_plot_info)) == 0);
            check_challenges(pc, cf_json_get(root, "edge_challenges"));
        }
        cf_buf_free(&b);
    }
    snprintf(scan, sizeof scan, "%s/pos/%.*s.f7scan.json", vdir, (int)(strlen(name) - 5), name);
    check_f7scan(p, scan, quick);
out:
    vec_file_report(name, test_passed_count - before_pass, test_failed_count - before_fail);
    cf_plot_close(p);
    cf_plot_close(pc);
    cf_json_free(doc);
    free(text);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    char dir[4096], *names[64];
    size_t n = 0;
    DIR *d;
    struct dirent *e;

    if (argc < 2)
        return 77;
    snprintf(dir, sizeof dir, "%s/pos", argv[1]);
    if (!(d = opendir(dir)))
        return vec_suite_exit();
    while ((e = readdir(d)) && n < 64) {
        size_t l = strlen(e->d_name);
        if (strncmp(e->d_name, "plot", 4) == 0 && l > 5 && strcmp(e->d_name + l - 5, ".json") == 0 &&
            !strstr(e->d_name, ".f7scan."))
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        run_file(argv[1], names[i]);
        free(names[i]);
    }
    return vec_suite_exit();
}
