/* The credential chain, in the AWS CLI's order: environment, the profile
 * (assume-role, web identity, IAM Identity Center, credentials file,
 * credential_process, config file), container credentials, EC2 instance
 * metadata (IMDSv2, IMDSv1 fallback); and the AWS CLI's cache of assumed-role
 * credentials (~/.aws/cli/cache). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <openssl/evp.h>

#include "src/base/buf.h"
#include "src/base/secmem.h"
#include "seckit/file.h"
#include "src/aws/client.h"
#include "src/aws/sigv4.h"
#include "src/base/guard.h"

extern char **environ;

#define NOT_FOUND 1
#define PROCESS_OUTPUT_MAX (64u << 10)

static int set_creds(seckit_aws_credentials *out, const char *id, const char *secret,
                     const char *token, long long expiration, const char *source, seckit_error *err)
{
    SKT_ENSURE(id != NULL && *id && strlen(id) <= SECKIT_AWS_KEY_ID_MAX, err, SECKIT_EAWSAUTH,
               "%s: access key id missing or too long", source);
    SKT_ENSURE(secret != NULL && *secret && strlen(secret) <= SECKIT_AWS_SECRET_MAX, err,
               SECKIT_EAWSAUTH, "%s: secret access key missing or too long", source);
    SKT_ENSURE(token == NULL || strlen(token) <= SECKIT_AWS_TOKEN_MAX, err, SECKIT_EAWSAUTH,
               "%s: session token too long", source);
    for (const char *c = id; *c; c++)
        SKT_ENSURE((unsigned char)*c > ' ' && (unsigned char)*c < 0x7f, err, SECKIT_EAWSAUTH,
                   "%s: access key id contains invalid characters", source);
    memset(out, 0, sizeof *out);
    snprintf(out->access_key_id, sizeof out->access_key_id, "%s", id);
    snprintf(out->secret_access_key, sizeof out->secret_access_key, "%s", secret);
    if (token != NULL)
        snprintf(out->session_token, sizeof out->session_token, "%s", token);
    out->expiration = expiration;
    snprintf(out->source, sizeof out->source, "%s", source);
    return 0;
}

int skt_aws_parse_credentials_json(const char *json, size_t len, const char *source,
                                   seckit_aws_credentials *out, seckit_error *err)
{
    SKT_ENSURE(len < PROCESS_OUTPUT_MAX, err, SECKIT_ELIMIT, "%s: credentials document too large",
               source);
    cJSON *j = cJSON_ParseWithLength(json, len);
    int rc = 0;
    SKT_ENSURE_GOTO(cJSON_IsObject(j), err, rc, done, SECKIT_EFORMAT,
                    "%s: credentials are not a JSON object", source);
    const char *code = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "Code"));
    SKT_ENSURE_GOTO(!(code != NULL && strcmp(code, "Success") != 0), err, rc, done, SECKIT_EAWSAUTH,
                    "%s: credentials not available (Code %.40s)", source, code);
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "AccessKeyId"));
    const char *sk = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "SecretAccessKey"));
    const char *tok = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "Token"));
    if (tok == NULL)
        tok = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "SessionToken"));
    const char *exp = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "Expiration"));
    long long e = 0;
    if (exp != NULL) {
        e = skt_parse_iso8601(exp);
        SKT_ENSURE_GOTO(e >= 0, err, rc, done, SECKIT_EFORMAT,
                        "%s: Expiration is not an ISO 8601 time", source);
    }
    SKT_ENSURE_GOTO(!(id == NULL || sk == NULL), err, rc, done, SECKIT_EFORMAT,
                    "%s: credentials lack AccessKeyId or SecretAccessKey", source);
    rc = set_creds(out, id, sk, tok, e, source, err);
done:
    if (j != NULL) {
        /* wipe the secret strings inside the cJSON tree before freeing it */
        for (cJSON *it = j->child; it != NULL; it = it->next)
            if (cJSON_IsString(it) && it->valuestring != NULL)
                skt_wipe(it->valuestring, strlen(it->valuestring));
        cJSON_Delete(j);
    }
    return rc;
}

/* ----------------------------------------------------------- providers */

