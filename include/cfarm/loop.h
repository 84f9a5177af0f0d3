/*
 * cfarm/loop.h: the event loop a service runs on: sockets, timers, signals, and completions posted
 * from other threads.
 *
 * One thread runs cf_loop_run() and owns every socket, timer and piece of protocol state attached
 * to the loop; callbacks run on that thread, one at a time, and must not block. Worker threads
 * (disk lookups, signing) hand results back with cf_loop_post(), the only function here that may
 * be called from another thread.
 *
 * Built on epoll (level-triggered), a monotonic-clock timer heap that sets the epoll timeout,
 * signalfd for signals and an eventfd for cross-thread wakeups. Handles (io watchers, timers) are
 * owned by the caller that created them and must be freed before cf_loop_free(). Freeing or
 * changing a watcher from inside any callback is safe: the loop defers the release.
 */
#ifndef CFARM_LOOP_H
#define CFARM_LOOP_H

#include <stdint.h>

#include "cfarm/err.h"

struct cf_loop;
struct cf_loop_io;
struct cf_loop_timer;

/* Event bits for io watchers. CF_LOOP_ERR is always reported (hang-up or socket error). */
enum { CF_LOOP_READ = 1u, CF_LOOP_WRITE = 2u, CF_LOOP_ERR = 4u };

typedef void (*cf_loop_io_fn)(struct cf_loop_io *io, int fd, unsigned events, void *arg);
typedef void (*cf_loop_timer_fn)(struct cf_loop_timer *t, void *arg);
typedef void (*cf_loop_fn)(void *arg);
typedef void (*cf_loop_signal_fn)(int signo, void *arg);

enum cf_err cf_loop_new(struct cf_loop **out);
/* Free the loop; every watcher and timer must be freed first. Posted work not yet run is
 * dropped (its functions are not called). NULL is accepted. */
void cf_loop_free(struct cf_loop *loop);

/* Run until cf_loop_stop(); returns CF_OK, or CF_ERR_IO if epoll itself fails. */
enum cf_err cf_loop_run(struct cf_loop *loop);
/* Run one iteration, waiting at most timeout_ms (-1: until something happens). */
enum cf_err cf_loop_run_once(struct cf_loop *loop, int timeout_ms);
/* Make cf_loop_run() return after the current callback. Loop thread only; from another thread
 * post a function that calls it. */
void cf_loop_stop(struct cf_loop *loop);
/* Monotonic milliseconds, cached per iteration. */
uint64_t cf_loop_now_ms(struct cf_loop *loop);

/* Watch fd for events (CF_LOOP_READ / CF_LOOP_WRITE). The fd stays the caller's to close, after
 * cf_loop_io_free(). */
enum cf_err cf_loop_io_new(struct cf_loop *loop, int fd, unsigned events, cf_loop_io_fn fn,
                           void *arg, struct cf_loop_io **out);
enum cf_err cf_loop_io_set(struct cf_loop_io *io, unsigned events);
void cf_loop_io_free(struct cf_loop_io *io);

/* One-shot timers: cf_loop_timer_start (re)arms, cf_loop_timer_stop disarms. */
enum cf_err cf_loop_timer_new(struct cf_loop *loop, cf_loop_timer_fn fn, void *arg,
                              struct cf_loop_timer **out);
enum cf_err cf_loop_timer_start(struct cf_loop_timer *t, uint64_t delay_ms);
void cf_loop_timer_stop(struct cf_loop_timer *t);
int cf_loop_timer_active(const struct cf_loop_timer *t);
void cf_loop_timer_free(struct cf_loop_timer *t);

/*
 * Deliver signo to fn on the loop thread (through signalfd). The signal is blocked in the calling
 * thread; call this before starting other threads so they inherit the mask. At most one function
 * per signal; fn NULL removes it (the signal stays blocked).
 */
enum cf_err cf_loop_signal(struct cf_loop *loop, int signo, cf_loop_signal_fn fn, void *arg);

/* Thread-safe: run fn(arg) on the loop thread soon, in the order posted. CF_ERR_NOMEM on failure.
 */
enum cf_err cf_loop_post(struct cf_loop *loop, cf_loop_fn fn, void *arg);

#endif
