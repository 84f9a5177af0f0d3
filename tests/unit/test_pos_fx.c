/*
 * test_pos_fx.c: ChaCha8, BLAKE3, F1, Fx, matching, proof packing and verifier rejections,
 * without the shared vectors.
 *
 * ChaCha8 known answers are the published 8-round test vectors (draft-strombergson-chacha-test-
 * vectors TC1/TC2, and D. J. Bernstein's reference run starting at block counter 2^64-1).
 * Fx is checked against a slow bit-by-bit model written here from the chiapos definition.
 */
#include <string.h>

#include "cfarm/blake3.h"
#include "cfarm/chacha8.h"
#include "cfarm/hash.h"
#include "cfarm/hex.h"
#include "cfarm/pos.h"
#include "cfarm/pos_fx.h"
#include "test.h"

static void unhex(uint8_t *out, size_t n, const char *hex)
{
    if (cf_hex_decode_exact(out, n, hex) != CF_OK) {
        fprintf(stderr, "bad test hex\n");
        exit(2);
    }
}

/* xorshift64*: deterministic test inputs. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static void test_chacha8(void)
{
    struct cf_chacha8 c;
    uint8_t key[32] = {0}, got[192], want[128];

    cf_chacha8_keysetup(&c, key, NULL);
    cf_chacha8_keystream(&c, 0, 2, got);
    unhex(want, 128,
          "3e00ef2f895f40d67f5bb8e81f09a5a12c840ec3ce9a7f3b181be188ef711a1e"
          "984ce172b9216f419f445367456d5619314a42a3da86b001387bfdb80e0cfe42"
          "d2aefa0deaa5c151bf0adb6c01f2a5adc0fd581259f9a2aadcf20f8fd566a26b"
          "5032ec38bbc5da98ee0c6f568b872a65a08abf251deb21bb4b56e5d8821e68aa");
    CHECK_MEM(got, want, 128);

    /* One block at a time gives the same stream. */
    cf_chacha8_keystream(&c, 1, 1, got + 128);
    CHECK_MEM(got + 128, want + 64, 64);

    /* Counter 2^64-1, then the wrap to 0. */
    cf_chacha8_keystream(&c, UINT64_MAX, 2, got);
    unhex(want, 64,
          "df8a0bceca2fbb111f29978fa9a64407c68ced975ff55a24707265d0687e6aef"
          "b3597eac46e4b0a79b3a49c8b0f1775ac3edd7eb6a6d9bcb38f276517a79e014");
    CHECK_MEM(got, want, 64);
    unhex(want, 16, "3e00ef2f895f40d67f5bb8e81f09a5a1");
    CHECK_MEM(got + 64, want, 16);

    /* TC2: key 01 00 .. 00 (the F1 key of an all-zero plot id). */
    key[0] = 1;
    cf_chacha8_keysetup(&c, key, NULL);
    cf_chacha8_keystream(&c, 0, 1, got);
    unhex(want, 64,
          "cf5ee9a0494aa9613e05d5ed725b804b12f4a465ee635acc3a311de8740489ea"
          "289d04f43c7518db56eb4433e498a1238cd8464d3763ddbb9222ee3bd8fae3c8");
    CHECK_MEM(got, want, 64);

    /* A nonce changes the stream. */
    uint8_t nonce[8] = {1};
    struct cf_chacha8 c2;
    cf_chacha8_keysetup(&c2, key, nonce);
    cf_chacha8_keystream(&c2, 0, 1, got + 64);
    CHECK(memcmp(got, got + 64, 64) != 0);
}

