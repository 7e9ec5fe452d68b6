/* The document tree of policy/inputs and its JSON reader: strict RFC 8259
 * JSON, with the file position of every value and key kept on the nodes.
 * The reader keeps a cursor and the remaining length and never looks past
 * the end; depth and node counts are limited before anything is allocated. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/inputs_internal.h"
#include "policy/internal.h"
#include "src/base/guard.h"

/* ---- tree helpers ---- */

skt_in_node *skt_in_node_new(skt_in_doc *doc, skt_in_kind kind, const skt_in_pos *pos,
                             seckit_error *err)
{
    size_t limit = doc->limit ? doc->limit : SKT_IN_MAX_NODES;
    if (doc->nodes >= limit) {
        seckit_error_set(err, SECKIT_ELIMIT, "document has more than %zu values", limit);
        return NULL;
    }
    skt_in_node *n = calloc(1, sizeof(*n));
    if (n == NULL) {
        seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        return NULL;
    }
    doc->nodes++;
    n->kind = kind;
    if (pos != NULL) {
        n->pos = *pos;
        n->end = pos->offset;
    }
    return n;
}

int skt_in_node_add(skt_in_node *parent, skt_in_node *kid, seckit_error *err)
{
    if (parent->n == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : 4;
        skt_in_node **k = realloc(parent->kids, cap * sizeof(*k));
        if (k == NULL)
            return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        parent->kids = k;
        parent->cap = cap;
    }
    parent->kids[parent->n++] = kid;
    return 0;
}

