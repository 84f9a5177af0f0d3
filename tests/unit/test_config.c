/*
 * test_config.c: Chia's config.yaml: reading with aliases and merge keys, typed views and their
 * errors, in-place edits written back and read again, the default config, plot directory
 * add/remove, and hostile documents (size, depth, node count, alias and merge bombs).
 */
#include "test.h"

#include <stdbool.h>
#include <unistd.h>

#include "cfarm/config.h"

#define FIXTURE "tests/data/config/chia-shaped.yaml"

static char tmpdir[] = "/tmp/cfarm-test-config-XXXXXX";

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) != NULL) {
        *len = fread(buf, 1, (size_t)n, f);
        buf[*len] = '\0';
    }
    fclose(f);
    return buf;
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");

    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;

    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

static const char *str_at(const struct cf_config *doc, const char *path)
{
    const char *s = NULL;

    return cf_config_get_str(doc, path, &s) == CF_OK ? s : "(absent)";
}

static uint64_t u64_at(const struct cf_config *doc, const char *path)
{
    uint64_t v = 999999;

    cf_config_get_u64(doc, path, 0, UINT64_MAX, &v);
    return v;
}

/* Two resolved trees hold the same values (aliases and merges followed, mapping entries
 * matched by key, so order does not count); `skip` is a path whose value may differ. Keys a
 * dotted path cannot name are not compared. Bounded by depth, enough for the documents here. */
static bool same(const struct cf_config_node *a, const struct cf_config_node *b, const char *at,
                 const char *skip, int depth)
{
    enum cf_config_kind k = cf_config_node_kind(a);
    char sub[512];

    if (depth > 40 || k != cf_config_node_kind(b))
        return false;
    if (k == CF_CONFIG_SCALAR) {
        size_t la, lb;
        const char *ta = cf_config_node_text(a, &la), *tb = cf_config_node_text(b, &lb);
        const char *ga = cf_config_node_tag(a), *gb = cf_config_node_tag(b);

        return la == lb && memcmp(ta, tb, la) == 0 &&
               cf_config_node_is_plain(a) == cf_config_node_is_plain(b) &&
               ((!ga && !gb) || (ga && gb && strcmp(ga, gb) == 0));
    }
    if (k == CF_CONFIG_NULL)
        return true;
    if (k == CF_CONFIG_SEQ) {
        if (cf_config_node_len(a) != cf_config_node_len(b))
            return false;
        for (size_t i = 0; i < cf_config_node_len(a); i++) {
            snprintf(sub, sizeof sub, "%s.%zu", at, i);
            if (!same(cf_config_node_item(a, i), cf_config_node_item(b, i), sub, skip, depth + 1))
                return false;
        }
        return true;
    }
    for (int side = 0; side < 2; side++) {
        const struct cf_config_node *x = side ? b : a, *y = side ? a : b;

        for (size_t i = 0; i < cf_config_node_len(x); i++) {
            const char *key = cf_config_node_text(cf_config_node_key(x, i), NULL);
            const struct cf_config_node *vx, *vy;

            if (key == NULL || key[0] == '\0' || strchr(key, '.') || strcmp(key, "<<") == 0 ||
                strspn(key, "0123456789") == strlen(key))
                continue;
            snprintf(sub, sizeof sub, "%s%s%s", at, at[0] ? "." : "", key);
            if (skip && strcmp(sub, skip) == 0)
                continue;
            vx = cf_config_find(NULL, x, key);
            vy = cf_config_find(NULL, y, key);
            if (vx == NULL || vy == NULL || !same(side ? vy : vx, side ? vx : vy, sub, skip,
                                                 depth + 1))
                return false;
        }
    }
    return true;
}

/* The list at path as "a|b|c". */
static const char *list_at(const struct cf_config *doc, const char *path)
{
    static char out[1024];
    const struct cf_config_node *l = cf_config_find(doc, NULL, path);

    out[0] = '\0';
    for (size_t i = 0; i < cf_config_node_len(l); i++) {
        const char *t = cf_config_node_text(cf_config_node_item(l, i), NULL);

        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? "|" : "", t ? t : "?");
    }
    return out;
}

static bool have_pyyaml(void)
{
    static int have = -1;

    if (have < 0) {
        have = system("python3 -c 'import yaml' >/dev/null 2>&1") == 0;
        if (!have)
            printf("note: python3-yaml absent, PyYAML cross-checks skipped\n");
    }
    return have;
}

/* PyYAML (Chia's loader) reads `after` as `before` with plot_directories set to `dirs`. */
static bool pyyaml_agrees(const char *before, const char *after, const char *dirs_json)
{
    char a[256], b[256], cmd[2048];

    snprintf(a, sizeof a, "%s/py-before.yaml", tmpdir);
    snprintf(b, sizeof b, "%s/py-after.yaml", tmpdir);
    spit(a, before);
    spit(b, after);
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import sys, yaml, json\n"
             "x = yaml.safe_load(open(sys.argv[1])); y = yaml.safe_load(open(sys.argv[2]))\n"
             "x[\"harvester\"][\"plot_directories\"] = json.loads(sys.argv[3])\n"
             "sys.exit(0 if x == y else 1)' %s %s '%s'", a, b, dirs_json);
    return system(cmd) == 0;
}

