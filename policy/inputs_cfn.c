/* CloudFormation templates (JSON or YAML tree): the policies of IAM roles,
 * users, groups, policies, and the resource policies of S3, SQS, SNS, KMS,
 * Secrets Manager, DynamoDB and Lambda permissions.
 *
 * The intrinsic functions in them are evaluated by policy/cfn_eval.c, with
 * placeholders (policy/cfn_eval.h, docs/policy-inputs.md). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/cfn_eval.h"
#include "policy/inputs_internal.h"
#include "src/base/guard.h"

/* ---- extraction ---- */

#define OWNER_MAX 512

/* Give the policy added as item `had` of the list (if it was) the values
 * that Fn::Sub built with unknown parameters since `since` (the newest
 * record then), "VALUE\tSHOWN\n" each, for seckit_policy_input_lint's
 * messages.  Without them (no memory) messages show the placeholders. */
static void attach_subs(cfn *c, size_t had, const sub_rec *since)
{
    if (c->subs == since || c->l->n != had + 1)
        return;
    skt_sb b;
    skt_sb_init(&b, SKT_IN_MAX_TEXT);
    for (const sub_rec *r = c->subs; r != since && r != NULL; r = r->next) {
        skt_sb_str(&b, r->value);
        skt_sb_put(&b, "\t", 1);
        skt_sb_str(&b, r->shown);
        skt_sb_put(&b, "\n", 1);
    }
    if (b.failed)
        skt_sb_free(&b);
    else
        c->l->items[had].substituted = b.data; /* the list owns it now */
}

/* since: when docnode's values were computed before this call, the newest
 * Fn::Sub record before that (which may be NULL); else NULL. */
static int add_policy(cfn *c, const skt_in_node *docnode, seckit_policy_type type,
                      seckit_policy_resource_type resource_type, const char *owner,
                      const sub_rec *const *since)
{
    ectx x = {0, NULL};
    skt_in_node *v = NULL;
    const sub_rec *before = c->subs;
    size_t had = c->l->n;
    SKT_GUARD(skt_cfn_eval(c, docnode, &x, 0, &v));
    if (v == NULL)
        return 0; /* AWS::NoValue */
    int rc;
    if (v->kind == SKT_IN_STRING) {
        /* A JSON string (or Fn::Sub of one): positions inside it are not kept. */
        rc = skt_in_add_string(c->l, v, type, resource_type, owner, c->err);
    } else if (v->kind == SKT_IN_OBJECT) {
        rc = skt_in_add_tree(c->l, v, type, resource_type, owner, c->err);
    } else {
        rc = seckit_error_set_at(c->err, SECKIT_EFORMAT, docnode->pos,
                                 "line %lu column %lu: %s: the policy document is neither an "
                                 "object nor a string",
                                 docnode->pos.line, docnode->pos.column, owner);
    }
    if (rc == 0)
        attach_subs(c, had, since != NULL ? *since : before);
    return rc;
}

/* The name of something that may be an intrinsic (PolicyName: !Sub ...). */
static void name_of(cfn *c, const skt_in_node *n, char *buf, size_t cap)
{
    snprintf(buf, cap, "?");
    if (n == NULL)
        return;
    if (n->kind == SKT_IN_STRING) {
        snprintf(buf, cap, "%s", n->str);
        return;
    }
    ectx x = {0, NULL};
    skt_in_node *v = NULL;
    seckit_error scratch;
    seckit_error *saved = c->err;
    c->err = &scratch;
    if (skt_cfn_eval(c, n, &x, 0, &v) == 0 && skt_cfn_scalar_text(v) != NULL)
        snprintf(buf, cap, "%s", skt_cfn_scalar_text(v));
    c->err = saved;
}

