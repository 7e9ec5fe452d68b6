/* KMS (JSON 1.1, TrentService): GenerateDataKey, Encrypt, Decrypt. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "src/base/secmem.h"
#include "seckit/encoding.h"
#include "seckit/kms.h"
#include "src/aws/client.h"
#include "src/base/guard.h"

#define KMS_BLOB_MAX 65536

void seckit_kms_result_free(seckit_kms_result *r)
{
    if (r == NULL)
        return;
    if (r->plaintext != NULL)
        skt_secret_free(r->plaintext);
    free(r->ciphertext);
    memset(r, 0, sizeof *r);
}

static int add_context(cJSON *req, const seckit_kms_context *ctx, seckit_error *err)
{
    if (ctx == NULL || ctx->count == 0)
        return 0;
    SKT_ENSURE(ctx->pairs != NULL, err, SECKIT_EINVAL, "encryption context without pairs");
    cJSON *o = cJSON_AddObjectToObject(req, "EncryptionContext");
    SKT_ENSURE(o != NULL, err, SECKIT_ENOMEM, "out of memory");
    for (size_t i = 0; i < ctx->count; i++) {
        SKT_ENSURE(ctx->pairs[i].name != NULL && ctx->pairs[i].value != NULL, err, SECKIT_EINVAL,
                   "encryption context pair %zu is incomplete", i);
        SKT_ENSURE(cJSON_GetObjectItemCaseSensitive(o, ctx->pairs[i].name) == NULL, err,
                   SECKIT_EINVAL, "encryption context key '%.64s' appears twice",
                   ctx->pairs[i].name);
        SKT_ENSURE(cJSON_AddStringToObject(o, ctx->pairs[i].name, ctx->pairs[i].value) != NULL, err,
                   SECKIT_ENOMEM, "out of memory");
    }
    return 0;
}

static int add_b64(cJSON *req, const char *name, const uint8_t *data, size_t len, seckit_error *err)
{
    size_t n = seckit_base64_encoded_len(len, SECKIT_BASE64_STANDARD);
    char *b = skt_secret_alloc(n);
    SKT_ENSURE(b != NULL, err, SECKIT_ENOMEM, "out of memory");
    int rc = seckit_base64_encode(b, n, NULL, data, len, SECKIT_BASE64_STANDARD, err);
    if (rc == 0 && cJSON_AddStringToObject(req, name, b) == NULL)
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    skt_secret_free(b);
    return rc;
}

/* Decode a base64 member; secret → guarded memory. */
static int get_b64(const cJSON *resp, const char *name, int secret, uint8_t **out, size_t *len,
                   const char *what, seckit_error *err)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(resp, name));
    SKT_ENSURE(s != NULL, err, SECKIT_EFORMAT, "%s: response lacks %s", what, name);
    size_t sl = strlen(s);
    SKT_ENSURE(sl <= KMS_BLOB_MAX * 2, err, SECKIT_ELIMIT, "%s: %s too large", what, name);
    size_t cap = seckit_base64_decoded_max(sl) + 1;
    uint8_t *b = secret ? skt_secret_alloc(cap) : malloc(cap);
    SKT_ENSURE(b != NULL, err, SECKIT_ENOMEM, "out of memory");
    int rc = seckit_base64_decode(b, cap, len, s, sl, SECKIT_BASE64_STANDARD, err);
    if (rc != 0) {
        seckit_error_prefix(err, name);
        seckit_error_prefix(err, what);
        if (secret)
            skt_secret_free(b);
        else
            free(b);
        return rc;
    }
    *out = b;
    return 0;
}

static void get_key_id(const cJSON *resp, seckit_kms_result *out)
{
    const char *k = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(resp, "KeyId"));
    if (k != NULL)
        snprintf(out->key_id, sizeof out->key_id, "%s", k);
}

/* A key given as an ARN is called in the ARN's region (its endpoint and
 * signature), whatever the client's region. */
