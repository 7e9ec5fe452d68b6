/* policy/: EMRFS role mappings: the security configuration reader (three
 * shapes), S3 locations, the user/group file, resolution, and the roles'
 * documents.  Pure: no I/O.  See include/seckit/emrfs.h. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/emrfs_internal.h"
#include "policy/inputs_internal.h"
#include "seckit/policy_inputs.h"
#include "seckit/json.h"
#include "src/base/guard.h"
#include "src/base/options.h"

const char *seckit_emrfs_identifier_type_name(seckit_emrfs_identifier_type t)
{
    switch (t) {
    case SECKIT_EMRFS_USER: return "User";
    case SECKIT_EMRFS_GROUP: return "Group";
    case SECKIT_EMRFS_PREFIX: return "Prefix";
    }
    return "?";
}

const char *seckit_emrfs_shape_name(seckit_emrfs_shape s)
{
    switch (s) {
    case SECKIT_EMRFS_SHAPE_CREATE: return "create-security-configuration";
    case SECKIT_EMRFS_SHAPE_DESCRIBE: return "describe-security-configuration";
    case SECKIT_EMRFS_SHAPE_CLOUDFORMATION: return "cloudformation";
    }
    return "?";
}

const char *seckit_emrfs_decision_name(seckit_emrfs_decision d)
{
    switch (d) {
    case SECKIT_EMRFS_ALLOWED: return "Allowed";
    case SECKIT_EMRFS_EXPLICIT_DENY: return "ExplicitDeny";
    case SECKIT_EMRFS_IMPLICIT_DENY: return "ImplicitDeny";
    }
    return "?";
}

static int oom(seckit_error *err)
{
    return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
}

/* ------------------------------------------------------------------ */
/* ARNs and locations */

int skt_emrfs_role_arn_split(const char *arn, char account[13], const char **name)
{
    if (arn == NULL || strncmp(arn, "arn:", 4) != 0)
        return 0;
    const char *p = arn + 4;
    const char *part = p;
    while ((*p >= 'a' && *p <= 'z') || *p == '-')
        p++;
    if (p == part || strncmp(p, ":iam::", 6) != 0)
        return 0;
    p += 6;
    for (int i = 0; i < 12; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    if (account != NULL) {
        memcpy(account, p, 12);
        account[12] = '\0';
    }
    p += 12;
    if (strncmp(p, ":role/", 6) != 0)
        return 0;
    p += 6;
    const char *last = p;
    size_t n = strlen(p);
    if (n == 0 || n > 512)
        return 0;
    for (const char *q = p; *q; q++) {
        unsigned char c = (unsigned char)*q;
        if (c == '/') {
            if (q == last || q[1] == '\0') /* empty path segment or name */
                return 0;
            last = q + 1;
            continue;
        }
        if (!(isalnum(c) || strchr("+=,.@_-", c) != NULL))
            return 0;
    }
    if (name != NULL)
        *name = last;
    return 1;
}

static int bucket_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
}

/* Length of the scheme "s3://", "s3a://" or "s3n://" at the start of s
 * (scheme case-insensitive), else 0. */
static size_t scheme_len(const char *s)
{
    if ((s[0] != 's' && s[0] != 'S') || s[1] != '3')
        return 0;
    size_t i = 2;
    if (s[i] == 'a' || s[i] == 'A' || s[i] == 'n' || s[i] == 'N')
        i++;
    return strncmp(s + i, "://", 3) == 0 ? i + 3 : 0;
}

/* Normalise into out: "s3://" + rest; *bucket_len set.  root: add '/'
 * after a bare bucket.  0 or SECKIT_EINVAL. */
static int normalise(const char *uri, int root, char *out, size_t cap, size_t *bucket_len,
                     const char **why)
{
    size_t sl = scheme_len(uri);
    if (sl == 0) {
        *why = "not an S3 location (s3://, s3a:// or s3n://)";
        return SECKIT_EINVAL;
    }
    const char *b = uri + sl;
    size_t bl = 0;
    while (b[bl] != '\0' && b[bl] != '/') {
        if (!bucket_char(b[bl])) {
            *why = "the bucket name has a character that bucket names cannot have";
            return SECKIT_EINVAL;
        }
        bl++;
    }
    if (bl == 0) {
        *why = "no bucket name after the scheme";
        return SECKIT_EINVAL;
    }
    if (bl > 255) {
        *why = "the bucket name is longer than 255 characters";
        return SECKIT_EINVAL;
    }
    size_t rest = strlen(b);
    int add = root && b[bl] == '\0';
    if (5 + rest + (size_t)add + 1 > cap || rest > SKT_EMRFS_MAX_URI) {
        *why = "the location is too long";
        return SECKIT_ELIMIT;
    }
    for (size_t i = bl; i < rest; i++)
        if ((unsigned char)b[i] < 0x20 || b[i] == 0x7f) {
            *why = "the key has a control character";
            return SECKIT_EINVAL;
        }
    memcpy(out, "s3://", 5);
    memcpy(out + 5, b, rest);
    if (add)
        out[5 + rest++] = '/';
    out[5 + rest] = '\0';
    *bucket_len = bl;
    return 0;
}

