/* ESDK primitives on OpenSSL: HKDF key derivation and commitment, AES-GCM
 * with a reusable context, ECDSA P-256/P-384 footers with compressed public
 * keys (SPEC framework/transitive-requirements.md). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "crypto/esdk_internal.h"
#include "src/base/secmem.h"
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

/* The algorithms every message uses, fetched once per process: OpenSSL 3
 * otherwise fetches them by name on each use, under global locks, which
 * cost time per CloudFront field and made threads wait on each other.
 * The HMAC contexts are templates with their digest set; each use works on
 * a copy, so the templates are only ever read. */
enum { HASH_SHA256, HASH_SHA384, HASH_SHA512, HASH_COUNT };
static struct {
    EVP_CIPHER *gcm[3]; /* AES-128/192/256-GCM */
    EVP_MAC_CTX *hmac[HASH_COUNT];
} algs;
static pthread_once_t algs_once = PTHREAD_ONCE_INIT;

static void algs_fetch(void)
{
    static const char *const gcm[] = {"AES-128-GCM", "AES-192-GCM", "AES-256-GCM"};
    static const char *const md[HASH_COUNT] = {"SHA256", "SHA384", "SHA512"};
    for (size_t i = 0; i < SKT_ARRAY_LEN(gcm); i++)
        algs.gcm[i] = EVP_CIPHER_fetch(NULL, gcm[i], NULL);
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    for (size_t i = 0; mac != NULL && i < HASH_COUNT; i++) {
        EVP_MAC_CTX *c = EVP_MAC_CTX_new(mac);
        OSSL_PARAM params[2];
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)md[i], 0);
        params[1] = OSSL_PARAM_construct_end();
        if (c != NULL && EVP_MAC_CTX_set_params(c, params) != 1) {
            EVP_MAC_CTX_free(c);
            c = NULL;
        }
        algs.hmac[i] = c;
    }
    EVP_MAC_free(mac); /* the contexts hold their own references */
    ERR_clear_error();
}

static int hash_index(skt_hash h, size_t *hash_len)
{
    switch (h) {
    case SKT_HASH_SHA256: *hash_len = 32; return HASH_SHA256;
    case SKT_HASH_SHA384: *hash_len = 48; return HASH_SHA384;
    case SKT_HASH_SHA512: *hash_len = 64; return HASH_SHA512;
    default: return -1;
    }
}

/* HMAC (hash index i) of the concatenation of n parts into out. */
static int hmac(int i, const uint8_t *key, size_t key_len, const uint8_t *const *parts,
                const size_t *lens, size_t n, uint8_t *out, size_t out_cap)
{
    EVP_MAC_CTX *c = EVP_MAC_CTX_dup(algs.hmac[i]);
    size_t out_len = 0;
    int ok = c != NULL && EVP_MAC_init(c, key, key_len, NULL) == 1;
    for (size_t k = 0; ok && k < n; k++)
        ok = lens[k] == 0 || EVP_MAC_update(c, parts[k], lens[k]) == 1;
    ok = ok && EVP_MAC_final(c, out, &out_len, out_cap) == 1;
    EVP_MAC_CTX_free(c); /* cleanses the keyed state */
    return ok ? 0 : -1;
}

/* HKDF (RFC 5869) on the once-fetched HMAC: OpenSSL 3.0's own HKDF cannot
 * be copied from a template, so it would fetch its digest on every use. */
static int hkdf(skt_hash h, const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
                size_t ikm_len, const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len,
                seckit_error *err)
{
    size_t hash_len = 0;
    int i = hash_index(h, &hash_len);
    pthread_once(&algs_once, algs_fetch);
    if (i < 0 || algs.hmac[i] == NULL || out_len > 255 * hash_len)
        return seckit_error_set(err, SECKIT_ECRYPTO, "HKDF key derivation failed");
    uint8_t zeros[64] = {0}, prk[64], t[64];
    if (salt == NULL) { /* zeros of the hash length */
        salt = zeros;
        salt_len = hash_len;
    }
    int rc = hmac(i, salt, salt_len, &ikm, &ikm_len, 1, prk, sizeof(prk));
    size_t t_len = 0;
    for (size_t done = 0, step; rc == 0 && done < out_len; done += step) {
        uint8_t counter = (uint8_t)(done / hash_len + 1);
        const uint8_t *parts[3] = {t, info, &counter};
        const size_t lens[3] = {t_len, info_len, 1};
        rc = hmac(i, prk, hash_len, parts, lens, 3, t, sizeof(t));
        t_len = hash_len;
        step = out_len - done < hash_len ? out_len - done : hash_len;
        if (rc == 0)
            memcpy(out + done, t, step);
    }
    skt_wipe(prk, sizeof(prk));
    skt_wipe(t, sizeof(t));
    if (rc != 0) {
        skt_wipe(out, out_len);
        ERR_clear_error();
        return seckit_error_set(err, SECKIT_ECRYPTO, "HKDF key derivation failed");
    }
    return 0;
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
    SKT_GUARD(hkdf(s->kdf, msg_id, 32, data_key, s->key_len, info, 11, key_out, s->key_len, err));
    return hkdf(s->kdf, msg_id, 32, data_key, s->key_len, (const uint8_t *)"COMMITKEY", 9,
                commit_out, SKT_ESDK_COMMIT_LEN, err);
}