static int inline_policies(cfn *c, const skt_in_node *props, const char *type, const char *id)
{
    const skt_in_node *list = skt_in_get(props, "Policies");
    if (list == NULL)
        return 0;
    ectx x = {0, NULL};
    skt_in_node *ev = NULL;
    const sub_rec *since = c->subs;
    /* The list itself may be an intrinsic (Fn::If [cond, [...], NoValue]). */
    SKT_GUARD(skt_cfn_eval(c, list, &x, 0, &ev));
    int rc = 0;
    for (size_t i = 0; ev != NULL && ev->kind == SKT_IN_ARRAY && i < ev->n && rc == 0; i++) {
        const skt_in_node *p = ev->kids[i];
        const skt_in_node *doc = skt_in_get(p, "PolicyDocument");
        if (doc == NULL)
            continue;
        char name[256], owner[OWNER_MAX];
        name_of(c, skt_in_get(p, "PolicyName"), name, sizeof(name));
        snprintf(owner, sizeof(owner), "%s %s (inline policy %s)", type, id, name);
        rc = add_policy(c, doc, SECKIT_POLICY_IDENTITY, SECKIT_RESOURCE_NONE, owner, &since);
    }
    return rc;
}

/* AWS::Serverless::Function / StateMachine (SAM): Policies is a policy
 * document, a managed policy name/ARN, a SAM policy template
 * ({S3ReadPolicy: {...}}), or a list of those; only documents are linted. */
static int sam_policies(cfn *c, const skt_in_node *props, const char *type, const char *id)
{
    const skt_in_node *pol = skt_in_get(props, "Policies");
    if (pol == NULL)
        return 0;
    ectx x = {0, NULL};
    skt_in_node *ev = NULL;
    const sub_rec *since = c->subs;
    SKT_GUARD(skt_cfn_eval(c, pol, &x, 0, &ev));
    int rc = 0;
    size_t count = ev == NULL ? 0 : ev->kind == SKT_IN_ARRAY ? ev->n : 1;
    for (size_t i = 0; i < count && rc == 0; i++) {
        const skt_in_node *d = ev->kind == SKT_IN_ARRAY ? ev->kids[i] : ev;
        if (skt_in_get(d, "Statement") == NULL)
            continue;
        char owner[OWNER_MAX];
        snprintf(owner, sizeof(owner), "%s %s (policy %zu)", type, id, i + 1);
        size_t had = c->l->n;
        rc = skt_in_add_tree(c->l, d, SECKIT_POLICY_IDENTITY, SECKIT_RESOURCE_NONE, owner, c->err);
        if (rc == 0)
            attach_subs(c, had, since);
    }
    return rc;
}

/* The statement's Condition, from the permission's SourceArn, SourceAccount
 * and PrincipalOrgID (when given and resolved). */
static int permission_conditions(cfn *c, const skt_in_node *props, const skt_in_pos *at,
                                 skt_in_node *st)
{
    skt_in_node *cond = NULL;
    int rc = 0;
    static const struct {
        const char *prop, *op, *key;
        int arn;
    } conds[] = {
        {"SourceArn", "ArnLike", "aws:SourceArn", 1},
        {"SourceAccount", "StringEquals", "aws:SourceAccount", 0},
        {"PrincipalOrgID", "StringEquals", "aws:PrincipalOrgID", 0},
    };
    for (size_t i = 0; i < SKT_ARRAY_LEN(conds) && rc == 0; i++) {
        const skt_in_node *pn = skt_in_get(props, conds[i].prop);
        if (pn == NULL)
            continue;
        skt_in_node *v = NULL;
        ectx cx = {conds[i].arn, NULL};
        rc = skt_cfn_eval(c, pn, &cx, 0, &v);
        if (rc != 0 || v == NULL)
            continue;
        if (cond == NULL &&
            (cond = skt_in_node_new(c->doc, SKT_IN_OBJECT, &pn->pos, c->err)) == NULL) {
            rc = skt_cfn_oom(c);
            break;
        }
        skt_in_node *op = skt_in_get(cond, conds[i].op);
        if (op == NULL) {
            op = skt_in_node_new(c->doc, SKT_IN_OBJECT, &pn->pos, c->err);
            rc = skt_cfn_obj_put(c, cond, conds[i].op, &pn->pos, op);
            if (rc != 0)
                break;
        }
        rc = skt_cfn_obj_put(c, op, conds[i].key, &pn->pos, v);
    }
    if (rc == 0 && cond != NULL)
        rc = skt_cfn_obj_put(c, st, "Condition", at, cond);
    return rc;
}

/* AWS::Lambda::Permission has no policy document: make the statement that
 * Lambda adds to the function's resource policy. */
