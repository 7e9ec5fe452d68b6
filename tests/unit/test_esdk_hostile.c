/* ESDK decryption against hostile headers: header parsing is linear when the
 * header arrives in pieces (counted in bytes examined, not wall time), the
 * bytes-needed API, the default EDK limit (refused before any keyring call)
 * and the default header limit derived from it. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/esdk_internal.h"
#include "seckit/seckit.h"
#include "testlib.h"

/* A v2 header (suite 0x0478, empty context, framed) with n EDKs whose
 * ciphertexts are ct_len bytes; provider ID "nobody" (no keyring matches).
 * Followed by `extra` zero bytes. */
static uint8_t *hostile_header(size_t n, size_t ct_len, size_t extra, size_t *hdr_len,
                               size_t *total)
{
    size_t len = 1 + 2 + 32 + 2 + 2 + n * (2 + 6 + 2 + 3 + 2 + ct_len) + 1 + 4 + 32 + 16;
    uint8_t *b = calloc(1, len + extra), *p = b;
    *p++ = 2;
    *p++ = 0x04;
    *p++ = 0x78;
    memset(p, 0xA5, 32);
    p += 32;
    *p++ = 0; /* context length */
    *p++ = 0;
    *p++ = (uint8_t)(n >> 8);
    *p++ = (uint8_t)n;
    for (size_t i = 0; i < n; i++) {
        *p++ = 0;
        *p++ = 6;
        memcpy(p, "nobody", 6);
        p += 6;
        *p++ = 0;
        *p++ = 3;
        memcpy(p, "key", 3);
        p += 3;
        *p++ = (uint8_t)(ct_len >> 8);
        *p++ = (uint8_t)ct_len;
        memset(p, (int)(i & 0xFF), ct_len);
        p += ct_len;
    }
    *p++ = 2;    /* framed */
    p[3] = 0x10; /* frame length 4096 */
    p += 4;
    memset(p, 0x11, 32 + 16); /* commitment key, tag */
    p += 48;
    *hdr_len = (size_t)(p - b);
    *total = len + extra;
    return b;
}

static int discard(void *user, const uint8_t *p, size_t n, seckit_error *err)
{
    (void)user;
    (void)p;
    (void)n;
    (void)err;
    return 0;
}

/* A keyring that only counts how often it is asked to decrypt. */
static int count_encrypt(void *ctx, seckit_keyring_materials *m, seckit_error *err)
{
    (void)ctx;
    (void)m;
    return seckit_error_set(err, SECKIT_EINVAL, "not for encryption");
}
static int count_decrypt(void *ctx, seckit_keyring_materials *m, const seckit_esdk_edk *edks,
                         size_t n, seckit_error *err)
{
    (void)m;
    (void)edks;
    (void)n;
    (void)err;
    ++*(int *)ctx;
    return 0;
}
static const seckit_keyring_ops count_ops = {count_encrypt, count_decrypt, NULL};

static seckit_esdk_options allow_opts(void)
{
    seckit_esdk_options o;
    o = (seckit_esdk_options)SECKIT_ESDK_OPTIONS_INIT;
    o.commitment_policy = SECKIT_ESDK_REQUIRE_ENCRYPT_ALLOW_DECRYPT;
    return o;
}

/* Regression: 1 MiB of header fed in 4 KiB chunks used to be re-parsed
 * whole several times per chunk (about 600 MB examined); now each byte is
 * looked at a bounded number of times. */
static void test_header_parse_is_linear(void)
{
    seckit_error err;
    seckit_keyring *kr;
    int calls = 0;
    size_t hdr_len, total;
    uint8_t *msg = hostile_header(256, 4000, 0, &hdr_len, &total);
    CHECK_OK(seckit_keyring_custom_new(&kr, &count_ops, &calls, &err), &err);
    seckit_esdk_options o = allow_opts();
    o.max_encrypted_data_keys = 65535;
    o.max_header_len = 2u << 20;
    seckit_esdk_decryptor *d;
    CHECK_OK(seckit_esdk_decryptor_new(&d, kr, &o, discard, NULL, &err), &err);
    int rc = 0;
    size_t off = 0;
    while (off < total && rc == 0) {
        size_t n = total - off < 4096 ? total - off : 4096;
        rc = seckit_esdk_decryptor_update(d, msg + off, n, &err);
        off += n;
        if (rc == 0 && off < hdr_len) {
            size_t need = seckit_esdk_decryptor_bytes_needed(d);
            CHECK_MSG(need > 0 && need <= hdr_len - off, "bytes needed %zu at %zu of %zu", need,
                      off, hdr_len);
        }
    }
    /* The whole header was read, then no key matched. */
    CHECK_RC(rc, SECKIT_EAUTH);
    CHECK(calls == 1);
    size_t work = skt_esdk_decryptor_header_work(d);
    CHECK_MSG(work >= hdr_len && work <= 3 * hdr_len,
              "header of %zu bytes: %zu bytes examined (quadratic re-parsing?)", hdr_len, work);
    seckit_esdk_decryptor_free(d);
    seckit_keyring_free(kr);
    free(msg);
}

