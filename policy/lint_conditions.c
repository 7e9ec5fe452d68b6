/* policy/: the linter's condition checks: operators, keys against the global
 * and service condition keys, and values (numbers, dates, IPs and CIDRs,
 * ARNs, booleans, base64) for the operator's family.  They read the
 * statement's conditions as the lint mode of the compiler made them
 * (skt_policy_compile_lint: operators parsed, values typed, bad parts
 * recorded, each linked to its JSON node), not the Condition object. */
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

/* ------------------------------------------------------------------ */
/* a condition's key against the service data and the statement (the
 * checks read the conditions the lint mode of the compiler made,
 * skt_policy_compile_lint: cd one of them, op its operator) */

/* Tag keys that some services of the statement never set. */
static void check_tag_key_services(lint *l, const stmt *st, const skt_condition *cd)
{
    const char *key = cd->key;
    size_t kl = cd->key_len;
    unsigned need = 0;
    if (ci_prefix(key, kl, "aws:ResourceTag/"))
        need = SKT_TAG_RESOURCE;
    else if (ci_prefix(key, kl, "aws:RequestTag/"))
        need = SKT_TAG_REQUEST;
    else if (ci_eq(key, kl, "aws:TagKeys"))
        need = SKT_TAG_KEYS;
    if (need == 0 || cd->if_exists)
        return;
    if (st->notaction != NULL) {
        skt_lint_add(
            l,
            st->allow ? CK_ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE
                      : CK_DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
            st, cd->node, 1,
            "NotAction covers services that never set '%s', so for their actions this statement %s",
            key, st->allow ? "allows nothing" : "denies nothing");
        return;
    }
    if (st->action == NULL)
        return;
    /* the Action entries as the lint-mode compile split them (Action's,
     * since there is no NotAction) */
    const skt_statement *ms = st->m;
    char list[300];
    size_t ll = 0, count = 0;
    list[0] = '\0';
    for (size_t i = 0; i < ms->nactions; i++) {
        const skt_action_pat *p = &ms->actions[i];
        if (p->service == NULL || p->service_wild)
            continue;
        size_t sl = p->service_len;
        const skt_iam_service *sv = skt_iam_service_find(l->data, p->service, sl);
        if (sv == NULL || (sv->tags & need))
            continue;
        int dup = 0; /* list each service once */
        for (size_t j = 0; j < i && !dup; j++) {
            const skt_action_pat *w = &ms->actions[j];
            dup = w->service != NULL && !w->all && w->service_len == sl &&
                  strncasecmp(w->service, p->service, sl) == 0;
        }
        if (dup)
            continue;
        count++;
        if (ll + sl + 3 < sizeof(list))
            ll += (size_t)snprintf(list + ll, sizeof(list) - ll, "%s%.*s", ll ? ", " : "", (int)sl,
                                   p->service);
    }
    if (count > 0)
        skt_lint_add(l,
                     st->allow ? CK_ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE
                               : CK_DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
                     st, cd->node, 1, "%s never set%s '%s', so %s", list, count == 1 ? "s" : "",
                     key,
                     st->allow ? "their actions are never allowed by this statement"
                               : "their actions are not denied by this statement");
}

/* Keys that are absent when a service principal calls. */
static void check_service_principal_key(lint *l, const stmt *st, const skt_condition *cd,
                                        const skt_op_info *op)
{
    /* Principal an object whose members (if any) are all Service */
    unsigned members = st->m->principal_members;
    if (!(members & SKT_PMEMBERS_OBJECT))
        return;
    const char *key = cd->key;
    size_t kl = cd->key_len;
    int only_services = (members & ~(SKT_PMEMBERS_OBJECT | 1u << SKT_PTYPE_SERVICE)) == 0;
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
    if (only_services && hit && !cd->if_exists && op->family != SKT_FAM_NULL)
        skt_lint_add(
            l, CK_UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL, st, cd->node, 1,
            "'%s' is not set when a service principal makes the request; use aws:SourceArn, aws:SourceAccount or aws:SourceOrgID",
            key);
}

/* Is the key in the service data (the lint-mode compile looked it up:
 * skt_condition.key_known and key_type)?  0 when there is no data or no
 * entry (reported: a tag-family key without its /tag-key part, a key that
 * is not a global one or no service's). */
