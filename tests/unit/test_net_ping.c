/*
 * test_net_ping.c: `cfarm init` and `cfarm ping` end to end, against a farmer-side peer service
 * running in this process on loopback.
 *
 * The farmer root is made by `cfarm init`; a "remote harvester" root by `cfarm init -c` from a copy
 * of the farmer's CA, as a user would. ping must print the farmer's node type, versions and node
 * id; from a root with its own CA it must fail with one line on stderr and nothing on stdout.
 * When python3-aiohttp is installed, a harvester built like Chia's (aiohttp with Chia's ssl
 * settings, tests/integration/aiohttp_peer.py) must complete the Handshake with this farmer too.
 * Skips (77) when the cfarm program is not built next to the tests ($CFARM_BUILD).
 */
#include "test.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include "net_harness.h"

#include "cfarm/hex.h"
#include "cfarm/peer.h"

static struct cf_loop *loop;
static char cfarm[512];
static int farmer_connects;

static char last_software[64];
static int last_node_type;

static void on_connect(struct cf_peer *p, void *u)
{
    (void)u;
    farmer_connects++;
    snprintf(last_software, sizeof last_software, "%s", cf_peer_handshake(p)->software_version);
    last_node_type = cf_peer_handshake(p)->node_type;
}

/* Run argv with stdout/stderr into files while the loop runs; return the exit status. */
static int run_cmd(char *const argv[], char *out, size_t outlen, char *err, size_t errlen)
{
    char opath[] = "/tmp/cfarm-ping-out-XXXXXX", epath[] = "/tmp/cfarm-ping-err-XXXXXX";
    int ofd = mkstemp(opath), efd = mkstemp(epath), status = -1, exited = 0;
    pid_t pid = fork();
    ssize_t n;

    if (pid == 0) {
        dup2(ofd, 1);
        dup2(efd, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    for (uint64_t end = harness_ms() + HARNESS_WAIT_MS; pid > 0 && harness_ms() < end;) {
        if (waitpid(pid, &status, WNOHANG) == pid) {
            exited = 1;
            break;
        }
        cf_loop_run_once(loop, 10);
    }
    if (pid > 0 && !exited) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    n = pread(ofd, out, outlen - 1, 0);
    out[n > 0 ? n : 0] = '\0';
    n = pread(efd, err, errlen - 1, 0);
    err[n > 0 ? n : 0] = '\0';
    close(ofd);
    close(efd);
    unlink(opath);
    unlink(epath);
    return exited && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int count_lines(const char *s)
{
    int n = 0;

    for (; *s; s++)
        n += *s == '\n';
    return n;
}

int main(void)
{
    const char *build = getenv("CFARM_BUILD");
    char dir[] = "/tmp/cfarm-ping-XXXXXX", farmer[600], remote[600], lone[600], ca[700];
    char target[64], out[4096], err[4096], id_hex[65], cmd[700];
    struct cf_cert_paths fp;
    struct cf_peer_service *svc = NULL;
    uint8_t id[32];
    uint16_t port = 0;

    snprintf(cfarm, sizeof cfarm, "%s/cfarm", build ? build : "build");
    if (access(cfarm, X_OK) != 0) {
        printf("SKIPPED: %s not built\n", cfarm);
        return 77;
    }
    CHECK(mkdtemp(dir) != NULL);
    CHECK(cf_loop_new(&loop) == CF_OK);
    if (loop == NULL)
        return test_report("test_net_ping");
    snprintf(farmer, sizeof farmer, "%s/farmer", dir);
    snprintf(remote, sizeof remote, "%s/remote", dir);
    snprintf(lone, sizeof lone, "%s/lone", dir);
    snprintf(ca, sizeof ca, "%s/config/ssl/ca", farmer);
    {
        char *init_f[] = {cfarm, "init", "--root", farmer, NULL};
        char *init_r[] = {cfarm, "init", "--root", remote, "-c", ca, NULL};
        char *init_l[] = {cfarm, "init", "--root", lone, NULL};

        CHECK_EQ_U64(run_cmd(init_f, out, sizeof out, err, sizeof err), 0);
        CHECK(strstr(out, "created private CA") != NULL);
        CHECK_EQ_U64(run_cmd(init_r, out, sizeof out, err, sizeof err), 0);
        CHECK(strstr(out, "installed private CA") != NULL);
        CHECK_EQ_U64(run_cmd(init_l, out, sizeof out, err, sizeof err), 0);
    }

    CHECK(cf_cert_paths_load(&fp, farmer) == CF_OK);
    {
        struct cf_peer_config c = {
            .network_id = "mainnet",
            .node_type = CF_PEER_FARMER,
            .software_version = "2.5.0",
            .server_port = 8447,
            .ca_crt = fp.ca_crt,
            .crt = fp.node_crt[CF_CERT_FARMER],
            .key = fp.node_key[CF_CERT_FARMER],
            .on_connect = on_connect,
        };

        CHECK(cf_peer_service_new(loop, &c, &svc) == CF_OK);
        if (svc)
            CHECK(cf_peer_listen(svc, "127.0.0.1", 0, &port) == CF_OK);
    }
    CHECK(cf_cert_node_id_file(id, fp.node_crt[CF_CERT_FARMER]) == CF_OK);
    cf_hex_encode(id_hex, id, 32);
    snprintf(target, sizeof target, "127.0.0.1:%u", (unsigned)port);

    { /* the remote harvester, with certificates from the farmer's CA, gets through */
        char *ping[] = {cfarm, "ping", "--root", remote, target, NULL};

        CHECK_EQ_U64(run_cmd(ping, out, sizeof out, err, sizeof err), 0);
        CHECK(strstr(out, "node type:        farmer (3)") != NULL);
        CHECK(strstr(out, "protocol version: 0.0.38") != NULL);
        CHECK(strstr(out, "software version: 2.5.0") != NULL);
        CHECK(strstr(out, "server port:      8447") != NULL);
        CHECK(strstr(out, "capabilities:     1 2 3") != NULL);
        CHECK(strstr(out, id_hex) != NULL);
        CHECK_STR(err, "");
        CHECK_EQ_U64(farmer_connects, 1);
        if (getenv("CFARM_TEST_VERBOSE"))
            fputs(out, stderr);
    }
    { /* a root with its own CA is refused: one line on stderr, nothing on stdout */
        char *ping[] = {cfarm, "ping", "--root", lone, "--timeout", "20", target, NULL};

        CHECK_EQ_U64(run_cmd(ping, out, sizeof out, err, sizeof err), 1);
        CHECK_STR(out, "");
        CHECK_EQ_U64(count_lines(err), 1);
        CHECK(strncmp(err, "cfarm: ping: ", 13) == 0);
        if (getenv("CFARM_TEST_VERBOSE"))
            fputs(err, stderr);
        CHECK_EQ_U64(farmer_connects, 1);
    }
    { /* another network is refused with a reason the user can act on */
        char *ping[] = {cfarm, "ping", "--root", remote, "--network", "testnet11", target, NULL};

        CHECK_EQ_U64(run_cmd(ping, out, sizeof out, err, sizeof err), 1);
        CHECK(strstr(err, "another network") != NULL);
        if (getenv("CFARM_TEST_VERBOSE"))
            fputs(err, stderr);
        CHECK_EQ_U64(count_lines(err), 1);
    }
    { /* a harvester on aiohttp, set up as Chia's, against this farmer */
        const char *src = getenv("CFARM_SOURCE");
        char script[600], port_s[16];
        char *py[] = {"/usr/bin/python3", script, "client", remote, "127.0.0.1", port_s, NULL};
        char *probe[] = {"/usr/bin/python3", "-c", "import aiohttp", NULL};

        snprintf(script, sizeof script, "%s/tests/integration/aiohttp_peer.py", src ? src : ".");
        snprintf(port_s, sizeof port_s, "%u", (unsigned)port);
        if (access(py[0], X_OK) == 0 && run_cmd(probe, out, sizeof out, err, sizeof err) == 0) {
            CHECK_EQ_U64(run_cmd(py, out, sizeof out, err, sizeof err), 0);
            CHECK(strstr(out, "farmer handshake: network mainnet version 0.0.38 software 2.5.0 "
                              "port 8447 node type 3") != NULL);
            CHECK_EQ_U64(farmer_connects, 2);
            CHECK_STR(last_software, "aiohttp-harvester");
            CHECK_EQ_U64(last_node_type, CF_PEER_HARVESTER);
            if (getenv("CFARM_TEST_VERBOSE"))
                fprintf(stderr, "%s%s", out, err);
        } else {
            printf("  (python3-aiohttp not installed: the aiohttp harvester was not tried)\n");
        }
    }
    cf_peer_service_free(svc);
    cf_loop_free(loop);
    cf_cert_paths_free(&fp);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    return test_report("test_net_ping");
}