static void test_blake3(void)
{
    uint8_t got[200], again[200], want[32], buf[5000];

    cf_blake3(got, 32, "", 0);
    unhex(want, 32, "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262");
    CHECK_MEM(got, want, 32);
    cf_blake3(got, 32, "abc", 3);
    unhex(want, 32, "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85");
    CHECK_MEM(got, want, 32);

    /* Edge lengths around block and chunk boundaries: one-shot, byte by byte, and the short
     * path agree; longer outputs extend shorter ones. */
    static const size_t lens[] = {0,    1,    55,   56,   57,   63,   64,   65,   127,  128, 129,
                                  1023, 1024, 1025, 2047, 2048, 2049, 3072, 3073, 4096, 4097};
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 31 + 7);
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        struct cf_blake3 h;
        size_t n = lens[i];

        cf_blake3(got, 200, buf, n);
        cf_blake3_init(&h);
        for (size_t j = 0; j < n; j++)
            cf_blake3_update(&h, buf + j, 1);
        cf_blake3_finalize(&h, again, 200);
        CHECK_MEM(got, again, 200);
        cf_blake3_finalize(&h, again, 33);
        CHECK_MEM(got, again, 33);
        if (n <= 64) {
            cf_blake3_short(again, buf, n);
            CHECK_MEM(got, again, 32);
        }
    }
    /* The short path falls back to the general code past one block. */
    cf_blake3_short(again, buf, 100);
    cf_blake3(got, 32, buf, 100);
    CHECK_MEM(got, again, 32);

    /* Keyed and derive_key modes differ from hash mode and from each other. */
    struct cf_blake3 h;
    uint8_t key[32] = {0}, k1[32], k2[32];
    cf_blake3_init_keyed(&h, key);
    cf_blake3_update(&h, "abc", 3);
    cf_blake3_finalize(&h, k1, 32);
    cf_blake3_init_derive_key(&h, "ctx", 3);
    cf_blake3_update(&h, "abc", 3);
    cf_blake3_finalize(&h, k2, 32);
    cf_blake3(got, 32, "abc", 3);
    CHECK(memcmp(k1, got, 32) != 0 && memcmp(k2, got, 32) != 0 && memcmp(k1, k2, 32) != 0);
}

static void test_f1(void)
{
    uint8_t id[32] = {0};
    struct cf_pos_f1 f;

    /* Plot id 0: key 01 00.., whose keystream starts cf5ee9a0 (TC2 above). */
    cf_pos_f1_init(&f, 18, id);
    CHECK_EQ_U64(cf_pos_f1(&f, 0), (uint64_t)(0xcf5ee9a0u >> 14) << 6);
    /* x = 1: bits 18..35 = 0x...; from bytes cf 5e e9 a0 49: bits 18.. of 0xcf5ee9a049. */
    CHECK_EQ_U64(cf_pos_f1(&f, 1), ((0xcf5ee9a049ull >> (40 - 36)) & 0x3ffff) << 6);
    /* The extra bits are the top 6 bits of x. */
    CHECK_EQ_U64(cf_pos_f1(&f, 0x3ffff) & 63, 63);

    /* Batches (crossing block and batch boundaries) equal single evaluations. */
    static const unsigned ks[] = {18, 19, 25, 32, 33, 40, 50};
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        uint64_t ys[700];
        for (int j = 0; j < 32; j++)
            id[j] = (uint8_t)rnd();
        cf_pos_f1_init(&f, ks[i], id);
        uint64_t first = rnd() & (((uint64_t)1 << ks[i]) - 1) & ~(uint64_t)1023;
        cf_pos_f1_batch(&f, first, 700, ys);
        bool same = true;
        for (int j = 0; j < 700; j++)
            same = same && ys[j] == cf_pos_f1(&f, first + j);
        CHECK(same);
        cf_pos_f1_batch(&f, 0, 3, ys);
        CHECK(ys[2] == cf_pos_f1(&f, 2));
    }
}

/* F1 for several k against the definition read bit by bit from the keystream. */
static void test_f1_model(void)
{
    static const unsigned ks[] = {18, 19, 27, 32, 33, 47, 50};
    uint8_t id[32], key[32];
    unsigned bad = 0;

    for (int j = 0; j < 32; j++)
        id[j] = (uint8_t)rnd();
    key[0] = 1;
    memcpy(key + 1, id, 31);
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        unsigned k = ks[i];
        struct cf_pos_f1 f;
        struct cf_chacha8 c;
        cf_pos_f1_init(&f, k, id);
        cf_chacha8_keysetup(&c, key, NULL);
        for (int rep = 0; rep < 200; rep++) {
            uint64_t x = rnd() & (((uint64_t)1 << k) - 1), bit = x * k, y = 0;
            uint8_t blocks[128];
            cf_chacha8_keystream(&c, bit / 512, 2, blocks);
            for (unsigned b = 0; b < k; b++) {
                unsigned at = (unsigned)(bit % 512) + b;
                y = y << 1 | ((blocks[at / 8] >> (7 - at % 8)) & 1);
            }
            y = y << 6 | x >> (k - 6);
            bad += cf_pos_f1(&f, x) != y;
        }
    }
    CHECK_EQ_U64(bad, 0);
}

