/* policy/: the one place EMRFS asks the policy evaluator (seckit/eval.h)
 * for a decision: skt_emrfs_decide in policy/emrfs_internal.h. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "policy/emrfs_internal.h"
#include "seckit/eval.h"
#include "src/base/guard.h"

static int add(seckit_policy_set *set, seckit_eval_role role, const skt_emrfs_doc *d,
               seckit_error *err)
{
    if (d == NULL || d->text == NULL)
        return 0;
    return seckit_policy_set_add(set, role, d->source, d->source, d->text, d->len, err);
}

/* "role/X (inline policy P) statement 0 (Sid S)", the deciding statements. */
static void describe(const seckit_eval_result *res, char *out, size_t cap)
{
    const seckit_eval_statement *st = NULL;
    size_t n = seckit_eval_result_statements(res, &st);
    const char *reason = seckit_eval_result_reason(res);
    size_t used = (size_t)snprintf(out, cap, "%s", reason != NULL ? reason : "");
    if (reason != NULL && strstr(reason, " statement ") != NULL)
        n = 0; /* the reason names them already */
    for (size_t i = 0; i < n && used < cap; i++) {
        int w = snprintf(out + used, cap - used, "%s%s %s statement %zu%s%s%s",
                         i == 0 ? (used ? "; " : "") : ", ", seckit_eval_role_name(st[i].role),
                         st[i].policy != NULL ? st[i].policy : "?", st[i].index,
                         st[i].sid != NULL ? " (Sid " : "", st[i].sid != NULL ? st[i].sid : "",
                         st[i].sid != NULL ? ")" : "");
        if (w < 0)
            break;
        used += (size_t)w;
    }
    const char *const *missing = NULL;
    size_t nm = seckit_eval_result_missing_keys(res, &missing);
    for (size_t i = 0; i < nm && used < cap; i++) {
        int w = snprintf(out + used, cap - used, "%s%s",
                         i == 0 ? "; context keys not given: " : ", ", missing[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

int skt_emrfs_decide(const skt_emrfs_role *role, const char *principal, const char *action,
                     const char *resource, const skt_emrfs_doc *resource_policy,
                     skt_emrfs_sides sides, seckit_emrfs_decision *out, char *detail,
                     size_t detail_cap, seckit_error *err)
{
    *out = SECKIT_EMRFS_IMPLICIT_DENY;
    if (detail_cap > 0)
        detail[0] = '\0';
    seckit_policy_set *set = NULL;
    SKT_GUARD(seckit_policy_set_new(&set, err));
    int rc = 0;
    if (role != NULL && sides != SKT_EMRFS_RESOURCE_ONLY) {
        for (size_t i = 0; rc == 0 && i < role->nperms; i++)
            rc = add(set, SECKIT_EVAL_IDENTITY, &role->perms[i], err);
        if (rc == 0)
            rc = add(set, SECKIT_EVAL_BOUNDARY, &role->boundary, err);
    }
    if (rc == 0 && sides != SKT_EMRFS_IDENTITY_ONLY)
        rc = add(set, SECKIT_EVAL_RESOURCE, resource_policy, err);
    if (rc != 0) {
        seckit_policy_set_free(set);
        return rc;
    }
    /* S3 ARNs carry no account: the bucket is taken to be the role's. */
    seckit_eval_request req;
    memset(&req, 0, sizeof(req));
    req.principal = principal;
    req.action = action;
    req.resource = resource;
    req.resource_account =
        role != NULL && strncmp(resource, "arn:aws:s3:::", 13) == 0 ? role->account : NULL;
    seckit_eval_result *res = NULL;
    rc = seckit_policy_eval(set, &res, &req, err);
    if (rc == 0) {
        seckit_decision d = seckit_eval_result_decision(res);
        if (d == SECKIT_DECISION_EXPLICIT_DENY)
            *out = SECKIT_EMRFS_EXPLICIT_DENY;
        else if (sides == SKT_EMRFS_RESOURCE_ONLY)
            /* does the resource policy itself grant (whether or not the
             * identity side would also be needed)? */
            *out = (seckit_eval_result_gates(res) & SECKIT_EVAL_PASSED_RESOURCE) != 0
                       ? SECKIT_EMRFS_ALLOWED
                       : SECKIT_EMRFS_IMPLICIT_DENY;
        else if (sides == SKT_EMRFS_IDENTITY_ONLY)
            *out = d == SECKIT_DECISION_ALLOWED ? SECKIT_EMRFS_ALLOWED : SECKIT_EMRFS_IMPLICIT_DENY;
        else
            *out = d == SECKIT_DECISION_ALLOWED ? SECKIT_EMRFS_ALLOWED : SECKIT_EMRFS_IMPLICIT_DENY;
        if (detail_cap > 0)
            describe(res, detail, detail_cap);
        if (detail_cap > 0 && detail[0] == '\0')
            snprintf(detail, detail_cap, "no statement allows %s on %s", action, resource);
    }
    seckit_eval_result_free(res);
    seckit_policy_set_free(set);
    return rc;
}
