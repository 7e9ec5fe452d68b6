/* A small strict XML reader for AWS responses; see xml.h.  The input is
 * read through skt_reader, so no read goes past the end. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/buf.h"
#include "src/base/secmem.h"
#include "src/aws/xml.h"
#include "src/base/guard.h"

typedef struct xml_parser {
    skt_reader r;
    size_t nodes;
    seckit_error *err;
} xml_parser;

static int fail(xml_parser *p, int code, const char *what)
{
    return seckit_error_set(p->err, code, "XML: %s at byte %zu", what, p->r.pos);
}

static int peek(const xml_parser *p, size_t ahead)
{
    if (skt_reader_remaining(&p->r) <= ahead)
        return -1;
    return skt_reader_cursor(&p->r)[ahead];
}

static int starts(const xml_parser *p, const char *s)
{
    size_t n = strlen(s);
    return skt_reader_remaining(&p->r) >= n && memcmp(skt_reader_cursor(&p->r), s, n) == 0;
}

static void adv(xml_parser *p, size_t n)
{
    size_t rem = skt_reader_remaining(&p->r);
    (void)skt_reader_skip(&p->r, n < rem ? n : rem, "xml", NULL);
}

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void skip_space(xml_parser *p)
{
    while (is_space(peek(p, 0)))
        adv(p, 1);
}

static int name_start(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || c >= 0x80;
}

static int name_char(int c)
{
    return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* Read a name; *out points into the input, *n its length. */
static int read_name(xml_parser *p, const char **out, size_t *n)
{
    if (!name_start(peek(p, 0)))
        return fail(p, SECKIT_EFORMAT, "expected a name");
    const char *s = (const char *)skt_reader_cursor(&p->r);
    size_t k = 0;
    while (name_char(peek(p, k)))
        k++;
    *out = s;
    *n = k;
    adv(p, k);
    return 0;
}

/* Skip until the terminator (consumed); error when absent. */
static int skip_past(xml_parser *p, const char *term, const char *what)
{
    while (skt_reader_remaining(&p->r) > 0) {
        if (starts(p, term)) {
            adv(p, strlen(term));
            return 0;
        }
        adv(p, 1);
    }
    return fail(p, SECKIT_ETRUNCATED, what);
}

static int put_utf8(skt_writer *w, uint32_t cp, seckit_error *err)
{
    uint8_t b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (uint8_t)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (uint8_t)(0xC0 | (cp >> 6));
        b[1] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (uint8_t)(0xE0 | (cp >> 12));
        b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (uint8_t)(0xF0 | (cp >> 18));
        b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return skt_writer_put(w, b, n, err);
}

