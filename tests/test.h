/*
 * test.h: the tiny harness every unit test, vector suite and bench shares.
 *
 * CHECK* record a failure and go on, so one run reports every broken case. A test program ends
 * with `return test_report("name");`, which prints "name: N passed, N failed" and returns the exit
 * status. Exit status 77 means "skipped" to ctest.
 */
#ifndef CFARM_TEST_H
#define CFARM_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned long test_passed_count, test_failed_count;

#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (cond) {                                                                     \
            test_passed_count++;                                                        \
        } else {                                                                        \
            test_failed_count++;                                                        \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);    \
        }                                                                               \
    } while (0)

#define CHECK_EQ_U64(a, b)                                                              \
    do {                                                                                \
        uint64_t check_a_ = (uint64_t)(a), check_b_ = (uint64_t)(b);                    \
        if (check_a_ == check_b_) {                                                     \
            test_passed_count++;                                                        \
        } else {                                                                        \
            test_failed_count++;                                                        \
            fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%" PRIu64 " != %" PRIu64 ")\n", \
                    __FILE__, __LINE__, #a, #b, check_a_, check_b_);                    \
        }                                                                               \
    } while (0)

#define CHECK_MEM(a, b, n)                                                              \
    do {                                                                                \
        if (memcmp((a), (b), (n)) == 0) {                                               \
            test_passed_count++;                                                        \
        } else {                                                                        \
            test_failed_count++;                                                        \
            fprintf(stderr, "%s:%d: CHECK failed: %s and %s differ\n", __FILE__, __LINE__, \
                    #a, #b);                                                            \
        }                                                                               \
    } while (0)

#define CHECK_STR(a, b)                                                                 \
    do {                                                                                \
        const char *check_a_ = (a), *check_b_ = (b);                                    \
        if (check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0) {                  \
            test_passed_count++;                                                        \
        } else {                                                                        \
            test_failed_count++;                                                        \
            fprintf(stderr, "%s:%d: CHECK failed: %s == %s (\"%s\" != \"%s\")\n",      \
                    __FILE__, __LINE__, #a, #b, check_a_ ? check_a_ : "(null)",          \
                    check_b_ ? check_b_ : "(null)");                                    \
        }                                                                               \
    } while (0)

static inline int test_report(const char *name)
{
    printf("%s: %lu passed, %lu failed\n", name, test_passed_count, test_failed_count);
    return test_failed_count ? 1 : 0;
}

/*
 * The shared vectors directory: $CFARM_VECTORS, else <source>/../shared/vectors where <source>
 * is $CFARM_SOURCE or the current directory. NULL (and a loud line on stderr) when absent.
 */
static inline const char *test_vectors_dir(void)
{
    static char path[4096];
    const char *env = getenv("CFARM_VECTORS"), *src = getenv("CFARM_SOURCE");
    struct stat st;

    if (env && env[0])
        snprintf(path, sizeof path, "%s", env);
    else
        snprintf(path, sizeof path, "%s/../shared/vectors", src && src[0] ? src : ".");
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "SKIPPED: shared vectors not found at %s\n", path);
        return NULL;
    }
    return path;
}

/*
 * Vector suites: each suite binary takes the vectors directory as argv[1], runs every file it
 * knows there, calls vec_file_report() per file, and ends with vec_suite_exit(): 0 when every
 * file passed, 1 on any mismatch, 77 when it found no file at all.
 */
static unsigned long vec_files_run, vec_files_failed;

static inline void vec_file_report(const char *file, unsigned long passed, unsigned long failed)
{
    printf("  %-48s %lu passed, %lu failed\n", file, passed, failed);
    vec_files_run++;
    if (failed || passed == 0)
        vec_files_failed++;
    fflush(stdout);
}

static inline int vec_suite_exit(void)
{
    if (vec_files_run == 0)
        return 77;
    return vec_files_failed ? 1 : 0;
}

#endif
