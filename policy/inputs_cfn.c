/* CloudFormation templates (JSON or YAML tree): the policies of IAM roles,
 * users, groups, policies, and the resource policies of S3, SQS, SNS, KMS,
 * Secrets Manager, DynamoDB and Lambda permissions.
 *
 * Intrinsic functions are evaluated with placeholders (docs/policy-inputs.md
 * has the rule):
 *  - pseudo parameters get fixed values: AWS::AccountId 000000000000,
 *    AWS::Region us-east-1, AWS::Partition aws, AWS::URLSuffix amazonaws.com,
 *    AWS::StackName StackName; AWS::NoValue removes the element;
 *  - Ref to a parameter gives its Default, else the parameter's name;
 *  - Ref / Fn::GetAtt to a resource give what CloudFormation would return,
 *    built from the logical id: a name, or an ARN of the right service and
 *    shape for the resource type (arn:aws:s3:::MyBucket,
 *    arn:aws:iam::000000000000:role/MyRole, ...);
 *  - where a whole value in an ARN place (Resource, NotResource,
 *    Principal.AWS, a condition key ending in "Arn") cannot be resolved to
 *    an ARN, it becomes a well-formed ARN of the statement's first action's
 *    service whose resource part is the name (arn:aws:sqs:us-east-1:
 *    000000000000:QueueParam);
 *  - Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::FindInMap, Fn::Base64,
 *    Fn::GetAZs are computed from those values; Fn::If takes its first
 *    branch (in a list, both branches); Fn::ImportValue and anything else
 *    unknown becomes the name it was given (or "Unresolved").
 * Placeholders never contain '*' or '?', so every wildcard in a linted
 * policy was written by the template's author; and they are well-formed, so
 * they cause no invalid-ARN findings of their own. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/inputs_internal.h"
#include "src/base/guard.h"

#define ACCOUNT "000000000000"
#define REGION "us-east-1"

/* A value Fn::Sub built with an unknown parameter's placeholder in it, and
 * the same with ${Param} there instead, for messages (newest first). */
typedef struct sub_rec {
    const char *value, *shown;
    struct sub_rec *next;
} sub_rec;

typedef struct cfn {
    skt_in_list *l;
    skt_in_doc *doc;
    const skt_in_node *params, *resources, *mappings;
    seckit_error *err;
    sub_rec *subs; /* in doc's arena */
} cfn;

/* Evaluation context. */
typedef struct ectx {
    int arn;           /* this value stands where an ARN is expected */
    const char *svc;   /* the statement's first action's service, for placeholders */
} ectx;

/* ---- node builders ---- */

static skt_in_node *mk_str(cfn *c, const skt_in_pos *p, const char *s, size_t n)
{
    skt_in_node *x = skt_in_node_new(c->doc, SKT_IN_STRING, p, c->err);
    if (x == NULL)
        return NULL;
    x->synthetic = 1;
    return skt_in_node_set_str(x, s, n, c->err) == 0 ? x : NULL;
}

static skt_in_node *mk_cstr(cfn *c, const skt_in_pos *p, const char *s)
{
    return mk_str(c, p, s, strlen(s));
}

/* Add key: val to obj (val NULL: the failure that made it). */
static int obj_put(cfn *c, skt_in_node *obj, const char *key, const skt_in_pos *kp,
                   skt_in_node *val)
{
    if (val == NULL)
        return c->err && c->err->code ? c->err->code : SECKIT_ENOMEM;
    skt_in_node *k = mk_cstr(c, kp, key);
    if (k == NULL || skt_in_node_add(obj, k, c->err) != 0 ||
        skt_in_node_add(obj, val, c->err) != 0)
        return c->err && c->err->code ? c->err->code : SECKIT_ENOMEM;
    return 0;
}

static int fail_oom(cfn *c)
{
    return c->err && c->err->code ? c->err->code : SECKIT_ENOMEM;
}

/* ---- placeholder values ---- */

static void lower(char *dst, size_t cap, const char *s, size_t n)
{
    size_t i = 0;
    for (; i < n && i + 1 < cap; i++)
        dst[i] = (char)tolower((unsigned char)s[i]);
    dst[i] = '\0';
}

/* Pseudo parameters; NULL when name is not one. *novalue for AWS::NoValue. */
static const char *pseudo(const char *name, int *novalue)
{
    static const char *const tab[][2] = {
        {"AWS::AccountId", ACCOUNT},
        {"AWS::Region", REGION},
        {"AWS::Partition", "aws"},
        {"AWS::URLSuffix", "amazonaws.com"},
        {"AWS::StackName", "StackName"},
        {"AWS::StackId",
         "arn:aws:cloudformation:" REGION ":" ACCOUNT ":stack/StackName/stack-id"},
        {"AWS::NotificationARNs", "arn:aws:sns:" REGION ":" ACCOUNT ":StackNotifications"},
    };
    *novalue = strcmp(name, "AWS::NoValue") == 0;
    for (size_t i = 0; i < SKT_ARRAY_LEN(tab); i++)
        if (strcmp(name, tab[i][0]) == 0)
            return tab[i][1];
    return NULL;
}

/* The value of Ref (attr == NULL) or Fn::GetAtt (attr) for a resource of
 * type `type` with logical id `id`, written into buf. */
