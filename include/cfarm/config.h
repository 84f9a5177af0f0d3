/*
 * cfarm/config.h: Chia's config.yaml, read, validated, edited in place and written back.
 *
 * A cfarm root is a Chia root, so the configuration is Chia's `config/config.yaml`: one YAML
 * document with anchors and aliases (`logging: &logging`, `logging: *logging`), merge keys
 * (`<<: *base`), tags (`pool_public_keys: !!set {}`) and many sections cfarm never uses. Three
 * layers live here:
 *
 *  1. The document (struct cf_config): the YAML loaded into a node tree that keeps what it does
 *     not understand. Mappings keep their key order, scalars their text, style and tag, aliases
 *     stay aliases (never expanded, so a "billion laughs" document costs what its text costs).
 *     Reading resolves aliases and merge keys with PyYAML's rules (what Chia's yaml.safe_load
 *     does): the last duplicate key wins, explicit keys beat merged ones, earlier merge sources
 *     beat later ones. Plain scalars are typed with YAML 1.1's rules as PyYAML types them.
 *
 *  2. Edits: an edit replaces one value node. Saving copies the original text byte for byte and
 *     splices in the new text of each edited value, so comments, anchors, aliases, quoting and
 *     every other key survive exactly; only the edited value is re-rendered (its unchanged items
 *     keep their source text). Saves are atomic (temp file, fsync, rename, same mode).
 *
 *  3. Typed views for the services (struct cf_harvester_config, struct cf_farmer_config) with
 *     Chia's key names and defaults, plus cfarm's own tunables under `harvester.cfarm` and
 *     `farmer.cfarm`. An invalid value is CF_ERR_CONFIG with a detail naming the key path, e.g.
 *     "harvester.plots_refresh_parameter.interval_seconds: expected a non-negative integer,
 *     got 'abc'".
 *
 * Hard limits on untrusted text (CF_ERR_TOO_LARGE when passed): CF_CONFIG_MAX_BYTES of input,
 * CF_CONFIG_MAX_DEPTH of nesting, CF_CONFIG_MAX_NODES nodes; one look-up through merge keys
 * visits at most CF_CONFIG_MAX_VISITS nodes. Input must be UTF-8 (a BOM is allowed at the
 * start only) and hold exactly one document, as Chia's loader requires.
 *
 * Ownership: a struct cf_config owns every node and string reachable from it; node pointers and
 * strings stay valid until cf_config_free() or an edit of the value holding them. Functions do
 * not print. On failure a function leaves the document as it was and a detail in cf_err_detail().
 * A document is not safe for concurrent use; read-only use from several threads is.
 */
#ifndef CFARM_CONFIG_H
#define CFARM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfarm/err.h"

#define CF_CONFIG_MAX_BYTES ((size_t)4 << 20)
#define CF_CONFIG_MAX_DEPTH 64
#define CF_CONFIG_MAX_NODES 200000
#define CF_CONFIG_MAX_VISITS 100000

/* The config file inside a root, as Chia names it. */
#define CF_CONFIG_REL_PATH "config/config.yaml"

struct cf_config;
struct cf_config_node;

/* What a node is once aliases are followed. A plain `~`, `null` or empty scalar is NULL_. */
enum cf_config_kind {
    CF_CONFIG_NULL,
    CF_CONFIG_SCALAR,
    CF_CONFIG_SEQ,
    CF_CONFIG_MAP,
};

/* ---- Loading ---------------------------------------------------------------------------- */

/* Parse YAML text (need not be NUL-terminated). *out is set only on success. */
enum cf_err cf_config_parse(const char *text, size_t len, struct cf_config **out);

/* Read and parse the file at path. A missing file is CF_ERR_NOT_FOUND naming the path. */
enum cf_err cf_config_load(const char *path, struct cf_config **out);

/* Read <root>/config/config.yaml; a missing file says to run `cfarm init`. */
enum cf_err cf_config_load_root(const char *root, struct cf_config **out);