/* Quality for an odd k: the 2k bits of x_small || x_big left-aligned in ceil(2k/8) bytes. */
static void test_quality_model(void)
{
    static const unsigned ks[] = {19, 33, 50};
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        unsigned k = ks[i], pos = 0;
        uint8_t ch[32], in[32 + 13] = {0}, want[32], got[32];
        uint64_t a = rnd() & (((uint64_t)1 << k) - 1), b = rnd() & (((uint64_t)1 << k) - 1);
        for (int j = 0; j < 32; j++)
            ch[j] = (uint8_t)rnd();
        memcpy(in, ch, 32);
        for (unsigned j = k; j > 0; j--, pos++)
            in[32 + pos / 8] |= (uint8_t)(((a >> (j - 1)) & 1) << (7 - pos % 8));
        for (unsigned j = k; j > 0; j--, pos++)
            in[32 + pos / 8] |= (uint8_t)(((b >> (j - 1)) & 1) << (7 - pos % 8));
        cf_sha256(want, in, 32 + (2 * k + 7) / 8);
        cf_pos_quality_from_xs(got, ch, k, a, b);
        CHECK_MEM(got, want, 32);
    }
}

/* Reference Fx, bit by bit, from the chiapos definition. */
static void put_bit_slow(uint8_t *buf, unsigned *pos, unsigned bit)
{
    if (bit)
        buf[*pos / 8] |= (uint8_t)(0x80 >> (*pos % 8));
    (*pos)++;
}

static void put_meta_slow(uint8_t *buf, unsigned *pos, const struct cf_pos_meta *m, unsigned n)
{
    for (unsigned i = n; i > 0; i--)
        put_bit_slow(buf, pos, (unsigned)(m->w[(i - 1) / 64] >> ((i - 1) % 64)) & 1);
}

static unsigned hash_bit(const uint8_t *h, unsigned i)
{
    return (h[i / 8] >> (7 - i % 8)) & 1;
}

static void fx_slow(unsigned k, unsigned t, uint64_t y, const struct cf_pos_meta *l,
                    const struct cf_pos_meta *r, uint64_t *y_out, struct cf_pos_meta *out)
{
    static const unsigned mult[8] = {0, 1, 2, 4, 4, 3, 2, 0};
    uint8_t buf[64] = {0}, h[32];
    unsigned pos = 0, in = k * mult[t - 1], ob = k * mult[t];
    struct cf_pos_meta ym = {{y, 0, 0, 0}};

    put_meta_slow(buf, &pos, &ym, k + 6);
    put_meta_slow(buf, &pos, l, in);
    put_meta_slow(buf, &pos, r, in);
    cf_blake3(h, 32, buf, (pos + 7) / 8);
    *y_out = 0;
    for (unsigned i = 0; i < k + 6; i++)
        *y_out = *y_out << 1 | hash_bit(h, i);
    memset(out, 0, sizeof *out);
    if (t == 7)
        return;
    for (unsigned i = 0; i < ob; i++) {
        unsigned bit;
        if (t < 4) /* L || R */
            bit = i < in ? (unsigned)(l->w[(in - 1 - i) / 64] >> ((in - 1 - i) % 64)) & 1
                         : (unsigned)(r->w[(2 * in - 1 - i) / 64] >> ((2 * in - 1 - i) % 64)) & 1;
        else
            bit = hash_bit(h, k + 6 + i);
        unsigned at = ob - 1 - i;
        out->w[at / 64] |= (uint64_t)bit << (at % 64);
    }
}

static void random_meta(struct cf_pos_meta *m, unsigned bits)
{
    for (unsigned i = 0; i < 4; i++) {
        if (64 * i >= bits)
            m->w[i] = 0;
        else if (bits - 64 * i >= 64)
            m->w[i] = rnd();
        else
            m->w[i] = rnd() & (((uint64_t)1 << (bits - 64 * i)) - 1);
    }
}

