/* policy/: a strict JSON parser (RFC 8259) that keeps source positions of
 * every value and key and detects duplicate keys.  Pure: bytes in, tree out.
 *
 * Every read is bounds-checked against the input length; nesting depth and
 * input size are limited before anything is allocated for them. */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "policy/internal.h"
#include "policy/json_internal.h"
#include "src/base/guard.h"
#include "src/base/options.h"

#define DEFAULT_MAX_SIZE (8u * 1024u * 1024u)

/* Scan eight bytes at a time where the byte order makes the first match
 * the lowest set bit. */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SKT_JSON_WORDS 1
#else
#define SKT_JSON_WORDS 0
#endif
#define DEFAULT_MAX_DEPTH 64u

struct seckit_json_doc {
    skt_arena arena;
    seckit_json *root;
};

typedef struct parser {
    const unsigned char *s;
    size_t len, pos;
    unsigned long line; /* from 1 (relative to s) */
    size_t line_start;  /* offset of the current line's first byte */
    unsigned depth, max_depth;
    unsigned max_value_depth; /* values inside at most this many containers */
    seckit_position base;
    seckit_json_doc *doc;
    seckit_error *err;
    /* a copy of the text in the document's arena (len + 1 bytes, same
     * offsets): strings and numbers are NUL-terminated and decoded in
     * place in it (decoded text is never longer than its token, and the
     * byte after a token is never part of another one) */
    char *copy;
    /* skt_json_parse_file only (else 0 / unlimited) */
    size_t nodes, max_nodes; /* values and keys */
    unsigned deepest;        /* deepest container nesting seen */
    int file_mode;           /* messages and codes of policy/inputs */
    int lenient_utf8, bad_utf8;
} parser;

static seckit_position pos_at(const parser *p, size_t off, unsigned long line, size_t line_start)
{
    seckit_position r;
    r.line = line;
    r.column = (unsigned long)(off - line_start);
    r.offset = off;
    if (p->base.line != 0) {
        if (line == 1)
            r.column += p->base.column;
        r.line = p->base.line + line - 1;
        r.offset += p->base.offset;
    }
    return r;
}

static seckit_position here(const parser *p)
{
    return pos_at(p, p->pos, p->line, p->line_start);
}

static int fail(parser *p, int code, const char *what)
{
    seckit_position at = here(p);
    if (p->file_mode)
        return seckit_error_set_at(p->err, code, at, "invalid JSON at line %lu column %lu: %s",
                                   at.line, at.column, what);
    return seckit_error_set_at(p->err, code, at, "JSON: line %lu, column %lu: %s", at.line,
                               at.column, what);
}

/* The input ended early: a truncated file for policy/inputs. */
static int fail_end(parser *p, const char *what)
{
    return fail(p, p->file_mode ? SECKIT_ETRUNCATED : SECKIT_EFORMAT, what);
}

static void skip_ws(parser *p)
{
    /* locals: the stores through p would otherwise be redone every byte */
    const unsigned char *s = (const unsigned char *)p->s;
    size_t pos = p->pos, len = p->len;
    while (pos < len) {
        unsigned char c = s[pos];
        if (c == ' ') {
            /* indentation: eight bytes at a time */
            pos++;
#if SKT_JSON_WORDS
            while (len - pos >= 8) {
                uint64_t w;
                memcpy(&w, s + pos, 8);
                uint64_t x = w ^ 0x2020202020202020u; /* 0 where a space */
                if (x != 0) {
                    pos += (size_t)__builtin_ctzll(x) >> 3;
                    break;
                }
                pos += 8;
            }
#endif
        } else if (c == '\t' || c == '\r') {
            pos++;
        } else if (c == '\n') {
            pos++;
            p->line++;
            p->line_start = pos;
        } else {
            break;
        }
    }
    p->pos = pos;
}

