/* The credential chain, in the AWS CLI's order: environment, the profile
 * (assume-role, credentials file, credential_process, config file),
 * container credentials, EC2 instance metadata (IMDSv2). */
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
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "crypto/secmem.h"
#include "seckit/file.h"
#include "src/aws/client.h"
#include "src/aws/sigv4.h"
#include "src/base/guard.h"

extern char **environ;

#define NOT_FOUND 1
#define PROCESS_OUTPUT_MAX (64u << 10)

static int set_creds(seckit_aws_credentials *out, const char *id, const char *secret,
                     const char *token, long long expiration, const char *source,
                     seckit_error *err)
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
    if (!cJSON_IsObject(j)) {
        rc = seckit_error_set(err, SECKIT_EFORMAT, "%s: credentials are not a JSON object", source);
        goto done;
    }
    const char *code = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "Code"));
    if (code != NULL && strcmp(code, "Success") != 0) {
        rc = seckit_error_set(err, SECKIT_EAWSAUTH, "%s: credentials not available (Code %.40s)",
                              source, code);
        goto done;
    }
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "AccessKeyId"));
    const char *sk = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "SecretAccessKey"));
    const char *tok = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "Token"));
    if (tok == NULL)
        tok = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "SessionToken"));
    const char *exp = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "Expiration"));
    long long e = 0;
    if (exp != NULL) {
        e = skt_parse_iso8601(exp);
        if (e < 0) {
            rc = seckit_error_set(err, SECKIT_EFORMAT, "%s: Expiration is not an ISO 8601 time",
                                  source);
            goto done;
        }
    }
    if (id == NULL || sk == NULL) {
        rc = seckit_error_set(err, SECKIT_EFORMAT,
                              "%s: credentials lack AccessKeyId or SecretAccessKey", source);
        goto done;
    }
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
    if (id == NULL || *id == '\0' || sk == NULL || *sk == '\0')
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
    if (id == NULL || sk == NULL || *id == '\0' || *sk == '\0')
        return seckit_error_set(err, SECKIT_EAWSAUTH,
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
    if (pipe(pfd) != 0)
        return seckit_error_set(err, SECKIT_EIO, "credential_process: pipe: %s", strerror(errno));
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

static int host_allowed_plain(const char *url)
{
    const char *h = url + 7;
    static const char *const ok[] = {"127.", "localhost", "[::1]", "169.254.170.2",
                                     "169.254.170.23", "[fd00:ec2::23]"};
    for (size_t i = 0; i < SKT_ARRAY_LEN(ok); i++) {
        size_t n = strlen(ok[i]);
        if (strncmp(h, ok[i], n) == 0) {
            char c = h[n];
            if (ok[i][n - 1] == '.')
                return 1;
            if (c == '\0' || c == ':' || c == '/')
                return 1;
        }
    }
    return 0;
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
        SKT_ENSURE(strncmp(full, "https://", 8) == 0 ||
                       (strncmp(full, "http://", 7) == 0 && host_allowed_plain(full)),
                   err, SECKIT_EINVAL,
                   "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https or a loopback/container "
                   "host over http");
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
        SKT_GUARD(seckit_file_read(tf, 16384, &data, &token_len, err));
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
        if (token == NULL)
            return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    } else if (tv != NULL && *tv) {
        token_len = strlen(tv);
        token = skt_secret_alloc(token_len + 1);
        if (token == NULL)
            return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
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
        rc = skt_aws_parse_credentials_json(resp.body ? (const char *)resp.body : "",
                                            resp.body_len, "container", out, err);
    }
    if (resp.body != NULL)
        skt_wipe(resp.body, resp.body_len);
    seckit_aws_response_free(&resp);
    return rc;
}

static int from_imds(seckit_aws *aws, seckit_aws_credentials *out, seckit_error *err)
{
    const char *dis = getenv("AWS_EC2_METADATA_DISABLED");
    if (dis != NULL && strcasecmp(dis, "true") == 0)
        return NOT_FOUND;
    const char *ep = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    if (ep == NULL || *ep == '\0')
        ep = "http://169.254.169.254";
    SKT_ENSURE(strlen(ep) < 512 && (strncmp(ep, "http://", 7) == 0 || strncmp(ep, "https://", 8) == 0),
               err, SECKIT_EINVAL, "AWS_EC2_METADATA_SERVICE_ENDPOINT must be an http(s) URL");
    char base[512];
    snprintf(base, sizeof base, "%s", ep);
    size_t bl = strlen(base);
    while (bl > 0 && base[bl - 1] == '/')
        base[--bl] = '\0';
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
    seckit_error local;
    int rc = 0;
    /* 1. session token (IMDSv2) */
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
    if (rc != 0 || resp.body == NULL || resp.body_len == 0 || resp.body_len > 1024 ||
        strpbrk((const char *)resp.body, "\r\n") != NULL) {
        int st = resp.status;
        seckit_aws_response_free(&resp);
        return seckit_error_set(err, SECKIT_EAWSAUTH,
                                "instance metadata: no IMDSv2 session token (HTTP %d)", st);
    }
    char *token = skt_secret_alloc(resp.body_len + 1);
    if (token == NULL) {
        seckit_aws_response_free(&resp);
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    memcpy(token, resp.body, resp.body_len + 1);
    skt_wipe(resp.body, resp.body_len);
    seckit_aws_response_free(&resp);
    seckit_aws_kv th[1] = {{"X-aws-ec2-metadata-token", token}};

    /* 2. role name */
    char role[256] = "";
    snprintf(url, sizeof url, "%s/latest/meta-data/iam/security-credentials/", base);
    rc = skt_aws_http_plain(aws, "GET", url, th, 1, timeout_ms, &resp, err);
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
    }
    seckit_aws_response_free(&resp);
    /* 3. credentials */
    if (rc == 0) {
        snprintf(url, sizeof url, "%s/latest/meta-data/iam/security-credentials/%s", base, role);
        rc = skt_aws_http_plain(aws, "GET", url, th, 1, timeout_ms, &resp, err);
        if (rc == 0)
            rc = skt_aws_parse_credentials_json(resp.body ? (const char *)resp.body : "",
                                                resp.body_len, "instance-metadata", out, err);
        else
            seckit_error_prefix(err, "instance metadata");
        if (resp.body != NULL)
            skt_wipe(resp.body, resp.body_len);
        seckit_aws_response_free(&resp);
    }
    skt_secret_free(token);
    return rc;
}