static int from_env(seckit_aws_credentials *out, seckit_error *err)
{
    const char *id = getenv("AWS_ACCESS_KEY_ID");
    const char *sk = getenv("AWS_SECRET_ACCESS_KEY");
    int have_id = id != NULL && *id != '\0', have_sk = sk != NULL && *sk != '\0';
    /* Half a key pair is a mistake, not a reason to fall through to a
     * profile (which may be another account).  The AWS CLI refuses a key id
     * without its secret the same way; it ignores a lone secret, which
     * seckit refuses too.  A lone AWS_SESSION_TOKEN is ignored, as there. */
    SKT_ENSURE(have_id == have_sk, err, SECKIT_EAWSAUTH,
               "partial credentials found in the environment, missing: %s "
               "(set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
               "neither)",
               have_id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
    if (!have_id)
        return NOT_FOUND;
    const char *tok = getenv("AWS_SESSION_TOKEN");
    if (tok == NULL || *tok == '\0')
        tok = getenv("AWS_SECURITY_TOKEN");
    return set_creds(out, id, sk, tok, 0, "environment", err);
}

static int static_keys(const seckit_aws *aws, const char *profile, int cred_file,
                       seckit_aws_credentials *out, seckit_error *err)
{
    const char *(*get)(const seckit_aws *, const char *, const char *) =
        cred_file ? skt_aws_cred_file_get : skt_aws_profile_get;
    const char *id = get(aws, profile, "aws_access_key_id");
    const char *sk = get(aws, profile, "aws_secret_access_key");
    if (id == NULL && sk == NULL)
        return NOT_FOUND;
    const char *src = cred_file ? "shared-credentials-file" : "config-file";
    SKT_ENSURE(!(id == NULL || sk == NULL || *id == '\0' || *sk == '\0'), err, SECKIT_EAWSAUTH,
               "profile %s in the %s has only one of aws_access_key_id and "
               "aws_secret_access_key",
               profile, cred_file ? "credentials file" : "config file");
    const char *tok = get(aws, profile, "aws_session_token");
    if (tok == NULL)
        tok = get(aws, profile, "aws_security_token");
    return set_creds(out, id, sk, tok, 0, src, err);
}

static int from_process(const char *cmd, seckit_aws_credentials *out, seckit_error *err)
{
    int pfd[2];
    SKT_ENSURE(pipe(pfd) == 0, err, SECKIT_EIO, "credential_process: pipe: %s", strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
    posix_spawn_file_actions_addclose(&fa, pfd[0]);
    posix_spawn_file_actions_addclose(&fa, pfd[1]);
    char sh[] = "/bin/sh", dash_c[] = "-c";
    char *argv[] = {sh, dash_c, (char *)(uintptr_t)cmd, NULL};
    pid_t pid;
    int sr = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pfd[1]);
    if (sr != 0) {
        close(pfd[0]);
        return seckit_error_set(err, SECKIT_EIO, "credential_process: cannot run: %s",
                                strerror(sr));
    }
    char *buf = skt_secret_alloc(PROCESS_OUTPUT_MAX + 1);
    size_t len = 0;
    int rc = 0, toolong = 0;
    if (buf == NULL)
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    for (;;) {
        char tmp[4096];
        ssize_t n = read(pfd[0], tmp, sizeof tmp);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (buf != NULL && len + (size_t)n <= PROCESS_OUTPUT_MAX) {
            memcpy(buf + len, tmp, (size_t)n);
            len += (size_t)n;
        } else {
            toolong = 1;
        }
        skt_wipe(tmp, sizeof tmp);
    }
    close(pfd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (rc == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
        rc = seckit_error_set(err, SECKIT_EAWSAUTH, "credential_process failed (exit status %d)",
                              WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    else if (rc == 0 && toolong)
        rc = seckit_error_set(err, SECKIT_ELIMIT, "credential_process printed more than %u bytes",
                              PROCESS_OUTPUT_MAX);
    if (rc == 0) {
        buf[len] = '\0';
        cJSON *j = cJSON_ParseWithLength(buf, len);
        cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "Version");
        if (!cJSON_IsNumber(v) || v->valuedouble != 1)
            rc = seckit_error_set(err, SECKIT_EUNSUPPORTED,
                                  "credential_process: output must be JSON with \"Version\": 1");
        if (j != NULL) {
            for (cJSON *it = j->child; it != NULL; it = it->next)
                if (cJSON_IsString(it) && it->valuestring != NULL)
                    skt_wipe(it->valuestring, strlen(it->valuestring));
            cJSON_Delete(j);
        }
        if (rc == 0)
            rc = skt_aws_parse_credentials_json(buf, len, "credential-process", out, err);
    }
    if (buf != NULL)
        skt_secret_free(buf);
    return rc;
}

/* ------------------------------------------------- container credentials */

/* Plain http is allowed only to loopback IP literals and the ECS/EKS agent
 * addresses, as the AWS SDKs allow it.  The host comes from libcurl's own
 * URL parser (the one that will connect), so what is checked is what is
 * used: "http://127.0.0.1.example.net/", "http://127.0.0.1@evil/" and
 * "http://localhost/" are all refused. */
int skt_aws_container_url_allowed(const char *url)
{
    if (url == NULL)
        return 0;
    CURLU *u = curl_url();
    if (u == NULL)
        return 0;
    char *scheme = NULL, *host = NULL, *user = NULL;
    int ok = 0;
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
        goto done;
    if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK && user != NULL)
        goto done; /* no user information in a credentials URL */
    if (strcasecmp(scheme, "https") == 0) {
        ok = 1;
        goto done;
    }
    if (strcasecmp(scheme, "http") != 0)
        goto done;
    size_t hl = strlen(host);
    if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
        char v6[64];
        struct in6_addr a6, loop6, ecs6;
        if (hl - 2 >= sizeof v6)
            goto done;
        memcpy(v6, host + 1, hl - 2);
        v6[hl - 2] = '\0';
        if (inet_pton(AF_INET6, v6, &a6) != 1 || inet_pton(AF_INET6, "::1", &loop6) != 1 ||
            inet_pton(AF_INET6, "fd00:ec2::23", &ecs6) != 1)
            goto done;
        ok = memcmp(&a6, &loop6, sizeof a6) == 0 || memcmp(&a6, &ecs6, sizeof a6) == 0;
    } else {
        struct in_addr a4;
        /* inet_pton takes only the dotted-quad form: no names, no "127.1" */
        if (inet_pton(AF_INET, host, &a4) != 1)
            goto done;
        uint32_t ip = ntohl(a4.s_addr);
        ok = (ip >> 24) == 127 || ip == 0xA9FEAA02u /* 169.254.170.2 */ ||
             ip == 0xA9FEAA17u /* 169.254.170.23 */;
    }
done:
    curl_free(scheme);
    curl_free(host);
    curl_free(user);
    curl_url_cleanup(u);
    return ok;
}

static int from_container(seckit_aws *aws, seckit_aws_credentials *out, seckit_error *err)
{
    const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    char url[2048];
    if (rel != NULL && *rel) {
        SKT_ENSURE(strlen(rel) < 1900 && rel[0] == '/', err, SECKIT_EINVAL,
                   "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start with '/'");
        snprintf(url, sizeof url, "http://169.254.170.2%s", rel);
    } else if (full != NULL && *full) {
        SKT_ENSURE(strlen(full) < sizeof url, err, SECKIT_EINVAL,
                   "AWS_CONTAINER_CREDENTIALS_FULL_URI too long");
        SKT_ENSURE(skt_aws_container_url_allowed(full), err, SECKIT_EINVAL,
                   "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback IP "
                   "address (127.0.0.0/8, [::1]) or the ECS/EKS agent (169.254.170.2, "
                   "169.254.170.23, [fd00:ec2::23])");
        snprintf(url, sizeof url, "%s", full);
    } else {
        return NOT_FOUND;
    }
    char *token = NULL;
    size_t token_len = 0;
    int rc = 0;
    const char *tf = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    const char *tv = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    if (tf != NULL && *tf) {
        uint8_t *data = NULL;
        SKT_GUARD(seckit_file_read(&data, &token_len, tf, 16384, err));
        token = (char *)data;
        while (token_len > 0 && (token[token_len - 1] == '\n' || token[token_len - 1] == '\r' ||
                                 token[token_len - 1] == ' '))
            token_len--;
        char *t2 = skt_secret_alloc(token_len + 1);
        if (t2 != NULL) {
            memcpy(t2, token, token_len);
            t2[token_len] = '\0';
        }
        skt_wipe_free(data, token_len);
        token = t2;
        SKT_ENSURE(token != NULL, err, SECKIT_ENOMEM, "out of memory");
    } else if (tv != NULL && *tv) {
        token_len = strlen(tv);
        token = skt_secret_alloc(token_len + 1);
        SKT_ENSURE(token != NULL, err, SECKIT_ENOMEM, "out of memory");
        memcpy(token, tv, token_len + 1);
    }
    if (token != NULL && (strchr(token, '\n') != NULL || strchr(token, '\r') != NULL)) {
        skt_secret_free(token);
        return seckit_error_set(err, SECKIT_EINVAL,
                                "container authorization token contains a line break");
    }
    seckit_aws_kv hdr[1] = {{"Authorization", token}};
    seckit_aws_response resp;
    memset(&resp, 0, sizeof resp);
    for (int attempt = 0; attempt < 2; attempt++) {
        seckit_aws_response_free(&resp);
        rc = skt_aws_http_plain(aws, "GET", url, hdr, token ? 1 : 0, 2000, &resp, err);
        if (rc == 0 || (rc != SECKIT_ENETWORK && rc != SECKIT_ETIMEOUT && resp.status < 500))
            break;
    }
    if (token != NULL)
        skt_secret_free(token);
    if (rc != 0) {
        seckit_error_prefix(err, "container credentials");
    } else {
        rc = skt_aws_parse_credentials_json(resp.body ? (const char *)resp.body : "", resp.body_len,
                                            "container", out, err);
    }
    if (resp.body != NULL)
        skt_wipe(resp.body, resp.body_len);
    seckit_aws_response_free(&resp);
    return rc;
}

/* ------------------------------------------------------ instance metadata */

static int setting_true(const seckit_aws *aws, const char *env, const char *key)
{
    const char *v = getenv(env);
    if (v == NULL || *v == '\0')
        v = skt_aws_profile_get(aws, aws->profile, key);
    return v != NULL && strcasecmp(v, "true") == 0;
}

int skt_aws_imds_base(const seckit_aws *aws, char *out, size_t n, seckit_error *err)
{
    const char *ep = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    const char *what = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
    if (ep == NULL || *ep == '\0') {
        ep = skt_aws_profile_get(aws, aws->profile, "ec2_metadata_service_endpoint");
        what = "ec2_metadata_service_endpoint";
    }
    if (ep != NULL && *ep) {
        SKT_ENSURE(strlen(ep) < n && strlen(ep) < 512 &&
                       (strncmp(ep, "http://", 7) == 0 || strncmp(ep, "https://", 8) == 0),
                   err, SECKIT_EINVAL, "%s must be an http(s) URL", what);
        for (const char *c = ep; *c; c++)
            SKT_ENSURE((unsigned char)*c > ' ' && (unsigned char)*c < 0x7f, err, SECKIT_EINVAL,
                       "%s contains a space or control character", what);
        snprintf(out, n, "%s", ep);
    } else {
        const char *mode = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
        what = "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE";
        if (mode == NULL || *mode == '\0') {
            mode = skt_aws_profile_get(aws, aws->profile, "ec2_metadata_service_endpoint_mode");
            what = "ec2_metadata_service_endpoint_mode";
        }
        int v6 = 0;
        if (mode != NULL && *mode) {
            SKT_ENSURE(strcasecmp(mode, "IPv4") == 0 || strcasecmp(mode, "IPv6") == 0, err,
                       SECKIT_EINVAL, "%s must be IPv4 or IPv6, not '%.40s'", what, mode);
            v6 = strcasecmp(mode, "IPv6") == 0;
        }
        snprintf(out, n, "%s", v6 ? "http://[fd00:ec2::254]" : "http://169.254.169.254");
    }
    size_t bl = strlen(out);
    while (bl > 0 && out[bl - 1] == '/')
        out[--bl] = '\0';
    return 0;
}

/* 1. The IMDSv2 session token (*token, NULL for IMDSv1), or NOT_FOUND when
 * no instance metadata service answers (not on EC2). */
static int imds_token(seckit_aws *aws, const char *base, long timeout_ms, int attempts,
                      int v1_disabled, char **token, seckit_error *err)
{
    *token = NULL;
    char url[1024];
    seckit_aws_response resp;
    memset(&resp, 0, sizeof resp);
    seckit_error local;
    int rc = 0;
    /* 1. session token (IMDSv2); 403, 404 and 405 mean "no IMDSv2 here":
     *    fall back to IMDSv1 (plain GETs), as botocore does, unless that is
     *    disabled. */
    snprintf(url, sizeof url, "%s/latest/api/token", base);
    seckit_aws_kv ttl[1] = {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}};
    for (int a = 0; a < attempts; a++) {
        seckit_aws_response_free(&resp);
        rc = skt_aws_http_plain(aws, "PUT", url, ttl, 1, timeout_ms, &resp, &local);
        if (rc == 0)
            break;
    }
    if (rc == SECKIT_ENETWORK || rc == SECKIT_ETIMEOUT) {
        seckit_aws_response_free(&resp);
        return NOT_FOUND; /* not on EC2 */
    }
    if (rc != 0 && (resp.status == 403 || resp.status == 404 || resp.status == 405)) {
        int st = resp.status;
        seckit_aws_response_free(&resp);
        SKT_ENSURE(!v1_disabled, err, SECKIT_EAWSAUTH,
                   "instance metadata: no IMDSv2 session token (HTTP %d) and "
                   "the IMDSv1 fallback is disabled "
                   "(AWS_EC2_METADATA_V1_DISABLED / ec2_metadata_v1_disabled)",
                   st);
    } else if (rc != 0 || resp.body == NULL || resp.body_len == 0 || resp.body_len > 1024 ||
               strpbrk((const char *)resp.body, "\r\n") != NULL) {
        int st = resp.status;
        seckit_aws_response_free(&resp);
        return seckit_error_set(err, SECKIT_EAWSAUTH,
                                "instance metadata: no IMDSv2 session token (HTTP %d)", st);
    } else {
        *token = skt_secret_alloc(resp.body_len + 1);
        if (*token == NULL) {
            seckit_aws_response_free(&resp);
            return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        }
        memcpy(*token, resp.body, resp.body_len + 1);
        skt_wipe(resp.body, resp.body_len);
        seckit_aws_response_free(&resp);
    }
    return 0;
}

