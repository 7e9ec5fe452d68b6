/* ESDK messages: round trips (every suite x keyring x frame length),
 * commitment policies, EDK and size limits, strict parsing, key formats,
 * custom keyrings, and tampering (every truncation, every bit flip, changed
 * provider info, footer removed): each must fail with the generic error and
 * the streaming API must never release a byte that is not authenticated. */
#include "config.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seckit/seckit.h"
#include "testlib.h"

#define AUTH_MSG                                                                                   \
    "authentication failed: no key could decrypt the message or the message was modified"

static const uint16_t all_suites[] = {0x0014, 0x0046, 0x0078, 0x0114, 0x0146, 0x0178,
                                      0x0214, 0x0346, 0x0378, 0x0478, 0x0578};
#define N_SUITES (sizeof(all_suites) / sizeof(all_suites[0]))

static char *priv_pem, *pub_pem;
static size_t priv_len, pub_len;
static seckit_keyring *rsa_kr[5], *rsa_pub_kr, *aes_kr[3], *multi_kr;

static const uint8_t aes_keys[3][32] = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};

static int quick(void)
{
    return getenv("SECKIT_TEST_QUICK") != NULL;
}

static void setup_keys(void)
{
    seckit_error err;
    if (seckit_rsa_keygen(&priv_pem, &priv_len, &pub_pem, &pub_len, 2048, &err) != 0) {
        printf("FAIL setup: %s\n", err.message);
        exit(1);
    }
    for (int p = 0; p < 5; p++)
        if (seckit_keyring_raw_rsa_new(&rsa_kr[p], "ns-rsa", "key-rsa", (seckit_rsa_padding)p,
                                       (const uint8_t *)priv_pem, priv_len, &err) != 0) {
            printf("FAIL setup: %s\n", err.message);
            exit(1);
        }
    if (seckit_keyring_raw_rsa_new(&rsa_pub_kr, "ns-rsa", "key-rsa", SECKIT_RSA_OAEP_SHA256,
                                   (const uint8_t *)pub_pem, pub_len, &err) != 0)
        exit(1);
    static const size_t lens[3] = {16, 24, 32};
    for (int i = 0; i < 3; i++)
        if (seckit_keyring_raw_aes_new(&aes_kr[i], "ns-aes",
                                       i == 0   ? "k16"
                                       : i == 1 ? "k24"
                                                : "k32",
                                       aes_keys[i], lens[i], &err) != 0)
            exit(1);
    seckit_keyring *kids[2] = {rsa_kr[2], aes_kr[0]};
    if (seckit_keyring_multi_new(&multi_kr, aes_kr[2], kids, 2, &err) != 0)
        exit(1);
}

static seckit_esdk_options opts_for(uint16_t suite, uint32_t frame)
{
    seckit_esdk_options o;
    o = (seckit_esdk_options)SECKIT_ESDK_OPTIONS_INIT;
    o.suite = suite;
    o.frame_length = frame;
    o.commitment_policy = (suite == 0x0478 || suite == 0x0578)
                              ? SECKIT_ESDK_REQUIRE_ENCRYPT_ALLOW_DECRYPT
                              : SECKIT_ESDK_FORBID_ENCRYPT_ALLOW_DECRYPT;
    return o;
}

static uint8_t *make_pt(size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(i * 7 + 3);
    return p;
}

static int encrypt_msg(const seckit_keyring *kr, uint16_t suite, uint32_t frame, const uint8_t *pt,
                       size_t n, const seckit_esdk_context *ctx, uint8_t **ct, size_t *ct_len)
{
    seckit_esdk_options o = opts_for(suite, frame);
    seckit_error err;
    int rc = seckit_esdk_encrypt(kr, ct, ct_len, &o, ctx, pt, n, &err);
    if (rc != 0)
        tl_fail(__FILE__, __LINE__, "encrypt 0x%04x frame %u len %zu: %s", suite, frame, n,
                err.message);
    return rc;
}

/* ---- streaming collector ------------------------------------------------- */

typedef struct {
    uint8_t *buf;
    size_t len, cap;
} sink;

