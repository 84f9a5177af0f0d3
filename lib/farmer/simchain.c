/*
 * simchain.c: a simulated chain as a signage-point source, so a farmer can be watched winning
 * blocks without a full node. Its challenge chain is a hash chain from a seed: sub-slot s has
 * challenge sha256("cfarm-sim-slot" || seed || s) and its 64 signage points
 * cc_sp = sha256("cfarm-sim-cc" || challenge || i), rc_sp = sha256("cfarm-sim-rc" || challenge ||
 * i). Chia's timing is kept in shape (64 signage points per sub-slot, 32 blocks a sub-slot, so the
 * peak height advances every second signage point) and scaled by sp_ms. Difficulty, sub-slot
 * iterations and the smallest k allowed are its own; docs/farmer.md explains the defaults.
 *
 * A declaration is checked like a full node would check the parts the farmer made: the proof
 * against the signage point, both signatures under the plot key, the pool signature; then the
 * block counts as won and, if asked, the farmer is asked for the foliage signatures too.
 */
#include <stdlib.h>
#include <string.h>

#include "cfarm/bytes.h"
#include "cfarm/farmer.h"
#include "cfarm/hash.h"
#include "cfarm/log.h"

#define MOD    "cfarm.simchain"
#define RECENT 192 /* three sub-slots of signage points */

struct sim {
    struct cf_sp_source base;
    struct cf_loop *loop;
    struct cf_loop_timer *timer;
    struct cf_simchain_params p;
    uint64_t n;
    struct cf_farmer_sp recent[RECENT];
    uint8_t won[64][32]; /* signage points of the last blocks won, to count each once */
    size_t nwon;
};

static void hash_parts(uint8_t out[32], const char *tag, const uint8_t *a, size_t alen, uint64_t v)
{
    uint8_t buf[128], be[8];
    size_t tl = strlen(tag);

    cf_store_be64(be, v);
    memcpy(buf, tag, tl);
    memcpy(buf + tl, a, alen);
    memcpy(buf + tl + alen, be, 8);
    cf_sha256(out, buf, tl + alen + 8);
}

void cf_simchain_sp(const struct cf_simchain_params *p, uint64_t n, struct cf_farmer_sp *out)
{
    uint8_t seed[8];

    memset(out, 0, sizeof *out);
    cf_store_be64(seed, p->seed);
    hash_parts(out->challenge_hash, "cfarm-sim-slot", seed, 8, n / CF_FARMER_NUM_SPS);
    out->index = (uint8_t)(n % CF_FARMER_NUM_SPS);
    hash_parts(out->cc_sp, "cfarm-sim-cc", out->challenge_hash, 32, out->index);
    hash_parts(out->rc_sp, "cfarm-sim-rc", out->challenge_hash, 32, out->index);
    out->difficulty = p->difficulty ? p->difficulty : 1;
    out->sub_slot_iters = p->sub_slot_iters ? p->sub_slot_iters : (uint64_t)1 << 50;
    out->peak_height = (p->peak_height ? p->peak_height : 21000000u) + (uint32_t)(n / 2);
    out->last_tx_height = out->peak_height;
}

static void tick(struct cf_loop_timer *t, void *arg)
{
    struct sim *s = arg;
    struct cf_farmer_sp sp;

    cf_simchain_sp(&s->p, s->n, &sp);
    s->recent[s->n % RECENT] = sp;
    s->n++;
    cf_loop_timer_start(t, s->p.sp_ms);
    if (s->base.farmer)
        cf_farmer_signage_point(s->base.farmer, &sp);
}

static const struct cf_farmer_sp *find_sp(const struct sim *s, const uint8_t cc[32])
{
    for (size_t i = 0; i < RECENT && i < s->n; i++)
        if (memcmp(s->recent[i].cc_sp, cc, 32) == 0)
            return &s->recent[i];
    return NULL;
}

static void on_signed(void *arg, enum cf_err err, const struct cf_signed_values *sv)
{
    (void)arg;
    (void)sv;
    if (err == CF_OK)
        cf_log(CF_LOG_INFO, MOD, "block signed: foliage signatures accepted");
    else
        cf_log(CF_LOG_WARNING, MOD, "block not signed: %s", cf_strerror(err));
}

/* Check what the farmer made, as a node would. */
static enum cf_err check_declaration(const struct sim *s, const struct cf_declare_proof_of_space *d,
                                     struct cf_farmer_verdict *v)
{
    const struct cf_farmer_sp *sp = find_sp(s, d->challenge_chain_sp);
    const struct cf_bls_pk *pk = &d->proof_of_space.plot_public_key;
    uint8_t pt[36];

