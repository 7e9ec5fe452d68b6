/* HTTP over libcurl for the AWS client: URL and Host construction (S3
 * path-style / virtual-hosted), SigV4 signing per attempt, bodies from
 * memory or a file descriptor, responses to memory or a file descriptor,
 * and the "standard" retry mode.  One CURL handle per client, reused so
 * that connections are kept alive between calls. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/rand.h>

#include "crypto/buf.h"
#include "crypto/secmem.h"
#include "src/aws/client.h"
#include "src/aws/sigv4.h"
#include "src/base/guard.h"

#define RESPONSE_MAX_DEFAULT (16u << 20)
#define MAX_HEADERS 256
#define MAX_HEADER_LINE 16384
#define NOPROXY_LOCAL "127.0.0.1,localhost,::1,169.254.169.254,169.254.170.2,169.254.170.23"

int skt_aws_endpoint_is_custom(seckit_aws *aws, const char *service);

/* ------------------------------------------------------------ response */

static void free_headers(seckit_aws_kv *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free((char *)h[i].name);
        free((char *)h[i].value);
    }
    free(h);
}

void seckit_aws_response_free(seckit_aws_response *resp)
{
    if (resp == NULL)
        return;
    free(resp->body);
    free_headers(resp->headers, resp->header_count);
    memset(resp, 0, sizeof *resp);
}

const char *seckit_aws_response_header(const seckit_aws_response *resp, const char *name)
{
    if (resp == NULL || name == NULL)
        return NULL;
    for (size_t i = 0; i < resp->header_count; i++)
        if (strcasecmp(resp->headers[i].name, name) == 0)
            return resp->headers[i].value;
    return NULL;
}

/* ------------------------------------------------------------ transfer */

typedef struct xfer {
    /* upload */
    const uint8_t *mem;
    size_t len;
    size_t pos;
    int in_fd;
    long long in_off;
    int in_seekable;
    int in_error;
    /* download */
    int out_fd;
    int out_to_fd;
    long long written;
    int out_error;
    skt_writer body;
    size_t max;
    int over_limit;
    /* download to the request's response_sink */
    const seckit_aws_request *sink_req;
    int sink_rc;
    seckit_error sink_err;
    /* headers of the current response */
    int status;
    seckit_aws_kv *hdrs;
    size_t nh;
    int hdr_overflow;
} xfer;

static size_t read_cb(char *buf, size_t size, size_t nitems, void *userdata)
{
    xfer *x = userdata;
    size_t want = size * nitems;
    size_t left = x->len - x->pos;
    if (want > left)
        want = left;
    if (want == 0)
        return 0;
    if (x->in_fd < 0) {
        memcpy(buf, x->mem + x->pos, want);
        x->pos += want;
        return want;
    }
    for (;;) {
        ssize_t n = x->in_seekable ? pread(x->in_fd, buf, want, (off_t)(x->in_off + (long long)x->pos))
                                   : read(x->in_fd, buf, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            x->in_error = n < 0 ? errno : -1;
            return CURL_READFUNC_ABORT;
        }
        x->pos += (size_t)n;
        return (size_t)n;
    }
}

/* libcurl rewinds the body when it re-sends a request on a fresh
 * connection after a reused one was closed by the server. */
static int seek_cb(void *userdata, curl_off_t offset, int origin)
{
    xfer *x = userdata;
    if (origin != SEEK_SET || offset < 0 || (curl_off_t)x->len < offset)
        return CURL_SEEKFUNC_FAIL;
    if (x->in_fd >= 0 && !x->in_seekable)
        return CURL_SEEKFUNC_CANTSEEK;
    x->pos = (size_t)offset;
    return CURL_SEEKFUNC_OK;
}

static int is_2xx(int s) { return s >= 200 && s <= 299; }

