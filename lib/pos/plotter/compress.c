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

/* Kept entries as bits, set from several threads at once. */
typedef _Atomic uint64_t pl_bits;

static inline bool bit_get(const pl_bits *b, uint64_t i)
{
    return atomic_load_explicit(&b[i / 64], memory_order_relaxed) >> (i % 64) & 1;
}

static inline void bit_set(pl_bits *b, uint64_t i)
{
    atomic_fetch_or_explicit(&b[i / 64], (uint64_t)1 << (i % 64), memory_order_relaxed);
}

struct mark_job {
    const struct pl_tables *t;
    unsigned table;      /* marking children of this table's kept entries */
    pl_bits *keep_above; /* NULL for table 7: all kept */
    pl_bits *keep_below;
};

static void mark_task(void *arg, unsigned i, unsigned n)
{
    struct mark_job *j = arg;
    const struct pl_pair *lr = j->t->lr[j->table];
    uint64_t b, e;

    pl_share(j->t->n[j->table], i, n, &b, &e);
    for (uint64_t q = b; q < e; q++) {
        if (j->keep_above && !bit_get(j->keep_above, q))
            continue;
        bit_set(j->keep_below, pl_pair_l(lr[q]));
        bit_set(j->keep_below, pl_pair_r(lr[q]));
    }
}

/* ---- line points ---------------------------------------------------------------------------- */

static unsigned bit_length(uint64_t v)
{
    return v ? 64u - (unsigned)__builtin_clzll(v) : 1;
}

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
    unsigned table;       /* the table whose entries become line points (2..7) */
    const pl_bits *keep;  /* NULL: all */
    const uint32_t *vals; /* places (or x) of the table below: < 2^32 */
    struct pl_rec *recs;
    uint64_t counts[64];
    uint32_t *newpos;
    uint64_t n;
    bool by_child;
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
            c += bit_get(j->keep, q);
    j->counts[i] = c;
}

