/*
 * typed.c: the harvester and farmer sections as C structs, validated, with Chia's defaults.
 *
 * A reader walks one section (`harvester` or `farmer`) key by key. The first invalid value
 * stops it with CF_ERR_CONFIG and a detail naming the full key path; absent or null keys take
 * Chia's default. Paths are resolved as Chia's path_from_root does: "~" expanded, relative
 * paths joined to the root.
 */
#include "yaml_doc.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct reader {
    const struct cf_config *doc;
    const char *sec;       /* "harvester" or "farmer" */
    const char *root;
    enum cf_err err;       /* first failure; later reads do nothing */
    char path[192];
};

static const char *at(struct reader *r, const char *key)
{
    snprintf(r->path, sizeof r->path, "%s.%s", r->sec, key);
    return r->path;
}

static void fail(struct reader *r, enum cf_err err)
{
    if (r->err == CF_OK)
        r->err = err;
}

static void rd_u64(struct reader *r, const char *path, uint64_t def, uint64_t min, uint64_t max,
                   uint64_t *out)
{
    enum cf_err err;

    if (r->err)
        return;
    err = cf_config_get_u64(r->doc, path, min, max, out);
    if (err == CF_ERR_NOT_FOUND)
        *out = def;
    else if (err)
        fail(r, err);
}

static void rd_u32(struct reader *r, const char *key, uint32_t def, uint32_t min, uint32_t max,
                   uint32_t *out)
{
    uint64_t v = def;

    rd_u64(r, at(r, key), def, min, max, &v);
    *out = (uint32_t)v;
}

static void rd_port(struct reader *r, const char *path, uint16_t def, uint16_t min, uint16_t *out)
{
    uint64_t v = def;

    rd_u64(r, path, def, min, 65535, &v);
    *out = (uint16_t)v;
}

static void rd_bool(struct reader *r, const char *path, bool def, bool *out)
{
    enum cf_err err;

    if (r->err)
        return;
    err = cf_config_get_bool(r->doc, path, out);
    if (err == CF_ERR_NOT_FOUND)
        *out = def;
    else if (err)
        fail(r, err);
}

static char *dup_or_fail(struct reader *r, const char *s)
{
    char *d = s ? strdup(s) : NULL;

    if (s && d == NULL)
        fail(r, CF_ERR_NOMEM);
    return d;
}

/* A string at the first present path of a NULL-terminated list, else def. */
static void rd_str(struct reader *r, const char *const *paths, const char *def, char **out)
{
    const char *v = NULL;

    if (r->err)
        return;
    for (; *paths && v == NULL; paths++) {
        enum cf_err err = cf_config_get_str(r->doc, *paths, &v);

        if (err && err != CF_ERR_NOT_FOUND) {
            fail(r, err);
            return;
        }
        if (err == CF_OK && v[0] == '\0') {
            fail(r, cf_err_set(CF_ERR_CONFIG, "%s: expected a non-empty string", *paths));
            return;
        }
    }
    *out = dup_or_fail(r, v ? v : def);
}

static char *home_dir(void)
{
    const char *h = getenv("HOME");
    struct passwd *pw;

    if (h && h[0])
        return (char *)h;
    pw = getpwuid(getuid());
    return pw ? pw->pw_dir : NULL;
}

/* "~" and "~/x" expanded; relative joined to base when base is not NULL. Heap or NULL. */
static char *expand(const char *p, const char *base)
{
    const char *home = home_dir();
    char *out;
    size_t n;

    if (p[0] == '~' && (p[1] == '/' || p[1] == '\0') && home) {
        n = strlen(home) + strlen(p);
        if ((out = malloc(n)) != NULL)
            snprintf(out, n, "%s%s", home, p + 1);
        return out;
    }
    if (p[0] == '/' || base == NULL)
        return strdup(p);
    n = strlen(base) + strlen(p) + 2;
    if ((out = malloc(n)) != NULL)
        snprintf(out, n, "%s/%s", base, p);
    return out;
}

static void rd_path(struct reader *r, const char *const *paths, const char *def, char **out)
{
    char *raw = NULL;

    rd_str(r, paths, def, &raw);
    if (r->err || raw == NULL)
        return;
    *out = expand(raw, r->root);
    if (*out == NULL)
        fail(r, CF_ERR_NOMEM);
    free(raw);
}

