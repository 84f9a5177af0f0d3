/*
 * cfarm/farmer.h: the farmer service. Harvesters connect to it; it hands them the keys, sends
 * them signage points, checks every proof they send, gathers the signatures a block needs and
 * declares winning proofs to a signage-point source (a simulated chain or a full node).
 *
 *   source --signage point--> farmer --NewSignagePointHarvester (layout per version)--> harvesters
 *   harvesters --NewProofOfSpace--> judge (cf_farmer_judge) --RequestSignatures--> harvester
 *   harvester --RespondSignatures--> farmer share (+ taproot share), aggregate verified
 *                                    --DeclareProofOfSpace--> source
 *
 * Everything runs on one event loop (cfarm/loop.h); no function here may be called from another
 * thread. Pieces that are pure functions (the proof judge, the plot-sync receiver, the simulated
 * chain's numbers) are exposed so the tests can drive them directly. docs/farmer.md explains the
 * shape and the simulated chain's numbers.
 */
#ifndef CFARM_FARMER_H
#define CFARM_FARMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfarm/bls.h"
#include "cfarm/err.h"
#include "cfarm/loop.h"
#include "cfarm/proto.h"

/* Chia keeps its per-signage-point caches for 3 sub-slots of 600 s. */
#define CF_FARMER_SP_KEEP_MS (1800u * 1000u)
#define CF_FARMER_NUM_SPS    64

/* ---- signage points ---- */

/* A signage point as the farmer sees it, whatever its source. */
struct cf_farmer_sp {
    uint8_t challenge_hash[32];
    uint8_t cc_sp[32]; /* challenge_chain_sp: the sp_hash harvesters get */
    uint8_t rc_sp[32]; /* reward_chain_sp */
    uint64_t difficulty;
    uint64_t sub_slot_iters;
    uint8_t index; /* 0..63 */
    uint32_t peak_height;
    uint32_t last_tx_height;
    bool has_filter_challenge;
    uint8_t filter_challenge[32];
};

/* ---- the proof judge ---- */

/* What Chia's farmer checks a NewProofOfSpace against. */
struct cf_farmer_rules {
    unsigned min_k, max_k; /* 32..50 on mainnet */
};

struct cf_farmer_verdict {
    uint8_t quality[32];
    uint8_t plot_id[32];
    unsigned k;
    uint64_t required_iters;
    uint64_t sp_interval_iters; /* sub_slot_iters / 64 */
    bool wins;                  /* required_iters < sp_interval_iters */
};

/*
 * Verify a proof of space for a signage point as Chia's farmer does (verify_and_get_quality_string
 * and the required-iterations test): exactly one pool field, k within the rules, plot id from the
 * pool field and plot key, the plot filter at the signage point's height, the proof-of-space
 * challenge recomputed, the proof itself, and required iterations under the signage point
 * interval (the verdict's `wins`; a valid proof that does not win is still CF_OK).
 * CF_ERR_BAD_PROOF with a one-line reason when any check fails.
 */
enum cf_err cf_farmer_judge(const struct cf_farmer_sp *sp, const struct cf_proof_of_space *pos,
                            const struct cf_farmer_rules *rules, struct cf_farmer_verdict *out);

/* Probability that one plot of size k wins one signage point (filter included), and the expected
 * seconds to win with the plots given (sizes in ks[0..n)), sp_seconds apart. 0 plots: 0. */
double cf_farmer_win_probability(unsigned k, uint64_t difficulty, uint64_t sub_slot_iters,
                                 uint32_t peak_height);
double cf_farmer_expected_time_to_win(const uint8_t *ks, size_t n, uint64_t difficulty,
                                      uint64_t sub_slot_iters, uint32_t peak_height,
                                      double sp_seconds);

/* ---- plot-sync receiver (one per harvester, as Chia's plot_sync/receiver.py) ---- */

/* PlotSyncError codes. */
enum cf_plotsync_code {
    CF_PLOTSYNC_UNKNOWN = -1,
    CF_PLOTSYNC_INVALID_STATE = 0,
    CF_PLOTSYNC_INVALID_PEER_ID = 1,
    CF_PLOTSYNC_INVALID_IDENTIFIER = 2,
    CF_PLOTSYNC_INVALID_LAST_SYNC_ID = 3,
    CF_PLOTSYNC_INVALID_CONNECTION_TYPE = 4,
    CF_PLOTSYNC_PLOT_ALREADY_AVAILABLE = 5,
    CF_PLOTSYNC_PLOT_NOT_AVAILABLE = 6,
    CF_PLOTSYNC_SYNC_IDS_MATCH = 7,
};

/* One plot the farmer knows a harvester has. */
struct cf_plotsync_plot {
    char *filename;
    uint8_t size; /* k, or 0x80 | strength */
    uint8_t plot_id[32];
    bool pool_contract;
    uint64_t file_size;
};

struct cf_plotsync;

