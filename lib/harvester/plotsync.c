/*
 * plotsync.c: the harvester's plot-sync sender (Chia's plot_sync/sender.py), telling the farmer
 * which plots this harvester farms after every handshake and refresh.
 *
 * A sync is a fixed list of messages planned when it starts, from the current snapshot and the
 * set of plots the farmer holds after the last completed sync:
 *
 *   start | loaded (new plots, batches of 300, the last final) | removed | invalid |
 *   keys_missing | duplicates | done
 *
 * (each path list batched the same way and sent at least once, empty and final). Stop-and-wait:
 * message n+1 leaves only after the farmer's PlotSyncResponse to message n (same sync id, message
 * id and type). No answer in the timeout: the same message again. An error whose expected
 * identifier names this sync and a message of it: resume there; (0, 0) after done was sent: the
 * sync counts as done; anything else: start over with a full initial sync.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfarm/log.h"
#include "cfarm/plot.h"
#include "cfarm/proto.h"
#include "harvester/service.h"

#define MOD "cfarm.harvester"

enum { LIST_INVALID, LIST_KEYS_MISSING, LIST_DUPLICATES };

static void plan_clear(struct hv_sync *s)
{
    for (size_t i = 0; i < s->nremoved; i++)
        free(s->removed[i]);
    free(s->removed);
    s->removed = NULL;
    s->nremoved = 0;
    free(s->loaded);
    s->loaded = NULL;
    s->nloaded = 0;
    for (int l = 0; l < 3; l++) {
        free(s->lists[l]);
        s->lists[l] = NULL;
        s->nlists[l] = 0;
    }
    free(s->msgs);
    s->msgs = NULL;
    s->nmsgs = s->next = 0;
    hv_snapshot_unref(s->snap);
    s->snap = NULL;
    s->running = false;
}

static void synced_clear(struct hv_sync *s)
{
    for (size_t i = 0; i < s->nsynced; i++)
        free(s->synced[i]);
    free(s->synced);
    s->synced = NULL;
    s->nsynced = 0;
}

void hv_sync_stop(struct cf_harvester *h)
{
    plan_clear(&h->sync);
    h->sync.again = false;
    h->sync.initial_next = true;
    cf_loop_timer_stop(h->sync.timer);
}

void hv_sync_free(struct cf_harvester *h)
{
    plan_clear(&h->sync);
    synced_clear(&h->sync);
    cf_loop_timer_free(h->sync.timer);
    h->sync.timer = NULL;
}

static bool add_msgs(struct hv_sync *s, uint8_t type, size_t n)
{
    size_t batches = n == 0 ? 1 : (n + HV_SYNC_BATCH - 1) / HV_SYNC_BATCH;
    struct hv_sync_msg *m = realloc(s->msgs, (s->nmsgs + batches) * sizeof *m);

    if (m == NULL)
        return false;
    s->msgs = m;
    for (size_t b = 0; b < batches; b++) {
        struct hv_sync_msg *x = &s->msgs[s->nmsgs++];

        x->type = type;
        x->from = b * HV_SYNC_BATCH;
        x->to = x->from + HV_SYNC_BATCH < n ? x->from + HV_SYNC_BATCH : n;
        x->final = b + 1 == batches;
    }
    return true;
}

/* Plan the messages of a sync from the snapshot against the synced set. */
static bool plan(struct cf_harvester *h, bool initial)
{
    struct hv_sync *s = &h->sync;
    const struct hv_snapshot *snap = s->snap;
    size_t n = snap->n, a = 0, b = 0;

    s->loaded = calloc(n ? n : 1, sizeof *s->loaded);
    s->removed = calloc(s->nsynced ? s->nsynced : 1, sizeof *s->removed);
    for (int l = 0; l < 3; l++)
        s->lists[l] = calloc(n ? n : 1, sizeof *s->lists[l]);
    if (!s->loaded || !s->removed || !s->lists[0] || !s->lists[1] || !s->lists[2])
        return false;
    /* Merge walk over two path-sorted lists: OK plots now vs the farmer's set. */
    while (a < n || (!initial && b < s->nsynced)) {
        int c;

        if (a < n && snap->state[a] != HV_OK) {
            const struct hv_plot *p = snap->plots[a];

            if (snap->state[a] == HV_FAILED)
                s->lists[LIST_INVALID][s->nlists[LIST_INVALID]++] = p->path;
            else if (snap->state[a] == HV_NOKEY)
                s->lists[LIST_KEYS_MISSING][s->nlists[LIST_KEYS_MISSING]++] = p->path;
            else if (snap->state[a] == HV_DUPLICATE)
                s->lists[LIST_DUPLICATES][s->nlists[LIST_DUPLICATES]++] = p->path;
            a++;
            continue;
        }
        if (initial || b >= s->nsynced)
            c = -1;
        else if (a >= n)
            c = 1;
        else
            c = strcmp(snap->plots[a]->path, s->synced[b]);
        if (c < 0) {
            s->loaded[s->nloaded++] = snap->plots[a++];
        } else if (c > 0) {
            if ((s->removed[s->nremoved] = strdup(s->synced[b++])) == NULL)
                return false;
            s->nremoved++;
        } else {
            a++;
            b++;
        }
    }
    return add_msgs(s, CF_MSG_PLOT_SYNC_START, 0) &&
           add_msgs(s, h->farmer_ver >= 38 ? CF_MSG_PLOT_SYNC_LOADED2 : CF_MSG_PLOT_SYNC_LOADED,
                    s->nloaded) &&
           add_msgs(s, CF_MSG_PLOT_SYNC_REMOVED, s->nremoved) &&
           add_msgs(s, CF_MSG_PLOT_SYNC_INVALID, s->nlists[LIST_INVALID]) &&
           add_msgs(s, CF_MSG_PLOT_SYNC_KEYS_MISSING, s->nlists[LIST_KEYS_MISSING]) &&
           add_msgs(s, CF_MSG_PLOT_SYNC_DUPLICATES, s->nlists[LIST_DUPLICATES]) &&
           add_msgs(s, CF_MSG_PLOT_SYNC_DONE, 0);
}

