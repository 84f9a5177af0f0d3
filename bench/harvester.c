/*
 * harvester.c: the harvester service's latency, memory and start-up, in one process with a
 * minimal farmer over real TLS on loopback.
 *
 *   sp_N_ms / sp_N_slow_ms   signage point sent -> FarmingInfo received (the harvester sends it
 *                            after its last proof) with N plots passing the filter, without and
 *                            with 10 ms injected per plot read (median of --rounds)
 *   one_plot_slow_ms         the lookup + proofs of one plot alone with 10 ms per read
 *   rss_per_plot_N_b         resident bytes per loaded plot with N plots
 *   start_N_cold_ms          harvester start -> first snapshot, no cache (headers read, keys
 *   start_N_cached_ms        derived) and then with the cache the first run wrote
 *   filter_N_ms              the plot filter pass on the loop (one SHA-256 per plot) at a signage
 *                            point with N plots loaded, 9 filter bits, none passing (median)
 *
 * Each signage point is one for which the plot has at least one quality, so every passing plot
 * also reads a full proof (64 x values: the slow part with injected latency).
 *
 * Plots: one k=18 plot made by the plotter, hard-linked under N names. They share a plot id, so
 * the benchmark sets bench_allow_same_id (else all but one would be duplicates); the legacy
 * signage point layout with 0 filter bits makes every plot pass. The plots are spread over
 * min(N, 100) pretend disks (bench_fake_disks), each with the default bound of 4 reads in
 * flight, as a farm of 100 disks would be; they all sit on one real device, whose page cache
 * holds the file, so without injected latency the figures are CPU and scheduling cost.
 *
 * Usage: harvester [--json] [--rounds R] [--max N] [--filter-only]
 *        (N: most plots, default 10000; --filter-only measures filter_N_ms alone)
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cfarm/bytes.h"
#include "cfarm/cert.h"
#include "cfarm/harvester.h"
#include "cfarm/keys.h"
#include "cfarm/log.h"
#include "cfarm/peer.h"
#include "cfarm/consensus.h"
#include "cfarm/plot.h"
#include "cfarm/plotter.h"
#include "cfarm/proto.h"

struct farm {
    struct cf_peer_service *svc;
    struct cf_peer *peer;
    uint16_t port;
    struct cf_bls_pk fpk, ppk;
    int syncs, infos, proofs;
};

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void send_body(struct cf_peer *p, uint8_t type, enum cf_proto_cls cls, int ver,
                      const void *body)
{
    struct cf_buf b;

    cf_buf_init(&b, CF_PEER_MAX_MESSAGE);
    if (cf_proto_encode(cls, ver, body, &b) == CF_OK)
        cf_peer_send(p, type, b.data, b.len);
    cf_buf_free(&b);
}

static void f_connect(struct cf_peer *p, void *user)
{
    struct farm *f = user;
    struct cf_harvester_handshake hs = {{&f->fpk, 1}, {&f->ppk, 1}};

    f->peer = p;
    send_body(p, CF_MSG_HARVESTER_HANDSHAKE, CF_CLS_HARVESTER_HANDSHAKE, 38, &hs);
}

static void f_disconnect(struct cf_peer *p, enum cf_err why, const char *d, void *user)
{
    struct farm *f = user;

    (void)why;
    (void)d;
    if (p == f->peer)
        f->peer = NULL;
}

static enum cf_err f_sync(struct cf_peer *p, const struct cf_peer_msg *m, void *user)
{
    struct farm *f = user;
    struct cf_plot_sync_response r;
    struct cf_buf b;

    memset(&r, 0, sizeof r);
    /* Every plot-sync body starts with its 24-byte identifier. */
    if (m->len < 24)
        return CF_ERR_PROTOCOL;
    r.identifier.timestamp = cf_load_be64(m->data);
    r.identifier.sync_id = cf_load_be64(m->data + 8);
    r.identifier.message_id = cf_load_be64(m->data + 16);
    r.message_type = m->type;
    cf_buf_init(&b, 256);
    if (cf_proto_encode(CF_CLS_PLOT_SYNC_RESPONSE, 38, &r, &b) == CF_OK)
        cf_peer_send(p, CF_MSG_PLOT_SYNC_RESPONSE, b.data, b.len);
    cf_buf_free(&b);
    if (m->type == CF_MSG_PLOT_SYNC_DONE)
        f->syncs++;
    return CF_OK;
}

