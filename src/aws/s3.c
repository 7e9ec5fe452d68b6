/* Plain S3 object calls over seckit_aws_send() (see seckit/s3.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crypto/buf.h"
#include "seckit/s3.h"
#include "src/aws/client.h"
#include "src/aws/s3_int.h"
#include "src/aws/xml.h"
#include "src/base/guard.h"

#define META_PREFIX "x-amz-meta-"
#define MAX_HEADERS 64
#define MAX_META_TOTAL 2048 /* S3: user metadata, names + values, in bytes */

/* ---- strict reading of response elements -------------------------------- */

size_t skt_s3_xml_count(const skt_xml_node *n, const char *name)
{
    size_t k = 0;
    for (const skt_xml_node *c = skt_xml_child(n, name); c != NULL; c = skt_xml_next_same(c))
        k++;
    return k;
}

int skt_s3_xml_text(const skt_xml_node *n, const char *name, int optional, const char **out,
                    const char *what, seckit_error *err)
{
    const skt_xml_node *c = skt_xml_child(n, name);
    *out = NULL;
    if (c == NULL) {
        if (optional)
            return 0;
        return seckit_error_set(err, SECKIT_EFORMAT, "%s: <%s> has no <%s>", what,
                                skt_xml_local(n), name);
    }
    if (skt_xml_next_same(c) != NULL)
        return seckit_error_set(err, SECKIT_EFORMAT, "%s: <%s> has more than one <%s>", what,
                                skt_xml_local(n), name);
    if (c->child != NULL)
        return seckit_error_set(err, SECKIT_EFORMAT, "%s: <%s> should hold text, not elements",
                                what, name);
    if (strlen(c->text) != c->text_len)
        return seckit_error_set(err, SECKIT_EFORMAT, "%s: <%s> contains a NUL character", what,
                                name);
    *out = c->text;
    return 0;
}

int skt_s3_xml_number(const skt_xml_node *n, const char *name, int optional, long long max,
                      long long *out, const char *what, seckit_error *err)
{
    const char *s = NULL;
    SKT_GUARD(skt_s3_xml_text(n, name, optional, &s, what, err));
    *out = 0;
    if (s == NULL)
        return 0;
    long long v = 0;
    SKT_ENSURE(*s != '\0', err, SECKIT_EFORMAT, "%s: <%s> is empty", what, name);
    for (const char *q = s; *q != '\0'; q++) {
        SKT_ENSURE(*q >= '0' && *q <= '9', err, SECKIT_EFORMAT,
                   "%s: <%s> is not a whole number", what, name);
        SKT_ENSURE(v <= (max - (*q - '0')) / 10, err, SECKIT_EFORMAT,
                   "%s: <%s> is larger than %lld", what, name, max);
        v = v * 10 + (*q - '0');
    }
    *out = v;
    return 0;
}

int skt_s3_xml_bool(const skt_xml_node *n, const char *name, int optional, int *out,
                    const char *what, seckit_error *err)
{
    const char *s = NULL;
    SKT_GUARD(skt_s3_xml_text(n, name, optional, &s, what, err));
    *out = 0;
    if (s == NULL || strcmp(s, "false") == 0)
        return 0;
    SKT_ENSURE(strcmp(s, "true") == 0, err, SECKIT_EFORMAT,
               "%s: <%s> is neither true nor false", what, name);
    *out = 1;
    return 0;
}

static int check_object(const char *bucket, const char *key, seckit_error *err)
{
    SKT_ENSURE(bucket != NULL && bucket[0] != '\0', err, SECKIT_EINVAL, "S3: no bucket given");
    SKT_ENSURE(strchr(bucket, '/') == NULL && strlen(bucket) <= 255, err, SECKIT_EINVAL,
               "S3: '%s' is not a bucket name", bucket);
    SKT_ENSURE(key != NULL && key[0] != '\0', err, SECKIT_EINVAL, "S3: no object key given");
    SKT_ENSURE(strlen(key) <= SECKIT_S3_KEY_MAX, err, SECKIT_EINVAL,
               "S3: object key longer than %d bytes", SECKIT_S3_KEY_MAX);
    return 0;
}

static int token_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Add x-amz-meta-* headers (names built into names[], one malloc each). */
static int add_metadata(seckit_aws_kv *h, size_t *n, char **owned, size_t *owned_n,
                        const seckit_s3_meta *meta, size_t count, seckit_error *err)
{
    size_t total = 0;
    SKT_ENSURE(count <= 32, err, SECKIT_ELIMIT, "S3: more than 32 metadata entries");
    for (size_t i = 0; i < count; i++) {
        const char *name = meta[i].name, *value = meta[i].value;
        SKT_ENSURE(name != NULL && name[0] != '\0' && value != NULL, err, SECKIT_EINVAL,
                   "S3: metadata entry %zu has no name or value", i + 1);
        for (const char *q = name; *q != '\0'; q++)
            SKT_ENSURE(token_char((unsigned char)*q), err, SECKIT_EINVAL,
                       "S3: metadata name '%.64s' has a character HTTP does not allow in a "
                       "header name", name);
        for (const char *q = value; *q != '\0'; q++)
            SKT_ENSURE((unsigned char)*q >= 0x20 && (unsigned char)*q < 0x7f, err, SECKIT_EINVAL,
                       "S3: metadata '%.64s': the value must be printable ASCII", name);
        total += strlen(name) + strlen(value);
        SKT_ENSURE(total <= MAX_META_TOTAL, err, SECKIT_ELIMIT,
                   "S3: user metadata larger than %d bytes", MAX_META_TOTAL);
        char *full = malloc(strlen(META_PREFIX) + strlen(name) + 1);
        SKT_ENSURE(full != NULL, err, SECKIT_ENOMEM, "S3: out of memory");
        strcpy(full, META_PREFIX);
        strcat(full, name);
        owned[(*owned_n)++] = full;
        h[*n].name = full;
        h[*n].value = value;
        (*n)++;
    }
    return 0;
}

