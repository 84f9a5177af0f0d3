/* cmd_plots_verify.h: `cfarm plots verify`, dispatched from the `plots` command. */
#ifndef CFARM_CMD_PLOTS_VERIFY_H
#define CFARM_CMD_PLOTS_VERIFY_H

#include <stddef.h>

/*
 * The verification itself, on the four option strings: writes one line (no newline) to
 * line[0..line_len) and returns 0 with the quality hex for a valid proof, 1 with
 * "invalid: REASON" for an invalid one, 2 with an error message for unusable input.
 */
int plots_verify_core(const char *id_hex, const char *k_str, const char *challenge_hex,
                      const char *proof_hex, char *line, size_t line_len);

/* `cfarm plots verify --id HEX --k K --challenge HEX --proof HEX` (argv[0] = "verify"): prints
 * the quality string, or "invalid: REASON" and exits 1; usage errors go to stderr, exit 2. */
int plots_verify_main(int argc, char **argv);

#endif
