/* Unit tests of the policy evaluator (seckit/eval.h) and its primitives
 * (policy/model.h): cases written from the IAM User Guide's policy
 * evaluation logic pages, each with the decision the guide gives. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "policy/model.h"
#include "seckit/eval.h"
#include "seckit/json.h"
#include "seckit/iam_data.h"
#include "src/base/guard.h"
#include "testlib.h"

#define A "111122223333"
#define B "444455556666"
#define USER "arn:aws:iam::" A ":user/alice"
#define ROLE "arn:aws:iam::" A ":role/Dev"
#define SESSION "arn:aws:sts::" A ":assumed-role/Dev/s1"
#define OBJ "arn:aws:s3:::bucket/alice/key.txt"

/* ---- a tiny harness: policies by role, one request, the decision ---- */

typedef struct pol {
    seckit_eval_role role;
    const char *json;
} pol;

static seckit_policy_set *kept_set;

static seckit_decision decide_ctx(const pol *ps, size_t n, const char *principal,
                                  const char *action, const char *resource, const char *racct,
                                  const seckit_context_entry *ctx, size_t nctx,
                                  seckit_eval_result **keep)
{
    seckit_error err;
    seckit_error_clear(&err);
    seckit_policy_set *set = NULL;
    CHECK_RC(seckit_policy_set_new(&set, &err), 0);
    for (size_t i = 0; i < n; i++) {
        int rc = seckit_policy_set_add(set, ps[i].role, NULL, "test.json", ps[i].json,
                                       strlen(ps[i].json), &err);
        CHECK_MSG(rc == 0, "policy %zu: %s", i, err.message);
    }
    seckit_eval_request req = {principal, action, resource, racct, ctx, nctx};
    seckit_eval_result *res = NULL;
    int rc = seckit_policy_eval(set, &res, &req, &err);
    CHECK_MSG(rc == 0, "eval: %s", err.message);
    seckit_decision d = seckit_eval_result_decision(res);
    if (keep) {
        /* a result's statements point into its set: keep the set too */
        *keep = res;
        seckit_policy_set_free(kept_set);
        kept_set = set;
    } else {
        seckit_eval_result_free(res);
        seckit_policy_set_free(set);
    }
    return d;
}

static seckit_decision decide(const pol *ps, size_t n, const char *principal, const char *action,
                              const char *resource, const char *racct)
{
    return decide_ctx(ps, n, principal, action, resource, racct, NULL, 0, NULL);
}

#define ALLOW_OBJ(principal_json)                                                                    \
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":" principal_json \
    ",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bucket/*\"}]}"
#define ID_ALLOW_OBJ                                                                               \
    "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\"," \
    "\"Resource\":\"arn:aws:s3:::bucket/*\"}}"
#define ID_ALLOW_OTHER                                                                             \
    "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"ec2:*\",\"Resource\":\"*\"}}"
#define DENY_OBJ                                                                                   \
    "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}"

#define EXPECT(got, want)                                                                          \
    CHECK_MSG((got) == (want), "decision %s, expected %s", seckit_decision_name(got),              \
              seckit_decision_name(want))

/* ---- the decision procedure (Policy evaluation logic) ---- */

static void test_default_implicit_deny(void)
{
    /* no policy allows: the default is an implicit deny */
    pol p[] = {{SECKIT_EVAL_IDENTITY, ID_ALLOW_OTHER}};
    EXPECT(decide(p, 1, USER, "s3:GetObject", OBJ, A), SECKIT_DECISION_IMPLICIT_DENY);
    pol q[] = {{SECKIT_EVAL_IDENTITY, ID_ALLOW_OBJ}};
    EXPECT(decide(q, 1, USER, "s3:GetObject", OBJ, A), SECKIT_DECISION_ALLOWED);
}

static void test_explicit_deny_wins_everywhere(void)
{
    /* an explicit deny in any policy type overrides every allow */
    seckit_eval_role roles[] = {SECKIT_EVAL_IDENTITY, SECKIT_EVAL_BOUNDARY, SECKIT_EVAL_SCP,
                                SECKIT_EVAL_SESSION};
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        pol p[] = {{SECKIT_EVAL_IDENTITY, ID_ALLOW_OBJ},
                   {SECKIT_EVAL_RESOURCE, ALLOW_OBJ("{\"AWS\":\"" SESSION "\"}")},
                   {roles[i], DENY_OBJ}};
        EXPECT(decide(p, 3, SESSION, "s3:GetObject", OBJ, A), SECKIT_DECISION_EXPLICIT_DENY);
    }
    pol r[] = {
        {SECKIT_EVAL_IDENTITY, ID_ALLOW_OBJ},
        {SECKIT_EVAL_RESOURCE,
         "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Deny\",\"Principal\":\"*\","
         "\"Action\":\"s3:*\",\"Resource\":\"*\"}}"}};
    EXPECT(decide(r, 2, USER, "s3:GetObject", OBJ, A), SECKIT_DECISION_EXPLICIT_DENY);
    pol c[] = {
        {SECKIT_EVAL_IDENTITY, ID_ALLOW_OBJ},
        {SECKIT_EVAL_RCP,
         "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Deny\",\"Principal\":\"*\","
         "\"Action\":\"s3:*\",\"Resource\":\"*\"}}"}};
    EXPECT(decide(c, 2, USER, "s3:GetObject", OBJ, A), SECKIT_DECISION_EXPLICIT_DENY);
}

static void test_scp_must_allow(void)
{
    /* an SCP that does not allow the action: implicit deny despite the
     * identity allow; FullAWSAccess-like SCP passes */
    pol p[] = {{SECKIT_EVAL_IDENTITY, ID_ALLOW_OBJ}, {SECKIT_EVAL_SCP, ID_ALLOW_OTHER}};
    EXPECT(decide(p, 2, USER, "s3:GetObject", OBJ, A), SECKIT_DECISION_IMPLICIT_DENY);
    pol q[] = {
        {SECKIT_EVAL_IDENTITY, ID_ALLOW_OBJ},
        {SECKIT_EVAL_SCP,
         "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}"}};
    EXPECT(decide(q, 2, USER, "s3:GetObject", OBJ, A), SECKIT_DECISION_ALLOWED);
    /* an SCP allow alone grants nothing */
    pol r[] = {
        {SECKIT_EVAL_SCP,
         "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}"}};
    EXPECT(decide(r, 1, USER, "s3:GetObject", OBJ, A), SECKIT_DECISION_IMPLICIT_DENY);
}

static void test_resource_policy_same_account(void)
{
    /* same account: a resource-based policy naming the user grants on its
     * own, even with no identity policy and despite a boundary that does
     * not allow */
    pol p[] = {{SECKIT_EVAL_RESOURCE, ALLOW_OBJ("{\"AWS\":\"" USER "\"}")},
               {SECKIT_EVAL_BOUNDARY, ID_ALLOW_OTHER}};
    EXPECT(decide(p, 2, USER, "s3:GetObject", OBJ, A), SECKIT_DECISION_ALLOWED);
    /* naming the role session: grants despite boundary and session policy */
    pol q[] = {{SECKIT_EVAL_RESOURCE, ALLOW_OBJ("{\"AWS\":\"" SESSION "\"}")},
               {SECKIT_EVAL_BOUNDARY, ID_ALLOW_OTHER},
               {SECKIT_EVAL_SESSION, ID_ALLOW_OTHER}};
    EXPECT(decide(q, 3, SESSION, "s3:GetObject", OBJ, A), SECKIT_DECISION_ALLOWED);
    /* naming the role: no identity policy needed, but the boundary and the
     * session policy limit it */
    pol r[] = {{SECKIT_EVAL_RESOURCE, ALLOW_OBJ("{\"AWS\":\"" ROLE "\"}")}};
    EXPECT(decide(r, 1, SESSION, "s3:GetObject", OBJ, A), SECKIT_DECISION_ALLOWED);
    pol r2[] = {{SECKIT_EVAL_RESOURCE, ALLOW_OBJ("{\"AWS\":\"" ROLE "\"}")},
                {SECKIT_EVAL_BOUNDARY, ID_ALLOW_OTHER}};
    EXPECT(decide(r2, 2, SESSION, "s3:GetObject", OBJ, A), SECKIT_DECISION_IMPLICIT_DENY);
    pol r3[] = {{SECKIT_EVAL_RESOURCE, ALLOW_OBJ("{\"AWS\":\"" ROLE "\"}")},
                {SECKIT_EVAL_SESSION, ID_ALLOW_OTHER}};
    EXPECT(decide(r3, 2, SESSION, "s3:GetObject", OBJ, A), SECKIT_DECISION_IMPLICIT_DENY);
    /* naming the account delegates: the identity side must allow */
    pol s[] = {{SECKIT_EVAL_RESOURCE, ALLOW_OBJ("{\"AWS\":\"arn:aws:iam::" A ":root\"}")}};
    EXPECT(decide(s, 1, USER, "s3:GetObject", OBJ, A), SECKIT_DECISION_IMPLICIT_DENY);
    pol s2[] = {{SECKIT_EVAL_RESOURCE, ALLOW_OBJ("{\"AWS\":\"" A "\"}")},
                {SECKIT_EVAL_IDENTITY, ID_ALLOW_OBJ}};
    EXPECT(decide(s2, 2, USER, "s3:GetObject", OBJ, A), SECKIT_DECISION_ALLOWED);
    /* "*": no identity policy needed, limited by the session policy */
    pol t[] = {{SECKIT_EVAL_RESOURCE, ALLOW_OBJ("\"*\"")}};
    EXPECT(decide(t, 1, USER, "s3:GetObject", OBJ, A), SECKIT_DECISION_ALLOWED);
    pol t2[] = {{SECKIT_EVAL_RESOURCE, ALLOW_OBJ("\"*\"")}, {SECKIT_EVAL_SESSION, ID_ALLOW_OTHER}};
    EXPECT(decide(t2, 2, SESSION, "s3:GetObject", OBJ, A), SECKIT_DECISION_IMPLICIT_DENY);
}

static void test_cross_account(void)
{
    /* cross-account: both the identity side and the resource side allow */
    pol p[] = {{SECKIT_EVAL_IDENTITY, ID_ALLOW_OBJ}};
    EXPECT(decide(p, 1, USER, "s3:GetObject", OBJ, B), SECKIT_DECISION_IMPLICIT_DENY);
    pol q[] = {{SECKIT_EVAL_RESOURCE, ALLOW_OBJ("{\"AWS\":\"" A "\"}")}};
    EXPECT(decide(q, 1, USER, "s3:GetObject", OBJ, B), SECKIT_DECISION_IMPLICIT_DENY);
    pol r[] = {{SECKIT_EVAL_IDENTITY, ID_ALLOW_OBJ},
               {SECKIT_EVAL_RESOURCE, ALLOW_OBJ("{\"AWS\":\"" A "\"}")}};
    EXPECT(decide(r, 2, USER, "s3:GetObject", OBJ, B), SECKIT_DECISION_ALLOWED);
    /* even a grant to the user's own ARN needs the identity side */
    pol s[] = {{SECKIT_EVAL_RESOURCE, ALLOW_OBJ("{\"AWS\":\"" USER "\"}")}};
    EXPECT(decide(s, 1, USER, "s3:GetObject", OBJ, B), SECKIT_DECISION_IMPLICIT_DENY);
    /* and the boundary still applies */
    pol t[] = {{SECKIT_EVAL_IDENTITY, ID_ALLOW_OBJ},
               {SECKIT_EVAL_RESOURCE, ALLOW_OBJ("{\"AWS\":\"" A "\"}")},
               {SECKIT_EVAL_BOUNDARY, ID_ALLOW_OTHER}};
    EXPECT(decide(t, 3, USER, "s3:GetObject", OBJ, B), SECKIT_DECISION_IMPLICIT_DENY);
    /* the resource account from the ARN when it has one */
    pol u[] = {{SECKIT_EVAL_IDENTITY,
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
                "\"Action\":\"sqs:SendMessage\",\"Resource\":\"*\"}}"}};
    EXPECT(decide(u, 1, USER, "sqs:SendMessage", "arn:aws:sqs:us-east-1:" B ":q", NULL),
           SECKIT_DECISION_IMPLICIT_DENY);
    EXPECT(decide(u, 1, USER, "sqs:SendMessage", "arn:aws:sqs:us-east-1:" A ":q", NULL),
           SECKIT_DECISION_ALLOWED);
}

