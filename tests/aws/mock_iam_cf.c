/* The IAM and CloudFront parts of the mock AWS server (see mock_aws.c),
 * in the response shapes of the IAM API reference (query protocol) and
 * the CloudFront API reference (REST-XML, 2020-05-31). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/buf.h"
#include "src/aws/sigv4.h"
#include "src/aws/xml.h"
#include "tests/aws/mock.h"

#define IAM_NS "https://iam.amazonaws.com/doc/2010-05-08/"
#define TRUST                                                                                      \
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"              \
    "{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"
#define INLINE1                                                                                    \
    "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":"                  \
    "\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bucket/*\"}}"
#define MANAGED                                                                                    \
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"                 \
    "\"kms:Decrypt\",\"Resource\":\"*\"}]}"

static char *enc(const char *s)
{
    skt_writer w;
    skt_writer_init(&w, 1 << 20);
    skt_uri_encode(&w, s, strlen(s), 0, NULL);
    skt_writer_terminate(&w, NULL);
    return (char *)skt_writer_steal(&w, NULL);
}

static void ok(int fd, const char *action, const char *result)
{
    size_t n = strlen(result) + 512;
    char *b = malloc(n);
    snprintf(b, n,
             "<%sResponse xmlns=\"" IAM_NS "\">\n<%sResult>%s</%sResult>\n"
             "<ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>"
             "</ResponseMetadata>\n</%sResponse>\n",
             action, action, result, action, action);
    respond_str(fd, 200, "text/xml", b);
    free(b);
}

void mock_handle_iam(int fd, const req *r, const char *action)
{
    const char *body = r->body ? r->body : "";
    char *role = form_get(body, "RoleName");
    char *marker = form_get(body, "Marker");
    char *parn = form_get(body, "PolicyArn");
    char *pname = form_get(body, "PolicyName");
    char b[16384];
    char *t = enc(TRUST), *i1 = enc(INLINE1), *m = enc(MANAGED);
    int known_role = role != NULL && strcmp(role, "MockRole") == 0;
    if (strcmp(action, "GetRole") == 0 || strcmp(action, "ListRolePolicies") == 0 ||
        strcmp(action, "ListAttachedRolePolicies") == 0 || strcmp(action, "GetRolePolicy") == 0) {
        if (!known_role) {
            snprintf(b, sizeof b, "The role with name %s cannot be found.", role ? role : "");
            mock_error(fd, 404, "NoSuchEntity", b);
            goto done;
        }
    }
    if (strcmp(action, "GetRole") == 0) {
        snprintf(
            b, sizeof b,
            "<Role><Path>/app/</Path><Arn>arn:aws:iam::123456789012:role/app/MockRole</Arn>"
            "<RoleName>MockRole</RoleName><AssumeRolePolicyDocument>%s"
            "</AssumeRolePolicyDocument><Description>A role &amp; its trust</Description>"
            "<CreateDate>2012-05-08T23:34:01Z</CreateDate><RoleId>AROADBQP57FF2AEXAMPLE</RoleId>"
            "<MaxSessionDuration>3600</MaxSessionDuration><RoleLastUsed/></Role>",
            t);
        ok(fd, action, b);
    } else if (strcmp(action, "ListRolePolicies") == 0) {
        /* two pages */
        if (marker == NULL)
            ok(fd, action,
               "<PolicyNames><member>inline-one</member><member>inline-two</member>"
               "</PolicyNames><IsTruncated>true</IsTruncated><Marker>page2</Marker>");
        else if (strcmp(marker, "page2") == 0)
            ok(fd, action,
               "<PolicyNames><member>inline-three</member></PolicyNames>"
               "<IsTruncated>false</IsTruncated>");
        else
            mock_error(fd, 400, "InvalidInput", "bad marker");
    } else if (strcmp(action, "ListAttachedRolePolicies") == 0) {
        ok(fd, action,
           "<AttachedPolicies><member><PolicyName>ReadOnly</PolicyName>"
           "<PolicyArn>arn:aws:iam::123456789012:policy/ReadOnly</PolicyArn></member>"
           "</AttachedPolicies><IsTruncated>false</IsTruncated>");
    } else if (strcmp(action, "GetRolePolicy") == 0) {
        snprintf(b, sizeof b,
                 "<RoleName>MockRole</RoleName><PolicyName>%s</PolicyName>"
                 "<PolicyDocument>%s</PolicyDocument>",
                 pname ? pname : "", i1);
        ok(fd, action, b);
    } else if (strcmp(action, "GetPolicy") == 0) {
        if (parn == NULL || strstr(parn, ":policy/ReadOnly") == NULL) {
            mock_error(fd, 404, "NoSuchEntity", "Policy does not exist");
            goto done;
        }
        ok(fd, action,
           "<Policy><PolicyName>ReadOnly</PolicyName><DefaultVersionId>v3"
           "</DefaultVersionId><PolicyId>ANPAEXAMPLE</PolicyId><Path>/</Path>"
           "<Arn>arn:aws:iam::123456789012:policy/ReadOnly</Arn>"
           "<AttachmentCount>2</AttachmentCount><IsAttachable>true</IsAttachable>"
           "<CreateDate>2014-09-15T17:36:14Z</CreateDate></Policy>");
    } else if (strcmp(action, "GetPolicyVersion") == 0) {
        snprintf(b, sizeof b,
                 "<PolicyVersion><Document>%s</Document><IsDefaultVersion>true</IsDefaultVersion>"
                 "<VersionId>v3</VersionId><CreateDate>2014-09-15T20:31:47Z</CreateDate>"
                 "</PolicyVersion>",
                 m);
        ok(fd, action, b);
    } else if (strcmp(action, "GetAccountAuthorizationDetails") == 0) {
        if (marker == NULL) {
            snprintf(b, sizeof b,
                     "<IsTruncated>true</IsTruncated><Marker>aad2</Marker>"
                     "<UserDetailList><member><UserName>alice</UserName><GroupList>"
                     "<member>Admins</member></GroupList><AttachedManagedPolicies/>"
                     "<UserId>AIDAEXAMPLE</UserId><Path>/</Path>"
                     "<Arn>arn:aws:iam::123456789012:user/alice</Arn>"
                     "<UserPolicyList><member><PolicyName>p</PolicyName><PolicyDocument>%s"
                     "</PolicyDocument></member></UserPolicyList></member></UserDetailList>"
                     "<GroupDetailList/>",
                     i1);
        } else {
            snprintf(
                b, sizeof b,
                "<IsTruncated>false</IsTruncated><RoleDetailList><member>"
                "<RoleName>MockRole</RoleName><Arn>arn:aws:iam::123456789012:role/MockRole</Arn>"
                "<AssumeRolePolicyDocument>%s</AssumeRolePolicyDocument>"
                "<RolePolicyList/><AttachedManagedPolicies><member><PolicyName>ReadOnly"
                "</PolicyName><PolicyArn>arn:aws:iam::123456789012:policy/ReadOnly</PolicyArn>"
                "</member></AttachedManagedPolicies><InstanceProfileList/></member>"
                "</RoleDetailList><Policies><member><PolicyName>ReadOnly</PolicyName>"
                "<Arn>arn:aws:iam::123456789012:policy/ReadOnly</Arn>"
                "<AttachmentCount>1</AttachmentCount><IsAttachable>true</IsAttachable>"
                "<PolicyVersionList><member><Document>%s</Document><IsDefaultVersion>true"
                "</IsDefaultVersion><VersionId>v3</VersionId></member></PolicyVersionList>"
                "</member></Policies>",
                t, m);
        }
        ok(fd, action, b);
    } else {
        mock_error(fd, 400, "InvalidAction", "The action is not valid for this endpoint");
    }
