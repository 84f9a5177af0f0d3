/*
 * test_plot_format.c: the plot header parser, bit fields, line points, and a synthetic plot.
 *
 * Needs no vectors. The synthetic plot has a valid header and table layout but pseudo-random
 * table contents: lookups on it must return results or clean errors, never crash; so must
 * every truncation of it and every flipped byte.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfarm/bytes.h"
#include "cfarm/plot.h"
#include "pos/bits.h"
#include "test.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A header: magic, id, k, "v1.0", memo of memo_len bytes, ten pointers. Returns its length. */
static size_t make_header(uint8_t *out, unsigned k, unsigned memo_len, const uint64_t ptr[10])
{
    size_t n = 0;
    memcpy(out, "Proof of Space Plot", 19);
    n = 19;
    for (int i = 0; i < 32; i++)
        out[n++] = (uint8_t)(i * 7 + 1);
    out[n++] = (uint8_t)k;
    cf_store_be16(out + n, 4);
    n += 2;
    memcpy(out + n, "v1.0", 4);
    n += 4;
    cf_store_be16(out + n, (uint16_t)memo_len);
    n += 2;
    for (unsigned i = 0; i < memo_len; i++)
        out[n++] = (uint8_t)(0x10 + i);
    for (int i = 0; i < 10; i++, n += 8)
        cf_store_be64(out + n, ptr[i]);
    return n;
}

static void test_header(void)
{
    uint8_t h[512];
    uint64_t ptr[10] = {268, 300, 400, 500, 600, 700, 800, 900, 1000, 1100};
    struct cf_plot_info info;
    struct cf_plot_memo memo;
    const uint8_t *p;
    size_t n, len;

    len = make_header(h, 18, 128, ptr);
    CHECK_EQ_U64(len, 268);
    p = h, n = len;
    CHECK(cf_plot_header_parse(&p, &n, &info, &memo) == CF_OK);
    CHECK(n == 0 && p == h + len);
    CHECK_EQ_U64(info.k, 18);
    CHECK_EQ_U64(info.header_size, 268);
    CHECK(info.memo_kind == CF_PLOT_MEMO_POOL_PK && memo.kind == CF_PLOT_MEMO_POOL_PK);
    CHECK(memo.pool_pk[0] == 0x10 && memo.farmer_pk[0] == 0x10 + 48 &&
          memo.local_master_sk[0] == 0x10 + 96);
    CHECK(info.farmer_pk[47] == 0x10 + 95);
    CHECK_EQ_U64(info.table[9], 1100);
    cf_plot_memo_wipe(&memo);
    CHECK(memo.local_master_sk[0] == 0);
    len = make_header(h, 50, 112, ptr);
    CHECK_EQ_U64(len, 252);
    p = h, n = len;
    CHECK(cf_plot_header_parse(&p, &n, &info, NULL) == CF_OK);
    CHECK(info.memo_kind == CF_PLOT_MEMO_POOL_CONTRACT && info.pool_contract_ph[31] == 0x10 + 31);
    /* Every truncation is an end-of-input error, never a read past it. */
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *copy = malloc(cut + 1);
        memcpy(copy, h, cut);
        p = copy, n = cut;
        CHECK(cf_plot_header_parse(&p, &n, &info, NULL) == CF_ERR_EOF);
        free(copy);
    }
    /* Wrong magic, v2 magic, k, format, memo size. */
    struct {
        size_t off;
        uint8_t val;
        enum cf_err want;
    } bad[] = {{0, 'p', CF_ERR_PLOT_FORMAT},  {51, 17, CF_ERR_PLOT_FORMAT},
               {51, 51, CF_ERR_PLOT_FORMAT},  {57, '1', CF_ERR_PLOT_FORMAT},
               {53, 5, CF_ERR_PLOT_FORMAT},   {59, 100, CF_ERR_PLOT_FORMAT}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        make_header(h, 18, 128, ptr);
        h[bad[i].off] = bad[i].val;
        p = h, n = 268;
        CHECK(cf_plot_header_parse(&p, &n, &info, NULL) == bad[i].want);
    }
    memcpy(h, "PLOT\x02\0\0\0", 8);
    p = h, n = 268;
    CHECK(cf_plot_header_parse(&p, &n, &info, NULL) == CF_ERR_UNSUPPORTED);
    p = (const uint8_t *)"hello", n = 5;
    CHECK(cf_plot_header_parse(&p, &n, &info, NULL) == CF_ERR_PLOT_FORMAT);
}

