/* Unit tests: S3 client-side encryption (seckit/s3cse.h).
 *
 * Known answers from docs/s3-cse.md section 1.7 (commitment, derived key,
 * V3 and V2 bodies of "Hello, S3EC!", AES/GCM wrap blobs with both AADs);
 * round trips of every writable combination; every legacy read, with the
 * legacy objects made here with OpenSSL directly; bit flips, truncations,
 * malformed and mixed metadata, policies and limits. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "crypto/s3cse_internal.h"
#include "seckit/encoding.h"
#include "seckit/keys.h"
#include "seckit/version.h"
#include "src/base/guard.h"
#include "seckit/s3cse.h"
#include "seckit/secret.h"
#include "testlib.h"

static const char hello[] = "Hello, S3EC!";

/* ---- helpers ---------------------------------------------------------- */

static void seq(uint8_t *p, size_t n, uint8_t start)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(start + i);
}

static void unhex(const char *h, uint8_t *out, size_t *n)
{
    size_t len = strlen(h);
    CHECK_RC(seckit_hex_decode(out, len / 2 + 1, n, h, len, NULL), 0);
}

static char *b64(const uint8_t *p, size_t n)
{
    size_t cap = seckit_base64_encoded_len(n, SECKIT_BASE64_STANDARD);
    char *s = malloc(cap);
    if (s != NULL && seckit_base64_encode(s, cap, NULL, p, n, SECKIT_BASE64_STANDARD, NULL) != 0) {
        free(s);
        s = NULL;
    }
    return s;
}

static uint8_t *unb64(const char *s, size_t *n)
{
    size_t cap = seckit_base64_decoded_max(strlen(s)) + 1;
    uint8_t *p = malloc(cap);
    if (p != NULL &&
        seckit_base64_decode(p, cap, n, s, strlen(s), SECKIT_BASE64_STANDARD, NULL) != 0) {
        free(p);
        p = NULL;
    }
    return p;
}

static uint8_t *read_file(const char *name, size_t *n)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/data/s3cse/%s", tl_data_dir(), name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    uint8_t *p = malloc(65536);
    *n = fread(p, 1, 65536, f);
    fclose(f);
    return p;
}

/* A mutable metadata list for tests. */
typedef struct tmeta {
    seckit_s3cse_kv kv[32];
    char *own[32];
    size_t n;
} tmeta;

static void tm_set(tmeta *m, const char *name, const char *value)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->kv[i].name, name) == 0) {
            free(m->own[i]);
            m->own[i] = strdup(value);
            m->kv[i].value = m->own[i];
            return;
        }
    m->own[m->n] = strdup(value);
    m->kv[m->n].name = name;
    m->kv[m->n].value = m->own[m->n];
    m->n++;
}

static void tm_del(tmeta *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->kv[i].name, name) == 0) {
            free(m->own[i]);
            memmove(&m->kv[i], &m->kv[i + 1], (m->n - i - 1) * sizeof(m->kv[0]));
            memmove(&m->own[i], &m->own[i + 1], (m->n - i - 1) * sizeof(m->own[0]));
            m->n--;
            return;
        }
}

static const char *tm_get(const tmeta *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->kv[i].name, name) == 0)
            return m->kv[i].value;
    return NULL;
}

static void tm_from(tmeta *m, const seckit_s3cse_meta *meta)
{
    memset(m, 0, sizeof(*m));
    for (size_t i = 0; i < meta->count; i++)
        tm_set(m, meta->kv[i].name, meta->kv[i].value);
}

static void tm_free(tmeta *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->own[i]);
    m->n = 0;
}

static seckit_s3cse_options opts_with(seckit_s3cse_commitment_policy p,
                                      seckit_s3cse_security_profile prof)
{
    seckit_s3cse_options o;
    o = (seckit_s3cse_options)SECKIT_S3CSE_OPTIONS_INIT;
    o.commitment_policy = p;
    o.security_profile = prof;
    return o;
}

static seckit_s3cse_options allow_all(void)
{
    return opts_with(SECKIT_S3CSE_REQUIRE_ENCRYPT_ALLOW_DECRYPT,
                     SECKIT_S3CSE_PROFILE_V2_AND_LEGACY);
}

/* Decrypt body with the streaming decryptor in chunks of `chunk` bytes.
 * Returns the rc; *pt (malloc'ed) only on success. */
static int stream_decrypt(const seckit_s3cse_options *o, const seckit_s3cse_keyring *kr,
                          const seckit_s3cse_kv *kv, size_t n, const char *instr,
                          const uint8_t *body, size_t len, size_t chunk, uint8_t **pt,
                          size_t *pt_len, seckit_error *err)
{
    *pt = NULL;
    *pt_len = 0;
    seckit_s3cse_decryptor *d;
    int rc = seckit_s3cse_decryptor_new(&d, o, kr, kv, n, instr, instr ? strlen(instr) : 0, err);
    if (rc != 0)
        return rc;
    uint8_t *out = malloc(len + 64);
    size_t w = 0;
    for (size_t off = 0; off < len && rc == 0; off += chunk) {
        size_t c = len - off < chunk ? len - off : chunk, got = 0;
        rc = seckit_s3cse_decryptor_update(d, out + w, &got, body + off, c, err);
        w += got;
    }
    size_t got = 0;
    if (rc == 0)
        rc = seckit_s3cse_decryptor_final(d, out + w, &got, err);
    w += got;
    seckit_s3cse_decryptor_free(d);
    if (rc != 0) {
        free(out);
        return rc;
    }
    *pt = out;
    *pt_len = w;
    return 0;
}

/* ---- a fake KMS --------------------------------------------------------- */

typedef struct fake_kms {
    uint8_t master[32];
    int generate_calls, decrypt_calls, encrypt_calls;
    char last_key_id[128];
} fake_kms;

/* The EC as AAD: pairs sorted by name, "name=value;" */
static size_t ec_aad(const seckit_s3cse_kv *ec, size_t n, char *out, size_t cap)
{
    size_t idx[32], w = 0;
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(ec[idx[j]].name, ec[idx[i]].name) < 0) {
                size_t t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
    out[0] = 0;
    for (size_t i = 0; i < n; i++)
        w += (size_t)snprintf(out + w, cap - w, "%s=%s;", ec[idx[i]].name, ec[idx[i]].value);
    return w;
}

static int fake_seal(fake_kms *k, const char *key_id, const uint8_t key[32],
                     const seckit_s3cse_kv *ec, size_t n, uint8_t **blob, size_t *blob_len)
{
    char aad[2048];
    size_t al = ec_aad(ec, n, aad, sizeof(aad));
    size_t kl = strlen(key_id);
    uint8_t *b = malloc(1 + kl + 12 + 32 + 16);
    b[0] = (uint8_t)kl;
    memcpy(b + 1, key_id, kl);
    uint8_t *iv = b + 1 + kl, *ct = iv + 12, *tag = ct + 32;
    RAND_bytes(iv, 12);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int l = 0;
    EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, k->master, iv);
    EVP_EncryptUpdate(c, NULL, &l, (uint8_t *)aad, (int)al);
    EVP_EncryptUpdate(c, ct, &l, key, 32);
    EVP_EncryptFinal_ex(c, ct + 32, &l);
    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag);
    EVP_CIPHER_CTX_free(c);
    *blob = b;
    *blob_len = 1 + kl + 12 + 32 + 16;
    return 0;
}

static int fake_generate(void *ctx, const char *key_id, const seckit_s3cse_kv *ec, size_t n,
                         uint8_t key[32], uint8_t **blob, size_t *blob_len, seckit_error *err)
{
    (void)err;
    fake_kms *k = ctx;
    k->generate_calls++;
    RAND_bytes(key, 32);
    return fake_seal(k, key_id, key, ec, n, blob, blob_len);
}

static int fake_encrypt(void *ctx, const char *key_id, const uint8_t key[32],
                        const seckit_s3cse_kv *ec, size_t n, uint8_t **blob, size_t *blob_len,
                        seckit_error *err)
{
    (void)err;
    fake_kms *k = ctx;
    k->encrypt_calls++;
    return fake_seal(k, key_id, key, ec, n, blob, blob_len);
}

static int fake_decrypt(void *ctx, const char *key_id, const uint8_t *blob, size_t blob_len,
                        const seckit_s3cse_kv *ec, size_t n, uint8_t key[32], seckit_error *err)
{
    fake_kms *k = ctx;
    k->decrypt_calls++;
    snprintf(k->last_key_id, sizeof(k->last_key_id), "%s", key_id ? key_id : "(none)");
    if (blob_len < 1 || blob_len != 1u + blob[0] + 12 + 32 + 16)
        return seckit_error_set(err, SECKIT_EAUTH, "bad blob");
    size_t kl = blob[0];
    if (key_id != NULL && (strlen(key_id) != kl || memcmp(key_id, blob + 1, kl) != 0))
        return seckit_error_set(err, SECKIT_EAUTH, "IncorrectKeyException");
    char aad[2048];
    size_t al = ec_aad(ec, n, aad, sizeof(aad));
    const uint8_t *iv = blob + 1 + kl, *ct = iv + 12;
    uint8_t tag[16];
    memcpy(tag, ct + 32, 16);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int l = 0;
    EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, k->master, iv);
    EVP_DecryptUpdate(c, NULL, &l, (uint8_t *)aad, (int)al);
    EVP_DecryptUpdate(c, key, &l, ct, 32);
    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag);
    int ok = EVP_DecryptFinal_ex(c, key + 32, &l) == 1;
    EVP_CIPHER_CTX_free(c);
    return ok ? 0 : seckit_error_set(err, SECKIT_EAUTH, "InvalidCiphertextException");
}

static const seckit_s3cse_kms_ops fake_ops = {fake_generate, fake_decrypt, NULL, fake_encrypt};
static fake_kms kms_state;

/* ---- keys --------------------------------------------------------------- */

static seckit_s3cse_keyring *aes_kr(uint8_t start, size_t len, const seckit_s3cse_kv *md, size_t n)
{
    uint8_t k[32];
    seq(k, sizeof(k), start);
    seckit_s3cse_keyring *kr = NULL;
    seckit_error err;
    if (seckit_s3cse_keyring_aes_new(&kr, k, len, md, n, &err) != 0)
        printf("# aes keyring: %s\n", err.message);
    return kr;
}

static seckit_s3cse_keyring *rsa_kr(const char *file, const seckit_s3cse_kv *md, size_t n)
{
    size_t len = 0;
    uint8_t *pem = read_file(file, &len);
    if (pem == NULL)
        return NULL;
    seckit_s3cse_keyring *kr = NULL;
    seckit_error err;
    if (seckit_s3cse_keyring_rsa_new(&kr, pem, len, md, n, &err) != 0)
        printf("# rsa keyring: %s\n", err.message);
    free(pem);
    return kr;
}

static seckit_s3cse_keyring *kms_kr(const char *key_id)
{
    seckit_s3cse_keyring *kr = NULL;
    seckit_error err;
    int rc = key_id != NULL
                 ? seckit_s3cse_keyring_kms_new(&kr, key_id, &fake_ops, &kms_state, &err)
                 : seckit_s3cse_keyring_kms_discovery_new(&kr, &fake_ops, &kms_state, &err);
    CHECK_OK(rc, &err);
    return rc == 0 ? kr : NULL;
}

static EVP_PKEY *load_pkey(const char *file)
{
    size_t len = 0;
    uint8_t *pem = read_file(file, &len);
    if (pem == NULL)
        return NULL;
    BIO *b = BIO_new_mem_buf(pem, (int)len);
    EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    BIO_free(b);
    free(pem);
    return k;
}

/* ---- known answers (s3-cse.md 1.7) ------------------------------------- */

