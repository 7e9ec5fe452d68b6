/* Library-level S3 checks against a real S3-compatible server (the Swift
 * that tests/integration/swift-up.sh starts), and small helpers for
 * test-s3.sh.  Reads S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_REGION from the environment.
 *
 *   s3_it checks BUCKET          run the library checks (PASS/FAIL lines)
 *   s3_it mb BUCKET              create a bucket
 *   s3_it purge BUCKET           delete every object, then the bucket
 *   s3_it head BUCKET KEY        size=, etag=, content-type=, meta NAME=VALUE
 *   s3_it parts BUCKET KEY ID    parts=N (ListParts)
 *   s3_it abort BUCKET KEY ID    AbortMultipartUpload
 * Helpers print the S3 error code on failure: "error CODE: message".
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "seckit/s3.h"
#include "seckit/seckit.h"

static int failed;

static void pass(const char *name)
{
    printf("PASS %s\n", name);
}

static void fail(const char *name, const char *why, const seckit_error *err)
{
    printf("FAIL %s: %s%s%s%s%s\n", name, why, err != NULL ? ": " : "",
           err != NULL ? err->message : "", err != NULL && err->aws_code[0] ? " " : "",
           err != NULL ? err->aws_code : "");
    failed = 1;
}

#define CHECK(name, cond, err)                                                                     \
    do {                                                                                           \
        if (cond)                                                                                  \
            pass(name);                                                                            \
        else                                                                                       \
            fail(name, #cond, err);                                                                \
    } while (0)

static seckit_aws *client(const char *secret_override)
{
    static seckit_aws_credentials creds;
    seckit_aws_options o = SECKIT_AWS_OPTIONS_INIT;
    seckit_error err;
    seckit_aws *aws = NULL;
    o.endpoint_url = getenv("S3_ENDPOINT");
    o.region = "us-east-1";
    o.s3_addressing = SECKIT_AWS_S3_PATH;
    o.max_attempts = 2;
    if (secret_override != NULL) {
        memset(&creds, 0, sizeof(creds));
        snprintf(creds.access_key_id, sizeof(creds.access_key_id), "%s",
                 getenv("AWS_ACCESS_KEY_ID") != NULL ? getenv("AWS_ACCESS_KEY_ID") : "");
        snprintf(creds.secret_access_key, sizeof(creds.secret_access_key), "%s", secret_override);
        o.credentials = &creds;
    }
    if (seckit_aws_new(&aws, &o, &err) != 0) {
        printf("FAIL client: %s\n", err.message);
        exit(1);
    }
    return aws;
}

static int report(const seckit_error *err)
{
    printf("error %s: %s\n", err->aws_code[0] ? err->aws_code : "-", err->message);
    return err->code <= -600 && err->code > -700 ? 6 : 5;
}

static int put_mem(seckit_aws *aws, const char *b, const char *k, const void *data, size_t n,
                   const seckit_s3_meta *meta, size_t nmeta, seckit_error *err)
{
    seckit_s3_put p = {.bucket = b,
                       .key = k,
                       .body = {.data = data, .fd = -1, .len = n},
                       .content_type = "application/x-test",
                       .metadata = meta,
                       .metadata_count = nmeta};
    seckit_s3_put_result r;
    return seckit_s3_put_object(aws, &r, &p, err);
}

static int get_mem(seckit_aws *aws, const char *b, const char *k, const char *range,
                   seckit_s3_object_info *info, unsigned char **body, size_t *len,
                   seckit_error *err)
{
    seckit_s3_get g = SECKIT_S3_GET_INIT;
    g.bucket = b;
    g.key = k;
    g.range = range;
    return seckit_s3_get_object(aws, info, body, len, &g, err);
}

static void checks_s3ops(seckit_aws *aws, const char *b);

static void checks(const char *b)
{
    seckit_aws *aws = client(NULL);
    seckit_error err;
    seckit_s3_object_info info;
    unsigned char *body = NULL;
    size_t len = 0;
    unsigned char data[1024];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (unsigned char)i;
    const char *ukey =
        "lib/dir one/na\xc3\xafve caf\xc3\xa9 \xe2\x98\x83 \xe6\x97\xa5\xe6\x9c\xac (1)+x&y=z?.bin";
    seckit_s3_meta meta[2] = {{"colour", "blue"}, {"Owner-Name", "Ops Team"}};

    CHECK("lib_create_bucket_again_ok", seckit_s3_create_bucket(aws, b, &err) == 0, &err);

    /* put / head / get with metadata, a unicode key with spaces and + & = ? */
    CHECK("lib_put_unicode_key", put_mem(aws, b, ukey, data, sizeof(data), meta, 2, &err) == 0,
          &err);
    int rc = seckit_s3_head_object(aws, &info, b, ukey, &err);
    CHECK("lib_head",
          rc == 0 && info.content_length == 1024 &&
              strcmp(info.content_type, "application/x-test") == 0,
          &err);
    if (rc == 0) {
        const char *c = seckit_s3_object_info_meta(&info, "colour");
        const char *o = seckit_s3_object_info_meta(&info, "owner-name");
        CHECK("lib_head_metadata",
              c != NULL && strcmp(c, "blue") == 0 && o != NULL && strcmp(o, "Ops Team") == 0, NULL);
        seckit_s3_object_info_free(&info);
    }
    rc = get_mem(aws, b, ukey, NULL, &info, &body, &len, &err);
    CHECK("lib_get_all_256_values", rc == 0 && len == 1024 && memcmp(body, data, 1024) == 0, &err);
    if (rc == 0)
        seckit_s3_object_info_free(&info);
    free(body);
    body = NULL;

    /* ranges */
    rc = get_mem(aws, b, ukey, "bytes=10-19", &info, &body, &len, &err);
    CHECK("lib_range_10_19",
          rc == 0 && len == 10 && memcmp(body, data + 10, 10) == 0 && info.range_first == 10 &&
              info.range_last == 19 && info.object_size == 1024,
          &err);
    if (rc == 0)
        seckit_s3_object_info_free(&info);
    free(body);
    body = NULL;
    rc = get_mem(aws, b, ukey, "bytes=-16", &info, &body, &len, &err);
    CHECK("lib_range_suffix_16",
          rc == 0 && len == 16 && memcmp(body, data + 1008, 16) == 0 && info.range_first == 1008,
          &err);
    if (rc == 0)
        seckit_s3_object_info_free(&info);
    free(body);
    body = NULL;
    rc = get_mem(aws, b, ukey, "bytes=1000-", &info, &body, &len, &err);
    CHECK("lib_range_open", rc == 0 && len == 24 && memcmp(body, data + 1000, 24) == 0, &err);
    if (rc == 0)
        seckit_s3_object_info_free(&info);
    free(body);
    body = NULL;
    rc = get_mem(aws, b, ukey, "bytes=5000-6000", &info, &body, &len, &err);
    CHECK("lib_range_past_end_416",
          rc == SECKIT_EAWS && err.http_status == 416 && strcmp(err.aws_code, "InvalidRange") == 0,
          &err);
    rc = get_mem(aws, b, ukey, "bytes=5-2", &info, &body, &len, &err);
    CHECK("lib_range_malformed_refused", rc == SECKIT_EINVAL, &err);

    /* 0-byte object */
    CHECK("lib_put_empty", put_mem(aws, b, "lib/empty", "", 0, NULL, 0, &err) == 0, &err);
    rc = get_mem(aws, b, "lib/empty", NULL, &info, &body, &len, &err);
    CHECK("lib_get_empty",
          rc == 0 && len == 0 && info.content_length == 0 &&
              strcmp(info.etag, "\"d41d8cd98f00b204e9800998ecf8427e\"") == 0,
          &err);
    if (rc == 0)
        seckit_s3_object_info_free(&info);
    free(body);
    body = NULL;

    /* streamed from / to a file descriptor */
    char path[] = "/tmp/seckit-s3it-XXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0) {
        unlink(path);
        if (write(fd, data, sizeof(data)) != (ssize_t)sizeof(data))
            fail("lib_fd_setup", "write", NULL);
        seckit_s3_put p = {.bucket = b,
                           .key = "lib/from-fd",
                           .body = {.fd = fd, .offset = 100, .len = 200}};
        seckit_s3_put_result pr;
        CHECK("lib_put_from_fd_offset", seckit_s3_put_object(aws, &pr, &p, &err) == 0, &err);
        if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0)
            fail("lib_fd_setup", "truncate", NULL);
        seckit_s3_get g = SECKIT_S3_GET_INIT;
        g.bucket = b;
        g.key = "lib/from-fd";
        g.out_fd = fd;
        rc = seckit_s3_get_object(aws, &info, NULL, NULL, &g, &err);
        unsigned char back[300];
        ssize_t got = pread(fd, back, sizeof(back), 0);
        CHECK("lib_get_to_fd", rc == 0 && got == 200 && memcmp(back, data + 100, 200) == 0, &err);
        if (rc == 0)
            seckit_s3_object_info_free(&info);
        close(fd);
    }

    /* copy with REPLACE, and onto itself */
    seckit_s3_meta newmeta[1] = {{"stage", "final"}};
    seckit_s3_copy cp = {.src_bucket = b,
                         .src_key = ukey,
                         .bucket = b,
                         .key = "lib/copy",
                         .replace_metadata = 1,
                         .content_type = "text/x-copied",
                         .metadata = newmeta,
                         .metadata_count = 1};
    seckit_s3_copy_result cr;
    CHECK("lib_copy_replace", seckit_s3_copy_object(aws, &cr, &cp, &err) == 0 && cr.etag[0] != '\0',
          &err);
    rc = seckit_s3_head_object(aws, &info, b, "lib/copy", &err);
    CHECK("lib_copy_replace_metadata",
          rc == 0 && seckit_s3_object_info_meta(&info, "stage") != NULL &&
              seckit_s3_object_info_meta(&info, "colour") == NULL &&
              strcmp(info.content_type, "text/x-copied") == 0 && info.content_length == 1024,
          &err);
    if (rc == 0)
        seckit_s3_object_info_free(&info);
    seckit_s3_copy keep = {.src_bucket = b, .src_key = ukey, .bucket = b, .key = "lib/copy2"};
    CHECK("lib_copy_keep", seckit_s3_copy_object(aws, &cr, &keep, &err) == 0, &err);
    rc = seckit_s3_head_object(aws, &info, b, "lib/copy2", &err);
    CHECK("lib_copy_keep_metadata", rc == 0 && seckit_s3_object_info_meta(&info, "colour") != NULL,
          &err);
    if (rc == 0)
        seckit_s3_object_info_free(&info);
    seckit_s3_copy missing = {.src_bucket = b,
                              .src_key = "lib/none",
                              .bucket = b,
                              .key = "lib/copy3"};
    rc = seckit_s3_copy_object(aws, &cr, &missing, &err);
    CHECK("lib_copy_missing_source", rc == SECKIT_EAWS && strcmp(err.aws_code, "NoSuchKey") == 0,
          &err);

    /* list with paging */
    char k[64];
    int ok = 1;
    for (int i = 0; i < 7; i++) {
        snprintf(k, sizeof(k), "page/k%02d", i);
        ok &= put_mem(aws, b, k, k, strlen(k), NULL, 0, &err) == 0;
    }
    CHECK("lib_list_setup", ok, &err);
    char *token = NULL;
    int pages = 0, keys = 0, order = 1;
    char last[64] = "";
    do {
        seckit_s3_list req = {.bucket = b,
                              .prefix = "page/",
                              .max_keys = 3,
                              .continuation_token = token};
        seckit_s3_list_result res;
        rc = seckit_s3_list_objects(aws, &res, &req, &err);
        if (rc != 0)
            break;
        pages++;
        for (size_t i = 0; i < res.count; i++) {
            order &= strcmp(last, res.entries[i].key) < 0 && res.entries[i].size == 8;
            snprintf(last, sizeof(last), "%s", res.entries[i].key);
            keys++;
        }
        free(token);
        token = res.next_continuation_token;
        res.next_continuation_token = NULL;
        seckit_s3_list_result_free(&res);
    } while (token != NULL && pages < 10);
    free(token);
    CHECK("lib_list_paging", rc == 0 && pages == 3 && keys == 7 && order, &err);
    seckit_s3_list dl = {.bucket = b, .prefix = "lib/", .delimiter = "/"};
    seckit_s3_list_result dres;
    rc = seckit_s3_list_objects(aws, &dres, &dl, &err);
    int saw_dir = 0;
    if (rc == 0) {
        for (size_t i = 0; i < dres.prefix_count; i++)
            saw_dir |= strcmp(dres.common_prefixes[i], "lib/dir one/") == 0;
    }
    CHECK("lib_list_delimiter", rc == 0 && saw_dir && dres.count == 4, &err);
    if (rc == 0)
        seckit_s3_list_result_free(&dres);

    /* multipart by hand: 5 MiB + 5 MiB + 1 byte, ListParts, complete */
    size_t part = 5u * 1024 * 1024;
    unsigned char *big = malloc(2 * part + 1);
    if (big == NULL)
        exit(1);
    for (size_t i = 0; i < 2 * part + 1; i++)
        big[i] = (unsigned char)(i * 7 + (i >> 13));
    char *id = NULL;
    rc = seckit_s3_create_multipart(aws, &id, b, "lib/mpu", "application/x-mpu", meta, 2, &err);
    CHECK("lib_mpu_create", rc == 0 && id != NULL, &err);
    seckit_s3_part parts[3];
    ok = rc == 0;
    for (int i = 0; ok && i < 3; i++) {
        seckit_s3_body bd = {.data = big + (size_t)i * part, .fd = -1, .len = i < 2 ? part : 1};
        parts[i].part_number = i + 1;
        ok = seckit_s3_upload_part(aws, parts[i].etag, b, "lib/mpu", id, i + 1, &bd, &err) == 0;
    }
    CHECK("lib_mpu_upload_parts", ok, &err);
    seckit_s3_parts_result lp;
    rc = ok ? seckit_s3_list_parts(aws, &lp, b, "lib/mpu", id, 2, 0, &err) : -1;
    CHECK("lib_mpu_list_parts_page1",
          rc == 0 && lp.count == 2 && lp.is_truncated && lp.parts[1].part_number == 2 &&
              lp.parts[0].size == (long long)part && strcmp(lp.parts[0].etag, parts[0].etag) == 0,
          &err);
    int marker = rc == 0 ? lp.next_part_number_marker : 0;
    if (rc == 0)
        seckit_s3_parts_result_free(&lp);
    rc = ok ? seckit_s3_list_parts(aws, &lp, b, "lib/mpu", id, 2, marker, &err) : -1;
    CHECK("lib_mpu_list_parts_page2",
          rc == 0 && lp.count == 1 && !lp.is_truncated && lp.parts[0].part_number == 3 &&
              lp.parts[0].size == 1,
          &err);
    if (rc == 0)
        seckit_s3_parts_result_free(&lp);
    char etag[130] = "";
    rc = ok ? seckit_s3_complete_multipart(aws, etag, b, "lib/mpu", id, parts, 3, &err) : -1;
    CHECK("lib_mpu_complete", rc == 0 && strstr(etag, "-3") != NULL, &err);
    rc = get_mem(aws, b, "lib/mpu", NULL, &info, &body, &len, &err);
    CHECK("lib_mpu_get",
          rc == 0 && len == 2 * part + 1 && memcmp(body, big, len) == 0 &&
              seckit_s3_object_info_meta(&info, "colour") != NULL,
          &err);
    if (rc == 0)
        seckit_s3_object_info_free(&info);
    free(body);
    body = NULL;
    free(id);
    id = NULL;

    /* abort: upload a part, abort, then the upload is gone */
    rc = seckit_s3_create_multipart(aws, &id, b, "lib/aborted", NULL, NULL, 0, &err);
    seckit_s3_body one = {.data = big, .fd = -1, .len = part};
    if (rc == 0)
        rc = seckit_s3_upload_part(aws, parts[0].etag, b, "lib/aborted", id, 1, &one, &err);
    CHECK("lib_abort_setup", rc == 0, &err);
    CHECK("lib_abort", rc == 0 && seckit_s3_abort_multipart(aws, b, "lib/aborted", id, &err) == 0,
          &err);
    rc = id != NULL ? seckit_s3_list_parts(aws, &lp, b, "lib/aborted", id, 0, 0, &err) : -1;
    CHECK("lib_abort_no_such_upload",
          rc == SECKIT_EAWS && strcmp(err.aws_code, "NoSuchUpload") == 0, &err);
    rc = seckit_s3_head_object(aws, &info, b, "lib/aborted", &err);
    CHECK("lib_abort_no_object", rc == SECKIT_EAWS && err.http_status == 404, &err);
    free(id);
    id = NULL;

    /* seckit_s3_upload_fd: a failing multipart upload is aborted.  Parts of
     * 1 MiB are below S3's (and Swift's) 5 MiB minimum, so Complete fails
     * with EntityTooSmall; the upload must then be gone. */
    int pfd[2];
    if (pipe(pfd) == 0) {
        if (fork() == 0) {
            close(pfd[0]);
            ssize_t w = write(pfd[1], big, 3u * 1024 * 1024 + 5);
            _exit(w == (ssize_t)(3u * 1024 * 1024 + 5) ? 0 : 1);
        }
        close(pfd[1]);
        seckit_s3_upload up = {.bucket = b,
                               .key = "lib/too-small",
                               .fd = pfd[0],
                               .part_size = 1024 * 1024,
                               .min_part_size = 1024 * 1024};
        seckit_s3_upload_result ur;
        rc = seckit_s3_upload_fd(aws, &ur, &up, &err);
        close(pfd[0]);
        CHECK("lib_upload_fails_entity_too_small",
              rc == SECKIT_EAWS && strcmp(err.aws_code, "EntityTooSmall") == 0 &&
                  strstr(err.message, "aborted") != NULL && !ur.abort_failed &&
                  ur.upload_id[0] != '\0',
              &err);
        if (rc != 0 && ur.upload_id[0] != '\0') {
            rc = seckit_s3_list_parts(aws, &lp, b, "lib/too-small", ur.upload_id, 0, 0, &err);
            CHECK("lib_upload_failure_aborted",
                  rc == SECKIT_EAWS && strcmp(err.aws_code, "NoSuchUpload") == 0, &err);
        }
        rc = seckit_s3_head_object(aws, &info, b, "lib/too-small", &err);
        CHECK("lib_upload_failure_no_object", rc == SECKIT_EAWS && err.http_status == 404, &err);
    }

    /* seckit_s3_upload_fd from a regular file: 11 MiB + 1 in 5 MiB parts */
    char path2[] = "/tmp/seckit-s3it-XXXXXX";
    fd = mkstemp(path2);
    if (fd >= 0) {
        unlink(path2);
        if (write(fd, big, 2 * part + 1) != (ssize_t)(2 * part + 1) || lseek(fd, 0, SEEK_SET) != 0)
            fail("lib_upload_file_setup", "write", NULL);
        seckit_s3_upload up = {.bucket = b,
                               .key = "lib/file-mpu",
                               .fd = fd,
                               .part_size = (long long)part};
        seckit_s3_upload_result ur;
        rc = seckit_s3_upload_fd(aws, &ur, &up, &err);
        CHECK("lib_upload_file_multipart",
              rc == 0 && ur.parts == 3 && ur.size == (long long)(2 * part + 1), &err);
        close(fd);
        rc = get_mem(aws, b, "lib/file-mpu", NULL, &info, &body, &len, &err);
        CHECK("lib_upload_file_multipart_get",
              rc == 0 && len == 2 * part + 1 && memcmp(body, big, len) == 0, &err);
        if (rc == 0)
            seckit_s3_object_info_free(&info);
        free(body);
        body = NULL;
    }
    free(big);

    /* delete; deleting again is fine; then 404 */
    CHECK("lib_delete", seckit_s3_delete_object(aws, b, "lib/copy2", &err) == 0, &err);
    CHECK("lib_delete_again", seckit_s3_delete_object(aws, b, "lib/copy2", &err) == 0, &err);
    rc = get_mem(aws, b, "lib/copy2", NULL, &info, &body, &len, &err);
    CHECK("lib_get_deleted_no_such_key",
          rc == SECKIT_EAWS && err.http_status == 404 && strcmp(err.aws_code, "NoSuchKey") == 0,
          &err);

    /* a wrong secret is refused by the server */
    seckit_aws *bad = client("not-the-secret");
    rc = seckit_s3_head_object(bad, &info, b, ukey, &err);
    CHECK("lib_wrong_secret_head", rc < 0 && err.http_status == 403, &err);
    seckit_s3_list req = {.bucket = b};
    seckit_s3_list_result res;
    rc = seckit_s3_list_objects(bad, &res, &req, &err);
    CHECK("lib_wrong_secret_list",
          (rc == SECKIT_EAWSAUTH || rc == SECKIT_EAWS) &&
              (strcmp(err.aws_code, "SignatureDoesNotMatch") == 0 ||
               strcmp(err.aws_code, "AccessDenied") == 0),
          &err);
    seckit_aws_free(bad);
    checks_s3ops(aws, b);
    seckit_aws_free(aws);
}

