/*
 * format.c: the chiapos v1 plot header, table sizes, opening a plot and its cached form.
 *
 * Header, as DiskPlotter writes it (all integers big-endian):
 *
 *   offset      size  field
 *   0           19    magic "Proof of Space Plot"
 *   19          32    plot id
 *   51          1     k (18..50)
 *   52          2     format description length L (4)
 *   54          L     format description "v1.0"
 *   54+L        2     memo length M (128 or 112)
 *   56+L        M     memo: pool pk (48) or pool contract puzzle hash (32),
 *                           farmer pk (48), local master sk (32)
 *   56+L+M      80    ten 8-byte offsets: table 1..7, C1, C2, C3
 *   136+L+M           table 1 (= first offset; 268 for a 128-byte memo)
 *
 * Then the tables in that order, each a whole number of fixed-size parks:
 *
 *   tables 1..6  parks of 2048 line points: | first line point (2k bits, byte aligned)
 *                | 2047 stubs of k-3 bits (byte aligned) | deltas: 2-byte little-endian size n,
 *                n bytes of FSE stream | padding up to the fixed park size |
 *   table 7      parks of 2048 entries of k+1 bits (the table-6 position), byte aligned
 *   C1           f7 of table-7 entries 0, 10000, 20000, ..., ceil(k/8) bytes each, then a 0
 *   C2           f7 of every 10000th C1 entry, same size, then a 0
 *   C3           one entry per C1 interval: 2-byte big-endian size n, FSE stream of the f7
 *                deltas of that interval, padded to a fixed size (10000 bytes below k=20,
 *                3000 from k=20)
 *
 * A file whose v2 magic "PLOT" starts it is a compressed (bladebit) plot: refused as unsupported.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfarm/bytes.h"
#include "cfarm/ct.h"
#include "cfarm/plot.h"
#include "pos/plot_internal.h"

/* ---- sizes (chiapos entry_sizes.hpp) -------------------------------------------------------- */

static uint64_t byte_align(uint64_t bits)
{
    return (bits + 7) / 8 * 8;
}

uint64_t cf_plot_line_point_size(unsigned k)
{
    return byte_align(2 * (uint64_t)k) / 8;
}

uint64_t cf_plot_stubs_size(unsigned k)
{
    return byte_align((CF_PLOT_ENTRIES_PER_PARK - 1) * (uint64_t)(k - CF_PLOT_STUB_MINUS_BITS)) /
           8;
}

uint64_t cf_plot_max_deltas_size(unsigned table)
{
    /* 2047 * 5.6 = 11463.2 and 2047 * 3.5 = 7164.5 bits, truncated, then byte aligned. */
    return table == 1 ? byte_align(11463) / 8 : byte_align(7164) / 8;
}

uint64_t cf_plot_park_size(unsigned k, unsigned table)
{
    return cf_plot_line_point_size(k) + cf_plot_stubs_size(k) + cf_plot_max_deltas_size(table);
}

uint64_t cf_plot_p7_park_size(unsigned k)
{
    return byte_align((uint64_t)(k + 1) * CF_PLOT_ENTRIES_PER_PARK) / 8;
}

uint64_t cf_plot_c3_size(unsigned k)
{
    return k < 20 ? byte_align(8 * CF_PLOT_CHECKPOINT1) / 8 : byte_align(24000) / 8;
}

/* ---- header --------------------------------------------------------------------------------- */

static enum cf_err take(const uint8_t **p, size_t *n, size_t len, const uint8_t **out,
                        const char *what)
{
    if (*n < len)
        return cf_err_set(CF_ERR_EOF, "header ends inside the %s", what);
    *out = *p;
    *p += len;
    *n -= len;
    return CF_OK;
}

static enum cf_err parse_memo(const uint8_t *m, size_t len, struct cf_plot_info *info,
                              struct cf_plot_memo *memo)
{
    struct cf_plot_memo tmp;
    size_t pool_len;

    memset(&tmp, 0, sizeof tmp);
    if (len == 128) {
        tmp.kind = CF_PLOT_MEMO_POOL_PK;
        memcpy(tmp.pool_pk, m, 48);
        pool_len = 48;
    } else if (len == 112) {
        tmp.kind = CF_PLOT_MEMO_POOL_CONTRACT;
        memcpy(tmp.pool_contract_ph, m, 32);
        pool_len = 32;
    } else {
        return cf_err_set(CF_ERR_PLOT_FORMAT, "memo is %zu bytes (expected 128 or 112)", len);
    }
    memcpy(tmp.farmer_pk, m + pool_len, 48);
    memcpy(tmp.local_master_sk, m + pool_len + 48, 32);
    info->memo_kind = tmp.kind;
    info->memo_len = (unsigned)len;
    memcpy(info->pool_pk, tmp.pool_pk, 48);
    memcpy(info->pool_contract_ph, tmp.pool_contract_ph, 32);
    memcpy(info->farmer_pk, tmp.farmer_pk, 48);
    if (memo)
        *memo = tmp;
    cf_plot_memo_wipe(&tmp);
    return CF_OK;
}

