/*
 * main.c: the cfarm program: one binary, one subcommand per verb.
 */
#include <stdio.h>
#include <string.h>

#include "cfarm/bls.h"
#include "cfarm/codec.h"

#include "cli.h"
#include "commands.h"

#define CFARM_VERSION "0.1.0"

static const struct cf_cmd commands[] = {
    {"version", cmd_version, "print the cfarm version"},
    {"init", cmd_init, "create config.yaml, the private CA and node certificates (-c CA_DIR)"},
    {"ping", cmd_ping, "connect to a farmer as a harvester and show its handshake"},
    {"msg", cmd_msg, "decode or encode a protocol message (hex <-> JSON)"},
    {"keys", cmd_keys, "generate, add, show, derive and delete keys"},
    {"farmer", cmd_farmer, "run the farmer (--simulate: on a simulated chain)"},
    {"farm", cmd_farm, "farm summary: what the running farmer sees"},
    {"harvester", cmd_harvester, "run the harvester service in the foreground (--root DIR)"},
    {"plots", cmd_plots, "create, show, prove, verify, bench and check plots; add/remove plot dirs"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: cfarm <command> [--root DIR] [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nThe root defaults to $CFARM_ROOT, else ~/.cfarm/mainnet (a Chia root works too).\n");
}

int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("cfarm %s\n", CFARM_VERSION);
    return 0;
}

int main(int argc, char **argv)
{
    /* Every G1/G2 the message decoder reads is a full curve point check, as Chia's parse. */
    cf_codec_set_point_check(cf_bls_pk_validate, cf_bls_sig_validate);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0)
        return cmd_version(argc - 1, argv + 1);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    return cli_fail("unknown command '%s' (try 'cfarm help')", argv[1]);
}
