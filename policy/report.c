/* policy/: collecting the findings of many policies, suppressing some, and
 * rendering them as text, JSON (Access Analyzer's finding shape) or
 * SARIF 2.1.0.  Pure: builds strings, prints nothing. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/internal.h"
#include "seckit/policy_inputs.h"
#include "seckit/json.h"
#include "src/base/guard.h"
#include "src/base/options.h"

#define MAX_REPORT_FINDINGS 1000000u
#define MAX_OUTPUT (256u * 1024u * 1024u)

typedef struct entry {
    const char *file;
    const char *owner;
    const char *scope; /* logical id / address, or NULL */
    int baselined;     /* matched an entry of the baseline: not shown */
    seckit_policy_finding f;
} entry;

typedef struct ignore_spec {
    const char *scope; /* NULL = any */
    const char *code;
} ignore_spec;

typedef struct base_key {
    const char *key;
    int used;
} base_key;

struct seckit_policy_report {
    skt_arena arena;
    entry *items;
    size_t n, cap;
    ignore_spec *ignores;
    size_t nignores;
    size_t ignored;
    base_key *base; /* sorted by key */
    size_t nbase;
    int have_base;
    size_t baselined;
};

int seckit_policy_report_new(seckit_policy_report **out, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = calloc(1, sizeof(**out));
    SKT_ENSURE(*out != NULL, err, SECKIT_ENOMEM, "report: out of memory");
    skt_arena_init(&(*out)->arena);
    return 0;
}

void seckit_policy_report_free(seckit_policy_report *r)
{
    if (r == NULL)
        return;
    skt_arena_free(&r->arena);
    free(r->items);
    free(r->ignores);
    free(r->base);
    free(r);
}

int seckit_policy_check_exists(const char *code)
{
    const seckit_policy_check_info *checks;
    size_t n = seckit_policy_checks(&checks);
    for (size_t i = 0; code != NULL && i < n; i++)
        if (strcmp(checks[i].issue_code, code) == 0)
            return 1;
    return 0;
}

