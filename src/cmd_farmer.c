/*
 * cmd_farmer.c: `cfarm farmer [--root DIR] [--simulate [--sp-seconds S] [--min-k K] [--seed N]]
 *               [--duration S] [--port P] [--log-level LEVEL]`
 *
 * Runs the farmer in the foreground: harvesters connect on farmer.port (8447) with the root's
 * private CA; signage points come from the full node in farmer.full_node_peers (over Chia's public
 * CA, with config/ssl/farmer/public_farmer.crt), or with --simulate from a simulated chain.
 * Logs go to stderr and the config's log file (<root>/log/debug.log) at the config's log_level
 * (Chia's WARNING by default; --log-level overrides it), as the harvester's do.
 * SIGINT/SIGTERM stop it cleanly (a summary line is logged); SIGHUP reloads the keys and hands them
 * to every harvester again. The status `cfarm farm summary` prints is written to
 * <root>/run/farmer.json after every signage point. With farmer.cfarm.metrics_port set, a
 * Prometheus text endpoint answers on metrics_address:metrics_port, as the harvester's does.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "cfarm/cert.h"
#include "cfarm/config.h"
#include "cfarm/farmer.h"
#include "cfarm/log.h"
#include "cli.h"
#include "metrics_http.h"
#include "commands.h"

#define MOD "cfarm.farmer"

struct run {
    struct metrics_http *metrics;
    struct cf_loop *loop;
    struct cf_farmer *farmer;
    const char *root;
    struct cf_config *doc;
    struct cf_loop_timer *stop_timer;
};

static void on_stop_signal(int signo, void *arg)
{
    struct run *r = arg;

    cf_log(CF_LOG_INFO, MOD, "%s: stopping", signo == SIGTERM ? "SIGTERM" : "SIGINT");
    cf_loop_stop(r->loop);
}

static void on_hup(int signo, void *arg)
{
    struct run *r = arg;
    struct cf_farmer_keys keys;
    enum cf_err err;

    (void)signo;
    err = cf_farmer_keys_load(r->root, r->doc, &keys);
    if (err != CF_OK) {
        cf_log(CF_LOG_WARNING, MOD, "SIGHUP: keys not reloaded: %s", cf_err_detail());
        return;
    }
    cf_log(CF_LOG_INFO, MOD, "SIGHUP: %zu farmer keys reloaded and sent to the harvesters",
           keys.n_farmer);
    cf_farmer_set_keys(r->farmer, &keys);
}

/* The metrics endpoint's text (metrics_http.c serves it). */
static enum cf_err render_metrics(void *arg, struct cf_buf *out)
{
    struct run *r = arg;

    return cf_farmer_metrics(r->farmer, out);
}

static void on_duration(struct cf_loop_timer *t, void *arg)
{
    struct run *r = arg;

    (void)t;
    cf_log(CF_LOG_INFO, MOD, "run time is up: stopping");
    cf_loop_stop(r->loop);
}

struct args {
    const char *root, *sp_seconds, *min_k, *seed, *duration, *port, *log_level;
    bool simulate;
};

/* As the harvester: the level and file of the config's logging section (Chia's); --log-level
 * wins over the level. */
static void setup_logging(const char *root, const struct cf_farmer_config *fc, bool level_given)
{
    enum cf_log_level level;
    char *dir;

    if (!level_given && cf_log_parse_level(fc->c.logging.log_level, &level) == CF_OK)
        cf_log_set_level(level);
    if (fc->c.logging.log_filename == NULL)
        return;
    dir = strdup(fc->c.logging.log_filename);
    if (dir && strrchr(dir, '/')) {
        *strrchr(dir, '/') = 0;
        mkdir(dir, 0755);
    }
    free(dir);
    if (cf_log_open_file(fc->c.logging.log_filename) != CF_OK)
        cf_log(CF_LOG_WARNING, MOD, "cannot write the log file %s (root %s)",
               fc->c.logging.log_filename, root);
}

static int parse_args(int argc, char **argv, struct args *a)
{
    for (int i = 1; i < argc; i++) {
        bool missing = false;

        if (cli_opt(argc, argv, &i, "--root", &a->root, &missing) ||
            cli_opt(argc, argv, &i, "--sp-seconds", &a->sp_seconds, &missing) ||
            cli_opt(argc, argv, &i, "--min-k", &a->min_k, &missing) ||
            cli_opt(argc, argv, &i, "--seed", &a->seed, &missing) ||
            cli_opt(argc, argv, &i, "--duration", &a->duration, &missing) ||
            cli_opt(argc, argv, &i, "--port", &a->port, &missing) ||
            cli_opt(argc, argv, &i, "--log-level", &a->log_level, &missing))
            continue;
        if (missing)
            return cli_fail("farmer: %s needs a value", argv[i]);
        if (strcmp(argv[i], "--simulate") == 0)
            a->simulate = true;
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            printf("usage: cfarm farmer [--root DIR] [--simulate [--sp-seconds S] [--min-k K] "
                   "[--seed N]] [--duration S] [--port P] [--log-level LEVEL]\n");
            return -1;
        } else
            return cli_fail("farmer: unknown option '%s'", argv[i]);
    }
    if (!a->simulate && (a->sp_seconds || a->min_k || a->seed))
        return cli_fail("farmer: --sp-seconds, --min-k and --seed go with --simulate");
    return 0;
}