static void test_fx(void)
{
    static const unsigned ks[] = {18, 20, 25, 32, 33, 41, 49, 50};
    unsigned mismatches = 0;

    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        unsigned k = ks[i];
        for (unsigned t = 2; t <= 7; t++) {
            for (int rep = 0; rep < 40; rep++) {
                struct cf_pos_meta l, r, m1, m2;
                uint64_t y = rnd() & (((uint64_t)1 << (k + 6)) - 1), y1, y2;
                random_meta(&l, cf_pos_meta_bits(k, t - 1));
                random_meta(&r, cf_pos_meta_bits(k, t - 1));
                cf_pos_fx(k, t, y, &l, &r, &y1, &m1);
                fx_slow(k, t, y, &l, &r, &y2, &m2);
                if (y1 != y2 || memcmp(&m1, &m2, sizeof m1) != 0) {
                    mismatches++;
                    fprintf(stderr, "fx mismatch k=%u table=%u\n", k, t);
                }
            }
        }
    }
    CHECK_EQ_U64(mismatches, 0);
    CHECK_EQ_U64(cf_pos_meta_bits(18, 1), 18);
    CHECK_EQ_U64(cf_pos_meta_bits(18, 4), 72);
    CHECK_EQ_U64(cf_pos_meta_bits(18, 7), 0);
}

static void test_match(void)
{
    unsigned found = 0, wrong = 0;

    for (int rep = 0; rep < 2000; rep++) {
        uint64_t yl = rnd() >> 30; /* a 34-bit y */
        uint64_t bl = yl / CF_POS_BC;
        unsigned il = (unsigned)(yl % CF_POS_BC), parity = (unsigned)(bl & 1);
        bool is_target[CF_POS_BC] = {false};

        for (unsigned m = 0; m < 64; m++) {
            unsigned t = cf_pos_match_target(parity, il, m);
            is_target[t] = true;
            found += cf_pos_match(yl, (bl + 1) * CF_POS_BC + t);
            wrong += cf_pos_match(yl, bl * CF_POS_BC + t);       /* same bucket */
            wrong += cf_pos_match(yl, (bl + 2) * CF_POS_BC + t); /* two buckets on */
        }
        for (int j = 0; j < 50; j++) {
            unsigned ir = (unsigned)(rnd() % CF_POS_BC);
            if (!is_target[ir])
                wrong += cf_pos_match(yl, (bl + 1) * CF_POS_BC + ir);
        }
    }
    CHECK_EQ_U64(found, 2000 * 64);
    CHECK_EQ_U64(wrong, 0);
    CHECK(!cf_pos_match(CF_POS_BC, 0)); /* right below left */
}

static void test_pack_and_quality(void)
{
    static const unsigned ks[] = {18, 19, 31, 32, 33, 50};
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        unsigned k = ks[i];
        uint64_t xs[64], back[64];
        uint8_t bytes[8 * 50];
        for (int j = 0; j < 64; j++)
            xs[j] = rnd() & (((uint64_t)1 << k) - 1);
        cf_pos_pack_xs(bytes, k, xs);
        cf_pos_unpack_xs(back, k, bytes);
        CHECK(memcmp(xs, back, sizeof xs) == 0);
    }
    /* x0 = 1 in the top k bits, then zeros: k = 18 packs 00 00 40 00 ... */
    uint64_t xs[64] = {1};
    uint8_t bytes[144];
    cf_pos_pack_xs(bytes, 18, xs);
    CHECK(bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0x40 && bytes[3] == 0);

    /* Quality: sha256(challenge || 36 bits of x_small||x_big left-aligned in 5 bytes). */
    uint8_t ch[32], in[37] = {0}, want[32], got[32];
    for (int j = 0; j < 32; j++)
        ch[j] = (uint8_t)j;
    memcpy(in, ch, 32);
    uint64_t v = ((uint64_t)0x12345 << 18 | 0x2abcd) << 4;
    for (int j = 0; j < 5; j++)
        in[32 + j] = (uint8_t)(v >> (32 - 8 * j));
    cf_sha256(want, in, 37);
    cf_pos_quality_from_xs(got, ch, 18, 0x12345, 0x2abcd);
    CHECK_MEM(got, want, 32);
}