static void test_bits(void)
{
    uint8_t buf[16];
    for (int i = 0; i < 16; i++)
        buf[i] = (uint8_t)next_rand();
    for (int trial = 0; trial < 2000; trial++) {
        unsigned nbits = 1 + (unsigned)(next_rand() % 64);
        uint64_t off = next_rand() % (128 - nbits + 1), want = 0;
        for (unsigned b = 0; b < nbits; b++) {
            uint64_t at = off + b;
            want = want << 1 | ((buf[at / 8] >> (7 - at % 8)) & 1);
        }
        CHECK_EQ_U64(cf_bits_get(buf, 16, off, nbits), want);
    }
    /* Bits past the end read as zero. */
    CHECK_EQ_U64(cf_bits_get(buf, 1, 4, 8), (uint64_t)(buf[0] & 0xf) << 4);
}

static void test_line_points(void)
{
    for (int trial = 0; trial < 20000; trial++) {
        unsigned shift = (unsigned)(next_rand() % 50);
        uint64_t x = (next_rand() >> (14 + shift)) + 1, y = next_rand() % x;
        if (trial < 4)
            x = (uint64_t)trial + 1, y = 0;
        unsigned __int128 lp = (unsigned __int128)x * (x - 1) / 2 + y;
        uint64_t gx, gy;
        cf_plot_line_point_to_square(lp, &gx, &gy);
        CHECK(gx == x && gy == y);
    }
    uint64_t x, y;
    cf_plot_line_point_to_square(0, &x, &y);
    CHECK(x == 1 && y == 0);
    cf_plot_line_point_to_square(~(unsigned __int128)0, &x, &y);
    CHECK(x == UINT64_MAX);
}

/* ---- a synthetic plot ----------------------------------------------------------------------- */

static char dir[64], path[128];

static size_t write_synthetic(void)
{
    unsigned k = 18;
    uint64_t park1 = cf_plot_park_size(k, 1), park = cf_plot_park_size(k, 2);
    uint64_t p7 = cf_plot_p7_park_size(k), c3 = cf_plot_c3_size(k), ptr[10];
    uint8_t h[512];
    ptr[0] = 268;
    ptr[1] = ptr[0] + 2 * park1;
    for (int t = 2; t <= 6; t++)
        ptr[t] = ptr[t - 1] + 2 * park;
    ptr[7] = ptr[6] + 2 * p7;       /* C1: 0, 1000, 0 */
    ptr[8] = ptr[7] + 3 * 3;        /* C2: 0, 0 */
    ptr[9] = ptr[8] + 2 * 3;        /* C3: two entries */
    size_t total = (size_t)(ptr[9] + 2 * c3);
    uint8_t *file = malloc(total);
    for (size_t i = 0; i < total; i++)
        file[i] = (uint8_t)next_rand();
    make_header(h, k, 128, ptr);
    memcpy(file, h, 268);
    memset(file + ptr[7], 0, (size_t)(ptr[9] - ptr[7]));
    file[ptr[7] + 3] = 0x0f; /* C1[1] = 0x0fxxxx >> 6 */
    cf_store_be16(file + ptr[9], 300);
    cf_store_be16(file + ptr[9] + c3, 300);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0 && write(fd, file, total) == (ssize_t)total);
    close(fd);
    free(file);
    return total;
}

static void lookups_are_clean(const struct cf_plot *p, int rounds)
{
    uint8_t ch[32], q[CF_PLOT_MAX_QUALITIES][32], proof[CF_POS_PROOF_MAX_LEN];
    size_t n, len;
    for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < 32; i++)
            ch[i] = (uint8_t)next_rand();
        enum cf_err e = cf_plot_qualities(p, ch, q, CF_PLOT_MAX_QUALITIES, &n, NULL);
        CHECK(e == CF_OK || e == CF_ERR_PLOT_CORRUPT || e == CF_ERR_PLOT_TRUNCATED);
        e = cf_plot_full_proof(p, ch, 0, proof, &len, NULL);
        CHECK(e == CF_OK || e == CF_ERR_NOT_FOUND || e == CF_ERR_PLOT_CORRUPT ||
              e == CF_ERR_PLOT_TRUNCATED || e == CF_ERR_BAD_PROOF);
        if (e && e != CF_ERR_NOT_FOUND)
            CHECK(strstr(cf_err_detail(), path) != NULL);
    }
}

