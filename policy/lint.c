/* policy/: the offline IAM policy linter.  Takes a policy (JSON text or a
 * tree with positions) and returns findings shaped like IAM Access
 * Analyzer's ValidatePolicy output, plus seckit's own checks (privilege
 * escalation, credential exposure, trust-policy pitfalls).  Pure: no I/O.
 * This file: findings and their paths, the entry points, the name tables;
 * the checks are in lint_structure.c, lint_actions.c, lint_resources.c,
 * lint_principals.c, lint_conditions.c, lint_security.c and lint_trust.c
 * (what they share: lint_internal.h). */
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
#include "src/base/options.h"

#define MAX_FINDINGS 10000u

typedef struct finding_store {
    skt_arena arena;
} finding_store;

/* (the small helpers are in policy/lint_internal.h) */

/* ------------------------------------------------------------------ */
/* findings */

/* A finding's path text: pieces are measured (out NULL), then written.
 * Like the string builder it replaced, it holds at most PATH_LIMIT
 * characters: the first piece that does not fit ends it. */
#define PATH_LIMIT (1u << 20)

typedef struct path_writer {
    char *out;
    size_t len;
    int full;
} path_writer;

static void path_put(path_writer *w, const char *s, size_t n)
{
    if (w->full || n > PATH_LIMIT - w->len) {
        w->full = 1;
        return;
    }
    if (w->out != NULL)
        memcpy(w->out + w->len, s, n);
    w->len += n;
}

static void path_of(lint *l, const seckit_json *n, const char **path_out,
                    const seckit_path_element **el_out, size_t *len_out)
{
    size_t depth = 0;
    for (const seckit_json *p = n; p != NULL && p->parent != NULL; p = p->parent)
        depth++;
    seckit_path_element *el = depth ? skt_arena_alloc(l->a, depth * sizeof(*el)) : NULL;
    if (depth && el == NULL) {
        l->oom = 1;
        return;
    }
    size_t i = depth;
    for (const seckit_json *p = n; p != NULL && p->parent != NULL; p = p->parent) {
        i--;
        if (p->parent->kind == SECKIT_JSON_OBJECT) {
            /* copied: findings outlive the parsed document */
            el[i].is_index = 0;
            el[i].value = skt_arena_strndup(l->a, p->key, p->key_len);
            if (el[i].value == NULL) {
                l->oom = 1;
                return;
            }
        } else {
            el[i].is_index = 1;
            el[i].index = p->index;
        }
    }
    /* "a.b[2].c", measured, then written in place (a finding is made for
     * every problem found: no printf, no temporary buffer) */
    path_writer w = {NULL, 0, 0};
    for (int pass = 0; pass < 2; pass++) {
        for (i = 0; i < depth; i++) {
            if (el[i].is_index) {
                char digits[24];
                size_t at = sizeof(digits), v = el[i].index;
                digits[--at] = ']';
                do {
                    digits[--at] = (char)('0' + v % 10);
                    v /= 10;
                } while (v != 0);
                digits[--at] = '[';
                path_put(&w, digits + at, sizeof(digits) - at);
            } else {
                if (i > 0)
                    path_put(&w, ".", 1);
                path_put(&w, el[i].value, strlen(el[i].value));
            }
        }
        if (pass == 0) {
            w.out = skt_arena_alloc(l->a, w.len + 1);
            if (w.out == NULL) {
                l->oom = 1;
                return;
            }
            w.len = 0;
            w.full = 0;
        }
    }
    w.out[w.len] = '\0';
    *path_out = w.out;
    *el_out = el;
    *len_out = depth;
}