static int from_imds(seckit_aws *aws, seckit_aws_credentials *out, seckit_error *err)
{
    const char *dis = getenv("AWS_EC2_METADATA_DISABLED");
    if (dis != NULL && strcasecmp(dis, "true") == 0)
        return NOT_FOUND;
    char base[512];
    SKT_GUARD(skt_aws_imds_base(aws, base, sizeof base, err));
    int v1_disabled = setting_true(aws, "AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled");
    long timeout_ms = 1000;
    const char *to = getenv("AWS_METADATA_SERVICE_TIMEOUT");
    if (to != NULL && atoi(to) > 0 && atoi(to) <= 60)
        timeout_ms = atoi(to) * 1000L;
    int attempts = 1;
    const char *na = getenv("AWS_METADATA_SERVICE_NUM_ATTEMPTS");
    if (na != NULL && atoi(na) > 0 && atoi(na) <= 10)
        attempts = atoi(na);

    char url[1024];
    seckit_aws_response resp;
    memset(&resp, 0, sizeof resp);
    int rc = 0;
    char *token;
    SKT_GUARD_NONZERO(imds_token(aws, base, timeout_ms, attempts, v1_disabled, &token, err));
    seckit_aws_kv th[1] = {{"X-aws-ec2-metadata-token", token}};
    size_t nth = token != NULL ? 1 : 0;

    /* 2. role name */
    char role[256] = "";
    snprintf(url, sizeof url, "%s/latest/meta-data/iam/security-credentials/", base);
    rc = skt_aws_http_plain(aws, "GET", url, th, nth, timeout_ms, &resp, err);
    if (rc == 0) {
        const char *b = resp.body ? (const char *)resp.body : "";
        size_t l = strcspn(b, "\r\n");
        if (l == 0 || l >= sizeof role || strchr(b, '/') != NULL) {
            rc = seckit_error_set(err, SECKIT_EAWSAUTH,
                                  "instance metadata: no IAM role is attached to this instance");
        } else {
            memcpy(role, b, l);
            role[l] = '\0';
        }
    } else {
        seckit_error_prefix(err, "instance metadata");
        if (err != NULL)
            err->code = rc = SECKIT_EAWSAUTH;
        else
            rc = SECKIT_EAWSAUTH;
    }
    seckit_aws_response_free(&resp);
    /* 3. credentials */
    if (rc == 0) {
        snprintf(url, sizeof url, "%s/latest/meta-data/iam/security-credentials/%s", base, role);
        rc = skt_aws_http_plain(aws, "GET", url, th, nth, timeout_ms, &resp, err);
        if (rc == 0)
            rc = skt_aws_parse_credentials_json(resp.body ? (const char *)resp.body : "",
                                                resp.body_len, "instance-metadata", out, err);
        else
            seckit_error_prefix(err, "instance metadata");
        if (resp.body != NULL)
            skt_wipe(resp.body, resp.body_len);
        seckit_aws_response_free(&resp);
    }
    if (token != NULL)
        skt_secret_free(token);
    return rc;
}

