/*
 * pos.c: the plot prover on real plots, page cache warm.
 *
 *   quality_per_s          cf_plot_qualities for pseudo-random challenges
 *   proof_per_s            cf_plot_full_proof (index 0) for challenges that have a proof
 *   prove_per_s            cf_plot_prove (every quality with its proof, one pass) for the same
 *   verify_per_s           cf_pos_verify of those proofs
 *   quality_reads, quality_bytes   preads and bytes per quality lookup (all challenges)
 *   proof_reads, proof_bytes       preads and bytes per full proof (with its table-7 lookup)
 *   keep_fd_quality_per_s  quality lookups with CF_PLOT_KEEP_FD (no open/close per lookup)
 *
 * Challenges are sha256("bench" + i). Plots: the arguments, else the k=18 plots of the shared
 * vectors (the .plot files under plots/); none found: skipped loudly (exit 77).
 *
 * Usage: pos [--json] [-n CHALLENGES] [PLOT...]
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfarm/hash.h"
#include "cfarm/plot.h"
#include "cfarm/pos.h"
#include "test.h"

#define MAX_PLOTS 64

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void challenge(uint8_t out[32], unsigned i)
{
    char s[32];
    int n = snprintf(s, sizeof s, "bench%u", i);
    cf_sha256(out, s, (size_t)n);
}

struct totals {
    double q_time, p_time, pv_time, v_time, qk_time;
    uint64_t q_n, p_n, pv_n, v_n, qk_n;
    struct cf_plot_io q_io, p_io;
};

static void bench_plot(const char *path, unsigned n, struct totals *t)
{
    struct cf_plot *p = NULL, *pk = NULL;
    uint8_t q[CF_PLOT_MAX_QUALITIES][32], ch[32];
    unsigned *with = calloc(n, sizeof *with), nwith = 0;
    uint8_t (*proofs)[CF_POS_PROOF_MAX_LEN] = calloc(n, CF_POS_PROOF_MAX_LEN);
    struct cf_plot_proof *pp = malloc(sizeof *pp * 8);
    size_t cnt, len;
    double t0;

    if (!with || !proofs || !pp || cf_plot_open(path, 0, &p) || cf_plot_open(path, CF_PLOT_KEEP_FD, &pk)) {
        fprintf(stderr, "pos bench: %s: %s\n", path, cf_err_detail());
        goto out;
    }
    const struct cf_plot_info *in = cf_plot_info(p);
    /* warm the page cache */
    for (unsigned i = 0; i < n; i++) {
        challenge(ch, i);
        cf_plot_qualities(p, ch, q, CF_PLOT_MAX_QUALITIES, &cnt, NULL);
    }
    t0 = now();
    for (unsigned i = 0; i < n; i++) {
        challenge(ch, i);
        if (cf_plot_qualities(p, ch, q, CF_PLOT_MAX_QUALITIES, &cnt, &t->q_io) == CF_OK && cnt)
            with[nwith++] = i;
    }
    t->q_time += now() - t0;
    t->q_n += n;
    t0 = now();
    for (unsigned i = 0; i < n; i++) {
        challenge(ch, i);
        cf_plot_qualities(pk, ch, q, CF_PLOT_MAX_QUALITIES, &cnt, NULL);
    }
    t->qk_time += now() - t0;
    t->qk_n += n;
    t0 = now();
    for (unsigned j = 0; j < nwith; j++) {
        challenge(ch, with[j]);
        cf_plot_full_proof(p, ch, 0, proofs[j], &len, &t->p_io);
    }
    t->p_time += now() - t0;
    t->p_n += nwith;
    t0 = now();
    for (unsigned j = 0; j < nwith; j++) {
        challenge(ch, with[j]);
        cf_plot_prove(p, ch, pp, 8, &cnt, NULL);
        t->pv_n += cnt;
    }
    t->pv_time += now() - t0;
    t0 = now();
    for (unsigned j = 0; j < nwith; j++) {
        uint8_t vq[32];
        challenge(ch, with[j]);
        if (cf_pos_verify(in->id, in->k, ch, proofs[j], 8 * in->k, vq) != CF_OK)
            fprintf(stderr, "pos bench: %s: proof %u does not verify\n", path, with[j]);
    }
    t->v_time += now() - t0;
    t->v_n += nwith;
out:
    free(with);
    free(proofs);
    free(pp);
    cf_plot_close(p);
    cf_plot_close(pk);
}

int main(int argc, char **argv)
{
    char *plots[MAX_PLOTS];
    size_t np = 0;
    bool json = false;
    unsigned n = 20000;
    struct totals t;

    memset(&t, 0, sizeof t);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            n = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (np < MAX_PLOTS)
            plots[np++] = strdup(argv[i]);
    }
    if (np == 0) {
        const char *v = test_vectors_dir();
        char dir[4200];
        DIR *d;
        struct dirent *e;
        if (!v)
            return 77;
        snprintf(dir, sizeof dir, "%s/plots", v);
        if ((d = opendir(dir))) {
            while ((e = readdir(d)) && np < MAX_PLOTS) {
                size_t l = strlen(e->d_name);
                if (l > 5 && strcmp(e->d_name + l - 5, ".plot") == 0) {
                    char path[4500];
                    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
                    plots[np++] = strdup(path);
                }
            }
            closedir(d);
        }
        if (np == 0) {
            fprintf(stderr, "SKIPPED: no plots under %s\n", dir);
            return 77;
        }
    }
    for (size_t i = 0; i < np; i++) {
        bench_plot(plots[i], n, &t);
        free(plots[i]);
    }
#define RATE(a, b) ((b) > 0 ? (double)(a) / (b) : 0)
    double qps = RATE(t.q_n, t.q_time), pps = RATE(t.p_n, t.p_time), pvps = RATE(t.pv_n, t.pv_time);
    double vps = RATE(t.v_n, t.v_time), qkps = RATE(t.qk_n, t.qk_time);
    double qr = RATE(t.q_io.reads, t.q_n), qb = RATE(t.q_io.bytes, t.q_n);
    double pr = RATE(t.p_io.reads, t.p_n), pb = RATE(t.p_io.bytes, t.p_n);
    if (json) {
        printf("{\"quality_per_s\": %.0f, \"proof_per_s\": %.0f, \"prove_per_s\": %.0f, "
               "\"verify_per_s\": %.0f, \"keep_fd_quality_per_s\": %.0f, \"quality_reads\": %.2f, "
               "\"quality_bytes\": %.0f, \"proof_reads\": %.2f, \"proof_bytes\": %.0f, "
               "\"plots\": %zu, \"challenges_per_plot\": %u, \"proofs\": %llu}\n",
               qps, pps, pvps, vps, qkps, qr, qb, pr, pb, np, n, (unsigned long long)t.p_n);
    } else {
        printf("plots: %zu, challenges per plot: %u\n", np, n);
        printf("  quality lookups     %10.0f /s  (%.2f reads, %.0f bytes per lookup)\n", qps, qr, qb);
        printf("  ... fd kept open    %10.0f /s\n", qkps);
        printf("  full proofs         %10.0f /s  (%.2f reads, %.0f bytes per proof)\n", pps, pr, pb);
        printf("  qualities+proofs    %10.0f /s  (proofs per second, one pass)\n", pvps);
        printf("  verifications       %10.0f /s\n", vps);
    }
    return 0;
}
