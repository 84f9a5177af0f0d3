/*
 * default.c: the config.yaml `cfarm init` writes.
 *
 * It has the shape of Chia's initial config for every key cfarm reads (so `chia` tools pointed
 * at a cfarm root find what they expect in those sections), Chia's defaults for them, and
 * cfarm's own tunables under `harvester.cfarm` and `farmer.cfarm`, keys Chia does not use and
 * leaves alone. Sections only Chia's other services use (full_node, wallet, timelord...) are
 * left out; docs/config.md lists what is read. The file is written once, never overwritten.
 */
#include "yaml_doc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum cf_err cf_yaml_save_text(const char *path, const char *text, size_t len, bool replace);

static const char default_text[] =
    "# cfarm configuration: the layout and key names of Chia's config.yaml, so the same root\n"
    "# serves cfarm and the chia tools. Relative paths are relative to the root directory.\n"
    "# Keys under a section's `cfarm:` are cfarm's own; Chia ignores them.\n"
    "min_mainnet_k_size: 32\n"
    "ping_interval: 120\n"
    "self_hostname: &self_hostname \"localhost\"\n"
    "prefer_ipv6: False\n"
    "daemon_port: 55400\n"
    "inbound_rate_limit_percent: 100\n"
    "outbound_rate_limit_percent: 30\n"
    "\n"
    "# Per-network consensus constants and settings that differ from mainnet's.\n"
    "network_overrides: &network_overrides\n"
    "  constants:\n"
    "    mainnet:\n"
    "      GENESIS_CHALLENGE: ccd5bb71183532bff220ba46c268991a3ff07eb358e8255a65c30a2dce0e5fbb\n"
    "      GENESIS_PRE_FARM_POOL_PUZZLE_HASH: "
    "\"d23da14695a188ae5708dd152263c4db883eb27edeb936178d4d988b8f3ce5fc\"\n"
    "      GENESIS_PRE_FARM_FARMER_PUZZLE_HASH: "
    "\"3d8765d3a597ec1d99663f6c9816d915b9f68613ac94009884c4addaefcce6af\"\n"
    "    testnet11:\n"
    "      AGG_SIG_ME_ADDITIONAL_DATA: "
    "37a90eb5185a9c4439a91ddc98bbadce7b4feba060d50116a067de66bf236615\n"
    "      DIFFICULTY_CONSTANT_FACTOR: 10052721566054\n"
    "      DIFFICULTY_STARTING: 30\n"
    "      EPOCH_BLOCKS: 768\n"
    "      GENESIS_CHALLENGE: 37a90eb5185a9c4439a91ddc98bbadce7b4feba060d50116a067de66bf236615\n"
    "      GENESIS_PRE_FARM_FARMER_PUZZLE_HASH: "
    "08296fc227decd043aee855741444538e4cc9a31772c4d1a9e6242d1e777e42a\n"
    "      GENESIS_PRE_FARM_POOL_PUZZLE_HASH: "
    "3ef7c233fc0785f3c0cae5992c1d35e7c955ca37a423571c1607ba392a9d12f7\n"
    "      MEMPOOL_BLOCK_BUFFER: 10\n"
    "      MIN_PLOT_SIZE_V1: 18\n"
    "      NETWORK_TYPE: 1\n"
    "      SUB_SLOT_ITERS_STARTING: 67108864\n"
    "      HARD_FORK_HEIGHT: 0\n"
    "      SOFT_FORK8_HEIGHT: 3755000\n"
    "      SOFT_FORK9_HEIGHT: 3924000\n"
    "      PLOT_FILTER_128_HEIGHT: 6029568\n"
    "      PLOT_FILTER_64_HEIGHT: 11075328\n"
    "      PLOT_FILTER_32_HEIGHT: 16121088\n"
    "  config:\n"
    "    mainnet:\n"
    "      address_prefix: \"xch\"\n"
    "      default_full_node_port: 8444\n"
    "    testnet11:\n"
    "      address_prefix: \"txch\"\n"
    "      default_full_node_port: 58444\n"
    "\n"
    "selected_network: &selected_network \"mainnet\"\n"
    "\n"
    "# The private CA signs the certificates of your own services; Chia's CA the public ones.\n"
    "private_ssl_ca:\n"
    "  crt: \"config/ssl/ca/private_ca.crt\"\n"
    "  key: \"config/ssl/ca/private_ca.key\"\n"
    "\n"
    "chia_ssl_ca:\n"
    "  crt: \"config/ssl/ca/chia_ca.crt\"\n"
    "  key: \"config/ssl/ca/chia_ca.key\"\n"
    "\n"
    "daemon_ssl:\n"
    "  private_crt: \"config/ssl/daemon/private_daemon.crt\"\n"
    "  private_key: \"config/ssl/daemon/private_daemon.key\"\n"
    "\n"
    "# Shared by every service through the *logging alias; a section may use its own block.\n"
    "logging: &logging\n"
    "  log_stdout: False\n"
    "  log_backcompat: False\n"
    "  log_filename: \"log/debug.log\"\n"
    "  log_level: \"WARNING\" # CRITICAL, ERROR, WARNING, INFO, DEBUG or NOTSET\n"
    "  log_maxfilesrotation: 7\n"
    "  log_maxbytesrotation: 52428800\n"
    "  log_use_gzip: False\n"
    "  log_syslog: False\n"
    "  log_syslog_host: \"localhost\"\n"
    "  log_syslog_port: 514\n"
    "  log_systemd: False\n"
    "\n"
    "harvester:\n"
    "  # Farmers this harvester connects to.\n"
    "  farmer_peers:\n"
    "    - host: *self_hostname\n"
    "      port: 8447\n"
    "\n"
    "  start_rpc_server: True\n"
    "  rpc_port: 8560\n"
    "  num_threads: 30 # workers answering proof-of-space look-ups\n"
    "  plots_refresh_parameter:\n"
    "    interval_seconds: 120 # how often plot directories are scanned\n"
    "    retry_invalid_seconds: 1200 # how long a plot that failed to open is left alone\n"
    "    batch_size: 300 # plots opened per batch during a scan\n"
    "    batch_sleep_milliseconds: 1 # pause between batches\n"
    "\n"
    "  parallel_read: True\n"
    "\n"
    "  logging: *logging\n"
    "  network_overrides: *network_overrides\n"
    "  selected_network: *selected_network\n"
    "\n"
    "  # Directories searched for plots; `cfarm plots add -d DIR` adds one.\n"
    "  plot_directories: []\n"
    "  recursive_plot_scan: False # also search subdirectories\n"
    "  recursive_follow_links: False # follow symbolic links while searching subdirectories\n"
    "\n"
    "  ssl:\n"
    "    private_crt: \"config/ssl/harvester/private_harvester.crt\"\n"
    "    private_key: \"config/ssl/harvester/private_harvester.key\"\n"
    "\n"
    "  private_ssl_ca:\n"
    "    crt: \"config/ssl/ca/private_ca.crt\"\n"
    "    key: \"config/ssl/ca/private_ca.key\"\n"
    "\n"
    "  chia_ssl_ca:\n"
    "    crt: \"config/ssl/ca/chia_ca.crt\"\n"
    "    key: \"config/ssl/ca/chia_ca.key\"\n"
    "\n"
    "  parallel_decompressor_count: 0\n"
    "  decompressor_thread_count: 0\n"
    "  max_compression_level_allowed: 7\n"
    "\n"
    "  cfarm:\n"
    "    disk_read_bound: 4 # reads in flight per disk during a look-up\n"
    "    slow_lookup_warning_seconds: 8 # warn when a look-up ends later after the signage point\n"
    "    metrics_address: \"127.0.0.1\"\n"
    "    metrics_port: 0 # 0: no metrics endpoint\n"
    "\n"
    "pool:\n"
    "  logging: *logging\n"
    "  network_overrides: *network_overrides\n"
    "  selected_network: *selected_network\n"
    "\n"
    "farmer:\n"
    "  # Harvesters connect to the farmer on this port.\n"
    "  port: 8447\n"
    "  # Full nodes the farmer connects to for signage points.\n"
    "  full_node_peers:\n"
    "    - host: *self_hostname\n"
    "      port: 8444\n"
    "\n"
    "  pool_public_keys: !!set {}\n"
    "\n"
    "  # The address farming rewards go to, e.g.\n"
    "  # xch_target_address: xch1...\n"
    "\n"
    "  start_rpc_server: True\n"
    "  rpc_port: 8559\n"
    "\n"
    "  # A proof is sent to a pool when its required iterations are below this.\n"
    "  pool_share_threshold: 1000\n"
    "  logging: *logging\n"
    "  network_overrides: *network_overrides\n"
    "  selected_network: *selected_network\n"
    "\n"
    "  ssl:\n"
    "    private_crt: \"config/ssl/farmer/private_farmer.crt\"\n"
    "    private_key: \"config/ssl/farmer/private_farmer.key\"\n"
    "    public_crt: \"config/ssl/farmer/public_farmer.crt\"\n"
    "    public_key: \"config/ssl/farmer/public_farmer.key\"\n"
    "\n"
    "  cfarm:\n"
    "    metrics_address: \"127.0.0.1\"\n"
    "    metrics_port: 0 # 0: no metrics endpoint\n";

