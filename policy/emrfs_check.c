/* policy/: checks of EMRFS role mappings against the roles' documents, and
 * "may this user perform this S3 action here" (resolution + evaluation).
 * Pure: the caller supplies the documents and a way to ask whether users and
 * groups exist.  Codes are documented in docs/checks.md. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/emrfs_internal.h"
#include "src/base/guard.h"
#include "src/base/options.h"

#define LEARN_MORE "https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-emrfs-iam-roles.html"

enum {
    C_ROLE_NOT_FOUND,
    C_INSTANCE_ROLE_NOT_FOUND,
    C_TRUST_DENIES,
    C_CANNOT_ASSUME,
    C_ASSUME_NOT_IN_INSTANCE_POLICY,
    C_NO_S3_ACCESS,
    C_MAPPING_SHADOWED,
    C_IDENTIFIER_SHADOWED,
    C_PREFIX_OTHER_BUCKETS,
    C_PREFIX_PARTIAL_KEY,
    C_MAPPING_TO_INSTANCE_ROLE,
    C_UNKNOWN_USER,
    C_UNKNOWN_GROUP,
    C_INSTANCE_ROLE_S3_ACCESS,
    C_COUNT_
};

static const seckit_policy_check_info checks[C_COUNT_] = {
    {"EMRFS_ROLE_NOT_FOUND", SECKIT_FINDING_ERROR, LEARN_MORE,
     "A mapped role is not in the roles' documents given (no trust policy, no policies)."},
    {"EMRFS_INSTANCE_ROLE_NOT_FOUND", SECKIT_FINDING_ERROR, LEARN_MORE,
     "The instance role is not in the roles' documents given."},
    {"EMRFS_TRUST_DENIES_INSTANCE_ROLE", SECKIT_FINDING_ERROR, LEARN_MORE,
     "The mapped role's trust policy does not let the instance role assume it (evaluated)."},
    {"EMRFS_CANNOT_ASSUME_ROLE", SECKIT_FINDING_ERROR, LEARN_MORE,
     "sts:AssumeRole of the mapped role by the instance role is denied (trust policy and "
     "the instance role's policies evaluated together)."},
    {"EMRFS_ASSUME_ROLE_NOT_IN_INSTANCE_POLICY", SECKIT_FINDING_WARNING, LEARN_MORE,
     "The instance role's own policies do not allow sts:AssumeRole on the mapped role."},
    {"EMRFS_ROLE_GRANTS_NO_S3_ACCESS", SECKIT_FINDING_WARNING, LEARN_MORE,
     "The mapped role allows no S3 read, write or list on what routes to it."},
    {"EMRFS_MAPPING_SHADOWED", SECKIT_FINDING_WARNING, LEARN_MORE,
     "The mapping can never match: an earlier mapping always wins for all its identifiers."},
    {"EMRFS_IDENTIFIER_SHADOWED", SECKIT_FINDING_WARNING, LEARN_MORE,
     "One identifier of the mapping can never match: an earlier mapping always wins for it."},
    {"EMRFS_PREFIX_MATCHES_OTHER_BUCKETS", SECKIT_FINDING_SECURITY_WARNING, LEARN_MORE,
     "A Prefix without '/' after the bucket name also matches other buckets "
     "(s3://logs matches s3://logs-archive/)."},
    {"EMRFS_PREFIX_PARTIAL_KEY", SECKIT_FINDING_SUGGESTION, LEARN_MORE,
     "A Prefix whose key part does not end in '/' also matches sibling keys "
     "(s3://b/data matches s3://b/database/)."},
    {"EMRFS_MAPPING_TO_INSTANCE_ROLE", SECKIT_FINDING_WARNING, LEARN_MORE,
     "A mapping names the cluster's instance role itself: it gives nothing the fallback "
     "does not, or the fallback is too broad."},
    {"EMRFS_UNKNOWN_USER", SECKIT_FINDING_WARNING, LEARN_MORE,
     "A User identifier is not a user the system's user database knows."},
    {"EMRFS_UNKNOWN_GROUP", SECKIT_FINDING_WARNING, LEARN_MORE,
     "A Group identifier is not a group the system's user database knows."},
    {"EMRFS_INSTANCE_ROLE_S3_ACCESS", SECKIT_FINDING_SECURITY_WARNING, LEARN_MORE,
     "The instance role (the fallback for every unmatched request) itself allows S3 access; "
     "restrict it."},
};

size_t seckit_emrfs_checks(const seckit_policy_check_info **table)
{
    if (table != NULL)
        *table = checks;
    return C_COUNT_;
}

typedef struct fstore {
    skt_arena arena;
    size_t cap;
} fstore;

typedef struct cctx {
    const seckit_emrfs_config *c;
    const seckit_emrfs_check_options *o;
    seckit_emrfs_findings *f;
    fstore *fs;
    seckit_error *err;
} cctx;

static int add(cctx *x, int code, const seckit_position *at, size_t mapping, long ident,
               const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
static int add(cctx *x, int code, const seckit_position *at, size_t mapping, long ident,
               const char *fmt, ...)
{
    seckit_emrfs_findings *f = x->f;
    if (f->count == x->fs->cap) {
        size_t cap = x->fs->cap ? x->fs->cap * 2 : 16;
        seckit_policy_finding *it = realloc(f->items, cap * sizeof(*it));
        SKT_ENSURE(it != NULL, x->err, SECKIT_ENOMEM, "out of memory");
        f->items = it;
        x->fs->cap = cap;
    }
    char msg[1500];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    seckit_policy_finding *it = &f->items[f->count];
    memset(it, 0, sizeof(*it));
    it->type = checks[code].type;
    it->issue_code = checks[code].issue_code;
    it->learn_more = checks[code].learn_more;
    it->message = skt_arena_strdup(&x->fs->arena, msg);
    if (ident >= 0)
        it->path =
            skt_arena_printf(&x->fs->arena, "RoleMappings[%zu].Identifiers[%ld]", mapping, ident);
    else if (mapping != (size_t)-1)
        it->path = skt_arena_printf(&x->fs->arena, "RoleMappings[%zu]", mapping);
    else
        it->path = "";
    SKT_ENSURE(!(it->message == NULL || it->path == NULL), x->err, SECKIT_ENOMEM, "out of memory");
    /* findings about the whole configuration point at its start */
    static const seckit_position whole = {1, 0, 0};
    it->span.start = at != NULL ? *at : whole;
    it->span.end = it->span.start;
    it->statement_index = -1;
    f->count++;
    return 0;
}

