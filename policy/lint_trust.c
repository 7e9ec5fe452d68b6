/* policy/: the linter's checks of role trust policies (who may assume the
 * role, confused deputies, third parties without sts:ExternalId, ...). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "policy/lint_internal.h"
#include "policy/model.h"
#include "src/base/guard.h"

static int is_compute_service(const char *s, size_t n)
{
    static const char *const compute[] = {
        "ec2.amazonaws.com",    "lambda.amazonaws.com",           "ecs-tasks.amazonaws.com",
        "eks.amazonaws.com",    "eks-fargate-pods.amazonaws.com", "edgelambda.amazonaws.com",
        "ec2.amazonaws.com.cn", "pods.eks.amazonaws.com"};
    for (size_t i = 0; i < SKT_ARRAY_LEN(compute); i++)
        if (ci_eq(s, n, compute[i]))
            return 1;
    return 0;
}

static int has_source_condition(const stmt *st)
{
    return skt_lint_cond_key(st, "aws:SourceArn") || skt_lint_cond_key(st, "aws:SourceAccount") ||
           skt_lint_cond_key(st, "aws:SourceOrgID") || skt_lint_cond_key(st, "aws:SourceOrgPaths");
}

/* Does the classifier's kind name an account or one of its principals
 * (the account is then in the principal's account field, when it is 12
 * digits)? */
static int names_principal(skt_principal_kind k)
{
    return k == SKT_PRIN_ACCOUNT || k == SKT_PRIN_USER || k == SKT_PRIN_ROLE ||
           k == SKT_PRIN_SESSION || k == SKT_PRIN_FEDERATED_USER;
}

static void any_principal(lint *l, const stmt *st, const seckit_json *v)
{
    skt_lint_add(
        l, CK_TRUST_WILDCARD_PRINCIPAL, st, v, 0,
        "any AWS principal, in any account, may assume this role; name the principals or add conditions");
}

/* An AWS principal of a trust policy: a whole account, or another account
 * without sts:ExternalId. */
static void trust_account(lint *l, const stmt *st, const skt_principal *p)
{
    const seckit_json *v = p->node;
    if (!names_principal(p->kind) || p->account[0] == '\0')
        return;
    const char *acct = p->account;
    size_t al = 12;
    if (p->kind == SKT_PRIN_ACCOUNT && st->condition == NULL)
        skt_lint_add(
            l, CK_TRUST_WHOLE_ACCOUNT, st, v, 0,
            "every principal of account %.*s whose own policies allow sts:AssumeRole may assume this role; name the roles or users, or add conditions",
            (int)al, acct);
    if (l->o->account != NULL &&
        !(strlen(l->o->account) == al && memcmp(l->o->account, acct, al) == 0) &&
        skt_lint_cond_key(st, "sts:ExternalId") == NULL)
        skt_lint_add(
            l, CK_TRUST_THIRD_PARTY_WITHOUT_EXTERNAL_ID, st, v, 0,
            "account %.*s is not this account (%s): require the sts:ExternalId the third party was given (StringEquals)",
            (int)al, acct, l->o->account);
}

/* The principal type's member a principal is listed in. */
static const seckit_json *type_member(const seckit_json *v)
{
    return v->key != NULL ? v : v->parent;
}

/* An assumed-role session (principals[i]) next to its role in the same
 * list of Principal's principals[0..n). */
