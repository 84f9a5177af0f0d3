/*
 * keys.c: plot keys and file names as `chia plots create` makes them (see cfarm/plotter.h).
 */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "cfarm/ct.h"
#include "cfarm/hex.h"
#include "cfarm/keys.h"
#include "cfarm/plotter.h"

enum cf_err cf_plotter_make_keys(struct cf_plotter_params *params,
                                 const struct cf_bls_pk *farmer_pk,
                                 const struct cf_bls_pk *pool_pk, const uint8_t *pool_contract_ph)
{
    struct cf_keys_memo memo;
    struct cf_keys_plot plot;
    uint8_t seed[32];
    size_t got = 0;
    enum cf_err err;

    if ((pool_pk == NULL) == (pool_contract_ph == NULL))
        return cf_err_set(CF_ERR_INVAL, "a plot needs a pool public key or a pool contract "
                                        "puzzle hash (exactly one)");
    memset(&memo, 0, sizeof memo);
    while (got < sizeof seed) {
        ssize_t r = getrandom(seed + got, sizeof seed - got, 0);
        if (r <= 0)
            return cf_err_set(CF_ERR_CRYPTO, "getrandom failed");
        got += (size_t)r;
    }
    /* Chia: local master sk = AugSchemeMPL.key_gen(token_bytes(32)). */
    err = cf_keys_keygen(&memo.local_master_sk, seed, sizeof seed);
    cf_ct_wipe(seed, sizeof seed);
    if (err)
        goto out;
    memo.farmer_pk = *farmer_pk;
    memo.pool_contract = pool_contract_ph != NULL;
    if (pool_pk)
        memo.pool_pk = *pool_pk;
    else
        memcpy(memo.pool_contract_ph, pool_contract_ph, 32);
    if ((err = cf_keys_plot_from_memo(&plot, &memo)))
        goto out;
    memcpy(params->id, plot.plot_id, 32);
    params->memo_len = cf_keys_memo_build(params->memo, &memo);
out:
    cf_ct_wipe(&plot, sizeof plot);
    cf_ct_wipe(&memo, sizeof memo);
    return err;
}

void cf_plotter_name(char out[CF_PLOTTER_NAME_MAX], unsigned k, const uint8_t id[32],
                     long long when)
{
    char hex[65];
    time_t tt = (time_t)when;
    struct tm tm;

    cf_hex_encode(hex, id, 32);
    localtime_r(&tt, &tm);
    snprintf(out, CF_PLOTTER_NAME_MAX, "plot-k%u-%04d-%02d-%02d-%02d-%02d-%s.plot", k,
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, hex);
}
