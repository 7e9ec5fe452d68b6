/* policy/: the linter's security checks: iam:PassRole and
 * iam:CreateServiceLinkedRole on every resource, and seckit's own (privilege
 * escalation, permissions management, credential exposure, data
 * exfiltration). */
#include "config.h"

#include <stdarg.h>
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

/* ------------------------------------------------------------------ */
/* PassRole / CreateServiceLinkedRole */

static int resource_is_star(const stmt *st)
{
    if (st->resource == NULL)
        return 0;
    /* Resource's entries as the lint-mode compile split them */
    for (size_t i = 0; i < st->m->nresources; i++)
        if (st->m->resources[i].all)
            return 1;
    return 0;
}

/* Does the statement restrict the condition key to literal values (service
 * principals) with StringEquals or StringLike?  Access Analyzer then does
 * not report iam:PassRole (key iam:PassedToService) or
 * iam:CreateServiceLinkedRole (iam:AWSServiceName) on Resource "*": the
 * grant is only to the services named.  The IfExists forms (true when the
 * key is absent), values with a wildcard or a policy variable, and other
 * operators do not count. */
static int restricted_to_named_services(const stmt *st, const char *key)
{
    /* the conditions as the lint-mode compile made them: one per key of
     * each operator that is an object, the values with their JSON nodes */
    const skt_statement *ms = st->m;
    for (size_t i = 0; i < ms->nconditions; i++) {
        const skt_condition *cd = &ms->conditions[i];
        if (cd->key == NULL || (cd->problems & SKT_CP_OPERATOR) || cd->set != SKT_SET_NONE ||
            cd->if_exists || (cd->op != SKT_OP_STRING_EQUALS && cd->op != SKT_OP_STRING_LIKE) ||
            !ci_eq(cd->key, cd->key_len, key))
            continue;
        /* a key whose value is an object or null has no values: like [] */
        int literal = cd->nvalues > 0;
        for (size_t j = 0; j < cd->nvalues; j++) {
            const skt_cond_value *cv = &cd->values[j];
            if (cv->node->kind != SECKIT_JSON_STRING || cv->len == 0 ||
                has_wild(cv->str, cv->len) || cv->has_vars)
                literal = 0;
        }
        if (literal)
            return 1;
    }
    return 0;
}

void skt_lint_check_sensitive_action(lint *l, const stmt *st, const char *action,
                                     const char *service_key, int ck_not_res,
                                     int ck_star_action_not_res, int ck_not_action_not_res,
                                     int ck_star_res, int ck_star_action_res,
                                     int ck_star_res_not_action)
{
    if (!st->allow || !skt_lint_stmt_covers(st, action))
        return;
    int wild = 0;
    const seckit_json *entry = skt_lint_entry_covering(st, action, &wild);
    /* "*", or an entry covering every resource of the action's type
     * (every role of an account, say): named in the message */
    const seckit_json *star_v = skt_lint_effectively_star(l, st, action);
    int star = star_v != NULL;
    int sl = star ? (int)(star_v->len > 200 ? 200 : star_v->len) : 0;
    const char *ss = star ? star_v->str : "";
    const seckit_json *where = entry ? entry : (st->notaction ? st->notaction : st->node);
    if (st->notresource != NULL) {
        if (st->notaction != NULL)
            skt_lint_add(l, ck_not_action_not_res, st, st->notresource, 1,
                         "NotAction with NotResource allows %s on every resource not listed",
                         action);
        else if (wild)
            skt_lint_add(
                l, ck_star_action_not_res, st, where, 0,
                "'%.*s' includes %s, and NotResource allows it on every resource not listed",
                (int)entry->len, entry->str, action);
        else
            skt_lint_add(l, ck_not_res, st, where, 0,
                         "%s with NotResource allows it on every resource not listed", action);
    } else if (star) {
        /* the hint for a statement whose Condition restricts something
         * else (aws:CalledVia, an IfExists form, a wildcard value) */
        char hint[160];
        hint[0] = '\0';
        if (st->condition != NULL)
            snprintf(hint, sizeof(hint), " (its Condition does not limit %s to named services)",
                     service_key);
        if (st->notaction != NULL)
            skt_lint_add(l, ck_star_res_not_action, st, st->notaction, 1,
                         "NotAction with Resource \"%.*s\" allows %s on every resource", sl, ss,
                         action);
        else if (restricted_to_named_services(st, service_key))
            return;
        else if (wild)
            skt_lint_add(
                l, ck_star_action_res, st, where, 0,
                "'%.*s' includes %s, allowed on every resource (\"%.*s\")%s; list the ARNs it needs",
                (int)entry->len, entry->str, action, sl, ss, hint);
        else
            skt_lint_add(l, ck_star_res, st, where, 0,
                         "%s is allowed on every resource (\"%.*s\")%s; list the ARNs it needs",
                         action, sl, ss, hint);
    }
}

