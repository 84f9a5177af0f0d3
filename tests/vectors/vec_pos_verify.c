/*
 * vec_pos_verify.c: proof verification, proof reordering and the consensus formulas against
 * what chiapos and chia-blockchain produced (pos/ in the shared vectors; see its README).
 *
 *   pos/filter.json         filter input, passes for 0/4/8/9 prefix bits, prefix bits by height
 *   pos/pos_challenge.json  filter input and proof-of-space challenge
 *   pos/iterations.json     sp quality, expected plot size, required iterations (and overflow)
 *   pos/keys.json           plot id from pool key / contract puzzle hash and plot public key
 *   pos/plot*.json          every proof and verify vector, edge challenges, harvester flow,
 *                           and traces[].proofs_disk_order reordered into proof order
 * (pos/plot*.f7scan.json belongs to the prover suite.)
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "cfarm/consensus.h"
#include "cfarm/hash.h"
#include "cfarm/hex.h"
#include "cfarm/json.h"
#include "cfarm/pos.h"
#include "test.h"

#define PROOF_BUF 1024

static const struct cf_json *get(const struct cf_json *v, const char *key)
{
    return cf_json_get(v, key);
}

/* First element of the array (or object) member `key`; a failed CHECK and NULL when the member
 * is missing or not a container, so a file of another shape fails instead of crashing. */
static const struct cf_json *items(const struct cf_json *v, const char *key)
{
    const struct cf_json *a = get(v, key);
    bool ok = a && (a->type == CF_JSON_ARRAY || a->type == CF_JSON_OBJECT);

    if (!ok)
        fprintf(stderr, "field %s: missing or not an array\n", key);
    CHECK(ok);
    return ok ? a->child : NULL;
}

/* Hex field of exactly n bytes; a failed CHECK (and false) when absent or malformed. */
static bool hex_field(const struct cf_json *v, const char *key, uint8_t *out, size_t n)
{
    const char *s = cf_json_string(get(v, key));
    bool ok = s && cf_hex_decode_exact(out, n, s) == CF_OK;

    if (!ok)
        fprintf(stderr, "field %s: not %zu bytes of hex\n", key, n);
    CHECK(ok);
    return ok;
}

/* Hex string of any length up to max. */
static bool hex_any(const char *s, uint8_t *out, size_t max, size_t *len)
{
    return s && cf_hex_decode(out, max, len, s, strlen(s)) == CF_OK;
}

static uint64_t u64_field(const struct cf_json *v, const char *key)
{
    uint64_t x = 0;
    bool ok = cf_json_u64(get(v, key), &x) == CF_OK;

    if (!ok)
        fprintf(stderr, "field %s: not an unsigned integer\n", key);
    CHECK(ok);
    return x;
}

/* Verify one proof and compare with the expected quality hex ("" = invalid). */
static void check_verify(const uint8_t id[32], unsigned k, const uint8_t challenge[32],
                         const char *proof_hex, const char *want_hex, const char *what)
{
    uint8_t proof[PROOF_BUF], want[32], got[32];
    size_t proof_len = 0;
    bool want_valid = want_hex && want_hex[0];

    if (!hex_any(proof_hex, proof, sizeof proof, &proof_len) || !want_hex ||
        (want_valid && cf_hex_decode_exact(want, 32, want_hex) != CF_OK)) {
        fprintf(stderr, "%s: malformed case\n", what);
        CHECK(false);
        return;
    }
    uint8_t got_ref[32];
    enum cf_err err = cf_pos_verify(id, k, challenge, proof, proof_len, got);
    enum cf_err err_ref = cf_pos_verify_ref(id, k, challenge, proof, proof_len, got_ref);
    /* The vectorised verifier and the scalar reference agree on every case. */
    CHECK(err == err_ref && (err != CF_OK || memcmp(got, got_ref, 32) == 0));
    if (want_valid) {
        if (err != CF_OK)
            fprintf(stderr, "%s: rejected a valid proof: %s\n", what, cf_err_detail());
        CHECK(err == CF_OK && memcmp(got, want, 32) == 0);
    } else {
        if (err == CF_OK)
            fprintf(stderr, "%s: accepted an invalid proof\n", what);
        CHECK(err == CF_ERR_BAD_PROOF);
    }
}

