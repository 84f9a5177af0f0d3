/*
 * test_farmer_parts.c: the farmer's pure parts without a network:
 *  - the plot-sync receiver: a full sync, a delta sync (add + remove), and every error it answers
 *    (invalid identifier with the expected identifier to resume from, invalid last_sync_id, sync
 *    ids match, plot already available, plot not available, a kind out of turn), resuming after
 *    an error, a harvester reset (initial sync), and a body that does not decode;
 *  - the proof judge's refusals (pool fields, k, filter, challenge, proof bytes);
 *  - the simulated chain's determinism and schedule, the win probability, bech32m addresses.
 */
#include "test.h"

#include <math.h>

#include "cfarm/consensus.h"
#include "cfarm/farmer.h"
#include "cfarm/hex.h"

static struct cf_plotsync *rx;
static uint64_t sync_id = 1000;

/* Encode a body at protocol 38 and hand it to the receiver; return the response's error code
 * (or 100 for no error, -100 when the handler failed). */
static int feed(uint8_t type, enum cf_proto_cls c, const void *body,
                struct cf_plot_sync_response *resp)
{
    struct cf_buf b;
    struct cf_plot_sync_response local;
    enum cf_err err;

    if (resp == NULL)
        resp = &local;
    cf_buf_init(&b, 64u << 20);
    if (cf_proto_encode(c, 38, body, &b) != CF_OK) {
        cf_buf_free(&b);
        return -100;
    }
    err = cf_plotsync_handle(rx, type, 38, b.data, b.len, 0, resp);
    cf_buf_free(&b);
    if (err != CF_OK)
        return -100;
    CHECK_EQ_U64(resp->message_type, type);
    return resp->error.present ? resp->error.v.code : 100;
}

static struct cf_plot_sync_identifier ident(uint64_t sid, uint64_t mid)
{
    return (struct cf_plot_sync_identifier){1700000000, sid, mid};
}

static int start(uint64_t sid, uint64_t last, bool initial, uint32_t count)
{
    struct cf_plot_sync_start s = {ident(sid, 0), initial, last, count, 1};

    return feed(CF_MSG_PLOT_SYNC_START, CF_CLS_PLOT_SYNC_START, &s, NULL);
}

static int loaded(uint64_t sid, uint64_t mid, const char *const *names, size_t n, bool final)
{
    struct cf_proto_plot plots[8];
    struct cf_plot_sync_plot_list l = {ident(sid, mid), {plots, n}, final};

    memset(plots, 0, sizeof plots);
    for (size_t i = 0; i < n; i++) {
        plots[i].filename.s = (char *)names[i];
        plots[i].filename.len = strlen(names[i]);
        plots[i].size = 32;
        plots[i].pool_contract_puzzle_hash.present = true;
        cf_bls_pk_identity(&plots[i].plot_public_key);
        plots[i].file_size = 1000;
    }
    return feed(CF_MSG_PLOT_SYNC_LOADED, CF_CLS_PLOT_SYNC_PLOT_LIST, &l, NULL);
}

static int paths(uint8_t type, uint64_t sid, uint64_t mid, const char *const *names, size_t n)
{
    struct cf_str items[8];
    struct cf_plot_sync_path_list l = {ident(sid, mid), {items, n}, true};

    for (size_t i = 0; i < n; i++) {
        items[i].s = (char *)names[i];
        items[i].len = strlen(names[i]);
    }
    return feed(type, CF_CLS_PLOT_SYNC_PATH_LIST, &l, NULL);
}

static int done(uint64_t sid, uint64_t mid)
{
    struct cf_plot_sync_done d = {ident(sid, mid), 1};

    return feed(CF_MSG_PLOT_SYNC_DONE, CF_CLS_PLOT_SYNC_DONE, &d, NULL);
}