static int lambda_permission(cfn *c, const skt_in_node *res, const skt_in_node *props,
                             const char *id)
{
    const skt_in_node *principal = skt_in_get(props, "Principal");
    const skt_in_node *action = skt_in_get(props, "Action");
    const skt_in_node *fn = skt_in_get(props, "FunctionName");
    if (principal == NULL || action == NULL || fn == NULL)
        return 0;
    ectx plain = {0, "lambda"}, arn = {1, "lambda"};
    skt_in_node *pv = NULL, *av = NULL, *fv = NULL;
    skt_in_node *pr = NULL;
    const sub_rec *since = c->subs;
    int rc = skt_cfn_eval(c, principal, &plain, 0, &pv);
    if (rc == 0)
        rc = skt_cfn_eval(c, action, &plain, 0, &av);
    if (rc == 0)
        rc = skt_cfn_eval(c, fn, &arn, 0, &fv);
    if (rc != 0 || pv == NULL || av == NULL || fv == NULL)
        return rc;
    if (fv->kind == SKT_IN_STRING && strncmp(fv->str, "arn:", 4) != 0) {
        char buf[1024];
        snprintf(buf, sizeof(buf),
                 "arn:aws:lambda:" SKT_CFN_REGION ":" SKT_CFN_ACCOUNT ":function:%s", fv->str);
        fv = skt_cfn_cstr(c, &fv->pos, buf);
        if (fv == NULL)
            return skt_cfn_oom(c);
    }
    skt_in_node *policy = skt_in_node_new(c->doc, SKT_IN_OBJECT, &res->pos, c->err);
    skt_in_node *stmts = skt_in_node_new(c->doc, SKT_IN_ARRAY, &res->pos, c->err);
    skt_in_node *st = skt_in_node_new(c->doc, SKT_IN_OBJECT, &res->pos, c->err);
    if (policy == NULL || stmts == NULL || st == NULL)
        return skt_cfn_oom(c);
    const char *ps = pv->kind == SKT_IN_STRING ? pv->str : "";
    if (strcmp(ps, "*") == 0) {
        pr = pv;
    } else {
        pr = skt_in_node_new(c->doc, SKT_IN_OBJECT, &pv->pos, c->err);
        if (pr == NULL)
            return skt_cfn_oom(c);
        const char *kind =
            strstr(ps, ".amazonaws.com") != NULL || strstr(ps, ".amazon.com") ? "Service" : "AWS";
        rc = skt_cfn_obj_put(c, pr, kind, &pv->pos, pv);
    }
    if (rc == 0)
        rc = skt_cfn_obj_put(c, policy, "Version", &res->pos,
                             skt_cfn_cstr(c, &res->pos, "2012-10-17"));
    if (rc == 0)
        rc = skt_cfn_obj_put(c, st, "Effect", &res->pos, skt_cfn_cstr(c, &res->pos, "Allow"));
    if (rc == 0)
        rc = skt_cfn_obj_put(c, st, "Principal", &principal->pos, pr);
    if (rc == 0)
        rc = skt_cfn_obj_put(c, st, "Action", &action->pos, av);
    if (rc == 0)
        rc = skt_cfn_obj_put(c, st, "Resource", &fn->pos, fv);
    if (rc == 0)
        rc = permission_conditions(c, props, &res->pos, st);
    if (rc == 0)
        rc = skt_in_node_add(stmts, st, c->err);
    if (rc == 0)
        rc = skt_cfn_obj_put(c, policy, "Statement", &res->pos, stmts);
    if (rc == 0) {
        char owner[OWNER_MAX];
        snprintf(owner, sizeof(owner),
                 "AWS::Lambda::Permission %s (statement made from its "
                 "properties)",
                 id);
        size_t had = c->l->n;
        rc = skt_in_add_tree(c->l, policy, SECKIT_POLICY_RESOURCE, SECKIT_RESOURCE_LAMBDA_FUNCTION,
                             owner, c->err);
        if (rc == 0)
            attach_subs(c, had, since);
    }
    return rc;
}

int skt_in_is_cfn(const skt_in_node *root)
{
    const skt_in_node *res = skt_in_get(root, "Resources");
    if (skt_in_get(root, "AWSTemplateFormatVersion") != NULL)
        return 1;
    if (res == NULL || res->kind != SKT_IN_OBJECT)
        return 0;
    for (size_t i = 1; i < res->n; i += 2)
        if (skt_in_get_str(res->kids[i], "Type") != NULL)
            return 1;
    return 0;
}

