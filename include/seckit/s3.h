/* seckit/s3.h - plain S3 object calls over seckit_aws_send() (seckit/aws.h):
 * PutObject, GetObject, HeadObject, CopyObject (multipart with
 * UploadPartCopy above 5 GiB), DeleteObject, DeleteObjects, ListObjectsV2,
 * multipart uploads, and a streaming upload that goes multipart for large
 * inputs with constant memory and aborts the upload on any failure.
 * Streaming hooks: an upload can take its parts from a callback (a part
 * source) and a download can hand its body to a callback (a sink), so a
 * caller can encrypt or decrypt while transferring.
 *
 * Each call is a thin function from a typed request to a typed response.
 * Addressing (path-style or virtual-hosted), region, endpoint and
 * credentials come from the seckit_aws client.  Keys are UTF-8 and passed
 * decoded ("dir one/naïve café.txt"); the library percent-encodes them.
 * XML responses are parsed strictly: a malformed or unexpected response is
 * SECKIT_EFORMAT, never a partial result.  Service errors are SECKIT_EAWS
 * (or SECKIT_EAWSAUTH) with err->aws_code ("NoSuchKey", "AccessDenied",
 * "SignatureDoesNotMatch", ...), aws_request_id and http_status set; a
 * failed precondition (If-Match, If-None-Match, x-amz-copy-source-if-match)
 * is SECKIT_EAWS with http_status 412 and aws_code "PreconditionFailed".
 *
 * Bucket names are checked locally with S3's naming rules before any
 * request (SECKIT_EINVAL naming the rule broken; see
 * seckit_s3_check_bucket_name).
 */
#ifndef SECKIT_S3_H
#define SECKIT_S3_H

#include <stddef.h>

#include "seckit/export.h"
#include "seckit/aws.h"
#include "seckit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SECKIT_S3_KEY_MAX 1024                      /* bytes of UTF-8, as S3 */
#define SECKIT_S3_MIN_PART_SIZE (5LL * 1024 * 1024) /* S3's minimum, but the last */
#define SECKIT_S3_MAX_PART_SIZE (5LL * 1024 * 1024 * 1024)
#define SECKIT_S3_MAX_PARTS 10000
#define SECKIT_S3_MAX_PUT_SIZE (5LL * 1024 * 1024 * 1024) /* single PutObject */

/* User metadata: names WITHOUT the "x-amz-meta-" prefix.  S3 sends them back
 * lower-cased.  Names must be HTTP tokens (ASCII).  Values are UTF-8 text
 * without control characters; a value with non-ASCII characters (or one
 * containing "=?", which would read as an encoded word) is sent RFC
 * 2047-encoded (=?UTF-8?B?...?=), as S3 itself returns such values, and
 * encoded values are decoded again when read (HeadObject, GetObject), so
 * values round-trip unchanged.  Names and values together: at most 2 KiB
 * (as S3, counted before encoding). */
typedef seckit_aws_kv seckit_s3_meta;

/* S3's bucket naming rules (general purpose buckets): 3..63 characters of
 * lower-case letters, digits, '.' and '-'; starts and ends with a letter or
 * digit; no ".."; not an IPv4 address; not starting with "xn--", "sthree-"
 * or "amzn-s3-demo-"; not ending with "-s3alias", "--ol-s3", ".mrap",
 * "--x-s3" or "--table-s3".  SECKIT_EINVAL with the rule broken.  Every
 * call below checks its bucket names with this before sending anything. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_check_bucket_name(const char *bucket,
                                                                seckit_error *err);

/* ------------------------------------------------------------------ */
/* Storage class, server-side encryption and canned ACL of a new object */

/* What a write (PutObject, CreateMultipartUpload, CopyObject) asks S3 to
 * do with the new object; NULL members send nothing (the bucket's
 * defaults).  Values are S3's, spelled exactly:
 *   storage_class   x-amz-storage-class: STANDARD, REDUCED_REDUNDANCY,
 *                   STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER,
 *                   DEEP_ARCHIVE, GLACIER_IR, EXPRESS_ONEZONE
 *   sse             x-amz-server-side-encryption: AES256, aws:kms,
 *                   aws:kms:dsse
 *   sse_kms_key_id  x-amz-server-side-encryption-aws-kms-key-id (a KMS key
 *                   id, ARN or alias); only with sse aws:kms or aws:kms:dsse
 *   acl             x-amz-acl: private, public-read, public-read-write,
 *                   authenticated-read, aws-exec-read, bucket-owner-read,
 *                   bucket-owner-full-control, log-delivery-write */