/* ------------------------------------------------------------------ */
/* seckit's own security checks */

typedef struct escalation {
    const char *name;
    const char *actions[6];
} escalation;

/* Privilege-escalation methods (action combinations) documented by Rhino
 * Security Labs and collected by cloudsplaining / pathfinding.cloud. */
static const escalation escalations[] = {
    {"CreateNewPolicyVersion", {"iam:CreatePolicyVersion"}},
    {"SetExistingDefaultPolicyVersion", {"iam:SetDefaultPolicyVersion"}},
    {"CreateAccessKey", {"iam:CreateAccessKey"}},
    {"CreateLoginProfile", {"iam:CreateLoginProfile"}},
    {"UpdateLoginProfile", {"iam:UpdateLoginProfile"}},
    {"AttachUserPolicy", {"iam:AttachUserPolicy"}},
    {"AttachGroupPolicy", {"iam:AttachGroupPolicy"}},
    {"AttachRolePolicy", {"iam:AttachRolePolicy", "sts:AssumeRole"}},
    {"PutUserPolicy", {"iam:PutUserPolicy"}},
    {"PutGroupPolicy", {"iam:PutGroupPolicy"}},
    {"PutRolePolicy", {"iam:PutRolePolicy", "sts:AssumeRole"}},
    {"AddUserToGroup", {"iam:AddUserToGroup"}},
    {"UpdateRolePolicyToAssumeIt", {"iam:UpdateAssumeRolePolicy", "sts:AssumeRole"}},
    {"PassRoleToNewEC2Instance", {"iam:PassRole", "ec2:RunInstances"}},
    {"PassRoleToNewLambdaThenInvoke",
     {"iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"}},
    {"PassRoleToNewLambdaThenTrigger",
     {"iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"}},
    {"EditExistingLambdaFunctionWithRole", {"lambda:UpdateFunctionCode"}},
    {"PassRoleToNewGlueDevEndpoint", {"iam:PassRole", "glue:CreateDevEndpoint"}},
    {"UpdateExistingGlueDevEndpoint", {"glue:UpdateDevEndpoint"}},
    {"PassRoleToNewGlueJob", {"iam:PassRole", "glue:CreateJob", "glue:StartJobRun"}},
    {"PassRoleToCloudFormation", {"iam:PassRole", "cloudformation:CreateStack"}},
    {"PassRoleToNewDataPipeline", {"iam:PassRole", "datapipeline:CreatePipeline"}},
    {"PassRoleToNewSageMakerNotebook",
     {"iam:PassRole", "sagemaker:CreateNotebookInstance",
      "sagemaker:CreatePresignedNotebookInstanceUrl"}},
    {"SageMakerPresignedNotebookUrl", {"sagemaker:CreatePresignedNotebookInstanceUrl"}},
    {"PassRoleToNewCodeBuildProject",
     {"iam:PassRole", "codebuild:CreateProject", "codebuild:StartBuild"}},
    {"PassRoleToNewECSTask", {"iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"}},
    {"PassRoleToNewAppRunnerService", {"iam:PassRole", "apprunner:CreateService"}},
    {"PassRoleToNewCodeStarProject", {"iam:PassRole", "codestar:CreateProject"}},
};

