/*
 * forward.c: phase 1, forward propagation: F1 for every x, then for tables 1..6 the matches
 * between adjacent y buckets and Fx of each match, which become the entries of the next table.
 *
 * A table being matched is held as y[] and meta[] grouped by bucket (y / kBC), with start[b]
 * the first entry of bucket b. Entries of bucket b can only match entries of bucket b + 1, so
 * the buckets are shared out between threads; each thread keeps its matches (the new y, the new
 * metadata, and the pair's positions) in its own arrays, then a counting sort by the new bucket
 * gathers them into the next table. Nothing needs a full sort by y: the order inside a bucket
 * does not change which pairs match.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfarm/pos_fx.h"
#include "pos/plotter/internal.h"

struct meta2 {
    uint64_t w0, w1;
};

/* A table being matched: y and metadata grouped by bucket. */
struct level {
    uint64_t n, nbuckets;
    uint64_t *y;
    struct meta2 *meta;   /* tables 2..6; table 1 uses x */
    const uint32_t *x;
    uint64_t *start;      /* nbuckets + 1 */
};

/* One thread's matches. */
struct out {
    uint64_t n, cap;
    uint64_t *y;
    struct meta2 *meta;
    struct pl_pair *lr;
    uint64_t *counts;     /* per new bucket, for the gather */
    bool nomem;
};

struct fwd_job {
    const struct pl_ctx *c;
    unsigned table;       /* the table being built (2..7) */
    const struct level *in;
    struct out *outs;
    uint64_t nbuckets_out;
    struct level *next;
    struct pl_tables *t;
    const struct cf_pos_f1 *f1;
    uint64_t *ys;         /* table 1 generation */
};

static uint64_t nbuckets(unsigned k)
{
    return (((uint64_t)1 << (k + CF_POS_EXTRA_BITS)) - 1) / CF_POS_BC + 1;
}

/* ---- table 1 -------------------------------------------------------------------------------- */

static void f1_task(void *arg, unsigned i, unsigned n)
{
    struct fwd_job *j = arg;
    uint64_t total = (uint64_t)1 << j->c->k, begin, end;
    /* Shares aligned to F1 batches so each keystream block is made by one thread. */
    pl_share(total / CF_POS_F1_BATCH, i, n, &begin, &end);
    begin *= CF_POS_F1_BATCH;
    end *= CF_POS_F1_BATCH;
    uint64_t *cnt = j->outs[i].counts;
    for (uint64_t x = begin; x < end; x += CF_POS_F1_BATCH) {
        cf_pos_f1_batch(j->f1, x, CF_POS_F1_BATCH, j->ys + x);
        for (unsigned q = 0; q < CF_POS_F1_BATCH; q++)
            cnt[j->ys[x + q] / CF_POS_BC]++;
    }
}

static void f1_scatter(void *arg, unsigned i, unsigned n)
{
    struct fwd_job *j = arg;
    uint64_t total = (uint64_t)1 << j->c->k, begin, end;
    pl_share(total / CF_POS_F1_BATCH, i, n, &begin, &end);
    uint64_t *slot = j->outs[i].counts;
    uint32_t *x = j->t->x;
    for (uint64_t v = begin * CF_POS_F1_BATCH; v < end * CF_POS_F1_BATCH; v++) {
        uint64_t s = slot[j->ys[v] / CF_POS_BC]++;
        j->next->y[s] = j->ys[v];
        x[s] = (uint32_t)v;
    }
}

/* Turn per-thread bucket counts into start slots (bucket-major, thread-minor) and bucket
 * starts. */
static void counts_to_slots(struct out *outs, unsigned threads, uint64_t nb, uint64_t *start)
{
    uint64_t sum = 0;

    for (uint64_t b = 0; b < nb; b++) {
        start[b] = sum;
        for (unsigned t = 0; t < threads; t++) {
            uint64_t c = outs[t].counts[b];
            outs[t].counts[b] = sum;
            sum += c;
        }
    }
    start[nb] = sum;
}

/* ---- matching ------------------------------------------------------------------------------- */

struct rmap_cell {
    uint32_t stamp, head;
};

static bool out_grow(struct pl_mem *mem, struct out *o)
{
    uint64_t cap = o->cap ? o->cap * 3 / 2 : 4096;
    void *y = pl_realloc(mem, o->y, o->n * sizeof *o->y, cap * sizeof *o->y);
    if (y)
        o->y = y;
    void *m = pl_realloc(mem, o->meta, o->n * sizeof *o->meta, cap * sizeof *o->meta);
    if (m)
        o->meta = m;
    void *lr = pl_realloc(mem, o->lr, o->n * sizeof *o->lr, cap * sizeof *o->lr);
    if (lr)
        o->lr = lr;
    if (!y || !m || !lr) {
        o->nomem = true;
        return false;
    }
    o->cap = cap;
    return true;
}

