/* seckit_dependency_version(): the versions of the libraries linked in.
 * Assembled here, in the top library layer, which may see every layer below:
 * crypto/ reports OpenSSL and libsodium, src/aws/ libcurl, cJSON its own. */
#include "config.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "crypto/deps.h"
#include "seckit/version.h"
#include "src/aws/curl_version.h"

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
