/* S3 calls beside the object transfers (see seckit/s3.h): the write
 * options (storage class, server-side encryption, canned ACL) every write
 * sends, ListBuckets, and presigned GetObject/PutObject URLs. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seckit/s3.h"
#include "src/aws/client.h"
#include "src/aws/s3_internal.h"
#include "src/aws/xml.h"
#include "src/base/guard.h"
#include "src/base/options.h"

/* ---- write options ----------------------------------------------------- */

static const char *const storage_classes[] = {
    "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA",     "INTELLIGENT_TIERING",
    "GLACIER",  "DEEP_ARCHIVE",       "GLACIER_IR",  "EXPRESS_ONEZONE"};
static const char *const sse_values[] = {"AES256", "aws:kms", "aws:kms:dsse"};
static const char *const acls[] = {
    "private",       "public-read",       "public-read-write",         "authenticated-read",
    "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control", "log-delivery-write"};

/* 0 when v is one of the n names; else SECKIT_EINVAL listing them. */
static int one_of(const char *what, const char *v, const char *const *names, size_t n,
                  seckit_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v, names[i]) == 0)
            return 0;
    char list[400] = "";
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(list);
        snprintf(list + l, sizeof(list) - l, "%s%s", i > 0 ? ", " : "", names[i]);
    }
    return seckit_error_set(err, SECKIT_EINVAL, "S3: '%.64s' is not %s (one of %s)", v, what, list);
}

int seckit_s3_check_write_options(const seckit_s3_write_options *o, seckit_error *err)
{
    if (o == NULL)
        return 0;
    /* The member of a request its caller zeroed (seckit_s3_put = {0}): nothing set. */
    if (o->version == 0 && o->storage_class == NULL && o->sse == NULL &&
        o->sse_kms_key_id == NULL && o->acl == NULL)
        return 0;
    SKT_GUARD(
        skt_options_check(o, SECKIT_S3_WRITE_OPTIONS_VERSION, "seckit_s3_write_options", err));
    if (o->storage_class != NULL)
        SKT_GUARD(one_of("a storage class", o->storage_class, storage_classes,
                         SKT_ARRAY_LEN(storage_classes), err));
    if (o->sse != NULL)
        SKT_GUARD(
            one_of("a server-side encryption", o->sse, sse_values, SKT_ARRAY_LEN(sse_values), err));
    if (o->acl != NULL)
        SKT_GUARD(one_of("a canned ACL", o->acl, acls, SKT_ARRAY_LEN(acls), err));
    if (o->sse_kms_key_id != NULL) {
        SKT_ENSURE(o->sse != NULL && strncmp(o->sse, "aws:kms", 7) == 0, err, SECKIT_EINVAL,
                   "S3: a KMS key id for server-side encryption needs aws:kms or aws:kms:dsse");
        SKT_ENSURE(o->sse_kms_key_id[0] != '\0' && strlen(o->sse_kms_key_id) <= 2048, err,
                   SECKIT_EINVAL, "S3: an empty or overlong KMS key id");
    }
    return 0;
}

int skt_s3_add_write_headers(seckit_aws_kv *h, size_t *nh, const seckit_s3_write_options *o,
                             seckit_error *err)
{
    if (o == NULL)
        return 0;
    SKT_GUARD(seckit_s3_check_write_options(o, err));
    const seckit_aws_kv add[] = {
        {"x-amz-storage-class", o->storage_class},
        {"x-amz-server-side-encryption", o->sse},
        {"x-amz-server-side-encryption-aws-kms-key-id", o->sse_kms_key_id},
        {"x-amz-acl", o->acl},
    };
    for (size_t i = 0; i < SKT_ARRAY_LEN(add); i++)
        if (add[i].value != NULL)
            h[(*nh)++] = add[i];
    return 0;
}

/* ---- ListBuckets ----------------------------------------------------------- */

void seckit_s3_bucket_list_free(seckit_s3_bucket_list *list)
{
    if (list == NULL)
        return;
    for (size_t i = 0; i < list->count; i++)
        free(list->buckets[i].name);
    free(list->buckets);
    free(list->continuation_token);
    memset(list, 0, sizeof(*list));
}

int skt_s3_parse_buckets(const skt_xml_node *root, seckit_s3_bucket_list *out, seckit_error *err)
{
    const char *what = "S3 ListBuckets response";
    SKT_ENSURE(skt_s3_xml_count(root, "Buckets") <= 1, err, SECKIT_EFORMAT,
               "%s: more than one <Buckets>", what);
    const skt_xml_node *bs = skt_xml_child(root, "Buckets");
    size_t n = 0;
    for (const skt_xml_node *b = bs != NULL ? bs->child : NULL; b != NULL; b = b->next)
        n += strcmp(skt_xml_local(b), "Bucket") == 0;
    SKT_ENSURE(n <= 1000000, err, SECKIT_ELIMIT, "%s: too many buckets", what);
    if (n > 0) {
        out->buckets = calloc(n, sizeof(*out->buckets));
        SKT_ENSURE(out->buckets != NULL, err, SECKIT_ENOMEM, "S3: out of memory");
    }
    for (const skt_xml_node *b = bs != NULL ? bs->child : NULL; b != NULL; b = b->next) {
        if (strcmp(skt_xml_local(b), "Bucket") != 0)
            continue;
        const char *name = NULL, *created = NULL;
        SKT_GUARD(skt_s3_xml_text(b, "Name", 0, &name, what, err));
        SKT_GUARD(skt_s3_xml_text(b, "CreationDate", 1, &created, what, err));
        SKT_ENSURE(name[0] != '\0', err, SECKIT_EFORMAT, "%s: a bucket without a name", what);
        SKT_ENSURE(created == NULL || strlen(created) < sizeof(out->buckets[0].creation_date), err,
                   SECKIT_EFORMAT, "%s: bad <CreationDate>", what);
        seckit_s3_bucket *e = &out->buckets[out->count];
        e->name = strdup(name);
        SKT_ENSURE(e->name != NULL, err, SECKIT_ENOMEM, "S3: out of memory");
        snprintf(e->creation_date, sizeof(e->creation_date), "%s", created != NULL ? created : "");
        out->count++;
    }
    const char *token = NULL;
    SKT_GUARD(skt_s3_xml_text(root, "ContinuationToken", 1, &token, what, err));
    if (token != NULL && token[0] != '\0') {
        SKT_ENSURE(strlen(token) <= 4096, err, SECKIT_EFORMAT, "%s: overlong <ContinuationToken>",
                   what);
        out->continuation_token = strdup(token);
        SKT_ENSURE(out->continuation_token != NULL, err, SECKIT_ENOMEM, "S3: out of memory");
    }
    return 0;
}

