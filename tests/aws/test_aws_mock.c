/* libseckit's AWS layer against the loopback mock AWS server
 * (tests/aws/mock_aws): signing checked by the server, STS, KMS, SSM, S3
 * streaming, retries of throttling / 5xx / dropped connections, malformed
 * responses, secrets kept out of messages, assume-role profiles,
 * credential_process, container credentials and IMDSv2. */
#include "config.h"

#include <fcntl.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/base/secmem.h"
#include "seckit/aws.h"
#include "seckit/s3.h"
#include "seckit/version.h"
#include "seckit/sts.h"
#include "seckit/kms.h"
#include "seckit/ssm.h"
#include "seckit/iam.h"
#include "seckit/cloudfront.h"
#include "seckit/secret.h"
#include "src/aws/client.h"
#include "src/aws/sigv4.h"
#include "tests/aws/mockctl.h"
#include "tests/unit/testlib.h"

#define MOCK_KEY "AKIDMOCKEXAMPLE"
#define MOCK_SECRET "mockSecret/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define ROLE_TOKEN "FwoGZXIvYXdzEMockSessionToken//+=="

static mockctl M;
static char tmpdir[256];

static struct {
    int sleeps;
    long slept[16];
} hk;

static void fake_sleep(void *ctx, long ms)
{
    (void)ctx;
    if (hk.sleeps < 16)
        hk.slept[hk.sleeps] = ms;
    hk.sleeps++;
}

static double fake_rand(void *ctx)
{
    (void)ctx;
    return 0.5;
}

static void clean_env(void)
{
    awsenv_clear();
    awsenv_config_files(tmpdir);
}

static void write_file(const char *name, const char *text)
{
    awsenv_write(tmpdir, name, text);
}

static void env_creds(void)
{
    setenv("AWS_ACCESS_KEY_ID", MOCK_KEY, 1);
    setenv("AWS_SECRET_ACCESS_KEY", MOCK_SECRET, 1);
}

static seckit_aws *client(const char *profile, long timeout_ms, int attempts)
{
    seckit_aws_options o = SECKIT_AWS_OPTIONS_INIT;
    o.endpoint_url = M.url;
    o.region = "us-east-1";
    o.profile = profile;
    o.timeout_ms = timeout_ms;
    o.max_attempts = attempts;
    seckit_aws *aws = mock_client(&o);
    if (aws == NULL)
        return NULL;
    skt_aws_hooks h = {fake_sleep, fake_rand, NULL, NULL};
    skt_aws_set_hooks(aws, &h);
    memset(&hk, 0, sizeof hk);
    return aws;
}

static void test_whoami_env(void)
{
    clean_env();
    env_creds();
    seckit_aws *aws = client(NULL, 0, 0);
    CHECK(aws != NULL);
    seckit_aws_identity id;
    seckit_error err;
    CHECK_OK(seckit_sts_get_caller_identity(aws, &id, &err), &err);
    CHECK_STR(id.account, "123456789012");
    CHECK_STR(id.arn, "arn:aws:iam::123456789012:user/mock-user");
    CHECK_STR(id.user_id, "AIDAMOCKUSERID");
    seckit_aws_credentials c;
    CHECK_OK(seckit_aws_get_credentials(aws, &c, &err), &err);
    CHECK_STR(c.source, "environment");
    seckit_aws_free(aws);
}

static void test_connection_reuse(void)
{
    clean_env();
    env_creds();
    seckit_aws *aws = client(NULL, 0, 0);
    int before = mock_stat(&M, "connections");
    seckit_aws_identity id;
    seckit_error err;
    for (int i = 0; i < 5; i++)
        CHECK_OK(seckit_sts_get_caller_identity(aws, &id, &err), &err);
    int after = mock_stat(&M, "connections");
    /* mock_stat itself opens one connection per call */
    printf("# 5 calls used %d connection(s)\n", after - before - 1);
    CHECK(after - before - 1 == 1);
    seckit_aws_free(aws);
}

/* Two clients in one seckit_aws_pool: the second reuses the connection the
 * first finished with; without the pool each opens its own. */
static void test_connection_pool(void)
{
    clean_env();
    env_creds();
    seckit_aws_pool *pool = NULL;
    seckit_error err;
    CHECK_OK(seckit_aws_pool_new(&pool, &err), &err);
    seckit_aws *a = client(NULL, 0, 0), *b = client(NULL, 0, 0);
    CHECK(a != NULL && b != NULL && pool != NULL);
    seckit_aws_set_pool(a, pool);
    seckit_aws_set_pool(b, pool);
    seckit_aws_identity id;
    int before = mock_stat(&M, "connections");
    CHECK_OK(seckit_sts_get_caller_identity(a, &id, &err), &err);
    CHECK_OK(seckit_sts_get_caller_identity(b, &id, &err), &err);
    CHECK_OK(seckit_sts_get_caller_identity(a, &id, &err), &err);
    int pooled = mock_stat(&M, "connections") - before - 1;
    printf("# two pooled clients, 3 calls: %d connection(s)\n", pooled);
    CHECK(pooled == 1);
    seckit_aws_free(a);
    seckit_aws_free(b);
    seckit_aws_pool_free(pool);
    /* near miss: the same without a pool */
    a = client(NULL, 0, 0);
    b = client(NULL, 0, 0);
    before = mock_stat(&M, "connections");
    CHECK_OK(seckit_sts_get_caller_identity(a, &id, &err), &err);
    CHECK_OK(seckit_sts_get_caller_identity(b, &id, &err), &err);
    int own = mock_stat(&M, "connections") - before - 1;
    printf("# two clients without a pool: %d connection(s)\n", own);
    CHECK(own == 2);
    seckit_aws_free(a);
    seckit_aws_free(b);
    seckit_aws_pool_free(NULL);
}

static void test_bad_secret(void)
{
    clean_env();
    setenv("AWS_ACCESS_KEY_ID", MOCK_KEY, 1);
    setenv("AWS_SECRET_ACCESS_KEY", "wrongSecretValue/abcdefghijklmnopqrstuv", 1);
    seckit_aws *aws = client(NULL, 0, 0);
    seckit_aws_identity id;
    seckit_error err;
    CHECK_RC(seckit_sts_get_caller_identity(aws, &id, &err), SECKIT_EAWSAUTH);
    CHECK_STR(err.aws_code, "SignatureDoesNotMatch");
    CHECK(err.http_status == 403);
    CHECK(strncmp(err.aws_request_id, "mock-q-", 7) == 0);
    CHECK(strstr(err.message, "wrongSecretValue") == NULL);
    CHECK(strstr(err.message, "sts GetCallerIdentity") != NULL);
    CHECK(hk.sleeps == 0); /* auth failures are not retried */
    seckit_aws_free(aws);
    /* An unknown key: InvalidClientTokenId; for KMS UnrecognizedClientException. */
    setenv("AWS_ACCESS_KEY_ID", "AKIDUNKNOWN", 1);
    aws = client(NULL, 0, 0);
    CHECK_RC(seckit_sts_get_caller_identity(aws, &id, &err), SECKIT_EAWSAUTH);
    CHECK_STR(err.aws_code, "InvalidClientTokenId");
    seckit_kms_result r;
    CHECK_RC(seckit_kms_generate_data_key(aws, &r, "k1", 32, NULL, &err), SECKIT_EAWSAUTH);
    CHECK_STR(err.aws_code, "UnrecognizedClientException");
    seckit_aws_free(aws);
}

