/* policy/inputs: detection and extraction of every input kind, owners,
 * types, positions mapped back to the file, CloudFormation intrinsic
 * placeholders, malformed inputs, limits, truncations and bit flips. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/inputs_internal.h"
#include "policy/internal.h"
#include "policy/json_internal.h"
#include "seckit/policy_inputs.h"
#include "seckit/json.h"
#include "seckit/iam_data.h"
#include "testlib.h"

static char *read_data(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/data/policy/inputs/%s", tl_data_dir(), name);
    return tl_slurp(path, len);
}

static seckit_policy_inputs *extract_file(const char *name, int *rc, seckit_error *err)
{
    size_t len = 0;
    char *data = read_data(name, &len);
    seckit_policy_inputs *in = NULL;
    seckit_policy_inputs_options o = {SECKIT_POLICY_INPUTS_OPTIONS_VERSION, SECKIT_INPUT_AUTO, name,
                                      0};
    if (data == NULL) {
        *rc = -1;
        snprintf(err->message, sizeof(err->message), "cannot read %s", name);
        return NULL;
    }
    *rc = seckit_policy_inputs_extract(&in, data, len, &o, err);
    free(data);
    return in;
}

static const seckit_policy_input *find_owner(const seckit_policy_inputs *in, const char *owner)
{
    for (size_t i = 0; in != NULL && i < in->count; i++)
        if (strcmp(in->items[i].owner, owner) == 0)
            return &in->items[i];
    return NULL;
}

/* Where does `needle` (first occurrence in the policy text) come from? */
static seckit_position where(const seckit_policy_input *p, const char *needle)
{
    seckit_position none = {0, 0, 0};
    const char *k = p != NULL ? strstr(p->text, needle) : NULL;
    if (k == NULL)
        return none;
    size_t off = (size_t)(k - p->text);
    unsigned long line = 1, col = 0;
    for (size_t i = 0; i < off; i++) {
        if (p->text[i] == '\n') {
            line++;
            col = 0;
        } else {
            col++;
        }
    }
    return seckit_policy_input_locate(p, off, line, col);
}

/* The file text at a position must start with `needle`. */
static int file_has_at(const char *name, const seckit_position *pos, const char *needle)
{
    size_t len = 0;
    char *data = read_data(name, &len);
    int ok = data != NULL && pos->offset < len &&
             strncmp(data + pos->offset, needle, strlen(needle)) == 0;
    /* and the line/column agree with the offset */
    unsigned long line = 1, col = 0;
    for (size_t i = 0; data != NULL && i < pos->offset && i < len; i++) {
        if (data[i] == '\n') {
            line++;
            col = 0;
        } else {
            col++;
        }
    }
    free(data);
    return ok && line == pos->line && col == pos->column;
}

static void test_bare_policy(void)
{
    seckit_error err;
    int rc;
    seckit_policy_inputs *in = extract_file("bare-identity.json", &rc, &err);
    CHECK_OK(rc, &err);
    if (in == NULL)
        return;
    CHECK(in->format == SECKIT_INPUT_POLICY);
    CHECK(in->count == 1);
    const seckit_policy_input *p = &in->items[0];
    CHECK(p->exact && p->base.line == 1 && p->base.column == 0 && p->base.offset == 0);
    CHECK(p->type == SECKIT_POLICY_IDENTITY && !p->type_known);
    CHECK_STR(p->owner, "");
    seckit_position at = where(p, "iam:PassRole");
    CHECK(at.line == 13 && at.column == 17);
    CHECK(file_has_at("bare-identity.json", &at, "iam:PassRole"));
    seckit_policy_inputs_free(in);
}

static void test_policy_version(void)
{
    seckit_error err;
    int rc;
    seckit_policy_inputs *in = extract_file("get-policy-version.json", &rc, &err);
    CHECK_OK(rc, &err);
    if (in == NULL)
        return;
    CHECK(in->format == SECKIT_INPUT_POLICY_VERSION && in->count == 1);
    const seckit_policy_input *p = &in->items[0];
    CHECK(p->exact && p->base.line == 3 && p->base.column == 20);
    CHECK(p->text[0] == '{' && p->text[p->text_len - 1] == '}');
    CHECK_STR(p->owner, "policy version v3");
    seckit_position at = where(p, "iam:PassRole");
    CHECK(file_has_at("get-policy-version.json", &at, "iam:PassRole"));
    seckit_policy_inputs_free(in);

    in = extract_file("get-policy-version-urlencoded.json", &rc, &err);
    CHECK_OK(rc, &err);
    if (in == NULL)
        return;
    CHECK(in->count == 1 && !in->items[0].exact);
    CHECK(strstr(in->items[0].text, "\"Action\":\"iam:PassRole\"") != NULL);
    CHECK(in->items[0].text[0] == '{');
    /* Positions inside a URL-encoded document all point at the string. */
    at = where(&in->items[0], "iam:PassRole");
    CHECK(file_has_at("get-policy-version-urlencoded.json", &at, "\"%7B"));
    seckit_policy_inputs_free(in);
}

static void test_auth_details(void)
{
    seckit_error err;
    int rc;
    seckit_policy_inputs *in = extract_file("account-authorization-details.json", &rc, &err);
    CHECK_OK(rc, &err);
    if (in == NULL)
        return;
    CHECK(in->format == SECKIT_INPUT_AUTH_DETAILS);
    CHECK(in->count == 5);
    const seckit_policy_input *p = find_owner(in, "user/alice (inline policy alice-inline)");
    CHECK(p != NULL && p->exact && p->type == SECKIT_POLICY_IDENTITY);
    p = find_owner(in, "group/admins (inline policy admins-inline)");
    CHECK(p != NULL && !p->exact && strstr(p->text, "iam:PassRole") != NULL);
    p = find_owner(in, "role/app-role (trust policy)");
    CHECK(p != NULL && p->type == SECKIT_POLICY_TRUST &&
          p->resource_type == SECKIT_RESOURCE_IAM_ROLE_TRUST);
    p = find_owner(in, "role/app-role (inline policy app-inline)");
    CHECK(p != NULL && p->exact);
    /* The default version (v2, URL-encoded), not v1. */
    p = find_owner(in, "policy/app-managed (managed policy, version v2)");
    CHECK(p != NULL && strstr(p->text, "logs:PutLogEvents") != NULL);
    seckit_policy_inputs_free(in);
}

static void test_get_entity(void)
{
    static const char role[] =
        "{\"Role\": {\"RoleName\": \"r1\", \"AssumeRolePolicyDocument\": {\"Version\": "
        "\"2012-10-17\", \"Statement\": []}}}";
    static const char inl[] = "{\"UserName\": \"bob\", \"PolicyName\": \"p\", \"PolicyDocument\": "
                              "\"%7B%22Statement%22%3A%5B%5D%7D\"}";
    seckit_policy_inputs *in = NULL;
    seckit_error err;
    CHECK_OK(seckit_policy_inputs_extract(&in, role, strlen(role), NULL, &err), &err);
    CHECK(in != NULL && in->format == SECKIT_INPUT_GET_ENTITY && in->count == 1);
    if (in != NULL && in->count == 1) {
        CHECK_STR(in->items[0].owner, "role/r1 (trust policy)");
        CHECK(in->items[0].type == SECKIT_POLICY_TRUST);
    }
    seckit_policy_inputs_free(in);
    in = NULL;
    CHECK_OK(seckit_policy_inputs_extract(&in, inl, strlen(inl), NULL, &err), &err);
    CHECK(in != NULL && in->count == 1);
    if (in != NULL && in->count == 1) {
        CHECK_STR(in->items[0].owner, "user/bob (inline policy p)");
        CHECK_STR(in->items[0].text, "{\"Statement\":[]}");
    }
    seckit_policy_inputs_free(in);
}