/* ---- issue 9's S3 operations on the real server ---- */

typedef struct it_src {
    const unsigned char *data;
    size_t total, made;
    int calls;
} it_src;

static int it_source(void *ctx, int part_number, unsigned char *buf, size_t cap, size_t *len,
                     int *last, seckit_error *err)
{
    (void)part_number;
    (void)err;
    it_src *s = ctx;
    size_t n = s->total - s->made < cap ? s->total - s->made : cap;
    memcpy(buf, s->data + s->made, n);
    s->made += n;
    s->calls++;
    *len = n;
    *last = s->made == s->total;
    return 0;
}

typedef struct it_sink {
    unsigned char *buf;
    size_t len, cap;
    int headers;
} it_sink;

static int it_headers(void *ctx, const seckit_s3_object_info *info, seckit_error *err)
{
    (void)info;
    (void)err;
    ((it_sink *)ctx)->headers++;
    return 0;
}

static int it_sink_fn(void *ctx, const unsigned char *data, size_t len, seckit_error *err)
{
    it_sink *s = ctx;
    if (s->len + len > s->cap) {
        s->cap = (s->len + len) * 2;
        unsigned char *nb = realloc(s->buf, s->cap);
        if (nb == NULL)
            return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        s->buf = nb;
    }
    memcpy(s->buf + s->len, data, len);
    s->len += len;
    return 0;
}

