/* cli.c: helpers shared by the subcommands. */
#include "cli.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_fail(const char *fmt, ...)
{
    va_list ap;

    fputs("cfarm: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

int cli_fail_err(const char *what, enum cf_err err)
{
    const char *detail = cf_err_detail();

    if (detail[0])
        return cli_fail("%s: %s: %s", what, cf_strerror(err), detail);
    return cli_fail("%s: %s", what, cf_strerror(err));
}

char *cli_root(const char *given)
{
    const char *env = getenv("CFARM_ROOT"), *home = getenv("HOME");
    char *out;
    size_t n;

    if (given && given[0])
        return strdup(given);
    if (env && env[0])
        return strdup(env);
    if (home == NULL || home[0] == '\0') {
        struct passwd *pw = getpwuid(getuid());

        home = pw ? pw->pw_dir : NULL;
    }
    if (home == NULL)
        return NULL;
    n = strlen(home) + sizeof "/.cfarm/mainnet";
    out = malloc(n);
    if (out)
        snprintf(out, n, "%s/.cfarm/mainnet", home);
    return out;
}

bool cli_opt(int argc, char **argv, int *i, const char *opt, const char **value, bool *missing)
{
    size_t n = strlen(opt);
    const char *a = argv[*i];

    if (strncmp(a, opt, n) != 0)
        return false;
    if (a[n] == '=') {
        *value = a + n + 1;
        return true;
    }
    if (a[n] != '\0')
        return false;
    if (*i + 1 >= argc) {
        *missing = true;
        return true;
    }
    *value = argv[++*i];
    return true;
}

char *cli_path(const char *root, const char *rel)
{
    size_t n;
    char *out;

    if (rel[0] == '/')
        return strdup(rel);
    n = strlen(root) + strlen(rel) + 2;
    out = malloc(n);
    if (out)
        snprintf(out, n, "%s/%s", root, rel);
    return out;
}
