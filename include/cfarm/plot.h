/*
 * cfarm/plot.h: reading chiapos v1 plot files: header, memo, qualities and full proofs.
 *
 * A struct cf_plot is an opaque handle opened by path. It keeps only what lookups need: the
 * header fields, the ten table offsets and the C2 checkpoint table (a few dozen bytes at k=32).
 * Everything else is read on demand with pread(), so one harvester can hold tens of thousands of
 * plots open with about a hundred bytes each. Its state never changes after opening, so lookups
 * on one handle may run from several threads at once (pread has no shared file offset).
 *
 * File descriptors: by default a lookup opens the file, reads and closes it again, so an open
 * handle holds no descriptor. CF_PLOT_KEEP_FD keeps one descriptor for the handle's lifetime.
 *
 * A harvester restarting with 50,000 plots need not re-read every header: cf_plot_cache_encode()
 * serialises what the handle knows, and cf_plot_open_cached() rebuilds the handle from those
 * bytes without touching the file.
 *
 * Secrets: the memo holds the plot's local master secret key. The handle does not keep it; only
 * cf_plot_read_memo() reads it, into the caller's struct, which the caller wipes with
 * cf_plot_memo_wipe() when done.
 *
 * Errors name the file and what is wrong in cf_err_detail(): CF_ERR_IO (open/read failed),
 * CF_ERR_PLOT_FORMAT (not a v1 plot: bad magic, format, k, memo size), CF_ERR_UNSUPPORTED (a v2 /
 * compressed plot), CF_ERR_PLOT_TRUNCATED (shorter than its tables say, e.g. still being copied),
 * CF_ERR_PLOT_CORRUPT (inconsistent contents found during a lookup).
 */
#ifndef CFARM_PLOT_H
#define CFARM_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfarm/buf.h"
#include "cfarm/err.h"
#include "cfarm/pos.h"

#define CF_PLOT_MAGIC "Proof of Space Plot"
#define CF_PLOT_MAGIC_LEN 19
#define CF_PLOT_FORMAT_V1 "v1.0"
#define CF_PLOT_MEMO_MAX 128
/* Most qualities one challenge can return (chiapos has no cap; real plots see a handful). */
#define CF_PLOT_MAX_QUALITIES 64

/* Indexes into table[]: tables 1..7 are 0..6, then the checkpoint tables. */
enum { CF_PLOT_C1 = 7, CF_PLOT_C2 = 8, CF_PLOT_C3 = 9, CF_PLOT_NPOINTERS = 10 };

enum cf_plot_memo_kind {
    CF_PLOT_MEMO_POOL_PK = 1,       /* 128 bytes: pool pk (48) || farmer pk (48) || sk (32) */
    CF_PLOT_MEMO_POOL_CONTRACT = 2, /* 112 bytes: puzzle hash (32) || farmer pk (48) || sk (32) */
};

/* The public part of a plot header, parsed. A plain value, safe to copy and store. */
struct cf_plot_info {
    uint8_t id[CF_POS_ID_LEN];
    unsigned k;
    char format[16];                /* "v1.0" */
    enum cf_plot_memo_kind memo_kind;
    uint8_t pool_pk[48];            /* POOL_PK plots */
    uint8_t pool_contract_ph[32];   /* POOL_CONTRACT plots */
    uint8_t farmer_pk[48];
    unsigned memo_len;
    uint32_t header_size;           /* bytes before table 1 (= table[0]) */
    uint64_t table[CF_PLOT_NPOINTERS];
    uint64_t file_size;
};

/* The whole memo, secret key included. Wipe with cf_plot_memo_wipe(). */
struct cf_plot_memo {
    enum cf_plot_memo_kind kind;
    uint8_t pool_pk[48];
    uint8_t pool_contract_ph[32];
    uint8_t farmer_pk[48];
    uint8_t local_master_sk[32];
};

/* Reads and bytes read by one lookup, added to (the caller zeroes it). */
struct cf_plot_io {
    uint64_t reads;
    uint64_t bytes;
};

struct cf_plot;

enum { CF_PLOT_KEEP_FD = 1 };

/*
 * Parse a v1 header from the start of a file: on success fills *info (file_size left 0) and
 * *memo (when not NULL; wipe it) and advances the cursor past the ten table pointers. Fails with
 * CF_ERR_EOF when the bytes end early, CF_ERR_PLOT_FORMAT / CF_ERR_UNSUPPORTED otherwise.
 */
