/* seckit/s3cse_object.h - S3 client-side encryption against a live S3
 * service: the glue between the envelope formats (seckit/s3cse.h) and the
 * S3 calls (seckit/s3.h), and the work lists of a fleet-wide key rotation.
 *
 *  - Manifests: S3 Batch Operations CSV manifests (bucket,key[,versionId])
 *    and S3 Inventory CSV data files, read record by record with RFC 4180
 *    quoting and the URL-encoded keys those formats carry.
 *  - Shards: "I/N" splits a manifest between N workers (an AWS Batch array
 *    job's index and size); each object belongs to exactly one shard,
 *    whatever order and whichever file of the manifest it comes in.
 *  - Completion reports in S3 Batch Operations' CSV shape.
 *
 * Everything here is bytes in, bytes out: nothing prints.
 */
#ifndef SECKIT_S3CSE_OBJECT_H
#define SECKIT_S3CSE_OBJECT_H

#include <stddef.h>
#include <stdio.h>

#include "seckit/export.h"
#include "seckit/error.h"
#include "seckit/s3.h"
#include "seckit/s3cse.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Manifests                                                           */

typedef enum seckit_s3_manifest_format {
    /* S3 Batch Operations' S3BatchOperations_CSV_20180820: each record is
     * bucket,key or bucket,key,versionId; keys URL-encoded. */
    SECKIT_S3_MANIFEST_BATCH = 0,
    /* An S3 Inventory report's CSV data file (S3InventoryReport_CSV_20161130,
     * un-gzipped): columns as the inventory's manifest.json "fileSchema"
     * names them; keys URL-encoded. */
    SECKIT_S3_MANIFEST_INVENTORY = 1
} seckit_s3_manifest_format;

typedef struct seckit_s3_manifest_row {
    char *bucket;
    char *key;          /* decoded */
    char *version_id;   /* NULL when the record has none */
    unsigned long line; /* the record's first line in the file, from 1 */
    /* Inventory only: 1 for a row that names no object to work on (a delete
     * marker, or a version that is not the latest); skip_reason says which. */
    int skip;
    const char *skip_reason;
} seckit_s3_manifest_row;

typedef struct seckit_s3_manifest_reader seckit_s3_manifest_reader;

/* A reader of the manifest in `in` (read with getc; the caller closes it).
 * For SECKIT_S3_MANIFEST_INVENTORY, schema is the fileSchema string
 * ("Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, ...");
 * NULL means "Bucket, Key" followed by any columns.  A schema without
 * Bucket and Key is SECKIT_EINVAL.  schema must be NULL for BATCH. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_manifest_reader_new(seckit_s3_manifest_reader **out,
                                                                  FILE *in,
                                                                  seckit_s3_manifest_format format,
                                                                  const char *schema,
                                                                  seckit_error *err);

/* The next record: 1 and *row filled (free with seckit_s3_manifest_row_free),
 * 0 at the end, or a negative code (SECKIT_EFORMAT with the line number for
 * a malformed record: bad quoting, a wrong field count, an empty bucket or
 * key, bad %-encoding; SECKIT_EIO for a read error).  Empty lines are
 * skipped. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_manifest_next(seckit_s3_manifest_reader *r,
                                                            seckit_s3_manifest_row *row,
                                                            seckit_error *err);

SECKIT_EXPORT void seckit_s3_manifest_row_free(seckit_s3_manifest_row *row);
SECKIT_EXPORT void seckit_s3_manifest_reader_free(seckit_s3_manifest_reader *r);

/* Decode a manifest's URL-encoded field: %XX is a byte, '+' a space (S3
 * Inventory writes spaces as '+', so a literal '+' is %2B).  *out is
 * malloc'd and NUL-terminated.  SECKIT_EFORMAT for a bad escape or an
 * escaped NUL. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_manifest_decode(char **out, const char *s, size_t len,
                                                              seckit_error *err);

/* The opposite: every byte except A-Z a-z 0-9 - _ . ~ / as %XX. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_manifest_encode(char **out, const char *s,
                                                              seckit_error *err);

/* ------------------------------------------------------------------ */
/* Shards                                                              */

typedef struct seckit_s3_shard {
    unsigned long index; /* 0 .. count-1 */
    unsigned long count; /* 1 .. 1000000 */
} seckit_s3_shard;

