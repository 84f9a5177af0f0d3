/*
 * plot_dirs.c: `plots add -d` and `plots remove -d`, the edits Chia's harvester_config makes to
 * harvester.plot_directories, done the same way (under Chia's config lock, absolute resolved
 * paths, Chia's two matching rules for removal) but as an in-place edit that keeps the rest of
 * config.yaml as written.
 */
#include "yaml_doc.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PLOT_DIRS "harvester.plot_directories"

/* Append "/comp" (comp of length n) to *acc, a heap string. */
static bool append_comp(char **acc, const char *comp, size_t n)
{
    size_t len = strlen(*acc);
    char *p = realloc(*acc, len + n + 2);

    if (p == NULL)
        return false;
    if (len == 0 || p[len - 1] != '/')
        p[len++] = '/';
    memcpy(p + len, comp, n);
    p[len + n] = '\0';
    *acc = p;
    return true;
}

char *cf_config_resolve_path(const char *path)
{
    char *acc, *full, cwd[PATH_MAX];
    bool exists = true;
    const char *s;

    if (path == NULL || path[0] == '\0')
        path = ".";
    if (path[0] == '/') {
        full = strdup(path);
    } else {
        if (getcwd(cwd, sizeof cwd) == NULL)
            return NULL;
        full = malloc(strlen(cwd) + strlen(path) + 2);
        if (full)
            sprintf(full, "%s/%s", cwd, path);
    }
    if (full == NULL)
        return NULL;
    acc = realpath(full, NULL);
    if (acc) {
        free(full);
        return acc;
    }
    /* Part of it does not exist: resolve what does, then go on lexically (Path.resolve()). */
    acc = strdup("/");
    for (s = full; acc && *s;) {
        size_t n;

        s += strspn(s, "/");
        n = strcspn(s, "/");
        if (n == 0 || (n == 1 && s[0] == '.')) {
            s += n;
            continue;
        }
        if (n == 2 && s[0] == '.' && s[1] == '.') {
            char *slash = strrchr(acc, '/');

            if (slash)
                slash[slash == acc] = '\0';
        } else if (!append_comp(&acc, s, n)) {
            free(acc);
            acc = NULL;
        } else if (exists) {
            char *r = realpath(acc, NULL);

            if (r) {
                free(acc);
                acc = r;
            } else {
                exists = false;
            }
        }
        s += n;
    }
    free(full);
    return acc;
}

static char *config_path(const char *root)
{
    size_t n = strlen(root) + sizeof "/" CF_CONFIG_REL_PATH;
    char *p = malloc(n);

    if (p)
        snprintf(p, n, "%s/%s", root, CF_CONFIG_REL_PATH);
    return p;
}

/* The current list (may be absent or null: then NULL, no error). */
static enum cf_err current_list(const struct cf_config *doc, const struct cf_config_node **list)
{
    const struct cf_config_node *n = cf_config_find(doc, NULL, PLOT_DIRS);

    *list = NULL;
    if (n == NULL || cf_config_node_kind(n) == CF_CONFIG_NULL)
        return CF_OK;
    if (cf_config_node_kind(n) != CF_CONFIG_SEQ)
        return cf_err_set(CF_ERR_CONFIG, PLOT_DIRS ": expected a list of directories");
    *list = n;
    return CF_OK;
}

static const char *item_text(const struct cf_config_node *list, size_t i)
{
    const char *t = cf_config_node_text(cf_config_node_item(list, i), NULL);

    return t ? t : "";
}