static void test_boundary_and_session(void)
{
    /* effective permissions are the intersection of identity and boundary */
    pol p[] = {{SECKIT_EVAL_IDENTITY, ID_ALLOW_OBJ}, {SECKIT_EVAL_BOUNDARY, ID_ALLOW_OTHER}};
    EXPECT(decide(p, 2, USER, "s3:GetObject", OBJ, A), SECKIT_DECISION_IMPLICIT_DENY);
    pol q[] = {{SECKIT_EVAL_IDENTITY, ID_ALLOW_OBJ}, {SECKIT_EVAL_BOUNDARY, ID_ALLOW_OBJ}};
    EXPECT(decide(q, 2, USER, "s3:GetObject", OBJ, A), SECKIT_DECISION_ALLOWED);
    /* a boundary alone grants nothing */
    pol r[] = {{SECKIT_EVAL_BOUNDARY, ID_ALLOW_OBJ}};
    EXPECT(decide(r, 1, USER, "s3:GetObject", OBJ, A), SECKIT_DECISION_IMPLICIT_DENY);
    /* session policy: intersection with the role's identity policies */
    pol s[] = {{SECKIT_EVAL_IDENTITY, ID_ALLOW_OBJ}, {SECKIT_EVAL_SESSION, ID_ALLOW_OTHER}};
    EXPECT(decide(s, 2, SESSION, "s3:GetObject", OBJ, A), SECKIT_DECISION_IMPLICIT_DENY);
    pol t[] = {{SECKIT_EVAL_IDENTITY, ID_ALLOW_OBJ}, {SECKIT_EVAL_SESSION, ID_ALLOW_OBJ}};
    EXPECT(decide(t, 2, SESSION, "s3:GetObject", OBJ, A), SECKIT_DECISION_ALLOWED);
}

/* ---- the elements ---- */

static void test_not_action_not_resource(void)
{
    pol p[] = {{SECKIT_EVAL_IDENTITY,
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
                "\"NotAction\":\"iam:*\",\"Resource\":\"*\"}}"}};
    EXPECT(decide(p, 1, USER, "s3:GetObject", OBJ, A), SECKIT_DECISION_ALLOWED);
    EXPECT(decide(p, 1, USER, "IAM:CreateUser", "*", A), SECKIT_DECISION_IMPLICIT_DENY);
    pol q[] = {{SECKIT_EVAL_IDENTITY,
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
                "\"Action\":\"s3:*\",\"NotResource\":\"arn:aws:s3:::secret/*\"}}"}};
    EXPECT(decide(q, 1, USER, "s3:GetObject", OBJ, A), SECKIT_DECISION_ALLOWED);
    EXPECT(decide(q, 1, USER, "s3:GetObject", "arn:aws:s3:::secret/x", A),
           SECKIT_DECISION_IMPLICIT_DENY);
    /* NotPrincipal with Deny: everyone except the listed principal */
    pol r[] = {{SECKIT_EVAL_IDENTITY, ID_ALLOW_OBJ},
               {SECKIT_EVAL_RESOURCE,
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Deny\",\"NotPrincipal\":"
                "{\"AWS\":\"" USER "\"},\"Action\":\"s3:*\",\"Resource\":\"*\"}}"}};
    EXPECT(decide(r, 2, USER, "s3:GetObject", OBJ, A), SECKIT_DECISION_ALLOWED);
    EXPECT(decide(r, 2, "arn:aws:iam::" A ":user/bob", "s3:GetObject", OBJ, A),
           SECKIT_DECISION_EXPLICIT_DENY);
}

static void test_matching_case_rules(void)
{
    /* action names are case-insensitive; the ARN's resource part is not */
    pol p[] = {{SECKIT_EVAL_IDENTITY,
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
                "\"Action\":\"S3:getOBJECT\",\"Resource\":\"arn:AWS:S3:::bucket/*\"}}"}};
    EXPECT(decide(p, 1, USER, "s3:GetObject", OBJ, A), SECKIT_DECISION_ALLOWED);
    EXPECT(decide(p, 1, USER, "s3:GetObject", "arn:aws:s3:::BUCKET/x", A),
           SECKIT_DECISION_IMPLICIT_DENY);
    /* '*' in the resource part spans '/'; '?' is one character; '*' in
     * the region field does not cross ':' */
    pol q[] = {{SECKIT_EVAL_IDENTITY,
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\","
                "\"Resource\":[\"arn:aws:s3:::bucket/*/test/*\",\"arn:aws:sqs:us-east-?:*:q\"]}}"}};
    EXPECT(decide(q, 1, USER, "s3:GetObject", "arn:aws:s3:::bucket/1/2/test/3/object.jpg", A),
           SECKIT_DECISION_ALLOWED);
    EXPECT(decide(q, 1, USER, "sqs:SendMessage", "arn:aws:sqs:us-east-1:" A ":q", NULL),
           SECKIT_DECISION_ALLOWED);
    EXPECT(decide(q, 1, USER, "sqs:SendMessage", "arn:aws:sqs:us-east-12:" A ":q", NULL),
           SECKIT_DECISION_IMPLICIT_DENY);
}

/* ---- conditions ---- */

static seckit_decision with_cond(const char *cond, const char *key, seckit_context_type t,
                                 const char *const *vals, size_t nvals)
{
    char json[2048];
    snprintf(
        json, sizeof json,
        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
        "\"Resource\":\"*\",\"Condition\":%s}}",
        cond);
    pol p[] = {{SECKIT_EVAL_IDENTITY, json}};
    seckit_context_entry e = {key, t, vals, nvals};
    return decide_ctx(p, 1, USER, "s3:GetObject", OBJ, A, &e, key ? 1 : 0, NULL);
}

#define V(...) ((const char *const[]){__VA_ARGS__})
#define N(...) (sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))
#define COND(cond, key, type, ...) with_cond(cond, key, type, V(__VA_ARGS__), N(__VA_ARGS__))
#define NOKEY(cond) with_cond(cond, NULL, SECKIT_CONTEXT_STRING, NULL, 0)
#define AL SECKIT_DECISION_ALLOWED
#define ID SECKIT_DECISION_IMPLICIT_DENY

static void test_condition_operators(void)
{
    EXPECT(COND("{\"StringEquals\":{\"aws:PrincipalTag/team\":\"eng\"}}", "aws:principaltag/TEAM",
                SECKIT_CONTEXT_STRING, "eng"),
           AL);
    EXPECT(COND("{\"StringEquals\":{\"aws:PrincipalTag/team\":\"eng\"}}", "aws:PrincipalTag/team",
                SECKIT_CONTEXT_STRING, "ENG"),
           ID);
    EXPECT(COND("{\"StringEqualsIgnoreCase\":{\"k:x\":\"eng\"}}", "k:x", SECKIT_CONTEXT_STRING,
                "ENG"),
           AL);
    EXPECT(COND("{\"StringNotEquals\":{\"k:x\":[\"a\",\"b\"]}}", "k:x", SECKIT_CONTEXT_STRING, "b"),
           ID);
    EXPECT(COND("{\"StringNotEquals\":{\"k:x\":[\"a\",\"b\"]}}", "k:x", SECKIT_CONTEXT_STRING, "c"),
           AL);
    EXPECT(COND("{\"StringLike\":{\"s3:prefix\":\"home/*\"}}", "s3:prefix", SECKIT_CONTEXT_STRING,
                "home/a/b"),
           AL);
    EXPECT(COND("{\"StringNotLike\":{\"s3:prefix\":\"home/?\"}}", "s3:prefix",
                SECKIT_CONTEXT_STRING, "home/ab"),
           AL);
    EXPECT(COND("{\"NumericLessThan\":{\"aws:MultiFactorAuthAge\":\"3600\"}}",
                "aws:MultiFactorAuthAge", SECKIT_CONTEXT_NUMERIC, "300"),
           AL);
    EXPECT(COND("{\"NumericGreaterThanEquals\":{\"k:n\":\"10.5\"}}", "k:n", SECKIT_CONTEXT_NUMERIC,
                "10.5"),
           AL);
    EXPECT(COND("{\"NumericEquals\":{\"k:n\":\"10\"}}", "k:n", SECKIT_CONTEXT_NUMERIC, "ten"), ID);
    EXPECT(COND("{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2020-01-01T00:00:00Z\"}}",
                "aws:CurrentTime", SECKIT_CONTEXT_DATE, "2021-06-01T12:00:00Z"),
           AL);
    /* epoch seconds and ISO 8601 compare as the same instants */
    EXPECT(COND("{\"DateEquals\":{\"aws:EpochTime\":\"1577836800\"}}", "aws:EpochTime",
                SECKIT_CONTEXT_DATE, "2020-01-01T00:00:00Z"),
           AL);
    EXPECT(COND("{\"DateLessThan\":{\"aws:CurrentTime\":\"2020-01-01T01:00:00+02:00\"}}",
                "aws:CurrentTime", SECKIT_CONTEXT_DATE, "2019-12-31T23:30:00Z"),
           ID);
    EXPECT(COND("{\"Bool\":{\"aws:SecureTransport\":\"true\"}}", "aws:SecureTransport",
                SECKIT_CONTEXT_BOOLEAN, "true"),
           AL);
    EXPECT(COND("{\"Bool\":{\"aws:SecureTransport\":true}}", "aws:SecureTransport",
                SECKIT_CONTEXT_BOOLEAN, "false"),
           ID);
    EXPECT(COND("{\"BinaryEquals\":{\"k:b\":\"QmluYXJ5VmFsdWU=\"}}", "k:b", SECKIT_CONTEXT_BINARY,
                "QmluYXJ5VmFsdWU="),
           AL);
    EXPECT(COND("{\"BinaryEquals\":{\"k:b\":\"QmluYXJ5VmFsdWU=\"}}", "k:b", SECKIT_CONTEXT_BINARY,
                "QUJD"),
           ID);
    /* the request's value is parsed as the policy's: unpadded base64 is not a value */
    EXPECT(COND("{\"BinaryEquals\":{\"k:b\":\"QQ==\"}}", "k:b", SECKIT_CONTEXT_BINARY, "QQ=="), AL);
    EXPECT(COND("{\"BinaryEquals\":{\"k:b\":\"QQ==\"}}", "k:b", SECKIT_CONTEXT_BINARY, "QQ"), ID);
    /* numbers of any length (64 digits and more) */
    EXPECT(
        COND(
            "{\"NumericLessThan\":{\"k:n\":\"1000000000000000000000000000000000000000000000000000000000000000000\"}}",
            "k:n", SECKIT_CONTEXT_NUMERIC, "5"),
        AL);
    EXPECT(COND("{\"NumericGreaterThan\":{\"k:n\":\"5\"}}", "k:n", SECKIT_CONTEXT_NUMERIC,
                "1000000000000000000000000000000000000000000000000000000000000000000"),
           AL);
    EXPECT(COND("{\"NumericGreaterThan\":{\"k:n\":\"5\"}}", "k:n", SECKIT_CONTEXT_NUMERIC, "1e3"),
           ID);
    EXPECT(
        COND("{\"IpAddress\":{\"aws:SourceIp\":[\"203.0.113.0/24\",\"2001:DB8:1234:5678::/64\"]}}",
             "aws:SourceIp", SECKIT_CONTEXT_IP, "2001:db8:1234:5678::abcd"),
        AL);
    EXPECT(COND("{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}", "aws:SourceIp",
                SECKIT_CONTEXT_IP, "203.0.114.1"),
           ID);
    EXPECT(COND("{\"NotIpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}", "aws:SourceIp",
                SECKIT_CONTEXT_IP, "2001:db8::1"),
           AL);
    EXPECT(COND("{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:sns:*:" A ":topic-*\"}}",
                "aws:SourceArn", SECKIT_CONTEXT_STRING, "arn:aws:sns:us-east-1:" A ":topic-a"),
           AL);
    /* ARN fields one by one: '*' does not cross ':' */
    EXPECT(COND("{\"ArnEquals\":{\"aws:SourceArn\":\"arn:aws:sns:*:" A ":t\"}}", "aws:SourceArn",
                SECKIT_CONTEXT_STRING, "arn:aws:sns:us-east-1:x:" A ":t"),
           ID);
    EXPECT(COND("{\"ArnNotLike\":{\"aws:SourceArn\":\"arn:aws:sqs:*:*:*\"}}", "aws:SourceArn",
                SECKIT_CONTEXT_STRING, "arn:aws:sns:us-east-1:" A ":t"),
           AL);
}

