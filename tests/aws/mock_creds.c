/* The mock AWS server's credential endpoints beyond the basics (tests only):
 *
 * - STS AssumeRoleWithWebIdentity: an UNSIGNED POST (a signed one is
 *   refused) whose WebIdentityToken must be "mock-oidc-token";
 * - IAM Identity Center GetRoleCredentials: GET /federation/credentials
 *   ?account_id=123456789012&role_name=MockSsoRole with
 *   x-amz-sso_bearer_token: mock-sso-access-token;
 * - AssumeRole of a role whose ARN contains "Mfa": needs SerialNumber
 *   arn:aws:iam::123456789012:mfa/tester and TokenCode 123456;
 * - IMDS modes: POST /__imds?token_status=N makes the token PUT answer N
 *   (403/404/405: then metadata GETs without a token are served, IMDSv1);
 *   N = 0 restores the default behaviour;
 * - GET /__creds_stats: {"web_identity":N,"sso":N,"mfa_ok":N,"imds_v1":N}.
 *
 * Answers carry the same role credentials as AssumeRole (ASIAMOCKROLE),
 * which the mock accepts for signed calls. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/aws/mock.h"

#define ROLE_KEY "ASIAMOCKROLE"
#define ROLE_SECRET "roleSecret/abcdefghijklmnopqrstuvwxyz012"
#define ROLE_TOKEN "FwoGZXIvYXdzEMockSessionToken//+=="
#define IMDS_KEY "ASIAMOCKIMDS"
#define IMDS_SECRET "imdsSecret/0123456789abcdefghijklmnop"
#define IMDS_TOKEN "ImdsSessionToken/+=="

static struct {
    int web_identity, sso, mfa_ok, imds_v1, imds_token_status;
} cs;

static void iso(long long t, char *out, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int mock_mfa_check(int fd, const char *body)
{
    char *sn = form_get(body, "SerialNumber");
    char *tc = form_get(body, "TokenCode");
    int ok = sn != NULL && tc != NULL && strcmp(sn, "arn:aws:iam::123456789012:mfa/tester") == 0 &&
             strcmp(tc, "123456") == 0;
    if (ok)
        cs.mfa_ok++;
    else
        mock_error(fd, 403, "AccessDenied",
                   sn == NULL ? "MultiFactorAuthentication failed: no SerialNumber/TokenCode"
                              : "MultiFactorAuthentication failed with invalid MFA one time pass "
                                "code.");
    free(sn);
    free(tc);
    return ok;
}

static void web_identity(int fd, const req *r)
{
    const char *body = r->body ? r->body : "";
    char *role = form_get(body, "RoleArn");
    char *sess = form_get(body, "RoleSessionName");
    char *tok = form_get(body, "WebIdentityToken");
    char b[4096];
    cs.web_identity++;
    if (hget(r, "authorization") != NULL) {
        mock_error(fd, 400, "InvalidParameterValue",
                   "AssumeRoleWithWebIdentity must not be signed (mock)");
    } else if (role == NULL || sess == NULL || tok == NULL || strstr(role, ":role/") == NULL) {
        mock_error(fd, 400, "ValidationError",
                   "RoleArn, RoleSessionName and WebIdentityToken are required");
    } else if (strcmp(tok, "mock-oidc-token") != 0) {
        mock_error(fd, 400, "InvalidIdentityToken", "Couldn't retrieve verification key");
    } else {
        char exp[40];
        iso((long long)time(NULL) + 3600, exp, sizeof exp);
        snprintf(b, sizeof b,
                 "<AssumeRoleWithWebIdentityResponse "
                 "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                 "<AssumeRoleWithWebIdentityResult>"
                 "<SubjectFromWebIdentityToken>system:serviceaccount:ns:sa"
                 "</SubjectFromWebIdentityToken>"
                 "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/MockRole/%s</Arn>"
                 "<AssumedRoleId>AROAMOCK:%s</AssumedRoleId></AssumedRoleUser>"
                 "<Credentials><AccessKeyId>" ROLE_KEY "</AccessKeyId>"
                 "<SecretAccessKey>" ROLE_SECRET "</SecretAccessKey>"
                 "<SessionToken>" ROLE_TOKEN "</SessionToken>"
                 "<Expiration>%s</Expiration></Credentials>"
                 "<Provider>mock-oidc</Provider><Audience>sts.amazonaws.com</Audience>"
                 "</AssumeRoleWithWebIdentityResult>"
                 "<ResponseMetadata><RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId>"
                 "</ResponseMetadata></AssumeRoleWithWebIdentityResponse>",
                 sess, sess, exp);
        respond_str(fd, 200, "text/xml", b);
    }
    free(role);
    free(sess);
    free(tok);
}

static void sso(int fd, const req *r)
{
    char b[4096];
    const char *t = hget(r, "x-amz-sso_bearer_token");
    cs.sso++;
    if (strcmp(r->method, "GET") != 0) {
        respond_str(fd, 405, "application/json", "{\"message\":\"method\"}");
    } else if (t == NULL || strcmp(t, "mock-sso-access-token") != 0) {
        const char *m = "{\"message\":\"Session token not found or invalid\"}";
        respond(fd, 401, "application/json", "x-amzn-ErrorType: UnauthorizedException\r\n", m,
                strlen(m), 0);
    } else if (strcmp(r->query, "account_id=123456789012&role_name=MockSsoRole") != 0 &&
               strcmp(r->query, "role_name=MockSsoRole&account_id=123456789012") != 0) {
        const char *m = "{\"message\":\"No access\"}";
        respond(fd, 403, "application/json", "x-amzn-ErrorType: ForbiddenException\r\n", m,
                strlen(m), 0);
    } else {
        snprintf(b, sizeof b,
                 "{\"roleCredentials\":{\"accessKeyId\":\"" ROLE_KEY
                 "\",\"secretAccessKey\":\"" ROLE_SECRET "\",\"sessionToken\":\"" ROLE_TOKEN
                 "\",\"expiration\":%lld}}",
                 ((long long)time(NULL) + 3600) * 1000);
        respond_str(fd, 200, "application/json", b);
    }
}

static int imds(int fd, const req *r)
{
    if (cs.imds_token_status == 0)
        return 0;
    if (strcmp(r->path, "/latest/api/token") == 0) {
        respond_str(fd, cs.imds_token_status, "text/plain", "");
        return 1;
    }
    if (strncmp(r->path, "/latest/meta-data/iam/security-credentials/", 43) != 0)
        return 0;
    if (hget(r, "x-aws-ec2-metadata-token") != NULL) {
        respond_str(fd, 401, "text/plain", "");
        return 1;
    }
    cs.imds_v1++;
    if (r->path[43] == '\0') {
        respond_str(fd, 200, "text/plain", "MockInstanceRole");
    } else if (strcmp(r->path + 43, "MockInstanceRole") == 0) {
        char exp[40], b[1024];
        iso((long long)time(NULL) + 3600, exp, sizeof exp);
        snprintf(b, sizeof b,
                 "{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\",\"AccessKeyId\":\"" IMDS_KEY
                 "\",\"SecretAccessKey\":\"" IMDS_SECRET "\",\"Token\":\"" IMDS_TOKEN
                 "\",\"Expiration\":\"%s\"}",
                 exp);
        respond_str(fd, 200, "text/plain", b);
    } else {
        respond_str(fd, 404, "text/plain", "");
    }
    return 1;
}

int mock_handle_creds(int fd, const req *r)
{
    char b[512];
    if (strcmp(r->path, "/__creds_stats") == 0) {
        snprintf(b, sizeof b, "{\"web_identity\":%d,\"sso\":%d,\"mfa_ok\":%d,\"imds_v1\":%d}",
                 cs.web_identity, cs.sso, cs.mfa_ok, cs.imds_v1);
        respond_str(fd, 200, "application/json", b);
        return 1;
    }
    if (strcmp(r->path, "/__imds") == 0) {
        cs.imds_token_status = 0;
        sscanf(r->query, "token_status=%d", &cs.imds_token_status);
        respond_str(fd, 200, "text/plain", "ok");
        return 1;
    }
    if (strcmp(r->path, "/federation/credentials") == 0) {
        sso(fd, r);
        return 1;
    }
    if (strcmp(r->method, "POST") == 0 && strcmp(r->path, "/") == 0 && r->body != NULL &&
        strstr(r->body, "Action=AssumeRoleWithWebIdentity") != NULL) {
        web_identity(fd, r);
        return 1;
    }
    return imds(fd, r);
}
