/* Internal SigV4 and hashing helpers shared by src/aws (the signer, the
 * HTTP layer, the S3 calls) and the tests' mock AWS server.  Not installed. */
#ifndef SECKIT_AWS_SIGV4_H
#define SECKIT_AWS_SIGV4_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/buf.h"
#include "seckit/aws.h"

#define SKT_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* Lowercase hex SHA-256 of data. */
int skt_sha256_hex(const void *data, size_t len, char out[65], seckit_error *err);

/* Lowercase hex SHA-256 of len bytes of fd from offset (pread). */
int skt_sha256_fd_hex(int fd, long long offset, unsigned long long len, char out[65],
                      seckit_error *err);

/* HMAC-SHA-256. */
int skt_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len, uint8_t out[32],
                    seckit_error *err);

/* Append s[0..n) percent-encoded (RFC 3986 unreserved kept, uppercase hex);
 * '/' is kept when keep_slash. */
int skt_uri_encode(skt_writer *w, const char *s, size_t n, int keep_slash, seckit_error *err);

/* Percent-decode s[0..n) into w ('+' is kept as '+'); SECKIT_EFORMAT on a
 * bad escape. */
int skt_uri_decode(skt_writer *w, const char *s, size_t n, seckit_error *err);

/* Format Unix seconds as YYYYMMDDTHHMMSSZ. */
void skt_amz_date(long long t, char out[17]);

/* Parse an ISO 8601 UTC time "YYYY-MM-DDTHH:MM:SS[.fff]Z" (or "+00:00");
 * returns Unix seconds or -1. */
long long skt_parse_iso8601(const char *s);

/* The canonical URI of a decoded path (normalized or not), NUL-terminated
 * in w. */
int skt_sigv4_canonical_uri(skt_writer *w, const char *path, int normalize, seckit_error *err);

#endif
