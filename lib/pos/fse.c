/*
 * fse.c: chiapos's tANS tables and a streaming decoder for them (see cfarm/fse.h).
 *
 * Bit stream (as the FSE library writes it, read backwards):
 *
 *   byte 0 ................................ byte n-1
 *   [ ... bits for later symbols ... | state 2 | state 1 | 1 0..0 ]
 *                                                          ^ end mark: highest set bit of the
 *                                                            last byte; bits above it are padding
 *
 * The reader keeps a 64-bit little-endian window ("container") ending at ptr and counts the bits
 * consumed from its top. Two decoding states alternate: symbols 0, 2, 4... come from state 1.
 */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "cfarm/bytes.h"
#include "cfarm/fse.h"

enum { DS_UNFINISHED = 0, DS_END_OF_BUFFER = 1, DS_COMPLETED = 2, DS_OVERFLOW = 3 };
enum { PH_MAIN, PH_TAIL, PH_DONE, PH_ERROR };

/* ---- normalised distribution ---------------------------------------------------------------- */

static double gain(const double *pdf, const int *count, int i)
{
    return pdf[i] * (log2((double)count[i] + 1) - log2((double)count[i]));
}

enum cf_err cf_fse_normalized_count(double r, int16_t counts[CF_FSE_MAX_SYMBOLS],
                                    unsigned *nsymbols)
{
    const double e = 2.718281828459, threshold = 1e-50;
    const int quanta = 1 << CF_FSE_TABLE_LOG;
    double pdf[CF_FSE_MAX_SYMBOLS], g[CF_FSE_MAX_SYMBOLS];
    int count[CF_FSE_MAX_SYMBOLS];
    int n = 0;

    if (!(r > 0))
        return cf_err_set(CF_ERR_INVAL, "fse: R must be positive");
    /* Geometric-like probabilities of a delta being 0, 1, 2, ... (chiapos's formula). */
    double p = 1 - pow((e - 1) / e, 1.0 / r);
    while (p > threshold && n < CF_FSE_MAX_SYMBOLS) {
        pdf[n++] = p;
        p = (pow(e, 1.0 / r) - 1) * pow(e - 1, 1.0 / r);
        p /= pow(e, (n + 1) / r);
    }
    /* Every symbol gets one quantum; the rest go one at a time to the symbol whose code length
     * shrinks the expected size most. */
    for (int i = 0; i < n; i++) {
        count[i] = 1;
        g[i] = gain(pdf, count, i);
    }
    for (int todo = 0; todo < quanta - n; todo++) {
        int best = 0;
        for (int i = 1; i < n; i++)
            if (g[i] > g[best])
                best = i;
        count[best]++;
        g[best] = gain(pdf, count, best);
    }
    for (int i = 0; i < n; i++)
        counts[i] = (int16_t)(count[i] == 1 ? -1 : count[i]);
    *nsymbols = (unsigned)n;
    return CF_OK;
}

/* ---- decoding table ------------------------------------------------------------------------- */

static unsigned highbit32(uint32_t v)
{
    return 31u - (unsigned)__builtin_clz(v);
}

static enum cf_err check_counts(const int16_t *counts, unsigned nsymbols, unsigned table_log)
{
    uint32_t sum = 0;

    if (nsymbols == 0 || nsymbols > 256 || table_log < 5 || table_log > CF_FSE_TABLE_LOG)
        return cf_err_set(CF_ERR_INVAL, "fse: %u symbols, table log %u", nsymbols, table_log);
    for (unsigned s = 0; s < nsymbols; s++) {
        if (counts[s] < -1)
            return cf_err_set(CF_ERR_INVAL, "fse: negative count for symbol %u", s);
        sum += counts[s] == -1 ? 1u : (uint32_t)counts[s];
    }
    if (sum != 1u << table_log)
        return cf_err_set(CF_ERR_INVAL, "fse: counts sum to %u, not %u", sum, 1u << table_log);
    return CF_OK;
}

enum cf_err cf_fse_build_dtable(struct cf_fse_table *t, const int16_t *counts, unsigned nsymbols,
                                unsigned table_log)
{
    uint32_t next[256];
    uint32_t size = 1u << table_log, mask = size - 1, high = size - 1;
    uint32_t step = (size >> 1) + (size >> 3) + 3, pos = 0;
    enum cf_err err = check_counts(counts, nsymbols, table_log);

    if (err)
        return err;
    t->table_log = table_log;
    t->nsymbols = nsymbols;
    t->fast = true;
    /* Low-probability symbols take the last cells, in order. */
    for (unsigned s = 0; s < nsymbols; s++) {
        if (counts[s] == -1) {
            t->cells[high--].symbol = (uint8_t)s;
            next[s] = 1;
        } else {
            if (counts[s] >= (int)(size >> 1))
                t->fast = false;
            next[s] = (uint32_t)counts[s];
        }
    }
    /* The others are spread with a fixed odd step, skipping the low-probability area. */
    for (unsigned s = 0; s < nsymbols; s++) {
        for (int i = 0; i < counts[s]; i++) {
            t->cells[pos].symbol = (uint8_t)s;
            do
                pos = (pos + step) & mask;
            while (pos > high);
        }
    }
    if (pos != 0)
        return cf_err_set(CF_ERR_INVAL, "fse: symbol spread did not cover the table");
    for (uint32_t u = 0; u < size; u++) {
        uint32_t state = next[t->cells[u].symbol]++;
        unsigned nb = table_log - highbit32(state);
        t->cells[u].nb_bits = (uint8_t)nb;
        t->cells[u].new_state = (uint16_t)((state << nb) - size);
    }
    return CF_OK;
}

