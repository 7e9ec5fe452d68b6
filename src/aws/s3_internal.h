/* Internal: the S3 calls' response parsers and helpers, reachable by the
 * unit tests.  Not installed. */
#ifndef SECKIT_AWS_S3_INT_H
#define SECKIT_AWS_S3_INT_H

#include <stddef.h>

#include "seckit/aws.h"
#include "seckit/s3.h"
#include "src/aws/xml.h"

/* Strict element access: exactly one child `name` holding only text
 * (optional: absent gives *out = NULL / 0), whole non-negative numbers up
 * to max, "true"/"false". */
size_t skt_s3_xml_count(const skt_xml_node *n, const char *name);
int skt_s3_xml_text(const skt_xml_node *n, const char *name, int optional, const char **out,
                    const char *what, seckit_error *err);
int skt_s3_xml_number(const skt_xml_node *n, const char *name, int optional, long long max,
                      long long *out, const char *what, seckit_error *err);
int skt_s3_xml_bool(const skt_xml_node *n, const char *name, int optional, int *out,
                    const char *what, seckit_error *err);

/* "bytes=A-B", "bytes=A-" or "bytes=-N"; SECKIT_EINVAL otherwise. */
int skt_s3_check_range(const char *range, seckit_error *err);

/* Object info from HEAD/GET response headers (status 200 or 206). */
int skt_s3_object_info_from(const seckit_aws_response *resp, seckit_s3_object_info *info,
                            seckit_error *err);

/* The <Error> document's Code/Message/RequestId into err; SECKIT_EAWS. */
int skt_s3_error_document(const skt_xml_node *root, int status, seckit_error *err);

/* Parse a 2xx body whose root must be `want` (an <Error> root becomes the
 * error it reports). */
int skt_s3_parse_body(const seckit_aws_response *resp, const char *want, const char *what,
                      skt_xml_node **root, seckit_error *err);

int skt_s3_parse_list(const skt_xml_node *root, seckit_s3_list_result *out, seckit_error *err);
int skt_s3_parse_parts(const skt_xml_node *root, seckit_s3_parts_result *out, seckit_error *err);
/* The CompleteMultipartUpload request body (malloc'd, NUL-terminated). */
int skt_s3_complete_body(const seckit_s3_part *parts, size_t count, char **out, size_t *out_len,
                         seckit_error *err);

/* RFC 2047 metadata values: *out is a malloc'd =?UTF-8?B?...?= word for a
 * value with non-ASCII characters or "=?", NULL for a value sent as is;
 * SECKIT_EINVAL for invalid UTF-8 or a control character. */
int skt_s3_meta_value_encode(const char *value, char **out, seckit_error *err);
/* A value made only of encoded words (UTF-8, US-ASCII or ISO-8859-1; B or Q)
 * decoded to UTF-8; anything else copied as is.  *out is malloc'd. */
int skt_s3_meta_value_decode(const char *value, char **out, seckit_error *err);

/* The DeleteObjects request body and response (per-key errors). */
int skt_s3_delete_body(const seckit_s3_object_id *ids, size_t count, char **out, size_t *out_len,
                       seckit_error *err);
int skt_s3_parse_delete(const skt_xml_node *root, size_t requested, seckit_s3_delete_result *out,
                        seckit_error *err);

/* CompleteMultipartUpload with an optional If-None-Match; version_id (may
 * be NULL, 1025 bytes) receives x-amz-version-id. */
int skt_s3_complete_multipart_cond(seckit_aws *aws, const char *bucket, const char *key,
                                   const char *upload_id, const seckit_s3_part *parts, size_t count,
                                   const char *if_none_match, char etag[130], char *version_id,
                                   seckit_error *err);

/* Send the S3 operation op ("ListBuckets": the name errors show) for
 * bucket/key (key NULL: the bucket; bucket NULL too: the service). */
int skt_s3_send(seckit_aws *aws, const char *op, seckit_aws_request *r, const char *bucket,
                const char *key, seckit_aws_response *resp, seckit_error *err);

/* A ListAllMyBucketsResult into out (cleared by the caller; partly filled
 * on an error: free it). */
int skt_s3_parse_buckets(const skt_xml_node *root, seckit_s3_bucket_list *out, seckit_error *err);

/* The x-amz-storage-class, x-amz-server-side-encryption(-aws-kms-key-id)
 * and x-amz-acl headers of opts (checked first) appended at h[*nh]; at
 * most 4 are added. */
int skt_s3_add_write_headers(seckit_aws_kv *h, size_t *nh, const seckit_s3_write_options *opts,
                             seckit_error *err);

#endif
