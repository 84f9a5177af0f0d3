/*
 * loop.c: epoll event loop with a timer heap, signalfd and an eventfd for posted work.
 *
 * Watchers are never freed while an epoll batch may still point at them: cf_loop_io_free marks the
 * watcher dead, removes it from epoll and queues it; the loop releases dead watchers after the
 * batch. Timers live in a binary min-heap on their deadline; a timer is popped before its callback
 * runs, so the callback may re-arm or free it.
 */
#include "cfarm/loop.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

struct cf_loop_io {
    struct cf_loop *loop;
    int fd;
    unsigned events;
    int dead;
    cf_loop_io_fn fn;
    void *arg;
    struct cf_loop_io *next_dead;
};

struct cf_loop_timer {
    struct cf_loop *loop;
    uint64_t due;
    size_t slot; /* index in the heap, or SIZE_MAX when not armed */
    cf_loop_timer_fn fn;
    void *arg;
};

struct posted {
    cf_loop_fn fn;
    void *arg;
    struct posted *next;
};

struct sig_handler {
    cf_loop_signal_fn fn;
    void *arg;
};

struct cf_loop {
    int epfd, evfd, sigfd;
    int stop;
    uint64_t now;
    struct cf_loop_timer **heap;
    size_t nheap, capheap;
    struct cf_loop_io *dead;
    pthread_mutex_t post_lock;
    struct posted *post_head, *post_tail;
    sigset_t sigs;
    struct sig_handler sig[65];
};

#define WAKE_TAG ((void *)1)
#define SIG_TAG  ((void *)2)

static uint64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t cf_loop_now_ms(struct cf_loop *loop)
{
    return loop->now;
}

enum cf_err cf_loop_new(struct cf_loop **out)
{
    struct cf_loop *l = calloc(1, sizeof *l);
    struct epoll_event ev = {.events = EPOLLIN};

    *out = NULL;
    if (l == NULL)
        return CF_ERR_NOMEM;
    l->sigfd = -1;
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    l->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (l->epfd < 0 || l->evfd < 0)
        goto fail;
    ev.data.ptr = WAKE_TAG;
    if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->evfd, &ev) != 0)
        goto fail;
    pthread_mutex_init(&l->post_lock, NULL);
    sigemptyset(&l->sigs);
    l->now = mono_ms();
    *out = l;
    return CF_OK;
fail:
    cf_err_set(CF_ERR_IO, "event loop setup: %s", strerror(errno));
    if (l->epfd >= 0)
        close(l->epfd);
    if (l->evfd >= 0)
        close(l->evfd);
    free(l);
    return CF_ERR_IO;
}

static void release_dead(struct cf_loop *l)
{
    while (l->dead) {
        struct cf_loop_io *io = l->dead;

        l->dead = io->next_dead;
        free(io);
    }
}

void cf_loop_free(struct cf_loop *l)
{
    if (l == NULL)
        return;
    release_dead(l);
    while (l->post_head) {
        struct posted *p = l->post_head;

        l->post_head = p->next;
        free(p);
    }
    pthread_mutex_destroy(&l->post_lock);
    if (l->sigfd >= 0)
        close(l->sigfd);
    close(l->evfd);
    close(l->epfd);
    free(l->heap);
    free(l);
}

void cf_loop_stop(struct cf_loop *loop)
{
    loop->stop = 1;
}

/* ---- io watchers ---- */

static uint32_t to_epoll(unsigned events)
{
    return ((events & CF_LOOP_READ) ? EPOLLIN : 0) | ((events & CF_LOOP_WRITE) ? EPOLLOUT : 0);
}

enum cf_err cf_loop_io_new(struct cf_loop *loop, int fd, unsigned events, cf_loop_io_fn fn,
                           void *arg, struct cf_loop_io **out)
{
    struct cf_loop_io *io = calloc(1, sizeof *io);
    struct epoll_event ev;

    *out = NULL;
    if (io == NULL)
        return CF_ERR_NOMEM;
    io->loop = loop;
    io->fd = fd;
    io->events = events;
    io->fn = fn;
    io->arg = arg;
    ev.events = to_epoll(events);
    ev.data.ptr = io;
    if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        free(io);
        return cf_err_set(CF_ERR_IO, "epoll add fd %d: %s", fd, strerror(errno));
    }
    *out = io;
    return CF_OK;
}

