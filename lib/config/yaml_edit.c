/*
 * yaml_edit.c: edit one value in place and write the document back.
 *
 * Why splice text instead of emitting the tree: Chia's users keep comments in config.yaml, and
 * an emitter (libyaml's or PyYAML's) would drop every comment and reformat every line. Here an
 * edit records a patch: a byte range of the source holding one mapping entry's old value (or,
 * for a new entry, a point before the mapping's first key) and how to render the new value.
 * Rendering copies the source around the patches untouched, so every other key, anchor, alias
 * and comment is kept byte for byte.
 *
 *   ...harvester:\n  plot_directories:[ old value ]\n  recursive_plot_scan: false...
 *                                    ^ start       ^ end (trailing blanks excluded)
 *
 * The new sequence is rendered in block style ("\n<indent>- item") when the mapping is in block
 * style, except when the old value was a non-empty flow list ("[a, b]"), which stays flow. An
 * unchanged item keeps its source text (and trailing comment) when it sat on one line in the
 * same (block or flow) context and is not a literal/folded scalar or an unbracketed pair; other
 * items, and new ones, are written double-quoted, which YAML reads back as exactly that string
 * (plain when the text is a plain ASCII word that reads back as itself, so `yes` stays a bool).
 */
#include "yaml_doc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfarm/buf.h"

