/* seckit/s3.h against the loopback mock AWS server's fuller S3
 * (tests/aws/mock_s3.c, buckets "s3x-..."): the streaming hooks (part
 * sources with per-part retries, sinks with resumed downloads), version
 * ids, conditional writes and copies, multipart copies, DeleteObjects,
 * RFC 2047 metadata, x-amz-missing-meta, and local bucket-name checks. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "seckit/aws.h"
#include "seckit/s3.h"
#include "seckit/s3cse.h"
#include "seckit/s3cse_object.h"
#include "src/aws/client.h"
#include "src/aws/s3_internal.h"
#include "tests/aws/mockctl.h"
#include "tests/unit/testlib.h"

#define MOCK_KEY "AKIDMOCKEXAMPLE"
#define MOCK_SECRET "mockSecret/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define B "s3x-bucket"

static mockctl M;
static char tmpdir[256];
static int sleeps;

static void fake_sleep(void *ctx, long ms)
{
    (void)ctx;
    (void)ms;
    sleeps++;
}

static double fake_rand(void *ctx)
{
    (void)ctx;
    return 0.5;
}

static seckit_aws *client(int attempts)
{
    seckit_aws_options o = SECKIT_AWS_OPTIONS_INIT;
    seckit_aws_credentials c;
    memset(&c, 0, sizeof c);
    snprintf(c.access_key_id, sizeof c.access_key_id, "%s", MOCK_KEY);
    snprintf(c.secret_access_key, sizeof c.secret_access_key, "%s", MOCK_SECRET);
    o.endpoint_url = M.url;
    o.region = "us-east-1";
    o.credentials = &c;
    o.max_attempts = attempts;
    seckit_aws *aws = mock_client(&o);
    if (aws == NULL)
        return NULL;
    skt_aws_hooks h = {fake_sleep, fake_rand, NULL, NULL};
    skt_aws_set_hooks(aws, &h);
    return aws;
}

/* A counter or string from the mock's /__s3x/stats. */
static int xstat(const char *name)
{
    return mock_stat_at(&M, "/__s3x/stats", name);
}

static void xstat_str(const char *name, char *dst, size_t cap)
{
    mock_stat_str_at(&M, "/__s3x/stats", name, dst, cap);
}

static unsigned char *pattern(size_t n, unsigned seed)
{
    unsigned char *p = malloc(n);
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)((i * 131 + seed * 7 + (i >> 8)) & 0xff);
    return p;
}

static int put(seckit_aws *aws, const char *key, const void *data, size_t len,
               seckit_s3_put_result *res)
{
    seckit_s3_put p = {.bucket = B, .key = key, .body = {.data = data, .fd = -1, .len = len}};
    seckit_s3_put_result local;
    seckit_error err;
    int rc = seckit_s3_put_object(aws, res != NULL ? res : &local, &p, &err);
    if (rc != 0)
        printf("# put %s: %s\n", key, err.message);
    return rc;
}

/* ---- download sink ----------------------------------------------------- */

typedef struct sink_ctx {
    unsigned char *buf;
    size_t len, cap;
    int headers_calls;
    int sink_calls;
    long long header_size;
    char header_etag[130];
    int fail_at_call; /* sink fails on this call (1-based), 0 never */
    int fail_headers;
    int headers_after_data;
} sink_ctx;

static int on_headers(void *ctx, const seckit_s3_object_info *info, seckit_error *err)
{
    sink_ctx *s = ctx;
    s->headers_calls++;
    if (s->sink_calls > 0)
        s->headers_after_data = 1;
    s->header_size = info->content_length;
    snprintf(s->header_etag, sizeof s->header_etag, "%s", info->etag);
    if (s->fail_headers)
        return seckit_error_set(err, SECKIT_EAUTH, "test: headers refused");
    return 0;
}

static int sink(void *ctx, const unsigned char *data, size_t len, seckit_error *err)
{
    sink_ctx *s = ctx;
    s->sink_calls++;
    if (s->fail_at_call != 0 && s->sink_calls == s->fail_at_call)
        return seckit_error_set(err, SECKIT_EAUTH, "test: the sink refuses byte %zu", s->len);
    if (s->len + len > s->cap) {
        s->cap = (s->len + len) * 2;
        s->buf = realloc(s->buf, s->cap);
    }
    memcpy(s->buf + s->len, data, len);
    s->len += len;
    return 0;
}

static void test_sink_resume(void)
{
    seckit_aws *aws = client(3);
    seckit_error err;
    size_t n = 300000;
    unsigned char *data = pattern(n, 1);
    seckit_s3_put_result pr;
    CHECK(put(aws, "hooks/drop-once.bin", data, n, &pr) == 0);
    int gets = xstat("gets"), drops = xstat("drops");

    sink_ctx s = {0};
    seckit_s3_get g = SECKIT_S3_GET_INIT;
    g.bucket = B;
    g.key = "hooks/drop-once.bin";
    g.on_headers = on_headers;
    g.sink = sink;
    g.sink_ctx = &s;
    seckit_s3_object_info info;
    sleeps = 0;
    CHECK_OK(seckit_s3_get_object(aws, &info, NULL, NULL, &g, &err), &err);
    CHECK(s.len == n && memcmp(s.buf, data, n) == 0); /* each byte once, in order */
    CHECK(s.headers_calls == 1 && !s.headers_after_data && s.header_size == (long long)n);
    CHECK_STR(s.header_etag, pr.etag);
    CHECK(info.content_length == (long long)n && strcmp(info.etag, pr.etag) == 0);
    CHECK(xstat("gets") == gets + 2 && xstat("drops") == drops + 1);
    char last[128], expect[128];
    xstat_str("last_range", last, sizeof last);
    snprintf(expect, sizeof expect, "bytes=%zu-%zu", n / 2, n - 1);
    CHECK_STR(last, expect);
    xstat_str("last_if_match", last, sizeof last);
    for (char *q = last; *q; q++) /* the stats show quotes as ' */
        *q = *q == '\'' ? '"' : *q;
    CHECK_STR(last, pr.etag);
    CHECK(sleeps == 1);
    seckit_s3_object_info_free(&info);
    free(s.buf);

    /* A ranged request resumes inside its own range. */
    CHECK(put(aws, "hooks/drop-range.bin", data, n, NULL) == 0);
    memset(&s, 0, sizeof s);
    g.key = "hooks/drop-range.bin";
    g.range = "bytes=1000-200999";
    CHECK_OK(seckit_s3_get_object(aws, &info, NULL, NULL, &g, &err), &err);
    CHECK(s.len == 200000 && memcmp(s.buf, data + 1000, 200000) == 0);
    CHECK(info.range_first == 1000 && info.range_last == 200999);
    xstat_str("last_range", last, sizeof last);
    CHECK_STR(last, "bytes=101000-200999");
    seckit_s3_object_info_free(&info);
    free(s.buf);

    /* Twice cut off: two resumes within 3 attempts. */
    CHECK(put(aws, "hooks/drop2-twice.bin", data, n, NULL) == 0);
    memset(&s, 0, sizeof s);
    g.key = "hooks/drop2-twice.bin";
    g.range = NULL;
    CHECK_OK(seckit_s3_get_object(aws, &info, NULL, NULL, &g, &err), &err);
    CHECK(s.len == n && memcmp(s.buf, data, n) == 0 && s.headers_calls == 1);
    seckit_s3_object_info_free(&info);
    free(s.buf);

    /* Streamed to a file descriptor and to memory: the same resume. */
    CHECK(put(aws, "hooks/drop-fd.bin", data, n, NULL) == 0);
    char path[512];
    snprintf(path, sizeof path, "%s/fd.bin", tmpdir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    seckit_s3_get gf = SECKIT_S3_GET_INIT;
    gf.bucket = B;
    gf.key = "hooks/drop-fd.bin";
    gf.out_fd = fd;
    CHECK_OK(seckit_s3_get_object(aws, &info, NULL, NULL, &gf, &err), &err);
    seckit_s3_object_info_free(&info);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == (off_t)n);
    unsigned char *back = malloc(n);
    CHECK(pread(fd, back, n, 0) == (ssize_t)n && memcmp(back, data, n) == 0);
    free(back);
    close(fd);
    CHECK(put(aws, "hooks/drop-mem.bin", data, n, NULL) == 0);
    seckit_s3_get gm = SECKIT_S3_GET_INIT;
    gm.bucket = B;
    gm.key = "hooks/drop-mem.bin";
    unsigned char *body = NULL;
    size_t blen = 0;
    CHECK_OK(seckit_s3_get_object(aws, &info, &body, &blen, &gm, &err), &err);
    CHECK(blen == n && body != NULL && memcmp(body, data, n) == 0);
    free(body);
    seckit_s3_object_info_free(&info);

    /* Empty object: on_headers still called once, the sink never. */
    CHECK(put(aws, "hooks/empty", "", 0, NULL) == 0);
    memset(&s, 0, sizeof s);
    g.key = "hooks/empty";
    CHECK_OK(seckit_s3_get_object(aws, &info, NULL, NULL, &g, &err), &err);
    CHECK(s.headers_calls == 1 && s.sink_calls == 0 && info.content_length == 0);
    seckit_s3_object_info_free(&info);
    free(data);
    seckit_aws_free(aws);
}

