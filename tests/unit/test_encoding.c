/* base64 and hex: RFC 4648 vectors, strict and lenient decoding. */
#include "config.h"

#include <string.h>

#include "seckit/encoding.h"
#include "testlib.h"

static const struct {
    const char *plain, *b64;
} rfc4648[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
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
                                      SECKIT_BASE64_STANDARD, &err),
                 &err);
        CHECK_STR(enc, rfc4648[i].b64);
        CHECK(n == strlen(rfc4648[i].b64));
        CHECK(seckit_base64_encoded_len(plen, SECKIT_BASE64_STANDARD) == n + 1);
        CHECK_OK(seckit_base64_decode(dec, sizeof(dec), &n, enc, strlen(enc),
                                      SECKIT_BASE64_STANDARD, &err),
                 &err);
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
    CHECK_OK(seckit_base64_encode(enc, sizeof(enc), &n, bytes, 4, SECKIT_BASE64_STANDARD, &err),
             &err);
    CHECK_STR(enc, "+/+//g==");
    CHECK_OK(seckit_base64_encode(enc, sizeof(enc), &n, bytes, 4, SECKIT_BASE64_URLSAFE, &err),
             &err);
    CHECK_STR(enc, "-_-__g==");
    CHECK_OK(seckit_base64_encode(enc, sizeof(enc), &n, bytes, 4, SECKIT_BASE64_URLSAFE_NOPAD,
                                  &err),
             &err);
    CHECK_STR(enc, "-_-__g");
    CHECK(seckit_base64_encoded_len(4, SECKIT_BASE64_URLSAFE_NOPAD) == 7);
    CHECK_OK(seckit_base64_decode(dec, sizeof(dec), &n, "-_-__g", 6, SECKIT_BASE64_URLSAFE_NOPAD,
                                  &err),
             &err);
    CHECK(n == 4 && memcmp(dec, bytes, 4) == 0);
    /* strict: the other alphabet is refused, and padding for NOPAD */
    CHECK_RC(seckit_base64_decode(dec, sizeof(dec), &n, "+/+//g==", 8, SECKIT_BASE64_URLSAFE, &err),
             SECKIT_EFORMAT);
    CHECK_RC(seckit_base64_decode(dec, sizeof(dec), &n, "-_-__g==", 8, SECKIT_BASE64_STANDARD,
                                  &err),
             SECKIT_EFORMAT);
    CHECK_RC(seckit_base64_decode(dec, sizeof(dec), &n, "-_-__g==", 8, SECKIT_BASE64_URLSAFE_NOPAD,
                                  &err),
             SECKIT_EFORMAT);
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
    CHECK_RC(seckit_base64_encode(enc, sizeof(enc), &n, "f", 1, SECKIT_BASE64_STANDARD, &err),
             SECKIT_ELIMIT);
    CHECK_RC(seckit_base64_decode(dec, sizeof(dec), &n, "Zm9v", 4, SECKIT_BASE64_STANDARD, &err),
             SECKIT_ELIMIT);
    CHECK_RC(seckit_base64_decode(dec, 0, &n, "Zg==", 4, SECKIT_BASE64_STANDARD, &err),
             SECKIT_ELIMIT);
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

/* The streaming decoder gives what the one-shot lenient decoder gives
 * (bytes, or the error with its message and offset) for every way of
 * cutting the input in three pieces. */
static int stream_decode(const char *in, size_t n, size_t cut1, size_t cut2, uint8_t *out,
                         size_t *out_len, seckit_error *err)
{
    seckit_base64_decoder d;
    size_t cuts[4] = {0, cut1, cut2, n}, o = 0, got;
    seckit_base64_decoder_init(&d);
    for (int k = 0; k < 3; k++) {
        size_t len = cuts[k + 1] - cuts[k];
        int rc = seckit_base64_decoder_update(&d, out + o, seckit_base64_decoded_max(len), &got,
                                              in + cuts[k], len, err);
        if (rc != 0)
            return rc;
        o += got;
    }
    int rc = seckit_base64_decoder_finish(&d, out + o, 2, &got, err);
    *out_len = o + got;
    return rc;
}

static void test_stream_matches_one_shot(void)
{
    static const char *const inputs[] = {
        "",          "Zg==",     "Zm8",  "Zm9vYmFy",  "Zm9v\nYmE=\n",
        " Zm9vYg ",  "-_-_",     "+/+/", "Zm9vYmE=x", "Zm9vY",
        "Zm9vYmE==", "Zm9=vYmE", "Zm$v", "Zh==",      "Zm9vYmFyZm9vYmFyZm9vYmFy\r\n",
    };
    int checked = 0;
    for (size_t t = 0; t < sizeof(inputs) / sizeof(inputs[0]); t++) {
        const char *in = inputs[t];
        size_t n = strlen(in);
        uint8_t want[64], got[64 + 8];
        size_t want_len = 0, got_len = 0;
        seckit_error e1, e2;
        seckit_error_clear(&e1);
        int rc1 = seckit_base64_decode_lenient(want, sizeof(want), &want_len, in, n, &e1);
        for (size_t c1 = 0; c1 <= n; c1++)
            for (size_t c2 = c1; c2 <= n; c2++) {
                seckit_error_clear(&e2);
                int rc2 = stream_decode(in, n, c1, c2, got, &got_len, &e2);
                CHECK(rc1 == rc2);
                if (rc1 == 0)
                    CHECK(got_len == want_len && memcmp(got, want, want_len) == 0);
                else
                    CHECK_STR(e1.message, e2.message);
                checked++;
            }
    }
    CHECK(checked > 500);
    seckit_base64_decoder d;
    size_t got;
    seckit_error err;
    CHECK_RC(seckit_base64_decoder_update(NULL, NULL, 0, &got, "", 0, &err), SECKIT_EINVAL);
    seckit_base64_decoder_init(&d);
    CHECK_RC(seckit_base64_decoder_update(&d, NULL, 0, &got, "Zm9v", 4, &err), SECKIT_ELIMIT);
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
    TEST(test_stream_matches_one_shot);
    TEST(test_hex);
    TEST_EXIT();
}
