/*
 * consensus.c: the proof-of-space formulas of Chia consensus (plot filter, challenge, required
 * iterations, expected plot size, plot id).
 *
 * required_iters = max(1, floor(difficulty * dcf * q / (2^256 * expected_size))) with q the
 * 256-bit big-endian sp quality. The numerator has at most 64 + 128 + 256 = 448 bits, so it is
 * computed exactly in eight 64-bit limbs; floor(N / (2^256 * E)) = floor(floor(N / 2^256) / E),
 * so the division is a 192-bit by 64-bit long division of the top limbs.
 */
#include "cfarm/consensus.h"

#include <string.h>

#include "cfarm/hash.h"

void cf_pos_filter_input(uint8_t out[32], const uint8_t plot_id[32],
                         const uint8_t challenge_hash[32], const uint8_t sp_hash[32])
{
    uint8_t in[96];

    memcpy(in, plot_id, 32);
    memcpy(in + 32, challenge_hash, 32);
    memcpy(in + 64, sp_hash, 32);
    cf_sha256(out, in, sizeof in);
}

bool cf_pos_passes_filter(const uint8_t plot_id[32], const uint8_t challenge_hash[32],
                          const uint8_t sp_hash[32], unsigned prefix_bits)
{
    uint8_t h[32];

    if (prefix_bits == 0)
        return true;
    if (prefix_bits > 256)
        prefix_bits = 256;
    cf_pos_filter_input(h, plot_id, challenge_hash, sp_hash);
    for (unsigned i = 0; i < prefix_bits; i++) {
        if (h[i / 8] & (0x80 >> (i % 8)))
            return false;
    }
    return true;
}

unsigned cf_pos_prefix_bits(uint32_t height)
{
    static const uint32_t forks[] = {5496000, 10542000, 15592000, 20643000};
    unsigned bits = CF_MAINNET_FILTER_BITS;

    for (size_t i = 0; i < sizeof forks / sizeof forks[0]; i++) {
        if (height >= forks[i] && bits > 0)
            bits--;
    }
    return bits;
}

void cf_pos_challenge(uint8_t out[32], const uint8_t plot_id[32], const uint8_t challenge_hash[32],
                      const uint8_t sp_hash[32])
{
    uint8_t h[32];

    cf_pos_filter_input(h, plot_id, challenge_hash, sp_hash);
    cf_sha256(out, h, sizeof h);
}

enum cf_err cf_pos_expected_plot_size(unsigned k, uint64_t *out)
{
    unsigned __int128 v;

    if (k == 0)
        return cf_err_set(CF_ERR_INVAL, "k=0 has no expected plot size");
    if (k > 64)
        return cf_err_set(CF_ERR_TOO_LARGE, "expected plot size for k=%u overflows uint64", k);
    v = (unsigned __int128)(2 * k + 1) << (k - 1);
    if (v >> 64)
        return cf_err_set(CF_ERR_TOO_LARGE, "expected plot size for k=%u overflows uint64", k);
    *out = (uint64_t)v;
    return CF_OK;
}

/* acc (n limbs, little-endian) *= m, in place; acc must have room for one more limb. */
static void mul_limbs(uint64_t *acc, unsigned n, uint64_t m)
{
    unsigned __int128 carry = 0;

    for (unsigned i = 0; i < n; i++) {
        unsigned __int128 t = (unsigned __int128)acc[i] * m + carry;
        acc[i] = (uint64_t)t;
        carry = t >> 64;
    }
    acc[n] = (uint64_t)carry;
}

enum cf_err cf_pos_required_iters(uint64_t *out, const uint8_t quality[32],
                                  const uint8_t cc_sp_output_hash[32], unsigned k,
                                  uint64_t difficulty, uint64_t dcf_hi, uint64_t dcf_lo)
{
    uint8_t in[64], spq[32];
    uint64_t n[8] = {0}, prod[8] = {0}, size;
    enum cf_err err = cf_pos_expected_plot_size(k, &size);

    if (err != CF_OK)
        return err;
    memcpy(in, quality, 32);
    memcpy(in + 32, cc_sp_output_hash, 32);
    cf_sha256(spq, in, sizeof in);
    for (unsigned i = 0; i < 4; i++) {
        uint64_t limb = 0;
        for (unsigned j = 0; j < 8; j++)
            limb = limb << 8 | spq[8 * (3 - i) + j];
        n[i] = limb;
    }
    /* n = q * difficulty (5 limbs); then times dcf = hi * 2^64 + lo. */
    mul_limbs(n, 4, difficulty);
    memcpy(prod, n, sizeof prod);
    mul_limbs(prod, 5, dcf_lo);
    mul_limbs(n, 5, dcf_hi);
    {
        unsigned __int128 carry = 0;
        for (unsigned i = 1; i < 8; i++) {
            unsigned __int128 t = (unsigned __int128)prod[i] + n[i - 1] + carry;
            prod[i] = (uint64_t)t;
            carry = t >> 64;
        }
    }
    /* floor(prod / 2^256) = prod[4..7]; divide by size, most significant limb first. */
    unsigned __int128 rem = 0;
    uint64_t q[4];
    for (int i = 3; i >= 0; i--) {
        unsigned __int128 cur = (rem << 64) | prod[4 + i];
        q[i] = (uint64_t)(cur / size);
        rem = cur % size;
    }
    if (q[1] || q[2] || q[3])
        return cf_err_set(CF_ERR_TOO_LARGE, "required iterations overflow uint64");
    *out = q[0] ? q[0] : 1;
    return CF_OK;
}

enum cf_err cf_pos_plot_id(uint8_t out[32], const uint8_t *pool, size_t pool_len,
                           const uint8_t plot_pk[48])
{
    uint8_t in[48 + 48];

    if (pool_len != 48 && pool_len != 32)
        return cf_err_set(CF_ERR_INVAL, "pool key or puzzle hash is %zu bytes, not 48 or 32",
                          pool_len);
    memcpy(in, pool, pool_len);
    memcpy(in + pool_len, plot_pk, 48);
    cf_sha256(out, in, pool_len + 48);
    return CF_OK;
}