int seckit_emrfs_location_parse(char *out, size_t cap, char *bucket, size_t bucket_cap,
                                const char **key, const char *uri, seckit_error *err)
{
    SKT_ENSURE_ARG(uri != NULL && out != NULL && cap > 0, err);
    size_t bl = 0;
    const char *why = NULL;
    int rc = normalise(uri, 1, out, cap, &bl, &why);
    SKT_ENSURE(rc == 0, err, rc, "'%.200s': %s", uri, why);
    if (bucket != NULL) {
        SKT_ENSURE(bl + 1 <= bucket_cap, err, SECKIT_ELIMIT, "bucket name buffer too small");
        memcpy(bucket, out + 5, bl);
        bucket[bl] = '\0';
    }
    if (key != NULL)
        *key = out + 5 + bl + 1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* The security configuration */

typedef struct cfg_internal {
    skt_arena arena;
} cfg_internal;

typedef struct cfg_ctx {
    skt_arena *arena;
    const char *data; /* the file */
    size_t len;
    /* Inner document (a JSON string in the file): the string's node.  With
     * map (the string's decoded byte i was written at file offset map[i];
     * a JSON string is on one line) positions are mapped into the file,
     * else reported at the string. */
    const skt_in_node *outer;
    const size_t *map;
    size_t map_len;
    seckit_error *err;
    seckit_emrfs_mapping *maps;
    size_t nmaps;
} cfg_ctx;

static seckit_position node_pos(const cfg_ctx *c, const skt_in_node *n)
{
    if (c->outer != NULL && c->map != NULL && n->pos.offset < c->map_len) {
        size_t raw = c->map[n->pos.offset];
        seckit_position p = {c->outer->pos.line,
                             c->outer->pos.column + (raw - c->outer->pos.offset), raw};
        return p;
    }
    const skt_in_node *at = c->outer != NULL ? c->outer : n;
    seckit_position p = {at->pos.line, at->pos.column, at->pos.offset};
    return p;
}

static int cfg_fail(cfg_ctx *c, const skt_in_node *n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int cfg_fail(cfg_ctx *c, const skt_in_node *n, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    seckit_position p = node_pos(c, n);
    if (c->outer != NULL)
        return seckit_error_set_at(c->err, SECKIT_EFORMAT, p,
                                   "%s (in the SecurityConfiguration string, at its line %lu "
                                   "column %lu)",
                                   msg, n->pos.line, n->pos.column + 1);
    return seckit_error_set_at(c->err, SECKIT_EFORMAT, p, "%s", msg);
}

static const char *kind_name(skt_in_kind k)
{
    switch (k) {
    case SKT_IN_NULL: return "null";
    case SKT_IN_FALSE:
    case SKT_IN_TRUE: return "a boolean";
    case SKT_IN_NUMBER: return "a number";
    case SKT_IN_STRING: return "a string";
    case SKT_IN_ARRAY: return "a list";
    case SKT_IN_OBJECT: return "an object";
    }
    return "?";
}

/* A YAML tag on a node means a CloudFormation intrinsic function. */
static int is_function(const skt_in_node *n)
{
    if (n->tag != NULL && n->tag[0] == '!' && strcmp(n->tag, "!") != 0)
        return 1;
    if (n->kind == SKT_IN_OBJECT && n->n == 2 && n->kids[0]->kind == SKT_IN_STRING &&
        (strcmp(n->kids[0]->str, "Ref") == 0 || strncmp(n->kids[0]->str, "Fn::", 4) == 0))
        return 1;
    return 0;
}

/* Object members: no repeated keys; only the keys in allowed (NULL-ended)
 * when allowed is not NULL. */
static int check_members(cfg_ctx *c, const skt_in_node *obj, const char *what,
                         const char *const *allowed)
{
    for (size_t i = 0; i + 1 < obj->n; i += 2) {
        const skt_in_node *k = obj->kids[i];
        if (k->kind != SKT_IN_STRING)
            return cfg_fail(c, k, "%s: a key that is not a string", what);
        for (size_t j = 0; j < i; j += 2)
            if (obj->kids[j]->kind == SKT_IN_STRING && strcmp(obj->kids[j]->str, k->str) == 0)
                return cfg_fail(c, k, "%s: '%.100s' is given twice", what, k->str);
        if (allowed == NULL)
            continue;
        int ok = 0;
        for (size_t a = 0; allowed[a] != NULL && !ok; a++)
            ok = strcmp(allowed[a], k->str) == 0;
        if (!ok)
            return cfg_fail(c, k, "%s: unknown member '%.100s'", what, k->str);
    }
    return 0;
}

static const skt_in_node *need(cfg_ctx *c, const skt_in_node *obj, const char *key,
                               skt_in_kind kind, const char *what, int *rc)
{
    const skt_in_node *v = skt_in_get(obj, key);
    if (v == NULL) {
        *rc = cfg_fail(c, obj, "%s has no %s", what, key);
        return NULL;
    }
    if (is_function(v)) {
        *rc = cfg_fail(c, v,
                       "%s.%s is a CloudFormation intrinsic function; seckit reads "
                       "literal values only (write the value out)",
                       what, key);
        return NULL;
    }
    if (v->kind != kind) {
        *rc = cfg_fail(c, v, "%s.%s is %s, expected %s", what, key, kind_name(v->kind),
                       kind_name(kind));
        return NULL;
    }
    *rc = 0;
    return v;
}

static int has_space_or_comma(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == ',' || isspace((unsigned char)s[i]))
            return 1;
    return 0;
}

static int read_mapping(cfg_ctx *c, const skt_in_node *m, size_t index)
{
    static const char *const keys[] = {"Role", "IdentifierType", "Identifiers", NULL};
    char what[64];
    snprintf(what, sizeof(what), "RoleMappings[%zu]", index);
    if (m->kind != SKT_IN_OBJECT)
        return cfg_fail(c, m, "%s is %s, expected an object", what, kind_name(m->kind));
    SKT_GUARD(check_members(c, m, what, keys));
    int rc;
    const skt_in_node *role = need(c, m, "Role", SKT_IN_STRING, what, &rc);
    if (role == NULL)
        return rc;
    const skt_in_node *type = need(c, m, "IdentifierType", SKT_IN_STRING, what, &rc);
    if (type == NULL)
        return rc;
    const skt_in_node *ids = need(c, m, "Identifiers", SKT_IN_ARRAY, what, &rc);
    if (ids == NULL)
        return rc;
    if (strlen(role->str) != role->len || !skt_emrfs_role_arn_split(role->str, NULL, NULL))
        return cfg_fail(c, role,
                        "%s.Role '%.200s' is not an IAM role ARN "
                        "(arn:aws:iam::ACCOUNT:role/NAME)",
                        what, role->str);
    seckit_emrfs_mapping *mp = &c->maps[c->nmaps];
    memset(mp, 0, sizeof(*mp));
    mp->index = index;
    if (strcmp(type->str, "User") == 0)
        mp->type = SECKIT_EMRFS_USER;
    else if (strcmp(type->str, "Group") == 0)
        mp->type = SECKIT_EMRFS_GROUP;
    else if (strcmp(type->str, "Prefix") == 0)
        mp->type = SECKIT_EMRFS_PREFIX;
    else
        return cfg_fail(c, type, "%s.IdentifierType '%.100s' is not User, Group or Prefix", what,
                        type->str);
    if (ids->n == 0)
        return cfg_fail(c, ids, "%s.Identifiers is empty", what);
    if (ids->n > SKT_EMRFS_MAX_IDENTIFIERS)
        return cfg_fail(c, ids, "%s.Identifiers has more than %u entries", what,
                        SKT_EMRFS_MAX_IDENTIFIERS);
    seckit_emrfs_identifier *out = skt_arena_alloc(c->arena, ids->n * sizeof(*out));
    if (out == NULL)
        return oom(c->err);
    for (size_t i = 0; i < ids->n; i++) {
        const skt_in_node *id = ids->kids[i];
        if (is_function(id))
            return cfg_fail(c, id,
                            "%s.Identifiers[%zu] is a CloudFormation intrinsic function; "
                            "seckit reads literal values only",
                            what, i);
        if (id->kind != SKT_IN_STRING)
            return cfg_fail(c, id, "%s.Identifiers[%zu] is %s, expected a string", what, i,
                            kind_name(id->kind));
        if (id->len == 0 || strlen(id->str) != id->len)
            return cfg_fail(c, id, "%s.Identifiers[%zu] is empty", what, i);
        if (id->len > SKT_EMRFS_MAX_URI)
            return cfg_fail(c, id, "%s.Identifiers[%zu] is longer than %u bytes", what, i,
                            SKT_EMRFS_MAX_URI);
        seckit_position p = node_pos(c, id);
        out[i].pos = p;
        if (mp->type == SECKIT_EMRFS_PREFIX) {
            char norm[SKT_EMRFS_MAX_URI + 16];
            size_t bl;
            const char *why = NULL;
            if (normalise(id->str, 0, norm, sizeof(norm), &bl, &why) != 0)
                return cfg_fail(c, id, "%s.Identifiers[%zu] '%.200s' is not a Prefix: %s", what, i,
                                id->str, why);
            out[i].value = skt_arena_strdup(c->arena, norm);
        } else {
            if (has_space_or_comma(id->str, id->len))
                return cfg_fail(c, id,
                                "%s.Identifiers[%zu] '%.200s' has a comma or a space: "
                                "give each %s as its own list entry",
                                what, i, id->str, mp->type == SECKIT_EMRFS_USER ? "user" : "group");
            out[i].value = skt_arena_strdup(c->arena, id->str);
        }
        if (out[i].value == NULL)
            return oom(c->err);
    }
    mp->role = skt_arena_strdup(c->arena, role->str);
    if (mp->role == NULL)
        return oom(c->err);
    mp->role_pos = node_pos(c, role);
    mp->identifiers = out;
    mp->identifier_count = ids->n;
    mp->pos = node_pos(c, m);
    c->nmaps++;
    return 0;
}

/* The security configuration object (the JSON of create-security-
 * configuration). */
static int read_config(cfg_ctx *c, const skt_in_node *sc)
{
    static const char *const emrfs_keys[] = {"RoleMappings", NULL};
    int rc;
    if (sc->kind != SKT_IN_OBJECT)
        return cfg_fail(c, sc, "the security configuration is %s, expected an object",
                        kind_name(sc->kind));
    SKT_GUARD(check_members(c, sc, "the security configuration", NULL));
    const skt_in_node *az =
        need(c, sc, "AuthorizationConfiguration", SKT_IN_OBJECT, "the security configuration", &rc);
    if (az == NULL)
        return rc;
    SKT_GUARD(check_members(c, az, "AuthorizationConfiguration", NULL));
    const skt_in_node *ef =
        need(c, az, "EmrFsConfiguration", SKT_IN_OBJECT, "AuthorizationConfiguration", &rc);
    if (ef == NULL)
        return rc;
    SKT_GUARD(check_members(c, ef, "EmrFsConfiguration", emrfs_keys));
    const skt_in_node *rm = need(c, ef, "RoleMappings", SKT_IN_ARRAY, "EmrFsConfiguration", &rc);
    if (rm == NULL)
        return rc;
    if (rm->n == 0)
        return cfg_fail(c, rm, "EmrFsConfiguration.RoleMappings is empty");
    if (rm->n > SKT_EMRFS_MAX_MAPPINGS)
        return cfg_fail(c, rm, "EmrFsConfiguration.RoleMappings has more than %u mappings",
                        SKT_EMRFS_MAX_MAPPINGS);
    c->maps = skt_arena_alloc(c->arena, rm->n * sizeof(*c->maps));
    if (c->maps == NULL)
        return oom(c->err);
    for (size_t i = 0; i < rm->n; i++)
        SKT_GUARD(read_mapping(c, rm->kids[i], i));
    return 0;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char ch = p[i];
        v <<= 4;
        if (ch >= '0' && ch <= '9')
            v |= (unsigned)(ch - '0');
        else if (ch >= 'a' && ch <= 'f')
            v |= (unsigned)(ch - 'a' + 10);
        else if (ch >= 'A' && ch <= 'F')
            v |= (unsigned)(ch - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* For a JSON string token in the file: the file offset each decoded byte
 * was written at (and one past the end), or NULL when the token cannot be
 * followed (YAML, or the decoding disagrees). */
static size_t *string_map(const cfg_ctx *c, const skt_in_node *s)
{
    if (c->data == NULL || s->unquoted || s->block || s->synthetic || s->tag != NULL ||
        s->pos.offset >= c->len || c->data[s->pos.offset] != '"' || s->end > c->len ||
        s->end <= s->pos.offset + 1)
        return NULL;
    size_t *map = malloc((s->len + 1) * sizeof(*map));
    if (map == NULL)
        return NULL;
    const char *d = c->data;
    size_t raw = s->pos.offset + 1, end = s->end - 1, o = 0; /* end: the closing quote */
    while (raw < end && o < s->len) {
        if (d[raw] != '\\') {
            map[o++] = raw++;
            continue;
        }
        if (raw + 1 >= end)
            break;
        if (d[raw + 1] != 'u') {
            map[o++] = raw;
            raw += 2;
            continue;
        }
        unsigned cp;
        if (raw + 6 > end || hex4(d + raw + 2, &cp) != 0)
            break;
        size_t at = raw, width = 6;
        if (cp >= 0xd800 && cp <= 0xdbff) {
            unsigned lo;
            if (raw + 12 > end || d[raw + 6] != '\\' || d[raw + 7] != 'u' ||
                hex4(d + raw + 8, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
                break;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            width = 12;
        }
        size_t bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        for (size_t b = 0; b < bytes && o < s->len; b++)
            map[o++] = at;
        raw += width;
    }
    if (o != s->len || raw != end) {
        free(map);
        return NULL;
    }
    map[o] = end;
    return map;
}

/* A security configuration given as a JSON string (describe output;
 * CloudFormation may give Json properties as strings too). */
static int read_config_string(cfg_ctx *c, const skt_in_node *s)
{
    skt_in_doc inner;
    skt_in_doc_init(&inner, 0);
    seckit_error e;
    seckit_error_clear(&e);
    int rc = skt_in_json_parse(s->str, s->len, &inner, &e);
    if (rc == 0)
        rc = skt_in_json_tree(&inner, 1, &e);
    if (rc != 0) {
        skt_in_doc_free(&inner);
        if (rc == SECKIT_ENOMEM)
            return oom(c->err);
        return seckit_error_set_at(c->err, SECKIT_EFORMAT, s->pos,
                                   "the SecurityConfiguration string is not valid JSON: %s",
                                   e.message);
    }
    const skt_in_node *saved = c->outer;
    const size_t *saved_map = c->map;
    size_t saved_len = c->map_len;
    size_t *map = string_map(c, s);
    c->outer = s;
    c->map = map;
    c->map_len = map != NULL ? s->len + 1 : 0;
    rc = read_config(c, inner.root);
    c->outer = saved;
    c->map = saved_map;
    c->map_len = saved_len;
    free(map);
    skt_in_doc_free(&inner);
    return rc;
}

static int read_cfn(cfg_ctx *c, const skt_in_node *root, const char *want, const char **name)
{
    const skt_in_node *res = skt_in_get(root, "Resources");
    if (res == NULL || res->kind != SKT_IN_OBJECT)
        return cfg_fail(c, root, "the template has no Resources object");
    const skt_in_node *found = NULL, *found_id = NULL;
    size_t count = 0;
    char ids[256] = "";
    for (size_t i = 0; i + 1 < res->n; i += 2) {
        const skt_in_node *r = res->kids[i + 1];
        const char *type = skt_in_get_str(r, "Type");
        if (type == NULL || strcmp(type, "AWS::EMR::SecurityConfiguration") != 0)
            continue;
        const char *id = res->kids[i]->str;
        count++;
        size_t used = strlen(ids);
        if (used + strlen(id) + 3 < sizeof(ids))
            snprintf(ids + used, sizeof(ids) - used, "%s%s", used ? ", " : "", id);
        if (want == NULL ? found == NULL : strcmp(want, id) == 0) {
            found = r;
            found_id = res->kids[i];
        }
    }
    if (count == 0)
        return cfg_fail(c, res, "the template has no AWS::EMR::SecurityConfiguration resource");
    if (want != NULL && found == NULL)
        return cfg_fail(c, res,
                        "the template has no AWS::EMR::SecurityConfiguration named '%.100s' "
                        "(it has: %s)",
                        want, ids);
    if (want == NULL && count > 1)
        return cfg_fail(c, res,
                        "the template has %zu AWS::EMR::SecurityConfiguration resources "
                        "(%s): say which one",
                        count, ids);
    int rc;
    const skt_in_node *props = need(c, found, "Properties", SKT_IN_OBJECT, found_id->str, &rc);
    if (props == NULL)
        return rc;
    const char *nm = skt_in_get_str(props, "Name");
    *name = nm != NULL ? nm : found_id->str;
    const skt_in_node *sc = skt_in_get(props, "SecurityConfiguration");
    if (sc == NULL)
        return cfg_fail(c, props, "%s.Properties has no SecurityConfiguration", found_id->str);
    if (is_function(sc))
        return cfg_fail(c, sc,
                        "%s.Properties.SecurityConfiguration is a CloudFormation "
                        "intrinsic function; seckit reads literal values only",
                        found_id->str);
    if (sc->kind == SKT_IN_STRING)
        return read_config_string(c, sc);
    return read_config(c, sc);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int looks_yaml(const char *data, size_t len, const char *name)
{
    if (name != NULL &&
        (ends_with(name, ".yaml") || ends_with(name, ".yml") || ends_with(name, ".template")))
        return 1;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)data[i];
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
            continue;
        if (ch == 0xef && i + 2 < len) /* BOM */
            return 0;
        return ch != '{' && ch != '[' && ch != '"';
    }
    return 0;
}

int seckit_emrfs_config_parse(seckit_emrfs_config **out, const char *data, size_t len,
                              const seckit_emrfs_config_options *opts, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL && (data != NULL || len == 0), err);
    *out = NULL;
    SKT_GUARD(skt_options_check(opts, SECKIT_EMRFS_CONFIG_OPTIONS_VERSION,
                                "seckit_emrfs_config_options", err));
    const char *name = opts != NULL ? opts->name : NULL;
    const char *want = opts != NULL ? opts->resource : NULL;
    cfg_internal *in = calloc(1, sizeof(*in));
    seckit_emrfs_config *c = calloc(1, sizeof(*c));
    if (in == NULL || c == NULL) {
        free(in);
        free(c);
        return oom(err);
    }
    skt_arena_init(&in->arena);
    c->internal_ = in;
    skt_in_doc doc;
    skt_in_doc_init(&doc, SKT_IN_MAX_NODES + len / SKT_IN_NODES_PER_BYTE);
    cfg_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.arena = &in->arena;
    ctx.data = data;
    ctx.len = len;
    ctx.err = err;
    const char *text = data != NULL ? data : "";
    int rc;
    if (looks_yaml(text, len, name)) {
        rc = skt_in_yaml_parse(text, len, &doc, err);
    } else {
        rc = skt_in_json_parse(text, len, &doc, err);
        if (rc == 0)
            rc = skt_in_json_tree(&doc, 1, err);
    }
    if (rc != 0)
        goto done;
    const skt_in_node *root = doc.root;
    const char *nm = NULL;
    if (root == NULL || root->kind != SKT_IN_OBJECT) {
        rc = seckit_error_set_at(err, SECKIT_EFORMAT,
                                 (seckit_position){root ? root->pos.line : 1,
                                                   root ? root->pos.column : 0,
                                                   root ? root->pos.offset : 0},
                                 "not an EMR security configuration: the document is %s, "
                                 "expected an object",
                                 root ? kind_name(root->kind) : "empty");
        goto done;
    }
    if (skt_in_is_cfn(root)) {
        c->shape = SECKIT_EMRFS_SHAPE_CLOUDFORMATION;
        rc = read_cfn(&ctx, root, want, &nm);
    } else if (skt_in_get(root, "SecurityConfiguration") != NULL &&
               skt_in_get(root, "AuthorizationConfiguration") == NULL) {
        c->shape = SECKIT_EMRFS_SHAPE_DESCRIBE;
        const skt_in_node *s = skt_in_get(root, "SecurityConfiguration");
        nm = skt_in_get_str(root, "Name");
        if (s->kind == SKT_IN_STRING)
            rc = read_config_string(&ctx, s);
        else if (s->kind == SKT_IN_OBJECT)
            rc = read_config(&ctx, s);
        else
            rc = cfg_fail(&ctx, s, "SecurityConfiguration is %s, expected a JSON string",
                          kind_name(s->kind));
    } else if (skt_in_get(root, "AuthorizationConfiguration") != NULL) {
        c->shape = SECKIT_EMRFS_SHAPE_CREATE;
        rc = read_config(&ctx, root);
    } else {
        rc = cfg_fail(&ctx, root,
                      "not an EMR security configuration: no "
                      "AuthorizationConfiguration, SecurityConfiguration or "
                      "CloudFormation Resources");
    }
    if (rc == 0 && nm != NULL) {
        c->name = skt_arena_strdup(&in->arena, nm);
        if (c->name == NULL)
            rc = oom(err);
    }
done:
    skt_in_doc_free(&doc);
    if (rc != 0) {
        seckit_emrfs_config_free(c);
        return rc;
    }
    c->mappings = ctx.maps;
    c->count = ctx.nmaps;
    *out = c;
    return 0;
}

void seckit_emrfs_config_free(seckit_emrfs_config *c)
{
    if (c == NULL)
        return;
    cfg_internal *in = c->internal_;
    if (in != NULL) {
        skt_arena_free(&in->arena);
        free(in);
    }
    free(c);
}

/* ------------------------------------------------------------------ */
/* Users and groups */

typedef struct grp_user {
    const char *name;
    const char **groups;
    size_t n, cap;
} grp_user;

/* A hash index of names (open addressing, linear probing, at most half
 * full): slot = position in the names array + 1, 0 = empty.  Big
 * /etc/group files (a directory's every group) stay linear. */
typedef struct grp_index {
    size_t *slots;
    size_t mask; /* size - 1; 0 when not built */
} grp_index;

struct seckit_emrfs_groups {
    skt_arena arena;
    grp_user *users;
    const char **user_names; /* users[i].name, for the index */
    size_t nusers, capusers, capnames;
    const char **groups; /* every group named */
    size_t ngroups, capgroups;
    grp_index user_ix, group_ix;
};

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 8;
    while (nc < need)
        nc *= 2;
    void *np = realloc(*p, nc * size);
    if (np == NULL)
        return -1;
    *p = np;
    *cap = nc;
    return 0;
}

static size_t name_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return (size_t)(h ^ (h >> 29));
}

/* The position of name in names (through ix), or (size_t)-1. */
static size_t ix_find(const grp_index *ix, const char *const *names, const char *name, size_t n)
{
    if (ix->mask == 0)
        return (size_t)-1;
    for (size_t at = name_hash(name, n) & ix->mask;; at = (at + 1) & ix->mask) {
        size_t v = ix->slots[at];
        if (v == 0)
            return (size_t)-1;
        const char *cand = names[v - 1];
        if (strncmp(cand, name, n) == 0 && cand[n] == '\0')
            return v - 1;
    }
}

/* Index names[count - 1] (just appended); grows the table first. */
static int ix_add(grp_index *ix, const char *const *names, size_t count)
{
    if (count * 2 > ix->mask) {
        size_t size = ix->mask ? (ix->mask + 1) * 2 : 64;
        size_t *slots = calloc(size, sizeof(*slots));
        if (slots == NULL)
            return -1;
        free(ix->slots);
        ix->slots = slots;
        ix->mask = size - 1;
        for (size_t i = 0; i + 1 < count; i++) {
            size_t at = name_hash(names[i], strlen(names[i])) & ix->mask;
            while (ix->slots[at] != 0)
                at = (at + 1) & ix->mask;
            ix->slots[at] = i + 1;
        }
    }
    size_t at = name_hash(names[count - 1], strlen(names[count - 1])) & ix->mask;
    while (ix->slots[at] != 0)
        at = (at + 1) & ix->mask;
    ix->slots[at] = count;
    return 0;
}

static grp_user *grp_user_get(seckit_emrfs_groups *g, const char *name, size_t n, int add)
{
    size_t at = ix_find(&g->user_ix, g->user_names, name, n);
    if (at != (size_t)-1)
        return &g->users[at];
    if (!add)
        return NULL;
    if (grow((void **)&g->users, &g->capusers, g->nusers + 1, sizeof(*g->users)) != 0 ||
        grow((void **)&g->user_names, &g->capnames, g->nusers + 1, sizeof(*g->user_names)) != 0)
        return NULL;
    grp_user *u = &g->users[g->nusers];
    memset(u, 0, sizeof(*u));
    u->name = skt_arena_strndup(&g->arena, name, n);
    if (u->name == NULL)
        return NULL;
    g->user_names[g->nusers++] = u->name;
    if (ix_add(&g->user_ix, g->user_names, g->nusers) != 0) {
        g->nusers--;
        return NULL;
    }
    return u;
}

static const char *grp_group_get(seckit_emrfs_groups *g, const char *name, size_t n)
{
    size_t at = ix_find(&g->group_ix, g->groups, name, n);
    if (at != (size_t)-1)
        return g->groups[at];
    if (grow((void **)&g->groups, &g->capgroups, g->ngroups + 1, sizeof(*g->groups)) != 0)
        return NULL;
    const char *s = skt_arena_strndup(&g->arena, name, n);
    if (s == NULL)
        return NULL;
    g->groups[g->ngroups++] = s;
    if (ix_add(&g->group_ix, g->groups, g->ngroups) != 0) {
        g->ngroups--;
        return NULL;
    }
    return s;
}

static int grp_member(seckit_emrfs_groups *g, const char *user, size_t un, const char *grp,
                      size_t gn)
{
    const char *gs = grp_group_get(g, grp, gn);
    grp_user *u = gs ? grp_user_get(g, user, un, 1) : NULL;
    if (u == NULL)
        return -1;
    for (size_t i = 0; i < u->n; i++)
        if (u->groups[i] == gs)
            return 0;
    if (grow((void **)&u->groups, &u->cap, u->n + 1, sizeof(*u->groups)) != 0)
        return -1;
    u->groups[u->n++] = gs;
    return 0;
}

static int name_ok(const char *s, size_t n)
{
    if (n == 0 || n > SKT_EMRFS_MAX_NAME)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch <= ' ' || ch == ':' || ch == ',' || ch == 0x7f)
            return 0;
    }
    return 1;
}

