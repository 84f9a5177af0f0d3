/*
 * yaml_doc.c: load YAML into a node tree that keeps everything, and read it back resolved.
 *
 * libyaml's parser gives events; a small composer with an explicit stack (depth capped) turns
 * them into nodes. Aliases stay alias nodes pointing at their anchor, so the tree never grows
 * beyond the text. Anchors are registered when their node is complete: an alias inside its own
 * anchor (a recursive structure) is refused, as is a duplicate anchor (PyYAML refuses it too).
 * Merge keys are checked at load: the value of `<<` must be a mapping or a sequence of
 * mappings, and chains of merges may nest only CF_CONFIG_MAX_DEPTH deep, which bounds the
 * recursion of a look-up; a visit budget bounds its time.
 */
#include "yaml_doc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#define TAG_MERGE "tag:yaml.org,2002:merge"

/* ---- Node allocation ---------------------------------------------------------------------- */

struct cf_config_node *cf_yaml_new_node(struct cf_config *doc, enum yn_type type)
{
    struct cf_config_node *n;

    if (doc->n_nodes >= CF_CONFIG_MAX_NODES) {
        cf_err_set(CF_ERR_TOO_LARGE, "more than %d YAML nodes", CF_CONFIG_MAX_NODES);
        return NULL;
    }
    if (doc->n_nodes == doc->cap_nodes) {
        size_t cap = doc->cap_nodes ? doc->cap_nodes * 2 : 256;
        struct cf_config_node **p = realloc(doc->nodes, cap * sizeof *p);

        if (p == NULL)
            return NULL;
        doc->nodes = p;
        doc->cap_nodes = cap;
    }
    n = calloc(1, sizeof *n);
    if (n == NULL)
        return NULL;
    n->type = type;
    n->start = n->end = YN_NO_POS;
    doc->nodes[doc->n_nodes++] = n;
    return n;
}

enum cf_err cf_yaml_add_kid(struct cf_config_node *parent, struct cf_config_node *kid)
{
    if (parent->n == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : 4;
        struct cf_config_node **p = realloc(parent->kids, cap * sizeof *p);

        if (p == NULL)
            return CF_ERR_NOMEM;
        parent->kids = p;
        parent->cap = cap;
    }
    parent->kids[parent->n++] = kid;
    return CF_OK;
}

void cf_config_free(struct cf_config *doc)
{
    if (doc == NULL)
        return;
    for (size_t i = 0; i < doc->n_nodes; i++) {
        struct cf_config_node *n = doc->nodes[i];

        free(n->tag);
        free(n->anchor);
        free(n->text);
        free(n->kids);
        free(n);
    }
    free(doc->nodes);
    free(doc->patches);
    free(doc->checkpoints);
    free(doc->text);
    free(doc);
}

/* ---- Anchors: a small open-addressing table from name to node ------------------------------- */

struct anchors {
    struct cf_config_node **slot;
    size_t cap, n;
};

static size_t anchor_hash(const char *s)
{
    size_t h = 1469598103934665603ull;

    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ull;
    return h;
}

static struct cf_config_node **anchor_slot(struct anchors *a, const char *name)
{
    size_t i = anchor_hash(name) & (a->cap - 1);

    while (a->slot[i] && strcmp(a->slot[i]->anchor, name) != 0)
        i = (i + 1) & (a->cap - 1);
    return &a->slot[i];
}

static enum cf_err anchor_add(struct anchors *a, struct cf_config_node *n)
{
    struct cf_config_node **s;

    if (2 * (a->n + 1) > a->cap) {
        struct anchors b = {calloc(a->cap ? a->cap * 2 : 64, sizeof *b.slot),
                            a->cap ? a->cap * 2 : 64, a->n};

        if (b.slot == NULL)
            return CF_ERR_NOMEM;
        for (size_t i = 0; i < a->cap; i++)
            if (a->slot[i])
                *anchor_slot(&b, a->slot[i]->anchor) = a->slot[i];
        free(a->slot);
        *a = b;
    }
    s = anchor_slot(a, n->anchor);
    if (*s)
        return cf_err_set(CF_ERR_CONFIG, "line %zu: duplicate anchor &%s (first on line %zu)",
                          n->line + 1, n->anchor, (*s)->line + 1);
    *s = n;
    a->n++;
    return CF_OK;
}