static void rd_logging(struct reader *r, struct cf_config_logging *lg)
{
    static const char *const levels[] = {"CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG",
                                         "NOTSET", NULL};
    char p1[96], p2[96];
    const char *paths[] = {p1, NULL};
    uint64_t v = 0;
    bool ok = false;

    snprintf(p1, sizeof p1, "%s.logging.log_level", r->sec);
    rd_str(r, paths, "WARNING", &lg->log_level);
    for (const char *const *l = levels; lg->log_level && *l; l++)
        ok = ok || strcmp(lg->log_level, *l) == 0;
    if (r->err == CF_OK && !ok)
        fail(r, cf_err_set(CF_ERR_CONFIG, "%s: expected one of CRITICAL, ERROR, WARNING, INFO, "
                           "DEBUG, NOTSET, got '%.40s'", p1, lg->log_level));
    snprintf(p1, sizeof p1, "%s.logging.log_filename", r->sec);
    rd_path(r, paths, "log/debug.log", &lg->log_filename);
    snprintf(p2, sizeof p2, "%s.logging.log_stdout", r->sec);
    rd_bool(r, p2, false, &lg->log_stdout);
    snprintf(p2, sizeof p2, "%s.logging.log_maxfilesrotation", r->sec);
    rd_u64(r, p2, 7, 0, 1000000, &v);
    lg->log_maxfilesrotation = (uint32_t)v;
    snprintf(p2, sizeof p2, "%s.logging.log_maxbytesrotation", r->sec);
    rd_u64(r, p2, 52428800, 0, UINT64_MAX, &lg->log_maxbytesrotation);
}

/* A list of {host, port} at `key`, else the legacy single `legacy`, else one default peer. */
static void rd_peers(struct reader *r, const char *key, const char *legacy, uint16_t def_port,
                     struct cf_config_peer **out, size_t *n_out)
{
    const struct cf_config_node *list, *one;
    size_t n;

    if (r->err)
        return;
    list = cf_config_find(r->doc, NULL, at(r, key));
    one = cf_config_find(r->doc, NULL, at(r, legacy));
    if (list && cf_config_node_kind(list) != CF_CONFIG_NULL &&
        cf_config_node_kind(list) != CF_CONFIG_SEQ) {
        fail(r, cf_err_set(CF_ERR_CONFIG, "%s.%s: expected a list of {host, port}", r->sec, key));
        return;
    }
    if (list == NULL || cf_config_node_kind(list) == CF_CONFIG_NULL)
        list = NULL;
    n = list ? cf_config_node_len(list) : 1;
    *out = calloc(n ? n : 1, sizeof **out);
    if (*out == NULL) {
        fail(r, CF_ERR_NOMEM);
        return;
    }
    *n_out = n;
    for (size_t i = 0; i < n && r->err == CF_OK; i++) {
        char hp[96], pp[96];
        const char *hosts[] = {hp, "self_hostname", NULL};

        if (list)
            snprintf(hp, sizeof hp, "%s.%s.%zu.host", r->sec, key, i);
        else
            snprintf(hp, sizeof hp, "%s.%s.host", r->sec, one ? legacy : "-");
        memcpy(pp, hp, sizeof pp);
        memcpy(pp + strlen(pp) - 4, "port", 5);
        if (list && cf_config_node_kind(cf_config_node_item(list, i)) != CF_CONFIG_MAP) {
            fail(r, cf_err_set(CF_ERR_CONFIG, "%s.%s.%zu: expected {host, port}", r->sec, key,
                               i));
            return;
        }
        rd_str(r, hosts, "localhost", &(*out)[i].host);
        rd_port(r, pp, def_port, 1, &(*out)[i].port);
    }
}

