/* policy/: a principal's own policies from the output of
 * `aws iam get-account-authorization-details`, into a policy set. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "policy/model.h"
#include "src/base/guard.h"
#include "src/base/hex.h"

static int str_is(const seckit_json *v, const char *s)
{
    return v != NULL && v->kind == SECKIT_JSON_STRING && strcmp(v->str, s) == 0;
}

/* A policy document member: an object, or a (URL-encoded) JSON string. */
static int add_document(seckit_policy_set *set, seckit_eval_role role, const char *name,
                        const char *file, const seckit_json *doc, seckit_error *err)
{
    if (doc == NULL)
        return seckit_error_set(err, SECKIT_EFORMAT, "%s: policy %s has no document",
                                file ? file : "", name);
    if (doc->kind == SECKIT_JSON_OBJECT)
        return seckit_policy_set_add_tree(set, role, name, file, doc, err);
    if (doc->kind != SECKIT_JSON_STRING)
        return seckit_error_set_at(err, SECKIT_EFORMAT, doc->span.start,
                                   "%s:%lu: policy %s: the document is not an object",
                                   file ? file : "", doc->span.start.line, name);
    char *text = malloc(doc->len + 1);
    SKT_ENSURE(text != NULL, err, SECKIT_ENOMEM, "out of memory");
    size_t n = 0;
    int encoded = doc->len > 0 && doc->str[0] == '%';
    for (size_t i = 0; i < doc->len; i++) {
        if (encoded && doc->str[i] == '%' && i + 2 < doc->len &&
            skt_hex_digit(doc->str[i + 1]) >= 0 && skt_hex_digit(doc->str[i + 2]) >= 0) {
            text[n++] =
                (char)(skt_hex_digit(doc->str[i + 1]) * 16 + skt_hex_digit(doc->str[i + 2]));
            i += 2;
        } else if (encoded && doc->str[i] == '+') {
            text[n++] = ' ';
        } else {
            text[n++] = doc->str[i];
        }
    }
    int rc = seckit_policy_set_add(set, role, name, file, text, n, err);
    free(text);
    return rc;
}

static const seckit_json *find_by(const seckit_json *list, const char *field, const char *value)
{
    if (list == NULL || list->kind != SECKIT_JSON_ARRAY)
        return NULL;
    for (const seckit_json *e = list->child; e; e = e->next)
        if (e->kind == SECKIT_JSON_OBJECT && str_is(seckit_json_get(e, field), value))
            return e;
    return NULL;
}

/* The default version's document of a managed policy from "Policies". */
static int add_managed(seckit_policy_set *set, seckit_eval_role role, const char *file,
                       const seckit_json *root, const char *arn, const char *owner,
                       seckit_error *err)
{
    const seckit_json *pol = find_by(seckit_json_get(root, "Policies"), "Arn", arn);
    if (pol == NULL)
        return seckit_error_set(err, SECKIT_ENOTFOUND,
                                "%s: managed policy %s (of %s) is not in the dump",
                                file ? file : "", arn, owner);
    const seckit_json *name = seckit_json_get(pol, "PolicyName");
    const seckit_json *versions = seckit_json_get(pol, "PolicyVersionList");
    const seckit_json *def = seckit_json_get(pol, "DefaultVersionId");
    const seckit_json *doc = NULL;
    if (versions != NULL && versions->kind == SECKIT_JSON_ARRAY)
        for (const seckit_json *v = versions->child; v && doc == NULL; v = v->next) {
            const seckit_json *is_def = seckit_json_get(v, "IsDefaultVersion");
            if ((is_def != NULL && is_def->kind == SECKIT_JSON_TRUE) ||
                (def != NULL && def->kind == SECKIT_JSON_STRING &&
                 str_is(seckit_json_get(v, "VersionId"), def->str)))
                doc = seckit_json_get(v, "Document");
        }
    return add_document(set, role, name && name->kind == SECKIT_JSON_STRING ? name->str : arn, file,
                        doc, err);
}

/* Inline policies (list of {PolicyName, PolicyDocument}) and attached
 * managed policies of one entity. */
static int add_entity(seckit_policy_set *set, const char *file, const seckit_json *root,
                      const seckit_json *ent, const char *inline_field, const char *owner,
                      seckit_error *err)
{
    const seckit_json *inl = seckit_json_get(ent, inline_field);
    if (inl != NULL && inl->kind == SECKIT_JSON_ARRAY)
        for (const seckit_json *p = inl->child; p; p = p->next) {
            const seckit_json *nm = seckit_json_get(p, "PolicyName");
            int rc = add_document(set, SECKIT_EVAL_IDENTITY,
                                  nm && nm->kind == SECKIT_JSON_STRING ? nm->str : owner, file,
                                  seckit_json_get(p, "PolicyDocument"), err);
            SKT_GUARD(rc);
        }
    const seckit_json *att = seckit_json_get(ent, "AttachedManagedPolicies");
    if (att != NULL && att->kind == SECKIT_JSON_ARRAY)
        for (const seckit_json *p = att->child; p; p = p->next) {
            const seckit_json *arn = seckit_json_get(p, "PolicyArn");
            if (arn == NULL || arn->kind != SECKIT_JSON_STRING)
                continue;
            int rc = add_managed(set, SECKIT_EVAL_IDENTITY, file, root, arn->str, owner, err);
            SKT_GUARD(rc);
        }
    return 0;
}

