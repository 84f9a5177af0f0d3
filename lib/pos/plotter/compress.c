/*
 * compress.c: phases 2 to 4: back-propagation, the park tables 1..6, table 7 (P7) and the
 * checkpoint tables C1, C2, C3, as chiapos lays them out (see lib/pos/format.c for the layout).
 *
 * Back-propagation keeps an entry of table t only when a kept entry of table t+1 points at it
 * (every table-7 entry is kept). File table t then holds the kept entries of table t+1, each as
 * the line point of its two children's places in file table t-1 (for t = 1, of the two x
 * values), sorted by line point; an entry's place in that order is what the table above refers
 * to. P7 lists, in f7 order (ties by place), each table-7 entry's place in file table 6.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfarm/bytes.h"
#include "cfarm/plot.h"
#include "pos/plot_internal.h"
#include "pos/plotter/fse_enc.h"
#include "pos/plotter/internal.h"

/* ---- phase 2 -------------------------------------------------------------------------------- */

struct mark_job {
    const struct pl_tables *t;
    unsigned table;                 /* marking children of this table's kept entries */
    _Atomic uint8_t *keep_above;    /* NULL for table 7: all kept */
    _Atomic uint8_t *keep_below;
};

static void mark_task(void *arg, unsigned i, unsigned n)
{
    struct mark_job *j = arg;
    const struct pl_pair *lr = j->t->lr[j->table];
    uint64_t b, e;

    pl_share(j->t->n[j->table], i, n, &b, &e);
    for (uint64_t q = b; q < e; q++) {
        if (j->keep_above && !atomic_load_explicit(&j->keep_above[q], memory_order_relaxed))
            continue;
        atomic_store_explicit(&j->keep_below[lr[q].l], 1, memory_order_relaxed);
        atomic_store_explicit(&j->keep_below[lr[q].r], 1, memory_order_relaxed);
    }
}

/* ---- line points ---------------------------------------------------------------------------- */

/* x(x-1)/2 + y with x >= y, as chiapos's SquareToLinePoint (x, y < 2^32: fits 64 bits). */
static inline uint64_t line_point(uint64_t a, uint64_t b)
{
    uint64_t x = a > b ? a : b, y = a > b ? b : a;
    uint64_t u = x, v = x - 1;

    if (u % 2 == 0)
        u /= 2;
    else
        v /= 2;
    return u * v + y;
}

struct lp_job {
    const struct pl_tables *t;
    unsigned table;                  /* the table whose entries become line points (2..7) */
    const _Atomic uint8_t *keep;     /* NULL: all */
    const uint32_t *vals;            /* places (or x) of the table below */
    struct pl_rec *recs;
    uint64_t counts[64];
    uint32_t *newpos;
    uint64_t n;
};

static void lp_count(void *arg, unsigned i, unsigned n)
{
    struct lp_job *j = arg;
    uint64_t b, e, c = 0;

    pl_share(j->t->n[j->table], i, n, &b, &e);
    if (!j->keep)
        c = e - b;
    else
        for (uint64_t q = b; q < e; q++)
            c += atomic_load_explicit(&j->keep[q], memory_order_relaxed);
    j->counts[i] = c;
}

static void lp_fill(void *arg, unsigned i, unsigned n)
{
    struct lp_job *j = arg;
    const struct pl_pair *lr = j->t->lr[j->table];
    uint64_t b, e, s = j->counts[i];

    pl_share(j->t->n[j->table], i, n, &b, &e);
    for (uint64_t q = b; q < e; q++) {
        if (j->keep && !atomic_load_explicit(&j->keep[q], memory_order_relaxed))
            continue;
        j->recs[s].key = line_point(j->vals[lr[q].l], j->vals[lr[q].r]);
        j->recs[s].val = q;
        s++;
    }
}

static void lp_places(void *arg, unsigned i, unsigned n)
{
    struct lp_job *j = arg;
    uint64_t b, e;

    pl_share(j->n, i, n, &b, &e);
    for (uint64_t q = b; q < e; q++)
        j->newpos[j->recs[q].val] = (uint32_t)q;
}

/* ---- parks ---------------------------------------------------------------------------------- */