typedef struct seckit_s3_write_options {
    unsigned int version; /* SECKIT_S3_WRITE_OPTIONS_VERSION */
    const char *storage_class;
    const char *sse;
    const char *sse_kms_key_id;
    const char *acl;
} seckit_s3_write_options;

#define SECKIT_S3_WRITE_OPTIONS_VERSION 1
#define SECKIT_S3_WRITE_OPTIONS_INIT                                                               \
    {                                                                                              \
        SECKIT_S3_WRITE_OPTIONS_VERSION, 0, 0, 0, 0                                                \
    }

/* Fill opts with the defaults of this version of the structure (pass
 * SECKIT_S3_WRITE_OPTIONS_VERSION), the same as
 * SECKIT_S3_WRITE_OPTIONS_INIT: nothing set (S3's own defaults).
 * SECKIT_EINVAL when opts is NULL or the version is unknown. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_write_options_init(seckit_s3_write_options *opts,
                                                                 unsigned int version,
                                                                 seckit_error *err);

/* SECKIT_EINVAL naming the value and the accepted ones when a member is not
 * one of S3's (or sse_kms_key_id comes without a KMS sse), or when the
 * version is not one this library knows; 0 otherwise (also for NULL, and for
 * an all-zero structure, version 0 included: the write member of a request
 * the caller zeroed, which asks for nothing).  Every write below checks its
 * options with this before sending anything. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_s3_check_write_options(const seckit_s3_write_options *opts, seckit_error *err);

/* ------------------------------------------------------------------ */
/* PutObject / UploadPart bodies                                        */

/* A body produced on the fly, re-startable: read fills up to cap bytes of
 * buf and sets *got (more than 0 until len bytes were given); rewind makes
 * the next read start the SAME bytes again from the first (for a retry of
 * the request).  Both return 0 or a negative SECKIT_E* with err set.
 * self_authenticated: the bytes carry their own integrity check that the
 * reader verifies (an AES-GCM ciphertext and its tag), so the request goes
 * with x-amz-content-sha256: UNSIGNED-PAYLOAD even over plain http instead
 * of a first pass to hash it; 0: hashed like any other body. */
typedef struct seckit_s3_body_source {
    int (*read)(void *ctx, unsigned char *buf, size_t cap, size_t *got, seckit_error *err);
    int (*rewind)(void *ctx, seckit_error *err);
    void *ctx;
    int self_authenticated;
} seckit_s3_body_source;

/* A request body: body_len bytes from memory (data), or streamed from fd
 * starting at offset (fd >= 0; data NULL), or (source != NULL; data NULL,
 * fd -1) len bytes from a source.  A streamed body over plain http is read
 * twice (hash, then send), so the fd must then be seekable. */
typedef struct seckit_s3_body {
    const void *data;
    int fd;
    long long offset;
    size_t len;
    const seckit_s3_body_source *source;
} seckit_s3_body;

typedef struct seckit_s3_put {
    const char *bucket;
    const char *key;
    seckit_s3_body body;
    const char *content_type;       /* NULL: none sent (S3 stores binary/octet-stream) */
    const seckit_s3_meta *metadata; /* x-amz-meta-* */
    size_t metadata_count;
    /* Conditional write: "*" sends If-None-Match: * (fail with 412
     * PreconditionFailed when the key exists); NULL: none. */
    const char *if_none_match;
    seckit_s3_write_options write; /* storage class, SSE, ACL */
} seckit_s3_put;

typedef struct seckit_s3_put_result {
    char etag[130];        /* as the server sent it, quotes included */
    char version_id[1025]; /* "" when the bucket is not versioned */
} seckit_s3_put_result;

SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_put_object(seckit_aws *aws, seckit_s3_put_result *out,
                                                         const seckit_s3_put *req,
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
    char last_modified[64]; /* the HTTP date as sent */
    char version_id[1025];
    seckit_s3_meta *metadata; /* malloc'd names and values (lower-case names,
                                 RFC 2047 values decoded) */
    size_t metadata_count;
    /* x-amz-missing-meta: how many metadata entries S3 could not return
     * (they were not valid HTTP headers); see require_all_metadata. */
    int missing_meta;
    /* The system headers a copy with REPLACE keeps ("" when absent). */
    char cache_control[256];
    char content_disposition[512];
    char content_encoding[128];
    char content_language[128];
    char expires[64];
    char storage_class[32]; /* x-amz-storage-class ("" = STANDARD) */
    int tag_count;          /* x-amz-tagging-count */
} seckit_s3_object_info;

