/*
 * cfarm/plotter.h: making chiapos v1 plot files (k = 18..32).
 *
 * The plotter runs chiapos's four phases: forward propagation of the seven tables (F1, Fx and
 * the matching function), back-propagation that drops every entry no table-7 entry reaches,
 * compression of tables 1..6 into parks of line points, then table 7's parks and the C1, C2, C3
 * checkpoint tables. The file it writes is the one chiapos writes for the same (k, id, memo):
 * the contents of a v1 plot depend on nothing else (see docs/plotter.md).
 *
 * Working space is about 140 bytes per 2^k entries (cf_plotter_mem_needed): k <= 27 fits in
 * 24 GB of memory. Past the memory budget (mem_limit, else the memory available), the big arrays
 * become files in tmp_dir, mapped into memory, and the kernel pages them to and from disk: any k
 * up to 31 can be made with little memory, slowly once its arrays exceed memory several times
 * (the accesses are partly random; see docs/plotter.md). Not enough disk in tmp_dir for what
 * does not fit in memory is refused up front with CF_ERR_TOO_LARGE naming both figures.
 * k = 32 is refused: positions are 32-bit and a k = 32 table may hold more than 2^32 entries.
 *
 * Output is atomic: the plot is written to "<path>.tmp" beside the final name, fsync'ed and
 * renamed to path only when complete. On failure or cancellation the temporary file is removed,
 * so no file ever appears under a plot name unless it is a whole plot.
 */
#ifndef CFARM_PLOTTER_H
#define CFARM_PLOTTER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfarm/err.h"
#include "cfarm/keys.h"

#define CF_PLOTTER_K_MIN 18
#define CF_PLOTTER_K_MAX 32
#define CF_PLOTTER_NAME_MAX 128

/* Progress: phase 1..4, a short label ("table 3"), and the fraction of that phase done. */
typedef void (*cf_plotter_progress_fn)(void *arg, unsigned phase, const char *label,
                                       double fraction);

struct cf_plotter_params {
    unsigned k;
    uint8_t id[32];
    uint8_t memo[CF_KEYS_MEMO_MAX];
    size_t memo_len;                 /* 128 (pool pk) or 112 (pool contract) */
    unsigned threads;                /* 0: 2 */
    uint64_t mem_limit;              /* memory budget in bytes; 0: the memory available */
    const char *tmp_dir;             /* for file-backed arrays; NULL: the plot's directory */
    cf_plotter_progress_fn progress; /* may be NULL */
    void *progress_arg;
    const volatile sig_atomic_t *cancel; /* may be NULL; non-zero stops the plot */
};

/* Statistics of a finished plot. */
struct cf_plotter_stats {
    uint64_t file_size;
    uint64_t table_entries[8];       /* entries kept in tables 1..7 (index 0 unused) */
    double seconds[3];               /* total, phase 1, phases 2-4 */
    uint64_t temp_peak;              /* most bytes held in file-backed arrays at once */
};

/* Working space the plotter needs for k (bytes, an upper estimate): memory, or memory plus
 * temporary files. */
uint64_t cf_plotter_mem_needed(unsigned k);
/* The least memory budget the plotter accepts (small arrays, per-thread buffers). */
uint64_t cf_plotter_mem_min(unsigned k);
/* Size of a plot of size k (bytes, approximate: within a few percent). */
uint64_t cf_plotter_plot_size(unsigned k);

/*
 * Write one plot to path (atomically, through "<path>.tmp"). Fails with CF_ERR_INVAL for bad
 * parameters, CF_ERR_TOO_LARGE when k needs more memory and temporary disk than there is,
 * CF_ERR_IO for file errors, CF_ERR_CANCELLED when *cancel was set, CF_ERR_NOMEM. stats may be
 * NULL. Nothing is left at path or "<path>.tmp" after a failure.
 */
enum cf_err cf_plotter_create(const struct cf_plotter_params *params, const char *path,
                              struct cf_plotter_stats *stats);

/*
 * Plot keys as `chia plots create` makes them: a fresh local master secret key (key_gen of 32
 * bytes from getrandom), the memo (pool pk or pool contract puzzle hash, farmer pk, local master
 * sk) and the plot id (sha256 of the pool part and the plot public key, with the taproot term for
 * pool-contract plots). Exactly one of pool_pk / pool_contract_ph is non-NULL. params->id,
 * memo and memo_len are filled. The memo holds a secret: wipe params after use.
 */
enum cf_err cf_plotter_make_keys(struct cf_plotter_params *params,
                                 const struct cf_bls_pk *farmer_pk,
                                 const struct cf_bls_pk *pool_pk, const uint8_t *pool_contract_ph);

/* Chia's file name: "plot-k{k}-{YYYY-MM-DD-HH-MM}-{id hex}.plot", for the local time `when`. */
void cf_plotter_name(char out[CF_PLOTTER_NAME_MAX], unsigned k, const uint8_t id[32],
                     long long when);

#endif
