/*
 * cmd_farm.c: `cfarm farm summary [--root DIR] [--json]`, in the spirit of `chia farm summary`.
 *
 * The running farmer (`cfarm farmer`) rewrites <root>/run/farmer.json after every signage point,
 * sync and signed proof (atomically: a new file renamed over the old one). This command reads it,
 * checks that the process that wrote it is still alive, and prints harvesters, plots, proofs,
 * blocks won and the expected time to win; --json prints the file itself with "running" added.
 * Docs: docs/farmer.md ("The status file").
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfarm/json.h"
#include "cli.h"
#include "commands.h"

static uint64_t u64_of(const struct cf_json *o, const char *key)
{
    uint64_t v = 0;

    cf_json_u64(cf_json_get(o, key), &v);
    return v;
}

static const char *str_of(const struct cf_json *o, const char *key)
{
    const char *s = cf_json_string(cf_json_get(o, key));

    return s ? s : "?";
}

static double dbl_of(const struct cf_json *o, const char *key)
{
    const struct cf_json *v = cf_json_get(o, key);

    return v && v->type == CF_JSON_NUMBER ? strtod(v->str, NULL) : 0;
}

static void human_size(char *out, size_t n, uint64_t b)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = (double)b;
    int u = 0;

    while (v >= 1024 && u < 6) {
        v /= 1024;
        u++;
    }
    snprintf(out, n, u ? "%.3f %s" : "%.0f %s", v, units[u]);
}

/* "3 minutes", "2 days and 4 hours", as Chia words the expected time to win. */
static void human_time(char *out, size_t n, double s)
{
    static const struct {
        const char *name;
        double secs;
    } units[] = {{"year", 31536000}, {"month", 2592000}, {"week", 604800}, {"day", 86400},
                 {"hour", 3600},     {"minute", 60},     {"second", 1}};
    size_t i = 0;
    unsigned long a, b;

    if (s <= 0) {
        snprintf(out, n, "Unknown");
        return;
    }
    while (i < 6 && s < units[i].secs)
        i++;
    a = (unsigned long)(s / units[i].secs);
    b = i < 6 ? (unsigned long)((s - (double)a * units[i].secs) / units[i + 1].secs) : 0;
    if (b)
        snprintf(out, n, "%lu %s%s and %lu %s%s", a, units[i].name, a == 1 ? "" : "s", b,
                 units[i + 1].name, b == 1 ? "" : "s");
    else
        snprintf(out, n, "%lu %s%s", a, units[i].name, a == 1 ? "" : "s");
}

static void print_human(const struct cf_json *o, bool running)
{
    const struct cf_json *hs = cf_json_get(o, "harvesters");
    char size[32], eta[64];

    printf("Farming status: %s\n", running ? "Farming" : "Not running (last status shown)");
    printf("Signage point source: %s\n", str_of(o, "source"));
    printf("Harvesters: %llu\n", (unsigned long long)u64_of(o, "harvesters_connected"));
    for (const struct cf_json *h = hs ? hs->child : NULL; h; h = h->next) {
        human_size(size, sizeof size, u64_of(h, "total_plot_size"));
        printf("   %s\n      %llu plots of size: %s; failed to open: %llu, no key: %llu, "
               "duplicates: %llu%s\n",
               str_of(h, "name"), (unsigned long long)u64_of(h, "plots"), size,
               (unsigned long long)u64_of(h, "failed_to_open"),
               (unsigned long long)u64_of(h, "no_key"), (unsigned long long)u64_of(h, "duplicates"),
               cf_json_get(h, "syncing") && cf_json_get(h, "syncing")->type == CF_JSON_OBJECT
                   ? " (plot sync under way)"
                   : "");
        printf("      proofs: %llu, invalid proofs: %llu, signatures verified: %llu, bad: %llu\n",
               (unsigned long long)u64_of(h, "proofs"),
               (unsigned long long)u64_of(h, "invalid_proofs"),
               (unsigned long long)u64_of(h, "signatures_ok"),
               (unsigned long long)u64_of(h, "signatures_bad"));
    }
    human_size(size, sizeof size, u64_of(o, "total_plot_size"));
    human_time(eta, sizeof eta, dbl_of(o, "expected_time_to_win_seconds"));
    printf("Plot count for all harvesters: %llu\n", (unsigned long long)u64_of(o, "plots"));
    printf("Total size of plots: %s\n", size);
    printf("Signage points: %llu\n", (unsigned long long)u64_of(o, "signage_points"));
    printf("Plots passed filter: %llu\n", (unsigned long long)u64_of(o, "plots_passed_filter"));
    printf("Proofs found: %llu (received %llu, invalid %llu)\n",
           (unsigned long long)u64_of(o, "proofs_found"),
           (unsigned long long)u64_of(o, "proofs_received"),
           (unsigned long long)u64_of(o, "proofs_invalid"));
    printf("Signatures aggregated and verified: %llu (bad: %llu)\n",
           (unsigned long long)u64_of(o, "signatures_verified"),
           (unsigned long long)u64_of(o, "signatures_bad"));
    printf("Blocks won: %llu\n", (unsigned long long)u64_of(o, "blocks_won"));
    printf("Expected time to win: %s\n", eta);
}

int cmd_farm(int argc, char **argv)
{
    const char *given = NULL;
    bool json = false, missing = false;
    char *root = NULL, *path = NULL, *text = NULL;
    struct cf_json_doc *doc = NULL;
    const struct cf_json *o;
    size_t len = 0;
    uint64_t pid;
    bool running;
    enum cf_err err;
    int rc = 1;

    if (argc < 2 || strcmp(argv[1], "summary") != 0)
        return cli_fail("farm: usage: cfarm farm summary [--root DIR] [--json]");
    for (int i = 2; i < argc; i++) {
        if (cli_opt(argc, argv, &i, "--root", &given, &missing))
            continue;
        if (missing)
            return cli_fail("farm summary: --root needs a value");
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else
            return cli_fail("farm summary: unknown option '%s'", argv[i]);
    }
    if ((root = cli_root(given)) == NULL || (path = cli_path(root, "run/farmer.json")) == NULL) {
        rc = cli_fail("farm summary: no root (give --root or set $HOME)");
        goto out;
    }
    err = cf_read_file(path, 64u << 20, &text, &len);
    if (err != CF_OK) {
        rc = cli_fail("farm summary: no farmer is running on %s (no %s)", root, path);
        goto out;
    }
    if ((err = cf_json_parse(text, len, &doc)) != CF_OK) {
        rc = cli_fail_err("farm summary: status file", err);
        goto out;
    }
    o = cf_json_root(doc);
    pid = u64_of(o, "pid");
    running = pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
    if (json) {
        /* the file is one object: add "running" before its closing brace */
        char *end = strrchr(text, '}');

        if (end == NULL) {
            rc = cli_fail("farm summary: status file is not an object");
            goto out;
        }
        while (end > text && (end[-1] == '\n' || end[-1] == ' '))
            end--;
        printf("%.*s,\n  \"running\": %s\n}\n", (int)(end - text), text,
               running ? "true" : "false");
    } else {
        print_human(o, running);
    }
    rc = 0;
out:
    cf_json_free(doc);
    free(text);
    free(path);
    free(root);
    return rc;
}