static void test_read(void)
{
    struct cf_config *doc = NULL;
    const struct cf_config_node *n;
    bool b = false;
    uint64_t v = 0;

    CHECK(cf_config_load(FIXTURE, &doc) == CF_OK);
    if (doc == NULL)
        return;
    CHECK_EQ_U64(u64_at(doc, "harvester.num_threads"), 12);
    CHECK_EQ_U64(u64_at(doc, "harvester.plots_refresh_parameter.batch_size"), 32);
    CHECK(cf_config_get_bool(doc, "harvester.parallel_read", &b) == CF_OK && b);
    CHECK(cf_config_get_bool(doc, "harvester.recursive_follow_links", &b) == CF_OK && !b);
    /* Aliases and merge keys: explicit keys win over merged ones. */
    CHECK_STR(str_at(doc, "harvester.farmer_peers.0.host"), "localhost");
    CHECK_EQ_U64(u64_at(doc, "harvester.farmer_peers.0.port"), 8447);
    CHECK_STR(str_at(doc, "harvester.farmer_peers.1.host"), "10.0.0.2");
    CHECK_EQ_U64(u64_at(doc, "harvester.farmer_peers.1.port"), 8447);
    CHECK_STR(str_at(doc, "harvester.logging.log_level"), "INFO");
    CHECK_STR(str_at(doc, "farmer.logging.log_level"), "DEBUG");
    CHECK_STR(str_at(doc, "farmer.logging.log_filename"), "log/debug.log");
    CHECK_STR(str_at(doc, "harvester.network_overrides.config.testnet11.address_prefix"), "txch");
    CHECK_STR(list_at(doc, "harvester.plot_directories"),
              "/mnt/disk1/plots|/mnt/disk 2/plots|/mnt/disk3");
    CHECK_STR(list_at(doc, "wallet.favourite_dirs"), "/mnt/disk3|/tmp");
    n = cf_config_find(doc, NULL, "farmer.pool_public_keys");
    CHECK(n && cf_config_node_kind(n) == CF_CONFIG_MAP && cf_config_node_len(n) == 1);
    CHECK(n && cf_config_node_tag(n) && strcmp(cf_config_node_tag(n), "tag:yaml.org,2002:set") == 0);
    CHECK(cf_config_node_line(cf_config_find(doc, NULL, "harvester")) == 55);
    /* Absent, wrong type, and out-of-range answers. */
    CHECK(cf_config_find(doc, NULL, "harvester.nope") == NULL);
    CHECK(cf_config_find(doc, NULL, "harvester.farmer_peers.9") == NULL);
    CHECK(cf_config_get_u64(doc, "harvester.nope", 0, 10, &v) == CF_ERR_NOT_FOUND);
    CHECK(cf_config_get_u64(doc, "harvester.num_threads", 0, 10, &v) == CF_ERR_CONFIG);
    CHECK(strncmp(cf_err_detail(), "harvester.num_threads: expected", 31) == 0);
    CHECK(cf_config_get_u64(doc, "self_hostname", 0, 10, &v) == CF_ERR_CONFIG);
    CHECK(strstr(cf_err_detail(), "(quoted: a string)") != NULL);
    CHECK(cf_config_get_bool(doc, "harvester.ssl", &b) == CF_ERR_CONFIG);
    cf_config_free(doc);
}

static void test_typed(void)
{
    struct cf_config *doc = NULL;
    struct cf_harvester_config h;
    struct cf_farmer_config f;
    char want[512];
    const char *home = getenv("HOME");

    CHECK(cf_config_load(FIXTURE, &doc) == CF_OK);
    if (doc == NULL)
        return;
    CHECK(cf_harvester_config_read(doc, "/r", &h) == CF_OK);
    CHECK_EQ_U64(h.n_farmer_peers, 2);
    if (h.n_farmer_peers == 2) {
        CHECK_STR(h.farmer_peers[0].host, "localhost");
        CHECK_STR(h.farmer_peers[1].host, "10.0.0.2");
        CHECK_EQ_U64(h.farmer_peers[1].port, 8447);
    }
    CHECK_EQ_U64(h.n_plot_directories, 3);
    CHECK(h.recursive_plot_scan && !h.recursive_follow_links && h.parallel_read);
    CHECK_EQ_U64(h.interval_seconds, 90);
    CHECK_EQ_U64(h.retry_invalid_seconds, 600);
    CHECK_EQ_U64(h.batch_size, 32);
    CHECK_EQ_U64(h.batch_sleep_milliseconds, 2);
    CHECK_EQ_U64(h.num_threads, 12);
    CHECK_EQ_U64(h.parallel_decompressor_count, 1);
    CHECK_EQ_U64(h.max_compression_level_allowed, 7);
    CHECK_EQ_U64(h.disk_read_bound, 6);
    CHECK_EQ_U64(h.slow_lookup_warning_seconds, 3);
    CHECK_EQ_U64(h.c.metrics_port, 9915);
    CHECK_STR(h.c.metrics_address, "127.0.0.1");
    CHECK_EQ_U64(h.c.rpc_port, 8560);
    CHECK_STR(h.c.selected_network, "mainnet");
    CHECK_STR(h.c.address_prefix, "xch");
    CHECK_STR(h.c.ssl.private_crt, "/r/config/ssl/harvester/private_harvester.crt");
    snprintf(want, sizeof want, "%s/keys/private_harvester.key", home ? home : "");
    if (home)
        CHECK_STR(h.c.ssl.private_key, want);
    CHECK(h.c.ssl.public_crt == NULL);
    CHECK_STR(h.c.private_ca_crt, "/r/config/ssl/ca/private_ca.crt");
    CHECK_STR(h.c.chia_ca_key, "/r/config/ssl/ca/chia_ca.key");
    CHECK_STR(h.c.logging.log_level, "INFO");
    CHECK_STR(h.c.logging.log_filename, "/r/log/debug.log");
    cf_harvester_config_free(&h);
    cf_harvester_config_free(&h);

    CHECK(cf_farmer_config_read(doc, "/r", &f) == CF_OK);
    CHECK_EQ_U64(f.port, 8447);
    CHECK_EQ_U64(f.n_full_node_peers, 1);
    CHECK_EQ_U64(f.n_pool_public_keys, 1);
    CHECK(f.xch_target_address && strncmp(f.xch_target_address, "xch1", 4) == 0);
    CHECK_EQ_U64(f.pool_share_threshold, 1000);
    CHECK_STR(f.c.logging.log_level, "DEBUG");
    CHECK_STR(f.c.ssl.public_key, "/r/config/ssl/farmer/public_farmer.key");
    CHECK_EQ_U64(f.c.rpc_port, 8559);
    cf_farmer_config_free(&f);
    cf_config_free(doc);
}

