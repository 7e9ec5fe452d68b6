/* policy/: compiling a policy tree into the typed model (policy/model.h):
 * strictly for the evaluator (the first bad part fails the compile), or in
 * lint mode for the linter (bad parts recorded as problems, strings left in
 * the tree). */
#include "config.h"

#include <string.h>

#include "policy/model.h"
#include "src/base/guard.h"

typedef struct compile_ctx {
    skt_arena *a;
    const seckit_iam_data *data;
    const char *file;
    seckit_error *err;
    int variables;
    seckit_eval_role role;
    skt_problems *pb; /* lint mode: where problems go; NULL: strict */
} compile_ctx;

static int fail(compile_ctx *c, const seckit_json *at, const char *what, const char *detail)
{
    unsigned long line = at ? at->span.start.line : 0, col = at ? at->span.start.column : 0;
    return seckit_error_set_at(c->err, SECKIT_EFORMAT,
                               (seckit_position){line, col, at ? at->span.start.offset : 0},
                               "%s:%lu:%lu: %s%s%s", c->file ? c->file : "<policy>", line, col,
                               what, detail ? ": " : "", detail ? detail : "");
}

#define NOMEM(c) seckit_error_set((c)->err, SECKIT_ENOMEM, "out of memory compiling a policy")

/* Lint mode: record a problem (0, or SECKIT_ENOMEM). */
static int problem(compile_ctx *c, skt_problem_kind kind, const char *element, long stmt,
                   const seckit_json *node)
{
    skt_problems *pb = c->pb;
    if (pb->n == pb->cap) {
        size_t cap = pb->cap ? pb->cap * 2 : 16;
        skt_problem *it = skt_arena_alloc(c->a, cap * sizeof *it);
        if (it == NULL)
            return NOMEM(c);
        if (pb->n)
            memcpy(it, pb->items, pb->n * sizeof *it);
        pb->items = it;
        pb->cap = cap;
    }
    skt_problem *p = &pb->items[pb->n++];
    p->kind = kind;
    p->element = element;
    p->statement = stmt;
    p->node = node;
    return 0;
}

/* A bad part: a problem in lint mode, else the compile's error. */
static int bad(compile_ctx *c, skt_problem_kind kind, const char *element, long stmt,
               const seckit_json *node, const char *what, const char *detail)
{
    if (c->pb != NULL)
        return problem(c, kind, element, stmt, node);
    return fail(c, node, what, detail);
}

static const char *const element_names[SKT_EL_COUNT_] = {"Sid",       "Effect",
                                                         "Principal", "NotPrincipal",
                                                         "Action",    "NotAction",
                                                         "Resource",  "NotResource",
                                                         "Condition"};

int skt_element_of(const char *key)
{
    /* one comparison per member: the name its first letters can be */
    int e;
    switch (key[0]) {
    case 'S': e = SKT_EL_SID; break;
    case 'E': e = SKT_EL_EFFECT; break;
    case 'P': e = SKT_EL_PRINCIPAL; break;
    case 'A': e = SKT_EL_ACTION; break;
    case 'R': e = SKT_EL_RESOURCE; break;
    case 'C': e = SKT_EL_CONDITION; break;
    case 'N':
        e = key[1] != 'o' || key[2] != 't' ? -1
            : key[3] == 'P'                ? SKT_EL_NOT_PRINCIPAL
            : key[3] == 'A'                ? SKT_EL_NOT_ACTION
            : key[3] == 'R'                ? SKT_EL_NOT_RESOURCE
                                           : -1;
        break;
    default: e = -1;
    }
    return e >= 0 && strcmp(key, element_names[e]) == 0 ? e : -1;
}

/* The element a statement's member m is, linked in st->elem: -1 (and *rc
 * the error in strict mode) when it is repeated or not an element. */
static inline int member_element(compile_ctx *c, skt_statement *st, const seckit_json *m, int *rc)
{
    *rc = 0;
    if (m->duplicate_key) {
        *rc = bad(c, SKT_PB_DUPLICATE, NULL, (long)st->index, m, "duplicate statement element",
                  m->key);
        return -1;
    }
    int e = skt_element_of(m->key);
    if (e < 0) {
        *rc = bad(c, SKT_PB_UNKNOWN, NULL, (long)st->index, m, "unknown statement element", m->key);
        return -1;
    }
    st->elem[e] = m;
    return e;
}

static int str_is(const seckit_json *n, const char *s, size_t len)
{
    return n->kind == SECKIT_JSON_STRING && n->len == len && memcmp(n->str, s, len) == 0;
}

static char *lower_dup(skt_arena *a, const char *s, size_t n)
{
    char *d = skt_arena_strndup(a, s, n);
    if (d != NULL)
        for (size_t i = 0; i < n; i++)
            if (d[i] >= 'A' && d[i] <= 'Z')
                d[i] = (char)(d[i] + 32);
    return d;
}

/* A string or an array of strings: count and visit. */
static size_t value_count(const seckit_json *v)
{
    return v->kind == SECKIT_JSON_ARRAY ? v->count : 1;
}

