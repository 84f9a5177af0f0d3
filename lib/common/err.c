/* err.c: error strings and the thread-local detail line. */
#include "cfarm/err.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const cf_err_names[CF_ERR__COUNT] = {
    [CF_OK] = "success",
    [CF_ERR_NOMEM] = "out of memory",
    [CF_ERR_INVAL] = "invalid argument",
    [CF_ERR_IO] = "input/output error",
    [CF_ERR_EOF] = "unexpected end of input",
    [CF_ERR_TRAILING] = "trailing bytes after value",
    [CF_ERR_BAD_BOOL] = "invalid bool byte",
    [CF_ERR_BAD_OPTIONAL] = "invalid optional flag",
    [CF_ERR_BAD_UTF8] = "invalid UTF-8 string",
    [CF_ERR_TOO_LARGE] = "size or count too large",
    [CF_ERR_BAD_VALUE] = "invalid field value",
    [CF_ERR_BAD_POINT] = "invalid curve point encoding",
    [CF_ERR_NOT_IN_SUBGROUP] = "point not in subgroup",
    [CF_ERR_BAD_SIGNATURE] = "signature does not verify",
    [CF_ERR_BAD_KEY] = "invalid key",
    [CF_ERR_BAD_MNEMONIC] = "invalid mnemonic",
    [CF_ERR_BAD_PROOF] = "invalid proof of space",
    [CF_ERR_PLOT_FORMAT] = "unsupported plot format",
    [CF_ERR_PLOT_CORRUPT] = "corrupt plot file",
    [CF_ERR_PLOT_TRUNCATED] = "truncated plot file",
    [CF_ERR_JSON] = "invalid JSON",
    [CF_ERR_UNKNOWN_TYPE] = "unknown type",
    [CF_ERR_CONFIG] = "invalid configuration",
    [CF_ERR_CRYPTO] = "cryptographic primitive failed",
    [CF_ERR_TLS] = "TLS failure",
    [CF_ERR_PROTOCOL] = "protocol violation",
    [CF_ERR_HANDSHAKE] = "handshake refused",
    [CF_ERR_NETWORK_ID] = "incompatible network id",
    [CF_ERR_TIMEOUT] = "timed out",
    [CF_ERR_CLOSED] = "connection closed",
    [CF_ERR_RATE_LIMIT] = "rate limit exceeded",
    [CF_ERR_NOT_FOUND] = "not found",
    [CF_ERR_EXISTS] = "already exists",
    [CF_ERR_UNSUPPORTED] = "unsupported",
    [CF_ERR_BUSY] = "resource busy",
    [CF_ERR_CANCELLED] = "cancelled",
};

static _Thread_local char cf_err_line[256];

const char *cf_strerror(enum cf_err err)
{
    if ((unsigned)err >= CF_ERR__COUNT || cf_err_names[err] == NULL)
        return "unknown error";
    return cf_err_names[err];
}

enum cf_err cf_err_set(enum cf_err err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(cf_err_line, sizeof cf_err_line, fmt, ap);
    va_end(ap);
    return err;
}

const char *cf_err_detail(void)
{
    return cf_err_line;
}

void cf_err_clear(void)
{
    cf_err_line[0] = '\0';
}