static void test_sink_resume_refused(void)
{
    seckit_aws *aws = client(3);
    seckit_error err;
    size_t n = 100000;
    unsigned char *data = pattern(n, 2);
    /* The object changes while the first answer is cut off: the resumed
     * GET's If-Match fails; nothing of the new version reaches the sink. */
    CHECK(put(aws, "hooks/drop-change.bin", data, n, NULL) == 0);
    sink_ctx s = {0};
    seckit_s3_get g = SECKIT_S3_GET_INIT;
    g.bucket = B;
    g.key = "hooks/drop-change.bin";
    g.on_headers = on_headers;
    g.sink = sink;
    g.sink_ctx = &s;
    seckit_s3_object_info info;
    CHECK_RC(seckit_s3_get_object(aws, &info, NULL, NULL, &g, &err), SECKIT_EAWS);
    CHECK(err.http_status == 412);
    CHECK_STR(err.aws_code, "PreconditionFailed");
    CHECK(strstr(err.message, "resumed 1 time") != NULL);
    CHECK(s.len == n / 2 && memcmp(s.buf, data, n / 2) == 0 && s.headers_calls == 1);
    CHECK(info.metadata == NULL);
    free(s.buf);

    /* A server that ignores Range on the resume: refused, not spliced. */
    CHECK(put(aws, "hooks/drop-norange.bin", data, n, NULL) == 0);
    memset(&s, 0, sizeof s);
    g.key = "hooks/drop-norange.bin";
    CHECK_RC(seckit_s3_get_object(aws, &info, NULL, NULL, &g, &err), SECKIT_EFORMAT);
    CHECK(strstr(err.message, "does not continue the first one at byte 50000") != NULL);
    CHECK(s.len == n / 2);
    free(s.buf);

    /* One attempt allowed: no resume, a network error. */
    seckit_aws *one = client(1);
    CHECK(put(one, "hooks/drop-noretry.bin", data, n, NULL) == 0);
    memset(&s, 0, sizeof s);
    g.key = "hooks/drop-noretry.bin";
    int gets = xstat("gets");
    CHECK_RC(seckit_s3_get_object(one, &info, NULL, NULL, &g, &err), SECKIT_ENETWORK);
    CHECK(xstat("gets") == gets + 1 && s.len == n / 2);
    free(s.buf);
    seckit_aws_free(one);

    /* A sink error stops at once, as is, without a retry. */
    CHECK(put(aws, "hooks/plain.bin", data, n, NULL) == 0);
    memset(&s, 0, sizeof s);
    s.fail_at_call = 1;
    g.key = "hooks/plain.bin";
    gets = xstat("gets");
    CHECK_RC(seckit_s3_get_object(aws, &info, NULL, NULL, &g, &err), SECKIT_EAUTH);
    CHECK(strstr(err.message, "test: the sink refuses byte 0") != NULL);
    CHECK(xstat("gets") == gets + 1 && s.sink_calls == 1 && s.len == 0);
    /* ... also in the middle of a cut-off answer's resume */
    CHECK(put(aws, "hooks/drop-sinkfail.bin", data, n, NULL) == 0);
    memset(&s, 0, sizeof s);
    s.fail_at_call = 1000000;
    g.key = "hooks/drop-sinkfail.bin";
    CHECK_OK(seckit_s3_get_object(aws, &info, NULL, NULL, &g, &err), &err);
    seckit_s3_object_info_free(&info);
    int calls = s.sink_calls;
    free(s.buf);
    CHECK(put(aws, "hooks/drop-sinkfail2.bin", data, n, NULL) == 0);
    memset(&s, 0, sizeof s);
    s.fail_at_call = calls; /* the last call: in the resumed answer */
    g.key = "hooks/drop-sinkfail2.bin";
    gets = xstat("gets");
    CHECK_RC(seckit_s3_get_object(aws, &info, NULL, NULL, &g, &err), SECKIT_EAUTH);
    CHECK(xstat("gets") == gets + 2);
    free(s.buf);
    /* on_headers refusing: the sink never sees a byte */
    memset(&s, 0, sizeof s);
    s.fail_headers = 1;
    g.key = "hooks/plain.bin";
    CHECK_RC(seckit_s3_get_object(aws, &info, NULL, NULL, &g, &err), SECKIT_EAUTH);
    CHECK_STR(err.message, "test: headers refused");
    CHECK(s.sink_calls == 0 && s.headers_calls == 1);
    free(s.buf);
    free(data);
    seckit_aws_free(aws);
}

/* ---- upload part source ------------------------------------------------ */

typedef struct src_ctx {
    size_t total; /* bytes to produce */
    size_t made;
    int calls[16];       /* calls per part number */
    int fail_part;       /* fail on this part (0 never) */
    int inject_500_part; /* make the mock fail this part's upload once */
    int short_part;      /* this part is short without being last */
    unsigned char state; /* a running transform: never re-callable */
} src_ctx;

static int source(void *ctx, int part_number, unsigned char *buf, size_t cap, size_t *len,
                  int *last, seckit_error *err)
{
    src_ctx *s = ctx;
    if (part_number >= 1 && part_number < 16)
        s->calls[part_number]++;
    if (part_number == s->fail_part)
        return seckit_error_set(err, SECKIT_EAUTH, "test: part %d cannot be made", part_number);
    size_t n = s->total - s->made < cap ? s->total - s->made : cap;
    if (part_number == s->short_part)
        n = 10;
    for (size_t i = 0; i < n; i++) {
        s->state = (unsigned char)(s->state * 33 + 7);
        buf[i] = s->state;
    }
    s->made += n;
    *len = n;
    *last = s->made == s->total;
    if (part_number == s->inject_500_part)
        mock_mode(&M, "500", 1);
    return 0;
}

static unsigned char *expected_stream(size_t n)
{
    unsigned char *p = malloc(n + 1), st = 0;
    for (size_t i = 0; i < n; i++) {
        st = (unsigned char)(st * 33 + 7);
        p[i] = st;
    }
    return p;
}