/* Strict UTF-8 (no overlong forms, surrogates or values past U+10FFFF), as libyaml wants. */
static bool valid_utf8(const unsigned char *s)
{
    while (*s) {
        int n = *s < 0x80 ? 0 : (*s & 0xE0) == 0xC0 ? 1 : (*s & 0xF0) == 0xE0 ? 2
              : (*s & 0xF8) == 0xF0 ? 3 : -1;
        unsigned long cp = n == 0 ? *s : n == 1 ? *s & 0x1Fu : n == 2 ? *s & 0x0Fu : *s & 0x07u;
        static const unsigned long min[4] = {0, 0x80, 0x800, 0x10000};

        if (n < 0)
            return false;
        for (int i = 1; i <= n; i++) {
            if ((s[i] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (s[i] & 0x3Fu);
        }
        if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        s += n + 1;
    }
    return true;
}

static bool plain_safe(const struct cf_config_node *it);

/* ---- Finding the entry to edit ------------------------------------------------------------ */

/* The mapping holding path's last key, reached without passing through an alias or merge. */
static enum cf_err edit_parent(struct cf_config *doc, const char *path,
                               struct cf_config_node **map, const char **last)
{
    struct cf_config_node *n = doc->root;
    const char *seg = path, *dot;

    while ((dot = strchr(seg, '.')) != NULL) {
        size_t e;

        if (n->type != YN_MAP || !cf_yaml_map_entry(n, seg, (size_t)(dot - seg), &e))
            return cf_err_set(CF_ERR_CONFIG, "%s: no mapping '%.*s' in this file to edit", path,
                              (int)(dot - path), path);
        n = n->kids[2 * e + 1];
        if (n->type == YN_ALIAS)
            return cf_err_set(CF_ERR_UNSUPPORTED, "%s: %.*s is an alias (*%s); editing it "
                              "would change every place sharing the anchor", path,
                              (int)(dot - path), path, n->text);
        seg = dot + 1;
    }
    if (n->type != YN_MAP)
        return cf_err_set(CF_ERR_CONFIG, "%s: '%.*s' is not a mapping in this file", path,
                          seg > path ? (int)(seg - path - 1) : 0, path);
    *map = n;
    *last = seg;
    return CF_OK;
}

static size_t byte_end(const struct cf_config *doc, const struct cf_config_node *n)
{
    size_t b;

    if (n->type != YN_SCALAR && n->type != YN_ALIAS && !n->flow && n->n > 0)
        return byte_end(doc, n->kids[n->type == YN_MAP ? 2 * n->n - 1 : n->n - 1]);
    b = cf_yaml_byte(doc, n->end);
    while (b > 0 && strchr(" \t\r\n", doc->text[b - 1]))
        b--;
    return b;
}

/* b, or the end of a "  # comment" that follows b on its line. */
static size_t past_comment(const struct cf_config *doc, size_t b)
{
    size_t i = b;

    while (i < doc->len && (doc->text[i] == ' ' || doc->text[i] == '\t'))
        i++;
    if (i >= doc->len || doc->text[i] != '#' || i == b)
        return b;
    while (i < doc->len && doc->text[i] != '\n' && doc->text[i] != '\r')
        i++;
    return i;
}

/* Only blanks, line breaks and comments between a and b. */
static bool only_blank(const char *s, size_t a, size_t b)
{
    bool comment = false;

    for (size_t i = a; i < b; i++) {
        if (s[i] == '\n' || s[i] == '\r')
            comment = false;
        else if (s[i] == '#')
            comment = true;
        else if (!comment && s[i] != ' ' && s[i] != '\t')
            return false;
    }
    return true;
}

/* Patch replacing the value of an existing entry. */
static enum cf_err plan_replace(struct cf_config *doc, struct cf_config_node *map, size_t e,
                                const char *path, struct yn_patch *p)
{
    const struct cf_config_node *k = map->kids[2 * e], *v = map->kids[2 * e + 1];
    size_t colon = cf_yaml_byte(doc, k->end);

    while (colon < doc->len && (doc->text[colon] == ' ' || doc->text[colon] == '\t'))
        colon++;
    if (k->start == YN_NO_POS || colon >= doc->len || doc->text[colon] != ':')
        return cf_err_set(CF_ERR_UNSUPPORTED, "%s: key written in a form cfarm cannot edit in "
                          "place", path);
    p->start = colon + 1;
    /* In a flow mapping `{k: # c\n [..]}` the comment cannot stay: what follows would join it. */
    p->lead_end = map->flow ? p->start : past_comment(doc, p->start);
    p->end = p->lead_end;
    if (!(v->type == YN_SCALAR && v->len == 0 && v->plain && !v->bang && !v->anchor)) {
        size_t vs = cf_yaml_byte(doc, v->start);

        if (vs < p->start || !only_blank(doc->text, p->start, vs))
            return cf_err_set(CF_ERR_UNSUPPORTED, "%s: value written in a form cfarm cannot "
                              "edit in place", path);
        p->end = byte_end(doc, v);
        /* A block list's items carry their comments along (the last one's is in range). */
        if (v->type == YN_SEQ && !v->flow)
            p->end = past_comment(doc, p->end);
    }
    p->anchor = v->anchor;
    p->src_flow = v->type == YN_SEQ && v->flow;
    p->block = !map->flow && !(v->type == YN_SEQ && v->flow && v->n > 0);
    p->indent = k->col + 2;
    if (v->type == YN_SEQ && !v->flow && !v->anchor && !v->tag)
        p->indent = v->col;
    return CF_OK;
}

/* Patch adding a new entry before the mapping's first key (or inside an empty "{}"). */
static enum cf_err plan_insert(struct cf_config *doc, struct cf_config_node *map,
                               const char *path, struct yn_patch *p)
{
    p->insert = true;
    p->block = !map->flow;
    if (map->n == 0) {
        size_t b = map->start == YN_NO_POS ? 0 : byte_end(doc, map);

        if (!map->flow || b == 0 || doc->text[b - 1] != '}')
            goto unsupported;
        p->start = p->end = p->lead_end = b - 1;
        return CF_OK;
    }
    {
        const struct cf_config_node *fk = map->kids[0];
        size_t b = fk->start == YN_NO_POS ? 0 : cf_yaml_byte(doc, fk->start), line = b;

        /* A collection as key (`?` then a mapping) would swallow the inserted line, and an
         * empty key has no position of its own. */
        if (fk->start == YN_NO_POS || (fk->type != YN_SCALAR && fk->type != YN_ALIAS) ||
            fk->start == fk->end)
            goto unsupported;
        while (line > 0 && doc->text[line - 1] != '\n')
            line--;
        if (!map->flow && strspn(doc->text + line, " -") < b - line)
            goto unsupported;
        /* An explicit key (`?`, maybe lines above the key itself) cannot take a line before it. */
        if (map->start == YN_NO_POS || cf_yaml_byte(doc, map->start) > b ||
            memchr(doc->text + cf_yaml_byte(doc, map->start), '?',
                   b - cf_yaml_byte(doc, map->start)))
            goto unsupported;
        p->start = p->end = p->lead_end = b;
        p->indent = fk->col + 2;
        p->suffix = map->flow ? YN_SUFFIX_COMMA : YN_SUFFIX_LINE;
        p->suffix_col = fk->col;
    }
    return CF_OK;
unsupported:
    return cf_err_set(CF_ERR_UNSUPPORTED, "%s: mapping written in a form cfarm cannot extend "
                      "in place", path);
}

static struct cf_config_node *new_scalar(struct cf_config *doc, const char *text, size_t len)
{
    struct cf_config_node *n = cf_yaml_new_node(doc, YN_SCALAR);

    if (n == NULL || (n->text = malloc(len + 1)) == NULL)
        return NULL;
    memcpy(n->text, text, len);
    n->text[len] = '\0';
    n->len = len;
    return n;
}

/* A fresh sequence holding the old value's items: its own nodes, or copies from an alias. */
static enum cf_err fresh_seq(struct cf_config *doc, const struct cf_config_node *old,
                             const char *path, struct cf_config_node **out)
{
    struct cf_config_node *s = cf_yaml_new_node(doc, YN_SEQ);
    const struct cf_config_node *src = cf_yaml_deref(old);

    if (s == NULL)
        return CF_ERR_NOMEM;
    if (src && cf_config_node_kind(src) == CF_CONFIG_NULL)
        src = NULL;
    if (src && src->type != YN_SEQ)
        return cf_err_set(CF_ERR_CONFIG, "%s: expected a list, found %s", path,
                          src->type == YN_MAP ? "a mapping" : "a scalar");
    for (size_t i = 0; src && i < src->n; i++) {
        struct cf_config_node *it = src->kids[i];

        if (old->type == YN_ALIAS) {
            const struct cf_config_node *t = cf_yaml_deref(it);

            if (t->type != YN_SCALAR)
                return cf_err_set(CF_ERR_UNSUPPORTED, "%s: shared list holds a collection",
                                  path);
            it = new_scalar(doc, t->text, t->len);
            if (it == NULL)
                return CF_ERR_NOMEM;
            it->plain = t->plain;
        }
        if (cf_yaml_add_kid(s, it) != CF_OK)
            return CF_ERR_NOMEM;
    }
    *out = s;
    return CF_OK;
}

/* ---- Anchors an edit would drop -------------------------------------------------------- */

static void set_marks(struct cf_config_node *n, bool on)
{
    n->mark = on;
    if (n->type == YN_SEQ || n->type == YN_MAP)
        for (size_t i = 0; i < (n->type == YN_MAP ? 2 * n->n : n->n); i++)
            set_marks(n->kids[i], on);
}

/* An alias in the live tree, outside the marked nodes, whose anchor is marked. */
static bool marked_anchor_used(const struct cf_config_node *n)
{
    if (n->mark)
        return false;
    if (n->type == YN_ALIAS)
        return n->target->mark;
    if (n->type == YN_SEQ || n->type == YN_MAP)
        for (size_t i = 0; i < (n->type == YN_MAP ? 2 * n->n : n->n); i++)
            if (marked_anchor_used(n->kids[i]))
                return true;
    return false;
}

/* Dropping `gone` (keeping its own anchor when keep_top) would leave an alias dangling. */
static enum cf_err check_drop(struct cf_config *doc, struct cf_config_node *gone, bool keep_top,
                              const char *path)
{
    bool used;

    if (gone == NULL || gone->type == YN_ALIAS)
        return CF_OK;
    set_marks(gone, true);
    if (keep_top)
        gone->mark = false;
    used = marked_anchor_used(doc->root);
    set_marks(gone, false);
    return used ? cf_err_set(CF_ERR_UNSUPPORTED, "%s: the value removed holds an anchor that "
                             "an alias elsewhere uses", path)
                : CF_OK;
}

/* An edit under way: the entry it targets and, until committed, its planned patch. */
struct edit {
    struct cf_config_node *map;
    const char *last;     /* the key (path's last segment) */
    size_t entry;
    bool exists;          /* the key is in the map (else it is inserted) */
    bool patched;         /* an earlier edit already patched this entry */
    struct yn_patch p;
};

static enum cf_err edit_begin(struct cf_config *doc, const char *path, struct edit *ed)
{
    enum cf_err err;

    memset(ed, 0, sizeof *ed);
    cf_err_clear();
    err = edit_parent(doc, path, &ed->map, &ed->last);
    if (err)
        return err;
    ed->exists = cf_yaml_map_entry(ed->map, ed->last, strlen(ed->last), &ed->entry);
    if (!ed->exists)
        return plan_insert(doc, ed->map, path, &ed->p);
    for (size_t i = 0; i < doc->n_patches; i++)
        if (doc->patches[i].map == ed->map && doc->patches[i].entry == ed->entry) {
            ed->patched = true;
            return CF_OK;
        }
    return plan_replace(doc, ed->map, ed->entry, path, &ed->p);
}

static struct cf_config_node *edit_old(const struct edit *ed)
{
    return ed->exists ? ed->map->kids[2 * ed->entry + 1] : NULL;
}

/* Install value as the entry's new value and record the patch. */
static enum cf_err edit_commit(struct cf_config *doc, struct edit *ed,
                               struct cf_config_node *value)
{
    struct yn_patch *np;
    struct cf_config_node *key;
    size_t n = ed->map->n;
    enum cf_err err;

    if (ed->exists) {
        struct cf_config_node *old = ed->map->kids[2 * ed->entry + 1];

        /* The new value takes the old one's anchor (rendered from the patch), so the aliases
         * of that anchor now mean the new value, in memory as in the text written. */
        if (old->anchor && old->type != YN_ALIAS) {
            if (value->anchor == NULL && (value->anchor = strdup(old->anchor)) == NULL)
                return CF_ERR_NOMEM;
            for (size_t i = 0; i < doc->n_nodes; i++)
                if (doc->nodes[i]->type == YN_ALIAS && doc->nodes[i]->target == old)
                    doc->nodes[i]->target = value;
        }
        ed->map->kids[2 * ed->entry + 1] = value;
        if (ed->patched)
            return CF_OK;
    }
    np = realloc(doc->patches, (doc->n_patches + 1) * sizeof *np);
    if (np == NULL)
        return CF_ERR_NOMEM;
    doc->patches = np;
    if (!ed->exists) {
        key = new_scalar(doc, ed->last, strlen(ed->last));
        if (key == NULL)
            return CF_ERR_NOMEM;
        /* Entries are stored flat: count kids while adding two, then count one entry. */
        ed->map->n = 2 * n;
        err = cf_yaml_add_kid(ed->map, key);
        if (err == CF_OK)
            err = cf_yaml_add_kid(ed->map, value);
        ed->map->n = err == CF_OK ? n + 1 : n;
        if (err)
            return err;
        ed->entry = n;
    }
    ed->p.map = ed->map;
    ed->p.entry = ed->entry;
    doc->patches[doc->n_patches++] = ed->p;
    return CF_OK;
}

/* The sequence at path, made editable: one an earlier edit made, or a fresh one. */
static enum cf_err editable_seq(struct cf_config *doc, const char *path,
                                struct cf_config_node **out)
{
    struct cf_config_node *old, *seq = NULL;
    struct edit ed;
    enum cf_err err = edit_begin(doc, path, &ed);

    if (err)
        return err;
    old = edit_old(&ed);
    if (ed.patched && old->type == YN_SEQ) {
        *out = old;
        return CF_OK;
    }
    err = fresh_seq(doc, old, path, &seq);
    if (err == CF_OK)
        err = edit_commit(doc, &ed, seq);
    if (err == CF_OK)
        *out = seq;
    return err;
}

static enum cf_err set_scalar(struct cf_config *doc, const char *path, const char *value,
                              bool plain)
{
    struct cf_config_node *n;
    struct edit ed;
    enum cf_err err;

    if (doc == NULL || path == NULL || value == NULL)
        return CF_ERR_INVAL;
    if (!valid_utf8((const unsigned char *)value))
        return cf_err_set(CF_ERR_BAD_UTF8, "%s: value is not UTF-8", path);
    err = edit_begin(doc, path, &ed);
    if (err == CF_OK)
        err = check_drop(doc, edit_old(&ed), true, path);
    if (err)
        return err;
    n = new_scalar(doc, value, strlen(value));
    if (n == NULL)
        return CF_ERR_NOMEM;
    n->plain = plain;
    if (plain && !plain_safe(n))
        return cf_err_set(CF_ERR_INVAL, "%s: '%.40s' cannot be written as a plain scalar",
                          path, value);
    return edit_commit(doc, &ed, n);
}

enum cf_err cf_config_set_str(struct cf_config *doc, const char *path, const char *value)
{
    return set_scalar(doc, path, value, false);
}

enum cf_err cf_config_set_plain(struct cf_config *doc, const char *path, const char *value)
{
    return set_scalar(doc, path, value, true);
}

enum cf_err cf_config_seq_append_str(struct cf_config *doc, const char *path, const char *value)
{
    struct cf_config_node *seq, *item;
    enum cf_err err;

    if (doc == NULL || path == NULL || value == NULL)
        return CF_ERR_INVAL;
    if (!valid_utf8((const unsigned char *)value))
        return cf_err_set(CF_ERR_BAD_UTF8, "%s: value is not UTF-8", path);
    err = editable_seq(doc, path, &seq);
    if (err)
        return err;
    item = new_scalar(doc, value, strlen(value));
    if (item == NULL)
        return CF_ERR_NOMEM;
    return cf_yaml_add_kid(seq, item);
}

enum cf_err cf_config_seq_remove(struct cf_config *doc, const char *path, size_t index)
{
    struct cf_config_node *seq, *old;
    struct edit ed;
    enum cf_err err;

    if (doc == NULL || path == NULL)
        return CF_ERR_INVAL;
    /* Refuse before changing anything: an item holding a used anchor cannot go. */
    err = edit_begin(doc, path, &ed);
    old = err == CF_OK ? edit_old(&ed) : NULL;
    if (err == CF_OK && index >= cf_config_node_len(old))
        return cf_err_set(CF_ERR_NOT_FOUND, "%s: no item %zu", path, index);
    if (err == CF_OK && old->type == YN_SEQ)
        err = check_drop(doc, old->kids[index], false, path);
    if (err == CF_OK)
        err = editable_seq(doc, path, &seq);
    if (err)
        return err;
    if (index >= seq->n)
        return cf_err_set(CF_ERR_NOT_FOUND, "%s: no item %zu", path, index);
    memmove(seq->kids + index, seq->kids + index + 1, (seq->n - index - 1) * sizeof *seq->kids);
    seq->n--;
    return CF_OK;
}

/* ---- Rendering ------------------------------------------------------------------------------ */

static enum cf_err put_quoted(struct cf_buf *b, const char *s, size_t len)
{
    enum cf_err err = cf_buf_putc(b, '"');

    for (size_t i = 0; err == CF_OK && i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '"' || c == '\\')
            err = cf_buf_printf(b, "\\%c", c);
        else if (c < 0x20 || c == 0x7F)
            err = cf_buf_printf(b, "\\x%02X", c);
        else if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] < 0xA0)
            /* C1 controls are refused raw, and U+0085 would read as a line break */
            err = cf_buf_printf(b, "\\x%02X", (unsigned char)s[++i]);
        else if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
                 ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
            err = cf_buf_printf(b, "\\u%04X", 0x2000u | ((unsigned char)s[i + 2] & 0x3Fu));
            i += 2; /* U+2028, U+2029: line breaks to YAML 1.1 */
        }
        else if (c == 0xEF && i + 2 < len && (unsigned char)s[i + 1] == 0xBF &&
                 (unsigned char)s[i + 2] >= 0xBE) { /* U+FFFE, U+FFFF: likewise */
            err = cf_buf_printf(b, "\\u%04X", 0xFFC0u | ((unsigned char)s[i + 2] & 0x3Fu));
            i += 2;
        }
        else
            err = cf_buf_putc(b, c);
    }
    return err ? err : cf_buf_putc(b, '"');
}

