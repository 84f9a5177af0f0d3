/*
 * vec_protocol.c: the protocol vector suite.
 *
 * Under DIR/protocol (and its subfolders) it runs:
 *   - every blob of length-prefixed records that has an index (a JSON file with "entries") and
 *     a name -> fields JSON map beside it (upstream: protocol_messages_bytes-v1.0, index.json,
 *     protocol_messages.json): each record of the harvester, farmer, shared and solver groups
 *     is decoded with the layout of the blob's release (from the index's source: main = 0.0.38,
 *     a tag = the version that release spoke), compared field by field with its JSON object,
 *     re-encoded to the same bytes, and encoded from the JSON to the same bytes;
 *   - every `*.json` file whose root holds a "vectors" array of cases (payload_hex, fields,
 *     optional frame_hex): the same four checks per case, plus the Message frame both ways.
 * Files are found by folder and content, not by name, so another directory in the same schema
 * runs the same way.
 */
#include "test.h"

#include "cfarm/hex.h"
#include "cfarm/json.h"
#include "cfarm/proto.h"

#include <dirent.h>
#include <stdarg.h>

#define MAX_FILE ((size_t)64 << 20)

/* n bytes at a and b equal (either may be NULL when n is 0). */
static bool same(const void *a, const void *b, size_t n)
{
    return n == 0 || memcmp(a, b, n) == 0;
}

static unsigned long file_pass, file_fail;

static void fail(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(const char *what, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "    FAIL %s: ", what);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    file_fail++;
}

/* ---- JSON comparison: hex strings compare case-insensitively with or without 0x ---- */

static const char *strip0x(const char *s, size_t *len)
{
    if (*len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        *len -= 2;
        return s + 2;
    }
    return s;
}

static bool is_hexish(const struct cf_json *v)
{
    return v->len >= 2 && v->str[0] == '0' && (v->str[1] == 'x' || v->str[1] == 'X');
}

static bool json_eq(const struct cf_json *a, const struct cf_json *b, char *where, size_t wlen)
{
    if (a->type != b->type) {
        snprintf(where, wlen, "type differs");
        return false;
    }
    switch (a->type) {
    case CF_JSON_NUMBER:
        if (a->len != b->len || memcmp(a->str, b->str, a->len) != 0) {
            snprintf(where, wlen, "%.*s != %.*s", (int)a->len, a->str, (int)b->len, b->str);
            return false;
        }
        return true;
    case CF_JSON_STRING: {
        size_t la = a->len, lb = b->len;
        const char *sa = a->str, *sb = b->str;

        if (is_hexish(a) || is_hexish(b)) {
            sa = strip0x(sa, &la);
            sb = strip0x(sb, &lb);
            if (la == lb && strncasecmp(sa, sb, la) == 0)
                return true;
        } else if (la == lb && memcmp(sa, sb, la) == 0) {
            return true;
        }
        snprintf(where, wlen, "\"%.40s\" != \"%.40s\"", a->str, b->str);
        return false;
    }
    case CF_JSON_ARRAY: {
        const struct cf_json *x = a->child, *y = b->child;

        if (a->count != b->count) {
            snprintf(where, wlen, "array of %zu != %zu", a->count, b->count);
            return false;
        }
        for (; x && y; x = x->next, y = y->next)
            if (!json_eq(x, y, where, wlen))
                return false;
        return true;
    }
    case CF_JSON_OBJECT:
        if (a->count != b->count) {
            snprintf(where, wlen, "object of %zu keys != %zu", a->count, b->count);
            return false;
        }
        for (const struct cf_json *x = a->child; x; x = x->next) {
            const struct cf_json *y = cf_json_get(b, x->key);
            size_t k;

            if (y == NULL) {
                snprintf(where, wlen, "key %s missing", x->key);
                return false;
            }
            if (!json_eq(x, y, where, wlen)) {
                k = strlen(where);
                if (k + strlen(x->key) + 3 < wlen) {
                    memmove(where + strlen(x->key) + 2, where, k + 1);
                    memcpy(where, x->key, strlen(x->key));
                    memcpy(where + strlen(x->key), ": ", 2);
                }
                return false;
            }
        }
        return true;
    default:
        return true;
    }
}

