/* STS (query protocol, 2011-06-15): GetCallerIdentity, AssumeRole (with an
 * MFA code when asked) and AssumeRoleWithWebIdentity (unsigned). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/buf.h"
#include "src/base/secmem.h"
#include "src/aws/client.h"
#include "src/aws/sigv4.h"
#include "src/aws/xml.h"
#include "src/base/guard.h"

#define STS_VERSION "2011-06-15"

static int copy_text(char *dst, size_t n, const char *src, const char *what, seckit_error *err)
{
    SKT_ENSURE(src != NULL && *src, err, SECKIT_EFORMAT, "sts: response lacks %s", what);
    SKT_ENSURE(strlen(src) < n, err, SECKIT_EFORMAT, "sts: %s is too long", what);
    snprintf(dst, n, "%s", src);
    return 0;
}

int seckit_sts_get_caller_identity(seckit_aws *aws, seckit_aws_identity *out, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && out != NULL, err);
    memset(out, 0, sizeof *out);
    skt_xml_node *root;
    const skt_xml_node *res;
    SKT_GUARD(skt_aws_query_call(aws, NULL, "sts", "GetCallerIdentity", STS_VERSION, NULL, 0, &root,
                                 &res, err));
    int rc =
        copy_text(out->account, sizeof out->account, skt_xml_text(res, "Account"), "Account", err);
    if (rc == 0)
        rc = copy_text(out->arn, sizeof out->arn, skt_xml_text(res, "Arn"), "Arn", err);
    if (rc == 0)
        rc = copy_text(out->user_id, sizeof out->user_id, skt_xml_text(res, "UserId"), "UserId",
                       err);
    skt_xml_free(root);
    return rc;
}

/* Credentials out of an AssumeRole / AssumeRoleWithWebIdentity result. */
static int role_credentials(const skt_xml_node *res, const char *action,
                            seckit_aws_credentials *out, seckit_error *err)
{
    const skt_xml_node *c = skt_xml_child(res, "Credentials");
    const char *exp = skt_xml_text(c, "Expiration");
    long long e = exp != NULL ? skt_parse_iso8601(exp) : -1;
    SKT_ENSURE(!(c == NULL || e < 0), err, SECKIT_EFORMAT,
               "sts %s: response lacks Credentials with an Expiration", action);
    const char *id = skt_xml_text(c, "AccessKeyId"), *sk = skt_xml_text(c, "SecretAccessKey"),
               *tok = skt_xml_text(c, "SessionToken");
    if (id == NULL || sk == NULL || tok == NULL || !*id || !*sk || !*tok ||
        strlen(id) > SECKIT_AWS_KEY_ID_MAX || strlen(sk) > SECKIT_AWS_SECRET_MAX ||
        strlen(tok) > SECKIT_AWS_TOKEN_MAX)
        return seckit_error_set(err, SECKIT_EFORMAT,
                                "sts %s: credentials in the response are missing or too long",
                                action);
    memset(out, 0, sizeof *out);
    snprintf(out->access_key_id, sizeof out->access_key_id, "%s", id);
    snprintf(out->secret_access_key, sizeof out->secret_access_key, "%s", sk);
    snprintf(out->session_token, sizeof out->session_token, "%s", tok);
    out->expiration = e;
    snprintf(out->source, sizeof out->source, "assume-role");
    return 0;
}

int skt_sts_assume_role_mfa(seckit_aws *aws, const seckit_aws_credentials *creds,
                            const char *role_arn, const char *session_name, const char *external_id,
                            long duration_s, const char *serial, const char *token_code,
                            seckit_aws_credentials *out, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && role_arn != NULL && out != NULL, err);
    SKT_ENSURE_ARG((serial == NULL) == (token_code == NULL), err);
    SKT_ENSURE(duration_s == 0 || (duration_s >= 900 && duration_s <= 43200), err, SECKIT_EINVAL,
               "AssumeRole duration must be 900..43200 seconds, not %ld", duration_s);
    char session[72], dur[24];
    if (session_name == NULL || *session_name == '\0') {
        snprintf(session, sizeof session, "seckit-%lld", skt_aws_now(aws));
        session_name = session;
    }
    snprintf(dur, sizeof dur, "%ld", duration_s);
    seckit_aws_kv p[] = {{"RoleArn", role_arn},
                         {"RoleSessionName", session_name},
                         {"ExternalId", external_id},
                         {"DurationSeconds", duration_s > 0 ? dur : NULL},
                         {"SerialNumber", serial},
                         {"TokenCode", token_code}};
    skt_xml_node *root;
    const skt_xml_node *res;
    SKT_GUARD(skt_aws_query_call(aws, creds, "sts", "AssumeRole", STS_VERSION, p, SKT_ARRAY_LEN(p),
                                 &root, &res, err));
    int rc = role_credentials(res, "AssumeRole", out, err);
    skt_xml_free(root);
    return rc;
}

