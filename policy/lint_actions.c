/* policy/: the linter's action checks: names against the service data
 * (unknown, misspelt, wildcards that match nothing), Action/NotAction
 * coverage for the other checks, and redundant entries in a list. */
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
/* actions */

static int glob_ci(const char *pat, size_t pl, const char *s)
{
    return skt_glob_match(pat, pl, s, strlen(s), 1);
}

/* The word of s[0..n) (n <= 8), ASCII letters folded when ci. */
static uint64_t load_word_ci(const char *s, size_t n, int ci)
{
    uint64_t w = skt_load_word(s, n);
    return ci ? skt_ascii_lower8(w) : w;
}

/* A hash of s[0..n), ASCII letters folded to lowercase when ci: eight
 * bytes at a time (every entry of every list is hashed). */
static unsigned text_hash(const char *s, size_t n, int ci)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
    for (size_t i = 0; i < n; i += 8) {
        h = (h ^ load_word_ci(s + i, n - i, ci)) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    return (unsigned)h;
}

/* Hash of a service prefix, case-insensitive. */
static unsigned svc_hash(const char *s, size_t n)
{
    return text_hash(s, n, 1);
}

/* An entry whose text before its first ':' has no wildcard can match only
 * actions with that same service prefix (case-insensitive).  Without
 * memory the index stays NULL and stmt_covers matches every entry. */
void skt_lint_stmt_index_actions(stmt *st)
{
    const seckit_json *list = st->action != NULL ? st->action : st->notaction;
    st->cov = NULL;
    st->ncov = st->nscan = 0;
    st->cov_buckets = NULL;
    st->cov_nslots = 0;
    /* the entries as the lint-mode compile split them */
    st->acts = st->m->actions;
    st->nacts = st->m->nactions;
    if (list == NULL)
        return;
    size_t n = st->nacts;
    size_t nslots = 2;
    while (nslots < 2 * n)
        nslots *= 2;
    struct cov_entry *c = malloc(n * sizeof(*c) + nslots * sizeof(struct cov_bucket));
    if (c == NULL)
        return;
    struct cov_bucket *buckets = (struct cov_bucket *)(c + n);
    memset(buckets, 0, nslots * sizeof(*buckets));
    /* wildcard-prefixed entries at the front, the rest from the back */
    size_t front = 0, back = n;
    for (size_t pos = 0; pos < n; pos++) {
        const skt_action_pat *p = &st->acts[pos];
        const seckit_json *v = p->node;
        if (!is_str(v))
            continue;
        /* a literal service prefix: a ':' with no wildcard before it */
        if (p->service != NULL && !p->service_wild) {
            back--;
            c[back].h = svc_hash(p->service, p->service_len);
            c[back].v = v;
        } else {
            c[front].h = 0;
            c[front].v = v;
            front++;
        }
    }
    /* close the gap of non-string entries */
    size_t nlit = n - back;
    memmove(c + front, c + back, nlit * sizeof(*c));
    /* chain the literal-prefix entries by hash (in any order: any entry
     * that matches is a hit) */
    for (size_t k = front; k < front + nlit; k++) {
        size_t slot = c[k].h & (nslots - 1);
        while (buckets[slot].first != 0 && buckets[slot].h != c[k].h)
            slot = (slot + 1) & (nslots - 1);
        buckets[slot].h = c[k].h;
        c[k].next = buckets[slot].first;
        buckets[slot].first = k + 1;
    }
    st->cov = c;
    st->nscan = front;
    st->ncov = front + nlit;
    st->cov_buckets = nlit > 0 ? buckets : NULL;
    st->cov_nslots = nlit > 0 ? nslots : 0;
}

action_key skt_lint_make_key(const char *action)
{
    action_key k;
    k.s = action;
    k.len = strlen(action);
    const char *colon = memchr(action, ':', k.len);
    k.has_colon = colon != NULL;
    k.h = colon != NULL ? svc_hash(action, (size_t)(colon - action)) : 0;
    return k;
}