static int known_key(lint *l, const stmt *st, const skt_condition *cd)
{
    if (l->data == NULL)
        return 0;
    const char *key = cd->key;
    size_t kl = cd->key_len;
    int info = cd->key_known;
    /* tag-family keys need their /tag-key part */
    if (!info && kl > 3 && strncasecmp(key + kl - 3, "tag", 3) == 0) {
        char tmp[256];
        if (kl + 3 < sizeof(tmp)) {
            memcpy(tmp, key, kl);
            memcpy(tmp + kl, "/*", 3);
            if (skt_iam_key_find(l->data, tmp, kl + 2) != NULL) {
                skt_lint_add(l, CK_MISSING_TAG_KEY_IN_CONDITION, st, cd->node, 1,
                             "'%s' needs the tag key: write %s/TAGKEY", key, key);
                return 0;
            }
        }
    }
    if (info)
        return 1;
    size_t pl = (size_t)((const char *)memchr(key, ':', kl) - key);
    int is_global = ci_eq(key, pl, "aws");
    if (is_global && ci_eq(key, kl, "aws:PrincipalOrgMasterAccountId")) {
        /* set by AWS Organizations, used by AWS managed policies */
    } else if (is_global) {
        skt_lint_add(l, CK_INVALID_GLOBAL_CONDITION_KEY, st, cd->node, 1,
                     "'%s' is not a global condition key", key);
    } else if (memchr(key, '.', pl) == NULL && !ci_eq(key, pl, "saml")) {
        if (skt_iam_service_find(l->data, key, pl) == NULL)
            skt_lint_add(l, CK_INVALID_SERVICE, st, cd->node, 1,
                         "no AWS service has the prefix '%.*s'", (int)pl, key);
        else
            skt_lint_add(l, CK_INVALID_SERVICE_CONDITION_KEY, st, cd->node, 1,
                         "service %.*s has no condition key '%s'", (int)pl, key, key + pl + 1);
    }
    return 0;
}

/* The service data's name of a key type (cd->key_type) that the checks
 * below print: "String", "ArrayOfARN", ... */
static const char *key_type_name(unsigned t, char *buf, size_t cap)
{
    static const char *const names[] = {"String", "Numeric",   "Date",  "Bool",
                                        "ARN",    "IPAddress", "Binary"};
    unsigned base = t & ~(unsigned)SKT_KEY_ARRAY;
    const char *n = base < SKT_ARRAY_LEN(names) ? names[base] : "?";
    snprintf(buf, cap, "%s%s", t & SKT_KEY_ARRAY ? "ArrayOf" : "", n);
    return buf;
}

/* The operator's family against the key's type (cd->key_type, from the
 * lint-mode compile), and the set qualifier against a key with one value
 * or several. */
static void check_key_type(lint *l, const stmt *st, const skt_condition *cd, const skt_op_info *op)
{
    skt_cond_family f = op->family;
    if (f == SKT_FAM_NULL)
        return;
    const char *key = cd->key;
    int multi = (cd->key_type & SKT_KEY_ARRAY) != 0;
    unsigned base = cd->key_type & ~(unsigned)SKT_KEY_ARRAY;
    int ok;
    if (base == SKT_KEY_STRING)
        ok = f == SKT_FAM_STRING || f == SKT_FAM_ARN; /* ARNs held in String keys */
    else if (base == SKT_KEY_ARN)
        ok = f == SKT_FAM_ARN || f == SKT_FAM_STRING;
    else if (base == SKT_KEY_NUMERIC)
        ok = f == SKT_FAM_NUMERIC;
    else if (base == SKT_KEY_DATE)
        ok = f == SKT_FAM_DATE ||
             (f == SKT_FAM_NUMERIC && ci_eq(key, cd->key_len, "aws:EpochTime"));
    else if (base == SKT_KEY_BOOL)
        ok = f == SKT_FAM_BOOL;
    else if (base == SKT_KEY_IP)
        ok = f == SKT_FAM_IP;
    else
        ok = 1;
    char type[32];
    if (!ok)
        skt_lint_add(l, CK_TYPE_MISMATCH, st, cd->node, 1, "%s operators do not fit '%s', a %s key",
                     family_name(f), key, key_type_name(cd->key_type, type, sizeof(type)));
    else if (base == SKT_KEY_ARN && f == SKT_FAM_STRING)
        skt_lint_add(
            l, CK_STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS, st, cd->node, 1,
            "'%s' is an ARN key: compare it with ArnEquals/ArnLike, which match each ARN field separately",
            key);
    if (multi && cd->set == SKT_SET_NONE)
        skt_lint_add(l, CK_MISSING_QUALIFIER, st, cd->node, 1,
                     "'%s' can hold several values: say ForAllValues: or ForAnyValue: before %s",
                     key, op->name);
    if (!multi && cd->set == SKT_SET_FOR_ALL)
        skt_lint_add(
            l, CK_FORALLVALUES_WITH_SINGLE_VALUED_KEY, st, cd->node, 1,
            "'%s' has one value: ForAllValues is also true when the key is absent; drop the ForAllValues: qualifier",
            key);
}