static void rd_network(struct reader *r, struct cf_config_common *c)
{
    char sp[96], pp[160], pp2[160];
    const char *nets[] = {sp, "selected_network", NULL}, *hosts[] = {"self_hostname", NULL};
    const char *prefix[] = {pp, pp2, NULL};

    snprintf(sp, sizeof sp, "%s.selected_network", r->sec);
    rd_str(r, nets, "mainnet", &c->selected_network);
    rd_str(r, hosts, "localhost", &c->self_hostname);
    if (r->err)
        return;
    if (strchr(c->selected_network, '.')) {
        fail(r, cf_err_set(CF_ERR_CONFIG, "%s: network name '%.40s' has a dot", sp,
                           c->selected_network));
        return;
    }
    snprintf(pp, sizeof pp, "%s.network_overrides.config.%s.address_prefix", r->sec,
             c->selected_network);
    snprintf(pp2, sizeof pp2, "network_overrides.config.%s.address_prefix",
             c->selected_network);
    rd_str(r, prefix, strcmp(c->selected_network, "mainnet") == 0 ? "xch" : "txch",
           &c->address_prefix);
}

static void rd_common(struct reader *r, struct cf_config_common *c, uint16_t rpc_port,
                      const char *svc)
{
    char a[96], b[96], d[96];
    const char *pa[] = {a, NULL};
    const char *pca_crt[] = {"private_ssl_ca.crt", a, NULL}, *pca_key[] = {"private_ssl_ca.key", b, NULL};
    const char *cca_crt[] = {"chia_ssl_ca.crt", a, NULL}, *cca_key[] = {"chia_ssl_ca.key", b, NULL};

    c->root = dup_or_fail(r, r->root);
    rd_network(r, c);
    snprintf(a, sizeof a, "%s.private_ssl_ca.crt", r->sec);
    snprintf(b, sizeof b, "%s.private_ssl_ca.key", r->sec);
    rd_path(r, pca_crt, "config/ssl/ca/private_ca.crt", &c->private_ca_crt);
    rd_path(r, pca_key, "config/ssl/ca/private_ca.key", &c->private_ca_key);
    snprintf(a, sizeof a, "%s.chia_ssl_ca.crt", r->sec);
    snprintf(b, sizeof b, "%s.chia_ssl_ca.key", r->sec);
    rd_path(r, cca_crt, "config/ssl/ca/chia_ca.crt", &c->chia_ca_crt);
    rd_path(r, cca_key, "config/ssl/ca/chia_ca.key", &c->chia_ca_key);
    snprintf(a, sizeof a, "%s.ssl.private_crt", r->sec);
    snprintf(d, sizeof d, "config/ssl/%s/private_%s.crt", svc, svc);
    rd_path(r, pa, d, &c->ssl.private_crt);
    snprintf(a, sizeof a, "%s.ssl.private_key", r->sec);
    snprintf(d, sizeof d, "config/ssl/%s/private_%s.key", svc, svc);
    rd_path(r, pa, d, &c->ssl.private_key);
    snprintf(a, sizeof a, "%s.ssl.public_crt", r->sec);
    rd_path(r, pa, NULL, &c->ssl.public_crt);
    snprintf(a, sizeof a, "%s.ssl.public_key", r->sec);
    rd_path(r, pa, NULL, &c->ssl.public_key);
    rd_logging(r, &c->logging);
    rd_bool(r, at(r, "start_rpc_server"), true, &c->start_rpc_server);
    rd_port(r, at(r, "rpc_port"), rpc_port, 1, &c->rpc_port);
    snprintf(a, sizeof a, "%s.cfarm.metrics_address", r->sec);
    rd_str(r, pa, "127.0.0.1", &c->metrics_address);
    rd_port(r, at(r, "cfarm.metrics_port"), 0, 0, &c->metrics_port);
}

static void free_common(struct cf_config_common *c)
{
    free(c->root);
    free(c->selected_network);
    free(c->self_hostname);
    free(c->address_prefix);
    free(c->ssl.private_crt);
    free(c->ssl.private_key);
    free(c->ssl.public_crt);
    free(c->ssl.public_key);
    free(c->private_ca_crt);
    free(c->private_ca_key);
    free(c->chia_ca_crt);
    free(c->chia_ca_key);
    free(c->logging.log_level);
    free(c->logging.log_filename);
    free(c->metrics_address);
}

static void free_peers(struct cf_config_peer *p, size_t n)
{
    for (size_t i = 0; p && i < n; i++)
        free(p[i].host);
    free(p);
}

