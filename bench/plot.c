/*
 * plot.c: the plotter's wall time, CPU time and peak memory for k = 18, 20 and 22 with 2
 * threads (override with --k K ... and --threads N).
 *
 *   k{K}_wall_s     wall-clock seconds for one whole plot (file written, fsync'ed, renamed)
 *   k{K}_cpu_s      user + system CPU seconds of that plot (all threads)
 *   k{K}_peak_mib   peak resident memory of the process that made it
 *   k{K}_size_mib   the plot file's size
 *
 * Each plot runs in its own child process (so its peak memory is its own) with a fixed plot id
 * and memo, into $TMPDIR (default /tmp); the file is removed afterwards. The best of --rounds
 * rounds (default 2) is reported, because the build machine is shared.
 *
 * Usage: plot [--json] [--threads N] [--rounds R] [--k K]...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cfarm/plotter.h"

struct result {
    double wall, cpu, peak_mib, size_mib;
    int ok;
};

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct result run(unsigned k, unsigned threads)
{
    struct result r = {0, 0, 0, 0, 0};
    char path[512];
    int fds[2];
    pid_t pid;

    snprintf(path, sizeof path, "%s/cfarm-bench-plot-%ld-k%u.plot",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid(), k);
    if (pipe(fds) != 0)
        return r;
    double t0 = now();
    pid = fork();
    if (pid == 0) {
        struct cf_plotter_params p;
        struct cf_plotter_stats st;
        double size = 0;
        memset(&p, 0, sizeof p);
        p.k = k;
        p.threads = threads;
        for (int i = 0; i < 32; i++)
            p.id[i] = (uint8_t)(i * 13 + k);
        for (int i = 0; i < 128; i++)
            p.memo[i] = (uint8_t)i;
        p.memo_len = 128;
        if (cf_plotter_create(&p, path, &st) == CF_OK)
            size = (double)st.file_size;
        else
            fprintf(stderr, "plot: k=%u: %s\n", k, cf_err_detail());
        unlink(path);
        if (write(fds[1], &size, sizeof size) != sizeof size)
            _exit(1);
        _exit(size > 0 ? 0 : 1);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return r;
    }
    int status = 0;
    struct rusage ru;
    double size = 0;
    if (read(fds[0], &size, sizeof size) != sizeof size)
        size = 0;
    close(fds[0]);
    if (wait4(pid, &status, 0, &ru) < 0)
        return r;
    r.wall = now() - t0;
    r.cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
            ru.ru_stime.tv_usec / 1e6;
    r.peak_mib = (double)ru.ru_maxrss / 1024.0;
    r.size_mib = size / 1048576.0;
    r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return r;
}

int main(int argc, char **argv)
{
    unsigned ks[16], nk = 0, threads = 2, rounds = 2;
    int json = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = (unsigned)atoi(argv[++i]);
        else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = (unsigned)atoi(argv[++i]);
        else if (strcmp(argv[i], "--k") == 0 && i + 1 < argc && nk < 16)
            ks[nk++] = (unsigned)atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: plot [--json] [--threads N] [--rounds R] [--k K]...\n");
            return 2;
        }
    }
    if (nk == 0) {
        ks[0] = 18;
        ks[1] = 20;
        ks[2] = 22;
        nk = 3;
    }
    if (rounds < 1)
        rounds = 1;
    if (json)
        printf("{");
    for (unsigned q = 0; q < nk; q++) {
        struct result best = {0, 0, 0, 0, 0};
        for (unsigned r = 0; r < rounds; r++) {
            struct result x = run(ks[q], threads);
            if (!x.ok)
                return 1;
            if (!best.ok || x.wall < best.wall)
                best = x;
        }
        if (json)
            printf("%s\"k%u_wall_s\": %.3f, \"k%u_cpu_s\": %.3f, \"k%u_peak_mib\": %.1f, "
                   "\"k%u_size_mib\": %.2f",
                   q ? ", " : "", ks[q], best.wall, ks[q], best.cpu, ks[q], best.peak_mib, ks[q],
                   best.size_mib);
        else
            printf("k=%u threads=%u: %.3f s wall, %.3f s CPU, peak %.1f MiB, plot %.2f MiB\n",
                   ks[q], threads, best.wall, best.cpu, best.peak_mib, best.size_mib);
        fflush(stdout);
    }
    if (json)
        printf("}\n");
    return 0;
}
