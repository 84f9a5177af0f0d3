/*
 * vec_bls.c: the BLS12-381 vector suite. Runs DIR/bls/{g1,g2,private_keys,aug,basic_pop,
 * hash_to_g2}.json and every DIR/bls/rfc9380_*.json (expand_message_xmd and hash_to_curve files,
 * told apart by name) against cfarm/bls.h, and prints per-file counts. Any mismatch fails the run.
 * The key-derivation files of the same folder belong to vec_keys.
 *
 * Usage: vec_bls DIR   (DIR in the shared vector schema, e.g. ../shared/vectors)
 */
#include <glob.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cfarm/bls.h"
#include "cfarm/hex.h"
#include "cfarm/json.h"
#include "crypto/bls/bls_internal.h"
#include "test.h"

static unsigned long n_pass, n_fail;
static const char *cur_file;
static size_t cur_case;

static void tally(bool ok, const char *what)
{
    if (ok) {
        n_pass++;
        return;
    }
    n_fail++;
    fprintf(stderr, "  MISMATCH %s case %zu: %s\n", cur_file, cur_case, what);
}

/* Hex string of a member (NULL when absent or null); *n gets the byte length. Caller frees. */
static uint8_t *hex_field(const struct cf_json *c, const char *key, size_t *n)
{
    const char *s = cf_json_string(cf_json_get(c, key));
    uint8_t *out;
    size_t len;

    *n = 0;
    if (!s)
        return NULL;
    len = strlen(s);
    if (len >= 2 && s[0] == '0' && s[1] == 'x') {
        s += 2;
        len -= 2;
    }
    out = malloc(len / 2 + 1);
    if (!out || cf_hex_decode(out, len / 2 + 1, n, s, len) != CF_OK) {
        free(out);
        fprintf(stderr, "  bad hex in %s case %zu field %s\n", cur_file, cur_case, key);
        return NULL;
    }
    return out;
}

/* Copies a field of exactly n bytes into out; false when absent or of another length. */
static bool fixed(const struct cf_json *c, const char *key, uint8_t *out, size_t n)
{
    size_t len;
    uint8_t *b = hex_field(c, key, &len);
    bool ok = b && len == n;

    if (ok)
        memcpy(out, b, n);
    free(b);
    return ok;
}

static bool flag(const struct cf_json *c, const char *key)
{
    return cf_json_is_true(cf_json_get(c, key));
}

static const char *op_of(const struct cf_json *c)
{
    const char *op = cf_json_string(cf_json_get(c, "op"));
    return op ? op : "";
}

/* ---- g1.json, g2.json ---- */

static void run_group(const struct cf_json *c, int g2)
{
    const char *op = op_of(c);
    size_t elen = g2 ? CF_BLS_SIG_LEN : CF_BLS_PK_LEN;
    uint8_t a[96], b[96], want[96], got[96];
    enum cf_err err;

    if (strcmp(op, "decode") == 0) {
        size_t n;
        uint8_t *bytes = hex_field(c, "bytes", &n);
        bool valid = false;
        if (n == elen) {
            valid = (g2 ? cf_bls_sig_validate(bytes) : cf_bls_pk_validate(bytes)) == CF_OK;
            if (valid) { /* re-serialises to the same bytes */
                if (g2) {
                    struct cf_bls_sig s, o;
                    memcpy(s.bytes, bytes, 96);
                    cf_bls_aggregate(&o, &s, 1);
                    tally(memcmp(o.bytes, bytes, 96) == 0, "G2 re-encoding");
                } else {
                    struct cf_bls_pk p, id, o;
                    memcpy(p.bytes, bytes, 48);
                    cf_bls_pk_identity(&id);
                    cf_bls_pk_add(&o, &p, &id);
                    tally(memcmp(o.bytes, bytes, 48) == 0, "G1 re-encoding");
                }
            }
        }
        tally(valid == flag(c, "valid"), cf_json_string(cf_json_get(c, "category")));
        free(bytes);
    } else if (strcmp(op, "add") == 0) {
        bool ok = fixed(c, "a", a, elen) && fixed(c, "b", b, elen) && fixed(c, "sum", want, elen);
        if (ok && g2)
            err = cf_bls_sig_add((struct cf_bls_sig *)got, (struct cf_bls_sig *)a,
                                 (struct cf_bls_sig *)b);
        else if (ok)
            err = cf_bls_pk_add((struct cf_bls_pk *)got, (struct cf_bls_pk *)a,
                                (struct cf_bls_pk *)b);
        tally(ok && err == CF_OK && memcmp(got, want, elen) == 0, "add");
    } else if (strcmp(op, "negate") == 0) {
        bool ok = fixed(c, "a", a, elen) && fixed(c, "neg", want, elen);
        if (ok && g2)
            err = cf_bls_sig_negate((struct cf_bls_sig *)got, (struct cf_bls_sig *)a);
        else if (ok)
            err = cf_bls_pk_negate((struct cf_bls_pk *)got, (struct cf_bls_pk *)a);
        tally(ok && err == CF_OK && memcmp(got, want, elen) == 0, "negate");
    } else if (strcmp(op, "fingerprint") == 0) {
        struct cf_bls_pk pk;
        uint64_t fpv = 0;
        bool ok = fixed(c, "pk", pk.bytes, 48) &&
                  cf_json_u64(cf_json_get(c, "fingerprint"), &fpv) == CF_OK;
        tally(ok && cf_bls_pk_fingerprint(&pk) == fpv, "fingerprint");
    } else {
        tally(false, "unknown op");
    }
}