static void test_verify_rejects(void)
{
    uint8_t id[32] = {0}, ch[32] = {0}, proof[8 * 51] = {0}, q[32];

    CHECK(cf_pos_verify(id, 18, ch, proof, 144, q) == CF_ERR_BAD_PROOF); /* all zero */
    CHECK(cf_pos_verify(id, 18, ch, proof, 143, q) == CF_ERR_BAD_PROOF);
    CHECK(cf_pos_verify(id, 18, ch, proof, 145, q) == CF_ERR_BAD_PROOF);
    CHECK(cf_pos_verify(id, 18, ch, proof, 0, q) == CF_ERR_BAD_PROOF);
    CHECK(cf_pos_verify(id, 17, ch, proof, 136, q) == CF_ERR_BAD_PROOF);
    CHECK(cf_pos_verify(id, 51, ch, proof, 408, q) == CF_ERR_BAD_PROOF);
    for (int rep = 0; rep < 200; rep++) {
        for (size_t j = 0; j < sizeof proof; j++)
            proof[j] = (uint8_t)rnd();
        CHECK(cf_pos_verify(id, 18 + rep % 33, ch, proof, 8 * (18 + rep % 33), q) ==
              CF_ERR_BAD_PROOF);
    }
}

static void test_reorder(void)
{
    uint8_t id[32] = {7};
    uint64_t in[64], out[64];

    for (int j = 0; j < 64; j++)
        in[j] = rnd() & 0x3ffff;
    CHECK(cf_pos_reorder_proof(id, 18, in, out) == CF_OK);
    /* A permutation of the input: same multiset. */
    uint64_t sum_in = 0, sum_out = 0, xor_in = 0, xor_out = 0;
    for (int j = 0; j < 64; j++) {
        sum_in += in[j] * in[j];
        sum_out += out[j] * out[j];
        xor_in ^= in[j];
        xor_out ^= out[j];
    }
    CHECK(sum_in == sum_out && xor_in == xor_out);
    /* Reordering is idempotent: proof order is already sorted by y at every level. */
    uint64_t twice[64];
    CHECK(cf_pos_reorder_proof(id, 18, out, twice) == CF_OK);
    CHECK(memcmp(out, twice, sizeof out) == 0);
    CHECK(cf_pos_reorder_proof(id, 17, in, out) == CF_ERR_INVAL);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Bucket matching equals the definition walked in chiapos's order: left entries in order, then
 * m = 0..63, then right entries holding that target in order. */
static void test_find_matches(void)
{
    static struct cf_pos_matcher mt;
    static uint64_t yl[400], yr[400];
    static uint16_t il[4000], ir[4000], wl[4000], wr[4000];
    unsigned bad = 0, total = 0;

    cf_pos_matcher_init(&mt);
    for (int rep = 0; rep < 60; rep++) {
        uint64_t b = rnd() % 100000;
        size_t nl = 150 + rnd() % 200, nr = 150 + rnd() % 200;
        for (size_t i = 0; i < nl; i++)
            yl[i] = b * CF_POS_BC + rnd() % CF_POS_BC;
        for (size_t i = 0; i < nr; i++)
            yr[i] = (b + 1) * CF_POS_BC + rnd() % CF_POS_BC;
        if (rep % 3 == 0) /* repeated values on the right */
            for (size_t i = 1; i < nr; i += 4)
                yr[i] = yr[i - 1];
        qsort(yl, nl, sizeof yl[0], cmp_u64);
        qsort(yr, nr, sizeof yr[0], cmp_u64);

        size_t want = 0;
        unsigned parity = (unsigned)(b & 1);
        for (size_t i = 0; i < nl; i++)
            for (unsigned m = 0; m < 64; m++) {
                unsigned t = cf_pos_match_target(parity, (unsigned)(yl[i] % CF_POS_BC), m);
                for (size_t j = 0; j < nr; j++)
                    if (yr[j] % CF_POS_BC == t && want < 4000) {
                        wl[want] = (uint16_t)i;
                        wr[want++] = (uint16_t)j;
                    }
            }
        size_t got = cf_pos_find_matches(&mt, yl, nl, yr, nr, il, ir, 4000);
        total += (unsigned)got;
        if (got != want || memcmp(il, wl, got * 2) || memcmp(ir, wr, got * 2))
            bad++;
        for (size_t i = 0; i < got; i++)
            bad += !cf_pos_match(yl[il[i]], yr[ir[i]]);
        /* max caps what is written, not the count. */
        CHECK_EQ_U64(cf_pos_find_matches(&mt, yl, nl, yr, nr, il, ir, 3), got);
    }
    CHECK_EQ_U64(bad, 0);
    CHECK(total > 1000);
    /* chiapos's 4-bit count: 17 equal right values wrap to one, at position 16. */
    yl[0] = 5 * CF_POS_BC + 1000;
    for (int i = 0; i < 17; i++)
        yr[i] = 6 * CF_POS_BC + cf_pos_match_target(1, 1000, 0);
    CHECK_EQ_U64(cf_pos_find_matches(&mt, yl, 1, yr, 17, il, ir, 10), 1);
    CHECK_EQ_U64(ir[0], 16);
    CHECK_EQ_U64(cf_pos_find_matches(&mt, yl, 1, yr, 15, il, ir, 10), 15);
    /* The map is clean after each call. */
    bool clean = true;
    for (unsigned i = 0; i < CF_POS_BC; i++)
        clean = clean && mt.count[i] == 0;
    CHECK(clean);
}

/* The multi-lane variants equal the reference, for every count around the lane width. */
static void test_lanes(void)
{
    uint8_t blocks[64 * 40], lens[40], many[32 * 40], one[32];
    for (size_t n = 0; n <= 37; n++) {
        memset(blocks, 0, sizeof blocks);
        for (size_t i = 0; i < n; i++) {
            lens[i] = (uint8_t)(rnd() % 65);
            for (unsigned j = 0; j < lens[i]; j++)
                blocks[64 * i + j] = (uint8_t)rnd();
        }
        memset(many, 0xee, sizeof many);
        cf_blake3_short_many(many, blocks, lens, n);
        bool same = true;
        for (size_t i = 0; i < n; i++) {
            cf_blake3_short(one, blocks + 64 * i, lens[i]);
            same = same && memcmp(one, many + 32 * i, 32) == 0;
        }
        CHECK(same && many[32 * n] == 0xee);
    }

    struct cf_chacha8 c;
    uint8_t key[32], ks[64 * 40], ref[64];
    uint64_t pos[40];
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)rnd();
    cf_chacha8_keysetup(&c, key, NULL);
    for (size_t n = 0; n <= 37; n++) {
        for (size_t i = 0; i < n; i++)
            pos[i] = i % 3 == 0 ? rnd() : i % 3 == 1 ? 0xffffffffull + i : UINT64_MAX - i;
        cf_chacha8_blocks(&c, pos, n, ks);
        bool same = true;
        for (size_t i = 0; i < n; i++) {
            cf_chacha8_keystream(&c, pos[i], 1, ref);
            same = same && memcmp(ref, ks + 64 * i, 64) == 0;
        }
        CHECK(same);
    }

    static const unsigned ks_[] = {18, 23, 32, 45, 50};
    for (size_t t = 0; t < sizeof ks_ / sizeof ks_[0]; t++) {
        unsigned k = ks_[t];
        struct cf_pos_f1 f;
        uint64_t xs[150], ys[150];
        cf_pos_f1_init(&f, k, key);
        for (int i = 0; i < 150; i++)
            xs[i] = rnd() & (((uint64_t)1 << k) - 1);
        cf_pos_f1_many(&f, xs, 150, ys);
        bool same = true;
        for (int i = 0; i < 150; i++)
            same = same && ys[i] == cf_pos_f1(&f, xs[i]);
        CHECK(same);
        cf_pos_f1_many(&f, xs, 150, xs); /* in place */
        CHECK(memcmp(xs, ys, sizeof ys) == 0);

        for (unsigned table = 2; table <= 7; table++) {
            struct cf_pos_meta ml[40], mr[40], mo[40], m1;
            uint64_t yl[40], yo[40], y1;
            for (int i = 0; i < 40; i++) {
                yl[i] = rnd() & (((uint64_t)1 << (k + 6)) - 1);
                random_meta(&ml[i], cf_pos_meta_bits(k, table - 1));
                random_meta(&mr[i], cf_pos_meta_bits(k, table - 1));
            }
            cf_pos_fx_many(k, table, 37, yl, ml, mr, yo, mo);
            same = true;
            for (int i = 0; i < 37; i++) {
                cf_pos_fx(k, table, yl[i], &ml[i], &mr[i], &y1, &m1);
                same = same && y1 == yo[i] && memcmp(&m1, &mo[i], sizeof m1) == 0;
            }
            CHECK(same);
        }
    }
}

int main(void)
{
    test_lanes();
    test_f1_model();
    test_quality_model();
    test_find_matches();
    test_chacha8();
    test_blake3();
    test_f1();
    test_fx();
    test_match();
    test_pack_and_quality();
    test_verify_rejects();
    test_reorder();
    return test_report("test_pos_fx");
}
