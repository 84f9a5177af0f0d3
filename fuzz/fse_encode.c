/*
 * fse_encode.c (libFuzzer): the plotter's FSE encoder against cfarm's decoder. Any symbols the
 * table holds must come back unchanged; symbols outside it must be refused, never encoded.
 *
 *   byte 0: table 1..7 (mod 7) | the rest: symbols (taken mod a small range, so most inputs are
 *   in the table and look like park deltas)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfarm/fse.h"
#include "pos/plotter/fse_enc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t sym[12000], dec[12000], enc[CF_FSE_ENC_BOUND(12000)];
    const struct cf_fse_ctable *ct;
    const struct cf_fse_table *dt;
    unsigned which;
    size_t n, len = 0, got = 0;
    bool in_table = true;

    if (size < 1)
        return 0;
    which = 1 + data[0] % 7;
    ct = cf_fse_pos_ctable(which);
    dt = cf_fse_pos_table(which);
    if (!ct || !dt)
        abort();
    n = size - 1 < sizeof sym ? size - 1 : sizeof sym;
    for (size_t i = 0; i < n; i++) {
        /* High bit set: the byte as it is (may lie outside the table); else a small delta. */
        sym[i] = data[1 + i] & 0x80 ? data[1 + i] : data[1 + i] % 8;
        in_table = in_table && sym[i] < ct->nsymbols;
    }
    enum cf_err err = cf_fse_encode(ct, sym, n, enc, &len);
    if (!in_table) {
        if (n > 2 && err != CF_ERR_INVAL)
            abort();
        return 0;
    }
    if (err != CF_OK)
        abort();
    if (n <= 2) {
        if (len != 0)
            abort();
        return 0;
    }
    if (cf_fse_decompress(dt, dec, n, enc, len, &got) != CF_OK || got != n ||
        memcmp(dec, sym, n) != 0)
        abort();
    return 0;
}
