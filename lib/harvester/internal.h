/*
 * harvester/internal.h (internal to lib/harvester): the plot registry, the lookup engine and the
 * persistent header cache the harvester service is built from.
 *
 * Registry. One struct hv_plot per file found in a plot directory: its path, size, mtime and
 * disk (st_dev), the opened plot handle (header fields and C2 only, no descriptor) and the plot
 * public key derived once from the memo. Records are immutable once built and reference-counted;
 * a snapshot is a sorted array of record pointers plus the state of each record in that
 * snapshot (ok, failed, no-key, duplicate, copying), itself reference-counted. A refresh builds
 * the next snapshot on a scan thread from the previous one (records whose path, size and mtime
 * did not change are shared, not re-read) and the loop swaps the pointer; a lookup holds its own
 * reference to the records it reads, so neither waits for the other.
 *
 * Lookup engine. A queue per disk (st_dev) with `bound` worker threads each, so at most that many
 * reads are in flight on one disk and a slow disk delays only its own plots; optionally a cap on
 * the jobs running at once over all disks. A job's work runs on
 * the disk's thread; its completion is posted to the loop with cf_loop_post().
 *
 * Only pointers to the plot handle of cfarm/plot.h cross this header (the protocol's Plot class
 * is `struct cf_proto_plot`, a different type).
 */
#ifndef CFARM_HARVESTER_INTERNAL_H
#define CFARM_HARVESTER_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cfarm/bls.h"
#include "cfarm/err.h"
#include "cfarm/loop.h"

struct cf_plot;
struct cf_plot_info;

enum hv_state {
    HV_OK = 0,    /* farmed */
    HV_FAILED,    /* could not be opened or read, or its keys do not add up */
    HV_NOKEY,     /* farmer (or pool) key not the farmer's */
    HV_DUPLICATE, /* same plot id or same file name as a plot listed before it */
    HV_COPYING,   /* shorter than its tables say: still being copied */
    HV__STATES
};

/* One plot file. Immutable after hv_scan() made it, except `bad` (set once by a lookup). */
struct hv_plot {
    int refs;         /* atomic */
    int bad;          /* atomic: a lookup failed on this file */
    char *path;       /* absolute */
    const char *name; /* file name inside path */
    uint64_t size, mtime;
    dev_t dev;
    struct cf_plot *plot; /* NULL for failed / copying files */
    struct cf_bls_pk plot_pk;
    enum hv_state open_state; /* HV_OK when the file opened and its keys add up */
    uint64_t failed_at;       /* unix seconds of the failure, for retry_invalid_seconds */
};

struct hv_plot *hv_plot_ref(struct hv_plot *p);
void hv_plot_unref(struct hv_plot *p);
const struct cf_plot_info *hv_plot_info(const struct hv_plot *p);

struct hv_snapshot {
    int refs;               /* atomic */
    struct hv_plot **plots; /* sorted by path */
    uint8_t *state;         /* enum hv_state per plot */
    size_t n;
    size_t count[HV__STATES];
    uint64_t generation;
    double scan_seconds;
    size_t opened; /* headers read from plot files in this scan */
    size_t cached; /* records taken from the persistent cache */
};

struct hv_snapshot *hv_snapshot_ref(struct hv_snapshot *s);
void hv_snapshot_unref(struct hv_snapshot *s);
/* The record with this path, or NULL (binary search). */
struct hv_plot *hv_snapshot_find(const struct hv_snapshot *s, const char *path, size_t *index);

/* The persistent cache: path -> (size, mtime, plot pk, cf_plot_cache_encode bytes). */
struct hv_cache;
/* Load path (a missing or malformed file gives an empty cache). Never fails but for memory. */
enum cf_err hv_cache_load(const char *path, struct hv_cache **out);
void hv_cache_free(struct hv_cache *c);
/* Drop the entries read from the file (once the first scan used them; saves keep working). */
void hv_cache_forget(struct hv_cache *c);
/* Write the records of snapshot s (files that opened) to the cache's path atomically. */
enum cf_err hv_cache_save(struct hv_cache *c, const struct hv_snapshot *s);

