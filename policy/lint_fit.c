/* policy/: the linter's checks of whether a statement's actions and
 * resources fit together, decided by the service data's ARN pattern of each
 * resource type:
 *  - ACTION_RESOURCE_MISMATCH: an action none of whose resource types any
 *    Resource entry can be (s3:GetObject on a bucket ARN);
 *  - "effectively star": a Resource entry that covers every resource of a
 *    type (every role: arn:aws:iam::*:role/ and a star; every object: arn:aws:s3::: star slash star), which the PassRole,
 *    credentials, exfiltration and exposure checks treat as "*".
 * Only hooks in the other files call these (lint_structure.c's statement
 * walk, lint_security.c's star tests). */
#include "config.h"

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
/* can a policy glob and a service-data ARN pattern name the same ARN? */

/* The largest product of lengths intersect() works on; past it a pair is
 * taken to fit (no finding rather than a guess). */
#define FIT_STATES 8192u

static int lower_eq(char a, char b)
{
    if (a >= 'A' && a <= 'Z')
        a = (char)(a + 32);
    if (b >= 'A' && b <= 'Z')
        b = (char)(b + 32);
    return a == b;
}

/* Is there a string that glob g ('*' any run, '?' one character) matches
 * and that fits a resource type's resource field p, written with each
 * ${X} as a '*' (skt_iam_rtype.res_glob)?  A placeholder takes one or more
 * characters other than '/' and ':' -- the rest when it ends the field
 * right after a '/' (as skt_arn_pattern_fits); unlike there, also anything
 * when it neither starts the field nor has a '/' after it: log group and
 * secret names hold '/' ("log-group:/aws/lambda/f:*").  Literal
 * characters compare case-insensitively (the lenient choice). */
static int intersect(const char *g, size_t gn, const char *p, size_t pn)
{
    /* quick answers: "*", and literal heads or tails that differ */
    if (gn == 1 && g[0] == '*')
        return 1;
    size_t h = 0;
    while (h < gn && h < pn && g[h] != '*' && g[h] != '?' && p[h] != '*') {
        if (!lower_eq(g[h], p[h]))
            return 0;
        h++;
    }
    if (h == gn && h == pn)
        return 1;
    if ((h == gn) != (h == pn) && (h == gn ? p[h] != '*' : (g[h] != '*' && g[h] != '?')))
        return 0;
    for (size_t t = 1; t <= gn && t <= pn; t++) {
        char gc = g[gn - t], pc = p[pn - t];
        if (gc == '*' || gc == '?' || pc == '*')
            break;
        if (!lower_eq(gc, pc))
            return 0;
    }
    /* the pattern as tokens: literal characters, or placeholders (0: no
     * '/' or ':', 1: anything) */
    char tok[256];
    signed char cls[256];
    size_t tn = 0;
    for (size_t i = 0; i < pn; i++) {
        if (tn >= sizeof(tok))
            return 1;
        if (p[i] != '*') {
            tok[tn] = p[i];
            cls[tn++] = -1;
            continue;
        }
        int after_slash = i > 0 && p[i - 1] == '/';
        tok[tn] = 0;
        if (i + 1 == pn && after_slash)
            cls[tn] = 1;
        else if (i == 0 || memchr(p + i + 1, '/', pn - i - 1) != NULL)
            cls[tn] = 0; /* a bucket name, a path segment */
        else
            cls[tn] = 1; /* a name after "log-group:" or "secret:": may hold
                            '/' (and ':', as in log-group:NAME:*) */
        tn++;
    }
    size_t w = tn + 1;
    if ((gn + 1) * w * 2 > FIT_STATES)
        return 1;
    /* reachable states (i in g, j in tokens, k: inside placeholder j) */
    unsigned char seen[FIT_STATES];
    uint16_t stack[FIT_STATES]; /* state numbers, all below FIT_STATES */
    size_t sp = 0;
    memset(seen, 0, (gn + 1) * w * 2);
#define ST(i, j, k) ((((i)*w) + (j)) * 2 + (k))
#define PUSH(i, j, k)                                                                              \
    do {                                                                                           \
        size_t s_ = ST(i, j, k);                                                                   \
        if (!seen[s_]) {                                                                           \
            seen[s_] = 1;                                                                          \
            stack[sp++] = (uint16_t)s_;                                                            \
        }                                                                                          \
    } while (0)
    PUSH(0, 0, 0);
    while (sp > 0) {
        size_t s = stack[--sp];
        size_t k = s % 2, j = (s / 2) % w, i = s / 2 / w;
        if (i == gn && j == tn && k == 0)
            return 1;
        if (i < gn && g[i] == '*')
            PUSH(i + 1, j, k);
        if (k == 1)
            PUSH(i, j + 1, 0);
        if (i == gn || j == tn)
            continue;
        /* one character that both sides take */
        char gc = g[i];
        int ok;
        if (gc == '*' || gc == '?')
            ok = 1;
        else if (cls[j] < 0)
            ok = lower_eq(gc, tok[j]);
        else
            ok = cls[j] == 1 || (gc != '/' && gc != ':');
        if (!ok)
            continue;
        size_t ni = gc == '*' ? i : i + 1;
        if (cls[j] < 0)
            PUSH(ni, j + 1, 0);
        else
            PUSH(ni, j, 1);
    }
#undef PUSH
#undef ST
    return 0;
}

