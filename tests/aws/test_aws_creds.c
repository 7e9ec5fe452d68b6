/* The credential chain against the loopback mock AWS server
 * (tests/aws/mock_aws): web identity (environment and profile), IAM
 * Identity Center (sso_session and legacy profiles, the token cache, expired
 * and missing tokens), assume-role with MFA, the AWS CLI's credential cache
 * (one STS call per hour, refresh of expiring entries, a failed refresh
 * keeping valid credentials, file modes), IMDSv1 fallback, credential_source
 * and profiles that name something seckit cannot use.  Every test runs with
 * a temporary HOME, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "seckit/aws.h"
#include "seckit/sts.h"
#include "src/aws/client.h"
#include "src/aws/sigv4.h"
#include "tests/aws/mockctl.h"
#include "tests/unit/testlib.h"

#define MOCK_KEY "AKIDMOCKEXAMPLE"
#define MOCK_SECRET "mockSecret/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define ROLE_KEY "ASIAMOCKROLE"
#define ROLE_SECRET "roleSecret/abcdefghijklmnopqrstuvwxyz012"
#define ROLE_TOKEN "FwoGZXIvYXdzEMockSessionToken//+=="
#define ROLE_ARN "arn:aws:iam::123456789012:role/MockRole"

static mockctl M;
static char tmpdir[256];

static void rm_rf(const char *rel)
{
    awsenv_remove(tmpdir, rel);
}

static void clean_env(void)
{
    awsenv_clear();
    /* STS and the SSO portal go to the mock; nothing else is configured. */
    setenv("AWS_ENDPOINT_URL_STS", M.url, 1);
    setenv("AWS_ENDPOINT_URL_SSO", M.url, 1);
    awsenv_config_files(tmpdir);
    rm_rf(".aws");
}

static void write_file(const char *name, const char *text)
{
    awsenv_write(tmpdir, name, text);
}

static void mkdirs(const char *rel)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/%s'", tmpdir, rel);
    if (system(cmd) != 0)
        printf("# mkdir %s failed\n", rel);
}

static int file_mode(const char *rel)
{
    char p[512];
    struct stat sb;
    snprintf(p, sizeof p, "%s/%s", tmpdir, rel);
    return stat(p, &sb) == 0 ? (int)(sb.st_mode & 07777) : -1;
}

static int cstat(const char *name)
{
    return mock_stat_at(&M, "/__creds_stats", name);
}

static struct {
    int calls;
    char serial[256], profile[128];
    const char *answer;
} mfa;

static int mfa_prompt(void *ctx, const char *profile, const char *serial, char *code, size_t n)
{
    (void)ctx;
    mfa.calls++;
    snprintf(mfa.serial, sizeof mfa.serial, "%s", serial);
    snprintf(mfa.profile, sizeof mfa.profile, "%s", profile);
    if (mfa.answer == NULL)
        return -1;
    snprintf(code, n, "%s\n", mfa.answer);
    return 0;
}

static seckit_aws *client(const char *profile, int attempts, int with_prompt)
{
    seckit_aws_options o = SECKIT_AWS_OPTIONS_INIT;
    o.region = "us-east-1";
    o.profile = profile;
    o.max_attempts = attempts;
    if (with_prompt)
        o.mfa_prompt = mfa_prompt;
    return mock_client(&o);
}

/* Credentials of a fresh client, and its error. */
static int creds_of(const char *profile, int with_prompt, seckit_aws_credentials *c,
                    seckit_error *err)
{
    seckit_aws *aws = client(profile, 1, with_prompt);
    if (aws == NULL)
        return -1;
    int rc = seckit_aws_get_credentials(aws, c, err);
    if (rc == 0) {
        /* and they work against the mock (it checks the signature) */
        seckit_aws_identity id;
        rc = seckit_sts_get_caller_identity(aws, &id, err);
    }
    seckit_aws_free(aws);
    return rc;
}

