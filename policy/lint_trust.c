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

void skt_lint_check_trust_statement(lint *l, const stmt *st)
{
    if (!st->allow || st->principal == NULL)
        return;
    const seckit_json *p = st->principal;
    int trust = l->type == SECKIT_POLICY_TRUST;
    int resource = l->type == SECKIT_POLICY_RESOURCE && l->rtype != SECKIT_RESOURCE_IAM_ROLE_TRUST;
    if (streq(p, "*")) {
        if (trust && st->condition == NULL)
            skt_lint_add(
                l, CK_TRUST_WILDCARD_PRINCIPAL, st, p, 0,
                "any AWS principal, in any account, may assume this role; name the principals or add conditions");
        return;
    }
    if (p->kind != SECKIT_JSON_OBJECT)
        return;
    for (const seckit_json *k = p->child; k != NULL; k = k->next) {
        if (k->kind != SECKIT_JSON_STRING && k->kind != SECKIT_JSON_ARRAY)
            continue;
        if (strcmp(k->key, "AWS") == 0) {
            FOR_VALUES(v, k)
            {
                if (!is_str(v))
                    continue;
                if (streq(v, "*")) {
                    if (trust && st->condition == NULL)
                        skt_lint_add(
                            l, CK_TRUST_WILDCARD_PRINCIPAL, st, v, 0,
                            "any AWS principal, in any account, may assume this role; name the principals or add conditions");
                    continue;
                }
                if (!trust)
                    continue;
                /* the account of an account id or a principal's ARN, as
                 * the model classifies it ("" for other texts and for
                 * accounts that are not 12 digits) */
                skt_principal pr;
                skt_principal_classify(v->str, v->len, &pr);
                if (!(is_account(v->str, v->len) || skt_lint_is_principal_arn(v->str, v->len)) ||
                    pr.account[0] == '\0')
                    continue;
                const char *acct = pr.account;
                size_t al = 12;
                int whole = pr.kind == SKT_PRIN_ACCOUNT;
                if (whole && st->condition == NULL)
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
            /* assumed-role session next to its role */
            FOR_VALUES(v, k)
            {
                if (!is_str(v) || !trust)
                    continue;
                skt_arn a;
                skt_principal pv;
                skt_principal_classify(v->str, v->len, &pv);
                if (pv.kind != SKT_PRIN_SESSION || !skt_arn_split(v->str, v->len, &a))
                    continue;
                const char *role = a.f[SKT_ARN_RESOURCE] + 13;
                const char *slash = memchr(role, '/', a.len[SKT_ARN_RESOURCE] - 13);
                size_t rl = slash ? (size_t)(slash - role) : a.len[SKT_ARN_RESOURCE] - 13;
                FOR_VALUES(w, k)
                {
                    if (!is_str(w) || w == v)
                        continue;
                    skt_arn b;
                    skt_principal pw;
                    skt_principal_classify(w->str, w->len, &pw);
                    if (pw.kind == SKT_PRIN_ROLE && skt_arn_split(w->str, w->len, &b) &&
                        b.len[SKT_ARN_ACCOUNT] == a.len[SKT_ARN_ACCOUNT] &&
                        memcmp(b.f[SKT_ARN_ACCOUNT], a.f[SKT_ARN_ACCOUNT],
                               a.len[SKT_ARN_ACCOUNT]) == 0 &&
                        b.len[SKT_ARN_RESOURCE] == rl + 5 &&
                        memcmp(b.f[SKT_ARN_RESOURCE], "role/", 5) == 0 &&
                        memcmp(b.f[SKT_ARN_RESOURCE] + 5, role, rl) == 0) {
                        skt_lint_add(l, CK_REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY, st, v, 0,
                                     "the session '%.*s' is already covered by its role '%.*s'",
                                     (int)v->len, v->str, (int)w->len, w->str);
                        break;
                    }
                }
            }
        } else if (strcmp(k->key, "Service") == 0) {
            FOR_VALUES(v, k)
            {
                if (!is_str(v) || streq(v, "*"))
                    continue;
                if (trust) {
                    if (ci_eq(v->str, v->len, "rolesanywhere.amazonaws.com")) {
                        const char *need[] = {"sts:AssumeRole", "sts:SetSourceIdentity",
                                              "sts:TagSession"};
                        for (size_t i = 0; i < 3; i++)
                            if (!skt_lint_stmt_covers(st, need[i]))
                                skt_lint_add(l, CK_MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY,
                                             st, v, 0,
                                             "IAM Roles Anywhere needs %s in the same statement",
                                             need[i]);
                    }
                    if (!is_compute_service(v->str, v->len) && !has_source_condition(st))
                        skt_lint_add(
                            l, CK_TRUST_SERVICE_CONFUSED_DEPUTY, st, v, 0,
                            "%.*s may assume this role while acting for any account (confused deputy); add aws:SourceAccount or aws:SourceArn conditions",
                            (int)v->len, v->str);
                } else if (resource && !has_source_condition(st)) {
                    skt_lint_add(
                        l, CK_RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL, st, v, 0,
                        "%.*s is granted access while acting for any account; restrict it with aws:SourceArn or aws:SourceAccount",
                        (int)v->len, v->str);
                }
            }
        } else if (strcmp(k->key, "Federated") == 0 && trust) {
            FOR_VALUES(v, k)
            {
                if (!is_str(v))
                    continue;
                const char *host;
                size_t hl;
                const char *kind = skt_lint_federated_kind(v->str, v->len, &host, &hl);
                if (kind == NULL)
                    continue;
                if (strcmp(kind, "saml") == 0) {
                    if (!skt_lint_stmt_covers(st, "sts:AssumeRoleWithSAML"))
                        skt_lint_add(
                            l, CK_MISMATCHED_ACTION_FOR_PRINCIPAL, st, v, 0,
                            "a SAML provider principal needs the action sts:AssumeRoleWithSAML");
                    continue;
                }
                if (!skt_lint_stmt_covers(st, "sts:AssumeRoleWithWebIdentity"))
                    skt_lint_add(
                        l, CK_MISMATCHED_ACTION_FOR_PRINCIPAL, st, v, 0,
                        "an OIDC provider principal needs the action sts:AssumeRoleWithWebIdentity");
                char pre[300];
                if (hl + 2 > sizeof(pre))
                    continue;
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
                    continue;
                }
                char key[320];
                snprintf(key, sizeof(key), "%saud", pre);
                if (skt_lint_cond_key(st, key) == NULL &&
                    !ci_eq(host, hl, "cognito-identity.amazonaws.com"))
                    skt_lint_add(
                        l, CK_TRUST_OIDC_MISSING_AUDIENCE, st, v, 0,
                        "no condition on %s: tokens issued for other audiences are accepted", key);
                if (ci_eq(host, hl, "token.actions.githubusercontent.com")) {
                    const seckit_json *sub =
                        skt_lint_cond_key(st, "token.actions.githubusercontent.com:sub");
                    if (sub == NULL) {
                        skt_lint_add(
                            l, CK_MISSING_GITHUB_REPO_CONDITION_KEY, st, v, 0,
                            "any GitHub Actions workflow of any repository may assume this role: require token.actions.githubusercontent.com:sub (repo:ORG/REPO:...)");
                    } else {
                        FOR_VALUES(sv, sub)
                        if (is_str(sv) && has_wild(sv->str, sv->len)) {
                            skt_lint_add(
                                l, CK_SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED, st, sv, 0,
                                "'%.*s' has a wildcard; name the repository and branch or environment",
                                (int)sv->len, sv->str);
                            break;
                        }
                    }
                }
            }
        }
    }
    if (trust) {
        if (skt_lint_cond_key(st, "sts:SourceIdentity") &&
            !skt_lint_stmt_covers(st, "sts:SetSourceIdentity"))
            skt_lint_add(
                l, CK_MISSING_ACTION_FOR_CONDITION_KEY, st,
                skt_lint_cond_key(st, "sts:SourceIdentity"), 1,
                "sts:SourceIdentity is only set with the action sts:SetSourceIdentity; add it to Action");
        const seckit_json *tk = skt_lint_cond_key(st, "sts:TransitiveTagKeys");
        if (tk == NULL)
            tk = skt_lint_cond_key_prefix(st, "aws:RequestTag/", 15);
        if (tk != NULL && !skt_lint_stmt_covers(st, "sts:TagSession"))
            skt_lint_add(
                l, CK_MISSING_ACTION_FOR_CONDITION_KEY, st, tk, 1,
                "session tags are only passed with the action sts:TagSession; add it to Action");
    }
}
