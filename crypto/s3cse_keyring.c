/* S3 client-side encryption keyrings: raw AES (AES/GCM; legacy AESWrap and
 * V1 AES/ECB), raw RSA (RSA-OAEP-SHA1 with the pseudo data key; legacy
 * RSA/ECB/OAEPWithSHA-256AndMGF1Padding and V1 PKCS#1 v1.5), KMS through
 * caller callbacks (kms+context; legacy kms), and multi (decrypt only).
 * Every unwrap failure is the same generic SECKIT_EAUTH. */
#include "config.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "crypto/s3cse_internal.h"
#include "crypto/rsa_key.h"
#include "src/base/secmem.h"
#include "src/base/guard.h"

#define GCM_WRAPPED_LEN (12 + SKT_S3CSE_KEY_LEN + 16)

struct seckit_s3cse_keyring {
    atomic_int refs;
    skt_s3kr_kind kind;
    uint8_t *aes_key; /* guarded */
    size_t aes_len;
    EVP_PKEY *pkey;
    int has_private;
    skt_kvlist matdesc;
    char *key_id; /* KMS; NULL for discovery */
    const seckit_s3cse_kms_ops *ops;
    void *ctx;
    seckit_s3cse_keyring **children;
    size_t n_children;
};

static int kr_alloc(seckit_s3cse_keyring **out, skt_s3kr_kind kind, const seckit_s3cse_kv *md,
                    size_t n, seckit_error *err)
{
    *out = NULL;
    SKT_ENSURE_ARG(n == 0 || md != NULL, err);
    SKT_GUARD(skt_crypto_init(err));
    seckit_s3cse_keyring *kr = calloc(1, sizeof(*kr));
    SKT_ENSURE(kr != NULL, err, SECKIT_ENOMEM, "out of memory");
    atomic_init(&kr->refs, 1);
    kr->kind = kind;
    /* The description is stored as JSON: check it serializes (UTF-8, no
     * duplicates) now rather than at the first encryption. */
    char *json = NULL;
    int rc = skt_json_map_serialize(md, n, &json, NULL, err);
    free(json);
    if (rc == 0)
        rc = skt_kvlist_copy(&kr->matdesc, md, n, err);
    if (rc != 0) {
        seckit_s3cse_keyring_free(kr);
        return rc;
    }
    *out = kr;
    return 0;
}

seckit_s3cse_keyring *seckit_s3cse_keyring_ref(seckit_s3cse_keyring *kr)
{
    if (kr != NULL)
        atomic_fetch_add(&kr->refs, 1);
    return kr;
}

void seckit_s3cse_keyring_free(seckit_s3cse_keyring *kr)
{
    if (kr == NULL || atomic_fetch_sub(&kr->refs, 1) != 1)
        return;
    skt_secret_free(kr->aes_key);
    EVP_PKEY_free(kr->pkey);
    skt_kvlist_free(&kr->matdesc);
    free(kr->key_id);
    for (size_t i = 0; i < kr->n_children; i++)
        seckit_s3cse_keyring_free(kr->children[i]);
    free(kr->children);
    if (kr->kind == SKT_S3KR_KMS && kr->ops != NULL && kr->ops->destroy != NULL)
        kr->ops->destroy(kr->ctx);
    free(kr);
}

int seckit_s3cse_keyring_aes_new(seckit_s3cse_keyring **out, const uint8_t *key, size_t key_len,
                                 const seckit_s3cse_kv *matdesc, size_t n, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = NULL;
    SKT_ENSURE_ARG(key != NULL, err);
    SKT_ENSURE(!(key_len != 16 && key_len != 24 && key_len != 32), err, SECKIT_EINVAL,
               "AES wrapping key must be 16, 24 or 32 bytes, not %zu", key_len);
    seckit_s3cse_keyring *kr;
    SKT_GUARD(kr_alloc(&kr, SKT_S3KR_AES, matdesc, n, err));
    kr->aes_key = skt_secret_alloc(key_len);
    if (kr->aes_key == NULL) {
        seckit_s3cse_keyring_free(kr);
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory (secure memory)");
    }
    memcpy(kr->aes_key, key, key_len);
    kr->aes_len = key_len;
    *out = kr;
    return 0;
}

