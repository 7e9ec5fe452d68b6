/* seckit/cloudfront.h - typed Amazon CloudFront calls (field-level
 * encryption public keys, profiles and configurations). */
#ifndef SECKIT_CLOUDFRONT_H
#define SECKIT_CLOUDFRONT_H

#include "seckit/export.h"
#include "seckit/error.h"
#include "seckit/aws.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* CloudFront (REST-XML, API version 2020-05-31): public keys and       */
/* field-level encryption profiles and configurations.                  */
/*                                                                      */
/* Configurations go in, and results come out, as JSON text in the      */
/* shapes the AWS CLI uses (`aws cloudfront create-public-key            */
/* --public-key-config`, `get-field-level-encryption-profile`, ...):     */
/* lists are {"Quantity": N, "Items": [...]}, Quantity and MaxItems are  */
/* numbers, Forward* flags booleans.  The library converts to and from   */
/* CloudFront's XML.                                                    */

typedef struct seckit_cf_result {
    char *json;          /* e.g. {"PublicKey": {"Id": ..., "PublicKeyConfig": {...}}} */
    char id[128];        /* the resource Id (Create and Get) */
    char etag[128];      /* the ETag header (Create and Get) */
    char location[1024]; /* the Location header (Create) */
} seckit_cf_result;

SECKIT_EXPORT void seckit_cf_result_free(seckit_cf_result *r);

/* config_json: a PublicKeyConfig ({"CallerReference", "Name", "EncodedKey", "Comment"}). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_cf_create_public_key(seckit_aws *aws,
                                                                seckit_cf_result *out,
                                                                const char *config_json,
                                                                seckit_error *err);
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_cf_get_public_key(seckit_aws *aws, seckit_cf_result *out,
                                                             const char *id, seckit_error *err);
/* Every page; json = {"PublicKeyList": {"Quantity": N, "Items": [...]}}. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_cf_list_public_keys(seckit_aws *aws, seckit_cf_result *out, seckit_error *err);

/* config_json: a FieldLevelEncryptionProfileConfig. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_cf_create_fle_profile(seckit_aws *aws,
                                                                 seckit_cf_result *out,
                                                                 const char *config_json,
                                                                 seckit_error *err);
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_cf_get_fle_profile(seckit_aws *aws,
                                                              seckit_cf_result *out, const char *id,
                                                              seckit_error *err);
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_cf_list_fle_profiles(seckit_aws *aws, seckit_cf_result *out, seckit_error *err);

/* config_json: a FieldLevelEncryptionConfig. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_cf_create_fle_config(seckit_aws *aws,
                                                                seckit_cf_result *out,
                                                                const char *config_json,
                                                                seckit_error *err);
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_cf_get_fle_config(seckit_aws *aws, seckit_cf_result *out,
                                                             const char *id, seckit_error *err);
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_cf_list_fle_configs(seckit_aws *aws, seckit_cf_result *out, seckit_error *err);

#ifdef __cplusplus
}
#endif
#endif
