/* policy/: the linter's structural checks: the policy's and each statement's
 * elements and their JSON types, Version, Sid, Effect, the element
 * combinations each policy type allows, policy variables, repeated statements
 * and Sids, size quotas.  The structural problems come from the one pass
 * over the tree, skt_policy_compile_lint (policy/model.c); lint_statement
 * reports a statement's and runs every family of checks on it. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
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

/* Policy variables inside a string value: syntax, and where they may be. */
/* Point the finding added last (if one was: the count was before) at the
 * variable, characters [at, at + len) of the string value v, rather than
 * at the whole string, when v's text maps one to one onto its value (no
 * escapes, on one line, with or without quotes). */
void skt_lint_at_variable(lint *l, size_t before, const seckit_json *v, size_t at, size_t len)
{
    if (l->n == before || l->n == 0)
        return;
    const seckit_span *vs = &v->span;
    if (vs->start.line == 0 || vs->end.line != vs->start.line || vs->end.offset < vs->start.offset)
        return;
    size_t width = vs->end.offset - vs->start.offset, lead;
    if (width == v->len + 2)
        lead = 1;
    else if (width == v->len)
        lead = 0;
    else
        return;
    seckit_span *sp = &l->items[l->n - 1].span;
    sp->start = vs->start;
    sp->start.offset += lead + at;
    sp->start.column += lead + at;
    sp->end = sp->start;
    sp->end.offset += len;
    sp->end.column += len;
}

void skt_lint_check_variables(lint *l, const stmt *st, const seckit_json *v, int allowed,
                              const char *element)
{
    const char *s = v->str;
    size_t n = v->len;
    int reported_version = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        /* to the next '$' (most values have none) */
        const char *dollar = memchr(s + i, '$', n - 1 - i);
        if (dollar == NULL)
            break;
        i = (size_t)(dollar - s);
        if (s[i + 1] != '{')
            continue;
        const char *close = memchr(s + i + 2, '}', n - i - 2);
        /* the variable: to its '}', or to the end without one */
        size_t vlen = close != NULL ? (size_t)(close - s) + 1 - i : n - i;
        size_t before = l->n;
        if (!allowed) {
            skt_lint_add(
                l, CK_VARIABLE_UNSUPPORTED_IN_ELEMENT, st, v, 0,
                "policy variables are not expanded in %s; only in Resource and Condition values",
                element);
            skt_lint_at_variable(l, before, v, i, vlen);
            return;
        }
        if (!l->v2012 && !reported_version) {
            skt_lint_add(
                l, CK_VARIABLE_UNSUPPORTED_IN_VERSION, st, v, 0,
                "policy variables need \"Version\": \"2012-10-17\"; here they are literal text");
            skt_lint_at_variable(l, before, v, i, vlen);
            reported_version = 1;
        }
        if (close == NULL) {
            before = l->n;
            skt_lint_add(l, CK_MISSING_BRACE_IN_VARIABLE, st, v, 0,
                         "policy variable at character %zu has no closing '}'", i);
            skt_lint_at_variable(l, before, v, i, vlen);
            return;
        }
        size_t a = i + 2, b = (size_t)(close - s);
        before = l->n;
        if (a == b) {
            skt_lint_add(l, CK_EMPTY_VARIABLE, st, v, 0, "empty policy variable ${}");
            skt_lint_at_variable(l, before, v, i, vlen);
        } else {
            const char *comma = memchr(s + a, ',', b - a);
            size_t name_end = comma ? (size_t)(comma - s) : b;
            if (memchr(s + a, ' ', name_end - a) != NULL)
                skt_lint_add(l, CK_UNSUPPORTED_SPACE_IN_VARIABLE, st, v, 0,
                             "space inside the policy variable name '%.*s'", (int)(name_end - a),
                             s + a);
            skt_lint_at_variable(l, before, v, i, vlen);
            if (comma != NULL) {
                size_t d = name_end + 1;
                if (d < b && s[d] == ' ')
                    d++;
                before = l->n;
                if (b - d < 2 || s[d] != '\'' || s[b - 1] != '\'')
                    skt_lint_add(
                        l, CK_MISSING_QUOTE_IN_VARIABLE, st, v, 0,
                        "the default value of policy variable '%.*s' must be in single quotes: ${key, 'default'}",
                        (int)(name_end - a), s + a);
                skt_lint_at_variable(l, before, v, i, vlen);
            }
        }
        i = b;
    }
}

/* ------------------------------------------------------------------ */
/* statements */