void skt_lint_add(lint *l, int ck, const stmt *st, const seckit_json *n, int keyspan,
                  const char *fmt, ...)
{
    if (l->oom || l->n >= MAX_FINDINGS)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        seckit_policy_finding *it = realloc(l->items, cap * sizeof(*it));
        if (it == NULL) {
            l->oom = 1;
            return;
        }
        l->items = it;
        l->cap = cap;
    }
    seckit_policy_finding *f = &l->items[l->n];
    memset(f, 0, sizeof(*f));
    f->type = skt_checks[ck].type;
    f->issue_code = skt_checks[ck].issue_code;
    f->learn_more = skt_checks[ck].learn_more;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    f->message = skt_arena_strdup(l->a, buf);
    f->statement_index = st ? st->idx : -1;
    f->sid = st && st->sid ? skt_arena_strdup(l->a, st->sid) : NULL;
    if (st && st->sid && f->sid == NULL)
        l->oom = 1;
    if (n != NULL) {
        path_of(l, n, &f->path, &f->path_elements, &f->path_len);
        f->span = (keyspan && n->key != NULL) ? n->key_span : n->span;
    } else {
        f->path = "";
    }
    if (f->message == NULL)
        l->oom = 1;
    l->n++;
}

void skt_lint_add_locations(lint *l, const seckit_json *const *nodes, size_t k)
{
    if (l->oom || l->n == 0 || k == 0)
        return;
    seckit_policy_finding *f = &l->items[l->n - 1];
    seckit_policy_location *loc = skt_arena_alloc(l->a, k * sizeof(*loc));
    if (loc == NULL) {
        l->oom = 1;
        return;
    }
    memset(loc, 0, k * sizeof(*loc));
    for (size_t i = 0; i < k; i++) {
        path_of(l, nodes[i], &loc[i].path, &loc[i].path_elements, &loc[i].path_len);
        loc[i].span = nodes[i]->span;
    }
    f->more_locations = loc;
    f->more_count = k;
}

/* ------------------------------------------------------------------ */
/* public entry points */

static int finding_cmp(const void *a, const void *b)
{
    const seckit_policy_finding *x = a, *y = b;
    if (x->span.start.offset != y->span.start.offset)
        return x->span.start.offset < y->span.start.offset ? -1 : 1;
    if (x->span.start.line != y->span.start.line)
        return x->span.start.line < y->span.start.line ? -1 : 1;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    return strcmp(x->issue_code, y->issue_code);
}

static int finish(lint *l, finding_store *fs, seckit_policy_findings **out, seckit_error *err)
{
    free(l->lookups);
    l->lookups = NULL;
    l->nlookups = l->lookups_cap = 0;
    if (l->oom) {
        free(l->items);
        skt_arena_free(&fs->arena);
        free(fs);
        return seckit_error_set(err, SECKIT_ENOMEM, "policy lint: out of memory");
    }
    seckit_policy_findings *f = calloc(1, sizeof(*f));
    if (f == NULL) {
        free(l->items);
        skt_arena_free(&fs->arena);
        free(fs);
        return seckit_error_set(err, SECKIT_ENOMEM, "policy lint: out of memory");
    }
    if (l->n > 1) {
        /* stable: keep emission order for equal keys via merge of index */
        qsort(l->items, l->n, sizeof(*l->items), finding_cmp);
    }
    f->items = l->items;
    f->count = l->n;
    f->internal_ = fs;
    *out = f;
    return 0;
}

static int lint_setup(lint *l, finding_store **fs, const seckit_policy_lint_options *opts,
                      seckit_error *err)
{
    memset(l, 0, sizeof(*l));
    *fs = calloc(1, sizeof(**fs));
    if (*fs == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "policy lint: out of memory");
    skt_arena_init(&(*fs)->arena);
    l->a = &(*fs)->arena;
    l->o = opts;
    l->type = opts->type;
    l->rtype = opts->resource_type;
    if (l->type == SECKIT_POLICY_RESOURCE && l->rtype == SECKIT_RESOURCE_IAM_ROLE_TRUST)
        l->type = SECKIT_POLICY_TRUST;
    if (l->type == SECKIT_POLICY_TRUST)
        l->rtype = SECKIT_RESOURCE_IAM_ROLE_TRUST;
    l->data = opts->data;
    return 0;
}

