/* policy/: the linter's Resource/NotResource checks: ARN syntax (partition,
 * region, account, placeholders) and ARNs against the service data's resource
 * types. */
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
/* resources (ARNs) */

int skt_lint_valid_partition(const char *s, size_t n)
{
    static const char *const parts[] = {"aws",       "aws-cn",    "aws-us-gov", "aws-iso",
                                        "aws-iso-b", "aws-iso-e", "aws-iso-f",  "aws-eusc"};
    for (size_t i = 0; i < SKT_ARRAY_LEN(parts); i++)
        if (n == strlen(parts[i]) && memcmp(s, parts[i], n) == 0)
            return 1;
    return 0;
}

/* Region names: lowercase words joined by '-', ending in a number, e.g.
 * us-east-1, us-gov-west-1, eusc-de-east-1. */
int skt_lint_looks_like_region(const char *s, size_t n)
{
    if (n < 6 || n > 32)
        return 0;
    size_t parts = 1;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '-') {
            if (i == 0 || s[i - 1] == '-')
                return 0;
            parts++;
        } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            return 0;
        }
    }
    const char *last = s + n;
    while (last > s && last[-1] >= '0' && last[-1] <= '9')
        last--;
    return parts >= 3 && last < s + n && last > s && last[-1] == '-' && s[0] >= 'a' &&
           s[0] <= 'z' &&
           skt_lint_region_partition(s, n) != NULL; /* and one that some partition has */
}

int skt_lint_looks_like_placeholder(const char *s, size_t n)
{
#define WORD(w)                                                                                    \
    {                                                                                              \
        w, sizeof(w) - 1                                                                           \
    }
    static const struct {
        const char *s;
        size_t len;
    } words[] = {
        WORD("YOUR"),           WORD("ACCOUNT_ID"), WORD("ACCOUNT-ID"),
        WORD("ACCOUNTID"),      WORD("ACCT-NUM"),   WORD("ACCOUNT-NUMBER"),
        WORD("ACCOUNT_NUMBER"), WORD("REPLACE"),    WORD("CHANGEME"),
        WORD("${AWS::"),        WORD("{{"),         WORD("<"),
    };
#undef WORD
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c != 'Y' && c != 'A' && c != 'R' && c != 'C' && c != '$' && c != '{' && c != '<')
            continue;
        for (size_t w = 0; w < SKT_ARRAY_LEN(words); w++)
            if (words[w].s[0] == c && words[w].len <= n - i &&
                memcmp(s + i, words[w].s, words[w].len) == 0)
                return 1;
    }
    return 0;
}

static const char *const example_accounts[] = {"123456789012", "111122223333", "444455556666",
                                               "999999999999"};

/* 1 + the position of s in example_accounts, or 0. */
int skt_lint_is_example_account(const char *s, size_t n)
{
    if (n != 12)
        return 0;
    for (size_t i = 0; i < SKT_ARRAY_LEN(example_accounts); i++)
        if (memcmp(s, example_accounts[i], 12) == 0)
            return (int)i + 1;
    return 0;
}

void skt_lint_check_example_account(lint *l, const stmt *st, const seckit_json *v, const char *s,
                                    size_t n)
{
    int k = skt_lint_is_example_account(s, n);
    if (k == 0 || (l->example_seen & (1u << k)) != 0)
        return;
    /* once per account id and policy: the first place it appears */
    l->example_seen |= 1u << k;
    skt_lint_add(l, CK_EXAMPLE_ACCOUNT_ID, st, v, 0,
                 "%.*s is an example account id from AWS documentation", (int)n, s);
}

/* Is there a string starting with s that the glob pat matches?  Once the
 * pattern's first '*' is reached any continuation can follow, so only the
 * characters before it are compared ('?' takes any one). */