/* Is one of the comma-separated patterns of list (glob, case-insensitive)
 * the key lkey[0..kl) (lowercase, kl > 0)? */
static int list_has_key(const char *list, const char *lkey, size_t kl)
{
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t el = e ? (size_t)(e - p) : strlen(p);
        /* a pattern that ends in a character (not a wildcard) matches only
         * keys that end in it: most are ruled out without a match */
        char last = el ? p[el - 1] : '\0';
        if (last >= 'A' && last <= 'Z')
            last = (char)(last + 32);
        if ((last == '*' || last == '?' || last == lkey[kl - 1]) &&
            skt_glob_match(p, el, lkey, kl, 1))
            return 1;
        if (!e)
            break;
        p += el + 1;
    }
    return 0;
}

/* Does action a take the key (lowercased: lkey[0..kl), its service prefix
 * pl characters), itself or through a resource type it works on? */
static int action_takes_key(lint *l, const skt_iam_action *a, const char *key, size_t pl,
                            const char *lkey, size_t kl)
{
    /* action keys (already include its resource types' keys) */
    if (list_has_key(a->keys, lkey, kl))
        return 1;
    /* keys of the resource types the action works on */
    for (const char *p = a->resources; *p;) {
        const char *e = strchr(p, ',');
        size_t el = e ? (size_t)(e - p) : strlen(p);
        size_t nl = el && p[el - 1] == '*' ? el - 1 : el;
        char rn[160];
        if (pl + 1 + nl < sizeof(rn)) {
            memcpy(rn, key, pl + 1);
            memcpy(rn + pl + 1, p, nl);
            const skt_iam_rtype *rt = skt_iam_rtype_find(l->data, rn, pl + 1 + nl);
            if (rt != NULL && rt->keys != NULL && list_has_key(rt->keys, lkey, kl))
                return 1;
        }
        if (!e)
            break;
        p += el + 1;
    }
    return 0;
}

/* Does every action of this service in the statement support the key?
 * (ec2:SourceInstanceARN is set on every request made from an instance
 * with its role's credentials, whatever the action) */
static void check_key_actions(lint *l, const stmt *st, const skt_condition *cd)
{
    const char *key = cd->key;
    size_t kl = cd->key_len;
    size_t pl = (size_t)((const char *)memchr(key, ':', kl) - key);
    if (ci_eq(key, pl, "aws") || st->action == NULL || memchr(key, '.', pl) != NULL ||
        ci_eq(key, kl, "ec2:SourceInstanceARN"))
        return;
    char list[300];
    size_t ll = 0, count = 0, nsupported = 0;
    list[0] = '\0';
    char lkey[256];
    if (kl >= sizeof(lkey))
        return;
    for (size_t i = 0; i < kl; i++)
        lkey[i] = (char)((key[i] >= 'A' && key[i] <= 'Z') ? key[i] + 32 : key[i]);
    lkey[kl] = '\0';
    /* the Action entries as the lint-mode compile split them, in place */
    const skt_statement *ms = st->m;
    for (size_t i = 0; i < ms->nactions; i++) {
        const skt_action_pat *p = &ms->actions[i];
        size_t len;
        const char *text = action_entry_text(p, &len);
        if (text == NULL || p->service_len != pl || strncasecmp(text, key, pl) != 0 ||
            has_wild(text, len))
            continue;
        const skt_iam_action *a = skt_iam_action_find(l->data, text, len);
        if (a == NULL)
            continue;
        if (action_takes_key(l, a, key, pl, lkey, kl)) {
            nsupported++;
        } else {
            count++;
            if (ll + len + 3 < sizeof(list) - 4) {
                ll += (size_t)snprintf(list + ll, sizeof(list) - ll, "%s%.*s", ll ? ", " : "",
                                       (int)len, text);
            }
        }
    }
    /* reported only when no action of the statement takes the key: the
     * service reference misses keys often enough that a partial mismatch
     * is more likely a gap in the data than in the policy */
    if (count > 0 && nsupported == 0)
        skt_lint_add(l, CK_UNSUPPORTED_ACTION_FOR_CONDITION_KEY, st, cd->node, 1,
                     "'%s' is not set for %s, so the condition %s for %s", key, list,
                     st->allow ? "never matches" : "does not restrict", count == 1 ? "it" : "them");
}

