/* Shared helpers of the seckit command. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "src/cli/cli.h"

static void vmessage(const char *sub, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 0)))
#endif
    ;
static void vmessage(const char *sub, const char *fmt, va_list ap)
{
    if (sub != NULL)
        fprintf(stderr, "seckit: %s: ", sub);
    else
        fputs("seckit: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void cli_message(const char *sub, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(sub, fmt, ap);
    va_end(ap);
}

int cli_usage_error(const char *sub, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (sub != NULL)
        cli_message(sub, "%s (see 'seckit help %s')", text, sub);
    else
        cli_message(NULL, "%s (see 'seckit --help')", text);
    return EXIT_USAGE;
}

int cli_exit_code(int code)
{
    if (code == SECKIT_EINVAL)
        return EXIT_USAGE;
    switch (seckit_error_category(code)) {
    case SECKIT_CAT_OK: return EXIT_OK_;
    case SECKIT_CAT_INPUT:
    case SECKIT_CAT_FORMAT: return EXIT_INPUT;
    case SECKIT_CAT_CRYPTO: return EXIT_AUTH;
    case SECKIT_CAT_IO:
    case SECKIT_CAT_NETWORK: return EXIT_IO;
    case SECKIT_CAT_AWS: return EXIT_AWS;
    case SECKIT_CAT_INTERNAL:
    default: return EXIT_IO;
    }
}

int cli_fail(const char *sub, const seckit_error *err)
{
    const char *msg = err->message[0] != '\0' ? err->message : seckit_strerror(err->code);
    if (err->aws_code[0] != '\0')
        cli_message(sub, "%s (%s%s%s)", msg, err->aws_code,
                    err->aws_request_id[0] != '\0' ? ", request id " : "", err->aws_request_id);
    else
        cli_message(sub, "%s", msg);
    return cli_exit_code(err->code);
}

int cli_bad_option(const char *sub, int c, char **argv)
{
    /* Option strings start with ':' so getopt_long() reports a missing value
     * as ':' and an unknown option as '?', and prints nothing itself. */
    const char *arg = optind >= 1 ? argv[optind - 1] : "?";
    if (c == ':')
        return cli_usage_error(sub, "option %s needs a value", arg);
    if (optopt != 0 && strncmp(arg, "--", 2) != 0)
        return cli_usage_error(sub, "unknown option -%c", optopt);
    return cli_usage_error(sub, "unknown option %s", arg);
}

void cli_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