/* A whole sync with the given loaded and removed lists; returns true when every step was OK. */
static bool full_sync(uint64_t sid, uint64_t last, bool initial, const char *const *add, size_t na,
                      const char *const *rem, size_t nr, const char *const *inv, size_t ni)
{
    bool ok = start(sid, last, initial, (uint32_t)na) == 100;

    ok = ok && loaded(sid, 1, add, na, true) == 100;
    ok = ok && paths(CF_MSG_PLOT_SYNC_REMOVED, sid, 2, rem, nr) == 100;
    ok = ok && paths(CF_MSG_PLOT_SYNC_INVALID, sid, 3, inv, ni) == 100;
    ok = ok && paths(CF_MSG_PLOT_SYNC_KEYS_MISSING, sid, 4, NULL, 0) == 100;
    ok = ok && paths(CF_MSG_PLOT_SYNC_DUPLICATES, sid, 5, NULL, 0) == 100;
    return ok && done(sid, 6) == 100;
}

static void test_plotsync(void)
{
    static const char *const ab[] = {"/p/a.plot", "/p/b.plot"}, *const c[] = {"/p/c.plot"},
                             *const a[] = {"/p/a.plot"}, *const x[] = {"/p/x.plot"},
                             *const bad[] = {"/p/bad.plot"};
    struct cf_plot_sync_response resp;
    struct cf_plot_sync_start s;
    uint32_t processed, total;

    rx = cf_plotsync_new();
    /* initial sync */
    CHECK(full_sync(sync_id, 0, true, ab, 2, NULL, 0, bad, 1));
    CHECK_EQ_U64(cf_plotsync_plot_count(rx), 2);
    CHECK_EQ_U64(cf_plotsync_invalid_count(rx), 1);
    CHECK_EQ_U64(cf_plotsync_total_size(rx), 2000);
    CHECK_EQ_U64(cf_plotsync_last_sync_id(rx), sync_id);
    CHECK(!cf_plotsync_syncing(rx, NULL, NULL));
    /* delta: add c, remove a; invalid list replaced by an empty one */
    CHECK(full_sync(sync_id + 1, sync_id, false, c, 1, a, 1, NULL, 0));
    CHECK_EQ_U64(cf_plotsync_plot_count(rx), 2);
    CHECK(cf_plotsync_plot_find(rx, "/p/c.plot") && !cf_plotsync_plot_find(rx, "/p/a.plot"));
    CHECK_EQ_U64(cf_plotsync_invalid_count(rx), 0);
    sync_id += 1;

    /* start errors: wrong last_sync_id (3), sync id equal to the last one (7), wrong message id */
    CHECK_EQ_U64(start(sync_id + 1, 5, false, 0), CF_PLOTSYNC_INVALID_LAST_SYNC_ID);
    CHECK_EQ_U64(start(sync_id, sync_id, false, 0), CF_PLOTSYNC_SYNC_IDS_MATCH);
    s = (struct cf_plot_sync_start){ident(sync_id + 1, 3), false, sync_id, 0, 1};
    CHECK_EQ_U64(feed(CF_MSG_PLOT_SYNC_START, CF_CLS_PLOT_SYNC_START, &s, &resp),
                 CF_PLOTSYNC_INVALID_IDENTIFIER);
    CHECK(resp.error.v.expected_identifier.present &&
          resp.error.v.expected_identifier.v.message_id == 0);

    /* a sync that goes wrong in the middle, then resumes where the receiver says */
    CHECK_EQ_U64(start(sync_id + 1, sync_id, false, 1), 100);
    CHECK(cf_plotsync_syncing(rx, &processed, &total) && total == 1);
    CHECK_EQ_U64(loaded(sync_id + 1, 5, x, 1, true), CF_PLOTSYNC_INVALID_IDENTIFIER);
    {
        struct cf_plot_sync_path_list l = {ident(sync_id + 1, 7), {NULL, 0}, true};

        CHECK_EQ_U64(feed(CF_MSG_PLOT_SYNC_REMOVED, CF_CLS_PLOT_SYNC_PATH_LIST, &l, &resp),
                     CF_PLOTSYNC_INVALID_IDENTIFIER);
        CHECK(resp.error.v.expected_identifier.present &&
              resp.error.v.expected_identifier.v.sync_id == sync_id + 1 &&
              resp.error.v.expected_identifier.v.message_id == 1);
    }
    CHECK_EQ_U64(loaded(sync_id + 1, 1, c, 1, false), CF_PLOTSYNC_PLOT_ALREADY_AVAILABLE);
    CHECK_EQ_U64(paths(CF_MSG_PLOT_SYNC_INVALID, sync_id + 1, 1, bad, 1),
                 CF_PLOTSYNC_INVALID_STATE);               /* invalid list while loading */
    CHECK_EQ_U64(loaded(sync_id + 1, 1, x, 1, true), 100); /* resume */
    CHECK_EQ_U64(paths(CF_MSG_PLOT_SYNC_REMOVED, sync_id + 1, 2, a, 1),
                 CF_PLOTSYNC_PLOT_NOT_AVAILABLE); /* a was removed last time */
    CHECK_EQ_U64(paths(CF_MSG_PLOT_SYNC_REMOVED, sync_id + 1, 2, NULL, 0), 100);
    {
        static const char *const twice[] = {"/p/dup.plot", "/p/dup.plot"};

        CHECK_EQ_U64(paths(CF_MSG_PLOT_SYNC_INVALID, sync_id + 1, 3, twice, 2),
                     CF_PLOTSYNC_PLOT_ALREADY_AVAILABLE);
    }
    CHECK_EQ_U64(cf_plotsync_plot_count(rx), 2); /* nothing applied before done */
    /* the harvester gives up and starts over with an initial sync: everything is reset */
    CHECK(full_sync(sync_id + 2, 0, true, x, 1, NULL, 0, NULL, 0));
    CHECK_EQ_U64(cf_plotsync_plot_count(rx), 1);
    CHECK_EQ_U64(cf_plotsync_completed(rx), 3);
    /* a body that does not decode is an error for the connection, not a response */
    CHECK(cf_plotsync_handle(rx, CF_MSG_PLOT_SYNC_START, 38, (const uint8_t *)"\x01", 1, 0,
                             &resp) != CF_OK);
    cf_plotsync_free(rx);
}