/* Is a field of the entry empty or only '*'s (so it fits an empty field)? */
static int empty_or_star(const char *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (f[i] != '*')
            return 0;
    return 1;
}

/* Can Resource entry r (an ARN, possibly with wildcards, with a literal
 * service field) name a resource of type t?  From the type's precomputed
 * fields: its partition is a placeholder, a region and an account either
 * a placeholder or absent; the resource field is matched by intersect().
 * Unknown shapes fit. */
static int resource_fits_type(const skt_arn *r, const skt_iam_rtype *t)
{
    if (t == NULL || t->arn == NULL || !t->valid)
        return 1;
    if (!ci_eq(r->f[SKT_ARN_SERVICE], r->len[SKT_ARN_SERVICE], "") &&
        !(r->len[SKT_ARN_SERVICE] == t->arn_svc_len &&
          strncasecmp(r->f[SKT_ARN_SERVICE], t->arn_svc, t->arn_svc_len) == 0))
        return 0;
    /* (an empty region is not taken for a ${Region}: "arn:aws:s3:::*" is a
     * bucket pattern, not an access point's) */
    if (t->has_region ? r->len[SKT_ARN_REGION] == 0
                      : !empty_or_star(r->f[SKT_ARN_REGION], r->len[SKT_ARN_REGION]))
        return 0;
    /* AWS-owned resources have no account (arn:aws:ssm:*::document/AWS-...) */
    if (!t->has_account && !empty_or_star(r->f[SKT_ARN_ACCOUNT], r->len[SKT_ARN_ACCOUNT]))
        return 0;
    if (t->res_glob == NULL)
        return 1;
    return intersect(r->f[SKT_ARN_RESOURCE], r->len[SKT_ARN_RESOURCE], t->res_glob,
                     t->res_glob_len);
}

/* ------------------------------------------------------------------ */
/* ACTION_RESOURCE_MISMATCH */

#define FIT_MAX_RES 64

typedef struct fit_res {
    const seckit_json *v;
    skt_arn arn;
    int wild;
} fit_res;

/* The statement's answers so far, by the resource-type names that actions
 * give (a->resources, "object*,bucket"): does some entry fit the type
 * (1), not (0), or is the type unknown to the data (-1)? */
typedef struct fit_cache {
    struct {
        const char *svc, *tok;
        size_t pl, nl;
        signed char fit;
    } e[160];
    size_t n;
} fit_cache;