static size_t write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    xfer *x = userdata;
    size_t n = size * nmemb;
    if (x->sink_req != NULL && is_2xx(x->status)) {
        seckit_aws_response head = {.status = x->status, .headers = x->hdrs,
                                    .header_count = x->nh};
        int r = x->sink_req->response_sink(x->sink_req->response_sink_ctx, &head,
                                           (const unsigned char *)ptr, n, &x->sink_err);
        if (r != 0) {
            x->sink_rc = r < 0 ? r : SECKIT_EINTERNAL;
            return 0;
        }
        x->written += (long long)n;
        return n;
    }
    if (x->out_to_fd && is_2xx(x->status)) {
        size_t done = 0;
        while (done < n) {
            ssize_t w = write(x->out_fd, ptr + done, n - done);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                x->out_error = w < 0 ? errno : EIO;
                return 0;
            }
            done += (size_t)w;
            x->written += w;
        }
        return n;
    }
    if (x->body.len + n > x->max) {
        x->over_limit = 1;
        return 0;
    }
    if (skt_writer_put(&x->body, ptr, n, NULL) != 0) {
        x->over_limit = 1;
        return 0;
    }
    return n;
}

static size_t header_cb(char *buf, size_t size, size_t nitems, void *userdata)
{
    xfer *x = userdata;
    size_t n = size * nitems;
    if (n > MAX_HEADER_LINE) {
        x->hdr_overflow = 1;
        return 0;
    }
    char line[MAX_HEADER_LINE + 1];
    memcpy(line, buf, n);
    line[n] = '\0';
    while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n'))
        line[--n] = '\0';
    if (strncmp(line, "HTTP/", 5) == 0) {
        /* A new response (also after "100 Continue"): start over. */
        free_headers(x->hdrs, x->nh);
        x->hdrs = NULL;
        x->nh = 0;
        const char *sp = strchr(line, ' ');
        x->status = sp != NULL ? atoi(sp + 1) : 0;
        return size * nitems;
    }
    char *colon = strchr(line, ':');
    if (colon == NULL || colon == line)
        return size * nitems;
    if (x->nh >= MAX_HEADERS) {
        x->hdr_overflow = 1;
        return 0;
    }
    *colon = '\0';
    char *v = colon + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    size_t vl = strlen(v);
    while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
        v[--vl] = '\0';
    seckit_aws_kv *nh = realloc(x->hdrs, (x->nh + 1) * sizeof *nh);
    if (nh == NULL)
        return 0;
    x->hdrs = nh;
    char *name = strdup(line), *val = strdup(v);
    if (name == NULL || val == NULL) {
        free(name);
        free(val);
        return 0;
    }
    for (char *c = name; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    x->hdrs[x->nh].name = name;
    x->hdrs[x->nh].value = val;
    x->nh++;
    return size * nitems;
}

static int map_curl(CURLcode cc, const xfer *x, const char *what, const char *url,
                    const char *errbuf, seckit_error *err)
{
    if (x->sink_rc != 0) { /* the sink's own error, as it set it */
        if (x->sink_err.code == 0)
            return seckit_error_set(err, x->sink_rc, "%s: the response consumer stopped", what);
        if (err != NULL)
            *err = x->sink_err;
        return x->sink_rc;
    }
    if (x->over_limit)
        return seckit_error_set(err, SECKIT_ELIMIT, "%s: response body exceeds %zu bytes", what,
                                x->max);
    if (x->out_error)
        return seckit_error_set(err, SECKIT_EIO, "%s: writing the response: %s", what,
                                strerror(x->out_error));
    if (x->in_error)
        return seckit_error_set(err, SECKIT_EIO, "%s: reading the request body: %s", what,
                                x->in_error > 0 ? strerror(x->in_error) : "file ended early");
    if (x->hdr_overflow)
        return seckit_error_set(err, SECKIT_EFORMAT, "%s: too many or too long response headers",
                                what);
    const char *detail = errbuf[0] ? errbuf : curl_easy_strerror(cc);
    switch (cc) {
    case CURLE_OPERATION_TIMEDOUT:
        return seckit_error_set(err, SECKIT_ETIMEOUT, "%s: %s timed out: %s", what, url, detail);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
        return seckit_error_set(err, SECKIT_ENETWORK, "%s: TLS verification of %s failed: %s",
                                what, url, detail);
    default:
        return seckit_error_set(err, SECKIT_ENETWORK, "%s: request to %s failed: %s", what, url,
                                detail);
    }
}

/* Is a transport failure worth retrying? */
static int transport_retryable(CURLcode cc)
{
    switch (cc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SEND_FAIL_REWIND:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return 1;
    default:
        return 0;
    }
}

static int add_header(struct curl_slist **list, const char *name, const char *value,
                      seckit_error *err)
{
    size_t n = strlen(name) + strlen(value) + 3;
    char *line = malloc(n);
    if (line == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    if (*value)
        snprintf(line, n, "%s: %s", name, value);
    else
        snprintf(line, n, "%s;", name); /* curl's way of sending an empty header */
    struct curl_slist *l = curl_slist_append(*list, line);
    skt_wipe_free(line, n);
    if (l == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    *list = l;
    return 0;
}

static void setup_common(seckit_aws *aws, CURL *c, xfer *x, char *errbuf, long timeout_ms)
{
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (aws->ca_bundle != NULL)
        curl_easy_setopt(c, CURLOPT_CAINFO, aws->ca_bundle);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, aws->connect_timeout_ms);
    if (timeout_ms > 0)
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (aws->stall_timeout_ms + 999) / 1000);
    /* Proxies come from the environment (https_proxy, http_proxy,
     * NO_PROXY); loopback and the metadata services never go through one. */
    const char *np = getenv("NO_PROXY");
    if (np == NULL || *np == '\0')
        np = getenv("no_proxy");
    if (np != NULL && *np && strcmp(np, "*") == 0)
        curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    else {
        char buf[1024];
        snprintf(buf, sizeof buf, "%s%s%s", np && *np ? np : "", np && *np ? "," : "",
                 NOPROXY_LOCAL);
        curl_easy_setopt(c, CURLOPT_NOPROXY, buf);
    }
    curl_easy_setopt(c, CURLOPT_USERAGENT, "seckit/" PACKAGE_VERSION);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, x);
    curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, seek_cb);
    curl_easy_setopt(c, CURLOPT_SEEKDATA, x);
}

