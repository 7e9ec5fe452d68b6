/* The version macros of seckit/version.h (made by configure from AC_INIT's
 * version) agree with each other and with seckit_version(), the running
 * library's version.  Linked with libseckit.la (the shared library when one
 * is built), like any program that uses the installed headers. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "seckit/version.h"
#include "testlib.h"

/* Does s read exactly "MAJOR.MINOR.PATCH" with these numbers? */
static int version_is(const char *s, int major, int minor, int patch)
{
    char want[64];
    snprintf(want, sizeof want, "%d.%d.%d", major, minor, patch);
    return s != NULL && strcmp(s, want) == 0;
}

static void test_macros_agree(void)
{
    CHECK(version_is(SECKIT_VERSION_STRING, SECKIT_VERSION_MAJOR, SECKIT_VERSION_MINOR,
                     SECKIT_VERSION_PATCH));
    CHECK_STR(SECKIT_VERSION_STRING, PACKAGE_VERSION);
    CHECK(SECKIT_VERSION_NUMBER ==
          ((SECKIT_VERSION_MAJOR << 16) | (SECKIT_VERSION_MINOR << 8) | SECKIT_VERSION_PATCH));
#if SECKIT_VERSION_NUMBER < 0x000100
#error "SECKIT_VERSION_NUMBER is not usable in #if"
#endif
}

static void test_runtime_agrees(void)
{
    CHECK_STR(seckit_version(), SECKIT_VERSION_STRING);
    CHECK(version_is(seckit_version(), SECKIT_VERSION_MAJOR, SECKIT_VERSION_MINOR,
                     SECKIT_VERSION_PATCH));
}

/* The comparison is known to bite: another patch, minor or major number,
 * or anything after the numbers, is a mismatch. */
static void test_mismatch_detected(void)
{
    CHECK(version_is("1.2.3", 1, 2, 3));
    CHECK(!version_is("1.2.4", 1, 2, 3));
    CHECK(!version_is("1.3.3", 1, 2, 3));
    CHECK(!version_is("11.2.3", 1, 2, 3));
    CHECK(!version_is("1.2.3-rc1", 1, 2, 3));
    CHECK(!version_is(NULL, 1, 2, 3));
}

int main(void)
{
    TEST(test_macros_agree);
    TEST(test_runtime_agrees);
    TEST(test_mismatch_detected);
    TEST_EXIT();
}