/* ---- shadowing ---- */

/* Does identifier k of mapping j never match because mapping i < j always
 * wins for every request it could match?  Returns the winning identifier's
 * index in i, or -1. */
static long covered_by(const seckit_emrfs_mapping *i, const seckit_emrfs_mapping *j, size_t k)
{
    const char *id = j->identifiers[k].value;
    for (size_t a = 0; a < i->identifier_count; a++) {
        const char *e = i->identifiers[a].value;
        if (i->type != j->type)
            continue; /* a user never decides a group's or a prefix's requests */
        if (j->type == SECKIT_EMRFS_PREFIX ? strncmp(id, e, strlen(e)) == 0 : strcmp(id, e) == 0)
            return (long)a;
    }
    return -1;
}

/* The earliest mapping before j that always wins for identifier k of j:
 * its index (and *a, the winning identifier), or -1. */
static long winner(const seckit_emrfs_config *c, size_t j, size_t k, long *a)
{
    for (size_t i = 0; i < j; i++) {
        long w = covered_by(&c->mappings[i], &c->mappings[j], k);
        if (w >= 0) {
            *a = w;
            return (long)i;
        }
    }
    return -1;
}

static int check_shadowing(cctx *x)
{
    const seckit_emrfs_config *c = x->c;
    for (size_t j = 1; j < c->count; j++) {
        const seckit_emrfs_mapping *m = &c->mappings[j];
        size_t dead = 0;
        long first_i = -1, first_a = -1;
        for (size_t k = 0; k < m->identifier_count; k++) {
            long a = -1;
            long i = winner(c, j, k, &a);
            if (i >= 0) {
                dead++;
                if (first_i < 0) {
                    first_i = i;
                    first_a = a;
                }
            }
        }
        if (dead == 0)
            continue;
        if (dead == m->identifier_count) {
            const seckit_emrfs_mapping *w = &c->mappings[first_i];
            SKT_GUARD(add(x, C_MAPPING_SHADOWED, &m->pos, j, -1,
                          "RoleMappings[%zu] (%s %s -> %s) never matches: RoleMappings[%ld] "
                          "(%s %s -> %s) comes first and always wins%s",
                          j, seckit_emrfs_identifier_type_name(m->type), m->identifiers[0].value,
                          m->role, first_i, seckit_emrfs_identifier_type_name(w->type),
                          w->identifiers[first_a].value, w->role,
                          m->identifier_count > 1 ? " (for every identifier)" : ""));
            continue;
        }
        for (size_t k = 0; k < m->identifier_count; k++) {
            long a = -1;
            long i = winner(c, j, k, &a);
            if (i < 0)
                continue;
            const seckit_emrfs_mapping *w = &c->mappings[i];
            SKT_GUARD(add(x, C_IDENTIFIER_SHADOWED, &m->identifiers[k].pos, j, (long)k,
                          "%s %s of RoleMappings[%zu] never matches: RoleMappings[%ld] (%s %s -> "
                          "%s) comes first and always wins",
                          seckit_emrfs_identifier_type_name(m->type), m->identifiers[k].value, j, i,
                          seckit_emrfs_identifier_type_name(w->type), w->identifiers[a].value,
                          w->role));
        }
    }
    return 0;
}