    if (sp == NULL || memcmp(sp->rc_sp, d->reward_chain_sp, 32) != 0)
        return cf_err_set(CF_ERR_NOT_FOUND, "unknown signage point");
    if (cf_farmer_judge(sp, &d->proof_of_space, &s->base.rules, v) != CF_OK)
        return CF_ERR_BAD_PROOF;
    if (!v->wins)
        return cf_err_set(CF_ERR_BAD_PROOF, "required iterations too high");
    if (!cf_bls_aug_verify(pk, sp->cc_sp, 32, &d->challenge_chain_sp_signature) ||
        !cf_bls_aug_verify(pk, sp->rc_sp, 32, &d->reward_chain_sp_signature))
        return cf_err_set(CF_ERR_BAD_SIGNATURE, "signage point signature");
    if (d->proof_of_space.pool_public_key.present) {
        memcpy(pt, d->pool_target.v.puzzle_hash, 32);
        cf_store_be32(pt + 32, d->pool_target.v.max_height);
        if (!d->pool_target.present || !d->pool_signature.present ||
            !cf_bls_aug_verify(&d->proof_of_space.pool_public_key.v, pt, 36, &d->pool_signature.v))
            return cf_err_set(CF_ERR_BAD_SIGNATURE, "pool target signature");
    }
    return CF_OK;
}

static void declare(struct cf_sp_source *src, const struct cf_declare_proof_of_space *d,
                    const struct cf_farmer_verdict *fv)
{
    struct sim *s = (struct sim *)src;
    struct cf_farmer_verdict v;
    struct cf_request_signed_values rq = {0};
    enum cf_err err = check_declaration(s, d, &v);

    (void)fv;
    if (err != CF_OK) {
        cf_log(CF_LOG_WARNING, MOD, "declaration refused: %s", cf_err_detail());
        return;
    }
    /* one block per signage point, as a chain infuses one */
    for (size_t i = 0; i < s->nwon && i < 64; i++)
        if (memcmp(s->won[i], d->challenge_chain_sp, 32) == 0) {
            cf_log(CF_LOG_INFO, MOD,
                   "another proof for a signage point already won: not a "
                   "second block");
            return;
        }
    memcpy(s->won[s->nwon++ % 64], d->challenge_chain_sp, 32);
    src->blocks_won++;
    cf_log(CF_LOG_INFO, MOD, "BLOCK WON at height %u with a k=%u plot (block %llu of this run)",
           (unsigned)find_sp(s, d->challenge_chain_sp)->peak_height + 1, v.k,
           (unsigned long long)src->blocks_won);
    if (!s->p.sign_foliage || src->farmer == NULL)
        return;
    memcpy(rq.quality_string, v.quality, 32);
    hash_parts(rq.foliage_block_data_hash, "cfarm-sim-fbd", v.quality, 32, s->n);
    hash_parts(rq.foliage_transaction_block_hash, "cfarm-sim-ftb", v.quality, 32, s->n);
    if ((err = cf_farmer_sign_values(src->farmer, &rq, on_signed, s)) != CF_OK)
        cf_log(CF_LOG_WARNING, MOD, "cannot ask for the block signatures: %s", cf_strerror(err));
}

static double sp_seconds(struct cf_sp_source *src)
{
    return (double)((struct sim *)src)->p.sp_ms / 1000.0;
}

static void sim_free(struct cf_sp_source *src)
{
    struct sim *s = (struct sim *)src;

    cf_loop_timer_free(s->timer);
    free(s);
}

static const struct cf_sp_source_ops sim_ops = {"simulated chain", declare, sp_seconds, sim_free};

enum cf_err cf_simchain_new(struct cf_loop *loop, const struct cf_simchain_params *p,
                            struct cf_sp_source **out)
{
    struct sim *s = calloc(1, sizeof *s);
    enum cf_err err;

    *out = NULL;
    if (s == NULL)
        return CF_ERR_NOMEM;
    s->base.ops = &sim_ops;
    s->base.rules.min_k = p->min_k ? p->min_k : 32;
    s->base.rules.max_k = 50;
    s->loop = loop;
    s->p = *p;
    if (s->p.sp_ms == 0)
        s->p.sp_ms = 9375;
    err = cf_loop_timer_new(loop, tick, s, &s->timer);
    if (err == CF_OK)
        err = cf_loop_timer_start(s->timer, s->p.sp_ms);
    if (err != CF_OK) {
        sim_free(&s->base);
        return err;
    }
    *out = &s->base;
    return CF_OK;
}