void cf_config_free(struct cf_config *doc);

/* ---- Reading ---------------------------------------------------------------------------- */

/*
 * The node at a dotted path ("harvester.plots_refresh_parameter.batch_size"; a numeric segment
 * indexes a sequence: "harvester.farmer_peers.0.host"), from `from` or the root when NULL.
 * Aliases and merge keys are followed; the result is never an alias. NULL when absent (or when
 * a look-up exceeds CF_CONFIG_MAX_VISITS). doc may be NULL when from is given. The empty path
 * is `from` (or the root) itself.
 */
const struct cf_config_node *cf_config_find(const struct cf_config *doc,
                                            const struct cf_config_node *from, const char *path);

enum cf_config_kind cf_config_node_kind(const struct cf_config_node *node);
/* The text of a scalar (NUL-terminated; *len may be NULL), or NULL for other kinds. */
const char *cf_config_node_text(const struct cf_config_node *node, size_t *len);
/* True for a plain (unquoted, untagged) scalar: the kind YAML types as bool, int or null. */
bool cf_config_node_is_plain(const struct cf_config_node *node);
/* The explicit tag ("tag:yaml.org,2002:set" for `!!set`), or NULL. */
const char *cf_config_node_tag(const struct cf_config_node *node);
/* Items of a sequence (aliases followed), or explicit entries of a mapping (merge keys not
 * applied; `<<` entries included). Out of range or wrong kind: 0 / NULL. */
size_t cf_config_node_len(const struct cf_config_node *node);
const struct cf_config_node *cf_config_node_item(const struct cf_config_node *node, size_t i);
const struct cf_config_node *cf_config_node_key(const struct cf_config_node *node, size_t i);
const struct cf_config_node *cf_config_node_value(const struct cf_config_node *node, size_t i);
/* 1-based source line of a node, 0 for a node created by an edit. */
size_t cf_config_node_line(const struct cf_config_node *node);

/*
 * Typed getters. Each returns CF_ERR_NOT_FOUND (no detail) when the path is absent or null, so a
 * caller can apply a default, and CF_ERR_CONFIG with "PATH: expected ..., got '...'" when the
 * value has the wrong type or range. *out is written only on success.
 *  _str:  any scalar's text (a string, also a plain number); the pointer belongs to the doc.
 *  _bool: YAML 1.1 booleans as PyYAML reads them (true/false/yes/no/on/off, three casings).
 *  _u64:  a plain integer (decimal, 0x hex, 0 octal, 0b binary, `_` separators) in [min,max].
 */
enum cf_err cf_config_get_str(const struct cf_config *doc, const char *path, const char **out);
enum cf_err cf_config_get_bool(const struct cf_config *doc, const char *path, bool *out);
enum cf_err cf_config_get_u64(const struct cf_config *doc, const char *path, uint64_t min,
                              uint64_t max, uint64_t *out);

/* Parse one scalar node with the rules above; `what` names it in the error detail. */
enum cf_err cf_config_node_bool(const struct cf_config_node *node, const char *what, bool *out);
enum cf_err cf_config_node_u64(const struct cf_config_node *node, const char *what, uint64_t min,
                               uint64_t max, uint64_t *out);

/* ---- Editing and writing ---------------------------------------------------------------- */

/*
 * Append a string to the sequence at path, or remove item `index` from it. The path's last
 * segment names a key of a mapping reached without passing through an alias (editing through
 * an alias would change every place sharing the anchor: CF_ERR_UNSUPPORTED). A key that is
 * absent, null, or an alias is given a sequence of its own (an alias's items are copied), so
 * `plot_directories:` and `plot_directories: *dirs` both work. The string must be UTF-8.
 * Removing an item that holds an anchor some alias elsewhere uses would leave that alias
 * dangling: CF_ERR_UNSUPPORTED. A missing index is CF_ERR_NOT_FOUND. Nothing changes on failure.
 */