/* Actions that return credentials (tokens, keys, passwords). */
static const char *const credential_actions[] = {
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:GetFederationToken",
    "sts:GetSessionToken",
    "sts:GetServiceBearerToken",
    "iam:CreateAccessKey",
    "iam:UpdateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:CreateServiceSpecificCredential",
    "iam:ResetServiceSpecificCredential",
    "ecr:GetAuthorizationToken",
    "ecr-public:GetAuthorizationToken",
    "codeartifact:GetAuthorizationToken",
    "redshift:GetClusterCredentials",
    "redshift:GetClusterCredentialsWithIAM",
    "redshift-serverless:GetCredentials",
    "rds-db:connect",
    "sso:GetRoleCredentials",
    "cognito-identity:GetCredentialsForIdentity",
    "cognito-identity:GetOpenIdTokenForDeveloperIdentity",
    "ec2:GetPasswordData",
    "lightsail:GetInstanceAccessDetails",
    "lightsail:GetRelationalDatabaseMasterUserPassword",
    "gamelift:GetInstanceAccess",
    "appsync:CreateApiKey",
    "chime:CreateApiKey",
    "mediapackage:RotateIngestEndpointCredentials",
    "iot:CreateKeysAndCertificate",
    "cloud9:CreateEnvironmentToken",
    "ecs:ExecuteCommand",
    "ssm:StartSession",
};

/* Read-only actions that reveal data (cloudsplaining's data exfiltration). */
static const char *const exfil_actions[] = {
    "s3:GetObject",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "secretsmanager:GetSecretValue",
};

static int stmt_unconstrained(const stmt *st)
{
    return st->notresource != NULL || resource_is_star(st);
}

_Static_assert(SKT_ARRAY_LEN(credential_actions) <= 40, "lint.cred_keys is too small");
_Static_assert(SKT_ARRAY_LEN(exfil_actions) <= 8, "lint.exfil_keys is too small");

/* Does the action take only Resource "*" (the service data gives it no
 * resource type)?  Then "*" is not a choice the author made, and the
 * "on every resource" checks do not name it.  0 without the data. */
static int star_only(const lint *l, const char *action)
{
    if (l->data == NULL)
        return 0;
    const skt_iam_action *a = skt_iam_action_find(l->data, action, strlen(action));
    return a != NULL && a->wildcard_only;
}

static void make_list_keys(lint *l)
{
    if (l->keys_made)
        return;
    l->cred_star_only = l->exfil_star_only = 0;
    for (size_t i = 0; i < SKT_ARRAY_LEN(credential_actions); i++) {
        l->cred_keys[i] = skt_lint_make_key(credential_actions[i]);
        if (star_only(l, credential_actions[i]))
            l->cred_star_only |= (uint64_t)1 << i;
    }
    for (size_t i = 0; i < SKT_ARRAY_LEN(exfil_actions); i++) {
        l->exfil_keys[i] = skt_lint_make_key(exfil_actions[i]);
        if (star_only(l, exfil_actions[i]))
            l->exfil_star_only |= (uint64_t)1 << i;
    }
    l->keys_made = 1;
}

/* The actions of the list (but those in skip, a bit per position) that
 * the statement allows: how many, and the first six by name. */
static void list_covered(const stmt *st, const char *const *actions, const action_key *keys,
                         size_t n, uint64_t skip, char *out, size_t cap, size_t *count)
{
    size_t ol = 0;
    *count = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if ((skip >> i) & 1u)
            continue;
        if (!skt_lint_stmt_covers_key(st, &keys[i]))
            continue;
        (*count)++;
        if (*count <= 6 && ol + strlen(actions[i]) + 3 < cap)
            ol += (size_t)snprintf(out + ol, cap - ol, "%s%s", ol ? ", " : "", actions[i]);
    }
    if (*count > 6 && ol + 8 < cap)
        snprintf(out + ol, cap - ol, ", ...");
}

/* The permissions-management actions a statement allows: how many, and
 * the first five by name, "a, b, c" */
typedef struct perm_ctx {
    char *buf;
    size_t cap, len, count;
} perm_ctx;

static void perm_list_add(perm_ctx *c, const char *action)
{
    c->count++;
    if (c->count <= 5 && c->len + strlen(action) + 3 < c->cap)
        c->len +=
            (size_t)snprintf(c->buf + c->len, c->cap - c->len, "%s%s", c->len ? ", " : "", action);
}

/* The permissions-management actions (positions in perm_actions) whose
 * names start with prefix[0..n), case-insensitively: a range, since the
 * list is in name order. */
