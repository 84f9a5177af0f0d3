/*
 * prover.c: qualities and full proofs from a v1 plot, read on demand with pread.
 *
 * The walk is chiapos's DiskProver, step for step, quirks included:
 *
 *   challenge -> f7 (first k bits)
 *     C2 (in memory): which block of 10000 C1 entries to scan
 *     C1 (read): the last checkpoint whose f7 <= our f7           -> c1_index, curr_f7
 *     C3 (read): FSE-coded f7 deltas of that checkpoint interval -> table-7 positions
 *     table 7 (read): the k+1-bit table-6 position at each of those positions
 *   for each table-6 position:
 *     quality: follow one line point per table 6..2 (y or x by the challenge's last 5 bits),
 *              the table-1 line point holds the two x values; quality = sha256(challenge||y||x)
 *     proof:   all 63 line points of the tree below it, left (y) before right (x): the 64 x
 *              values in disk order, then reordered as chiapos's ReorderProof does.
 *
 * chiapos's C1/C3 walk misses some table-7 entries near each C1 checkpoint (for instance when
 * our f7 equals a checkpoint's f7 it starts counting one interval late, and a walk that reaches
 * the end of an interval without passing f7 returns nothing). A harvester must return exactly
 * what chiapos returns, so these are reproduced, not fixed.
 *
 * Every lookup counts its preads and bytes. Parks read during one lookup are kept in a few
 * slots, so the two children of a table-2 node (almost always in the same park) cost one read.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfarm/bytes.h"
#include "cfarm/hash.h"
#include "cfarm/plot.h"
#include "pos/park.h"
#include "pos/plot_internal.h"

#define PARK_SLOTS 8
#define C1_WINDOW 64
#define C1_BEHIND 4
#define C3_FIRST_READ 4096

/* Prefix the current error detail with the file name (and more), once. */
static enum cf_err with_path(enum cf_err err, const char *path, const char *what)
{
    char detail[256];

    if (strstr(cf_err_detail(), path))
        return err;
    snprintf(detail, sizeof detail, "%s", cf_err_detail());
    return cf_err_set(err, "%s: %s%s%s", path, what, what[0] ? ": " : "", detail);
}

struct park_slot {
    unsigned table;      /* 0: empty */
    uint64_t park;
    size_t len;
    uint8_t *buf;
};

struct lookup {
    const struct cf_plot *p;
    int fd;
    struct cf_plot_io *io;
    struct park_slot slot[PARK_SLOTS];
    unsigned nslots, next_slot;
    size_t slot_size;
    uint8_t *mem;
    /* C1 window */
    uint64_t c1_start, c1_count;
    uint8_t c1_buf[C1_WINDOW * 7];
};

static enum cf_err lookup_begin(struct lookup *lk, const struct cf_plot *p, unsigned nslots,
                                struct cf_plot_io *io)
{
    enum cf_err err;

    memset(lk, 0, sizeof *lk);
    lk->p = p;
    lk->io = io;
    lk->fd = -1;
    lk->nslots = nslots;
    lk->slot_size = (size_t)cf_plot_park_size(p->info.k, 1) + 2;
    lk->mem = malloc(lk->slot_size * nslots);
    if (!lk->mem)
        return cf_err_set(CF_ERR_NOMEM, "%s: lookup buffers", p->path);
    for (unsigned i = 0; i < nslots; i++)
        lk->slot[i].buf = lk->mem + i * lk->slot_size;
    if ((err = cf_plot_fd(p, &lk->fd))) {
        free(lk->mem);
        lk->mem = NULL;
    }
    return err;
}

static void lookup_end(struct lookup *lk)
{
    cf_plot_fd_done(lk->p, lk->fd);
    free(lk->mem);
    lk->mem = NULL;
}

/* ---- parks ---------------------------------------------------------------------------------- */

static enum cf_err read_park(struct lookup *lk, unsigned table, uint64_t park,
                             struct park_slot **out)
{
    const struct cf_plot_info *in = &lk->p->info;
    uint64_t size = cf_plot_park_size(in->k, table);
    uint64_t begin = in->table[table - 1], parks = (in->table[table] - begin) / size;
    struct park_slot *s;
    uint64_t off, len;
    enum cf_err err;