static int grp_fail(unsigned long line, const char *what, seckit_error *err)
{
    return seckit_error_set_at(err, SECKIT_EFORMAT, (seckit_position){line, 0, 0},
                               "line %lu: %s (expected 'user: group1 group2' or "
                               "'group:x:gid:user1,user2')",
                               line, what);
}

static int grp_line(seckit_emrfs_groups *g, const char *s, size_t n, unsigned long line,
                    seckit_error *err)
{
    size_t colons = 0;
    for (size_t i = 0; i < n; i++)
        colons += s[i] == ':';
    const char *colon = memchr(s, ':', n);
    if (colons == 1) { /* user: g1 g2 */
        size_t un = (size_t)(colon - s);
        while (un > 0 && (s[un - 1] == ' ' || s[un - 1] == '\t'))
            un--;
        if (!name_ok(s, un))
            return grp_fail(line, "the user name is empty or has a space or comma", err);
        if (grp_user_get(g, s, un, 1) == NULL)
            return oom(err);
        const char *p = colon + 1, *end = s + n;
        while (p < end) {
            while (p < end && (*p == ' ' || *p == '\t'))
                p++;
            const char *q = p;
            while (q < end && *q != ' ' && *q != '\t')
                q++;
            if (q > p) {
                if (!name_ok(p, (size_t)(q - p)))
                    return grp_fail(line, "a group name has a comma or a control character", err);
                if (grp_member(g, s, un, p, (size_t)(q - p)) != 0)
                    return oom(err);
            }
            p = q;
        }
        return 0;
    }
    if (colons == 3) { /* group:x:gid:u1,u2 */
        size_t gn = (size_t)(colon - s);
        if (!name_ok(s, gn))
            return grp_fail(line, "the group name is empty or has a space", err);
        const char *c2 = memchr(colon + 1, ':', n - gn - 1);
        const char *c3 = memchr(c2 + 1, ':', (size_t)(s + n - c2 - 1));
        for (const char *d = c2 + 1; d < c3; d++)
            if (*d < '0' || *d > '9')
                return grp_fail(line, "the group id is not a number", err);
        if (grp_group_get(g, s, gn) == NULL)
            return oom(err);
        const char *p = c3 + 1, *end = s + n;
        while (p < end) {
            const char *q = memchr(p, ',', (size_t)(end - p));
            if (q == NULL)
                q = end;
            const char *a = p, *b = q;
            while (a < b && (*a == ' ' || *a == '\t'))
                a++;
            while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
                b--;
            if (b > a) {
                if (!name_ok(a, (size_t)(b - a)))
                    return grp_fail(line, "a member name has a space", err);
                if (grp_member(g, a, (size_t)(b - a), s, gn) != 0)
                    return oom(err);
            } else if (q != end) {
                return grp_fail(line, "an empty member name", err);
            }
            p = q + 1;
        }
        return 0;
    }
    return grp_fail(line, colons == 0 ? "no ':'" : "neither one ':' nor three", err);
}