static int glob_prefix_feasible(const char *pat, size_t plen, const char *s, size_t slen)
{
    for (size_t i = 0; i < slen; i++) {
        if (i == plen)
            return 0;
        if (pat[i] == '*')
            return 1;
        if (pat[i] != '?' && pat[i] != s[i])
            return 0;
    }
    return 1;
}

/* Check ARN fields against the resource types of the service. */
static void check_arn_service_data(lint *l, const stmt *st, const seckit_json *v, const skt_arn *a)
{
    const char *svc = a->f[SKT_ARN_SERVICE], *reg = a->f[SKT_ARN_REGION],
               *acct = a->f[SKT_ARN_ACCOUNT], *res = a->f[SKT_ARN_RESOURCE];
    size_t svcl = a->len[SKT_ARN_SERVICE], regl = a->len[SKT_ARN_REGION],
           acctl = a->len[SKT_ARN_ACCOUNT], resl = a->len[SKT_ARN_RESOURCE];
    if (l->data == NULL || has_wild(svc, svcl) || svcl == 0)
        return;
    size_t first = 0;
    size_t nrt = skt_iam_rtypes_for_arn_service(l->data, svc, svcl, &first);
    if (nrt == 0) {
        if (skt_iam_service_find(l->data, svc, svcl) == NULL)
            skt_lint_add(l, CK_INVALID_SERVICE, st, v, 0,
                         "no AWS service has the ARN service '%.*s'", (int)svcl, svc);
        return;
    }
    /* counts over all resource types of the service, and over those whose
     * resource part fits the policy's */
    size_t total = 0, with_region = 0, with_account = 0;
    size_t fits = 0, fit_region = 0, fit_account = 0;
    int resource_checkable = !skt_vars_present(res, resl);
    size_t lit = resl;
    for (size_t i = 0; i < resl; i++)
        if (res[i] == '*' || res[i] == '?' || res[i] == '$') {
            lit = i;
            break;
        }
    int wild = lit < resl;
    for (size_t i = first; i < first + nrt; i++) {
        const skt_iam_rtype *rt = l->data->by_arn_service[i];
        if (!rt->valid)
            continue;
        total++;
        with_region += (size_t)rt->has_region;
        with_account += (size_t)rt->has_account;
        int fit = !resource_checkable ||
                  (wild ? glob_prefix_feasible(rt->res_glob, rt->res_glob_len, res, lit)
                        : skt_glob_match(rt->res_glob, rt->res_glob_len, res, resl, 0));
        if (fit) {
            fits++;
            fit_region += (size_t)rt->has_region;
            fit_account += (size_t)rt->has_account;
        }
    }
    if (total == 0)
        return;
    if (fits == 0 && !wild && !(ci_eq(svc, svcl, "iam") && ci_eq(res, resl, "root"))) {
        skt_lint_add(l, CK_INVALID_ARN_RESOURCE, st, v, 0, "'%.*s' fits no resource type of %.*s",
                     (int)(resl > 200 ? 200 : resl), res, (int)svcl, svc);
    }
    if (fits == 0) {
        fits = total;
        fit_region = with_region;
        fit_account = with_account;
    }
    int region_lit = regl > 0 && !has_wild(reg, regl) && !skt_vars_present(reg, regl);
    int account_lit = acctl > 0 && !has_wild(acct, acctl) && !skt_vars_present(acct, acctl);
    if (region_lit && fit_region == 0)
        skt_lint_add(l, CK_ARN_REGION_NOT_ALLOWED, st, v, 0,
                     "%.*s ARNs of this kind have no region, but this one has '%.*s'", (int)svcl,
                     svc, (int)regl, reg);
    if (account_lit && fit_account == 0)
        skt_lint_add(l, CK_ARN_ACCOUNT_NOT_ALLOWED, st, v, 0,
                     "%.*s ARNs of this kind have no account, but this one has '%.*s'", (int)svcl,
                     svc, (int)acctl, acct);
    if (regl == 0 && !wild && fit_region == fits)
        skt_lint_add(l, CK_MISSING_ARN_REGION, st, v, 0,
                     "%.*s ARNs of this kind need a region; this one has none", (int)svcl, svc);
}

