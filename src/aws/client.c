/* The AWS client: configuration in the AWS CLI's order (options, environment,
 * shared config/credentials files), endpoints, and the shared-file parser. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "src/base/secmem.h"
#include "seckit/file.h"
#include "src/aws/client.h"
#include "src/base/guard.h"
#include "src/base/options.h"

/* ---------------------------------------------------------------- INI */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static int ini_add(skt_ini *ini, const char *section, const char *key, const char *value,
                   seckit_error *err)
{
    skt_ini_entry *ne = realloc(ini->e, (ini->n + 1) * sizeof *ne);
    SKT_ENSURE(ne != NULL, err, SECKIT_ENOMEM, "out of memory");
    ini->e = ne;
    skt_ini_entry *e = &ini->e[ini->n];
    e->section = strdup(section);
    e->key = strdup(key);
    e->value = strdup(value);
    if (e->section == NULL || e->key == NULL || e->value == NULL) {
        free(e->section);
        free(e->key);
        free(e->value);
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    for (char *c = e->key; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    ini->n++;
    return 0;
}

void skt_ini_free(skt_ini *ini)
{
    if (ini == NULL)
        return;
    for (size_t i = 0; i < ini->n; i++) {
        free(ini->e[i].section);
        free(ini->e[i].key);
        if (ini->e[i].value != NULL)
            skt_wipe_free(ini->e[i].value, strlen(ini->e[i].value));
    }
    for (size_t i = 0; i < ini->nsections; i++)
        free(ini->sections[i]);
    free(ini->e);
    free(ini->sections);
    memset(ini, 0, sizeof *ini);
}

int skt_ini_parse(const char *text, size_t len, skt_ini *out, seckit_error *err)
{
    memset(out, 0, sizeof *out);
    SKT_ENSURE(len <= (4u << 20), err, SECKIT_ELIMIT, "configuration file larger than 4 MiB");
    char *buf = malloc(len + 1);
    SKT_ENSURE(buf != NULL, err, SECKIT_ENOMEM, "out of memory");
    memcpy(buf, text, len);
    buf[len] = '\0';
    if (memchr(buf, '\0', len) != NULL) {
        skt_wipe_free(buf, len + 1);
        return seckit_error_set(err, SECKIT_EFORMAT, "configuration file contains a NUL byte");
    }
    char section[256] = "";
    int have_section = 0;
    char parent[128] = ""; /* a key with an empty value: nested keys follow */
    int rc = 0;
    unsigned long lineno = 0;
    char *save = NULL;
    for (char *line = buf, *next; line != NULL; line = next) {
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        lineno++;
        int indented = line[0] == ' ' || line[0] == '\t';
        char *t = trim(line);
        if (*t == '\0' || *t == '#' || *t == ';')
            continue;
        if (*t == '[') {
            char *close = strrchr(t, ']');
            if (close == NULL || close[1] != '\0' || close == t + 1) {
                rc = seckit_error_set_at(err, SECKIT_EFORMAT, (seckit_position){lineno, 0, 0},
                                         "line %lu: malformed section header", lineno);
                break;
            }
            *close = '\0';
            char *name = trim(t + 1);
            if (strlen(name) >= sizeof section) {
                rc = seckit_error_set_at(err, SECKIT_EFORMAT, (seckit_position){lineno, 0, 0},
                                         "line %lu: section name too long", lineno);
                break;
            }
            /* "[profile   x]" -> "profile x" */
            if (strncmp(name, "profile", 7) == 0 && (name[7] == ' ' || name[7] == '\t')) {
                char *rest = trim(name + 7);
                snprintf(section, sizeof section, "profile %s", rest);
            } else if (strncmp(name, "services", 8) == 0 && (name[8] == ' ' || name[8] == '\t')) {
                char *rest = trim(name + 8);
                snprintf(section, sizeof section, "services %s", rest);
            } else {
                snprintf(section, sizeof section, "%s", name);
            }
            have_section = 1;
            parent[0] = '\0';
            char **ns = realloc(out->sections, (out->nsections + 1) * sizeof *ns);
            if (ns == NULL || (ns[out->nsections] = strdup(section)) == NULL) {
                if (ns != NULL)
                    out->sections = ns;
                rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
                break;
            }
            out->sections = ns;
            out->nsections++;
            continue;
        }
        char *eq = strchr(t, '=');
        if (eq == NULL || !have_section) {
            rc = seckit_error_set_at(err, SECKIT_EFORMAT, (seckit_position){lineno, 0, 0},
                                     "line %lu: expected 'key = value'%s", lineno,
                                     have_section ? "" : " inside a [section]");
            break;
        }
        *eq = '\0';
        char *key = trim(t), *value = trim(eq + 1);
        if (*key == '\0' || strlen(key) >= sizeof parent) {
            rc = seckit_error_set_at(err, SECKIT_EFORMAT, (seckit_position){lineno, 0, 0},
                                     "line %lu: missing or overlong key", lineno);
            break;
        }
        char full[300];
        if (indented && parent[0] != '\0') {
            snprintf(full, sizeof full, "%s.%s", parent, key);
        } else {
            snprintf(full, sizeof full, "%s", key);
            if (*value == '\0')
                snprintf(parent, sizeof parent, "%s", key);
            else
                parent[0] = '\0';
        }
        rc = ini_add(out, section, full, value, err);
        if (rc != 0)
            break;
    }
    (void)save;
    skt_wipe_free(buf, len + 1);
    if (rc != 0)
        skt_ini_free(out);
    return rc;
}

int skt_ini_load(const char *path, skt_ini *out, seckit_error *err)
{
    memset(out, 0, sizeof *out);
    uint8_t *data = NULL;
    size_t len = 0;
    int rc = seckit_file_read(&data, &len, path, 4u << 20, err);
    if (rc == SECKIT_ENOENT) {
        seckit_error_clear(err);
        return 0;
    }
    SKT_GUARD(rc);
    rc = skt_ini_parse((const char *)data, len, out, err);
    skt_wipe_free(data, len);
    if (rc != 0)
        seckit_error_prefix(err, path);
    return rc;
}

int skt_ini_has_section(const skt_ini *ini, const char *section)
{
    for (size_t i = 0; i < ini->nsections; i++)
        if (strcmp(ini->sections[i], section) == 0)
            return 1;
    return 0;
}

const char *skt_ini_get(const skt_ini *ini, const char *section, const char *key)
{
    const char *found = NULL;
    for (size_t i = 0; i < ini->n; i++) /* the last one wins */
        if (strcmp(ini->e[i].section, section) == 0 && strcasecmp(ini->e[i].key, key) == 0)
            found = ini->e[i].value;
    return found;
}

/* ------------------------------------------------------------ profiles */

static const char *config_section_get(const seckit_aws *aws, const char *profile, const char *key)
{
    char sec[300];
    snprintf(sec, sizeof sec, "profile %s", profile);
    const char *v = skt_ini_get(&aws->config, sec, key);
    if (v == NULL && strcmp(profile, "default") == 0)
        v = skt_ini_get(&aws->config, "default", key);
    return v;
}

/* As the AWS CLI does, a profile's settings are those of its config-file
 * section with the credentials file's section of the same name on top (so
 * role_arn, source_profile, region, ... work in either file). */
const char *skt_aws_profile_get(const seckit_aws *aws, const char *profile, const char *key)
{
    const char *v = skt_ini_get(&aws->credentials, profile, key);
    return v != NULL ? v : config_section_get(aws, profile, key);
}

const char *skt_aws_cred_file_get(const seckit_aws *aws, const char *profile, const char *key)
{
    return skt_ini_get(&aws->credentials, profile, key);
}

const char *skt_aws_profile_name(const seckit_aws *aws)
{
    return aws->profile;
}
int skt_aws_profile_explicit(const seckit_aws *aws)
{
    return aws->profile_explicit;
}

static int profile_exists(const seckit_aws *aws, const char *profile)
{
    char sec[300];
    snprintf(sec, sizeof sec, "profile %s", profile);
    return skt_ini_has_section(&aws->config, sec) ||
           (strcmp(profile, "default") == 0 && skt_ini_has_section(&aws->config, "default")) ||
           skt_ini_has_section(&aws->credentials, profile);
}

/* ----------------------------------------------------------- endpoints */

static const char *const services[SKT_AWS_NSERVICES] = {"s3",  "kms", "ssm",
                                                        "sts", "iam", "cloudfront"};

static int service_index(const char *service)
{
    for (int i = 0; i < SKT_AWS_NSERVICES; i++)
        if (service != NULL && strcmp(services[i], service) == 0)
            return i;
    return -1;
}

static int valid_endpoint(const char *url)
{
    if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
        return 0;
    const char *host = strstr(url, "://") + 3;
    if (*host == '\0' || *host == '/')
        return 0;
    for (const char *c = url; *c; c++)
        if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f)
            return 0;
    return strchr(host, '?') == NULL && strchr(host, '#') == NULL && strchr(host, '@') == NULL;
}

static int set_endpoint(seckit_aws *aws, int i, const char *url, int custom, const char *source,
                        seckit_error *err)
{
    SKT_ENSURE(strlen(url) < sizeof aws->endpoints[i], err, SECKIT_EINVAL,
               "%s: endpoint URL for %s is too long", source, services[i]);
    SKT_ENSURE(valid_endpoint(url), err, SECKIT_EINVAL,
               "%s: endpoint URL for %s must be http(s)://host[:port][/path]: '%.100s'", source,
               services[i], url);
    snprintf(aws->endpoints[i], sizeof aws->endpoints[i], "%s", url);
    size_t n = strlen(aws->endpoints[i]);
    while (n > 0 && aws->endpoints[i][n - 1] == '/')
        aws->endpoints[i][--n] = '\0';
    aws->endpoint_custom[i] = custom;
    return 0;
}

int skt_aws_arn_region(const char *key_id, char out[64])
{
    out[0] = '\0';
    if (key_id == NULL || strncmp(key_id, "arn:", 4) != 0)
        return 0;
    const char *p = key_id + 4;
    for (int field = 0; field < 2; field++) { /* partition, service */
        p = strchr(p, ':');
        if (p == NULL)
            return 0;
        p++;
    }
    size_t n = strcspn(p, ":");
    if (p[n] != ':' || n == 0 || n >= 64)
        return 0;
    memcpy(out, p, n);
    out[n] = '\0';
    if (!skt_aws_valid_region(out)) {
        out[0] = '\0';
        return 0;
    }
    return 1;
}

int skt_aws_valid_region(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    if (n == 0 || n >= 64 || s[0] == '-' || s[n - 1] == '-')
        return 0;
    for (size_t k = 0; k < n; k++)
        if (!((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= '0' && s[k] <= '9') || s[k] == '-'))
            return 0;
    return 1;
}

int skt_aws_default_endpoint(const char *svc, const char *region, char *out, size_t n,
                             seckit_error *err)
{
    if (strcmp(svc, "iam") == 0 || strcmp(svc, "cloudfront") == 0 ||
        (strcmp(svc, "sts") == 0 && (region == NULL || region[0] == '\0'))) {
        snprintf(out, n, "https://%s.amazonaws.com", svc);
        return 0;
    }
    SKT_ENSURE(region != NULL && region[0] != '\0', err, SECKIT_EINVAL,
               "no region for %s: use --region, AWS_REGION or a profile's region", svc);
    const char *dom = strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
    snprintf(out, n, "https://%s.%s.%s", svc, region, dom);
    return 0;
}

/* "true"/"false" (any case) into *out; -1 for anything else. */
static int parse_bool(const char *v, int *out)
{
    if (strcasecmp(v, "true") == 0)
        *out = 1;
    else if (strcasecmp(v, "false") == 0)
        *out = 0;
    else
        return -1;
    return 0;
}

/* The endpoint configured for service svc (lower case, as in the
 * [services] sections), in the AWS CLI's order: --endpoint-url (for the
 * command's own service only), then, unless
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS / ignore_configured_endpoint_urls is
 * true, AWS_ENDPOINT_URL_<SVC>, AWS_ENDPOINT_URL, the profile's [services]
 * section, the profile's endpoint_url.  *url is NULL when none is set;
 * source (n bytes) names where it came from. */
static int configured_endpoint(seckit_aws *aws, const char *svc, const char **url, char *source,
                               size_t n, seckit_error *err)
{
    char envname[64];
    char upper[16];
    size_t k;
    for (k = 0; svc[k] && k < sizeof upper - 1; k++)
        upper[k] = (char)toupper((unsigned char)svc[k]);
    upper[k] = '\0';
    snprintf(envname, sizeof envname, "AWS_ENDPOINT_URL_%s", upper);
    const char *v;
    *url = NULL;
    if (aws->endpoint_url != NULL &&
        (aws->endpoint_service == NULL || strcmp(aws->endpoint_service, svc) == 0)) {
        snprintf(source, n, "--endpoint-url");
        *url = aws->endpoint_url;
        return 0;
    }
    if (aws->ignore_configured_endpoints)
        return 0;
    if ((v = getenv(envname)) != NULL && *v) {
        snprintf(source, n, "%s", envname);
        *url = v;
        return 0;
    }
    if ((v = getenv("AWS_ENDPOINT_URL")) != NULL && *v) {
        snprintf(source, n, "AWS_ENDPOINT_URL");
        *url = v;
        return 0;
    }
    const char *sname = skt_aws_profile_get(aws, aws->profile, "services");
    if (sname != NULL && *sname) {
        char sec[300], key[64];
        snprintf(sec, sizeof sec, "services %s", sname);
        SKT_ENSURE(skt_ini_has_section(&aws->config, sec), err, SECKIT_EINVAL,
                   "profile %s: services = %.100s, but the config file has no [services "
                   "%.100s] section",
                   aws->profile, sname, sname);
        snprintf(key, sizeof key, "%s.endpoint_url", svc);
        if ((v = skt_ini_get(&aws->config, sec, key)) != NULL && *v) {
            snprintf(source, n, "[services %.100s] %s", sname, key);
            *url = v;
            return 0;
        }
    }
    if ((v = skt_aws_profile_get(aws, aws->profile, "endpoint_url")) != NULL && *v) {
        snprintf(source, n, "profile %.100s endpoint_url", aws->profile);
        *url = v;
    }
    return 0;
}

static int resolve_endpoint(seckit_aws *aws, int i, seckit_error *err)
{
    const char *svc = services[i];
    const char *v;
    char source[400];
    SKT_GUARD(configured_endpoint(aws, svc, &v, source, sizeof source, err));
    if (v != NULL)
        return set_endpoint(aws, i, v, 1, source, err);
    char url[256];
    SKT_GUARD(skt_aws_default_endpoint(svc, aws->region, url, sizeof url, err));
    return set_endpoint(aws, i, url, 0, "default", err);
}

int skt_aws_configured_endpoint_for(seckit_aws *aws, const char *svc, char *out, size_t n,
                                    seckit_error *err)
{
    const char *v;
    char source[400];
    out[0] = '\0';
    SKT_GUARD(configured_endpoint(aws, svc, &v, source, sizeof source, err));
    if (v == NULL)
        return 0;
    SKT_ENSURE(strlen(v) < n, err, SECKIT_EINVAL, "%s: endpoint URL for %s is too long", source,
               svc);
    SKT_ENSURE(valid_endpoint(v), err, SECKIT_EINVAL,
               "%s: endpoint URL for %s must be http(s)://host[:port][/path]: '%.100s'", source,
               svc, v);
    snprintf(out, n, "%s", v);
    size_t l = strlen(out);
    while (l > 0 && out[l - 1] == '/')
        out[--l] = '\0';
    return 0;
}

int seckit_aws_endpoint(seckit_aws *aws, const char **url, const char *service, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && url != NULL, err);
    int i = service_index(service);
    SKT_ENSURE(i >= 0, err, SECKIT_EINVAL, "unknown AWS service '%.40s'",
               service ? service : "(null)");
    if (aws->endpoints[i][0] == '\0')
        SKT_GUARD(resolve_endpoint(aws, i, err));
    *url = aws->endpoints[i];
    return 0;
}