static void test_part_source(void)
{
    seckit_aws *aws = client(3);
    seckit_error err;
    size_t ps = 64 * 1024, total = 2 * ps + 1234;
    src_ctx s = {.total = total, .inject_500_part = 2};
    seckit_s3_upload u = {.bucket = B,
                          .key = "src/three-parts",
                          .fd = -1,
                          .part_size = (long long)ps,
                          .min_part_size = 1024,
                          .source = source,
                          .source_ctx = &s,
                          .total_size = (long long)total};
    seckit_s3_upload_result res;
    int completes = xstat("completes");
    sleeps = 0;
    CHECK_OK(seckit_s3_upload_fd(aws, &res, &u, &err), &err);
    CHECK(res.parts == 3 && res.size == (long long)total);
    /* part 2 failed once (500) and went again from the kept buffer */
    CHECK(s.calls[1] == 1 && s.calls[2] == 1 && s.calls[3] == 1 && s.calls[4] == 0);
    CHECK(sleeps == 1);
    CHECK(xstat("completes") == completes + 1);
    unsigned char *want = expected_stream(total), *body = NULL;
    size_t blen = 0;
    seckit_s3_get g = SECKIT_S3_GET_INIT;
    g.bucket = B;
    g.key = "src/three-parts";
    seckit_s3_object_info info;
    CHECK_OK(seckit_s3_get_object(aws, &info, &body, &blen, &g, &err), &err);
    CHECK(blen == total && memcmp(body, want, total) == 0);
    seckit_s3_object_info_free(&info);
    free(body);
    free(want);

    /* One part that is also the last: one PutObject. */
    memset(&s, 0, sizeof s);
    s.total = 1000;
    u.key = "src/single";
    int puts = xstat("puts"), creates = xstat("creates");
    CHECK_OK(seckit_s3_upload_fd(aws, &res, &u, &err), &err);
    CHECK(res.parts == 0 && res.size == 1000 && s.calls[1] == 1 && s.calls[2] == 0);
    CHECK(xstat("puts") == puts + 1 && xstat("creates") == creates);
    /* An empty body: part 1, empty and last. */
    memset(&s, 0, sizeof s);
    u.key = "src/empty";
    CHECK_OK(seckit_s3_upload_fd(aws, &res, &u, &err), &err);
    CHECK(res.parts == 0 && res.size == 0);
    /* Exactly two full parts, then an empty last part: not uploaded. */
    memset(&s, 0, sizeof s);
    s.total = 2 * ps;
    u.key = "src/even";
    CHECK_OK(seckit_s3_upload_fd(aws, &res, &u, &err), &err);
    CHECK(res.parts == 2 && res.size == (long long)(2 * ps));

    /* Part 2 fails: the multipart upload is aborted, no object. */
    memset(&s, 0, sizeof s);
    s.total = total;
    s.fail_part = 2;
    u.key = "src/fails";
    int aborts = xstat("aborts");
    CHECK_RC(seckit_s3_upload_fd(aws, &res, &u, &err), SECKIT_EAUTH);
    CHECK(strstr(err.message, "test: part 2 cannot be made") != NULL);
    CHECK(strstr(err.message, "aborted") != NULL);
    CHECK(xstat("aborts") == aborts + 1 && res.abort_failed == 0);
    CHECK(s.calls[3] == 0);
    seckit_s3_object_info hi;
    CHECK_RC(seckit_s3_head_object(aws, &hi, B, "src/fails", &err), SECKIT_EAWS);
    CHECK(err.http_status == 404);
    /* A short part that is not the last: refused, the upload aborted. */
    memset(&s, 0, sizeof s);
    s.total = total;
    s.short_part = 2;
    u.key = "src/short";
    aborts = xstat("aborts");
    CHECK_RC(seckit_s3_upload_fd(aws, &res, &u, &err), SECKIT_EINVAL);
    CHECK(strstr(err.message, "part 2 from the source has 10 bytes") != NULL);
    CHECK(xstat("aborts") == aborts + 1);
    seckit_aws_free(aws);
}

/* ---- versions and conditional writes --------------------------------- */

static void test_versions_and_conditions(void)
{
    seckit_aws *aws = client(3);
    seckit_error err;
    seckit_s3_put_result v1, v2;
    CHECK(put(aws, "ver/obj", "first", 5, &v1) == 0);
    CHECK(put(aws, "ver/obj", "second!", 7, &v2) == 0);
    CHECK(v1.version_id[0] != '\0' && strcmp(v1.version_id, v2.version_id) != 0);
    seckit_s3_get g = SECKIT_S3_GET_INIT;
    g.bucket = B;
    g.key = "ver/obj";
    g.version_id = v1.version_id;
    unsigned char *body = NULL;
    size_t blen = 0;
    seckit_s3_object_info info;
    CHECK_OK(seckit_s3_get_object(aws, &info, &body, &blen, &g, &err), &err);
    CHECK(blen == 5 && memcmp(body, "first", 5) == 0);
    CHECK_STR(info.version_id, v1.version_id);
    free(body);
    seckit_s3_object_info_free(&info);
    char q[64];
    xstat_str("last_version_query", q, sizeof q);
    CHECK_STR(q, v1.version_id);
    /* HEAD of a version */
    seckit_s3_head h = {.bucket = B, .key = "ver/obj", .version_id = v1.version_id};
    CHECK_OK(seckit_s3_head_object_ex(aws, &info, &h, &err), &err);
    CHECK(info.content_length == 5);
    seckit_s3_object_info_free(&info);
    h.if_match = "\"not-the-etag\"";
    CHECK_RC(seckit_s3_head_object_ex(aws, &info, &h, &err), SECKIT_EAWS);
    CHECK(err.http_status == 412);
    /* DELETE of one version: the other stays */
    CHECK_OK(seckit_s3_delete_object_version(aws, B, "ver/obj", v2.version_id, &err), &err);
    g.version_id = NULL;
    CHECK_RC(seckit_s3_get_object(aws, &info, &body, &blen, &g, &err), SECKIT_EAWS);
    g.version_id = v1.version_id;
    CHECK_OK(seckit_s3_get_object(aws, &info, &body, &blen, &g, &err), &err);
    free(body);
    seckit_s3_object_info_free(&info);
    CHECK_RC(seckit_s3_delete_object_version(aws, B, "ver/obj", "", &err), SECKIT_EINVAL);

    /* If-None-Match: * on PutObject */
    seckit_s3_put p = {.bucket = B,
                       .key = "cond/once",
                       .body = {.data = "a", .fd = -1, .len = 1},
                       .if_none_match = "*"};
    seckit_s3_put_result pr;
    CHECK_OK(seckit_s3_put_object(aws, &pr, &p, &err), &err);
    char inm[16];
    xstat_str("last_if_none_match", inm, sizeof inm);
    CHECK_STR(inm, "*");
    p.body.data = "b";
    CHECK_RC(seckit_s3_put_object(aws, &pr, &p, &err), SECKIT_EAWS);
    CHECK(err.http_status == 412);
    CHECK_STR(err.aws_code, "PreconditionFailed");
    /* ... and on an upload (single and multipart) */
    src_ctx s = {.total = 3000};
    seckit_s3_upload u = {.bucket = B,
                          .key = "cond/once",
                          .fd = -1,
                          .part_size = 1024,
                          .min_part_size = 1024,
                          .source = source,
                          .source_ctx = &s,
                          .total_size = -1,
                          .if_none_match = "*"};
    seckit_s3_upload_result ur;
    int aborts = xstat("aborts");
    CHECK_RC(seckit_s3_upload_fd(aws, &ur, &u, &err), SECKIT_EAWS);
    CHECK(err.http_status == 412 && xstat("aborts") == aborts + 1);
    memset(&s, 0, sizeof s);
    s.total = 3000;
    u.key = "cond/new-multipart";
    CHECK_OK(seckit_s3_upload_fd(aws, &ur, &u, &err), &err);
    CHECK(ur.parts == 3);
    u.if_none_match = "\"etag\"";
    CHECK_RC(seckit_s3_upload_fd(aws, &ur, &u, &err), SECKIT_EINVAL);
    seckit_aws_free(aws);
}

/* ---- metadata -------------------------------------------------------- */