int seckit_policy_set_add_authorization_details(seckit_policy_set *set, const char *file,
                                                const char *json, size_t len, const char *principal,
                                                seckit_error *err)
{
    if (set == NULL || json == NULL || principal == NULL)
        return seckit_error_set(err, SECKIT_EINVAL, "authorization details: bad argument");
    seckit_json_doc *doc = NULL;
    int rc = seckit_json_parse(&doc, json, len, NULL, err);
    if (rc != 0) {
        if (file != NULL)
            seckit_error_prefix(err, file);
        return rc;
    }
    const seckit_json *root = seckit_json_root(doc);
    skt_principal p;
    skt_principal_classify(principal, strlen(principal), &p);
    const seckit_json *ent = NULL;
    int is_user = 0;
    if (p.kind == SKT_PRIN_USER) {
        ent = find_by(seckit_json_get(root, "UserDetailList"), "Arn", principal);
        is_user = 1;
    } else if (p.kind == SKT_PRIN_ROLE) {
        ent = find_by(seckit_json_get(root, "RoleDetailList"), "Arn", principal);
    } else if (p.kind == SKT_PRIN_SESSION) {
        const char *rp = strstr(principal, ":assumed-role/") + 14;
        const char *slash = strchr(rp, '/');
        size_t rl = slash ? (size_t)(slash - rp) : strlen(rp);
        const seckit_json *roles = seckit_json_get(root, "RoleDetailList");
        if (roles != NULL && roles->kind == SECKIT_JSON_ARRAY)
            for (const seckit_json *e = roles->child; e && ent == NULL; e = e->next) {
                const seckit_json *nm = seckit_json_get(e, "RoleName"),
                                  *arn = seckit_json_get(e, "Arn");
                skt_principal rpn;
                if (nm && nm->kind == SECKIT_JSON_STRING && nm->len == rl &&
                    memcmp(nm->str, rp, rl) == 0 && arn && arn->kind == SECKIT_JSON_STRING) {
                    skt_principal_classify(arn->str, arn->len, &rpn);
                    if (strcmp(rpn.account, p.account) == 0)
                        ent = e;
                }
            }
    } else {
        rc = seckit_error_set(
            err, SECKIT_EINVAL,
            "authorization details: %s is not an IAM user, role or role session ARN", principal);
        goto out;
    }
    if (root == NULL || root->kind != SECKIT_JSON_OBJECT ||
        (seckit_json_get(root, "UserDetailList") == NULL &&
         seckit_json_get(root, "RoleDetailList") == NULL)) {
        rc = seckit_error_set(err, SECKIT_EFORMAT,
                              "%s: not the output of aws iam get-account-authorization-details",
                              file ? file : "");
        goto out;
    }
    SKT_ENSURE_GOTO(ent != NULL, err, rc, out, SECKIT_ENOTFOUND,
                    "%s: no %s %s in the authorization details", file ? file : "",
                    is_user ? "user" : "role", principal);
    rc = add_entity(set, file, root, ent, is_user ? "UserPolicyList" : "RolePolicyList", principal,
                    err);
    if (rc == 0 && is_user) {
        const seckit_json *groups = seckit_json_get(ent, "GroupList");
        if (groups != NULL && groups->kind == SECKIT_JSON_ARRAY)
            for (const seckit_json *g = groups->child; g && rc == 0; g = g->next) {
                if (g->kind != SECKIT_JSON_STRING)
                    continue;
                const seckit_json *ge =
                    find_by(seckit_json_get(root, "GroupDetailList"), "GroupName", g->str);
                if (ge == NULL) {
                    rc = seckit_error_set(err, SECKIT_ENOTFOUND,
                                          "%s: group %s of %s is not in the dump", file ? file : "",
                                          g->str, principal);
                    break;
                }
                rc = add_entity(set, file, root, ge, "GroupPolicyList", g->str, err);
            }
    }
    if (rc == 0) {
        const seckit_json *pb = seckit_json_get(ent, "PermissionsBoundary");
        const seckit_json *pba = pb ? seckit_json_get(pb, "PermissionsBoundaryArn") : NULL;
        if (pba != NULL && pba->kind == SECKIT_JSON_STRING)
            rc = add_managed(set, SECKIT_EVAL_BOUNDARY, file, root, pba->str, principal, err);
    }
out:
    seckit_json_free(doc);
    return rc;
}
