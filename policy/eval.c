/* policy/: the evaluator: one request against a compiled policy set, by the
 * IAM User Guide's policy evaluation logic (single and cross account). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/model.h"
#include "src/base/guard.h"

struct seckit_policy_set {
    skt_arena arena;
    skt_policy *policies;
    size_t n, cap;
    size_t count[SECKIT_EVAL_ROLE_COUNT_];
    const seckit_iam_data *data;
};

struct seckit_eval_result {
    skt_arena arena;
    seckit_decision decision;
    seckit_eval_statement *stmts;
    size_t nstmts, cap_stmts;
    const char **missing;
    size_t nmissing, cap_missing;
    unsigned gates;
    const char *reason;
};

static const char *const role_names[SECKIT_EVAL_ROLE_COUNT_] = {"identity", "resource", "boundary",
                                                                "scp",      "rcp",      "session"};

const char *seckit_eval_role_name(seckit_eval_role role)
{
    return (unsigned)role < SECKIT_EVAL_ROLE_COUNT_ ? role_names[role] : "unknown";
}

static const char *const ctx_type_names[SECKIT_CONTEXT_TYPE_COUNT_] = {
    "string", "stringList", "numeric", "numericList", "boolean", "booleanList",
    "date",   "dateList",   "ip",      "ipList",      "binary",  "binaryList"};

const char *seckit_context_type_name(seckit_context_type t)
{
    return (unsigned)t < SECKIT_CONTEXT_TYPE_COUNT_ ? ctx_type_names[t] : "unknown";
}

int seckit_context_type_parse(seckit_context_type *out, const char *s, seckit_error *err)
{
    SKT_ENSURE_ARG(s != NULL && out != NULL, err);
    int k = 0;
    while (k < SECKIT_CONTEXT_TYPE_COUNT_ && strcasecmp(s, ctx_type_names[k]) != 0)
        k++;
    SKT_ENSURE(
        k < SECKIT_CONTEXT_TYPE_COUNT_, err, SECKIT_EINVAL,
        "unknown context key type '%.100s' (expected string, stringList, numeric, numericList, boolean, "
        "booleanList, date, dateList, ip, ipList, binary or binaryList)",
        s);
    *out = (seckit_context_type)k;
    return 0;
}

int seckit_context_type_is_list(seckit_context_type t)
{
    return (unsigned)t < SECKIT_CONTEXT_TYPE_COUNT_ && (t & 1);
}

const char *seckit_decision_name(seckit_decision d)
{
    switch (d) {
    case SECKIT_DECISION_ALLOWED: return "allowed";
    case SECKIT_DECISION_EXPLICIT_DENY: return "explicitDeny";
    case SECKIT_DECISION_IMPLICIT_DENY: return "implicitDeny";
    }
    return "unknown";
}

/* ------------------------------------------------------------------ */
/* Sets */

int seckit_policy_set_new(seckit_policy_set **out, seckit_error *err)
{
    SKT_ENSURE(out != NULL, err, SECKIT_EINVAL, "policy set: no output pointer");
    seckit_policy_set *s = calloc(1, sizeof *s);
    SKT_ENSURE(s != NULL, err, SECKIT_ENOMEM, "out of memory");
    skt_arena_init(&s->arena);
    *out = s;
    return 0;
}

void seckit_policy_set_free(seckit_policy_set *set)
{
    if (set == NULL)
        return;
    skt_arena_free(&set->arena);
    free(set->policies);
    free(set);
}

void seckit_policy_set_use_data(seckit_policy_set *set, const seckit_iam_data *data)
{
    if (set != NULL)
        set->data = data;
}

size_t seckit_policy_set_count(const seckit_policy_set *set, seckit_eval_role role)
{
    return set != NULL && (unsigned)role < SECKIT_EVAL_ROLE_COUNT_ ? set->count[role] : 0;
}

int seckit_policy_set_add_tree(seckit_policy_set *set, seckit_eval_role role, const char *name,
                               const char *file, const seckit_json *root, seckit_error *err)
{
    if (set == NULL || root == NULL || (unsigned)role >= SECKIT_EVAL_ROLE_COUNT_)
        return seckit_error_set(err, SECKIT_EINVAL, "policy set: bad argument");
    if ((role == SECKIT_EVAL_RESOURCE || role == SECKIT_EVAL_BOUNDARY ||
         role == SECKIT_EVAL_SESSION) &&
        set->count[role] > 0)
        return seckit_error_set(err, SECKIT_EINVAL, "%s: a request has at most one %s policy",
                                file   ? file
                                : name ? name
                                       : "policy",
                                role_names[role]);
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 8;
        skt_policy *p = realloc(set->policies, cap * sizeof *p);
        SKT_ENSURE(p != NULL, err, SECKIT_ENOMEM, "out of memory");
        set->policies = p;
        set->cap = cap;
    }
    /* The compiled policy keeps pointers to nodes only for spans (copied);
     * strings are copied into the set's arena. */
    int rc = skt_policy_compile(&set->arena, root, role, name, file, set->data,
                                &set->policies[set->n], err);
    SKT_GUARD(rc);
    /* the tree may go away: drop the node links */
    skt_policy *p = &set->policies[set->n];
    for (size_t i = 0; i < p->nstatements; i++) {
        skt_statement *st = &p->statements[i];
        st->node = NULL;
        for (size_t k = 0; k < st->nprincipals; k++)
            st->principals[k].node = NULL;
        for (size_t k = 0; k < st->nactions; k++)
            st->actions[k].node = NULL;
        for (size_t k = 0; k < st->nresources; k++)
            st->resources[k].node = NULL;
        for (size_t k = 0; k < st->nconditions; k++) {
            skt_condition *cd = &st->conditions[k];
            cd->node = cd->op_node = NULL;
            for (size_t v = 0; v < cd->nvalues; v++)
                cd->values[v].node = NULL;
        }
    }
    set->n++;
    set->count[role]++;
    return 0;
}

