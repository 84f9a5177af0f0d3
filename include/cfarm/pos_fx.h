/*
 * cfarm/pos_fx.h: the functions chiapos v1 builds its seven tables from, for the verifier, the
 * prover and the plotter.
 *
 *   F1(x)        = ChaCha8 keystream bits [x*k, x*k + k) || top kExtraBits bits of x   (k+6 bits)
 *                  with key 0x01 || plot_id[0..30], nonce 0, 512-bit blocks.
 *   Fx(yL, L, R) = first k+6 bits of BLAKE3(yL || L || R), where yL (k+6 bits) is the left entry's
 *                  output and L, R the two entries' metadata (collation values), all packed
 *                  big-endian bit by bit and zero-padded to a whole byte.
 *   collation C  = L || R for tables 2 and 3; the hash bits after the first k+6 for tables 4..6
 *                  (4k, 4k... see cf_pos_meta_bits); nothing for table 7.
 *   match(yL,yR) = yR lies in the next bucket (bucket = y / kBC) and, with m in 0..63 and
 *                  parity = bucket(yL) mod 2: (yR mod kBC)/kC - (yL mod kBC)/kC = m (mod kB) and
 *                  (yR mod kC) - (yL mod kC) = (2m + parity)^2 (mod kC).
 *
 * All of it is byte-exact with chiapos (calculate_bucket.hpp). Nothing allocates; contexts are
 * plain structs and read-only after init, so they may be shared between threads.
 */
#ifndef CFARM_POS_FX_H
#define CFARM_POS_FX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfarm/chacha8.h"

#define CF_POS_EXTRA_BITS     6
#define CF_POS_EXTRA_BITS_POW 64
#define CF_POS_B              119
#define CF_POS_C              127
#define CF_POS_BC             15113 /* kB * kC: the width of a bucket (BC group) of y values */
#define CF_POS_F1_BLOCK_BITS  512
/* chiapos evaluates F1 in batches of at most 2^kBatchSizes = 256 x values. */
#define CF_POS_F1_BATCH 256

/* ---- F1 ---- */

struct cf_pos_f1 {
    struct cf_chacha8 chacha;
    unsigned k;
};

/* Key the ChaCha8 keystream for a plot. k must be in 1..64 (chiapos: 18..50); unchecked. */
void cf_pos_f1_init(struct cf_pos_f1 *f, unsigned k, const uint8_t plot_id[32]);

/* F1 of one x (x < 2^k): a (k+6)-bit y. */
uint64_t cf_pos_f1(const struct cf_pos_f1 *f, uint64_t x);

/* F1 of x = first_x .. first_x+n-1 into ys[0..n). Any n; the keystream is generated once per
 * 512-bit block for runs of consecutive x, which is what makes plotting table 1 cheap. */
void cf_pos_f1_batch(const struct cf_pos_f1 *f, uint64_t first_x, size_t n, uint64_t *ys);

/* F1 of n arbitrary x values (xs[i] < 2^k) into ys[0..n), keystream blocks computed several at
 * a time (cf_chacha8_blocks). Same results as cf_pos_f1 on each; xs and ys may be the same. */
void cf_pos_f1_many(const struct cf_pos_f1 *f, const uint64_t *xs, size_t n, uint64_t *ys);

/* ---- Fx ---- */

/*
 * A metadata (collation) value: an unsigned integer of cf_pos_meta_bits(k, table) bits, at most
 * 4*50 = 200, as four 64-bit limbs, least significant first. Unused high bits are zero.
 */
struct cf_pos_meta {
    uint64_t w[4];
};

/* Metadata bits carried by entries of table t (1..7): k times 1, 2, 4, 4, 3, 2, 0. */
unsigned cf_pos_meta_bits(unsigned k, unsigned table);

/* Set a metadata value from a table-1 x (its metadata is x itself). */
static inline void cf_pos_meta_from_x(struct cf_pos_meta *m, uint64_t x)
{
    m->w[0] = x;
    m->w[1] = m->w[2] = m->w[3] = 0;
}

