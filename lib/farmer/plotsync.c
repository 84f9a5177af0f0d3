/*
 * plotsync.c: the farmer's plot-sync receiver, one per harvester, as Chia's
 * plot_sync/receiver.py: a sync is start -> loaded... -> removed... -> invalid... ->
 * keys_missing... -> duplicates... -> done, each message carrying (timestamp, sync_id,
 * message_id) and answered with a PlotSyncResponse. The delta is collected aside and applied at
 * done, so a harvester that disconnects mid-sync leaves the last complete picture in place.
 *
 * Chia's receiver checks identifiers, last_sync_id and duplicate / unknown paths; it does not
 * check that a message kind comes in its turn. This one also answers a kind out of turn with
 * invalid_state (0): a Chia sender never sends one, so nothing that works with Chia breaks.
 *
 * Filenames are kept in hash maps so that a sync of 100,000 plots costs linear time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfarm/farmer.h"

/* ---- string -> index map (open addressing, linear probing, backward-shift deletion) ---- */

struct smap {
    struct sent {
        const char *key; /* NULL: empty; owned by the vector holding the value */
        size_t val;
    } * e;
    size_t cap, n;
};

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;

    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ull;
    return h;
}

static void smap_free(struct smap *m)
{
    free(m->e);
    memset(m, 0, sizeof *m);
}

static struct sent *smap_slot(const struct smap *m, const char *key)
{
    size_t i;

    if (m->cap == 0)
        return NULL;
    for (i = str_hash(key) & (m->cap - 1); m->e[i].key; i = (i + 1) & (m->cap - 1))
        if (strcmp(m->e[i].key, key) == 0)
            return &m->e[i];
    return &m->e[i];
}

static bool smap_get(const struct smap *m, const char *key, size_t *val)
{
    struct sent *s = smap_slot(m, key);

    if (s == NULL || s->key == NULL)
        return false;
    if (val)
        *val = s->val;
    return true;
}

static enum cf_err smap_put(struct smap *m, const char *key, size_t val)
{
    struct sent *s;

    if ((m->n + 1) * 2 > m->cap) {
        struct smap bigger = {calloc(m->cap ? m->cap * 2 : 16, sizeof(struct sent)),
                              m->cap ? m->cap * 2 : 16, 0};

        if (bigger.e == NULL)
            return CF_ERR_NOMEM;
        for (size_t i = 0; i < m->cap; i++)
            if (m->e[i].key) {
                *smap_slot(&bigger, m->e[i].key) = m->e[i];
                bigger.n++;
            }
        free(m->e);
        *m = bigger;
    }
    s = smap_slot(m, key);
    if (s->key == NULL)
        m->n++;
    s->key = key;
    s->val = val;
    return CF_OK;
}

static void smap_del(struct smap *m, const char *key)
{
    struct sent *s = smap_slot(m, key);
    size_t i, j, home;

    if (s == NULL || s->key == NULL)
        return;
    i = (size_t)(s - m->e);
    m->e[i].key = NULL;
    m->n--;
    for (j = (i + 1) & (m->cap - 1); m->e[j].key; j = (j + 1) & (m->cap - 1)) {
        home = str_hash(m->e[j].key) & (m->cap - 1);
        /* move e[j] into the hole at i when its home is not in (i, j] (cyclically) */
        if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
            m->e[i] = m->e[j];
            m->e[j].key = NULL;
            i = j;
        }
    }
}

/* ---- a list of paths with a set beside it ---- */

struct plist {
    char **items;
    size_t n, cap;
    struct smap set;
};

static void plist_clear(struct plist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    smap_free(&l->set);
    memset(l, 0, sizeof *l);
}

static bool plist_has(const struct plist *l, const char *s)
{
    return smap_get(&l->set, s, NULL);
}

static enum cf_err plist_add(struct plist *l, const char *s)
{
    char *copy;

    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **items = realloc(l->items, cap * sizeof *items);

        if (items == NULL)
            return CF_ERR_NOMEM;
        l->items = items;
        l->cap = cap;
    }
    copy = strdup(s);
    if (copy == NULL || smap_put(&l->set, copy, l->n) != CF_OK) {
        free(copy);
        return CF_ERR_NOMEM;
    }
    l->items[l->n++] = copy;
    return CF_OK;
}

/* ---- plots: a vector with a filename index ---- */