int seckit_emrfs_groups_parse(seckit_emrfs_groups **out, const char *data, size_t len,
                              seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL && (data != NULL || len == 0), err);
    *out = NULL;
    seckit_emrfs_groups *g = calloc(1, sizeof(*g));
    if (g == NULL)
        return oom(err);
    skt_arena_init(&g->arena);
    unsigned long line = 0;
    size_t i = 0;
    int rc = 0;
    while (i < len && rc == 0) {
        const char *s = data + i;
        const char *nl = memchr(s, '\n', len - i);
        size_t n = nl ? (size_t)(nl - s) : len - i;
        i += n + (nl != NULL);
        if (++line > SKT_EMRFS_MAX_GROUP_LINES) {
            rc = seckit_error_set(err, SECKIT_ELIMIT, "more than %u lines",
                                  SKT_EMRFS_MAX_GROUP_LINES);
            break;
        }
        if (memchr(s, '\0', n) != NULL) {
            rc = grp_fail(line, "a NUL byte", err);
            break;
        }
        const char *hash = memchr(s, '#', n);
        if (hash != NULL)
            n = (size_t)(hash - s);
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
            n--;
        while (n > 0 && (*s == ' ' || *s == '\t')) {
            s++;
            n--;
        }
        if (n == 0)
            continue;
        rc = grp_line(g, s, n, line, err);
    }
    if (rc != 0) {
        seckit_emrfs_groups_free(g);
        return rc;
    }
    *out = g;
    return 0;
}

