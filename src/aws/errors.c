/* AWS error responses (S3/CloudFront REST-XML, JSON 1.1, query XML) into
 * seckit_error, the "standard" retry policy, and secret scrubbing. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "src/aws/client.h"
#include "src/aws/xml.h"
#include "src/base/guard.h"

/* ---------------------------------------------------------------- retry */

static const char *const throttle_codes[] = {"Throttling",
                                             "ThrottlingException",
                                             "ThrottledException",
                                             "RequestThrottledException",
                                             "TooManyRequestsException",
                                             "ProvisionedThroughputExceededException",
                                             "TransactionInProgressException",
                                             "RequestLimitExceeded",
                                             "BandwidthLimitExceeded",
                                             "LimitExceededException",
                                             "RequestThrottled",
                                             "SlowDown",
                                             "PriorRequestNotComplete",
                                             "EC2ThrottledException"};

static const char *const transient_codes[] = {"RequestTimeout", "RequestTimeoutException",
                                              "InternalError", "ServiceUnavailable"};

int skt_retry_is_throttle_code(const char *code)
{
    for (size_t i = 0; code != NULL && i < SKT_ARRAY_LEN(throttle_codes); i++)
        if (strcmp(code, throttle_codes[i]) == 0)
            return 1;
    return 0;
}

int skt_retry_classify(int transport_rc, int http_status, const char *aws_code)
{
    if (transport_rc == SECKIT_ETIMEOUT)
        return SKT_RETRY_TIMEOUT;
    if (transport_rc == SECKIT_ENETWORK)
        return SKT_RETRY_TRANSIENT;
    if (transport_rc != 0)
        return SKT_RETRY_NO;
    if (skt_retry_is_throttle_code(aws_code) || http_status == 429)
        return SKT_RETRY_THROTTLE;
    for (size_t i = 0; aws_code != NULL && i < SKT_ARRAY_LEN(transient_codes); i++)
        if (strcmp(aws_code, transient_codes[i]) == 0)
            return SKT_RETRY_TRANSIENT;
    if (http_status >= 500 && http_status <= 599 && http_status != 501)
        return SKT_RETRY_TRANSIENT;
    return SKT_RETRY_NO;
}

long skt_retry_backoff_ms(int retry, double rand01)
{
    if (retry < 1)
        retry = 1;
    if (rand01 < 0)
        rand01 = 0;
    if (rand01 > 1)
        rand01 = 1;
    double base = 1000.0;
    for (int i = 1; i < retry && base < SKT_RETRY_MAX_BACKOFF_MS; i++)
        base *= 2;
    double d = rand01 * base;
    if (d > SKT_RETRY_MAX_BACKOFF_MS)
        d = SKT_RETRY_MAX_BACKOFF_MS;
    return (long)d;
}

void skt_retry_quota_init(skt_retry_quota *q)
{
    q->tokens = SKT_RETRY_QUOTA_MAX;
}

int skt_retry_quota_acquire(skt_retry_quota *q, int kind, int *cost)
{
    int c = kind == SKT_RETRY_TIMEOUT ? SKT_RETRY_TIMEOUT_COST : SKT_RETRY_COST;
    if (q->tokens < c)
        return -1;
    q->tokens -= c;
    *cost = c;
    return 0;
}

void skt_retry_quota_release(skt_retry_quota *q, int cost)
{
    q->tokens += cost > 0 ? cost : 1;
    if (q->tokens > SKT_RETRY_QUOTA_MAX)
        q->tokens = SKT_RETRY_QUOTA_MAX;
}

/* -------------------------------------------------------------- errors */

static const char *const auth_codes[] = {"InvalidClientTokenId",
                                         "SignatureDoesNotMatch",
                                         "ExpiredToken",
                                         "ExpiredTokenException",
                                         "InvalidAccessKeyId",
                                         "UnrecognizedClientException",
                                         "InvalidSignatureException",
                                         "IncompleteSignature",
                                         "IncompleteSignatureException",
                                         "MissingAuthenticationToken",
                                         "MissingAuthenticationTokenException",
                                         "AuthFailure",
                                         "InvalidToken",
                                         "TokenRefreshRequired",
                                         "RequestExpired",
                                         "RequestTimeTooSkewed",
                                         "InvalidSecurity",
                                         "AuthorizationHeaderMalformed",
                                         "MissingSecurityHeader",
                                         "InvalidSecurityToken"};

int skt_aws_is_auth_code(const char *code)
{
    for (size_t i = 0; code != NULL && i < SKT_ARRAY_LEN(auth_codes); i++)
        if (strcmp(code, auth_codes[i]) == 0)
            return 1;
    return 0;
}

static const char *status_code_name(int status)
{
    switch (status) {
    case 301: return "MovedPermanently";
    case 304: return "NotModified";
    case 307: return "TemporaryRedirect";
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 409: return "Conflict";
    case 412: return "PreconditionFailed";
    case 416: return "InvalidRange";
    case 429: return "TooManyRequests";
    case 500: return "InternalError";
    case 501: return "NotImplemented";
    case 502: return "BadGateway";
    case 503: return "ServiceUnavailable";
    case 504: return "GatewayTimeout";
    default: return NULL;
    }
}

