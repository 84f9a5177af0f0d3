/*
 * vec_plotter.c: cfarm's plotter against chiapos's own plots. For each .plot file under plots/,
 * plot again with the same k, plot id and memo (a v1 plot's bytes depend on nothing else) and
 * compare the two files byte for byte. A mismatch names the first differing offset and the
 * table it lies in.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfarm/plot.h"
#include "cfarm/plotter.h"
#include "test.h"

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        }
        *len = (size_t)n;
    }
    fclose(f);
    return buf;
}

static const char *where(const struct cf_plot_info *info, size_t off)
{
    static const char *names[CF_PLOT_NPOINTERS] = {"table 1", "table 2", "table 3", "table 4",
                                                   "table 5", "table 6", "table 7", "C1",
                                                   "C2",      "C3"};
    const char *w = "header";

    for (int i = 0; i < CF_PLOT_NPOINTERS; i++)
        if (off >= info->table[i])
            w = names[i];
    return w;
}

static void one(const char *ref_path)
{
    const char *base = strrchr(ref_path, '/') ? strrchr(ref_path, '/') + 1 : ref_path;
    char out[4096];
    size_t ref_len = 0, got_len = 0, n;
    uint8_t *ref = slurp(ref_path, &ref_len), *got = NULL;
    struct cf_plot_info info;
    struct cf_plotter_params p;
    const uint8_t *cur = ref;
    unsigned long passed = 0, failed = 0;

    memset(&p, 0, sizeof p);
    n = ref_len;
    if (!ref || cf_plot_header_parse(&cur, &n, &info, NULL) != CF_OK) {
        printf("  %s: cannot read the reference header\n", base);
        vec_file_report(base, 0, 1);
        free(ref);
        return;
    }
    p.k = info.k;
    p.threads = 2;
    memcpy(p.id, info.id, 32);
    p.memo_len = info.memo_len;
    memcpy(p.memo, ref + info.header_size - 80 - info.memo_len, info.memo_len);
    snprintf(out, sizeof out, "%s/cfarm-vec-plotter-%ld.plot",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
    if (cf_plotter_create(&p, out, NULL) != CF_OK) {
        printf("  %s: plotting failed: %s\n", base, cf_err_detail());
        failed++;
    } else if (!(got = slurp(out, &got_len))) {
        failed++;
    } else {
        size_t common = got_len < ref_len ? got_len : ref_len, i = 0;
        while (i < common && got[i] == ref[i])
            i++;
        if (i == common && got_len == ref_len) {
            passed++;
        } else {
            printf("  %s: differs at byte %zu (%s); sizes %zu (cfarm) and %zu (chiapos)\n", base,
                   i, where(&info, i), got_len, ref_len);
            failed++;
        }
    }
    unlink(out);
    vec_file_report(base, passed, failed);
    free(ref);
    free(got);
}

int main(int argc, char **argv)
{
    char pattern[4096];
    glob_t g;

    if (argc < 2) {
        fprintf(stderr, "usage: vec_plotter VECTORS_DIR\n");
        return 2;
    }
    snprintf(pattern, sizeof pattern, "%s/plots/*.plot", argv[1]);
    if (glob(pattern, 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++)
            one(g.gl_pathv[i]);
        globfree(&g);
    }
    return vec_suite_exit();
}
