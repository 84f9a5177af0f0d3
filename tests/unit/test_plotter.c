/*
 * test_plotter.c: the plotter on its own (no shared vectors needed):
 *   - the FSE encoder against cfarm's decoder, for every chiapos table;
 *   - plot keys: memo layout and plot id for both memo kinds, fresh local keys;
 *   - k = 18 and k = 19 plots read back by cfarm's prover: proofs for 100 challenges at about
 *     one per challenge, every one accepted by the verifier with the same quality;
 *   - a cancelled plot and a refused one leave no file; Chia's file names.
 * Byte-identity with chiapos's own plots is tested by the vector suite vec_plotter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfarm/fse.h"
#include "cfarm/hash.h"
#include "cfarm/keys.h"
#include "cfarm/plot.h"
#include "cfarm/plotter.h"
#include "cfarm/pos.h"
#include "pos/plotter/fse_enc.h"
#include "test.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Symbols roughly as the deltas of a park: mostly small. */
static uint8_t small_symbol(unsigned nsymbols)
{
    unsigned v = 0;

    while ((rnd() & 3) != 0 && v + 1 < nsymbols && v < 12)
        v++;
    return (uint8_t)v;
}

static void test_fse_round_trip(void)
{
    static const size_t sizes[] = {3, 4, 5, 6, 7, 100, 2047, 9999};
    static uint8_t src[10000], dec[10000], enc[CF_FSE_ENC_BOUND(10000)];

    for (unsigned which = 1; which <= 7; which++) {
        const struct cf_fse_ctable *ct = cf_fse_pos_ctable(which);
        const struct cf_fse_table *dt = cf_fse_pos_table(which);
        CHECK(ct != NULL && dt != NULL);
        if (!ct || !dt)
            return;
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            size_t n = sizes[s], len = 0, got = 0;
            for (size_t i = 0; i < n; i++)
                src[i] = small_symbol(ct->nsymbols);
            CHECK(cf_fse_encode(ct, src, n, enc, &len) == CF_OK);
            CHECK(len > 0 && len < n + 16);
            CHECK(cf_fse_decompress(dt, dec, n, enc, len, &got) == CF_OK);
            CHECK_EQ_U64(got, n);
            CHECK_MEM(dec, src, n);
        }
        size_t len = 99;
        CHECK(cf_fse_encode(ct, src, 2, enc, &len) == CF_OK);
        CHECK_EQ_U64(len, 0); /* FSE stores nothing for two symbols or fewer */
        src[0] = 255;
        CHECK(cf_fse_encode(ct, src, 5, enc, &len) == CF_ERR_INVAL);
    }
}

/* A farmer or pool public key from a fixed seed. */
static void make_pk(struct cf_bls_pk *pk, uint8_t seed_byte)
{
    uint8_t seed[32];
    struct cf_bls_sk sk;

    memset(seed, seed_byte, sizeof seed);
    CHECK(cf_keys_keygen(&sk, seed, sizeof seed) == CF_OK);
    cf_bls_sk_to_pk(pk, &sk);
}

static void check_keys(const struct cf_plotter_params *p, const struct cf_bls_pk *farmer,
                       const struct cf_bls_pk *pool, const uint8_t *contract)
{
    size_t pool_len = contract ? 32 : 48;
    struct cf_keys_memo memo;
    struct cf_bls_sk local_sk;
    struct cf_bls_pk local_pk, plot_pk;
    uint8_t pre[80], id[32];

    CHECK_EQ_U64(p->memo_len, contract ? 112 : 128);
    CHECK_MEM(p->memo, contract ? contract : pool->bytes, pool_len);
    CHECK_MEM(p->memo + pool_len, farmer->bytes, 48);
    CHECK(cf_keys_memo_parse(&memo, p->memo, p->memo_len) == CF_OK);
    CHECK(memo.pool_contract == (contract != NULL));
    /* The plot id from first principles: local_sk = local master / 12381/8444/3/0, plot pk =
     * local pk + farmer pk (+ taproot pk for contract plots), id = sha256(pool || plot pk). */
    CHECK(cf_keys_local_sk(&local_sk, &memo.local_master_sk) == CF_OK);
    cf_bls_sk_to_pk(&local_pk, &local_sk);
    CHECK(cf_keys_plot_pk(&plot_pk, &local_pk, farmer, contract != NULL) == CF_OK);
    memcpy(pre, contract ? contract : pool->bytes, pool_len);
    memcpy(pre + pool_len, plot_pk.bytes, 48);
    cf_sha256(id, pre, pool_len + 48);
    CHECK_MEM(p->id, id, 32);
}