struct bits_out {
    uint8_t *p;
    uint64_t acc;
    unsigned n;
};

static inline void bits_put(struct bits_out *b, uint64_t v, unsigned nbits)
{
    /* nbits <= 33, fewer than 8 bits pending before the call. */
    b->acc = (b->acc << nbits) | v;
    b->n += nbits;
    while (b->n >= 8) {
        b->n -= 8;
        *b->p++ = (uint8_t)(b->acc >> b->n);
    }
}

static inline void bits_end(struct bits_out *b)
{
    if (b->n > 0)
        *b->p++ = (uint8_t)(b->acc << (8 - b->n));
    b->n = 0;
}

struct park_job {
    const struct pl_ctx *c;
    unsigned table;                  /* file table 1..6 */
    const struct pl_rec *recs;       /* sorted line points */
    uint64_t n, nparks, park_size;
    uint8_t *out;
    enum cf_err err[64];
};

static enum cf_err write_park(const struct park_job *j, uint64_t p, uint8_t *scratch)
{
    unsigned k = j->c->k, stub_bits = k - CF_PLOT_STUB_MINUS_BITS;
    uint64_t first = p * CF_PLOT_ENTRIES_PER_PARK;
    uint64_t last = first + CF_PLOT_ENTRIES_PER_PARK < j->n ? first + CF_PLOT_ENTRIES_PER_PARK
                                                            : j->n;
    uint8_t *park = j->out + p * j->park_size, deltas[CF_PLOT_ENTRIES_PER_PARK];
    uint64_t lp_size = cf_plot_line_point_size(k), stubs_size = cf_plot_stubs_size(k);
    uint64_t room = cf_plot_max_deltas_size(j->table);
    struct bits_out b = {park, 0, 0};
    uint64_t lp0 = j->recs[first].key, mask = ((uint64_t)1 << stub_bits) - 1;
    size_t nd = (size_t)(last - first - 1), len;
    enum cf_err err;

    /* chiapos writes a park when the next one starts or at the end if it has deltas: a last
     * park of a single entry is never written and stays zero. */
    if (nd == 0)
        return CF_OK;
    /* The first line point: 2k bits, left-aligned in whole bytes. */
    bits_put(&b, lp0 >> 32, 2 * k - 32);
    bits_put(&b, lp0 & 0xffffffffu, 32);
    bits_end(&b);
    b.p = park + lp_size;
    for (size_t i = 0; i < nd; i++) {
        uint64_t d = j->recs[first + 1 + i].key - j->recs[first + i].key;
        bits_put(&b, d & mask, stub_bits);
        deltas[i] = (uint8_t)(d >> stub_bits);
    }
    bits_end(&b);
    uint8_t *dp = park + lp_size + stubs_size;
    if ((err = cf_fse_encode(cf_fse_pos_ctable(j->table), deltas, nd, scratch, &len)))
        return err;
    if (len == 0) {
        /* Too few deltas to code: stored raw, flagged by the top bit of the size. */
        dp[0] = (uint8_t)nd;
        dp[1] = (uint8_t)((nd >> 8) | 0x80);
        memcpy(dp + 2, deltas, nd);
        return CF_OK;
    }
    if (len + 2 > room)
        return cf_err_set(CF_ERR_TOO_LARGE, "table %u park %llu: deltas need %zu bytes of %llu",
                          j->table, (unsigned long long)p, len + 2, (unsigned long long)room);
    dp[0] = (uint8_t)len; /* little-endian, unlike the C3 sizes */
    dp[1] = (uint8_t)(len >> 8);
    memcpy(dp + 2, scratch, len);
    return CF_OK;
}

static void park_task(void *arg, unsigned i, unsigned n)
{
    struct park_job *j = arg;
    uint8_t scratch[CF_FSE_ENC_BOUND(CF_PLOT_ENTRIES_PER_PARK)];
    uint64_t b, e;

    j->err[i] = CF_OK;
    pl_share(j->nparks, i, n, &b, &e);
    for (uint64_t p = b; p < e && !j->err[i]; p++)
        j->err[i] = write_park(j, p, scratch);
}