static int sid_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
              (s[i] >= '0' && s[i] <= '9')))
            return 0;
    return 1;
}

/* Room for n cleared action lookups (the statement's Action entries);
 * 0 when there is no memory for them (they are only a shortcut). */
static int lookups_reserve(lint *l, size_t n)
{
    l->nlookups = 0;
    if (n > l->lookups_cap) {
        action_lookup *p = realloc(l->lookups, n * sizeof(*p));
        if (p == NULL)
            return 0;
        l->lookups = p;
        l->lookups_cap = n;
    }
    memset(l->lookups, 0, n * sizeof(*l->lookups));
    l->nlookups = n;
    return 1;
}

/* The finding for a problem of a Principal or NotPrincipal (1), or 0 when
 * it is one report_problem words as for other elements. */
static int report_principal_problem(lint *l, const stmt *st, const skt_problem *p)
{
    const seckit_json *n = p->node;
    const char *el = p->element;
    int whole = el[0] != 'a'; /* the element itself, not "a principal" */
    switch (p->kind) {
    case SKT_PB_DUPLICATE:
        skt_lint_add(l, CK_DUPLICATE_JSON_KEY, st, n, 1,
                     "principal type '%s' appears twice; merge the lists", n->key);
        return 1;
    case SKT_PB_UNKNOWN:
        skt_lint_add(l, CK_INVALID_PRINCIPAL_KEY, st, n, 1,
                     "'%s' is not a principal type (AWS, Service, Federated, CanonicalUser)",
                     n->key);
        return 1;
    case SKT_PB_INVALID:
        skt_lint_add(
            l, CK_INVALID_PRINCIPAL_FORMAT, st, n, 0,
            "a principal string must be \"*\"; name principals as {\"AWS\": ...}, {\"Service\": ...}");
        return 1;
    case SKT_PB_WRONG_TYPE:
        if (!whole)
            return 0;
        skt_lint_add(l, CK_INVALID_PRINCIPAL_FORMAT, st, n, 0,
                     "%s must be \"*\" or an object of principal types", el);
        return 1;
    case SKT_PB_EMPTY_LIST:
        if (whole)
            skt_lint_add(l, CK_EMPTY_OBJECT_PRINCIPAL, st, n, 0,
                         "%s is an empty object: it names nobody", el);
        else
            skt_lint_add(l, CK_EMPTY_ARRAY_PRINCIPAL, st, n, 1,
                         "principal type '%s' has an empty list", n->key);
        return 1;
    default: return 0;
    }
}

/* Is a problem's element Principal, NotPrincipal or "a principal" (a
 * principal type's member or entry)? */
static int principal_problem(const char *el)
{
    return el != NULL && strstr(el, "rincipal") != NULL;
}

