/* seckit_s3_upload_fd: one PutObject for small inputs, a multipart upload of
 * fixed-size parts for large ones, with constant memory and an abort on any
 * failure (see seckit/s3.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seckit/s3.h"
#include "src/aws/s3_internal.h"
#include "src/base/guard.h"

#define DEFAULT_PART_SIZE (8LL * 1024 * 1024)

/* Read up to n bytes (stopping early only at end of input). */
static int read_full(int fd, unsigned char *buf, size_t n, size_t *got, seckit_error *err)
{
    size_t off = 0;
    while (off < n) {
        ssize_t r = read(fd, buf + off, n - off);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return seckit_error_set(err, SECKIT_EIO, "S3 upload: reading the input failed: %s",
                                    strerror(errno));
        }
        if (r == 0)
            break;
        off += (size_t)r;
    }
    *got = off;
    return 0;
}

/* Append text to err's message, keeping its code and AWS fields. */
static void note(seckit_error *err, const char *text)
{
    if (err == NULL)
        return;
    size_t len = strlen(err->message);
    snprintf(err->message + len, sizeof(err->message) - len, "%s", text);
}

typedef struct upload_state {
    seckit_aws *aws;
    const seckit_s3_upload *req;
    seckit_s3_upload_result *out;
    char *upload_id;
    seckit_s3_part *parts;
    size_t nparts;
    long long done;
    long long total;
    long long part_size;
    int auto_part_size; /* the caller left part_size 0 */
} upload_state;

static int part(upload_state *st, const seckit_s3_body *body, seckit_error *err)
{
    SKT_ENSURE(st->nparts < SECKIT_S3_MAX_PARTS, err, SECKIT_ELIMIT,
               "S3 upload: the input needs more than %d parts of %lld bytes; use a larger part "
               "size",
               SECKIT_S3_MAX_PARTS, st->part_size);
    if (st->parts == NULL) {
        st->parts = calloc(SECKIT_S3_MAX_PARTS, sizeof(*st->parts));
        SKT_ENSURE(st->parts != NULL, err, SECKIT_ENOMEM, "S3 upload: out of memory");
    }
    if (st->upload_id == NULL) {
        SKT_GUARD(seckit_s3_create_multipart_ex(st->aws, &st->upload_id, st->req->bucket,
                                                st->req->key, st->req->content_type,
                                                st->req->metadata, st->req->metadata_count,
                                                &st->req->write, err));
        snprintf(st->out->upload_id, sizeof(st->out->upload_id), "%s", st->upload_id);
    }
    seckit_s3_part *p = &st->parts[st->nparts];
    p->part_number = (int)st->nparts + 1;
    p->size = (long long)body->len;
    SKT_GUARD(seckit_s3_upload_part(st->aws, p->etag, st->req->bucket, st->req->key, st->upload_id,
                                    p->part_number, body, err));
    st->nparts++;
    st->done += (long long)body->len;
    if (st->req->progress != NULL)
        st->req->progress(st->req->progress_ctx, st->done, st->total);
    return 0;
}

static int put_single(upload_state *st, const seckit_s3_body *body, seckit_error *err)
{
    seckit_s3_put put = {
        .bucket = st->req->bucket,
        .key = st->req->key,
        .body = *body,
        .content_type = st->req->content_type,
        .metadata = st->req->metadata,
        .metadata_count = st->req->metadata_count,
        .if_none_match = st->req->if_none_match,
        .write = st->req->write,
    };
    seckit_s3_put_result pr;
    SKT_GUARD(seckit_s3_put_object(st->aws, &pr, &put, err));
    snprintf(st->out->etag, sizeof(st->out->etag), "%s", pr.etag);
    snprintf(st->out->version_id, sizeof(st->out->version_id), "%s", pr.version_id);
    st->done = (long long)body->len;
    if (st->req->progress != NULL)
        st->req->progress(st->req->progress_ctx, st->done, st->total);
    return 0;
}

