/* log.c: Chia-style log lines to stderr and an optional file; safe from several threads. */
#include "cfarm/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_service[32] = "cfarm";
static enum cf_log_level log_level = CF_LOG_INFO;
static FILE *log_file;

static const char *const level_names[] = {"DEBUG", "INFO", "WARNING", "ERROR"};

void cf_log_set_service(const char *service)
{
    pthread_mutex_lock(&log_lock);
    snprintf(log_service, sizeof log_service, "%s", service);
    pthread_mutex_unlock(&log_lock);
}

void cf_log_set_level(enum cf_log_level level)
{
    log_level = level;
}

enum cf_err cf_log_parse_level(const char *s, enum cf_log_level *out)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, level_names[i]) == 0) {
            *out = (enum cf_log_level)i;
            return CF_OK;
        }
    return cf_err_set(CF_ERR_CONFIG, "unknown log level '%s'", s);
}

enum cf_err cf_log_open_file(const char *path)
{
    FILE *f = fopen(path, "a");

    if (f == NULL)
        return cf_err_set(CF_ERR_IO, "%s: %s", path, strerror(errno));
    setvbuf(f, NULL, _IOLBF, 0);
    pthread_mutex_lock(&log_lock);
    if (log_file)
        fclose(log_file);
    log_file = f;
    pthread_mutex_unlock(&log_lock);
    return CF_OK;
}

void cf_log_close_file(void)
{
    pthread_mutex_lock(&log_lock);
    if (log_file)
        fclose(log_file);
    log_file = NULL;
    pthread_mutex_unlock(&log_lock);
}

void cf_log(enum cf_log_level level, const char *module, const char *fmt, ...)
{
    char stamp[40], msg[1024];
    struct timeval tv;
    struct tm tm;
    va_list ap;

    if (level < log_level)
        return;
    gettimeofday(&tv, NULL);
    localtime_r(&tv.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&log_lock);
    fprintf(stderr, "%s.%03ld %s %s: %-8s %s\n", stamp, (long)(tv.tv_usec / 1000), log_service,
            module, level_names[level], msg);
    if (log_file)
        fprintf(log_file, "%s.%03ld %s %s: %-8s %s\n", stamp, (long)(tv.tv_usec / 1000),
                log_service, module, level_names[level], msg);
    pthread_mutex_unlock(&log_lock);
}