static int sink_write(void *user, const uint8_t *p, size_t n, seckit_error *err)
{
    (void)err;
    sink *s = user;
    if (s->len + n > s->cap) {
        s->cap = (s->len + n) * 2;
        s->buf = realloc(s->buf, s->cap);
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    return 0;
}

/* Streaming decrypt fed in chunks of `chunk` bytes. */
static int stream_decrypt(const seckit_keyring *kr, const seckit_esdk_options *o, const uint8_t *ct,
                          size_t n, size_t chunk, sink *s, seckit_error *err)
{
    seckit_esdk_decryptor *d = NULL;
    int rc = seckit_esdk_decryptor_new(&d, kr, o, sink_write, s, err);
    for (size_t off = 0; rc == 0 && off < n; off += chunk)
        rc = seckit_esdk_decryptor_update(d, ct + off, n - off < chunk ? n - off : chunk, err);
    if (rc == 0)
        rc = seckit_esdk_decryptor_finish(d, err);
    seckit_esdk_decryptor_free(d);
    return rc;
}

/* ---- round trips ---------------------------------------------------------- */

static void test_round_trips(void)
{
    static const uint32_t frames[] = {0, 1, 17, 512, 4096};
    static const size_t sizes[] = {0, 1, 17, 1000, 4096, 10000};
    seckit_keyring *krs[] = {rsa_kr[0], rsa_kr[1], rsa_kr[2], rsa_kr[3], rsa_kr[4],
                             aes_kr[0], aes_kr[1], aes_kr[2], multi_kr};
    seckit_esdk_pair pairs[2] = {{"purpose", 7, "test", 4}, {"a", 1, "", 0}};
    seckit_esdk_context ctx = {pairs, 2};
    int count = 0;
    for (size_t si = 0; si < N_SUITES; si++)
        for (size_t k = 0; k < sizeof(krs) / sizeof(krs[0]); k++)
            for (size_t f = 0; f < sizeof(frames) / sizeof(frames[0]); f++)
                for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
                    uint16_t suite = all_suites[si];
                    /* RSA keyrings: a subset of sizes (RSA is slow). */
                    if (k < 5 && (z % 2 == 1 || f == 1))
                        continue;
                    /* Under valgrind (quick): one RSA padding, fewer shapes. */
                    if (quick() && ((k < 5 && k != 2) || (z != 1 && z != 4) || f == 1))
                        continue;
                    if (frames[f] == 0 && suite >= 0x0478)
                        continue; /* v2 messages are always framed */
                    if (frames[f] == 1 && sizes[z] > 1000)
                        continue;
                    uint8_t *pt = make_pt(sizes[z]), *ct = NULL, *out = NULL;
                    size_t ct_len, out_len;
                    if (encrypt_msg(krs[k], suite, frames[f], pt, sizes[z], (z & 1) ? &ctx : NULL,
                                    &ct, &ct_len) == 0) {
                        seckit_esdk_options o = opts_for(suite, 0);
                        seckit_error err;
                        seckit_esdk_info info;
                        int rc = seckit_esdk_decrypt(krs[k], &out, &out_len, &info, &o, ct, ct_len,
                                                     &err);
                        CHECK_MSG(rc == 0, "decrypt 0x%04x kr %zu frame %u len %zu: %s", suite, k,
                                  frames[f], sizes[z], err.message);
                        if (rc == 0) {
                            CHECK(out_len == sizes[z] && memcmp(out, pt, sizes[z]) == 0);
                            CHECK(info.suite == suite && info.frame_length == frames[f]);
                            CHECK(info.content_type == (frames[f] ? 2 : 1));
                            CHECK(info.edk_count == (k == 8 ? 3u : 1u));
                            size_t want_ctx =
                                ((z & 1) ? 2 : 0) + (suite == 0x0214 || suite == 0x0346 ||
                                                     suite == 0x0378 || suite == 0x0578);
                            CHECK(info.context_count == want_ctx);
                            seckit_esdk_info_free(&info);
                            count++;
                        }
                        seckit_secret_free(out);
                        /* The streaming decryptor agrees, byte by byte too. */
                        if (frames[f] != 1 && (count % 7) == 0) {
                            sink s = {0};
                            rc = stream_decrypt(krs[k], &o, ct, ct_len, (count % 3) + 1, &s, &err);
                            CHECK_MSG(rc == 0 && s.len == sizes[z] &&
                                          (sizes[z] == 0 || memcmp(s.buf, pt, sizes[z]) == 0),
                                      "stream 0x%04x: %s", suite, err.message);
                            free(s.buf);
                        }
                    }
                    free(ct);
                    free(pt);
                }
    CHECK(count > (quick() ? 100 : 500));
}

/* Each keyring of a multi-keyring message decrypts it alone; the public-key
 * RSA keyring encrypts but cannot decrypt. */
static void test_keyring_roles(void)
{
    uint8_t *ct, *out;
    size_t ct_len, out_len;
    seckit_error err;
    seckit_esdk_options o = opts_for(0x0578, 4096);
    const uint8_t pt[] = "multi";
    CHECK_OK(seckit_esdk_encrypt(multi_kr, &ct, &ct_len, &o, NULL, pt, 5, &err), &err);
    seckit_keyring *each[] = {aes_kr[2], rsa_kr[2], aes_kr[0]};
    for (int i = 0; i < 3; i++) {
        CHECK_OK(seckit_esdk_decrypt(each[i], &out, &out_len, NULL, &o, ct, ct_len, &err), &err);
        CHECK(out_len == 5 && memcmp(out, pt, 5) == 0);
        seckit_secret_free(out);
    }
    /* A keyring with the right key but another name, or another key. */
    seckit_keyring *other;
    CHECK_OK(seckit_keyring_raw_aes_new(&other, "ns-aes", "other", aes_keys[1], 24, &err), &err);
    CHECK_RC(seckit_esdk_decrypt(other, &out, &out_len, NULL, &o, ct, ct_len, &err), SECKIT_EAUTH);
    CHECK_STR(err.message, AUTH_MSG);
    CHECK(out == NULL);
    seckit_keyring_free(other);
    CHECK_OK(seckit_keyring_raw_aes_new(&other, "ns-aes", "k24", aes_keys[0], 24, &err), &err);
    free(ct);
    CHECK_OK(seckit_esdk_encrypt(aes_kr[1], &ct, &ct_len, &o, NULL, pt, 5, &err), &err);
    CHECK_RC(seckit_esdk_decrypt(other, &out, &out_len, NULL, &o, ct, ct_len, &err), SECKIT_EAUTH);
    CHECK_STR(err.message, AUTH_MSG);
    seckit_keyring_free(other);
    free(ct);
    /* Public-key RSA: encrypt yes, decrypt no (generic error). */
    CHECK_OK(seckit_esdk_encrypt(rsa_pub_kr, &ct, &ct_len, &o, NULL, pt, 5, &err), &err);
    CHECK_RC(seckit_esdk_decrypt(rsa_pub_kr, &out, &out_len, NULL, &o, ct, ct_len, &err),
             SECKIT_EAUTH);
    CHECK_STR(err.message, AUTH_MSG);
    CHECK_OK(seckit_esdk_decrypt(rsa_kr[2], &out, &out_len, NULL, &o, ct, ct_len, &err), &err);
    seckit_secret_free(out);
    /* Wrong padding: the same generic error. */
    CHECK_RC(seckit_esdk_decrypt(rsa_kr[1], &out, &out_len, NULL, &o, ct, ct_len, &err),
             SECKIT_EAUTH);
    CHECK_STR(err.message, AUTH_MSG);
    CHECK_RC(seckit_esdk_decrypt(rsa_kr[0], &out, &out_len, NULL, &o, ct, ct_len, &err),
             SECKIT_EAUTH);
    CHECK_STR(err.message, AUTH_MSG);
    free(ct);
    /* A multi keyring without a generator decrypts but cannot encrypt. */
    seckit_keyring *m2, *kids[1] = {aes_kr[0]};
    CHECK_OK(seckit_keyring_multi_new(&m2, NULL, kids, 1, &err), &err);
    CHECK_RC(seckit_esdk_encrypt(m2, &ct, &ct_len, &o, NULL, pt, 5, &err), SECKIT_EINVAL);
    seckit_keyring_free(m2);
    CHECK_RC(seckit_keyring_multi_new(&m2, NULL, NULL, 0, &err), SECKIT_EINVAL);
}

