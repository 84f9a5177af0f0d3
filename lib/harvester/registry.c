/*
 * registry.c: the harvester's plot registry: directory scan, per-plot records, snapshots with
 * each plot's state, and the persistent header cache.
 *
 * A scan lists the plot directories, then for each *.plot file reuses the previous snapshot's
 * record when path, size and mtime are unchanged, else the cache's entry, else reads the header
 * and derives the plot public key from the memo (the local secret key is wiped at once). States
 * are decided per snapshot: the farmer's keys decide no-key, the order by path decides which of
 * two files with the same plot id or the same file name is farmed (the first) and which is a
 * duplicate.
 *
 * Cache file (<root>/cache/cfarm_harvester.cache), public data only, all integers big-endian:
 *
 *   "CFHVCACHE1\n" (11 bytes) | count u32 | count x entry
 *   entry: path_len u16 | path | size u64 | mtime u64 | plot_pk 48 | blob_len u32 | blob
 *
 * where blob is cf_plot_cache_encode()'s bytes. A file that does not parse is ignored whole.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cfarm/buf.h"
#include "cfarm/bytes.h"
#include "cfarm/ct.h"
#include "cfarm/keys.h"
#include "cfarm/plot.h"
#include "harvester/internal.h"

#define CACHE_MAGIC     "CFHVCACHE1\n"
#define CACHE_MAGIC_LEN 11
#define SCAN_MAX_DEPTH  32
#define HV_SCAN_THREADS 8

/* ---- records and snapshots ---- */

struct hv_plot *hv_plot_ref(struct hv_plot *p)
{
    __atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
    return p;
}

void hv_plot_unref(struct hv_plot *p)
{
    if (p == NULL || __atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    cf_plot_close(p->plot);
    free(p->path);
    free(p);
}

const struct cf_plot_info *hv_plot_info(const struct hv_plot *p)
{
    return p->plot ? cf_plot_info(p->plot) : NULL;
}

struct hv_snapshot *hv_snapshot_ref(struct hv_snapshot *s)
{
    __atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
    return s;
}

void hv_snapshot_unref(struct hv_snapshot *s)
{
    if (s == NULL || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    for (size_t i = 0; i < s->n; i++)
        hv_plot_unref(s->plots[i]);
    free(s->plots);
    free(s->state);
    free(s);
}

struct hv_plot *hv_snapshot_find(const struct hv_snapshot *s, const char *path, size_t *index)
{
    size_t lo = 0, hi = s ? s->n : 0;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->plots[mid]->path, path);

        if (c == 0) {
            if (index)
                *index = mid;
            return s->plots[mid];
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* ---- persistent cache ---- */

struct cache_entry {
    char *path;
    uint64_t size, mtime;
    uint8_t pk[48];
    uint8_t *blob;
    size_t blob_len;
};

struct hv_cache {
    char *path;
    struct cache_entry *e; /* sorted by path */
    size_t n;
    pthread_mutex_t lock;
};

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const struct cache_entry *)a)->path, ((const struct cache_entry *)b)->path);
}

static void cache_clear(struct hv_cache *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->e[i].path);
        free(c->e[i].blob);
    }
    free(c->e);
    c->e = NULL;
    c->n = 0;
}

static bool cache_parse(struct hv_cache *c, const uint8_t *p, size_t n)
{
    uint32_t count;

    if (n < CACHE_MAGIC_LEN + 4 || memcmp(p, CACHE_MAGIC, CACHE_MAGIC_LEN) != 0)
        return false;
    count = cf_load_be32(p + CACHE_MAGIC_LEN);
    p += CACHE_MAGIC_LEN + 4;
    n -= CACHE_MAGIC_LEN + 4;
    if (count > n / 70)
        return false;
    c->e = calloc(count ? count : 1, sizeof *c->e);
    if (c->e == NULL)
        return false;
    for (uint32_t i = 0; i < count; i++) {
        struct cache_entry *e = &c->e[i];
        size_t pl, bl;

        if (n < 2 || (pl = cf_load_be16(p)) == 0 || n < 2 + pl + 8 + 8 + 48 + 4)
            return false;
        e->path = strndup((const char *)p + 2, pl);
        p += 2 + pl;
        n -= 2 + pl;
        e->size = cf_load_be64(p);
        e->mtime = cf_load_be64(p + 8);
        memcpy(e->pk, p + 16, 48);
        bl = cf_load_be32(p + 64);
        p += 68;
        n -= 68;
        if (e->path == NULL || bl > n || (e->blob = malloc(bl ? bl : 1)) == NULL)
            return false;
        c->n = i + 1;
        memcpy(e->blob, p, bl);
        e->blob_len = bl;
        p += bl;
        n -= bl;
    }
    qsort(c->e, c->n, sizeof *c->e, entry_cmp);
    return n == 0;
}