static void test_missing_keys(void)
{
    /* a key the request does not have: a positive operator is false, a
     * negated one true, ...IfExists true, Null:true true */
    EXPECT(NOKEY("{\"StringEquals\":{\"aws:PrincipalTag/team\":\"eng\"}}"), ID);
    EXPECT(NOKEY("{\"StringNotEquals\":{\"aws:PrincipalTag/team\":\"eng\"}}"), AL);
    EXPECT(NOKEY("{\"StringEqualsIfExists\":{\"aws:PrincipalTag/team\":\"eng\"}}"), AL);
    EXPECT(NOKEY("{\"Null\":{\"aws:PrincipalTag/team\":\"true\"}}"), AL);
    EXPECT(NOKEY("{\"Null\":{\"aws:PrincipalTag/team\":\"false\"}}"), ID);
    EXPECT(COND("{\"Null\":{\"aws:PrincipalTag/team\":\"false\"}}", "aws:PrincipalTag/team",
                SECKIT_CONTEXT_STRING, "x"),
           AL);
    /* ForAllValues is true for a missing key; ForAnyValue false, with
     * IfExists too */
    EXPECT(NOKEY("{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"a\",\"b\"]}}"), AL);
    EXPECT(NOKEY("{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":[\"a\",\"b\"]}}"), ID);
    EXPECT(NOKEY("{\"ForAnyValue:StringEqualsIfExists\":{\"aws:TagKeys\":[\"a\",\"b\"]}}"), ID);
    /* the result names the keys the decision needed */
    seckit_eval_result *res = NULL;
    pol p[] = {
        {SECKIT_EVAL_IDENTITY,
         "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
         "\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"},"
         "\"IpAddress\":{\"AWS:SourceIp\":\"10.0.0.0/8\"}}}}"}};
    EXPECT(decide_ctx(p, 1, USER, "s3:GetObject", OBJ, A, NULL, 0, &res), ID);
    const char *const *keys;
    size_t n = seckit_eval_result_missing_keys(res, &keys);
    CHECK(n == 1 && strcmp(keys[0], "aws:MultiFactorAuthPresent") == 0);
    seckit_eval_result_free(res);
}

static void test_set_operators(void)
{
    /* ForAllValues: every request value is in the policy's set */
    EXPECT(COND("{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"env\",\"team\"]}}",
                "aws:TagKeys", SECKIT_CONTEXT_STRING_LIST, "env", "team"),
           AL);
    EXPECT(COND("{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"env\",\"team\"]}}",
                "aws:TagKeys", SECKIT_CONTEXT_STRING_LIST, "env", "owner"),
           ID);
    EXPECT(with_cond("{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"env\"]}}", "aws:TagKeys",
                     SECKIT_CONTEXT_STRING_LIST, NULL, 0),
           AL);
    /* ForAnyValue: at least one request value matches */
    EXPECT(COND("{\"ForAnyValue:StringLike\":{\"aws:TagKeys\":\"cost*\"}}", "aws:TagKeys",
                SECKIT_CONTEXT_STRING_LIST, "env", "costcenter"),
           AL);
    EXPECT(COND("{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":\"x\"}}", "aws:TagKeys",
                SECKIT_CONTEXT_STRING_LIST, "env", "costcenter"),
           ID);
    /* negated operators per value */
    EXPECT(COND("{\"ForAllValues:StringNotEquals\":{\"aws:TagKeys\":[\"secret\"]}}", "aws:TagKeys",
                SECKIT_CONTEXT_STRING_LIST, "env", "secret"),
           ID);
    EXPECT(COND("{\"ForAnyValue:StringNotEquals\":{\"aws:TagKeys\":[\"secret\"]}}", "aws:TagKeys",
                SECKIT_CONTEXT_STRING_LIST, "env", "secret"),
           AL);
}

static void test_policy_variables(void)
{
    pol p[] = {
        {SECKIT_EVAL_IDENTITY,
         "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
         "\"Resource\":\"arn:aws:s3:::bucket/${aws:username}/*\"}}"}};
    /* aws:username comes from the caller's ARN when not given */
    EXPECT(decide(p, 1, USER, "s3:GetObject", OBJ, A), AL);
    EXPECT(decide(p, 1, "arn:aws:iam::" A ":user/bob", "s3:GetObject", OBJ, A), ID);
    /* a role session has no aws:username: the pattern matches nothing */
    EXPECT(decide(p, 1, SESSION, "s3:GetObject", OBJ, A), ID);
    /* version 2008-10-17: variables are literal text */
    pol q[] = {
        {SECKIT_EVAL_IDENTITY,
         "{\"Version\":\"2008-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
         "\"Resource\":\"arn:aws:s3:::bucket/${aws:username}/*\"}}"}};
    EXPECT(decide(q, 1, USER, "s3:GetObject", OBJ, A), ID);
    EXPECT(decide(q, 1, USER, "s3:GetObject", "arn:aws:s3:::bucket/${aws:username}/x", A), AL);
    /* a default when the key is missing; ${*} is a literal '*' */
    pol r[] = {
        {SECKIT_EVAL_IDENTITY,
         "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
         "\"Resource\":[\"arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'none'}/*\","
         "\"arn:aws:s3:::lit/${*}${?}${$}\"]}}"}};
    EXPECT(decide(r, 1, SESSION, "s3:GetObject", "arn:aws:s3:::bucket/none/x", A), AL);
    EXPECT(decide(r, 1, SESSION, "s3:GetObject", "arn:aws:s3:::lit/*?$", A), AL);
    EXPECT(decide(r, 1, SESSION, "s3:GetObject", "arn:aws:s3:::lit/ab$", A), ID);
    /* in a condition: a principal tag against the user name */
    seckit_context_entry tag = {"aws:PrincipalTag/owner", SECKIT_CONTEXT_STRING, V("alice"), 1};
    pol s[] = {
        {SECKIT_EVAL_IDENTITY,
         "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
         "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalTag/owner\":"
         "\"${aws:username}\"}}}}"}};
    EXPECT(decide_ctx(s, 1, USER, "s3:GetObject", OBJ, A, &tag, 1, NULL), AL);
    EXPECT(decide_ctx(s, 1, "arn:aws:iam::" A ":user/bob", "s3:GetObject", OBJ, A, &tag, 1, NULL),
           ID);
    /* a value substituted into StringLike is literal: a '*' in a tag
     * value is not a wildcard */
    seckit_context_entry star = {"aws:PrincipalTag/p", SECKIT_CONTEXT_STRING, V("a*"), 1};
    pol t[] = {
        {SECKIT_EVAL_IDENTITY,
         "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
         "\"Resource\":\"arn:aws:s3:::bucket/${aws:PrincipalTag/p}\"}}"}};
    EXPECT(decide_ctx(t, 1, USER, "s3:GetObject", "arn:aws:s3:::bucket/a*", A, &star, 1, NULL), AL);
    EXPECT(decide_ctx(t, 1, USER, "s3:GetObject", "arn:aws:s3:::bucket/abc", A, &star, 1, NULL),
           ID);
}

static void test_deciding_statements(void)
{
    seckit_eval_result *res = NULL;
    pol p[] = {
        {SECKIT_EVAL_IDENTITY,
         "{\"Version\":\"2012-10-17\",\"Statement\":[\n"
         "  {\"Sid\":\"Read\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"},\n"
         "  {\"Sid\":\"NoSecret\",\"Effect\":\"Deny\",\"Action\":\"s3:*\","
         "\"Resource\":\"arn:aws:s3:::secret/*\"}]}"}};
    EXPECT(decide_ctx(p, 1, USER, "s3:GetObject", "arn:aws:s3:::secret/x", A, NULL, 0, &res),
           SECKIT_DECISION_EXPLICIT_DENY);
    const seckit_eval_statement *st;
    size_t n = seckit_eval_result_statements(res, &st);
    CHECK(n == 1);
    if (n == 1) {
        CHECK(st[0].deny && st[0].index == 1 && strcmp(st[0].sid, "NoSecret") == 0);
        CHECK(st[0].span.start.line == 3 && st[0].span.start.column == 2);
        CHECK(strcmp(st[0].file, "test.json") == 0 && st[0].role == SECKIT_EVAL_IDENTITY);
    }
    CHECK(strstr(seckit_eval_result_reason(res), "NoSecret") != NULL);
    seckit_eval_result_free(res);
    res = NULL;
    EXPECT(decide_ctx(p, 1, USER, "s3:GetObject", OBJ, A, NULL, 0, &res), AL);
    n = seckit_eval_result_statements(res, &st);
    CHECK(n == 1 && !st[0].deny && strcmp(st[0].sid, "Read") == 0 && st[0].span.start.line == 2);
    seckit_eval_result_free(res);
}