/* One invalid value: the typed read refuses it and the detail starts with the key path. */
static void invalid(const char *yaml, bool farmer, const char *detail_prefix)
{
    struct cf_config *doc = NULL;
    struct cf_harvester_config h;
    struct cf_farmer_config f;
    enum cf_err err;

    err = cf_config_parse(yaml, strlen(yaml), &doc);
    if (err == CF_OK)
        err = farmer ? cf_farmer_config_read(doc, "/r", &f) : cf_harvester_config_read(doc, "/r", &h);
    CHECK(err == CF_ERR_CONFIG);
    if (strncmp(cf_err_detail(), detail_prefix, strlen(detail_prefix)) != 0) {
        fprintf(stderr, "  detail '%s' does not start with '%s'\n", cf_err_detail(),
                detail_prefix);
        CHECK(false);
    }
    cf_config_free(doc);
}

static void test_invalid(void)
{
    invalid("harvester:\n  plots_refresh_parameter:\n    interval_seconds: abc\n", false,
            "harvester.plots_refresh_parameter.interval_seconds: expected a non-negative "
            "integer (at most 31536000), got 'abc'");
    invalid("harvester:\n  plots_refresh_parameter: {interval_seconds: -5}\n", false,
            "harvester.plots_refresh_parameter.interval_seconds: expected a non-negative");
    invalid("harvester:\n  num_threads: \"12\"\n", false, "harvester.num_threads: expected");
    invalid("harvester:\n  num_threads: 0\n", false,
            "harvester.num_threads: expected an integer from 1 to 1024, got '0'");
    invalid("harvester:\n  parallel_read: maybe\n", false,
            "harvester.parallel_read: expected true or false, got 'maybe'");
    invalid("harvester:\n  farmer_peers: 5\n", false, "harvester.farmer_peers: expected a list");
    invalid("harvester:\n  farmer_peers:\n    - host: a\n      port: 70000\n", false,
            "harvester.farmer_peers.0.port: expected");
    invalid("harvester:\n  plot_directories: /mnt\n", false,
            "harvester.plot_directories: expected a list");
    invalid("harvester:\n  plot_directories: [[a]]\n", false, "harvester.plot_directories.0:");
    invalid("harvester:\n  logging: {log_level: LOUD}\n", false, "harvester.logging.log_level:");
    invalid("harvester:\n  ssl: {private_crt: [x]}\n", false,
            "harvester.ssl.private_crt: expected a string, got a list");
    invalid("harvester:\n  cfarm: {disk_read_bound: 0}\n", false, "harvester.cfarm.disk_read_bound");
    invalid("harvester:\n  cfarm: {slow_lookup_warning_seconds: 0}\n", false,
            "harvester.cfarm.slow_lookup_warning_seconds");
    invalid("harvester: []\n", false, "harvester: section missing");
    invalid("farmer:\n  xch_target_address: txch1abc\n", true, "farmer.xch_target_address:");
    invalid("farmer:\n  pool_public_keys: [abcd]\n", true, "farmer.pool_public_keys.0:");
    invalid("farmer:\n  port: 0\n", true, "farmer.port:");
    invalid("farmer:\n  pool_share_threshold: 1.5\n", true, "farmer.pool_share_threshold:");
    invalid("x: 1\n", true, "farmer: section missing");
}

static void test_missing_file(void)
{
    struct cf_config *doc = NULL;
    char root[300];

    snprintf(root, sizeof root, "%s/no-root", tmpdir);
    CHECK(cf_config_load_root(root, &doc) == CF_ERR_NOT_FOUND && doc == NULL);
    CHECK(strstr(cf_err_detail(), "no-root/config/config.yaml does not exist") != NULL);
    CHECK(strstr(cf_err_detail(), "cfarm init") != NULL);
    CHECK(cf_config_load("tests/data/config/none.yaml", &doc) == CF_ERR_NOT_FOUND);
}

/* Edit the fixture's plot_directories, write it back, read it again. */
static void test_edit_roundtrip(void)
{
    struct cf_config *doc = NULL, *again = NULL, *orig = NULL;
    char *text = NULL, path[300];
    size_t len = 0, olen = 0;
    char *before = slurp(FIXTURE, &olen);

    CHECK(before != NULL);
    CHECK(cf_config_parse(before, olen, &doc) == CF_OK);
    CHECK(cf_config_parse(before, olen, &orig) == CF_OK);
    if (!doc || !orig)
        goto out;
    CHECK(cf_config_seq_append_str(doc, "harvester.plot_directories", "/mnt/new \"disk\"") == CF_OK);
    CHECK(cf_config_seq_remove(doc, "harvester.plot_directories", 0) == CF_OK);
    CHECK(cf_config_seq_remove(doc, "harvester.plot_directories", 7) == CF_ERR_NOT_FOUND);
    /* /mnt/disk3 carries &third, which wallet.favourite_dirs uses: it cannot be removed. */
    CHECK(cf_config_seq_remove(doc, "harvester.plot_directories", 1) == CF_ERR_UNSUPPORTED);
    CHECK(strstr(cf_err_detail(), "anchor") != NULL);
    CHECK_STR(list_at(doc, "harvester.plot_directories"),
              "/mnt/disk 2/plots|/mnt/disk3|/mnt/new \"disk\"");
    snprintf(path, sizeof path, "%s/edited.yaml", tmpdir);
    spit(path, "old");
    chmod(path, 0640);
    CHECK(cf_config_save(doc, path) == CF_OK);
    text = slurp(path, &len);
    CHECK(text != NULL);
    if (text == NULL)
        goto out;
    {
        struct stat st;

        CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640);
    }
    /* Text around the edit is untouched: comments, anchors, aliases, quoting. */
    CHECK(strstr(text, "  # the disks\n  plot_directories:\n  - \"/mnt/disk 2/plots\"\n"
                       "  - &third /mnt/disk3\n  - \"/mnt/new \\\"disk\\\"\"\n"
                       "  recursive_plot_scan: true\n") != NULL);
    CHECK(strstr(text, "/mnt/disk1") == NULL);
    CHECK(strstr(text, "- host: 10.0.0.2 # a second farmer") != NULL);
    CHECK_EQ_U64(count(text, "*logging"), count(before, "*logging"));
    CHECK_EQ_U64(count(text, "&"), count(before, "&"));
    CHECK_EQ_U64(count(text, "*"), count(before, "*"));
    CHECK_EQ_U64(count(text, "#") + 1, count(before, "#"));
    {
        const char *cut = strstr(before, "  plot_directories:");

        CHECK(cut && strncmp(text, before, (size_t)(cut - before)) == 0);
        CHECK(strcmp(strstr(text, "  recursive_plot_scan:"),
                     strstr(before, "  recursive_plot_scan:")) == 0);
    }
    /* Read back: every value but the edited one is identical. */
    CHECK(cf_config_parse(text, len, &again) == CF_OK);
    if (again) {
        CHECK(same(cf_config_find(orig, NULL, ""), cf_config_find(again, NULL, ""), "",
                   "harvester.plot_directories", 0));
        CHECK(!same(cf_config_find(orig, NULL, ""), cf_config_find(again, NULL, ""), "", NULL,
                    0));
        CHECK_STR(list_at(again, "harvester.plot_directories"),
                  "/mnt/disk 2/plots|/mnt/disk3|/mnt/new \"disk\"");
        CHECK_STR(list_at(again, "wallet.favourite_dirs"), "/mnt/disk3|/tmp");
    }
    if (have_pyyaml())
        CHECK(pyyaml_agrees(before, text,
                            "[\"/mnt/disk 2/plots\", \"/mnt/disk3\", \"/mnt/new \\\"disk\\\"\"]"));