/* A resource's suppressions: Metadata: {seckit: {ignore: [CODE, ...]}},
 * each entry a code or {code: CODE, reason: TEXT}; into buf as
 * "CODE,CODE" (empty when none).  An unknown code is an error at its
 * position, so a typo does not silently suppress nothing. */
static int metadata_ignores(const skt_in_node *res, const char *id, char *buf, size_t cap,
                            seckit_error *err)
{
    buf[0] = '\0';
    const skt_in_node *sk = skt_in_get(skt_in_get(res, "Metadata"), "seckit");
    if (sk == NULL)
        return 0;
    const skt_in_node *ig = sk->kind == SKT_IN_OBJECT ? skt_in_get(sk, "ignore") : NULL;
    if (sk->kind != SKT_IN_OBJECT || (ig != NULL && ig->kind != SKT_IN_ARRAY) ||
        (ig == NULL && sk->n > 0))
        return seckit_error_set_at(err, SECKIT_EFORMAT, sk->pos,
                                   "line %lu column %lu: %s: Metadata.seckit must be "
                                   "{ignore: [CODE, ...]}",
                                   sk->pos.line, sk->pos.column, id);
    const seckit_policy_check_info *checks;
    size_t nchecks = seckit_policy_checks(&checks);
    size_t used = 0;
    for (size_t i = 0; ig != NULL && i < ig->n; i++) {
        const skt_in_node *e = ig->kids[i];
        const char *code = e->kind == SKT_IN_OBJECT ? skt_in_get_str(e, "code") : NULL;
        if (e->kind == SKT_IN_STRING)
            code = e->str;
        size_t k = 0;
        while (code != NULL && k < nchecks && strcmp(checks[k].issue_code, code) != 0)
            k++;
        if (code == NULL || k == nchecks)
            return seckit_error_set_at(err, SECKIT_EINVAL, e->pos,
                                       "line %lu column %lu: %s: Metadata.seckit.ignore: %s%.80s%s",
                                       e->pos.line, e->pos.column, id,
                                       code ? "unknown issue code '"
                                            : "expected an issue code or {code: CODE}",
                                       code ? code : "", code ? "' (see docs/checks.md)" : "");
        size_t n = strlen(code);
        if (used + n + 2 > cap)
            return seckit_error_set_at(err, SECKIT_ELIMIT, e->pos,
                                       "line %lu column %lu: %s: too many ignored codes",
                                       e->pos.line, e->pos.column, id);
        if (used > 0)
            buf[used++] = ',';
        memcpy(buf + used, code, n + 1);
        used += n;
    }
    return 0;
}