struct pvec {
    struct cf_plotsync_plot *items;
    size_t n, cap;
    struct smap idx;
};

static void pvec_clear(struct pvec *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->items[i].filename);
    free(v->items);
    smap_free(&v->idx);
    memset(v, 0, sizeof *v);
}

/* Takes ownership of p->filename on success. */
static enum cf_err pvec_add(struct pvec *v, const struct cf_plotsync_plot *p)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        struct cf_plotsync_plot *items = realloc(v->items, cap * sizeof *items);

        if (items == NULL)
            return CF_ERR_NOMEM;
        v->items = items;
        v->cap = cap;
    }
    if (smap_put(&v->idx, p->filename, v->n) != CF_OK)
        return CF_ERR_NOMEM;
    v->items[v->n++] = *p;
    return CF_OK;
}

static void pvec_remove(struct pvec *v, const char *name)
{
    size_t i;

    if (!smap_get(&v->idx, name, &i))
        return;
    smap_del(&v->idx, name);
    free(v->items[i].filename);
    if (i != v->n - 1) {
        v->items[i] = v->items[v->n - 1];
        smap_put(&v->idx, v->items[i].filename, i); /* slot exists: cannot fail */
    }
    v->n--;
}

/* ---- the receiver ---- */

enum state { ST_IDLE, ST_LOADED, ST_REMOVED, ST_INVALID, ST_KEYS_MISSING, ST_DUPLICATES, ST_DONE };

struct cf_plotsync {
    /* after the last completed sync */
    struct pvec plots;
    struct plist invalid, keys_missing, duplicates;
    uint64_t total_size;
    uint64_t last_sync_id;
    uint64_t completed;
    uint8_t harvesting_mode;
    /* the sync under way */
    enum state state;
    uint64_t sync_id, next_message_id;
    uint32_t processed, total;
    struct pvec add;
    struct plist removed, d_invalid, d_keys_missing, d_duplicates;
    char msg[320];
};

struct cf_plotsync *cf_plotsync_new(void)
{
    return calloc(1, sizeof(struct cf_plotsync));
}

static void current_clear(struct cf_plotsync *rx)
{
    rx->state = ST_IDLE;
    rx->sync_id = rx->next_message_id = 0;
    rx->processed = rx->total = 0;
    pvec_clear(&rx->add);
    plist_clear(&rx->removed);
    plist_clear(&rx->d_invalid);
    plist_clear(&rx->d_keys_missing);
    plist_clear(&rx->d_duplicates);
}

static void reset_all(struct cf_plotsync *rx)
{
    current_clear(rx);
    pvec_clear(&rx->plots);
    plist_clear(&rx->invalid);
    plist_clear(&rx->keys_missing);
    plist_clear(&rx->duplicates);
    rx->total_size = 0;
    rx->last_sync_id = 0;
    rx->harvesting_mode = 0;
}

void cf_plotsync_free(struct cf_plotsync *rx)
{
    if (rx == NULL)
        return;
    reset_all(rx);
    free(rx);
}

/* An error answer; expected identifier only for invalid_identifier. */
static void fail(struct cf_plotsync *rx, struct cf_plot_sync_response *resp, int code,
                 const struct cf_plot_sync_identifier *expected, const char *fmt, const char *arg)
{
    snprintf(rx->msg, sizeof rx->msg, fmt, arg ? arg : "");
    resp->error.present = true;
    resp->error.v.code = (int16_t)code;
    resp->error.v.message.s = rx->msg;
    resp->error.v.message.len = strlen(rx->msg);
    if (expected) {
        resp->error.v.expected_identifier.present = true;
        resp->error.v.expected_identifier.v = *expected;
    }
}

/* Chia's _validate_identifier. */
static bool check_id(struct cf_plotsync *rx, const struct cf_plot_sync_identifier *id, bool start,
                     struct cf_plot_sync_response *resp)
{
    bool mid = id->message_id == rx->next_message_id;
    struct cf_plot_sync_identifier exp = {id->timestamp, rx->sync_id, rx->next_message_id};
    char what[96];

    if ((start && mid) || (!start && mid && id->sync_id == rx->sync_id))
        return true;
    snprintf(what, sizeof what, "got sync_id %llu message_id %llu", (unsigned long long)id->sync_id,
             (unsigned long long)id->message_id);
    fail(rx, resp, CF_PLOTSYNC_INVALID_IDENTIFIER, &exp, "invalid identifier: %s", what);
    return false;
}