static enum cf_err encode_msg(struct cf_harvester *h, const struct hv_sync_msg *m,
                              struct cf_buf *out)
{
    struct hv_sync *s = &h->sync;
    struct cf_plot_sync_identifier id = {(uint64_t)time(NULL), s->sync_id, s->next};
    size_t count = m->to - m->from;
    enum cf_err err = CF_ERR_NOMEM;

    switch (m->type) {
    case CF_MSG_PLOT_SYNC_START: {
        struct cf_plot_sync_start b = {id, s->initial_next, s->initial_next ? 0 : s->last_sync_id,
                                       (uint32_t)s->snap->n, 1};

        return cf_proto_encode(CF_CLS_PLOT_SYNC_START, h->farmer_ver, &b, out);
    }
    case CF_MSG_PLOT_SYNC_LOADED:
    case CF_MSG_PLOT_SYNC_LOADED2: {
        bool two = m->type == CF_MSG_PLOT_SYNC_LOADED2;
        size_t es = two ? sizeof(struct cf_proto_plot2) : sizeof(struct cf_proto_plot);
        uint8_t *items = calloc(count ? count : 1, es);
        struct cf_plot_sync_plot_list2 b;

        if (items == NULL)
            return err;
        for (size_t i = 0; i < count; i++)
            hv_plot_msg(s->loaded[m->from + i], items + i * es, two);
        b.identifier = id;
        b.data.items = (struct cf_proto_plot2 *)(void *)items;
        b.data.count = count;
        b.final = m->final;
        err = cf_proto_encode(two ? CF_CLS_PLOT_SYNC_PLOT_LIST2 : CF_CLS_PLOT_SYNC_PLOT_LIST,
                              h->farmer_ver, &b, out);
        free(items);
        return err;
    }
    case CF_MSG_PLOT_SYNC_DONE: {
        uint64_t now = (uint64_t)time(NULL);
        struct cf_plot_sync_done b = {id, now > s->started_unix ? now - s->started_unix : 0};

        return cf_proto_encode(CF_CLS_PLOT_SYNC_DONE, h->farmer_ver, &b, out);
    }
    default: {
        struct cf_str *items = calloc(count ? count : 1, sizeof *items);
        struct cf_plot_sync_path_list b;
        const char **src = m->type == CF_MSG_PLOT_SYNC_REMOVED        ? (const char **)s->removed
                           : m->type == CF_MSG_PLOT_SYNC_INVALID      ? s->lists[LIST_INVALID]
                           : m->type == CF_MSG_PLOT_SYNC_KEYS_MISSING ? s->lists[LIST_KEYS_MISSING]
                                                                      : s->lists[LIST_DUPLICATES];

        if (items == NULL)
            return err;
        for (size_t i = 0; i < count; i++) {
            items[i].s = (char *)src[m->from + i];
            items[i].len = strlen(src[m->from + i]);
        }
        b.identifier = id;
        b.data.items = items;
        b.data.count = count;
        b.final = m->final;
        err = cf_proto_encode(CF_CLS_PLOT_SYNC_PATH_LIST, h->farmer_ver, &b, out);
        free(items);
        return err;
    }
    }
}

static void send_current(struct cf_harvester *h)
{
    struct hv_sync *s = &h->sync;
    struct cf_buf b;
    enum cf_err err;

    if (h->peer == NULL || !s->running)
        return;
    cf_buf_init(&b, CF_PEER_MAX_MESSAGE);
    err = encode_msg(h, &s->msgs[s->next], &b);
    if (!err)
        err = cf_peer_send(h->peer, s->msgs[s->next].type, b.data, b.len);
    cf_buf_free(&b);
    if (err)
        cf_log(CF_LOG_WARNING, MOD, "plot sync: sending %s failed (%s); will retry",
               cf_proto_msg_name(s->msgs[s->next].type), cf_strerror(err));
    cf_loop_timer_start(s->timer, h->p.sync_timeout_ms);
}