static void test_bad_input(void)
{
    seckit_error err;
    seckit_error_clear(&err);
    seckit_policy_set *set = NULL;
    CHECK_RC(seckit_policy_set_new(&set, &err), 0);
    static const char *const bad[] = {
        "{\"Statement\":{\"Action\":\"s3:*\",\"Resource\":\"*\"}}", /* no Effect */
        "{\"Statement\":{\"Effect\":\"allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}", /* case */
        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3\",\"Resource\":\"*\"}}", /* action */
        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\","
        "\"Condition\":{\"StringEqualz\":{\"k\":\"v\"}}}}", /* operator */
        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\","
        "\"Condition\":{\"NumericEquals\":{\"k\":\"ten\"}}}}", /* number */
        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\","
        "\"Condition\":{\"NumericEquals\":{\"k\":1e3}}}}", /* exponent */
        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\","
        "\"Condition\":{\"BinaryEquals\":{\"k\":\"QQ\"}}}}", /* base64 */
        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\","
        "\"Condition\":{\"IpAddress\":{\"k\":\"10.0.0.0/33\"}}}}", /* CIDR */
        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\","
        "\"Condition\":{\"NullIfExists\":{\"k\":\"true\"}}}}", /* Null */
        "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}",
        "[1,2]",
        "{\"Statement\":",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = seckit_policy_set_add(set, SECKIT_EVAL_IDENTITY, NULL, "bad.json", bad[i],
                                       strlen(bad[i]), &err);
        CHECK_MSG(rc == SECKIT_EFORMAT, "bad policy %zu accepted (rc %d)", i, rc);
        CHECK_MSG(strstr(err.message, "bad.json") != NULL, "message without file: %s", err.message);
    }
    CHECK(seckit_policy_set_count(set, SECKIT_EVAL_IDENTITY) == 0);
    /* a resource policy without a principal; a second boundary */
    const char *noprin =
        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}";
    CHECK_RC(seckit_policy_set_add(set, SECKIT_EVAL_RESOURCE, NULL, NULL, noprin, strlen(noprin),
                                   &err),
             SECKIT_EFORMAT);
    CHECK_RC(seckit_policy_set_add(set, SECKIT_EVAL_BOUNDARY, NULL, NULL, noprin, strlen(noprin),
                                   &err),
             0);
    CHECK_RC(seckit_policy_set_add(set, SECKIT_EVAL_BOUNDARY, NULL, NULL, noprin, strlen(noprin),
                                   &err),
             SECKIT_EINVAL);
    /* bad requests */
    seckit_eval_result *res = NULL;
    seckit_eval_request req = {USER, "GetObject", OBJ, NULL, NULL, 0};
    CHECK_RC(seckit_policy_eval(set, &res, &req, &err), SECKIT_EINVAL);
    req.action = "s3:GetObject";
    req.resource_account = "12";
    CHECK_RC(seckit_policy_eval(set, &res, &req, &err), SECKIT_EINVAL);
    req.resource_account = NULL;
    seckit_context_entry two = {"k", SECKIT_CONTEXT_STRING, V("a", "b"), 2};
    req.context = &two;
    req.context_count = 1;
    CHECK_RC(seckit_policy_eval(set, &res, &req, &err), SECKIT_EINVAL);
    CHECK(res == NULL);
    seckit_policy_set_free(set);
}

static void test_authorization_details(void)
{
    static const char dump[] =
        "{\"UserDetailList\":[{\"UserName\":\"alice\",\"Arn\":\"" USER
        "\",\"GroupList\":[\"readers\"],"
        "\"UserPolicyList\":[],\"AttachedManagedPolicies\":[],"
        "\"PermissionsBoundary\":{\"PermissionsBoundaryType\":\"Policy\",\"PermissionsBoundaryArn\":"
        "\"arn:aws:iam::" A ":policy/Bound\"}}],"
        "\"GroupDetailList\":[{\"GroupName\":\"readers\",\"GroupPolicyList\":[{\"PolicyName\":\"inl\",\"PolicyDocument\":"
        "\"%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A"
        "%22s3%3AGetObject%22%2C%22Resource%22%3A%22*%22%7D%7D\"}],"
        "\"AttachedManagedPolicies\":[{\"PolicyName\":\"Put\",\"PolicyArn\":\"arn:aws:iam::" A
        ":policy/Put\"}]}],"
        "\"RoleDetailList\":[{\"RoleName\":\"Dev\",\"Arn\":\"" ROLE
        "\",\"RolePolicyList\":[{\"PolicyName\":\"r\","
        "\"PolicyDocument\":{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"sqs:*\","
        "\"Resource\":\"*\"}}}],\"AttachedManagedPolicies\":[]}],"
        "\"Policies\":[{\"PolicyName\":\"Put\",\"Arn\":\"arn:aws:iam::" A
        ":policy/Put\",\"DefaultVersionId\":\"v2\","
        "\"PolicyVersionList\":[{\"VersionId\":\"v2\",\"IsDefaultVersion\":true,\"Document\":{\"Version\":\"2012-10-17\","
        "\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\"}}}]},"
        "{\"PolicyName\":\"Bound\",\"Arn\":\"arn:aws:iam::" A
        ":policy/Bound\",\"DefaultVersionId\":\"v1\","
        "\"PolicyVersionList\":[{\"VersionId\":\"v1\",\"IsDefaultVersion\":true,\"Document\":{\"Version\":\"2012-10-17\","
        "\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:Get*\",\"Resource\":\"*\"}}}]}]}";
    seckit_error err;
    seckit_error_clear(&err);
    seckit_policy_set *set = NULL;
    CHECK_RC(seckit_policy_set_new(&set, &err), 0);
    int rc = seckit_policy_set_add_authorization_details(set, "auth.json", dump, strlen(dump), USER,
                                                         &err);
    CHECK_MSG(rc == 0, "%s", err.message);
    CHECK(seckit_policy_set_count(set, SECKIT_EVAL_IDENTITY) == 2);
    CHECK(seckit_policy_set_count(set, SECKIT_EVAL_BOUNDARY) == 1);
    seckit_eval_request req = {USER, "s3:GetObject", OBJ, NULL, NULL, 0};
    seckit_eval_result *res = NULL;
    CHECK_RC(seckit_policy_eval(set, &res, &req, &err), 0);
    EXPECT(seckit_eval_result_decision(res), AL);
    seckit_eval_result_free(res);
    /* the group's managed policy allows PutObject, the boundary does not */
    req.action = "s3:PutObject";
    CHECK_RC(seckit_policy_eval(set, &res, &req, &err), 0);
    EXPECT(seckit_eval_result_decision(res), ID);
    seckit_eval_result_free(res);
    seckit_policy_set_free(set);
    /* a role session takes its role's policies */
    CHECK_RC(seckit_policy_set_new(&set, &err), 0);
    CHECK_RC(seckit_policy_set_add_authorization_details(set, "auth.json", dump, strlen(dump),
                                                         SESSION, &err),
             0);
    CHECK(seckit_policy_set_count(set, SECKIT_EVAL_IDENTITY) == 1);
    CHECK_RC(seckit_policy_set_add_authorization_details(set, "auth.json", dump, strlen(dump),
                                                         "arn:aws:iam::" A ":user/nobody", &err),
             SECKIT_ENOTFOUND);
    seckit_policy_set_free(set);
}

/* ---- primitives ---- */

/* skt_action_split: the compiler and the linter split action entries the
 * same way; the parts point into the text, case kept. */
static void test_action_split(void)
{
    skt_action_pat p;
    CHECK(skt_action_split("S3:GetObject", 12, &p) == 0 && !p.all && p.service_len == 2 &&
          memcmp(p.service, "S3", 2) == 0 && p.name_len == 9 &&
          memcmp(p.name, "GetObject", 9) == 0);
    CHECK(!p.service_wild);
    CHECK(skt_action_split("*", 1, &p) == 0 && p.all && p.service_wild);
    /* the first ':' splits; the name may hold more */
    CHECK(skt_action_split("s3:a:b", 6, &p) == 0 && p.service_len == 2 && p.name_len == 3);
    CHECK(skt_action_split("s3*:Get?", 8, &p) == 0 && p.service_len == 3 && p.name_len == 4 &&
          p.service_wild);
    CHECK(skt_action_split("s3:Get*", 7, &p) == 0 && !p.service_wild);
    /* near misses: no ':', an empty part, "**" */
    CHECK(skt_action_split("s3GetObject", 11, &p) != 0 && p.service == NULL && p.name == NULL &&
          !p.all);
    CHECK(skt_action_split(":GetObject", 10, &p) != 0 && p.service != NULL && p.service_len == 0);
    CHECK(skt_action_split("s3:", 3, &p) != 0 && p.service_len == 2 && p.name_len == 0);
    CHECK(skt_action_split("**", 2, &p) != 0 && !p.all && p.service_wild);
}

/* the one parser of numeric and binary condition values, which the
 * linter and the evaluator share */
static void test_value_parsers(void)
{
    double d;
    char big[200];
    memset(big, '9', sizeof big);
    CHECK(skt_parse_number("10", 2, &d) == 0 && d == 10);
    CHECK(skt_parse_number("-10.5", 5, &d) == 0 && d == -10.5);
    CHECK(skt_parse_number("+.5", 3, &d) == 0 && d == 0.5);
    CHECK(skt_parse_number("5.", 2, &d) == 0 && d == 5);
    /* any length: 64 digits and more are numbers too, past a double's range +HUGE_VAL */
    CHECK(skt_parse_number(big, 64, &d) == 0 && d > 9e63);
    CHECK(skt_parse_number(big, sizeof big, &d) == 0 && d > 1e199);
    memset(big, '0', sizeof big);
    big[sizeof big - 1] = '7';
    CHECK(skt_parse_number(big, sizeof big, &d) == 0 && d == 7);
    /* near misses: exponents, hex, inf, spaces, two dots, no digit */
    CHECK(skt_parse_number("1e3", 3, &d) != 0);
    CHECK(skt_parse_number("2.5E-1", 6, &d) != 0);
    CHECK(skt_parse_number("0x10", 4, &d) != 0);
    CHECK(skt_parse_number("inf", 3, &d) != 0);
    CHECK(skt_parse_number(" 1", 2, &d) != 0);
    CHECK(skt_parse_number("1.2.3", 5, &d) != 0);
    CHECK(skt_parse_number("-", 1, &d) != 0 && skt_parse_number("", 0, &d) != 0);

    skt_arena a;
    skt_arena_init(&a);
    skt_cond_value v;
    memset(&v, 0, sizeof v);
    CHECK(skt_cond_value_parse(SKT_FAM_BINARY, "QUJD", 4, &a, &v) == 0 && v.nbytes == 3 &&
          memcmp(v.bytes, "ABC", 3) == 0);
    CHECK(skt_cond_value_parse(SKT_FAM_BINARY, "QQ==", 4, &a, &v) == 0 && v.nbytes == 1 &&
          v.bytes[0] == 'A');
    CHECK(skt_cond_value_parse(SKT_FAM_BINARY, "QUI=", 4, &a, &v) == 0 && v.nbytes == 2);
    /* without an arena: checked only */
    CHECK(skt_cond_value_parse(SKT_FAM_BINARY, "QUI=", 4, NULL, &v) == 0 && v.nbytes == 2 &&
          v.bytes == NULL);
    /* near misses: unpadded, over-padded, only padding, empty, '=' inside,
     * characters outside the alphabet */
    static const char *const bad64[] = {"QQ",       "QUJDQQ", "QQ===", "QQ=====", "====", "",
                                        "QUJDQQ=B", "Q=Q=",   "QU-D",  "QU_D",    "QU D"};
    for (size_t i = 0; i < sizeof bad64 / sizeof bad64[0]; i++)
        CHECK_MSG(skt_cond_value_parse(SKT_FAM_BINARY, bad64[i], strlen(bad64[i]), NULL, &v) != 0,
                  "'%s'", bad64[i]);
    skt_arena_free(&a);
}

