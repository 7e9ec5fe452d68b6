/* seckit/aws.h - a thin AWS API layer: SigV4 signing, the AWS CLI's
 * credential and configuration chain, HTTP over libcurl with the AWS
 * "standard" retry mode, service error parsing, and typed STS, KMS, SSM,
 * IAM and CloudFront calls.  S3 object calls (seckit/s3.h) are built on
 * seckit_aws_send() below.
 *
 * Threads: a seckit_aws client owns one libcurl handle (connections are
 * reused between calls) and must not be used by two threads at once; make
 * one client per thread.  Clients in several threads can share one pool of
 * connections (seckit_aws_pool below).
 *
 * Secrets (secret access keys, session tokens, decrypted plaintext) never
 * appear in any seckit_error message.
 */
#ifndef SECKIT_AWS_H
#define SECKIT_AWS_H

#include <stddef.h>
#include <stdint.h>

#include "seckit/export.h"
#include "seckit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Credentials                                                         */

#define SECKIT_AWS_KEY_ID_MAX 128
#define SECKIT_AWS_SECRET_MAX 128
#define SECKIT_AWS_TOKEN_MAX 4096

typedef struct seckit_aws_credentials {
    char access_key_id[SECKIT_AWS_KEY_ID_MAX + 1];
    char secret_access_key[SECKIT_AWS_SECRET_MAX + 1];
    char session_token[SECKIT_AWS_TOKEN_MAX + 1]; /* "" when none */
    long long expiration;                         /* Unix seconds; 0 = does not expire */
    /* Where they came from, for messages: "options", "environment",
     * "shared-credentials-file", "config-file", "assume-role",
     * "web-identity", "sso", "credential-process", "container",
     * "instance-metadata". */
    char source[32];
} seckit_aws_credentials;

/* Wipe a credentials struct (all fields).  c may be NULL. */
SECKIT_EXPORT void seckit_aws_credentials_wipe(seckit_aws_credentials *c);

/* ------------------------------------------------------------------ */
/* Client configuration                                                */

enum seckit_aws_s3_addressing {
    SECKIT_AWS_S3_AUTO = 0,   /* virtual-hosted for DNS-compatible bucket names
                                 without dots on AWS endpoints; path-style on
                                 custom endpoints (--endpoint-url, AWS_ENDPOINT_URL*) */
    SECKIT_AWS_S3_PATH = 1,   /* https://endpoint/bucket/key */
    SECKIT_AWS_S3_VIRTUAL = 2 /* https://bucket.endpoint/key */
};