/* A plain scalar that reads back the same, as the same type, in block and flow context. */
static bool plain_safe(const struct cf_config_node *it)
{
    const char *t = it->text;

    if (it->len == 0 || strlen(t) != it->len || strchr("!&*?|>%@`\"'#,[]{} \t", t[0]) ||
        (t[0] == '-' && (it->len == 1 || t[1] == ' ')))
        return false;
    for (size_t i = 0; i < it->len; i++)
        if ((unsigned char)t[i] < 0x20 || (unsigned char)t[i] > 0x7E)
            return false; /* ASCII only: no tab, no U+0085 or U+2028 line breaks */
    return strcspn(t, ",[]{}#:\"'") == it->len && t[it->len - 1] != ' ';
}

/* One item: its own source text when it sat on one line in the same context, else rendered. */
static enum cf_err put_item(struct cf_buf *b, const struct cf_config *doc,
                            const struct cf_config_node *it, bool flow, bool src_flow)
{
    enum cf_err err = CF_OK;

    if (it->start != YN_NO_POS && it->type != YN_ALIAS && flow == src_flow) {
        size_t s = cf_yaml_byte(doc, it->start), e = byte_end(doc, it);
        /* A collection is copied only when bracketed: `[a: ]` holds an implicit mapping
         * whose text cannot be moved. */
        bool whole = (it->type == YN_SCALAR && !it->block_scalar) ||
                     (it->flow && e > s && (doc->text[e - 1] == ']' || doc->text[e - 1] == '}'));

        if (whole && e > s && !memchr(doc->text + s, '\n', e - s)) {
            err = cf_buf_append(b, doc->text + s, (flow ? e : past_comment(doc, e)) - s);
            /* `[!tag]` does not scan: an empty value's tag or anchor ends with a blank. */
            if (err == CF_OK && flow && it->type == YN_SCALAR && it->len == 0)
                err = cf_buf_putc(b, ' ');
            return err;
        }
    }
    if (it->type == YN_ALIAS)
        return cf_buf_printf(b, "*%s", it->text);
    if (it->type != YN_SCALAR)
        return cf_err_set(CF_ERR_UNSUPPORTED, "list item on line %zu is a collection cfarm "
                          "cannot rewrite", it->line + 1);
    if (it->anchor)
        err = cf_buf_printf(b, "&%s ", it->anchor);
    if (err == CF_OK && it->bang)
        err = cf_buf_append(b, "! ", 2);
    if (err == CF_OK && it->tag)
        err = cf_buf_printf(b, "!<%s> ", it->tag);
    if (err == CF_OK && it->plain && it->len == 0)
        err = cf_buf_putc(b, '~'); /* an empty plain item is null; "" would be a string */
    else if (err == CF_OK && it->plain && plain_safe(it))
        err = cf_buf_append(b, it->text, it->len); /* keeps its YAML type (bool, int...) */
    else if (err == CF_OK)
        err = put_quoted(b, it->text, it->len);
    return err;
}

