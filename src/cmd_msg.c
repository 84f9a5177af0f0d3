/*
 * cmd_msg.c: `cfarm msg`, the protocol codec on the command line.
 *
 *   cfarm msg decode --type NAME [--version 0.0.3N] [--compact] HEX
 *   cfarm msg decode --frame [--type NAME] [--version 0.0.3N] [--compact] HEX
 *   cfarm msg encode --type NAME [--version 0.0.3N] JSON
 *   cfarm msg encode --frame [--type NAME] [--version 0.0.3N] JSON
 *   cfarm msg list
 *
 * NAME is a class or message name in snake_case (plot_sync_start, new_signage_point_harvester2,
 * plot, handshake ...). HEX or JSON given as "-" is read from standard input. A frame's JSON is
 * {"type": N or "name", "id": N or null, "data": {...body...}}; without --type the body class
 * follows from the type and the version. Output is built completely before anything is printed,
 * so a failure prints one line on stderr and nothing on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

#include "cfarm/hex.h"
#include "cfarm/json.h"
#include "cfarm/proto.h"

#define MSG_INPUT_MAX ((size_t)64 << 20)

struct msg_opts {
    const char *verb;
    const char *type;
    const char *version;
    const char *input;
    bool frame;
    bool compact;
};

static int usage(void)
{
    return cli_fail("usage: cfarm msg decode|encode [--frame] [--type NAME] [--version 0.0.35|"
                    "0.0.36|0.0.37|0.0.38] [--compact] HEX|JSON|-   (or: cfarm msg list)");
}

static int parse_args(int argc, char **argv, struct msg_opts *o)
{
    memset(o, 0, sizeof *o);
    if (argc < 2)
        return usage();
    o->verb = argv[1];
    for (int i = 2; i < argc; i++) {
        bool missing = false;

        if (cli_opt(argc, argv, &i, "--type", &o->type, &missing) ||
            cli_opt(argc, argv, &i, "--version", &o->version, &missing)) {
            if (missing)
                return cli_fail("msg: %s needs a value", argv[i]);
        } else if (strcmp(argv[i], "--frame") == 0) {
            o->frame = true;
        } else if (strcmp(argv[i], "--compact") == 0) {
            o->compact = true;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_fail("msg: unknown option '%s'", argv[i]);
        } else if (o->input == NULL) {
            o->input = argv[i];
        } else {
            return cli_fail("msg: more than one input given");
        }
    }
    return 0;
}

/* The argument text, or all of standard input for "-"; heap copy in *out. */
static int read_input(const char *arg, char **out, size_t *len)
{
    struct cf_buf b;
    char chunk[65536];
    size_t n;

    if (strcmp(arg, "-") != 0) {
        *out = strdup(arg);
        *len = strlen(arg);
        return *out ? 0 : cli_fail("msg: out of memory");
    }
    cf_buf_init(&b, MSG_INPUT_MAX);
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        if (cf_buf_append(&b, chunk, n) != CF_OK) {
            cf_buf_free(&b);
            return cli_fail("msg: standard input larger than %zu bytes", MSG_INPUT_MAX);
        }
    if (cf_buf_terminate(&b) != CF_OK) {
        cf_buf_free(&b);
        return cli_fail("msg: out of memory");
    }
    *out = (char *)cf_buf_take(&b, len);
    return 0;
}

/* Hex text (whitespace around it ignored, optional 0x) to bytes. */
static int parse_hex(char *text, size_t len, uint8_t **bytes, size_t *n)
{
    enum cf_err err;

    while (len && (text[len - 1] == '\n' || text[len - 1] == ' ' || text[len - 1] == '\r'))
        len--;
    while (len && (*text == ' ' || *text == '\n')) {
        text++;
        len--;
    }
    *bytes = malloc(len / 2 + 1);
    if (*bytes == NULL)
        return cli_fail("msg: out of memory");
    err = cf_hex_decode(*bytes, len / 2 + 1, n, text, len);
    if (err != CF_OK) {
        free(*bytes);
        *bytes = NULL;
        return cli_fail_err("msg decode: input is not hex", err);
    }
    return 0;
}

