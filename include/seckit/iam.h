/* seckit/iam.h - typed AWS IAM calls (roles and their policies). */
#ifndef SECKIT_IAM_H
#define SECKIT_IAM_H

#include <stddef.h>

#include "seckit/export.h"
#include "seckit/error.h"
#include "seckit/aws.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* IAM (query protocol, 2010-05-08)                                    */

/* Policy documents are returned decoded (IAM URL-encodes them): JSON text. */

typedef struct seckit_iam_role {
    char name[129];
    char arn[2048];
    char role_id[129];
    char path[513];
    char create_date[40];
    long max_session_duration;
    char *description;        /* may be NULL */
    char *assume_role_policy; /* the trust policy, JSON */
} seckit_iam_role;

SECKIT_EXPORT void seckit_iam_role_free(seckit_iam_role *r);
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_iam_get_role(seckit_aws *aws, seckit_iam_role *out,
                                                        const char *role_name, seckit_error *err);

/* A list of names (and ARNs, for attached policies), every page fetched. */
typedef struct seckit_iam_list {
    char **names;
    char **arns; /* NULL for ListRolePolicies */
    size_t count;
} seckit_iam_list;

SECKIT_EXPORT void seckit_iam_list_free(seckit_iam_list *l);
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_iam_list_role_policies(seckit_aws *aws,
                                                                  seckit_iam_list *out,
                                                                  const char *role_name,
                                                                  seckit_error *err);
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_iam_list_attached_role_policies(seckit_aws *aws,
                                                                           seckit_iam_list *out,
                                                                           const char *role_name,
                                                                           seckit_error *err);
/* An inline role policy's document (malloc()ed JSON text). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_iam_get_role_policy(seckit_aws *aws, char **document,
                                                               const char *role_name,
                                                               const char *policy_name,
                                                               seckit_error *err);

typedef struct seckit_iam_policy {
    char name[129];
    char arn[2048];
    char policy_id[129];
    char default_version_id[32];
    long attachment_count;
} seckit_iam_policy;

SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_iam_get_policy(seckit_aws *aws, seckit_iam_policy *out,
                                                          const char *policy_arn,
                                                          seckit_error *err);
/* A managed policy version's document (malloc()ed JSON text). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_iam_get_policy_version(seckit_aws *aws, char **document,
                                                                  const char *policy_arn,
                                                                  const char *version_id,
                                                                  seckit_error *err);

/* GetAccountAuthorizationDetails, every page, as one JSON document in the
 * shape `aws iam get-account-authorization-details` prints
 * ({"UserDetailList": [...], "GroupDetailList": [...], "RoleDetailList":
 * [...], "Policies": [...]}) with every policy document decoded into JSON.
 * filters: "User", "Role", "Group", "LocalManagedPolicy",
 * "AWSManagedPolicy" (none: everything).  *json is malloc()ed. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_iam_get_account_authorization_details(
    seckit_aws *aws, char **json, const char *const *filters, size_t nfilters, seckit_error *err);

#ifdef __cplusplus
}
#endif
#endif