out:
    free(text);
    free(before);
    cf_config_free(doc);
    cf_config_free(again);
    cf_config_free(orig);
}

/* Edit plot_directories of `in`, expect exactly `out` and the list `want` on re-reading. */
static void edit_case(const char *in, const char *add, long remove, const char *out,
                      const char *want)
{
    struct cf_config *doc = NULL, *again = NULL;
    char *text = NULL;
    size_t len;
    enum cf_err err;

    CHECK(cf_config_parse(in, strlen(in), &doc) == CF_OK);
    if (doc == NULL)
        return;
    err = add ? cf_config_seq_append_str(doc, "harvester.plot_directories", add) : CF_OK;
    if (err == CF_OK && remove >= 0)
        err = cf_config_seq_remove(doc, "harvester.plot_directories", (size_t)remove);
    CHECK(err == CF_OK);
    CHECK(cf_config_render(doc, &text, &len) == CF_OK);
    if (text && strcmp(text, out) != 0) {
        fprintf(stderr, "  rendered:\n%s\n  expected:\n%s\n", text, out);
        CHECK(false);
    }
    CHECK(text && cf_config_parse(text, len, &again) == CF_OK);
    if (again) {
        CHECK_STR(list_at(again, "harvester.plot_directories"), want);
        /* What the document says in memory is what the written text says. */
        CHECK(same(cf_config_find(doc, NULL, ""), cf_config_find(again, NULL, ""), "", NULL, 0));
    }
    free(text);
    cf_config_free(doc);
    cf_config_free(again);
}