/* Everything may be zero/NULL: the AWS CLI's environment variables and
 * shared files then decide, in the AWS CLI's order:
 *
 * Credentials: options.credentials; AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY
 *   (+ AWS_SESSION_TOKEN) -- unless a profile was named by options.profile;
 *   then the profile (options.profile, else AWS_PROFILE, else "default"):
 *   its AWS_CONFIG_FILE (~/.aws/config, "[profile NAME]" or "[default]")
 *   section with the same-named AWS_SHARED_CREDENTIALS_FILE
 *   (~/.aws/credentials) section on top, as the AWS CLI merges them, in
 *   this order:
 *   - role_arn + source_profile or credential_source (Environment,
 *     EcsContainer, Ec2InstanceMetadata): STS AssumeRole with
 *     role_session_name, external_id, duration_seconds; with mfa_serial the
 *     code comes from options.mfa_prompt (none: SECKIT_EAWSAUTH, and no
 *     AssumeRole is sent without the code);
 *   - web_identity_token_file + role_arn (+ role_session_name), each
 *     overridden by AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN,
 *     AWS_ROLE_SESSION_NAME unless options.profile is set: STS
 *     AssumeRoleWithWebIdentity, unsigned;
 *   - IAM Identity Center: sso_session (an "[sso-session NAME]" section with
 *     sso_start_url, sso_region) or legacy sso_start_url + sso_region, with
 *     sso_account_id + sso_role_name: the token `aws sso login` cached in
 *     ~/.aws/sso/cache/<SHA-1 of the session name or start URL>.json, sent to
 *     the portal's GetRoleCredentials (AWS_ENDPOINT_URL_SSO, else
 *     https://portal.sso.REGION.amazonaws.com); missing, expired or refused
 *     tokens fail with a message saying to run `aws sso login --profile NAME`;
 *   - static keys (credentials file, then credential_process, then config
 *     file keys); credential_process prints JSON Version 1 on stdout.
 *   A profile naming something that cannot be used (unknown
 *   credential_source, source_profile or credential_source without role_arn,
 *   a missing source profile or sso-session, login_session, an incomplete
 *   SSO setup) fails with a message naming it (SECKIT_EAWSAUTH,
 *   SECKIT_EUNSUPPORTED or SECKIT_EINVAL), never "no credentials found".
 *   Assumed-role, web identity and SSO credentials are cached in the AWS
 *   CLI's cache, $HOME/.aws/cli/cache/<SHA-1 of the call's arguments>.json
 *   (the AWS CLI's names and JSON; files 0600, folders 0700, written
 *   atomically), used until 15 minutes before they expire; a failed
 *   refresh keeps credentials that are still valid (in the cache or in the
 *   client, which refreshes 5 minutes before expiry).
 *   Then container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI on
 *   169.254.170.2, or AWS_CONTAINER_CREDENTIALS_FULL_URI: https, or plain
 *   http only to a loopback IP literal, 127.0.0.0/8 or [::1], or the ECS/EKS
 *   agent, 169.254.170.2, 169.254.170.23, [fd00:ec2::23]; with
 *   AWS_CONTAINER_AUTHORIZATION_TOKEN or _TOKEN_FILE);
 *   then EC2 instance metadata: IMDSv2 session tokens, IMDSv1 when the token
 *   request is answered 403, 404 or 405 (refused with
 *   AWS_EC2_METADATA_V1_DISABLED=true / ec2_metadata_v1_disabled); endpoint
 *   from AWS_EC2_METADATA_SERVICE_ENDPOINT / ec2_metadata_service_endpoint,
 *   else http://169.254.169.254, or http://[fd00:ec2::254] in IPv6 mode
 *   (AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE / ec2_metadata_service_endpoint_mode);
 *   off with AWS_EC2_METADATA_DISABLED=true.
 * Region: options.region, AWS_REGION, AWS_DEFAULT_REGION, the profile's
 *   "region".
 * Endpoint of a service, in the AWS CLI's order: options.endpoint_url when
 *   options.endpoint_service names that service (or is NULL: every
 *   service); then, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or else the
 *   profile's ignore_configured_endpoint_urls) is "true":
 *   AWS_ENDPOINT_URL_<SERVICE> (S3, KMS, SSM, STS, IAM, CLOUDFRONT),
 *   AWS_ENDPOINT_URL, the "endpoint_url" of the service's subsection in the
 *   config file's [services NAME] section that the profile names with
 *   "services = NAME", the profile's endpoint_url; then the AWS default
 *   (https://kms.REGION.amazonaws.com; iam.amazonaws.com,
 *   cloudfront.amazonaws.com and sts.amazonaws.com are global and signed
 *   for us-east-1; STS uses the regional endpoint when a region is set).
 *   A setting other than true/false for the ignore switch is an error.
 * CA bundle: options.ca_bundle, AWS_CA_BUNDLE, the profile's ca_bundle, the
 *   system default.  TLS verification is always on.
 * Proxies, as the AWS CLI (Python's urllib) reads them: for an https
 *   endpoint https_proxy, else HTTPS_PROXY; for an http endpoint
 *   http_proxy, else HTTP_PROXY (upper-case HTTP_PROXY is ignored when
 *   REQUEST_METHOD is set, i.e. in a CGI program); no_proxy, else NO_PROXY,
 *   lists hosts (and domain suffixes, "*" for all) reached directly.
 *   ALL_PROXY is not used.  Loopback addresses and the ECS/EC2 metadata
 *   addresses are always reached directly.  The library passes these to
 *   libcurl itself, so libcurl's own environment rules do not apply.
 * Retry mode: AWS_RETRY_MODE, else the profile's retry_mode: "standard"
 *   (the default), "legacy" or "adaptive" (both retried as "standard";
 *   legacy's default is 5 attempts).  Anything else is an error.
 * Attempts: options.max_attempts, AWS_MAX_ATTEMPTS, the profile's
 *   max_attempts, then 3 (5 in legacy mode).  A value that is not a whole
 *   number of 1 or more is an error naming the value and where it is set
 *   (botocore's rule: no upper bound; the retry quota still limits retries).
 */
