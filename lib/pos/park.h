/*
 * park.h (internal to lib/pos): decoding one park of line points and one C3 checkpoint entry
 * from bytes already in memory. Pure functions over untrusted bytes: every read is checked
 * against the given length; malformed input fails with CF_ERR_PLOT_CORRUPT. The fuzz target
 * fuzz/plot_park.c drives them directly.
 */
#ifndef CFARM_POS_PARK_H
#define CFARM_POS_PARK_H

#include <stddef.h>
#include <stdint.h>

#include "cfarm/err.h"

/*
 * The line point of entry `index` (0..2047) of a park of table `table` (1..6) for k, as
 * chiapos's ReadLinePoint: first line point + (sum of deltas << (k-3)) + sum of stubs over the
 * entries before it. park holds len bytes from the park's start (a whole park plus 2 bytes
 * reads every valid park).
 */
enum cf_err cf_park_line_point(unsigned k, unsigned table, const uint8_t *park, size_t len,
                               unsigned index, unsigned __int128 *line_point);

/*
 * chiapos's GetP7Positions over one C3 entry: mask holds the len bytes after the entry's size
 * field, of which `encoded` are the FSE stream of f7 deltas. Walks from curr_f7 at table-7
 * position curr_p7_pos and collects the positions whose f7 equals f7, with chiapos's stopping
 * rules (including returning nothing when the walk never passed f7). At most max positions;
 * more is CF_ERR_PLOT_CORRUPT.
 */
enum cf_err cf_park_c3_positions(unsigned k, const uint8_t *mask, size_t len, unsigned encoded,
                                 uint64_t curr_f7, uint64_t f7, int64_t curr_p7_pos,
                                 int64_t c1_index, uint64_t *positions, size_t max,
                                 size_t *count);

#endif