static int kms_call(seckit_aws *aws, const char *op, const char *key_id, cJSON *req, int want_plain,
                    int want_ct, seckit_kms_result *out, seckit_error *err)
{
    cJSON *resp = NULL;
    char target[64], what[64], region[64];
    snprintf(target, sizeof target, "TrentService.%s", op);
    snprintf(what, sizeof what, "kms %s", op);
    int in_arn = skt_aws_arn_region(key_id, region);
    int rc = skt_aws_json_call_in(aws, "kms", in_arn ? region : NULL, target, req, &resp, err);
    if (rc == 0 && want_plain)
        rc = get_b64(resp, "Plaintext", 1, &out->plaintext, &out->plaintext_len, what, err);
    if (rc == 0 && want_ct)
        rc = get_b64(resp, "CiphertextBlob", 0, &out->ciphertext, &out->ciphertext_len, what, err);
    if (rc == 0)
        get_key_id(resp, out);
    skt_json_wipe_delete(resp);
    if (rc != 0)
        seckit_kms_result_free(out);
    return rc;
}

int seckit_kms_generate_data_key(seckit_aws *aws, seckit_kms_result *out, const char *key_id,
                                 size_t key_bytes, const seckit_kms_context *ctx, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && key_id != NULL && *key_id && out != NULL, err);
    SKT_ENSURE(key_bytes >= 1 && key_bytes <= 1024, err, SECKIT_EINVAL,
               "kms GenerateDataKey: key size must be 1..1024 bytes");
    memset(out, 0, sizeof *out);
    cJSON *req = cJSON_CreateObject();
    int rc = req != NULL ? 0 : seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    if (rc == 0 && cJSON_AddStringToObject(req, "KeyId", key_id) == NULL)
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    if (rc == 0) {
        cJSON *k = key_bytes == 32 ? cJSON_AddStringToObject(req, "KeySpec", "AES_256")
                   : key_bytes == 16
                       ? cJSON_AddStringToObject(req, "KeySpec", "AES_128")
                       : cJSON_AddNumberToObject(req, "NumberOfBytes", (double)key_bytes);
        if (k == NULL)
            rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    if (rc == 0)
        rc = add_context(req, ctx, err);
    if (rc == 0)
        rc = kms_call(aws, "GenerateDataKey", key_id, req, 1, 1, out, err);
    if (rc == 0 && out->plaintext_len != key_bytes) {
        seckit_kms_result_free(out);
        rc = seckit_error_set(err, SECKIT_EFORMAT,
                              "kms GenerateDataKey: returned a key of the wrong size");
    }
    cJSON_Delete(req);
    return rc;
}

int seckit_kms_encrypt(seckit_aws *aws, seckit_kms_result *out, const char *key_id,
                       const uint8_t *plaintext, size_t plaintext_len,
                       const seckit_kms_context *ctx, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && key_id != NULL && *key_id && out != NULL, err);
    SKT_ENSURE_ARG(plaintext != NULL || plaintext_len == 0, err);
    SKT_ENSURE(plaintext_len >= 1 && plaintext_len <= 4096, err, SECKIT_EINVAL,
               "kms Encrypt: plaintext must be 1..4096 bytes");
    memset(out, 0, sizeof *out);
    cJSON *req = cJSON_CreateObject();
    int rc = req != NULL ? 0 : seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    if (rc == 0 && cJSON_AddStringToObject(req, "KeyId", key_id) == NULL)
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    if (rc == 0)
        rc = add_b64(req, "Plaintext", plaintext, plaintext_len, err);
    if (rc == 0)
        rc = add_context(req, ctx, err);
    if (rc == 0)
        rc = kms_call(aws, "Encrypt", key_id, req, 0, 1, out, err);
    skt_json_wipe_delete(req);
    return rc;
}

int seckit_kms_decrypt(seckit_aws *aws, seckit_kms_result *out, const char *key_id,
                       const uint8_t *ciphertext, size_t ciphertext_len,
                       const seckit_kms_context *ctx, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && out != NULL && ciphertext != NULL, err);
    SKT_ENSURE(ciphertext_len >= 1 && ciphertext_len <= 6144, err, SECKIT_EINVAL,
               "kms Decrypt: ciphertext blob must be 1..6144 bytes");
    memset(out, 0, sizeof *out);
    cJSON *req = cJSON_CreateObject();
    int rc = req != NULL ? 0 : seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    if (rc == 0)
        rc = add_b64(req, "CiphertextBlob", ciphertext, ciphertext_len, err);
    if (rc == 0 && key_id != NULL && *key_id &&
        cJSON_AddStringToObject(req, "KeyId", key_id) == NULL)
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    if (rc == 0)
        rc = add_context(req, ctx, err);
    if (rc == 0)
        rc = kms_call(aws, "Decrypt", key_id, req, 1, 0, out, err);
    cJSON_Delete(req);
    return rc;
}