static int hex4(parser *p, size_t at, unsigned *out)
{
    unsigned v = 0;
    if (p->len - at < 4)
        return -1;
    for (size_t i = 0; i < 4; i++) {
        unsigned char c = p->s[at + i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* Length of a valid UTF-8 sequence starting at s[0] (max n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return (n >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && s[1] < 0xA0)
            return 0; /* overlong */
        if (c == 0xED && s[1] > 0x9F)
            return 0; /* surrogate */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90)
            return 0;
        if (c == 0xF4 && s[1] > 0x8F)
            return 0;
        return 4;
    }
    return 0;
}

/* The fast path of parse_string: from i, the index of the first byte that
 * ends a plain run ('"', '\\', control bytes, non-ASCII), or len. */
static size_t scan_plain(const unsigned char *src, size_t i, size_t len)
{
    /* bytes that end the fast path: '"', '\\', control bytes, non-ASCII */
    static const unsigned char stop[256] = {
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    };
#if SKT_JSON_WORDS
    /* eight bytes at a time: the first byte that is '"', '\\', below 0x20
     * or above 0x7F (bytes after it may be flagged wrongly, never before) */
    while (len - i >= 8) {
        const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
        uint64_t w;
        memcpy(&w, src + i, 8);
        uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
        uint64_t hit = ((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w) | w;
        hit &= high;
        if (hit != 0) {
            i += (size_t)__builtin_ctzll(hit) >> 3;
            break;
        }
        i += 8;
    }
#endif
    while (i < len && !stop[src[i]])
        i++;
    return i;
}

/* The escape at p->s[*i] (a backslash) of the string that opened at start,
 * decoded into dst + *o; *i and *o move past it. */
static int decode_escape(parser *p, size_t start, size_t *i, char *dst, size_t *o)
{
    if (*i + 1 >= p->len) {
        p->pos = p->file_mode ? start - 1 : *i;
        return fail(p, SECKIT_EFORMAT, "unterminated string");
    }
    unsigned char e = p->s[*i + 1];
    char r = 0;
    switch (e) {
    case '"': r = '"'; break;
    case '\\': r = '\\'; break;
    case '/': r = '/'; break;
    case 'b': r = '\b'; break;
    case 'f': r = '\f'; break;
    case 'n': r = '\n'; break;
    case 'r': r = '\r'; break;
    case 't': r = '\t'; break;
    case 'u': {
        unsigned cp;
        if (hex4(p, *i + 2, &cp) != 0) {
            p->pos = *i;
            return fail(p, SECKIT_EFORMAT, "bad \\u escape (need 4 hex digits)");
        }
        size_t used = 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            unsigned lo;
            if (p->len - *i < 12 || p->s[*i + 6] != '\\' || p->s[*i + 7] != 'u' ||
                hex4(p, *i + 8, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF) {
                p->pos = *i;
                return fail(p, SECKIT_EFORMAT, "unpaired UTF-16 surrogate in \\u escape");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            used = 12;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            p->pos = *i;
            return fail(p, SECKIT_EFORMAT, "unpaired UTF-16 surrogate in \\u escape");
        }
        *o += skt_put_utf8(dst + *o, cp);
        *i += used;
        return 0;
    }
    default: p->pos = *i; return fail(p, SECKIT_EFORMAT, "unknown escape in string");
    }
    dst[(*o)++] = r;
    *i += 2;
    return 0;
}

/* Parse a string at p->pos (which is '"'); result in arena. */
static int parse_string(parser *p, const char **out, size_t *out_len)
{
    size_t start = p->pos + 1;
    /* fast path: no escapes */
    size_t i = scan_plain(p->s, start, p->len);
    char *dst = p->copy + start;
    if (i < p->len && p->s[i] == '"') {
        dst[i - start] = '\0'; /* over the closing quote */
        *out = dst;
        *out_len = i - start;
        p->pos = i + 1;
        return 0;
    }
    /* slow path: decode escapes in place (output never longer than input) */
    size_t o = i - start;
    for (;;) {
        if (i >= p->len) {
            p->pos = p->file_mode ? start - 1 : i; /* inputs: where it opened */
            return fail(p, SECKIT_EFORMAT, "unterminated string");
        }
        unsigned char c = p->s[i];
        if (c == '"')
            break;
        if (c < 0x20) {
            p->pos = i;
            return fail(p, SECKIT_EFORMAT,
                        c == '\n' ? "newline inside a string (unterminated string?)"
                                  : "control character inside a string");
        }
        if (c == '\\') {
            SKT_GUARD(decode_escape(p, start, &i, dst, &o));
            continue;
        }
        if (c >= 0x80) {
            size_t n = utf8_len(p->s + i, p->len - i);
            if (n == 0 && p->lenient_utf8) {
                p->bad_utf8 = 1; /* kept as is; see skt_json_parse_file */
                n = 1;
            }
            if (n == 0) {
                p->pos = i;
                return fail(p, SECKIT_EFORMAT, "invalid UTF-8 in string");
            }
            memcpy(dst + o, p->s + i, n);
            o += n;
            i += n;
            continue;
        }
        dst[o++] = (char)c;
        i++;
    }
    dst[o] = '\0';
    *out = dst;
    *out_len = o;
    p->pos = i + 1;
    return 0;
}

static int parse_number(parser *p, seckit_json *v)
{
    size_t i = p->pos;
    size_t start = i;
    if (i < p->len && p->s[i] == '-')
        i++;
    if (i >= p->len || p->s[i] < '0' || p->s[i] > '9') {
        p->pos = i;
        return fail(p, SECKIT_EFORMAT, "invalid number");
    }
    if (p->s[i] == '0') {
        i++;
    } else {
        while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9')
            i++;
    }
    if (i < p->len && p->s[i] == '.') {
        i++;
        if (i >= p->len || p->s[i] < '0' || p->s[i] > '9') {
            p->pos = i;
            return fail(p, SECKIT_EFORMAT, "invalid number (digit expected after '.')");
        }
        while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9')
            i++;
    }
    if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
        i++;
        if (i < p->len && (p->s[i] == '+' || p->s[i] == '-'))
            i++;
        if (i >= p->len || p->s[i] < '0' || p->s[i] > '9') {
            p->pos = i;
            return fail(p, SECKIT_EFORMAT, "invalid number (digit expected in exponent)");
        }
        while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9')
            i++;
    }
    v->kind = SECKIT_JSON_NUMBER;
    p->copy[i] = '\0'; /* over the delimiter after it (or the end) */
    v->str = p->copy + start;
    v->len = i - start;
    p->pos = i;
    return 0;
}

static int key_cmp(const void *a, const void *b)
{
    const seckit_json *x = *(const seckit_json *const *)a, *y = *(const seckit_json *const *)b;
    size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = memcmp(x->key, y->key, n);
    if (c != 0)
        return c;
    if (x->key_len != y->key_len)
        return x->key_len < y->key_len ? -1 : 1;
    return x->index < y->index ? -1 : (x->index > y->index ? 1 : 0);
}

/* Flag members whose key repeats an earlier one; -1 when out of memory. */
static int mark_dups(seckit_json *obj)
{
    if (obj->count < 2)
        return 0;
    if (obj->count <= 16) {
        for (seckit_json *a = obj->child; a != NULL; a = a->next)
            for (seckit_json *b = a->next; b != NULL; b = b->next)
                if (!b->duplicate_key && a->key_len == b->key_len &&
                    memcmp(a->key, b->key, a->key_len) == 0)
                    b->duplicate_key = 1;
        return 0;
    }
    seckit_json **v = malloc(obj->count * sizeof(*v));
    if (v == NULL)
        return -1;
    size_t n = 0;
    for (seckit_json *a = obj->child; a != NULL; a = a->next)
        v[n++] = a;
    qsort(v, n, sizeof(*v), key_cmp);
    for (size_t i = 1; i < n; i++)
        if (v[i]->key_len == v[i - 1]->key_len &&
            memcmp(v[i]->key, v[i - 1]->key, v[i]->key_len) == 0)
            v[i]->duplicate_key = 1;
    free(v);
    return 0;
}

static int mark_duplicates(parser *p, seckit_json *obj)
{
    SKT_ENSURE(mark_dups(obj) == 0, p->err, SECKIT_ENOMEM, "JSON: out of memory");
    return 0;
}

int skt_json_mark_duplicates(seckit_json *obj)
{
    return mark_dups(obj);
}

static int parse_value(parser *p, seckit_json *v);

static seckit_json *new_node(parser *p, seckit_json *parent, seckit_json **last)
{
    if (p->max_nodes != 0) {
        /* policy/inputs counts a member's key as a value of its own */
        p->nodes += parent->kind == SECKIT_JSON_OBJECT ? 2 : 1;
        if (p->nodes > p->max_nodes) {
            seckit_error_set(p->err, SECKIT_ELIMIT, "document has more than %zu values",
                             p->max_nodes);
            return NULL;
        }
    }
    seckit_json *n = skt_arena_alloc(&p->doc->arena, sizeof(*n));
    if (n == NULL)
        return NULL;
    n->parent = parent;
    n->index = parent->count++;
    if (*last == NULL)
        parent->child = n;
    else
        (*last)->next = n;
    *last = n;
    return n;
}

static int parse_container(parser *p, seckit_json *v, int is_object)
{
    if (++p->depth > p->max_depth)
        return fail(p, SECKIT_ELIMIT, "nesting too deep");
    if (p->depth > p->deepest)
        p->deepest = p->depth;
    v->kind = is_object ? SECKIT_JSON_OBJECT : SECKIT_JSON_ARRAY;
    const char close = is_object ? '}' : ']';
    seckit_json *last = NULL;
    p->pos++; /* '{' or '[' */
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        p->depth--;
        return 0;
    }
    for (;;) {
        skip_ws(p);
        if (p->pos >= p->len)
            return fail_end(p, is_object ? "unexpected end of input in object"
                                         : "unexpected end of input in array");
        seckit_json *n = new_node(p, v, &last);
        if (n == NULL)
            return p->max_nodes != 0 && p->nodes > p->max_nodes
                       ? SECKIT_ELIMIT
                       : seckit_error_set(p->err, SECKIT_ENOMEM, "JSON: out of memory");
        if (is_object) {
            if (p->s[p->pos] != '"')
                return fail(p, SECKIT_EFORMAT,
                            p->s[p->pos] == '}' ? "trailing comma in object"
                                                : "expected a string key in object");
            n->key_span.start = here(p);
            SKT_GUARD(parse_string(p, &n->key, &n->key_len));
            n->key_span.end = here(p);
            skip_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':')
                return fail(p, SECKIT_EFORMAT, "expected ':' after object key");
            p->pos++;
            skip_ws(p);
        } else if (p->s[p->pos] == ']') {
            return fail(p, SECKIT_EFORMAT, "trailing comma in array");
        }
        SKT_GUARD(parse_value(p, n));
        skip_ws(p);
        if (p->pos >= p->len)
            return fail_end(p, is_object ? "unexpected end of input in object"
                                         : "unexpected end of input in array");
        if (p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->s[p->pos] == close) {
            p->pos++;
            break;
        }
        return fail(p, SECKIT_EFORMAT,
                    is_object ? "expected ',' or '}' in object" : "expected ',' or ']' in array");
    }
    p->depth--;
    if (is_object)
        SKT_GUARD(mark_duplicates(p, v));
    return 0;
}

