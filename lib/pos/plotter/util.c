/*
 * util.c: the plotter's threads, radix sort and small helpers (see internal.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "pos/plotter/internal.h"

struct task {
    pl_task_fn fn;
    void *arg;
    unsigned i, n;
};

static void *task_main(void *arg)
{
    struct task *t = arg;

    t->fn(t->arg, t->i, t->n);
    return NULL;
}

enum cf_err pl_parallel(unsigned n, pl_task_fn fn, void *arg)
{
    pthread_t th[64];
    struct task tasks[64];
    unsigned started = 0;

    if (n == 0)
        n = 1;
    if (n > 64)
        n = 64;
    for (unsigned i = 0; i + 1 < n; i++) {
        tasks[i] = (struct task){fn, arg, i, n};
        if (pthread_create(&th[i], NULL, task_main, &tasks[i]) != 0)
            break;
        started++;
    }
    if (started + 1 < n) {
        /* Could not start them all: run the missing shares here, in order. */
        for (unsigned i = started; i + 1 < n; i++)
            fn(arg, i, n);
    }
    fn(arg, n - 1, n);
    for (unsigned i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    return CF_OK;
}

bool pl_cancelled(const struct pl_ctx *c)
{
    return c->p->cancel && *c->p->cancel;
}

void pl_progress(const struct pl_ctx *c, unsigned phase, const char *label, double fraction)
{
    if (c->p->progress)
        c->p->progress(c->p->progress_arg, phase, label, fraction);
}

enum cf_err pl_pwrite(int fd, const void *buf, size_t n, uint64_t off)
{
    const uint8_t *b = buf;

    while (n > 0) {
        ssize_t w = pwrite(fd, b, n, (off_t)off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return cf_err_set(CF_ERR_IO, "write of %zu bytes at %llu failed: %s", n,
                              (unsigned long long)off, w < 0 ? strerror(errno) : "no space");
        b += w;
        n -= (size_t)w;
        off += (uint64_t)w;
    }
    return CF_OK;
}

/* ---- radix sort ----------------------------------------------------------------------------- */

#define DIGIT_BITS 11
#define DIGITS     (1u << DIGIT_BITS)

/* Records of `size` bytes (struct pl_rec: 16, struct pl_rec32: 32) whose first member is the
 * 64-bit key; one stable LSD radix sort serves both, moving records as bytes. */
struct sort_job {
    unsigned char *src, *dst;
    uint64_t n;
    unsigned size, shift, bits;
    uint64_t (*counts)[DIGITS]; /* per thread: counts, then start slots */
};

static inline uint64_t rec_key(const unsigned char *rec)
{
    uint64_t key;

    memcpy(&key, rec, sizeof key);
    return key;
}

static void sort_count(void *arg, unsigned i, unsigned nt)
{
    struct sort_job *j = arg;
    uint64_t begin, end, *cnt = j->counts[i];
    uint64_t mask = ((uint64_t)1 << j->bits) - 1;

    pl_share(j->n, i, nt, &begin, &end);
    memset(cnt, 0, sizeof j->counts[i]);
    for (uint64_t r = begin; r < end; r++)
        cnt[(rec_key(j->src + r * j->size) >> j->shift) & mask]++;
}

static void sort_scatter(void *arg, unsigned i, unsigned nt)
{
    struct sort_job *j = arg;
    uint64_t begin, end, *start = j->counts[i];
    uint64_t mask = ((uint64_t)1 << j->bits) - 1;
    unsigned size = j->size;

    pl_share(j->n, i, nt, &begin, &end);
    for (uint64_t r = begin; r < end; r++) {
        const unsigned char *rec = j->src + r * size;
        unsigned char *to = j->dst + start[(rec_key(rec) >> j->shift) & mask]++ * size;

        /* Two shapes only: constant-size copies the compiler turns into plain moves. */
        if (size == sizeof(struct pl_rec))
            memcpy(to, rec, sizeof(struct pl_rec));
        else
            memcpy(to, rec, sizeof(struct pl_rec32));
    }
}

static enum cf_err radix_sort(void *recs, void *tmp, unsigned size, uint64_t n,
                              unsigned key_bits, unsigned threads)
{
    struct sort_job j;
    unsigned passes = (key_bits + DIGIT_BITS - 1) / DIGIT_BITS;

    if (threads == 0 || n < 65536)
        threads = 1;
    if (threads > 64)
        threads = 64;
    j.counts = malloc(sizeof *j.counts * threads);
    if (!j.counts)
        return cf_err_set(CF_ERR_NOMEM, "sort counts");
    j.n = n;
    j.size = size;
    j.src = recs;
    j.dst = tmp;
    for (unsigned p = 0; p < passes; p++) {
        j.shift = p * DIGIT_BITS;
        j.bits = key_bits - j.shift < DIGIT_BITS ? key_bits - j.shift : DIGIT_BITS;
        pl_parallel(threads, sort_count, &j);
        /* Thread t's slots for digit d come after every lower digit and after the lower
         * threads' share of d: the sort stays stable. */
        uint64_t sum = 0;
        for (uint64_t d = 0; d < ((uint64_t)1 << j.bits); d++)
            for (unsigned t = 0; t < threads; t++) {
                uint64_t c = j.counts[t][d];
                j.counts[t][d] = sum;
                sum += c;
            }
        pl_parallel(threads, sort_scatter, &j);
        unsigned char *s = j.src;
        j.src = j.dst;
        j.dst = s;
    }
    if (j.src != (unsigned char *)recs)
        memcpy(recs, j.src, n * size);
    free(j.counts);
    return CF_OK;
}

_Static_assert(offsetof(struct pl_rec, key) == 0, "the sort reads the key first");
_Static_assert(offsetof(struct pl_rec32, key) == 0, "the sort reads the key first");

enum cf_err pl_sort(struct pl_rec *recs, struct pl_rec *tmp, uint64_t n, unsigned key_bits,
                    unsigned threads)
{
    return radix_sort(recs, tmp, sizeof *recs, n, key_bits, threads);
}

/* The same for 32-byte records (phase 1 with file-backed arrays). */
enum cf_err pl_sort32(struct pl_rec32 *recs, struct pl_rec32 *tmp, uint64_t n, unsigned key_bits,
                      unsigned threads)
{
    return radix_sort(recs, tmp, sizeof *recs, n, key_bits, threads);
}