/* RSA key formats: PKCS#8 / PKCS#1 PEM, SPKI PEM, DER forms. */
static void test_rsa_key_formats(void)
{
    seckit_error err;
    BIO *b = BIO_new_mem_buf(priv_pem, (int)priv_len);
    EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    BIO_free(b);
    CHECK(k != NULL);
    unsigned char *der = NULL;
    int der_len;
    seckit_keyring *kr;
    const uint8_t pt[] = "formats";
    uint8_t *ct, *out;
    size_t ct_len, out_len;
    seckit_esdk_options o = opts_for(0x0178, 4096);
    CHECK_OK(seckit_esdk_encrypt(rsa_pub_kr, &ct, &ct_len, &o, NULL, pt, 7, &err), &err);
    /* PKCS#8 DER */
    der_len = i2d_PrivateKey(k, &der); /* PKCS#1 RSAPrivateKey DER */
    CHECK(der_len > 0);
    CHECK_OK(seckit_keyring_raw_rsa_new(&kr, "ns-rsa", "key-rsa", SECKIT_RSA_OAEP_SHA256, der,
                                        (size_t)der_len, &err),
             &err);
    CHECK_OK(seckit_esdk_decrypt(kr, &out, &out_len, NULL, &o, ct, ct_len, &err), &err);
    seckit_secret_free(out);
    seckit_keyring_free(kr);
    OPENSSL_free(der);
    der = NULL;
    /* PKCS#1 PEM ("RSA PRIVATE KEY") */
    b = BIO_new(BIO_s_mem());
    CHECK(PEM_write_bio_PrivateKey_traditional(b, k, NULL, NULL, 0, NULL, NULL) == 1);
    char *p;
    long pl = BIO_get_mem_data(b, &p);
    CHECK(pl > 0 && strstr(p, "BEGIN RSA PRIVATE KEY") != NULL);
    CHECK_OK(seckit_keyring_raw_rsa_new(&kr, "ns-rsa", "key-rsa", SECKIT_RSA_OAEP_SHA256,
                                        (const uint8_t *)p, (size_t)pl, &err),
             &err);
    CHECK_OK(seckit_esdk_decrypt(kr, &out, &out_len, NULL, &o, ct, ct_len, &err), &err);
    seckit_secret_free(out);
    seckit_keyring_free(kr);
    BIO_free(b);
    /* SPKI DER public key encrypts. */
    der_len = i2d_PUBKEY(k, &der);
    CHECK_OK(seckit_keyring_raw_rsa_new(&kr, "ns-rsa", "key-rsa", SECKIT_RSA_OAEP_SHA256, der,
                                        (size_t)der_len, &err),
             &err);
    free(ct);
    CHECK_OK(seckit_esdk_encrypt(kr, &ct, &ct_len, &o, NULL, pt, 7, &err), &err);
    CHECK_OK(seckit_esdk_decrypt(rsa_kr[2], &out, &out_len, NULL, &o, ct, ct_len, &err), &err);
    seckit_secret_free(out);
    seckit_keyring_free(kr);
    OPENSSL_free(der);
    free(ct);
    EVP_PKEY_free(k);
    /* Junk, and a key that is too small. */
    CHECK_RC(seckit_keyring_raw_rsa_new(&kr, "ns", "n", SECKIT_RSA_PKCS1, (const uint8_t *)"junk",
                                        4, &err),
             SECKIT_EFORMAT);
    EVP_PKEY *small = EVP_RSA_gen(1024);
    der = NULL;
    der_len = i2d_PUBKEY(small, &der);
    CHECK_RC(seckit_keyring_raw_rsa_new(&kr, "ns", "n", SECKIT_RSA_PKCS1, der, (size_t)der_len,
                                        &err),
             SECKIT_EINVAL);
    OPENSSL_free(der);
    EVP_PKEY_free(small);
    /* Reserved namespace, AES key sizes. */
    CHECK_RC(seckit_keyring_raw_aes_new(&kr, "aws-kms", "n", aes_keys[0], 16, &err), SECKIT_EINVAL);
    CHECK_RC(seckit_keyring_raw_aes_new(&kr, "aws-kms-x", "n", aes_keys[0], 16, &err),
             SECKIT_EINVAL);
    CHECK_RC(seckit_keyring_raw_aes_new(&kr, "ns", "n", aes_keys[0], 20, &err), SECKIT_EINVAL);
    CHECK_RC(seckit_keyring_raw_aes_new(&kr, "", "n", aes_keys[0], 16, &err), SECKIT_EINVAL);
}

/* ---- commitment policy, suites, limits ---------------------------------- */