/* ---- pos/filter.json ---- */

static void run_filter(const struct cf_json *root)
{
    for (const struct cf_json *c = items(root, "cases"); c; c = c->next) {
        uint8_t id[32], ch[32], sp[32], want[32], got[32];
        if (!hex_field(c, "plot_id", id, 32) || !hex_field(c, "challenge_hash", ch, 32) ||
            !hex_field(c, "sp_hash", sp, 32) || !hex_field(c, "filter_input", want, 32))
            continue;
        unsigned bits = (unsigned)u64_field(c, "prefix_bits");
        cf_pos_filter_input(got, id, ch, sp);
        CHECK_MEM(got, want, 32);
        CHECK(cf_pos_passes_filter(id, ch, sp, bits) == cf_json_is_true(get(c, "passes")));
        /* The leading-zero count agrees with the filter at every prefix length. */
        unsigned z = (unsigned)u64_field(c, "filter_input_leading_zero_bits");
        CHECK(cf_pos_passes_filter(id, ch, sp, z));
        if (z < 256)
            CHECK(!cf_pos_passes_filter(id, ch, sp, z + 1));
    }
    for (const struct cf_json *c = items(root, "prefix_bits_by_height"); c; c = c->next)
        CHECK_EQ_U64(cf_pos_prefix_bits((uint32_t)u64_field(c, "height")),
                     u64_field(c, "prefix_bits"));
}

/* ---- pos/pos_challenge.json ---- */

static void run_pos_challenge(const struct cf_json *root)
{
    for (const struct cf_json *c = items(root, "cases"); c; c = c->next) {
        uint8_t id[32], ch[32], sp[32], fi[32], want[32], got[32];
        if (!hex_field(c, "plot_id", id, 32) || !hex_field(c, "challenge_hash", ch, 32) ||
            !hex_field(c, "sp_hash", sp, 32) || !hex_field(c, "filter_input", fi, 32) ||
            !hex_field(c, "pos_challenge", want, 32))
            continue;
        cf_pos_filter_input(got, id, ch, sp);
        CHECK_MEM(got, fi, 32);
        cf_pos_challenge(got, id, ch, sp);
        CHECK_MEM(got, want, 32);
    }
}

/* ---- pos/iterations.json ---- */

static void run_iterations(const struct cf_json *root)
{
    for (const struct cf_json *c = items(root, "cases"); c; c = c->next) {
        uint8_t q[32], sp[32], spq[32], buf[64];
        uint64_t dcf_hi, dcf_lo, iters = 0, size = 0;
        if (!hex_field(c, "quality_string", q, 32) || !hex_field(c, "cc_sp_output_hash", sp, 32) ||
            !hex_field(c, "sp_quality_string", spq, 32))
            continue;
        CHECK(cf_json_u128(get(c, "difficulty_constant_factor"), &dcf_hi, &dcf_lo) == CF_OK);
        unsigned k = (unsigned)u64_field(c, "k");
        uint64_t difficulty = u64_field(c, "difficulty");
        memcpy(buf, q, 32);
        memcpy(buf + 32, sp, 32);
        uint8_t got[32];
        cf_sha256(got, buf, 64);
        CHECK_MEM(got, spq, 32);

        enum cf_err size_err = cf_pos_expected_plot_size(k, &size);
        const struct cf_json *want_size = get(c, "expected_plot_size");
        if (want_size && want_size->type != CF_JSON_NULL)
            CHECK(size_err == CF_OK && size == u64_field(c, "expected_plot_size"));
        else
            CHECK(size_err == CF_ERR_TOO_LARGE);

        enum cf_err err = cf_pos_required_iters(&iters, q, sp, k, difficulty, dcf_hi, dcf_lo);
        const char *error = cf_json_string(get(c, "error"));
        if (error) {
            CHECK(err == CF_ERR_TOO_LARGE);
            continue;
        }
        CHECK(err == CF_OK);
        CHECK_EQ_U64(iters, u64_field(c, "required_iters"));
        if (get(c, "sp_interval_iters")) {
            uint64_t interval = u64_field(c, "sub_slot_iters") / u64_field(c, "num_sps_sub_slot");
            CHECK_EQ_U64(interval, u64_field(c, "sp_interval_iters"));
            CHECK((iters < interval) == cf_json_is_true(get(c, "eligible")));
        }
    }
    for (const struct cf_json *c = items(root, "expected_plot_size"); c; c = c->next) {
        uint64_t size = 0;
        enum cf_err err = cf_pos_expected_plot_size((unsigned)u64_field(c, "k"), &size);
        if (cf_json_is_true(get(c, "fits_uint64")))
            CHECK(err == CF_OK && size == u64_field(c, "expected_plot_size"));
        else
            CHECK(err == CF_ERR_TOO_LARGE);
    }
}