static const char kat_wrap_v2[] =
    "YGFiY2RlZmdoaWprrCkLBgORlqEBiHM9CYtSBB89/AIDK4cZFmPRo7ffGeTKIFtWfhR0wLTbkxHcd/ae";
static const char kat_wrap_v3[] =
    "YGFiY2RlZmdoaWprrCkLBgORlqEBiHM9CYtSBB89/AIDK4cZFmPRo7ffGeSsHmx7XJD7rBE7V14xTz8a";

static void kat_v3_meta(tmeta *m)
{
    memset(m, 0, sizeof(*m));
    tm_set(m, "x-amz-c", "115");
    tm_set(m, "x-amz-3", kat_wrap_v3);
    tm_set(m, "x-amz-w", "02");
    tm_set(m, "x-amz-d", "wUtvX/ATVKEtCCJTI/i7akglmdF4x7w2YL56Ow==");
    tm_set(m, "x-amz-i", "oKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6uw==");
}

static void kat_v2_meta(tmeta *m)
{
    memset(m, 0, sizeof(*m));
    tm_set(m, "x-amz-key-v2", kat_wrap_v2);
    tm_set(m, "x-amz-iv", "EBESExQVFhcYGRob");
    tm_set(m, "x-amz-cek-alg", "AES/GCM/NoPadding");
    tm_set(m, "x-amz-wrap-alg", "AES/GCM");
    tm_set(m, "x-amz-tag-len", "128");
    tm_set(m, "x-amz-matdesc", "{}");
}

static void test_kat_derivation(void)
{
    uint8_t key[32], id[28], commit[28], derived[32], want[32];
    size_t n;
    seq(key, 32, 0x00);
    seq(id, 28, 0xa0);
    seckit_error err;
    CHECK_OK(skt_s3cse_derive(key, id, commit, derived, &err), &err);
    unhex("c14b6f5ff01354a12d08225323f8bb6a482599d178c7bc3660be7a3b", want, &n);
    CHECK(n == 28);
    CHECK_MEM(commit, want, 28);
    unhex("a8e0c7c35a41d8aaf9ef82a872f31b9e996b7ff6318c3772987ee5470cf89946", want, &n);
    CHECK_MEM(derived, want, 32);
    char *d = b64(commit, 28), *i = b64(id, 28);
    CHECK_STR(d, "wUtvX/ATVKEtCCJTI/i7akglmdF4x7w2YL56Ow==");
    CHECK_STR(i, "oKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6uw==");
    free(d);
    free(i);
}

static void test_kat_v3_body(void)
{
    tmeta m;
    kat_v3_meta(&m);
    uint8_t body[64];
    size_t bl;
    unhex("84c9f641c64fb423a387f8387a1ffa3da33a3915032da92118b5ac1f", body, &bl);
    CHECK(bl == 28);
    seckit_s3cse_keyring *kr = aes_kr(0x40, 32, NULL, 0);
    seckit_error err;
    uint8_t *pt = NULL;
    size_t pl = 0;
    /* default options: V3 is allowed */
    CHECK_OK(seckit_s3cse_decrypt(&pt, &pl, NULL, kr, m.kv, m.n, NULL, 0, body, bl, &err), &err);
    CHECK(pl == strlen(hello) && pt != NULL && memcmp(pt, hello, pl) == 0);
    seckit_secret_free(pt);
    /* streaming, byte by byte */
    uint8_t *p2;
    size_t l2;
    CHECK_OK(stream_decrypt(NULL, kr, m.kv, m.n, NULL, body, bl, 1, &p2, &l2, &err), &err);
    CHECK(l2 == strlen(hello) && memcmp(p2, hello, l2) == 0);
    free(p2);
    /* the V2-AAD blob does not unwrap as V3 */
    tm_set(&m, "x-amz-3", kat_wrap_v2);
    CHECK_RC(seckit_s3cse_decrypt(&pt, &pl, NULL, kr, m.kv, m.n, NULL, 0, body, bl, &err),
             SECKIT_EAUTH);
    CHECK(pt == NULL);
    tm_free(&m);
    seckit_s3cse_keyring_free(kr);
}

static void test_kat_v2_body(void)
{
    tmeta m;
    kat_v2_meta(&m);
    uint8_t body[64];
    size_t bl;
    unhex("359bf47a26e51ae0f9304b3c03309f608f2ac13b975dd7394f5b1bad", body, &bl);
    seckit_s3cse_keyring *kr = aes_kr(0x40, 32, NULL, 0);
    seckit_error err;
    uint8_t *pt = NULL;
    size_t pl = 0;
    /* default policy refuses V2, naming the option */
    CHECK_RC(seckit_s3cse_decrypt(&pt, &pl, NULL, kr, m.kv, m.n, NULL, 0, body, bl, &err),
             SECKIT_EPOLICY);
    CHECK(strstr(err.message, "--commitment-policy require-encrypt-allow-decrypt") != NULL);
    seckit_s3cse_options o =
        opts_with(SECKIT_S3CSE_REQUIRE_ENCRYPT_ALLOW_DECRYPT, SECKIT_S3CSE_PROFILE_V2);
    CHECK_OK(seckit_s3cse_decrypt(&pt, &pl, &o, kr, m.kv, m.n, NULL, 0, body, bl, &err), &err);
    CHECK(pl == strlen(hello) && memcmp(pt, hello, pl) == 0);
    seckit_secret_free(pt);
    o.commitment_policy = SECKIT_S3CSE_FORBID_ENCRYPT_ALLOW_DECRYPT;
    CHECK_OK(seckit_s3cse_decrypt(&pt, &pl, &o, kr, m.kv, m.n, NULL, 0, body, bl, &err), &err);
    seckit_secret_free(pt);
    /* the V3-AAD blob does not unwrap as V2 */
    tm_set(&m, "x-amz-key-v2", kat_wrap_v3);
    CHECK_RC(seckit_s3cse_decrypt(&pt, &pl, &o, kr, m.kv, m.n, NULL, 0, body, bl, &err),
             SECKIT_EAUTH);
    tm_free(&m);
    seckit_s3cse_keyring_free(kr);
}

/* The wrap blobs: unwrap with the internal keyring function and compare. */
static void test_kat_wrap_blobs(void)
{
    seckit_s3cse_keyring *kr = aes_kr(0x40, 32, NULL, 0);
    const char *blobs[2] = {kat_wrap_v2, kat_wrap_v3};
    const char *algs[2] = {"AES/GCM/NoPadding", "115"};
    for (int i = 0; i < 2; i++) {
        skt_s3cse_env e;
        memset(&e, 0, sizeof(e));
        e.version = i == 0 ? 2 : 3;
        e.wrap = SECKIT_S3CSE_WRAP_AES_GCM;
        e.cek_alg_str = algs[i];
        e.edk = unb64(blobs[i], &e.edk_len);
        CHECK(e.edk_len == 60);
        uint8_t key[32], want[32];
        seq(want, 32, 0);
        seckit_s3cse_options o;
        o = (seckit_s3cse_options)SECKIT_S3CSE_OPTIONS_INIT;
        seckit_error err;
        CHECK_OK(skt_s3cse_unwrap_key(kr, &o, &e, key, &err), &err);
        CHECK_MEM(key, want, 32);
        e.cek_alg_str = algs[1 - i];
        CHECK_RC(skt_s3cse_unwrap_key(kr, &o, &e, key, &err), SECKIT_EAUTH);
        free(e.edk);
    }
    seckit_s3cse_keyring_free(kr);
}

/* ---- round trips ------------------------------------------------------- */

static const size_t sizes[] = {0, 1, 15, 16, 17, 100, 4096, 70001};

static void round_trip(seckit_s3cse_keyring *enc_kr, seckit_s3cse_keyring *dec_kr,
                       seckit_s3cse_envelope env, int instr, const seckit_s3cse_kv *ec, size_t n_ec,
                       const char *label)
{
    seckit_s3cse_options o;
    o = (seckit_s3cse_options)SECKIT_S3CSE_OPTIONS_INIT;
    o.envelope = env;
    o.commitment_policy = env == SECKIT_S3CSE_ENVELOPE_V2
                              ? SECKIT_S3CSE_FORBID_ENCRYPT_ALLOW_DECRYPT
                              : SECKIT_S3CSE_REQUIRE_ENCRYPT_REQUIRE_DECRYPT;
    o.instruction_file = instr;
    o.encryption_context = ec;
    o.encryption_context_count = n_ec;
    for (size_t s = 0; s < SKT_ARRAY_LEN(sizes); s++) {
        size_t len = sizes[s];
        uint8_t *pt = malloc(len + 1);
        RAND_bytes(pt, (int)len + 1);
        seckit_error err;
        seckit_s3cse_meta meta;
        seckit_s3cse_encryptor *e;
        int rc = seckit_s3cse_encryptor_new(&e, &meta, &o, enc_kr, &err);
        CHECK_MSG(rc == 0, "%s: encryptor_new: %s", label, err.message);
        if (rc != 0) {
            free(pt);
            return;
        }
        /* encrypt in uneven pieces */
        uint8_t *body = malloc(len + 16);
        size_t off = 0, step = 7;
        while (off < len) {
            size_t c = len - off < step ? len - off : step;
            CHECK_OK(seckit_s3cse_encryptor_update(e, body + off, pt + off, c, &err), &err);
            off += c;
            step = step * 3 + 1;
        }
        CHECK(seckit_s3cse_encryptor_count(e) == len);
        CHECK_OK(seckit_s3cse_encryptor_final(e, body + len, &err), &err);
        seckit_s3cse_encryptor_free(e);
        /* the metadata shape */
        tmeta m;
        tm_from(&m, &meta);
        if (env == SECKIT_S3CSE_ENVELOPE_V2) {
            CHECK(instr ? m.n == 0 : tm_get(&m, "x-amz-key-v2") != NULL);
            CHECK(instr == (meta.instruction != NULL));
        } else {
            CHECK(tm_get(&m, "x-amz-c") != NULL && tm_get(&m, "x-amz-d") != NULL &&
                  tm_get(&m, "x-amz-i") != NULL);
            CHECK(instr == (tm_get(&m, "x-amz-3") == NULL));
            CHECK(tm_get(&m, "x-amz-iv") == NULL && tm_get(&m, "x-amz-tag-len") == NULL);
        }
        seckit_s3cse_location loc;
        CHECK_OK(seckit_s3cse_detect(&loc, m.kv, m.n, &err), &err);
        CHECK(
            loc ==
            (env == SECKIT_S3CSE_ENVELOPE_V2
                 ? (instr ? SECKIT_S3CSE_LOC_INSTRUCTION_FILE : SECKIT_S3CSE_LOC_V2_METADATA)
                 : (instr ? SECKIT_S3CSE_LOC_V3_INSTRUCTION_FILE : SECKIT_S3CSE_LOC_V3_METADATA)));
        /* decrypt, streaming in a few chunk sizes */
        size_t chunks[] = {1, 16, 17, 65536};
        for (size_t c = 0; c < SKT_ARRAY_LEN(chunks); c++) {
            if (chunks[c] == 1 && len > 4096)
                continue;
            uint8_t *out;
            size_t out_len;
            rc = stream_decrypt(&o, dec_kr, m.kv, m.n, meta.instruction, body, len + 16, chunks[c],
                                &out, &out_len, &err);
            CHECK_MSG(rc == 0, "%s: size %zu chunk %zu: %s", label, len, chunks[c], err.message);
            if (rc == 0) {
                CHECK(out_len == len && (len == 0 || memcmp(out, pt, len) == 0));
                free(out);
            }
        }
        /* describe */
        seckit_s3cse_info info;
        CHECK_OK(seckit_s3cse_describe(&info, m.kv, m.n, meta.instruction, meta.instruction_len,
                                       &err),
                 &err);
        CHECK(info.envelope == (env == SECKIT_S3CSE_ENVELOPE_V2 ? SECKIT_S3CSE_ENVELOPE_V2
                                                                : SECKIT_S3CSE_ENVELOPE_V3));
        CHECK(info.committing == (env != SECKIT_S3CSE_ENVELOPE_V2));
        CHECK(!info.legacy);
        seckit_s3cse_info_free(&info);
        tm_free(&m);
        seckit_s3cse_meta_free(&meta);
        free(body);
        free(pt);
    }
}

