/* YAML reader of policy/inputs (libyaml): the first document of a YAML file
 * as a document tree with source positions.  Plain scalars are resolved as
 * YAML 1.2's core schema (null, true/false, numbers that are valid JSON
 * numbers); everything else is a string.  CloudFormation's short-form tags
 * (!Ref, !Sub, !GetAtt, ...) become the long form ({"Ref": ...},
 * {"Fn::Sub": ...}) so one evaluator handles both. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "policy/inputs_internal.h"
#include "src/base/guard.h"

static skt_in_pos mark_pos(const yaml_mark_t *m)
{
    skt_in_pos p = {(unsigned long)m->line + 1, (unsigned long)m->column, m->index};
    return p;
}

/* Is s (a plain scalar) a JSON number? */
static int json_number(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i >= n)
        return 0;
    if (s[i] == '0') {
        i++;
    } else if (s[i] >= '1' && s[i] <= '9') {
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    } else {
        return 0;
    }
    if (i < n && s[i] == '.') {
        i++;
        if (i >= n || s[i] < '0' || s[i] > '9')
            return 0;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= n || s[i] < '0' || s[i] > '9')
            return 0;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    return i == n;
}

static int is_one_of(const char *s, const char *const *words)
{
    for (; *words != NULL; words++)
        if (strcmp(s, *words) == 0)
            return 1;
    return 0;
}

/* The long-form key for a CloudFormation short-form tag, or NULL. */
static const char *cfn_tag_key(const char *tag)
{
    static const char *const fns[] = {"Base64",      "Cidr",   "FindInMap",    "GetAtt", "GetAZs",
                                      "ImportValue", "Join",   "Select",       "Split",  "Sub",
                                      "Transform",   "If",     "Equals",       "Not",    "And",
                                      "Or",          "Length", "ToJsonString", NULL};
    if (tag == NULL || tag[0] != '!' || tag[1] == '!')
        return NULL;
    if (strcmp(tag, "!Ref") == 0)
        return "Ref";
    if (strcmp(tag, "!Condition") == 0)
        return "Condition";
    for (size_t i = 0; fns[i] != NULL; i++)
        if (strcmp(tag + 1, fns[i]) == 0)
            return fns[i];
    return NULL;
}

typedef struct yr {
    yaml_document_t *ydoc;
    skt_in_doc *doc;
    seckit_error *err;
} yr;

static int yr_node(yr *r, int index, unsigned depth, skt_in_node **out);

static int yr_scalar(yr *r, yaml_node_t *y, skt_in_node **out)
{
    skt_in_pos p = mark_pos(&y->start_mark);
    const char *s = (const char *)y->data.scalar.value;
    size_t n = y->data.scalar.length;
    const char *tag = (const char *)y->tag;
    int plain = y->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    int implicit = tag == NULL || strcmp(tag, YAML_DEFAULT_SCALAR_TAG) == 0;
    skt_in_kind kind = SKT_IN_STRING;
    if (plain && implicit && strlen(s) == n) {
        static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
        static const char *const trues[] = {"true", "True", "TRUE", NULL};
        static const char *const falses[] = {"false", "False", "FALSE", NULL};
        if (is_one_of(s, nulls))
            kind = SKT_IN_NULL;
        else if (is_one_of(s, trues))
            kind = SKT_IN_TRUE;
        else if (is_one_of(s, falses))
            kind = SKT_IN_FALSE;
        else if (json_number(s, n))
            kind = SKT_IN_NUMBER;
    }
    skt_in_node *node = skt_in_node_new(r->doc, kind, &p, r->err);
    if (node == NULL)
        return r->err ? r->err->code : SECKIT_ENOMEM;
    if (kind == SKT_IN_STRING || kind == SKT_IN_NUMBER) {
        int rc = skt_in_node_set_str(node, s, n, r->err);
        if (rc != 0) {
            return rc;
        }
    }
    switch (y->data.scalar.style) {
    case YAML_PLAIN_SCALAR_STYLE: node->unquoted = 1; break;
    case YAML_LITERAL_SCALAR_STYLE:
    case YAML_FOLDED_SCALAR_STYLE: node->block = 1; break;
    default:
        /* Quoted: the file may spell the text differently (escapes, doubled
         * quotes, folded lines), so no one-to-one map. */
        node->raw_escaped = 1;
        break;
    }
    node->end = y->end_mark.index;
    *out = node;
    return 0;
}

