/* seckit/s3.h - plain S3 object calls over seckit_aws_send() (seckit/aws.h):
 * PutObject, GetObject, HeadObject, CopyObject, DeleteObject, ListObjectsV2,
 * multipart uploads, and a streaming upload that goes multipart for large
 * inputs with constant memory and aborts the upload on any failure.
 *
 * Each call is a thin function from a typed request to a typed response.
 * Addressing (path-style or virtual-hosted), region, endpoint and
 * credentials come from the seckit_aws client.  Keys are UTF-8 and passed
 * decoded ("dir one/naïve café.txt"); the library percent-encodes them.
 * XML responses are parsed strictly: a malformed or unexpected response is
 * SECKIT_EFORMAT, never a partial result.  Service errors are SECKIT_EAWS
 * (or SECKIT_EAWSAUTH) with err->aws_code ("NoSuchKey", "AccessDenied",
 * "SignatureDoesNotMatch", ...), aws_request_id and http_status set.
 */
#ifndef SECKIT_S3_H
#define SECKIT_S3_H

#include <stddef.h>

#include "seckit/aws.h"
#include "seckit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SECKIT_S3_KEY_MAX 1024        /* bytes of UTF-8, as S3 */
#define SECKIT_S3_MIN_PART_SIZE (5LL * 1024 * 1024)      /* S3's minimum, but the last */
#define SECKIT_S3_MAX_PART_SIZE (5LL * 1024 * 1024 * 1024)
#define SECKIT_S3_MAX_PARTS 10000
#define SECKIT_S3_MAX_PUT_SIZE (5LL * 1024 * 1024 * 1024) /* single PutObject */

/* User metadata: names WITHOUT the "x-amz-meta-" prefix.  S3 sends them back
 * lower-cased.  Names must be HTTP tokens; values printable ASCII. */
typedef seckit_aws_kv seckit_s3_meta;

/* ------------------------------------------------------------------ */
/* PutObject / UploadPart bodies                                        */

/* A request body: body_len bytes from memory (data), or streamed from fd
 * starting at offset (fd >= 0; data NULL).  A streamed body over plain http
 * is read twice (hash, then send), so the fd must then be seekable. */
typedef struct seckit_s3_body {
    const void *data;
    int fd;
    long long offset;
    size_t len;
} seckit_s3_body;

typedef struct seckit_s3_put {
    const char *bucket;
    const char *key;
    seckit_s3_body body;
    const char *content_type;        /* NULL: none sent (S3 stores binary/octet-stream) */
    const seckit_s3_meta *metadata;  /* x-amz-meta-* */
    size_t metadata_count;
} seckit_s3_put;

typedef struct seckit_s3_put_result {
    char etag[130];        /* as the server sent it, quotes included */
    char version_id[1025]; /* "" when the bucket is not versioned */
} seckit_s3_put_result;

int seckit_s3_put_object(seckit_aws *aws, const seckit_s3_put *req, seckit_s3_put_result *out,
                         seckit_error *err);

/* ------------------------------------------------------------------ */
/* HeadObject / GetObject                                              */

typedef struct seckit_s3_object_info {
    long long content_length; /* bytes in this response (a range: its length) */
    long long object_size;    /* the whole object's size */
    long long range_first;    /* a ranged GET: the first and last byte sent; */
    long long range_last;     /* otherwise 0 and content_length - 1 */
    char etag[130];
    char content_type[256];
    char last_modified[64];   /* the HTTP date as sent */
    char version_id[1025];
    seckit_s3_meta *metadata; /* malloc'd names and values (lower-case names) */
    size_t metadata_count;
} seckit_s3_object_info;

void seckit_s3_object_info_free(seckit_s3_object_info *info);

/* The metadata value for name (case-insensitive), or NULL. */
const char *seckit_s3_object_info_meta(const seckit_s3_object_info *info, const char *name);