static void perm_range(const seckit_iam_data *d, const char *prefix, size_t n, size_t *lo,
                       size_t *hi)
{
    *lo = 0;
    *hi = d->nperm;
    if (n == 0)
        return;
    size_t a = 0, b = d->nperm;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (strncasecmp(d->actions[d->perm_actions[m]].name, prefix, n) < 0)
            a = m + 1;
        else
            b = m;
    }
    size_t end = a;
    while (end < d->nperm && strncasecmp(d->actions[d->perm_actions[end]].name, prefix, n) == 0)
        end++;
    *lo = a;
    *hi = end;
}

/* The permissions-management actions that an entry v (p its split,
 * skt_action_split) with the literal head v[0..head) can match are among
 * those returned: the service's (from the data) when the head holds a
 * whole service prefix, else those whose names start with the head. */
static void perm_candidates(const seckit_iam_data *d, const char *v, const skt_action_pat *p,
                            size_t head, size_t *lo, size_t *hi)
{
    const skt_iam_service *svc = p->service != NULL && p->service_len < head
                                     ? skt_iam_service_find(d, v, p->service_len)
                                     : NULL;
    if (svc != NULL) {
        *lo = svc->perm_first;
        *hi = svc->perm_first + svc->perm_count;
        return;
    }
    perm_range(d, v, head, lo, hi);
}

/* Is every principal of the statement an account as a whole (its id, or
 * arn:PARTITION:iam::ID:root), and is there at least one?  Read from the
 * principals the lint-mode compile classified: Principal must list all of
 * its parts there (no problem in it), each an AWS one. */
static int principal_only_accounts(const stmt *st)
{
    const skt_statement *m = st->m;
    unsigned bit = 1u << SKT_EL_PRINCIPAL;
    if (!(m->principal_members & SKT_PMEMBERS_OBJECT) || ((m->bad | m->partial) & bit) ||
        m->principal_split == 0)
        return 0;
    for (size_t i = 0; i < m->principal_split; i++) {
        const skt_principal *p = &m->principals[i];
        skt_arn a;
        /* an account id, or an account's root ARN (with no region) */
        if (p->type != SKT_PTYPE_AWS || p->kind != SKT_PRIN_ACCOUNT || p->account[0] == '\0' ||
            (!is_account(p->text, p->len) &&
             (!skt_arn_split(p->text, p->len, &a) || a.len[SKT_ARN_REGION] != 0)))
            return 0;
    }
    return 1;
}

/* Unconditioned "*" and "service:*" entries of Action (read from the
 * split entries), but for a key policy's kms:* to the account itself. */
static void own_service_wildcards(lint *l, const stmt *st)
{
    for (size_t i = 0; i < stmt_naction_entries(st); i++) {
        const skt_action_pat *p = &st->acts[i];
        const seckit_json *v = p->node;
        if (!is_str(v))
            continue;
        /* AWS's default key policy gives the account (its root) kms:* on
         * the key, so that IAM policies decide: not a finding */
        if (l->type == SECKIT_POLICY_RESOURCE && ci_eq(v->str, v->len, "kms:*") &&
            principal_only_accounts(st))
            continue;
        if (p->all || (v->len > 2 && v->str[v->len - 1] == '*' && v->str[v->len - 2] == ':'))
            skt_lint_add(
                l, CK_SERVICE_WILDCARD, st, v, 0,
                "'%.*s' allows every action of %s without conditions; list the actions needed",
                (int)v->len, v->str, p->all ? "every service" : "the service");
    }
}

/* The permissions-management actions a NotAction list allows, into pc
 * (l->oom without memory). */
static void perm_not_action(lint *l, const stmt *st, perm_ctx *pc)
{
    /* NotAction allows every action that none of its entries
     * matches: the matches are marked first, each entry within
     * the range of the (name-sorted) list that starts with its
     * literal head */
    unsigned char *matched = calloc(l->data->nperm ? l->data->nperm : 1, 1);
    if (matched == NULL) {
        l->oom = 1;
        return;
    }
    /* (the split entries are NotAction's: there is no Action) */
    for (size_t pos = 0; pos < st->nacts; pos++) {
        const skt_action_pat *p = &st->acts[pos];
        const seckit_json *v = p->node;
        if (!is_str(v))
            continue;
        size_t lo, hi;
        perm_candidates(l->data, v->str, p, literal_head(v->str, v->len), &lo, &hi);
        for (size_t i = lo; i < hi; i++) {
            const skt_iam_action *pa = &l->data->actions[l->data->perm_actions[i]];
            if (!matched[i] && skt_glob_match(v->str, v->len, pa->name, pa->name_len, 1))
                matched[i] = 1;
        }
    }
    for (size_t i = 0; i < l->data->nperm; i++)
        if (!matched[i] && !l->data->actions[l->data->perm_actions[i]].wildcard_only)
            perm_list_add(pc, l->data->actions[l->data->perm_actions[i]].display);
    free(matched);
}