const char *skt_lint_rtype_service(seckit_policy_resource_type t)
{
    switch (t) {
    case SECKIT_RESOURCE_S3_BUCKET:
    case SECKIT_RESOURCE_S3_ACCESS_POINT:
    case SECKIT_RESOURCE_S3_MRAP: return "s3";
    case SECKIT_RESOURCE_S3_OBJECT_LAMBDA_AP: return "s3-object-lambda";
    case SECKIT_RESOURCE_S3_TABLE_BUCKET: return "s3tables";
    case SECKIT_RESOURCE_DYNAMODB_TABLE: return "dynamodb";
    case SECKIT_RESOURCE_KMS_KEY: return "kms";
    case SECKIT_RESOURCE_SQS_QUEUE: return "sqs";
    case SECKIT_RESOURCE_SNS_TOPIC: return "sns";
    case SECKIT_RESOURCE_LAMBDA_FUNCTION: return "lambda";
    case SECKIT_RESOURCE_SECRETS_MANAGER_SECRET: return "secretsmanager";
    case SECKIT_RESOURCE_ECR_REPOSITORY: return "ecr";
    case SECKIT_RESOURCE_IAM_ROLE_TRUST: return "sts";
    default: return NULL;
    }
}

/* v: a string entry of Resource or NotResource; p: v split
 * (skt_resource_split, by the lint-mode compile or the caller). */