/* ---- AES-GCM ------------------------------------------------------------ */

struct skt_gcm {
    EVP_CIPHER_CTX *ctx;
    int encrypt;
};

int skt_gcm_new(skt_gcm **out, const uint8_t *key, size_t key_len, int encrypt, seckit_error *err)
{
    *out = NULL;
    pthread_once(&algs_once, algs_fetch);
    const EVP_CIPHER *c = algs.gcm[key_len == 16 ? 0 : key_len == 24 ? 1 : 2];
    skt_gcm *g = calloc(1, sizeof(*g));
    SKT_ENSURE(g != NULL, err, SECKIT_ENOMEM, "out of memory");
    g->ctx = EVP_CIPHER_CTX_new();
    g->encrypt = encrypt;
    int ok = c != NULL && g->ctx != NULL &&
             EVP_CipherInit_ex(g->ctx, c, NULL, NULL, NULL, encrypt) == 1 &&
             EVP_CIPHER_CTX_ctrl(g->ctx, EVP_CTRL_GCM_SET_IVLEN, SKT_ESDK_IV_LEN, NULL) == 1 &&
             EVP_CipherInit_ex(g->ctx, NULL, NULL, key, NULL, encrypt) == 1;
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
                 const uint8_t *aad2, size_t aad2_len, const uint8_t *in, size_t n, uint8_t *out,
                 uint8_t *tag, seckit_error *err)
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

static const char *hash_name(skt_hash h)
{
    switch (h) {
    case SKT_HASH_SHA256: return "SHA256";
    case SKT_HASH_SHA384: return "SHA384";
    case SKT_HASH_SHA512: return "SHA512";
    default: return NULL;
    }
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
    SKT_ENSURE(g->md != NULL, err, SECKIT_ENOMEM, "out of memory");
    int ok = g->signer ? EVP_DigestSignInit_ex(g->md, NULL, hash_name(s->sig_hash), NULL, NULL,
                                               g->key, NULL)
                       : EVP_DigestVerifyInit_ex(g->md, NULL, hash_name(s->sig_hash), NULL, NULL,
                                                 g->key, NULL);
    SKT_ENSURE(ok == 1, err, SECKIT_ECRYPTO, "ECDSA setup failed");
    return 0;
}

int skt_sig_signer_new(skt_sig **out, const skt_esdk_suite *s, char **pub_b64, seckit_error *err)
{
    int rc;
    uint8_t point[97];
    size_t plen = 0;
    *out = NULL;
    *pub_b64 = NULL;
    skt_sig *g = calloc(1, sizeof(*g));
    SKT_ENSURE(g != NULL, err, SECKIT_ENOMEM, "out of memory");
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
    SKT_ENSURE_GOTO(*pub_b64 != NULL, err, rc, fail, SECKIT_ENOMEM, "out of memory");
    SKT_GUARD_GOTO(seckit_base64_encode(*pub_b64, cap, &blen, point, plen, SECKIT_BASE64_STANDARD,
                                        err),
                   rc, fail);
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
        seckit_base64_decode(point, sizeof(point), &plen, b64, len, SECKIT_BASE64_STANDARD, NULL) !=
            0 ||
        plen != s->point_len || (point[0] != 2 && point[0] != 3))
        return seckit_error_set(err, SECKIT_EFORMAT,
                                "encryption context: aws-crypto-public-key is not a base64 "
                                "compressed %s point",
                                s->curve);
    skt_sig *g = calloc(1, sizeof(*g));
    SKT_ENSURE(g != NULL, err, SECKIT_ENOMEM, "out of memory");
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
    SKT_ENSURE(ok == 1, err, SECKIT_ECRYPTO, "ECDSA digest failed");
    return 0;
}

int skt_sig_sign_final(skt_sig *g, uint8_t **sig, size_t *sig_len, seckit_error *err)
{
    size_t n = 0;
    *sig = NULL;
    if (EVP_DigestSignFinal(g->md, NULL, &n) != 1 || n == 0)
        return seckit_error_set(err, SECKIT_ECRYPTO, "ECDSA signing failed");
    *sig = malloc(n);
    SKT_ENSURE(*sig != NULL, err, SECKIT_ENOMEM, "out of memory");
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
