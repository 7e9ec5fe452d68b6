/* Unit tests for the S3 calls' strict response parsing (no network). */
#include "config.h"

#include "seckit/s3.h"
#include "src/aws/s3_int.h"
#include "src/aws/xml.h"
#include "testlib.h"

static const char list_doc[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
    "<Name>b</Name><Prefix>p/</Prefix><KeyCount>3</KeyCount><MaxKeys>3</MaxKeys>"
    "<IsTruncated>true</IsTruncated>"
    "<NextContinuationToken>tok/+=</NextContinuationToken>"
    "<Contents><Key>p/a &amp; b \xc3\xa9.txt</Key><LastModified>2024-05-01T12:34:56.000Z"
    "</LastModified><ETag>&quot;0123&quot;</ETag><Size>42</Size>"
    "<StorageClass>STANDARD</StorageClass></Contents>"
    "<Contents><Key>p/z</Key><Size>0</Size></Contents>"
    "<CommonPrefixes><Prefix>p/dir/</Prefix></CommonPrefixes>"
    "</ListBucketResult>";

static int parse_list_text(const char *text, seckit_s3_list_result *res, seckit_error *err)
{
    skt_xml_node *root = NULL;
    int rc = skt_xml_parse(text, strlen(text), &root, err);
    if (rc == 0)
        rc = skt_s3_parse_list(root, res, err);
    skt_xml_free(root);
    return rc;
}

/* list_doc with `from` replaced by `to` (once). */
static int parse_list_edit(const char *from, const char *to, seckit_error *err)
{
    char buf[4096];
    const char *at = strstr(list_doc, from);
    if (at == NULL)
        return 99;
    snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - list_doc), list_doc, to,
             at + strlen(from));
    seckit_s3_list_result res;
    int rc = parse_list_text(buf, &res, err);
    if (rc == 0)
        seckit_s3_list_result_free(&res);
    return rc;
}

static void test_list_ok(void)
{
    seckit_s3_list_result res;
    seckit_error err;
    CHECK_RC(parse_list_text(list_doc, &res, &err), 0);
    CHECK(res.count == 2 && res.prefix_count == 1 && res.is_truncated);
    if (res.count == 2) {
        CHECK(strcmp(res.entries[0].key, "p/a & b \xc3\xa9.txt") == 0);
        CHECK(res.entries[0].size == 42);
        CHECK(strcmp(res.entries[0].etag, "\"0123\"") == 0);
        CHECK(strcmp(res.entries[0].last_modified, "2024-05-01T12:34:56.000Z") == 0);
        CHECK(strcmp(res.entries[0].storage_class, "STANDARD") == 0);
        CHECK(strcmp(res.entries[1].key, "p/z") == 0 && res.entries[1].size == 0);
        CHECK(strcmp(res.common_prefixes[0], "p/dir/") == 0);
        CHECK(strcmp(res.next_continuation_token, "tok/+=") == 0);
    }
    seckit_s3_list_result_free(&res);
    /* the last page */
    CHECK_RC(parse_list_edit("<IsTruncated>true</IsTruncated><NextContinuationToken>tok/+="
                             "</NextContinuationToken>",
                             "<IsTruncated>false</IsTruncated>", &err),
             0);
}

static void test_list_strict(void)
{
    seckit_error err;
    struct {
        const char *from, *to;
    } bad[] = {
        {"<NextContinuationToken>tok/+=</NextContinuationToken>", ""},
        {"<IsTruncated>true</IsTruncated>", "<IsTruncated>yes</IsTruncated>"},
        {"<IsTruncated>true</IsTruncated>", ""},
        {"<Size>42</Size>", "<Size>-1</Size>"},
        {"<Size>42</Size>", "<Size>4 2</Size>"},
        {"<Size>42</Size>", "<Size></Size>"},
        {"<Size>42</Size>", "<Size>99999999999999999999</Size>"},
        {"<Size>42</Size>", ""},
        {"<Size>42</Size>", "<Size>42</Size><Size>43</Size>"},
        {"<Key>p/z</Key>", ""},
        {"<Key>p/z</Key>", "<Key></Key>"},
        {"<Key>p/z</Key>", "<Key><b>x</b></Key>"},
        {"<KeyCount>3</KeyCount>", "<KeyCount>4</KeyCount>"},
        {"<Prefix>p/dir/</Prefix>", ""},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = parse_list_edit(bad[i].from, bad[i].to, &err);
        CHECK_MSG(rc == SECKIT_EFORMAT, "case %zu (%s -> %s): rc %d", i, bad[i].from, bad[i].to,
                  rc);
    }
}

/* Every truncation fails cleanly; every single-bit flip either parses or
 * fails cleanly (run under ASan/valgrind this finds overreads). */
