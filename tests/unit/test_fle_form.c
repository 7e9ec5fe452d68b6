/* The application/x-www-form-urlencoded codec used by FLE. */
#include "config.h"

#include "seckit/fle.h"
#include "seckit/version.h"
#include "seckit/secret.h"
#include "testlib.h"

static seckit_error err;

static seckit_form *parse(const char *s)
{
    seckit_form *f = NULL;
    if (seckit_form_parse(&f, s, strlen(s), 0, &err) != 0)
        return NULL;
    return f;
}

static int field_is(const seckit_form *f, size_t i, const char *name, const char *value)
{
    const char *n, *v;
    size_t nl, vl;
    if (seckit_form_field(f, &n, &nl, &v, &vl, NULL, i) != 0)
        return 0;
    return nl == strlen(name) && memcmp(n, name, nl) == 0 && vl == strlen(value) &&
           memcmp(v, value, vl) == 0;
}

static int serializes_to(const seckit_form *f, const char *want)
{
    char *out = NULL;
    size_t n = 0;
    if (seckit_form_serialize(f, &out, &n, &err) != 0)
        return 0;
    int ok = n == strlen(want) && memcmp(out, want, n) == 0 && out[n] == '\0';
    if (!ok)
        printf("# got '%s' want '%s'\n", out, want);
    seckit_secret_free(out);
    return ok;
}

static void test_seed_form(void)
{
    seckit_form *f = parse("Name=Jane+Doe&Phone=404-555-0150");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    CHECK(seckit_form_count(f) == 2);
    CHECK(field_is(f, 0, "Name", "Jane Doe"));
    CHECK(field_is(f, 1, "Phone", "404-555-0150"));
    CHECK(seckit_form_field_offset(f, 1) == 14);
    CHECK(serializes_to(f, "Name=Jane+Doe&Phone=404-555-0150"));
    CHECK_OK(seckit_form_set_value(f, 1, "AYAB+x/y==", 10, &err), &err);
    CHECK(field_is(f, 1, "Phone", "AYAB+x/y=="));
    CHECK(serializes_to(f, "Name=Jane+Doe&Phone=AYAB%2Bx%2Fy%3D%3D"));
    seckit_form_free(f);
}

static void test_untouched_bytes_kept(void)
{
    /* Odd but valid encodings must come back exactly as they were. */
    const char *body = "a=%41%2b&b=x+y&&c&d=&e==%3D&%7E=%7e&f=1&";
    seckit_form *f = parse(body);
    CHECK(f != NULL);
    if (f == NULL)
        return;
    CHECK(seckit_form_count(f) == 9);
    CHECK(field_is(f, 0, "a", "A+"));
    CHECK(field_is(f, 1, "b", "x y"));
    CHECK(field_is(f, 2, "", ""));
    int has = 1;
    CHECK_RC(seckit_form_field(f, NULL, NULL, NULL, NULL, &has, 3), 0);
    CHECK(has == 0);
    CHECK(field_is(f, 3, "c", ""));
    CHECK(field_is(f, 5, "e", "=="));
    CHECK(field_is(f, 6, "~", "~"));
    CHECK(field_is(f, 8, "", ""));
    CHECK(serializes_to(f, body));
    /* Change one field: only it is re-encoded; its name keeps its bytes. */
    CHECK_OK(seckit_form_set_value(f, 6, "a b&c", 5, &err), &err);
    CHECK(serializes_to(f, "a=%41%2b&b=x+y&&c&d=&e==%3D&%7E=a+b%26c&f=1&"));
    /* A field without '=' gets one when its value is set. */
    CHECK_OK(seckit_form_set_value(f, 3, "v", 1, &err), &err);
    CHECK(serializes_to(f, "a=%41%2b&b=x+y&&c=v&d=&e==%3D&%7E=a+b%26c&f=1&"));
    seckit_form_free(f);
}

static void test_repeated_fields(void)
{
    seckit_form *f = parse("card=1&card=2&x=0&card=3");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    CHECK(seckit_form_count(f) == 4);
    CHECK(field_is(f, 0, "card", "1"));
    CHECK(field_is(f, 1, "card", "2"));
    CHECK(field_is(f, 3, "card", "3"));
    CHECK_OK(seckit_form_set_value(f, 1, "two", 3, &err), &err);
    CHECK(serializes_to(f, "card=1&card=two&x=0&card=3"));
    seckit_form_free(f);
}