static int upload_file(upload_state *st, int fd, long long start, long long size, seckit_error *err)
{
    long long ps = st->req->part_size;
    if (size <= ps) {
        seckit_s3_body b = {.fd = fd, .offset = start, .len = (size_t)size};
        return put_single(st, &b, err);
    }
    if ((size + ps - 1) / ps > SECKIT_S3_MAX_PARTS && st->auto_part_size) {
        /* No part size was asked for: take the smallest whole MiB that fits
         * the file into 10000 parts. */
        long long mib = 1024LL * 1024;
        ps = ((size + SECKIT_S3_MAX_PARTS - 1) / SECKIT_S3_MAX_PARTS + mib - 1) / mib * mib;
        SKT_ENSURE(ps <= SECKIT_S3_MAX_PART_SIZE, err, SECKIT_ELIMIT,
                   "S3 upload: %lld bytes is more than 10000 parts of 5 GiB", size);
        st->part_size = ps;
    }
    SKT_ENSURE((size + ps - 1) / ps <= SECKIT_S3_MAX_PARTS, err, SECKIT_ELIMIT,
               "S3 upload: %lld bytes need more than %d parts of %lld bytes; use a larger part "
               "size",
               size, SECKIT_S3_MAX_PARTS, ps);
    for (long long off = 0; off < size; off += ps) {
        long long n = size - off < ps ? size - off : ps;
        seckit_s3_body b = {.fd = fd, .offset = start + off, .len = (size_t)n};
        SKT_GUARD(part(st, &b, err));
    }
    return 0;
}

static int upload_stream(upload_state *st, int fd, seckit_error *err)
{
    size_t ps = (size_t)st->part_size;
    unsigned char *buf = malloc(ps);
    SKT_ENSURE(buf != NULL, err, SECKIT_ENOMEM, "S3 upload: cannot allocate a %zu-byte part", ps);
    int rc = 0;
    for (;;) {
        size_t got = 0;
        SKT_GUARD_GOTO(read_full(fd, buf, ps, &got, err), rc, done);
        seckit_s3_body b = {.data = buf, .fd = -1, .len = got};
        if (got < ps && st->nparts == 0) {
            rc = put_single(st, &b, err); /* the whole input fits one part */
            goto done;
        }
        if (got == 0)
            break;
        SKT_GUARD_GOTO(part(st, &b, err), rc, done);
        if (got < ps)
            break;
    }
done:
    free(buf);
    return rc;
}

/* Parts from the caller's source: one buffer of part_size, kept for the
 * part's retries (seckit_aws_send re-sends a memory body as it is). */
static int upload_source(upload_state *st, seckit_error *err)
{
    const seckit_s3_upload *req = st->req;
    size_t ps = (size_t)st->part_size;
    unsigned char *buf = malloc(ps);
    SKT_ENSURE(buf != NULL, err, SECKIT_ENOMEM, "S3 upload: cannot allocate a %zu-byte part", ps);
    int rc = 0;
    for (int pn = 1;; pn++) {
        size_t len = 0;
        int last = 0;
        SKT_ENSURE_GOTO(pn <= SECKIT_S3_MAX_PARTS, err, rc, done, SECKIT_ELIMIT,
                        "S3 upload: the source gives more than %d parts of %zu bytes; use a "
                        "larger part size",
                        SECKIT_S3_MAX_PARTS, ps);
        if (err != NULL)
            seckit_error_clear(err);
        rc = req->source(req->source_ctx, pn, buf, ps, &len, &last, err);
        if (rc != 0) {
            if (rc > 0)
                rc = seckit_error_set(err, SECKIT_EINTERNAL,
                                      "S3 upload: the part source returned %d for part %d", rc, pn);
            else if (err != NULL && err->code == 0)
                seckit_error_set(err, rc, "S3 upload: the part source failed on part %d", pn);
            goto done;
        }
        SKT_ENSURE_GOTO(len <= ps, err, rc, done, SECKIT_EINTERNAL,
                        "S3 upload: the part source gave %zu bytes for a %zu-byte part", len, ps);
        SKT_ENSURE_GOTO(last || (long long)len >= req->min_part_size, err, rc, done, SECKIT_EINVAL,
                        "S3 upload: part %d from the source has %zu bytes; every part but the "
                        "last needs at least %lld",
                        pn, len, req->min_part_size);
        seckit_s3_body b = {.data = buf, .fd = -1, .len = len};
        if (pn == 1 && last) {
            rc = put_single(st, &b, err); /* the whole body is one part */
            goto done;
        }
        if (last && len == 0)
            break; /* nothing left for a last part: complete with the parts sent */
        SKT_GUARD_GOTO(part(st, &b, err), rc, done);
        if (last)
            break;
    }
done:
    free(buf);
    return rc;
}