/* ---- one entry: decode, compare, re-encode, encode from JSON ---- */

static void check_entry(const char *what, enum cf_proto_cls c, int ver, const uint8_t *p, size_t n,
                        const struct cf_json *fields)
{
    static uint8_t obj[8192], obj2[8192];
    struct cf_buf out, js;
    struct cf_jw w;
    struct cf_json_doc *doc = NULL;
    char where[200] = "";
    enum cf_err err;
    bool ok = true;

    cf_buf_init(&out, 0);
    cf_buf_init(&js, 0);
    err = cf_proto_decode(c, ver, p, n, obj);
    if (err != CF_OK) {
        fail(what, "decode as %s@0.0.%d: %s: %s", cf_proto_cls_chia_name(c), ver, cf_strerror(err),
             cf_err_detail());
        goto out;
    }
    cf_jw_init(&w, &js, 0);
    if (cf_proto_to_json(c, ver, obj, &w) != CF_OK ||
        cf_json_parse((const char *)js.data, js.len, &doc) != CF_OK) {
        fail(what, "JSON output unusable");
        ok = false;
    } else if (fields && !json_eq(cf_json_root(doc), fields, where, sizeof where)) {
        fail(what, "decoded fields differ: %s", where);
        ok = false;
    }
    if (cf_proto_encode(c, ver, obj, &out) != CF_OK || out.len != n || !same(out.data, p, n)) {
        fail(what, "re-encoding differs (%zu bytes, want %zu)", out.len, n);
        ok = false;
    }
    cf_proto_free(c, obj);
    if (fields) {
        out.len = 0;
        err = cf_proto_from_json(c, ver, fields, obj2);
        if (err != CF_OK) {
            fail(what, "from JSON: %s: %s", cf_strerror(err), cf_err_detail());
            ok = false;
        } else {
            if (cf_proto_encode(c, ver, obj2, &out) != CF_OK || out.len != n ||
                !same(out.data, p, n)) {
                fail(what, "encoding from JSON differs (%zu bytes, want %zu)", out.len, n);
                ok = false;
            }
            cf_proto_free(c, obj2);
        }
    }
    if (ok)
        file_pass++;
out:
    cf_json_free(doc);
    cf_buf_free(&out);
    cf_buf_free(&js);
}

/* ---- which layout a file or case uses ---- */

/* The harvester/farmer protocol version a Chia release spoke ("2.7.3" -> 37). */
static int version_of_release(const char *s)
{
    unsigned a, b, c;

    if (sscanf(s, "%u.%u.%u", &a, &b, &c) != 3)
        return 0;
    if (a > 2 || (a == 2 && (b > 5 || (b == 5 && c >= 5))))
        return 37;
    if (a == 2 && (b > 2 || (b == 2 && c >= 1)))
        return 36;
    if (a == 2)
        return 35;
    return 0;
}

static int version_of_source(const char *s)
{
    const char *tag;

    if (s == NULL)
        return 0;
    if (strstr(s, "(main)"))
        return CF_PROTO_LATEST;
    if ((tag = strstr(s, "tag ")) != NULL)
        return version_of_release(tag + 4);
    return version_of_release(s);
}

/* ---- blob files ---- */

static char *read_text(const char *path, size_t *len)
{
    char *text = NULL;

    if (cf_read_file(path, MAX_FILE, &text, len) != CF_OK)
        return NULL;
    return text;
}

/* A parsed file; numbers in the tree point into text, so both live together. */
struct jfile {
    char *text;
    struct cf_json_doc *doc;
};

static const struct cf_json *read_json(const char *path, struct jfile *f)
{
    size_t len;

    f->doc = NULL;
    f->text = read_text(path, &len);
    if (f->text && cf_json_parse(f->text, len, &f->doc) != CF_OK)
        f->doc = NULL;
    return f->doc ? cf_json_root(f->doc) : NULL;
}

static void jfile_free(struct jfile *f)
{
    cf_json_free(f->doc);
    free(f->text);
}

static bool relevant_group(const char *g)
{
    return g && (strcmp(g, "harvester") == 0 || strcmp(g, "farmer") == 0 ||
                 strcmp(g, "shared") == 0 || strcmp(g, "solver") == 0);
}

