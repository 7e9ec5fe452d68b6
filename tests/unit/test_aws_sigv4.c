/* SigV4: the AWS SigV4 test suite (tests/data/sigv4, from awslabs/aws-c-auth,
 * Apache-2.0) in header and query form, and the S3 API reference examples. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "seckit/aws.h"
#include "seckit/sigv4.h"
#include "src/aws/sigv4.h"
#include "tests/unit/testlib.h"

static char *slurp(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b == NULL || fread(b, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(b);
        return NULL;
    }
    b[n] = '\0';
    fclose(f);
    return b;
}

static long long parse_ts(const char *s)
{
    return skt_parse_iso8601(s);
}

static char *decode(const char *s, size_t n)
{
    skt_writer w;
    skt_writer_init(&w, 1 << 16);
    if (skt_uri_decode(&w, s, n, NULL) != 0 || skt_writer_terminate(&w, NULL) != 0) {
        skt_writer_free(&w);
        return NULL;
    }
    return (char *)skt_writer_steal(&w, NULL);
}

#define MAXH 16

typedef struct parsed_req {
    char method[16];
    char *path;
    seckit_aws_kv q[MAXH];
    size_t nq;
    seckit_aws_kv h[MAXH];
    size_t nh;
    char *body;
    size_t body_len;
} parsed_req;

static void free_req(parsed_req *r)
{
    free(r->path);
    for (size_t i = 0; i < r->nq; i++) {
        free((char *)r->q[i].name);
        free((char *)r->q[i].value);
    }
    for (size_t i = 0; i < r->nh; i++) {
        free((char *)r->h[i].name);
        free((char *)r->h[i].value);
    }
}

/* request.txt: "METHOD target HTTP/1.1", header lines "Name:value" with
 * continuation lines starting with whitespace, a blank line, the body. */
static int parse_request(char *text, parsed_req *r)
{
    memset(r, 0, sizeof *r);
    char *line_end = strchr(text, '\n');
    if (line_end == NULL)
        line_end = text + strlen(text);
    char *sp1 = strchr(text, ' ');
    char *sp2 = NULL;
    for (char *c = line_end - 1; c > text; c--)
        if (*c == ' ') {
            sp2 = c;
            break;
        }
    if (sp1 == NULL || sp2 == NULL || sp1 == sp2 || (size_t)(sp1 - text) >= sizeof r->method)
        return -1;
    memcpy(r->method, text, (size_t)(sp1 - text));
    char *target = sp1 + 1;
    size_t tlen = (size_t)(sp2 - target);
    char *qm = memchr(target, '?', tlen);
    size_t plen = qm ? (size_t)(qm - target) : tlen;
    r->path = strndup(target, plen);
    if (qm != NULL) {
        char *qs = qm + 1, *qe = target + tlen;
        while (qs < qe && r->nq < MAXH) {
            char *amp = memchr(qs, '&', (size_t)(qe - qs));
            char *end = amp ? amp : qe;
            char *eq = memchr(qs, '=', (size_t)(end - qs));
            r->q[r->nq].name = decode(qs, (size_t)((eq ? eq : end) - qs));
            r->q[r->nq].value = eq ? decode(eq + 1, (size_t)(end - eq - 1)) : strdup("");
            r->nq++;
            qs = end + 1;
        }
    }
    char *p = *line_end ? line_end + 1 : line_end;
    while (*p && *p != '\n') {
        char *e = strchr(p, '\n');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if ((*p == ' ' || *p == '\t') && r->nh > 0) {
            /* continuation: append to the previous value */
            char *prev = (char *)r->h[r->nh - 1].value;
            size_t pl = strlen(prev);
            char *nv = realloc(prev, pl + 1 + l + 1);
            nv[pl] = '\n';
            memcpy(nv + pl + 1, p, l);
            nv[pl + 1 + l] = '\0';
            r->h[r->nh - 1].value = nv;
        } else {
            char *colon = memchr(p, ':', l);
            if (colon == NULL || r->nh >= MAXH)
                return -1;
            r->h[r->nh].name = strndup(p, (size_t)(colon - p));
            r->h[r->nh].value = strndup(colon + 1, l - (size_t)(colon - p) - 1);
            r->nh++;
        }
        p = e ? e + 1 : p + l;
    }
    if (*p == '\n') {
        r->body = p + 1;
        r->body_len = strlen(p + 1);
    }
    return 0;
}