static enum cf_err put_patch(struct cf_buf *b, const struct cf_config *doc,
                             const struct yn_patch *p)
{
    const struct cf_config_node *key = p->map->kids[2 * p->entry];
    const struct cf_config_node *seq = p->map->kids[2 * p->entry + 1];
    bool scalar = seq->type == YN_SCALAR;
    bool block = p->block && !scalar && seq->n > 0;
    enum cf_err err = CF_OK;

    if (p->insert) {
        bool simple = strspn(key->text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789_") == key->len && key->len > 0;

        err = simple ? cf_buf_append(b, key->text, key->len) : put_quoted(b, key->text, key->len);
        if (err == CF_OK)
            err = cf_buf_putc(b, ':');
    }
    if (err == CF_OK && p->anchor)
        err = cf_buf_printf(b, " &%s", p->anchor);
    /* The comment after the key stays on the key's line: before block items, after [..]. */
    if (err == CF_OK && block)
        err = cf_buf_append(b, doc->text + p->start, p->lead_end - p->start);
    if (err == CF_OK && scalar) {
        err = cf_buf_putc(b, ' ');
        if (err == CF_OK)
            err = seq->plain ? cf_buf_append(b, seq->text, seq->len)
                             : put_quoted(b, seq->text, seq->len);
    }
    if (err == CF_OK && !block && !scalar)
        err = cf_buf_append(b, " [", 2);
    for (size_t i = 0; err == CF_OK && !scalar && i < seq->n; i++) {
        if (block)
            err = cf_buf_printf(b, "\n%*s- ", (int)p->indent, "");
        else if (i > 0)
            err = cf_buf_append(b, ", ", 2);
        if (err == CF_OK)
            err = put_item(b, doc, seq->kids[i], !block, p->src_flow);
    }
    if (err == CF_OK && !block && !scalar)
        err = cf_buf_putc(b, ']');
    if (err == CF_OK && !block)
        err = cf_buf_append(b, doc->text + p->start, p->lead_end - p->start);
    /* Text glued to the old value (`"x"#c`) must not glue to the new one (`-7#c`). */
    if (err == CF_OK && !p->insert && p->end < doc->len &&
        !strchr(" \t\r\n,]}", doc->text[p->end]))
        err = cf_buf_putc(b, ' ');
    if (err == CF_OK && p->insert)
        err = p->suffix == YN_SUFFIX_COMMA ? cf_buf_append(b, ", ", 2)
            : p->suffix == YN_SUFFIX_LINE  ? cf_buf_printf(b, "\n%*s", (int)p->suffix_col, "")
                                           : CF_OK;
    return err;
}

static int patch_cmp(const void *a, const void *b)
{
    const struct yn_patch *x = *(const struct yn_patch *const *)a;
    const struct yn_patch *y = *(const struct yn_patch *const *)b;

    return x->start < y->start ? -1 : x->start > y->start;
}

enum cf_err cf_config_render(const struct cf_config *doc, char **text, size_t *len)
{
    struct cf_buf b;
    const struct yn_patch **order;
    size_t at = 0;
    enum cf_err err = CF_OK;

    if (doc == NULL || text == NULL)
        return CF_ERR_INVAL;
    order = malloc((doc->n_patches + 1) * sizeof *order);
    if (order == NULL)
        return CF_ERR_NOMEM;
    for (size_t i = 0; i < doc->n_patches; i++)
        order[i] = &doc->patches[i];
    qsort(order, doc->n_patches, sizeof *order, patch_cmp);
    cf_buf_init(&b, 2 * CF_CONFIG_MAX_BYTES);
    for (size_t i = 0; err == CF_OK && i < doc->n_patches; i++) {
        if (order[i]->start < at) {
            err = cf_err_set(CF_ERR_UNSUPPORTED, "overlapping edits");
            break;
        }
        err = cf_buf_append(&b, doc->text + at, order[i]->start - at);
        if (err == CF_OK)
            err = put_patch(&b, doc, order[i]);
        at = order[i]->end;
    }
    if (err == CF_OK)
        err = cf_buf_append(&b, doc->text + at, doc->len - at);
    if (err == CF_OK)
        err = cf_buf_terminate(&b);
    free(order);
    if (err) {
        cf_buf_free(&b);
        return err;
    }
    *text = (char *)cf_buf_take(&b, len ? len : &at);
    return CF_OK;
}

/* ---- Saving and locking --------------------------------------------------------------------- */

static enum cf_err write_all(int fd, const char *p, size_t n, const char *path)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return cf_err_set(CF_ERR_IO, "%s: write failed: %s", path, strerror(errno));
        p += w;
        n -= (size_t)w;
    }
    return CF_OK;
}

