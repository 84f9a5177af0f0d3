/*
 * harvester/service.h (internal to lib/harvester): the harvester service's state, shared by
 * harvester.c (connection, signage points, signatures, plot lists, refresh) and plotsync.c (the
 * plot-sync sender). Everything here is owned by and touched on the loop thread only.
 */
#ifndef CFARM_HARVESTER_SERVICE_H
#define CFARM_HARVESTER_SERVICE_H

#include "cfarm/harvester.h"
#include "cfarm/peer.h"
#include "harvester/internal.h"

#define HV_SYNC_BATCH   300
#define HV_HIST_BUCKETS 10

struct hv_sync_msg {
    uint8_t type;
    size_t from, to; /* range in the list the type uses */
    bool final;
};

/* The plot-sync sender (Chia's plot_sync/sender.py, stop-and-wait). */
struct hv_sync {
    bool running;
    bool again;        /* another sync wanted once this one is done */
    bool initial_next; /* the next sync is a full initial one */
    uint64_t sync_id, last_sync_id;
    uint64_t started_unix;
    struct hv_snapshot *snap;
    struct hv_plot **loaded;
    size_t nloaded;
    char **removed; /* owned */
    size_t nremoved;
    const char **lists[3]; /* invalid, keys missing, duplicates (point into snap) */
    size_t nlists[3];
    struct hv_sync_msg *msgs;
    size_t nmsgs, next;
    char **synced; /* paths the farmer has after the last completed sync, sorted */
    size_t nsynced;
    struct cf_loop_timer *timer;
};

struct hv_disk_stats {
    dev_t dev;
    uint64_t buckets[HV_HIST_BUCKETS + 1];
    uint64_t count;
    double sum;
};

struct cf_harvester {
    struct cf_loop *loop;
    struct cf_harvester_params p; /* strings owned */
    struct cf_peer_service *svc;
    struct cf_peer_dialer *dialer;
    struct cf_peer *peer;
    uint64_t conn_gen;
    int farmer_ver, own_ver;
    uint64_t backoff_ms;
    struct cf_loop_timer *redial;
    struct cf_bls_pk *farmer_keys, *pool_keys;
    size_t nfarmer, npool;
    bool keys_known;

    struct hv_snapshot *snap;
    bool snap_keyed; /* snap's states were decided with the farmer's keys */
    struct hv_cache *cache;
    struct hv_engine *engine;
    uint64_t generation;
    bool scanning, scan_again;
    pthread_t scan_thread;
    struct cf_loop_timer *refresh;

    size_t pending; /* jobs and scan results posted back and not yet run */
    bool closing;

    struct hv_sync sync;
    struct cf_harvester_stats st;
    struct hv_disk_stats *disks;
    size_t ndisks;
};

/* plotsync.c */
void hv_sync_trigger(struct cf_harvester *h); /* after a refresh or a handshake */
void hv_sync_stop(struct cf_harvester *h);    /* connection lost */
void hv_sync_free(struct cf_harvester *h);
enum cf_err hv_sync_on_response(struct cf_peer *p, const struct cf_peer_msg *m, void *user);
/* Fill a Plot or Plot2 message entry from a record (plot2: struct cf_proto_plot2). */
void hv_plot_msg(const struct hv_plot *r, void *plot, bool plot2);

#endif