static void test_cfn_yaml(void)
{
    seckit_error err;
    int rc;
    seckit_policy_inputs *in = extract_file("cloudformation.yaml", &rc, &err);
    CHECK_OK(rc, &err);
    if (in == NULL)
        return;
    CHECK(in->format == SECKIT_INPUT_CLOUDFORMATION);
    CHECK_MSG(in->count == 12, "%zu policies", in->count);
    const seckit_policy_input *p = find_owner(in, "AWS::S3::BucketPolicy ReportsPolicy");
    CHECK(p != NULL && p->type == SECKIT_POLICY_RESOURCE &&
          p->resource_type == SECKIT_RESOURCE_S3_BUCKET);
    /* The !Sub of an ARN ending in a wildcard keeps the wildcard. */
    CHECK(p != NULL && strstr(p->text, "\"arn:aws:s3:::Reports/*\"") != NULL);
    seckit_position at = where(p, "\"Principal\"");
    CHECK(file_has_at("cloudformation.yaml", &at, "Principal"));

    p = find_owner(in, "AWS::IAM::Role AppRole (trust policy)");
    CHECK(p != NULL && p->type == SECKIT_POLICY_TRUST);
    /* A parameter with no Default in an ARN's account field; the value is
     * kept with the parameter named, for messages. */
    CHECK(p != NULL && strstr(p->text, "arn:aws:iam::000000000000:root") != NULL);
    CHECK(p != NULL && p->substituted != NULL &&
          strstr(p->substituted,
                 "arn:aws:iam::000000000000:root\tarn:aws:iam::${TrustedAccount}:root\n") != NULL);

    p = find_owner(in, "AWS::IAM::Role AppRole (inline policy app-inline)");
    CHECK(p != NULL && p->type == SECKIT_POLICY_IDENTITY);
    /* nothing built with an unknown parameter's placeholder here? then none */
    CHECK(p != NULL &&
          (p->substituted == NULL || strstr(p->substituted, "${TrustedAccount}") == NULL));
    CHECK(p != NULL && strstr(p->text, "\"arn:aws:sqs:us-east-1:000000000000:Jobs\"") != NULL);
    at = where(p, "iam:PassRole");
    CHECK(at.line == 48 && at.column == 24);
    CHECK(file_has_at("cloudformation.yaml", &at, "iam:PassRole"));
    /* A value from an intrinsic points at the intrinsic. */
    at = where(p, "arn:aws:sqs");
    CHECK(file_has_at("cloudformation.yaml", &at, "!GetAtt Jobs.Arn"));

    p = find_owner(in, "AWS::SQS::QueuePolicy JobsPolicy");
    CHECK(p != NULL && p->resource_type == SECKIT_RESOURCE_SQS_QUEUE);
    CHECK(p != NULL && strstr(p->text, "arn:aws:sns:us-east-1:000000000000:Alerts") != NULL);
    p = find_owner(in, "AWS::SNS::TopicPolicy AlertsPolicy");
    CHECK(p != NULL && strstr(p->text, "{\"AWS\":\"000000000000\"}") != NULL);
    p = find_owner(in, "AWS::KMS::Key Key (key policy)");
    CHECK(p != NULL && p->resource_type == SECKIT_RESOURCE_KMS_KEY &&
          strstr(p->text, "arn:aws:iam::000000000000:root") != NULL);
    /* Fn::If in a list: both branches, so the "*" is seen. */
    p = find_owner(in, "AWS::IAM::ManagedPolicy Deploy");
    CHECK(p != NULL &&
          strstr(p->text, "[\"arn:aws:lambda:us-east-1:000000000000:function:Fn\",\"*\"]") != NULL);
    p = find_owner(in, "AWS::IAM::Policy Extra");
    CHECK(p != NULL &&
          strstr(p->text, "arn:aws:dynamodb:us-east-1:000000000000:table/orders") != NULL);
    CHECK(find_owner(in, "AWS::IAM::User Ops (inline policy StackName-ops)") != NULL);
    CHECK(find_owner(in, "AWS::IAM::Group Admins (inline policy admins)") != NULL);
    p = find_owner(in, "AWS::SecretsManager::ResourcePolicy SecretPolicy");
    CHECK(p != NULL && p->resource_type == SECKIT_RESOURCE_SECRETS_MANAGER_SECRET);
    p = find_owner(in, "AWS::Lambda::Permission InvokeFromAnywhere (statement made from its "
                       "properties)");
    CHECK(p != NULL && p->resource_type == SECKIT_RESOURCE_LAMBDA_FUNCTION &&
          strstr(p->text, "\"Principal\":\"*\"") != NULL && strstr(p->text, "function:Fn") != NULL);
    /* Placeholders bring no wildcard of their own: every '*' in the
     * extracted policies was in the template. */
    size_t stars = 0;
    for (size_t i = 0; i < in->count; i++)
        for (const char *s = in->items[i].text; *s != '\0'; s++)
            stars += *s == '*';
    CHECK_MSG(stars == 13, "%zu stars", stars);
    seckit_policy_inputs_free(in);
}

static void test_cfn_json(void)
{
    seckit_error err;
    int rc;
    seckit_policy_inputs *in = extract_file("cloudformation.json", &rc, &err);
    CHECK_OK(rc, &err);
    if (in == NULL)
        return;
    CHECK(in->format == SECKIT_INPUT_CLOUDFORMATION && in->count == 3);
    const seckit_policy_input *p = find_owner(in, "AWS::IAM::Role BuildRole (inline policy build)");
    CHECK(p != NULL && strstr(p->text, "\"arn:aws:s3:::Artifacts/*\"") != NULL);
    p = find_owner(in, "AWS::S3::BucketPolicy ArtifactsPolicy");
    CHECK(p != NULL &&
          strstr(p->text, "[\"arn:aws:s3:::Artifacts\",\"arn:aws:s3:::Artifacts/*\"]") != NULL);
    seckit_position at = where(p, "aws:SecureTransport");
    CHECK(file_has_at("cloudformation.json", &at, "aws:SecureTransport"));
    seckit_policy_inputs_free(in);
}

static void test_terraform(void)
{
    seckit_error err;
    int rc;
    seckit_policy_inputs *in = extract_file("terraform-plan.json", &rc, &err);
    CHECK_OK(rc, &err);
    if (in == NULL)
        return;
    CHECK(in->format == SECKIT_INPUT_TERRAFORM);
    CHECK_MSG(in->count == 7, "%zu policies", in->count);
    const seckit_policy_input *p = find_owner(in, "aws_iam_role.app (trust policy)");
    CHECK(p != NULL && p->type == SECKIT_POLICY_TRUST);
    CHECK(find_owner(in, "aws_iam_role.app (inline policy app-inline)") != NULL);
    p = find_owner(in, "aws_iam_policy.deploy (policy)");
    CHECK(p != NULL && p->text[0] == '{');
    /* Inside a JSON string with escapes, positions still land exactly. */
    seckit_position at = where(p, "iam:PassRole");
    CHECK(at.line == 32 && at.column == 107);
    CHECK(file_has_at("terraform-plan.json", &at, "iam:PassRole"));
    at = where(p, "\"Resource\"");
    CHECK(file_has_at("terraform-plan.json", &at, "\\\"Resource\\\""));
    p = find_owner(in, "aws_s3_bucket_policy.public (bucket policy)");
    CHECK(p != NULL && p->resource_type == SECKIT_RESOURCE_S3_BUCKET);
    CHECK(find_owner(in, "module.queue.aws_sqs_queue_policy.q (queue policy)") != NULL);
    CHECK(find_owner(in, "module.queue.aws_sns_topic_policy.t (topic policy)") != NULL);
    CHECK(find_owner(in, "module.queue.aws_iam_role_policy.r (inline policy)") != NULL);
    seckit_policy_inputs_free(in);
}