int seckit_policy_lint(seckit_policy_findings **out, const char *json, size_t len,
                       const seckit_policy_lint_options *opts, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = NULL;
    SKT_ENSURE_ARG(opts != NULL, err);
    SKT_GUARD(skt_options_check(opts, SECKIT_POLICY_LINT_OPTIONS_VERSION,
                                "seckit_policy_lint_options", err));
    SKT_ENSURE_ARG(json != NULL || len == 0, err);
    SKT_ENSURE_ARG(opts->type >= SECKIT_POLICY_IDENTITY && opts->type <= SECKIT_POLICY_TRUST, err);
    SKT_ENSURE_ARG(opts->resource_type >= SECKIT_RESOURCE_NONE &&
                       opts->resource_type < SECKIT_RESOURCE_COUNT_,
                   err);
    lint l;
    finding_store *fs;
    SKT_GUARD(lint_setup(&l, &fs, opts, err));
    seckit_json_options jo = SECKIT_JSON_OPTIONS_INIT;
    jo.base = opts->base;
    seckit_json_doc *doc = NULL;
    seckit_error perr;
    seckit_error_clear(&perr);
    int rc = seckit_json_parse(&doc, json, len, &jo, &perr);
    if (rc == SECKIT_ENOMEM || (rc == SECKIT_ELIMIT && len > 8u * 1024u * 1024u)) {
        skt_arena_free(&fs->arena);
        free(fs);
        if (err != NULL)
            *err = perr;
        return rc;
    }
    if (rc < 0) {
        /* a finding at the place where parsing stopped */
        seckit_json at;
        memset(&at, 0, sizeof(at));
        at.span.start = perr.position;
        at.span.end = at.span.start;
        at.span.end.column++;
        at.span.end.offset++;
        /* the position is in the finding; keep only what was wrong */
        const char *msg = perr.message;
        const char *what = strstr(msg, ": ");
        if (strncmp(msg, "JSON: line ", 11) == 0 && what != NULL &&
            (what = strstr(what + 2, ": ")) != NULL)
            msg = what + 2;
        else if (strncmp(msg, "JSON: ", 6) == 0)
            msg += 6;
        skt_lint_add(&l, CK_JSON_SYNTAX_ERROR, NULL, &at, 0, "%s", msg);
        if (l.n > 0) {
            l.items[0].path = "";
            l.items[0].path_len = 0;
            l.items[0].path_elements = NULL;
        }
        return finish(&l, fs, out, err);
    }
    l.text = json;
    l.text_len = len;
    rc = skt_lint_root(&l, seckit_json_root(doc), 0, 0);
    seckit_json_free(doc);
    if (rc < 0) {
        l.oom = 1;
    }
    return finish(&l, fs, out, err);
}

/* Lint a parsed policy.  With its source text, the size quotas count that
 * text (as seckit_policy_lint does: whitespace matters to SCPs and RCPs);
 * without it, the minified size of the tree. */
static int lint_parsed(const seckit_json *root, const char *text, size_t text_len,
                       const seckit_policy_lint_options *opts, seckit_policy_findings **out,
                       seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = NULL;
    SKT_ENSURE_ARG(opts != NULL && root != NULL, err);
    SKT_GUARD(skt_options_check(opts, SECKIT_POLICY_LINT_OPTIONS_VERSION,
                                "seckit_policy_lint_options", err));
    SKT_ENSURE_ARG(opts->type >= SECKIT_POLICY_IDENTITY && opts->type <= SECKIT_POLICY_TRUST, err);
    SKT_ENSURE_ARG(opts->resource_type >= SECKIT_RESOURCE_NONE &&
                       opts->resource_type < SECKIT_RESOURCE_COUNT_,
                   err);
    lint l;
    finding_store *fs;
    SKT_GUARD(lint_setup(&l, &fs, opts, err));
    size_t size = 0;
    if (text != NULL) {
        l.text = text;
        l.text_len = text_len;
    } else {
        size = skt_json_minified_size(root);
    }
    int rc = skt_lint_root(&l, root, size, size);
    if (rc < 0)
        l.oom = 1;
    return finish(&l, fs, out, err);
}

int seckit_policy_lint_tree(seckit_policy_findings **out, const seckit_json *root,
                            const seckit_policy_lint_options *opts, seckit_error *err)
{
    return lint_parsed(root, NULL, 0, opts, out, err);
}

