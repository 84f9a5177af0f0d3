/*
 * config_yaml.c: libFuzzer target for the config.yaml loader and in-place editor.
 *
 * For any input: parsing either fails cleanly or gives a document whose look-ups, typed views
 * and rendering stay within bounds. A document rendered without edits is the input, byte for
 * byte. Then harvester.plot_directories and a few other values (scalars, anchored
 * collections, another list) are edited where the editor accepts to: the edited text must parse again, hold the expected
 * list, and hold exactly the values of the edited tree in memory (compared with a visit
 * budget, since aliases may make the expanded tree huge).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfarm/config.h"

#define PD "harvester.plot_directories"

/* a and b resolve to the same values; at this level `skip` (a key) may differ. Keys that a
 * dotted path cannot name are not compared. */
static bool same(const struct cf_config_node *a, const struct cf_config_node *b,
                 const char *skip, long *budget, int depth)
{
    enum cf_config_kind k = cf_config_node_kind(a);

    if (--*budget < 0)
        return true; /* too big to compare: not a finding */
    if (depth > 80 || k != cf_config_node_kind(b))
        return false;
    if (k == CF_CONFIG_SCALAR) {
        size_t la, lb;
        const char *ta = cf_config_node_text(a, &la), *tb = cf_config_node_text(b, &lb);

        const char *ga = cf_config_node_tag(a), *gb = cf_config_node_tag(b);

        const char *pt = cf_config_node_is_plain(a) ? ta : tb;
        /* A plain scalar re-rendered quoted is the same string unless YAML could type it
         * (bool, int, float, null; timestamps and sexagesimals are a documented gap). */
        bool typed = strspn(pt, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "0123456789.+-_~") == strlen(pt) &&
                     (strpbrk(pt, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                  "0123456789") != NULL || strcmp(pt, "~") == 0);

        return la == lb && memcmp(ta, tb, la) == 0 &&
               (cf_config_node_is_plain(a) == cf_config_node_is_plain(b) || !typed) &&
               (ga ? gb && strcmp(ga, gb) == 0 : gb == NULL);
    }
    if (k == CF_CONFIG_NULL)
        return true;
    if (k == CF_CONFIG_SEQ) {
        if (cf_config_node_len(a) != cf_config_node_len(b))
            return false;
        for (size_t i = 0; i < cf_config_node_len(a); i++)
            if (!same(cf_config_node_item(a, i), cf_config_node_item(b, i), NULL, budget,
                      depth + 1))
                return false;
        return true;
    }
    for (int side = 0; side < 2; side++) {
        const struct cf_config_node *x = side ? b : a, *y = side ? a : b;

        for (size_t i = 0; i < cf_config_node_len(x); i++) {
            size_t kl;
            const char *key = cf_config_node_text(cf_config_node_key(x, i), &kl);
            const struct cf_config_node *vx, *vy;

            if (key == NULL || kl == 0 || strlen(key) != kl || strchr(key, '.') ||
                strcmp(key, "<<") == 0 || strspn(key, "0123456789") == kl ||
                (skip && strcmp(key, skip) == 0))
                continue;
            vx = cf_config_find(NULL, x, key);
            vy = cf_config_find(NULL, y, key);
            if ((vx == NULL) != (vy == NULL))
                return false;
            if (vx && !same(vx, vy, NULL, budget, depth + 1))
                return false;
        }
    }
    return true;
}

static void check_edit(struct cf_config *doc)
{
    struct cf_config *again = NULL;
    const struct cf_config_node *list = cf_config_find(doc, NULL, PD);
    size_t n = cf_config_node_len(list), len, n2;
    char *text = NULL;
    const char *last;
    bool list_ok;
    long budget = 20000;

    list_ok = cf_config_seq_append_str(doc, PD, "/fuzz \"dir\" \xC3\xA9") == CF_OK &&
              (n == 0 || cf_config_seq_remove(doc, PD, 0) == CF_OK);
    (void)cf_config_set_str(doc, "farmer.xch_target_address", "xch1 'fuzz'\n");
    (void)cf_config_set_plain(doc, "harvester.num_threads", "31");
    /* Values that are often anchored collections, and the last item of a list. */
    (void)cf_config_set_plain(doc, "network_overrides", "-7");
    (void)cf_config_set_str(doc, "farmer.logging", "");
    n2 = cf_config_node_len(cf_config_find(doc, NULL, "wallet.favourite_dirs"));
    (void)cf_config_seq_remove(doc, "wallet.favourite_dirs", n2 ? n2 - 1 : 5);
    if (cf_config_render(doc, &text, &len) != CF_OK)
        goto out;
    if (cf_config_parse(text, len, &again) != CF_OK) {
        fprintf(stderr, "edited text does not parse: %s\n----\n%s\n----\n", cf_err_detail(),
                text);
        abort();
    }
    list = cf_config_find(again, NULL, PD);
    last = cf_config_node_text(cf_config_node_item(list, n ? n - 1 : 0), NULL);
    if (list_ok && (cf_config_node_len(list) != (n ? n : 1) || last == NULL ||
                    strcmp(last, "/fuzz \"dir\" \xC3\xA9") != 0))
        abort();
    /* The edited tree in memory and the edited text read back hold the same values. */
    if (!same(cf_config_find(doc, NULL, ""), cf_config_find(again, NULL, ""), NULL, &budget, 0)) {
        fprintf(stderr, "edit changed another value\n----\n%s\n----\n", text);
        abort();
    }
out:
    free(text);
    cf_config_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cf_config *doc = NULL;
    struct cf_harvester_config h;
    struct cf_farmer_config f;
    char *text = NULL;
    size_t len = 0;
    uint64_t v;
    bool b;
    const char *s;

    if (cf_config_parse((const char *)data, size, &doc) != CF_OK)
        return 0;
    (void)cf_config_get_u64(doc, "harvester.plots_refresh_parameter.interval_seconds", 0, 99, &v);
    (void)cf_config_get_bool(doc, "harvester.parallel_read", &b);
    (void)cf_config_get_str(doc, "a.b.0.c", &s);
    if (cf_harvester_config_read(doc, "/r", &h) == CF_OK)
        cf_harvester_config_free(&h);
    if (cf_farmer_config_read(doc, "/r", &f) == CF_OK)
        cf_farmer_config_free(&f);
    if (cf_config_render(doc, &text, &len) != CF_OK || len != size || memcmp(text, data, size))
        abort();
    free(text);
    check_edit(doc);
    cf_config_free(doc);
    return 0;
}