enum cf_err cf_loop_io_set(struct cf_loop_io *io, unsigned events)
{
    struct epoll_event ev;

    if (io->dead || io->events == events)
        return CF_OK;
    ev.events = to_epoll(events);
    ev.data.ptr = io;
    if (epoll_ctl(io->loop->epfd, EPOLL_CTL_MOD, io->fd, &ev) != 0)
        return cf_err_set(CF_ERR_IO, "epoll mod fd %d: %s", io->fd, strerror(errno));
    io->events = events;
    return CF_OK;
}

void cf_loop_io_free(struct cf_loop_io *io)
{
    if (io == NULL || io->dead)
        return;
    epoll_ctl(io->loop->epfd, EPOLL_CTL_DEL, io->fd, NULL);
    io->dead = 1;
    io->next_dead = io->loop->dead;
    io->loop->dead = io;
}

/* ---- timers ---- */

static void heap_swap(struct cf_loop *l, size_t a, size_t b)
{
    struct cf_loop_timer *t = l->heap[a];

    l->heap[a] = l->heap[b];
    l->heap[b] = t;
    l->heap[a]->slot = a;
    l->heap[b]->slot = b;
}

static void heap_up(struct cf_loop *l, size_t i)
{
    while (i > 0 && l->heap[(i - 1) / 2]->due > l->heap[i]->due) {
        heap_swap(l, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void heap_down(struct cf_loop *l, size_t i)
{
    for (;;) {
        size_t s = i, a = 2 * i + 1, b = 2 * i + 2;

        if (a < l->nheap && l->heap[a]->due < l->heap[s]->due)
            s = a;
        if (b < l->nheap && l->heap[b]->due < l->heap[s]->due)
            s = b;
        if (s == i)
            return;
        heap_swap(l, i, s);
        i = s;
    }
}

enum cf_err cf_loop_timer_new(struct cf_loop *loop, cf_loop_timer_fn fn, void *arg,
                              struct cf_loop_timer **out)
{
    struct cf_loop_timer *t = calloc(1, sizeof *t);

    *out = t;
    if (t == NULL)
        return CF_ERR_NOMEM;
    t->loop = loop;
    t->slot = SIZE_MAX;
    t->fn = fn;
    t->arg = arg;
    return CF_OK;
}

void cf_loop_timer_stop(struct cf_loop_timer *t)
{
    struct cf_loop *l;
    size_t i;

    if (t == NULL || t->slot == SIZE_MAX)
        return;
    l = t->loop;
    i = t->slot;
    l->nheap--;
    if (i != l->nheap) {
        l->heap[i] = l->heap[l->nheap];
        l->heap[i]->slot = i;
        heap_down(l, i);
        heap_up(l, i);
    }
    t->slot = SIZE_MAX;
}

enum cf_err cf_loop_timer_start(struct cf_loop_timer *t, uint64_t delay_ms)
{
    struct cf_loop *l = t->loop;

    cf_loop_timer_stop(t);
    if (l->nheap == l->capheap) {
        size_t cap = l->capheap ? l->capheap * 2 : 16;
        struct cf_loop_timer **h = realloc(l->heap, cap * sizeof *h);

        if (h == NULL)
            return CF_ERR_NOMEM;
        l->heap = h;
        l->capheap = cap;
    }
    t->due = mono_ms() + delay_ms;
    t->slot = l->nheap;
    l->heap[l->nheap++] = t;
    heap_up(l, t->slot);
    return CF_OK;
}

int cf_loop_timer_active(const struct cf_loop_timer *t)
{
    return t->slot != SIZE_MAX;
}

void cf_loop_timer_free(struct cf_loop_timer *t)
{
    if (t == NULL)
        return;
    cf_loop_timer_stop(t);
    free(t);
}

static void run_timers(struct cf_loop *l)
{
    while (l->nheap > 0 && l->heap[0]->due <= l->now && !l->stop) {
        struct cf_loop_timer *t = l->heap[0];

        cf_loop_timer_stop(t);
        t->fn(t, t->arg);
    }
}

/* ---- signals and posted work ---- */

enum cf_err cf_loop_signal(struct cf_loop *l, int signo, cf_loop_signal_fn fn, void *arg)
{
    struct epoll_event ev = {.events = EPOLLIN};
    sigset_t one;
    int fd;

    if (signo <= 0 || signo > 64)
        return cf_err_set(CF_ERR_INVAL, "signal %d", signo);
    sigemptyset(&one);
    sigaddset(&one, signo);
    sigaddset(&l->sigs, signo);
    if (pthread_sigmask(SIG_BLOCK, &one, NULL) != 0)
        return cf_err_set(CF_ERR_IO, "blocking signal %d", signo);
    fd = signalfd(l->sigfd, &l->sigs, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0)
        return cf_err_set(CF_ERR_IO, "signalfd: %s", strerror(errno));
    if (l->sigfd < 0) {
        ev.data.ptr = SIG_TAG;
        if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            close(fd);
            return cf_err_set(CF_ERR_IO, "epoll add signalfd: %s", strerror(errno));
        }
        l->sigfd = fd;
    }
    l->sig[signo].fn = fn;
    l->sig[signo].arg = arg;
    return CF_OK;
}

static void read_signals(struct cf_loop *l)
{
    struct signalfd_siginfo si;

    while (read(l->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
        int s = (int)si.ssi_signo;

        if (s > 0 && s <= 64 && l->sig[s].fn)
            l->sig[s].fn(s, l->sig[s].arg);
    }
}

enum cf_err cf_loop_post(struct cf_loop *l, cf_loop_fn fn, void *arg)
{
    struct posted *p = malloc(sizeof *p);
    uint64_t one = 1;

    if (p == NULL)
        return CF_ERR_NOMEM;
    p->fn = fn;
    p->arg = arg;
    p->next = NULL;
    pthread_mutex_lock(&l->post_lock);
    if (l->post_tail)
        l->post_tail->next = p;
    else
        l->post_head = p;
    l->post_tail = p;
    pthread_mutex_unlock(&l->post_lock);
    /* eventfd write only fails when the counter would overflow: it is then already signalled. */
    if (write(l->evfd, &one, sizeof one) < 0) {
    }
    return CF_OK;
}

static void run_posted(struct cf_loop *l)
{
    struct posted *list;
    uint64_t v;

    if (read(l->evfd, &v, sizeof v) < 0) {
    }
    pthread_mutex_lock(&l->post_lock);
    list = l->post_head;
    l->post_head = l->post_tail = NULL;
    pthread_mutex_unlock(&l->post_lock);
    while (list) {
        struct posted *p = list;

        list = p->next;
        p->fn(p->arg);
        free(p);
    }
}

/* ---- running ---- */

enum cf_err cf_loop_run_once(struct cf_loop *l, int timeout_ms)
{
    struct epoll_event evs[64];
    int n;

    l->stop = 0; /* a stop asks the current run to return; it does not outlive it */
    l->now = mono_ms();
    if (l->nheap > 0) {
        uint64_t due = l->heap[0]->due;
        int until = due <= l->now ? 0 : (int)(due - l->now > 3600000 ? 3600000 : due - l->now);

        if (timeout_ms < 0 || until < timeout_ms)
            timeout_ms = until;
    }
    n = epoll_wait(l->epfd, evs, 64, timeout_ms);
    if (n < 0 && errno != EINTR)
        return cf_err_set(CF_ERR_IO, "epoll_wait: %s", strerror(errno));
    l->now = mono_ms();
    for (int i = 0; i < n && !l->stop; i++) {
        struct cf_loop_io *io = evs[i].data.ptr;
        unsigned got = 0;

        if (evs[i].data.ptr == WAKE_TAG) {
            run_posted(l);
            continue;
        }
        if (evs[i].data.ptr == SIG_TAG) {
            read_signals(l);
            continue;
        }
        if (io->dead)
            continue;
        if (evs[i].events & EPOLLIN)
            got |= CF_LOOP_READ;
        if (evs[i].events & EPOLLOUT)
            got |= CF_LOOP_WRITE;
        if (evs[i].events & (EPOLLERR | EPOLLHUP))
            got |= CF_LOOP_ERR | (io->events & CF_LOOP_READ);
        io->fn(io, io->fd, got, io->arg);
    }
    release_dead(l);
    run_timers(l);
    release_dead(l);
    return CF_OK;
}

enum cf_err cf_loop_run(struct cf_loop *l)
{
    enum cf_err err = CF_OK;

    do
        err = cf_loop_run_once(l, -1);
    while (!l->stop && err == CF_OK);
    return err;
}
