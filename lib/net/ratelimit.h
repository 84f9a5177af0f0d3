/*
 * net/ratelimit.h (internal): Chia's per-connection message limits (chia-protocol.md 3.8).
 *
 * Counters run over fixed 60 s windows (floor(now / 60 s)). For each message type: a number of
 * messages per minute, a largest single message and a total of bytes per minute (frequency x
 * largest unless given). Most types also count toward the aggregate limit of 1000 messages and
 * 100 MiB per minute. Types missing from the table get Chia's default setting (100 per minute,
 * 1 MiB each, 100 MiB per minute) and no aggregate. The limits are known by type number only:
 * the transport knows no message bodies.
 */
#ifndef CFARM_NET_RATELIMIT_H
#define CFARM_NET_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#include "cfarm/err.h"

struct cf_rl {
    uint64_t window;
    uint32_t count[256];
    uint64_t bytes[256];
    uint32_t agg_count;
    uint64_t agg_bytes;
};

/*
 * Count one message of type and len data bytes at now_ms against percent % of the limits.
 * CF_OK (counted) or CF_ERR_RATE_LIMIT with the exceeded limit in the detail. When count_on_fail
 * is set the message is counted even when refused (Chia counts every inbound message).
 */
enum cf_err cf_rl_check(struct cf_rl *rl, uint64_t now_ms, uint8_t type, size_t len,
                        unsigned percent, int count_on_fail);

#endif
