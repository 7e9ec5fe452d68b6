/* Versioned options structures (man/libseckit.3, API AND ABI): for each
 * one, seckit_*_options_init() with the current version gives the
 * documented defaults (the same as SECKIT_*_OPTIONS_INIT), versions 0 and 2
 * and a NULL pointer are refused, and every function that takes the options
 * refuses a structure whose version it does not know, while NULL options
 * still mean the defaults. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seckit/seckit.h"
#include "tests/unit/testlib.h"

/* expr fails with SECKIT_EINVAL and a message naming the structure and the
 * one version this library knows. */
#define CHECK_REFUSED(expr, err, name)                                                             \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        CHECK_MSG(rc_ == SECKIT_EINVAL, "%s returned %d, expected SECKIT_EINVAL", #expr, rc_);     \
        CHECK_MSG(strstr((err).message, name) != NULL &&                                           \
                      strstr((err).message, "(it knows version 1)") != NULL,                       \
                  "%s: message '%s'", #expr, (err).message);                                       \
    } while (0)

/* init with the current version works (every member overwritten) and with
 * version 0, version 2 or a NULL pointer fails. */
#define CHECK_INIT(type, NAME, o, err)                                                             \
    do {                                                                                           \
        memset(&(o), 0xa5, sizeof(o));                                                             \
        CHECK_OK(type##_init(&(o), NAME##_VERSION, &(err)), &(err));                               \
        CHECK((o).version == NAME##_VERSION && NAME##_VERSION == 1);                               \
        type bad_;                                                                                 \
        CHECK_REFUSED(type##_init(&bad_, 0, &(err)), err, #type);                                  \
        CHECK(strstr((err).message, "requested version 0") != NULL);                               \
        CHECK_REFUSED(type##_init(&bad_, 2, &(err)), err, #type);                                  \
        CHECK(strstr((err).message, "requested version 2") != NULL);                               \
        CHECK_RC(type##_init(NULL, NAME##_VERSION, &(err)), SECKIT_EINVAL);                        \
        CHECK(strstr((err).message, #type "_init") != NULL);                                       \
        CHECK_RC(type##_init(NULL, NAME##_VERSION, NULL), SECKIT_EINVAL);                          \
    } while (0)

static const unsigned wrong_versions[] = {0, 2, 0xffffffffu};
#define N_WRONG (sizeof(wrong_versions) / sizeof(wrong_versions[0]))

static const uint8_t key32[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                  17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

static const char policy_json[] = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
                                  "\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}";

/* ---- seckit_json_options ---------------------------------------------- */

static void test_json_options(void)
{
    seckit_error err;
    seckit_json_options o;
    CHECK_INIT(seckit_json_options, SECKIT_JSON_OPTIONS, o, err);
    CHECK(o.max_size == 0 && o.max_depth == 0);
    CHECK(o.base.line == 0 && o.base.column == 0 && o.base.offset == 0);
    seckit_json_options i = SECKIT_JSON_OPTIONS_INIT;
    CHECK(i.version == 1 && i.max_size == 0 && i.max_depth == 0 && i.base.line == 0);
    seckit_json_doc *doc = NULL;
    CHECK_OK(seckit_json_parse(&doc, "[1]", 3, &o, &err), &err);
    seckit_json_free(doc);
    doc = NULL;
    CHECK_OK(seckit_json_parse(&doc, "[1]", 3, NULL, &err), &err);
    seckit_json_free(doc);
    for (size_t w = 0; w < N_WRONG; w++) {
        o.version = wrong_versions[w];
        doc = NULL;
        CHECK_REFUSED(seckit_json_parse(&doc, "[1]", 3, &o, &err), err, "seckit_json_options");
        CHECK(doc == NULL);
    }
}

/* ---- seckit_policy_lint_options, _inputs_options, seckit_report_options */

static void test_policy_lint_options(void)
{
    seckit_error err;
    seckit_policy_lint_options o;
    CHECK_INIT(seckit_policy_lint_options, SECKIT_POLICY_LINT_OPTIONS, o, err);
    CHECK(o.type == SECKIT_POLICY_IDENTITY && o.resource_type == SECKIT_RESOURCE_NONE);
    CHECK(o.data == NULL && o.account == NULL && o.base.line == 0 && o.base.offset == 0);
    seckit_policy_findings *f = NULL;
    CHECK_OK(seckit_policy_lint(&f, policy_json, strlen(policy_json), &o, &err), &err);
    seckit_policy_findings_free(f);

    seckit_json_doc *doc = NULL;
    CHECK_OK(seckit_json_parse(&doc, policy_json, strlen(policy_json), NULL, &err), &err);
    seckit_policy_inputs *ins = NULL;
    CHECK_OK(seckit_policy_inputs_extract(&ins, policy_json, strlen(policy_json), NULL, &err),
             &err);
    CHECK(ins != NULL && ins->count == 1);
    if (doc == NULL || ins == NULL || ins->count != 1) {
        seckit_json_free(doc);
        seckit_policy_inputs_free(ins);
        return;
    }
    f = NULL;
    CHECK_OK(seckit_policy_input_lint(&ins->items[0], &f, NULL, &err), &err);
    seckit_policy_findings_free(f);
    for (size_t w = 0; w < N_WRONG; w++) {
        o.version = wrong_versions[w];
        f = NULL;
        CHECK_REFUSED(seckit_policy_lint(&f, policy_json, strlen(policy_json), &o, &err), err,
                      "seckit_policy_lint_options");
        CHECK(f == NULL);
        CHECK_REFUSED(seckit_policy_lint_tree(&f, seckit_json_root(doc), &o, &err), err,
                      "seckit_policy_lint_options");
        CHECK(f == NULL);
        CHECK_REFUSED(seckit_policy_input_lint(&ins->items[0], &f, &o, &err), err,
                      "seckit_policy_lint_options");
        CHECK(f == NULL);
    }
    seckit_json_free(doc);
    seckit_policy_inputs_free(ins);
}

static void test_policy_inputs_options(void)
{
    seckit_error err;
    seckit_policy_inputs_options o;
    CHECK_INIT(seckit_policy_inputs_options, SECKIT_POLICY_INPUTS_OPTIONS, o, err);
    CHECK(o.format == SECKIT_INPUT_AUTO && o.name == NULL && o.flags == 0);
    seckit_policy_inputs *ins = NULL;
    CHECK_OK(seckit_policy_inputs_extract(&ins, policy_json, strlen(policy_json), &o, &err), &err);
    CHECK(ins != NULL && ins->count == 1);
    seckit_policy_inputs_free(ins);
    for (size_t w = 0; w < N_WRONG; w++) {
        o.version = wrong_versions[w];
        ins = NULL;
        CHECK_REFUSED(seckit_policy_inputs_extract(&ins, policy_json, strlen(policy_json), &o,
                                                   &err),
                      err, "seckit_policy_inputs_options");
        CHECK(ins == NULL);
    }
}

static void test_report_options(void)
{
    seckit_error err;
    seckit_report_options o;
    CHECK_INIT(seckit_report_options, SECKIT_REPORT_OPTIONS, o, err);
    CHECK(o.format == SECKIT_REPORT_TEXT && o.tool_version == NULL && o.colour == 0);
    CHECK(o.help_uri_base == NULL && o.base_dir == NULL);
    seckit_policy_report *r = NULL;
    CHECK_OK(seckit_policy_report_new(&r, &err), &err);
    if (r == NULL)
        return;
    char *out = NULL;
    CHECK_OK(seckit_policy_report_render_with(r, &out, NULL, &o, &err), &err);
    free(out);
    for (size_t w = 0; w < N_WRONG; w++) {
        o.version = wrong_versions[w];
        out = NULL;
        CHECK_REFUSED(seckit_policy_report_render_with(r, &out, NULL, &o, &err), err,
                      "seckit_report_options");
        CHECK(out == NULL);
    }
    seckit_policy_report_free(r);
}

/* ---- EMRFS ---------------------------------------------------------------- */

static const char emrfs_json[] =
    "{\"AuthorizationConfiguration\":{\"EmrFsConfiguration\":{\"RoleMappings\":[{\"Role\":"
    "\"arn:aws:iam::111122223333:role/r\",\"IdentifierType\":\"User\",\"Identifiers\":["
    "\"alice\"]}]}}}";

static void test_emrfs_options(void)
{
    seckit_error err;
    seckit_emrfs_config_options co;
    CHECK_INIT(seckit_emrfs_config_options, SECKIT_EMRFS_CONFIG_OPTIONS, co, err);
    CHECK(co.name == NULL && co.resource == NULL);
    seckit_emrfs_check_options ko;
    CHECK_INIT(seckit_emrfs_check_options, SECKIT_EMRFS_CHECK_OPTIONS, ko, err);
    CHECK(ko.instance_role == NULL && ko.roles == NULL && ko.data == NULL && ko.known == NULL &&
          ko.known_ctx == NULL);

    seckit_emrfs_config *c = NULL;
    CHECK_OK(seckit_emrfs_config_parse(&c, emrfs_json, strlen(emrfs_json), &co, &err), &err);
    seckit_emrfs_roles *roles = NULL;
    CHECK_OK(seckit_emrfs_roles_new(&roles, &err), &err);
    if (c == NULL || roles == NULL) {
        seckit_emrfs_config_free(c);
        seckit_emrfs_roles_free(roles);
        return;
    }
    ko.instance_role = "arn:aws:iam::111122223333:role/EMR_EC2";
    ko.roles = roles;
    seckit_emrfs_findings *f = NULL;
    CHECK_OK(seckit_emrfs_check(c, &f, &ko, &err), &err);
    seckit_emrfs_findings_free(f);
    for (size_t w = 0; w < N_WRONG; w++) {
        seckit_emrfs_config *c2 = NULL;
        co.version = wrong_versions[w];
        CHECK_REFUSED(seckit_emrfs_config_parse(&c2, emrfs_json, strlen(emrfs_json), &co, &err),
                      err, "seckit_emrfs_config_options");
        CHECK(c2 == NULL);
        ko.version = wrong_versions[w];
        f = NULL;
        CHECK_REFUSED(seckit_emrfs_check(c, &f, &ko, &err), err, "seckit_emrfs_check_options");
        CHECK(f == NULL);
    }
    seckit_emrfs_config_free(c);
    seckit_emrfs_roles_free(roles);
}

/* ---- ESDK and FLE --------------------------------------------------------- */

static int discard(void *ctx, const uint8_t *p, size_t n, seckit_error *err)
{
    (void)ctx;
    (void)p;
    (void)n;
    (void)err;
    return 0;
}

static void test_esdk_options(void)
{
    seckit_error err;
    seckit_esdk_options o;
    CHECK_INIT(seckit_esdk_options, SECKIT_ESDK_OPTIONS, o, err);
    CHECK(o.suite == 0 && o.frame_length == SECKIT_ESDK_DEFAULT_FRAME_LENGTH &&
          o.frame_length == 4096);
    CHECK(o.commitment_policy == SECKIT_ESDK_REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
    CHECK(o.max_encrypted_data_keys == 0 && o.max_header_len == 0 && o.max_context_len == 0 &&
          o.max_frame_length == 0 && o.max_body_len == 0 && o.allowed_suites == 0 &&
          o.reproduced_context == NULL);
    seckit_esdk_options i = SECKIT_ESDK_OPTIONS_INIT;
    CHECK(i.version == 1 && i.frame_length == 4096 &&
          i.commitment_policy == SECKIT_ESDK_REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

    seckit_keyring *kr = NULL;
    CHECK_OK(seckit_keyring_raw_aes_new(&kr, "ns", "k", key32, sizeof(key32), &err), &err);
    if (kr == NULL)
        return;
    uint8_t *msg = NULL, *pt = NULL;
    size_t msg_len = 0, pt_len = 0, needed = 0;
    CHECK_OK(seckit_esdk_encrypt(kr, &msg, &msg_len, &o, NULL, (const uint8_t *)"hi", 2, &err),
             &err);
    CHECK_OK(seckit_esdk_decrypt(kr, &pt, &pt_len, NULL, &o, msg, msg_len, &err), &err);
    CHECK(pt_len == 2 && pt != NULL && memcmp(pt, "hi", 2) == 0);
    seckit_secret_free(pt);
    pt = NULL;
    CHECK_OK(seckit_esdk_decrypt(kr, &pt, &pt_len, NULL, NULL, msg, msg_len, &err), &err);
    seckit_secret_free(pt);
    for (size_t w = 0; w < N_WRONG; w++) {
        seckit_esdk_options b = o;
        b.version = wrong_versions[w];
        uint8_t *m2 = NULL;
        size_t m2_len = 0;
        CHECK_REFUSED(seckit_esdk_encrypt(kr, &m2, &m2_len, &b, NULL, (const uint8_t *)"hi", 2,
                                          &err),
                      err, "seckit_esdk_options");
        CHECK(m2 == NULL);
        pt = NULL;
        CHECK_REFUSED(seckit_esdk_decrypt(kr, &pt, &pt_len, NULL, &b, msg, msg_len, &err), err,
                      "seckit_esdk_options");
        CHECK(pt == NULL);
        seckit_esdk_info info;
        CHECK_REFUSED(seckit_esdk_parse_header(&info, msg, msg_len, &b, &err), err,
                      "seckit_esdk_options");
        CHECK_REFUSED(seckit_esdk_header_bytes_needed(&needed, NULL, msg, msg_len, &b, &err), err,
                      "seckit_esdk_options");
        seckit_esdk_encryptor *enc = NULL;
        CHECK_REFUSED(seckit_esdk_encryptor_new(&enc, kr, &b, NULL, discard, NULL, &err), err,
                      "seckit_esdk_options");
        CHECK(enc == NULL);
        seckit_esdk_decryptor *dec = NULL;
        CHECK_REFUSED(seckit_esdk_decryptor_new(&dec, kr, &b, discard, NULL, &err), err,
                      "seckit_esdk_options");
        CHECK(dec == NULL);
    }
    free(msg);
    seckit_keyring_free(kr);
}

static void test_fle_decrypt_options(void)
{
    seckit_error err;
    seckit_fle_decrypt_options o;
    CHECK_INIT(seckit_fle_decrypt_options, SECKIT_FLE_DECRYPT_OPTIONS, o, err);
    CHECK(o.max_encrypted_data_keys == 0 && o.suites == NULL && o.n_suites == 0 &&
          o.allow_identity_kdf == 0 && o.max_fields == 0 && o.max_field_plaintext == 0 &&
          o.max_body == 0 && o.any_encrypted_field == 0 && o.lenient_form == 0);
    seckit_fle_decryptor *d = NULL;
    CHECK_OK(seckit_fle_decryptor_new(&d, &o, &err), &err);
    seckit_fle_decryptor_unref(d);
    for (size_t w = 0; w < N_WRONG; w++) {
        o.version = wrong_versions[w];
        d = NULL;
        CHECK_REFUSED(seckit_fle_decryptor_new(&d, &o, &err), err, "seckit_fle_decrypt_options");
        CHECK(d == NULL);
    }
}

/* ---- S3 client-side encryption and S3 writes ---------------------------- */

static int discard_s3(void *ctx, const unsigned char *data, size_t len, seckit_error *err)
{
    (void)ctx;
    (void)data;
    (void)len;
    (void)err;
    return 0;
}

/* A client that never goes on the wire here: the options are refused first. */
static seckit_aws *offline_client(seckit_error *err)
{
    static seckit_aws_credentials c;
    memset(&c, 0, sizeof(c));
    snprintf(c.access_key_id, sizeof c.access_key_id, "AKIAIOSFODNN7EXAMPLE");
    snprintf(c.secret_access_key, sizeof c.secret_access_key, "secret");
    seckit_aws_options o = SECKIT_AWS_OPTIONS_INIT;
    o.region = "us-east-1";
    o.credentials = &c;
    o.endpoint_url = "http://127.0.0.1:9";
    seckit_aws *aws = NULL;
    CHECK_OK(seckit_aws_new(&aws, &o, err), err);
    return aws;
}

static void test_s3cse_options(void)
{
    seckit_error err;
    seckit_s3cse_options o;
    CHECK_INIT(seckit_s3cse_options, SECKIT_S3CSE_OPTIONS, o, err);
    CHECK(o.envelope == SECKIT_S3CSE_ENVELOPE_DEFAULT &&
          o.commitment_policy == SECKIT_S3CSE_REQUIRE_ENCRYPT_REQUIRE_DECRYPT &&
          o.security_profile == SECKIT_S3CSE_PROFILE_V2 && o.instruction_file == 0 &&
          o.encryption_context == NULL && o.encryption_context_count == 0 &&
          o.plaintext_length == -1);
    seckit_s3cse_options i = SECKIT_S3CSE_OPTIONS_INIT;
    CHECK(i.version == 1 && i.plaintext_length == -1);

    seckit_s3cse_keyring *kr = NULL;
    CHECK_OK(seckit_s3cse_keyring_aes_new(&kr, key32, sizeof(key32), NULL, 0, &err), &err);
    if (kr == NULL)
        return;
    seckit_s3cse_meta meta;
    uint8_t *ct = NULL, *pt = NULL;
    size_t ct_len = 0, pt_len = 0;
    CHECK_OK(seckit_s3cse_encrypt(&ct, &ct_len, &meta, &o, kr, (const uint8_t *)"hi", 2, &err),
             &err);
    CHECK_OK(seckit_s3cse_decrypt(&pt, &pt_len, NULL, kr, meta.kv, meta.count, NULL, 0, ct, ct_len,
                                  &err),
             &err);
    CHECK(pt_len == 2 && pt != NULL && memcmp(pt, "hi", 2) == 0);
    seckit_secret_free(pt);
    seckit_aws *aws = offline_client(&err);
    for (size_t w = 0; w < N_WRONG; w++) {
        seckit_s3cse_options b = o;
        b.version = wrong_versions[w];
        const char *name = "seckit_s3cse_options";
        seckit_s3cse_meta m2;
        uint8_t *c2 = NULL;
        size_t c2_len = 0;
        CHECK_REFUSED(seckit_s3cse_encrypt(&c2, &c2_len, &m2, &b, kr, (const uint8_t *)"hi", 2,
                                           &err),
                      err, name);
        CHECK(c2 == NULL);
        pt = NULL;
        CHECK_REFUSED(seckit_s3cse_decrypt(&pt, &pt_len, &b, kr, meta.kv, meta.count, NULL, 0, ct,
                                           ct_len, &err),
                      err, name);
        CHECK(pt == NULL);
        seckit_s3cse_encryptor *enc = NULL;
        CHECK_REFUSED(seckit_s3cse_encryptor_new(&enc, &m2, &b, kr, &err), err, name);
        CHECK(enc == NULL);
        seckit_s3cse_decryptor *dec = NULL;
        CHECK_REFUSED(seckit_s3cse_decryptor_new(&dec, &b, kr, meta.kv, meta.count, NULL, 0, &err),
                      err, name);
        CHECK(dec == NULL);
        seckit_s3cse_range range;
        memset(&range, 0, sizeof(range));
        CHECK_REFUSED(seckit_s3cse_decryptor_new_range(&dec, &b, kr, meta.kv, meta.count, NULL, 0,
                                                       &range, &err),
                      err, name);
        CHECK(dec == NULL);
        CHECK_REFUSED(seckit_s3cse_rewrap(&m2, &b, kr, meta.kv, meta.count, NULL, 0, kr, &err), err,
                      name);
        CHECK_REFUSED(seckit_s3cse_check_key(&b, kr, meta.kv, meta.count, NULL, 0, &err), err,
                      name);
        if (aws == NULL)
            continue;
        seckit_s3cse_put put =
            {.bucket = "bucket", .key = "k", .fd = 0, .size = -1, .opts = &b, .keyring = kr};
        seckit_s3_upload_result ur;
        CHECK_REFUSED(seckit_s3cse_put_object(aws, &ur, &put, &err), err, name);
        seckit_s3cse_get get = {.bucket = "b",
                                .key = "k",
                                .opts = &b,
                                .keyring = kr,
                                .write = discard_s3};
        seckit_s3cse_get_result gr;
        CHECK_REFUSED(seckit_s3cse_get_object(aws, &gr, &get, &err), err, name);
        seckit_s3cse_rewrap_req rw = {.bucket = "bucket",
                                      .key = "k",
                                      .opts = &b,
                                      .from = kr,
                                      .to = kr};
        seckit_s3cse_rewrap_result rr;
        CHECK_REFUSED(seckit_s3cse_rewrap_object(aws, &rr, &rw, &err), err, name);
    }
    seckit_aws_free(aws);
    free(ct);
    seckit_s3cse_meta_free(&meta);
    seckit_s3cse_keyring_free(kr);
}

static void test_s3_write_options(void)
{
    seckit_error err;
    seckit_s3_write_options o;
    CHECK_INIT(seckit_s3_write_options, SECKIT_S3_WRITE_OPTIONS, o, err);
    CHECK(o.storage_class == NULL && o.sse == NULL && o.sse_kms_key_id == NULL && o.acl == NULL);
    CHECK_OK(seckit_s3_check_write_options(&o, &err), &err);
    o.sse = "AES256";
    CHECK_OK(seckit_s3_check_write_options(&o, &err), &err);
    /* The write member of a request the caller zeroed asks for nothing. */
    seckit_s3_write_options zero;
    memset(&zero, 0, sizeof(zero));
    CHECK_OK(seckit_s3_check_write_options(&zero, &err), &err);
    seckit_aws *aws = offline_client(&err);
    for (size_t w = 0; w < N_WRONG; w++) {
        o.version = wrong_versions[w];
        CHECK_REFUSED(seckit_s3_check_write_options(&o, &err), err, "seckit_s3_write_options");
        if (aws == NULL)
            continue;
        char *upload_id = NULL;
        CHECK_REFUSED(seckit_s3_create_multipart_ex(aws, &upload_id, "bucket", "k", NULL, NULL, 0,
                                                    &o, &err),
                      err, "seckit_s3_write_options");
        CHECK(upload_id == NULL);
        seckit_s3_put put;
        memset(&put, 0, sizeof(put));
        put.bucket = "bucket";
        put.key = "k";
        put.write = o;
        seckit_s3_put_result pr;
        CHECK_REFUSED(seckit_s3_put_object(aws, &pr, &put, &err), err, "seckit_s3_write_options");
    }
    seckit_aws_free(aws);
}

/* ---- the AWS client --------------------------------------------------------- */

static void test_aws_options(void)
{
    seckit_error err;
    seckit_aws_options o;
    CHECK_INIT(seckit_aws_options, SECKIT_AWS_OPTIONS, o, err);
    CHECK(o.profile == NULL && o.region == NULL && o.endpoint_url == NULL &&
          o.endpoint_service == NULL && o.ca_bundle == NULL && o.credentials == NULL);
    CHECK(o.connect_timeout_ms == 0 && o.timeout_ms == 0 && o.stall_timeout_ms == 0 &&
          o.max_attempts == 0 && o.s3_addressing == 0);
    CHECK(o.mfa_prompt == NULL && o.mfa_prompt_ctx == NULL && o.trace == NULL &&
          o.trace_ctx == NULL);
    seckit_aws *aws = offline_client(&err);
    seckit_aws_free(aws);
    o.region = "us-east-1";
    for (size_t w = 0; w < N_WRONG; w++) {
        o.version = wrong_versions[w];
        aws = NULL;
        CHECK_REFUSED(seckit_aws_new(&aws, &o, &err), err, "seckit_aws_options");
        CHECK(aws == NULL);
    }
}

int main(void)
{
    TEST_INIT();
    /* No configuration of the machine's user reaches the AWS client. */
    setenv("AWS_CONFIG_FILE", "/nonexistent/seckit-test/config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/seckit-test/credentials", 1);
    unsetenv("AWS_PROFILE");
    TEST(test_json_options);
    TEST(test_policy_lint_options);
    TEST(test_policy_inputs_options);
    TEST(test_report_options);
    TEST(test_emrfs_options);
    TEST(test_esdk_options);
    TEST(test_fle_decrypt_options);
    TEST(test_s3cse_options);
    TEST(test_s3_write_options);
    TEST(test_aws_options);
    TEST_EXIT();
}