enum cf_err hv_cache_load(const char *path, struct hv_cache **out)
{
    struct hv_cache *c = calloc(1, sizeof *c);
    FILE *f;
    struct cf_buf b;
    uint8_t chunk[65536];
    size_t got;

    *out = NULL;
    if (c == NULL || (c->path = strdup(path)) == NULL) {
        free(c);
        return CF_ERR_NOMEM;
    }
    pthread_mutex_init(&c->lock, NULL);
    cf_buf_init(&b, (size_t)1 << 30);
    f = fopen(path, "rb");
    if (f != NULL) {
        while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
            if (cf_buf_append(&b, chunk, got) != CF_OK)
                break;
        fclose(f);
        if (!cache_parse(c, b.data, b.len))
            cache_clear(c);
    }
    cf_buf_free(&b);
    *out = c;
    return CF_OK;
}

void hv_cache_forget(struct hv_cache *c)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&c->lock);
    cache_clear(c);
    pthread_mutex_unlock(&c->lock);
}

void hv_cache_free(struct hv_cache *c)
{
    if (c == NULL)
        return;
    cache_clear(c);
    pthread_mutex_destroy(&c->lock);
    free(c->path);
    free(c);
}

static const struct cache_entry *cache_find(struct hv_cache *c, const char *path)
{
    struct cache_entry key = {.path = (char *)path};

    if (c == NULL || c->n == 0)
        return NULL;
    return bsearch(&key, c->e, c->n, sizeof *c->e, entry_cmp);
}

enum cf_err hv_cache_save(struct hv_cache *c, const struct hv_snapshot *s)
{
    struct cf_buf b, blob;
    enum cf_err err = CF_OK;
    uint32_t count = 0;
    char *tmp = NULL;
    FILE *f = NULL;

    cf_buf_init(&b, (size_t)1 << 30);
    cf_buf_init(&blob, 1 << 20);
    err = cf_buf_append(&b, CACHE_MAGIC, CACHE_MAGIC_LEN);
    if (!err)
        err = cf_buf_put_be32(&b, 0);
    for (size_t i = 0; i < s->n && !err; i++) {
        const struct hv_plot *p = s->plots[i];
        size_t pl = strlen(p->path);

        if (p->plot == NULL || p->open_state != HV_OK || pl > 65535)
            continue;
        blob.len = 0;
        err = cf_plot_cache_encode(p->plot, &blob);
        if (!err)
            err = cf_buf_put_be16(&b, (uint16_t)pl);
        if (!err)
            err = cf_buf_append(&b, p->path, pl);
        if (!err)
            err = cf_buf_put_be64(&b, p->size);
        if (!err)
            err = cf_buf_put_be64(&b, p->mtime);
        if (!err)
            err = cf_buf_append(&b, p->plot_pk.bytes, 48);
        if (!err)
            err = cf_buf_put_be32(&b, (uint32_t)blob.len);
        if (!err)
            err = cf_buf_append(&b, blob.data, blob.len);
        count++;
    }
    if (err)
        goto out;
    cf_store_be32(b.data + CACHE_MAGIC_LEN, count);
    if (asprintf(&tmp, "%s.tmp", c->path) < 0) {
        tmp = NULL;
        err = CF_ERR_NOMEM;
        goto out;
    }
    f = fopen(tmp, "wb");
    if (f == NULL || fwrite(b.data, 1, b.len, f) != b.len || fflush(f) != 0 ||
        fsync(fileno(f)) != 0) {
        err = cf_err_set(CF_ERR_IO, "writing %s: %s", tmp, strerror(errno));
        if (f)
            fclose(f);
        unlink(tmp);
        goto out;
    }
    fclose(f);
    if (rename(tmp, c->path) != 0) {
        err = cf_err_set(CF_ERR_IO, "renaming %s: %s", tmp, strerror(errno));
        unlink(tmp);
    }
out:
    free(tmp);
    cf_buf_free(&blob);
    cf_buf_free(&b);
    return err;
}

/* ---- directory walk ---- */

struct found {
    char *path;
    struct stat st;
};

struct found_list {
    struct found *f;
    size_t n, cap;
};

static bool ends_with_plot(const char *name)
{
    size_t n = strlen(name);

    return n > 5 && strcmp(name + n - 5, ".plot") == 0;
}

