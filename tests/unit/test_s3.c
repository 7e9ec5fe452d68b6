/* Unit tests for the S3 calls' strict response parsing (no network). */
#include "config.h"

#include <stdlib.h>

#include "seckit/s3.h"
#include "src/aws/client.h"
#include "src/aws/s3_internal.h"
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
    snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - list_doc), list_doc, to, at + strlen(from));
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
    const char *bad[] = {"bytes=",   "bytes=-",   "bytes=5-2",  "bytes=-0",   "bytes=1-2,4-5",
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
                                "bytes 10-19",      "bytes */1024",   "10-19/1024"};
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

static void test_bucket_names(void)
{
    seckit_error err;
    const char *good[] = {"abc",
                          "my-bucket",
                          "my.bucket.name",
                          "a1b",
                          "1ab",
                          "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0",
                          "xn-ok",
                          "1.2.3",
                          "1.2.3.4.5",
                          "999.1.1.1a",
                          "s3x-bucket"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        CHECK_MSG(seckit_s3_check_bucket_name(good[i], &err) == 0, "%s refused: %s", good[i],
                  err.message);
    struct {
        const char *name, *rule;
    } bad[] = {
        {"", "no bucket"},
        {"ab", "3 to 63"},
        {"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01", "3 to 63"},
        {"My-Bucket", "lower-case"},
        {"my_bucket", "lower-case"},
        {"my bucket", "lower-case"},
        {"my/bucket", "lower-case"},
        {"-bucket", "start and end"},
        {"bucket-", "start and end"},
        {".bucket", "start and end"},
        {"bucket.", "start and end"},
        {"my..bucket", "adjacent periods"},
        {"192.168.5.4", "IP address"},
        {"xn--bucket", "prefix"},
        {"sthree-bucket", "prefix"},
        {"amzn-s3-demo-bucket", "prefix"},
        {"bucket-s3alias", "suffix"},
        {"bucket--ol-s3", "suffix"},
        {"bucket.mrap", "suffix"},
        {"bucket--x-s3", "suffix"},
        {"bucket--table-s3", "suffix"},
        {"b\xc3\xa9ucket", "lower-case"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = seckit_s3_check_bucket_name(bad[i].name, &err);
        CHECK_MSG(rc == SECKIT_EINVAL && strstr(err.message, bad[i].rule) != NULL, "'%s': %d %s",
                  bad[i].name, rc, err.message);
    }
    CHECK_RC(seckit_s3_check_bucket_name(NULL, &err), SECKIT_EINVAL);
}

static void check_decode(const char *in, const char *want)
{
    char *out = NULL;
    seckit_error err;
    CHECK_RC(skt_s3_meta_value_decode(in, &out, &err), 0);
    CHECK_MSG(out != NULL && strcmp(out, want) == 0, "'%s' decoded to '%s', not '%s'", in,
              out ? out : "(null)", want);
    free(out);
}

static void test_rfc2047(void)
{
    seckit_error err;
    char *enc = NULL, *dec = NULL;
    /* plain ASCII is sent as is */
    CHECK_RC(skt_s3_meta_value_encode("plain value 1+2=3", &enc, &err), 0);
    CHECK(enc == NULL);
    CHECK_RC(skt_s3_meta_value_encode("", &enc, &err), 0);
    CHECK(enc == NULL);
    /* UTF-8 and "=?" are encoded; decoding gives the value back */
    const char *values[] = {"naïve café", "☃ 日本語 \xf0\x9f\x94\x91", "a =?b?= c", "=?", "é"};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        CHECK_RC(skt_s3_meta_value_encode(values[i], &enc, &err), 0);
        CHECK(enc != NULL && strncmp(enc, "=?UTF-8?B?", 10) == 0 &&
              strcmp(enc + strlen(enc) - 2, "?=") == 0);
        CHECK_RC(skt_s3_meta_value_decode(enc != NULL ? enc : "", &dec, &err), 0);
        CHECK_MSG(dec != NULL && strcmp(dec, values[i]) == 0, "'%s' came back as '%s'", values[i],
                  dec ? dec : "(null)");
        free(enc);
        free(dec);
    }
    CHECK_STR(values[0], "naïve café");
    /* what S3 and mail software send */
    check_decode("=?UTF-8?B?bmHDr3ZlIGNhZsOp?=", "naïve café");
    check_decode("=?utf-8?q?na=C3=AFve_caf=C3=A9?=", "naïve café");
    check_decode("=?ISO-8859-1?Q?caf=E9?=", "café");
    check_decode("=?UTF-8?B?YQ==?= =?UTF-8?B?Yg==?=", "ab");
    check_decode("=?US-ASCII?Q?a_b?=", "a b");
    /* anything else is left as it is */
    check_decode("plain", "plain");
    check_decode("=?UTF-8?B?YQ==?=x", "=?UTF-8?B?YQ==?=x");
    check_decode("x =?UTF-8?B?YQ==?=", "x =?UTF-8?B?YQ==?=");
    check_decode("=?KOI8-R?B?YQ==?=", "=?KOI8-R?B?YQ==?=");
    check_decode("=?UTF-8?B?not base64!?=", "=?UTF-8?B?not base64!?=");
    check_decode("=?UTF-8?B?gA==?=", "=?UTF-8?B?gA==?="); /* not UTF-8 */
    check_decode("=?UTF-8?B?AA==?=", "=?UTF-8?B?AA==?="); /* a NUL */
    check_decode("=?UTF-8?Q?=4?=", "=?UTF-8?Q?=4?=");
    check_decode("=?UTF-8?X?abc?=", "=?UTF-8?X?abc?=");
    check_decode("=?UTF-8?B?", "=?UTF-8?B?");
    check_decode("=?abc", "=?abc");
    check_decode("=?", "=?");
    check_decode("=?a?", "=?a?");
    check_decode("", "");
    /* refused: control characters, invalid UTF-8 (overlong, surrogate, cut) */
    const char *bad[] = {"a\nb",         "a\rb",     "\t",   "x\x7f",           "\xc0\xaf",
                         "\xed\xa0\x80", "\xe2\x98", "\xff", "\xf4\x90\x80\x80"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK_MSG(skt_s3_meta_value_encode(bad[i], &enc, &err) == SECKIT_EINVAL, "bad %zu", i);
}

static void test_delete_body_and_result(void)
{
    seckit_error err;
    seckit_s3_object_id ids[3] = {{"a <&> b", NULL}, {"tab\there\r\n", "v1"}, {"é", NULL}};
    char *xml = NULL;
    size_t len = 0;
    CHECK_RC(skt_s3_delete_body(ids, 3, &xml, &len, &err), 0);
    CHECK_STR(xml, "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
                   "<Object><Key>a &lt;&amp;&gt; b</Key></Object>"
                   "<Object><Key>tab&#9;here&#13;&#10;</Key><VersionId>v1</VersionId></Object>"
                   "<Object><Key>é</Key></Object></Delete>");
    CHECK(len == strlen(xml));
    free(xml);
    seckit_s3_object_id bad[1] = {{"\001", NULL}};
    CHECK_RC(skt_s3_delete_body(bad, 1, &xml, &len, &err), SECKIT_EINVAL);
    bad[0].key = "";
    CHECK_RC(skt_s3_delete_body(bad, 1, &xml, &len, &err), SECKIT_EINVAL);

    const char *doc = "<DeleteResult><Deleted><Key>a</Key></Deleted>"
                      "<Error><Key>b &amp; c</Key><VersionId>v9</VersionId><Code>AccessDenied"
                      "</Code><Message>Access Denied</Message></Error>"
                      "<Error><Key>d</Key><Code>InternalError</Code></Error></DeleteResult>";
    skt_xml_node *root = NULL;
    seckit_s3_delete_result r;
    CHECK_RC(skt_xml_parse(doc, strlen(doc), &root, &err), 0);
    CHECK_RC(skt_s3_parse_delete(root, 3, &r, &err), 0);
    CHECK(r.deleted == 1 && r.error_count == 2);
    if (r.error_count == 2) {
        CHECK_STR(r.errors[0].key, "b & c");
        CHECK_STR(r.errors[0].version_id, "v9");
        CHECK_STR(r.errors[0].code, "AccessDenied");
        CHECK_STR(r.errors[0].message, "Access Denied");
        CHECK(r.errors[1].version_id == NULL && strcmp(r.errors[1].message, "") == 0);
    }
    seckit_s3_delete_result_free(&r);
    /* more errors than keys asked for, an error without a code: malformed */
    CHECK_RC(skt_s3_parse_delete(root, 1, &r, &err), SECKIT_EFORMAT);
    skt_xml_free(root);
    const char *nocode = "<DeleteResult><Error><Key>d</Key></Error></DeleteResult>";
    CHECK_RC(skt_xml_parse(nocode, strlen(nocode), &root, &err), 0);
    CHECK_RC(skt_s3_parse_delete(root, 3, &r, &err), SECKIT_EFORMAT);
    skt_xml_free(root);
}

static void test_object_info_extras(void)
{
    seckit_s3_object_info info;
    seckit_error err;
    seckit_aws_kv h[] = {{"content-length", "1"},
                         {"cache-control", "no-cache"},
                         {"content-disposition", "inline"},
                         {"content-encoding", "gzip"},
                         {"content-language", "fr"},
                         {"expires", "Thu, 01 Dec 2044 16:00:00 GMT"},
                         {"x-amz-storage-class", "GLACIER"},
                         {"x-amz-tagging-count", "3"},
                         {"x-amz-missing-meta", "2"},
                         {"x-amz-meta-name", "=?UTF-8?B?bmHDr3ZlIGNhZsOp?="}};
    CHECK_RC(info_from(200, h, 10, &info, &err), 0);
    CHECK_STR(info.cache_control, "no-cache");
    CHECK_STR(info.content_disposition, "inline");
    CHECK_STR(info.content_encoding, "gzip");
    CHECK_STR(info.content_language, "fr");
    CHECK_STR(info.expires, "Thu, 01 Dec 2044 16:00:00 GMT");
    CHECK_STR(info.storage_class, "GLACIER");
    CHECK(info.tag_count == 3 && info.missing_meta == 2);
    CHECK_STR(seckit_s3_object_info_meta(&info, "name"), "naïve café");
    seckit_s3_object_info_free(&info);
    seckit_aws_kv bad[] = {{"content-length", "1"}, {"x-amz-missing-meta", "two"}};
    CHECK_RC(info_from(200, bad, 2, &info, &err), SECKIT_EFORMAT);
    bad[1].name = "x-amz-tagging-count";
    bad[1].value = "-1";
    CHECK_RC(info_from(200, bad, 2, &info, &err), SECKIT_EFORMAT);
}

/* ---- ListBuckets answers ------------------------------------------------ */

static int parse_buckets_text(const char *text, seckit_s3_bucket_list *out, seckit_error *err)
{
    skt_xml_node *root = NULL;
    memset(out, 0, sizeof(*out));
    int rc = skt_xml_parse(text, strlen(text), &root, err);
    if (rc == 0)
        rc = skt_s3_parse_buckets(root, out, err);
    skt_xml_free(root);
    if (rc != 0)
        seckit_s3_bucket_list_free(out);
    return rc;
}

static void test_list_buckets_parse(void)
{
    seckit_s3_bucket_list l;
    seckit_error err;
    CHECK_OK(parse_buckets_text(
                 "<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                 "<Owner><ID>o</ID></Owner><Buckets>"
                 "<Bucket><Name>alpha</Name><CreationDate>2024-05-01T12:34:56.000Z"
                 "</CreationDate></Bucket>"
                 "<Bucket><Name>beta.two</Name><CreationDate>2025-01-02T03:04:05.000Z"
                 "</CreationDate><BucketRegion>eu-west-1</BucketRegion></Bucket>"
                 "</Buckets><ContinuationToken>next/+=</ContinuationToken>"
                 "</ListAllMyBucketsResult>",
                 &l, &err),
             &err);
    CHECK(l.count == 2);
    CHECK_STR(l.buckets[0].name, "alpha");
    CHECK_STR(l.buckets[0].creation_date, "2024-05-01T12:34:56.000Z");
    CHECK_STR(l.buckets[1].name, "beta.two");
    CHECK(l.continuation_token != NULL && strcmp(l.continuation_token, "next/+=") == 0);
    seckit_s3_bucket_list_free(&l);
    /* no buckets, no token (Swift's and S3's unpaginated answer) */
    CHECK_OK(parse_buckets_text("<ListAllMyBucketsResult><Owner/><Buckets/>"
                                "</ListAllMyBucketsResult>",
                                &l, &err),
             &err);
    CHECK(l.count == 0 && l.continuation_token == NULL);
    seckit_s3_bucket_list_free(&l);
    /* near misses: strictly refused */
    static const char *const bad[] = {
        "<ListAllMyBucketsResult><Buckets><Bucket><CreationDate>x</CreationDate></Bucket>"
        "</Buckets></ListAllMyBucketsResult>",
        "<ListAllMyBucketsResult><Buckets><Bucket><Name></Name></Bucket></Buckets>"
        "</ListAllMyBucketsResult>",
        "<ListAllMyBucketsResult><Buckets><Bucket><Name>a</Name><Name>b</Name></Bucket>"
        "</Buckets></ListAllMyBucketsResult>",
        "<ListAllMyBucketsResult><Buckets/><Buckets/></ListAllMyBucketsResult>",
        "<ListAllMyBucketsResult><Buckets><Bucket><Name><x/></Name></Bucket></Buckets>"
        "</ListAllMyBucketsResult>",
        "<ListAllMyBucketsResult><Buckets/><ContinuationToken>a</ContinuationToken>"
        "<ContinuationToken>b</ContinuationToken></ListAllMyBucketsResult>",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_RC(parse_buckets_text(bad[i], &l, &err), SECKIT_EFORMAT);
        CHECK(l.buckets == NULL && l.count == 0);
    }
}

/* ---- write options ------------------------------------------------------ */

static void test_write_options(void)
{
    seckit_error err;
    seckit_s3_write_options o = {.version = SECKIT_S3_WRITE_OPTIONS_VERSION,
                                 .storage_class = "STANDARD_IA",
                                 .sse = "aws:kms",
                                 .sse_kms_key_id = "alias/data",
                                 .acl = "bucket-owner-full-control"};
    CHECK_OK(seckit_s3_check_write_options(&o, &err), &err);
    CHECK_OK(seckit_s3_check_write_options(NULL, &err), &err);
    seckit_aws_kv h[8];
    size_t nh = 1;
    CHECK_OK(skt_s3_add_write_headers(h, &nh, &o, &err), &err);
    CHECK(nh == 5);
    CHECK_STR(h[1].name, "x-amz-storage-class");
    CHECK_STR(h[1].value, "STANDARD_IA");
    CHECK_STR(h[2].name, "x-amz-server-side-encryption");
    CHECK_STR(h[3].name, "x-amz-server-side-encryption-aws-kms-key-id");
    CHECK_STR(h[3].value, "alias/data");
    CHECK_STR(h[4].name, "x-amz-acl");
    seckit_s3_write_options none = SECKIT_S3_WRITE_OPTIONS_INIT;
    nh = 0;
    CHECK_OK(skt_s3_add_write_headers(h, &nh, &none, &err), &err);
    CHECK(nh == 0);
    seckit_s3_write_options aes = {.version = SECKIT_S3_WRITE_OPTIONS_VERSION, .sse = "AES256"};
    CHECK_OK(seckit_s3_check_write_options(&aes, &err), &err);
    /* near misses: case, spelling, a KMS key without KMS */
    seckit_s3_write_options bad[] = {
        {.version = SECKIT_S3_WRITE_OPTIONS_VERSION, .storage_class = "standard"},
        {.version = SECKIT_S3_WRITE_OPTIONS_VERSION, .storage_class = "GLACIER_DEEP"},
        {.version = SECKIT_S3_WRITE_OPTIONS_VERSION, .sse = "aes256"},
        {.version = SECKIT_S3_WRITE_OPTIONS_VERSION, .sse = "aws:kms:"},
        {.version = SECKIT_S3_WRITE_OPTIONS_VERSION, .acl = "public"},
        {.version = SECKIT_S3_WRITE_OPTIONS_VERSION, .acl = "Private"},
        {.version = SECKIT_S3_WRITE_OPTIONS_VERSION, .sse_kms_key_id = "alias/x"},
        {.version = SECKIT_S3_WRITE_OPTIONS_VERSION, .sse = "AES256", .sse_kms_key_id = "alias/x"},
        {.version = SECKIT_S3_WRITE_OPTIONS_VERSION, .sse = "aws:kms", .sse_kms_key_id = ""},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        nh = 0;
        CHECK_RC(seckit_s3_check_write_options(&bad[i], &err), SECKIT_EINVAL);
        CHECK_RC(skt_s3_add_write_headers(h, &nh, &bad[i], &err), SECKIT_EINVAL);
        CHECK(nh == 0);
    }
    CHECK_RC(seckit_s3_check_write_options(&bad[0], &err), SECKIT_EINVAL);
    CHECK(strstr(err.message, "'standard' is not a storage class") != NULL &&
          strstr(err.message, "INTELLIGENT_TIERING") != NULL);
}

/* ---- presigned URLs ------------------------------------------------------- */

static long long fixed_now(void *ctx)
{
    (void)ctx;
    return 1369353600; /* 2013-05-24T00:00:00Z, the AWS SigV4 documentation's example */
}

static void test_presign(void)
{
    seckit_aws_credentials c;
    memset(&c, 0, sizeof(c));
    snprintf(c.access_key_id, sizeof c.access_key_id, "AKIAIOSFODNN7EXAMPLE");
    snprintf(c.secret_access_key, sizeof c.secret_access_key,
             "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_S3");
    seckit_aws_options o = {.version = SECKIT_AWS_OPTIONS_VERSION,
                            .region = "us-east-1",
                            .credentials = &c,
                            .endpoint_url = "https://s3.amazonaws.com",
                            .s3_addressing = SECKIT_AWS_S3_VIRTUAL};
    seckit_aws *aws = NULL;
    seckit_error err;
    char *url = NULL;
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    skt_aws_hooks hk = {.now = fixed_now};
    skt_aws_set_hooks(aws, &hk);
    /* The AWS documentation's presigned GetObject example, to the byte. */
    CHECK_OK(seckit_s3_presign(aws, &url, "GET", "examplebucket", "test.txt", NULL, 86400, &err),
             &err);
    CHECK_STR(url, "https://examplebucket.s3.amazonaws.com/test.txt"
                   "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                   "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2F"
                   "aws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400"
                   "&X-Amz-SignedHeaders=host&X-Amz-Signature="
                   "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
    free(url);
    url = NULL;
    /* PUT signs another canonical request: same parameters, other signature */
    CHECK_OK(seckit_s3_presign(aws, &url, "PUT", "examplebucket", "test.txt", NULL, 86400, &err),
             &err);
    CHECK(url != NULL && strstr(url, "&X-Amz-SignedHeaders=host&X-Amz-Signature=") != NULL);
    CHECK(url != NULL && strstr(url, "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c26595") == NULL);
    free(url);
    url = NULL;
    /* a version: signed as a query parameter */
    CHECK_OK(seckit_s3_presign(aws, &url, "GET", "examplebucket", "a b/c", "v1+x", 60, &err), &err);
    CHECK(url != NULL && strncmp(url, "https://examplebucket.s3.amazonaws.com/a%20b/c?", 47) == 0);
    CHECK(url != NULL && strstr(url, "&versionId=v1%2Bx") != NULL);
    free(url);
    url = NULL;
    /* near misses: nothing made */
    CHECK_RC(seckit_s3_presign(aws, &url, "GET", "examplebucket", "k", NULL, 0, &err),
             SECKIT_EINVAL);
    CHECK_RC(seckit_s3_presign(aws, &url, "GET", "examplebucket", "k", NULL, 604801, &err),
             SECKIT_EINVAL);
    CHECK(strstr(err.message, "604800") != NULL);
    CHECK_OK(seckit_s3_presign(aws, &url, "GET", "examplebucket", "k", NULL, 604800, &err), &err);
    free(url);
    url = NULL;
    CHECK_RC(seckit_s3_presign(aws, &url, "DELETE", "examplebucket", "k", NULL, 60, &err),
             SECKIT_EINVAL);
    CHECK_RC(seckit_s3_presign(aws, &url, "get", "examplebucket", "k", NULL, 60, &err),
             SECKIT_EINVAL);
    CHECK_RC(seckit_s3_presign(aws, &url, "GET", "Example", "k", NULL, 60, &err), SECKIT_EINVAL);
    CHECK_RC(seckit_s3_presign(aws, &url, "GET", "examplebucket", "", NULL, 60, &err),
             SECKIT_EINVAL);
    CHECK_RC(seckit_s3_presign(aws, &url, "PUT", "examplebucket", "k", "v1", 60, &err),
             SECKIT_EINVAL);
    CHECK(url == NULL);
    seckit_aws_free(aws);
    /* Session credentials: X-Amz-Security-Token is signed into the URL. */
    snprintf(c.session_token, sizeof c.session_token, "IQoJb3JpZ2luX2VjE/token+=");
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    skt_aws_set_hooks(aws, &hk);
    CHECK_OK(seckit_s3_presign(aws, &url, "GET", "examplebucket", "test.txt", NULL, 86400, &err),
             &err);
    CHECK(url != NULL &&
          strstr(url, "&X-Amz-Expires=86400&X-Amz-Security-Token=IQoJb3JpZ2luX2VjE%2Ftoken%2B%3D"
                      "&X-Amz-SignedHeaders=host&X-Amz-Signature=") != NULL);
    CHECK(url != NULL && strstr(url, "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c26595") == NULL);
    CHECK(url != NULL && strstr(url, "wJalrXUtnFEMI") == NULL);
    free(url);
    seckit_aws_free(aws);
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
    TEST(test_bucket_names);
    TEST(test_rfc2047);
    TEST(test_delete_body_and_result);
    TEST(test_object_info_extras);
    TEST(test_list_buckets_parse);
    TEST(test_write_options);
    TEST(test_presign);
    TEST_EXIT();
}