int cli_write_stdout(const uint8_t *p, size_t n, seckit_error *err)
{
    while (n > 0) {
        ssize_t w = write(STDOUT_FILENO, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return seckit_error_set(err, SECKIT_EIO, "write to standard output failed: %s",
                                    strerror(errno));
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int cli_help_asked(int argc, char **argv, const char *usage)
{
    if (argc < 2 || (strcmp(argv[1], "--help") != 0 && strcmp(argv[1], "-h") != 0))
        return 0;
    fputs(usage, stdout);
    return 1;
}

int cli_next_option(cli_opt_loop *p, int argc, char **argv)
{
    if (!p->started) {
        optind = 1;
        p->started = 1;
    }
    int c;
    const char *shortopts = p->shortopts != NULL ? p->shortopts : ":h";
    while ((c = getopt_long(argc, argv, shortopts, p->options, NULL)) != -1) {
        if (p->aws != NULL && cli_aws_option(c, optarg, p->aws))
            continue;
        if (c == 'h') {
            fputs(p->usage, stdout);
            p->exit = EXIT_OK_;
            return CLI_OPT_STOP;
        }
        if (c == ':' || c == '?') {
            p->exit = cli_bad_option(p->sub, c, argv);
            return CLI_OPT_STOP;
        }
        return c;
    }
    return CLI_OPT_END;
}

int cli_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    char *end = NULL;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int cli_parse_output_format(const char *sub, const char *arg, int *json)
{
    if (strcmp(arg, "json") == 0)
        *json = 1;
    else if (strcmp(arg, "text") == 0)
        *json = 0;
    else
        return cli_usage_error(sub, "--output must be text or json, not '%s'", arg);
    return 0;
}

/* --debug: the library's trace lines (secrets already hidden) on stderr. */
static void debug_trace(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "seckit: debug: %s\n", line);
}

int cli_global_debug = 0;

void cli_aws_global(seckit_aws_options *o)
{
    if (cli_global_debug) {
        o->trace = debug_trace;
        o->trace_ctx = NULL;
    }
}

int cli_aws_option(int c, const char *arg, seckit_aws_options *o)
{
    switch (c) {
    case CLI_OPT_DEBUG:
        o->trace = debug_trace;
        o->trace_ctx = NULL;
        return 1;
    case CLI_OPT_PROFILE: o->profile = arg; return 1;
    case CLI_OPT_REGION: o->region = arg; return 1;
    case CLI_OPT_ENDPOINT_URL: o->endpoint_url = arg; return 1;
    case CLI_OPT_CA_BUNDLE: o->ca_bundle = arg; return 1;
    default: return 0;
    }
}

/* Ask for an MFA code on the terminal (not on stdin/stdout, which may be
 * data).  The code is echoed: it is a one-time code, not a secret. */
static int mfa_prompt_tty(void *ctx, const char *profile, const char *serial, char *code,
                          size_t code_size)
{
    (void)ctx;
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    char prompt[512];
    int n =
        snprintf(prompt, sizeof prompt, "Enter MFA code for %s (profile %s): ", serial, profile);
    if (n > 0 && write(fd, prompt, (size_t)n < sizeof prompt ? (size_t)n : sizeof prompt - 1) < 0) {
        close(fd);
        return -1;
    }
    size_t len = 0;
    int rc = -1;
    while (len + 1 < code_size) {
        char ch;
        ssize_t r = read(fd, &ch, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (ch == '\n') {
            rc = 0;
            break;
        }
        code[len++] = ch;
    }
    code[len] = '\0';
    close(fd);
    return rc == 0 || len > 0 ? 0 : -1;
}

void cli_aws_interactive(seckit_aws_options *o)
{
    o->mfa_prompt = mfa_prompt_tty;
    o->mfa_prompt_ctx = NULL;
    cli_aws_global(o);
}

int cli_print_usage(const cli_command *cmd)
{
    fputs(cmd->usage, stdout);
    return EXIT_OK_;
}

int cli_held_append(uint8_t **buf, size_t *len, size_t *cap, size_t max, const uint8_t *p, size_t n,
                    seckit_error *err)
{
    if (n > *cap - *len) {
        if (n > max - *len)
            return seckit_error_set(err, SECKIT_ELIMIT, "more than %zu bytes to hold", max);
        size_t ncap = *cap ? *cap : 65536;
        while (ncap - *len < n)
            ncap = ncap > max / 2 ? max : ncap * 2;
        uint8_t *q = seckit_secret_grow(*buf, *len, ncap);
        if (q == NULL)
            return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        *buf = q;
        *cap = ncap;
    }
    memcpy(*buf + *len, p, n);
    *len += n;
    return 0;
}

static void wipe_free(uint8_t *p, size_t n)
{
    if (p != NULL)
        seckit_memzero(p, n);
    free(p);
}

int cli_read_stdin(size_t max, uint8_t **out, size_t *out_len, seckit_error *err)
{
    /* One byte of room past max tells "exactly max" from "more", and one
     * more holds the NUL. */
    size_t cap = max < 65536 ? max + 1 : 65536, len = 0;
    uint8_t *buf = malloc(cap + 1);
    *out = NULL;
    *out_len = 0;
    if (buf == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    for (;;) {
        if (len == cap) {
            if (len > max) {
                wipe_free(buf, cap + 1);
                return seckit_error_set(err, SECKIT_ELIMIT, "standard input: more than %zu bytes",
                                        max);
            }
            size_t ncap = cap > (max + 1) / 2 ? max + 1 : cap * 2;
            /* Not realloc(): the input may be plaintext, and realloc can
             * leave an unwiped copy in freed memory. */
            uint8_t *nb = malloc(ncap + 1);
            if (nb == NULL) {
                wipe_free(buf, cap + 1);
                return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
            }
            memcpy(nb, buf, len);
            wipe_free(buf, cap + 1);
            buf = nb;
            cap = ncap;
        }
        size_t n = fread(buf + len, 1, cap - len, stdin);
        len += n;
        if (n == 0) {
            if (ferror(stdin)) {
                int e = errno;
                wipe_free(buf, cap + 1);
                return seckit_error_set(err, SECKIT_EIO, "standard input: read error: %s",
                                        strerror(e));
            }
            break;
        }
    }
    if (len > max) {
        wipe_free(buf, cap + 1);
        return seckit_error_set(err, SECKIT_ELIMIT, "standard input: more than %zu bytes", max);
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return 0;
}

int cli_read_input(const char *path, size_t max, uint8_t **out, size_t *out_len, seckit_error *err)
{
    if (path != NULL && strcmp(path, "-") != 0)
        return seckit_file_read(out, out_len, path, max, err);
    return cli_read_stdin(max, out, out_len, err);
}

int cli_parse_size(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end = NULL;
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0)
        return -1;
    unsigned long long mul = 1;
    if (strcmp(end, "K") == 0 || strcmp(end, "KiB") == 0)
        mul = 1024ULL;
    else if (strcmp(end, "M") == 0 || strcmp(end, "MiB") == 0)
        mul = 1024ULL * 1024;
    else if (strcmp(end, "G") == 0 || strcmp(end, "GiB") == 0)
        mul = 1024ULL * 1024 * 1024;
    else if (*end != '\0')
        return -1;
    if (v > max / mul)
        return -1;
    *out = v * mul;
    return 0;
}

static int json_write(FILE *f, const cJSON *j, int depth)
{
    if (cJSON_IsObject(j) || cJSON_IsArray(j)) {
        int obj = cJSON_IsObject(j);
        if (j->child == NULL)
            return fputs(obj ? "{}" : "[]", f) < 0 ? -1 : 0;
        fputs(obj ? "{\n" : "[\n", f);
        for (const cJSON *c = j->child; c != NULL; c = c->next) {
            fprintf(f, "%*s", 2 * (depth + 1), "");
            if (obj) {
                cJSON *k = cJSON_CreateString(c->string != NULL ? c->string : "");
                char *ks = k != NULL ? cJSON_PrintUnformatted(k) : NULL;
                cJSON_Delete(k);
                if (ks == NULL)
                    return -1;
                fprintf(f, "%s: ", ks);
                cJSON_free(ks);
            }
            if (json_write(f, c, depth + 1) != 0)
                return -1;
            fputs(c->next != NULL ? ",\n" : "\n", f);
        }
        fprintf(f, "%*s%c", 2 * depth, "", obj ? '}' : ']');
        return 0;
    }
    char *s = cJSON_PrintUnformatted(j);
    if (s == NULL)
        return -1;
    fputs(s, f);
    cJSON_free(s);
    return 0;
}

int cli_json_print(FILE *f, const cJSON *j)
{
    if (json_write(f, j, 0) != 0)
        return -1;
    return fputc('\n', f) == EOF ? -1 : 0;
}
