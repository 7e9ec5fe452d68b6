/* IAM Identity Center (SSO) credentials, as the AWS CLI gets them: the
 * profile's sso_session (with an [sso-session NAME] section) or legacy
 * sso_start_url/sso_region, plus sso_account_id and sso_role_name; the
 * access token that `aws sso login` cached in ~/.aws/sso/cache/<SHA-1 of
 * the session name, or of the start URL>.json; the portal's
 * GetRoleCredentials (GET /federation/credentials with the bearer token in
 * x-amz-sso_bearer_token); the result cached in ~/.aws/cli/cache like the
 * AWS CLI does. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "src/base/buf.h"
#include "src/base/secmem.h"
#include "seckit/file.h"
#include "src/aws/client.h"
#include "src/aws/sigv4.h"
#include "src/base/guard.h"

#define NOT_FOUND 1

typedef struct sso_cfg {
    const char *session; /* NULL for the legacy form */
    const char *start_url;
    const char *region;
    const char *account_id;
    const char *role_name;
} sso_cfg;

static const char *nonempty(const char *v)
{
    return v != NULL && *v ? v : NULL;
}

static int sso_config(const seckit_aws *aws, const char *profile, sso_cfg *c, seckit_error *err)
{
    memset(c, 0, sizeof *c);
    c->session = nonempty(skt_aws_profile_get(aws, profile, "sso_session"));
    c->account_id = nonempty(skt_aws_profile_get(aws, profile, "sso_account_id"));
    c->role_name = nonempty(skt_aws_profile_get(aws, profile, "sso_role_name"));
    const char *purl = nonempty(skt_aws_profile_get(aws, profile, "sso_start_url"));
    const char *preg = nonempty(skt_aws_profile_get(aws, profile, "sso_region"));
    if (c->session == NULL && c->account_id == NULL && c->role_name == NULL && purl == NULL &&
        preg == NULL)
        return NOT_FOUND;
    if (c->session != NULL) {
        char sec[300];
        snprintf(sec, sizeof sec, "sso-session %s", c->session);
        SKT_ENSURE(strlen(c->session) < 200 && skt_ini_has_section(&aws->config, sec), err,
                   SECKIT_EAWSAUTH,
                   "profile %s: sso_session %.100s has no [sso-session %.100s] section in the "
                   "config file",
                   profile, c->session, c->session);
        c->start_url = nonempty(skt_ini_get(&aws->config, sec, "sso_start_url"));
        c->region = nonempty(skt_ini_get(&aws->config, sec, "sso_region"));
        SKT_ENSURE(purl == NULL || c->start_url == NULL || strcmp(purl, c->start_url) == 0, err,
                   SECKIT_EAWSAUTH,
                   "profile %s: sso_start_url differs between the profile and sso-session %.100s",
                   profile, c->session);
        SKT_ENSURE(preg == NULL || c->region == NULL || strcmp(preg, c->region) == 0, err,
                   SECKIT_EAWSAUTH,
                   "profile %s: sso_region differs between the profile and sso-session %.100s",
                   profile, c->session);
        if (c->start_url == NULL)
            c->start_url = purl;
        if (c->region == NULL)
            c->region = preg;
    } else {
        c->start_url = purl;
        c->region = preg;
    }
    char missing[160] = "";
    const char *names[] = {"sso_start_url", "sso_region", "sso_account_id", "sso_role_name"};
    const char *vals[] = {c->start_url, c->region, c->account_id, c->role_name};
    for (size_t i = 0; i < SKT_ARRAY_LEN(names); i++)
        if (vals[i] == NULL) {
            if (missing[0])
                strncat(missing, ", ", sizeof missing - strlen(missing) - 1);
            strncat(missing, names[i], sizeof missing - strlen(missing) - 1);
        }
    SKT_ENSURE(missing[0] == '\0', err, SECKIT_EAWSAUTH,
               "profile %s is configured for IAM Identity Center (SSO) but lacks %s", profile,
               missing);
    for (const char *p = c->region; *p; p++)
        SKT_ENSURE(isalnum((unsigned char)*p) || *p == '-', err, SECKIT_EINVAL,
                   "profile %s: invalid sso_region '%.64s'", profile, c->region);
    SKT_ENSURE(strlen(c->region) < 64, err, SECKIT_EINVAL, "profile %s: sso_region too long",
               profile);
    return 0;
}

