/*
 * verify.c: chiapos v1 proof verification, proof reordering and quality strings.
 *
 * A proof lists 64 x values in "proof order": at every level the pair (entries 2i, 2i+1) is
 * (left, right) of a match, so F1 of x0 matches F1 of x1, Fx(x0,x1) matches Fx(x2,x3), and so on
 * up to one table-7 y whose top k bits must equal the challenge's. The quality string instead
 * uses "plot order", where every pair of subtrees is sorted by its x values compared from the
 * last x to the first; it then hashes the two x values the challenge's last 5 bits point at.
 *
 * Proof bytes: x0 || x1 || ... || x63, k bits each, big-endian, no padding (8k bytes).
 */
#include "cfarm/pos.h"

#include <string.h>

#include "cfarm/bytes.h"
#include "cfarm/hash.h"
#include "cfarm/pos_fx.h"

void cf_pos_pack_xs(uint8_t *out, unsigned k, const uint64_t xs[CF_POS_PROOF_XS])
{
    unsigned __int128 acc = 0;
    unsigned n = 0;
    uint64_t mask = k >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << k) - 1;

    for (int i = 0; i < CF_POS_PROOF_XS; i++) {
        acc = (acc << k) | (xs[i] & mask);
        n += k;
        while (n >= 8) {
            n -= 8;
            *out++ = (uint8_t)(acc >> n);
        }
    }
}

void cf_pos_unpack_xs(uint64_t xs[CF_POS_PROOF_XS], unsigned k, const uint8_t *proof)
{
    unsigned __int128 acc = 0;
    unsigned n = 0;
    uint64_t mask = k >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << k) - 1;

    for (int i = 0; i < CF_POS_PROOF_XS; i++) {
        while (n < k) {
            acc = (acc << 8) | *proof++;
            n += 8;
        }
        n -= k;
        xs[i] = (uint64_t)(acc >> n) & mask;
    }
}