static bool num(const char *s, double lo, double hi, double *out)
{
    char *end;

    if (s == NULL)
        return true;
    errno = 0;
    *out = strtod(s, &end);
    return errno == 0 && end != s && *end == 0 && *out >= lo && *out <= hi;
}

static enum cf_err load_config(const char *root, struct cf_config **doc)
{
    enum cf_err err = cf_config_load_root(root, doc);

    if (err == CF_ERR_NOT_FOUND) {
        const char *text = cf_config_default_text();

        err = cf_config_parse(text, strlen(text), doc);
    }
    return err;
}

/* Reward puzzle hashes: farmer.xch_target_address, pool.xch_target_address (else the farmer's). */
static void targets(struct cf_config *doc, const struct cf_farmer_config *fc,
                    struct cf_farmer_options *o)
{
    const char *pool = NULL;

    if (fc->xch_target_address == NULL ||
        cf_farmer_decode_address(fc->xch_target_address, o->farmer_puzzle_hash) != CF_OK)
        cf_log(CF_LOG_WARNING, MOD,
               "farmer.xch_target_address is %s: rewards would go to an "
               "all-zero puzzle hash",
               fc->xch_target_address ? "not an address" : "not set");
    memcpy(o->pool_puzzle_hash, o->farmer_puzzle_hash, 32);
    if (cf_config_get_str(doc, "pool.xch_target_address", &pool) == CF_OK && pool &&
        cf_farmer_decode_address(pool, o->pool_puzzle_hash) != CF_OK)
        cf_log(CF_LOG_WARNING, MOD, "pool.xch_target_address is not an address");
}

static enum cf_err make_source(struct run *r, const struct args *a,
                               const struct cf_farmer_config *fc, const struct cf_cert_paths *paths,
                               struct cf_sp_source **src)
{
    if (a->simulate) {
        struct cf_simchain_params p = {.sign_foliage = true};
        double sps = 9.375, k = 32, seed = 1;

        if (!num(a->sp_seconds, 0.01, 3600, &sps) || !num(a->min_k, 18, 50, &k) ||
            !num(a->seed, 0, 1e15, &seed))
            return cf_err_set(CF_ERR_INVAL, "--sp-seconds takes 0.01..3600, --min-k 18..50, "
                                            "--seed a non-negative integer");
        p.sp_ms = (uint64_t)(sps * 1000);
        p.min_k = (unsigned)k;
        p.seed = (uint64_t)seed;
        cf_log(CF_LOG_INFO, MOD,
               "simulated chain: a signage point every %.2f s, plots from k=%u, "
               "seed %llu",
               sps, p.min_k, (unsigned long long)p.seed);
        return cf_simchain_new(r->loop, &p, src);
    }
    if (fc->n_full_node_peers == 0)
        return cf_err_set(CF_ERR_CONFIG, "farmer.full_node_peers is empty (or use --simulate)");
    if (paths->chia_ca_crt == NULL || paths->public_farmer_crt == NULL ||
        access(paths->public_farmer_crt, R_OK) != 0)
        return cf_err_set(CF_ERR_CONFIG,
                          "no public farmer certificate (%s): put Chia's public "
                          "CA in config/ssl/ca and run 'cfarm init', or use --simulate",
                          paths->public_farmer_crt ? paths->public_farmer_crt : "?");
    {
        struct cf_fullnode_options o = {fc->c.selected_network,
                                        paths->chia_ca_crt,
                                        paths->public_farmer_crt,
                                        paths->public_farmer_key,
                                        fc->full_node_peers[0].host,
                                        fc->full_node_peers[0].port,
                                        false};

        cf_log(CF_LOG_INFO, MOD, "full node %s:%u", o.host, (unsigned)o.port);
        return cf_fullnode_new(r->loop, &o, src);
    }
}

static void final_summary(struct cf_farmer *f)
{
    struct cf_farmer_stats s;

    cf_farmer_stats(f, &s);
    cf_log(CF_LOG_INFO, MOD,
           "summary: %llu signage points, %llu plots, %llu proofs received "
           "(%llu valid, %llu invalid), %llu proofs found, %llu signatures verified (%llu bad), "
           "%llu block signatures, %llu blocks won",
           (unsigned long long)s.signage_points, (unsigned long long)s.plots,
           (unsigned long long)s.proofs, (unsigned long long)s.proofs_valid,
           (unsigned long long)s.proofs_invalid, (unsigned long long)s.proofs_winning,
           (unsigned long long)s.signatures_ok, (unsigned long long)s.signatures_bad,
           (unsigned long long)s.signed_values, (unsigned long long)s.blocks_won);
}