static void to_meta(struct cf_pos_meta *m, const struct level *in, uint64_t i)
{
    if (in->x) {
        cf_pos_meta_from_x(m, in->x[i]);
    } else {
        m->w[0] = in->meta[i].w0;
        m->w[1] = in->meta[i].w1;
        m->w[2] = m->w[3] = 0;
    }
}

/* Matches waiting for their Fx, computed a batch at a time (several hashes per vector op). */
#define BATCH 512

struct batch {
    unsigned n;
    uint64_t yl[BATCH], yo[BATCH];
    struct cf_pos_meta ml[BATCH], mr[BATCH], mo[BATCH];
    struct pl_pair lr[BATCH];
};

static void batch_flush(const struct fwd_job *j, struct batch *bt, struct out *o)
{
    if (bt->n == 0)
        return;
    while (o->n + bt->n > o->cap)
        if (!out_grow(j->c->mem, o)) {
            bt->n = 0;
            return;
        }
    cf_pos_fx_many(j->c->k, j->table, bt->n, bt->yl, bt->ml, bt->mr, bt->yo, bt->mo);
    for (unsigned q = 0; q < bt->n; q++) {
        o->y[o->n] = bt->yo[q];
        o->meta[o->n].w0 = bt->mo[q].w[0];
        o->meta[o->n].w1 = bt->mo[q].w[1];
        o->lr[o->n] = bt->lr[q];
        o->n++;
    }
    bt->n = 0;
}

/* lo[parity][l mod kC][m] = ((2m + parity)^2 + l) mod kC: the row of the m-th target. */
struct lo_table {
    uint8_t lo[2][CF_POS_C][CF_POS_EXTRA_BITS_POW];
};
static struct lo_table lo_table;
static pthread_once_t lo_once = PTHREAD_ONCE_INIT;

static void lo_init(void)
{
    for (unsigned p = 0; p < 2; p++)
        for (unsigned c = 0; c < CF_POS_C; c++)
            for (unsigned m = 0; m < CF_POS_EXTRA_BITS_POW; m++)
                lo_table.lo[p][c][m] = (uint8_t)(((2 * m + p) * (2 * m + p) + c) % CF_POS_C);
}

/* Presence bits of y mod kBC in the right bucket: one L1-resident probe per target before the
 * chained map is read. */
#define PRESENT_WORDS ((CF_POS_BC + 63) / 64)

static void match_task(void *arg, unsigned ti, unsigned nt)
{
    struct fwd_job *j = arg;
    const struct level *in = j->in;
    struct out *o = &j->outs[ti];
    uint64_t b0, b1;
    struct rmap_cell *rmap = calloc(CF_POS_BC, sizeof *rmap);
    struct batch *bt = malloc(sizeof *bt);
    uint64_t present[PRESENT_WORDS];
    uint32_t *next = NULL;
    uint64_t next_cap = 0;
    const struct lo_table *lot = &lo_table;

    if (!rmap || !bt) {
        o->nomem = true;
        goto done;
    }
    bt->n = 0;
    memset(present, 0, sizeof present);
    pl_share(in->nbuckets > 0 ? in->nbuckets - 1 : 0, ti, nt, &b0, &b1);
    for (uint64_t b = b0; b < b1 && !o->nomem; b++) {
        uint64_t ls = in->start[b], le = in->start[b + 1], re = in->start[b + 2];
        uint64_t base_r = (b + 1) * CF_POS_BC, base_l = b * CF_POS_BC;
        uint32_t stamp = (uint32_t)(b + 1);
        unsigned parity = (unsigned)(b & 1);

        if (ls == le || le == re)
            continue;
        if (re - le > next_cap) {
            free(next);
            next_cap = (re - le) * 2;
            next = malloc(next_cap * sizeof *next);
            if (!next) {
                o->nomem = true;
                break;
            }
        }
        for (uint64_t r = le; r < re; r++) {
            unsigned v = (unsigned)(in->y[r] - base_r);
            struct rmap_cell *cell = &rmap[v];
            next[r - le] = cell->stamp == stamp ? cell->head : UINT32_MAX;
            cell->head = (uint32_t)(r - le);
            cell->stamp = stamp;
            present[v / 64] |= (uint64_t)1 << (v % 64);
        }
        for (uint64_t l = ls; l < le; l++) {
            unsigned il = (unsigned)(in->y[l] - base_l);
            unsigned a = il / CF_POS_C;
            const uint8_t *lo = lot->lo[parity][il % CF_POS_C];
            /* Targets: column (a + m) mod kB, row lo[m]; the column wraps at most once. */
            unsigned wrap = CF_POS_B - a < CF_POS_EXTRA_BITS_POW ? CF_POS_B - a
                                                                 : CF_POS_EXTRA_BITS_POW;
            unsigned col = a * CF_POS_C;
            for (unsigned m = 0; m < CF_POS_EXTRA_BITS_POW; m++, col += CF_POS_C) {
                if (m == wrap)
                    col = 0;
                unsigned v = col + lo[m];
                if (!(present[v / 64] >> (v % 64) & 1))
                    continue;
                for (uint32_t q = rmap[v].head; q != UINT32_MAX; q = next[q]) {
                    uint64_t r = le + q;
                    if (bt->n == BATCH)
                        batch_flush(j, bt, o);
                    bt->yl[bt->n] = in->y[l];
                    to_meta(&bt->ml[bt->n], in, l);
                    to_meta(&bt->mr[bt->n], in, r);
                    bt->lr[bt->n].l = (uint32_t)l;
                    bt->lr[bt->n].r = (uint32_t)r;
                    bt->n++;
                }
            }
        }
        for (uint64_t r = le; r < re; r++) {
            unsigned v = (unsigned)(in->y[r] - base_r);
            present[v / 64] = 0;
        }
        if ((b & 255) == 0 && pl_cancelled(j->c))
            break;
    }
    if (bt && !o->nomem)
        batch_flush(j, bt, o);
done:
    free(bt);
    free(next);
    free(rmap);
}

