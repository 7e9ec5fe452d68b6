/* Offline tests of the AWS layer: shared config/credentials parsing,
 * precedence of options / environment / profile, endpoints and addressing,
 * the standard retry policy, error parsing for each protocol, the XML
 * reader (including every truncation and bit flip of a response), and
 * secret scrubbing. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seckit/aws.h"
#include "src/aws/client.h"
#include "src/aws/xml.h"
#include "tests/aws/awsenv.h"
#include "tests/unit/testlib.h"

static char tmpdir[256];

static void write_file(const char *name, const char *text)
{
    awsenv_write(tmpdir, name, text);
}

static void clean_env(void)
{
    awsenv_clear();
    setenv("HOME", tmpdir, 1);
    char p[512];
    snprintf(p, sizeof p, "%s/.aws", tmpdir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/.aws/config", tmpdir);
    unlink(p);
    snprintf(p, sizeof p, "%s/.aws/credentials", tmpdir);
    unlink(p);
}

static void test_ini(void)
{
    const char *text = "# comment\n; also\n[default]\nregion = eu-west-1\n"
                       "[profile  dev ]\n  region=us-west-2  \ns3 =\n  addressing_style = path\n"
                       "output = json\n[sso-session x]\nsso_region = x\n";
    skt_ini ini;
    seckit_error err;
    CHECK_OK(skt_ini_parse(text, strlen(text), &ini, &err), &err);
    CHECK_STR(skt_ini_get(&ini, "default", "region"), "eu-west-1");
    CHECK_STR(skt_ini_get(&ini, "profile dev", "region"), "us-west-2");
    CHECK_STR(skt_ini_get(&ini, "profile dev", "s3.addressing_style"), "path");
    CHECK_STR(skt_ini_get(&ini, "profile dev", "output"), "json");
    CHECK(skt_ini_get(&ini, "profile dev", "addressing_style") == NULL);
    CHECK(skt_ini_has_section(&ini, "sso-session x"));
    CHECK(skt_ini_get(&ini, "default", "nothing") == NULL);
    skt_ini_free(&ini);
    /* Errors name the line. */
    const char *bad[] = {"[default\nx=1\n", "key = outside\n", "[default]\nno equals sign\n",
                         "[]\n", "[default]\n= value\n"};
    unsigned long lines[] = {1, 1, 2, 1, 2};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_RC(skt_ini_parse(bad[i], strlen(bad[i]), &ini, &err), SECKIT_EFORMAT);
        CHECK(err.position.line == lines[i]);
    }
    CHECK_RC(skt_ini_parse("[a]\nb=\0c\n", 8, &ini, &err), SECKIT_EFORMAT);
}

static void test_region_precedence(void)
{
    clean_env();
    write_file(".aws/config",
               "[default]\nregion = eu-central-1\n[profile p2]\nregion = ap-south-1\n");
    seckit_aws *aws;
    seckit_error err;
    seckit_aws_options o = SECKIT_AWS_OPTIONS_INIT;
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_STR(seckit_aws_region(aws), "eu-central-1");
    seckit_aws_free(aws);
    setenv("AWS_PROFILE", "p2", 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_STR(seckit_aws_region(aws), "ap-south-1");
    seckit_aws_free(aws);
    setenv("AWS_DEFAULT_REGION", "us-west-1", 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_STR(seckit_aws_region(aws), "us-west-1");
    seckit_aws_free(aws);
    setenv("AWS_REGION", "us-east-2", 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_STR(seckit_aws_region(aws), "us-east-2");
    seckit_aws_free(aws);
    o.region = "sa-east-1";
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_STR(seckit_aws_region(aws), "sa-east-1");
    seckit_aws_free(aws);
    o.region = "bad region";
    CHECK_RC(seckit_aws_new(&aws, &o, &err), SECKIT_EINVAL);
    /* A named profile that does not exist. */
    o.region = NULL;
    o.profile = "nope";
    CHECK_RC(seckit_aws_new(&aws, &o, &err), SECKIT_ENOTFOUND);
    CHECK(strstr(err.message, "nope") != NULL);
    clean_env();
    setenv("AWS_PROFILE", "ghost", 1);
    o.profile = NULL;
    CHECK_RC(seckit_aws_new(&aws, &o, &err), SECKIT_ENOTFOUND);
    clean_env();
}

static void test_endpoints(void)
{
    clean_env();
    seckit_aws *aws;
    seckit_error err;
    const char *url;
    seckit_aws_options o = {.version = SECKIT_AWS_OPTIONS_VERSION, .region = "eu-west-1"};
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_endpoint(aws, &url, "kms", &err), &err);
    CHECK_STR(url, "https://kms.eu-west-1.amazonaws.com");
    CHECK_OK(seckit_aws_endpoint(aws, &url, "sts", &err), &err);
    CHECK_STR(url, "https://sts.eu-west-1.amazonaws.com");
    CHECK_OK(seckit_aws_endpoint(aws, &url, "iam", &err), &err);
    CHECK_STR(url, "https://iam.amazonaws.com");
    CHECK_OK(seckit_aws_endpoint(aws, &url, "cloudfront", &err), &err);
    CHECK_STR(url, "https://cloudfront.amazonaws.com");
    CHECK_OK(seckit_aws_endpoint(aws, &url, "s3", &err), &err);
    CHECK_STR(url, "https://s3.eu-west-1.amazonaws.com");
    CHECK_RC(seckit_aws_endpoint(aws, &url, "dynamodb", &err), SECKIT_EINVAL);
    seckit_aws_free(aws);
    /* AWS_ENDPOINT_URL_<SERVICE> over AWS_ENDPOINT_URL over the profile;
     * --endpoint-url over everything. */
    write_file(".aws/config", "[default]\nendpoint_url = http://profile:1\n");
    setenv("AWS_ENDPOINT_URL", "http://global:2/", 1);
    setenv("AWS_ENDPOINT_URL_KMS", "http://kms-only:3", 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_endpoint(aws, &url, "kms", &err), &err);
    CHECK_STR(url, "http://kms-only:3");
    CHECK_OK(seckit_aws_endpoint(aws, &url, "ssm", &err), &err);
    CHECK_STR(url, "http://global:2");
    seckit_aws_free(aws);
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_KMS");
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_endpoint(aws, &url, "sts", &err), &err);
    CHECK_STR(url, "http://profile:1");
    seckit_aws_free(aws);
    setenv("AWS_ENDPOINT_URL_KMS", "http://kms-only:3", 1);
    o.endpoint_url = "https://override.example:8443";
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_endpoint(aws, &url, "kms", &err), &err);
    CHECK_STR(url, "https://override.example:8443");
    seckit_aws_free(aws);
    o.endpoint_url = "ftp://nope";
    CHECK_RC(seckit_aws_new(&aws, &o, &err), SECKIT_EINVAL);
    o.endpoint_url = "http://user@host/";
    CHECK_RC(seckit_aws_new(&aws, &o, &err), SECKIT_EINVAL);
    clean_env();
    /* No region: regional services cannot be resolved. */
    o.endpoint_url = NULL;
    o.region = NULL;
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_RC(seckit_aws_endpoint(aws, &url, "kms", &err), SECKIT_EINVAL);
    CHECK(strstr(err.message, "region") != NULL);
    CHECK_OK(seckit_aws_endpoint(aws, &url, "sts", &err), &err);
    CHECK_STR(url, "https://sts.amazonaws.com");
    seckit_aws_free(aws);
}