static int serve(struct run *r, const struct args *a)
{
    struct cf_farmer_config fc;
    struct cf_cert_paths paths;
    struct cf_farmer_options o = {0};
    struct cf_farmer_keys keys;
    struct cf_sp_source *src = NULL;
    char *status = NULL, *rundir = NULL;
    double port = 0, duration = 0;
    enum cf_err err;
    int rc = 1;

    if ((err = cf_farmer_config_read(r->doc, r->root, &fc)) != CF_OK)
        return cli_fail_err("farmer: config", err);
    setup_logging(r->root, &fc, a->log_level != NULL);
    if ((err = cf_cert_paths_load(&paths, r->root)) != CF_OK) {
        cf_farmer_config_free(&fc);
        return cli_fail_err("farmer: certificates", err);
    }
    if (!num(a->port, 0, 65535, &port) || !num(a->duration, 0, 1e9, &duration)) {
        rc = cli_fail("farmer: --port takes 0..65535, --duration seconds");
        goto out;
    }
    if ((err = cf_farmer_keys_load(r->root, r->doc, &keys)) != CF_OK) {
        rc = cli_fail_err("farmer: keys", err);
        goto out;
    }
    rundir = cli_path(r->root, "run");
    status = cli_path(r->root, "run/farmer.json");
    if (rundir)
        mkdir(rundir, 0755);
    o.network_id = fc.c.selected_network;
    o.ca_crt = paths.ca_crt;
    o.crt = paths.node_crt[CF_CERT_FARMER];
    o.key = paths.node_key[CF_CERT_FARMER];
    o.port = a->port ? (uint16_t)port : fc.port;
    o.status_path = status;
    targets(r->doc, &fc, &o);
    cf_log(CF_LOG_INFO, MOD, "%zu farmer keys%s, %zu pool keys", keys.n_farmer,
           keys.n_farmer && !keys.farmer[0].has_sk ? " (public only: cannot sign)" : "",
           keys.n_announce_pool);
    err = cf_farmer_new(r->loop, &o, &keys, &r->farmer);
    cf_farmer_keys_wipe(&keys);
    if (err != CF_OK) {
        rc = cli_fail_err("farmer: listen", err);
        goto out;
    }
    if ((err = make_source(r, a, &fc, &paths, &src)) != CF_OK) {
        rc = cli_fail_err("farmer", err);
        goto out;
    }
    cf_farmer_set_source(r->farmer, src);
    cf_log(CF_LOG_INFO, MOD, "farmer listening on port %u for harvesters (network %s)",
           (unsigned)cf_farmer_port(r->farmer), fc.c.selected_network);
    if (fc.c.metrics_port && metrics_http_listen(r->loop, "farmer", fc.c.metrics_address,
                                                 fc.c.metrics_port, render_metrics, r,
                                                 &r->metrics)) {
        rc = 1;
        goto out;
    }
    if (duration > 0 && cf_loop_timer_new(r->loop, on_duration, r, &r->stop_timer) == CF_OK)
        cf_loop_timer_start(r->stop_timer, (uint64_t)(duration * 1000));
    cf_farmer_write_status(r->farmer);
    cf_loop_run(r->loop);
    final_summary(r->farmer);
    rc = 0;
out:
    metrics_http_close(r->metrics);
    r->metrics = NULL;
    cf_loop_timer_free(r->stop_timer);
    r->stop_timer = NULL;
    if (r->farmer) {
        cf_farmer_free(r->farmer);
        r->farmer = NULL;
        if (status)
            unlink(status);
    }
    free(status);
    free(rundir);
    cf_cert_paths_free(&paths);
    cf_farmer_config_free(&fc);
    return rc;
}

int cmd_farmer(int argc, char **argv)
{
    struct args a = {0};
    struct run r = {0};
    char *root;
    enum cf_err err;
    int rc;

    if ((rc = parse_args(argc, argv, &a)) != 0)
        return rc < 0 ? 0 : rc;
    if ((root = cli_root(a.root)) == NULL)
        return cli_fail("farmer: no root (give --root or set $HOME)");
    r.root = root;
    cf_log_set_service("farmer");
    if (a.log_level) {
        enum cf_log_level lv;

        if (cf_log_parse_level(a.log_level, &lv) != CF_OK) {
            free(root);
            return cli_fail("farmer: --log-level takes DEBUG, INFO, WARNING or ERROR");
        }
        cf_log_set_level(lv);
    }
    if ((err = load_config(root, &r.doc)) != CF_OK) {
        free(root);
        return cli_fail_err("farmer: config", err);
    }
    if ((err = cf_loop_new(&r.loop)) != CF_OK) {
        rc = cli_fail_err("farmer", err);
        goto out;
    }
    cf_loop_signal(r.loop, SIGINT, on_stop_signal, &r);
    cf_loop_signal(r.loop, SIGTERM, on_stop_signal, &r);
    cf_loop_signal(r.loop, SIGHUP, on_hup, &r);
    rc = serve(&r, &a);
out:
    cf_loop_free(r.loop);
    cf_config_free(r.doc);
    free(root);
    return rc;
}