static void resource_value(char *buf, size_t cap, const char *type, const char *id,
                           const char *attr, const char *svc_hint)
{
    static const struct {
        const char *type;
        const char *ref;  /* %s = id; "" = the id itself */
        const char *arn;  /* value of .Arn (and of the *Arn attributes) */
    } tab[] = {
        {"AWS::S3::Bucket", "", "arn:aws:s3:::%s"},
        {"AWS::SQS::Queue", "https://sqs." REGION ".amazonaws.com/" ACCOUNT "/%s",
         "arn:aws:sqs:" REGION ":" ACCOUNT ":%s"},
        {"AWS::SNS::Topic", "arn:aws:sns:" REGION ":" ACCOUNT ":%s",
         "arn:aws:sns:" REGION ":" ACCOUNT ":%s"},
        {"AWS::IAM::Role", "", "arn:aws:iam::" ACCOUNT ":role/%s"},
        {"AWS::IAM::User", "", "arn:aws:iam::" ACCOUNT ":user/%s"},
        {"AWS::IAM::Group", "", "arn:aws:iam::" ACCOUNT ":group/%s"},
        {"AWS::IAM::InstanceProfile", "", "arn:aws:iam::" ACCOUNT ":instance-profile/%s"},
        {"AWS::IAM::ManagedPolicy", "arn:aws:iam::" ACCOUNT ":policy/%s",
         "arn:aws:iam::" ACCOUNT ":policy/%s"},
        {"AWS::IAM::OIDCProvider", "arn:aws:iam::" ACCOUNT ":oidc-provider/%s",
         "arn:aws:iam::" ACCOUNT ":oidc-provider/%s"},
        {"AWS::IAM::SAMLProvider", "arn:aws:iam::" ACCOUNT ":saml-provider/%s",
         "arn:aws:iam::" ACCOUNT ":saml-provider/%s"},
        {"AWS::KMS::Key", "", "arn:aws:kms:" REGION ":" ACCOUNT ":key/%s"},
        {"AWS::KMS::Alias", "alias/%s", "arn:aws:kms:" REGION ":" ACCOUNT ":alias/%s"},
        {"AWS::Lambda::Function", "", "arn:aws:lambda:" REGION ":" ACCOUNT ":function:%s"},
        {"AWS::DynamoDB::Table", "", "arn:aws:dynamodb:" REGION ":" ACCOUNT ":table/%s"},
        {"AWS::SecretsManager::Secret", "arn:aws:secretsmanager:" REGION ":" ACCOUNT ":secret:%s",
         "arn:aws:secretsmanager:" REGION ":" ACCOUNT ":secret:%s"},
        {"AWS::Logs::LogGroup", "", "arn:aws:logs:" REGION ":" ACCOUNT ":log-group:%s"},
        {"AWS::StepFunctions::StateMachine", "arn:aws:states:" REGION ":" ACCOUNT
                                             ":stateMachine:%s",
         "arn:aws:states:" REGION ":" ACCOUNT ":stateMachine:%s"},
        {"AWS::Kinesis::Stream", "", "arn:aws:kinesis:" REGION ":" ACCOUNT ":stream/%s"},
        {"AWS::ECR::Repository", "", "arn:aws:ecr:" REGION ":" ACCOUNT ":repository/%s"},
        {"AWS::Events::EventBus", "", "arn:aws:events:" REGION ":" ACCOUNT ":event-bus/%s"},
        {"AWS::Events::Rule", "", "arn:aws:events:" REGION ":" ACCOUNT ":rule/%s"},
        {"AWS::EC2::VPC", "vpc-0123456789abcdef0", NULL},
        {"AWS::EC2::VPCEndpoint", "vpce-0123456789abcdef0", NULL},
    };
    (void)svc_hint;
    int want_arn = attr != NULL && strlen(attr) >= 3 &&
                   strcmp(attr + strlen(attr) - 3, "Arn") == 0;
    for (size_t i = 0; i < SKT_ARRAY_LEN(tab); i++) {
        if (strcmp(tab[i].type, type) != 0)
            continue;
        const char *fmtv = want_arn && tab[i].arn != NULL ? tab[i].arn : tab[i].ref;
        if (attr != NULL && !want_arn) {
            if (strcmp(attr, "StreamArn") == 0)
                fmtv = "arn:aws:dynamodb:" REGION ":" ACCOUNT ":table/%s/stream/label";
            else
                fmtv = "";
        }
        if (want_arn && strcmp(attr, "StreamArn") == 0)
            fmtv = "arn:aws:dynamodb:" REGION ":" ACCOUNT ":table/%s/stream/label";
        const char *hole = strstr(fmtv, "%s");
        if (fmtv[0] == '\0')
            snprintf(buf, cap, "%s", id);
        else if (hole != NULL)
            snprintf(buf, cap, "%.*s%s%s", (int)(hole - fmtv), fmtv, id, hole + 2);
        else
            snprintf(buf, cap, "%s", fmtv);
        return;
    }
    if (want_arn) {
        /* AWS::Svc::Kind -> arn:aws:svc:us-east-1:000000000000:kind/Id */
        const char *a = strstr(type, "::");
        const char *b = a ? strstr(a + 2, "::") : NULL;
        char svc[64], kind[64];
        if (a != NULL && b != NULL) {
            lower(svc, sizeof(svc), a + 2, (size_t)(b - a - 2));
            lower(kind, sizeof(kind), b + 2, strlen(b + 2));
            snprintf(buf, cap, "arn:aws:%s:" REGION ":" ACCOUNT ":%s/%s", svc, kind, id);
            return;
        }
    }
    snprintf(buf, cap, "%s", id);
}