done:
    free(role);
    free(marker);
    free(parn);
    free(pname);
    free(t);
    free(i1);
    free(m);
}

/* ---- CloudFront ---- */

#define CF_NS "http://cloudfront.amazonaws.com/doc/2020-05-31/"

static struct cf_item {
    int kind; /* 0 public key, 1 FLE profile, 2 FLE config */
    char id[32];
    char name[128];
    char *inner; /* the config element's content */
} cf_items[32];
static int cf_count;

static const struct cf_kind {
    const char *path, *config, *result, *list, *summary, *time, *exists;
} cf_kinds[3] = {
    {"/2020-05-31/public-key", "PublicKeyConfig", "PublicKey", "PublicKeyList", "PublicKeySummary",
     "CreatedTime", "PublicKeyAlreadyExists"},
    {"/2020-05-31/field-level-encryption-profile", "FieldLevelEncryptionProfileConfig",
     "FieldLevelEncryptionProfile", "FieldLevelEncryptionProfileList",
     "FieldLevelEncryptionProfileSummary", "LastModifiedTime",
     "FieldLevelEncryptionProfileAlreadyExists"},
    {"/2020-05-31/field-level-encryption", "FieldLevelEncryptionConfig", "FieldLevelEncryption",
     "FieldLevelEncryptionList", "FieldLevelEncryptionSummary", "LastModifiedTime",
     "FieldLevelEncryptionConfigAlreadyExists"},
};

