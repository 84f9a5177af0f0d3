/*
 * ratelimit.c: the numbers of Chia's rate_limit_numbers.py (v2 table) for the message types a
 * farmer and harvester exchange, and the fixed-window check of rate_limits.py. See net/ratelimit.h.
 */
#include "net/ratelimit.h"

#include <string.h>

#define KiB 1024ull
#define MiB (1024ull * 1024)

struct rl_setting {
    uint32_t freq;      /* messages per minute */
    uint64_t max_size;  /* largest single message (data bytes) */
    uint64_t max_total; /* bytes per minute; 0: freq * max_size */
    int aggregate;      /* counts toward the non-tx aggregate */
};

static const struct rl_setting default_setting = {100, 1 * MiB, 100 * MiB, 0};
#define AGG_FREQ  1000u
#define AGG_BYTES (100 * MiB)

static const struct rl_setting *setting_for(uint8_t type)
{
    static const struct {
        uint8_t type;
        struct rl_setting s;
    } table[] = {
        {1, {5, 10 * KiB, 50 * KiB, 1}}, /* handshake */
        {3, {5, 1 * MiB, 0, 1}},         /* harvester_handshake */
        {5, {100, 2048, 0, 1}},          /* new_proof_of_space */
        {6, {100, 2048, 0, 1}},          /* request_signatures */
        {7, {100, 2048, 0, 1}},          /* respond_signatures */
        {12, {100, 1024, 0, 1}},         /* farming_info */
        {66, {100, 4886, 0, 1}},         /* new_signage_point_harvester */
        {67, {10, 10 * MiB, 0, 1}},      /* request_plots */
        {68, {10, 100 * MiB, 0, 1}},     /* respond_plots */
        {113, {10, 100 * MiB, 0, 1}},    /* respond_plots2 */
        {78, {1000, 100 * MiB, 0, 1}},   /* plot_sync_start */
        {79, {1000, 100 * MiB, 0, 1}},   /* plot_sync_loaded */
        {112, {1000, 100 * MiB, 0, 1}},  /* plot_sync_loaded2 */
        {80, {1000, 100 * MiB, 0, 1}},   /* plot_sync_removed */
        {81, {1000, 100 * MiB, 0, 1}},   /* plot_sync_invalid */
        {82, {1000, 100 * MiB, 0, 1}},   /* plot_sync_keys_missing */
        {83, {1000, 100 * MiB, 0, 1}},   /* plot_sync_duplicates */
        {84, {1000, 100 * MiB, 0, 1}},   /* plot_sync_done */
        {85, {3000, 100 * MiB, 0, 1}},   /* plot_sync_response */
        {110, {120, 3 * KiB, 0, 0}},     /* partial_proofs */
        {111, {5, 1024, 0, 1}},          /* configure_window_sizes */
        {255, {50000, 100, 0, 0}},       /* error */
    };

    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].type == type)
            return &table[i].s;
    return &default_setting;
}

enum cf_err cf_rl_check(struct cf_rl *rl, uint64_t now_ms, uint8_t type, size_t len,
                        unsigned percent, int count_on_fail)
{
    const struct rl_setting *s = setting_for(type);
    uint64_t window = now_ms / 60000, total = s->max_total ? s->max_total : s->freq * s->max_size;
    uint64_t n = rl->count[type] + 1ull, bytes = rl->bytes[type] + len;
    enum cf_err err = CF_OK;

    if (window != rl->window) {
        memset(rl, 0, sizeof *rl);
        rl->window = window;
        n = 1;
        bytes = len;
    }
    if (s->aggregate && (uint64_t)(rl->agg_count + 1u) * 100 > (uint64_t)AGG_FREQ * percent)
        err = cf_err_set(CF_ERR_RATE_LIMIT, "over %u messages a minute", AGG_FREQ);
    else if (s->aggregate && (rl->agg_bytes + len) * 100 > AGG_BYTES * percent)
        err = cf_err_set(CF_ERR_RATE_LIMIT, "over 100 MiB a minute");
    else if (n * 100 > (uint64_t)s->freq * percent)
        err = cf_err_set(CF_ERR_RATE_LIMIT, "type %u: over %u messages a minute", type, s->freq);
    else if (len > s->max_size)
        err = cf_err_set(CF_ERR_RATE_LIMIT, "type %u: message of %zu bytes over %llu", type, len,
                         (unsigned long long)s->max_size);
    else if (bytes * 100 > total * percent)
        err = cf_err_set(CF_ERR_RATE_LIMIT, "type %u: over %llu bytes a minute", type,
                         (unsigned long long)total);
    if (err == CF_OK || count_on_fail) {
        rl->count[type] = (uint32_t)n;
        rl->bytes[type] = bytes;
        if (s->aggregate) {
            rl->agg_count++;
            rl->agg_bytes += len;
        }
    }
    return err;
}
