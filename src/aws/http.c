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
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "src/base/buf.h"
#include "src/base/secmem.h"
#include "src/aws/client.h"
#include "src/aws/sigv4.h"
#include "src/aws/xml.h"
#include "src/base/guard.h"

#define RESPONSE_MAX_DEFAULT (16u << 20)
#define MAX_HEADERS 256
#define MAX_HEADER_LINE 16384
#define NOPROXY_LOCAL "127.0.0.1,localhost,::1,169.254.169.254,169.254.170.2,169.254.170.23"

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
    /* upload from the request's body_read callback */
    const seckit_aws_request *src_req;
    int src_rc;
    seckit_error src_err;
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
    if (x->src_req != NULL) {
        size_t got = 0;
        int r = x->src_req->body_read(x->src_req->body_ctx, (unsigned char *)buf, want, &got,
                                      &x->src_err);
        if (r == 0 && (got == 0 || got > want))
            r = seckit_error_set(&x->src_err, SECKIT_EINTERNAL,
                                 "the request body source gave %zu bytes for %zu", got, want);
        if (r != 0) {
            x->src_rc = r < 0 ? r : SECKIT_EINTERNAL;
            return CURL_READFUNC_ABORT;
        }
        x->pos += got;
        return got;
    }
    if (x->in_fd < 0) {
        memcpy(buf, x->mem + x->pos, want);
        x->pos += want;
        return want;
    }
    for (;;) {
        ssize_t n = x->in_seekable
                        ? pread(x->in_fd, buf, want, (off_t)(x->in_off + (long long)x->pos))
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
    if (x->src_req != NULL) {
        /* a callback body only starts over from its first byte */
        if (offset != 0 || x->src_req->body_rewind == NULL)
            return CURL_SEEKFUNC_CANTSEEK;
        seckit_error e;
        if (x->src_req->body_rewind(x->src_req->body_ctx, &e) != 0)
            return CURL_SEEKFUNC_FAIL;
    }
    x->pos = (size_t)offset;
    return CURL_SEEKFUNC_OK;
}

static int is_2xx(int s)
{
    return s >= 200 && s <= 299;
}

static size_t write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    xfer *x = userdata;
    size_t n = size * nmemb;
    if (x->sink_req != NULL && is_2xx(x->status)) {
        seckit_aws_response head = {.status = x->status, .headers = x->hdrs, .header_count = x->nh};
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
    if (x->src_rc != 0) { /* the body source's own error, as it set it */
        if (x->src_err.code == 0)
            return seckit_error_set(err, x->src_rc, "%s: the request body source failed", what);
        if (err != NULL)
            *err = x->src_err;
        return x->src_rc;
    }
    if (x->sink_rc != 0) { /* the sink's own error, as it set it */
        if (x->sink_err.code == 0)
            return seckit_error_set(err, x->sink_rc, "%s: the response consumer stopped", what);
        if (err != NULL)
            *err = x->sink_err;
        return x->sink_rc;
    }
    SKT_ENSURE(!x->over_limit, err, SECKIT_ELIMIT, "%s: response body exceeds %zu bytes", what,
               x->max);
    SKT_ENSURE(!x->out_error, err, SECKIT_EIO, "%s: writing the response: %s", what,
               strerror(x->out_error));
    SKT_ENSURE(!x->in_error, err, SECKIT_EIO, "%s: reading the request body: %s", what,
               x->in_error > 0 ? strerror(x->in_error) : "file ended early");
    SKT_ENSURE(!x->hdr_overflow, err, SECKIT_EFORMAT, "%s: too many or too long response headers",
               what);
    const char *detail = errbuf[0] ? errbuf : curl_easy_strerror(cc);
    switch (cc) {
    case CURLE_OPERATION_TIMEDOUT:
        return seckit_error_set(err, SECKIT_ETIMEOUT, "%s: %s timed out: %s", what, url, detail);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
        return seckit_error_set(err, SECKIT_ENETWORK, "%s: TLS verification of %s failed: %s", what,
                                url, detail);
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
    case CURLE_HTTP2_STREAM: return 1;
    default: return 0;
    }
}

/* RFC 9110 token characters (header names). */
static int token_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