/* The content between <Root ...> and </Root> in body. */
static char *inner_of(const char *body, const char *root)
{
    char open[128], close[128];
    snprintf(open, sizeof open, "<%s", root);
    snprintf(close, sizeof close, "</%s>", root);
    const char *a = strstr(body, open);
    const char *gt = a ? strchr(a, '>') : NULL;
    const char *b = gt ? strstr(gt, close) : NULL;
    if (b == NULL)
        return NULL;
    return strndup(gt + 1, (size_t)(b - gt - 1));
}

static void cf_send(int fd, int status, const struct cf_kind *k, const struct cf_item *it)
{
    char b[65536], h[512];
    snprintf(b, sizeof b,
             "<?xml version=\"1.0\"?>\n<%s xmlns=\"" CF_NS
             "\"><Id>%s</Id><%s>2024-05-01T10:00:00Z</%s>"
             "<%s>%s</%s></%s>",
             k->result, it->id, k->time, k->time, k->config, it->inner, k->config, k->result);
    snprintf(h, sizeof h,
             "ETag: E2QWRUHEXAMPLE%s\r\nLocation: https://cloudfront.amazonaws.com%s/%s\r\n",
             it->id, k->path, it->id);
    respond(fd, status, "text/xml", h, b, strlen(b), 0);
}