/* principals as IAM writes them: the service and the resource type in
 * lowercase, a name after the type (the linter uses the same classifier) */
static void test_principal_classify(void)
{
    static const struct {
        const char *s;
        skt_principal_kind kind;
    } cases[] = {
        {"*", SKT_PRIN_ANY},
        {"123456789012", SKT_PRIN_ACCOUNT},
        {"arn:aws:iam::123456789012:root", SKT_PRIN_ACCOUNT},
        {"arn:aws:IAM::123456789012:root", SKT_PRIN_OTHER},
        {"arn:aws:iam::123456789012:ROOT", SKT_PRIN_OTHER},
        {"arn:aws:iam::123456789012:user/x", SKT_PRIN_USER},
        {"arn:aws:iam::123456789012:user/Path/X", SKT_PRIN_USER},
        {"arn:aws:iam::123456789012:User/x", SKT_PRIN_OTHER},
        {"arn:aws:iam::123456789012:user/", SKT_PRIN_OTHER},
        {"arn:aws:iam::123456789012:role/r", SKT_PRIN_ROLE},
        {"arn:aws:iam::123456789012:role/", SKT_PRIN_OTHER},
        {"arn:aws:sts::123456789012:assumed-role/r/s", SKT_PRIN_SESSION},
        {"arn:aws:STS::123456789012:assumed-role/r/s", SKT_PRIN_OTHER},
        {"arn:aws:sts::123456789012:federated-user/b", SKT_PRIN_FEDERATED_USER},
        {"arn:aws:sts::123456789012:Federated-User/b", SKT_PRIN_OTHER},
        {"arn:aws:iam::123456789012:group/g", SKT_PRIN_OTHER},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        skt_principal p;
        skt_principal_classify(cases[i].s, strlen(cases[i].s), &p);
        CHECK_MSG(p.kind == cases[i].kind, "%s: kind %d, expected %d", cases[i].s, (int)p.kind,
                  (int)cases[i].kind);
    }
}

static void test_arn_primitives(void)
{
    skt_arn a;
    CHECK(skt_arn_split("arn:aws:s3:::b/k:x", 18, &a) && a.len[SKT_ARN_RESOURCE] == 5);
    CHECK(!skt_arn_split("arn:aws:s3", 10, &a));
    /* a placeholder does not cross '/' or ':' */
    const char *bucket = "arn:${Partition}:s3:::${BucketName}";
    const char *object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
    CHECK(skt_arn_pattern_fits(bucket, "arn:aws:s3:::b", 14));
    CHECK(!skt_arn_pattern_fits(bucket, "arn:aws:s3:::b/k", 16));
    CHECK(skt_arn_pattern_fits(object, "arn:aws:s3:::b/k/l/m", 20));
    CHECK(!skt_arn_pattern_fits(object, "arn:aws:s3:::b", 14));
    CHECK(skt_arn_pattern_fits("arn:${Partition}:sqs:${Region}:${Account}:${QueueName}",
                               "arn:aws:sqs:us-east-1:" A ":q",
                               strlen("arn:aws:sqs:us-east-1:" A ":q")));
    skt_ip net, ip;
    CHECK(skt_parse_ip("10.0.0.0/8", 10, &net) == 0 && skt_parse_ip("10.200.1.1", 10, &ip) == 0 &&
          skt_ip_in(&net, &ip));
    CHECK(skt_parse_ip("::ffff:10.0.0.1", 15, &ip) == 0 && ip.v6);
    CHECK(skt_parse_ip("1::2::3", 7, &ip) != 0 && skt_parse_ip("256.1.1.1", 9, &ip) != 0);
    int64_t t1, t2;
    CHECK(skt_parse_date("2020-01-01", 10, &t1) == 0 &&
          skt_parse_date("1577836800", 10, &t2) == 0 && t1 == t2);
    /* the profile's shapes, and fields that exist (the linter and the
     * compiler both parse with skt_date_check) */
    CHECK(skt_parse_date("2020-1-01", 9, &t1) != 0 &&
          skt_parse_date("2020-01-01t00:00", 16, &t1) != 0);
    CHECK(skt_parse_date("2020-01-01T00:00:00.5+01:00", 27, &t1) == 0 && t1 == t2 - 3600000 + 500);
    char why[80];
    CHECK(skt_date_check("2026-02-30", 10, &t1, why, sizeof why) == -2 &&
          strcmp(why, "2026-02 has 28 days") == 0);
    CHECK(skt_date_check("2028-02-29T23:59:60Z", 20, &t1, why, sizeof why) == 0);
    CHECK(skt_date_check("2026-13", 7, &t1, why, sizeof why) == -2 &&
          strcmp(why, "there is no month 13") == 0);
    CHECK(skt_date_check("2026-01-01T24:00", 16, &t1, NULL, 0) == -2 &&
          skt_parse_date("2026-01-01T24:00", 16, &t1) != 0);
    CHECK(skt_date_check("2026-01-01T00:00+24:00", 22, &t1, why, sizeof why) == -2);
    CHECK(skt_date_check("2026-01-01T00:00+23:59", 22, &t1, why, sizeof why) == 0);
    CHECK(skt_parse_date("1.5e9", 5, &t1) != 0 && skt_parse_date("-5", 2, &t1) != 0 &&
          skt_parse_date("1.5", 3, &t1) != 0);
    CHECK(skt_parse_date("99999999999999999999999", 23, &t1) == 0 && t1 > 0);
    /* a JSON value's text: BinaryEquals takes strings only */
    seckit_json jn = {.kind = SECKIT_JSON_NUMBER, .str = "1234", .len = 4};
    seckit_json jt = {.kind = SECKIT_JSON_TRUE}, jo = {.kind = SECKIT_JSON_OBJECT};
    seckit_json js = {.kind = SECKIT_JSON_STRING, .str = "1234", .len = 4};
    const char *vt;
    size_t vn;
    CHECK(skt_cond_value_text(SKT_FAM_BINARY, &jn, &vt, &vn) == -1 &&
          skt_cond_value_text(SKT_FAM_BINARY, &jt, &vt, &vn) == -1);
    CHECK(skt_cond_value_text(SKT_FAM_BINARY, &js, &vt, &vn) == 0 && vn == 4);
    CHECK(skt_cond_value_text(SKT_FAM_DATE, &jn, &vt, &vn) == 0 && vt == jn.str && vn == 4);
    CHECK(skt_cond_value_text(SKT_FAM_BOOL, &jt, &vt, &vn) == 0 && vn == 4 &&
          memcmp(vt, "true", 4) == 0);
    CHECK(skt_cond_value_text(SKT_FAM_STRING, &jo, &vt, &vn) == -2);
    skt_cond_op op;
    skt_set_op set;
    int ifx;
    CHECK(skt_cond_op_parse("ForAnyValue:StringLikeIfExists", 30, &op, &set, &ifx) == 0 &&
          op == SKT_OP_STRING_LIKE && set == SKT_SET_FOR_ANY && ifx);
    CHECK(skt_cond_op_parse("stringequals", 12, &op, &set, &ifx) != 0);
}

/* The source tree's IAM service data, or NULL: the test named test is
 * then skipped (no file) or failed (the data does not load). */
static seckit_iam_data *service_data(const char *test)
{
    const char *top = getenv("top_srcdir");
    char path[4096];
    snprintf(path, sizeof path, "%s/policy/data/iam-data.txt", top && top[0] ? top : "..");
    seckit_error err;
    seckit_error_clear(&err);
    seckit_iam_data *d = NULL;
    int rc = tl_iam_data_load(&d, path, &err);
    if (rc != 0 && err.code == 0) /* the file could not be read */
        SKIP(test, "cannot open %s", path);
    else
        CHECK_RC(rc, 0);
    return rc == 0 ? d : NULL;
}

static void test_resource_types(void)
{
    seckit_iam_data *d = service_data("test_resource_types");
    if (d == NULL)
        return;
    seckit_error err;
    seckit_error_clear(&err);
    const skt_iam_rtype *t = skt_arn_resource_type(d, "arn:aws:s3:::b", 14);
    CHECK(t != NULL && strcmp(t->name, "s3:bucket") == 0);
    t = skt_arn_resource_type(d, "arn:aws:s3:::b/k/x", 18);
    CHECK(t != NULL && strcmp(t->name, "s3:object") == 0);
    t = skt_arn_resource_type(d, "arn:aws:iam::" A ":role/path/Dev",
                              strlen("arn:aws:iam::" A ":role/path/Dev"));
    CHECK(t != NULL && strcmp(t->name, "iam:role") == 0);
    /* the service data: key types, wildcard-only actions, each action's
     * resource types with their required flag */
    const skt_iam_key *k = skt_iam_key_find(d, "aws:TagKeys", 11);
    CHECK(k != NULL && k->ktype == (SKT_KEY_STRING | SKT_KEY_ARRAY));
    k = skt_iam_key_find(d, "aws:SourceIp", 12);
    CHECK(k != NULL && k->ktype == SKT_KEY_IP);
    CHECK(skt_key_type_parse("ArrayOfARN") == (SKT_KEY_ARN | SKT_KEY_ARRAY) &&
          skt_key_type_parse("Fancy") == SKT_KEY_OTHER);
    const skt_iam_action *act = skt_iam_action_find(d, "ec2:DescribeInstances", 21);
    CHECK(act != NULL && act->wildcard_only && skt_iam_action_rtypes(d, act, NULL, 0) == 0);
    act = skt_iam_action_find(d, "s3:GetObject", 12);
    skt_action_rtype rts[8];
    size_t nrt = act ? skt_iam_action_rtypes(d, act, rts, 8) : 0;
    CHECK(act != NULL && !act->wildcard_only && nrt >= 1);
    int saw_object = 0;
    for (size_t i = 0; i < nrt && i < 8; i++)
        if (rts[i].rtype != NULL && strcmp(rts[i].rtype->name, "s3:object") == 0)
            saw_object = 1;
    CHECK(saw_object);
    /* the compiled model: classified principals, split and folded actions,
     * split resources, typed condition values with key types, spans */
    {
        skt_arena ar;
        skt_arena_init(&ar);
        seckit_json_doc *doc = NULL;
        const char *mj =
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":"
            "[\"" A "\",\"" SESSION
            "\"],\"Service\":\"ec2.amazonaws.com\"},\n\"Action\":\"S3:Get*\","
            "\"Resource\":\"arn:aws:s3:::b/${aws:username}\",\"Condition\":{\"ForAnyValue:StringLike\":"
            "{\"aws:TagKeys\":\"a*\"},\"IpAddressIfExists\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}}}";
        CHECK_RC(seckit_json_parse(&doc, mj, strlen(mj), NULL, &err), 0);
        skt_policy cp;
        CHECK_RC(skt_policy_compile(&ar, seckit_json_root(doc), SECKIT_EVAL_RESOURCE, "m", "m.json",
                                    d, &cp, &err),
                 0);
        const skt_statement *ms = &cp.statements[0];
        CHECK(cp.variables && ms->effect == SKT_EFFECT_DENY && ms->nprincipals == 3);
        CHECK(ms->principals[0].kind == SKT_PRIN_ACCOUNT &&
              ms->principals[1].kind == SKT_PRIN_SESSION &&
              ms->principals[2].kind == SKT_PRIN_SERVICE &&
              strcmp(ms->principals[1].account, A) == 0);
        CHECK(strcmp(ms->actions[0].service, "s3") == 0 &&
              strcmp(ms->actions[0].name, "get*") == 0 && ms->actions[0].span.start.line == 2);
        CHECK(ms->resources[0].is_arn && ms->resources[0].has_vars);
        CHECK(ms->nconditions == 2 && ms->conditions[0].set == SKT_SET_FOR_ANY &&
              ms->conditions[0].key_type == (SKT_KEY_STRING | SKT_KEY_ARRAY));
        CHECK(ms->conditions[1].op == SKT_OP_IP_ADDRESS && ms->conditions[1].if_exists &&
              ms->conditions[1].key_type == SKT_KEY_IP &&
              ms->conditions[1].values[0].ip.prefix == 8);
        seckit_json_free(doc);
        skt_arena_free(&ar);
    }
    /* a wildcard-only action matches only Resource "*"-like patterns, even
     * when the request names a resource */
    seckit_policy_set *set = NULL;
    CHECK_RC(seckit_policy_set_new(&set, &err), 0);
    seckit_policy_set_use_data(set, d);
    const char *pj =
        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"ec2:Describe*\","
        "\"Resource\":\"arn:aws:ec2:*:*:instance/*\"}}";
    CHECK_RC(seckit_policy_set_add(set, SECKIT_EVAL_IDENTITY, NULL, NULL, pj, strlen(pj), &err), 0);
    seckit_eval_request req = {USER, "ec2:DescribeInstances", "*", NULL, NULL, 0};
    seckit_eval_result *res = NULL;
    CHECK_RC(seckit_policy_eval(set, &res, &req, &err), 0);
    EXPECT(seckit_eval_result_decision(res), ID);
    seckit_eval_result_free(res);
    req.resource = "arn:aws:ec2:us-east-1:" A ":instance/i-1";
    CHECK_RC(seckit_policy_eval(set, &res, &req, &err), 0);
    EXPECT(seckit_eval_result_decision(res), ID);
    seckit_eval_result_free(res);
    seckit_policy_set_free(set);
    seckit_iam_data_free(d);
}