static void test_secret_never_in_messages(void)
{
    clean_env();
    env_creds();
    seckit_aws *aws = client(NULL, 0, 1);
    seckit_aws_identity id;
    seckit_error err;
    mock_mode(&M, "echo-secret", 1);
    CHECK_RC(seckit_sts_get_caller_identity(aws, &id, &err), SECKIT_EAWS);
    CHECK_STR(err.aws_code, "AccessDenied");
    CHECK(strstr(err.message, MOCK_SECRET) == NULL);
    CHECK(strstr(err.message, "****") != NULL);
    mock_mode(&M, "echo-secret", 1);
    seckit_kms_result r;
    CHECK_RC(seckit_kms_generate_data_key(aws, &r, "k1", 32, NULL, &err), SECKIT_EAWS);
    CHECK(strstr(err.message, MOCK_SECRET) == NULL);
    seckit_aws_free(aws);
    /* A session token is scrubbed too. */
    clean_env();
    seckit_aws_credentials c;
    memset(&c, 0, sizeof c);
    snprintf(c.access_key_id, sizeof c.access_key_id, "AKIDUNKNOWN");
    snprintf(c.secret_access_key, sizeof c.secret_access_key, "%s", MOCK_SECRET);
    snprintf(c.session_token, sizeof c.session_token, "%s", ROLE_TOKEN);
    seckit_aws_options o = {.version = SECKIT_AWS_OPTIONS_VERSION,
                            .endpoint_url = M.url,
                            .region = "us-east-1",
                            .credentials = &c,
                            .max_attempts = 1};
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    mock_mode(&M, "echo-secret", 1);
    CHECK_RC(seckit_sts_get_caller_identity(aws, &id, &err), SECKIT_EAWS);
    CHECK(strstr(err.message, ROLE_TOKEN) == NULL);
    CHECK(strstr(err.message, MOCK_SECRET) == NULL);
    seckit_aws_free(aws);
}

static void test_throttle_retried(void)
{
    clean_env();
    env_creds();
    seckit_aws *aws = client(NULL, 0, 0);
    seckit_error err;
    mock_mode(&M, "throttle", 2);
    static const char body[] = "Action=GetCallerIdentity&Version=2011-06-15";
    seckit_aws_request req = SECKIT_AWS_REQUEST_INIT;
    req.service = "sts";
    req.method = "POST";
    req.body = body;
    req.body_len = strlen(body);
    seckit_aws_response resp;
    CHECK_OK(seckit_aws_send(aws, &resp, &req, &err), &err);
    CHECK(resp.status == 200);
    CHECK(resp.attempts == 3);
    CHECK(hk.sleeps == 2);
    CHECK(hk.slept[0] == 500 && hk.slept[1] == 1000); /* rand 0.5 x 1 s, x 2 s */
    /* two retries took 10 tokens, the success gave 5 back */
    CHECK(skt_aws_retry_tokens(aws) == 495);
    printf("# throttled twice: %d attempts, backoff %ld ms then %ld ms, quota %d\n", resp.attempts,
           hk.slept[0], hk.slept[1], skt_aws_retry_tokens(aws));
    seckit_aws_response_free(&resp);

    /* Throttled beyond max attempts: the service's error after 3 attempts. */
    mock_mode(&M, "throttle", 5);
    hk.sleeps = 0;
    CHECK_RC(seckit_aws_send(aws, &resp, &req, &err), SECKIT_EAWS);
    CHECK_STR(err.aws_code, "Throttling");
    CHECK(resp.attempts == 3);
    CHECK(strstr(err.message, "after 3 attempts") != NULL);
    seckit_aws_response_free(&resp);
    mock_mode(&M, "", 0);

    /* KMS (JSON): ThrottlingException, then 500s. */
    mock_mode(&M, "throttle", 1);
    seckit_kms_result r;
    CHECK_OK(seckit_kms_generate_data_key(aws, &r, "k1", 32, NULL, &err), &err);
    seckit_kms_result_free(&r);
    mock_mode(&M, "500", 2);
    CHECK_OK(seckit_kms_generate_data_key(aws, &r, "k1", 32, NULL, &err), &err);
    seckit_kms_result_free(&r);
    seckit_aws_free(aws);
}

static void test_quota_exhaustion(void)
{
    clean_env();
    env_creds();
    seckit_aws *aws = client(NULL, 0, 3);
    seckit_aws_identity id;
    seckit_error err;
    /* Each failed call spends 2 retries x 5 tokens; 500 tokens last 50 calls. */
    int calls = 0;
    while (skt_aws_retry_tokens(aws) >= 5 && calls < 60) {
        mock_mode(&M, "500", 3);
        CHECK(seckit_sts_get_caller_identity(aws, &id, &err) < 0);
        calls++;
    }
    CHECK(calls == 50);
    mock_mode(&M, "500", 1);
    hk.sleeps = 0;
    CHECK_RC(seckit_sts_get_caller_identity(aws, &id, &err), SECKIT_EAWS);
    CHECK(hk.sleeps == 0); /* no tokens left: not retried */
    mock_mode(&M, "", 0);
    seckit_aws_free(aws);
}

static void test_dropped_connection(void)
{
    clean_env();
    env_creds();
    seckit_aws *aws = client(NULL, 0, 0);
    seckit_aws_identity id;
    seckit_error err;
    mock_mode(&M, "close", 1);
    CHECK_OK(seckit_sts_get_caller_identity(aws, &id, &err), &err);
    CHECK(hk.sleeps == 1);
    /* (libcurl itself re-sends once when a reused connection turns out closed) */
    mock_mode(&M, "close", 20);
    CHECK_RC(seckit_sts_get_caller_identity(aws, &id, &err), SECKIT_ENETWORK);
    CHECK_MSG(strstr(err.message, "after 3 attempts") != NULL, "message: %s", err.message);
    mock_mode(&M, "", 0);
    seckit_aws_free(aws);
}

static void test_timeout(void)
{
    clean_env();
    env_creds();
    seckit_aws *aws = client(NULL, 700, 1);
    seckit_aws_identity id;
    seckit_error err;
    mock_mode(&M, "slow", 1);
    CHECK_RC(seckit_sts_get_caller_identity(aws, &id, &err), SECKIT_ETIMEOUT);
    CHECK(strstr(err.message, "timed out") != NULL);
    mock_mode(&M, "", 0);
    seckit_aws_free(aws);
}

static void test_malformed(void)
{
    clean_env();
    env_creds();
    seckit_aws *aws = client(NULL, 0, 0);
    seckit_aws_identity id;
    seckit_error err;
    mock_mode(&M, "malformed", 1);
    CHECK_RC(seckit_sts_get_caller_identity(aws, &id, &err), SECKIT_ETRUNCATED);
    CHECK(strstr(err.message, "sts: GetCallerIdentity: XML") != NULL);
    mock_mode(&M, "malformed-error", 1);
    CHECK_RC(seckit_sts_get_caller_identity(aws, &id, &err), SECKIT_EAWS);
    CHECK_STR(err.aws_code, "BadRequest");
    CHECK(strstr(err.message, "not a valid XML error") != NULL);
    mock_mode(&M, "malformed", 1);
    seckit_kms_result r;
    CHECK_RC(seckit_kms_generate_data_key(aws, &r, "k1", 32, NULL, &err), SECKIT_EFORMAT);
    CHECK(strstr(err.message, "kms GenerateDataKey: response is not a JSON object") != NULL);
    mock_mode(&M, "", 0);
    seckit_aws_free(aws);
}