int seckit_policy_report_ignore(seckit_policy_report *r, const char *spec, seckit_error *err)
{
    SKT_ENSURE_ARG(r != NULL && spec != NULL, err);
    SKT_ENSURE(spec[0] != '\0', err, SECKIT_EINVAL, "ignore: empty value (CODE or CODE@WHERE)");
    /* CODE@WHERE; the older WHERE:CODE still works */
    const char *at = strchr(spec, '@');
    const char *colon = at ? NULL : strrchr(spec, ':');
    const char *code = spec, *scope = NULL;
    size_t code_len = strlen(spec), scope_len = 0;
    if (at != NULL) {
        code_len = (size_t)(at - spec);
        scope = at + 1;
        scope_len = strlen(scope);
    } else if (colon != NULL) {
        code = colon + 1;
        code_len = strlen(code);
        scope = spec;
        scope_len = (size_t)(colon - spec);
    }
    SKT_ENSURE(!(code_len == 0 || (scope != NULL && scope_len == 0)), err, SECKIT_EINVAL,
               "ignore '%.200s': expected CODE or CODE@WHERE (a CloudFormation logical id, "
               "Terraform address, file or Sid)",
               spec);
    char *c = skt_arena_strndup(&r->arena, code, code_len);
    SKT_ENSURE(c != NULL, err, SECKIT_ENOMEM, "report: out of memory");
    SKT_ENSURE(seckit_policy_check_exists(c), err, SECKIT_EINVAL,
               "ignore '%.200s': '%.100s' is not an issue code seckit reports (see docs/checks.md)",
               spec, c);
    ignore_spec *ns = realloc(r->ignores, (r->nignores + 1) * sizeof(*ns));
    SKT_ENSURE(ns != NULL, err, SECKIT_ENOMEM, "report: out of memory");
    r->ignores = ns;
    ignore_spec *is = &r->ignores[r->nignores];
    is->code = c;
    is->scope = scope ? skt_arena_strndup(&r->arena, scope, scope_len) : NULL;
    SKT_ENSURE(!(scope && is->scope == NULL), err, SECKIT_ENOMEM, "report: out of memory");
    r->nignores++;
    return 0;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* "./a/b" and "a/b" are the same file */
static const char *skip_dot(const char *p)
{
    while (p[0] == '.' && p[1] == '/') {
        p += 2;
        while (*p == '/')
            p++;
    }
    return p;
}

static int same_file(const char *scope, const char *file)
{
    return strcmp(scope, file) == 0 || strcmp(skip_dot(scope), skip_dot(file)) == 0 ||
           (strchr(scope, '/') == NULL && strcmp(scope, base_name(file)) == 0);
}

/* code is in the comma-separated list */
static int in_list(const char *list, const char *code)
{
    size_t n = strlen(code);
    for (const char *p = list; p != NULL && *p;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == n && memcmp(p, code, n) == 0)
            return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

static int ignored(const seckit_policy_report *r, const char *file, const char *owner,
                   const char *scope, const char *extra, const seckit_policy_finding *f)
{
    if (extra != NULL && in_list(extra, f->issue_code))
        return 1;
    for (size_t i = 0; i < r->nignores; i++) {
        const ignore_spec *is = &r->ignores[i];
        if (strcmp(is->code, f->issue_code) != 0)
            continue;
        if (is->scope == NULL)
            return 1;
        if (file != NULL && same_file(is->scope, file))
            return 1;
        if (owner != NULL && strcmp(is->scope, owner) == 0)
            return 1;
        if (scope != NULL && strcmp(is->scope, scope) == 0)
            return 1;
        if (f->sid != NULL && strcmp(is->scope, f->sid) == 0)
            return 1;
    }
    return 0;
}

/* ---- baselines ---- */

/* A finding's identity: code, file, owner (the policy in the file),
 * statement (Sid, else its index) and the path inside the statement
 * without array indexes; lines and columns are not part of it. */
static char *identity(skt_arena *a, const char *code, const char *file, const char *owner,
                      const char *stmt, const char *path)
{
    char sub[1024];
    size_t o = 0;
    const char *p = path ? path : "";
    if (strncmp(p, "Statement", 9) == 0 && stmt[0] != '\0') {
        p += 9;
        if (*p == '[')
            while (*p && *p != ']')
                p++;
        if (*p == ']')
            p++;
        if (*p == '.')
            p++;
    }
    for (; *p && o + 1 < sizeof(sub); p++) {
        if (*p == '[') {
            while (*p && *p != ']')
                p++;
            if (!*p)
                break;
            continue;
        }
        sub[o++] = *p;
    }
    sub[o] = '\0';
    return skt_arena_printf(a, "%s\x1f%s\x1f%s\x1f%s\x1f%s", code, skip_dot(file ? file : "-"),
                            owner ? owner : "", stmt, sub);
}

static void stmt_id(const seckit_policy_finding *f, char *buf, size_t cap)
{
    if (f->sid != NULL && f->sid[0] != '\0')
        snprintf(buf, cap, "%s", f->sid);
    else if (f->statement_index >= 0)
        snprintf(buf, cap, "#%ld", f->statement_index);
    else
        buf[0] = '\0';
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(((const base_key *)a)->key, ((const base_key *)b)->key);
}

static const char *member_str(const seckit_json *o, const char *k)
{
    const seckit_json *v = seckit_json_get(o, k);
    return v != NULL && v->kind == SECKIT_JSON_STRING ? v->str : NULL;
}

int seckit_policy_report_baseline(seckit_policy_report *r, const char *json, size_t len,
                                  seckit_error *err)
{
    SKT_ENSURE_ARG(r != NULL && json != NULL, err);
    seckit_json_options o = SECKIT_JSON_OPTIONS_INIT;
    o.max_size = 256u << 20;
    seckit_json_doc *doc = NULL;
    SKT_GUARD(seckit_json_parse(&doc, json, len, &o, err));
    const seckit_json *root = seckit_json_root(doc);
    const seckit_json *fs = root->kind == SECKIT_JSON_OBJECT ? seckit_json_get(root, "findings")
                                                             : NULL;
    const seckit_json *ver =
        root->kind == SECKIT_JSON_OBJECT ? seckit_json_get(root, "seckitBaseline") : NULL;
    if (fs == NULL || fs->kind != SECKIT_JSON_ARRAY || ver == NULL) {
        seckit_json_free(doc);
        return seckit_error_set(
            err, SECKIT_EFORMAT,
            "not a seckit baseline (write one with seckit policy lint --write-baseline FILE)");
    }
    base_key *keys = realloc(r->base, (r->nbase + fs->count + 1) * sizeof(*keys));
    if (keys == NULL) {
        seckit_json_free(doc);
        return seckit_error_set(err, SECKIT_ENOMEM, "report: out of memory");
    }
    r->base = keys;
    int rc = 0;
    for (const seckit_json *e = fs->child; e != NULL; e = e->next) {
        const char *code = e->kind == SECKIT_JSON_OBJECT ? member_str(e, "issueCode") : NULL;
        const char *file = code ? member_str(e, "file") : NULL;
        const char *owner = code ? member_str(e, "owner") : NULL;
        const char *stmt = code ? member_str(e, "statement") : NULL;
        const char *path = code ? member_str(e, "path") : NULL;
        if (code == NULL || file == NULL || stmt == NULL || path == NULL) {
            rc = seckit_error_set_at(
                err, SECKIT_EFORMAT, e->span.start,
                "line %lu: a finding needs issueCode, file, statement and path strings",
                e->span.start.line);
            break;
        }
        /* the stored path is already the identity's (no indexes, no statement) */
        const char *k = skt_arena_printf(&r->arena, "%s\x1f%s\x1f%s\x1f%s\x1f%s", code,
                                         skip_dot(file), owner ? owner : "", stmt, path);
        if (k == NULL) {
            rc = seckit_error_set(err, SECKIT_ENOMEM, "report: out of memory");
            break;
        }
        r->base[r->nbase].key = k;
        r->base[r->nbase].used = 0;
        r->nbase++;
    }
    seckit_json_free(doc);
    if (rc < 0)
        return rc;
    qsort(r->base, r->nbase, sizeof(*r->base), key_cmp);
    r->have_base = 1;
    return 0;
}

/* Consume one unused baseline entry equal to key; 1 when there was one. */
static int base_take(seckit_policy_report *r, const char *key)
{
    size_t lo = 0, hi = r->nbase;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(r->base[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < r->nbase && strcmp(r->base[lo].key, key) == 0; lo++)
        if (!r->base[lo].used) {
            r->base[lo].used = 1;
            return 1;
        }
    return 0;
}

/* A copy of a finding's path elements in the report's arena (NULL for
 * none, or on running out of memory). */
static seckit_path_element *copy_path(skt_arena *a, const seckit_path_element *from, size_t n)
{
    if (n == 0)
        return NULL;
    seckit_path_element *el = skt_arena_alloc(a, n * sizeof(*el));
    if (el == NULL)
        return NULL;
    for (size_t k = 0; k < n; k++) {
        el[k] = from[k];
        if (!el[k].is_index && (el[k].value = skt_arena_strdup(a, from[k].value)) == NULL)
            return NULL;
    }
    return el;
}

/* Add (copy) findings; scope and extra as in seckit_policy_report_add_input. */
static int report_add(seckit_policy_report *r, const char *file, const char *owner,
                      const char *scope, const char *extra, const seckit_policy_findings *fs,
                      seckit_error *err)
{
    SKT_ENSURE_ARG(r != NULL && fs != NULL, err);
    const char *cfile = file ? skt_arena_strdup(&r->arena, file) : NULL;
    const char *cowner = owner ? skt_arena_strdup(&r->arena, owner) : NULL;
    const char *cscope = scope ? skt_arena_strdup(&r->arena, scope) : NULL;
    if ((file && !cfile) || (owner && !cowner) || (scope && !cscope))
        return seckit_error_set(err, SECKIT_ENOMEM, "report: out of memory");
    for (size_t i = 0; i < fs->count; i++) {
        const seckit_policy_finding *f = &fs->items[i];
        if (ignored(r, file, owner, scope, extra, f)) {
            r->ignored++;
            continue;
        }
        int in_base = 0;
        if (r->have_base) {
            char st[512];
            stmt_id(f, st, sizeof(st));
            const char *k = identity(&r->arena, f->issue_code, file, owner, st, f->path);
            SKT_ENSURE(k != NULL, err, SECKIT_ENOMEM, "report: out of memory");
            in_base = base_take(r, k);
            r->baselined += (size_t)in_base;
        }
        if (r->n >= MAX_REPORT_FINDINGS)
            return seckit_error_set(err, SECKIT_ELIMIT, "report: more than %u findings",
                                    MAX_REPORT_FINDINGS);
        if (r->n == r->cap) {
            size_t cap = r->cap ? r->cap * 2 : 32;
            entry *it = realloc(r->items, cap * sizeof(*it));
            SKT_ENSURE(it != NULL, err, SECKIT_ENOMEM, "report: out of memory");
            r->items = it;
            r->cap = cap;
        }
        entry *e = &r->items[r->n];
        e->file = cfile;
        e->owner = cowner;
        e->scope = cscope;
        e->baselined = in_base;
        e->f = *f;
        /* issue_code and learn_more are static strings of the check table */
        e->f.message = skt_arena_strdup(&r->arena, f->message ? f->message : "");
        e->f.path = skt_arena_strdup(&r->arena, f->path ? f->path : "");
        e->f.sid = f->sid ? skt_arena_strdup(&r->arena, f->sid) : NULL;
        e->f.path_elements = copy_path(&r->arena, f->path_elements, f->path_len);
        if (e->f.message == NULL || e->f.path == NULL || (f->sid && e->f.sid == NULL) ||
            (f->path_len > 0 && e->f.path_elements == NULL))
            return seckit_error_set(err, SECKIT_ENOMEM, "report: out of memory");
        e->f.more_locations = NULL;
        e->f.more_count = 0;
        if (f->more_count > 0) {
            seckit_policy_location *loc = skt_arena_alloc(&r->arena, f->more_count * sizeof(*loc));
            SKT_ENSURE(loc != NULL, err, SECKIT_ENOMEM, "report: out of memory");
            for (size_t k = 0; k < f->more_count; k++) {
                loc[k] = f->more_locations[k];
                loc[k].path = skt_arena_strdup(&r->arena, f->more_locations[k].path
                                                              ? f->more_locations[k].path
                                                              : "");
                loc[k].path_elements = copy_path(&r->arena, f->more_locations[k].path_elements,
                                                 f->more_locations[k].path_len);
                if (loc[k].path == NULL || (loc[k].path_len > 0 && loc[k].path_elements == NULL))
                    return seckit_error_set(err, SECKIT_ENOMEM, "report: out of memory");
            }
            e->f.more_locations = loc;
            e->f.more_count = f->more_count;
        }
        r->n++;
    }
    return 0;
}

int seckit_policy_report_add(seckit_policy_report *r, const char *file, const char *owner,
                             const seckit_policy_findings *fs, seckit_error *err)
{
    return report_add(r, file, owner, NULL, NULL, fs, err);
}

int seckit_policy_report_add_input(seckit_policy_report *r, const char *file,
                                   const seckit_policy_input *in, const seckit_policy_findings *fs,
                                   seckit_error *err)
{
    SKT_ENSURE_ARG(in != NULL, err);
    return report_add(r, file, in->owner && in->owner[0] ? in->owner : NULL, in->scope, in->ignore,
                      fs, err);
}

int seckit_policy_report_write_baseline(const seckit_policy_report *r, char **out, size_t *out_len,
                                        seckit_error *err)
{
    SKT_ENSURE_ARG(r != NULL && out != NULL, err);
    *out = NULL;
    skt_sb b;
    skt_sb_init(&b, MAX_OUTPUT);
    skt_sb_str(&b, "{\"seckitBaseline\":1,\"findings\":[");
    for (size_t i = 0; i < r->n; i++) {
        const entry *e = &r->items[i];
        char st[512];
        stmt_id(&e->f, st, sizeof(st));
        skt_arena tmp;
        skt_arena_init(&tmp);
        const char *k = identity(&tmp, e->f.issue_code, e->file, e->owner, st, e->f.path);
        const char *sub = k ? strrchr(k, '\x1f') + 1 : "";
        skt_sb_str(&b, i ? ",\n{" : "\n{");
        skt_sb_str(&b, "\"issueCode\":");
        skt_sb_json_str(&b, e->f.issue_code, strlen(e->f.issue_code));
        skt_sb_str(&b, ",\"file\":");
        const char *file = skip_dot(e->file ? e->file : "-");
        skt_sb_json_str(&b, file, strlen(file));
        skt_sb_str(&b, ",\"owner\":");
        skt_sb_json_str(&b, e->owner ? e->owner : "", e->owner ? strlen(e->owner) : 0);
        skt_sb_str(&b, ",\"statement\":");
        skt_sb_json_str(&b, st, strlen(st));
        skt_sb_str(&b, ",\"path\":");
        skt_sb_json_str(&b, sub, strlen(sub));
        skt_sb_str(&b, ",\"findingType\":");
        skt_sb_str(&b, "\"");
        skt_sb_str(&b, seckit_finding_type_name(e->f.type));
        skt_sb_str(&b, "\",\"message\":");
        skt_sb_json_str(&b, e->f.message, strlen(e->f.message));
        skt_sb_put(&b, "}", 1);
        skt_arena_free(&tmp);
        if (k == NULL)
            b.failed = 1;
    }
    skt_sb_str(&b, "\n]}\n");
    skt_sb_put(&b, "", 0);
    if (b.failed || b.data == NULL) {
        skt_sb_free(&b);
        return seckit_error_set(err, SECKIT_ELIMIT, "report: baseline too large or out of memory");
    }
    *out = b.data;
    if (out_len != NULL)
        *out_len = b.len;
    return 0;
}

size_t seckit_policy_report_count(const seckit_policy_report *r, unsigned mask)
{
    size_t n = 0;
    if (r == NULL)
        return 0;
    for (size_t i = 0; i < r->n; i++)
        if (!r->items[i].baselined && (mask & SECKIT_FINDING_BIT(r->items[i].f.type)))
            n++;
    return n;
}

size_t seckit_policy_report_ignored(const seckit_policy_report *r)
{
    return r ? r->ignored : 0;
}

size_t seckit_policy_report_baselined(const seckit_policy_report *r)
{
    return r ? r->baselined : 0;
}

/* ------------------------------------------------------------------ */

/* The renderers put text and numbers piece by piece rather than through
 * printf: a corpus report has hundreds of thousands of them. */
static void put_uint(skt_sb *b, unsigned long long v)
{
    char digits[24];
    size_t at = sizeof(digits);
    do {
        digits[--at] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    skt_sb_put(b, digits + at, sizeof(digits) - at);
}

static const char *type_colour(seckit_finding_type t)
{
    switch (t) {
    case SECKIT_FINDING_ERROR: return "\033[1;31m";
    case SECKIT_FINDING_SECURITY_WARNING: return "\033[1;35m";
    case SECKIT_FINDING_WARNING: return "\033[33m";
    default: return "\033[36m";
    }
}

static void render_text(const seckit_policy_report *r, const seckit_report_options *o, skt_sb *b)
{
    for (size_t i = 0; i < r->n; i++) {
        const entry *e = &r->items[i];
        const seckit_policy_finding *f = &e->f;
        if (e->baselined)
            continue;
        /* FILE:LINE:COLUMN: TYPE CODE: MESSAGE [PATH] (OWNER) */
        if (o->colour)
            skt_sb_str(b, "\033[1m");
        skt_sb_str(b, e->file ? e->file : "-");
        skt_sb_put(b, ":", 1);
        put_uint(b, f->span.start.line);
        skt_sb_put(b, ":", 1);
        put_uint(b, f->span.start.column + 1);
        skt_sb_put(b, ":", 1);
        if (o->colour) {
            skt_sb_str(b, "\033[0m ");
            skt_sb_str(b, type_colour(f->type));
        } else {
            skt_sb_put(b, " ", 1);
        }
        skt_sb_str(b, seckit_finding_type_name(f->type));
        skt_sb_put(b, " ", 1);
        skt_sb_str(b, f->issue_code);
        if (o->colour)
            skt_sb_str(b, "\033[0m");
        skt_sb_put(b, ": ", 2);
        skt_sb_str(b, f->message);
        if (f->path != NULL && f->path[0] != '\0') {
            skt_sb_put(b, " [", 2);
            skt_sb_str(b, f->path);
            skt_sb_put(b, "]", 1);
        }
        if (e->owner != NULL) {
            skt_sb_put(b, " (", 2);
            skt_sb_str(b, e->owner);
            skt_sb_put(b, ")", 1);
        }
        skt_sb_put(b, "\n", 1);
    }
}

#define OWN_LINK SKT_OWN_LINK

/* A check's learn-more link as a JSON string: seckit's own checks link to
 * the installed checks.md (a file:// URI), or to the caller's base when given. */
static void put_link(skt_sb *b, const char *link, const seckit_report_options *o)
{
    if (link == NULL) {
        skt_sb_put(b, "null", 4);
        return;
    }
    size_t pl = sizeof(OWN_LINK) - 1;
    if (o->help_uri_base != NULL && o->help_uri_base[0] != '\0' &&
        strncmp(link, OWN_LINK, pl) == 0) {
        size_t bl = strlen(o->help_uri_base), al = strlen(link + pl);
        char *u = malloc(bl + al + 2);
        if (u == NULL) {
            b->failed = 1;
            return;
        }
        memcpy(u, o->help_uri_base, bl);
        u[bl] = '#';
        memcpy(u + bl + 1, link + pl, al + 1);
        skt_sb_json_str(b, u, bl + al + 1);
        free(u);
        return;
    }
    skt_sb_json_str(b, link, strlen(link));
}

static void json_pos(skt_sb *b, const seckit_position *p)
{
    skt_sb_str(b, "{\"line\":");
    put_uint(b, p->line);
    skt_sb_str(b, ",\"column\":");
    put_uint(b, p->column);
    skt_sb_str(b, ",\"offset\":");
    put_uint(b, p->offset);
    skt_sb_put(b, "}", 1);
}

/* One location as Access Analyzer writes it: {"path":[...],"span":{...}}. */
static void json_location(skt_sb *b, const seckit_path_element *el, size_t n,
                          const seckit_span *span)
{
    skt_sb_str(b, "{\"path\":[");
    for (size_t k = 0; k < n; k++) {
        if (k)
            skt_sb_put(b, ",", 1);
        if (el[k].is_index) {
            skt_sb_str(b, "{\"index\":");
            put_uint(b, el[k].index);
            skt_sb_put(b, "}", 1);
        } else {
            skt_sb_str(b, "{\"value\":");
            skt_sb_json_str(b, el[k].value, strlen(el[k].value));
            skt_sb_put(b, "}", 1);
        }
    }
    skt_sb_str(b, "],\"span\":{\"start\":");
    json_pos(b, &span->start);
    skt_sb_str(b, ",\"end\":");
    json_pos(b, &span->end);
    skt_sb_str(b, "}}");
}

/* A member "name": value (a JSON string, or null when v is NULL); member
 * is its literal text, comma included, e.g. ",\"sid\":", put in one piece. */
static void json_member_str(skt_sb *b, const char *member, size_t member_len, const char *v)
{
    skt_sb_put(b, member, member_len);
    if (v == NULL)
        skt_sb_put(b, "null", 4);
    else
        skt_sb_json_str(b, v, strlen(v));
}

#define JSON_MEMBER_STR(b, member, v) json_member_str((b), member, sizeof(member) - 1, (v))

static void render_json(const seckit_policy_report *r, const seckit_report_options *o, skt_sb *b)
{
    size_t counts[4] = {0, 0, 0, 0}, shown = 0;
    skt_sb_str(b, "{\"findings\":[");
    for (size_t i = 0; i < r->n; i++) {
        const entry *e = &r->items[i];
        const seckit_policy_finding *f = &e->f;
        if (e->baselined)
            continue;
        if ((unsigned)f->type < 4)
            counts[f->type]++;
        skt_sb_str(b, shown++ ? ",\n{" : "\n{");
        JSON_MEMBER_STR(b, "\"file\":", e->file);
        JSON_MEMBER_STR(b, ",\"owner\":", e->owner);
        JSON_MEMBER_STR(b, ",\"findingType\":", seckit_finding_type_name(f->type));
        JSON_MEMBER_STR(b, ",\"issueCode\":", f->issue_code);
        JSON_MEMBER_STR(b, ",\"findingDetails\":", f->message);
        skt_sb_str(b, ",\"learnMoreLink\":");
        put_link(b, f->learn_more, o);
        skt_sb_str(b, ",\"locations\":[");
        json_location(b, f->path_elements, f->path_len, &f->span);
        for (size_t k = 0; k < f->more_count; k++) {
            skt_sb_put(b, ",", 1);
            json_location(b, f->more_locations[k].path_elements, f->more_locations[k].path_len,
                          &f->more_locations[k].span);
        }
        skt_sb_str(b, "]");
        JSON_MEMBER_STR(b, ",\"path\":", f->path);
        if (f->statement_index >= 0) {
            skt_sb_str(b, ",\"statementIndex\":");
            put_uint(b, (unsigned long long)f->statement_index);
        } else
            skt_sb_str(b, ",\"statementIndex\":null");
        JSON_MEMBER_STR(b, ",\"sid\":", f->sid);
        skt_sb_put(b, "}", 1);
    }
    skt_sb_printf(
        b,
        "\n],\"summary\":{\"ERROR\":%zu,\"SECURITY_WARNING\":%zu,\"WARNING\":%zu,\"SUGGESTION\":%zu,"
        "\"ignored\":%zu,\"baselined\":%zu}}\n",
        counts[0], counts[1], counts[2], counts[3], r->ignored, r->baselined);
}

static const char *sarif_level(seckit_finding_type t)
{
    switch (t) {
    case SECKIT_FINDING_ERROR:
    case SECKIT_FINDING_SECURITY_WARNING: return "error";
    case SECKIT_FINDING_WARNING: return "warning";
    default: return "note";
    }
}

static void uri_encode(skt_sb *b, const char *prefix, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char tmp[4096];
    size_t o = 0;
    for (const char *p = prefix; *p && o + 1 < sizeof(tmp); p++)
        tmp[o++] = *p;
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 4 < sizeof(tmp); p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
            tmp[o++] = (char)c;
        } else {
            tmp[o++] = '%';
            tmp[o++] = hex[c >> 4];
            tmp[o++] = hex[c & 15];
        }
    }
    skt_sb_json_str(b, tmp, o);
}

/* file relative to the caller's folder when it is under it (or was given
 * relative); *absolute set when it stays an absolute path. */
static const char *relative(const char *file, const seckit_report_options *o, int *absolute)
{
    *absolute = 0;
    if (file == NULL)
        return "-";
    if (file[0] != '/')
        return skip_dot(file);
    const char *base = o->base_dir;
    size_t bl = base ? strlen(base) : 0;
    while (bl > 1 && base[bl - 1] == '/')
        bl--;
    if (bl > 0 && strncmp(file, base, bl) == 0 && (bl == 1 || file[bl] == '/')) {
        const char *rest = file + bl;
        while (*rest == '/')
            rest++;
        if (*rest)
            return rest;
    }
    *absolute = 1;
    return file;
}

/* code-scanning ranks results by the rule's security-severity (0.1-10):
 * critical 9+, high 7+, medium 4+, low below 4 */
static const char *security_severity(seckit_finding_type t)
{
    switch (t) {
    case SECKIT_FINDING_SECURITY_WARNING: return "7.5";
    case SECKIT_FINDING_ERROR: return "5.0";
    case SECKIT_FINDING_WARNING: return "3.0";
    default: return "1.0";
    }
}

/* One SARIF location: the file (relative to the current folder, or an
 * absolute file:// URI) and region, and the element's path. */
static void sarif_location(skt_sb *b, int abs_path, const char *file, const char *path,
                           const seckit_span *span)
{
    skt_sb_str(b, "{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
    uri_encode(b, abs_path ? "file://" : "", file);
    skt_sb_put(b, "}", 1);
    if (span->start.line > 0) {
        unsigned long endline = span->end.line ? span->end.line : span->start.line;
        unsigned long endcol = span->end.line ? span->end.column + 1 : span->start.column + 2;
        skt_sb_str(b, ",\"region\":{\"startLine\":");
        put_uint(b, span->start.line);
        skt_sb_str(b, ",\"startColumn\":");
        put_uint(b, span->start.column + 1);
        skt_sb_str(b, ",\"endLine\":");
        put_uint(b, endline);
        skt_sb_str(b, ",\"endColumn\":");
        put_uint(b, endcol);
        skt_sb_str(b, ",\"charOffset\":");
        put_uint(b, span->start.offset);
        skt_sb_str(b, ",\"charLength\":");
        put_uint(b,
                 span->end.offset > span->start.offset ? span->end.offset - span->start.offset : 0);
        skt_sb_put(b, "}", 1);
    }
    skt_sb_put(b, "}", 1);
    if (path != NULL && path[0] != '\0') {
        skt_sb_str(b, ",\"logicalLocations\":[{");
        JSON_MEMBER_STR(b, "\"fullyQualifiedName\":", path);
        skt_sb_str(b, ",\"kind\":\"element\"}]");
    }
    skt_sb_put(b, "}", 1);
}

static void render_sarif(const seckit_policy_report *r, const seckit_report_options *o, skt_sb *b)
{
    const seckit_policy_check_info *checks;
    size_t nchecks = seckit_policy_checks(&checks);
    skt_sb_str(
        b, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
           "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"seckit\"");
    JSON_MEMBER_STR(b, ",\"version\":", o->tool_version ? o->tool_version : "unknown");
    skt_sb_str(b, ",\"rules\":[");
    for (size_t i = 0; i < nchecks; i++) {
        skt_sb_str(b, i ? ",\n{" : "\n{");
        JSON_MEMBER_STR(b, "\"id\":", checks[i].issue_code);
        skt_sb_str(b, ",\"shortDescription\":{");
        JSON_MEMBER_STR(b, "\"text\":", checks[i].summary);
        skt_sb_put(b, "}", 1);
        skt_sb_str(b, ",\"helpUri\":");
        put_link(b, checks[i].learn_more, o);
        skt_sb_printf(b, ",\"defaultConfiguration\":{\"level\":\"%s\"}",
                      sarif_level(checks[i].type));
        skt_sb_printf(b,
                      ",\"properties\":{\"findingType\":\"%s\",\"security-severity\":\"%s\","
                      "\"tags\":[\"security\",\"iam\"]}}",
                      seckit_finding_type_name(checks[i].type), security_severity(checks[i].type));
    }
    skt_sb_str(b, "]}},\"results\":[");
    size_t shown = 0;
    for (size_t i = 0; i < r->n; i++) {
        const entry *e = &r->items[i];
        const seckit_policy_finding *f = &e->f;
        if (e->baselined)
            continue;
        size_t idx = 0;
        while (idx < nchecks && strcmp(checks[idx].issue_code, f->issue_code) != 0)
            idx++;
        skt_sb_str(b, shown++ ? ",\n{" : "\n{");
        JSON_MEMBER_STR(b, "\"ruleId\":", f->issue_code);
        if (idx < nchecks) {
            skt_sb_str(b, ",\"ruleIndex\":");
            put_uint(b, idx);
        }
        skt_sb_str(b, ",\"level\":\"");
        skt_sb_str(b, sarif_level(f->type));
        skt_sb_str(b, "\",\"message\":{");
        JSON_MEMBER_STR(b, "\"text\":", f->message);
        skt_sb_str(b, "},\"locations\":[");
        int abs_path;
        const char *rel = relative(e->file, o, &abs_path);
        sarif_location(b, abs_path, rel, f->path, &f->span);
        for (size_t k = 0; k < f->more_count; k++) {
            skt_sb_put(b, ",", 1);
            sarif_location(b, abs_path, rel, f->more_locations[k].path, &f->more_locations[k].span);
        }
        skt_sb_str(b, "],\"properties\":{");
        JSON_MEMBER_STR(b, "\"findingType\":", seckit_finding_type_name(f->type));
        JSON_MEMBER_STR(b, ",\"owner\":", e->owner);
        JSON_MEMBER_STR(b, ",\"sid\":", f->sid);
        skt_sb_str(b, ",\"learnMoreLink\":");
        put_link(b, f->learn_more, o);
        skt_sb_str(b, "}}");
    }
    skt_sb_str(b, "\n]}]}\n");
}

/* GitHub workflow commands: in the message %, CR and LF are escaped; in
 * properties also ':' and ','. */
static void gh_escape(skt_sb *b, const char *s, int property)
{
    for (; *s; s++) {
        switch (*s) {
        case '%': skt_sb_put(b, "%25", 3); break;
        case '\r': skt_sb_put(b, "%0D", 3); break;
        case '\n': skt_sb_put(b, "%0A", 3); break;
        case ':':
            if (property)
                skt_sb_put(b, "%3A", 3);
            else
                skt_sb_put(b, s, 1);
            break;
        case ',':
            if (property)
                skt_sb_put(b, "%2C", 3);
            else
                skt_sb_put(b, s, 1);
            break;
        default: skt_sb_put(b, s, 1);
        }
    }
}

static void render_github(const seckit_policy_report *r, const seckit_report_options *o, skt_sb *b)
{
    for (size_t i = 0; i < r->n; i++) {
        const entry *e = &r->items[i];
        const seckit_policy_finding *f = &e->f;
        if (e->baselined)
            continue;
        const char *cmd = f->type == SECKIT_FINDING_SUGGESTION ? "notice"
                          : f->type == SECKIT_FINDING_WARNING  ? "warning"
                                                               : "error";
        int abs_path;
        skt_sb_str(b, "::");
        skt_sb_str(b, cmd);
        skt_sb_str(b, " file=");
        gh_escape(b, relative(e->file, o, &abs_path), 1);
        if (f->span.start.line > 0) {
            skt_sb_str(b, ",line=");
            put_uint(b, f->span.start.line);
            skt_sb_str(b, ",col=");
            put_uint(b, f->span.start.column + 1);
            if (f->span.end.line >= f->span.start.line) {
                skt_sb_str(b, ",endLine=");
                put_uint(b, f->span.end.line);
                skt_sb_str(b, ",endColumn=");
                put_uint(b, f->span.end.column + 1);
            }
        }
        skt_sb_str(b, ",title=");
        gh_escape(b, seckit_finding_type_name(f->type), 1);
        skt_sb_str(b, " ");
        gh_escape(b, f->issue_code, 1);
        skt_sb_str(b, "::");
        gh_escape(b, f->message, 0);
        if (f->path != NULL && f->path[0] != '\0') {
            skt_sb_str(b, " [");
            gh_escape(b, f->path, 0);
            skt_sb_str(b, "]");
        }
        if (e->owner != NULL) {
            skt_sb_str(b, " (");
            gh_escape(b, e->owner, 0);
            skt_sb_str(b, ")");
        }
        skt_sb_put(b, "\n", 1);
    }
}

int seckit_policy_report_render_with(const seckit_policy_report *r, char **out, size_t *out_len,
                                     const seckit_report_options *o, seckit_error *err)
{
    SKT_ENSURE_ARG(r != NULL && o != NULL && out != NULL, err);
    *out = NULL;
    SKT_GUARD(skt_options_check(o, SECKIT_REPORT_OPTIONS_VERSION, "seckit_report_options", err));
    skt_sb b;
    skt_sb_init(&b, MAX_OUTPUT);
    switch (o->format) {
    case SECKIT_REPORT_TEXT: render_text(r, o, &b); break;
    case SECKIT_REPORT_JSON: render_json(r, o, &b); break;
    case SECKIT_REPORT_SARIF: render_sarif(r, o, &b); break;
    case SECKIT_REPORT_GITHUB: render_github(r, o, &b); break;
    default:
        return seckit_error_set(err, SECKIT_EINVAL, "report: unknown format %d", (int)o->format);
    }
    skt_sb_put(&b, "", 0);
    if (b.failed) {
        skt_sb_free(&b);
        return seckit_error_set(err, SECKIT_ELIMIT, "report: output too large or out of memory");
    }
    if (b.data == NULL) {
        b.data = calloc(1, 1);
        SKT_ENSURE(b.data != NULL, err, SECKIT_ENOMEM, "report: out of memory");
    }
    *out = b.data;
    if (out_len != NULL)
        *out_len = b.len;
    return 0;
}

int seckit_policy_report_render(const seckit_policy_report *r, char **out, size_t *out_len,
                                seckit_report_format fmt, const char *tool_version,
                                seckit_error *err)
{
    seckit_report_options o = SECKIT_REPORT_OPTIONS_INIT;
    o.format = fmt;
    o.tool_version = tool_version;
    return seckit_policy_report_render_with(r, out, out_len, &o, err);
}

int seckit_report_options_init(seckit_report_options *opts, unsigned int version, seckit_error *err)
{
    static const seckit_report_options init = SECKIT_REPORT_OPTIONS_INIT;
    SKT_GUARD(skt_options_init_check(opts, version, SECKIT_REPORT_OPTIONS_VERSION,
                                     "seckit_report_options", err));
    *opts = init;
    return 0;
}