static void iso_in(long long secs, char *out, size_t n)
{
    time_t t = time(NULL) + (time_t)secs;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A cache entry as the AWS CLI writes it (Expiration with %Z = "UTC"). */
static void write_cache(const char *key, const char *akid, const char *secret, const char *token,
                        long long expires_in)
{
    char exp[40], text[1024], name[128];
    time_t t = time(NULL) + (time_t)expires_in;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(exp, sizeof exp, "%Y-%m-%dT%H:%M:%SUTC", &tm);
    snprintf(text, sizeof text,
             "{\"Credentials\": {\"AccessKeyId\": \"%s\", \"SecretAccessKey\": \"%s\", "
             "\"SessionToken\": \"%s\", \"Expiration\": \"%s\"}, \"AssumedRoleUser\": "
             "{\"AssumedRoleId\": \"AROAMOCK:x\", \"Arn\": \"arn:aws:sts::123456789012:"
             "assumed-role/MockRole/x\"}, \"ResponseMetadata\": {}}",
             akid, secret, token, exp);
    mkdirs(".aws/cli/cache");
    snprintf(name, sizeof name, ".aws/cli/cache/%s.json", key);
    write_file(name, text);
}

static long long cached_expiration(const char *key)
{
    char p[512];
    snprintf(p, sizeof p, "%s/.aws/cli/cache/%s.json", tmpdir, key);
    FILE *f = fopen(p, "r");
    if (f == NULL)
        return -1;
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *e = strstr(buf, "\"Expiration\":\"");
    if (e == NULL)
        return -1;
    char iso[40];
    if (sscanf(e + 14, "%39[^\"]", iso) != 1)
        return -1;
    return skt_parse_iso8601(iso);
}

/* ------------------------------------------------------------- tests */

static void test_web_identity_env(void)
{
    clean_env();
    write_file("oidc-token", "mock-oidc-token\n");
    char tf[512];
    snprintf(tf, sizeof tf, "%s/oidc-token", tmpdir);
    setenv("AWS_WEB_IDENTITY_TOKEN_FILE", tf, 1);
    setenv("AWS_ROLE_ARN", ROLE_ARN, 1);
    setenv("AWS_ROLE_SESSION_NAME", "wi-test", 1);
    int before = cstat("web_identity");
    seckit_aws_credentials c;
    seckit_error err;
    CHECK_OK(creds_of(NULL, 0, &c, &err), &err);
    CHECK_STR(c.source, "web-identity");
    CHECK_STR(c.access_key_id, ROLE_KEY);
    CHECK(c.expiration > time(NULL) + 3000);
    CHECK(cstat("web_identity") - before == 1);
    /* The AWS CLI's cache: the file name is the SHA-1 of
     * {"RoleArn": "...", "RoleSessionName": "wi-test"}; 0600 in 0700 folders. */
    CHECK(file_mode(".aws/cli/cache/cc6354c68980f1ad61191521347ecfb6dc339eb6.json") == 0600);
    CHECK(file_mode(".aws/cli/cache") == 0700);
    CHECK(file_mode(".aws/cli") == 0700);
    /* A second run uses the cache: no STS call. */
    CHECK_OK(creds_of(NULL, 0, &c, &err), &err);
    CHECK_STR(c.source, "web-identity");
    CHECK(cstat("web_identity") - before == 1);
    /* A wrong token: STS's error, named. */
    rm_rf(".aws");
    write_file("oidc-token", "forged-token");
    CHECK_RC(creds_of(NULL, 0, &c, &err), SECKIT_EAWS);
    CHECK_STR(err.aws_code, "InvalidIdentityToken");
    CHECK(strstr(err.message, "web identity") != NULL);
    CHECK(strstr(err.message, "forged") == NULL);
    /* No role ARN: says so. */
    unsetenv("AWS_ROLE_ARN");
    CHECK_RC(creds_of(NULL, 0, &c, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "AWS_ROLE_ARN") != NULL);
    /* A token file that does not exist. */
    setenv("AWS_ROLE_ARN", ROLE_ARN, 1);
    setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/seckit/token", 1);
    CHECK_RC(creds_of(NULL, 0, &c, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "web identity token file") != NULL);
    /* Environment keys come first in the chain. */
    setenv("AWS_ACCESS_KEY_ID", MOCK_KEY, 1);
    setenv("AWS_SECRET_ACCESS_KEY", MOCK_SECRET, 1);
    CHECK_OK(creds_of(NULL, 0, &c, &err), &err);
    CHECK_STR(c.source, "environment");
    clean_env();
}

/* Web identity's place in the chain: after the environment's keys and an
 * assume-role profile, before the profile's static keys. */
static void test_web_identity_chain_position(void)
{
    clean_env();
    write_file("oidc-token", "mock-oidc-token");
    char tf[512];
    snprintf(tf, sizeof tf, "%s/oidc-token", tmpdir);
    setenv("AWS_WEB_IDENTITY_TOKEN_FILE", tf, 1);
    setenv("AWS_ROLE_ARN", ROLE_ARN, 1);
    setenv("AWS_ROLE_SESSION_NAME", "wi-chain", 1);
    write_file("credentials", "[default]\naws_access_key_id = " MOCK_KEY
                              "\naws_secret_access_key = " MOCK_SECRET "\n"
                              "[base]\naws_access_key_id = " MOCK_KEY
                              "\naws_secret_access_key = " MOCK_SECRET "\n");
    write_file("config", "[profile dev]\nrole_arn = " ROLE_ARN "\nsource_profile = base\n"
                         "role_session_name = wi-chain-dev\n");
    seckit_aws_credentials c;
    seckit_error err;
    /* default profile with static keys: web identity comes first */
    CHECK_OK(creds_of(NULL, 0, &c, &err), &err);
    CHECK_STR(c.source, "web-identity");
    /* AWS_PROFILE=dev (role_arn + source_profile): assume-role comes first */
    setenv("AWS_PROFILE", "dev", 1);
    CHECK_OK(creds_of(NULL, 0, &c, &err), &err);
    CHECK_STR(c.source, "assume-role");
    unsetenv("AWS_PROFILE");
    /* --profile default: the environment is not used, static keys are */
    CHECK_OK(creds_of("default", 0, &c, &err), &err);
    CHECK_STR(c.source, "shared-credentials-file");
    clean_env();
}

static void test_web_identity_profile(void)
{
    clean_env();
    write_file("oidc-token", "mock-oidc-token");
    char cfg[1024];
    snprintf(cfg, sizeof cfg,
             "[profile wi]\nweb_identity_token_file = %s/oidc-token\nrole_arn = " ROLE_ARN "\n"
             "role_session_name = wi-prof\n"
             "[profile wi-norole]\nweb_identity_token_file = %s/oidc-token\n",
             tmpdir, tmpdir);
    write_file("config", cfg);
    int before = cstat("web_identity");
    seckit_aws_credentials c;
    seckit_error err;
    CHECK_OK(creds_of("wi", 0, &c, &err), &err);
    CHECK_STR(c.source, "web-identity");
    CHECK(cstat("web_identity") - before == 1);
    CHECK_OK(creds_of("wi", 0, &c, &err), &err);
    CHECK(cstat("web_identity") - before == 1);
    CHECK_RC(creds_of("wi-norole", 0, &c, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "role_arn") != NULL);
    /* An explicit profile ignores the web identity environment variables. */
    setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/seckit/token", 1);
    setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/Other", 1);
    CHECK_OK(creds_of("wi", 0, &c, &err), &err);
    clean_env();
}

static void sso_token(const char *hex, const char *token, long long expires_in)
{
    char exp[40], text[512], name[128];
    iso_in(expires_in, exp, sizeof exp);
    snprintf(text, sizeof text,
             "{\"startUrl\": \"https://corp.awsapps.com/start\", \"region\": \"us-east-1\", "
             "\"accessToken\": \"%s\", \"expiresAt\": \"%s\"}",
             token, exp);
    mkdirs(".aws/sso/cache");
    snprintf(name, sizeof name, ".aws/sso/cache/%s.json", hex);
    write_file(name, text);
}

#define SHA1_CORP "ee0bfd2552fbd840c02cc48b6e823320543c450f"
#define SHA1_LEGACY_URL "79e435d7a515078e81c9dffc35f38d5687ebd3a7"

static void test_sso(void)
{
    clean_env();
    write_file("config", "[profile sso-new]\nsso_session = corp\nsso_account_id = 123456789012\n"
                         "sso_role_name = MockSsoRole\nregion = us-east-1\n"
                         "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
                         "sso_region = us-east-1\n"
                         "[profile sso-legacy]\nsso_start_url = https://legacy.awsapps.com/start\n"
                         "sso_region = us-east-1\nsso_account_id = 123456789012\n"
                         "sso_role_name = MockSsoRole\n"
                         "[profile sso-other-role]\nsso_session = corp\n"
                         "sso_account_id = 123456789012\nsso_role_name = NotMine\n"
                         "[profile sso-partial]\nsso_account_id = 123456789012\n"
                         "[profile sso-nosession]\nsso_session = nope\n"
                         "sso_account_id = 123456789012\nsso_role_name = MockSsoRole\n");
    seckit_aws_credentials c;
    seckit_error err;
    /* No token cached yet: run aws sso login. */
    CHECK_RC(creds_of("sso-new", 0, &c, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "aws sso login --profile sso-new") != NULL);
    sso_token(SHA1_CORP, "mock-sso-access-token", 3600);
    int before = cstat("sso");
    CHECK_OK(creds_of("sso-new", 0, &c, &err), &err);
    CHECK_STR(c.source, "sso");
    CHECK_STR(c.access_key_id, ROLE_KEY);
    CHECK(c.expiration > time(NULL) + 3000);
    CHECK(cstat("sso") - before == 1);
    /* cached: {"accountId":..,"roleName":..,"sessionName":"corp"} */
    CHECK(file_mode(".aws/cli/cache/c545c6edfa01d78bb870faca0204593b897f685e.json") == 0600);
    CHECK_OK(creds_of("sso-new", 0, &c, &err), &err);
    CHECK(cstat("sso") - before == 1);
    /* The portal refuses another role: its error, no credentials. */
    CHECK_RC(creds_of("sso-other-role", 0, &c, &err), SECKIT_EAWS);
    CHECK(strstr(err.message, "no access to role NotMine") != NULL);
    /* Legacy profile: the token file is named after the start URL; an
     * expired token says to log in again. */
    sso_token(SHA1_LEGACY_URL, "mock-sso-access-token", -60);
    CHECK_RC(creds_of("sso-legacy", 0, &c, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "expired") != NULL);
    CHECK(strstr(err.message, "aws sso login --profile sso-legacy") != NULL);
    sso_token(SHA1_LEGACY_URL, "stale-token", 3600);
    CHECK_RC(creds_of("sso-legacy", 0, &c, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "aws sso login --profile sso-legacy") != NULL);
    CHECK(strstr(err.message, "stale-token") == NULL);
    sso_token(SHA1_LEGACY_URL, "mock-sso-access-token", 3600);
    CHECK_OK(creds_of("sso-legacy", 0, &c, &err), &err);
    CHECK(file_mode(".aws/cli/cache/a75fb2cf6c3d2c72c5fdda20f7482f973930fee6.json") == 0600);
    /* Incomplete configurations are named. */
    CHECK_RC(creds_of("sso-partial", 0, &c, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "sso_start_url, sso_region, sso_role_name") != NULL);
    CHECK_RC(creds_of("sso-nosession", 0, &c, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "[sso-session nope]") != NULL);
    clean_env();
}

/* The portal is reached through the endpoint configured for "sso" like
 * any other service's: here the profile's [services] section, then
 * AWS_ENDPOINT_URL (AWS_ENDPOINT_URL_SSO is unset). */
static void test_sso_endpoint(void)
{
    clean_env();
    unsetenv("AWS_ENDPOINT_URL_SSO");
    char cfg[1024];
    snprintf(cfg, sizeof cfg,
             "[profile sso-svc]\nsso_start_url = https://legacy.awsapps.com/start\n"
             "sso_region = us-east-1\nsso_account_id = 123456789012\n"
             "sso_role_name = MockSsoRole\nservices = local\n"
             "[profile sso-plain]\nsso_start_url = https://legacy.awsapps.com/start\n"
             "sso_region = us-east-1\nsso_account_id = 123456789012\n"
             "sso_role_name = MockSsoRole\n"
             "[services local]\nsso =\n  endpoint_url = %s\n",
             M.url);
    write_file("config", cfg);
    sso_token(SHA1_LEGACY_URL, "mock-sso-access-token", 3600);
    seckit_aws_credentials c;
    seckit_error err;
    int before = cstat("sso");
    CHECK_OK(creds_of("sso-svc", 0, &c, &err), &err);
    CHECK_STR(c.source, "sso");
    CHECK(cstat("sso") - before == 1);
    rm_rf(".aws/cli/cache");
    setenv("AWS_ENDPOINT_URL", M.url, 1);
    CHECK_OK(creds_of("sso-plain", 0, &c, &err), &err);
    CHECK(cstat("sso") - before == 2);
    unsetenv("AWS_ENDPOINT_URL");
    clean_env();
}

static void test_mfa(void)
{
    clean_env();
    write_file("credentials", "[base]\naws_access_key_id = " MOCK_KEY
                              "\naws_secret_access_key = " MOCK_SECRET "\n");
    write_file("config", "[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/MfaRole\n"
                         "source_profile = base\n"
                         "mfa_serial = arn:aws:iam::123456789012:mfa/tester\n");
    seckit_aws_credentials c;
    seckit_error err;
    int before = mock_stat(&M, "assume_role");
    /* No way to ask: a clear error and no AssumeRole without the code. */
    CHECK_RC(creds_of("mfa", 0, &c, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "mfa_serial") != NULL);
    CHECK(strstr(err.message, "terminal") != NULL);
    CHECK(mock_stat(&M, "assume_role") == before);
    /* Not six digits: refused before any call. */
    memset(&mfa, 0, sizeof mfa);
    mfa.answer = "12ab";
    CHECK_RC(creds_of("mfa", 1, &c, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "six digits") != NULL);
    CHECK(mock_stat(&M, "assume_role") == before);
    /* The user declines. */
    mfa.answer = NULL;
    CHECK_RC(creds_of("mfa", 1, &c, &err), SECKIT_EAWSAUTH);
    CHECK(mock_stat(&M, "assume_role") == before);
    /* A wrong code: STS refuses. */
    mfa.answer = "000000";
    CHECK_RC(creds_of("mfa", 1, &c, &err), SECKIT_EAWS);
    CHECK_STR(err.aws_code, "AccessDenied");
    /* The right code: SerialNumber and TokenCode sent. */
    int ok_before = cstat("mfa_ok");
    memset(&mfa, 0, sizeof mfa);
    mfa.answer = "123456";
    CHECK_OK(creds_of("mfa", 1, &c, &err), &err);
    CHECK_STR(c.source, "assume-role");
    CHECK(mfa.calls == 1);
    CHECK_STR(mfa.serial, "arn:aws:iam::123456789012:mfa/tester");
    CHECK_STR(mfa.profile, "mfa");
    CHECK(cstat("mfa_ok") - ok_before == 1);
    /* The next run uses the cache: no prompt, no call. */
    int calls = mock_stat(&M, "assume_role");
    CHECK_OK(creds_of("mfa", 1, &c, &err), &err);
    CHECK(mfa.calls == 1);
    CHECK(mock_stat(&M, "assume_role") == calls);
    clean_env();
}

/* {"RoleArn": "arn:aws:iam::123456789012:role/MockRole", "RoleSessionName": "cache-test"} */
static const char *role_key(void)
{
    static char k[41];
    seckit_error err;
    if (skt_cred_cache_key_role(ROLE_ARN, "cache-test", NULL, NULL, 0, k, &err) != 0)
        return "";
    return k;
}

static void test_role_cache(void)
{
    clean_env();
    write_file("credentials", "[base]\naws_access_key_id = " MOCK_KEY
                              "\naws_secret_access_key = " MOCK_SECRET "\n");
    write_file("config", "[profile dev]\nrole_arn = " ROLE_ARN "\nsource_profile = base\n"
                         "role_session_name = cache-test\n");
    seckit_aws_credentials c;
    seckit_error err;
    int before = mock_stat(&M, "assume_role");
    /* Ten runs, one STS call. */
    for (int i = 0; i < 10; i++)
        CHECK_OK(creds_of("dev", 0, &c, &err), &err);
    CHECK(mock_stat(&M, "assume_role") - before == 1);
    char rel[128];
    snprintf(rel, sizeof rel, ".aws/cli/cache/%s.json", role_key());
    CHECK(file_mode(rel) == 0600);
    /* An entry the AWS CLI wrote ("...UTC" times) is used as it is. */
    write_cache(role_key(), ROLE_KEY, ROLE_SECRET, ROLE_TOKEN, 3000);
    before = mock_stat(&M, "assume_role");
    CHECK_OK(creds_of("dev", 0, &c, &err), &err);
    CHECK(mock_stat(&M, "assume_role") == before);
    CHECK(c.expiration > time(NULL) + 2900 && c.expiration < time(NULL) + 3100);
    /* Within 15 minutes of expiry: refreshed and rewritten. */
    write_cache(role_key(), ROLE_KEY, ROLE_SECRET, ROLE_TOKEN, 600);
    CHECK_OK(creds_of("dev", 0, &c, &err), &err);
    CHECK(mock_stat(&M, "assume_role") - before == 1);
    CHECK(cached_expiration(role_key()) > time(NULL) + 3000);
    /* A failed refresh keeps cached credentials that are still valid... */
    write_cache(role_key(), ROLE_KEY, ROLE_SECRET, ROLE_TOKEN, 600);
    mock_mode(&M, "500", 1);
    CHECK_OK(creds_of("dev", 0, &c, &err), &err);
    CHECK_STR(c.access_key_id, ROLE_KEY);
    CHECK(c.expiration < time(NULL) + 700);
    mock_mode(&M, "", 0);
    /* ...but not expired ones. */
    write_cache(role_key(), ROLE_KEY, ROLE_SECRET, ROLE_TOKEN, -10);
    mock_mode(&M, "500", 1);
    CHECK(creds_of("dev", 0, &c, &err) != 0);
    CHECK(strstr(err.message, "assume role") != NULL);
    mock_mode(&M, "", 0);
    /* A malformed cache file is ignored and replaced. */
    write_file(rel, "{not json");
    CHECK_OK(creds_of("dev", 0, &c, &err), &err);
    CHECK(cached_expiration(role_key()) > time(NULL) + 3000);
    clean_env();
}

static long long clock_offset;
static long long fake_now(void *ctx)
{
    (void)ctx;
    return (long long)time(NULL) + clock_offset;
}

/* In one client: temporary credentials are refreshed 5 minutes before they
 * expire, and a refresh that fails keeps them while they are still valid. */
static void test_refresh_keeps_valid(void)
{
    clean_env();
    write_file("credentials", "[base]\naws_access_key_id = " MOCK_KEY
                              "\naws_secret_access_key = " MOCK_SECRET "\n");
    write_file("config", "[profile dev]\nrole_arn = " ROLE_ARN "\nsource_profile = base\n"
                         "role_session_name = refresh-test\n");
    seckit_aws *aws = client("dev", 1, 0);
    if (aws == NULL) {
        CHECK(aws != NULL);
        return;
    }
    skt_aws_hooks h = {NULL, NULL, fake_now, NULL};
    skt_aws_set_hooks(aws, &h);
    clock_offset = 0;
    seckit_aws_credentials c, c2;
    seckit_error err;
    CHECK_OK(seckit_aws_get_credentials(aws, &c, &err), &err);
    /* 4 minutes before expiry, nothing cached on disk, STS failing. */
    rm_rf(".aws");
    clock_offset = c.expiration - (long long)time(NULL) - 240;
    mock_mode(&M, "500", 1);
    CHECK_OK(seckit_aws_get_credentials(aws, &c2, &err), &err);
    CHECK(mock_stat(&M, "mode_count") == 0); /* it did try: the 500 was used */
    CHECK(c2.expiration == c.expiration);
    CHECK_STR(c2.access_key_id, c.access_key_id);
    /* Past expiry, a failure is a failure. */
    clock_offset = c.expiration - (long long)time(NULL) + 10;
    mock_mode(&M, "500", 1);
    CHECK(seckit_aws_get_credentials(aws, &c2, &err) != 0);
    mock_mode(&M, "", 0);
    /* And a working refresh replaces them. */
    clock_offset = c.expiration - (long long)time(NULL) - 240;
    CHECK_OK(seckit_aws_get_credentials(aws, &c2, &err), &err);
    seckit_aws_free(aws);
    clean_env();
}

static void test_imds_v1(void)
{
    clean_env();
    unsetenv("AWS_EC2_METADATA_DISABLED");
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", M.url, 1);
    seckit_aws_credentials c;
    seckit_error err;
    char q[64], out[4096];
    static const int statuses[] = {403, 404, 405};
    for (size_t i = 0; i < 3; i++) {
        snprintf(q, sizeof q, "/__imds?token_status=%d", statuses[i]);
        mock_http(&M, "POST", q, out);
        int before = cstat("imds_v1");
        CHECK_OK(creds_of(NULL, 0, &c, &err), &err);
        CHECK_STR(c.source, "instance-metadata");
        CHECK_STR(c.access_key_id, "ASIAMOCKIMDS");
        CHECK_MSG(cstat("imds_v1") - before == 2, "HTTP %d: no IMDSv1 fallback", statuses[i]);
    }
    /* Fallback refused when IMDSv1 is disabled (environment or profile). */
    int before = cstat("imds_v1");
    setenv("AWS_EC2_METADATA_V1_DISABLED", "true", 1);
    CHECK_RC(creds_of(NULL, 0, &c, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "IMDSv1 fallback is disabled") != NULL);
    unsetenv("AWS_EC2_METADATA_V1_DISABLED");
    write_file("config", "[default]\nec2_metadata_v1_disabled = true\n");
    CHECK_RC(creds_of(NULL, 0, &c, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "IMDSv1 fallback is disabled") != NULL);
    CHECK(cstat("imds_v1") == before);
    /* Any other answer to the token request is an error, not a fallback. */
    unlink(getenv("AWS_CONFIG_FILE"));
    mock_http(&M, "POST", "/__imds?token_status=400", out);
    CHECK_RC(creds_of(NULL, 0, &c, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "HTTP 400") != NULL);
    CHECK(cstat("imds_v1") == before);
    /* IMDSv2 again. */
    mock_http(&M, "POST", "/__imds?token_status=0", out);
    CHECK_OK(creds_of(NULL, 0, &c, &err), &err);
    CHECK(cstat("imds_v1") == before);
    clean_env();
}

static void test_credential_source(void)
{
    clean_env();
    write_file("config",
               "[profile env]\nrole_arn = " ROLE_ARN "\ncredential_source = Environment\n"
               "role_session_name = cs-env\n"
               "[profile ecs]\nrole_arn = " ROLE_ARN "\ncredential_source = EcsContainer\n"
               "role_session_name = cs-ecs\n"
               "[profile ec2]\nrole_arn = " ROLE_ARN "\n"
               "credential_source = Ec2InstanceMetadata\nrole_session_name = cs-ec2\n");
    seckit_aws_credentials c;
    seckit_error err;
    /* Environment: the keys must be there. */
    CHECK_RC(creds_of("env", 0, &c, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "AWS_ACCESS_KEY_ID") != NULL);
    setenv("AWS_ACCESS_KEY_ID", MOCK_KEY, 1);
    setenv("AWS_SECRET_ACCESS_KEY", MOCK_SECRET, 1);
    CHECK_OK(creds_of("env", 0, &c, &err), &err);
    CHECK_STR(c.source, "assume-role");
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    /* EcsContainer: the container variables must be there. */
    CHECK_RC(creds_of("ecs", 0, &c, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "AWS_CONTAINER_CREDENTIALS") != NULL);
    char url[256];
    snprintf(url, sizeof url, "%s/container-creds", M.url);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "mock-container-token", 1);
    CHECK_OK(creds_of("ecs", 0, &c, &err), &err);
    unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    /* Ec2InstanceMetadata. */
    CHECK_RC(creds_of("ec2", 0, &c, &err), SECKIT_EAWSAUTH);
    CHECK(strstr(err.message, "instance metadata") != NULL);
    unsetenv("AWS_EC2_METADATA_DISABLED");
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", M.url, 1);
    CHECK_OK(creds_of("ec2", 0, &c, &err), &err);
    clean_env();
}