/* Write text to a temporary file next to path, then rename it over path. */
static enum cf_err save_text(const char *path, const char *text, size_t len, bool replace)
{
    struct stat st;
    mode_t mode = 0644;
    size_t plen = strlen(path);
    char *tmp = malloc(plen + sizeof ".tmp-XXXXXX"), *slash;
    enum cf_err err = CF_OK;
    int fd, dfd;

    if (tmp == NULL)
        return CF_ERR_NOMEM;
    if (stat(path, &st) == 0)
        mode = st.st_mode & 07777;
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp-XXXXXX", sizeof ".tmp-XXXXXX");
    fd = mkstemp(tmp);
    if (fd < 0) {
        err = cf_err_set(CF_ERR_IO, "%s: cannot create a temporary file: %s", path,
                         strerror(errno));
        goto out;
    }
    if (fchmod(fd, mode) != 0)
        err = cf_err_set(CF_ERR_IO, "%s: chmod: %s", tmp, strerror(errno));
    if (err == CF_OK)
        err = write_all(fd, text, len, tmp);
    if (err == CF_OK && fsync(fd) != 0)
        err = cf_err_set(CF_ERR_IO, "%s: fsync: %s", tmp, strerror(errno));
    if (close(fd) != 0 && err == CF_OK)
        err = cf_err_set(CF_ERR_IO, "%s: close: %s", tmp, strerror(errno));
    if (err == CF_OK && replace && rename(tmp, path) != 0)
        err = cf_err_set(CF_ERR_IO, "%s: rename: %s", path, strerror(errno));
    /* Never overwrite: link() fails with EEXIST when path appeared meanwhile. */
    if (err == CF_OK && !replace && link(tmp, path) != 0)
        err = cf_err_set(errno == EEXIST ? CF_ERR_EXISTS : CF_ERR_IO, "%s: %s", path,
                         strerror(errno));
    if (err || !replace)
        unlink(tmp);
    if (err == CF_OK) {
        slash = strrchr(tmp, '/');
        if (slash)
            *slash = '\0';
        dfd = open(slash ? (slash == tmp ? "/" : tmp) : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
out:
    free(tmp);
    return err;
}

enum cf_err cf_yaml_save_text(const char *path, const char *text, size_t len, bool replace);

enum cf_err cf_yaml_save_text(const char *path, const char *text, size_t len, bool replace)
{
    return save_text(path, text, len, replace);
}

enum cf_err cf_config_save(const struct cf_config *doc, const char *path)
{
    char *text;
    size_t len;
    enum cf_err err;

    if (doc == NULL || path == NULL)
        return CF_ERR_INVAL;
    err = cf_config_render(doc, &text, &len);
    if (err)
        return err;
    err = save_text(path, text, len, true);
    free(text);
    return err;
}

enum cf_err cf_config_lock(const char *path, int *fd)
{
    size_t n = strlen(path) + sizeof ".lock";
    char *lock = malloc(n);
    enum cf_err err = CF_OK;
    int f;

    if (lock == NULL)
        return CF_ERR_NOMEM;
    snprintf(lock, n, "%s.lock", path);
    f = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (f < 0) {
        err = cf_err_set(CF_ERR_IO, "%s: %s", lock, strerror(errno));
        goto out;
    }
    while (flock(f, LOCK_EX) != 0) {
        if (errno != EINTR) {
            err = cf_err_set(CF_ERR_IO, "%s: flock: %s", lock, strerror(errno));
            close(f);
            goto out;
        }
    }
    *fd = f;
out:
    free(lock);
    return err;
}

void cf_config_unlock(int fd)
{
    if (fd >= 0) {
        flock(fd, LOCK_UN);
        close(fd);
    }
}