    for (unsigned i = 0; i < lk->nslots; i++)
        if (lk->slot[i].table == table && lk->slot[i].park == park) {
            *out = &lk->slot[i];
            return CF_OK;
        }
    if (park >= parks)
        return cf_err_set(CF_ERR_PLOT_CORRUPT, "%s: park %llu of table %u is beyond the table "
                          "(%llu parks)", lk->p->path, (unsigned long long)park, table,
                          (unsigned long long)parks);
    off = begin + park * size;
    /* chiapos reads the deltas size field and stream without clamping them to the park. */
    len = size + 2;
    if (off + len > in->file_size)
        len = in->file_size - off;
    s = &lk->slot[lk->next_slot];
    lk->next_slot = (lk->next_slot + 1) % lk->nslots;
    s->table = 0;
    if ((err = cf_plot_pread(lk->p, lk->fd, s->buf, (size_t)len, off, lk->io)))
        return err;
    s->table = table;
    s->park = park;
    s->len = (size_t)len;
    *out = s;
    return CF_OK;
}

static enum cf_err line_point(struct lookup *lk, unsigned table, uint64_t position,
                              unsigned __int128 *lp)
{
    struct park_slot *s = NULL;
    enum cf_err err = read_park(lk, table, position / CF_PLOT_ENTRIES_PER_PARK, &s);

    if (!err)
        err = cf_park_line_point(lk->p->info.k, table, s->buf, s->len,
                                 (unsigned)(position % CF_PLOT_ENTRIES_PER_PARK), lp);
    if (err) {
        char what[64];
        snprintf(what, sizeof what, "table %u position %llu", table, (unsigned long long)position);
        err = with_path(err, lk->p->path, what);
    }
    return err;
}

static unsigned __int128 xenc(uint64_t x)
{
    return x == 0 ? 0 : (unsigned __int128)x * (x - 1) / 2;
}

void cf_plot_line_point_to_square(unsigned __int128 lp, uint64_t *x, uint64_t *y)
{
    /* The largest x < 2^64 with x(x-1)/2 <= lp: chiapos searches bit by bit; a square root
     * lands within a step or two, fixed up exactly with integer arithmetic. */
    uint64_t g = 0;

    if (lp >> 120) {
        for (int i = 63; i >= 0; i--)
            if (xenc(g | ((uint64_t)1 << i)) <= lp)
                g |= (uint64_t)1 << i;
    } else {
        long double r = sqrtl(2.0L * (long double)lp);
        g = r >= 18446744073709551615.0L ? UINT64_MAX : (uint64_t)r;
        while (g > 0 && xenc(g) > lp)
            g--;
        while (g < UINT64_MAX && xenc(g + 1) <= lp)
            g++;
    }
    *x = g;
    *y = (uint64_t)(lp - xenc(g));
}

enum cf_err cf_plot_line_point(const struct cf_plot *p, unsigned table, uint64_t position,
                               unsigned __int128 *lp, struct cf_plot_io *io)
{
    struct lookup lk;
    enum cf_err err;

    if (table < 1 || table > 6)
        return cf_err_set(CF_ERR_INVAL, "line points live in tables 1..6, not %u", table);
    if ((err = lookup_begin(&lk, p, 1, io)))
        return err;
    err = line_point(&lk, table, position, lp);
    lookup_end(&lk);
    return err;
}

/* ---- C1, C3, table 7 ------------------------------------------------------------------------ */

static enum cf_err c1_entry(struct lookup *lk, uint64_t index, uint64_t *f7)
{
    const struct cf_plot_info *in = &lk->p->info;
    uint64_t esize = cf_plot_c1_entry_size(in->k);
    uint64_t total = (in->table[CF_PLOT_C2] - in->table[CF_PLOT_C1]) / esize;
    enum cf_err err;

    if (index >= total)
        return cf_err_set(CF_ERR_PLOT_CORRUPT, "%s: C1 entry %llu is beyond the table",
                          lk->p->path, (unsigned long long)index);
    if (index < lk->c1_start || index >= lk->c1_start + lk->c1_count) {
        /* A small window starting a few entries before: the walk looks back by up to two. */
        uint64_t first = index < C1_BEHIND ? 0 : index - C1_BEHIND;
        uint64_t n = total - first < C1_WINDOW ? total - first : C1_WINDOW;
        lk->c1_count = 0;
        err = cf_plot_pread(lk->p, lk->fd, lk->c1_buf, (size_t)(n * esize),
                            in->table[CF_PLOT_C1] + first * esize, lk->io);
        if (err)
            return err;
        lk->c1_start = first;
        lk->c1_count = n;
    }
    *f7 = cf_bits_get(lk->c1_buf + (index - lk->c1_start) * esize, (size_t)esize, 0, in->k);
    return CF_OK;
}