/* The length-only scan on every prefix of a real message. */
static void test_header_bytes_needed(void)
{
    seckit_error err;
    seckit_keyring *kr;
    uint8_t key[32] = {9};
    uint8_t *ct;
    size_t ct_len, needed, hl;
    CHECK_OK(seckit_keyring_raw_aes_new(&kr, "ns", "k", key, 32, &err), &err);
    seckit_esdk_pair pair = {"purpose", 7, "test", 4};
    seckit_esdk_context ctx = {&pair, 1};
    seckit_esdk_options o = allow_opts();
    CHECK_OK(seckit_esdk_encrypt(kr, &ct, &ct_len, &o, &ctx, (const uint8_t *)"hello", 5, &err),
             &err);
    seckit_esdk_info info;
    CHECK_OK(seckit_esdk_parse_header(&info, ct, ct_len, NULL, &err), &err);
    for (size_t k = 0; k < info.header_len; k++) {
        CHECK_OK(seckit_esdk_header_bytes_needed(&needed, &hl, ct, k, NULL, &err), &err);
        CHECK_MSG(needed > 0 && k + needed <= info.header_len, "prefix %zu: needed %zu", k, needed);
        CHECK(hl == 0);
    }
    CHECK_OK(seckit_esdk_header_bytes_needed(&needed, &hl, ct, ct_len, NULL, &err), &err);
    CHECK(needed == 0 && hl == info.header_len);
    /* Not a message: refused from the first byte. */
    CHECK_RC(seckit_esdk_header_bytes_needed(&needed, NULL, (const uint8_t *)"x", 1, NULL, &err),
             SECKIT_EUNSUPPORTED);
    /* Streaming by exactly the bytes asked for decrypts in few calls. */
    seckit_esdk_decryptor *d;
    CHECK_OK(seckit_esdk_decryptor_new(&d, kr, &o, discard, NULL, &err), &err);
    size_t off = 0, calls = 0;
    while (off < ct_len && calls < 1000) {
        size_t n = seckit_esdk_decryptor_bytes_needed(d);
        if (n > ct_len - off)
            n = ct_len - off;
        CHECK_OK(seckit_esdk_decryptor_update(d, ct + off, n, &err), &err);
        off += n;
        calls++;
    }
    CHECK_OK(seckit_esdk_decryptor_finish(d, &err), &err);
    CHECK(seckit_esdk_decryptor_bytes_needed(d) == 0);
    CHECK_MSG(calls < 20, "%zu update calls", calls);
    seckit_esdk_decryptor_free(d);
    seckit_esdk_info_free(&info);
    free(ct);
    seckit_keyring_free(kr);
}

/* More EDKs than the default limit: refused while parsing, before any
 * keyring (RSA) operation; the limit can be raised. */
static void test_default_edk_limit(void)
{
    seckit_error err;
    seckit_keyring *kr;
    int calls = 0;
    uint8_t *out;
    size_t out_len, hdr_len, total;
    CHECK_OK(seckit_keyring_custom_new(&kr, &count_ops, &calls, &err), &err);
    seckit_esdk_options o = allow_opts();
    uint8_t *msg = hostile_header(SECKIT_ESDK_DEFAULT_MAX_EDKS + 1, 256, 0, &hdr_len, &total);
    CHECK_RC(seckit_esdk_decrypt(kr, &out, &out_len, NULL, &o, msg, total, &err), SECKIT_ELIMIT);
    CHECK(strstr(err.message, "11 encrypted data keys exceed the limit of 10") != NULL);
    CHECK(calls == 0);
    /* NULL options: the same default. */
    CHECK_RC(seckit_esdk_decrypt(kr, &out, &out_len, NULL, NULL, msg, total, &err), SECKIT_ELIMIT);
    CHECK(calls == 0);
    /* Streaming, byte by byte: refused as soon as the count is read. */
    seckit_esdk_decryptor *d;
    CHECK_OK(seckit_esdk_decryptor_new(&d, kr, &o, discard, NULL, &err), &err);
    int rc = 0;
    size_t off = 0;
    while (rc == 0 && off < total)
        rc = seckit_esdk_decryptor_update(d, msg + off++, 1, &err);
    CHECK_RC(rc, SECKIT_ELIMIT);
    CHECK_MSG(off == 1 + 2 + 32 + 2 + 2, "refused after %zu bytes", off);
    CHECK(calls == 0);
    seckit_esdk_decryptor_free(d);
    /* Raised: parsed, then the keyring runs once (and finds no key). */
    o.max_encrypted_data_keys = SECKIT_ESDK_DEFAULT_MAX_EDKS + 1;
    CHECK_RC(seckit_esdk_decrypt(kr, &out, &out_len, NULL, &o, msg, total, &err), SECKIT_EAUTH);
    CHECK(calls == 1);
    free(msg);
    /* At the default: accepted. */
    msg = hostile_header(SECKIT_ESDK_DEFAULT_MAX_EDKS, 256, 0, &hdr_len, &total);
    o = allow_opts();
    CHECK_RC(seckit_esdk_decrypt(kr, &out, &out_len, NULL, &o, msg, total, &err), SECKIT_EAUTH);
    CHECK(calls == 2);
    free(msg);
    seckit_keyring_free(kr);
}