void cf_pos_quality_from_xs(uint8_t quality[CF_POS_QUALITY_LEN], const uint8_t challenge[32],
                            unsigned k, uint64_t x_small, uint64_t x_big)
{
    uint8_t in[32 + 16] = {0};
    unsigned __int128 v = ((unsigned __int128)x_small << k) | x_big;
    unsigned bytes = (2 * k + 7) / 8;

    memcpy(in, challenge, 32);
    v <<= 8 * bytes - 2 * k; /* left-align the 2k bits */
    for (unsigned i = 0; i < bytes; i++)
        in[32 + i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
    cf_sha256(quality, in, 32 + bytes);
}

/* Whether subtree a (n x values) sorts before subtree b: compare from the last x to the first;
 * equal subtrees do not. */
static bool subtree_less(const uint64_t *a, const uint64_t *b, unsigned n)
{
    for (unsigned i = n; i > 0; i--) {
        if (a[i - 1] != b[i - 1])
            return a[i - 1] < b[i - 1];
    }
    return false;
}

static void swap_runs(uint64_t *a, uint64_t *b, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint64_t t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
}

/* Proof order to plot order, in place. */
static void to_plot_order(uint64_t xs[CF_POS_PROOF_XS])
{
    for (unsigned size = 1; size < CF_POS_PROOF_XS; size *= 2) {
        for (unsigned j = 0; j < CF_POS_PROOF_XS; j += 2 * size) {
            if (!subtree_less(xs + j, xs + j + size, size))
                swap_runs(xs + j, xs + j + size, size);
        }
    }
}

/* Split n entries (pairs 2i, 2i+1) into left and right arrays for cf_pos_fx_many. */
static void split_pairs(unsigned n, const uint64_t *ys, const struct cf_pos_meta *meta,
                        uint64_t *yl, struct cf_pos_meta *ml, struct cf_pos_meta *mr)
{
    for (unsigned i = 0; i < n / 2; i++) {
        yl[i] = ys[2 * i];
        ml[i] = meta[2 * i];
        mr[i] = meta[2 * i + 1];
    }
}

enum cf_err cf_pos_verify(const uint8_t plot_id[CF_POS_ID_LEN], unsigned k,
                          const uint8_t challenge[32], const uint8_t *proof, size_t proof_len,
                          uint8_t quality[CF_POS_QUALITY_LEN])
{
    struct cf_pos_f1 f1;
    struct cf_pos_meta meta[CF_POS_PROOF_XS], ml[CF_POS_PROOF_XS / 2], mr[CF_POS_PROOF_XS / 2];
    uint64_t xs[CF_POS_PROOF_XS], ys[CF_POS_PROOF_XS], yl[CF_POS_PROOF_XS / 2];

    if (k < CF_POS_K_MIN || k > CF_POS_K_MAX)
        return cf_err_set(CF_ERR_BAD_PROOF, "k=%u outside %d..%d", k, CF_POS_K_MIN, CF_POS_K_MAX);
    if (proof_len != 8 * (size_t)k)
        return cf_err_set(CF_ERR_BAD_PROOF, "proof is %zu bytes, k=%u needs %u", proof_len, k,
                          8 * k);
    cf_pos_unpack_xs(xs, k, proof);
    cf_pos_f1_init(&f1, k, plot_id);
    cf_pos_f1_many(&f1, xs, CF_POS_PROOF_XS, ys);
    for (unsigned i = 0; i < CF_POS_PROOF_XS; i++)
        cf_pos_meta_from_x(&meta[i], xs[i]);
    /* Level t holds the 64 >> (t-1) entries of table t; each pair must match before it is
     * combined into an entry of table t+1. */
    for (unsigned table = 1; table < 7; table++) {
        unsigned n = CF_POS_PROOF_XS >> (table - 1);
        for (unsigned i = 0; i < n; i += 2) {
            if (!cf_pos_match(ys[i], ys[i + 1]))
                return cf_err_set(CF_ERR_BAD_PROOF, "table %u: entries %u and %u do not match",
                                  table, i, i + 1);
        }
        split_pairs(n, ys, meta, yl, ml, mr);
        cf_pos_fx_many(k, table + 1, n / 2, yl, ml, mr, ys, meta);
    }
    if (ys[0] >> CF_POS_EXTRA_BITS != cf_load_be64(challenge) >> (64 - k))
        return cf_err_set(CF_ERR_BAD_PROOF, "f7 does not match the challenge");

    to_plot_order(xs);
    unsigned qi = (unsigned)(challenge[31] & 31) << 1;
    cf_pos_quality_from_xs(quality, challenge, k, xs[qi], xs[qi + 1]);
    return CF_OK;
}

/* The same, one value at a time through the scalar reference ChaCha8 and BLAKE3. */
enum cf_err cf_pos_verify_ref(const uint8_t plot_id[CF_POS_ID_LEN], unsigned k,
                              const uint8_t challenge[32], const uint8_t *proof, size_t proof_len,
                              uint8_t quality[CF_POS_QUALITY_LEN])
{
    struct cf_pos_f1 f1;
    struct cf_pos_meta meta[CF_POS_PROOF_XS];
    uint64_t xs[CF_POS_PROOF_XS], ys[CF_POS_PROOF_XS];

    if (k < CF_POS_K_MIN || k > CF_POS_K_MAX)
        return cf_err_set(CF_ERR_BAD_PROOF, "k=%u outside %d..%d", k, CF_POS_K_MIN, CF_POS_K_MAX);
    if (proof_len != 8 * (size_t)k)
        return cf_err_set(CF_ERR_BAD_PROOF, "proof is %zu bytes, k=%u needs %u", proof_len, k,
                          8 * k);
    cf_pos_unpack_xs(xs, k, proof);
    cf_pos_f1_init(&f1, k, plot_id);
    for (unsigned i = 0; i < CF_POS_PROOF_XS; i += 2) {
        ys[i] = cf_pos_f1(&f1, xs[i]);
        ys[i + 1] = cf_pos_f1(&f1, xs[i + 1]);
        if (!cf_pos_match(ys[i], ys[i + 1]))
            return cf_err_set(CF_ERR_BAD_PROOF, "table 1: x%u and x%u do not match", i, i + 1);
        cf_pos_meta_from_x(&meta[i], xs[i]);
        cf_pos_meta_from_x(&meta[i + 1], xs[i + 1]);
    }
    for (unsigned table = 2; table <= 7; table++) {
        unsigned n = CF_POS_PROOF_XS >> (table - 2); /* entries of table-1 level */
        for (unsigned i = 0; i < n; i += 2) {
            if (table > 2 && !cf_pos_match(ys[i], ys[i + 1]))
                return cf_err_set(CF_ERR_BAD_PROOF, "table %u: entries %u and %u do not match",
                                  table - 1, i, i + 1);
            cf_pos_fx(k, table, ys[i], &meta[i], &meta[i + 1], &ys[i / 2], &meta[i / 2]);
        }
    }
    if (ys[0] >> CF_POS_EXTRA_BITS != cf_load_be64(challenge) >> (64 - k))
        return cf_err_set(CF_ERR_BAD_PROOF, "f7 does not match the challenge");

    to_plot_order(xs);
    unsigned qi = (unsigned)(challenge[31] & 31) << 1;
    cf_pos_quality_from_xs(quality, challenge, k, xs[qi], xs[qi + 1]);
    return CF_OK;
}

enum cf_err cf_pos_reorder_proof(const uint8_t plot_id[CF_POS_ID_LEN], unsigned k,
                                 const uint64_t xs_disk[CF_POS_PROOF_XS],
                                 uint64_t xs_proof[CF_POS_PROOF_XS])
{
    struct cf_pos_f1 f1;
    struct cf_pos_meta meta[CF_POS_PROOF_XS], ml[CF_POS_PROOF_XS / 2], mr[CF_POS_PROOF_XS / 2];
    uint64_t ys[CF_POS_PROOF_XS], xs[CF_POS_PROOF_XS], yl[CF_POS_PROOF_XS / 2];

    if (k < CF_POS_K_MIN || k > CF_POS_K_MAX)
        return cf_err_set(CF_ERR_INVAL, "k=%u outside %d..%d", k, CF_POS_K_MIN, CF_POS_K_MAX);
    memcpy(xs, xs_disk, sizeof xs);
    cf_pos_f1_init(&f1, k, plot_id);
    cf_pos_f1_many(&f1, xs, CF_POS_PROOF_XS, ys);
    for (unsigned i = 0; i < CF_POS_PROOF_XS; i++)
        cf_pos_meta_from_x(&meta[i], xs[i]);
    /* At each level the entry with the smaller y goes left, as the plotter placed them, and the
     * x values under the two subtrees move with them. The last level is only a decision. */
    for (unsigned table = 1; table < 7; table++) {
        unsigned n = CF_POS_PROOF_XS >> (table - 1), run = 1u << (table - 1);
        for (unsigned i = 0; i < n; i += 2) {
            unsigned l = i, r = i + 1;
            if (!(ys[i] < ys[i + 1])) {
                l = i + 1;
                r = i;
                swap_runs(xs + i * run, xs + (i + 1) * run, run);
            }
            yl[i / 2] = ys[l];
            ml[i / 2] = meta[l];
            mr[i / 2] = meta[r];
        }
        if (table < 6)
            cf_pos_fx_many(k, table + 1, n / 2, yl, ml, mr, ys, meta);
    }
    memcpy(xs_proof, xs, sizeof xs);
    return CF_OK;
}
