/* policy/: the linter's condition checks: operators, keys against the global
 * and service condition keys, and values (numbers, dates, IPs and CIDRs,
 * ARNs, booleans, base64) for the operator's family. */
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

/* A condition value as the policy has it, for messages: its text (a
 * number's or string's, up to 200 characters), or true/false/null; for
 * "%.*s". */
#define SHOWN(v) (int)shown_len(v), shown_text(v)

static const char *shown_text(const seckit_json *v)
{
    if (v->str != NULL)
        return v->str;
    return v->kind == SECKIT_JSON_TRUE ? "true" : v->kind == SECKIT_JSON_FALSE ? "false" : "null";
}

static size_t shown_len(const seckit_json *v)
{
    if (v->str != NULL)
        return v->len > 200 ? 200 : v->len;
    return strlen(shown_text(v));
}

/* ------------------------------------------------------------------ */
/* conditions */

/* An operator as policy/condition.c parses it (skt_cond_op_parse) and the
 * model describes it (skt_cond_op_info). */
typedef struct parsed_op {
    skt_cond_op id;
    const skt_op_info *op;
    skt_set_op set;
    int if_exists;
} parsed_op;

/* Numeric and date <, <=, >, >=: several values mean only one counts. */
static int op_orders(skt_cond_op op)
{
    return (op >= SKT_OP_NUMERIC_LESS_THAN && op <= SKT_OP_NUMERIC_GREATER_THAN_EQUALS) ||
           (op >= SKT_OP_DATE_LESS_THAN && op <= SKT_OP_DATE_GREATER_THAN_EQUALS);
}

static int host_bits_set(const skt_ip *ip)
{
    unsigned bits = ip->v6 ? 128 : 32;
    for (unsigned b = ip->prefix; b < bits; b++)
        if (ip->addr[b / 8] & (0x80 >> (b % 8)))
            return 1;
    return 0;
}

/* Entirely inside RFC 1918 (or IPv6 unique local fc00::/7)? */
static int is_private_range(const skt_ip *ip)
{
    const uint8_t *a = ip->addr;
    unsigned prefix = ip->prefix;
    if (ip->v6)
        return prefix >= 7 && (a[0] & 0xFE) == 0xFC;
    if (prefix >= 8 && a[0] == 10)
        return 1;
    if (prefix >= 12 && a[0] == 172 && (a[1] & 0xF0) == 16)
        return 1;
    if (prefix >= 16 && a[0] == 192 && a[1] == 168)
        return 1;
    return 0;
}