static struct cf_config_node *anchor_get(struct anchors *a, const char *name)
{
    return a->cap ? *anchor_slot(a, name) : NULL;
}

/* ---- Composer ---------------------------------------------------------------------------- */

struct composer {
    struct cf_config *doc;
    struct anchors anchors;
    struct cf_config_node *stack[CF_CONFIG_MAX_DEPTH];
    size_t depth;
    int documents;
};

bool cf_yaml_is_merge_key(const struct cf_config_node *key)
{
    if (key == NULL || key->type != YN_SCALAR)
        return false;
    if (key->tag)
        return strcmp(key->tag, TAG_MERGE) == 0;
    return key->plain && key->len == 2 && memcmp(key->text, "<<", 2) == 0;
}

const struct cf_config_node *cf_yaml_deref(const struct cf_config_node *n)
{
    return n && n->type == YN_ALIAS ? n->target : n;
}

static enum cf_err set_str(char **dst, const yaml_char_t *src)
{
    if (src == NULL)
        return CF_OK;
    *dst = strdup((const char *)src);
    return *dst ? CF_OK : CF_ERR_NOMEM;
}

/* A map is complete: check its merge keys and record how deep its merge chains go. */
static enum cf_err check_merges(struct cf_config_node *map)
{
    for (size_t i = 0; i < map->n; i++) {
        const struct cf_config_node *v = cf_yaml_deref(map->kids[2 * i + 1]);
        size_t m = 1;

        if (!cf_yaml_is_merge_key(map->kids[2 * i]))
            continue;
        if (v->type == YN_SEQ)
            m = v->n;
        else if (v->type != YN_MAP)
            goto bad;
        for (size_t j = 0; j < m; j++) {
            const struct cf_config_node *src = v->type == YN_SEQ ? cf_yaml_deref(v->kids[j]) : v;

            if (src->type != YN_MAP)
                goto bad;
            if (src->merge_depth + 1 > map->merge_depth)
                map->merge_depth = src->merge_depth + 1;
        }
        continue;
bad:
        return cf_err_set(CF_ERR_CONFIG, "line %zu: a merge key (<<) needs a mapping or a "
                          "list of mappings", map->kids[2 * i]->line + 1);
    }
    if (map->merge_depth > CF_CONFIG_MAX_DEPTH)
        return cf_err_set(CF_ERR_TOO_LARGE, "line %zu: merge keys nested deeper than %d",
                          map->line + 1, CF_CONFIG_MAX_DEPTH);
    return CF_OK;
}

static enum cf_err attach(struct composer *c, struct cf_config_node *n)
{
    struct cf_config_node *parent;

    if (c->depth == 0) {
        c->doc->root = n;
        return CF_OK;
    }
    parent = c->stack[c->depth - 1];
    return cf_yaml_add_kid(parent, n);
}

/* Map kids are appended flat while composing; at the end the count becomes entries. */
static enum cf_err finish_collection(struct composer *c, struct cf_config_node *n,
                                     const yaml_event_t *ev)
{
    enum cf_err err = CF_OK;

    n->end = ev->end_mark.index;
    if (n->type == YN_MAP) {
        n->n /= 2;
        err = check_merges(n);
    }
    if (err == CF_OK && n->anchor)
        err = anchor_add(&c->anchors, n);
    return err;
}

static enum cf_err on_node_start(struct composer *c, const yaml_event_t *ev, enum yn_type type,
                                 struct cf_config_node **out)
{
    struct cf_config_node *n = cf_yaml_new_node(c->doc, type);
    const yaml_char_t *anchor = NULL, *tag = NULL;