struct hv_scan_args {
    char **dirs;
    size_t ndirs;
    bool recursive, follow_links;
    const struct cf_bls_pk *farmer_keys; /* NULL/0: every file counts as having its keys */
    size_t nfarmer;
    const struct cf_bls_pk *pool_keys;
    size_t npool;
    uint64_t retry_invalid_seconds;
    struct hv_cache *cache; /* may be NULL */
    bool allow_same_id;     /* benchmarks: no duplicates by plot id */
    unsigned fake_disks;    /* benchmarks: disks by a hash of the path */
};

/* Build the next snapshot from prev (may be NULL). Runs off the loop. */
enum cf_err hv_scan(const struct hv_scan_args *a, const struct hv_snapshot *prev,
                    uint64_t generation, struct hv_snapshot **out);

/* ---- lookup engine ---- */

struct hv_job;
typedef void (*hv_job_fn)(struct hv_job *job);

struct hv_job {
    struct hv_job *next;
    struct hv_plot *plot; /* referenced by the job */
    hv_job_fn work;       /* on the disk's thread */
    cf_loop_fn done;      /* on the loop, with the job as argument */
    uint64_t deadline_ms; /* monotonic; 0: none. Work past it is skipped (skipped = true) */
    bool skipped;
    uint64_t queued_ms, started_ms, finished_ms;
    struct hv_engine *engine;
};

struct hv_engine;
/* per_disk threads per disk; at most max_active jobs running at once over all disks (0: no cap). */
enum cf_err hv_engine_new(struct cf_loop *loop, unsigned per_disk, unsigned max_active,
                          uint64_t read_delay_ms, struct hv_engine **out);
/* Stop the threads (queued jobs are skipped and still completed through the loop) and free. The
 * caller runs the loop until every job it submitted came back before calling this. */
void hv_engine_free(struct hv_engine *e);
/* Queue job on the disk of job->plot. */
enum cf_err hv_engine_submit(struct hv_engine *e, struct hv_job *job);
/* The injected per-read latency (test hook), for the jobs to apply. */
void hv_engine_read_delay(const struct hv_engine *e, uint64_t reads);
size_t hv_engine_disks(const struct hv_engine *e);
/* The most jobs that ran at once so far. */
unsigned hv_engine_peak(const struct hv_engine *e);
uint64_t hv_now_ms(void);

/* ---- the jobs the service queues (work functions in lookup.c) ---- */

#define HV_MAX_FOUND 8
#define HV_MAX_SIGN  16
#define HV_PROOF_MAX 400 /* CF_POS_PROOF_MAX_LEN */

struct hv_found {
    uint8_t quality[32];
    uint8_t proof[HV_PROOF_MAX];
    size_t proof_len;
    uint64_t iters;
};

/* Qualities for one plot at one signage point, then full proofs for those good enough. */
struct hv_lookup_job {
    struct hv_job job;
    void *sp;              /* the service's signage point */
    uint8_t challenge[32]; /* proof-of-space challenge */
    uint8_t sp_hash[32];
    uint64_t difficulty, sub_slot_iters;
    size_t nqualities;
    size_t nfound;
    struct hv_found found[HV_MAX_FOUND];
    uint64_t reads;
    enum cf_err err;
    char detail[256];
};
void hv_lookup_work(struct hv_job *job);

/* Signatures by the plot's local key over plot_pk || message. */
struct hv_sign_job {
    struct hv_job job;
    void *ctx;
    size_t n;
    uint8_t msgs[HV_MAX_SIGN][32];
    struct cf_bls_sig sigs[HV_MAX_SIGN];
    struct cf_bls_pk local_pk, farmer_pk;
    enum cf_err err;
    char detail[256];
};
void hv_sign_work(struct hv_job *job);

#endif
