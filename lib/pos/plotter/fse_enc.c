/*
 * fse_enc.c: tANS encoding (see fse_enc.h).
 *
 * The encoder walks the input backwards with two interleaved states, so that the decoder, which
 * reads the stream from its end, yields the symbols forwards. Bits go into a 64-bit little-endian
 * accumulator flushed a whole byte at a time; the stream ends with the two final states (state 2
 * first, then state 1) and a single 1 bit marking the end:
 *
 *   byte 0 ........................................................... last byte
 *   [ bits of symbol n-1 ... bits of symbol 0 | state 2 | state 1 | 1 | 0 padding ]
 *
 * A state is a value in [size, 2 * size). Encoding symbol s from state v emits the low
 * nb(v, s) bits of v, where nb is the symbol's "max bits" or one less, and moves to the cell
 * next_state[(v >> nb) + find_state(s)].
 */
#include "pos/plotter/fse_enc.h"

#include <pthread.h>
#include <string.h>

#include "cfarm/bytes.h"

static unsigned highbit32(uint32_t v)
{
    return 31u - (unsigned)__builtin_clz(v);
}

enum cf_err cf_fse_build_ctable(struct cf_fse_ctable *t, const int16_t *counts,
                                unsigned nsymbols, unsigned table_log)
{
    static struct cf_fse_table spread; /* only the symbol per cell is used */
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    uint32_t size = 1u << table_log, cumul[257];
    int32_t total = 0;
    enum cf_err err;

    if (nsymbols == 0 || nsymbols > 256)
        return cf_err_set(CF_ERR_INVAL, "fse: %u symbols", nsymbols);
    cumul[0] = 0;
    for (unsigned s = 0; s < nsymbols; s++)
        cumul[s + 1] = cumul[s] + (counts[s] == -1 ? 1u : (uint32_t)counts[s]);
    /* The decoder's table has the cells in the spread order; the encoder lists, for each
     * symbol, the cells holding it in increasing order. */
    pthread_mutex_lock(&lock);
    err = cf_fse_build_dtable(&spread, counts, nsymbols, table_log);
    if (!err)
        for (uint32_t u = 0; u < size; u++)
            t->next_state[cumul[spread.cells[u].symbol]++] = (uint16_t)(size + u);
    pthread_mutex_unlock(&lock);
    if (err)
        return err;
    t->table_log = table_log;
    t->nsymbols = nsymbols;
    memset(t->sym, 0, sizeof t->sym);
    for (unsigned s = 0; s < nsymbols; s++) {
        if (counts[s] == -1 || counts[s] == 1) {
            t->sym[s].nb_bits = (table_log << 16) - size;
            t->sym[s].find_state = total - 1;
            total += 1;
        } else if (counts[s] > 1) {
            unsigned max_bits = table_log - highbit32((uint32_t)counts[s] - 1);
            uint32_t min_state_plus = (uint32_t)counts[s] << max_bits;
            t->sym[s].nb_bits = (max_bits << 16) - min_state_plus;
            t->sym[s].find_state = total - counts[s];
            total += counts[s];
        }
    }
    return CF_OK;
}

static struct cf_fse_ctable pos_ctables[8];
static bool pos_ctables_ok;
static pthread_once_t pos_once = PTHREAD_ONCE_INIT;

static void build_pos_ctables(void)
{
    int16_t counts[CF_FSE_MAX_SYMBOLS];
    unsigned n;

    for (unsigned i = 1; i < 8; i++)
        if (cf_fse_normalized_count(cf_fse_pos_r(i), counts, &n) ||
            cf_fse_build_ctable(&pos_ctables[i], counts, n, CF_FSE_TABLE_LOG))
            return;
    pos_ctables_ok = true;
}

const struct cf_fse_ctable *cf_fse_pos_ctable(unsigned which)
{
    if (which < 1 || which > 7)
        return NULL;
    pthread_once(&pos_once, build_pos_ctables);
    return pos_ctables_ok ? &pos_ctables[which] : NULL;
}

/* ---- bit writer ----------------------------------------------------------------------------- */

struct bitw {
    uint64_t acc;
    unsigned pos;
    uint8_t *p;
};

static inline void add_bits(struct bitw *w, uint64_t v, unsigned nb)
{
    w->acc |= (v & (((uint64_t)1 << nb) - 1)) << w->pos;
    w->pos += nb;
}

static inline void flush(struct bitw *w)
{
    unsigned nbytes = w->pos >> 3;

    cf_store_le64(w->p, w->acc);
    w->p += nbytes;
    w->pos &= 7;
    w->acc = nbytes ? w->acc >> (nbytes * 8) : w->acc;
}

static inline uint32_t init_state(const struct cf_fse_ctable *t, unsigned s)
{
    uint32_t nb = (t->sym[s].nb_bits + (1u << 15)) >> 16;
    uint32_t v = (nb << 16) - t->sym[s].nb_bits;

    return t->next_state[(int32_t)(v >> nb) + t->sym[s].find_state];
}

static inline void encode(const struct cf_fse_ctable *t, struct bitw *w, uint32_t *state,
                          unsigned s)
{
    uint32_t nb = (*state + t->sym[s].nb_bits) >> 16;

    add_bits(w, *state, nb);
    *state = t->next_state[(int32_t)(*state >> nb) + t->sym[s].find_state];
}

enum cf_err cf_fse_encode(const struct cf_fse_ctable *t, const uint8_t *src, size_t n,
                          uint8_t *out, size_t *out_len)
{
    const uint8_t *ip = src + n;
    struct bitw w = {0, 0, out};
    uint32_t s1, s2;
    size_t left;

    *out_len = 0;
    if (n <= 2)
        return CF_OK;
    for (size_t i = 0; i < n; i++)
        if (src[i] >= t->nsymbols)
            return cf_err_set(CF_ERR_INVAL, "fse: symbol %u outside the table (%u symbols)",
                              src[i], t->nsymbols);
    if (n & 1) {
        s1 = init_state(t, *--ip);
        s2 = init_state(t, *--ip);
        encode(t, &w, &s1, *--ip);
        flush(&w);
    } else {
        s2 = init_state(t, *--ip);
        s1 = init_state(t, *--ip);
    }
    left = n - 2;
    if (left & 2) {
        encode(t, &w, &s2, *--ip);
        encode(t, &w, &s1, *--ip);
        flush(&w);
    }
    while (ip > src) {
        encode(t, &w, &s2, *--ip);
        encode(t, &w, &s1, *--ip);
        encode(t, &w, &s2, *--ip);
        encode(t, &w, &s1, *--ip);
        flush(&w);
    }
    add_bits(&w, s2, t->table_log);
    flush(&w);
    add_bits(&w, s1, t->table_log);
    flush(&w);
    add_bits(&w, 1, 1);
    flush(&w);
    *out_len = (size_t)(w.p - out) + (w.pos > 0);
    return CF_OK;
}
