/*
 * test_pos_fse.c: chiapos's tANS tables and the streaming decoder.
 *
 * A small encoder lives here, in the test only: it builds a stream backwards from the decoding
 * table (each decoder state must land on the next state of its lane), so a round trip checks
 * the decoder's bit order, its two interleaved states and its exact symbol count. Garbage
 * streams check that the streaming paths (one symbol, bulk) agree with the whole-buffer decode.
 */
#include <stdlib.h>
#include <string.h>

#include "cfarm/fse.h"
#include "test.h"

static uint64_t rng = 88172645463325252ull;

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A symbol drawn from the table's own distribution (a random cell). */
static uint8_t draw(const struct cf_fse_table *t)
{
    return t->cells[next_rand() % (1u << t->table_log)].symbol;
}

static size_t test_encode(const struct cf_fse_table *t, const uint8_t *sym, size_t n,
                          uint8_t *out, size_t cap)
{
    unsigned L = t->table_log, size = 1u << L;
    unsigned *st = malloc(n * sizeof *st);
    uint8_t *bits = malloc(n * 16 + 64);
    size_t nb = 0, bytes = 0;

    if (!st || !bits || n < 2)
        goto out;
    for (size_t i = n - 2; i < n; i++)
        for (unsigned u = 0; u < size; u++)
            if (t->cells[u].symbol == sym[i]) {
                st[i] = u;
                break;
            }
    for (size_t i = n - 2; i-- > 0;) {
        unsigned target = st[i + 2], found = size;
        for (unsigned u = 0; u < size && found == size; u++) {
            const struct cf_fse_cell *c = &t->cells[u];
            if (c->symbol == sym[i] && c->new_state <= target &&
                target < c->new_state + (1u << c->nb_bits))
                found = u;
        }
        if (found == size)
            goto out;
        st[i] = found;
    }
    /* Bits in the order the decoder reads them. */
#define PUSH(v, w)                                                                          \
    do {                                                                                    \
        for (unsigned b_ = (w); b_-- > 0;)                                                  \
            bits[nb++] = (uint8_t)(((v) >> b_) & 1);                                        \
    } while (0)
    PUSH(st[0], L);
    PUSH(st[1], L);
    for (size_t i = 0; i + 2 < n; i++) {
        const struct cf_fse_cell *c = &t->cells[st[i]];
        PUSH(st[i + 2] - c->new_state, c->nb_bits);
    }
#undef PUSH
    bytes = nb / 8 + 1;
    if (bytes > cap) {
        bytes = 0;
        goto out;
    }
    memset(out, 0, bytes);
    out[nb / 8] |= (uint8_t)(1u << (nb % 8)); /* end mark */
    for (size_t j = 0; j < nb; j++) {
        size_t p = nb - 1 - j;
        if (bits[j])
            out[p / 8] |= (uint8_t)(1u << (p % 8));
    }
out:
    free(st);
    free(bits);
    return bytes;
}

static void test_counts(void)
{
    for (unsigned w = 1; w <= 7; w++) {
        int16_t c[CF_FSE_MAX_SYMBOLS];
        unsigned n = 0, sum = 0;
        CHECK(cf_fse_normalized_count(cf_fse_pos_r(w), c, &n) == CF_OK);
        CHECK(n > 10 && n <= CF_FSE_MAX_SYMBOLS);
        for (unsigned i = 0; i < n; i++) {
            CHECK(c[i] == -1 || c[i] > 1);
            sum += c[i] == -1 ? 1 : (unsigned)c[i];
        }
        CHECK_EQ_U64(sum, CF_FSE_TABLE_SIZE);
        /* Past delta 1 the distribution only decreases (delta 0 can be less likely than 1). */
        for (unsigned i = 2; i < n; i++)
            CHECK((c[i] == -1 ? 1 : c[i]) <= (c[i - 1] == -1 ? 1 : c[i - 1]));
        CHECK(cf_fse_pos_table(w) != NULL);
    }
    CHECK(cf_fse_pos_table(0) == NULL && cf_fse_pos_table(8) == NULL);
    int16_t c[CF_FSE_MAX_SYMBOLS];
    unsigned n;
    CHECK(cf_fse_normalized_count(0, c, &n) == CF_ERR_INVAL);
}

