/*
 * plot_internal.h (internal to lib/pos): the plot handle and the helpers format.c and prover.c
 * share. Nothing here is part of the public API.
 */
#ifndef CFARM_POS_PLOT_INTERNAL_H
#define CFARM_POS_PLOT_INTERNAL_H

#include <stdint.h>

#include "cfarm/plot.h"
#include "pos/bits.h"

#define CF_PLOT_ENTRIES_PER_PARK 2048
#define CF_PLOT_STUB_MINUS_BITS 3
#define CF_PLOT_CHECKPOINT1 10000
#define CF_PLOT_CHECKPOINT2 10000

struct cf_plot {
    char *path;
    struct cf_plot_info info;
    uint64_t *c2;
    size_t c2_count;
    int fd;            /* -1: opened per lookup */
    unsigned flags;
};

static inline uint64_t cf_plot_c1_entry_size(unsigned k)
{
    return (k + 7) / 8;
}

uint64_t cf_plot_line_point_size(unsigned k);
uint64_t cf_plot_stubs_size(unsigned k);
uint64_t cf_plot_max_deltas_size(unsigned table);

enum cf_err cf_plot_check_layout(const char *path, const struct cf_plot_info *info);

/* A descriptor for one lookup (the kept one, or a fresh one), and its release. */
enum cf_err cf_plot_fd(const struct cf_plot *p, int *fd);
void cf_plot_fd_done(const struct cf_plot *p, int fd);

/* pread exactly n bytes at off; a short file is CF_ERR_PLOT_TRUNCATED naming the file. */
enum cf_err cf_plot_pread(const struct cf_plot *p, int fd, void *buf, size_t n, uint64_t off,
                          struct cf_plot_io *io);

#endif