static void test_s3_addressing(void)
{
    clean_env();
    seckit_aws_credentials c = {0};
    snprintf(c.access_key_id, sizeof c.access_key_id, "AKIAIOSFODNN7EXAMPLE");
    snprintf(c.secret_access_key, sizeof c.secret_access_key, "secret");
    seckit_aws *aws;
    seckit_error err;
    char *url = NULL;
    seckit_aws_request req = SECKIT_AWS_REQUEST_INIT;
    req.service = "s3";
    req.method = "GET";
    req.bucket = "examplebucket";
    req.path = "/photos/a b.jpg";
    /* AWS endpoint: virtual-hosted. */
    seckit_aws_options o = {.version = SECKIT_AWS_OPTIONS_VERSION,
                            .region = "us-east-1",
                            .credentials = &c};
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_presign(aws, &url, &req, 60, &err), &err);
    CHECK(url && strncmp(url, "https://examplebucket.s3.us-east-1.amazonaws.com/photos/a%20b.jpg?",
                         66) == 0);
    free(url);
    /* A bucket with dots: path-style. */
    req.bucket = "my.bucket";
    CHECK_OK(seckit_aws_presign(aws, &url, &req, 60, &err), &err);
    CHECK(url &&
          strncmp(url, "https://s3.us-east-1.amazonaws.com/my.bucket/photos/a%20b.jpg?", 62) == 0);
    free(url);
    seckit_aws_free(aws);
    /* Forced path-style; custom endpoint defaults to path-style too. */
    req.bucket = "examplebucket";
    o.s3_addressing = SECKIT_AWS_S3_PATH;
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_presign(aws, &url, &req, 60, &err), &err);
    CHECK(url && strncmp(url, "https://s3.us-east-1.amazonaws.com/examplebucket/photos/", 56) == 0);
    free(url);
    seckit_aws_free(aws);
    o.s3_addressing = SECKIT_AWS_S3_AUTO;
    o.endpoint_url = "http://127.0.0.1:9000";
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_presign(aws, &url, &req, 60, &err), &err);
    CHECK(url && strncmp(url, "http://127.0.0.1:9000/examplebucket/photos/a%20b.jpg?", 53) == 0);
    free(url);
    seckit_aws_free(aws);
    o.s3_addressing = SECKIT_AWS_S3_VIRTUAL;
    o.endpoint_url = "http://localhost:9000";
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_presign(aws, &url, &req, 60, &err), &err);
    CHECK(url && strncmp(url, "http://examplebucket.localhost:9000/photos/", 43) == 0);
    free(url);
    CHECK_RC(seckit_aws_presign(aws, &url, &req, 604801, &err), SECKIT_EINVAL);
    CHECK(url == NULL);
    seckit_aws_free(aws);
}

static void test_env_credentials(void)
{
    clean_env();
    write_file(".aws/credentials", "[default]\naws_access_key_id = AKIDFILE\n"
                                   "aws_secret_access_key = filesecret\n"
                                   "[other]\naws_access_key_id = AKIDOTHER\n"
                                   "aws_secret_access_key = othersecret\naws_session_token = tok\n"
                                   "[half]\naws_access_key_id = AKIDHALF\n");
    write_file(".aws/config", "[profile cfg]\naws_access_key_id = AKIDCFG\n"
                              "aws_secret_access_key = cfgsecret\n[profile half]\n");
    seckit_aws *aws;
    seckit_error err;
    seckit_aws_credentials c;
    seckit_aws_options o = SECKIT_AWS_OPTIONS_INIT;
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_get_credentials(aws, &c, &err), &err);
    CHECK_STR(c.access_key_id, "AKIDFILE");
    CHECK_STR(c.source, "shared-credentials-file");
    seckit_aws_free(aws);
    /* Environment keys win over the default profile... */
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
    setenv("AWS_SESSION_TOKEN", "envtoken", 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_get_credentials(aws, &c, &err), &err);
    CHECK_STR(c.access_key_id, "AKIDENV");
    CHECK_STR(c.session_token, "envtoken");
    CHECK_STR(c.source, "environment");
    seckit_aws_free(aws);
    /* ...and over AWS_PROFILE, but not over --profile. */
    setenv("AWS_PROFILE", "other", 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_get_credentials(aws, &c, &err), &err);
    CHECK_STR(c.access_key_id, "AKIDENV");
    seckit_aws_free(aws);
    o.profile = "other";
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_get_credentials(aws, &c, &err), &err);
    CHECK_STR(c.access_key_id, "AKIDOTHER");
    CHECK_STR(c.session_token, "tok");
    seckit_aws_free(aws);
    /* Static keys in the config file. */
    o.profile = "cfg";
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_get_credentials(aws, &c, &err), &err);
    CHECK_STR(c.access_key_id, "AKIDCFG");
    CHECK_STR(c.source, "config-file");
    seckit_aws_free(aws);
    /* Half a key pair is an error that does not show the secret. */
    o.profile = "half";
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_RC(seckit_aws_get_credentials(aws, &c, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "half") != NULL);
    seckit_aws_free(aws);
    /* Explicit credentials beat everything. */
    seckit_aws_credentials mine = {0};
    snprintf(mine.access_key_id, sizeof mine.access_key_id, "AKIDMINE");
    snprintf(mine.secret_access_key, sizeof mine.secret_access_key, "minesecret");
    o.profile = NULL;
    o.credentials = &mine;
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_get_credentials(aws, &c, &err), &err);
    CHECK_STR(c.access_key_id, "AKIDMINE");
    seckit_aws_free(aws);
    /* Custom file locations. */
    clean_env();
    write_file("creds2", "[default]\naws_access_key_id = AKIDALT\naws_secret_access_key = s\n");
    char p[512];
    snprintf(p, sizeof p, "%s/creds2", tmpdir);
    setenv("AWS_SHARED_CREDENTIALS_FILE", p, 1);
    o.credentials = NULL;
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_get_credentials(aws, &c, &err), &err);
    CHECK_STR(c.access_key_id, "AKIDALT");
    seckit_aws_free(aws);
    /* Nothing anywhere. */
    clean_env();
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_RC(seckit_aws_get_credentials(aws, &c, &err), SECKIT_EAWSAUTH);
    seckit_aws_free(aws);
    /* A malformed config file names the file and line. */
    write_file(".aws/config", "[default]\nregion eu-west-1\n");
    CHECK_RC(seckit_aws_new(&aws, &o, &err), SECKIT_EFORMAT);
    CHECK(strstr(err.message, "config") != NULL && strstr(err.message, "line 2") != NULL);
    clean_env();
}

/* Half a key pair in the environment is an error (the AWS CLI's
 * PartialCredentialsError), never a fall-through to the shared files; a
 * lone session token is ignored; --profile does not read the environment. */
