/* policy/inputs: lint one extracted policy with its own type and report the
 * findings' positions in the input file. */
#include "config.h"

#include <string.h>

#include "policy/internal.h"
#include "seckit/policy.h"
#include "seckit/policy_inputs.h"
#include "seckit/json.h"
#include "src/base/guard.h"
#include "src/base/options.h"

static seckit_position to_policy_pos(const seckit_position *p)
{
    seckit_position q;
    q.line = p->line;
    q.column = p->column;
    q.offset = p->offset;
    return q;
}

static void remap(const seckit_policy_input *in, seckit_position *p)
{
    if (p->line == 0)
        return; /* no position */
    seckit_position q = seckit_policy_input_locate(in, p->offset, p->line, p->column);
    *p = to_policy_pos(&q);
}

/* The node at a finding's path in the tree, or NULL. */
static const seckit_json *node_at(const seckit_json *root, const seckit_path_element *el, size_t n)
{
    const seckit_json *v = root;
    for (size_t k = 0; k < n && v != NULL; k++) {
        const seckit_json *c = v->child;
        if (el[k].is_index) {
            if (v->kind != SECKIT_JSON_ARRAY)
                return NULL;
            while (c != NULL && c->index != el[k].index)
                c = c->next;
        } else {
            if (v->kind != SECKIT_JSON_OBJECT)
                return NULL;
            while (c != NULL && strcmp(c->key, el[k].value) != 0)
                c = c->next;
        }
        v = c;
    }
    return v;
}

/* Append s[0..n) to b (capacity cap); 0 when it does not fit. */
static int put(char *b, size_t cap, size_t *len, const char *s, size_t n)
{
    if (n >= cap - *len)
        return 0;
    memcpy(b + *len, s, n);
    *len += n;
    b[*len] = '\0';
    return 1;
}

/* msg with every from[0..fn) replaced by to[0..tn), into out (cap); 0 when
 * it does not fit. */
static int replace_all(const char *msg, const char *from, size_t fn, const char *to, size_t tn,
                       char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (const char *p = msg; *p != '\0';) {
        const char *hit = NULL;
        for (const char *q = p; fn > 0 && *q != '\0'; q++)
            if (strncmp(q, from, fn) == 0) {
                hit = q;
                break;
            }
        if (hit == NULL)
            return put(out, cap, &len, p, strlen(p));
        if (!put(out, cap, &len, p, (size_t)(hit - p)) || !put(out, cap, &len, to, tn))
            return 0;
        p = hit + fn;
    }
    return 1;
}

/* The message of a finding about a CloudFormation value that Fn::Sub built
 * with an unknown parameter's placeholder, with the parameter named: the
 * whole value as the template wrote it (value -> shown), then each
 * placeholder left (a field: "account 000000000000") by ${Param}.  The
 * placeholders are found by walking value and shown together: a ${Name}
 * of shown stands for the text of value up to where the literal text
 * after it resumes. */
static int name_parameters(const char *msg, const char *value, size_t vn, const char *shown,
                           size_t sn, char *out, size_t cap)
{
    char a[2048], b[2048];
    if (!replace_all(msg, value, vn, shown, sn, a, sizeof(a)))
        return 0;
    size_t i = 0, j = 0;
    while (i < vn && j < sn) {
        if (shown[j] == '$' && j + 1 < sn && shown[j + 1] == '{') {
            const char *close = memchr(shown + j, '}', sn - j);
            if (close == NULL)
                break;
            size_t after = (size_t)(close - shown) + 1;
            /* the literal text after the variable, up to the next one */
            size_t lit_end = after;
            while (lit_end < sn &&
                   !(shown[lit_end] == '$' && lit_end + 1 < sn && shown[lit_end + 1] == '{'))
                lit_end++;
            size_t end = vn;
            if (lit_end > after) {
                const char *q = NULL;
                for (size_t k = i; k + (lit_end - after) <= vn; k++)
                    if (memcmp(value + k, shown + after, lit_end - after) == 0) {
                        q = value + k;
                        break;
                    }
                if (q == NULL)
                    break;
                end = (size_t)(q - value);
            }
            if (end > i) {
                if (!replace_all(a, value + i, end - i, shown + j, after - j, b, sizeof(b)))
                    return 0;
                memcpy(a, b, strlen(b) + 1);
            }
            i = end;
            j = after;
        } else if (value[i] == shown[j]) {
            i++;
            j++;
        } else {
            break;
        }
    }
    size_t len = 0;
    return put(out, cap, &len, a, strlen(a));
}