/* ---- pos/keys.json: plot id from the pool key or contract and the plot public key ---- */

static void run_keys(const struct cf_json *root)
{
    for (const struct cf_json *p = items(root, "plots"); p; p = p->next) {
        uint8_t pool[48], pk[48], want[32], got[32];
        const char *kind = cf_json_string(get(p, "memo_kind"));
        bool contract = kind && strcmp(kind, "pool_contract_puzzle_hash") == 0;
        size_t pool_len = contract ? 32 : 48;
        if (!hex_field(p, contract ? "pool_contract_puzzle_hash" : "pool_pk", pool, pool_len) ||
            !hex_field(p, "plot_public_key", pk, 48) || !hex_field(p, "plot_id", want, 32))
            continue;
        CHECK(cf_pos_plot_id(got, pool, pool_len, pk) == CF_OK);
        CHECK_MEM(got, want, 32);
    }
}

/* ---- pos/plot*.json ---- */

struct plot_ctx {
    uint8_t id[32];
    unsigned k;
    const struct cf_json *challenges;
    const struct cf_json *param_sets;
};

/* Every proof of a {challenge, proofs[], verify[]} object verifies to its verify[] entry. */
static void verify_proof_list(const struct plot_ctx *p, const struct cf_json *c, const char *what)
{
    uint8_t ch[32];
    const struct cf_json *proofs = get(c, "proofs"), *verify = get(c, "verify");

    if (!hex_field(c, "challenge", ch, 32) || !proofs || !verify) {
        CHECK(!"challenge, proofs and verify");
        return;
    }
    CHECK_EQ_U64(proofs->count, verify->count);
    const struct cf_json *pr = items(c, "proofs"), *v = items(c, "verify");
    for (; pr && v; pr = pr->next, v = v->next)
        check_verify(p->id, p->k, ch, cf_json_string(pr), cf_json_string(v), what);
}

/* proof_xs[i] is the unpacked proofs[i], and packing gives the bytes back. */
static void check_xs(const struct plot_ctx *p, const struct cf_json *c)
{
    const struct cf_json *pr = items(c, "proofs"), *xl = items(c, "proof_xs");

    for (; pr && xl; pr = pr->next, xl = xl->next) {
        uint8_t proof[PROOF_BUF], again[PROOF_BUF];
        uint64_t xs[CF_POS_PROOF_XS];
        size_t len = 0;
        if (!hex_any(cf_json_string(pr), proof, sizeof proof, &len) || len != 8 * p->k ||
            xl->count != CF_POS_PROOF_XS) {
            CHECK(!"proof and proof_xs shape");
            continue;
        }
        cf_pos_unpack_xs(xs, p->k, proof);
        const struct cf_json *x = xl->child;
        bool same = true;
        for (int i = 0; i < CF_POS_PROOF_XS; i++, x = x->next) {
            uint64_t want = 0;
            same = same && cf_json_u64(x, &want) == CF_OK && want == xs[i];
        }
        CHECK(same);
        cf_pos_pack_xs(again, p->k, xs);
        CHECK_MEM(again, proof, len);
    }
}

static const struct cf_json *challenge_by_hex(const struct plot_ctx *p, const char *hex)
{
    for (const struct cf_json *c = p->challenges->child; c; c = c->next) {
        const char *s = cf_json_string(get(c, "challenge"));
        if (s && hex && strcmp(s, hex) == 0)
            return c;
    }
    return NULL;
}