/* The access token cached by `aws sso login`, into guarded memory. */
static int load_token(const char *profile, const sso_cfg *c, long long now, char **token,
                      seckit_error *err)
{
    *token = NULL;
    const char *home = getenv("HOME");
    SKT_ENSURE(home != NULL && *home && strlen(home) < 3000, err, SECKIT_EAWSAUTH,
               "profile %s: no HOME, so no SSO token cache", profile);
    char hex[41];
    SKT_GUARD(skt_sha1_hex(c->session != NULL ? c->session : c->start_url, hex, err));
    char path[3200];
    snprintf(path, sizeof path, "%s/.aws/sso/cache/%s.json", home, hex);
    uint8_t *data = NULL;
    size_t len = 0;
    int rc = seckit_file_read(&data, &len, path, 1u << 20, NULL);
    SKT_ENSURE(rc == 0, err, SECKIT_EAWSAUTH,
               "profile %s: no IAM Identity Center (SSO) token in %s: run "
               "`aws sso login --profile %s`",
               profile, path, profile);
    cJSON *j = cJSON_ParseWithLength((const char *)data, len);
    skt_wipe_free(data, len);
    const char *at = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "accessToken"));
    const char *exp = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "expiresAt"));
    long long e = exp != NULL ? skt_parse_iso8601(exp) : -1;
    if (at == NULL || *at == '\0' || e < 0) {
        rc = seckit_error_set(err, SECKIT_EAWSAUTH,
                              "profile %s: the SSO token cache %s lacks accessToken or expiresAt: "
                              "run `aws sso login --profile %s`",
                              profile, path, profile);
    } else if (e <= now) {
        rc = seckit_error_set(err, SECKIT_EAWSAUTH,
                              "profile %s: the IAM Identity Center (SSO) token expired at %.40s: "
                              "run `aws sso login --profile %s`",
                              profile, exp, profile);
    } else if (strpbrk(at, "\r\n") != NULL || strlen(at) > 16384) {
        rc = seckit_error_set(err, SECKIT_EAWSAUTH, "profile %s: malformed SSO access token",
                              profile);
    } else {
        size_t n = strlen(at);
        *token = skt_secret_alloc(n + 1);
        if (*token == NULL)
            rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        else
            memcpy(*token, at, n + 1);
    }
    if (j != NULL)
        for (cJSON *it = j->child; it != NULL; it = it->next)
            if (cJSON_IsString(it) && it->valuestring != NULL)
                skt_wipe(it->valuestring, strlen(it->valuestring));
    cJSON_Delete(j);
    return rc;
}

/* The portal's base URL: the endpoint configured for "sso" the way every
 * other service's is (AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL, the
 * profile's [services] section or endpoint_url, unless configured
 * endpoints are ignored), else https://portal.sso.SSO_REGION.amazonaws.com. */
static int portal_url(seckit_aws *aws, const sso_cfg *c, char *out, size_t n, seckit_error *err)
{
    SKT_GUARD(skt_aws_configured_endpoint_for(aws, "sso", out, n, err));
    if (out[0] == '\0') {
        const char *dom = strncmp(c->region, "cn-", 3) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
        snprintf(out, n, "https://portal.sso.%s.%s", c->region, dom);
    }
    return 0;
}

