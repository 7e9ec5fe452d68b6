/* Reads the differential test's cases (tests/interop/policy-eval-diff.js
 * gen: one JSON object a line with the policies by role, the request and its
 * typed context) and prints seckit's decision for each, one a line:
 * allowed, explicitDeny, implicitDeny, or "error MESSAGE". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seckit/eval.h"
#include "seckit/policy.h"
#include "seckit/json.h"

static int add_list(seckit_policy_set *set, seckit_eval_role role, const seckit_json *list,
                    seckit_error *err)
{
    if (list == NULL)
        return 0;
    if (list->kind == SECKIT_JSON_OBJECT)
        return seckit_policy_set_add_tree(set, role, seckit_eval_role_name(role), NULL, list, err);
    size_t i = 0;
    for (const seckit_json *p = list->child; p; p = p->next, i++) {
        char name[32];
        snprintf(name, sizeof name, "%s%zu", seckit_eval_role_name(role), i);
        int rc = seckit_policy_set_add_tree(set, role, name, NULL, p, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static const char *str_of(const seckit_json *v)
{
    return v && v->kind == SECKIT_JSON_STRING ? v->str : NULL;
}

static void one(const char *line, size_t len)
{
    seckit_error err;
    seckit_error_clear(&err);
    seckit_json_doc *doc = NULL;
    seckit_policy_set *set = NULL;
    seckit_eval_result *res = NULL;
    seckit_context_entry ctx[64];
    const char *vals[256];
    size_t nctx = 0, nvals = 0;
    int rc = seckit_json_parse(&doc, line, len, NULL, &err);
    if (rc == 0)
        rc = seckit_policy_set_new(&set, &err);
    const seckit_json *root = rc == 0 ? seckit_json_root(doc) : NULL;
    if (rc == 0)
        rc = add_list(set, SECKIT_EVAL_IDENTITY, seckit_json_get(root, "identity"), &err);
    if (rc == 0)
        rc = add_list(set, SECKIT_EVAL_RESOURCE, seckit_json_get(root, "resourcePolicy"), &err);
    if (rc == 0)
        rc = add_list(set, SECKIT_EVAL_BOUNDARY, seckit_json_get(root, "boundary"), &err);
    if (rc == 0)
        rc = add_list(set, SECKIT_EVAL_SCP, seckit_json_get(root, "scps"), &err);
    if (rc == 0)
        rc = add_list(set, SECKIT_EVAL_RCP, seckit_json_get(root, "rcps"), &err);
    if (rc == 0)
        rc = add_list(set, SECKIT_EVAL_SESSION, seckit_json_get(root, "session"), &err);
    if (rc == 0) {
        const seckit_json *c = seckit_json_get(root, "context"),
                          *types = seckit_json_get(root, "types");
        for (const seckit_json *k = c ? c->child : NULL; k && nctx < 64; k = k->next) {
            seckit_context_entry *e = &ctx[nctx];
            const char *t = str_of(seckit_json_get(types, k->key));
            if (t == NULL || seckit_context_type_parse(&e->type, t, NULL) != 0)
                e->type = k->kind == SECKIT_JSON_ARRAY ? SECKIT_CONTEXT_STRING_LIST
                                                       : SECKIT_CONTEXT_STRING;
            e->key = k->key;
            e->values = vals + nvals;
            e->count = 0;
            if (k->kind == SECKIT_JSON_ARRAY) {
                for (const seckit_json *v = k->child; v && nvals < 256; v = v->next)
                    vals[nvals++] = str_of(v), e->count++;
            } else if (nvals < 256) {
                vals[nvals++] = str_of(k);
                e->count = 1;
            }
            nctx++;
        }
        seckit_eval_request req = {
            .principal = str_of(seckit_json_get(root, "principal")),
            .action = str_of(seckit_json_get(root, "action")),
            .resource = str_of(seckit_json_get(root, "resource")),
            .resource_account = str_of(seckit_json_get(root, "account")),
            .context = ctx,
            .context_count = nctx,
        };
        rc = seckit_policy_eval(set, &res, &req, &err);
    }
    if (rc == 0)
        printf("%s\t%s\n", seckit_decision_name(seckit_eval_result_decision(res)),
               seckit_eval_result_reason(res));
    else
        printf("error %s\n", err.message);
    seckit_eval_result_free(res);
    seckit_policy_set_free(set);
    seckit_json_free(doc);
}

int main(void)
{
    static char line[1 << 20];
    while (fgets(line, sizeof line, stdin) != NULL) {
        size_t n = strlen(line);
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n > 0)
            one(line, n);
    }
    return 0;
}
