/*
 * yaml_doc.h: the node tree behind struct cf_config, shared by the loader (yaml_doc.c), the
 * editor (yaml_edit.c) and nothing else. See cfarm/config.h for the model.
 *
 * Source positions are libyaml's: character indices (not bytes) into the text after a BOM.
 * cf_yaml_byte() turns one into a byte offset through a checkpoint table built at load time.
 */
#ifndef CFARM_CONFIG_YAML_DOC_H
#define CFARM_CONFIG_YAML_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "cfarm/config.h"

enum yn_type { YN_SCALAR, YN_SEQ, YN_MAP, YN_ALIAS };

#define YN_NO_POS ((size_t)-1)

struct cf_config_node {
    enum yn_type type;
    bool flow;               /* collections: flow style ([...] / {...}) */
    bool plain;              /* scalars: plain style and no tag */
    bool block_scalar;       /* scalars: literal (|) or folded (>): text runs to later lines */
    bool bang;               /* scalars: tagged `!`, which PyYAML types like a plain scalar */
    char *tag, *anchor;      /* NULL when none */
    char *text;              /* scalars: NUL-terminated, may hold inner NULs */
    size_t len;
    struct cf_config_node **kids; /* seq: n items; map: n entries as kids[2i], kids[2i+1] */
    size_t n, cap;
    struct cf_config_node *target; /* alias: the anchored node */
    size_t start, end;       /* character span in the source, YN_NO_POS for edit-made nodes */
    size_t line, col;        /* 0-based, of start */
    unsigned merge_depth;    /* maps: longest chain of merge keys below */
    bool mark;               /* scratch flag of the editor, false between calls */
};

/* One in-place edit: the value of entry `entry` of `map` is rendered into [start, end). */
struct yn_patch {
    struct cf_config_node *map;
    size_t entry;
    size_t start, end;       /* byte range replaced in the source */
    size_t lead_end;         /* [start, lead_end): a comment after the key, kept */
    bool insert;             /* a new entry: key text is rendered too */
    bool block;              /* render the sequence in block style */
    size_t indent;           /* block style: column of "- " */
    bool src_flow;           /* the old value was a flow list: its items' text is flow */
    const char *anchor;      /* anchor kept from the old value, or NULL */
    enum { YN_SUFFIX_NONE, YN_SUFFIX_COMMA, YN_SUFFIX_LINE } suffix; /* insert: after entry */
    size_t suffix_col;       /* YN_SUFFIX_LINE: the next key's column */
};

struct cf_config {
    char *text;              /* the source, NUL-terminated */
    size_t len;
    size_t bom;              /* bytes of UTF-8 BOM skipped before character 0 */
    size_t *checkpoints;     /* byte offset of every CHECKPOINT_STEP-th character */
    size_t n_checkpoints;
    struct cf_config_node *root;
    struct cf_config_node **nodes; /* every node allocated, for cf_config_free */
    size_t n_nodes, cap_nodes;
    struct yn_patch *patches;
    size_t n_patches;
};

#define YN_CHECKPOINT_STEP 256

struct cf_config_node *cf_yaml_new_node(struct cf_config *doc, enum yn_type type);
enum cf_err cf_yaml_add_kid(struct cf_config_node *parent, struct cf_config_node *kid);
const struct cf_config_node *cf_yaml_deref(const struct cf_config_node *n);
bool cf_yaml_is_merge_key(const struct cf_config_node *key);
size_t cf_yaml_byte(const struct cf_config *doc, size_t char_index);
/* Index of the entry of map whose key is `key` (explicit entries only, last one wins). */
bool cf_yaml_map_entry(const struct cf_config_node *map, const char *key, size_t klen,
                       size_t *entry);
/* Walk path; CF_ERR_NOT_FOUND, CF_ERR_TOO_LARGE (visit budget) or CF_OK. */
enum cf_err cf_yaml_find(const struct cf_config *doc, const struct cf_config_node *from,
                         const char *path, const struct cf_config_node **out);

#endif