struct cf_plotsync *cf_plotsync_new(void);
void cf_plotsync_free(struct cf_plotsync *rx); /* NULL accepted */

/*
 * Handle one plot-sync message body (types 78..84 and 112) decoded at protocol version ver. On
 * CF_OK *resp holds the PlotSyncResponse to send (its error message points into rx, valid until
 * the next call). A body that does not decode returns the codec's error (the caller closes the
 * connection, as Chia does for a message it cannot parse); nothing changes then.
 */
enum cf_err cf_plotsync_handle(struct cf_plotsync *rx, uint8_t type, int ver, const uint8_t *body,
                               size_t len, uint64_t now_s, struct cf_plot_sync_response *resp);

/* The state after the last completed sync. */
size_t cf_plotsync_plot_count(const struct cf_plotsync *rx);
/* Plots in no particular order; i < cf_plotsync_plot_count(). */
const struct cf_plotsync_plot *cf_plotsync_plot_at(const struct cf_plotsync *rx, size_t i);
const struct cf_plotsync_plot *cf_plotsync_plot_find(const struct cf_plotsync *rx,
                                                     const char *filename);
size_t cf_plotsync_invalid_count(const struct cf_plotsync *rx);
size_t cf_plotsync_keys_missing_count(const struct cf_plotsync *rx);
size_t cf_plotsync_duplicates_count(const struct cf_plotsync *rx);
const char *cf_plotsync_invalid_at(const struct cf_plotsync *rx, size_t i);
const char *cf_plotsync_keys_missing_at(const struct cf_plotsync *rx, size_t i);
const char *cf_plotsync_duplicates_at(const struct cf_plotsync *rx, size_t i);
uint64_t cf_plotsync_total_size(const struct cf_plotsync *rx);
/* A sync is under way (between start and done); *processed / *total of its plot files. */
bool cf_plotsync_syncing(const struct cf_plotsync *rx, uint32_t *processed, uint32_t *total);
/* Completed syncs so far, and the last completed sync id (0: none). */
uint64_t cf_plotsync_completed(const struct cf_plotsync *rx);
uint64_t cf_plotsync_last_sync_id(const struct cf_plotsync *rx);

/* ---- keys ---- */

struct cf_farmer_key {
    struct cf_bls_pk pk;
    struct cf_bls_sk sk;
    bool has_sk;
};

/* The farmer's keys: farmer keys (12381/8444/0/0) and pool keys (12381/8444/1/0) of every key in
 * the key file, or public keys alone (from config) for a farmer that cannot sign. Holds secrets:
 * release with cf_farmer_keys_wipe. */
struct cf_farmer_keys {
    struct cf_farmer_key *farmer;
    size_t n_farmer;
    struct cf_farmer_key *pool;
    size_t n_pool;
    /* pool_public_keys announced to harvesters (config farmer.pool_public_keys, plus the key
     * file's pool keys) */
    struct cf_bls_pk *announce_pool;
    size_t n_announce_pool;
};

struct cf_config;
/*
 * Load keys for the farmer of root: every key of the key file; without one, the hex keys of
 * farmer.farmer_public_keys in doc (config.yaml; may be NULL) with no secrets. The hex keys of
 * farmer.pool_public_keys are announced too. CF_ERR_NOT_FOUND when no farmer key is found.
 */
enum cf_err cf_farmer_keys_load(const char *root, const struct cf_config *doc,
                                struct cf_farmer_keys *out);
void cf_farmer_keys_wipe(struct cf_farmer_keys *k);

/* Decode a bech32m address (xch1..., txch1...) to its 32-byte puzzle hash. */
enum cf_err cf_farmer_decode_address(const char *addr, uint8_t ph[32]);

/* ---- the service ---- */

struct cf_farmer;
struct cf_sp_source;

/* What a source asks the farmer to sign on a block: the two foliage hashes (Chia's
 * RequestSignedValues). The callback gets CF_OK with both signatures verified under the plot
 * key, or an error. */
typedef void (*cf_farmer_signed_fn)(void *arg, enum cf_err err, const struct cf_signed_values *sv);

/* A signage-point source: the simulated chain or the full-node link. */
struct cf_sp_source_ops {
    const char *name;
    /* Declare a winning proof with its aggregated signatures (verified already). */
    void (*declare)(struct cf_sp_source *src, const struct cf_declare_proof_of_space *d,
                    const struct cf_farmer_verdict *v);
    /* Seconds between signage points (for the expected time to win). */
    double (*sp_seconds)(struct cf_sp_source *src);
    void (*free)(struct cf_sp_source *src);
};

struct cf_sp_source {
    const struct cf_sp_source_ops *ops;
    struct cf_farmer *farmer; /* set by cf_farmer_set_source */
    struct cf_farmer_rules rules;
    uint64_t blocks_won; /* counted by the source when a declaration is accepted */
};

