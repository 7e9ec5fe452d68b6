/* seckit/ssm.h - typed AWS SSM Parameter Store calls. */
#ifndef SECKIT_SSM_H
#define SECKIT_SSM_H

#include <stddef.h>

#include "seckit/export.h"
#include "seckit/error.h"
#include "seckit/aws.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* SSM                                                                 */

/* GetParameter (WithDecryption when decrypt != 0).  *value is allocated
 * with seckit_secret_alloc (free with seckit_secret_free) and NUL-terminated;
 * type (may be NULL, 32 bytes) receives "String", "StringList" or
 * "SecureString". */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_ssm_get_parameter(seckit_aws *aws, char **value,
                                                             size_t *value_len, char type[32],
                                                             const char *name, int decrypt,
                                                             seckit_error *err);

#ifdef __cplusplus
}
#endif
#endif