static int literal(parser *p, const char *word, seckit_json_kind kind, seckit_json *v)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
        return fail(p, SECKIT_EFORMAT, "unexpected character (expected a JSON value)");
    p->pos += n;
    v->kind = kind;
    return 0;
}

static int parse_value(parser *p, seckit_json *v)
{
    skip_ws(p);
    if (p->pos >= p->len)
        return fail_end(p, "unexpected end of input (expected a value)");
    if (p->depth > p->max_value_depth)
        return fail(p, SECKIT_ELIMIT, "nesting too deep");
    v->span.start = here(p);
    int rc;
    switch (p->s[p->pos]) {
    case '{': rc = parse_container(p, v, 1); break;
    case '[': rc = parse_container(p, v, 0); break;
    case '"':
        v->kind = SECKIT_JSON_STRING;
        rc = parse_string(p, &v->str, &v->len);
        break;
    case 't': rc = literal(p, "true", SECKIT_JSON_TRUE, v); break;
    case 'f': rc = literal(p, "false", SECKIT_JSON_FALSE, v); break;
    case 'n': rc = literal(p, "null", SECKIT_JSON_NULL, v); break;
    default:
        if (p->s[p->pos] == '-' || (p->s[p->pos] >= '0' && p->s[p->pos] <= '9'))
            rc = parse_number(p, v);
        else
            rc = fail(p, SECKIT_EFORMAT, "unexpected character (expected a JSON value)");
    }
    if (rc < 0)
        return rc;
    v->span.end = here(p);
    return 0;
}

