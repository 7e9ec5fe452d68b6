/* CloudFront FLE encryption (as CloudFront does it) and decryption at the
 * origin, on top of the ESDK message format (seckit/esdk.h). */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "crypto/esdk_internal.h"
#include "crypto/fle_internal.h"
#include "crypto/secmem.h"
#include "src/base/guard.h"
#include "seckit/encoding.h"
#include "seckit/esdk.h"
#include "seckit/fle.h"

/* What CloudFront writes: suite 0x0178, empty context, 4096-byte frames. */
#define FLE_SUITE SECKIT_ESDK_SUITE_AES256_GCM_HKDF_SHA256
#define FLE_FRAME_LENGTH 4096u
/* Room for a header, frame overhead and a footer around a field's plaintext
 * when bounding an encrypted value before decoding it. */
#define FLE_MESSAGE_OVERHEAD 16384u
/* Largest frame length accepted when decrypting (encryptors use 4096 by
 * default; the ESDK for C 256 KiB). */
#define FLE_MAX_FRAME_LENGTH (1024u * 1024u)

/* ---- encryption */

/* Encrypt one decoded value with an entity: base64 of the ESDK message. */
static int encrypt_value(const skt_fle_entity *e, const void *value, size_t len, char **out,
                         size_t *out_len, seckit_error *err)
{
    seckit_esdk_options opts;
    seckit_keyring *kr = NULL;
    uint8_t *msg = NULL;
    size_t msg_len = 0;
    /* The keyring is made per call from the profile's PEM, so profiles stay
     * plain data (parsing a public key costs little next to RSA). */
    int rc = seckit_keyring_raw_rsa_new(&kr, e->provider_id, e->key->name,
                                        SECKIT_RSA_OAEP_SHA256, (const uint8_t *)e->key->pem,
                                        e->key->pem_len, err);
    if (rc != 0)
        return rc;
    seckit_esdk_options_init(&opts);
    opts.suite = FLE_SUITE;
    opts.frame_length = FLE_FRAME_LENGTH;
    opts.commitment_policy = SECKIT_ESDK_FORBID_ENCRYPT_ALLOW_DECRYPT;
    opts.max_encrypted_data_keys = 1;
    rc = seckit_esdk_encrypt(kr, &opts, NULL, value, len, &msg, &msg_len, err);
    seckit_keyring_free(kr);
    if (rc != 0)
        return rc;
    size_t cap = seckit_base64_encoded_len(msg_len, SECKIT_BASE64_STANDARD);
    char *b64 = malloc(cap);
    if (b64 == NULL) {
        free(msg);
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    rc = seckit_base64_encode(b64, cap, out_len, msg, msg_len, SECKIT_BASE64_STANDARD, err);
    free(msg);
    if (rc != 0) {
        free(b64);
        return rc;
    }
    *out = b64;
    return 0;
}

/* A field name fit for a message: printable ASCII, at most 64 characters. */
static void printable_name(char *out, size_t cap, const char *name, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 5 < cap; i++) {
        unsigned char c = (unsigned char)name[i];
        if (i >= 64) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (c >= 0x20 && c < 0x7f && c != '\'') {
            out[o++] = (char)c;
        } else {
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
        }
    }
    out[o] = '\0';
}

int seckit_fle_encrypt_value(const seckit_fle_profile *profile, const char *field_name,
                             const void *value, size_t len, char **out, size_t *out_len,
                             seckit_error *err)
{
    if (profile == NULL || field_name == NULL || (value == NULL && len > 0) || out == NULL ||
        out_len == NULL)
        return seckit_error_set(err, SECKIT_EINVAL, "seckit_fle_encrypt_value: invalid argument");
    const skt_fle_entity *e = skt_fle_profile_match(profile, field_name, strlen(field_name));
    if (e == NULL)
        return seckit_error_set(err, SECKIT_ENOTFOUND,
                                "field name matches none of the profile's field patterns");
    if (len > SECKIT_FLE_MAX_FIELD)
        return seckit_error_set(err, SECKIT_ELIMIT,
                                "value of %zu bytes is over CloudFront's limit of %u bytes "
                                "for a field to encrypt",
                                len, SECKIT_FLE_MAX_FIELD);
    return encrypt_value(e, value, len, out, out_len, err);
}

