/* policy/: the linter's Principal/NotPrincipal checks: AWS principals
 * (accounts, ARNs, "*"), service principals, federated (SAML/OIDC) and
 * canonical users. */
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
/* principals */

/* Why an ARN that the classifier does not take as a principal is not one,
 * when it comes close: written with the service or resource type in other
 * letter case, or with nothing after the type.  NULL otherwise. */
static const char *principal_arn_near_miss(const char *s, size_t n)
{
    static const struct {
        const char *svc, *type;
    } forms[] = {{"iam", "root"},
                 {"iam", "user/"},
                 {"iam", "role/"},
                 {"sts", "assumed-role/"},
                 {"sts", "federated-user/"}};
    skt_arn a;
    if (!skt_arn_split(s, n, &a))
        return NULL;
    const char *svc = a.f[SKT_ARN_SERVICE], *res = a.f[SKT_ARN_RESOURCE];
    size_t sl = a.len[SKT_ARN_SERVICE], rl = a.len[SKT_ARN_RESOURCE];
    for (size_t i = 0; i < SKT_ARRAY_LEN(forms); i++) {
        size_t tl = strlen(forms[i].type);
        int whole = forms[i].type[tl - 1] != '/';
        if (!ci_eq(svc, sl, forms[i].svc) ||
            !(whole ? ci_eq(res, rl, forms[i].type) : ci_prefix(res, rl, forms[i].type)))
            continue;
        if (memcmp(svc, forms[i].svc, sl) != 0 || memcmp(res, forms[i].type, tl) != 0)
            return "IAM writes the service and the resource type of a principal's ARN in lowercase";
        if (!whole && rl == tl)
            return "the ARN names no principal after the resource type";
    }
    return NULL;
}

static void check_aws_principal(lint *l, const stmt *st, const skt_principal *p)
{
    const seckit_json *v = p->node;
    const char *s = p->text;
    size_t n = p->len;
    skt_lint_check_variables(l, st, v, 0, "Principal");
    if (n == 1 && s[0] == '*')
        return;
    if (has_wild(s, n)) {
        if (l->type == SECKIT_POLICY_TRUST)
            skt_lint_add(l, CK_ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL, st, v, 0,
                         "trust policies accept only \"*\" as a whole, not wildcards in '%.*s'",
                         (int)n, s);
        else
            skt_lint_add(
                l, CK_UNSUPPORTED_WILDCARD_IN_PRINCIPAL, st, v, 0,
                "principals accept only \"*\" as a whole, not wildcards in '%.*s'; use a condition such as aws:PrincipalArn with ArnLike",
                (int)n, s);
        return;
    }
    if (is_account(s, n)) {
        skt_lint_check_example_account(l, st, v, s, n);
        return;
    }
    if (n == 21 && ci_prefix(s, n, "AIDA")) {
        skt_lint_add(l, CK_INVALID_USER_REFERENCE, st, v, 0,
                     "'%.*s' is a user's unique id: the user was deleted; name the user by ARN",
                     (int)n, s);
        return;
    }
    if (n == 21 && ci_prefix(s, n, "AROA")) {
        skt_lint_add(l, CK_INVALID_ROLE_REFERENCE, st, v, 0,
                     "'%.*s' is a role's unique id: the role was deleted; name the role by ARN",
                     (int)n, s);
        return;
    }
    /* (an account here is an account's root ARN: its id is above) */
    if (p->kind == SKT_PRIN_ACCOUNT || p->kind == SKT_PRIN_USER || p->kind == SKT_PRIN_ROLE ||
        p->kind == SKT_PRIN_SESSION || p->kind == SKT_PRIN_FEDERATED_USER) {
        skt_arn a;
        skt_arn_split(s, n, &a);
        const char *acct = a.f[SKT_ARN_ACCOUNT], *part = a.f[SKT_ARN_PARTITION];
        size_t al = a.len[SKT_ARN_ACCOUNT], pl = a.len[SKT_ARN_PARTITION];
        /* legacy CloudFront origin access identities:
         * arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ID */
        if (ci_eq(acct, al, "cloudfront") &&
            ci_prefix(a.f[SKT_ARN_RESOURCE], a.len[SKT_ARN_RESOURCE],
                      "user/CloudFront Origin Access Identity "))
            return;
        if (!is_account(acct, al))
            skt_lint_add(l, CK_INVALID_ARN_ACCOUNT, st, v, 0,
                         "'%.*s' is not a 12-digit account id%s", (int)al, acct,
                         skt_lint_looks_like_placeholder(acct, al) ? " (a placeholder left in?)"
                                                                   : "");
        else
            skt_lint_check_example_account(l, st, v, acct, al);
        if (!skt_lint_valid_partition(part, pl))
            skt_lint_add(l, CK_INVALID_PARTITION, st, v, 0, "'%.*s' is not an AWS partition",
                         (int)pl, part);
        return;
    }
    const char *why = principal_arn_near_miss(s, n);
    if (why != NULL) {
        skt_lint_add(l, CK_INVALID_PRINCIPAL_FORMAT, st, v, 0, "'%.*s' is not an AWS principal: %s",
                     (int)(n > 200 ? 200 : n), s, why);
        return;
    }
    skt_lint_add(
        l, CK_INVALID_PRINCIPAL_FORMAT, st, v, 0,
        "'%.*s' is not an AWS principal (account id, or ARN of the account root, a user, a role, an assumed-role or federated-user session)",
        (int)(n > 200 ? 200 : n), s);
}