void mock_handle_cloudfront(int fd, const req *r)
{
    int kind = -1;
    const char *rest = NULL;
    for (int k = 2; k >= 0; k--) {
        size_t n = strlen(cf_kinds[k].path);
        if (strncmp(r->path, cf_kinds[k].path, n) == 0 &&
            (r->path[n] == '\0' || r->path[n] == '/')) {
            kind = k;
            rest = r->path + n;
            break;
        }
    }
    if (kind < 0) {
        mock_error_cf(fd, 404, "NoSuchResource", "The specified resource does not exist.");
        return;
    }
    const struct cf_kind *k = &cf_kinds[kind];
    if (strcmp(r->method, "POST") == 0 && *rest == '\0') {
        const char *ct = hget(r, "content-type");
        skt_xml_node *root = NULL;
        if (ct == NULL || skt_xml_parse(r->body, r->body_len, &root, NULL) != 0 ||
            strcmp(skt_xml_local(root), k->config) != 0) {
            skt_xml_free(root);
            mock_error_cf(fd, 400, "MalformedInput",
                          "The XML document you provided was not well-formed.");
            return;
        }
        const char *caller = skt_xml_text(root, "CallerReference");
        const char *name = skt_xml_text(root, "Name");
        if (caller == NULL || *caller == '\0' || (kind < 2 && (name == NULL || *name == '\0')) ||
            (kind == 0 && skt_xml_text(root, "EncodedKey") == NULL)) {
            skt_xml_free(root);
            mock_error_cf(fd, 400, "InvalidArgument", "A required field is missing.");
            return;
        }
        /* As CloudFront: a profile's PublicKeyIds and a configuration's
         * ProfileIds must name resources that exist. */
        if (kind > 0) {
            const char *tag = kind == 1 ? "<PublicKeyId>" : "<ProfileId>";
            for (const char *p = strstr(r->body, tag); p != NULL; p = strstr(p, tag)) {
                p += strlen(tag);
                const char *e = strchr(p, '<');
                int found = 0;
                for (int i = 0; e != NULL && i < cf_count; i++)
                    if (cf_items[i].kind == kind - 1 && strlen(cf_items[i].id) == (size_t)(e - p) &&
                        strncmp(cf_items[i].id, p, (size_t)(e - p)) == 0)
                        found = 1;
                if (!found) {
                    skt_xml_free(root);
                    mock_error_cf(fd, 404,
                                  kind == 1 ? "NoSuchPublicKey"
                                            : "NoSuchFieldLevelEncryptionProfile",
                                  "The specified resource does not exist.");
                    return;
                }
            }
        }
        for (int i = 0; i < cf_count; i++)
            if (cf_items[i].kind == kind && name != NULL && strcmp(cf_items[i].name, name) == 0) {
                skt_xml_free(root);
                mock_error_cf(fd, 409, k->exists, "The resource already exists.");
                return;
            }
        if (cf_count >= 32) {
            skt_xml_free(root);
            mock_error_cf(fd, 400, "TooMany", "too many");
            return;
        }
        struct cf_item *it = &cf_items[cf_count++];
        it->kind = kind;
        snprintf(it->id, sizeof it->id, "K%dEXAMPLE%d", kind, cf_count);
        snprintf(it->name, sizeof it->name, "%s", name ? name : "");
        it->inner = inner_of(r->body, k->config);
        skt_xml_free(root);
        if (getenv("MOCK_LOG") != NULL) {
            printf("CF-CREATED %d %s %s %s\n", kind, it->id, it->name, it->inner ? it->inner : "");
            fflush(stdout);
        }
        cf_send(fd, 201, k, it);
    } else if (strcmp(r->method, "GET") == 0 && *rest == '/') {
        for (int i = 0; i < cf_count; i++)
            if (cf_items[i].kind == kind && strcmp(cf_items[i].id, rest + 1) == 0) {
                cf_send(fd, 200, k, &cf_items[i]);
                return;
            }
        mock_error_cf(fd, 404,
                      kind == 0   ? "NoSuchPublicKey"
                      : kind == 1 ? "NoSuchFieldLevelEncryptionProfile"
                                  : "NoSuchFieldLevelEncryptionConfig",
                      "The specified resource does not exist.");
    } else if (strcmp(r->method, "GET") == 0 && *rest == '\0') {
        /* One item per page: NextMarker is the index of the next item. */
        int start = 0;
        if (strncmp(r->query, "Marker=", 7) == 0)
            start = atoi(r->query + 7);
        int idx[32], n = 0;
        for (int i = 0; i < cf_count; i++)
            if (cf_items[i].kind == kind)
                idx[n++] = i;
        char b[65536], next[64] = "";
        char items[60000] = "";
        if (start < n) {
            struct cf_item *it = &cf_items[idx[start]];
            char *summary = strdup(it->inner);
            char *cr = strstr(summary, "<CallerReference>");
            char *cre = cr ? strstr(cr, "</CallerReference>") : NULL;
            if (cr && cre)
                memmove(cr, cre + 18, strlen(cre + 18) + 1);
            snprintf(items, sizeof items,
                     "<Items><%s><Id>%s</Id><%s>2024-05-01T10:00:00Z</%s>%s</%s></Items>",
                     k->summary, it->id, k->time, k->time, summary, k->summary);
            free(summary);
            if (start + 1 < n)
                snprintf(next, sizeof next, "<NextMarker>%d</NextMarker>", start + 1);
        }
        snprintf(b, sizeof b,
                 "<?xml version=\"1.0\"?>\n<%s xmlns=\"" CF_NS "\">%s<MaxItems>1</MaxItems>"
                 "<Quantity>%d</Quantity>%s</%s>",
                 k->list, next, start < n ? 1 : 0, items, k->list);
        respond_str(fd, 200, "text/xml", b);
    } else {
        mock_error_cf(fd, 405, "MethodNotAllowed", "");
    }
}