/* ---- prefixes ---- */

static int check_prefixes(cctx *x)
{
    const seckit_emrfs_config *c = x->c;
    for (size_t j = 0; j < c->count; j++) {
        const seckit_emrfs_mapping *m = &c->mappings[j];
        if (m->type != SECKIT_EMRFS_PREFIX)
            continue;
        for (size_t k = 0; k < m->identifier_count; k++) {
            const char *p = m->identifiers[k].value; /* "s3://bucket[/key]" */
            const char *slash = strchr(p + 5, '/');
            if (slash == NULL) {
                SKT_GUARD(add(x, C_PREFIX_OTHER_BUCKETS, &m->identifiers[k].pos, j, (long)k,
                              "Prefix %s also matches every bucket whose name starts with "
                              "'%s' (%s-archive/ for one), which then get role %s: write %s/",
                              p, p + 5, p, m->role, p));
            } else if (slash[1] != '\0' && p[strlen(p) - 1] != '/') {
                SKT_GUARD(add(x, C_PREFIX_PARTIAL_KEY, &m->identifiers[k].pos, j, (long)k,
                              "Prefix %s also matches sibling keys such as %s-old/ and "
                              "%s2; write %s/ if a folder is meant",
                              p, p, p, p));
            }
        }
    }
    return 0;
}

/* ---- users and groups ---- */

static int check_known(cctx *x)
{
    if (x->o->known == NULL)
        return 0;
    const seckit_emrfs_config *c = x->c;
    for (size_t j = 0; j < c->count; j++) {
        const seckit_emrfs_mapping *m = &c->mappings[j];
        if (m->type == SECKIT_EMRFS_PREFIX)
            continue;
        int group = m->type == SECKIT_EMRFS_GROUP;
        for (size_t k = 0; k < m->identifier_count; k++) {
            int r = x->o->known(x->o->known_ctx, group, m->identifiers[k].value);
            if (r != 0)
                continue;
            SKT_GUARD(add(x, group ? C_UNKNOWN_GROUP : C_UNKNOWN_USER, &m->identifiers[k].pos, j,
                          (long)k,
                          "%s %s of RoleMappings[%zu] is not known to the system's user "
                          "database: the mapping to %s never applies on this node",
                          group ? "group" : "user", m->identifiers[k].value, j, m->role));
        }
    }
    return 0;
}