/* ------------------------------------------- the AWS CLI's credential cache */

int skt_sha1_hex(const char *s, char out[41], seckit_error *err)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdl = 0;
    if (EVP_Digest(s, strlen(s), md, &mdl, EVP_sha1(), NULL) != 1 || mdl != 20)
        return seckit_error_set(err, SECKIT_ECRYPTO, "SHA-1 failed");
    static const char hx[] = "0123456789abcdef";
    for (unsigned i = 0; i < 20; i++) {
        out[2 * i] = hx[md[i] >> 4];
        out[2 * i + 1] = hx[md[i] & 15];
    }
    out[40] = '\0';
    return 0;
}

/* A JSON string as Python's json.dumps writes it (ensure_ascii): the AWS
 * CLI's cache keys are SHA-1s of that text. */
static int py_json_string(skt_writer *w, const char *s, seckit_error *err)
{
    SKT_GUARD(skt_writer_put(w, "\"", 1, err));
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        size_t n;
        if (*p < 0x80) {
            cp = *p;
            n = 1;
        } else if ((*p & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
            cp = ((uint32_t)(*p & 0x1F) << 6) | (p[1] & 0x3F);
            n = 2;
            SKT_ENSURE(cp >= 0x80, err, SECKIT_EFORMAT, "invalid UTF-8");
        } else if ((*p & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
            cp = ((uint32_t)(*p & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
            n = 3;
            if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))
                return seckit_error_set(err, SECKIT_EFORMAT, "invalid UTF-8");
        } else if ((*p & 0xF8) == 0xF0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
                   (p[3] & 0xC0) == 0x80) {
            cp = ((uint32_t)(*p & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
                 ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
            n = 4;
            SKT_ENSURE(!(cp < 0x10000 || cp > 0x10FFFF), err, SECKIT_EFORMAT, "invalid UTF-8");
        } else {
            return seckit_error_set(err, SECKIT_EFORMAT, "invalid UTF-8");
        }
        char buf[16];
        const char *lit = NULL;
        switch (cp) {
        case '"': lit = "\\\""; break;
        case '\\': lit = "\\\\"; break;
        case '\n': lit = "\\n"; break;
        case '\r': lit = "\\r"; break;
        case '\t': lit = "\\t"; break;
        case '\b': lit = "\\b"; break;
        case '\f': lit = "\\f"; break;
        default: break;
        }
        if (lit != NULL) {
            SKT_GUARD(skt_writer_str(w, lit, err));
        } else if (cp >= 0x20 && cp < 0x7f) {
            SKT_GUARD(skt_writer_put(w, p, 1, err));
        } else if (cp < 0x10000) {
            snprintf(buf, sizeof buf, "\\u%04x", (unsigned)cp);
            SKT_GUARD(skt_writer_str(w, buf, err));
        } else {
            uint32_t v = cp - 0x10000;
            snprintf(buf, sizeof buf, "\\u%04x\\u%04x", (unsigned)(0xD800 + (v >> 10)),
                     (unsigned)(0xDC00 + (v & 0x3FF)));
            SKT_GUARD(skt_writer_str(w, buf, err));
        }
        p += n;
    }
    return skt_writer_put(w, "\"", 1, err);
}

typedef struct key_item {
    const char *name;
    const char *str; /* string value, or NULL for num */
    long num;
} key_item;

/* {"k": v, ...} with the items given in sorted order; compact: the
 * separators "," and ":" (SSO) instead of ", " and ": " (assume-role). */
static int cache_key(const key_item *items, size_t n, int compact, char out[41], seckit_error *err)
{
    skt_writer w;
    skt_writer_init(&w, 1 << 16);
    int rc = 0;
    SKT_GUARD_GOTO(skt_writer_put(&w, "{", 1, err), rc, done);
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        if (items[i].str == NULL && items[i].num == 0)
            continue;
        if (!first)
            SKT_GUARD_GOTO(skt_writer_str(&w, compact ? "," : ", ", err), rc, done);
        first = 0;
        SKT_GUARD_GOTO(py_json_string(&w, items[i].name, err), rc, done);
        SKT_GUARD_GOTO(skt_writer_str(&w, compact ? ":" : ": ", err), rc, done);
        if (items[i].str != NULL) {
            SKT_GUARD_GOTO(py_json_string(&w, items[i].str, err), rc, done);
        } else {
            char num[32];
            snprintf(num, sizeof num, "%ld", items[i].num);
            SKT_GUARD_GOTO(skt_writer_str(&w, num, err), rc, done);
        }
    }
    SKT_GUARD_GOTO(skt_writer_put(&w, "}", 1, err), rc, done);
    SKT_GUARD_GOTO(skt_writer_terminate(&w, err), rc, done);
    rc = skt_sha1_hex((const char *)w.data, out, err);
done:
    skt_writer_free(&w);
    return rc;
}

int skt_cred_cache_key_role(const char *role_arn, const char *session_name, const char *external_id,
                            const char *serial, long duration_s, char out[41], seckit_error *err)
{
    /* The AWS CLI hashes its AssumeRole arguments minus a generated session
     * name (and minus the MFA code, added later): keys in sorted order. */
    key_item it[] = {{"DurationSeconds", NULL, duration_s},
                     {"ExternalId", external_id, 0},
                     {"RoleArn", role_arn, 0},
                     {"RoleSessionName", session_name && *session_name ? session_name : NULL, 0},
                     {"SerialNumber", serial, 0}};
    return cache_key(it, SKT_ARRAY_LEN(it), 0, out, err);
}

int skt_cred_cache_key_sso(const char *account_id, const char *role_name, const char *session_name,
                           const char *start_url, char out[41], seckit_error *err)
{
    key_item it[] = {{"accountId", account_id, 0},
                     {"roleName", role_name, 0},
                     {"sessionName", session_name, 0},
                     {"startUrl", session_name != NULL ? NULL : start_url, 0}};
    return cache_key(it, SKT_ARRAY_LEN(it), 1, out, err);
}

/* $HOME/.aws/cli/cache[/KEY.json]; NULL without HOME. */
static char *cache_path(const char *key)
{
    const char *home = getenv("HOME");
    if (home == NULL || *home == '\0' || strlen(home) > 3000)
        return NULL;
    size_t n = strlen(home) + 64;
    char *p = malloc(n);
    if (p == NULL)
        return NULL;
    if (key != NULL)
        snprintf(p, n, "%s/.aws/cli/cache/%s.json", home, key);
    else
        snprintf(p, n, "%s/.aws/cli/cache", home);
    return p;
}

int skt_cred_cache_load(const char *key, long long now, long long min_left,
                        seckit_aws_credentials *out)
{
    char *path = cache_path(key);
    if (path == NULL)
        return NOT_FOUND;
    uint8_t *data = NULL;
    size_t len = 0;
    int rc = seckit_file_read(&data, &len, path, 64u << 10, NULL);
    free(path);
    if (rc != 0)
        return NOT_FOUND;
    cJSON *j = cJSON_ParseWithLength((const char *)data, len);
    skt_wipe_free(data, len);
    cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "Credentials");
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "AccessKeyId"));
    const char *sk = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "SecretAccessKey"));
    const char *tok = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "SessionToken"));
    const char *exp = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "Expiration"));
    long long e = exp != NULL ? skt_parse_iso8601(exp) : -1;
    rc = NOT_FOUND;
    if (id != NULL && sk != NULL && tok != NULL && e > 0 && e - now > min_left &&
        set_creds(out, id, sk, tok, e, "cache", NULL) == 0)
        rc = 0;
    if (c != NULL)
        for (cJSON *it = c->child; it != NULL; it = it->next)
            if (cJSON_IsString(it) && it->valuestring != NULL)
                skt_wipe(it->valuestring, strlen(it->valuestring));
    cJSON_Delete(j);
    return rc;
}