void seckit_emrfs_groups_free(seckit_emrfs_groups *g)
{
    if (g == NULL)
        return;
    for (size_t i = 0; i < g->nusers; i++)
        free(g->users[i].groups);
    free(g->users);
    free(g->user_names);
    free(g->groups);
    free(g->user_ix.slots);
    free(g->group_ix.slots);
    skt_arena_free(&g->arena);
    free(g);
}

size_t seckit_emrfs_groups_of(const seckit_emrfs_groups *g, const char *const **out,
                              const char *user)
{
    static const char *const none[1] = {NULL};
    if (out != NULL)
        *out = none;
    if (g == NULL || user == NULL)
        return 0;
    size_t at = ix_find(&g->user_ix, g->user_names, user, strlen(user));
    if (at == (size_t)-1)
        return 0;
    if (out != NULL && g->users[at].n > 0)
        *out = g->users[at].groups;
    return g->users[at].n;
}

int seckit_emrfs_groups_has_user(const seckit_emrfs_groups *g, const char *user)
{
    if (g == NULL || user == NULL)
        return 0;
    return ix_find(&g->user_ix, g->user_names, user, strlen(user)) != (size_t)-1;
}

int seckit_emrfs_groups_has_group(const seckit_emrfs_groups *g, const char *group)
{
    if (g == NULL || group == NULL)
        return 0;
    return ix_find(&g->group_ix, g->groups, group, strlen(group)) != (size_t)-1;
}

