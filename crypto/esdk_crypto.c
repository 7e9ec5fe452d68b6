/* ESDK primitives on OpenSSL: HKDF key derivation and commitment, AES-GCM
 * with a reusable context, ECDSA P-256/P-384 footers with compressed public
 * keys (SPEC framework/transitive-requirements.md). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "crypto/esdk_internal.h"
#include "crypto/secmem.h"
#include "seckit/encoding.h"
#include "src/base/guard.h"

int skt_esdk_random(void *p, size_t n, seckit_error *err)
{
    if (n == 0)
        return 0;
    if (n > (size_t)0x7fffffff || RAND_bytes(p, (int)n) != 1)
        return seckit_error_set(err, SECKIT_ECRYPTO, "random number generator failed");
    return 0;
}

static const char *hash_name(skt_hash h)
{
    switch (h) {
    case SKT_HASH_SHA256: return "SHA256";
    case SKT_HASH_SHA384: return "SHA384";
    case SKT_HASH_SHA512: return "SHA512";
    default: return NULL;
    }
}

static int hkdf(skt_hash h, const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
                size_t ikm_len, const uint8_t *info, size_t info_len, uint8_t *out,
                size_t out_len, seckit_error *err)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *kctx = kdf != NULL ? EVP_KDF_CTX_new(kdf) : NULL;
    int rc = 0;
    uint8_t zeros[64] = {0};
    OSSL_PARAM params[5], *p = params;
    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)hash_name(h), 0);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikm_len);
    if (salt == NULL) { /* zeros of the hash length */
        salt = zeros;
        salt_len = (size_t)EVP_MD_get_size(EVP_get_digestbyname(hash_name(h)));
    }
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, info_len);
    *p = OSSL_PARAM_construct_end();
    if (kctx == NULL || EVP_KDF_derive(kctx, out, out_len, params) <= 0)
        rc = seckit_error_set(err, SECKIT_ECRYPTO, "HKDF key derivation failed");
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
    return rc;
}

int skt_esdk_derive(const skt_esdk_suite *s, const uint8_t *data_key, const uint8_t *msg_id,
                    uint8_t *key_out, uint8_t *commit_out, seckit_error *err)
{
    uint8_t info[2 + 32];
    info[0] = (uint8_t)(s->id >> 8);
    info[1] = (uint8_t)s->id;
    if (s->kdf == SKT_HASH_NONE) {
        memcpy(key_out, data_key, s->key_len);
        return 0;
    }
    if (s->version == 1) {
        memcpy(info + 2, msg_id, 16);
        return hkdf(s->kdf, NULL, 0, data_key, s->key_len, info, 18, key_out, s->key_len, err);
    }
    memcpy(info + 2, "DERIVEKEY", 9);
    SKT_GUARD(hkdf(s->kdf, msg_id, 32, data_key, s->key_len, info, 11, key_out, s->key_len,
                   err));
    return hkdf(s->kdf, msg_id, 32, data_key, s->key_len, (const uint8_t *)"COMMITKEY", 9,
                commit_out, SKT_ESDK_COMMIT_LEN, err);
}

/* ---- AES-GCM ------------------------------------------------------------ */

struct skt_gcm {
    EVP_CIPHER_CTX *ctx;
    int encrypt;
};

int skt_gcm_new(skt_gcm **out, const uint8_t *key, size_t key_len, int encrypt,
                seckit_error *err)
{
    const char *name = key_len == 16 ? "AES-128-GCM" : key_len == 24 ? "AES-192-GCM"
                                                                     : "AES-256-GCM";
    *out = NULL;
    skt_gcm *g = calloc(1, sizeof(*g));
    if (g == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, name, NULL);
    g->ctx = EVP_CIPHER_CTX_new();
    g->encrypt = encrypt;
    int ok = c != NULL && g->ctx != NULL &&
             EVP_CipherInit_ex(g->ctx, c, NULL, NULL, NULL, encrypt) == 1 &&
             EVP_CIPHER_CTX_ctrl(g->ctx, EVP_CTRL_GCM_SET_IVLEN, SKT_ESDK_IV_LEN, NULL) == 1 &&
             EVP_CipherInit_ex(g->ctx, NULL, NULL, key, NULL, encrypt) == 1;
    EVP_CIPHER_free(c);
    if (!ok) {
        skt_gcm_free(g);
        return seckit_error_set(err, SECKIT_ECRYPTO, "AES-GCM setup failed");
    }
    *out = g;
    return 0;
}