static void test_edit_shapes(void)
{
    struct cf_config *doc = NULL;
    const char *aliased = "h: &h\n  plot_directories: []\nharvester: *h\n";

    edit_case("harvester:\n  plot_directories: []\n  x: 1\n", "/a", -1,
              "harvester:\n  plot_directories:\n    - \"/a\"\n  x: 1\n", "/a");
    edit_case("harvester:\n  plot_directories:\n    - \"/a\"\n  x: 1\n", NULL, 0,
              "harvester:\n  plot_directories: []\n  x: 1\n", "");
    edit_case("harvester:\n  plot_directories:\n  x: 1\n", "/a", -1,
              "harvester:\n  plot_directories:\n    - \"/a\"\n  x: 1\n", "/a");
    edit_case("harvester:\n  plot_directories:\n #c\n   !\n", "/a", -1,
              "harvester:\n  plot_directories:\n    - \"/a\"\n", "/a");
    edit_case("harvester:\n  plot_directories: ~ # none yet\n", "/a", -1,
              "harvester:\n  plot_directories:\n    - \"/a\" # none yet\n", "/a");
    edit_case("harvester:\n  plot_directories: # mine\n    - /a # one\n", NULL, 0,
              "harvester:\n  plot_directories: [] # mine\n", "");
    edit_case("harvester:\n  plot_directories: &d   # mine\n  x: *d\n", "/a", -1,
              "harvester:\n  plot_directories: &d\n    - \"/a\"   # mine\n  x: *d\n", "/a");
    edit_case("harvester:\n  x: 1\n", "/a", -1,
              "harvester:\n  plot_directories:\n    - \"/a\"\n  x: 1\n", "/a");
    {
        char in[256], out[512];
        const char *sp = "                                                                "
                         "                          "; /* 90 spaces */

        snprintf(in, sizeof in, "harvester:\n%sx: 1\n", sp);
        snprintf(out, sizeof out, "harvester:\n%splot_directories:\n%s  - \"/a\"\n%sx: 1\n",
                 sp, sp, sp);
        edit_case(in, "/a", -1, out, "/a");
    }
    edit_case("harvester: {x: 1}\n", "/a", -1, "harvester: {plot_directories: [\"/a\"], x: 1}\n",
              "/a");
    edit_case("harvester: {plot_directories: # c\n   [/a], x: 1}\n", "/b", -1,
              "harvester: {plot_directories: [/a, \"/b\"], x: 1}\n", "/a|/b");
    edit_case("harvester:\n  plot_directories: [!t, /a]\n", NULL, 1,
              "harvester:\n  plot_directories: [!t ]\n", "");
    edit_case("harvester: {}\n", "/a", -1, "harvester: {plot_directories: [\"/a\"]}\n", "/a");
    edit_case("harvester:\n  plot_directories:\n    - /a # one\n    - /b   # two\n  x: 1 # x\n",
              "/c", -1,
              "harvester:\n  plot_directories:\n    - /a # one\n    - /b   # two\n"
              "    - \"/c\"\n  x: 1 # x\n", "/a|/b|/c");
    edit_case("harvester:\n  plot_directories:\n    - /a # one\n    - /b # two\n", NULL, 1,
              "harvester:\n  plot_directories:\n    - /a # one\n", "/a");
    edit_case("harvester:\n  plot_directories: [/a, '/b']\n", "/c", -1,
              "harvester:\n  plot_directories: [/a, '/b', \"/c\"]\n", "/a|/b|/c");
    edit_case("d: &d [/a]\nharvester:\n  plot_directories: *d\n", "/b", -1,
              "d: &d [/a]\nharvester:\n  plot_directories:\n    - /a\n    - \"/b\"\n", "/a|/b");
    edit_case("harvester:\n  plot_directories: &pd\n    - /a\nother: *pd\n", "/b", -1,
              "harvester:\n  plot_directories: &pd\n    - /a\n    - \"/b\"\nother: *pd\n",
              "/a|/b");
    edit_case("harvester:\n  <<: {plot_directories: [/m]}\n", "/a", -1,
              "harvester:\n  plot_directories:\n    - \"/a\"\n  <<: {plot_directories: [/m]}\n",
              "/a");
    edit_case("harvester:\n  plot_directories: []\n",
              "\xC2\x85\xC2\x9F\xEF\xBF\xBF\xEF\xBF\xBD\xE2\x80\xA8", -1,
              "harvester:\n  plot_directories:\n    - \"\\x85\\x9F\\uFFFF\xEF\xBF\xBD\\u2028\"\n",
              "\xC2\x85\xC2\x9F\xEF\xBF\xBF\xEF\xBF\xBD\xE2\x80\xA8");
    edit_case("\xEF\xBB\xBFharvester:\n  \xC3\xA9: 1\n  plot_directories: [] # \xC3\xA9\n",
              "/\xC3\xA9\x01", -1,
              "\xEF\xBB\xBFharvester:\n  \xC3\xA9: 1\n  plot_directories:\n"
              "    - \"/\xC3\xA9\\x01\" # \xC3\xA9\n", "/\xC3\xA9\x01");
    /* Found by fuzzing: an empty item stays null; an implicit flow pair cannot be moved; a
     * block scalar's text runs to later lines, so it is re-rendered. */
    edit_case("harvester:\n  plot_directories:\n  - /a\n  - |+\n\n  - >\n   b\n  - c\n", NULL, 0,
              "harvester:\n  plot_directories:\n  - \"\\x0A\"\n  - \"b\\x0A\"\n  - c\n",
              "\n|b\n|c");
    edit_case("harvester:\n  plot_directories:\n  - /a\n  -\n  - yes\n", NULL, 0,
              "harvester:\n  plot_directories:\n  - ~\n  - yes\n", "~|yes");
    {
        const char *t = "harvester:\n  plot_directories: [/a, b:\n  , c]\n";
        char *out = NULL;

        CHECK(cf_config_parse(t, strlen(t), &doc) == CF_OK);
        CHECK(doc && cf_config_seq_append_str(doc, "harvester.plot_directories", "/d") == CF_OK);
        CHECK(doc && cf_config_render(doc, &out, NULL) == CF_ERR_UNSUPPORTED && out == NULL);
        cf_config_free(doc);
        doc = NULL;
    }
    /* Editing through an alias would change the shared anchor: refused. */
    CHECK(cf_config_parse(aliased, strlen(aliased), &doc) == CF_OK);
    if (doc) {
        CHECK(cf_config_seq_append_str(doc, "harvester.plot_directories", "/a") ==
              CF_ERR_UNSUPPORTED);
        CHECK(cf_config_seq_append_str(doc, "nope.plot_directories", "/a") == CF_ERR_CONFIG);
        CHECK(cf_config_seq_append_str(doc, "h.plot_directories", "\xFF") == CF_ERR_BAD_UTF8);
        CHECK(cf_config_seq_append_str(doc, "h.plot_directories", "\xC0\xAF") == CF_ERR_BAD_UTF8);
        CHECK(cf_config_seq_append_str(doc, "h.plot_directories", "\xED\xA0\x80") ==
              CF_ERR_BAD_UTF8);
        CHECK(cf_config_seq_append_str(doc, "h.plot_directories", "\xF4\x90\x80\x80") ==
              CF_ERR_BAD_UTF8);
        CHECK(cf_config_seq_append_str(doc, "h", "/a") == CF_ERR_CONFIG);
        cf_config_free(doc);
        doc = NULL;
        /* Found by fuzzing: a mapping as the first key cannot have a key inserted before it. */
        CHECK(cf_config_parse("?\n  a: 1\n", 9, &doc) == CF_OK);
        CHECK(doc && cf_config_set_plain(doc, "b", "1") == CF_ERR_UNSUPPORTED);
        cf_config_free(doc);
        doc = NULL;
        CHECK(cf_config_parse("? \n\n  s: 1\n", 11, &doc) == CF_OK);
        CHECK(doc && cf_config_set_plain(doc, "b", "1") == CF_ERR_UNSUPPORTED);
        cf_config_free(doc);
        doc = NULL;
        CHECK(cf_config_parse("h:\n ? \n\n  s:?\n : 1\n", 19, &doc) == CF_OK);
        CHECK(doc && cf_config_set_plain(doc, "h.b", "1") == CF_ERR_UNSUPPORTED);
    }
    cf_config_free(doc);
}