/* The finding for a problem the lint-mode compile recorded. */
static void report_problem(lint *l, const stmt *st, const skt_problem *p)
{
    const seckit_json *n = p->node;
    const char *el = p->element;
    if (principal_problem(el) && report_principal_problem(l, st, p))
        return;
    switch (p->kind) {
    case SKT_PB_NOT_OBJECT:
        if (st == NULL)
            skt_lint_add(l, CK_DATA_TYPE_MISMATCH, NULL, n, 0,
                         "a policy must be a JSON object with Version and Statement");
        else
            skt_lint_add(l, CK_DATA_TYPE_MISMATCH, st, n, 0, "a statement must be an object");
        break;
    case SKT_PB_DUPLICATE:
        skt_lint_add(l, CK_DUPLICATE_JSON_KEY, st, n, 1,
                     "'%s' appears twice in the %s; JSON readers keep only one", n->key,
                     st == NULL ? "policy" : "statement");
        break;
    case SKT_PB_UNKNOWN:
        if (st == NULL)
            skt_lint_add(l, CK_INVALID_POLICY_ELEMENT, NULL, n, 1,
                         "'%s' is not a policy element (Version, Id, Statement)", n->key);
        else
            skt_lint_add(
                l, CK_INVALID_POLICY_ELEMENT, st, n, 1,
                "'%s' is not a statement element (Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition)",
                n->key);
        break;
    case SKT_PB_WRONG_TYPE:
        if (strcmp(el, "Id") == 0 || strcmp(el, "Sid") == 0)
            skt_lint_add(l, CK_DATA_TYPE_MISMATCH, st, n, 0, "%s must be a string", el);
        else if (strcmp(el, "Version") == 0)
            skt_lint_add(l, CK_DATA_TYPE_MISMATCH, NULL, n, 0,
                         "Version must be the string \"2012-10-17\"");
        else if (strcmp(el, "Statement") == 0)
            skt_lint_add(l, CK_DATA_TYPE_MISMATCH, NULL, n, 0,
                         "Statement must be an object or an array of objects");
        else if (strcmp(el, "Effect") == 0)
            skt_lint_add(l, CK_DATA_TYPE_MISMATCH, st, n, 0,
                         "Effect must be the string \"Allow\" or \"Deny\"");
        else
            skt_lint_add(l, CK_DATA_TYPE_MISMATCH, st, n, 0,
                         "%s must be a string or an array of strings", el);
        break;
    case SKT_PB_ENTRY_TYPE:
        skt_lint_add(l, CK_DATA_TYPE_MISMATCH, st, n, 0, "%s entries must be strings", el);
        break;
    case SKT_PB_MISSING:
        if (strcmp(el, "Version") == 0)
            skt_lint_add(
                l, CK_MISSING_VERSION, NULL, n, 0,
                "no Version: add \"Version\": \"2012-10-17\" (without it policy variables are not expanded)");
        else if (strcmp(el, "Statement") == 0)
            skt_lint_add(l, CK_MISSING_STATEMENT, NULL, n, 0, "the policy has no Statement");
        else if (strcmp(el, "Effect") == 0)
            skt_lint_add(l, CK_MISSING_EFFECT, st, n, 0,
                         "the statement has no Effect (Allow or Deny)");
        else
            skt_lint_add(l, CK_MISSING_ACTION, st, n, 0,
                         "the statement has neither Action nor NotAction");
        break;
    case SKT_PB_INVALID:
        if (st == NULL)
            skt_lint_add(l, CK_INVALID_VERSION, NULL, n, 0,
                         "Version must be \"2012-10-17\" (or the legacy \"2008-10-17\"), not '%s'",
                         n->str);
        else
            skt_lint_add(l, CK_INVALID_EFFECT, st, n, 0,
                         "Effect must be \"Allow\" or \"Deny\" (case matters), not '%s'", n->str);
        break;
    case SKT_PB_EMPTY_LIST:
        if (st == NULL)
            skt_lint_add(l, CK_MISSING_STATEMENT, NULL, n, 1, "Statement is an empty list");
        else
            skt_lint_add(l,
                         strstr(el, "Action") != NULL ? CK_EMPTY_ARRAY_ACTION
                                                      : CK_EMPTY_ARRAY_RESOURCE,
                         st, n, 1, "%s is an empty list", el);
        break;
    case SKT_PB_BOTH:
        skt_lint_add(l, CK_UNSUPPORTED_ELEMENT_COMBINATION, st, n, 1,
                     "a statement has %s or %s, not both", el + 3, el);
        break;
    }
}

/* Are the parts of Principal or NotPrincipal that node n is (or is in)
 * checked in this type of policy? */
static int principal_checked(const lint *l, const skt_statement *ms, const seckit_json *n)
{
    if (l->type != SECKIT_POLICY_RESOURCE && l->type != SECKIT_POLICY_TRUST)
        return 0;
    const seckit_json *np = ms->elem[SKT_EL_NOT_PRINCIPAL];
    int in_not = np != NULL &&
                 (n == np || n->parent == np || (n->parent != NULL && n->parent->parent == np));
    return !(in_not && l->type == SECKIT_POLICY_TRUST);
}

/* The problems of the statement being linted: its findings, and its
 * element nodes and effect from the compiled statement. */
static void take_statement(lint *l, stmt *st, const skt_problems *pb, size_t *k)
{
    const skt_statement *ms = st->m;
    for (; *k < pb->n && pb->items[*k].statement == st->idx; (*k)++) {
        const skt_problem *p = &pb->items[*k];
        /* a role trust policy's Resource is reported as such, not typed */
        if (l->type == SECKIT_POLICY_TRUST && p->element != NULL &&
            strstr(p->element, "Resource") != NULL && p->kind != SKT_PB_BOTH)
            continue;
        /* a principal's parts are checked where principals are named:
         * resource and trust policies (not a trust policy's NotPrincipal) */
        if (principal_problem(p->element) && p->kind != SKT_PB_BOTH &&
            !principal_checked(l, ms, p->node))
            continue;
        /* (a statement's repeated and unknown members are reported before
         * its Sid is known) */
        st->sid = (p->kind == SKT_PB_DUPLICATE || p->kind == SKT_PB_UNKNOWN) && p->element == NULL
                      ? NULL
                      : ms->sid;
        report_problem(l, st, p);
    }
    st->sid = ms->sid;
    const seckit_json *const *el = ms->elem;
    st->sid_n = el[SKT_EL_SID];
    st->effect = el[SKT_EL_EFFECT];
    st->principal = el[SKT_EL_PRINCIPAL];
    st->notprincipal = el[SKT_EL_NOT_PRINCIPAL];
    st->action = el[SKT_EL_ACTION];
    st->notaction = el[SKT_EL_NOT_ACTION];
    st->resource = el[SKT_EL_RESOURCE];
    st->notresource = el[SKT_EL_NOT_RESOURCE];
    st->condition = el[SKT_EL_CONDITION];
    st->allow = ms->effect == SKT_EFFECT_ALLOW;
    st->deny = ms->effect == SKT_EFFECT_DENY;
}