/* Name the CloudFormation parameters in the findings about values built
 * with their placeholders (in->substituted). */
static int name_substituted(const seckit_policy_input *in, seckit_policy_findings *f,
                            seckit_error *err)
{
    if (in->substituted == NULL || f->count == 0)
        return 0;
    /* the tree the findings' paths lead through: the input's, or its text
     * parsed (then paths only are used: positions do not matter) */
    const seckit_json *root = in->tree;
    seckit_json_doc *doc = NULL;
    if (root == NULL) {
        seckit_error perr;
        seckit_error_clear(&perr);
        int rc = seckit_json_parse(&doc, in->text, in->text_len, NULL, &perr);
        SKT_ENSURE(rc != SECKIT_ENOMEM, err, SECKIT_ENOMEM, "out of memory");
        if (rc != 0)
            return 0; /* (a JSON_SYNTAX_ERROR finding: no paths) */
        root = seckit_json_root(doc);
    }
    int rc = 0;
    for (size_t i = 0; i < f->count && rc == 0; i++) {
        const seckit_json *v = node_at(root, f->items[i].path_elements, f->items[i].path_len);
        if (v == NULL || v->kind != SECKIT_JSON_STRING)
            continue;
        for (const char *line = in->substituted; *line != '\0';) {
            const char *tab = strchr(line, '\t');
            const char *nl = tab != NULL ? strchr(tab, '\n') : NULL;
            if (tab == NULL || nl == NULL)
                break;
            size_t vn = (size_t)(tab - line);
            if (vn == v->len && memcmp(line, v->str, vn) == 0) {
                char msg[2048];
                if (name_parameters(f->items[i].message, line, vn, tab + 1, (size_t)(nl - tab - 1),
                                    msg, sizeof(msg)) &&
                    skt_policy_findings_set_message(f, i, msg) != 0)
                    rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
                break;
            }
            line = nl + 1;
        }
    }
    seckit_json_free(doc);
    return rc;
}

int seckit_policy_input_lint(const seckit_policy_input *in, seckit_policy_findings **out,
                             const seckit_policy_lint_options *opts, seckit_error *err)
{
    SKT_ENSURE_ARG(in != NULL && in->text != NULL && out != NULL, err);
    SKT_GUARD(skt_options_check(opts, SECKIT_POLICY_LINT_OPTIONS_VERSION,
                                "seckit_policy_lint_options", err));
    seckit_policy_lint_options o = SECKIT_POLICY_LINT_OPTIONS_INIT; /* an identity policy */
    if (opts != NULL)
        o = *opts;
    if (in->type_known) {
        o.type = in->type;
        o.resource_type = in->resource_type;
    }
    memset(&o.base, 0, sizeof(o.base));
    /* The policy's tree (read from the file: positions in the file; or
     * built with the written text: positions in that text) is linted, so
     * the text is not parsed again; the text still gives the size quotas
     * their count. */
    if (in->tree != NULL) {
        SKT_GUARD(skt_policy_lint_tree_text(in->tree, in->text, in->text_len, &o, out, err));
    } else {
        if (in->exact)
            o.base = to_policy_pos(&in->base); /* the linter shifts its own positions */
        SKT_GUARD(seckit_policy_lint(out, in->text, in->text_len, &o, err));
    }
    if (!in->exact) {
        for (size_t i = 0; i < (*out)->count; i++) {
            remap(in, &(*out)->items[i].span.start);
            remap(in, &(*out)->items[i].span.end);
            /* (the linter's own locations: not shared with other findings) */
            seckit_policy_location *more =
                (seckit_policy_location *)(*out)->items[i].more_locations;
            for (size_t k = 0; k < (*out)->items[i].more_count; k++) {
                remap(in, &more[k].span.start);
                remap(in, &more[k].span.end);
            }
        }
    }
    int rc = name_substituted(in, *out, err);
    if (rc != 0) {
        seckit_policy_findings_free(*out);
        *out = NULL;
    }
    return rc;
}

