/*
 * plot_park.c (libFuzzer): decoding a park of line points and a C3 checkpoint entry from
 * arbitrary bytes.
 *
 *   byte 0: k - 18 (mod 33) | byte 1: bit 7 selects C3, low bits the table (1..6)
 *   bytes 2..3: entry index in the park (mod 2048), or C3's encoded size
 *   bytes 4..11: f7 to look for (C3) | the rest: the park or C3 entry bytes
 */
#include <stddef.h>
#include <stdint.h>

#include "cfarm/bytes.h"
#include "pos/park.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned __int128 lp;
    uint64_t pos[64], f7;
    size_t count;
    unsigned k, sel, arg;

    if (size < 12)
        return 0;
    k = 18 + data[0] % 33;
    sel = data[1];
    arg = cf_load_be16(data + 2);
    f7 = cf_load_be64(data + 4) & (((uint64_t)1 << k) - 1);
    data += 12;
    size -= 12;
    if (sel & 0x80) {
        unsigned enc = arg < size ? arg : (unsigned)size;
        (void)cf_park_c3_positions(k, data, size, enc, f7 >> 3, f7, 0, 0, pos, 64, &count);
    } else {
        (void)cf_park_line_point(k, 1 + sel % 6, data, size, arg % 2048, &lp);
    }
    return 0;
}