static int run_case(const char *dir, const char *name, int query_form, int *applicable, char *why,
                    size_t whylen)
{
    char cdir[1024], *ctx_text = NULL, *req_text = NULL;
    snprintf(cdir, sizeof cdir, "%s/%s", dir, name);
    ctx_text = slurp(cdir, "context.json");
    req_text = slurp(cdir, "request.txt");
    const char *pre = query_form ? "query" : "header";
    char f_creq[64], f_sts[64], f_sig[64];
    snprintf(f_creq, sizeof f_creq, "%s-canonical-request.txt", pre);
    snprintf(f_sts, sizeof f_sts, "%s-string-to-sign.txt", pre);
    snprintf(f_sig, sizeof f_sig, "%s-signature.txt", pre);
    char *creq = slurp(cdir, f_creq), *sts = slurp(cdir, f_sts), *sig = slurp(cdir, f_sig);
    int ok = 0;
    *applicable = 1;
    cJSON *ctx = ctx_text ? cJSON_Parse(ctx_text) : NULL;
    parsed_req r;
    memset(&r, 0, sizeof r);
    if (ctx == NULL || req_text == NULL || parse_request(req_text, &r) != 0) {
        snprintf(why, whylen, "cannot read the case");
        goto done;
    }
    if (creq == NULL && sig == NULL) {
        *applicable = 0;
        snprintf(why, whylen, "no %s-form expectations in the case", pre);
        goto done;
    }
    cJSON *cred = cJSON_GetObjectItem(ctx, "credentials");
    seckit_sigv4_params p = {0};
    p.access_key_id = cJSON_GetStringValue(cJSON_GetObjectItem(cred, "access_key_id"));
    p.secret_access_key = cJSON_GetStringValue(cJSON_GetObjectItem(cred, "secret_access_key"));
    p.session_token = cJSON_GetStringValue(cJSON_GetObjectItem(cred, "token"));
    p.region = cJSON_GetStringValue(cJSON_GetObjectItem(ctx, "region"));
    p.service = cJSON_GetStringValue(cJSON_GetObjectItem(ctx, "service"));
    p.timestamp = parse_ts(cJSON_GetStringValue(cJSON_GetObjectItem(ctx, "timestamp")));
    p.normalize_path = cJSON_IsTrue(cJSON_GetObjectItem(ctx, "normalize"));
    p.omit_session_token = cJSON_IsTrue(cJSON_GetObjectItem(ctx, "omit_session_token"));
    int sign_body = cJSON_IsTrue(cJSON_GetObjectItem(ctx, "sign_body"));
    cJSON *exp = cJSON_GetObjectItem(ctx, "expiration_in_seconds");
    p.expires_s = cJSON_IsNumber(exp) ? (long)exp->valuedouble : 3600;
    char hash[65];
    skt_sha256_hex(r.body ? r.body : "", r.body_len, hash, NULL);
    p.payload_hash = hash;
    p.add_content_sha256 = sign_body && !query_form;
    seckit_sigv4_result res;
    seckit_error err;
    seckit_error_clear(&err);
    if (seckit_sigv4_sign(&res, &p, query_form, r.method, r.path, r.q, r.nq, r.h, r.nh, &err) !=
        0) {
        snprintf(why, whylen, "sign failed: %s", err.message);
        goto done;
    }
    if (creq != NULL && strcmp(creq, res.canonical_request) != 0)
        snprintf(why, whylen, "canonical request differs: got [%s]", res.canonical_request);
    else if (sts != NULL && strcmp(sts, res.string_to_sign) != 0)
        snprintf(why, whylen, "string to sign differs");
    else if (sig != NULL && strncmp(sig, res.signature, 64) != 0)
        snprintf(why, whylen, "signature differs: %s", res.signature);
    else
        ok = 1;
    seckit_sigv4_result_free(&res);
done:
    free_req(&r);
    cJSON_Delete(ctx);
    free(ctx_text);
    free(req_text);
    free(creq);
    free(sts);
    free(sig);
    return ok;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_sigv4_suite(void)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/data/sigv4", tl_data_dir());
    DIR *d = opendir(dir);
    if (d == NULL) {
        SKIP("sigv4_suite", "%s not found", dir);
        return;
    }
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 256) {
        char ctx[1200];
        snprintf(ctx, sizeof ctx, "%s/%s/context.json", dir, e->d_name);
        FILE *f = fopen(ctx, "r");
        if (f == NULL)
            continue;
        fclose(f);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    int pass = 0, total = 0, skipped = 0;
    for (size_t i = 0; i < n; i++) {
        for (int qf = 0; qf <= 1; qf++) {
            char why[2048] = "", label[300];
            int applicable;
            snprintf(label, sizeof label, "sigv4_suite/%s/%s", names[i], qf ? "query" : "header");
            int ok = run_case(dir, names[i], qf, &applicable, why, sizeof why);
            if (!applicable) {
                SKIP(label, "%s", why);
                skipped++;
                continue;
            }
            total++;
            if (ok)
                pass++;
            else
                CHECK_MSG(0, "%s: %s", label, why);
        }
        free(names[i]);
    }
    printf("# sigv4 suite: %d of %d applicable cases pass (%zu cases x header/query form, "
           "%d skipped)\n",
           pass, total, n, skipped);
    CHECK(n >= 30);
    CHECK(pass == total);
}

