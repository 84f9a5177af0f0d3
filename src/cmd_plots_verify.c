/*
 * cmd_plots_verify.c: `cfarm plots verify`: check one proof of space as chiapos's verifier would
 * and print its quality string. An invalid proof is an answer, not an error: it goes to stdout as
 * "invalid: REASON" with exit status 1. Malformed options are errors (stderr, exit 2).
 */
#include "cmd_plots_verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfarm/hex.h"
#include "cfarm/pos.h"
#include "cli.h"

static bool parse_k(const char *s, unsigned *k)
{
    char *end;
    unsigned long v;

    if (!s || s[0] < '0' || s[0] > '9')
        return false;
    v = strtoul(s, &end, 10);
    if (*end || v > 255)
        return false;
    *k = (unsigned)v;
    return true;
}

int plots_verify_core(const char *id_hex, const char *k_str, const char *challenge_hex,
                      const char *proof_hex, char *line, size_t line_len)
{
    uint8_t id[CF_POS_ID_LEN], challenge[32], quality[CF_POS_QUALITY_LEN];
    uint8_t proof[CF_POS_PROOF_MAX_LEN + 64];
    size_t proof_len = 0;
    unsigned k;
    enum cf_err err;

    if (!id_hex || cf_hex_decode_exact(id, sizeof id, id_hex) != CF_OK) {
        snprintf(line, line_len, "--id needs 32 bytes of hex");
        return 2;
    }
    if (!parse_k(k_str, &k)) {
        snprintf(line, line_len, "--k needs a number 0..255");
        return 2;
    }
    if (!challenge_hex ||
        cf_hex_decode_exact(challenge, sizeof challenge, challenge_hex) != CF_OK) {
        snprintf(line, line_len, "--challenge needs 32 bytes of hex");
        return 2;
    }
    if (!proof_hex ||
        cf_hex_decode(proof, sizeof proof, &proof_len, proof_hex, strlen(proof_hex)) != CF_OK) {
        snprintf(line, line_len, "--proof needs hex (at most %zu bytes)", sizeof proof);
        return 2;
    }
    err = cf_pos_verify(id, k, challenge, proof, proof_len, quality);
    if (err == CF_ERR_BAD_PROOF) {
        snprintf(line, line_len, "invalid: %s", cf_err_detail());
        return 1;
    }
    if (err != CF_OK) {
        snprintf(line, line_len, "verify: %s", cf_strerror(err));
        return 2;
    }
    if (line_len < 2 * CF_POS_QUALITY_LEN + 1) {
        if (line_len)
            line[0] = '\0';
        return 2;
    }
    cf_hex_encode(line, quality, sizeof quality);
    return 0;
}

static int usage(void)
{
    cli_fail("usage: cfarm plots verify --id HEX --k K --challenge HEX --proof HEX");
    return 2;
}

int plots_verify_main(int argc, char **argv)
{
    const char *id = NULL, *k = NULL, *challenge = NULL, *proof = NULL;
    char line[512];
    bool missing = false;

    for (int i = 1; i < argc; i++) {
        if (cli_opt(argc, argv, &i, "--id", &id, &missing) ||
            cli_opt(argc, argv, &i, "--k", &k, &missing) ||
            cli_opt(argc, argv, &i, "--challenge", &challenge, &missing) ||
            cli_opt(argc, argv, &i, "--proof", &proof, &missing)) {
            if (missing)
                return usage();
            continue;
        }
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            printf("usage: cfarm plots verify --id HEX --k K --challenge HEX --proof HEX\n"
                   "Prints the quality string of a valid proof, else \"invalid: REASON\" "
                   "(exit 1).\n");
            return 0;
        }
        cli_fail("plots verify: unknown option '%s'", argv[i]);
        return 2;
    }
    if (!id || !k || !challenge || !proof)
        return usage();
    int rc = plots_verify_core(id, k, challenge, proof, line, sizeof line);
    if (rc == 2) {
        cli_fail("plots verify: %s", line);
        return 2;
    }
    printf("%s\n", line);
    return rc;
}
