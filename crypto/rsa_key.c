/* Internal: decoding the RSA keys that every keyring takes. */
#include "config.h"

#include <openssl/decoder.h>
#include <openssl/err.h>

#include "crypto/rsa_key.h"
#include "src/base/guard.h"

static EVP_PKEY *decode(const uint8_t *key, size_t key_len, int selection)
{
    EVP_PKEY *pkey = NULL;
    OSSL_DECODER_CTX *dctx =
        OSSL_DECODER_CTX_new_for_pkey(&pkey, NULL, NULL, "RSA", selection, NULL, NULL);
    if (dctx == NULL)
        return NULL;
    const unsigned char *p = key;
    size_t n = key_len;
    if (OSSL_DECODER_from_data(dctx, &p, &n) != 1) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
    OSSL_DECODER_CTX_free(dctx);
    return pkey;
}

int skt_rsa_key_decode(const uint8_t *key, size_t key_len, EVP_PKEY **pkey, int *has_private,
                       seckit_error *err)
{
    SKT_ENSURE_ARG(pkey != NULL && has_private != NULL, err);
    *pkey = decode(key, key_len, EVP_PKEY_KEYPAIR);
    *has_private = *pkey != NULL;
    if (*pkey == NULL)
        *pkey = decode(key, key_len, EVP_PKEY_PUBLIC_KEY);
    ERR_clear_error();
    SKT_ENSURE(*pkey != NULL, err, SECKIT_EFORMAT,
               "RSA key: not a PEM or DER RSA key (PKCS#8, PKCS#1 or "
               "SubjectPublicKeyInfo)");
    int bits = EVP_PKEY_get_bits(*pkey);
    if (bits < SKT_RSA_MIN_BITS) {
        EVP_PKEY_free(*pkey);
        *pkey = NULL;
        return seckit_error_set(err, SECKIT_EINVAL, "RSA key of %d bits is too small (minimum %d)",
                                bits, SKT_RSA_MIN_BITS);
    }
    return 0;
}