int skt_lint_stmt_covers_key(const stmt *st, const action_key *k)
{
    const char *action = k->s;
    size_t al = k->len;
    if (st->cov != NULL) {
        int hit = 0;
        for (size_t i = 0; i < st->nscan && !hit; i++)
            hit = skt_glob_match(st->cov[i].v->str, st->cov[i].v->len, action, al, 1);
        if (!hit && k->has_colon && st->cov_nslots > 0) {
            unsigned h = k->h;
            size_t slot = h & (st->cov_nslots - 1);
            while (st->cov_buckets[slot].first != 0 && st->cov_buckets[slot].h != h)
                slot = (slot + 1) & (st->cov_nslots - 1);
            for (size_t e = st->cov_buckets[slot].first; e != 0 && !hit; e = st->cov[e - 1].next) {
                const seckit_json *v = st->cov[e - 1].v;
                hit = skt_glob_match(v->str, v->len, action, al, 1);
            }
        }
        if (st->action != NULL)
            return hit;
        return st->notaction != NULL && !hit;
    }
    if (st->action != NULL) {
        FOR_VALUES(v, st->action)
        if (is_str(v) && skt_glob_match(v->str, v->len, action, al, 1))
            return 1;
        return 0;
    }
    if (st->notaction != NULL) {
        FOR_VALUES(v, st->notaction)
        if (is_str(v) && skt_glob_match(v->str, v->len, action, al, 1))
            return 0;
        return 1;
    }
    return 0;
}

/* Does the statement's Action/NotAction cover the (literal) action? */
int skt_lint_stmt_covers(const stmt *st, const char *action)
{
    action_key k = skt_lint_make_key(action);
    return skt_lint_stmt_covers_key(st, &k);
}

/* The Action entry that covers action literally (no wildcard), or any. */
const seckit_json *skt_lint_entry_covering(const stmt *st, const char *action, int *wild)
{
    const seckit_json *found = NULL;
    *wild = 0;
    if (st->action == NULL)
        return NULL;
    FOR_VALUES(v, st->action)
    {
        if (!is_str(v) || !glob_ci(v->str, v->len, action))
            continue;
        if (!has_wild(v->str, v->len)) {
            *wild = 0;
            return v;
        }
        if (found == NULL) {
            found = v;
            *wild = 1;
        }
    }
    return found;
}

static unsigned char fold_ascii(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* The edit distance of a and b (case-insensitive) when it is below limit,
 * else limit (names over 64 characters: limit).  Distances are capped at
 * limit, which keeps every smaller one exact; a cell further than limit - 1
 * from the diagonal is at least limit, so only the band around it is
 * computed, and a row with nothing below limit ends the search. */
static size_t edit_distance_below(const char *a, size_t la, const char *b, size_t lb, size_t limit)
{
    if (la > 64 || lb > 64 || (la > lb ? la - lb : lb - la) >= limit)
        return limit;
    size_t row[65]; /* row[j]: distance of a[0..i) and b[0..j) */
    for (size_t j = 0; j <= lb; j++)
        row[j] = j < limit ? j : limit;
    for (size_t i = 1; i <= la; i++) {
        size_t lo = i >= limit ? i - limit + 1 : 1;
        size_t hi = i + limit - 1 < lb ? i + limit - 1 : lb;
        size_t diag = row[lo - 1];
        row[lo - 1] = lo == 1 && i < limit ? i : limit;
        size_t row_min = row[lo - 1];
        unsigned char ca = fold_ascii((unsigned char)a[i - 1]);
        for (size_t j = lo; j <= hi; j++) {
            size_t up = row[j];
            size_t best = diag + (ca == fold_ascii((unsigned char)b[j - 1]) ? 0 : 1);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            if (best > limit)
                best = limit;
            diag = up;
            row[j] = best;
            if (best < row_min)
                row_min = best;
        }
        if (row_min >= limit)
            return limit;
    }
    return row[lb] < limit ? row[lb] : limit;
}

/* Is service prefix s[0..pl) in the comma-separated list of the services
 * resource control policies support? */
static int rcp_service(const char *list, const char *s, size_t pl)
{
    int found = 0;
    while (*list) {
        const char *e = strchr(list, ',');
        size_t el = e ? (size_t)(e - list) : strlen(list);
        if (el == pl && strncasecmp(list, s, pl) == 0)
            found = 1;
        list += el + (e ? 1 : 0);
        if (!e)
            break;
    }
    return found;
}

/* Does action-name pattern name[0..nl) match one of a service's n
 * (name-sorted) actions, whose names start with its prefix (pl) and ':'? */
static int name_matches(const skt_iam_action *actions, size_t n, size_t pl, const char *name,
                        size_t nl)
{
    /* the actions that can match start with the name's literal head:
     * a run of the service's (name-sorted) actions */
    size_t head = literal_head(name, nl), lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strncasecmp(actions[mid].name + pl + 1, name, head) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < n && strncasecmp(actions[i].name + pl + 1, name, head) == 0; i++)
        if (skt_glob_match(name, nl, actions[i].name + pl + 1, actions[i].name_len - pl - 1, 1))
            return 1;
    return 0;
}