static void test_malformed(void)
{
    seckit_error err;
    int rc;
    size_t len;
    char *data = read_data("malformed.json", &len);
    CHECK(data != NULL);
    if (data == NULL)
        return;
    /* Default: a bare policy, so the linter reports JSON_SYNTAX_ERROR. */
    seckit_policy_inputs *in = NULL;
    CHECK_OK(seckit_policy_inputs_extract(&in, data, len, NULL, &err), &err);
    CHECK(in != NULL && in->count == 1 && in->items[0].exact && in->items[0].text_len == len);
    seckit_policy_inputs_free(in);
    in = NULL;
    seckit_policy_inputs_options strict = {SECKIT_POLICY_INPUTS_OPTIONS_VERSION, SECKIT_INPUT_AUTO,
                                           "malformed.json", SECKIT_INPUTS_STRICT};
    CHECK_RC(seckit_policy_inputs_extract(&in, data, len, &strict, &err), SECKIT_EFORMAT);
    CHECK(in == NULL && err.position.line == 4 && err.position.column == 49);
    CHECK(strstr(err.message, "line 4 column 49") != NULL);
    free(data);

    in = extract_file("malformed.yaml", &rc, &err);
    CHECK_RC(rc, SECKIT_EFORMAT);
    CHECK(in == NULL && err.position.line == 8 &&
          strstr(err.message, "invalid YAML at line 8") != NULL);

    /* Shapes: a Document that is a number. */
    static const char bad[] = "{\"PolicyVersion\": {\"Document\": 42, \"VersionId\": \"v1\"}}";
    CHECK_RC(seckit_policy_inputs_extract(&in, bad, strlen(bad), NULL, &err), SECKIT_EFORMAT);
    CHECK(err.position.line == 1 && err.position.column == 31);
    /* Limits: nesting. */
    char deep[600];
    memset(deep, '[', 300);
    memset(deep + 300, ']', 300);
    CHECK_RC(seckit_policy_inputs_extract(&in, deep, sizeof(deep), &strict, &err), SECKIT_ELIMIT);
    char ydeep[700];
    memset(ydeep, '[', 350);
    memset(ydeep + 350, ']', 350);
    seckit_policy_inputs_options y = {SECKIT_POLICY_INPUTS_OPTIONS_VERSION, SECKIT_INPUT_AUTO,
                                      "x.yaml", 0};
    rc = seckit_policy_inputs_extract(&in, ydeep, sizeof(ydeep), &y, &err);
    CHECK(rc == SECKIT_ELIMIT || rc == SECKIT_EFORMAT);
    /* YAML alias bombs stay bounded (a cyclic alias too). */
    static const char bomb[] = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                               "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                               "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                               "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                               "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                               "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                               "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
    rc = seckit_policy_inputs_extract(&in, bomb, strlen(bomb), &y, &err);
    CHECK_RC(rc, SECKIT_ELIMIT);
    static const char cycle[] = "a: &a [*a]\n";
    rc = seckit_policy_inputs_extract(&in, cycle, strlen(cycle), &y, &err);
    CHECK(rc != 0 || in != NULL);
    seckit_policy_inputs_free(in);
    in = NULL;
    /* Empty input. */
    rc = seckit_policy_inputs_extract(&in, "", 0, &strict, &err);
    CHECK_RC(rc, SECKIT_ETRUNCATED);
    rc = seckit_policy_inputs_extract(&in, "", 0, &y, &err);
    CHECK_RC(rc, SECKIT_EFORMAT);
}

/* Intrinsic-function placeholders, one rule at a time. */
static void test_intrinsics(void)
{
    static const char tmpl[] = "Parameters:\n"
                               "  Unknown: {Type: String}\n"
                               "  Envs: {Type: CommaDelimitedList, Default: \"dev,prod\"}\n"
                               "Resources:\n"
                               "  P:\n"
                               "    Type: AWS::IAM::Policy\n"
                               "    Properties:\n"
                               "      PolicyDocument:\n"
                               "        Version: '2012-10-17'\n"
                               "        Statement:\n"
                               "          - Effect: Allow\n"
                               "            Action: s3:GetObject\n"
                               "            Resource:\n"
                               "              - !Ref Unknown\n"
                               "              - !Sub 'arn:aws:s3:::${!Literal}/${aws:username}/*'\n"
                               "              - !Select [1, !Ref Envs]\n"
                               "              - !Join ['-', !Split [',', 'a,b']]\n"
                               "              - !If [C, !Ref AWS::NoValue, 'arn:aws:s3:::kept']\n"
                               "              - !ImportValue SharedBucket\n"
                               "              - !Select [0, !GetAZs '']\n"
                               "          - Effect: Allow\n"
                               "            Action: sqs:SendMessage\n"
                               "            Resource: !Ref Unknown\n"
                               "            Condition:\n"
                               "              StringEquals:\n"
                               "                aws:SourceAccount: !Ref AWS::AccountId\n"
                               "              ArnLike:\n"
                               "                aws:SourceArn: !Ref Unknown\n"
                               "          - Effect: Allow\n"
                               "            Action: iam:PassRole\n"
                               "            Resource: !Ref AWS::NoValue\n";
    seckit_policy_inputs *in = NULL;
    seckit_error err;
    seckit_policy_inputs_options y = {SECKIT_POLICY_INPUTS_OPTIONS_VERSION, SECKIT_INPUT_AUTO,
                                      "t.yaml", 0};
    CHECK_OK(seckit_policy_inputs_extract(&in, tmpl, strlen(tmpl), &y, &err), &err);
    CHECK(in != NULL && in->count == 1);
    if (in == NULL || in->count != 1)
        return;
    const char *t = in->items[0].text;
    CHECK(strstr(t, "\"arn:aws:s3:::Unknown\"") != NULL);
    CHECK(strstr(t, "\"arn:aws:s3:::${Literal}/${aws:username}/*\"") != NULL);
    CHECK(strstr(t, "\"arn:aws:s3:::prod\"") != NULL);
    CHECK(strstr(t, "\"arn:aws:s3:::a-b\"") != NULL);
    CHECK(strstr(t, "\"arn:aws:s3:::kept\"") != NULL);
    CHECK(strstr(t, "\"arn:aws:s3:::SharedBucket\"") != NULL);
    CHECK(strstr(t, "\"arn:aws:s3:::us-east-1a\"") != NULL);
    CHECK(strstr(t, "\"Resource\":\"arn:aws:sqs:us-east-1:000000000000:Unknown\"") != NULL);
    CHECK(strstr(t, "\"aws:SourceAccount\":\"000000000000\"") != NULL);
    CHECK(strstr(t, "\"aws:SourceArn\":\"arn:aws:sqs:us-east-1:000000000000:Unknown\"") != NULL);
    /* NoValue removes the key with it. */
    CHECK(strstr(t, "{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\"}") != NULL);
    seckit_policy_inputs_free(in);
}