int skt_aws_endpoint_is_custom(seckit_aws *aws, const char *service)
{
    int i = service_index(service);
    if (i >= 0 && aws->endpoints[i][0] == '\0' && resolve_endpoint(aws, i, NULL) != 0)
        return 1;
    return i >= 0 ? aws->endpoint_custom[i] : 1;
}

const char *skt_aws_bucket_region(const seckit_aws *aws, const char *bucket)
{
    for (size_t i = 0; bucket != NULL && i < aws->n_bucket_regions; i++)
        if (strcmp(aws->bucket_regions[i].bucket, bucket) == 0)
            return aws->bucket_regions[i].region;
    return NULL;
}

void skt_aws_remember_bucket_region(seckit_aws *aws, const char *bucket, const char *region)
{
    if (bucket == NULL || strlen(bucket) >= sizeof aws->bucket_regions[0].bucket ||
        !skt_aws_valid_region(region))
        return;
    skt_bucket_region *slot = NULL;
    for (size_t i = 0; i < aws->n_bucket_regions && slot == NULL; i++)
        if (strcmp(aws->bucket_regions[i].bucket, bucket) == 0)
            slot = &aws->bucket_regions[i];
    if (slot == NULL) {
        if (aws->n_bucket_regions < SKT_AWS_BUCKET_REGIONS) {
            slot = &aws->bucket_regions[aws->n_bucket_regions++];
        } else { /* full: replace the oldest */
            slot = &aws->bucket_regions[aws->next_bucket_region];
            aws->next_bucket_region = (aws->next_bucket_region + 1) % SKT_AWS_BUCKET_REGIONS;
        }
    }
    snprintf(slot->bucket, sizeof slot->bucket, "%s", bucket);
    snprintf(slot->region, sizeof slot->region, "%s", region);
}