enum cf_err cf_config_seq_append_str(struct cf_config *doc, const char *path, const char *value);
enum cf_err cf_config_seq_remove(struct cf_config *doc, const char *path, size_t index);

/*
 * Set the value at path to a scalar: _str writes the string double-quoted (it reads back as
 * exactly that string); _plain writes it unquoted, for numbers and booleans ("8447", "true"),
 * and refuses text that would not read back as itself (CF_ERR_INVAL). Same path rules as
 * above; the key is added when absent; an anchor on the old value is kept (its aliases now
 * mean the new value). The new value replaces any other value, a list or mapping included,
 * unless that value holds an anchor used elsewhere (CF_ERR_UNSUPPORTED).
 */
enum cf_err cf_config_set_str(struct cf_config *doc, const char *path, const char *value);
enum cf_err cf_config_set_plain(struct cf_config *doc, const char *path, const char *value);

/* The document's text with every edit applied (heap, NUL-terminated; caller frees). */
enum cf_err cf_config_render(const struct cf_config *doc, char **text, size_t *len);

/*
 * Write the rendered document to path atomically: a temporary file in the same directory with
 * the mode of the file it replaces (0644 when new), fsync, rename over path, fsync the
 * directory. On failure path is untouched and the temporary file removed.
 */
enum cf_err cf_config_save(const struct cf_config *doc, const char *path);

/*
 * Chia's config lock: an exclusive flock on "<path>.lock" (what Chia's filelock takes), so an
 * edit by cfarm and one by `chia` do not interleave. Blocks until taken. *fd is the lock.
 */
enum cf_err cf_config_lock(const char *path, int *fd);
void cf_config_unlock(int fd);

/* ---- Default configuration -------------------------------------------------------------- */

/* The text of cfarm's default config.yaml: Chia's initial-config shape for every key cfarm
 * reads, plus cfarm's own tunables. Static, NUL-terminated. */
const char *cf_config_default_text(void);

/*
 * Write <root>/config/config.yaml with the default text when it does not exist; an existing
 * file is never touched (CF_OK, *created false). Creates <root>/config (0755) when needed.
 * `created` may be NULL.
 */
enum cf_err cf_config_init_default(const char *root, bool *created);

/* ---- Plot directories (`cfarm plots add -d` / `remove -d`) ------------------------------- */

/*
 * Add dir to harvester.plot_directories of <root>/config/config.yaml, under Chia's lock.
 * Like Chia: dir must exist and be a directory; what is stored is its absolute, symlink-resolved
 * path. *abs (heap, caller frees, may be NULL on failure) receives that path; *changed is false
 * when it was already listed (then the file is not rewritten).
 */
enum cf_err cf_config_plot_dir_add(const char *root, const char *dir, char **abs, bool *changed);

/*
 * Remove dir from harvester.plot_directories: an entry equal to dir as written, and an entry
 * whose resolved path equals dir's resolved path (Chia's two rules). dir need not exist. Other
 * entries are left exactly as written (Chia would rewrite them resolved). *abs as above;
 * *changed is false when nothing matched (file not rewritten).
 */
enum cf_err cf_config_plot_dir_remove(const char *root, const char *dir, char **abs,
                                      bool *changed);

/* Absolute form of a path like Python's Path.resolve(strict=False): symlinks resolved for the
 * part that exists, the rest normalised lexically. Heap string or NULL (CF_ERR_NOMEM/IO). */
char *cf_config_resolve_path(const char *path);

/* ---- Typed views ------------------------------------------------------------------------ */

struct cf_config_peer {
    char *host;
    uint16_t port;
};