static void trust_session(lint *l, const stmt *st, const skt_principal *ps, size_t n, size_t i)
{
    const skt_principal *p = &ps[i];
    const seckit_json *v = p->node;
    skt_arn a;
    if (p->kind != SKT_PRIN_SESSION || !skt_arn_split(p->text, p->len, &a))
        return;
    const char *role = a.f[SKT_ARN_RESOURCE] + 13;
    const char *slash = memchr(role, '/', a.len[SKT_ARN_RESOURCE] - 13);
    size_t rl = slash ? (size_t)(slash - role) : a.len[SKT_ARN_RESOURCE] - 13;
    for (size_t j = 0; j < n; j++) {
        const skt_principal *w = &ps[j];
        skt_arn b;
        if (j == i || w->kind != SKT_PRIN_ROLE || type_member(w->node) != type_member(v) ||
            !skt_arn_split(w->text, w->len, &b))
            continue;
        if (b.len[SKT_ARN_ACCOUNT] == a.len[SKT_ARN_ACCOUNT] &&
            memcmp(b.f[SKT_ARN_ACCOUNT], a.f[SKT_ARN_ACCOUNT], a.len[SKT_ARN_ACCOUNT]) == 0 &&
            b.len[SKT_ARN_RESOURCE] == rl + 5 && memcmp(b.f[SKT_ARN_RESOURCE], "role/", 5) == 0 &&
            memcmp(b.f[SKT_ARN_RESOURCE] + 5, role, rl) == 0) {
            skt_lint_add(l, CK_REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY, st, v, 0,
                         "the session '%.*s' is already covered by its role '%.*s'", (int)p->len,
                         p->text, (int)w->len, w->text);
            break;
        }
    }
}

/* A service principal: Roles Anywhere's actions, confused deputies. */
static void trust_service(lint *l, const stmt *st, const skt_principal *p, int trust, int resource)
{
    const seckit_json *v = p->node;
    if (p->kind == SKT_PRIN_ANY)
        return;
    if (trust) {
        if (ci_eq(p->text, p->len, "rolesanywhere.amazonaws.com")) {
            const char *need[] = {"sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"};
            for (size_t i = 0; i < 3; i++)
                if (!skt_lint_stmt_covers(st, need[i]))
                    skt_lint_add(l, CK_MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY, st, v, 0,
                                 "IAM Roles Anywhere needs %s in the same statement", need[i]);
        }
        if (!is_compute_service(p->text, p->len) && !has_source_condition(st))
            skt_lint_add(
                l, CK_TRUST_SERVICE_CONFUSED_DEPUTY, st, v, 0,
                "%.*s may assume this role while acting for any account (confused deputy); add aws:SourceAccount or aws:SourceArn conditions",
                (int)p->len, p->text);
    } else if (resource && !has_source_condition(st)) {
        skt_lint_add(
            l, CK_RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL, st, v, 0,
            "%.*s is granted access while acting for any account; restrict it with aws:SourceArn or aws:SourceAccount",
            (int)p->len, p->text);
    }
}

/* An OIDC provider's conditions: on its aud and sub keys, and for GitHub
 * Actions on the repository. */
static void trust_oidc_conditions(lint *l, const stmt *st, const seckit_json *v, const char *host,
                                  size_t hl)
{
    char pre[300];
    if (hl + 2 > sizeof(pre))
        return;
    memcpy(pre, host, hl);
    pre[hl] = ':';
    pre[hl + 1] = '\0';
    if (skt_lint_cond_key_prefix(st, pre, hl + 1) == NULL) {
        skt_lint_add(
            l, CK_MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL, st, v, 0,
            "any identity of %.*s may assume this role: add conditions on %s keys (aud, sub)",
            (int)hl, host, pre);
        if (ci_eq(host, hl, "token.actions.githubusercontent.com"))
            skt_lint_add(
                l, CK_MISSING_GITHUB_REPO_CONDITION_KEY, st, v, 0,
                "any GitHub Actions workflow of any repository may assume this role: require token.actions.githubusercontent.com:sub (repo:ORG/REPO:...)");
        return;
    }
    char key[320];
    snprintf(key, sizeof(key), "%saud", pre);
    if (skt_lint_cond_key(st, key) == NULL && !ci_eq(host, hl, "cognito-identity.amazonaws.com"))
        skt_lint_add(l, CK_TRUST_OIDC_MISSING_AUDIENCE, st, v, 0,
                     "no condition on %s: tokens issued for other audiences are accepted", key);
    if (!ci_eq(host, hl, "token.actions.githubusercontent.com"))
        return;
    const seckit_json *sub = skt_lint_cond_key(st, "token.actions.githubusercontent.com:sub");
    if (sub == NULL) {
        skt_lint_add(
            l, CK_MISSING_GITHUB_REPO_CONDITION_KEY, st, v, 0,
            "any GitHub Actions workflow of any repository may assume this role: require token.actions.githubusercontent.com:sub (repo:ORG/REPO:...)");
        return;
    }
    FOR_VALUES(sv, sub)
    if (is_str(sv) && has_wild(sv->str, sv->len)) {
        skt_lint_add(l, CK_SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED, st, sv, 0,
                     "'%.*s' has a wildcard; name the repository and branch or environment",
                     (int)sv->len, sv->str);
        break;
    }
}

