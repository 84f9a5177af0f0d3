/*
 * config_parse.c: how long loading and editing config.yaml takes.
 *
 * Config is read at start-up and on `plots add`, never on a hot path; this bench exists to show
 * the bounds are cheap: parsing the default config, a Chia-sized config with 1000 plot
 * directories, and one append + render of that list. `--json` prints one JSON object.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfarm/config.h"

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Microseconds per call of one of the three measured operations. */
static double measure(const char *text, size_t len, int op, int reps)
{
    double t0 = now();

    for (int i = 0; i < reps; i++) {
        struct cf_config *doc = NULL;
        char *out = NULL;

        if (cf_config_parse(text, len, &doc) != CF_OK) {
            fprintf(stderr, "parse failed: %s\n", cf_err_detail());
            exit(1);
        }
        if (op == 1 && (cf_config_seq_append_str(doc, "harvester.plot_directories", "/mnt/x") ||
                        cf_config_render(doc, &out, NULL))) {
            fprintf(stderr, "edit failed: %s\n", cf_err_detail());
            exit(1);
        }
        free(out);
        cf_config_free(doc);
    }
    return (now() - t0) / reps * 1e6;
}

int main(int argc, char **argv)
{
    const char *def = cf_config_default_text();
    const char *anchor = "  plot_directories: []\n";
    const char *cut = strstr(def, anchor);
    size_t big_cap = strlen(def) + 1000 * 40 + 64, n;
    char *big = malloc(big_cap);
    double d_parse, b_parse, b_edit;
    bool json = argc > 1 && strcmp(argv[1], "--json") == 0;

    if (big == NULL || cut == NULL)
        return 1;
    n = (size_t)(cut - def);
    memcpy(big, def, n);
    n += (size_t)sprintf(big + n, "  plot_directories:\n");
    for (int i = 0; i < 1000; i++)
        n += (size_t)sprintf(big + n, "  - /mnt/disk%04d/plots\n", i);
    n += (size_t)sprintf(big + n, "%s", cut + strlen(anchor));
    d_parse = measure(def, strlen(def), 0, 2000);
    b_parse = measure(big, n, 0, 200);
    b_edit = measure(big, n, 1, 200);
    if (json)
        printf("{\"default_parse_us\": %.1f, \"dirs1000_parse_us\": %.1f, "
               "\"dirs1000_parse_append_render_us\": %.1f, \"dirs1000_bytes\": %zu}\n",
               d_parse, b_parse, b_edit, n);
    else
        printf("default config (%zu bytes) parse: %.1f us\n"
               "1000 plot dirs (%zu bytes) parse: %.1f us\n"
               "1000 plot dirs parse + append + render: %.1f us\n",
               strlen(def), d_parse, n, b_parse, b_edit);
    free(big);
    return 0;
}