static void test_metadata(void)
{
    seckit_aws *aws = client(3);
    seckit_error err;
    seckit_s3_meta meta[3] = {{"name", "naïve café ☃ 日本"},
                              {"plain", "ascii only"},
                              {"tricky", "looks =?like?= a word"}};
    seckit_s3_put p = {.bucket = B,
                       .key = "meta/utf8",
                       .body = {.data = "x", .fd = -1, .len = 1},
                       .metadata = meta,
                       .metadata_count = 3};
    seckit_s3_put_result pr;
    CHECK_OK(seckit_s3_put_object(aws, &pr, &p, &err), &err);
    /* on the wire: encoded words (read back raw with a plain request) */
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp;
    r.service = "s3";
    r.method = "HEAD";
    r.bucket = B;
    r.path = "/meta/utf8";
    CHECK_OK(seckit_aws_send(aws, &resp, &r, &err), &err);
    const char *raw = seckit_aws_response_header(&resp, "x-amz-meta-name");
    CHECK(raw != NULL && strncmp(raw, "=?UTF-8?B?", 10) == 0);
    raw = seckit_aws_response_header(&resp, "x-amz-meta-plain");
    CHECK(raw != NULL && strcmp(raw, "ascii only") == 0);
    raw = seckit_aws_response_header(&resp, "x-amz-meta-tricky");
    CHECK(raw != NULL && strncmp(raw, "=?UTF-8?B?", 10) == 0);
    seckit_aws_response_free(&resp);
    seckit_s3_object_info info;
    CHECK_OK(seckit_s3_head_object(aws, &info, B, "meta/utf8", &err), &err);
    CHECK_STR(seckit_s3_object_info_meta(&info, "name"), "naïve café ☃ 日本");
    CHECK_STR(seckit_s3_object_info_meta(&info, "plain"), "ascii only");
    CHECK_STR(seckit_s3_object_info_meta(&info, "tricky"), "looks =?like?= a word");
    CHECK(info.missing_meta == 0);
    seckit_s3_object_info_free(&info);
    /* refused before sending: control characters, invalid UTF-8 */
    seckit_s3_meta bad[1] = {{"x", "line\nbreak"}};
    p.metadata = bad;
    p.metadata_count = 1;
    CHECK_RC(seckit_s3_put_object(aws, &pr, &p, &err), SECKIT_EINVAL);
    CHECK(strstr(err.message, "control character") != NULL);
    bad[0].value = "\xc3\x28";
    CHECK_RC(seckit_s3_put_object(aws, &pr, &p, &err), SECKIT_EINVAL);
    CHECK(strstr(err.message, "UTF-8") != NULL);

    /* x-amz-missing-meta: an error only for callers that need it all */
    CHECK(put(aws, "meta/missing-meta", "abc", 3, NULL) == 0);
    CHECK_OK(seckit_s3_head_object(aws, &info, B, "meta/missing-meta", &err), &err);
    CHECK(info.missing_meta == 1);
    seckit_s3_object_info_free(&info);
    seckit_s3_head h = {.bucket = B, .key = "meta/missing-meta", .require_all_metadata = 1};
    CHECK_RC(seckit_s3_head_object_ex(aws, &info, &h, &err), SECKIT_EFORMAT);
    CHECK(strstr(err.message, "x-amz-missing-meta") != NULL);
    sink_ctx s = {0};
    seckit_s3_get g = SECKIT_S3_GET_INIT;
    g.bucket = B;
    g.key = "meta/missing-meta";
    g.on_headers = on_headers;
    g.sink = sink;
    g.sink_ctx = &s;
    g.require_all_metadata = 1;
    CHECK_RC(seckit_s3_get_object(aws, &info, NULL, NULL, &g, &err), SECKIT_EFORMAT);
    CHECK(s.headers_calls == 0 && s.sink_calls == 0);
    g.require_all_metadata = 0;
    CHECK_OK(seckit_s3_get_object(aws, &info, NULL, NULL, &g, &err), &err);
    CHECK(s.len == 3 && info.missing_meta == 1);
    seckit_s3_object_info_free(&info);
    free(s.buf);
    seckit_aws_free(aws);
}

/* ---- copies ------------------------------------------------------------ */

/* A PUT with every system header (the library's put has no fields for
 * them). */
static int put_with_system_headers(seckit_aws *aws, const char *key, const void *data, size_t len)
{
    seckit_aws_kv h[] = {
        {"Content-Type", "text/plain"},
        {"Cache-Control", "max-age=60"},
        {"Content-Disposition", "attachment; filename=\"a.txt\""},
        {"Content-Encoding", "identity"},
        {"Content-Language", "en-GB"},
        {"Expires", "Thu, 01 Dec 2044 16:00:00 GMT"},
        {"x-amz-storage-class", "STANDARD_IA"},
        {"x-amz-tagging", "team=ops&tier=2"},
        {"x-amz-meta-colour", "blue"},
    };
    char path[256];
    snprintf(path, sizeof path, "/%s", key);
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp;
    seckit_error err;
    r.service = "s3";
    r.method = "PUT";
    r.bucket = B;
    r.path = path;
    r.headers = h;
    r.header_count = sizeof h / sizeof h[0];
    r.body = data;
    r.body_len = len;
    int rc = seckit_aws_send(aws, &resp, &r, &err);
    seckit_aws_response_free(&resp);
    return rc;
}

static int system_headers_kept(const seckit_s3_object_info *i, const char *ctype)
{
    return strcmp(i->content_type, ctype) == 0 && strcmp(i->cache_control, "max-age=60") == 0 &&
           strcmp(i->content_disposition, "attachment; filename=\"a.txt\"") == 0 &&
           strcmp(i->content_encoding, "identity") == 0 &&
           strcmp(i->content_language, "en-GB") == 0 &&
           strcmp(i->expires, "Thu, 01 Dec 2044 16:00:00 GMT") == 0 &&
           strcmp(i->storage_class, "STANDARD_IA") == 0 && i->tag_count == 2;
}

