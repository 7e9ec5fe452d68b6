/* The document tree of policy/inputs: nodes live in the document's arena
 * (no per-node malloc or free), and a JSON input file becomes such a tree
 * by walking the seckit_json tree json.c read it into (the file is parsed
 * once; the nodes keep a pointer back to the seckit_json node they came
 * from, so a policy found in the file is linted from that tree). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/inputs_internal.h"
#include "policy/internal.h"
#include "policy/json_internal.h"
#include "src/base/guard.h"

/* ---- the document ---- */

void skt_in_doc_init(skt_in_doc *doc, size_t limit)
{
    memset(doc, 0, sizeof(*doc));
    doc->limit = limit;
    skt_arena_init(&doc->arena);
}

void skt_in_doc_free(skt_in_doc *doc)
{
    skt_arena_free(&doc->arena);
    seckit_json_free(doc->jdoc);
    doc->jdoc = NULL;
    doc->root = NULL;
}

/* ---- tree helpers ---- */

static int oom(seckit_error *err)
{
    return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
}

skt_in_node *skt_in_node_new(skt_in_doc *doc, skt_in_kind kind, const skt_in_pos *pos,
                             seckit_error *err)
{
    size_t limit = doc->limit ? doc->limit : SKT_IN_MAX_NODES;
    if (doc->nodes >= limit) {
        seckit_error_set(err, SECKIT_ELIMIT, "document has more than %zu values", limit);
        return NULL;
    }
    skt_in_node *n = skt_arena_alloc(&doc->arena, sizeof(*n));
    if (n == NULL) {
        oom(err);
        return NULL;
    }
    doc->nodes++;
    n->kind = kind;
    n->doc = doc;
    if (pos != NULL) {
        n->pos = *pos;
        n->end = pos->offset;
    }
    return n;
}

int skt_in_node_add(skt_in_node *parent, skt_in_node *kid, seckit_error *err)
{
    if (parent->n == parent->cap) {
        /* The old array stays in the arena until the document goes. */
        size_t cap = parent->cap ? parent->cap * 2 : 4;
        skt_in_node **k = skt_arena_alloc(&parent->doc->arena, cap * sizeof(*k));
        if (k == NULL)
            return oom(err);
        if (parent->n > 0)
            memcpy(k, parent->kids, parent->n * sizeof(*k));
        parent->kids = k;
        parent->cap = cap;
    }
    parent->kids[parent->n++] = kid;
    return 0;
}

int skt_in_node_set_str(skt_in_node *n, const char *s, size_t len, seckit_error *err)
{
    char *c = skt_arena_strndup(&n->doc->arena, len > 0 ? s : "", len);
    if (c == NULL)
        return oom(err);
    n->str = c;
    n->len = len;
    return 0;
}

skt_in_node *skt_in_get(const skt_in_node *obj, const char *key)
{
    if (obj == NULL || obj->kind != SKT_IN_OBJECT)
        return NULL;
    for (size_t i = 0; i + 1 < obj->n; i += 2)
        if (obj->kids[i]->kind == SKT_IN_STRING && strcmp(obj->kids[i]->str, key) == 0)
            return obj->kids[i + 1];
    return NULL;
}

const char *skt_in_get_str(const skt_in_node *obj, const char *key)
{
    const skt_in_node *v = skt_in_get(obj, key);
    return v != NULL && v->kind == SKT_IN_STRING ? v->str : NULL;
}

skt_in_node *skt_in_copy(skt_in_doc *doc, const skt_in_node *n, seckit_error *err)
{
    skt_in_node *c = skt_in_node_new(doc, n->kind, &n->pos, err);
    if (c == NULL)
        return NULL;
    c->end = n->end;
    c->raw_escaped = n->raw_escaped;
    c->block = n->block;
    c->unquoted = n->unquoted;
    c->synthetic = n->synthetic;
    c->tag = n->tag; /* strings of the same arena (or static) */
    if (n->str != NULL && skt_in_node_set_str(c, n->str, n->len, err) != 0)
        return NULL;
    if (n->n > 0) {
        c->kids = skt_arena_alloc(&doc->arena, n->n * sizeof(*c->kids));
        if (c->kids == NULL) {
            oom(err);
            return NULL;
        }
        c->cap = n->n;
    }
    for (size_t i = 0; i < n->n; i++) {
        skt_in_node *k = skt_in_copy(doc, n->kids[i], err);
        if (k == NULL)
            return NULL;
        c->kids[c->n++] = k;
    }
    return c;
}