/* ---- the driver ----------------------------------------------------------------------------- */

struct cstate {
    const struct pl_ctx *c;
    struct pl_tables *t;
    int fd;
    uint64_t *pointers;
    _Atomic uint8_t *keep[8];
    uint32_t *vals;                  /* places in the file table below (or x) */
    struct pl_rec *recs, *tmp;
};

static enum cf_err backprop(struct cstate *s)
{
    const struct pl_ctx *c = s->c;

    for (unsigned table = 7; table >= 2; table--) {
        struct mark_job j = {s->t, table, table == 7 ? NULL : s->keep[table], NULL};
        s->keep[table - 1] = pl_alloc(c->mem, s->t->n[table - 1] + 1, true);
        if (!s->keep[table - 1])
            return cf_err_set(CF_ERR_NOMEM, "back-propagation of table %u", table);
        j.keep_below = s->keep[table - 1];
        pl_parallel(c->threads, mark_task, &j);
        pl_progress(c, 2, "back-propagation", (8 - table) / 6.0);
        if (pl_cancelled(c))
            return cf_err_set(CF_ERR_CANCELLED, "plotting stopped");
    }
    return CF_OK;
}

/* File table `table` (1..6) from the kept entries of table + 1. */
static enum cf_err park_table(struct cstate *s, unsigned table, struct cf_plotter_stats *st)
{
    const struct pl_ctx *c = s->c;
    struct lp_job j;
    struct park_job pj;
    uint64_t n;
    enum cf_err err = CF_OK;

    memset(&j, 0, sizeof j);
    j.t = s->t;
    j.table = table + 1;
    j.keep = table + 1 == 7 ? NULL : s->keep[table + 1];
    j.vals = s->vals;
    pl_parallel(c->threads, lp_count, &j);
    n = 0;
    for (unsigned i = 0; i < c->threads; i++) {
        uint64_t cnt = j.counts[i];
        j.counts[i] = n;
        n += cnt;
    }
    j.recs = s->recs;
    pl_parallel(c->threads, lp_fill, &j);
    if ((err = pl_sort(s->recs, s->tmp, n, 2 * c->k, c->threads)))
        return err;
    if (st)
        st->table_entries[table + 1] = n;
    /* Places of this table's entries, for the table above. */
    j.n = n;
    j.newpos = pl_alloc(c->mem, (s->t->n[table + 1] + 1) * sizeof *j.newpos, false);
    if (!j.newpos)
        return cf_err_set(CF_ERR_NOMEM, "places of table %u", table + 1);
    pl_parallel(c->threads, lp_places, &j);

    memset(&pj, 0, sizeof pj);
    pj.c = c;
    pj.table = table;
    pj.recs = s->recs;
    pj.n = n;
    pj.nparks = n == 0 ? 0 : (n - 1) / CF_PLOT_ENTRIES_PER_PARK + 1;
    pj.park_size = cf_plot_park_size(c->k, table);
    pj.out = pl_alloc(c->mem, (pj.nparks + 1) * pj.park_size, true);
    if (!pj.out) {
        pl_free(c->mem, j.newpos);
        return cf_err_set(CF_ERR_NOMEM, "parks of table %u", table);
    }
    pl_parallel(c->threads, park_task, &pj);
    for (unsigned i = 0; i < c->threads && !err; i++)
        err = pj.err[i];
    if (!err)
        err = pl_pwrite(s->fd, pj.out, pj.nparks * pj.park_size, s->pointers[table - 1]);
    s->pointers[table] = s->pointers[table - 1] + pj.nparks * pj.park_size;
    pl_free(c->mem, pj.out);
    if (s->vals != s->t->x)
        pl_free(c->mem, s->vals);
    s->vals = j.newpos;
    if (err)
        return err;
    /* Table t+1's pairs are no longer needed once its line points exist (table 7's are still
     * needed for nothing either: P7 uses places and f7 only). */
    pl_free(c->mem, s->t->lr[table + 1]);
    s->t->lr[table + 1] = NULL;
    if (table == 1) {
        pl_free(c->mem, s->t->x);
        s->t->x = NULL;
    }
    return CF_OK;
}