/* The permissions-management actions the Action entries name, into pc
 * (l->oom without memory). */
static void perm_action(lint *l, const stmt *st, perm_ctx *pc)
{
    /* each permissions-management action once, found from the
     * Action entries: literal ones by lookup, patterns within the
     * range of the (name-sorted) list that starts with their
     * literal head */
    unsigned char *seen = calloc(l->data->nperm ? l->data->nperm : 1, 1);
    if (seen == NULL) {
        l->oom = 1;
        return;
    }
    for (size_t pos = 0; pos < stmt_naction_entries(st); pos++) {
        const skt_action_pat *p = &st->acts[pos];
        const seckit_json *v = p->node;
        const action_lookup *lk = pos < l->nlookups ? &l->lookups[pos] : NULL;
        if (!is_str(v) || (p->service == NULL && !p->all))
            continue;
        size_t head = literal_head(v->str, v->len);
        size_t lo, hi;
        if (head == v->len) {
            const skt_iam_action *a =
                lk != NULL && lk->done ? lk->action : skt_iam_action_find(l->data, v->str, v->len);
            if (a != NULL) {
                /* the one action it names (the only one that can match) */
                if (a->perm_pos == SIZE_MAX)
                    continue;
                lo = a->perm_pos;
                hi = lo + 1;
            } else {
                perm_range(l->data, v->str, head, &lo, &hi);
            }
        } else {
            perm_candidates(l->data, v->str, p, head, &lo, &hi);
        }
        for (size_t i = lo; i < hi; i++) {
            if (seen[i])
                continue;
            const skt_iam_action *pa = &l->data->actions[l->data->perm_actions[i]];
            if (!skt_glob_match(v->str, v->len, pa->name, pa->name_len, 1))
                continue;
            seen[i] = 1;
            if (!pa->wildcard_only)
                perm_list_add(pc, pa->display);
        }
    }
    free(seen);
}

void skt_lint_check_own_statement(lint *l, const stmt *st)
{
    if (!st->allow || l->type == SECKIT_POLICY_SCP || l->type == SECKIT_POLICY_RCP ||
        l->type == SECKIT_POLICY_TRUST)
        return;
    const seckit_json *where = st->action ? st->action : st->notaction;
    if (where == NULL)
        return;
    char list[400];
    size_t count;
    if (st->notresource != NULL)
        skt_lint_add(
            l, CK_ALLOW_WITH_NOT_RESOURCE, st, st->notresource, 1,
            "Allow with NotResource grants the actions on every resource not listed, including ones created later");
    if (st->condition == NULL && st->action != NULL)
        own_service_wildcards(l, st);
    if (l->type != SECKIT_POLICY_IDENTITY)
        return;
    if (!stmt_unconstrained(st)) {
        /* entries covering a whole resource type (every S3 object, say) */
        make_list_keys(l);
        skt_lint_check_star_lists(l, st, credential_actions, SKT_ARRAY_LEN(credential_actions),
                                  exfil_actions, SKT_ARRAY_LEN(exfil_actions));
        return;
    }
    make_list_keys(l);
    list_covered(st, credential_actions, l->cred_keys, SKT_ARRAY_LEN(credential_actions),
                 l->cred_star_only, list, sizeof(list), &count);
    if (count > 0)
        skt_lint_add(l, CK_CREDENTIALS_EXPOSURE, st, where, 1,
                     "allows actions that return credentials on every resource: %s", list);
    list_covered(st, exfil_actions, l->exfil_keys, SKT_ARRAY_LEN(exfil_actions), l->exfil_star_only,
                 list, sizeof(list), &count);
    if (count > 0)
        skt_lint_add(
            l, CK_DATA_EXFILTRATION, st, where, 1,
            "allows reading data on every resource: %s; name the buckets, parameters or secrets",
            list);
    if (l->data == NULL)
        return;
    perm_ctx pc = {list, sizeof(list), 0, 0};
    list[0] = '\0';
    if (st->action == NULL)
        perm_not_action(l, st, &pc);
    else
        perm_action(l, st, &pc);
    if (l->oom)
        return;
    if (pc.count > 0)
        skt_lint_add(
            l, CK_RESOURCE_EXPOSURE, st, where, 1,
            "allows %zu permissions-management action%s on every resource (%s%s): they change who can access resources",
            pc.count, pc.count == 1 ? "" : "s", list, pc.count > 5 ? ", ..." : "");
}