/* A Federated principal of a trust policy: the action its kind needs, an
 * OIDC provider's conditions. */
static void trust_federated(lint *l, const stmt *st, const skt_principal *p)
{
    const seckit_json *v = p->node;
    const char *host;
    size_t hl;
    const char *kind = skt_lint_federated_kind(p->text, p->len, &host, &hl);
    if (kind == NULL)
        return;
    if (strcmp(kind, "saml") == 0) {
        if (!skt_lint_stmt_covers(st, "sts:AssumeRoleWithSAML"))
            skt_lint_add(l, CK_MISMATCHED_ACTION_FOR_PRINCIPAL, st, v, 0,
                         "a SAML provider principal needs the action sts:AssumeRoleWithSAML");
        return;
    }
    if (!skt_lint_stmt_covers(st, "sts:AssumeRoleWithWebIdentity"))
        skt_lint_add(l, CK_MISMATCHED_ACTION_FOR_PRINCIPAL, st, v, 0,
                     "an OIDC provider principal needs the action sts:AssumeRoleWithWebIdentity");
    trust_oidc_conditions(l, st, v, host, hl);
}

/* Session conditions of a trust policy that need their action. */
static void trust_session_keys(lint *l, const stmt *st)
{
    if (skt_lint_cond_key(st, "sts:SourceIdentity") &&
        !skt_lint_stmt_covers(st, "sts:SetSourceIdentity"))
        skt_lint_add(
            l, CK_MISSING_ACTION_FOR_CONDITION_KEY, st, skt_lint_cond_key(st, "sts:SourceIdentity"),
            1,
            "sts:SourceIdentity is only set with the action sts:SetSourceIdentity; add it to Action");
    const seckit_json *tk = skt_lint_cond_key(st, "sts:TransitiveTagKeys");
    if (tk == NULL)
        tk = skt_lint_cond_key_prefix(st, "aws:RequestTag/", 15);
    if (tk != NULL && !skt_lint_stmt_covers(st, "sts:TagSession"))
        skt_lint_add(
            l, CK_MISSING_ACTION_FOR_CONDITION_KEY, st, tk, 1,
            "session tags are only passed with the action sts:TagSession; add it to Action");
}

/* Who an Allow statement with a Principal lets assume the role (or, in a
 * resource policy, which services act for any account): its principals as
 * the lint-mode compile classified them. */
void skt_lint_check_trust_statement(lint *l, const stmt *st)
{
    if (!st->allow || st->principal == NULL)
        return;
    const skt_statement *m = st->m;
    const skt_principal *ps = m->principals;
    size_t n = m->principal_split;
    int trust = l->type == SECKIT_POLICY_TRUST;
    int resource = l->type == SECKIT_POLICY_RESOURCE && l->rtype != SECKIT_RESOURCE_IAM_ROLE_TRUST;
    if (!(m->principal_members & SKT_PMEMBERS_OBJECT)) {
        /* "*" (another string is a problem) */
        if (n == 1 && trust && st->condition == NULL)
            any_principal(l, st, ps[0].node);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const skt_principal *p = &ps[i];
        if (p->type == SKT_PTYPE_AWS) {
            if (p->kind == SKT_PRIN_ANY) {
                if (trust && st->condition == NULL)
                    any_principal(l, st, p->node);
            } else if (trust) {
                trust_account(l, st, p);
                trust_session(l, st, ps, n, i);
            }
        } else if (p->type == SKT_PTYPE_SERVICE) {
            trust_service(l, st, p, trust, resource);
        } else if (p->type == SKT_PTYPE_FEDERATED && trust) {
            trust_federated(l, st, p);
        }
    }
    if (trust)
        trust_session_keys(l, st);
}