/* A consistent signage point and proof-of-space frame (the proof bytes are junk). */
static void make_case(struct cf_farmer_sp *sp, struct cf_proof_of_space *pos, uint8_t *proof,
                      uint32_t *height)
{
    uint8_t plot_id[32];

    memset(sp, 0, sizeof *sp);
    memset(pos, 0, sizeof *pos);
    sp->difficulty = 1;
    sp->sub_slot_iters = 1ull << 50;
    sp->peak_height = 21000000; /* 5 filter bits */
    *height = sp->peak_height;
    pos->pool_public_key.present = true;
    cf_bls_pk_identity(&pos->pool_public_key.v);
    cf_bls_pk_identity(&pos->plot_public_key);
    pos->size = 18;
    pos->proof.data = proof;
    pos->proof.len = 8 * 18;
    memset(proof, 0x5a, 8 * 18);
    /* find a signage point whose filter this plot passes */
    cf_pos_plot_id(plot_id, pos->pool_public_key.v.bytes, 48, pos->plot_public_key.bytes);
    for (uint32_t i = 0;; i++) {
        memset(sp->cc_sp, 0, 32);
        memcpy(sp->cc_sp, &i, sizeof i);
        if (cf_pos_passes_filter(plot_id, sp->challenge_hash, sp->cc_sp, 5))
            break;
    }
    cf_pos_challenge(pos->challenge, plot_id, sp->challenge_hash, sp->cc_sp);
}

static void expect_refusal(const struct cf_farmer_sp *sp, const struct cf_proof_of_space *pos,
                           const char *words)
{
    struct cf_farmer_rules rules = {18, 50};
    struct cf_farmer_verdict v;

    CHECK(cf_farmer_judge(sp, pos, &rules, &v) == CF_ERR_BAD_PROOF);
    if (strstr(cf_err_detail(), words) == NULL) {
        fprintf(stderr, "judge said '%s', expected '%s'\n", cf_err_detail(), words);
        CHECK(0);
    }
}