/* A service's `logging` section (usually an alias of the top-level &logging). */
struct cf_config_logging {
    char *log_level;        /* CRITICAL, ERROR, WARNING, INFO, DEBUG or NOTSET; "WARNING" */
    char *log_filename;     /* resolved against the root; "<root>/log/debug.log" */
    bool log_stdout;        /* false */
    uint32_t log_maxfilesrotation;  /* 7 */
    uint64_t log_maxbytesrotation;  /* 52428800 */
};

/* Certificate and key paths, resolved against the root ("~" expanded). NULL when unused. */
struct cf_config_ssl {
    char *private_crt, *private_key;
    char *public_crt, *public_key;
};

/* Fields common to both services. */
struct cf_config_common {
    char *root;               /* the root the paths were resolved against */
    char *selected_network;   /* the section's, else top-level, else "mainnet" */
    char *self_hostname;      /* "localhost" */
    char *address_prefix;     /* network_overrides.config.<net>.address_prefix; "xch"/"txch" */
    struct cf_config_ssl ssl; /* the section's ssl */
    char *private_ca_crt, *private_ca_key; /* top-level private_ssl_ca, else the section's */
    char *chia_ca_crt, *chia_ca_key;       /* top-level chia_ssl_ca, else the section's */
    struct cf_config_logging logging;
    bool start_rpc_server;
    uint16_t rpc_port;
    /* cfarm's own, under <section>.cfarm */
    char *metrics_address;    /* cfarm.metrics_address; "127.0.0.1" */
    uint16_t metrics_port;    /* cfarm.metrics_port; 0 = no metrics endpoint */
};

struct cf_harvester_config {
    struct cf_config_common c;        /* rpc_port 8560 */
    struct cf_config_peer *farmer_peers; /* farmer_peers, else legacy farmer_peer */
    size_t n_farmer_peers;
    char **plot_directories;          /* as listed, "~/" expanded; relative ones stay relative */
    size_t n_plot_directories;
    bool recursive_plot_scan;         /* false */
    bool recursive_follow_links;      /* false */
    uint32_t interval_seconds;        /* plots_refresh_parameter.*: 120 */
    uint32_t retry_invalid_seconds;   /* 1200 */
    uint32_t batch_size;              /* 300, at least 1 */
    uint32_t batch_sleep_milliseconds;/* 1 */
    bool parallel_read;               /* true */
    uint32_t num_threads;             /* 30, 1..1024 */
    uint32_t parallel_decompressor_count;  /* 0 */
    uint32_t decompressor_thread_count;    /* 0 */
    uint32_t max_compression_level_allowed;/* 7 */
    /* cfarm's own, under harvester.cfarm */
    uint32_t disk_read_bound;         /* reads in flight per disk; 4, 1..256 */
    uint32_t slow_lookup_warning_seconds; /* warn past this after the signage point; 8, 1..30 */
};

struct cf_farmer_config {
    struct cf_config_common c;        /* rpc_port 8559 */
    uint16_t port;                    /* where harvesters connect; 8447 */
    struct cf_config_peer *full_node_peers; /* full_node_peers, else legacy full_node_peer */
    size_t n_full_node_peers;
    char **pool_public_keys;          /* hex as written (list or !!set); may be empty */
    size_t n_pool_public_keys;
    char *xch_target_address;         /* NULL when absent */
    uint64_t pool_share_threshold;    /* 1000 */
};

/*
 * Fill a typed view from a document. root resolves relative paths. On failure (CF_ERR_CONFIG
 * naming the key, or CF_ERR_NOMEM) *out is left zeroed; on success free it with _free.
 * A missing `harvester` / `farmer` section is CF_ERR_CONFIG.
 */
enum cf_err cf_harvester_config_read(const struct cf_config *doc, const char *root,
                                     struct cf_harvester_config *out);
void cf_harvester_config_free(struct cf_harvester_config *cfg);
enum cf_err cf_farmer_config_read(const struct cf_config *doc, const char *root,
                                  struct cf_farmer_config *out);
void cf_farmer_config_free(struct cf_farmer_config *cfg);

#endif