/* ---- the seven chiapos tables --------------------------------------------------------------- */

static const double pos_r[8] = {0, 4.7, 2.75, 2.75, 2.7, 2.6, 2.45, 1.0};
static struct cf_fse_table pos_tables[8];
static bool pos_tables_ok;
static pthread_once_t pos_once = PTHREAD_ONCE_INIT;

static void build_pos_tables(void)
{
    int16_t counts[CF_FSE_MAX_SYMBOLS];
    unsigned n;

    for (unsigned i = 1; i < 8; i++)
        if (cf_fse_normalized_count(pos_r[i], counts, &n) ||
            cf_fse_build_dtable(&pos_tables[i], counts, n, CF_FSE_TABLE_LOG))
            return;
    pos_tables_ok = true;
}

const struct cf_fse_table *cf_fse_pos_table(unsigned which)
{
    if (which < 1 || which > 7)
        return NULL;
    pthread_once(&pos_once, build_pos_tables);
    return pos_tables_ok ? &pos_tables[which] : NULL;
}

double cf_fse_pos_r(unsigned which)
{
    return which >= 1 && which <= 7 ? pos_r[which] : 0;
}

/* ---- bit stream ----------------------------------------------------------------------------- */

static inline uint64_t look_bits(const struct cf_fse_dec *d, unsigned nb)
{
    return ((d->container << (d->consumed & 63)) >> 1) >> ((63 - nb) & 63);
}

static inline uint64_t look_bits_fast(const struct cf_fse_dec *d, unsigned nb)
{
    return (d->container << (d->consumed & 63)) >> ((64 - nb) & 63);
}

static uint64_t read_bits(struct cf_fse_dec *d, unsigned nb)
{
    uint64_t v = look_bits(d, nb);
    d->consumed += nb;
    return v;
}

static inline int reload(struct cf_fse_dec *d)
{
    if (d->consumed > 64)
        return DS_OVERFLOW;
    if (d->ptr >= d->limit) {
        d->ptr -= d->consumed >> 3;
        d->consumed &= 7;
        d->container = cf_load_le64(d->ptr);
        return DS_UNFINISHED;
    }
    if (d->ptr == d->start)
        return d->consumed < 64 ? DS_END_OF_BUFFER : DS_COMPLETED;
    size_t nb = d->consumed >> 3;
    int result = DS_UNFINISHED;
    if ((size_t)(d->ptr - d->start) < nb) {
        nb = (size_t)(d->ptr - d->start);
        result = DS_END_OF_BUFFER;
    }
    d->ptr -= nb;
    d->consumed -= (unsigned)nb * 8;
    d->container = cf_load_le64(d->ptr);
    return result;
}

static inline uint8_t decode_symbol(struct cf_fse_dec *d, unsigned lane)
{
    struct cf_fse_cell c = d->cells[d->state[lane]];
    uint64_t low = d->fast ? look_bits_fast(d, c.nb_bits) : look_bits(d, c.nb_bits);

    d->consumed += c.nb_bits;
    d->state[lane] = c.new_state + (unsigned)low;
    return c.symbol;
}

enum cf_err cf_fse_dec_init(struct cf_fse_dec *d, const struct cf_fse_table *t,
                            const uint8_t *src, size_t n, size_t max)
{
    uint8_t last;

    memset(d, 0, sizeof *d);
    d->phase = PH_ERROR;
    if (n < 1)
        return cf_err_set(CF_ERR_PLOT_CORRUPT, "entropy-coded block is empty");
    last = src[n - 1];
    if (last == 0)
        return cf_err_set(CF_ERR_PLOT_CORRUPT, "entropy-coded block has no end mark");
    d->cells = t->cells;
    d->fast = t->fast;
    d->start = src;
    d->limit = src + 8;
    d->max = max;
    d->consumed = 8 - highbit32(last);
    if (n >= 8) {
        d->ptr = src + n - 8;
        d->container = cf_load_le64(d->ptr);
    } else {
        d->ptr = src;
        for (size_t i = 0; i < n; i++)
            d->container |= (uint64_t)src[i] << (8 * i);
        d->consumed += (unsigned)(8 - n) * 8;
    }
    d->state[0] = (unsigned)read_bits(d, t->table_log);
    reload(d);
    d->state[1] = (unsigned)read_bits(d, t->table_log);
    reload(d);
    d->phase = PH_MAIN;
    return CF_OK;
}