static bool check_state(struct cf_plotsync *rx, enum state want, struct cf_plot_sync_response *resp,
                        const char *kind)
{
    if (rx->state == want)
        return true;
    fail(rx, resp, CF_PLOTSYNC_INVALID_STATE, NULL, "%s message out of turn", kind);
    return false;
}

static void on_start(struct cf_plotsync *rx, const struct cf_plot_sync_start *m,
                     struct cf_plot_sync_response *resp)
{
    char what[64];

    if (m->initial)
        reset_all(rx);
    if (!check_id(rx, &m->identifier, true, resp))
        return;
    if (m->last_sync_id != rx->last_sync_id) {
        snprintf(what, sizeof what, "%llu, expected %llu", (unsigned long long)m->last_sync_id,
                 (unsigned long long)rx->last_sync_id);
        fail(rx, resp, CF_PLOTSYNC_INVALID_LAST_SYNC_ID, NULL, "invalid last_sync_id %s", what);
        return;
    }
    if (m->last_sync_id == m->identifier.sync_id) {
        snprintf(what, sizeof what, "%llu", (unsigned long long)m->last_sync_id);
        fail(rx, resp, CF_PLOTSYNC_SYNC_IDS_MATCH, NULL, "sync ids match: %s", what);
        return;
    }
    current_clear(rx);
    rx->sync_id = m->identifier.sync_id;
    rx->state = ST_LOADED;
    rx->total = m->plot_file_count;
    rx->harvesting_mode = m->harvesting_mode;
    rx->next_message_id = 1;
}

static enum cf_err add_loaded(struct cf_plotsync *rx, const struct cf_plotsync_plot *p,
                              struct cf_plot_sync_response *resp, bool *stop)
{
    struct cf_plotsync_plot copy = *p;

    if (smap_get(&rx->plots.idx, p->filename, NULL) || smap_get(&rx->add.idx, p->filename, NULL)) {
        fail(rx, resp, CF_PLOTSYNC_PLOT_ALREADY_AVAILABLE, NULL, "plot already available: %s",
             p->filename);
        *stop = true;
        return CF_OK;
    }
    copy.filename = strdup(p->filename);
    if (copy.filename == NULL || pvec_add(&rx->add, &copy) != CF_OK) {
        free(copy.filename);
        return CF_ERR_NOMEM;
    }
    rx->processed++;
    return CF_OK;
}

static enum cf_err on_loaded(struct cf_plotsync *rx, const struct cf_plotsync_plot *plots, size_t n,
                             bool final, const struct cf_plot_sync_identifier *id,
                             struct cf_plot_sync_response *resp)
{
    bool stop = false;
    enum cf_err err;

    if (!check_id(rx, id, false, resp) || !check_state(rx, ST_LOADED, resp, "loaded"))
        return CF_OK;
    for (size_t i = 0; i < n && !stop; i++)
        if ((err = add_loaded(rx, &plots[i], resp, &stop)) != CF_OK)
            return err;
    if (stop)
        return CF_OK;
    if (final)
        rx->state = ST_REMOVED;
    rx->next_message_id++;
    return CF_OK;
}

static enum cf_err on_paths(struct cf_plotsync *rx, uint8_t type,
                            const struct cf_plot_sync_path_list *m,
                            struct cf_plot_sync_response *resp)
{
    static const char *const kinds[] = {"removed", "invalid", "keys_missing", "duplicates"};
    unsigned kind = type - CF_MSG_PLOT_SYNC_REMOVED;
    struct plist *delta[] = {&rx->removed, &rx->d_invalid, &rx->d_keys_missing, &rx->d_duplicates};
    struct plist *d = delta[kind];

    if (!check_id(rx, &m->identifier, false, resp) ||
        !check_state(rx, (enum state)(ST_REMOVED + kind), resp, kinds[kind]))
        return CF_OK;
    for (size_t i = 0; i < m->data.count; i++) {
        const char *path = m->data.items[i].s;

        if (kind == 0 && (!smap_get(&rx->plots.idx, path, NULL) || plist_has(d, path))) {
            fail(rx, resp, CF_PLOTSYNC_PLOT_NOT_AVAILABLE, NULL, "plot not available: %s", path);
            return CF_OK;
        }
        if (kind != 0 && plist_has(d, path)) {
            fail(rx, resp, CF_PLOTSYNC_PLOT_ALREADY_AVAILABLE, NULL, "path already listed: %s",
                 path);
            return CF_OK;
        }
        if (plist_add(d, path) != CF_OK)
            return CF_ERR_NOMEM;
        if (kind != 0)
            rx->processed++;
    }
    if (m->final)
        rx->state = (enum state)(ST_INVALID + kind);
    rx->next_message_id++;
    return CF_OK;
}