static enum cf_err found_add(struct found_list *l, char *path, const struct stat *st)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        struct found *f = realloc(l->f, cap * sizeof *f);

        if (f == NULL) {
            free(path);
            return CF_ERR_NOMEM;
        }
        l->f = f;
        l->cap = cap;
    }
    l->f[l->n].path = path;
    l->f[l->n].st = *st;
    l->n++;
    return CF_OK;
}

static enum cf_err walk(const struct hv_scan_args *a, const char *dir, unsigned depth,
                        struct found_list *l)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    enum cf_err err = CF_OK;

    if (d == NULL)
        return CF_OK; /* a missing directory is reported by the caller's log, not fatal */
    while (!err && (de = readdir(d)) != NULL) {
        struct stat st, lst;
        char *path;

        if (de->d_name[0] == '.' && (de->d_name[1] == 0 || strcmp(de->d_name, "..") == 0))
            continue;
        if (asprintf(&path, "%s/%s", dir, de->d_name) < 0)
            return closedir(d), CF_ERR_NOMEM;
        if (stat(path, &st) != 0 || lstat(path, &lst) != 0) {
            free(path);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (a->recursive && depth < SCAN_MAX_DEPTH &&
                (!S_ISLNK(lst.st_mode) || a->follow_links))
                err = walk(a, path, depth + 1, l);
            free(path);
        } else if (S_ISREG(st.st_mode) && ends_with_plot(de->d_name)) {
            err = found_add(l, path, &st);
        } else {
            free(path);
        }
    }
    closedir(d);
    return err;
}

static int found_cmp(const void *a, const void *b)
{
    return strcmp(((const struct found *)a)->path, ((const struct found *)b)->path);
}

/* ---- opening one file ---- */

/* Derive the plot public key from the memo, check it against the plot id. */
static enum cf_err derive_plot_pk(struct cf_plot *plot, struct cf_bls_pk *pk)
{
    const struct cf_plot_info *info = cf_plot_info(plot);
    struct cf_plot_memo pm;
    struct cf_keys_memo km;
    struct cf_keys_plot kp;
    enum cf_err err = cf_plot_read_memo(plot, &pm);

    if (err)
        return err;
    memset(&km, 0, sizeof km);
    km.pool_contract = pm.kind == CF_PLOT_MEMO_POOL_CONTRACT;
    memcpy(km.pool_pk.bytes, pm.pool_pk, 48);
    memcpy(km.pool_contract_ph, pm.pool_contract_ph, 32);
    memcpy(km.farmer_pk.bytes, pm.farmer_pk, 48);
    memcpy(km.local_master_sk.bytes, pm.local_master_sk, 32);
    cf_plot_memo_wipe(&pm);
    err = cf_keys_plot_from_memo(&kp, &km);
    cf_ct_wipe(&km, sizeof km);
    if (!err && memcmp(kp.plot_id, info->id, 32) != 0)
        err = cf_err_set(CF_ERR_PLOT_CORRUPT, "%s: the memo's keys do not give the plot id",
                         cf_plot_path(plot));
    if (!err)
        *pk = kp.plot_pk;
    cf_ct_wipe(&kp, sizeof kp);
    return err;
}

static struct hv_plot *record_new(const struct found *f, unsigned fake_disks)
{
    struct hv_plot *p = calloc(1, sizeof *p);

    if (p == NULL)
        return NULL;
    p->refs = 1;
    p->path = strdup(f->path);
    if (p->path == NULL) {
        free(p);
        return NULL;
    }
    p->name = strrchr(p->path, '/') ? strrchr(p->path, '/') + 1 : p->path;
    p->size = (uint64_t)f->st.st_size;
    p->mtime = (uint64_t)f->st.st_mtim.tv_sec;
    p->dev = f->st.st_dev;
    if (fake_disks) {
        uint64_t hsh = 14695981039346656037ull;

        for (const char *c = p->path; *c; c++)
            hsh = (hsh ^ (uint8_t)*c) * 1099511628211ull;
        p->dev = (dev_t)(hsh % fake_disks) + 1;
    }
    return p;
}

static void record_open(struct hv_plot *p, struct hv_cache *cache, bool *from_cache)
{
    const struct cache_entry *ce = NULL;
    enum cf_err err;

    if (cache) {
        pthread_mutex_lock(&cache->lock);
        ce = cache_find(cache, p->path);
        if (ce && ce->size == p->size && ce->mtime == p->mtime &&
            cf_plot_open_cached(p->path, ce->blob, ce->blob_len, 0, &p->plot) == CF_OK) {
            memcpy(p->plot_pk.bytes, ce->pk, 48);
            p->open_state = HV_OK;
            *from_cache = true;
            pthread_mutex_unlock(&cache->lock);
            return;
        }
        pthread_mutex_unlock(&cache->lock);
    }
    err = cf_plot_open(p->path, 0, &p->plot);
    if (!err)
        err = derive_plot_pk(p->plot, &p->plot_pk);
    if (err) {
        cf_plot_close(p->plot);
        p->plot = NULL;
        p->open_state = err == CF_ERR_PLOT_TRUNCATED ? HV_COPYING : HV_FAILED;
        p->failed_at = (uint64_t)time(NULL);
    }
}

