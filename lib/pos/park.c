/*
 * park.c: one park of line points, one C3 entry (see park.h; layouts in format.c).
 *
 * A park of table t (1..6) stores 2048 sorted line points as:
 *
 *   | line point 0: 2k bits, padded to bytes                                  |
 *   | stubs: 2047 x (k-3) bits, the low bits of each difference, padded       |
 *   | n: 2 bytes little-endian | n bytes: FSE stream of 2047 high parts ("deltas") |
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

enum cf_err cf_park_line_point(unsigned k, unsigned table, const uint8_t *park, size_t len,
                               unsigned index, unsigned __int128 *line_point)
{
    size_t lp_size = (size_t)cf_plot_line_point_size(k), stubs_size = (size_t)cf_plot_stubs_size(k);
    size_t off = lp_size + stubs_size, max_deltas = (size_t)cf_plot_max_deltas_size(table);
    unsigned stub_bits = k - CF_PLOT_STUB_MINUS_BITS;
    const struct cf_fse_table *t = cf_fse_pos_table(table);
    struct cf_fse_dec dec;
    uint8_t deltas[CF_PLOT_ENTRIES_PER_PARK];
    uint64_t sum_deltas = 0;
    unsigned n = index < CF_PLOT_ENTRIES_PER_PARK - 1 ? index : CF_PLOT_ENTRIES_PER_PARK - 1;
    unsigned size;
    enum cf_err err;

    if (!t || table < 1 || table > 6 || k < 18 || k > 50 || index >= CF_PLOT_ENTRIES_PER_PARK)
        return cf_err_set(CF_ERR_INVAL, "park: table %u, k %u, index %u", table, k, index);
    if (len < off + 2)
        return cf_err_set(CF_ERR_PLOT_CORRUPT, "park of %zu bytes is too short", len);
    size = (unsigned)park[off] | (unsigned)park[off + 1] << 8;
    if (size > max_deltas)
        return cf_err_set(CF_ERR_PLOT_CORRUPT, "park deltas size %u exceeds %zu", size,
                          max_deltas);
    if (len < off + 2 + size)
        return cf_err_set(CF_ERR_PLOT_CORRUPT, "park deltas run past the park");
    err = cf_fse_dec_init(&dec, t, park + off + 2, size, CF_PLOT_ENTRIES_PER_PARK - 1);
    if (!err)
        err = cf_fse_dec_take(&dec, deltas, n);
    for (unsigned i = 0; !err && i < n; i++)
        sum_deltas += deltas[i];
    if (err)
        return err;
    *line_point = cf_bits_get128(park, len, 0, 2 * k) +
                  ((unsigned __int128)sum_deltas << stub_bits) +
                  sum_stubs(park + lp_size, len - lp_size, stub_bits, n);
    return CF_OK;
}

enum cf_err cf_park_c3_positions(unsigned k, const uint8_t *mask, size_t len, unsigned encoded,
                                 uint64_t curr_f7, uint64_t f7, int64_t curr_p7_pos,
                                 int64_t c1_index, uint64_t *positions, size_t max,
                                 size_t *count)
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