/* Parse text into a new document with p's limits (p->s/len/err set). */
static int parse_doc(parser *p, seckit_json_doc **out)
{
    seckit_json_doc *doc = calloc(1, sizeof(*doc));
    SKT_ENSURE(doc != NULL, p->err, SECKIT_ENOMEM, "JSON: out of memory");
    skt_arena_init(&doc->arena);
    p->line = 1;
    p->doc = doc;
    int rc = 0;
    /* A UTF-8 byte order mark is tolerated (editors on Windows add one). */
    if (p->len >= 3 && memcmp(p->s, "\xEF\xBB\xBF", 3) == 0) {
        p->pos = 3;
        p->line_start = 3;
    }
    doc->root = skt_arena_alloc(&doc->arena, sizeof(*doc->root));
    p->copy = p->len < SIZE_MAX ? skt_arena_strndup(&doc->arena, (const char *)p->s, p->len) : NULL;
    SKT_ENSURE_GOTO(!(doc->root == NULL || p->copy == NULL), p->err, rc, out, SECKIT_ENOMEM,
                    "JSON: out of memory");
    p->nodes = 1;
    skip_ws(p);
    if (p->pos >= p->len) {
        rc = fail_end(p, "empty document");
        goto out;
    }
    rc = parse_value(p, doc->root);
    if (rc < 0)
        goto out;
    skip_ws(p);
    if (p->pos < p->len)
        rc = fail(p, SECKIT_EFORMAT, "unexpected text after the JSON value");
out:
    if (rc < 0) {
        seckit_json_free(doc);
        return rc;
    }
    *out = doc;
    return 0;
}