static void test_kms(void)
{
    clean_env();
    env_creds();
    seckit_aws *aws = client(NULL, 0, 0);
    seckit_error err;
    seckit_aws_kv pairs[] = {{"purpose", "test"}, {"bucket", "b1"}};
    seckit_kms_context ctx = {pairs, 2};
    seckit_kms_result dk, pt, ct;
    CHECK_OK(seckit_kms_generate_data_key(aws, &dk, "key-1", 32, &ctx, &err), &err);
    CHECK(dk.plaintext_len == 32 && dk.ciphertext_len > 0);
    CHECK_STR(dk.key_id, "arn:aws:kms:us-east-1:123456789012:key/key-1");
    CHECK_OK(seckit_kms_decrypt(aws, &pt, NULL, dk.ciphertext, dk.ciphertext_len, &ctx, &err),
             &err);
    CHECK(pt.plaintext_len == 32 && memcmp(pt.plaintext, dk.plaintext, 32) == 0);
    seckit_kms_result_free(&pt);
    /* Wrong context: InvalidCiphertextException. */
    seckit_kms_context other = {pairs, 1};
    CHECK_RC(seckit_kms_decrypt(aws, &pt, NULL, dk.ciphertext, dk.ciphertext_len, &other, &err),
             SECKIT_EAWS);
    CHECK_STR(err.aws_code, "InvalidCiphertextException");
    CHECK(err.http_status == 400);
    seckit_kms_result_free(&dk);
    /* Encrypt / Decrypt. */
    const uint8_t msg[] = "attack at dawn";
    CHECK_OK(seckit_kms_encrypt(aws, &ct, "key-2", msg, sizeof msg, NULL, &err), &err);
    CHECK_OK(seckit_kms_decrypt(aws, &pt, "key-2", ct.ciphertext, ct.ciphertext_len, NULL, &err),
             &err);
    CHECK(pt.plaintext_len == sizeof msg && memcmp(pt.plaintext, msg, sizeof msg) == 0);
    seckit_kms_result_free(&pt);
    seckit_kms_result_free(&ct);
    CHECK_RC(seckit_kms_generate_data_key(aws, &dk, "missing-key", 32, NULL, &err), SECKIT_EAWS);
    CHECK_STR(err.aws_code, "NotFoundException");
    CHECK(strncmp(err.aws_request_id, "mock-req-", 9) == 0);
    seckit_aws_free(aws);
}

static void test_ssm(void)
{
    clean_env();
    env_creds();
    seckit_aws *aws = client(NULL, 0, 0);
    seckit_error err;
    char *v = NULL, type[32];
    size_t vl;
    CHECK_OK(seckit_ssm_get_parameter(aws, &v, &vl, type, "/seckit/test/pem", 1, &err), &err);
    CHECK(v != NULL && strncmp(v, "-----BEGIN PRIVATE KEY-----\n", 28) == 0);
    CHECK_STR(type, "SecureString");
    seckit_secret_free(v);
    CHECK_RC(seckit_ssm_get_parameter(aws, &v, &vl, type, "/nope", 1, &err), SECKIT_EAWS);
    CHECK_STR(err.aws_code, "ParameterNotFound");
    CHECK(v == NULL);
    seckit_aws_free(aws);
}

static void test_s3_streams(void)
{
    clean_env();
    env_creds();
    seckit_aws *aws = client(NULL, 0, 0);
    seckit_error err;
    char src[512], dst[512];
    snprintf(src, sizeof src, "%s/src.bin", tmpdir);
    snprintf(dst, sizeof dst, "%s/dst.bin", tmpdir);
    FILE *f = fopen(src, "wb");
    for (int i = 0; i < 300000; i++)
        fputc((i * 31) & 0xff, f);
    fclose(f);
    int in = open(src, O_RDONLY);
    seckit_aws_request req = SECKIT_AWS_REQUEST_INIT;
    req.service = "s3";
    req.method = "PUT";
    req.bucket = "my-bucket";
    req.path = "/dir/a key+with spaces.bin";
    req.body_fd = in;
    req.body_len = 300000;
    seckit_aws_response resp;
    mock_mode(&M, "500", 1); /* the body is re-sent on the retry */
    CHECK_OK(seckit_aws_send(aws, &resp, &req, &err), &err);
    CHECK(resp.attempts == 2);
    CHECK_STR(seckit_aws_response_header(&resp, "ETag"), "\"mock-etag\"");
    seckit_aws_response_free(&resp);
    close(in);
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    req.method = "GET";
    req.body_fd = -1;
    req.body_len = 0;
    req.response_fd = out;
    CHECK_OK(seckit_aws_send(aws, &resp, &req, &err), &err);
    CHECK(resp.body_written == 300000);
    CHECK(resp.body == NULL);
    seckit_aws_response_free(&resp);
    close(out);
    struct stat a, b;
    stat(src, &a);
    stat(dst, &b);
    CHECK(a.st_size == b.st_size);
    /* HEAD of a missing key: NotFound, no body. */
    req.method = "HEAD";
    req.response_fd = -1;
    req.path = "/missing";
    CHECK_RC(seckit_aws_send(aws, &resp, &req, &err), SECKIT_EAWS);
    CHECK_STR(err.aws_code, "NotFound");
    CHECK(resp.status == 404);
    seckit_aws_response_free(&resp);
    req.method = "GET";
    CHECK_RC(seckit_aws_send(aws, &resp, &req, &err), SECKIT_EAWS);
    CHECK_STR(err.aws_code, "NoSuchKey");
    seckit_aws_response_free(&resp);
    /* A body from a pipe cannot be rewound: a 500 is not retried.  (Over
     * plain http the caller must give the payload hash of a pipe.) */
    int pf[2];
    CHECK(pipe(pf) == 0);
    static const char pbody[] = "streamed through a pipe";
    CHECK(write(pf[1], pbody, sizeof pbody - 1) == (ssize_t)(sizeof pbody - 1));
    close(pf[1]);
    seckit_aws_request preq = SECKIT_AWS_REQUEST_INIT;
    preq.service = "s3";
    preq.method = "PUT";
    preq.bucket = "my-bucket";
    preq.path = "/piped";
    preq.body_fd = pf[0];
    preq.body_len = sizeof pbody - 1;
    CHECK_RC(seckit_aws_send(aws, &resp, &preq, &err), SECKIT_EINVAL); /* no hash given */
    char ph[65];
    CHECK(skt_sha256_hex(pbody, sizeof pbody - 1, ph, NULL) == 0);
    preq.payload_hash = ph;
    mock_mode(&M, "500", 1);
    hk.sleeps = 0;
    CHECK_RC(seckit_aws_send(aws, &resp, &preq, &err), SECKIT_EAWS);
    CHECK(resp.attempts == 1 && hk.sleeps == 0);
    seckit_aws_response_free(&resp);
    close(pf[0]);
    CHECK(pipe(pf) == 0);
    CHECK(write(pf[1], pbody, sizeof pbody - 1) == (ssize_t)(sizeof pbody - 1));
    close(pf[1]);
    preq.body_fd = pf[0];
    CHECK_OK(seckit_aws_send(aws, &resp, &preq, &err), &err);
    seckit_aws_response_free(&resp);
    close(pf[0]);
    /* Presigned URL: path-style on a custom endpoint, query signature. */
    char *url = NULL;
    req.path = "/dir/x y";
    CHECK_OK(seckit_aws_presign(aws, &url, &req, 900, &err), &err);
    CHECK(url != NULL && strncmp(url, M.url, strlen(M.url)) == 0);
    CHECK(url != NULL &&
          strstr(url, "/my-bucket/dir/x%20y?X-Amz-Algorithm=AWS4-HMAC-SHA256") != NULL);
    CHECK(url != NULL && strstr(url, "X-Amz-Expires=900") && strstr(url, "&X-Amz-Signature="));
    CHECK(url != NULL && strstr(url, MOCK_SECRET) == NULL);
    free(url);
    seckit_aws_free(aws);
}