/* The Sid: empty, characters other than letters and digits, variables. */
static void lint_sid(lint *l, const stmt *st)
{
    if (st->sid == NULL)
        return;
    if (st->sid_n->len == 0)
        skt_lint_add(l, CK_EMPTY_SID_VALUE, st, st->sid_n, 0,
                     "Sid is empty; remove it or name the statement");
    else if (l->type != SECKIT_POLICY_RESOURCE && !sid_ok(st->sid_n->str, st->sid_n->len))
        skt_lint_add(l, CK_UNSUPPORTED_SID, st, st->sid_n, 0,
                     "Sid '%s' may only contain A-Z, a-z and 0-9", st->sid);
    if (skt_vars_present(st->sid_n->str, st->sid_n->len))
        skt_lint_check_variables(l, st, st->sid_n, 0, "Sid");
}

/* Action and NotAction: each entry, and repeats. */
static void lint_action_lists(lint *l, const stmt *st)
{
    const seckit_json *acts[2] = {st->action, st->notaction};
    for (int i = 0; i < 2; i++) {
        const seckit_json *a = acts[i];
        if (a == NULL || (st->m->bad & (1u << (i ? SKT_EL_NOT_ACTION : SKT_EL_ACTION))))
            continue;
        /* (NotAction's entries are looked up, and their invalid ones
         * marked, only when there is no Action: Action's lookups are
         * used after this) */
        action_lookup *lookups = NULL;
        if ((a == st->action || st->action == NULL) &&
            lookups_reserve(l, a->kind == SECKIT_JSON_ARRAY ? a->count : 1))
            lookups = l->lookups;
        /* the entries as the compile split them (the indexed list: Action,
         * else NotAction), else split here */
        const skt_action_pat *split =
            a == (st->action != NULL ? st->action : st->notaction) ? st->acts : NULL;
        size_t pos = 0;
        FOR_VALUES(v, a)
        {
            if (is_str(v)) {
                skt_action_pat own;
                const skt_action_pat *p = &own;
                if (split != NULL)
                    p = &split[pos];
                else
                    skt_action_split(v->str, v->len, &own);
                skt_lint_check_action_value(l, st, v, p, lookups != NULL ? &lookups[pos] : NULL);
            }
            pos++;
        }
        skt_lint_check_redundant(l, st, a, CK_REDUNDANT_ACTION, 1, "action", lookups);
    }
    if (l->type == SECKIT_POLICY_RCP) {
        if (st->allow)
            skt_lint_add(l, CK_RCP_SYNTAX_ERROR_ALLOW, st, st->effect, 0,
                         "resource control policies support only Deny statements");
        if (st->notaction != NULL)
            skt_lint_add(l, CK_RCP_SYNTAX_ERROR_NOTACTION, st, st->notaction, 1,
                         "resource control policies do not support NotAction");
    }
}

