/*
 * lanes.h: a vector of 32-bit words for the multi-lane ChaCha8 and BLAKE3 code, using the
 * compiler's generic vector extension (GCC and clang): the same source becomes SSE2 on x86-64,
 * NEON on arm64, and plain scalar code elsewhere, so there is nothing to select at run time.
 */
#ifndef CFARM_LANES_H
#define CFARM_LANES_H

#include <stdint.h>

#ifndef CF_LANES
#define CF_LANES 4
#endif

typedef uint32_t cf_lane_u32 __attribute__((vector_size(4 * CF_LANES)));

static inline cf_lane_u32 cf_lane_rotr(cf_lane_u32 v, unsigned c)
{
    return (v >> c) | (v << (32 - c));
}

static inline cf_lane_u32 cf_lane_splat(uint32_t w)
{
    cf_lane_u32 v;

    for (int i = 0; i < CF_LANES; i++)
        v[i] = w;
    return v;
}

#endif