    if (n == NULL)
        return cf_err_detail()[0] ? CF_ERR_TOO_LARGE : CF_ERR_NOMEM;
    n->start = ev->start_mark.index;
    n->end = ev->end_mark.index;
    n->line = ev->start_mark.line;
    n->col = ev->start_mark.column;
    if (type == YN_SCALAR) {
        anchor = ev->data.scalar.anchor;
        tag = ev->data.scalar.tag;
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && tag == NULL;
        n->block_scalar = ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
                          ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
        /* PyYAML resolves `! 5` and even `! "5"` as if plain (the int 5): so do we. */
        if (tag && strcmp((const char *)tag, "!") == 0) {
            n->bang = n->plain = true;
            tag = NULL;
        }
        n->text = malloc(ev->data.scalar.length + 1);
        if (n->text == NULL)
            return CF_ERR_NOMEM;
        memcpy(n->text, ev->data.scalar.value, ev->data.scalar.length);
        n->text[ev->data.scalar.length] = '\0';
        n->len = ev->data.scalar.length;
    } else if (type == YN_SEQ) {
        anchor = ev->data.sequence_start.anchor;
        tag = ev->data.sequence_start.tag;
        n->flow = ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
    } else {
        anchor = ev->data.mapping_start.anchor;
        tag = ev->data.mapping_start.tag;
        n->flow = ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
    }
    if (set_str(&n->anchor, anchor) != CF_OK || set_str(&n->tag, tag) != CF_OK)
        return CF_ERR_NOMEM;
    *out = n;
    return CF_OK;
}

static enum cf_err on_alias(struct composer *c, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    struct cf_config_node *target = anchor_get(&c->anchors, name), *n;

    if (target == NULL)
        return cf_err_set(CF_ERR_CONFIG, "line %zu: alias *%s names no complete anchor before "
                          "it", ev->start_mark.line + 1, name);
    n = cf_yaml_new_node(c->doc, YN_ALIAS);
    if (n == NULL)
        return cf_err_detail()[0] ? CF_ERR_TOO_LARGE : CF_ERR_NOMEM;
    n->target = target;
    n->start = ev->start_mark.index;
    n->end = ev->end_mark.index;
    n->line = ev->start_mark.line;
    n->col = ev->start_mark.column;
    n->text = strdup(name);
    return n->text ? attach(c, n) : CF_ERR_NOMEM;
}

static enum cf_err on_event(struct composer *c, const yaml_event_t *ev)
{
    struct cf_config_node *n;
    enum cf_err err;

    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++c->documents > 1)
            return cf_err_set(CF_ERR_CONFIG, "line %zu: expected a single document",
                              ev->start_mark.line + 1);
        return CF_OK;
    case YAML_SCALAR_EVENT:
        err = on_node_start(c, ev, YN_SCALAR, &n);
        if (err == CF_OK && n->anchor)
            err = anchor_add(&c->anchors, n);
        return err ? err : attach(c, n);
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        if (c->depth == CF_CONFIG_MAX_DEPTH)
            return cf_err_set(CF_ERR_TOO_LARGE, "line %zu: nested deeper than %d",
                              ev->start_mark.line + 1, CF_CONFIG_MAX_DEPTH);
        err = on_node_start(c, ev, ev->type == YAML_SEQUENCE_START_EVENT ? YN_SEQ : YN_MAP, &n);
        if (err)
            return err;
        c->stack[c->depth++] = n;
        return CF_OK;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        n = c->stack[--c->depth];
        err = finish_collection(c, n, ev);
        return err ? err : attach(c, n);
    case YAML_ALIAS_EVENT:
        return on_alias(c, ev);
    default:
        return CF_OK;
    }
}

/* Character index -> byte offset checkpoints (libyaml marks count characters). */
static enum cf_err build_checkpoints(struct cf_config *doc)
{
    size_t chars = 0, k = 0;
    size_t cap = (doc->len - doc->bom) / YN_CHECKPOINT_STEP + 2;

