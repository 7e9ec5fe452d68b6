/* The IAM and CloudFront parts of the mock AWS server (see mock_aws.c),
 * in the response shapes of the IAM API reference (query protocol) and
 * the CloudFront API reference (REST-XML, 2020-05-31). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/buf.h"
#include "src/aws/sigv4.h"
#include "tests/aws/mock.h"

#define IAM_NS "https://iam.amazonaws.com/doc/2010-05-08/"
#define TRUST "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":" \
              "{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"
#define INLINE1 "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":" \
                "\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bucket/*\"}}"
#define MANAGED "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":" \
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
        snprintf(b, sizeof b,
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
            ok(fd, action, "<PolicyNames><member>inline-one</member><member>inline-two</member>"
                           "</PolicyNames><IsTruncated>true</IsTruncated><Marker>page2</Marker>");
        else if (strcmp(marker, "page2") == 0)
            ok(fd, action, "<PolicyNames><member>inline-three</member></PolicyNames>"
                           "<IsTruncated>false</IsTruncated>");
        else
            mock_error(fd, 400, "InvalidInput", "bad marker");
    } else if (strcmp(action, "ListAttachedRolePolicies") == 0) {
        ok(fd, action, "<AttachedPolicies><member><PolicyName>ReadOnly</PolicyName>"
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
        ok(fd, action, "<Policy><PolicyName>ReadOnly</PolicyName><DefaultVersionId>v3"
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
            snprintf(b, sizeof b,
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

void mock_handle_cloudfront(int fd, const req *r)
{
    (void)r;
    mock_error_cf(fd, 404, "NoSuchResource", "The specified resource does not exist.");
}