static enum cf_err f_proof(struct cf_peer *p, const struct cf_peer_msg *m, void *user)
{
    (void)p;
    (void)m;
    ((struct farm *)user)->proofs++;
    return CF_OK;
}

static enum cf_err f_info(struct cf_peer *p, const struct cf_peer_msg *m, void *user)
{
    (void)p;
    (void)m;
    ((struct farm *)user)->infos++;
    return CF_OK;
}

static bool run_until(struct cf_loop *loop, const int *v, int want, double ms)
{
    double end = now_ms() + ms;

    while (*v < want && now_ms() < end)
        cf_loop_run_once(loop, 5);
    return *v >= want;
}

static char base[64], plot_path[256];

static bool make_links(const char *dir, unsigned n)
{
    char p[512];

    mkdir(dir, 0755);
    for (unsigned i = 0; i < n; i++) {
        snprintf(p, sizeof p, "%s/plot-k18-bench-%06u.plot", dir, i);
        if (link(plot_path, p) != 0)
            return false;
    }
    return true;
}

static long rss_bytes(void)
{
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");

    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose(f);
    }
    return rss * sysconf(_SC_PAGESIZE);
}

static struct cf_cert_paths certs;

static struct cf_harvester *start(struct cf_loop *loop, const char *dir, uint16_t port,
                                  const char *cache, uint64_t delay, unsigned fake_disks)
{
    char *dirs[1] = {(char *)dir};
    struct cf_harvester_params p = {
        .network_id = "mainnet",
        .ca_crt = certs.ca_crt,
        .crt = certs.node_crt[CF_CERT_HARVESTER],
        .key = certs.node_key[CF_CERT_HARVESTER],
        .farmer_host = port ? "127.0.0.1" : NULL,
        .farmer_port = port,
        .plot_dirs = dirs,
        .n_plot_dirs = 1,
        .cache_path = cache,
        .protocol_version = "0.0.36",
        .reconnect_ms = 50,
        .read_delay_ms = delay,
        .bench_allow_same_id = true,
        .bench_fake_disks = fake_disks,
    };
    struct cf_harvester *h = NULL;

    if (cf_harvester_new(loop, &p, &h) != CF_OK)
        return NULL;
    return h;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* The r-th challenge for which the plot (so every link of it) has at least one quality. */
static void pick_challenge(unsigned r, uint8_t ch[32], uint8_t sp[32])
{
    struct cf_plot *pl = NULL;
    unsigned found = 0;

    if (cf_plot_open(plot_path, 0, &pl) != CF_OK)
        return;
    for (uint32_t c = 0; c < 100000; c++) {
        uint8_t q[CF_PLOT_MAX_QUALITIES][32], pc[32];
        size_t nq = 0;

        memset(ch, 0, 32);
        cf_store_be32(ch, c);
        memset(sp, 0x5a, 32);
        cf_pos_challenge(pc, cf_plot_info(pl)->id, ch, sp);
        if (cf_plot_qualities(pl, pc, q, CF_PLOT_MAX_QUALITIES, &nq, NULL) == CF_OK && nq > 0 &&
            found++ == r)
            break;
    }
    cf_plot_close(pl);
}

/* Median time from a signage point to its FarmingInfo, N plots all passing. */
static double sp_latency(struct cf_loop *loop, struct farm *f, unsigned n, uint64_t delay,
                         unsigned rounds)
{
    char dir[128];
    struct cf_harvester *h;
    double t[16];
    unsigned got = 0;

    snprintf(dir, sizeof dir, "%s/sp%u", base, n);
    h = start(loop, dir, f->port, NULL, delay, n < 100 ? n : 100);
    f->syncs = 0;
    if (h == NULL || !run_until(loop, &f->syncs, 1, 60000)) {
        cf_harvester_free(h);
        return -1;
    }
    for (unsigned r = 0; r < rounds && r < 16; r++) {
        struct cf_new_signage_point_harvester sp;
        double t0;
        int before = f->infos;

        memset(&sp, 0, sizeof sp);
        pick_challenge(r, sp.challenge_hash, sp.sp_hash);
        sp.difficulty = 1;
        sp.sub_slot_iters = 1ull << 60;
        sp.filter_prefix_bits = 0;
        t0 = now_ms();
        if (f->peer == NULL)
            break;
        send_body(f->peer, CF_MSG_NEW_SIGNAGE_POINT_HARVESTER, CF_CLS_NEW_SIGNAGE_POINT_HARVESTER,
                  36, &sp);
        if (!run_until(loop, &f->infos, before + 1, 120000))
            break;
        t[got++] = now_ms() - t0;
    }
    cf_harvester_free(h);
    if (got == 0)
        return -1;
    qsort(t, got, sizeof *t, cmp_d);
    return t[got / 2];
}

/* Start-up to the first snapshot, and resident bytes per plot once loaded; each start runs in a
 * child process of its own so one run's freed memory does not hide the next one's. */
static void startup_once(struct cf_loop *loop, const char *dir, const char *cache, unsigned n,
                         double out[2])
{
    int fds[2];
    pid_t pid;

    out[0] = out[1] = -1;
    if (pipe(fds) != 0)
        return;
    pid = fork();
    if (pid == 0) {
        struct cf_harvester_stats st = {0};
        struct cf_loop *l2 = NULL;
        long before = rss_bytes();
        double t0 = now_ms(), r[2] = {-1, -1};
        struct cf_harvester *h = cf_loop_new(&l2) == CF_OK ? start(l2, dir, 0, cache, 0, 0) : NULL;

        while (h && st.scans == 0 && now_ms() - t0 < 600000) {
            cf_loop_run_once(l2, 2);
            cf_harvester_stats(h, &st);
        }
        if (st.scans) {
            r[0] = now_ms() - t0;
            r[1] = (double)(rss_bytes() - before) / n;
        }
        if (write(fds[1], r, sizeof r) != (ssize_t)sizeof r)
            _exit(1);
        _exit(0);
    }
    (void)loop;
    close(fds[1]);
    if (pid > 0 && read(fds[0], out, 2 * sizeof *out) != (ssize_t)(2 * sizeof *out))
        out[0] = out[1] = -1;
    close(fds[0]);
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

/* The loop's filter pass with the n plots of st<n> loaded (from the cache when startup() wrote
 * it): signage points with 9 filter bits that the plot (so every link of it) does not pass. */
static double filter_cost(struct cf_loop *loop, struct farm *f, unsigned n, unsigned rounds)
{
    char dir[128], cache[160];
    struct cf_harvester *h;
    struct cf_plot *pl = NULL;
    uint8_t id[32];
    double t[16];
    unsigned got = 0;
    uint32_t c = 0;

    if (cf_plot_open(plot_path, 0, &pl) != CF_OK)
        return -1;
    memcpy(id, cf_plot_info(pl)->id, 32);
    cf_plot_close(pl);
    snprintf(dir, sizeof dir, "%s/st%u", base, n);
    snprintf(cache, sizeof cache, "%s/cache%u", base, n);
    h = start(loop, dir, f->port, cache, 0, 100);
    f->syncs = 0;
    if (h == NULL || !run_until(loop, &f->syncs, 1, 300000)) {
        cf_harvester_free(h);
        return -1;
    }
    for (unsigned r = 0; r < rounds && r < 16 && f->peer; r++) {
        struct cf_new_signage_point_harvester sp;
        struct cf_harvester_stats st;
        int before = f->infos;

        memset(&sp, 0, sizeof sp);
        do {
            cf_store_be32(sp.challenge_hash, c++);
            memset(sp.sp_hash, 0x3c, 32);
        } while (cf_pos_passes_filter(id, sp.challenge_hash, sp.sp_hash, 9));
        sp.difficulty = 1;
        sp.sub_slot_iters = 1ull << 60;
        sp.filter_prefix_bits = 9;
        send_body(f->peer, CF_MSG_NEW_SIGNAGE_POINT_HARVESTER, CF_CLS_NEW_SIGNAGE_POINT_HARVESTER,
                  36, &sp);
        if (!run_until(loop, &f->infos, before + 1, 60000))
            break;
        cf_harvester_stats(h, &st);
        if (st.last_passed == 0)
            t[got++] = st.last_filter_seconds * 1e3;
    }
    cf_harvester_free(h);
    if (got == 0)
        return -1;
    qsort(t, got, sizeof *t, cmp_d);
    return t[got / 2];
}

static void startup(struct cf_loop *loop, unsigned n, double *cold, double *cached, double *rss)
{
    char dir[128], cache[160];
    double r[2];

    snprintf(dir, sizeof dir, "%s/st%u", base, n);
    snprintf(cache, sizeof cache, "%s/cache%u", base, n);
    unlink(cache);
    startup_once(loop, dir, cache, n, r);
    *cold = r[0];
    startup_once(loop, dir, cache, n, r);
    *cached = r[0];
    *rss = r[1];
}

int main(int argc, char **argv)
{
    static const unsigned sp_counts[] = {1, 10, 100, 1000};
    struct cf_plotter_params pp;
    struct cf_bls_sk fsk, psk;
    struct cf_cert_init_report rep;
    struct cf_loop *loop = NULL;
    struct farm f;
    const uint32_t hv = CF_PEER_NODE_BIT(CF_PEER_HARVESTER);
    unsigned rounds = 3, max = 10000;
    bool json = false, filter_only = false;
    double filter = -1, sp[4][2], one_slow = -1, cold[2] = {-1, -1}, cached[2] = {-1, -1}, rss[2] = {-1, -1};
    uint8_t seed[32];
    char cmd[128], dir[128];

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--max") == 0 && i + 1 < argc)
            max = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--filter-only") == 0)
            filter_only = true;
    }
    cf_log_set_level(CF_LOG_ERROR);
    snprintf(base, sizeof base, "%s/cfarm-bench-hv-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(base) == NULL || cf_loop_new(&loop) != CF_OK ||
        cf_cert_paths_load(&certs, base) != CF_OK || cf_cert_init_root(&certs, NULL, &rep) != CF_OK)
        return fprintf(stderr, "harvester bench: setup failed\n"), 1;
    memset(seed, 1, 32);
    cf_keys_keygen(&fsk, seed, 32);
    memset(seed, 2, 32);
    cf_keys_keygen(&psk, seed, 32);
    memset(&f, 0, sizeof f);
    cf_bls_sk_to_pk(&f.fpk, &fsk);
    cf_bls_sk_to_pk(&f.ppk, &psk);
    memset(&pp, 0, sizeof pp);
    pp.k = 18;
    pp.threads = 2;
    snprintf(plot_path, sizeof plot_path, "%s/one.plot", base);
    if (cf_plotter_make_keys(&pp, &f.fpk, &f.ppk, NULL) != CF_OK ||
        cf_plotter_create(&pp, plot_path, NULL) != CF_OK)
        return fprintf(stderr, "harvester bench: plotting failed\n"), 1;
    memset(&pp, 0, sizeof pp);
    for (size_t i = 0; i < 4 && !filter_only; i++) {
        snprintf(dir, sizeof dir, "%s/sp%u", base, sp_counts[i]);
        make_links(dir, sp_counts[i]);
    }
    snprintf(dir, sizeof dir, "%s/st1000", base);
    if (!filter_only)
        make_links(dir, 1000);
    snprintf(dir, sizeof dir, "%s/st%u", base, max);
    if (max != 1000 || filter_only)
        make_links(dir, max);
    {
        struct cf_peer_config pc = {
            .network_id = "mainnet",
            .node_type = CF_PEER_FARMER,
            .software_version = "bench",
            .server_port = 8447,
            .ca_crt = certs.ca_crt,
            .crt = certs.node_crt[CF_CERT_FARMER],
            .key = certs.node_key[CF_CERT_FARMER],
            .on_connect = f_connect,
            .on_disconnect = f_disconnect,
            .user = &f,
        };
        static const uint8_t sync_types[] = {78, 79, 80, 81, 82, 83, 84, 112};

        if (cf_peer_service_new(loop, &pc, &f.svc) != CF_OK)
            return fprintf(stderr, "harvester bench: farmer failed\n"), 1;
        for (size_t i = 0; i < sizeof sync_types; i++)
            cf_peer_handle(f.svc, sync_types[i], hv, f_sync, &f);
        cf_peer_handle(f.svc, CF_MSG_NEW_PROOF_OF_SPACE, hv, f_proof, &f);
        cf_peer_handle(f.svc, CF_MSG_FARMING_INFO, hv, f_info, &f);
        cf_peer_listen(f.svc, "127.0.0.1", 0, &f.port);
    }
    for (size_t i = 0; i < 4 && !filter_only; i++) {
        sp[i][0] = sp_latency(loop, &f, sp_counts[i], 0, rounds);
        sp[i][1] = sp_latency(loop, &f, sp_counts[i], 10, rounds);
    }
    one_slow = filter_only ? -1 : sp[0][1];
    if (!filter_only) {
        startup(loop, 1000, &cold[0], &cached[0], &rss[0]);
        startup(loop, max, &cold[1], &cached[1], &rss[1]);
    }
    filter = filter_cost(loop, &f, max, rounds < 5 ? 5 : rounds);
    cf_peer_service_free(f.svc);
    cf_loop_free(loop);
    cf_cert_paths_free(&certs);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", base);
    if (json && filter_only) {
        printf("{\"filter_%u_ms\": %.3f}\n", max, filter);
        return 0;
    }
    if (json) {
        printf("{\"filter_%u_ms\": %.3f, ", max, filter);
        for (size_t i = 0; i < 4; i++)
            printf("\"sp_%u_ms\": %.2f, \"sp_%u_slow_ms\": %.2f, ", sp_counts[i], sp[i][0],
                   sp_counts[i], sp[i][1]);
        printf("\"one_plot_slow_ms\": %.2f, \"rss_per_plot_1000_b\": %.0f, "
               "\"rss_per_plot_%u_b\": %.0f, \"start_1000_cold_ms\": %.1f, "
               "\"start_1000_cached_ms\": %.1f, \"start_%u_cold_ms\": %.1f, "
               "\"start_%u_cached_ms\": %.1f}\n",
               one_slow, rss[0], max, rss[1], cold[0], cached[0], max, cold[1], max, cached[1]);
        return 0;
    }
    printf("plot filter pass on the loop, %u plots loaded: %.3f ms\n", max, filter);
    if (filter_only)
        return 0;
    printf("signage point -> FarmingInfo (median of %u), plots spread over min(N,100) disks\n",
           rounds);
    for (size_t i = 0; i < 4; i++)
        printf("  %5u plots passing: %9.2f ms   with 10 ms per read: %9.2f ms\n", sp_counts[i],
               sp[i][0], sp[i][1]);
    printf("resident memory per plot: %.0f B (1000 plots), %.0f B (%u plots)\n", rss[0], rss[1],
           max);
    printf("start-up to first snapshot: 1000 plots %.1f ms cold, %.1f ms cached; %u plots %.1f "
           "ms cold, %.1f ms cached\n",
           cold[0], cached[0], max, cold[1], cached[1]);
    return 0;
}