/* Resource and NotResource: where they belong, each entry, and repeats. */
static void lint_resource_lists(lint *l, const stmt *st)
{
    const seckit_json *s = st->node;
    if (l->type == SECKIT_POLICY_TRUST) {
        if (st->resource != NULL || st->notresource != NULL)
            skt_lint_add(l, CK_ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE, st,
                         st->resource ? st->resource : st->notresource, 1,
                         "a role trust policy has no Resource: the role itself is the resource");
    } else if (st->resource == NULL && st->notresource == NULL &&
               (l->type == SECKIT_POLICY_IDENTITY || l->type == SECKIT_POLICY_RESOURCE)) {
        skt_lint_add(l, CK_MISSING_RESOURCE, st, s, 0,
                     "the statement has neither Resource nor NotResource");
    }
    const seckit_json *ress[2] = {st->resource, st->notresource};
    for (int i = 0; i < 2; i++) {
        const seckit_json *r = ress[i];
        if (r == NULL || l->type == SECKIT_POLICY_TRUST ||
            (st->m->bad & (1u << (i ? SKT_EL_NOT_RESOURCE : SKT_EL_RESOURCE))))
            continue;
        /* the entries as the compile split them (Resource, else
         * NotResource), else split here */
        const skt_resource_pat *split =
            r == (st->resource != NULL ? st->resource : st->notresource) ? st->m->resources : NULL;
        size_t pos = 0;
        FOR_VALUES(v, r)
        {
            if (is_str(v)) {
                skt_resource_pat own;
                const skt_resource_pat *p = &own;
                if (split != NULL)
                    p = &split[pos];
                else
                    skt_resource_split(v->str, v->len, &own);
                skt_lint_check_resource_value(l, st, v, p);
            }
            pos++;
        }
        skt_lint_check_redundant(l, st, r, CK_REDUNDANT_RESOURCE, 0, "resource", NULL);
    }
}

/* Principal and NotPrincipal: where they belong, and their values. */
/* Is Principal (and not NotPrincipal) "*" or {"AWS": "*"}, as written:
 * one principal, the AWS "*" not in a list, and nothing else (no other
 * member, however bad)? */
static int principal_is_any(const skt_statement *ms)
{
    const skt_principal *p = ms->principals;
    return ms->nprincipals == 1 && !(ms->partial & (1u << SKT_EL_PRINCIPAL)) &&
           p->type == SKT_PTYPE_AWS && p->kind == SKT_PRIN_ANY && !p->in_list;
}

static void lint_principal_elements(lint *l, const stmt *st)
{
    const seckit_json *s = st->node;
    const seckit_json *pr = st->principal ? st->principal : st->notprincipal;
    switch (l->type) {
    case SECKIT_POLICY_IDENTITY:
        if (pr != NULL)
            skt_lint_add(l, CK_UNSUPPORTED_PRINCIPAL, st, pr, 1,
                         "identity policies apply to the principal they are attached to; remove %s",
                         pr->key);
        break;
    case SECKIT_POLICY_SCP:
        if (pr != NULL)
            skt_lint_add(l, CK_SCP_SYNTAX_ERROR_PRINCIPAL, st, pr, 1,
                         "service control policies do not take %s", pr->key);
        break;
    case SECKIT_POLICY_RCP:
        if (st->notprincipal != NULL)
            skt_lint_add(l, CK_RCP_SYNTAX_ERROR_PRINCIPAL, st, st->notprincipal, 1,
                         "resource control policies do not take NotPrincipal");
        else if (st->principal != NULL && !principal_is_any(st->m))
            skt_lint_add(
                l, CK_RCP_SYNTAX_ERROR_PRINCIPAL, st, st->principal, 1,
                "in resource control policies Principal must be \"*\"; narrow it with conditions");
        else if (st->principal == NULL)
            skt_lint_add(l, CK_MISSING_PRINCIPAL, st, s, 0,
                         "resource control policy statements need \"Principal\": \"*\"");
        break;
    case SECKIT_POLICY_RESOURCE:
    case SECKIT_POLICY_TRUST:
        if (pr == NULL)
            skt_lint_add(l, CK_MISSING_PRINCIPAL, st, s, 0,
                         "the statement names no Principal: who is granted or denied?");
        if (st->notprincipal != NULL) {
            if (l->type == SECKIT_POLICY_TRUST)
                skt_lint_add(l, CK_ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL, st,
                             st->notprincipal, 1,
                             "role trust policies do not support NotPrincipal");
            else if (st->allow)
                skt_lint_add(
                    l, CK_ALLOW_WITH_NOT_PRINCIPAL, st, st->notprincipal, 1,
                    "Allow with NotPrincipal grants access to every principal not listed, including anonymous ones");
        }
        if (st->principal != NULL)
            skt_lint_check_principal(l, st, 0);
        if (st->notprincipal != NULL && l->type != SECKIT_POLICY_TRUST)
            skt_lint_check_principal(l, st, 1);
        break;
    }
}

/* Actions that do not belong in this resource type's policy: of another
 * service (a literal service prefix), read from the split Action entries. */