/* ---- evaluation-based checks ---- */

/* The instance role's session as EMRFS presents it. */
static void session_arn(const char *role_arn, char *out, size_t cap)
{
    char acct[13];
    const char *name = "role";
    if (!skt_emrfs_role_arn_split(role_arn, acct, &name))
        snprintf(acct, sizeof(acct), "000000000000");
    const char *colon = strchr(role_arn + 4, ':');
    size_t plen = colon ? (size_t)(colon - role_arn - 4) : 3;
    snprintf(out, cap, "arn:%.*s:sts::%s:assumed-role/%s/i-0123456789abcdef0", (int)plen,
             role_arn + 4, acct, name);
}

/* Sample resources that route to mapping m: for Prefix identifiers the
 * bucket and an object under the prefix; for users and groups, the S3
 * resources the role's own Allow statements name (wildcards filled in). */
typedef struct sample {
    char bucket[300];
    char object[2400];
    char label[2400]; /* how messages name it */
} sample;

static void sample_from_location(const char *loc, sample *s)
{
    /* loc is "s3://bucket[/key]" (normalised) */
    const char *b = loc + 5;
    const char *slash = strchr(b, '/');
    size_t bl = slash ? (size_t)(slash - b) : strlen(b);
    snprintf(s->bucket, sizeof(s->bucket), "arn:aws:s3:::%.*s", (int)bl, b);
    snprintf(s->object, sizeof(s->object), "arn:aws:s3:::%.*s/%sseckit-sample", (int)bl, b,
             slash ? slash + 1 : "");
    snprintf(s->label, sizeof(s->label), "%s", loc);
}

/* Fill wildcards of an S3 ARN pattern with sample text. */
static void fill_wildcards(const char *pat, char *out, size_t cap)
{
    size_t o = 0;
    for (const char *p = pat; *p && o + 8 < cap; p++) {
        if (*p == '*') {
            memcpy(out + o, "sample", 6);
            o += 6;
        } else if (*p == '?') {
            out[o++] = 'x';
        } else {
            out[o++] = *p;
        }
    }
    out[o] = '\0';
}

static int decide(cctx *x, const skt_emrfs_role *role, const char *principal, const char *action,
                  const char *resource, const skt_emrfs_doc *rp, skt_emrfs_sides sides,
                  seckit_emrfs_decision *d, char *detail, size_t cap)
{
    return skt_emrfs_decide(role, principal, action, resource, rp, sides, d, detail, cap, x->err);
}

static const char *const s3_probe_object[] = {"s3:GetObject", "s3:PutObject"};

/* Does role allow any of GetObject/PutObject on the object or ListBucket on
 * the bucket?  Writes "s3:ListBucket, s3:GetObject on LABEL" to what
 * (empty when nothing). */