/* traces[].proofs_disk_order[q] reorders into the proof_xs[q] of the same challenge. */
static void run_traces(const struct plot_ctx *p, const struct cf_json *traces)
{
    for (const struct cf_json *t = traces->child; t; t = t->next) {
        const struct cf_json *c = challenge_by_hex(p, cf_json_string(get(t, "challenge")));
        const struct cf_json *disk = get(t, "proofs_disk_order");
        if (!c || !disk) {
            CHECK(!"trace without its challenge");
            continue;
        }
        const struct cf_json *want = items(c, "proof_xs");
        for (const struct cf_json *d = disk->child; d;
             d = d->next, want = want ? want->next : NULL) {
            uint64_t in[CF_POS_PROOF_XS], out[CF_POS_PROOF_XS], exp[CF_POS_PROOF_XS];
            const struct cf_json *a = d->child, *b = want ? want->child : NULL;
            bool ok = d->count == CF_POS_PROOF_XS && want && want->count == CF_POS_PROOF_XS;
            for (int i = 0; ok && i < CF_POS_PROOF_XS; i++, a = a->next, b = b->next)
                ok = cf_json_u64(a, &in[i]) == CF_OK && cf_json_u64(b, &exp[i]) == CF_OK;
            if (!ok) {
                CHECK(!"proofs_disk_order shape");
                continue;
            }
            CHECK(cf_pos_reorder_proof(p->id, p->k, in, out) == CF_OK);
            CHECK(memcmp(out, exp, sizeof out) == 0);
        }
    }
}

static void run_verify_vectors(const struct cf_json *vv)
{
    for (const struct cf_json *c = vv->child; c; c = c->next) {
        uint8_t id[32], ch[32];
        const char *kind = cf_json_string(get(c, "kind"));
        if (!hex_field(c, "plot_id", id, 32) || !hex_field(c, "challenge", ch, 32))
            continue;
        const char *want = cf_json_string(get(c, "expected_quality"));
        CHECK((want && want[0]) == cf_json_is_true(get(c, "valid")));
        check_verify(id, (unsigned)u64_field(c, "k"), ch, cf_json_string(get(c, "proof")), want,
                     kind ? kind : "verify_vectors");
    }
}

static const struct cf_json *param_set(const struct plot_ctx *p, const char *name)
{
    for (const struct cf_json *s = p->param_sets->child; s; s = s->next) {
        const char *n = cf_json_string(get(s, "name"));
        if (n && name && strcmp(n, name) == 0)
            return s;
    }
    return NULL;
}

static void run_harvester_flow(const struct plot_ctx *p, const struct cf_json *flow)
{
    static const char *bits[] = {"0", "4", "8", "9"};

    for (const struct cf_json *h = flow->child; h; h = h->next) {
        uint8_t ch[32], sp[32], fi[32], pc[32], got[32];
        if (!hex_field(h, "challenge_hash", ch, 32) || !hex_field(h, "sp_hash", sp, 32) ||
            !hex_field(h, "filter_input", fi, 32) || !hex_field(h, "pos_challenge", pc, 32))
            continue;
        cf_pos_filter_input(got, p->id, ch, sp);
        CHECK_MEM(got, fi, 32);
        for (int i = 0; i < 4; i++)
            CHECK(cf_pos_passes_filter(p->id, ch, sp, (unsigned)atoi(bits[i])) ==
                  cf_json_is_true(get(get(h, "passes_filter"), bits[i])));
        cf_pos_challenge(got, p->id, ch, sp);
        CHECK_MEM(got, pc, 32);

        const struct cf_json *pr = items(h, "proofs"), *v = items(h, "verify");
        for (; pr && v; pr = pr->next, v = v->next)
            check_verify(p->id, p->k, pc, cf_json_string(pr), cf_json_string(v), "harvester_flow");
        const struct cf_json *quals = get(h, "qualities"), *iters = get(h, "required_iters");
        CHECK(quals && iters && quals->count == iters->count);
        const struct cf_json *q = items(h, "qualities"), *per = items(h, "required_iters");
        for (; q && per; q = q->next, per = per->next) {
            uint8_t quality[32];
            if (cf_hex_decode_exact(quality, 32, cf_json_string(q)) != CF_OK) {
                CHECK(!"quality hex");
                continue;
            }
            for (const struct cf_json *r = per->child; r; r = r->next) {
                const struct cf_json *ps = param_set(p, cf_json_string(get(r, "param_set")));
                uint64_t dcf_hi = 0, dcf_lo = 0, it = 0;
                if (!ps || cf_json_u128(get(ps, "difficulty_constant_factor"), &dcf_hi, &dcf_lo) !=
                               CF_OK) {
                    CHECK(!"param set");
                    continue;
                }
                CHECK(cf_pos_required_iters(&it, quality, sp, p->k, u64_field(ps, "difficulty"),
                                            dcf_hi, dcf_lo) == CF_OK);
                CHECK_EQ_U64(it, u64_field(r, "required_iters"));
                uint64_t interval =
                    u64_field(ps, "sub_slot_iters") / u64_field(ps, "num_sps_sub_slot");
                CHECK_EQ_U64(interval, u64_field(r, "sp_interval_iters"));
                CHECK((it < interval) == cf_json_is_true(get(r, "eligible")));
            }
        }
    }
}

