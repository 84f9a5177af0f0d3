/*
 * cfarm/err.h: the one error enum of libcfarm.
 *
 * Every fallible function returns enum cf_err; CF_OK is zero and every failure is non-zero.
 * Functions that can say more (which field, which offset, which file) also leave a one-line
 * detail in a thread-local buffer with cf_err_set(); the caller reads it with cf_err_detail()
 * right after the failure and decides what to log. The library never prints.
 */
#ifndef CFARM_ERR_H
#define CFARM_ERR_H

#include <stddef.h>

enum cf_err {
    CF_OK = 0,
    CF_ERR_NOMEM,          /* allocation failed */
    CF_ERR_INVAL,          /* invalid argument from the caller */
    CF_ERR_IO,             /* read/write/open failed (errno kept in the detail) */
    CF_ERR_EOF,            /* input ended before the value did */
    CF_ERR_TRAILING,       /* bytes left after a complete top-level value */
    CF_ERR_BAD_BOOL,       /* bool byte other than 0 or 1 */
    CF_ERR_BAD_OPTIONAL,   /* Optional flag other than 0 or 1 */
    CF_ERR_BAD_UTF8,       /* str that is not valid UTF-8 */
    CF_ERR_TOO_LARGE,      /* a count or size larger than the input or a hard cap allows */
    CF_ERR_BAD_VALUE,      /* a field holds a value its type does not allow */
    CF_ERR_BAD_POINT,      /* G1/G2 encoding invalid: flags, infinity, x >= p, not on curve */
    CF_ERR_NOT_IN_SUBGROUP,/* curve point outside the prime-order subgroup */
    CF_ERR_BAD_SIGNATURE,  /* signature does not verify */
    CF_ERR_BAD_KEY,        /* secret or public key unusable */
    CF_ERR_BAD_MNEMONIC,   /* unknown word, wrong length or checksum */
    CF_ERR_BAD_PROOF,      /* proof of space invalid */
    CF_ERR_PLOT_FORMAT,    /* plot file not in a format cfarm reads */
    CF_ERR_PLOT_CORRUPT,   /* plot file structure inconsistent */
    CF_ERR_PLOT_TRUNCATED, /* plot file shorter than its own tables say */
    CF_ERR_JSON,           /* JSON text malformed or of the wrong shape */
    CF_ERR_UNKNOWN_TYPE,   /* message or class name/id not known */
    CF_ERR_CONFIG,         /* configuration missing or invalid */
    CF_ERR_CRYPTO,         /* OpenSSL or other crypto primitive failed */
    CF_ERR_TLS,            /* TLS handshake or certificate failure */
    CF_ERR_PROTOCOL,       /* peer broke the protocol */
    CF_ERR_HANDSHAKE,      /* Chia handshake refused */
    CF_ERR_NETWORK_ID,     /* peer on another network */
    CF_ERR_TIMEOUT,        /* a deadline passed */
    CF_ERR_CLOSED,         /* connection or resource closed */
    CF_ERR_RATE_LIMIT,     /* peer over a rate limit */
    CF_ERR_NOT_FOUND,      /* a looked-up item does not exist */
    CF_ERR_EXISTS,         /* an item to create already exists */
    CF_ERR_UNSUPPORTED,    /* valid but not supported by this build */
    CF_ERR_BUSY,           /* resource temporarily unavailable */
    CF_ERR_CANCELLED,      /* stopped on request (signal, cancel flag) */
    CF_ERR__COUNT
};

/* A short fixed description of an error code; never NULL. */
const char *cf_strerror(enum cf_err err);

/*
 * Record a one-line detail for the error being returned (printf-style, truncated to 255 bytes)
 * and return err, so a failing path can write `return cf_err_set(CF_ERR_EOF, "...")`.
 */
enum cf_err cf_err_set(enum cf_err err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The detail last recorded on this thread, or the empty string. */
const char *cf_err_detail(void);

/* Forget the recorded detail. */
void cf_err_clear(void);

#endif
