/* libFuzzer target: the S3 calls' response parsing on top of the XML
 * reader.  The first byte picks the shape: ListObjectsV2, ListParts, a
 * 200 answer that may hold <Error> (CopyObject/CompleteMultipartUpload),
 * a DeleteObjects result, or a metadata value (RFC 2047 decoding); the
 * ListObjectsV2 shape also goes through the ListBuckets parser.
 * Properties: no crash or leak; a parsed page respects its own limits; a
 * decoded value re-encodes and decodes to itself. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "seckit/s3.h"
#include "src/aws/s3_internal.h"
#include "src/aws/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int shape = data[0] % 5;
    data++;
    size--;
    seckit_error err;
    skt_xml_node *root = NULL;
    if (shape == 2) {
        unsigned char *copy = malloc(size + 1);
        if (copy == NULL)
            return 0;
        memcpy(copy, data, size);
        copy[size] = 0;
        seckit_aws_response resp = {0};
        resp.status = 200;
        resp.body = copy;
        resp.body_len = size;
        if (skt_s3_parse_body(&resp, "CopyObjectResult", "fuzz", &root, &err) == 0) {
            const char *etag = NULL;
            (void)skt_s3_xml_text(root, "ETag", 0, &etag, "fuzz", &err);
        }
        skt_xml_free(root);
        free(copy);
        return 0;
    }
    if (shape == 4) {
        char *value = malloc(size + 1), *dec = NULL, *enc = NULL, *again = NULL;
        if (value == NULL)
            return 0;
        memcpy(value, data, size);
        value[size] = 0;
        if (skt_s3_meta_value_decode(value, &dec, &err) == 0) {
            /* what was decoded is sent encoded and reads back the same */
            if (skt_s3_meta_value_encode(dec, &enc, &err) == 0 &&
                skt_s3_meta_value_decode(enc != NULL ? enc : dec, &again, &err) == 0 &&
                strcmp(again, dec) != 0)
                abort();
        }
        free(again);
        free(enc);
        free(dec);
        free(value);
        return 0;
    }
    if (skt_xml_parse(data, size, &root, &err) != 0)
        return 0;
    if (shape == 3) {
        seckit_s3_delete_result res;
        if (skt_s3_parse_delete(root, 1000, &res, &err) == 0) {
            if (res.error_count > 1000 || res.deleted + res.error_count != 1000)
                abort();
            for (size_t i = 0; i < res.error_count; i++)
                if (res.errors[i].key == NULL || res.errors[i].message == NULL)
                    abort();
            seckit_s3_delete_result_free(&res);
        }
        skt_xml_free(root);
        return 0;
    }
    if (shape == 0) {
        seckit_s3_list_result res;
        if (skt_s3_parse_list(root, &res, &err) == 0) {
            if (res.count + res.prefix_count > 1000 ||
                (res.is_truncated && res.next_continuation_token == NULL))
                abort();
            for (size_t i = 0; i < res.count; i++)
                if (res.entries[i].key == NULL || res.entries[i].key[0] == '\0' ||
                    res.entries[i].size < 0)
                    abort();
            seckit_s3_list_result_free(&res);
        }
        seckit_s3_bucket_list buckets;
        memset(&buckets, 0, sizeof(buckets));
        if (skt_s3_parse_buckets(root, &buckets, &err) == 0)
            for (size_t i = 0; i < buckets.count; i++)
                if (buckets.buckets[i].name == NULL || buckets.buckets[i].name[0] == '\0')
                    abort();
        seckit_s3_bucket_list_free(&buckets);
    } else {
        seckit_s3_parts_result res;
        if (skt_s3_parse_parts(root, &res, &err) == 0) {
            for (size_t i = 0; i < res.count; i++)
                if (res.parts[i].part_number < 1 || res.parts[i].part_number > SECKIT_S3_MAX_PARTS)
                    abort();
            seckit_s3_parts_result_free(&res);
        }
    }
    skt_xml_free(root);
    return 0;
}