int seckit_fle_encrypt_body(const seckit_fle_profile *profile, const void *body, size_t len,
                            char **out, size_t *out_len, size_t *n_encrypted,
                            seckit_error *err)
{
    if (profile == NULL || (body == NULL && len > 0) || out == NULL || out_len == NULL)
        return seckit_error_set(err, SECKIT_EINVAL, "seckit_fle_encrypt_body: invalid argument");
    *out = NULL;
    *out_len = 0;
    if (len > SECKIT_FLE_MAX_BODY)
        return seckit_error_set(err, SECKIT_ELIMIT,
                                "body of %zu bytes is over CloudFront's limit of %u bytes "
                                "with field-level encryption",
                                len, SECKIT_FLE_MAX_BODY);
    seckit_form *form = NULL;
    int rc = seckit_form_parse(&form, body, len, SECKIT_FLE_MAX_BODY, err);
    if (rc != 0)
        return rc;
    size_t n = seckit_form_count(form), count = 0;
    char pname[300];
    /* Check every limit before encrypting anything. */
    for (size_t i = 0; i < n; i++) {
        const char *name, *value;
        size_t nl, vl;
        seckit_form_field(form, i, &name, &nl, &value, &vl, NULL);
        if (skt_fle_profile_match(profile, name, nl) == NULL)
            continue;
        printable_name(pname, sizeof(pname), name, nl);
        if (++count > SECKIT_FLE_MAX_FIELDS) {
            rc = seckit_error_set_at(err, SECKIT_ELIMIT, 0, 0, seckit_form_field_offset(form, i),
                                     "field '%s' at offset %zu: more than %u fields to "
                                     "encrypt in one request (CloudFront's limit)",
                                     pname, seckit_form_field_offset(form, i),
                                     SECKIT_FLE_MAX_FIELDS);
            goto done;
        }
        if (vl > SECKIT_FLE_MAX_FIELD) {
            rc = seckit_error_set_at(err, SECKIT_ELIMIT, 0, 0, seckit_form_field_offset(form, i),
                                     "field '%s' at offset %zu: value of %zu bytes is over "
                                     "CloudFront's limit of %u bytes for a field to encrypt",
                                     pname, seckit_form_field_offset(form, i), vl,
                                     SECKIT_FLE_MAX_FIELD);
            goto done;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const char *name, *value;
        size_t nl, vl, bl;
        char *b64 = NULL;
        seckit_form_field(form, i, &name, &nl, &value, &vl, NULL);
        const skt_fle_entity *e = skt_fle_profile_match(profile, name, nl);
        if (e == NULL)
            continue;
        if ((rc = encrypt_value(e, value, vl, &b64, &bl, err)) != 0)
            goto done;
        rc = seckit_form_set_value(form, i, b64, bl, err);
        free(b64);
        if (rc != 0)
            goto done;
    }
    rc = seckit_form_serialize(form, out, out_len, err);
    if (rc == 0 && n_encrypted != NULL)
        *n_encrypted = count;
done:
    seckit_form_free(form);
    return rc;
}

/* ---- decryption */

/* The origin's RSA keyring.  It does what the ESDK's raw RSA keyring does
 * on decrypt (EDKs whose provider id and info match; RSA unwrap; a data key
 * of the suite's length), tuned for many small messages: the key and the
 * OAEP digest are prepared once, ready EVP_PKEY_CTXs are kept in a small
 * pool shared by all threads (a mutex guards only the pool), and the
 * unwrapped key goes through a wiped stack buffer straight into the
 * materials' guarded data key. */
#define FLE_CTX_POOL 16

typedef struct fle_rsa {
    EVP_PKEY *pkey;
    EVP_MD *md; /* OAEP and MGF1 digest; NULL for PKCS#1 v1.5 */
    char *provider_id, *key_name;
    size_t provider_id_len, key_name_len;
    seckit_rsa_padding padding;
    pthread_mutex_t lock;
    EVP_PKEY_CTX *pool[FLE_CTX_POOL];
    size_t n_pool;
} fle_rsa;

static void fle_rsa_destroy(void *p)
{
    fle_rsa *k = p;
    if (k == NULL)
        return;
    for (size_t i = 0; i < k->n_pool; i++)
        EVP_PKEY_CTX_free(k->pool[i]);
    pthread_mutex_destroy(&k->lock);
    EVP_PKEY_free(k->pkey);
    EVP_MD_free(k->md);
    free(k->provider_id);
    free(k->key_name);
    free(k);
}

static EVP_PKEY_CTX *fle_rsa_ctx_get(fle_rsa *k)
{
    EVP_PKEY_CTX *ctx = NULL;
    pthread_mutex_lock(&k->lock);
    if (k->n_pool > 0)
        ctx = k->pool[--k->n_pool];
    pthread_mutex_unlock(&k->lock);
    if (ctx != NULL)
        return ctx;
    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
    int ok = ctx != NULL && EVP_PKEY_decrypt_init(ctx) > 0;
    if (ok && k->md == NULL)
        ok = EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0;
    else if (ok)
        ok = EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) > 0 &&
             EVP_PKEY_CTX_set_rsa_oaep_md(ctx, k->md) > 0 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, k->md) > 0;
    if (!ok) {
        EVP_PKEY_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

static void fle_rsa_ctx_put(fle_rsa *k, EVP_PKEY_CTX *ctx)
{
    pthread_mutex_lock(&k->lock);
    if (k->n_pool < FLE_CTX_POOL) {
        k->pool[k->n_pool++] = ctx;
        ctx = NULL;
    }
    pthread_mutex_unlock(&k->lock);
    EVP_PKEY_CTX_free(ctx);
}

static int fle_rsa_on_decrypt(void *p, seckit_keyring_materials *m, const seckit_esdk_edk *edks,
                              size_t n_edks, seckit_error *err)
{
    fle_rsa *k = p;
    uint8_t buf[1024]; /* RSA up to 8192 bits */
    size_t want = seckit_keyring_materials_key_len(m);
    size_t data_key_len = 0;
    if (seckit_keyring_materials_data_key(m, &data_key_len) != NULL)
        return 0;
    for (size_t i = 0; i < n_edks; i++) {
        const seckit_esdk_edk *e = &edks[i];
        if (e->provider_id_len != k->provider_id_len || e->provider_info_len != k->key_name_len ||
            memcmp(e->provider_id, k->provider_id, k->provider_id_len) != 0 ||
            memcmp(e->provider_info, k->key_name, k->key_name_len) != 0)
            continue;
        EVP_PKEY_CTX *ctx = fle_rsa_ctx_get(k);
        if (ctx == NULL) {
            ERR_clear_error();
            return seckit_error_set(err, SECKIT_ECRYPTO, "RSA decryption setup failed");
        }
        size_t outlen = sizeof(buf);
        int ok = EVP_PKEY_decrypt(ctx, buf, &outlen, e->ciphertext, e->ciphertext_len) > 0;
        ERR_clear_error();
        fle_rsa_ctx_put(k, ctx);
        /* A key of the wrong length is a failed unwrap like any other. */
        int rc = ok && outlen == want ? seckit_keyring_materials_set_data_key(m, buf, outlen, err)
                                      : SECKIT_EAUTH;
        skt_wipe(buf, sizeof(buf));
        if (rc == 0)
            return 0;
    }
    return SECKIT_EAUTH;
}

static const seckit_keyring_ops fle_rsa_ops = {
    .on_encrypt = NULL,
    .on_decrypt = fle_rsa_on_decrypt,
    .destroy = fle_rsa_destroy,
};

static int fle_rsa_keyring_new(seckit_keyring **out, const char *provider_id,
                               const char *key_name, const void *key, size_t key_len,
                               seckit_rsa_padding padding, seckit_error *err)
{
    static const char *const digests[] = {
        [SECKIT_RSA_OAEP_SHA1] = "SHA1",
        [SECKIT_RSA_OAEP_SHA256] = "SHA256",
        [SECKIT_RSA_OAEP_SHA384] = "SHA384",
        [SECKIT_RSA_OAEP_SHA512] = "SHA512",
    };
    if ((int)padding < 0 || (size_t)padding >= SKT_ARRAY_LEN(digests) ||
        (padding != SECKIT_RSA_PKCS1 && digests[padding] == NULL))
        return seckit_error_set(err, SECKIT_EINVAL, "unknown RSA padding %d", (int)padding);
    fle_rsa *k = calloc(1, sizeof(*k));
    if (k == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    if (pthread_mutex_init(&k->lock, NULL) != 0) {
        free(k);
        return seckit_error_set(err, SECKIT_ECRYPTO, "cannot make a mutex");
    }
    int rc = 0;
    k->padding = padding;
    k->provider_id = strdup(provider_id);
    k->key_name = strdup(key_name);
    if (k->provider_id == NULL || k->key_name == NULL) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        goto fail;
    }
    k->provider_id_len = strlen(provider_id);
    k->key_name_len = strlen(key_name);
    if (padding != SECKIT_RSA_PKCS1 &&
        (k->md = EVP_MD_fetch(NULL, digests[padding], NULL)) == NULL) {
        rc = seckit_error_set(err, SECKIT_ECRYPTO, "digest %s is not available",
                              digests[padding]);
        goto fail;
    }
    OSSL_DECODER_CTX *dctx = OSSL_DECODER_CTX_new_for_pkey(
        &k->pkey, NULL, NULL, "RSA", OSSL_KEYMGMT_SELECT_KEYPAIR, NULL, NULL);
    const unsigned char *kp = key;
    size_t left = key_len;
    int ok = dctx != NULL && OSSL_DECODER_from_data(dctx, &kp, &left) == 1 && k->pkey != NULL;
    OSSL_DECODER_CTX_free(dctx);
    BIGNUM *d = NULL;
    if (ok && EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_D, &d) != 1)
        ok = 0;
    BN_clear_free(d);
    ERR_clear_error();
    if (!ok) {
        rc = seckit_error_set(err, SECKIT_EFORMAT,
                              "not an RSA private key (PEM or DER, PKCS#8 or PKCS#1)");
        goto fail;
    }
    if (EVP_PKEY_get_bits(k->pkey) < 2048) {
        rc = seckit_error_set(err, SECKIT_EFORMAT, "RSA-%d key is too small (at least 2048 bits)",
                              EVP_PKEY_get_bits(k->pkey));
        goto fail;
    }
    if ((rc = seckit_keyring_custom_new(out, &fle_rsa_ops, k, err)) != 0)
        goto fail;
    return 0;
fail:
    fle_rsa_destroy(k);
    return rc;
}