static void sync_timeout(struct cf_loop_timer *t, void *arg)
{
    struct cf_harvester *h = arg;

    (void)t;
    if (!h->sync.running)
        return;
    cf_log(CF_LOG_WARNING, MOD, "plot sync: no response to %s (message %zu) in time, resending",
           cf_proto_msg_name(h->sync.msgs[h->sync.next].type), h->sync.next);
    send_current(h);
}

static void sync_start(struct cf_harvester *h)
{
    struct hv_sync *s = &h->sync;
    uint64_t now = (uint64_t)time(NULL);

    if (s->timer == NULL && cf_loop_timer_new(h->loop, sync_timeout, h, &s->timer) != CF_OK)
        return;
    plan_clear(s);
    s->snap = hv_snapshot_ref(h->snap);
    if (s->initial_next)
        synced_clear(s);
    if (!plan(h, s->initial_next)) {
        cf_log(CF_LOG_ERROR, MOD, "plot sync: out of memory planning the sync");
        plan_clear(s);
        return;
    }
    s->sync_id = now > s->sync_id ? now : s->sync_id + 1;
    s->started_unix = now;
    s->running = true;
    s->again = false;
    s->next = 0;
    cf_log(CF_LOG_DEBUG, MOD,
           "plot sync %llu: %zu loaded, %zu removed, %zu invalid, %zu no key, "
           "%zu duplicates (%s)",
           (unsigned long long)s->sync_id, s->nloaded, s->nremoved, s->nlists[0], s->nlists[1],
           s->nlists[2], s->initial_next ? "initial" : "delta");
    send_current(h);
}

void hv_sync_trigger(struct cf_harvester *h)
{
    if (h->peer == NULL || h->snap == NULL || !h->keys_known)
        return;
    if (h->sync.running) {
        h->sync.again = true;
        return;
    }
    sync_start(h);
}

/* The farmer holds what it held plus loaded minus removed: the snapshot's OK paths. */
static void sync_finished(struct cf_harvester *h)
{
    struct hv_sync *s = &h->sync;
    size_t n = s->snap->count[HV_OK], k = 0;
    char **set = calloc(n ? n : 1, sizeof *set);

    cf_loop_timer_stop(s->timer);
    if (set != NULL) {
        for (size_t i = 0; i < s->snap->n; i++)
            if (s->snap->state[i] == HV_OK && (set[k] = strdup(s->snap->plots[i]->path)) != NULL)
                k++;
        synced_clear(s);
        s->synced = set;
        s->nsynced = k;
        s->initial_next = false;
    } else {
        s->initial_next = true;
    }
    s->last_sync_id = s->sync_id;
    h->st.syncs_done++;
    cf_log(CF_LOG_INFO, MOD, "plot sync %llu done: the farmer has %zu plots",
           (unsigned long long)s->sync_id, k);
    plan_clear(s);
    if (s->again)
        sync_start(h);
}

enum cf_err hv_sync_on_response(struct cf_peer *p, const struct cf_peer_msg *m, void *user)
{
    struct cf_harvester *h = user;
    struct hv_sync *s = &h->sync;
    struct cf_plot_sync_response r;
    enum cf_err err;

    (void)p;
    memset(&r, 0, sizeof r);
    err = cf_proto_decode(CF_CLS_PLOT_SYNC_RESPONSE, h->farmer_ver, m->data, m->len, &r);
    if (err)
        return err;
    if (!s->running || r.identifier.sync_id != s->sync_id || r.identifier.message_id != s->next ||
        r.message_type != s->msgs[s->next].type) {
        cf_log(CF_LOG_DEBUG, MOD, "plot sync: ignoring a response that is not for message %zu",
               s->next);
        goto out;
    }
    if (r.error.present) {
        const struct cf_opt_plot_sync_identifier *e = &r.error.v.expected_identifier;

        cf_log(CF_LOG_WARNING, MOD, "plot sync: the farmer answered %s with error %d: %s",
               cf_proto_msg_name(s->msgs[s->next].type), r.error.v.code,
               r.error.v.message.s ? r.error.v.message.s : "");
        if (e->present && e->v.sync_id == s->sync_id && e->v.message_id < s->nmsgs) {
            s->next = e->v.message_id;
            send_current(h);
        } else if (e->present && e->v.sync_id == 0 && e->v.message_id == 0 &&
                   s->next + 1 == s->nmsgs) {
            sync_finished(h);
        } else {
            s->initial_next = true;
            s->again = false;
            cf_loop_timer_stop(s->timer);
            sync_start(h);
        }
        goto out;
    }
    s->next++;
    if (s->next == s->nmsgs)
        sync_finished(h);
    else
        send_current(h);
out:
    cf_proto_free(CF_CLS_PLOT_SYNC_RESPONSE, &r);
    return CF_OK;
}
