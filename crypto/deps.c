/* Versions of the crypto libraries, for seckit_dependency_version(). */
#include "config.h"

#include <openssl/crypto.h>
#include <sodium.h>

#include "crypto/deps.h"

const char *skt_openssl_version(void)
{
    return OpenSSL_version(OPENSSL_FULL_VERSION_STRING);
}

const char *skt_sodium_version(void)
{
    return sodium_version_string();
}