static void gather_count(void *arg, unsigned ti, unsigned nt)
{
    struct fwd_job *j = arg;
    struct out *o = &j->outs[ti];
    (void)nt;
    memset(o->counts, 0, j->nbuckets_out * sizeof *o->counts);
    for (uint64_t i = 0; i < o->n; i++)
        o->counts[o->y[i] / CF_POS_BC]++;
}

static void gather_scatter(void *arg, unsigned ti, unsigned nt)
{
    struct fwd_job *j = arg;
    struct out *o = &j->outs[ti];
    struct pl_pair *lr = j->t->lr[j->table];
    (void)nt;
    for (uint64_t i = 0; i < o->n; i++) {
        uint64_t s = o->counts[o->y[i] / CF_POS_BC]++;
        j->next->y[s] = o->y[i];
        j->next->meta[s] = o->meta[i];
        lr[s] = o->lr[i];
    }
}

/* ---- driver --------------------------------------------------------------------------------- */

static void level_free(struct pl_mem *m, struct level *l)
{
    pl_free(m, l->y);
    pl_free(m, l->meta);
    pl_free(m, l->start);
    memset(l, 0, sizeof *l);
}

static void outs_free(struct pl_mem *m, struct out *outs, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        pl_free(m, outs[i].y);
        pl_free(m, outs[i].meta);
        pl_free(m, outs[i].lr);
        pl_free(m, outs[i].counts);
        memset(&outs[i], 0, sizeof outs[i]);
    }
}

void pl_tables_free(const struct pl_ctx *c, struct pl_tables *t)
{
    pl_free(c->mem, t->x);
    for (int i = 0; i < 8; i++)
        pl_free(c->mem, t->lr[i]);
    pl_free(c->mem, t->f7);
    memset(t, 0, sizeof *t);
}

static enum cf_err table1(const struct pl_ctx *c, struct pl_tables *t, struct fwd_job *j,
                          struct level *cur)
{
    uint64_t n = (uint64_t)1 << c->k, nb = nbuckets(c->k);
    struct cf_pos_f1 f1;

    cf_pos_f1_init(&f1, c->k, c->p->id);
    j->f1 = &f1;
    j->ys = pl_alloc(c->mem, n * sizeof *j->ys, false);
    t->x = pl_alloc(c->mem, n * sizeof *t->x, false);
    cur->y = pl_alloc(c->mem, n * sizeof *cur->y, false);
    cur->start = pl_alloc(c->mem, (nb + 2) * sizeof *cur->start, false);
    for (unsigned i = 0; i < c->threads; i++)
        j->outs[i].counts = pl_alloc(c->mem, nb * sizeof *j->outs[i].counts, true);
    for (unsigned i = 0; i < c->threads; i++)
        if (!j->outs[i].counts)
            goto nomem;
    if (!j->ys || !t->x || !cur->y || !cur->start)
        goto nomem;
    pl_parallel(c->threads, f1_task, j);
    counts_to_slots(j->outs, c->threads, nb, cur->start);
    cur->start[nb + 1] = n;
    j->next = cur;
    pl_parallel(c->threads, f1_scatter, j);
    pl_free(c->mem, j->ys);
    j->ys = NULL;
    cur->n = n;
    cur->nbuckets = nb;
    cur->x = t->x;
    t->n[1] = n;
    return CF_OK;
nomem:
    pl_free(c->mem, j->ys);
    j->ys = NULL;
    return cf_err_set(CF_ERR_NOMEM, "table 1 of %llu entries", (unsigned long long)n);
}