/* A whole value in an ARN place that is not an ARN: make it one. */
static void arnify(char *buf, size_t cap, const char *name, const ectx *x)
{
    char copy[512];
    snprintf(copy, sizeof(copy), "%s", name);
    const char *svc = x->svc != NULL && x->svc[0] != '\0' ? x->svc : "iam";
    if (strcmp(svc, "s3") == 0)
        snprintf(buf, cap, "arn:aws:s3:::%s", copy);
    else if (strcmp(svc, "iam") == 0 || strcmp(svc, "sts") == 0)
        snprintf(buf, cap, "arn:aws:iam::" ACCOUNT ":role/%s", copy);
    else
        snprintf(buf, cap, "arn:aws:%s:" REGION ":" ACCOUNT ":%s", svc, copy);
}

/* ---- evaluation ---- */

static int is_intrinsic(const skt_in_node *n)
{
    if (n->kind != SKT_IN_OBJECT || n->n != 2 || n->kids[0]->kind != SKT_IN_STRING)
        return 0;
    const char *k = n->kids[0]->str;
    return strcmp(k, "Ref") == 0 || strncmp(k, "Fn::", 4) == 0;
}

static int eval(cfn *c, const skt_in_node *n, const ectx *x, unsigned depth, skt_in_node **out);

/* Text of a scalar result (strings, numbers, booleans); NULL otherwise. */
static const char *scalar_text(const skt_in_node *n)
{
    if (n == NULL)
        return NULL;
    switch (n->kind) {
    case SKT_IN_STRING:
    case SKT_IN_NUMBER: return n->str;
    case SKT_IN_TRUE: return "true";
    case SKT_IN_FALSE: return "false";
    default: return NULL;
    }
}

/* Does a computed value in an ARN place need to be made an ARN?  Not when
 * it is one, holds a wildcard the author wrote, or is an account id. */
static int needs_arn(const char *s)
{
    size_t n = strlen(s), digits = 0;
    for (size_t i = 0; i < n; i++)
        digits += isdigit((unsigned char)s[i]) != 0;
    return strncmp(s, "arn:", 4) != 0 && strchr(s, '*') == NULL && strchr(s, '?') == NULL &&
           !(n == 12 && digits == 12);
}

/* The placeholder for an unresolved name: the name, or an ARN in ARN places. */
static skt_in_node *unresolved(cfn *c, const skt_in_pos *p, const char *name, const ectx *x)
{
    char buf[1024];
    if (x->arn && needs_arn(name)) {
        arnify(buf, sizeof(buf), name, x);
        return mk_cstr(c, p, buf);
    }
    return mk_cstr(c, p, name);
}

/* Ref NAME / GetAtt NAME.ATTR.  *out NULL means AWS::NoValue. */
static int ref_value(cfn *c, const skt_in_pos *p, const char *name, const char *attr,
                     const ectx *x, unsigned depth, skt_in_node **out)
{
    int novalue = 0;
    *out = NULL;
    if (attr == NULL) {
        const char *ps = pseudo(name, &novalue);
        if (novalue)
            return 0;
        if (ps != NULL) {
            *out = mk_cstr(c, p, ps);
            return *out ? 0 : fail_oom(c);
        }
        const skt_in_node *param = skt_in_get(c->params, name);
        if (param != NULL) {
            const skt_in_node *dflt = skt_in_get(param, "Default");
            const char *ptype = skt_in_get_str(param, "Type");
            const char *dt = scalar_text(dflt);
            if (dt != NULL && ptype != NULL &&
                (strcmp(ptype, "CommaDelimitedList") == 0 || strncmp(ptype, "List<", 5) == 0)) {
                skt_in_node *arr = skt_in_node_new(c->doc, SKT_IN_ARRAY, p, c->err);
                if (arr == NULL)
                    return fail_oom(c);
                const char *s = dt;
                for (;;) {
                    const char *comma = strchr(s, ',');
                    size_t n = comma ? (size_t)(comma - s) : strlen(s);
                    skt_in_node *it = mk_str(c, p, s, n);
                    if (it == NULL || skt_in_node_add(arr, it, c->err) != 0)
                        return fail_oom(c);
                    if (comma == NULL)
                        break;
                    s = comma + 1;
                }
                *out = arr;
                return 0;
            }
            if (dflt != NULL && dflt->kind != SKT_IN_OBJECT && dflt->kind != SKT_IN_ARRAY &&
                dflt->kind != SKT_IN_NULL) {
                (void)depth;
                *out = dt != NULL ? mk_cstr(c, p, dt) : NULL;
                if (*out != NULL && x->arn && strncmp(dt, "arn:", 4) != 0)
                    *out = unresolved(c, p, dt, x);
                return *out ? 0 : fail_oom(c);
            }
            *out = unresolved(c, p, name, x);
            return *out ? 0 : fail_oom(c);
        }
    }
    const skt_in_node *res = skt_in_get(c->resources, name);
    const char *type = skt_in_get_str(res, "Type");
    char buf[1024];
    if (type != NULL) {
        resource_value(buf, sizeof(buf), type, name, attr, x->svc);
        if (x->arn && attr == NULL && strncmp(buf, "arn:", 4) != 0)
            resource_value(buf, sizeof(buf), type, name, "Arn", x->svc);
        *out = x->arn ? unresolved(c, p, buf, x) : mk_cstr(c, p, buf);
    } else {
        snprintf(buf, sizeof(buf), "%s", name);
        *out = unresolved(c, p, buf, x);
    }
    return *out ? 0 : fail_oom(c);
}