static void check_key_data(lint *l, const stmt *st, const skt_condition *cd, const skt_op_info *op)
{
    if (ci_eq(cd->key, cd->key_len, "aws:ARN")) {
        skt_lint_add(
            l, CK_UNSUPPORTED_GLOBAL_CONDITION_KEY, st, cd->node, 1,
            "aws:ARN is not supported; use aws:PrincipalArn (who calls) or aws:SourceArn (on whose behalf a service calls)");
        return;
    }
    if (l->data != NULL && (st->allow || st->deny))
        check_tag_key_services(l, st, cd);
    check_service_principal_key(l, st, cd, op);
    if (!known_key(l, st, cd))
        return;
    check_key_type(l, st, cd, op);
    check_key_actions(l, st, cd);
}

/* ------------------------------------------------------------------ */
/* operators, keys and values */

/* The operator of the conditions that follow (cd the first of them): 0
 * when their keys are not to be checked. */
static int check_operator(lint *l, const stmt *st, const skt_condition *cd)
{
    const seckit_json *o = cd->op_node;
    if (o->duplicate_key)
        skt_lint_add(l, CK_DUPLICATE_JSON_KEY, st, o, 1,
                     "operator '%s' appears twice in Condition; only one survives parsing", o->key);
    if (cd->problems & SKT_CP_OPERATOR) {
        skt_lint_add(l, CK_INVALID_CONDITION_OPERATOR, st, o, 1, "'%s' is not a condition operator",
                     o->key);
        return 0;
    }
    if (cd->problems & SKT_CP_NULL_IF_EXISTS) { /* the compiler refuses it */
        skt_lint_add(l, CK_NULL_WITH_IF_EXISTS, st, o, 1,
                     "Null cannot take IfExists: Null itself tests whether the key exists");
        return 0;
    }
    if (skt_cond_op_info(cd->op)->family == SKT_FAM_NULL && cd->set != SKT_SET_NONE)
        skt_lint_add(l, CK_NULL_WITH_QUALIFIER, st, o, 1,
                     "Null with %s: Null only tests whether the key exists",
                     cd->set == SKT_SET_FOR_ALL ? "ForAllValues" : "ForAnyValue");
    if (cd->problems & SKT_CP_NOT_OBJECT) {
        skt_lint_add(l, CK_DATA_TYPE_MISMATCH, st, o, 0,
                     "operator '%s' needs an object of condition keys", o->key);
        return 0;
    }
    return 1;
}

/* A key written twice: as such, or in another case (first: the first
 * condition of its operator). */
static void check_key_repeat(lint *l, const stmt *st, const skt_condition *first,
                             const skt_condition *cd)
{
    const seckit_json *k = cd->node;
    if (k->duplicate_key) {
        skt_lint_add(l, CK_DUPLICATE_JSON_KEY, st, k, 1,
                     "condition key '%s' appears twice under %s", cd->key, cd->op_node->key);
        return;
    }
    for (const skt_condition *c2 = first; c2 != cd; c2++)
        if (c2->key_len == cd->key_len && strncasecmp(c2->key, cd->key, cd->key_len) == 0) {
            skt_lint_add(
                l, CK_DUPLICATE_KEYS_WITH_DIFFERENT_CASE, st, k, 1,
                "condition keys '%s' and '%s' differ only in case; keys are case-insensitive, merge them",
                c2->key, cd->key);
            return;
        }
}

/* The key's name and the shape of its values: 0 when they are not to be
 * checked further. */
