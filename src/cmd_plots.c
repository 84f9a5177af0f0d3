/*
 * cmd_plots.c: `cfarm plots <verb>`: the plot commands, each in its own file.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_plots_create.h"
#include "cmd_plots_verify.h"
#include "commands.h"

int cmd_plots(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fprintf(argc < 2 ? stderr : stdout,
                "usage: cfarm plots <command> [options]\n\n"
                "  create   make plots (cfarm plots create --help)\n"
                "  verify   check one proof of space (cfarm plots verify --help)\n");
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "create") == 0)
        return plots_create_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "verify") == 0)
        return plots_verify_main(argc - 1, argv + 1);
    return cli_fail("plots: unknown command '%s' (try 'cfarm plots --help')", argv[1]);
}