static void run_g1(const struct cf_json *c) { run_group(c, 0); }
static void run_g2(const struct cf_json *c) { run_group(c, 1); }

/* ---- private_keys.json ---- */

static void run_private_keys(const struct cf_json *c)
{
    const char *op = op_of(c);
    struct cf_bls_sk sk;
    struct cf_bls_pk pk, want_pk;

    if (strcmp(op, "from_bytes") == 0) {
        bool ok = fixed(c, "sk", sk.bytes, 32);
        bool valid = ok && cf_bls_sk_validate(&sk) == CF_OK;
        tally(valid == flag(c, "valid"), "sk validity");
        if (valid && flag(c, "valid")) {
            uint64_t fpv = 0;
            cf_bls_sk_to_pk(&pk, &sk);
            tally(fixed(c, "pk", want_pk.bytes, 48) && memcmp(pk.bytes, want_pk.bytes, 48) == 0,
                  "pk of sk");
            tally(cf_json_u64(cf_json_get(c, "fingerprint"), &fpv) == CF_OK &&
                      cf_bls_pk_fingerprint(&pk) == fpv,
                  "fingerprint");
        }
    } else if (strcmp(op, "aggregate") == 0) {
        const struct cf_json *sks = cf_json_get(c, "sks");
        struct cf_bls_sk acc, one, want;
        bool ok = sks != NULL;
        memset(acc.bytes, 0, 32);
        for (const struct cf_json *s = sks ? sks->child : NULL; s; s = s->next) {
            const char *h = cf_json_string(s);
            ok = ok && h && cf_hex_decode_exact(one.bytes, 32, h) == CF_OK;
            if (ok)
                cf_bls_sk_add(&acc, &acc, &one);
        }
        ok = ok && fixed(c, "sk", want.bytes, 32) && fixed(c, "pk", want_pk.bytes, 48);
        tally(ok && memcmp(acc.bytes, want.bytes, 32) == 0, "sk sum");
        cf_bls_sk_to_pk(&pk, &acc);
        tally(ok && memcmp(pk.bytes, want_pk.bytes, 48) == 0, "pk of sk sum");
    } else {
        tally(false, "unknown op");
    }
}

/* ---- lists of pks and msgs ---- */

struct pairs {
    struct cf_bls_pk *pks;
    uint8_t **msgs;
    size_t *lens;
    size_t npk, nmsg;
    bool ok;
};