static void free_owned(char **owned, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(owned[i]);
}

static void copy_header(const seckit_aws_response *resp, const char *name, char *dst, size_t cap)
{
    const char *v = seckit_aws_response_header(resp, name);
    dst[0] = '\0';
    if (v != NULL) {
        size_t n = strlen(v);
        if (n >= cap)
            n = cap - 1;
        memcpy(dst, v, n);
        dst[n] = '\0';
    }
}

static int parse_ll(const char *s, const char *end, long long *out)
{
    long long v = 0;
    if (s == end)
        return -1;
    for (; s < end; s++) {
        if (*s < '0' || *s > '9' || v > (9223372036854775807LL - 9) / 10)
            return -1;
        v = v * 10 + (*s - '0');
    }
    *out = v;
    return 0;
}

int skt_s3_check_range(const char *range, seckit_error *err)
{
    const char *p;
    long long a = 0, b = 0;
    SKT_ENSURE(strncmp(range, "bytes=", 6) == 0, err, SECKIT_EINVAL,
               "S3: range '%.64s' must start with 'bytes='", range);
    p = range + 6;
    const char *dash = strchr(p, '-');
    SKT_ENSURE(dash != NULL && strchr(dash + 1, '-') == NULL && strchr(p, ',') == NULL, err,
               SECKIT_EINVAL, "S3: range '%.64s' is not FIRST-LAST, FIRST- or -SUFFIX", range);
    if (dash == p) {
        SKT_ENSURE(parse_ll(dash + 1, dash + strlen(dash), &b) == 0 && b > 0, err, SECKIT_EINVAL,
                   "S3: range '%.64s': bad suffix length", range);
        return 0;
    }
    SKT_ENSURE(parse_ll(p, dash, &a) == 0, err, SECKIT_EINVAL,
               "S3: range '%.64s': bad first byte", range);
    if (dash[1] != '\0')
        SKT_ENSURE(parse_ll(dash + 1, dash + strlen(dash), &b) == 0 && b >= a, err,
                   SECKIT_EINVAL, "S3: range '%.64s': bad last byte", range);
    return 0;
}

/* Fill info from a HEAD/GET answer's headers (strictly: Content-Length and,
 * for 206, Content-Range must be well-formed and agree). */
int skt_s3_object_info_from(const seckit_aws_response *resp, seckit_s3_object_info *info,
                            seckit_error *err)
{
    memset(info, 0, sizeof(*info));
    const char *cl = seckit_aws_response_header(resp, "content-length");
    SKT_ENSURE(cl != NULL && parse_ll(cl, cl + strlen(cl), &info->content_length) == 0, err,
               SECKIT_EFORMAT, "S3: the answer has no valid Content-Length");
    info->object_size = info->content_length;
    info->range_first = 0;
    info->range_last = info->content_length - 1;
    if (resp->status == 206) {
        const char *cr = seckit_aws_response_header(resp, "content-range");
        long long a, b, total;
        const char *dash, *slash;
        SKT_ENSURE(cr != NULL && strncmp(cr, "bytes ", 6) == 0 &&
                       (dash = strchr(cr + 6, '-')) != NULL &&
                       (slash = strchr(dash, '/')) != NULL &&
                       parse_ll(cr + 6, dash, &a) == 0 && parse_ll(dash + 1, slash, &b) == 0 &&
                       parse_ll(slash + 1, slash + strlen(slash), &total) == 0 && a <= b &&
                       b < total && b - a + 1 == info->content_length,
                   err, SECKIT_EFORMAT, "S3: a 206 answer with a bad Content-Range '%.80s'",
                   cr != NULL ? cr : "(none)");
        info->range_first = a;
        info->range_last = b;
        info->object_size = total;
    }
    copy_header(resp, "etag", info->etag, sizeof(info->etag));
    copy_header(resp, "content-type", info->content_type, sizeof(info->content_type));
    copy_header(resp, "last-modified", info->last_modified, sizeof(info->last_modified));
    copy_header(resp, "x-amz-version-id", info->version_id, sizeof(info->version_id));
    size_t n = 0;
    for (size_t i = 0; i < resp->header_count; i++)
        if (strncasecmp(resp->headers[i].name, META_PREFIX, strlen(META_PREFIX)) == 0)
            n++;
    if (n == 0)
        return 0;
    info->metadata = calloc(n, sizeof(*info->metadata));
    SKT_ENSURE(info->metadata != NULL, err, SECKIT_ENOMEM, "S3: out of memory");
    for (size_t i = 0; i < resp->header_count; i++) {
        if (strncasecmp(resp->headers[i].name, META_PREFIX, strlen(META_PREFIX)) != 0)
            continue;
        char *name = strdup(resp->headers[i].name + strlen(META_PREFIX));
        char *value = strdup(resp->headers[i].value != NULL ? resp->headers[i].value : "");
        if (name == NULL || value == NULL) {
            free(name);
            free(value);
            seckit_s3_object_info_free(info);
            return seckit_error_set(err, SECKIT_ENOMEM, "S3: out of memory");
        }
        for (char *q = name; *q != '\0'; q++)
            if (*q >= 'A' && *q <= 'Z')
                *q = (char)(*q - 'A' + 'a');
        info->metadata[info->metadata_count].name = name;
        info->metadata[info->metadata_count].value = value;
        info->metadata_count++;
    }
    return 0;
}

