/*
 * bench/farmer.c: what the farmer spends per event, one thread:
 *   judge_per_s         cf_farmer_judge on real k=18 proofs (filter, challenge, chiapos verify,
 *                       required iterations) from a plot made here with cfarm's plotter
 *   plotsync_plots_per_s  plot entries a plot-sync receiver takes in (decode + bookkeeping),
 *                       100,000 plots in batches of 300 and the done that applies them
 *   sign_aggregate_verify_per_s  a harvester share and the farmer share (BLS AugScheme over the
 *                       plot key) signed, aggregated and verified: what each message of a winning
 *                       proof costs the two services
 * Usage: farmer [--json]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfarm/consensus.h"
#include "cfarm/farmer.h"
#include "cfarm/keys.h"
#include "cfarm/plot.h"
#include "cfarm/plotter.h"

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    bool json = argc > 1 && strcmp(argv[1], "--json") == 0;
    struct cf_farmer_sp *sps = calloc(64, sizeof *sps);
    struct cf_proof_of_space *pos = calloc(64, sizeof *pos);
    double judge = 0, sync = 0, share = 0, t;

    /* judge: proofs of a k=18 plot made here, for signage points whose filter it passes */
    {
        char dir[] = "/tmp/cfarm-bench-farmer-XXXXXX", path[128];
        struct cf_plotter_params pp = {.k = 18, .threads = 2};
        struct cf_keys_plot kp;
        struct cf_keys_memo memo = {0};
        struct cf_bls_sk sk;
        struct cf_plot *plot = NULL;
        struct cf_simchain_params chain = {.seed = 3, .min_k = 18};
        static uint8_t proofs[64][CF_POS_PROOF_MAX_LEN];
        struct cf_farmer_rules rules = {18, 50};
        struct cf_farmer_verdict v;
        uint8_t seed[32];
        size_t n = 0, rounds = 0;

        memset(seed, 9, 32);
        if (mkdtemp(dir) == NULL || cf_keys_keygen(&sk, seed, 32) != CF_OK)
            return 1;
        memo.pool_contract = false;
        cf_bls_sk_to_pk(&memo.farmer_pk, &sk);
        memo.pool_pk = memo.farmer_pk;
        snprintf(path, sizeof path, "%s/p.plot", dir);
        if (cf_plotter_make_keys(&pp, &memo.farmer_pk, &memo.pool_pk, NULL) != CF_OK ||
            cf_keys_memo_parse(&memo, pp.memo, pp.memo_len) != CF_OK ||
            cf_keys_plot_from_memo(&kp, &memo) != CF_OK ||
            cf_plotter_create(&pp, path, NULL) != CF_OK || cf_plot_open(path, 0, &plot) != CF_OK)
            return 1;
        for (uint64_t i = 0; n < 64 && i < 100000; i++) {
            struct cf_plot_proof pr[2];
            size_t got = 0;

            cf_simchain_sp(&chain, i, &sps[n]);
            if (!cf_pos_passes_filter(kp.plot_id, sps[n].challenge_hash, sps[n].cc_sp, 5))
                continue;
            cf_pos_challenge(pos[n].challenge, kp.plot_id, sps[n].challenge_hash, sps[n].cc_sp);
            if (cf_plot_prove(plot, pos[n].challenge, pr, 2, &got, NULL) != CF_OK || got == 0)
                continue;
            memcpy(proofs[n], pr[0].proof, pr[0].proof_len);
            pos[n].pool_public_key.present = true;
            pos[n].pool_public_key.v = memo.pool_pk;
            pos[n].plot_public_key = kp.plot_pk;
            pos[n].size = 18;
            pos[n].proof.data = proofs[n];
            pos[n].proof.len = pr[0].proof_len;
            n++;
        }
        cf_plot_close(plot);
        unlink(path);
        rmdir(dir);
        t = now_s();
        for (; now_s() - t < 1.0; rounds++)
            for (size_t i = 0; i < n; i++)
                if (cf_farmer_judge(&sps[i], &pos[i], &rules, &v) != CF_OK)
                    return fprintf(stderr, "a proof failed: %s\n", cf_err_detail()), 1;
        judge = n ? (double)(rounds * n) / (now_s() - t) : 0;

        /* farmer share + aggregate check */
        {
            uint8_t m[32];
            struct cf_bls_sig s1, s2, parts[2], agg;
            size_t k = 0;

            memset(m, 7, 32);
            t = now_s();
            for (; now_s() - t < 1.0; k++) {
                m[0] = (uint8_t)k;
                cf_bls_aug_sign_prepend(&s1, &kp.local_sk, m, 32, &kp.plot_pk);
                cf_bls_aug_sign_prepend(&s2, &sk, m, 32, &kp.plot_pk);
                parts[0] = s1;
                parts[1] = s2;
                if (cf_bls_aggregate(&agg, parts, 2) != CF_OK ||
                    !cf_bls_aug_verify(&kp.plot_pk, m, 32, &agg))
                    return fprintf(stderr, "aggregate failed\n"), 1;
            }
            /* two signatures per round; the farmer makes one of them */
            share = (double)k / (now_s() - t);
        }
    }
    /* plot sync of 100,000 plots */
    {
        struct cf_plotsync *rx = cf_plotsync_new();
        struct cf_plot_sync_response resp;
        struct cf_buf bodies[340];
        size_t nb = 0, total = 100000;
        static struct cf_proto_plot plots[300];
        static char names[300][80];
        struct cf_plot_sync_start st = {{1, 77, 0}, true, 0, (uint32_t)total, 1};
        struct cf_plot_sync_path_list empty = {{1, 77, 0}, {NULL, 0}, true};
        struct cf_plot_sync_done done = {{1, 77, 0}, 1};
        uint8_t types[340];

        cf_buf_init(&bodies[nb], 1u << 20);
        cf_proto_encode(CF_CLS_PLOT_SYNC_START, 38, &st, &bodies[nb]);
        types[nb++] = CF_MSG_PLOT_SYNC_START;
        for (size_t b = 0; b < total; b += 300) {
            struct cf_plot_sync_plot_list l = {{1, 77, nb}, {plots, 300}, b + 300 >= total};

            l.data.count = total - b < 300 ? total - b : 300;
            for (size_t i = 0; i < l.data.count; i++) {
                snprintf(names[i], 80, "/mnt/disk%02zu/plot-k32-%08zu.plot", (b + i) % 40, b + i);
                plots[i].filename.s = names[i];
                plots[i].filename.len = strlen(names[i]);
                plots[i].size = 32;
                plots[i].pool_contract_puzzle_hash.present = true;
                cf_bls_pk_identity(&plots[i].plot_public_key);
            }
            cf_buf_init(&bodies[nb], 1u << 20);
            cf_proto_encode(CF_CLS_PLOT_SYNC_PLOT_LIST, 38, &l, &bodies[nb]);
            types[nb++] = CF_MSG_PLOT_SYNC_LOADED;
        }
        for (uint8_t ty = CF_MSG_PLOT_SYNC_REMOVED; ty <= CF_MSG_PLOT_SYNC_DUPLICATES; ty++) {
            empty.identifier.message_id = nb;
            cf_buf_init(&bodies[nb], 4096);
            cf_proto_encode(CF_CLS_PLOT_SYNC_PATH_LIST, 38, &empty, &bodies[nb]);
            types[nb++] = ty;
        }
        done.identifier.message_id = nb;
        cf_buf_init(&bodies[nb], 4096);
        cf_proto_encode(CF_CLS_PLOT_SYNC_DONE, 38, &done, &bodies[nb]);
        types[nb++] = CF_MSG_PLOT_SYNC_DONE;
        t = now_s();
        for (size_t i = 0; i < nb; i++)
            if (cf_plotsync_handle(rx, types[i], 38, bodies[i].data, bodies[i].len, 0, &resp) !=
                    CF_OK ||
                resp.error.present)
                return fprintf(stderr, "sync message %zu refused\n", i), 1;
        sync = (double)total / (now_s() - t);
        if (cf_plotsync_plot_count(rx) != total)
            return 1;
        for (size_t i = 0; i < nb; i++)
            cf_buf_free(&bodies[i]);
        cf_plotsync_free(rx);
    }
    if (json)
        printf("{\"judge_per_s\": %.0f, \"plotsync_plots_per_s\": %.0f, "
               "\"sign_aggregate_verify_per_s\": %.1f}\n",
               judge, sync, share);
    else
        printf("judge (k=18 proofs):        %10.0f /s\nplot sync (100k plots):     %10.0f plots/s\n"
               "sign + aggregate + verify:  %10.1f /s\n",
               judge, sync, share);
    free(sps);
    free(pos);
    return 0;
}
