/* base64 and hex: RFC 4648 vectors, strict and lenient decoding. */
#include "config.h"

#include "seckit/encoding.h"
#include "testlib.h"

static const struct {
    const char *plain, *b64;
} rfc4648[] = {
    {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
};

static void test_rfc4648_vectors(void)
{
    seckit_error err;
    for (size_t i = 0; i < (sizeof(rfc4648) / sizeof(rfc4648[0])); i++) {
        char enc[64];
        uint8_t dec[64];
        size_t n;
        size_t plen = strlen(rfc4648[i].plain);
        CHECK_OK(seckit_base64_encode(enc, sizeof(enc), &n, rfc4648[i].plain, plen,
                                      SECKIT_BASE64_STANDARD, &err), &err);
        CHECK_STR(enc, rfc4648[i].b64);
        CHECK(n == strlen(rfc4648[i].b64));
        CHECK(seckit_base64_encoded_len(plen, SECKIT_BASE64_STANDARD) == n + 1);
        CHECK_OK(seckit_base64_decode(dec, sizeof(dec), &n, enc, strlen(enc),
                                      SECKIT_BASE64_STANDARD, &err), &err);
        CHECK(n == plen && memcmp(dec, rfc4648[i].plain, n) == 0);
    }
}

static void test_urlsafe(void)
{
    static const uint8_t bytes[] = {0xfb, 0xff, 0xbf, 0xfe};
    char enc[16];
    uint8_t dec[16];
    size_t n;
    seckit_error err;
    CHECK_OK(seckit_base64_encode(enc, sizeof(enc), &n, bytes, 4, SECKIT_BASE64_STANDARD, &err), &err);
    CHECK_STR(enc, "+/+//g==");
    CHECK_OK(seckit_base64_encode(enc, sizeof(enc), &n, bytes, 4, SECKIT_BASE64_URLSAFE, &err), &err);
    CHECK_STR(enc, "-_-__g==");
    CHECK_OK(seckit_base64_encode(enc, sizeof(enc), &n, bytes, 4, SECKIT_BASE64_URLSAFE_NOPAD, &err), &err);
    CHECK_STR(enc, "-_-__g");
    CHECK(seckit_base64_encoded_len(4, SECKIT_BASE64_URLSAFE_NOPAD) == 7);
    CHECK_OK(seckit_base64_decode(dec, sizeof(dec), &n, "-_-__g", 6, SECKIT_BASE64_URLSAFE_NOPAD, &err), &err);
    CHECK(n == 4 && memcmp(dec, bytes, 4) == 0);
    /* strict: the other alphabet is refused, and padding for NOPAD */
    CHECK_RC(seckit_base64_decode(dec, sizeof(dec), &n, "+/+//g==", 8, SECKIT_BASE64_URLSAFE, &err), SECKIT_EFORMAT);
    CHECK_RC(seckit_base64_decode(dec, sizeof(dec), &n, "-_-__g==", 8, SECKIT_BASE64_STANDARD, &err), SECKIT_EFORMAT);
    CHECK_RC(seckit_base64_decode(dec, sizeof(dec), &n, "-_-__g==", 8, SECKIT_BASE64_URLSAFE_NOPAD, &err), SECKIT_EFORMAT);
}

static void test_strict_rejects(void)
{
    static const char *const bad[] = {
        "Zg",       /* missing padding */
        "Zg=",      /* short padding */
        "Zg===",    /* extra padding */
        "Z===",     /* one symbol */
        "Zh==",     /* non-zero trailing bits */
        "Zm9=",     /* non-zero trailing bits */
        "Zm9v\n",   /* whitespace */
        "Zm=v",     /* data after padding */
        "Zm9v*A==", /* invalid character */
        "=",
    };
    uint8_t dec[16];
    size_t n;
    seckit_error err;
    for (size_t i = 0; i < (sizeof(bad) / sizeof(bad[0])); i++) {
        int rc = seckit_base64_decode(dec, sizeof(dec), &n, bad[i], strlen(bad[i]),
                                      SECKIT_BASE64_STANDARD, &err);
        CHECK_MSG(rc == SECKIT_EFORMAT, "'%s' gave %d", bad[i], rc);
    }
    CHECK_RC(seckit_base64_decode(dec, sizeof(dec), &n, "Zm*v", 4, SECKIT_BASE64_STANDARD, &err),
             SECKIT_EFORMAT);
    CHECK(strstr(err.message, "offset 2") != NULL);
}

static void test_lenient(void)
{
    uint8_t dec[16];
    size_t n;
    seckit_error err;
    CHECK_OK(seckit_base64_decode_lenient(dec, sizeof(dec), &n, "Zg", 2, &err), &err);
    CHECK(n == 1 && dec[0] == 'f');
    CHECK_OK(seckit_base64_decode_lenient(dec, sizeof(dec), &n, "Zm9v\r\nYg==", 10, &err), &err);
    CHECK(n == 4 && memcmp(dec, "foob", 4) == 0);
    CHECK_OK(seckit_base64_decode_lenient(dec, sizeof(dec), &n, "+/-_", 4, &err), &err);
    CHECK(n == 3 && dec[0] == 0xfb && dec[1] == 0xff && dec[2] == 0xbf);
    CHECK_RC(seckit_base64_decode_lenient(dec, sizeof(dec), &n, "Zg=x", 4, &err), SECKIT_EFORMAT);
    CHECK_RC(seckit_base64_decode_lenient(dec, sizeof(dec), &n, "Z", 1, &err), SECKIT_EFORMAT);
    CHECK_RC(seckit_base64_decode_lenient(dec, sizeof(dec), &n, "Zg=", 3, &err), SECKIT_EFORMAT);
    CHECK_RC(seckit_base64_decode_lenient(dec, sizeof(dec), &n, "Zm9v%", 5, &err), SECKIT_EFORMAT);
}

static void test_output_too_small(void)
{
    char enc[4];
    uint8_t dec[2];
    size_t n;
    seckit_error err;
    CHECK_RC(seckit_base64_encode(enc, sizeof(enc), &n, "f", 1, SECKIT_BASE64_STANDARD, &err), SECKIT_ELIMIT);
    CHECK_RC(seckit_base64_decode(dec, sizeof(dec), &n, "Zm9v", 4, SECKIT_BASE64_STANDARD, &err), SECKIT_ELIMIT);
    CHECK_RC(seckit_base64_decode(dec, 0, &n, "Zg==", 4, SECKIT_BASE64_STANDARD, &err), SECKIT_ELIMIT);
    CHECK(seckit_base64_decoded_max(4) >= 3);
}

static void test_all_lengths_round_trip(void)
{
    uint8_t plain[300], dec[400];
    char enc[420];
    seckit_error err;
    for (size_t i = 0; i < sizeof(plain); i++)
        plain[i] = (uint8_t)(i * 37 + 11);
    for (int v = 0; v < 3; v++) {
        for (size_t len = 0; len <= sizeof(plain); len++) {
            size_t n, m;
            CHECK_OK(seckit_base64_encode(enc, sizeof(enc), &n, plain, len, v, &err), &err);
            CHECK_OK(seckit_base64_decode(dec, sizeof(dec), &m, enc, n, v, &err), &err);
            CHECK(m == len && memcmp(dec, plain, len) == 0);
            CHECK_OK(seckit_base64_decode_lenient(dec, sizeof(dec), &m, enc, n, &err), &err);
            CHECK(m == len && memcmp(dec, plain, len) == 0);
        }
    }
}

static void test_hex(void)
{
    char enc[16];
    uint8_t dec[8];
    size_t n;
    seckit_error err;
    CHECK_OK(seckit_hex_encode(enc, sizeof(enc), "\x00\xab\xff", 3, &err), &err);
    CHECK_STR(enc, "00abff");
    CHECK_OK(seckit_hex_decode(dec, sizeof(dec), &n, "00ABff", 6, &err), &err);
    CHECK(n == 3 && dec[0] == 0 && dec[1] == 0xab && dec[2] == 0xff);
    CHECK_RC(seckit_hex_decode(dec, sizeof(dec), &n, "abc", 3, &err), SECKIT_EFORMAT);
    CHECK_RC(seckit_hex_decode(dec, sizeof(dec), &n, "zz", 2, &err), SECKIT_EFORMAT);
    CHECK_RC(seckit_hex_decode(dec, 1, &n, "0000", 4, &err), SECKIT_ELIMIT);
    CHECK_RC(seckit_hex_encode(enc, 6, "\x00\xab\xff", 3, &err), SECKIT_ELIMIT);
}

int main(void)
{
    TEST(test_rfc4648_vectors);
    TEST(test_urlsafe);
    TEST(test_strict_rejects);
    TEST(test_lenient);
    TEST(test_output_too_small);
    TEST(test_all_lengths_round_trip);
    TEST(test_hex);
    TEST_EXIT();
}