int skt_in_cfn_extract(skt_in_list *l, skt_in_doc *doc, seckit_error *err)
{
    const skt_in_node *root = doc->root;
    cfn c = {l,
             doc,
             skt_in_get(root, "Parameters"),
             skt_in_get(root, "Resources"),
             skt_in_get(root, "Mappings"),
             err,
             NULL};
    if (c.resources == NULL)
        return 0;
    if (c.resources->kind != SKT_IN_OBJECT)
        return seckit_error_set_at(err, SECKIT_EFORMAT, c.resources->pos,
                                   "line %lu column %lu: Resources is not a mapping",
                                   c.resources->pos.line, c.resources->pos.column);
    static const struct {
        const char *type, *prop;
        seckit_policy_type ptype;
        seckit_policy_resource_type resource_type;
        const char *what; /* NULL: the owner is "TYPE ID" */
    } docs[] = {
        {"AWS::IAM::Role", "AssumeRolePolicyDocument", SECKIT_POLICY_TRUST,
         SECKIT_RESOURCE_IAM_ROLE_TRUST, "trust policy"},
        {"AWS::IAM::Policy", "PolicyDocument", SECKIT_POLICY_IDENTITY, SECKIT_RESOURCE_NONE, NULL},
        {"AWS::IAM::ManagedPolicy", "PolicyDocument", SECKIT_POLICY_IDENTITY, SECKIT_RESOURCE_NONE,
         NULL},
        {"AWS::IAM::RolePolicy", "PolicyDocument", SECKIT_POLICY_IDENTITY, SECKIT_RESOURCE_NONE,
         NULL},
        {"AWS::IAM::UserPolicy", "PolicyDocument", SECKIT_POLICY_IDENTITY, SECKIT_RESOURCE_NONE,
         NULL},
        {"AWS::IAM::GroupPolicy", "PolicyDocument", SECKIT_POLICY_IDENTITY, SECKIT_RESOURCE_NONE,
         NULL},
        {"AWS::S3::BucketPolicy", "PolicyDocument", SECKIT_POLICY_RESOURCE,
         SECKIT_RESOURCE_S3_BUCKET, NULL},
        {"AWS::S3::AccessPoint", "Policy", SECKIT_POLICY_RESOURCE, SECKIT_RESOURCE_S3_ACCESS_POINT,
         "access point policy"},
        {"AWS::SQS::QueuePolicy", "PolicyDocument", SECKIT_POLICY_RESOURCE,
         SECKIT_RESOURCE_SQS_QUEUE, NULL},
        {"AWS::SNS::TopicPolicy", "PolicyDocument", SECKIT_POLICY_RESOURCE,
         SECKIT_RESOURCE_SNS_TOPIC, NULL},
        {"AWS::KMS::Key", "KeyPolicy", SECKIT_POLICY_RESOURCE, SECKIT_RESOURCE_KMS_KEY,
         "key policy"},
        {"AWS::SecretsManager::ResourcePolicy", "ResourcePolicy", SECKIT_POLICY_RESOURCE,
         SECKIT_RESOURCE_SECRETS_MANAGER_SECRET, NULL},
        {"AWS::DynamoDB::Table", "ResourcePolicy", SECKIT_POLICY_RESOURCE,
         SECKIT_RESOURCE_DYNAMODB_TABLE, "resource policy"},
        {"AWS::ECR::Repository", "RepositoryPolicyText", SECKIT_POLICY_RESOURCE,
         SECKIT_RESOURCE_ECR_REPOSITORY, "repository policy"},
    };
    for (size_t i = 0; i + 1 < c.resources->n; i += 2) {
        const char *id = c.resources->kids[i]->str;
        const skt_in_node *res = c.resources->kids[i + 1];
        const char *type = skt_in_get_str(res, "Type");
        const skt_in_node *props = skt_in_get(res, "Properties");
        if (type == NULL || props == NULL || props->kind != SKT_IN_OBJECT)
            continue;
        size_t first = l->n;
        char ign[2048];
        SKT_GUARD(metadata_ignores(res, id, ign, sizeof(ign), err));
        for (size_t d = 0; d < SKT_ARRAY_LEN(docs); d++) {
            if (strcmp(docs[d].type, type) != 0)
                continue;
            const skt_in_node *dn = skt_in_get(props, docs[d].prop);
            /* DynamoDB: ResourcePolicy: {PolicyDocument: ...} */
            if (dn != NULL && strcmp(type, "AWS::DynamoDB::Table") == 0)
                dn = skt_in_get(dn, "PolicyDocument");
            if (dn == NULL)
                continue;
            char owner[OWNER_MAX];
            if (docs[d].what != NULL)
                snprintf(owner, sizeof(owner), "%s %s (%s)", type, id, docs[d].what);
            else
                snprintf(owner, sizeof(owner), "%s %s", type, id);
            SKT_GUARD(add_policy(&c, dn, docs[d].ptype, docs[d].resource_type, owner, NULL));
        }
        if (strcmp(type, "AWS::IAM::Role") == 0 || strcmp(type, "AWS::IAM::User") == 0 ||
            strcmp(type, "AWS::IAM::Group") == 0)
            SKT_GUARD(inline_policies(&c, props, type, id));
        if (strcmp(type, "AWS::Serverless::Function") == 0 ||
            strcmp(type, "AWS::Serverless::StateMachine") == 0)
            SKT_GUARD(sam_policies(&c, props, type, id));
        if (strcmp(type, "AWS::Lambda::Permission") == 0)
            SKT_GUARD(lambda_permission(&c, res, props, id));
        SKT_GUARD(skt_in_set_scope(l, first, id, ign[0] ? ign : NULL, err));
    }
    return 0;
}