static void free_strs(char **s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        free(s[i]);
    free(s);
}

static bool start(struct reader *r, const struct cf_config *doc, const char *root,
                  const char *sec)
{
    const struct cf_config_node *n;

    *r = (struct reader){.doc = doc, .sec = sec, .root = root};
    cf_err_clear();
    if (doc == NULL || root == NULL) {
        r->err = CF_ERR_INVAL;
        return false;
    }
    n = cf_config_find(doc, NULL, sec);
    if (n == NULL || cf_config_node_kind(n) != CF_CONFIG_MAP) {
        r->err = cf_err_set(CF_ERR_CONFIG, "%s: section missing or not a mapping", sec);
        return false;
    }
    return true;
}

/* Plot directories as listed, "~" expanded, relative ones kept relative (Chia's Path(d)). */
static void rd_plot_dirs(struct reader *r, struct cf_harvester_config *h)
{
    const struct cf_config_node *list = cf_config_find(r->doc, NULL, at(r, "plot_directories"));
    size_t n;

    if (r->err || list == NULL || cf_config_node_kind(list) == CF_CONFIG_NULL)
        return;
    if (cf_config_node_kind(list) != CF_CONFIG_SEQ) {
        fail(r, cf_err_set(CF_ERR_CONFIG, "harvester.plot_directories: expected a list of "
                           "directories"));
        return;
    }
    n = cf_config_node_len(list);
    h->plot_directories = calloc(n ? n : 1, sizeof *h->plot_directories);
    if (h->plot_directories == NULL) {
        fail(r, CF_ERR_NOMEM);
        return;
    }
    for (size_t i = 0; i < n && r->err == CF_OK; i++) {
        size_t len;
        const char *t = cf_config_node_text(cf_config_node_item(list, i), &len);

        if (t == NULL || len == 0 || strlen(t) != len) {
            fail(r, cf_err_set(CF_ERR_CONFIG, "harvester.plot_directories.%zu: expected a "
                               "directory path", i));
            return;
        }
        h->plot_directories[i] = expand(t, NULL);
        if (h->plot_directories[i] == NULL)
            fail(r, CF_ERR_NOMEM);
        h->n_plot_directories = i + 1;
    }
}

enum cf_err cf_harvester_config_read(const struct cf_config *doc, const char *root,
                                     struct cf_harvester_config *h)
{
    struct reader r;

    memset(h, 0, sizeof *h);
    if (!start(&r, doc, root, "harvester"))
        return r.err;
    rd_common(&r, &h->c, 8560, "harvester");
    rd_peers(&r, "farmer_peers", "farmer_peer", 8447, &h->farmer_peers, &h->n_farmer_peers);
    rd_plot_dirs(&r, h);
    rd_bool(&r, at(&r, "recursive_plot_scan"), false, &h->recursive_plot_scan);
    rd_bool(&r, at(&r, "recursive_follow_links"), false, &h->recursive_follow_links);
    rd_u32(&r, "plots_refresh_parameter.interval_seconds", 120, 0, 86400 * 365,
           &h->interval_seconds);
    rd_u32(&r, "plots_refresh_parameter.retry_invalid_seconds", 1200, 0, 86400 * 365,
           &h->retry_invalid_seconds);
    rd_u32(&r, "plots_refresh_parameter.batch_size", 300, 1, 1000000, &h->batch_size);
    rd_u32(&r, "plots_refresh_parameter.batch_sleep_milliseconds", 1, 0, 3600000,
           &h->batch_sleep_milliseconds);
    rd_bool(&r, at(&r, "parallel_read"), true, &h->parallel_read);
    rd_u32(&r, "num_threads", 30, 1, 1024, &h->num_threads);
    rd_u32(&r, "parallel_decompressor_count", 0, 0, 1024, &h->parallel_decompressor_count);
    rd_u32(&r, "decompressor_thread_count", 0, 0, 1024, &h->decompressor_thread_count);
    rd_u32(&r, "max_compression_level_allowed", 7, 0, 255, &h->max_compression_level_allowed);
    rd_u32(&r, "cfarm.disk_read_bound", 4, 1, 256, &h->disk_read_bound);
    rd_u32(&r, "cfarm.slow_lookup_warning_seconds", 8, 1, 30, &h->slow_lookup_warning_seconds);
    if (r.err)
        cf_harvester_config_free(h);
    return r.err;
}