static void test_assume_role_profile(void)
{
    clean_env();
    write_file("credentials", "[base]\naws_access_key_id = " MOCK_KEY
                              "\naws_secret_access_key = " MOCK_SECRET "\n");
    write_file("config", "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/MockRole\n"
                         "source_profile = base\nrole_session_name = seckit-test\n"
                         "region = us-east-1\n"
                         "[profile denied]\nrole_arn = arn:aws:iam::123456789012:role/Denied\n"
                         "source_profile = base\n");
    seckit_aws *aws = client("dev", 0, 0);
    CHECK(aws != NULL);
    seckit_aws_identity id;
    seckit_error err;
    int before = mock_stat(&M, "assume_role");
    CHECK_OK(seckit_sts_get_caller_identity(aws, &id, &err), &err);
    CHECK_STR(id.arn, "arn:aws:sts::123456789012:assumed-role/MockRole/seckit-test");
    CHECK_OK(seckit_sts_get_caller_identity(aws, &id, &err), &err);
    CHECK(mock_stat(&M, "assume_role") - before == 1); /* cached until expiry */
    seckit_aws_credentials c;
    CHECK_OK(seckit_aws_get_credentials(aws, &c, &err), &err);
    CHECK_STR(c.source, "assume-role");
    CHECK(c.expiration > 0);
    seckit_aws_free(aws);
    aws = client("denied", 0, 0);
    CHECK_RC(seckit_sts_get_caller_identity(aws, &id, &err), SECKIT_EAWS);
    CHECK_STR(err.aws_code, "AccessDenied");
    CHECK(strstr(err.message, "assume role") != NULL);
    seckit_aws_free(aws);
    /* --profile wins over environment keys. */
    env_creds();
    setenv("AWS_ACCESS_KEY_ID", "AKIDUNKNOWN", 1);
    aws = client("dev", 0, 0);
    CHECK_OK(seckit_sts_get_caller_identity(aws, &id, &err), &err);
    seckit_aws_free(aws);
}

static void test_credential_process(void)
{
    clean_env();
    write_file("config",
               "[profile proc]\ncredential_process = printf '{\"Version\": 1, "
               "\"AccessKeyId\": \"" MOCK_KEY "\", \"SecretAccessKey\": \"" MOCK_SECRET "\"}'\n"
               "[profile bad]\ncredential_process = sh -c 'exit 3'\n"
               "[profile v2]\ncredential_process = printf '{\"Version\": 2}'\n");
    seckit_aws *aws = client("proc", 0, 0);
    seckit_aws_identity id;
    seckit_error err;
    CHECK_OK(seckit_sts_get_caller_identity(aws, &id, &err), &err);
    seckit_aws_credentials c;
    CHECK_OK(seckit_aws_get_credentials(aws, &c, &err), &err);
    CHECK_STR(c.source, "credential-process");
    seckit_aws_free(aws);
    aws = client("bad", 0, 0);
    CHECK_RC(seckit_sts_get_caller_identity(aws, &id, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "exit status 3") != NULL);
    seckit_aws_free(aws);
    aws = client("v2", 0, 0);
    CHECK_RC(seckit_sts_get_caller_identity(aws, &id, &err), SECKIT_EUNSUPPORTED);
    seckit_aws_free(aws);
}

static void test_container(void)
{
    clean_env();
    char url[256];
    snprintf(url, sizeof url, "%s/container-creds", M.url);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "mock-container-token", 1);
    seckit_aws *aws = client(NULL, 0, 0);
    seckit_aws_identity id;
    seckit_error err;
    CHECK_OK(seckit_sts_get_caller_identity(aws, &id, &err), &err);
    seckit_aws_credentials c;
    CHECK_OK(seckit_aws_get_credentials(aws, &c, &err), &err);
    CHECK_STR(c.source, "container");
    CHECK_STR(c.access_key_id, "ASIAMOCKCONTAINER");
    CHECK(c.expiration > 0);
    seckit_aws_free(aws);
    /* The token from a file. */
    unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    write_file("token", "mock-container-token\n");
    char tf[512];
    snprintf(tf, sizeof tf, "%s/token", tmpdir);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tf, 1);
    aws = client(NULL, 0, 0);
    CHECK_OK(seckit_sts_get_caller_identity(aws, &id, &err), &err);
    seckit_aws_free(aws);
    /* A wrong token: HTTP 401, no credentials. */
    write_file("token", "wrong");
    aws = client(NULL, 0, 0);
    CHECK(seckit_sts_get_caller_identity(aws, &id, &err) != 0);
    CHECK(strstr(err.message, "container credentials") != NULL);
    seckit_aws_free(aws);
    /* Plain http to a non-loopback host is refused. */
    unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds", 1);
    aws = client(NULL, 0, 0);
    CHECK_RC(seckit_sts_get_caller_identity(aws, &id, &err), SECKIT_EINVAL);
    seckit_aws_free(aws);
}

static void test_imds(void)
{
    clean_env();
    unsetenv("AWS_EC2_METADATA_DISABLED");
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", M.url, 1);
    int before = mock_stat(&M, "imds_tokens");
    seckit_aws *aws = client(NULL, 0, 0);
    seckit_aws_identity id;
    seckit_error err;
    CHECK_OK(seckit_sts_get_caller_identity(aws, &id, &err), &err);
    seckit_aws_credentials c;
    CHECK_OK(seckit_aws_get_credentials(aws, &c, &err), &err);
    CHECK_STR(c.source, "instance-metadata");
    CHECK_STR(c.access_key_id, "ASIAMOCKIMDS");
    CHECK(mock_stat(&M, "imds_tokens") - before == 1); /* IMDSv2 token fetched */
    seckit_aws_free(aws);
    /* Disabled: no credentials at all. */
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    aws = client(NULL, 0, 0);
    CHECK_RC(seckit_sts_get_caller_identity(aws, &id, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "no AWS credentials found") != NULL);
    seckit_aws_free(aws);
}

static void test_iam(void)
{
    clean_env();
    env_creds();
    seckit_aws *aws = client(NULL, 0, 0);
    seckit_error err;
    seckit_iam_role role;
    CHECK_OK(seckit_iam_get_role(aws, &role, "MockRole", &err), &err);
    CHECK_STR(role.arn, "arn:aws:iam::123456789012:role/app/MockRole");
    CHECK_STR(role.path, "/app/");
    CHECK(role.max_session_duration == 3600);
    CHECK_STR(role.description, "A role & its trust");
    CHECK(role.assume_role_policy != NULL &&
          strstr(role.assume_role_policy, "\"Service\":\"ec2.amazonaws.com\"") != NULL);
    seckit_iam_role_free(&role);
    CHECK_RC(seckit_iam_get_role(aws, &role, "Nope", &err), SECKIT_EAWS);
    CHECK_STR(err.aws_code, "NoSuchEntity");
    CHECK(err.http_status == 404);
    CHECK(strstr(err.message, "iam GetRole") != NULL);
    seckit_iam_list l;
    CHECK_OK(seckit_iam_list_role_policies(aws, &l, "MockRole", &err), &err);
    CHECK(l.count == 3); /* two pages */
    if (l.count == 3) {
        CHECK_STR(l.names[0], "inline-one");
        CHECK_STR(l.names[2], "inline-three");
    }
    seckit_iam_list_free(&l);
    CHECK_OK(seckit_iam_list_attached_role_policies(aws, &l, "MockRole", &err), &err);
    CHECK(l.count == 1 && l.arns != NULL);
    if (l.count == 1)
        CHECK_STR(l.arns[0], "arn:aws:iam::123456789012:policy/ReadOnly");
    char *doc = NULL;
    CHECK_OK(seckit_iam_get_role_policy(aws, &doc, "MockRole", "inline-one", &err), &err);
    CHECK(doc != NULL && strstr(doc, "\"Resource\":\"arn:aws:s3:::bucket/*\"") != NULL);
    free(doc);
    seckit_iam_policy pol;
    CHECK_OK(seckit_iam_get_policy(aws, &pol, l.count ? l.arns[0] : "x", &err), &err);
    CHECK_STR(pol.default_version_id, "v3");
    CHECK(pol.attachment_count == 2);
    CHECK_OK(seckit_iam_get_policy_version(aws, &doc, pol.arn, pol.default_version_id, &err), &err);
    CHECK(doc != NULL && strstr(doc, "kms:Decrypt") != NULL);
    free(doc);
    seckit_iam_list_free(&l);
    char *json = NULL;
    const char *filters[] = {"User", "Role", "LocalManagedPolicy"};
    CHECK_OK(seckit_iam_get_account_authorization_details(aws, &json, filters, 3, &err), &err);
    cJSON *j = json ? cJSON_Parse(json) : NULL;
    CHECK(cJSON_IsObject(j));
    cJSON *users = cJSON_GetObjectItem(j, "UserDetailList");
    cJSON *roles = cJSON_GetObjectItem(j, "RoleDetailList");
    cJSON *pols = cJSON_GetObjectItem(j, "Policies");
    CHECK(cJSON_GetArraySize(users) == 1 && cJSON_GetArraySize(roles) == 1 &&
          cJSON_GetArraySize(pols) == 1);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "GroupDetailList")) == 0);
    cJSON *u = cJSON_GetArrayItem(users, 0);
    CHECK(cJSON_IsArray(cJSON_GetObjectItem(u, "AttachedManagedPolicies")));
    CHECK(cJSON_IsString(cJSON_GetArrayItem(cJSON_GetObjectItem(u, "GroupList"), 0)));
    cJSON *upd =
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(u, "UserPolicyList"), 0),
                            "PolicyDocument");
    CHECK(cJSON_IsObject(upd)); /* decoded and parsed */
    cJSON *r0 = cJSON_GetArrayItem(roles, 0);
    CHECK(cJSON_IsObject(cJSON_GetObjectItem(r0, "AssumeRolePolicyDocument")));
    cJSON *p0 = cJSON_GetArrayItem(pols, 0);
    CHECK(cJSON_IsNumber(cJSON_GetObjectItem(p0, "AttachmentCount")));
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(p0, "IsAttachable")));
    cJSON_Delete(j);
    free(json);
    seckit_aws_free(aws);
}

