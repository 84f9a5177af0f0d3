/*
 * cfarm/fse.h: the tANS ("finite state entropy") coding chiapos uses for the deltas of its parks
 * and of its C3 checkpoint table, decode side plus the shared table construction.
 *
 * chiapos never stores a coding table in the plot: both sides rebuild it from a fixed geometric
 * distribution chosen by a parameter R (one R per table, plus R = 1 for C3), normalised to 2^14
 * quanta. cf_fse_normalized_count() computes that distribution exactly as chiapos does (same
 * double arithmetic, same greedy quanta assignment), cf_fse_build_dtable() lays the symbols out
 * in the table as the FSE library does. The plotter's encoder must build its own table from the
 * same counts, so both live here and not inside the prover.
 *
 * The decoder reproduces the FSE library's stream reading exactly, including how many symbols it
 * emits before it stops: chiapos decodes into a zero-filled buffer of a fixed size and ignores the
 * count, so symbols past the end of a stream read as 0, and so do they here. It is a streaming
 * decoder: a caller that needs only the first n symbols stops after n.
 *
 * Tables are plain values (no pointers inside); nothing here allocates except
 * cf_fse_pos_table(), which builds the seven chiapos tables once per process (thread safe).
 */
#ifndef CFARM_FSE_H
#define CFARM_FSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfarm/err.h"

#define CF_FSE_TABLE_LOG 14
#define CF_FSE_TABLE_SIZE (1u << CF_FSE_TABLE_LOG)
#define CF_FSE_MAX_SYMBOLS 255

struct cf_fse_cell {
    uint16_t new_state; /* base of the next state; add the bits read */
    uint8_t symbol;
    uint8_t nb_bits;    /* bits to read after emitting symbol */
};

struct cf_fse_table {
    unsigned table_log;
    unsigned nsymbols;
    bool fast;          /* no symbol holds half the table or more: every cell reads >= 1 bit */
    struct cf_fse_cell cells[CF_FSE_TABLE_SIZE];
};

/*
 * chiapos's normalised distribution for R: counts[i] for symbols 0..*nsymbols-1, summing to
 * 2^14, where a count of 1 is written as -1 (the FSE "low probability" marker).
 */
enum cf_err cf_fse_normalized_count(double r, int16_t counts[CF_FSE_MAX_SYMBOLS],
                                    unsigned *nsymbols);

/*
 * Build the decoding table for normalised counts (as FSE_buildDTable). CF_ERR_INVAL when the
 * counts do not fill the table exactly or are out of range; *t is then unspecified.
 */
enum cf_err cf_fse_build_dtable(struct cf_fse_table *t, const int16_t *counts, unsigned nsymbols,
                                unsigned table_log);

/*
 * The chiapos tables: which = 1..6 for the parks of tables 1..6 (R = 4.7, 2.75, 2.75, 2.7, 2.6,
 * 2.45), 7 for C3 (R = 1.0). Built on first use; NULL only for a bad index.
 */
const struct cf_fse_table *cf_fse_pos_table(unsigned which);
double cf_fse_pos_r(unsigned which);

/* Streaming decoder state; fill with cf_fse_dec_init(), no cleanup needed. */
struct cf_fse_dec {
    const struct cf_fse_cell *cells;
    bool fast;
    const uint8_t *start, *ptr, *limit;
    uint64_t container;
    unsigned consumed;
    unsigned state[2];
    size_t max;         /* symbols the caller's buffer would hold (chiapos's vector size) */
    size_t made;        /* symbols produced by the stream so far */
    size_t handed;      /* symbols returned by cf_fse_dec_next() */
    uint8_t queue[4];
    unsigned qhead, qlen;
    int phase;          /* main loop, tail, done, error */
    unsigned tail_lane;
};

/*
 * Start decoding n bytes at src (the caller keeps them alive) as chiapos does into a buffer of
 * max symbols. Fails with CF_ERR_PLOT_CORRUPT where FSE would fail (empty input, no end mark).
 */
enum cf_err cf_fse_dec_init(struct cf_fse_dec *d, const struct cf_fse_table *t,
                            const uint8_t *src, size_t n, size_t max);

/*
 * Next symbol. After the stream's last symbol, yields 0 (what chiapos's zeroed buffer holds).
 * CF_ERR_PLOT_CORRUPT when the stream holds more than max symbols (FSE's dstSize_tooSmall);
 * CF_ERR_INVAL when asked for more than max symbols.
 */
enum cf_err cf_fse_dec_next(struct cf_fse_dec *d, uint8_t *sym);

/* The next n symbols into dst, as n calls of cf_fse_dec_next() would give, faster. */
enum cf_err cf_fse_dec_take(struct cf_fse_dec *d, uint8_t *dst, size_t n);

/*
 * Whole-buffer decode as FSE_decompress_usingDTable: dst receives max symbols (zeros after the
 * stream's end), *decoded the count the stream held.
 */
enum cf_err cf_fse_decompress(const struct cf_fse_table *t, uint8_t *dst, size_t max,
                              const uint8_t *src, size_t n, size_t *decoded);

#endif
