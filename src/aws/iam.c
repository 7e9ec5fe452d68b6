/* IAM (query protocol, 2010-05-08): roles, inline and managed policies,
 * and GetAccountAuthorizationDetails as AWS CLI-shaped JSON. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "src/base/buf.h"
#include "src/aws/client.h"
#include "src/aws/sigv4.h"
#include "src/aws/xml.h"
#include "src/base/guard.h"

#define IAM_VERSION "2010-05-08"
#define IAM_MAX_PAGES 1000
#define IAM_DOC_MAX (1u << 20)

static int copy_field(char *dst, size_t n, const char *src, const char *what, int required,
                      seckit_error *err)
{
    if (src == NULL || *src == '\0') {
        SKT_ENSURE(!required, err, SECKIT_EFORMAT, "iam: response lacks %s", what);
        dst[0] = '\0';
        return 0;
    }
    SKT_ENSURE(strlen(src) < n, err, SECKIT_EFORMAT, "iam: %s is too long", what);
    snprintf(dst, n, "%s", src);
    return 0;
}

/* IAM returns policy documents URL-encoded. */
static int decode_doc(const char *enc, char **out, const char *what, seckit_error *err)
{
    *out = NULL;
    SKT_ENSURE(enc != NULL && *enc, err, SECKIT_EFORMAT, "iam: response lacks %s", what);
    skt_writer w;
    skt_writer_init(&w, IAM_DOC_MAX);
    int rc = skt_uri_decode(&w, enc, strlen(enc), err);
    if (rc == 0)
        rc = skt_writer_terminate(&w, err);
    if (rc != 0) {
        skt_writer_free(&w);
        seckit_error_prefix(err, what);
        return rc;
    }
    *out = (char *)skt_writer_steal(&w, NULL);
    return *out != NULL ? 0 : seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
}

void seckit_iam_role_free(seckit_iam_role *r)
{
    if (r == NULL)
        return;
    free(r->description);
    free(r->assume_role_policy);
    memset(r, 0, sizeof *r);
}

int seckit_iam_get_role(seckit_aws *aws, seckit_iam_role *out, const char *role_name,
                        seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && role_name != NULL && *role_name && out != NULL, err);
    memset(out, 0, sizeof *out);
    seckit_aws_kv p[] = {{"RoleName", role_name}};
    skt_xml_node *root;
    const skt_xml_node *res;
    SKT_GUARD(skt_aws_query_call(aws, NULL, "iam", "GetRole", IAM_VERSION, p, 1, &root, &res, err));
    const skt_xml_node *r = skt_xml_child(res, "Role");
    int rc =
        copy_field(out->name, sizeof out->name, skt_xml_text(r, "RoleName"), "RoleName", 1, err);
    if (rc == 0)
        rc = copy_field(out->arn, sizeof out->arn, skt_xml_text(r, "Arn"), "Arn", 1, err);
    if (rc == 0)
        rc = copy_field(out->role_id, sizeof out->role_id, skt_xml_text(r, "RoleId"), "RoleId", 0,
                        err);
    if (rc == 0)
        rc = copy_field(out->path, sizeof out->path, skt_xml_text(r, "Path"), "Path", 0, err);
    if (rc == 0)
        rc = copy_field(out->create_date, sizeof out->create_date, skt_xml_text(r, "CreateDate"),
                        "CreateDate", 0, err);
    if (rc == 0) {
        const char *m = skt_xml_text(r, "MaxSessionDuration");
        out->max_session_duration = m != NULL ? strtol(m, NULL, 10) : 0;
        const char *d = skt_xml_text(r, "Description");
        if (d != NULL && (out->description = strdup(d)) == NULL)
            rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    if (rc == 0)
        rc = decode_doc(skt_xml_text(r, "AssumeRolePolicyDocument"), &out->assume_role_policy,
                        "iam GetRole: AssumeRolePolicyDocument", err);
    skt_xml_free(root);
    if (rc != 0)
        seckit_iam_role_free(out);
    return rc;
}

void seckit_iam_list_free(seckit_iam_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->count; i++) {
        free(l->names[i]);
        if (l->arns != NULL)
            free(l->arns[i]);
    }
    free(l->names);
    free(l->arns);
    memset(l, 0, sizeof *l);
}

