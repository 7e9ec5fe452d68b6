/* The S3 client-side encryption KMS keyring on the AWS layer: its callbacks
 * call KMS GenerateDataKey, Encrypt and Decrypt (seckit/aws.h).  crypto/
 * itself never calls AWS. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "src/base/secmem.h"
#include "seckit/aws.h"
#include "seckit/s3cse.h"
#include "seckit/kms.h"
#include "src/base/guard.h"

/* seckit_s3cse_kv and seckit_aws_kv are both {name, value}; copy rather
 * than cast so the two types stay independent. */
static int to_aws(const seckit_s3cse_kv *ec, size_t n, seckit_aws_kv **out, seckit_error *err)
{
    *out = NULL;
    if (n == 0)
        return 0;
    seckit_aws_kv *a = calloc(n, sizeof(*a));
    SKT_ENSURE(a != NULL, err, SECKIT_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        a[i].name = ec[i].name;
        a[i].value = ec[i].value != NULL ? ec[i].value : "";
    }
    *out = a;
    return 0;
}

/* KMS refusing the ciphertext or the key is an authentication failure. */
static int map_kms_error(int rc, seckit_error *err)
{
    if (rc == SECKIT_EAWS && err != NULL &&
        (strcmp(err->aws_code, "InvalidCiphertextException") == 0 ||
         strcmp(err->aws_code, "IncorrectKeyException") == 0))
        return SECKIT_EAUTH;
    return rc;
}

static int kms_generate(void *ctx, const char *key_id, const seckit_s3cse_kv *ec, size_t n_ec,
                        uint8_t key[32], uint8_t **blob, size_t *blob_len, seckit_error *err)
{
    seckit_aws_kv *pairs;
    SKT_GUARD(to_aws(ec, n_ec, &pairs, err));
    seckit_kms_context c = {pairs, n_ec};
    seckit_kms_result r;
    int rc = seckit_kms_generate_data_key(ctx, &r, key_id, 32, &c, err);
    free(pairs);
    SKT_GUARD(rc);
    if (r.plaintext_len != 32 || r.ciphertext == NULL || r.ciphertext_len == 0) {
        seckit_kms_result_free(&r);
        return seckit_error_set(err, SECKIT_EAWS, "kms GenerateDataKey: unexpected answer");
    }
    memcpy(key, r.plaintext, 32);
    *blob = r.ciphertext;
    *blob_len = r.ciphertext_len;
    r.ciphertext = NULL;
    seckit_kms_result_free(&r);
    return 0;
}

static int kms_encrypt(void *ctx, const char *key_id, const uint8_t key[32],
                       const seckit_s3cse_kv *ec, size_t n_ec, uint8_t **blob, size_t *blob_len,
                       seckit_error *err)
{
    seckit_aws_kv *pairs;
    SKT_GUARD(to_aws(ec, n_ec, &pairs, err));
    seckit_kms_context c = {pairs, n_ec};
    seckit_kms_result r;
    int rc = seckit_kms_encrypt(ctx, &r, key_id, key, 32, &c, err);
    free(pairs);
    SKT_GUARD(rc);
    if (r.ciphertext == NULL || r.ciphertext_len == 0) {
        seckit_kms_result_free(&r);
        return seckit_error_set(err, SECKIT_EAWS, "kms Encrypt: no ciphertext in the answer");
    }
    *blob = r.ciphertext;
    *blob_len = r.ciphertext_len;
    r.ciphertext = NULL;
    seckit_kms_result_free(&r);
    return 0;
}

static int kms_decrypt(void *ctx, const char *key_id, const uint8_t *blob, size_t blob_len,
                       const seckit_s3cse_kv *ec, size_t n_ec, uint8_t key[32], seckit_error *err)
{
    seckit_aws_kv *pairs;
    SKT_GUARD(to_aws(ec, n_ec, &pairs, err));
    seckit_kms_context c = {pairs, n_ec};
    seckit_kms_result r;
    int rc = seckit_kms_decrypt(ctx, &r, key_id, blob, blob_len, &c, err);
    free(pairs);
    if (rc != 0)
        return map_kms_error(rc, err);
    if (r.plaintext_len != 32) {
        seckit_kms_result_free(&r);
        return SECKIT_EAUTH;
    }
    memcpy(key, r.plaintext, 32);
    seckit_kms_result_free(&r);
    return 0;
}

static const seckit_s3cse_kms_ops aws_kms_ops = {
    .generate_data_key = kms_generate,
    .decrypt = kms_decrypt,
    .destroy = NULL,
    .encrypt = kms_encrypt,
};

int seckit_s3cse_keyring_kms_aws_new(seckit_s3cse_keyring **out, struct seckit_aws *aws,
                                     const char *key_id, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL && aws != NULL, err);
    if (key_id == NULL)
        return seckit_s3cse_keyring_kms_discovery_new(out, &aws_kms_ops, aws, err);
    return seckit_s3cse_keyring_kms_new(out, key_id, &aws_kms_ops, aws, err);
}