static void test_round_trips(void)
{
    seckit_s3cse_kv md[] = {{"purpose", "tests"}};
    seckit_s3cse_keyring *a128 = aes_kr(0x10, 16, md, 1), *a192 = aes_kr(0x11, 24, NULL, 0),
                         *a256 = aes_kr(0x12, 32, md, 1);
    seckit_s3cse_keyring *rsa = rsa_kr("rsa2048-a.pem", md, 1);
    seckit_s3cse_keyring *rsa_pub = rsa_kr("rsa2048-a.pub.pem", md, 1);
    seckit_s3cse_keyring *kms = kms_kr("arn:aws:kms:us-east-1:111122223333:key/test");
    CHECK(a128 && a192 && a256 && rsa && rsa_pub && kms);
    if (!(a128 && a192 && a256 && rsa && rsa_pub && kms))
        goto out;
    seckit_s3cse_kv ec[] = {{"department", "finance"}, {"name", "caf\xc3\xa9"}};
    seckit_s3cse_envelope envs[] = {SECKIT_S3CSE_ENVELOPE_V3, SECKIT_S3CSE_ENVELOPE_V2};
    for (int v = 0; v < 2; v++)
        for (int instr = 0; instr < 2; instr++) {
            round_trip(a128, a128, envs[v], instr, NULL, 0, "aes128");
            round_trip(a192, a192, envs[v], instr, NULL, 0, "aes192");
            round_trip(a256, a256, envs[v], instr, NULL, 0, "aes256");
            round_trip(rsa_pub, rsa, envs[v], instr, NULL, 0, "rsa");
            round_trip(kms, kms, envs[v], instr, ec, 2, "kms");
            round_trip(kms, kms, envs[v], instr, NULL, 0, "kms-no-ec");
        }
out:
    seckit_s3cse_keyring_free(a128);
    seckit_s3cse_keyring_free(a192);
    seckit_s3cse_keyring_free(a256);
    seckit_s3cse_keyring_free(rsa);
    seckit_s3cse_keyring_free(rsa_pub);
    seckit_s3cse_keyring_free(kms);
}

/* restart: the same stream again, byte-identical (a re-sent request body),
 * after a partial pass and after final; v3 and v2. */
static void test_encryptor_restart(void)
{
    seckit_s3cse_keyring *kr = aes_kr(0x21, 32, NULL, 0);
    CHECK(kr != NULL);
    if (kr == NULL)
        return;
    uint8_t pt[1000], c1[1000], c2[1000], t1[16], t2[16];
    for (size_t i = 0; i < sizeof pt; i++)
        pt[i] = (uint8_t)(i * 7);
    seckit_s3cse_envelope envs[] = {SECKIT_S3CSE_ENVELOPE_V3, SECKIT_S3CSE_ENVELOPE_V2};
    for (int v = 0; v < 2; v++) {
        seckit_s3cse_options o;
        o = (seckit_s3cse_options)SECKIT_S3CSE_OPTIONS_INIT;
        o.envelope = envs[v];
        if (v == 1)
            o.commitment_policy = SECKIT_S3CSE_FORBID_ENCRYPT_ALLOW_DECRYPT;
        seckit_s3cse_encryptor *e = NULL;
        seckit_s3cse_meta meta;
        seckit_error err;
        CHECK_OK(seckit_s3cse_encryptor_new(&e, &meta, &o, kr, &err), &err);
        CHECK_OK(seckit_s3cse_encryptor_update(e, c1, pt, 300, &err), &err);
        CHECK_OK(seckit_s3cse_encryptor_restart(e, &err), &err); /* mid-stream */
        CHECK(seckit_s3cse_encryptor_count(e) == 0);
        CHECK_OK(seckit_s3cse_encryptor_update(e, c1, pt, 512, &err), &err);
        CHECK_OK(seckit_s3cse_encryptor_update(e, c1 + 512, pt + 512, 488, &err), &err);
        CHECK_OK(seckit_s3cse_encryptor_final(e, t1, &err), &err);
        CHECK_OK(seckit_s3cse_encryptor_restart(e, &err), &err); /* after final */
        CHECK_OK(seckit_s3cse_encryptor_update(e, c2, pt, 1000, &err), &err);
        CHECK_OK(seckit_s3cse_encryptor_final(e, t2, &err), &err);
        CHECK(memcmp(c1, c2, sizeof c1) == 0 && memcmp(t1, t2, 16) == 0);
        CHECK(memcmp(c1, pt, sizeof pt) != 0);
        CHECK(seckit_s3cse_encryptor_restart(NULL, &err) == SECKIT_EINVAL);
        seckit_s3cse_encryptor_free(e);
        seckit_s3cse_meta_free(&meta);
    }
    seckit_s3cse_keyring_free(kr);
}

/* x-amz-m only when non-empty; x-amz-t always for KMS, with the reserved key. */
static void test_v3_metadata_shape(void)
{
    seckit_s3cse_kv md[] = {{"k", "v"}};
    seckit_s3cse_keyring *plain = aes_kr(1, 32, NULL, 0), *desc = aes_kr(1, 32, md, 1);
    seckit_s3cse_keyring *kms = kms_kr("alias/test");
    seckit_error err;
    uint8_t *body;
    size_t bl;
    seckit_s3cse_meta meta;
    tmeta m;
    CHECK_OK(seckit_s3cse_encrypt(&body, &bl, &meta, NULL, plain, (const uint8_t *)"x", 1, &err),
             &err);
    tm_from(&m, &meta);
    CHECK(tm_get(&m, "x-amz-m") == NULL && tm_get(&m, "x-amz-t") == NULL);
    CHECK_STR(tm_get(&m, "x-amz-w"), "02");
    CHECK_STR(tm_get(&m, "x-amz-c"), "115");
    CHECK(m.n == 5);
    tm_free(&m);
    seckit_s3cse_meta_free(&meta);
    free(body);
    CHECK_OK(seckit_s3cse_encrypt(&body, &bl, &meta, NULL, desc, (const uint8_t *)"x", 1, &err),
             &err);
    tm_from(&m, &meta);
    CHECK_STR(tm_get(&m, "x-amz-m"), "{\"k\":\"v\"}");
    tm_free(&m);
    seckit_s3cse_meta_free(&meta);
    free(body);
    CHECK_OK(seckit_s3cse_encrypt(&body, &bl, &meta, NULL, kms, (const uint8_t *)"x", 1, &err),
             &err);
    tm_from(&m, &meta);
    CHECK_STR(tm_get(&m, "x-amz-t"), "{\"aws:x-amz-cek-alg\":\"115\"}");
    CHECK_STR(tm_get(&m, "x-amz-w"), "12");
    tm_free(&m);
    seckit_s3cse_meta_free(&meta);
    free(body);
    /* V2 KMS: matdesc is the context with AES/GCM/NoPadding, wrap kms+context */
    seckit_s3cse_options o =
        opts_with(SECKIT_S3CSE_FORBID_ENCRYPT_ALLOW_DECRYPT, SECKIT_S3CSE_PROFILE_V2);
    o.plaintext_length = 1;
    CHECK_OK(seckit_s3cse_encrypt(&body, &bl, &meta, &o, kms, (const uint8_t *)"x", 1, &err), &err);
    tm_from(&m, &meta);
    CHECK_STR(tm_get(&m, "x-amz-matdesc"), "{\"aws:x-amz-cek-alg\":\"AES/GCM/NoPadding\"}");
    CHECK_STR(tm_get(&m, "x-amz-wrap-alg"), "kms+context");
    CHECK_STR(tm_get(&m, "x-amz-cek-alg"), "AES/GCM/NoPadding");
    CHECK_STR(tm_get(&m, "x-amz-tag-len"), "128");
    CHECK_STR(tm_get(&m, "x-amz-unencrypted-content-length"), "1");
    size_t ivl;
    uint8_t *iv = unb64(tm_get(&m, "x-amz-iv"), &ivl);
    CHECK(ivl == 12);
    free(iv);
    tm_free(&m);
    seckit_s3cse_meta_free(&meta);
    free(body);
    /* a wrong announced length is refused at final */
    seckit_s3cse_encryptor *e;
    o.plaintext_length = 5;
    CHECK_OK(seckit_s3cse_encryptor_new(&e, &meta, &o, kms, &err), &err);
    uint8_t c[2], tag[16];
    CHECK_OK(seckit_s3cse_encryptor_update(e, c, (const uint8_t *)"ab", 2, &err), &err);
    CHECK_RC(seckit_s3cse_encryptor_final(e, tag, &err), SECKIT_EINVAL);
    seckit_s3cse_encryptor_free(e);
    seckit_s3cse_meta_free(&meta);
    /* reserved context key */
    seckit_s3cse_kv bad[] = {{"aws:x-amz-cek-alg", "x"}};
    o.plaintext_length = -1;
    o.encryption_context = bad;
    o.encryption_context_count = 1;
    CHECK_RC(seckit_s3cse_encrypt(&body, &bl, &meta, &o, kms, (const uint8_t *)"x", 1, &err),
             SECKIT_EINVAL);
    CHECK(strstr(err.message, "reserved") != NULL);
    seckit_s3cse_keyring_free(plain);
    seckit_s3cse_keyring_free(desc);
    seckit_s3cse_keyring_free(kms);
}

/* ---- policies ------------------------------------------------------------ */

static void test_commitment_policy_matrix(void)
{
    seckit_s3cse_keyring *kr = aes_kr(3, 32, NULL, 0);
    seckit_s3cse_commitment_policy pol[] = {SECKIT_S3CSE_REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
                                            SECKIT_S3CSE_REQUIRE_ENCRYPT_ALLOW_DECRYPT,
                                            SECKIT_S3CSE_FORBID_ENCRYPT_ALLOW_DECRYPT};
    seckit_s3cse_envelope envs[] = {SECKIT_S3CSE_ENVELOPE_DEFAULT, SECKIT_S3CSE_ENVELOPE_V3,
                                    SECKIT_S3CSE_ENVELOPE_V2};
    /* expected: 3 = V3 written, 2 = V2 written, -1 refused */
    const int want[3][3] = {{3, 3, -1}, {3, 3, -1}, {2, -1, 2}};
    seckit_error err;
    for (int p = 0; p < 3; p++)
        for (int v = 0; v < 3; v++) {
            seckit_s3cse_options o = opts_with(pol[p], SECKIT_S3CSE_PROFILE_V2);
            o.envelope = envs[v];
            uint8_t *body = NULL;
            size_t bl;
            seckit_s3cse_meta meta;
            int rc =
                seckit_s3cse_encrypt(&body, &bl, &meta, &o, kr, (const uint8_t *)"abc", 3, &err);
            if (want[p][v] < 0) {
                CHECK_MSG(rc == SECKIT_EPOLICY, "policy %d envelope %d: rc %d", p, v, rc);
                CHECK(strstr(err.message, "--commitment-policy") != NULL);
                continue;
            }
            CHECK_MSG(rc == 0, "policy %d envelope %d: %s", p, v, err.message);
            if (rc != 0)
                continue;
            seckit_s3cse_info info;
            CHECK_OK(seckit_s3cse_describe(&info, meta.kv, meta.count, NULL, 0, &err), &err);
            CHECK((int)info.envelope == want[p][v]);
            seckit_s3cse_info_free(&info);
            /* and decrypt under each policy */
            for (int q = 0; q < 3; q++) {
                seckit_s3cse_options d = opts_with(pol[q], SECKIT_S3CSE_PROFILE_V2);
                uint8_t *pt = NULL;
                size_t pl;
                rc = seckit_s3cse_decrypt(&pt, &pl, &d, kr, meta.kv, meta.count, NULL, 0, body, bl,
                                          &err);
                if (want[p][v] == 2 && q == 0) {
                    CHECK(rc == SECKIT_EPOLICY && pt == NULL);
                } else {
                    CHECK_MSG(rc == 0, "decrypt policy %d: %s", q, err.message);
                    CHECK(pl == 3 && pt != NULL && memcmp(pt, "abc", 3) == 0);
                }
                seckit_secret_free(pt);
            }
            seckit_s3cse_meta_free(&meta);
            free(body);
        }
    seckit_s3cse_keyring_free(kr);
}