int skt_in_node_set_str(skt_in_node *n, const char *s, size_t len, seckit_error *err)
{
    char *c = malloc(len + 1);
    if (c == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    if (len > 0)
        memcpy(c, s, len);
    c[len] = '\0';
    free(n->str);
    n->str = c;
    n->len = len;
    return 0;
}

void skt_in_node_free(skt_in_node *n)
{
    if (n == NULL)
        return;
    for (size_t i = 0; i < n->n; i++)
        skt_in_node_free(n->kids[i]);
    free(n->kids);
    free(n->str);
    free(n->tag);
    free(n);
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
    if ((n->str != NULL && skt_in_node_set_str(c, n->str, n->len, err) != 0) ||
        (n->tag != NULL && (c->tag = strdup(n->tag)) == NULL)) {
        if (n->tag != NULL && c->tag == NULL)
            seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        skt_in_node_free(c);
        return NULL;
    }
    for (size_t i = 0; i < n->n; i++) {
        skt_in_node *k = skt_in_copy(doc, n->kids[i], err);
        if (k == NULL || skt_in_node_add(c, k, err) != 0) {
            skt_in_node_free(k);
            skt_in_node_free(c);
            return NULL;
        }
    }
    return c;
}

/* ---- the JSON reader ---- */

typedef struct jr {
    const char *data;
    size_t len;
    size_t pos;
    unsigned long line;
    size_t line_start; /* offset of the current line's first byte */
    skt_in_doc *doc;
    seckit_error *err;
} jr;

static skt_in_pos jr_pos(const jr *r)
{
    skt_in_pos p = {r->line, (unsigned long)(r->pos - r->line_start), r->pos};
    return p;
}

static int jr_fail(const jr *r, int code, const char *what)
{
    skt_in_pos p = jr_pos(r);
    return seckit_error_set_at(r->err, code, p.line, p.column, p.offset,
                               "invalid JSON at line %lu column %lu: %s", p.line, p.column,
                               what);
}

static int jr_peek(const jr *r)
{
    return r->pos < r->len ? (unsigned char)r->data[r->pos] : -1;
}

static void jr_ws(jr *r)
{
    while (r->pos < r->len) {
        char c = r->data[r->pos];
        if (c == '\n') {
            r->pos++;
            r->line++;
            r->line_start = r->pos;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            r->pos++;
        } else {
            break;
        }
    }
}

static int jr_literal(jr *r, const char *word)
{
    size_t n = strlen(word);
    if (r->len - r->pos < n || memcmp(r->data + r->pos, word, n) != 0)
        return jr_fail(r, SECKIT_EFORMAT, "unexpected character (expected a value)");
    r->pos += n;
    return 0;
}

static int hex4(const char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* A string token at r->pos (the opening quote).  The decoded text is never
 * longer than the token, so the buffer is sized from the token first. */
static int jr_string(jr *r, skt_in_node *n)
{
    size_t start = r->pos++;
    size_t end = start + 1;
    int escaped = 0;
    while (end < r->len && r->data[end] != '"') {
        if (r->data[end] == '\\') {
            escaped = 1;
            end++;
        }
        end++;
    }
    if (end >= r->len) {
        r->pos = start;
        return jr_fail(r, SECKIT_EFORMAT, "unterminated string");
    }
    char *out = malloc(end - start + 1);
    if (out == NULL)
        return seckit_error_set(r->err, SECKIT_ENOMEM, "out of memory");
    size_t o = 0;
    while (r->pos < end) {
        unsigned char c = (unsigned char)r->data[r->pos];
        if (c < 0x20) {
            free(out);
            return jr_fail(r, SECKIT_EFORMAT, "control character in string");
        }
        if (c != '\\') {
            out[o++] = (char)c;
            r->pos++;
            continue;
        }
        /* end > r->pos + 1 here: the scan above skipped the escaped byte. */
        char e = r->data[r->pos + 1];
        uint32_t cp;
        switch (e) {
        case '"': out[o++] = '"'; r->pos += 2; continue;
        case '\\': out[o++] = '\\'; r->pos += 2; continue;
        case '/': out[o++] = '/'; r->pos += 2; continue;
        case 'b': out[o++] = '\b'; r->pos += 2; continue;
        case 'f': out[o++] = '\f'; r->pos += 2; continue;
        case 'n': out[o++] = '\n'; r->pos += 2; continue;
        case 'r': out[o++] = '\r'; r->pos += 2; continue;
        case 't': out[o++] = '\t'; r->pos += 2; continue;
        case 'u': break;
        default:
            free(out);
            return jr_fail(r, SECKIT_EFORMAT, "invalid escape in string");
        }
        if (end - r->pos < 6 || hex4(r->data + r->pos + 2, &cp) != 0) {
            free(out);
            return jr_fail(r, SECKIT_EFORMAT, "invalid \\u escape in string");
        }
        size_t adv = 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo;
            if (end - r->pos < 12 || r->data[r->pos + 6] != '\\' || r->data[r->pos + 7] != 'u' ||
                hex4(r->data + r->pos + 8, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF) {
                free(out);
                return jr_fail(r, SECKIT_EFORMAT, "unpaired surrogate in \\u escape");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            adv = 12;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            free(out);
            return jr_fail(r, SECKIT_EFORMAT, "unpaired surrogate in \\u escape");
        }
        /* The escape is 6 or 12 bytes and its UTF-8 at most 4. */
        o += skt_put_utf8(out + o, cp);
        r->pos += adv;
    }
    out[o] = '\0';
    r->pos = end + 1;
    free(n->str);
    n->str = out;
    n->len = o;
    n->raw_escaped = escaped;
    n->end = r->pos;
    return 0;
}

static int jr_number(jr *r, skt_in_node *n)
{
    size_t start = r->pos;
    if (jr_peek(r) == '-')
        r->pos++;
    int c = jr_peek(r);
    if (c == '0') {
        r->pos++;
    } else if (c >= '1' && c <= '9') {
        while ((c = jr_peek(r)) >= '0' && c <= '9')
            r->pos++;
    } else {
        return jr_fail(r, SECKIT_EFORMAT, "invalid number");
    }
    if (jr_peek(r) == '.') {
        r->pos++;
        if (!((c = jr_peek(r)) >= '0' && c <= '9'))
            return jr_fail(r, SECKIT_EFORMAT, "invalid number (digit expected after '.')");
        while ((c = jr_peek(r)) >= '0' && c <= '9')
            r->pos++;
    }
    if (jr_peek(r) == 'e' || jr_peek(r) == 'E') {
        r->pos++;
        if (jr_peek(r) == '+' || jr_peek(r) == '-')
            r->pos++;
        if (!((c = jr_peek(r)) >= '0' && c <= '9'))
            return jr_fail(r, SECKIT_EFORMAT, "invalid number (digit expected in exponent)");
        while ((c = jr_peek(r)) >= '0' && c <= '9')
            r->pos++;
    }
    n->end = r->pos;
    return skt_in_node_set_str(n, r->data + start, r->pos - start, r->err);
}

static int jr_value(jr *r, skt_in_node **out, unsigned depth);

static int jr_container(jr *r, skt_in_node *n, unsigned depth)
{
    int object = n->kind == SKT_IN_OBJECT;
    char close = object ? '}' : ']';
    r->pos++; /* [ or { */
    jr_ws(r);
    if (jr_peek(r) == close) {
        r->pos++;
        n->end = r->pos;
        return 0;
    }
    for (;;) {
        skt_in_node *kid = NULL;
        if (object) {
            jr_ws(r);
            if (jr_peek(r) != '"')
                return jr_fail(r, SECKIT_EFORMAT,
                               jr_peek(r) == '}' ? "trailing comma in object"
                                                 : "expected a string key");
            skt_in_pos p = jr_pos(r);
            kid = skt_in_node_new(r->doc, SKT_IN_STRING, &p, r->err);
            if (kid == NULL)
                return r->err ? r->err->code : SECKIT_ENOMEM;
            int rc = jr_string(r, kid);
            if (rc == 0)
                rc = skt_in_node_add(n, kid, r->err);
            if (rc != 0) {
                skt_in_node_free(kid);
                return rc;
            }
            jr_ws(r);
            if (jr_peek(r) != ':')
                return jr_fail(r, SECKIT_EFORMAT, "expected ':' after key");
            r->pos++;
        }
        jr_ws(r);
        if (!object && jr_peek(r) == ']')
            return jr_fail(r, SECKIT_EFORMAT, "trailing comma in array");
        SKT_GUARD(jr_value(r, &kid, depth + 1));
        int rc = skt_in_node_add(n, kid, r->err);
        if (rc != 0) {
            skt_in_node_free(kid);
            return rc;
        }
        jr_ws(r);
        int c = jr_peek(r);
        if (c == ',') {
            r->pos++;
            continue;
        }
        if (c == close) {
            r->pos++;
            n->end = r->pos;
            return 0;
        }
        if (c < 0)
            return jr_fail(r, SECKIT_ETRUNCATED,
                           object ? "input ends inside an object" : "input ends inside an array");
        return jr_fail(r, SECKIT_EFORMAT,
                       object ? "expected ',' or '}' in object" : "expected ',' or ']' in array");
    }
}

static int jr_value(jr *r, skt_in_node **out, unsigned depth)
{
    *out = NULL;
    jr_ws(r);
    if (depth > SKT_IN_MAX_DEPTH)
        return jr_fail(r, SECKIT_ELIMIT, "nested too deeply");
    int c = jr_peek(r);
    skt_in_kind kind;
    switch (c) {
    case -1: return jr_fail(r, SECKIT_ETRUNCATED, "input ends where a value was expected");
    case '{': kind = SKT_IN_OBJECT; break;
    case '[': kind = SKT_IN_ARRAY; break;
    case '"': kind = SKT_IN_STRING; break;
    case 't': kind = SKT_IN_TRUE; break;
    case 'f': kind = SKT_IN_FALSE; break;
    case 'n': kind = SKT_IN_NULL; break;
    default:
        if (c == '-' || (c >= '0' && c <= '9')) {
            kind = SKT_IN_NUMBER;
            break;
        }
        return jr_fail(r, SECKIT_EFORMAT, "unexpected character (expected a value)");
    }
    skt_in_pos p = jr_pos(r);
    skt_in_node *n = skt_in_node_new(r->doc, kind, &p, r->err);
    if (n == NULL)
        return r->err ? r->err->code : SECKIT_ENOMEM;
    int rc;
    switch (kind) {
    case SKT_IN_OBJECT:
    case SKT_IN_ARRAY: rc = jr_container(r, n, depth); break;
    case SKT_IN_STRING: rc = jr_string(r, n); break;
    case SKT_IN_TRUE: rc = jr_literal(r, "true"); break;
    case SKT_IN_FALSE: rc = jr_literal(r, "false"); break;
    case SKT_IN_NULL: rc = jr_literal(r, "null"); break;
    default: rc = jr_number(r, n); break;
    }
    if (rc != 0) {
        skt_in_node_free(n);
        return rc;
    }
    n->end = r->pos;
    *out = n;
    return 0;
}

int skt_in_json_parse(const char *data, size_t len, skt_in_doc *doc, seckit_error *err)
{
    jr r = {data, len, 0, 1, 0, doc, err};
    doc->root = NULL;
    /* A UTF-8 byte order mark is tolerated (editors on Windows write one). */
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        r.pos = r.line_start = 3;
    skt_in_node *root = NULL;
    SKT_GUARD(jr_value(&r, &root, 0));
    jr_ws(&r);
    if (r.pos != r.len) {
        skt_in_node_free(root);
        return jr_fail(&r, SECKIT_EFORMAT, "unexpected text after the JSON value");
    }
    doc->root = root;
    return 0;
}