static const seckit_json *value_at(const seckit_json *v, const seckit_json *prev)
{
    if (v->kind != SECKIT_JSON_ARRAY)
        return prev == NULL ? v : NULL;
    return prev == NULL ? v->child : prev->next;
}

static int is_digits(const char *s, size_t n, size_t want)
{
    if (n != want)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

void skt_principal_classify(const char *s, size_t n, skt_principal *out)
{
    out->text = s;
    out->len = n;
    out->account[0] = '\0';
    if (n == 1 && s[0] == '*') {
        out->kind = SKT_PRIN_ANY;
        return;
    }
    if (is_digits(s, n, 12)) {
        out->kind = SKT_PRIN_ACCOUNT;
        memcpy(out->account, s, 12);
        out->account[12] = '\0';
        return;
    }
    skt_arn a;
    out->kind = SKT_PRIN_OTHER;
    if (!skt_arn_split(s, n, &a))
        return;
    if (is_digits(a.f[SKT_ARN_ACCOUNT], a.len[SKT_ARN_ACCOUNT], 12)) {
        memcpy(out->account, a.f[SKT_ARN_ACCOUNT], 12);
        out->account[12] = '\0';
    }
    const char *r = a.f[SKT_ARN_RESOURCE];
    size_t rl = a.len[SKT_ARN_RESOURCE];
#define SVC_IS(x)                                                                                  \
    (a.len[SKT_ARN_SERVICE] == sizeof(x) - 1 && memcmp(a.f[SKT_ARN_SERVICE], x, sizeof(x) - 1) == 0)
#define RES_STARTS(x) (rl > sizeof(x) - 1 && memcmp(r, x, sizeof(x) - 1) == 0)
    if (SVC_IS("iam")) {
        if (rl == 4 && memcmp(r, "root", 4) == 0)
            out->kind = SKT_PRIN_ACCOUNT;
        else if (RES_STARTS("user/"))
            out->kind = SKT_PRIN_USER;
        else if (RES_STARTS("role/"))
            out->kind = SKT_PRIN_ROLE;
    } else if (SVC_IS("sts")) {
        if (RES_STARTS("assumed-role/"))
            out->kind = SKT_PRIN_SESSION;
        else if (RES_STARTS("federated-user/"))
            out->kind = SKT_PRIN_FEDERATED_USER;
    }
#undef SVC_IS
#undef RES_STARTS
}

static const char *const principal_types[] = {"AWS", "Service", "Federated", "CanonicalUser"};

/* The skt_principal_type a key of Principal names, or -1. */
static int principal_type_of(const char *key)
{
    for (int i = 0; i < (int)SKT_ARRAY_LEN(principal_types); i++)
        if (strcmp(key, principal_types[i]) == 0)
            return i;
    return -1;
}

/* Principal or NotPrincipal (element e, member v): "*" or an object of
 * principal types, each a string or a list of strings.  *n: how many
 * entries principal_entries may classify.  Strict mode fails on the first
 * bad part (the types' entries it checks as it classifies them); lint mode
 * records each (see skt_statement's bad and partial). */
static int principal_shape(compile_ctx *c, skt_statement *st, skt_element e, const seckit_json *v,
                           size_t *n)
{
    const char *el = element_names[e], *what = "Principal must be \"*\" or an object";
    long si = (long)st->index;
    unsigned bit = 1u << e;
    *n = 0;
    if (v->kind == SECKIT_JSON_STRING) {
        *n = 1;
        if (str_is(v, "*", 1))
            return 0;
        st->bad |= bit;
        return bad(c, SKT_PB_INVALID, el, si, v, what, NULL);
    }
    if (v->kind != SECKIT_JSON_OBJECT) {
        st->bad |= bit;
        return bad(c, SKT_PB_WRONG_TYPE, el, si, v, what, NULL);
    }
    if (c->pb != NULL && e == SKT_EL_PRINCIPAL)
        st->principal_members = SKT_PMEMBERS_OBJECT;
    if (c->pb != NULL && v->count == 0) {
        st->bad |= bit;
        return problem(c, SKT_PB_EMPTY_LIST, el, si, v);
    }
    int rc;
    for (const seckit_json *m = v->child; m; m = m->next) {
        if (c->pb != NULL && m->duplicate_key)
            SKT_GUARD(problem(c, SKT_PB_DUPLICATE, "a principal", si, m));
        int type = c->pb != NULL ? principal_type_of(m->key) : 0;
        if (e == SKT_EL_PRINCIPAL && c->pb != NULL)
            st->principal_members |= type < 0 ? SKT_PMEMBERS_OTHER : 1u << type;
        if (type < 0) {
            st->partial |= bit;
            SKT_GUARD(problem(c, SKT_PB_UNKNOWN, "a principal", si, m));
            continue;
        }
        if (m->kind != SECKIT_JSON_STRING && m->kind != SECKIT_JSON_ARRAY) {
            st->partial |= bit;
            rc = bad(c, SKT_PB_WRONG_TYPE, "a principal", si, m, "principal values must be strings",
                     m->key);
            SKT_GUARD(rc);
            continue;
        }
        *n += value_count(m);
        if (c->pb == NULL || m->kind != SECKIT_JSON_ARRAY)
            continue;
        int entry_bad = 0;
        for (const seckit_json *x = m->child; x; x = x->next) {
            if (x->kind == SECKIT_JSON_STRING)
                continue;
            entry_bad = 1;
            SKT_GUARD(problem(c, SKT_PB_ENTRY_TYPE, "a principal", si, x));
        }
        if (entry_bad || m->count == 0)
            st->partial |= bit;
        if (!entry_bad && m->count == 0)
            SKT_GUARD(problem(c, SKT_PB_EMPTY_LIST, "a principal", si, m));
    }
    return 0;
}

/* The string entries of Principal or NotPrincipal v (its shape checked by
 * principal_shape), classified into st->principals after the ones there:
 * strict mode copies their text and fails on an unknown type or an entry
 * that is not a string; lint mode points into the tree and skips them. */
static int principal_entries(compile_ctx *c, skt_statement *st, const seckit_json *v)
{
    int lint = c->pb != NULL;
    if (v->kind == SECKIT_JSON_STRING) {
        if (!str_is(v, "*", 1))
            return 0;
        skt_principal *p = &st->principals[st->nprincipals++];
        p->kind = SKT_PRIN_ANY;
        p->text = "*";
        p->len = 1;
        p->account[0] = '\0';
        p->type = SKT_PTYPE_AWS;
        p->list_bad = 0;
        p->in_list = 0;
        p->node = v;
        p->span = v->span;
        return 0;
    }
    if (v->kind != SECKIT_JSON_OBJECT)
        return 0;
    for (const seckit_json *m = v->child; m; m = m->next) {
        int type = principal_type_of(m->key);
        if (type < 0 && !lint)
            return fail(c, m, "unknown principal type", m->key);
        if (type < 0 || (m->kind != SECKIT_JSON_STRING && m->kind != SECKIT_JSON_ARRAY))
            continue;
        int list_bad = 0;
        for (const seckit_json *e = value_at(m, NULL); lint && e; e = value_at(m, e))
            list_bad |= e->kind != SECKIT_JSON_STRING;
        for (const seckit_json *e = value_at(m, NULL); e; e = value_at(m, e)) {
            if (e->kind != SECKIT_JSON_STRING) {
                if (lint)
                    continue;
                return fail(c, e, "principal values must be strings", m->key);
            }
            skt_principal *p = &st->principals[st->nprincipals++];
            const char *text = lint ? e->str : skt_arena_strndup(c->a, e->str, e->len);
            if (text == NULL)
                return NOMEM(c);
            if (type == SKT_PTYPE_AWS) {
                skt_principal_classify(text, e->len, p);
            } else {
                p->text = text;
                p->len = e->len;
                p->account[0] = '\0';
                p->kind = type == SKT_PTYPE_SERVICE     ? SKT_PRIN_SERVICE
                          : type == SKT_PTYPE_FEDERATED ? SKT_PRIN_FEDERATED
                                                        : SKT_PRIN_CANONICAL;
                if (e->len == 1 && text[0] == '*' && type != SKT_PTYPE_CANONICAL)
                    p->kind = SKT_PRIN_ANY;
            }
            p->type = (unsigned char)type;
            p->list_bad = (unsigned char)list_bad;
            p->in_list = m->kind == SECKIT_JSON_ARRAY;
            p->node = e;
            p->span = e->span;
        }
    }
    return 0;
}

/* Principal or NotPrincipal (element e, member v), strictly. */
static int compile_principal(compile_ctx *c, skt_statement *st, skt_element e, const seckit_json *v)
{
    size_t total;
    int rc = principal_shape(c, st, e, v, &total);
    SKT_GUARD(rc);
    st->principals = skt_arena_alloc(c->a, (total ? total : 1) * sizeof *st->principals);
    if (st->principals == NULL)
        return NOMEM(c);
    return principal_entries(c, st, v);
}

/* Lint mode: Principal's then NotPrincipal's. */
static int lint_principals(compile_ctx *c, skt_statement *st)
{
    const seckit_json *v[2] = {st->elem[SKT_EL_PRINCIPAL], st->elem[SKT_EL_NOT_PRINCIPAL]};
    size_t n[2] = {0, 0};
    int rc;
    for (int i = 0; i < 2; i++) {
        if (v[i] == NULL)
            continue;
        rc = principal_shape(c, st, i ? SKT_EL_NOT_PRINCIPAL : SKT_EL_PRINCIPAL, v[i], &n[i]);
        SKT_GUARD(rc);
    }
    if (n[0] + n[1] > 0) {
        /* every field is set by principal_entries */
        st->principals = skt_arena_alloc_raw(c->a, (n[0] + n[1]) * sizeof *st->principals);
        if (st->principals == NULL)
            return NOMEM(c);
    }
    for (int i = 0; i < 2; i++) {
        if (v[i] != NULL)
            SKT_GUARD(principal_entries(c, st, v[i]));
        if (i == 0)
            st->principal_split = st->nprincipals;
    }
    return 0;
}

static int compile_actions(compile_ctx *c, skt_statement *st, const seckit_json *v)
{
    if (v->kind != SECKIT_JSON_STRING && v->kind != SECKIT_JSON_ARRAY)
        return fail(c, v, "Action must be a string or an array of strings", NULL);
    st->actions =
        skt_arena_alloc(c->a, (value_count(v) ? value_count(v) : 1) * sizeof *st->actions);
    if (st->actions == NULL)
        return NOMEM(c);
    for (const seckit_json *e = value_at(v, NULL); e; e = value_at(v, e)) {
        if (e->kind != SECKIT_JSON_STRING)
            return fail(c, e, "actions must be strings", NULL);
        skt_action_pat *p = &st->actions[st->nactions++];
        p->node = e;
        p->span = e->span;
        if (skt_action_split(e->str, e->len, p) != 0)
            return fail(c, e, "an action must be service:name", e->str);
        if (p->all)
            continue;
        char *svc = lower_dup(c->a, p->service, p->service_len);
        char *name = lower_dup(c->a, p->name, p->name_len);
        if (svc == NULL || name == NULL)
            return NOMEM(c);
        p->service = svc;
        p->name = name;
    }
    return 0;
}

static int compile_resources(compile_ctx *c, skt_statement *st, const seckit_json *v)
{
    if (v->kind != SECKIT_JSON_STRING && v->kind != SECKIT_JSON_ARRAY)
        return fail(c, v, "Resource must be a string or an array of strings", NULL);
    st->resources =
        skt_arena_alloc(c->a, (value_count(v) ? value_count(v) : 1) * sizeof *st->resources);
    if (st->resources == NULL)
        return NOMEM(c);
    for (const seckit_json *e = value_at(v, NULL); e; e = value_at(v, e)) {
        if (e->kind != SECKIT_JSON_STRING)
            return fail(c, e, "resources must be strings", NULL);
        skt_resource_pat *p = &st->resources[st->nresources++];
        p->node = e;
        p->span = e->span;
        p->text = skt_arena_strndup(c->a, e->str, e->len);
        if (p->text == NULL)
            return NOMEM(c);
        p->len = e->len;
        if (e->len == 1 && e->str[0] == '*') {
            p->all = 1;
            continue;
        }
        p->is_arn = skt_arn_split(p->text, p->len, &p->arn);
        if (c->variables) {
            if (p->is_arn)
                p->has_vars =
                    skt_vars_present(p->arn.f[SKT_ARN_RESOURCE], p->arn.len[SKT_ARN_RESOURCE]);
            else
                p->has_vars = skt_vars_present(p->text, p->len);
        }
    }
    return 0;
}

/* A bad part of a condition: in lint mode the bit is recorded in *problems
 * and the compile goes on, else the compile's error. */
static int cond_bad(compile_ctx *c, unsigned *problems, unsigned bit, const seckit_json *at,
                    const char *what, const char *detail)
{
    if (c->pb == NULL)
        return fail(c, at, what, detail);
    *problems |= bit;
    return 0;
}

/* The same for a value of cd. */
static int value_bad(compile_ctx *c, skt_condition *cd, skt_cond_value *cv,
                     skt_value_problem problem, const char *what, const char *detail)
{
    if (c->pb == NULL)
        return fail(c, cv->node, what, detail);
    cv->problem = problem;
    cd->problems |= SKT_CP_VALUE;
    return 0;
}

/* The values of cd, key member k of operator member op, typed by the
 * operator's family: taken from *pool (zeroed, room for them all). */
static int compile_values(compile_ctx *c, skt_condition *cd, const skt_op_info *info,
                          const seckit_json *op, const seckit_json *k, skt_cond_value **pool)
{
    static const char not_scalar[] = "condition values must be strings, numbers or booleans",
                      no_fit[] = "condition value does not fit its operator";
    if (k->kind == SECKIT_JSON_OBJECT || k->kind == SECKIT_JSON_NULL)
        return cond_bad(c, &cd->problems, SKT_CP_VALUES_TYPE, k, not_scalar, k->key);
    size_t n = value_count(k);
    if (n == 0)
        return cond_bad(c, &cd->problems, SKT_CP_NO_VALUES, k,
                        "a condition key needs at least one value", k->key);
    cd->values = *pool;
    *pool += n;
    for (const seckit_json *e = value_at(k, NULL); e; e = value_at(k, e)) {
        skt_cond_value *cv = &cd->values[cd->nvalues++];
        cv->node = e;
        const char *s;
        size_t len;
        int rc = skt_cond_value_text(info->family, e, &s, &len);
        if (rc != 0) {
            rc = rc == -2 ? value_bad(c, cd, cv, SKT_VP_NOT_SCALAR, not_scalar, k->key)
                          : value_bad(c, cd, cv, SKT_VP_JSON_TYPE, no_fit, op->key);
            SKT_GUARD(rc);
            continue;
        }
        cv->len = len;
        if (c->pb != NULL) { /* lint mode: in the tree, every "${" */
            cv->str = s;
            cv->has_vars = e->kind == SECKIT_JSON_STRING && skt_vars_present(s, len);
        } else {
            cv->str = skt_arena_strndup(c->a, s, len);
            if (cv->str == NULL)
                return NOMEM(c);
            cv->has_vars = c->variables && info->variables && skt_vars_present(s, len);
        }
        if (cv->has_vars)
            continue;
        rc = skt_cond_value_parse(info->family, cv->str, len, c->a, cv);
        if (rc != 0) {
            rc =
                value_bad(c, cd, cv, rc == -2 ? SKT_VP_NO_SUCH_DATE : SKT_VP_TEXT, no_fit, op->key);
            SKT_GUARD(rc);
        }
    }
    return 0;
}

/* The next condition of st (its array allocated zeroed): of key member k
 * (or, lint mode, the operator member itself) of operator member op. */
static skt_condition *add_condition(skt_statement *st, skt_cond_op o, skt_set_op set, int ifx,
                                    const seckit_json *op, const seckit_json *k)
{
    skt_condition *cd = &st->conditions[st->nconditions++];
    cd->op = o;
    cd->set = set;
    cd->if_exists = ifx;
    cd->key_type = SKT_KEY_OTHER;
    cd->node = k;
    cd->op_node = op;
    cd->span = k->span;
    return cd;
}

/* The Condition element v: one condition per key of each operator.  In
 * lint mode the bad parts are recorded on the conditions (and an operator
 * with no key to compile kept as one condition with key NULL). */
static int compile_conditions(compile_ctx *c, skt_statement *st, const seckit_json *v)
{
    int lint = c->pb != NULL;
    if (v->kind != SECKIT_JSON_OBJECT || (lint && v->count == 0)) {
        if (!lint)
            return fail(c, v, "Condition must be an object", NULL);
        st->bad |= 1u << SKT_EL_CONDITION;
        return 0;
    }
    size_t total = 0, nvalues = 0;
    for (const seckit_json *op = v->child; op; op = op->next) {
        if (op->kind == SECKIT_JSON_OBJECT && op->count > 0) {
            total += op->count;
            for (const seckit_json *k = op->child; k; k = k->next)
                if (k->kind != SECKIT_JSON_OBJECT && k->kind != SECKIT_JSON_NULL)
                    nvalues += value_count(k);
        } else if (lint) {
            total++;
        } else if (op->kind != SECKIT_JSON_OBJECT) {
            return fail(c, op, "a condition operator takes an object of keys", op->key);
        }
    }
    st->conditions = skt_arena_alloc(c->a, (total ? total : 1) * sizeof *st->conditions);
    /* the values of all the conditions, in one block */
    skt_cond_value *pool = skt_arena_alloc(c->a, (nvalues ? nvalues : 1) * sizeof *pool);
    if (st->conditions == NULL || pool == NULL)
        return NOMEM(c);
    for (const seckit_json *op = v->child; op; op = op->next) {
        skt_cond_op o;
        skt_set_op set;
        int ifx, rc = 0;
        unsigned problems = 0;
        if (skt_cond_op_parse(op->key, op->key_len, &o, &set, &ifx) != 0) {
            o = SKT_OP_STRING_EQUALS;
            set = SKT_SET_NONE;
            ifx = 0;
            rc = cond_bad(c, &problems, SKT_CP_OPERATOR, op, "unknown condition operator", op->key);
        } else if (o == SKT_OP_NULL && ifx) {
            rc = cond_bad(c, &problems, SKT_CP_NULL_IF_EXISTS, op, "Null takes no IfExists",
                          op->key);
        }
        SKT_GUARD(rc);
        const skt_op_info *info = skt_cond_op_info(o);
        if (op->kind != SECKIT_JSON_OBJECT || op->count == 0) {
            /* lint mode: an operator with no key is one condition of its own */
            if (lint)
                add_condition(st, o, set, ifx, op, op)->problems =
                    problems | (op->kind != SECKIT_JSON_OBJECT ? SKT_CP_NOT_OBJECT : 0);
            continue;
        }
        for (const seckit_json *k = op->child; k; k = k->next) {
            skt_condition *cd = add_condition(st, o, set, ifx, op, k);
            cd->problems = problems;
            const skt_iam_key *ki = c->data ? skt_iam_key_find(c->data, k->key, k->key_len) : NULL;
            if (ki != NULL) {
                cd->key_type = ki->ktype;
                cd->key_known = 1;
            }
            cd->key = lint ? k->key : skt_arena_strndup(c->a, k->key, k->key_len);
            cd->key_len = k->key_len;
            if (cd->key == NULL)
                return NOMEM(c);
            if (problems != 0) /* lint mode: no operator to type the values by */
                continue;
            rc = compile_values(c, cd, info, op, k, &pool);
            SKT_GUARD(rc);
        }
    }
    return 0;
}

static int compile_statement(compile_ctx *c, const seckit_json *s, size_t index, skt_statement *st)
{
    if (s->kind != SECKIT_JSON_OBJECT)
        return fail(c, s, "a statement must be an object", NULL);
    st->index = index;
    st->span = s->span;
    st->node = s;
    int have_effect = 0, have_action = 0;
    for (const seckit_json *m = s->child; m; m = m->next) {
        const char *k = m->key;
        int rc = 0;
        int el = member_element(c, st, m, &rc);
        SKT_GUARD(rc);
        if (el == SKT_EL_EFFECT) {
            if (m->kind == SECKIT_JSON_STRING && strcmp(m->str, "Allow") == 0)
                st->effect = SKT_EFFECT_ALLOW;
            else if (m->kind == SECKIT_JSON_STRING && strcmp(m->str, "Deny") == 0)
                st->effect = SKT_EFFECT_DENY;
            else
                return fail(c, m, "Effect must be \"Allow\" or \"Deny\"", NULL);
            have_effect = 1;
        } else if (el == SKT_EL_SID) {
            if (m->kind != SECKIT_JSON_STRING)
                return fail(c, m, "Sid must be a string", NULL);
            st->sid = skt_arena_strndup(c->a, m->str, m->len);
            if (st->sid == NULL)
                return NOMEM(c);
        } else if (el == SKT_EL_PRINCIPAL || el == SKT_EL_NOT_PRINCIPAL) {
            if (st->has_principal)
                return fail(c, m, "a statement has Principal or NotPrincipal, not both", NULL);
            st->has_principal = 1;
            st->not_principal = k[0] == 'N';
            rc = compile_principal(c, st, (skt_element)el, m);
        } else if (el == SKT_EL_ACTION || el == SKT_EL_NOT_ACTION) {
            if (have_action)
                return fail(c, m, "a statement has Action or NotAction, not both", NULL);
            have_action = 1;
            st->not_action = k[0] == 'N';
            rc = compile_actions(c, st, m);
        } else if (el == SKT_EL_RESOURCE || el == SKT_EL_NOT_RESOURCE) {
            if (st->has_resource)
                return fail(c, m, "a statement has Resource or NotResource, not both", NULL);
            st->has_resource = 1;
            st->not_resource = k[0] == 'N';
            rc = compile_resources(c, st, m);
        } else {
            rc = compile_conditions(c, st, m);
        }
        SKT_GUARD(rc);
    }
    if (!have_effect)
        return fail(c, s, "statement has no Effect", NULL);
    if (!have_action)
        return fail(c, s, "statement has no Action or NotAction", NULL);
    int wants_principal = c->role == SECKIT_EVAL_RESOURCE || c->role == SECKIT_EVAL_RCP;
    if (wants_principal && !st->has_principal)
        return fail(c, s, "a resource-based policy statement needs Principal or NotPrincipal",
                    NULL);
    if (!wants_principal && st->has_principal)
        return fail(c, s, "Principal is only for resource-based policies and RCPs", NULL);
    if (!st->has_resource && c->role != SECKIT_EVAL_RESOURCE)
        return fail(c, s, "statement has no Resource or NotResource", NULL);
    return 0;
}

/* The policy's own elements, in both modes: Version (variables when it is
 * "2012-10-17"), Id, Statement.  *stmts is the Statement member, or NULL in
 * lint mode when it is missing, [] or of the wrong type (each a problem;
 * strict mode fails on the first bad part, except that it takes an Id of
 * any type, no Version and an empty Statement). */
static int compile_top(compile_ctx *c, const seckit_json *root, const seckit_json **stmts)
{
    *stmts = NULL;
    if (root == NULL || root->kind != SECKIT_JSON_OBJECT)
        return bad(c, SKT_PB_NOT_OBJECT, NULL, -1, root, "a policy must be a JSON object", NULL);
    const char *vmsg = "Version must be \"2012-10-17\" or \"2008-10-17\"";
    const seckit_json *version = NULL, *st = NULL;
    int rc;
    for (const seckit_json *m = root->child; m; m = m->next) {
        rc = 0;
        if (m->duplicate_key) {
            rc = bad(c, SKT_PB_DUPLICATE, NULL, -1, m, "duplicate policy element", m->key);
        } else if (strcmp(m->key, "Version") == 0) {
            version = m;
            if (m->kind != SECKIT_JSON_STRING)
                rc = bad(c, SKT_PB_WRONG_TYPE, "Version", -1, m, vmsg, NULL);
            else if (str_is(m, "2012-10-17", 10))
                c->variables = 1;
            else if (!str_is(m, "2008-10-17", 10))
                rc = bad(c, SKT_PB_INVALID, "Version", -1, m, vmsg, NULL);
        } else if (strcmp(m->key, "Statement") == 0) {
            st = m;
        } else if (strcmp(m->key, "Id") == 0) {
            if (c->pb != NULL && m->kind != SECKIT_JSON_STRING)
                rc = problem(c, SKT_PB_WRONG_TYPE, "Id", -1, m);
        } else {
            rc = bad(c, SKT_PB_UNKNOWN, NULL, -1, m, "unknown policy element", m->key);
        }
        SKT_GUARD(rc);
    }
    if (c->pb != NULL) {
        if (version == NULL)
            SKT_GUARD(problem(c, SKT_PB_MISSING, "Version", -1, root));
        c->pb->version = version;
        c->pb->v2012 = c->variables;
    }
    if (st == NULL)
        return bad(c, SKT_PB_MISSING, "Statement", -1, root, "policy has no Statement", NULL);
    if (c->pb != NULL && st->kind == SECKIT_JSON_ARRAY && st->count == 0)
        return problem(c, SKT_PB_EMPTY_LIST, "Statement", -1, st);
    if (st->kind != SECKIT_JSON_OBJECT && st->kind != SECKIT_JSON_ARRAY)
        return bad(c, SKT_PB_WRONG_TYPE, "Statement", -1, st,
                   "Statement must be an object or an array of objects", NULL);
    *stmts = st;
    return 0;
}

int skt_policy_compile(skt_arena *a, const seckit_json *root, seckit_eval_role role,
                       const char *name, const char *file, const seckit_iam_data *data,
                       skt_policy *out, seckit_error *err)
{
    compile_ctx c = {a, data, file, err, 0, role, NULL};
    memset(out, 0, sizeof *out);
    out->role = role;
    out->file = file ? skt_arena_strdup(a, file) : NULL;
    out->name = skt_arena_strdup(a, name ? name : file ? file : seckit_eval_role_name(role));
    if ((file && !out->file) || !out->name)
        return NOMEM(&c);
    const seckit_json *stmts;
    int rc = compile_top(&c, root, &stmts);
    SKT_GUARD(rc);
    out->variables = c.variables;
    size_t n = value_count(stmts);
    out->statements = skt_arena_alloc(a, (n ? n : 1) * sizeof *out->statements);
    if (out->statements == NULL)
        return NOMEM(&c);
    size_t i = 0;
    for (const seckit_json *s = value_at(stmts, NULL); s; s = value_at(stmts, s)) {
        rc = compile_statement(&c, s, i, &out->statements[i]);
        SKT_GUARD(rc);
        i++;
    }
    out->nstatements = i;
    return 0;
}

/* ---- lint mode ---- */

/* Element e of the statement: a string or an array of strings, not []
 * (else a problem, and its bit in st->bad).  With split set, its entries
 * are also split in place into st->actions (an action list) or
 * st->resources (a resource list), in the same pass, one per entry: an
 * entry that is not a string (or the element itself when it is neither a
 * string nor a list) zeroed but for its node. */
static int lint_list(compile_ctx *c, skt_statement *st, skt_element e, int split)
{
    const seckit_json *m = st->elem[e];
    if (m == NULL)
        return 0;
    long si = (long)st->index;
    unsigned bit = 1u << e;
    int res = e == SKT_EL_RESOURCE || e == SKT_EL_NOT_RESOURCE;
    skt_action_pat *p = NULL;
    skt_resource_pat *r = NULL;
    if (split) {
        size_t n = value_count(m);
        if (!res)
            st->not_action = e == SKT_EL_NOT_ACTION;
        if (n > 0) {
            /* every field but span is set below */
            if (res) {
                st->resources = r = skt_arena_alloc_raw(c->a, n * sizeof *st->resources);
                if (r == NULL)
                    return NOMEM(c);
                st->nresources = n;
            } else {
                st->actions = p = skt_arena_alloc_raw(c->a, n * sizeof *st->actions);
                if (p == NULL)
                    return NOMEM(c);
                st->nactions = n;
            }
        }
    }
    if (m->kind == SECKIT_JSON_STRING) {
        if (p != NULL) {
            skt_action_split(m->str, m->len, p);
            p->node = m;
        } else if (r != NULL) {
            skt_resource_split(m->str, m->len, r);
            r->node = m;
        }
        return 0;
    }
    if (m->kind != SECKIT_JSON_ARRAY) {
        if (p != NULL) {
            memset(p, 0, sizeof *p);
            p->node = m;
        } else if (r != NULL) {
            memset(r, 0, sizeof *r);
            r->node = m;
        }
        st->bad |= bit;
        return problem(c, SKT_PB_WRONG_TYPE, element_names[e], si, m);
    }
    for (const seckit_json *v = m->child; v != NULL; v = v->next) {
        if (v->kind == SECKIT_JSON_STRING) {
            if (p != NULL) {
                skt_action_split(v->str, v->len, p);
                (p++)->node = v;
            } else if (r != NULL) {
                skt_resource_split(v->str, v->len, r);
                (r++)->node = v;
            }
            continue;
        }
        if (p != NULL) {
            memset(p, 0, sizeof *p);
            (p++)->node = v;
        } else if (r != NULL) {
            memset(r, 0, sizeof *r);
            (r++)->node = v;
        }
        st->bad |= bit;
        int rc = problem(c, SKT_PB_ENTRY_TYPE, element_names[e], si, v);
        SKT_GUARD(rc);
    }
    if (!(st->bad & bit) && m->count == 0) {
        st->bad |= bit;
        return problem(c, SKT_PB_EMPTY_LIST, element_names[e], si, m);
    }
    return 0;
}

static int lint_statement(compile_ctx *c, const seckit_json *s, size_t index, skt_statement *st)
{
    memset(st, 0, sizeof *st);
    st->index = index;
    st->span = s->span;
    st->node = s;
    st->effect = SKT_EFFECT_NONE;
    long si = (long)index;
    if (s->kind != SECKIT_JSON_OBJECT)
        return problem(c, SKT_PB_NOT_OBJECT, "Statement", si, s);
    int rc = 0;
    for (const seckit_json *m = s->child; m; m = m->next) {
        member_element(c, st, m, &rc);
        SKT_GUARD(rc);
    }
    const seckit_json *const *el = st->elem;
#define TRY(x)                                                                                     \
    do {                                                                                           \
        if ((rc = (x)) != 0)                                                                       \
            return rc;                                                                             \
    } while (0)
    if (el[SKT_EL_SID] != NULL) {
        if (el[SKT_EL_SID]->kind != SECKIT_JSON_STRING)
            TRY(problem(c, SKT_PB_WRONG_TYPE, "Sid", si, el[SKT_EL_SID]));
        else
            st->sid = el[SKT_EL_SID]->str;
    }
    const seckit_json *eff = el[SKT_EL_EFFECT];
    if (eff == NULL)
        TRY(problem(c, SKT_PB_MISSING, "Effect", si, s));
    else if (eff->kind != SECKIT_JSON_STRING)
        TRY(problem(c, SKT_PB_WRONG_TYPE, "Effect", si, eff));
    else if (str_is(eff, "Allow", 5))
        st->effect = SKT_EFFECT_ALLOW;
    else if (str_is(eff, "Deny", 4))
        st->effect = SKT_EFFECT_DENY;
    else
        TRY(problem(c, SKT_PB_INVALID, "Effect", si, eff));
    if (el[SKT_EL_ACTION] != NULL && el[SKT_EL_NOT_ACTION] != NULL)
        TRY(problem(c, SKT_PB_BOTH, "NotAction", si, el[SKT_EL_NOT_ACTION]));
    if (el[SKT_EL_ACTION] == NULL && el[SKT_EL_NOT_ACTION] == NULL)
        TRY(problem(c, SKT_PB_MISSING, "Action", si, s));
    /* Action's entries split, else NotAction's */
    TRY(lint_list(c, st, SKT_EL_ACTION, 1));
    TRY(lint_list(c, st, SKT_EL_NOT_ACTION, el[SKT_EL_ACTION] == NULL));
    if (el[SKT_EL_RESOURCE] != NULL && el[SKT_EL_NOT_RESOURCE] != NULL)
        TRY(problem(c, SKT_PB_BOTH, "NotResource", si, el[SKT_EL_NOT_RESOURCE]));
    /* Resource's entries split, else NotResource's */
    TRY(lint_list(c, st, SKT_EL_RESOURCE, 1));
    TRY(lint_list(c, st, SKT_EL_NOT_RESOURCE, el[SKT_EL_RESOURCE] == NULL));
    if (el[SKT_EL_PRINCIPAL] != NULL && el[SKT_EL_NOT_PRINCIPAL] != NULL)
        TRY(problem(c, SKT_PB_BOTH, "NotPrincipal", si, el[SKT_EL_NOT_PRINCIPAL]));
    if (el[SKT_EL_PRINCIPAL] != NULL || el[SKT_EL_NOT_PRINCIPAL] != NULL)
        TRY(lint_principals(c, st));
    if (el[SKT_EL_CONDITION] != NULL)
        TRY(compile_conditions(c, st, el[SKT_EL_CONDITION]));
#undef TRY
    st->has_principal = el[SKT_EL_PRINCIPAL] != NULL || el[SKT_EL_NOT_PRINCIPAL] != NULL;
    st->not_principal = el[SKT_EL_PRINCIPAL] == NULL && st->has_principal;
    st->has_resource = el[SKT_EL_RESOURCE] != NULL || el[SKT_EL_NOT_RESOURCE] != NULL;
    st->not_resource = el[SKT_EL_RESOURCE] == NULL && st->has_resource;
    return 0;
}

int skt_policy_compile_lint(skt_arena *a, const seckit_json *root, const seckit_iam_data *data,
                            skt_policy *out, skt_problems *pb, seckit_error *err)
{
    compile_ctx c = {a, data, NULL, err, 0, SECKIT_EVAL_IDENTITY, pb};
    memset(out, 0, sizeof *out);
    memset(pb, 0, sizeof *pb);
    const seckit_json *stmts;
    int rc = compile_top(&c, root, &stmts);
    SKT_GUARD(rc);
    out->variables = c.variables;
    if (stmts == NULL)
        return 0;
    pb->statement = stmts;
    size_t n = value_count(stmts);
    /* cleared one by one by lint_statement (one big clear costs more) */
    out->statements = skt_arena_alloc_raw(a, n * sizeof *out->statements);
    if (out->statements == NULL)
        return NOMEM(&c);
    for (const seckit_json *s = value_at(stmts, NULL); s; s = value_at(stmts, s)) {
        rc = lint_statement(&c, s, out->nstatements, &out->statements[out->nstatements]);
        out->nstatements++;
        SKT_GUARD(rc);
    }
    return 0;
}

int skt_action_match(const skt_action_pat *pat, const char *svc, size_t svc_len, const char *name,
                     size_t name_len)
{
    if (pat->all)
        return 1;
    return skt_glob_match(pat->service, pat->service_len, svc, svc_len, 1) &&
           skt_glob_match(pat->name, pat->name_len, name, name_len, 1);
}