static int mkdir_0700(const char *path, seckit_error *err)
{
    if (mkdir(path, 0700) == 0 || errno == EEXIST)
        return 0;
    return seckit_error_set(err, SECKIT_EIO, "cannot create %s: %s", path, strerror(errno));
}

int skt_cred_cache_store(const char *key, const seckit_aws_credentials *c,
                         const char *provider_type, const char *account_id, seckit_error *err)
{
    char *dir = cache_path(NULL);
    SKT_ENSURE(dir != NULL, err, SECKIT_EINVAL, "no HOME for the credential cache");
    /* $HOME/.aws, $HOME/.aws/cli, $HOME/.aws/cli/cache: made 0700 */
    int rc = 0;
    char *cut = strstr(dir, "/.aws/cli/cache");
    cut[5] = '\0';
    rc = mkdir_0700(dir, err);
    cut[5] = '/';
    cut[9] = '\0';
    if (rc == 0)
        rc = mkdir_0700(dir, err);
    cut[9] = '/';
    if (rc == 0)
        rc = mkdir_0700(dir, err);
    free(dir);
    SKT_GUARD(rc);
    char exp[32];
    time_t t = (time_t)c->expiration;
    struct tm tm;
    SKT_ENSURE(gmtime_r(&t, &tm) != NULL, err, SECKIT_EINVAL, "bad expiration time");
    strftime(exp, sizeof exp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON *j = cJSON_CreateObject();
    cJSON *cr = cJSON_CreateObject();
    char *text = NULL;
    if (j == NULL || cr == NULL) {
        cJSON_Delete(cr);
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        goto done;
    }
    if (provider_type != NULL)
        cJSON_AddStringToObject(j, "ProviderType", provider_type);
    cJSON_AddItemToObject(j, "Credentials", cr);
    if (cJSON_AddStringToObject(cr, "AccessKeyId", c->access_key_id) == NULL ||
        cJSON_AddStringToObject(cr, "SecretAccessKey", c->secret_access_key) == NULL ||
        cJSON_AddStringToObject(cr, "SessionToken", c->session_token) == NULL ||
        cJSON_AddStringToObject(cr, "Expiration", exp) == NULL ||
        (account_id != NULL && cJSON_AddStringToObject(cr, "AccountId", account_id) == NULL) ||
        (text = cJSON_PrintUnformatted(j)) == NULL) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        goto done;
    }
    char *path = cache_path(key);
    SKT_ENSURE_GOTO(path != NULL, err, rc, done, SECKIT_ENOMEM, "out of memory");
    rc = seckit_file_write_atomic(path, text, strlen(text), 0600, SECKIT_FILE_OVERWRITE, err);
    free(path);
done:
    if (text != NULL)
        skt_wipe_free(text, strlen(text));
    if (cr != NULL)
        for (cJSON *it = cr->child; it != NULL; it = it->next)
            if (cJSON_IsString(it) && it->valuestring != NULL)
                skt_wipe(it->valuestring, strlen(it->valuestring));
    cJSON_Delete(j);
    return rc;
}