static void test_cloudfront(void)
{
    clean_env();
    env_creds();
    seckit_aws *aws = client(NULL, 0, 0);
    seckit_error err;
    seckit_cf_result r;
    const char *pk =
        "{\"CallerReference\":\"ref-1\",\"Name\":\"fle-key\","
        "\"EncodedKey\":\"-----BEGIN PUBLIC KEY-----\\nMIIB\\n-----END PUBLIC KEY-----\\n\","
        "\"Comment\":\"a <test> & key\"}";
    CHECK_OK(seckit_cf_create_public_key(aws, &r, pk, &err), &err);
    CHECK(r.id[0] != '\0');
    CHECK(strncmp(r.etag, "E2QWRUHEXAMPLE", 14) == 0);
    CHECK(strstr(r.location, "/2020-05-31/public-key/") != NULL);
    cJSON *j = cJSON_Parse(r.json);
    cJSON *cfg = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "PublicKey"), "PublicKeyConfig");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cfg, "Comment")), "a <test> & key");
    CHECK(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(cfg, "EncodedKey")),
                 "BEGIN PUBLIC KEY") != NULL);
    cJSON_Delete(j);
    char keyid[128];
    snprintf(keyid, sizeof keyid, "%s", r.id);
    seckit_cf_result_free(&r);
    /* The same name again: PublicKeyAlreadyExists (409). */
    CHECK_RC(seckit_cf_create_public_key(aws, &r, pk, &err), SECKIT_EAWS);
    CHECK_STR(err.aws_code, "PublicKeyAlreadyExists");
    CHECK(err.http_status == 409);
    const char *pk2 = "{\"CallerReference\":\"ref-2\",\"Name\":\"fle-key-2\",\"EncodedKey\":\"x\"}";
    CHECK_OK(seckit_cf_create_public_key(aws, &r, pk2, &err), &err);
    seckit_cf_result_free(&r);
    CHECK_OK(seckit_cf_get_public_key(aws, &r, keyid, &err), &err);
    CHECK_STR(r.id, keyid);
    seckit_cf_result_free(&r);
    CHECK_RC(seckit_cf_get_public_key(aws, &r, "KNOPE", &err), SECKIT_EAWS);
    CHECK_STR(err.aws_code, "NoSuchPublicKey");
    CHECK_RC(seckit_cf_get_public_key(aws, &r, "../x", &err), SECKIT_EINVAL);
    /* Two pages merged. */
    CHECK_OK(seckit_cf_list_public_keys(aws, &r, &err), &err);
    j = cJSON_Parse(r.json);
    cJSON *lst = cJSON_GetObjectItem(j, "PublicKeyList");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(lst, "Items")) == 2);
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(lst, "Quantity")) == 2);
    cJSON_Delete(j);
    seckit_cf_result_free(&r);

    /* FLE profile with entities and field patterns. */
    char prof[1024];
    snprintf(prof, sizeof prof,
             "{\"Name\":\"profile-1\",\"CallerReference\":\"p-1\",\"Comment\":\"c\","
             "\"EncryptionEntities\":{\"Quantity\":1,\"Items\":[{\"PublicKeyId\":\"%s\","
             "\"ProviderId\":\"FLEDemo\",\"FieldPatterns\":{\"Quantity\":2,"
             "\"Items\":[\"card\",\"ssn*\"]}}]}}",
             keyid);
    CHECK_OK(seckit_cf_create_fle_profile(aws, &r, prof, &err), &err);
    j = cJSON_Parse(r.json);
    cJSON *ents =
        cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j,
                                                                    "FieldLevelEncryptionProfile"),
                                                "FieldLevelEncryptionProfileConfig"),
                            "EncryptionEntities");
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(ents, "Quantity")) == 1);
    cJSON *e0 = cJSON_GetArrayItem(cJSON_GetObjectItem(ents, "Items"), 0);
    cJSON *pats = cJSON_GetObjectItem(cJSON_GetObjectItem(e0, "FieldPatterns"), "Items");
    CHECK(cJSON_GetArraySize(pats) == 2);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(pats, 1)), "ssn*");
    cJSON_Delete(j);
    char profid[128];
    snprintf(profid, sizeof profid, "%s", r.id);
    seckit_cf_result_free(&r);
    CHECK_OK(seckit_cf_get_fle_profile(aws, &r, profid, &err), &err);
    seckit_cf_result_free(&r);
    CHECK_OK(seckit_cf_list_fle_profiles(aws, &r, &err), &err);
    CHECK(strstr(r.json, "FieldLevelEncryptionProfileList") != NULL);
    seckit_cf_result_free(&r);

    /* FLE configuration. */
    char conf[1024];
    snprintf(conf, sizeof conf,
             "{\"CallerReference\":\"c-1\",\"Comment\":\"cfg\",\"ContentTypeProfileConfig\":"
             "{\"ForwardWhenContentTypeIsUnknown\":true,\"ContentTypeProfiles\":{\"Quantity\":1,"
             "\"Items\":[{\"Format\":\"URLEncoded\",\"ProfileId\":\"%s\","
             "\"ContentType\":\"application/x-www-form-urlencoded\"}]}},"
             "\"QueryArgProfileConfig\":{\"ForwardWhenQueryArgProfileIsUnknown\":false,"
             "\"QueryArgProfiles\":{\"Quantity\":0,\"Items\":[]}}}",
             profid);
    CHECK_OK(seckit_cf_create_fle_config(aws, &r, conf, &err), &err);
    j = cJSON_Parse(r.json);
    cJSON *ctp =
        cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "FieldLevelEncryption"),
                                                "FieldLevelEncryptionConfig"),
                            "ContentTypeProfileConfig");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(ctp, "ForwardWhenContentTypeIsUnknown")));
    cJSON_Delete(j);
    char confid[128];
    snprintf(confid, sizeof confid, "%s", r.id);
    seckit_cf_result_free(&r);
    CHECK_OK(seckit_cf_get_fle_config(aws, &r, confid, &err), &err);
    seckit_cf_result_free(&r);
    CHECK_OK(seckit_cf_list_fle_configs(aws, &r, &err), &err);
    seckit_cf_result_free(&r);
    /* Bad input is refused before sending. */
    CHECK_RC(seckit_cf_create_fle_config(aws, &r, "[1]", &err), SECKIT_EFORMAT);
    CHECK_RC(seckit_cf_create_fle_config(aws, &r, "{\"Bad Name\":1}", &err), SECKIT_EINVAL);
    CHECK_RC(seckit_cf_create_fle_config(aws, &r, "{\"X\":{\"Items\":[1]}}", &err), SECKIT_EINVAL);
    /* Missing required fields: the service's InvalidArgument. */
    CHECK_RC(seckit_cf_create_public_key(aws, &r, "{\"Name\":\"n\"}", &err), SECKIT_EAWS);
    CHECK_STR(err.aws_code, "InvalidArgument");
    seckit_aws_free(aws);
}

