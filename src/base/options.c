/* Versioned options structures: see src/base/options.h. */
#include "config.h"

#include <string.h>

#include "src/base/guard.h"
#include "src/base/options.h"

static int version_known(unsigned int version, unsigned int known, const char *name,
                         const char *what, seckit_error *err)
{
    if (known == 1)
        SKT_ENSURE(version == 1, err, SECKIT_EINVAL,
                   "%s: %s %u is not one this library knows (it knows version 1)", name, what,
                   version);
    SKT_ENSURE(version >= 1 && version <= known, err, SECKIT_EINVAL,
               "%s: %s %u is not one this library knows (it knows versions 1 to %u)", name, what,
               version, known);
    return 0;
}

int skt_options_check(const void *opts, unsigned int known, const char *name, seckit_error *err)
{
    if (opts == NULL)
        return 0;
    unsigned int version;
    memcpy(&version, opts, sizeof(version)); /* the first member of every options structure */
    return version_known(version, known, name, "version", err);
}

int skt_options_init_check(const void *opts, unsigned int version, unsigned int known,
                           const char *name, seckit_error *err)
{
    SKT_ENSURE(opts != NULL, err, SECKIT_EINVAL, "%s_init: the options pointer is NULL", name);
    return version_known(version, known, name, "requested version", err);
}