/* Forced formats, YAML bare policies, detection by name. */
static void test_formats(void)
{
    static const char ypol[] = "Version: '2012-10-17'\nStatement:\n  - Effect: Allow\n"
                               "    Action: '*'\n    Resource: '*'\n";
    seckit_policy_inputs *in = NULL;
    seckit_error err;
    seckit_policy_inputs_options y = {SECKIT_POLICY_INPUTS_OPTIONS_VERSION, SECKIT_INPUT_AUTO,
                                      "p.yml", 0};
    CHECK_OK(seckit_policy_inputs_extract(&in, ypol, strlen(ypol), &y, &err), &err);
    CHECK(in != NULL && in->format == SECKIT_INPUT_POLICY && in->count == 1);
    if (in != NULL && in->count == 1) {
        CHECK_STR(in->items[0].text, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
                                     "\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}");
        seckit_position at = where(&in->items[0], "Resource");
        CHECK(at.line == 5 && at.column == 4);
    }
    seckit_policy_inputs_free(in);
    in = NULL;
    /* A .template named file in YAML. */
    static const char tpl[] = "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n"
                              "      AssumeRolePolicyDocument: {Statement: []}\n";
    seckit_policy_inputs_options t = {SECKIT_POLICY_INPUTS_OPTIONS_VERSION, SECKIT_INPUT_AUTO,
                                      "stack.template", 0};
    CHECK_OK(seckit_policy_inputs_extract(&in, tpl, strlen(tpl), &t, &err), &err);
    CHECK(in != NULL && in->format == SECKIT_INPUT_CLOUDFORMATION && in->count == 1);
    seckit_policy_inputs_free(in);
    in = NULL;
    /* SAM: documents in a function's Policies are linted, the rest skipped. */
    static const char sam[] =
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n"
        "    Type: AWS::Serverless::Function\n    Properties:\n      Policies:\n"
        "        - AWSLambdaExecute\n        - S3ReadPolicy: {BucketName: b}\n"
        "        - Statement: [{Effect: Allow, Action: 's3:*', Resource: '*'}]\n";
    seckit_policy_inputs_options sy = {SECKIT_POLICY_INPUTS_OPTIONS_VERSION, SECKIT_INPUT_AUTO,
                                       "sam.yaml", 0};
    CHECK_OK(seckit_policy_inputs_extract(&in, sam, strlen(sam), &sy, &err), &err);
    CHECK(in != NULL && in->format == SECKIT_INPUT_CLOUDFORMATION && in->count == 1);
    if (in != NULL && in->count == 1)
        CHECK_STR(in->items[0].owner, "AWS::Serverless::Function Fn (policy 3)");
    seckit_policy_inputs_free(in);
    in = NULL;
    /* Forcing "policy" on a template gives the whole file as one policy. */
    static const char j[] = "{\"Resources\": {}}";
    seckit_policy_inputs_options f = {SECKIT_POLICY_INPUTS_OPTIONS_VERSION, SECKIT_INPUT_POLICY,
                                      NULL, 0};
    CHECK_OK(seckit_policy_inputs_extract(&in, j, strlen(j), &f, &err), &err);
    CHECK(in != NULL && in->count == 1 && in->items[0].exact);
    seckit_policy_inputs_free(in);
    CHECK_STR(seckit_input_format_name(SECKIT_INPUT_TERRAFORM), "terraform");
}

/* Every truncation and a spread of bit flips of every fixture: each either
 * extracts or fails with a code and message; sanitizers watch the rest. */
static void test_mutations(void)
{
    static const char *const files[] = {"bare-identity.json",
                                        "get-policy-version.json",
                                        "get-policy-version-urlencoded.json",
                                        "account-authorization-details.json",
                                        "cloudformation.yaml",
                                        "cloudformation.json",
                                        "terraform-plan.json",
                                        "malformed.json",
                                        "malformed.yaml"};
    int quick = getenv("SECKIT_TEST_QUICK") != NULL;
    for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        size_t len = 0;
        char *data = read_data(files[f], &len);
        CHECK(data != NULL);
        if (data == NULL)
            continue;
        size_t step = quick ? len / 16 + 1 : len / 400 + 1;
        for (size_t cut = 0; cut <= len; cut += step) {
            char *copy = malloc(cut + 1);
            memcpy(copy, data, cut);
            seckit_policy_inputs *in = NULL;
            seckit_error err;
            seckit_policy_inputs_options o = {SECKIT_POLICY_INPUTS_OPTIONS_VERSION,
                                              SECKIT_INPUT_AUTO, files[f], 0};
            int rc = seckit_policy_inputs_extract(&in, copy, cut, &o, &err);
            CHECK(rc == 0 ? in != NULL : (in == NULL && err.message[0] != '\0'));
            for (size_t i = 0; rc == 0 && i < in->count; i++)
                CHECK(strlen(in->items[i].text) == in->items[i].text_len);
            seckit_policy_inputs_free(in);
            free(copy);
        }
        size_t bstep = quick ? len * 8 / 32 + 1 : len * 8 / 800 + 1;
        for (size_t bit = 0; bit < len * 8; bit += bstep) {
            data[bit / 8] ^= (char)(1u << (bit % 8));
            seckit_policy_inputs *in = NULL;
            seckit_error err;
            seckit_policy_inputs_options o = {SECKIT_POLICY_INPUTS_OPTIONS_VERSION,
                                              SECKIT_INPUT_AUTO, files[f], 0};
            int rc = seckit_policy_inputs_extract(&in, data, len, &o, &err);
            CHECK(rc == 0 ? in != NULL : in == NULL);
            seckit_policy_inputs_free(in);
            data[bit / 8] ^= (char)(1u << (bit % 8));
        }
        free(data);
    }
}

/* ---- one parse: policies of JSON files are linted from the file's tree ---- */

static seckit_iam_data *g_data;

static void load_iam_data(void)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/../policy/data/iam-data.txt", tl_data_dir());
    seckit_error err;
    if (tl_iam_data_load(&g_data, path, &err) != 0)
        g_data = NULL;
}

/* Everything a report shows of the findings, as one string. */
static char *findings_text(const seckit_policy_findings *f)
{
    size_t cap = 256 + f->count * 1024, n = 0;
    char *s = malloc(cap);
    if (s == NULL)
        return NULL;
    s[0] = '\0';
    for (size_t i = 0; i < f->count; i++) {
        const seckit_policy_finding *x = &f->items[i];
        int w = snprintf(s + n, cap - n, "%d %s %s|%s|%lu:%lu+%zu-%lu:%lu+%zu|%ld|%s\n",
                         (int)x->type, x->issue_code, x->message, x->path, x->span.start.line,
                         x->span.start.column, x->span.start.offset, x->span.end.line,
                         x->span.end.column, x->span.end.offset, x->statement_index,
                         x->sid ? x->sid : "-");
        if (w < 0 || (size_t)w >= cap - n)
            break;
        n += (size_t)w;
    }
    return s;
}

/* Lint p from its tree and from its text: the same findings.  Returns the
 * number of findings with issue code `code` (or -1 on failure). */
static int lint_both_ways(const seckit_policy_input *p, seckit_policy_type type, const char *code)
{
    seckit_policy_lint_options o = SECKIT_POLICY_LINT_OPTIONS_INIT;
    o.type = type;
    o.data = g_data;
    seckit_policy_input text_only = *p;
    text_only.tree = NULL;
    seckit_policy_findings *a = NULL, *b = NULL;
    seckit_error err;
    int rc = seckit_policy_input_lint(p, &a, &o, &err);
    CHECK_OK(rc, &err);
    rc = seckit_policy_input_lint(&text_only, &b, &o, &err);
    CHECK_OK(rc, &err);
    int hits = -1;
    if (a != NULL && b != NULL) {
        char *ta = findings_text(a), *tb = findings_text(b);
        CHECK(ta != NULL && tb != NULL);
        if (ta != NULL && tb != NULL)
            CHECK_MSG(strcmp(ta, tb) == 0, "type %d: from the tree:\n%sfrom the text:\n%s",
                      (int)type, ta, tb);
        free(ta);
        free(tb);
        hits = 0;
        for (size_t i = 0; code != NULL && i < a->count; i++)
            hits += strcmp(a->items[i].issue_code, code) == 0;
    }
    seckit_policy_findings_free(a);
    seckit_policy_findings_free(b);
    return hits;
}

/* The quota count (eight bytes at a time) against a byte-by-byte count. */
static void test_nonws_chars(void)
{
    static const char alphabet[] = " \t\r\nab{}\"\xC3\xA9\xE2\x82\xAC\x7F\xFF\xC0\xBF!";
    static char buf[9000];
    unsigned seed = 7;
    for (int round = 0; round < 210; round++) {
        /* every short length, then long ones (counters added in batches) */
        size_t n = round < 200 ? (size_t)round : 4000 + (size_t)(round - 200) * 500;
        size_t want = 0;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned char c = (unsigned char)alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
            buf[i] = (char)c;
            want += !(c == ' ' || c == '\t' || c == '\r' || c == '\n' || (c & 0xC0) == 0x80);
        }
        CHECK_MSG(skt_json_text_nonws_chars(buf, n) == want, "round %d: %zu, want %zu", round,
                  skt_json_text_nonws_chars(buf, n), want);
    }
}