/* Parse "I/N" (decimal, 0 <= I < N <= 1000000). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_shard_parse(seckit_s3_shard *out, const char *s,
                                                          seckit_error *err);

/* 1 when bucket/key belongs to the shard (FNV-1a of "bucket/key" mod N;
 * all versions of a key go to the same shard), else 0. */
SECKIT_EXPORT int seckit_s3_shard_selects(const seckit_s3_shard *shard, const char *bucket,
                                          const char *key);

/* ------------------------------------------------------------------ */
/* Completion reports                                                  */

/* One line (ending in "\n", malloc'd in *out) of a completion report in
 * the shape of S3 Batch Operations' Report_CSV_20180820 result files:
 *   Bucket,Key,VersionId,TaskStatus,<HTTP status>,<error code>,ResultMessage
 * with the key URL-encoded as in manifests, TaskStatus "succeeded" or
 * "failed", and fields quoted (RFC 4180) when they hold a comma, a quote
 * or a line break.  Like S3's own result files, the numeric HTTP status
 * comes before the error code (empty on success). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3_report_line(char **out, const char *bucket,
                                                          const char *key, const char *version_id,
                                                          int succeeded, int http_status,
                                                          const char *error_code,
                                                          const char *message, seckit_error *err);

/* ------------------------------------------------------------------ */
/* Encrypted objects on S3                                             */

/* Where decrypted bytes go.  THE BYTES ARE NOT AUTHENTICATED until
 * seckit_s3cse_get_object returns 0: a writer must hold them back (a
 * temporary file renamed only on success, a bounded buffer) unless the
 * user explicitly accepted delayed authentication.  A non-zero return
 * stops the download with that code. */
typedef int (*seckit_s3cse_write_fn)(void *ctx, const unsigned char *data, size_t len,
                                     seckit_error *err);

typedef struct seckit_s3cse_put {
    const char *bucket;
    const char *key;
    int fd;                  /* the plaintext: a regular file or a pipe, read to its end */
    long long size;          /* plaintext bytes when known (a regular file), else -1 */
    long long part_size;     /* 0: 8 MiB; rounded up to a multiple of 16 and, when
                                     size is known, raised to fit 10000 parts */
    long long min_part_size; /* 0: S3's 5 MiB (lower only for a lenient server) */
    const char *content_type;
    const seckit_s3_meta *metadata; /* the caller's own metadata (not S3EC names) */
    size_t metadata_count;
    const seckit_s3cse_options *opts; /* envelope, policy, instruction_file, context */
    const seckit_s3cse_keyring *keyring;
    const char *instruction_suffix; /* NULL: ".instruction" */
    seckit_s3_progress_fn progress; /* body bytes sent (ciphertext + tag) */
    void *progress_ctx;
    const char *if_none_match; /* "*": fail (412) when the key exists; NULL: none */
    /* A regular file of known size whose body (size + 16) is at most this
     * goes up as ONE PutObject streamed as it is encrypted (constant
     * memory, no temporary file; a retry re-reads the file and re-creates
     * byte-identical ciphertext).  0: S3's PutObject limit, 5 GiB -- a
     * streamed PutObject costs no memory at any size, and one request
     * is much cheaper than many parts on servers with a per-part cost;
     * -1: never (one PutObject only when the body fits one part). */
    long long single_put_max;
    /* S3's storage class, server-side encryption and canned ACL for the
     * object and its instruction file (see seckit/s3.h); all NULL: none. */
    seckit_s3_write_options write;
} seckit_s3cse_put;

/* Encrypt fd's bytes into s3://bucket/key: one streamed PutObject for a
 * regular file up to single_put_max (see above) or when the body
 * (plaintext + 16-byte tag) fits one part, else one AES-GCM stream over a
 * multipart upload of sequential parts (non-final parts equal and a
 * multiple of 16 bytes, the tag at the end of the last), aborted on any
 * failure.  The envelope goes with the object's metadata, or with
 * opts->instruction_file into KEY + suffix (written after the object,
 * marked with x-amz-crypto-instr-file; if that write fails the new object
 * is deleted again).  out as for seckit_s3_upload_fd (size: body bytes). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3cse_put_object(seckit_aws *aws,
                                                            seckit_s3_upload_result *out,
                                                            const seckit_s3cse_put *req,
                                                            seckit_error *err);

typedef struct seckit_s3cse_get {
    const char *bucket;
    const char *key;
    const char *version_id; /* NULL: the current version */
    const seckit_s3cse_options *opts;
    const seckit_s3cse_keyring *keyring;
    const char *instruction_suffix; /* NULL: ".instruction" */
    /* A plaintext byte range "bytes=A-B", "bytes=A-" or "bytes=-N": a
     * ranged read, which is NOT authenticated (AES-CTR, no tag) and needs
     * opts->security_profile V2_AND_LEGACY; NULL: the whole object. */
    const char *range;
    seckit_s3cse_write_fn write;
    void *write_ctx;
    seckit_s3_progress_fn progress; /* body bytes received */
    void *progress_ctx;
} seckit_s3cse_get;

