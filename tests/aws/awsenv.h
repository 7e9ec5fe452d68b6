/* What the AWS layer's test programs start from (tests only): a temporary
 * directory of their own, files written in it, and an environment with
 * none of the variables that steer the AWS layer. */
#ifndef SECKIT_TESTS_AWSENV_H
#define SECKIT_TESTS_AWSENV_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* A new directory $TMPDIR/seckit-TAG-XXXXXX (TMPDIR defaults to /tmp),
 * its name in dir (n bytes); 0, or -1 when it cannot be made. */
static int awsenv_tmpdir(char *dir, size_t n, const char *tag) __attribute__((unused));
static int awsenv_tmpdir(char *dir, size_t n, const char *tag)
{
    snprintf(dir, n, "%s/seckit-%s-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", tag);
    return mkdtemp(dir) == NULL ? -1 : 0;
}

/* Remove dir/rel (dir itself when rel is NULL) and all below it. */
static void awsenv_remove(const char *dir, const char *rel) __attribute__((unused));
static void awsenv_remove(const char *dir, const char *rel)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s%s%s'", dir, rel ? "/" : "", rel ? rel : "");
    if (system(cmd) != 0)
        printf("# could not remove %s\n", rel ? rel : dir);
}

/* Write text to dir/name, readable by its owner only. */
static void awsenv_write(const char *dir, const char *name, const char *text)
    __attribute__((unused));
static void awsenv_write(const char *dir, const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (f == NULL)
        return;
    fputs(text, f);
    fclose(f);
    chmod(p, 0600);
}

/* Unset every variable that steers the AWS layer (credentials, profile,
 * region, endpoints, the config files, container and instance metadata,
 * retries, proxies) and turn instance metadata off. */
static void awsenv_clear(void) __attribute__((unused));
static void awsenv_clear(void)
{
    static const char *const vars[] = {"AWS_ACCESS_KEY_ID",
                                       "AWS_SECRET_ACCESS_KEY",
                                       "AWS_SESSION_TOKEN",
                                       "AWS_SECURITY_TOKEN",
                                       "AWS_PROFILE",
                                       "AWS_DEFAULT_PROFILE",
                                       "AWS_REGION",
                                       "AWS_DEFAULT_REGION",
                                       "AWS_ENDPOINT_URL",
                                       "AWS_ENDPOINT_URL_STS",
                                       "AWS_ENDPOINT_URL_KMS",
                                       "AWS_ENDPOINT_URL_SSM",
                                       "AWS_ENDPOINT_URL_S3",
                                       "AWS_ENDPOINT_URL_IAM",
                                       "AWS_ENDPOINT_URL_CLOUDFRONT",
                                       "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
                                       "AWS_CONFIG_FILE",
                                       "AWS_SHARED_CREDENTIALS_FILE",
                                       "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                                       "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                       "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                                       "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                                       "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                                       "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
                                       "AWS_EC2_METADATA_V1_DISABLED",
                                       "AWS_WEB_IDENTITY_TOKEN_FILE",
                                       "AWS_ROLE_ARN",
                                       "AWS_ROLE_SESSION_NAME",
                                       "AWS_MAX_ATTEMPTS",
                                       "AWS_RETRY_MODE",
                                       "AWS_CA_BUNDLE",
                                       "HTTP_PROXY",
                                       "http_proxy",
                                       "HTTPS_PROXY",
                                       "https_proxy",
                                       "NO_PROXY",
                                       "no_proxy",
                                       "ALL_PROXY",
                                       "all_proxy",
                                       "REQUEST_METHOD"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
}

/* AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE at dir/config and
 * dir/credentials, neither of which exists yet. */
static void awsenv_config_files(const char *dir) __attribute__((unused));
static void awsenv_config_files(const char *dir)
{
    char p[512];
    snprintf(p, sizeof p, "%s/config", dir);
    setenv("AWS_CONFIG_FILE", p, 1);
    unlink(p);
    snprintf(p, sizeof p, "%s/credentials", dir);
    setenv("AWS_SHARED_CREDENTIALS_FILE", p, 1);
    unlink(p);
}

#endif