int seckit_json_parse(seckit_json_doc **out, const char *text, size_t len,
                      const seckit_json_options *opts, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = NULL;
    SKT_ENSURE_ARG(text != NULL || len == 0, err);
    SKT_GUARD(skt_options_check(opts, SECKIT_JSON_OPTIONS_VERSION, "seckit_json_options", err));
    size_t max_size = opts && opts->max_size ? opts->max_size : DEFAULT_MAX_SIZE;
    if (len > max_size)
        return seckit_error_set(err, SECKIT_ELIMIT,
                                "JSON: document of %zu bytes exceeds the %zu-byte limit", len,
                                max_size);
    parser p;
    memset(&p, 0, sizeof(p));
    p.s = (const unsigned char *)(text ? text : "");
    p.len = len;
    p.max_depth = opts && opts->max_depth ? opts->max_depth : DEFAULT_MAX_DEPTH;
    p.max_value_depth = UINT_MAX;
    if (opts != NULL)
        p.base = opts->base;
    p.err = err;
    return parse_doc(&p, out);
}

int skt_json_parse_file(const char *text, size_t len, const skt_json_file_limits *lim,
                        seckit_json_doc **out, skt_json_file_info *info, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL && lim != NULL && info != NULL, err);
    *out = NULL;
    SKT_ENSURE_ARG(text != NULL || len == 0, err);
    memset(info, 0, sizeof(*info));
    parser p;
    memset(&p, 0, sizeof(p));
    p.s = (const unsigned char *)(text ? text : "");
    p.len = len;
    p.max_depth = lim->max_depth + 1;
    p.max_value_depth = lim->max_depth;
    p.max_nodes = lim->max_nodes;
    p.file_mode = 1;
    p.lenient_utf8 = 1;
    p.err = err;
    int rc = parse_doc(&p, out);
    info->nodes = p.nodes;
    info->deepest = p.deepest;
    info->bad_utf8 = p.bad_utf8;
    return rc;
}