static int token_fits(const seckit_iam_data *d, fit_cache *c, const char *svc, size_t pl,
                      const char *tok, size_t nl, const fit_res *res, size_t nres)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->e[i].pl == pl && c->e[i].nl == nl && memcmp(c->e[i].tok, tok, nl) == 0 &&
            strncasecmp(c->e[i].svc, svc, pl) == 0)
            return c->e[i].fit;
    char name[200];
    int f = -1;
    if (pl + 1 + nl < sizeof(name)) {
        memcpy(name, svc, pl);
        name[pl] = ':';
        memcpy(name + pl + 1, tok, nl);
        const skt_iam_rtype *t = skt_iam_rtype_find(d, name, pl + 1 + nl);
        if (t != NULL && t->arn != NULL && t->valid) {
            f = 0;
            for (size_t r = 0; r < nres && !f; r++)
                f = resource_fits_type(&res[r].arn, t);
        }
    }
    if (c->n < SKT_ARRAY_LEN(c->e)) {
        c->e[c->n].svc = svc;
        c->e[c->n].pl = pl;
        c->e[c->n].tok = tok;
        c->e[c->n].nl = nl;
        c->e[c->n++].fit = (signed char)f;
    }
    return f;
}

/* 1: some resource type of a fits some entry; 0: none does; -1: unknown
 * (a wildcard-only action, or types the data does not describe). */
static int action_fits(const seckit_iam_data *d, const skt_iam_action *a, const fit_res *res,
                       size_t nres, fit_cache *c)
{
    if (a->wildcard_only || a->resources == NULL || a->resources[0] == '\0')
        return -1;
    const char *colon = strchr(a->name, ':');
    if (colon == NULL)
        return -1;
    size_t pl = (size_t)(colon - a->name);
    int unknown = 0;
    for (const char *p = a->resources; *p;) {
        const char *e = strchr(p, ',');
        size_t el = e != NULL ? (size_t)(e - p) : strlen(p);
        size_t nl = el > 0 && p[el - 1] == '*' ? el - 1 : el;
        int f = token_fits(d, c, a->name, pl, p, nl, res, nres);
        if (f == 1)
            return 1;
        if (f < 0)
            unknown = 1;
        if (e == NULL)
            break;
        p = e + 1;
    }
    return unknown ? -1 : 0;
}

/* Can the entry be some resource type that the data has for its service?
 * When not, the data has a gap (or another check reports the ARN): no
 * verdict on the statement. */
static int entry_known(const seckit_iam_data *d, const fit_res *r)
{
    size_t first = 0, nt = skt_iam_rtypes_for_arn_service(d, r->arn.f[SKT_ARN_SERVICE],
                                                          r->arn.len[SKT_ARN_SERVICE], &first);
    for (size_t k = 0; k < nt; k++) {
        const skt_iam_rtype *t = d->by_arn_service[first + k];
        if (t->arn != NULL && t->valid && resource_fits_type(&r->arn, t))
            return 1;
    }
    return 0;
}

/* "s3:object" and its ARN pattern, for the message. */
static void describe_types(const seckit_iam_data *d, const skt_iam_action *a, char *buf, size_t cap)
{
    skt_action_rtype rt[32];
    size_t nrt = skt_iam_action_rtypes(d, a, rt, SKT_ARRAY_LEN(rt));
    size_t bl = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < nrt && k < SKT_ARRAY_LEN(rt) && k < 3; k++) {
        int m = snprintf(buf + bl, cap - bl, "%s%s (%s)", bl ? ", " : "", rt[k].rtype->name,
                         rt[k].rtype->arn);
        if (m < 0 || (size_t)m >= cap - bl) {
            buf[bl] = '\0';
            break;
        }
        bl += (size_t)m;
    }
    if (nrt > 3 && bl + 6 < cap)
        snprintf(buf + bl, cap - bl, ", ...");
}

/* The statement's Resource entries as ARNs; 0 when some entry may be
 * anything ("*", not an ARN, variables, a wildcard service, too many). */
