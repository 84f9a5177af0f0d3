/*
 * cmd_harvester.c: `cfarm harvester [--root DIR]`: run the harvester service in the foreground.
 *
 * Reads the harvester section of <root>/config/config.yaml (Chia's keys), logs in Chia's style to
 * stderr and to the configured log file (<root>/log/debug.log by default), keeps its header cache
 * in <root>/cache/, and runs the service (lib/harvester) on one event loop until SIGTERM or
 * SIGINT. SIGHUP re-reads the configuration (plot directories, scan options, log level) and
 * rescans.
 * With harvester.cfarm.metrics_port set, a Prometheus text endpoint answers on
 * metrics_address:metrics_port (any path).
 *
 * Test hook: CFARM_HARVESTER_READ_DELAY_MS=N sleeps N ms per plot read (a slow disk).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfarm/config.h"
#include "cfarm/harvester.h"
#include "cfarm/log.h"
#include "cli.h"
#include "metrics_http.h"
#include "commands.h"

#define MOD "cfarm.harvester"

struct run {
    char *root;
    struct cf_loop *loop;
    struct cf_harvester *h;
    struct metrics_http *metrics;
};

/* Resolved plot directories of a config (heap array of heap strings). */
static char **resolve_dirs(const struct cf_harvester_config *cfg, size_t *n)
{
    char **d = calloc(cfg->n_plot_directories + 1, sizeof *d);

    *n = 0;
    if (d == NULL)
        return NULL;
    for (size_t i = 0; i < cfg->n_plot_directories; i++)
        if ((d[*n] = cf_config_resolve_path(cfg->plot_directories[i])) != NULL)
            (*n)++;
    return d;
}

static void free_dirs(char **d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(d[i]);
    free(d);
}

static enum cf_err load_config(const char *root, struct cf_harvester_config *cfg)
{
    struct cf_config *doc = NULL;
    enum cf_err err = cf_config_load_root(root, &doc);

    if (!err)
        err = cf_harvester_config_read(doc, root, cfg);
    cf_config_free(doc);
    return err;
}

static void on_stop(int signo, void *arg)
{
    struct run *r = arg;

    cf_log(CF_LOG_INFO, MOD, "signal %d: shutting down", signo);
    cf_loop_stop(r->loop);
}

static void on_hup(int signo, void *arg)
{
    struct run *r = arg;
    struct cf_harvester_config cfg;
    enum cf_err err = load_config(r->root, &cfg);
    enum cf_log_level level;
    char **dirs;
    size_t n;

    (void)signo;
    if (err) {
        cf_log(CF_LOG_ERROR, MOD, "SIGHUP: keeping the old configuration: %s: %s", cf_strerror(err),
               cf_err_detail() ? cf_err_detail() : "");
        return;
    }
    if (cf_log_parse_level(cfg.c.logging.log_level, &level) == CF_OK)
        cf_log_set_level(level);
    dirs = resolve_dirs(&cfg, &n);
    if (dirs) {
        cf_log(CF_LOG_INFO, MOD, "SIGHUP: configuration re-read, %zu plot directories, rescanning",
               n);
        cf_harvester_set_dirs(r->h, dirs, n, cfg.recursive_plot_scan, cfg.recursive_follow_links);
        free_dirs(dirs, n);
    }
    cf_harvester_config_free(&cfg);
}

/* The metrics endpoint's text (metrics_http.c serves it). */
static enum cf_err render_metrics(void *arg, struct cf_buf *out)
{
    struct run *r = arg;

    return cf_harvester_metrics(r->h, out);
}

static void setup_logging(const char *root, const struct cf_harvester_config *cfg)
{
    enum cf_log_level level;
    char *dir;

    cf_log_set_service("harvester");
    if (cf_log_parse_level(cfg->c.logging.log_level, &level) == CF_OK)
        cf_log_set_level(level);
    if (cfg->c.logging.log_filename == NULL)
        return;
    dir = strdup(cfg->c.logging.log_filename);
    if (dir && strrchr(dir, '/')) {
        *strrchr(dir, '/') = 0;
        mkdir(dir, 0755);
    }
    free(dir);
    if (cf_log_open_file(cfg->c.logging.log_filename) != CF_OK)
        cf_log(CF_LOG_WARNING, MOD, "cannot write the log file %s (root %s)",
               cfg->c.logging.log_filename, root);
}