static enum cf_err next_table(const struct pl_ctx *c, struct pl_tables *t, struct fwd_job *j,
                              struct level *cur, struct level *next, unsigned table)
{
    uint64_t nb = nbuckets(c->k), total = 0;

    j->table = table;
    j->in = cur;
    j->nbuckets_out = nb;
    pl_parallel(c->threads, match_task, j);
    for (unsigned i = 0; i < c->threads; i++) {
        if (j->outs[i].nomem)
            return cf_err_set(CF_ERR_NOMEM, "table %u matches", table);
        total += j->outs[i].n;
    }
    if (pl_cancelled(c))
        return cf_err_set(CF_ERR_CANCELLED, "plotting stopped");
    if (total >= UINT32_MAX)
        return cf_err_set(CF_ERR_TOO_LARGE, "table %u has %llu entries", table,
                          (unsigned long long)total);
    t->n[table] = total;
    t->lr[table] = pl_alloc(c->mem, (total + 1) * sizeof *t->lr[table], false);
    if (!t->lr[table])
        return cf_err_set(CF_ERR_NOMEM, "table %u", table);
    if (table == 7) {
        /* The last table needs no grouping: f7 and the pair, in any order. */
        uint64_t s = 0;
        t->f7 = pl_alloc(c->mem, (total + 1) * sizeof *t->f7, false);
        if (!t->f7)
            return cf_err_set(CF_ERR_NOMEM, "table 7");
        for (unsigned i = 0; i < c->threads; i++)
            for (uint64_t q = 0; q < j->outs[i].n; q++, s++) {
                t->f7[s] = (uint32_t)(j->outs[i].y[q] >> CF_POS_EXTRA_BITS);
                t->lr[7][s] = j->outs[i].lr[q];
            }
        return CF_OK;
    }
    next->y = pl_alloc(c->mem, (total + 1) * sizeof *next->y, false);
    next->meta = pl_alloc(c->mem, (total + 1) * sizeof *next->meta, false);
    next->start = pl_alloc(c->mem, (nb + 2) * sizeof *next->start, false);
    if (!next->y || !next->meta || !next->start)
        return cf_err_set(CF_ERR_NOMEM, "table %u", table);
    pl_parallel(c->threads, gather_count, j);
    counts_to_slots(j->outs, c->threads, nb, next->start);
    next->start[nb + 1] = total;
    j->next = next;
    j->t = t;
    pl_parallel(c->threads, gather_scatter, j);
    next->n = total;
    next->nbuckets = nb;
    return CF_OK;
}

enum cf_err pl_forward(const struct pl_ctx *c, struct pl_tables *t)
{
    struct out outs[64];
    struct fwd_job j;
    struct level cur, next;
    enum cf_err err;

    memset(t, 0, sizeof *t);
    memset(outs, 0, sizeof outs);
    memset(&cur, 0, sizeof cur);
    memset(&next, 0, sizeof next);
    memset(&j, 0, sizeof j);
    t->k = c->k;
    j.c = c;
    j.outs = outs;
    j.t = t;
    pthread_once(&lo_once, lo_init);
    pl_progress(c, 1, "table 1", 0);
    err = table1(c, t, &j, &cur);
    for (unsigned table = 2; !err && table <= 7; table++) {
        char label[16];
        snprintf(label, sizeof label, "table %u", table);
        pl_progress(c, 1, label, (table - 1) / 7.0);
        err = next_table(c, t, &j, &cur, &next, table);
        for (unsigned i = 0; i < c->threads; i++)
            outs[i].n = 0;
        if (!err && pl_cancelled(c))
            err = cf_err_set(CF_ERR_CANCELLED, "plotting stopped");
        /* The table below keeps only x / lr; its y and metadata are done with. */
        cur.x = NULL;
        pl_free(c->mem, cur.y);
        pl_free(c->mem, cur.meta);
        pl_free(c->mem, cur.start);
        cur = next;
        memset(&next, 0, sizeof next);
    }
    pl_progress(c, 1, "done", 1);
    outs_free(c->mem, outs, 64);
    level_free(c->mem, &cur);
    level_free(c->mem, &next);
    if (err)
        pl_tables_free(c, t);
    return err;
}