static size_t collect_res(const stmt *st, fit_res *res)
{
    size_t nres = 0;
    if (st->resource == NULL)
        return 0;
    /* Resource's entries as the lint-mode compile split them, in place (a
     * non-string one with no text) */
    const skt_statement *ms = st->m;
    for (size_t i = 0; i < ms->nresources; i++) {
        const skt_resource_pat *p = &ms->resources[i];
        if (p->text == NULL || nres == FIT_MAX_RES || skt_vars_present(p->text, p->len) ||
            !p->is_arn || has_wild(p->arn.f[SKT_ARN_SERVICE], p->arn.len[SKT_ARN_SERVICE]))
            return 0;
        res[nres].arn = p->arn;
        res[nres].v = p->node;
        res[nres].wild = has_wild(p->text, p->len);
        nres++;
    }
    return nres;
}

void skt_lint_check_fit(lint *l, const stmt *st)
{
    if (l->data == NULL || st->action == NULL || st->resource == NULL || st->notaction != NULL ||
        st->notresource != NULL)
        return;
    fit_res res[FIT_MAX_RES];
    size_t nres = collect_res(st, res);
    if (nres == 0)
        return;
    fit_cache cache;
    cache.n = 0;
    int known = -1;                 /* entry_known of every entry, found before the first finding */
    const skt_iam_rtype *is = NULL; /* the first entry's type, for the messages */
    int is_made = 0;
    for (size_t pos = 0; pos < stmt_naction_entries(st); pos++) {
        const skt_action_pat *ap = &st->acts[pos];
        const seckit_json *v = ap->node;
        const action_lookup *lk = pos < l->nlookups ? &l->lookups[pos] : NULL;
        if (!is_str(v) || ap->service == NULL || ap->service_wild)
            continue;
        /* two services (Classic and v2 load balancers) share this prefix;
         * the data holds one's resource lists */
        if (ci_eq(ap->service, ap->service_len, "elasticloadbalancing"))
            continue;
        const skt_iam_action *first_bad = NULL;
        int verdict;
        if (!has_wild(v->str, v->len)) {
            const skt_iam_action *a =
                lk != NULL && lk->done ? lk->action : skt_iam_action_find(l->data, v->str, v->len);
            if (a == NULL)
                continue;
            verdict = action_fits(l->data, a, res, nres, &cache);
            first_bad = a;
        } else {
            /* a pattern: reported only when no action it matches fits (and
             * at least one that it matches has resource types) */
            const skt_iam_service *svc =
                skt_iam_service_find(l->data, ap->service, ap->service_len);
            if (svc == NULL)
                continue;
            verdict = -1;
            size_t head = literal_head(v->str, v->len);
            for (size_t i = 0; i < svc->action_count && verdict != 1; i++) {
                const skt_iam_action *a = &l->data->actions[svc->action_first + i];
                if (a->name_len < head || strncasecmp(a->name, v->str, head) != 0 ||
                    !skt_glob_match(v->str, v->len, a->name, a->name_len, 1))
                    continue;
                int f = action_fits(l->data, a, res, nres, &cache);
                if (f == 1)
                    verdict = 1;
                else if (f == 0 && verdict == -1) {
                    verdict = 0;
                    first_bad = a;
                }
            }
        }
        if (verdict != 0 || first_bad == NULL)
            continue;
        if (known < 0) {
            known = 1;
            for (size_t r = 0; r < nres && known; r++)
                known = entry_known(l->data, &res[r]);
        }
        if (!known)
            return;
        char types[400];
        describe_types(l->data, first_bad, types, sizeof(types));
        if (!is_made) {
            is = res[0].wild ? NULL : skt_arn_resource_type(l->data, res[0].v->str, res[0].v->len);
            is_made = 1;
        }
        char what[300];
        if (is != NULL && !res[0].wild)
            snprintf(what, sizeof(what), "'%.*s' is of type %s",
                     (int)(res[0].v->len > 200 ? 200 : res[0].v->len), res[0].v->str, is->name);
        else
            snprintf(what, sizeof(what), "'%.*s'%s cannot be one",
                     (int)(res[0].v->len > 200 ? 200 : res[0].v->len), res[0].v->str,
                     nres > 1 ? " and the others" : "");
        if (has_wild(v->str, v->len))
            skt_lint_add(
                l, CK_ACTION_RESOURCE_MISMATCH, st, v, 0,
                "no action of '%.*s' applies to the statement's resources, so it grants nothing: %s takes %s; %s",
                (int)v->len, v->str, first_bad->display, types, what);
        else
            skt_lint_add(
                l, CK_ACTION_RESOURCE_MISMATCH, st, v, 0,
                "%s applies to none of the statement's resources, so it is not granted: it takes %s; %s",
                first_bad->display, types, what);
    }
}