static void lint_resource_type_actions(lint *l, const stmt *st)
{
    const char *rsvc = skt_lint_rtype_service(l->rtype);
    if (l->type != SECKIT_POLICY_RESOURCE || rsvc == NULL)
        return;
    for (size_t i = 0; i < stmt_naction_entries(st); i++) {
        const skt_action_pat *ap = &st->acts[i];
        const seckit_json *v = ap->node;
        if (!is_str(v) || ap->all || ap->service == NULL || ap->service_wild)
            continue;
        size_t pl = ap->service_len;
        int ok = ci_eq(v->str, pl, rsvc) ||
                 (l->rtype == SECKIT_RESOURCE_S3_OBJECT_LAMBDA_AP && ci_eq(v->str, pl, "s3"));
        if (!ok)
            skt_lint_add(l, CK_UNSUPPORTED_ACTION_IN_POLICY, st, v, 0,
                         "a %s policy only grants %s actions, not '%.*s'",
                         seckit_policy_resource_type_name(l->rtype), rsvc, (int)v->len, v->str);
    }
}

/* iam:PassRole and iam:CreateServiceLinkedRole on every resource. */
static void lint_sensitive_actions(lint *l, const stmt *st)
{
    if (l->type == SECKIT_POLICY_TRUST)
        return;
    skt_lint_check_sensitive_action(l, st, "iam:PassRole", "iam:PassedToService",
                                    CK_PASS_ROLE_WITH_NOT_RESOURCE,
                                    CK_PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE,
                                    CK_PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE,
                                    CK_PASS_ROLE_WITH_STAR_IN_RESOURCE,
                                    CK_PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE,
                                    CK_PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION);
    skt_lint_check_sensitive_action(l, st, "iam:CreateServiceLinkedRole", "iam:AWSServiceName",
                                    CK_CREATE_SLR_WITH_NOT_RESOURCE,
                                    CK_CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE,
                                    CK_CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE,
                                    CK_CREATE_SLR_WITH_STAR_IN_RESOURCE,
                                    CK_CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE,
                                    CK_CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION);
}

static void lint_statement(lint *l, stmt *st, const skt_problems *pb, size_t *k)
{
    l->nlookups = 0;
    take_statement(l, st, pb, k);
    if (st->node->kind != SECKIT_JSON_OBJECT)
        return;
    skt_lint_stmt_index_actions(st);
    lint_sid(l, st);
    lint_action_lists(l, st);
    lint_resource_lists(l, st);
    lint_principal_elements(l, st);
    if (st->condition != NULL)
        skt_lint_check_condition(l, st, st->condition);
    lint_resource_type_actions(l, st);
    lint_sensitive_actions(l, st);
    skt_lint_check_own_statement(l, st);
    skt_lint_check_trust_statement(l, st);
    skt_lint_check_fit(l, st);
    skt_lint_check_public(l, st);
    skt_lint_check_key_support(l, st);
}

/* Canonical text of a statement without its Sid, to find repeats. */
static void canon(skt_sb *b, const seckit_json *v, int skip_sid)
{
    switch (v->kind) {
    case SECKIT_JSON_NULL: skt_sb_str(b, "null"); break;
    case SECKIT_JSON_TRUE: skt_sb_str(b, "true"); break;
    case SECKIT_JSON_FALSE: skt_sb_str(b, "false"); break;
    case SECKIT_JSON_NUMBER: skt_sb_put(b, v->str, v->len); break;
    case SECKIT_JSON_STRING: skt_sb_json_str(b, v->str, v->len); break;
    case SECKIT_JSON_ARRAY:
        skt_sb_put(b, "[", 1);
        for (const seckit_json *c = v->child; c != NULL; c = c->next) {
            canon(b, c, 0);
            skt_sb_put(b, ",", 1);
        }
        skt_sb_put(b, "]", 1);
        break;
    case SECKIT_JSON_OBJECT:
        skt_sb_put(b, "{", 1);
        for (const seckit_json *c = v->child; c != NULL; c = c->next) {
            if (skip_sid && strcmp(c->key, "Sid") == 0)
                continue;
            skt_sb_json_str(b, c->key, c->key_len);
            skt_sb_put(b, ":", 1);
            canon(b, c, 0);
            skt_sb_put(b, ",", 1);
        }
        skt_sb_put(b, "}", 1);
        break;
    }
}

/* Mixes s[0..n) into h eight bytes at a time (every statement of every
 * policy is hashed), then the rest byte by byte, then the length. */
static unsigned long long hash_bytes(unsigned long long h, const char *s, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 1099511628211ull;
        h ^= h >> 29;
    }
    for (; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return (h ^ n) * 1099511628211ull;
}

/* A hash of the tree that canon() writes: equal texts give equal hashes.
 * With full == 0 only its shape is hashed (the kinds, the members' key
 * lengths, the lengths of strings and numbers, not their characters): a
 * cheap first pass, so only statements whose shape another statement shares
 * are hashed in full. */