typedef struct seckit_aws_options {
    unsigned int version; /* SECKIT_AWS_OPTIONS_VERSION */
    const char *profile;
    const char *region;
    const char *endpoint_url;
    const char *endpoint_service; /* the service endpoint_url is for: "s3",
                                     "sts", "kms", ... (the AWS CLI's
                                     --endpoint-url applies to the command's
                                     own service only); NULL: every service */
    const char *ca_bundle;
    const seckit_aws_credentials *credentials; /* copied */
    long connect_timeout_ms;                   /* 0: 10 s */
    long timeout_ms;                           /* a whole request (one attempt); 0: none */
    long stall_timeout_ms;                     /* abort an attempt when nothing moves this long;
                                0: 60 s */
    int max_attempts;                          /* 1 or more; 0: see above */
    int s3_addressing;                         /* enum seckit_aws_s3_addressing */
    /* Asks for the MFA code of an assume-role profile with mfa_serial
     * (serial: the MFA device's ARN or serial number): write a
     * NUL-terminated code into code (code_size bytes) and return 0, or
     * return non-zero to refuse.  The library never prompts by itself: with
     * no callback such a profile fails (SECKIT_EAWSAUTH) instead of calling
     * AssumeRole without the code.  The seckit command asks on /dev/tty. */
    int (*mfa_prompt)(void *ctx, const char *profile, const char *serial, char *code,
                      size_t code_size);
    void *mfa_prompt_ctx;
    /* Debug trace (the AWS CLI's --debug): when set, the library calls it
     * with one line of text (no newline) for each step worth seeing: the
     * profile, region and credential source it settled on (and where each
     * came from), and for every HTTP attempt the request (method, URL,
     * headers) and the answer (status, headers, body size).  No secret is
     * ever passed: the Signature of an Authorization header, the whole
     * value of any other Authorization header, X-Amz-Security-Token and
     * every header whose name holds "token", "secret", "password",
     * "cookie" or an SSE-C "customer-key" are shown as "****", and bodies
     * are never passed.  The library never prints by itself; the seckit
     * command's --debug prints these lines on standard error. */
    void (*trace)(void *ctx, const char *line);
    void *trace_ctx;
} seckit_aws_options;

#define SECKIT_AWS_OPTIONS_VERSION 1
#define SECKIT_AWS_OPTIONS_INIT                                                                    \
    {                                                                                              \
        SECKIT_AWS_OPTIONS_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0                    \
    }

/* Fill opts with the defaults of this version of the structure (pass
 * SECKIT_AWS_OPTIONS_VERSION), the same as SECKIT_AWS_OPTIONS_INIT: the
 * defaults described above (every member 0 or NULL).  SECKIT_EINVAL when
 * opts is NULL or the version is unknown. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_aws_options_init(seckit_aws_options *opts, unsigned int version, seckit_error *err);

typedef struct seckit_aws seckit_aws;

/* Make a client.  Resolves region, profile and endpoints now; credentials
 * are resolved on first use (so a client for unsigned work needs none).
 * Fails with SECKIT_ENOTFOUND for a named profile that does not exist. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_aws_new(seckit_aws **out, const seckit_aws_options *opts,
                                                   seckit_error *err);
SECKIT_EXPORT void seckit_aws_free(seckit_aws *aws);

/* A connection pool (libcurl share of connections, DNS answers and TLS
 * sessions, with its own locks) for clients in several threads: each
 * thread keeps its own client, and a connection one client opened and
 * finished with can be reused by another.  Free the pool only after every
 * client using it was freed. */