/* Keys with "." and ".." segments reach the server byte for byte, for
 * every operation, and the signature is for that path. */
static void test_dot_segments(void)
{
    clean_env();
    env_creds();
    seckit_aws *aws = client(NULL, 0, 1);
    seckit_error err;
    char last[512], method[16];
    int sig_before = mock_stat(&M, "sig_failures");
    seckit_s3_put put = {.bucket = "dots",
                         .key = "a/../b/./c",
                         .body = {.data = (const unsigned char *)"dotted", .len = 6, .fd = -1}};
    CHECK_OK(seckit_s3_put_object(aws, NULL, &put, &err), &err);
    mock_stat_str(&M, "last_target", last, sizeof last);
    CHECK_STR(last, "/dots/a/../b/./c");
    seckit_s3_object_info info;
    unsigned char *body = NULL;
    size_t blen = 0;
    seckit_s3_get get = {.bucket = "dots", .key = "a/../b/./c", .out_fd = -1};
    CHECK_OK(seckit_s3_get_object(aws, &info, &body, &blen, &get, &err), &err);
    CHECK(blen == 6 && body != NULL && memcmp(body, "dotted", 6) == 0);
    free(body);
    seckit_s3_object_info_free(&info);
    mock_stat_str(&M, "last_target", last, sizeof last);
    CHECK_STR(last, "/dots/a/../b/./c");
    /* The normalised path is a different object. */
    get.key = "b/c";
    CHECK_RC(seckit_s3_get_object(aws, &info, &body, &blen, &get, &err), SECKIT_EAWS);
    CHECK_STR(err.aws_code, "NoSuchKey");
    CHECK_OK(seckit_s3_head_object(aws, &info, "dots", "a/../b/./c", &err), &err);
    seckit_s3_object_info_free(&info);
    mock_stat_str(&M, "last_target", last, sizeof last);
    CHECK_STR(last, "/dots/a/../b/./c");
    seckit_s3_copy copy = {.src_bucket = "dots",
                           .src_key = "a/../b/./c",
                           .bucket = "dots",
                           .key = "x/.."};
    CHECK_OK(seckit_s3_copy_object(aws, NULL, &copy, &err), &err);
    mock_stat_str(&M, "last_target", last, sizeof last);
    CHECK_STR(last, "/dots/x/..");
    /* rm s3://dots/x/.. deletes that key, never the bucket. */
    CHECK_OK(seckit_s3_delete_object(aws, "dots", "x/..", &err), &err);
    mock_stat_str(&M, "last_target", last, sizeof last);
    mock_stat_str(&M, "last_method", method, sizeof method);
    CHECK_STR(last, "/dots/x/..");
    CHECK_STR(method, "DELETE");
    CHECK_OK(seckit_s3_delete_object(aws, "dots", "./..", &err), &err);
    mock_stat_str(&M, "last_target", last, sizeof last);
    CHECK_STR(last, "/dots/./..");
    CHECK_OK(seckit_s3_delete_object(aws, "dots", "a/../b/./c", &err), &err);
    CHECK(mock_stat(&M, "sig_failures") == sig_before);
    seckit_aws_free(aws);
}

/* Control characters in any header are refused before sending. */
static void test_header_injection(void)
{
    clean_env();
    env_creds();
    seckit_aws *aws = client(NULL, 0, 1);
    seckit_error err;
    int before = mock_stat(&M, "requests");
    seckit_s3_put put = {.bucket = "bkt",
                         .key = "k",
                         .content_type = "a\nX-Injected: 1",
                         .body = {.data = (const unsigned char *)"x", .len = 1, .fd = -1}};
    CHECK_RC(seckit_s3_put_object(aws, NULL, &put, &err), SECKIT_EINVAL);
    CHECK_MSG(strstr(err.message, "Content-Type") != NULL &&
                  strstr(err.message, "control character") != NULL,
              "message: %s", err.message);
    seckit_s3_meta meta = {"note", "ok\r\nX-Injected: 1"};
    put.content_type = NULL;
    put.metadata = &meta;
    put.metadata_count = 1;
    CHECK_RC(seckit_s3_put_object(aws, NULL, &put, &err), SECKIT_EINVAL);
    /* Straight through seckit_aws_send: names and values. */
    seckit_aws_kv bad[] = {{"X-Ok", "fine"}, {"X-Bad", "tab\tinside"}};
    seckit_aws_request req = SECKIT_AWS_REQUEST_INIT;
    req.service = "s3";
    req.method = "GET";
    req.bucket = "bkt";
    req.path = "/k";
    req.headers = bad;
    req.header_count = 2;
    seckit_aws_response resp;
    CHECK_RC(seckit_aws_send(aws, &resp, &req, &err), SECKIT_EINVAL);
    CHECK(strstr(err.message, "X-Bad") != NULL);
    seckit_aws_kv badname = {"X-Bad\r\nX-Injected", "1"};
    req.headers = &badname;
    req.header_count = 1;
    CHECK_RC(seckit_aws_send(aws, &resp, &req, &err), SECKIT_EINVAL);
    CHECK(strchr(err.message, '\n') == NULL);
    seckit_aws_kv expect = {"Expect", "100-continue"};
    req.headers = &expect;
    CHECK_RC(seckit_aws_send(aws, &resp, &req, &err), SECKIT_EINVAL);
    CHECK(mock_stat(&M, "requests") - before == 1); /* only mock_stat's own request */
    seckit_aws_free(aws);
}

/* No Expect header on any request, small or large, signed or not. */
static void test_no_expect(void)
{
    clean_env();
    env_creds();
    seckit_aws *aws = client(NULL, 0, 1);
    seckit_error err;
    int before = mock_stat(&M, "expect_headers");
    size_t big = 2u << 20;
    unsigned char *data = malloc(big);
    memset(data, 'e', big);
    seckit_s3_put put = {.bucket = "bkt",
                         .key = "big",
                         .body = {.data = data, .len = big, .fd = -1}};
    CHECK_OK(seckit_s3_put_object(aws, NULL, &put, &err), &err);
    put.key = "small";
    put.body.len = 10;
    CHECK_OK(seckit_s3_put_object(aws, NULL, &put, &err), &err);
    CHECK_OK(seckit_s3_delete_object(aws, "bkt", "big", &err), &err);
    CHECK_OK(seckit_s3_delete_object(aws, "bkt", "small", &err), &err);
    seckit_aws_identity id;
    CHECK_OK(seckit_sts_get_caller_identity(aws, &id, &err), &err);
    free(data);
    seckit_aws_free(aws);
    /* Unsigned requests (container credentials) too. */
    char url[256];
    snprintf(url, sizeof url, "%s/container-creds", M.url);
    clean_env();
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "mock-container-token", 1);
    aws = client(NULL, 0, 1);
    CHECK_OK(seckit_sts_get_caller_identity(aws, &id, &err), &err);
    seckit_aws_free(aws);
    CHECK(mock_stat(&M, "expect_headers") == before);
}