void seckit_s3_object_info_free(seckit_s3_object_info *info)
{
    if (info == NULL)
        return;
    for (size_t i = 0; i < info->metadata_count; i++) {
        free((char *)info->metadata[i].name);
        free((char *)info->metadata[i].value);
    }
    free(info->metadata);
    info->metadata = NULL;
    info->metadata_count = 0;
}

const char *seckit_s3_object_info_meta(const seckit_s3_object_info *info, const char *name)
{
    for (size_t i = 0; info != NULL && i < info->metadata_count; i++)
        if (strcasecmp(info->metadata[i].name, name) == 0)
            return info->metadata[i].value;
    return NULL;
}

static int set_body(seckit_aws_request *r, const seckit_s3_body *b, seckit_error *err)
{
    if (b == NULL)
        return 0;
    if (b->fd >= 0) {
        SKT_ENSURE(b->data == NULL && b->offset >= 0, err, SECKIT_EINVAL,
                   "S3: a body is either in memory or in a file, not both");
        r->body_fd = b->fd;
        r->body_offset = b->offset;
    } else {
        SKT_ENSURE(b->data != NULL || b->len == 0, err, SECKIT_EINVAL, "S3: body has no data");
        r->body = b->data;
    }
    r->body_len = b->len;
    return 0;
}

static char *key_path(const char *key)
{
    char *p = malloc(strlen(key) + 2);
    if (p != NULL) {
        p[0] = '/';
        strcpy(p + 1, key);
    }
    return p;
}

/* Send a request for bucket/key (key may be NULL: the bucket itself). */
static int send_s3(seckit_aws *aws, seckit_aws_request *r, const char *bucket, const char *key,
                   seckit_aws_response *resp, seckit_error *err)
{
    char *path = NULL;
    r->service = "s3";
    r->bucket = bucket;
    if (key != NULL) {
        path = key_path(key);
        SKT_ENSURE(path != NULL, err, SECKIT_ENOMEM, "S3: out of memory");
    }
    r->path = path != NULL ? path : "/";
    r->protocol = SECKIT_AWS_PROTO_REST_XML;
    int rc = seckit_aws_send(aws, r, resp, err);
    free(path);
    return rc;
}

int skt_s3_error_document(const skt_xml_node *root, int status, seckit_error *err)
{
    const char *code = NULL, *msg = NULL, *rid = NULL;
    (void)skt_s3_xml_text(root, "Code", 1, &code, "S3 error", NULL);
    (void)skt_s3_xml_text(root, "Message", 1, &msg, "S3 error", NULL);
    (void)skt_s3_xml_text(root, "RequestId", 1, &rid, "S3 error", NULL);
    int rc = code != NULL && skt_aws_is_auth_code(code) ? SECKIT_EAWSAUTH : SECKIT_EAWS;
    seckit_error_set(err, rc, "S3: %.300s", msg != NULL && msg[0] != '\0' ? msg
                                                      : "the service reported an error");
    if (err != NULL) {
        snprintf(err->aws_code, sizeof(err->aws_code), "%s", code != NULL ? code : "");
        snprintf(err->aws_request_id, sizeof(err->aws_request_id), "%s", rid != NULL ? rid : "");
        err->http_status = status;
    }
    return rc;
}

/* Parse a 200 answer's XML body, expecting root element `want`.  An <Error>
 * document (CopyObject and CompleteMultipartUpload can fail after the 200
 * status line) is turned into the error it reports. */
int skt_s3_parse_body(const seckit_aws_response *resp, const char *want, const char *what,
                      skt_xml_node **root, seckit_error *err)
{
    *root = NULL;
    SKT_ENSURE(resp->body != NULL && resp->body_len > 0, err, SECKIT_EFORMAT,
               "%s: the answer has no body", what);
    skt_xml_node *n = NULL;
    int prc = skt_xml_parse(resp->body, resp->body_len, &n, err);
    if (prc < 0) {
        seckit_error_prefix(err, what);
        return prc;
    }
    if (strcmp(skt_xml_local(n), "Error") == 0) {
        int rc = skt_s3_error_document(n, resp->status, err);
        skt_xml_free(n);
        return rc;
    }
    if (strcmp(skt_xml_local(n), want) != 0) {
        int rc = seckit_error_set(err, SECKIT_EFORMAT, "%s: expected <%s>, got <%.64s>", what,
                                  want, skt_xml_local(n));
        skt_xml_free(n);
        return rc;
    }
    *root = n;
    return 0;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src != NULL ? src : "");
}