typedef struct fle_key {
    char *provider_id;
    char *key_name;
    seckit_keyring *keyring;
} fle_key;

struct seckit_fle_decryptor {
    seckit_fle_decrypt_options opts; /* with defaults filled in */
    seckit_esdk_options esdk;        /* decrypt options derived from opts */
    fle_key *keys;
    size_t n_keys;
    atomic_int used; /* set by the first decryption; add_key refused after */
};

void seckit_fle_decrypt_options_init(seckit_fle_decrypt_options *opts)
{
    if (opts != NULL)
        memset(opts, 0, sizeof(*opts));
}

static const uint16_t default_suites[] = {
    SECKIT_ESDK_SUITE_AES256_GCM_HKDF_SHA256,
    SECKIT_ESDK_SUITE_AES256_GCM_HKDF_SHA384_ECDSA_P384,
    SECKIT_ESDK_SUITE_AES256_GCM_HKDF_SHA512_COMMIT_KEY,
    SECKIT_ESDK_SUITE_AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
};
static const uint16_t identity_suites[] = {
    SECKIT_ESDK_SUITE_AES128_GCM_IV12_TAG16,
    SECKIT_ESDK_SUITE_AES192_GCM_IV12_TAG16,
    SECKIT_ESDK_SUITE_AES256_GCM_IV12_TAG16,
};

