/*
 * test_consensus.c: plot filter, proof-of-space challenge, expected plot size, required
 * iterations (including max(1, .) and the uint64 overflow Chia raises on) and plot id, without
 * the shared vectors. Expected numbers were computed independently with Python big integers.
 */
#include <string.h>

#include "cfarm/consensus.h"
#include "cfarm/hash.h"
#include "test.h"

static void test_expected_size(void)
{
    uint64_t v = 0;

    CHECK(cf_pos_expected_plot_size(1, &v) == CF_OK && v == 3);
    CHECK(cf_pos_expected_plot_size(18, &v) == CF_OK && v == 37ull << 17);
    CHECK(cf_pos_expected_plot_size(32, &v) == CF_OK && v == 65ull << 31);
    CHECK(cf_pos_expected_plot_size(58, &v) == CF_OK && v == 117ull << 57);
    CHECK(cf_pos_expected_plot_size(59, &v) == CF_ERR_TOO_LARGE);
    CHECK(cf_pos_expected_plot_size(200, &v) == CF_ERR_TOO_LARGE);
    CHECK(cf_pos_expected_plot_size(0, &v) == CF_ERR_INVAL);
}

static void test_required_iters(void)
{
    uint8_t zero[32] = {0};
    uint64_t it = 0;

    /* sp quality = sha256(64 zero bytes); k = 18, difficulty 1, dcf 2^67. */
    CHECK(cf_pos_required_iters(&it, zero, zero, 18, 1, 8, 0) == CF_OK);
    CHECK_EQ_U64(it, 29199272153902ull);
    /* The result is at least 1. */
    CHECK(cf_pos_required_iters(&it, zero, zero, 18, 0, 8, 0) == CF_OK);
    CHECK_EQ_U64(it, 1);
    CHECK(cf_pos_required_iters(&it, zero, zero, 32, 1000, 0, 33554432) == CF_OK);
    CHECK_EQ_U64(it, 1);
    /* Too large for uint64: Chia raises. */
    it = 77;
    CHECK(cf_pos_required_iters(&it, zero, zero, 32, UINT64_MAX, UINT64_MAX, UINT64_MAX) ==
          CF_ERR_TOO_LARGE);
    CHECK_EQ_U64(it, 77);
    CHECK(cf_pos_required_iters(&it, zero, zero, 59, 1, 8, 0) == CF_ERR_TOO_LARGE);
}

static void test_filter(void)
{
    uint8_t id[32], ch[32], sp[32], fi[32], in[96], want[32];

    for (int i = 0; i < 32; i++) {
        id[i] = (uint8_t)i;
        ch[i] = (uint8_t)(100 + i);
        sp[i] = (uint8_t)(200 + i);
    }
    memcpy(in, id, 32);
    memcpy(in + 32, ch, 32);
    memcpy(in + 64, sp, 32);
    cf_sha256(want, in, 96);
    cf_pos_filter_input(fi, id, ch, sp);
    CHECK_MEM(fi, want, 32);
    cf_sha256(want, fi, 32);
    cf_pos_challenge(fi, id, ch, sp);
    CHECK_MEM(fi, want, 32);
    CHECK(cf_pos_passes_filter(id, ch, sp, 0));

    /* Find inputs whose filter input starts with exactly 9 zero bits. */
    unsigned seen = 0;
    for (unsigned j = 0; j < 200000 && !seen; j++) {
        sp[0] = (uint8_t)j;
        sp[1] = (uint8_t)(j >> 8);
        sp[2] = (uint8_t)(j >> 16);
        cf_pos_filter_input(fi, id, ch, sp);
        if (fi[0] == 0 && (fi[1] & 0xc0) == 0x40) {
            seen = 1;
            CHECK(cf_pos_passes_filter(id, ch, sp, 9));
            CHECK(!cf_pos_passes_filter(id, ch, sp, 10));
            CHECK(cf_pos_passes_filter(id, ch, sp, 4));
        }
    }
    CHECK(seen);

    CHECK_EQ_U64(cf_pos_prefix_bits(0), 9);
    CHECK_EQ_U64(cf_pos_prefix_bits(5495999), 9);
    CHECK_EQ_U64(cf_pos_prefix_bits(5496000), 8);
    CHECK_EQ_U64(cf_pos_prefix_bits(10542000), 7);
    CHECK_EQ_U64(cf_pos_prefix_bits(15592000), 6);
    CHECK_EQ_U64(cf_pos_prefix_bits(20643000), 5);
    CHECK_EQ_U64(cf_pos_prefix_bits(UINT32_MAX), 5);
}

static void test_plot_id(void)
{
    uint8_t pool[48], pk[48], in[96], want[32], got[32];

    for (int i = 0; i < 48; i++) {
        pool[i] = (uint8_t)(3 * i);
        pk[i] = (uint8_t)(5 * i);
    }
    memcpy(in, pool, 48);
    memcpy(in + 48, pk, 48);
    cf_sha256(want, in, 96);
    CHECK(cf_pos_plot_id(got, pool, 48, pk) == CF_OK);
    CHECK_MEM(got, want, 32);
    memcpy(in + 32, pk, 48);
    cf_sha256(want, in, 80);
    CHECK(cf_pos_plot_id(got, pool, 32, pk) == CF_OK);
    CHECK_MEM(got, want, 32);
    CHECK(cf_pos_plot_id(got, pool, 33, pk) == CF_ERR_INVAL);
}

int main(void)
{
    test_expected_size();
    test_required_iters();
    test_filter();
    test_plot_id();
    return test_report("test_consensus");
}
