/*
 * internal.h (internal to the plotter): what the phase files share.
 *
 * Tables live in memory as plain arrays indexed by an entry's place in its table:
 *
 *   table 1      x[]               the x of each entry, entries grouped by y bucket (y / kBC)
 *   tables 2..7  lr[]              the two entries of the table below that matched (left, right)
 *   table 7      f7[]              its f7 (the top k bits of its y)
 *
 * Within a table the order of entries is free (chiapos sorts by y, we only group by bucket):
 * the file's contents depend only on which pairs matched, because phase 3 re-sorts every table
 * by line point. Positions are 32-bit, so a table holds fewer than 2^32 entries (k <= 31).
 */
#ifndef CFARM_POS_PLOTTER_INTERNAL_H
#define CFARM_POS_PLOTTER_INTERNAL_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfarm/err.h"
#include "cfarm/plotter.h"

struct pl_pair {
    uint32_t l, r;
};

struct pl_tables {
    unsigned k;
    uint64_t n[8];            /* entries of tables 1..7 (before back-propagation) */
    uint32_t *x;              /* table 1 */
    struct pl_pair *lr[8];    /* tables 2..7 */
    uint32_t *f7;             /* table 7 */
};

/* Big arrays: malloc while under budget (0: none), file-backed in tmpdir past it (mem.c). */
#define PL_MEM_BLOCKS 512
#define PL_MEM_MAP_MIN (1u << 20)

struct pl_mem {
    pthread_mutex_t lock;
    uint64_t budget, used, mapped, peak_mapped;
    const char *tmpdir;
    int map_errno;
    unsigned nblk;
    struct {
        void *p;
        size_t n;
        bool mapped;
    } blk[PL_MEM_BLOCKS];
};

void *pl_alloc(struct pl_mem *m, size_t n, bool zero);
void *pl_realloc(struct pl_mem *m, void *p, size_t old, size_t n);
void pl_free(struct pl_mem *m, void *p);

struct pl_ctx {
    const struct cf_plotter_params *p;
    unsigned k, threads;
    struct pl_mem *mem;
};

/* Run fn(arg, i, n) on n threads (i = 0..n-1), the last on the calling thread. */
typedef void (*pl_task_fn)(void *arg, unsigned i, unsigned n);
enum cf_err pl_parallel(unsigned n, pl_task_fn fn, void *arg);

/* A contiguous share [*begin, *end) of count items for worker i of n. */
static inline void pl_share(uint64_t count, unsigned i, unsigned n, uint64_t *begin,
                            uint64_t *end)
{
    *begin = count * i / n;
    *end = count * (i + 1) / n;
}

bool pl_cancelled(const struct pl_ctx *c);
void pl_progress(const struct pl_ctx *c, unsigned phase, const char *label, double fraction);

/* Records sorted by key (stable LSD radix on the low key_bits bits), using tmp of n records. */
struct pl_rec {
    uint64_t key;
    uint64_t val;
};
enum cf_err pl_sort(struct pl_rec *recs, struct pl_rec *tmp, uint64_t n, unsigned key_bits,
                    unsigned threads);

/* Phase 1: every table; t is zeroed first. Frees what it made on failure. */
enum cf_err pl_forward(const struct pl_ctx *c, struct pl_tables *t);
void pl_tables_free(const struct pl_ctx *c, struct pl_tables *t);

/* Phases 2-4: back-propagate, compress and write the tables after the header at fd. Fills
 * pointers[10] (file offsets of tables 1..7, C1, C2, C3) and *end (file size). */
enum cf_err pl_compress(const struct pl_ctx *c, struct pl_tables *t, int fd, uint64_t header,
                        uint64_t pointers[10], uint64_t *end, struct cf_plotter_stats *st);

enum cf_err pl_pwrite(int fd, const void *buf, size_t n, uint64_t off);

#endif
