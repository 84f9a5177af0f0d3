/*
 * cmd_init.c: `cfarm init [--root DIR] [-c CA_DIR]`: prepare a root the way `chia init` does.
 *
 * Init is a list of steps run in order over one shared context; each step is idempotent (it keeps
 * what already exists, as chia does). Today there is one step, the TLS certificates; the default
 * config.yaml, key store and directories are further steps appended to `steps` below.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfarm/cert.h"
#include "cli.h"
#include "commands.h"

struct init_ctx {
    const char *root;
    const char *ca_dir; /* -c: a copy of another machine's config/ssl/ca, or NULL */
};

struct init_step {
    const char *name;
    int (*run)(const struct init_ctx *ctx); /* exit status: 0 ok, else already reported */
};

static int step_certs(const struct init_ctx *ctx)
{
    static const char *const node_name[CF_CERT__NODES] = {"harvester", "farmer"};
    struct cf_cert_paths paths;
    struct cf_cert_init_report rep;
    enum cf_err err = cf_cert_paths_load(&paths, ctx->root);

    if (err)
        return cli_fail_err("reading certificate paths", err);
    err = cf_cert_init_root(&paths, ctx->ca_dir, &rep);
    if (err) {
        cf_cert_paths_free(&paths);
        return cli_fail_err("creating certificates", err);
    }
    if (rep.ca_created)
        printf("created private CA %s\n", paths.ca_crt);
    else if (rep.ca_copied)
        printf("installed private CA from %s as %s\n", ctx->ca_dir, paths.ca_crt);
    else
        printf("kept private CA %s\n", paths.ca_crt);
    for (int i = 0; i < CF_CERT__NODES; i++)
        printf("%s %s certificate %s\n", rep.node_created[i] ? "created" : "kept", node_name[i],
               paths.node_crt[i]);
    if (rep.public_farmer_created)
        printf("created public farmer certificate %s (from Chia's public CA)\n",
               paths.public_farmer_crt);
    else if (!rep.public_ca_present)
        printf("no public farmer certificate: Chia's public CA (%s) is not in this root; a "
               "farmer that talks to a full node needs it\n",
               paths.chia_ca_crt);
    cf_cert_paths_free(&paths);
    return 0;
}

static const struct init_step steps[] = {
    {"certificates", step_certs},
};

int cmd_init(int argc, char **argv)
{
    const char *root_opt = NULL, *ca_dir = NULL;
    struct init_ctx ctx;
    char *root;
    int rc = 0;

    for (int i = 1; i < argc; i++) {
        bool missing = false;

        if (cli_opt(argc, argv, &i, "--root", &root_opt, &missing) ||
            cli_opt(argc, argv, &i, "-c", &ca_dir, &missing) ||
            cli_opt(argc, argv, &i, "--ca", &ca_dir, &missing)) {
            if (missing)
                return cli_fail("init: %s needs a value", argv[i]);
            continue;
        }
        return cli_fail("init: unknown argument '%s' (usage: cfarm init [--root DIR] [-c CA_DIR])",
                        argv[i]);
    }
    root = cli_root(root_opt);
    if (root == NULL)
        return cli_fail("init: no root given and no home directory known");
    ctx.root = root;
    ctx.ca_dir = ca_dir;
    for (size_t s = 0; s < sizeof steps / sizeof steps[0] && rc == 0; s++)
        rc = steps[s].run(&ctx);
    free(root);
    return rc;
}
