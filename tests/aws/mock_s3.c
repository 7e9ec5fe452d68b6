/* The mock AWS server's fuller S3 (tests only): every bucket whose name
 * starts with "s3x-" is served here, path-style, from memory, versioned
 * (every write makes a new version "v<N>").  GET/HEAD with Range, If-Match,
 * If-None-Match and versionId; PUT with If-None-Match: *; CopyObject with
 * versionId sources, x-amz-copy-source-if-match, COPY/REPLACE metadata and
 * tagging directives; multipart uploads with UploadPartCopy; DeleteObject
 * (versionId); DeleteObjects (Content-MD5 checked); ListObjectsV2; and
 * GetObjectTagging.
 *
 * Faults chosen by the key's name:
 *   "dropN"        the first N GETs of the object send half of the bytes
 *                  they announce, then close the connection ("drop" = 1)
 *   "change"       with drop: the object is overwritten when the
 *                  connection drops (a new ETag)
 *   "norange"      GETs ignore Range (the whole object, 200)
 *   "missing-meta" GET/HEAD answers carry x-amz-missing-meta: 1
 *   "err200"       CopyObject / UploadPartCopy / CompleteMultipartUpload
 *                  to this key answer 200 with an <Error> body
 *   "deny"         DeleteObjects reports AccessDenied for this key
 *
 * ListBuckets (GET / of the s3 service): s3x-list-a, s3x-list-b, s3x-list-c,
 * two a page (continuation-token "page-2"), or max-buckets a page.
 * Writes record their x-amz-storage-class, x-amz-server-side-encryption
 * (-aws-kms-key-id) and x-amz-acl headers per kind (put, create, copy) in
 * the stats ("put_write": "CLASS|SSE|KMS|ACL").
 *
 * Unsigned control: GET /__s3x/stats (JSON counters), POST
 * /__s3x/fill?bucket=B&prefix=P&count=N (N small objects P0000..). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "seckit/encoding.h"
#include "tests/aws/mock.h"

typedef struct obj {
    char *path; /* "bucket/key" */
    char *data;
    size_t len;
    char etag[48];
    char version[24];
    char *hdrs; /* stored headers, "Name: value\r\n" lines */
    char *tagging;
    int latest;
    int drops;
} obj;

typedef struct part {
    int n;
    char *data;
    size_t len;
    char etag[48];
} part;

typedef struct upload {
    char id[32];
    char *path;
    char *hdrs;
    char *tagging;
    part *parts;
    size_t nparts;
    int active;
} upload;

static obj *objs;
static size_t nobjs;
static upload *ups;
static size_t nups;
static int counter;
static struct {
    int gets, ranged_gets, drops, puts, copies, part_copies, creates, completes, aborts,
        delete_requests, deleted_keys, lists;
    char last_range[96], last_if_match[96], last_copy_if_match[96], last_if_none_match[16];
    char last_version_query[64];
    char last_etag[48]; /* of the last object stored, '"' as "'" */
    /* every PUT to an s3x bucket, answered or failed: the SHA-256 of its
     * body and its x-amz-content-sha256 (1 = the latest, 2 = the one before) */
    int put_requests;
    char put_body_1[65], put_body_2[65], put_payload_1[80], put_payload_2[80];
    int list_buckets;
    char put_write[400], create_write[400], copy_write[400]; /* CLASS|SSE|KMS|ACL */
} xs;

/* A write's storage class, SSE and ACL headers as "CLASS|SSE|KMS|ACL". */
static void note_write(const req *r, char *dst, size_t cap)
{
    const char *v[4] = {hget(r, "x-amz-storage-class"), hget(r, "x-amz-server-side-encryption"),
                        hget(r, "x-amz-server-side-encryption-aws-kms-key-id"),
                        hget(r, "x-amz-acl")};
    snprintf(dst, cap, "%.90s|%.90s|%.90s|%.90s", v[0] ? v[0] : "", v[1] ? v[1] : "",
             v[2] ? v[2] : "", v[3] ? v[3] : "");
}

void mock_s3x_note_put(const req *r)
{
    if (strcmp(r->method, "PUT") != 0 || strncmp(r->path, "/s3x-", 5) != 0)
        return;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int ml = 0;
    EVP_Digest(r->body != NULL ? r->body : "", r->body_len, md, &ml, EVP_sha256(), NULL);
    memcpy(xs.put_body_2, xs.put_body_1, sizeof xs.put_body_2);
    memcpy(xs.put_payload_2, xs.put_payload_1, sizeof xs.put_payload_2);
    for (unsigned int i = 0; i < ml && i < 32; i++)
        sprintf(xs.put_body_1 + 2 * i, "%02x", md[i]);
    const char *p = hget(r, "x-amz-content-sha256");
    snprintf(xs.put_payload_1, sizeof xs.put_payload_1, "%s", p != NULL ? p : "");
    xs.put_requests++;
}