static void run_blob(const char *path, const char *shown, const struct cf_json *index,
                     const struct cf_json *msgs)
{
    const struct cf_json *entries, *src;
    uint8_t *blob = NULL;
    size_t blen;
    int ver;

    file_pass = file_fail = 0;
    blob = (uint8_t *)read_text(path, &blen);
    if (msgs == NULL || blob == NULL) {
        fail(shown, "needs the messages JSON (name -> fields) beside it");
        goto out;
    }
    src = cf_json_get(cf_json_get(index, "source"), "tag_or_describe");
    ver = version_of_source(cf_json_string(src));
    entries = cf_json_get(index, "entries");
    if (ver == 0 || entries == NULL) {
        fail(shown, "the index has no usable source/entries");
        goto out;
    }
    for (const struct cf_json *e = entries->child; e; e = e->next) {
        const char *name = cf_json_string(cf_json_get(e, "name"));
        const char *cls_name = cf_json_string(cf_json_get(e, "python_class"));
        uint64_t off = 0, size = 0;
        enum cf_proto_cls c;
        char what[1400];

        if (!relevant_group(cf_json_string(cf_json_get(e, "group"))))
            continue;
        snprintf(what, sizeof what, "%s %s", shown, name ? name : "?");
        if (cf_json_u64(cf_json_get(e, "payload_offset"), &off) != CF_OK ||
            cf_json_u64(cf_json_get(e, "payload_size"), &size) != CF_OK || off < 4 || off > blen ||
            size > blen - off ||
            ((uint64_t)blob[off - 4] << 24 | blob[off - 3] << 16 | blob[off - 2] << 8 |
             blob[off - 1]) != size) {
            fail(what, "offsets do not match the blob's length prefixes");
            continue;
        }
        if (cls_name == NULL || cf_proto_cls_by_name(cls_name, &c) != CF_OK) {
            fail(what, "class %s is not known to cfarm", cls_name ? cls_name : "?");
            continue;
        }
        check_entry(what, c, ver, blob + off, size, cf_json_get(msgs, name));
    }
out:
    vec_file_report(shown, file_pass, file_fail);
    free(blob);
}

/* ---- case files ---- */

static int case_version(const struct cf_json *v)
{
    const char *layout = cf_json_string(cf_json_get(v, "layout"));
    unsigned minor;

    if (layout && sscanf(layout, "0.0.%u", &minor) == 1)
        return minor > CF_PROTO_LATEST ? CF_PROTO_LATEST : (int)minor;
    minor = (unsigned)version_of_source(cf_json_string(cf_json_get(v, "source")));
    return minor ? (int)minor : CF_PROTO_LATEST;
}

static uint8_t *hex_field(const struct cf_json *v, const char *key, size_t *n)
{
    const char *hex = cf_json_string(cf_json_get(v, key));
    uint8_t *out;

    if (hex == NULL)
        return NULL;
    out = malloc(strlen(hex) / 2 + 1);
    if (out && cf_hex_decode(out, strlen(hex) / 2 + 1, n, hex, strlen(hex)) != CF_OK) {
        free(out);
        out = NULL;
    }
    return out;
}

static void check_frame(const char *what, enum cf_proto_cls c, int ver, const struct cf_json *v,
                        const uint8_t *payload, size_t plen)
{
    size_t n = 0;
    uint8_t *frame = hex_field(v, "frame_hex", &n);
    uint64_t type = 0;
    struct cf_proto_msg m;
    struct cf_buf out;
    static uint8_t obj[8192];

    if (frame == NULL)
        return;
    cf_buf_init(&out, 0);
    if (cf_json_u64(cf_json_get(v, "msg_type_id"), &type) != CF_OK ||
        cf_proto_msg_type_of(c) != (int)type) {
        fail(what, "message type of %s is not %d", cf_proto_cls_chia_name(c),
             cf_proto_msg_type_of(c));
    } else if (cf_proto_msg_parse(frame, n, &m) != CF_OK || m.type != type || m.has_id ||
               m.len != plen || !same(m.data, payload, plen)) {
        fail(what, "frame does not parse to (type %u, no id, payload)", (unsigned)type);
    } else if (cf_proto_decode(c, ver, m.data, m.len, obj) != CF_OK) {
        fail(what, "frame body does not decode: %s", cf_err_detail());
    } else {
        if (cf_proto_msg_encode(&out, (uint8_t)type, false, 0, c, ver, obj) != CF_OK ||
            out.len != n || !same(out.data, frame, n))
            fail(what, "frame re-encoding differs");
        else
            file_pass++;
        cf_proto_free(c, obj);
    }
    cf_buf_free(&out);
    free(frame);
}