static int list_push(seckit_iam_list *l, const char *name, const char *arn, int with_arns,
                     seckit_error *err)
{
    char **nn = realloc(l->names, (l->count + 1) * sizeof *nn);
    SKT_ENSURE(nn != NULL, err, SECKIT_ENOMEM, "out of memory");
    l->names = nn;
    if (with_arns) {
        char **na = realloc(l->arns, (l->count + 1) * sizeof *na);
        SKT_ENSURE(na != NULL, err, SECKIT_ENOMEM, "out of memory");
        l->arns = na;
    }
    l->names[l->count] = strdup(name);
    if (with_arns)
        l->arns[l->count] = strdup(arn);
    l->count++;
    if (l->names[l->count - 1] == NULL || (with_arns && l->arns[l->count - 1] == NULL))
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    return 0;
}

/* Page through a List* call; with_arns: AttachedPolicies members. */
static int list_all(seckit_aws *aws, const char *action, const char *role_name, int with_arns,
                    seckit_iam_list *out, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && role_name != NULL && *role_name && out != NULL, err);
    memset(out, 0, sizeof *out);
    char marker[2048] = "";
    int rc = 0;
    for (int page = 0;; page++) {
        if (page >= IAM_MAX_PAGES) {
            rc = seckit_error_set(err, SECKIT_ELIMIT, "iam %s: more than %d pages", action,
                                  IAM_MAX_PAGES);
            break;
        }
        seckit_aws_kv p[] = {{"RoleName", role_name}, {"Marker", marker[0] ? marker : NULL}};
        skt_xml_node *root;
        const skt_xml_node *res;
        rc = skt_aws_query_call(aws, NULL, "iam", action, IAM_VERSION, p, 2, &root, &res, err);
        if (rc != 0)
            break;
        const skt_xml_node *lst =
            skt_xml_child(res, with_arns ? "AttachedPolicies" : "PolicyNames");
        for (const skt_xml_node *m = skt_xml_child(lst, "member"); m != NULL && rc == 0;
             m = skt_xml_next_same(m)) {
            if (with_arns) {
                const char *n = skt_xml_text(m, "PolicyName"), *a = skt_xml_text(m, "PolicyArn");
                if (n == NULL || a == NULL)
                    rc = seckit_error_set(err, SECKIT_EFORMAT,
                                          "iam %s: a member lacks PolicyName or PolicyArn", action);
                else
                    rc = list_push(out, n, a, 1, err);
            } else {
                rc = list_push(out, m->text, NULL, 0, err);
            }
        }
        const char *trunc = skt_xml_text(res, "IsTruncated");
        const char *mk = skt_xml_text(res, "Marker");
        int more = trunc != NULL && strcmp(trunc, "true") == 0;
        if (rc == 0 && more) {
            if (mk == NULL || *mk == '\0' || strlen(mk) >= sizeof marker || strcmp(mk, marker) == 0)
                rc = seckit_error_set(err, SECKIT_EFORMAT,
                                      "iam %s: truncated page without a new Marker", action);
            else
                snprintf(marker, sizeof marker, "%s", mk);
        }
        skt_xml_free(root);
        if (rc != 0 || !more)
            break;
    }
    if (rc != 0)
        seckit_iam_list_free(out);
    return rc;
}

int seckit_iam_list_role_policies(seckit_aws *aws, seckit_iam_list *out, const char *role_name,
                                  seckit_error *err)
{
    return list_all(aws, "ListRolePolicies", role_name, 0, out, err);
}

int seckit_iam_list_attached_role_policies(seckit_aws *aws, seckit_iam_list *out,
                                           const char *role_name, seckit_error *err)
{
    return list_all(aws, "ListAttachedRolePolicies", role_name, 1, out, err);
}

int seckit_iam_get_role_policy(seckit_aws *aws, char **document, const char *role_name,
                               const char *policy_name, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && role_name != NULL && policy_name != NULL && document != NULL,
                   err);
    *document = NULL;
    seckit_aws_kv p[] = {{"RoleName", role_name}, {"PolicyName", policy_name}};
    skt_xml_node *root;
    const skt_xml_node *res;
    SKT_GUARD(
        skt_aws_query_call(aws, NULL, "iam", "GetRolePolicy", IAM_VERSION, p, 2, &root, &res, err));
    int rc = decode_doc(skt_xml_text(res, "PolicyDocument"), document,
                        "iam GetRolePolicy: PolicyDocument", err);
    skt_xml_free(root);
    return rc;
}

