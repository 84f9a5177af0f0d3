/*
 * test_plots_verify.c: the core of `cfarm plots verify` (option parsing and the answer line),
 * compiled in from src/ since the program's sources are not part of libcfarm. A valid proof is
 * exercised by tests/integration/plots_verify.sh, which takes one from the shared vectors.
 */
#include "../../src/cli.c"
#include "../../src/cmd_plots_verify.c"
#include "test.h"

#define ID "7f615256a72f588a93ed924c3e9de48b555f198cbf328084b24db0f134a6d242"
#define CH "6d22e50c6feca4bd68acd5bcee64414bf40335902d7e44fe2c5acdf2a83acc61"

int main(void)
{
    char line[512], zeros[2 * 144 + 1];

    memset(zeros, '0', 2 * 144);
    zeros[2 * 144] = '\0';

    CHECK_EQ_U64(plots_verify_core(ID, "18", CH, zeros, line, sizeof line), 1);
    CHECK(strncmp(line, "invalid: ", 9) == 0);
    CHECK_EQ_U64(plots_verify_core(ID, "18", CH, "00", line, sizeof line), 1);
    CHECK(strstr(line, "1 bytes") != NULL);
    CHECK_EQ_U64(plots_verify_core(ID, "17", CH, zeros, line, sizeof line), 1);
    CHECK_EQ_U64(plots_verify_core(ID, "18", CH, "", line, sizeof line), 1);

    CHECK_EQ_U64(plots_verify_core("abcd", "18", CH, zeros, line, sizeof line), 2);
    CHECK_EQ_U64(plots_verify_core(ID, "x", CH, zeros, line, sizeof line), 2);
    CHECK_EQ_U64(plots_verify_core(ID, "-1", CH, zeros, line, sizeof line), 2);
    CHECK_EQ_U64(plots_verify_core(ID, "256", CH, zeros, line, sizeof line), 2);
    CHECK_EQ_U64(plots_verify_core(ID, "18", "zz", zeros, line, sizeof line), 2);
    CHECK_EQ_U64(plots_verify_core(ID, "18", CH, "0g", line, sizeof line), 2);
    CHECK_EQ_U64(plots_verify_core(ID, "18", CH, "000", line, sizeof line), 2);
    CHECK_EQ_U64(plots_verify_core(NULL, "18", CH, zeros, line, sizeof line), 2);
    return test_report("test_plots_verify");
}
