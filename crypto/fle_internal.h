/* Internal: shared between crypto/fle_*.c.  Not installed. */
#ifndef SECKIT_CRYPTO_FLE_INTERNAL_H
#define SECKIT_CRYPTO_FLE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "seckit/fle.h"

/* Form encoding (fle_form.c). */
size_t skt_form_encoded_len(const uint8_t *in, size_t len);
size_t skt_form_encode_into(char *out, const uint8_t *in, size_t len);
/* Like seckit_form_set_value, but takes ownership of `value` (secret memory
 * from src/base/secmem.h, freed with the form) without copying.  The value
 * need not be NUL-terminated, so seckit_form_field's promise of a NUL does
 * not hold for it: only for forms that are never handed to callers. */
void skt_form_set_value_owned(seckit_form *form, size_t i, uint8_t *value, size_t len);

/* A CloudFront public key. */
typedef struct skt_fle_key {
    char *id;   /* may be NULL */
    char *name; /* the EDK's provider info */
    char *pem;  /* EncodedKey, as given */
    size_t pem_len;
    EVP_PKEY *pkey; /* parsed, RSA-2048 */
} skt_fle_key;

typedef struct skt_fle_entity {
    const skt_fle_key *key;
    char *provider_id;
    char **patterns;
    size_t n_patterns;
} skt_fle_entity;

struct seckit_fle_profile {
    char *id;   /* may be NULL */
    char *name; /* may be NULL for a profile made by seckit_fle_profile_new */
    skt_fle_entity *entities;
    size_t n_entities;
    skt_fle_key *own_key; /* seckit_fle_profile_new's key */
};

/* Parse an RSA public key (SPKI or PKCS#1 PEM); SECKIT_EFORMAT naming
 * `what` when it is not one, SECKIT_EUNSUPPORTED when it is not RSA-2048. */
int skt_fle_parse_public_key(const char *pem, size_t len, EVP_PKEY **out, const char *what,
                             seckit_error *err);

/* Pattern rules: 1-128 of [A-Za-z0-9[]._-], optional trailing '*'. */
int skt_fle_check_pattern(const char *p, const char *what, seckit_error *err);
/* Whether two valid patterns can match the same field name. */
int skt_fle_patterns_overlap(const char *a, const char *b);
/* Whether name (len bytes) matches the pattern (case-sensitive). */
int skt_fle_pattern_match(const char *pattern, const char *name, size_t len);
/* The entity of profile whose pattern matches name, or NULL. */
const skt_fle_entity *skt_fle_profile_match(const seckit_fle_profile *profile, const char *name,
                                            size_t len);
void skt_fle_profile_clear(seckit_fle_profile *p);

#endif