/* ------------------------------------------------------------ web identity */

/* A setting from the environment (when use_env) or else the profile. */
static const char *env_or_profile(const seckit_aws *aws, const char *profile, int use_env,
                                  const char *env, const char *key)
{
    const char *v = use_env ? getenv(env) : NULL;
    if (v == NULL || *v == '\0')
        v = skt_aws_profile_get(aws, profile, key);
    return v != NULL && *v ? v : NULL;
}

static int from_web_identity(seckit_aws *aws, const char *profile, int use_env,
                             seckit_aws_credentials *out, seckit_error *err)
{
    const char *tf = env_or_profile(aws, profile, use_env, "AWS_WEB_IDENTITY_TOKEN_FILE",
                                    "web_identity_token_file");
    if (tf == NULL)
        return NOT_FOUND;
    const char *role = env_or_profile(aws, profile, use_env, "AWS_ROLE_ARN", "role_arn");
    const char *session =
        env_or_profile(aws, profile, use_env, "AWS_ROLE_SESSION_NAME", "role_session_name");
    SKT_ENSURE(role != NULL, err, SECKIT_EAWSAUTH,
               "web identity token file %.200s is configured (profile %s or "
               "AWS_WEB_IDENTITY_TOKEN_FILE) but no role ARN: set role_arn or AWS_ROLE_ARN",
               tf, profile);
    char key[41];
    int have_key = skt_cred_cache_key_role(role, session, NULL, NULL, 0, key, NULL) == 0;
    long long now = skt_aws_now(aws);
    if (have_key && skt_cred_cache_load(key, now, SKT_CRED_CACHE_WINDOW, out) == 0) {
        snprintf(out->source, sizeof out->source, "web-identity");
        return 0;
    }
    char *path = strncmp(tf, "~/", 2) == 0 && getenv("HOME") != NULL ? NULL : (char *)tf;
    char expanded[4096];
    if (path == NULL) {
        snprintf(expanded, sizeof expanded, "%s/%s", getenv("HOME"), tf + 2);
        path = expanded;
    }
    uint8_t *data = NULL;
    size_t len = 0;
    int rc = seckit_file_read(&data, &len, path, 64u << 10, err);
    if (rc != 0) {
        seckit_error_prefix(err, "web identity token file");
        return rc == SECKIT_ENOENT ? SECKIT_EAWSAUTH : rc;
    }
    while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r' || data[len - 1] == ' ' ||
                       data[len - 1] == '\t'))
        len--;
    char *token = skt_secret_alloc(len + 1);
    if (token != NULL) {
        memcpy(token, data, len);
        token[len] = '\0';
    }
    skt_wipe_free(data, len);
    SKT_ENSURE(token != NULL, err, SECKIT_ENOMEM, "out of memory");
    if (len == 0 || strlen(token) != len) {
        skt_secret_free(token);
        return seckit_error_set(err, SECKIT_EAWSAUTH, "web identity token file %.200s is empty",
                                path);
    }
    rc = skt_sts_assume_role_web_identity(aws, role, session, token, out, err);
    skt_secret_free(token);
    if (rc != 0) {
        /* a failed refresh keeps cached credentials that are still valid */
        if (have_key && skt_cred_cache_load(key, now, 0, out) == 0) {
            seckit_error_clear(err);
            snprintf(out->source, sizeof out->source, "web-identity");
            return 0;
        }
        seckit_error_prefix(err, "web identity");
        return rc;
    }
    snprintf(out->source, sizeof out->source, "web-identity");
    if (have_key)
        (void)skt_cred_cache_store(key, out, NULL, NULL, NULL);
    return 0;
}

