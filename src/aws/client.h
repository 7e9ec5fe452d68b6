/* Internal: the AWS client (seckit_aws), shared-file parsing, credential
 * providers, retry policy and error parsing.  Not installed. */
#ifndef SECKIT_AWS_CLIENT_H
#define SECKIT_AWS_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "seckit/aws.h"

/* ---- INI files (~/.aws/config, ~/.aws/credentials) ---- */

typedef struct skt_ini_entry {
    char *section; /* as written between [ ] (trimmed) */
    char *key;     /* lower-cased; nested keys "s3.addressing_style" */
    char *value;   /* trimmed */
} skt_ini_entry;

typedef struct skt_ini {
    skt_ini_entry *e;
    size_t n;
    char **sections;
    size_t nsections;
} skt_ini;

/* Parse INI text; SECKIT_EFORMAT with the line number on a bad line.
 * Values are wiped when the ini is freed (credentials files hold secrets). */
int skt_ini_parse(const char *text, size_t len, skt_ini *out, seckit_error *err);
/* Read and parse a file; a missing file is an empty ini (returns 0). */
int skt_ini_load(const char *path, skt_ini *out, seckit_error *err);
void skt_ini_free(skt_ini *ini);
int skt_ini_has_section(const skt_ini *ini, const char *section);
const char *skt_ini_get(const skt_ini *ini, const char *section, const char *key);

/* ---- retry policy (AWS "standard" mode) ---- */

enum skt_retry_kind {
    SKT_RETRY_NO = 0,
    SKT_RETRY_TRANSIENT = 1, /* 5xx, connection failures: costs 5 tokens */
    SKT_RETRY_THROTTLE = 2,  /* throttling codes / 429: costs 5 tokens */
    SKT_RETRY_TIMEOUT = 3    /* timeouts: costs 10 tokens */
};

#define SKT_RETRY_QUOTA_MAX 500
#define SKT_RETRY_COST 5
#define SKT_RETRY_TIMEOUT_COST 10
#define SKT_RETRY_MAX_BACKOFF_MS 20000

/* Classify an attempt: transport code (0 or SECKIT_ENETWORK/ETIMEOUT),
 * HTTP status and AWS error code (may be NULL). */
int skt_retry_classify(int transport_rc, int http_status, const char *aws_code);
/* 1 when code is a throttling error code. */
int skt_retry_is_throttle_code(const char *aws_code);
/* Backoff before retry number `retry` (1 = first retry): rand01 * 2^(retry-1)
 * seconds, capped at 20 s; in milliseconds. */
long skt_retry_backoff_ms(int retry, double rand01);

typedef struct skt_retry_quota {
    int tokens;
} skt_retry_quota;

void skt_retry_quota_init(skt_retry_quota *q);
/* Take the cost of a retry of that kind; 0 and *cost set when possible,
 * -1 when the quota is exhausted. */
int skt_retry_quota_acquire(skt_retry_quota *q, int kind, int *cost);
/* After a success: give back the cost of the retry that succeeded (cost > 0)
 * or add 1 token for a first-attempt success (cost == 0). */
void skt_retry_quota_release(skt_retry_quota *q, int cost);

/* ---- error parsing ---- */

/* Parse an error response of the protocol into err (aws_code, message,
 * aws_request_id, http_status).  Returns SECKIT_EAWSAUTH for authentication
 * failures, SECKIT_EAWS otherwise.  what: "kms Decrypt" etc. for the message. */
int skt_aws_parse_error(int protocol, int http_status, const char *method, const void *body,
                        size_t body_len, const char *request_id_header, const char *what,
                        seckit_error *err);
/* 1 when the AWS error code means bad or expired credentials. */
int skt_aws_is_auth_code(const char *code);

/* Replace every occurrence of the client's secrets (secret key, session
 * token) in err->message with "****". */
void skt_aws_scrub(const seckit_aws_credentials *c, seckit_error *err);

/* ---- the client ---- */

typedef struct skt_aws_hooks {
    void (*sleep_ms)(void *ctx, long ms);
    double (*rand01)(void *ctx);
    long long (*now)(void *ctx);
    void *ctx;
} skt_aws_hooks;

#define SKT_AWS_NSERVICES 6
#define SKT_AWS_BUCKET_REGIONS 32

