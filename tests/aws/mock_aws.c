/* A loopback mock of the AWS endpoints seckit talks to, for tests.
 *
 * Listens on 127.0.0.1 with an ephemeral port and prints "PORT <n>" on
 * stdout.  Every signed request's SigV4 signature is recomputed with
 * seckit's own canonical-request code and the test credentials; a wrong
 * signature gets the service's SignatureDoesNotMatch-style error.  Answers
 * in the response shapes of the AWS API references (STS and IAM query XML,
 * KMS and SSM JSON 1.1, CloudFront REST-XML, S3 REST-XML), including error
 * responses.  Behaviour switches (unsigned): POST /__control?mode=M&count=N
 * makes the next N signed requests fail as M (throttle, 500, malformed,
 * echo-secret, close, slow); GET /__stats returns counters as JSON.
 *
 * SSM: /seckit/test/pem and /seckit/test/plain are built in; with
 * MOCK_SSM_DIR set, /seckit/test/file/NAME is a SecureString holding the
 * file MOCK_SSM_DIR/NAME.  With MOCK_LOG set, each verified request is
 * logged on stdout ("REQ service method target-or-path") and each
 * CloudFront create too ("CF-CREATED kind id name <config XML>").  CloudFront: profiles and configurations must
 * refer to public keys and profiles that exist (404 NoSuch... otherwise).
 *
 * More modes: skew (a signed request whose X-Amz-Date is more than 15
 * minutes from the mock's clock gets RequestTimeTooSkewed (S3) or
 * RequestExpired, with the mock's Date header), skew-always (that error
 * whatever the date), error200 (200 OK with an S3 <Error> body).  S3
 * buckets named rgn-REGION-KIND live in REGION: requests signed for
 * another region get KIND 301 (PermanentRedirect + x-amz-bucket-region),
 * 400 (AuthorizationHeaderMalformed naming <Region>, no header but on a
 * HEAD, whose answer has no body) or hdr
 * (400 IllegalLocationConstraintException + x-amz-bucket-region); buckets
 * s3x-rgn-REGION-KIND are the same for the fuller S3 of mock_s3.c.  S3 also
 * does DELETE, CopyObject (x-amz-copy-source) and CompleteMultipartUpload
 * (POST ?uploadId=).  A request in absolute form (through a proxy) counts
 * in "proxied".  /__stats also reports "expect_headers" (requests that
 * carried an Expect header), the last signed request's raw target,
 * method and signing region, and "redirects".
 *
 * Extra endpoints: container credentials (GET /container-creds with
 * Authorization: mock-container-token), IMDSv2 (PUT /latest/api/token,
 * GET /latest/meta-data/iam/security-credentials/[role]); web identity,
 * IAM Identity Center, MFA and IMDSv1 in mock_creds.c.
 *
 * Single-threaded, poll()-based, several keep-alive connections. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "seckit/aws.h"
#include "seckit/encoding.h"
#include "seckit/sigv4.h"
#include "src/aws/sigv4.h"
#include "tests/aws/mock.h"

#define MOCK_KEY "AKIDMOCKEXAMPLE"
#define MOCK_SECRET "mockSecret/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define ROLE_KEY "ASIAMOCKROLE"
#define ROLE_SECRET "roleSecret/abcdefghijklmnopqrstuvwxyz012"
#define ROLE_TOKEN "FwoGZXIvYXdzEMockSessionToken//+=="
#define CT_KEY "ASIAMOCKCONTAINER"
#define CT_SECRET "containerSecret/0123456789abcdefghijkl"
#define CT_TOKEN "ContainerToken+/="
#define IMDS_KEY "ASIAMOCKIMDS"
#define IMDS_SECRET "imdsSecret/0123456789abcdefghijklmnop"
#define IMDS_TOKEN "ImdsSessionToken/+=="
#define MAXCONN 32
#define MAXREQ (8u << 20)

static struct {
    int requests, connections, assume_role, sig_failures, retries_seen;
    char mode[32];
    int mode_count;
    int imds_token_requests;
    char last_ua[128];
    int expect_headers, proxied, redirects;
    char last_target[512], last_method[16], last_region[64];
    int in_head; /* answering a HEAD: never a body (HTTP), whatever the handler sends */
} st;

typedef struct conn {
    int fd;
    char *buf;
    size_t len, cap;
} conn;

const char *hget(const req *r, const char *name)
{
    for (size_t i = 0; i < r->nh; i++)
        if (strcasecmp(r->hname[i], name) == 0)
            return r->hval[i];
    return NULL;
}

void send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