enum cf_err cf_plot_header_parse(const uint8_t **p, size_t *n, struct cf_plot_info *info,
                                 struct cf_plot_memo *memo)
{
    const uint8_t *cur = *p, *f = NULL;
    size_t left = *n;
    enum cf_err err;
    uint16_t len;

    memset(info, 0, sizeof *info);
    if (left >= 4 && memcmp(cur, "PLOT", 4) == 0)
        return cf_err_set(CF_ERR_UNSUPPORTED, "a v2 (compressed) plot: not supported");
    if (left < CF_PLOT_MAGIC_LEN && memcmp(cur, CF_PLOT_MAGIC, left) != 0)
        return cf_err_set(CF_ERR_PLOT_FORMAT, "no plot magic \"%s\" at the start", CF_PLOT_MAGIC);
    if ((err = take(&cur, &left, CF_PLOT_MAGIC_LEN, &f, "magic")))
        return err;
    if (memcmp(f, CF_PLOT_MAGIC, CF_PLOT_MAGIC_LEN) != 0)
        return cf_err_set(CF_ERR_PLOT_FORMAT, "no plot magic \"%s\" at the start", CF_PLOT_MAGIC);
    if ((err = take(&cur, &left, 32 + 1 + 2, &f, "plot id and k")))
        return err;
    memcpy(info->id, f, 32);
    info->k = f[32];
    if (info->k < CF_POS_K_MIN || info->k > CF_POS_K_MAX)
        return cf_err_set(CF_ERR_PLOT_FORMAT, "k = %u (a v1 plot has %d <= k <= %d)", info->k,
                          CF_POS_K_MIN, CF_POS_K_MAX);
    len = cf_load_be16(f + 33);
    if ((err = take(&cur, &left, len, &f, "format description")))
        return err;
    if (len != strlen(CF_PLOT_FORMAT_V1) || memcmp(f, CF_PLOT_FORMAT_V1, len) != 0)
        return cf_err_set(CF_ERR_PLOT_FORMAT, "format description is not \"%s\"",
                          CF_PLOT_FORMAT_V1);
    memcpy(info->format, f, len);
    if ((err = take(&cur, &left, 2, &f, "memo length")))
        return err;
    len = cf_load_be16(f);
    if ((err = take(&cur, &left, len, &f, "memo")))
        return err;
    if ((err = parse_memo(f, len, info, memo)))
        return err;
    if ((err = take(&cur, &left, 8 * CF_PLOT_NPOINTERS, &f, "table pointers"))) {
        if (memo)
            cf_plot_memo_wipe(memo);
        return err;
    }
    for (int i = 0; i < CF_PLOT_NPOINTERS; i++)
        info->table[i] = cf_load_be64(f + 8 * i);
    info->header_size = (uint32_t)(*n - left);
    *p = cur;
    *n = left;
    return CF_OK;
}

void cf_plot_memo_wipe(struct cf_plot_memo *memo)
{
    if (memo)
        cf_ct_wipe(memo, sizeof *memo);
}

/*
 * The offsets must come in file order, start after the header, and the last table (C3, one
 * entry per C1 interval) must end within the file. A file shorter than that is truncated, most
 * likely still being copied.
 */
enum cf_err cf_plot_check_layout(const char *path, const struct cf_plot_info *info)
{
    static const char *names[CF_PLOT_NPOINTERS] = {"table 1", "table 2", "table 3", "table 4",
                                                   "table 5", "table 6", "table 7", "C1",
                                                   "C2",      "C3"};
    uint64_t entry = cf_plot_c1_entry_size(info->k), c1_entries, end;

