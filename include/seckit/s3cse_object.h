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

#include "seckit/error.h"

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
int seckit_s3_manifest_reader_new(FILE *in, seckit_s3_manifest_format format, const char *schema,
                                  seckit_s3_manifest_reader **out, seckit_error *err);

/* The next record: 1 and *row filled (free with seckit_s3_manifest_row_free),
 * 0 at the end, or a negative code (SECKIT_EFORMAT with the line number for
 * a malformed record: bad quoting, a wrong field count, an empty bucket or
 * key, bad %-encoding; SECKIT_EIO for a read error).  Empty lines are
 * skipped. */
int seckit_s3_manifest_next(seckit_s3_manifest_reader *r, seckit_s3_manifest_row *row,
                            seckit_error *err);

void seckit_s3_manifest_row_free(seckit_s3_manifest_row *row);
void seckit_s3_manifest_reader_free(seckit_s3_manifest_reader *r);

/* Decode a manifest's URL-encoded field: %XX is a byte, '+' a space (S3
 * Inventory writes spaces as '+', so a literal '+' is %2B).  *out is
 * malloc'd and NUL-terminated.  SECKIT_EFORMAT for a bad escape or an
 * escaped NUL. */
int seckit_s3_manifest_decode(const char *s, size_t len, char **out, seckit_error *err);

/* The opposite: every byte except A-Z a-z 0-9 - _ . ~ / as %XX. */
int seckit_s3_manifest_encode(const char *s, char **out, seckit_error *err);

/* ------------------------------------------------------------------ */
/* Shards                                                              */

typedef struct seckit_s3_shard {
    unsigned long index; /* 0 .. count-1 */
    unsigned long count; /* 1 .. 1000000 */
} seckit_s3_shard;

/* Parse "I/N" (decimal, 0 <= I < N <= 1000000). */
int seckit_s3_shard_parse(const char *s, seckit_s3_shard *out, seckit_error *err);

/* 1 when bucket/key belongs to the shard (FNV-1a of "bucket/key" mod N;
 * all versions of a key go to the same shard), else 0. */
int seckit_s3_shard_selects(const seckit_s3_shard *shard, const char *bucket, const char *key);

/* ------------------------------------------------------------------ */
/* Completion reports                                                  */

/* One line (ending in "\n", malloc'd in *out) of a completion report in
 * the shape of S3 Batch Operations' Report_CSV_20180820 result files:
 *   Bucket,Key,VersionId,TaskStatus,<HTTP status>,<error code>,ResultMessage
 * with the key URL-encoded as in manifests, TaskStatus "succeeded" or
 * "failed", and fields quoted (RFC 4180) when they hold a comma, a quote
 * or a line break.  Like S3's own result files, the numeric HTTP status
 * comes before the error code (empty on success). */
int seckit_s3_report_line(const char *bucket, const char *key, const char *version_id,
                          int succeeded, int http_status, const char *error_code,
                          const char *message, char **out, seckit_error *err);

#ifdef __cplusplus
}
#endif
#endif