void respond(int fd, int status, const char *ctype, const char *extra_headers, const char *body,
             size_t body_len, int head)
{
    char h[2048], date[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    const char *reason = status == 200   ? "OK"
                         : status == 204 ? "No Content"
                         : status == 301 ? "Moved Permanently"
                         : status == 400 ? "Bad Request"
                         : status == 403 ? "Forbidden"
                         : status == 404 ? "Not Found"
                         : status == 500 ? "Internal Server Error"
                         : status == 503 ? "Service Unavailable"
                                         : "Status";
    int n = snprintf(h, sizeof h,
                     "HTTP/1.1 %d %s\r\nDate: %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                     "x-amzn-RequestId: mock-req-%d\r\nx-amz-request-id: mock-req-%d\r\n%s\r\n",
                     status, reason, date, ctype ? ctype : "text/xml", body_len, st.requests,
                     st.requests, extra_headers ? extra_headers : "");
    send_all(fd, h, (size_t)n);
    if (!head && !st.in_head && body_len > 0)
        send_all(fd, body, body_len);
}

void respond_str(int fd, int status, const char *ctype, const char *body)
{
    respond(fd, status, ctype, NULL, body, strlen(body), 0);
}

/* ---- protocol-shaped errors ---- */

typedef enum { P_QUERY, P_JSON, P_S3, P_CF } proto;

static void error_resp(int fd, proto p, int status, const char *code, const char *msg)
{
    char b[4096];
    switch (p) {
    case P_JSON:
        snprintf(b, sizeof b, "{\"__type\":\"com.amazonaws.mock#%s\",\"message\":\"%s\"}", code,
                 msg);
        respond_str(fd, status, "application/x-amz-json-1.1", b);
        break;
    case P_S3:
        snprintf(b, sizeof b,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>%s"
                 "</Message><RequestId>mock-s3-%d</RequestId><HostId>h</HostId></Error>",
                 code, msg, st.requests);
        respond_str(fd, status, "application/xml", b);
        break;
    case P_QUERY:
    case P_CF:
        snprintf(b, sizeof b,
                 "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
                 "<Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>"
                 "<RequestId>mock-q-%d</RequestId></ErrorResponse>",
                 code, msg, st.requests);
        respond_str(fd, status, "text/xml", b);
        break;
    }
}

/* ---- SigV4 verification ---- */

char *dec(const char *s, size_t n)
{
    skt_writer w;
    skt_writer_init(&w, 1 << 20);
    if (skt_uri_decode(&w, s, n, NULL) != 0 || skt_writer_terminate(&w, NULL) != 0) {
        skt_writer_free(&w);
        return NULL;
    }
    return (char *)skt_writer_steal(&w, NULL);
}

static const char *secret_for(const char *key, const char **token)
{
    *token = NULL;
    if (strcmp(key, MOCK_KEY) == 0)
        return MOCK_SECRET;
    /* One more key pair from the environment, so that a test can sign for
     * another server (the S3 integration server) and this mock's KMS with
     * one set of credentials. */
    const char *xk = getenv("MOCK_AWS_EXTRA_KEY"), *xs = getenv("MOCK_AWS_EXTRA_SECRET");
    if (xk != NULL && xs != NULL && *xk != '\0' && strcmp(key, xk) == 0)
        return xs;
    if (strcmp(key, ROLE_KEY) == 0) {
        *token = ROLE_TOKEN;
        return ROLE_SECRET;
    }
    if (strcmp(key, CT_KEY) == 0) {
        *token = CT_TOKEN;
        return CT_SECRET;
    }
    if (strcmp(key, IMDS_KEY) == 0) {
        *token = IMDS_TOKEN;
        return IMDS_SECRET;
    }
    return NULL;
}

/* 0 ok; otherwise fills code/msg. */
static int verify(const req *r, char *service, size_t slen, char *key_out, size_t klen,
                  const char **code, char *msg, size_t mlen)
{
    const char *auth = hget(r, "authorization");
    const char *date = hget(r, "x-amz-date");
    *code = "SignatureDoesNotMatch";
    if (auth == NULL || date == NULL) {
        *code = "MissingAuthenticationToken";
        snprintf(msg, mlen, "Request is missing Authentication Token");
        return -1;
    }
    char akid[128], d8[16], region[64], svc[64], signed_h[1024], sig[80];
    if (sscanf(auth,
               "AWS4-HMAC-SHA256 Credential=%127[^/]/%15[^/]/%63[^/]/%63[^/]/aws4_request, "
               "SignedHeaders=%1023[^,], Signature=%79s",
               akid, d8, region, svc, signed_h, sig) != 6) {
        *code = "IncompleteSignature";
        snprintf(msg, mlen, "Authorization header is malformed");
        return -1;
    }
    snprintf(service, slen, "%s", svc);
    snprintf(key_out, klen, "%s", akid);
    const char *token;
    const char *secret = secret_for(akid, &token);
    if (secret == NULL) {
        *code = strcmp(svc, "kms") == 0 || strcmp(svc, "ssm") == 0 ? "UnrecognizedClientException"
                : strcmp(svc, "s3") == 0                           ? "InvalidAccessKeyId"
                                                                   : "InvalidClientTokenId";
        snprintf(msg, mlen, "The security token included in the request is invalid.");
        return -1;
    }
    const char *sent_token = hget(r, "x-amz-security-token");
    if ((token == NULL) != (sent_token == NULL) ||
        (token != NULL && strcmp(token, sent_token) != 0)) {
        *code = strcmp(svc, "kms") == 0 ? "UnrecognizedClientException" : "InvalidClientTokenId";
        snprintf(msg, mlen, "The security token included in the request is invalid.");
        return -1;
    }
    /* Signed headers (the signer adds x-amz-date, token, content hash). */
    seckit_aws_kv hs[64];
    size_t nh = 0;
    int has_token = 0, has_sha = 0;
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", signed_h);
    for (char *s = strtok(tmp, ";"); s != NULL; s = strtok(NULL, ";")) {
        if (strcmp(s, "x-amz-date") == 0)
            continue;
        if (strcmp(s, "x-amz-security-token") == 0) {
            has_token = 1;
            continue;
        }
        if (strcmp(s, "x-amz-content-sha256") == 0) {
            has_sha = 1;
            continue;
        }
        const char *v = hget(r, s);
        if (v == NULL || nh >= 64) {
            snprintf(msg, mlen, "signed header %s is missing", s);
            return -1;
        }
        hs[nh].name = s;
        hs[nh].value = v;
        nh++;
    }
    if (token != NULL && !has_token) {
        snprintf(msg, mlen, "the session token is not signed");
        return -1;
    }
    char body_hash[65];
    skt_sha256_hex(r->body ? r->body : "", r->body_len, body_hash, NULL);
    const char *payload = body_hash;
    const char *sha = hget(r, "x-amz-content-sha256");
    if (strcmp(svc, "s3") == 0) {
        if (sha == NULL || !has_sha) {
            *code = "InvalidRequest";
            snprintf(msg, mlen, "Missing required header for this request: x-amz-content-sha256");
            return -1;
        }
        if (strcmp(sha, "UNSIGNED-PAYLOAD") == 0)
            payload = sha;
        else if (strcmp(sha, body_hash) != 0) {
            *code = "XAmzContentSHA256Mismatch";
            snprintf(
                msg, mlen,
                "The provided 'x-amz-content-sha256' header does not match what was computed.");
            return -1;
        }
    }
    /* Decode path and query. */
    char *path = dec(r->path, strlen(r->path));
    seckit_aws_kv q[64];
    size_t nq = 0;
    char *qcopy = strdup(r->query);
    for (char *s = qcopy, *next; s != NULL && *s && nq < 64; s = next) {
        next = strchr(s, '&');
        if (next != NULL)
            *next++ = '\0';
        char *eq = strchr(s, '=');
        q[nq].name = dec(s, eq ? (size_t)(eq - s) : strlen(s));
        q[nq].value = eq ? dec(eq + 1, strlen(eq + 1)) : NULL;
        nq++;
    }
    seckit_sigv4_params p = {0};
    p.access_key_id = akid;
    p.secret_access_key = secret;
    p.session_token = token;
    p.region = region;
    p.service = svc;
    struct tm tm = {0};
    int Y, M, D, hh, mm, ss;
    if (sscanf(date, "%4d%2d%2dT%2d%2d%2dZ", &Y, &M, &D, &hh, &mm, &ss) != 6) {
        snprintf(msg, mlen, "bad X-Amz-Date");
        return -1;
    }
    char iso[32];
    snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02dZ", Y, M, D, hh, mm, ss);
    (void)tm;
    p.timestamp = skt_parse_iso8601(iso);
    p.normalize_path = strcmp(svc, "s3") != 0;
    p.payload_hash = payload;
    p.add_content_sha256 = has_sha;
    seckit_sigv4_result res;
    int rc = seckit_sigv4_sign(&res, &p, 0, r->method, path, q, nq, hs, nh, NULL);
    int ok = rc == 0 && strcmp(res.signature, sig) == 0 && strncmp(date, d8, 8) == 0;
    if (rc == 0)
        seckit_sigv4_result_free(&res);
    free(path);
    for (size_t i = 0; i < nq; i++) {
        free((char *)q[i].name);
        free((char *)q[i].value);
    }
    free(qcopy);
    if (!ok) {
        st.sig_failures++;
        *code = strcmp(svc, "kms") == 0 || strcmp(svc, "ssm") == 0 ? "InvalidSignatureException"
                                                                   : "SignatureDoesNotMatch";
        snprintf(msg, mlen,
                 "The request signature we calculated does not match the signature you provided.");
        return -1;
    }
    return 0;
}

/* ---- services ---- */

char *form_get(const char *body, const char *name)
{
    size_t nl = strlen(name);
    const char *p = body;
    while (p != NULL && *p) {
        const char *amp = strchr(p, '&');
        size_t l = amp ? (size_t)(amp - p) : strlen(p);
        if (l > nl && strncmp(p, name, nl) == 0 && p[nl] == '=')
            return dec(p + nl + 1, l - nl - 1);
        p = amp ? amp + 1 : NULL;
    }
    return NULL;
}

static void iso_time(long long t, char *out, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void handle_query(int fd, const req *r, const char *service, const char *key)
{
    const char *body = r->body ? r->body : "";
    char *action = form_get(body, "Action");
    char *version = form_get(body, "Version");
    char b[8192];
    if (action == NULL || version == NULL) {
        error_resp(fd, P_QUERY, 400, "MissingAction", "Action and Version are required");
    } else if (strcmp(service, "sts") == 0 && strcmp(action, "GetCallerIdentity") == 0) {
        const char *arn = strcmp(key, ROLE_KEY) == 0
                              ? "arn:aws:sts::123456789012:assumed-role/MockRole/seckit-test"
                              : "arn:aws:iam::123456789012:user/mock-user";
        snprintf(b, sizeof b,
                 "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
                 "  <GetCallerIdentityResult>\n    <Arn>%s</Arn>\n"
                 "    <UserId>AIDAMOCKUSERID</UserId>\n    <Account>123456789012</Account>\n"
                 "  </GetCallerIdentityResult>\n  <ResponseMetadata>\n"
                 "    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>\n"
                 "  </ResponseMetadata>\n</GetCallerIdentityResponse>\n",
                 arn);
        respond_str(fd, 200, "text/xml", b);
    } else if (strcmp(service, "sts") == 0 && strcmp(action, "AssumeRole") == 0) {
        char *role = form_get(body, "RoleArn");
        char *sess = form_get(body, "RoleSessionName");
        st.assume_role++;
        if (role == NULL || sess == NULL || strstr(role, ":role/") == NULL) {
            error_resp(fd, P_QUERY, 400, "ValidationError",
                       "RoleArn and RoleSessionName are required");
        } else if (strstr(role, "Denied") != NULL) {
            error_resp(fd, P_QUERY, 403, "AccessDenied",
                       "User is not authorized to perform: sts:AssumeRole");
        } else if (strstr(role, "Mfa") != NULL && !mock_mfa_check(fd, body)) {
            /* answered: MFA missing or wrong */
        } else {
            char exp[40];
            iso_time((long long)time(NULL) + 3600, exp, sizeof exp);
            snprintf(b, sizeof b,
                     "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
                     "<AssumeRoleResult><SourceIdentity>x</SourceIdentity><AssumedRoleUser>"
                     "<Arn>arn:aws:sts::123456789012:assumed-role/MockRole/%s</Arn>"
                     "<AssumedRoleId>AROAMOCK:%s</AssumedRoleId></AssumedRoleUser>"
                     "<Credentials><AccessKeyId>" ROLE_KEY "</AccessKeyId>"
                     "<SecretAccessKey>" ROLE_SECRET "</SecretAccessKey>"
                     "<SessionToken>" ROLE_TOKEN "</SessionToken>"
                     "<Expiration>%s</Expiration></Credentials>"
                     "<PackedPolicySize>6</PackedPolicySize></AssumeRoleResult>"
                     "<ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>"
                     "</ResponseMetadata></AssumeRoleResponse>",
                     sess, sess, exp);
            respond_str(fd, 200, "text/xml", b);
        }
        free(role);
        free(sess);
    } else {
        error_resp(fd, P_QUERY, 400, "InvalidAction", "The action is not valid for this endpoint");
    }
    free(action);
    free(version);
}

/* Mock KMS "ciphertext": base64 of "MOCKCT|keyid|context-json|plaintext-b64". */
static void handle_kms(int fd, const req *r, const char *target)
{
    cJSON *j = cJSON_ParseWithLength(r->body ? r->body : "", r->body_len);
    char b[16384];
    if (!cJSON_IsObject(j)) {
        error_resp(fd, P_JSON, 400, "SerializationException", "body is not JSON");
        cJSON_Delete(j);
        return;
    }
    const char *op = strchr(target, '.') + 1;
    cJSON *ctx = cJSON_GetObjectItem(j, "EncryptionContext");
    char *ctxs = ctx ? cJSON_PrintUnformatted(ctx) : strdup("{}");
    const char *keyid = cJSON_GetStringValue(cJSON_GetObjectItem(j, "KeyId"));
    if (strcmp(op, "GenerateDataKey") == 0 || strcmp(op, "Encrypt") == 0) {
        if (keyid == NULL || strstr(keyid, "missing") != NULL) {
            error_resp(fd, P_JSON, 400, "NotFoundException",
                       "Key 'arn:aws:kms:mock' does not exist");
            goto done;
        }
        char pt64[8192];
        if (strcmp(op, "Encrypt") == 0) {
            const char *p = cJSON_GetStringValue(cJSON_GetObjectItem(j, "Plaintext"));
            snprintf(pt64, sizeof pt64, "%s", p ? p : "");
        } else {
            unsigned char key[64];
            const char *spec = cJSON_GetStringValue(cJSON_GetObjectItem(j, "KeySpec"));
            cJSON *nb = cJSON_GetObjectItem(j, "NumberOfBytes");
            size_t n = spec && strcmp(spec, "AES_256") == 0   ? 32
                       : spec && strcmp(spec, "AES_128") == 0 ? 16
                       : cJSON_IsNumber(nb)                   ? (size_t)nb->valuedouble
                                                              : 0;
            if (n == 0 || n > 64) {
                error_resp(fd, P_JSON, 400, "ValidationException", "bad key size");
                goto done;
            }
            for (size_t i = 0; i < n; i++)
                key[i] = (unsigned char)(i * 7 + 3);
            if (seckit_base64_encode(pt64, sizeof pt64, NULL, key, n, SECKIT_BASE64_STANDARD,
                                     NULL) != 0) {
                error_resp(fd, P_JSON, 500, "InternalFailure", "mock: base64 failed");
                goto done;
            }
        }
        char blob[12000], blob64[16400];
        snprintf(blob, sizeof blob, "MOCKCT|%s|%s|%s", keyid, ctxs, pt64);
        if (seckit_base64_encode(blob64, sizeof blob64, NULL, blob, strlen(blob),
                                 SECKIT_BASE64_STANDARD, NULL) != 0) {
            error_resp(fd, P_JSON, 500, "InternalFailure", "mock: base64 failed");
            goto done;
        }
        if (strcmp(op, "Encrypt") == 0)
            snprintf(
                b, sizeof b,
                "{\"CiphertextBlob\":\"%s\",\"KeyId\":\"arn:aws:kms:us-east-1:123456789012:key/%s\","
                "\"EncryptionAlgorithm\":\"SYMMETRIC_DEFAULT\"}",
                blob64, keyid);
        else
            snprintf(b, sizeof b,
                     "{\"CiphertextBlob\":\"%s\",\"Plaintext\":\"%s\","
                     "\"KeyId\":\"arn:aws:kms:us-east-1:123456789012:key/%s\"}",
                     blob64, pt64, keyid);
        respond_str(fd, 200, "application/x-amz-json-1.1", b);
    } else if (strcmp(op, "Decrypt") == 0) {
        const char *ct = cJSON_GetStringValue(cJSON_GetObjectItem(j, "CiphertextBlob"));
        unsigned char raw[12000];
        size_t rl = 0;
        if (ct == NULL ||
            seckit_base64_decode(raw, sizeof raw - 1, &rl, ct, strlen(ct), SECKIT_BASE64_STANDARD,
                                 NULL) != 0 ||
            rl < 7 || memcmp(raw, "MOCKCT|", 7) != 0) {
            error_resp(fd, P_JSON, 400, "InvalidCiphertextException", "");
            goto done;
        }
        raw[rl] = '\0';
        char *k = (char *)raw + 7, *bar1 = strchr(k, '|');
        char *last = strrchr(k, '|');
        if (bar1 == NULL || last == bar1) {
            error_resp(fd, P_JSON, 400, "InvalidCiphertextException", "");
            goto done;
        }
        *bar1 = '\0';
        *last = '\0';
        if (strcmp(bar1 + 1, ctxs) != 0 || (keyid != NULL && strcmp(keyid, k) != 0)) {
            error_resp(fd, P_JSON, 400, "InvalidCiphertextException", "");
            goto done;
        }
        snprintf(b, sizeof b,
                 "{\"KeyId\":\"arn:aws:kms:us-east-1:123456789012:key/%s\",\"Plaintext\":\"%s\","
                 "\"EncryptionAlgorithm\":\"SYMMETRIC_DEFAULT\"}",
                 k, last + 1);
        respond_str(fd, 200, "application/x-amz-json-1.1", b);
    } else {
        error_resp(fd, P_JSON, 400, "UnknownOperationException", "");
    }
done:
    free(ctxs);
    cJSON_Delete(j);
}

static void handle_ssm(int fd, const req *r, const char *target)
{
    cJSON *j = cJSON_ParseWithLength(r->body ? r->body : "", r->body_len);
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(j, "Name"));
    int decrypt = cJSON_IsTrue(cJSON_GetObjectItem(j, "WithDecryption"));
    char b[8192];
    if (strcmp(target, "AmazonSSM.GetParameter") != 0 || name == NULL) {
        error_resp(fd, P_JSON, 400, "ValidationException", "bad request");
    } else if (strcmp(name, "/seckit/test/pem") == 0 || strcmp(name, "/seckit/test/plain") == 0) {
        int secure = strstr(name, "pem") != NULL;
        const char *value =
            !secure   ? "plain value"
            : decrypt ? "-----BEGIN PRIVATE KEY-----\\nMOCK\\n-----END PRIVATE KEY-----\\n"
                      : "AQICAHmockEncryptedBlob==";
        snprintf(b, sizeof b,
                 "{\"Parameter\":{\"ARN\":\"arn:aws:ssm:us-east-1:123456789012:parameter%s\","
                 "\"DataType\":\"text\",\"LastModifiedDate\":1.7E9,\"Name\":\"%s\","
                 "\"Type\":\"%s\",\"Value\":\"%s\",\"Version\":1}}",
                 name, name, secure ? "SecureString" : "String", value);
        respond_str(fd, 200, "application/x-amz-json-1.1", b);
    } else if (strncmp(name, "/seckit/test/file/", 18) == 0 && getenv("MOCK_SSM_DIR") != NULL &&
               strchr(name + 18, '/') == NULL && name[18] != '.' && name[18] != '\0') {
        /* A SecureString whose value is the file MOCK_SSM_DIR/<rest>. */
        char path[4096], *data = NULL;
        size_t len = 0;
        snprintf(path, sizeof path, "%s/%s", getenv("MOCK_SSM_DIR"), name + 18);
        FILE *f = fopen(path, "rb");
        if (f != NULL) {
            data = calloc(1, 65537);
            if (data != NULL)
                len = fread(data, 1, 65536, f);
            fclose(f);
        }
        if (data == NULL || len == 0) {
            error_resp(fd, P_JSON, 400, "ParameterNotFound", "");
        } else {
            cJSON *o = cJSON_CreateObject(), *pm = cJSON_AddObjectToObject(o, "Parameter");
            cJSON_AddStringToObject(pm, "Name", name);
            cJSON_AddStringToObject(pm, "Type", "SecureString");
            cJSON_AddStringToObject(pm, "Value", decrypt ? data : "AQICAHmockEncryptedBlob==");
            cJSON_AddNumberToObject(pm, "Version", 1);
            char *out = cJSON_PrintUnformatted(o);
            respond_str(fd, 200, "application/x-amz-json-1.1", out ? out : "{}");
            free(out);
            cJSON_Delete(o);
        }
        free(data);
    } else {
        error_resp(fd, P_JSON, 400, "ParameterNotFound", "");
    }
    cJSON_Delete(j);
}

/* ---- S3 (a tiny in-memory store) ---- */

static struct {
    char *key;
    char *data;
    size_t len;
} objs[16];

static int find_obj(const char *path, int *free_slot)
{
    int slot = -1;
    if (free_slot != NULL)
        *free_slot = -1;
    for (int i = 0; i < 16; i++) {
        if (objs[i].key != NULL && strcmp(objs[i].key, path) == 0)
            slot = i;
        if (objs[i].key == NULL && free_slot != NULL && *free_slot < 0)
            *free_slot = i;
    }
    return slot;
}

static void store_obj(int slot, const char *path, const char *data, size_t len)
{
    free(objs[slot].key);
    free(objs[slot].data);
    objs[slot].key = strdup(path);
    objs[slot].data = malloc(len + 1);
    memcpy(objs[slot].data, data ? data : "", len);
    objs[slot].len = len;
}

/* A bucket rgn-REGION-KIND lives in REGION: a request signed for another
 * region gets the redirect answer of KIND.  1 when answered. */
static int s3_wrong_region(int fd, const req *r, const char *path, const char *region, int head)
{
    if (strncmp(path, "/rgn-", 5) != 0)
        return 0;
    const char *b = path + 5;
    size_t blen = strcspn(b, "/");
    char bucket[128];
    snprintf(bucket, sizeof bucket, "%.*s", (int)blen, b);
    char *dash = strrchr(bucket, '-');
    if (dash == NULL)
        return 0;
    *dash = '\0';
    const char *kind = dash + 1, *home = bucket;
    if (strcmp(region, home) == 0)
        return 0;
    st.redirects++;
    char hdr[128], body[1024];
    snprintf(hdr, sizeof hdr, "x-amz-bucket-region: %s\r\n", home);
    if (strcmp(kind, "301") == 0) {
        snprintf(body, sizeof body,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>PermanentRedirect</Code>"
                 "<Message>The bucket you are attempting to access must be addressed using the "
                 "specified endpoint.</Message><Endpoint>s3.%s.amazonaws.com</Endpoint>"
                 "<Bucket>x</Bucket><RequestId>mock-redirect</RequestId></Error>",
                 home);
        respond(fd, 301, "application/xml", hdr, body, strlen(body), head);
    } else if (strcmp(kind, "400") == 0) {
        snprintf(
            body, sizeof body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AuthorizationHeaderMalformed"
            "</Code><Message>The authorization header is malformed; the region '%s' is "
            "wrong; expecting '%s'</Message><Region>%s</Region><RequestId>mock-redirect"
            "</RequestId></Error>",
            region, home, home);
        /* A HEAD's answer has no body to name the region: S3 sends the
         * header with it. */
        respond(fd, 400, "application/xml", head ? hdr : NULL, body, strlen(body), head);
    } else {
        snprintf(body, sizeof body,
                 "<Error><Code>IllegalLocationConstraintException</Code><Message>wrong region"
                 "</Message></Error>");
        respond(fd, 400, "application/xml", hdr, body, strlen(body), head);
    }
    (void)r;
    return 1;
}

static void handle_s3(int fd, const req *r, const char *region)
{
    char *path = dec(r->path, strlen(r->path));
    int head = strcmp(r->method, "HEAD") == 0;
    if (s3_wrong_region(fd, r, path, region, head)) {
        free(path);
        return;
    }
    int free_slot;
    int slot = find_obj(path, &free_slot);
    const char *copy_src = hget(r, "x-amz-copy-source");
    if (strcmp(r->method, "PUT") == 0 && copy_src != NULL) {
        char *src = dec(copy_src, strlen(copy_src));
        int from = src != NULL ? find_obj(src, NULL) : -1;
        if (slot < 0)
            slot = free_slot;
        if (from < 0) {
            error_resp(fd, P_S3, 404, "NoSuchKey", "The specified key does not exist.");
        } else if (slot < 0) {
            error_resp(fd, P_S3, 500, "InternalError", "store full");
        } else {
            if (slot != from)
                store_obj(slot, path, objs[from].data, objs[from].len);
            respond_str(fd, 200, "application/xml",
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CopyObjectResult>"
                        "<LastModified>2024-01-01T00:00:00.000Z</LastModified>"
                        "<ETag>\"mock-etag\"</ETag></CopyObjectResult>");
        }
        free(src);
    } else if (strcmp(r->method, "PUT") == 0) {
        if (slot < 0)
            slot = free_slot;
        if (slot < 0) {
            error_resp(fd, P_S3, 500, "InternalError", "store full");
        } else {
            store_obj(slot, path, r->body, r->body_len);
            respond(fd, 200, "text/plain", "ETag: \"mock-etag\"\r\n", "", 0, 0);
        }
    } else if (strcmp(r->method, "POST") == 0 && strncmp(r->query, "uploadId=", 9) == 0) {
        respond_str(fd, 200, "application/xml",
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUploadResult>"
                    "<Location>x</Location><Bucket>b</Bucket><Key>k</Key>"
                    "<ETag>\"mock-multipart-etag-1\"</ETag></CompleteMultipartUploadResult>");
    } else if (strcmp(r->method, "DELETE") == 0) {
        if (slot >= 0) {
            free(objs[slot].key);
            free(objs[slot].data);
            objs[slot].key = NULL;
            objs[slot].data = NULL;
        }
        respond(fd, 204, "text/plain", NULL, "", 0, 0);
    } else if (strcmp(r->method, "GET") == 0 || head) {
        if (slot < 0) {
            if (head)
                respond(fd, 404, "application/xml", NULL, "", 0, 1);
            else
                error_resp(fd, P_S3, 404, "NoSuchKey", "The specified key does not exist.");
        } else {
            respond(fd, 200, "application/octet-stream", "ETag: \"mock-etag\"\r\n", objs[slot].data,
                    objs[slot].len, head);
        }
    } else {
        error_resp(fd, P_S3, 405, "MethodNotAllowed", "");
    }
    free(path);
}

/* ---- credentials endpoints ---- */

static void creds_json(char *b, size_t n, const char *key, const char *secret, const char *token)
{
    char exp[40];
    iso_time((long long)time(NULL) + 3600, exp, sizeof exp);
    snprintf(b, n,
             "{\"Code\":\"Success\",\"LastUpdated\":\"2024-01-01T00:00:00Z\",\"Type\":\"AWS-HMAC\","
             "\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"%s\",\"Token\":\"%s\","
             "\"Expiration\":\"%s\",\"RoleArn\":\"arn:aws:iam::123456789012:role/MockRole\"}",
             key, secret, token, exp);
}

static int handle_unsigned(int fd, const req *r)
{
    char b[4096];
    if (mock_handle_creds(fd, r))
        return 1;
    if (strcmp(r->path, "/__stats") == 0) {
        char lt[512];
        snprintf(lt, sizeof lt, "%s", st.last_target);
        for (char *q = lt; *q; q++)
            if (*q == '"' || *q == '\\' || (unsigned char)*q < 0x20)
                *q = '?';
        snprintf(b, sizeof b,
                 "{\"requests\":%d,\"connections\":%d,\"assume_role\":%d,\"sig_failures\":%d,"
                 "\"imds_tokens\":%d,\"mode\":\"%s\",\"mode_count\":%d,\"expect_headers\":%d,"
                 "\"proxied\":%d,\"redirects\":%d,\"last_method\":\"%s\",\"last_region\":\"%s\","
                 "\"last_target\":\"%s\"}",
                 st.requests, st.connections, st.assume_role, st.sig_failures,
                 st.imds_token_requests, st.mode, st.mode_count, st.expect_headers, st.proxied,
                 st.redirects, st.last_method, st.last_region, lt);
        respond_str(fd, 200, "application/json", b);
        return 1;
    }
    if (strcmp(r->path, "/__control") == 0) {
        char mode[32] = "", count[16] = "1";
        sscanf(r->query, "mode=%31[^&]&count=%15s", mode, count);
        snprintf(st.mode, sizeof st.mode, "%s", mode);
        st.mode_count = atoi(count);
        respond_str(fd, 200, "text/plain", "ok");
        return 1;
    }
    if (strcmp(r->path, "/container-creds") == 0) {
        const char *a = hget(r, "authorization");
        if (a == NULL || strcmp(a, "mock-container-token") != 0) {
            respond_str(fd, 401, "application/json", "{\"message\":\"unauthorized\"}");
        } else {
            creds_json(b, sizeof b, CT_KEY, CT_SECRET, CT_TOKEN);
            respond_str(fd, 200, "application/json", b);
        }
        return 1;
    }
    if (strcmp(r->path, "/latest/api/token") == 0) {
        st.imds_token_requests++;
        if (strcmp(r->method, "PUT") != 0 ||
            hget(r, "x-aws-ec2-metadata-token-ttl-seconds") == NULL)
            respond_str(fd, 400, "text/plain", "");
        else
            respond_str(fd, 200, "text/plain", "mock-imds-session-token");
        return 1;
    }
    if (strncmp(r->path, "/latest/meta-data/iam/security-credentials/", 43) == 0) {
        const char *t = hget(r, "x-aws-ec2-metadata-token");
        if (t == NULL || strcmp(t, "mock-imds-session-token") != 0) {
            respond_str(fd, 401, "text/plain", "");
        } else if (r->path[43] == '\0') {
            respond_str(fd, 200, "text/plain", "MockInstanceRole");
        } else if (strcmp(r->path + 43, "MockInstanceRole") == 0) {
            creds_json(b, sizeof b, IMDS_KEY, IMDS_SECRET, IMDS_TOKEN);
            respond_str(fd, 200, "text/plain", b);
        } else {
            respond_str(fd, 404, "text/plain", "");
        }
        return 1;
    }
    return 0;
}

static proto proto_for(const char *service)
{
    if (strcmp(service, "kms") == 0 || strcmp(service, "ssm") == 0)
        return P_JSON;
    if (strcmp(service, "s3") == 0)
        return P_S3;
    if (strcmp(service, "cloudfront") == 0)
        return P_CF;
    return P_QUERY;
}

void mock_error(int fd, int status, const char *code, const char *msg)
{
    error_resp(fd, P_QUERY, status, code, msg);
}

void mock_error_cf(int fd, int status, const char *code, const char *msg)
{
    error_resp(fd, P_CF, status, code, msg);
}

/* Returns 0 to keep the connection, -1 to close it. */
static int handle(int fd, req *r)
{
    st.requests++;
    st.in_head = strcmp(r->method, "HEAD") == 0;
    const char *ua = hget(r, "user-agent");
    if (ua != NULL)
        snprintf(st.last_ua, sizeof st.last_ua, "%s", ua);
    if (hget(r, "expect") != NULL)
        st.expect_headers++;
    if (r->proxied)
        st.proxied++;
    if (handle_unsigned(fd, r) || mock_s3x_unsigned(fd, r))
        return 0;
    mock_s3x_note_put(r);
    char service[64] = "", key[128] = "", msg[256];
    const char *code;
    /* Remember the last signed request as it arrived. */
    const char *authz = hget(r, "authorization");
    if (authz != NULL) {
        snprintf(st.last_target, sizeof st.last_target, "%s", r->target);
        snprintf(st.last_method, sizeof st.last_method, "%s", r->method);
        const char *cred = strstr(authz, "Credential=");
        const char *slash = cred != NULL ? strchr(cred, '/') : NULL;
        slash = slash != NULL ? strchr(slash + 1, '/') : NULL;
        st.last_region[0] = '\0';
        if (slash != NULL)
            sscanf(slash + 1, "%63[^/]", st.last_region);
    }
    /* Clock skew: judged on X-Amz-Date against the mock's clock. */
    if (st.mode_count > 0 && authz != NULL &&
        (strcmp(st.mode, "skew") == 0 || strcmp(st.mode, "skew-always") == 0)) {
        const char *d = hget(r, "x-amz-date");
        int Y, M, D, hh, mm, ss;
        long long t = 0;
        if (d != NULL && sscanf(d, "%4d%2d%2dT%2d%2d%2dZ", &Y, &M, &D, &hh, &mm, &ss) == 6) {
            char iso[32];
            snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02dZ", Y, M, D, hh, mm, ss);
            t = skt_parse_iso8601(iso);
        }
        long long diff = t - (long long)time(NULL);
        if (strcmp(st.mode, "skew-always") == 0 || diff > 900 || diff < -900) {
            const char *cs = strstr(authz, "Credential=");
            const char *sl = cs;
            for (int k = 0; k < 3 && sl; k++)
                sl = strchr(sl + 1, '/');
            if (sl != NULL)
                sscanf(sl + 1, "%63[^/]", service);
            st.mode_count--;
            int s3 = strcmp(service, "s3") == 0;
            error_resp(fd, proto_for(service), s3 ? 403 : 400,
                       s3 ? "RequestTimeTooSkewed" : "RequestExpired",
                       "The difference between the request time and the current time is too "
                       "large.");
            return 0;
        }
    }
    /* Injected failures apply to signed requests; an error in a 200 answer
     * only to the calls that can give one (not the HEAD a copy makes first). */
    if (st.mode_count > 0 && st.mode[0] &&
        !(strcmp(st.mode, "error200") == 0 && strcmp(r->method, "HEAD") == 0)) {
        const char *auth = hget(r, "authorization");
        const char *c = auth ? strstr(auth, "Credential=") : NULL;
        if (c != NULL) {
            const char *s = c;
            for (int k = 0; k < 3 && s; k++)
                s = strchr(s + 1, '/');
            if (s != NULL)
                sscanf(s + 1, "%63[^/]", service);
        }
        proto p = proto_for(service);
        st.mode_count--;
        if (strcmp(st.mode, "throttle") == 0) {
            error_resp(fd, p, p == P_S3 ? 503 : 400,
                       p == P_S3     ? "SlowDown"
                       : p == P_JSON ? "ThrottlingException"
                                     : "Throttling",
                       "Rate exceeded");
            return 0;
        }
        if (strcmp(st.mode, "500") == 0) {
            error_resp(fd, p, 500, p == P_JSON ? "InternalFailure" : "InternalError",
                       "We encountered an internal error. Please try again.");
            return 0;
        }
        if (strcmp(st.mode, "malformed") == 0) {
            respond_str(fd, 200, "text/xml", "<GetCallerIdentityResponse><Unclosed>");
            return 0;
        }
        if (strcmp(st.mode, "malformed-error") == 0) {
            respond_str(fd, 400, "text/html", "<html><body>Bad gateway from a proxy</body>");
            return 0;
        }
        if (strcmp(st.mode, "echo-secret") == 0) {
            char m[512];
            snprintf(m, sizeof m, "your secret is %s and token %s", MOCK_SECRET, ROLE_TOKEN);
            error_resp(fd, p, 403, "AccessDenied", m);
            return 0;
        }
        if (strcmp(st.mode, "close") == 0)
            return -1;
        if (strcmp(st.mode, "error200") == 0) {
            respond_str(fd, 200, "application/xml",
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\n<Error><Code>InternalError"
                        "</Code><Message>We encountered an internal error. Please try again."
                        "</Message><RequestId>mock-200-error</RequestId></Error>");
            return 0;
        }
        if (strcmp(st.mode, "slow") == 0) {
            sleep(3);
            return -1;
        }
    }
    if (verify(r, service, sizeof service, key, sizeof key, &code, msg, sizeof msg) != 0) {
        error_resp(fd, proto_for(service[0] ? service : "sts"), 403, code, msg);
        return 0;
    }
    if (getenv("MOCK_LOG") != NULL) {
        const char *t = hget(r, "x-amz-target");
        printf("REQ %s %s %s\n", service, r->method, t != NULL ? t : r->path);
        fflush(stdout);
    }
    const char *target = hget(r, "x-amz-target");
    if (strcmp(service, "sts") == 0)
        handle_query(fd, r, service, key);
    else if (strcmp(service, "iam") == 0) {
        char *action = form_get(r->body ? r->body : "", "Action");
        mock_handle_iam(fd, r, action ? action : "");
        free(action);
    } else if (strcmp(service, "kms") == 0 && target != NULL &&
               strncmp(target, "TrentService.", 13) == 0)
        handle_kms(fd, r, target);
    else if (strcmp(service, "ssm") == 0 && target != NULL)
        handle_ssm(fd, r, target);
    else if (strcmp(service, "s3") == 0) {
        /* Buckets s3x-rgn-REGION-KIND: the fuller S3, in REGION. */
        if (strncmp(r->path, "/s3x-rgn-", 9) == 0) {
            char p[512];
            snprintf(p, sizeof p, "/%s", r->path + 5);
            if (s3_wrong_region(fd, r, p, st.last_region, strcmp(r->method, "HEAD") == 0))
                return 0;
        }
        int x = mock_s3x_handle(fd, r); /* buckets "s3x-...": tests/aws/mock_s3.c */
        if (x < 0)
            return -1;
        if (x == 0)
            handle_s3(fd, r, st.last_region);
    } else if (strcmp(service, "cloudfront") == 0)
        mock_handle_cloudfront(fd, r);
    else
        error_resp(fd, P_QUERY, 400, "UnknownService", "unknown service");
    return 0;
}

/* ---- connection handling ---- */

static void free_req(req *r)
{
    free(r->target);
    free(r->path);
    free(r->query);
    for (size_t i = 0; i < r->nh; i++) {
        free(r->hname[i]);
        free(r->hval[i]);
    }
    free(r->body);
    memset(r, 0, sizeof *r);
}

/* Try to parse one complete request from c->buf; 1 parsed, 0 need more,
 * -1 bad. */
static int parse(conn *c, req *r)
{
    char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
    if (end == NULL)
        return c->len > 65536 ? -1 : 0;
    size_t hlen = (size_t)(end - c->buf) + 4;
    memset(r, 0, sizeof *r);
    char *h = strndup(c->buf, hlen - 4);
    char *line = h, *next = strstr(line, "\r\n");
    if (next)
        *next = '\0';
    char target[8192];
    if (sscanf(line, "%15s %8191s", r->method, target) != 2) {
        free(h);
        return -1;
    }
    int absolute = strncmp(target, "http://", 7) == 0;
    if (absolute) { /* absolute form: we are the proxy */
        char *p = strchr(target + 7, '/');
        memmove(target, p != NULL ? p : "/", strlen(p != NULL ? p : "/") + 1);
    }
    r->target = strdup(target);
    r->proxied = absolute;
    char *qm = strchr(target, '?');
    r->query = strdup(qm ? qm + 1 : "");
    if (qm)
        *qm = '\0';
    r->path = strdup(target);
    while (next != NULL && r->nh < 64) {
        line = next + 2;
        next = strstr(line, "\r\n");
        if (next)
            *next = '\0';
        char *colon = strchr(line, ':');
        if (colon == NULL)
            continue;
        *colon = '\0';
        char *v = colon + 1;
        while (*v == ' ')
            v++;
        r->hname[r->nh] = strdup(line);
        r->hval[r->nh] = strdup(v);
        r->nh++;
    }
    free(h);
    const char *cl = hget(r, "content-length");
    size_t blen = cl ? (size_t)strtoull(cl, NULL, 10) : 0;
    if (blen > MAXREQ) {
        free_req(r);
        return -1;
    }
    if (c->len < hlen + blen) {
        free_req(r);
        return 0;
    }
    r->body = malloc(blen + 1);
    memcpy(r->body, c->buf + hlen, blen);
    r->body[blen] = '\0';
    r->body_len = blen;
    memmove(c->buf, c->buf + hlen + blen, c->len - hlen - blen);
    c->len -= hlen + blen;
    return 1;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 16) != 0) {
        perror("mock_aws: bind/listen");
        return 1;
    }
    socklen_t al = sizeof a;
    getsockname(ls, (struct sockaddr *)&a, &al);
    printf("PORT %d\n", ntohs(a.sin_port));
    fflush(stdout);
    conn conns[MAXCONN];
    memset(conns, 0, sizeof conns);
    for (int i = 0; i < MAXCONN; i++)
        conns[i].fd = -1;
    /* Exit when the parent goes away (stdin closes) or after 10 minutes. */
    time_t start = time(NULL);
    for (;;) {
        struct pollfd pf[MAXCONN + 2];
        int map[MAXCONN + 2];
        nfds_t n = 0;
        pf[n].fd = ls;
        pf[n].events = POLLIN;
        map[n++] = -1;
        pf[n].fd = 0;
        pf[n].events = POLLIN;
        map[n++] = -2;
        for (int i = 0; i < MAXCONN; i++)
            if (conns[i].fd >= 0) {
                pf[n].fd = conns[i].fd;
                pf[n].events = POLLIN;
                map[n++] = i;
            }
        int pr = poll(pf, n, 1000);
        if (time(NULL) - start > 600)
            return 0;
        if (pr <= 0)
            continue;
        for (nfds_t k = 0; k < n; k++) {
            if (!(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            if (map[k] == -2) {
                char tmp[64];
                if (read(0, tmp, sizeof tmp) <= 0)
                    return 0;
                continue;
            }
            if (map[k] == -1) {
                int cfd = accept(ls, NULL, NULL);
                if (cfd < 0)
                    continue;
                int slot = -1;
                for (int i = 0; i < MAXCONN; i++)
                    if (conns[i].fd < 0) {
                        slot = i;
                        break;
                    }
                if (slot < 0) {
                    close(cfd);
                    continue;
                }
                st.connections++;
                conns[slot].fd = cfd;
                conns[slot].len = 0;
                continue;
            }
            conn *c = &conns[map[k]];
            if (c->cap < c->len + 65536) {
                c->cap = c->len + 65536 * 2;
                c->buf = realloc(c->buf, c->cap);
            }
            ssize_t rd = read(c->fd, c->buf + c->len, c->cap - c->len);
            if (rd <= 0) {
                close(c->fd);
                c->fd = -1;
                continue;
            }
            c->len += (size_t)rd;
            for (;;) {
                req r;
                int p = parse(c, &r);
                if (p == 0)
                    break;
                if (p < 0 || handle(c->fd, &r) < 0) {
                    if (p > 0)
                        free_req(&r);
                    close(c->fd);
                    c->fd = -1;
                    break;
                }
                free_req(&r);
            }
        }
    }
}