typedef struct seckit_s3_get {
    const char *bucket;
    const char *key;
    /* Range: "bytes=FIRST-LAST", "bytes=FIRST-" or "bytes=-SUFFIX" (one
     * range only), or NULL for the whole object. */
    const char *range;
    const char *if_match;      /* ETag, or NULL */
    const char *if_none_match; /* ETag, or NULL */
    /* Where the body goes: out_fd >= 0 streams it there (from the fd's
     * current offset); otherwise it is returned in memory (*body, up to
     * max_body bytes; 0 = 16 MiB). */
    int out_fd;
    size_t max_body;
} seckit_s3_get;

#define SECKIT_S3_GET_INIT { .out_fd = -1 }

/* GetObject.  With out_fd < 0, *body (malloc'd, NUL-terminated, may be NULL
 * for an empty object) and *body_len receive the bytes; body may be NULL
 * when out_fd >= 0.  The byte count received is checked against
 * Content-Length (SECKIT_ENETWORK when short). */
int seckit_s3_get_object(seckit_aws *aws, const seckit_s3_get *req, seckit_s3_object_info *info,
                         unsigned char **body, size_t *body_len, seckit_error *err);

/* HeadObject.  A missing object (or bucket) is SECKIT_EAWS with
 * http_status 404 and aws_code "NotFound": HEAD answers have no body, so
 * S3's own code is not known (a GET tells NoSuchKey from NoSuchBucket). */
int seckit_s3_head_object(seckit_aws *aws, const char *bucket, const char *key,
                          seckit_s3_object_info *info, seckit_error *err);

/* ------------------------------------------------------------------ */
/* CopyObject / DeleteObject                                           */

typedef struct seckit_s3_copy {
    const char *src_bucket;
    const char *src_key;
    const char *bucket;
    const char *key;
    int replace_metadata;           /* 1: x-amz-metadata-directive REPLACE with
                                       the metadata and content type below;
                                       0: COPY (keep the source's) */
    const char *content_type;
    const seckit_s3_meta *metadata;
    size_t metadata_count;
} seckit_s3_copy;

typedef struct seckit_s3_copy_result {
    char etag[130];
    char last_modified[64];
} seckit_s3_copy_result;

/* CopyObject (objects up to 5 GiB).  An error that S3 reports inside a 200
 * answer is returned as the error it is. */
int seckit_s3_copy_object(seckit_aws *aws, const seckit_s3_copy *req, seckit_s3_copy_result *out,
                          seckit_error *err);

/* DeleteObject (succeeds for a key that does not exist, as S3 does). */
int seckit_s3_delete_object(seckit_aws *aws, const char *bucket, const char *key,
                            seckit_error *err);

/* ------------------------------------------------------------------ */
/* Buckets                                                             */

/* CreateBucket (with a LocationConstraint for regions other than
 * us-east-1).  An existing bucket you own is not an error
 * (BucketAlreadyOwnedByYou is accepted). */
int seckit_s3_create_bucket(seckit_aws *aws, const char *bucket, seckit_error *err);
/* DeleteBucket (it must be empty). */
int seckit_s3_delete_bucket(seckit_aws *aws, const char *bucket, seckit_error *err);

/* ------------------------------------------------------------------ */
/* ListObjectsV2                                                       */

typedef struct seckit_s3_list {
    const char *bucket;
    const char *prefix;             /* NULL: none */
    const char *delimiter;          /* NULL: none */
    const char *continuation_token; /* from the previous page, or NULL */
    const char *start_after;        /* NULL: none */
    int max_keys;                   /* 1..1000; 0: the server's default (1000) */
} seckit_s3_list;

typedef struct seckit_s3_list_entry {
    char *key;
    long long size;
    char etag[130];
    char last_modified[64]; /* ISO 8601 as sent */
    char storage_class[32];
} seckit_s3_list_entry;

typedef struct seckit_s3_list_result {
    seckit_s3_list_entry *entries;
    size_t count;
    char **common_prefixes;
    size_t prefix_count;
    int is_truncated;
    char *next_continuation_token; /* NULL when not truncated */
} seckit_s3_list_result;

/* One page.  A truncated page without a NextContinuationToken is
 * SECKIT_EFORMAT (a client would loop forever). */
int seckit_s3_list_objects(seckit_aws *aws, const seckit_s3_list *req,
                           seckit_s3_list_result *out, seckit_error *err);