int skt_policy_lint_tree_text(const seckit_json *root, const char *text, size_t text_len,
                              const seckit_policy_lint_options *opts, seckit_policy_findings **out,
                              seckit_error *err)
{
    SKT_ENSURE_ARG(text != NULL, err);
    return lint_parsed(root, text, text_len, opts, out, err);
}

int skt_policy_findings_set_message(seckit_policy_findings *f, size_t i, const char *msg)
{
    if (f == NULL || i >= f->count || msg == NULL || f->internal_ == NULL)
        return SECKIT_EINVAL;
    finding_store *fs = f->internal_;
    char *copy = skt_arena_strdup(&fs->arena, msg);
    if (copy == NULL)
        return SECKIT_ENOMEM;
    f->items[i].message = copy;
    return 0;
}

void seckit_policy_findings_free(seckit_policy_findings *f)
{
    if (f == NULL)
        return;
    finding_store *fs = f->internal_;
    if (fs != NULL) {
        skt_arena_free(&fs->arena);
        free(fs);
    }
    free(f->items);
    free(f);
}

size_t seckit_policy_checks(const seckit_policy_check_info **table)
{
    if (table != NULL)
        *table = skt_checks;
    return CK_COUNT_;
}

/* ------------------------------------------------------------------ */
/* names */

static const char *const type_names[] = {"identity", "resource", "scp", "rcp", "trust"};
static const char *const type_aa_names[] = {"IDENTITY_POLICY", "RESOURCE_POLICY",
                                            "SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY",
                                            "TRUST_POLICY"};

const char *seckit_policy_type_name(seckit_policy_type t)
{
    if ((unsigned)t >= SKT_ARRAY_LEN(type_names))
        return "unknown";
    return type_names[t];
}

int seckit_policy_type_parse(seckit_policy_type *out, const char *s, seckit_error *err)
{
    SKT_ENSURE_ARG(s != NULL && out != NULL, err);
    for (size_t i = 0; i < SKT_ARRAY_LEN(type_names); i++)
        if (strcasecmp(s, type_names[i]) == 0 || strcasecmp(s, type_aa_names[i]) == 0) {
            *out = (seckit_policy_type)i;
            return 0;
        }
    int trust = strcasecmp(s, "role-trust") == 0 || strcasecmp(s, "assume-role") == 0;
    SKT_ENSURE(
        trust, err, SECKIT_EINVAL,
        "unknown policy type '%.100s' (expected identity, resource, scp, rcp, trust, role-trust, "
        "assume-role or IDENTITY_POLICY, RESOURCE_POLICY, SERVICE_CONTROL_POLICY, "
        "RESOURCE_CONTROL_POLICY, TRUST_POLICY)",
        s);
    *out = SECKIT_POLICY_TRUST;
    return 0;
}

static const struct {
    seckit_policy_resource_type t;
    const char *cfn;
    const char *short1;
    const char *short2;
} rtypes[] = {
    {SECKIT_RESOURCE_S3_BUCKET, "AWS::S3::Bucket", "s3-bucket", "s3"},
    {SECKIT_RESOURCE_S3_ACCESS_POINT, "AWS::S3::AccessPoint", "s3-access-point", "access-point"},
    {SECKIT_RESOURCE_S3_MRAP, "AWS::S3::MultiRegionAccessPoint", "s3-mrap", "mrap"},
    {SECKIT_RESOURCE_S3_OBJECT_LAMBDA_AP, "AWS::S3ObjectLambda::AccessPoint", "s3-object-lambda",
     "olap"},
    {SECKIT_RESOURCE_S3_TABLE_BUCKET, "AWS::S3Tables::TableBucket", "s3-table-bucket", "s3tables"},
    {SECKIT_RESOURCE_DYNAMODB_TABLE, "AWS::DynamoDB::Table", "dynamodb-table", "dynamodb"},
    {SECKIT_RESOURCE_KMS_KEY, "AWS::KMS::Key", "kms-key", "kms"},
    {SECKIT_RESOURCE_SQS_QUEUE, "AWS::SQS::Queue", "sqs-queue", "sqs"},
    {SECKIT_RESOURCE_SNS_TOPIC, "AWS::SNS::Topic", "sns-topic", "sns"},
    {SECKIT_RESOURCE_LAMBDA_FUNCTION, "AWS::Lambda::Function", "lambda-function", "lambda"},
    {SECKIT_RESOURCE_SECRETS_MANAGER_SECRET, "AWS::SecretsManager::Secret", "secret",
     "secretsmanager"},
    {SECKIT_RESOURCE_ECR_REPOSITORY, "AWS::ECR::Repository", "ecr-repository", "ecr"},
    {SECKIT_RESOURCE_IAM_ROLE_TRUST, "AWS::IAM::AssumeRolePolicyDocument", "role-trust", "trust"},
};