/* ---- states ---- */

static bool key_in(const struct cf_bls_pk *keys, size_t n, const uint8_t *pk)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(keys[i].bytes, pk, 48) == 0)
            return true;
    return false;
}

static const struct hv_snapshot *sort_snap; /* qsort has no context argument */
static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

static int by_id(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c =
        memcmp(hv_plot_info(sort_snap->plots[x])->id, hv_plot_info(sort_snap->plots[y])->id, 32);

    return c ? c : (x < y ? -1 : x > y);
}

static int by_name(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(sort_snap->plots[x]->name, sort_snap->plots[y]->name);

    return c ? c : (x < y ? -1 : x > y);
}

/* Among plots in state OK, mark every later one sharing an id or a file name as duplicate. */
static enum cf_err mark_duplicates(struct hv_snapshot *s, bool allow_same_id)
{
    size_t *idx = malloc((s->n ? s->n : 1) * sizeof *idx), m = 0;

    if (idx == NULL)
        return CF_ERR_NOMEM;
    for (int pass = allow_same_id ? 1 : 0; pass < 2; pass++) {
        m = 0;
        for (size_t i = 0; i < s->n; i++)
            if (s->state[i] == HV_OK)
                idx[m++] = i;
        pthread_mutex_lock(&sort_lock);
        sort_snap = s;
        qsort(idx, m, sizeof *idx, pass == 0 ? by_id : by_name);
        for (size_t j = 1; j < m; j++) {
            const struct hv_plot *a = s->plots[idx[j - 1]], *b = s->plots[idx[j]];
            bool same = pass == 0 ? memcmp(hv_plot_info(a)->id, hv_plot_info(b)->id, 32) == 0
                                  : strcmp(a->name, b->name) == 0;

            if (same)
                s->state[idx[j]] = HV_DUPLICATE;
        }
        pthread_mutex_unlock(&sort_lock);
    }
    free(idx);
    return CF_OK;
}

static void decide_states(const struct hv_scan_args *a, struct hv_snapshot *s)
{
    for (size_t i = 0; i < s->n; i++) {
        const struct hv_plot *p = s->plots[i];
        const struct cf_plot_info *info = hv_plot_info(p);
        enum hv_state st = p->open_state;

        if (st == HV_OK && a->nfarmer > 0) {
            if (!key_in(a->farmer_keys, a->nfarmer, info->farmer_pk))
                st = HV_NOKEY;
            else if (info->memo_kind == CF_PLOT_MEMO_POOL_PK &&
                     !key_in(a->pool_keys, a->npool, info->pool_pk))
                st = HV_NOKEY;
        }
        s->state[i] = (uint8_t)st;
    }
}

/* ---- the scan ---- */

/* Reuse prev's record for f when nothing about the file changed. */
static struct hv_plot *reuse(const struct hv_scan_args *a, const struct hv_snapshot *prev,
                             const struct found *f, uint64_t now)
{
    struct hv_plot *old = hv_snapshot_find(prev, f->path, NULL);

    if (old == NULL || old->size != (uint64_t)f->st.st_size ||
        old->mtime != (uint64_t)f->st.st_mtim.tv_sec)
        return NULL;
    if (__atomic_load_n(&old->bad, __ATOMIC_ACQUIRE))
        return NULL;
    if (old->open_state == HV_FAILED && now - old->failed_at >= a->retry_invalid_seconds)
        return NULL;
    if (old->open_state == HV_COPYING)
        return NULL;
    return hv_plot_ref(old);
}

/* A record standing for a file a lookup failed on: failed until it changes or the retry time. */
static struct hv_plot *failed_copy(const struct hv_snapshot *prev, const struct found *f,
                                   uint64_t now, uint64_t retry, unsigned fake_disks)
{
    struct hv_plot *old = hv_snapshot_find(prev, f->path, NULL), *p;

    if (old == NULL || !__atomic_load_n(&old->bad, __ATOMIC_ACQUIRE) ||
        old->size != (uint64_t)f->st.st_size || old->mtime != (uint64_t)f->st.st_mtim.tv_sec)
        return NULL;
    if (old->failed_at && now - old->failed_at >= retry)
        return NULL;
    p = record_new(f, fake_disks);
    if (p) {
        p->open_state = HV_FAILED;
        p->failed_at = old->failed_at ? old->failed_at : now;
    }
    return p;
}

