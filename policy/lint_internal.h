/* policy/lint_internal.h - what the linter's files share: the linter's and
 * a statement's state, small helpers, and the functions one family of checks
 * calls in another's file (policy/lint.c, policy/lint_trust.c).  Private to
 * policy/; not installed. */
#ifndef SECKIT_POLICY_LINT_INTERNAL_H
#define SECKIT_POLICY_LINT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "policy/checks.h"
#include "policy/internal.h"
#include "policy/model.h"
#include "seckit/policy.h"
#include "seckit/json.h"
#include "seckit/iam_data.h"

/* An action to look up in many statements: its length and the hash of
 * its service prefix, computed once. */
typedef struct action_key {
    const char *s;
    size_t len;
    int has_colon;
    unsigned h;
} action_key;

typedef struct lint {
    skt_arena *a;
    const seckit_policy_lint_options *o;
    seckit_policy_type type;
    seckit_policy_resource_type rtype;
    const seckit_iam_data *data;
    seckit_policy_finding *items;
    size_t n, cap;
    int v2012;
    int oom;
    /* the policy text when linting text: its characters are counted only
     * when it is longer than the size limit (else neither count can be) */
    const char *text;
    size_t text_len;
    /* keys of credential_actions and exfil_actions, made on first use */
    action_key cred_keys[40], exfil_keys[8];
    int keys_made;
    /* the ones of those lists that take only Resource "*" (bit i: the
     * list's action i), from the service data */
    uint64_t cred_star_only, exfil_star_only;
    /* the Action entries of the statement being linted, in order, as
     * skt_lint_check_action_value looked them up (so skt_lint_check_own_statement need not
     * again); grown as needed, freed at the end */
    struct action_lookup *lookups;
    size_t nlookups, lookups_cap;
    /* the example account ids already reported (bit 1 + their position) */
    unsigned example_seen;
} lint;

typedef struct action_lookup {
    int done;    /* looked up: action is the result */
    int invalid; /* reported as INVALID_ACTION / INVALID_SERVICE_IN_ACTION */
    const skt_iam_action *action;
} action_lookup;

struct cov_entry {
    unsigned h;
    const seckit_json *v;
    size_t next; /* the next entry (position + 1) with the same hash; 0: none */
};

struct cov_bucket {
    unsigned h;
    size_t first; /* position + 1 of the first entry with hash h; 0: empty */
};

typedef struct stmt {
    const seckit_json *node;
    long idx;
    const char *sid;
    const seckit_json *sid_n, *effect, *principal, *notprincipal, *action, *notaction, *resource,
        *notresource, *condition;
    int allow, deny;
    /* The Action (or else NotAction) string entries for stmt_covers: the
     * first nscan have a wildcard before their first ':' or no ':' at all;
     * the rest can match only actions with their (literal) service prefix:
     * they are chained by the hash of that prefix, from a hash table of
     * cov_nslots buckets (a power of two; 0 when there are none), stored
     * in the same allocation.  NULL: match every entry. */
    struct cov_entry *cov;
    size_t ncov, nscan;
    struct cov_bucket *cov_buckets;
    size_t cov_nslots;
    /* The same list's entries as the lint-mode compile split them
     * (skt_policy_compile_lint: in order, one per entry; non-strings:
     * service and name NULL, all 0; node set, span not: read the node's).
     * NULL when there is no list. */
    const skt_action_pat *acts;
    size_t nacts;
    /* the statement compiled in lint mode: its element nodes, effect,
     * split actions */
    const skt_statement *m;
} stmt;

/* ------------------------------------------------------------------ */
/* small helpers */

static inline int is_str(const seckit_json *n)
{
    return n != NULL && n->kind == SECKIT_JSON_STRING;
}

static inline const seckit_json *first_val(const seckit_json *n)
{
    if (n == NULL)
        return NULL;
    return n->kind == SECKIT_JSON_ARRAY ? n->child : n;
}