static void test_partial_env_credentials(void)
{
    clean_env();
    write_file(".aws/credentials", "[default]\naws_access_key_id = AKIDFILE\n"
                                   "aws_secret_access_key = filesecret\n"
                                   "[named]\naws_access_key_id = AKIDNAMED\n"
                                   "aws_secret_access_key = namedsecret\n");
    write_file(".aws/config", "");
    seckit_aws *aws;
    seckit_error err;
    seckit_aws_credentials c;
    seckit_aws_options o = SECKIT_AWS_OPTIONS_INIT;
    /* Key id without secret. */
    setenv("AWS_ACCESS_KEY_ID", "AKIDENVONLY", 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_RC(seckit_aws_get_credentials(aws, &c, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "partial credentials") != NULL);
    CHECK(strstr(err.message, "missing: AWS_SECRET_ACCESS_KEY") != NULL);
    seckit_aws_free(aws);
    /* An empty secret is a missing one. */
    setenv("AWS_SECRET_ACCESS_KEY", "", 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_RC(seckit_aws_get_credentials(aws, &c, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "missing: AWS_SECRET_ACCESS_KEY") != NULL);
    seckit_aws_free(aws);
    /* Secret without key id: refused too, and the secret is not shown. */
    unsetenv("AWS_ACCESS_KEY_ID");
    setenv("AWS_SECRET_ACCESS_KEY", "envOnlySecretXYZ", 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_RC(seckit_aws_get_credentials(aws, &c, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "missing: AWS_ACCESS_KEY_ID") != NULL);
    CHECK(strstr(err.message, "envOnlySecretXYZ") == NULL);
    seckit_aws_free(aws);
    /* AWS_PROFILE does not rescue it either (the environment comes first)... */
    setenv("AWS_PROFILE", "named", 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_RC(seckit_aws_get_credentials(aws, &c, &err), SECKIT_EAWSAUTH);
    seckit_aws_free(aws);
    unsetenv("AWS_PROFILE");
    /* ...but --profile does not look at the environment at all. */
    o.profile = "named";
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_get_credentials(aws, &c, &err), &err);
    CHECK_STR(c.access_key_id, "AKIDNAMED");
    seckit_aws_free(aws);
    o.profile = NULL;
    /* A lone session token is ignored: the default profile's keys are used. */
    unsetenv("AWS_SECRET_ACCESS_KEY");
    setenv("AWS_SESSION_TOKEN", "lonetoken", 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_get_credentials(aws, &c, &err), &err);
    CHECK_STR(c.access_key_id, "AKIDFILE");
    CHECK_STR(c.session_token, "");
    seckit_aws_free(aws);
    /* Both set: the environment's pair. */
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_get_credentials(aws, &c, &err), &err);
    CHECK_STR(c.access_key_id, "AKIDENV");
    CHECK_STR(c.source, "environment");
    seckit_aws_free(aws);
    clean_env();
}

/* --debug's trace: lines reach the callback with secrets hidden; profile
 * and region sources are reported. */
static char trace_buf[8192];
static void collect_trace(void *ctx, const char *line)
{
    (void)ctx;
    size_t n = strlen(trace_buf);
    snprintf(trace_buf + n, sizeof trace_buf - n, "%s\n", line);
}

static void test_trace_redaction(void)
{
    clean_env();
    write_file(".aws/config", "[profile p]\nregion = eu-north-1\n");
    seckit_aws *aws;
    seckit_error err;
    seckit_aws_options o = SECKIT_AWS_OPTIONS_INIT;
    o.trace = collect_trace;
    trace_buf[0] = '\0';
    setenv("AWS_PROFILE", "p", 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_STR(seckit_aws_profile(aws), "p");
    CHECK_STR(seckit_aws_profile_source(aws), "AWS_PROFILE");
    CHECK_STR(seckit_aws_region(aws), "eu-north-1");
    CHECK_STR(seckit_aws_region_source(aws), "config-file");
    CHECK(strstr(trace_buf, "profile p (from AWS_PROFILE)") != NULL);
    CHECK(strstr(trace_buf, "region eu-north-1 (from config-file)") != NULL);
    trace_buf[0] = '\0';
    skt_aws_trace_header(aws, "", "Authorization",
                         "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws4_request, "
                         "SignedHeaders=host;x-amz-date, Signature=0123456789abcdef");
    skt_aws_trace_header(aws, "", "Authorization", "Bearer containerSecretToken");
    skt_aws_trace_header(aws, "", "X-Amz-Security-Token", "sessionTokenValue");
    skt_aws_trace_header(aws, "", "x-aws-ec2-metadata-token", "imdsTokenValue");
    skt_aws_trace_header(aws, "", "x-amz-sso_bearer_token", "ssoTokenValue");
    skt_aws_trace_header(aws, "", "x-amz-server-side-encryption-customer-key", "ssecKeyValue");
    skt_aws_trace_header(aws, "", "x-amz-server-side-encryption-customer-key-MD5", "md5value");
    skt_aws_trace_header(aws, "", "Content-Type", "application/json");
    CHECK(strstr(trace_buf, "Credential=AKID/20260101") != NULL);
    CHECK(strstr(trace_buf, "Signature=****") != NULL);
    CHECK(strstr(trace_buf, "0123456789abcdef") == NULL);
    CHECK(strstr(trace_buf, "containerSecretToken") == NULL);
    CHECK(strstr(trace_buf, "sessionTokenValue") == NULL);
    CHECK(strstr(trace_buf, "imdsTokenValue") == NULL);
    CHECK(strstr(trace_buf, "ssoTokenValue") == NULL);
    CHECK(strstr(trace_buf, "ssecKeyValue") == NULL);
    CHECK(strstr(trace_buf, "md5value") != NULL); /* not a secret */
    CHECK(strstr(trace_buf, "Content-Type: application/json") != NULL);
    seckit_aws_free(aws);
    /* Region and profile from options; none at all. */
    unsetenv("AWS_PROFILE");
    o.trace = NULL;
    o.region = "sa-east-1";
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_STR(seckit_aws_region_source(aws), "options");
    CHECK_STR(seckit_aws_profile(aws), "default");
    CHECK_STR(seckit_aws_profile_source(aws), "default");
    seckit_aws_free(aws);
    o.region = NULL;
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_STR(seckit_aws_region(aws), "");
    CHECK_STR(seckit_aws_region_source(aws), "");
    seckit_aws_free(aws);
    clean_env();
}

/* The SSO portal's endpoint goes through the same resolution as the other
 * services': AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL, the [services]
 * section, the profile's endpoint_url, and the ignore switch. */
static void test_sso_endpoint_config(void)
{
    clean_env();
    seckit_aws *aws;
    seckit_error err;
    char url[300];
    seckit_aws_options o = {.version = SECKIT_AWS_OPTIONS_VERSION, .region = "eu-west-1"};
    write_file(".aws/config",
               "[default]\nservices = local\n"
               "[services local]\nsso =\n  endpoint_url = http://svc-sso:5/\n"
               "[profile wide]\nendpoint_url = http://profile-wide:1\n"
               "[profile quiet]\nservices = local\nignore_configured_endpoint_urls = true\n"
               "[profile bad]\nservices = badsvc\n"
               "[services badsvc]\nsso =\n  endpoint_url = ftp://nope\n");
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(skt_aws_configured_endpoint_for(aws, "sso", url, sizeof url, &err), &err);
    CHECK_STR(url, "http://svc-sso:5");
    setenv("AWS_ENDPOINT_URL", "http://all:6", 1);
    CHECK_OK(skt_aws_configured_endpoint_for(aws, "sso", url, sizeof url, &err), &err);
    CHECK_STR(url, "http://all:6");
    setenv("AWS_ENDPOINT_URL_SSO", "http://env-sso:7", 1);
    CHECK_OK(skt_aws_configured_endpoint_for(aws, "sso", url, sizeof url, &err), &err);
    CHECK_STR(url, "http://env-sso:7");
    seckit_aws_free(aws);
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_SSO");
    /* --endpoint-url for S3 is not the portal's. */
    o.endpoint_url = "http://cli-s3:9";
    o.endpoint_service = "s3";
    o.profile = "wide";
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(skt_aws_configured_endpoint_for(aws, "sso", url, sizeof url, &err), &err);
    CHECK_STR(url, "http://profile-wide:1");
    seckit_aws_free(aws);
    o.endpoint_url = NULL;
    o.endpoint_service = NULL;
    /* Ignored: nothing configured, the default portal is used. */
    o.profile = "quiet";
    setenv("AWS_ENDPOINT_URL_SSO", "http://env-sso:7", 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(skt_aws_configured_endpoint_for(aws, "sso", url, sizeof url, &err), &err);
    CHECK_STR(url, "");
    seckit_aws_free(aws);
    unsetenv("AWS_ENDPOINT_URL_SSO");
    /* A bad URL is an error naming where it is set. */
    o.profile = "bad";
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_RC(skt_aws_configured_endpoint_for(aws, "sso", url, sizeof url, &err), SECKIT_EINVAL);
    CHECK(strstr(err.message, "[services badsvc] sso.endpoint_url") != NULL);
    seckit_aws_free(aws);
    clean_env();
}

static void test_max_attempts(void)
{
    clean_env();
    write_file(".aws/config", "[default]\nmax_attempts = 5\n");
    seckit_aws *aws;
    seckit_error err;
    seckit_aws_options o = SECKIT_AWS_OPTIONS_INIT;
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK(aws->max_attempts == 5);
    seckit_aws_free(aws);
    setenv("AWS_MAX_ATTEMPTS", "2", 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK(aws->max_attempts == 2);
    seckit_aws_free(aws);
    /* botocore: any whole number of 1 or more, no upper bound. */
    setenv("AWS_MAX_ATTEMPTS", "25", 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK(aws->max_attempts == 25);
    seckit_aws_free(aws);
    const char *bad[] = {"0", "-1", "3x", "1.5", "99999999999", "ten"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setenv("AWS_MAX_ATTEMPTS", bad[i], 1);
        CHECK_RC(seckit_aws_new(&aws, &o, &err), SECKIT_EINVAL);
        CHECK(strstr(err.message, "AWS_MAX_ATTEMPTS") != NULL);
    }
    unsetenv("AWS_MAX_ATTEMPTS");
    o.max_attempts = 11;
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK(aws->max_attempts == 11);
    seckit_aws_free(aws);
    o.max_attempts = -1;
    CHECK_RC(seckit_aws_new(&aws, &o, &err), SECKIT_EINVAL);
    clean_env();
}

/* --endpoint-url is for one service; AWS_ENDPOINT_URL_<SERVICE>,
 * AWS_ENDPOINT_URL, [services NAME] sections, the profile's endpoint_url,
 * and the ignore switch, in the AWS CLI's order. */
static void test_endpoint_config(void)
{
    clean_env();
    seckit_aws *aws;
    seckit_error err;
    const char *url;
    seckit_aws_options o = {.version = SECKIT_AWS_OPTIONS_VERSION,
                            .region = "eu-west-1",
                            .endpoint_url = "http://cli-s3:9",
                            .endpoint_service = "s3"};
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_endpoint(aws, &url, "s3", &err), &err);
    CHECK_STR(url, "http://cli-s3:9");
    CHECK(skt_aws_endpoint_is_custom(aws, "s3"));
    CHECK_OK(seckit_aws_endpoint(aws, &url, "sts", &err), &err);
    CHECK_STR(url, "https://sts.eu-west-1.amazonaws.com"); /* not the S3 endpoint */
    CHECK(!skt_aws_endpoint_is_custom(aws, "sts"));
    CHECK_OK(seckit_aws_endpoint(aws, &url, "kms", &err), &err);
    CHECK_STR(url, "https://kms.eu-west-1.amazonaws.com");
    seckit_aws_free(aws);
    o.endpoint_service = "dynamodb";
    CHECK_RC(seckit_aws_new(&aws, &o, &err), SECKIT_EINVAL);
    o.endpoint_service = "s3";

    /* The services section the profile names. */
    write_file(".aws/config", "[default]\nservices = local\nendpoint_url = http://profile-wide:1\n"
                              "[services local]\nsts =\n  endpoint_url = http://svc-sts:2\n"
                              "kms =\n  endpoint_url = http://svc-kms:3\n"
                              "[profile ghosts]\nservices = missing\n"
                              "[profile quiet]\nignore_configured_endpoint_urls = true\n"
                              "endpoint_url = http://ignored:4\n"
                              "[profile odd]\nignore_configured_endpoint_urls = maybe\n"
                              "[profile envonly]\nservices = local\n");
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_endpoint(aws, &url, "sts", &err), &err);
    CHECK_STR(url, "http://svc-sts:2");
    CHECK_OK(seckit_aws_endpoint(aws, &url, "kms", &err), &err);
    CHECK_STR(url, "http://svc-kms:3");
    CHECK_OK(seckit_aws_endpoint(aws, &url, "ssm", &err), &err);
    CHECK_STR(url, "http://profile-wide:1"); /* not in the section: the profile's */
    CHECK_OK(seckit_aws_endpoint(aws, &url, "s3", &err), &err);
    CHECK_STR(url, "http://cli-s3:9");
    seckit_aws_free(aws);
    /* Environment over the services section. */
    setenv("AWS_ENDPOINT_URL", "http://env-all:5", 1);
    setenv("AWS_ENDPOINT_URL_STS", "http://env-sts:6", 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_endpoint(aws, &url, "sts", &err), &err);
    CHECK_STR(url, "http://env-sts:6");
    CHECK_OK(seckit_aws_endpoint(aws, &url, "kms", &err), &err);
    CHECK_STR(url, "http://env-all:5");
    seckit_aws_free(aws);
    /* Ignore switch in the environment: only --endpoint-url is left. */
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_endpoint(aws, &url, "sts", &err), &err);
    CHECK_STR(url, "https://sts.eu-west-1.amazonaws.com");
    CHECK_OK(seckit_aws_endpoint(aws, &url, "s3", &err), &err);
    CHECK_STR(url, "http://cli-s3:9");
    seckit_aws_free(aws);
    /* The environment's "false" wins over the profile's "true". */
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "False", 1);
    o.profile = "quiet";
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_endpoint(aws, &url, "sts", &err), &err);
    CHECK_STR(url, "http://env-sts:6");
    seckit_aws_free(aws);
    unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_STS");
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_endpoint(aws, &url, "kms", &err), &err);
    CHECK_STR(url, "https://kms.eu-west-1.amazonaws.com"); /* the profile's own is ignored */
    seckit_aws_free(aws);
    /* Bad switch values and a missing section are errors naming them. */
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "yes", 1);
    o.profile = NULL;
    CHECK_RC(seckit_aws_new(&aws, &o, &err), SECKIT_EINVAL);
    CHECK(strstr(err.message, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") != NULL &&
          strstr(err.message, "'yes'") != NULL);
    unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    o.profile = "odd";
    CHECK_RC(seckit_aws_new(&aws, &o, &err), SECKIT_EINVAL);
    CHECK(strstr(err.message, "ignore_configured_endpoint_urls") != NULL &&
          strstr(err.message, "'maybe'") != NULL);
    o.profile = "ghosts";
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_RC(seckit_aws_endpoint(aws, &url, "kms", &err), SECKIT_EINVAL);
    CHECK(strstr(err.message, "[services missing]") != NULL);
    seckit_aws_free(aws);
    /* A bad URL names where it came from. */
    o.profile = NULL;
    setenv("AWS_ENDPOINT_URL_KMS", "ftp://x", 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_RC(seckit_aws_endpoint(aws, &url, "kms", &err), SECKIT_EINVAL);
    CHECK(strstr(err.message, "AWS_ENDPOINT_URL_KMS") != NULL);
    seckit_aws_free(aws);
    /* Without endpoint_service, --endpoint-url is every service's (library default). */
    o.endpoint_service = NULL;
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(seckit_aws_endpoint(aws, &url, "kms", &err), &err);
    CHECK_STR(url, "http://cli-s3:9");
    seckit_aws_free(aws);
    clean_env();
}

static void test_region_helpers(void)
{
    char r[64], url[256];
    seckit_error err;
    CHECK(skt_aws_arn_region("arn:aws:kms:eu-central-1:123456789012:key/abc", r) == 1);
    CHECK_STR(r, "eu-central-1");
    CHECK(skt_aws_arn_region("arn:aws-cn:kms:cn-north-1:123456789012:alias/x", r) == 1);
    CHECK_STR(r, "cn-north-1");
    CHECK(skt_aws_arn_region("1234abcd-12ab-34cd-56ef-1234567890ab", r) == 0);
    CHECK(skt_aws_arn_region("alias/my-key", r) == 0);
    CHECK(skt_aws_arn_region("arn:aws:kms::123:key/x", r) == 0);
    CHECK(skt_aws_arn_region("arn:aws:kms:EU_WEST:123:key/x", r) == 0);
    CHECK(skt_aws_arn_region("arn:aws:kms", r) == 0);
    CHECK(skt_aws_arn_region(NULL, r) == 0);
    CHECK_OK(skt_aws_default_endpoint("kms", "ap-south-1", url, sizeof url, &err), &err);
    CHECK_STR(url, "https://kms.ap-south-1.amazonaws.com");
    CHECK_OK(skt_aws_default_endpoint("s3", "cn-north-1", url, sizeof url, &err), &err);
    CHECK_STR(url, "https://s3.cn-north-1.amazonaws.com.cn");
    CHECK(skt_aws_valid_region("eu-west-1") && !skt_aws_valid_region("eu west") &&
          !skt_aws_valid_region("") && !skt_aws_valid_region("-x") &&
          !skt_aws_valid_region("evil.example.com"));
    /* Remembered bucket regions. */
    seckit_aws *aws;
    seckit_aws_options o = {.version = SECKIT_AWS_OPTIONS_VERSION, .region = "us-east-1"};
    clean_env();
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK(skt_aws_bucket_region(aws, "b") == NULL);
    skt_aws_remember_bucket_region(aws, "b", "eu-west-2");
    skt_aws_remember_bucket_region(aws, "c", "not a region");
    CHECK_STR(skt_aws_bucket_region(aws, "b"), "eu-west-2");
    CHECK(skt_aws_bucket_region(aws, "c") == NULL);
    for (int i = 0; i < 40; i++) {
        char name[32];
        snprintf(name, sizeof name, "bucket-%d", i);
        skt_aws_remember_bucket_region(aws, name, "ap-east-1");
    }
    CHECK(aws->n_bucket_regions == SKT_AWS_BUCKET_REGIONS);
    CHECK_STR(skt_aws_bucket_region(aws, "bucket-39"), "ap-east-1");
    seckit_aws_free(aws);
}

static void test_retry_settings(void)
{
    clean_env();
    seckit_aws *aws;
    seckit_error err;
    seckit_aws_options o = SECKIT_AWS_OPTIONS_INIT;
    const char *bad_attempts[] = {"0", "abc", "3x", "-1",
                                  "99999999999999999999"}; /* 11 is fine: no upper bound */
    for (size_t i = 0; i < sizeof bad_attempts / sizeof bad_attempts[0]; i++) {
        setenv("AWS_MAX_ATTEMPTS", bad_attempts[i], 1);
        CHECK_RC(seckit_aws_new(&aws, &o, &err), SECKIT_EINVAL);
        char want[64];
        snprintf(want, sizeof want, "'%s'", bad_attempts[i]);
        CHECK_MSG(strstr(err.message, "AWS_MAX_ATTEMPTS") != NULL &&
                      strstr(err.message, want) != NULL,
                  "message: %s", err.message);
    }
    unsetenv("AWS_MAX_ATTEMPTS");
    write_file(".aws/config", "[default]\nmax_attempts = many\n"
                              "[profile legacy]\nretry_mode = legacy\n"
                              "[profile adaptive]\nretry_mode = adaptive\nmax_attempts = 4\n"
                              "[profile weird]\nretry_mode = fast\n");
    CHECK_RC(seckit_aws_new(&aws, &o, &err), SECKIT_EINVAL);
    CHECK(strstr(err.message, "max_attempts") != NULL && strstr(err.message, "'many'") != NULL);
    /* The environment's valid value wins over the profile's bad one. */
    setenv("AWS_MAX_ATTEMPTS", " 4 ", 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK(aws->max_attempts == 4);
    seckit_aws_free(aws);
    unsetenv("AWS_MAX_ATTEMPTS");
    o.profile = "legacy";
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK(aws->max_attempts == 5 && aws->retry_mode == SKT_RETRY_MODE_LEGACY);
    seckit_aws_free(aws);
    o.profile = "adaptive";
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK(aws->max_attempts == 4 && aws->retry_mode == SKT_RETRY_MODE_ADAPTIVE);
    seckit_aws_free(aws);
    o.profile = "weird";
    CHECK_RC(seckit_aws_new(&aws, &o, &err), SECKIT_EINVAL);
    CHECK(strstr(err.message, "retry_mode") != NULL && strstr(err.message, "'fast'") != NULL);
    setenv("AWS_RETRY_MODE", "Standard", 1); /* names are lower-case, as in the AWS CLI */
    o.profile = "legacy";
    CHECK_RC(seckit_aws_new(&aws, &o, &err), SECKIT_EINVAL);
    CHECK(strstr(err.message, "AWS_RETRY_MODE") != NULL &&
          strstr(err.message, "'Standard'") != NULL);
    setenv("AWS_RETRY_MODE", "standard", 1);
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK(aws->max_attempts == 3); /* the environment's mode over the profile's legacy */
    seckit_aws_free(aws);
    clean_env();
}

/* Which proxy, by the AWS CLI's rules (lower-case first, HTTP_PROXY not in
 * CGI, no ALL_PROXY), and the no-proxy list. */
static void test_proxy_rules(void)
{
    clean_env();
    char proxy[256], np[512];
    skt_aws_proxy_for("https", proxy, sizeof proxy, np, sizeof np);
    CHECK_STR(proxy, "");
    CHECK(strstr(np, "127.0.0.1") != NULL && strstr(np, "169.254.169.254") != NULL);
    setenv("ALL_PROXY", "http://all:1", 1);
    setenv("all_proxy", "http://all:1", 1);
    skt_aws_proxy_for("https", proxy, sizeof proxy, np, sizeof np);
    CHECK_STR(proxy, "");
    setenv("HTTPS_PROXY", "http://upper-s:2", 1);
    setenv("HTTP_PROXY", "http://upper:3", 1);
    skt_aws_proxy_for("https", proxy, sizeof proxy, np, sizeof np);
    CHECK_STR(proxy, "http://upper-s:2");
    skt_aws_proxy_for("http", proxy, sizeof proxy, np, sizeof np);
    CHECK_STR(proxy, "http://upper:3");
    setenv("https_proxy", "http://lower-s:4", 1);
    setenv("http_proxy", "http://lower:5", 1);
    skt_aws_proxy_for("https", proxy, sizeof proxy, np, sizeof np);
    CHECK_STR(proxy, "http://lower-s:4");
    skt_aws_proxy_for("http", proxy, sizeof proxy, np, sizeof np);
    CHECK_STR(proxy, "http://lower:5");
    /* In a CGI program HTTP_PROXY may come from the request: not used. */
    unsetenv("http_proxy");
    setenv("REQUEST_METHOD", "GET", 1);
    skt_aws_proxy_for("http", proxy, sizeof proxy, np, sizeof np);
    CHECK_STR(proxy, "");
    skt_aws_proxy_for("https", proxy, sizeof proxy, np, sizeof np);
    CHECK_STR(proxy, "http://lower-s:4");
    unsetenv("REQUEST_METHOD");
    /* An https endpoint never uses the http proxy. */
    unsetenv("https_proxy");
    unsetenv("HTTPS_PROXY");
    skt_aws_proxy_for("https", proxy, sizeof proxy, np, sizeof np);
    CHECK_STR(proxy, "");
    setenv("NO_PROXY", "upper.example", 1);
    skt_aws_proxy_for("http", proxy, sizeof proxy, np, sizeof np);
    CHECK(strncmp(np, "upper.example,", 14) == 0 && strstr(np, "::1") != NULL);
    setenv("no_proxy", ".lower.example", 1);
    skt_aws_proxy_for("http", proxy, sizeof proxy, np, sizeof np);
    CHECK(strncmp(np, ".lower.example,", 15) == 0);
    setenv("no_proxy", " * ", 1);
    skt_aws_proxy_for("http", proxy, sizeof proxy, np, sizeof np);
    CHECK_STR(np, "*");
    clean_env();
}

/* Header names must be tokens, values free of control characters. */
static void test_header_check(void)
{
    seckit_error err;
    CHECK_OK(skt_aws_check_header("Content-Type", "text/plain; charset=utf-8", "t", &err), &err);
    CHECK_OK(skt_aws_check_header("x-amz-meta-a", "", "t", &err), &err);
    CHECK_OK(skt_aws_check_header("x-amz-meta-u", "caf\xc3\xa9", "t", &err), &err);
    const char *bad_values[] = {"a\nX-Injected: 1", "a\rb", "tab\there", "nul\x01", "del\x7f"};
    for (size_t i = 0; i < sizeof bad_values / sizeof bad_values[0]; i++) {
        CHECK_RC(skt_aws_check_header("Content-Type", bad_values[i], "s3 PutObject", &err),
                 SECKIT_EINVAL);
        CHECK(strstr(err.message, "Content-Type") != NULL &&
              strstr(err.message, "control character") != NULL &&
              strchr(err.message, '\n') == NULL);
    }
    const char *bad_names[] = {"", "X Bad", "X-Bad:", "X-Bad\r\nInjected", "caf\xc3\xa9", "a(b)"};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        CHECK_RC(skt_aws_check_header(bad_names[i], "v", "s3 PutObject", &err), SECKIT_EINVAL);
        CHECK(strstr(err.message, "not a valid HTTP header name") != NULL &&
              strchr(err.message, '\n') == NULL && strchr(err.message, '\r') == NULL);
    }
    CHECK_RC(skt_aws_check_header(NULL, "v", "t", &err), SECKIT_EINVAL);
    CHECK_RC(skt_aws_check_header("n", NULL, "t", &err), SECKIT_EINVAL);
}

static void test_retry_policy(void)
{
    CHECK(skt_retry_classify(0, 500, "InternalError") == SKT_RETRY_TRANSIENT);
    CHECK(skt_retry_classify(0, 502, NULL) == SKT_RETRY_TRANSIENT);
    CHECK(skt_retry_classify(0, 503, "SlowDown") == SKT_RETRY_THROTTLE);
    CHECK(skt_retry_classify(0, 501, "NotImplemented") == SKT_RETRY_NO);
    CHECK(skt_retry_classify(0, 400, "ThrottlingException") == SKT_RETRY_THROTTLE);
    CHECK(skt_retry_classify(0, 400, "Throttling") == SKT_RETRY_THROTTLE);
    CHECK(skt_retry_classify(0, 400, "RequestLimitExceeded") == SKT_RETRY_THROTTLE);
    CHECK(skt_retry_classify(0, 400, "TooManyRequestsException") == SKT_RETRY_THROTTLE);
    CHECK(skt_retry_classify(0, 400, "ProvisionedThroughputExceededException") ==
          SKT_RETRY_THROTTLE);
    CHECK(skt_retry_classify(0, 429, "x") == SKT_RETRY_THROTTLE);
    CHECK(skt_retry_classify(0, 400, "RequestTimeout") == SKT_RETRY_TRANSIENT);
    CHECK(skt_retry_classify(0, 400, "ValidationException") == SKT_RETRY_NO);
    CHECK(skt_retry_classify(0, 403, "AccessDenied") == SKT_RETRY_NO);
    CHECK(skt_retry_classify(SECKIT_ENETWORK, 0, NULL) == SKT_RETRY_TRANSIENT);
    CHECK(skt_retry_classify(SECKIT_ETIMEOUT, 0, NULL) == SKT_RETRY_TIMEOUT);
    CHECK(skt_retry_classify(SECKIT_EIO, 0, NULL) == SKT_RETRY_NO);
    /* backoff: rand x 2^(n-1) s, capped at 20 s */
    CHECK(skt_retry_backoff_ms(1, 1.0) == 1000);
    CHECK(skt_retry_backoff_ms(2, 1.0) == 2000);
    CHECK(skt_retry_backoff_ms(3, 0.5) == 2000);
    CHECK(skt_retry_backoff_ms(5, 1.0) == 16000);
    CHECK(skt_retry_backoff_ms(6, 1.0) == 20000);
    CHECK(skt_retry_backoff_ms(30, 1.0) == 20000);
    CHECK(skt_retry_backoff_ms(2, 0.0) == 0);
    CHECK(skt_retry_backoff_ms(2, 0.25) == 500);
    /* quota */
    skt_retry_quota q;
    skt_retry_quota_init(&q);
    int cost;
    CHECK(q.tokens == 500);
    CHECK(skt_retry_quota_acquire(&q, SKT_RETRY_TIMEOUT, &cost) == 0 && cost == 10);
    CHECK(skt_retry_quota_acquire(&q, SKT_RETRY_THROTTLE, &cost) == 0 && cost == 5);
    CHECK(q.tokens == 485);
    skt_retry_quota_release(&q, 5);
    CHECK(q.tokens == 490);
    skt_retry_quota_release(&q, 0);
    CHECK(q.tokens == 491);
    q.tokens = 7;
    CHECK(skt_retry_quota_acquire(&q, SKT_RETRY_TIMEOUT, &cost) == -1);
    CHECK(skt_retry_quota_acquire(&q, SKT_RETRY_TRANSIENT, &cost) == 0);
    CHECK(skt_retry_quota_acquire(&q, SKT_RETRY_TRANSIENT, &cost) == -1);
    q.tokens = 500;
    skt_retry_quota_release(&q, 0);
    CHECK(q.tokens == 500);
}

static void test_error_parsing(void)
{
    seckit_error err;
    const char *s3 =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
        "<Message>The resource you requested does not exist</Message>"
        "<Resource>/mybucket/myfoto.jpg</Resource><RequestId>4442587FB7D0A2F9</RequestId>"
        "</Error>";
    CHECK_RC(skt_aws_parse_error(SECKIT_AWS_PROTO_REST_XML, 404, "GET", s3, strlen(s3), NULL,
                                 "s3 GetObject", &err),
             SECKIT_EAWS);
    CHECK_STR(err.aws_code, "NoSuchKey");
    CHECK_STR(err.aws_request_id, "4442587FB7D0A2F9");
    CHECK(err.http_status == 404);
    CHECK_STR(err.message, "s3 GetObject: The resource you requested does not exist (HTTP 404)");
    const char *json = "{\"__type\":\"com.amazon.coral.service#UnrecognizedClientException\","
                       "\"message\":\"The security token included in the request is invalid.\"}";
    CHECK_RC(skt_aws_parse_error(SECKIT_AWS_PROTO_JSON, 400, "POST", json, strlen(json), "rid-1",
                                 "kms Decrypt", &err),
             SECKIT_EAWSAUTH);
    CHECK_STR(err.aws_code, "UnrecognizedClientException");
    CHECK_STR(err.aws_request_id, "rid-1");
    const char *json2 = "{\"__type\":\"ParameterNotFound\",\"Message\":\"nope\"}";
    CHECK_RC(skt_aws_parse_error(SECKIT_AWS_PROTO_JSON, 400, "POST", json2, strlen(json2), NULL,
                                 "ssm GetParameter", &err),
             SECKIT_EAWS);
    CHECK_STR(err.aws_code, "ParameterNotFound");
    CHECK(strstr(err.message, "nope") != NULL);
    const char *q = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                    "<Error><Type>Sender</Type><Code>ExpiredToken</Code>"
                    "<Message>The security token included in the request is expired</Message>"
                    "</Error><RequestId>abc-123</RequestId></ErrorResponse>";
    CHECK_RC(skt_aws_parse_error(SECKIT_AWS_PROTO_QUERY, 403, "POST", q, strlen(q), NULL,
                                 "sts GetCallerIdentity", &err),
             SECKIT_EAWSAUTH);
    CHECK_STR(err.aws_code, "ExpiredToken");
    CHECK_STR(err.aws_request_id, "abc-123");
    /* Entities and control characters in messages. */
    const char *ent = "<Error><Code>InvalidArgument</Code><Message>a &lt;b&gt; &amp; &#x41;&#10;z"
                      "</Message></Error>";
    skt_aws_parse_error(SECKIT_AWS_PROTO_REST_XML, 400, "PUT", ent, strlen(ent), NULL,
                        "s3 PutObject", &err);
    CHECK_STR(err.message, "s3 PutObject: a <b> & A z (HTTP 400)");
    /* HEAD: no body; status names the code. */
    CHECK_RC(skt_aws_parse_error(SECKIT_AWS_PROTO_REST_XML, 403, "HEAD", NULL, 0, "r",
                                 "s3 HeadObject", &err),
             SECKIT_EAWS);
    CHECK_STR(err.aws_code, "Forbidden");
    /* Garbage bodies. */
    const char *html = "<html><body>502 Bad Gateway</body></html>";
    CHECK_RC(skt_aws_parse_error(SECKIT_AWS_PROTO_QUERY, 502, "POST", html, strlen(html), NULL,
                                 "iam GetRole", &err),
             SECKIT_EAWS);
    CHECK_STR(err.aws_code, "BadGateway");
    CHECK(strstr(err.message, "not a valid XML error") != NULL);
    CHECK_RC(skt_aws_parse_error(SECKIT_AWS_PROTO_JSON, 418, "POST", "{nope", 5, NULL, "kms x",
                                 &err),
             SECKIT_EAWS);
    CHECK_STR(err.aws_code, "HTTP418");
    const char *badcode = "{\"__type\":\"a b<script>\",\"message\":\"m\"}";
    skt_aws_parse_error(SECKIT_AWS_PROTO_JSON, 400, "POST", badcode, strlen(badcode), NULL, "x",
                        &err);
    CHECK_STR(err.aws_code, "BadRequest");
    CHECK(skt_aws_is_auth_code("SignatureDoesNotMatch"));
    CHECK(skt_aws_is_auth_code("InvalidClientTokenId"));
    CHECK(!skt_aws_is_auth_code("AccessDenied"));
}

static void test_scrub(void)
{
    seckit_aws_credentials c = {0};
    snprintf(c.secret_access_key, sizeof c.secret_access_key, "S3cr3tKey/abc");
    snprintf(c.session_token, sizeof c.session_token, "TokenValue==");
    seckit_error err;
    seckit_error_set(&err, SECKIT_EAWS, "x S3cr3tKey/abc y TokenValue== z S3cr3tKey/abc");
    skt_aws_scrub(&c, &err);
    CHECK_STR(err.message, "x **** y **** z ****");
}

static const char *XML_DOC = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                             "<!-- comment -->\n"
                             "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                             "<Name>bucket</Name><Prefix/><KeyCount>2</KeyCount>"
                             "<Contents><Key>a &amp; b</Key><Size>5</Size></Contents>"
                             "<Contents><Key><![CDATA[<raw>]]></Key><Size>7</Size></Contents>"
                             "<s3:Extra attr='1' other=\"&quot;\">t</s3:Extra>"
                             "</ListBucketResult>\n";

static void test_xml(void)
{
    skt_xml_node *root;
    seckit_error err;
    CHECK_OK(skt_xml_parse(XML_DOC, strlen(XML_DOC), &root, &err), &err);
    CHECK_STR(skt_xml_local(root), "ListBucketResult");
    CHECK_STR(skt_xml_text(root, "Name"), "bucket");
    CHECK_STR(skt_xml_text(root, "Prefix"), "");
    const skt_xml_node *c = skt_xml_child(root, "Contents");
    CHECK_STR(skt_xml_text(c, "Key"), "a & b");
    c = skt_xml_next_same(c);
    CHECK(c != NULL);
    CHECK_STR(skt_xml_text(c, "Key"), "<raw>");
    CHECK(skt_xml_next_same(c) == NULL);
    CHECK_STR(skt_xml_text(root, "Extra"), "t");
    CHECK(skt_xml_text(root, "Missing") == NULL);
    skt_xml_free(root);
    /* Every truncation fails cleanly. */
    size_t n = strlen(XML_DOC), ok = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        int rc = skt_xml_parse(XML_DOC, i, &root, &err);
        if (rc == 0) {
            ok++;
            skt_xml_free(root);
        }
    }
    CHECK_MSG(ok == 0, "%zu truncations parsed", ok);
    /* Bit flips: never crash; results either parse or fail with a code. */
    char *copy = malloc(n);
    size_t parsed = 0, failed = 0;
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 8; b++) {
            memcpy(copy, XML_DOC, n);
            copy[i] ^= (char)(1 << b);
            int rc = skt_xml_parse(copy, n, &root, &err);
            if (rc == 0) {
                parsed++;
                skt_xml_free(root);
            } else {
                CHECK(rc == SECKIT_EFORMAT || rc == SECKIT_ETRUNCATED || rc == SECKIT_EUNSUPPORTED);
                failed++;
            }
        }
    free(copy);
    printf("# xml bit flips: %zu parsed, %zu refused\n", parsed, failed);
    /* Refusals. */
    struct {
        const char *doc;
        int rc;
    } bad[] = {
        {"<!DOCTYPE x [<!ENTITY e \"boom\">]><x>&e;</x>", SECKIT_EUNSUPPORTED},
        {"<x>&e;</x>", SECKIT_EFORMAT},
        {"<x>&#0;</x>", SECKIT_EFORMAT},
        {"<x>&#xD800;</x>", SECKIT_EFORMAT},
        {"<x>&#x110000;</x>", SECKIT_EFORMAT},
        {"<x></y>", SECKIT_EFORMAT},
        {"<x>", SECKIT_ETRUNCATED},
        {"", SECKIT_ETRUNCATED},
        {"<x/><y/>", SECKIT_EFORMAT},
        {"<x a=1/>", SECKIT_EFORMAT},
        {"<x a=\"1\"b=\"2\"/>", SECKIT_EFORMAT},
        {"<x>\x01</x>", SECKIT_EFORMAT},
        {"<x>]]></x>", SECKIT_EFORMAT},
        {"text", SECKIT_EFORMAT},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_RC(skt_xml_parse(bad[i].doc, strlen(bad[i].doc), &root, &err), bad[i].rc);
    /* Depth limit. */
    char deep[2000] = "";
    for (int i = 0; i < 70; i++)
        strcat(deep, "<a>");
    for (int i = 0; i < 70; i++)
        strcat(deep, "</a>");
    CHECK_RC(skt_xml_parse(deep, strlen(deep), &root, &err), SECKIT_ELIMIT);
    CHECK_OK(skt_xml_parse("<a>&#x10FFFF;&#233;</a>", 23, &root, &err), &err);
    CHECK_STR(root->text, "\xF4\x8F\xBF\xBF\xC3\xA9");
    skt_xml_free(root);
}