static void checks_s3ops(seckit_aws *aws, const char *b)
{
    seckit_error err;
    seckit_s3_object_info info;
    int rc;
    size_t part = 5u * 1024 * 1024, total = 2 * part + 17;
    unsigned char *big = malloc(total);
    if (big == NULL)
        exit(1);
    for (size_t i = 0; i < total; i++)
        big[i] = (unsigned char)(i * 13 + (i >> 11));

    /* versionless bucket: no version ids, and versionId=null is the object */
    seckit_s3_put p = {.bucket = b,
                       .key = "ops/plain",
                       .body = {.data = "hello", .fd = -1, .len = 5}};
    seckit_s3_put_result pr;
    rc = seckit_s3_put_object(aws, &pr, &p, &err);
    CHECK("ops_versionless_put", rc == 0 && pr.version_id[0] == '\0', &err);
    rc = seckit_s3_head_object(aws, &info, b, "ops/plain", &err);
    CHECK("ops_versionless_head", rc == 0 && info.version_id[0] == '\0', &err);
    if (rc == 0)
        seckit_s3_object_info_free(&info);
    seckit_s3_head hn = {.bucket = b, .key = "ops/plain", .version_id = "null"};
    rc = seckit_s3_head_object_ex(aws, &info, &hn, &err);
    CHECK("ops_versionless_version_null", rc == 0 && info.content_length == 5, &err);
    if (rc == 0)
        seckit_s3_object_info_free(&info);

    /* conditional PUT: Swift's s3api answers 501 NotImplemented ("Conditional
     * object PUTs are not supported"), so If-None-Match: * is tested on the
     * mock (tests/aws/test_s3_mock.c, tests/cli/test-s3-mock.sh); here only
     * that the refusal comes back as the service error it is, nothing
     * written. */
    p.key = "ops/once";
    p.if_none_match = "*";
    rc = seckit_s3_put_object(aws, &pr, &p, &err);
    if (rc == 0) {
        rc = seckit_s3_put_object(aws, &pr, &p, &err);
        CHECK("ops_put_if_none_match_exists", rc == SECKIT_EAWS && err.http_status == 412, &err);
    } else {
        CHECK("ops_put_if_none_match_unsupported",
              rc == SECKIT_EAWS && err.http_status == 501 &&
                  strcmp(err.aws_code, "NotImplemented") == 0 &&
                  seckit_s3_head_object(aws, &info, b, "ops/once", NULL) == SECKIT_EAWS,
              &err);
    }
    p.if_none_match = NULL;

    /* RFC 2047 metadata round trip */
    seckit_s3_meta um[2] = {{"name",
                             "na\xc3\xafve caf\xc3\xa9 \xe2\x98\x83 \xe6\x97\xa5\xe6\x9c\xac"},
                            {"note", "a =?b?= c"}};
    p.key = "ops/meta";
    p.metadata = um;
    p.metadata_count = 2;
    rc = seckit_s3_put_object(aws, &pr, &p, &err);
    CHECK("ops_meta_utf8_put", rc == 0, &err);
    rc = seckit_s3_head_object(aws, &info, b, "ops/meta", &err);
    const char *v1 = rc == 0 ? seckit_s3_object_info_meta(&info, "name") : NULL;
    const char *v2 = rc == 0 ? seckit_s3_object_info_meta(&info, "note") : NULL;
    CHECK("ops_meta_utf8_round_trip",
          rc == 0 && v1 != NULL && strcmp(v1, um[0].value) == 0 && v2 != NULL &&
              strcmp(v2, um[1].value) == 0 && info.missing_meta == 0,
          &err);
    if (rc == 0)
        seckit_s3_object_info_free(&info);
    p.metadata = NULL;
    p.metadata_count = 0;

    /* DeleteObjects: existing and missing keys (S3 reports both deleted) */
    int ok = 1;
    const char *dk[3] = {"ops/del/a", "ops/del/b & <c>", "ops/del/d\xc3\xa9"};
    for (int i = 0; i < 3; i++) {
        p.key = dk[i];
        ok &= seckit_s3_put_object(aws, &pr, &p, &err) == 0;
    }
    seckit_s3_object_id ids[4] = {{dk[0], NULL},
                                  {dk[1], NULL},
                                  {dk[2], NULL},
                                  {"ops/del/never-existed", NULL}};
    seckit_s3_delete_result dr;
    rc = ok ? seckit_s3_delete_objects(aws, &dr, b, ids, 4, &err) : -1;
    CHECK("ops_delete_objects", rc == 0 && dr.deleted == 4 && dr.error_count == 0, &err);
    if (rc == 0)
        seckit_s3_delete_result_free(&dr);
    for (int i = 0; i < 3; i++) {
        rc = seckit_s3_head_object(aws, &info, b, dk[i], &err);
        ok &= rc == SECKIT_EAWS && err.http_status == 404;
        if (rc == 0)
            seckit_s3_object_info_free(&info);
    }
    CHECK("ops_delete_objects_gone", ok, &err);

    /* a part source (3 parts) and a sink */
    it_src src = {.data = big, .total = total};
    seckit_s3_upload up = {.bucket = b,
                           .key = "ops/sourced",
                           .fd = -1,
                           .part_size = (long long)part,
                           .source = it_source,
                           .source_ctx = &src,
                           .total_size = (long long)total};
    seckit_s3_upload_result ur;
    rc = seckit_s3_upload_fd(aws, &ur, &up, &err);
    CHECK("ops_upload_part_source", rc == 0 && ur.parts == 3 && src.calls == 3, &err);
    it_sink sk = {0};
    seckit_s3_get g = SECKIT_S3_GET_INIT;
    g.bucket = b;
    g.key = "ops/sourced";
    g.on_headers = it_headers;
    g.sink = it_sink_fn;
    g.sink_ctx = &sk;
    rc = seckit_s3_get_object(aws, &info, NULL, NULL, &g, &err);
    CHECK("ops_get_sink",
          rc == 0 && sk.len == total && memcmp(sk.buf, big, total) == 0 && sk.headers == 1, &err);
    if (rc == 0)
        seckit_s3_object_info_free(&info);
    free(sk.buf);

    /* multipart copy with UploadPartCopy (threshold lowered to 5 MiB), each
     * part pinned to the source's ETag.  The source is one PutObject: Swift
     * refuses x-amz-copy-source-if-match (412) against the ETag it reports
     * for a multipart (SLO) object. */
    seckit_s3_put bp = {.bucket = b,
                        .key = "ops/single-big",
                        .body = {.data = big, .fd = -1, .len = total}};
    rc = seckit_s3_put_object(aws, &pr, &bp, &err);
    CHECK("ops_upload_part_copy_setup", rc == 0, &err);
    seckit_s3_copy mc = {.src_bucket = b,
                         .src_key = "ops/single-big",
                         .bucket = b,
                         .key = "ops/copied-parts",
                         .multipart_threshold = (long long)part,
                         .part_size = (long long)part};
    seckit_s3_copy_result cr;
    rc = seckit_s3_copy_object(aws, &cr, &mc, &err);
    CHECK("ops_upload_part_copy", rc == 0 && cr.parts == 3, &err);
    unsigned char *body = NULL;
    size_t len = 0;
    rc = get_mem(aws, b, "ops/copied-parts", NULL, &info, &body, &len, &err);
    CHECK("ops_upload_part_copy_content", rc == 0 && len == total && memcmp(body, big, len) == 0,
          &err);
    if (rc == 0)
        seckit_s3_object_info_free(&info);
    free(body);
    body = NULL;

    /* x-amz-copy-source-if-match */
    seckit_s3_copy cc = {.src_bucket = b,
                         .src_key = "ops/plain",
                         .bucket = b,
                         .key = "ops/cond-copy",
                         .copy_source_if_match = "\"0000\""};
    rc = seckit_s3_copy_object(aws, &cr, &cc, &err);
    CHECK("ops_copy_source_if_match_refused", rc == SECKIT_EAWS && err.http_status == 412, &err);

    /* REPLACE keeps the system headers */
    seckit_aws_kv h[] = {{"Content-Type", "text/plain"},
                         {"Cache-Control", "max-age=60"},
                         {"Content-Disposition", "attachment; filename=\"a.txt\""},
                         {"Content-Encoding", "identity"},
                         {"Content-Language", "en-GB"},
                         {"Expires", "Thu, 01 Dec 2044 16:00:00 GMT"},
                         {"x-amz-meta-colour", "blue"}};
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp;
    r.service = "s3";
    r.method = "PUT";
    r.bucket = b;
    r.path = "/ops/sys";
    r.headers = h;
    r.header_count = sizeof(h) / sizeof(h[0]);
    r.body = "sys";
    r.body_len = 3;
    rc = seckit_aws_send(aws, &resp, &r, &err);
    seckit_aws_response_free(&resp);
    seckit_s3_meta nm[1] = {{"stage", "final"}};
    seckit_s3_copy rc2 = {.src_bucket = b,
                          .src_key = "ops/sys",
                          .bucket = b,
                          .key = "ops/sys2",
                          .replace_metadata = 1,
                          .metadata = nm,
                          .metadata_count = 1};
    if (rc == 0)
        rc = seckit_s3_copy_object(aws, &cr, &rc2, &err);
    if (rc == 0)
        rc = seckit_s3_head_object(aws, &info, b, "ops/sys2", &err);
    CHECK("ops_copy_replace_keeps_system_headers",
          rc == 0 && strcmp(info.content_type, "text/plain") == 0 &&
              strcmp(info.cache_control, "max-age=60") == 0 &&
              strcmp(info.content_disposition, "attachment; filename=\"a.txt\"") == 0 &&
              strcmp(info.content_encoding, "identity") == 0 &&
              strcmp(info.content_language, "en-GB") == 0 &&
              strcmp(info.expires, "Thu, 01 Dec 2044 16:00:00 GMT") == 0 &&
              seckit_s3_object_info_meta(&info, "stage") != NULL &&
              seckit_s3_object_info_meta(&info, "colour") == NULL,
          &err);
    if (rc == 0)
        seckit_s3_object_info_free(&info);
    /* REPLACE of a multipart (SLO) source: one CopyObject, not pinned */
    seckit_s3_copy ms = {.src_bucket = b,
                         .src_key = "ops/sourced",
                         .bucket = b,
                         .key = "ops/sourced-replaced",
                         .replace_metadata = 1,
                         .metadata = nm,
                         .metadata_count = 1};
    rc = seckit_s3_copy_object(aws, &cr, &ms, &err);
    CHECK("ops_copy_replace_multipart_source", rc == 0 && cr.parts == 0, &err);
    free(big);
}