static void test_synthetic(void)
{
    struct cf_plot *p = NULL, *c = NULL;
    size_t total = write_synthetic();
    struct cf_buf b;

    CHECK(cf_plot_open(path, 0, &p) == CF_OK);
    if (!p)
        return;
    CHECK_EQ_U64(cf_plot_info(p)->file_size, total);
    lookups_are_clean(p, 300);
    cf_buf_init(&b, 1 << 16);
    CHECK(cf_plot_cache_encode(p, &b) == CF_OK);
    CHECK(cf_plot_open_cached(path, b.data, b.len, CF_PLOT_KEEP_FD, &c) == CF_OK);
    if (c)
        CHECK(memcmp(cf_plot_info(c), cf_plot_info(p), sizeof(struct cf_plot_info)) == 0);
    /* Damaged cache bytes are refused, never trusted into a crash. */
    for (size_t cut = 0; cut < b.len; cut += 7) {
        struct cf_plot *x = NULL;
        CHECK(cf_plot_open_cached(path, b.data, cut, 0, &x) != CF_OK && x == NULL);
    }
    for (int t = 0; t < 200; t++) {
        struct cf_plot *x = NULL;
        uint8_t *copy = malloc(b.len);
        memcpy(copy, b.data, b.len);
        copy[next_rand() % b.len] ^= (uint8_t)(1 + next_rand() % 255);
        if (cf_plot_open_cached(path, copy, b.len, 0, &x) == CF_OK)
            lookups_are_clean(x, 3);
        cf_plot_close(x);
        free(copy);
    }
    cf_buf_free(&b);
    cf_plot_close(c);
    cf_plot_close(p);
    /* Truncations: open refuses every one, naming the file. */
    for (size_t cut = 0; cut < total; cut += (cut < 400 ? 1 : 997)) {
        CHECK(truncate(path, (off_t)cut) == 0);
        struct cf_plot *x = NULL;
        enum cf_err e = cf_plot_open(path, 0, &x);
        CHECK(e == CF_ERR_PLOT_TRUNCATED || e == CF_ERR_PLOT_FORMAT || e == CF_ERR_PLOT_CORRUPT);
        CHECK(x == NULL && strstr(cf_err_detail(), path) != NULL);
    }
    /* Flipped bytes anywhere. */
    for (int t = 0; t < 150; t++) {
        write_synthetic();
        int fd = open(path, O_WRONLY);
        for (int f = 0; f < 4; f++) {
            uint8_t v = (uint8_t)next_rand();
            off_t at = (off_t)(next_rand() % (t < 50 ? 400 : total));
            CHECK(pwrite(fd, &v, 1, at) == 1);
        }
        close(fd);
        struct cf_plot *x = NULL;
        if (cf_plot_open(path, t % 2 ? CF_PLOT_KEEP_FD : 0, &x) == CF_OK)
            lookups_are_clean(x, 20);
        cf_plot_close(x);
    }
    /* A missing file, and a file that vanished after opening. */
    CHECK(write_synthetic() > 0);
    CHECK(cf_plot_open(path, 0, &p) == CF_OK);
    unlink(path);
    uint8_t ch[32] = {0}, q[4][32];
    size_t n;
    CHECK(cf_plot_qualities(p, ch, q, 4, &n, NULL) == CF_ERR_IO);
    cf_plot_close(p);
    CHECK(cf_plot_open(path, 0, &p) == CF_ERR_IO && p == NULL);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/cfarm-plot-XXXXXX", tmp && strlen(tmp) < 30 ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "cannot make a temp dir\n");
        return 1;
    }
    snprintf(path, sizeof path, "%s/synthetic.plot", dir);
    test_header();
    test_bits();
    test_line_points();
    test_synthetic();
    unlink(path);
    rmdir(dir);
    return test_report("test_plot_format");
}