/* The first statement that allows the action (NULL: none), found once per
 * policy for each action of the escalation methods: most methods share
 * iam:PassRole or sts:AssumeRole.  Actions are told apart by address (the
 * compiler merges equal string literals; if it did not, an action would
 * only be looked up more than once). */
typedef struct escalation_hits {
    const char *action[SKT_ARRAY_LEN(escalations) * 6];
    const stmt *hit[SKT_ARRAY_LEN(escalations) * 6];
    size_t n;
} escalation_hits;

static const stmt *first_allowing(escalation_hits *eh, const char *action, const stmt *stmts,
                                  size_t nst)
{
    for (size_t i = 0; i < eh->n; i++)
        if (eh->action[i] == action)
            return eh->hit[i];
    const stmt *hit = NULL;
    action_key key = skt_lint_make_key(action);
    for (size_t s = 0; s < nst && hit == NULL; s++)
        if (stmts[s].allow && skt_lint_stmt_covers_key(&stmts[s], &key))
            hit = &stmts[s];
    eh->action[eh->n] = action;
    eh->hit[eh->n] = hit;
    eh->n++;
    return hit;
}

void skt_lint_check_escalation(lint *l, const stmt *stmts, size_t nst)
{
    if (l->type != SECKIT_POLICY_IDENTITY)
        return;
    /* one finding for the policy, at the statement granting the first
     * action of the first method found, naming every method found */
    const stmt *at = NULL;
    char methods[600], first[300];
    size_t ml = 0, count = 0;
    escalation_hits eh;
    eh.n = 0;
    methods[0] = first[0] = '\0';
    for (size_t e = 0; e < SKT_ARRAY_LEN(escalations); e++) {
        const stmt *hit0 = NULL;
        int all = 1;
        for (size_t a = 0; a < 6 && escalations[e].actions[a] != NULL && all; a++) {
            const stmt *hit = first_allowing(&eh, escalations[e].actions[a], stmts, nst);
            if (hit0 == NULL)
                hit0 = hit;
            all = hit != NULL;
        }
        if (!all || hit0 == NULL)
            continue;
        if (count == 0) {
            /* the first method's actions, "a + b + c" */
            at = hit0;
            size_t fl = 0;
            for (size_t a = 0; a < 6 && escalations[e].actions[a] != NULL; a++) {
                fl += (size_t)snprintf(first + fl, sizeof(first) - fl, "%s%s", fl ? " + " : "",
                                       escalations[e].actions[a]);
                if (fl >= sizeof(first))
                    fl = sizeof(first) - 1;
            }
        }
        count++;
        if (count <= 5 && ml + strlen(escalations[e].name) + 3 < sizeof(methods))
            ml += (size_t)snprintf(methods + ml, sizeof(methods) - ml, "%s%s", ml ? ", " : "",
                                   escalations[e].name);
    }
    if (count == 0)
        return;
    if (count == 1)
        skt_lint_add(l, CK_PRIVILEGE_ESCALATION, at, at->action ? at->action : at->notaction, 1,
                     "%s allow privilege escalation (%s)", first, methods);
    else
        skt_lint_add(l, CK_PRIVILEGE_ESCALATION, at, at->action ? at->action : at->notaction, 1,
                     "the allowed actions permit %zu privilege-escalation methods (%s%s), e.g. %s",
                     count, methods, count > 5 ? ", ..." : "", first);
}