static int yr_node(yr *r, int index, unsigned depth, skt_in_node **out)
{
    *out = NULL;
    yaml_node_t *y = yaml_document_get_node(r->ydoc, index);
    SKT_ENSURE(y != NULL, r->err, SECKIT_EFORMAT, "YAML node %d missing", index);
    skt_in_pos p = mark_pos(&y->start_mark);
    if (depth > SKT_IN_MAX_DEPTH)
        return seckit_error_set_at(r->err, SECKIT_ELIMIT, p,
                                   "YAML at line %lu column %lu: nested too deeply", p.line,
                                   p.column);
    skt_in_node *node = NULL;
    int rc = 0;
    switch (y->type) {
    case YAML_SCALAR_NODE: rc = yr_scalar(r, y, &node); break;
    case YAML_SEQUENCE_NODE:
        node = skt_in_node_new(r->doc, SKT_IN_ARRAY, &p, r->err);
        if (node == NULL)
            return r->err ? r->err->code : SECKIT_ENOMEM;
        for (yaml_node_item_t *it = y->data.sequence.items.start;
             rc == 0 && it < y->data.sequence.items.top; it++) {
            skt_in_node *kid = NULL;
            rc = yr_node(r, *it, depth + 1, &kid);
            if (rc == 0)
                rc = skt_in_node_add(node, kid, r->err);
        }
        break;
    case YAML_MAPPING_NODE:
        node = skt_in_node_new(r->doc, SKT_IN_OBJECT, &p, r->err);
        if (node == NULL)
            return r->err ? r->err->code : SECKIT_ENOMEM;
        for (yaml_node_pair_t *pr = y->data.mapping.pairs.start;
             rc == 0 && pr < y->data.mapping.pairs.top; pr++) {
            skt_in_node *k = NULL, *v = NULL;
            yaml_node_t *yk = yaml_document_get_node(r->ydoc, pr->key);
            if (yk == NULL || yk->type != YAML_SCALAR_NODE) {
                skt_in_pos kp = yk != NULL ? mark_pos(&yk->start_mark) : p;
                rc = seckit_error_set_at(r->err, SECKIT_EFORMAT, kp,
                                         "YAML at line %lu column %lu: mapping key is not a "
                                         "scalar",
                                         kp.line, kp.column);
                break;
            }
            rc = yr_scalar(r, yk, &k);
            if (rc != 0)
                break;
            if (k->kind != SKT_IN_STRING) { /* keys are text: `true:` is "true" */
                k->kind = SKT_IN_STRING;
                rc = skt_in_node_set_str(k, (const char *)yk->data.scalar.value,
                                         yk->data.scalar.length, r->err);
            }
            if (rc == 0)
                rc = skt_in_node_add(node, k, r->err);
            if (rc == 0)
                rc = yr_node(r, pr->value, depth + 1, &v);
            if (rc == 0)
                rc = skt_in_node_add(node, v, r->err);
        }
        break;
    default: return seckit_error_set(r->err, SECKIT_EFORMAT, "empty YAML node");
    }
    if (rc != 0) {
        return rc;
    }
    /* !Ref X  ->  {"Ref": X}; !GetAtt A.B  ->  {"Fn::GetAtt": ["A", "B"]}. */
    const char *fn = cfn_tag_key((const char *)y->tag);
    if (fn != NULL) {
        skt_in_node *wrap = skt_in_node_new(r->doc, SKT_IN_OBJECT, &p, r->err);
        skt_in_node *key = wrap ? skt_in_node_new(r->doc, SKT_IN_STRING, &p, r->err) : NULL;
        char name[32];
        int ok = wrap != NULL && key != NULL;
        if (ok) {
            if (strcmp(fn, "Ref") == 0 || strcmp(fn, "Condition") == 0)
                strcpy(name, fn);
            else
                snprintf(name, sizeof(name), "Fn::%s", fn);
            key->synthetic = 1;
            ok = skt_in_node_set_str(key, name, strlen(name), r->err) == 0;
        }
        if (ok && strcmp(fn, "GetAtt") == 0 && node->kind == SKT_IN_STRING) {
            /* "Res.Attr" (the attribute may itself contain dots). */
            const char *dot = strchr(node->str, '.');
            skt_in_node *arr = skt_in_node_new(r->doc, SKT_IN_ARRAY, &p, r->err);
            skt_in_node *b = arr ? skt_in_node_new(r->doc, SKT_IN_STRING, &p, r->err) : NULL;
            ok = arr != NULL && b != NULL &&
                 skt_in_node_set_str(b, dot ? dot + 1 : "", dot ? strlen(dot + 1) : 0, r->err) == 0;
            if (ok && dot != NULL) /* "Res" (a copy: the strings are const) */
                ok = skt_in_node_set_str(node, node->str, (size_t)(dot - node->str), r->err) == 0;
            ok = ok && skt_in_node_add(arr, node, r->err) == 0 &&
                 skt_in_node_add(arr, b, r->err) == 0;
            node = arr;
        }
        ok = ok && skt_in_node_add(wrap, key, r->err) == 0 &&
             skt_in_node_add(wrap, node, r->err) == 0;
        if (!ok)
            return r->err && r->err->code ? r->err->code : SECKIT_ENOMEM;
        node = wrap;
    }
    *out = node;
    return 0;
}

int skt_in_yaml_parse(const char *data, size_t len, skt_in_doc *doc, seckit_error *err)
{
    yaml_parser_t parser;
    yaml_document_t ydoc;
    doc->root = NULL;
    SKT_ENSURE(yaml_parser_initialize(&parser), err, SECKIT_ENOMEM, "out of memory (YAML parser)");
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    if (!yaml_parser_load(&parser, &ydoc)) {
        skt_in_pos p = mark_pos(&parser.problem_mark);
        int rc =
            seckit_error_set_at(err,
                                parser.error == YAML_MEMORY_ERROR ? SECKIT_ENOMEM : SECKIT_EFORMAT,
                                p, "invalid YAML at line %lu column %lu: %s%s%s", p.line, p.column,
                                parser.problem ? parser.problem : "parse error",
                                parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return rc;
    }
    yaml_parser_delete(&parser);
    int rc;
    if (yaml_document_get_root_node(&ydoc) == NULL) {
        rc = seckit_error_set_at(err, SECKIT_EFORMAT, (seckit_position){1, 0, 0},
                                 "empty YAML document");
    } else {
        yr r = {&ydoc, doc, err};
        rc = yr_node(&r, 1, 0, &doc->root);
    }
    yaml_document_delete(&ydoc);
    return rc;
}