/* Where chiapos's linear C1 scan stops: entry j (from the block's start) is a stop when it is
 * the terminator (a 0 after the first) or its f7 exceeds ours. */
static enum cf_err c1_stop(struct lookup *lk, uint64_t base, uint64_t j, uint64_t f7, bool *stop)
{
    uint64_t v;
    enum cf_err err = c1_entry(lk, base + j, &v);

    *stop = (j != 0 && v == 0) || f7 < v;
    return err;
}

/*
 * The first stop in [0, limit) of the block starting at C1 entry base, or limit when none.
 * chiapos reads up to 10000 entries one by one. In a valid plot the stops form a suffix (C1 is
 * sorted, the terminator ends it), so we start from an interpolated guess (table-7 f7 values are
 * uniform, so the guess is off by an entry or two) and step to the boundary: usually one read
 * of a few hundred bytes instead of tens of kilobytes.
 */
static enum cf_err c1_first_stop(struct lookup *lk, uint64_t base, uint64_t limit, uint64_t f7,
                                 uint64_t lo, uint64_t hi, uint64_t *out)
{
    uint64_t j = 0;
    bool stop;
    enum cf_err err;

    if (hi > lo && f7 >= lo)
        j = (uint64_t)((unsigned __int128)(f7 - lo) * limit / (hi - lo));
    if (j >= limit)
        j = limit - 1;
    if ((err = c1_stop(lk, base, j, f7, &stop)))
        return err;
    if (stop) {
        while (j > 0) {
            if ((err = c1_stop(lk, base, j - 1, f7, &stop)))
                return err;
            if (!stop)
                break;
            j--;
        }
        *out = j;
        return CF_OK;
    }
    for (j++; j < limit; j++) {
        if ((err = c1_stop(lk, base, j, f7, &stop)))
            return err;
        if (stop)
            break;
    }
    *out = j;
    return CF_OK;
}

/* chiapos's C2 then C1 scan: the checkpoint to decode from, and its f7. *found false: none. */
static enum cf_err find_checkpoint(struct lookup *lk, uint64_t f7, int64_t *c1_out,
                                   uint64_t *curr_out, bool *found)
{
    const struct cf_plot *p = lk->p;
    const struct cf_plot_info *in = &p->info;
    uint64_t esize = cf_plot_c1_entry_size(in->k);
    uint64_t total = (in->table[CF_PLOT_C2] - in->table[CF_PLOT_C1]) / esize;
    int64_t c1_index = 0;
    uint64_t c2_f = 0, base, limit, t, curr, lo, hi;
    size_t block = 0;
    bool broke = false;
    enum cf_err err;

    *found = false;
    for (size_t i = 0; i < p->c2_count; i++) {
        c2_f = p->c2[i];
        if (f7 < c2_f) {
            c1_index -= CF_PLOT_CHECKPOINT2;
            broke = true;
            break;
        }
        c1_index += CF_PLOT_CHECKPOINT2;
        block = i;
    }
    if (c1_index < 0 || p->c2_count == 0)
        return CF_OK;
    if (!broke)
        c1_index -= CF_PLOT_CHECKPOINT2;
    base = (uint64_t)c1_index;
    if (base >= total)
        return cf_err_set(CF_ERR_PLOT_CORRUPT, "%s: C2 points past the end of C1", p->path);
    limit = total - base < CF_PLOT_CHECKPOINT1 ? total - base : CF_PLOT_CHECKPOINT1;
    lo = p->c2[block];
    hi = block + 1 < p->c2_count ? p->c2[block + 1] : (uint64_t)1 << in->k;
    if ((err = c1_first_stop(lk, base, limit, f7, lo, hi, &t)))
        return err;
    if (t == limit && limit < CF_PLOT_CHECKPOINT1)
        return cf_err_set(CF_ERR_PLOT_CORRUPT, "%s: C1 table has no terminator", p->path);
    /* Stopping at t leaves chiapos on entry t-1 (or, at t = 0, on the C2 value it broke at). */
    if (t == 0) {
        curr = c2_f;
    } else if ((err = c1_entry(lk, base + t - 1, &curr))) {
        return err;
    }
    c1_index = (int64_t)(base + t) - 1;
    if (c1_index < 0)
        return cf_err_set(CF_ERR_PLOT_CORRUPT, "%s: C1 starts above C2", p->path);
    *c1_out = c1_index;
    *curr_out = curr;
    *found = true;
    return CF_OK;
}

