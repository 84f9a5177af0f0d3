/*
 * park.c: one park of line points, one C3 entry (see park.h; layouts in format.c).
 *
 * A park of table t (1..6) stores 2048 sorted line points as:
 *
 *   | line point 0: 2k bits, padded to bytes                                  |
 *   | stubs: 2047 x (k-3) bits, the low bits of each difference, padded       |
 *   | n: 2 bytes little-endian | n bytes: FSE stream of 2047 high parts ("deltas") |
 *   |   or, when the top bit of n is set, n & 0x7fff deltas stored raw, a byte each      |
 *   | unused up to the park size (deltas region: 1433 bytes for table 1, 896 others) |
 *
 * Line point i = line point 0 + sum over j < i of ((delta_j << (k-3)) + stub_j).
 */
#include <string.h>

#include "cfarm/bytes.h"
#include "cfarm/fse.h"
#include "pos/bits.h"
#include "pos/park.h"
#include "pos/plot_internal.h"

#define C3_CHUNK 256

static uint64_t sum_stubs(const uint8_t *stubs, size_t len, unsigned stub_bits, unsigned n)
{
    uint64_t s0 = 0, s1 = 0;
    unsigned i = 0, shr = 64 - stub_bits, fast = 0;

    /* Stub i can be read with one 8-byte load when its first byte lies 8 bytes before the end. */
    if (len >= 8) {
        uint64_t last = ((uint64_t)(len - 8) * 8 + 7) / stub_bits + 1;
        fast = last < n ? (unsigned)last : n;
    }
    for (; i + 2 <= fast; i += 2) {
        uint64_t b0 = (uint64_t)i * stub_bits, b1 = b0 + stub_bits;
        s0 += (cf_load_be64(stubs + b0 / 8) << (b0 & 7)) >> shr;
        s1 += (cf_load_be64(stubs + b1 / 8) << (b1 & 7)) >> shr;
    }
    for (; i < n; i++)
        s0 += cf_bits_get(stubs, len, (uint64_t)i * stub_bits, stub_bits);
    return s0 + s1;
}

enum cf_err cf_park_begin(unsigned k, unsigned table, const uint8_t *park, size_t len,
                          unsigned index, struct cf_park_cursor *c)
{
    size_t lp_size, stubs_size, off, max_deltas;
    const struct cf_fse_table *t = cf_fse_pos_table(table);
    unsigned size;
    enum cf_err err;

    if (!t || table < 1 || table > 6 || k < 18 || k > 50 || index >= CF_PLOT_ENTRIES_PER_PARK)
        return cf_err_set(CF_ERR_INVAL, "park: table %u, k %u, index %u", table, k, index);
    lp_size = (size_t)cf_plot_line_point_size(k);
    stubs_size = (size_t)cf_plot_stubs_size(k);
    off = lp_size + stubs_size;
    max_deltas = (size_t)cf_plot_max_deltas_size(table);
    if (len < off + 2)
        return cf_err_set(CF_ERR_PLOT_CORRUPT, "park of %zu bytes is too short", len);
    size = (unsigned)park[off] | (unsigned)park[off + 1] << 8;
    c->raw = NULL;
    c->stub_bits = k - CF_PLOT_STUB_MINUS_BITS;
    if (size & 0x8000) {
        /* chiapos writes the deltas raw when the entropy coder could not shrink them (parks of
         * a few entries); its reader then sums min(index, count) of them. */
        size &= 0x7fff;
        if (size > max_deltas || len < off + 2 + size)
            return cf_err_set(CF_ERR_PLOT_CORRUPT, "raw park deltas size %u exceeds %zu", size,
                              max_deltas);
        c->raw = park + off + 2;
        c->n = index < size ? index : size;
        c->base = cf_bits_get128(park, len, 0, 2 * k) +
                  sum_stubs(park + lp_size, len - lp_size, c->stub_bits, c->n);
        return CF_OK;
    }
    if (size > max_deltas)
        return cf_err_set(CF_ERR_PLOT_CORRUPT, "park deltas size %u exceeds %zu", size, max_deltas);
    if (len < off + 2 + size)
        return cf_err_set(CF_ERR_PLOT_CORRUPT, "park deltas run past the park");
    err = cf_fse_dec_init(&c->dec, t, park + off + 2, size, CF_PLOT_ENTRIES_PER_PARK - 1);
    if (err)
        return err;
    /* chiapos sums min(index, deltas decoded into its 2047-entry buffer) entries */
    c->n = index < CF_PLOT_ENTRIES_PER_PARK - 1 ? index : CF_PLOT_ENTRIES_PER_PARK - 1;
    c->base = cf_bits_get128(park, len, 0, 2 * k) +
              sum_stubs(park + lp_size, len - lp_size, c->stub_bits, c->n);
    return CF_OK;
}