void skt_gcm_free(skt_gcm *g)
{
    if (g == NULL)
        return;
    EVP_CIPHER_CTX_free(g->ctx); /* cleans the key schedule */
    free(g);
}

/* Feed in in chunks of at most INT_MAX. */
static int gcm_update(EVP_CIPHER_CTX *ctx, uint8_t *out, const uint8_t *in, size_t n)
{
    while (n > 0) {
        int chunk = n > (size_t)0x40000000 ? 0x40000000 : (int)n, outl = 0;
        if (EVP_CipherUpdate(ctx, out, &outl, in, chunk) != 1)
            return -1;
        if (out != NULL)
            out += chunk;
        in += chunk;
        n -= (size_t)chunk;
    }
    return 0;
}

static int gcm_start(skt_gcm *g, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
                     const uint8_t *aad2, size_t aad2_len)
{
    int outl;
    if (EVP_CipherInit_ex(g->ctx, NULL, NULL, NULL, iv, g->encrypt) != 1)
        return -1;
    if (aad_len > 0 && gcm_update(g->ctx, NULL, aad, aad_len) != 0)
        return -1;
    if (aad2_len > 0 && gcm_update(g->ctx, NULL, aad2, aad2_len) != 0)
        return -1;
    (void)outl;
    return 0;
}

int skt_gcm_seal(skt_gcm *g, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
                 const uint8_t *aad2, size_t aad2_len, const uint8_t *in, size_t n,
                 uint8_t *out, uint8_t *tag, seckit_error *err)
{
    int outl = 0;
    if (gcm_start(g, iv, aad, aad_len, aad2, aad2_len) != 0 ||
        (n > 0 && gcm_update(g->ctx, out, in, n) != 0) ||
        EVP_CipherFinal_ex(g->ctx, out + n, &outl) != 1 ||
        EVP_CIPHER_CTX_ctrl(g->ctx, EVP_CTRL_GCM_GET_TAG, SKT_ESDK_TAG_LEN, tag) != 1)
        return seckit_error_set(err, SECKIT_ECRYPTO, "AES-GCM encryption failed");
    return 0;
}

int skt_gcm_open(skt_gcm *g, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
                 const uint8_t *aad2, size_t aad2_len, const uint8_t *in, size_t n,
                 const uint8_t *tag, uint8_t *out, seckit_error *err)
{
    int outl = 0;
    uint8_t t[SKT_ESDK_TAG_LEN];
    memcpy(t, tag, sizeof(t));
    if (gcm_start(g, iv, aad, aad_len, aad2, aad2_len) != 0 ||
        (n > 0 && gcm_update(g->ctx, out, in, n) != 0) ||
        EVP_CIPHER_CTX_ctrl(g->ctx, EVP_CTRL_GCM_SET_TAG, SKT_ESDK_TAG_LEN, t) != 1)
        return seckit_error_set(err, SECKIT_ECRYPTO, "AES-GCM decryption failed");
    /* The tag comparison inside OpenSSL is constant-time. */
    if (EVP_CipherFinal_ex(g->ctx, out + n, &outl) != 1) {
        skt_wipe(out, n);
        return skt_esdk_auth_fail(err);
    }
    return 0;
}

/* ---- ECDSA -------------------------------------------------------------- */

struct skt_sig {
    EVP_MD_CTX *md;
    EVP_PKEY *key;
    int signer;
};

void skt_sig_free(skt_sig *g)
{
    if (g == NULL)
        return;
    EVP_MD_CTX_free(g->md);
    EVP_PKEY_free(g->key);
    free(g);
}