static int pick_class(const struct msg_opts *o, int have_type, uint8_t type, int ver,
                      enum cf_proto_cls *c)
{
    enum cf_err err;

    if (o->type)
        err = cf_proto_cls_by_name(o->type, c);
    else if (have_type)
        err = cf_proto_cls_for_msg(type, ver, c);
    else
        return cli_fail("msg: --type NAME is needed (try 'cfarm msg list')");
    if (err != CF_OK)
        return cli_fail_err("msg", err);
    return 0;
}

static int do_decode(const struct msg_opts *o, int ver, char *text, size_t len, struct cf_buf *js)
{
    uint8_t *bytes = NULL, *obj = NULL;
    const uint8_t *body;
    size_t n = 0, body_len;
    struct cf_proto_msg m;
    struct cf_jw w;
    enum cf_proto_cls c;
    enum cf_err err;
    int rc;

    if ((rc = parse_hex(text, len, &bytes, &n)) != 0)
        return rc;
    body = bytes;
    body_len = n;
    if (o->frame) {
        if ((err = cf_proto_msg_parse(bytes, n, &m)) != CF_OK) {
            rc = cli_fail_err("msg decode: frame", err);
            goto out;
        }
        body = m.data;
        body_len = m.len;
    }
    if ((rc = pick_class(o, o->frame, m.type, ver, &c)) != 0)
        goto out;
    obj = calloc(1, cf_proto_cls_size(c));
    if (obj == NULL) {
        rc = cli_fail("msg: out of memory");
        goto out;
    }
    if ((err = cf_proto_decode(c, ver, body, body_len, obj)) != CF_OK) {
        rc = cli_fail_err(o->frame ? "msg decode: frame data" : "msg decode", err);
        goto out;
    }
    cf_jw_init(&w, js, o->compact ? 0 : 2);
    if (o->frame) {
        cf_jw_obj_begin(&w);
        cf_jw_key(&w, "type");
        cf_jw_u64(&w, m.type);
        cf_jw_key(&w, "id");
        if (m.has_id)
            cf_jw_u64(&w, m.id);
        else
            cf_jw_null(&w);
        cf_jw_key(&w, "data");
    }
    err = cf_proto_to_json(c, ver, obj, &w);
    if (o->frame)
        cf_jw_obj_end(&w);
    if (err != CF_OK || w.err != CF_OK)
        rc = cli_fail_err("msg decode: JSON output", err != CF_OK ? err : w.err);
    cf_proto_free(c, obj);
out:
    free(obj);
    free(bytes);
    return rc;
}

/* --frame encode: the envelope's type and id from the JSON, the body from its "data". */
static int frame_head(const struct cf_json *root, bool *has_id, uint16_t *id, uint8_t *type,
                      const struct cf_json **data)
{
    const struct cf_json *t = cf_json_get(root, "type"), *i = cf_json_get(root, "id");
    uint64_t v;

    *data = cf_json_get(root, "data");
    if (t == NULL || *data == NULL)
        return cli_fail("msg encode: a frame needs \"type\" and \"data\"");
    if (t->type == CF_JSON_STRING) {
        if (cf_proto_msg_by_name(t->str, type) != CF_OK)
            return cli_fail_err("msg encode: type", CF_ERR_UNKNOWN_TYPE);
    } else if (cf_json_u64(t, &v) != CF_OK || v > 255) {
        return cli_fail("msg encode: type: expected a message type 0..255 or its name");
    } else {
        *type = (uint8_t)v;
    }
    *has_id = i != NULL && i->type != CF_JSON_NULL;
    if (*has_id && (cf_json_u64(i, &v) != CF_OK || v > 0xffff))
        return cli_fail("msg encode: id: expected null or 0..65535");
    *id = *has_id ? (uint16_t)v : 0;
    return 0;
}