static int check_key_shape(lint *l, const stmt *st, const skt_condition *cd)
{
    const seckit_json *k = cd->node;
    const char *colon = memchr(cd->key, ':', cd->key_len);
    if (colon == NULL || colon == cd->key || colon == cd->key + cd->key_len - 1) {
        skt_lint_add(l, CK_INVALID_CONDITION_KEY_FORMAT, st, k, 1,
                     "'%s' is not a condition key (prefix:name)", cd->key);
        return 0;
    }
    if (cd->problems & SKT_CP_VALUES_TYPE) {
        skt_lint_add(l, CK_DATA_TYPE_MISMATCH, st, k, 0,
                     "values of '%s' must be strings, numbers, booleans or an array of them",
                     cd->key);
        return 0;
    }
    if (cd->problems & SKT_CP_NO_VALUES) {
        if (cd->set == SKT_SET_FOR_ALL)
            skt_lint_add(l, CK_EMPTY_ARRAY_CONDITION_FORALLVALUES, st, k, 1,
                         "ForAllValues with no values is true only when '%s' is absent", cd->key);
        else if (cd->set == SKT_SET_FOR_ANY)
            skt_lint_add(l, CK_EMPTY_ARRAY_CONDITION_FORANYVALUE, st, k, 1,
                         "ForAnyValue with no values never matches ('%s')", cd->key);
        else if (cd->if_exists)
            skt_lint_add(l, CK_EMPTY_ARRAY_CONDITION_IFEXISTS, st, k, 1,
                         "IfExists with no values: the condition is true only when '%s' is absent",
                         cd->key);
        else
            skt_lint_add(l, CK_EMPTY_ARRAY_CONDITION, st, k, 1,
                         "'%s' has no values; the condition never matches", cd->key);
        return 0;
    }
    if (k->kind != SECKIT_JSON_ARRAY)
        return 1;
    /* the entries: values (not objects, arrays or null) of one JSON type */
    int bad = 0;
    seckit_json_kind first = cd->values[0].node->kind;
    if (first == SECKIT_JSON_FALSE)
        first = SECKIT_JSON_TRUE;
    for (size_t i = 0; i < cd->nvalues; i++) {
        const seckit_json *v = cd->values[i].node;
        seckit_json_kind vk = v->kind == SECKIT_JSON_FALSE ? SECKIT_JSON_TRUE : v->kind;
        if (cd->values[i].problem == SKT_VP_NOT_SCALAR) {
            skt_lint_add(l, CK_DATA_TYPE_MISMATCH, st, v, 0,
                         "condition values must be strings, numbers or booleans");
            bad = 1;
        } else if (vk != first && !bad) {
            skt_lint_add(l, CK_INVALID_CONDITION_DATA_TYPE, st, k, 1,
                         "values of '%s' mix JSON types; use one type", cd->key);
            bad = 1;
        }
    }
    return !bad;
}

/* What the values of one condition add up to, for the checks of the set. */
typedef struct value_tally {
    size_t privates, publics; /* IP ranges inside RFC 1918 and not */
    int saw_true, saw_false;
} value_tally;

/* A value with "${" in it: its variables, and whether the operator
 * expands them. */
static void check_variable_value(lint *l, const stmt *st, const skt_cond_value *cv,
                                 const skt_op_info *op)
{
    const seckit_json *v = cv->node;
    skt_lint_check_variables(l, st, v, 1, "Condition");
    if (op->variables) /* skt_op_info: String and Arn operators */
        return;
    size_t before = l->n;
    const char *var = strstr(cv->str, "${");
    skt_lint_add(l, CK_INVALID_VARIABLE_FOR_OPERATOR, st, v, 0,
                 "policy variables are expanded only with String and Arn operators, not %s",
                 op->name);
    if (var != NULL) {
        const char *close = strchr(var, '}');
        size_t at = (size_t)(var - cv->str);
        skt_lint_at_variable(l, before, v, at,
                             close != NULL ? (size_t)(close - var) + 1 : cv->len - at);
    }
}

