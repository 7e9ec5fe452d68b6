/* policy/: the linter's check of resource policies that grant access to
 * everyone: Principal "*" (or {"AWS": "*"}) in an Allow statement of a
 * bucket, queue, topic, key or secret policy with no condition that
 * restricts who the caller is or where the call comes from.
 * PUBLIC_ACCESS for reading and listing, PUBLIC_WRITE_ACCESS when the
 * statement allows writing, tagging or permissions management (the service
 * data's access levels). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/checks.h"
#include "policy/internal.h"
#include "policy/json_internal.h"
#include "policy/lint_internal.h"
#include "policy/model.h"
#include "src/base/guard.h"

/* Condition keys that, compared positively, narrow the callers to an
 * account, organization, network or principal. */
static const char *const restricting_keys[] = {
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOwner",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalServiceName",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceIp",
    "aws:VpcSourceIp",
    "aws:userid",
    "aws:username",
    "aws:CalledVia",
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
    "aws:ResourceOrgID",
    "kms:CallerAccount",
    "s3:DataAccessPointAccount",
    "s3:DataAccessPointArn",
};

/* The policy kinds this check is about, by the resource type given or,
 * without one, by the statement's actions. */
static int public_kind(seckit_policy_resource_type t)
{
    switch (t) {
    case SECKIT_RESOURCE_S3_BUCKET:
    case SECKIT_RESOURCE_SQS_QUEUE:
    case SECKIT_RESOURCE_SNS_TOPIC:
    case SECKIT_RESOURCE_KMS_KEY:
    case SECKIT_RESOURCE_SECRETS_MANAGER_SECRET: return 1;
    default: return 0;
    }
}

static int public_service(const char *s, size_t n)
{
    return ci_eq(s, n, "s3") || ci_eq(s, n, "sqs") || ci_eq(s, n, "sns") || ci_eq(s, n, "kms") ||
           ci_eq(s, n, "secretsmanager");
}

/* Is "*" one of Principal's AWS principals (or Principal "*")? */
static int principal_is_everyone(const skt_statement *m)
{
    for (size_t i = 0; i < m->principal_split; i++)
        if (m->principals[i].type == SKT_PTYPE_AWS && m->principals[i].kind == SKT_PRIN_ANY)
            return 1;
    return 0;
}

/* Does an operator restrict when its key is present (positive, not
 * ForAllValues:, not ...IfExists, not Null or Bool)?  Read with the
 * compiler's skt_cond_op_parse: a name that is no operator restricts
 * nothing (the policy does not compile). */
static int restricting_operator(const skt_condition *cd)
{
    if (cd->problems & SKT_CP_OPERATOR)
        return 0;
    const skt_op_info *op = skt_cond_op_info(cd->op);
    /* ForAllValues: is true when the key is absent */
    return cd->set != SKT_SET_FOR_ALL && !cd->if_exists && !op->negated &&
           op->family != SKT_FAM_NULL && cd->op != SKT_OP_BOOL;
}

/* The conditions as the lint-mode compile made them: one per key of each
 * operator that is an object (an operator with no key: key NULL). */
static int has_restricting_condition(const stmt *st)
{
    const skt_statement *ms = st->m;
    for (size_t c = 0; c < ms->nconditions; c++) {
        const skt_condition *cd = &ms->conditions[c];
        if (cd->key == NULL || !restricting_operator(cd))
            continue;
        for (size_t i = 0; i < SKT_ARRAY_LEN(restricting_keys); i++)
            if (strcasecmp(cd->key, restricting_keys[i]) == 0)
                return 1;
    }
    return 0;
}

/* The access levels an Action entry (p as the lint-mode compile split it,
 * in place) allows (SECKIT_ACCESS_* bits); every level when it is "*", a
 * service wildcard, or unknown to the data; none when it is not a string
 * or has no ':'. */
static unsigned entry_access(const seckit_iam_data *d, const skt_action_pat *p, int *service_ok)
{
    const unsigned all = SECKIT_ACCESS_LIST | SECKIT_ACCESS_READ | SECKIT_ACCESS_WRITE |
                         SECKIT_ACCESS_PERMISSIONS | SECKIT_ACCESS_TAGGING;
    if (p->all) {
        *service_ok = 1;
        return all;
    }
    size_t len;
    const char *text = action_entry_text(p, &len);
    if (text == NULL)
        return 0;
    size_t pl = p->service_len;
    if (p->service_wild) {
        *service_ok = 1;
        return all;
    }
    if (!public_service(text, pl))
        return 0;
    *service_ok = 1;
    if (d == NULL)
        return all;
    if (!has_wild(text, len)) {
        const skt_iam_action *a = skt_iam_action_find(d, text, len);
        return a != NULL ? a->access : 0;
    }
    const skt_iam_service *svc = skt_iam_service_find(d, text, pl);
    if (svc == NULL)
        return 0;
    unsigned acc = 0;
    for (size_t i = 0; i < svc->action_count; i++) {
        const skt_iam_action *a = &d->actions[svc->action_first + i];
        if (skt_glob_match(text, len, a->name, a->name_len, 1))
            acc |= a->access;
    }
    return acc;
}

void skt_lint_check_public(lint *l, const stmt *st)
{
    if (l->type != SECKIT_POLICY_RESOURCE || !st->allow || st->principal == NULL ||
        (l->rtype != SECKIT_RESOURCE_NONE && !public_kind(l->rtype)))
        return;
    if (!principal_is_everyone(st->m) || has_restricting_condition(st))
        return;
    const unsigned write = SECKIT_ACCESS_WRITE | SECKIT_ACCESS_PERMISSIONS | SECKIT_ACCESS_TAGGING;
    unsigned acc = 0;
    int service_ok = 0;
    const seckit_json *first_write = NULL;
    if (st->notaction != NULL) {
        /* everything but a few actions */
        acc = write;
        service_ok = l->rtype != SECKIT_RESOURCE_NONE;
    } else if (st->action != NULL) {
        /* Action's entries as the lint-mode compile split them */
        for (size_t i = 0; i < stmt_naction_entries(st); i++) {
            unsigned a = entry_access(l->data, &st->acts[i], &service_ok);
            if ((a & write) != 0 && first_write == NULL)
                first_write = st->acts[i].node;
            acc |= a;
        }
    }
    /* without a resource type, only policies of these services */
    if (!service_ok || acc == 0)
        return;
    const char *kind = l->rtype != SECKIT_RESOURCE_NONE ? seckit_policy_resource_type_name(l->rtype)
                                                        : "resource";
    if ((acc & write) != 0)
        skt_lint_add(
            l, CK_PUBLIC_WRITE_ACCESS, st, st->principal, 1,
            "this %s policy lets anyone, including anonymous callers, %s ('%.*s'): Principal \"*\" with no condition "
            "on aws:SourceAccount, aws:SourceArn, aws:PrincipalOrgID, aws:SourceVpce or the like",
            kind,
            (acc & SECKIT_ACCESS_PERMISSIONS) ? "change its permissions or write to it"
                                              : "write to it",
            first_write != NULL ? (int)(first_write->len > 100 ? 100 : first_write->len) : 9,
            first_write != NULL ? first_write->str : "NotAction");
    else
        skt_lint_add(
            l, CK_PUBLIC_ACCESS, st, st->principal, 1,
            "this %s policy lets anyone, including anonymous callers, read or list it: Principal \"*\" with no "
            "condition on aws:SourceAccount, aws:SourceArn, aws:PrincipalOrgID, aws:SourceVpce or the like",
            kind);
}