struct cf_farmer_options {
    const char *network_id;         /* "mainnet" */
    const char *ca_crt, *crt, *key; /* private CA, private farmer certificate */
    const char *listen_host;        /* NULL: every address */
    uint16_t port;                  /* 0: any (see cf_farmer_port) */
    uint8_t farmer_puzzle_hash[32]; /* where farming rewards go */
    uint8_t pool_puzzle_hash[32];   /* pool target for plots with a pool public key */
    const char *status_path;        /* JSON status file for `cfarm farm summary`; NULL: none */
    bool limit_local;               /* rate limits on loopback too (tests) */
};

/* Create the farmer on loop with keys (the farmer takes them over and wipes them). Listens. */
enum cf_err cf_farmer_new(struct cf_loop *loop, const struct cf_farmer_options *opt,
                          struct cf_farmer_keys *keys, struct cf_farmer **out);
/* Close every connection, free the source; NULL accepted. */
void cf_farmer_free(struct cf_farmer *f);
uint16_t cf_farmer_port(const struct cf_farmer *f);
/* The farmer owns src from now on (frees it). */
void cf_farmer_set_source(struct cf_farmer *f, struct cf_sp_source *src);
/* Replace the keys (SIGHUP) and send every harvester a new HarvesterHandshake. */
void cf_farmer_set_keys(struct cf_farmer *f, struct cf_farmer_keys *keys);

/* A source calls this for each new signage point (duplicates are ignored). */
void cf_farmer_signage_point(struct cf_farmer *f, const struct cf_farmer_sp *sp);
/*
 * A source asks for the block signatures of the proof with this quality (RequestSignedValues):
 * the farmer asks the harvester that found it, adds its own share and verifies. cb is called once,
 * later (never from inside this call).
 */
enum cf_err cf_farmer_sign_values(struct cf_farmer *f, const struct cf_request_signed_values *r,
                                  cf_farmer_signed_fn cb, void *arg);

/* Counters for tests and the summary. */
struct cf_farmer_stats {
    uint64_t signage_points;
    uint64_t proofs; /* NewProofOfSpace received */
    uint64_t proofs_valid;
    uint64_t proofs_invalid;
    uint64_t proofs_winning; /* valid and under the signage point interval */
    uint64_t signatures_ok;  /* aggregates verified */
    uint64_t signatures_bad;
    uint64_t declared;
    uint64_t signed_values; /* foliage signatures verified */
    uint64_t blocks_won;
    uint64_t harvesters;   /* connected now */
    uint64_t plots;        /* in every harvester's last completed sync */
    uint64_t plots_passed; /* FarmingInfo "passed" summed */
};
void cf_farmer_stats(const struct cf_farmer *f, struct cf_farmer_stats *out);
/* Append Prometheus text-format metrics (the counters above, per-harvester plots) to out. */
enum cf_err cf_farmer_metrics(const struct cf_farmer *f, struct cf_buf *out);
/* Write the status JSON now (also done after every signage point). */
enum cf_err cf_farmer_write_status(struct cf_farmer *f);
/* The plot-sync receiver of the harvester with this node id, or NULL. */
const struct cf_plotsync *cf_farmer_harvester_plots(const struct cf_farmer *f,
                                                    const uint8_t node_id[32]);

/* ---- sources ---- */

struct cf_simchain_params {
    uint64_t seed;
    uint64_t sp_ms;          /* between signage points; Chia's 9375 scaled */
    unsigned min_k;          /* smallest k that may win */
    uint64_t difficulty;     /* 0: 1 */
    uint64_t sub_slot_iters; /* 0: 2^50 */
    uint32_t peak_height;    /* 0: 21,000,000 (5 filter bits) */
    bool sign_foliage;       /* after a declaration, ask the farmer for the block signatures */
};

/* The simulated chain: signage points from its own challenge chain, deterministic from the seed,
 * on a timer. Declarations are checked (signatures, proof) and counted as blocks won. */
enum cf_err cf_simchain_new(struct cf_loop *loop, const struct cf_simchain_params *p,
                            struct cf_sp_source **out);
/* Signage point number n of a chain (what the timer emits), for tests. */
void cf_simchain_sp(const struct cf_simchain_params *p, uint64_t n, struct cf_farmer_sp *out);

struct cf_fullnode_options {
    const char *network_id;
    const char *ca_crt;    /* Chia's public CA (chia_ca.crt) */
    const char *crt, *key; /* public_farmer.{crt,key}, signed by it */
    const char *host;
    uint16_t port; /* 8444 */
    bool limit_local;
};

/* The farmer protocol to a full node: NewSignagePoint in, DeclareProofOfSpace and SignedValues
 * out, over the public-CA connection, dialled again every 3 s while down. */
enum cf_err cf_fullnode_new(struct cf_loop *loop, const struct cf_fullnode_options *o,
                            struct cf_sp_source **out);
bool cf_fullnode_connected(const struct cf_sp_source *src);

#endif