/* The JSON reader's limits and errors as policy/inputs reports them. */
static void test_json_limits(void)
{
    seckit_policy_inputs_options strict = {SECKIT_POLICY_INPUTS_OPTIONS_VERSION, SECKIT_INPUT_AUTO,
                                           "x.json", SECKIT_INPUTS_STRICT};
    seckit_policy_inputs *in = NULL;
    seckit_error err;
    /* 96 levels of arrays around a value are fine, 97 are not. */
    char deep[300];
    for (int levels = 96; levels <= 97; levels++) {
        size_t n = 0;
        for (int i = 0; i < levels; i++)
            deep[n++] = '[';
        deep[n++] = '1';
        for (int i = 0; i < levels; i++)
            deep[n++] = ']';
        int rc = seckit_policy_inputs_extract(&in, deep, n, &strict, &err);
        CHECK_MSG(rc == (levels <= SKT_IN_MAX_DEPTH ? 0 : SECKIT_ELIMIT), "%d levels: %d", levels,
                  rc);
        if (rc != 0)
            CHECK(err.position.line == 1 && err.position.column == (unsigned long)levels);
        seckit_policy_inputs_free(in);
        in = NULL;
    }
    /* Truncated: ETRUNCATED with the position; the message names it. */
    static const char cut[] = "{\"Version\": \"2012-10-17\",\n \"Statement\": [";
    CHECK_RC(seckit_policy_inputs_extract(&in, cut, strlen(cut), &strict, &err), SECKIT_ETRUNCATED);
    CHECK(err.position.line == 2 && err.position.column == 15 &&
          strstr(err.message, "line 2 column 15") != NULL);
    /* An unterminated string is reported where it opens. */
    static const char open_str[] = "{\"Version\": \"2012-10-17";
    CHECK_RC(seckit_policy_inputs_extract(&in, open_str, strlen(open_str), &strict, &err),
             SECKIT_EFORMAT);
    CHECK(err.position.line == 1 && err.position.column == 12 &&
          strstr(err.message, "unterminated") != NULL);
    /* Values: 1,000,000 plus one per 16 bytes. */
    size_t count = 1300000, n = 0;
    char *big = malloc(count * 2 + 2);
    CHECK(big != NULL);
    if (big == NULL)
        return;
    big[n++] = '[';
    for (size_t i = 0; i < count; i++) {
        big[n++] = '0';
        big[n++] = ',';
    }
    big[n - 1] = ']';
    CHECK_RC(seckit_policy_inputs_extract(&in, big, n, &strict, &err), SECKIT_ELIMIT);
    CHECK(strstr(err.message, "more than") != NULL);
    /* without the flag: linted as a bare policy (as before) */
    CHECK_OK(seckit_policy_inputs_extract(&in, big, n, NULL, &err), &err);
    CHECK(in != NULL && in->count == 1 && in->items[0].tree == NULL);
    seckit_policy_inputs_free(in);
    free(big);
}

/* The reader's eight-bytes-at-a-time scans: a special byte at every
 * position of a string, and runs of spaces of every length. */
static void test_json_scans(void)
{
    static const struct {
        const char *raw;  /* written into the string at position k */
        const char *want; /* decoded, or NULL: an error at position k */
    } specials[] = {
        {"\\\"", "\""},           {"\\\\", "\\"},   {"\\n", "\n"},
        {"\xC3\xA9", "\xC3\xA9"}, {"\x01", NULL},   {"\xFF", NULL},
        {"\x7F", "\x7F"},         {"\\u0041", "A"}, {"\\ud83d\\ude00", "\xF0\x9F\x98\x80"},
        {"\\u0000", ""}};
    for (size_t sp = 0; sp < sizeof(specials) / sizeof(specials[0]); sp++) {
        for (size_t k = 0; k < 20; k++) {
            char text[64], want[64];
            size_t n = 0, w = 0;
            text[n++] = '[';
            text[n++] = '"';
            for (size_t i = 0; i < k; i++)
                text[n++] = want[w++] = 'a';
            size_t at = n;
            memcpy(text + n, specials[sp].raw, strlen(specials[sp].raw));
            n += strlen(specials[sp].raw);
            if (specials[sp].want != NULL) {
                size_t wl = strlen(specials[sp].want);
                memcpy(want + w, specials[sp].want, wl + (wl == 0)); /* \u0000: one NUL */
                w += wl + (wl == 0);
            }
            for (size_t i = 0; i < 11; i++)
                text[n++] = want[w++] = 'b';
            text[n++] = '"';
            text[n++] = ']';
            seckit_json_doc *doc = NULL;
            seckit_error err;
            int rc = seckit_json_parse(&doc, text, n, NULL, &err);
            if (specials[sp].want == NULL) {
                CHECK_MSG(rc == SECKIT_EFORMAT && err.position.column == at,
                          "special %zu at %zu: %d col %lu", sp, k, rc, err.position.column);
            } else {
                const seckit_json *v = rc == 0 ? seckit_json_root(doc)->child : NULL;
                CHECK_MSG(v != NULL && v->len == w && memcmp(v->str, want, w) == 0 &&
                              v->span.end.offset == n - 1,
                          "special %zu at %zu", sp, k);
            }
            seckit_json_free(doc);
        }
    }
    /* numbers: NUL-terminated where the delimiter after them was */
    static const char nums[] = "[1,-2.5e3 ,0,{\"k\":7},[\"x\",8]]";
    seckit_json_doc *nd = NULL;
    seckit_error nerr;
    CHECK_OK(seckit_json_parse(&nd, nums, strlen(nums), NULL, &nerr), &nerr);
    const seckit_json *a = nd != NULL ? seckit_json_root(nd)->child : NULL;
    CHECK(a != NULL && strcmp(a->str, "1") == 0 && a->len == 1);
    CHECK(a != NULL && a->next != NULL && strcmp(a->next->str, "-2.5e3") == 0);
    CHECK(a != NULL && a->next->next != NULL && strcmp(a->next->next->str, "0") == 0);
    const seckit_json *o = a != NULL ? a->next->next->next : NULL;
    CHECK(o != NULL && o->child != NULL && strcmp(o->child->key, "k") == 0 &&
          strcmp(o->child->str, "7") == 0);
    CHECK(o != NULL && o->next != NULL && strcmp(o->next->child->str, "x") == 0 &&
          strcmp(o->next->child->next->str, "8") == 0);
    seckit_json_free(nd);
    nd = NULL;
    CHECK_OK(seckit_json_parse(&nd, "42", 2, NULL, &nerr), &nerr);
    CHECK(nd != NULL && strcmp(seckit_json_root(nd)->str, "42") == 0);
    seckit_json_free(nd);
    for (size_t spaces = 0; spaces < 40; spaces++) {
        char text[128];
        size_t n = 0;
        text[n++] = '[';
        text[n++] = '\n';
        for (size_t i = 0; i < spaces; i++)
            text[n++] = ' ';
        text[n++] = '1';
        for (size_t i = 0; i < spaces; i++)
            text[n++] = i % 3 ? ' ' : '\t';
        text[n++] = ']';
        seckit_json_doc *doc = NULL;
        seckit_error err;
        CHECK_OK(seckit_json_parse(&doc, text, n, NULL, &err), &err);
        const seckit_json *v = doc != NULL ? seckit_json_root(doc)->child : NULL;
        CHECK_MSG(v != NULL && v->span.start.line == 2 && v->span.start.column == spaces,
                  "%zu spaces", spaces);
        seckit_json_free(doc);
    }
}