const char *cf_config_default_text(void)
{
    return default_text;
}

/* mkdir -p, 0755 for each missing level. */
static enum cf_err make_dirs(char *path)
{
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;

        *p = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST) {
            enum cf_err err = cf_err_set(CF_ERR_IO, "%s: mkdir: %s", path, strerror(errno));

            *p = c;
            return err;
        }
        *p = c;
        if (c == '\0')
            return CF_OK;
    }
}

enum cf_err cf_config_init_default(const char *root, bool *created)
{
    size_t n;
    char *path;
    struct stat st;
    enum cf_err err;

    if (created)
        *created = false;
    if (root == NULL || root[0] == '\0')
        return CF_ERR_INVAL;
    n = strlen(root) + sizeof "/" CF_CONFIG_REL_PATH;
    path = malloc(n);
    if (path == NULL)
        return CF_ERR_NOMEM;
    snprintf(path, n, "%s/config", root);
    err = make_dirs(path);
    snprintf(path, n, "%s/%s", root, CF_CONFIG_REL_PATH);
    if (err == CF_OK && stat(path, &st) == 0)
        goto out;
    if (err == CF_OK)
        err = cf_yaml_save_text(path, default_text, sizeof default_text - 1, false);
    if (err == CF_ERR_EXISTS) {
        cf_err_clear();
        err = CF_OK;
    } else if (err == CF_OK && created) {
        *created = true;
    }
out:
    free(path);
    return err;
}