    doc->checkpoints = malloc(cap * sizeof *doc->checkpoints);
    if (doc->checkpoints == NULL)
        return CF_ERR_NOMEM;
    for (size_t b = doc->bom; b <= doc->len; b++) {
        if (b < doc->len && ((unsigned char)doc->text[b] & 0xC0) == 0x80)
            continue;
        if (chars % YN_CHECKPOINT_STEP == 0 && k < cap)
            doc->checkpoints[k++] = b;
        chars++;
    }
    doc->n_checkpoints = k;
    return CF_OK;
}

size_t cf_yaml_byte(const struct cf_config *doc, size_t ci)
{
    size_t k = ci / YN_CHECKPOINT_STEP, b, left;

    if (k >= doc->n_checkpoints)
        return doc->len;
    b = doc->checkpoints[k];
    left = ci % YN_CHECKPOINT_STEP;
    while (left > 0 && b < doc->len) {
        b++;
        while (b < doc->len && ((unsigned char)doc->text[b] & 0xC0) == 0x80)
            b++;
        left--;
    }
    return b;
}

static enum cf_err parse_events(struct cf_config *doc)
{
    struct composer c = {.doc = doc};
    yaml_parser_t parser;
    yaml_event_t ev;
    enum cf_err err = CF_OK;
    bool done = false;

    if (!yaml_parser_initialize(&parser))
        return CF_ERR_NOMEM;
    yaml_parser_set_input_string(&parser, (const unsigned char *)doc->text + doc->bom,
                                 doc->len - doc->bom);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    while (err == CF_OK && !done) {
        if (!yaml_parser_parse(&parser, &ev)) {
            err = cf_err_set(CF_ERR_CONFIG, "line %zu column %zu: %s%s%s",
                             parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                             parser.problem ? parser.problem : "invalid YAML",
                             parser.context ? " " : "", parser.context ? parser.context : "");
            break;
        }
        done = ev.type == YAML_STREAM_END_EVENT;
        err = on_event(&c, &ev);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    free(c.anchors.slot);
    if (err == CF_OK && doc->root == NULL)
        err = cf_err_set(CF_ERR_CONFIG, "the file holds no YAML document");
    return err;
}

enum cf_err cf_config_parse(const char *text, size_t len, struct cf_config **out)
{
    struct cf_config *doc;
    enum cf_err err;

    cf_err_clear();
    if (text == NULL && len)
        return CF_ERR_INVAL;
    if (len > CF_CONFIG_MAX_BYTES)
        return cf_err_set(CF_ERR_TOO_LARGE, "config is %zu bytes, more than the %zu allowed",
                          len, CF_CONFIG_MAX_BYTES);
    doc = calloc(1, sizeof *doc);
    if (doc == NULL)
        return CF_ERR_NOMEM;
    doc->text = malloc(len + 1);
    if (doc->text == NULL) {
        err = CF_ERR_NOMEM;
        goto fail;
    }
    if (len)
        memcpy(doc->text, text, len);
    doc->text[len] = '\0';
    doc->len = len;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        doc->bom = 3;
    /* libyaml would silently read UTF-16; Chia's files are UTF-8 and so must ours be. */
    if (memchr(doc->text, '\0', len) || (len >= 2 && ((unsigned char)text[0] == 0xFE ||
                                                      (unsigned char)text[0] == 0xFF))) {
        err = cf_err_set(CF_ERR_BAD_UTF8, "config is not UTF-8 text");
        goto fail;
    }
    /* libyaml skips a U+FEFF at any line start, PyYAML reads it as text: refuse the ambiguity. */
    if (memmem(doc->text + doc->bom, len - doc->bom, "\xEF\xBB\xBF", 3)) {
        err = cf_err_set(CF_ERR_CONFIG, "a byte order mark (U+FEFF) inside the file");
        goto fail;
    }
    err = build_checkpoints(doc);
    if (err == CF_OK)
        err = parse_events(doc);
    if (err)
        goto fail;
    *out = doc;
    return CF_OK;
fail:
    cf_config_free(doc);
    return err;
}

enum cf_err cf_config_load(const char *path, struct cf_config **out)
{
    struct stat st;
    char *text = NULL;
    size_t got = 0;
    enum cf_err err;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return cf_err_set(errno == ENOENT ? CF_ERR_NOT_FOUND : CF_ERR_IO, "%s: %s", path,
                          strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        err = cf_err_set(CF_ERR_IO, "%s: not a regular file", path);
        goto out;
    }
    if ((uint64_t)st.st_size > CF_CONFIG_MAX_BYTES) {
        err = cf_err_set(CF_ERR_TOO_LARGE, "%s: %lld bytes, more than the %zu allowed", path,
                         (long long)st.st_size, CF_CONFIG_MAX_BYTES);
        goto out;
    }
    text = malloc((size_t)st.st_size + 1);
    if (text == NULL) {
        err = CF_ERR_NOMEM;
        goto out;
    }
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, text + got, (size_t)st.st_size - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            err = cf_err_set(CF_ERR_IO, "%s: read failed: %s", path,
                             r < 0 ? strerror(errno) : "file shrank");
            goto out;
        }
        got += (size_t)r;
    }
    err = cf_config_parse(text, got, out);
    if (err) {
        char detail[256];

        snprintf(detail, sizeof detail, "%s", cf_err_detail());
        cf_err_set(err, "%s: %s", path, detail);
    }