static void test_copy(void)
{
    seckit_aws *aws = client(3);
    seckit_error err;
    size_t n = 300000;
    unsigned char *data = pattern(n, 3);
    CHECK(put_with_system_headers(aws, "copy/src", data, n) == 0);
    seckit_s3_object_info info, si;
    CHECK_OK(seckit_s3_head_object(aws, &si, B, "copy/src", &err), &err);
    CHECK(system_headers_kept(&si, "text/plain"));

    /* REPLACE: only the metadata changes */
    seckit_s3_meta m[1] = {{"stage", "final"}};
    seckit_s3_copy c = {.src_bucket = B,
                        .src_key = "copy/src",
                        .bucket = B,
                        .key = "copy/replaced",
                        .replace_metadata = 1,
                        .metadata = m,
                        .metadata_count = 1};
    seckit_s3_copy_result cr;
    CHECK_OK(seckit_s3_copy_object(aws, &cr, &c, &err), &err);
    CHECK(cr.parts == 0 && cr.etag[0] != '\0' && cr.version_id[0] != '\0');
    char q[128];
    xstat_str("last_copy_if_match", q, sizeof q); /* not pinned unless asked */
    CHECK_STR(q, "");
    CHECK_OK(seckit_s3_head_object(aws, &info, B, "copy/replaced", &err), &err);
    CHECK(system_headers_kept(&info, "text/plain"));
    CHECK_STR(seckit_s3_object_info_meta(&info, "stage"), "final");
    CHECK(seckit_s3_object_info_meta(&info, "colour") == NULL);
    seckit_s3_object_info_free(&info);
    /* REPLACE with a content type: that changes too */
    c.key = "copy/retyped";
    c.content_type = "application/json";
    CHECK_OK(seckit_s3_copy_object(aws, &cr, &c, &err), &err);
    CHECK_OK(seckit_s3_head_object(aws, &info, B, "copy/retyped", &err), &err);
    CHECK(system_headers_kept(&info, "application/json"));
    seckit_s3_object_info_free(&info);
    /* COPY keeps everything */
    seckit_s3_copy cc = {.src_bucket = B, .src_key = "copy/src", .bucket = B, .key = "copy/same"};
    CHECK_OK(seckit_s3_copy_object(aws, &cr, &cc, &err), &err);
    CHECK_OK(seckit_s3_head_object(aws, &info, B, "copy/same", &err), &err);
    CHECK(system_headers_kept(&info, "text/plain"));
    CHECK_STR(seckit_s3_object_info_meta(&info, "colour"), "blue");
    seckit_s3_object_info_free(&info);

    /* x-amz-copy-source-if-match */
    cc.key = "copy/cond";
    cc.copy_source_if_match = si.etag;
    CHECK_OK(seckit_s3_copy_object(aws, &cr, &cc, &err), &err);
    xstat_str("last_copy_if_match", q, sizeof q);
    CHECK(q[0] != '\0');
    cc.copy_source_if_match = "\"stale\"";
    CHECK_RC(seckit_s3_copy_object(aws, &cr, &cc, &err), SECKIT_EAWS);
    CHECK(err.http_status == 412);
    CHECK_STR(err.aws_code, "PreconditionFailed");
    cc.copy_source_if_match = NULL;
    /* a missing source: S3's own code */
    cc.src_key = "copy/none";
    CHECK_RC(seckit_s3_copy_object(aws, &cr, &cc, &err), SECKIT_EAWS);
    CHECK_STR(err.aws_code, "NoSuchKey");
    cc.src_key = "copy/src";

    /* A version of the source */
    seckit_s3_put_result v1;
    CHECK(put(aws, "copy/versioned", "old", 3, &v1) == 0);
    CHECK(put(aws, "copy/versioned", "new!", 4, NULL) == 0);
    seckit_s3_copy vc = {.src_bucket = B,
                         .src_key = "copy/versioned",
                         .bucket = B,
                         .key = "copy/from-v1",
                         .src_version_id = v1.version_id};
    CHECK_OK(seckit_s3_copy_object(aws, &cr, &vc, &err), &err);
    xstat_str("last_version_query", q, sizeof q);
    CHECK_STR(q, v1.version_id);
    unsigned char *body = NULL;
    size_t blen = 0;
    seckit_s3_get g = SECKIT_S3_GET_INIT;
    g.bucket = B;
    g.key = "copy/from-v1";
    CHECK_OK(seckit_s3_get_object(aws, &info, &body, &blen, &g, &err), &err);
    CHECK(blen == 3 && memcmp(body, "old", 3) == 0);
    free(body);
    seckit_s3_object_info_free(&info);

    /* Multipart copy (threshold lowered): UploadPartCopy ranges pinned to
     * the source's ETag; metadata, system headers and tags carried over. */
    int pc = xstat("part_copies");
    cc.key = "copy/multipart";
    cc.multipart_threshold = 100000;
    cc.part_size = 64 * 1024;
    cc.min_part_size = 1024;
    CHECK_OK(seckit_s3_copy_object(aws, &cr, &cc, &err), &err);
    CHECK(cr.parts == 5 && xstat("part_copies") == pc + 5);
    xstat_str("last_copy_if_match", q, sizeof q);
    for (char *p = q; *p; p++)
        *p = *p == '\'' ? '"' : *p;
    CHECK_STR(q, si.etag);
    g.key = "copy/multipart";
    CHECK_OK(seckit_s3_get_object(aws, &info, &body, &blen, &g, &err), &err);
    CHECK(blen == n && memcmp(body, data, n) == 0);
    CHECK(system_headers_kept(&info, "text/plain"));
    CHECK_STR(seckit_s3_object_info_meta(&info, "colour"), "blue");
    free(body);
    seckit_s3_object_info_free(&info);
    /* ... with REPLACE and a source version */
    c.key = "copy/multipart-replace";
    c.content_type = NULL;
    c.multipart_threshold = 100000;
    c.part_size = 64 * 1024;
    c.min_part_size = 1024;
    CHECK_OK(seckit_s3_copy_object(aws, &cr, &c, &err), &err);
    CHECK_OK(seckit_s3_head_object(aws, &info, B, "copy/multipart-replace", &err), &err);
    CHECK(system_headers_kept(&info, "text/plain") && info.content_length == (long long)n);
    CHECK_STR(seckit_s3_object_info_meta(&info, "stage"), "final");
    CHECK(seckit_s3_object_info_meta(&info, "colour") == NULL);
    seckit_s3_object_info_free(&info);
    vc.key = "copy/mp-from-v1";
    vc.multipart_threshold = 2;
    vc.part_size = 1024;
    vc.min_part_size = 1;
    CHECK_OK(seckit_s3_copy_object(aws, &cr, &vc, &err), &err);
    CHECK(cr.parts == 1);
    g.key = "copy/mp-from-v1";
    CHECK_OK(seckit_s3_get_object(aws, &info, &body, &blen, &g, &err), &err);
    CHECK(blen == 3 && memcmp(body, "old", 3) == 0);
    free(body);
    seckit_s3_object_info_free(&info);
    /* a part size under the minimum is refused before anything is sent */
    cc.part_size = 1000;
    CHECK_RC(seckit_s3_copy_object(aws, &cr, &cc, &err), SECKIT_EINVAL);
    cc.part_size = 64 * 1024;

    /* Errors inside 200 answers: CopyObject, UploadPartCopy (aborted),
     * CompleteMultipartUpload (aborted) */
    cc.key = "copy/err200-single";
    cc.multipart_threshold = 0;
    CHECK_RC(seckit_s3_copy_object(aws, &cr, &cc, &err), SECKIT_EAWS);
    CHECK_STR(err.aws_code, "InternalError");
    int aborts = xstat("aborts");
    cc.key = "copy/err200-multipart";
    cc.multipart_threshold = 100000;
    CHECK_RC(seckit_s3_copy_object(aws, &cr, &cc, &err), SECKIT_EAWS);
    CHECK_STR(err.aws_code, "InternalError");
    CHECK(strstr(err.message, "aborted") != NULL && xstat("aborts") == aborts + 1);
    src_ctx s = {.total = 3000};
    seckit_s3_upload u = {.bucket = B,
                          .key = "copy/err200-upload",
                          .fd = -1,
                          .part_size = 1024,
                          .min_part_size = 1024,
                          .source = source,
                          .source_ctx = &s,
                          .total_size = -1};
    seckit_s3_upload_result ur;
    CHECK_RC(seckit_s3_upload_fd(aws, &ur, &u, &err), SECKIT_EAWS);
    CHECK_STR(err.aws_code, "InternalError");
    CHECK(xstat("aborts") == aborts + 2);
    seckit_s3_object_info_free(&si);
    free(data);
    seckit_aws_free(aws);
}

/* ---- DeleteObjects and bucket names ---------------------------------------- */

static void test_delete_objects(void)
{
    seckit_aws *aws = client(3);
    seckit_error err;
    const char *keys[] = {"del/a", "del/deny-b", "del/odd <&> 'key' \"q\"\tx"};
    for (int i = 0; i < 3; i++)
        CHECK(put(aws, keys[i], "x", 1, NULL) == 0);
    seckit_s3_put_result v1;
    CHECK(put(aws, "del/versioned", "1", 1, &v1) == 0);
    CHECK(put(aws, "del/versioned", "2", 1, NULL) == 0);
    seckit_s3_object_id ids[4] = {{keys[0], NULL},
                                  {keys[1], NULL},
                                  {keys[2], NULL},
                                  {"del/versioned", v1.version_id}};
    seckit_s3_delete_result dr;
    int reqs = xstat("delete_requests");
    CHECK_OK(seckit_s3_delete_objects(aws, &dr, B, ids, 4, &err), &err);
    CHECK(xstat("delete_requests") == reqs + 1);
    CHECK(dr.deleted == 3 && dr.error_count == 1);
    CHECK(dr.error_count == 1 && strcmp(dr.errors[0].key, "del/deny-b") == 0 &&
          strcmp(dr.errors[0].code, "AccessDenied") == 0 && dr.errors[0].version_id == NULL);
    seckit_s3_delete_result_free(&dr);
    seckit_s3_object_info info;
    CHECK_RC(seckit_s3_head_object(aws, &info, B, keys[2], &err), SECKIT_EAWS);
    CHECK_RC(seckit_s3_head_object(aws, &info, B, keys[0], &err), SECKIT_EAWS);
    CHECK_OK(seckit_s3_head_object(aws, &info, B, keys[1], &err), &err);
    seckit_s3_object_info_free(&info);
    CHECK_OK(seckit_s3_head_object(aws, &info, B, "del/versioned", &err), &err); /* v2 stays */
    seckit_s3_object_info_free(&info);
    /* limits, refused before sending */
    CHECK_RC(seckit_s3_delete_objects(aws, &dr, B, ids, 0, &err), SECKIT_EINVAL);
    seckit_s3_object_id *many = calloc(1001, sizeof *many);
    for (int i = 0; i < 1001; i++)
        many[i].key = "k";
    CHECK_RC(seckit_s3_delete_objects(aws, &dr, B, many, 1001, &err), SECKIT_EINVAL);
    CHECK_OK(seckit_s3_delete_objects(aws, &dr, B, many, 1000, &err), &err);
    CHECK(dr.deleted == 1000);
    seckit_s3_delete_result_free(&dr);
    free(many);
    seckit_s3_object_id ctl[1] = {{"bad\001key", NULL}};
    CHECK_RC(seckit_s3_delete_objects(aws, &dr, B, ctl, 1, &err), SECKIT_EINVAL);
    CHECK(xstat("delete_requests") == reqs + 2);

    /* bucket names: checked before anything is sent, by every call */
    int before = mock_stat(&M, "requests");
    CHECK_RC(seckit_s3_delete_objects(aws, &dr, "Bad_Bucket", ids, 1, &err), SECKIT_EINVAL);
    CHECK(strstr(err.message, "not a valid bucket name") != NULL);
    CHECK_RC(seckit_s3_head_object(aws, &info, "ab", "k", &err), SECKIT_EINVAL);
    CHECK_RC(seckit_s3_create_bucket(aws, "10.0.0.1", &err), SECKIT_EINVAL);
    seckit_s3_list l = {.bucket = "a..b"};
    seckit_s3_list_result lr;
    CHECK_RC(seckit_s3_list_objects(aws, &lr, &l, &err), SECKIT_EINVAL);
    seckit_s3_copy c = {.src_bucket = B,
                        .src_key = "k",
                        .bucket = "x-s3alias-bad-s3alias",
                        .key = "k"};
    seckit_s3_copy_result cr;
    CHECK_RC(seckit_s3_copy_object(aws, &cr, &c, &err), SECKIT_EINVAL);
    CHECK(mock_stat(&M, "requests") == before + 1); /* only the stats call itself */
    seckit_aws_free(aws);
}