static int s3_allows(cctx *x, const skt_emrfs_role *role, const sample *s, char *what, size_t cap,
                     int *any)
{
    char principal[700];
    char detail[1024];
    session_arn(role->arn, principal, sizeof(principal));
    *any = 0;
    what[0] = '\0';
    seckit_emrfs_decision d;
    SKT_GUARD(decide(x, role, principal, "s3:ListBucket", s->bucket, NULL, SKT_EMRFS_IDENTITY_ONLY,
                     &d, detail, sizeof(detail)));
    if (d == SECKIT_EMRFS_ALLOWED) {
        *any = 1;
        snprintf(what, cap, "s3:ListBucket");
    }
    for (size_t i = 0; i < SKT_ARRAY_LEN(s3_probe_object); i++) {
        SKT_GUARD(decide(x, role, principal, s3_probe_object[i], s->object, NULL,
                         SKT_EMRFS_IDENTITY_ONLY, &d, detail, sizeof(detail)));
        if (d == SECKIT_EMRFS_ALLOWED) {
            size_t u = strlen(what);
            snprintf(what + u, cap - u, "%s%s", *any ? ", " : "", s3_probe_object[i]);
            *any = 1;
        }
    }
    if (*any) {
        size_t u = strlen(what);
        snprintf(what + u, cap - u, " on %s", s->label);
    }
    return 0;
}

/* The S3 ARNs a role's Allow statements name, as samples (at most max). */
static size_t role_samples(const skt_emrfs_role *role, sample *out, size_t max)
{
    size_t n = 0;
    for (size_t p = 0; p < role->nperms && n < max; p++) {
        seckit_json_doc *doc = NULL;
        seckit_error e;
        if (seckit_json_parse(&doc, role->perms[p].text, role->perms[p].len, NULL, &e) != 0)
            continue;
        const seckit_json *root = seckit_json_root(doc);
        const seckit_json *st = seckit_json_get(root, "Statement");
        const seckit_json *one = st;
        if (st != NULL && st->kind == SECKIT_JSON_ARRAY)
            one = st->child;
        for (; one != NULL && n < max; one = st->kind == SECKIT_JSON_ARRAY ? one->next : NULL) {
            const seckit_json *eff = seckit_json_get(one, "Effect");
            if (eff == NULL || eff->kind != SECKIT_JSON_STRING || strcmp(eff->str, "Allow") != 0)
                continue;
            const seckit_json *res = seckit_json_get(one, "Resource");
            if (res == NULL)
                continue;
            const seckit_json *r = res->kind == SECKIT_JSON_ARRAY ? res->child : res;
            for (; r != NULL && n < max; r = res->kind == SECKIT_JSON_ARRAY ? r->next : NULL) {
                if (r->kind != SECKIT_JSON_STRING)
                    continue;
                char filled[2100];
                if (strcmp(r->str, "*") == 0) {
                    sample_from_location("s3://seckit-sample-bucket/", &out[n]);
                    snprintf(out[n++].label, sizeof(out[0].label), "any bucket (Resource \"*\")");
                    continue;
                }
                if (strncmp(r->str, "arn:aws:s3:::", 13) != 0 || strlen(r->str) > 2000)
                    continue;
                fill_wildcards(r->str + 13, filled, sizeof(filled));
                char loc[2200];
                snprintf(loc, sizeof(loc), "s3://%s", filled);
                const char *slash = strchr(filled, '/');
                sample *s = &out[n++];
                sample_from_location(loc, s);
                if (slash != NULL) /* the object ARN itself */
                    snprintf(s->object, sizeof(s->object), "arn:aws:s3:::%s", filled);
                snprintf(s->label, sizeof(s->label), "%s", r->str);
            }
        }
        seckit_json_free(doc);
    }
    return n;
}

#define MAX_SAMPLES 16

/* Trust: the instance role's session assumes the mapping's role (the trust
 * policy allows it, and so do the instance role's own policies). */