static int valid_vpc_id(const char *s, size_t n, const char *prefix)
{
    size_t pl = strlen(prefix);
    if (n <= pl || memcmp(s, prefix, pl) != 0)
        return 0;
    size_t rest = n - pl;
    if (rest != 8 && rest != 17)
        return 0;
    for (size_t i = pl; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
            return 0;
    return 1;
}

static const char *family_name(skt_cond_family f)
{
    switch (f) {
    case SKT_FAM_STRING: return "String";
    case SKT_FAM_NUMERIC: return "Numeric";
    case SKT_FAM_DATE: return "Date";
    case SKT_FAM_BOOL: return "Bool";
    case SKT_FAM_BINARY: return "Binary";
    case SKT_FAM_IP: return "IpAddress";
    case SKT_FAM_ARN: return "Arn";
    case SKT_FAM_NULL: return "Null";
    }
    return "?";
}

static void check_condition_key_data(lint *l, const stmt *st, const seckit_json *k,
                                     const parsed_op *po)
{
    const char *key = k->key;
    size_t kl = k->key_len;
    const char *colon = memchr(key, ':', kl);
    size_t pl = (size_t)(colon - key);
    int is_global = ci_eq(key, pl, "aws");
    if (ci_eq(key, kl, "aws:ARN")) {
        skt_lint_add(
            l, CK_UNSUPPORTED_GLOBAL_CONDITION_KEY, st, k, 1,
            "aws:ARN is not supported; use aws:PrincipalArn (who calls) or aws:SourceArn (on whose behalf a service calls)");
        return;
    }
    /* tag keys that some services of the statement never set */
    if (l->data != NULL && (st->allow || st->deny)) {
        unsigned need = 0;
        if (ci_prefix(key, kl, "aws:ResourceTag/"))
            need = SKT_TAG_RESOURCE;
        else if (ci_prefix(key, kl, "aws:RequestTag/"))
            need = SKT_TAG_REQUEST;
        else if (ci_eq(key, kl, "aws:TagKeys"))
            need = SKT_TAG_KEYS;
        if (need != 0 && st->notaction != NULL && !po->if_exists) {
            skt_lint_add(
                l,
                st->allow ? CK_ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE
                          : CK_DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
                st, k, 1,
                "NotAction covers services that never set '%s', so for their actions this statement %s",
                key, st->allow ? "allows nothing" : "denies nothing");
        } else if (need != 0 && st->action != NULL && !po->if_exists) {
            char list[300];
            size_t ll = 0, count = 0;
            list[0] = '\0';
            FOR_VALUES(v, st->action)
            {
                if (!is_str(v))
                    continue;
                const char *c = memchr(v->str, ':', v->len);
                if (c == NULL || has_wild(v->str, (size_t)(c - v->str)))
                    continue;
                const skt_iam_service *sv =
                    skt_iam_service_find(l->data, v->str, (size_t)(c - v->str));
                if (sv == NULL || (sv->tags & need))
                    continue;
                int dup = 0; /* list each service once */
                FOR_VALUES(w, st->action)
                {
                    if (w == v)
                        break;
                    if (is_str(w) && w->len > (size_t)(c - v->str) &&
                        strncasecmp(w->str, v->str, (size_t)(c - v->str) + 1) == 0)
                        dup = 1;
                }
                if (dup)
                    continue;
                count++;
                if (ll + (size_t)(c - v->str) + 3 < sizeof(list))
                    ll += (size_t)snprintf(list + ll, sizeof(list) - ll, "%s%.*s", ll ? ", " : "",
                                           (int)(c - v->str), v->str);
            }
            if (count > 0)
                skt_lint_add(l,
                             st->allow ? CK_ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE
                                       : CK_DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
                             st, k, 1, "%s never set%s '%s', so %s", list, count == 1 ? "s" : "",
                             key,
                             st->allow ? "their actions are never allowed by this statement"
                                       : "their actions are not denied by this statement");
        }
    }
    /* keys that are absent when a service principal calls */
    if (st->principal != NULL && st->principal->kind == SECKIT_JSON_OBJECT) {
        int only_services = 1;
        for (const seckit_json *p = st->principal->child; p != NULL; p = p->next)
            if (strcmp(p->key, "Service") != 0)
                only_services = 0;
        static const char *const absent[] = {"aws:PrincipalOrgID",
                                             "aws:PrincipalOrgPaths",
                                             "aws:PrincipalAccount",
                                             "aws:SourceIp",
                                             "aws:SourceVpc",
                                             "aws:SourceVpce",
                                             "aws:VpcSourceIp",
                                             "aws:MultiFactorAuthPresent",
                                             "aws:MultiFactorAuthAge",
                                             "aws:userid",
                                             "aws:username"};
        int hit = ci_prefix(key, kl, "aws:PrincipalTag/");
        for (size_t i = 0; i < SKT_ARRAY_LEN(absent) && !hit; i++)
            hit = ci_eq(key, kl, absent[i]);
        if (only_services && hit && !po->if_exists && po->op->family != SKT_FAM_NULL)
            skt_lint_add(
                l, CK_UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL, st, k, 1,
                "'%s' is not set when a service principal makes the request; use aws:SourceArn, aws:SourceAccount or aws:SourceOrgID",
                key);
    }
    /* tag-family keys need their /tag-key part */
    if (l->data != NULL && kl > 3 && strncasecmp(key + kl - 3, "tag", 3) == 0) {
        char tmp[256];
        if (kl + 3 < sizeof(tmp)) {
            memcpy(tmp, key, kl);
            memcpy(tmp + kl, "/*", 3);
            if (skt_iam_key_find(l->data, key, kl) == NULL &&
                skt_iam_key_find(l->data, tmp, kl + 2) != NULL) {
                skt_lint_add(l, CK_MISSING_TAG_KEY_IN_CONDITION, st, k, 1,
                             "'%s' needs the tag key: write %s/TAGKEY", key, key);
                return;
            }
        }
    }
    if (l->data == NULL)
        return;
    const skt_iam_key *info = skt_iam_key_find(l->data, key, kl);
    if (info == NULL) {
        if (is_global && ci_eq(key, kl, "aws:PrincipalOrgMasterAccountId")) {
            /* set by AWS Organizations, used by AWS managed policies */
        } else if (is_global) {
            skt_lint_add(l, CK_INVALID_GLOBAL_CONDITION_KEY, st, k, 1,
                         "'%s' is not a global condition key", key);
        } else if (memchr(key, '.', pl) == NULL && !ci_eq(key, pl, "saml")) {
            if (skt_iam_service_find(l->data, key, pl) == NULL)
                skt_lint_add(l, CK_INVALID_SERVICE, st, k, 1,
                             "no AWS service has the prefix '%.*s'", (int)pl, key);
            else
                skt_lint_add(l, CK_INVALID_SERVICE_CONDITION_KEY, st, k, 1,
                             "service %.*s has no condition key '%s'", (int)pl, key, key + pl + 1);
        }
        return;
    }
    const char *type = info->type;
    int multi = strncmp(type, "ArrayOf", 7) == 0;
    const char *base = multi ? type + 7 : type;
    skt_cond_family f = po->op->family;
    if (f != SKT_FAM_NULL) {
        int ok;
        if (strcmp(base, "String") == 0)
            ok = f == SKT_FAM_STRING || f == SKT_FAM_ARN; /* ARNs held in String keys */
        else if (strcmp(base, "ARN") == 0)
            ok = f == SKT_FAM_ARN || f == SKT_FAM_STRING;
        else if (strcmp(base, "Numeric") == 0)
            ok = f == SKT_FAM_NUMERIC;
        else if (strcmp(base, "Date") == 0)
            ok = f == SKT_FAM_DATE || (f == SKT_FAM_NUMERIC && ci_eq(key, kl, "aws:EpochTime"));
        else if (strcmp(base, "Bool") == 0)
            ok = f == SKT_FAM_BOOL;
        else if (strcmp(base, "IPAddress") == 0)
            ok = f == SKT_FAM_IP;
        else
            ok = 1;
        if (!ok)
            skt_lint_add(l, CK_TYPE_MISMATCH, st, k, 1, "%s operators do not fit '%s', a %s key",
                         family_name(f), key, type);
        else if (strcmp(base, "ARN") == 0 && f == SKT_FAM_STRING)
            skt_lint_add(
                l, CK_STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS, st, k, 1,
                "'%s' is an ARN key: compare it with ArnEquals/ArnLike, which match each ARN field separately",
                key);
        if (multi && po->set == SKT_SET_NONE)
            skt_lint_add(
                l, CK_MISSING_QUALIFIER, st, k, 1,
                "'%s' can hold several values: say ForAllValues: or ForAnyValue: before %s", key,
                po->op->name);
        if (!multi && po->set == SKT_SET_FOR_ALL)
            skt_lint_add(
                l, CK_FORALLVALUES_WITH_SINGLE_VALUED_KEY, st, k, 1,
                "'%s' has one value: ForAllValues is also true when the key is absent; drop the ForAllValues: qualifier",
                key);
    }
    /* does every action of this service in the statement support the key?
     * (ec2:SourceInstanceARN is set on every request made from an instance
     * with its role's credentials, whatever the action) */
    if (!is_global && st->action != NULL && memchr(key, '.', pl) == NULL &&
        !ci_eq(key, kl, "ec2:SourceInstanceARN")) {
        char list[300];
        size_t ll = 0, count = 0, nsupported = 0;
        list[0] = '\0';
        char lkey[256];
        if (kl >= sizeof(lkey))
            return;
        for (size_t i = 0; i < kl; i++)
            lkey[i] = (char)((key[i] >= 'A' && key[i] <= 'Z') ? key[i] + 32 : key[i]);
        lkey[kl] = '\0';
        FOR_VALUES(v, st->action)
        {
            if (!is_str(v) || has_wild(v->str, v->len) || v->len <= pl ||
                strncasecmp(v->str, key, pl + 1) != 0)
                continue;
            const skt_iam_action *a = skt_iam_action_find(l->data, v->str, v->len);
            if (a == NULL)
                continue;
            int supported = 0;
            /* action keys (already include its resource types' keys) */
            for (const char *p = a->keys; *p && !supported;) {
                const char *e = strchr(p, ',');
                size_t el = e ? (size_t)(e - p) : strlen(p);
                if (skt_glob_match(p, el, lkey, kl, 1))
                    supported = 1;
                p += el + (e ? 1 : 0);
                if (!e)
                    break;
            }
            /* keys of the resource types the action works on */
            for (const char *p = a->resources; *p && !supported;) {
                const char *e = strchr(p, ',');
                size_t el = e ? (size_t)(e - p) : strlen(p);
                size_t nl = el && p[el - 1] == '*' ? el - 1 : el;
                char rn[160];
                if (pl + 1 + nl < sizeof(rn)) {
                    memcpy(rn, key, pl + 1);
                    memcpy(rn + pl + 1, p, nl);
                    const skt_iam_rtype *rt = skt_iam_rtype_find(l->data, rn, pl + 1 + nl);
                    if (rt != NULL && rt->keys != NULL) {
                        for (const char *q = rt->keys; *q;) {
                            const char *qe = strchr(q, ',');
                            size_t ql = qe ? (size_t)(qe - q) : strlen(q);
                            if (skt_glob_match(q, ql, lkey, kl, 1)) {
                                supported = 1;
                                break;
                            }
                            q += ql + (qe ? 1 : 0);
                            if (!qe)
                                break;
                        }
                    }
                }
                p += el + (e ? 1 : 0);
                if (!e)
                    break;
            }
            if (supported) {
                nsupported++;
            } else {
                count++;
                if (ll + v->len + 3 < sizeof(list) - 4) {
                    ll += (size_t)snprintf(list + ll, sizeof(list) - ll, "%s%.*s", ll ? ", " : "",
                                           (int)v->len, v->str);
                }
            }
        }
        /* reported only when no action of the statement takes the key: the
         * service reference misses keys often enough that a partial
         * mismatch is more likely a gap in the data than in the policy */
        if (count > 0 && nsupported == 0)
            skt_lint_add(l, CK_UNSUPPORTED_ACTION_FOR_CONDITION_KEY, st, k, 1,
                         "'%s' is not set for %s, so the condition %s for %s", key, list,
                         st->allow ? "never matches" : "does not restrict",
                         count == 1 ? "it" : "them");
    }
}

void skt_lint_check_condition(lint *l, const stmt *st, const seckit_json *c)
{
    if (c->kind != SECKIT_JSON_OBJECT) {
        skt_lint_add(l, CK_DATA_TYPE_MISMATCH, st, c, 0,
                     "Condition must be an object of operators");
        return;
    }
    if (c->count == 0) {
        skt_lint_add(l, CK_EMPTY_OBJECT_CONDITION, st, c, 0,
                     "Condition is an empty object; remove it");
        return;
    }
    for (const seckit_json *o = c->child; o != NULL; o = o->next) {
        if (o->duplicate_key)
            skt_lint_add(l, CK_DUPLICATE_JSON_KEY, st, o, 1,
                         "operator '%s' appears twice in Condition; only one survives parsing",
                         o->key);
        parsed_op po;
        if (skt_cond_op_parse(o->key, o->key_len, &po.id, &po.set, &po.if_exists) != 0) {
            skt_lint_add(l, CK_INVALID_CONDITION_OPERATOR, st, o, 1,
                         "'%s' is not a condition operator", o->key);
            continue;
        }
        if (po.id == SKT_OP_NULL && po.if_exists) { /* the compiler refuses it */
            skt_lint_add(l, CK_NULL_WITH_IF_EXISTS, st, o, 1,
                         "Null cannot take IfExists: Null itself tests whether the key exists");
            continue;
        }
        po.op = skt_cond_op_info(po.id);
        if (po.op->family == SKT_FAM_NULL && po.set != SKT_SET_NONE)
            skt_lint_add(l, CK_NULL_WITH_QUALIFIER, st, o, 1,
                         "Null with %s: Null only tests whether the key exists",
                         po.set == SKT_SET_FOR_ALL ? "ForAllValues" : "ForAnyValue");
        if (o->kind != SECKIT_JSON_OBJECT) {
            skt_lint_add(l, CK_DATA_TYPE_MISMATCH, st, o, 0,
                         "operator '%s' needs an object of condition keys", o->key);
            continue;
        }
        for (const seckit_json *k = o->child; k != NULL; k = k->next) {
            if (k->duplicate_key) {
                skt_lint_add(l, CK_DUPLICATE_JSON_KEY, st, k, 1,
                             "condition key '%s' appears twice under %s", k->key, o->key);
            } else {
                for (const seckit_json *k2 = o->child; k2 != k; k2 = k2->next)
                    if (k2->key_len == k->key_len &&
                        strncasecmp(k2->key, k->key, k->key_len) == 0) {
                        skt_lint_add(
                            l, CK_DUPLICATE_KEYS_WITH_DIFFERENT_CASE, st, k, 1,
                            "condition keys '%s' and '%s' differ only in case; keys are case-insensitive, merge them",
                            k2->key, k->key);
                        break;
                    }
            }
            const char *colon = memchr(k->key, ':', k->key_len);
            if (colon == NULL || colon == k->key || colon == k->key + k->key_len - 1) {
                skt_lint_add(l, CK_INVALID_CONDITION_KEY_FORMAT, st, k, 1,
                             "'%s' is not a condition key (prefix:name)", k->key);
                continue;
            }
            /* value shape */
            if (k->kind == SECKIT_JSON_OBJECT || k->kind == SECKIT_JSON_NULL) {
                skt_lint_add(
                    l, CK_DATA_TYPE_MISMATCH, st, k, 0,
                    "values of '%s' must be strings, numbers, booleans or an array of them",
                    k->key);
                continue;
            }
            if (k->kind == SECKIT_JSON_ARRAY) {
                if (k->count == 0) {
                    if (po.set == SKT_SET_FOR_ALL)
                        skt_lint_add(l, CK_EMPTY_ARRAY_CONDITION_FORALLVALUES, st, k, 1,
                                     "ForAllValues with no values is true only when '%s' is absent",
                                     k->key);
                    else if (po.set == SKT_SET_FOR_ANY)
                        skt_lint_add(l, CK_EMPTY_ARRAY_CONDITION_FORANYVALUE, st, k, 1,
                                     "ForAnyValue with no values never matches ('%s')", k->key);
                    else if (po.if_exists)
                        skt_lint_add(
                            l, CK_EMPTY_ARRAY_CONDITION_IFEXISTS, st, k, 1,
                            "IfExists with no values: the condition is true only when '%s' is absent",
                            k->key);
                    else
                        skt_lint_add(l, CK_EMPTY_ARRAY_CONDITION, st, k, 1,
                                     "'%s' has no values; the condition never matches", k->key);
                    continue;
                }
                int bad = 0;
                seckit_json_kind first = k->child->kind;
                if (first == SECKIT_JSON_FALSE)
                    first = SECKIT_JSON_TRUE;
                for (const seckit_json *v = k->child; v != NULL; v = v->next) {
                    seckit_json_kind vk = v->kind == SECKIT_JSON_FALSE ? SECKIT_JSON_TRUE : v->kind;
                    if (v->kind == SECKIT_JSON_OBJECT || v->kind == SECKIT_JSON_ARRAY ||
                        v->kind == SECKIT_JSON_NULL) {
                        skt_lint_add(l, CK_DATA_TYPE_MISMATCH, st, v, 0,
                                     "condition values must be strings, numbers or booleans");
                        bad = 1;
                    } else if (vk != first && !bad) {
                        skt_lint_add(l, CK_INVALID_CONDITION_DATA_TYPE, st, k, 1,
                                     "values of '%s' mix JSON types; use one type", k->key);
                        bad = 1;
                    }
                }
                if (bad)
                    continue;
            }
            check_condition_key_data(l, st, k, &po);
            /* values by operator family */
            skt_cond_family f = po.op->family;
            size_t nvalues = k->kind == SECKIT_JSON_ARRAY ? k->count : 1;
            size_t privates = 0, publics = 0;
            int saw_true = 0, saw_false = 0;
            FOR_VALUES(v, k)
            {
                const char *s = v->str;
                size_t n = v->len;
                int vstr = v->kind == SECKIT_JSON_STRING;
                if (vstr && has_var(s, n)) {
                    skt_lint_check_variables(l, st, v, 1, "Condition");
                    if (!po.op->variables) { /* skt_op_info: String and Arn operators */
                        size_t before = l->n;
                        const char *var = strstr(s, "${");
                        skt_lint_add(
                            l, CK_INVALID_VARIABLE_FOR_OPERATOR, st, v, 0,
                            "policy variables are expanded only with String and Arn operators, not %s",
                            po.op->name);
                        if (var != NULL) {
                            const char *close = strchr(var, '}');
                            size_t at = (size_t)(var - s);
                            skt_lint_at_variable(l, before, v, at,
                                                 close != NULL ? (size_t)(close - var) + 1
                                                               : n - at);
                        }
                    }
                    continue;
                }
                /* the value typed as the compiler types it (policy/condition.c):
                 * its text as skt_cond_value_text reads the JSON value, parsed
                 * by skt_cond_value_parse */
                skt_cond_value cv;
                const char *t = NULL;
                size_t tn = 0;
                int fits = skt_cond_value_text(f, v, &t, &tn) == 0;
                switch (f) {
                case SKT_FAM_BOOL:
                case SKT_FAM_NULL: {
                    if (!fits || skt_cond_value_parse(f, t, tn, NULL, &cv) != 0)
                        skt_lint_add(l, CK_TYPE_MISMATCH_BOOLEAN, st, v, 0,
                                     "%s takes true or false, not '%.*s'", po.op->name, SHOWN(v));
                    else if (cv.boolean)
                        saw_true = 1;
                    else
                        saw_false = 1;
                    break;
                }
                case SKT_FAM_NUMERIC:
                    /* a JSON number by its text, as the compiler reads it */
                    if (!(fits && skt_cond_value_parse(f, t, tn, NULL, &cv) == 0))
                        skt_lint_add(l, CK_TYPE_MISMATCH_NUMBER, st, v, 0,
                                     "%s takes numbers, not '%.*s'", po.op->name, SHOWN(v));
                    break;
                case SKT_FAM_DATE: {
                    /* a JSON number by its text too: epoch seconds are digits */
                    char why[80];
                    int rc = fits ? skt_date_check(t, tn, &cv.time_ms, why, sizeof(why)) : -1;
                    if (rc == -1)
                        skt_lint_add(
                            l, CK_TYPE_MISMATCH_DATE, st, v, 0,
                            "'%.*s' is not a date: %s takes ISO 8601 dates (for example 2026-01-31T12:00:00Z) or epoch seconds",
                            SHOWN(v), po.op->name);
                    else if (rc != 0)
                        skt_lint_add(l, CK_TYPE_MISMATCH_DATE, st, v, 0,
                                     "'%.*s' is not a date that exists: %s",
                                     (int)(tn > 100 ? 100 : tn), t, why);
                    break;
                }
                case SKT_FAM_BINARY:
                    if (!(fits && skt_cond_value_parse(f, t, tn, NULL, &cv) == 0))
                        skt_lint_add(l, CK_TYPE_MISMATCH_STRING, st, v, 0,
                                     "BinaryEquals takes base64-encoded values, not '%.*s'",
                                     SHOWN(v));
                    break;
                case SKT_FAM_IP: {
                    if (!fits || skt_cond_value_parse(f, t, tn, NULL, &cv) != 0) {
                        skt_lint_add(
                            l, CK_TYPE_MISMATCH_IP_RANGE, st, v, 0,
                            "'%.*s' is not an IP address or CIDR range, which %s takes (for example 203.0.113.0/24)",
                            SHOWN(v), po.op->name);
                        break;
                    }
                    if (host_bits_set(&cv.ip))
                        skt_lint_add(l, CK_IMPROVE_IP_RANGE, st, v, 0,
                                     "'%.*s' has bits set past the /%u mask", (int)n, s,
                                     cv.ip.prefix);
                    if (is_private_range(&cv.ip))
                        privates++;
                    else
                        publics++;
                    break;
                }
                case SKT_FAM_STRING:
                    if (vstr && po.id != SKT_OP_STRING_LIKE && po.id != SKT_OP_STRING_NOT_LIKE &&
                        has_wild(s, n))
                        skt_lint_add(
                            l, CK_WILDCARD_WITHOUT_LIKE_OPERATOR, st, v, 0,
                            "'%.*s' has a wildcard, but %s compares literally; use StringLike",
                            (int)(n > 200 ? 200 : n), s, po.op->name);
                    break;
                case SKT_FAM_ARN: break;
                }
                if (vstr && (ci_eq(k->key, k->key_len, "aws:RequestedRegion")) && !has_wild(s, n) &&
                    !skt_lint_looks_like_region(s, n))
                    skt_lint_add(l, CK_INVALID_REGION, st, v, 0, "'%.*s' is not a region", (int)n,
                                 s);
                if (vstr && ci_eq(k->key, k->key_len, "aws:SourceVpc") && !has_wild(s, n) &&
                    !valid_vpc_id(s, n, "vpc-"))
                    skt_lint_add(l, CK_INVALID_VPC_FORMAT, st, v, 0,
                                 "'%.*s' is not a VPC id (vpc- and 8 or 17 characters)", (int)n, s);
                if (vstr && ci_eq(k->key, k->key_len, "aws:SourceVpce") && !has_wild(s, n) &&
                    !valid_vpc_id(s, n, "vpce-"))
                    skt_lint_add(l, CK_INVALID_VPCE_FORMAT, st, v, 0,
                                 "'%.*s' is not a VPC endpoint id (vpce- and 8 or 17 characters)",
                                 (int)n, s);
            }
            if (f == SKT_FAM_BOOL && nvalues > 1 && saw_true && saw_false)
                skt_lint_add(
                    l, CK_INVALID_CONDITION_MULTIPLE_BOOLEAN, st, k, 1,
                    "'%s' is given both true and false, so the condition always matches when the key exists",
                    k->key);
            if (f == SKT_FAM_NUMERIC && op_orders(po.id) && nvalues > 1)
                skt_lint_add(l, CK_REDUNDANT_CONDITION_VALUE_NUM, st, k, 1,
                             "%s with several values: only the %s one matters", po.op->name,
                             strstr(po.op->name, "Less") ? "largest" : "smallest");
            if (f == SKT_FAM_IP && ci_eq(k->key, k->key_len, "aws:SourceIp") && privates > 0) {
                int neg = po.op->negated;
                if (publics == 0)
                    skt_lint_add(
                        l, neg ? CK_PRIVATE_NOT_IP_ADDRESS : CK_PRIVATE_IP_ADDRESS, st, k, 1,
                        "aws:SourceIp is never a private address (requests through VPC endpoints carry aws:VpcSourceIp), so %s",
                        neg ? "NotIpAddress with only private ranges has no effect"
                            : "this IpAddress condition never matches");
                else
                    skt_lint_add(
                        l, neg ? CK_PRIVATE_NOT_IP_ADDRESS_SUBSET : CK_PRIVATE_IP_ADDRESS_SUBSET,
                        st, k, 1,
                        "aws:SourceIp is never a private address; the private ranges here have no effect (use aws:VpcSourceIp)");
            }
            if (f == SKT_FAM_BOOL && ci_eq(k->key, k->key_len, "aws:MultiFactorAuthPresent") &&
                saw_false && !po.if_exists)
                skt_lint_add(
                    l, CK_BAD_PATTERN_FOR_MFA, st, k, 1,
                    "aws:MultiFactorAuthPresent is absent (not false) for long-term access keys, so Bool false does not match them; use BoolIfExists");
        }
    }
}

/* Is there a condition key (case-insensitive) in the statement? */
const seckit_json *skt_lint_cond_key(const stmt *st, const char *key)
{
    if (st->condition == NULL || st->condition->kind != SECKIT_JSON_OBJECT)
        return NULL;
    for (const seckit_json *o = st->condition->child; o != NULL; o = o->next) {
        if (o->kind != SECKIT_JSON_OBJECT)
            continue;
        for (const seckit_json *k = o->child; k != NULL; k = k->next)
            if (ci_eq(k->key, k->key_len, key))
                return k;
    }
    return NULL;
}

/* Any condition key starting with prefix (case-insensitive)? */
const seckit_json *skt_lint_cond_key_prefix(const stmt *st, const char *prefix, size_t pl)
{
    if (st->condition == NULL || st->condition->kind != SECKIT_JSON_OBJECT)
        return NULL;
    for (const seckit_json *o = st->condition->child; o != NULL; o = o->next) {
        if (o->kind != SECKIT_JSON_OBJECT)
            continue;
        for (const seckit_json *k = o->child; k != NULL; k = k->next)
            if (k->key_len >= pl && strncasecmp(k->key, prefix, pl) == 0)
                return k;
    }
    return NULL;
}