/* The default header limit: 128 + 65535 + 10 x 4096 bytes. */
static void test_default_header_limit(void)
{
    seckit_error err;
    seckit_keyring *kr;
    int calls = 0;
    uint8_t *out;
    size_t out_len, hdr_len, total;
    CHECK_OK(seckit_keyring_custom_new(&kr, &count_ops, &calls, &err), &err);
    seckit_esdk_options o = allow_opts();
    skt_esdk_limits l;
    skt_esdk_limits_from(&o, &l);
    CHECK(l.max_header == 106623 && l.max_edks == 10);
    /* 10 EDKs of 12,000 bytes: 120 KB, over the limit. */
    uint8_t *msg = hostile_header(10, 12000, 0, &hdr_len, &total);
    CHECK_RC(seckit_esdk_decrypt(kr, &out, &out_len, NULL, &o, msg, total, &err), SECKIT_ELIMIT);
    CHECK(strstr(err.message, "longer than the limit of 106623 bytes") != NULL);
    CHECK(calls == 0);
    o.max_header_len = 200000;
    CHECK_RC(seckit_esdk_decrypt(kr, &out, &out_len, NULL, &o, msg, total, &err), SECKIT_EAUTH);
    CHECK(calls == 1);
    free(msg);
    /* Raising the EDK limit raises the derived header limit. */
    o = allow_opts();
    o.max_encrypted_data_keys = 100;
    skt_esdk_limits_from(&o, &l);
    CHECK(l.max_header == 128 + 65535 + 100 * 4096);
    seckit_keyring_free(kr);
}

/* Regression: a huge max_field_plaintext made 2 * limit + 16384 wrap to a
 * small number, refusing ordinary values as "longer than a field can be". */
static void test_fle_huge_field_limit(void)
{
    seckit_error err;
    char *priv = NULL, *pub = NULL, *value = NULL;
    size_t priv_len, pub_len, value_len, plain_len;
    uint8_t *plain = NULL;
    seckit_fle_profile *prof;
    seckit_fle_decryptor *d;
    const char *pats[] = {"card"};
    CHECK_OK(seckit_rsa_keygen(&priv, &priv_len, &pub, &pub_len, 2048, &err), &err);
    CHECK_OK(seckit_fle_profile_new(&prof, pub, pub_len, "FLEDemo", "DemoPublicKey", pats, 1, &err),
             &err);
    size_t n = 16384; /* CloudFront's largest field */
    uint8_t *pt = malloc(n);
    memset(pt, 'x', n);
    CHECK_OK(seckit_fle_encrypt_value(prof, &value, &value_len, "card", pt, n, &err), &err);
    CHECK(value_len > 21856);
    seckit_fle_decrypt_options o;
    o = (seckit_fle_decrypt_options)SECKIT_FLE_DECRYPT_OPTIONS_INIT;
    o.max_field_plaintext = SIZE_MAX / 2;
    CHECK_OK(seckit_fle_decryptor_new(&d, &o, &err), &err);
    CHECK_OK(seckit_fle_decryptor_add_key(d, "FLEDemo", "DemoPublicKey", priv, priv_len,
                                          SECKIT_RSA_OAEP_SHA256, &err),
             &err);
    CHECK_OK(seckit_fle_decrypt_value(d, &plain, &plain_len, value, value_len, &err), &err);
    CHECK(plain != NULL && plain_len == n && memcmp(plain, pt, n) == 0);
    seckit_secret_free(plain);
    seckit_fle_decryptor_free(d);
    o.max_field_plaintext = SIZE_MAX;
    CHECK_OK(seckit_fle_decryptor_new(&d, &o, &err), &err);
    CHECK_OK(seckit_fle_decryptor_add_key(d, "FLEDemo", "DemoPublicKey", priv, priv_len,
                                          SECKIT_RSA_OAEP_SHA256, &err),
             &err);
    CHECK_OK(seckit_fle_decrypt_value(d, &plain, &plain_len, value, value_len, &err), &err);
    seckit_secret_free(plain);
    seckit_fle_decryptor_free(d);
    /* An ordinary limit still refuses a value too long for it. */
    o.max_field_plaintext = 1000;
    CHECK_OK(seckit_fle_decryptor_new(&d, &o, &err), &err);
    CHECK_OK(seckit_fle_decryptor_add_key(d, "FLEDemo", "DemoPublicKey", priv, priv_len,
                                          SECKIT_RSA_OAEP_SHA256, &err),
             &err);
    CHECK_RC(seckit_fle_decrypt_value(d, &plain, &plain_len, value, value_len, &err),
             SECKIT_ELIMIT);
    seckit_fle_decryptor_free(d);
    free(value);
    free(pt);
    seckit_fle_profile_free(prof);
    seckit_secret_free(priv);
    free(pub);
}

int main(void)
{
    TEST(test_header_parse_is_linear);
    TEST(test_header_bytes_needed);
    TEST(test_default_edk_limit);
    TEST(test_default_header_limit);
    TEST(test_fle_huge_field_limit);
    TEST_EXIT();
}
