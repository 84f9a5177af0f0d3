/*
 * cfarm/log.h: logging in Chia's style.
 *
 * A line reads like Chia's log: `2026-11-21T09:31:12.345 harvester cfarm.harvester: INFO     text`.
 * Lines go to stderr and, once cf_log_open_file() succeeded, to a log file too. Library code in
 * lib/ does not log by default (it returns errors); services and the program do.
 * Never pass a secret to these functions.
 */
#ifndef CFARM_LOG_H
#define CFARM_LOG_H

#include "cfarm/err.h"

enum cf_log_level { CF_LOG_DEBUG, CF_LOG_INFO, CF_LOG_WARNING, CF_LOG_ERROR };

/* Service name shown in each line ("harvester", "farmer", "cfarm"). */
void cf_log_set_service(const char *service);
void cf_log_set_level(enum cf_log_level level);
/* Parse "DEBUG", "INFO", "WARNING", "ERROR" (Chia's log_level values). */
enum cf_err cf_log_parse_level(const char *s, enum cf_log_level *out);
/* Also append lines to path (created 0644, parent must exist). */
enum cf_err cf_log_open_file(const char *path);
void cf_log_close_file(void);

void cf_log(enum cf_log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
