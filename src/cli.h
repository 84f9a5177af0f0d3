/*
 * cli.h: what every subcommand of the cfarm program shares.
 *
 * Each subcommand lives in src/cmd_<verb>.c and has the signature of cf_cmd_fn: argv[0] is the
 * verb itself. It returns the process exit status. Errors are one line on stderr, via cli_fail().
 */
#ifndef CFARM_CLI_H
#define CFARM_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "cfarm/err.h"

typedef int (*cf_cmd_fn)(int argc, char **argv);

struct cf_cmd {
    const char *name;
    cf_cmd_fn fn;
    const char *summary;
};

/* Print "cfarm: <formatted>" to stderr and return 1 (an exit status). */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "cfarm: what: <error string>[: detail]" to stderr and return 1. */
int cli_fail_err(const char *what, enum cf_err err);

/*
 * The cfarm root: --root DIR if given, else $CFARM_ROOT, else ~/.cfarm/mainnet.
 * Returns a heap string the caller frees, or NULL when no home directory is known.
 */
char *cli_root(const char *given);

/* "--opt VALUE" and "--opt=VALUE" helper: when argv[*i] is opt, store its value, advance *i,
 * and return true. A missing value sets *missing. */
bool cli_opt(int argc, char **argv, int *i, const char *opt, const char **value, bool *missing);

/* Join root and a relative path (an absolute rel is returned as is); heap string. */
char *cli_path(const char *root, const char *rel);

#endif