static int purge(const char *b)
{
    seckit_aws *aws = client(NULL);
    seckit_error err;
    int rc = 0;
    for (int round = 0; round < 100 && rc == 0; round++) {
        seckit_s3_list req = {.bucket = b};
        seckit_s3_list_result res;
        if ((rc = seckit_s3_list_objects(aws, &res, &req, &err)) != 0)
            break;
        size_t n = res.count;
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = seckit_s3_delete_object(aws, b, res.entries[i].key, &err);
        seckit_s3_list_result_free(&res);
        if (n == 0)
            break;
    }
    if (rc == 0)
        rc = seckit_s3_delete_bucket(aws, b, &err);
    if (rc != 0)
        rc = report(&err);
    seckit_aws_free(aws);
    return rc;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 3) {
        fprintf(stderr, "usage: s3_it checks|mb|purge|head|parts|abort BUCKET [KEY [ID]]\n");
        return 2;
    }
    const char *cmd = argv[1], *b = argv[2];
    seckit_error err;
    if (strcmp(cmd, "checks") == 0) {
        checks(b);
        return failed;
    }
    if (strcmp(cmd, "purge") == 0)
        return purge(b);
    seckit_aws *aws = client(NULL);
    int rc = 0;
    if (strcmp(cmd, "mb") == 0) {
        rc = seckit_s3_create_bucket(aws, b, &err);
    } else if (strcmp(cmd, "head") == 0 && argc == 4) {
        seckit_s3_object_info info;
        rc = seckit_s3_head_object(aws, &info, b, argv[3], &err);
        if (rc == 0) {
            printf("size=%lld\netag=%s\ncontent-type=%s\n", info.content_length, info.etag,
                   info.content_type);
            for (size_t i = 0; i < info.metadata_count; i++)
                printf("meta %s=%s\n", info.metadata[i].name, info.metadata[i].value);
            seckit_s3_object_info_free(&info);
        }
    } else if (strcmp(cmd, "parts") == 0 && argc == 5) {
        seckit_s3_parts_result r;
        rc = seckit_s3_list_parts(aws, &r, b, argv[3], argv[4], 0, 0, &err);
        if (rc == 0) {
            printf("parts=%zu\n", r.count);
            seckit_s3_parts_result_free(&r);
        }
    } else if (strcmp(cmd, "abort") == 0 && argc == 5) {
        rc = seckit_s3_abort_multipart(aws, b, argv[3], argv[4], &err);
    } else {
        fprintf(stderr, "s3_it: bad arguments\n");
        seckit_aws_free(aws);
        return 2;
    }
    if (rc != 0)
        rc = report(&err);
    seckit_aws_free(aws);
    return rc;
}