static int run_service(struct run *r, const struct cf_harvester_config *cfg)
{
    struct cf_harvester_params p = {0};
    char *cache_dir = cli_path(r->root, "cache"),
         *cache = cli_path(r->root, "cache/cfarm_harvester.cache");
    const char *delay = getenv("CFARM_HARVESTER_READ_DELAY_MS");
    size_t ndirs = 0;
    char **dirs = resolve_dirs(cfg, &ndirs);
    enum cf_err err;
    int rc = 1;

    if (cache_dir == NULL || cache == NULL || dirs == NULL) {
        rc = cli_fail("harvester: out of memory");
        goto out;
    }
    mkdir(cache_dir, 0755);
    p.network_id = cfg->c.selected_network;
    p.ca_crt = cfg->c.private_ca_crt;
    p.crt = cfg->c.ssl.private_crt;
    p.key = cfg->c.ssl.private_key;
    if (cfg->n_farmer_peers > 0) {
        p.farmer_host = cfg->farmer_peers[0].host;
        p.farmer_port = cfg->farmer_peers[0].port;
    }
    p.plot_dirs = dirs;
    p.n_plot_dirs = ndirs;
    p.recursive = cfg->recursive_plot_scan;
    p.follow_links = cfg->recursive_follow_links;
    p.refresh_seconds = cfg->interval_seconds;
    p.retry_invalid_seconds = cfg->retry_invalid_seconds;
    p.disk_read_bound = cfg->disk_read_bound;
    p.serial_reads = !cfg->parallel_read;
    p.max_lookups = cfg->num_threads;
    p.slow_lookup_warn_ms = (uint64_t)cfg->slow_lookup_warning_seconds * 1000;
    p.cache_path = cache;
    p.read_delay_ms = delay ? strtoull(delay, NULL, 10) : 0;
    if (cfg->n_farmer_peers > 1)
        cf_log(CF_LOG_WARNING, MOD, "%zu farmer peers configured: connecting to the first only",
               cfg->n_farmer_peers);
    err = cf_harvester_new(r->loop, &p, &r->h);
    if (err) {
        rc = cli_fail_err("harvester: starting", err);
        goto out;
    }
    cf_log(CF_LOG_INFO, MOD, "harvester started: root %s, %zu plot directories, farmer %s:%u",
           r->root, ndirs, p.farmer_host ? p.farmer_host : "(none)", p.farmer_port);
    cf_log(CF_LOG_INFO, MOD,
           "lookups: %u reads in flight per disk, at most %u at once over all disks (num_threads); "
           "slow past %u s",
           p.serial_reads ? 1 : p.disk_read_bound, p.max_lookups, cfg->slow_lookup_warning_seconds);
    if (cfg->c.metrics_port && metrics_http_listen(r->loop, "harvester", cfg->c.metrics_address,
                                                   cfg->c.metrics_port, render_metrics, r,
                                                   &r->metrics))
        goto out;
    if (cf_loop_run(r->loop) == CF_OK)
        rc = 0;
    cf_log(CF_LOG_INFO, MOD, "harvester stopped");
out:
    metrics_http_close(r->metrics);
    r->metrics = NULL;
    cf_harvester_free(r->h);
    r->h = NULL;
    free_dirs(dirs, ndirs);
    free(cache);
    free(cache_dir);
    return rc;
}

int cmd_harvester(int argc, char **argv)
{
    const char *root_opt = NULL;
    struct run r = {0};
    struct cf_harvester_config cfg;
    enum cf_err err;
    int rc;

    for (int i = 1; i < argc; i++) {
        bool missing = false;

        if (cli_opt(argc, argv, &i, "--root", &root_opt, &missing)) {
            if (missing)
                return cli_fail("harvester: --root needs a value");
            continue;
        }
        return cli_fail("harvester: unknown argument '%s' (usage: cfarm harvester [--root DIR])",
                        argv[i]);
    }
    r.root = cli_root(root_opt);
    if (r.root == NULL)
        return cli_fail("harvester: no root given and no home directory known");
    err = load_config(r.root, &cfg);
    if (err) {
        free(r.root);
        return cli_fail_err("harvester: reading the configuration", err);
    }
    setup_logging(r.root, &cfg);
    if (cf_loop_new(&r.loop) != CF_OK) {
        cf_harvester_config_free(&cfg);
        free(r.root);
        return cli_fail("harvester: cannot create the event loop");
    }
    /* Signals first, so the threads started later inherit the blocked mask. */
    cf_loop_signal(r.loop, SIGTERM, on_stop, &r);
    cf_loop_signal(r.loop, SIGINT, on_stop, &r);
    cf_loop_signal(r.loop, SIGHUP, on_hup, &r);
    rc = run_service(&r, &cfg);
    cf_loop_signal(r.loop, SIGTERM, NULL, NULL);
    cf_loop_signal(r.loop, SIGINT, NULL, NULL);
    cf_loop_signal(r.loop, SIGHUP, NULL, NULL);
    cf_loop_free(r.loop);
    cf_harvester_config_free(&cfg);
    cf_log_close_file();
    free(r.root);
    return rc;
}