static void set_method(CURL *c, const char *method, int has_body, size_t body_len)
{
    if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (has_body || strcmp(method, "PUT") == 0 || strcmp(method, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)body_len);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    } else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    }
}

static void xfer_reset_response(xfer *x)
{
    free_headers(x->hdrs, x->nh);
    x->hdrs = NULL;
    x->nh = 0;
    x->status = 0;
    skt_writer_reset(&x->body);
    x->over_limit = x->out_error = x->in_error = x->hdr_overflow = 0;
    x->sink_rc = 0;
    seckit_error_clear(&x->sink_err);
    x->pos = 0;
}

static void xfer_to_response(xfer *x, seckit_aws_response *resp, int attempts)
{
    if (resp == NULL)
        return;
    seckit_aws_response_free(resp);
    resp->status = x->status;
    resp->attempts = attempts;
    resp->body_written = x->written;
    resp->headers = x->hdrs;
    resp->header_count = x->nh;
    x->hdrs = NULL;
    x->nh = 0;
    if (x->body.len > 0 && skt_writer_terminate(&x->body, NULL) == 0)
        resp->body = skt_writer_steal(&x->body, &resp->body_len);
}

static const char *hdr_get(const xfer *x, const char *name)
{
    for (size_t i = 0; i < x->nh; i++)
        if (strcmp(x->hdrs[i].name, name) == 0)
            return x->hdrs[i].value;
    return NULL;
}

/* ------------------------------------------------------- plain requests */

