/* Raw RSA and raw AES keyrings (SPEC framework/raw-rsa-keyring.md,
 * framework/raw-aes-keyring.md).  Every unwrap failure is reported as the
 * same generic SECKIT_EAUTH, with no hint of why (no padding oracle). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "crypto/esdk_internal.h"
#include "crypto/rsa_key.h"
#include "src/base/secmem.h"
#include "src/base/guard.h"

void skt_raw_rsa_free_key(void *pkey)
{
    EVP_PKEY_free(pkey);
}

int seckit_keyring_raw_rsa_new(seckit_keyring **out, const char *key_namespace,
                               const char *key_name, seckit_rsa_padding padding, const uint8_t *key,
                               size_t key_len, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = NULL;
    SKT_ENSURE_ARG(key != NULL && key_len > 0, err);
    if (padding < SECKIT_RSA_PKCS1 || padding > SECKIT_RSA_OAEP_SHA512)
        return seckit_error_set(err, SECKIT_EINVAL, "unknown RSA padding %d", (int)padding);
    SKT_GUARD(skt_crypto_init(err));
    seckit_keyring *kr;
    SKT_GUARD(skt_keyring_alloc(&kr, SKT_KR_RSA, key_namespace, key_name, err));
    int has_private = 0;
    EVP_PKEY *pkey = NULL;
    int rc = skt_rsa_key_decode(key, key_len, &pkey, &has_private, err);
    if (rc != 0) {
        seckit_keyring_free(kr);
        return rc;
    }
    kr->pkey = pkey;
    kr->has_private = has_private;
    kr->padding = padding;
    *out = kr;
    return 0;
}

static const char *oaep_md(seckit_rsa_padding p)
{
    switch (p) {
    case SECKIT_RSA_OAEP_SHA1: return "SHA1";
    case SECKIT_RSA_OAEP_SHA256: return "SHA256";
    case SECKIT_RSA_OAEP_SHA384: return "SHA384";
    case SECKIT_RSA_OAEP_SHA512: return "SHA512";
    default: return NULL;
    }
}

static int rsa_setup(EVP_PKEY_CTX *ctx, seckit_rsa_padding p)
{
    if (p == SECKIT_RSA_PKCS1)
        return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0;
    /* OAEP: the same hash for OAEP and MGF1, empty label. */
    return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) > 0 &&
           EVP_PKEY_CTX_set_rsa_oaep_md_name(ctx, oaep_md(p), NULL) > 0 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md_name(ctx, oaep_md(p), NULL) > 0;
}

int skt_raw_rsa_encrypt(const seckit_keyring *kr, seckit_keyring_materials *m, seckit_error *err)
{
    int rc = 0;
    if (!m->has_key)
        SKT_GUARD(seckit_keyring_materials_generate_data_key(m, err));
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, kr->pkey, NULL);
    size_t outlen = 0;
    uint8_t *ct = NULL;
    if (ctx == NULL || EVP_PKEY_encrypt_init(ctx) <= 0 || !rsa_setup(ctx, kr->padding) ||
        EVP_PKEY_encrypt(ctx, NULL, &outlen, m->data_key, m->suite->key_len) <= 0 ||
        (ct = malloc(outlen)) == NULL ||
        EVP_PKEY_encrypt(ctx, ct, &outlen, m->data_key, m->suite->key_len) <= 0) {
        rc = seckit_error_set(err, SECKIT_ECRYPTO, "RSA key wrapping failed");
        goto done;
    }
    seckit_esdk_edk edk = {
        (const uint8_t *)kr->ns, kr->ns_len, (const uint8_t *)kr->name, kr->name_len, ct, outlen};
    rc = seckit_keyring_materials_add_edk(m, &edk, err);
done:
    ERR_clear_error();
    free(ct);
    EVP_PKEY_CTX_free(ctx);
    return rc;
}

int skt_raw_rsa_decrypt(const seckit_keyring *kr, seckit_keyring_materials *m,
                        const seckit_esdk_edk *edks, size_t n, seckit_error *err)
{
    if (!kr->has_private)
        return skt_esdk_auth_fail(err);
    uint8_t *buf = NULL;
    size_t cap = (size_t)EVP_PKEY_get_size(kr->pkey);
    buf = skt_scratch_alloc(cap);
    SKT_ENSURE(buf != NULL, err, SECKIT_ENOMEM, "out of secure memory");
    for (size_t i = 0; i < n && !m->has_key; i++) {
        const seckit_esdk_edk *e = &edks[i];
        if (e->provider_id_len != kr->ns_len || e->provider_info_len != kr->name_len ||
            memcmp(e->provider_id, kr->ns, kr->ns_len) != 0 ||
            memcmp(e->provider_info, kr->name, kr->name_len) != 0)
            continue;
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, kr->pkey, NULL);
        size_t outlen = cap;
        int ok = ctx != NULL && EVP_PKEY_decrypt_init(ctx) > 0 && rsa_setup(ctx, kr->padding) &&
                 EVP_PKEY_decrypt(ctx, buf, &outlen, e->ciphertext, e->ciphertext_len) > 0;
        EVP_PKEY_CTX_free(ctx);
        ERR_clear_error();
        /* A wrong-length key counts as a failed unwrap, like any other. */
        if (ok && outlen == m->suite->key_len) {
            memcpy(m->data_key, buf, outlen);
            m->has_key = 1;
        }
        skt_wipe(buf, cap);
    }
    skt_secret_free(buf);
    return m->has_key ? 0 : skt_esdk_auth_fail(err);
}