int seckit_s3cse_keyring_rsa_new(seckit_s3cse_keyring **out, const uint8_t *key, size_t key_len,
                                 const seckit_s3cse_kv *matdesc, size_t n, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = NULL;
    SKT_ENSURE_ARG(key != NULL && key_len > 0, err);
    seckit_s3cse_keyring *kr;
    SKT_GUARD(kr_alloc(&kr, SKT_S3KR_RSA, matdesc, n, err));
    int rc = skt_rsa_key_decode(key, key_len, &kr->pkey, &kr->has_private, err);
    if (rc != 0) {
        seckit_s3cse_keyring_free(kr);
        return rc;
    }
    *out = kr;
    return 0;
}

static int kms_new(seckit_s3cse_keyring **out, const char *key_id, const seckit_s3cse_kms_ops *ops,
                   void *ctx, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = NULL;
    if (ops == NULL || ops->decrypt == NULL)
        return seckit_error_set(err, SECKIT_EINVAL, "KMS keyring needs a decrypt callback");
    seckit_s3cse_keyring *kr;
    SKT_GUARD(kr_alloc(&kr, SKT_S3KR_KMS, NULL, 0, err));
    if (key_id != NULL && (kr->key_id = strdup(key_id)) == NULL) {
        seckit_s3cse_keyring_free(kr);
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    kr->ops = ops;
    kr->ctx = ctx;
    *out = kr;
    return 0;
}

int seckit_s3cse_keyring_kms_new(seckit_s3cse_keyring **out, const char *key_id,
                                 const seckit_s3cse_kms_ops *ops, void *ctx, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = NULL;
    if (key_id == NULL || key_id[0] == '\0')
        return seckit_error_set(err, SECKIT_EINVAL, "KMS keyring needs a key id");
    return kms_new(out, key_id, ops, ctx, err);
}

int seckit_s3cse_keyring_kms_discovery_new(seckit_s3cse_keyring **out,
                                           const seckit_s3cse_kms_ops *ops, void *ctx,
                                           seckit_error *err)
{
    return kms_new(out, NULL, ops, ctx, err);
}

int seckit_s3cse_keyring_multi_new(seckit_s3cse_keyring **out,
                                   seckit_s3cse_keyring *const *children, size_t n,
                                   seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = NULL;
    if (n == 0 || children == NULL)
        return seckit_error_set(err, SECKIT_EINVAL, "multi keyring needs at least one keyring");
    for (size_t i = 0; i < n; i++)
        SKT_ENSURE(children[i] != NULL, err, SECKIT_EINVAL, "multi keyring child %zu is NULL", i);
    seckit_s3cse_keyring *kr;
    SKT_GUARD(kr_alloc(&kr, SKT_S3KR_MULTI, NULL, 0, err));
    kr->children = calloc(n, sizeof(*kr->children));
    if (kr->children == NULL) {
        seckit_s3cse_keyring_free(kr);
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        kr->children[i] = seckit_s3cse_keyring_ref(children[i]);
    kr->n_children = n;
    *out = kr;
    return 0;
}

/* ---- primitives -------------------------------------------------------------- */

static const EVP_CIPHER *aes_gcm(size_t len)
{
    return len == 16 ? EVP_aes_128_gcm() : len == 24 ? EVP_aes_192_gcm() : EVP_aes_256_gcm();
}

/* AES-GCM of one buffer: encrypt (tag out) or decrypt (tag in). */
static int gcm_once(int enc, const uint8_t *key, size_t key_len, const uint8_t iv[12],
                    const char *aad, const uint8_t *in, size_t n, uint8_t *out, uint8_t tag[16])
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int outl = 0, fl = 0;
    int ok = c != NULL && EVP_CipherInit_ex(c, aes_gcm(key_len), NULL, NULL, NULL, enc) == 1 &&
             EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
             EVP_CipherInit_ex(c, NULL, NULL, key, iv, enc) == 1 &&
             EVP_CipherUpdate(c, NULL, &outl, (const uint8_t *)aad, (int)strlen(aad)) == 1 &&
             EVP_CipherUpdate(c, out, &outl, in, (int)n) == 1;
    if (ok && !enc)
        ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag) == 1;
    ok = ok && EVP_CipherFinal_ex(c, out + outl, &fl) == 1;
    if (ok && enc)
        ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1;
    EVP_CIPHER_CTX_free(c);
    ERR_clear_error();
    return ok ? 0 : -1;
}