static int valid_service_principal(const char *s, size_t n)
{
    const char *suffixes[] = {".amazonaws.com", ".amazonaws.com.cn", ".amazon.com"};
    for (size_t i = 0; i < SKT_ARRAY_LEN(suffixes); i++) {
        size_t sl = strlen(suffixes[i]);
        if (n > sl && memcmp(s + n - sl, suffixes[i], sl) == 0) {
            for (size_t j = 0; j < n - sl; j++) {
                char c = s[j];
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
                    return 0;
            }
            return s[0] != '.' && s[0] != '-';
        }
    }
    return 0;
}

static int is_web_identity_domain(const char *s, size_t n)
{
    return ci_eq(s, n, "cognito-identity.amazonaws.com") || ci_eq(s, n, "accounts.google.com") ||
           ci_eq(s, n, "graph.facebook.com") || ci_eq(s, n, "www.amazon.com");
}

/* "saml", "oidc" or NULL for a Federated value. */
const char *skt_lint_federated_kind(const char *s, size_t n, const char **host, size_t *hostlen)
{
    skt_arn a;
    *host = NULL;
    *hostlen = 0;
    if (is_web_identity_domain(s, n)) {
        *host = s;
        *hostlen = n;
        return "oidc";
    }
    if (skt_arn_split(s, n, &a) && ci_eq(a.f[SKT_ARN_SERVICE], a.len[SKT_ARN_SERVICE], "iam")) {
        const char *res = a.f[SKT_ARN_RESOURCE];
        size_t rl = a.len[SKT_ARN_RESOURCE];
        if (ci_prefix(res, rl, "saml-provider/") && rl > 14)
            return "saml";
        if (ci_prefix(res, rl, "oidc-provider/") && rl > 14) {
            *host = res + 14;
            *hostlen = rl - 14;
            return "oidc";
        }
    }
    return NULL;
}

/* The values of Principal (is_not: NotPrincipal) as the lint-mode compile
 * classified them; its shape (a string other than "*", unknown types,
 * values of the wrong type, empty ones) the compile recorded as problems. */
void skt_lint_check_principal(lint *l, const stmt *st, int is_not)
{
    const skt_statement *m = st->m;
    const seckit_json *whole = is_not ? st->notprincipal : st->principal;
    size_t lo = is_not ? m->principal_split : 0;
    size_t hi = is_not ? m->nprincipals : m->principal_split;
    for (size_t i = lo; i < hi; i++) {
        const skt_principal *p = &m->principals[i];
        const seckit_json *v = p->node;
        /* Principal "*" itself, and the types with an entry that is not a
         * string, have no values to check */
        if (v == whole || p->list_bad)
            continue;
        if (p->type == SKT_PTYPE_AWS) {
            check_aws_principal(l, st, p);
        } else if (p->type == SKT_PTYPE_SERVICE) {
            skt_lint_check_variables(l, st, v, 0, "Principal");
            if (p->kind != SKT_PRIN_ANY && !valid_service_principal(p->text, p->len))
                skt_lint_add(l, CK_INVALID_SERVICE_PRINCIPAL_FORMAT, st, v, 0,
                             "'%.*s' is not a service principal (name.amazonaws.com)", (int)p->len,
                             p->text);
        } else if (p->type == SKT_PTYPE_FEDERATED) {
            const char *host;
            size_t hl;
            if (l->type == SECKIT_POLICY_RESOURCE && l->rtype != SECKIT_RESOURCE_IAM_ROLE_TRUST) {
                skt_lint_add(l, CK_FEDERATED_PRINCIPAL_NOT_SUPPORTED, st, v, 0,
                             "Federated principals can only be named in role trust policies");
            } else if (skt_lint_federated_kind(p->text, p->len, &host, &hl) == NULL) {
                skt_lint_add(
                    l, CK_INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY, st, v, 0,
                    "'%.*s' is neither a web identity provider (cognito-identity.amazonaws.com, accounts.google.com, ...) nor a saml-provider/oidc-provider ARN",
                    (int)(p->len > 200 ? 200 : p->len), p->text);
            }
        }
    }
}