/* Set a scalar at path in `in`; expect `out` and the value read back. */
static void set_case(const char *in, const char *path, const char *value, bool plain,
                     const char *out)
{
    struct cf_config *doc = NULL, *again = NULL;
    char *text = NULL;
    size_t len;

    CHECK(cf_config_parse(in, strlen(in), &doc) == CF_OK);
    if (doc == NULL)
        return;
    CHECK((plain ? cf_config_set_plain(doc, path, value) : cf_config_set_str(doc, path, value)) ==
          CF_OK);
    CHECK_STR(str_at(doc, path), value);
    CHECK(cf_config_render(doc, &text, &len) == CF_OK);
    if (text && strcmp(text, out) != 0) {
        fprintf(stderr, "  rendered:\n%s\n  expected:\n%s\n", text, out);
        CHECK(false);
    }
    CHECK(text && cf_config_parse(text, len, &again) == CF_OK);
    if (again) {
        CHECK(same(cf_config_find(doc, NULL, ""), cf_config_find(again, NULL, ""), "", NULL, 0));
        CHECK_STR(str_at(again, path), value);
        CHECK(cf_config_node_is_plain(cf_config_find(again, NULL, path)) == plain);
    }
    free(text);
    cf_config_free(doc);
    cf_config_free(again);
}

static void test_set_scalar(void)
{
    struct cf_config *doc = NULL;
    const char *t = "farmer:\n  port: 8447 # harvesters\n  logging: *l\n";

    set_case("farmer:\n  port: 8447 # harvesters\n", "farmer.port", "9447", true,
             "farmer:\n  port: 9447 # harvesters\n");
    set_case("farmer:\n  port: 8447\n", "farmer.xch_target_address", "xch1abc", false,
             "farmer:\n  xch_target_address: \"xch1abc\"\n  port: 8447\n");
    set_case("a: &a 1\nfarmer: {x: *a, y: [1, 2]}\n", "farmer.y", "no", true,
             "a: &a 1\nfarmer: {x: *a, y: no}\n");
    set_case("farmer:\n  ssl:\n    a: 1\n    b: 2\n  z: 3\n", "farmer.ssl", "x\"y", false,
             "farmer:\n  ssl: \"x\\\"y\"\n  z: 3\n");
    set_case("farmer:\n  v: &k 1\n  w: *k\n", "farmer.v", "2", true,
             "farmer:\n  v: &k 2\n  w: *k\n");
    /* A value holding an anchor used elsewhere cannot be replaced; its own anchor moves on. */
    {
        const char *u = "farmer:\n  a: {b: &x 1}\n  c: *x\n";

        CHECK(cf_config_parse(u, strlen(u), &doc) == CF_OK);
        CHECK(doc && cf_config_set_str(doc, "farmer.a", "z") == CF_ERR_UNSUPPORTED);
        CHECK(doc && cf_config_set_str(doc, "farmer.c", "z") == CF_OK);
        CHECK(doc && cf_config_set_str(doc, "farmer.a", "z") == CF_OK);
        cf_config_free(doc);
        doc = NULL;
    }
    CHECK(cf_config_load(FIXTURE, &doc) == CF_OK);
    CHECK(doc && cf_config_set_str(doc, "network_overrides", "x") == CF_OK);
    CHECK_STR(str_at(doc, "harvester.network_overrides"), "x");
    CHECK(doc && cf_config_set_str(doc, "network_overrides", "y") == CF_OK);
    CHECK_STR(str_at(doc, "farmer.network_overrides"), "y");
    cf_config_free(doc);
    doc = NULL;
    set_case("farmer:\n  v: \"x\"#c\n", "farmer.v", "-7", true, "farmer:\n  v: -7 #c\n");
    /* A scalar then a list on the same key, and refusals. */
    CHECK(cf_config_parse(t, strlen(t) - 14, &doc) == CF_OK);
    if (doc == NULL)
        return;
    CHECK(cf_config_set_plain(doc, "farmer.port", "a: b") == CF_ERR_INVAL);
    CHECK(cf_config_set_plain(doc, "farmer.port", "") == CF_ERR_INVAL);
    CHECK(cf_config_set_plain(doc, "farmer.port", "a\xC2\x85") == CF_ERR_INVAL);
    CHECK(cf_config_set_plain(doc, "farmer.port", "a\tb") == CF_ERR_INVAL);
    CHECK(cf_config_set_str(doc, "farmer.port", "\xC3") == CF_ERR_BAD_UTF8);
    CHECK(cf_config_set_str(doc, "farmer.port", "x") == CF_OK);
    CHECK(cf_config_seq_append_str(doc, "farmer.port", "y") == CF_ERR_CONFIG);
    CHECK(cf_config_set_plain(doc, "farmer.port", "~") == CF_OK);
    CHECK(cf_config_seq_append_str(doc, "farmer.port", "y") == CF_OK);
    CHECK_STR(list_at(doc, "farmer.port"), "y");
    cf_config_free(doc);
}

