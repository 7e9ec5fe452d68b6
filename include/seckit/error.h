/* seckit/error.h - the error model shared by every libseckit function.
 *
 * Every function that can fail returns an int: 0 on success or a negative
 * SECKIT_E* code.  The hundreds digit names the category, so callers can map
 * a code to an exit status without listing every code.  A caller-owned
 * seckit_error (may be NULL) receives a one-line message saying what was wrong
 * and where.  There is no global or thread-local error state.
 *
 * Messages never contain secrets (key bytes, plaintext, credentials).
 */
#ifndef SECKIT_ERROR_H
#define SECKIT_ERROR_H

#include <stddef.h>

#include "seckit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

enum seckit_code {
    SECKIT_OK = 0,

    /* input / usage: the caller passed something unacceptable */
    SECKIT_EINVAL = -100,    /* invalid argument or option value */
    SECKIT_ELIMIT = -101,    /* a size or count limit would be exceeded */
    SECKIT_ENOTFOUND = -102, /* a named item (key, field, profile) does not exist */
    SECKIT_EPOLICY = -103,   /* refused by a configured policy (commitment, suite) */

    /* format: input bytes or documents are malformed */
    SECKIT_EFORMAT = -200,      /* malformed input */
    SECKIT_ETRUNCATED = -201,   /* input ended early */
    SECKIT_EUNSUPPORTED = -202, /* well-formed but not supported (version, suite) */

    /* crypto / authentication */
    SECKIT_EAUTH = -300,   /* authentication failed (tag, signature, commitment,
                                 or no key could unwrap a data key) */
    SECKIT_ECRYPTO = -301, /* the crypto library failed unexpectedly */

    /* I/O */
    SECKIT_EIO = -400,    /* read/write/rename/fsync failed */
    SECKIT_ENOENT = -401, /* file does not exist */
    SECKIT_EEXIST = -402, /* file exists and overwriting was not asked for */
    SECKIT_EPERM = -403,  /* permission problem (incl. insecure key-file mode) */

    /* network */
    SECKIT_ENETWORK = -500, /* connection, DNS, TLS or transfer failure */
    SECKIT_ETIMEOUT = -501, /* a network operation timed out */

    /* AWS service */
    SECKIT_EAWS = -600,     /* the service answered with an error */
    SECKIT_EAWSAUTH = -601, /* credentials missing, invalid or expired */

    /* internal */
    SECKIT_EINTERNAL = -900, /* a bug: an invariant did not hold */
    SECKIT_ENOMEM = -901     /* out of memory */
};

typedef enum seckit_category {
    SECKIT_CAT_OK = 0,
    SECKIT_CAT_INPUT = 1,
    SECKIT_CAT_FORMAT = 2,
    SECKIT_CAT_CRYPTO = 3,
    SECKIT_CAT_IO = 4,
    SECKIT_CAT_NETWORK = 5,
    SECKIT_CAT_AWS = 6,
    SECKIT_CAT_INTERNAL = 9
} seckit_category;

/* A place in a document (a policy, a configuration, a form body): line
 * from 1 (0 = unknown), column from 0 and byte offset from 0, columns and
 * offsets counted in bytes.  The one position type of the API: seckit_error
 * holds one, JSON spans (seckit/json.h) and policy inputs
 * (seckit/policy_inputs.h) use it.  Its layout is fixed with seckit_error's. */
typedef struct seckit_position {
    unsigned long line;   /* from 1; 0 = unknown */
    unsigned long column; /* from 0, bytes */
    size_t offset;        /* from 0, bytes */
} seckit_position;

#define SECKIT_ERROR_MESSAGE_MAX 512
#define SECKIT_ERROR_PUBLIC_MAX 128

/* The caller owns a seckit_error (on its stack, usually), so its layout is
 * part of the ABI and fixed: the members below keep their order, types and
 * sizes; a member can only be added at the end, with a new soname
 * (libseckit(3), API AND ABI; tests/unit/test_error.c checks the layout). */
typedef struct seckit_error {
    int code;                               /* last code set; 0 when clear */
    char message[SECKIT_ERROR_MESSAGE_MAX]; /* one line, no trailing newline */
    /* Source position, for documents (policies, configurations).  line is
     * 1-based and column 0-based (as IAM Access Analyzer reports spans);
     * line == 0 means "no position".  (Once three members line, column,
     * offset in this order: the embedded struct has the same offsets and
     * sizes, only the spelling changed to err.position.line.) */
    seckit_position position;
    /* AWS service errors: the service's error code and request id, and the
     * HTTP status; empty / 0 when not an AWS error. */
    char aws_code[96];
    char aws_request_id[96];
    int http_status;
    /* A short message safe to show a client (an HTTP peer, say): no key
     * names, provider ids, offsets or library internals.  Empty when the
     * failing function does not fill it; seckit_error_public_message()
     * then gives a generic text for the code.  (Added at the end, so the
     * offsets of the members above are unchanged.) */
    char public_message[SECKIT_ERROR_PUBLIC_MAX];
} seckit_error;

/* Reset err to "no error".  err may be NULL. */
SECKIT_EXPORT void seckit_error_clear(seckit_error *err);

/* Set code and a printf-style message; returns code so that callers can write
 * `return seckit_error_set(err, SECKIT_EFORMAT, "...")`.  err may be NULL.
 * Newlines in the formatted message are replaced by spaces. */
SECKIT_EXPORT int seckit_error_set(seckit_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Same, with a source position (err->position = at). */
SECKIT_EXPORT int seckit_error_set_at(seckit_error *err, int code, seckit_position at,
                                      const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Set the client-safe message (err->public_message), keeping the detailed
 * one; printf-style, truncated to SECKIT_ERROR_PUBLIC_MAX - 1 bytes.
 * seckit_error_set() clears it, so set it after the detailed message. */
SECKIT_EXPORT void seckit_error_set_public(seckit_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The message to show a client: err->public_message when set, otherwise a
 * generic sentence for the code's category ("the request could not be
 * processed", ...), never the detailed message.  Never NULL; "" when err
 * is NULL or holds no error. */
SECKIT_EXPORT const char *seckit_error_public_message(const seckit_error *err);

/* Prefix the existing message with "context: " (e.g. a file name). */
SECKIT_EXPORT void seckit_error_prefix(seckit_error *err, const char *context);

/* The category of a code (0 for SECKIT_OK, SECKIT_CAT_INTERNAL for unknown). */
SECKIT_EXPORT seckit_category seckit_error_category(int code);

/* A short, static, English description of a code ("malformed input"). */
SECKIT_EXPORT const char *seckit_strerror(int code);

/* The code's symbolic name ("SECKIT_EFORMAT"). */
SECKIT_EXPORT const char *seckit_error_name(int code);

#ifdef __cplusplus
}
#endif
#endif