/* A value as the compiler typed it by the operator's family. */
static void check_typed_value(lint *l, const stmt *st, const skt_condition *cd,
                              const skt_op_info *op, const skt_cond_value *cv, value_tally *t)
{
    const seckit_json *v = cv->node;
    const char *s = cv->str;
    size_t n = cv->len;
    int bad = cv->problem != SKT_VP_NONE;
    switch (op->family) {
    case SKT_FAM_BOOL:
    case SKT_FAM_NULL:
        if (bad)
            skt_lint_add(l, CK_TYPE_MISMATCH_BOOLEAN, st, v, 0,
                         "%s takes true or false, not '%.*s'", op->name, SHOWN(v));
        else if (cv->boolean)
            t->saw_true = 1;
        else
            t->saw_false = 1;
        break;
    case SKT_FAM_NUMERIC:
        /* a JSON number by its text, as the compiler reads it */
        if (bad)
            skt_lint_add(l, CK_TYPE_MISMATCH_NUMBER, st, v, 0, "%s takes numbers, not '%.*s'",
                         op->name, SHOWN(v));
        break;
    case SKT_FAM_DATE:
        /* a JSON number by its text too: epoch seconds are digits */
        if (cv->problem == SKT_VP_NO_SUCH_DATE) {
            char why[80];
            int64_t ms;
            skt_date_check(s, n, &ms, why, sizeof(why));
            skt_lint_add(l, CK_TYPE_MISMATCH_DATE, st, v, 0, "'%.*s' is not a date that exists: %s",
                         (int)(n > 100 ? 100 : n), s, why);
        } else if (bad) {
            skt_lint_add(
                l, CK_TYPE_MISMATCH_DATE, st, v, 0,
                "'%.*s' is not a date: %s takes ISO 8601 dates (for example 2026-01-31T12:00:00Z) or epoch seconds",
                SHOWN(v), op->name);
        }
        break;
    case SKT_FAM_BINARY:
        if (bad)
            skt_lint_add(l, CK_TYPE_MISMATCH_STRING, st, v, 0,
                         "BinaryEquals takes base64-encoded values, not '%.*s'", SHOWN(v));
        break;
    case SKT_FAM_IP:
        if (bad) {
            skt_lint_add(
                l, CK_TYPE_MISMATCH_IP_RANGE, st, v, 0,
                "'%.*s' is not an IP address or CIDR range, which %s takes (for example 203.0.113.0/24)",
                SHOWN(v), op->name);
            break;
        }
        if (host_bits_set(&cv->ip))
            skt_lint_add(l, CK_IMPROVE_IP_RANGE, st, v, 0, "'%.*s' has bits set past the /%u mask",
                         (int)n, s, cv->ip.prefix);
        if (is_private_range(&cv->ip))
            t->privates++;
        else
            t->publics++;
        break;
    case SKT_FAM_STRING:
        if (v->kind == SECKIT_JSON_STRING && cd->op != SKT_OP_STRING_LIKE &&
            cd->op != SKT_OP_STRING_NOT_LIKE && has_wild(s, n))
            skt_lint_add(l, CK_WILDCARD_WITHOUT_LIKE_OPERATOR, st, v, 0,
                         "'%.*s' has a wildcard, but %s compares literally; use StringLike",
                         (int)(n > 200 ? 200 : n), s, op->name);
        break;
    case SKT_FAM_ARN: break;
    }
    if (v->kind != SECKIT_JSON_STRING || has_wild(s, n))
        return;
    const char *key = cd->key;
    size_t kl = cd->key_len;
    if (ci_eq(key, kl, "aws:RequestedRegion") && !skt_lint_looks_like_region(s, n))
        skt_lint_add(l, CK_INVALID_REGION, st, v, 0, "'%.*s' is not a region", (int)n, s);
    if (ci_eq(key, kl, "aws:SourceVpc") && !valid_vpc_id(s, n, "vpc-"))
        skt_lint_add(l, CK_INVALID_VPC_FORMAT, st, v, 0,
                     "'%.*s' is not a VPC id (vpc- and 8 or 17 characters)", (int)n, s);
    if (ci_eq(key, kl, "aws:SourceVpce") && !valid_vpc_id(s, n, "vpce-"))
        skt_lint_add(l, CK_INVALID_VPCE_FORMAT, st, v, 0,
                     "'%.*s' is not a VPC endpoint id (vpce- and 8 or 17 characters)", (int)n, s);
}