/* The S3 API reference examples ("Signature Calculations for the
 * Authorization Header: Transferring Payload in a Single Chunk" and
 * "Authenticating Requests: Using Query Parameters"). */
static const char *S3_KEY = "AKIAIOSFODNN7EXAMPLE";
static const char *S3_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

static void s3_params(seckit_sigv4_params *p, const char *payload)
{
    memset(p, 0, sizeof *p);
    p->access_key_id = S3_KEY;
    p->secret_access_key = S3_SECRET;
    p->region = "us-east-1";
    p->service = "s3";
    p->timestamp = skt_parse_iso8601("2013-05-24T00:00:00Z");
    p->normalize_path = 0;
    p->payload_hash = payload;
    p->add_content_sha256 = 1;
}

static void test_s3_get_object_range(void)
{
    seckit_sigv4_params p;
    s3_params(&p, SKT_EMPTY_SHA256);
    seckit_aws_kv h[] = {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}};
    seckit_sigv4_result r;
    seckit_error err;
    CHECK_OK(seckit_sigv4_sign(&r, &p, 0, "GET", "/test.txt", NULL, 0, h, 2, &err), &err);
    CHECK_STR(r.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    CHECK_STR(
        r.authorization,
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    CHECK_STR(r.string_to_sign,
              "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
              "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
    seckit_sigv4_result_free(&r);
}

static void test_s3_put_object(void)
{
    const char *body = "Welcome to Amazon S3.";
    char hash[65];
    skt_sha256_hex(body, strlen(body), hash, NULL);
    CHECK_STR(hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
    seckit_sigv4_params p;
    s3_params(&p, hash);
    seckit_aws_kv h[] = {{"Host", "examplebucket.s3.amazonaws.com"},
                         {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                         {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
    seckit_sigv4_result r;
    seckit_error err;
    CHECK_OK(seckit_sigv4_sign(&r, &p, 0, "PUT", "/test$file.text", NULL, 0, h, 3, &err), &err);
    CHECK_STR(r.signed_headers, "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class");
    CHECK(strstr(r.canonical_request, "\n/test%24file.text\n") != NULL);
    CHECK_STR(r.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
    seckit_sigv4_result_free(&r);
}

static void test_s3_get_lifecycle(void)
{
    seckit_sigv4_params p;
    s3_params(&p, SKT_EMPTY_SHA256);
    seckit_aws_kv h[] = {{"Host", "examplebucket.s3.amazonaws.com"}};
    seckit_aws_kv q[] = {{"lifecycle", NULL}};
    seckit_sigv4_result r;
    seckit_error err;
    CHECK_OK(seckit_sigv4_sign(&r, &p, 0, "GET", "/", q, 1, h, 1, &err), &err);
    CHECK(strstr(r.canonical_request, "\n/\nlifecycle=\n") != NULL);
    CHECK_STR(r.signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
    seckit_sigv4_result_free(&r);
}

static void test_s3_list_objects(void)
{
    seckit_sigv4_params p;
    s3_params(&p, SKT_EMPTY_SHA256);
    seckit_aws_kv h[] = {{"Host", "examplebucket.s3.amazonaws.com"}};
    seckit_aws_kv q[] = {{"prefix", "J"}, {"max-keys", "2"}};
    seckit_sigv4_result r;
    seckit_error err;
    CHECK_OK(seckit_sigv4_sign(&r, &p, 0, "GET", "/", q, 2, h, 1, &err), &err);
    CHECK(strstr(r.canonical_request, "\n/\nmax-keys=2&prefix=J\n") != NULL);
    CHECK_STR(r.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
    seckit_sigv4_result_free(&r);
}

static void test_s3_presigned(void)
{
    seckit_sigv4_params p;
    s3_params(&p, "UNSIGNED-PAYLOAD");
    p.add_content_sha256 = 0;
    p.expires_s = 86400;
    seckit_aws_kv h[] = {{"Host", "examplebucket.s3.amazonaws.com"}};
    seckit_sigv4_result r;
    seckit_error err;
    CHECK_OK(seckit_sigv4_sign(&r, &p, 1, "GET", "/test.txt", NULL, 0, h, 1, &err), &err);
    CHECK_STR(r.signature, "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
    CHECK_STR(r.query,
              "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2F"
              "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&"
              "X-Amz-SignedHeaders=host&X-Amz-Signature="
              "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
    seckit_sigv4_result_free(&r);
}

static void test_canonical_uri(void)
{
    struct {
        const char *in;
        int norm;
        const char *out;
    } c[] = {
        {"/", 1, "/"},
        {"", 0, "/"},
        {"/a b/c+d", 0, "/a%20b/c%2Bd"},
        {"/a/./b/../c", 0, "/a/./b/../c"},
        {"/a/./b/../c", 1, "/a/c"},
        {"//x//", 0, "//x//"},
        {"//x//", 1, "/x/"},
        {"/../..", 1, "/"},
        {"/%41", 0, "/%2541"},
        {"/\xc3\xa9", 0, "/%C3%A9"},
        {"/a/..", 1, "/"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        skt_writer w;
        skt_writer_init(&w, 4096);
        CHECK(skt_sigv4_canonical_uri(&w, c[i].in, c[i].norm, NULL) == 0);
        CHECK_STR((const char *)w.data, c[i].out);
        skt_writer_free(&w);
    }
}

static void test_bad_inputs(void)
{
    seckit_sigv4_params p;
    seckit_sigv4_result r;
    seckit_error err;
    seckit_aws_kv h[] = {{"Host", "h"}};
    s3_params(&p, "nothex");
    CHECK_RC(seckit_sigv4_sign(&r, &p, 0, "GET", "/", NULL, 0, h, 1, &err), SECKIT_EINVAL);
    s3_params(&p, NULL);
    p.access_key_id = "";
    CHECK_RC(seckit_sigv4_sign(&r, &p, 0, "GET", "/", NULL, 0, h, 1, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, S3_SECRET) == NULL);
    s3_params(&p, NULL);
    p.region = "us east";
    CHECK_RC(seckit_sigv4_sign(&r, &p, 0, "GET", "/", NULL, 0, h, 1, &err), SECKIT_EINVAL);
    s3_params(&p, NULL);
    p.expires_s = 604801;
    CHECK_RC(seckit_sigv4_sign(&r, &p, 1, "GET", "/", NULL, 0, h, 1, &err), SECKIT_EINVAL);
    s3_params(&p, NULL);
    seckit_aws_kv bad[] = {{"X-Amz-Date", "x"}};
    CHECK_RC(seckit_sigv4_sign(&r, &p, 0, "GET", "/", NULL, 0, bad, 1, &err), SECKIT_EINVAL);
    seckit_aws_kv crlf[] = {{"X-Foo", "a\r\nInjected: 1"}};
    CHECK_RC(seckit_sigv4_sign(&r, &p, 0, "GET", "/", NULL, 0, crlf, 1, &err), SECKIT_EINVAL);
}

static void test_iso8601(void)
{
    CHECK(skt_parse_iso8601("2015-08-30T12:36:00Z") == 1440938160LL);
    CHECK(skt_parse_iso8601("2015-08-30T12:36:00.123Z") == 1440938160LL);
    CHECK(skt_parse_iso8601("2015-08-30T12:36:00+00:00") == 1440938160LL);
    CHECK(skt_parse_iso8601("2015-08-30T12:36:00+02:00") == -1);
    CHECK(skt_parse_iso8601("2015-13-30T12:36:00Z") == -1);
    CHECK(skt_parse_iso8601("garbage") == -1);
    char d[17];
    skt_amz_date(1440938160LL, d);
    CHECK_STR(d, "20150830T123600Z");
}

int main(void)
{
    TEST(test_sigv4_suite);
    TEST(test_s3_get_object_range);
    TEST(test_s3_put_object);
    TEST(test_s3_get_lifecycle);
    TEST(test_s3_list_objects);
    TEST(test_s3_presigned);
    TEST(test_canonical_uri);
    TEST(test_bad_inputs);
    TEST(test_iso8601);
    TEST_EXIT();
}