static void run_cases(const char *path, const char *shown, const struct cf_json *vectors)
{
    (void)path;
    file_pass = file_fail = 0;
    for (const struct cf_json *v = vectors->child; v; v = v->next) {
        const char *name = cf_json_string(cf_json_get(v, "name"));
        const char *cls_name = cf_json_string(cf_json_get(v, "class"));
        size_t n = 0;
        uint8_t *payload = hex_field(v, "payload_hex", &n);
        enum cf_proto_cls c;
        int ver = case_version(v);
        char what[1400];

        snprintf(what, sizeof what, "%s %s", shown, name ? name : "?");
        if (payload == NULL) {
            fail(what, "no payload_hex");
        } else if (cls_name == NULL || cf_proto_cls_by_name(cls_name, &c) != CF_OK) {
            fail(what, "class %s is not known to cfarm", cls_name ? cls_name : "?");
        } else {
            check_entry(what, c, ver, payload, n, cf_json_get(v, "fields"));
            check_frame(what, c, ver, v, payload, n);
        }
        free(payload);
    }
    vec_file_report(shown, file_pass, file_fail);
}

/* ---- discovery ---- */

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);

    return n >= k && strcmp(s + n - k, tail) == 0;
}

/*
 * One folder: JSON files are told apart by content (an "entries" array is a blob index, a
 * "vectors" array a case file, any other object the name -> fields map of the blob), and every
 * other file (not *.md) whose size is the index's total_bytes is a blob of records.
 */
static void scan(const char *dir, const char *rel, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char *names[256];
    size_t count = 0;
    struct jfile index = {NULL, NULL}, msgs = {NULL, NULL};
    const struct cf_json *idx = NULL, *map = NULL;
    uint64_t total = 0;

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL && count < 256)
        if (e->d_name[0] != '.')
            names[count++] = strdup(e->d_name);
    closedir(d);
    qsort(names, count, sizeof names[0], name_cmp);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < count; i++) {
            char path[4096], shown[1024];
            struct stat st;

            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            snprintf(shown, sizeof shown, "%s/%s", rel, names[i]);
            if (stat(path, &st) != 0)
                continue;
            if (pass == 0 && S_ISDIR(st.st_mode) && depth < 3) {
                scan(path, shown, depth + 1);
            } else if (pass == 0 && ends_with(names[i], ".json")) {
                struct jfile f;
                const struct cf_json *root = read_json(path, &f);
                const struct cf_json *vec = cf_json_get(root, "vectors");

                if (vec && vec->type == CF_JSON_ARRAY) {
                    run_cases(path, shown, vec);
                } else if (cf_json_get(root, "entries") && idx == NULL) {
                    index = f;
                    idx = root;
                    cf_json_u64(cf_json_get(idx, "total_bytes"), &total);
                    continue;
                } else if (root && root->type == CF_JSON_OBJECT && map == NULL) {
                    msgs = f;
                    map = root;
                    continue;
                }
                jfile_free(&f);
            } else if (pass == 1 && S_ISREG(st.st_mode) && idx && !ends_with(names[i], ".json") &&
                       !ends_with(names[i], ".md") && (uint64_t)st.st_size == total) {
                run_blob(path, shown, idx, map);
            }
        }
    }
    jfile_free(&index);
    jfile_free(&msgs);
    for (size_t i = 0; i < count; i++)
        free(names[i]);
}

int main(int argc, char **argv)
{
    char dir[4096];

    if (argc < 2) {
        fprintf(stderr, "usage: vec_protocol VECTORS_DIR\n");
        return 2;
    }
    snprintf(dir, sizeof dir, "%s/protocol", argv[1]);
    scan(dir, "protocol", 0);
    return vec_suite_exit();
}