static int rsa_ctx_setup(EVP_PKEY_CTX *c, int pad, const char *md, const char *mgf1)
{
    if (EVP_PKEY_CTX_set_rsa_padding(c, pad) != 1)
        return -1;
    if (pad != RSA_PKCS1_OAEP_PADDING)
        return 0;
    OSSL_PARAM p[3];
    p[0] = OSSL_PARAM_construct_utf8_string(OSSL_ASYM_CIPHER_PARAM_OAEP_DIGEST, (char *)md, 0);
    p[1] = OSSL_PARAM_construct_utf8_string(OSSL_ASYM_CIPHER_PARAM_MGF1_DIGEST, (char *)mgf1, 0);
    p[2] = OSSL_PARAM_construct_end();
    return EVP_PKEY_CTX_set_params(c, p) == 1 ? 0 : -1;
}

/* RSA decrypt into out (cap bytes); -1 on any failure. */
static int rsa_dec(EVP_PKEY *k, int pad, const char *md, const char *mgf1, const uint8_t *in,
                   size_t n, uint8_t *out, size_t cap, size_t *out_len)
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL);
    *out_len = cap;
    int ok = c != NULL && EVP_PKEY_decrypt_init(c) == 1 && rsa_ctx_setup(c, pad, md, mgf1) == 0 &&
             EVP_PKEY_decrypt(c, out, out_len, in, n) == 1;
    EVP_PKEY_CTX_free(c);
    ERR_clear_error();
    return ok ? 0 : -1;
}

/* ---- wrap ------------------------------------------------------------------------ */

static int check_user_ec(const seckit_s3cse_options *o, seckit_error *err)
{
    for (size_t i = 0; i < o->encryption_context_count; i++) {
        const char *nm = o->encryption_context[i].name;
        SKT_ENSURE(nm != NULL, err, SECKIT_EINVAL, "encryption context pair %zu has no name", i);
        SKT_ENSURE(strcmp(nm, SECKIT_S3CSE_EC_CEK_ALG) != 0, err, SECKIT_EINVAL,
                   "encryption context key '%s' is reserved", SECKIT_S3CSE_EC_CEK_ALG);
    }
    return 0;
}