/* -------------------------------------------------------------- client */

/* A whole decimal number in [min, max] (surrounding blanks allowed). */
static int parse_int_setting(const char *v, int min, int max, int *out)
{
    if (v == NULL || *v == '\0')
        return -1;
    while (*v == ' ' || *v == '\t')
        v++;
    if (!isdigit((unsigned char)*v))
        return -1;
    errno = 0;
    char *end;
    long n = strtol(v, &end, 10);
    while (*end == ' ' || *end == '\t')
        end++;
    if (errno != 0 || *end != '\0' || n < min || n > max)
        return -1;
    *out = (int)n;
    return 0;
}

/* AWS_RETRY_MODE / retry_mode, AWS_MAX_ATTEMPTS / max_attempts, and the
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS switch: bad values are errors. */
static int read_settings(seckit_aws *aws, const seckit_aws_options *opts, seckit_error *err)
{
    char where[200];
    const char *v = getenv("AWS_RETRY_MODE");
    snprintf(where, sizeof where, "AWS_RETRY_MODE");
    if (v == NULL || *v == '\0') {
        v = skt_aws_profile_get(aws, aws->profile, "retry_mode");
        snprintf(where, sizeof where, "profile %s: retry_mode", aws->profile);
    }
    aws->retry_mode = SKT_RETRY_MODE_STANDARD;
    if (v != NULL && *v) {
        if (strcmp(v, "standard") == 0)
            aws->retry_mode = SKT_RETRY_MODE_STANDARD;
        else if (strcmp(v, "legacy") == 0)
            aws->retry_mode = SKT_RETRY_MODE_LEGACY;
        else if (strcmp(v, "adaptive") == 0)
            aws->retry_mode = SKT_RETRY_MODE_ADAPTIVE;
        else
            return seckit_error_set(err, SECKIT_EINVAL,
                                    "%s: '%.64s' is not a retry mode (standard, legacy or "
                                    "adaptive)",
                                    where, v);
    }
    aws->max_attempts = aws->retry_mode == SKT_RETRY_MODE_LEGACY ? 5 : 3;
    if (opts->max_attempts != 0) {
        SKT_ENSURE(opts->max_attempts >= 1, err, SECKIT_EINVAL,
                   "max attempts must be 1 or more, not %d", opts->max_attempts);
        aws->max_attempts = opts->max_attempts;
    } else {
        v = getenv("AWS_MAX_ATTEMPTS");
        snprintf(where, sizeof where, "AWS_MAX_ATTEMPTS");
        if (v == NULL || *v == '\0') {
            v = skt_aws_profile_get(aws, aws->profile, "max_attempts");
            snprintf(where, sizeof where, "profile %s: max_attempts", aws->profile);
        }
        if (v != NULL && *v && parse_int_setting(v, 1, INT_MAX, &aws->max_attempts) != 0)
            return seckit_error_set(err, SECKIT_EINVAL,
                                    "%s: '%.64s' is not a whole number of attempts, 1 or more",
                                    where, v);
    }
    v = getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    snprintf(where, sizeof where, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    if (v == NULL || *v == '\0') {
        v = skt_aws_profile_get(aws, aws->profile, "ignore_configured_endpoint_urls");
        snprintf(where, sizeof where, "profile %s: ignore_configured_endpoint_urls", aws->profile);
    }
    if (v != NULL && *v && parse_bool(v, &aws->ignore_configured_endpoints) != 0)
        return seckit_error_set(err, SECKIT_EINVAL, "%s: '%.64s' is not true or false", where, v);
    return 0;
}

static char *home_path(const char *rel)
{
    const char *home = getenv("HOME");
    if (home == NULL || *home == '\0')
        return NULL;
    size_t n = strlen(home) + strlen(rel) + 2;
    char *p = malloc(n);
    if (p != NULL)
        snprintf(p, n, "%s/%s", home, rel);
    return p;
}

static char *expand_user(const char *p)
{
    if (p[0] == '~' && p[1] == '/')
        return home_path(p + 2);
    return strdup(p);
}

static int load_file(const char *env, const char *rel, skt_ini *out, seckit_error *err)
{
    const char *e = getenv(env);
    char *path = (e != NULL && *e) ? expand_user(e) : home_path(rel);
    if (path == NULL) {
        memset(out, 0, sizeof *out);
        return 0;
    }
    int rc = skt_ini_load(path, out, err);
    free(path);
    return rc;
}

void seckit_aws_credentials_wipe(seckit_aws_credentials *c)
{
    if (c != NULL)
        skt_wipe(c, sizeof *c);
}

/* The profile: the options, else AWS_PROFILE, else AWS_DEFAULT_PROFILE, else
 * "default"; then the config and credentials files, in which a profile other
 * than "default" must exist. */
static int choose_profile(seckit_aws *aws, const seckit_aws_options *opts, seckit_error *err)
{
    const char *prof = opts->profile;
    aws->profile_explicit = prof != NULL && *prof;
    aws->profile_source = "options";
    if (!aws->profile_explicit) {
        prof = getenv("AWS_PROFILE");
        aws->profile_source = "AWS_PROFILE";
        if (prof == NULL || *prof == '\0') {
            prof = getenv("AWS_DEFAULT_PROFILE");
            aws->profile_source = "AWS_DEFAULT_PROFILE";
        }
        if (prof == NULL || *prof == '\0') {
            prof = "default";
            aws->profile_source = "default";
        }
    }
    SKT_ENSURE(strlen(prof) < sizeof aws->profile, err, SECKIT_EINVAL, "profile name too long");
    snprintf(aws->profile, sizeof aws->profile, "%s", prof);
    SKT_GUARD(load_file("AWS_CONFIG_FILE", ".aws/config", &aws->config, err));
    SKT_GUARD(load_file("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials", &aws->credentials, err));
    aws->profile_exists = profile_exists(aws, aws->profile);
    SKT_ENSURE(aws->profile_exists || strcmp(aws->profile, "default") == 0, err, SECKIT_ENOTFOUND,
               "the config profile (%s) could not be found", aws->profile);
    return 0;
}

/* The region: the options, else AWS_REGION, else AWS_DEFAULT_REGION, else the
 * profile's; none at all is allowed (aws->region stays empty). */
static int choose_region(seckit_aws *aws, const seckit_aws_options *opts, seckit_error *err)
{
    const char *region = opts->region;
    aws->region_source = "options";
    if (region == NULL || *region == '\0') {
        region = getenv("AWS_REGION");
        aws->region_source = "AWS_REGION";
    }
    if (region == NULL || *region == '\0') {
        region = getenv("AWS_DEFAULT_REGION");
        aws->region_source = "AWS_DEFAULT_REGION";
    }
    if (region == NULL || *region == '\0') {
        region = skt_aws_profile_get(aws, aws->profile, "region");
        aws->region_source = "config-file";
    }
    if (region == NULL || *region == '\0')
        aws->region_source = "";
    if (region != NULL && *region) {
        SKT_ENSURE(strlen(region) < sizeof aws->region, err, SECKIT_EINVAL, "region name too long");
        for (const char *c = region; *c; c++)
            SKT_ENSURE(isalnum((unsigned char)*c) || *c == '-', err, SECKIT_EINVAL,
                       "invalid region name '%.64s'", region);
        snprintf(aws->region, sizeof aws->region, "%s", region);
    }
    return 0;
}

/* Endpoint override, CA bundle, timeouts, attempts, S3 addressing. */
static int choose_transport(seckit_aws *aws, const seckit_aws_options *opts, seckit_error *err)
{
    if (opts->endpoint_url != NULL && *opts->endpoint_url) {
        aws->endpoint_url = strdup(opts->endpoint_url);
        SKT_ENSURE(aws->endpoint_url != NULL, err, SECKIT_ENOMEM, "out of memory");
        SKT_ENSURE(valid_endpoint(aws->endpoint_url), err, SECKIT_EINVAL,
                   "--endpoint-url must be http(s)://host[:port][/path]: '%.100s'",
                   aws->endpoint_url);
        if (opts->endpoint_service != NULL) {
            SKT_ENSURE(service_index(opts->endpoint_service) >= 0, err, SECKIT_EINVAL,
                       "unknown AWS service '%.40s' for --endpoint-url", opts->endpoint_service);
            aws->endpoint_service = strdup(opts->endpoint_service);
            SKT_ENSURE(aws->endpoint_service != NULL, err, SECKIT_ENOMEM, "out of memory");
        }
    }
    const char *ca = opts->ca_bundle;
    if (ca == NULL || *ca == '\0')
        ca = getenv("AWS_CA_BUNDLE");
    if (ca == NULL || *ca == '\0')
        ca = skt_aws_profile_get(aws, aws->profile, "ca_bundle");
    if (ca != NULL && *ca) {
        aws->ca_bundle = expand_user(ca);
        SKT_ENSURE(aws->ca_bundle != NULL, err, SECKIT_ENOMEM, "out of memory");
    }
    aws->connect_timeout_ms = opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms : 10000;
    aws->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : 0;
    aws->stall_timeout_ms = opts->stall_timeout_ms > 0 ? opts->stall_timeout_ms : 60000;
    SKT_GUARD(read_settings(aws, opts, err));
    aws->s3_addressing = opts->s3_addressing;
    if (aws->s3_addressing == SECKIT_AWS_S3_AUTO) {
        const char *st = skt_aws_profile_get(aws, aws->profile, "s3.addressing_style");
        if (st != NULL && strcmp(st, "path") == 0)
            aws->s3_addressing = SECKIT_AWS_S3_PATH;
        else if (st != NULL && strcmp(st, "virtual") == 0)
            aws->s3_addressing = SECKIT_AWS_S3_VIRTUAL;
    }
    SKT_ENSURE(aws->s3_addressing >= 0 && aws->s3_addressing <= 2, err, SECKIT_EINVAL,
               "invalid S3 addressing style");
    return 0;
}

int seckit_aws_new(seckit_aws **out, const seckit_aws_options *opts, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = NULL;
    SKT_GUARD(skt_options_check(opts, SECKIT_AWS_OPTIONS_VERSION, "seckit_aws_options", err));
    const seckit_aws_options none = SECKIT_AWS_OPTIONS_INIT;
    if (opts == NULL)
        opts = &none;
    SKT_GUARD(skt_crypto_init(err));
    seckit_aws *aws = calloc(1, sizeof *aws);
    SKT_ENSURE(aws != NULL, err, SECKIT_ENOMEM, "out of memory");
    int rc = 0;
    aws->creds = skt_secret_alloc(sizeof *aws->creds);
    if (aws->creds == NULL) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        goto fail;
    }
    memset(aws->creds, 0, sizeof *aws->creds);
    skt_retry_quota_init(&aws->quota);

    aws->trace = opts->trace;
    aws->trace_ctx = opts->trace_ctx;
    SKT_GUARD_GOTO(choose_profile(aws, opts, err), rc, fail);
    SKT_GUARD_GOTO(choose_region(aws, opts, err), rc, fail);
    SKT_GUARD_GOTO(choose_transport(aws, opts, err), rc, fail);

    aws->mfa_prompt = opts->mfa_prompt;
    aws->mfa_prompt_ctx = opts->mfa_prompt_ctx;
    if (opts->credentials != NULL) {
        *aws->creds = *opts->credentials;
        aws->creds->access_key_id[SECKIT_AWS_KEY_ID_MAX] = '\0';
        aws->creds->secret_access_key[SECKIT_AWS_SECRET_MAX] = '\0';
        aws->creds->session_token[SECKIT_AWS_TOKEN_MAX] = '\0';
        snprintf(aws->creds->source, sizeof aws->creds->source, "options");
        aws->have_creds = 1;
        aws->explicit_creds = 1;
    }

    SKT_ENSURE_GOTO(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK, err, rc, fail,
                    SECKIT_ENETWORK, "libcurl initialisation failed");
    aws->curl = curl_easy_init();
    SKT_ENSURE_GOTO(aws->curl != NULL, err, rc, fail, SECKIT_ENOMEM,
                    "libcurl: cannot create a handle");
    skt_aws_trace(aws, "profile %s (from %s)", aws->profile, aws->profile_source);
    if (aws->region[0])
        skt_aws_trace(aws, "region %s (from %s)", aws->region, aws->region_source);
    else
        skt_aws_trace(aws, "no region configured");
    *out = aws;
    return 0;
fail:
    seckit_aws_free(aws);
    return rc;
}