/* Produce the next symbols into the queue, in the order FSE_decompress_usingDTable does. */
static void refill(struct cf_fse_dec *d)
{
    d->qhead = d->qlen = 0;
    if (d->phase == PH_MAIN) {
        int r = reload(d);
        if (r == DS_UNFINISHED && d->made + 3 < d->max) {
            for (unsigned i = 0; i < 4; i++)
                d->queue[d->qlen++] = decode_symbol(d, i & 1);
            d->made += 4;
            return;
        }
        d->phase = PH_TAIL;
        d->tail_lane = 0;
    }
    if (d->phase != PH_TAIL)
        return;
    if (d->made + 2 > d->max) {
        d->phase = PH_ERROR;
        return;
    }
    d->queue[d->qlen++] = decode_symbol(d, d->tail_lane);
    d->made++;
    if (reload(d) == DS_OVERFLOW) {
        d->queue[d->qlen++] = decode_symbol(d, d->tail_lane ^ 1);
        d->made++;
        d->phase = PH_DONE;
    } else {
        d->tail_lane ^= 1;
    }
}

enum cf_err cf_fse_dec_next(struct cf_fse_dec *d, uint8_t *sym)
{
    if (d->handed >= d->max)
        return cf_err_set(CF_ERR_INVAL, "fse: more than %zu symbols asked for", d->max);
    if (d->qhead == d->qlen && (d->phase == PH_MAIN || d->phase == PH_TAIL))
        refill(d);
    if (d->qhead < d->qlen) {
        *sym = d->queue[d->qhead++];
    } else if (d->phase == PH_DONE) {
        *sym = 0;
    } else {
        return cf_err_set(CF_ERR_PLOT_CORRUPT, "entropy-coded block holds more than %zu symbols",
                          d->max);
    }
    d->handed++;
    return CF_OK;
}

/*
 * The main loop of the decoder kept in registers: four symbols per reload, as long as the
 * reload leaves the window full and the caller's buffer has room; the same symbols, in the same
 * order, as refill() would produce, only without the per-symbol bookkeeping.
 */
static size_t take_fast(struct cf_fse_dec *d, uint8_t *dst, size_t n)
{
    const struct cf_fse_cell *cells = d->cells;
    uint64_t container = d->container;
    unsigned consumed = d->consumed, s0 = d->state[0], s1 = d->state[1];
    size_t i = 0, made = d->made;
    const uint8_t *ptr = d->ptr;

#define CF_FSE_STEP(st)                                                                     \
    do {                                                                                    \
        struct cf_fse_cell c_ = cells[st];                                                  \
        dst[i++] = c_.symbol;                                                               \
        st = c_.new_state + (unsigned)((container << (consumed & 63)) >> ((64 - c_.nb_bits) & 63)); \
        consumed += c_.nb_bits;                                                             \
    } while (0)
    while (i + 4 <= n) {
        /* reload(), inlined for the common case of a full window */
        if (consumed <= 64 && ptr >= d->limit) {
            ptr -= consumed >> 3;
            consumed &= 7;
            container = cf_load_le64(ptr);
        } else {
            break;
        }
        if (made + 3 >= d->max) {
            d->phase = PH_TAIL;
            d->tail_lane = 0;
            break;
        }
        CF_FSE_STEP(s0);
        CF_FSE_STEP(s1);
        CF_FSE_STEP(s0);
        CF_FSE_STEP(s1);
        made += 4;
    }
#undef CF_FSE_STEP
    d->container = container;
    d->consumed = consumed;
    d->state[0] = s0;
    d->state[1] = s1;
    d->ptr = ptr;
    d->made = made;
    d->handed += i;
    return i;
}

enum cf_err cf_fse_dec_take(struct cf_fse_dec *d, uint8_t *dst, size_t n)
{
    size_t i = 0;
    enum cf_err err = CF_OK;

    if (n > d->max - d->handed)
        return cf_err_set(CF_ERR_INVAL, "fse: more than %zu symbols asked for", d->max);
    while (i < n && d->qhead < d->qlen) {
        dst[i++] = d->queue[d->qhead++];
        d->handed++;
    }
    if (d->phase == PH_MAIN && d->fast)
        i += take_fast(d, dst + i, n - i);
    for (; !err && i < n; i++)
        err = cf_fse_dec_next(d, &dst[i]);
    return err;
}

enum cf_err cf_fse_decompress(const struct cf_fse_table *t, uint8_t *dst, size_t max,
                              const uint8_t *src, size_t n, size_t *decoded)
{
    struct cf_fse_dec d;
    enum cf_err err = cf_fse_dec_init(&d, t, src, n, max);

    for (size_t i = 0; !err && i < max; i++)
        err = cf_fse_dec_next(&d, &dst[i]);
    /* FSE runs the stream to its end even when the caller's buffer is already full. */
    while (!err && (d.phase == PH_MAIN || d.phase == PH_TAIL)) {
        refill(&d);
        if (d.phase == PH_ERROR)
            err = cf_err_set(CF_ERR_PLOT_CORRUPT,
                             "entropy-coded block holds more than %zu symbols", max);
    }
    if (!err && decoded)
        *decoded = d.made;
    return err;
}