typedef struct seckit_aws_pool seckit_aws_pool;
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_aws_pool_new(seckit_aws_pool **out, seckit_error *err);
SECKIT_EXPORT void seckit_aws_pool_free(seckit_aws_pool *pool);
/* Make aws take its connections from pool (NULL: its own again). */
SECKIT_EXPORT void seckit_aws_set_pool(seckit_aws *aws, seckit_aws_pool *pool);

/* The resolved region ("" when none was configured). */
SECKIT_EXPORT const char *seckit_aws_region(const seckit_aws *aws);
/* Where the region came from: "options", "AWS_REGION", "AWS_DEFAULT_REGION",
 * "config-file" (the profile's region), or "" when none was configured. */
SECKIT_EXPORT const char *seckit_aws_region_source(const seckit_aws *aws);
/* The profile the client reads ("default" when none was named), and where
 * its name came from: "options", "AWS_PROFILE", "AWS_DEFAULT_PROFILE" or
 * "default".  With environment credentials the profile still supplies the
 * other settings (region, endpoints, retries). */
SECKIT_EXPORT const char *seckit_aws_profile(const seckit_aws *aws);
SECKIT_EXPORT const char *seckit_aws_profile_source(const seckit_aws *aws);

/* The resolved base URL for a service ("s3", "kms", ...), no trailing '/',
 * e.g. "https://kms.eu-west-1.amazonaws.com" or "http://127.0.0.1:8080".
 * Returns a pointer valid until the client is freed. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_aws_endpoint(seckit_aws *aws, const char **url,
                                                        const char *service, seckit_error *err);

/* The current credentials (resolving or refreshing them as needed).
 * Fails with SECKIT_EAWSAUTH when none can be found. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_aws_get_credentials(seckit_aws *aws, seckit_aws_credentials *out, seckit_error *err);

/* ------------------------------------------------------------------ */
/* Requests                                                            */

typedef struct seckit_aws_kv {
    const char *name;
    const char *value;
} seckit_aws_kv;

enum seckit_aws_protocol {
    SECKIT_AWS_PROTO_AUTO = 0, /* from the service: s3/cloudfront REST-XML,
                                   kms/ssm JSON 1.1, sts/iam query */
    SECKIT_AWS_PROTO_REST_XML, /* <Error><Code/><Message/><RequestId/></Error>
                                   (S3) or <ErrorResponse><Error>.. (CloudFront) */
    SECKIT_AWS_PROTO_JSON,     /* {"__type": "...", "message": "..."} */
    SECKIT_AWS_PROTO_QUERY     /* <ErrorResponse><Error><Code/><Message/></Error>
                                   <RequestId/></ErrorResponse> */
};

struct seckit_aws_response;

/* One HTTP request.  Zero-initialise, then set what you need; body_fd and
 * response_fd must be set to -1 when unused (SECKIT_AWS_REQUEST_INIT does). */