static void run_plot(const struct cf_json *root)
{
    struct plot_ctx p;
    const struct cf_json *plot = get(root, "plot");

    if (!plot || !hex_field(plot, "plot_id", p.id, 32))
        return;
    p.k = (unsigned)u64_field(plot, "k");
    p.challenges = get(root, "challenges");
    p.param_sets = get(root, "param_sets");
    if (!p.challenges || !p.param_sets) {
        CHECK(!"challenges and param_sets");
        return;
    }
    for (const struct cf_json *c = p.challenges->child; c; c = c->next) {
        verify_proof_list(&p, c, "challenges");
        check_xs(&p, c);
    }
    if (get(root, "edge_challenges"))
        for (const struct cf_json *c = items(root, "edge_challenges"); c; c = c->next)
            verify_proof_list(&p, c, "edge_challenges");
    if (get(root, "verify_vectors"))
        run_verify_vectors(get(root, "verify_vectors"));
    if (get(root, "harvester_flow"))
        run_harvester_flow(&p, get(root, "harvester_flow"));
    if (get(root, "traces"))
        run_traces(&p, get(root, "traces"));
}

/* ---- driver ---- */

static void run_file(const char *dir, const char *name, const char *label,
                     void (*fn)(const struct cf_json *))
{
    char path[4096], *text = NULL;
    size_t len;
    struct cf_json_doc *doc = NULL;
    unsigned long passed0 = test_passed_count, failed0 = test_failed_count;

    snprintf(path, sizeof path, "%s/pos/%s", dir, name);
    if (cf_read_file(path, 1 << 26, &text, &len) != CF_OK)
        return;
    if (cf_json_parse(text, len, &doc) != CF_OK) {
        fprintf(stderr, "%s: %s\n", path, cf_err_detail());
        CHECK(!"parse");
    } else {
        fn(cf_json_root(doc));
    }
    vec_file_report(label, test_passed_count - passed0, test_failed_count - failed0);
    cf_json_free(doc);
    free(text);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    char posdir[4096], *names[256];
    size_t n = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: vec_pos_verify VECTORS_DIR\n");
        return 2;
    }
    run_file(argv[1], "filter.json", "pos/filter.json", run_filter);
    run_file(argv[1], "pos_challenge.json", "pos/pos_challenge.json", run_pos_challenge);
    run_file(argv[1], "iterations.json", "pos/iterations.json", run_iterations);
    run_file(argv[1], "keys.json", "pos/keys.json (plot id)", run_keys);

    snprintf(posdir, sizeof posdir, "%s/pos", argv[1]);
    DIR *d = opendir(posdir);
    for (struct dirent *e; d && (e = readdir(d)) && n < 256;) {
        size_t l = strlen(e->d_name);
        if (strncmp(e->d_name, "plot", 4) == 0 && l > 5 &&
            strcmp(e->d_name + l - 5, ".json") == 0 && !strstr(e->d_name, ".f7scan."))
            names[n++] = strdup(e->d_name);
    }
    if (d)
        closedir(d);
    qsort(names, n, sizeof names[0], cmp_str);
    for (size_t i = 0; i < n; i++) {
        char label[512];
        snprintf(label, sizeof label, "pos/%s (verify)", names[i]);
        run_file(argv[1], names[i], label, run_plot);
        free(names[i]);
    }
    return vec_suite_exit();
}