void seckit_s3_list_result_free(seckit_s3_list_result *r);

/* ------------------------------------------------------------------ */
/* Multipart uploads                                                   */

typedef struct seckit_s3_part {
    int part_number; /* 1..10000 */
    char etag[130];
    long long size;  /* ListParts only */
} seckit_s3_part;

/* CreateMultipartUpload; *upload_id is malloc'd. */
int seckit_s3_create_multipart(seckit_aws *aws, const char *bucket, const char *key,
                               const char *content_type, const seckit_s3_meta *metadata,
                               size_t metadata_count, char **upload_id, seckit_error *err);

/* UploadPart; the part's ETag goes to etag (130 bytes). */
int seckit_s3_upload_part(seckit_aws *aws, const char *bucket, const char *key,
                          const char *upload_id, int part_number, const seckit_s3_body *body,
                          char etag[130], seckit_error *err);

/* CompleteMultipartUpload with parts in ascending part-number order; etag
 * (130 bytes, may be NULL) receives the object's ETag. */
int seckit_s3_complete_multipart(seckit_aws *aws, const char *bucket, const char *key,
                                 const char *upload_id, const seckit_s3_part *parts,
                                 size_t count, char etag[130], seckit_error *err);

/* AbortMultipartUpload. */
int seckit_s3_abort_multipart(seckit_aws *aws, const char *bucket, const char *key,
                              const char *upload_id, seckit_error *err);

typedef struct seckit_s3_parts_result {
    seckit_s3_part *parts;
    size_t count;
    int is_truncated;
    int next_part_number_marker;
} seckit_s3_parts_result;

/* ListParts, one page (max_parts 1..1000, 0: server default; marker 0: from
 * the start).  A finished or aborted upload is SECKIT_EAWS "NoSuchUpload". */
int seckit_s3_list_parts(seckit_aws *aws, const char *bucket, const char *key,
                         const char *upload_id, int max_parts, int part_number_marker,
                         seckit_s3_parts_result *out, seckit_error *err);
void seckit_s3_parts_result_free(seckit_s3_parts_result *r);

/* ------------------------------------------------------------------ */
/* Streaming upload                                                    */

/* Progress: bytes sent so far, and the total (-1 when unknown: a pipe). */
typedef void (*seckit_s3_progress_fn)(void *ctx, long long done, long long total);

typedef struct seckit_s3_upload {
    const char *bucket;
    const char *key;
    int fd;                 /* a regular file (read with pread) or a pipe/terminal */
    long long part_size;    /* 0: 8 MiB, raised (to whole MiB) for a regular
                               file that would need more than 10000 parts;
                               at least 5 MiB for S3 (see min_part_size) */
    long long min_part_size;/* 0: SECKIT_S3_MIN_PART_SIZE; lower it only for a
                               server that accepts smaller parts */
    const char *content_type;
    const seckit_s3_meta *metadata;
    size_t metadata_count;
    seckit_s3_progress_fn progress;
    void *progress_ctx;
} seckit_s3_upload;

typedef struct seckit_s3_upload_result {
    char etag[130];
    long long size;
    int parts;          /* 0: a single PutObject */
    char upload_id[1025]; /* on failure after CreateMultipartUpload: the upload's
                             id; abort_failed tells whether aborting it failed */
    int abort_failed;
} seckit_s3_upload_result;

/* Upload everything fd holds.  A regular file no larger than part_size, or
 * a pipe that ends within the first part, goes up with one PutObject;
 * anything larger as a multipart upload of part_size parts (a regular file
 * is streamed part by part with pread; a pipe is buffered one part at a
 * time, so memory stays at one part).  More than 10000 parts is
 * SECKIT_ELIMIT (raise part_size).  On any failure after
 * CreateMultipartUpload the upload is aborted; if the abort fails too,
 * out->abort_failed is set and the message names the upload id. */
int seckit_s3_upload_fd(seckit_aws *aws, const seckit_s3_upload *req,
                        seckit_s3_upload_result *out, seckit_error *err);

#ifdef __cplusplus
}
#endif
#endif