static int check_trust(cctx *x, const skt_emrfs_role *inst, const char *inst_session,
                       const seckit_emrfs_mapping *m, const skt_emrfs_role *role, size_t j)
{
    const seckit_emrfs_check_options *o = x->o;
    char detail[1024];
    seckit_emrfs_decision d;
    if (role->trust.text == NULL) {
        SKT_GUARD(add(x, C_TRUST_DENIES, &m->role_pos, j, -1,
                      "role %s has no trust policy in the documents given: the instance "
                      "role %s cannot assume it",
                      m->role, o->instance_role));
    } else {
        SKT_GUARD(decide(x, inst, inst_session, "sts:AssumeRole", role->arn, &role->trust,
                         SKT_EMRFS_RESOURCE_ONLY, &d, detail, sizeof(detail)));
        if (d != SECKIT_EMRFS_ALLOWED) {
            SKT_GUARD(add(x, C_TRUST_DENIES, &m->role_pos, j, -1,
                          "the trust policy of %s does not let the instance role %s assume "
                          "it (%s: %s)",
                          m->role, o->instance_role, seckit_emrfs_decision_name(d), detail));
        } else if (inst != NULL) {
            seckit_emrfs_decision both, ident;
            char d2[1024];
            SKT_GUARD(decide(x, inst, inst_session, "sts:AssumeRole", role->arn, &role->trust,
                             SKT_EMRFS_BOTH, &both, detail, sizeof(detail)));
            SKT_GUARD(decide(x, inst, inst_session, "sts:AssumeRole", role->arn, NULL,
                             SKT_EMRFS_IDENTITY_ONLY, &ident, d2, sizeof(d2)));
            if (both != SECKIT_EMRFS_ALLOWED)
                SKT_GUARD(add(x, C_CANNOT_ASSUME, &m->role_pos, j, -1,
                              "the instance role %s cannot assume %s although the trust "
                              "policy allows it (%s: %s)",
                              o->instance_role, m->role, seckit_emrfs_decision_name(both), detail));
            else if (ident != SECKIT_EMRFS_ALLOWED)
                SKT_GUARD(add(x, C_ASSUME_NOT_IN_INSTANCE_POLICY, &m->role_pos, j, -1,
                              "the instance role %s's own policies do not allow "
                              "sts:AssumeRole on %s (%s); it works only because the trust "
                              "policy names the role",
                              o->instance_role, m->role, d2));
        }
    }
    return 0;
}

/* The fallback's own S3 access: the instance role, which every unmatched
 * request gets, should have none (sampled on its own resources and on the
 * mapped prefixes). */
static int check_fallback_s3(cctx *x, const skt_emrfs_role *inst)
{
    const seckit_emrfs_config *c = x->c;
    const seckit_emrfs_check_options *o = x->o;
    sample samples[MAX_SAMPLES];
    size_t ns = role_samples(inst, samples, MAX_SAMPLES);
    for (size_t j = 0; j < c->count && ns < MAX_SAMPLES; j++)
        for (size_t k = 0; k < c->mappings[j].identifier_count && ns < MAX_SAMPLES; k++)
            if (c->mappings[j].type == SECKIT_EMRFS_PREFIX)
                sample_from_location(c->mappings[j].identifiers[k].value, &samples[ns++]);
    int any = 0;
    char what[4096] = "";
    for (size_t s = 0; s < ns && !any; s++)
        SKT_GUARD(s3_allows(x, inst, &samples[s], what, sizeof(what), &any));
    if (any)
        SKT_GUARD(add(x, C_INSTANCE_ROLE_S3_ACCESS, NULL, (size_t)-1, -1,
                      "the instance role %s, which every unmatched request gets, allows %s; "
                      "give it no S3 access and map the access to roles",
                      o->instance_role, what));
    return 0;
}