SECKIT_EXPORT void seckit_s3_object_info_free(seckit_s3_object_info *info);

/* The metadata value for name (case-insensitive), or NULL. */
SECKIT_EXPORT const char *seckit_s3_object_info_meta(const seckit_s3_object_info *info,
                                                     const char *name);

/* A metadata value as S3 returns it in a response header (non-ASCII values
 * RFC 2047-encoded, e.g. in `aws s3api head-object` output) decoded to
 * UTF-8: a value made only of encoded words (UTF-8, US-ASCII or ISO-8859-1;
 * B or Q) is decoded, anything else copied as is.  *out is malloc'd. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_meta_value_decode(char **out, const char *value,
                                                                seckit_error *err);

/* Download hooks (seckit_s3_get): called once, before any body byte, with
 * the response's object info (metadata, sizes, ETag, version id); a
 * non-zero return (a negative SECKIT_E* with err set) stops the transfer
 * and is returned as is. */
typedef int (*seckit_s3_headers_fn)(void *ctx, const seckit_s3_object_info *info,
                                    seckit_error *err);
/* Receives the body bytes in order, each byte exactly once even across
 * retries.  A non-zero return (a negative SECKIT_E* with err set) stops the
 * transfer at once and is returned as is (no retry). */
typedef int (*seckit_s3_sink_fn)(void *ctx, const unsigned char *data, size_t len,
                                 seckit_error *err);

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
    /* Streaming: with sink != NULL the body goes to sink(sink_ctx, ...)
     * (out_fd and the in-memory body are unused).  on_headers (may be NULL)
     * is called once before the first body byte (also for an empty body),
     * with sink_ctx. */
    seckit_s3_headers_fn on_headers;
    seckit_s3_sink_fn sink;
    void *sink_ctx;
    const char *version_id; /* versionId: a given version, or NULL (the latest) */
    /* 1: an answer with x-amz-missing-meta is an error (SECKIT_EFORMAT), for
     * callers that need every metadata entry (client-side encryption keeps
     * its envelope there). */
    int require_all_metadata;
} seckit_s3_get;

#define SECKIT_S3_GET_INIT                                                                         \
    {                                                                                              \
        .out_fd = -1                                                                               \
    }

/* GetObject.  With out_fd < 0 and no sink, *body (malloc'd, NUL-terminated,
 * may be NULL for an empty object) and *body_len receive the bytes; body
 * may be NULL when out_fd >= 0 or with a sink.  The byte count received is
 * checked against Content-Length (SECKIT_ENETWORK when short).
 *
 * Streamed downloads (out_fd or sink): a transfer that fails mid-way is
 * retried (per the client's retry policy: attempts and retry quota) with
 * Range: bytes=<first byte + bytes received>-<last byte> and If-Match: <the
 * first answer's ETag> (and the same versionId), so the destination sees
 * one continuous stream, each byte once; a changed object fails with 412
 * PreconditionFailed instead of mixing versions.  on_headers is not called
 * again.  info (as the first answer described it) is filled on success. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_s3_get_object(seckit_aws *aws, seckit_s3_object_info *info, unsigned char **body,
                     size_t *body_len, const seckit_s3_get *req, seckit_error *err);

/* HeadObject.  A missing object (or bucket) is SECKIT_EAWS with
 * http_status 404 and aws_code "NotFound": HEAD answers have no body, so
 * S3's own code is not known (a GET tells NoSuchKey from NoSuchBucket). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_head_object(seckit_aws *aws,
                                                          seckit_s3_object_info *info,
                                                          const char *bucket, const char *key,
                                                          seckit_error *err);

typedef struct seckit_s3_head {
    const char *bucket;
    const char *key;
    const char *version_id;   /* NULL: the latest version */
    const char *if_match;     /* ETag, or NULL */
    int require_all_metadata; /* 1: x-amz-missing-meta is SECKIT_EFORMAT */
} seckit_s3_head;

/* HeadObject with a version id, a precondition and the metadata check. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_head_object_ex(seckit_aws *aws,
                                                             seckit_s3_object_info *info,
                                                             const seckit_s3_head *req,
                                                             seckit_error *err);

/* ------------------------------------------------------------------ */
/* CopyObject / DeleteObject                                           */