static void pairs_load(struct pairs *p, const struct cf_json *c)
{
    const struct cf_json *pks = cf_json_get(c, "pks"), *msgs = cf_json_get(c, "msgs");
    size_t i = 0;

    memset(p, 0, sizeof *p);
    p->ok = pks != NULL;
    p->npk = pks ? pks->count : 0;
    p->nmsg = msgs ? msgs->count : 0;
    p->pks = calloc(p->npk + 1, sizeof *p->pks);
    p->msgs = calloc(p->nmsg + 1, sizeof *p->msgs);
    p->lens = calloc(p->nmsg + 1, sizeof *p->lens);
    for (const struct cf_json *s = pks ? pks->child : NULL; s; s = s->next, i++) {
        const char *h = cf_json_string(s);
        p->ok = p->ok && h && cf_hex_decode_exact(p->pks[i].bytes, 48, h) == CF_OK;
    }
    i = 0;
    for (const struct cf_json *s = msgs ? msgs->child : NULL; s; s = s->next, i++) {
        const char *h = cf_json_string(s);
        size_t len = h ? strlen(h) : 0;
        p->msgs[i] = malloc(len / 2 + 1);
        p->ok = p->ok && h && cf_hex_decode(p->msgs[i], len / 2 + 1, &p->lens[i], h, len) == CF_OK;
    }
}

static void pairs_free(struct pairs *p)
{
    for (size_t i = 0; i < p->nmsg; i++)
        free(p->msgs[i]);
    free(p->msgs);
    free(p->lens);
    free(p->pks);
}

typedef bool (*agg_verify_fn)(const struct cf_bls_pk *, const uint8_t *const *, const size_t *,
                              size_t, const struct cf_bls_sig *);

/*
 * An aggregate_verify case. cfarm's interface takes one count for both lists, so a case with
 * lists of different lengths (false in Chia) is checked here: it must be expected false.
 */
static void run_agg_verify(const struct cf_json *c, agg_verify_fn fn)
{
    struct pairs p;
    struct cf_bls_sig sig;
    bool want = flag(c, "result"), got = false;

    pairs_load(&p, c);
    if (p.ok && fixed(c, "sig", sig.bytes, 96) && p.npk == p.nmsg)
        got = fn(p.pks, (const uint8_t *const *)p.msgs, p.lens, p.npk, &sig);
    tally(p.ok && got == want, "aggregate_verify");
    pairs_free(&p);
}

typedef void (*sign_fn)(struct cf_bls_sig *, const struct cf_bls_sk *, const uint8_t *, size_t);
typedef bool (*verify_fn)(const struct cf_bls_pk *, const uint8_t *, size_t,
                          const struct cf_bls_sig *);

static void run_sign(const struct cf_json *c, sign_fn fn)
{
    struct cf_bls_sk sk;
    struct cf_bls_pk pk, want_pk;
    struct cf_bls_sig sig, want;
    size_t mlen;
    uint8_t *msg = hex_field(c, "msg", &mlen);
    bool ok = fixed(c, "sk", sk.bytes, 32) && fixed(c, "sig", want.bytes, 96);

    if (ok) {
        fn(&sig, &sk, msg, mlen);
        cf_bls_sk_to_pk(&pk, &sk);
    }
    tally(ok && memcmp(sig.bytes, want.bytes, 96) == 0, "signature");
    if (cf_json_get(c, "pk"))
        tally(ok && fixed(c, "pk", want_pk.bytes, 48) && memcmp(pk.bytes, want_pk.bytes, 48) == 0,
              "pk");
    free(msg);
}

/* Verify case; a pk or sig of the wrong length is a point that does not decode: false. */
static void run_verify(const struct cf_json *c, verify_fn fn)
{
    struct cf_bls_pk pk;
    struct cf_bls_sig sig;
    size_t mlen;
    uint8_t *msg = hex_field(c, "msg", &mlen);
    bool got = false, pk_ok = fixed(c, "pk", pk.bytes, 48), sig_ok = fixed(c, "sig", sig.bytes, 96);

    if (pk_ok && sig_ok)
        got = fn(&pk, msg, mlen, &sig);
    tally(got == flag(c, "result"), cf_json_string(cf_json_get(c, "note")) ?
                                        cf_json_string(cf_json_get(c, "note")) : "verify");
    if (cf_json_get(c, "pk_decodes"))
        tally((pk_ok && cf_bls_pk_validate(pk.bytes) == CF_OK) == flag(c, "pk_decodes"),
              "pk_decodes");
    if (cf_json_get(c, "sig_decodes"))
        tally((sig_ok && cf_bls_sig_validate(sig.bytes) == CF_OK) == flag(c, "sig_decodes"),
              "sig_decodes");
    free(msg);
}