/* ---- phase 4 -------------------------------------------------------------------------------- */

struct c3_job {
    const struct pl_ctx *c;
    const struct pl_rec *f7s;        /* f7 (key) by table-7 order */
    uint64_t n, nc1, c3_size;
    uint8_t *out;
    enum cf_err err[64];
};

static void c3_task(void *arg, unsigned ti, unsigned nt)
{
    struct c3_job *j = arg;
    uint8_t deltas[CF_PLOT_CHECKPOINT1], scratch[CF_FSE_ENC_BOUND(CF_PLOT_CHECKPOINT1)];
    uint64_t b, e;

    j->err[ti] = CF_OK;
    pl_share(j->nc1, ti, nt, &b, &e);
    for (uint64_t ci = b; ci < e && !j->err[ti]; ci++) {
        uint64_t first = ci * CF_PLOT_CHECKPOINT1;
        uint64_t last = first + CF_PLOT_CHECKPOINT1 < j->n ? first + CF_PLOT_CHECKPOINT1 : j->n;
        size_t nd = (size_t)(last - first - 1), len;
        uint8_t *slot = j->out + ci * j->c3_size;

        for (size_t i = 0; i < nd; i++)
            deltas[i] = (uint8_t)(j->f7s[first + 1 + i].key - j->f7s[first + i].key);
        j->err[ti] = cf_fse_encode(cf_fse_pos_ctable(7), deltas, nd, scratch, &len);
        if (j->err[ti])
            break;
        if (len + 2 > j->c3_size) {
            j->err[ti] = cf_err_set(CF_ERR_TOO_LARGE, "C3 entry %llu needs %zu bytes of %llu",
                                    (unsigned long long)ci, len + 2,
                                    (unsigned long long)j->c3_size);
            break;
        }
        cf_store_be16(slot, (uint16_t)len);
        memcpy(slot + 2, scratch, len);
    }
}

static void put_f7(uint8_t *out, unsigned k, uint64_t f7)
{
    struct bits_out b = {out, 0, 0};

    bits_put(&b, f7, k);
    bits_end(&b);
}

static enum cf_err checkpoint_tables(struct cstate *s, uint64_t *end)
{
    const struct pl_ctx *c = s->c;
    unsigned k = c->k;
    uint64_t n = s->t->n[7], esize = cf_plot_c1_entry_size(k);
    uint64_t p7_size = cf_plot_p7_park_size(k), c3_size = cf_plot_c3_size(k);
    uint64_t np7 = (n == 0 ? 0 : n - 1) / CF_PLOT_ENTRIES_PER_PARK + 1;
    uint64_t nc1 = (n + CF_PLOT_CHECKPOINT1 - 1) / CF_PLOT_CHECKPOINT1;
    uint64_t nc2 = (nc1 + CF_PLOT_CHECKPOINT2 - 1) / CF_PLOT_CHECKPOINT2;
    uint8_t *p7 = NULL, *c12 = NULL;
    struct c3_job cj;
    enum cf_err err;

    /* (f7, place in file table 6), sorted by f7 then place: the records are made in place
     * order and the radix sort is stable. */
    for (uint64_t q = 0; q < n; q++) {
        s->recs[q].key = s->t->f7[s->recs[q].val];
        s->recs[q].val = q;
    }
    pl_free(c->mem, s->t->f7);
    s->t->f7 = NULL;
    if ((err = pl_sort(s->recs, s->tmp, n, k, c->threads)))
        return err;
    pl_progress(c, 4, "P7", 0.2);