void seckit_aws_free(seckit_aws *aws)
{
    if (aws == NULL)
        return;
    if (aws->curl != NULL)
        curl_easy_cleanup(aws->curl);
    skt_ini_free(&aws->config);
    skt_ini_free(&aws->credentials);
    free(aws->endpoint_url);
    free(aws->endpoint_service);
    free(aws->ca_bundle);
    if (aws->creds != NULL)
        skt_secret_free(aws->creds);
    free(aws);
}

const char *seckit_aws_region(const seckit_aws *aws)
{
    return aws != NULL ? aws->region : "";
}

const char *seckit_aws_region_source(const seckit_aws *aws)
{
    return aws != NULL && aws->region_source != NULL ? aws->region_source : "";
}

const char *seckit_aws_profile(const seckit_aws *aws)
{
    return aws != NULL ? aws->profile : "";
}

const char *seckit_aws_profile_source(const seckit_aws *aws)
{
    return aws != NULL && aws->profile_source != NULL ? aws->profile_source : "";
}

void skt_aws_trace(seckit_aws *aws, const char *fmt, ...)
{
    if (aws == NULL || aws->trace == NULL)
        return;
    char line[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    aws->trace(aws->trace_ctx, line);
}

static int secret_header_name(const char *name)
{
    char low[128];
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof low; i++)
        low[i] = (char)tolower((unsigned char)name[i]);
    low[i] = '\0';
    if (name[i] != '\0')
        return 1; /* a name too long to judge: hide its value */
    if (strstr(low, "token") != NULL || strstr(low, "secret") != NULL ||
        strstr(low, "password") != NULL || strstr(low, "cookie") != NULL ||
        strcmp(low, "proxy-authorization") == 0)
        return 1;
    /* SSE-C: the key itself, not its MD5 */
    return strstr(low, "customer-key") != NULL && strstr(low, "md5") == NULL;
}