static void test_build_rejects(void)
{
    static struct cf_fse_table t;
    int16_t c[4] = {8, 8, 8, 7};
    CHECK(cf_fse_build_dtable(&t, c, 4, 5) == CF_ERR_INVAL); /* sums to 31 */
    c[3] = 8;
    CHECK(cf_fse_build_dtable(&t, c, 4, 5) == CF_OK);
    c[0] = -2;
    CHECK(cf_fse_build_dtable(&t, c, 4, 5) == CF_ERR_INVAL);
    CHECK(cf_fse_build_dtable(&t, c, 0, 5) == CF_ERR_INVAL);
}

static void test_round_trip(void)
{
    static uint8_t sym[12000], got[12000], enc[20000];
    static const size_t lens[] = {2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 100, 1000, 2047, 9999};
    for (unsigned w = 1; w <= 7; w++) {
        const struct cf_fse_table *t = cf_fse_pos_table(w);
        for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
            size_t n = lens[li], made = 0;
            for (size_t i = 0; i < n; i++)
                sym[i] = draw(t);
            size_t bytes = test_encode(t, sym, n, enc, sizeof enc);
            CHECK(bytes > 0);
            /* Whole-buffer decode into a larger buffer: exact count, zeros after. */
            memset(got, 0xaa, n + 10);
            CHECK(cf_fse_decompress(t, got, n + 10, enc, bytes, &made) == CF_OK);
            CHECK_EQ_U64(made, n);
            CHECK(memcmp(got, sym, n) == 0);
            for (size_t i = n; i < n + 10; i++)
                CHECK(got[i] == 0);
            /* Streaming: one at a time, and in uneven bulk pieces. */
            struct cf_fse_dec d;
            CHECK(cf_fse_dec_init(&d, t, enc, bytes, n + 10) == CF_OK);
            bool same = true;
            for (size_t i = 0; i < n + 10; i++) {
                uint8_t s;
                if (cf_fse_dec_next(&d, &s) || s != (i < n ? sym[i] : 0))
                    same = false;
            }
            CHECK(same);
            uint8_t s;
            CHECK(cf_fse_dec_next(&d, &s) == CF_ERR_INVAL);
            CHECK(cf_fse_dec_init(&d, t, enc, bytes, n + 10) == CF_OK);
            for (size_t i = 0; i < n + 10;) {
                size_t m = 1 + next_rand() % 37;
                if (m > n + 10 - i)
                    m = n + 10 - i;
                CHECK(cf_fse_dec_take(&d, got + i, m) == CF_OK);
                i += m;
            }
            CHECK(memcmp(got, sym, n) == 0);
            /* A buffer one short of the stream is an error, as in FSE. */
            if (n > 4)
                CHECK(cf_fse_decompress(t, got, n - 1, enc, bytes, &made) ==
                      CF_ERR_PLOT_CORRUPT);
        }
    }
}

static void test_garbage(void)
{
    static uint8_t src[600], a[3000], b[3000];
    const struct cf_fse_table *t = cf_fse_pos_table(2);
    struct cf_fse_dec d;

    CHECK(cf_fse_dec_init(&d, t, src, 0, 10) == CF_ERR_PLOT_CORRUPT);
    src[0] = 0;
    CHECK(cf_fse_dec_init(&d, t, src, 1, 10) == CF_ERR_PLOT_CORRUPT);
    for (int trial = 0; trial < 3000; trial++) {
        size_t n = 1 + next_rand() % sizeof src, max = 1 + next_rand() % 2047, made = 0;
        for (size_t i = 0; i < n; i++)
            src[i] = (uint8_t)next_rand();
        enum cf_err e1 = cf_fse_decompress(t, a, max, src, n, &made);
        enum cf_err e2 = cf_fse_dec_init(&d, t, src, n, max);
        if (!e2)
            e2 = cf_fse_dec_take(&d, b, max);
        if (e1 == CF_OK) {
            CHECK(e2 == CF_OK);
            CHECK(memcmp(a, b, max) == 0);
            CHECK(made <= max);
        } else {
            CHECK(e1 == CF_ERR_PLOT_CORRUPT);
        }
    }
}

int main(void)
{
    test_counts();
    test_build_rejects();
    test_round_trip();
    test_garbage();
    return test_report("test_pos_fse");
}