static void lp_fill(void *arg, unsigned i, unsigned n)
{
    struct lp_job *j = arg;
    const struct pl_pair *lr = j->t->lr[j->table];
    uint64_t b, e, s = j->counts[i];

    pl_share(j->t->n[j->table], i, n, &b, &e);
    for (uint64_t q = b; q < e; q++) {
        if (j->keep && !bit_get(j->keep, q))
            continue;
        if (j->by_child) {
            /* Streaming order: sorted by the left child later, the right one is near it. */
            j->recs[s].key = pl_pair_l(lr[q]);
            j->recs[s].val = q | (lr[q].v >> PL_POS_BITS) << PL_POS_BITS;
        } else {
            j->recs[s].key = line_point(j->vals[pl_pair_l(lr[q])], j->vals[pl_pair_r(lr[q])]);
            j->recs[s].val = q;
        }
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
    unsigned table;            /* file table 1..6 */
    const struct pl_rec *recs; /* sorted line points */
    uint64_t n, nparks, park_size;
    uint8_t *out;
    enum cf_err err[64];
};

static enum cf_err write_park(const struct park_job *j, uint64_t p, uint8_t *scratch)
{
    unsigned k = j->c->k, stub_bits = k - CF_PLOT_STUB_MINUS_BITS;
    uint64_t first = p * CF_PLOT_ENTRIES_PER_PARK;
    uint64_t last =
        first + CF_PLOT_ENTRIES_PER_PARK < j->n ? first + CF_PLOT_ENTRIES_PER_PARK : j->n;
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
    pl_bits *keep[8];
    uint32_t *vals; /* places in the file table below (or x) */
    struct pl_rec *recs, *tmp;
    bool streaming; /* file-backed arrays: keep accesses sequential */
};

static enum cf_err backprop(struct cstate *s)
{
    const struct pl_ctx *c = s->c;

    for (unsigned table = 7; table >= 2; table--) {
        struct mark_job j = {s->t, table, table == 7 ? NULL : s->keep[table], NULL};
        s->keep[table - 1] = pl_alloc(c->mem, (s->t->n[table - 1] / 64 + 1) * 8, PL_ZERO | PL_HOT);
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
static void lp_from_children(void *arg, unsigned i, unsigned n)
{
    struct lp_job *j = arg;
    uint64_t b, e;

    pl_share(j->n, i, n, &b, &e);
    for (uint64_t q = b; q < e; q++) {
        uint64_t l = j->recs[q].key, r = l + (j->recs[q].val >> PL_POS_BITS);
        j->recs[q].key = line_point(j->vals[l], j->vals[r]);
        j->recs[q].val &= ((uint64_t)1 << PL_POS_BITS) - 1;
    }
}

static void places_by_entry(void *arg, unsigned i, unsigned n)
{
    struct lp_job *j = arg;
    uint64_t b, e;

    pl_share(j->n, i, n, &b, &e);
    for (uint64_t q = b; q < e; q++) {
        uint64_t entry = j->recs[q].val;
        j->recs[q].val = q;
        j->recs[q].key = entry;
    }
}

static void places_store(void *arg, unsigned i, unsigned n)
{
    struct lp_job *j = arg;
    uint64_t b, e;

    pl_share(j->n, i, n, &b, &e);
    for (uint64_t q = b; q < e; q++)
        j->newpos[j->recs[q].key] = (uint32_t)j->recs[q].val;
}

/*
 * The line points of table + 1's kept entries, sorted, in s->recs (val = the entry). In memory
 * the children's places are looked up directly; with file-backed arrays (streaming) the entries
 * are first sorted by left child, so the lookups walk the places array forwards.
 */
static enum cf_err line_points(struct cstate *s, unsigned table, struct lp_job *j)
{
    const struct pl_ctx *c = s->c;
    uint64_t n = 0;
    enum cf_err err;

    j->t = s->t;
    j->table = table + 1;
    j->keep = table + 1 == 7 ? NULL : s->keep[table + 1];
    j->vals = s->vals;
    j->by_child = s->streaming;
    pl_parallel(c->threads, lp_count, j);
    for (unsigned i = 0; i < c->threads; i++) {
        uint64_t cnt = j->counts[i];
        j->counts[i] = n;
        n += cnt;
    }
    /* Places are 32-bit (line points of two places fit 64 bits): a file table of 2^32 entries
     * or more would need a k above 32. */
    if (n >> 32)
        return cf_err_set(CF_ERR_TOO_LARGE, "file table %u would hold %llu entries", table,
                          (unsigned long long)n);
    j->recs = s->recs;
    j->n = n;
    pl_parallel(c->threads, lp_fill, j);
    if (s->streaming) {
        if ((err = pl_sort(s->recs, s->tmp, n, bit_length(s->t->n[table]), c->threads)))
            return err;
        pl_parallel(c->threads, lp_from_children, j);
    }
    return pl_sort(s->recs, s->tmp, n, 2 * c->k, c->threads);
}

/* File table `table` (1..6) from the kept entries of table + 1. */
static enum cf_err park_table(struct cstate *s, unsigned table, struct cf_plotter_stats *st)
{
    const struct pl_ctx *c = s->c;
    struct lp_job j;
    struct park_job pj;
    enum cf_err err = CF_OK;

    memset(&j, 0, sizeof j);
    if ((err = line_points(s, table, &j)))
        return err;
    if (st)
        st->table_entries[table + 1] = j.n;

    memset(&pj, 0, sizeof pj);
    pj.c = c;
    pj.table = table;
    pj.recs = s->recs;
    pj.n = j.n;
    pj.nparks = j.n == 0 ? 0 : (j.n - 1) / CF_PLOT_ENTRIES_PER_PARK + 1;
    pj.park_size = cf_plot_park_size(c->k, table);
    pj.out = pl_alloc(c->mem, (pj.nparks + 1) * pj.park_size, PL_ZERO);
    if (!pj.out)
        return cf_err_set(CF_ERR_NOMEM, "parks of table %u", table);
    pl_parallel(c->threads, park_task, &pj);
    for (unsigned i = 0; i < c->threads && !err; i++)
        err = pj.err[i];
    if (!err)
        err = pl_pwrite(s->fd, pj.out, pj.nparks * pj.park_size, s->pointers[table - 1]);
    s->pointers[table] = s->pointers[table - 1] + pj.nparks * pj.park_size;
    pl_free(c->mem, pj.out);
    if (err)
        return err;

    /* Places of this table's entries, for the table above (and for P7 after table 6). */
    j.newpos = pl_alloc(c->mem, (s->t->n[table + 1] + 1) * sizeof *j.newpos, 0);
    if (!j.newpos)
        return cf_err_set(CF_ERR_NOMEM, "places of table %u", table + 1);
    if (s->streaming) {
        pl_parallel(c->threads, places_by_entry, &j);
        if ((err = pl_sort(s->recs, s->tmp, j.n, bit_length(s->t->n[table + 1]), c->threads))) {
            pl_free(c->mem, j.newpos);
            return err;
        }
        pl_parallel(c->threads, places_store, &j);
    } else {
        pl_parallel(c->threads, lp_places, &j);
    }
    if (s->vals != s->t->x)
        pl_free(c->mem, s->vals);
    s->vals = j.newpos;
    /* Table t+1's pairs are no longer needed once its line points exist. */
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
    const struct pl_rec *f7s; /* f7 (key) by table-7 order */
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
            j->err[ti] =
                cf_err_set(CF_ERR_TOO_LARGE, "C3 entry %llu needs %zu bytes of %llu",
                           (unsigned long long)ci, len + 2, (unsigned long long)j->c3_size);
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

    /* (f7, place in file table 6) of each table-7 entry (all of them are in file table 6),
     * sorted by f7 then place. */
    for (uint64_t e = 0; e < n; e++) {
        s->recs[e].key = (uint64_t)s->t->f7[e] << 32 | s->vals[e];
        s->recs[e].val = s->vals[e];
    }
    pl_free(c->mem, s->t->f7);
    s->t->f7 = NULL;
    if ((err = pl_sort(s->recs, s->tmp, n, k + 32, c->threads)))
        return err;
    for (uint64_t q = 0; q < n; q++)
        s->recs[q].key >>= 32;
    pl_progress(c, 4, "P7", 0.2);

    p7 = pl_alloc(c->mem, np7 * p7_size, PL_ZERO);
    c12 = pl_alloc(c->mem, (nc1 + 1 + nc2 + 1) * esize, PL_ZERO);
    memset(&cj, 0, sizeof cj);
    cj.out = pl_alloc(c->mem, (nc1 + 1) * c3_size, PL_ZERO);
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
    s.streaming = c->mem->budget != 0;
    pointers[0] = header;
    for (int i = 2; i <= 7; i++)
        most = t->n[i] > most ? t->n[i] : most;
    if (!cf_fse_pos_ctable(1))
        return cf_err_set(CF_ERR_INVAL, "fse tables could not be built");
    err = backprop(&s);
    if (!err) {
        s.recs = pl_alloc(c->mem, (most + 1) * sizeof *s.recs, 0);
        s.tmp = pl_alloc(c->mem, (most + 1) * sizeof *s.tmp, 0);
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
        /* s.vals: the place in file table 6 of each table-7 entry. */
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