static unsigned long long tree_hash(const seckit_json *v, int skip_sid, int full,
                                    unsigned long long h)
{
    h = (h ^ (unsigned)v->kind ^ 0x100u) * 1099511628211ull;
    switch (v->kind) {
    case SECKIT_JSON_NUMBER:
    case SECKIT_JSON_STRING:
        h = full ? hash_bytes(h, v->str, v->len) : (h ^ v->len) * 1099511628211ull;
        break;
    case SECKIT_JSON_ARRAY:
        for (const seckit_json *c = v->child; c != NULL; c = c->next)
            h = tree_hash(c, 0, full, h);
        break;
    case SECKIT_JSON_OBJECT:
        for (const seckit_json *c = v->child; c != NULL; c = c->next) {
            if (skip_sid && strcmp(c->key, "Sid") == 0)
                continue;
            h = full ? hash_bytes(h, c->key, c->key_len) : (h ^ c->key_len) * 1099511628211ull;
            h = tree_hash(c, 0, full, h);
        }
        break;
    default: break;
    }
    return (h ^ 0x5Du) * 1099511628211ull;
}

/* The canonical text of statement i (NULL when too big), built once. */
static void canon_make(char **c, unsigned char *made, const stmt *stmts, size_t i)
{
    if (made[i])
        return;
    made[i] = 1;
    skt_sb b;
    skt_sb_init(&b, 1u << 20);
    canon(&b, stmts[i].node, 1);
    c[i] = b.failed ? NULL : b.data;
    if (b.failed)
        skt_sb_free(&b);
}

/* Characters of the text, whitespace included: bytes that are not UTF-8
 * continuation bytes (0x80-0xBF). */
static size_t text_chars(const char *s, size_t n)
{
    size_t cont = 0;
    for (size_t i = 0; i < n; i++)
        cont += ((unsigned char)s[i] & 0xC0u) == 0x80u;
    return n - cont;
}

static void check_size(lint *l, const seckit_json *root, size_t nonws, size_t all)
{
    size_t limit = 0;
    int ck = -1;
    int use_all = 0;
    const char *what = "non-whitespace characters";
    switch (l->type) {
    case SECKIT_POLICY_IDENTITY:
        limit = 10240;
        ck = CK_POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA;
        break;
    case SECKIT_POLICY_TRUST:
        limit = 2048;
        ck = CK_POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA;
        break;
    case SECKIT_POLICY_SCP:
    case SECKIT_POLICY_RCP:
        limit = 5120;
        ck = l->type == SECKIT_POLICY_SCP ? CK_POLICY_SIZE_EXCEEDS_SCP_QUOTA
                                          : CK_POLICY_SIZE_EXCEEDS_RCP_QUOTA;
        use_all = 1;
        what = "characters (whitespace counts)";
        break;
    case SECKIT_POLICY_RESOURCE:
        ck = CK_POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA;
        switch (l->rtype) {
        case SECKIT_RESOURCE_S3_BUCKET: limit = 20480; break;
        case SECKIT_RESOURCE_KMS_KEY: limit = 32768; break;
        case SECKIT_RESOURCE_SQS_QUEUE: limit = 8192; break;
        case SECKIT_RESOURCE_SNS_TOPIC: limit = 30720; break;
        case SECKIT_RESOURCE_SECRETS_MANAGER_SECRET: limit = 20480; break;
        case SECKIT_RESOURCE_IAM_ROLE_TRUST:
            limit = 2048;
            ck = CK_POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA;
            break;
        default: limit = 0;
        }
        break;
    }
    if (limit == 0)
        return;
    if (l->text != NULL) { /* count the source text as IAM does */
        if (l->text_len <= limit)
            return;
        if (use_all)
            all = text_chars(l->text, l->text_len);
        else
            nonws = skt_json_text_nonws_chars(l->text, l->text_len);
    }
    size_t count = use_all ? all : nonws;
    if (count > limit)
        skt_lint_add(l, ck, NULL, root, 0, "the policy has %zu %s, over the %zu-character limit",
                     count, what, limit);
}