int seckit_fle_decryptor_new(seckit_fle_decryptor **out, const seckit_fle_decrypt_options *opts,
                             seckit_error *err)
{
    if (out == NULL)
        return seckit_error_set(err, SECKIT_EINVAL, "seckit_fle_decryptor_new: invalid argument");
    *out = NULL;
    seckit_fle_decryptor *d = calloc(1, sizeof(*d));
    if (d == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    if (opts != NULL)
        d->opts = *opts;
    d->opts.suites = NULL; /* copied into the bit mask below */
    if (d->opts.max_encrypted_data_keys == 0)
        d->opts.max_encrypted_data_keys = 1;
    if (d->opts.max_fields == 0)
        d->opts.max_fields = SECKIT_FLE_MAX_FIELDS;
    if (d->opts.max_field_plaintext == 0)
        d->opts.max_field_plaintext = SECKIT_FLE_MAX_FIELD;
    if (d->opts.max_body == 0)
        d->opts.max_body = SECKIT_FLE_MAX_BODY;
    uint32_t mask = 0;
    const uint16_t *suites = default_suites;
    size_t n_suites = SKT_ARRAY_LEN(default_suites);
    if (opts != NULL && opts->n_suites > 0) {
        if (opts->suites == NULL) {
            free(d);
            return seckit_error_set(err, SECKIT_EINVAL, "n_suites without suites");
        }
        suites = opts->suites;
        n_suites = opts->n_suites;
    }
    for (size_t i = 0; i < n_suites; i++) {
        uint32_t bit = seckit_esdk_suite_bit(suites[i]);
        if (bit == 0) {
            free(d);
            return seckit_error_set(err, SECKIT_EINVAL, "unknown algorithm suite 0x%04x",
                                    suites[i]);
        }
        mask |= bit;
    }
    if (d->opts.allow_identity_kdf)
        for (size_t i = 0; i < SKT_ARRAY_LEN(identity_suites); i++)
            mask |= seckit_esdk_suite_bit(identity_suites[i]);
    seckit_esdk_options_init(&d->esdk);
    d->esdk.commitment_policy = SECKIT_ESDK_REQUIRE_ENCRYPT_ALLOW_DECRYPT;
    d->esdk.allowed_suites = mask;
    d->esdk.max_encrypted_data_keys = d->opts.max_encrypted_data_keys;
    d->esdk.max_body_len = d->opts.max_field_plaintext;
    /* Anyone with the public key can make a valid message, so the frame
     * length a header claims (and the ESDK allocates) is capped too. */
    d->esdk.max_frame_length = FLE_MAX_FRAME_LENGTH;
    atomic_init(&d->used, 0);
    *out = d;
    return 0;
}

size_t seckit_fle_decryptor_key_count(const seckit_fle_decryptor *d)
{
    return d != NULL ? d->n_keys : 0;
}

void seckit_fle_decryptor_free(seckit_fle_decryptor *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->n_keys; i++) {
        free(d->keys[i].provider_id);
        free(d->keys[i].key_name);
        seckit_keyring_free(d->keys[i].keyring);
    }
    free(d->keys);
    free(d);
}