/* Status line, standard headers, extra (CRLF lines), body (not for HEAD);
 * send only `send_len` body bytes when it is smaller (a cut-off answer). */
static void reply(int fd, int status, const char *extra, const char *body, size_t len, int head,
                  size_t send_len)
{
    char *h = malloc(8192 + (extra ? strlen(extra) : 0));
    const char *reason = status == 200   ? "OK"
                         : status == 204 ? "No Content"
                         : status == 206 ? "Partial Content"
                         : status == 304 ? "Not Modified"
                         : status == 412 ? "Precondition Failed"
                         : status == 416 ? "Requested Range Not Satisfiable"
                                         : "Status";
    int n = sprintf(h,
                    "HTTP/1.1 %d %s\r\nContent-Length: %zu\r\nx-amz-request-id: s3x-%d\r\n%s\r\n",
                    status, reason, len, counter, extra ? extra : "");
    send_all(fd, h, (size_t)n);
    free(h);
    if (!head && len > 0)
        send_all(fd, body, send_len < len ? send_len : len);
}

static void xerr(int fd, int status, const char *code, const char *msg, int head)
{
    char b[1024];
    int n = snprintf(b, sizeof b,
                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code>"
                     "<Message>%s</Message><RequestId>s3x-%d</RequestId></Error>",
                     code, msg, counter);
    reply(fd, status, "Content-Type: application/xml\r\n", b, head ? 0 : (size_t)n, head,
          (size_t)n);
}

static void xml_ok(int fd, const char *extra, const char *body)
{
    char *e = malloc(strlen(extra ? extra : "") + 64);
    sprintf(e, "Content-Type: application/xml\r\n%s", extra ? extra : "");
    reply(fd, 200, e, body, strlen(body), 0, strlen(body));
    free(e);
}

/* A query parameter's decoded value (malloc'd), "" for a valueless one,
 * NULL when absent. */
static char *qget(const char *query, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = query; p != NULL && *p;) {
        const char *amp = strchr(p, '&');
        size_t l = amp ? (size_t)(amp - p) : strlen(p);
        if (l >= nl && strncmp(p, name, nl) == 0 && (l == nl || p[nl] == '='))
            return l == nl ? strdup("") : dec(p + nl + 1, l - nl - 1);
        p = amp ? amp + 1 : NULL;
    }
    return NULL;
}

static void md5_b64(const void *data, size_t len, char out[32])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int ml = 0;
    EVP_Digest(data, len, md, &ml, EVP_md5(), NULL);
    /* 16 bytes always fit in 32 characters; anything else is a broken mock. */
    if (seckit_base64_encode(out, 32, NULL, md, ml, SECKIT_BASE64_STANDARD, NULL) != 0)
        abort();
}

static void new_etag(char *etag, const void *data, size_t len)
{
    char m[32];
    md5_b64(data, len, m);
    snprintf(etag, 48, "\"%d-%.12s\"", ++counter, m);
}

static obj *find(const char *path, const char *version)
{
    for (size_t i = 0; i < nobjs; i++) {
        if (strcmp(objs[i].path, path) != 0)
            continue;
        if (version != NULL ? strcmp(objs[i].version, version) == 0 : objs[i].latest)
            return &objs[i];
    }
    return NULL;
}

static int key_fault(const char *path, const char *what)
{
    const char *slash = strchr(path, '/');
    return slash != NULL && strstr(slash + 1, what) != NULL;
}

static obj *store(const char *path, const char *data, size_t len, const char *hdrs,
                  const char *tagging)
{
    for (size_t i = 0; i < nobjs; i++)
        if (strcmp(objs[i].path, path) == 0)
            objs[i].latest = 0;
    objs = realloc(objs, (nobjs + 1) * sizeof *objs);
    obj *o = &objs[nobjs++];
    memset(o, 0, sizeof *o);
    o->path = strdup(path);
    o->data = malloc(len + 1);
    memcpy(o->data, data != NULL ? data : "", len);
    o->len = len;
    o->hdrs = strdup(hdrs != NULL ? hdrs : "");
    o->tagging = tagging != NULL && *tagging ? strdup(tagging) : NULL;
    o->latest = 1;
    new_etag(o->etag, data, len);
    snprintf(xs.last_etag, sizeof xs.last_etag, "%s", o->etag);
    for (char *q = xs.last_etag; *q; q++)
        *q = *q == '"' ? '\'' : *q;
    snprintf(o->version, sizeof o->version, "v%d", counter);
    const char *d = strstr(path, "drop");
    if (d != NULL && key_fault(path, "drop"))
        o->drops = d[4] >= '1' && d[4] <= '9' ? d[4] - '0' : 1;
    return o;
}

static void remove_at(size_t i)
{
    free(objs[i].path);
    free(objs[i].data);
    free(objs[i].hdrs);
    free(objs[i].tagging);
    objs[i] = objs[--nobjs];
}

/* The object headers a request sets (content and system headers, user
 * metadata) as stored lines. */