int seckit_s3_put_object(seckit_aws *aws, const seckit_s3_put *req, seckit_s3_put_result *out,
                         seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && req != NULL, err);
    SKT_GUARD(check_object(req->bucket, req->key, err));
    SKT_ENSURE((long long)req->body.len <= SECKIT_S3_MAX_PUT_SIZE, err, SECKIT_ELIMIT,
               "S3: PutObject takes at most 5 GiB; use a multipart upload");
    seckit_aws_kv h[MAX_HEADERS];
    char *owned[40];
    size_t nh = 0, nowned = 0;
    int rc;
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    if (req->content_type != NULL) {
        h[nh].name = "Content-Type";
        h[nh++].value = req->content_type;
    }
    SKT_GUARD_GOTO(add_metadata(h, &nh, owned, &nowned, req->metadata, req->metadata_count, err),
                   rc, done);
    SKT_GUARD_GOTO(set_body(&r, &req->body, err), rc, done);
    r.method = "PUT";
    r.headers = h;
    r.header_count = nh;
    SKT_GUARD_GOTO(send_s3(aws, &r, req->bucket, req->key, &resp, err), rc, done);
    if (out != NULL) {
        copy_header(&resp, "etag", out->etag, sizeof(out->etag));
        copy_header(&resp, "x-amz-version-id", out->version_id, sizeof(out->version_id));
    }
done:
    seckit_aws_response_free(&resp);
    free_owned(owned, nowned);
    return rc;
}

int seckit_s3_get_object(seckit_aws *aws, const seckit_s3_get *req, seckit_s3_object_info *info,
                         unsigned char **body, size_t *body_len, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && req != NULL && info != NULL, err);
    SKT_ENSURE_ARG(req->out_fd >= 0 || (body != NULL && body_len != NULL), err);
    SKT_GUARD(check_object(req->bucket, req->key, err));
    memset(info, 0, sizeof(*info));
    if (body != NULL)
        *body = NULL;
    if (body_len != NULL)
        *body_len = 0;
    seckit_aws_kv h[4];
    size_t nh = 0;
    if (req->range != NULL) {
        SKT_GUARD(skt_s3_check_range(req->range, err));
        h[nh].name = "Range";
        h[nh++].value = req->range;
    }
    if (req->if_match != NULL) {
        h[nh].name = "If-Match";
        h[nh++].value = req->if_match;
    }
    if (req->if_none_match != NULL) {
        h[nh].name = "If-None-Match";
        h[nh++].value = req->if_none_match;
    }
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    r.method = "GET";
    r.headers = h;
    r.header_count = nh;
    r.response_fd = req->out_fd;
    r.response_max = req->max_body;
    int rc = send_s3(aws, &r, req->bucket, req->key, &resp, err);
    if (rc == 0)
        rc = skt_s3_object_info_from(&resp, info, err);
    if (rc == 0) {
        long long got = req->out_fd >= 0 ? resp.body_written : (long long)resp.body_len;
        if (got != info->content_length) {
            rc = seckit_error_set(err, SECKIT_ENETWORK,
                                  "S3: GetObject: received %lld of %lld bytes", got,
                                  info->content_length);
            seckit_s3_object_info_free(info);
        } else if (req->out_fd < 0) {
            *body = resp.body;
            *body_len = resp.body_len;
            resp.body = NULL;
            resp.body_len = 0;
        }
    }
    seckit_aws_response_free(&resp);
    return rc;
}

int seckit_s3_head_object(seckit_aws *aws, const char *bucket, const char *key,
                          seckit_s3_object_info *info, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && info != NULL, err);
    SKT_GUARD(check_object(bucket, key, err));
    memset(info, 0, sizeof(*info));
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    r.method = "HEAD";
    int rc = send_s3(aws, &r, bucket, key, &resp, err);
    if (rc == 0)
        rc = skt_s3_object_info_from(&resp, info, err);
    seckit_aws_response_free(&resp);
    return rc;
}

/* "/bucket/key" for x-amz-copy-source, percent-encoded (RFC 3986
 * unreserved characters and '/' kept). */
static char *copy_source(const char *bucket, const char *key)
{
    size_t n = strlen(bucket) + strlen(key);
    char *s = malloc(3 * n + 3);
    if (s == NULL)
        return NULL;
    char *o = s;
    *o++ = '/';
    for (int part = 0; part < 2; part++) {
        for (const unsigned char *q = (const unsigned char *)(part == 0 ? bucket : key); *q != 0;
             q++) {
            if ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') ||
                *q == '-' || *q == '_' || *q == '.' || *q == '~' || *q == '/') {
                *o++ = (char)*q;
            } else {
                o += sprintf(o, "%%%02X", *q);
            }
        }
        if (part == 0)
            *o++ = '/';
    }
    *o = '\0';
    return s;
}

int seckit_s3_copy_object(seckit_aws *aws, const seckit_s3_copy *req, seckit_s3_copy_result *out,
                          seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && req != NULL, err);
    SKT_GUARD(check_object(req->src_bucket, req->src_key, err));
    SKT_GUARD(check_object(req->bucket, req->key, err));
    SKT_ENSURE(req->replace_metadata || (req->metadata_count == 0 && req->content_type == NULL),
               err, SECKIT_EINVAL,
               "S3: CopyObject: metadata or a content type needs the REPLACE directive");
    seckit_aws_kv h[MAX_HEADERS];
    char *owned[40];
    size_t nh = 0, nowned = 0;
    int rc;
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    skt_xml_node *root = NULL;
    char *src = copy_source(req->src_bucket, req->src_key);
    SKT_ENSURE(src != NULL, err, SECKIT_ENOMEM, "S3: out of memory");
    h[nh].name = "x-amz-copy-source";
    h[nh++].value = src;
    h[nh].name = "x-amz-metadata-directive";
    h[nh++].value = req->replace_metadata ? "REPLACE" : "COPY";
    if (req->content_type != NULL) {
        h[nh].name = "Content-Type";
        h[nh++].value = req->content_type;
    }
    SKT_GUARD_GOTO(add_metadata(h, &nh, owned, &nowned, req->metadata, req->metadata_count, err),
                   rc, done);
    r.method = "PUT";
    r.headers = h;
    r.header_count = nh;
    r.flags = SECKIT_AWS_REQ_ERROR_IN_200; /* can fail after "200 OK" */
    SKT_GUARD_GOTO(send_s3(aws, &r, req->bucket, req->key, &resp, err), rc, done);
    SKT_GUARD_GOTO(skt_s3_parse_body(&resp, "CopyObjectResult", "S3 CopyObject response", &root,
                                     err),
                   rc, done);
    const char *etag = NULL, *lm = NULL;
    SKT_GUARD_GOTO(skt_s3_xml_text(root, "ETag", 0, &etag, "S3 CopyObject response", err), rc,
                   done);
    SKT_GUARD_GOTO(skt_s3_xml_text(root, "LastModified", 1, &lm, "S3 CopyObject response", err),
                   rc, done);
    if (out != NULL) {
        copy_str(out->etag, sizeof(out->etag), etag);
        copy_str(out->last_modified, sizeof(out->last_modified), lm);
    }