/* Sids used by an earlier statement. */
static void check_unique_sids(lint *l, const stmt *stmts, size_t nst)
{
    for (size_t i = 0; i < nst; i++) {
        if (stmts[i].sid == NULL || stmts[i].sid[0] == '\0')
            continue;
        for (size_t j = 0; j < i; j++)
            if (stmts[j].sid != NULL && strcmp(stmts[j].sid, stmts[i].sid) == 0) {
                int required = l->type != SECKIT_POLICY_RESOURCE;
                skt_lint_add(l, required ? CK_UNIQUE_SIDS_REQUIRED : CK_UNIQUE_SIDS_RECOMMENDED,
                             &stmts[i], stmts[i].sid_n, 0, "Sid '%s' is also used by statement %zu",
                             stmts[i].sid, j);
                break;
            }
    }
}

/* Statements that repeat an earlier one (but for the Sid). */
static void check_repeated_statements(lint *l, const stmt *stmts, size_t nst)
{
    size_t i;
    /* the full hashes are made only for statements whose shapes match,
     * the canonical texts only for those whose hashes match (each equal
     * whenever the texts are) */
    char **c = calloc(nst, sizeof(*c));
    unsigned char *made = calloc(nst, 1);
    unsigned long long *h = calloc(nst, sizeof(*h));
    unsigned long long *shape = calloc(nst, sizeof(*shape));
    unsigned char *hashed = calloc(nst, 1);
    if (c != NULL && made != NULL && h != NULL && shape != NULL && hashed != NULL) {
        for (i = 0; i < nst; i++)
            shape[i] = tree_hash(stmts[i].node, 1, 0, 14695981039346656037ull);
        for (i = 1; i < nst; i++)
            for (size_t j = 0; j < i; j++) {
                if (shape[i] != shape[j])
                    continue;
                const size_t pair[2] = {i, j};
                for (size_t k = 0; k < 2; k++)
                    if (!hashed[pair[k]]) {
                        h[pair[k]] = tree_hash(stmts[pair[k]].node, 1, 1, 14695981039346656037ull);
                        hashed[pair[k]] = 1;
                    }
                if (h[i] != h[j])
                    continue;
                canon_make(c, made, stmts, i);
                canon_make(c, made, stmts, j);
                if (c[i] != NULL && c[j] != NULL && strcmp(c[i], c[j]) == 0) {
                    skt_lint_add(l, CK_REDUNDANT_STATEMENT, &stmts[i], stmts[i].node, 0,
                                 "statement %zu repeats statement %zu", i, j);
                    break;
                }
            }
        for (i = 0; i < nst; i++)
            free(c[i]);
    } else {
        l->oom = 1;
    }
    free(c);
    free(made);
    free(h);
    free(shape);
    free(hashed);
}

int skt_lint_root(lint *l, const seckit_json *root, size_t nonws, size_t all)
{
    /* the one pass over the tree: the model in lint mode, in an arena of
     * its own (findings outlive it) */
    max_align_t buf[8192 / sizeof(max_align_t)]; /* most policies fit */
    skt_arena ma;
    skt_arena_init_buf(&ma, buf, sizeof(buf));
    skt_policy pol;
    skt_problems pb;
    seckit_error cerr; /* set only when out of memory */
    if (skt_policy_compile_lint(&ma, root, l->data, &pol, &pb, &cerr) != 0) {
        skt_arena_free(&ma);
        return SECKIT_ENOMEM;
    }
    size_t pk = 0;
    int no_statement = 0;
    for (; pk < pb.n && pb.items[pk].statement < 0; pk++) {
        report_problem(l, NULL, &pb.items[pk]);
        no_statement |= pb.items[pk].kind == SKT_PB_MISSING &&
                        strcmp(pb.items[pk].element, "Statement") == 0;
    }
    l->v2012 = pb.v2012;
    if (pb.statement == NULL) {
        if (no_statement)
            check_size(l, root, nonws, all);
        skt_arena_free(&ma);
        return 0;
    }
    size_t nst = pol.nstatements, i;
    stmt *stmts = calloc(nst, sizeof(*stmts));
    if (stmts == NULL) {
        skt_arena_free(&ma);
        return SECKIT_ENOMEM;
    }
    for (i = 0; i < nst; i++) {
        stmts[i].node = pol.statements[i].node;
        stmts[i].idx = (long)i;
        stmts[i].m = &pol.statements[i];
        lint_statement(l, &stmts[i], &pb, &pk);
    }
    check_unique_sids(l, stmts, nst);
    if (nst > 1 && nst <= 500)
        check_repeated_statements(l, stmts, nst);
    skt_lint_check_escalation(l, stmts, nst);
    check_size(l, root, nonws, all);
    for (i = 0; i < nst; i++)
        free(stmts[i].cov);
    free(stmts);
    skt_arena_free(&ma);
    return 0;
}