void skt_aws_trace_header(seckit_aws *aws, const char *prefix, const char *name, const char *value)
{
    if (aws == NULL || aws->trace == NULL)
        return;
    if (strcasecmp(name, "authorization") == 0) {
        /* SigV4: the key id, scope and signed headers are no secret; the
         * signature is hidden all the same, as the AWS CLI's log does not
         * need it. */
        const char *sig = strstr(value, "Signature=");
        if (strncmp(value, "AWS4-HMAC-SHA256 ", 17) == 0 && sig != NULL)
            skt_aws_trace(aws, "%s%s: %.*sSignature=****", prefix, name, (int)(sig - value), value);
        else
            skt_aws_trace(aws, "%s%s: ****", prefix, name);
    } else if (secret_header_name(name)) {
        skt_aws_trace(aws, "%s%s: ****", prefix, name);
    } else {
        skt_aws_trace(aws, "%s%s: %s", prefix, name, value);
    }
}

void skt_aws_set_hooks(seckit_aws *aws, const skt_aws_hooks *hooks)
{
    if (hooks != NULL)
        aws->hooks = *hooks;
    else
        memset(&aws->hooks, 0, sizeof aws->hooks);
}

int skt_aws_retry_tokens(const seckit_aws *aws)
{
    return aws->quota.tokens;
}

