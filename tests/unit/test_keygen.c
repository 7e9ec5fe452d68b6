/* RSA key generation. */
#include "config.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "seckit/keys.h"
#include "seckit/version.h"
#include "seckit/secret.h"
#include "testlib.h"

static void test_rsa_2048(void)
{
    seckit_error err;
    char *priv, *pub;
    size_t priv_len, pub_len;
    CHECK_OK(seckit_rsa_keygen(&priv, &priv_len, &pub, &pub_len, 2048, &err), &err);
    CHECK(strncmp(priv, "-----BEGIN PRIVATE KEY-----", 27) == 0);
    CHECK(strncmp(pub, "-----BEGIN PUBLIC KEY-----", 26) == 0);
    CHECK(strlen(priv) == priv_len && strlen(pub) == pub_len);
    BIO *b = BIO_new_mem_buf(priv, (int)priv_len);
    EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    CHECK(k != NULL && EVP_PKEY_get_bits(k) == 2048);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(k, NULL);
    CHECK(ctx != NULL && EVP_PKEY_check(ctx) == 1);
    EVP_PKEY_CTX_free(ctx);
    BIO_free(b);
    b = BIO_new_mem_buf(pub, (int)pub_len);
    EVP_PKEY *p = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
    CHECK(p != NULL && EVP_PKEY_eq(k, p) == 1);
    EVP_PKEY_free(p);
    EVP_PKEY_free(k);
    BIO_free(b);
    seckit_secret_free(priv);
    free(pub);
}

static void test_rsa_bad_sizes(void)
{
    seckit_error err;
    char *priv = (char *)1, *pub = (char *)1;
    size_t a, b;
    CHECK_RC(seckit_rsa_keygen(&priv, &a, &pub, &b, 1024, &err), SECKIT_EINVAL);
    CHECK(priv == NULL && pub == NULL);
    CHECK(strstr(err.message, "1024") != NULL);
    CHECK_RC(seckit_rsa_keygen(&priv, &a, &pub, &b, 2047, &err), SECKIT_EINVAL);
    CHECK_RC(seckit_rsa_keygen(NULL, &a, &pub, &b, 2048, &err), SECKIT_EINVAL);
}

int main(void)
{
    TEST(test_rsa_2048);
    TEST(test_rsa_bad_sizes);
    TEST_EXIT();
}
