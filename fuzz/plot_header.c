/*
 * plot_header.c (libFuzzer): the plot header parser, the table layout checks and the cached
 * plot form, on arbitrary bytes. The input is treated as a whole file (its length as the file
 * size) and, separately, as cached plot data.
 */
#include <stddef.h>
#include <stdint.h>

#include "cfarm/plot.h"
#include "pos/plot_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data;
    size_t n = size;
    struct cf_plot_info info;
    struct cf_plot_memo memo;
    struct cf_plot *plot = NULL;

    if (cf_plot_header_parse(&p, &n, &info, &memo) == CF_OK) {
        info.file_size = size;
        (void)cf_plot_check_layout("fuzz.plot", &info);
        cf_plot_memo_wipe(&memo);
    }
    /* Cached form: no file is touched without CF_PLOT_KEEP_FD. */
    if (cf_plot_open_cached("/nonexistent/fuzz.plot", data, size, 0, &plot) == CF_OK) {
        size_t c2;
        (void)cf_plot_c2(plot, &c2);
        cf_plot_close(plot);
    }
    return 0;
}