static char *object_headers(const req *r)
{
    static const char *const keep[] = {"content-type",        "cache-control",
                                       "content-disposition", "content-encoding",
                                       "content-language",    "expires",
                                       "x-amz-storage-class"};
    size_t cap = 1, n = 0;
    for (size_t i = 0; i < r->nh; i++)
        cap += strlen(r->hname[i]) + strlen(r->hval[i]) + 4;
    char *s = malloc(cap);
    s[0] = '\0';
    for (size_t i = 0; i < r->nh; i++) {
        int want = strncasecmp(r->hname[i], "x-amz-meta-", 11) == 0;
        for (size_t k = 0; !want && k < sizeof keep / sizeof keep[0]; k++)
            want = strcasecmp(r->hname[i], keep[k]) == 0;
        if (want)
            n += (size_t)sprintf(s + n, "%s: %s\r\n", r->hname[i], r->hval[i]);
    }
    return s;
}

static int tag_count(const char *tagging)
{
    if (tagging == NULL || *tagging == '\0')
        return 0;
    int n = 1;
    for (const char *p = tagging; *p; p++)
        n += *p == '&';
    return n;
}

/* 1 when the answer was cut off (the connection must close). */
static int send_object(int fd, const req *r, obj *o, int head)
{
    const char *range = hget(r, "range");
    const char *im = hget(r, "if-match");
    const char *inm = hget(r, "if-none-match");
    snprintf(xs.last_range, sizeof xs.last_range, "%s", range ? range : "");
    snprintf(xs.last_if_match, sizeof xs.last_if_match, "%s", im ? im : "");
    for (char *q = xs.last_if_match; *q; q++)
        *q = *q == '"' ? '\'' : *q; /* JSON-safe in the stats */
    if (im != NULL && strcmp(im, o->etag) != 0) {
        xerr(fd, 412, "PreconditionFailed",
             "At least one of the preconditions you specified did not hold.", head);
        return 0;
    }
    if (inm != NULL && (strcmp(inm, o->etag) == 0 || strcmp(inm, "*") == 0)) {
        reply(fd, 304, NULL, NULL, 0, 1, 0);
        return 0;
    }
    long long a = 0, b = (long long)o->len - 1;
    int partial = 0;
    if (range != NULL && !head && !key_fault(o->path, "norange")) {
        long long x = -1, y = -1;
        if (sscanf(range, "bytes=%lld-%lld", &x, &y) == 2) {
            a = x;
            b = y < (long long)o->len - 1 ? y : (long long)o->len - 1;
        } else if (sscanf(range, "bytes=-%lld", &y) == 1) {
            a = y < (long long)o->len ? (long long)o->len - y : 0;
        } else if (sscanf(range, "bytes=%lld-", &x) == 1) {
            a = x;
        }
        if (a > b || a >= (long long)o->len) {
            xerr(fd, 416, "InvalidRange", "The requested range is not satisfiable", 0);
            return 0;
        }
        partial = 1;
        xs.ranged_gets++;
    }
    size_t len = (size_t)(b - a + 1);
    if (o->len == 0)
        len = 0;
    char *e = malloc(strlen(o->hdrs) + 1024);
    int n = sprintf(e,
                    "ETag: %s\r\nx-amz-version-id: %s\r\n"
                    "Last-Modified: Mon, 07 Dec 2026 01:00:00 GMT\r\n%s",
                    o->etag, o->version, o->hdrs);
    if (strstr(o->hdrs, "ontent-Type:") == NULL && strstr(o->hdrs, "ontent-type:") == NULL)
        n += sprintf(e + n, "Content-Type: binary/octet-stream\r\n");
    if (partial)
        n += sprintf(e + n, "Content-Range: bytes %lld-%lld/%zu\r\n", a, b, o->len);
    if (o->tagging != NULL)
        n += sprintf(e + n, "x-amz-tagging-count: %d\r\n", tag_count(o->tagging));
    if (key_fault(o->path, "missing-meta"))
        n += sprintf(e + n, "x-amz-missing-meta: 1\r\n");
    if (!head && o->drops > 0 && len > 1) {
        o->drops--;
        xs.drops++;
        reply(fd, partial ? 206 : 200, e, o->data + a, len, 0, len / 2);
        if (key_fault(o->path, "change")) {
            char *copy = malloc(o->len + 1);
            memcpy(copy, o->data, o->len);
            copy[0] ^= 1;
            char *path = strdup(o->path), *hdrs = strdup(o->hdrs);
            size_t olen = o->len;
            store(path, copy, olen, hdrs, NULL);
            free(copy);
            free(path);
            free(hdrs);
        }
        free(e);
        return 1;
    }
    reply(fd, partial ? 206 : 200, e, o->data + a, len, head, len);
    free(e);
    return 0;
}

static void xml_escape_to(char **p, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': *p += sprintf(*p, "&lt;"); break;
        case '>': *p += sprintf(*p, "&gt;"); break;
        case '&': *p += sprintf(*p, "&amp;"); break;
        default: *(*p)++ = *s; break;
        }
    }
    **p = '\0';
}

