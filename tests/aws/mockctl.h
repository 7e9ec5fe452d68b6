/* Start/stop the mock AWS server from a test program (tests only). */
#ifndef SECKIT_TESTS_MOCKCTL_H
#define SECKIT_TESTS_MOCKCTL_H

#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include "seckit/aws.h"
#include "tests/aws/awsenv.h"

extern char **environ;

typedef struct mockctl {
    pid_t pid;
    int in_fd; /* the mock exits when this closes */
    int port;
    char url[64];
} mockctl;

static int mock_start(mockctl *m) __attribute__((unused));
static int mock_start(mockctl *m)
{
    const char *bd = getenv("top_builddir");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/aws/mock_aws", bd ? bd : ".");
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, in[1]);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    char *argv[] = {path, NULL};
    int rc = posix_spawn(&m->pid, path, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    if (rc != 0)
        return -1;
    m->in_fd = in[1];
    char buf[64];
    size_t n = 0;
    while (n < sizeof buf - 1) {
        ssize_t r = read(out[0], buf + n, 1);
        if (r <= 0)
            break;
        if (buf[n] == '\n')
            break;
        n++;
    }
    buf[n] = '\0';
    close(out[0]);
    if (sscanf(buf, "PORT %d", &m->port) != 1)
        return -1;
    snprintf(m->url, sizeof m->url, "http://127.0.0.1:%d", m->port);
    return 0;
}

static void mock_stop(mockctl *m) __attribute__((unused));
static void mock_stop(mockctl *m)
{
    close(m->in_fd);
    kill(m->pid, SIGTERM);
    waitpid(m->pid, NULL, 0);
}

/* A test program's start against the mock: a new temporary directory
 * $TMPDIR/seckit-TAG-XXXXXX (its name in dir, n bytes) as HOME, and the mock
 * started; -1 when either fails (the program skips). */
static int mock_begin(mockctl *m, char *dir, size_t n, const char *tag) __attribute__((unused));
static int mock_begin(mockctl *m, char *dir, size_t n, const char *tag)
{
    if (awsenv_tmpdir(dir, n, tag) != 0 || mock_start(m) != 0)
        return -1;
    setenv("HOME", dir, 1);
    return 0;
}

/* Its end: the mock stopped, the temporary directory removed. */
static void mock_end(mockctl *m, const char *dir) __attribute__((unused));
static void mock_end(mockctl *m, const char *dir)
{
    mock_stop(m);
    awsenv_remove(dir, NULL);
}

/* A client made with o; NULL (and the reason on a "# client:" line) when
 * it cannot be made. */
static seckit_aws *mock_client(const seckit_aws_options *o) __attribute__((unused));
static seckit_aws *mock_client(const seckit_aws_options *o)
{
    seckit_aws *aws = NULL;
    seckit_error err;
    if (seckit_aws_new(&aws, o, &err) != 0) {
        printf("# client: %s\n", err.message);
        return NULL;
    }
    return aws;
}

static size_t mock_sink(char *p, size_t s, size_t n, void *ud)
{
    char *b = ud;
    size_t l = strlen(b), k = s * n;
    if (l + k < 4096) {
        memcpy(b + l, p, k);
        b[l + k] = '\0';
    }
    return k;
}

/* An unsigned GET/POST to the mock's control endpoints; body in out (4096). */
static int mock_http(const mockctl *m, const char *method, const char *pathq, char *out)
    __attribute__((unused));
static int mock_http(const mockctl *m, const char *method, const char *pathq, char *out)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", m->url, pathq);
    CURL *c = curl_easy_init();
    out[0] = '\0';
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, mock_sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    CURLcode cc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    return cc == CURLE_OK ? 0 : -1;
}

static void mock_mode(const mockctl *m, const char *mode, int count) __attribute__((unused));
static void mock_mode(const mockctl *m, const char *mode, int count)
{
    char q[128], out[4096];
    snprintf(q, sizeof q, "/__control?mode=%s&count=%d", mode, count);
    mock_http(m, "POST", q, out);
}

/* A counter from the stats endpoint at path (/__stats, /__creds_stats,
 * /__s3x/stats); -1 when absent. */
static int mock_stat_at(const mockctl *m, const char *path, const char *name)
    __attribute__((unused));
static int mock_stat_at(const mockctl *m, const char *path, const char *name)
{
    char out[4096], key[64];
    if (mock_http(m, "GET", path, out) != 0)
        return -1;
    snprintf(key, sizeof key, "\"%s\":", name);
    const char *p = strstr(out, key);
    return p ? atoi(p + strlen(key)) : -1;
}

/* A counter from /__stats. */
static int mock_stat(const mockctl *m, const char *name) __attribute__((unused));
static int mock_stat(const mockctl *m, const char *name)
{
    return mock_stat_at(m, "/__stats", name);
}

/* A string from the stats endpoint at path into out (n bytes); "" when
 * absent. */
static void mock_stat_str_at(const mockctl *m, const char *path, const char *name, char *out,
                             size_t n) __attribute__((unused));
static void mock_stat_str_at(const mockctl *m, const char *path, const char *name, char *out,
                             size_t n)
{
    char buf[4096], key[64];
    out[0] = '\0';
    if (mock_http(m, "GET", path, buf) != 0)
        return;
    snprintf(key, sizeof key, "\"%s\":\"", name);
    const char *p = strstr(buf, key);
    if (p == NULL)
        return;
    p += strlen(key);
    size_t l = strcspn(p, "\"");
    if (l >= n)
        l = n - 1;
    memcpy(out, p, l);
    out[l] = '\0';
}

/* A string from /__stats into out (n bytes); "" when absent. */
static void mock_stat_str(const mockctl *m, const char *name, char *out, size_t n)
    __attribute__((unused));
static void mock_stat_str(const mockctl *m, const char *name, char *out, size_t n)
{
    mock_stat_str_at(m, "/__stats", name, out, n);
}

#endif