int seckit_iam_get_policy(seckit_aws *aws, seckit_iam_policy *out, const char *policy_arn,
                          seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && policy_arn != NULL && out != NULL, err);
    memset(out, 0, sizeof *out);
    seckit_aws_kv p[] = {{"PolicyArn", policy_arn}};
    skt_xml_node *root;
    const skt_xml_node *res;
    SKT_GUARD(
        skt_aws_query_call(aws, NULL, "iam", "GetPolicy", IAM_VERSION, p, 1, &root, &res, err));
    const skt_xml_node *po = skt_xml_child(res, "Policy");
    int rc = copy_field(out->name, sizeof out->name, skt_xml_text(po, "PolicyName"), "PolicyName",
                        1, err);
    if (rc == 0)
        rc = copy_field(out->arn, sizeof out->arn, skt_xml_text(po, "Arn"), "Arn", 1, err);
    if (rc == 0)
        rc = copy_field(out->policy_id, sizeof out->policy_id, skt_xml_text(po, "PolicyId"),
                        "PolicyId", 0, err);
    if (rc == 0)
        rc = copy_field(out->default_version_id, sizeof out->default_version_id,
                        skt_xml_text(po, "DefaultVersionId"), "DefaultVersionId", 1, err);
    if (rc == 0) {
        const char *c = skt_xml_text(po, "AttachmentCount");
        out->attachment_count = c != NULL ? strtol(c, NULL, 10) : 0;
    }
    skt_xml_free(root);
    return rc;
}

int seckit_iam_get_policy_version(seckit_aws *aws, char **document, const char *policy_arn,
                                  const char *version_id, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && policy_arn != NULL && version_id != NULL && document != NULL,
                   err);
    *document = NULL;
    seckit_aws_kv p[] = {{"PolicyArn", policy_arn}, {"VersionId", version_id}};
    skt_xml_node *root;
    const skt_xml_node *res;
    SKT_GUARD(skt_aws_query_call(aws, NULL, "iam", "GetPolicyVersion", IAM_VERSION, p, 2, &root,
                                 &res, err));
    int rc = decode_doc(skt_xml_text(skt_xml_child(res, "PolicyVersion"), "Document"), document,
                        "iam GetPolicyVersion: Document", err);
    skt_xml_free(root);
    return rc;
}

/* ---- GetAccountAuthorizationDetails -> JSON ---- */

static const char *const list_fields[] = {"UserDetailList",
                                          "GroupDetailList",
                                          "RoleDetailList",
                                          "Policies",
                                          "UserPolicyList",
                                          "GroupPolicyList",
                                          "RolePolicyList",
                                          "AttachedManagedPolicies",
                                          "GroupList",
                                          "InstanceProfileList",
                                          "Roles",
                                          "PolicyVersionList",
                                          "Tags"};

static int in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0)
            return 1;
    return 0;
}

static int is_doc_field(const char *name)
{
    return strcmp(name, "PolicyDocument") == 0 || strcmp(name, "AssumeRolePolicyDocument") == 0 ||
           strcmp(name, "Document") == 0;
}

static cJSON *xml_to_json(const skt_xml_node *n, int depth, seckit_error *err)
{
    if (depth > 32) {
        seckit_error_set(err, SECKIT_ELIMIT, "iam: response nested too deeply");
        return NULL;
    }
    const char *name = skt_xml_local(n);
    if (n->child == NULL) {
        if (in_list(name, list_fields, SKT_ARRAY_LEN(list_fields)))
            return cJSON_CreateArray();
        if (is_doc_field(name)) {
            char *doc = NULL;
            if (decode_doc(n->text, &doc, name, err) != 0)
                return NULL;
            cJSON *j = cJSON_Parse(doc);
            if (j == NULL)
                j = cJSON_CreateString(doc);
            free(doc);
            return j;
        }
        if (strncmp(name, "Is", 2) == 0 &&
            (strcmp(n->text, "true") == 0 || strcmp(n->text, "false") == 0))
            return cJSON_CreateBool(strcmp(n->text, "true") == 0);
        size_t nl = strlen(name);
        if ((nl > 5 && strcmp(name + nl - 5, "Count") == 0) ||
            strcmp(name, "MaxSessionDuration") == 0) {
            char *end;
            double v = strtod(n->text, &end);
            if (*n->text && *end == '\0')
                return cJSON_CreateNumber(v);
        }
        return cJSON_CreateString(n->text);
    }
    int all_members = 1;
    for (const skt_xml_node *c = n->child; c != NULL; c = c->next)
        if (strcmp(skt_xml_local(c), "member") != 0)
            all_members = 0;
    cJSON *out = all_members ? cJSON_CreateArray() : cJSON_CreateObject();
    for (const skt_xml_node *c = n->child; out != NULL && c != NULL; c = c->next) {
        cJSON *v = xml_to_json(c, depth + 1, err);
        if (v == NULL) {
            cJSON_Delete(out);
            return NULL;
        }
        if (all_members)
            cJSON_AddItemToArray(out, v);
        else
            cJSON_AddItemToObject(out, skt_xml_local(c), v);
    }
    if (out == NULL)
        seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    return out;
}