/* JSON string literals: every escape, and runs between them. */
static void test_json_str(void)
{
    static const char in[] = "a\"b\\c\n\r\t\b\f\x01\x1f\x7f/\xC3\xA9z";
    static const char want[] = "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\\u007f/\xC3\xA9z\"";
    skt_sb b;
    skt_sb_init(&b, 1024);
    skt_sb_json_str(&b, in, sizeof(in) - 1);
    CHECK(!b.failed && b.data != NULL);
    if (b.data != NULL)
        CHECK_STR(b.data, want);
    skt_sb_free(&b);
    skt_sb_json_str(&b, "", 0);
    CHECK(b.data != NULL && strcmp(b.data, "\"\"") == 0);
    skt_sb_free(&b);
}

static void test_lint_from_tree(void)
{
    static const char *const files[] = {"bare-identity.json",
                                        "get-policy-version.json",
                                        "get-policy-version-urlencoded.json",
                                        "account-authorization-details.json",
                                        "cloudformation.yaml",
                                        "cloudformation.json",
                                        "terraform-plan.json",
                                        "malformed.json"};
    /* items with a tree: JSON objects in the file, and every policy
     * written out from YAML or CloudFormation (not JSON held in strings) */
    static const int trees[] = {1, 1, 0, 3, 12, 3, 0, 0};
    static const seckit_policy_type types[] = {SECKIT_POLICY_IDENTITY, SECKIT_POLICY_RESOURCE,
                                               SECKIT_POLICY_TRUST, SECKIT_POLICY_SCP,
                                               SECKIT_POLICY_RCP};
    load_iam_data();
    for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        seckit_error err;
        int rc;
        seckit_policy_inputs *in = extract_file(files[f], &rc, &err);
        CHECK_OK(rc, &err);
        if (in == NULL)
            continue;
        int n = 0;
        for (size_t i = 0; i < in->count; i++) {
            n += in->items[i].tree != NULL;
            /* A tree is a root of its own: no key, no parent. */
            /* (a policy written out: its tree's positions are in the text) */
            if (in->items[i].tree != NULL)
                CHECK(in->items[i].tree->parent == NULL && in->items[i].tree->key == NULL &&
                      in->items[i].tree->span.start.offset ==
                          (in->items[i].exact ? in->items[i].base.offset : 0));
            for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++)
                lint_both_ways(&in->items[i], types[t], NULL);
        }
        CHECK_MSG(n == trees[f], "%s: %d trees, want %d", files[f], n, trees[f]);
        seckit_policy_inputs_free(in);
    }

    /* The size quota counts the text as written: spaces inside strings and
     * escapes as spelled, UTF-8 characters once (not the tree minified). */
    size_t cap = 64 << 10, n = 0;
    char *big = malloc(cap);
    CHECK(big != NULL);
    if (big == NULL)
        return;
    n += (size_t)snprintf(big + n, cap - n,
                          "{\"PolicyVersion\": {\"VersionId\": \"v1\", \"Document\": {\n"
                          "  \"Version\": \"2012-10-17\", \"Id\": \"caf\xC3\xA9 \\u0041\\/x\",\n"
                          "  \"Statement\": [\n");
    for (int i = 0; i < 120; i++)
        n += (size_t)snprintf(big + n, cap - n,
                              "    {\"Sid\": \"S%d\", \"Effect\": \"Allow\", \"Action\": "
                              "\"s3:GetObject\", \"Resource\": \"arn:aws:s3:::my bucket "
                              "name %d/\xE2\x82\xAC/*\", \"Condition\": {\"StringEquals\": "
                              "{\"aws:PrincipalTag/team\": \"a b c\"}}},\n",
                              i, i);
    n += (size_t)snprintf(big + n, cap - n,
                          "    {\"Effect\": \"Deny\", \"Action\": \"*\", \"NotResource\": \"*\", "
                          "\"Effect\": \"Allow\"}\n  ]\n}, \"Document\": 1}}\n");
    seckit_policy_inputs *in = NULL;
    seckit_error err;
    CHECK_OK(seckit_policy_inputs_extract(&in, big, n, NULL, &err), &err);
    if (in != NULL) {
        CHECK(in->count == 1 && in->items[0].tree != NULL);
        if (in->count == 1) {
            CHECK(lint_both_ways(&in->items[0], SECKIT_POLICY_IDENTITY,
                                 "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA") == 1);
            CHECK(lint_both_ways(&in->items[0], SECKIT_POLICY_RESOURCE, NULL) >= 0);
            /* (SCPs and RCPs are always linted from the text) */
            CHECK(lint_both_ways(&in->items[0], SECKIT_POLICY_SCP, NULL) >= 0);
            CHECK(lint_both_ways(&in->items[0], SECKIT_POLICY_IDENTITY, "DUPLICATE_JSON_KEY") == 1);
        }
    }
    seckit_policy_inputs_free(in);
    in = NULL;

    /* Invalid UTF-8 in a string: the file's policies are still found, and
     * linted from their text (which reports it). */
    static const char bad_utf8[] =
        "{\"Policies\": [{\"PolicyName\": \"p\", \"DefaultVersionId\": \"v1\", "
        "\"PolicyVersionList\": [{\"VersionId\": \"v1\", \"Document\": "
        "{\"Version\": \"2012-10-17\", \"Statement\": {\"Sid\": \"\xC3x\", \"Effect\": "
        "\"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}}}]}]}";
    CHECK_OK(seckit_policy_inputs_extract(&in, bad_utf8, strlen(bad_utf8), NULL, &err), &err);
    if (in != NULL) {
        CHECK(in->count == 1 && in->items[0].tree == NULL && in->items[0].exact);
        if (in->count == 1)
            CHECK(lint_both_ways(&in->items[0], SECKIT_POLICY_IDENTITY, "JSON_SYNTAX_ERROR") == 1);
    }
    seckit_policy_inputs_free(in);
    in = NULL;

    /* Nesting: a policy the linter's own parse would refuse (over 64
     * levels) is linted from its text; one within is linted from the tree. */
    for (int depth = 60; depth <= 70; depth += 10) {
        n = (size_t)snprintf(big, cap,
                             "{\"PolicyVersion\": {\"Document\": {\"Version\": \"2012-10-17\", "
                             "\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", "
                             "\"Resource\": \"*\", \"Condition\": ");
        for (int i = 0; i < depth - 3; i++)
            big[n++] = '[';
        for (int i = 0; i < depth - 3; i++)
            big[n++] = ']';
        n += (size_t)snprintf(big + n, cap - n, "}]}}}");
        CHECK_OK(seckit_policy_inputs_extract(&in, big, n, NULL, &err), &err);
        if (in != NULL) {
            CHECK(in->count == 1 && (in->items[0].tree != NULL) == (depth <= 64));
            if (in->count == 1)
                CHECK(lint_both_ways(&in->items[0], SECKIT_POLICY_IDENTITY, "JSON_SYNTAX_ERROR") ==
                      (depth > 64));
        }
        seckit_policy_inputs_free(in);
        in = NULL;
    }
    free(big);

    /* Policies written out from YAML: the tree built while writing lints
     * like the text (positions mapped back, order, quotas, duplicate keys,
     * anchors and aliases, escapes, numbers, intrinsic functions). */
    static const struct {
        const char *yaml;
        int tree; /* 1: linted from the tree, 0: from the text */
    } ys[] = {
        {"Version: '2012-10-17'\n"
         "Statement:\n"
         "  - &st\n"
         "    Sid: \"a\\tb \\x01 \\u00e9\"\n"
         "    Effect: Allow\n"
         "    Action: [iam:PassRole, 's3:Get*', \"s3:Put*\"]\n"
         "    Resource: '*'\n"
         "    Condition: {NumericLessThan: {aws:MultiFactorAuthAge: 3600}}\n"
         "  - *st\n"
         "  - {Effect: Deny, Action: '*', Resource: '*', Effect: Allow}\n",
         1},
        {"Version: 2012-10-17\nStatement:\n  Effect: Allow\n  Action: >\n    s3:GetObject\n"
         "  Resource: |\n    arn:aws:s3:::b/*\n  Condition: ~\n",
         1},
        {"Statement: [{Effect: Allow, Action: '*', Resource: '*', "
         "Condition: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]"
         "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]\n",
         0},
        {"Resources:\n"
         "  B: {Type: AWS::S3::Bucket}\n"
         "  P:\n"
         "    Type: AWS::S3::BucketPolicy\n"
         "    Properties:\n"
         "      Bucket: !Ref B\n"
         "      PolicyDocument:\n"
         "        Statement:\n"
         "          - Effect: Allow\n"
         "            Principal: '*'\n"
         "            Action: s3:GetObject\n"
         "            Resource: !Sub '${B.Arn}/*'\n"
         "          - Effect: Allow\n"
         "            Principal: {AWS: !GetAtt R.Arn}\n"
         "            Action: [s3:PutObject, !Ref AWS::NoValue]\n"
         "            Resource: !Join ['', [!GetAtt B.Arn, '/x/*']]\n",
         1},
    };
    static const seckit_policy_type ytypes[] = {SECKIT_POLICY_IDENTITY, SECKIT_POLICY_RESOURCE,
                                                SECKIT_POLICY_TRUST};
    for (size_t k = 0; k < sizeof(ys) / sizeof(ys[0]); k++) {
        seckit_policy_inputs_options yo = {SECKIT_POLICY_INPUTS_OPTIONS_VERSION, SECKIT_INPUT_AUTO,
                                           "p.yaml", 0};
        CHECK_OK(seckit_policy_inputs_extract(&in, ys[k].yaml, strlen(ys[k].yaml), &yo, &err),
                 &err);
        CHECK_MSG(in != NULL && in->count >= 1, "yaml %zu: no policy", k);
        for (size_t i = 0; in != NULL && i < in->count; i++) {
            CHECK_MSG((in->items[i].tree != NULL) == ys[k].tree, "yaml %zu: tree %d", k,
                      in->items[i].tree != NULL);
            for (size_t t = 0; t < sizeof(ytypes) / sizeof(ytypes[0]); t++)
                lint_both_ways(&in->items[i], ytypes[t], NULL);
        }
        seckit_policy_inputs_free(in);
        in = NULL;
    }
    seckit_iam_data_free(g_data);
    g_data = NULL;
}