static void test_parse_names(void)
{
    seckit_s3cse_commitment_policy p;
    seckit_s3cse_security_profile s;
    seckit_s3cse_envelope e;
    seckit_error err;
    CHECK_OK(seckit_s3cse_commitment_policy_parse(&p, "REQUIRE_ENCRYPT_ALLOW_DECRYPT", &err), &err);
    CHECK(p == SECKIT_S3CSE_REQUIRE_ENCRYPT_ALLOW_DECRYPT);
    CHECK_OK(seckit_s3cse_commitment_policy_parse(&p, "forbid-encrypt-allow-decrypt", &err), &err);
    CHECK(p == SECKIT_S3CSE_FORBID_ENCRYPT_ALLOW_DECRYPT);
    CHECK_RC(seckit_s3cse_commitment_policy_parse(&p, "require", &err), SECKIT_EINVAL);
    CHECK_STR(seckit_s3cse_commitment_policy_name(SECKIT_S3CSE_REQUIRE_ENCRYPT_REQUIRE_DECRYPT),
              "require-encrypt-require-decrypt");
    CHECK_OK(seckit_s3cse_security_profile_parse(&s, "V2_AND_LEGACY", &err), &err);
    CHECK(s == SECKIT_S3CSE_PROFILE_V2_AND_LEGACY);
    CHECK_OK(seckit_s3cse_security_profile_parse(&s, "v2", &err), &err);
    CHECK(s == SECKIT_S3CSE_PROFILE_V2);
    CHECK_RC(seckit_s3cse_security_profile_parse(&s, "v3", &err), SECKIT_EINVAL);
    CHECK_OK(seckit_s3cse_envelope_parse(&e, "V2", &err), &err);
    CHECK(e == SECKIT_S3CSE_ENVELOPE_V2);
    CHECK_RC(seckit_s3cse_envelope_parse(&e, "v1", &err), SECKIT_EINVAL);
    CHECK_STR(seckit_s3cse_wrap_alg_name(SECKIT_S3CSE_WRAP_RSA_OAEP_SHA256),
              "RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
    CHECK_STR(seckit_s3cse_content_alg_name(SECKIT_S3CSE_CONTENT_AES_GCM_COMMIT), "115");
}

/* ---- legacy objects, made here with OpenSSL ------------------------------- */

static size_t cbc_encrypt(const uint8_t *key, const uint8_t *iv, const uint8_t *pt, size_t n,
                          uint8_t *out)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int l1 = 0, l2 = 0;
    EVP_EncryptInit_ex(c, EVP_aes_256_cbc(), NULL, key, iv);
    EVP_EncryptUpdate(c, out, &l1, pt, (int)n);
    EVP_EncryptFinal_ex(c, out + l1, &l2);
    EVP_CIPHER_CTX_free(c);
    return (size_t)(l1 + l2);
}

static size_t gcm_encrypt(const uint8_t *key, const uint8_t *iv, const uint8_t *pt, size_t n,
                          uint8_t *out)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int l = 0;
    EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, iv);
    EVP_EncryptUpdate(c, out, &l, pt, (int)n);
    EVP_EncryptFinal_ex(c, out + n, &l);
    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, out + n);
    EVP_CIPHER_CTX_free(c);
    return n + 16;
}

static size_t ecb_wrap(const uint8_t *kek, size_t kek_len, const uint8_t *key, uint8_t *out)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int l1 = 0, l2 = 0;
    EVP_EncryptInit_ex(c, kek_len == 16 ? EVP_aes_128_ecb() : EVP_aes_256_ecb(), NULL, kek, NULL);
    EVP_EncryptUpdate(c, out, &l1, key, 32);
    EVP_EncryptFinal_ex(c, out + l1, &l2);
    EVP_CIPHER_CTX_free(c);
    return (size_t)(l1 + l2);
}

static size_t aes_keywrap(const uint8_t *kek, const uint8_t *key, uint8_t *out)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int l1 = 0, l2 = 0;
    EVP_CIPHER_CTX_set_flags(c, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    EVP_EncryptInit_ex(c, EVP_aes_256_wrap(), NULL, kek, NULL);
    EVP_EncryptUpdate(c, out, &l1, key, 32);
    EVP_EncryptFinal_ex(c, out + l1, &l2);
    EVP_CIPHER_CTX_free(c);
    return (size_t)(l1 + l2);
}

static size_t rsa_wrap(EVP_PKEY *k, int pad, const char *md, const char *mgf1, const uint8_t *in,
                       size_t n, uint8_t *out)
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(k, NULL);
    size_t ol = 512;
    EVP_PKEY_encrypt_init(c);
    EVP_PKEY_CTX_set_rsa_padding(c, pad);
    if (md != NULL) {
        EVP_PKEY_CTX_set_rsa_oaep_md(c, EVP_get_digestbyname(md));
        EVP_PKEY_CTX_set_rsa_mgf1_md(c, EVP_get_digestbyname(mgf1));
    }
    EVP_PKEY_encrypt(c, out, &ol, in, n);
    EVP_PKEY_CTX_free(c);
    return ol;
}

static const char legacy_pt[] = "legacy object body, longer than one AES block: 0123456789abcdef";

static void check_legacy(tmeta *m, const seckit_s3cse_keyring *kr, const uint8_t *body, size_t bl,
                         const char *label, const char *option_hint)
{
    seckit_error err;
    uint8_t *pt = NULL;
    size_t pl = 0;
    /* refused by default, naming the option */
    int rc = seckit_s3cse_decrypt(&pt, &pl, NULL, kr, m->kv, m->n, NULL, 0, body, bl, &err);
    CHECK_MSG(rc == SECKIT_EPOLICY && strstr(err.message, option_hint) != NULL,
              "%s: default: rc %d: %s", label, rc, err.message);
    /* V2 profile with the lax commitment policy: still refused */
    seckit_s3cse_options o =
        opts_with(SECKIT_S3CSE_REQUIRE_ENCRYPT_ALLOW_DECRYPT, SECKIT_S3CSE_PROFILE_V2);
    rc = seckit_s3cse_decrypt(&pt, &pl, &o, kr, m->kv, m->n, NULL, 0, body, bl, &err);
    CHECK_MSG(rc == SECKIT_EPOLICY && strstr(err.message, "--security-profile v2-and-legacy"),
              "%s: v2 profile: rc %d: %s", label, rc, err.message);
    o = allow_all();
    rc = seckit_s3cse_decrypt(&pt, &pl, &o, kr, m->kv, m->n, NULL, 0, body, bl, &err);
    CHECK_MSG(rc == 0, "%s: legacy: %s", label, err.message);
    if (rc == 0) {
        CHECK(pl == strlen(legacy_pt) && memcmp(pt, legacy_pt, pl) == 0);
        seckit_secret_free(pt);
    }
    seckit_s3cse_info info;
    CHECK_OK(seckit_s3cse_describe(&info, m->kv, m->n, NULL, 0, &err), &err);
    CHECK(info.legacy == 1);
    seckit_s3cse_info_free(&info);
    /* every truncation fails (CBC: padding; GCM: tag) */
    for (size_t t = 0; t < bl; t++) {
        rc = seckit_s3cse_decrypt(&pt, &pl, &o, kr, m->kv, m->n, NULL, 0, body, t, &err);
        CHECK_MSG(rc == SECKIT_EAUTH && pt == NULL, "%s: truncated to %zu: rc %d", label, t, rc);
        if (rc == 0)
            seckit_secret_free(pt);
    }
}