/* The values of a condition taken together. */
static void check_value_set(lint *l, const stmt *st, const skt_condition *cd, const skt_op_info *op,
                            const value_tally *t)
{
    const seckit_json *k = cd->node;
    skt_cond_family f = op->family;
    if (f == SKT_FAM_BOOL && cd->nvalues > 1 && t->saw_true && t->saw_false)
        skt_lint_add(
            l, CK_INVALID_CONDITION_MULTIPLE_BOOLEAN, st, k, 1,
            "'%s' is given both true and false, so the condition always matches when the key exists",
            cd->key);
    if (f == SKT_FAM_NUMERIC && op_orders(cd->op) && cd->nvalues > 1)
        skt_lint_add(l, CK_REDUNDANT_CONDITION_VALUE_NUM, st, k, 1,
                     "%s with several values: only the %s one matters", op->name,
                     strstr(op->name, "Less") ? "largest" : "smallest");
    if (f == SKT_FAM_IP && ci_eq(cd->key, cd->key_len, "aws:SourceIp") && t->privates > 0) {
        int neg = op->negated;
        if (t->publics == 0)
            skt_lint_add(
                l, neg ? CK_PRIVATE_NOT_IP_ADDRESS : CK_PRIVATE_IP_ADDRESS, st, k, 1,
                "aws:SourceIp is never a private address (requests through VPC endpoints carry aws:VpcSourceIp), so %s",
                neg ? "NotIpAddress with only private ranges has no effect"
                    : "this IpAddress condition never matches");
        else
            skt_lint_add(
                l, neg ? CK_PRIVATE_NOT_IP_ADDRESS_SUBSET : CK_PRIVATE_IP_ADDRESS_SUBSET, st, k, 1,
                "aws:SourceIp is never a private address; the private ranges here have no effect (use aws:VpcSourceIp)");
    }
    if (f == SKT_FAM_BOOL && ci_eq(cd->key, cd->key_len, "aws:MultiFactorAuthPresent") &&
        t->saw_false && !cd->if_exists)
        skt_lint_add(
            l, CK_BAD_PATTERN_FOR_MFA, st, k, 1,
            "aws:MultiFactorAuthPresent is absent (not false) for long-term access keys, so Bool false does not match them; use BoolIfExists");
}

void skt_lint_check_condition(lint *l, const stmt *st, const seckit_json *c)
{
    const skt_statement *ms = st->m;
    if (ms->bad & (1u << SKT_EL_CONDITION)) {
        if (c->kind != SECKIT_JSON_OBJECT)
            skt_lint_add(l, CK_DATA_TYPE_MISMATCH, st, c, 0,
                         "Condition must be an object of operators");
        else
            skt_lint_add(l, CK_EMPTY_OBJECT_CONDITION, st, c, 0,
                         "Condition is an empty object; remove it");
        return;
    }
    const skt_condition *first = NULL; /* the first of the operator's conditions */
    int check_keys = 0;
    for (size_t i = 0; i < ms->nconditions; i++) {
        const skt_condition *cd = &ms->conditions[i];
        if (first == NULL || cd->op_node != first->op_node) {
            first = cd;
            check_keys = check_operator(l, st, cd);
        }
        if (!check_keys || cd->key == NULL)
            continue;
        check_key_repeat(l, st, first, cd);
        if (!check_key_shape(l, st, cd))
            continue;
        const skt_op_info *op = skt_cond_op_info(cd->op);
        check_key_data(l, st, cd, op);
        value_tally t = {0, 0, 0, 0};
        for (size_t j = 0; j < cd->nvalues; j++) {
            if (cd->values[j].has_vars)
                check_variable_value(l, st, &cd->values[j], op);
            else
                check_typed_value(l, st, cd, op, &cd->values[j], &t);
        }
        check_value_set(l, st, cd, op, &t);
    }
}

/* Is there a condition key (case-insensitive) in the statement? */
const seckit_json *skt_lint_cond_key(const stmt *st, const char *key)
{
    const skt_statement *ms = st->m;
    for (size_t i = 0; i < ms->nconditions; i++) {
        const skt_condition *cd = &ms->conditions[i];
        if (cd->key != NULL && ci_eq(cd->key, cd->key_len, key))
            return cd->node;
    }
    return NULL;
}

/* Any condition key starting with prefix (case-insensitive)? */
const seckit_json *skt_lint_cond_key_prefix(const stmt *st, const char *prefix, size_t pl)
{
    const skt_statement *ms = st->m;
    for (size_t i = 0; i < ms->nconditions; i++) {
        const skt_condition *cd = &ms->conditions[i];
        if (cd->key != NULL && cd->key_len >= pl && strncasecmp(cd->key, prefix, pl) == 0)
            return cd->node;
    }
    return NULL;
}
