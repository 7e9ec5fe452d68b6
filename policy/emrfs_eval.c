/* policy/: the one place EMRFS asks the policy evaluator for a decision
 * (skt_emrfs_decide in policy/emrfs_internal.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "policy/emrfs_internal.h"
#include "src/base/guard.h"

int skt_emrfs_decide(const skt_emrfs_role *role, const char *principal, const char *action,
                     const char *resource, const skt_emrfs_doc *resource_policy,
                     skt_emrfs_sides sides, seckit_emrfs_decision *out, char *detail,
                     size_t detail_cap, seckit_error *err)
{
    (void)role;
    (void)principal;
    (void)action;
    (void)resource;
    (void)resource_policy;
    (void)sides;
    *out = SECKIT_EMRFS_IMPLICIT_DENY;
    if (detail_cap > 0)
        detail[0] = '\0';
    return seckit_error_set(err, SECKIT_EUNSUPPORTED, "the policy evaluator is not built in");
}