const char *seckit_policy_resource_type_name(seckit_policy_resource_type t)
{
    for (size_t i = 0; i < SKT_ARRAY_LEN(rtypes); i++)
        if (rtypes[i].t == t)
            return rtypes[i].cfn;
    return "generic";
}

int seckit_policy_resource_type_parse(seckit_policy_resource_type *out, const char *s,
                                      seckit_error *err)
{
    SKT_ENSURE_ARG(s != NULL && out != NULL, err);
    if (strcasecmp(s, "none") == 0 || strcasecmp(s, "generic") == 0) {
        *out = SECKIT_RESOURCE_NONE;
        return 0;
    }
    size_t i = 0;
    while (i < SKT_ARRAY_LEN(rtypes) && strcasecmp(s, rtypes[i].cfn) != 0 &&
           strcasecmp(s, rtypes[i].short1) != 0 && strcasecmp(s, rtypes[i].short2) != 0)
        i++;
    if (i == SKT_ARRAY_LEN(rtypes)) {
        /* Name the accepted values: every CloudFormation name (the short
         * forms would not fit in one message). */
        char list[SECKIT_ERROR_MESSAGE_MAX] = "none, generic";
        size_t used = strlen(list);
        for (size_t k = 0; k < SKT_ARRAY_LEN(rtypes) && used < sizeof list; k++) {
            int n = snprintf(list + used, sizeof list - used, ", %s", rtypes[k].cfn);
            used += n > 0 ? (size_t)n : 0;
        }
        SKT_ENSURE(0, err, SECKIT_EINVAL,
                   "unknown resource type '%.60s' (expected %s, or a short name such as %s or %s)",
                   s, list, rtypes[0].short1, rtypes[6].short2);
    }
    *out = rtypes[i].t;
    return 0;
}

static const char *const finding_names[] = {"ERROR", "SECURITY_WARNING", "WARNING", "SUGGESTION"};

const char *seckit_finding_type_name(seckit_finding_type t)
{
    if ((unsigned)t >= SKT_ARRAY_LEN(finding_names))
        return "UNKNOWN";
    return finding_names[t];
}

int seckit_finding_types_parse(unsigned *mask, const char *list, seckit_error *err)
{
    SKT_ENSURE_ARG(list != NULL && mask != NULL, err);
    unsigned m = 0;
    const char *p = list;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        int found = 0;
        if (ci_eq(p, n, "NONE"))
            found = 1;
        for (size_t i = 0; i < SKT_ARRAY_LEN(finding_names) && !found; i++)
            if (ci_eq(p, n, finding_names[i])) {
                m |= SECKIT_FINDING_BIT(i);
                found = 1;
            }
        if (!found)
            return seckit_error_set(
                err, SECKIT_EINVAL,
                "unknown finding type '%.*s' (ERROR, SECURITY_WARNING, WARNING, SUGGESTION, NONE)",
                (int)(n > 40 ? 40 : n), p);
        p += n;
        if (*p == ',')
            p++;
    }
    *mask = m;
    return 0;
}

int seckit_policy_lint_options_init(seckit_policy_lint_options *opts, unsigned int version,
                                    seckit_error *err)
{
    static const seckit_policy_lint_options init = SECKIT_POLICY_LINT_OPTIONS_INIT;
    SKT_GUARD(skt_options_init_check(opts, version, SECKIT_POLICY_LINT_OPTIONS_VERSION,
                                     "seckit_policy_lint_options", err));
    *opts = init;
    return 0;
}