typedef struct seckit_aws_request {
    const char *service;        /* endpoint and signing name: "s3", "kms", "ssm",
                             "sts", "iam", "cloudfront" */
    const char *method;         /* "GET", "PUT", "POST", "HEAD", "DELETE" */
    const char *bucket;         /* S3 only: the bucket (path-style or virtual-hosted
                             per the client's addressing), or NULL */
    const char *path;           /* DECODED path starting with '/', e.g. "/my key.txt"
                             (S3: the key after the bucket); NULL = "/".  The
                             library percent-encodes it (RFC 3986 unreserved
                             kept, '/' kept).  S3 paths are never normalised
                             (no dot-segment removal, no double encoding);
                             other services' paths are normalised. */
    const seckit_aws_kv *query; /* DECODED names/values; a NULL value is a
                                   valueless parameter ("?uploads") */
    size_t query_count;
    const seckit_aws_kv *headers; /* extra headers (Content-Type, Range,
                                     x-amz-meta-*, ...); Host, X-Amz-Date,
                                     Authorization, X-Amz-Security-Token,
                                     x-amz-content-sha256 and Content-Length
                                     are set by the library */
    size_t header_count;

    /* Request body: from memory (body, body_len), or streamed from body_fd:
     * exactly body_len bytes starting at body_offset, read with pread() so
     * the body can be re-sent on a retry (a non-seekable fd such as a pipe
     * is read sequentially and is then never retried).
     * Payload hash: SHA-256 of the body, except a streamed body over https,
     * which is sent as UNSIGNED-PAYLOAD (over plain http a streamed body is
     * hashed in a first pass, so it must be seekable). */
    const void *body;
    size_t body_len;
    int body_fd;
    long long body_offset;
    const char *payload_hash; /* optional: caller-computed lowercase hex
                                 SHA-256 of the body (or "UNSIGNED-PAYLOAD") */

    /* Request body from a callback (body NULL, body_fd -1): exactly
     * body_len bytes, produced in order by body_read (fills up to cap
     * bytes of buf, sets *got; 0 before body_len bytes is an error;
     * returns 0 or a negative SECKIT_E* with err set, which ends the
     * request unretried).  body_rewind makes the next body_read start the
     * SAME bytes again from the first (a retry, a resend on a fresh
     * connection); NULL: a request that read any byte is not retried.
     * Payload hash: payload_hash when set, else UNSIGNED-PAYLOAD for S3
     * over https, else a first pass over the body hashes it (then
     * body_rewind is required). */
    int (*body_read)(void *ctx, unsigned char *buf, size_t cap, size_t *got, seckit_error *err);
    int (*body_rewind)(void *ctx, seckit_error *err);
    void *body_ctx;

    /* Response body: to memory (up to response_max bytes; 0 = 16 MiB), or,
     * for 2xx answers, written to response_fd from its current offset.  On
     * a retry after a partial write the fd is rewound and truncated when it
     * is seekable; otherwise the request is not retried. */
    int response_fd;
    size_t response_max;

    int protocol;       /* enum seckit_aws_protocol */
    const char *target; /* JSON protocol: X-Amz-Target value, e.g.
                           "TrentService.Decrypt"; sets Content-Type
                           application/x-amz-json-1.1 */
    const char *region; /* sign for this region (and, on the AWS default
                           endpoint, send to it) instead of the client's,
                           e.g. the region of a KMS key ARN; NULL: the
                           client's (S3: the bucket's, once learned) */
    unsigned flags;     /* SECKIT_AWS_REQ_* */

    /* Response body to a callback instead of memory or response_fd (2xx
     * answers only; an error answer's body still goes to memory): called
     * with the answer's status and headers (head->body is NULL) and each
     * piece of the body in order.  A non-zero return (a negative SECKIT_E*
     * with err set) stops the transfer at once; seckit_aws_send returns it
     * as is, without retrying.  Once the sink has received a byte, a failed
     * attempt is not retried either (resp->body_written counts the bytes
     * delivered; the caller may resume, see seckit_s3_get_object). */
    int (*response_sink)(void *ctx, const struct seckit_aws_response *head,
                         const unsigned char *data, size_t len, seckit_error *err);
    void *response_sink_ctx;

    /* The API operation's name for messages, as IAM and the AWS CLI name it
     * ("GetObject", "ListObjectsV2"): errors then read "s3 GetObject: ...".
     * NULL: the JSON target's or query Action's name, else the method. */
    const char *operation;
} seckit_aws_request;

