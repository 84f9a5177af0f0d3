/*
 * test_net_loop.c: the event loop: timer order, re-arming and stopping, io readiness on a pipe,
 * freeing a watcher from inside a callback, work posted from several threads, and a signal
 * delivered through signalfd.
 */
#include "test.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "cfarm/loop.h"

static struct cf_loop *loop;
static int order[8], norder, posted, stop_after;

static void on_timer(struct cf_loop_timer *t, void *arg)
{
    (void)t;
    order[norder++] = (int)(intptr_t)arg;
}

static void test_timers(void)
{
    struct cf_loop_timer *t[4];
    uint64_t start = cf_loop_now_ms(loop);

    for (int i = 0; i < 4; i++)
        CHECK(cf_loop_timer_new(loop, on_timer, (void *)(intptr_t)i, &t[i]) == CF_OK);
    cf_loop_timer_start(t[0], 60);
    cf_loop_timer_start(t[1], 20);
    cf_loop_timer_start(t[2], 40);
    cf_loop_timer_start(t[3], 30);
    cf_loop_timer_stop(t[3]);      /* stopped: never fires */
    cf_loop_timer_start(t[2], 10); /* re-armed earlier */
    CHECK(cf_loop_timer_active(t[2]) && !cf_loop_timer_active(t[3]));
    while (norder < 3)
        cf_loop_run_once(loop, 1000);
    CHECK_EQ_U64(norder, 3);
    CHECK(order[0] == 2 && order[1] == 1 && order[2] == 0);
    CHECK(cf_loop_now_ms(loop) - start >= 60);
    CHECK(!cf_loop_timer_active(t[0]));
    for (int i = 0; i < 4; i++)
        cf_loop_timer_free(t[i]);
}

/* Many timers, some stopped and some re-armed: the heap fires the rest in deadline order. */
#define NT 1000
static struct cf_loop_timer *many[NT];
static uint64_t due_of[NT];
static int fired, out_of_order, fired_stopped;
static uint64_t last_due;
static char stopped[NT];

static void on_many(struct cf_loop_timer *t, void *arg)
{
    int i = (int)(intptr_t)arg;

    (void)t;
    fired++;
    if (stopped[i])
        fired_stopped++;
    if (due_of[i] + 10 < last_due) /* armed within a few ms of each other */
        out_of_order++;
    if (due_of[i] > last_due)
        last_due = due_of[i];
}

static void test_many_timers(void)
{
    uint64_t now = cf_loop_now_ms(loop);
    unsigned x = 12345;
    int expect = 0;

    for (int i = 0; i < NT; i++) {
        x = x * 1103515245u + 12345u;
        CHECK(cf_loop_timer_new(loop, on_many, (void *)(intptr_t)i, &many[i]) == CF_OK);
        due_of[i] = (x >> 8) % 80;
        cf_loop_timer_start(many[i], due_of[i]);
    }
    for (int i = 0; i < NT; i += 3) {
        cf_loop_timer_stop(many[i]);
        stopped[i] = 1;
    }
    for (int i = 1; i < NT; i += 7) { /* re-armed later than before */
        due_of[i] += 10;
        cf_loop_timer_start(many[i], due_of[i]);
        stopped[i] = 0;
    }
    for (int i = 0; i < NT; i++)
        expect += !stopped[i];
    while (fired < expect && cf_loop_now_ms(loop) - now < 10000)
        cf_loop_run_once(loop, 100);
    CHECK_EQ_U64(fired, expect);
    CHECK_EQ_U64(fired_stopped, 0);
    CHECK_EQ_U64(out_of_order, 0);
    for (int i = 0; i < NT; i++)
        cf_loop_timer_free(many[i]);
}

static int io_events;

static void on_pipe(struct cf_loop_io *io, int fd, unsigned events, void *arg)
{
    char c;

    (void)arg;
    if (events & CF_LOOP_READ) {
        CHECK(read(fd, &c, 1) == 1);
        io_events++;
        if (c == 'x')
            cf_loop_io_free(io); /* freeing itself inside its callback */
    }
}

static void test_io(void)
{
    int fds[2];
    struct cf_loop_io *io;

    CHECK(pipe(fds) == 0);
    CHECK(cf_loop_io_new(loop, fds[0], CF_LOOP_READ, on_pipe, NULL, &io) == CF_OK);
    CHECK(write(fds[1], "ab", 2) == 2);
    for (int i = 0; i < 10 && io_events < 2; i++)
        cf_loop_run_once(loop, 1000);
    CHECK_EQ_U64(io_events, 2);
    CHECK(write(fds[1], "xy", 2) == 2);
    for (int i = 0; i < 10 && io_events < 3; i++)
        cf_loop_run_once(loop, 1000);
    cf_loop_run_once(loop, 20);
    CHECK_EQ_U64(io_events, 3); /* the watcher is gone: 'y' is not read */
    close(fds[0]);
    close(fds[1]);
}

static void on_post(void *arg)
{
    (void)arg;
    posted++;
    if (posted == stop_after)
        cf_loop_stop(loop);
}

static void *poster(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++)
        if (cf_loop_post(loop, on_post, NULL) != CF_OK)
            abort();
    return NULL;
}

static void test_post(void)
{
    pthread_t th[4];

    stop_after = 4000;
    for (int i = 0; i < 4; i++)
        CHECK(pthread_create(&th[i], NULL, poster, NULL) == 0);
    CHECK(cf_loop_run(loop) == CF_OK); /* returns once all 4000 ran */
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    CHECK_EQ_U64(posted, 4000);
}

static int got_signal;

static void on_signal(int signo, void *arg)
{
    (void)arg;
    got_signal = signo;
}

static void test_signal(void)
{
    CHECK(cf_loop_signal(loop, SIGUSR1, on_signal, NULL) == CF_OK);
    CHECK(raise(SIGUSR1) == 0); /* blocked, so it waits for the signalfd */
    for (int i = 0; i < 50 && !got_signal; i++)
        cf_loop_run_once(loop, 100);
    CHECK_EQ_U64(got_signal, SIGUSR1);
}

int main(void)
{
    CHECK(cf_loop_new(&loop) == CF_OK);
    if (loop == NULL)
        return test_report("test_net_loop");
    test_timers();
    test_many_timers();
    test_io();
    test_post();
    test_signal();
    cf_loop_free(loop);
    cf_loop_free(NULL);
    return test_report("test_net_loop");
}