static int get_role_credentials(seckit_aws *aws, const char *profile, const sso_cfg *c,
                                const char *token, seckit_aws_credentials *out, seckit_error *err)
{
    char base[600];
    SKT_GUARD(portal_url(aws, c, base, sizeof base, err));
    skt_writer w;
    skt_writer_init(&w, 8192);
    int rc = 0;
    SKT_GUARD_GOTO(skt_writer_str(&w, base, err), rc, done);
    SKT_GUARD_GOTO(skt_writer_str(&w, "/federation/credentials?account_id=", err), rc, done);
    SKT_GUARD_GOTO(skt_uri_encode(&w, c->account_id, strlen(c->account_id), 0, err), rc, done);
    SKT_GUARD_GOTO(skt_writer_str(&w, "&role_name=", err), rc, done);
    SKT_GUARD_GOTO(skt_uri_encode(&w, c->role_name, strlen(c->role_name), 0, err), rc, done);
    SKT_GUARD_GOTO(skt_writer_terminate(&w, err), rc, done);
    seckit_aws_kv h[1] = {{"x-amz-sso_bearer_token", token}};
    seckit_aws_response resp;
    memset(&resp, 0, sizeof resp);
    long to = aws->timeout_ms > 0 ? aws->timeout_ms : 10000;
    for (int attempt = 0; attempt < 2; attempt++) {
        seckit_aws_response_free(&resp);
        rc = skt_aws_http_plain(aws, "GET", (const char *)w.data, h, 1, to, &resp, err);
        if (rc == 0 || (rc != SECKIT_ENETWORK && rc != SECKIT_ETIMEOUT && resp.status < 500))
            break;
    }
    if (rc != 0 && resp.status == 401) {
        rc = seckit_error_set(err, SECKIT_EAWSAUTH,
                              "profile %s: IAM Identity Center refused the SSO token (HTTP 401): "
                              "run `aws sso login --profile %s`",
                              profile, profile);
    } else if (rc != 0 && resp.status == 403) {
        rc = seckit_error_set(err, SECKIT_EAWS,
                              "profile %s: IAM Identity Center gives no access to role %.100s in "
                              "account %.20s (HTTP 403)",
                              profile, c->role_name, c->account_id);
        if (err != NULL)
            err->http_status = 403;
    } else if (rc != 0) {
        seckit_error_prefix(err, "sso GetRoleCredentials");
    } else {
        cJSON *j = cJSON_ParseWithLength(resp.body ? (const char *)resp.body : "", resp.body_len);
        cJSON *rcd = cJSON_GetObjectItemCaseSensitive(j, "roleCredentials");
        const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rcd, "accessKeyId"));
        const char *sk =
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rcd, "secretAccessKey"));
        const char *tok =
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rcd, "sessionToken"));
        cJSON *exp = cJSON_GetObjectItemCaseSensitive(rcd, "expiration");
        if (id == NULL || sk == NULL || tok == NULL || !cJSON_IsNumber(exp) ||
            exp->valuedouble <= 0 || strlen(id) > SECKIT_AWS_KEY_ID_MAX ||
            strlen(sk) > SECKIT_AWS_SECRET_MAX || strlen(tok) > SECKIT_AWS_TOKEN_MAX || !*id ||
            !*sk) {
            rc = seckit_error_set(err, SECKIT_EFORMAT,
                                  "sso GetRoleCredentials: the answer lacks roleCredentials "
                                  "(accessKeyId, secretAccessKey, sessionToken, expiration)");
        } else {
            memset(out, 0, sizeof *out);
            snprintf(out->access_key_id, sizeof out->access_key_id, "%s", id);
            snprintf(out->secret_access_key, sizeof out->secret_access_key, "%s", sk);
            snprintf(out->session_token, sizeof out->session_token, "%s", tok);
            out->expiration = (long long)(exp->valuedouble / 1000.0);
            snprintf(out->source, sizeof out->source, "sso");
        }
        if (rcd != NULL)
            for (cJSON *it = rcd->child; it != NULL; it = it->next)
                if (cJSON_IsString(it) && it->valuestring != NULL)
                    skt_wipe(it->valuestring, strlen(it->valuestring));
        cJSON_Delete(j);
    }
    if (resp.body != NULL)
        skt_wipe(resp.body, resp.body_len);
    seckit_aws_response_free(&resp);
done:
    skt_writer_free(&w);
    return rc;
}

int skt_aws_sso_credentials(seckit_aws *aws, const char *profile, seckit_aws_credentials *out,
                            seckit_error *err)
{
    sso_cfg c;
    int rc = sso_config(aws, profile, &c, err);
    SKT_GUARD_NONZERO(rc);
    char key[41];
    int have_key =
        skt_cred_cache_key_sso(c.account_id, c.role_name, c.session, c.start_url, key, NULL) == 0;
    long long now = skt_aws_now(aws);
    if (have_key && skt_cred_cache_load(key, now, SKT_CRED_CACHE_WINDOW, out) == 0) {
        snprintf(out->source, sizeof out->source, "sso");
        return 0;
    }
    char *token = NULL;
    rc = load_token(profile, &c, now, &token, err);
    if (rc == 0) {
        rc = get_role_credentials(aws, profile, &c, token, out, err);
        skt_secret_free(token);
    }
    if (rc != 0) {
        /* a failed refresh keeps cached credentials that are still valid */
        if (have_key && skt_cred_cache_load(key, now, 0, out) == 0) {
            seckit_error_clear(err);
            snprintf(out->source, sizeof out->source, "sso");
            return 0;
        }
        return rc;
    }
    if (have_key)
        (void)skt_cred_cache_store(key, out, "sso", c.account_id, NULL);
    return 0;
}