/* ------------------------------------------------------------------ */
/* effectively star */

/* Does glob r (of a Resource entry's resource field) match every resource
 * field that a type's resource pattern allows?  Checked as: r matches the
 * type's res_glob (each ${X} written '*') taken as text, where a '*' of
 * the text can only be taken by a '*' of r (r's literal characters never
 * are '*'), so r = "role/" plus "*" covers "role/${RoleNameWithPath}".  r
 * with '?' is never taken to cover. */
static int covers_pattern(const char *r, size_t rn, const char *g, size_t gn)
{
    if (memchr(r, '?', rn) != NULL || memchr(r, '*', rn) == NULL)
        return 0;
    return skt_glob_match(r, rn, g, gn, 0);
}

/* Does entry v cover every resource of type t (its service and resource
 * field; the region and account fields do not matter: every role of one
 * account is still every role the account can pass)? */
static int entry_covers_type(const skt_arn *r, const skt_iam_rtype *t)
{
    if (t == NULL || t->arn == NULL || !t->valid || t->res_glob == NULL)
        return 0;
    const char *rr = r->f[SKT_ARN_RESOURCE];
    size_t rn = r->len[SKT_ARN_RESOURCE];
    /* a literal first character that the pattern's does not have */
    if (rn > 0 && rr[0] != '*' && t->res_glob_len > 0 && t->res_glob[0] != '*' &&
        rr[0] != t->res_glob[0])
        return 0;
    if (!skt_glob_match(r->f[SKT_ARN_SERVICE], r->len[SKT_ARN_SERVICE], t->arn_svc, t->arn_svc_len,
                        1))
        return 0;
    return covers_pattern(rr, rn, t->res_glob, t->res_glob_len);
}

/* The entry of st covering every resource of a type of action a, or NULL. */
static const seckit_json *covering_entry(lint *l, const stmt *st, const skt_iam_action *a)
{
    skt_action_rtype rt[32];
    size_t nrt = skt_iam_action_rtypes(l->data, a, rt, SKT_ARRAY_LEN(rt));
    if (nrt > SKT_ARRAY_LEN(rt))
        nrt = SKT_ARRAY_LEN(rt);
    /* when the action requires some types, covering an optional one (every
     * glue database for glue:PutResourcePolicy, whose catalog is required)
     * is not every resource */
    int any_required = 0;
    for (size_t k = 0; k < nrt; k++)
        any_required |= rt[k].required;
    /* Resource's entries as the lint-mode compile split them, in place */
    const skt_statement *ms = st->m;
    for (size_t i = 0; i < ms->nresources; i++) {
        const skt_resource_pat *r = &ms->resources[i];
        if (r->text == NULL || r->len < 4 || memchr(r->text, '*', r->len) == NULL ||
            skt_vars_present(r->text, r->len) || !r->is_arn)
            continue;
        for (size_t k = 0; k < nrt; k++)
            if ((rt[k].required || !any_required) && entry_covers_type(&r->arn, rt[k].rtype))
                return r->node;
    }
    return NULL;
}