/* Copy service text, dropping control characters, at most n-1 bytes. */
static void clean_copy(char *dst, size_t n, const char *src)
{
    size_t j = 0;
    for (size_t i = 0; src != NULL && src[i] && j + 1 < n; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[j++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
    }
    if (n > 0)
        dst[j] = '\0';
}

static int valid_code(const char *s)
{
    if (s == NULL || *s == '\0' || strlen(s) > 90)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '_' || *s == '-' || *s == ':'))
            return 0;
    return 1;
}

int skt_aws_parse_error(int protocol, int http_status, const char *method, const void *body,
                        size_t body_len, const char *request_id_header, const char *what,
                        seckit_error *err)
{
    char code[96] = "", message[320] = "", reqid[96] = "";
    int parsed = 0;
    if (request_id_header != NULL)
        clean_copy(reqid, sizeof reqid, request_id_header);
    if (body != NULL && body_len > 0 && (method == NULL || strcmp(method, "HEAD") != 0)) {
        if (protocol == SECKIT_AWS_PROTO_JSON) {
            cJSON *j = body_len < (1u << 20) ? cJSON_ParseWithLength(body, body_len) : NULL;
            if (cJSON_IsObject(j)) {
                const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "__type"));
                if (t == NULL)
                    t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "code"));
                const char *m =
                    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "message"));
                if (m == NULL)
                    m = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "Message"));
                if (t != NULL) {
                    const char *hash = strrchr(t, '#');
                    clean_copy(code, sizeof code, hash ? hash + 1 : t);
                    char *colon = strchr(code, ':');
                    if (colon != NULL)
                        *colon = '\0';
                    parsed = valid_code(code);
                }
                if (m != NULL)
                    clean_copy(message, sizeof message, m);
            }
            cJSON_Delete(j);
        } else {
            skt_xml_node *root = NULL;
            if (skt_xml_parse(body, body_len, &root, NULL) == 0) {
                const skt_xml_node *e = NULL;
                if (strcmp(skt_xml_local(root), "Error") == 0)
                    e = root;
                else if (strcmp(skt_xml_local(root), "ErrorResponse") == 0 ||
                         strcmp(skt_xml_local(root), "Response") == 0)
                    e = skt_xml_child(root, "Error");
                if (e == NULL && strcmp(skt_xml_local(root), "Response") == 0)
                    e = skt_xml_path(root, "Errors/Error");
                if (e != NULL) {
                    clean_copy(code, sizeof code, skt_xml_text(e, "Code"));
                    clean_copy(message, sizeof message, skt_xml_text(e, "Message"));
                    parsed = valid_code(code);
                    const char *rid = skt_xml_text(e, "RequestId");
                    if (rid == NULL)
                        rid = skt_xml_text(root, "RequestId");
                    if (rid == NULL)
                        rid = skt_xml_text(root, "RequestID");
                    if (rid != NULL && *rid)
                        clean_copy(reqid, sizeof reqid, rid);
                }
                skt_xml_free(root);
            }
        }
    }
    const char *sname = status_code_name(http_status);
    if (!parsed) {
        if (sname != NULL)
            snprintf(code, sizeof code, "%s", sname);
        else
            snprintf(code, sizeof code, "HTTP%d", http_status);
        if (body_len > 0 && (method == NULL || strcmp(method, "HEAD") != 0))
            snprintf(message, sizeof message,
                     "HTTP %d with an error body that is not a valid %s error (%zu bytes)",
                     http_status, protocol == SECKIT_AWS_PROTO_JSON ? "JSON" : "XML", body_len);
        else
            snprintf(message, sizeof message, "HTTP %d", http_status);
    }
    int rc = skt_aws_is_auth_code(code) ? SECKIT_EAWSAUTH : SECKIT_EAWS;
    if (message[0] == '\0')
        snprintf(message, sizeof message, "%s", code);
    seckit_error_set(err, rc, "%s: %s (HTTP %d)", what != NULL ? what : "AWS", message,
                     http_status);
    if (err != NULL) {
        snprintf(err->aws_code, sizeof err->aws_code, "%s", code);
        snprintf(err->aws_request_id, sizeof err->aws_request_id, "%s", reqid);
        err->http_status = http_status;
    }
    return rc;
}

static void scrub_one(char *msg, const char *secret)
{
    size_t sl = secret != NULL ? strlen(secret) : 0;
    if (sl < 4)
        return;
    char *p;
    while ((p = strstr(msg, secret)) != NULL) {
        size_t rest = strlen(p + sl);
        memcpy(p, "****", 4);
        memmove(p + 4, p + sl, rest + 1);
    }
}

void skt_aws_scrub(const seckit_aws_credentials *c, seckit_error *err)
{
    if (c == NULL || err == NULL)
        return;
    scrub_one(err->message, c->secret_access_key);
    scrub_one(err->message, c->session_token);
    scrub_one(err->aws_code, c->secret_access_key);
    scrub_one(err->aws_request_id, c->secret_access_key);
}