static void move_list(struct plist *to, struct plist *from)
{
    plist_clear(to);
    *to = *from;
    memset(from, 0, sizeof *from);
}

static enum cf_err on_done(struct cf_plotsync *rx, const struct cf_plot_sync_done *m,
                           struct cf_plot_sync_response *resp)
{
    if (!check_id(rx, &m->identifier, false, resp) || !check_state(rx, ST_DONE, resp, "done"))
        return CF_OK;
    for (size_t i = 0; i < rx->removed.n; i++)
        pvec_remove(&rx->plots, rx->removed.items[i]);
    for (size_t i = 0; i < rx->add.n; i++) {
        if (pvec_add(&rx->plots, &rx->add.items[i]) != CF_OK)
            return CF_ERR_NOMEM;
        rx->add.items[i].filename = NULL; /* now owned by plots */
    }
    rx->add.n = 0;
    move_list(&rx->invalid, &rx->d_invalid);
    move_list(&rx->keys_missing, &rx->d_keys_missing);
    move_list(&rx->duplicates, &rx->d_duplicates);
    rx->total_size = 0;
    for (size_t i = 0; i < rx->plots.n; i++)
        rx->total_size += rx->plots.items[i].file_size;
    rx->last_sync_id = rx->sync_id;
    rx->completed++;
    current_clear(rx);
    return CF_OK;
}

static void plot_of(struct cf_plotsync_plot *o, const struct cf_proto_plot *p)
{
    o->filename = p->filename.s;
    o->size = p->size;
    memcpy(o->plot_id, p->plot_id, 32);
    o->pool_contract = p->pool_contract_puzzle_hash.present;
    o->file_size = p->file_size;
}

static void plot2_of(struct cf_plotsync_plot *o, const struct cf_proto_plot2 *p)
{
    o->filename = p->filename.s;
    o->size = p->size;
    memcpy(o->plot_id, p->plot_id, 32);
    o->pool_contract = p->pool_contract_puzzle_hash.present;
    o->file_size = p->file_size;
}

/* Loaded lists (79 and 112): views of the decoded plots, then on_loaded. */
static enum cf_err handle_loaded(struct cf_plotsync *rx, uint8_t type, int ver, const uint8_t *body,
                                 size_t len, struct cf_plot_sync_response *resp)
{
    struct cf_plot_sync_plot_list l1;
    struct cf_plot_sync_plot_list2 l2;
    struct cf_plotsync_plot *views = NULL;
    enum cf_proto_cls cls =
        type == CF_MSG_PLOT_SYNC_LOADED ? CF_CLS_PLOT_SYNC_PLOT_LIST : CF_CLS_PLOT_SYNC_PLOT_LIST2;
    void *obj = type == CF_MSG_PLOT_SYNC_LOADED ? (void *)&l1 : (void *)&l2;
    size_t n;
    enum cf_err err = cf_proto_decode(cls, ver, body, len, obj);

    if (err != CF_OK)
        return err;
    n = type == CF_MSG_PLOT_SYNC_LOADED ? l1.data.count : l2.data.count;
    views = calloc(n ? n : 1, sizeof *views);
    if (views == NULL) {
        err = CF_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (type == CF_MSG_PLOT_SYNC_LOADED)
            plot_of(&views[i], &l1.data.items[i]);
        else
            plot2_of(&views[i], &l2.data.items[i]);
    }
    resp->identifier = type == CF_MSG_PLOT_SYNC_LOADED ? l1.identifier : l2.identifier;
    err = on_loaded(rx, views, n, type == CF_MSG_PLOT_SYNC_LOADED ? l1.final : l2.final,
                    &resp->identifier, resp);
out:
    free(views);
    cf_proto_free(cls, obj);
    return err;
}

