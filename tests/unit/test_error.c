/* The error model. */
#include "config.h"

#include <stddef.h>

#include "seckit/error.h"
#include "src/base/guard.h"
#include "testlib.h"

static void test_set_returns_code_and_formats(void)
{
    seckit_error err;
    seckit_error_clear(&err);
    CHECK_RC(seckit_error_set(&err, SECKIT_EFORMAT, "field %s at %d", "x", 3), SECKIT_EFORMAT);
    CHECK(err.code == SECKIT_EFORMAT);
    CHECK_STR(err.message, "field x at 3");
    CHECK(err.position.line == 0);
}

/* The documented fixed layout (libseckit(3), API AND ABI): members in
 * this order, with these sizes, and nothing after public_message.  The
 * position was three loose members (unsigned long line, unsigned long
 * column, size_t offset); the embedded seckit_position must keep their
 * offsets: line where an unsigned long after message[512] falls, the
 * others packed after it, aws_code right after offset. */
static void test_layout_fixed(void)
{
    CHECK(offsetof(seckit_error, code) == 0);
    CHECK(offsetof(seckit_error, message) == sizeof(int));
    CHECK(sizeof(((seckit_error *)0)->message) == 512);
    size_t after_message = offsetof(seckit_error, message) + 512;
    size_t align = _Alignof(unsigned long);
    CHECK(offsetof(seckit_error, position.line) == (after_message + align - 1) / align * align);
    CHECK(offsetof(seckit_error, position) == offsetof(seckit_error, position.line));
    CHECK(sizeof(((seckit_error *)0)->position.line) == sizeof(unsigned long));
    CHECK(offsetof(seckit_error, position.column) ==
          offsetof(seckit_error, position.line) + sizeof(unsigned long));
    CHECK(sizeof(((seckit_error *)0)->position.column) == sizeof(unsigned long));
    CHECK(offsetof(seckit_error, position.offset) ==
          offsetof(seckit_error, position.column) + sizeof(unsigned long));
    CHECK(sizeof(((seckit_error *)0)->position.offset) == sizeof(size_t));
    CHECK(sizeof(seckit_position) == 2 * sizeof(unsigned long) + sizeof(size_t));
    CHECK(offsetof(seckit_error, aws_code) ==
          offsetof(seckit_error, position.offset) + sizeof(size_t));
    CHECK(sizeof(((seckit_error *)0)->aws_code) == 96);
    CHECK(offsetof(seckit_error, aws_request_id) == offsetof(seckit_error, aws_code) + 96);
    CHECK(sizeof(((seckit_error *)0)->aws_request_id) == 96);
    CHECK(offsetof(seckit_error, http_status) == offsetof(seckit_error, aws_request_id) + 96);
    CHECK(offsetof(seckit_error, public_message) ==
          offsetof(seckit_error, http_status) + sizeof(int));
    CHECK(sizeof(((seckit_error *)0)->public_message) == 128);
    /* public_message is last: only padding follows it. */
    CHECK(sizeof(seckit_error) - offsetof(seckit_error, public_message) - 128 < sizeof(size_t));
}

static void test_null_error_is_allowed(void)
{
    CHECK_RC(seckit_error_set(NULL, SECKIT_EIO, "x"), SECKIT_EIO);
    seckit_error_clear(NULL);
    seckit_error_prefix(NULL, "ctx");
}

static void test_message_is_one_line(void)
{
    seckit_error err;
    CHECK_RC(seckit_error_set(&err, SECKIT_EINVAL, "a\nb\r\tc"), SECKIT_EINVAL);
    CHECK_STR(err.message, "a b  c");
}

static void test_long_message_is_truncated(void)
{
    seckit_error err;
    char big[2000];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    seckit_error_set(&err, SECKIT_EINVAL, "%s", big);
    CHECK(strlen(err.message) == SECKIT_ERROR_MESSAGE_MAX - 1);
}

static void test_position(void)
{
    seckit_error err;
    CHECK_RC(seckit_error_set_at(&err, SECKIT_EFORMAT, (seckit_position){3, 14, 77}, "bad %s",
                                 "thing"),
             SECKIT_EFORMAT);
    CHECK(err.position.line == 3 && err.position.column == 14 && err.position.offset == 77);
    seckit_error_prefix(&err, "policy.json");
    CHECK_STR(err.message, "policy.json: bad thing");
}

static void test_categories(void)
{
    CHECK(seckit_error_category(0) == SECKIT_CAT_OK);
    CHECK(seckit_error_category(SECKIT_EINVAL) == SECKIT_CAT_INPUT);
    CHECK(seckit_error_category(SECKIT_EPOLICY) == SECKIT_CAT_INPUT);
    CHECK(seckit_error_category(SECKIT_ETRUNCATED) == SECKIT_CAT_FORMAT);
    CHECK(seckit_error_category(SECKIT_EAUTH) == SECKIT_CAT_CRYPTO);
    CHECK(seckit_error_category(SECKIT_EEXIST) == SECKIT_CAT_IO);
    CHECK(seckit_error_category(SECKIT_ETIMEOUT) == SECKIT_CAT_NETWORK);
    CHECK(seckit_error_category(SECKIT_EAWSAUTH) == SECKIT_CAT_AWS);
    CHECK(seckit_error_category(SECKIT_ENOMEM) == SECKIT_CAT_INTERNAL);
    CHECK(seckit_error_category(-12345) == SECKIT_CAT_INTERNAL);
}

static void test_names(void)
{
    CHECK_STR(seckit_error_name(SECKIT_EAUTH), "SECKIT_EAUTH");
    CHECK_STR(seckit_strerror(SECKIT_EAUTH), "authentication failed");
    CHECK_STR(seckit_strerror(-4242), "unknown error");
}

static int guarded(int x, seckit_error *err)
{
    SKT_ENSURE(x >= 0, err, SECKIT_EINVAL, "x is negative (%d)", x);
    SKT_GUARD(x == 7 ? SECKIT_EIO : 0);
    return 0;
}

static void test_guard_macros(void)
{
    seckit_error err;
    seckit_error_clear(&err);
    CHECK_RC(guarded(1, &err), 0);
    CHECK_RC(guarded(-1, &err), SECKIT_EINVAL);
    CHECK_STR(err.message, "x is negative (-1)");
    CHECK_RC(guarded(7, &err), SECKIT_EIO);
}

int main(void)
{
    TEST(test_set_returns_code_and_formats);
    TEST(test_layout_fixed);
    TEST(test_null_error_is_allowed);
    TEST(test_message_is_one_line);
    TEST(test_long_message_is_truncated);
    TEST(test_position);
    TEST(test_categories);
    TEST(test_names);
    TEST(test_guard_macros);
    TEST_EXIT();
}