/* Open the records marked HV__STATES: header (or cache entry) and memo keys. New files are
 * independent, and deriving a plot's keys costs milliseconds of CPU, so a cold start with many
 * plots spreads them over a few threads, each taking every T-th record. */
struct open_part {
    const struct hv_scan_args *a;
    struct hv_snapshot *s;
    size_t first, step, opened, cached;
};

static void *open_part_main(void *arg)
{
    struct open_part *o = arg;

    for (size_t i = o->first; i < o->s->n; i += o->step) {
        struct hv_plot *p = o->s->plots[i];
        bool from_cache = false;

        if (p->open_state != HV__STATES)
            continue;
        p->open_state = HV_OK;
        record_open(p, o->a->cache, &from_cache);
        if (from_cache)
            o->cached++;
        else
            o->opened++;
    }
    return NULL;
}

static void open_new(const struct hv_scan_args *a, struct hv_snapshot *s)
{
    struct open_part parts[HV_SCAN_THREADS];
    pthread_t th[HV_SCAN_THREADS];
    size_t todo = 0, nt;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    for (size_t i = 0; i < s->n; i++)
        todo += s->plots[i]->open_state == HV__STATES;
    nt = todo < 64 ? 1 : (size_t)(cpus < 1 ? 1 : cpus > HV_SCAN_THREADS ? HV_SCAN_THREADS : cpus);
    for (size_t t = 0; t < nt; t++) {
        parts[t] = (struct open_part){a, s, t, nt, 0, 0};
        if (t > 0 && pthread_create(&th[t], NULL, open_part_main, &parts[t]) != 0) {
            nt = t; /* the threads started cover their stride; the rest is done below */
            break;
        }
    }
    open_part_main(&parts[0]);
    for (size_t t = 1; t < nt; t++)
        pthread_join(th[t], NULL);
    if (nt < (size_t)(cpus < 1                 ? 1
                      : cpus > HV_SCAN_THREADS ? HV_SCAN_THREADS
                                               : cpus) &&
        todo >= 64) {
        struct open_part rest = {a, s, 0, 1, 0, 0};

        open_part_main(&rest); /* anything a thread that failed to start would have taken */
        s->opened += rest.opened;
        s->cached += rest.cached;
    }
    for (size_t t = 0; t < nt; t++) {
        s->opened += parts[t].opened;
        s->cached += parts[t].cached;
    }
}

enum cf_err hv_scan(const struct hv_scan_args *a, const struct hv_snapshot *prev,
                    uint64_t generation, struct hv_snapshot **out)
{
    struct found_list l = {0};
    struct hv_snapshot *s = calloc(1, sizeof *s);
    enum cf_err err = CF_OK;
    struct timespec t0, t1;
    uint64_t now = (uint64_t)time(NULL);

    *out = NULL;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (s == NULL)
        return CF_ERR_NOMEM;
    s->refs = 1;
    s->generation = generation;
    for (size_t i = 0; i < a->ndirs && !err; i++)
        err = walk(a, a->dirs[i], 0, &l);
    if (err)
        goto out;
    qsort(l.f, l.n, sizeof *l.f, found_cmp);
    s->plots = calloc(l.n ? l.n : 1, sizeof *s->plots);
    s->state = calloc(l.n ? l.n : 1, 1);
    if (s->plots == NULL || s->state == NULL) {
        err = CF_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < l.n; i++) {
        struct hv_plot *p;

        if (i > 0 && strcmp(l.f[i].path, l.f[i - 1].path) == 0)
            continue; /* the same directory listed twice */
        p = reuse(a, prev, &l.f[i], now);
        if (p == NULL)
            p = failed_copy(prev, &l.f[i], now, a->retry_invalid_seconds, a->fake_disks);
        if (p == NULL) {
            p = record_new(&l.f[i], a->fake_disks);
            if (p == NULL) {
                err = CF_ERR_NOMEM;
                goto out;
            }
            p->open_state = HV__STATES; /* to open below */
        }
        s->plots[s->n++] = p;
    }
    open_new(a, s);
    decide_states(a, s);
    err = mark_duplicates(s, a->allow_same_id);
    for (size_t i = 0; i < s->n; i++)
        s->count[s->state[i]]++;
out:
    for (size_t i = 0; i < l.n; i++)
        free(l.f[i].path);
    free(l.f);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    s->scan_seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (err) {
        hv_snapshot_unref(s);
        return err;
    }
    *out = s;
    return CF_OK;
}
