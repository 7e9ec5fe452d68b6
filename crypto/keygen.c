/* RSA key generation for CloudFront FLE key pairs. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "src/base/guard.h"
#include "src/base/secmem.h"
#include "seckit/keys.h"

/* Copy a memory BIO's contents into a fresh buffer (guarded when secret). */
static int bio_to_string(BIO *bio, int secret, char **out, size_t *out_len, seckit_error *err)
{
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    SKT_ENSURE(!(n <= 0 || data == NULL), err, SECKIT_ECRYPTO, "key encoding produced no output");
    char *buf = secret ? skt_secret_alloc((size_t)n + 1) : malloc((size_t)n + 1);
    SKT_ENSURE(buf != NULL, err, SECKIT_ENOMEM, "out of memory");
    memcpy(buf, data, (size_t)n);
    buf[n] = '\0';
    *out = buf;
    *out_len = (size_t)n;
    return 0;
}

int seckit_rsa_keygen(char **private_pem, size_t *private_len, char **public_pem,
                      size_t *public_len, unsigned bits, seckit_error *err)
{
    int rc;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *key = NULL;
    BIO *priv = NULL, *pub = NULL;

    if (private_pem == NULL || private_len == NULL || public_pem == NULL || public_len == NULL)
        return seckit_error_set(err, SECKIT_EINVAL, "seckit_rsa_keygen: missing output argument");
    *private_pem = *public_pem = NULL;
    *private_len = *public_len = 0;
    SKT_ENSURE(!(bits != 2048 && bits != 3072 && bits != 4096), err, SECKIT_EINVAL,
               "RSA key size %u is not supported (use 2048, 3072 or 4096)", bits);
    SKT_GUARD(rc = skt_crypto_init(err));

    ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (ctx == NULL || EVP_PKEY_keygen_init(ctx) <= 0 ||
        EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits) <= 0 || EVP_PKEY_keygen(ctx, &key) <= 0) {
        rc = seckit_error_set(err, SECKIT_ECRYPTO, "RSA-%u key generation failed", bits);
        goto done;
    }
    priv = BIO_new(BIO_s_secmem());
    pub = BIO_new(BIO_s_mem());
    SKT_ENSURE_GOTO(!(priv == NULL || pub == NULL), err, rc, done, SECKIT_ENOMEM, "out of memory");
    /* PEM_write_bio_PrivateKey writes PKCS#8 ("BEGIN PRIVATE KEY"). */
    if (PEM_write_bio_PrivateKey(priv, key, NULL, NULL, 0, NULL, NULL) != 1 ||
        PEM_write_bio_PUBKEY(pub, key) != 1) {
        rc = seckit_error_set(err, SECKIT_ECRYPTO, "cannot encode the RSA key pair as PEM");
        goto done;
    }
    if ((rc = bio_to_string(priv, 1, private_pem, private_len, err)) != 0)
        goto done;
    if ((rc = bio_to_string(pub, 0, public_pem, public_len, err)) != 0) {
        skt_secret_free(*private_pem);
        *private_pem = NULL;
        *private_len = 0;
        goto done;
    }
    rc = 0;
done:
    BIO_free(priv); /* a secmem BIO wipes on free */
    BIO_free(pub);
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(ctx);
    return rc;
}
