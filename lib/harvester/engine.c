/*
 * engine.c: the harvester's lookup engine: one job queue per disk (st_dev), each drained by a
 * small fixed number of threads, so at most that many reads are in flight on a disk and a slow or
 * dying disk holds up only the plots on it. Completed jobs go back to the event loop with
 * cf_loop_post(); the loop is the only place that sends.
 *
 * A disk's threads start when its first job arrives. Jobs past their deadline (a signage point
 * older than the infusion window) are not run, only completed with `skipped` set.
 *
 * An optional cap on the jobs running at once over all disks (Chia's num_threads, the size of its
 * lookup thread pool): a disk thread with a job waiting takes it only while fewer than that many
 * run. The peak of jobs running at once is kept for the stats.
 *
 * Test hook: a per-read delay (read_delay_ms) that a job applies for each read it made, to stand
 * for a slow disk in tests and benchmarks.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harvester/internal.h"

struct disk {
    dev_t dev;
    struct hv_job *head, *tail;
    pthread_t *threads;
    unsigned nthreads;
    struct hv_engine *e;
};

struct hv_engine {
    struct cf_loop *loop;
    unsigned per_disk;
    unsigned max_active; /* 0: no cap over all disks */
    unsigned active, peak;
    uint64_t read_delay_ms;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stopping;
    struct disk **disks;
    size_t ndisks;
};

uint64_t hv_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void *disk_main(void *arg)
{
    struct disk *d = arg;
    struct hv_engine *e = d->e;

    pthread_mutex_lock(&e->lock);
    for (;;) {
        struct hv_job *job;
        bool at_cap;

        while (!e->stopping && (d->head == NULL || (e->max_active && e->active >= e->max_active)))
            pthread_cond_wait(&e->cond, &e->lock);
        if (d->head == NULL)
            break;
        if (++e->active > e->peak)
            e->peak = e->active;
        job = d->head;
        d->head = job->next;
        if (d->head == NULL)
            d->tail = NULL;
        pthread_mutex_unlock(&e->lock);
        job->started_ms = hv_now_ms();
        if (e->stopping || (job->deadline_ms && job->started_ms > job->deadline_ms))
            job->skipped = true;
        else
            job->work(job);
        job->finished_ms = hv_now_ms();
        if (cf_loop_post(e->loop, job->done, job) != CF_OK)
            job->done(job); /* out of memory: complete here rather than lose it */
        pthread_mutex_lock(&e->lock);
        /* At the cap, other disks' threads may be waiting for this slot. */
        at_cap = e->max_active && e->active >= e->max_active;
        e->active--;
        if (at_cap)
            pthread_cond_broadcast(&e->cond);
    }
    pthread_mutex_unlock(&e->lock);
    return NULL;
}

enum cf_err hv_engine_new(struct cf_loop *loop, unsigned per_disk, unsigned max_active,
                          uint64_t read_delay_ms, struct hv_engine **out)
{
    struct hv_engine *e = calloc(1, sizeof *e);

    *out = NULL;
    if (e == NULL)
        return CF_ERR_NOMEM;
    e->loop = loop;
    e->per_disk = per_disk ? per_disk : 1;
    e->max_active = max_active;
    e->read_delay_ms = read_delay_ms;
    pthread_mutex_init(&e->lock, NULL);
    pthread_cond_init(&e->cond, NULL);
    *out = e;
    return CF_OK;
}

void hv_engine_free(struct hv_engine *e)
{
    if (e == NULL)
        return;
    pthread_mutex_lock(&e->lock);
    e->stopping = true;
    pthread_cond_broadcast(&e->cond);
    pthread_mutex_unlock(&e->lock);
    for (size_t i = 0; i < e->ndisks; i++) {
        for (unsigned t = 0; t < e->disks[i]->nthreads; t++)
            pthread_join(e->disks[i]->threads[t], NULL);
        free(e->disks[i]->threads);
        free(e->disks[i]);
    }
    free(e->disks);
    pthread_cond_destroy(&e->cond);
    pthread_mutex_destroy(&e->lock);
    free(e);
}

/* The disk for dev, started on first use. Called with the lock held. */
static struct disk *disk_for(struct hv_engine *e, dev_t dev)
{
    struct disk *d, **grown;

    for (size_t i = 0; i < e->ndisks; i++)
        if (e->disks[i]->dev == dev)
            return e->disks[i];
    d = calloc(1, sizeof *d);
    grown = realloc(e->disks, (e->ndisks + 1) * sizeof *grown);
    if (d == NULL || grown == NULL) {
        free(d);
        if (grown)
            e->disks = grown;
        return NULL;
    }
    e->disks = grown;
    d->dev = dev;
    d->e = e;
    d->threads = calloc(e->per_disk, sizeof *d->threads);
    if (d->threads == NULL) {
        free(d);
        return NULL;
    }
    for (unsigned t = 0; t < e->per_disk; t++) {
        if (pthread_create(&d->threads[t], NULL, disk_main, d) != 0)
            break;
        d->nthreads++;
    }
    if (d->nthreads == 0) {
        free(d->threads);
        free(d);
        return NULL;
    }
    e->disks[e->ndisks++] = d;
    return d;
}

enum cf_err hv_engine_submit(struct hv_engine *e, struct hv_job *job)
{
    struct disk *d;

    job->engine = e;
    job->next = NULL;
    job->skipped = false;
    job->queued_ms = hv_now_ms();
    pthread_mutex_lock(&e->lock);
    d = disk_for(e, job->plot->dev);
    if (d == NULL) {
        pthread_mutex_unlock(&e->lock);
        return CF_ERR_NOMEM;
    }
    if (d->tail)
        d->tail->next = job;
    else
        d->head = job;
    d->tail = job;
    /* Every thread waits on one condition: wake all, the ones of other disks sleep again. */
    pthread_cond_broadcast(&e->cond);
    pthread_mutex_unlock(&e->lock);
    return CF_OK;
}

void hv_engine_read_delay(const struct hv_engine *e, uint64_t reads)
{
    uint64_t ms = e->read_delay_ms * reads;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};

    if (ms)
        nanosleep(&ts, NULL);
}

unsigned hv_engine_peak(const struct hv_engine *e)
{
    unsigned n;

    pthread_mutex_lock((pthread_mutex_t *)&e->lock);
    n = e->peak;
    pthread_mutex_unlock((pthread_mutex_t *)&e->lock);
    return n;
}

size_t hv_engine_disks(const struct hv_engine *e)
{
    size_t n;

    pthread_mutex_lock((pthread_mutex_t *)&e->lock);
    n = e->ndisks;
    pthread_mutex_unlock((pthread_mutex_t *)&e->lock);
    return n;
}