enum skt_retry_mode { SKT_RETRY_MODE_STANDARD = 0, SKT_RETRY_MODE_LEGACY, SKT_RETRY_MODE_ADAPTIVE };

/* A bucket's region learned from a redirect (per client, for the run). */
typedef struct skt_bucket_region {
    char bucket[256];
    char region[64];
} skt_bucket_region;

struct seckit_aws {
    void *curl;  /* CURL * */
    void *share; /* CURLSH * of a seckit_aws_pool, or NULL */
    char region[64];
    char profile[128];
    int profile_explicit;            /* named by options (--profile) */
    int profile_exists;              /* found in either file */
    char *endpoint_url;              /* options.endpoint_url */
    char *endpoint_service;          /* options.endpoint_service (NULL: every service) */
    int ignore_configured_endpoints; /* AWS_IGNORE_CONFIGURED_ENDPOINT_URLS */
    int retry_mode;                  /* enum skt_retry_mode */
    long long clock_offset;          /* server time minus local time, seconds (signing) */
    skt_bucket_region bucket_regions[SKT_AWS_BUCKET_REGIONS];
    size_t n_bucket_regions, next_bucket_region;
    char *ca_bundle;
    long connect_timeout_ms, timeout_ms, stall_timeout_ms;
    int max_attempts;
    int s3_addressing;
    skt_ini config, credentials;
    char endpoints[SKT_AWS_NSERVICES][512];
    int endpoint_custom[SKT_AWS_NSERVICES];
    seckit_aws_credentials *creds; /* guarded memory */
    int have_creds;
    int explicit_creds;
    skt_retry_quota quota;
    skt_aws_hooks hooks;
    int resolving; /* re-entrancy guard for assume-role chains */
    /* options.mfa_prompt / mfa_prompt_ctx (assume-role profiles with
     * mfa_serial) */
    int (*mfa_prompt)(void *ctx, const char *profile, const char *serial, char *code,
                      size_t code_size);
    void *mfa_prompt_ctx;
    /* options.trace / trace_ctx (--debug) */
    void (*trace)(void *ctx, const char *line);
    void *trace_ctx;
    const char *region_source; /* static strings, see seckit_aws_region_source */
    const char *profile_source;
};

/* Pass one formatted line to the client's trace callback (nothing when
 * none is set).  Never give it a secret. */