/* A 200 answer whose body is an S3 <Error> document is an error (with the
 * document's code), retried like a 500: CopyObject, UploadPartCopy and
 * CompleteMultipartUpload can fail after the status line was sent.  Needs
 * the response in memory (no response_fd). */
#define SECKIT_AWS_REQ_ERROR_IN_200 0x1u

#define SECKIT_AWS_REQUEST_INIT                                                                    \
    {                                                                                              \
        .body_fd = -1, .response_fd = -1                                                           \
    }

typedef struct seckit_aws_response {
    int status;          /* HTTP status of the last attempt; 0 if none */
    unsigned char *body; /* memory body (also the error body when the
                               request had response_fd); NUL-terminated;
                               NULL when empty or streamed */
    size_t body_len;
    long long body_written; /* bytes written to response_fd */
    seckit_aws_kv *headers; /* response headers of the last attempt, names
                               lower-cased, values trimmed */
    size_t header_count;
    int attempts; /* attempts made (1 + retries) */
} seckit_aws_response;

/* Send one request with signing and retries.  Returns 0 for a 2xx answer.
 *
 * Before sending, every header name must be an HTTP token and no header
 * value may hold a control character (0x00-0x1f, 0x7f): SECKIT_EINVAL
 * naming the header, nothing sent.  The path is sent byte for byte as
 * encoded (dot segments such as "a/../b" are not removed).  No "Expect"
 * header is sent.
 *
 * Besides the retry mode's retries, one more attempt is made (i) for S3,
 * when the answer says the bucket is in another region (301
 * PermanentRedirect, 400 AuthorizationHeaderMalformed naming a <Region>, or
 * an x-amz-bucket-region header on an error): the request is re-signed for
 * that region (and sent to that region's endpoint when the endpoint is
 * AWS's), and the client remembers the bucket's region for later requests;
 * (ii) on RequestTimeTooSkewed, RequestExpired or RequestInTheFuture (or a
 * bodiless 403 to a HEAD whose Date is more than 5 minutes off): the
 * client's clock offset is set from the answer's Date header and the
 * request re-signed; the offset is kept for later requests.
 *
 * When the answer is not a 2xx: SECKIT_EAWS (or SECKIT_EAWSAUTH when the credentials are bad:
 * InvalidClientTokenId, SignatureDoesNotMatch, ExpiredToken,
 * UnrecognizedClientException, InvalidAccessKeyId, ...; AccessDenied is a
 * permission error, SECKIT_EAWS) with err->aws_code,
 * err->aws_request_id, err->http_status and the service's message; for a
 * HEAD or an empty error body, aws_code is the status text ("NotFound").
 * SECKIT_ENETWORK / SECKIT_ETIMEOUT for transport failures after the last
 * attempt.  resp (may be NULL) receives the last attempt's status, headers
 * and body in every case; free it with seckit_aws_response_free(). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_aws_send(seckit_aws *aws, seckit_aws_response *resp,
                                                    const seckit_aws_request *req,
                                                    seckit_error *err);

/* A response header's value (name case-insensitive), or NULL. */
SECKIT_EXPORT const char *seckit_aws_response_header(const seckit_aws_response *resp,
                                                     const char *name);
SECKIT_EXPORT void seckit_aws_response_free(seckit_aws_response *resp);

/* A presigned URL (query-string SigV4, UNSIGNED-PAYLOAD) for req (method,
 * service, bucket, path, query; headers other than Host are not signed),
 * valid for expires_s seconds (1..604800).  *url is malloc()ed. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_aws_presign(seckit_aws *aws, char **url,
                                                       const seckit_aws_request *req,
                                                       long expires_s, seckit_error *err);

#ifdef __cplusplus
}
#endif

/* Compatibility: the typed service calls moved to their own headers. */
#include "seckit/sigv4.h"
#include "seckit/sts.h"
#include "seckit/kms.h"
#include "seckit/ssm.h"
#include "seckit/iam.h"
#include "seckit/cloudfront.h"
#endif
