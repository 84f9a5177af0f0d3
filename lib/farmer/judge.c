/*
 * judge.c: the farmer's check of a proof of space against a signage point, as Chia's
 * verify_and_get_quality_string and the farmer's required-iterations test, plus the expected
 * time to win the summary prints.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cfarm/consensus.h"
#include "cfarm/farmer.h"
#include "cfarm/pos.h"

/* 2^67 as hi:lo. */
#define DCF_HI 8u
#define DCF_LO 0u

enum cf_err cf_farmer_judge(const struct cf_farmer_sp *sp, const struct cf_proof_of_space *pos,
                            const struct cf_farmer_rules *rules, struct cf_farmer_verdict *out)
{
    uint8_t challenge[32];
    unsigned bits;
    enum cf_err err;

    memset(out, 0, sizeof *out);
    if (pos->pool_public_key.present == pos->pool_contract_puzzle_hash.present)
        return cf_err_set(CF_ERR_BAD_PROOF, "the proof must have exactly one of pool public key "
                                            "and pool contract puzzle hash");
    if (pos->version != 0)
        return cf_err_set(CF_ERR_BAD_PROOF, "v2 proof of space (not farmed by cfarm)");
    if (pos->size < rules->min_k || pos->size > rules->max_k)
        return cf_err_set(CF_ERR_BAD_PROOF, "k=%u is outside the allowed %u..%u",
                          (unsigned)pos->size, rules->min_k, rules->max_k);
    if (pos->pool_public_key.present)
        err = cf_pos_plot_id(out->plot_id, pos->pool_public_key.v.bytes, 48,
                             pos->plot_public_key.bytes);
    else
        err = cf_pos_plot_id(out->plot_id, pos->pool_contract_puzzle_hash.v, 32,
                             pos->plot_public_key.bytes);
    if (err != CF_OK)
        return cf_err_set(CF_ERR_BAD_PROOF, "plot id: %s", cf_strerror(err));
    bits = cf_pos_prefix_bits(sp->peak_height);
    if (!cf_pos_passes_filter(out->plot_id, sp->challenge_hash, sp->cc_sp, bits))
        return cf_err_set(CF_ERR_BAD_PROOF, "the plot does not pass the %u-bit plot filter", bits);
    cf_pos_challenge(challenge, out->plot_id, sp->challenge_hash, sp->cc_sp);
    if (memcmp(challenge, pos->challenge, 32) != 0)
        return cf_err_set(CF_ERR_BAD_PROOF, "proof-of-space challenge does not match the "
                                            "signage point");
    err = cf_pos_verify(out->plot_id, pos->size, challenge, pos->proof.data, pos->proof.len,
                        out->quality);
    if (err != CF_OK) {
        char why[160];

        snprintf(why, sizeof why, "%s", cf_err_detail());
        return cf_err_set(CF_ERR_BAD_PROOF, "proof does not verify: %s", why);
    }
    out->k = pos->size;
    err = cf_pos_required_iters(&out->required_iters, out->quality, sp->cc_sp, out->k,
                                sp->difficulty, DCF_HI, DCF_LO);
    if (err != CF_OK)
        return cf_err_set(CF_ERR_BAD_PROOF, "required iterations: %s", cf_strerror(err));
    out->sp_interval_iters = sp->sub_slot_iters / CF_FARMER_NUM_SPS;
    out->wins = out->required_iters < out->sp_interval_iters;
    return CF_OK;
}

/*
 * A plot passing the filter has one quality per challenge on average; required_iters is then
 * uniform in [0, difficulty * 2^67 / expected_size), and it wins below sp_interval_iters.
 */
double cf_farmer_win_probability(unsigned k, uint64_t difficulty, uint64_t sub_slot_iters,
                                 uint32_t peak_height)
{
    uint64_t size;
    double p;

    if (cf_pos_expected_plot_size(k, &size) != CF_OK || difficulty == 0)
        return 0;
    p = (double)(sub_slot_iters / CF_FARMER_NUM_SPS) * (double)size /
        ((double)difficulty * ldexp(1.0, 67));
    if (p > 1)
        p = 1;
    return ldexp(p, -(int)cf_pos_prefix_bits(peak_height));
}

double cf_farmer_expected_time_to_win(const uint8_t *ks, size_t n, uint64_t difficulty,
                                      uint64_t sub_slot_iters, uint32_t peak_height,
                                      double sp_seconds)
{
    double per_sp = 0;

    for (size_t i = 0; i < n; i++)
        per_sp += cf_farmer_win_probability(ks[i], difficulty, sub_slot_iters, peak_height);
    return per_sp > 0 ? sp_seconds / per_sp : 0;
}
