/* The CloudFormation intrinsic-function evaluator (policy/cfn_eval.h has
 * the placeholder rule). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/cfn_eval.h"
#include "src/base/guard.h"

#define ACCOUNT SKT_CFN_ACCOUNT
#define REGION SKT_CFN_REGION

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
    if (k == NULL || skt_in_node_add(obj, k, c->err) != 0 || skt_in_node_add(obj, val, c->err) != 0)
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
        {"AWS::StackId", "arn:aws:cloudformation:" REGION ":" ACCOUNT ":stack/StackName/stack-id"},
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
        const char *ref; /* %s = id; "" = the id itself */
        const char *arn; /* value of .Arn (and of the *Arn attributes) */
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
        {"AWS::StepFunctions::StateMachine",
         "arn:aws:states:" REGION ":" ACCOUNT ":stateMachine:%s",
         "arn:aws:states:" REGION ":" ACCOUNT ":stateMachine:%s"},
        {"AWS::Kinesis::Stream", "", "arn:aws:kinesis:" REGION ":" ACCOUNT ":stream/%s"},
        {"AWS::ECR::Repository", "", "arn:aws:ecr:" REGION ":" ACCOUNT ":repository/%s"},
        {"AWS::Events::EventBus", "", "arn:aws:events:" REGION ":" ACCOUNT ":event-bus/%s"},
        {"AWS::Events::Rule", "", "arn:aws:events:" REGION ":" ACCOUNT ":rule/%s"},
        {"AWS::EC2::VPC", "vpc-0123456789abcdef0", NULL},
        {"AWS::EC2::VPCEndpoint", "vpce-0123456789abcdef0", NULL},
    };
    (void)svc_hint;
    int want_arn = attr != NULL && strlen(attr) >= 3 && strcmp(attr + strlen(attr) - 3, "Arn") == 0;
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
static int ref_value(cfn *c, const skt_in_pos *p, const char *name, const char *attr, const ectx *x,
                     unsigned depth, skt_in_node **out)
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

/* Grow eval_sub's result buffer to hold need bytes (doubling, from 64), at
 * most SKT_IN_MAX_TEXT. */
static int sub_reserve(cfn *c, char **buf, size_t *cap, size_t need)
{
    size_t ncap = *cap ? *cap : 64;
    while (ncap < need)
        ncap *= 2;
    SKT_ENSURE(ncap <= SKT_IN_MAX_TEXT, c->err, SECKIT_ELIMIT, "Fn::Sub result too long");
    char *nb = realloc(*buf, ncap);
    SKT_ENSURE(nb != NULL, c->err, SECKIT_ENOMEM, "out of memory");
    *buf = nb;
    *cap = ncap;
    return 0;
}

/* Record a Sub whose value holds a parameter's placeholder, with the value as
 * messages show it (${Param}), in the document's arena. */
static int remember_sub(cfn *c, const char *value, const char *shown)
{
    sub_rec *r = skt_arena_alloc(&c->doc->arena, sizeof(*r));
    SKT_ENSURE(r != NULL && (r->value = skt_arena_strdup(&c->doc->arena, value)) != NULL &&
                   (r->shown = skt_arena_strdup(&c->doc->arena, shown)) != NULL,
               c->err, SECKIT_ENOMEM, "out of memory");
    r->next = c->subs;
    c->subs = r;
    return 0;
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
            if (len + plen + 1 > cap && (rc = sub_reserve(c, &buf, &cap, len + plen + 1)) != 0)
                break;
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
        rc = remember_sub(c, buf, shown.data);
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

/* A function whose value is not known here. */
static int unknown_fn(cfn *c, const skt_in_pos *p, const ectx *x, skt_in_node **out)
{
    *out = unresolved(c, p, "Unresolved", x);
    return *out ? 0 : fail_oom(c);
}

/* Fn::Select [index, list]: the list's item, taken out of the list. */
static int eval_select(cfn *c, const skt_in_node *arg, const skt_in_pos *p, const ectx *x,
                       unsigned depth, skt_in_node **out)
{
    ectx plain = {0, x->svc};
    if (arg->kind != SKT_IN_ARRAY || arg->n != 2)
        return unknown_fn(c, p, x, out);
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
    return unknown_fn(c, p, x, out);
}

/* Fn::Split [delimiter, string]: a list of strings. */
static int eval_split(cfn *c, const skt_in_node *arg, const skt_in_pos *p, const ectx *x,
                      unsigned depth, skt_in_node **out)
{
    ectx plain = {0, x->svc};
    if (arg->kind != SKT_IN_ARRAY || arg->n != 2 || arg->kids[0]->kind != SKT_IN_STRING ||
        arg->kids[0]->len == 0)
        return unknown_fn(c, p, x, out);
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

/* Fn::FindInMap [map, key, key(, {DefaultValue})]: the mapping's value. */
static int eval_find_in_map(cfn *c, const skt_in_node *arg, const skt_in_pos *p, const ectx *x,
                            unsigned depth, skt_in_node **out)
{
    ectx plain = {0, x->svc};
    if (arg->kind != SKT_IN_ARRAY || arg->n < 3)
        return unknown_fn(c, p, x, out);
    skt_in_node *k[3] = {NULL, NULL, NULL};
    int rc = 0;
    for (int i = 0; i < 3 && rc == 0; i++)
        rc = eval(c, arg->kids[i], &plain, depth + 1, &k[i]);
    const skt_in_node *v = NULL;
    if (rc == 0 && scalar_text(k[0]) && scalar_text(k[1]) && scalar_text(k[2]))
        v = skt_in_get(skt_in_get(skt_in_get(c->mappings, scalar_text(k[0])), scalar_text(k[1])),
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

static int eval_fn(cfn *c, const skt_in_node *n, const ectx *x, unsigned depth, skt_in_node **out)
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
    if (strcmp(fn, "Fn::Select") == 0)
        return eval_select(c, arg, p, x, depth, out);
    if (strcmp(fn, "Fn::Split") == 0)
        return eval_split(c, arg, p, x, depth, out);
    if (strcmp(fn, "Fn::FindInMap") == 0)
        return eval_find_in_map(c, arg, p, x, depth, out);
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
        return seckit_error_set_at(c->err, SECKIT_ELIMIT, n->pos,
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
/* ---- the interface of policy/cfn_eval.h ---- */

int skt_cfn_eval(cfn *c, const skt_in_node *n, const ectx *x, unsigned depth, skt_in_node **out)
{
    return eval(c, n, x, depth, out);
}

skt_in_node *skt_cfn_cstr(cfn *c, const skt_in_pos *p, const char *s)
{
    return mk_cstr(c, p, s);
}

int skt_cfn_obj_put(cfn *c, skt_in_node *obj, const char *key, const skt_in_pos *kp,
                    skt_in_node *val)
{
    return obj_put(c, obj, key, kp, val);
}

int skt_cfn_oom(cfn *c)
{
    return fail_oom(c);
}

const char *skt_cfn_scalar_text(const skt_in_node *n)
{
    return scalar_text(n);
}
