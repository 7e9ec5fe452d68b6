/* seckit/keys.h - key generation. */
#ifndef SECKIT_KEYS_H
#define SECKIT_KEYS_H

#include <stddef.h>

#include "seckit/export.h"
#include "seckit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Generate an RSA key pair (bits: 2048, 3072 or 4096; CloudFront FLE takes
 * only 2048) with public exponent 65537.  *private_pem is a PKCS#8 PEM in
 * guarded memory (free with seckit_secret_free), *public_pem an SPKI PEM
 * (free with free()).  Both are NUL-terminated; lengths exclude the NUL. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_rsa_keygen(char **private_pem, size_t *private_len,
                                                      char **public_pem, size_t *public_len,
                                                      unsigned bits, seckit_error *err);

#ifdef __cplusplus
}
#endif
#endif