int seckit_s3_upload_fd(seckit_aws *aws, seckit_s3_upload_result *out,
                        const seckit_s3_upload *req_in, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && req_in != NULL && out != NULL &&
                       (req_in->source != NULL || req_in->fd >= 0),
                   err);
    memset(out, 0, sizeof(*out));
    seckit_s3_upload req = *req_in;
    if (req.part_size == 0)
        req.part_size = DEFAULT_PART_SIZE;
    if (req.min_part_size == 0)
        req.min_part_size = SECKIT_S3_MIN_PART_SIZE;
    SKT_ENSURE(req.part_size >= req.min_part_size && req.part_size <= SECKIT_S3_MAX_PART_SIZE, err,
               SECKIT_EINVAL, "S3 upload: part size %lld is not within %lld..%lld bytes",
               req.part_size, req.min_part_size, SECKIT_S3_MAX_PART_SIZE);
    SKT_ENSURE((unsigned long long)req.part_size <= (unsigned long long)SIZE_MAX, err,
               SECKIT_EINVAL, "S3 upload: part size too large for this machine");

    SKT_ENSURE(req.if_none_match == NULL || strcmp(req.if_none_match, "*") == 0, err, SECKIT_EINVAL,
               "S3 upload: If-None-Match on an upload can only be '*'");
    SKT_GUARD(seckit_s3_check_write_options(&req.write, err));
    upload_state st = {.aws = aws,
                       .req = &req,
                       .out = out,
                       .total = -1,
                       .part_size = req.part_size,
                       .auto_part_size = req_in->part_size == 0};
    int rc;
    if (req.source != NULL) {
        st.total = req.total_size >= 0 ? req.total_size : -1;
        rc = upload_source(&st, err);
        goto finish;
    }
    struct stat sb;
    SKT_ENSURE(fstat(req.fd, &sb) == 0, err, SECKIT_EIO, "S3 upload: cannot stat the input: %s",
               strerror(errno));
    off_t pos = S_ISREG(sb.st_mode) ? lseek(req.fd, 0, SEEK_CUR) : (off_t)-1;
    if (S_ISREG(sb.st_mode) && pos >= 0) {
        long long size = (long long)sb.st_size - (long long)pos;
        if (size < 0)
            size = 0;
        st.total = size;
        rc = upload_file(&st, req.fd, (long long)pos, size, err);
    } else {
        rc = upload_stream(&st, req.fd, err);
    }
finish:
    if (rc == 0 && st.upload_id != NULL) {
        rc = skt_s3_complete_multipart_cond(aws, req.bucket, req.key, st.upload_id, st.parts,
                                            st.nparts, req.if_none_match, out->etag,
                                            out->version_id, err);
        if (rc == 0)
            out->parts = (int)st.nparts;
    }
    if (rc == 0) {
        out->size = st.done;
        out->upload_id[0] = '\0';
    } else if (st.upload_id != NULL) {
        /* Leave nothing behind: abort the upload (S3 then frees the parts). */
        seckit_error aerr;
        seckit_error_clear(&aerr);
        char text[SECKIT_ERROR_MESSAGE_MAX];
        if (seckit_s3_abort_multipart(aws, req.bucket, req.key, st.upload_id, &aerr) == 0) {
            snprintf(text, sizeof(text), "; multipart upload %.200s aborted", st.upload_id);
        } else {
            out->abort_failed = 1;
            snprintf(text, sizeof(text),
                     "; aborting multipart upload %.200s also failed (%.150s): abort it later",
                     st.upload_id, aerr.message);
        }
        note(err, text);
    }
    free(st.upload_id);
    free(st.parts);
    return rc;
}
