/* libFuzzer target: the S3 calls' response parsing on top of the XML
 * reader.  The first byte picks the shape: ListObjectsV2, ListParts, or a
 * 200 answer that may hold <Error> (CopyObject/CompleteMultipartUpload).
 * Properties: no crash or leak; a parsed page respects its own limits. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "seckit/s3.h"
#include "src/aws/s3_int.h"
#include "src/aws/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int shape = data[0] % 3;
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
    if (skt_xml_parse(data, size, &root, &err) != 0)
        return 0;
    if (shape == 0) {
        seckit_s3_list_result res;
        if (skt_s3_parse_list(root, &res, &err) == 0) {
            if (res.count + res.prefix_count > 1000 || (res.is_truncated && res.next_continuation_token == NULL))
                abort();
            for (size_t i = 0; i < res.count; i++)
                if (res.entries[i].key == NULL || res.entries[i].key[0] == '\0' || res.entries[i].size < 0)
                    abort();
            seckit_s3_list_result_free(&res);
        }
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
