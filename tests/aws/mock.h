/* Shared pieces of the mock AWS server (tests only). */
#ifndef SECKIT_TESTS_MOCK_H
#define SECKIT_TESTS_MOCK_H

#include <stddef.h>

typedef struct req {
    char method[16];
    char *target; /* raw request target */
    char *path;   /* raw (encoded) path */
    char *query;  /* raw query or "" */
    char *hname[64], *hval[64];
    size_t nh;
    char *body;
    size_t body_len;
    int proxied; /* arrived in absolute form */
} req;

const char *hget(const req *r, const char *name);
/* Write all n bytes to fd (as far as the peer takes them). */
void send_all(int fd, const char *p, size_t n);
void respond(int fd, int status, const char *ctype, const char *extra_headers, const char *body,
             size_t body_len, int head);
void respond_str(int fd, int status, const char *ctype, const char *body);
/* Query-protocol (IAM) and CloudFront error documents. */
void mock_error(int fd, int status, const char *code, const char *msg);
void mock_error_cf(int fd, int status, const char *code, const char *msg);
/* A decoded form field of an x-www-form-urlencoded body (malloc'd) or NULL. */
char *form_get(const char *body, const char *name);
char *dec(const char *s, size_t n);

void mock_handle_iam(int fd, const req *r, const char *action);
/* The fuller S3 of mock_s3.c (buckets "s3x-..."): 1 handled, 0 not one of
 * its buckets, -1 close the connection; and its unsigned /__s3x/ controls. */
int mock_s3x_handle(int fd, const req *r);
int mock_s3x_unsigned(int fd, const req *r);
/* Record a PUT to an s3x bucket (body SHA-256, x-amz-content-sha256) for
 * /__s3x/stats, before any injected failure answers it. */
void mock_s3x_note_put(const req *r);
void mock_handle_cloudfront(int fd, const req *r);
/* Credential endpoints (mock_creds.c): 1 when the request was answered. */
int mock_handle_creds(int fd, const req *r);
/* AssumeRole of an MFA role: 1 when SerialNumber/TokenCode are right,
 * otherwise 0 after answering AccessDenied. */
int mock_mfa_check(int fd, const char *body);

#endif