out:
    free(text);
    close(fd);
    return err;
}

enum cf_err cf_config_load_root(const char *root, struct cf_config **out)
{
    size_t n = strlen(root) + sizeof "/" CF_CONFIG_REL_PATH;
    char *path = malloc(n);
    enum cf_err err;

    if (path == NULL)
        return CF_ERR_NOMEM;
    snprintf(path, n, "%s/%s", root, CF_CONFIG_REL_PATH);
    err = cf_config_load(path, out);
    if (err == CF_ERR_NOT_FOUND)
        cf_err_set(err, "%s does not exist (run 'cfarm init', or give --root a Chia root)",
                   path);
    free(path);
    return err;
}

/* ---- Look-ups ------------------------------------------------------------------------------ */

static bool key_is(const struct cf_config_node *k, const char *key, size_t klen)
{
    k = cf_yaml_deref(k);
    return k->type == YN_SCALAR && k->len == klen && memcmp(k->text, key, klen) == 0 &&
           !cf_yaml_is_merge_key(k);
}

bool cf_yaml_map_entry(const struct cf_config_node *map, const char *key, size_t klen,
                       size_t *entry)
{
    for (size_t i = map->n; i-- > 0;)
        if (key_is(map->kids[2 * i], key, klen)) {
            *entry = i;
            return true;
        }
    return false;
}

/* PyYAML's order: explicit keys (last wins), then merge keys from the last `<<` to the first;
 * inside a `<<: [*a, *b]` list the earlier source wins. */
static const struct cf_config_node *map_get(const struct cf_config_node *map, const char *key,
                                            size_t klen, size_t *budget)
{
    size_t e;

    if (*budget < map->n + 1) {
        *budget = 0;
        return NULL;
    }
    *budget -= map->n + 1;
    if (cf_yaml_map_entry(map, key, klen, &e))
        return cf_yaml_deref(map->kids[2 * e + 1]);
    if (map->merge_depth == 0)
        return NULL;
    for (size_t i = map->n; i-- > 0;) {
        const struct cf_config_node *v = cf_yaml_deref(map->kids[2 * i + 1]), *r;

        if (!cf_yaml_is_merge_key(map->kids[2 * i]))
            continue;
        if (v->type == YN_MAP) {
            if ((r = map_get(v, key, klen, budget)) != NULL)
                return r;
            continue;
        }
        for (size_t j = 0; j < v->n; j++)
            if ((r = map_get(cf_yaml_deref(v->kids[j]), key, klen, budget)) != NULL)
                return r;
    }
    return NULL;
}