void skt_aws_trace(seckit_aws *aws, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Trace one header line ("Name: value") with its secrets replaced by
 * "****" (see seckit_aws_options.trace); prefix goes before it. */
void skt_aws_trace_header(seckit_aws *aws, const char *prefix, const char *name, const char *value);

/* Tests: replace sleeping, randomness and the clock. */
void skt_aws_set_hooks(seckit_aws *aws, const skt_aws_hooks *hooks);
/* Tests: the retry quota's current tokens. */
int skt_aws_retry_tokens(const seckit_aws *aws);
long long skt_aws_now(seckit_aws *aws);

/* The time used for signing: the clock plus the offset learned from a
 * RequestTimeTooSkewed answer. */
long long skt_aws_sign_time(seckit_aws *aws);

/* 1 when the service's endpoint came from configuration (not AWS's). */
int skt_aws_endpoint_is_custom(seckit_aws *aws, const char *service);
/* The endpoint configured for svc (any service name, e.g. "sso") by
 * --endpoint-url (its own service only), AWS_ENDPOINT_URL_<SVC>,
 * AWS_ENDPOINT_URL, the profile's [services] section or endpoint_url, as
 * seckit_aws_endpoint resolves them, into out (trailing '/' removed);
 * out is "" when none is configured (or they are ignored). */
int skt_aws_configured_endpoint_for(seckit_aws *aws, const char *svc, char *out, size_t n,
                                    seckit_error *err);
/* AWS's own endpoint of a service in a region ("https://s3.eu-west-1.amazonaws.com"). */
int skt_aws_default_endpoint(const char *service, const char *region, char *out, size_t n,
                             seckit_error *err);
/* S3 buckets' regions learned from redirects (NULL when unknown). */
const char *skt_aws_bucket_region(const seckit_aws *aws, const char *bucket);
void skt_aws_remember_bucket_region(seckit_aws *aws, const char *bucket, const char *region);
/* 1 when s is a plausible region name (lower-case letters, digits, '-'). */
int skt_aws_valid_region(const char *s);

/* The proxy (may be "") and the no-proxy list for an endpoint of scheme
 * "http" or "https", from the environment as the AWS CLI reads it (see
 * seckit/aws.h); loopback and metadata addresses are always in the list. */
void skt_aws_proxy_for(const char *scheme, char *proxy, size_t proxy_n, char *noproxy,
                       size_t noproxy_n);

/* A header name must be an HTTP token, its value free of control
 * characters; SECKIT_EINVAL naming the header (never the value). */
int skt_aws_check_header(const char *name, const char *value, const char *what, seckit_error *err);

/* Send with explicit credentials (NULL = unsigned) and a signing region
 * override (NULL = the service's).  Used by credential providers. */
int skt_aws_send_as(seckit_aws *aws, const seckit_aws_request *req,
                    const seckit_aws_credentials *creds, seckit_aws_response *resp,
                    seckit_error *err);

/* Sleep the retry policy's backoff before retry number `retry` (1 = the
 * first retry), with the client's hooks (callers that retry on their own,
 * e.g. a resumed S3 download). */
void skt_aws_retry_wait(seckit_aws *aws, int retry);

/* One unsigned HTTP attempt to a full URL (container credentials, IMDS). */
int skt_aws_http_plain(seckit_aws *aws, const char *method, const char *url,
                       const seckit_aws_kv *headers, size_t nheaders, long timeout_ms,
                       seckit_aws_response *resp, seckit_error *err);

/* Credential chain (creds.c). */
int skt_aws_resolve_credentials(seckit_aws *aws, seckit_aws_credentials *out, seckit_error *err);

/* 1 when a container-credentials URL may be used: https, or plain http to a
 * loopback IP literal (127.0.0.0/8, ::1) or an ECS/EKS agent address
 * (169.254.170.2, 169.254.170.23, fd00:ec2::23); the host is parsed with
 * libcurl's own URL parser, so no name (localhost, 127.0.0.1.example.net)
 * passes.  0 otherwise. */
int skt_aws_container_url_allowed(const char *url);

/* The instance metadata base URL (no trailing '/'): the endpoint from
 * AWS_EC2_METADATA_SERVICE_ENDPOINT or the profile's
 * ec2_metadata_service_endpoint, else http://169.254.169.254 or, in IPv6
 * mode (AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE / the profile's
 * ec2_metadata_service_endpoint_mode), http://[fd00:ec2::254]. */
int skt_aws_imds_base(const seckit_aws *aws, char *out, size_t n, seckit_error *err);

/* ---- the AWS CLI's credential cache (~/.aws/cli/cache, creds.c) ---- */

#define SKT_CRED_CACHE_WINDOW 900 /* refresh 15 minutes before expiry */

/* The cache file name (40 hex digits, NUL) for an AssumeRole or
 * AssumeRoleWithWebIdentity call: SHA-1 of the JSON of its arguments with
 * sorted keys, as the AWS CLI writes it.  session_name, external_id,
 * serial may be NULL (not configured); duration_s 0 = not configured. */
int skt_cred_cache_key_role(const char *role_arn, const char *session_name, const char *external_id,
                            const char *serial, long duration_s, char out[41], seckit_error *err);
/* The SSO credentials cache key: session_name (sso_session profiles) or
 * start_url (legacy profiles). */
int skt_cred_cache_key_sso(const char *account_id, const char *role_name, const char *session_name,
                           const char *start_url, char out[41], seckit_error *err);
/* Lowercase hex SHA-1 of a string (the SSO token cache's file names). */
int skt_sha1_hex(const char *s, char out[41], seckit_error *err);
/* Load cached credentials: 0 and *out filled when the entry exists and
 * expires more than min_left seconds after now; 1 when there is no usable
 * entry (missing, unreadable, malformed, expiring). */
int skt_cred_cache_load(const char *key, long long now, long long min_left,
                        seckit_aws_credentials *out);
/* Store credentials (atomically, file 0600, folders 0700).  provider_type
 * (may be NULL) and account_id (may be NULL) are written as the AWS CLI
 * writes them for SSO.  Failures are returned but callers may ignore them. */
int skt_cred_cache_store(const char *key, const seckit_aws_credentials *c,
                         const char *provider_type, const char *account_id, seckit_error *err);

/* IAM Identity Center (sso.c): credentials of a profile with sso_session or
 * sso_start_url (+ sso_account_id, sso_role_name).  1 when the profile has
 * no SSO configuration. */
int skt_aws_sso_credentials(seckit_aws *aws, const char *profile, seckit_aws_credentials *out,
                            seckit_error *err);

/* Profile lookups in config (with "profile " prefix rules) and credentials
 * files. */
const char *skt_aws_profile_get(const seckit_aws *aws, const char *profile, const char *key);
const char *skt_aws_cred_file_get(const seckit_aws *aws, const char *profile, const char *key);
const char *skt_aws_profile_name(const seckit_aws *aws);
int skt_aws_profile_explicit(const seckit_aws *aws);

/* Parse credentials JSON (container, IMDS, credential_process shapes). */
int skt_aws_parse_credentials_json(const char *json, size_t len, const char *source,
                                   seckit_aws_credentials *out, seckit_error *err);

/* ---- protocol helpers (protocols.c) ---- */

struct skt_xml_node;
struct cJSON;

/* A query-protocol call (STS, IAM): POST Action=..&Version=..&params,
 * response XML parsed; *result is <ActionResult> inside *root (free root
 * with skt_xml_free).  creds NULL: the client's credentials. */
int skt_aws_query_call(seckit_aws *aws, const seckit_aws_credentials *creds, const char *service,
                       const char *action, const char *version, const seckit_aws_kv *params,
                       size_t nparams, struct skt_xml_node **root,
                       const struct skt_xml_node **result, seckit_error *err);

/* A JSON 1.1 call (KMS, SSM): target "TrentService.Decrypt"; *out is the
 * parsed response object (cJSON_Delete it; wipe secrets first). */
int skt_aws_json_call(seckit_aws *aws, const char *service, const char *target,
                      const struct cJSON *request, struct cJSON **out, seckit_error *err);

/* The same, signed for (and on AWS's endpoint sent to) region; NULL: the
 * client's region. */
int skt_aws_json_call_in(seckit_aws *aws, const char *service, const char *region,
                         const char *target, const struct cJSON *request, struct cJSON **out,
                         seckit_error *err);

/* The region of a key ARN ("arn:PARTITION:SERVICE:REGION:ACCOUNT:..."),
 * into out (64 bytes); 0 when key_id is not an ARN with a region. */
int skt_aws_arn_region(const char *key_id, char out[64]);

/* A REST-XML call (CloudFront): method, path, optional XML body; *root is
 * the parsed response (NULL for an empty body); resp receives headers
 * (ETag, Location). */
int skt_aws_rest_xml_call(seckit_aws *aws, const char *service, const char *method,
                          const char *path, const seckit_aws_kv *query, size_t nquery,
                          const seckit_aws_kv *headers, size_t nheaders, const char *body,
                          struct skt_xml_node **root, seckit_aws_response *resp, seckit_error *err);

/* Wipe every string value in a cJSON tree, then delete it. */
void skt_json_wipe_delete(struct cJSON *j);

/* STS AssumeRole signed with explicit credentials (assume-role profiles). */
int skt_sts_assume_role_as(seckit_aws *aws, const seckit_aws_credentials *creds,
                           const char *role_arn, const char *session_name, const char *external_id,
                           long duration_s, seckit_aws_credentials *out, seckit_error *err);
/* The same with an MFA device (serial and token_code both set, or both
 * NULL). */
int skt_sts_assume_role_mfa(seckit_aws *aws, const seckit_aws_credentials *creds,
                            const char *role_arn, const char *session_name, const char *external_id,
                            long duration_s, const char *serial, const char *token_code,
                            seckit_aws_credentials *out, seckit_error *err);
/* STS AssumeRoleWithWebIdentity, unsigned (the token is the credential). */
int skt_sts_assume_role_web_identity(seckit_aws *aws, const char *role_arn,
                                     const char *session_name, const char *token,
                                     seckit_aws_credentials *out, seckit_error *err);

#endif