static void test_commitment_policy(void)
{
    seckit_error err;
    uint8_t *ct, *out;
    size_t ct_len, out_len;
    const uint8_t pt[] = "policy";
    seckit_esdk_options o;
    for (size_t si = 0; si < N_SUITES; si++) {
        uint16_t s = all_suites[si];
        int commits = s >= 0x0478;
        for (int pol = 0; pol < 3; pol++) {
            o = (seckit_esdk_options)SECKIT_ESDK_OPTIONS_INIT;
            o.suite = s;
            o.commitment_policy = (seckit_esdk_commitment_policy)pol;
            int rc = seckit_esdk_encrypt(aes_kr[2], &ct, &ct_len, &o, NULL, pt, 6, &err);
            int want_ok = (pol == 2) ? !commits : commits;
            CHECK_MSG((rc == 0) == want_ok, "encrypt 0x%04x policy %d: rc %d", s, pol, rc);
            if (rc == 0)
                free(ct);
            else
                CHECK(rc == SECKIT_EPOLICY);
        }
        o = opts_for(s, 64);
        CHECK_OK(seckit_esdk_encrypt(aes_kr[2], &ct, &ct_len, &o, NULL, pt, 6, &err), &err);
        for (int pol = 0; pol < 3; pol++) {
            o.commitment_policy = (seckit_esdk_commitment_policy)pol;
            int rc = seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, ct, ct_len, &err);
            int want_ok = pol != 0 || commits;
            CHECK_MSG((rc == 0) == want_ok, "decrypt 0x%04x policy %d: rc %d", s, pol, rc);
            if (rc == 0)
                seckit_secret_free(out);
            else
                CHECK(rc == SECKIT_EPOLICY && out == NULL);
        }
        /* Suite allow-list. */
        o.commitment_policy = SECKIT_ESDK_REQUIRE_ENCRYPT_ALLOW_DECRYPT;
        o.allowed_suites = seckit_esdk_suite_bit(0x0178);
        int rc = seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, ct, ct_len, &err);
        CHECK((rc == 0) == (s == 0x0178));
        if (rc == 0)
            seckit_secret_free(out);
        free(ct);
    }
    /* Defaults: 0x0578 under require, 0x0378 under forbid. */
    o = (seckit_esdk_options)SECKIT_ESDK_OPTIONS_INIT;
    seckit_esdk_info info;
    CHECK_OK(seckit_esdk_encrypt(aes_kr[2], &ct, &ct_len, &o, NULL, pt, 6, &err), &err);
    CHECK_OK(seckit_esdk_parse_header(&info, ct, ct_len, NULL, &err), &err);
    CHECK(info.suite == 0x0578 && info.version == 2 && info.frame_length == 4096);
    seckit_esdk_info_free(&info);
    free(ct);
    o.commitment_policy = SECKIT_ESDK_FORBID_ENCRYPT_ALLOW_DECRYPT;
    CHECK_OK(seckit_esdk_encrypt(aes_kr[2], &ct, &ct_len, &o, NULL, pt, 6, &err), &err);
    CHECK_OK(seckit_esdk_parse_header(&info, ct, ct_len, NULL, &err), &err);
    CHECK(info.suite == 0x0378 && info.version == 1);
    seckit_esdk_info_free(&info);
    free(ct);
    seckit_esdk_commitment_policy p;
    CHECK_OK(seckit_esdk_commitment_policy_parse(&p, "REQUIRE_ENCRYPT_ALLOW_DECRYPT", &err), &err);
    CHECK(p == SECKIT_ESDK_REQUIRE_ENCRYPT_ALLOW_DECRYPT);
    CHECK_RC(seckit_esdk_commitment_policy_parse(&p, "allow", &err), SECKIT_EINVAL);
    seckit_esdk_suite_info si;
    CHECK_RC(seckit_esdk_suite_lookup(&si, 0x0070, &err), SECKIT_EUNSUPPORTED);
    CHECK_OK(seckit_esdk_suite_lookup(&si, 0x0346, &err), &err);
    CHECK(si.key_len == 24 && si.signs && !si.commits && si.message_version == 1);
}

static void test_max_edks_and_limits(void)
{
    seckit_error err;
    uint8_t *ct, *out;
    size_t ct_len, out_len;
    uint8_t *pt = make_pt(5000);
    seckit_esdk_options o = opts_for(0x0478, 1000);
    CHECK_OK(seckit_esdk_encrypt(multi_kr, &ct, &ct_len, &o, NULL, pt, 5000, &err), &err);
    o.max_encrypted_data_keys = 2;
    CHECK_RC(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, ct, ct_len, &err),
             SECKIT_ELIMIT);
    CHECK(strstr(err.message, "3 encrypted data keys") != NULL);
    seckit_esdk_info info;
    CHECK_RC(seckit_esdk_parse_header(&info, ct, ct_len, &o, &err), SECKIT_ELIMIT);
    o.max_encrypted_data_keys = 3;
    CHECK_OK(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, ct, ct_len, &err), &err);
    seckit_secret_free(out);
    /* Encrypting with more EDKs than allowed is refused too. */
    uint8_t *ct2;
    size_t ct2_len;
    o.max_encrypted_data_keys = 1;
    CHECK_RC(seckit_esdk_encrypt(multi_kr, &ct2, &ct2_len, &o, NULL, pt, 10, &err), SECKIT_ELIMIT);
    o.max_encrypted_data_keys = 0;
    /* Frame length, header and body limits, checked before allocating. */
    o.max_frame_length = 999;
    CHECK_RC(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, ct, ct_len, &err),
             SECKIT_ELIMIT);
    o.max_frame_length = 1000;
    o.max_body_len = 4999;
    CHECK_RC(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, ct, ct_len, &err),
             SECKIT_ELIMIT);
    CHECK(out == NULL);
    o.max_body_len = 5000;
    o.max_header_len = 100;
    CHECK_RC(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, ct, ct_len, &err),
             SECKIT_ELIMIT);
    o.max_header_len = 0;
    CHECK_OK(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, ct, ct_len, &err), &err);
    seckit_secret_free(out);
    free(ct);
    /* Context size limit. */
    seckit_esdk_pair pair = {"k", 1, (const char *)pt, 300};
    memset(pt, 'v', 300);
    seckit_esdk_context ctx = {&pair, 1};
    o = opts_for(0x0178, 64);
    CHECK_OK(seckit_esdk_encrypt(aes_kr[2], &ct, &ct_len, &o, &ctx, pt, 10, &err), &err);
    o.max_context_len = 200;
    CHECK_RC(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, ct, ct_len, &err),
             SECKIT_ELIMIT);
    free(ct);
    free(pt);
}