/* The compiler's lint mode: bad parts are recorded with their nodes (and
 * so positions) and skipped, the good parts compiled, strings left in the
 * tree; the strict mode refuses the same policy. */
static void test_compile_lint_mode(void)
{
    seckit_error err;
    seckit_error_clear(&err);
    skt_arena ar;
    skt_arena_init(&ar);
    seckit_json_doc *doc = NULL;
    const char *j =
        "{\"Version\":\"2012-10-17\",\"Bogus\":1,\"Statement\":[\n"
        "{\"Sid\":\"Ok\",\"Effect\":\"Deny\",\"Action\":[\"S3:Get*\",7,\"*\"],\"Resource\":\"*\"},\n"
        "{\"Effect\":\"allow\",\"Action\":\"s3:x\",\"NotAction\":[],\"Resource\":[],\"Foo\":2},\n"
        "3,\n"
        "{\"Sid\":5,\"Action\":{\"a\":1},\"Principal\":\"*\",\"NotPrincipal\":\"*\"}]}";
    CHECK_RC(seckit_json_parse(&doc, j, strlen(j), NULL, &err), 0);
    skt_policy cp;
    skt_problems pb;
    CHECK_RC(skt_policy_compile_lint(&ar, seckit_json_root(doc), NULL, &cp, &pb, &err), 0);
    CHECK(pb.v2012 && pb.version != NULL && pb.statement != NULL && cp.nstatements == 4);
    /* good parts: statement 0 whole, actions split in place (case kept) */
    const skt_statement *s0 = &cp.statements[0];
    CHECK(s0->effect == SKT_EFFECT_DENY && s0->sid != NULL && strcmp(s0->sid, "Ok") == 0);
    CHECK(s0->sid == s0->elem[SKT_EL_SID]->str); /* not a copy */
    CHECK(s0->nactions == 3 && s0->actions[0].service_len == 2 &&
          memcmp(s0->actions[0].service, "S3", 2) == 0 &&
          s0->actions[0].service == s0->actions[0].node->str);
    CHECK(s0->actions[1].service == NULL && s0->actions[1].node->kind == SECKIT_JSON_NUMBER &&
          s0->actions[2].all);
    CHECK(s0->has_resource && !s0->not_resource && s0->elem[SKT_EL_RESOURCE] != NULL);
    CHECK((s0->bad & (1u << SKT_EL_ACTION)) != 0);
    /* the problems, in order, with their nodes' positions */
    static const struct {
        skt_problem_kind kind;
        const char *element;
        long statement;
        unsigned long line;
    } want[] = {
        {SKT_PB_UNKNOWN, NULL, -1, 1},         {SKT_PB_ENTRY_TYPE, "Action", 0, 2},
        {SKT_PB_UNKNOWN, NULL, 1, 3},          {SKT_PB_INVALID, "Effect", 1, 3},
        {SKT_PB_BOTH, "NotAction", 1, 3},      {SKT_PB_EMPTY_LIST, "NotAction", 1, 3},
        {SKT_PB_EMPTY_LIST, "Resource", 1, 3}, {SKT_PB_NOT_OBJECT, "Statement", 2, 4},
        {SKT_PB_WRONG_TYPE, "Sid", 3, 5},      {SKT_PB_MISSING, "Effect", 3, 5},
        {SKT_PB_WRONG_TYPE, "Action", 3, 5},   {SKT_PB_BOTH, "NotPrincipal", 3, 5},
    };
    CHECK_MSG(pb.n == SKT_ARRAY_LEN(want), "%zu problems", pb.n);
    for (size_t i = 0; i < pb.n && i < SKT_ARRAY_LEN(want); i++) {
        const skt_problem *p = &pb.items[i];
        CHECK_MSG(p->kind == want[i].kind && p->statement == want[i].statement &&
                      p->node->span.start.line == want[i].line &&
                      (want[i].element == NULL
                           ? p->element == NULL
                           : p->element != NULL && strcmp(p->element, want[i].element) == 0),
                  "problem %zu: kind %d statement %ld line %lu", i, (int)p->kind, p->statement,
                  p->node->span.start.line);
    }
    /* the statement with the bad Effect: Action still split; no effect */
    const skt_statement *s1 = &cp.statements[1];
    CHECK(s1->effect == SKT_EFFECT_NONE && s1->nactions == 1 && !s1->not_action &&
          s1->actions[0].name_len == 1 && s1->actions[0].name[0] == 'x');
    CHECK(cp.statements[2].node->kind == SECKIT_JSON_NUMBER && cp.statements[2].nactions == 0);
    CHECK(cp.statements[3].has_principal && !cp.statements[3].not_principal &&
          cp.statements[3].sid == NULL);
    /* the strict mode stops at the first bad part */
    skt_policy strict;
    CHECK_RC(skt_policy_compile(&ar, seckit_json_root(doc), SECKIT_EVAL_IDENTITY, "p", "p.json",
                                NULL, &strict, &err),
             SECKIT_EFORMAT);
    CHECK(strstr(err.message, "p.json:1:") != NULL && strstr(err.message, "Bogus") != NULL);
    seckit_json_free(doc);
    /* a policy that is not an object; one with no Version or Statement */
    const char *bad[] = {"[1]", "{\"Id\":1}", "{\"Version\":\"2008-10-17\",\"Statement\":[]}"};
    const skt_problem_kind first[] = {SKT_PB_NOT_OBJECT, SKT_PB_WRONG_TYPE, SKT_PB_EMPTY_LIST};
    const size_t count[] = {1, 3, 1};
    for (size_t i = 0; i < SKT_ARRAY_LEN(bad); i++) {
        CHECK_RC(seckit_json_parse(&doc, bad[i], strlen(bad[i]), NULL, &err), 0);
        CHECK_RC(skt_policy_compile_lint(&ar, seckit_json_root(doc), NULL, &cp, &pb, &err), 0);
        CHECK_MSG(pb.n == count[i] && pb.items[0].kind == first[i] && pb.statement == NULL &&
                      cp.nstatements == 0,
                  "policy %zu: %zu problems", i, pb.n);
        CHECK(!pb.v2012);
        seckit_json_free(doc);
    }
    skt_arena_free(&ar);
}

/* The lint mode of the condition compiler: every operator and key is
 * compiled as the strict mode compiles it, a bad part recorded on its
 * condition or value with its node (so its position), and the compile goes
 * on. */
