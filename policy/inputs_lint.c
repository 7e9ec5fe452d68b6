/* policy/inputs: lint one extracted policy with its own type and report the
 * findings' positions in the input file. */
#include "config.h"

#include <string.h>

#include "policy/internal.h"
#include "seckit/policy.h"
#include "seckit/policy_inputs.h"
#include "src/base/guard.h"

static seckit_position to_policy_pos(const seckit_input_position *p)
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
    seckit_input_position q = seckit_policy_input_locate(in, p->offset, p->line, p->column);
    *p = to_policy_pos(&q);
}

int seckit_policy_input_lint(const seckit_policy_input *in, const seckit_policy_lint_options *opts,
                             seckit_policy_findings **out, seckit_error *err)
{
    SKT_ENSURE_ARG(in != NULL && in->text != NULL && out != NULL, err);
    seckit_policy_lint_options o;
    if (opts != NULL) {
        o = *opts;
    } else {
        memset(&o, 0, sizeof(o));
        o.type = SECKIT_POLICY_IDENTITY;
    }
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
        SKT_GUARD(seckit_policy_lint(in->text, in->text_len, &o, out, err));
    }
    if (!in->exact) {
        for (size_t i = 0; i < (*out)->count; i++) {
            remap(in, &(*out)->items[i].span.start);
            remap(in, &(*out)->items[i].span.end);
        }
    }
    return 0;
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

int seckit_policy_input_shape(const seckit_policy_input *in, seckit_policy_shape *out, seckit_error *err)
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
        if (seckit_json_parse(in->text, in->text_len, NULL, &doc, &e) < 0) {
            /* not JSON: a policy with a syntax error if it says so */
            out->is_policy = strstr(in->text, "\"Statement\"") != NULL || strstr(in->text, "\"Version\"") != NULL;
            return 0;
        }
        root = seckit_json_root(doc);
    }
    if (root->kind == SECKIT_JSON_OBJECT &&
        (seckit_json_get(root, "Statement") != NULL || seckit_json_get(root, "Version") != NULL))
        out->is_policy = 1;
    const seckit_json *sts = root->kind == SECKIT_JSON_OBJECT ? seckit_json_get(root, "Statement") : NULL;
    const seckit_json *one = sts != NULL && sts->kind == SECKIT_JSON_OBJECT ? sts : NULL;
    const seckit_json *st = sts != NULL && sts->kind == SECKIT_JSON_ARRAY ? sts->child : one;
    size_t n = 0, with_principal = 0, trustlike = 0;
    int assume = 0;
    for (; st != NULL; st = one ? NULL : st->next, n++) {
        if (st->kind != SECKIT_JSON_OBJECT)
            continue;
        int principal = seckit_json_get(st, "Principal") != NULL || seckit_json_get(st, "NotPrincipal") != NULL;
        int resource = seckit_json_get(st, "Resource") != NULL || seckit_json_get(st, "NotResource") != NULL;
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