static void test_context_rules(void)
{
    seckit_error err;
    uint8_t *ct, *out;
    size_t ct_len, out_len;
    seckit_esdk_options o = opts_for(0x0578, 64);
    seckit_esdk_pair reserved = {"aws-crypto-public-key", 21, "x", 1};
    seckit_esdk_context c1 = {&reserved, 1};
    CHECK_RC(seckit_esdk_encrypt(aes_kr[2], &ct, &ct_len, &o, &c1, (const uint8_t *)"x", 1, &err),
             SECKIT_EINVAL);
    CHECK(strstr(err.message, "reserved") != NULL);
    seckit_esdk_pair dup[2] = {{"a", 1, "1", 1}, {"a", 1, "2", 1}};
    seckit_esdk_context c2 = {dup, 2};
    CHECK_RC(seckit_esdk_encrypt(aes_kr[2], &ct, &ct_len, &o, &c2, (const uint8_t *)"x", 1, &err),
             SECKIT_EINVAL);
    seckit_esdk_pair bad = {"k", 1, "\xff", 1};
    seckit_esdk_context c3 = {&bad, 1};
    CHECK_RC(seckit_esdk_encrypt(aes_kr[2], &ct, &ct_len, &o, &c3, (const uint8_t *)"x", 1, &err),
             SECKIT_EINVAL);
    /* Unsorted input is sorted by key bytes; decrypt returns it sorted. */
    seckit_esdk_pair uns[3] = {{"zeta", 4, "1", 1}, {"Alpha", 5, "2", 1}, {"alpha", 5, "3", 1}};
    seckit_esdk_context c4 = {uns, 3};
    CHECK_OK(seckit_esdk_encrypt(aes_kr[2], &ct, &ct_len, &o, &c4, (const uint8_t *)"x", 1, &err),
             &err);
    seckit_esdk_info info;
    CHECK_OK(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, &info, &o, ct, ct_len, &err), &err);
    CHECK(info.context_count == 4);
    if (info.context_count == 4) {
        CHECK_STR(info.context[0].key, "Alpha");
        CHECK_STR(info.context[1].key, "alpha");
        CHECK_STR(info.context[2].key, "aws-crypto-public-key");
        CHECK(info.context[2].value_len == 68);
        CHECK_STR(info.context[3].key, "zeta");
    }
    seckit_esdk_info_free(&info);
    seckit_secret_free(out);
    /* Reproduced context: matching passes, a different value fails. */
    seckit_esdk_pair rp = {"zeta", 4, "1", 1};
    seckit_esdk_context rc1 = {&rp, 1};
    o.reproduced_context = &rc1;
    CHECK_OK(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, ct, ct_len, &err), &err);
    seckit_secret_free(out);
    rp.value = "2";
    CHECK_RC(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, ct, ct_len, &err),
             SECKIT_EAUTH);
    /* A reproduced pair absent from the message is authenticated-only: the
     * header tag does not match. */
    rp.key = "new";
    rp.key_len = 3;
    CHECK_RC(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, ct, ct_len, &err),
             SECKIT_EAUTH);
    free(ct);
}

/* ---- strict parsing ------------------------------------------------------- */

/* Re-seal nothing: these edits break the format before any key is used. */
static void test_strict_parsing(void)
{
    seckit_error err;
    uint8_t *ct, *out;
    size_t ct_len, out_len;
    seckit_esdk_options o = opts_for(0x0178, 16);
    uint8_t *pt = make_pt(40);
    CHECK_OK(seckit_esdk_encrypt(aes_kr[2], &ct, &ct_len, &o, NULL, pt, 40, &err), &err);
    seckit_esdk_info info;
    CHECK_OK(seckit_esdk_parse_header(&info, ct, ct_len, NULL, &err), &err);
    size_t hl = info.header_len;
    CHECK(info.edk_count == 1 && info.message_id_len == 16);
    CHECK_STR(info.edks[0].provider_id, "ns-aes");
    CHECK(info.edks[0].provider_info_len == 3 + 20 &&
          memcmp(info.edks[0].provider_info, "k32", 3) == 0);
    seckit_esdk_info_free(&info);
    uint8_t *m = malloc(ct_len + 8);
    /* Trailing bytes. */
    memcpy(m, ct, ct_len);
    m[ct_len] = 0;
    CHECK_RC(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, m, ct_len + 1, &err),
             SECKIT_EFORMAT);
    CHECK(strstr(err.message, "trailing") != NULL);
    /* Version, type, suite, reserved, IV length, content type. */
    struct {
        size_t off;
        uint8_t val;
        int code;
    } edits[] = {
        {0, 3, SECKIT_EUNSUPPORTED},
        {1, 0x81, SECKIT_EFORMAT},
        {3, 0x77, SECKIT_EUNSUPPORTED},
        {2, 0x04, SECKIT_EFORMAT}, /* 0x0478 in a v1 header */
    };
    for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        memcpy(m, ct, ct_len);
        m[edits[i].off] = edits[i].val;
        CHECK_RC(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, m, ct_len, &err),
                 edits[i].code);
    }
    /* Header tail of v1: content type(1) reserved(4) ivlen(1) frame(4), IV, tag. */
    size_t tail = hl - 28 - 10;
    memcpy(m, ct, ct_len);
    m[tail] = 3;
    CHECK_RC(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, m, ct_len, &err),
             SECKIT_EFORMAT);
    memcpy(m, ct, ct_len);
    m[tail + 2] = 1;
    CHECK_RC(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, m, ct_len, &err),
             SECKIT_EFORMAT);
    CHECK(strstr(err.message, "reserved") != NULL);
    memcpy(m, ct, ct_len);
    m[tail + 5] = 16;
    CHECK_RC(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, m, ct_len, &err),
             SECKIT_EFORMAT);
    memcpy(m, ct, ct_len);
    memset(m + tail + 6, 0, 4); /* framed, frame length 0 */
    CHECK_RC(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, m, ct_len, &err),
             SECKIT_EFORMAT);
    memcpy(m, ct, ct_len);
    m[tail] = 1; /* non-framed with a frame length */
    CHECK_RC(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, m, ct_len, &err),
             SECKIT_EFORMAT);
    /* EDK count 0 (v1: after 1+1+2+16+2(aad len 0)). */
    memcpy(m, ct, ct_len);
    m[22] = 0;
    m[23] = 0;
    CHECK_RC(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, m, ct_len, &err),
             SECKIT_EFORMAT);
    /* Frame sequence numbers: swap frames 1 and 2 (identical sizes). */
    memcpy(m, ct, ct_len);
    size_t fl = 4 + 12 + 16 + 16;
    memcpy(m + hl, ct + hl + fl, fl);
    memcpy(m + hl + fl, ct + hl, fl);
    CHECK_RC(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, m, ct_len, &err),
             SECKIT_EFORMAT);
    CHECK(strstr(err.message, "sequence") != NULL);
    /* A second final frame after the first. */
    size_t fin = ct_len - (hl + 2 * fl);
    uint8_t *m2 = malloc(ct_len + fin);
    memcpy(m2, ct, ct_len);
    memcpy(m2 + ct_len, ct + ct_len - fin, fin);
    CHECK_RC(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, m2, ct_len + fin, &err),
             SECKIT_EFORMAT);
    /* No final frame. */
    CHECK_RC(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, ct, hl + 2 * fl, &err),
             SECKIT_ETRUNCATED);
    free(m2);
    /* Final frame longer than the frame length. */
    memcpy(m, ct, ct_len);
    m[hl + 2 * fl + 4 + 4 + 12 + 3] = 17;
    CHECK_RC(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, m, ct_len, &err),
             SECKIT_EFORMAT);
    /* Not an ESDK message at all, and empty input. */
    CHECK_RC(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, (const uint8_t *)"hello", 5,
                                 &err),
             SECKIT_EUNSUPPORTED);
    CHECK_RC(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, (const uint8_t *)"", 0, &err),
             SECKIT_ETRUNCATED);
    free(m);
    free(ct);
    free(pt);
}