static void test_judge(void)
{
    struct cf_farmer_sp sp;
    struct cf_proof_of_space pos, p2;
    struct cf_farmer_rules strict = {32, 50};
    struct cf_farmer_verdict v;
    uint8_t proof[400];
    uint32_t h;

    make_case(&sp, &pos, proof, &h);
    expect_refusal(&sp, &pos, "does not verify"); /* junk proof bytes */
    p2 = pos;
    p2.pool_contract_puzzle_hash.present = true;
    expect_refusal(&sp, &p2, "exactly one");
    p2 = pos;
    p2.pool_public_key.present = false;
    expect_refusal(&sp, &p2, "exactly one");
    p2 = pos;
    p2.size = 17;
    expect_refusal(&sp, &p2, "outside");
    CHECK(cf_farmer_judge(&sp, &pos, &strict, &v) == CF_ERR_BAD_PROOF); /* mainnet's k >= 32 */
    p2 = pos;
    p2.challenge[0] ^= 1;
    expect_refusal(&sp, &p2, "challenge");
    sp.cc_sp[31] ^= 0x80; /* another signage point: filter or challenge fails */
    CHECK(cf_farmer_judge(&sp, &pos, &(struct cf_farmer_rules){18, 50}, &v) == CF_ERR_BAD_PROOF);
}

static void test_simchain_and_numbers(void)
{
    struct cf_simchain_params p = {.seed = 5, .sp_ms = 100, .min_k = 18};
    struct cf_farmer_sp a, b, c;
    uint8_t ph[32], want[32];
    uint8_t ks[3] = {18, 18, 32};
    double p18, eta;

    cf_simchain_sp(&p, 70, &a);
    cf_simchain_sp(&p, 70, &b);
    CHECK(memcmp(&a, &b, sizeof a) == 0); /* deterministic */
    CHECK_EQ_U64(a.index, 6);             /* 64 per sub-slot */
    cf_simchain_sp(&p, 64, &c);
    CHECK(memcmp(a.challenge_hash, c.challenge_hash, 32) == 0 && c.index == 0);
    cf_simchain_sp(&p, 63, &c);
    CHECK(memcmp(a.challenge_hash, c.challenge_hash, 32) != 0);
    CHECK_EQ_U64(a.difficulty, 1);
    CHECK_EQ_U64(a.sub_slot_iters, 1ull << 50);
    CHECK_EQ_U64(cf_pos_prefix_bits(a.peak_height), 5);
    /* k=18: 2^44 * 37 * 2^17 / 2^67 = 37/64 of qualities win, and 1/32 of plots pass */
    p18 = cf_farmer_win_probability(18, 1, 1ull << 50, 21000000);
    CHECK(fabs(p18 - 37.0 / 64 / 32) < 1e-12);
    CHECK(fabs(cf_farmer_win_probability(32, 1, 1ull << 50, 21000000) - 1.0 / 32) < 1e-12);
    eta = cf_farmer_expected_time_to_win(ks, 3, 1, 1ull << 50, 21000000, 1.0);
    CHECK(fabs(eta - 1.0 / (2 * p18 + 1.0 / 32)) < 1e-9);
    CHECK(cf_farmer_expected_time_to_win(ks, 0, 1, 1, 0, 1.0) == 0);
    /* bech32m: a real address decodes, a changed character does not */
    CHECK(cf_hex_decode_exact(want, 32,
                              "888f24c5d0fdf45143dfbb72c14aa2bfc9bfa8cd64a0279fd0e7382"
                              "10d58c7b6") == CF_OK);
    CHECK(cf_farmer_decode_address("xch13z8jf3wslh69zs7lhdevzj4zhlyml2xdvjsz087suuuzzr2cc7mq"
                                   "h59ruj",
                                   ph) == CF_OK);
    CHECK_MEM(ph, want, 32);
    CHECK(cf_farmer_decode_address("xch13z8jf3wslh69zs7lhdevzj4zhlyml2xdvjsz087suuuzzr2cc7mq"
                                   "h59ruk",
                                   ph) != CF_OK);
    CHECK(cf_farmer_decode_address("xch1qqqq", ph) != CF_OK);
    CHECK(cf_farmer_decode_address("nonsense", ph) != CF_OK);
}

int main(void)
{
    test_plotsync();
    test_judge();
    test_simchain_and_numbers();
    return test_report("test_farmer_parts");
}