const seckit_json *skt_lint_effectively_star(lint *l, const stmt *st, const char *action)
{
    if (st->resource == NULL)
        return NULL;
    /* Resource's entries as the lint-mode compile split them */
    const skt_statement *ms = st->m;
    for (size_t i = 0; i < ms->nresources; i++)
        if (ms->resources[i].all)
            return ms->resources[i].node;
    if (l->data == NULL || action == NULL)
        return NULL;
    const skt_iam_action *a = skt_iam_action_find(l->data, action, strlen(action));
    return a != NULL ? covering_entry(l, st, a) : NULL;
}

/* Append name to a ", "-separated list (up to five names, then "..."). */
static void list_add(char *list, size_t cap, size_t *count, const char *name)
{
    size_t ll = strlen(list);
    if (*count < 5 && ll + strlen(name) + 3 < cap)
        snprintf(list + ll, cap - ll, "%s%s", ll ? ", " : "", name);
    else if (*count == 5 && ll + 6 < cap)
        snprintf(list + ll, cap - ll, ", ...");
    (*count)++;
}

/* The permissions-management actions (up to cap, into cand) that Action
 * entry ap names: a literal one by its lookup (lk, when done), a pattern
 * within its service's list.  Returns how many. */
static size_t perm_actions_named(lint *l, const skt_action_pat *ap, const action_lookup *lk,
                                 const skt_iam_action **cand, size_t cap)
{
    const seckit_json *v = ap->node;
    size_t ncand = 0;
    size_t head = literal_head(v->str, v->len);
    if (head == v->len) {
        const skt_iam_action *a =
            lk != NULL && lk->done ? lk->action : skt_iam_action_find(l->data, v->str, v->len);
        if (a != NULL && a->perm_pos != SIZE_MAX && cap > 0)
            cand[ncand++] = a;
        return ncand;
    }
    const skt_iam_service *svc = skt_iam_service_find(l->data, ap->service, ap->service_len);
    for (size_t i = 0; svc != NULL && i < svc->perm_count && ncand < cap; i++) {
        const skt_iam_action *pa = &l->data->actions[l->data->perm_actions[svc->perm_first + i]];
        if (pa->name_len >= head && strncasecmp(pa->name, v->str, head) == 0 &&
            skt_glob_match(v->str, v->len, pa->name, pa->name_len, 1))
            cand[ncand++] = pa;
    }
    return ncand;
}