static int check_roles(cctx *x)
{
    const seckit_emrfs_config *c = x->c;
    const seckit_emrfs_check_options *o = x->o;
    const skt_emrfs_role *inst = skt_emrfs_role_find(o->roles, o->instance_role);
    char inst_session[700];
    session_arn(o->instance_role, inst_session, sizeof(inst_session));
    char inst_acct[13];
    const char *inst_name = NULL;
    (void)skt_emrfs_role_arn_split(o->instance_role, inst_acct, &inst_name);
    if (inst == NULL)
        SKT_GUARD(add(x, C_INSTANCE_ROLE_NOT_FOUND, NULL, (size_t)-1, -1,
                      "the instance role %s is not in the roles' documents: its own S3 access "
                      "and its permission to assume the mapped roles are not checked",
                      o->instance_role));
    for (size_t j = 0; j < c->count; j++) {
        const seckit_emrfs_mapping *m = &c->mappings[j];
        char acct[13];
        const char *name = NULL;
        (void)skt_emrfs_role_arn_split(m->role, acct, &name);
        if (inst_name != NULL && strcmp(acct, inst_acct) == 0 && strcmp(name, inst_name) == 0) {
            SKT_GUARD(add(x, C_MAPPING_TO_INSTANCE_ROLE, &m->role_pos, j, -1,
                          "RoleMappings[%zu] maps to the instance role %s itself: its %s gain "
                          "nothing over the fallback, or the fallback role is too broad",
                          j, m->role,
                          m->type == SECKIT_EMRFS_USER    ? "users"
                          : m->type == SECKIT_EMRFS_GROUP ? "groups"
                                                          : "prefixes"));
            continue;
        }
        const skt_emrfs_role *role = skt_emrfs_role_find(o->roles, m->role);
        if (role == NULL) {
            SKT_GUARD(add(x, C_ROLE_NOT_FOUND, &m->role_pos, j, -1,
                          "RoleMappings[%zu]'s role %s is not in the roles' documents given", j,
                          m->role));
            continue;
        }
        SKT_GUARD(check_trust(x, inst, inst_session, m, role, j));
        /* S3 access for what routes to the mapping. */
        sample samples[MAX_SAMPLES];
        size_t ns = 0;
        if (m->type == SECKIT_EMRFS_PREFIX) {
            for (size_t k = 0; k < m->identifier_count && ns < MAX_SAMPLES; k++)
                sample_from_location(m->identifiers[k].value, &samples[ns++]);
        } else {
            ns = role_samples(role, samples, MAX_SAMPLES);
        }
        int any = 0;
        char what[4096] = "";
        for (size_t s = 0; s < ns && !any; s++)
            SKT_GUARD(s3_allows(x, role, &samples[s], what, sizeof(what), &any));
        if (!any)
            SKT_GUARD(add(x, C_NO_S3_ACCESS, &m->role_pos, j, -1,
                          "role %s allows no s3:GetObject, s3:PutObject or s3:ListBucket on %s",
                          m->role,
                          m->type == SECKIT_EMRFS_PREFIX ? m->identifiers[0].value
                                                         : "any S3 resource its policies name"));
    }
    /* The fallback's own S3 access. */
    if (inst != NULL)
        SKT_GUARD(check_fallback_s3(x, inst));
    return 0;
}