    if (info->table[0] < info->header_size)
        return cf_err_set(CF_ERR_PLOT_CORRUPT, "%s: table 1 offset %llu lies inside the header",
                          path, (unsigned long long)info->table[0]);
    for (int i = 1; i < CF_PLOT_NPOINTERS; i++)
        if (info->table[i] < info->table[i - 1])
            return cf_err_set(CF_ERR_PLOT_CORRUPT, "%s: %s offset %llu is before %s offset %llu",
                              path, names[i], (unsigned long long)info->table[i], names[i - 1],
                              (unsigned long long)info->table[i - 1]);
    for (int i = 0; i < CF_PLOT_NPOINTERS; i++)
        if (info->table[i] > info->file_size)
            return cf_err_set(CF_ERR_PLOT_TRUNCATED,
                              "%s: file is %llu bytes but %s starts at %llu (truncated or "
                              "still being copied)",
                              path, (unsigned long long)info->file_size, names[i],
                              (unsigned long long)info->table[i]);
    c1_entries = (info->table[CF_PLOT_C2] - info->table[CF_PLOT_C1]) / entry;
    if (c1_entries < 2)
        return cf_err_set(CF_ERR_PLOT_CORRUPT, "%s: C1 table holds %llu entries", path,
                          (unsigned long long)c1_entries);
    if ((info->table[CF_PLOT_C3] - info->table[CF_PLOT_C2]) / entry < 2)
        return cf_err_set(CF_ERR_PLOT_CORRUPT, "%s: invalid C2 table size", path);
    end = info->table[CF_PLOT_C3] + (c1_entries - 1) * cf_plot_c3_size(info->k);
    if (end > info->file_size)
        return cf_err_set(CF_ERR_PLOT_TRUNCATED,
                          "%s: file is %llu bytes but its C3 table ends at %llu (truncated or "
                          "still being copied)",
                          path, (unsigned long long)info->file_size, (unsigned long long)end);
    return CF_OK;
}

/* ---- handles -------------------------------------------------------------------------------- */

static struct cf_plot *plot_new(const char *path)
{
    struct cf_plot *p = calloc(1, sizeof *p);

    if (!p)
        return NULL;
    p->fd = -1;
    p->path = strdup(path);
    if (!p->path) {
        free(p);
        return NULL;
    }
    return p;
}

void cf_plot_close(struct cf_plot *p)
{
    if (!p)
        return;
    if (p->fd >= 0)
        close(p->fd);
    free(p->c2);
    free(p->path);
    free(p);
}

const struct cf_plot_info *cf_plot_info(const struct cf_plot *p)
{
    return &p->info;
}

const char *cf_plot_path(const struct cf_plot *p)
{
    return p->path;
}

const uint64_t *cf_plot_c2(const struct cf_plot *p, size_t *count)
{
    *count = p->c2_count;
    return p->c2;
}

/* C2 as DiskProver loads it: every entry but the last, stopping where the values decrease. */
static enum cf_err load_c2(struct cf_plot *p, int fd)
{
    unsigned k = p->info.k;
    uint64_t esize = cf_plot_c1_entry_size(k);
    uint64_t bytes = p->info.table[CF_PLOT_C3] - p->info.table[CF_PLOT_C2];
    uint64_t entries = bytes / esize, prev = 0;
    uint8_t *buf = NULL;
    enum cf_err err;

    if (entries < 2)
        return cf_err_set(CF_ERR_PLOT_CORRUPT, "%s: invalid C2 table size", p->path);
    buf = malloc((size_t)((entries - 1) * esize));
    p->c2 = malloc((size_t)(entries - 1) * sizeof *p->c2);
    if (!buf || !p->c2) {
        err = cf_err_set(CF_ERR_NOMEM, "%s: C2 table of %llu entries", p->path,
                         (unsigned long long)entries);
        goto out;
    }
    err = cf_plot_pread(p, fd, buf, (size_t)((entries - 1) * esize), p->info.table[CF_PLOT_C2],
                        NULL);
    if (err)
        goto out;
    p->c2_count = 0;
    for (uint64_t i = 0; i + 1 < entries; i++) {
        uint64_t f7 = cf_bits_get(buf + i * esize, esize, 0, k);
        if (f7 < prev)
            break;
        p->c2[p->c2_count++] = f7;
        prev = f7;
    }
out:
    free(buf);
    return err;
}

enum cf_err cf_plot_open(const char *path, unsigned flags, struct cf_plot **out)
{
    uint8_t head[1024];
    const uint8_t *cur = head;
    struct stat st;
    struct cf_plot *p = plot_new(path);
    enum cf_err err;
    int fd = -1;
    size_t n;