long long skt_aws_now(seckit_aws *aws)
{
    if (aws->hooks.now != NULL)
        return aws->hooks.now(aws->hooks.ctx);
    return (long long)time(NULL);
}

long long skt_aws_sign_time(seckit_aws *aws)
{
    return skt_aws_now(aws) + aws->clock_offset;
}

int seckit_aws_get_credentials(seckit_aws *aws, seckit_aws_credentials *out, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && out != NULL, err);
    long long now = skt_aws_now(aws);
    /* Refresh temporary credentials 5 minutes before they expire. */
    if (aws->have_creds && (aws->explicit_creds || aws->creds->expiration == 0 ||
                            aws->creds->expiration - 300 > now)) {
        *out = *aws->creds;
        return 0;
    }
    SKT_ENSURE(!aws->resolving, err, SECKIT_EAWSAUTH,
               "credential resolution loops (role_arn/source_profile chain)");
    aws->resolving = 1;
    int rc = skt_aws_resolve_credentials(aws, out, err); /* out: scratch until it works */
    aws->resolving = 0;
    if (rc != 0) {
        skt_wipe(out, sizeof *out);
        /* A failed refresh keeps temporary credentials that are still valid. */
        if (aws->have_creds && aws->creds->expiration > now) {
            seckit_error_clear(err);
            *out = *aws->creds;
            return 0;
        }
        aws->have_creds = 0;
        skt_wipe(aws->creds, sizeof *aws->creds);
        return rc;
    }
    *aws->creds = *out;
    aws->have_creds = 1;
    skt_aws_trace(aws, "credentials from %s (access key id %s)", out->source, out->access_key_id);
    return 0;
}

int seckit_aws_options_init(seckit_aws_options *opts, unsigned int version, seckit_error *err)
{
    static const seckit_aws_options init = SECKIT_AWS_OPTIONS_INIT;
    SKT_GUARD(skt_options_init_check(opts, version, SECKIT_AWS_OPTIONS_VERSION,
                                     "seckit_aws_options", err));
    *opts = init;
    return 0;
}