static void test_list_truncations_and_flips(void)
{
    size_t n = strlen(list_doc);
    char *buf = malloc(n + 1);
    seckit_error err;
    for (size_t cut = 0; cut < n; cut++) {
        memcpy(buf, list_doc, cut);
        skt_xml_node *root = NULL;
        int rc = skt_xml_parse(buf, cut, &root, &err);
        seckit_s3_list_result res;
        if (rc == 0) {
            rc = skt_s3_parse_list(root, &res, &err);
            if (rc == 0)
                seckit_s3_list_result_free(&res);
        }
        skt_xml_free(root);
        CHECK_MSG(rc < 0, "truncation at %zu of %zu accepted", cut, n);
    }
    size_t step = getenv("SECKIT_TEST_QUICK") != NULL ? 7 : 1;
    for (size_t i = 0; i < n * 8; i += step) {
        memcpy(buf, list_doc, n);
        buf[i / 8] = (char)(buf[i / 8] ^ (1 << (i % 8)));
        skt_xml_node *root = NULL;
        int rc = skt_xml_parse(buf, n, &root, &err);
        seckit_s3_list_result res;
        if (rc == 0) {
            rc = skt_s3_parse_list(root, &res, &err);
            if (rc == 0)
                seckit_s3_list_result_free(&res);
        }
        skt_xml_free(root);
        CHECK(rc <= 0);
    }
    free(buf);
}

static int parse_body_text(int status, const char *text, const char *want, seckit_error *err)
{
    seckit_aws_response resp = {0};
    resp.status = status;
    resp.body = (unsigned char *)text;
    resp.body_len = text != NULL ? strlen(text) : 0;
    skt_xml_node *root = NULL;
    int rc = skt_s3_parse_body(&resp, want, "test", &root, err);
    skt_xml_free(root);
    return rc;
}

static void test_error_in_200(void)
{
    seckit_error err;
    seckit_error_clear(&err);
    CHECK_RC(parse_body_text(200,
                             "<Error><Code>InternalError</Code><Message>We encountered an "
                             "internal error.</Message><RequestId>R1</RequestId></Error>",
                             "CopyObjectResult", &err),
             SECKIT_EAWS);
    CHECK(strcmp(err.aws_code, "InternalError") == 0);
    CHECK(strcmp(err.aws_request_id, "R1") == 0);
    CHECK(err.http_status == 200);
    CHECK(strstr(err.message, "internal error") != NULL);
    CHECK_RC(parse_body_text(200, "<Error><Code>SignatureDoesNotMatch</Code></Error>", "X", &err),
             SECKIT_EAWSAUTH);
    CHECK_RC(parse_body_text(200, "<Other/>", "CopyObjectResult", &err), SECKIT_EFORMAT);
    CHECK_RC(parse_body_text(200, NULL, "CopyObjectResult", &err), SECKIT_EFORMAT);
    CHECK(seckit_error_category(parse_body_text(200, "<CopyObjectResult><ETag>x</ETag>",
                                                "CopyObjectResult", &err)) == SECKIT_CAT_FORMAT);
    CHECK(parse_body_text(200, "<!DOCTYPE x [<!ENTITY a \"b\">]><CopyObjectResult/>",
                          "CopyObjectResult", &err) < 0);
    CHECK_RC(parse_body_text(200, "<CopyObjectResult><ETag>x</ETag></CopyObjectResult>",
                             "CopyObjectResult", &err),
             0);
}

static int parse_parts_text(const char *text, seckit_s3_parts_result *res, seckit_error *err)
{
    skt_xml_node *root = NULL;
    int rc = skt_xml_parse(text, strlen(text), &root, err);
    if (rc == 0)
        rc = skt_s3_parse_parts(root, res, err);
    skt_xml_free(root);
    return rc;
}

