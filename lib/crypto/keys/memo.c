/*
 * memo.c: the memo a plot header carries, which tells the harvester who the plot pays and holds
 * the plot's local master secret key.
 *
 *   pool public key plot (128 bytes):
 *     0          48         96          128
 *     | pool_pk  | farmer_pk | local_master_sk |
 *   pool contract plot (112 bytes):
 *     0          32         80          112
 *     | pool_ph  | farmer_pk | local_master_sk |
 *
 * The length alone tells the two kinds apart.
 */
#include <string.h>

#include "cfarm/keys.h"

size_t cf_keys_memo_build(uint8_t out[CF_KEYS_MEMO_MAX], const struct cf_keys_memo *memo)
{
    size_t pos = 0;

    if (memo->pool_contract) {
        memcpy(out, memo->pool_contract_ph, 32);
        pos = 32;
    } else {
        memcpy(out, memo->pool_pk.bytes, CF_BLS_PK_LEN);
        pos = CF_BLS_PK_LEN;
    }
    memcpy(out + pos, memo->farmer_pk.bytes, CF_BLS_PK_LEN);
    pos += CF_BLS_PK_LEN;
    memcpy(out + pos, memo->local_master_sk.bytes, CF_BLS_SK_LEN);
    return pos + CF_BLS_SK_LEN;
}

enum cf_err cf_keys_memo_parse(struct cf_keys_memo *memo, const uint8_t *bytes, size_t len)
{
    size_t pos;

    memset(memo, 0, sizeof *memo);
    if (len == CF_KEYS_MEMO_POOL_PK_LEN) {
        memcpy(memo->pool_pk.bytes, bytes, CF_BLS_PK_LEN);
        pos = CF_BLS_PK_LEN;
    } else if (len == CF_KEYS_MEMO_CONTRACT_LEN) {
        memo->pool_contract = true;
        memcpy(memo->pool_contract_ph, bytes, 32);
        pos = 32;
    } else {
        return cf_err_set(CF_ERR_BAD_VALUE, "plot memo of %zu bytes (128 or 112 expected)", len);
    }
    memcpy(memo->farmer_pk.bytes, bytes + pos, CF_BLS_PK_LEN);
    memcpy(memo->local_master_sk.bytes, bytes + pos + CF_BLS_PK_LEN, CF_BLS_SK_LEN);
    return CF_OK;
}
