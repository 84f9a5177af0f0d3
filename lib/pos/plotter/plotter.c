/*
 * plotter.c: cf_plotter_create(): checks, the header, the phases, and the atomic file dance
 * (write "<path>.tmp", fsync, rename).
 *
 * Header as chiapos writes it (integers big-endian):
 *   "Proof of Space Plot" (19) | id (32) | k (1) | 0x0004 "v1.0" | memo length (2) | memo
 *   | 10 table offsets (8 each): tables 1..7, C1, C2, C3
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <libgen.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "cfarm/bytes.h"
#include "cfarm/ct.h"
#include "cfarm/plot.h"
#include "cfarm/pos_fx.h"
#include "pos/plot_internal.h"
#include "pos/plotter/internal.h"

/*
 * Peak memory per 2^k entries, measured (bench/plot) at about 120 bytes; stated with headroom.
 * Phase 1 holds table t's y and metadata (24 bytes an entry), the matches being made (32) and
 * the next table gathered (32), besides every table's pairs (8 each) and x; phase 3 holds two
 * 16-byte sort arrays and the places of two tables.
 */
#define BYTES_PER_ENTRY 140u

uint64_t cf_plotter_mem_needed(unsigned k)
{
    return ((uint64_t)BYTES_PER_ENTRY << k) + ((uint64_t)64 << 20);
}

uint64_t cf_plotter_plot_size(unsigned k)
{
    /* Tables 1..6 hold about 0.80, 0.80, 0.80, 0.81, 0.84, 1.0 * 2^k entries (back-propagation
     * drops the rest); P7 and C3 add a little. */
    static const double kept[7] = {0, 0.80, 0.80, 0.80, 0.81, 0.84, 1.0};
    double bytes = 0, n = (double)((uint64_t)1 << k);

    for (unsigned t = 1; t <= 6; t++)
        bytes += kept[t] * n / CF_PLOT_ENTRIES_PER_PARK * (double)cf_plot_park_size(k, t);
    bytes += n / CF_PLOT_ENTRIES_PER_PARK * (double)cf_plot_p7_park_size(k);
    bytes += n / CF_PLOT_CHECKPOINT1 * (double)cf_plot_c3_size(k);
    return (uint64_t)bytes;
}

static uint64_t mem_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    unsigned long long kb = 0;

    if (!f)
        return UINT64_MAX;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
            break;
    fclose(f);
    return kb ? (uint64_t)kb * 1024 : UINT64_MAX;
}