static inline const seckit_json *next_val(const seckit_json *n, const seckit_json *v)
{
    return n->kind == SECKIT_JSON_ARRAY ? v->next : NULL;
}

#define FOR_VALUES(v, n) for (const seckit_json *v = first_val(n); v != NULL; v = next_val((n), v))

static inline int streq(const seckit_json *n, const char *s)
{
    return is_str(n) && n->len == strlen(s) && memcmp(n->str, s, n->len) == 0;
}

static inline int has_wild(const char *s, size_t n)
{
    return memchr(s, '*', n) != NULL || memchr(s, '?', n) != NULL;
}

/* The length of the text before the first wildcard ('*' or '?'). */
static inline size_t literal_head(const char *s, size_t n)
{
    const char *star = memchr(s, '*', n);
    size_t head = star != NULL ? (size_t)(star - s) : n;
    const char *q = memchr(s, '?', head);
    return q != NULL ? (size_t)(q - s) : head;
}

static inline int all_digits(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static inline int is_account(const char *s, size_t n)
{
    return n == 12 && all_digits(s, n);
}

static inline int ci_prefix(const char *s, size_t n, const char *prefix)
{
    size_t pl = strlen(prefix);
    return n >= pl && strncasecmp(s, prefix, pl) == 0;
}

static inline int ci_eq(const char *s, size_t n, const char *t)
{
    return n == strlen(t) && strncasecmp(s, t, n) == 0;
}

/* How many of st->acts are Action's entries: all, or none when the
 * statement has no Action (they are then NotAction's). */
static inline size_t stmt_naction_entries(const stmt *st)
{
    return st->action != NULL ? st->nacts : 0;
}

/* The text of an entry as the lint-mode compile split it in place, when
 * it is a string with a ':' (not "*"): service ':' name, *len its length;
 * else NULL. */
static inline const char *action_entry_text(const skt_action_pat *p, size_t *len)
{
    if (p->service == NULL || p->all)
        return NULL;
    *len = p->service_len + 1 + p->name_len;
    return p->service;
}

/* Add a finding of check ck at node n (its key's span when keyspan). */
void skt_lint_add(lint *l, int ck, const stmt *st, const seckit_json *n, int keyspan,
                  const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
/* Give the finding added last k more locations: the nodes' spans. */
void skt_lint_add_locations(lint *l, const seckit_json *const *nodes, size_t k);
/* The statement's condition value for key (any operator), or NULL. */
const seckit_json *skt_lint_cond_key(const stmt *st, const char *key);
/* The same for the first key starting with prefix. */
const seckit_json *skt_lint_cond_key_prefix(const stmt *st, const char *prefix, size_t pl);
/* Does the statement's Action (NotAction) cover action? */
int skt_lint_stmt_covers(const stmt *st, const char *action);
/* The kind of a Federated principal ("oidc", "saml", ...) and its host. */
const char *skt_lint_federated_kind(const char *s, size_t n, const char **host, size_t *hostlen);

/* lint_trust.c: role trust policy checks of one statement. */
void skt_lint_check_trust_statement(lint *l, const stmt *st);

/* lint_structure.c: the one pass over the tree (skt_policy_compile_lint)
 * and the findings for its problems (elements, types, Version, Effect);
 * Sid, variables, repeats, size; the walk over the compiled statements (0,
 * or SECKIT_ENOMEM). */
int skt_lint_root(lint *l, const seckit_json *root, size_t nonws, size_t all);
/* Policy variables inside a string value: syntax, and where they may be. */
void skt_lint_check_variables(lint *l, const stmt *st, const seckit_json *v, int allowed,
                              const char *element);
/* Point the finding added last, if the count was before, at characters
 * [at, at + len) of the string value v (a variable in it). */
void skt_lint_at_variable(lint *l, size_t before, const seckit_json *v, size_t at, size_t len);

/* lint_actions.c: action names, coverage, redundant list entries. */
void skt_lint_stmt_index_actions(stmt *st);
action_key skt_lint_make_key(const char *action);
int skt_lint_stmt_covers_key(const stmt *st, const action_key *k);
/* The Action entry that covers action literally (no wildcard), or any. */
const seckit_json *skt_lint_entry_covering(const stmt *st, const char *action, int *wild);
/* One Action/NotAction string entry v, p its split (skt_action_split). */
void skt_lint_check_action_value(lint *l, const stmt *st, const seckit_json *v,
                                 const skt_action_pat *p, action_lookup *lk);
/* Redundant entries of an Action/NotAction (marks: its entries' lookups,
 * or NULL) or Resource/NotResource list (marks NULL). */
void skt_lint_check_redundant(lint *l, const stmt *st, const seckit_json *list, int ck, int ci,
                              const char *what, const action_lookup *marks);

/* lint_resources.c: one Resource/NotResource value; ARN field helpers the
 * principal and condition checks share; the service whose actions a
 * resource type's policy grants (NULL: any). */
void skt_lint_check_resource_value(lint *l, const stmt *st, const seckit_json *v,
                                   const skt_resource_pat *p);
int skt_lint_valid_partition(const char *s, size_t n);
int skt_lint_looks_like_region(const char *s, size_t n);
int skt_lint_looks_like_placeholder(const char *s, size_t n);
int skt_lint_is_example_account(const char *s, size_t n);
/* EXAMPLE_ACCOUNT_ID for the account id s at v, once per id and policy. */
void skt_lint_check_example_account(lint *l, const stmt *st, const seckit_json *v, const char *s,
                                    size_t n);
const char *skt_lint_rtype_service(seckit_policy_resource_type t);

/* lint_principals.c: the values of a statement's Principal (is_not:
 * NotPrincipal), as the lint-mode compile classified them. */
void skt_lint_check_principal(lint *l, const stmt *st, int is_not);

/* lint_conditions.c: a statement's Condition block. */
void skt_lint_check_condition(lint *l, const stmt *st, const seckit_json *c);

/* lint_security.c: PassRole/CreateServiceLinkedRole with every resource,
 * seckit's own checks of a statement, privilege escalation across them. */
void skt_lint_check_sensitive_action(lint *l, const stmt *st, const char *action,
                                     const char *service_key, int ck_not_res,
                                     int ck_star_action_not_res, int ck_not_action_not_res,
                                     int ck_star_res, int ck_star_action_res,
                                     int ck_star_res_not_action);
void skt_lint_check_own_statement(lint *l, const stmt *st);
void skt_lint_check_escalation(lint *l, const stmt *stmts, size_t nst);

/* lint_fit.c: actions against the resource types of the statement's
 * Resource entries; "effectively star" entries (every role, every object):
 * the "*" entry or the one covering every resource of a type of action
 * (NULL: none); the credentials/exfiltration/exposure lists for such
 * entries (the caller handles "*" and NotResource itself; cred and exfil
 * are the lists whose keys l->cred_keys and l->exfil_keys hold, made). */
void skt_lint_check_fit(lint *l, const stmt *st);
const seckit_json *skt_lint_effectively_star(lint *l, const stmt *st, const char *action);
void skt_lint_check_star_lists(lint *l, const stmt *st, const char *const *cred, size_t ncred,
                               const char *const *exfil, size_t nexfil);
/* UNSUPPORTED_ACTION_FOR_CONDITION_KEY for a service key that some of the
 * statement's actions (wildcards expanded) take and others do not. */
void skt_lint_check_key_support(lint *l, const stmt *st);

/* lint_public.c: Principal "*" without a condition on the caller in a
 * bucket, queue, topic, key or secret policy. */
void skt_lint_check_public(lint *l, const stmt *st);

/* lint_values.c: the partition that has region s[0..n), or NULL. */
const char *skt_lint_region_partition(const char *s, size_t n);

#endif
