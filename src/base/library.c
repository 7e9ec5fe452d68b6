/* Library-wide entry points: version, initialisation, dependency versions. */
#include "config.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "crypto/deps.h"
#include "src/base/secmem.h"
#include "seckit/version.h"
#include "src/aws/curl_version.h"

const char *seckit_version(void)
{
    return SECKIT_VERSION_STRING;
}

int seckit_init(seckit_error *err)
{
    return skt_crypto_init(err);
}

const char *seckit_dependency_version(const char *which)
{
    if (which == NULL)
        return NULL;
    if (strcmp(which, "openssl") == 0)
        return skt_openssl_version();
    if (strcmp(which, "libsodium") == 0)
        return skt_sodium_version();
    if (strcmp(which, "cjson") == 0)
        return cJSON_Version();
    if (strcmp(which, "libcurl") == 0)
        return skt_curl_version();
    return NULL;
}