int seckit_iam_get_account_authorization_details(seckit_aws *aws, char **json,
                                                 const char *const *filters, size_t nfilters,
                                                 seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && json != NULL && (nfilters == 0 || filters != NULL), err);
    SKT_ENSURE(nfilters <= 5, err, SECKIT_EINVAL, "iam: at most 5 filters");
    *json = NULL;
    static const char *const tops[] = {"UserDetailList", "GroupDetailList", "RoleDetailList",
                                       "Policies"};
    cJSON *acc = cJSON_CreateObject();
    for (size_t i = 0; acc != NULL && i < SKT_ARRAY_LEN(tops); i++)
        if (cJSON_AddArrayToObject(acc, tops[i]) == NULL) {
            cJSON_Delete(acc);
            acc = NULL;
        }
    SKT_ENSURE(acc != NULL, err, SECKIT_ENOMEM, "out of memory");
    char marker[2048] = "";
    char fnames[5][24];
    int rc = 0;
    for (int page = 0;; page++) {
        if (page >= IAM_MAX_PAGES) {
            rc = seckit_error_set(err, SECKIT_ELIMIT, "iam: more than %d pages", IAM_MAX_PAGES);
            break;
        }
        seckit_aws_kv p[7];
        size_t np = 0;
        for (size_t i = 0; i < nfilters; i++) {
            snprintf(fnames[i], sizeof fnames[i], "Filter.member.%zu", i + 1);
            p[np++] = (seckit_aws_kv){fnames[i], filters[i]};
        }
        p[np++] = (seckit_aws_kv){"Marker", marker[0] ? marker : NULL};
        skt_xml_node *root;
        const skt_xml_node *res;
        rc = skt_aws_query_call(aws, NULL, "iam", "GetAccountAuthorizationDetails", IAM_VERSION, p,
                                np, &root, &res, err);
        if (rc != 0)
            break;
        for (size_t t = 0; t < SKT_ARRAY_LEN(tops) && rc == 0; t++) {
            const skt_xml_node *lst = skt_xml_child(res, tops[t]);
            if (lst == NULL)
                continue;
            cJSON *arr = xml_to_json(lst, 0, err);
            if (arr == NULL) {
                rc = err != NULL && err->code != 0 ? err->code : SECKIT_ENOMEM;
                break;
            }
            if (!cJSON_IsArray(arr)) {
                cJSON_Delete(arr);
                rc = seckit_error_set(err, SECKIT_EFORMAT, "iam: %s is not a list", tops[t]);
                break;
            }
            cJSON *dst = cJSON_GetObjectItemCaseSensitive(acc, tops[t]);
            while (arr->child != NULL)
                cJSON_AddItemToArray(dst, cJSON_DetachItemViaPointer(arr, arr->child));
            cJSON_Delete(arr);
        }
        const char *trunc = skt_xml_text(res, "IsTruncated");
        const char *mk = skt_xml_text(res, "Marker");
        int more = trunc != NULL && strcmp(trunc, "true") == 0;
        if (rc == 0 && more) {
            if (mk == NULL || *mk == '\0' || strlen(mk) >= sizeof marker || strcmp(mk, marker) == 0)
                rc = seckit_error_set(err, SECKIT_EFORMAT,
                                      "iam GetAccountAuthorizationDetails: truncated page "
                                      "without a new Marker");
            else
                snprintf(marker, sizeof marker, "%s", mk);
        }
        skt_xml_free(root);
        if (rc != 0 || !more)
            break;
    }
    if (rc == 0) {
        *json = cJSON_Print(acc);
        if (*json == NULL)
            rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    cJSON_Delete(acc);
    return rc;
}