int seckit_s3_list_buckets(seckit_aws *aws, seckit_s3_bucket_list *out,
                           const char *continuation_token, int max_buckets, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && out != NULL, err);
    memset(out, 0, sizeof(*out));
    SKT_ENSURE(max_buckets >= 0 && max_buckets <= 10000, err, SECKIT_EINVAL,
               "S3: ListBuckets max-buckets must be 1..10000, not %d", max_buckets);
    SKT_ENSURE(continuation_token == NULL || continuation_token[0] != '\0', err, SECKIT_EINVAL,
               "S3: an empty continuation token");
    char mb[16];
    snprintf(mb, sizeof(mb), "%d", max_buckets);
    seckit_aws_kv q[2];
    size_t nq = 0;
    if (continuation_token != NULL)
        q[nq++] = (seckit_aws_kv){"continuation-token", continuation_token};
    if (max_buckets > 0)
        q[nq++] = (seckit_aws_kv){"max-buckets", mb};
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    skt_xml_node *root = NULL;
    r.method = "GET";
    r.query = nq > 0 ? q : NULL;
    r.query_count = nq;
    int rc = skt_s3_send(aws, "ListBuckets", &r, NULL, NULL, &resp, err);
    if (rc == 0)
        rc = skt_s3_parse_body(&resp, "ListAllMyBucketsResult", "S3 ListBuckets response", &root,
                               err);
    if (rc == 0)
        rc = skt_s3_parse_buckets(root, out, err);
    if (rc == 0 && out->continuation_token != NULL && continuation_token != NULL &&
        strcmp(out->continuation_token, continuation_token) == 0)
        rc = seckit_error_set(err, SECKIT_EFORMAT,
                              "S3 ListBuckets response: the same continuation token again");
    if (rc != 0)
        seckit_s3_bucket_list_free(out);
    skt_xml_free(root);
    seckit_aws_response_free(&resp);
    return rc;
}

/* ---- presigned URLs ------------------------------------------------------ */

int seckit_s3_presign(seckit_aws *aws, char **url, const char *method, const char *bucket,
                      const char *key, const char *version_id, long expires_s, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && method != NULL && url != NULL, err);
    *url = NULL;
    int put = strcmp(method, "PUT") == 0;
    SKT_ENSURE(put || strcmp(method, "GET") == 0, err, SECKIT_EINVAL,
               "S3: presigned URLs are for GET (GetObject) or PUT (PutObject), not '%.16s'",
               method);
    SKT_GUARD(seckit_s3_check_bucket_name(bucket, err));
    SKT_ENSURE(key != NULL && key[0] != '\0', err, SECKIT_EINVAL, "S3: no object key given");
    SKT_ENSURE(strlen(key) <= SECKIT_S3_KEY_MAX, err, SECKIT_EINVAL,
               "S3: object key longer than %d bytes", SECKIT_S3_KEY_MAX);
    SKT_ENSURE(version_id == NULL || (!put && version_id[0] != '\0'), err, SECKIT_EINVAL,
               "S3: a version id is for presigned GETs and must not be empty");
    SKT_ENSURE(expires_s >= 1 && expires_s <= 604800, err, SECKIT_EINVAL,
               "S3: a presigned URL expires after 1..604800 seconds (7 days), not %ld", expires_s);
    char *path = malloc(strlen(key) + 2);
    SKT_ENSURE(path != NULL, err, SECKIT_ENOMEM, "S3: out of memory");
    path[0] = '/';
    strcpy(path + 1, key);
    seckit_aws_kv q = {"versionId", version_id};
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    r.service = "s3";
    r.operation = put ? "PutObject" : "GetObject";
    r.method = method;
    r.bucket = bucket;
    r.path = path;
    r.query = version_id != NULL ? &q : NULL;
    r.query_count = version_id != NULL ? 1 : 0;
    r.protocol = SECKIT_AWS_PROTO_REST_XML;
    int rc = seckit_aws_presign(aws, url, &r, expires_s, err);
    free(path);
    return rc;
}

int seckit_s3_write_options_init(seckit_s3_write_options *opts, unsigned int version,
                                 seckit_error *err)
{
    static const seckit_s3_write_options init = SECKIT_S3_WRITE_OPTIONS_INIT;
    SKT_GUARD(skt_options_init_check(opts, version, SECKIT_S3_WRITE_OPTIONS_VERSION,
                                     "seckit_s3_write_options", err));
    *opts = init;
    return 0;
}