/* ---- a JSON file's tree ---- */

static skt_in_pos in_pos(const seckit_position *p)
{
    skt_in_pos q = {p->line, p->column, p->offset};
    return q;
}

/* A key or string token: escaped when the file spells it longer than its
 * decoded text plus the quotes (every JSON escape is). */
static int spelled_escaped(const seckit_span *sp, size_t len)
{
    return sp->end.offset - sp->start.offset != len + 2;
}

static const skt_in_kind kinds[] = {
    [SECKIT_JSON_NULL] = SKT_IN_NULL,     [SECKIT_JSON_FALSE] = SKT_IN_FALSE,
    [SECKIT_JSON_TRUE] = SKT_IN_TRUE,     [SECKIT_JSON_NUMBER] = SKT_IN_NUMBER,
    [SECKIT_JSON_STRING] = SKT_IN_STRING, [SECKIT_JSON_ARRAY] = SKT_IN_ARRAY,
    [SECKIT_JSON_OBJECT] = SKT_IN_OBJECT,
};

/* Members whose object value is a policy document: outside CloudFormation
 * (whose intrinsic functions may sit anywhere) nothing looks inside them,
 * so a pruned view leaves their members out. */
static int document_key(const seckit_json *m)
{
    return m->kind == SECKIT_JSON_OBJECT && m->key != NULL &&
           (strcmp(m->key, "PolicyDocument") == 0 || strcmp(m->key, "Document") == 0 ||
            strcmp(m->key, "AssumeRolePolicyDocument") == 0);
}

static skt_in_node *from_json(skt_in_doc *doc, seckit_json *j, int prune, seckit_error *err)
{
    skt_in_pos p = in_pos(&j->span.start);
    skt_in_node *n = skt_in_node_new(doc, kinds[j->kind], &p, err);
    if (n == NULL)
        return NULL;
    n->json = j;
    n->end = j->span.end.offset;
    n->str = j->str; /* json.c's arena: lives as long as doc->jdoc */
    n->len = j->len;
    if (j->kind == SECKIT_JSON_STRING)
        n->raw_escaped = spelled_escaped(&j->span, j->len);
    if (j->kind != SECKIT_JSON_ARRAY && j->kind != SECKIT_JSON_OBJECT)
        return n;
    if (prune && document_key(j))
        return n;
    size_t count = j->kind == SECKIT_JSON_OBJECT ? 2 * j->count : j->count;
    if (count > 0) {
        n->kids = skt_arena_alloc(&doc->arena, count * sizeof(*n->kids));
        if (n->kids == NULL) {
            oom(err);
            return NULL;
        }
        n->cap = count;
    }
    for (seckit_json *c = j->child; c != NULL; c = c->next) {
        if (j->kind == SECKIT_JSON_OBJECT) {
            skt_in_pos kp = in_pos(&c->key_span.start);
            skt_in_node *k = skt_in_node_new(doc, SKT_IN_STRING, &kp, err);
            if (k == NULL)
                return NULL;
            k->end = c->key_span.end.offset;
            k->str = c->key;
            k->len = c->key_len;
            k->raw_escaped = spelled_escaped(&c->key_span, c->key_len);
            n->kids[n->n++] = k;
        }
        skt_in_node *v = from_json(doc, c, prune, err);
        if (v == NULL)
            return NULL;
        n->kids[n->n++] = v;
    }
    return n;
}

int skt_in_json_parse(const char *data, size_t len, skt_in_doc *doc, seckit_error *err)
{
    doc->root = NULL;
    skt_json_file_limits lim = {SKT_IN_MAX_DEPTH, doc->limit ? doc->limit : SKT_IN_MAX_NODES};
    return skt_json_parse_file(data, len, &lim, &doc->jdoc, &doc->jinfo, err);
}

int skt_in_json_tree(skt_in_doc *doc, int full, seckit_error *err)
{
    if (doc->root != NULL && (doc->view_full || !full))
        return 0;
    /* json.c counted the nodes against the same limit; count them again
     * here so later nodes (CloudFormation's) are counted on top. */
    doc->nodes = 0;
    doc->root = from_json(doc, skt_json_root_mut(doc->jdoc), !full, err);
    doc->view_full = full;
    return doc->root != NULL ? 0 : (err != NULL && err->code != 0 ? err->code : SECKIT_ENOMEM);
}
