/* A small test library for seckit's unit tests.
 *
 * Each test program prints one line per check group:
 *   PASS name
 *   FAIL name: file:line: what failed
 *   SKIP name: reason
 * tests/run-tests.sh counts these lines across every program and script.
 * A program exits 1 when anything failed.
 */
#ifndef SECKIT_TESTLIB_H
#define SECKIT_TESTLIB_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seckit/iam_data.h"

static int tl_failed_total;
static int tl_current_failed;
static const char *tl_current;

static void tl_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), unused));
static void tl_fail(const char *file, int line, const char *fmt, ...)
{
    if (tl_current_failed++ == 0) {
        va_list ap;
        printf("FAIL %s: %s:%d: ", tl_current, file, line);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
        fflush(stdout);
    }
}

/* Run one test function as a named group. */
#define TEST(fn)                                                                                   \
    do {                                                                                           \
        tl_current = #fn;                                                                          \
        tl_current_failed = 0;                                                                     \
        fn();                                                                                      \
        if (tl_current_failed == 0)                                                                \
            printf("PASS %s\n", #fn);                                                              \
        else                                                                                       \
            tl_failed_total++;                                                                     \
        fflush(stdout);                                                                            \
    } while (0)

#define SKIP(name, ...)                                                                            \
    do {                                                                                           \
        printf("SKIP %s: ", name);                                                                 \
        printf(__VA_ARGS__);                                                                       \
        printf("\n");                                                                              \
        fflush(stdout);                                                                            \
    } while (0)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            tl_fail(__FILE__, __LINE__, "%s", #cond);                                              \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                       \
    do {                                                                                           \
        if (!(cond))                                                                               \
            tl_fail(__FILE__, __LINE__, __VA_ARGS__);                                              \
    } while (0)

#define CHECK_RC(expr, expected)                                                                   \
    do {                                                                                           \
        int tl_rc_ = (expr);                                                                       \
        if (tl_rc_ != (expected))                                                                  \
            tl_fail(__FILE__, __LINE__, "%s returned %d, expected %d", #expr, tl_rc_,              \
                    (int)(expected));                                                              \
    } while (0)

#define CHECK_OK(expr, errp)                                                                       \
    do {                                                                                           \
        int tl_rc_ = (expr);                                                                       \
        if (tl_rc_ != 0)                                                                           \
            tl_fail(__FILE__, __LINE__, "%s returned %d: %s", #expr, tl_rc_, (errp)->message);     \
    } while (0)

#define CHECK_MEM(a, b, n) CHECK(memcmp((a), (b), (n)) == 0)
#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *tl_a_ = (a), *tl_b_ = (b);                                                     \
        if (tl_a_ == NULL || tl_b_ == NULL || strcmp(tl_a_, tl_b_) != 0)                           \
            tl_fail(__FILE__, __LINE__, "'%s' != '%s'", tl_a_ ? tl_a_ : "(null)",                  \
                    tl_b_ ? tl_b_ : "(null)");                                                     \
    } while (0)

#define TEST_EXIT() return tl_failed_total == 0 ? 0 : 1

/* seckit_init() at the start of main(): a program that cannot initialise
 * the library (no randomness) fails instead of testing nothing. */
#define TEST_INIT()                                                                                \
    do {                                                                                           \
        seckit_error tl_init_err_;                                                                 \
        if (seckit_init(&tl_init_err_) != 0) {                                                     \
            printf("FAIL seckit_init: %s\n", tl_init_err_.message);                                \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)

/* Folder of test data (tests/), from $SECKIT_TEST_DATA or the build's srcdir. */
static const char *tl_data_dir(void) __attribute__((unused));
static const char *tl_data_dir(void)
{
    const char *d = getenv("SECKIT_TEST_DATA");
    return d != NULL ? d : "tests";
}

/* The whole file at path in a malloc'd buffer with a NUL after its len
 * bytes; NULL when it cannot be opened or memory runs out. */
static char *tl_slurp(const char *path, size_t *len) __attribute__((unused));
static char *tl_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0, r;
    char *buf = malloc(cap);
    while (buf != NULL && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n == cap - 1) {
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf == NULL)
        return NULL;
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* The IAM service data in the file at path (policy/data/iam-data.txt) into
 * *out: 0; -1 when the file cannot be read; else seckit_iam_data_load's
 * code, with err saying why. */
static int tl_iam_data_load(seckit_iam_data **out, const char *path, seckit_error *err)
    __attribute__((unused));
static int tl_iam_data_load(seckit_iam_data **out, const char *path, seckit_error *err)
{
    size_t len;
    char *bytes = tl_slurp(path, &len);
    if (bytes == NULL)
        return -1;
    int rc = seckit_iam_data_load(out, bytes, len, err);
    free(bytes);
    return rc;
}

#endif