static void test_compile_lint_conditions(void)
{
    seckit_error err;
    seckit_error_clear(&err);
    skt_arena ar;
    skt_arena_init(&ar);
    seckit_json_doc *doc = NULL;
    const char *j =
        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
        "\"Resource\":\"*\",\"Condition\":{\n"
        "\"NumericLessThan\":{\"aws:MultiFactorAuthAge\":[\"3600\",\n"          /* 2 */
        "\"soon\"]},\n"                                                         /* 3 */
        "\"DateGreaterThan\":{\"aws:CurrentTime\":\"2026-02-30T00:00:00Z\"},\n" /* 4 */
        "\"BinaryEquals\":{\"k:b\":[1,\"QUJD\"]},\n"                            /* 5 */
        "\"Bogus\":{\"aws:SourceArn\":\"x\"},\n"                                /* 6 */
        "\"NullIfExists\":{\"aws:x\":\"true\"},\n"                              /* 7 */
        "\"StringEquals\":\"x\",\n"                                             /* 8 */
        "\"Bool\":{},\n"                                                        /* 9 */
        "\"IpAddress\":{\"aws:SourceIp\":{\"a\":1},\"aws:VpcSourceIp\":[],\n"   /* 10 */
        "\"aws:y\":[\"10.0.0.0/8\",null]},\n"                                   /* 11 */
        "\"StringLike\":{\"s3:prefix\":\"home/${aws:username}/*\"}}}}";         /* 12 */
    CHECK_RC(seckit_json_parse(&doc, j, strlen(j), NULL, &err), 0);
    skt_policy cp;
    skt_problems pb;
    CHECK_RC(skt_policy_compile_lint(&ar, seckit_json_root(doc), NULL, &cp, &pb, &err), 0);
    CHECK(pb.n == 0 && cp.nstatements == 1);
    const skt_statement *st = &cp.statements[0];
    CHECK((st->bad & (1u << SKT_EL_CONDITION)) == 0);
    CHECK_MSG(st->nconditions == 11, "%zu conditions", st->nconditions);
    if (st->nconditions != 11) {
        seckit_json_free(doc);
        skt_arena_free(&ar);
        return;
    }
    const skt_condition *c = st->conditions;
    /* a number and a bad one: the bad value's node is on line 3 */
    CHECK(c[0].op == SKT_OP_NUMERIC_LESS_THAN && c[0].key == c[0].node->key &&
          strcmp(c[0].key, "aws:MultiFactorAuthAge") == 0 && c[0].problems == SKT_CP_VALUE &&
          c[0].nvalues == 2 && c[0].key_type == SKT_KEY_OTHER);
    CHECK(c[0].values[0].problem == SKT_VP_NONE && c[0].values[0].num == 3600 &&
          c[0].values[0].node->span.start.line == 2);
    CHECK(c[0].values[1].problem == SKT_VP_TEXT && c[0].values[1].node->span.start.line == 3 &&
          c[0].values[1].str == c[0].values[1].node->str); /* in the tree */
    CHECK(c[1].problems == SKT_CP_VALUE && c[1].values[0].problem == SKT_VP_NO_SUCH_DATE &&
          c[1].values[0].node->span.start.line == 4);
    /* a number is no base64; the string after it is decoded */
    CHECK(c[2].op == SKT_OP_BINARY_EQUALS && c[2].values[0].problem == SKT_VP_JSON_TYPE &&
          c[2].values[0].str == NULL && c[2].values[1].problem == SKT_VP_NONE &&
          c[2].values[1].nbytes == 3 && memcmp(c[2].values[1].bytes, "ABC", 3) == 0);
    /* an operator that is none: its key kept, its values not typed */
    CHECK(c[3].problems == SKT_CP_OPERATOR && strcmp(c[3].key, "aws:SourceArn") == 0 &&
          c[3].nvalues == 0 && strcmp(c[3].op_node->key, "Bogus") == 0 &&
          c[3].op_node->span.start.line == 6);
    CHECK(c[4].problems == SKT_CP_NULL_IF_EXISTS && c[4].op == SKT_OP_NULL && c[4].if_exists &&
          c[4].nvalues == 0);
    /* operators with no key: one condition each, key NULL */
    CHECK(c[5].problems == SKT_CP_NOT_OBJECT && c[5].key == NULL && c[5].node == c[5].op_node &&
          c[5].node->span.start.line == 8);
    CHECK(c[6].op == SKT_OP_BOOL && c[6].problems == 0 && c[6].key == NULL);
    /* keys of one operator: an object, [], a null entry */
    CHECK(c[7].problems == SKT_CP_VALUES_TYPE && c[7].nvalues == 0 && c[7].op_node == c[8].op_node);
    CHECK(c[8].problems == SKT_CP_NO_VALUES && c[8].node->span.start.line == 10);
    CHECK(c[9].problems == SKT_CP_VALUE && c[9].values[0].ip.prefix == 8 &&
          c[9].values[1].problem == SKT_VP_NOT_SCALAR &&
          c[9].values[1].node->span.start.line == 11);
    /* a variable: not typed */
    CHECK(c[10].op == SKT_OP_STRING_LIKE && c[10].problems == 0 && c[10].values[0].has_vars);
    seckit_json_free(doc);

    /* one bad part each: the strict mode fails with its message, at the
     * node where the lint mode records it */
    static const struct {
        const char *cond, *msg;
    } one[] = {
        {"\"x\"", "2:12: Condition must be an object"},
        {"{\"StringEquals\":\"x\"}",
         "2:28: a condition operator takes an object of keys: StringEquals"},
        {"{\"Bogus\":{\"aws:SourceArn\":\"x\"}}", "2:21: unknown condition operator: Bogus"},
        {"{\"NullIfExists\":{\"aws:x\":\"true\"}}", "2:28: Null takes no IfExists: NullIfExists"},
        {"{\"StringEquals\":{\"aws:x\":{\"a\":1}}}",
         "2:37: condition values must be strings, numbers or booleans: aws:x"},
        {"{\"StringEquals\":{\"aws:x\":[]}}",
         "2:37: a condition key needs at least one value: aws:x"},
        {"{\"StringEquals\":{\"aws:x\":[\"a\",null]}}",
         "2:42: condition values must be strings, numbers or booleans: aws:x"},
        {"{\"BinaryEquals\":{\"aws:x\":1}}",
         "2:37: condition value does not fit its operator: BinaryEquals"},
        {"{\"NumericLessThan\":{\"aws:x\":[\"1\",\"soon\"]}}",
         "2:45: condition value does not fit its operator: NumericLessThan"},
        {"{\"DateGreaterThan\":{\"aws:x\":\"2026-02-30T00:00:00Z\"}}",
         "2:40: condition value does not fit its operator: DateGreaterThan"},
        {"{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/33\"}}",
         "2:41: condition value does not fit its operator: IpAddress"},
    };
    for (size_t i = 0; i < SKT_ARRAY_LEN(one); i++) {
        char text[512], want[160];
        snprintf(text, sizeof(text),
                 "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":"
                 "\"s3:GetObject\",\"Resource\":\"*\",\n\"Condition\":%s}}",
                 one[i].cond);
        snprintf(want, sizeof(want), "p.json:%s", one[i].msg);
        CHECK_RC(seckit_json_parse(&doc, text, strlen(text), NULL, &err), 0);
        skt_policy strict;
        CHECK_RC(skt_policy_compile(&ar, seckit_json_root(doc), SECKIT_EVAL_IDENTITY, "p", "p.json",
                                    NULL, &strict, &err),
                 SECKIT_EFORMAT);
        CHECK_MSG(strcmp(err.message, want) == 0, "case %zu: %s", i, err.message);
        CHECK_RC(skt_policy_compile_lint(&ar, seckit_json_root(doc), NULL, &cp, &pb, &err), 0);
        st = &cp.statements[0];
        const seckit_json *at = NULL; /* the first bad part the lint mode recorded */
        if (st->bad & (1u << SKT_EL_CONDITION))
            at = st->elem[SKT_EL_CONDITION];
        for (size_t k = 0; k < st->nconditions && at == NULL; k++) {
            const skt_condition *cd = &st->conditions[k];
            if (cd->problems & (SKT_CP_OPERATOR | SKT_CP_NULL_IF_EXISTS | SKT_CP_NOT_OBJECT))
                at = cd->op_node;
            else if (cd->problems & (SKT_CP_VALUES_TYPE | SKT_CP_NO_VALUES))
                at = cd->node;
            for (size_t v = 0; v < cd->nvalues && at == NULL; v++)
                if (cd->values[v].problem != SKT_VP_NONE)
                    at = cd->values[v].node;
        }
        char pos[40] = "";
        if (at != NULL)
            snprintf(pos, sizeof(pos), "p.json:%lu:%lu: ", at->span.start.line,
                     at->span.start.column);
        CHECK_MSG(at != NULL && strncmp(want, pos, strlen(pos)) == 0, "case %zu: lint at '%s'", i,
                  pos);
        seckit_json_free(doc);
    }
    /* a near miss: the same values written right compile in both modes */
    const char *good = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":"
                       "\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"NumericLessThan\":"
                       "{\"aws:x\":[\"1\",\"2.5\"]},\"DateGreaterThan\":{\"aws:x\":"
                       "\"2028-02-29T00:00:00Z\"},\"BinaryEquals\":{\"aws:x\":\"QUJD\"}}}}";
    CHECK_RC(seckit_json_parse(&doc, good, strlen(good), NULL, &err), 0);
    skt_policy strict;
    CHECK_RC(skt_policy_compile(&ar, seckit_json_root(doc), SECKIT_EVAL_IDENTITY, "p", "p.json",
                                NULL, &strict, &err),
             0);
    CHECK_RC(skt_policy_compile_lint(&ar, seckit_json_root(doc), NULL, &cp, &pb, &err), 0);
    CHECK(cp.statements[0].nconditions == 3 && strict.statements[0].nconditions == 3);
    for (size_t k = 0; k < 3; k++)
        CHECK(cp.statements[0].conditions[k].problems == 0 &&
              cp.statements[0].conditions[k].values[0].time_ms ==
                  strict.statements[0].conditions[k].values[0].time_ms &&
              cp.statements[0].conditions[k].values[0].num ==
                  strict.statements[0].conditions[k].values[0].num);
    seckit_json_free(doc);
    skt_arena_free(&ar);
}

/* The lint mode looks condition keys up in the service data as the strict
 * mode does: a known key gets its type, an unknown one (or any key, with
 * no data) stays SKT_KEY_OTHER and not known. */
static void test_compile_lint_key_types(void)
{
    seckit_iam_data *d = service_data("test_compile_lint_key_types");
    if (d == NULL)
        return;
    seckit_error err;
    seckit_error_clear(&err);
    skt_arena ar;
    skt_arena_init(&ar);
    seckit_json_doc *doc = NULL;
    const char *j = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":"
                    "\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"IpAddress\":"
                    "{\"AWS:SourceIP\":\"10.0.0.0/8\"},\"ForAnyValue:StringLike\":{\"aws:TagKeys\":"
                    "\"a*\",\"aws:NoSuchKey\":\"x\",\"aws:ResourceTag/team\":\"t\"},"
                    "\"Bogus\":{\"aws:SourceArn\":\"x\"}}}}";
    CHECK_RC(seckit_json_parse(&doc, j, strlen(j), NULL, &err), 0);
    skt_policy cp;
    skt_problems pb;
    CHECK_RC(skt_policy_compile_lint(&ar, seckit_json_root(doc), d, &cp, &pb, &err), 0);
    const skt_statement *st = &cp.statements[0];
    CHECK_MSG(st->nconditions == 5, "%zu conditions", st->nconditions);
    if (st->nconditions == 5) {
        const skt_condition *c = st->conditions;
        /* known keys (case-insensitive, templated ones too) get their types */
        CHECK(c[0].key_known && c[0].key_type == SKT_KEY_IP);
        CHECK(c[1].key_known && c[1].key_type == (SKT_KEY_STRING | SKT_KEY_ARRAY));
        CHECK(c[3].key_known && c[3].key_type == SKT_KEY_STRING);
        /* near miss: a key the data does not have */
        CHECK(!c[2].key_known && c[2].key_type == SKT_KEY_OTHER);
        /* under an operator that is none, the key is still looked up */
        CHECK(c[4].problems == SKT_CP_OPERATOR && c[4].key_known && c[4].key_type == SKT_KEY_ARN);
        /* the strict compile gives the same types */
        skt_policy strict;
        const char *sj = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
                         "\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":"
                         "{\"IpAddress\":{\"AWS:SourceIP\":\"10.0.0.0/8\"}}}}";
        seckit_json_doc *sdoc = NULL;
        CHECK_RC(seckit_json_parse(&sdoc, sj, strlen(sj), NULL, &err), 0);
        CHECK_RC(skt_policy_compile(&ar, seckit_json_root(sdoc), SECKIT_EVAL_IDENTITY, "p",
                                    "p.json", d, &strict, &err),
                 0);
        CHECK(strict.statements[0].conditions[0].key_known &&
              strict.statements[0].conditions[0].key_type == c[0].key_type);
        seckit_json_free(sdoc);
    }
    /* without data nothing is known */
    CHECK_RC(skt_policy_compile_lint(&ar, seckit_json_root(doc), NULL, &cp, &pb, &err), 0);
    for (size_t i = 0; i < cp.statements[0].nconditions; i++)
        CHECK(!cp.statements[0].conditions[i].key_known &&
              cp.statements[0].conditions[i].key_type == SKT_KEY_OTHER);
    seckit_json_free(doc);
    skt_arena_free(&ar);
    seckit_iam_data_free(d);
}