/* A parameter with no usable Default. */
static int param_unknown(const cfn *c, const char *name)
{
    const skt_in_node *param = skt_in_get(c->params, name);
    if (param == NULL)
        return 0;
    const skt_in_node *d = skt_in_get(param, "Default");
    return d == NULL || scalar_text(d) == NULL;
}

/* The placeholder for an unknown parameter written into a string that is
 * being built (prefix): inside an ARN, the field it fills decides
 * (partition aws, region us-east-1, account 000000000000), so that the
 * ARN stays well-formed; elsewhere the parameter's name. */
static const char *field_placeholder(const char *prefix, const char *name)
{
    if (prefix != NULL && strncmp(prefix, "arn:", 4) == 0) {
        int colons = 0;
        for (const char *q = prefix; *q != '\0'; q++)
            colons += *q == ':';
        if (colons == 1)
            return "aws";
        if (colons == 3)
            return REGION;
        if (colons == 4)
            return ACCOUNT;
    }
    return name;
}

/* Fn::Sub "text with ${Var} and ${Res.Attr}" [+ variables map]. */
static int eval_sub(cfn *c, const skt_in_node *arg, const skt_in_pos *p, const ectx *x,
                    unsigned depth, skt_in_node **out)
{
    const skt_in_node *tmpl = arg, *vars = NULL;
    if (arg->kind == SKT_IN_ARRAY && arg->n >= 1) {
        tmpl = arg->kids[0];
        vars = arg->n >= 2 ? arg->kids[1] : NULL;
    }
    if (tmpl->kind != SKT_IN_STRING) {
        *out = unresolved(c, p, "Unresolved", x);
        return *out ? 0 : fail_oom(c);
    }
    ectx inner = {0, x->svc};
    char *buf = NULL;
    size_t len = 0, cap = 0;
    /* the value as shown in messages: ${Param} for an unknown parameter's
     * placeholder (named: there is one) */
    skt_sb shown;
    skt_sb_init(&shown, SKT_IN_MAX_TEXT);
    int named = 0;
    const char *s = tmpl->str;
    int rc = 0;
    while (*s != '\0' && rc == 0) {
        const char *open = strstr(s, "${");
        const char *close = open ? strchr(open + 2, '}') : NULL;
        size_t lit = open && close ? (size_t)(open - s) : strlen(s);
        const char *piece = s;
        size_t plen = lit;
        char tmp[1024];
        skt_in_node *val = NULL;
        int named_piece = 0;
        for (int pass = 0; pass < 2 && rc == 0; pass++) {
            if (len + plen + 1 > cap) {
                size_t ncap = cap ? cap : 64;
                while (ncap < len + plen + 1)
                    ncap *= 2;
                if (ncap > SKT_IN_MAX_TEXT) {
                    rc = seckit_error_set(c->err, SECKIT_ELIMIT, "Fn::Sub result too long");
                    break;
                }
                char *nb = realloc(buf, ncap);
                if (nb == NULL) {
                    rc = seckit_error_set(c->err, SECKIT_ENOMEM, "out of memory");
                    break;
                }
                buf = nb;
                cap = ncap;
            }
            memcpy(buf + len, piece, plen);
            len += plen;
            buf[len] = '\0';
            if (pass == 0 || !named_piece)
                skt_sb_put(&shown, piece, plen);
            if (pass == 1 || open == NULL || close == NULL)
                break;
            /* The variable. */
            size_t vlen = (size_t)(close - open - 2);
            char name[512];
            snprintf(name, sizeof(name), "%.*s", (int)(vlen < 511 ? vlen : 511), open + 2);
            if (name[0] == '!') {
                snprintf(tmp, sizeof(tmp), "${%s}", name + 1); /* literal ${...} */
                piece = tmp;
            } else if (vars != NULL && skt_in_get(vars, name) != NULL) {
                rc = eval(c, skt_in_get(vars, name), &inner, depth + 1, &val);
                const char *t = scalar_text(val);
                snprintf(tmp, sizeof(tmp), "%s", t ? t : name);
                piece = tmp;
            } else if (strchr(name, ':') != NULL && strncmp(name, "AWS::", 5) != 0) {
                /* An IAM policy variable (${aws:username}) written without
                 * the ${!...} escape: keep it as the author meant. */
                snprintf(tmp, sizeof(tmp), "${%s}", name);
                piece = tmp;
            } else if (param_unknown(c, name)) {
                snprintf(tmp, sizeof(tmp), "%s", field_placeholder(buf, name));
                piece = tmp;
                if (strcmp(tmp, name) != 0) {
                    /* a placeholder stands for the parameter */
                    named = named_piece = 1;
                    skt_sb_printf(&shown, "${%s}", name);
                }
            } else {
                char *dot = strchr(name, '.');
                if (dot != NULL)
                    *dot = '\0';
                rc = ref_value(c, p, name, dot ? dot + 1 : NULL, &inner, depth, &val);
                const char *t = scalar_text(val);
                snprintf(tmp, sizeof(tmp), "%s", t ? t : "");
                piece = tmp;
            }
            val = NULL;
            plen = strlen(piece);
        }
        s = open && close ? close + 1 : s + lit;
    }
    if (rc == 0 && named && buf != NULL && shown.len > 0 && !shown.failed &&
        strpbrk(buf, "\t\n") == NULL && strpbrk(shown.data, "\t\n") == NULL) {
        sub_rec *r = skt_arena_alloc(&c->doc->arena, sizeof(*r));
        if (r == NULL || (r->value = skt_arena_strdup(&c->doc->arena, buf)) == NULL ||
            (r->shown = skt_arena_strdup(&c->doc->arena, shown.data)) == NULL) {
            rc = seckit_error_set(c->err, SECKIT_ENOMEM, "out of memory");
        } else {
            r->next = c->subs;
            c->subs = r;
        }
    }
    skt_sb_free(&shown);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    *out = mk_cstr(c, p, buf ? buf : "");
    free(buf);
    return *out ? 0 : fail_oom(c);
}