enum cf_err cf_plotsync_handle(struct cf_plotsync *rx, uint8_t type, int ver, const uint8_t *body,
                               size_t len, uint64_t now_s, struct cf_plot_sync_response *resp)
{
    enum cf_err err = CF_OK;

    (void)now_s;
    memset(resp, 0, sizeof *resp);
    resp->message_type = type;
    if (type == CF_MSG_PLOT_SYNC_START) {
        struct cf_plot_sync_start m;

        if ((err = cf_proto_decode(CF_CLS_PLOT_SYNC_START, ver, body, len, &m)) != CF_OK)
            return err;
        resp->identifier = m.identifier;
        on_start(rx, &m, resp);
        cf_proto_free(CF_CLS_PLOT_SYNC_START, &m);
    } else if (type == CF_MSG_PLOT_SYNC_LOADED || type == CF_MSG_PLOT_SYNC_LOADED2) {
        err = handle_loaded(rx, type, ver, body, len, resp);
    } else if (type >= CF_MSG_PLOT_SYNC_REMOVED && type <= CF_MSG_PLOT_SYNC_DUPLICATES) {
        struct cf_plot_sync_path_list m;

        if ((err = cf_proto_decode(CF_CLS_PLOT_SYNC_PATH_LIST, ver, body, len, &m)) != CF_OK)
            return err;
        resp->identifier = m.identifier;
        err = on_paths(rx, type, &m, resp);
        cf_proto_free(CF_CLS_PLOT_SYNC_PATH_LIST, &m);
    } else if (type == CF_MSG_PLOT_SYNC_DONE) {
        struct cf_plot_sync_done m;

        if ((err = cf_proto_decode(CF_CLS_PLOT_SYNC_DONE, ver, body, len, &m)) != CF_OK)
            return err;
        resp->identifier = m.identifier;
        err = on_done(rx, &m, resp);
    } else {
        return cf_err_set(CF_ERR_UNKNOWN_TYPE, "message %u is not plot sync", (unsigned)type);
    }
    if (err == CF_ERR_NOMEM && !resp->error.present)
        fail(rx, resp, CF_PLOTSYNC_UNKNOWN, NULL, "out of memory%s", NULL);
    return err == CF_ERR_NOMEM ? CF_OK : err;
}

size_t cf_plotsync_plot_count(const struct cf_plotsync *rx)
{
    return rx->plots.n;
}

const struct cf_plotsync_plot *cf_plotsync_plot_at(const struct cf_plotsync *rx, size_t i)
{
    return i < rx->plots.n ? &rx->plots.items[i] : NULL;
}

const struct cf_plotsync_plot *cf_plotsync_plot_find(const struct cf_plotsync *rx,
                                                     const char *filename)
{
    size_t i;

    return smap_get(&rx->plots.idx, filename, &i) ? &rx->plots.items[i] : NULL;
}

size_t cf_plotsync_invalid_count(const struct cf_plotsync *rx)
{
    return rx->invalid.n;
}

size_t cf_plotsync_keys_missing_count(const struct cf_plotsync *rx)
{
    return rx->keys_missing.n;
}

size_t cf_plotsync_duplicates_count(const struct cf_plotsync *rx)
{
    return rx->duplicates.n;
}

const char *cf_plotsync_invalid_at(const struct cf_plotsync *rx, size_t i)
{
    return i < rx->invalid.n ? rx->invalid.items[i] : NULL;
}

const char *cf_plotsync_keys_missing_at(const struct cf_plotsync *rx, size_t i)
{
    return i < rx->keys_missing.n ? rx->keys_missing.items[i] : NULL;
}

const char *cf_plotsync_duplicates_at(const struct cf_plotsync *rx, size_t i)
{
    return i < rx->duplicates.n ? rx->duplicates.items[i] : NULL;
}

uint64_t cf_plotsync_total_size(const struct cf_plotsync *rx)
{
    return rx->total_size;
}

bool cf_plotsync_syncing(const struct cf_plotsync *rx, uint32_t *processed, uint32_t *total)
{
    if (processed)
        *processed = rx->processed;
    if (total)
        *total = rx->total;
    return rx->sync_id != 0;
}

uint64_t cf_plotsync_completed(const struct cf_plotsync *rx)
{
    return rx->completed;
}

uint64_t cf_plotsync_last_sync_id(const struct cf_plotsync *rx)
{
    return rx->last_sync_id;
}