void skt_lint_check_star_lists(lint *l, const stmt *st, const char *const *cred, size_t ncred,
                               const char *const *exfil, size_t nexfil)
{
    if (l->data == NULL || st->resource == NULL || st->action == NULL)
        return;
    /* first, cheaply: an entry whose resource part has a '*' (and no '?') */
    int any = 0;
    const skt_statement *ms = st->m;
    for (size_t i = 0; i < ms->nresources; i++) {
        const skt_resource_pat *r = &ms->resources[i];
        const char *star = r->text != NULL ? memchr(r->text, '*', r->len) : NULL;
        if (star != NULL && memchr(r->text, '?', r->len) == NULL &&
            !skt_vars_present(r->text, r->len))
            any = 1;
    }
    if (!any)
        return;
    const seckit_json *where = st->action;
    char list[400];
    for (int pass = 0; pass < 2; pass++) {
        const char *const *acts = pass ? exfil : cred;
        size_t nacts = pass ? nexfil : ncred;
        size_t count = 0;
        const seckit_json *via = NULL;
        list[0] = '\0';
        for (size_t i = 0; i < nacts; i++) {
            const action_key *key = pass ? &l->exfil_keys[i] : &l->cred_keys[i];
            if (!(l->keys_made ? skt_lint_stmt_covers_key(st, key)
                               : skt_lint_stmt_covers(st, acts[i])))
                continue;
            const seckit_json *e = skt_lint_effectively_star(l, st, acts[i]);
            if (e == NULL)
                continue;
            if (via == NULL)
                via = e;
            list_add(list, sizeof(list), &count, acts[i]);
        }
        if (count == 0)
            continue;
        if (pass == 0)
            skt_lint_add(
                l, CK_CREDENTIALS_EXPOSURE, st, where, 1,
                "allows actions that return credentials on every resource of their type ('%.*s' covers them all): %s",
                (int)(via->len > 200 ? 200 : via->len), via->str, list);
        else
            skt_lint_add(
                l, CK_DATA_EXFILTRATION, st, where, 1,
                "allows reading data on every resource of its type ('%.*s' covers them all): %s; name the buckets, "
                "parameters or secrets",
                (int)(via->len > 200 ? 200 : via->len), via->str, list);
    }
    /* permissions-management actions the Action entries name: a literal
     * one by its lookup, a pattern within its service's list ("*" and
     * service wildcards: not here, the existing "*" path has them) */
    size_t count = 0;
    const seckit_json *via = NULL;
    const skt_iam_action *seen[64];
    size_t nseen = 0;
    list[0] = '\0';
    for (size_t pos = 0; pos < stmt_naction_entries(st); pos++) {
        const skt_action_pat *ap = &st->acts[pos];
        const seckit_json *v = ap->node;
        const action_lookup *lk = pos < l->nlookups ? &l->lookups[pos] : NULL;
        if (!is_str(v) || ap->service == NULL || ap->service_wild)
            continue;
        const skt_iam_action *cand[64];
        size_t ncand = perm_actions_named(l, ap, lk, cand, SKT_ARRAY_LEN(cand));
        for (size_t c = 0; c < ncand; c++) {
            int dup = 0;
            for (size_t i = 0; i < nseen && !dup; i++)
                dup = seen[i] == cand[c];
            if (dup || nseen == SKT_ARRAY_LEN(seen))
                continue;
            seen[nseen++] = cand[c];
            const seckit_json *e = covering_entry(l, st, cand[c]);
            if (e == NULL)
                continue;
            if (via == NULL)
                via = e;
            list_add(list, sizeof(list), &count, cand[c]->display);
        }
    }
    if (count > 0)
        skt_lint_add(
            l, CK_RESOURCE_EXPOSURE, st, where, 1,
            "allows %zu permissions-management action%s on every resource of its type ('%.*s' covers them all): %s; "
            "they change who can access resources",
            count, count == 1 ? "" : "s", (int)(via->len > 200 ? 200 : via->len), via->str, list);
}

/* ------------------------------------------------------------------ */
/* condition keys that only some of the statement's actions take */

/* Does action a take condition key lkey (lowercase): one of its own keys
 * (which hold its resource types' keys) or of its resource types? */
static int key_supported(const seckit_iam_data *d, const skt_iam_action *a, const char *lkey,
                         size_t kl)
{
    for (const char *p = a->keys; *p;) {
        const char *e = strchr(p, ',');
        size_t el = e != NULL ? (size_t)(e - p) : strlen(p);
        if (skt_glob_match(p, el, lkey, kl, 1))
            return 1;
        if (e == NULL)
            break;
        p = e + 1;
    }
    skt_action_rtype rt[32];
    size_t nrt = skt_iam_action_rtypes(d, a, rt, SKT_ARRAY_LEN(rt));
    for (size_t k = 0; k < nrt && k < SKT_ARRAY_LEN(rt); k++) {
        if (rt[k].rtype == NULL || rt[k].rtype->keys == NULL)
            continue;
        for (const char *q = rt[k].rtype->keys; *q;) {
            const char *e = strchr(q, ',');
            size_t el = e != NULL ? (size_t)(e - q) : strlen(q);
            if (skt_glob_match(q, el, lkey, kl, 1))
                return 1;
            if (e == NULL)
                break;
            q = e + 1;
        }
    }
    return 0;
}

typedef struct key_tally {
    size_t supported, unsupported;
    char list[300];
    size_t listed;
} key_tally;

static void tally(key_tally *t, const seckit_iam_data *d, const skt_iam_action *a, const char *lkey,
                  size_t kl)
{
    if (key_supported(d, a, lkey, kl)) {
        t->supported++;
        return;
    }
    t->unsupported++;
    list_add(t->list, sizeof(t->list), &t->listed, a->display);
}