/* ---- aug.json ---- */

static void run_aug(const struct cf_json *c)
{
    const char *op = op_of(c);

    if (strcmp(op, "sign") == 0) {
        run_sign(c, cf_bls_aug_sign);
    } else if (strcmp(op, "sign_prepend") == 0) {
        struct cf_bls_sk sk;
        struct cf_bls_pk pre;
        struct cf_bls_sig sig, want;
        size_t mlen;
        uint8_t *msg = hex_field(c, "msg", &mlen);
        bool ok = fixed(c, "sk", sk.bytes, 32) && fixed(c, "prepend_pk", pre.bytes, 48) &&
                  fixed(c, "sig", want.bytes, 96);
        if (ok)
            cf_bls_aug_sign_prepend(&sig, &sk, msg, mlen, &pre);
        tally(ok && memcmp(sig.bytes, want.bytes, 96) == 0, "sign_prepend");
        free(msg);
    } else if (strcmp(op, "verify") == 0) {
        run_verify(c, cf_bls_aug_verify);
    } else if (strcmp(op, "aggregate") == 0) {
        const struct cf_json *sigs = cf_json_get(c, "sigs");
        size_t n = sigs ? sigs->count : 0, i = 0;
        struct cf_bls_sig *arr = calloc(n + 1, sizeof *arr), out, want;
        bool ok = sigs != NULL;
        for (const struct cf_json *s = sigs ? sigs->child : NULL; s; s = s->next, i++)
            ok = ok && cf_json_string(s) &&
                 cf_hex_decode_exact(arr[i].bytes, 96, cf_json_string(s)) == CF_OK;
        ok = ok && fixed(c, "agg_sig", want.bytes, 96) && cf_bls_aggregate(&out, arr, n) == CF_OK;
        tally(ok && memcmp(out.bytes, want.bytes, 96) == 0, "aggregate");
        free(arr);
    } else if (strcmp(op, "aggregate_verify") == 0) {
        run_agg_verify(c, cf_bls_aug_aggregate_verify);
    } else {
        tally(false, "unknown op");
    }
}

/* ---- basic_pop.json ---- */

static void run_basic_pop(const struct cf_json *c)
{
    const char *op = op_of(c);

    if (strcmp(op, "basic_sign") == 0) {
        run_sign(c, cf_bls_basic_sign);
    } else if (strcmp(op, "pop_sign") == 0) {
        run_sign(c, cf_bls_pop_sign);
    } else if (strcmp(op, "basic_verify") == 0) {
        run_verify(c, cf_bls_basic_verify);
    } else if (strcmp(op, "pop_verify") == 0) {
        run_verify(c, cf_bls_pop_verify);
    } else if (strcmp(op, "pop_prove") == 0) {
        struct cf_bls_sk sk;
        struct cf_bls_sig proof, want;
        bool ok = fixed(c, "sk", sk.bytes, 32) && fixed(c, "proof", want.bytes, 96);
        if (ok)
            cf_bls_pop_prove(&proof, &sk);
        tally(ok && memcmp(proof.bytes, want.bytes, 96) == 0, "pop_prove");
    } else if (strcmp(op, "pop_proof_verify") == 0) {
        struct cf_bls_pk pk;
        struct cf_bls_sig proof;
        bool ok = fixed(c, "pk", pk.bytes, 48) && fixed(c, "proof", proof.bytes, 96);
        tally((ok && cf_bls_pop_proof_verify(&pk, &proof)) == flag(c, "result"),
              "pop_proof_verify");
    } else if (strcmp(op, "basic_aggregate_verify") == 0) {
        run_agg_verify(c, cf_bls_basic_aggregate_verify);
    } else if (strcmp(op, "pop_aggregate_verify") == 0) {
        run_agg_verify(c, cf_bls_pop_aggregate_verify);
    } else if (strcmp(op, "pop_fast_aggregate_verify") == 0) {
        struct pairs p;
        struct cf_bls_sig sig;
        size_t mlen;
        uint8_t *msg = hex_field(c, "msg", &mlen);
        bool got = false;
        pairs_load(&p, c);
        if (p.ok && fixed(c, "sig", sig.bytes, 96))
            got = cf_bls_pop_fast_aggregate_verify(p.pks, p.npk, msg, mlen, &sig);
        tally(p.ok && got == flag(c, "result"), "pop_fast_aggregate_verify");
        pairs_free(&p);
        free(msg);
    } else {
        tally(false, "unknown op");
    }
}