static void test_default(void)
{
    const char *text = cf_config_default_text();
    struct cf_config *doc = NULL;
    struct cf_harvester_config h;
    struct cf_farmer_config f;
    char root[300], path[350], *got;
    size_t len;
    bool created = false;

    CHECK(cf_config_parse(text, strlen(text), &doc) == CF_OK);
    if (doc == NULL)
        return;
    CHECK(cf_harvester_config_read(doc, "/r", &h) == CF_OK);
    CHECK_EQ_U64(h.interval_seconds, 120);
    CHECK_EQ_U64(h.retry_invalid_seconds, 1200);
    CHECK_EQ_U64(h.batch_size, 300);
    CHECK_EQ_U64(h.num_threads, 30);
    CHECK_EQ_U64(h.n_plot_directories, 0);
    CHECK_EQ_U64(h.n_farmer_peers, 1);
    CHECK(h.n_farmer_peers == 1 && strcmp(h.farmer_peers[0].host, "localhost") == 0 &&
          h.farmer_peers[0].port == 8447);
    CHECK_EQ_U64(h.disk_read_bound, 4);
    CHECK_EQ_U64(h.slow_lookup_warning_seconds, 8);
    CHECK_EQ_U64(h.c.metrics_port, 0);
    CHECK_STR(h.c.logging.log_level, "WARNING");
    cf_harvester_config_free(&h);
    CHECK(cf_farmer_config_read(doc, "/r", &f) == CF_OK);
    CHECK_EQ_U64(f.n_pool_public_keys, 0);
    CHECK(f.xch_target_address == NULL);
    CHECK(f.n_full_node_peers == 1 && f.full_node_peers[0].port == 8444);
    cf_farmer_config_free(&f);
    cf_config_free(doc);

    snprintf(root, sizeof root, "%s/a/b/root", tmpdir);
    snprintf(path, sizeof path, "%s/config/config.yaml", root);
    CHECK(cf_config_init_default(root, &created) == CF_OK && created);
    got = slurp(path, &len);
    CHECK(got && strcmp(got, text) == 0);
    free(got);
    spit(path, "mine: 1\n");
    CHECK(cf_config_init_default(root, &created) == CF_OK && !created);
    got = slurp(path, &len);
    CHECK_STR(got, "mine: 1\n");
    free(got);
    CHECK(cf_config_init_default(root, NULL) == CF_OK);
    if (have_pyyaml()) {
        char cmd[512];

        snprintf(cmd, sizeof cmd, "%s/default.yaml", tmpdir);
        spit(cmd, text);
        snprintf(cmd, sizeof cmd, "python3 -c 'import sys, yaml; c = yaml.safe_load(open(sys.argv[1]));"
                 " assert c[\"harvester\"][\"logging\"][\"log_level\"] == \"WARNING\";"
                 " assert c[\"farmer\"][\"pool_public_keys\"] == set()' %s/default.yaml", tmpdir);
        CHECK(system(cmd) == 0);
    }
}

static void test_plot_dirs(void)
{
    char root[300], plots[320], file[320], other[340], cfg[340], *abs = NULL, *text;
    struct cf_config *doc = NULL;
    struct stat st;
    bool changed = false;
    size_t len;

    snprintf(root, sizeof root, "%s/pd-root", tmpdir);
    snprintf(plots, sizeof plots, "%s/plots1", tmpdir);
    snprintf(file, sizeof file, "%s/afile", tmpdir);
    snprintf(cfg, sizeof cfg, "%s/config/config.yaml", root);
    mkdir(plots, 0755);
    spit(file, "x");
    CHECK(cf_config_init_default(root, NULL) == CF_OK);
    chmod(cfg, 0600);
    CHECK(cf_config_plot_dir_add(root, plots, &abs, &changed) == CF_OK && changed);
    CHECK_STR(abs, plots);
    free(abs);
    CHECK(cf_config_plot_dir_add(root, plots, &abs, &changed) == CF_OK && !changed);
    free(abs);
    CHECK(stat(cfg, &st) == 0 && (st.st_mode & 07777) == 0600);
    text = slurp(cfg, &len);
    CHECK(text && strstr(text, "# Directories searched for plots") != NULL);
    CHECK(text && count(text, "*logging") == 4);
    free(text);
    CHECK(cf_config_load_root(root, &doc) == CF_OK);
    CHECK_STR(list_at(doc, "harvester.plot_directories"), plots);
    cf_config_free(doc);
    doc = NULL;
    /* Not a directory / absent. */
    CHECK(cf_config_plot_dir_add(root, file, &abs, &changed) == CF_ERR_INVAL && !changed);
    CHECK(strstr(cf_err_detail(), "Path is not a directory") != NULL);
    free(abs);
    snprintf(other, sizeof other, "%s/absent", tmpdir);
    CHECK(cf_config_plot_dir_add(root, other, &abs, &changed) == CF_ERR_NOT_FOUND);
    CHECK(strstr(cf_err_detail(), "Path doesn't exist") != NULL);
    free(abs);
    /* Removal by another spelling of the same path. */
    snprintf(other, sizeof other, "%s/plots1/../plots1/", tmpdir);
    CHECK(cf_config_plot_dir_remove(root, other, &abs, &changed) == CF_OK && changed);
    free(abs);
    CHECK(cf_config_plot_dir_remove(root, plots, &abs, &changed) == CF_OK && !changed);
    free(abs);
    CHECK(cf_config_load_root(root, &doc) == CF_OK);
    CHECK_STR(list_at(doc, "harvester.plot_directories"), "");
    cf_config_free(doc);
    /* A path that does not exist resolves lexically. */
    abs = cf_config_resolve_path("/nonexistent-cfarm/a/../b/./c");
    CHECK_STR(abs, "/nonexistent-cfarm/b/c");
    free(abs);
    abs = cf_config_resolve_path("/..");
    CHECK_STR(abs, "/");
    free(abs);
}

static enum cf_err parse_str(const char *s, size_t n)
{
    struct cf_config *doc = NULL;
    enum cf_err err = cf_config_parse(s, n, &doc);

    cf_config_free(doc);
    return err;
}