/* ---- issue 14: shapes of bare documents, the config file, scopes,
 * CODE@WHERE, baselines, report options */

static seckit_policy_shape shape_of(const char *text)
{
    seckit_policy_shape sh;
    memset(&sh, 0xff, sizeof(sh));
    seckit_policy_inputs *in = NULL;
    seckit_error err;
    CHECK_OK(seckit_policy_inputs_extract(&in, text, strlen(text), NULL, &err), &err);
    CHECK(in != NULL && in->count == 1 && !in->items[0].type_known);
    if (in != NULL && in->count == 1)
        CHECK_OK(seckit_policy_input_shape(&in->items[0], &sh, &err), &err);
    seckit_policy_inputs_free(in);
    return sh;
}

static void test_shapes(void)
{
    seckit_policy_shape sh = shape_of(
        "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"x.amazonaws.com\"},"
        "\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"]}]}");
    CHECK(sh.is_policy && sh.type == SECKIT_POLICY_TRUST);
    sh = shape_of(
        "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"cognito-identity.amazonaws.com\"},"
        "\"Action\":\"STS:AssumeRoleWithWebIdentity\"}}");
    CHECK(sh.is_policy && sh.type == SECKIT_POLICY_TRUST);
    /* near misses: a Resource, another action, only sts:TagSession */
    sh = shape_of(
        "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}]}");
    CHECK(sh.is_policy && sh.type == SECKIT_POLICY_RESOURCE);
    sh = shape_of(
        "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":[\"sts:AssumeRole\",\"s3:GetObject\"]}]}");
    CHECK(sh.type == SECKIT_POLICY_RESOURCE);
    sh = shape_of(
        "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sts:TagSession\"}]}");
    CHECK(sh.type == SECKIT_POLICY_RESOURCE);
    sh = shape_of(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}");
    CHECK(sh.is_policy && sh.type == SECKIT_POLICY_IDENTITY);
    sh = shape_of("{\"name\":\"app\",\"version\":\"1.0.0\"}");
    CHECK(!sh.is_policy);
    sh = shape_of("[1,2]");
    CHECK(!sh.is_policy);
    sh = shape_of(
        "{\"Version\": \"2012-10-17\", \"Statement\": [ {\"Effect\": \"Allow\" \"Action\": \"*\"} ]}");
    CHECK(sh.is_policy); /* malformed, but a policy: its syntax error is reported */
}

static void test_config(void)
{
    seckit_lint_config *c = NULL;
    seckit_error err;
    const char *y = "s3: {x: 1}\nlint:\n  type: trust\n  account: 123456789012\n  quiet: true\n"
                    "  ignore: [A, B@x]\n  exclude: vendor\n";
    CHECK_OK(seckit_lint_config_parse(&c, y, strlen(y), &err), &err);
    CHECK(c != NULL && strcmp(c->type, "trust") == 0 && strcmp(c->account, "123456789012") == 0 &&
          c->quiet && c->ignore_count == 2 && strcmp(c->ignore[1], "B@x") == 0 &&
          c->exclude_count == 1 && strcmp(c->exclude[0], "vendor") == 0 && c->format == NULL);
    seckit_lint_config_free(c);
    const char *j = "{\"lint\": {\"format\": \"sarif\"}}";
    CHECK_OK(seckit_lint_config_parse(&c, j, strlen(j), &err), &err);
    CHECK(c != NULL && strcmp(c->format, "sarif") == 0);
    seckit_lint_config_free(c);
    const char *e = "";
    CHECK_OK(seckit_lint_config_parse(&c, e, 0, &err), &err);
    seckit_lint_config_free(c);
    static const char *const bad[] = {"lint:\n  types: trust\n",
                                      "lint: [a]\n",
                                      "lint:\n  ignore: [[a]]\n",
                                      "lint:\n  quiet: yes please\n",
                                      "lint:\n  type: {a: b}\n",
                                      "- a\n",
                                      "lint: {\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        c = NULL;
        CHECK(seckit_lint_config_parse(&c, bad[i], strlen(bad[i]), &err) < 0 && c == NULL &&
              err.position.line > 0);
    }
}