int skt_aws_http_plain(seckit_aws *aws, const char *method, const char *url,
                       const seckit_aws_kv *headers, size_t nheaders, long timeout_ms,
                       seckit_aws_response *resp, seckit_error *err)
{
    CURL *c = aws->curl;
    xfer x = {.in_fd = -1, .out_fd = -1, .max = 1u << 20};
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *list = NULL;
    int rc = 0;
    skt_writer_init(&x.body, x.max + 1);
    setup_common(aws, c, &x, errbuf, timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_URL, url);
    set_method(c, method, 0, 0);
    for (size_t i = 0; i < nheaders; i++)
        SKT_GUARD_GOTO(add_header(&list, headers[i].name, headers[i].value, err), rc, done);
    SKT_GUARD_GOTO(add_header(&list, "Expect", "", err), rc, done);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    CURLcode cc = curl_easy_perform(c);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    if (cc != CURLE_OK) {
        rc = map_curl(cc, &x, method, url, errbuf, err);
        goto done;
    }
    if (!is_2xx(x.status))
        rc = seckit_error_set(err, SECKIT_EAWS, "%s %s: HTTP %d", method, url, x.status);
    if (err != NULL && rc != 0)
        err->http_status = x.status;
done:
    xfer_to_response(&x, resp, 1);
    xfer_reset_response(&x);
    skt_writer_free(&x.body);
    curl_slist_free_all(list);
    return rc;
}

/* ------------------------------------------------------ URL and signing */

typedef struct target {
    char scheme[8];
    char host[512];      /* host[:port] as sent in Host */
    char *canon_path;    /* decoded path (bucket included for path-style) */
    char *url;           /* full URL without the signing query */
    char signing_region[64];
    int https;
} target;

static void target_free(target *t)
{
    free(t->canon_path);
    free(t->url);
    memset(t, 0, sizeof *t);
}

static int dns_bucket(const char *b)
{
    size_t n = strlen(b);
    if (n < 3 || n > 63)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = b[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return 0;
    }
    return b[0] != '-' && b[n - 1] != '-';
}