done:
    skt_xml_free(root);
    seckit_aws_response_free(&resp);
    free_owned(owned, nowned);
    free(src);
    return rc;
}

int seckit_s3_delete_object(seckit_aws *aws, const char *bucket, const char *key,
                            seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL, err);
    SKT_GUARD(check_object(bucket, key, err));
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    r.method = "DELETE";
    int rc = send_s3(aws, &r, bucket, key, &resp, err);
    seckit_aws_response_free(&resp);
    return rc;
}

/* ---- buckets ------------------------------------------------------------ */

static int check_bucket(const char *bucket, seckit_error *err)
{
    SKT_ENSURE(bucket != NULL && bucket[0] != '\0', err, SECKIT_EINVAL, "S3: no bucket given");
    SKT_ENSURE(strchr(bucket, '/') == NULL && strlen(bucket) <= 255, err, SECKIT_EINVAL,
               "S3: '%s' is not a bucket name", bucket);
    return 0;
}

int seckit_s3_create_bucket(seckit_aws *aws, const char *bucket, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL, err);
    SKT_GUARD(check_bucket(bucket, err));
    const char *region = seckit_aws_region(aws);
    char body[256] = "";
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    r.method = "PUT";
    if (region != NULL && region[0] != '\0' && strcmp(region, "us-east-1") != 0) {
        snprintf(body, sizeof(body),
                 "<CreateBucketConfiguration><LocationConstraint>%.64s</LocationConstraint>"
                 "</CreateBucketConfiguration>", region);
        r.body = body;
        r.body_len = strlen(body);
    }
    int rc = send_s3(aws, &r, bucket, NULL, &resp, err);
    if (rc < 0 && err != NULL && strcmp(err->aws_code, "BucketAlreadyOwnedByYou") == 0) {
        seckit_error_clear(err);
        rc = 0;
    }
    seckit_aws_response_free(&resp);
    return rc;
}

int seckit_s3_delete_bucket(seckit_aws *aws, const char *bucket, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL, err);
    SKT_GUARD(check_bucket(bucket, err));
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    r.method = "DELETE";
    int rc = send_s3(aws, &r, bucket, NULL, &resp, err);
    seckit_aws_response_free(&resp);
    return rc;
}

/* ---- ListObjectsV2 ---------------------------------------------------- */

void seckit_s3_list_result_free(seckit_s3_list_result *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->count; i++)
        free(r->entries[i].key);
    for (size_t i = 0; i < r->prefix_count; i++)
        free(r->common_prefixes[i]);
    free(r->entries);
    free(r->common_prefixes);
    free(r->next_continuation_token);
    memset(r, 0, sizeof(*r));
}