/* ---- hash_to_g2.json ---- */

static void run_hash_to_g2(const struct cf_json *c)
{
    const char *dst = cf_json_string(cf_json_get(c, "dst"));
    const struct cf_json *aff = cf_json_get(c, "affine");
    struct cf_bls_sig want, got;
    uint8_t coord[48];
    size_t mlen;
    uint8_t *msg = hex_field(c, "msg", &mlen);
    bool ok = dst && fixed(c, "point", want.bytes, 96);

    if (ok)
        cf_bls_hash_to_g2(&got, msg, mlen, (const uint8_t *)dst, strlen(dst));
    tally(ok && memcmp(got.bytes, want.bytes, 96) == 0, "hash_to_g2 point");
    if (ok && aff) {
        g2p p;
        g2a a;
        bls_hash_to_g2(&p, msg, mlen, (const uint8_t *)dst, strlen(dst));
        g2_to_affine(&a, &p);
        const fp *parts[4] = {&a.x.c0, &a.x.c1, &a.y.c0, &a.y.c1};
        const char *names[4] = {"x_c0", "x_c1", "y_c0", "y_c1"};
        for (int i = 0; i < 4; i++) {
            uint8_t w[48];
            fp_to_bytes(coord, parts[i]);
            tally(fixed(aff, names[i], w, 48) && memcmp(w, coord, 48) == 0, names[i]);
        }
    }
    free(msg);
}

/* ---- rfc9380_*.json ---- */

/* "0x<c0>,0x<c1>" into an Fp2 element. */
static bool parse_fp2(fp2 *r, const char *s)
{
    const char *comma = s ? strchr(s, ',') : NULL;
    uint8_t b[48];
    size_t n;
    char tmp[200];

    if (!comma || strncmp(s, "0x", 2) != 0 || strncmp(comma + 1, "0x", 2) != 0)
        return false;
    snprintf(tmp, sizeof tmp, "%.*s", (int)(comma - s - 2), s + 2);
    if (cf_hex_decode(b, 48, &n, tmp, strlen(tmp)) != CF_OK || n != 48 ||
        !fp_from_bytes(&r->c0, b))
        return false;
    if (cf_hex_decode(b, 48, &n, comma + 3, strlen(comma + 3)) != CF_OK || n != 48 ||
        !fp_from_bytes(&r->c1, b))
        return false;
    return true;
}

static bool point_matches(const struct cf_json *pt, const g2p *p)
{
    fp2 x, y;
    g2a a;

    if (!pt || !parse_fp2(&x, cf_json_string(cf_json_get(pt, "x"))) ||
        !parse_fp2(&y, cf_json_string(cf_json_get(pt, "y"))))
        return false;
    g2_to_affine(&a, p);
    return !a.inf && fp2_eq(&a.x, &x) && fp2_eq(&a.y, &y);
}

static void run_rfc_h2c(const struct cf_json *v, const char *dst)
{
    const char *msg = cf_json_string(cf_json_get(v, "msg"));
    const struct cf_json *u = cf_json_get(v, "u");
    g2p p, q;
    fp2 uu;

    if (!msg || !dst) {
        tally(false, "malformed case");
        return;
    }
    bls_hash_to_g2(&p, (const uint8_t *)msg, strlen(msg), (const uint8_t *)dst, strlen(dst));
    tally(point_matches(cf_json_get(v, "P"), &p), "P");
    for (int i = 0; i < 2 && u; i++) {
        const char *key = i ? "Q1" : "Q0";
        bool ok = parse_fp2(&uu, cf_json_string(cf_json_at(u, (size_t)i)));
        if (ok)
            bls_map_to_g2(&q, &uu);
        tally(ok && point_matches(cf_json_get(v, key), &q), key);
    }
}

