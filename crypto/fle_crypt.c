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
#include "src/base/secmem.h"
#include "src/base/guard.h"
#include "src/base/options.h"
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
    int rc = seckit_keyring_raw_rsa_new(&kr, e->provider_id, e->key->name, SECKIT_RSA_OAEP_SHA256,
                                        (const uint8_t *)e->key->pem, e->key->pem_len, err);
    SKT_GUARD(rc);
    opts = (seckit_esdk_options)SECKIT_ESDK_OPTIONS_INIT;
    opts.suite = FLE_SUITE;
    opts.frame_length = FLE_FRAME_LENGTH;
    opts.commitment_policy = SECKIT_ESDK_FORBID_ENCRYPT_ALLOW_DECRYPT;
    opts.max_encrypted_data_keys = 1;
    rc = seckit_esdk_encrypt(kr, &msg, &msg_len, &opts, NULL, value, len, err);
    seckit_keyring_free(kr);
    SKT_GUARD(rc);
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

int seckit_fle_encrypt_value(const seckit_fle_profile *profile, char **out, size_t *out_len,
                             const char *field_name, const void *value, size_t len,
                             seckit_error *err)
{
    if (profile == NULL || field_name == NULL || (value == NULL && len > 0) || out == NULL ||
        out_len == NULL)
        return seckit_error_set(err, SECKIT_EINVAL, "seckit_fle_encrypt_value: invalid argument");
    const skt_fle_entity *e = skt_fle_profile_match(profile, field_name, strlen(field_name));
    SKT_ENSURE(e != NULL, err, SECKIT_ENOTFOUND,
               "field name matches none of the profile's field patterns");
    SKT_ENSURE(len <= SECKIT_FLE_MAX_FIELD, err, SECKIT_ELIMIT,
               "value of %zu bytes is over CloudFront's limit of %u bytes "
               "for a field to encrypt",
               len, SECKIT_FLE_MAX_FIELD);
    return encrypt_value(e, value, len, out, out_len, err);
}

/* Field i of a parsed form (i < seckit_form_count(form)).  Reading it
 * cannot fail for such an index; if it did, that is a bug: an internal
 * error, never a field left unread. */
static int form_field(const seckit_form *form, size_t i, const char **name, size_t *name_len,
                      const char **value, size_t *value_len, seckit_error *err)
{
    int rc = 0;
    SKT_ENSURE_GOTO(seckit_form_field(form, name, name_len, value, value_len, NULL, i) >= 0, err,
                    rc, fail, SECKIT_EINTERNAL, "form field %zu could not be read", i);
    return 0;
fail:
    seckit_error_set_public(err, "internal error");
    return rc;
}