/* ------------------------------------------------------------ profiles */

static int from_profile(seckit_aws *aws, const char *profile, int depth, int use_env, int skip_role,
                        seckit_aws_credentials *out, seckit_error *err);

static int aws_profile_known(const seckit_aws *aws, const char *profile)
{
    char sec[300];
    snprintf(sec, sizeof sec, "profile %s", profile);
    return skt_ini_has_section(&aws->config, sec) ||
           (strcmp(profile, "default") == 0 && skt_ini_has_section(&aws->config, "default")) ||
           skt_ini_has_section(&aws->credentials, profile);
}

static int has_static(const seckit_aws *aws, const char *profile)
{
    return skt_aws_profile_get(aws, profile, "aws_access_key_id") != NULL ||
           skt_aws_profile_get(aws, profile, "aws_secret_access_key") != NULL;
}

static int source_credentials(seckit_aws *aws, const char *profile, const char *src,
                              const char *csrc, int depth, seckit_aws_credentials *base,
                              seckit_error *err)
{
    int rc;
    if (src != NULL) {
        /* A source profile with keys gives them (even if it has a role_arn
         * of its own: that is how a profile names itself as its source);
         * without keys, its own role_arn is assumed in turn. */
        rc = from_profile(aws, src, depth + 1, 0, has_static(aws, src), base, err);
        if (rc == NOT_FOUND)
            rc = seckit_error_set(err, SECKIT_EAWSAUTH,
                                  "profile %s: source_profile %s has no credentials", profile, src);
        return rc;
    }
    const char *missing = NULL;
    if (strcmp(csrc, "Environment") == 0) {
        rc = from_env(base, err);
        missing = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set";
    } else if (strcmp(csrc, "EcsContainer") == 0) {
        rc = from_container(aws, base, err);
        missing = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI is not set";
    } else {
        rc = from_imds(aws, base, err);
        missing = "instance metadata is disabled or unreachable";
    }
    if (rc == NOT_FOUND)
        rc = seckit_error_set(err, SECKIT_EAWSAUTH, "profile %s: credential_source %s: %s", profile,
                              csrc, missing);
    else if (rc != 0)
        seckit_error_prefix(err, csrc);
    return rc;
}

static int get_mfa_code(seckit_aws *aws, const char *profile, const char *serial, char *code,
                        size_t n, seckit_error *err)
{
    SKT_ENSURE(aws->mfa_prompt != NULL, err, SECKIT_EAWSAUTH,
               "profile %s has mfa_serial %.200s: an MFA code is needed and there is no "
               "terminal to ask for it on (run seckit from a terminal)",
               profile, serial);
    memset(code, 0, n);
    int r = aws->mfa_prompt(aws->mfa_prompt_ctx, profile, serial, code, n);
    code[n - 1] = '\0';
    size_t l = strcspn(code, "\r\n");
    code[l] = '\0';
    SKT_ENSURE(r == 0 && *code != '\0', err, SECKIT_EAWSAUTH,
               "profile %s has mfa_serial %.200s: no MFA code was entered (or there is no "
               "terminal to ask for it on)",
               profile, serial);
    int digits = 1;
    for (const char *c = code; *c; c++)
        if (*c < '0' || *c > '9')
            digits = 0;
    SKT_ENSURE(digits && l == 6, err, SECKIT_EAWSAUTH,
               "profile %s: the MFA code must be six digits", profile);
    return 0;
}

