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
static int restricting_operator(const seckit_json *o)
{
    skt_cond_op id;
    skt_set_op set;
    int if_exists;
    if (skt_cond_op_parse(o->key, o->key_len, &id, &set, &if_exists) != 0)
        return 0;
    const skt_op_info *op = skt_cond_op_info(id);
    /* ForAllValues: is true when the key is absent */
    return set != SKT_SET_FOR_ALL && !if_exists && !op->negated && op->family != SKT_FAM_NULL &&
           id != SKT_OP_BOOL;
}

static int has_restricting_condition(const stmt *st)
{
    if (st->condition == NULL || st->condition->kind != SECKIT_JSON_OBJECT)
        return 0;
    for (const seckit_json *o = st->condition->child; o != NULL; o = o->next) {
        if (o->kind != SECKIT_JSON_OBJECT || !restricting_operator(o))
            continue;
        for (const seckit_json *k = o->child; k != NULL; k = k->next)
            for (size_t i = 0; i < SKT_ARRAY_LEN(restricting_keys); i++)
                if (strcasecmp(k->key, restricting_keys[i]) == 0)
                    return 1;
    }
    return 0;
}

/* The access levels an Action entry v (p its split, skt_action_split)
 * allows (SECKIT_ACCESS_* bits); every level when it is "*", a service
 * wildcard, or unknown to the data. */
static unsigned entry_access(const seckit_iam_data *d, const seckit_json *v,
                             const skt_action_pat *p, int *service_ok)
{
    const unsigned all = SECKIT_ACCESS_LIST | SECKIT_ACCESS_READ | SECKIT_ACCESS_WRITE |
                         SECKIT_ACCESS_PERMISSIONS | SECKIT_ACCESS_TAGGING;
    if (p->all) {
        *service_ok = 1;
        return all;
    }
    if (p->service == NULL)
        return 0;
    size_t pl = p->service_len;
    if (p->service_wild) {
        *service_ok = 1;
        return all;
    }
    if (!public_service(v->str, pl))
        return 0;
    *service_ok = 1;
    if (d == NULL)
        return all;
    if (!has_wild(v->str, v->len)) {
        const skt_iam_action *a = skt_iam_action_find(d, v->str, v->len);
        return a != NULL ? a->access : 0;
    }
    const skt_iam_service *svc = skt_iam_service_find(d, v->str, pl);
    if (svc == NULL)
        return 0;
    unsigned acc = 0;
    for (size_t i = 0; i < svc->action_count; i++) {
        const skt_iam_action *a = &d->actions[svc->action_first + i];
        if (skt_glob_match(v->str, v->len, a->name, a->name_len, 1))
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
        size_t pos = 0;
        FOR_VALUES(v, st->action)
        {
            if (!is_str(v)) {
                pos++;
                continue;
            }
            skt_action_pat own;
            unsigned a =
                entry_access(l->data, v, stmt_action_split(st, pos++, v, &own), &service_ok);
            if ((a & write) != 0 && first_write == NULL)
                first_write = v;
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