static int eval_join(cfn *c, const skt_in_node *arg, const skt_in_pos *p, const ectx *x,
                     unsigned depth, skt_in_node **out)
{
    if (arg->kind != SKT_IN_ARRAY || arg->n != 2 || arg->kids[0]->kind != SKT_IN_STRING) {
        *out = unresolved(c, p, "Unresolved", x);
        return *out ? 0 : fail_oom(c);
    }
    ectx inner = {0, x->svc};
    const skt_in_node *lit = arg->kids[1];
    skt_in_node *list = NULL;
    if (lit->kind != SKT_IN_ARRAY) {
        SKT_GUARD(eval(c, lit, &inner, depth + 1, &list));
        lit = list;
    }
    char *buf = NULL;
    size_t len = 0;
    const char *d = arg->kids[0]->str;
    int rc = 0;
    for (size_t i = 0; lit != NULL && lit->kind == SKT_IN_ARRAY && i < lit->n; i++) {
        const skt_in_node *el = lit->kids[i];
        skt_in_node *v = NULL;
        const char *t = NULL;
        if (is_intrinsic(el) && strcmp(el->kids[0]->str, "Ref") == 0 &&
            el->kids[1]->kind == SKT_IN_STRING && param_unknown(c, el->kids[1]->str)) {
            t = field_placeholder(buf, el->kids[1]->str);
        } else if (list == NULL) {
            rc = eval(c, el, &inner, depth + 1, &v);
            if (rc != 0)
                break;
            t = scalar_text(v);
        } else {
            t = scalar_text(el);
        }
        if (t == NULL)
            t = "";
        size_t add = strlen(t) + (i ? strlen(d) : 0);
        if (len + add > SKT_IN_MAX_TEXT) {
            rc = seckit_error_set(c->err, SECKIT_ELIMIT, "Fn::Join result too long");
            break;
        }
        char *nb = realloc(buf, len + add + 1);
        if (nb == NULL) {
            rc = seckit_error_set(c->err, SECKIT_ENOMEM, "out of memory");
            break;
        }
        buf = nb;
        snprintf(buf + len, add + 1, "%s%s", i ? d : "", t);
        len += add;
    }
    if (rc != 0) {
        free(buf);
        return rc;
    }
    *out = mk_cstr(c, p, buf ? buf : "");
    free(buf);
    return *out ? 0 : fail_oom(c);
}