const seckit_json *seckit_json_root(const seckit_json_doc *doc)
{
    return doc ? doc->root : NULL;
}

void seckit_json_free(seckit_json_doc *doc)
{
    if (doc == NULL)
        return;
    skt_arena_free(&doc->arena);
    free(doc);
}

const seckit_json *seckit_json_get(const seckit_json *obj, const char *key)
{
    if (obj == NULL || obj->kind != SECKIT_JSON_OBJECT || key == NULL)
        return NULL;
    size_t n = strlen(key);
    for (const seckit_json *c = obj->child; c != NULL; c = c->next)
        if (c->key_len == n && memcmp(c->key, key, n) == 0)
            return c;
    return NULL;
}

int seckit_json_doc_new(seckit_json_doc **out, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = calloc(1, sizeof(**out));
    SKT_ENSURE(*out != NULL, err, SECKIT_ENOMEM, "JSON: out of memory");
    skt_arena_init(&(*out)->arena);
    return 0;
}

int seckit_json_add(seckit_json_doc *doc, seckit_json **out, seckit_json *parent,
                    seckit_json_kind kind, const char *key, size_t key_len, const char *str,
                    size_t len, const seckit_span *span, seckit_error *err)
{
    SKT_ENSURE_ARG(doc != NULL, err);
    SKT_ENSURE_ARG(kind >= SECKIT_JSON_NULL && kind <= SECKIT_JSON_OBJECT, err);
    if (parent == NULL && doc->root != NULL)
        return seckit_error_set(err, SECKIT_EINVAL, "JSON: the document already has a root");
    if (parent != NULL && parent->kind != SECKIT_JSON_ARRAY && parent->kind != SECKIT_JSON_OBJECT)
        return seckit_error_set(err, SECKIT_EINVAL, "JSON: parent is not an array or object");
    if (parent != NULL && (parent->kind == SECKIT_JSON_OBJECT) != (key != NULL))
        return seckit_error_set(err, SECKIT_EINVAL,
                                "JSON: members of objects need a key, array elements none");
    seckit_json *n = skt_arena_alloc(&doc->arena, sizeof(*n));
    SKT_ENSURE(n != NULL, err, SECKIT_ENOMEM, "JSON: out of memory");
    n->kind = kind;
    if (kind == SECKIT_JSON_STRING || kind == SECKIT_JSON_NUMBER) {
        n->str = skt_arena_strndup(&doc->arena, str ? str : "", str ? len : 0);
        n->len = str ? len : 0;
        SKT_ENSURE(n->str != NULL, err, SECKIT_ENOMEM, "JSON: out of memory");
    }
    if (span != NULL)
        n->span = *span;
    if (parent == NULL) {
        doc->root = n;
    } else {
        if (key != NULL) {
            n->key = skt_arena_strndup(&doc->arena, key, key_len);
            SKT_ENSURE(n->key != NULL, err, SECKIT_ENOMEM, "JSON: out of memory");
            n->key_len = key_len;
            n->key_span = n->span;
            for (seckit_json *c = parent->child; c != NULL; c = c->next)
                if (c->key_len == key_len && memcmp(c->key, key, key_len) == 0)
                    n->duplicate_key = 1;
        }
        n->parent = parent;
        n->index = parent->count++;
        seckit_json *last = parent->child;
        if (last == NULL) {
            parent->child = n;
        } else {
            while (last->next != NULL)
                last = last->next;
            last->next = n;
        }
    }
    if (out != NULL)
        *out = n;
    return 0;
}