int skt_s3_parse_list(const skt_xml_node *root, seckit_s3_list_result *out, seckit_error *err)
{
    const char *what = "S3 ListObjectsV2 response";
    int rc = 0;
    memset(out, 0, sizeof(*out));
    size_t n = skt_s3_xml_count(root, "Contents");
    size_t np = skt_s3_xml_count(root, "CommonPrefixes");
    SKT_ENSURE(n + np <= 1000, err, SECKIT_EFORMAT, "%s: more than 1000 keys in one page", what);
    if (n > 0) {
        out->entries = calloc(n, sizeof(*out->entries));
        SKT_ENSURE(out->entries != NULL, err, SECKIT_ENOMEM, "S3: out of memory");
    }
    if (np > 0) {
        out->common_prefixes = calloc(np, sizeof(char *));
        SKT_ENSURE_GOTO(out->common_prefixes != NULL, err, rc, fail, SECKIT_ENOMEM,
                        "S3: out of memory");
    }
    for (const skt_xml_node *c = root->child; c != NULL; c = c->next) {
        const char *s = NULL;
        if (strcmp(skt_xml_local(c), "Contents") == 0) {
            seckit_s3_list_entry *e = &out->entries[out->count];
            SKT_GUARD_GOTO(skt_s3_xml_text(c, "Key", 0, &s, what, err), rc, fail);
            SKT_ENSURE_GOTO(s[0] != '\0' && strlen(s) <= SECKIT_S3_KEY_MAX, err, rc, fail,
                            SECKIT_EFORMAT, "%s: bad <Key>", what);
            e->key = strdup(s);
            SKT_ENSURE_GOTO(e->key != NULL, err, rc, fail, SECKIT_ENOMEM, "S3: out of memory");
            out->count++;
            SKT_GUARD_GOTO(skt_s3_xml_number(c, "Size", 0, 9223372036854775807LL, &e->size, what,
                                            err),
                           rc, fail);
            SKT_GUARD_GOTO(skt_s3_xml_text(c, "ETag", 1, &s, what, err), rc, fail);
            copy_str(e->etag, sizeof(e->etag), s);
            SKT_GUARD_GOTO(skt_s3_xml_text(c, "LastModified", 1, &s, what, err), rc, fail);
            copy_str(e->last_modified, sizeof(e->last_modified), s);
            SKT_GUARD_GOTO(skt_s3_xml_text(c, "StorageClass", 1, &s, what, err), rc, fail);
            copy_str(e->storage_class, sizeof(e->storage_class), s);
        } else if (strcmp(skt_xml_local(c), "CommonPrefixes") == 0) {
            SKT_GUARD_GOTO(skt_s3_xml_text(c, "Prefix", 0, &s, what, err), rc, fail);
            out->common_prefixes[out->prefix_count] = strdup(s);
            SKT_ENSURE_GOTO(out->common_prefixes[out->prefix_count] != NULL, err, rc, fail,
                            SECKIT_ENOMEM, "S3: out of memory");
            out->prefix_count++;
        }
    }
    SKT_GUARD_GOTO(skt_s3_xml_bool(root, "IsTruncated", 0, &out->is_truncated, what, err), rc,
                   fail);
    const char *tok = NULL;
    SKT_GUARD_GOTO(skt_s3_xml_text(root, "NextContinuationToken", 1, &tok, what, err), rc, fail);
    if (out->is_truncated) {
        SKT_ENSURE_GOTO(tok != NULL && tok[0] != '\0', err, rc, fail, SECKIT_EFORMAT,
                        "%s: truncated page without a NextContinuationToken", what);
        out->next_continuation_token = strdup(tok);
        SKT_ENSURE_GOTO(out->next_continuation_token != NULL, err, rc, fail, SECKIT_ENOMEM,
                        "S3: out of memory");
    }
    long long kc = 0;
    SKT_GUARD_GOTO(skt_s3_xml_number(root, "KeyCount", 1, 1000, &kc, what, err), rc, fail);
    if (skt_xml_child(root, "KeyCount") != NULL)
        SKT_ENSURE_GOTO((size_t)kc == n + np, err, rc, fail, SECKIT_EFORMAT,
                        "%s: KeyCount %lld but %zu keys and prefixes listed", what, kc, n + np);
    return 0;
fail:
    seckit_s3_list_result_free(out);
    return rc;
}

int seckit_s3_list_objects(seckit_aws *aws, const seckit_s3_list *req,
                           seckit_s3_list_result *out, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && req != NULL && out != NULL, err);
    memset(out, 0, sizeof(*out));
    SKT_ENSURE(req->bucket != NULL && req->bucket[0] != '\0', err, SECKIT_EINVAL,
               "S3: no bucket given");
    SKT_ENSURE(req->max_keys >= 0 && req->max_keys <= 1000, err, SECKIT_EINVAL,
               "S3: max-keys must be 1..1000");
    seckit_aws_kv q[7];
    size_t nq = 0;
    char mk[16];
    q[nq].name = "list-type";
    q[nq++].value = "2";
    if (req->prefix != NULL) {
        q[nq].name = "prefix";
        q[nq++].value = req->prefix;
    }
    if (req->delimiter != NULL) {
        q[nq].name = "delimiter";
        q[nq++].value = req->delimiter;
    }
    if (req->continuation_token != NULL) {
        q[nq].name = "continuation-token";
        q[nq++].value = req->continuation_token;
    }
    if (req->start_after != NULL) {
        q[nq].name = "start-after";
        q[nq++].value = req->start_after;
    }
    if (req->max_keys > 0) {
        snprintf(mk, sizeof(mk), "%d", req->max_keys);
        q[nq].name = "max-keys";
        q[nq++].value = mk;
    }
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    skt_xml_node *root = NULL;
    r.method = "GET";
    r.query = q;
    r.query_count = nq;
    int rc = send_s3(aws, &r, req->bucket, NULL, &resp, err);
    if (rc == 0)
        rc = skt_s3_parse_body(&resp, "ListBucketResult", "S3 ListObjectsV2 response", &root,
                               err);
    if (rc == 0)
        rc = skt_s3_parse_list(root, out, err);
    skt_xml_free(root);
    seckit_aws_response_free(&resp);
    return rc;
}

/* ---- multipart -------------------------------------------------------- */