/* ------------------------------------------------------------------ */
/* Resolution */

int seckit_emrfs_resolve(const seckit_emrfs_config *c, seckit_emrfs_resolution *out,
                         const char *instance_role, const seckit_emrfs_identity *who,
                         const char *s3_uri, seckit_error *err)
{
    SKT_ENSURE_ARG(c != NULL && instance_role != NULL && who != NULL && s3_uri != NULL &&
                       out != NULL,
                   err);
    SKT_ENSURE_ARG(who->group_count == 0 || who->groups != NULL, err);
    memset(out, 0, sizeof(*out));
    SKT_ENSURE(skt_emrfs_role_arn_split(instance_role, NULL, NULL), err, SECKIT_EINVAL,
               "instance role '%.200s' is not an IAM role ARN "
               "(arn:aws:iam::ACCOUNT:role/NAME)",
               instance_role);
    SKT_GUARD(seckit_emrfs_location_parse(out->location, sizeof(out->location), NULL, 0, NULL,
                                          s3_uri, err));
    const char *user = who->user != NULL ? who->user : "";
    for (size_t i = 0; i < c->count; i++) {
        const seckit_emrfs_mapping *m = &c->mappings[i];
        for (size_t k = 0; k < m->identifier_count; k++) {
            const char *id = m->identifiers[k].value;
            int hit = 0;
            switch (m->type) {
            case SECKIT_EMRFS_USER:
                hit = who->user != NULL && strcmp(id, user) == 0;
                if (hit)
                    snprintf(out->reason, sizeof(out->reason),
                             "RoleMappings[%zu] maps user %s to %s", m->index, id, m->role);
                break;
            case SECKIT_EMRFS_GROUP:
                for (size_t g = 0; g < who->group_count && !hit; g++)
                    hit = who->groups[g] != NULL && strcmp(who->groups[g], id) == 0;
                if (hit)
                    snprintf(out->reason, sizeof(out->reason),
                             "RoleMappings[%zu] maps group %s (a group of user %s) to %s", m->index,
                             id, user, m->role);
                break;
            case SECKIT_EMRFS_PREFIX:
                hit = strncmp(out->location, id, strlen(id)) == 0;
                if (hit)
                    snprintf(out->reason, sizeof(out->reason),
                             "RoleMappings[%zu] maps prefix %s (a prefix of %s) to %s", m->index,
                             id, out->location, m->role);
                break;
            }
            if (hit) {
                out->role = m->role;
                out->mapping = (long)i;
                out->type = m->type;
                out->identifier = id;
                return 0;
            }
        }
    }
    out->role = instance_role;
    out->mapping = -1;
    out->identifier = NULL;
    snprintf(out->reason, sizeof(out->reason),
             "no mapping matches user %s (%s), nor location %s: the cluster's EC2 instance "
             "role %s",
             who->user != NULL ? user : "(none)",
             who->group_count == 0 ? "in no group" : "nor its groups", out->location,
             instance_role);
    return 0;
}

/* ------------------------------------------------------------------ */
/* The roles' documents */

int seckit_emrfs_roles_new(seckit_emrfs_roles **out, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = calloc(1, sizeof(**out));
    if (*out == NULL)
        return oom(err);
    skt_arena_init(&(*out)->arena);
    return 0;
}

void seckit_emrfs_roles_free(seckit_emrfs_roles *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->items[i]->perms);
    free(r->items);
    skt_arena_free(&r->arena);
    free(r);
}