typedef struct seckit_s3cse_get_result {
    long long plaintext_len; /* bytes written */
    seckit_s3cse_envelope envelope;
    int instruction_file; /* 1 when the envelope came from an instruction file */
    int authenticated;    /* 1 for a whole-object GCM read; 0 for ranges and CBC */
    char etag[130];
    char version_id[1025];
} seckit_s3cse_get_result;

/* Download and decrypt: the object's metadata (and, when it says so, its
 * instruction file, fetched before the body) give the envelope; the body is
 * decrypted as it arrives and handed to req->write; the tag is checked at
 * the end (SECKIT_EAUTH: discard everything written).  A retried
 * download resumes at the byte it stopped at, pinned to the first answer's
 * ETag.  An object without S3EC metadata or instruction file is
 * SECKIT_EFORMAT ("not client-side encrypted"). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3cse_get_object(seckit_aws *aws,
                                                            seckit_s3cse_get_result *out,
                                                            const seckit_s3cse_get *req,
                                                            seckit_error *err);

/* HeadObject, the instruction file when the metadata points there, and
 * seckit_s3cse_describe: the envelope of an object, no key needed.  obj
 * (may be NULL) receives the HEAD answer (free with
 * seckit_s3_object_info_free); info is freed with seckit_s3cse_info_free. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_s3cse_head_object(seckit_aws *aws, seckit_s3_object_info *obj, seckit_s3cse_info *info,
                         const char *bucket, const char *key, const char *version_id,
                         const char *instruction_suffix, seckit_error *err);

typedef struct seckit_s3cse_rewrap_req {
    const char *bucket;
    const char *key;
    const char *version_id;           /* NULL: the current version */
    const seckit_s3cse_options *opts; /* policy, profile, context (instruction_file ignored:
                                        the envelope stays where it is) */
    const seckit_s3cse_keyring *from; /* opens the object today */
    const seckit_s3cse_keyring *to;   /* the new wrapping key */
    const char *instruction_suffix;   /* NULL: ".instruction" */
    const char *if_match;             /* NULL: the ETag this call's HEAD read; else the
                                        ETag the caller read earlier */
    /* 1: copy without x-amz-copy-source-if-match, for servers that cannot
     * evaluate it (OpenStack Swift refuses it for multipart objects' ETags);
     * an overwrite between the HEAD and the copy then goes unnoticed. */
    int unconditional;
} seckit_s3cse_rewrap_req;

typedef struct seckit_s3cse_rewrap_result {
    int skipped;          /* 1: `to` already opens the object; nothing written */
    int instruction_file; /* 1: a new instruction file was written */
    char etag[130];       /* the object's ETag before */
    char new_etag[130];   /* after (a CopyObject onto itself), or "" */
} seckit_s3cse_rewrap_result;

/* Re-wrap an object's data key for a new wrapping key without touching its
 * content: an object whose envelope is in its metadata is copied onto
 * itself (CopyObject, x-amz-metadata-directive REPLACE with its other
 * metadata and content type kept, x-amz-copy-source-if-match on the ETag,
 * so a concurrent overwrite makes this fail with PreconditionFailed
 * instead of mixing keys; when the ETag is unchanged but the server refused
 * the condition anyway, as Swift does for multipart ETags, the message says
 * so); an envelope in an instruction file gets a new instruction file.  An object `to` already opens is skipped (safe to
 * re-run). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3cse_rewrap_object(seckit_aws *aws,
                                                               seckit_s3cse_rewrap_result *out,
                                                               const seckit_s3cse_rewrap_req *req,
                                                               seckit_error *err);

#ifdef __cplusplus
}
#endif
#endif