int seckit_s3_create_multipart(seckit_aws *aws, const char *bucket, const char *key,
                               const char *content_type, const seckit_s3_meta *metadata,
                               size_t metadata_count, char **upload_id, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && upload_id != NULL, err);
    *upload_id = NULL;
    SKT_GUARD(check_object(bucket, key, err));
    seckit_aws_kv h[MAX_HEADERS];
    char *owned[40];
    size_t nh = 0, nowned = 0;
    int rc;
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    skt_xml_node *root = NULL;
    seckit_aws_kv q = {"uploads", NULL};
    const char *what = "S3 CreateMultipartUpload response";
    if (content_type != NULL) {
        h[nh].name = "Content-Type";
        h[nh++].value = content_type;
    }
    SKT_GUARD_GOTO(add_metadata(h, &nh, owned, &nowned, metadata, metadata_count, err), rc,
                   done);
    r.method = "POST";
    r.headers = h;
    r.header_count = nh;
    r.query = &q;
    r.query_count = 1;
    SKT_GUARD_GOTO(send_s3(aws, &r, bucket, key, &resp, err), rc, done);
    SKT_GUARD_GOTO(skt_s3_parse_body(&resp, "InitiateMultipartUploadResult", what, &root, err),
                   rc, done);
    const char *id = NULL;
    SKT_GUARD_GOTO(skt_s3_xml_text(root, "UploadId", 0, &id, what, err), rc, done);
    SKT_ENSURE_GOTO(id[0] != '\0' && strlen(id) <= 1024, err, rc, done, SECKIT_EFORMAT,
                    "%s: bad <UploadId>", what);
    *upload_id = strdup(id);
    SKT_ENSURE_GOTO(*upload_id != NULL, err, rc, done, SECKIT_ENOMEM, "S3: out of memory");
done:
    skt_xml_free(root);
    seckit_aws_response_free(&resp);
    free_owned(owned, nowned);
    return rc;
}

int seckit_s3_upload_part(seckit_aws *aws, const char *bucket, const char *key,
                          const char *upload_id, int part_number, const seckit_s3_body *body,
                          char etag[130], seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && upload_id != NULL && body != NULL, err);
    SKT_GUARD(check_object(bucket, key, err));
    SKT_ENSURE(part_number >= 1 && part_number <= SECKIT_S3_MAX_PARTS, err, SECKIT_EINVAL,
               "S3: part number %d is not in 1..%d", part_number, SECKIT_S3_MAX_PARTS);
    SKT_ENSURE((long long)body->len <= SECKIT_S3_MAX_PART_SIZE, err, SECKIT_ELIMIT,
               "S3: a part is at most 5 GiB");
    char pn[16];
    snprintf(pn, sizeof(pn), "%d", part_number);
    seckit_aws_kv q[2] = {{"partNumber", pn}, {"uploadId", upload_id}};
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    r.method = "PUT";
    r.query = q;
    r.query_count = 2;
    SKT_GUARD(set_body(&r, body, err));
    int rc = send_s3(aws, &r, bucket, key, &resp, err);
    if (rc == 0) {
        const char *e = seckit_aws_response_header(&resp, "etag");
        if (e == NULL || e[0] == '\0' || strlen(e) >= 130)
            rc = seckit_error_set(err, SECKIT_EFORMAT,
                                  "S3 UploadPart: part %d: the answer has no valid ETag",
                                  part_number);
        else if (etag != NULL)
            copy_str(etag, 130, e);
    }
    seckit_aws_response_free(&resp);
    return rc;
}

int skt_s3_complete_body(const seckit_s3_part *parts, size_t count, char **out, size_t *out_len,
                         seckit_error *err)
{
    skt_writer w;
    int rc;
    skt_writer_init(&w, 4u << 20);
    SKT_GUARD_GOTO(skt_writer_str(&w, "<CompleteMultipartUpload>", err), rc, fail);
    for (size_t i = 0; i < count; i++) {
        char num[48];
        SKT_ENSURE_GOTO(parts[i].part_number >= 1 && parts[i].part_number <= SECKIT_S3_MAX_PARTS &&
                            (i == 0 || parts[i].part_number > parts[i - 1].part_number),
                        err, rc, fail, SECKIT_EINVAL,
                        "S3: CompleteMultipartUpload: part numbers must ascend within 1..%d",
                        SECKIT_S3_MAX_PARTS);
        snprintf(num, sizeof(num), "<Part><PartNumber>%d</PartNumber><ETag>",
                 parts[i].part_number);
        SKT_GUARD_GOTO(skt_writer_str(&w, num, err), rc, fail);
        SKT_GUARD_GOTO(skt_xml_escape(&w, parts[i].etag, err), rc, fail);
        SKT_GUARD_GOTO(skt_writer_str(&w, "</ETag></Part>", err), rc, fail);
    }
    SKT_GUARD_GOTO(skt_writer_str(&w, "</CompleteMultipartUpload>", err), rc, fail);
    SKT_GUARD_GOTO(skt_writer_terminate(&w, err), rc, fail);
    *out = (char *)skt_writer_steal(&w, out_len);
    return 0;
fail:
    skt_writer_free(&w);
    return rc;
}

int seckit_s3_complete_multipart(seckit_aws *aws, const char *bucket, const char *key,
                                 const char *upload_id, const seckit_s3_part *parts,
                                 size_t count, char etag[130], seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && upload_id != NULL && (parts != NULL || count == 0), err);
    SKT_GUARD(check_object(bucket, key, err));
    SKT_ENSURE(count >= 1 && count <= SECKIT_S3_MAX_PARTS, err, SECKIT_EINVAL,
               "S3: CompleteMultipartUpload needs 1..%d parts", SECKIT_S3_MAX_PARTS);
    char *xml = NULL;
    size_t xml_len = 0;
    SKT_GUARD(skt_s3_complete_body(parts, count, &xml, &xml_len, err));
    seckit_aws_kv q = {"uploadId", upload_id};
    seckit_aws_kv h = {"Content-Type", "application/xml"};
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    skt_xml_node *root = NULL;
    const char *what = "S3 CompleteMultipartUpload response";
    r.method = "POST";
    r.query = &q;
    r.query_count = 1;
    r.headers = &h;
    r.header_count = 1;
    r.body = xml;
    r.body_len = xml_len;
    r.flags = SECKIT_AWS_REQ_ERROR_IN_200; /* can fail after "200 OK" */
    int rc = send_s3(aws, &r, bucket, key, &resp, err);
    if (rc == 0)
        rc = skt_s3_parse_body(&resp, "CompleteMultipartUploadResult", what, &root, err);
    const char *e = NULL;
    if (rc == 0)
        rc = skt_s3_xml_text(root, "ETag", 0, &e, what, err);
    if (rc == 0 && etag != NULL)
        copy_str(etag, 130, e);
    skt_xml_free(root);
    seckit_aws_response_free(&resp);
    free(xml);
    return rc;
}