int seckit_fle_encrypt_body(const seckit_fle_profile *profile, char **out, size_t *out_len,
                            size_t *n_encrypted, const void *body, size_t len, seckit_error *err)
{
    if (profile == NULL || (body == NULL && len > 0) || out == NULL || out_len == NULL)
        return seckit_error_set(err, SECKIT_EINVAL, "seckit_fle_encrypt_body: invalid argument");
    *out = NULL;
    *out_len = 0;
    SKT_ENSURE(len <= SECKIT_FLE_MAX_BODY, err, SECKIT_ELIMIT,
               "body of %zu bytes is over CloudFront's limit of %u bytes "
               "with field-level encryption",
               len, SECKIT_FLE_MAX_BODY);
    seckit_form *form = NULL;
    int rc = seckit_form_parse(&form, body, len, SECKIT_FLE_MAX_BODY, err);
    SKT_GUARD(rc);
    size_t n = seckit_form_count(form), count = 0;
    char pname[300];
    /* Check every limit before encrypting anything. */
    for (size_t i = 0; i < n; i++) {
        const char *name, *value;
        size_t nl, vl;
        SKT_GUARD_GOTO(form_field(form, i, &name, &nl, &value, &vl, err), rc, done);
        if (skt_fle_profile_match(profile, name, nl) == NULL)
            continue;
        printable_name(pname, sizeof(pname), name, nl);
        if (++count > SECKIT_FLE_MAX_FIELDS) {
            rc = seckit_error_set_at(err, SECKIT_ELIMIT,
                                     (seckit_position){0, 0, seckit_form_field_offset(form, i)},
                                     "field '%s' at offset %zu: more than %u fields to "
                                     "encrypt in one request (CloudFront's limit)",
                                     pname, seckit_form_field_offset(form, i),
                                     SECKIT_FLE_MAX_FIELDS);
            goto done;
        }
        if (vl > SECKIT_FLE_MAX_FIELD) {
            rc = seckit_error_set_at(err, SECKIT_ELIMIT,
                                     (seckit_position){0, 0, seckit_form_field_offset(form, i)},
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
        SKT_GUARD_GOTO(form_field(form, i, &name, &nl, &value, &vl, err), rc, done);
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

static int fle_rsa_keyring_new(seckit_keyring **out, const char *provider_id, const char *key_name,
                               const void *key, size_t key_len, seckit_rsa_padding padding,
                               seckit_error *err)
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
    SKT_ENSURE(k != NULL, err, SECKIT_ENOMEM, "out of memory");
    if (pthread_mutex_init(&k->lock, NULL) != 0) {
        free(k);
        return seckit_error_set(err, SECKIT_ECRYPTO, "cannot make a mutex");
    }
    int rc = 0;
    k->padding = padding;
    k->provider_id = strdup(provider_id);
    k->key_name = strdup(key_name);
    SKT_ENSURE_GOTO(!(k->provider_id == NULL || k->key_name == NULL), err, rc, fail, SECKIT_ENOMEM,
                    "out of memory");
    k->provider_id_len = strlen(provider_id);
    k->key_name_len = strlen(key_name);
    if (padding != SECKIT_RSA_PKCS1 &&
        (k->md = EVP_MD_fetch(NULL, digests[padding], NULL)) == NULL) {
        rc = seckit_error_set(err, SECKIT_ECRYPTO, "digest %s is not available", digests[padding]);
        goto fail;
    }
    OSSL_DECODER_CTX *dctx = OSSL_DECODER_CTX_new_for_pkey(&k->pkey, NULL, NULL, "RSA",
                                                           OSSL_KEYMGMT_SELECT_KEYPAIR, NULL, NULL);
    const unsigned char *kp = key;
    size_t left = key_len;
    int ok = dctx != NULL && OSSL_DECODER_from_data(dctx, &kp, &left) == 1 && k->pkey != NULL;
    OSSL_DECODER_CTX_free(dctx);
    BIGNUM *d = NULL;
    if (ok && EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_D, &d) != 1)
        ok = 0;
    BN_clear_free(d);
    ERR_clear_error();
    SKT_ENSURE_GOTO(ok, err, rc, fail, SECKIT_EFORMAT,
                    "not an RSA private key (PEM or DER, PKCS#8 or PKCS#1)");
    SKT_ENSURE_GOTO(EVP_PKEY_get_bits(k->pkey) >= 2048, err, rc, fail, SECKIT_EFORMAT,
                    "RSA-%d key is too small (at least 2048 bits)", EVP_PKEY_get_bits(k->pkey));
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
    char **fields; /* field patterns decrypted by default (seckit_fle_decryptor_add_field) */
    size_t n_fields;
    /* Setup (add_key, add_field) and sealing take `lock`; once `sealed` is
     * set (release, under the lock) nothing above changes, so readers that
     * see it set (acquire) read keys and fields without locking. */
    pthread_mutex_t lock;
    atomic_int sealed;
    atomic_uint refs;
};

int seckit_fle_decrypt_options_init(seckit_fle_decrypt_options *opts, unsigned int version,
                                    seckit_error *err)
{
    static const seckit_fle_decrypt_options init = SECKIT_FLE_DECRYPT_OPTIONS_INIT;
    SKT_GUARD(skt_options_init_check(opts, version, SECKIT_FLE_DECRYPT_OPTIONS_VERSION,
                                     "seckit_fle_decrypt_options", err));
    *opts = init;
    return 0;
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
    SKT_ENSURE(out != NULL, err, SECKIT_EINVAL, "seckit_fle_decryptor_new: invalid argument");
    *out = NULL;
    SKT_GUARD(skt_options_check(opts, SECKIT_FLE_DECRYPT_OPTIONS_VERSION,
                                "seckit_fle_decrypt_options", err));
    seckit_fle_decryptor *d = calloc(1, sizeof(*d));
    SKT_ENSURE(d != NULL, err, SECKIT_ENOMEM, "out of memory");
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
    d->esdk = (seckit_esdk_options)SECKIT_ESDK_OPTIONS_INIT;
    d->esdk.commitment_policy = SECKIT_ESDK_REQUIRE_ENCRYPT_ALLOW_DECRYPT;
    d->esdk.allowed_suites = mask;
    d->esdk.max_encrypted_data_keys = d->opts.max_encrypted_data_keys;
    d->esdk.max_body_len = d->opts.max_field_plaintext;
    /* Anyone with the public key can make a valid message, so the frame
     * length a header claims (and the ESDK allocates) is capped too. */
    d->esdk.max_frame_length = FLE_MAX_FRAME_LENGTH;
    if (pthread_mutex_init(&d->lock, NULL) != 0) {
        free(d);
        return seckit_error_set(err, SECKIT_ECRYPTO, "cannot make a mutex");
    }
    atomic_init(&d->sealed, 0);
    atomic_init(&d->refs, 1u);
    *out = d;
    return 0;
}

/* Seal d: after this nothing changes it.  Safe from any thread; the
 * decryptor is logically const (sealing is what makes sharing it safe). */
static void seal(const seckit_fle_decryptor *cd)
{
    seckit_fle_decryptor *d = (seckit_fle_decryptor *)cd;
    if (atomic_load_explicit(&d->sealed, memory_order_acquire))
        return;
    pthread_mutex_lock(&d->lock);
    atomic_store_explicit(&d->sealed, 1, memory_order_release);
    pthread_mutex_unlock(&d->lock);
}

void seckit_fle_decryptor_seal(seckit_fle_decryptor *d)
{
    if (d != NULL)
        seal(d);
}

int seckit_fle_decryptor_is_sealed(const seckit_fle_decryptor *d)
{
    return d != NULL && atomic_load_explicit(&d->sealed, memory_order_acquire);
}

size_t seckit_fle_decryptor_key_count(const seckit_fle_decryptor *d)
{
    if (d == NULL)
        return 0;
    if (atomic_load_explicit(&d->sealed, memory_order_acquire))
        return d->n_keys;
    seckit_fle_decryptor *m = (seckit_fle_decryptor *)d;
    pthread_mutex_lock(&m->lock);
    size_t n = m->n_keys;
    pthread_mutex_unlock(&m->lock);
    return n;
}

static void decryptor_destroy(seckit_fle_decryptor *d)
{
    for (size_t i = 0; i < d->n_keys; i++) {
        free(d->keys[i].provider_id);
        free(d->keys[i].key_name);
        seckit_keyring_free(d->keys[i].keyring);
    }
    free(d->keys);
    for (size_t i = 0; i < d->n_fields; i++)
        free(d->fields[i]);
    free(d->fields);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

seckit_fle_decryptor *seckit_fle_decryptor_ref(seckit_fle_decryptor *d)
{
    if (d != NULL)
        atomic_fetch_add_explicit(&d->refs, 1u, memory_order_relaxed);
    return d;
}

void seckit_fle_decryptor_unref(seckit_fle_decryptor *d)
{
    if (d == NULL)
        return;
    if (atomic_fetch_sub_explicit(&d->refs, 1u, memory_order_acq_rel) == 1u)
        decryptor_destroy(d);
}

void seckit_fle_decryptor_free(seckit_fle_decryptor *d)
{
    seckit_fle_decryptor_unref(d);
}

int seckit_fle_decryptor_add_key(seckit_fle_decryptor *d, const char *provider_id,
                                 const char *key_name, const void *private_key, size_t key_len,
                                 seckit_rsa_padding padding, seckit_error *err)
{
    if (d == NULL || provider_id == NULL || key_name == NULL || private_key == NULL)
        return seckit_error_set(err, SECKIT_EINVAL,
                                "seckit_fle_decryptor_add_key: invalid argument");
    SKT_ENSURE(!atomic_load_explicit(&d->sealed, memory_order_acquire), err, SECKIT_EINVAL,
               "the decryptor is sealed (in use); add every key before the "
               "first decryption, or build a new decryptor and swap it in "
               "with seckit_fle_keystore_swap");
    if (provider_id[0] == '\0' || key_name[0] == '\0')
        return seckit_error_set(err, SECKIT_EINVAL, "provider id and key name must not be empty");
    SKT_ENSURE(padding != SECKIT_RSA_PKCS1, err, SECKIT_EPOLICY,
               "RSA PKCS#1 v1.5 padding is refused for FLE: CloudFront wraps "
               "data keys with OAEP-SHA256, and PKCS#1 v1.5 decryption of "
               "attacker-supplied keys can be a timing oracle");
    /* The RSA key is parsed outside the lock; the array changes under it. */
    seckit_keyring *kr = NULL;
    int rc = fle_rsa_keyring_new(&kr, provider_id, key_name, private_key, key_len, padding, err);
    SKT_GUARD(rc);
    char *pid = strdup(provider_id), *kname = strdup(key_name);
    SKT_ENSURE_GOTO(!(pid == NULL || kname == NULL), err, rc, fail, SECKIT_ENOMEM, "out of memory");
    pthread_mutex_lock(&d->lock);
    if (atomic_load_explicit(&d->sealed, memory_order_relaxed)) {
        pthread_mutex_unlock(&d->lock);
        rc = seckit_error_set(err, SECKIT_EINVAL,
                              "the decryptor is sealed (in use); add every key before the "
                              "first decryption, or build a new decryptor and swap it in "
                              "with seckit_fle_keystore_swap");
        goto fail;
    }
    for (size_t i = 0; i < d->n_keys; i++)
        if (strcmp(d->keys[i].provider_id, provider_id) == 0 &&
            strcmp(d->keys[i].key_name, key_name) == 0) {
            pthread_mutex_unlock(&d->lock);
            rc = seckit_error_set(err, SECKIT_EINVAL,
                                  "a key for provider id '%.128s' and key name '%.128s' was "
                                  "already added",
                                  provider_id, key_name);
            goto fail;
        }
    fle_key *nk = realloc(d->keys, (d->n_keys + 1) * sizeof(*nk));
    if (nk == NULL) {
        pthread_mutex_unlock(&d->lock);
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        goto fail;
    }
    d->keys = nk;
    d->keys[d->n_keys].provider_id = pid;
    d->keys[d->n_keys].key_name = kname;
    d->keys[d->n_keys].keyring = kr;
    d->n_keys++;
    pthread_mutex_unlock(&d->lock);
    return 0;
fail:
    free(pid);
    free(kname);
    seckit_keyring_free(kr);
    return rc;
}

static int add_pattern_locked(seckit_fle_decryptor *d, const char *pattern, seckit_error *err)
{
    for (size_t i = 0; i < d->n_fields; i++)
        if (strcmp(d->fields[i], pattern) == 0)
            return 0;
    SKT_ENSURE(d->n_fields < 1024, err, SECKIT_ELIMIT, "more than 1024 field patterns");
    char **nf = realloc(d->fields, (d->n_fields + 1) * sizeof(*nf));
    SKT_ENSURE(nf != NULL, err, SECKIT_ENOMEM, "out of memory");
    d->fields = nf;
    if ((d->fields[d->n_fields] = strdup(pattern)) == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    d->n_fields++;
    return 0;
}

static int sealed_error(seckit_error *err)
{
    return seckit_error_set(err, SECKIT_EINVAL,
                            "the decryptor is sealed (in use); name every field before the "
                            "first decryption");
}

int seckit_fle_decryptor_add_field(seckit_fle_decryptor *d, const char *pattern, seckit_error *err)
{
    SKT_ENSURE(!(d == NULL || pattern == NULL), err, SECKIT_EINVAL,
               "seckit_fle_decryptor_add_field: invalid argument");
    int rc = skt_fle_check_pattern(pattern, "field pattern", err);
    SKT_GUARD(rc);
    pthread_mutex_lock(&d->lock);
    rc = atomic_load_explicit(&d->sealed, memory_order_relaxed)
             ? sealed_error(err)
             : add_pattern_locked(d, pattern, err);
    pthread_mutex_unlock(&d->lock);
    return rc;
}

int seckit_fle_decryptor_add_profile_fields(seckit_fle_decryptor *d,
                                            const seckit_fle_profile *profile, seckit_error *err)
{
    SKT_ENSURE(!(d == NULL || profile == NULL), err, SECKIT_EINVAL,
               "seckit_fle_decryptor_add_profile_fields: invalid argument");
    int rc = 0;
    pthread_mutex_lock(&d->lock);
    if (atomic_load_explicit(&d->sealed, memory_order_relaxed))
        rc = sealed_error(err);
    for (size_t e = 0; rc == 0 && e < profile->n_entities; e++)
        for (size_t i = 0; rc == 0 && i < profile->entities[e].n_patterns; i++)
            rc = add_pattern_locked(d, profile->entities[e].patterns[i], err);
    pthread_mutex_unlock(&d->lock);
    return rc;
}

size_t seckit_fle_decryptor_field_count(const seckit_fle_decryptor *d)
{
    if (d == NULL)
        return 0;
    seal(d);
    return d->n_fields;
}

int seckit_fle_decryptor_field_selected(const seckit_fle_decryptor *d, const char *name, size_t len)
{
    if (d == NULL || name == NULL)
        return 0;
    seal(d);
    for (size_t i = 0; i < d->n_fields; i++)
        if (skt_fle_pattern_match(d->fields[i], name, len))
            return 1;
    return d->n_fields == 0 && d->opts.any_encrypted_field;
}

/* ---- a holder for the current decryptor, swapped on key rotation */

struct seckit_fle_keystore {
    pthread_mutex_t lock; /* held only to read or replace `cur` and take a reference */
    seckit_fle_decryptor *cur;
};

int seckit_fle_keystore_new(seckit_fle_keystore **out, seckit_fle_decryptor *d, seckit_error *err)
{
    if (out == NULL || d == NULL)
        return seckit_error_set(err, SECKIT_EINVAL, "seckit_fle_keystore_new: invalid argument");
    *out = NULL;
    seckit_fle_keystore *ks = calloc(1, sizeof(*ks));
    SKT_ENSURE(ks != NULL, err, SECKIT_ENOMEM, "out of memory");
    if (pthread_mutex_init(&ks->lock, NULL) != 0) {
        free(ks);
        return seckit_error_set(err, SECKIT_ECRYPTO, "cannot make a mutex");
    }
    seal(d);
    ks->cur = seckit_fle_decryptor_ref(d);
    *out = ks;
    return 0;
}

int seckit_fle_keystore_swap(seckit_fle_keystore *ks, seckit_fle_decryptor *d, seckit_error *err)
{
    SKT_ENSURE(!(ks == NULL || d == NULL), err, SECKIT_EINVAL,
               "seckit_fle_keystore_swap: invalid argument");
    seal(d);
    seckit_fle_decryptor_ref(d);
    pthread_mutex_lock(&ks->lock);
    seckit_fle_decryptor *old = ks->cur;
    ks->cur = d;
    pthread_mutex_unlock(&ks->lock);
    /* Freed here, or by the last thread still decrypting with it. */
    seckit_fle_decryptor_unref(old);
    return 0;
}

seckit_fle_decryptor *seckit_fle_keystore_acquire(seckit_fle_keystore *ks)
{
    if (ks == NULL)
        return NULL;
    pthread_mutex_lock(&ks->lock);
    seckit_fle_decryptor *d = seckit_fle_decryptor_ref(ks->cur);
    pthread_mutex_unlock(&ks->lock);
    return d;
}

void seckit_fle_keystore_free(seckit_fle_keystore *ks)
{
    if (ks == NULL)
        return;
    seckit_fle_decryptor_unref(ks->cur);
    pthread_mutex_destroy(&ks->lock);
    free(ks);
}

static int known_suite(uint8_t version, uint16_t suite)
{
    seckit_esdk_suite_info info;
    return seckit_esdk_suite_lookup(&info, suite, NULL) == 0 && info.message_version == version;
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
        int w = snprintf(out + o, cap - o, "%s%.60s/%.60s", i ? ", " : "", d->keys[i].provider_id,
                         d->keys[i].key_name);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    if (o >= cap && cap > 4)
        memcpy(out + cap - 4, "...", 4);
}

/* Base64 text (space read as '+') to message bytes. */
static int decode_value(const seckit_fle_decryptor *d, const char *value, size_t len, uint8_t **msg,
                        size_t *msg_len, seckit_error *err)
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
    SKT_ENSURE(len <= max_chars, err, SECKIT_ELIMIT,
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
    int rc = seckit_base64_decode_lenient(bytes, seckit_base64_decoded_max(len) + 1, msg_len, text,
                                          len, err);
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
    seal(d); /* from here on d never changes */
    SKT_GUARD(rc = decode_value(d, value, len, &msg, &msg_len, err));
    /* Pick the key by the EDKs' provider id and key name, for a clear error
     * when none matches (parsing the header authenticates nothing). */
    if ((rc = seckit_esdk_parse_header(&info, msg, msg_len, &d->esdk, err)) != 0)
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
            rc = seckit_esdk_decrypt(key->keyring, plain, plain_len, NULL, &d->esdk, msg, msg_len,
                                     err);
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

/* The client-safe message for a failure to decrypt one value: the same
 * sentence whatever went wrong inside (no key, a bad tag, a malformed or
 * refused message), so that the answer says nothing an attacker could
 * tell the cases apart by. */
static void public_value_failure(seckit_error *err, int rc, size_t field_number)
{
    if (rc == SECKIT_ENOMEM || rc == SECKIT_EINTERNAL || rc == SECKIT_ECRYPTO) {
        seckit_error_set_public(err, "internal error");
        return;
    }
    if (field_number == 0)
        seckit_error_set_public(err, "the encrypted value could not be decrypted");
    else
        seckit_error_set_public(err, "field %zu: the encrypted value could not be decrypted",
                                field_number);
}

int seckit_fle_decrypt_value(const seckit_fle_decryptor *d, uint8_t **plain, size_t *plain_len,
                             const char *value, size_t len, seckit_error *err)
{
    if (d == NULL || value == NULL || plain == NULL || plain_len == NULL) {
        int rc = seckit_error_set(err, SECKIT_EINVAL, "seckit_fle_decrypt_value: invalid argument");
        seckit_error_set_public(err, "internal error");
        return rc;
    }
    *plain = NULL;
    *plain_len = 0;
    int rc = decrypt_value(d, value, len, plain, plain_len, err);
    if (rc != 0)
        public_value_failure(err, rc, 0);
    return rc;
}

/* Decrypted fields of a body: the parsed form (names, values and raw bytes
 * as received) and, for each decrypted field, its plaintext. */
struct seckit_fle_fields {
    seckit_form *form;
    uint8_t **plain; /* per field; NULL when not decrypted (scratch memory) */
    size_t *plain_len;
    size_t n, n_decrypted;
};

void seckit_fle_fields_free(seckit_fle_fields *f)
{
    if (f == NULL)
        return;
    if (f->plain != NULL)
        for (size_t i = 0; i < f->n; i++)
            skt_secret_free(f->plain[i]);
    free(f->plain);
    free(f->plain_len);
    seckit_form_free(f->form); /* wipes the raw body */
    free(f);
}

static int named(const char *const *fields, size_t n_fields, const char *name, size_t nl)
{
    for (size_t f = 0; f < n_fields; f++)
        if (fields[f] != NULL && strlen(fields[f]) == nl && memcmp(fields[f], name, nl) == 0)
            return 1;
    return 0;
}

/* Which fields to decrypt (todo[i] = 1), and every check of them, before any
 * RSA work: the call's names, else the decryptor's patterns, else (any) every
 * field that looks encrypted.  *count is how many. */
static int select_fields(const seckit_fle_decryptor *d, const seckit_form *form, const void *body,
                         const char *const *fields, size_t n_fields, uint8_t *todo, size_t *count,
                         seckit_error *err)
{
    int by_pattern = n_fields == 0 && d->n_fields > 0;
    int any = n_fields == 0 && d->n_fields == 0;
    size_t n = seckit_form_count(form);
    char pname[300];
    int rc;
    for (size_t i = 0; i < n; i++) {
        const char *name, *value;
        size_t nl, vl, off = seckit_form_field_offset(form, i), bad = 0;
        SKT_GUARD(form_field(form, i, &name, &nl, &value, &vl, err));
        int is_named = named(fields, n_fields, name, nl);
        for (size_t f = 0; by_pattern && f < d->n_fields && !is_named; f++)
            is_named = skt_fle_pattern_match(d->fields[f], name, nl);
        int enc = seckit_fle_value_is_encrypted(value, vl);
        if (!any && !is_named)
            continue; /* not ours, even if it looks encrypted (no decryption oracle) */
        if (any && !enc)
            continue;
        printable_name(pname, sizeof(pname), name, nl);
        /* An encrypted field is held to the strict codec even in lenient
         * mode: only untouched fields may carry what it refuses. */
        if (!seckit_form_field_is_strict(form, &bad, i)) {
            rc = seckit_error_set_at(err, SECKIT_EFORMAT, (seckit_position){0, 0, bad},
                                     "field '%s' at offset %zu: byte 0x%02x at offset %zu is "
                                     "not allowed in an encrypted field (not form-encoded)",
                                     pname, off, (unsigned char)((const char *)body)[bad], bad);
            seckit_error_set_public(err, "field %zu: the encrypted value is malformed", i + 1);
            return rc;
        }
        if (!enc) {
            /* A named field in plaintext: CloudFront was bypassed, or the
             * client sent it around the encryption. */
            rc = seckit_error_set_at(err, SECKIT_EFORMAT, (seckit_position){0, 0, off},
                                     "field '%s' at offset %zu: value is not an encrypted "
                                     "(AWS Encryption SDK, base64) field, but the field is "
                                     "named for decryption",
                                     pname, off);
            seckit_error_set_public(err, "field %zu: the value is not encrypted", i + 1);
            return rc;
        }
        if (++*count > d->opts.max_fields) {
            rc = seckit_error_set_at(err, SECKIT_ELIMIT, (seckit_position){0, 0, off},
                                     "more than %zu encrypted fields in one body (CloudFront "
                                     "encrypts at most %u)",
                                     d->opts.max_fields, SECKIT_FLE_MAX_FIELDS);
            seckit_error_set_public(err, "too many encrypted fields");
            return rc;
        }
        todo[i] = 1;
    }
    return 0;
}

/* Every field the call names is in the body. */
static int require_named_fields(const seckit_form *form, const char *const *fields, size_t n_fields,
                                seckit_error *err)
{
    size_t n = seckit_form_count(form);
    char pname[300];
    int rc;
    for (size_t f = 0; f < n_fields; f++) {
        int seen = 0;
        for (size_t i = 0; i < n && !seen; i++) {
            const char *name;
            size_t nl;
            SKT_GUARD(form_field(form, i, &name, &nl, NULL, NULL, err));
            seen = fields[f] != NULL && strlen(fields[f]) == nl && memcmp(fields[f], name, nl) == 0;
        }
        if (!seen) {
            printable_name(pname, sizeof(pname), fields[f] ? fields[f] : "",
                           fields[f] ? strlen(fields[f]) : 0);
            rc = seckit_error_set(err, SECKIT_ENOTFOUND, "field '%s' is not in the body", pname);
            seckit_error_set_public(err, "a required encrypted field is missing");
            return rc;
        }
    }
    return 0;
}

/* Parse and decrypt: every check before any RSA work, every field
 * decrypted before anything is returned. */
static int decrypt_fields(const seckit_fle_decryptor *d, const void *body, size_t len,
                          const char *const *fields, size_t n_fields, seckit_fle_fields **out,
                          seckit_error *err)
{
    seal(d);
    /* Which fields: the call's names, else the decryptor's patterns, else
     * (only when explicitly allowed) anything that looks encrypted. */
    int any = n_fields == 0 && d->n_fields == 0;
    if (any && !d->opts.any_encrypted_field) {
        int rc = seckit_error_set(err, SECKIT_EINVAL,
                                  "no fields named for decryption: pass field names, add the "
                                  "profile's patterns (seckit_fle_decryptor_add_field or "
                                  "_add_profile_fields), or set any_encrypted_field (risky: "
                                  "decrypts whatever encrypted value a client posts in any "
                                  "field)");
        seckit_error_set_public(err, "internal error");
        return rc;
    }
    seckit_fle_fields *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        seckit_error_set_public(err, "internal error");
        return SECKIT_ENOMEM;
    }
    int rc = seckit_form_parse_ex(&r->form, body, len, d->opts.max_body,
                                  d->opts.lenient_form ? SECKIT_FORM_LENIENT : 0, err);
    if (rc != 0) {
        seckit_error_set_public(err, rc == SECKIT_ELIMIT ? "the request body is too large"
                                                         : "the request body is not a valid form "
                                                           "(application/x-www-form-urlencoded)");
        goto fail;
    }
    size_t n = seckit_form_count(r->form), count = 0;
    char pname[300];
    r->n = n;
    r->plain = calloc(n ? n : 1, sizeof(*r->plain));
    r->plain_len = calloc(n ? n : 1, sizeof(*r->plain_len));
    uint8_t *todo = calloc(n ? n : 1, 1);
    if (r->plain == NULL || r->plain_len == NULL || todo == NULL) {
        free(todo);
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        seckit_error_set_public(err, "internal error");
        goto fail;
    }
    /* Which fields, and every check, before any RSA work. */
    SKT_GUARD_GOTO(select_fields(d, r->form, body, fields, n_fields, todo, &count, err), rc,
                   fail_todo);
    SKT_GUARD_GOTO(require_named_fields(r->form, fields, n_fields, err), rc, fail_todo);
    for (size_t i = 0; i < n; i++) {
        if (!todo[i])
            continue;
        const char *name, *value;
        size_t nl, vl;
        SKT_GUARD_GOTO(form_field(r->form, i, &name, &nl, &value, &vl, err), rc, fail_todo);
        rc = decrypt_value(d, value, vl, &r->plain[i], &r->plain_len[i], err);
        if (rc != 0) {
            char ctx[400];
            printable_name(pname, sizeof(pname), name, nl);
            snprintf(ctx, sizeof(ctx), "field '%s' at offset %zu", pname,
                     seckit_form_field_offset(r->form, i));
            seckit_error_prefix(err, ctx);
            if (err != NULL)
                err->position.offset = seckit_form_field_offset(r->form, i);
            public_value_failure(err, rc, i + 1);
            goto fail_todo;
        }
    }
    free(todo);
    r->n_decrypted = count;
    *out = r;
    return 0;
fail_todo:
    free(todo);
fail:
    seckit_fle_fields_free(r); /* wipes what was decrypted */
    return rc;
}

int seckit_fle_decrypt_fields(const seckit_fle_decryptor *d, seckit_fle_fields **out,
                              const void *body, size_t len, const char *const *fields,
                              size_t n_fields, seckit_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (d == NULL || (body == NULL && len > 0) || (fields == NULL && n_fields > 0) || out == NULL) {
        int rc =
            seckit_error_set(err, SECKIT_EINVAL, "seckit_fle_decrypt_fields: invalid argument");
        seckit_error_set_public(err, "internal error");
        return rc;
    }
    return decrypt_fields(d, body, len, fields, n_fields, out, err);
}

size_t seckit_fle_fields_count(const seckit_fle_fields *f)
{
    return f != NULL ? f->n : 0;
}

size_t seckit_fle_fields_decrypted(const seckit_fle_fields *f)
{
    return f != NULL ? f->n_decrypted : 0;
}

int seckit_fle_fields_get(const seckit_fle_fields *f, seckit_fle_field *out, size_t i)
{
    if (f == NULL || out == NULL || i >= f->n)
        return SECKIT_EINVAL;
    memset(out, 0, sizeof(*out));
    size_t name_raw_len = 0;
    out->index = i;
    out->offset = seckit_form_field_offset(f->form, i);
    SKT_GUARD(seckit_form_field_raw(f->form, &out->raw, &out->raw_len, &name_raw_len, i));
    out->raw_name = out->raw;
    out->raw_name_len = name_raw_len;
    SKT_GUARD(seckit_form_field(f->form, &out->name, &out->name_len, &out->value, &out->value_len,
                                &out->has_value, i));
    out->raw_value = out->has_value ? out->raw + name_raw_len + 1 : out->raw + out->raw_len;
    out->raw_value_len = out->has_value ? out->raw_len - name_raw_len - 1 : 0;
    out->strict = seckit_form_field_is_strict(f->form, NULL, i);
    if (f->plain[i] != NULL) {
        out->decrypted = 1;
        out->plaintext = f->plain[i];
        out->plaintext_len = f->plain_len[i];
    }
    return 0;
}

int seckit_fle_fields_foreach(const seckit_fle_fields *f, seckit_fle_field_cb cb, void *ctx)
{
    if (f == NULL || cb == NULL)
        return SECKIT_EINVAL;
    for (size_t i = 0; i < f->n; i++) {
        seckit_fle_field field;
        SKT_GUARD(seckit_fle_fields_get(f, &field, i));
        int rc = cb(ctx, &field);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int seckit_fle_decrypt_body(const seckit_fle_decryptor *d, char **out, size_t *out_len,
                            size_t *n_decrypted, const void *body, size_t len,
                            const char *const *fields, size_t n_fields, seckit_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (out_len != NULL)
        *out_len = 0;
    if (d == NULL || (body == NULL && len > 0) || (fields == NULL && n_fields > 0) || out == NULL ||
        out_len == NULL) {
        int rc = seckit_error_set(err, SECKIT_EINVAL, "seckit_fle_decrypt_body: invalid argument");
        seckit_error_set_public(err, "internal error");
        return rc;
    }
    seckit_fle_fields *r = NULL;
    int rc = decrypt_fields(d, body, len, fields, n_fields, &r, err);
    SKT_GUARD(rc);
    for (size_t i = 0; i < r->n; i++)
        if (r->plain[i] != NULL) {
            /* no copy: the form frees (and wipes) it */
            skt_form_set_value_owned(r->form, i, r->plain[i], r->plain_len[i]);
            r->plain[i] = NULL;
        }
    rc = seckit_form_serialize(r->form, out, out_len, err);
    if (rc != 0)
        seckit_error_set_public(err, "internal error");
    else if (n_decrypted != NULL)
        *n_decrypted = r->n_decrypted;
    seckit_fle_fields_free(r);
    return rc;
}