/* The action of a service (as name_matches) nearest to name[0..nl), to
 * suggest: fewer than four edits away, or NULL. */
static const char *nearest_action(const skt_iam_action *actions, size_t n, size_t pl,
                                  const char *name, size_t nl)
{
    const char *best = NULL;
    size_t bestd = 4;
    for (size_t i = 0; i < n; i++) {
        const char *an = actions[i].name + pl + 1;
        size_t al = actions[i].name_len - pl - 1;
        /* the distance is at least the difference in length */
        if ((al > nl ? al - nl : nl - al) >= bestd)
            continue;
        size_t d = edit_distance_below(name, nl, an, al, bestd);
        if (d < bestd) {
            bestd = d;
            best = actions[i].name;
        }
    }
    return best;
}

/* lk (may be NULL) records the service-data lookup of the action, when
 * one is made. */
void skt_lint_check_action_value(lint *l, const stmt *st, const seckit_json *v,
                                 const skt_action_pat *p, action_lookup *lk)
{
    const char *s = v->str;
    size_t n = v->len;
    skt_lint_check_variables(l, st, v, 0, "Action");
    if (p->all)
        return;
    if (p->service == NULL || p->service_len == 0 || p->name_len == 0) {
        if (lk != NULL)
            lk->invalid = 1;
        skt_lint_add(l, CK_INVALID_ACTION, st, v, 0,
                     "'%.*s' is not an action: write service:ActionName (e.g. s3:GetObject)",
                     (int)(n > 200 ? 200 : n), s);
        return;
    }
    size_t pl = p->service_len;
    const char *name = p->name;
    size_t nl = p->name_len;
    if (l->type == SECKIT_POLICY_SCP || l->type == SECKIT_POLICY_RCP) {
        const char *star = memchr(s, '*', n);
        if ((star != NULL && star != s + n - 1) || memchr(s, '?', n) != NULL)
            skt_lint_add(l, CK_SCP_SYNTAX_ERROR_ACTION_WILDCARD, st, v, 0,
                         "in %s, wildcards in actions are allowed only at the end ('%.*s')",
                         l->type == SECKIT_POLICY_SCP ? "service control policies"
                                                      : "resource control policies",
                         (int)n, s);
    }
    if (p->service_wild) {
        skt_lint_add(l, CK_WILDCARD_IN_SERVICE_NAME, st, v, 0,
                     "wildcard in the service prefix of '%.*s'; name the service explicitly",
                     (int)n, s);
        return;
    }
    if (l->type == SECKIT_POLICY_RCP && l->data != NULL && l->data->rcp_services != NULL &&
        !rcp_service(l->data->rcp_services, s, pl))
        skt_lint_add(l, CK_RCP_SYNTAX_ERROR_ACTION, st, v, 0,
                     "resource control policies do not support service '%.*s'", (int)pl, s);
    if (l->data == NULL)
        return;
    int name_wild = has_wild(name, nl);
    if (!name_wild) {
        /* the usual entry names an action that exists (and so does its
         * service: only actions of a service are found) */
        const skt_iam_action *found = skt_iam_action_find(l->data, s, n);
        if (lk != NULL) {
            lk->done = 1;
            lk->action = found;
        }
        if (found != NULL)
            return;
    }
    const skt_iam_service *svc = skt_iam_service_find(l->data, s, pl);
    if (svc == NULL) {
        if (lk != NULL)
            lk->invalid = 1;
        skt_lint_add(l, CK_INVALID_SERVICE_IN_ACTION, st, v, 0,
                     "no AWS service has the prefix '%.*s'", (int)pl, s);
        return;
    }
    /* the names of the service's actions all start with its prefix and ':' */
    const skt_iam_action *actions = &l->data->actions[svc->action_first];
    if (name_wild) {
        if (name_matches(actions, svc->action_count, pl, name, nl))
            return;
        if (lk != NULL)
            lk->invalid = 1;
        skt_lint_add(l, CK_INVALID_ACTION, st, v, 0, "'%.*s' matches no action of service %.*s",
                     (int)n, s, (int)pl, s);
        return;
    }
    const char *best = nearest_action(actions, svc->action_count, pl, name, nl);
    if (lk != NULL)
        lk->invalid = 1;
    if (best != NULL)
        skt_lint_add(l, CK_INVALID_ACTION, st, v, 0,
                     "service %.*s has no action '%.*s'; did you mean %s?", (int)pl, s, (int)nl,
                     name, best);
    else
        skt_lint_add(l, CK_INVALID_ACTION, st, v, 0, "service %.*s has no action '%.*s'", (int)pl,
                     s, (int)nl, name);
}