/* The table-7 positions chiapos finds for f7 (GetP7Entries before the table-7 read). */
static enum cf_err p7_positions(struct lookup *lk, uint64_t f7, uint64_t *pos, size_t max,
                                size_t *count)
{
    const struct cf_plot_info *in = &lk->p->info;
    uint64_t c3 = cf_plot_c3_size(in->k), curr, prev_f7 = 0;
    uint8_t *buf = NULL;
    int64_t c1_index, p7_pos;
    bool found, dbl;
    size_t n1 = 0, n2 = 0;
    enum cf_err err;

    *count = 0;
    if ((err = find_checkpoint(lk, f7, &c1_index, &curr, &found)) || !found)
        return err;
    dbl = f7 == curr && c1_index > 0;
    p7_pos = c1_index * CF_PLOT_CHECKPOINT1;
    if (dbl) {
        c1_index -= 1;
        if ((err = c1_entry(lk, (uint64_t)c1_index, &prev_f7)))
            return err;
    }
    if (!(buf = malloc((size_t)c3 * 2)))
        return cf_err_set(CF_ERR_NOMEM, "%s: C3 buffer", lk->p->path);
    if (in->table[CF_PLOT_C3] + ((uint64_t)c1_index + (dbl ? 2 : 1)) * c3 > in->file_size) {
        err = cf_err_set(CF_ERR_PLOT_CORRUPT, "%s: C3 entry %lld is beyond the file",
                         lk->p->path, (long long)c1_index);
        goto out;
    }
    /* One entry: its size field and stream are usually well under 4 KiB even where the entry
     * is 10000 bytes (k < 20); read the rest only when the stream is longer. */
    uint64_t got = dbl ? 2 * c3 : (c3 < C3_FIRST_READ ? c3 : C3_FIRST_READ);
    err = cf_plot_pread(lk->p, lk->fd, buf, (size_t)got,
                        in->table[CF_PLOT_C3] + (uint64_t)c1_index * c3, lk->io);
    if (err)
        goto out;
    unsigned enc = cf_load_be16(buf);
    if (enc > c3 - 2)
        goto out; /* chiapos: no entries */
    if (enc + 2 > got)
        err = cf_plot_pread(lk->p, lk->fd, buf + got, (size_t)(c3 - got),
                            in->table[CF_PLOT_C3] + (uint64_t)c1_index * c3 + got, lk->io);
    if (err)
        goto out;
    err = cf_park_c3_positions(in->k, buf + 2, (size_t)c3 - 2, enc, dbl ? prev_f7 : curr, f7,
                               p7_pos, c1_index, pos, max, &n1);
    if (err || !dbl)
        goto out;
    enc = cf_load_be16(buf + c3);
    if (enc > c3 - 2) {
        n1 = 0;
        goto out;
    }
    c1_index++;
    p7_pos = c1_index * CF_PLOT_CHECKPOINT1;
    err = cf_park_c3_positions(in->k, buf + c3 + 2, (size_t)c3 - 2, enc, curr, f7, p7_pos,
                               c1_index, pos + n1, max - n1, &n2);
out:
    free(buf);
    if (err)
        err = with_path(err, lk->p->path, "");
    if (!err)
        *count = n1 + n2;
    return err;
}