static void test_hostile(void)
{
    struct cf_config *doc = NULL;
    char *big, *text = NULL;
    size_t n, len = 0;
    uint64_t v;

    /* Billion laughs: ten levels of ten aliases each; the tree stays as small as the text. */
    big = malloc(8192);
    n = (size_t)sprintf(big, "a0: &a0 [lol]\n");
    for (int i = 1; i < 10; i++)
        n += (size_t)sprintf(big + n, "a%d: &a%d [*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,"
                             "*a%d]\n", i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
                             i - 1, i - 1, i - 1);
    CHECK(cf_config_parse(big, n, &doc) == CF_OK);
    CHECK_STR(str_at(doc, "a9.9.9.9.9.9.9.9.9.9.0"), "lol");
    CHECK(doc && cf_config_render(doc, &text, &len) == CF_OK && len == n &&
          memcmp(text, big, n) == 0);
    free(text);
    cf_config_free(doc);
    doc = NULL;
    /* Merge bomb: each level merges the previous twice; a missed look-up hits the budget. */
    n = (size_t)sprintf(big, "m0: &m0 {x: 1}\n");
    for (int i = 1; i < 40; i++)
        n += (size_t)sprintf(big + n, "m%d: &m%d {<<: [*m%d, *m%d]}\n", i, i, i - 1, i - 1);
    n += (size_t)sprintf(big + n, "top: {<<: *m39}\n");
    CHECK(cf_config_parse(big, n, &doc) == CF_OK);
    CHECK_EQ_U64(u64_at(doc, "top.x"), 1);
    CHECK(cf_config_get_u64(doc, "top.y", 0, 9, &v) == CF_ERR_TOO_LARGE);
    CHECK(cf_config_find(doc, NULL, "top.y") == NULL);
    cf_config_free(doc);
    /* Merge chains deeper than the cap are refused at load. */
    n = (size_t)sprintf(big, "m0: &m0 {x: 1}\n");
    for (int i = 1; i < 70; i++)
        n += (size_t)sprintf(big + n, "m%d: &m%d {<<: *m%d}\n", i, i, i - 1);
    CHECK(parse_str(big, n) == CF_ERR_TOO_LARGE);
    free(big);
    /* Depth, node count, size. */
    big = malloc(CF_CONFIG_MAX_BYTES + 2);
    memset(big, '[', 200);
    CHECK(parse_str(big, 200) == CF_ERR_TOO_LARGE);
    big[0] = '[';
    n = 1;
    for (int i = 0; i < CF_CONFIG_MAX_NODES + 5; i++)
        n += (size_t)sprintf(big + n, "1,");
    big[n - 1] = ']';
    CHECK(parse_str(big, n) == CF_ERR_TOO_LARGE);
    memset(big, ' ', CF_CONFIG_MAX_BYTES + 1);
    CHECK(parse_str(big, CF_CONFIG_MAX_BYTES + 1) == CF_ERR_TOO_LARGE);
    free(big);
    /* Malformed or refused by Chia's loader too. */
    CHECK(parse_str("a: &x [*x]\n", 11) == CF_ERR_CONFIG);
    CHECK(parse_str("a: &x 1\nb: &x 2\n", 16) == CF_ERR_CONFIG);
    CHECK(parse_str("a: *nope\n", 9) == CF_ERR_CONFIG);
    CHECK(parse_str("a: 1\n---\nb: 2\n", 14) == CF_ERR_CONFIG);
    CHECK(parse_str("a: {<<: 5}\n", 11) == CF_ERR_CONFIG);
    CHECK(parse_str("a: [1, 2\n", 9) == CF_ERR_CONFIG);
    CHECK(strncmp(cf_err_detail(), "line ", 5) == 0);
    CHECK(parse_str("", 0) == CF_ERR_CONFIG);
    CHECK(parse_str("\xFF\xFE" "a\0:\0", 6) == CF_ERR_BAD_UTF8);
    CHECK(parse_str("a: \xC3\x28\n", 6) == CF_ERR_CONFIG);
    CHECK(parse_str("a:\n\xEF\xBB\xBF  b: 1\n", 13) == CF_ERR_CONFIG);
    CHECK(parse_str("\xEF\xBB\xBF" "a: 1\n", 8) == CF_OK);
}

static void test_scalars(void)
{
    static const struct {
        const char *yaml;
        int ok;
        uint64_t v;
    } ints[] = {
        {"v: 0", 1, 0},         {"v: 120", 1, 120},       {"v: +7", 1, 7},
        {"v: 1_000", 1, 1000},  {"v: 0x1F", 1, 31},       {"v: 017", 1, 15},
        {"v: 0b101", 1, 5},     {"v: -0", 1, 0},          {"v: 08", 0, 0},
        {"v: 1e3", 0, 0},       {"v: '5'", 0, 0},         {"v: !!int '5'", 1, 5},
        {"v: 18446744073709551615", 1, UINT64_MAX},       {"v: 18446744073709551616", 0, 0},
        {"v: -1", 0, 0},        {"v: ", 0, 0},            {"v: _1", 0, 0},
        {"v: ! 5", 1, 5},       {"v: ! '5'", 1, 5},       {"v: !!str 5", 0, 0},
    };
    static const struct {
        const char *yaml;
        int v;
    } bools[] = {{"v: yes", 1}, {"v: NO", 0}, {"v: On", 1}, {"v: false", 0},
                 {"v: TRUE", 1}, {"v: 'true'", -1}, {"v: 1", -1}, {"v: tRUE", -1},
                 {"v: !!bool 'off'", 0}};

    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        struct cf_config *doc = NULL;
        uint64_t v = 42;
        enum cf_err err;

        CHECK(cf_config_parse(ints[i].yaml, strlen(ints[i].yaml), &doc) == CF_OK);
        err = cf_config_get_u64(doc, "v", 0, UINT64_MAX, &v);
        if ((err == CF_OK) != ints[i].ok || (ints[i].ok && v != ints[i].v)) {
            fprintf(stderr, "  int case '%s': err %d v %llu\n", ints[i].yaml, err,
                    (unsigned long long)v);
            CHECK(false);
        }
        cf_config_free(doc);
    }
    for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++) {
        struct cf_config *doc = NULL;
        bool v = false;
        enum cf_err err;

        CHECK(cf_config_parse(bools[i].yaml, strlen(bools[i].yaml), &doc) == CF_OK);
        err = cf_config_get_bool(doc, "v", &v);
        CHECK(bools[i].v < 0 ? err == CF_ERR_CONFIG : err == CF_OK && v == (bools[i].v == 1));
        cf_config_free(doc);
    }
}

int main(void)
{
    char cmd[128];

    if (mkdtemp(tmpdir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_read();
    test_typed();
    test_invalid();
    test_missing_file();
    test_edit_roundtrip();
    test_edit_shapes();
    test_set_scalar();
    test_default();
    test_plot_dirs();
    test_hostile();
    test_scalars();
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return test_report("test_config");
}