enum cf_err cf_yaml_find(const struct cf_config *doc, const struct cf_config_node *from,
                         const char *path, const struct cf_config_node **out)
{
    const struct cf_config_node *n = cf_yaml_deref(from ? from : doc->root);
    size_t budget = CF_CONFIG_MAX_VISITS;

    while (n && *path) {
        const char *dot = strchr(path, '.');
        size_t klen = dot ? (size_t)(dot - path) : strlen(path);

        if (n->type == YN_MAP) {
            n = map_get(n, path, klen, &budget);
            if (budget == 0)
                return cf_err_set(CF_ERR_TOO_LARGE, "%s: look-up visits more than %d nodes",
                                  path, CF_CONFIG_MAX_VISITS);
        } else if (n->type == YN_SEQ && klen > 0 && klen < 10 &&
                   strspn(path, "0123456789") >= klen) {
            size_t i = (size_t)strtoul(path, NULL, 10);

            n = i < n->n ? cf_yaml_deref(n->kids[i]) : NULL;
        } else {
            n = NULL;
        }
        path += klen + (dot != NULL);
    }
    if (n == NULL)
        return CF_ERR_NOT_FOUND;
    *out = n;
    return CF_OK;
}

const struct cf_config_node *cf_config_find(const struct cf_config *doc,
                                            const struct cf_config_node *from, const char *path)
{
    const struct cf_config_node *n = NULL;

    if ((doc == NULL && from == NULL) || path == NULL)
        return NULL;
    return cf_yaml_find(doc, from, path, &n) == CF_OK ? n : NULL;
}

/* ---- Node accessors ------------------------------------------------------------------------ */

static bool is_null_scalar(const struct cf_config_node *n)
{
    if (n->tag)
        return strcmp(n->tag, "tag:yaml.org,2002:null") == 0;
    return n->plain && (n->len == 0 || strcmp(n->text, "~") == 0 ||
                        strcmp(n->text, "null") == 0 || strcmp(n->text, "Null") == 0 ||
                        strcmp(n->text, "NULL") == 0);
}

enum cf_config_kind cf_config_node_kind(const struct cf_config_node *node)
{
    node = cf_yaml_deref(node);
    if (node == NULL)
        return CF_CONFIG_NULL;
    if (node->type == YN_SEQ)
        return CF_CONFIG_SEQ;
    if (node->type == YN_MAP)
        return CF_CONFIG_MAP;
    return is_null_scalar(node) ? CF_CONFIG_NULL : CF_CONFIG_SCALAR;
}

const char *cf_config_node_text(const struct cf_config_node *node, size_t *len)
{
    node = cf_yaml_deref(node);
    if (node == NULL || node->type != YN_SCALAR)
        return NULL;
    if (len)
        *len = node->len;
    return node->text;
}

bool cf_config_node_is_plain(const struct cf_config_node *node)
{
    node = cf_yaml_deref(node);
    return node && node->type == YN_SCALAR && node->plain;
}

const char *cf_config_node_tag(const struct cf_config_node *node)
{
    node = cf_yaml_deref(node);
    return node ? node->tag : NULL;
}

size_t cf_config_node_len(const struct cf_config_node *node)
{
    node = cf_yaml_deref(node);
    return node && (node->type == YN_SEQ || node->type == YN_MAP) ? node->n : 0;
}

const struct cf_config_node *cf_config_node_item(const struct cf_config_node *node, size_t i)
{
    node = cf_yaml_deref(node);
    return node && node->type == YN_SEQ && i < node->n ? cf_yaml_deref(node->kids[i]) : NULL;
}

const struct cf_config_node *cf_config_node_key(const struct cf_config_node *node, size_t i)
{
    node = cf_yaml_deref(node);
    return node && node->type == YN_MAP && i < node->n ? cf_yaml_deref(node->kids[2 * i])
                                                       : NULL;
}

const struct cf_config_node *cf_config_node_value(const struct cf_config_node *node, size_t i)
{
    node = cf_yaml_deref(node);
    return node && node->type == YN_MAP && i < node->n ? cf_yaml_deref(node->kids[2 * i + 1])
                                                       : NULL;
}

size_t cf_config_node_line(const struct cf_config_node *node)
{
    return node && node->start != YN_NO_POS ? node->line + 1 : 0;
}