static void test_credentials_json(void)
{
    seckit_aws_credentials c;
    seckit_error err;
    const char *j = "{\"Code\":\"Success\",\"AccessKeyId\":\"ASIA1\",\"SecretAccessKey\":\"s\","
                    "\"Token\":\"t\",\"Expiration\":\"2030-01-01T00:00:00Z\"}";
    CHECK_OK(skt_aws_parse_credentials_json(j, strlen(j), "imds", &c, &err), &err);
    CHECK_STR(c.access_key_id, "ASIA1");
    CHECK_STR(c.session_token, "t");
    CHECK(c.expiration == 1893456000LL);
    const char *bad[] = {
        "[]",
        "{\"AccessKeyId\":\"A\"}",
        "{\"Code\":\"Failure\"}",
        "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\",\"Expiration\":\"soon\"}",
        "{\"AccessKeyId\":\"A B\",\"SecretAccessKey\":\"s\"}",
        "nope"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(skt_aws_parse_credentials_json(bad[i], strlen(bad[i]), "x", &c, &err) < 0);
}

/* Plain http for container credentials: loopback IP literals and the ECS/EKS
 * agent addresses only, with the host as libcurl parses it. */
static void test_container_url_check(void)
{
    static const char *const ok[] = {"http://127.0.0.1:8080/creds",
                                     "http://127.9.8.7/x",
                                     "http://[::1]:9911/get",
                                     "http://169.254.170.2/v2/credentials/abc",
                                     "http://169.254.170.23/v1/credentials",
                                     "http://[fd00:ec2::23]/v1/credentials",
                                     "https://creds.example.com/x",
                                     "HTTP://127.0.0.1/upper-case-scheme"};
    static const char *const bad[] = {"http://127.0.0.1.example.net/",
                                      "http://127.0.0.1.example.net:80/creds",
                                      "http://localhost/creds",
                                      "http://127.0.0.1@evil.example/creds",
                                      "http://user:pw@127.0.0.1/creds",
                                      "http://169.254.170.20/",
                                      "http://169.254.170.2.nip.io/",
                                      "http://[::2]/",
                                      "http://[::ffff:127.0.0.1]/",
                                      "http://example.com/creds",
                                      "ftp://127.0.0.1/",
                                      "127.0.0.1/creds",
                                      "",
                                      "http://[fd00:ec2::24]/",
                                      "http://128.0.0.1/",
                                      "http://evil.example/127.0.0.1"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        CHECK_MSG(skt_aws_container_url_allowed(ok[i]) == 1, "refused %s", ok[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_MSG(skt_aws_container_url_allowed(bad[i]) == 0, "allowed %s", bad[i]);
    CHECK(skt_aws_container_url_allowed(NULL) == 0);
}

/* The instance metadata endpoint: default, IPv6 mode (environment or
 * profile), explicit endpoint. */
static void test_imds_endpoint(void)
{
    clean_env();
    unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
    write_file(".aws/config", "[profile six]\nec2_metadata_service_endpoint_mode = IPv6\n"
                              "[profile ep]\nec2_metadata_service_endpoint = http://127.0.0.1:1/\n"
                              "[profile bad]\nec2_metadata_service_endpoint_mode = IPv5\n");
    seckit_aws *aws;
    seckit_error err;
    seckit_aws_options o = SECKIT_AWS_OPTIONS_INIT;
    char base[512];
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(skt_aws_imds_base(aws, base, sizeof base, &err), &err);
    CHECK_STR(base, "http://169.254.169.254");
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ipv6", 1);
    CHECK_OK(skt_aws_imds_base(aws, base, sizeof base, &err), &err);
    CHECK_STR(base, "http://[fd00:ec2::254]");
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv4", 1);
    CHECK_OK(skt_aws_imds_base(aws, base, sizeof base, &err), &err);
    CHECK_STR(base, "http://169.254.169.254");
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ipv5", 1);
    CHECK_RC(skt_aws_imds_base(aws, base, sizeof base, &err), SECKIT_EINVAL);
    CHECK(strstr(err.message, "IPv4 or IPv6") != NULL);
    /* the endpoint wins over the mode */
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9/", 1);
    CHECK_OK(skt_aws_imds_base(aws, base, sizeof base, &err), &err);
    CHECK_STR(base, "http://127.0.0.1:9");
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "file:///etc/passwd", 1);
    CHECK_RC(skt_aws_imds_base(aws, base, sizeof base, &err), SECKIT_EINVAL);
    unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
    seckit_aws_free(aws);
    o.profile = "six";
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(skt_aws_imds_base(aws, base, sizeof base, &err), &err);
    CHECK_STR(base, "http://[fd00:ec2::254]");
    seckit_aws_free(aws);
    o.profile = "ep";
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_OK(skt_aws_imds_base(aws, base, sizeof base, &err), &err);
    CHECK_STR(base, "http://127.0.0.1:1");
    seckit_aws_free(aws);
    o.profile = "bad";
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_RC(skt_aws_imds_base(aws, base, sizeof base, &err), SECKIT_EINVAL);
    CHECK(strstr(err.message, "ec2_metadata_service_endpoint_mode") != NULL);
    seckit_aws_free(aws);
    clean_env();
}

/* The AWS CLI's cache file names: SHA-1 of Python's json.dumps of the call's
 * arguments (sort_keys; ", "/": " for assume-role, "," / ":" for SSO;
 * ensure_ascii escapes).  Expected values computed with Python's hashlib
 * and json. */
static void test_cache_keys(void)
{
    char k[41];
    seckit_error err;
    CHECK_OK(skt_cred_cache_key_role("arn:aws:iam::123456789012:role/MockRole", "wi-test", NULL,
                                     NULL, 0, k, &err),
             &err);
    CHECK_STR(k, "cc6354c68980f1ad61191521347ecfb6dc339eb6");
    /* a generated session name is not part of the key; "" = not configured */
    char k2[41];
    CHECK_OK(skt_cred_cache_key_role("arn:aws:iam::123456789012:role/MockRole", "", NULL, NULL, 0,
                                     k2, &err),
             &err);
    CHECK(strcmp(k, k2) != 0);
    CHECK_OK(skt_cred_cache_key_role("arn:aws:iam::123456789012:role/R\xc3\xb4le\"x\\\n\x7f"
                                     "\xf0\x9f\x98\x80",
                                     NULL, "ext", "arn:aws:iam::123456789012:mfa/tester", 3600, k,
                                     &err),
             &err);
    CHECK_STR(k, "47233f71a12b6463e1cd7add946f646f643e09a4");
    CHECK_RC(skt_cred_cache_key_role("arn:\xff", NULL, NULL, NULL, 0, k, &err), SECKIT_EFORMAT);
    CHECK_OK(skt_cred_cache_key_sso("123456789012", "MockSsoRole", "corp", "https://x", k, &err),
             &err);
    CHECK_STR(k, "c545c6edfa01d78bb870faca0204593b897f685e");
    CHECK_OK(skt_cred_cache_key_sso("123456789012", "MockSsoRole", NULL,
                                    "https://legacy.awsapps.com/start", k, &err),
             &err);
    CHECK_STR(k, "a75fb2cf6c3d2c72c5fdda20f7482f973930fee6");
    CHECK_OK(skt_sha1_hex("corp", k, &err), &err);
    CHECK_STR(k, "ee0bfd2552fbd840c02cc48b6e823320543c450f");
}

/* The credentials file's sections are part of the profile (the AWS CLI
 * merges them over the config file's): region, role_arn, source_profile. */
static void test_credentials_file_settings(void)
{
    clean_env();
    write_file(".aws/credentials", "[dev]\nrole_arn = arn:aws:iam::123456789012:role/R\n"
                                   "source_profile = base\nregion = eu-north-1\n"
                                   "[base]\naws_access_key_id = AKIDBASE\n"
                                   "aws_secret_access_key = s\n");
    write_file(".aws/config", "[profile dev]\nregion = us-west-2\nexternal_id = e1\n");
    char p[512];
    snprintf(p, sizeof p, "%s/.aws/config", tmpdir);
    setenv("AWS_CONFIG_FILE", p, 1);
    snprintf(p, sizeof p, "%s/.aws/credentials", tmpdir);
    setenv("AWS_SHARED_CREDENTIALS_FILE", p, 1);
    seckit_aws *aws;
    seckit_error err;
    seckit_aws_options o = SECKIT_AWS_OPTIONS_INIT;
    o.profile = "dev";
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    CHECK_STR(seckit_aws_region(aws), "eu-north-1");
    CHECK_STR(skt_aws_profile_get(aws, "dev", "role_arn"), "arn:aws:iam::123456789012:role/R");
    CHECK_STR(skt_aws_profile_get(aws, "dev", "source_profile"), "base");
    CHECK_STR(skt_aws_profile_get(aws, "dev", "external_id"), "e1");
    seckit_aws_free(aws);
    clean_env();
}

int main(void)
{
    if (awsenv_tmpdir(tmpdir, sizeof tmpdir, "awscfg") != 0) {
        SKIP("aws_config", "cannot make a temporary directory");
        return 0;
    }
    TEST(test_ini);
    TEST(test_region_precedence);
    TEST(test_endpoints);
    TEST(test_s3_addressing);
    TEST(test_env_credentials);
    TEST(test_partial_env_credentials);
    TEST(test_trace_redaction);
    TEST(test_max_attempts);
    TEST(test_sso_endpoint_config);
    TEST(test_endpoint_config);
    TEST(test_region_helpers);
    TEST(test_retry_settings);
    TEST(test_proxy_rules);
    TEST(test_header_check);
    TEST(test_retry_policy);
    TEST(test_error_parsing);
    TEST(test_scrub);
    TEST(test_xml);
    TEST(test_credentials_json);
    TEST(test_container_url_check);
    TEST(test_imds_endpoint);
    TEST(test_cache_keys);
    TEST(test_credentials_file_settings);
    awsenv_remove(tmpdir, NULL);
    TEST_EXIT();
}