/* ---- what a bare document looks like ---- */

static int ci_prefix(const char *s, size_t len, const char *p)
{
    size_t n = strlen(p);
    if (len < n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != p[i])
            return 0;
    }
    return 1;
}

static int ci_equal(const char *s, size_t len, const char *p)
{
    return len == strlen(p) && ci_prefix(s, len, p);
}

/* Every action of st (Action, a string or array of strings) is one a trust
 * policy grants; *assume set when one is sts:AssumeRole*. */
static int trust_actions(const seckit_json *st, int *assume)
{
    const seckit_json *a = seckit_json_get(st, "Action");
    if (a == NULL)
        return 0;
    const seckit_json *one = a->kind == SECKIT_JSON_STRING ? a : NULL;
    const seckit_json *it = a->kind == SECKIT_JSON_ARRAY ? a->child : one;
    if (it == NULL)
        return 0;
    for (; it != NULL; it = one ? NULL : it->next) {
        if (it->kind != SECKIT_JSON_STRING)
            return 0;
        if (ci_prefix(it->str, it->len, "sts:assumerole"))
            *assume = 1;
        else if (!ci_equal(it->str, it->len, "sts:tagsession") &&
                 !ci_equal(it->str, it->len, "sts:setsourceidentity") &&
                 !ci_equal(it->str, it->len, "sts:setcontext"))
            return 0;
    }
    return 1;
}

int seckit_policy_input_shape(const seckit_policy_input *in, seckit_policy_shape *out,
                              seckit_error *err)
{
    SKT_ENSURE_ARG(in != NULL && out != NULL, err);
    memset(out, 0, sizeof(*out));
    out->type = SECKIT_POLICY_IDENTITY;
    out->resource_type = SECKIT_RESOURCE_NONE;
    seckit_json_doc *doc = NULL;
    const seckit_json *root = in->tree;
    if (root == NULL) {
        seckit_error e;
        seckit_error_clear(&e);
        if (seckit_json_parse(&doc, in->text, in->text_len, NULL, &e) < 0) {
            /* not JSON: a policy with a syntax error if it says so */
            out->is_policy = strstr(in->text, "\"Statement\"") != NULL ||
                             strstr(in->text, "\"Version\"") != NULL;
            return 0;
        }
        root = seckit_json_root(doc);
    }
    if (root->kind == SECKIT_JSON_OBJECT &&
        (seckit_json_get(root, "Statement") != NULL || seckit_json_get(root, "Version") != NULL))
        out->is_policy = 1;
    const seckit_json *sts = root->kind == SECKIT_JSON_OBJECT ? seckit_json_get(root, "Statement")
                                                              : NULL;
    const seckit_json *one = sts != NULL && sts->kind == SECKIT_JSON_OBJECT ? sts : NULL;
    const seckit_json *st = sts != NULL && sts->kind == SECKIT_JSON_ARRAY ? sts->child : one;
    size_t n = 0, with_principal = 0, trustlike = 0;
    int assume = 0;
    for (; st != NULL; st = one ? NULL : st->next, n++) {
        if (st->kind != SECKIT_JSON_OBJECT)
            continue;
        int principal = seckit_json_get(st, "Principal") != NULL ||
                        seckit_json_get(st, "NotPrincipal") != NULL;
        int resource = seckit_json_get(st, "Resource") != NULL ||
                       seckit_json_get(st, "NotResource") != NULL;
        if (principal)
            with_principal++;
        if (principal && !resource && trust_actions(st, &assume))
            trustlike++;
    }
    if (n > 0 && trustlike == n && assume) {
        out->type = SECKIT_POLICY_TRUST;
        out->resource_type = SECKIT_RESOURCE_IAM_ROLE_TRUST;
    } else if (with_principal > 0) {
        out->type = SECKIT_POLICY_RESOURCE;
    }
    seckit_json_free(doc);
    return 0;
}