int skt_aws_check_header(const char *name, const char *value, const char *what, seckit_error *err)
{
    if (what == NULL)
        what = "request";
    SKT_ENSURE(name != NULL && value != NULL, err, SECKIT_EINVAL, "%s: a header without a %s", what,
               name == NULL ? "name" : "value");
    size_t nl = strlen(name);
    int bad = nl == 0 || nl > 256;
    for (size_t i = 0; !bad && i < nl; i++)
        bad = !token_char((unsigned char)name[i]);
    if (bad) {
        char shown[72];
        size_t k = 0;
        for (size_t i = 0; i < nl && k < sizeof shown - 1; i++)
            shown[k++] = (unsigned char)name[i] >= 0x20 && (unsigned char)name[i] < 0x7f ? name[i]
                                                                                         : '?';
        shown[k] = '\0';
        return seckit_error_set(err, SECKIT_EINVAL,
                                "%s: '%s' is not a valid HTTP header name; refused before "
                                "sending",
                                what, shown);
    }
    for (size_t i = 0; value[i] != '\0'; i++) {
        unsigned char c = (unsigned char)value[i];
        SKT_ENSURE(!(c < 0x20 || c == 0x7f), err, SECKIT_EINVAL,
                   "%s: the value of header %s has a control character "
                   "(0x%02x at byte %zu); refused before sending",
                   what, name, c, i + 1);
    }
    return 0;
}

static int add_header(struct curl_slist **list, const char *name, const char *value,
                      const char *what, seckit_error *err)
{
    SKT_GUARD(skt_aws_check_header(name, value, what, err));
    size_t n = strlen(name) + strlen(value) + 3;
    char *line = malloc(n);
    SKT_ENSURE(line != NULL, err, SECKIT_ENOMEM, "out of memory");
    if (*value)
        snprintf(line, n, "%s: %s", name, value);
    else
        snprintf(line, n, "%s;", name); /* curl's way of sending an empty header */
    struct curl_slist *l = curl_slist_append(*list, line);
    skt_wipe_free(line, n);
    SKT_ENSURE(l != NULL, err, SECKIT_ENOMEM, "out of memory");
    *list = l;
    return 0;
}

/* "Name:" with nothing after the colon removes a header libcurl would add
 * itself: no "Expect: 100-continue" (and no empty Expect header either). */
static int suppress_expect(struct curl_slist **list, seckit_error *err)
{
    struct curl_slist *l = curl_slist_append(*list, "Expect:");
    SKT_ENSURE(l != NULL, err, SECKIT_ENOMEM, "out of memory");
    *list = l;
    return 0;
}

/* An environment variable, lower-case name first (as Python's urllib,
 * which the AWS CLI uses, prefers it), then the upper-case one. */
static const char *env_pair(const char *lower, const char *upper, int upper_ok)
{
    const char *v = getenv(lower);
    if (v != NULL && *v)
        return v;
    if (!upper_ok)
        return NULL;
    v = getenv(upper);
    return v != NULL && *v ? v : NULL;
}

void skt_aws_proxy_for(const char *scheme, char *proxy, size_t proxy_n, char *noproxy,
                       size_t noproxy_n)
{
    const char *p;
    if (scheme != NULL && strcmp(scheme, "https") == 0)
        p = env_pair("https_proxy", "HTTPS_PROXY", 1);
    else /* HTTP_PROXY can be set by a CGI request's "Proxy:" header (httpoxy) */
        p = env_pair("http_proxy", "HTTP_PROXY", getenv("REQUEST_METHOD") == NULL);
    if (p == NULL || strlen(p) >= proxy_n)
        p = "";
    snprintf(proxy, proxy_n, "%s", p);
    const char *np = env_pair("no_proxy", "NO_PROXY", 1);
    while (np != NULL && (*np == ' ' || *np == '\t'))
        np++;
    if (np != NULL && np[0] == '*' && strspn(np + 1, " \t") == strlen(np + 1))
        snprintf(noproxy, noproxy_n, "*");
    else if (np != NULL && *np && strlen(np) + sizeof NOPROXY_LOCAL + 1 < noproxy_n)
        snprintf(noproxy, noproxy_n, "%s,%s", np, NOPROXY_LOCAL);
    else
        snprintf(noproxy, noproxy_n, "%s", NOPROXY_LOCAL);
}

static void setup_common(seckit_aws *aws, CURL *c, xfer *x, char *errbuf, long timeout_ms,
                         const char *url)
{
    curl_easy_reset(c);
    if (aws->share != NULL)
        curl_easy_setopt(c, CURLOPT_SHARE, (CURLSH *)aws->share);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    /* The path goes out byte for byte: "a/../b" is an S3 key, not a path to
     * normalise (the signature covers it as written). */
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (aws->ca_bundle != NULL)
        curl_easy_setopt(c, CURLOPT_CAINFO, aws->ca_bundle);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, aws->connect_timeout_ms);
    if (timeout_ms > 0)
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (aws->stall_timeout_ms + 999) / 1000);
    /* Proxies: chosen here by the AWS CLI's rules (seckit/aws.h), never by
     * libcurl's own reading of the environment ("" = no proxy). */
    char proxy[2048], noproxy[2048];
    skt_aws_proxy_for(strncmp(url, "https:", 6) == 0 ? "https" : "http", proxy, sizeof proxy,
                      noproxy, sizeof noproxy);
    curl_easy_setopt(c, CURLOPT_PROXY, proxy);
    curl_easy_setopt(c, CURLOPT_NOPROXY, noproxy);
    skt_wipe(proxy, sizeof proxy); /* a proxy URL may hold a password */
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
    x->src_rc = 0;
    seckit_error_clear(&x->src_err);
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