/* Lock, load, edit (edit() decides), save when changed, unlock. */
static enum cf_err locked_edit(const char *root, const char *dir, const char *abs, bool *changed,
                               enum cf_err (*edit)(struct cf_config *, const char *,
                                                   const char *, bool *))
{
    char *path = config_path(root);
    struct cf_config *doc = NULL;
    enum cf_err err = CF_OK;
    int lock = -1;

    if (path == NULL)
        return CF_ERR_NOMEM;
    /* No config: say so (and do not leave a lock file in a directory that is not a root). */
    if (access(path, F_OK) != 0 && (err = cf_config_load_root(root, &doc)) == CF_OK) {
        cf_config_free(doc); /* it appeared meanwhile: read it again under the lock */
        doc = NULL;
    }
    if (err == CF_OK)
        err = cf_config_lock(path, &lock);
    if (err == CF_OK)
        err = cf_config_load_root(root, &doc);
    if (err == CF_OK)
        err = edit(doc, dir, abs, changed);
    if (err == CF_OK && *changed)
        err = cf_config_save(doc, path);
    cf_config_free(doc);
    cf_config_unlock(lock);
    free(path);
    return err;
}

static enum cf_err add_edit(struct cf_config *doc, const char *dir, const char *abs,
                            bool *changed)
{
    const struct cf_config_node *list;
    enum cf_err err = current_list(doc, &list);

    (void)dir;
    if (err)
        return err;
    for (size_t i = 0; i < cf_config_node_len(list); i++)
        if (strcmp(item_text(list, i), abs) == 0)
            return CF_OK;
    err = cf_config_seq_append_str(doc, PLOT_DIRS, abs);
    *changed = err == CF_OK;
    return err;
}

static enum cf_err remove_edit(struct cf_config *doc, const char *dir, const char *abs,
                               bool *changed)
{
    const struct cf_config_node *list;
    size_t exact = SIZE_MAX, resolved = SIZE_MAX, n;
    enum cf_err err = current_list(doc, &list);

    if (err)
        return err;
    n = cf_config_node_len(list);
    for (size_t i = 0; i < n && exact == SIZE_MAX; i++)
        if (strcmp(item_text(list, i), dir) == 0)
            exact = i;
    for (size_t i = 0; i < n && resolved == SIZE_MAX; i++) {
        char *r = i == exact ? NULL : cf_config_resolve_path(item_text(list, i));

        if (r && strcmp(r, abs) == 0)
            resolved = i;
        free(r);
    }
    /* Remove the later index first so the earlier one still points at its item. */
    if (resolved != SIZE_MAX && (exact == SIZE_MAX || resolved > exact))
        err = cf_config_seq_remove(doc, PLOT_DIRS, resolved);
    if (err == CF_OK && exact != SIZE_MAX)
        err = cf_config_seq_remove(doc, PLOT_DIRS, exact);
    if (err == CF_OK && resolved != SIZE_MAX && exact != SIZE_MAX && resolved < exact)
        err = cf_config_seq_remove(doc, PLOT_DIRS, resolved);
    *changed = err == CF_OK && (exact != SIZE_MAX || resolved != SIZE_MAX);
    return err;
}

enum cf_err cf_config_plot_dir_add(const char *root, const char *dir, char **abs, bool *changed)
{
    struct stat st;
    char *a;
    enum cf_err err;

    *abs = NULL;
    *changed = false;
    if (root == NULL || dir == NULL)
        return CF_ERR_INVAL;
    a = cf_config_resolve_path(dir);
    if (a == NULL)
        return CF_ERR_NOMEM;
    *abs = a;
    if (stat(a, &st) != 0)
        return cf_err_set(errno == ENOENT ? CF_ERR_NOT_FOUND : CF_ERR_IO,
                          "Path doesn't exist: %s", a);
    if (!S_ISDIR(st.st_mode))
        return cf_err_set(CF_ERR_INVAL, "Path is not a directory: %s", a);
    err = locked_edit(root, dir, a, changed, add_edit);
    return err;
}

enum cf_err cf_config_plot_dir_remove(const char *root, const char *dir, char **abs,
                                      bool *changed)
{
    char *a;

    *abs = NULL;
    *changed = false;
    if (root == NULL || dir == NULL)
        return CF_ERR_INVAL;
    a = cf_config_resolve_path(dir);
    if (a == NULL)
        return CF_ERR_NOMEM;
    *abs = a;
    return locked_edit(root, dir, a, changed, remove_edit);
}