static void test_keys(void)
{
    struct cf_plotter_params a, b;
    struct cf_bls_pk farmer, pool;
    uint8_t contract[32];

    make_pk(&farmer, 1);
    make_pk(&pool, 2);
    memset(contract, 0xab, sizeof contract);
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    CHECK(cf_plotter_make_keys(&a, &farmer, &pool, NULL) == CF_OK);
    check_keys(&a, &farmer, &pool, NULL);
    CHECK(cf_plotter_make_keys(&b, &farmer, &pool, NULL) == CF_OK);
    CHECK(memcmp(a.id, b.id, 32) != 0); /* a fresh local key each time */
    CHECK(cf_plotter_make_keys(&a, &farmer, NULL, contract) == CF_OK);
    check_keys(&a, &farmer, NULL, contract);
    CHECK(cf_plotter_make_keys(&a, &farmer, &pool, contract) == CF_ERR_INVAL);
    CHECK(cf_plotter_make_keys(&a, &farmer, NULL, NULL) == CF_ERR_INVAL);
}

static void test_name(void)
{
    char name[CF_PLOTTER_NAME_MAX];
    uint8_t id[32];

    for (int i = 0; i < 32; i++)
        id[i] = (uint8_t)i;
    setenv("TZ", "UTC", 1);
    cf_plotter_name(name, 32, id, 1716197400LL); /* 2024-05-20 09:30 UTC */
    CHECK_STR(name, "plot-k32-2024-05-20-09-30-"
                    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f.plot");
}

static char tmpdir[256];

static void params_for(struct cf_plotter_params *p, unsigned k, uint8_t seed)
{
    memset(p, 0, sizeof *p);
    p->k = k;
    p->threads = 2;
    for (int i = 0; i < 32; i++)
        p->id[i] = (uint8_t)(seed * 31 + i * 7);
    for (int i = 0; i < 128; i++)
        p->memo[i] = (uint8_t)(seed + i);
    p->memo_len = 128;
}

/* Plot, open with the prover, and check 100 challenges. */
static void test_plot(unsigned k)
{
    struct cf_plotter_params p;
    struct cf_plotter_stats st;
    struct cf_plot *plot = NULL;
    static struct cf_plot_proof proofs[CF_PLOT_MAX_QUALITIES];
    char path[512];
    unsigned total = 0, bad = 0;

    params_for(&p, k, (uint8_t)k);
    snprintf(path, sizeof path, "%s/k%u.plot", tmpdir, k);
    CHECK(cf_plotter_create(&p, path, &st) == CF_OK);
    CHECK(st.file_size > 0);
    CHECK(cf_plot_open(path, 0, &plot) == CF_OK);
    if (!plot)
        return;
    const struct cf_plot_info *info = cf_plot_info(plot);
    CHECK_EQ_U64(info->k, k);
    CHECK_MEM(info->id, p.id, 32);
    CHECK_EQ_U64(info->file_size, st.file_size);
    CHECK_EQ_U64(info->memo_kind, CF_PLOT_MEMO_POOL_PK);
    for (unsigned i = 0; i < 100; i++) {
        char text[32];
        uint8_t challenge[32], q[CF_POS_QUALITY_LEN];
        size_t n = 0;
        snprintf(text, sizeof text, "challenge%u", i);
        cf_sha256(challenge, text, strlen(text));
        CHECK(cf_plot_prove(plot, challenge, proofs, CF_PLOT_MAX_QUALITIES, &n, NULL) == CF_OK);
        total += (unsigned)n;
        for (size_t j = 0; j < n; j++)
            if (cf_pos_verify(p.id, k, challenge, proofs[j].proof, proofs[j].proof_len, q) !=
                    CF_OK ||
                memcmp(q, proofs[j].quality, sizeof q) != 0)
                bad++;
    }
    printf("k=%u: %u proofs for 100 challenges, %u not verified\n", k, total, bad);
    CHECK_EQ_U64(bad, 0);
    /* Table 7 holds about 0.9 * 2^k entries: ~90 proofs expected, sd ~10 (clustered). */
    CHECK(total >= 45 && total <= 160);
    cf_plot_close(plot);
    unlink(path);
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    struct stat st;

    if (!f)
        return NULL;
    if (fstat(fileno(f), &st) == 0 && (buf = malloc((size_t)st.st_size + 1)) &&
        fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        free(buf);
        buf = NULL;
    }
    *len = (size_t)st.st_size;
    fclose(f);
    return buf;
}

/* A budget far below what k = 18 needs: the big arrays become files in tmp_dir, and the plot
 * must come out the same as the one made in memory. */
static void test_file_backed(void)
{
    struct cf_plotter_params p;
    struct cf_plotter_stats st;
    char a[512], b[512];
    size_t la = 0, lb = 0;
    uint8_t *ba, *bb;

    params_for(&p, 18, 9);
    p.memo_len = 112;
    snprintf(a, sizeof a, "%s/mem.plot", tmpdir);
    snprintf(b, sizeof b, "%s/disk.plot", tmpdir);
    CHECK(cf_plotter_create(&p, a, &st) == CF_OK);
    CHECK_EQ_U64(st.temp_peak, 0);
    p.mem_limit = 9 << 20;
    p.tmp_dir = tmpdir;
    CHECK(cf_plotter_create(&p, b, &st) == CF_OK);
    CHECK(st.temp_peak > (20u << 20)); /* most arrays went to files */
    ba = slurp(a, &la);
    bb = slurp(b, &lb);
    CHECK(ba && bb && la == lb && la > 0 && memcmp(ba, bb, la) == 0);
    free(ba);
    free(bb);
    unlink(a);
    unlink(b);
}

static void test_no_file_left(void)
{
    struct cf_plotter_params p;
    volatile sig_atomic_t cancel = 1;
    char path[512], tmp[520];
    struct stat st;

    params_for(&p, 18, 5);
    p.cancel = &cancel;
    snprintf(path, sizeof path, "%s/cancelled.plot", tmpdir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    CHECK(cf_plotter_create(&p, path, NULL) == CF_ERR_CANCELLED);
    CHECK(stat(path, &st) != 0);
    CHECK(stat(tmp, &st) != 0);

    params_for(&p, 18, 6);
    p.mem_limit = 1 << 20;
    CHECK(cf_plotter_create(&p, path, NULL) == CF_ERR_TOO_LARGE);
    CHECK(stat(path, &st) != 0);
    CHECK(stat(tmp, &st) != 0);

    params_for(&p, 17, 6);
    CHECK(cf_plotter_create(&p, path, NULL) == CF_ERR_INVAL);
    params_for(&p, 18, 6);
    p.memo_len = 100;
    CHECK(cf_plotter_create(&p, path, NULL) == CF_ERR_INVAL);
}

int main(void)
{
    const char *base = getenv("TMPDIR");

    snprintf(tmpdir, sizeof tmpdir, "%s/cfarm-test-plotter-XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_fse_round_trip();
    test_keys();
    test_name();
    test_no_file_left();
    test_file_backed();
    test_plot(18);
    test_plot(19);
    rmdir(tmpdir);
    return test_report("test_plotter");
}