static int build_target(seckit_aws *aws, const seckit_aws_request *req, target *t,
                        seckit_error *err)
{
    memset(t, 0, sizeof *t);
    const char *ep;
    SKT_GUARD(seckit_aws_endpoint(aws, req->service, &ep, err));
    const char *hs = strstr(ep, "://") + 3;
    size_t sl = (size_t)(hs - ep - 3);
    if (sl >= sizeof t->scheme)
        return seckit_error_set(err, SECKIT_EINVAL, "bad endpoint scheme");
    memcpy(t->scheme, ep, sl);
    t->https = strcmp(t->scheme, "https") == 0;
    const char *slash = strchr(hs, '/');
    size_t hl = slash ? (size_t)(slash - hs) : strlen(hs);
    const char *base = slash ? slash : "";
    const char *path = req->path != NULL && *req->path ? req->path : "/";
    SKT_ENSURE(path[0] == '/', err, SECKIT_EINVAL, "request path must start with '/'");
    int is_s3 = strcmp(req->service, "s3") == 0;
    int virt = 0;
    if (is_s3 && req->bucket != NULL && *req->bucket) {
        SKT_ENSURE(strlen(req->bucket) <= 255 && strchr(req->bucket, '/') == NULL, err,
                   SECKIT_EINVAL, "invalid bucket name");
        if (aws->s3_addressing == SECKIT_AWS_S3_VIRTUAL)
            virt = 1;
        else if (aws->s3_addressing == SECKIT_AWS_S3_AUTO)
            virt = !skt_aws_endpoint_is_custom(aws, "s3") && dns_bucket(req->bucket);
    }
    if (virt) {
        SKT_ENSURE(strlen(req->bucket) + 1 + hl < sizeof t->host, err, SECKIT_EINVAL,
                   "host name too long");
        snprintf(t->host, sizeof t->host, "%s.%.*s", req->bucket, (int)hl, hs);
    } else {
        SKT_ENSURE(hl < sizeof t->host, err, SECKIT_EINVAL, "host name too long");
        snprintf(t->host, sizeof t->host, "%.*s", (int)hl, hs);
    }
    /* A default port is not part of Host. */
    size_t tl = strlen(t->host);
    if ((t->https && tl > 4 && strcmp(t->host + tl - 4, ":443") == 0) ||
        (!t->https && tl > 3 && strcmp(t->host + tl - 3, ":80") == 0))
        t->host[strrchr(t->host, ':') - t->host] = '\0';

    skt_writer w;
    skt_writer_init(&w, 1 << 20);
    int rc = 0;
    SKT_GUARD_GOTO(skt_writer_str(&w, base, err), rc, fail);
    if (is_s3 && req->bucket != NULL && *req->bucket && !virt) {
        SKT_GUARD_GOTO(skt_writer_put(&w, "/", 1, err), rc, fail);
        SKT_GUARD_GOTO(skt_writer_str(&w, req->bucket, err), rc, fail);
        if (strcmp(path, "/") != 0)
            SKT_GUARD_GOTO(skt_writer_str(&w, path, err), rc, fail);
    } else {
        SKT_GUARD_GOTO(skt_writer_str(&w, path, err), rc, fail);
    }
    SKT_GUARD_GOTO(skt_writer_terminate(&w, err), rc, fail);
    t->canon_path = (char *)skt_writer_steal(&w, NULL);

    skt_writer_init(&w, 1 << 20);
    SKT_GUARD_GOTO(skt_writer_str(&w, t->scheme, err), rc, fail);
    SKT_GUARD_GOTO(skt_writer_str(&w, "://", err), rc, fail);
    SKT_GUARD_GOTO(skt_writer_put(&w, virt ? t->host : hs, virt ? strlen(t->host) : hl, err), rc,
                   fail);
    SKT_GUARD_GOTO(skt_uri_encode(&w, t->canon_path, strlen(t->canon_path), 1, err), rc, fail);
    for (size_t i = 0; i < req->query_count; i++) {
        SKT_ENSURE_GOTO(req->query[i].name != NULL, err, rc, fail, SECKIT_EINVAL,
                        "query parameter without a name");
        SKT_GUARD_GOTO(skt_writer_put(&w, i == 0 ? "?" : "&", 1, err), rc, fail);
        SKT_GUARD_GOTO(skt_uri_encode(&w, req->query[i].name, strlen(req->query[i].name), 0, err),
                       rc, fail);
        if (req->query[i].value != NULL) {
            SKT_GUARD_GOTO(skt_writer_put(&w, "=", 1, err), rc, fail);
            SKT_GUARD_GOTO(
                skt_uri_encode(&w, req->query[i].value, strlen(req->query[i].value), 0, err), rc,
                fail);
        }
    }
    SKT_GUARD_GOTO(skt_writer_terminate(&w, err), rc, fail);
    t->url = (char *)skt_writer_steal(&w, NULL);

    /* Global services are signed for us-east-1. */
    const char *sr = aws->region;
    if ((strcmp(req->service, "iam") == 0 || strcmp(req->service, "cloudfront") == 0) &&
        !skt_aws_endpoint_is_custom(aws, req->service))
        sr = "us-east-1";
    if (*sr == '\0')
        sr = "us-east-1";
    snprintf(t->signing_region, sizeof t->signing_region, "%s", sr);
    return 0;
fail:
    skt_writer_free(&w);
    target_free(t);
    return rc;
}

static int default_protocol(const char *service)
{
    if (strcmp(service, "kms") == 0 || strcmp(service, "ssm") == 0)
        return SECKIT_AWS_PROTO_JSON;
    if (strcmp(service, "sts") == 0 || strcmp(service, "iam") == 0)
        return SECKIT_AWS_PROTO_QUERY;
    return SECKIT_AWS_PROTO_REST_XML;
}

/* "kms Decrypt", "sts GetCallerIdentity", "s3 GET" for messages. */
static void describe(const seckit_aws_request *req, char *out, size_t n)
{
    const char *op = NULL;
    size_t oplen = 0;
    if (req->target != NULL) {
        const char *dot = strrchr(req->target, '.');
        op = dot ? dot + 1 : req->target;
        oplen = strlen(op);
    } else if (req->body != NULL && req->body_len > 7 && req->body_fd < 0 &&
               memcmp(req->body, "Action=", 7) == 0) {
        op = (const char *)req->body + 7;
        const char *amp = memchr(op, '&', req->body_len - 7);
        oplen = amp ? (size_t)(amp - op) : req->body_len - 7;
    }
    if (oplen > 64)
        oplen = 64;
    if (op != NULL)
        snprintf(out, n, "%s %.*s", req->service, (int)oplen, op);
    else
        snprintf(out, n, "%s %s", req->service, req->method);
}