/* --endpoint-url for S3 only: an assume-role profile's STS call goes to
 * STS's own configured endpoint. */
static void test_endpoint_scope(void)
{
    clean_env();
    write_file("credentials", "[base]\naws_access_key_id = " MOCK_KEY
                              "\naws_secret_access_key = " MOCK_SECRET "\n");
    write_file("config", "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/MockRole\n"
                         "source_profile = base\nregion = us-east-1\n");
    char sts[256], last[512];
    snprintf(sts, sizeof sts, "%s/sts-endpoint", M.url);
    setenv("AWS_ENDPOINT_URL_STS", sts, 1);
    seckit_aws_options o = {.version = SECKIT_AWS_OPTIONS_VERSION,
                            .endpoint_url = M.url,
                            .endpoint_service = "s3",
                            .profile = "dev",
                            .max_attempts = 1};
    seckit_aws *aws = NULL;
    seckit_error err;
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    int before = mock_stat(&M, "assume_role");
    seckit_s3_put put = {.bucket = "scope",
                         .key = "k",
                         .body = {.data = (const unsigned char *)"x", .len = 1, .fd = -1}};
    CHECK_OK(seckit_s3_put_object(aws, NULL, &put, &err), &err);
    CHECK(mock_stat(&M, "assume_role") - before == 1);
    mock_stat_str(&M, "last_target", last, sizeof last);
    CHECK_STR(last, "/scope/k");
    /* and the STS request went to the STS endpoint's path */
    seckit_aws_identity id;
    CHECK_OK(seckit_sts_get_caller_identity(aws, &id, &err), &err);
    mock_stat_str(&M, "last_target", last, sizeof last);
    CHECK_STR(last, "/sts-endpoint/");
    CHECK_OK(seckit_s3_delete_object(aws, "scope", "k", &err), &err);
    seckit_aws_free(aws);
    clean_env();
}

/* Region redirects: re-signed for the bucket's region, once, and the
 * region remembered for the client. */
static void test_region_redirect(void)
{
    static const char *const buckets[] = {"rgn-eu-west-1-301", "rgn-eu-west-2-400",
                                          "rgn-ap-south-1-hdr"};
    static const char *const regions[] = {"eu-west-1", "eu-west-2", "ap-south-1"};
    clean_env();
    env_creds();
    for (size_t i = 0; i < 3; i++) {
        seckit_aws *aws = client(NULL, 0, 1);
        seckit_error err;
        char region[64];
        int before = mock_stat(&M, "redirects");
        seckit_aws_request req = SECKIT_AWS_REQUEST_INIT;
        req.service = "s3";
        req.method = "PUT";
        req.bucket = buckets[i];
        req.path = "/obj";
        req.body = "redirected";
        req.body_len = 10;
        seckit_aws_response resp;
        CHECK_OK(seckit_aws_send(aws, &resp, &req, &err), &err);
        CHECK(resp.attempts == 2);
        CHECK(mock_stat(&M, "redirects") - before == 1);
        mock_stat_str(&M, "last_region", region, sizeof region);
        CHECK_STR(region, regions[i]);
        CHECK_STR(skt_aws_bucket_region(aws, buckets[i]), regions[i]);
        seckit_aws_response_free(&resp);
        /* Remembered: the next request goes straight to the right region. */
        seckit_s3_object_info info;
        CHECK_OK(seckit_s3_head_object(aws, &info, buckets[i], "obj", &err), &err);
        seckit_s3_object_info_free(&info);
        CHECK(mock_stat(&M, "redirects") - before == 1);
        CHECK(hk.sleeps == 0);
        CHECK_OK(seckit_s3_delete_object(aws, buckets[i], "obj", &err), &err);
        seckit_aws_free(aws);
    }
    /* HEAD (no body): the x-amz-bucket-region header says where. */
    seckit_aws *aws = client(NULL, 0, 1);
    seckit_error err;
    seckit_s3_object_info info;
    CHECK_RC(seckit_s3_head_object(aws, &info, "rgn-eu-north-1-301", "none", &err), SECKIT_EAWS);
    CHECK(err.http_status == 404); /* redirected, then the real answer */
    CHECK_STR(skt_aws_bucket_region(aws, "rgn-eu-north-1-301"), "eu-north-1");
    seckit_aws_free(aws);
    /* A 400 without <Region> and without the header is just an error; a
     * redirect is followed once only. */
    aws = client(NULL, 0, 1);
    int before = mock_stat(&M, "redirects");
    CHECK_RC(seckit_s3_delete_object(aws, "rgn-eu-west-3-400", "k", &err), 0);
    CHECK(mock_stat(&M, "redirects") - before == 1);
    seckit_aws_free(aws);
}

/* KMS calls for a key ARN are signed for the ARN's region. */
static void test_kms_arn_region(void)
{
    clean_env();
    env_creds();
    seckit_aws *aws = client(NULL, 0, 1);
    seckit_error err;
    char region[64];
    seckit_kms_result dk, pt;
    const char *arn = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd";
    CHECK_OK(seckit_kms_generate_data_key(aws, &dk, arn, 32, NULL, &err), &err);
    mock_stat_str(&M, "last_region", region, sizeof region);
    CHECK_STR(region, "eu-central-1");
    CHECK_OK(seckit_kms_decrypt(aws, &pt, arn, dk.ciphertext, dk.ciphertext_len, NULL, &err), &err);
    mock_stat_str(&M, "last_region", region, sizeof region);
    CHECK_STR(region, "eu-central-1");
    seckit_kms_result_free(&pt);
    /* Without a key id (or with a bare id), the client's region. */
    CHECK_OK(seckit_kms_decrypt(aws, &pt, NULL, dk.ciphertext, dk.ciphertext_len, NULL, &err),
             &err);
    mock_stat_str(&M, "last_region", region, sizeof region);
    CHECK_STR(region, "us-east-1");
    seckit_kms_result_free(&pt);
    seckit_kms_result_free(&dk);
    const uint8_t msg[] = "m";
    CHECK_OK(seckit_kms_encrypt(aws, &dk, "alias-free-key", msg, 1, NULL, &err), &err);
    mock_stat_str(&M, "last_region", region, sizeof region);
    CHECK_STR(region, "us-east-1");
    seckit_kms_result_free(&dk);
    CHECK_OK(seckit_kms_encrypt(aws, &dk, "arn:aws:kms:ap-northeast-1:123456789012:alias/a", msg, 1,
                                NULL, &err),
             &err);
    mock_stat_str(&M, "last_region", region, sizeof region);
    CHECK_STR(region, "ap-northeast-1");
    seckit_kms_result_free(&dk);
    seckit_aws_free(aws);
}