/* --debug: the request as sent (libcurl's header list) and the answer,
 * secrets hidden (skt_aws_trace_header). */
static void trace_request(seckit_aws *aws, int attempt, const char *method, const char *url,
                          const struct curl_slist *list)
{
    if (aws->trace == NULL)
        return;
    skt_aws_trace(aws, "request (attempt %d): %s %s", attempt, method, url);
    for (const struct curl_slist *l = list; l != NULL; l = l->next) {
        const char *line = l->data;
        size_t n = strcspn(line, ":;");
        if (line[n] == '\0' || n == 0 || n >= 128)
            continue;
        if (line[n] == ':' && line[n + 1] == '\0')
            continue; /* "Expect:": a header removed, not sent */
        char name[128];
        memcpy(name, line, n);
        name[n] = '\0';
        const char *v = line[n] == ':' ? line + n + 1 : "";
        while (*v == ' ')
            v++;
        skt_aws_trace_header(aws, "  ", name, v);
    }
}

static void trace_response(seckit_aws *aws, int attempt, CURLcode cc, const xfer *x)
{
    if (aws->trace == NULL)
        return;
    if (cc != CURLE_OK) {
        skt_aws_trace(aws, "response (attempt %d): no answer: %s", attempt, curl_easy_strerror(cc));
        return;
    }
    skt_aws_trace(aws, "response (attempt %d): HTTP %d", attempt, x->status);
    for (size_t i = 0; i < x->nh; i++)
        skt_aws_trace_header(aws, "  ", x->hdrs[i].name, x->hdrs[i].value);
    if (x->out_to_fd || x->sink_req != NULL)
        skt_aws_trace(aws, "  (body streamed: %lld bytes)", x->written);
    else
        skt_aws_trace(aws, "  (body: %zu bytes, not shown)", x->body.len);
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
    setup_common(aws, c, &x, errbuf, timeout_ms, url);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_URL, url);
    set_method(c, method, 0, 0);
    for (size_t i = 0; i < nheaders; i++)
        SKT_GUARD_GOTO(add_header(&list, headers[i].name, headers[i].value, method, err), rc, done);
    SKT_GUARD_GOTO(suppress_expect(&list, err), rc, done);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    trace_request(aws, 1, method, url, list);
    CURLcode cc = curl_easy_perform(c);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    trace_response(aws, 1, cc, &x);
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
    char host[512];   /* host[:port] as sent in Host */
    char *canon_path; /* decoded path (bucket included for path-style) */
    char *url;        /* full URL without the signing query */
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

/* The region a request is signed for: a redirect's, the request's own,
 * the bucket's (learned from a redirect), else the client's. */
static const char *request_region(seckit_aws *aws, const seckit_aws_request *req,
                                  const char *override)
{
    if (override != NULL && *override)
        return override;
    if (req->region != NULL && *req->region)
        return req->region;
    if (strcmp(req->service, "s3") == 0 && req->bucket != NULL) {
        const char *r = skt_aws_bucket_region(aws, req->bucket);
        if (r != NULL)
            return r;
    }
    return aws->region;
}

/* The request's query string ("?name=value&name"), URI-encoded, into w. */
static int write_query(skt_writer *w, const seckit_aws_request *req, seckit_error *err)
{
    for (size_t i = 0; i < req->query_count; i++) {
        SKT_ENSURE(req->query[i].name != NULL, err, SECKIT_EINVAL,
                   "query parameter without a name");
        SKT_GUARD(skt_writer_put(w, i == 0 ? "?" : "&", 1, err));
        SKT_GUARD(skt_uri_encode(w, req->query[i].name, strlen(req->query[i].name), 0, err));
        if (req->query[i].value != NULL) {
            SKT_GUARD(skt_writer_put(w, "=", 1, err));
            SKT_GUARD(skt_uri_encode(w, req->query[i].value, strlen(req->query[i].value), 0, err));
        }
    }
    return 0;
}