void skt_lint_check_resource_value(lint *l, const stmt *st, const seckit_json *v,
                                   const skt_resource_pat *p)
{
    const char *s = v->str;
    size_t n = v->len;
    skt_lint_check_variables(l, st, v, 1, "Resource");
    if (n == 1 && s[0] == '*')
        return;
    /* whitespace outside policy variables (most ARNs have none at all) */
    int has_space = memchr(s, ' ', n) != NULL || memchr(s, '\t', n) != NULL ||
                    memchr(s, '\n', n) != NULL || memchr(s, '\r', n) != NULL;
    for (size_t i = 0, invar = 0; has_space && i < n; i++) {
        if (i + 1 < n && s[i] == '$' && s[i + 1] == '{')
            invar = 1;
        else if (s[i] == '}')
            invar = 0;
        if (!invar && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
            skt_lint_add(
                l, CK_RESOURCE_ARN_WITH_WHITESPACE, st, v, 0,
                "'%.*s' contains whitespace at character %zu; the ARN names no real resource",
                (int)(n > 200 ? 200 : n), s, i);
            break;
        }
    }
    if (n < 4 || memcmp(s, "arn:", 4) != 0) {
        if (!(n >= 4 && strncasecmp(s, "arn:", 4) == 0) && s[0] != '*') {
            skt_lint_add(
                l, CK_INVALID_ARN_PREFIX, st, v, 0,
                "'%.*s' is neither \"*\" nor an ARN (arn:partition:service:region:account:resource)",
                (int)(n > 200 ? 200 : n), s);
            return;
        }
        if (s[0] != '*') {
            skt_lint_add(l, CK_INVALID_ARN_PREFIX, st, v, 0,
                         "ARNs start with lowercase 'arn:', not '%.4s'", s);
            return;
        }
    }
    /* "arn" or a wildcard before the first ':' (skt_arn_split takes only
     * "arn"): the fields as skt_resource_split found them */
    if (p->nfields < 6) {
        skt_lint_add(l, CK_MISSING_ARN_FIELD, st, v, 0,
                     "'%.*s' has %zu of the 6 colon-separated ARN fields", (int)(n > 200 ? 200 : n),
                     s, (size_t)p->nfields);
        return;
    }
    const skt_arn *a = &p->arn;
    const char *part = a->f[SKT_ARN_PARTITION], *svc = a->f[SKT_ARN_SERVICE],
               *reg = a->f[SKT_ARN_REGION], *acct = a->f[SKT_ARN_ACCOUNT],
               *res = a->f[SKT_ARN_RESOURCE];
    size_t partl = a->len[SKT_ARN_PARTITION], svcl = a->len[SKT_ARN_SERVICE],
           regl = a->len[SKT_ARN_REGION], acctl = a->len[SKT_ARN_ACCOUNT],
           resl = a->len[SKT_ARN_RESOURCE];
    for (int i = SKT_ARN_PARTITION; i <= SKT_ARN_SERVICE; i++)
        if (skt_vars_present(a->f[i], a->len[i]))
            skt_lint_add(l, CK_VARIABLE_UNSUPPORTED_IN_ELEMENT, st, v, 0,
                         "policy variables are not expanded in the partition or service of an ARN");
    if (!has_wild(part, partl) && !skt_lint_valid_partition(part, partl))
        skt_lint_add(l, CK_INVALID_PARTITION, st, v, 0,
                     "'%.*s' is not an AWS partition (aws, aws-cn, aws-us-gov, ...)", (int)partl,
                     part);
    for (size_t i = 0; i < svcl; i++)
        if (svc[i] >= 'A' && svc[i] <= 'Z') {
            skt_lint_add(l, CK_INVALID_ARN_SERVICE_CASE, st, v, 0,
                         "the ARN's service '%.*s' must be lowercase", (int)svcl, svc);
            break;
        }
    if (regl > 0 && !has_wild(reg, regl) && !skt_vars_present(reg, regl) &&
        !skt_lint_looks_like_region(reg, regl))
        skt_lint_add(l, CK_INVALID_ARN_REGION, st, v, 0, "'%.*s' is not a region%s", (int)regl, reg,
                     skt_lint_looks_like_placeholder(reg, regl) ? " (a placeholder left in?)" : "");
    if (acctl > 0 && !has_wild(acct, acctl) && !skt_vars_present(acct, acctl) &&
        !is_account(acct, acctl) && !(acctl == 3 && memcmp(acct, "aws", 3) == 0))
        skt_lint_add(l, CK_INVALID_ARN_ACCOUNT, st, v, 0, "'%.*s' is not a 12-digit account id%s",
                     (int)acctl, acct,
                     skt_lint_looks_like_placeholder(acct, acctl) ? " (a placeholder left in?)"
                                                                  : "");
    skt_lint_check_example_account(l, st, v, acct, acctl);
    if (skt_lint_looks_like_placeholder(res, resl))
        skt_lint_add(l, CK_ARN_PLACEHOLDER, st, v, 0, "'%.*s' still contains a placeholder",
                     (int)(n > 200 ? 200 : n), s);
    check_arn_service_data(l, st, v, a);
    /* resource policies of a given resource type */
    const char *rsvc = skt_lint_rtype_service(l->rtype);
    if (rsvc != NULL && l->rtype != SECKIT_RESOURCE_IAM_ROLE_TRUST && !has_wild(svc, svcl) &&
        !ci_eq(svc, svcl, rsvc)) {
        skt_lint_add(l, CK_UNSUPPORTED_RESOURCE_ARN_IN_POLICY, st, v, 0,
                     "a %s policy can only name %s resources, not '%.*s'",
                     seckit_policy_resource_type_name(l->rtype), rsvc, (int)(n > 200 ? 200 : n), s);
    } else if (l->rtype == SECKIT_RESOURCE_S3_BUCKET && ci_eq(svc, svcl, "s3") &&
               (regl > 0 || acctl > 0)) {
        skt_lint_add(
            l, CK_UNSUPPORTED_RESOURCE_ARN_IN_POLICY, st, v, 0,
            "a bucket policy can only name the bucket and its objects (arn:aws:s3:::bucket[/key]), not '%.*s'",
            (int)(n > 200 ? 200 : n), s);
    }
}