    *out = NULL;
    if (!p)
        return cf_err_set(CF_ERR_NOMEM, "%s: plot handle", path);
    p->flags = flags;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err = cf_err_set(CF_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
        goto fail;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        err = cf_err_set(CF_ERR_IO, "%s: not a regular file", path);
        goto fail;
    }
    p->info.file_size = (uint64_t)st.st_size;
    n = p->info.file_size < sizeof head ? (size_t)p->info.file_size : sizeof head;
    if ((err = cf_plot_pread(p, fd, head, n, 0, NULL)))
        goto fail;
    err = cf_plot_header_parse(&cur, &n, &p->info, NULL);
    p->info.file_size = (uint64_t)st.st_size;
    if (err == CF_ERR_EOF) {
        err = cf_err_set(CF_ERR_PLOT_TRUNCATED, "%s: file of %llu bytes ends inside the header",
                         path, (unsigned long long)p->info.file_size);
        goto fail;
    }
    if (err) {
        char detail[256];
        snprintf(detail, sizeof detail, "%s", cf_err_detail());
        err = cf_err_set(err, "%s: %s", path, detail);
        goto fail;
    }
    if ((err = cf_plot_check_layout(path, &p->info)) || (err = load_c2(p, fd)))
        goto fail;
    if (flags & CF_PLOT_KEEP_FD)
        p->fd = fd;
    else
        close(fd);
    *out = p;
    return CF_OK;
fail:
    if (fd >= 0)
        close(fd);
    cf_plot_close(p);
    return err;
}

enum cf_err cf_plot_read_memo(const struct cf_plot *p, struct cf_plot_memo *memo)
{
    uint8_t head[1024];
    const uint8_t *cur = head;
    struct cf_plot_info info;
    size_t n = p->info.header_size;
    enum cf_err err;
    int fd;

    if (n > sizeof head)
        return cf_err_set(CF_ERR_PLOT_FORMAT, "%s: header of %zu bytes", p->path, n);
    if ((err = cf_plot_fd(p, &fd)))
        return err;
    err = cf_plot_pread(p, fd, head, n, 0, NULL);
    cf_plot_fd_done(p, fd);
    if (!err)
        err = cf_plot_header_parse(&cur, &n, &info, memo);
    if (!err && memcmp(info.id, p->info.id, 32) != 0)
        err = cf_err_set(CF_ERR_PLOT_CORRUPT, "%s: plot id changed since it was opened", p->path);
    if (err)
        cf_plot_memo_wipe(memo);
    cf_ct_wipe(head, sizeof head);
    return err;
}

/* ---- cached form ---------------------------------------------------------------------------- */
/*
 *   "cfplotc1" (8) | id (32) | k (1) | memo kind (1) | memo length (2) | header size (4)
 *   | pool pk or puzzle hash (48, zero padded) | farmer pk (48) | 10 offsets (8 each)
 *   | file size (8) | C2 count (4) | C2 entries (8 each)           all integers big-endian
 */
#define CACHE_MAGIC "cfplotc1"
#define CACHE_FIXED (8 + 32 + 1 + 1 + 2 + 4 + 48 + 48 + 8 * CF_PLOT_NPOINTERS + 8 + 4)

enum cf_err cf_plot_cache_encode(const struct cf_plot *p, struct cf_buf *out)
{
    const struct cf_plot_info *i = &p->info;
    enum cf_err err = cf_buf_append(out, CACHE_MAGIC, 8);
    uint8_t small[2] = {(uint8_t)i->k, (uint8_t)i->memo_kind};

    if (!err)
        err = cf_buf_append(out, i->id, 32);
    if (!err)
        err = cf_buf_append(out, small, 2);
    if (!err)
        err = cf_buf_put_be16(out, (uint16_t)i->memo_len);
    if (!err)
        err = cf_buf_put_be32(out, i->header_size);
    if (!err && i->memo_kind == CF_PLOT_MEMO_POOL_PK)
        err = cf_buf_append(out, i->pool_pk, 48);
    else if (!err) {
        uint8_t pad[48] = {0};
        memcpy(pad, i->pool_contract_ph, 32);
        err = cf_buf_append(out, pad, 48);
    }
    if (!err)
        err = cf_buf_append(out, i->farmer_pk, 48);
    for (int t = 0; !err && t < CF_PLOT_NPOINTERS; t++)
        err = cf_buf_put_be64(out, i->table[t]);
    if (!err)
        err = cf_buf_put_be64(out, i->file_size);
    if (!err)
        err = cf_buf_put_be32(out, (uint32_t)p->c2_count);
    for (size_t c = 0; !err && c < p->c2_count; c++)
        err = cf_buf_put_be64(out, p->c2[c]);
    return err;
}