static enum cf_err p7_entries(struct lookup *lk, const uint8_t challenge[32], uint64_t *entries,
                              size_t max, size_t *count)
{
    const struct cf_plot_info *in = &lk->p->info;
    unsigned k = in->k;
    uint64_t f7 = cf_bits_get(challenge, 32, 0, k), pos[CF_PLOT_MAX_QUALITIES];
    uint64_t psize = cf_plot_p7_park_size(k);
    uint64_t parks = (in->table[CF_PLOT_C1] - in->table[6]) / psize, cur_park = UINT64_MAX;
    uint8_t *buf = NULL;
    size_t n;
    enum cf_err err;

    *count = 0;
    if ((err = p7_positions(lk, f7, pos, CF_PLOT_MAX_QUALITIES, &n)) || n == 0)
        return err;
    if (!(buf = malloc((size_t)psize)))
        return cf_err_set(CF_ERR_NOMEM, "%s: P7 buffer", lk->p->path);
    for (size_t i = 0; i < n && !err; i++) {
        uint64_t park = pos[i] / CF_PLOT_ENTRIES_PER_PARK;
        if (park != cur_park) {
            if (park >= parks) {
                err = cf_err_set(CF_ERR_PLOT_CORRUPT, "%s: table 7 position %llu is beyond "
                                 "the table", lk->p->path, (unsigned long long)pos[i]);
                break;
            }
            err = cf_plot_pread(lk->p, lk->fd, buf, (size_t)psize,
                                in->table[6] + park * psize, lk->io);
            cur_park = park;
        }
        if (!err && i < max)
            entries[i] = cf_bits_get(buf, (size_t)psize,
                                     (pos[i] % CF_PLOT_ENTRIES_PER_PARK) * (k + 1), k + 1);
    }
    free(buf);
    if (!err)
        *count = n;
    return err;
}

enum cf_err cf_plot_p7_entries(const struct cf_plot *p, const uint8_t challenge[32],
                               uint64_t *entries, size_t max, size_t *count,
                               struct cf_plot_io *io)
{
    struct lookup lk;
    enum cf_err err;

    if ((err = lookup_begin(&lk, p, 1, io)))
        return err;
    err = p7_entries(&lk, challenge, entries, max, count);
    lookup_end(&lk);
    return err;
}

/* ---- qualities ------------------------------------------------------------------------------ */

