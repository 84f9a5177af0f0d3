/*
 * cfarm/harvester.h: the harvester service: plots on local disks, answering a farmer.
 *
 * A struct cf_harvester lives on one event loop (cfarm/loop.h) and does, on that loop's thread:
 *  - dial the farmer (mutual TLS with the root's private CA), reconnecting forever with backoff;
 *  - keep a registry of the plots under the plot directories: a scan thread builds immutable
 *    snapshots (reading headers only for new or changed files, or not at all when the
 *    persistent cache under <root>/cache/ knows them) and the loop swaps them in;
 *  - on each NewSignagePointHarvester, filter the plots, queue lookups on the lookup engine (a
 *    queue per disk, a few reads in flight per disk), send NewProofOfSpace for every proof good
 *    enough for the block or the plot's pool, then FarmingInfo;
 *  - answer RequestSignatures (the plot's local key signs plot_public_key || message; the key is
 *    derived from the memo on a disk thread and wiped), RequestPlots / RespondPlots(2);
 *  - run Chia's plot-sync sender after each handshake and refresh.
 * Message layouts follow the farmer's announced protocol version (0.0.35 to 0.0.38).
 *
 * Logging goes through cfarm/log.h (module "cfarm.harvester"). Nothing here calls exit.
 * cf_harvester_free() must be called on the loop's thread, outside the harvester's callbacks.
 */
#ifndef CFARM_HARVESTER_H
#define CFARM_HARVESTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfarm/buf.h"
#include "cfarm/err.h"
#include "cfarm/loop.h"

struct cf_harvester;

struct cf_harvester_params {
    const char *network_id;         /* "mainnet" */
    const char *ca_crt, *crt, *key; /* private CA, harvester certificate and key */
    const char *farmer_host;        /* NULL: no farmer (registry only) */
    uint16_t farmer_port;
    char **plot_dirs; /* absolute directories */
    size_t n_plot_dirs;
    bool recursive, follow_links;
    uint32_t refresh_seconds;       /* plots_refresh_parameter.interval_seconds; 0: 120 */
    uint32_t retry_invalid_seconds; /* 0: 1200 */
    unsigned disk_read_bound;       /* reads in flight per disk; 0: 4 */
    bool serial_reads;              /* Chia's parallel_read: false: one read in flight per disk */
    unsigned max_lookups;           /* Chia's num_threads: lookups (and signings) running at once
                                     * over all disks; 0: no cap */
    uint64_t slow_lookup_warn_ms;   /* warn when a lookup ends later after its signage point; 0: 8000 */
    const char *cache_path;         /* persistent header cache; NULL: none */
    /* Tests and benchmarks. */
    const char *protocol_version; /* announced to the farmer; NULL: "0.0.38" */
    uint64_t reconnect_ms;        /* first reconnect delay; 0: 1000 (doubles up to 60 s) */
    uint64_t read_delay_ms;       /* sleep this long per plot read (a slow disk) */
    uint64_t sync_timeout_ms;     /* plot-sync response wait; 0: 10000 */
    /* Benchmarks only: farm files sharing a plot id (hard links of one plot under many names)
     * instead of listing them as duplicates, and spread plots over this many pretend disks
     * (by a hash of the path) instead of their st_dev; 0: real disks. */
    bool bench_allow_same_id;
    unsigned bench_fake_disks;
};

/* Make the harvester and start its first scan and its dial. The strings are copied. */
enum cf_err cf_harvester_new(struct cf_loop *loop, const struct cf_harvester_params *params,
                             struct cf_harvester **out);
/* Stop dialing, drain the lookups in flight, free. NULL accepted. */
void cf_harvester_free(struct cf_harvester *h);

/* Rescan now (a scan already running is followed by one more). */
void cf_harvester_refresh(struct cf_harvester *h);
/* Replace the plot directories (SIGHUP), then rescan. */
enum cf_err cf_harvester_set_dirs(struct cf_harvester *h, char **dirs, size_t n, bool recursive,
                                  bool follow_links);

struct cf_harvester_stats {
    size_t plots_ok, plots_failed, plots_nokey, plots_duplicate, plots_copying;
    uint64_t scans; /* snapshots installed */
    double last_scan_seconds;
    size_t last_scan_opened, last_scan_cached;
    uint64_t signage_points; /* handled */
    uint64_t lookups;        /* plot lookups run */
    uint64_t plots_passed;   /* plots that passed the filter, over all signage points */
    uint32_t last_passed;    /* plots that passed at the last signage point */
    double last_filter_seconds; /* the loop's filter pass (and job queueing) at the last one */
    uint64_t proofs;         /* NewProofOfSpace sent */
    uint64_t signatures;     /* RespondSignatures sent */
    uint64_t syncs_done;     /* plot syncs the farmer acknowledged to the end */
    bool connected;
    bool sync_running;
    size_t disks;
    unsigned reads_per_disk; /* lookups in flight per disk: disk_read_bound, 1 with serial_reads */
    unsigned max_lookups;    /* the cap over all disks; 0: none */
    unsigned peak_lookups;   /* the most lookups that ran at once so far */
};
void cf_harvester_stats(const struct cf_harvester *h, struct cf_harvester_stats *out);

/* Append Prometheus text-format metrics to out. */
enum cf_err cf_harvester_metrics(const struct cf_harvester *h, struct cf_buf *out);

#endif