static int do_encode(const struct msg_opts *o, int ver, char *text, size_t len, struct cf_buf *hex)
{
    struct cf_json_doc *doc = NULL;
    const struct cf_json *root, *body;
    struct cf_buf out;
    uint8_t *obj = NULL, type = 0;
    bool has_id = false;
    uint16_t id = 0;
    enum cf_proto_cls c;
    enum cf_err err;
    int rc;

    cf_buf_init(&out, 0);
    if ((err = cf_json_parse(text, len, &doc)) != CF_OK)
        return cli_fail_err("msg encode: JSON", err);
    root = body = cf_json_root(doc);
    if (o->frame && (rc = frame_head(root, &has_id, &id, &type, &body)) != 0)
        goto out;
    if ((rc = pick_class(o, o->frame, type, ver, &c)) != 0)
        goto out;
    obj = calloc(1, cf_proto_cls_size(c));
    if (obj == NULL) {
        rc = cli_fail("msg: out of memory");
        goto out;
    }
    if ((err = cf_proto_from_json(c, ver, body, obj)) != CF_OK) {
        rc = cli_fail_err("msg encode", err);
        goto out;
    }
    err = o->frame ? cf_proto_msg_encode(&out, type, has_id, id, c, ver, obj)
                   : cf_proto_encode(c, ver, obj, &out);
    cf_proto_free(c, obj);
    if (err != CF_OK) {
        rc = cli_fail_err("msg encode", err);
        goto out;
    }
    if (cf_buf_reserve(hex, 2 * out.len + 1) != CF_OK) {
        rc = cli_fail("msg: out of memory");
        goto out;
    }
    cf_hex_encode((char *)hex->data, out.data, out.len);
    hex->len = 2 * out.len;
out:
    free(obj);
    cf_buf_free(&out);
    cf_json_free(doc);
    return rc;
}

static int list_names(void)
{
    for (int c = 0; c < CF_CLS__COUNT; c++) {
        int t = cf_proto_msg_type_of((enum cf_proto_cls)c);

        if (t >= 0)
            printf("%-34s %-28s message %d\n", cf_proto_cls_name((enum cf_proto_cls)c),
                   cf_proto_cls_chia_name((enum cf_proto_cls)c), t);
        else
            printf("%-34s %-28s (nested)\n", cf_proto_cls_name((enum cf_proto_cls)c),
                   cf_proto_cls_chia_name((enum cf_proto_cls)c));
    }
    for (int t = 0; t < 256; t++) {
        enum cf_proto_cls c;
        const char *name = cf_proto_msg_name((uint8_t)t);

        if (name == NULL || cf_proto_cls_by_name(name, &c) != CF_OK ||
            strcmp(name, cf_proto_cls_name(c)) == 0)
            continue; /* a class of the same name is listed above */
        if (cf_proto_cls_for_msg((uint8_t)t, CF_PROTO_LATEST, &c) == CF_OK)
            printf("%-34s %-28s message %d\n", name, cf_proto_cls_chia_name(c), t);
    }
    return 0;
}

int cmd_msg(int argc, char **argv)
{
    struct msg_opts o;
    struct cf_buf out;
    char *text = NULL;
    size_t len = 0;
    int ver = CF_PROTO_LATEST, rc;

    if ((rc = parse_args(argc, argv, &o)) != 0)
        return rc;
    if (strcmp(o.verb, "list") == 0)
        return list_names();
    if ((strcmp(o.verb, "decode") != 0 && strcmp(o.verb, "encode") != 0) || o.input == NULL)
        return usage();
    if (o.version) {
        enum cf_err err = cf_proto_version_parse(o.version, &ver);

        if (err != CF_OK)
            return cli_fail_err("msg: --version", err);
        if (strlen(o.version) != 6 || ver > CF_PROTO_LATEST)
            return cli_fail("msg: --version: one of 0.0.35, 0.0.36, 0.0.37, 0.0.38");
    }
    if ((rc = read_input(o.input, &text, &len)) != 0)
        return rc;
    cf_buf_init(&out, 0);
    rc = o.verb[0] == 'd' ? do_decode(&o, ver, text, len, &out)
                          : do_encode(&o, ver, text, len, &out);
    if (rc == 0) {
        fwrite(out.data, 1, out.len, stdout);
        fputc('\n', stdout);
    }
    cf_buf_free(&out);
    free(text);
    return rc;
}