int skt_sts_assume_role_as(seckit_aws *aws, const seckit_aws_credentials *creds,
                           const char *role_arn, const char *session_name, const char *external_id,
                           long duration_s, seckit_aws_credentials *out, seckit_error *err)
{
    return skt_sts_assume_role_mfa(aws, creds, role_arn, session_name, external_id, duration_s,
                                   NULL, NULL, out, err);
}

int skt_sts_assume_role_web_identity(seckit_aws *aws, const char *role_arn,
                                     const char *session_name, const char *token,
                                     seckit_aws_credentials *out, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && role_arn != NULL && token != NULL && out != NULL, err);
    char session[72];
    if (session_name == NULL || *session_name == '\0') {
        snprintf(session, sizeof session, "seckit-%lld", skt_aws_now(aws));
        session_name = session;
    }
    const seckit_aws_kv p[] = {{"Action", "AssumeRoleWithWebIdentity"},
                               {"Version", STS_VERSION},
                               {"RoleArn", role_arn},
                               {"RoleSessionName", session_name},
                               {"WebIdentityToken", token}};
    /* The body holds the token: a secret writer, wiped when freed. */
    skt_writer w;
    skt_writer_init_secret(&w, 1 << 20);
    int rc = 0;
    for (size_t i = 0; i < SKT_ARRAY_LEN(p); i++) {
        if (i > 0)
            SKT_GUARD_GOTO(skt_writer_put(&w, "&", 1, err), rc, done);
        SKT_GUARD_GOTO(skt_uri_encode(&w, p[i].name, strlen(p[i].name), 0, err), rc, done);
        SKT_GUARD_GOTO(skt_writer_put(&w, "=", 1, err), rc, done);
        SKT_GUARD_GOTO(skt_uri_encode(&w, p[i].value, strlen(p[i].value), 0, err), rc, done);
    }
    seckit_aws_request req = SECKIT_AWS_REQUEST_INIT;
    req.service = "sts";
    req.method = "POST";
    req.path = "/";
    req.body = w.data;
    req.body_len = w.len;
    req.protocol = SECKIT_AWS_PROTO_QUERY;
    seckit_aws_response resp = {0};
    rc = skt_aws_send_as(aws, &req, NULL, &resp, err); /* unsigned */
    if (rc == 0) {
        skt_xml_node *root = NULL;
        rc = skt_xml_parse(resp.body, resp.body_len, &root, err);
        const skt_xml_node *res = rc == 0 ? skt_xml_child(root, "AssumeRoleWithWebIdentityResult")
                                          : NULL;
        if (rc != 0)
            seckit_error_prefix(err, "sts AssumeRoleWithWebIdentity");
        else if (strcmp(skt_xml_local(root), "AssumeRoleWithWebIdentityResponse") != 0 ||
                 res == NULL)
            rc = seckit_error_set(err, SECKIT_EFORMAT,
                                  "sts AssumeRoleWithWebIdentity: response is not "
                                  "<AssumeRoleWithWebIdentityResponse> with a result");
        else
            rc = role_credentials(res, "AssumeRoleWithWebIdentity", out, err);
        skt_xml_free(root);
    }
    if (resp.body != NULL)
        skt_wipe(resp.body, resp.body_len);
    seckit_aws_response_free(&resp);
done:
    skt_writer_free(&w);
    return rc;
}

int seckit_sts_assume_role(seckit_aws *aws, seckit_aws_credentials *out, const char *role_arn,
                           const char *session_name, const char *external_id, long duration_s,
                           seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL, err);
    seckit_aws_credentials *c = skt_secret_alloc(sizeof *c);
    SKT_ENSURE(c != NULL, err, SECKIT_ENOMEM, "out of memory");
    int rc = seckit_aws_get_credentials(aws, c, err);
    if (rc == 0)
        rc = skt_sts_assume_role_as(aws, c, role_arn, session_name, external_id, duration_s, out,
                                    err);
    skt_secret_free(c);
    return rc;
}