static void test_bad_percent(void)
{
    static const struct {
        const char *body;
        size_t offset;
    } bad[] = {
        {"a=%4", 2}, {"a=%zz", 2}, {"a=1&b=%", 6}, {"%g1=x", 0}, {"ok=1&n%=1", 6}, {"a=%%41", 2},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        seckit_form *f = NULL;
        seckit_error_clear(&err);
        CHECK_RC(seckit_form_parse(&f, bad[i].body, strlen(bad[i].body), 0, &err), SECKIT_EFORMAT);
        CHECK(f == NULL);
        CHECK_MSG(err.position.offset == bad[i].offset, "%s: offset %zu, want %zu", bad[i].body,
                  err.position.offset, bad[i].offset);
        CHECK(strstr(err.message, "percent") != NULL);
    }
}

static void test_not_form(void)
{
    static const char *const bad[] = {
        "{\"Name\":\"Jane\"}", "<xml/>", "a=b c", "a=1\n", "a=\x80", "--boundary\r\nx", "a=b|c",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        seckit_form *f = NULL;
        CHECK_RC(seckit_form_parse(&f, bad[i], strlen(bad[i]), 0, &err), SECKIT_EFORMAT);
        CHECK(strstr(err.message, "not an application/x-www-form-urlencoded body") != NULL);
    }
    seckit_form *f = NULL;
    CHECK_RC(seckit_form_parse(&f, "a=b c", 5, 0, &err), SECKIT_EFORMAT);
    CHECK(err.position.offset == 3);
}

static void test_limits_and_empty(void)
{
    seckit_form *f = NULL;
    CHECK_RC(seckit_form_parse(&f, "a=12345", 7, 6, &err), SECKIT_ELIMIT);
    size_t big = SECKIT_FLE_MAX_BODY + 1;
    char *body = malloc(big);
    memset(body, 'a', big);
    CHECK_RC(seckit_form_parse(&f, body, big, 0, &err), SECKIT_ELIMIT);
    CHECK(strstr(err.message, "over the limit") != NULL);
    CHECK_OK(seckit_form_parse(&f, body, big - 1, 0, &err), &err);
    CHECK(seckit_form_count(f) == 1);
    seckit_form_free(f);
    free(body);
    CHECK_OK(seckit_form_parse(&f, "", 0, 0, &err), &err);
    CHECK(seckit_form_count(f) == 0);
    CHECK(serializes_to(f, ""));
    CHECK_RC(seckit_form_field(f, NULL, NULL, NULL, NULL, NULL, 0), SECKIT_EINVAL);
    seckit_form_free(f);
}

static void test_encode_component(void)
{
    char *out = NULL;
    size_t n = 0;
    CHECK_OK(seckit_form_encode_component(&out, &n, "Az09*-._ +/=~\x01\xff", 15, &err), &err);
    CHECK_STR(out, "Az09*-._+%2B%2F%3D%7E%01%FF");
    CHECK(n == strlen(out));
    seckit_secret_free(out);
    /* Embedded NUL survives a round trip. */
    seckit_form *f = parse("a=x%00y");
    CHECK(f != NULL);
    const char *v = NULL;
    size_t vl = 0;
    CHECK_RC(seckit_form_field(f, NULL, NULL, &v, &vl, NULL, 0), 0);
    CHECK(vl == 3 && v[1] == '\0');
    CHECK_OK(seckit_form_set_value(f, 0, v, vl, &err), &err);
    CHECK(serializes_to(f, "a=x%00y"));
    seckit_form_free(f);
}

int main(void)
{
    TEST_INIT();
    TEST(test_seed_form);
    TEST(test_untouched_bytes_kept);
    TEST(test_repeated_fields);
    TEST(test_bad_percent);
    TEST(test_not_form);
    TEST(test_limits_and_empty);
    TEST(test_encode_component);
    TEST_EXIT();
}