/* ---- clock skew on every S3 operation ------------------------------------ */

static long long slow_clock(void *ctx)
{
    (void)ctx;
    return (long long)time(NULL) - 3600; /* an hour slow */
}

/* A new client whose clock is an hour slow: its first request is refused
 * (RequestTimeTooSkewed, or a bodiless 403 to a HEAD) and re-signed once
 * with the offset the server's Date gives. */
static seckit_aws *slow_client(void)
{
    seckit_aws *aws = client(3);
    if (aws != NULL) {
        skt_aws_hooks h = {fake_sleep, fake_rand, slow_clock, NULL};
        skt_aws_set_hooks(aws, &h);
    }
    return aws;
}

static int skew_learned(seckit_aws *aws)
{
    return aws != NULL && aws->clock_offset >= 3590 && aws->clock_offset <= 3610;
}

static int collect(void *ctx, const unsigned char *data, size_t len, seckit_error *err)
{
    (void)err;
    sink_ctx *c = ctx;
    return sink(c, data, len, err);
}

static void test_clock_skew_every_op(void)
{
    seckit_error err;
    seckit_aws *aws;
    seckit_s3_object_info info;
    mock_mode(&M, "skew", 1000);
    sleeps = 0;
    /* PutObject (versioned: the versions below are real ones) */
    aws = slow_client();
    seckit_s3_put_result v1;
    seckit_s3_put p = {.bucket = B,
                       .key = "skew/src",
                       .body = {.data = "skewed", .fd = -1, .len = 6}};
    CHECK_OK(seckit_s3_put_object(aws, &v1, &p, &err), &err);
    CHECK(skew_learned(aws));
    seckit_aws_free(aws);
    /* HeadObject with a version id (HEAD: a 403 without a body) */
    aws = slow_client();
    seckit_s3_head h = {.bucket = B, .key = "skew/src", .version_id = v1.version_id};
    CHECK_OK(seckit_s3_head_object_ex(aws, &info, &h, &err), &err);
    seckit_s3_object_info_free(&info);
    CHECK(skew_learned(aws));
    seckit_aws_free(aws);
    /* GetObject with a version id */
    aws = slow_client();
    unsigned char *body = NULL;
    size_t blen = 0;
    seckit_s3_get g = {.bucket = B, .key = "skew/src", .version_id = v1.version_id, .out_fd = -1};
    CHECK_OK(seckit_s3_get_object(aws, &info, &body, &blen, &g, &err), &err);
    CHECK(blen == 6 && body != NULL && memcmp(body, "skewed", 6) == 0);
    free(body);
    seckit_s3_object_info_free(&info);
    CHECK(skew_learned(aws));
    seckit_aws_free(aws);
    /* ListObjectsV2 */
    aws = slow_client();
    seckit_s3_list l = {.bucket = B, .prefix = "skew/"};
    seckit_s3_list_result lr;
    CHECK_OK(seckit_s3_list_objects(aws, &lr, &l, &err), &err);
    seckit_s3_list_result_free(&lr);
    CHECK(skew_learned(aws));
    seckit_aws_free(aws);
    /* CopyObject of a version */
    aws = slow_client();
    seckit_s3_copy c = {.src_bucket = B,
                        .src_key = "skew/src",
                        .bucket = B,
                        .key = "skew/copy",
                        .src_version_id = v1.version_id};
    seckit_s3_copy_result cr;
    CHECK_OK(seckit_s3_copy_object(aws, &cr, &c, &err), &err);
    CHECK(skew_learned(aws));
    seckit_aws_free(aws);
    /* CreateMultipartUpload, UploadPart, UploadPartCopy, Complete, Abort */
    aws = slow_client();
    char *upload = NULL;
    char e1[130], e2[130];
    CHECK_OK(seckit_s3_create_multipart(aws, &upload, B, "skew/mp", NULL, NULL, 0, &err), &err);
    CHECK(skew_learned(aws));
    seckit_aws_free(aws);
    aws = slow_client();
    unsigned char *five = pattern(5u << 20, 3);
    seckit_s3_body pb = {.data = five, .fd = -1, .len = 5u << 20};
    CHECK_OK(seckit_s3_upload_part(aws, e1, B, "skew/mp", upload, 1, &pb, &err), &err);
    CHECK(skew_learned(aws));
    seckit_aws_free(aws);
    free(five);
    aws = slow_client();
    CHECK_OK(seckit_s3_upload_part_copy(aws, e2, B, "skew/mp", upload, 2, B, "skew/src",
                                        v1.version_id, NULL, -1, -1, &err),
             &err);
    CHECK(skew_learned(aws));
    seckit_aws_free(aws);
    aws = slow_client();
    seckit_s3_part parts[2] = {{.part_number = 1}, {.part_number = 2}};
    snprintf(parts[0].etag, sizeof parts[0].etag, "%s", e1);
    snprintf(parts[1].etag, sizeof parts[1].etag, "%s", e2);
    CHECK_OK(seckit_s3_complete_multipart(aws, NULL, B, "skew/mp", upload, parts, 2, &err), &err);
    CHECK(skew_learned(aws));
    seckit_aws_free(aws);
    free(upload);
    upload = NULL;
    aws = client(3);
    CHECK_OK(seckit_s3_create_multipart(aws, &upload, B, "skew/ab", NULL, NULL, 0, &err), &err);
    seckit_aws_free(aws);
    aws = slow_client();
    CHECK_OK(seckit_s3_abort_multipart(aws, B, "skew/ab", upload, &err), &err);
    CHECK(skew_learned(aws));
    seckit_aws_free(aws);
    free(upload);
    /* Client-side encryption: put, head, rewrap, get */
    static const uint8_t k1[32] = {1}, k2[32] = {2};
    seckit_s3cse_keyring *kr1 = NULL, *kr2 = NULL;
    CHECK_OK(seckit_s3cse_keyring_aes_new(&kr1, k1, 32, NULL, 0, &err), &err);
    CHECK_OK(seckit_s3cse_keyring_aes_new(&kr2, k2, 32, NULL, 0, &err), &err);
    seckit_s3cse_options o;
    o = (seckit_s3cse_options)SECKIT_S3CSE_OPTIONS_INIT;
    char path[300];
    snprintf(path, sizeof path, "%s/plain", tmpdir);
    FILE *f = fopen(path, "w");
    if (f != NULL) {
        fputs("secret skewed text", f);
        fclose(f);
    }
    int fd = open(path, O_RDONLY);
    aws = slow_client();
    seckit_s3cse_put ep =
        {.bucket = B, .key = "skew/enc", .fd = fd, .size = 18, .opts = &o, .keyring = kr1};
    seckit_s3_upload_result ur;
    CHECK_OK(seckit_s3cse_put_object(aws, &ur, &ep, &err), &err);
    CHECK(skew_learned(aws));
    seckit_aws_free(aws);
    if (fd >= 0)
        close(fd);
    aws = slow_client();
    seckit_s3cse_info ci;
    CHECK_OK(seckit_s3cse_head_object(aws, NULL, &ci, B, "skew/enc", NULL, NULL, &err), &err);
    seckit_s3cse_info_free(&ci);
    CHECK(skew_learned(aws));
    seckit_aws_free(aws);
    aws = slow_client();
    seckit_s3cse_rewrap_req rw = {.bucket = B,
                                  .key = "skew/enc",
                                  .opts = &o,
                                  .from = kr1,
                                  .to = kr2};
    seckit_s3cse_rewrap_result rr;
    CHECK_OK(seckit_s3cse_rewrap_object(aws, &rr, &rw, &err), &err);
    CHECK(rr.skipped == 0);
    CHECK(skew_learned(aws));
    seckit_aws_free(aws);
    aws = slow_client();
    sink_ctx sc;
    memset(&sc, 0, sizeof sc);
    seckit_s3cse_get eg = {.bucket = B,
                           .key = "skew/enc",
                           .opts = &o,
                           .keyring = kr2,
                           .write = collect,
                           .write_ctx = &sc};
    seckit_s3cse_get_result gr;
    CHECK_OK(seckit_s3cse_get_object(aws, &gr, &eg, &err), &err);
    CHECK(sc.len == 18 && sc.buf != NULL && memcmp(sc.buf, "secret skewed text", 18) == 0);
    free(sc.buf);
    CHECK(skew_learned(aws));
    seckit_aws_free(aws);
    seckit_s3cse_keyring_free(kr1);
    seckit_s3cse_keyring_free(kr2);
    /* DeleteObject (a version) and DeleteObjects */
    aws = slow_client();
    CHECK_OK(seckit_s3_delete_object_version(aws, B, "skew/src", v1.version_id, &err), &err);
    CHECK(skew_learned(aws));
    seckit_aws_free(aws);
    aws = slow_client();
    seckit_s3_object_id ids[3] = {{"skew/copy", NULL}, {"skew/mp", NULL}, {"skew/enc", NULL}};
    seckit_s3_delete_result dr;
    CHECK_OK(seckit_s3_delete_objects(aws, &dr, B, ids, 3, &err), &err);
    CHECK(dr.deleted == 3 && dr.error_count == 0);
    seckit_s3_delete_result_free(&dr);
    CHECK(skew_learned(aws));
    seckit_aws_free(aws);
    CHECK(sleeps == 0); /* a skew correction does not back off */
    mock_mode(&M, "", 0);
}