/* The lint mode classifies principals as the strict mode does, one per
 * string entry with its node (Principal's, then NotPrincipal's), and
 * records their bad parts (a non-string entry, an unknown type, [], a
 * string other than "*", {}) instead of failing; the strict mode fails on
 * the same policy with its own message. */
static void test_compile_lint_principals(void)
{
    seckit_error err;
    seckit_error_clear(&err);
    skt_arena ar;
    skt_arena_init(&ar);
    seckit_json_doc *doc = NULL;
    const char *j = "{\"Version\":\"2012-10-17\",\"Statement\":[\n"
                    "{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\n"
                    "\"AWS\":[\"111122223333\",\"arn:aws:iam::111122223333:role/R\",\n"
                    "7],\"Service\":\"ec2.amazonaws.com\",\n"
                    "\"Bogus\":\"x\",\"Federated\":[]},\n"
                    "\"NotPrincipal\":{\"CanonicalUser\":\"abc\"}},\n"
                    "{\"Effect\":\"Allow\",\"Action\":\"s3:x\",\"Principal\":\"me\"},\n"
                    "{\"Effect\":\"Allow\",\"Action\":\"s3:x\",\"Principal\":{}},\n"
                    "{\"Effect\":\"Allow\",\"Action\":\"s3:x\",\"Principal\":\"*\"}]}";
    CHECK_RC(seckit_json_parse(&doc, j, strlen(j), NULL, &err), 0);
    skt_policy cp;
    skt_problems pb;
    CHECK_RC(skt_policy_compile_lint(&ar, seckit_json_root(doc), NULL, &cp, &pb, &err), 0);
    CHECK(cp.nstatements == 4);
    static const struct {
        skt_problem_kind kind;
        const char *element;
        long statement;
        unsigned long line;
    } want[] = {
        {SKT_PB_BOTH, "NotPrincipal", 0, 6},   {SKT_PB_ENTRY_TYPE, "a principal", 0, 4},
        {SKT_PB_UNKNOWN, "a principal", 0, 5}, {SKT_PB_EMPTY_LIST, "a principal", 0, 5},
        {SKT_PB_INVALID, "Principal", 1, 7},   {SKT_PB_EMPTY_LIST, "Principal", 2, 8},
    };
    CHECK_MSG(pb.n == SKT_ARRAY_LEN(want), "%zu problems", pb.n);
    for (size_t i = 0; i < pb.n && i < SKT_ARRAY_LEN(want); i++) {
        const skt_problem *p = &pb.items[i];
        CHECK_MSG(p->kind == want[i].kind && p->statement == want[i].statement &&
                      p->node->span.start.line == want[i].line && p->element != NULL &&
                      strcmp(p->element, want[i].element) == 0,
                  "problem %zu: kind %d statement %ld line %lu", i, (int)p->kind, p->statement,
                  p->node->span.start.line);
    }
    /* the compile went on: every string entry classified, with its node */
    const skt_statement *s0 = &cp.statements[0];
    CHECK_MSG(s0->nprincipals == 4 && s0->principal_split == 3, "%zu principals, %zu first",
              s0->nprincipals, s0->principal_split);
    const skt_principal *p = s0->principals;
    CHECK(p[0].kind == SKT_PRIN_ACCOUNT && strcmp(p[0].account, "111122223333") == 0 &&
          p[0].type == SKT_PTYPE_AWS && p[0].list_bad && p[0].node->span.start.line == 3 &&
          p[0].text == p[0].node->str);
    CHECK(p[1].kind == SKT_PRIN_ROLE && p[1].type == SKT_PTYPE_AWS && p[1].list_bad);
    CHECK(p[2].kind == SKT_PRIN_SERVICE && p[2].type == SKT_PTYPE_SERVICE && !p[2].list_bad &&
          p[2].node->span.start.line == 4);
    CHECK(p[3].kind == SKT_PRIN_CANONICAL && p[3].type == SKT_PTYPE_CANONICAL &&
          p[3].node->span.start.line == 6);
    CHECK((s0->partial & (1u << SKT_EL_PRINCIPAL)) &&
          !(s0->partial & (1u << SKT_EL_NOT_PRINCIPAL)));
    /* how they are written: in a list or not; Principal's member types */
    CHECK(p[0].in_list && p[1].in_list && !p[2].in_list && !p[3].in_list);
    CHECK(s0->principal_members ==
          (SKT_PMEMBERS_OBJECT | 1u << SKT_PTYPE_AWS | 1u << SKT_PTYPE_SERVICE |
           1u << SKT_PTYPE_FEDERATED | SKT_PMEMBERS_OTHER));
    CHECK(cp.statements[1].principal_members == 0 &&
          cp.statements[2].principal_members == SKT_PMEMBERS_OBJECT);
    CHECK(!(s0->bad & (1u << SKT_EL_PRINCIPAL)));
    CHECK(cp.statements[1].nprincipals == 0 && (cp.statements[1].bad & (1u << SKT_EL_PRINCIPAL)));
    CHECK(cp.statements[2].nprincipals == 0 && (cp.statements[2].bad & (1u << SKT_EL_PRINCIPAL)));
    /* near miss: Principal "*" is one principal of every kind, no problem */
    const skt_statement *s3 = &cp.statements[3];
    CHECK(s3->nprincipals == 1 && s3->principal_split == 1 &&
          s3->principals[0].kind == SKT_PRIN_ANY &&
          s3->principals[0].node == s3->elem[SKT_EL_PRINCIPAL] && s3->bad == 0 &&
          s3->partial == 0 && !s3->principals[0].in_list && s3->principal_members == 0);
    seckit_json_free(doc);
    /* the strict mode fails on each with the message it always gave */
    static const struct {
        const char *principal, *message;
    } strict[] = {
        {"{\"AWS\":[\"111122223333\",7]}", "principal values must be strings: AWS"},
        {"{\"Bogus\":\"x\"}", "unknown principal type: Bogus"},
        {"{\"Bogus\":\"x\",\"AWS\":{}}", "principal values must be strings: AWS"},
        {"\"me\"", "Principal must be \"*\" or an object"},
        {"7", "Principal must be \"*\" or an object"},
    };
    for (size_t i = 0; i < SKT_ARRAY_LEN(strict); i++) {
        char text[256];
        snprintf(text, sizeof text,
                 "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:x\",\"Principal\":%s}}",
                 strict[i].principal);
        CHECK_RC(seckit_json_parse(&doc, text, strlen(text), NULL, &err), 0);
        skt_policy sp;
        CHECK_RC(skt_policy_compile(&ar, seckit_json_root(doc), SECKIT_EVAL_RESOURCE, "p", "p.json",
                                    NULL, &sp, &err),
                 SECKIT_EFORMAT);
        CHECK_MSG(strstr(err.message, strict[i].message) != NULL, "%zu: %s", i, err.message);
        seckit_json_free(doc);
    }
    skt_arena_free(&ar);
}

/* Version and Statement are read by one loop in both modes: the strict
 * compile now compares Version's whole text (as the lint mode did), so
 * one with a NUL after "2012-10-17" is refused; the text itself passes. */
static void test_compile_version_whole_text(void)
{
    seckit_error err;
    seckit_error_clear(&err);
    skt_arena ar;
    skt_arena_init(&ar);
    const char *texts[] = {"2012-10-17\\u0000x", "2012-10-17"};
    for (size_t i = 0; i < 2; i++) {
        char j[200];
        snprintf(j, sizeof j,
                 "{\"Version\":\"%s\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:x\","
                 "\"Resource\":\"*\"}}",
                 texts[i]);
        seckit_json_doc *doc = NULL;
        CHECK_RC(seckit_json_parse(&doc, j, strlen(j), NULL, &err), 0);
        skt_policy p;
        int rc = skt_policy_compile(&ar, seckit_json_root(doc), SECKIT_EVAL_IDENTITY, "p", "p.json",
                                    NULL, &p, &err);
        if (i == 0)
            CHECK(rc == SECKIT_EFORMAT && strstr(err.message, "Version must be") != NULL);
        else
            CHECK(rc == 0 && p.variables == 1 && p.nstatements == 1);
        seckit_json_free(doc);
    }
    skt_arena_free(&ar);
}

/* An arena whose first block is the caller's buffer: small allocations
 * come from it, bigger ones from the heap, and freeing leaves it alone
 * (valgrind and ASan check that nothing leaks or is freed wrongly). */
static void test_arena_with_buffer(void)
{
    max_align_t buf[512 / sizeof(max_align_t)];
    skt_arena a;
    skt_arena_init_buf(&a, buf, sizeof(buf));
    char *p = skt_arena_alloc(&a, 100);
    CHECK(p != NULL && (char *)p > (char *)buf && (char *)p < (char *)buf + sizeof(buf));
    CHECK(p[0] == 0 && p[99] == 0);
    char *q = skt_arena_alloc_raw(&a, 4000); /* does not fit: a heap block */
    CHECK(q != NULL && !((char *)q >= (char *)buf && (char *)q < (char *)buf + sizeof(buf)));
    memset(q, 'x', 4000);
    char *r = skt_arena_strndup(&a, "abc", 3);
    CHECK(r != NULL && strcmp(r, "abc") == 0);
    skt_arena_free(&a);
    /* a buffer too small for a block: a plain arena */
    skt_arena_init_buf(&a, buf, 16);
    CHECK(a.head == NULL);
    CHECK(skt_arena_alloc(&a, 8) != NULL);
    skt_arena_free(&a);
}

static void test_context_type_parse(void)
{
    seckit_context_type t;
    seckit_error err;
    CHECK(seckit_context_type_parse(&t, "stringList", &err) == 0 &&
          t == SECKIT_CONTEXT_STRING_LIST);
    CHECK(seckit_context_type_parse(&t, "IP", &err) == 0 && t == SECKIT_CONTEXT_IP);
    CHECK(seckit_context_type_parse(&t, "strings", &err) == SECKIT_EINVAL);
    CHECK(strstr(err.message, "'strings'") != NULL && strstr(err.message, "binaryList") != NULL);
    CHECK(seckit_context_type_parse(&t, NULL, NULL) == SECKIT_EINVAL);
}

int main(void)
{
    TEST(test_context_type_parse);
    TEST(test_default_implicit_deny);
    TEST(test_explicit_deny_wins_everywhere);
    TEST(test_scp_must_allow);
    TEST(test_resource_policy_same_account);
    TEST(test_cross_account);
    TEST(test_boundary_and_session);
    TEST(test_not_action_not_resource);
    TEST(test_matching_case_rules);
    TEST(test_condition_operators);
    TEST(test_missing_keys);
    TEST(test_set_operators);
    TEST(test_policy_variables);
    TEST(test_deciding_statements);
    TEST(test_bad_input);
    TEST(test_authorization_details);
    TEST(test_arn_primitives);
    TEST(test_principal_classify);
    TEST(test_value_parsers);
    TEST(test_action_split);
    TEST(test_resource_types);
    TEST(test_compile_lint_mode);
    TEST(test_compile_lint_principals);
    TEST(test_compile_lint_conditions);
    TEST(test_compile_lint_key_types);
    TEST(test_compile_version_whole_text);
    TEST(test_arena_with_buffer);
    seckit_policy_set_free(kept_set);
    return tl_failed_total ? 1 : 0;
}