/* ---- raw AES ---------------------------------------------------------------- */

int seckit_keyring_raw_aes_new(seckit_keyring **out, const char *key_namespace,
                               const char *key_name, const uint8_t *key, size_t key_len,
                               seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = NULL;
    SKT_ENSURE_ARG(key != NULL, err);
    SKT_ENSURE(!(key_len != 16 && key_len != 24 && key_len != 32), err, SECKIT_EINVAL,
               "AES wrapping key must be 16, 24 or 32 bytes, not %zu", key_len);
    SKT_GUARD(skt_crypto_init(err));
    seckit_keyring *kr;
    SKT_GUARD(skt_keyring_alloc(&kr, SKT_KR_AES, key_namespace, key_name, err));
    kr->aes_key = skt_secret_alloc(key_len);
    if (kr->aes_key == NULL) {
        seckit_keyring_free(kr);
        return seckit_error_set(err, SECKIT_ENOMEM, "out of secure memory");
    }
    memcpy(kr->aes_key, key, key_len);
    kr->aes_len = key_len;
    *out = kr;
    return 0;
}

int skt_raw_aes_encrypt(const seckit_keyring *kr, seckit_keyring_materials *m, seckit_error *err)
{
    int rc;
    skt_gcm *g = NULL;
    uint8_t iv[SKT_ESDK_IV_LEN], ct[SKT_ESDK_MAX_KEY_LEN + SKT_ESDK_TAG_LEN];
    const uint8_t *aad;
    size_t aad_len, klen = m->suite->key_len;
    if (!m->has_key)
        SKT_GUARD(seckit_keyring_materials_generate_data_key(m, err));
    SKT_GUARD(skt_esdk_random(iv, sizeof(iv), err));
    seckit_keyring_materials_context_bytes(m, &aad, &aad_len);
    SKT_GUARD(skt_gcm_new(&g, kr->aes_key, kr->aes_len, 1, err));
    rc = skt_gcm_seal(g, iv, aad, aad_len, NULL, 0, m->data_key, klen, ct, ct + klen, err);
    skt_gcm_free(g);
    SKT_GUARD(rc);
    /* provider info = name || tag bits (u32) || IV length (u32) || IV */
    size_t info_len = kr->name_len + 8 + SKT_ESDK_IV_LEN;
    uint8_t *info = malloc(info_len);
    SKT_ENSURE(info != NULL, err, SECKIT_ENOMEM, "out of memory");
    memcpy(info, kr->name, kr->name_len);
    uint8_t *q = info + kr->name_len;
    q[0] = q[1] = q[2] = 0;
    q[3] = SKT_ESDK_TAG_LEN * 8;
    q[4] = q[5] = q[6] = 0;
    q[7] = SKT_ESDK_IV_LEN;
    memcpy(q + 8, iv, SKT_ESDK_IV_LEN);
    seckit_esdk_edk edk = {(const uint8_t *)kr->ns, kr->ns_len, info, info_len, ct,
                           klen + SKT_ESDK_TAG_LEN};
    rc = seckit_keyring_materials_add_edk(m, &edk, err);
    free(info);
    return rc;
}

int skt_raw_aes_decrypt(const seckit_keyring *kr, seckit_keyring_materials *m,
                        const seckit_esdk_edk *edks, size_t n, seckit_error *err)
{
    static const uint8_t lens[8] = {0, 0, 0, SKT_ESDK_TAG_LEN * 8, 0, 0, 0, SKT_ESDK_IV_LEN};
    const uint8_t *aad;
    size_t aad_len, klen = m->suite->key_len;
    skt_gcm *g = NULL;
    seckit_error tmp;
    SKT_GUARD(skt_gcm_new(&g, kr->aes_key, kr->aes_len, 0, err));
    seckit_keyring_materials_context_bytes(m, &aad, &aad_len);
    for (size_t i = 0; i < n && !m->has_key; i++) {
        const seckit_esdk_edk *e = &edks[i];
        if (e->provider_id_len != kr->ns_len || memcmp(e->provider_id, kr->ns, kr->ns_len) != 0 ||
            e->provider_info_len != kr->name_len + 8 + SKT_ESDK_IV_LEN ||
            memcmp(e->provider_info, kr->name, kr->name_len) != 0 ||
            memcmp(e->provider_info + kr->name_len, lens, 8) != 0 ||
            e->ciphertext_len != klen + SKT_ESDK_TAG_LEN)
            continue;
        const uint8_t *iv = e->provider_info + kr->name_len + 8;
        if (skt_gcm_open(g, iv, aad, aad_len, NULL, 0, e->ciphertext, klen, e->ciphertext + klen,
                         m->data_key, &tmp) == 0)
            m->has_key = 1;
    }
    skt_gcm_free(g);
    return m->has_key ? 0 : skt_esdk_auth_fail(err);
}