/* ---- streamed request bodies --------------------------------------------- */

static int is_hex64(const char *s)
{
    return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

static char *write_file(const char *name, const unsigned char *data, size_t len)
{
    char *path = malloc(strlen(tmpdir) + strlen(name) + 2);
    sprintf(path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    if (f != NULL) {
        fwrite(data, 1, len, f);
        fclose(f);
    }
    return path;
}

typedef struct sink_buf {
    unsigned char *buf;
    size_t len, cap;
} sink_buf;

static int collect_write(void *ctx, const unsigned char *data, size_t len, seckit_error *err)
{
    sink_buf *c = ctx;
    (void)err;
    if (c->len + len > c->cap) {
        c->cap = (c->len + len) * 2;
        c->buf = realloc(c->buf, c->cap);
    }
    memcpy(c->buf + c->len, data, len);
    c->len += len;
    return 0;
}

static seckit_s3cse_keyring *aes_keyring(void)
{
    uint8_t key[32];
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)(i * 3 + 1);
    seckit_s3cse_keyring *kr = NULL;
    seckit_error err;
    if (seckit_s3cse_keyring_aes_new(&kr, key, sizeof key, NULL, 0, &err) != 0)
        printf("# keyring: %s\n", err.message);
    return kr;
}

/* Decrypt s3://B/key and compare it with want. */
static int decrypts_to(seckit_aws *aws, const seckit_s3cse_keyring *kr, const char *key,
                       const unsigned char *want, size_t len)
{
    sink_buf c = {0};
    seckit_s3cse_get g = {.bucket = B,
                          .key = key,
                          .keyring = kr,
                          .write = collect_write,
                          .write_ctx = &c};
    seckit_s3cse_get_result res;
    seckit_error err;
    int rc = seckit_s3cse_get_object(aws, &res, &g, &err);
    if (rc != 0)
        printf("# get %s: %s\n", key, err.message);
    int ok = rc == 0 && res.authenticated && c.len == len &&
             (len == 0 || memcmp(c.buf, want, len) == 0);
    free(c.buf);
    return ok;
}

/* An encrypted file goes up as ONE streamed PutObject (UNSIGNED-PAYLOAD:
 * the GCM tag authenticates it); a 500 makes it go again, and the second
 * attempt's bytes are identical (same data key and IV, file re-read). */
static void test_cse_stream_put_retry(void)
{
    seckit_aws *aws = client(3);
    seckit_s3cse_keyring *kr = aes_keyring();
    CHECK(aws != NULL && kr != NULL);
    size_t sizes[] = {300001, 0, 16};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        unsigned char *data = pattern(n + 1, (unsigned)k + 11);
        char *path = write_file("stream-in", data, n);
        int fd = open(path, O_RDONLY);
        CHECK(fd >= 0);
        char key[64];
        snprintf(key, sizeof key, "cse/stream-%zu", n);
        seckit_s3cse_put req = {.bucket = B,
                                .key = key,
                                .fd = fd,
                                .size = (long long)n,
                                .keyring = kr};
        seckit_s3_upload_result res;
        seckit_error err;
        int puts = xstat("put_requests"), creates = xstat("creates");
        sleeps = 0;
        mock_mode(&M, "500", 1);
        CHECK_OK(seckit_s3cse_put_object(aws, &res, &req, &err), &err);
        CHECK(res.parts == 0 && res.size == (long long)n + SECKIT_S3CSE_TAG_LEN);
        CHECK(xstat("put_requests") == puts + 2 && xstat("creates") == creates);
        CHECK(sleeps == 1);
        char b1[80], b2[80], p1[80], p2[80];
        xstat_str("put_body_1", b1, sizeof b1);
        xstat_str("put_body_2", b2, sizeof b2);
        xstat_str("put_payload_1", p1, sizeof p1);
        xstat_str("put_payload_2", p2, sizeof p2);
        CHECK(is_hex64(b1) && strcmp(b1, b2) == 0); /* the same bytes twice */
        CHECK(strcmp(p1, "UNSIGNED-PAYLOAD") == 0 && strcmp(p2, "UNSIGNED-PAYLOAD") == 0);
        CHECK(decrypts_to(aws, kr, key, data, n));
        close(fd);
        free(path);
        free(data);
    }
    seckit_s3cse_keyring_free(kr);
    seckit_aws_free(aws);
}

static void grow_on_first(void *ctx, long long done, long long total)
{
    const char *path = ctx;
    (void)total;
    if (done > 0 && done < 70000) { /* during the first attempt: change the file */
        FILE *f = fopen(path, "ab");
        if (f != NULL) {
            fputc('x', f);
            fclose(f);
        }
    }
}

/* A file that changed before a retry is not sent again: the same key and
 * IV must never encrypt different bytes.  Nothing is stored. */