typedef struct seckit_s3_copy {
    const char *src_bucket;
    const char *src_key;
    const char *bucket;
    const char *key;
    int replace_metadata;     /* 1: x-amz-metadata-directive REPLACE with
                                       the metadata and content type below;
                                       0: COPY (keep the source's) */
    const char *content_type; /* REPLACE: NULL keeps the source's */
    const seckit_s3_meta *metadata;
    size_t metadata_count;
    const char *src_version_id;       /* copy this version of the source, or NULL */
    const char *copy_source_if_match; /* x-amz-copy-source-if-match: the source's
                                         ETag must be this (else 412), or NULL */
    /* Objects larger than this are copied with a multipart upload of
     * UploadPartCopy ranges (CopyObject takes at most 5 GiB).  0: 5 GiB;
     * lower it to copy small objects part-wise (tests). */
    long long multipart_threshold;
    long long part_size;     /* multipart copy part size; 0: 64 MiB, raised
                                       to fit 10000 parts; at least min_part_size */
    long long min_part_size; /* 0: SECKIT_S3_MIN_PART_SIZE */
    /* The new object's storage class, SSE and ACL (CopyObject, or the
     * multipart copy's CreateMultipartUpload); a storage class given here
     * replaces the source's.  S3 does not copy ACLs or SSE settings: NULL
     * members get the bucket's defaults. */
    seckit_s3_write_options write;
} seckit_s3_copy;

typedef struct seckit_s3_copy_result {
    char etag[130];
    char last_modified[64];
    char version_id[1025]; /* the new object's version, "" when unversioned */
    int parts;             /* 0: one CopyObject; else the multipart copy's parts */
} seckit_s3_copy_result;

/* Copy an object on the server.  Always a HeadObject of the source first
 * (its size, ETag, metadata and system headers; a missing source or a
 * failed copy_source_if_match is reported with S3's own code).  Up to
 * multipart_threshold: one CopyObject (pinned with
 * x-amz-copy-source-if-match only when asked: Swift's s3api refuses that
 * header against a multipart source's ETag);
 * larger: CreateMultipartUpload with the source's
 * metadata and system headers (or the REPLACE ones), UploadPartCopy of each
 * range pinned to the source's ETag, CompleteMultipartUpload (aborted on any
 * failure).  With REPLACE, the system headers the AWS CLI keeps
 * (Cache-Control, Content-Disposition, Content-Encoding, Content-Language,
 * Expires, the storage class and the content type unless content_type is
 * given) are read from a HEAD of the source and sent again, so only what
 * was asked changes; tags are kept (x-amz-tagging-directive COPY; a
 * multipart copy reads them with GetObjectTagging).  An error that S3
 * reports inside a 200 answer (CopyObject, UploadPartCopy,
 * CompleteMultipartUpload) is returned as the error it is. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_copy_object(seckit_aws *aws,
                                                          seckit_s3_copy_result *out,
                                                          const seckit_s3_copy *req,
                                                          seckit_error *err);

/* UploadPartCopy: bytes first..last of the source (first < 0: the whole
 * source) as part part_number of upload_id; the part's ETag goes to etag
 * (130 bytes).  src_version_id and copy_source_if_match may be NULL. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_upload_part_copy(
    seckit_aws *aws, char etag[130], const char *bucket, const char *key, const char *upload_id,
    int part_number, const char *src_bucket, const char *src_key, const char *src_version_id,
    const char *copy_source_if_match, long long first, long long last, seckit_error *err);

/* DeleteObject (succeeds for a key that does not exist, as S3 does). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_delete_object(seckit_aws *aws, const char *bucket,
                                                            const char *key, seckit_error *err);
/* DeleteObject of one version (version_id NULL: as seckit_s3_delete_object). */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_s3_delete_object_version(seckit_aws *aws, const char *bucket, const char *key,
                                const char *version_id, seckit_error *err);

/* DeleteObjects: up to 1000 keys in one request (quiet mode).  Keys that
 * could not be deleted are listed in the result with S3's code and message;
 * the call itself succeeds when S3 answered (check error_count). */
typedef struct seckit_s3_object_id {
    const char *key;
    const char *version_id; /* NULL: the latest */
} seckit_s3_object_id;

typedef struct seckit_s3_delete_error {
    char *key;
    char *version_id; /* NULL when none */
    char code[96];
    char *message;
} seckit_s3_delete_error;

typedef struct seckit_s3_delete_result {
    size_t deleted;                 /* requested minus failed */
    seckit_s3_delete_error *errors; /* malloc'd */
    size_t error_count;
} seckit_s3_delete_result;