static int sig_start(skt_sig *g, const skt_esdk_suite *s, seckit_error *err)
{
    g->md = EVP_MD_CTX_new();
    if (g->md == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    int ok = g->signer ? EVP_DigestSignInit_ex(g->md, NULL, hash_name(s->sig_hash), NULL, NULL,
                                               g->key, NULL)
                       : EVP_DigestVerifyInit_ex(g->md, NULL, hash_name(s->sig_hash), NULL, NULL,
                                                 g->key, NULL);
    if (ok != 1)
        return seckit_error_set(err, SECKIT_ECRYPTO, "ECDSA setup failed");
    return 0;
}

int skt_sig_signer_new(skt_sig **out, const skt_esdk_suite *s, char **pub_b64,
                       seckit_error *err)
{
    int rc;
    uint8_t point[97];
    size_t plen = 0;
    *out = NULL;
    *pub_b64 = NULL;
    skt_sig *g = calloc(1, sizeof(*g));
    if (g == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    g->signer = 1;
    g->key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", s->curve);
    /* The uncompressed point 04 || X || Y, compressed by hand (SEC1 2.3.3):
     * 02 or 03 (the parity of Y) || X. */
    if (g->key == NULL ||
        EVP_PKEY_get_octet_string_param(g->key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point),
                                        &plen) != 1 ||
        plen != 2u * (s->point_len - 1u) + 1u || point[0] != 4) {
        rc = seckit_error_set(err, SECKIT_ECRYPTO, "ECDSA %s key generation failed", s->curve);
        goto fail;
    }
    point[0] = (uint8_t)(2 | (point[plen - 1] & 1));
    plen = s->point_len;
    size_t cap = seckit_base64_encoded_len(plen, SECKIT_BASE64_STANDARD);
    *pub_b64 = malloc(cap);
    size_t blen;
    if (*pub_b64 == NULL) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        goto fail;
    }
    SKT_GUARD_GOTO(seckit_base64_encode(*pub_b64, cap, &blen, point, plen,
                                        SECKIT_BASE64_STANDARD, err), rc, fail);
    SKT_GUARD_GOTO(sig_start(g, s, err), rc, fail);
    *out = g;
    return 0;
fail:
    free(*pub_b64);
    *pub_b64 = NULL;
    skt_sig_free(g);
    return rc;
}

int skt_sig_verifier_new(skt_sig **out, const skt_esdk_suite *s, const char *b64, size_t len,
                         seckit_error *err)
{
    uint8_t point[100];
    size_t plen = 0;
    int rc;
    *out = NULL;
    if (len > 136 ||
        seckit_base64_decode(point, sizeof(point), &plen, b64, len, SECKIT_BASE64_STANDARD,
                             NULL) != 0 ||
        plen != s->point_len || (point[0] != 2 && point[0] != 3))
        return seckit_error_set(err, SECKIT_EFORMAT,
                                "encryption context: aws-crypto-public-key is not a base64 "
                                "compressed %s point", s->curve);
    skt_sig *g = calloc(1, sizeof(*g));
    if (g == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    OSSL_PARAM params[3];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)s->curve, 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, plen);
    params[2] = OSSL_PARAM_construct_end();
    if (pctx == NULL || EVP_PKEY_fromdata_init(pctx) != 1 ||
        EVP_PKEY_fromdata(pctx, &g->key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
        EVP_PKEY_CTX_free(pctx);
        skt_sig_free(g);
        return seckit_error_set(err, SECKIT_EFORMAT,
                                "encryption context: aws-crypto-public-key is not a point on %s",
                                s->curve);
    }
    EVP_PKEY_CTX_free(pctx);
    SKT_GUARD_GOTO(sig_start(g, s, err), rc, fail);
    *out = g;
    return 0;
fail:
    skt_sig_free(g);
    return rc;
}

int skt_sig_update(skt_sig *g, const uint8_t *p, size_t n, seckit_error *err)
{
    if (n == 0)
        return 0;
    int ok = g->signer ? EVP_DigestSignUpdate(g->md, p, n) : EVP_DigestVerifyUpdate(g->md, p, n);
    if (ok != 1)
        return seckit_error_set(err, SECKIT_ECRYPTO, "ECDSA digest failed");
    return 0;
}

int skt_sig_sign_final(skt_sig *g, uint8_t **sig, size_t *sig_len, seckit_error *err)
{
    size_t n = 0;
    *sig = NULL;
    if (EVP_DigestSignFinal(g->md, NULL, &n) != 1 || n == 0)
        return seckit_error_set(err, SECKIT_ECRYPTO, "ECDSA signing failed");
    *sig = malloc(n);
    if (*sig == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    if (EVP_DigestSignFinal(g->md, *sig, &n) != 1) {
        free(*sig);
        *sig = NULL;
        return seckit_error_set(err, SECKIT_ECRYPTO, "ECDSA signing failed");
    }
    *sig_len = n;
    return 0;
}

int skt_sig_verify_final(skt_sig *g, const uint8_t *sig, size_t sig_len, seckit_error *err)
{
    if (EVP_DigestVerifyFinal(g->md, sig, sig_len) != 1)
        return skt_esdk_auth_fail(err);
    return 0;
}