/* ---- tampering ------------------------------------------------------------ */

typedef struct {
    const seckit_keyring *kr;
    uint16_t suite;
    uint32_t frame;
    size_t pt_len;
} tamper_case;

static int suite_signs(uint16_t s)
{
    return s == 0x0214 || s == 0x0346 || s == 0x0378 || s == 0x0578;
}

/* Bytes of plaintext that may be released when the message is damaged at
 * byte `pos` (a flip) or cut to `pos` bytes: only whole regular frames that
 * end at or before pos, never the final frame or a non-framed body. */
static size_t allowed_release(size_t hl, uint32_t frame, size_t pt_len, size_t pos)
{
    if (frame == 0 || pos < hl)
        return 0;
    size_t regular = pt_len == 0 ? 0 : (pt_len - 1) / frame; /* frames before the final */
    size_t fl = (size_t)frame + 32, n = (pos - hl) / fl;
    if (n > regular)
        n = regular;
    return n * frame;
}

static void tamper_one(const tamper_case *tc, int exhaustive)
{
    seckit_error err;
    uint8_t *ct, *out;
    size_t ct_len, out_len;
    uint8_t *pt = make_pt(tc->pt_len);
    if (encrypt_msg(tc->kr, tc->suite, tc->frame, pt, tc->pt_len, NULL, &ct, &ct_len) != 0) {
        free(pt);
        return;
    }
    seckit_esdk_options o = opts_for(tc->suite, 0);
    seckit_esdk_info info;
    if (seckit_esdk_parse_header(&info, ct, ct_len, NULL, &err) != 0) {
        CHECK_MSG(0, "parse: %s", err.message);
        return;
    }
    size_t hl = info.header_len;
    seckit_esdk_info_free(&info);
    uint8_t *m = malloc(ct_len);
    /* Sampled runs: ~97 positions; under valgrind (quick) ~8. */
    size_t step = exhaustive ? 1 : 1 + ct_len / (quick() ? 8 : 97);
    int bad = 0;
    /* Every single-bit flip. */
    for (size_t i = 0; i < ct_len && bad < 3; i += step)
        for (int b = 0; b < 8; b++) {
            memcpy(m, ct, ct_len);
            m[i] ^= (uint8_t)(1u << b);
            out = NULL;
            int rc = seckit_esdk_decrypt(tc->kr, &out, &out_len, NULL, &o, m, ct_len, &err);
            if (rc == 0 || out != NULL) {
                CHECK_MSG(0, "0x%04x: flip of bit %d of byte %zu/%zu accepted", tc->suite, b, i,
                          ct_len);
                bad++;
                seckit_secret_free(out);
                continue;
            }
            /* Past the header's key-bearing parts, every failure is the
             * generic one (format errors are allowed where a field's
             * structure breaks: lengths, counts, sequence numbers). */
            if (rc == SECKIT_EAUTH && strcmp(err.message, AUTH_MSG) != 0 &&
                strstr(err.message, "encryption context") == NULL) {
                CHECK_MSG(0, "0x%04x: non-generic auth message: %s", tc->suite, err.message);
                bad++;
            }
            if (b == (int)(i % 8)) {
                sink s = {0};
                rc = stream_decrypt(tc->kr, &o, m, ct_len, 1 + (i % 700), &s, &err);
                size_t allow = allowed_release(hl, tc->frame, tc->pt_len, i);
                if (rc == 0 || s.len > allow || (s.len > 0 && memcmp(s.buf, pt, s.len) != 0)) {
                    CHECK_MSG(0,
                              "0x%04x: stream released %zu bytes (allowed %zu) for a flip at %zu",
                              tc->suite, s.len, allow, i);
                    bad++;
                }
                free(s.buf);
            }
        }
    /* Every truncation. */
    for (size_t n = 0; n < ct_len && bad < 3; n += step) {
        out = NULL;
        int rc = seckit_esdk_decrypt(tc->kr, &out, &out_len, NULL, &o, ct, n, &err);
        if (rc == 0 || out != NULL) {
            CHECK_MSG(0, "0x%04x: truncation to %zu accepted", tc->suite, n);
            bad++;
        }
        sink s = {0};
        rc = stream_decrypt(tc->kr, &o, ct, n, 4096, &s, &err);
        size_t allow = allowed_release(hl, tc->frame, tc->pt_len, n);
        if (rc == 0 || s.len > allow) {
            CHECK_MSG(0, "0x%04x: truncated stream released %zu bytes (allowed %zu) at %zu",
                      tc->suite, s.len, allow, n);
            bad++;
        }
        free(s.buf);
    }
    /* Signing suites: footer removed (the final frame must not be released). */
    if (suite_signs(tc->suite)) {
        /* The footer is the last 2 + n bytes; find n by trying lengths. */
        for (size_t cut = 60; cut < 110 && cut < ct_len; cut++) {
            size_t n = ((size_t)ct[ct_len - cut] << 8) | ct[ct_len - cut + 1];
            if (n + 2 == cut) {
                sink s = {0};
                int rc = stream_decrypt(tc->kr, &o, ct, ct_len - cut, 4096, &s, &err);
                CHECK(rc == SECKIT_ETRUNCATED);
                CHECK(s.len == allowed_release(hl, tc->frame, tc->pt_len, ct_len - cut));
                free(s.buf);
                rc = seckit_esdk_decrypt(tc->kr, &out, &out_len, NULL, &o, ct, ct_len - cut, &err);
                CHECK(rc != 0 && out == NULL);
                break;
            }
        }
    }
    free(m);
    free(ct);
    free(pt);
}