#define SECKIT_S3_DELETE_MAX 1000

SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_s3_delete_objects(seckit_aws *aws, seckit_s3_delete_result *out, const char *bucket,
                         const seckit_s3_object_id *ids, size_t count, seckit_error *err);
SECKIT_EXPORT void seckit_s3_delete_result_free(seckit_s3_delete_result *r);

/* ------------------------------------------------------------------ */
/* Buckets                                                             */

/* CreateBucket (with a LocationConstraint for regions other than
 * us-east-1).  An existing bucket you own is not an error
 * (BucketAlreadyOwnedByYou is accepted). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_create_bucket(seckit_aws *aws, const char *bucket,
                                                            seckit_error *err);
/* DeleteBucket (it must be empty). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_delete_bucket(seckit_aws *aws, const char *bucket,
                                                            seckit_error *err);

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
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_list_objects(seckit_aws *aws,
                                                           seckit_s3_list_result *out,
                                                           const seckit_s3_list *req,
                                                           seckit_error *err);
SECKIT_EXPORT void seckit_s3_list_result_free(seckit_s3_list_result *r);

/* ------------------------------------------------------------------ */
/* Multipart uploads                                                   */

typedef struct seckit_s3_part {
    int part_number; /* 1..10000 */
    char etag[130];
    long long size; /* ListParts only */
} seckit_s3_part;

/* CreateMultipartUpload; *upload_id is malloc'd. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_s3_create_multipart(seckit_aws *aws, char **upload_id, const char *bucket, const char *key,
                           const char *content_type, const seckit_s3_meta *metadata,
                           size_t metadata_count, seckit_error *err);
/* The same with the new object's storage class, SSE and ACL (write may be
 * NULL). */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_s3_create_multipart_ex(seckit_aws *aws, char **upload_id, const char *bucket,
                              const char *key, const char *content_type,
                              const seckit_s3_meta *metadata, size_t metadata_count,
                              const seckit_s3_write_options *write, seckit_error *err);

/* UploadPart; the part's ETag goes to etag (130 bytes). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_upload_part(seckit_aws *aws, char etag[130],
                                                          const char *bucket, const char *key,
                                                          const char *upload_id, int part_number,
                                                          const seckit_s3_body *body,
                                                          seckit_error *err);

/* CompleteMultipartUpload with parts in ascending part-number order; etag
 * (130 bytes, may be NULL) receives the object's ETag. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_s3_complete_multipart(seckit_aws *aws, char etag[130], const char *bucket, const char *key,
                             const char *upload_id, const seckit_s3_part *parts, size_t count,
                             seckit_error *err);

/* AbortMultipartUpload. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_abort_multipart(seckit_aws *aws, const char *bucket,
                                                              const char *key,
                                                              const char *upload_id,
                                                              seckit_error *err);

typedef struct seckit_s3_parts_result {
    seckit_s3_part *parts;
    size_t count;
    int is_truncated;
    int next_part_number_marker;
} seckit_s3_parts_result;

/* ListParts, one page (max_parts 1..1000, 0: server default; marker 0: from
 * the start).  A finished or aborted upload is SECKIT_EAWS "NoSuchUpload". */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_list_parts(seckit_aws *aws,
                                                         seckit_s3_parts_result *out,
                                                         const char *bucket, const char *key,
                                                         const char *upload_id, int max_parts,
                                                         int part_number_marker, seckit_error *err);
SECKIT_EXPORT void seckit_s3_parts_result_free(seckit_s3_parts_result *r);

/* ------------------------------------------------------------------ */
/* Streaming upload                                                    */

/* Progress: bytes sent so far, and the total (-1 when unknown: a pipe). */
typedef void (*seckit_s3_progress_fn)(void *ctx, long long done, long long total);

/* An upload's part source: fills buf (cap bytes, cap = the part size) with
 * the body of part part_number (1-based, called strictly in order, exactly
 * once per part); sets *len and *last (1 when this is the final part; a
 * final part may be empty only when it is part 1 -- an empty final part
 * after part 1 is not uploaded).  Parts before the last must hold at least
 * min_part_size bytes.  Returns 0 or a negative SECKIT_E* with err set.
 * The library keeps the buffer and re-sends it on a retry without calling
 * again, so a source may transform data statefully (e.g. one AES-GCM
 * stream over all parts). */
typedef int (*seckit_s3_part_source_fn)(void *ctx, int part_number, unsigned char *buf, size_t cap,
                                        size_t *len, int *last, seckit_error *err);

