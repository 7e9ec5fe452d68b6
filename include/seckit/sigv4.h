/* seckit/sigv4.h - AWS Signature Version 4 signing (pure functions, no I/O). */
#ifndef SECKIT_SIGV4_H
#define SECKIT_SIGV4_H

#include <stddef.h>

#include "seckit/export.h"
#include "seckit/error.h"
#include "seckit/aws.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* SigV4 (pure functions, no I/O)                                      */

typedef struct seckit_sigv4_params {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token; /* NULL or "" when none */
    const char *region;
    const char *service;
    long long timestamp;      /* Unix seconds (UTC) */
    int normalize_path;       /* 1: remove dot segments and empty segments
                                   (all services but S3); 0: S3 */
    int omit_session_token;   /* 1: leave X-Amz-Security-Token out of the
                                   signature (added after signing) */
    const char *payload_hash; /* lowercase hex SHA-256 of the body, or
                                   "UNSIGNED-PAYLOAD"; NULL: SHA-256 of "" */
    int add_content_sha256;   /* 1: sign and add an x-amz-content-sha256
                                   header (S3 always does) */
    long expires_s;           /* presigning: X-Amz-Expires */
} seckit_sigv4_params;

/* The result of signing: headers or query parameters to add to the request
 * (all malloc()ed; free with seckit_sigv4_result_free).  canonical_request
 * and string_to_sign are kept for diagnosis; they contain no secret. */
typedef struct seckit_sigv4_result {
    char amz_date[17];   /* YYYYMMDDTHHMMSSZ */
    char signature[65];  /* lowercase hex */
    char *authorization; /* header form: the Authorization value */
    char *query;         /* query form: the full canonical query string
                               including X-Amz-Signature */
    char *canonical_request;
    char *string_to_sign;
    char *signed_headers;
} seckit_sigv4_result;

/* Sign a request in header form (Authorization header) or query form
 * (presigned, query = 1).  path and query are DECODED (see seckit_aws_request);
 * headers must include Host.  Header names are matched case-insensitively,
 * values trimmed and inner whitespace runs folded; repeated headers are
 * joined with ',' in the order given.  X-Amz-Date (and the session token
 * and x-amz-content-sha256 when asked for) are added by the signer, not by
 * the caller. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_sigv4_sign(seckit_sigv4_result *out, const seckit_sigv4_params *p, int query_form,
                  const char *method, const char *path, const seckit_aws_kv *query,
                  size_t query_count, const seckit_aws_kv *headers, size_t header_count,
                  seckit_error *err);
SECKIT_EXPORT void seckit_sigv4_result_free(seckit_sigv4_result *r);

#ifdef __cplusplus
}
#endif
#endif