enum cf_err cf_plot_open_cached(const char *path, const uint8_t *b, size_t len, unsigned flags,
                                struct cf_plot **out)
{
    struct cf_plot *p;
    struct cf_plot_info *i;
    uint32_t count;
    enum cf_err err;

    *out = NULL;
    if (len < CACHE_FIXED || memcmp(b, CACHE_MAGIC, 8) != 0)
        return cf_err_set(CF_ERR_PLOT_FORMAT, "%s: cached plot data malformed", path);
    count = cf_load_be32(b + CACHE_FIXED - 4);
    if (count == 0 || (len - CACHE_FIXED) / 8 != count || (len - CACHE_FIXED) % 8 != 0)
        return cf_err_set(CF_ERR_PLOT_FORMAT, "%s: cached plot data has a bad C2 count", path);
    if (!(p = plot_new(path)))
        return cf_err_set(CF_ERR_NOMEM, "%s: plot handle", path);
    p->flags = flags;
    i = &p->info;
    b += 8;
    memcpy(i->id, b, 32);
    i->k = b[32];
    i->memo_kind = (enum cf_plot_memo_kind)b[33];
    i->memo_len = cf_load_be16(b + 34);
    i->header_size = cf_load_be32(b + 36);
    b += 40;
    if (i->memo_kind == CF_PLOT_MEMO_POOL_PK)
        memcpy(i->pool_pk, b, 48);
    else
        memcpy(i->pool_contract_ph, b, 32);
    memcpy(i->farmer_pk, b + 48, 48);
    b += 96;
    for (int t = 0; t < CF_PLOT_NPOINTERS; t++)
        i->table[t] = cf_load_be64(b + 8 * t);
    b += 8 * CF_PLOT_NPOINTERS;
    i->file_size = cf_load_be64(b);
    b += 12;
    memcpy(i->format, CF_PLOT_FORMAT_V1, strlen(CF_PLOT_FORMAT_V1));
    err = CF_OK;
    if (i->k < CF_POS_K_MIN || i->k > CF_POS_K_MAX ||
        (i->memo_kind != CF_PLOT_MEMO_POOL_PK && i->memo_kind != CF_PLOT_MEMO_POOL_CONTRACT) ||
        i->memo_len != (i->memo_kind == CF_PLOT_MEMO_POOL_PK ? 128u : 112u))
        err = cf_err_set(CF_ERR_PLOT_FORMAT, "%s: cached plot data malformed", path);
    if (!err)
        err = cf_plot_check_layout(path, i);
    if (!err && !(p->c2 = malloc((size_t)count * sizeof *p->c2)))
        err = cf_err_set(CF_ERR_NOMEM, "%s: C2 of %u entries", path, count);
    for (uint32_t c = 0; !err && c < count; c++)
        p->c2[c] = cf_load_be64(b + 8 * (size_t)c);
    p->c2_count = count;
    if (!err && (flags & CF_PLOT_KEEP_FD)) {
        p->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (p->fd < 0)
            err = cf_err_set(CF_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    }
    if (err) {
        cf_plot_close(p);
        return err;
    }
    *out = p;
    return CF_OK;
}

/* ---- I/O helpers ---------------------------------------------------------------------------- */

enum cf_err cf_plot_fd(const struct cf_plot *p, int *fd)
{
    if (p->fd >= 0) {
        *fd = p->fd;
        return CF_OK;
    }
    *fd = open(p->path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return cf_err_set(CF_ERR_IO, "%s: cannot open: %s", p->path, strerror(errno));
    return CF_OK;
}

void cf_plot_fd_done(const struct cf_plot *p, int fd)
{
    if (fd >= 0 && fd != p->fd)
        close(fd);
}

enum cf_err cf_plot_pread(const struct cf_plot *p, int fd, void *buf, size_t n, uint64_t off,
                          struct cf_plot_io *io)
{
    size_t done = 0;

    if (io) {
        io->reads++;
        io->bytes += n;
    }
    while (done < n) {
        ssize_t r = pread(fd, (uint8_t *)buf + done, n - done, (off_t)(off + done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return cf_err_set(CF_ERR_IO, "%s: read of %zu bytes at %llu failed: %s", p->path, n,
                              (unsigned long long)off, strerror(errno));
        if (r == 0)
            return cf_err_set(CF_ERR_PLOT_TRUNCATED,
                              "%s: file ends at %llu, inside a read of %zu bytes at %llu "
                              "(truncated or still being copied)",
                              p->path, (unsigned long long)(off + done), n,
                              (unsigned long long)off);
        done += (size_t)r;
    }
    return CF_OK;
}
