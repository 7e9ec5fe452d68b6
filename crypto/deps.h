/* Internal: versions of the crypto libraries linked in. */
#ifndef SECKIT_CRYPTO_DEPS_H
#define SECKIT_CRYPTO_DEPS_H
const char *skt_openssl_version(void);
const char *skt_sodium_version(void);
#endif