/* ------------------------------------------------------------ profiles */

static int from_profile(seckit_aws *aws, const char *profile, int depth,
                        seckit_aws_credentials *out, seckit_error *err);

static int assume_role_profile(seckit_aws *aws, const char *profile, const char *role_arn,
                               int depth, seckit_aws_credentials *out, seckit_error *err)
{
    const char *src = skt_aws_profile_get(aws, profile, "source_profile");
    const char *csrc = skt_aws_profile_get(aws, profile, "credential_source");
    seckit_aws_credentials *base = skt_secret_alloc(sizeof *base);
    if (base == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    memset(base, 0, sizeof *base);
    int rc;
    if (src != NULL && *src) {
        if (strcmp(src, profile) == 0) {
            rc = static_keys(aws, profile, 1, base, err);
            if (rc == NOT_FOUND)
                rc = static_keys(aws, profile, 0, base, err);
        } else {
            rc = from_profile(aws, src, depth + 1, base, err);
        }
        if (rc == NOT_FOUND)
            rc = seckit_error_set(err, SECKIT_EAWSAUTH,
                                  "profile %s: source_profile %s has no credentials", profile, src);
    } else if (csrc != NULL && strcmp(csrc, "Environment") == 0) {
        rc = from_env(base, err);
    } else if (csrc != NULL && strcmp(csrc, "EcsContainer") == 0) {
        rc = from_container(aws, base, err);
    } else if (csrc != NULL && strcmp(csrc, "Ec2InstanceMetadata") == 0) {
        rc = from_imds(aws, base, err);
    } else {
        rc = seckit_error_set(err, SECKIT_EAWSAUTH,
                              "profile %s has role_arn but neither source_profile nor a "
                              "supported credential_source",
                              profile);
    }
    if (rc == NOT_FOUND)
        rc = seckit_error_set(err, SECKIT_EAWSAUTH, "profile %s: credential_source %s found nothing",
                              profile, csrc ? csrc : "");
    if (rc == 0) {
        const char *session = skt_aws_profile_get(aws, profile, "role_session_name");
        const char *ext = skt_aws_profile_get(aws, profile, "external_id");
        const char *dur = skt_aws_profile_get(aws, profile, "duration_seconds");
        long d = dur != NULL ? strtol(dur, NULL, 10) : 0;
        rc = skt_sts_assume_role_as(aws, base, role_arn, session, ext, d, out, err);
        if (rc == 0)
            snprintf(out->source, sizeof out->source, "assume-role");
        else
            seckit_error_prefix(err, "assume role (profile)");
    }
    skt_secret_free(base);
    return rc;
}

static int from_profile(seckit_aws *aws, const char *profile, int depth,
                        seckit_aws_credentials *out, seckit_error *err)
{
    SKT_ENSURE(depth < 5, err, SECKIT_EAWSAUTH, "source_profile chain is longer than 5 profiles");
    const char *role = skt_aws_profile_get(aws, profile, "role_arn");
    if (role != NULL && *role)
        return assume_role_profile(aws, profile, role, depth, out, err);
    int rc = static_keys(aws, profile, 1, out, err);
    if (rc != NOT_FOUND)
        return rc;
    const char *proc = skt_aws_profile_get(aws, profile, "credential_process");
    if (proc == NULL)
        proc = skt_aws_cred_file_get(aws, profile, "credential_process");
    if (proc != NULL && *proc)
        return from_process(proc, out, err);
    return static_keys(aws, profile, 0, out, err);
}

int skt_aws_resolve_credentials(seckit_aws *aws, seckit_aws_credentials *out, seckit_error *err)
{
    int rc;
    if (!skt_aws_profile_explicit(aws)) {
        rc = from_env(out, err);
        if (rc != NOT_FOUND)
            return rc;
    }
    rc = from_profile(aws, skt_aws_profile_name(aws), 0, out, err);
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