static size_t json_str_size(const char *s, size_t n)
{
    size_t r = 2;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f')
            r += 2;
        else if (c < 0x20)
            r += 6;
        else
            r += 1;
    }
    return r;
}

static size_t minified_size(const seckit_json *v)
{
    if (v == NULL)
        return 0;
    size_t n = 0;
    if (v->key != NULL)
        n += json_str_size(v->key, v->key_len) + 1;
    switch (v->kind) {
    case SECKIT_JSON_NULL: return n + 4;
    case SECKIT_JSON_TRUE: return n + 4;
    case SECKIT_JSON_FALSE: return n + 5;
    case SECKIT_JSON_NUMBER: return n + v->len;
    case SECKIT_JSON_STRING: return n + json_str_size(v->str, v->len);
    case SECKIT_JSON_ARRAY:
    case SECKIT_JSON_OBJECT:
        n += 2;
        for (const seckit_json *c = v->child; c != NULL; c = c->next)
            n += minified_size(c) + (c->next ? 1 : 0);
        return n;
    }
    return n;
}

size_t skt_json_minified_size(const seckit_json *v)
{
    return minified_size(v);
}

/* A byte is JSON whitespace when it is at most 0x20 (text json.c accepted
 * holds no other control bytes) and a UTF-8 continuation byte when its top
 * bits are 10.  Sixteen bytes at a time with SSE2, else eight. */
size_t skt_json_text_nonws_chars(const char *s, size_t n)
{
    size_t skip = 0, i = 0;
#if defined(__SSE2__)
    const __m128i top = _mm_set1_epi8((char)0xC0), cont = _mm_set1_epi8((char)0x80);
    const __m128i space = _mm_set1_epi8(0x20), zero = _mm_setzero_si128();
    while (n - i >= 16) {
        /* per-byte counters: at most 255 rounds before they are added up */
        size_t rounds = (n - i) / 16 > 255 ? 255 : (n - i) / 16;
        __m128i acc = zero;
        for (size_t r = 0; r < rounds; r++, i += 16) {
            __m128i v = _mm_loadu_si128((const void *)(s + i));
            __m128i ws = _mm_cmpeq_epi8(_mm_min_epu8(v, space), v); /* v <= 0x20 */
            __m128i ct = _mm_cmpeq_epi8(_mm_and_si128(v, top), cont);
            acc = _mm_sub_epi8(acc, _mm_or_si128(ws, ct)); /* -1 where skipped */
        }
        __m128i sums = _mm_sad_epu8(acc, zero);
        skip += (size_t)_mm_cvtsi128_si64(sums) +
                (size_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums));
    }
#else
    const uint64_t hi = 0x8080808080808080u, lo7 = 0x7F7F7F7F7F7F7F7Fu;
    const uint64_t add = 0x5F5F5F5F5F5F5F5Fu; /* 0x80 - 0x21 */
    for (; n - i >= 8; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t ws = ~(((w & lo7) + add) | w) & hi; /* byte < 0x21 */
        uint64_t ct = w & ~(w << 1) & hi;            /* 10xxxxxx */
        /* each byte holds 0 or 1 now; the multiply adds the eight bytes */
        skip += (size_t)((((ws >> 7) + (ct >> 7)) * 0x0101010101010101u) >> 56);
    }
#endif
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        skip += c <= 0x20 || (c & 0xC0) == 0x80;
    }
    return n - skip;
}

seckit_json *skt_json_root_mut(seckit_json_doc *doc)
{
    return doc ? doc->root : NULL;
}

skt_arena *skt_json_doc_arena(seckit_json_doc *doc)
{
    return &doc->arena;
}

int skt_json_utf8_ok(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = utf8_len(u + i, n - i);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
}

int seckit_json_options_init(seckit_json_options *opts, unsigned int version, seckit_error *err)
{
    static const seckit_json_options init = SECKIT_JSON_OPTIONS_INIT;
    SKT_GUARD(skt_options_init_check(opts, version, SECKIT_JSON_OPTIONS_VERSION,
                                     "seckit_json_options", err));
    *opts = init;
    return 0;
}