static void quality_hash(uint8_t out[32], const uint8_t challenge[32], unsigned k, uint64_t y,
                         uint64_t x)
{
    uint8_t in[32 + 13] = {0};
    unsigned bytes = (2 * k + 7) / 8;
    unsigned __int128 v = ((unsigned __int128)y << k) | x;

    memcpy(in, challenge, 32);
    v <<= bytes * 8 - 2 * k;
    for (unsigned i = 0; i < bytes; i++)
        in[32 + i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
    cf_sha256(out, in, 32 + bytes);
}

static enum cf_err quality_for(struct lookup *lk, const uint8_t challenge[32], uint64_t position,
                               uint8_t out[32])
{
    unsigned last5 = challenge[31] & 0x1f;
    unsigned __int128 lp;
    uint64_t x, y;
    enum cf_err err;

    for (unsigned t = 6; t > 1; t--) {
        if ((err = line_point(lk, t, position, &lp)))
            return err;
        cf_plot_line_point_to_square(lp, &x, &y);
        position = ((last5 >> (t - 2)) & 1) ? x : y;
    }
    if ((err = line_point(lk, 1, position, &lp)))
        return err;
    cf_plot_line_point_to_square(lp, &x, &y);
    quality_hash(out, challenge, lk->p->info.k, y, x);
    return CF_OK;
}

enum cf_err cf_plot_qualities(const struct cf_plot *p, const uint8_t challenge[32],
                              uint8_t (*qualities)[CF_POS_QUALITY_LEN], size_t max,
                              size_t *count, struct cf_plot_io *io)
{
    uint64_t entries[CF_PLOT_MAX_QUALITIES];
    struct lookup lk;
    size_t n = 0;
    enum cf_err err;

    *count = 0;
    if ((err = lookup_begin(&lk, p, 1, io)))
        return err;
    err = p7_entries(&lk, challenge, entries, CF_PLOT_MAX_QUALITIES, &n);
    for (size_t i = 0; !err && i < n && i < max; i++)
        err = quality_for(&lk, challenge, entries[i], qualities[i]);
    lookup_end(&lk);
    if (!err)
        *count = n;
    return err;
}

/* ---- full proofs ---------------------------------------------------------------------------- */

/* chiapos's GetInputs: the x values below a table-`table` position, y side first. */
static enum cf_err inputs(struct lookup *lk, unsigned table, uint64_t position, uint64_t *xs,
                          unsigned *n)
{
    unsigned __int128 lp;
    uint64_t x, y;
    enum cf_err err = line_point(lk, table, position, &lp);

    if (err)
        return err;
    cf_plot_line_point_to_square(lp, &x, &y);
    if (table == 1) {
        xs[(*n)++] = y;
        xs[(*n)++] = x;
        return CF_OK;
    }
    if ((err = inputs(lk, table - 1, y, xs, n)))
        return err;
    return inputs(lk, table - 1, x, xs, n);
}

static enum cf_err proof_for(struct lookup *lk, const uint8_t challenge[32], uint64_t p7,
                             struct cf_plot_proof *out)
{
    const struct cf_plot_info *in = &lk->p->info;
    uint64_t xs[CF_POS_PROOF_XS], ordered[CF_POS_PROOF_XS];
    unsigned n = 0, pair = challenge[31] & 0x1f;
    enum cf_err err = inputs(lk, 6, p7, xs, &n);

    if (err)
        return err;
    /* The quality path picks y (0) or x (1) at tables 6..2 by bits 4..0 of the last 5 bits: the
     * table-1 pair it lands on is pair number last5 in disk order. */
    quality_hash(out->quality, challenge, in->k, xs[2 * pair], xs[2 * pair + 1]);
    if ((err = cf_pos_reorder_proof(in->id, in->k, xs, ordered)))
        return with_path(err, lk->p->path, "reordering proof");
    cf_pos_pack_xs(out->proof, in->k, ordered);
    out->proof_len = 8 * (size_t)in->k;
    return CF_OK;
}

enum cf_err cf_plot_proof_xs_disk(const struct cf_plot *p, uint64_t p7_entry,
                                  uint64_t xs[CF_POS_PROOF_XS], struct cf_plot_io *io)
{
    struct lookup lk;
    unsigned n = 0;
    enum cf_err err;

    if ((err = lookup_begin(&lk, p, PARK_SLOTS, io)))
        return err;
    err = inputs(&lk, 6, p7_entry, xs, &n);
    lookup_end(&lk);
    return err;
}

enum cf_err cf_plot_full_proof(const struct cf_plot *p, const uint8_t challenge[32],
                               size_t index, uint8_t *proof, size_t *proof_len,
                               struct cf_plot_io *io)
{
    uint64_t entries[CF_PLOT_MAX_QUALITIES];
    struct cf_plot_proof *one = malloc(sizeof *one);
    struct lookup lk;
    size_t n = 0;
    enum cf_err err;

    if (!one)
        return cf_err_set(CF_ERR_NOMEM, "proof");
    if ((err = lookup_begin(&lk, p, PARK_SLOTS, io))) {
        free(one);
        return err;
    }
    err = p7_entries(&lk, challenge, entries, CF_PLOT_MAX_QUALITIES, &n);
    if (!err && index >= n)
        err = cf_err_set(CF_ERR_NOT_FOUND, "%s: no proof of space with index %zu for this "
                         "challenge (%zu found)", p->path, index, n);
    if (!err)
        err = proof_for(&lk, challenge, entries[index], one);
    lookup_end(&lk);
    if (!err) {
        memcpy(proof, one->proof, one->proof_len);
        *proof_len = one->proof_len;
    }
    free(one);
    return err;
}

enum cf_err cf_plot_prove(const struct cf_plot *p, const uint8_t challenge[32],
                          struct cf_plot_proof *proofs, size_t max, size_t *count,
                          struct cf_plot_io *io)
{
    uint64_t entries[CF_PLOT_MAX_QUALITIES];
    struct lookup lk;
    size_t n = 0;
    enum cf_err err;

    *count = 0;
    if ((err = lookup_begin(&lk, p, PARK_SLOTS, io)))
        return err;
    err = p7_entries(&lk, challenge, entries, CF_PLOT_MAX_QUALITIES, &n);
    for (size_t i = 0; !err && i < n && i < max; i++)
        err = proof_for(&lk, challenge, entries[i], &proofs[i]);
    lookup_end(&lk);
    if (!err)
        *count = n;
    return err;
}