static void test_container_plain_http(void)
{
    clean_env();
    seckit_aws_credentials c;
    seckit_error err;
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "mock-container-token", 1);
    static const char *const bad[] = {"http://127.0.0.1.example.net/creds",
                                      "http://localhost/creds", "http://127.0.0.1@example.net/"};
    for (size_t i = 0; i < 3; i++) {
        setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", bad[i], 1);
        CHECK_RC(creds_of(NULL, 0, &c, &err), SECKIT_EINVAL);
        CHECK(strstr(err.message, "loopback IP address") != NULL);
    }
    char url[256];
    snprintf(url, sizeof url, "%s/container-creds", M.url);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
    CHECK_OK(creds_of(NULL, 0, &c, &err), &err);
    CHECK_STR(c.source, "container");
    clean_env();
}

/* A profile that names something seckit cannot use fails with a message
 * naming it, never "no AWS credentials found". */
static void test_unusable_profiles(void)
{
    clean_env();
    write_file("config", "[profile bogus]\nrole_arn = " ROLE_ARN "\ncredential_source = Bogus\n"
                         "[profile nosource]\nrole_arn = " ROLE_ARN "\n"
                         "[profile both]\nrole_arn = " ROLE_ARN "\nsource_profile = base\n"
                         "credential_source = Environment\n"
                         "[profile ghost]\nrole_arn = " ROLE_ARN "\nsource_profile = nowhere\n"
                         "[profile norole]\nsource_profile = base\n"
                         "[profile cs-norole]\ncredential_source = Environment\n"
                         "[profile login]\nlogin_session = arn:aws:iam::123456789012:user/u\n"
                         "[profile badcode]\nrole_arn = " ROLE_ARN "\nsource_profile = base\n"
                         "duration_seconds = forever\n"
                         "[profile empty-source]\nrole_arn = " ROLE_ARN "\n"
                         "source_profile = blank\n"
                         "[profile blank]\nregion = us-east-1\n"
                         "[profile base]\naws_access_key_id = " MOCK_KEY "\n"
                         "aws_secret_access_key = " MOCK_SECRET "\n");
    static const struct {
        const char *profile, *needle;
        int rc;
    } cases[] = {
        {"bogus", "credential_source Bogus is not supported", SECKIT_EAWSAUTH},
        {"nosource", "neither source_profile nor credential_source", SECKIT_EAWSAUTH},
        {"both", "both source_profile and credential_source", SECKIT_EAWSAUTH},
        {"ghost", "source_profile nowhere does not exist", SECKIT_EAWSAUTH},
        {"norole", "source_profile but no role_arn", SECKIT_EAWSAUTH},
        {"cs-norole", "credential_source but no role_arn", SECKIT_EAWSAUTH},
        {"login", "login_session", SECKIT_EUNSUPPORTED},
        {"badcode", "duration_seconds", SECKIT_EINVAL},
        {"empty-source", "source_profile blank has no credentials", SECKIT_EAWSAUTH},
    };
    seckit_aws_credentials c;
    seckit_error err;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = creds_of(cases[i].profile, 0, &c, &err);
        CHECK_MSG(rc == cases[i].rc, "%s: rc %d", cases[i].profile, rc);
        CHECK_MSG(strstr(err.message, cases[i].needle) != NULL, "%s: '%s'", cases[i].profile,
                  err.message);
        CHECK(strstr(err.message, "no AWS credentials found") == NULL);
    }
    clean_env();
}

