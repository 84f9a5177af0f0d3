/*
 * fse_enc.h (internal to the plotter): the tANS encoder matching cfarm/fse.h's decoder, built
 * from the same normalised counts and symbol spread, producing the bytes the FSE library's
 * FSE_compress_usingCTable produces (which is what chiapos stores in parks and C3 entries).
 */
#ifndef CFARM_POS_PLOTTER_FSE_ENC_H
#define CFARM_POS_PLOTTER_FSE_ENC_H

#include <stddef.h>
#include <stdint.h>

#include "cfarm/err.h"
#include "cfarm/fse.h"

struct cf_fse_ctable {
    unsigned table_log;
    unsigned nsymbols;
    uint16_t next_state[CF_FSE_TABLE_SIZE];   /* by symbol, then occurrence: table size + cell */
    struct {
        int32_t find_state;                    /* offset of the symbol's run in next_state */
        uint32_t nb_bits;                      /* (max bits << 16) - (count << max bits) */
    } sym[256];
};

/* Build the encoding table for normalised counts (as FSE_buildCTable). */
enum cf_err cf_fse_build_ctable(struct cf_fse_ctable *t, const int16_t *counts,
                                unsigned nsymbols, unsigned table_log);

/* The chiapos tables, as cf_fse_pos_table(): which = 1..6 parks, 7 for C3. Built once. */
const struct cf_fse_ctable *cf_fse_pos_ctable(unsigned which);

/* Bytes out must hold for encoding n symbols. */
#define CF_FSE_ENC_BOUND(n) ((n) * 8 + 16)

/*
 * Encode n symbols as FSE_compress_usingCTable with a destination of 8n bytes: returns the
 * stream length in *out_len, 0 when n <= 2 (FSE stores nothing for those). out must hold
 * CF_FSE_ENC_BOUND(n) bytes (the bit writer stores whole words). A symbol outside the table is
 * CF_ERR_INVAL.
 */
enum cf_err cf_fse_encode(const struct cf_fse_ctable *t, const uint8_t *src, size_t n,
                          uint8_t *out, size_t *out_len);

#endif