int skt_s3cse_wrap_key(const seckit_s3cse_keyring *kr, const seckit_s3cse_options *o,
                       skt_s3cse_env *e, uint8_t key[SKT_S3CSE_KEY_LEN], int generate,
                       seckit_error *err)
{
    int rc = 0;
    SKT_ENSURE(kr->kind != SKT_S3KR_MULTI, err, SECKIT_EINVAL,
               "a set of decryption keys cannot encrypt: give one key");
    if (kr->kind == SKT_S3KR_KMS) {
        SKT_ENSURE(kr->key_id != NULL, err, SECKIT_EINVAL,
                   "a KMS discovery keyring cannot encrypt: give a KMS key id");
        SKT_GUARD(check_user_ec(o, err));
        SKT_GUARD(
            skt_kvlist_copy(&e->desc, o->encryption_context, o->encryption_context_count, err));
        SKT_GUARD(skt_kvlist_add(&e->desc, SECKIT_S3CSE_EC_CEK_ALG, e->cek_alg_str, err));
        e->desc_is_ec = 1;
        e->wrap = SECKIT_S3CSE_WRAP_KMS_CONTEXT;
        uint8_t *blob = NULL;
        size_t blob_len = 0;
        if (generate) {
            SKT_ENSURE(kr->ops->generate_data_key != NULL, err, SECKIT_EINVAL,
                       "this KMS keyring cannot generate data keys");
            rc = kr->ops->generate_data_key(kr->ctx, kr->key_id, e->desc.kv, e->desc.count, key,
                                            &blob, &blob_len, err);
        } else {
            SKT_ENSURE(kr->ops->encrypt != NULL, err, SECKIT_EUNSUPPORTED,
                       "this KMS keyring cannot wrap an existing data key");
            rc = kr->ops->encrypt(kr->ctx, kr->key_id, key, e->desc.kv, e->desc.count, &blob,
                                  &blob_len, err);
        }
        if (rc != 0) {
            free(blob);
            skt_wipe(key, SKT_S3CSE_KEY_LEN);
            return rc < 0 ? rc : seckit_error_set(err, SECKIT_EINTERNAL, "KMS callback failed");
        }
        if (blob == NULL || blob_len == 0 || blob_len > SKT_S3CSE_MAX_EDK) {
            free(blob);
            skt_wipe(key, SKT_S3CSE_KEY_LEN);
            return seckit_error_set(err, SECKIT_EAWS, "KMS returned no usable ciphertext blob");
        }
        e->edk = blob;
        e->edk_len = blob_len;
        return 0;
    }
    if (generate && RAND_bytes(key, SKT_S3CSE_KEY_LEN) != 1)
        return seckit_error_set(err, SECKIT_ECRYPTO, "random number generator failed");
    SKT_GUARD(skt_kvlist_copy(&e->desc, kr->matdesc.kv, kr->matdesc.count, err));
    e->desc_is_ec = 0;
    if (kr->kind == SKT_S3KR_AES) {
        e->edk = malloc(GCM_WRAPPED_LEN);
        SKT_ENSURE(e->edk != NULL, err, SECKIT_ENOMEM, "out of memory");
        if (RAND_bytes(e->edk, 12) != 1)
            return seckit_error_set(err, SECKIT_ECRYPTO, "random number generator failed");
        if (gcm_once(1, kr->aes_key, kr->aes_len, e->edk, e->cek_alg_str, key, SKT_S3CSE_KEY_LEN,
                     e->edk + 12, e->edk + 12 + SKT_S3CSE_KEY_LEN) != 0)
            return seckit_error_set(err, SECKIT_ECRYPTO, "AES-GCM key wrapping failed");
        e->edk_len = GCM_WRAPPED_LEN;
        e->wrap = SECKIT_S3CSE_WRAP_AES_GCM;
        return 0;
    }
    /* RSA-OAEP-SHA1 over the pseudo data key 0x20 || key || algorithm. */
    size_t alen = strlen(e->cek_alg_str), plen = 1 + SKT_S3CSE_KEY_LEN + alen;
    uint8_t pseudo[1 + SKT_S3CSE_KEY_LEN + 32];
    SKT_ENSURE(alen <= 32, err, SECKIT_EINTERNAL, "content algorithm name too long");
    pseudo[0] = SKT_S3CSE_KEY_LEN;
    memcpy(pseudo + 1, key, SKT_S3CSE_KEY_LEN);
    memcpy(pseudo + 1 + SKT_S3CSE_KEY_LEN, e->cek_alg_str, alen);
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, kr->pkey, NULL);
    size_t out_len = 0;
    int ok = c != NULL && EVP_PKEY_encrypt_init(c) == 1 &&
             rsa_ctx_setup(c, RSA_PKCS1_OAEP_PADDING, "SHA1", "SHA1") == 0 &&
             EVP_PKEY_encrypt(c, NULL, &out_len, pseudo, plen) == 1 &&
             (e->edk = malloc(out_len)) != NULL &&
             EVP_PKEY_encrypt(c, e->edk, &out_len, pseudo, plen) == 1;
    EVP_PKEY_CTX_free(c);
    ERR_clear_error();
    skt_wipe(pseudo, sizeof(pseudo));
    SKT_ENSURE(ok, err, SECKIT_ECRYPTO, "RSA-OAEP key wrapping failed");
    e->edk_len = out_len;
    e->wrap = SECKIT_S3CSE_WRAP_RSA_OAEP_SHA1;
    return 0;
}

