/* Internal: decoding the RSA keys that every keyring takes (ESDK, FLE, S3
 * client-side encryption), so that all of them accept the same forms and
 * refuse the same weak keys. */
#ifndef SECKIT_CRYPTO_RSA_KEY_H
#define SECKIT_CRYPTO_RSA_KEY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "seckit/error.h"

#define SKT_RSA_MIN_BITS 2048

/* Decodes key (PEM or DER: PKCS#8, PKCS#1 or SubjectPublicKeyInfo) as a key
 * pair, else as a public key.  *pkey (free with EVP_PKEY_free) gets it and
 * *has_private whether it holds the private half.  SECKIT_EFORMAT when it is
 * not an RSA key, SECKIT_EINVAL when it has fewer than SKT_RSA_MIN_BITS bits. */
int skt_rsa_key_decode(const uint8_t *key, size_t key_len, EVP_PKEY **pkey, int *has_private,
                       seckit_error *err);

#endif