/* A hash for finding equal entries: the length and (folded when ci) the
 * first, middle and last eight characters; entries that differ only
 * elsewhere share a chain and are told apart by entry_equal. */
static unsigned entry_hash(const seckit_json *v, int ci)
{
    size_t n = v->len;
    if (n <= 24)
        return text_hash(v->str, n, ci);
    const size_t at[3] = {0, n / 2 - 4, n - 8};
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
    for (size_t k = 0; k < 3; k++) {
        h = (h ^ load_word_ci(v->str + at[k], 8, ci)) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    return (unsigned)h;
}

static int entry_equal(const seckit_json *a, const seckit_json *b, int ci)
{
    if (a->len != b->len)
        return 0;
    for (size_t i = 0; i < a->len; i += 8)
        if (load_word_ci(a->str + i, a->len - i, ci) != load_word_ci(b->str + i, b->len - i, ci))
            return 0;
    return 1;
}

/* The wildcard entries of a list, in list order, chained so that an entry
 * is matched only against those that can cover it.  An entry whose text
 * before the first ':' is literal (a service prefix) can cover only
 * entries with that same prefix: such entries are chained per prefix (by
 * its hash, in a bucket); the others in one chain.  Chains link positions
 * in wild[] plus one (0 ends a chain). */
typedef struct wild_entry {
    const seckit_json *v;
    size_t next;
    /* v's literal head (the text before its first '*' or '?') and tail
     * (after its last), which an entry must start and end with to be
     * covered; the head's last and the tail's first (up to) eight
     * characters, folded when ci, rule most entries out in one comparison
     * each */
    size_t head, tail;
    uint64_t head_end, tail_start;
} wild_entry;

typedef struct wild_bucket {
    unsigned hash;
    size_t first, last;
} wild_bucket;

typedef struct wild_index {
    wild_entry *wild;
    size_t nw;
    wild_bucket *buckets;
    size_t nslots;   /* a power of two, over twice nw */
    wild_bucket any; /* entries without a literal prefix */
    int ci;
    int actions; /* an Action/NotAction list: prefixes are services (skt_action_split) */
    const skt_action_pat
        *acts; /* the list's entries split, when it is the statement's indexed list */
    size_t nacts;
} wild_index;

/* The length of v's prefix before its first ':' when that ':' is among
 * its first within characters, else SIZE_MAX: the service prefix as
 * skt_action_split splits an action, the text before the first ':' of a
 * resource. */
static inline size_t prefix_before_colon(const wild_index *wi, const seckit_json *v, size_t within)
{
    if (wi->actions) {
        const skt_action_pat *p = wi->acts != NULL && v->index < wi->nacts ? &wi->acts[v->index]
                                                                           : NULL;
        skt_action_pat own;
        if (p == NULL || p->node != v) {
            skt_action_split(v->str, v->len, &own);
            p = &own;
        }
        return p->service != NULL && p->service_len < within ? p->service_len : SIZE_MAX;
    }
    const char *colon = memchr(v->str, ':', within);
    return colon != NULL ? (size_t)(colon - v->str) : SIZE_MAX;
}

/* The bucket of the hash (made when make is set), or NULL. */
static wild_bucket *wild_bucket_of(const wild_index *wi, unsigned hash, int make)
{
    size_t i = hash & (wi->nslots - 1);
    while (wi->buckets[i].first != 0 && wi->buckets[i].hash != hash)
        i = (i + 1) & (wi->nslots - 1);
    if (wi->buckets[i].first == 0 && !make)
        return NULL;
    wi->buckets[i].hash = hash;
    return &wi->buckets[i];
}

/* Chains wild[j] (its v and head set) into its bucket. */
static void wild_index_chain(wild_index *wi, size_t j)
{
    wild_entry *e = &wi->wild[j];
    size_t pl = prefix_before_colon(wi, e->v, e->head);
    wild_bucket *b = &wi->any;
    if (pl != SIZE_MAX)
        b = wild_bucket_of(wi, text_hash(e->v->str, pl, wi->ci), 1);
    size_t hn = e->head < 8 ? e->head : 8, tn = e->tail < 8 ? e->tail : 8;
    e->head_end = load_word_ci(e->v->str + e->head - hn, hn, wi->ci);
    e->tail_start = load_word_ci(e->v->str + e->v->len - e->tail, tn, wi->ci);
    e->next = 0;
    if (b->last != 0)
        wi->wild[b->last - 1].next = j + 1;
    else
        b->first = j + 1;
    b->last = j + 1;
}

/* The first wildcard entry in list order that covers a, or NULL; when two
 * wildcards cover each other, the later one is the redundant one. */
static const seckit_json *wild_covering(const wild_index *wi, const seckit_json *a)
{
    if (wi->nw == 0)
        return NULL;
    /* the two chains that can cover a, merged in list order */
    size_t any = wi->any.first, same = 0;
    size_t pl = prefix_before_colon(wi, a, a->len);
    if (pl != SIZE_MAX) {
        const wild_bucket *b = wild_bucket_of(wi, text_hash(a->str, pl, wi->ci), 0);
        same = b != NULL ? b->first : 0;
    }
    while (any != 0 || same != 0) {
        size_t j;
        if (same == 0 || (any != 0 && any < same)) {
            j = any - 1;
            any = wi->wild[j].next;
        } else {
            j = same - 1;
            same = wi->wild[j].next;
        }
        const wild_entry *e = &wi->wild[j];
        const seckit_json *b = e->v;
        if (b == a || e->head + e->tail > a->len)
            continue;
        /* entries that differ only in letter case are not redundant
         * (Access Analyzer reports nothing for them) */
        if (wi->ci && entry_equal(a, b, 1))
            continue;
        size_t hn = e->head < 8 ? e->head : 8, tn = e->tail < 8 ? e->tail : 8;
        if (load_word_ci(a->str + e->head - hn, hn, wi->ci) != e->head_end ||
            load_word_ci(a->str + a->len - e->tail, tn, wi->ci) != e->tail_start)
            continue;
        if (!skt_glob_match(b->str, b->len, a->str, a->len, wi->ci))
            continue;
        if (a->index < b->index && skt_glob_match(a->str, a->len, b->str, b->len, wi->ci))
            continue;
        return b;
    }
    return NULL;
}

/* Lists up to this long are checked with arrays on the stack (nearly all
 * are); longer ones allocate them. */
#define REDUNDANT_STACK_ENTRIES 64

/* One finding for the redundant entries red[0..k) that by covers: at the
 * first, naming them all, with a location for each. */
static void report_group(lint *l, const stmt *st, int ck, const char *what, const seckit_json *by,
                         const seckit_json *const *red, size_t k)
{
    if (k == 1) {
        skt_lint_add(l, ck, st, red[0], 0, "%s '%.*s' is already covered by '%.*s'", what,
                     (int)red[0]->len, red[0]->str, (int)by->len, by->str);
        return;
    }
    char names[600];
    size_t nl = 0, shown = 0;
    names[0] = '\0';
    for (size_t i = 0; i < k; i++) {
        size_t len = red[i]->len > 100 ? 100 : red[i]->len;
        if (nl + len + 8 >= sizeof(names))
            break;
        nl += (size_t)snprintf(names + nl, sizeof(names) - nl, "%s'%.*s'", i ? ", " : "", (int)len,
                               red[i]->str);
        shown++;
    }
    skt_lint_add(l, ck, st, red[0], 0, "%ss %s%s are already covered by '%.*s'", what, names,
                 shown < k ? ", ..." : "", (int)by->len, by->str);
    skt_lint_add_locations(l, red + 1, k - 1);
}

/* The wildcard entries of list (not those marked invalid) into wi->wild,
 * chained in wi's hash table: wi->buckets, when the table needs more
 * than REDUNDANT_STACK_ENTRIES * 2 slots, allocated (else cleared).  0, or
 * -1 without memory. */
static int wild_index_fill(wild_index *wi, const seckit_json *list, const action_lookup *marks)
{
    for (const seckit_json *c = list->child; c != NULL; c = c->next) {
        if (!is_str(c) || (marks != NULL && marks[c->index].invalid))
            continue;
        size_t head = literal_head(c->str, c->len);
        if (head < c->len) {
            size_t tail = 0;
            while (c->str[c->len - 1 - tail] != '*' && c->str[c->len - 1 - tail] != '?')
                tail++;
            wi->wild[wi->nw].v = c;
            wi->wild[wi->nw].head = head;
            wi->wild[wi->nw].tail = tail;
            wi->nw++;
        }
    }
    wi->nslots = 4;
    while (wi->nslots < 2 * wi->nw)
        wi->nslots *= 2;
    if (wi->nslots > 2 * REDUNDANT_STACK_ENTRIES) {
        wi->buckets = calloc(wi->nslots, sizeof(*wi->buckets));
        if (wi->buckets == NULL)
            return -1;
    } else {
        memset(wi->buckets, 0, wi->nslots * sizeof(*wi->buckets));
    }
    for (size_t j = 0; j < wi->nw; j++)
        wild_index_chain(wi, j);
    return 0;
}

/* The redundant actions, (by, a) pairs[0..2 * npairs), as groups in the
 * order of their first redundant entry: each pair is gathered (after the
 * pairs, in room for n) with the later ones of its covering entry, which
 * are then cleared. */
static void report_pairs(lint *l, const stmt *st, int ck, const char *what,
                         const seckit_json **pairs, size_t npairs, size_t n)
{
    for (size_t i = 0; i < npairs; i++) {
        const seckit_json *by = pairs[2 * i];
        if (by == NULL)
            continue;
        const seckit_json **red = pairs + 2 * n;
        size_t k = 0;
        for (size_t j = i; j < npairs; j++) {
            if (pairs[2 * j] != by)
                continue;
            pairs[2 * j] = NULL;
            red[k++] = pairs[2 * j + 1];
        }
        report_group(l, st, ck, what, by, red, k);
    }
}

void skt_lint_check_redundant(lint *l, const stmt *st, const seckit_json *list, int ck, int ci,
                              const char *what, const action_lookup *marks)
{
    if (list == NULL || list->kind != SECKIT_JSON_ARRAY || list->count < 2)
        return;
    /* An entry is redundant when an earlier entry is equal to it (the
     * first of the equal ones is named), or else when a wildcard entry
     * covers it; entries that differ only in letter case are not, and
     * entries already reported as invalid neither are nor make others
     * redundant.  Equal entries are found with a hash table of the
     * entries seen so far (seen[], open addressing).  Redundant actions
     * are reported once per covering entry (pairs[], in list order). */
    size_t n = list->count;
    size_t nseen = 4;
    while (nseen < 2 * n)
        nseen *= 2;
    const seckit_json *stack_seen[2 * REDUNDANT_STACK_ENTRIES];
    wild_entry stack_wild[REDUNDANT_STACK_ENTRIES];
    wild_bucket stack_buckets[2 * REDUNDANT_STACK_ENTRIES];
    const seckit_json *stack_pairs[3 * REDUNDANT_STACK_ENTRIES]; /* (by, a) pairs, then a group */
    const seckit_json **seen = stack_seen, **pairs = stack_pairs;
    size_t npairs = 0;
    int group = ck == CK_REDUNDANT_ACTION;
    wild_index wi;
    memset(&wi, 0, sizeof(wi));
    wi.wild = stack_wild;
    wi.buckets = stack_buckets;
    wi.ci = ci;
    wi.actions = group;
    if (group && list == (st->action != NULL ? st->action : st->notaction)) {
        wi.acts = st->acts;
        wi.nacts = st->nacts;
    }
    if (n > REDUNDANT_STACK_ENTRIES) {
        seen = calloc(nseen, sizeof(*seen));
        wi.wild = malloc(n * sizeof(*wi.wild)); /* filled as wildcards are found */
        pairs = group ? malloc(3 * n * sizeof(*pairs)) : NULL;
        if (seen == NULL || wi.wild == NULL || (group && pairs == NULL)) {
            l->oom = 1;
            goto done;
        }
    } else {
        memset(stack_seen, 0, nseen * sizeof(*stack_seen));
    }
    if (wild_index_fill(&wi, list, marks) != 0) {
        l->oom = 1;
        goto done;
    }
    for (const seckit_json *a = list->child; a != NULL; a = a->next) {
        if (!is_str(a) || (marks != NULL && marks[a->index].invalid))
            continue;
        const seckit_json *by = NULL;
        size_t slot = entry_hash(a, 0) & (nseen - 1);
        for (; seen[slot] != NULL && by == NULL; slot = (slot + 1) & (nseen - 1))
            if (entry_equal(seen[slot], a, 0))
                by = seen[slot];
        if (by == NULL) {
            seen[slot] = a;
            by = wild_covering(&wi, a);
        }
        if (by == NULL)
            continue;
        if (!group) {
            report_group(l, st, ck, what, by, &a, 1);
            continue;
        }
        pairs[2 * npairs] = by;
        pairs[2 * npairs + 1] = a;
        npairs++;
    }
    report_pairs(l, st, ck, what, pairs, npairs, n);
done:
    if (seen != stack_seen)
        free(seen);
    if (pairs != stack_pairs)
        free(pairs);
    if (wi.wild != stack_wild)
        free(wi.wild);
    if (wi.buckets != stack_buckets)
        free(wi.buckets);
}