static int eval_fn(cfn *c, const skt_in_node *n, const ectx *x, unsigned depth,
                   skt_in_node **out)
{
    const char *fn = n->kids[0]->str;
    const skt_in_node *arg = n->kids[1];
    const skt_in_pos *p = &n->pos;
    ectx plain = {0, x->svc};
    *out = NULL;
    if (strcmp(fn, "Ref") == 0) {
        if (arg->kind != SKT_IN_STRING)
            goto unknown;
        return ref_value(c, p, arg->str, NULL, x, depth, out);
    }
    if (strcmp(fn, "Fn::GetAtt") == 0) {
        char name[512], attr[512];
        if (arg->kind == SKT_IN_ARRAY && arg->n == 2 && arg->kids[0]->kind == SKT_IN_STRING) {
            skt_in_node *a = NULL;
            SKT_GUARD(eval(c, arg->kids[1], &plain, depth + 1, &a));
            const char *t = scalar_text(a);
            snprintf(name, sizeof(name), "%s", arg->kids[0]->str);
            snprintf(attr, sizeof(attr), "%s", t ? t : "");
        } else if (arg->kind == SKT_IN_STRING) {
            snprintf(name, sizeof(name), "%s", arg->str);
            char *dot = strchr(name, '.');
            snprintf(attr, sizeof(attr), "%s", dot ? dot + 1 : "");
            if (dot)
                *dot = '\0';
        } else {
            goto unknown;
        }
        return ref_value(c, p, name, attr, x, depth, out);
    }
    if (strcmp(fn, "Fn::Sub") == 0)
        return eval_sub(c, arg, p, x, depth, out);
    if (strcmp(fn, "Fn::Join") == 0)
        return eval_join(c, arg, p, x, depth, out);
    if (strcmp(fn, "Fn::If") == 0) {
        if (arg->kind != SKT_IN_ARRAY || arg->n != 3)
            goto unknown;
        SKT_GUARD(eval(c, arg->kids[1], x, depth + 1, out));
        if (*out == NULL) /* first branch is AWS::NoValue */
            return eval(c, arg->kids[2], x, depth + 1, out);
        return 0;
    }
    if (strcmp(fn, "Fn::Select") == 0) {
        if (arg->kind != SKT_IN_ARRAY || arg->n != 2)
            goto unknown;
        skt_in_node *idx = NULL, *list = NULL;
        SKT_GUARD(eval(c, arg->kids[0], &plain, depth + 1, &idx));
        int rc = eval(c, arg->kids[1], x, depth + 1, &list);
        const char *t = scalar_text(idx);
        unsigned long i = t ? strtoul(t, NULL, 10) : 0;
        if (rc == 0 && list != NULL && list->kind == SKT_IN_ARRAY && i < list->n) {
            *out = list->kids[i];
            list->kids[i] = NULL;
            for (size_t k = i; k + 1 < list->n; k++)
                list->kids[k] = list->kids[k + 1];
            list->n--;
        }
        if (rc != 0)
            return rc;
        if (*out != NULL)
            return 0;
        goto unknown;
    }
    if (strcmp(fn, "Fn::Split") == 0) {
        if (arg->kind != SKT_IN_ARRAY || arg->n != 2 || arg->kids[0]->kind != SKT_IN_STRING ||
            arg->kids[0]->len == 0)
            goto unknown;
        skt_in_node *src = NULL;
        SKT_GUARD(eval(c, arg->kids[1], &plain, depth + 1, &src));
        const char *t = scalar_text(src);
        skt_in_node *arr = skt_in_node_new(c->doc, SKT_IN_ARRAY, p, c->err);
        const char *d = arg->kids[0]->str;
        int rc = arr ? 0 : fail_oom(c);
        const char *s = t ? t : "";
        while (rc == 0) {
            const char *hit = strstr(s, d);
            size_t len = hit ? (size_t)(hit - s) : strlen(s);
            skt_in_node *it = mk_str(c, p, s, len);
            if (it == NULL || skt_in_node_add(arr, it, c->err) != 0) {
                rc = fail_oom(c);
                break;
            }
            if (hit == NULL)
                break;
            s = hit + strlen(d);
        }
        if (rc != 0)
            return rc;
        *out = arr;
        return 0;
    }
    if (strcmp(fn, "Fn::FindInMap") == 0) {
        if (arg->kind != SKT_IN_ARRAY || arg->n < 3)
            goto unknown;
        skt_in_node *k[3] = {NULL, NULL, NULL};
        int rc = 0;
        for (int i = 0; i < 3 && rc == 0; i++)
            rc = eval(c, arg->kids[i], &plain, depth + 1, &k[i]);
        const skt_in_node *v = NULL;
        if (rc == 0 && scalar_text(k[0]) && scalar_text(k[1]) && scalar_text(k[2]))
            v = skt_in_get(skt_in_get(skt_in_get(c->mappings, scalar_text(k[0])),
                                      scalar_text(k[1])),
                           scalar_text(k[2]));
        const char *mapname = scalar_text(k[0]);
        char name[256];
        snprintf(name, sizeof(name), "%s", mapname ? mapname : "Unresolved");
        if (rc != 0)
            return rc;
        if (v == NULL && arg->n == 4) /* { DefaultValue: ... } */
            v = skt_in_get(arg->kids[3], "DefaultValue");
        if (v != NULL)
            return eval(c, v, x, depth + 1, out);
        *out = unresolved(c, p, name, x);
        return *out ? 0 : fail_oom(c);
    }
    if (strcmp(fn, "Fn::Base64") == 0)
        return eval(c, arg, x, depth + 1, out);
    if (strcmp(fn, "Fn::GetAZs") == 0) {
        static const char *const azs[] = {REGION "a", REGION "b", REGION "c"};
        skt_in_node *arr = skt_in_node_new(c->doc, SKT_IN_ARRAY, p, c->err);
        if (arr == NULL)
            return fail_oom(c);
        for (size_t i = 0; i < SKT_ARRAY_LEN(azs); i++) {
            skt_in_node *it = mk_cstr(c, p, azs[i]);
            if (it == NULL || skt_in_node_add(arr, it, c->err) != 0)
                return fail_oom(c);
        }
        *out = arr;
        return 0;
    }
    if (strcmp(fn, "Fn::ImportValue") == 0) {
        skt_in_node *name = NULL;
        SKT_GUARD(eval(c, arg, &plain, depth + 1, &name));
        const char *t = scalar_text(name);
        *out = unresolved(c, p, t ? t : "ImportedValue", x);
        return *out ? 0 : fail_oom(c);
    }
unknown:
    *out = unresolved(c, p, "Unresolved", x);
    return *out ? 0 : fail_oom(c);
}

static int ci_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (m > n)
        return 0;
    for (size_t i = 0; i < m; i++)
        if (tolower((unsigned char)s[n - m + i]) != tolower((unsigned char)suffix[i]))
            return 0;
    return 1;
}