static void test_cse_stream_changed_file(void)
{
    seckit_aws *aws = client(3);
    seckit_s3cse_keyring *kr = aes_keyring();
    size_t n = 200000;
    unsigned char *data = pattern(n, 5);
    char *path = write_file("stream-changes", data, n);
    int fd = open(path, O_RDONLY);
    seckit_s3cse_put req = {.bucket = B,
                            .key = "cse/changes",
                            .fd = fd,
                            .size = (long long)n,
                            .keyring = kr,
                            .progress = grow_on_first,
                            .progress_ctx = path};
    seckit_s3_upload_result res;
    seckit_error err;
    int puts = xstat("put_requests");
    mock_mode(&M, "500", 1);
    CHECK(seckit_s3cse_put_object(aws, &res, &req, &err) != 0);
    CHECK(strstr(err.message, "changed during the upload") != NULL);
    printf("# %s\n", err.message);
    CHECK(xstat("put_requests") == puts + 1);
    seckit_s3_object_info info;
    CHECK(seckit_s3_head_object(aws, &info, B, "cse/changes", &err) != 0);
    close(fd);
    free(path);
    free(data);
    seckit_s3cse_keyring_free(kr);
    seckit_aws_free(aws);
}

typedef struct mem_source {
    const unsigned char *data;
    size_t len, pos;
    int rewinds;
} mem_source;

static int mem_read(void *ctx, unsigned char *buf, size_t cap, size_t *got, seckit_error *err)
{
    mem_source *m = ctx;
    (void)err;
    size_t n = m->len - m->pos < cap ? m->len - m->pos : cap;
    if (n > 1000)
        n = 1000; /* short reads are allowed */
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    *got = n;
    return 0;
}

static int mem_rewind(void *ctx, seckit_error *err)
{
    mem_source *m = ctx;
    (void)err;
    m->pos = 0;
    m->rewinds++;
    return 0;
}

/* UNSIGNED-PAYLOAD only for the self-authenticating (encrypted) stream:
 * plain uploads over http keep a signed SHA-256 of their body, whether
 * from memory, a file, a source, or the parts of an encrypted multipart
 * upload. */
static void test_payload_hash_kept(void)
{
    seckit_aws *aws = client(3);
    seckit_s3cse_keyring *kr = aes_keyring();
    seckit_error err;
    char b1[80], p1[80];
    size_t n = 150000;
    unsigned char *data = pattern(n, 9);

    /* memory body */
    CHECK(put(aws, "plain/mem", data, 1000, NULL) == 0);
    xstat_str("put_body_1", b1, sizeof b1);
    xstat_str("put_payload_1", p1, sizeof p1);
    CHECK(is_hex64(p1) && strcmp(p1, b1) == 0);

    /* a file streamed with upload_fd */
    char *path = write_file("plain-in", data, n);
    int fd = open(path, O_RDONLY);
    seckit_s3_upload u = {.bucket = B, .key = "plain/file", .fd = fd};
    seckit_s3_upload_result ur;
    CHECK_OK(seckit_s3_upload_fd(aws, &ur, &u, &err), &err);
    xstat_str("put_body_1", b1, sizeof b1);
    xstat_str("put_payload_1", p1, sizeof p1);
    CHECK(is_hex64(p1) && strcmp(p1, b1) == 0);
    close(fd);

    /* a source that is not self-authenticating: hashed first, then rewound */
    mem_source ms = {.data = data, .len = n};
    seckit_s3_body_source src = {.read = mem_read, .rewind = mem_rewind, .ctx = &ms};
    seckit_s3_put p = {.bucket = B,
                       .key = "plain/source",
                       .body = {.fd = -1, .len = n, .source = &src}};
    seckit_s3_put_result pr;
    CHECK_OK(seckit_s3_put_object(aws, &pr, &p, &err), &err);
    xstat_str("put_body_1", b1, sizeof b1);
    xstat_str("put_payload_1", p1, sizeof p1);
    CHECK(is_hex64(p1) && strcmp(p1, b1) == 0 && ms.rewinds == 1);
    unsigned char *got = NULL;
    size_t glen = 0;
    seckit_s3_get g = SECKIT_S3_GET_INIT;
    g.bucket = B;
    g.key = "plain/source";
    seckit_s3_object_info info;
    CHECK_OK(seckit_s3_get_object(aws, &info, &got, &glen, &g, &err), &err);
    CHECK(glen == n && memcmp(got, data, n) == 0);
    seckit_s3_object_info_free(&info);
    free(got);

    /* a source without rewind over plain http cannot be hashed: refused */
    src.rewind = NULL;
    ms.pos = 0;
    CHECK(seckit_s3_put_object(aws, &pr, &p, &err) == SECKIT_EINVAL);
    CHECK(strstr(err.message, "rewind") != NULL);

    /* an encrypted multipart upload: its parts are signed as before */
    fd = open(path, O_RDONLY);
    seckit_s3cse_put req = {.bucket = B,
                            .key = "cse/multipart",
                            .fd = fd,
                            .size = (long long)n,
                            .keyring = kr,
                            .part_size = 65536,
                            .min_part_size = 1024,
                            .single_put_max = -1};
    seckit_s3_upload_result res;
    CHECK_OK(seckit_s3cse_put_object(aws, &res, &req, &err), &err);
    CHECK(res.parts == 3);
    xstat_str("put_body_1", b1, sizeof b1);
    xstat_str("put_payload_1", p1, sizeof p1);
    CHECK(is_hex64(p1) && strcmp(p1, b1) == 0);
    CHECK(decrypts_to(aws, kr, "cse/multipart", data, n));
    close(fd);

    /* single_put_max below the body: multipart; at or above: one streamed PUT */
    fd = open(path, O_RDONLY);
    req.fd = fd;
    req.key = "cse/threshold";
    req.single_put_max = (long long)n + SECKIT_S3CSE_TAG_LEN;
    CHECK_OK(seckit_s3cse_put_object(aws, &res, &req, &err), &err);
    CHECK(res.parts == 0);
    xstat_str("put_payload_1", p1, sizeof p1);
    CHECK(strcmp(p1, "UNSIGNED-PAYLOAD") == 0);
    CHECK(decrypts_to(aws, kr, "cse/threshold", data, n));
    close(fd);
    fd = open(path, O_RDONLY);
    req.fd = fd;
    req.single_put_max = (long long)n + SECKIT_S3CSE_TAG_LEN - 1;
    CHECK_OK(seckit_s3cse_put_object(aws, &res, &req, &err), &err);
    CHECK(res.parts == 3);
    close(fd);

    /* a pipe (size unknown) is never one streamed PUT */
    int pp[2];
    CHECK(pipe(pp) == 0);
    CHECK(write(pp[1], data, 5000) == 5000);
    close(pp[1]);
    seckit_s3cse_put preq = {.bucket = B,
                             .key = "cse/pipe",
                             .fd = pp[0],
                             .size = -1,
                             .keyring = kr};
    CHECK_OK(seckit_s3cse_put_object(aws, &res, &preq, &err), &err);
    xstat_str("put_body_1", b1, sizeof b1);
    xstat_str("put_payload_1", p1, sizeof p1);
    CHECK(is_hex64(p1) && strcmp(p1, b1) == 0);
    CHECK(decrypts_to(aws, kr, "cse/pipe", data, 5000));
    close(pp[0]);

    free(path);
    free(data);
    seckit_s3cse_keyring_free(kr);
    seckit_aws_free(aws);
}

int main(void)
{
    if (mock_begin(&M, tmpdir, sizeof tmpdir, "s3x") != 0) {
        SKIP("s3_mock", "cannot start tests/aws/mock_aws");
        return 0;
    }
    setenv("AWS_CONFIG_FILE", "/dev/null", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_MAX_ATTEMPTS");
    TEST(test_sink_resume);
    TEST(test_sink_resume_refused);
    TEST(test_part_source);
    TEST(test_versions_and_conditions);
    TEST(test_metadata);
    TEST(test_copy);
    TEST(test_delete_objects);
    TEST(test_clock_skew_every_op);
    TEST(test_cse_stream_put_retry);
    TEST(test_cse_stream_changed_file);
    TEST(test_payload_hash_kept);
    mock_end(&M, tmpdir);
    TEST_EXIT();
}
