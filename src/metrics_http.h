/*
 * metrics_http.h: the Prometheus text endpoint the harvester and the farmer serve on a local
 * address. One request per connection, answered and closed, entirely non-blocking on the
 * service's loop: a slow or silent client costs a socket and a timer, never loop time.
 */
#ifndef CFARM_METRICS_HTTP_H
#define CFARM_METRICS_HTTP_H

#include <stdint.h>

#include "cfarm/buf.h"
#include "cfarm/err.h"
#include "cfarm/loop.h"

/* Appends the metrics text to out; called on the loop thread once per request. */
typedef enum cf_err (*metrics_render_fn)(void *arg, struct cf_buf *out);

struct metrics_http;

/*
 * Listen on addr:port and answer every request with render()'s text. service names the program
 * in error lines. Returns 0, or 1 after printing one error line (cli_fail).
 */
int metrics_http_listen(struct cf_loop *loop, const char *service, const char *addr, uint16_t port,
                        metrics_render_fn render, void *arg, struct metrics_http **out);
/* Close the listener and every open connection; NULL is fine. */
void metrics_http_close(struct metrics_http *m);

#endif