enum cf_err cf_park_finish(struct cf_park_cursor *c, unsigned count, unsigned __int128 *line_points)
{
    uint8_t deltas[CF_FSE_MAX_STREAMS][CF_PLOT_ENTRIES_PER_PARK];
    struct cf_fse_dec *d[CF_FSE_MAX_STREAMS] = {0};
    uint8_t *dst[CF_FSE_MAX_STREAMS] = {0};
    size_t n[CF_FSE_MAX_STREAMS] = {0};
    unsigned coded = 0;
    enum cf_err err;

    if (count > CF_FSE_MAX_STREAMS)
        return cf_err_set(CF_ERR_INVAL, "park: %u cursors at once", count);
    for (unsigned s = 0; s < count; s++) {
        if (c[s].raw)
            continue;
        d[coded] = &c[s].dec;
        dst[coded] = deltas[s];
        n[coded] = c[s].n;
        coded++;
    }
    if (coded && (err = cf_fse_dec_take_many(d, dst, n, coded)))
        return err;
    for (unsigned s = 0; s < count; s++) {
        const uint8_t *src = c[s].raw ? c[s].raw : deltas[s];
        uint64_t sum = 0;
        for (unsigned i = 0; i < c[s].n; i++)
            sum += src[i];
        line_points[s] = c[s].base + ((unsigned __int128)sum << c[s].stub_bits);
    }
    return CF_OK;
}

enum cf_err cf_park_line_point(unsigned k, unsigned table, const uint8_t *park, size_t len,
                               unsigned index, unsigned __int128 *line_point)
{
    struct cf_park_cursor c;
    enum cf_err err = cf_park_begin(k, table, park, len, index, &c);

    if (!err)
        err = cf_park_finish(&c, 1, line_point);
    return err;
}

enum cf_err cf_park_c3_positions(unsigned k, const uint8_t *mask, size_t len, unsigned encoded,
                                 uint64_t curr_f7, uint64_t f7, int64_t curr_p7_pos,
                                 int64_t c1_index, uint64_t *positions, size_t max, size_t *count)
{
    const struct cf_fse_table *t = cf_fse_pos_table(7);
    int64_t end = (int64_t)((uint64_t)(c1_index + 1) * CF_PLOT_CHECKPOINT1) - 1;
    uint64_t top = ((uint64_t)1 << k) - 1;
    struct cf_fse_dec dec;
    uint8_t chunk[C3_CHUNK];
    bool surpassed = false;
    size_t found = 0;
    enum cf_err err;

    *count = 0;
    if (!t || encoded > len)
        return cf_err_set(CF_ERR_INVAL, "C3: %u encoded bytes of %zu", encoded, len);
    err = cf_fse_dec_init(&dec, t, mask, encoded, CF_PLOT_CHECKPOINT1);
    for (unsigned i = 0; !err && i < CF_PLOT_CHECKPOINT1; i++) {
        if (curr_f7 > f7) {
            surpassed = true;
            break;
        }
        /* Decode ahead in chunks; chiapos decodes the whole entry before walking it. */
        if (i % C3_CHUNK == 0) {
            unsigned m = CF_PLOT_CHECKPOINT1 - i < C3_CHUNK ? CF_PLOT_CHECKPOINT1 - i : C3_CHUNK;
            if ((err = cf_fse_dec_take(&dec, chunk, m)))
                break;
        }
        /* Steps that stay below f7, top and the interval's end only add: take them in a
         * tight loop, up to the chunk's end, then do one step with every check. */
        uint64_t below = f7 < top ? f7 : top;
        unsigned chunk_end = (i / C3_CHUNK + 1) * C3_CHUNK;
        while (i + 1 < chunk_end && i + 1 < CF_PLOT_CHECKPOINT1 &&
               curr_f7 + chunk[i % C3_CHUNK] < below && curr_p7_pos + 1 < end) {
            curr_f7 += chunk[i % C3_CHUNK];
            curr_p7_pos++;
            i++;
        }
        curr_f7 += chunk[i % C3_CHUNK];
        curr_p7_pos++;
        /* Past the stream's end the deltas read as 0, so a walk can "find" thousands of
         * positions before it stops at the interval's end; chiapos then drops them all. */
        if (curr_f7 == f7) {
            if (found < max)
                positions[found] = (uint64_t)curr_p7_pos;
            found++;
        }
        if (curr_p7_pos >= end || curr_f7 >= top)
            break;
    }
    if (err)
        return err;
    if (surpassed && found > max)
        return cf_err_set(CF_ERR_PLOT_CORRUPT, "C3: %zu entries with one f7 (at most %zu)", found,
                          max);
    *count = surpassed ? found : 0;
    return CF_OK;
}