int seckit_fle_decryptor_add_key(seckit_fle_decryptor *d, const char *provider_id,
                                 const char *key_name, const void *private_key,
                                 size_t key_len, seckit_rsa_padding padding,
                                 seckit_error *err)
{
    if (d == NULL || provider_id == NULL || key_name == NULL || private_key == NULL)
        return seckit_error_set(err, SECKIT_EINVAL,
                                "seckit_fle_decryptor_add_key: invalid argument");
    if (atomic_load(&d->used))
        return seckit_error_set(err, SECKIT_EINVAL,
                                "the decryptor is in use; add every key before the first "
                                "decryption");
    if (provider_id[0] == '\0' || key_name[0] == '\0')
        return seckit_error_set(err, SECKIT_EINVAL, "provider id and key name must not be empty");
    for (size_t i = 0; i < d->n_keys; i++)
        if (strcmp(d->keys[i].provider_id, provider_id) == 0 &&
            strcmp(d->keys[i].key_name, key_name) == 0)
            return seckit_error_set(err, SECKIT_EINVAL,
                                    "a key for provider id '%.128s' and key name '%.128s' was "
                                    "already added",
                                    provider_id, key_name);
    seckit_keyring *kr = NULL;
    int rc = fle_rsa_keyring_new(&kr, provider_id, key_name, private_key, key_len, padding, err);
    if (rc != 0)
        return rc;
    fle_key *nk = realloc(d->keys, (d->n_keys + 1) * sizeof(*nk));
    if (nk == NULL) {
        seckit_keyring_free(kr);
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    d->keys = nk;
    fle_key *k = &d->keys[d->n_keys];
    k->provider_id = strdup(provider_id);
    k->key_name = strdup(key_name);
    k->keyring = kr;
    if (k->provider_id == NULL || k->key_name == NULL) {
        free(k->provider_id);
        free(k->key_name);
        seckit_keyring_free(kr);
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    d->n_keys++;
    return 0;
}

static int known_suite(uint8_t version, uint16_t suite)
{
    seckit_esdk_suite_info info;
    return seckit_esdk_suite_lookup(suite, &info, NULL) == 0 && info.message_version == version;
}

int seckit_fle_value_is_encrypted(const char *value, size_t len)
{
    /* The smallest message (v1, one tiny EDK, empty body) is well over 64
     * base64 characters. */
    if (value == NULL || len < 64)
        return 0;
    char head[8];
    uint8_t b[6];
    size_t n = 0;
    for (size_t i = 0; i < 8; i++)
        head[i] = value[i] == ' ' ? '+' : value[i];
    if (seckit_base64_decode_lenient(b, sizeof(b), &n, head, 8, NULL) != 0 || n < 4)
        return 0;
    uint16_t v1suite = (uint16_t)(b[2] << 8 | b[3]);
    uint16_t v2suite = (uint16_t)(b[1] << 8 | b[2]);
    if (b[0] == 1)
        return b[1] == 0x80 && known_suite(1, v1suite);
    if (b[0] == 2)
        return known_suite(2, v2suite);
    return 0;
}

static void describe_keys(const seckit_fle_decryptor *d, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < d->n_keys && o + 1 < cap; i++) {
        int w = snprintf(out + o, cap - o, "%s%.60s/%.60s", i ? ", " : "",
                         d->keys[i].provider_id, d->keys[i].key_name);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    if (o >= cap && cap > 4)
        memcpy(out + cap - 4, "...", 4);
}

/* Base64 text (space read as '+') to message bytes. */
static int decode_value(const seckit_fle_decryptor *d, const char *value, size_t len,
                        uint8_t **msg, size_t *msg_len, seckit_error *err)
{
    /* The longest message a field of max_field_plaintext bytes makes (each
     * frame adds at most its own size again; the header and footer at most
     * FLE_MESSAGE_OVERHEAD), then its base64 length: checked arithmetic, a
     * huge limit means "no limit here" rather than a wrapped small one. */
    size_t max_msg = SIZE_MAX, max_chars = SIZE_MAX;
    if (d->opts.max_field_plaintext <= (SIZE_MAX - FLE_MESSAGE_OVERHEAD) / 2)
        max_msg = 2 * d->opts.max_field_plaintext + FLE_MESSAGE_OVERHEAD;
    if (max_msg / 3 + 1 <= (SIZE_MAX - 8) / 4)
        max_chars = (max_msg / 3 + 1) * 4 + 8;
    if (len > max_chars)
        return seckit_error_set(err, SECKIT_ELIMIT,
                                "encrypted value of %zu characters is longer than a field of "
                                "at most %zu bytes can be",
                                len, d->opts.max_field_plaintext);
    char *text = malloc(len + 1);
    uint8_t *bytes = malloc(seckit_base64_decoded_max(len) + 1);
    if (text == NULL || bytes == NULL) {
        free(text);
        free(bytes);
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < len; i++)
        text[i] = value[i] == ' ' ? '+' : value[i];
    text[len] = '\0';
    int rc = seckit_base64_decode_lenient(bytes, seckit_base64_decoded_max(len) + 1, msg_len,
                                          text, len, err);
    free(text);
    if (rc != 0) {
        free(bytes);
        seckit_error_prefix(err, "encrypted value is not base64");
        return rc == SECKIT_EFORMAT || rc == SECKIT_ETRUNCATED ? rc : SECKIT_EFORMAT;
    }
    *msg = bytes;
    return 0;
}

/* Decrypt one value (NUL-terminated, in the ESDK's wiped heap buffer). */
static int decrypt_value(const seckit_fle_decryptor *d, const char *value, size_t len,
                         uint8_t **plain, size_t *plain_len, seckit_error *err)
{
    uint8_t *msg = NULL;
    size_t msg_len = 0;
    seckit_esdk_info info;
    int rc;
    memset(&info, 0, sizeof(info));
    if (!atomic_load_explicit(&d->used, memory_order_relaxed)) /* no shared writes after */
        atomic_store((atomic_int *)&d->used, 1);
    if ((rc = decode_value(d, value, len, &msg, &msg_len, err)) != 0)
        return rc;
    /* Pick the key by the EDKs' provider id and key name, for a clear error
     * when none matches (parsing the header authenticates nothing). */
    if ((rc = seckit_esdk_parse_header(msg, msg_len, &d->esdk, &info, err)) != 0)
        goto done;
    if (seckit_esdk_suite_bit(info.suite) == 0 ||
        (d->esdk.allowed_suites & seckit_esdk_suite_bit(info.suite)) == 0) {
        rc = seckit_error_set(err, SECKIT_EPOLICY,
                              "algorithm suite 0x%04x is not accepted (accepted by default: "
                              "0x0178, 0x0378, 0x0478, 0x0578%s)",
                              info.suite,
                              d->opts.allow_identity_kdf ? ", 0x0014, 0x0046, 0x0078"
                                                         : "; identity-KDF suites only when "
                                                           "allowed");
        goto done;
    }
    rc = SECKIT_ENOTFOUND;
    for (size_t e = 0; e < info.edk_count && rc != 0 && rc != SECKIT_EAUTH; e++) {
        const seckit_esdk_edk_desc *edk = &info.edks[e];
        for (size_t k = 0; k < d->n_keys; k++) {
            const fle_key *key = &d->keys[k];
            if (edk->provider_id_len != strlen(key->provider_id) ||
                memcmp(edk->provider_id, key->provider_id, edk->provider_id_len) != 0 ||
                edk->provider_info_len != strlen(key->key_name) ||
                memcmp(edk->provider_info, key->key_name, edk->provider_info_len) != 0)
                continue;
            rc = seckit_esdk_decrypt(key->keyring, &d->esdk, msg, msg_len, plain, plain_len,
                                     NULL, err);
            break;
        }
    }
    if (rc == SECKIT_ENOTFOUND) {
        char have[200], pid[200], kname[200];
        describe_keys(d, have, sizeof(have));
        const seckit_esdk_edk_desc *edk = &info.edks[0];
        printable_name(pid, sizeof(pid), edk->provider_id, edk->provider_id_len);
        printable_name(kname, sizeof(kname), (const char *)edk->provider_info,
                       edk->provider_info_len);
        rc = seckit_error_set(err, SECKIT_ENOTFOUND,
                              "no key for provider id '%s' and key name '%s' (keys loaded: "
                              "%s)",
                              pid, kname, d->n_keys ? have : "none");
    }
done:
    seckit_esdk_info_free(&info);
    free(msg);
    return rc;
}

int seckit_fle_decrypt_value(const seckit_fle_decryptor *d, const char *value, size_t len,
                             uint8_t **plain, size_t *plain_len, seckit_error *err)
{
    if (d == NULL || value == NULL || plain == NULL || plain_len == NULL)
        return seckit_error_set(err, SECKIT_EINVAL, "seckit_fle_decrypt_value: invalid argument");
    *plain = NULL;
    *plain_len = 0;
    return decrypt_value(d, value, len, plain, plain_len, err);
}

int seckit_fle_decrypt_body(const seckit_fle_decryptor *d, const void *body, size_t len,
                            const char *const *fields, size_t n_fields, char **out,
                            size_t *out_len, size_t *n_decrypted, seckit_error *err)
{
    if (d == NULL || (body == NULL && len > 0) || (fields == NULL && n_fields > 0) ||
        out == NULL || out_len == NULL)
        return seckit_error_set(err, SECKIT_EINVAL, "seckit_fle_decrypt_body: invalid argument");
    *out = NULL;
    *out_len = 0;
    seckit_form *form = NULL;
    int rc = seckit_form_parse(&form, body, len, d->opts.max_body, err);
    if (rc != 0)
        return rc;
    size_t n = seckit_form_count(form), count = 0;
    char pname[300];
    uint8_t *todo = calloc(n ? n : 1, 1);
    if (todo == NULL) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        goto done;
    }
    /* Which fields, and every check, before any RSA work. */
    for (size_t i = 0; i < n; i++) {
        const char *name, *value;
        size_t nl, vl;
        seckit_form_field(form, i, &name, &nl, &value, &vl, NULL);
        int named = 0;
        for (size_t f = 0; f < n_fields && !named; f++)
            named = fields[f] != NULL && strlen(fields[f]) == nl && memcmp(fields[f], name, nl) == 0;
        int enc = seckit_fle_value_is_encrypted(value, vl);
        if (n_fields > 0 && !named)
            continue;
        if (!enc) {
            if (n_fields == 0)
                continue;
            printable_name(pname, sizeof(pname), name, nl);
            rc = seckit_error_set_at(err, SECKIT_EFORMAT, 0, 0, seckit_form_field_offset(form, i),
                                     "field '%s' at offset %zu: value is not an encrypted "
                                     "(AWS Encryption SDK, base64) field",
                                     pname, seckit_form_field_offset(form, i));
            goto done;
        }
        if (++count > d->opts.max_fields) {
            rc = seckit_error_set_at(err, SECKIT_ELIMIT, 0, 0, seckit_form_field_offset(form, i),
                                     "more than %zu encrypted fields in one body (CloudFront "
                                     "encrypts at most %u)",
                                     d->opts.max_fields, SECKIT_FLE_MAX_FIELDS);
            goto done;
        }
        todo[i] = 1;
    }
    for (size_t f = 0; f < n_fields; f++) {
        int seen = 0;
        for (size_t i = 0; i < n && !seen; i++) {
            const char *name;
            size_t nl;
            seckit_form_field(form, i, &name, &nl, NULL, NULL, NULL);
            seen = fields[f] != NULL && strlen(fields[f]) == nl && memcmp(fields[f], name, nl) == 0;
        }
        if (!seen) {
            printable_name(pname, sizeof(pname), fields[f] ? fields[f] : "",
                           fields[f] ? strlen(fields[f]) : 0);
            rc = seckit_error_set(err, SECKIT_ENOTFOUND, "field '%s' is not in the body", pname);
            goto done;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!todo[i])
            continue;
        const char *name, *value;
        size_t nl, vl, pl = 0;
        uint8_t *plain = NULL;
        seckit_form_field(form, i, &name, &nl, &value, &vl, NULL);
        rc = decrypt_value(d, value, vl, &plain, &pl, err);
        if (rc != 0) {
            char ctx[400];
            printable_name(pname, sizeof(pname), name, nl);
            snprintf(ctx, sizeof(ctx), "field '%s' at offset %zu", pname,
                     seckit_form_field_offset(form, i));
            seckit_error_prefix(err, ctx);
            if (err != NULL)
                err->offset = seckit_form_field_offset(form, i);
            goto done;
        }
        skt_form_set_value_owned(form, i, plain, pl); /* no copy: the form frees it */
    }
    rc = seckit_form_serialize(form, out, out_len, err);
    if (rc == 0 && n_decrypted != NULL)
        *n_decrypted = count;
done:
    free(todo);
    seckit_form_free(form); /* wipes the decrypted values */
    return rc;
}