typedef struct seckit_s3_upload {
    const char *bucket;
    const char *key;
    int fd;                  /* a regular file (read with pread) or a pipe/terminal */
    long long part_size;     /* 0: 8 MiB, raised (to whole MiB) for a regular
                               file that would need more than 10000 parts;
                               at least 5 MiB for S3 (see min_part_size) */
    long long min_part_size; /* 0: SECKIT_S3_MIN_PART_SIZE; lower it only for a
                               server that accepts smaller parts */
    const char *content_type;
    const seckit_s3_meta *metadata;
    size_t metadata_count;
    seckit_s3_progress_fn progress;
    void *progress_ctx;
    /* With source != NULL the body comes from source(source_ctx, ...) one
     * part at a time (fd is ignored); part 1 is asked for before anything is
     * sent; when it is also the last part it goes up with one PutObject,
     * otherwise as a multipart upload. */
    seckit_s3_part_source_fn source;
    void *source_ctx;
    long long total_size; /* with a source: the total for progress, -1 unknown */
    /* "*": If-None-Match: * on PutObject / CompleteMultipartUpload (the
     * upload fails with 412 PreconditionFailed when the key exists). */
    const char *if_none_match;
    seckit_s3_write_options write; /* storage class, SSE, ACL (PutObject or
                                      CreateMultipartUpload) */
} seckit_s3_upload;

typedef struct seckit_s3_upload_result {
    char etag[130];
    long long size;
    int parts;             /* 0: a single PutObject */
    char version_id[1025]; /* the new object's version, "" when unversioned */
    char upload_id[1025];  /* on failure after CreateMultipartUpload: the upload's
                             id; abort_failed tells whether aborting it failed */
    int abort_failed;
} seckit_s3_upload_result;

/* Upload everything fd (or the part source) holds.  A regular file no larger than part_size, or
 * a pipe that ends within the first part, goes up with one PutObject;
 * anything larger as a multipart upload of part_size parts (a regular file
 * is streamed part by part with pread; a pipe is buffered one part at a
 * time, so memory stays at one part).  More than 10000 parts is
 * SECKIT_ELIMIT (raise part_size).  On any failure after
 * CreateMultipartUpload the upload is aborted; if the abort fails too,
 * out->abort_failed is set and the message names the upload id. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_upload_fd(seckit_aws *aws,
                                                        seckit_s3_upload_result *out,
                                                        const seckit_s3_upload *req,
                                                        seckit_error *err);

/* ------------------------------------------------------------------ */
/* ListBuckets                                                         */

typedef struct seckit_s3_bucket {
    char *name;
    char creation_date[64]; /* as S3 sent it, "2024-05-01T12:34:56.000Z" */
} seckit_s3_bucket;

typedef struct seckit_s3_bucket_list {
    seckit_s3_bucket *buckets;
    size_t count;
    char *continuation_token; /* NULL: the last page */
} seckit_s3_bucket_list;

/* ListBuckets, one page: the buckets the credentials own.  continuation_token
 * (NULL: from the start) is the previous page's; max_buckets 1..10000
 * (0: not sent, every bucket in one page as S3 answers without it).  A
 * server that does not paginate simply never returns a token.  Free with
 * seckit_s3_bucket_list_free. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_list_buckets(seckit_aws *aws,
                                                           seckit_s3_bucket_list *out,
                                                           const char *continuation_token,
                                                           int max_buckets, seckit_error *err);
SECKIT_EXPORT void seckit_s3_bucket_list_free(seckit_s3_bucket_list *list);

/* ------------------------------------------------------------------ */
/* Presigned URLs                                                      */

/* A presigned URL for GetObject (method "GET") or PutObject ("PUT") of
 * bucket/key (version_id, GET only, may be NULL), valid for expires_s
 * seconds (1..604800, SigV4's limit), signed in the query string with the
 * client's credentials: X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date,
 * X-Amz-Expires, X-Amz-SignedHeaders=host, X-Amz-Security-Token (session
 * credentials; the URL then stops working when they expire) and
 * X-Amz-Signature.  The payload is UNSIGNED-PAYLOAD, so a PUT through the
 * URL may carry any body.  Nothing is sent.  *url is malloc'd and holds the
 * signature: treat it as a bearer credential. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_presign(seckit_aws *aws, char **url,
                                                      const char *method, const char *bucket,
                                                      const char *key, const char *version_id,
                                                      long expires_s, seckit_error *err);

#ifdef __cplusplus
}
#endif
#endif