int seckit_policy_set_add(seckit_policy_set *set, seckit_eval_role role, const char *name,
                          const char *file, const char *json, size_t len, seckit_error *err)
{
    SKT_ENSURE(json != NULL, err, SECKIT_EINVAL, "policy set: no policy text");
    seckit_json_doc *doc = NULL;
    int rc = seckit_json_parse(&doc, json, len, NULL, err);
    if (rc != 0) {
        if (file != NULL)
            seckit_error_prefix(err, file);
        return rc;
    }
    rc = seckit_policy_set_add_tree(set, role, name, file, seckit_json_root(doc), err);
    seckit_json_free(doc);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Evaluation state */

/* How a resource-based policy statement names the caller, weakest first:
 * the caller's account (delegation: the identity side must allow too), the
 * role of a role session (limited by the boundary and session policy), "*"
 * or NotPrincipal (limited by the session policy), the caller's own ARN
 * (user, role session, federated user: nothing else needs to allow). */
typedef enum grant_kind {
    GRANT_NONE = 0,
    GRANT_ACCOUNT,
    GRANT_ROLE,
    GRANT_WILDCARD,
    GRANT_DIRECT
} grant_kind;

#define MAX_DERIVED 6

typedef struct ctx_key {
    const char *key;
    size_t klen;
    seckit_context_type type;
    const char *const *values;
    size_t count;
} ctx_key;

typedef struct eval_state {
    const seckit_policy_set *set;
    const seckit_eval_request *req;
    seckit_eval_result *res;
    seckit_error *err;
    int failed;
    int unresolved; /* a policy variable of this statement had no value */
    /* the request, taken apart */
    const char *svc, *name;
    size_t svc_len, name_len;
    const char *resource;
    size_t resource_len;
    int resource_is_arn;
    skt_arn resource_arn;
    skt_principal principal; /* kind of the caller */
    int anonymous;
    const char *session_role; /* SESSION: the role name */
    size_t session_role_len;
    char principal_account[13];
    char resource_account[13];
    int wildcard_only;
    /* derived context keys (when the request does not give them) */
    ctx_key derived[MAX_DERIVED];
    const char *derived_val[MAX_DERIVED];
    size_t nderived;
    char principal_arn_buf[512];
    /* per role */
    int allow[SECKIT_EVAL_ROLE_COUNT_], deny[SECKIT_EVAL_ROLE_COUNT_];
    grant_kind resource_grant;
    skt_sb sb;
} eval_state;

static int key_eq(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && strncasecmp(a, b, an) == 0;
}

static const ctx_key *find_key(eval_state *s, const char *key, size_t klen, ctx_key *tmp)
{
    const seckit_eval_request *r = s->req;
    for (size_t i = 0; i < r->context_count; i++) {
        const seckit_context_entry *e = &r->context[i];
        if (e->key != NULL && key_eq(e->key, strlen(e->key), key, klen)) {
            tmp->key = e->key;
            tmp->klen = strlen(e->key);
            tmp->type = e->type;
            tmp->values = e->values;
            tmp->count = e->count;
            return tmp;
        }
    }
    for (size_t i = 0; i < s->nderived; i++)
        if (key_eq(s->derived[i].key, s->derived[i].klen, key, klen))
            return &s->derived[i];
    return NULL;
}

static int lookup_var(void *vctx, const char *key, size_t klen, const char **val, size_t *len)
{
    eval_state *s = vctx;
    ctx_key tmp;
    const ctx_key *k = find_key(s, key, klen, &tmp);
    /* only single-valued keys can be variables */
    if (k == NULL || k->count != 1 || seckit_context_type_is_list(k->type) || k->values[0] == NULL)
        return 0;
    *val = k->values[0];
    *len = strlen(k->values[0]);
    return 1;
}

static void note_missing(eval_state *s, const char *key, size_t klen)
{
    seckit_eval_result *r = s->res;
    for (size_t i = 0; i < r->nmissing; i++)
        if (key_eq(r->missing[i], strlen(r->missing[i]), key, klen))
            return;
    if (r->nmissing == r->cap_missing) {
        size_t cap = r->cap_missing ? r->cap_missing * 2 : 8;
        const char **m = skt_arena_alloc(&r->arena, cap * sizeof *m);
        if (m == NULL) {
            s->failed = 1;
            return;
        }
        if (r->nmissing)
            memcpy(m, r->missing, r->nmissing * sizeof *m);
        r->missing = m;
        r->cap_missing = cap;
    }
    const char *copy = skt_arena_strndup(&r->arena, key, klen);
    if (copy == NULL) {
        s->failed = 1;
        return;
    }
    r->missing[r->nmissing++] = copy;
}

/* Substitute the variables of s[0..n) into s->sb (reset first); 1 ok, 0 a
 * variable without value (noted as missing). */
static int substitute(eval_state *s, const char *text, size_t n, int wild)
{
    s->sb.len = 0;
    s->sb.failed = 0;
    const char *mk = NULL;
    size_t ml = 0;
    int rc = skt_vars_substitute(text, n, wild, lookup_var, s, &s->sb, &mk, &ml);
    if (rc == 0 && mk != NULL)
        note_missing(s, mk, ml);
    if (rc != 1)
        s->unresolved = 1;
    if (s->sb.failed) {
        s->failed = 1;
        return 0;
    }
    return rc == 1;
}

/* ------------------------------------------------------------------ */
/* Matching the elements */

static int resource_pat_match(eval_state *s, const skt_policy *p, const skt_resource_pat *rp)
{
    (void)p;
    if (rp->all)
        return 1;
    /* an action with no resource type (service data) is authorized on "*":
     * only a pattern that matches "*" itself applies */
    if (s->wildcard_only)
        return skt_glob_match(rp->text, rp->len, "*", 1, 0);
    if (!rp->has_vars) {
        if (rp->is_arn && s->resource_is_arn)
            return skt_arn_match(&rp->arn, &s->resource_arn);
        return skt_glob_match(rp->text, rp->len, s->resource, s->resource_len, 0);
    }
    if (!substitute(s, rp->text, rp->len, 1))
        return 0;
    skt_arn pa;
    if (rp->is_arn && s->resource_is_arn && skt_arn_split(s->sb.data, s->sb.len, &pa)) {
        for (int f = 0; f < SKT_ARN_RESOURCE; f++)
            if (!skt_glob_match_esc(pa.f[f], pa.len[f], s->resource_arn.f[f],
                                    s->resource_arn.len[f], 1))
                return 0;
        return skt_glob_match_esc(pa.f[SKT_ARN_RESOURCE], pa.len[SKT_ARN_RESOURCE],
                                  s->resource_arn.f[SKT_ARN_RESOURCE],
                                  s->resource_arn.len[SKT_ARN_RESOURCE], 0);
    }
    return skt_glob_match_esc(s->sb.data, s->sb.len, s->resource, s->resource_len, 0);
}

static int resources_match(eval_state *s, const skt_policy *p, const skt_statement *st)
{
    if (!st->has_resource)
        return 1;
    /* A pattern with a variable that has no value matches nothing; under
     * NotResource it makes the element fail (the resource cannot be shown
     * to be outside it). */
    int any = 0;
    for (size_t i = 0; i < st->nresources && !any; i++) {
        s->unresolved = 0;
        any = resource_pat_match(s, p, &st->resources[i]);
        if (s->unresolved && st->not_resource)
            return 0;
    }
    s->unresolved = 0;
    return st->not_resource ? !any : any;
}

static int actions_match(eval_state *s, const skt_statement *st)
{
    int any = 0;
    for (size_t i = 0; i < st->nactions && !any; i++)
        any = skt_action_match(&st->actions[i], s->svc, s->svc_len, s->name, s->name_len);
    return st->not_action ? !any : any;
}

/* The role name of a role ARN (after the last '/'). */
static void role_name_of(const char *arn, size_t n, const char **name, size_t *len)
{
    const char *slash = arn + n;
    while (slash > arn && slash[-1] != '/')
        slash--;
    *name = slash;
    *len = (size_t)(arn + n - slash);
}

static grant_kind principal_match(eval_state *s, const skt_principal *pp)
{
    const skt_principal *rq = &s->principal;
    if (pp->kind == SKT_PRIN_ANY)
        return GRANT_WILDCARD;
    if (s->anonymous)
        return GRANT_NONE;
    switch (pp->kind) {
    case SKT_PRIN_ACCOUNT:
        return rq->account[0] && strcmp(rq->account, pp->account) == 0 &&
                       rq->kind != SKT_PRIN_SERVICE
                   ? GRANT_ACCOUNT
                   : GRANT_NONE;
    case SKT_PRIN_ROLE:
        if (rq->len == pp->len && memcmp(rq->text, pp->text, pp->len) == 0)
            return GRANT_DIRECT;
        if (rq->kind == SKT_PRIN_SESSION && strcmp(rq->account, pp->account) == 0) {
            const char *rn;
            size_t rl;
            role_name_of(pp->text, pp->len, &rn, &rl);
            if (rl == s->session_role_len && memcmp(rn, s->session_role, rl) == 0)
                return GRANT_ROLE;
        }
        return GRANT_NONE;
    case SKT_PRIN_SERVICE:
        return rq->kind == SKT_PRIN_SERVICE && rq->len == pp->len &&
                       strncasecmp(rq->text, pp->text, pp->len) == 0
                   ? GRANT_DIRECT
                   : GRANT_NONE;
    default:
        return rq->len == pp->len && memcmp(rq->text, pp->text, pp->len) == 0 ? GRANT_DIRECT
                                                                              : GRANT_NONE;
    }
}

static grant_kind principals_match(eval_state *s, const skt_statement *st)
{
    if (!st->has_principal)
        return GRANT_DIRECT;
    grant_kind best = GRANT_NONE;
    for (size_t i = 0; i < st->nprincipals; i++) {
        grant_kind g = principal_match(s, &st->principals[i]);
        if (g > best)
            best = g;
    }
    if (st->not_principal)
        return best == GRANT_NONE ? GRANT_WILDCARD : GRANT_NONE;
    return best;
}

/* ------------------------------------------------------------------ */
/* Conditions */

/* String conditions: StringLike / StringNotLike as globs, the others as
 * (case-insensitive) equality; policy variables substituted first. */
static int string_match(eval_state *s, skt_cond_op op, const skt_cond_value *pv, const char *rv,
                        size_t rl)
{
    if (op == SKT_OP_STRING_LIKE || op == SKT_OP_STRING_NOT_LIKE) {
        if (!pv->has_vars)
            return skt_glob_match(pv->str, pv->len, rv, rl, 0);
        if (!substitute(s, pv->str, pv->len, 1))
            return 0;
        return skt_glob_match_esc(s->sb.data, s->sb.len, rv, rl, 0);
    } else {
        const char *t = pv->str;
        size_t tl = pv->len;
        if (pv->has_vars) {
            if (!substitute(s, pv->str, pv->len, 0))
                return 0;
            tl = skt_glob_unescape(s->sb.data, s->sb.len);
            t = s->sb.data;
        }
        if (tl != rl)
            return 0;
        if (op == SKT_OP_STRING_EQUALS_IGNORE_CASE || op == SKT_OP_STRING_NOT_EQUALS_IGNORE_CASE)
            return strncasecmp(t, rv, rl) == 0;
        return memcmp(t, rv, rl) == 0;
    }
}

/* ARN conditions: field by field when both sides are ARNs, else the whole
 * string as a glob; policy variables substituted first. */
static int arn_match(eval_state *s, const skt_cond_value *pv, const char *rv, size_t rl)
{
    skt_arn ra;
    int r_is_arn = skt_arn_split(rv, rl, &ra);
    if (!pv->has_vars) {
        if (pv->is_arn && r_is_arn) {
            for (int f = 0; f < SKT_ARN_NFIELDS; f++)
                if (!skt_glob_match(pv->arn.f[f], pv->arn.len[f], ra.f[f], ra.len[f], 0))
                    return 0;
            return 1;
        }
        return skt_glob_match(pv->str, pv->len, rv, rl, 0);
    }
    if (!substitute(s, pv->str, pv->len, 1))
        return 0;
    skt_arn pa;
    if (r_is_arn && skt_arn_split(s->sb.data, s->sb.len, &pa)) {
        for (int f = 0; f < SKT_ARN_NFIELDS; f++)
            if (!skt_glob_match_esc(pa.f[f], pa.len[f], ra.f[f], ra.len[f], 0))
                return 0;
        return 1;
    }
    return skt_glob_match_esc(s->sb.data, s->sb.len, rv, rl, 0);
}

/* Does one request value match one policy value under the operator's
 * positive base (StringNotEquals compares as StringEquals)? */
static int value_match(eval_state *s, const skt_policy *p, skt_cond_op op, const skt_cond_value *pv,
                       const char *rv, size_t rl)
{
    (void)p;
    const skt_op_info *info = skt_cond_op_info(op);
    skt_cond_value tmp;
    switch (info->family) {
    case SKT_FAM_STRING: return string_match(s, op, pv, rv, rl);
    case SKT_FAM_NUMERIC: {
        double v;
        if (skt_parse_number(rv, rl, &v) != 0)
            return 0;
        switch (op) {
        case SKT_OP_NUMERIC_EQUALS:
        case SKT_OP_NUMERIC_NOT_EQUALS: return v == pv->num;
        case SKT_OP_NUMERIC_LESS_THAN: return v < pv->num;
        case SKT_OP_NUMERIC_LESS_THAN_EQUALS: return v <= pv->num;
        case SKT_OP_NUMERIC_GREATER_THAN: return v > pv->num;
        default: return v >= pv->num;
        }
    }
    case SKT_FAM_DATE: {
        int64_t t;
        if (skt_parse_date(rv, rl, &t) != 0)
            return 0;
        switch (op) {
        case SKT_OP_DATE_EQUALS:
        case SKT_OP_DATE_NOT_EQUALS: return t == pv->time_ms;
        case SKT_OP_DATE_LESS_THAN: return t < pv->time_ms;
        case SKT_OP_DATE_LESS_THAN_EQUALS: return t <= pv->time_ms;
        case SKT_OP_DATE_GREATER_THAN: return t > pv->time_ms;
        default: return t >= pv->time_ms;
        }
    }
    case SKT_FAM_BOOL:
        if (pv->has_vars)
            return 0;
        if (rl == 4 && strncasecmp(rv, "true", 4) == 0)
            return pv->boolean == 1;
        if (rl == 5 && strncasecmp(rv, "false", 5) == 0)
            return pv->boolean == 0;
        return 0;
    case SKT_FAM_BINARY: {
        memset(&tmp, 0, sizeof tmp);
        if (skt_cond_value_parse(SKT_FAM_BINARY, rv, rl, &s->res->arena, &tmp) != 0)
            return 0;
        return tmp.nbytes == pv->nbytes && memcmp(tmp.bytes, pv->bytes, pv->nbytes) == 0;
    }
    case SKT_FAM_IP: {
        skt_ip ip;
        if (skt_parse_ip(rv, rl, &ip) != 0)
            return 0;
        return skt_ip_in(&pv->ip, &ip);
    }
    case SKT_FAM_ARN: return arn_match(s, pv, rv, rl);
    case SKT_FAM_NULL: return 0;
    }
    return 0;
}

/* Does request value rv match any of the condition's policy values? */
static int any_value_match(eval_state *s, const skt_policy *p, const skt_condition *c,
                           const char *rv)
{
    size_t rl = strlen(rv);
    for (size_t i = 0; i < c->nvalues; i++)
        if (value_match(s, p, c->op, &c->values[i], rv, rl))
            return 1;
    return 0;
}

static int condition_true(eval_state *s, const skt_policy *p, const skt_condition *c)
{
    const skt_op_info *info = skt_cond_op_info(c->op);
    ctx_key tmp;
    const ctx_key *k = find_key(s, c->key, c->key_len, &tmp);
    if (c->op == SKT_OP_NULL) {
        /* "true": the key must be absent; "false": present */
        for (size_t i = 0; i < c->nvalues; i++)
            if (c->values[i].boolean == (k == NULL))
                return 1;
        return 0;
    }
    if (k == NULL) {
        note_missing(s, c->key, c->key_len);
        /* the set operator decides first: ForAnyValue on a missing key is
         * false even with IfExists (observed AWS behaviour, re:Post
         * "ForAnyValue:StringEqualsIfExists behaving unexpectedly"),
         * ForAllValues is vacuously true */
        if (c->set == SKT_SET_FOR_ANY)
            return 0;
        if (c->set == SKT_SET_FOR_ALL || c->if_exists)
            return 1;
        return info->negated;
    }
    switch (c->set) {
    case SKT_SET_FOR_ALL:
        /* every request value matches (negated: matches none) */
        for (size_t i = 0; i < k->count; i++) {
            int m = k->values[i] != NULL && any_value_match(s, p, c, k->values[i]);
            if (m == info->negated)
                return 0;
        }
        return 1;
    case SKT_SET_FOR_ANY:
        for (size_t i = 0; i < k->count; i++) {
            int m = k->values[i] != NULL && any_value_match(s, p, c, k->values[i]);
            if (m != info->negated)
                return 1;
        }
        return 0;
    default: {
        int any = 0;
        for (size_t i = 0; i < k->count && !any; i++)
            any = k->values[i] != NULL && any_value_match(s, p, c, k->values[i]);
        return info->negated ? !any : any;
    }
    }
}

/* ------------------------------------------------------------------ */
/* Statements and policies */

static void add_statement(eval_state *s, const skt_policy *p, const skt_statement *st)
{
    seckit_eval_result *r = s->res;
    if (r->nstmts == r->cap_stmts) {
        size_t cap = r->cap_stmts ? r->cap_stmts * 2 : 8;
        seckit_eval_statement *m = skt_arena_alloc(&r->arena, cap * sizeof *m);
        if (m == NULL) {
            s->failed = 1;
            return;
        }
        if (r->nstmts)
            memcpy(m, r->stmts, r->nstmts * sizeof *m);
        r->stmts = m;
        r->cap_stmts = cap;
    }
    seckit_eval_statement *o = &r->stmts[r->nstmts++];
    o->role = p->role;
    o->policy = p->name;
    o->file = p->file;
    o->sid = st->sid;
    o->index = st->index;
    o->deny = st->effect == SKT_EFFECT_DENY;
    o->span = st->span;
}

/* Does the statement apply to the request?  Returns the grant kind for a
 * statement with a principal (GRANT_DIRECT for one without). */
static grant_kind statement_applies(eval_state *s, const skt_policy *p, const skt_statement *st)
{
    /* A variable that cannot be resolved "might cause the entire statement
     * to be invalid" (IAM User Guide, policy variables): a condition with
     * one is false whatever its operator; a Resource pattern with one
     * matches nothing; a NotResource with one does not match. */
    if (!actions_match(s, st))
        return GRANT_NONE;
    if (!resources_match(s, p, st))
        return GRANT_NONE;
    grant_kind g = principals_match(s, st);
    if (g == GRANT_NONE)
        return GRANT_NONE;
    for (size_t i = 0; i < st->nconditions; i++) {
        s->unresolved = 0;
        if (!condition_true(s, p, &st->conditions[i]) || s->unresolved)
            return GRANT_NONE;
    }
    return g;
}

typedef struct stmt_ref {
    size_t policy, statement;
} stmt_ref;

/* Evaluate every statement of every policy; remember what matched (the
 * first cap explicit denies by position). */
static void run_policies(eval_state *s, stmt_ref *denies, size_t *ndenies, size_t cap)
{
    const seckit_policy_set *set = s->set;
    for (size_t pi = 0; pi < set->n; pi++) {
        const skt_policy *p = &set->policies[pi];
        for (size_t si = 0; si < p->nstatements; si++) {
            const skt_statement *st = &p->statements[si];
            grant_kind g = statement_applies(s, p, st);
            if (g == GRANT_NONE)
                continue;
            if (st->effect == SKT_EFFECT_DENY) {
                s->deny[p->role] = 1;
                if (*ndenies < cap) {
                    denies[*ndenies].policy = pi;
                    denies[*ndenies].statement = si;
                    (*ndenies)++;
                }
            } else {
                s->allow[p->role] = 1;
                if (p->role == SECKIT_EVAL_RESOURCE && g > s->resource_grant)
                    s->resource_grant = g;
            }
        }
    }
}

static void add_matching(eval_state *s, seckit_eval_role role, int deny)
{
    const seckit_policy_set *set = s->set;
    for (size_t pi = 0; pi < set->n; pi++) {
        const skt_policy *p = &set->policies[pi];
        if (p->role != role)
            continue;
        for (size_t si = 0; si < p->nstatements; si++) {
            const skt_statement *st = &p->statements[si];
            if ((st->effect == SKT_EFFECT_DENY) != deny)
                continue;
            grant_kind g = statement_applies(s, p, st);
            if (g != GRANT_NONE)
                add_statement(s, p, st);
        }
    }
}

/* ------------------------------------------------------------------ */
/* The request */

static void derive(eval_state *s, const char *key, const char *val)
{
    if (val == NULL || s->nderived == MAX_DERIVED)
        return;
    ctx_key *k = &s->derived[s->nderived];
    s->derived_val[s->nderived] = val;
    k->key = key;
    k->klen = strlen(key);
    k->type = SECKIT_CONTEXT_STRING;
    k->values = &s->derived_val[s->nderived];
    k->count = 1;
    s->nderived++;
}

static int is_account_id(const char *s)
{
    if (s == NULL || strlen(s) != 12)
        return 0;
    for (int i = 0; i < 12; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int prepare(eval_state *s, seckit_error *err)
{
    const seckit_eval_request *r = s->req;
    SKT_ENSURE(r->action != NULL, err, SECKIT_EINVAL, "request: no action");
    const char *colon = strchr(r->action, ':');
    if (colon == NULL || colon == r->action || colon[1] == '\0')
        return seckit_error_set(err, SECKIT_EINVAL, "request: the action '%s' is not service:name",
                                r->action);
    s->svc = r->action;
    s->svc_len = (size_t)(colon - r->action);
    s->name = colon + 1;
    s->name_len = strlen(colon + 1);
    s->resource = r->resource ? r->resource : "*";
    s->resource_len = strlen(s->resource);
    s->resource_is_arn = skt_arn_split(s->resource, s->resource_len, &s->resource_arn);
    for (size_t i = 0; i < r->context_count; i++) {
        const seckit_context_entry *e = &r->context[i];
        if (e->key == NULL || (unsigned)e->type >= SECKIT_CONTEXT_TYPE_COUNT_ ||
            (e->count && e->values == NULL))
            return seckit_error_set(err, SECKIT_EINVAL, "request: context entry %zu is malformed",
                                    i);
        if (!seckit_context_type_is_list(e->type) && e->count != 1)
            return seckit_error_set(err, SECKIT_EINVAL,
                                    "request: context key %s of type %s takes one value", e->key,
                                    ctx_type_names[e->type]);
    }
    /* the caller */
    if (r->principal == NULL || r->principal[0] == '\0') {
        s->anonymous = 1;
        s->principal.kind = SKT_PRIN_OTHER;
        s->principal.text = "";
    } else {
        size_t n = strlen(r->principal);
        skt_principal_classify(r->principal, n, &s->principal);
        if (s->principal.kind == SKT_PRIN_OTHER && !skt_arn_split(r->principal, n, &(skt_arn){0}) &&
            strchr(r->principal, '.') != NULL) {
            s->principal.kind = SKT_PRIN_SERVICE;
            s->principal.account[0] = '\0';
        }
        if (s->principal.kind == SKT_PRIN_ANY)
            return seckit_error_set(err, SECKIT_EINVAL,
                                    "request: the principal must be one caller, not '*'");
        if (s->principal.kind == SKT_PRIN_SESSION) {
            const char *rp = strstr(r->principal, ":assumed-role/") + 14;
            const char *slash = strchr(rp, '/');
            s->session_role = rp;
            s->session_role_len = slash ? (size_t)(slash - rp) : strlen(rp);
        }
    }
    memcpy(s->principal_account, s->principal.account, sizeof s->principal_account);
    if (r->resource_account != NULL) {
        if (!is_account_id(r->resource_account))
            return seckit_error_set(err, SECKIT_EINVAL,
                                    "request: the resource account '%s' is not 12 digits",
                                    r->resource_account);
        memcpy(s->resource_account, r->resource_account, 13);
    } else if (s->resource_is_arn && s->resource_arn.len[SKT_ARN_ACCOUNT] == 12) {
        memcpy(s->resource_account, s->resource_arn.f[SKT_ARN_ACCOUNT], 12);
        s->resource_account[12] = '\0';
    } else {
        memcpy(s->resource_account, s->principal_account, sizeof s->resource_account);
    }
    if (s->set->data != NULL) {
        const skt_iam_action *a = skt_iam_action_find(s->set->data, r->action, strlen(r->action));
        s->wildcard_only = a != NULL && a->wildcard_only;
    }
    /* keys every request has, when the caller did not give them */
    if (!s->anonymous && s->principal.kind != SKT_PRIN_SERVICE) {
        if (s->principal.kind == SKT_PRIN_SESSION) {
            /* aws:PrincipalArn of a role session is the role's ARN */
            skt_arn a;
            skt_arn_split(r->principal, strlen(r->principal), &a);
            int w = snprintf(s->principal_arn_buf, sizeof s->principal_arn_buf,
                             "arn:%.*s:iam::%s:role/%.*s", (int)a.len[SKT_ARN_PARTITION],
                             a.f[SKT_ARN_PARTITION], s->principal_account, (int)s->session_role_len,
                             s->session_role);
            if (w > 0 && (size_t)w < sizeof s->principal_arn_buf)
                derive(s, "aws:PrincipalArn", s->principal_arn_buf);
        } else {
            derive(s, "aws:PrincipalArn", r->principal);
        }
        if (s->principal_account[0])
            derive(s, "aws:PrincipalAccount", s->principal_account);
        if (s->principal.kind == SKT_PRIN_USER) {
            const char *nm;
            size_t nl;
            role_name_of(r->principal, strlen(r->principal), &nm, &nl);
            derive(s, "aws:username", nm);
        }
    }
    if (s->resource_account[0])
        derive(s, "aws:ResourceAccount", s->resource_account);
    return 0;
}

/* ------------------------------------------------------------------ */
/* The decision */

/* The explicit denies a result lists (the decision counts them all). */
#define MAX_DENIES 64

/* Which policy types let the request through (SECKIT_EVAL_PASSED_*): a type
 * with no policies in the set passes, except the identity and resource ones. */
static unsigned policy_gates(const eval_state *s)
{
    unsigned gates = 0;
    int have[SECKIT_EVAL_ROLE_COUNT_];
    for (int r = 0; r < SECKIT_EVAL_ROLE_COUNT_; r++)
        have[r] = s->set->count[r] > 0;
    if (!have[SECKIT_EVAL_SCP] || s->allow[SECKIT_EVAL_SCP] || s->anonymous ||
        s->principal.kind == SKT_PRIN_SERVICE)
        gates |= SECKIT_EVAL_PASSED_SCP;
    /* RCPFullAWSAccess is attached to every resource of an organization
     * and cannot be detached, and RCPs only hold Deny statements: an RCP
     * set never lacks its allow. */
    (void)have;
    gates |= SECKIT_EVAL_PASSED_RCP;
    if (!have[SECKIT_EVAL_BOUNDARY] || s->allow[SECKIT_EVAL_BOUNDARY])
        gates |= SECKIT_EVAL_PASSED_BOUNDARY;
    if (!have[SECKIT_EVAL_SESSION] || s->allow[SECKIT_EVAL_SESSION])
        gates |= SECKIT_EVAL_PASSED_SESSION;
    if (s->allow[SECKIT_EVAL_IDENTITY])
        gates |= SECKIT_EVAL_PASSED_IDENTITY;
    if (s->allow[SECKIT_EVAL_RESOURCE])
        gates |= SECKIT_EVAL_PASSED_RESOURCE;
    return gates;
}

/* No explicit deny: allowed or implicitly denied, from the gates and how
 * the resource-based policy grants (same account or cross-account); the
 * decision, its reason and the statements that allowed it go into s->res. */
static void decide(eval_state *s, unsigned gates)
{
    int same = s->principal_account[0] && strcmp(s->principal_account, s->resource_account) == 0;
    const char *why = NULL;
    int allowed = 0, via_resource = 0, via_identity = 0;
    int boundary_ok = (gates & SECKIT_EVAL_PASSED_BOUNDARY) != 0,
        session_ok = (gates & SECKIT_EVAL_PASSED_SESSION) != 0;
    int identity_ok = s->allow[SECKIT_EVAL_IDENTITY];
    if (!(gates & SECKIT_EVAL_PASSED_SCP)) {
        why = "no service control policy allows it";
    } else if (!(gates & SECKIT_EVAL_PASSED_RCP)) {
        why = "no resource control policy allows it";
    } else if (s->anonymous || s->principal.kind == SKT_PRIN_SERVICE) {
        allowed = s->resource_grant >= GRANT_WILDCARD;
        via_resource = allowed;
        why = "no resource-based policy allows this caller";
    } else if (same) {
        if (s->resource_grant == GRANT_DIRECT) {
            allowed = via_resource = 1;
        } else if (s->resource_grant == GRANT_WILDCARD && session_ok) {
            allowed = via_resource = 1;
        } else if (s->resource_grant == GRANT_ROLE && boundary_ok && session_ok) {
            allowed = via_resource = 1;
        } else if (identity_ok && boundary_ok && session_ok) {
            allowed = via_identity = 1;
        } else if (!identity_ok) {
            why = "no identity-based or resource-based policy allows it";
        } else if (!boundary_ok) {
            why = "the permissions boundary does not allow it";
        } else {
            why = "the session policy does not allow it";
        }
    } else {
        if (s->resource_grant == GRANT_NONE)
            why = "cross-account: the resource-based policy does not allow it";
        else if (!identity_ok)
            why = "cross-account: no identity-based policy allows it";
        else if (!boundary_ok)
            why = "the permissions boundary does not allow it";
        else if (!session_ok)
            why = "the session policy does not allow it";
        else
            allowed = via_resource = via_identity = 1;
    }
    if (allowed) {
        s->res->decision = SECKIT_DECISION_ALLOWED;
        if (via_resource)
            add_matching(s, SECKIT_EVAL_RESOURCE, 0);
        if (via_identity) {
            add_matching(s, SECKIT_EVAL_IDENTITY, 0);
            add_matching(s, SECKIT_EVAL_BOUNDARY, 0);
            add_matching(s, SECKIT_EVAL_SESSION, 0);
        } else if (s->resource_grant == GRANT_ROLE || s->resource_grant == GRANT_WILDCARD) {
            if (s->resource_grant == GRANT_ROLE)
                add_matching(s, SECKIT_EVAL_BOUNDARY, 0);
            add_matching(s, SECKIT_EVAL_SESSION, 0);
        }
        add_matching(s, SECKIT_EVAL_SCP, 0);
        add_matching(s, SECKIT_EVAL_RCP, 0);
        s->res->reason = via_resource && !via_identity ? "allowed by the resource-based policy"
                         : via_resource
                             ? "allowed by the identity-based and resource-based policies"
                             : "allowed by an identity-based policy";
    } else {
        s->res->decision = SECKIT_DECISION_IMPLICIT_DENY;
        s->res->reason = skt_arena_printf(&s->res->arena, "implicit deny: %s", why);
    }
}

int seckit_policy_eval(const seckit_policy_set *set, seckit_eval_result **out,
                       const seckit_eval_request *req, seckit_error *err)
{
    if (set == NULL || req == NULL || out == NULL)
        return seckit_error_set(err, SECKIT_EINVAL, "policy eval: bad argument");
    *out = NULL;
    seckit_eval_result *res = calloc(1, sizeof *res);
    SKT_ENSURE(res != NULL, err, SECKIT_ENOMEM, "out of memory");
    skt_arena_init(&res->arena);
    eval_state s;
    memset(&s, 0, sizeof s);
    s.set = set;
    s.req = req;
    s.res = res;
    s.err = err;
    skt_sb_init(&s.sb, 1u << 20);
    int rc = prepare(&s, err);
    if (rc != 0)
        goto fail;

    stmt_ref denies[MAX_DENIES];
    size_t ndenies = 0;
    run_policies(&s, denies, &ndenies, MAX_DENIES);
    if (s.failed)
        goto nomem;

    unsigned gates = policy_gates(&s);
    res->gates = gates;

    if (ndenies > 0) {
        res->decision = SECKIT_DECISION_EXPLICIT_DENY;
        for (size_t i = 0; i < ndenies; i++) {
            const skt_policy *p = &set->policies[denies[i].policy];
            add_statement(&s, p, &p->statements[denies[i].statement]);
        }
        const seckit_eval_statement *d = &res->stmts[0];
        res->reason = skt_arena_printf(&res->arena,
                                       "explicit deny in %s policy %s statement %zu%s%s%s",
                                       role_names[d->role], d->policy, d->index, d->sid ? " (" : "",
                                       d->sid ? d->sid : "", d->sid ? ")" : "");
        goto done;
    }
    decide(&s, gates);
done:
    if (s.failed || res->reason == NULL)
        goto nomem;
    skt_sb_free(&s.sb);
    *out = res;
    return 0;
nomem:
    rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory evaluating a request");
fail:
    skt_sb_free(&s.sb);
    seckit_eval_result_free(res);
    return rc;
}

void seckit_eval_result_free(seckit_eval_result *res)
{
    if (res == NULL)
        return;
    skt_arena_free(&res->arena);
    free(res);
}

seckit_decision seckit_eval_result_decision(const seckit_eval_result *res)
{
    return res ? res->decision : SECKIT_DECISION_IMPLICIT_DENY;
}

size_t seckit_eval_result_statements(const seckit_eval_result *res,
                                     const seckit_eval_statement **out)
{
    if (out != NULL)
        *out = res ? res->stmts : NULL;
    return res ? res->nstmts : 0;
}

size_t seckit_eval_result_missing_keys(const seckit_eval_result *res, const char *const **out)
{
    if (out != NULL)
        *out = res ? (const char *const *)res->missing : NULL;
    return res ? res->nmissing : 0;
}

unsigned seckit_eval_result_gates(const seckit_eval_result *res)
{
    return res ? res->gates : 0;
}

const char *seckit_eval_result_reason(const seckit_eval_result *res)
{
    return res && res->reason ? res->reason : "";
}