static void test_legacy_reads(void)
{
    uint8_t cek[32], iv16[16], iv12[12], kek[32], edk[512], body[256];
    char *s;
    seq(cek, 32, 0x77);
    seq(iv16, 16, 0x21);
    seq(iv12, 12, 0x31);
    seq(kek, 32, 0x41);
    size_t n = strlen(legacy_pt);
    const uint8_t *pt = (const uint8_t *)legacy_pt;
    EVP_PKEY *pk = load_pkey("rsa2048-a.pem");
    seckit_s3cse_keyring *aes = aes_kr(0x41, 32, NULL, 0), *aes128 = aes_kr(0x41, 16, NULL, 0);
    seckit_s3cse_keyring *rsa = rsa_kr("rsa2048-a.pem", NULL, 0);
    seckit_s3cse_keyring *kms = kms_kr("key-1");
    CHECK(pk != NULL && aes && rsa && kms);
    if (pk == NULL || !aes || !rsa || !kms)
        goto out;
    tmeta m;
    size_t bl, el;

    /* V1, AES/ECB-wrapped key, CBC content */
    bl = cbc_encrypt(cek, iv16, pt, n, body);
    el = ecb_wrap(kek, 32, cek, edk);
    CHECK(el == 48);
    memset(&m, 0, sizeof(m));
    tm_set(&m, "x-amz-key", s = b64(edk, el));
    free(s);
    tm_set(&m, "x-amz-iv", s = b64(iv16, 16));
    free(s);
    tm_set(&m, "x-amz-matdesc", "{}");
    tm_set(&m, "x-amz-unencrypted-content-length", "63");
    check_legacy(&m, aes, body, bl, "V1 AES", "--security-profile v2-and-legacy");
    {
        /* with the AES-128 KEK */
        el = ecb_wrap(kek, 16, cek, edk);
        tm_set(&m, "x-amz-key", s = b64(edk, el));
        free(s);
        check_legacy(&m, aes128, body, bl, "V1 AES-128", "--security-profile v2-and-legacy");
        /* the default refusal names both options */
        seckit_error err;
        uint8_t *p;
        size_t pl;
        CHECK_RC(seckit_s3cse_decrypt(&p, &pl, NULL, aes128, m.kv, m.n, NULL, 0, body, bl, &err),
                 SECKIT_EPOLICY);
        CHECK(strstr(err.message, "--commitment-policy require-encrypt-allow-decrypt") != NULL);
        /* a wrong plaintext length is caught */
        tm_set(&m, "x-amz-unencrypted-content-length", "62");
        seckit_s3cse_options o = allow_all();
        CHECK_RC(seckit_s3cse_decrypt(&p, &pl, &o, aes128, m.kv, m.n, NULL, 0, body, bl, &err),
                 SECKIT_EAUTH);
    }
    tm_free(&m);

    /* V1, RSA PKCS#1 v1.5 */
    el = rsa_wrap(pk, RSA_PKCS1_PADDING, NULL, NULL, cek, 32, edk);
    CHECK(el == 256);
    memset(&m, 0, sizeof(m));
    tm_set(&m, "x-amz-key", s = b64(edk, el));
    free(s);
    tm_set(&m, "x-amz-iv", s = b64(iv16, 16));
    free(s);
    check_legacy(&m, rsa, body, bl, "V1 RSA", "--security-profile v2-and-legacy");
    tm_free(&m);

    /* V2, CBC content, legacy kms wrap (Java v1 EncryptionOnly + KMS) */
    {
        seckit_s3cse_kv ec[] = {{"kms_cmk_id", "key-1"}};
        uint8_t *blob;
        size_t blen;
        fake_seal(&kms_state, "key-1", cek, ec, 1, &blob, &blen);
        memset(&m, 0, sizeof(m));
        tm_set(&m, "x-amz-key-v2", s = b64(blob, blen));
        free(s);
        free(blob);
        tm_set(&m, "x-amz-iv", s = b64(iv16, 16));
        free(s);
        tm_set(&m, "x-amz-cek-alg", "AES/CBC/PKCS5Padding");
        tm_set(&m, "x-amz-wrap-alg", "kms");
        tm_set(&m, "x-amz-matdesc", "{\"kms_cmk_id\":\"key-1\"}");
        check_legacy(&m, kms, body, bl, "V2 CBC kms", "--security-profile v2-and-legacy");
        seckit_s3cse_info info;
        seckit_error err;
        CHECK_OK(seckit_s3cse_describe(&info, m.kv, m.n, NULL, 0, &err), &err);
        CHECK_STR(info.kms_key_id, "key-1");
        CHECK(info.description_is_context == 1 && info.content_alg == SECKIT_S3CSE_CONTENT_AES_CBC);
        seckit_s3cse_info_free(&info);
        /* Go's spelling of the padding */
        tm_set(&m, "x-amz-cek-alg", "AES/CBC/PKCS7Padding");
        seckit_s3cse_options o = allow_all();
        uint8_t *p;
        size_t pl;
        CHECK_OK(seckit_s3cse_decrypt(&p, &pl, &o, kms, m.kv, m.n, NULL, 0, body, bl, &err), &err);
        seckit_secret_free(p);
        /* a tag length with CBC is malformed */
        tm_set(&m, "x-amz-tag-len", "128");
        CHECK_RC(seckit_s3cse_decrypt(&p, &pl, &o, kms, m.kv, m.n, NULL, 0, body, bl, &err),
                 SECKIT_EFORMAT);
        tm_free(&m);
    }

    /* V2 GCM content with the legacy wraps */
    bl = gcm_encrypt(cek, iv12, pt, n, body);
    {
        const char *wraps[3] = {"AESWrap", "RSA/ECB/OAEPWithSHA-256AndMGF1Padding", "kms"};
        for (int w = 0; w < 4; w++) {
            const seckit_s3cse_keyring *kr = w == 0 ? aes : w == 3 ? kms : rsa;
            uint8_t *blob = NULL;
            if (w == 0) {
                el = aes_keywrap(kek, cek, edk);
                CHECK(el == 40);
            } else if (w == 1) {
                el = rsa_wrap(pk, RSA_PKCS1_OAEP_PADDING, "SHA256", "SHA1", cek, 32, edk);
            } else if (w == 2) { /* BouncyCastle-style MGF1-SHA-256 */
                el = rsa_wrap(pk, RSA_PKCS1_OAEP_PADDING, "SHA256", "SHA256", cek, 32, edk);
            } else {
                seckit_s3cse_kv ec[] = {{"kms_cmk_id", "key-1"}};
                fake_seal(&kms_state, "key-1", cek, ec, 1, &blob, &el);
                memcpy(edk, blob, el);
                free(blob);
            }
            memset(&m, 0, sizeof(m));
            tm_set(&m, "x-amz-key-v2", s = b64(edk, el));
            free(s);
            tm_set(&m, "x-amz-iv", s = b64(iv12, 12));
            free(s);
            tm_set(&m, "x-amz-cek-alg", "AES/GCM/NoPadding");
            tm_set(&m, "x-amz-wrap-alg", wraps[w == 3 ? 2 : w == 2 ? 1 : w]);
            tm_set(&m, "x-amz-tag-len", "128");
            if (w == 3)
                tm_set(&m, "x-amz-matdesc", "{\"kms_cmk_id\":\"key-1\"}");
            check_legacy(&m, kr, body, bl,
                         wraps[w == 3   ? 2
                               : w == 2 ? 1
                                        : w],
                         "--security-profile v2-and-legacy");
            tm_free(&m);
        }
    }
out:
    EVP_PKEY_free(pk);
    seckit_s3cse_keyring_free(aes);
    seckit_s3cse_keyring_free(aes128);
    seckit_s3cse_keyring_free(rsa);
    seckit_s3cse_keyring_free(kms);
}

/* ---- ranged reads ----------------------------------------------------------- */

static void ranged(seckit_s3cse_envelope env)
{
    seckit_s3cse_keyring *kr = aes_kr(9, 32, NULL, 0);
    seckit_s3cse_options o = allow_all();
    o.envelope = env;
    if (env == SECKIT_S3CSE_ENVELOPE_V2)
        o.commitment_policy = SECKIT_S3CSE_FORBID_ENCRYPT_ALLOW_DECRYPT;
    uint8_t pt[100];
    RAND_bytes(pt, sizeof(pt));
    uint8_t *body;
    size_t bl;
    seckit_s3cse_meta meta;
    seckit_error err;
    CHECK_OK(seckit_s3cse_encrypt(&body, &bl, &meta, &o, kr, pt, sizeof(pt), &err), &err);
    /* default profile: refused */
    seckit_s3cse_range r;
    CHECK_OK(seckit_s3cse_range_adjust(&r, 40, 70, bl, &err), &err);
    seckit_s3cse_decryptor *d = NULL;
    seckit_s3cse_options def = opts_with(o.commitment_policy, SECKIT_S3CSE_PROFILE_V2);
    CHECK_RC(seckit_s3cse_decryptor_new_range(&d, &def, kr, meta.kv, meta.count, NULL, 0, &r, &err),
             SECKIT_EPOLICY);
    CHECK(strstr(err.message, "--security-profile v2-and-legacy") != NULL);
    uint64_t ends[] = {0, 1, 15, 16, 17, 40, 70, 98, 99, 150, UINT64_MAX};
    for (uint64_t a = 0; a < 100; a += 3)
        for (size_t k = 0; k < SKT_ARRAY_LEN(ends); k++) {
            uint64_t b = ends[k];
            if (b < a)
                continue;
            for (int known = 0; known < 2; known++) {
                /* without the object length the caller cannot drop the tag */
                if (!known && b > 99)
                    continue;
                int rc = seckit_s3cse_range_adjust(&r, a, b, known ? bl : 0, &err);
                CHECK_OK(rc, &err);
                if (rc != 0)
                    continue;
                CHECK(r.fetch_first % 16 == 0 && r.fetch_first <= a);
                uint64_t last = r.fetch_last < bl - 1 ? r.fetch_last : bl - 1;
                CHECK_OK(seckit_s3cse_decryptor_new_range(&d, &o, kr, meta.kv, meta.count, NULL, 0,
                                                          &r, &err),
                         &err);
                if (d == NULL)
                    continue;
                uint8_t out[300];
                size_t w = 0, got = 0;
                /* the server returns at most the object */
                for (uint64_t p = r.fetch_first; p <= last; p += 5) {
                    size_t c = last + 1 - p < 5 ? (size_t)(last + 1 - p) : 5;
                    CHECK_OK(seckit_s3cse_decryptor_update(d, out + w, &got, body + p, c, &err),
                             &err);
                    w += got;
                }
                CHECK_OK(seckit_s3cse_decryptor_final(d, out + w, &got, &err), &err);
                seckit_s3cse_decryptor_free(d);
                d = NULL;
                uint64_t want_end = b > 99 ? 99 : b;
                CHECK_MSG(w == want_end - a + 1 && memcmp(out, pt + a, w) == 0,
                          "range %llu-%llu known %d: %zu bytes", (unsigned long long)a,
                          (unsigned long long)b, known, w);
            }
        }
    CHECK_RC(seckit_s3cse_range_adjust(&r, 100, 120, bl, &err), SECKIT_EINVAL);
    CHECK_RC(seckit_s3cse_range_adjust(&r, 10, 5, bl, &err), SECKIT_EINVAL);
    seckit_s3cse_meta_free(&meta);
    free(body);
    seckit_s3cse_keyring_free(kr);
}

static void test_ranged_reads(void)
{
    ranged(SECKIT_S3CSE_ENVELOPE_V3);
    ranged(SECKIT_S3CSE_ENVELOPE_V2);
}

/* ---- tampering -------------------------------------------------------------- */

/* Flip each bit of a base64 metadata value (decoded); every flip must fail
 * without plaintext.  step > 1 samples bits (RSA unwraps are slow). */
