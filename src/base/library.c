/* Library-wide entry points: version and initialisation.  The dependency
 * versions (seckit_dependency_version) are assembled in src/aws/dependencies.c,
 * the layer that may see every library linked in. */
#include "config.h"

#include "src/base/secmem.h"
#include "seckit/version.h"

const char *seckit_version(void)
{
    return SECKIT_VERSION_STRING;
}

int seckit_init(seckit_error *err)
{
    return skt_crypto_init(err);
}