/*
 * Fx for building table `table` (2..7) from a matching pair of table-(table-1) entries: the left
 * entry's y and the left and right metadata. Writes the new (k+6)-bit y and the new metadata
 * (zero for table 7). k in 1..50 as for chiapos; k or table outside those ranges writes y = 0
 * and zero metadata.
 */
void cf_pos_fx(unsigned k, unsigned table, uint64_t y_left, const struct cf_pos_meta *left,
               const struct cf_pos_meta *right, uint64_t *y_out, struct cf_pos_meta *meta_out);

/*
 * Fx of n pairs at once: pair i is (y_left[i], left[i], right[i]) and its results go to
 * y_out[i], meta_out[i]. Outputs must not overlap inputs of a later pair (writing pair i over
 * inputs of pair i or earlier is fine). Same results as cf_pos_fx, several hashes per
 * vector instruction (cf_blake3_short_many).
 */
void cf_pos_fx_many(unsigned k, unsigned table, size_t n, const uint64_t *y_left,
                    const struct cf_pos_meta *left, const struct cf_pos_meta *right,
                    uint64_t *y_out, struct cf_pos_meta *meta_out);

/* ---- matching ---- */

/* The target chiapos precomputes: for a left entry with yl mod kBC = il in a bucket of parity
 * `parity`, the m-th (0..63) right value (mod kBC) it matches. */
static inline unsigned cf_pos_match_target(unsigned parity, unsigned il, unsigned m)
{
    unsigned t = 2 * m + parity;

    return ((il / CF_POS_C + m) % CF_POS_B) * CF_POS_C + (t * t + il) % CF_POS_C;
}

/* Whether (yl, yr) is a match, exactly as chiapos's FindMatches on a one-entry bucket pair
 * with adjacent buckets. */
static inline bool cf_pos_match(uint64_t yl, uint64_t yr)
{
    uint64_t bl = yl / CF_POS_BC;

    if (yr / CF_POS_BC != bl + 1)
        return false;
    unsigned il = (unsigned)(yl % CF_POS_BC), ir = (unsigned)(yr % CF_POS_BC);
    unsigned m = (ir / CF_POS_C + CF_POS_B - il / CF_POS_C) % CF_POS_B;
    if (m >= CF_POS_EXTRA_BITS_POW)
        return false;
    unsigned t = 2 * m + (unsigned)(bl & 1);
    return (ir % CF_POS_C + CF_POS_C - il % CF_POS_C) % CF_POS_C == (t * t) % CF_POS_C;
}

/*
 * Every match between one bucket (BC group) of y values and the next, in the order chiapos's
 * FxCalculator::FindMatches reports them, which fixes the order of a plotter's new table:
 * for each left entry in order, for m = 0..63, each right entry whose y mod kBC is the m-th
 * target, in order. yl[0..nl) must all lie in one bucket b and yr[0..nr) in bucket b+1, each
 * sorted ascending (equal values adjacent). Like chiapos, a right bucket records at most 15
 * entries per y value and positions modulo 4096 (its rmap packs count:4 and pos:12 bits);
 * real buckets hold a few hundred entries, so this only matters for byte-exactness on
 * pathological input.
 *
 * The context is the reusable right-bucket map (about 30 KiB; the caller owns it, zero it once
 * with cf_pos_matcher_init). Returns the number of matches; only the first max pairs are
 * written to idx_l/idx_r.
 */
struct cf_pos_matcher {
    uint16_t count[CF_POS_BC]; /* right entries per y mod kBC (chiapos: 4 bits) */
    uint16_t pos[CF_POS_BC];   /* first right position with that value (chiapos: 12 bits) */
};

void cf_pos_matcher_init(struct cf_pos_matcher *m);
size_t cf_pos_find_matches(struct cf_pos_matcher *m, const uint64_t *yl, size_t nl,
                           const uint64_t *yr, size_t nr, uint16_t *idx_l, uint16_t *idx_r,
                           size_t max);

#endif