void cf_harvester_config_free(struct cf_harvester_config *h)
{
    if (h == NULL)
        return;
    free_common(&h->c);
    free_peers(h->farmer_peers, h->n_farmer_peers);
    free_strs(h->plot_directories, h->n_plot_directories);
    memset(h, 0, sizeof *h);
}

static bool is_hex(const char *s, size_t n)
{
    return strspn(s, "0123456789abcdefABCDEF") == n && s[n] == '\0';
}

/* pool_public_keys: a list, or Chia's `!!set {k1: null, ...}`, of 48-byte G1 keys in hex. */
static void rd_pool_keys(struct reader *r, struct cf_farmer_config *f)
{
    const struct cf_config_node *v = cf_config_find(r->doc, NULL, at(r, "pool_public_keys"));
    enum cf_config_kind kind = cf_config_node_kind(v);
    size_t n;

    if (r->err || v == NULL || kind == CF_CONFIG_NULL)
        return;
    if (kind != CF_CONFIG_SEQ && kind != CF_CONFIG_MAP) {
        fail(r, cf_err_set(CF_ERR_CONFIG, "farmer.pool_public_keys: expected a list or set"));
        return;
    }
    n = cf_config_node_len(v);
    f->pool_public_keys = calloc(n ? n : 1, sizeof *f->pool_public_keys);
    if (f->pool_public_keys == NULL) {
        fail(r, CF_ERR_NOMEM);
        return;
    }
    for (size_t i = 0; i < n && r->err == CF_OK; i++) {
        const char *t = cf_config_node_text(kind == CF_CONFIG_SEQ ? cf_config_node_item(v, i)
                                                                  : cf_config_node_key(v, i),
                                            NULL);
        const char *h = t && (t[0] == '0' && t[1] == 'x') ? t + 2 : t;

        if (t == NULL || !is_hex(h, 96)) {
            fail(r, cf_err_set(CF_ERR_CONFIG, "farmer.pool_public_keys.%zu: expected a "
                               "48-byte public key in hex", i));
            return;
        }
        f->pool_public_keys[i] = dup_or_fail(r, t);
        f->n_pool_public_keys = i + 1;
    }
}

enum cf_err cf_farmer_config_read(const struct cf_config *doc, const char *root,
                                  struct cf_farmer_config *f)
{
    struct reader r;
    const char *xch[] = {"farmer.xch_target_address", NULL};

    memset(f, 0, sizeof *f);
    if (!start(&r, doc, root, "farmer"))
        return r.err;
    rd_common(&r, &f->c, 8559, "farmer");
    rd_port(&r, at(&r, "port"), 8447, 1, &f->port);
    rd_peers(&r, "full_node_peers", "full_node_peer", 8444, &f->full_node_peers,
             &f->n_full_node_peers);
    rd_pool_keys(&r, f);
    rd_str(&r, xch, NULL, &f->xch_target_address);
    if (r.err == CF_OK && f->xch_target_address) {
        size_t pl = strlen(f->c.address_prefix);

        if (strncmp(f->xch_target_address, f->c.address_prefix, pl) != 0 ||
            f->xch_target_address[pl] != '1')
            fail(&r, cf_err_set(CF_ERR_CONFIG, "farmer.xch_target_address: expected an "
                                "address starting with '%s1' on %s, got '%.70s'",
                                f->c.address_prefix, f->c.selected_network,
                                f->xch_target_address));
    }
    rd_u64(&r, at(&r, "pool_share_threshold"), 1000, 0, UINT64_MAX, &f->pool_share_threshold);
    if (r.err)
        cf_farmer_config_free(f);
    return r.err;
}

void cf_farmer_config_free(struct cf_farmer_config *f)
{
    if (f == NULL)
        return;
    free_common(&f->c);
    free_peers(f->full_node_peers, f->n_full_node_peers);
    free_strs(f->pool_public_keys, f->n_pool_public_keys);
    free(f->xch_target_address);
    memset(f, 0, sizeof *f);
}