static void test_parts(void)
{
    seckit_s3_parts_result r;
    seckit_error err;
    CHECK_RC(parse_parts_text("<ListPartsResult><IsTruncated>true</IsTruncated>"
                              "<NextPartNumberMarker>2</NextPartNumberMarker>"
                              "<Part><PartNumber>1</PartNumber><ETag>\"a\"</ETag>"
                              "<Size>5242880</Size></Part>"
                              "<Part><PartNumber>2</PartNumber><ETag>\"b\"</ETag>"
                              "<Size>1</Size></Part></ListPartsResult>",
                              &r, &err),
             0);
    CHECK(r.count == 2 && r.is_truncated && r.next_part_number_marker == 2);
    if (r.count == 2)
        CHECK(r.parts[0].part_number == 1 && r.parts[0].size == 5242880 &&
              strcmp(r.parts[1].etag, "\"b\"") == 0);
    seckit_s3_parts_result_free(&r);
    const char *bad[] = {
        "<ListPartsResult><IsTruncated>true</IsTruncated></ListPartsResult>",
        "<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>0</PartNumber>"
        "<ETag>x</ETag><Size>1</Size></Part></ListPartsResult>",
        "<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>10001</PartNumber>"
        "<ETag>x</ETag><Size>1</Size></Part></ListPartsResult>",
        "<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber>"
        "<Size>1</Size></Part></ListPartsResult>",
        "<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber>"
        "<ETag>x</ETag><Size>6000000000</Size></Part></ListPartsResult>",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK_MSG(parse_parts_text(bad[i], &r, &err) == SECKIT_EFORMAT, "bad case %zu", i);
}

static void test_complete_body(void)
{
    seckit_s3_part parts[2] = {{1, "\"a<&>\"", 0}, {3, "\"b\"", 0}};
    char *xml = NULL;
    size_t len = 0;
    seckit_error err;
    CHECK_RC(skt_s3_complete_body(parts, 2, &xml, &len, &err), 0);
    CHECK(xml != NULL && strcmp(xml, "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
                                     "<ETag>&quot;a&lt;&amp;&gt;&quot;</ETag></Part><Part>"
                                     "<PartNumber>3</PartNumber><ETag>&quot;b&quot;</ETag>"
                                     "</Part></CompleteMultipartUpload>") == 0);
    free(xml);
    seckit_s3_part down[2] = {{2, "x", 0}, {1, "y", 0}};
    CHECK_RC(skt_s3_complete_body(down, 2, &xml, &len, &err), SECKIT_EINVAL);
    seckit_s3_part zero[1] = {{0, "x", 0}};
    CHECK_RC(skt_s3_complete_body(zero, 1, &xml, &len, &err), SECKIT_EINVAL);
}

static void test_range(void)
{
    seckit_error err;
    const char *good[] = {"bytes=0-0", "bytes=10-19", "bytes=5-", "bytes=-16"};
    const char *bad[] = {"bytes=", "bytes=-", "bytes=5-2", "bytes=-0", "bytes=1-2,4-5",
                         "bits=1-2", "bytes=a-b", "bytes= 1-2", "bytes=1--2", "bytes=1-2x"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        CHECK_MSG(skt_s3_check_range(good[i], &err) == 0, "%s refused", good[i]);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK_MSG(skt_s3_check_range(bad[i], &err) == SECKIT_EINVAL, "%s accepted", bad[i]);
}

static int info_from(int status, const seckit_aws_kv *h, size_t n, seckit_s3_object_info *info,
                     seckit_error *err)
{
    seckit_aws_response resp = {0};
    resp.status = status;
    resp.headers = (seckit_aws_kv *)h;
    resp.header_count = n;
    return skt_s3_object_info_from(&resp, info, err);
}

static void test_object_info(void)
{
    seckit_s3_object_info info;
    seckit_error err;
    seckit_aws_kv h[] = {{"content-length", "10"},
                         {"content-range", "bytes 10-19/1024"},
                         {"etag", "\"e\""},
                         {"content-type", "text/plain"},
                         {"x-amz-meta-colour", "blue"},
                         {"X-Amz-Meta-Owner", "ops"}};
    CHECK_RC(info_from(206, h, 6, &info, &err), 0);
    CHECK(info.content_length == 10 && info.object_size == 1024 && info.range_first == 10 &&
          info.range_last == 19);
    CHECK(info.metadata_count == 2);
    CHECK(seckit_s3_object_info_meta(&info, "colour") != NULL &&
          strcmp(seckit_s3_object_info_meta(&info, "OWNER"), "ops") == 0);
    CHECK(strcmp(info.metadata[1].name, "owner") == 0);
    seckit_s3_object_info_free(&info);
    CHECK_RC(info_from(200, h, 1, &info, &err), 0);
    CHECK(info.object_size == 10 && info.range_last == 9);
    seckit_s3_object_info_free(&info);

    const char *bad_ranges[] = {"bytes 10-18/1024", "bytes 10-19/19", "bytes 19-10/1024",
                                "bytes 10-19", "bytes */1024", "10-19/1024"};
    for (size_t i = 0; i < sizeof(bad_ranges) / sizeof(bad_ranges[0]); i++) {
        seckit_aws_kv hb[] = {{"content-length", "10"}, {"content-range", bad_ranges[i]}};
        CHECK_MSG(info_from(206, hb, 2, &info, &err) == SECKIT_EFORMAT, "%s accepted",
                  bad_ranges[i]);
    }
    seckit_aws_kv nolen[] = {{"etag", "x"}};
    CHECK_RC(info_from(200, nolen, 1, &info, &err), SECKIT_EFORMAT);
    seckit_aws_kv badlen[] = {{"content-length", "-5"}};
    CHECK_RC(info_from(200, badlen, 1, &info, &err), SECKIT_EFORMAT);
}

int main(void)
{
    TEST(test_list_ok);
    TEST(test_list_strict);
    TEST(test_list_truncations_and_flips);
    TEST(test_error_in_200);
    TEST(test_parts);
    TEST(test_complete_body);
    TEST(test_range);
    TEST(test_object_info);
    TEST_EXIT();
}