static void test_tamper_every_suite(void)
{
    int exhaustive = !quick();
    for (size_t si = 0; si < N_SUITES; si++) {
        uint16_t s = all_suites[si];
        tamper_case c1 = {aes_kr[2], s, 16, 40}; /* 2 regular frames + final */
        tamper_case c2 = {aes_kr[0], s, 32, 64}; /* exact multiple: full final frame */
        tamper_case c3 = {aes_kr[1], s, s >= 0x0478 ? 8 : 0, 20}; /* non-framed (v1) */
        /* Every bit and every length of two messages per suite; a sample
         * of a third (the exhaustive runs take a while under valgrind). */
        tamper_one(&c1, exhaustive);
        tamper_one(&c2, 0);
        tamper_one(&c3, exhaustive);
    }
    /* RSA keyrings (slower): sampled flips, all paddings (one when quick). */
    for (int p = quick() ? 2 : 0; p < (quick() ? 3 : 5); p++) {
        tamper_case c = {rsa_kr[p], p % 2 ? 0x0178 : 0x0578, 64, 100};
        tamper_one(&c, 0);
    }
}

/* Changed EDK provider info: the keyring no longer matches (generic error);
 * and changing it on a multi-EDK message breaks the header tag. */
static void test_tamper_provider_info(void)
{
    seckit_error err;
    uint8_t *ct, *out;
    size_t ct_len, out_len;
    for (size_t si = 0; si < N_SUITES; si++) {
        seckit_esdk_options o = opts_for(all_suites[si], 128);
        CHECK_OK(seckit_esdk_encrypt(multi_kr, &ct, &ct_len, &o, NULL, (const uint8_t *)"abc", 3,
                                     &err),
                 &err);
        /* Find each provider info in the message and change its first byte. */
        static const char *names[] = {"k32", "key-rsa", "k16"};
        for (int n = 0; n < 3; n++) {
            uint8_t *p = memmem(ct, ct_len, names[n], strlen(names[n]));
            CHECK(p != NULL);
            if (p == NULL)
                continue;
            *p ^= 0x20;
            int rc = seckit_esdk_decrypt(multi_kr, &out, &out_len, NULL, &o, ct, ct_len, &err);
            CHECK(rc == SECKIT_EAUTH && out == NULL);
            CHECK_STR(err.message, AUTH_MSG);
            *p ^= 0x20;
        }
        free(ct);
    }
}

/* ---- custom keyring ---------------------------------------------------------- */

typedef struct {
    uint8_t secret[32];
    int calls;
} xor_ctx;

/* A toy "KMS": wraps the data key by XOR with a secret (test only). */
static int xor_encrypt(void *vctx, seckit_keyring_materials *m, seckit_error *err)
{
    xor_ctx *c = vctx;
    size_t n;
    if (seckit_keyring_materials_data_key(m, NULL) == NULL)
        if (seckit_keyring_materials_generate_data_key(m, err) != 0)
            return err->code;
    const uint8_t *k = seckit_keyring_materials_data_key(m, &n);
    uint8_t w[32];
    for (size_t i = 0; i < n; i++)
        w[i] = k[i] ^ c->secret[i];
    seckit_esdk_edk e = {(const uint8_t *)"toy-kms", 7, (const uint8_t *)"key/1", 5, w, n};
    return seckit_keyring_materials_add_edk(m, &e, err);
}

static int xor_decrypt(void *vctx, seckit_keyring_materials *m, const seckit_esdk_edk *edks,
                       size_t n, seckit_error *err)
{
    xor_ctx *c = vctx;
    c->calls++;
    for (size_t i = 0; i < n; i++) {
        if (edks[i].provider_id_len != 7 || memcmp(edks[i].provider_id, "toy-kms", 7) != 0 ||
            edks[i].ciphertext_len != seckit_keyring_materials_key_len(m))
            continue;
        uint8_t k[32];
        for (size_t j = 0; j < edks[i].ciphertext_len; j++)
            k[j] = edks[i].ciphertext[j] ^ c->secret[j];
        return seckit_keyring_materials_set_data_key(m, k, edks[i].ciphertext_len, err);
    }
    return seckit_error_set(err, SECKIT_EAUTH, "toy: no EDK");
}