/* At '&': decode one reference into w. */
static int read_ref(xml_parser *p, skt_writer *w)
{
    static const struct {
        const char *n;
        char c;
    } ents[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
    for (size_t i = 0; i < SKT_ARRAY_LEN(ents); i++)
        if (starts(p, ents[i].n)) {
            adv(p, strlen(ents[i].n));
            return skt_writer_put(w, &ents[i].c, 1, p->err);
        }
    if (!starts(p, "&#"))
        return fail(p, SECKIT_EFORMAT,
                    "unknown entity reference (only the five predefined ones are allowed)");
    adv(p, 2);
    int hex = 0;
    if (peek(p, 0) == 'x') {
        hex = 1;
        adv(p, 1);
    }
    uint32_t cp = 0;
    size_t digits = 0;
    for (;;) {
        int c = peek(p, 0), v;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (hex && c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (hex && c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        else
            break;
        cp = cp * (hex ? 16u : 10u) + (uint32_t)v;
        if (++digits > 8 || cp > 0x10FFFF)
            return fail(p, SECKIT_EFORMAT, "character reference out of range");
        adv(p, 1);
    }
    if (digits == 0 || peek(p, 0) != ';')
        return fail(p, SECKIT_EFORMAT, "malformed character reference");
    adv(p, 1);
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || (cp < 0x20 && cp != 9 && cp != 10 && cp != 13))
        return fail(p, SECKIT_EFORMAT, "character reference to a forbidden character");
    return put_utf8(w, cp, p->err);
}

static int read_attrs(xml_parser *p, int *self_closing)
{
    for (;;) {
        int had_space = is_space(peek(p, 0));
        skip_space(p);
        int c = peek(p, 0);
        if (c == '>') {
            adv(p, 1);
            *self_closing = 0;
            return 0;
        }
        if (c == '/' && peek(p, 1) == '>') {
            adv(p, 2);
            *self_closing = 1;
            return 0;
        }
        if (c < 0)
            return fail(p, SECKIT_ETRUNCATED, "document ends inside a start tag");
        if (!had_space)
            return fail(p, SECKIT_EFORMAT, "expected whitespace before an attribute");
        const char *an;
        size_t anl;
        SKT_GUARD(read_name(p, &an, &anl));
        skip_space(p);
        if (peek(p, 0) != '=')
            return fail(p, SECKIT_EFORMAT, "expected '=' after an attribute name");
        adv(p, 1);
        skip_space(p);
        int q = peek(p, 0);
        if (q != '"' && q != '\'')
            return fail(p, SECKIT_EFORMAT, "expected a quoted attribute value");
        adv(p, 1);
        skt_writer tmp;
        skt_writer_init(&tmp, 1 << 16);
        int rc = 0;
        for (;;) {
            int ch = peek(p, 0);
            if (ch < 0) {
                rc = fail(p, SECKIT_ETRUNCATED, "document ends inside an attribute value");
                break;
            }
            if (ch == q) {
                adv(p, 1);
                break;
            }
            if (ch == '<') {
                rc = fail(p, SECKIT_EFORMAT, "'<' in an attribute value");
                break;
            }
            if (ch == '&') {
                rc = read_ref(p, &tmp);
                if (rc != 0)
                    break;
                continue;
            }
            adv(p, 1);
        }
        skt_writer_free(&tmp);
        SKT_GUARD(rc);
    }
}

static int skip_misc(xml_parser *p, int allow_decl)
{
    for (;;) {
        skip_space(p);
        if (starts(p, "<?xml") && allow_decl && p->r.pos == 0) {
            SKT_GUARD(skip_past(p, "?>", "unterminated XML declaration"));
        } else if (starts(p, "<?")) {
            SKT_GUARD(skip_past(p, "?>", "unterminated processing instruction"));
        } else if (starts(p, "<!--")) {
            adv(p, 4);
            SKT_GUARD(skip_past(p, "-->", "unterminated comment"));
        } else if (starts(p, "<!DOCTYPE") || starts(p, "<!ENTITY")) {
            return fail(p, SECKIT_EUNSUPPORTED, "document type declarations are not accepted");
        } else {
            return 0;
        }
        allow_decl = 0;
    }
}

/* The end tag at "</", which must name the element that is open (nm). */
static int read_end_tag(xml_parser *p, const char *nm, size_t nml)
{
    adv(p, 2);
    const char *en;
    size_t enl;
    SKT_GUARD(read_name(p, &en, &enl));
    if (enl != nml || memcmp(en, nm, nml) != 0)
        return fail(p, SECKIT_EFORMAT, "end tag does not match the start tag");
    skip_space(p);
    if (peek(p, 0) != '>')
        return fail(p, SECKIT_EFORMAT, "expected '>' after an end tag");
    adv(p, 1);
    return 0;
}

/* The CDATA section at "<![CDATA[": its bytes, as they are, into text. */
static int read_cdata(xml_parser *p, skt_writer *text)
{
    adv(p, 9);
    for (;;) {
        if (skt_reader_remaining(&p->r) == 0)
            return fail(p, SECKIT_ETRUNCATED, "unterminated CDATA section");
        if (starts(p, "]]>")) {
            adv(p, 3);
            return 0;
        }
        SKT_GUARD(skt_writer_put(text, skt_reader_cursor(&p->r), 1, p->err));
        adv(p, 1);
    }
}

/* child becomes n's last child. */
static void add_child(skt_xml_node *n, skt_xml_node *child)
{
    if (n->last != NULL)
        n->last->next = child;
    else
        n->child = child;
    n->last = child;
}

static int parse_element(xml_parser *p, skt_xml_node *parent, int depth, skt_xml_node **out)
{
    if (depth > SKT_XML_MAX_DEPTH)
        return fail(p, SECKIT_ELIMIT, "elements nested too deeply");
    if (++p->nodes > SKT_XML_MAX_NODES)
        return fail(p, SECKIT_ELIMIT, "too many elements");
    if (peek(p, 0) != '<')
        return fail(p, SECKIT_EFORMAT, "expected '<'");
    adv(p, 1);
    const char *nm;
    size_t nml;
    SKT_GUARD(read_name(p, &nm, &nml));
    skt_xml_node *n = calloc(1, sizeof *n);
    SKT_ENSURE(n != NULL, p->err, SECKIT_ENOMEM, "out of memory");
    n->parent = parent;
    n->name = strndup(nm, nml);
    if (n->name == NULL) {
        free(n);
        return seckit_error_set(p->err, SECKIT_ENOMEM, "out of memory");
    }
    *out = n; /* owned by the caller from here on (freed with the tree) */
    int self_closing = 0;
    SKT_GUARD(read_attrs(p, &self_closing));
    skt_writer text;
    skt_writer_init(&text, SKT_XML_MAX_INPUT);
    int rc = 0;
    if (!self_closing) {
        for (;;) {
            int c = peek(p, 0);
            if (c < 0) {
                rc = fail(p, SECKIT_ETRUNCATED, "document ends inside an element");
                goto done;
            }
            if (c == '<') {
                if (starts(p, "</")) {
                    SKT_GUARD_GOTO(read_end_tag(p, nm, nml), rc, done);
                    break;
                } else if (starts(p, "<!--")) {
                    adv(p, 4);
                    SKT_GUARD_GOTO(skip_past(p, "-->", "unterminated comment"), rc, done);
                } else if (starts(p, "<![CDATA[")) {
                    SKT_GUARD_GOTO(read_cdata(p, &text), rc, done);
                } else if (starts(p, "<!")) {
                    rc = fail(p, SECKIT_EUNSUPPORTED,
                              "declarations are not accepted inside elements");
                    goto done;
                } else if (starts(p, "<?")) {
                    SKT_GUARD_GOTO(skip_past(p, "?>", "unterminated processing instruction"), rc,
                                   done);
                } else {
                    skt_xml_node *child = NULL;
                    rc = parse_element(p, n, depth + 1, &child);
                    if (child != NULL)
                        add_child(n, child);
                    if (rc != 0)
                        goto done;
                }
            } else if (c == '&') {
                SKT_GUARD_GOTO(read_ref(p, &text), rc, done);
            } else if (c == ']' && starts(p, "]]>")) {
                rc = fail(p, SECKIT_EFORMAT, "']]>' in text");
                goto done;
            } else {
                if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                    rc = fail(p, SECKIT_EFORMAT, "control character in text");
                    goto done;
                }
                SKT_GUARD_GOTO(skt_writer_put(&text, skt_reader_cursor(&p->r), 1, p->err), rc,
                               done);
                adv(p, 1);
            }
        }
    }
    SKT_GUARD_GOTO(skt_writer_put(&text, "", 0, p->err), rc, done);
    SKT_GUARD_GOTO(skt_writer_terminate(&text, p->err), rc, done);
    n->text = (char *)skt_writer_steal(&text, &n->text_len);
    if (n->text == NULL)
        rc = seckit_error_set(p->err, SECKIT_ENOMEM, "out of memory");
done:
    skt_writer_free(&text);
    return rc;
}

void skt_xml_free(skt_xml_node *n)
{
    while (n != NULL) {
        skt_xml_node *next = n->next;
        skt_xml_free(n->child);
        free(n->name);
        if (n->text != NULL)
            skt_wipe_free(n->text, n->text_len); /* responses may carry credentials */
        free(n);
        n = next;
    }
}

int skt_xml_parse(const void *data, size_t len, skt_xml_node **root, seckit_error *err)
{
    SKT_ENSURE_ARG(root != NULL && (data != NULL || len == 0), err);
    *root = NULL;
    SKT_ENSURE(len <= SKT_XML_MAX_INPUT, err, SECKIT_ELIMIT,
               "XML: document of %zu bytes exceeds the %u-byte limit", len, SKT_XML_MAX_INPUT);
    xml_parser p = {.err = err};
    skt_reader_init(&p.r, data, len);
    if (starts(&p, "\xEF\xBB\xBF"))
        adv(&p, 3);
    int rc = skip_misc(&p, 1);
    if (rc == 0 && skt_reader_remaining(&p.r) == 0)
        rc = fail(&p, SECKIT_ETRUNCATED, "document has no root element");
    skt_xml_node *n = NULL;
    if (rc == 0)
        rc = parse_element(&p, NULL, 0, &n);
    if (rc == 0)
        rc = skip_misc(&p, 0);
    if (rc == 0 && skt_reader_remaining(&p.r) != 0)
        rc = fail(&p, SECKIT_EFORMAT, "content after the root element");
    if (rc != 0) {
        skt_xml_free(n);
        return rc;
    }
    *root = n;
    return 0;
}

const char *skt_xml_local(const skt_xml_node *n)
{
    const char *c = strrchr(n->name, ':');
    return c != NULL ? c + 1 : n->name;
}

const skt_xml_node *skt_xml_child(const skt_xml_node *n, const char *name)
{
    for (const skt_xml_node *c = n ? n->child : NULL; c != NULL; c = c->next)
        if (strcmp(skt_xml_local(c), name) == 0)
            return c;
    return NULL;
}

const skt_xml_node *skt_xml_next_same(const skt_xml_node *n)
{
    for (const skt_xml_node *c = n->next; c != NULL; c = c->next)
        if (strcmp(skt_xml_local(c), skt_xml_local(n)) == 0)
            return c;
    return NULL;
}

const skt_xml_node *skt_xml_path(const skt_xml_node *n, const char *path)
{
    char seg[128];
    while (n != NULL && *path) {
        const char *sl = strchr(path, '/');
        size_t l = sl ? (size_t)(sl - path) : strlen(path);
        if (l >= sizeof seg)
            return NULL;
        memcpy(seg, path, l);
        seg[l] = '\0';
        n = skt_xml_child(n, seg);
        path += l + (sl ? 1 : 0);
    }
    return n;
}

const char *skt_xml_text(const skt_xml_node *n, const char *path)
{
    const skt_xml_node *c = skt_xml_path(n, path);
    return c != NULL ? c->text : NULL;
}

int skt_xml_escape(skt_writer *w, const char *s, seckit_error *err)
{
    for (; *s; s++) {
        const char *e = NULL;
        switch (*s) {
        case '<': e = "&lt;"; break;
        case '>': e = "&gt;"; break;
        case '&': e = "&amp;"; break;
        case '"': e = "&quot;"; break;
        case '\'': e = "&apos;"; break;
        default: break;
        }
        if (e != NULL)
            SKT_GUARD(skt_writer_str(w, e, err));
        else
            SKT_GUARD(skt_writer_put(w, s, 1, err));
    }
    return 0;
}
