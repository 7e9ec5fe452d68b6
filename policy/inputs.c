/* policy/inputs: find the IAM policies inside one input file (bare policy,
 * AWS CLI outputs, CloudFormation, Terraform plan JSON) and map positions in
 * each policy's text back to the file.  Pure: bytes in, policies out. */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/inputs_internal.h"
#include "src/base/guard.h"
#include "src/base/options.h"
#include "src/base/hex.h"

const char *seckit_input_format_name(seckit_input_format format)
{
    switch (format) {
    case SECKIT_INPUT_AUTO: return "auto";
    case SECKIT_INPUT_POLICY: return "policy";
    case SECKIT_INPUT_POLICY_VERSION: return "get-policy-version";
    case SECKIT_INPUT_GET_ENTITY: return "get-role/get-*-policy";
    case SECKIT_INPUT_AUTH_DETAILS: return "get-account-authorization-details";
    case SECKIT_INPUT_CLOUDFORMATION: return "cloudformation";
    case SECKIT_INPUT_TERRAFORM: return "terraform";
    }
    return "unknown";
}

/* ---- the list ---- */

/* What a list's internal_ owns: the JSON file's tree (policies found in
 * it) and the trees built while writing policies out. */
typedef struct inputs_owned {
    seckit_json_doc *parsed, *built;
} inputs_owned;

static void input_clear(seckit_policy_input *in)
{
    free(in->text);
    free(in->owner);
    free(in->anchors);
    free(in->substituted);
    free(in->scope);
    free(in->ignore);
    memset(in, 0, sizeof(*in));
}

void seckit_policy_inputs_free(seckit_policy_inputs *inputs)
{
    if (inputs == NULL)
        return;
    for (size_t i = 0; i < inputs->count; i++)
        input_clear(&inputs->items[i]);
    free(inputs->items);
    inputs_owned *own = inputs->internal_;
    if (own != NULL) {
        seckit_json_free(own->parsed);
        seckit_json_free(own->built);
        free(own);
    }
    free(inputs);
}

