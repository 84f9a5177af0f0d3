/*
 * blake3_lanes.c: BLAKE3 compression of CF_LANES independent one-block inputs side by side
 * (the Fx workload: each Fx is exactly one root chunk of one block). Word j of every lane's
 * state sits in one vector, so each G step is a few vector operations for all lanes.
 */
#include <string.h>

#include "cfarm/blake3.h"
#include "cfarm/bytes.h"
#include "lanes.h"

static const uint32_t IV[8] = {
    0x6A09E667u, 0xBB67AE85u, 0x3C6EF372u, 0xA54FF53Au,
    0x510E527Fu, 0x9B05688Cu, 0x1F83D9ABu, 0x5BE0CD19u,
};

static const uint8_t SCHEDULE[7][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8},
    {3, 4, 10, 12, 13, 2, 7, 14, 6, 5, 9, 0, 11, 15, 8, 1},
    {10, 7, 12, 9, 14, 3, 13, 15, 4, 0, 11, 2, 5, 8, 1, 6},
    {12, 13, 9, 11, 15, 10, 14, 8, 7, 2, 5, 3, 0, 1, 6, 4},
    {9, 14, 11, 5, 8, 12, 15, 1, 13, 3, 0, 10, 2, 6, 4, 7},
    {11, 15, 5, 0, 1, 9, 8, 6, 14, 10, 2, 12, 3, 4, 7, 13},
};

enum { FLAGS = 1 | 2 | 8 }; /* CHUNK_START | CHUNK_END | ROOT */

static inline void g(cf_lane_u32 *s, int a, int b, int c, int d, cf_lane_u32 mx, cf_lane_u32 my)
{
    s[a] += s[b] + mx;
    s[d] = cf_lane_rotr(s[d] ^ s[a], 16);
    s[c] += s[d];
    s[b] = cf_lane_rotr(s[b] ^ s[c], 12);
    s[a] += s[b] + my;
    s[d] = cf_lane_rotr(s[d] ^ s[a], 8);
    s[c] += s[d];
    s[b] = cf_lane_rotr(s[b] ^ s[c], 7);
}

/* Hash exactly CF_LANES blocks. */
static void hash_lanes(uint8_t *out, const uint8_t *blocks, const uint8_t *lens)
{
    cf_lane_u32 m[16], s[16];

    for (int j = 0; j < 16; j++)
        for (int l = 0; l < CF_LANES; l++)
            m[j][l] = cf_load_le32(blocks + 64 * l + 4 * j);
    for (int i = 0; i < 8; i++)
        s[i] = cf_lane_splat(IV[i]);
    for (int i = 0; i < 4; i++)
        s[8 + i] = cf_lane_splat(IV[i]);
    s[12] = cf_lane_splat(0);
    s[13] = cf_lane_splat(0);
    for (int l = 0; l < CF_LANES; l++)
        s[14][l] = lens[l];
    s[15] = cf_lane_splat(FLAGS);
    for (int r = 0; r < 7; r++) {
        const uint8_t *o = SCHEDULE[r];
        g(s, 0, 4, 8, 12, m[o[0]], m[o[1]]);
        g(s, 1, 5, 9, 13, m[o[2]], m[o[3]]);
        g(s, 2, 6, 10, 14, m[o[4]], m[o[5]]);
        g(s, 3, 7, 11, 15, m[o[6]], m[o[7]]);
        g(s, 0, 5, 10, 15, m[o[8]], m[o[9]]);
        g(s, 1, 6, 11, 12, m[o[10]], m[o[11]]);
        g(s, 2, 7, 8, 13, m[o[12]], m[o[13]]);
        g(s, 3, 4, 9, 14, m[o[14]], m[o[15]]);
    }
    for (int i = 0; i < 8; i++) {
        cf_lane_u32 w = s[i] ^ s[i + 8];
        for (int l = 0; l < CF_LANES; l++)
            cf_store_le32(out + 32 * l + 4 * i, w[l]);
    }
}

void cf_blake3_short_many(uint8_t *out, const uint8_t *blocks, const uint8_t *lens, size_t n)
{
    while (n >= CF_LANES) {
        hash_lanes(out, blocks, lens);
        out += 32 * CF_LANES;
        blocks += 64 * CF_LANES;
        lens += CF_LANES;
        n -= CF_LANES;
    }
    if (n > 0) {
        uint8_t b[64 * CF_LANES] = {0}, l[CF_LANES] = {0}, o[32 * CF_LANES];
        memcpy(b, blocks, 64 * n);
        memcpy(l, lens, n);
        hash_lanes(o, b, l);
        memcpy(out, o, 32 * n);
    }
}