/* The service prefix of a statement's first action ("s3" of "s3:GetObject"). */
static void statement_service(const skt_in_node *st, char *buf, size_t cap)
{
    const skt_in_node *a = skt_in_get(st, "Action");
    if (a == NULL)
        a = skt_in_get(st, "NotAction");
    if (a != NULL && a->kind == SKT_IN_ARRAY)
        a = a->n > 0 ? a->kids[0] : NULL;
    buf[0] = '\0';
    if (a == NULL || a->kind != SKT_IN_STRING)
        return;
    const char *colon = strchr(a->str, ':');
    if (colon == NULL || colon == a->str)
        return;
    size_t n = (size_t)(colon - a->str);
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)a->str[i]) || isdigit((unsigned char)a->str[i]) ||
              a->str[i] == '-'))
            return;
    lower(buf, cap, a->str, n);
}

/* Evaluate a (sub)tree: a copy with every intrinsic function replaced.
 * *out NULL means "no value" (AWS::NoValue). */
static int eval(cfn *c, const skt_in_node *n, const ectx *x, unsigned depth, skt_in_node **out)
{
    *out = NULL;
    if (depth > SKT_IN_MAX_DEPTH)
        return seckit_error_set_at(c->err, SECKIT_ELIMIT, n->pos.line, n->pos.column,
                                   n->pos.offset,
                                   "line %lu column %lu: intrinsic functions nested too deeply",
                                   n->pos.line, n->pos.column);
    if (is_intrinsic(n)) {
        SKT_GUARD(eval_fn(c, n, x, depth, out));
        /* Computed values in ARN places become ARNs (lists: each item). */
        skt_in_node *r = *out;
        size_t count = r == NULL ? 0 : r->kind == SKT_IN_ARRAY ? r->n : 1;
        for (size_t i = 0; x->arn && i < count; i++) {
            skt_in_node **slot = r->kind == SKT_IN_ARRAY ? &r->kids[i] : out;
            if ((*slot)->kind != SKT_IN_STRING || !needs_arn((*slot)->str))
                continue;
            skt_in_node *a = unresolved(c, &(*slot)->pos, (*slot)->str, x);
            if (a == NULL)
                return fail_oom(c);
            *slot = a;
        }
        return 0;
    }
    if (n->kind != SKT_IN_ARRAY && n->kind != SKT_IN_OBJECT) {
        *out = skt_in_copy(c->doc, n, c->err);
        return *out ? 0 : fail_oom(c);
    }
    skt_in_node *copy = skt_in_node_new(c->doc, n->kind, &n->pos, c->err);
    if (copy == NULL)
        return fail_oom(c);
    copy->end = n->end;
    char svc[64];
    ectx sx = *x;
    if (n->kind == SKT_IN_OBJECT && skt_in_get(n, "Effect") != NULL) {
        statement_service(n, svc, sizeof(svc));
        sx.svc = svc;
    }
    int rc = 0;
    for (size_t i = 0; i < n->n && rc == 0; i++) {
        const skt_in_node *kid = n->kids[i];
        skt_in_node *v = NULL;
        if (n->kind == SKT_IN_OBJECT && i % 2 == 0) {
            /* A key: copied with its value (dropped together on NoValue). */
            const char *k = kid->str;
            ectx vx = {0, sx.svc};
            vx.arn = strcmp(k, "Resource") == 0 || strcmp(k, "NotResource") == 0 ||
                     strcmp(k, "AWS") == 0 || ci_ends_with(k, "arn");
            rc = eval(c, n->kids[i + 1], &vx, depth + 1, &v);
            if (rc == 0 && v != NULL) {
                skt_in_node *kc = skt_in_copy(c->doc, kid, c->err);
                if (kc == NULL || skt_in_node_add(copy, kc, c->err) != 0) {
                    rc = fail_oom(c);
                } else if (skt_in_node_add(copy, v, c->err) != 0) {
                    rc = fail_oom(c);
                }
            }
            i++;
            continue;
        }
        /* An array element: Fn::If contributes both branches. */
        if (is_intrinsic(kid) && strcmp(kid->kids[0]->str, "Fn::If") == 0 &&
            kid->kids[1]->kind == SKT_IN_ARRAY && kid->kids[1]->n == 3) {
            for (size_t b = 1; b <= 2 && rc == 0; b++) {
                v = NULL;
                rc = eval(c, kid->kids[1]->kids[b], &sx, depth + 1, &v);
                if (rc == 0 && v != NULL && skt_in_node_add(copy, v, c->err) != 0) {
                    rc = fail_oom(c);
                }
            }
            continue;
        }
        rc = eval(c, kid, &sx, depth + 1, &v);
        if (rc == 0 && v != NULL && skt_in_node_add(copy, v, c->err) != 0) {
            rc = fail_oom(c);
        }
    }
    if (rc != 0)
        return rc;
    *out = copy;
    return 0;
}

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
    SKT_GUARD(eval(c, docnode, &x, 0, &v));
    if (v == NULL)
        return 0; /* AWS::NoValue */
    int rc;
    if (v->kind == SKT_IN_STRING) {
        /* A JSON string (or Fn::Sub of one): positions inside it are not kept. */
        rc = skt_in_add_string(c->l, v, type, resource_type, owner, c->err);
    } else if (v->kind == SKT_IN_OBJECT) {
        rc = skt_in_add_tree(c->l, v, type, resource_type, owner, c->err);
    } else {
        rc = seckit_error_set_at(c->err, SECKIT_EFORMAT, docnode->pos.line, docnode->pos.column,
                                 docnode->pos.offset,
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
    if (eval(c, n, &x, 0, &v) == 0 && scalar_text(v) != NULL)
        snprintf(buf, cap, "%s", scalar_text(v));
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
    SKT_GUARD(eval(c, list, &x, 0, &ev));
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
    SKT_GUARD(eval(c, pol, &x, 0, &ev));
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
    skt_in_node *pr = NULL, *cond = NULL;
    const sub_rec *since = c->subs;
    int rc = eval(c, principal, &plain, 0, &pv);
    if (rc == 0)
        rc = eval(c, action, &plain, 0, &av);
    if (rc == 0)
        rc = eval(c, fn, &arn, 0, &fv);
    if (rc != 0 || pv == NULL || av == NULL || fv == NULL)
        return rc;
    if (fv->kind == SKT_IN_STRING && strncmp(fv->str, "arn:", 4) != 0) {
        char buf[1024];
        snprintf(buf, sizeof(buf), "arn:aws:lambda:" REGION ":" ACCOUNT ":function:%s", fv->str);
        fv = mk_cstr(c, &fv->pos, buf);
        if (fv == NULL)
            return fail_oom(c);
    }
    skt_in_node *policy = skt_in_node_new(c->doc, SKT_IN_OBJECT, &res->pos, c->err);
    skt_in_node *stmts = skt_in_node_new(c->doc, SKT_IN_ARRAY, &res->pos, c->err);
    skt_in_node *st = skt_in_node_new(c->doc, SKT_IN_OBJECT, &res->pos, c->err);
    if (policy == NULL || stmts == NULL || st == NULL)
        return fail_oom(c);
    const char *ps = pv->kind == SKT_IN_STRING ? pv->str : "";
    if (strcmp(ps, "*") == 0) {
        pr = pv;
    } else {
        pr = skt_in_node_new(c->doc, SKT_IN_OBJECT, &pv->pos, c->err);
        if (pr == NULL)
            return fail_oom(c);
        const char *kind = strstr(ps, ".amazonaws.com") != NULL || strstr(ps, ".amazon.com")
                               ? "Service"
                               : "AWS";
        rc = obj_put(c, pr, kind, &pv->pos, pv);
    }
    if (rc == 0)
        rc = obj_put(c, policy, "Version", &res->pos, mk_cstr(c, &res->pos, "2012-10-17"));
    if (rc == 0)
        rc = obj_put(c, st, "Effect", &res->pos, mk_cstr(c, &res->pos, "Allow"));
    if (rc == 0)
        rc = obj_put(c, st, "Principal", &principal->pos, pr);
    if (rc == 0)
        rc = obj_put(c, st, "Action", &action->pos, av);
    if (rc == 0)
        rc = obj_put(c, st, "Resource", &fn->pos, fv);
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
        rc = eval(c, pn, &cx, 0, &v);
        if (rc != 0 || v == NULL)
            continue;
        if (cond == NULL && (cond = skt_in_node_new(c->doc, SKT_IN_OBJECT, &pn->pos, c->err)) ==
                                NULL) {
            rc = fail_oom(c);
            break;
        }
        skt_in_node *op = skt_in_get(cond, conds[i].op);
        if (op == NULL) {
            op = skt_in_node_new(c->doc, SKT_IN_OBJECT, &pn->pos, c->err);
            rc = obj_put(c, cond, conds[i].op, &pn->pos, op);
            if (rc != 0)
                break;
        }
        rc = obj_put(c, op, conds[i].key, &pn->pos, v);
    }
    if (rc == 0 && cond != NULL)
        rc = obj_put(c, st, "Condition", &res->pos, cond);
    if (rc == 0)
        rc = skt_in_node_add(stmts, st, c->err);
    if (rc == 0)
        rc = obj_put(c, policy, "Statement", &res->pos, stmts);
    if (rc == 0) {
        char owner[OWNER_MAX];
        snprintf(owner, sizeof(owner), "AWS::Lambda::Permission %s (statement made from its "
                 "properties)", id);
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
        return seckit_error_set_at(err, SECKIT_EFORMAT, sk->pos.line, sk->pos.column, sk->pos.offset,
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
            return seckit_error_set_at(err, SECKIT_EINVAL, e->pos.line, e->pos.column, e->pos.offset,
                                       "line %lu column %lu: %s: Metadata.seckit.ignore: %s%.80s%s",
                                       e->pos.line, e->pos.column, id,
                                       code ? "unknown issue code '" : "expected an issue code or {code: CODE}",
                                       code ? code : "", code ? "' (see docs/checks.md)" : "");
        size_t n = strlen(code);
        if (used + n + 2 > cap)
            return seckit_error_set_at(err, SECKIT_ELIMIT, e->pos.line, e->pos.column, e->pos.offset,
                                       "line %lu column %lu: %s: too many ignored codes", e->pos.line,
                                       e->pos.column, id);
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
    cfn c = {l, doc, skt_in_get(root, "Parameters"), skt_in_get(root, "Resources"),
             skt_in_get(root, "Mappings"), err, NULL};
    if (c.resources == NULL)
        return 0;
    if (c.resources->kind != SKT_IN_OBJECT)
        return seckit_error_set_at(err, SECKIT_EFORMAT, c.resources->pos.line,
                                   c.resources->pos.column, c.resources->pos.offset,
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