static void flip_field(tmeta *m, const char *name, const seckit_s3cse_options *o,
                       const seckit_s3cse_keyring *kr, const uint8_t *body, size_t bl, size_t step)
{
    const char *orig_s = tm_get(m, name);
    char *orig = strdup(orig_s);
    size_t n;
    uint8_t *raw = unb64(orig, &n);
    for (size_t bit = 0; bit < n * 8; bit += step) {
        raw[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        char *s = b64(raw, n);
        tm_set(m, name, s);
        free(s);
        uint8_t *pt = NULL;
        size_t pl;
        seckit_error err;
        int rc = seckit_s3cse_decrypt(&pt, &pl, o, kr, m->kv, m->n, NULL, 0, body, bl, &err);
        CHECK_MSG(rc != 0 && pt == NULL, "%s bit %zu: rc %d", name, bit, rc);
        CHECK_MSG(rc == SECKIT_EAUTH || rc == SECKIT_EFORMAT, "%s bit %zu: rc %d %s", name, bit, rc,
                  err.message);
        if (rc == 0)
            seckit_secret_free(pt);
        raw[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    tm_set(m, name, orig);
    free(orig);
    free(raw);
}

static void tamper(seckit_s3cse_envelope env, seckit_s3cse_keyring *kr, size_t edk_step)
{
    seckit_s3cse_options o = opts_with(env == SECKIT_S3CSE_ENVELOPE_V2
                                           ? SECKIT_S3CSE_FORBID_ENCRYPT_ALLOW_DECRYPT
                                           : SECKIT_S3CSE_REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
                                       SECKIT_S3CSE_PROFILE_V2);
    o.envelope = env;
    uint8_t pt[33];
    RAND_bytes(pt, sizeof(pt));
    uint8_t *body;
    size_t bl;
    seckit_s3cse_meta meta;
    seckit_error err;
    CHECK_OK(seckit_s3cse_encrypt(&body, &bl, &meta, &o, kr, pt, sizeof(pt), &err), &err);
    if (body == NULL)
        return;
    tmeta m;
    tm_from(&m, &meta);
    /* every bit of the body (ciphertext and tag), one-shot and streaming */
    for (size_t bit = 0; bit < bl * 8; bit++) {
        body[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        uint8_t *p = NULL;
        size_t pl;
        int rc = seckit_s3cse_decrypt(&p, &pl, &o, kr, m.kv, m.n, NULL, 0, body, bl, &err);
        CHECK_MSG(rc == SECKIT_EAUTH && p == NULL, "body bit %zu: rc %d", bit, rc);
        if (rc == 0)
            seckit_secret_free(p);
        if (bit % 13 == 0) {
            rc = stream_decrypt(&o, kr, m.kv, m.n, NULL, body, bl, 10, &p, &pl, &err);
            CHECK_MSG(rc == SECKIT_EAUTH && p == NULL, "streamed body bit %zu: rc %d", bit, rc);
            free(p);
        }
        body[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    /* truncations and an extra byte */
    for (size_t t = 0; t < bl; t++) {
        uint8_t *p = NULL;
        size_t pl;
        int rc = seckit_s3cse_decrypt(&p, &pl, &o, kr, m.kv, m.n, NULL, 0, body, t, &err);
        CHECK_MSG(rc == SECKIT_EAUTH && p == NULL, "truncated to %zu: rc %d", t, rc);
    }
    {
        uint8_t *longer = malloc(bl + 1), *p = NULL;
        memcpy(longer, body, bl);
        longer[bl] = 0;
        size_t pl;
        CHECK_RC(seckit_s3cse_decrypt(&p, &pl, &o, kr, m.kv, m.n, NULL, 0, longer, bl + 1, &err),
                 SECKIT_EAUTH);
        free(longer);
    }
    /* metadata fields */
    if (env == SECKIT_S3CSE_ENVELOPE_V3) {
        flip_field(&m, "x-amz-i", &o, kr, body, bl, 1);
        flip_field(&m, "x-amz-d", &o, kr, body, bl, 1);
        flip_field(&m, "x-amz-3", &o, kr, body, bl, edk_step);
    } else {
        flip_field(&m, "x-amz-iv", &o, kr, body, bl, 1);
        flip_field(&m, "x-amz-key-v2", &o, kr, body, bl, edk_step);
    }
    /* untouched still decrypts */
    uint8_t *p = NULL;
    size_t pl;
    CHECK_OK(seckit_s3cse_decrypt(&p, &pl, &o, kr, m.kv, m.n, NULL, 0, body, bl, &err), &err);
    CHECK(pl == sizeof(pt) && p != NULL && memcmp(p, pt, pl) == 0);
    seckit_secret_free(p);
    tm_free(&m);
    seckit_s3cse_meta_free(&meta);
    free(body);
}

static void test_bit_flips(void)
{
    seckit_s3cse_keyring *aes = aes_kr(0x55, 32, NULL, 0), *rsa = rsa_kr("rsa2048-a.pem", NULL, 0);
    seckit_s3cse_keyring *kms = kms_kr("key-flip");
    CHECK(aes && rsa && kms);
    if (aes && rsa && kms) {
        tamper(SECKIT_S3CSE_ENVELOPE_V3, aes, 1);
        tamper(SECKIT_S3CSE_ENVELOPE_V2, aes, 1);
        tamper(SECKIT_S3CSE_ENVELOPE_V3, rsa, 29);
        tamper(SECKIT_S3CSE_ENVELOPE_V2, rsa, 29);
        tamper(SECKIT_S3CSE_ENVELOPE_V3, kms, 1);
    }
    seckit_s3cse_keyring_free(aes);
    seckit_s3cse_keyring_free(rsa);
    seckit_s3cse_keyring_free(kms);
}

/* The commitment is checked before anything is decrypted: a V3 object
 * whose x-amz-d is wrong fails in decryptor_new (no decryptor at all). */
static void test_commitment_first(void)
{
    tmeta m;
    kat_v3_meta(&m);
    tm_set(&m, "x-amz-d", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==");
    seckit_s3cse_keyring *kr = aes_kr(0x40, 32, NULL, 0);
    seckit_s3cse_decryptor *d = NULL;
    seckit_error err;
    CHECK_RC(seckit_s3cse_decryptor_new(&d, NULL, kr, m.kv, m.n, NULL, 0, &err), SECKIT_EAUTH);
    CHECK(d == NULL);
    CHECK(strstr(err.message, "authentication failed") != NULL);
    tm_free(&m);
    seckit_s3cse_keyring_free(kr);
}

static void test_wrong_keys(void)
{
    seckit_s3cse_keyring *a = aes_kr(1, 32, NULL, 0), *b = aes_kr(2, 32, NULL, 0);
    seckit_s3cse_keyring *ra = rsa_kr("rsa2048-a.pem", NULL, 0),
                         *rb = rsa_kr("rsa2048-b.pem", NULL, 0);
    seckit_s3cse_keyring *pub = rsa_kr("rsa2048-a.pub.pem", NULL, 0);
    seckit_s3cse_keyring *k1 = kms_kr("key-1"), *k2 = kms_kr("key-2"), *disc = kms_kr(NULL);
    seckit_error err;
    uint8_t *body, *pt;
    size_t bl, pl;
    seckit_s3cse_meta meta;
    struct {
        seckit_s3cse_keyring *enc, *dec;
        int want;
    } cases[] = {{a, b, SECKIT_EAUTH},     {ra, rb, SECKIT_EAUTH}, {a, ra, SECKIT_EAUTH},
                 {ra, a, SECKIT_EAUTH},    {k1, k2, SECKIT_EAUTH}, {k1, a, SECKIT_EAUTH},
                 {ra, pub, SECKIT_EINVAL}, {k1, disc, 0},          {a, a, 0}};
    for (size_t i = 0; i < SKT_ARRAY_LEN(cases); i++) {
        CHECK_OK(seckit_s3cse_encrypt(&body, &bl, &meta, NULL, cases[i].enc,
                                      (const uint8_t *)"data", 4, &err),
                 &err);
        pt = NULL;
        int rc = seckit_s3cse_decrypt(&pt, &pl, NULL, cases[i].dec, meta.kv, meta.count, NULL, 0,
                                      body, bl, &err);
        CHECK_MSG(rc == cases[i].want, "case %zu: rc %d (%s)", i, rc, err.message);
        /* The header's promise: a key of the right kind that fails gets the
         * one generic message; a key of the wrong kind is told which kind the
         * (public) x-amz-wrap-alg / x-amz-w needs, nothing else. */
        if (rc == SECKIT_EAUTH && i < 2)
            CHECK_STR(err.message, "authentication failed: no key could decrypt the object's "
                                   "data key or the object was modified");
        if (rc == SECKIT_EAUTH && (i == 2 || i == 3 || i == 5))
            CHECK_MSG(strstr(err.message, "which needs") != NULL, "case %zu: %s", i, err.message);
        if (cases[i].want == 0)
            CHECK(pt != NULL && pl == 4 && memcmp(pt, "data", 4) == 0);
        else
            CHECK(pt == NULL);
        seckit_secret_free(pt);
        seckit_s3cse_meta_free(&meta);
        free(body);
    }
    /* discovery passes no key id to KMS; a named keyring passes its own */
    CHECK_STR(kms_state.last_key_id, "(none)");
    /* discovery and multi keyrings cannot encrypt */
    CHECK_RC(seckit_s3cse_encrypt(&body, &bl, &meta, NULL, disc, (const uint8_t *)"x", 1, &err),
             SECKIT_EINVAL);
    seckit_s3cse_keyring *kids[] = {a, b};
    seckit_s3cse_keyring *multi = NULL;
    CHECK_OK(seckit_s3cse_keyring_multi_new(&multi, kids, 2, &err), &err);
    CHECK_RC(seckit_s3cse_encrypt(&body, &bl, &meta, NULL, multi, (const uint8_t *)"x", 1, &err),
             SECKIT_EINVAL);
    seckit_s3cse_keyring_free(multi);
    /* bad keys */
    seckit_s3cse_keyring *bad = NULL;
    CHECK_RC(seckit_s3cse_keyring_aes_new(&bad, (const uint8_t *)"0123456789", 10, NULL, 0, &err),
             SECKIT_EINVAL);
    CHECK_RC(seckit_s3cse_keyring_rsa_new(&bad, (const uint8_t *)"not a key", 9, NULL, 0, &err),
             SECKIT_EFORMAT);
    seckit_s3cse_keyring_free(a);
    seckit_s3cse_keyring_free(b);
    seckit_s3cse_keyring_free(ra);
    seckit_s3cse_keyring_free(rb);
    seckit_s3cse_keyring_free(pub);
    seckit_s3cse_keyring_free(k1);
    seckit_s3cse_keyring_free(k2);
    seckit_s3cse_keyring_free(disc);
}

static void test_kms_context(void)
{
    seckit_s3cse_keyring *kr = kms_kr("key-ec");
    seckit_s3cse_kv ec[] = {{"a", "1"}, {"b", "2"}}, ec2[] = {{"b", "2"}, {"a", "1"}},
                    other[] = {{"a", "1"}}, wrong[] = {{"a", "1"}, {"b", "3"}};
    seckit_s3cse_options o;
    o = (seckit_s3cse_options)SECKIT_S3CSE_OPTIONS_INIT;
    o.encryption_context = ec;
    o.encryption_context_count = 2;
    uint8_t *body, *pt;
    size_t bl, pl;
    seckit_s3cse_meta meta;
    seckit_error err;
    CHECK_OK(seckit_s3cse_encrypt(&body, &bl, &meta, &o, kr, (const uint8_t *)"ec", 2, &err), &err);
    o.encryption_context = ec2; /* order does not matter */
    CHECK_OK(seckit_s3cse_decrypt(&pt, &pl, &o, kr, meta.kv, meta.count, NULL, 0, body, bl, &err),
             &err);
    seckit_secret_free(pt);
    int calls = kms_state.decrypt_calls;
    const seckit_s3cse_kv *bad[] = {other, wrong, NULL};
    size_t nbad[] = {1, 2, 0};
    for (int i = 0; i < 3; i++) {
        o.encryption_context = bad[i];
        o.encryption_context_count = nbad[i];
        pt = NULL;
        CHECK_RC(seckit_s3cse_decrypt(&pt, &pl, &o, kr, meta.kv, meta.count, NULL, 0, body, bl,
                                      &err),
                 SECKIT_EAUTH);
        CHECK(pt == NULL && strstr(err.message, "--encryption-context") != NULL);
    }
    CHECK(kms_state.decrypt_calls == calls); /* refused before calling KMS */
    /* a stored context whose aws:x-amz-cek-alg was changed */
    tmeta m;
    tm_from(&m, &meta);
    tm_set(&m, "x-amz-t", "{\"a\":\"1\",\"b\":\"2\",\"aws:x-amz-cek-alg\":\"AES/GCM/NoPadding\"}");
    o.encryption_context = ec;
    o.encryption_context_count = 2;
    CHECK_RC(seckit_s3cse_decrypt(&pt, &pl, &o, kr, m.kv, m.n, NULL, 0, body, bl, &err),
             SECKIT_EAUTH);
    tm_free(&m);
    seckit_s3cse_meta_free(&meta);
    free(body);
    seckit_s3cse_keyring_free(kr);
}

/* ---- metadata ---------------------------------------------------------------- */

static void expect_detect(const seckit_s3cse_kv *kv, size_t n, int want_rc,
                          seckit_s3cse_location want, const char *label)
{
    seckit_s3cse_location loc = (seckit_s3cse_location)99;
    seckit_error err;
    int rc = seckit_s3cse_detect(&loc, kv, n, &err);
    CHECK_MSG(rc == want_rc, "%s: rc %d (%s)", label, rc, err.message);
    if (want_rc == 0)
        CHECK_MSG(loc == want, "%s: location %d", label, (int)loc);
}

static void test_detection(void)
{
    seckit_s3cse_kv none[] = {{"content-type", "text/plain"}, {"x-amz-meta-owner", "me"}};
    expect_detect(none, 2, 0, SECKIT_S3CSE_LOC_INSTRUCTION_FILE, "none");
    expect_detect(NULL, 0, 0, SECKIT_S3CSE_LOC_INSTRUCTION_FILE, "empty");
    seckit_s3cse_kv v1[] = {{"x-amz-key", "a"}, {"x-amz-iv", "b"}};
    expect_detect(v1, 2, 0, SECKIT_S3CSE_LOC_V1_METADATA, "v1");
    seckit_s3cse_kv v2[] = {{"X-Amz-Meta-X-Amz-Key-V2", "a"}, {"x-amz-meta-x-amz-iv", "b"}};
    expect_detect(v2, 2, 0, SECKIT_S3CSE_LOC_V2_METADATA, "v2 with prefix and case");
    seckit_s3cse_kv v3[] = {{"x-amz-c", "115"},
                            {"x-amz-3", "a"},
                            {"x-amz-w", "02"},
                            {"x-amz-d", "b"},
                            {"x-amz-i", "c"}};
    expect_detect(v3, 5, 0, SECKIT_S3CSE_LOC_V3_METADATA, "v3");
    seckit_s3cse_kv v3i[] = {{"x-amz-c", "115"}, {"x-amz-d", "b"}, {"x-amz-i", "c"}};
    expect_detect(v3i, 3, 0, SECKIT_S3CSE_LOC_V3_INSTRUCTION_FILE, "v3 instr");
    seckit_s3cse_kv len_only[] = {{"x-amz-unencrypted-content-length", "5"}};
    expect_detect(len_only, 1, 0, SECKIT_S3CSE_LOC_INSTRUCTION_FILE, "length only");
    /* refused */
    seckit_s3cse_kv mixed[] = {{"x-amz-key-v2", "a"}, {"x-amz-iv", "b"}, {"x-amz-3", "c"}};
    expect_detect(mixed, 3, SECKIT_EFORMAT, 0, "mixed v2/v3");
    seckit_s3cse_kv mixed2[] = {{"x-amz-key-v2", "a"}, {"x-amz-iv", "b"}, {"x-amz-key", "c"}};
    expect_detect(mixed2, 3, SECKIT_EFORMAT, 0, "mixed v1/v2");
    seckit_s3cse_kv mixed3[] = {{"x-amz-c", "115"},
                                {"x-amz-d", "b"},
                                {"x-amz-i", "c"},
                                {"x-amz-matdesc", "{}"}};
    expect_detect(mixed3, 4, SECKIT_EFORMAT, 0, "v3 with matdesc");
    seckit_s3cse_kv partial[] = {{"x-amz-key-v2", "a"}};
    expect_detect(partial, 1, SECKIT_EFORMAT, 0, "key without iv");
    seckit_s3cse_kv partial3[] = {{"x-amz-c", "115"}, {"x-amz-3", "a"}};
    expect_detect(partial3, 2, SECKIT_EFORMAT, 0, "v3 partial");
    seckit_s3cse_kv partial3w[] = {{"x-amz-c", "115"},
                                   {"x-amz-d", "b"},
                                   {"x-amz-i", "c"},
                                   {"x-amz-w", "02"}};
    expect_detect(partial3w, 4, SECKIT_EFORMAT, 0, "v3 w without 3");
    seckit_s3cse_kv dup[] = {{"x-amz-key-v2", "a"},
                             {"x-amz-iv", "b"},
                             {"x-amz-meta-x-amz-iv", "c"}};
    expect_detect(dup, 3, SECKIT_EFORMAT, 0, "duplicate");
}

static const char *kat_body_hex = "84c9f641c64fb423a387f8387a1ffa3da33a3915032da92118b5ac1f";

static void expect_decrypt_rc(tmeta *m, const char *instr, int want, const char *needle,
                              const char *label)
{
    seckit_s3cse_keyring *kr = aes_kr(0x40, 32, NULL, 0);
    uint8_t body[64];
    size_t bl;
    unhex(kat_body_hex, body, &bl);
    seckit_s3cse_options o = allow_all();
    uint8_t *pt = NULL;
    size_t pl;
    seckit_error err;
    int rc = seckit_s3cse_decrypt(&pt, &pl, &o, kr, m->kv, m->n, instr, instr ? strlen(instr) : 0,
                                  body, bl, &err);
    CHECK_MSG(rc == want, "%s: rc %d (%s)", label, rc, err.message);
    if (needle != NULL)
        CHECK_MSG(strstr(err.message, needle) != NULL, "%s: message '%s'", label, err.message);
    if (rc == 0)
        seckit_secret_free(pt);
    else
        CHECK(pt == NULL);
    seckit_s3cse_keyring_free(kr);
}

static void test_malformed_metadata(void)
{
    tmeta m;
    kat_v3_meta(&m);
    expect_decrypt_rc(&m, NULL, 0, NULL, "kat");
    tm_set(&m, "x-amz-c", "116");
    expect_decrypt_rc(&m, NULL, SECKIT_EUNSUPPORTED, "x-amz-c", "x-amz-c 116");
    tm_set(&m, "x-amz-c", "115");
    tm_set(&m, "x-amz-w", "32");
    expect_decrypt_rc(&m, NULL, SECKIT_EUNSUPPORTED, "x-amz-w", "x-amz-w 32");
    tm_set(&m, "x-amz-w", "02");
    tm_set(&m, "x-amz-t", "{}");
    expect_decrypt_rc(&m, NULL, SECKIT_EFORMAT, "x-amz-t", "x-amz-t with raw wrap");
    tm_del(&m, "x-amz-t");
    tm_set(&m, "x-amz-m", "[1]");
    expect_decrypt_rc(&m, NULL, SECKIT_EFORMAT, "x-amz-m", "matdesc not an object");
    tm_set(&m, "x-amz-m", "{\"a\":1}");
    expect_decrypt_rc(&m, NULL, SECKIT_EFORMAT, "x-amz-m", "matdesc number");
    tm_set(&m, "x-amz-m", "{\"a\":\"1\",\"a\":\"2\"}");
    expect_decrypt_rc(&m, NULL, SECKIT_EFORMAT, "twice", "matdesc duplicate");
    tm_set(&m, "x-amz-m", "{\"caf\xc3\xa9\":\"\xe6\x97\xa5\xe6\x9c\xac\"}");
    expect_decrypt_rc(&m, NULL, 0, NULL, "non-ASCII matdesc");
    tm_set(&m, "x-amz-m", "{\"a\":\"\xc3\"}");
    expect_decrypt_rc(&m, NULL, SECKIT_EFORMAT, "UTF-8", "bad UTF-8 matdesc");
    tm_del(&m, "x-amz-m");
    tm_set(&m, "x-amz-i", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==");
    expect_decrypt_rc(&m, NULL, SECKIT_EFORMAT, "all zero", "zero message id");
    tm_set(&m, "x-amz-i", "oKGio6SlpqeoqaqrrK2ur7CxsrO0tba3");
    expect_decrypt_rc(&m, NULL, SECKIT_EFORMAT, "x-amz-i", "short message id");
    tm_set(&m, "x-amz-i", "not base64!");
    expect_decrypt_rc(&m, NULL, SECKIT_EFORMAT, "x-amz-i", "bad base64");
    tm_free(&m);

    kat_v2_meta(&m);
    kat_body_hex = "359bf47a26e51ae0f9304b3c03309f608f2ac13b975dd7394f5b1bad";
    expect_decrypt_rc(&m, NULL, 0, NULL, "kat v2");
    tm_set(&m, "x-amz-tag-len", "96");
    expect_decrypt_rc(&m, NULL, SECKIT_EFORMAT, "x-amz-tag-len must be 128", "tag-len 96");
    tm_set(&m, "x-amz-tag-len", "");
    expect_decrypt_rc(&m, NULL, SECKIT_EFORMAT, "x-amz-tag-len must be 128", "tag-len empty");
    tm_del(&m, "x-amz-tag-len");
    expect_decrypt_rc(&m, NULL, SECKIT_EFORMAT, "without x-amz-tag-len", "tag-len missing");
    tm_set(&m, "x-amz-tag-len", "128");
    tm_set(&m, "x-amz-iv", "AAAAAAAAAAAAAAAA");
    expect_decrypt_rc(&m, NULL, SECKIT_EFORMAT, "all zero", "zero iv");
    tm_set(&m, "x-amz-iv", "EBESExQVFhcYGRobHB0eHw==");
    expect_decrypt_rc(&m, NULL, SECKIT_EFORMAT, "x-amz-iv", "16-byte iv with GCM");
    tm_set(&m, "x-amz-iv", "EBESExQVFhcYGRob");
    tm_set(&m, "x-amz-wrap-alg", "AES/GCM/NoPadding");
    expect_decrypt_rc(&m, NULL, SECKIT_EUNSUPPORTED, "x-amz-wrap-alg", "unknown wrap");
    tm_del(&m, "x-amz-wrap-alg");
    expect_decrypt_rc(&m, NULL, SECKIT_EFORMAT, "x-amz-wrap-alg", "no wrap");
    tm_set(&m, "x-amz-wrap-alg", "AES/GCM");
    tm_set(&m, "x-amz-cek-alg", "AES/CTR/NoPadding");
    expect_decrypt_rc(&m, NULL, SECKIT_EUNSUPPORTED, "x-amz-cek-alg", "unknown cek");
    tm_set(&m, "x-amz-cek-alg", "AES/GCM/NoPadding");
    tm_set(&m, "x-amz-3", "abc");
    expect_decrypt_rc(&m, NULL, SECKIT_EFORMAT, "mixed", "mixed");
    kat_body_hex = "84c9f641c64fb423a387f8387a1ffa3da33a3915032da92118b5ac1f";
    tm_free(&m);
}

static void test_instruction_files(void)
{
    seckit_error err;
    seckit_s3cse_kv *kv;
    size_t n;
    const char *ok = "{\"x-amz-key-v2\":\"abc\",\"x-amz-tag-len\":128,\n "
                     "\"x-amz-unencrypted-content-length\":\"5\"} ";
    CHECK_OK(seckit_s3cse_instruction_parse(&kv, &n, ok, strlen(ok), &err), &err);
    CHECK(n == 3);
    if (n == 3) {
        CHECK_STR(kv[1].name, "x-amz-tag-len");
        CHECK_STR(kv[1].value, "128");
    }
    char *json;
    size_t jl;
    CHECK_OK(seckit_s3cse_instruction_serialize(&json, &jl, kv, n, &err), &err);
    CHECK_STR(json, "{\"x-amz-key-v2\":\"abc\",\"x-amz-tag-len\":\"128\","
                    "\"x-amz-unencrypted-content-length\":\"5\"}");
    CHECK(jl == strlen(json));
    free(json);
    seckit_s3cse_kv_free(kv, n);
    const char *bad[] = {"",
                         "[]",
                         "{\"a\":\"b\"} x",
                         "{\"a\":{\"b\":\"c\"}}",
                         "{\"a\":true}",
                         "{\"a\":\"1\",\"a\":\"1\"}",
                         "{\"a\":\"x\\u0000y\"}",
                         "{\"a\":1.5}",
                         "{\"a\":-1}",
                         "{\"a\"}"};
    for (size_t i = 0; i < SKT_ARRAY_LEN(bad); i++)
        CHECK_MSG(seckit_s3cse_instruction_parse(&kv, &n, bad[i], strlen(bad[i]), &err) ==
                      SECKIT_EFORMAT,
                  "accepted '%s'", bad[i]);
    char *big = malloc(70000);
    memset(big, ' ', 70000);
    big[0] = '{';
    big[69999] = '}';
    CHECK_RC(seckit_s3cse_instruction_parse(&kv, &n, big, 70000, &err), SECKIT_ELIMIT);
    free(big);

    /* V3 with the key in an instruction file */
    tmeta m;
    kat_v3_meta(&m);
    tm_del(&m, "x-amz-3");
    tm_del(&m, "x-amz-w");
    char file[512];
    snprintf(file, sizeof(file), "{\"x-amz-3\":\"%s\",\"x-amz-w\":\"02\"}", kat_wrap_v3);
    expect_decrypt_rc(&m, file, 0, NULL, "v3 instruction file");
    expect_decrypt_rc(&m, NULL, SECKIT_ENOTFOUND, "instruction file", "v3 without file");
    snprintf(file, sizeof(file), "{\"x-amz-3\":\"%s\",\"x-amz-w\":\"02\",\"x-amz-d\":\"%s\"}",
             kat_wrap_v3, "wUtvX/ATVKEtCCJTI/i7akglmdF4x7w2YL56Ow==");
    expect_decrypt_rc(&m, file, SECKIT_EFORMAT, "tampered", "file with x-amz-d");
    snprintf(file, sizeof(file), "{\"x-amz-3\":\"%s\",\"x-amz-w\":\"02\",\"x-amz-iv\":\"abcd\"}",
             kat_wrap_v3);
    expect_decrypt_rc(&m, file, SECKIT_EFORMAT, "mixed", "file with x-amz-iv");
    snprintf(file, sizeof(file), "{\"x-amz-w\":\"02\"}");
    expect_decrypt_rc(&m, file, SECKIT_EFORMAT, "x-amz-3", "file without x-amz-3");
    tm_free(&m);

    /* V2 in an instruction file */
    memset(&m, 0, sizeof(m));
    snprintf(file, sizeof(file),
             "{\"x-amz-key-v2\":\"%s\",\"x-amz-iv\":\"EBESExQVFhcYGRob\","
             "\"x-amz-cek-alg\":\"AES/GCM/NoPadding\",\"x-amz-wrap-alg\":\"AES/GCM\","
             "\"x-amz-tag-len\":128,\"x-amz-matdesc\":\"{}\"}",
             kat_wrap_v2);
    {
        seckit_s3cse_keyring *kr = aes_kr(0x40, 32, NULL, 0);
        uint8_t body[64], *pt;
        size_t bl, pl;
        unhex("359bf47a26e51ae0f9304b3c03309f608f2ac13b975dd7394f5b1bad", body, &bl);
        seckit_s3cse_options o = allow_all();
        CHECK_OK(seckit_s3cse_decrypt(&pt, &pl, &o, kr, NULL, 0, file, strlen(file), body, bl,
                                      &err),
                 &err);
        CHECK(pl == strlen(hello));
        seckit_secret_free(pt);
        const char *nofile = "{\"x-amz-crypto-instr-file\":\"\"}";
        CHECK_RC(seckit_s3cse_decrypt(&pt, &pl, &o, kr, NULL, 0, nofile, strlen(nofile), body, bl,
                                      &err),
                 SECKIT_EFORMAT);
        seckit_s3cse_info info;
        CHECK_OK(seckit_s3cse_describe(&info, NULL, 0, file, strlen(file), &err), &err);
        CHECK(info.location == SECKIT_S3CSE_LOC_INSTRUCTION_FILE);
        CHECK(info.envelope == SECKIT_S3CSE_ENVELOPE_V2 &&
              info.wrap_alg == SECKIT_S3CSE_WRAP_AES_GCM);
        seckit_s3cse_info_free(&info);
        seckit_s3cse_keyring_free(kr);
    }
}

/* Several decryption keys chosen by materials description (non-ASCII too). */
static void test_multi_matdesc(void)
{
    seckit_s3cse_kv md1[] = {{"name", "key-\xe6\x97\xa5"}}, md2[] = {{"name", "key-2"}};
    seckit_s3cse_keyring *k1 = aes_kr(0x61, 32, md1, 1), *k2 = aes_kr(0x62, 32, md2, 1);
    seckit_s3cse_keyring *r1 = rsa_kr("rsa2048-a.pem", md1, 1),
                         *r2 = rsa_kr("rsa2048-b.pem", md2, 1);
    seckit_s3cse_keyring *kids[] = {k1, r1, k2, r2}, *multi = NULL;
    seckit_error err;
    CHECK_OK(seckit_s3cse_keyring_multi_new(&multi, kids, 4, &err), &err);
    /* children may be freed by the caller right away */
    seckit_s3cse_keyring *encs[] = {k1, k2, r1, r2};
    for (int i = 0; i < 4; i++) {
        uint8_t *body, *pt;
        size_t bl, pl;
        seckit_s3cse_meta meta;
        CHECK_OK(seckit_s3cse_encrypt(&body, &bl, &meta, NULL, encs[i], (const uint8_t *)"m", 1,
                                      &err),
                 &err);
        CHECK_OK(seckit_s3cse_decrypt(&pt, &pl, NULL, multi, meta.kv, meta.count, NULL, 0, body, bl,
                                      &err),
                 &err);
        seckit_secret_free(pt);
        seckit_s3cse_info info;
        CHECK_OK(seckit_s3cse_describe(&info, meta.kv, meta.count, NULL, 0, &err), &err);
        CHECK(info.description_count == 1);
        if (info.description_count == 1)
            CHECK_STR(info.description[0].value, i % 2 == 0 ? "key-\xe6\x97\xa5" : "key-2");
        seckit_s3cse_info_free(&info);
        /* a matdesc that matches nobody: the others are still tried */
        tmeta m;
        tm_from(&m, &meta);
        tm_set(&m, "x-amz-m", "{\"name\":\"other\"}");
        CHECK_OK(seckit_s3cse_decrypt(&pt, &pl, NULL, multi, m.kv, m.n, NULL, 0, body, bl, &err),
                 &err);
        seckit_secret_free(pt);
        tm_free(&m);
        seckit_s3cse_meta_free(&meta);
        free(body);
    }
    seckit_s3cse_keyring *only_aes[] = {k1}, *m2 = NULL;
    CHECK_OK(seckit_s3cse_keyring_multi_new(&m2, only_aes, 1, &err), &err);
    {
        uint8_t *body, *pt = NULL;
        size_t bl, pl;
        seckit_s3cse_meta meta;
        CHECK_OK(seckit_s3cse_encrypt(&body, &bl, &meta, NULL, r1, (const uint8_t *)"m", 1, &err),
                 &err);
        CHECK_RC(seckit_s3cse_decrypt(&pt, &pl, NULL, m2, meta.kv, meta.count, NULL, 0, body, bl,
                                      &err),
                 SECKIT_EAUTH);
        CHECK(strstr(err.message, "RSA-OAEP-SHA1") != NULL);
        seckit_s3cse_meta_free(&meta);
        free(body);
    }
    seckit_s3cse_keyring_free(m2);
    seckit_s3cse_keyring_free(k1);
    seckit_s3cse_keyring_free(k2);
    seckit_s3cse_keyring_free(r1);
    seckit_s3cse_keyring_free(r2);
    seckit_s3cse_keyring_free(multi);
}

static void test_rewrap(void)
{
    seckit_s3cse_kv mdn[] = {{"gen", "2"}};
    seckit_s3cse_keyring *old = aes_kr(0x70, 32, NULL, 0), *rsa = rsa_kr("rsa2048-b.pem", mdn, 1);
    seckit_s3cse_keyring *kms = kms_kr("key-new");
    seckit_error err;
    for (int v = 0; v < 2; v++)
        for (int instr = 0; instr < 2; instr++)
            for (int t = 0; t < 2; t++) {
                seckit_s3cse_keyring *to = t == 0 ? rsa : kms;
                seckit_s3cse_options o;
                o = (seckit_s3cse_options)SECKIT_S3CSE_OPTIONS_INIT;
                if (v == 1) {
                    o.envelope = SECKIT_S3CSE_ENVELOPE_V2;
                    o.commitment_policy = SECKIT_S3CSE_FORBID_ENCRYPT_ALLOW_DECRYPT;
                }
                uint8_t *body, *pt = NULL;
                size_t bl, pl;
                seckit_s3cse_meta meta, nm;
                CHECK_OK(seckit_s3cse_encrypt(&body, &bl, &meta, &o, old,
                                              (const uint8_t *)"rotate me", 9, &err),
                         &err);
                CHECK_RC(seckit_s3cse_check_key(&o, to, meta.kv, meta.count, NULL, 0, &err),
                         SECKIT_EAUTH);
                o.instruction_file = instr;
                CHECK_OK(seckit_s3cse_rewrap(&nm, &o, old, meta.kv, meta.count, NULL, 0, to, &err),
                         &err);
                tmeta a, b;
                tm_from(&a, &meta);
                tm_from(&b, &nm);
                if (v == 0) {
                    CHECK_STR(tm_get(&a, "x-amz-i"), tm_get(&b, "x-amz-i"));
                    CHECK_STR(tm_get(&a, "x-amz-d"), tm_get(&b, "x-amz-d"));
                    CHECK(instr == (tm_get(&b, "x-amz-3") == NULL));
                } else if (!instr) {
                    CHECK_STR(tm_get(&a, "x-amz-iv"), tm_get(&b, "x-amz-iv"));
                }
                CHECK(instr == (nm.instruction != NULL));
                CHECK_OK(seckit_s3cse_decrypt(&pt, &pl, &o, to, nm.kv, nm.count, nm.instruction,
                                              nm.instruction_len, body, bl, &err),
                         &err);
                CHECK(pl == 9 && pt != NULL && memcmp(pt, "rotate me", 9) == 0);
                seckit_secret_free(pt);
                pt = NULL;
                CHECK_OK(seckit_s3cse_check_key(&o, to, nm.kv, nm.count, nm.instruction,
                                                nm.instruction_len, &err),
                         &err);
                CHECK_RC(seckit_s3cse_decrypt(&pt, &pl, &o, old, nm.kv, nm.count, nm.instruction,
                                              nm.instruction_len, body, bl, &err),
                         SECKIT_EAUTH);
                /* the wrong source key cannot rewrap */
                seckit_s3cse_meta nm2;
                CHECK_RC(seckit_s3cse_rewrap(&nm2, &o, to, meta.kv, meta.count, NULL, 0, old, &err),
                         SECKIT_EAUTH);
                tm_free(&a);
                tm_free(&b);
                seckit_s3cse_meta_free(&meta);
                seckit_s3cse_meta_free(&nm);
                free(body);
            }
    seckit_s3cse_keyring_free(old);
    seckit_s3cse_keyring_free(rsa);
    seckit_s3cse_keyring_free(kms);
}

/* The GCM limit, by the counter only. */
static void test_gcm_limit(void)
{
    seckit_s3cse_keyring *kr = aes_kr(1, 32, NULL, 0);
    seckit_s3cse_encryptor *e;
    seckit_s3cse_meta meta;
    seckit_error err;
    CHECK_OK(seckit_s3cse_encryptor_new(&e, &meta, NULL, kr, &err), &err);
    skt_s3cse_encryptor_set_count(e, SECKIT_S3CSE_GCM_MAX_PLAINTEXT - 10);
    uint8_t buf[11] = {0}, out[11];
    CHECK_RC(seckit_s3cse_encryptor_update(e, out, buf, 11, &err), SECKIT_ELIMIT);
    CHECK_OK(seckit_s3cse_encryptor_update(e, out, buf, 10, &err), &err);
    CHECK(seckit_s3cse_encryptor_count(e) == SECKIT_S3CSE_GCM_MAX_PLAINTEXT);
    CHECK_RC(seckit_s3cse_encryptor_update(e, out, buf, 1, &err), SECKIT_ELIMIT);
    CHECK_OK(seckit_s3cse_encryptor_update(e, out, buf, 0, &err), &err);
    uint8_t tag[16];
    CHECK_OK(seckit_s3cse_encryptor_final(e, tag, &err), &err);
    CHECK_RC(seckit_s3cse_encryptor_update(e, out, buf, 1, &err), SECKIT_EINVAL);
    seckit_s3cse_encryptor_free(e);
    seckit_s3cse_meta_free(&meta);
    CHECK(SECKIT_S3CSE_GCM_MAX_PLAINTEXT == (1ULL << 36) - 32);
    seckit_s3cse_keyring_free(kr);
}

int main(void)
{
    TEST(test_kat_derivation);
    TEST(test_kat_v3_body);
    TEST(test_kat_v2_body);
    TEST(test_kat_wrap_blobs);
    TEST(test_parse_names);
    TEST(test_round_trips);
    TEST(test_encryptor_restart);
    TEST(test_v3_metadata_shape);
    TEST(test_commitment_policy_matrix);
    TEST(test_legacy_reads);
    TEST(test_ranged_reads);
    TEST(test_bit_flips);
    TEST(test_commitment_first);
    TEST(test_wrong_keys);
    TEST(test_kms_context);
    TEST(test_detection);
    TEST(test_malformed_metadata);
    TEST(test_instruction_files);
    TEST(test_multi_matdesc);
    TEST(test_rewrap);
    TEST(test_gcm_limit);
    TEST_EXIT();
}