static int assume_role_profile(seckit_aws *aws, const char *profile, const char *role_arn,
                               int depth, seckit_aws_credentials *out, seckit_error *err)
{
    const char *src = skt_aws_profile_get(aws, profile, "source_profile");
    const char *csrc = skt_aws_profile_get(aws, profile, "credential_source");
    if (src != NULL && *src == '\0')
        src = NULL;
    if (csrc != NULL && *csrc == '\0')
        csrc = NULL;
    SKT_ENSURE(!(src != NULL && csrc != NULL), err, SECKIT_EAWSAUTH,
               "profile %s has both source_profile and credential_source (use one)", profile);
    SKT_ENSURE(src != NULL || csrc != NULL, err, SECKIT_EAWSAUTH,
               "profile %s has role_arn but neither source_profile nor credential_source", profile);
    SKT_ENSURE(csrc == NULL || strcmp(csrc, "Environment") == 0 ||
                   strcmp(csrc, "EcsContainer") == 0 || strcmp(csrc, "Ec2InstanceMetadata") == 0,
               err, SECKIT_EAWSAUTH,
               "profile %s: credential_source %.60s is not supported (Environment, "
               "EcsContainer or Ec2InstanceMetadata)",
               profile, csrc);
    SKT_ENSURE(src == NULL || strcmp(src, profile) == 0 || aws_profile_known(aws, src), err,
               SECKIT_EAWSAUTH, "profile %s: source_profile %.100s does not exist", profile, src);
    const char *session = skt_aws_profile_get(aws, profile, "role_session_name");
    const char *ext = skt_aws_profile_get(aws, profile, "external_id");
    const char *dur = skt_aws_profile_get(aws, profile, "duration_seconds");
    const char *mfa = skt_aws_profile_get(aws, profile, "mfa_serial");
    if (mfa != NULL && *mfa == '\0')
        mfa = NULL;
    long d = 0;
    if (dur != NULL && *dur) {
        char *end;
        d = strtol(dur, &end, 10);
        SKT_ENSURE(*end == '\0' && d >= 900 && d <= 43200, err, SECKIT_EINVAL,
                   "profile %s: duration_seconds must be 900..43200, not '%.20s'", profile, dur);
    }
    char key[41];
    int have_key = skt_cred_cache_key_role(role_arn, session, ext, mfa, d, key, NULL) == 0;
    long long now = skt_aws_now(aws);
    if (have_key && skt_cred_cache_load(key, now, SKT_CRED_CACHE_WINDOW, out) == 0) {
        snprintf(out->source, sizeof out->source, "assume-role");
        return 0;
    }

    seckit_aws_credentials *base = skt_secret_alloc(sizeof *base);
    SKT_ENSURE(base != NULL, err, SECKIT_ENOMEM, "out of memory");
    memset(base, 0, sizeof *base);
    char code[16] = "";
    int rc;
    if (src != NULL && strcmp(src, profile) == 0) {
        rc = static_keys(aws, profile, 1, base, err);
        if (rc == NOT_FOUND)
            rc = static_keys(aws, profile, 0, base, err);
        if (rc == NOT_FOUND)
            rc = seckit_error_set(err, SECKIT_EAWSAUTH,
                                  "profile %s names itself as source_profile but has no keys",
                                  profile);
    } else {
        rc = source_credentials(aws, profile, src, csrc, depth, base, err);
    }
    if (rc == 0 && mfa != NULL)
        rc = get_mfa_code(aws, profile, mfa, code, sizeof code, err);
    if (rc == 0) {
        rc = skt_sts_assume_role_mfa(aws, base, role_arn, session, ext, d, mfa,
                                     mfa != NULL ? code : NULL, out, err);
        if (rc == 0) {
            snprintf(out->source, sizeof out->source, "assume-role");
            if (have_key)
                (void)skt_cred_cache_store(key, out, NULL, NULL, NULL);
        }
    }
    skt_wipe(code, sizeof code);
    skt_secret_free(base);
    if (rc != 0) {
        /* a failed refresh keeps cached credentials that are still valid */
        if (have_key && skt_cred_cache_load(key, now, 0, out) == 0) {
            seckit_error_clear(err);
            snprintf(out->source, sizeof out->source, "assume-role");
            return 0;
        }
        seckit_error_prefix(err, "assume role (profile)");
    }
    return rc;
}

/* Settings that say how a profile gets credentials, which seckit could not
 * act on: an error naming them, never "no credentials found". */
static int unusable_profile(const seckit_aws *aws, const char *profile, seckit_error *err)
{
    const char *v;
    if ((v = skt_aws_profile_get(aws, profile, "login_session")) != NULL && *v)
        return seckit_error_set(err, SECKIT_EUNSUPPORTED,
                                "profile %s uses login_session (`aws login` console "
                                "credentials), which seckit does not support: use static keys, "
                                "credential_process, SSO or a role",
                                profile);
    if ((v = skt_aws_profile_get(aws, profile, "source_profile")) != NULL && *v)
        return seckit_error_set(err, SECKIT_EAWSAUTH,
                                "profile %s has source_profile but no role_arn", profile);
    if ((v = skt_aws_profile_get(aws, profile, "credential_source")) != NULL && *v)
        return seckit_error_set(err, SECKIT_EAWSAUTH,
                                "profile %s has credential_source but no role_arn", profile);
    if ((v = skt_aws_profile_get(aws, profile, "mfa_serial")) != NULL && *v)
        return seckit_error_set(err, SECKIT_EAWSAUTH,
                                "profile %s has mfa_serial but no role_arn (seckit uses MFA "
                                "only for AssumeRole)",
                                profile);
    return NOT_FOUND;
}

static int from_profile(seckit_aws *aws, const char *profile, int depth, int use_env, int skip_role,
                        seckit_aws_credentials *out, seckit_error *err)
{
    SKT_ENSURE(depth < 5, err, SECKIT_EAWSAUTH, "source_profile chain is longer than 5 profiles");
    const char *role = skt_aws_profile_get(aws, profile, "role_arn");
    const char *wif = skt_aws_profile_get(aws, profile, "web_identity_token_file");
    if (!skip_role && role != NULL && *role && (wif == NULL || *wif == '\0'))
        return assume_role_profile(aws, profile, role, depth, out, err);
    int rc = from_web_identity(aws, profile, use_env, out, err);
    if (rc != NOT_FOUND)
        return rc;
    rc = skt_aws_sso_credentials(aws, profile, out, err);
    if (rc != NOT_FOUND)
        return rc;
    rc = static_keys(aws, profile, 1, out, err);
    if (rc != NOT_FOUND)
        return rc;
    const char *proc = skt_aws_profile_get(aws, profile, "credential_process");
    if (proc != NULL && *proc)
        return from_process(proc, out, err);
    rc = static_keys(aws, profile, 0, out, err);
    if (rc != NOT_FOUND)
        return rc;
    return unusable_profile(aws, profile, err);
}

int skt_aws_resolve_credentials(seckit_aws *aws, seckit_aws_credentials *out, seckit_error *err)
{
    int rc;
    int use_env = !skt_aws_profile_explicit(aws);
    if (use_env) {
        rc = from_env(out, err);
        if (rc != NOT_FOUND)
            return rc;
    }
    rc = from_profile(aws, skt_aws_profile_name(aws), 0, use_env, 0, out, err);
    if (rc != NOT_FOUND)
        return rc;
    rc = from_container(aws, out, err);
    if (rc != NOT_FOUND)
        return rc;
    rc = from_imds(aws, out, err);
    if (rc != NOT_FOUND)
        return rc;
    return seckit_error_set(err, SECKIT_EAWSAUTH,
                            "no AWS credentials found (tried %sprofile %s in the shared "
                            "credentials and config files, container credentials, instance "
                            "metadata)",
                            skt_aws_profile_explicit(aws) ? "" : "the environment, ",
                            skt_aws_profile_name(aws));
}