    p7 = pl_alloc(c->mem, np7 * p7_size, true);
    c12 = pl_alloc(c->mem, (nc1 + 1 + nc2 + 1) * esize, true);
    memset(&cj, 0, sizeof cj);
    cj.out = pl_alloc(c->mem, (nc1 + 1) * c3_size, true);
    if (!p7 || !c12 || !cj.out) {
        err = cf_err_set(CF_ERR_NOMEM, "table 7 and checkpoints");
        goto out;
    }
    for (uint64_t park = 0; park < np7; park++) {
        struct bits_out b = {p7 + park * p7_size, 0, 0};
        uint64_t last = (park + 1) * CF_PLOT_ENTRIES_PER_PARK;
        for (uint64_t q = park * CF_PLOT_ENTRIES_PER_PARK; q < last && q < n; q++)
            bits_put(&b, s->recs[q].val, k + 1);
        bits_end(&b);
    }
    for (uint64_t ci = 0; ci < nc1; ci++)
        put_f7(c12 + ci * esize, k, s->recs[ci * CF_PLOT_CHECKPOINT1].key);
    for (uint64_t ci = 0; ci < nc2; ci++)
        put_f7(c12 + (nc1 + 1 + ci) * esize, k,
               s->recs[ci * CF_PLOT_CHECKPOINT1 * CF_PLOT_CHECKPOINT2].key);
    cj.c = c;
    cj.f7s = s->recs;
    cj.n = n;
    cj.nc1 = nc1;
    cj.c3_size = c3_size;
    pl_parallel(c->threads, c3_task, &cj);
    for (unsigned i = 0; i < c->threads && !err; i++)
        err = cj.err[i];
    pl_progress(c, 4, "C1 C2 C3", 0.8);

    s->pointers[7] = s->pointers[6] + np7 * p7_size;
    s->pointers[8] = s->pointers[7] + (nc1 + 1) * esize;
    s->pointers[9] = s->pointers[8] + (nc2 + 1) * esize;
    *end = s->pointers[9] + nc1 * c3_size;
    if (!err)
        err = pl_pwrite(s->fd, p7, np7 * p7_size, s->pointers[6]);
    if (!err)
        err = pl_pwrite(s->fd, c12, (nc1 + 1 + nc2 + 1) * esize, s->pointers[7]);
    if (!err)
        err = pl_pwrite(s->fd, cj.out, nc1 * c3_size, s->pointers[9]);
out:
    pl_free(c->mem, p7);
    pl_free(c->mem, c12);
    pl_free(c->mem, cj.out);
    return err;
}

enum cf_err pl_compress(const struct pl_ctx *c, struct pl_tables *t, int fd, uint64_t header,
                        uint64_t pointers[10], uint64_t *end, struct cf_plotter_stats *st)
{
    struct cstate s;
    uint64_t most = 0;
    enum cf_err err;

    memset(&s, 0, sizeof s);
    s.c = c;
    s.t = t;
    s.fd = fd;
    s.pointers = pointers;
    pointers[0] = header;
    for (int i = 2; i <= 7; i++)
        most = t->n[i] > most ? t->n[i] : most;
    if (!cf_fse_pos_ctable(1))
        return cf_err_set(CF_ERR_INVAL, "fse tables could not be built");
    err = backprop(&s);
    if (!err) {
        s.recs = pl_alloc(c->mem, (most + 1) * sizeof *s.recs, false);
        s.tmp = pl_alloc(c->mem, (most + 1) * sizeof *s.tmp, false);
        if (!s.recs || !s.tmp)
            err = cf_err_set(CF_ERR_NOMEM, "line point sort of %llu entries",
                             (unsigned long long)most);
    }
    s.vals = t->x;
    for (unsigned table = 1; !err && table <= 6; table++) {
        char label[16];
        snprintf(label, sizeof label, "table %u", table);
        pl_progress(c, 3, label, (table - 1) / 6.0);
        err = park_table(&s, table, st);
        if (!err && pl_cancelled(c))
            err = cf_err_set(CF_ERR_CANCELLED, "plotting stopped");
    }
    if (!err) {
        pl_progress(c, 3, "done", 1);
        pl_progress(c, 4, "P7", 0);
        /* recs[i].val is the table-7 entry at place i of file table 6. */
        err = checkpoint_tables(&s, end);
        pl_progress(c, 4, "done", 1);
    }
    if (st)
        for (int i = 1; i <= 6; i++)
            st->table_entries[i] = st->table_entries[i + 1];
    if (s.vals != t->x)
        pl_free(c->mem, s.vals);
    for (int i = 0; i < 8; i++)
        pl_free(c->mem, (void *)s.keep[i]);
    pl_free(c->mem, s.recs);
    pl_free(c->mem, s.tmp);
    return err;
}