static void test_scopes_and_ignores(void)
{
    const char *t =
        "Resources:\n  A:\n    Type: AWS::IAM::ManagedPolicy\n    Metadata:\n      seckit:\n"
        "        ignore: [MISSING_VERSION, {code: PASS_ROLE_WITH_STAR_IN_RESOURCE, reason: r}]\n"
        "    Properties:\n      PolicyDocument:\n        Statement:\n"
        "          - {Effect: Allow, Action: iam:PassRole, Resource: '*'}\n";
    seckit_policy_inputs_options o = {SECKIT_POLICY_INPUTS_OPTIONS_VERSION, SECKIT_INPUT_AUTO,
                                      "t.yaml", 0};
    seckit_policy_inputs *in = NULL;
    seckit_error err;
    CHECK_OK(seckit_policy_inputs_extract(&in, t, strlen(t), &o, &err), &err);
    CHECK(in != NULL && in->count == 1 && strcmp(in->items[0].scope, "A") == 0 &&
          strcmp(in->items[0].ignore, "MISSING_VERSION,PASS_ROLE_WITH_STAR_IN_RESOURCE") == 0);
    seckit_policy_findings *f = NULL;
    CHECK_OK(seckit_policy_input_lint(&in->items[0], &f, NULL, &err), &err);
    seckit_policy_report *r = NULL;
    CHECK_OK(seckit_policy_report_new(&r, &err), &err);
    CHECK_OK(seckit_policy_report_add_input(r, "t.yaml", &in->items[0], f, &err), &err);
    CHECK(seckit_policy_report_count(r, 0xfu) == 0 && seckit_policy_report_ignored(r) == 2);
    seckit_policy_report_free(r);
    /* CODE@WHERE: the logical id; another id keeps it */
    const char *spec[] = {"PASS_ROLE_WITH_STAR_IN_RESOURCE@A", "PASS_ROLE_WITH_STAR_IN_RESOURCE@B"};
    for (int k = 0; k < 2; k++) {
        free(in->items[0].ignore);
        in->items[0].ignore = NULL;
        CHECK_OK(seckit_policy_report_new(&r, &err), &err);
        CHECK_OK(seckit_policy_report_ignore(r, spec[k], &err), &err);
        CHECK_OK(seckit_policy_report_add_input(r, "t.yaml", &in->items[0], f, &err), &err);
        CHECK(seckit_policy_report_count(r, SECKIT_FINDING_BIT(SECKIT_FINDING_SECURITY_WARNING)) ==
              (size_t)k);
        seckit_policy_report_free(r);
    }
    CHECK_OK(seckit_policy_report_new(&r, &err), &err);
    CHECK_RC(seckit_policy_report_ignore(r, "PRIVILEGE_ESCALATON", &err), SECKIT_EINVAL);
    CHECK_RC(seckit_policy_report_ignore(r, "PRIVILEGE_ESCALATON@A", &err), SECKIT_EINVAL);
    CHECK_RC(seckit_policy_report_ignore(r, "@A", &err), SECKIT_EINVAL);
    CHECK_RC(seckit_policy_report_ignore(r, "MISSING_VERSION@", &err), SECKIT_EINVAL);
    CHECK_OK(seckit_policy_report_ignore(r, "MISSING_VERSION@./t.yaml", &err), &err);
    CHECK(seckit_policy_check_exists("MISSING_VERSION") && !seckit_policy_check_exists("MISSING"));
    seckit_policy_report_free(r);
    seckit_policy_findings_free(f);
    seckit_policy_inputs_free(in);
    /* unknown code in Metadata: an error at its position */
    const char *u =
        "Resources:\n  A:\n    Type: AWS::IAM::ManagedPolicy\n    Metadata: {seckit: {ignore: [NOPE]}}\n"
        "    Properties: {PolicyDocument: {Statement: []}}\n";
    in = NULL;
    CHECK(seckit_policy_inputs_extract(&in, u, strlen(u), &o, &err) == SECKIT_EINVAL &&
          err.position.line == 4 && strstr(err.message, "unknown issue code 'NOPE'") != NULL);
    seckit_policy_inputs_free(in);
}

static size_t count_str(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

static void test_baseline_and_render(void)
{
    const char *v1 =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"S\",\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\"}]}";
    const char *v2 =
        "{\"Version\":\"2012-10-17\",\"Statement\":[\n{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::b\"},\n"
        "{\"Sid\":\"S\",\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\"},\n"
        "{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\"}]}";
    seckit_policy_lint_options lo = SECKIT_POLICY_LINT_OPTIONS_INIT;
    seckit_error err;
    seckit_policy_findings *f1 = NULL, *f2 = NULL;
    CHECK_OK(seckit_policy_lint(&f1, v1, strlen(v1), &lo, &err), &err);
    CHECK_OK(seckit_policy_lint(&f2, v2, strlen(v2), &lo, &err), &err);
    seckit_policy_report *r = NULL;
    CHECK_OK(seckit_policy_report_new(&r, &err), &err);
    CHECK_OK(seckit_policy_report_add(r, "./p.json", NULL, f1, &err), &err);
    char *bl = NULL;
    size_t bl_len = 0;
    CHECK_OK(seckit_policy_report_write_baseline(r, &bl, &bl_len, &err), &err);
    CHECK(bl != NULL && strstr(bl, "\"file\":\"p.json\"") != NULL &&
          strstr(bl, "\"statement\":\"S\"") != NULL);
    seckit_policy_report_free(r);
    CHECK_OK(seckit_policy_report_new(&r, &err), &err);
    CHECK_OK(seckit_policy_report_baseline(r, bl, bl_len, &err), &err);
    CHECK_OK(seckit_policy_report_add(r, "p.json", NULL, f2, &err), &err);
    /* the moved Sid S finding is known; the new statement's is not */
    CHECK(seckit_policy_report_baselined(r) == 1);
    CHECK(seckit_policy_report_count(r, SECKIT_FINDING_BIT(SECKIT_FINDING_SECURITY_WARNING)) == 1);
    seckit_report_options ro = SECKIT_REPORT_OPTIONS_INIT;
    ro.format = SECKIT_REPORT_TEXT;
    char *out = NULL;
    size_t len = 0;
    CHECK_OK(seckit_policy_report_render_with(r, &out, &len, &ro, &err), &err);
    CHECK(out != NULL && count_str(out, "PASS_ROLE_WITH_STAR_IN_RESOURCE") == 1 &&
          strstr(out, "Statement[2]") != NULL && strchr(out, '\033') == NULL);
    free(out);
    ro.colour = 1;
    CHECK_OK(seckit_policy_report_render_with(r, &out, &len, &ro, &err), &err);
    CHECK(out != NULL && strstr(out, "\033[1;35mSECURITY_WARNING") != NULL);
    free(out);
    ro.format = SECKIT_REPORT_GITHUB;
    CHECK_OK(seckit_policy_report_render_with(r, &out, &len, &ro, &err), &err);
    CHECK(out != NULL &&
          strstr(out, "\n::error file=p.json,line=4,col=28,endLine=4,endColumn=42,") != NULL &&
          strncmp(out, "::notice file=p.json,line=4,col=1,", 34) == 0 &&
          strstr(out, ",title=SECURITY_WARNING PASS_ROLE_WITH_STAR_IN_RESOURCE::iam:PassRole") !=
              NULL);
    free(out);
    ro.format = SECKIT_REPORT_SARIF;
    ro.help_uri_base = "https://h.example/checks";
    CHECK_OK(seckit_policy_report_render_with(r, &out, &len, &ro, &err), &err);
    CHECK(out != NULL &&
          strstr(out, "\"helpUri\":\"https://h.example/checks#duplicate_json_key\"") != NULL &&
          strstr(out, "\"security-severity\":\"7.5\"") != NULL &&
          count_str(out, "\"ruleId\"") == 2);
    seckit_json_doc *doc = NULL;
    CHECK_OK(seckit_json_parse(&doc, out, len, NULL, &err), &err);
    seckit_json_free(doc);
    free(out);
    seckit_policy_report_free(r);
    /* not a baseline; a finding without its members */
    CHECK_OK(seckit_policy_report_new(&r, &err), &err);
    CHECK_RC(seckit_policy_report_baseline(r, "{\"findings\":[]}", 15, &err), SECKIT_EFORMAT);
    const char *b2 = "{\"seckitBaseline\":1,\"findings\":[{\"issueCode\":\"X\"}]}";
    CHECK_RC(seckit_policy_report_baseline(r, b2, strlen(b2), &err), SECKIT_EFORMAT);
    CHECK_RC(seckit_policy_report_baseline(r, "{", 1, &err), SECKIT_EFORMAT);
    seckit_policy_report_free(r);
    free(bl);
    seckit_policy_findings_free(f1);
    seckit_policy_findings_free(f2);
}

int main(void)
{
    TEST(test_bare_policy);
    TEST(test_policy_version);
    TEST(test_auth_details);
    TEST(test_get_entity);
    TEST(test_cfn_yaml);
    TEST(test_cfn_json);
    TEST(test_terraform);
    TEST(test_malformed);
    TEST(test_intrinsics);
    TEST(test_formats);
    TEST(test_mutations);
    TEST(test_json_limits);
    TEST(test_json_scans);
    TEST(test_nonws_chars);
    TEST(test_json_str);
    TEST(test_lint_from_tree);
    TEST(test_shapes);
    TEST(test_config);
    TEST(test_scopes_and_ignores);
    TEST(test_baseline_and_render);
    TEST_EXIT();
}