static void do_sleep(seckit_aws *aws, long ms)
{
    if (aws->hooks.sleep_ms != NULL) {
        aws->hooks.sleep_ms(aws->hooks.ctx, ms);
        return;
    }
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static double rand01(seckit_aws *aws)
{
    if (aws->hooks.rand01 != NULL)
        return aws->hooks.rand01(aws->hooks.ctx);
    uint32_t r = 0;
    if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
        r = (uint32_t)time(NULL) * 2654435761u;
    return (double)(r >> 1) / 2147483648.0;
}

void skt_aws_retry_wait(seckit_aws *aws, int retry)
{
    do_sleep(aws, skt_retry_backoff_ms(retry, rand01(aws)));
}

int skt_aws_send_as(seckit_aws *aws, const seckit_aws_request *req,
                    const seckit_aws_credentials *creds, seckit_aws_response *resp,
                    seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && req != NULL && req->service != NULL && req->method != NULL, err);
    SKT_ENSURE_ARG(req->header_count == 0 || req->headers != NULL, err);
    SKT_ENSURE_ARG(req->body_fd >= 0 || req->body != NULL || req->body_len == 0, err);
    if (resp != NULL)
        memset(resp, 0, sizeof *resp);
    char what[96];
    describe(req, what, sizeof what);
    int protocol = req->protocol != SECKIT_AWS_PROTO_AUTO ? req->protocol
                                                          : default_protocol(req->service);
    int is_s3 = strcmp(req->service, "s3") == 0;
    target t;
    SKT_GUARD(build_target(aws, req, &t, err));

    int rc = 0;
    size_t nh = 0;
    seckit_aws_kv *h = calloc(req->header_count + 4, sizeof *h);
    struct curl_slist *list = NULL;
    xfer x = {.in_fd = req->body_fd, .out_fd = req->response_fd};
    char errbuf[CURL_ERROR_SIZE] = "";
    char payload[65] = "";
    long long out_start = -1;
    x.max = req->response_max > 0 ? req->response_max : RESPONSE_MAX_DEFAULT;
    skt_writer_init(&x.body, x.max + 1);
    if (h == NULL) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        goto done;
    }

    /* Body source. */
    x.mem = req->body;
    x.len = req->body_len;
    if (req->body_fd >= 0) {
        x.in_off = req->body_offset;
        x.in_seekable = lseek(req->body_fd, 0, SEEK_CUR) != (off_t)-1;
    }
    x.sink_req = req->response_sink != NULL ? req : NULL;
    x.out_to_fd = x.sink_req == NULL && req->response_fd >= 0;
    if (x.out_to_fd) {
        off_t o = lseek(req->response_fd, 0, SEEK_CUR);
        out_start = o == (off_t)-1 ? -1 : (long long)o;
    }

    /* Payload hash. */
    if (req->payload_hash != NULL) {
        SKT_ENSURE_GOTO(strlen(req->payload_hash) < sizeof payload, err, rc, done, SECKIT_EINVAL,
                        "payload hash too long");
        snprintf(payload, sizeof payload, "%s", req->payload_hash);
    } else if (req->body_fd < 0) {
        SKT_GUARD_GOTO(skt_sha256_hex(req->body != NULL ? req->body : "", req->body_len, payload,
                                      err),
                       rc, done);
    } else if (t.https && is_s3) {
        snprintf(payload, sizeof payload, "UNSIGNED-PAYLOAD");
    } else {
        SKT_ENSURE_GOTO(x.in_seekable, err, rc, done, SECKIT_EINVAL,
                        "%s: a streamed body over plain http must be a seekable file (its "
                        "SHA-256 is signed)",
                        what);
        SKT_GUARD_GOTO(skt_sha256_fd_hex(req->body_fd, req->body_offset, req->body_len, payload,
                                         err),
                       rc, done);
    }

    /* Headers to sign: Host, the caller's, the protocol's. */
    h[nh++] = (seckit_aws_kv){"Host", t.host};
    int have_ct = 0;
    for (size_t i = 0; i < req->header_count; i++) {
        const char *n = req->headers[i].name;
        SKT_ENSURE_GOTO(n != NULL && strcasecmp(n, "host") != 0 &&
                            strcasecmp(n, "authorization") != 0 &&
                            strcasecmp(n, "content-length") != 0,
                        err, rc, done, SECKIT_EINVAL, "%s: header '%.40s' is set by the library",
                        what, n ? n : "(null)");
        if (strcasecmp(n, "content-type") == 0)
            have_ct = 1;
        h[nh++] = req->headers[i];
    }
    if (req->target != NULL) {
        h[nh++] = (seckit_aws_kv){"X-Amz-Target", req->target};
        if (!have_ct)
            h[nh++] = (seckit_aws_kv){"Content-Type", "application/x-amz-json-1.1"};
    } else if (protocol == SECKIT_AWS_PROTO_QUERY && !have_ct && req->body_len > 0) {
        h[nh++] = (seckit_aws_kv){"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"};
    }

    int attempts = 0;
    int last_cost = 0;
    for (;;) {
        attempts++;
        xfer_reset_response(&x);
        curl_slist_free_all(list);
        list = NULL;
        errbuf[0] = '\0';
        seckit_sigv4_result sig;
        memset(&sig, 0, sizeof sig);
        if (creds != NULL) {
            seckit_sigv4_params p = {
                .access_key_id = creds->access_key_id,
                .secret_access_key = creds->secret_access_key,
                .session_token = creds->session_token,
                .region = t.signing_region,
                .service = req->service,
                .timestamp = skt_aws_now(aws),
                .normalize_path = !is_s3,
                .payload_hash = payload,
                .add_content_sha256 = is_s3,
            };
            SKT_GUARD_GOTO(seckit_sigv4_sign(&p, 0, req->method, t.canon_path, req->query,
                                             req->query_count, h, nh, &sig, err),
                           rc, done);
        }
        for (size_t i = 0; i < nh && rc == 0; i++)
            rc = add_header(&list, h[i].name, h[i].value, err);
        if (rc == 0 && creds != NULL) {
            rc = add_header(&list, "X-Amz-Date", sig.amz_date, err);
            if (rc == 0 && creds->session_token[0])
                rc = add_header(&list, "X-Amz-Security-Token", creds->session_token, err);
            if (rc == 0 && is_s3)
                rc = add_header(&list, "x-amz-content-sha256", payload, err);
            if (rc == 0)
                rc = add_header(&list, "Authorization", sig.authorization, err);
        } else if (rc == 0 && is_s3) {
            rc = add_header(&list, "x-amz-content-sha256", payload, err);
        }
        if (rc == 0)
            rc = add_header(&list, "Expect", "", err);
        seckit_sigv4_result_free(&sig);
        if (rc != 0)
            goto done;

        CURL *c = aws->curl;
        setup_common(aws, c, &x, errbuf, aws->timeout_ms);
        curl_easy_setopt(c, CURLOPT_URL, t.url);
        set_method(c, req->method, req->body_len > 0 || req->body_fd >= 0, req->body_len);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
        CURLcode cc = curl_easy_perform(c);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);

        int kind;
        seckit_error_clear(err);
        if (cc != CURLE_OK) {
            rc = map_curl(cc, &x, what, t.url, errbuf, err);
            kind = transport_retryable(cc) && (rc == SECKIT_ENETWORK || rc == SECKIT_ETIMEOUT)
                       ? skt_retry_classify(rc, 0, NULL)
                       : SKT_RETRY_NO;
        } else if (is_2xx(x.status)) {
            skt_retry_quota_release(&aws->quota, attempts > 1 ? last_cost : 0);
            rc = 0;
            break;
        } else {
            const char *rid = hdr_get(&x, "x-amzn-requestid");
            if (rid == NULL)
                rid = hdr_get(&x, "x-amz-request-id");
            rc = skt_aws_parse_error(protocol, x.status, req->method, x.body.data, x.body.len, rid,
                                     what, err);
            const char *etype = hdr_get(&x, "x-amzn-errortype");
            if (err != NULL && err->aws_code[0] == '\0' && etype != NULL)
                snprintf(err->aws_code, sizeof err->aws_code, "%.*s", (int)strcspn(etype, ":"),
                         etype);
            kind = skt_retry_classify(0, x.status, err != NULL ? err->aws_code : NULL);
        }
        if (kind == SKT_RETRY_NO || attempts >= aws->max_attempts)
            break;
        /* Can the body and the response destination be rewound? */
        if (req->body_fd >= 0 && !x.in_seekable)
            break;
        if (x.sink_req != NULL && x.written > 0) /* the sink has bytes: caller resumes */
            break;
        if (x.out_to_fd && x.written > 0) {
            if (out_start < 0 || lseek(req->response_fd, (off_t)out_start, SEEK_SET) == (off_t)-1 ||
                ftruncate(req->response_fd, (off_t)out_start) != 0)
                break;
            x.written = 0;
        }
        if (skt_retry_quota_acquire(&aws->quota, kind, &last_cost) != 0)
            break;
        do_sleep(aws, skt_retry_backoff_ms(attempts, rand01(aws)));
    }
    if (rc != 0 && err != NULL && attempts > 1) {
        size_t ml = strlen(err->message);
        snprintf(err->message + ml, sizeof err->message - ml, " after %d attempts", attempts);
    }
    xfer_to_response(&x, resp, attempts);