int seckit_emrfs_check(const seckit_emrfs_config *c, seckit_emrfs_findings **out,
                       const seckit_emrfs_check_options *opts, seckit_error *err)
{
    if (out != NULL)
        *out = NULL;
    SKT_GUARD(skt_options_check(opts, SECKIT_EMRFS_CHECK_OPTIONS_VERSION,
                                "seckit_emrfs_check_options", err));
    SKT_ENSURE_ARG(c != NULL && opts != NULL && opts->instance_role != NULL &&
                       opts->roles != NULL && out != NULL,
                   err);
    SKT_ENSURE(skt_emrfs_role_arn_split(opts->instance_role, NULL, NULL), err, SECKIT_EINVAL,
               "instance role '%.200s' is not an IAM role ARN "
               "(arn:aws:iam::ACCOUNT:role/NAME)",
               opts->instance_role);
    seckit_emrfs_findings *f = calloc(1, sizeof(*f));
    fstore *fs = calloc(1, sizeof(*fs));
    if (f == NULL || fs == NULL) {
        free(f);
        free(fs);
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    skt_arena_init(&fs->arena);
    f->internal_ = fs;
    cctx x = {c, opts, f, fs, err};
    int rc = check_shadowing(&x);
    if (rc == 0)
        rc = check_prefixes(&x);
    if (rc == 0)
        rc = check_known(&x);
    if (rc == 0)
        rc = check_roles(&x);
    if (rc != 0) {
        seckit_emrfs_findings_free(f);
        return rc;
    }
    *out = f;
    return 0;
}

void seckit_emrfs_findings_free(seckit_emrfs_findings *f)
{
    if (f == NULL)
        return;
    fstore *fs = f->internal_;
    if (fs != NULL) {
        skt_arena_free(&fs->arena);
        free(fs);
    }
    free(f->items);
    free(f);
}

/* ---- can-access ---- */

static int is_bucket_action(const seckit_iam_data *data, const char *action)
{
    if (data != NULL) {
        const skt_iam_action *a = skt_iam_action_find(data, action, strlen(action));
        if (a != NULL && a->resources != NULL) {
            /* "object*,bucket": the first required type decides */
            const char *r = a->resources;
            if (strncmp(r, "bucket", 6) == 0 && (r[6] == '*' || r[6] == ',' || r[6] == '\0'))
                return 1;
            if (strncmp(r, "object", 6) == 0)
                return 0;
        }
    }
    const char *name = strchr(action, ':');
    name = name ? name + 1 : action;
    return strstr(name, "Bucket") != NULL || strcmp(name, "ListMultipartUploads") == 0;
}

int seckit_emrfs_can_access(const seckit_emrfs_config *c, seckit_emrfs_access *out,
                            const seckit_emrfs_roles *roles, const seckit_iam_data *data,
                            const char *instance_role, const seckit_emrfs_identity *who,
                            const char *action, const char *s3_uri, seckit_error *err)
{
    SKT_ENSURE_ARG(c != NULL && roles != NULL && action != NULL && out != NULL, err);
    memset(out, 0, sizeof(*out));
    const char *colon = strchr(action, ':');
    if (colon == NULL || colon == action || colon[1] == '\0' || strncmp(action, "s3:", 3) != 0 ||
        strchr(action, '*') != NULL || strchr(action, '?') != NULL || strlen(action) > 128)
        return seckit_error_set(err, SECKIT_EINVAL,
                                "action '%.100s' is not an S3 action such as s3:GetObject", action);
    SKT_GUARD(seckit_emrfs_resolve(c, &out->resolution, instance_role, who, s3_uri, err));
    char bucket[300];
    char loc[2100];
    const char *key = NULL;
    SKT_GUARD(
        seckit_emrfs_location_parse(loc, sizeof(loc), bucket, sizeof(bucket), &key, s3_uri, err));
    if (is_bucket_action(data, action))
        snprintf(out->resource, sizeof(out->resource), "arn:aws:s3:::%s", bucket);
    else
        snprintf(out->resource, sizeof(out->resource), "arn:aws:s3:::%s/%s", bucket, key);
    const skt_emrfs_role *role = skt_emrfs_role_find(roles, out->resolution.role);
    SKT_ENSURE(role != NULL, err, SECKIT_ENOTFOUND,
               "role %s (%s) is not in the roles' documents given", out->resolution.role,
               out->resolution.reason);
    char principal[700];
    session_arn(role->arn, principal, sizeof(principal));
    return skt_emrfs_decide(role, principal, action, out->resource, NULL, SKT_EMRFS_IDENTITY_ONLY,
                            &out->decision, out->detail, sizeof(out->detail), err);
}

int seckit_emrfs_check_options_init(seckit_emrfs_check_options *opts, unsigned int version,
                                    seckit_error *err)
{
    static const seckit_emrfs_check_options init = SECKIT_EMRFS_CHECK_OPTIONS_INIT;
    SKT_GUARD(skt_options_init_check(opts, version, SECKIT_EMRFS_CHECK_OPTIONS_VERSION,
                                     "seckit_emrfs_check_options", err));
    *opts = init;
    return 0;
}
