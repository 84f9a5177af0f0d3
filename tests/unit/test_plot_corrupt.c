/*
 * test_plot_corrupt.c: damaged copies of a real plot never crash, hang or over-allocate.
 *
 * A vector plot (../shared/vectors/plots) is copied to a temp dir, then: cut at every offset of
 * its header and at hundreds of offsets after (open must refuse each, naming the file: "still
 * being copied"); cut under an open handle; and bytes flipped in each region (header, table
 * pointers, tables 1..7, C1, C2, C3) with lookups and proofs run on the result, which must give
 * answers or clean errors. Skips loudly without the vectors. Run it under `make asan`.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfarm/hash.h"
#include "cfarm/plot.h"
#include "test.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;
static char dir[64], path[128];

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int copy_file(const char *from, const char *to, size_t *size)
{
    char *data = NULL;
    size_t len = 0;
    FILE *f = fopen(from, "rb");
    int rc = -1;

    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    data = malloc(len);
    if (data && fread(data, 1, len, f) == len) {
        int fd = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0 && write(fd, data, len) == (ssize_t)len)
            rc = 0;
        if (fd >= 0)
            close(fd);
    }
    fclose(f);
    free(data);
    *size = len;
    return rc;
}

static void challenge(uint8_t ch[32], unsigned i)
{
    char s[32];
    int n = snprintf(s, sizeof s, "corrupt%u", i);
    cf_sha256(ch, s, (size_t)n);
}

static void lookups_are_clean(const struct cf_plot *p, unsigned rounds)
{
    uint8_t ch[32], q[CF_PLOT_MAX_QUALITIES][32];
    struct cf_plot_proof pr[4];
    size_t n;
    for (unsigned r = 0; r < rounds; r++) {
        challenge(ch, r);
        enum cf_err e = cf_plot_qualities(p, ch, q, CF_PLOT_MAX_QUALITIES, &n, NULL);
        CHECK(e == CF_OK || e == CF_ERR_PLOT_CORRUPT || e == CF_ERR_PLOT_TRUNCATED);
        if (e)
            CHECK(strstr(cf_err_detail(), path) != NULL);
        e = cf_plot_prove(p, ch, pr, 4, &n, NULL);
        CHECK(e == CF_OK || e == CF_ERR_PLOT_CORRUPT || e == CF_ERR_PLOT_TRUNCATED ||
              e == CF_ERR_BAD_PROOF);
    }
}

static void flip_region(uint64_t begin, uint64_t end, unsigned trials, size_t size)
{
    if (end > size)
        end = size;
    if (end <= begin)
        return;
    for (unsigned t = 0; t < trials; t++) {
        uint64_t at[16];
        uint8_t old[16];
        unsigned nf = 1 + (unsigned)(next_rand() % 16);
        int fd = open(path, O_RDWR);
        for (unsigned f = 0; f < nf; f++) {
            uint8_t v;
            at[f] = begin + next_rand() % (end - begin);
            CHECK(pread(fd, &old[f], 1, (off_t)at[f]) == 1);
            v = (uint8_t)(old[f] ^ (1 + next_rand() % 255));
            CHECK(pwrite(fd, &v, 1, (off_t)at[f]) == 1);
        }
        struct cf_plot *p = NULL;
        enum cf_err e = cf_plot_open(path, t % 2 ? CF_PLOT_KEEP_FD : 0, &p);
        if (e == CF_OK)
            lookups_are_clean(p, 12);
        else
            CHECK(strstr(cf_err_detail(), path) != NULL);
        cf_plot_close(p);
        for (unsigned f = nf; f-- > 0;)
            CHECK(pwrite(fd, &old[f], 1, (off_t)at[f]) == 1);
        close(fd);
    }
}

int main(void)
{
    const char *v = test_vectors_dir(), *tmp = getenv("TMPDIR");
    char plots[4200], src[4500] = "";
    struct dirent *e;
    DIR *d;
    size_t size = 0;

    if (!v)
        return 77;
    snprintf(plots, sizeof plots, "%s/plots", v);
    if ((d = opendir(plots))) {
        while ((e = readdir(d)))
            if (strstr(e->d_name, ".plot") && (!src[0] || strcmp(e->d_name, strrchr(src, '/') + 1) < 0))
                snprintf(src, sizeof src, "%s/%s", plots, e->d_name);
        closedir(d);
    }
    if (!src[0]) {
        fprintf(stderr, "SKIPPED: no plot under %s\n", plots);
        return 77;
    }
    snprintf(dir, sizeof dir, "%s/cfarm-corrupt-XXXXXX", tmp && strlen(tmp) < 30 ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    snprintf(path, sizeof path, "%s/copy.plot", dir);
    CHECK(copy_file(src, path, &size) == 0);

    struct cf_plot *p = NULL;
    CHECK(cf_plot_open(path, 0, &p) == CF_OK);
    if (!p)
        goto out;
    struct cf_plot_info info = *cf_plot_info(p);
    lookups_are_clean(p, 20);
    cf_plot_close(p);
    p = NULL;

    /* Flipped bytes, region by region. */
    flip_region(0, info.header_size - 80, 30, size);
    flip_region(info.header_size - 80, info.header_size, 40, size);
    for (int t = 0; t < 7; t++)
        flip_region(info.table[t], info.table[t + 1], 15, size);
    flip_region(info.table[CF_PLOT_C1], info.table[CF_PLOT_C2], 20, size);
    flip_region(info.table[CF_PLOT_C2], info.table[CF_PLOT_C3], 20, size);
    flip_region(info.table[CF_PLOT_C3], size, 20, size);

    /* Cut at many offsets, largest first (truncate() would extend a shorter file with zeros),
     * down to every offset of the header. */
    CHECK(truncate(path, (off_t)(size - 1)) == 0);
    CHECK(cf_plot_open(path, 0, &p) == CF_ERR_PLOT_TRUNCATED);
    for (uint64_t cut = size - 2; cut > 0; cut -= cut < 400 ? 1 : (cut < 40400 ? cut - 399 : 1 + next_rand() % 40000)) {
        struct cf_plot *x = NULL;
        CHECK(truncate(path, (off_t)cut) == 0);
        enum cf_err err = cf_plot_open(path, 0, &x);
        CHECK(err == CF_ERR_PLOT_TRUNCATED);
        CHECK(x == NULL && strstr(cf_err_detail(), path) != NULL);
    }

    /* Cut under an open handle (a plot replaced or shrunk while farming). */
    CHECK(copy_file(src, path, &size) == 0);
    CHECK(cf_plot_open(path, 0, &p) == CF_OK);
    CHECK(truncate(path, (off_t)(size / 2)) == 0);
    if (p)
        lookups_are_clean(p, 20);
    cf_plot_close(p);
out:
    unlink(path);
    rmdir(dir);
    return test_report("test_plot_corrupt");
}