static int build_target(seckit_aws *aws, const seckit_aws_request *req, const char *override,
                        target *t, seckit_error *err)
{
    memset(t, 0, sizeof *t);
    const char *ep;
    char other_ep[256];
    const char *region = request_region(aws, req, override);
    if (region != NULL && *region && req->region != NULL && *req->region)
        SKT_ENSURE(skt_aws_valid_region(region), err, SECKIT_EINVAL, "invalid region name '%.64s'",
                   region);
    SKT_GUARD(seckit_aws_endpoint(aws, &ep, req->service, err));
    /* Another region than the client's, on AWS's own endpoint: that
     * region's endpoint (global services keep theirs). */
    if (strcmp(region, aws->region) != 0 && !skt_aws_endpoint_is_custom(aws, req->service) &&
        strcmp(req->service, "iam") != 0 && strcmp(req->service, "cloudfront") != 0) {
        SKT_GUARD(skt_aws_default_endpoint(req->service, region, other_ep, sizeof other_ep, err));
        ep = other_ep;
    }
    const char *hs = strstr(ep, "://") + 3;
    size_t sl = (size_t)(hs - ep - 3);
    SKT_ENSURE(sl < sizeof t->scheme, err, SECKIT_EINVAL, "bad endpoint scheme");
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
    SKT_GUARD_GOTO(write_query(&w, req, err), rc, fail);
    SKT_GUARD_GOTO(skt_writer_terminate(&w, err), rc, fail);
    t->url = (char *)skt_writer_steal(&w, NULL);

    /* Global services are signed for us-east-1. */
    const char *sr = region;
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

/* SHA-256 of a callback body, read once to its end and rewound for the
 * send (plain http signs the payload). */
static int hash_source(const seckit_aws_request *req, char out[65], const char *what,
                       seckit_error *err)
{
    SKT_ENSURE(req->body_rewind != NULL, err, SECKIT_EINVAL,
               "%s: a body from a callback over plain http needs a rewind or its payload hash",
               what);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char *buf = malloc(65536);
    int rc = 0;
    if (ctx == NULL || buf == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "%s: SHA-256 setup failed", what);
        goto out;
    }
    for (size_t left = req->body_len; left > 0;) {
        size_t got = 0, want = left < 65536 ? left : 65536;
        SKT_GUARD_GOTO(req->body_read(req->body_ctx, buf, want, &got, err), rc, out);
        SKT_ENSURE_GOTO(got > 0 && got <= want, err, rc, out, SECKIT_EINTERNAL,
                        "%s: the request body source gave %zu bytes for %zu", what, got, want);
        EVP_DigestUpdate(ctx, buf, got);
        left -= got;
    }
    unsigned char md[32];
    unsigned int ml = 0;
    SKT_ENSURE_GOTO(EVP_DigestFinal_ex(ctx, md, &ml) == 1 && ml == 32, err, rc, out, SECKIT_ECRYPTO,
                    "%s: SHA-256 failed", what);
    static const char hx[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hx[md[i] >> 4];
        out[2 * i + 1] = hx[md[i] & 15];
    }
    out[64] = '\0';
    SKT_GUARD_GOTO(req->body_rewind(req->body_ctx, err), rc, out);
out:
    EVP_MD_CTX_free(ctx);
    free(buf);
    return rc;
}

/* "kms Decrypt", "sts GetCallerIdentity", "s3 GetObject" for messages
 * ("s3 GET" only when the caller named no operation). */
