/* seckit/kms.h - typed AWS KMS calls (GenerateDataKey, Encrypt, Decrypt). */
#ifndef SECKIT_KMS_H
#define SECKIT_KMS_H

#include <stddef.h>
#include <stdint.h>

#include "seckit/export.h"
#include "seckit/error.h"
#include "seckit/aws.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* KMS (JSON 1.1, TrentService)                                        */

/* An encryption context: count key/value pairs (UTF-8). */
typedef struct seckit_kms_context {
    const seckit_aws_kv *pairs;
    size_t count;
} seckit_kms_context;

/* A KMS result: plaintext in guarded memory (seckit_secret_alloc) and/or a
 * ciphertext blob, plus the key ARN that KMS reports.  Free with
 * seckit_kms_result_free (wipes the plaintext). */
typedef struct seckit_kms_result {
    uint8_t *plaintext;
    size_t plaintext_len;
    uint8_t *ciphertext;
    size_t ciphertext_len;
    char key_id[2048];
} seckit_kms_result;

SECKIT_EXPORT void seckit_kms_result_free(seckit_kms_result *r);

/* GenerateDataKey with KeySpec AES_256 (key_bytes 32) or AES_128 (16);
 * other sizes use NumberOfBytes. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_kms_generate_data_key(seckit_aws *aws, seckit_kms_result *out, const char *key_id,
                             size_t key_bytes, const seckit_kms_context *ctx, seckit_error *err);
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_kms_encrypt(seckit_aws *aws, seckit_kms_result *out,
                                                       const char *key_id, const uint8_t *plaintext,
                                                       size_t plaintext_len,
                                                       const seckit_kms_context *ctx,
                                                       seckit_error *err);
/* key_id may be NULL (symmetric keys: KMS finds it in the blob). */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_kms_decrypt(seckit_aws *aws, seckit_kms_result *out, const char *key_id,
                   const uint8_t *ciphertext, size_t ciphertext_len, const seckit_kms_context *ctx,
                   seckit_error *err);

#ifdef __cplusplus
}
#endif
#endif