/* "200 OK" with an <Error> body: an error, retried like a 500. */
static void test_error_in_200(void)
{
    clean_env();
    env_creds();
    seckit_aws *aws = client(NULL, 0, 3);
    seckit_error err;
    seckit_s3_put put = {.bucket = "e200",
                         .key = "src",
                         .body = {.data = (const unsigned char *)"copy me", .len = 7, .fd = -1}};
    CHECK_OK(seckit_s3_put_object(aws, NULL, &put, &err), &err);
    seckit_s3_copy copy = {.src_bucket = "e200", .src_key = "src", .bucket = "e200", .key = "dst"};
    seckit_s3_copy_result cr;
    mock_mode(&M, "error200", 1);
    CHECK_OK(seckit_s3_copy_object(aws, &cr, &copy, &err), &err);
    CHECK_STR(cr.etag, "\"mock-etag\"");
    CHECK(hk.sleeps == 1);
    mock_mode(&M, "error200", 5);
    hk.sleeps = 0;
    CHECK_RC(seckit_s3_copy_object(aws, &cr, &copy, &err), SECKIT_EAWS);
    CHECK_STR(err.aws_code, "InternalError");
    CHECK(err.http_status == 200);
    CHECK(strstr(err.message, "after 3 attempts") != NULL);
    CHECK(hk.sleeps == 2);
    mock_mode(&M, "", 0);
    /* CompleteMultipartUpload. */
    seckit_s3_part part = {.part_number = 1};
    snprintf(part.etag, sizeof part.etag, "\"p1\"");
    char etag[130];
    mock_mode(&M, "error200", 2);
    hk.sleeps = 0;
    CHECK_OK(seckit_s3_complete_multipart(aws, etag, "e200", "mp", "upload-1", &part, 1, &err),
             &err);
    CHECK_STR(etag, "\"mock-multipart-etag-1\"");
    CHECK(hk.sleeps == 2);
    /* Without the flag a 200 is a 200 (the caller reads the body). */
    mock_mode(&M, "error200", 1);
    seckit_aws_request req = SECKIT_AWS_REQUEST_INIT;
    req.service = "s3";
    req.method = "GET";
    req.bucket = "e200";
    req.path = "/src";
    seckit_aws_response resp;
    CHECK_OK(seckit_aws_send(aws, &resp, &req, &err), &err);
    CHECK(resp.attempts == 1 && resp.body != NULL && strstr((char *)resp.body, "<Error>") != NULL);
    seckit_aws_response_free(&resp);
    mock_mode(&M, "", 0);
    seckit_aws_free(aws);
}

static long long skewed_clock(void *ctx)
{
    (void)ctx;
    return (long long)time(NULL) - 3600; /* an hour slow */
}

/* RequestTimeTooSkewed / RequestExpired: the clock offset is taken from
 * the server's Date, the request re-signed once, the offset kept. */
static void test_clock_skew(void)
{
    clean_env();
    env_creds();
    seckit_aws *aws = client(NULL, 0, 3);
    skt_aws_hooks h = {fake_sleep, fake_rand, skewed_clock, NULL};
    skt_aws_set_hooks(aws, &h);
    seckit_error err;
    mock_mode(&M, "skew", 100);
    static const char body[] = "Action=GetCallerIdentity&Version=2011-06-15";
    seckit_aws_request req = SECKIT_AWS_REQUEST_INIT;
    req.service = "sts";
    req.method = "POST";
    req.body = body;
    req.body_len = strlen(body);
    seckit_aws_response resp;
    CHECK_OK(seckit_aws_send(aws, &resp, &req, &err), &err);
    CHECK(resp.attempts == 2);
    CHECK(hk.sleeps == 0);
    printf("# clock offset learned: %lld s\n", aws->clock_offset);
    CHECK(aws->clock_offset >= 3590 && aws->clock_offset <= 3610);
    seckit_aws_response_free(&resp);
    /* Kept for the next requests, S3 (RequestTimeTooSkewed) included. */
    CHECK_OK(seckit_aws_send(aws, &resp, &req, &err), &err);
    CHECK(resp.attempts == 1);
    seckit_aws_response_free(&resp);
    seckit_s3_put put = {.bucket = "skew",
                         .key = "k",
                         .body = {.data = (const unsigned char *)"x", .len = 1, .fd = -1}};
    CHECK_OK(seckit_s3_put_object(aws, NULL, &put, &err), &err);
    seckit_aws_free(aws);
    /* S3 and KMS with a fresh client. */
    aws = client(NULL, 0, 3);
    skt_aws_set_hooks(aws, &h);
    seckit_s3_object_info info;
    CHECK_OK(seckit_s3_head_object(aws, &info, "skew", "k", &err), &err);
    seckit_s3_object_info_free(&info);
    seckit_aws_free(aws);
    aws = client(NULL, 0, 3);
    skt_aws_set_hooks(aws, &h);
    seckit_kms_result r;
    CHECK_OK(seckit_kms_generate_data_key(aws, &r, "k1", 32, NULL, &err), &err);
    seckit_kms_result_free(&r);
    seckit_aws_free(aws);
    /* A server that keeps refusing: one correction, then the error. */
    mock_mode(&M, "skew-always", 10);
    aws = client(NULL, 0, 3);
    CHECK_RC(seckit_aws_send(aws, &resp, &req, &err), SECKIT_EAWSAUTH);
    CHECK_STR(err.aws_code, "RequestExpired");
    CHECK(resp.attempts == 2);
    seckit_aws_response_free(&resp);
    mock_mode(&M, "", 0);
    seckit_aws_free(aws);
}

/* Proxies from the environment as the AWS CLI reads them: upper-case
 * HTTP_PROXY is honoured, lower-case wins, loopback is always direct. */
static void test_proxy(void)
{
    clean_env();
    env_creds();
    seckit_error err;
    seckit_aws_identity id;
    /* Loopback endpoints never go through a proxy (this one is closed). */
    setenv("http_proxy", "http://127.0.0.1:9", 1);
    setenv("HTTP_PROXY", "http://127.0.0.1:9", 1);
    seckit_aws *aws = client(NULL, 0, 1);
    CHECK_OK(seckit_sts_get_caller_identity(aws, &id, &err), &err);
    seckit_aws_free(aws);
    /* A name that is never resolved here: the proxy (the mock) gets it. */
    unsetenv("http_proxy");
    setenv("HTTP_PROXY", M.url, 1);
    seckit_aws_options o = {.version = SECKIT_AWS_OPTIONS_VERSION,
                            .endpoint_url = "http://sts.proxied.seckit.test",
                            .region = "us-east-1",
                            .max_attempts = 1};
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    int before = mock_stat(&M, "proxied");
    CHECK_OK(seckit_sts_get_caller_identity(aws, &id, &err), &err);
    CHECK(mock_stat(&M, "proxied") - before == 1);
    seckit_aws_free(aws);
    /* Lower-case first: the upper-case one points at a closed port. */
    setenv("HTTP_PROXY", "http://127.0.0.1:9", 1);
    setenv("http_proxy", M.url, 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_sts_get_caller_identity(aws, &id, &err), &err);
    CHECK_MSG(mock_stat(&M, "proxied") - before == 2, "proxied %d",
              mock_stat(&M, "proxied") - before);
    seckit_aws_free(aws);
    clean_env();
}

int main(void)
{
    if (mock_begin(&M, tmpdir, sizeof tmpdir, "aws") != 0) {
        SKIP("aws_mock", "cannot start tests/aws/mock_aws");
        return 0;
    }
    TEST(test_whoami_env);
    TEST(test_connection_reuse);
    TEST(test_connection_pool);
    TEST(test_bad_secret);
    TEST(test_secret_never_in_messages);
    TEST(test_throttle_retried);
    TEST(test_quota_exhaustion);
    TEST(test_dropped_connection);
    TEST(test_timeout);
    TEST(test_malformed);
    TEST(test_kms);
    TEST(test_ssm);
    TEST(test_s3_streams);
    TEST(test_assume_role_profile);
    TEST(test_credential_process);
    TEST(test_container);
    TEST(test_imds);
    TEST(test_iam);
    TEST(test_cloudfront);
    TEST(test_dot_segments);
    TEST(test_header_injection);
    TEST(test_no_expect);
    TEST(test_endpoint_scope);
    TEST(test_region_redirect);
    TEST(test_kms_arn_region);
    TEST(test_error_in_200);
    TEST(test_clock_skew);
    TEST(test_proxy);
    mock_end(&M, tmpdir);
    TEST_EXIT();
}
