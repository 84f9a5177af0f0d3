/*
 * fuzz/farmer_plotsync.c: libFuzzer target for the farmer's plot-sync receiver.
 *
 * The input is a sequence of messages: [type selector u8][version selector u8][length u16 BE]
 * [body]. Each goes to one receiver (so state carries over between messages, as on a link) and
 * must either be refused as undecodable or produce a response that echoes the message type; the
 * receiver's counts must stay consistent (a completed sync never lists a plot twice).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfarm/farmer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t types[] = {78, 79, 80, 81, 82, 83, 84, 112};
    struct cf_plotsync *rx = cf_plotsync_new();
    struct cf_plot_sync_response resp;

    if (rx == NULL)
        return 0;
    while (size >= 4) {
        uint8_t type = types[data[0] % sizeof types];
        int ver = 35 + data[1] % 4;
        size_t len = (size_t)data[2] << 8 | data[3];

        data += 4;
        size -= 4;
        if (len > size)
            len = size;
        if (cf_plotsync_handle(rx, type, ver, data, len, 0, &resp) == CF_OK &&
            resp.message_type != type)
            abort();
        data += len;
        size -= len;
    }
    for (size_t i = 0; i < cf_plotsync_plot_count(rx); i++)
        if (cf_plotsync_plot_find(rx, cf_plotsync_plot_at(rx, i)->filename) !=
            cf_plotsync_plot_at(rx, i))
            abort();
    cf_plotsync_free(rx);
    return 0;
}