done:
    if (rc != 0)
        skt_aws_scrub(creds, err);
    xfer_reset_response(&x);
    skt_writer_free(&x.body);
    curl_slist_free_all(list);
    free(h);
    target_free(&t);
    return rc;
}

int seckit_aws_send(seckit_aws *aws, const seckit_aws_request *req, seckit_aws_response *resp,
                    seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && req != NULL, err);
    seckit_aws_credentials *c = skt_secret_alloc(sizeof *c);
    if (c == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    int rc = seckit_aws_get_credentials(aws, c, err);
    if (rc == 0)
        rc = skt_aws_send_as(aws, req, c, resp, err);
    else if (resp != NULL)
        memset(resp, 0, sizeof *resp);
    skt_secret_free(c);
    return rc;
}

int seckit_aws_presign(seckit_aws *aws, const seckit_aws_request *req, long expires_s,
                       char **url, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && req != NULL && url != NULL && req->service != NULL &&
                       req->method != NULL,
                   err);
    *url = NULL;
    target t;
    SKT_GUARD(build_target(aws, req, &t, err));
    seckit_aws_credentials *c = skt_secret_alloc(sizeof *c);
    int rc = c == NULL ? seckit_error_set(err, SECKIT_ENOMEM, "out of memory")
                       : seckit_aws_get_credentials(aws, c, err);
    seckit_sigv4_result sig;
    memset(&sig, 0, sizeof sig);
    if (rc == 0) {
        seckit_aws_kv host = {"Host", t.host};
        seckit_sigv4_params p = {
            .access_key_id = c->access_key_id,
            .secret_access_key = c->secret_access_key,
            .session_token = c->session_token,
            .region = t.signing_region,
            .service = req->service,
            .timestamp = skt_aws_now(aws),
            .normalize_path = strcmp(req->service, "s3") != 0,
            .payload_hash = "UNSIGNED-PAYLOAD",
            .expires_s = expires_s,
        };
        rc = seckit_sigv4_sign(&p, 1, req->method, t.canon_path, req->query, req->query_count,
                               &host, 1, &sig, err);
    }
    if (rc == 0) {
        /* URL = scheme://host + encoded path + ? + signed canonical query. */
        char *q = strchr(t.url, '?');
        if (q != NULL)
            *q = '\0';
        size_t n = strlen(t.url) + strlen(sig.query) + 2;
        *url = malloc(n);
        if (*url == NULL)
            rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        else
            snprintf(*url, n, "%s?%s", t.url, sig.query);
    }
    seckit_sigv4_result_free(&sig);
    if (c != NULL)
        skt_secret_free(c);
    target_free(&t);
    return rc;
}