/* The statement's conditions as the lint-mode compile made them (one per
 * key of each operator that is an object, its key looked up in the service
 * data) and its Action entries as it split them, in place. */
void skt_lint_check_key_support(lint *l, const stmt *st)
{
    const skt_statement *ms = st->m;
    if (l->data == NULL || ms->nconditions == 0 || st->action == NULL)
        return;
    /* actions a pattern brings that do not apply to the statement's ARNs
     * (nor wildcard-only ones) are not granted anyway: not counted */
    fit_res res[FIT_MAX_RES];
    size_t nres = 0;
    int res_made = 0; /* res is made on the first pattern */
    fit_cache cache;
    cache.n = 0;
    for (size_t c = 0; c < ms->nconditions; c++) {
        const skt_condition *cd = &ms->conditions[c];
        const char *key = cd->key;
        size_t kl = cd->key_len;
        const char *colon = key != NULL ? memchr(key, ':', kl) : NULL;
        /* global keys (aws:) are set for every action; keys of other
         * issuers (accounts.google.com:aud) are not the service's */
        if (colon == NULL || kl >= 256 || ci_prefix(key, kl, "aws:") ||
            memchr(key, '.', (size_t)(colon - key)) != NULL ||
            ci_eq(key, kl, "ec2:SourceInstanceARN") || !cd->key_known)
            continue;
        size_t pl = (size_t)(colon - key);
        char lkey[256];
        for (size_t i = 0; i < kl; i++)
            lkey[i] = (char)((key[i] >= 'A' && key[i] <= 'Z') ? key[i] + 32 : key[i]);
        lkey[kl] = '\0';
        key_tally t;
        memset(&t, 0, sizeof(t));
        size_t lit_sup = 0, lit_unsup = 0;
        for (size_t e = 0; e < ms->nactions; e++) {
            size_t len;
            const char *text = action_entry_text(&ms->actions[e], &len);
            if (text == NULL || ms->actions[e].service_len != pl || strncasecmp(text, key, pl) != 0)
                continue;
            if (!has_wild(text, len)) {
                const skt_iam_action *a = skt_iam_action_find(l->data, text, len);
                if (a == NULL)
                    continue;
                size_t before = t.supported;
                tally(&t, l->data, a, lkey, kl);
                if (t.supported > before)
                    lit_sup++;
                else
                    lit_unsup++;
                continue;
            }
            const skt_iam_service *svc = skt_iam_service_find(l->data, text, pl);
            if (svc == NULL)
                continue;
            if (!res_made) {
                nres = st->notresource == NULL ? collect_res(st, res) : 0;
                res_made = 1;
            }
            size_t head = literal_head(text, len);
            for (size_t i = 0; i < svc->action_count; i++) {
                const skt_iam_action *a = &l->data->actions[svc->action_first + i];
                if (a->name_len >= head && strncasecmp(a->name, text, head) == 0 &&
                    skt_glob_match(text, len, a->name, a->name_len, 1) &&
                    (nres == 0 ||
                     (!a->wildcard_only && action_fits(l->data, a, res, nres, &cache) != 0)))
                    tally(&t, l->data, a, lkey, kl);
            }
        }
        /* lint_conditions.c already reports a key that no listed action
         * takes; here: the key some actions take and others do not */
        if (t.unsupported == 0 || t.supported == 0 || (lit_unsup > 0 && lit_sup == 0))
            continue;
        skt_lint_add(
            l, CK_UNSUPPORTED_ACTION_FOR_CONDITION_KEY, st, cd->node, 1,
            "'%s' is set for %zu of the statement's %.*s actions but not for %zu (%s), so the condition %s for "
            "those; give them a statement of their own",
            key, t.supported, (int)pl, key, t.unsupported, t.list,
            st->allow ? "never matches" : "does not restrict");
    }
}