enum cf_err cf_plot_header_parse(const uint8_t **p, size_t *n, struct cf_plot_info *info,
                                 struct cf_plot_memo *memo);

/* Open a plot: reads the header and C2 and checks the table offsets against the file size. */
enum cf_err cf_plot_open(const char *path, unsigned flags, struct cf_plot **out);

/* Serialise what the handle knows (no secret) for cf_plot_open_cached(). */
enum cf_err cf_plot_cache_encode(const struct cf_plot *p, struct cf_buf *out);

/* Rebuild a handle from cf_plot_cache_encode() bytes without reading the file. Untrusted bytes:
 * malformed input fails with CF_ERR_PLOT_FORMAT. */
enum cf_err cf_plot_open_cached(const char *path, const uint8_t *bytes, size_t len,
                                unsigned flags, struct cf_plot **out);

/* Close; accepts NULL. */
void cf_plot_close(struct cf_plot *p);

const struct cf_plot_info *cf_plot_info(const struct cf_plot *p);
const char *cf_plot_path(const struct cf_plot *p);
/* C2 as chiapos loads it (all entries but the last, stopping where they decrease). */
const uint64_t *cf_plot_c2(const struct cf_plot *p, size_t *count);

/* Read the memo again from the file (one pread); the caller wipes *memo. */
enum cf_err cf_plot_read_memo(const struct cf_plot *p, struct cf_plot_memo *memo);
void cf_plot_memo_wipe(struct cf_plot_memo *memo);

/*
 * Qualities for a challenge, in chiapos's order (GetQualitiesForChallenge). Writes up to max
 * qualities and sets *count to the number found (no challenge match: CF_OK with 0).
 * io (may be NULL) receives reads and bytes read.
 */
enum cf_err cf_plot_qualities(const struct cf_plot *p, const uint8_t challenge[32],
                              uint8_t (*qualities)[CF_POS_QUALITY_LEN], size_t max,
                              size_t *count, struct cf_plot_io *io);

/*
 * The index-th full proof for a challenge as chiapos's GetFullProof returns it: 64 x values
 * in proof order, packed into 8k bytes at proof (room for CF_POS_PROOF_MAX_LEN). Index beyond
 * the qualities: CF_ERR_NOT_FOUND.
 */
enum cf_err cf_plot_full_proof(const struct cf_plot *p, const uint8_t challenge[32],
                               size_t index, uint8_t *proof, size_t *proof_len,
                               struct cf_plot_io *io);

/* One proof with its quality, from cf_plot_prove(). */
struct cf_plot_proof {
    uint8_t quality[CF_POS_QUALITY_LEN];
    uint8_t proof[CF_POS_PROOF_MAX_LEN];
    size_t proof_len;
};

/*
 * Qualities and full proofs together in one pass (each quality is derived from its proof's
 * table-1 pair, so no quality-path read is repeated). Same order and count rules as
 * cf_plot_qualities().
 */
enum cf_err cf_plot_prove(const struct cf_plot *p, const uint8_t challenge[32],
                          struct cf_plot_proof *proofs, size_t max, size_t *count,
                          struct cf_plot_io *io);

/* Lower level, for tests and tools: the table-6 positions read from table 7 for the challenge
 * (chiapos's GetP7Entries), and the 64 x values of one proof in on-disk order. */
enum cf_err cf_plot_p7_entries(const struct cf_plot *p, const uint8_t challenge[32],
                               uint64_t *entries, size_t max, size_t *count,
                               struct cf_plot_io *io);
enum cf_err cf_plot_proof_xs_disk(const struct cf_plot *p, uint64_t p7_entry,
                                  uint64_t xs[CF_POS_PROOF_XS], struct cf_plot_io *io);
/* The line point stored at position of table (1..6). */
enum cf_err cf_plot_line_point(const struct cf_plot *p, unsigned table, uint64_t position,
                               unsigned __int128 *line_point, struct cf_plot_io *io);

/* (x, y) with x >= y and line_point = x(x-1)/2 + y, as chiapos's LinePointToSquare. */
void cf_plot_line_point_to_square(unsigned __int128 line_point, uint64_t *x, uint64_t *y);

/* chiapos's sizes: park bytes for table 1..6, P7 park bytes, C3 entry bytes. */
uint64_t cf_plot_park_size(unsigned k, unsigned table);
uint64_t cf_plot_p7_park_size(unsigned k);
uint64_t cf_plot_c3_size(unsigned k);

#endif
