/* seckit/sts.h - typed AWS STS calls (GetCallerIdentity, AssumeRole). */
#ifndef SECKIT_STS_H
#define SECKIT_STS_H

#include "seckit/export.h"
#include "seckit/error.h"
#include "seckit/aws.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* STS                                                                 */

typedef struct seckit_aws_identity {
    char account[32];
    char arn[2048];
    char user_id[256];
} seckit_aws_identity;

SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_sts_get_caller_identity(seckit_aws *aws, seckit_aws_identity *out, seckit_error *err);

/* AssumeRole.  session_name NULL: "seckit-<time>"; external_id may be NULL;
 * duration_s 0: the service default (3600). */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_sts_assume_role(seckit_aws *aws, seckit_aws_credentials *out, const char *role_arn,
                       const char *session_name, const char *external_id, long duration_s,
                       seckit_error *err);

#ifdef __cplusplus
}
#endif
#endif