const skt_emrfs_role *skt_emrfs_role_find(const seckit_emrfs_roles *r, const char *arn)
{
    char acct[13];
    const char *name;
    if (r == NULL || !skt_emrfs_role_arn_split(arn, acct, &name))
        return NULL;
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->items[i]->account, acct) == 0 && strcmp(r->items[i]->name, name) == 0)
            return r->items[i];
    return NULL;
}

int seckit_emrfs_roles_has(const seckit_emrfs_roles *r, const char *role_arn)
{
    return skt_emrfs_role_find(r, role_arn) != NULL;
}

static skt_emrfs_role *role_get(seckit_emrfs_roles *r, const char *arn, seckit_error *err)
{
    char acct[13];
    const char *name;
    if (!skt_emrfs_role_arn_split(arn, acct, &name)) {
        seckit_error_set(err, SECKIT_EINVAL, "'%.200s' is not an IAM role ARN", arn);
        return NULL;
    }
    skt_emrfs_role *found = (skt_emrfs_role *)skt_emrfs_role_find(r, arn);
    if (found != NULL)
        return found;
    if (grow((void **)&r->items, &r->cap, r->n + 1, sizeof(*r->items)) != 0) {
        oom(err);
        return NULL;
    }
    skt_emrfs_role *ro = skt_arena_alloc(&r->arena, sizeof(*ro));
    if (ro == NULL || (ro->arn = skt_arena_strdup(&r->arena, arn)) == NULL ||
        (ro->account = skt_arena_strdup(&r->arena, acct)) == NULL ||
        (ro->name = skt_arena_strdup(&r->arena, name)) == NULL) {
        oom(err);
        return NULL;
    }
    r->items[r->n++] = ro;
    return ro;
}

static int role_put(seckit_emrfs_roles *r, skt_emrfs_role *ro, seckit_emrfs_document_kind kind,
                    const char *text, size_t len, const char *source, seckit_error *err)
{
    skt_emrfs_doc d;
    d.text = skt_arena_strndup(&r->arena, text, len);
    d.len = len;
    d.source = skt_arena_strdup(&r->arena, source != NULL ? source : "");
    if (d.text == NULL || d.source == NULL)
        return oom(err);
    switch (kind) {
    case SECKIT_EMRFS_TRUST:
        SKT_ENSURE(ro->trust.text == NULL, err, SECKIT_EINVAL, "%s: role %s has two trust policies",
                   d.source, ro->arn);
        ro->trust = d;
        return 0;
    case SECKIT_EMRFS_BOUNDARY:
        SKT_ENSURE(ro->boundary.text == NULL, err, SECKIT_EINVAL,
                   "%s: role %s has two permissions boundaries", d.source, ro->arn);
        ro->boundary = d;
        return 0;
    case SECKIT_EMRFS_PERMISSIONS:
        if (grow((void **)&ro->perms, &ro->capperms, ro->nperms + 1, sizeof(*ro->perms)) != 0)
            return oom(err);
        ro->perms[ro->nperms++] = d;
        return 0;
    }
    return seckit_error_set(err, SECKIT_EINVAL, "unknown document kind %d", (int)kind);
}

int seckit_emrfs_roles_add_document(seckit_emrfs_roles *r, const char *role_arn,
                                    seckit_emrfs_document_kind kind, const char *text, size_t len,
                                    const char *source, seckit_error *err)
{
    SKT_ENSURE_ARG(r != NULL && role_arn != NULL && (text != NULL || len == 0), err);
    skt_emrfs_role *ro = role_get(r, role_arn, err);
    if (ro == NULL)
        return err != NULL ? err->code : SECKIT_EINVAL;
    seckit_policy_inputs_options o = SECKIT_POLICY_INPUTS_OPTIONS_INIT;
    o.name = source;
    o.flags = SECKIT_INPUTS_STRICT;
    seckit_policy_inputs *in = NULL;
    int rc = seckit_policy_inputs_extract(&in, text != NULL ? text : "", len, &o, err);
    if (rc != 0) {
        if (source != NULL)
            seckit_error_prefix(err, source);
        return rc;
    }
    const seckit_policy_input *pick = NULL;
    for (size_t i = 0; i < in->count && pick == NULL; i++) {
        int trust = in->items[i].type == SECKIT_POLICY_TRUST && in->items[i].type_known;
        if (in->count == 1 || trust == (kind == SECKIT_EMRFS_TRUST))
            pick = &in->items[i];
    }
    if (pick == NULL || (in->count > 1 && kind != SECKIT_EMRFS_TRUST)) {
        rc = seckit_error_set(err, SECKIT_EFORMAT, "%s: expected one policy document, found %zu",
                              source != NULL ? source : "document", in->count);
    } else if (pick->type_known &&
               (pick->type == SECKIT_POLICY_TRUST) != (kind == SECKIT_EMRFS_TRUST)) {
        rc =
            seckit_error_set(err, SECKIT_EFORMAT, "%s: holds %s, expected %s",
                             source != NULL ? source : "document",
                             pick->type == SECKIT_POLICY_TRUST ? "a role's trust policy"
                                                               : "a permission policy",
                             kind == SECKIT_EMRFS_TRUST ? "a trust policy" : "a permission policy");
    } else {
        char src[512];
        snprintf(src, sizeof(src), "%s%s%s", source != NULL ? source : "",
                 pick->owner[0] ? ": " : "", pick->owner);
        rc = role_put(r, ro, kind, pick->text, pick->text_len, src, err);
    }
    seckit_policy_inputs_free(in);
    return rc;
}

static int ad_fail(const skt_in_node *n, const char *what, seckit_error *err)
{
    return seckit_error_set_at(err, SECKIT_EFORMAT, n->pos, "%s", what);
}

/* One document node (object or string) of the dump as policy text. */
static int ad_document(seckit_emrfs_roles *r, skt_in_list *l, skt_emrfs_role *ro,
                       const skt_in_node *doc, seckit_emrfs_document_kind kind, const char *owner,
                       seckit_error *err)
{
    SKT_GUARD(skt_in_add_document(l, doc,
                                  kind == SECKIT_EMRFS_TRUST ? SECKIT_POLICY_TRUST
                                                             : SECKIT_POLICY_IDENTITY,
                                  SECKIT_RESOURCE_NONE, owner, err));
    seckit_policy_input *in = &l->items[l->n - 1];
    int rc = role_put(r, ro, kind, in->text, in->text_len, owner, err);
    free(in->text);
    free(in->owner);
    free(in->anchors);
    l->n--;
    return rc;
}