static void describe(const seckit_aws_request *req, char *out, size_t n)
{
    const char *op = NULL;
    size_t oplen = 0;
    if (req->operation != NULL && req->operation[0] != '\0') {
        op = req->operation;
        oplen = strlen(op);
    } else if (req->target != NULL) {
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

/* For a retry: can the body be re-sent and the response fd rewound? */
static int rewind_for_retry(const seckit_aws_request *req, xfer *x, long long out_start,
                            seckit_error *err)
{
    if (req->body_fd >= 0 && !x->in_seekable)
        return -1;
    if (x->src_req != NULL && x->pos > 0) {
        /* a callback body starts over; without a rewind it cannot */
        seckit_error e;
        seckit_error_clear(&e);
        if (req->body_rewind == NULL)
            return -1;
        if (req->body_rewind(req->body_ctx, &e) != 0) {
            size_t ml = strlen(err->message);
            snprintf(err->message + ml, sizeof err->message - ml, "; not retried: %s", e.message);
            return -1;
        }
        x->pos = 0;
    }
    if (x->sink_req != NULL && x->written > 0) /* the sink has bytes: the caller resumes */
        return -1;
    if (x->out_to_fd && x->written > 0) {
        if (out_start < 0 || lseek(req->response_fd, (off_t)out_start, SEEK_SET) == (off_t)-1 ||
            ftruncate(req->response_fd, (off_t)out_start) != 0)
            return -1;
        x->written = 0;
    }
    return 0;
}

/* Is the (memory) body an S3 <Error> document? */
static int body_is_error_document(const xfer *x)
{
    if (x->body.len == 0 || x->out_to_fd)
        return 0;
    skt_xml_node *root = NULL;
    int is_err = skt_xml_parse(x->body.data, x->body.len, &root, NULL) == 0 &&
                 strcmp(skt_xml_local(root), "Error") == 0;
    skt_xml_free(root);
    return is_err;
}

/* The region an S3 error answer puts the bucket in, into out (64 bytes);
 * 0 when it names none. */
static int redirect_region(const xfer *x, const seckit_error *e, char out[64])
{
    out[0] = '\0';
    const char *h = hdr_get(x, "x-amz-bucket-region");
    if (h != NULL && skt_aws_valid_region(h)) {
        snprintf(out, 64, "%s", h);
        return 1;
    }
    int moved = x->status == 301 || strcmp(e->aws_code, "PermanentRedirect") == 0 ||
                strcmp(e->aws_code, "AuthorizationHeaderMalformed") == 0;
    if (!moved || x->body.len == 0 || x->out_to_fd)
        return 0;
    skt_xml_node *root = NULL;
    if (skt_xml_parse(x->body.data, x->body.len, &root, NULL) == 0 &&
        strcmp(skt_xml_local(root), "Error") == 0) {
        const char *r = skt_xml_text(root, "Region");
        if (r != NULL && skt_aws_valid_region(r))
            snprintf(out, 64, "%s", r);
    }
    skt_xml_free(root);
    return out[0] != '\0';
}

static int is_skew_code(const char *code)
{
    return strcmp(code, "RequestTimeTooSkewed") == 0 || strcmp(code, "RequestExpired") == 0 ||
           strcmp(code, "RequestInTheFuture") == 0;
}

void skt_aws_retry_wait(seckit_aws *aws, int retry)
{
    do_sleep(aws, skt_retry_backoff_ms(retry, rand01(aws)));
}

/* Where the request's body comes from and the response goes to; *out_start
 * gets the response file's offset (-1: not a seekable file). */
static void body_source(const seckit_aws_request *req, xfer *x, long long *out_start)
{
    x->mem = req->body;
    x->len = req->body_len;
    if (req->body_fd >= 0) {
        x->in_off = req->body_offset;
        x->in_seekable = lseek(req->body_fd, 0, SEEK_CUR) != (off_t)-1;
    }
    x->src_req = req->body_read != NULL ? req : NULL;
    x->sink_req = req->response_sink != NULL ? req : NULL;
    x->out_to_fd = x->sink_req == NULL && req->response_fd >= 0;
    if (x->out_to_fd) {
        off_t o = lseek(req->response_fd, 0, SEEK_CUR);
        *out_start = o == (off_t)-1 ? -1 : (long long)o;
    }
}

/* The payload hash to sign: the caller's, UNSIGNED-PAYLOAD for a streamed
 * body to S3 over https, else the body's SHA-256 (a streamed body over
 * plain http must be a seekable file). */
static int payload_hash(const seckit_aws_request *req, int https_s3, int in_seekable,
                        char payload[65], const char *what, seckit_error *err)
{
    int rc = 0;
    if (req->payload_hash != NULL) {
        SKT_ENSURE_GOTO(strlen(req->payload_hash) < (size_t)65, err, rc, done, SECKIT_EINVAL,
                        "payload hash too long");
        snprintf(payload, (size_t)65, "%s", req->payload_hash);
    } else if (req->body_read != NULL) {
        if (https_s3)
            snprintf(payload, (size_t)65, "UNSIGNED-PAYLOAD");
        else
            SKT_GUARD_GOTO(hash_source(req, payload, what, err), rc, done);
    } else if (req->body_fd < 0) {
        SKT_GUARD_GOTO(skt_sha256_hex(req->body != NULL ? req->body : "", req->body_len, payload,
                                      err),
                       rc, done);
    } else if (https_s3) {
        snprintf(payload, (size_t)65, "UNSIGNED-PAYLOAD");
    } else {
        SKT_ENSURE_GOTO(in_seekable, err, rc, done, SECKIT_EINVAL,
                        "%s: a streamed body over plain http must be a seekable file (its "
                        "SHA-256 is signed)",
                        what);
        SKT_GUARD_GOTO(skt_sha256_fd_hex(req->body_fd, req->body_offset, req->body_len, payload,
                                         err),
                       rc, done);
    }

done:
    return rc;
}

/* The headers to sign, in h[0..*nh_out): Host, the caller's (refusing those
 * the library sets), the protocol's. */
static int headers_to_sign(const seckit_aws_request *req, const char *host, int protocol,
                           seckit_aws_kv *h, size_t *nh_out, const char *what, seckit_error *err)
{
    int rc = 0;
    size_t nh = 0;
    h[nh++] = (seckit_aws_kv){"Host", host};
    int have_ct = 0;
    for (size_t i = 0; i < req->header_count; i++) {
        const char *n = req->headers[i].name;
        SKT_ENSURE_GOTO(n != NULL && strcasecmp(n, "host") != 0 &&
                            strcasecmp(n, "authorization") != 0 &&
                            strcasecmp(n, "content-length") != 0 && strcasecmp(n, "expect") != 0,
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
        h[nh++] =
            (seckit_aws_kv){"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"};
    }

done:
    *nh_out = nh;
    return rc;
}

/* One attempt's header list: the signed headers, and the signature's (when
 * there are credentials). */
static int signed_header_list(seckit_aws *aws, const seckit_aws_request *req,
                              const seckit_aws_credentials *creds, const target *t, int is_s3,
                              const char *payload, const seckit_aws_kv *h, size_t nh,
                              struct curl_slist **list, const char *what, seckit_error *err)
{
    int rc = 0;
    seckit_sigv4_result sig;
    memset(&sig, 0, sizeof sig);
    if (creds != NULL) {
        seckit_sigv4_params p = {
            .access_key_id = creds->access_key_id,
            .secret_access_key = creds->secret_access_key,
            .session_token = creds->session_token,
            .region = t->signing_region,
            .service = req->service,
            .timestamp = skt_aws_sign_time(aws),
            .normalize_path = !is_s3,
            .payload_hash = payload,
            .add_content_sha256 = is_s3,
        };
        SKT_GUARD_GOTO(seckit_sigv4_sign(&sig, &p, 0, req->method, t->canon_path, req->query,
                                         req->query_count, h, nh, err),
                       rc, done);
    }
    for (size_t i = 0; i < nh && rc == 0; i++)
        rc = add_header(list, h[i].name, h[i].value, what, err);
    if (rc == 0 && creds != NULL) {
        rc = add_header(list, "X-Amz-Date", sig.amz_date, what, err);
        if (rc == 0 && creds->session_token[0])
            rc = add_header(list, "X-Amz-Security-Token", creds->session_token, what, err);
        if (rc == 0 && is_s3)
            rc = add_header(list, "x-amz-content-sha256", payload, what, err);
        if (rc == 0)
            rc = add_header(list, "Authorization", sig.authorization, what, err);
    } else if (rc == 0 && is_s3) {
        rc = add_header(list, "x-amz-content-sha256", payload, what, err);
    }
    if (rc == 0)
        rc = suppress_expect(list, err);
    seckit_sigv4_result_free(&sig);
done:
    return rc;
}

/* An error answer (or an error document in a 200 answer): its message in
 * err, its retry kind; a bucket in another region re-targets t (once), a
 * clock the server says is off is corrected (once): *again for either.
 * *fatal when the request cannot go on. */
static int error_answer(seckit_aws *aws, const seckit_aws_request *req,
                        const seckit_aws_credentials *creds, xfer *x, target *t, int protocol,
                        int is_s3, int error_in_200, const char *what, char redirect_to[64],
                        int *redirected, int *skew_fixed, int *again, int *kind, int *fatal,
                        seckit_error *err)
{
    int rc;
    const char *rid = hdr_get(x, "x-amzn-requestid");
    if (rid == NULL)
        rid = hdr_get(x, "x-amz-request-id");
    rc = skt_aws_parse_error(protocol, x->status, req->method, x->body.data, x->body.len, rid, what,
                             err);
    if (error_in_200 && rc == 0)
        rc = seckit_error_set(err, SECKIT_EAWS, "%s: an error document in a 200 answer", what);
    const char *etype = hdr_get(x, "x-amzn-errortype");
    if (err->aws_code[0] == '\0' && etype != NULL)
        snprintf(err->aws_code, sizeof err->aws_code, "%.*s", (int)strcspn(etype, ":"), etype);
    /* An error after "200 OK" is retried like a 500. */
    *kind = skt_retry_classify(0, error_in_200 ? 500 : x->status, err->aws_code);
    if (is_s3 && !*redirected && !error_in_200 && redirect_region(x, err, redirect_to) &&
        strcmp(redirect_to, t->signing_region) != 0) {
        /* The bucket is in another region: re-sign for it, once. */
        *redirected = *again = 1;
        if (req->bucket != NULL && *req->bucket)
            skt_aws_remember_bucket_region(aws, req->bucket, redirect_to);
        seckit_error terr;
        target_free(t);
        if (build_target(aws, req, redirect_to, t, &terr) != 0) {
            *err = terr;
            *fatal = 1;
            return terr.code;
        }
    } else if (!*skew_fixed && creds != NULL) {
        /* Our clock is off: take the server's time from Date, once.
         * A HEAD's 403 has no body to name the error: a Date more
         * than 5 minutes from the signing time says it. */
        const char *date = hdr_get(x, "date");
        time_t server = date != NULL ? curl_getdate(date, NULL) : (time_t)-1;
        long long off = server > 0 ? (long long)server - skt_aws_now(aws) : 0;
        long long drift = off - aws->clock_offset;
        int skewed = is_skew_code(err->aws_code) ||
                     (x->status == 403 && x->body.len == 0 && strcmp(req->method, "HEAD") == 0 &&
                      (drift > 300 || drift < -300));
        if (server > 0 && skewed) {
            aws->clock_offset = off;
            *skew_fixed = *again = 1;
        }
    }
    return rc;
}

/* The request's shape: a service and method, headers when counted, and at most
 * one body source. */
static int check_request(const seckit_aws *aws, const seckit_aws_request *req, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && req != NULL && req->service != NULL && req->method != NULL, err);
    SKT_ENSURE_ARG(req->header_count == 0 || req->headers != NULL, err);
    SKT_ENSURE_ARG(req->body_fd >= 0 || req->body != NULL || req->body_read != NULL ||
                       req->body_len == 0,
                   err);
    SKT_ENSURE_ARG(req->body_read == NULL || (req->body == NULL && req->body_fd < 0), err);
    return 0;
}

/* One attempt on the wire: the signed headers go out, the answer lands in x. */
static CURLcode perform_once(seckit_aws *aws, const seckit_aws_request *req, xfer *x,
                             const target *t, struct curl_slist *list, char *errbuf, int attempt)
{
    CURL *c = aws->curl;
    setup_common(aws, c, x, errbuf, aws->timeout_ms, t->url);
    curl_easy_setopt(c, CURLOPT_URL, t->url);
    set_method(c, req->method, req->body_len > 0 || req->body_fd >= 0 || req->body_read != NULL,
               req->body_len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    trace_request(aws, attempt, req->method, t->url, list);
    CURLcode cc = curl_easy_perform(c);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    trace_response(aws, attempt, cc, x);
    return cc;
}

/* After a failed attempt: 1 when another may follow (the retry mode allows it,
 * the body and the response destination rewind, the quota has room), after
 * the back-off; 0 to stop with the failure at hand. */
static int wait_to_retry(seckit_aws *aws, const seckit_aws_request *req, xfer *x,
                         long long out_start, int kind, int counted, int *last_cost,
                         seckit_error *err)
{
    if (kind == SKT_RETRY_NO || counted >= aws->max_attempts)
        return 0;
    if (rewind_for_retry(req, x, out_start, err) != 0)
        return 0;
    if (skt_retry_quota_acquire(&aws->quota, kind, last_cost) != 0)
        return 0;
    do_sleep(aws, skt_retry_backoff_ms(counted, rand01(aws)));
    return 1;
}

/* An attempt that failed in libcurl: its error, and whether (and how) the
 * retry mode may try again. */
static int transport_failure(CURLcode cc, const xfer *x, const char *what, const char *url,
                             const char *errbuf, int *kind, seckit_error *err)
{
    int rc = map_curl(cc, x, what, url, errbuf, err);
    *kind = transport_retryable(cc) && (rc == SECKIT_ENETWORK || rc == SECKIT_ETIMEOUT)
                ? skt_retry_classify(rc, 0, NULL)
                : SKT_RETRY_NO;
    return rc;
}

/* A request that failed after retries says how many attempts it made. */
static void note_attempts(seckit_error *err, int attempts)
{
    size_t ml = strlen(err->message);
    snprintf(err->message + ml, sizeof err->message - ml, " after %d attempts", attempts);
}

int skt_aws_send_as(seckit_aws *aws, const seckit_aws_request *req,
                    const seckit_aws_credentials *creds, seckit_aws_response *resp,
                    seckit_error *err)
{
    SKT_GUARD(check_request(aws, req, err));
    if (resp != NULL)
        memset(resp, 0, sizeof *resp);
    seckit_error local_err;
    if (err == NULL) /* the retry logic reads the service's error code */
        err = &local_err;
    char what[96];
    describe(req, what, sizeof what);
    int protocol = req->protocol != SECKIT_AWS_PROTO_AUTO ? req->protocol
                                                          : default_protocol(req->service);
    int is_s3 = strcmp(req->service, "s3") == 0;
    /* Refuse header injection before anything is sent. */
    for (size_t i = 0; i < req->header_count; i++)
        SKT_GUARD(skt_aws_check_header(req->headers[i].name, req->headers[i].value, what, err));
    target t;
    SKT_GUARD(build_target(aws, req, NULL, &t, err));

    int rc = 0;
    size_t nh = 0;
    seckit_aws_kv *h = calloc(req->header_count + 4, sizeof *h);
    struct curl_slist *list = NULL;
    xfer x = {.in_fd = req->body_fd, .out_fd = req->response_fd};
    char errbuf[CURL_ERROR_SIZE] = "";
    char payload[65] = "";
    char redirect_to[64] = "";
    long long out_start = -1;
    x.max = req->response_max > 0 ? req->response_max : RESPONSE_MAX_DEFAULT;
    skt_writer_init(&x.body, x.max + 1);
    SKT_ENSURE_GOTO(h != NULL, err, rc, done, SECKIT_ENOMEM, "out of memory");

    body_source(req, &x, &out_start);
    SKT_GUARD_GOTO(payload_hash(req, t.https && is_s3, x.in_seekable, payload, what, err), rc,
                   done);
    SKT_GUARD_GOTO(headers_to_sign(req, t.host, protocol, h, &nh, what, err), rc, done);

    int attempts = 0;
    int extra = 0; /* attempts that the retry mode does not count */
    int redirected = 0, skew_fixed = 0;
    int last_cost = 0;
    for (;;) {
        attempts++;
        xfer_reset_response(&x);
        curl_slist_free_all(list);
        list = NULL;
        errbuf[0] = '\0';
        rc = signed_header_list(aws, req, creds, &t, is_s3, payload, h, nh, &list, what, err);
        if (rc != 0)
            goto done;

        CURLcode cc = perform_once(aws, req, &x, &t, list, errbuf, attempts);

        int kind;
        int again = 0; /* a redirect or clock correction: once, outside the retry mode */
        seckit_error_clear(err);
        int error_in_200 = cc == CURLE_OK && x.status == 200 &&
                           (req->flags & SECKIT_AWS_REQ_ERROR_IN_200) != 0 &&
                           body_is_error_document(&x);
        if (cc != CURLE_OK) {
            rc = transport_failure(cc, &x, what, t.url, errbuf, &kind, err);
        } else if (is_2xx(x.status) && !error_in_200) {
            skt_retry_quota_release(&aws->quota, attempts - extra > 1 ? last_cost : 0);
            rc = 0;
            break;
        } else {
            int fatal = 0;
            rc = error_answer(aws, req, creds, &x, &t, protocol, is_s3, error_in_200, what,
                              redirect_to, &redirected, &skew_fixed, &again, &kind, &fatal, err);
            if (fatal)
                goto done;
        }
        if (again) {
            if (rewind_for_retry(req, &x, out_start, err) != 0)
                break;
            extra++;
            continue;
        }
        if (!wait_to_retry(aws, req, &x, out_start, kind, attempts - extra, &last_cost, err))
            break;
    }
    if (rc != 0 && attempts > 1)
        note_attempts(err, attempts);
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

int seckit_aws_send(seckit_aws *aws, seckit_aws_response *resp, const seckit_aws_request *req,
                    seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && req != NULL, err);
    seckit_aws_credentials *c = skt_secret_alloc(sizeof *c);
    SKT_ENSURE(c != NULL, err, SECKIT_ENOMEM, "out of memory");
    int rc = seckit_aws_get_credentials(aws, c, err);
    if (rc == 0)
        rc = skt_aws_send_as(aws, req, c, resp, err);
    else if (resp != NULL)
        memset(resp, 0, sizeof *resp);
    skt_secret_free(c);
    return rc;
}

int seckit_aws_presign(seckit_aws *aws, char **url, const seckit_aws_request *req, long expires_s,
                       seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && req != NULL && url != NULL && req->service != NULL &&
                       req->method != NULL,
                   err);
    *url = NULL;
    target t;
    SKT_GUARD(build_target(aws, req, NULL, &t, err));
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
            .timestamp = skt_aws_sign_time(aws),
            .normalize_path = strcmp(req->service, "s3") != 0,
            .payload_hash = "UNSIGNED-PAYLOAD",
            .expires_s = expires_s,
        };
        rc = seckit_sigv4_sign(&sig, &p, 1, req->method, t.canon_path, req->query, req->query_count,
                               &host, 1, err);
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
