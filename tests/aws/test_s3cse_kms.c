/* The S3 client-side encryption KMS keyring on the AWS layer
 * (src/aws/s3cse_kms.c) against the loopback mock AWS server: V3 and V2
 * round trips through GenerateDataKey/Decrypt, rewrap through Encrypt,
 * discovery, and how KMS errors come back (a refused ciphertext is
 * SECKIT_EAUTH, a missing key stays an AWS error). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "seckit/aws.h"
#include "seckit/s3cse.h"
#include "seckit/version.h"
#include "seckit/secret.h"
#include "tests/aws/mockctl.h"
#include "tests/unit/testlib.h"

static mockctl M;

static seckit_aws *client(void)
{
    seckit_aws_options o = SECKIT_AWS_OPTIONS_INIT;
    o.endpoint_url = M.url;
    o.region = "us-east-1";
    return mock_client(&o);
}

static void test_s3cse_kms_round_trips(void)
{
    seckit_aws *aws = client();
    CHECK(aws != NULL);
    if (aws == NULL)
        return;
    seckit_error err;
    seckit_s3cse_keyring *k1 = NULL, *k2 = NULL, *disc = NULL, *missing = NULL;
    CHECK_OK(seckit_s3cse_keyring_kms_aws_new(&k1, aws, "key-1", &err), &err);
    CHECK_OK(seckit_s3cse_keyring_kms_aws_new(&k2, aws, "key-2", &err), &err);
    CHECK_OK(seckit_s3cse_keyring_kms_aws_new(&disc, aws, NULL, &err), &err);
    CHECK_OK(seckit_s3cse_keyring_kms_aws_new(&missing, aws, "missing-key", &err), &err);
    seckit_s3cse_kv ec[] = {{"bucket", "b1"}};
    const uint8_t msg[] = "object body";
    for (int v = 0; v < 2 && k1 && k2 && disc; v++) {
        seckit_s3cse_options o;
        o = (seckit_s3cse_options)SECKIT_S3CSE_OPTIONS_INIT;
        o.encryption_context = ec;
        o.encryption_context_count = 1;
        if (v == 1) {
            o.envelope = SECKIT_S3CSE_ENVELOPE_V2;
            o.commitment_policy = SECKIT_S3CSE_FORBID_ENCRYPT_ALLOW_DECRYPT;
        }
        uint8_t *body = NULL, *pt = NULL;
        size_t bl = 0, pl = 0;
        seckit_s3cse_meta meta, nm;
        CHECK_OK(seckit_s3cse_encrypt(&body, &bl, &meta, &o, k1, msg, sizeof msg, &err), &err);
        if (body == NULL)
            continue;
        CHECK_OK(seckit_s3cse_decrypt(&pt, &pl, &o, k1, meta.kv, meta.count, NULL, 0, body, bl,
                                      &err),
                 &err);
        CHECK(pl == sizeof msg && pt != NULL && memcmp(pt, msg, pl) == 0);
        seckit_secret_free(pt);
        pt = NULL;
        CHECK_OK(seckit_s3cse_decrypt(&pt, &pl, &o, disc, meta.kv, meta.count, NULL, 0, body, bl,
                                      &err),
                 &err);
        seckit_secret_free(pt);
        pt = NULL;
        /* rewrap to key-2 (KMS Encrypt), then only key-2 opens it */
        CHECK_OK(seckit_s3cse_rewrap(&nm, &o, k1, meta.kv, meta.count, NULL, 0, k2, &err), &err);
        CHECK_OK(seckit_s3cse_decrypt(&pt, &pl, &o, k2, nm.kv, nm.count, NULL, 0, body, bl, &err),
                 &err);
        CHECK(pl == sizeof msg && pt != NULL && memcmp(pt, msg, pl) == 0);
        seckit_secret_free(pt);
        pt = NULL;
        /* the mock refuses the wrong key id: authentication failure */
        CHECK_RC(seckit_s3cse_decrypt(&pt, &pl, &o, k1, nm.kv, nm.count, NULL, 0, body, bl, &err),
                 SECKIT_EAUTH);
        CHECK(pt == NULL);
        seckit_s3cse_meta_free(&nm);
        seckit_s3cse_meta_free(&meta);
        free(body);
    }
    /* a key KMS does not know: the AWS error is kept */
    uint8_t *body = NULL;
    size_t bl;
    seckit_s3cse_meta meta;
    CHECK_RC(seckit_s3cse_encrypt(&body, &bl, &meta, NULL, missing, msg, sizeof msg, &err),
             SECKIT_EAWS);
    CHECK_STR(err.aws_code, "NotFoundException");
    seckit_s3cse_keyring_free(k1);
    seckit_s3cse_keyring_free(k2);
    seckit_s3cse_keyring_free(disc);
    seckit_s3cse_keyring_free(missing);
    seckit_aws_free(aws);
}

int main(void)
{
    char tmpdir[256];
    if (mock_begin(&M, tmpdir, sizeof tmpdir, "s3cse") != 0) {
        SKIP("s3cse_kms", "cannot start tests/aws/mock_aws");
        return 0;
    }
    awsenv_config_files(tmpdir);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_SESSION_TOKEN");
    setenv("AWS_ACCESS_KEY_ID", "AKIDMOCKEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "mockSecret/K7MDENG+bPxRfiCYEXAMPLEKEY", 1);
    TEST(test_s3cse_kms_round_trips);
    mock_end(&M, tmpdir);
    TEST_EXIT();
}
