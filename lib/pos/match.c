/*
 * match.c: all matches between two adjacent buckets, in chiapos's order (FindMatches).
 *
 * Right entries are indexed by y mod kBC; each left entry then looks up its 64 targets. The
 * targets' row part (2m + parity)^2 mod kC is the same for every left entry, so it is tabulated
 * once per call; the column part advances by one (mod kB) with m.
 */
#include <string.h>

#include "cfarm/pos_fx.h"

void cf_pos_matcher_init(struct cf_pos_matcher *m)
{
    memset(m, 0, sizeof *m);
}

size_t cf_pos_find_matches(struct cf_pos_matcher *m, const uint64_t *yl, size_t nl,
                           const uint64_t *yr, size_t nr, uint16_t *idx_l, uint16_t *idx_r,
                           size_t max)
{
    size_t found = 0;
    uint16_t sq[CF_POS_EXTRA_BITS_POW];

    if (nl == 0 || nr == 0)
        return 0;
    uint64_t base_r = yr[0] / CF_POS_BC * CF_POS_BC, base_l = base_r - CF_POS_BC;
    unsigned parity = (unsigned)(yl[0] / CF_POS_BC) & 1;
    for (unsigned i = 0; i < CF_POS_EXTRA_BITS_POW; i++)
        sq[i] = (uint16_t)(((2 * i + parity) * (2 * i + parity)) % CF_POS_C);

    /* Entries outside their bucket break the caller's contract; they are skipped here (chiapos
     * would index out of its tables). */
    for (size_t i = 0; i < nr; i++) {
        uint64_t r = yr[i] - base_r;
        if (r >= CF_POS_BC)
            continue;
        if (m->count[r] == 0)
            m->pos[r] = (uint16_t)(i & 0xfff);
        m->count[r] = (uint16_t)((m->count[r] + 1) & 0xf);
    }
    for (size_t i = 0; i < nl; i++) {
        if (yl[i] - base_l >= CF_POS_BC)
            continue;
        unsigned il = (unsigned)(yl[i] - base_l);
        unsigned col = il / CF_POS_C, row = il % CF_POS_C;
        for (unsigned k = 0; k < CF_POS_EXTRA_BITS_POW; k++) {
            unsigned c = col + k, rr = row + sq[k];
            if (c >= CF_POS_B)
                c -= CF_POS_B;
            if (rr >= CF_POS_C)
                rr -= CF_POS_C;
            unsigned t = c * CF_POS_C + rr;
            for (unsigned j = 0; j < m->count[t]; j++, found++) {
                if (found < max) {
                    idx_l[found] = (uint16_t)i;
                    idx_r[found] = (uint16_t)(m->pos[t] + j);
                }
            }
        }
    }
    for (size_t i = 0; i < nr; i++) {
        if (yr[i] - base_r < CF_POS_BC)
            m->count[yr[i] - base_r] = 0;
    }
    return found;
}