/* role_arn, source_profile and region in the credentials file. */
static void test_credentials_file_role(void)
{
    clean_env();
    write_file("credentials", "[dev]\nrole_arn = " ROLE_ARN "\nsource_profile = base\n"
                              "region = us-east-1\nrole_session_name = cf-role\n"
                              "[base]\naws_access_key_id = " MOCK_KEY
                              "\naws_secret_access_key = " MOCK_SECRET "\n");
    seckit_aws_options o = SECKIT_AWS_OPTIONS_INIT;
    o.profile = "dev";
    seckit_aws *aws = NULL;
    seckit_error err;
    CHECK_OK(seckit_aws_new(&aws, &o, &err), &err);
    if (aws == NULL)
        return;
    CHECK_STR(seckit_aws_region(aws), "us-east-1");
    seckit_aws_credentials c;
    CHECK_OK(seckit_aws_get_credentials(aws, &c, &err), &err);
    CHECK_STR(c.source, "assume-role");
    CHECK_STR(c.access_key_id, ROLE_KEY);
    seckit_aws_free(aws);
    clean_env();
}

int main(void)
{
    if (mock_begin(&M, tmpdir, sizeof tmpdir, "creds") != 0) {
        SKIP("aws_creds", "cannot start tests/aws/mock_aws");
        return 0;
    }
    TEST(test_web_identity_env);
    TEST(test_web_identity_chain_position);
    TEST(test_web_identity_profile);
    TEST(test_sso);
    TEST(test_sso_endpoint);
    TEST(test_mfa);
    TEST(test_role_cache);
    TEST(test_refresh_keeps_valid);
    TEST(test_imds_v1);
    TEST(test_credential_source);
    TEST(test_container_plain_http);
    TEST(test_unusable_profiles);
    TEST(test_credentials_file_role);
    mock_end(&M, tmpdir);
    TEST_EXIT();
}