int skt_in_set_scope(skt_in_list *l, size_t from, const char *scope, const char *ignore,
                     seckit_error *err)
{
    for (size_t i = from; i < l->n; i++) {
        seckit_policy_input *in = &l->items[i];
        if (scope != NULL && in->scope == NULL && (in->scope = strdup(scope)) == NULL)
            return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        if (ignore != NULL && in->ignore == NULL && (in->ignore = strdup(ignore)) == NULL)
            return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    return 0;
}

static seckit_position to_pub(const skt_in_pos *p)
{
    seckit_position q = {p->line, p->column, p->offset};
    return q;
}

/* Append in (taking ownership of its buffers) to the list. */
static int list_push(skt_in_list *l, seckit_policy_input *in, seckit_error *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        seckit_policy_input *items = realloc(l->items, cap * sizeof(*items));
        if (items == NULL) {
            input_clear(in);
            return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        }
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = *in;
    return 0;
}

static int input_init(seckit_policy_input *in, seckit_policy_type type,
                      seckit_policy_resource_type resource_type, const char *owner,
                      seckit_error *err)
{
    memset(in, 0, sizeof(*in));
    in->type = type;
    in->resource_type = resource_type;
    in->type_known = 1;
    in->owner = strdup(owner != NULL ? owner : "");
    SKT_ENSURE(in->owner != NULL, err, SECKIT_ENOMEM, "out of memory");
    return 0;
}

int skt_in_add_slice(skt_in_list *l, const skt_in_pos *start, size_t end, seckit_policy_type type,
                     seckit_policy_resource_type resource_type, const char *owner,
                     seckit_error *err)
{
    seckit_policy_input in;
    SKT_ENSURE(start->offset <= end && end <= l->len, err, SECKIT_EINTERNAL, "slice out of range");
    SKT_GUARD(input_init(&in, type, resource_type, owner, err));
    size_t n = end - start->offset;
    in.text = malloc(n + 1);
    if (in.text == NULL) {
        input_clear(&in);
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    memcpy(in.text, l->data + start->offset, n);
    in.text[n] = '\0';
    in.text_len = n;
    in.base = to_pub(start);
    in.exact = 1;
    return list_push(l, &in, err);
}

/* ---- text with anchors ---- */

typedef struct tw {
    char *buf;
    size_t len, cap;
    seckit_input_anchor *anchors;
    size_t na, acap;
    seckit_error *err;
    /* When ja is set, tw_node also builds the tree seckit_json_parse would
     * read from the text (in ja; positions in the text, which is one line)
     * so that the policy is linted without parsing it again; jbad when it
     * could differ (then the text is parsed, as before). */
    skt_arena *ja;
    int jbad;
} tw;

static int tw_put(tw *w, const char *s, size_t n)
{
    if (n > SKT_IN_MAX_TEXT - w->len)
        return seckit_error_set(w->err, SECKIT_ELIMIT, "policy text longer than %u bytes",
                                (unsigned)SKT_IN_MAX_TEXT);
    if (w->len + n + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 256;
        while (cap < w->len + n + 1)
            cap *= 2;
        char *b = realloc(w->buf, cap);
        SKT_ENSURE(b != NULL, w->err, SECKIT_ENOMEM, "out of memory");
        w->buf = b;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
    return 0;
}

static int tw_anchor(tw *w, const skt_in_pos *p, int linear)
{
    if (w->na > 0 && w->anchors[w->na - 1].text_offset == w->len)
        w->na--; /* the later anchor at the same offset wins */
    if (w->na == w->acap) {
        size_t cap = w->acap ? w->acap * 2 : 16;
        seckit_input_anchor *a = realloc(w->anchors, cap * sizeof(*a));
        SKT_ENSURE(a != NULL, w->err, SECKIT_ENOMEM, "out of memory");
        w->anchors = a;
        w->acap = cap;
    }
    seckit_input_anchor *a = &w->anchors[w->na++];
    a->text_offset = w->len;
    a->pos = to_pub(p);
    a->linear = linear;
    return 0;
}

static int needs_escape(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\')
            return 1;
    }
    return 0;
}

static int tw_json_string(tw *w, const char *s, size_t n)
{
    SKT_GUARD(tw_put(w, "\"", 1));
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        const char *e = NULL;
        if (c == '"')
            e = "\\\"";
        else if (c == '\\')
            e = "\\\\";
        else if (c == '\n')
            e = "\\n";
        else if (c == '\r')
            e = "\\r";
        else if (c == '\t')
            e = "\\t";
        else if (c < 0x20) {
            snprintf(esc, sizeof(esc), "\\u%04x", c);
            e = esc;
        }
        if (e == NULL)
            continue;
        SKT_GUARD(tw_put(w, s + run, i - run));
        SKT_GUARD(tw_put(w, e, strlen(e)));
        run = i + 1;
    }
    SKT_GUARD(tw_put(w, s + run, n - run));
    return tw_put(w, "\"", 1);
}

/* Write a string node; anchors say where its characters came from. */
static int tw_string_node(tw *w, const skt_in_node *n)
{
    int linear = !n->synthetic && !n->block && !n->raw_escaped && !needs_escape(n->str, n->len);
    if (n->unquoted) {
        /* A YAML plain scalar: the file has no quote where ours is. */
        SKT_GUARD(tw_anchor(w, &n->pos, 0));
        SKT_GUARD(tw_put(w, "\"", 1));
        SKT_GUARD(tw_anchor(w, &n->pos, linear));
        w->len--; /* tw_json_string writes the quote again */
    } else {
        SKT_GUARD(tw_anchor(w, &n->pos, linear));
    }
    SKT_GUARD(tw_json_string(w, n->str, n->len));
    /* What follows (punctuation) maps to the token, not past it. */
    return linear ? tw_anchor(w, &n->pos, 0) : 0;
}

static seckit_position text_pos(size_t off)
{
    seckit_position p = {1, (unsigned long)off, off};
    return p;
}

/* A node of the tree being built, starting at text offset start; NULL when
 * not building. */
static seckit_json *tw_jnode(tw *w, seckit_json_kind kind, size_t start)
{
    if (w->ja == NULL || w->jbad)
        return NULL;
    seckit_json *j = skt_arena_alloc(w->ja, sizeof(*j));
    if (j == NULL) {
        w->jbad = 1;
        return NULL;
    }
    j->kind = kind;
    j->span.start = text_pos(start);
    return j;
}

/* A copy in the tree's arena of a string json.c would decode to the same
 * bytes (it refuses what is not UTF-8). */
static const char *tw_jstr(tw *w, const char *s, size_t n)
{
    char *c = NULL;
    if (!w->jbad && (!skt_json_utf8_ok(s, n) || (c = skt_arena_strndup(w->ja, s, n)) == NULL))
        w->jbad = 1;
    return c;
}

/* Write n as JSON; *out (when out is not NULL) becomes its tree node. */
static int tw_node(tw *w, const skt_in_node *n, unsigned depth, seckit_json **out)
{
    static const seckit_json_kind jkind[] = {
        [SKT_IN_NULL] = SECKIT_JSON_NULL,     [SKT_IN_FALSE] = SECKIT_JSON_FALSE,
        [SKT_IN_TRUE] = SECKIT_JSON_TRUE,     [SKT_IN_NUMBER] = SECKIT_JSON_NUMBER,
        [SKT_IN_STRING] = SECKIT_JSON_STRING, [SKT_IN_ARRAY] = SECKIT_JSON_ARRAY,
        [SKT_IN_OBJECT] = SECKIT_JSON_OBJECT,
    };
    SKT_ENSURE(depth <= SKT_IN_MAX_DEPTH * 2, w->err, SECKIT_ELIMIT, "policy nested too deeply");
    seckit_json *j = out != NULL ? tw_jnode(w, jkind[n->kind], w->len) : NULL;
    if (out != NULL)
        *out = j;
    if (j != NULL && (n->kind == SKT_IN_STRING || n->kind == SKT_IN_NUMBER)) {
        j->str = tw_jstr(w, n->str, n->len);
        j->len = n->len;
    }
    int rc;
    switch (n->kind) {
    case SKT_IN_NULL:
        SKT_GUARD(tw_anchor(w, &n->pos, 0));
        rc = tw_put(w, "null", 4);
        break;
    case SKT_IN_TRUE:
        SKT_GUARD(tw_anchor(w, &n->pos, 0));
        rc = tw_put(w, "true", 4);
        break;
    case SKT_IN_FALSE:
        SKT_GUARD(tw_anchor(w, &n->pos, 0));
        rc = tw_put(w, "false", 5);
        break;
    case SKT_IN_NUMBER:
        SKT_GUARD(tw_anchor(w, &n->pos, !n->synthetic));
        SKT_GUARD(tw_put(w, n->str, n->len));
        rc = tw_anchor(w, &n->pos, 0);
        break;
    case SKT_IN_STRING: rc = tw_string_node(w, n); break;
    default: {
        int obj = n->kind == SKT_IN_OBJECT;
        /* json.c's nesting limit: a deeper text would not parse */
        if (j != NULL && depth + 1 > SKT_IN_LINT_MAX_DEPTH)
            w->jbad = 1;
        SKT_GUARD(tw_anchor(w, &n->pos, 0));
        SKT_GUARD(tw_put(w, obj ? "{" : "[", 1));
        seckit_json *last = NULL;
        for (size_t i = 0; i < n->n; i++) {
            if (i > 0)
                SKT_GUARD(tw_put(w, obj && (i % 2) ? ":" : ",", 1));
            const skt_in_node *key = NULL;
            size_t key_start = w->len;
            if (obj && i % 2 == 0) {
                /* a key: written as a string, becomes the member's key */
                key = n->kids[i];
                SKT_GUARD(tw_node(w, key, depth + 1, NULL));
                if (key->kind != SKT_IN_STRING || i + 1 >= n->n) {
                    w->jbad = 1;
                    continue;
                }
                size_t key_end = w->len;
                SKT_GUARD(tw_put(w, ":", 1));
                i++;
                seckit_json *m = NULL;
                SKT_GUARD(tw_node(w, n->kids[i], depth + 1, j != NULL ? &m : NULL));
                if (m != NULL) {
                    m->key = tw_jstr(w, key->str, key->len);
                    m->key_len = key->len;
                    m->key_span.start = text_pos(key_start);
                    m->key_span.end = text_pos(key_end);
                }
                if (m != NULL && !w->jbad) {
                    m->parent = j;
                    m->index = j->count++;
                    *(last != NULL ? &last->next : &j->child) = m;
                    last = m;
                }
                continue;
            }
            seckit_json *e = NULL;
            SKT_GUARD(tw_node(w, n->kids[i], depth + 1, j != NULL ? &e : NULL));
            if (e != NULL && !w->jbad) {
                e->parent = j;
                e->index = j->count++;
                *(last != NULL ? &last->next : &j->child) = e;
                last = e;
            }
        }
        rc = tw_put(w, obj ? "}" : "]", 1);
        if (rc == 0 && j != NULL && !w->jbad && obj && skt_json_mark_duplicates(j) != 0)
            w->jbad = 1;
    }
    }
    if (j != NULL)
        j->span.end = text_pos(w->len);
    return rc;
}

static int add_written(skt_in_list *l, tw *w, const skt_in_pos *base, seckit_policy_type type,
                       seckit_policy_resource_type resource_type, const char *owner,
                       seckit_error *err)
{
    seckit_policy_input in;
    int rc = input_init(&in, type, resource_type, owner, err);
    if (rc != 0) {
        free(w->buf);
        free(w->anchors);
        return rc;
    }
    in.text = w->buf != NULL ? w->buf : strdup("");
    in.text_len = w->len;
    in.anchors = w->anchors;
    in.anchor_count = w->na;
    in.base = to_pub(base);
    in.exact = 0;
    if (in.text == NULL) {
        input_clear(&in);
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    return list_push(l, &in, err);
}

int skt_in_add_tree(skt_in_list *l, const skt_in_node *tree, seckit_policy_type type,
                    seckit_policy_resource_type resource_type, const char *owner, seckit_error *err)
{
    tw w = {NULL, 0, 0, NULL, 0, 0, err, NULL, 0};
    seckit_json *j = NULL;
    /* The written policy's tree, where it can be json.c's own: a text with
     * invalid UTF-8 (a JSON file's) would not parse. */
    if (l->built == NULL && !l->bad_utf8 && seckit_json_doc_new(&l->built, NULL) != 0)
        l->built = NULL;
    if (l->built != NULL && !l->bad_utf8)
        w.ja = skt_json_doc_arena(l->built);
    int rc = tw_node(&w, tree, 0, &j);
    if (rc != 0) {
        free(w.buf);
        free(w.anchors);
        return rc;
    }
    if (w.jbad || w.len > SKT_IN_LINT_MAX_TEXT)
        j = NULL;
    SKT_GUARD(add_written(l, &w, &tree->pos, type, resource_type, owner, err));
    l->items[l->n - 1].tree = j;
    return 0;
}

/* IAM returns documents URL-encoded (RFC 3986); the AWS CLI decodes them,
 * raw API output and some dumps do not. */
static int looks_url_encoded(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    return n - i >= 3 && s[i] == '%' && skt_hex_digit(s[i + 1]) >= 0 &&
           skt_hex_digit(s[i + 2]) >= 0;
}

/* Anchors for a JSON string token with escapes: one after every escape
 * (JSON strings hold no raw newline, so the token is on one line). */
static int anchors_for_escaped(tw *w, const char *data, const skt_in_node *s)
{
    size_t p = s->pos.offset + 1, end = s->end > 0 ? s->end - 1 : 0;
    size_t t = 0;
    skt_in_pos at = s->pos;
    at.offset++;
    at.column++;
    w->len = 0;
    SKT_GUARD(tw_anchor(w, &at, 1));
    while (p < end) {
        if (data[p] != '\\') {
            p++;
            t++;
            continue;
        }
        size_t adv = 2, out = 1;
        if (p + 1 < end && data[p + 1] == 'u') {
            int v = 0;
            for (int k = 2; k < 6 && p + (size_t)k < end; k++)
                v = (v << 4) | (skt_hex_digit(data[p + (size_t)k]) & 0xF);
            adv = 6;
            out = v < 0x80 ? 1 : v < 0x800 ? 2 : 3;
            if (v >= 0xD800 && v <= 0xDBFF) {
                adv = 12;
                out = 4;
            }
        }
        /* The escape itself maps to its first byte; what follows is linear. */
        skt_in_pos e = s->pos;
        e.offset = p;
        e.column = s->pos.column + (unsigned long)(p - s->pos.offset);
        w->len = t;
        SKT_GUARD(tw_anchor(w, &e, 0));
        p += adv;
        t += out;
        e.offset = p;
        e.column = s->pos.column + (unsigned long)(p - s->pos.offset);
        w->len = t;
        SKT_GUARD(tw_anchor(w, &e, 1));
    }
    return 0;
}

int skt_in_add_string(skt_in_list *l, const skt_in_node *s, seckit_policy_type type,
                      seckit_policy_resource_type resource_type, const char *owner,
                      seckit_error *err)
{
    tw w = {NULL, 0, 0, NULL, 0, 0, err, NULL, 0};
    int rc;
    if (looks_url_encoded(s->str, s->len)) {
        /* Decoded text is never longer. */
        char *out = malloc(s->len + 1);
        size_t o = 0;
        SKT_ENSURE(out != NULL, err, SECKIT_ENOMEM, "out of memory");
        for (size_t i = 0; i < s->len; i++) {
            if (s->str[i] == '%' && i + 2 < s->len && skt_hex_digit(s->str[i + 1]) >= 0 &&
                skt_hex_digit(s->str[i + 2]) >= 0) {
                out[o++] = (char)(skt_hex_digit(s->str[i + 1]) * 16 + skt_hex_digit(s->str[i + 2]));
                i += 2;
            } else {
                out[o++] = s->str[i];
            }
        }
        out[o] = '\0';
        w.buf = out;
        w.len = o;
        w.cap = s->len + 1;
        rc = tw_anchor(&w, &s->pos, 0);
    } else {
        w.buf = malloc(s->len + 1);
        SKT_ENSURE(w.buf != NULL, err, SECKIT_ENOMEM, "out of memory");
        memcpy(w.buf, s->str, s->len + 1);
        w.cap = s->len + 1;
        if (s->raw_escaped && !s->unquoted && s->end > s->pos.offset + 1 && s->end <= l->len) {
            rc = anchors_for_escaped(&w, l->data, s);
        } else if (s->unquoted || s->block || s->synthetic) {
            rc = tw_anchor(&w, &s->pos, !s->block && !s->synthetic);
        } else {
            skt_in_pos at = s->pos;
            at.offset++;
            at.column++;
            rc = tw_anchor(&w, &at, 1);
        }
        w.len = s->len;
    }
    if (rc != 0) {
        free(w.buf);
        free(w.anchors);
        return rc;
    }
    return add_written(l, &w, &s->pos, type, resource_type, owner, err);
}

int skt_in_add_document(skt_in_list *l, const skt_in_node *doc, seckit_policy_type type,
                        seckit_policy_resource_type resource_type, const char *owner,
                        seckit_error *err)
{
    if (doc->kind == SKT_IN_STRING)
        return skt_in_add_string(l, doc, type, resource_type, owner, err);
    if (doc->kind == SKT_IN_OBJECT && doc->end > doc->pos.offset && doc->end <= l->len) {
        SKT_GUARD(skt_in_add_slice(l, &doc->pos, doc->end, type, resource_type, owner, err));
        l->items[l->n - 1].tree = doc->json; /* the slice as json.c read it */
        return 0;
    }
    return seckit_error_set_at(err, SECKIT_EFORMAT, doc->pos,
                               "%s: the policy document at line %lu column %lu is neither an "
                               "object nor a string",
                               owner, doc->pos.line, doc->pos.column);
}

seckit_position seckit_policy_input_locate(const seckit_policy_input *in, size_t text_offset,
                                           unsigned long text_line, unsigned long text_column)
{
    seckit_position p = in->base;
    if (in->exact) {
        if (text_line <= 1) {
            p.column = in->base.column + text_column;
        } else {
            p.line = in->base.line + text_line - 1;
            p.column = text_column;
        }
        p.offset = in->base.offset + text_offset;
        return p;
    }
    if (in->anchor_count == 0 || text_offset < in->anchors[0].text_offset)
        return p;
    size_t lo = 0, hi = in->anchor_count; /* last anchor with text_offset <= off */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (in->anchors[mid].text_offset <= text_offset)
            lo = mid;
        else
            hi = mid;
    }
    const seckit_input_anchor *a = &in->anchors[lo];
    p = a->pos;
    if (a->linear) {
        size_t d = text_offset - a->text_offset;
        p.column += (unsigned long)d;
        p.offset += d;
    }
    return p;
}

/* ---- owners ---- */

static char *owner_fmt(char *buf, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static char *owner_fmt(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return buf;
}

#define OWNER_MAX 512

static const char *str_or(const skt_in_node *obj, const char *key, const char *dflt)
{
    const char *s = skt_in_get_str(obj, key);
    return s != NULL ? s : dflt;
}

static int shape_error(const skt_in_node *n, const char *what, seckit_error *err)
{
    return seckit_error_set_at(err, SECKIT_EFORMAT, n->pos, "line %lu column %lu: %s", n->pos.line,
                               n->pos.column, what);
}

/* ---- AWS CLI outputs ---- */

static int extract_policy_version(skt_in_list *l, const skt_in_node *root, seckit_error *err)
{
    const skt_in_node *pv = skt_in_get(root, "PolicyVersion");
    if (pv == NULL || pv->kind != SKT_IN_OBJECT)
        return shape_error(root, "PolicyVersion is not an object", err);
    const skt_in_node *doc = skt_in_get(pv, "Document");
    if (doc == NULL)
        return shape_error(pv, "PolicyVersion has no Document", err);
    char owner[OWNER_MAX];
    owner_fmt(owner, sizeof(owner), "policy version %s", str_or(pv, "VersionId", "?"));
    return skt_in_add_document(l, doc, SECKIT_POLICY_IDENTITY, SECKIT_RESOURCE_NONE, owner, err);
}

/* aws iam get-role, get-role-policy, get-user-policy, get-group-policy. */
static int extract_get_entity(skt_in_list *l, const skt_in_node *root, seckit_error *err)
{
    char owner[OWNER_MAX];
    const skt_in_node *role = skt_in_get(root, "Role");
    if (role != NULL && role->kind == SKT_IN_OBJECT) {
        const skt_in_node *doc = skt_in_get(role, "AssumeRolePolicyDocument");
        if (doc == NULL)
            return 0;
        owner_fmt(owner, sizeof(owner), "role/%s (trust policy)", str_or(role, "RoleName", "?"));
        return skt_in_add_document(l, doc, SECKIT_POLICY_TRUST, SECKIT_RESOURCE_IAM_ROLE_TRUST,
                                   owner, err);
    }
    const skt_in_node *doc = skt_in_get(root, "PolicyDocument");
    static const char *const kinds[][2] = {{"RoleName", "role"},
                                           {"UserName", "user"},
                                           {"GroupName", "group"}};
    const char *kind = "?", *name = "?";
    for (size_t i = 0; i < SKT_ARRAY_LEN(kinds); i++) {
        const char *s = skt_in_get_str(root, kinds[i][0]);
        if (s != NULL) {
            kind = kinds[i][1];
            name = s;
            break;
        }
    }
    owner_fmt(owner, sizeof(owner), "%s/%s (inline policy %s)", kind, name,
              str_or(root, "PolicyName", "?"));
    if (doc == NULL)
        return shape_error(root, "no PolicyDocument", err);
    return skt_in_add_document(l, doc, SECKIT_POLICY_IDENTITY, SECKIT_RESOURCE_NONE, owner, err);
}

static int auth_inline(skt_in_list *l, const skt_in_node *entity, const char *list_key,
                       const char *kind, const char *name, seckit_error *err)
{
    const skt_in_node *list = skt_in_get(entity, list_key);
    if (list == NULL || list->kind == SKT_IN_NULL)
        return 0;
    if (list->kind != SKT_IN_ARRAY)
        return shape_error(list, "inline policy list is not an array", err);
    for (size_t i = 0; i < list->n; i++) {
        const skt_in_node *p = list->kids[i];
        const skt_in_node *doc = skt_in_get(p, "PolicyDocument");
        if (doc == NULL)
            return shape_error(p, "inline policy without PolicyDocument", err);
        char owner[OWNER_MAX];
        owner_fmt(owner, sizeof(owner), "%s/%s (inline policy %s)", kind, name,
                  str_or(p, "PolicyName", "?"));
        SKT_GUARD(
            skt_in_add_document(l, doc, SECKIT_POLICY_IDENTITY, SECKIT_RESOURCE_NONE, owner, err));
    }
    return 0;
}

static const skt_in_node *auth_list(const skt_in_node *root, const char *key)
{
    const skt_in_node *v = skt_in_get(root, key);
    return v != NULL && v->kind == SKT_IN_ARRAY ? v : NULL;
}

static int extract_auth_details(skt_in_list *l, const skt_in_node *root, seckit_error *err)
{
    static const struct {
        const char *list, *name, *inline_list, *kind;
    } ents[] = {
        {"UserDetailList", "UserName", "UserPolicyList", "user"},
        {"GroupDetailList", "GroupName", "GroupPolicyList", "group"},
        {"RoleDetailList", "RoleName", "RolePolicyList", "role"},
    };
    for (size_t e = 0; e < SKT_ARRAY_LEN(ents); e++) {
        const skt_in_node *list = auth_list(root, ents[e].list);
        for (size_t i = 0; list != NULL && i < list->n; i++) {
            const skt_in_node *ent = list->kids[i];
            const char *name = str_or(ent, ents[e].name, "?");
            if (ent->kind != SKT_IN_OBJECT)
                return shape_error(ent, "entry is not an object", err);
            const skt_in_node *trust = skt_in_get(ent, "AssumeRolePolicyDocument");
            if (trust != NULL) {
                char owner[OWNER_MAX];
                owner_fmt(owner, sizeof(owner), "%s/%s (trust policy)", ents[e].kind, name);
                SKT_GUARD(skt_in_add_document(l, trust, SECKIT_POLICY_TRUST,
                                              SECKIT_RESOURCE_IAM_ROLE_TRUST, owner, err));
            }
            SKT_GUARD(auth_inline(l, ent, ents[e].inline_list, ents[e].kind, name, err));
        }
    }
    const skt_in_node *pols = auth_list(root, "Policies");
    for (size_t i = 0; pols != NULL && i < pols->n; i++) {
        const skt_in_node *p = pols->kids[i];
        const skt_in_node *versions = skt_in_get(p, "PolicyVersionList");
        if (versions == NULL || versions->kind != SKT_IN_ARRAY)
            continue;
        const char *dflt = skt_in_get_str(p, "DefaultVersionId");
        const skt_in_node *chosen = NULL;
        for (size_t v = 0; v < versions->n && chosen == NULL; v++) {
            const skt_in_node *ver = versions->kids[v];
            const skt_in_node *isdef = skt_in_get(ver, "IsDefaultVersion");
            const char *vid = skt_in_get_str(ver, "VersionId");
            if ((isdef != NULL && isdef->kind == SKT_IN_TRUE) ||
                (dflt != NULL && vid != NULL && strcmp(dflt, vid) == 0))
                chosen = ver;
        }
        if (chosen == NULL)
            continue;
        const skt_in_node *doc = skt_in_get(chosen, "Document");
        if (doc == NULL)
            return shape_error(chosen, "policy version without Document", err);
        char owner[OWNER_MAX];
        const char *path = str_or(p, "Path", "/");
        owner_fmt(owner, sizeof(owner), "policy%s%s (managed policy, version %s)",
                  path[0] == '/' ? path : "/", str_or(p, "PolicyName", "?"),
                  str_or(chosen, "VersionId", "?"));
        SKT_GUARD(
            skt_in_add_document(l, doc, SECKIT_POLICY_IDENTITY, SECKIT_RESOURCE_NONE, owner, err));
    }
    return 0;
}

/* ---- Terraform (terraform show -json: plan or state) ---- */

typedef struct tf_attr {
    const char *type;
    const char *attr;
    seckit_policy_type ptype;
    seckit_policy_resource_type resource_type;
    const char *what;
} tf_attr;

static const tf_attr tf_attrs[] = {
    {"aws_iam_policy", "policy", SECKIT_POLICY_IDENTITY, SECKIT_RESOURCE_NONE, "policy"},
    {"aws_iam_role", "assume_role_policy", SECKIT_POLICY_TRUST, SECKIT_RESOURCE_IAM_ROLE_TRUST,
     "trust policy"},
    {"aws_iam_role_policy", "policy", SECKIT_POLICY_IDENTITY, SECKIT_RESOURCE_NONE,
     "inline policy"},
    {"aws_iam_user_policy", "policy", SECKIT_POLICY_IDENTITY, SECKIT_RESOURCE_NONE,
     "inline policy"},
    {"aws_iam_group_policy", "policy", SECKIT_POLICY_IDENTITY, SECKIT_RESOURCE_NONE,
     "inline policy"},
    {"aws_s3_bucket_policy", "policy", SECKIT_POLICY_RESOURCE, SECKIT_RESOURCE_S3_BUCKET,
     "bucket policy"},
    {"aws_s3_bucket", "policy", SECKIT_POLICY_RESOURCE, SECKIT_RESOURCE_S3_BUCKET, "bucket policy"},
    {"aws_s3_access_point", "policy", SECKIT_POLICY_RESOURCE, SECKIT_RESOURCE_S3_ACCESS_POINT,
     "access point policy"},
    {"aws_sqs_queue_policy", "policy", SECKIT_POLICY_RESOURCE, SECKIT_RESOURCE_SQS_QUEUE,
     "queue policy"},
    {"aws_sqs_queue", "policy", SECKIT_POLICY_RESOURCE, SECKIT_RESOURCE_SQS_QUEUE, "queue policy"},
    {"aws_sns_topic_policy", "policy", SECKIT_POLICY_RESOURCE, SECKIT_RESOURCE_SNS_TOPIC,
     "topic policy"},
    {"aws_sns_topic", "policy", SECKIT_POLICY_RESOURCE, SECKIT_RESOURCE_SNS_TOPIC, "topic policy"},
    {"aws_kms_key", "policy", SECKIT_POLICY_RESOURCE, SECKIT_RESOURCE_KMS_KEY, "key policy"},
    {"aws_secretsmanager_secret_policy", "policy", SECKIT_POLICY_RESOURCE,
     SECKIT_RESOURCE_SECRETS_MANAGER_SECRET, "secret resource policy"},
    {"aws_ecr_repository_policy", "policy", SECKIT_POLICY_RESOURCE, SECKIT_RESOURCE_ECR_REPOSITORY,
     "repository policy"},
};

static int tf_resource(skt_in_list *l, const skt_in_node *res, seckit_error *err)
{
    const char *type = skt_in_get_str(res, "type");
    const skt_in_node *values = skt_in_get(res, "values");
    const char *mode = skt_in_get_str(res, "mode");
    if (type == NULL || values == NULL || values->kind != SKT_IN_OBJECT ||
        (mode != NULL && strcmp(mode, "managed") != 0))
        return 0;
    const char *address = str_or(res, "address", type);
    char owner[OWNER_MAX];
    size_t first = l->n;
    for (size_t i = 0; i < SKT_ARRAY_LEN(tf_attrs); i++) {
        if (strcmp(tf_attrs[i].type, type) != 0)
            continue;
        /* Unknown until apply (null) or unset (""): nothing to lint. */
        const skt_in_node *v = skt_in_get(values, tf_attrs[i].attr);
        if (v == NULL || v->kind != SKT_IN_STRING || v->len == 0)
            continue;
        owner_fmt(owner, sizeof(owner), "%s (%s)", address, tf_attrs[i].what);
        SKT_GUARD(
            skt_in_add_string(l, v, tf_attrs[i].ptype, tf_attrs[i].resource_type, owner, err));
    }
    if (strcmp(type, "aws_iam_role") == 0) {
        const skt_in_node *inl = skt_in_get(values, "inline_policy");
        for (size_t i = 0; inl != NULL && inl->kind == SKT_IN_ARRAY && i < inl->n; i++) {
            const skt_in_node *v = skt_in_get(inl->kids[i], "policy");
            if (v == NULL || v->kind != SKT_IN_STRING || v->len == 0)
                continue;
            owner_fmt(owner, sizeof(owner), "%s (inline policy %s)", address,
                      str_or(inl->kids[i], "name", "?"));
            SKT_GUARD(
                skt_in_add_string(l, v, SECKIT_POLICY_IDENTITY, SECKIT_RESOURCE_NONE, owner, err));
        }
    }
    return skt_in_set_scope(l, first, address, NULL, err);
}

static int tf_module(skt_in_list *l, const skt_in_node *mod, unsigned depth, seckit_error *err)
{
    if (mod == NULL || mod->kind != SKT_IN_OBJECT)
        return 0;
    if (depth > SKT_IN_MAX_DEPTH)
        return shape_error(mod, "Terraform modules nested too deeply", err);
    const skt_in_node *res = skt_in_get(mod, "resources");
    for (size_t i = 0; res != NULL && res->kind == SKT_IN_ARRAY && i < res->n; i++)
        SKT_GUARD(tf_resource(l, res->kids[i], err));
    const skt_in_node *kids = skt_in_get(mod, "child_modules");
    for (size_t i = 0; kids != NULL && kids->kind == SKT_IN_ARRAY && i < kids->n; i++)
        SKT_GUARD(tf_module(l, kids->kids[i], depth + 1, err));
    return 0;
}

static int extract_terraform(skt_in_list *l, const skt_in_node *root, seckit_error *err)
{
    const skt_in_node *vals = skt_in_get(root, "planned_values");
    if (vals == NULL)
        vals = skt_in_get(root, "values"); /* terraform show -json of a state */
    return tf_module(l, skt_in_get(vals, "root_module"), 0, err);
}

/* ---- detection ---- */

static int has(const skt_in_node *root, const char *key)
{
    return skt_in_get(root, key) != NULL;
}

static seckit_input_format detect(const skt_in_node *root)
{
    if (root == NULL || root->kind != SKT_IN_OBJECT)
        return SECKIT_INPUT_POLICY;
    if (has(root, "Statement"))
        return SECKIT_INPUT_POLICY;
    const skt_in_node *pv = skt_in_get(root, "PolicyVersion");
    if (pv != NULL && pv->kind == SKT_IN_OBJECT)
        return SECKIT_INPUT_POLICY_VERSION;
    if (has(root, "UserDetailList") || has(root, "GroupDetailList") || has(root, "RoleDetailList"))
        return SECKIT_INPUT_AUTH_DETAILS;
    const skt_in_node *pols = skt_in_get(root, "Policies");
    if (pols != NULL && pols->kind == SKT_IN_ARRAY && pols->n > 0 &&
        has(pols->kids[0], "PolicyVersionList"))
        return SECKIT_INPUT_AUTH_DETAILS;
    const skt_in_node *role = skt_in_get(root, "Role");
    if (role != NULL && role->kind == SKT_IN_OBJECT && has(role, "AssumeRolePolicyDocument"))
        return SECKIT_INPUT_GET_ENTITY;
    if (has(root, "PolicyDocument") &&
        (has(root, "RoleName") || has(root, "UserName") || has(root, "GroupName")))
        return SECKIT_INPUT_GET_ENTITY;
    if (skt_in_is_cfn(root))
        return SECKIT_INPUT_CLOUDFORMATION;
    if (has(root, "planned_values") ||
        (has(root, "format_version") && (has(root, "terraform_version") || has(root, "values"))))
        return SECKIT_INPUT_TERRAFORM;
    return SECKIT_INPUT_POLICY;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (m > n)
        return 0;
    for (size_t i = 0; i < m; i++) {
        char a = s[n - m + i], b = suffix[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

/* JSON unless the name says YAML, or the first significant byte is not
 * '{' or '[' (a CloudFormation template in YAML named *.template). */
static int is_yaml(const char *data, size_t len, const char *name)
{
    if (name != NULL && (ends_with(name, ".yaml") || ends_with(name, ".yml")))
        return 1;
    if (name != NULL && ends_with(name, ".json"))
        return 0;
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    for (; i < len; i++) {
        char c = data[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        return c != '{' && c != '[';
    }
    return 0;
}

/* Container nesting of v (v itself counts when it is an array/object). */
static unsigned json_depth(const seckit_json *v)
{
    unsigned d = 0;
    for (const seckit_json *c = v->child; c != NULL; c = c->next) {
        unsigned k = json_depth(c);
        if (k > d)
            d = k;
    }
    return d + (v->kind == SECKIT_JSON_ARRAY || v->kind == SECKIT_JSON_OBJECT);
}

/* The policies found in a JSON file are linted from the file's tree
 * (seckit_policy_input_lint) where that gives what linting their text
 * gives: the text would parse with seckit_json_parse's default limits
 * (8 MiB, 64 levels) and holds no invalid UTF-8.  Each such subtree is
 * made a root of its own, as if parsed alone (no key, no parent: finding
 * paths start at the policy). */
static void keep_trees(skt_in_list *l, const skt_in_doc *doc)
{
    for (size_t i = 0; i < l->n; i++) {
        seckit_policy_input *in = &l->items[i];
        seckit_json *t = (seckit_json *)(uintptr_t)in->tree; /* ours: doc->jdoc */
        if (t == NULL || !in->exact)
            continue; /* (written policies' trees are checked as built) */
        if (doc->jinfo.bad_utf8 || in->text_len > SKT_IN_LINT_MAX_TEXT ||
            (doc->jinfo.deepest > SKT_IN_LINT_MAX_DEPTH && json_depth(t) > SKT_IN_LINT_MAX_DEPTH)) {
            in->tree = NULL;
            continue;
        }
        t->parent = NULL;
        t->next = NULL;
        t->key = NULL;
        t->key_len = 0;
        memset(&t->key_span, 0, sizeof(t->key_span));
        t->index = 0;
        t->duplicate_key = 0;
    }
}

/* The input's format: the caller's, else what the document looks like (a
 * malformed text is a policy).  Builds the node tree where the format's
 * extraction needs it (JSON is parsed without one). */
static int choose_format(skt_in_doc *doc, const seckit_json *jroot, seckit_input_format want,
                         int yaml, int bare_malformed, seckit_input_format *fmt, seckit_error *err)
{
    int rc = 0;
    *fmt = SECKIT_INPUT_POLICY;
    if (bare_malformed) {
        *fmt = SECKIT_INPUT_POLICY;
    } else if (want != SECKIT_INPUT_AUTO) {
        *fmt = want;
    } else if (jroot != NULL &&
               (jroot->kind != SECKIT_JSON_OBJECT || seckit_json_get(jroot, "Statement") != NULL)) {
        *fmt = SECKIT_INPUT_POLICY; /* what detect() says, without the node tree */
    } else if (yaml) {
        *fmt = detect(doc->root);
    } else {
        rc = skt_in_json_tree(doc, 0, err);
        if (rc == 0)
            *fmt = detect(doc->root);
    }
    if (rc == 0 && *fmt != SECKIT_INPUT_POLICY && !yaml)
        rc = skt_in_json_tree(doc, *fmt == SECKIT_INPUT_CLOUDFORMATION, err);
    return rc;
}

/* The parsed and built JSON trees the inputs point at move to out (which
 * frees them); without the memory for that, the inputs drop their trees and
 * are linted from their text. */
static void hand_over_trees(skt_in_list *l, skt_in_doc *doc, seckit_policy_inputs *out)
{
    int parsed = 0, built = 0;
    for (size_t i = 0; i < l->n; i++) {
        parsed |= l->items[i].tree != NULL && l->items[i].exact;
        built |= l->items[i].tree != NULL && !l->items[i].exact;
    }
    if (!parsed && !built)
        return;
    inputs_owned *own = calloc(1, sizeof(*own));
    if (own == NULL) {
        for (size_t i = 0; i < l->n; i++)
            l->items[i].tree = NULL; /* lint the text */
        return;
    }
    if (parsed) {
        own->parsed = doc->jdoc;
        doc->jdoc = NULL;
    }
    if (built) {
        own->built = l->built;
        l->built = NULL;
    }
    out->internal_ = own;
}

int seckit_policy_inputs_extract(seckit_policy_inputs **out, const char *data, size_t len,
                                 const seckit_policy_inputs_options *opts, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    SKT_ENSURE_ARG(data != NULL || len == 0, err);
    *out = NULL;
    SKT_GUARD(skt_options_check(opts, SECKIT_POLICY_INPUTS_OPTIONS_VERSION,
                                "seckit_policy_inputs_options", err));
    seckit_input_format want = opts != NULL ? opts->format : SECKIT_INPUT_AUTO;
    const char *name = opts != NULL ? opts->name : NULL;
    unsigned flags = opts != NULL ? opts->flags : 0;
    skt_in_doc doc;
    skt_in_doc_init(&doc, SKT_IN_MAX_NODES + len / SKT_IN_NODES_PER_BYTE);
    const skt_in_pos file_start = {1, 0, 0};
    skt_in_list l = {NULL, 0, 0, data != NULL ? data : "", len, NULL, 0};
    int yaml = is_yaml(data != NULL ? data : "", len, name);
    int rc;

    int bare_malformed = 0;
    if (yaml) {
        rc = skt_in_yaml_parse(l.data, len, &doc, err);
        /* Text that YAML reads as a lone scalar or list was meant as JSON
         * (no policy or template is one): lint it as a malformed policy. */
        if (rc == 0 && doc.root->kind != SKT_IN_OBJECT && !(flags & SECKIT_INPUTS_STRICT) &&
            (want == SECKIT_INPUT_AUTO || want == SECKIT_INPUT_POLICY)) {
            doc.root = NULL;
            yaml = 0;
            bare_malformed = 1;
        }
    } else {
        rc = skt_in_json_parse(l.data, len, &doc, err);
        /* Malformed JSON that may be a policy: hand it on whole, so that
         * the linter reports JSON_SYNTAX_ERROR where parsing stopped. */
        if (rc != 0 && rc != SECKIT_ENOMEM && !(flags & SECKIT_INPUTS_STRICT) &&
            (want == SECKIT_INPUT_AUTO || want == SECKIT_INPUT_POLICY)) {
            seckit_error_clear(err);
            rc = 0;
            bare_malformed = 1;
        }
    }
    if (rc != 0) {
        skt_in_doc_free(&doc);
        return rc;
    }

    seckit_input_format fmt;
    const seckit_json *jroot = seckit_json_root(doc.jdoc);
    rc = choose_format(&doc, jroot, want, yaml, bare_malformed, &fmt, err);
    l.bad_utf8 = doc.jinfo.bad_utf8;
    if (rc == 0) {
        switch (fmt) {
        case SECKIT_INPUT_POLICY:
            if (yaml)
                rc = skt_in_add_tree(&l, doc.root, SECKIT_POLICY_IDENTITY, SECKIT_RESOURCE_NONE, "",
                                     err);
            else
                rc = skt_in_add_slice(&l, &file_start, len, SECKIT_POLICY_IDENTITY,
                                      SECKIT_RESOURCE_NONE, "", err);
            if (rc == 0) {
                l.items[l.n - 1].type_known = 0; /* only the user knows */
                if (!yaml && !bare_malformed)
                    l.items[l.n - 1].tree = jroot;
            }
            break;
        case SECKIT_INPUT_POLICY_VERSION: rc = extract_policy_version(&l, doc.root, err); break;
        case SECKIT_INPUT_GET_ENTITY: rc = extract_get_entity(&l, doc.root, err); break;
        case SECKIT_INPUT_AUTH_DETAILS: rc = extract_auth_details(&l, doc.root, err); break;
        case SECKIT_INPUT_CLOUDFORMATION: rc = skt_in_cfn_extract(&l, &doc, err); break;
        case SECKIT_INPUT_TERRAFORM: rc = extract_terraform(&l, doc.root, err); break;
        default: rc = seckit_error_set(err, SECKIT_EINVAL, "unknown input format %d", (int)fmt);
        }
    }
    if (rc == 0) {
        *out = calloc(1, sizeof(**out));
        if (*out == NULL)
            rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    if (rc != 0) {
        for (size_t i = 0; i < l.n; i++)
            input_clear(&l.items[i]);
        free(l.items);
        seckit_json_free(l.built);
        skt_in_doc_free(&doc);
        return rc;
    }
    keep_trees(&l, &doc);
    hand_over_trees(&l, &doc, *out);
    seckit_json_free(l.built);
    skt_in_doc_free(&doc);
    (*out)->format = fmt;
    (*out)->items = l.items;
    (*out)->count = l.n;
    return 0;
}

int seckit_policy_inputs_options_init(seckit_policy_inputs_options *opts, unsigned int version,
                                      seckit_error *err)
{
    static const seckit_policy_inputs_options init = SECKIT_POLICY_INPUTS_OPTIONS_INIT;
    SKT_GUARD(skt_options_init_check(opts, version, SECKIT_POLICY_INPUTS_OPTIONS_VERSION,
                                     "seckit_policy_inputs_options", err));
    *opts = init;
    return 0;
}