static void run_rfc_expand(const struct cf_json *t, const char *dst)
{
    const char *msg = cf_json_string(cf_json_get(t, "msg"));
    const char *lens = cf_json_string(cf_json_get(t, "len_in_bytes"));
    size_t n = 0, wlen;
    uint8_t *want = hex_field(t, "uniform_bytes", &wlen), *got;

    if (lens)
        n = (size_t)strtoul(lens, NULL, 16);
    got = malloc(n + 1);
    bool ok = msg && dst && want && got && n == wlen &&
              cf_bls_expand_message_xmd(got, n, (const uint8_t *)msg, strlen(msg),
                                        (const uint8_t *)dst, strlen(dst)) == CF_OK &&
              memcmp(got, want, n) == 0;
    tally(ok, "uniform_bytes");
    free(got);
    free(want);
}

/* ---- driver ---- */

typedef void (*case_fn)(const struct cf_json *c);

static void run_file(const char *path, const char *label, case_fn fn, int rfc)
{
    char *text = NULL;
    size_t len;
    struct cf_json_doc *doc = NULL;
    const struct cf_json *root, *cases, *c;

    n_pass = n_fail = 0;
    cur_file = label;
    if (cf_read_file(path, 64u << 20, &text, &len) != CF_OK ||
        cf_json_parse(text, len, &doc) != CF_OK) {
        fprintf(stderr, "  cannot read %s\n", path);
        n_fail++;
        goto out;
    }
    root = cf_json_root(doc);
    if (rfc == 1) { /* hash_to_curve */
        const char *dst = cf_json_string(cf_json_get(root, "dst"));
        cases = cf_json_get(root, "vectors");
        cur_case = 0;
        for (c = cases ? cases->child : NULL; c; c = c->next, cur_case++)
            run_rfc_h2c(c, dst);
    } else if (rfc == 2) { /* expand_message_xmd */
        const char *dst = cf_json_string(cf_json_get(root, "DST"));
        cases = cf_json_get(root, "tests");
        cur_case = 0;
        for (c = cases ? cases->child : NULL; c; c = c->next, cur_case++)
            run_rfc_expand(c, dst);
    } else {
        cases = cf_json_get(root, "cases");
        cur_case = 0;
        for (c = cases ? cases->child : NULL; c; c = c->next, cur_case++)
            fn(c);
    }
out:
    vec_file_report(label, n_pass, n_fail);
    cf_json_free(doc);
    free(text);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        case_fn fn;
    } files[] = {
        {"g1.json", run_g1},
        {"g2.json", run_g2},
        {"private_keys.json", run_private_keys},
        {"aug.json", run_aug},
        {"basic_pop.json", run_basic_pop},
        {"hash_to_g2.json", run_hash_to_g2},
    };
    char path[4096];
    glob_t g;

    if (argc < 2) {
        fprintf(stderr, "usage: %s VECTORS_DIR\n", argv[0]);
        return 2;
    }
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        FILE *f;
        snprintf(path, sizeof path, "%s/bls/%s", argv[1], files[i].name);
        if ((f = fopen(path, "r")) == NULL)
            continue;
        fclose(f);
        char label[256];
        snprintf(label, sizeof label, "bls/%s", files[i].name);
        run_file(path, label, files[i].fn, 0);
    }
    snprintf(path, sizeof path, "%s/bls/rfc9380_*.json", argv[1]);
    if (glob(path, 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++) {
            const char *base = strrchr(g.gl_pathv[i], '/');
            char label[256];
            base = base ? base + 1 : g.gl_pathv[i];
            snprintf(label, sizeof label, "bls/%s", base);
            run_file(g.gl_pathv[i], label, NULL, strstr(base, "expand_message") ? 2 : 1);
        }
        globfree(&g);
    }
    return vec_suite_exit();
}
