/*
 * cmd_plots_dirs.c: `cfarm plots add -d DIR` and `cfarm plots remove -d DIR`.
 *
 * They edit harvester.plot_directories of <root>/config/config.yaml as `chia plots add -d` and
 * `chia plots remove -d` do (absolute, symlink-resolved paths; Chia's config lock), keeping the
 * rest of the file as written. `cfarm plots` dispatches here with argv[0] = "add" / "remove".
 * Both are idempotent: adding a listed directory or removing an unlisted one says so and
 * succeeds without rewriting the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfarm/config.h"
#include "cli.h"
#include "commands.h"

static int usage(const char *verb, FILE *f, int status)
{
    fprintf(f, "usage: cfarm plots %s [--root DIR] [-d DIR]\n"
               "  -d, --final_dir DIR  plot directory (default: the current directory)\n", verb);
    return status;
}

static int run(int argc, char **argv, bool add)
{
    const char *verb = add ? "add" : "remove", *dir = ".", *root_opt = NULL;
    char *root, *abs = NULL;
    bool changed = false, missing = false;
    enum cf_err err;
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return usage(verb, stdout, 0);
        if (cli_opt(argc, argv, &i, "--root", &root_opt, &missing) ||
            cli_opt(argc, argv, &i, "-d", &dir, &missing) ||
            cli_opt(argc, argv, &i, "--final_dir", &dir, &missing)) {
            if (missing)
                return cli_fail("plots %s: %s needs a value", verb, argv[i]);
            continue;
        }
        return cli_fail("plots %s: unknown argument '%s' (try 'cfarm plots %s --help')", verb,
                        argv[i], verb);
    }
    root = cli_root(root_opt);
    if (root == NULL)
        return cli_fail("plots %s: no root directory (give --root or set CFARM_ROOT)", verb);
    err = add ? cf_config_plot_dir_add(root, dir, &abs, &changed)
              : cf_config_plot_dir_remove(root, dir, &abs, &changed);
    if (err) {
        char what[64];

        snprintf(what, sizeof what, "plots %s", verb);
        free(abs);
        free(root);
        return cli_fail_err(what, err);
    }
    if (add)
        printf(changed ? "Added plot directory: %s\n" : "Already a plot directory: %s\n", abs);
    else
        printf(changed ? "Removed plot directory: %s\n" : "Not a plot directory: %s\n",
               changed ? dir : abs);
    free(abs);
    free(root);
    return 0;
}

int plots_add_main(int argc, char **argv)
{
    return run(argc, argv, true);
}

int plots_remove_main(int argc, char **argv)
{
    return run(argc, argv, false);
}
