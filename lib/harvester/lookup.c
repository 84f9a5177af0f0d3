/*
 * lookup.c: the work the harvester runs on a disk's threads: the quality lookup of one plot for
 * one signage point (with full proofs for the qualities that can win a block or a partial), and
 * the signatures of one plot's local key. Both read the plot file; nothing here touches the loop.
 */
#include <stdio.h>
#include <string.h>

#include "cfarm/consensus.h"
#include "cfarm/ct.h"
#include "cfarm/keys.h"
#include "cfarm/plot.h"
#include "harvester/internal.h"

static void keep_detail(char *out, size_t cap, enum cf_err err)
{
    const char *d = cf_err_detail();

    snprintf(out, cap, "%s%s%s", cf_strerror(err), d && *d ? ": " : "", d ? d : "");
}

void hv_lookup_work(struct hv_job *job)
{
    struct hv_lookup_job *j = (struct hv_lookup_job *)job;
    const struct cf_plot_info *info = hv_plot_info(job->plot);
    uint8_t q[CF_PLOT_MAX_QUALITIES][CF_POS_QUALITY_LEN];
    struct cf_plot_io io = {0};
    uint64_t threshold = j->sub_slot_iters / CF_MAINNET_NUM_SPS_SUB_SLOT;
    enum cf_err err;

    err = cf_plot_qualities(job->plot->plot, j->challenge, q, CF_PLOT_MAX_QUALITIES, &j->nqualities,
                            &io);
    for (size_t i = 0; !err && i < j->nqualities && j->nfound < HV_MAX_FOUND; i++) {
        struct hv_found *f = &j->found[j->nfound];
        uint64_t iters;

        /* 2^67 as the 128-bit difficulty constant factor: hi word 8. */
        if (cf_pos_required_iters(&iters, q[i], j->sp_hash, info->k, j->difficulty, 8, 0) !=
                CF_OK ||
            iters >= threshold)
            continue;
        err = cf_plot_full_proof(job->plot->plot, j->challenge, i, f->proof, &f->proof_len, &io);
        if (err)
            break;
        memcpy(f->quality, q[i], 32);
        f->iters = iters;
        j->nfound++;
    }
    j->reads = io.reads;
    hv_engine_read_delay(job->engine, io.reads);
    j->err = err;
    if (err)
        keep_detail(j->detail, sizeof j->detail, err);
}

void hv_sign_work(struct hv_job *job)
{
    struct hv_sign_job *j = (struct hv_sign_job *)job;
    struct cf_plot_memo pm;
    struct cf_keys_memo km;
    struct cf_keys_plot kp;
    enum cf_err err;

    memset(&kp, 0, sizeof kp);
    err = cf_plot_read_memo(job->plot->plot, &pm);
    hv_engine_read_delay(job->engine, 1);
    if (err)
        goto out;
    memset(&km, 0, sizeof km);
    km.pool_contract = pm.kind == CF_PLOT_MEMO_POOL_CONTRACT;
    memcpy(km.pool_pk.bytes, pm.pool_pk, 48);
    memcpy(km.pool_contract_ph, pm.pool_contract_ph, 32);
    memcpy(km.farmer_pk.bytes, pm.farmer_pk, 48);
    memcpy(km.local_master_sk.bytes, pm.local_master_sk, 32);
    cf_plot_memo_wipe(&pm);
    err = cf_keys_plot_from_memo(&kp, &km);
    cf_ct_wipe(&km, sizeof km);
    if (err)
        goto out;
    if (memcmp(kp.plot_pk.bytes, job->plot->plot_pk.bytes, 48) != 0) {
        err = cf_err_set(CF_ERR_BAD_KEY, "the memo's keys changed since the plot was loaded");
        goto out;
    }
    for (size_t i = 0; i < j->n; i++)
        cf_bls_aug_sign_prepend(&j->sigs[i], &kp.local_sk, j->msgs[i], 32, &kp.plot_pk);
    j->local_pk = kp.local_pk;
    j->farmer_pk = kp.farmer_pk;
out:
    cf_ct_wipe(&kp, sizeof kp);
    j->err = err;
    if (err)
        keep_detail(j->detail, sizeof j->detail, err);
}