int seckit_s3_abort_multipart(seckit_aws *aws, const char *bucket, const char *key,
                              const char *upload_id, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && upload_id != NULL, err);
    SKT_GUARD(check_object(bucket, key, err));
    seckit_aws_kv q = {"uploadId", upload_id};
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    r.method = "DELETE";
    r.query = &q;
    r.query_count = 1;
    int rc = send_s3(aws, &r, bucket, key, &resp, err);
    seckit_aws_response_free(&resp);
    return rc;
}

void seckit_s3_parts_result_free(seckit_s3_parts_result *r)
{
    if (r == NULL)
        return;
    free(r->parts);
    memset(r, 0, sizeof(*r));
}

int skt_s3_parse_parts(const skt_xml_node *root, seckit_s3_parts_result *out,
                       seckit_error *err)
{
    const char *what = "S3 ListParts response";
    int rc = 0;
    memset(out, 0, sizeof(*out));
    size_t n = skt_s3_xml_count(root, "Part");
    SKT_ENSURE(n <= 1000, err, SECKIT_EFORMAT, "%s: more than 1000 parts in one page", what);
    if (n > 0) {
        out->parts = calloc(n, sizeof(*out->parts));
        SKT_ENSURE(out->parts != NULL, err, SECKIT_ENOMEM, "S3: out of memory");
    }
    for (const skt_xml_node *c = root->child; c != NULL; c = c->next) {
        if (strcmp(skt_xml_local(c), "Part") != 0)
            continue;
        seckit_s3_part *p = &out->parts[out->count];
        long long num = 0;
        const char *e = NULL;
        SKT_GUARD_GOTO(skt_s3_xml_number(c, "PartNumber", 0, SECKIT_S3_MAX_PARTS, &num, what, err),
                       rc, fail);
        SKT_ENSURE_GOTO(num >= 1, err, rc, fail, SECKIT_EFORMAT, "%s: part number 0", what);
        SKT_GUARD_GOTO(skt_s3_xml_text(c, "ETag", 0, &e, what, err), rc, fail);
        SKT_GUARD_GOTO(skt_s3_xml_number(c, "Size", 0, SECKIT_S3_MAX_PART_SIZE, &p->size, what,
                                        err),
                       rc, fail);
        p->part_number = (int)num;
        copy_str(p->etag, sizeof(p->etag), e);
        out->count++;
    }
    SKT_GUARD_GOTO(skt_s3_xml_bool(root, "IsTruncated", 0, &out->is_truncated, what, err), rc,
                   fail);
    long long next = 0;
    SKT_GUARD_GOTO(skt_s3_xml_number(root, "NextPartNumberMarker", 1, SECKIT_S3_MAX_PARTS, &next,
                                    what, err),
                   rc, fail);
    SKT_ENSURE_GOTO(!out->is_truncated || next > 0, err, rc, fail, SECKIT_EFORMAT,
                    "%s: truncated page without a NextPartNumberMarker", what);
    out->next_part_number_marker = (int)next;
    return 0;
fail:
    seckit_s3_parts_result_free(out);
    return rc;
}

int seckit_s3_list_parts(seckit_aws *aws, const char *bucket, const char *key,
                         const char *upload_id, int max_parts, int part_number_marker,
                         seckit_s3_parts_result *out, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && upload_id != NULL && out != NULL, err);
    memset(out, 0, sizeof(*out));
    SKT_GUARD(check_object(bucket, key, err));
    SKT_ENSURE(max_parts >= 0 && max_parts <= 1000 && part_number_marker >= 0 &&
                   part_number_marker <= SECKIT_S3_MAX_PARTS,
               err, SECKIT_EINVAL, "S3: ListParts: max-parts 1..1000, marker 0..10000");
    char mp[16], mk[16];
    seckit_aws_kv q[3];
    size_t nq = 0;
    q[nq].name = "uploadId";
    q[nq++].value = upload_id;
    if (max_parts > 0) {
        snprintf(mp, sizeof(mp), "%d", max_parts);
        q[nq].name = "max-parts";
        q[nq++].value = mp;
    }
    if (part_number_marker > 0) {
        snprintf(mk, sizeof(mk), "%d", part_number_marker);
        q[nq].name = "part-number-marker";
        q[nq++].value = mk;
    }
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    skt_xml_node *root = NULL;
    r.method = "GET";
    r.query = q;
    r.query_count = nq;
    int rc = send_s3(aws, &r, bucket, key, &resp, err);
    if (rc == 0)
        rc = skt_s3_parse_body(&resp, "ListPartsResult", "S3 ListParts response", &root, err);
    if (rc == 0)
        rc = skt_s3_parse_parts(root, out, err);
    skt_xml_free(root);
    seckit_aws_response_free(&resp);
    return rc;
}