static const skt_in_node *ad_policy_version(const skt_in_node *pols, const char *arn)
{
    for (size_t i = 0; pols != NULL && i < pols->n; i++) {
        const skt_in_node *p = pols->kids[i];
        const char *parn = skt_in_get_str(p, "Arn");
        if (parn == NULL || strcmp(parn, arn) != 0)
            continue;
        const skt_in_node *versions = skt_in_get(p, "PolicyVersionList");
        const char *dflt = skt_in_get_str(p, "DefaultVersionId");
        for (size_t v = 0; versions != NULL && versions->kind == SKT_IN_ARRAY && v < versions->n;
             v++) {
            const skt_in_node *ver = versions->kids[v];
            const skt_in_node *isdef = skt_in_get(ver, "IsDefaultVersion");
            const char *vid = skt_in_get_str(ver, "VersionId");
            if ((isdef != NULL && isdef->kind == SKT_IN_TRUE) ||
                (dflt != NULL && vid != NULL && strcmp(dflt, vid) == 0))
                return skt_in_get(ver, "Document");
        }
    }
    return NULL;
}

/* One RoleDetailList entry's documents for the role ro: its trust policy,
 * inline policies, attached managed policies (found in pols; *missing counts
 * the ones that are not) and permissions boundary. */
static int ad_role_documents(seckit_emrfs_roles *r, skt_in_list *l, skt_emrfs_role *ro,
                             const skt_in_node *e, const skt_in_node *pols, size_t *missing,
                             seckit_error *err)
{
    int rc = 0;
    char owner[700];
    const skt_in_node *trust = skt_in_get(e, "AssumeRolePolicyDocument");
    if (trust != NULL) {
        snprintf(owner, sizeof(owner), "role/%s (trust policy)", ro->name);
        rc = ad_document(r, l, ro, trust, SECKIT_EMRFS_TRUST, owner, err);
    }
    const skt_in_node *inl = skt_in_get(e, "RolePolicyList");
    if (rc == 0 && inl != NULL && inl->kind != SKT_IN_ARRAY && inl->kind != SKT_IN_NULL)
        rc = ad_fail(inl, "RolePolicyList is not a list", err);
    for (size_t k = 0; rc == 0 && inl != NULL && inl->kind == SKT_IN_ARRAY && k < inl->n; k++) {
        const skt_in_node *p = inl->kids[k];
        const skt_in_node *d = skt_in_get(p, "PolicyDocument");
        if (d == NULL) {
            rc = ad_fail(p, "inline policy without PolicyDocument", err);
            break;
        }
        const char *pn = skt_in_get_str(p, "PolicyName");
        snprintf(owner, sizeof(owner), "role/%s (inline policy %s)", ro->name,
                 pn != NULL ? pn : "?");
        rc = ad_document(r, l, ro, d, SECKIT_EMRFS_PERMISSIONS, owner, err);
    }
    const skt_in_node *att = skt_in_get(e, "AttachedManagedPolicies");
    if (rc == 0 && att != NULL && att->kind != SKT_IN_ARRAY && att->kind != SKT_IN_NULL)
        rc = ad_fail(att, "AttachedManagedPolicies is not a list", err);
    for (size_t k = 0; rc == 0 && att != NULL && att->kind == SKT_IN_ARRAY && k < att->n; k++) {
        const char *parn = skt_in_get_str(att->kids[k], "PolicyArn");
        if (parn == NULL) {
            rc = ad_fail(att->kids[k], "attached policy without PolicyArn", err);
            break;
        }
        const skt_in_node *d = ad_policy_version(pols, parn);
        if (d == NULL) {
            if (missing != NULL)
                (*missing)++;
            continue;
        }
        snprintf(owner, sizeof(owner), "role/%s (managed policy %s)", ro->name, parn);
        rc = ad_document(r, l, ro, d, SECKIT_EMRFS_PERMISSIONS, owner, err);
    }
    const skt_in_node *pb = skt_in_get(e, "PermissionsBoundary");
    const char *pbarn = pb != NULL ? skt_in_get_str(pb, "PermissionsBoundaryArn") : NULL;
    if (rc == 0 && pbarn != NULL) {
        const skt_in_node *d = ad_policy_version(pols, pbarn);
        if (d == NULL) {
            rc = ad_fail(pb,
                         "the permissions boundary's policy is not in the file's "
                         "Policies list",
                         err);
            return rc;
        }
        snprintf(owner, sizeof(owner), "role/%s (permissions boundary %s)", ro->name, pbarn);
        rc = ad_document(r, l, ro, d, SECKIT_EMRFS_BOUNDARY, owner, err);
    }
    return rc;
}

int seckit_emrfs_roles_add_authorization_details(seckit_emrfs_roles *r, size_t *missing,
                                                 const char *data, size_t len, seckit_error *err)
{
    SKT_ENSURE_ARG(r != NULL && (data != NULL || len == 0), err);
    if (missing != NULL)
        *missing = 0;
    skt_in_doc doc;
    skt_in_doc_init(&doc, SKT_IN_MAX_NODES + len / SKT_IN_NODES_PER_BYTE);
    const char *text = data != NULL ? data : "";
    skt_in_list l = {NULL, 0, 0, text, len, NULL, 0};
    int rc = skt_in_json_parse(text, len, &doc, err);
    if (rc == 0)
        rc = skt_in_json_tree(&doc, 0, err);
    if (rc != 0)
        goto done;
    const skt_in_node *root = doc.root;
    const skt_in_node *roles = skt_in_get(root, "RoleDetailList");
    if (root->kind != SKT_IN_OBJECT || roles == NULL || roles->kind != SKT_IN_ARRAY) {
        rc = ad_fail(root,
                     "not an `aws iam get-account-authorization-details` output "
                     "(no RoleDetailList list)",
                     err);
        goto done;
    }
    const skt_in_node *pols = skt_in_get(root, "Policies");
    if (pols != NULL && pols->kind != SKT_IN_ARRAY) {
        rc = ad_fail(pols, "Policies is not a list", err);
        goto done;
    }
    for (size_t i = 0; i < roles->n && rc == 0; i++) {
        const skt_in_node *e = roles->kids[i];
        const char *arn = skt_in_get_str(e, "Arn");
        if (e->kind != SKT_IN_OBJECT || arn == NULL) {
            rc = ad_fail(e, "RoleDetailList entry without an Arn", err);
            break;
        }
        seckit_error e2;
        seckit_error_clear(&e2);
        skt_emrfs_role *ro = role_get(r, arn, &e2);
        if (ro == NULL) {
            const skt_in_node *an = skt_in_get(e, "Arn");
            rc = seckit_error_set_at(err, e2.code ? e2.code : SECKIT_EFORMAT, an->pos, "%s",
                                     e2.message);
            break;
        }
        rc = ad_role_documents(r, &l, ro, e, pols, missing, err);
    }
done:
    free(l.items);
    seckit_json_free(l.built);
    skt_in_doc_free(&doc);
    return rc;
}

int seckit_emrfs_config_options_init(seckit_emrfs_config_options *opts, unsigned int version,
                                     seckit_error *err)
{
    static const seckit_emrfs_config_options init = SECKIT_EMRFS_CONFIG_OPTIONS_INIT;
    SKT_GUARD(skt_options_init_check(opts, version, SECKIT_EMRFS_CONFIG_OPTIONS_VERSION,
                                     "seckit_emrfs_config_options", err));
    *opts = init;
    return 0;
}
