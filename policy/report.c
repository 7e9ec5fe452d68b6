/* policy/: collecting the findings of many policies, suppressing some, and
 * rendering them as text, JSON (Access Analyzer's finding shape) or
 * SARIF 2.1.0.  Pure: builds strings, prints nothing. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "policy/internal.h"
#include "src/base/guard.h"

#define MAX_REPORT_FINDINGS 1000000u
#define MAX_OUTPUT (256u * 1024u * 1024u)

typedef struct entry {
    const char *file;
    const char *owner;
    seckit_policy_finding f;
} entry;

typedef struct ignore_spec {
    const char *scope; /* NULL = any */
    const char *code;
} ignore_spec;

struct seckit_policy_report {
    skt_arena arena;
    entry *items;
    size_t n, cap;
    ignore_spec *ignores;
    size_t nignores;
    size_t ignored;
};

int seckit_policy_report_new(seckit_policy_report **out, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = calloc(1, sizeof(**out));
    if (*out == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "report: out of memory");
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
    free(r);
}

int seckit_policy_report_ignore(seckit_policy_report *r, const char *spec, seckit_error *err)
{
    SKT_ENSURE_ARG(r != NULL && spec != NULL, err);
    if (spec[0] == '\0')
        return seckit_error_set(err, SECKIT_EINVAL, "--ignore: empty value (CODE, FILE:CODE or SID:CODE)");
    const char *colon = strrchr(spec, ':');
    const char *code = colon ? colon + 1 : spec;
    if (code[0] == '\0' || (colon != NULL && colon == spec))
        return seckit_error_set(err, SECKIT_EINVAL, "--ignore '%s': expected CODE, FILE:CODE or SID:CODE", spec);
    for (const char *p = code; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return seckit_error_set(err, SECKIT_EINVAL,
                                    "--ignore '%s': '%s' is not an issue code (upper case, e.g. MISSING_VERSION)",
                                    spec, code);
    ignore_spec *ns = realloc(r->ignores, (r->nignores + 1) * sizeof(*ns));
    if (ns == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "report: out of memory");
    r->ignores = ns;
    ignore_spec *is = &r->ignores[r->nignores];
    is->code = skt_arena_strdup(&r->arena, code);
    is->scope = colon ? skt_arena_strndup(&r->arena, spec, (size_t)(colon - spec)) : NULL;
    if (is->code == NULL || (colon && is->scope == NULL))
        return seckit_error_set(err, SECKIT_ENOMEM, "report: out of memory");
    r->nignores++;
    return 0;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int ignored(const seckit_policy_report *r, const char *file, const char *owner,
                   const seckit_policy_finding *f)
{
    for (size_t i = 0; i < r->nignores; i++) {
        const ignore_spec *is = &r->ignores[i];
        if (strcmp(is->code, f->issue_code) != 0)
            continue;
        if (is->scope == NULL)
            return 1;
        if (file != NULL && (strcmp(is->scope, file) == 0 || strcmp(is->scope, base_name(file)) == 0))
            return 1;
        if (owner != NULL && strcmp(is->scope, owner) == 0)
            return 1;
        if (f->sid != NULL && strcmp(is->scope, f->sid) == 0)
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

int seckit_policy_report_add(seckit_policy_report *r, const char *file, const char *owner,
                             const seckit_policy_findings *fs, seckit_error *err)
{
    SKT_ENSURE_ARG(r != NULL && fs != NULL, err);
    const char *cfile = file ? skt_arena_strdup(&r->arena, file) : NULL;
    const char *cowner = owner ? skt_arena_strdup(&r->arena, owner) : NULL;
    if ((file && !cfile) || (owner && !cowner))
        return seckit_error_set(err, SECKIT_ENOMEM, "report: out of memory");
    for (size_t i = 0; i < fs->count; i++) {
        const seckit_policy_finding *f = &fs->items[i];
        if (ignored(r, file, owner, f)) {
            r->ignored++;
            continue;
        }
        if (r->n >= MAX_REPORT_FINDINGS)
            return seckit_error_set(err, SECKIT_ELIMIT, "report: more than %u findings", MAX_REPORT_FINDINGS);
        if (r->n == r->cap) {
            size_t cap = r->cap ? r->cap * 2 : 32;
            entry *it = realloc(r->items, cap * sizeof(*it));
            if (it == NULL)
                return seckit_error_set(err, SECKIT_ENOMEM, "report: out of memory");
            r->items = it;
            r->cap = cap;
        }
        entry *e = &r->items[r->n];
        e->file = cfile;
        e->owner = cowner;
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
            if (loc == NULL)
                return seckit_error_set(err, SECKIT_ENOMEM, "report: out of memory");
            for (size_t k = 0; k < f->more_count; k++) {
                loc[k] = f->more_locations[k];
                loc[k].path = skt_arena_strdup(&r->arena, f->more_locations[k].path ? f->more_locations[k].path : "");
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

size_t seckit_policy_report_count(const seckit_policy_report *r, unsigned mask)
{
    size_t n = 0;
    if (r == NULL)
        return 0;
    for (size_t i = 0; i < r->n; i++)
        if (mask & SECKIT_FINDING_BIT(r->items[i].f.type))
            n++;
    return n;
}

size_t seckit_policy_report_ignored(const seckit_policy_report *r)
{
    return r ? r->ignored : 0;
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

static void render_text(const seckit_policy_report *r, skt_sb *b)
{
    for (size_t i = 0; i < r->n; i++) {
        const entry *e = &r->items[i];
        const seckit_policy_finding *f = &e->f;
        /* FILE:LINE:COLUMN: TYPE CODE: MESSAGE [PATH] (OWNER) */
        skt_sb_str(b, e->file ? e->file : "-");
        skt_sb_put(b, ":", 1);
        put_uint(b, f->span.start.line);
        skt_sb_put(b, ":", 1);
        put_uint(b, f->span.start.column + 1);
        skt_sb_put(b, ": ", 2);
        skt_sb_str(b, seckit_finding_type_name(f->type));
        skt_sb_put(b, " ", 1);
        skt_sb_str(b, f->issue_code);
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
static void json_location(skt_sb *b, const seckit_path_element *el, size_t n, const seckit_span *span)
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

static void render_json(const seckit_policy_report *r, skt_sb *b)
{
    size_t counts[4] = {0, 0, 0, 0};
    skt_sb_str(b, "{\"findings\":[");
    for (size_t i = 0; i < r->n; i++) {
        const entry *e = &r->items[i];
        const seckit_policy_finding *f = &e->f;
        if ((unsigned)f->type < 4)
            counts[f->type]++;
        skt_sb_str(b, i ? ",\n{" : "\n{");
        JSON_MEMBER_STR(b, "\"file\":", e->file);
        JSON_MEMBER_STR(b, ",\"owner\":", e->owner);
        JSON_MEMBER_STR(b, ",\"findingType\":", seckit_finding_type_name(f->type));
        JSON_MEMBER_STR(b, ",\"issueCode\":", f->issue_code);
        JSON_MEMBER_STR(b, ",\"findingDetails\":", f->message);
        JSON_MEMBER_STR(b, ",\"learnMoreLink\":", f->learn_more);
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
    skt_sb_printf(b,
                  "\n],\"summary\":{\"ERROR\":%zu,\"SECURITY_WARNING\":%zu,\"WARNING\":%zu,\"SUGGESTION\":%zu,"
                  "\"ignored\":%zu}}\n",
                  counts[0], counts[1], counts[2], counts[3], r->ignored);
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

static void uri_encode(skt_sb *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char tmp[4096];
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 4 < sizeof(tmp); p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '_' || c == '.' || c == '~' || c == '/') {
            tmp[o++] = (char)c;
        } else {
            tmp[o++] = '%';
            tmp[o++] = hex[c >> 4];
            tmp[o++] = hex[c & 15];
        }
    }
    skt_sb_json_str(b, tmp, o);
}

/* One SARIF location: the file and region, and the element's path. */
static void sarif_location(skt_sb *b, const char *file, const char *path, const seckit_span *span)
{
    skt_sb_str(b, "{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
    uri_encode(b, file ? file : "-");
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
        put_uint(b, span->end.offset > span->start.offset ? span->end.offset - span->start.offset : 0);
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

static void render_sarif(const seckit_policy_report *r, const char *version, skt_sb *b)
{
    const seckit_policy_check_info *checks;
    size_t nchecks = seckit_policy_checks(&checks);
    skt_sb_str(b, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
                  "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"seckit\"");
    JSON_MEMBER_STR(b, ",\"version\":", version ? version : "unknown");
    skt_sb_str(b, ",\"rules\":[");
    for (size_t i = 0; i < nchecks; i++) {
        skt_sb_str(b, i ? ",\n{" : "\n{");
        JSON_MEMBER_STR(b, "\"id\":", checks[i].issue_code);
        skt_sb_str(b, ",\"shortDescription\":{");
        JSON_MEMBER_STR(b, "\"text\":", checks[i].summary);
        skt_sb_put(b, "}", 1);
        JSON_MEMBER_STR(b, ",\"helpUri\":", checks[i].learn_more);
        skt_sb_printf(b, ",\"defaultConfiguration\":{\"level\":\"%s\"}", sarif_level(checks[i].type));
        skt_sb_printf(b, ",\"properties\":{\"findingType\":\"%s\"}}", seckit_finding_type_name(checks[i].type));
    }
    skt_sb_str(b, "]}},\"results\":[");
    for (size_t i = 0; i < r->n; i++) {
        const entry *e = &r->items[i];
        const seckit_policy_finding *f = &e->f;
        size_t idx = 0;
        while (idx < nchecks && strcmp(checks[idx].issue_code, f->issue_code) != 0)
            idx++;
        skt_sb_str(b, i ? ",\n{" : "\n{");
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
        sarif_location(b, e->file, f->path, &f->span);
        for (size_t k = 0; k < f->more_count; k++) {
            skt_sb_put(b, ",", 1);
            sarif_location(b, e->file, f->more_locations[k].path, &f->more_locations[k].span);
        }
        skt_sb_str(b, "],\"properties\":{");
        JSON_MEMBER_STR(b, "\"findingType\":", seckit_finding_type_name(f->type));
        JSON_MEMBER_STR(b, ",\"owner\":", e->owner);
        JSON_MEMBER_STR(b, ",\"sid\":", f->sid);
        JSON_MEMBER_STR(b, ",\"learnMoreLink\":", f->learn_more);
        skt_sb_str(b, "}}");
    }
    skt_sb_str(b, "\n]}]}\n");
}

int seckit_policy_report_render(const seckit_policy_report *r, seckit_report_format fmt,
                                const char *tool_version, char **out, size_t *out_len, seckit_error *err)
{
    SKT_ENSURE_ARG(r != NULL && out != NULL, err);
    *out = NULL;
    skt_sb b;
    skt_sb_init(&b, MAX_OUTPUT);
    switch (fmt) {
    case SECKIT_REPORT_TEXT: render_text(r, &b); break;
    case SECKIT_REPORT_JSON: render_json(r, &b); break;
    case SECKIT_REPORT_SARIF: render_sarif(r, tool_version, &b); break;
    default: return seckit_error_set(err, SECKIT_EINVAL, "report: unknown format %d", (int)fmt);
    }
    skt_sb_put(&b, "", 0);
    if (b.failed) {
        skt_sb_free(&b);
        return seckit_error_set(err, SECKIT_ELIMIT, "report: output too large or out of memory");
    }
    if (b.data == NULL) {
        b.data = calloc(1, 1);
        if (b.data == NULL)
            return seckit_error_set(err, SECKIT_ENOMEM, "report: out of memory");
    }
    *out = b.data;
    if (out_len != NULL)
        *out_len = b.len;
    return 0;
}