/* ---- unwrap ---------------------------------------------------------------------- */

static skt_s3kr_kind kind_for(seckit_s3cse_wrap_alg w)
{
    switch (w) {
    case SECKIT_S3CSE_WRAP_AES_GCM:
    case SECKIT_S3CSE_WRAP_AES_WRAP:
    case SECKIT_S3CSE_WRAP_V1_AES_ECB: return SKT_S3KR_AES;
    case SECKIT_S3CSE_WRAP_RSA_OAEP_SHA1:
    case SECKIT_S3CSE_WRAP_RSA_OAEP_SHA256:
    case SECKIT_S3CSE_WRAP_V1_RSA_PKCS1: return SKT_S3KR_RSA;
    case SECKIT_S3CSE_WRAP_KMS:
    case SECKIT_S3CSE_WRAP_KMS_CONTEXT: return SKT_S3KR_KMS;
    default: return (skt_s3kr_kind)0;
    }
}

static int unwrap_aes(const seckit_s3cse_keyring *kr, const skt_s3cse_env *e, uint8_t *key)
{
    if (e->wrap == SECKIT_S3CSE_WRAP_AES_GCM) {
        if (e->edk_len != GCM_WRAPPED_LEN)
            return -1;
        uint8_t tag[16];
        memcpy(tag, e->edk + 12 + SKT_S3CSE_KEY_LEN, 16);
        return gcm_once(0, kr->aes_key, kr->aes_len, e->edk, e->cek_alg_str, e->edk + 12,
                        SKT_S3CSE_KEY_LEN, key, tag);
    }
    const EVP_CIPHER *ciph;
    int pad;
    uint8_t out[SKT_S3CSE_KEY_LEN + 32];
    if (e->wrap == SECKIT_S3CSE_WRAP_AES_WRAP) {
        if (e->edk_len != SKT_S3CSE_KEY_LEN + 8)
            return -1;
        ciph = kr->aes_len == 16   ? EVP_aes_128_wrap()
               : kr->aes_len == 24 ? EVP_aes_192_wrap()
                                   : EVP_aes_256_wrap();
        pad = 0;
    } else {
        if (e->edk_len != 48)
            return -1;
        ciph = kr->aes_len == 16   ? EVP_aes_128_ecb()
               : kr->aes_len == 24 ? EVP_aes_192_ecb()
                                   : EVP_aes_256_ecb();
        pad = 1;
    }
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int l1 = 0, l2 = 0;
    if (c != NULL)
        EVP_CIPHER_CTX_set_flags(c, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    int ok = c != NULL && EVP_DecryptInit_ex(c, ciph, NULL, kr->aes_key, NULL) == 1 &&
             EVP_CIPHER_CTX_set_padding(c, pad) == 1 &&
             EVP_DecryptUpdate(c, out, &l1, e->edk, (int)e->edk_len) == 1 &&
             EVP_DecryptFinal_ex(c, out + l1, &l2) == 1 && l1 + l2 == SKT_S3CSE_KEY_LEN;
    EVP_CIPHER_CTX_free(c);
    ERR_clear_error();
    if (ok)
        memcpy(key, out, SKT_S3CSE_KEY_LEN);
    skt_wipe(out, sizeof(out));
    return ok ? 0 : -1;
}

static int unwrap_rsa(const seckit_s3cse_keyring *kr, const skt_s3cse_env *e, uint8_t *key)
{
    size_t cap = (size_t)EVP_PKEY_get_size(kr->pkey), n = 0;
    if (cap == 0 || e->edk_len != cap)
        return -1;
    uint8_t *out = skt_scratch_alloc(cap);
    if (out == NULL)
        return -2;
    int rc = -1;
    if (e->wrap == SECKIT_S3CSE_WRAP_RSA_OAEP_SHA1) {
        if (rsa_dec(kr->pkey, RSA_PKCS1_OAEP_PADDING, "SHA1", "SHA1", e->edk, e->edk_len, out, cap,
                    &n) == 0) {
            /* 0x20 || key || algorithm, checked without early exits. */
            size_t alen = strlen(e->cek_alg_str);
            if (n == 1 + SKT_S3CSE_KEY_LEN + alen) {
                unsigned bad = (unsigned)(out[0] ^ SKT_S3CSE_KEY_LEN);
                bad |= (unsigned)!skt_ct_equal(out + 1 + SKT_S3CSE_KEY_LEN, e->cek_alg_str, alen);
                if (bad == 0) {
                    memcpy(key, out + 1, SKT_S3CSE_KEY_LEN);
                    rc = 0;
                }
            }
        }
    } else if (e->wrap == SECKIT_S3CSE_WRAP_RSA_OAEP_SHA256) {
        /* SunJCE: OAEP SHA-256 with MGF1-SHA-1; BouncyCastle: MGF1-SHA-256. */
        if ((rsa_dec(kr->pkey, RSA_PKCS1_OAEP_PADDING, "SHA256", "SHA1", e->edk, e->edk_len, out,
                     cap, &n) == 0 ||
             rsa_dec(kr->pkey, RSA_PKCS1_OAEP_PADDING, "SHA256", "SHA256", e->edk, e->edk_len, out,
                     cap, &n) == 0) &&
            n == SKT_S3CSE_KEY_LEN) {
            memcpy(key, out, SKT_S3CSE_KEY_LEN);
            rc = 0;
        }
    } else if (rsa_dec(kr->pkey, RSA_PKCS1_PADDING, NULL, NULL, e->edk, e->edk_len, out, cap, &n) ==
                   0 &&
               n == SKT_S3CSE_KEY_LEN) {
        memcpy(key, out, SKT_S3CSE_KEY_LEN);
        rc = 0;
    }
    skt_secret_free(out);
    return rc;
}

/* The stored context, minus the entries the client adds itself, must equal
 * the caller's. */
static int kms_context_check(const skt_s3cse_env *e, const seckit_s3cse_options *o,
                             seckit_error *err)
{
    if (e->wrap == SECKIT_S3CSE_WRAP_KMS_CONTEXT) {
        const char *alg = skt_kvlist_get(e->desc.kv, e->desc.count, SECKIT_S3CSE_EC_CEK_ALG);
        SKT_ENSURE(!(alg == NULL || strcmp(alg, e->cek_alg_str) != 0), err, SECKIT_EAUTH,
                   "authentication failed: the stored encryption context's "
                   "aws:x-amz-cek-alg does not match the content algorithm");
    }
    size_t stored = 0;
    for (size_t i = 0; i < e->desc.count; i++) {
        const char *nm = e->desc.kv[i].name;
        if (strcmp(nm, SECKIT_S3CSE_EC_CEK_ALG) == 0 || strcmp(nm, "kms_cmk_id") == 0)
            continue;
        stored++;
        const char *v = skt_kvlist_get(o->encryption_context, o->encryption_context_count, nm);
        if (v == NULL || strcmp(v, e->desc.kv[i].value) != 0)
            goto mismatch;
    }
    size_t given = 0;
    for (size_t i = 0; i < o->encryption_context_count; i++) {
        const char *nm = o->encryption_context[i].name;
        SKT_ENSURE(nm != NULL, err, SECKIT_EINVAL, "encryption context pair %zu has no name", i);
        if (strcmp(nm, SECKIT_S3CSE_EC_CEK_ALG) != 0 && strcmp(nm, "kms_cmk_id") != 0)
            given++;
    }
    if (given == stored)
        return 0;
mismatch:
    return seckit_error_set(err, SECKIT_EAUTH,
                            "authentication failed: the object's encryption context does not "
                            "match the one given (--encryption-context)");
}

static int unwrap_kms(const seckit_s3cse_keyring *kr, const seckit_s3cse_options *o,
                      const skt_s3cse_env *e, uint8_t *key, seckit_error *err)
{
    SKT_GUARD(kms_context_check(e, o, err));
    int rc = kr->ops->decrypt(kr->ctx, kr->key_id, e->edk, e->edk_len, e->desc.kv, e->desc.count,
                              key, err);
    if (rc > 0)
        rc = seckit_error_set(err, SECKIT_EINTERNAL, "KMS callback failed");
    if (rc == SECKIT_EAUTH)
        return skt_s3cse_auth_fail(err);
    return rc;
}

/* One (non-multi) keyring: 0, SECKIT_EAUTH (generic) or another fault. */
static int unwrap_one(const seckit_s3cse_keyring *kr, const seckit_s3cse_options *o,
                      const skt_s3cse_env *e, uint8_t *key, seckit_error *err)
{
    int r;
    switch (kr->kind) {
    case SKT_S3KR_AES: r = unwrap_aes(kr, e, key); break;
    case SKT_S3KR_RSA:
        SKT_ENSURE(kr->has_private, err, SECKIT_EINVAL,
                   "the RSA key given is a public key: decrypting needs the "
                   "private key");
        r = unwrap_rsa(kr, e, key);
        SKT_ENSURE(r != -2, err, SECKIT_ENOMEM, "out of memory");
        break;
    case SKT_S3KR_KMS: return unwrap_kms(kr, o, e, key, err);
    default: r = -1;
    }
    if (r != 0) {
        skt_wipe(key, SKT_S3CSE_KEY_LEN);
        return skt_s3cse_auth_fail(err);
    }
    return 0;
}

int skt_s3cse_unwrap_key(const seckit_s3cse_keyring *kr, const seckit_s3cse_options *o,
                         const skt_s3cse_env *e, uint8_t key[SKT_S3CSE_KEY_LEN], seckit_error *err)
{
    skt_s3kr_kind want = kind_for(e->wrap);
    if (kr->kind != SKT_S3KR_MULTI) {
        if (kr->kind != want) {
            static const char *const kinds[] = {"?", "an AES key", "an RSA key", "a KMS key"};
            return seckit_error_set(err, SECKIT_EAUTH,
                                    "authentication failed: the object's data key is wrapped "
                                    "with %s, which needs %s",
                                    seckit_s3cse_wrap_alg_name(e->wrap), kinds[want]);
        }
        return unwrap_one(kr, o, e, key, err);
    }
    /* Multi: matching materials descriptions first, then the rest. */
    int fault = 0, tried = 0;
    seckit_error first;
    seckit_error_clear(&first);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < kr->n_children; i++) {
            const seckit_s3cse_keyring *c = kr->children[i];
            if (c->kind != want || (c->kind == SKT_S3KR_RSA && !c->has_private))
                continue;
            int match = c->kind != SKT_S3KR_KMS &&
                        skt_kv_equal(c->matdesc.kv, c->matdesc.count, e->desc.kv, e->desc.count);
            if (c->kind == SKT_S3KR_KMS ? pass != 0 : match != (pass == 0))
                continue;
            tried++;
            seckit_error e2;
            int rc = unwrap_one(c, o, e, key, &e2);
            if (rc == 0)
                return 0;
            if (rc != SECKIT_EAUTH && fault == 0) {
                fault = rc;
                first = e2;
            }
        }
    }
    if (fault != 0) {
        if (err != NULL)
            *err = first;
        return fault;
    }
    SKT_ENSURE(tried != 0, err, SECKIT_EAUTH,
               "authentication failed: none of the keys given can unwrap a "
               "data key wrapped with %s",
               seckit_s3cse_wrap_alg_name(e->wrap));
    return skt_s3cse_auth_fail(err);
}