static int destroyed;
static void xor_destroy(void *ctx)
{
    (void)ctx;
    destroyed++;
}

static const seckit_keyring_ops xor_ops = {xor_encrypt, xor_decrypt, xor_destroy};

static void test_custom_keyring(void)
{
    seckit_error err;
    xor_ctx c = {{9, 8, 7, 6, 5}, 0};
    seckit_keyring *kr, *multi;
    CHECK_OK(seckit_keyring_custom_new(&kr, &xor_ops, &c, &err), &err);
    seckit_keyring *kids[1] = {aes_kr[2]};
    CHECK_OK(seckit_keyring_multi_new(&multi, kr, kids, 1, &err), &err);
    seckit_keyring_free(kr); /* the multi keyring keeps its reference */
    CHECK(destroyed == 0);
    uint8_t *ct, *out;
    size_t ct_len, out_len;
    seckit_esdk_options o = opts_for(0x0478, 100);
    CHECK_OK(seckit_esdk_encrypt(multi, &ct, &ct_len, &o, NULL, (const uint8_t *)"custom", 6, &err),
             &err);
    CHECK_OK(seckit_esdk_decrypt(multi, &out, &out_len, NULL, &o, ct, ct_len, &err), &err);
    CHECK(out_len == 6 && memcmp(out, "custom", 6) == 0 && c.calls == 1);
    seckit_secret_free(out);
    CHECK_OK(seckit_esdk_decrypt(aes_kr[2], &out, &out_len, NULL, &o, ct, ct_len, &err), &err);
    seckit_secret_free(out);
    c.secret[0] ^= 1; /* the toy KMS now unwraps a wrong key: the commitment fails */
    seckit_keyring *alone;
    CHECK_OK(seckit_keyring_custom_new(&alone, &xor_ops, &c, &err), &err);
    CHECK_RC(seckit_esdk_decrypt(alone, &out, &out_len, NULL, &o, ct, ct_len, &err), SECKIT_EAUTH);
    CHECK_STR(err.message, AUTH_MSG);
    seckit_keyring_free(alone);
    free(ct);
    seckit_keyring_free(multi);
    CHECK(destroyed == 2);
}

/* ---- streaming encrypt, threads -------------------------------------------- */

static void test_streaming_encrypt(void)
{
    seckit_error err;
    seckit_esdk_encryptor *e;
    sink s = {0}, d = {0};
    uint8_t *pt = make_pt(10000);
    seckit_esdk_options o = opts_for(0x0578, 1000);
    seckit_esdk_pair pair = {"stream", 6, "yes", 3};
    seckit_esdk_context ctx = {&pair, 1};
    CHECK_OK(seckit_esdk_encryptor_new(&e, aes_kr[2], &o, &ctx, sink_write, &s, &err), &err);
    for (size_t off = 0; off < 10000; off += 333)
        CHECK_OK(seckit_esdk_encryptor_update(e, pt + off, 10000 - off < 333 ? 10000 - off : 333,
                                              &err),
                 &err);
    CHECK_OK(seckit_esdk_encryptor_finish(e, &err), &err);
    CHECK_RC(seckit_esdk_encryptor_update(e, pt, 1, &err), SECKIT_EINVAL);
    seckit_esdk_encryptor_free(e);
    CHECK_OK(stream_decrypt(aes_kr[2], &o, s.buf, s.len, 777, &d, &err), &err);
    CHECK(d.len == 10000 && memcmp(d.buf, pt, 10000) == 0);
    o.frame_length = 0;
    CHECK_RC(seckit_esdk_encryptor_new(&e, aes_kr[2], &o, NULL, sink_write, &s, &err),
             SECKIT_EINVAL);
    free(s.buf);
    free(d.buf);
    free(pt);
}

typedef struct {
    const uint8_t *ct;
    size_t ct_len;
    int ok;
} thread_arg;

static void *thread_main(void *v)
{
    thread_arg *a = v;
    seckit_esdk_options o = opts_for(0x0578, 0);
    a->ok = 1;
    for (int i = 0; i < 20; i++) {
        uint8_t *out;
        size_t n;
        seckit_error err;
        if (seckit_esdk_decrypt(multi_kr, &out, &n, NULL, &o, a->ct, a->ct_len, &err) != 0 ||
            n != 3)
            a->ok = 0;
        seckit_secret_free(out);
    }
    return NULL;
}

static void test_shared_keyring_threads(void)
{
    uint8_t *ct;
    size_t ct_len;
    seckit_error err;
    seckit_esdk_options o = opts_for(0x0578, 64);
    CHECK_OK(seckit_esdk_encrypt(multi_kr, &ct, &ct_len, &o, NULL, (const uint8_t *)"thr", 3, &err),
             &err);
    pthread_t t[4];
    thread_arg a[4];
    for (int i = 0; i < 4; i++) {
        a[i] = (thread_arg){ct, ct_len, 0};
        pthread_create(&t[i], NULL, thread_main, &a[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        CHECK(a[i].ok);
    }
    free(ct);
}

int main(void)
{
    setup_keys();
    TEST(test_round_trips);
    TEST(test_keyring_roles);
    TEST(test_rsa_key_formats);
    TEST(test_commitment_policy);
    TEST(test_max_edks_and_limits);
    TEST(test_context_rules);
    TEST(test_strict_parsing);
    TEST(test_tamper_every_suite);
    TEST(test_tamper_provider_info);
    TEST(test_custom_keyring);
    TEST(test_streaming_encrypt);
    TEST(test_shared_keyring_threads);
    for (int i = 0; i < 5; i++)
        seckit_keyring_free(rsa_kr[i]);
    seckit_keyring_free(rsa_pub_kr);
    for (int i = 0; i < 3; i++)
        seckit_keyring_free(aes_kr[i]);
    seckit_keyring_free(multi_kr);
    seckit_secret_free(priv_pem);
    free(pub_pem);
    TEST_EXIT();
}