static size_t header_bytes(uint8_t *h, const struct cf_plotter_params *p)
{
    size_t n = 0;

    memcpy(h, CF_PLOT_MAGIC, CF_PLOT_MAGIC_LEN);
    n += CF_PLOT_MAGIC_LEN;
    memcpy(h + n, p->id, 32);
    n += 32;
    h[n++] = (uint8_t)p->k;
    cf_store_be16(h + n, 4);
    n += 2;
    memcpy(h + n, CF_PLOT_FORMAT_V1, 4);
    n += 4;
    cf_store_be16(h + n, (uint16_t)p->memo_len);
    n += 2;
    memcpy(h + n, p->memo, p->memo_len);
    n += p->memo_len;
    memset(h + n, 0, 80);
    return n + 80;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

uint64_t cf_plotter_mem_min(unsigned k)
{
    /* Per-thread bucket counts (8 bytes per y bucket) and buffers, and a margin. */
    return (((uint64_t)1 << (k + CF_POS_EXTRA_BITS)) / CF_POS_BC * 8 * 4) + ((uint64_t)8 << 20);
}

static uint64_t disk_free(const char *dir)
{
    struct statvfs vfs;

    if (statvfs(dir, &vfs) != 0)
        return UINT64_MAX;
    return (uint64_t)vfs.f_bavail * vfs.f_frsize;
}

/* Decide the memory budget (0: no limit) and check the temporary disk for the rest. */
static enum cf_err plan_memory(const struct cf_plotter_params *p, const char *tmpdir,
                               uint64_t *budget)
{
    uint64_t need = cf_plotter_mem_needed(p->k), avail = mem_available();
    uint64_t limit = p->mem_limit ? p->mem_limit : avail / 10 * 9, spill, free_bytes;

    *budget = 0;
    if (p->k < CF_PLOTTER_K_MIN || p->k > CF_PLOTTER_K_MAX)
        return cf_err_set(CF_ERR_INVAL, "k = %u: the plotter makes k = %d..%d", p->k,
                          CF_PLOTTER_K_MIN, CF_PLOTTER_K_MAX);
    if (p->k > 31)
        return cf_err_set(CF_ERR_TOO_LARGE,
                          "k = %u: a table may hold more than 2^32 entries and cfarm's plotter "
                          "keeps 32-bit positions (k <= 31 for now)",
                          p->k);
    if (p->mem_limit && p->mem_limit > avail)
        limit = avail / 10 * 9;
    if (need <= limit)
        return CF_OK;
    if (limit < cf_plotter_mem_min(p->k))
        return cf_err_set(CF_ERR_TOO_LARGE,
                          "k = %u needs at least %llu MiB of memory (and %llu MiB of working "
                          "space in all); %llu MiB %s",
                          p->k, (unsigned long long)(cf_plotter_mem_min(p->k) >> 20),
                          (unsigned long long)(need >> 20), (unsigned long long)(limit >> 20),
                          p->mem_limit ? "allowed" : "available");
    spill = need - limit;
    free_bytes = disk_free(tmpdir);
    if (free_bytes < spill + cf_plotter_plot_size(p->k))
        return cf_err_set(CF_ERR_TOO_LARGE,
                          "k = %u needs %llu MiB of working space: %llu MiB of memory %s, and "
                          "%s has %llu MiB free for the other %llu MiB and the plot",
                          p->k, (unsigned long long)(need >> 20),
                          (unsigned long long)(limit >> 20),
                          p->mem_limit ? "allowed" : "available", tmpdir,
                          (unsigned long long)(free_bytes >> 20),
                          (unsigned long long)(spill >> 20));
    *budget = limit;
    return CF_OK;
}

static enum cf_err check_disk(int fd, unsigned k, const char *path)
{
    uint64_t need = cf_plotter_plot_size(k) / 100 * 105, free_bytes;
    struct statvfs vfs;

    if (fstatvfs(fd, &vfs) != 0)
        return CF_OK;
    free_bytes = (uint64_t)vfs.f_bavail * vfs.f_frsize;
    if (free_bytes < need)
        return cf_err_set(CF_ERR_TOO_LARGE,
                          "%s: a k = %u plot needs about %llu MiB, the disk has %llu MiB free",
                          path, k, (unsigned long long)(need >> 20),
                          (unsigned long long)(free_bytes >> 20));
    return CF_OK;
}

enum cf_err cf_plotter_create(const struct cf_plotter_params *params, const char *path,
                              struct cf_plotter_stats *stats)
{
    struct cf_plotter_params p = *params;
    struct pl_mem mem;
    struct pl_ctx c = {&p, p.k, p.threads ? p.threads : 2, &mem};
    char *dir = NULL;
    struct pl_tables t;
    struct cf_plotter_stats st;
    uint8_t header[CF_PLOT_MAGIC_LEN + 32 + 1 + 2 + 4 + 2 + CF_KEYS_MEMO_MAX + 80];
    uint64_t pointers[10], end = 0;
    size_t hlen;
    char *tmp = NULL;
    int fd = -1;
    double t0 = now(), t1;
    enum cf_err err;

    memset(&t, 0, sizeof t);
    memset(&st, 0, sizeof st);
    memset(&mem, 0, sizeof mem);
    pthread_mutex_init(&mem.lock, NULL);
    if (c.threads > 64)
        c.threads = 64;
    if (p.memo_len != CF_KEYS_MEMO_POOL_PK_LEN && p.memo_len != CF_KEYS_MEMO_CONTRACT_LEN) {
        err = cf_err_set(CF_ERR_INVAL, "memo of %zu bytes (128 or 112)", p.memo_len);
        goto out;
    }
    dir = strdup(path);
    if (!dir) {
        err = cf_err_set(CF_ERR_NOMEM, "path");
        goto out;
    }
    mem.tmpdir = p.tmp_dir ? p.tmp_dir : (strrchr(dir, '/') ? dirname(dir) : ".");
    if ((err = plan_memory(&p, mem.tmpdir, &mem.budget)))
        goto out;
    if (asprintf(&tmp, "%s.tmp", path) < 0) {
        tmp = NULL;
        err = cf_err_set(CF_ERR_NOMEM, "path");
        goto out;
    }
    fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        err = cf_err_set(CF_ERR_IO, "%s: cannot create: %s", tmp, strerror(errno));
        goto out;
    }
    if ((err = check_disk(fd, p.k, tmp)))
        goto out;
    hlen = header_bytes(header, &p);

    err = pl_forward(&c, &t);
    t1 = now();
    st.seconds[1] = t1 - t0;
    if (!err)
        err = pl_compress(&c, &t, fd, hlen, pointers, &end, &st);
    st.seconds[2] = now() - t1; /* phases 2..4 together */
    if (err)
        goto out;
    for (int i = 0; i < 10; i++)
        cf_store_be64(header + hlen - 80 + 8 * i, pointers[i]);
    if ((err = pl_pwrite(fd, header, hlen, 0)))
        goto out;
    if (ftruncate(fd, (off_t)end) != 0 || fsync(fd) != 0) {
        err = cf_err_set(CF_ERR_IO, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    if (close(fd) != 0) {
        fd = -1;
        err = cf_err_set(CF_ERR_IO, "%s: close: %s", tmp, strerror(errno));
        goto out;
    }
    fd = -1;
    if (p.cancel && *p.cancel) {
        err = cf_err_set(CF_ERR_CANCELLED, "plotting stopped");
        goto out;
    }
    if (rename(tmp, path) != 0) {
        err = cf_err_set(CF_ERR_IO, "rename %s to %s: %s", tmp, path, strerror(errno));
        goto out;
    }
    st.file_size = end;
    st.temp_peak = mem.peak_mapped;
    st.seconds[0] = now() - t0;
out:
    pl_tables_free(&c, &t);
    while (mem.nblk > 0) /* only after a failure part-way */
        pl_free(&mem, mem.blk[0].p);
    free(dir);
    pthread_mutex_destroy(&mem.lock);
    if (fd >= 0)
        close(fd);
    if (err && tmp)
        unlink(tmp);
    free(tmp);
    cf_ct_wipe(header, sizeof header);
    cf_ct_wipe(&p, sizeof p);
    if (stats)
        *stats = st;
    return err;
}