/* XML text between <tag> and </tag> starting at *pos (entities decoded);
 * malloc'd, or NULL. */
static char *xml_next(const char **pos, const char *tag, const char *limit)
{
    char open[64], close[64];
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    const char *a = strstr(*pos, open);
    if (a == NULL || (limit != NULL && a > limit))
        return NULL;
    a += strlen(open);
    const char *b = strstr(a, close);
    if (b == NULL)
        return NULL;
    *pos = b + strlen(close);
    char *out = malloc((size_t)(b - a) + 1), *o = out;
    for (const char *s = a; s < b;) {
        if (*s == '&') {
            const char *semi = memchr(s, ';', (size_t)(b - s));
            if (semi == NULL)
                break;
            if (strncmp(s, "&lt;", 4) == 0)
                *o++ = '<';
            else if (strncmp(s, "&gt;", 4) == 0)
                *o++ = '>';
            else if (strncmp(s, "&amp;", 5) == 0)
                *o++ = '&';
            else if (strncmp(s, "&quot;", 6) == 0)
                *o++ = '"';
            else if (strncmp(s, "&apos;", 6) == 0)
                *o++ = '\'';
            else if (s[1] == '#')
                *o++ = (char)atoi(s + 2);
            s = semi + 1;
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

static upload *find_upload(const char *id, const char *path)
{
    for (size_t i = 0; i < nups; i++)
        if (ups[i].active && strcmp(ups[i].id, id) == 0 && strcmp(ups[i].path, path) == 0)
            return &ups[i];
    return NULL;
}

/* "/bucket/key?versionId=V" -> the source object, or an error sent. */
static obj *copy_source(int fd, const req *r, const char *src)
{
    char *s = strdup(src);
    char *qm = strchr(s, '?');
    char *ver = NULL;
    if (qm != NULL) {
        *qm = '\0';
        ver = qget(qm + 1, "versionId");
    }
    char *path = dec(s[0] == '/' ? s + 1 : s, strlen(s[0] == '/' ? s + 1 : s));
    snprintf(xs.last_version_query, sizeof xs.last_version_query, "%s", ver ? ver : "");
    obj *o = find(path, ver);
    free(s);
    free(ver);
    free(path);
    if (o == NULL) {
        xerr(fd, 404, "NoSuchKey", "The specified key does not exist.", 0);
        return NULL;
    }
    const char *im = hget(r, "x-amz-copy-source-if-match");
    snprintf(xs.last_copy_if_match, sizeof xs.last_copy_if_match, "%s", im ? im : "");
    for (char *q = xs.last_copy_if_match; *q; q++)
        *q = *q == '"' ? '\'' : *q;
    if (im != NULL && strcmp(im, o->etag) != 0) {
        xerr(fd, 412, "PreconditionFailed",
             "At least one of the preconditions you specified did not hold.", 0);
        return NULL;
    }
    return o;
}

static void err200(int fd)
{
    xml_ok(fd, NULL,
           "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\n<Error><Code>InternalError"
           "</Code><Message>We encountered an internal error. Please try again."
           "</Message><RequestId>s3x-err200</RequestId></Error>");
}

static void do_list(int fd, const req *r, const char *bucket)
{
    char *prefix = qget(r->query, "prefix"), *tok = qget(r->query, "continuation-token");
    char *mk = qget(r->query, "max-keys");
    int max = mk != NULL && *mk ? atoi(mk) : 1000;
    size_t bl = strlen(bucket);
    xs.lists++;
    /* latest objects of the bucket with the prefix, after the token, sorted */
    const char **keys = calloc(nobjs + 1, sizeof *keys);
    obj **os = calloc(nobjs + 1, sizeof *os);
    size_t n = 0;
    for (size_t i = 0; i < nobjs; i++) {
        const char *p = objs[i].path;
        if (!objs[i].latest || strncmp(p, bucket, bl) != 0 || p[bl] != '/')
            continue;
        const char *k = p + bl + 1;
        if (prefix != NULL && strncmp(k, prefix, strlen(prefix)) != 0)
            continue;
        if (tok != NULL && strcmp(k, tok) <= 0)
            continue;
        size_t j = n++;
        while (j > 0 && strcmp(keys[j - 1], k) > 0) {
            keys[j] = keys[j - 1];
            os[j] = os[j - 1];
            j--;
        }
        keys[j] = k;
        os[j] = &objs[i];
    }
    size_t take = n < (size_t)max ? n : (size_t)max;
    char *b = malloc(4096 + take * 2400), *p = b;
    p += sprintf(p,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult "
                 "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>%s</Name>"
                 "<KeyCount>%zu</KeyCount><MaxKeys>%d</MaxKeys><IsTruncated>%s</IsTruncated>",
                 bucket, take, max, take < n ? "true" : "false");
    if (take < n) {
        p += sprintf(p, "<NextContinuationToken>");
        xml_escape_to(&p, keys[take - 1]);
        p += sprintf(p, "</NextContinuationToken>");
    }
    for (size_t i = 0; i < take; i++) {
        p += sprintf(p, "<Contents><Key>");
        xml_escape_to(&p, keys[i]);
        /* the object's own ETag, so a GET can be pinned to what was listed */
        p += sprintf(p, "</Key><LastModified>2026-12-07T01:00:00.000Z</LastModified><ETag>");
        xml_escape_to(&p, os[i]->etag);
        p += sprintf(p, "</ETag><Size>%zu</Size><StorageClass>STANDARD</StorageClass></Contents>",
                     os[i]->len);
    }
    sprintf(p, "</ListBucketResult>");
    xml_ok(fd, NULL, b);
    free(b);
    free(keys);
    free(os);
    free(prefix);
    free(tok);
    free(mk);
}

static void do_delete_objects(int fd, const req *r, const char *bucket)
{
    const char *md5 = hget(r, "content-md5");
    char want[32];
    md5_b64(r->body ? r->body : "", r->body_len, want);
    if (md5 == NULL || strcmp(md5, want) != 0) {
        xerr(fd, 400, md5 == NULL ? "MissingContentMD5" : "BadDigest",
             "Content-MD5 is missing or wrong", 0);
        return;
    }
    xs.delete_requests++;
    const char *pos = r->body ? r->body : "";
    int quiet = strstr(pos, "<Quiet>true</Quiet>") != NULL;
    char *b = malloc(64 + r->body_len * 4 + 4096), *p = b;
    p += sprintf(p, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult "
                    "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
    int count = 0;
    for (;;) {
        const char *o = strstr(pos, "<Object>");
        if (o == NULL)
            break;
        const char *end = strstr(o, "</Object>");
        pos = o;
        char *key = xml_next(&pos, "Key", end);
        const char *vp = o;
        char *ver = xml_next(&vp, "VersionId", end);
        pos = end != NULL ? end + 9 : pos + 8;
        if (key == NULL)
            break;
        if (++count > 1000) {
            free(key);
            free(ver);
            free(b);
            xerr(fd, 400, "MalformedXML", "more than 1000 keys", 0);
            return;
        }
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", bucket, key);
        if (strstr(key, "deny") != NULL) {
            p += sprintf(p, "<Error><Key>");
            xml_escape_to(&p, key);
            p += sprintf(p,
                         "</Key>%s%s%s<Code>AccessDenied</Code><Message>Access Denied"
                         "</Message></Error>",
                         ver ? "<VersionId>" : "", ver ? ver : "", ver ? "</VersionId>" : "");
        } else {
            for (size_t i = nobjs; i-- > 0;)
                if (strcmp(objs[i].path, path) == 0 &&
                    (ver == NULL || strcmp(objs[i].version, ver) == 0))
                    remove_at(i);
            xs.deleted_keys++;
            if (!quiet) {
                p += sprintf(p, "<Deleted><Key>");
                xml_escape_to(&p, key);
                p += sprintf(p, "</Key></Deleted>");
            }
        }
        free(key);
        free(ver);
    }
    sprintf(p, "</DeleteResult>");
    xml_ok(fd, NULL, b);
    free(b);
}

static void do_complete(int fd, const req *r, upload *u)
{
    const char *pos = r->body ? r->body : "";
    size_t total = 0, cap = 0;
    char *data = NULL;
    int prev = 0;
    for (;;) {
        char *num = xml_next(&pos, "PartNumber", NULL);
        char *etag = num ? xml_next(&pos, "ETag", NULL) : NULL;
        if (num == NULL) {
            free(etag);
            break;
        }
        int n = atoi(num);
        part *found = NULL;
        for (size_t i = 0; i < u->nparts; i++)
            if (u->parts[i].n == n)
                found = &u->parts[i];
        if (found == NULL || etag == NULL || strcmp(etag, found->etag) != 0 || n <= prev) {
            free(num);
            free(etag);
            free(data);
            xerr(fd, 400, "InvalidPart", "One or more of the specified parts could not be found.",
                 0);
            return;
        }
        prev = n;
        if (total + found->len + 1 > cap) {
            cap = (total + found->len + 1) * 2;
            data = realloc(data, cap);
        }
        memcpy(data + total, found->data, found->len);
        total += found->len;
        free(num);
        free(etag);
    }
    if (prev == 0) {
        xerr(fd, 400, "MalformedXML", "no parts", 0);
        free(data);
        return;
    }
    const char *inm = hget(r, "if-none-match");
    if (inm != NULL && strcmp(inm, "*") == 0 && find(u->path, NULL) != NULL) {
        free(data);
        xerr(fd, 412, "PreconditionFailed",
             "At least one of the preconditions you specified did not hold.", 0);
        return;
    }
    if (key_fault(u->path, "err200")) {
        free(data);
        err200(fd);
        return;
    }
    obj *o = store(u->path, data, total, u->hdrs, u->tagging);
    free(data);
    xs.completes++;
    u->active = 0;
    char b[1024], e[128];
    snprintf(b, sizeof b,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<CompleteMultipartUploadResult><Key>x</Key><ETag>&quot;%s&quot;</ETag>"
             "</CompleteMultipartUploadResult>",
             "mp");
    snprintf(e, sizeof e, "x-amz-version-id: %s\r\n", o->version);
    xml_ok(fd, e, b);
}

static void do_part(int fd, const req *r, upload *u, int n)
{
    const char *src = hget(r, "x-amz-copy-source");
    const char *data = r->body ? r->body : "";
    size_t len = r->body_len;
    if (src != NULL) {
        obj *o = copy_source(fd, r, src);
        if (o == NULL)
            return;
        const char *rg = hget(r, "x-amz-copy-source-range");
        long long a = 0, b = (long long)o->len - 1;
        if (rg != NULL &&
            (sscanf(rg, "bytes=%lld-%lld", &a, &b) != 2 || a > b || b >= (long long)o->len)) {
            xerr(fd, 400, "InvalidArgument", "The x-amz-copy-source-range value is invalid", 0);
            return;
        }
        xs.part_copies++;
        if (key_fault(u->path, "err200")) {
            err200(fd);
            return;
        }
        data = o->data + a;
        len = (size_t)(b - a + 1);
    }
    part *p = NULL;
    for (size_t i = 0; i < u->nparts; i++)
        if (u->parts[i].n == n)
            p = &u->parts[i];
    if (p == NULL) {
        u->parts = realloc(u->parts, (u->nparts + 1) * sizeof *u->parts);
        p = &u->parts[u->nparts++];
        memset(p, 0, sizeof *p);
        p->n = n;
    }
    free(p->data);
    p->data = malloc(len + 1);
    memcpy(p->data, data, len);
    p->len = len;
    new_etag(p->etag, data, len);
    if (src != NULL) {
        char b[512];
        snprintf(b, sizeof b,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CopyPartResult>"
                 "<LastModified>2026-12-07T01:00:00.000Z</LastModified>"
                 "<ETag>%s</ETag></CopyPartResult>",
                 p->etag);
        xml_ok(fd, NULL, b);
    } else {
        char e[128];
        snprintf(e, sizeof e, "ETag: %s\r\n", p->etag);
        reply(fd, 200, e, NULL, 0, 0, 0);
    }
}

static void do_copy(int fd, const req *r, const char *path, const char *src)
{
    obj *o = copy_source(fd, r, src);
    if (o == NULL)
        return;
    xs.copies++;
    if (key_fault(path, "err200")) {
        err200(fd);
        return;
    }
    const char *md = hget(r, "x-amz-metadata-directive");
    const char *td = hget(r, "x-amz-tagging-directive");
    char *hdrs = md != NULL && strcmp(md, "REPLACE") == 0 ? object_headers(r) : strdup(o->hdrs);
    const char *tagging = td != NULL && strcmp(td, "REPLACE") == 0 ? hget(r, "x-amz-tagging")
                                                                   : o->tagging;
    char *data = malloc(o->len + 1);
    memcpy(data, o->data, o->len);
    char *tag_copy = tagging ? strdup(tagging) : NULL;
    obj *n = store(path, data, o->len, hdrs, tag_copy);
    free(data);
    free(hdrs);
    free(tag_copy);
    char b[512], e[128];
    snprintf(b, sizeof b,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CopyObjectResult>"
             "<LastModified>2026-12-07T01:00:00.000Z</LastModified><ETag>%s</ETag>"
             "</CopyObjectResult>",
             n->etag);
    snprintf(e, sizeof e, "x-amz-version-id: %s\r\n", n->version);
    xml_ok(fd, e, b);
}

static void do_tagging(int fd, const obj *o)
{
    char b[8192], *p = b;
    p += sprintf(p, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Tagging><TagSet>");
    char *t = o->tagging ? strdup(o->tagging) : NULL;
    for (char *save = NULL, *kv = t ? strtok_r(t, "&", &save) : NULL; kv != NULL;
         kv = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(kv, '=');
        if (eq != NULL)
            *eq = '\0';
        char *k = dec(kv, strlen(kv)), *v = dec(eq ? eq + 1 : "", eq ? strlen(eq + 1) : 0);
        p += sprintf(p, "<Tag><Key>");
        xml_escape_to(&p, k);
        p += sprintf(p, "</Key><Value>");
        xml_escape_to(&p, v);
        p += sprintf(p, "</Value></Tag>");
        free(k);
        free(v);
    }
    free(t);
    sprintf(p, "</TagSet></Tagging>");
    xml_ok(fd, NULL, b);
}

int mock_s3x_unsigned(int fd, const req *r)
{
    if (strncmp(r->path, "/__s3x/", 7) != 0)
        return 0;
    if (strcmp(r->path, "/__s3x/stats") == 0) {
        char b[4096];
        snprintf(
            b, sizeof b,
            "{\"gets\":%d,\"ranged_gets\":%d,\"drops\":%d,\"puts\":%d,\"copies\":%d,"
            "\"part_copies\":%d,\"creates\":%d,\"completes\":%d,\"aborts\":%d,"
            "\"delete_requests\":%d,\"deleted_keys\":%d,\"lists\":%d,\"objects\":%zu,"
            "\"last_range\":\"%s\",\"last_if_match\":\"%s\",\"last_copy_if_match\":\"%s\","
            "\"last_if_none_match\":\"%s\",\"last_version_query\":\"%s\","
            "\"last_etag\":\"%s\",\"put_requests\":%d,\"put_body_1\":\"%s\",\"put_body_2\":\"%s\","
            "\"put_payload_1\":\"%s\",\"put_payload_2\":\"%s\",\"list_buckets\":%d,"
            "\"put_write\":\"%s\",\"create_write\":\"%s\",\"copy_write\":\"%s\"}",
            xs.gets, xs.ranged_gets, xs.drops, xs.puts, xs.copies, xs.part_copies, xs.creates,
            xs.completes, xs.aborts, xs.delete_requests, xs.deleted_keys, xs.lists, nobjs,
            xs.last_range, xs.last_if_match, xs.last_copy_if_match, xs.last_if_none_match,
            xs.last_version_query, xs.last_etag, xs.put_requests, xs.put_body_1, xs.put_body_2,
            xs.put_payload_1, xs.put_payload_2, xs.list_buckets, xs.put_write, xs.create_write,
            xs.copy_write);
        respond_str(fd, 200, "application/json", b);
        return 1;
    }
    if (strcmp(r->path, "/__s3x/fill") == 0) {
        char *b = qget(r->query, "bucket"), *p = qget(r->query, "prefix");
        char *c = qget(r->query, "count");
        int n = c ? atoi(c) : 0;
        for (int i = 0; i < n; i++) {
            char path[1024], body[32];
            snprintf(path, sizeof path, "%s/%s%04d", b ? b : "s3x-fill", p ? p : "", i);
            int bl = snprintf(body, sizeof body, "object %d", i);
            store(path, body, (size_t)bl, "", NULL);
        }
        free(b);
        free(p);
        free(c);
        respond_str(fd, 200, "text/plain", "ok");
        return 1;
    }
    respond_str(fd, 404, "text/plain", "no such control");
    return 1;
}

/* ListBuckets: three buckets, two (or max-buckets) a page. */
static void do_list_buckets(int fd, const req *r)
{
    static const char *const names[] = {"s3x-list-a", "s3x-list-b", "s3x-list-c"};
    char *tok = qget(r->query, "continuation-token");
    char *mb = qget(r->query, "max-buckets");
    int first = 0, per = mb != NULL && atoi(mb) > 0 ? atoi(mb) : 2;
    if (tok != NULL && strncmp(tok, "page-", 5) == 0)
        first = atoi(tok + 5) - 1;
    if (tok != NULL && (strncmp(tok, "page-", 5) != 0 || first < 0 || first > 2)) {
        xerr(fd, 400, "InvalidArgument", "The continuation token provided is incorrect", 0);
        free(tok);
        free(mb);
        return;
    }
    xs.list_buckets++;
    char b[2048], *p = b;
    p += sprintf(p, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult>"
                    "<Owner><ID>mock</ID></Owner><Buckets>");
    int i;
    for (i = first; i < 3 && i < first + per; i++)
        p += sprintf(p,
                     "<Bucket><Name>%s</Name><CreationDate>2024-0%d-15T08:30:0%d.000Z"
                     "</CreationDate></Bucket>",
                     names[i], i + 1, i);
    p += sprintf(p, "</Buckets>");
    if (i < 3)
        p += sprintf(p, "<ContinuationToken>page-%d</ContinuationToken>", i + 1);
    sprintf(p, "</ListAllMyBucketsResult>");
    xml_ok(fd, NULL, b);
    free(tok);
    free(mb);
}

/* 1 handled, 0 not an s3x bucket, -1 close the connection. */
int mock_s3x_handle(int fd, const req *r)
{
    if (strcmp(r->path, "/") == 0 && strcmp(r->method, "GET") == 0) {
        do_list_buckets(fd, r);
        return 1;
    }
    if (strncmp(r->path, "/s3x-", 5) != 0)
        return 0;
    char *full = dec(r->path + 1, strlen(r->path + 1));
    char *slash = strchr(full, '/');
    char bucket[256];
    snprintf(bucket, sizeof bucket, "%.*s", slash ? (int)(slash - full) : (int)strlen(full), full);
    const char *key = slash != NULL ? slash + 1 : "";
    int head = strcmp(r->method, "HEAD") == 0;
    char *ver = qget(r->query, "versionId");
    char *upload_id = qget(r->query, "uploadId");
    char *pn = qget(r->query, "partNumber");
    const char *inm = hget(r, "if-none-match");
    snprintf(xs.last_if_none_match, sizeof xs.last_if_none_match, "%s", inm ? inm : "");
    if (ver != NULL)
        snprintf(xs.last_version_query, sizeof xs.last_version_query, "%s", ver);
    int rc = 1;
    if (*key == '\0') {
        char *del = qget(r->query, "delete");
        if (strcmp(r->method, "POST") == 0 && del != NULL)
            do_delete_objects(fd, r, bucket);
        else if (strcmp(r->method, "GET") == 0)
            do_list(fd, r, bucket);
        else if (strcmp(r->method, "PUT") == 0 || strcmp(r->method, "DELETE") == 0)
            reply(fd, 200, NULL, NULL, 0, 0, 0); /* buckets always exist */
        else
            xerr(fd, 405, "MethodNotAllowed", "method not allowed", head);
        free(del);
    } else if (strcmp(r->method, "GET") == 0 || head) {
        char *tagging = qget(r->query, "tagging");
        obj *o = find(full, ver);
        if (o == NULL)
            xerr(fd, 404, ver ? "NoSuchVersion" : "NoSuchKey", "The specified key does not exist.",
                 head);
        else if (tagging != NULL)
            do_tagging(fd, o);
        else {
            xs.gets += !head;
            if (send_object(fd, r, o, head))
                rc = -1; /* the connection goes down mid-body */
        }
        free(tagging);
    } else if (strcmp(r->method, "PUT") == 0 && upload_id != NULL && pn != NULL) {
        upload *u = find_upload(upload_id, full);
        if (u == NULL)
            xerr(fd, 404, "NoSuchUpload", "The specified upload does not exist.", 0);
        else
            do_part(fd, r, u, atoi(pn));
    } else if (strcmp(r->method, "PUT") == 0 && hget(r, "x-amz-copy-source") != NULL) {
        note_write(r, xs.copy_write, sizeof xs.copy_write);
        do_copy(fd, r, full, hget(r, "x-amz-copy-source"));
    } else if (strcmp(r->method, "PUT") == 0) {
        if (inm != NULL && strcmp(inm, "*") == 0 && find(full, NULL) != NULL) {
            xerr(fd, 412, "PreconditionFailed",
                 "At least one of the preconditions you specified did not hold.", 0);
        } else {
            note_write(r, xs.put_write, sizeof xs.put_write);
            char *hdrs = object_headers(r);
            obj *o = store(full, r->body, r->body_len, hdrs, hget(r, "x-amz-tagging"));
            free(hdrs);
            xs.puts++;
            char e[160];
            snprintf(e, sizeof e, "ETag: %s\r\nx-amz-version-id: %s\r\n", o->etag, o->version);
            reply(fd, 200, e, NULL, 0, 0, 0);
        }
    } else if (strcmp(r->method, "POST") == 0 && upload_id == NULL) {
        /* CreateMultipartUpload */
        note_write(r, xs.create_write, sizeof xs.create_write);
        ups = realloc(ups, (nups + 1) * sizeof *ups);
        upload *u = &ups[nups++];
        memset(u, 0, sizeof *u);
        snprintf(u->id, sizeof u->id, "up-%d", ++counter);
        u->path = strdup(full);
        u->hdrs = object_headers(r);
        const char *t = hget(r, "x-amz-tagging");
        u->tagging = t ? strdup(t) : NULL;
        u->active = 1;
        xs.creates++;
        char b[512];
        snprintf(b, sizeof b,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<InitiateMultipartUploadResult><Bucket>%s</Bucket><Key>x</Key>"
                 "<UploadId>%s</UploadId></InitiateMultipartUploadResult>",
                 bucket, u->id);
        xml_ok(fd, NULL, b);
    } else if (strcmp(r->method, "POST") == 0) {
        upload *u = find_upload(upload_id, full);
        if (u == NULL)
            xerr(fd, 404, "NoSuchUpload", "The specified upload does not exist.", 0);
        else
            do_complete(fd, r, u);
    } else if (strcmp(r->method, "DELETE") == 0 && upload_id != NULL) {
        upload *u = find_upload(upload_id, full);
        if (u == NULL) {
            xerr(fd, 404, "NoSuchUpload", "The specified upload does not exist.", 0);
        } else {
            u->active = 0;
            xs.aborts++;
            reply(fd, 204, NULL, NULL, 0, 0, 0);
        }
    } else if (strcmp(r->method, "DELETE") == 0) {
        for (size_t i = nobjs; i-- > 0;)
            if (strcmp(objs[i].path, full) == 0 &&
                (ver == NULL || strcmp(objs[i].version, ver) == 0))
                remove_at(i);
        reply(fd, 204, NULL, NULL, 0, 0, 0);
    } else {
        xerr(fd, 405, "MethodNotAllowed", "method not allowed", head);
    }
    free(full);
    free(ver);
    free(upload_id);
    free(pn);
    return rc;
}
