/* S3 client-side encryption: content encryption and decryption.
 *
 * V3 (0x0073): HKDF-SHA512(salt = Message ID, IKM = data key) gives the
 * 28-byte commitment (info 00 73 "COMMITKEY") and the 32-byte content key
 * (info 00 73 "DERIVEKEY"); AES-256-GCM with a nonce of twelve 0x01 bytes
 * and AAD 00 73.  V2 (0x0072): AES-256-GCM with the data key, the stored
 * 12-byte IV and no AAD.  Legacy (0x0070): AES-256-CBC, PKCS#7.  Ranged
 * reads: AES-CTR from counter IV || BE32(2 + block). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "crypto/s3cse_internal.h"
#include "src/base/secmem.h"
#include "src/base/guard.h"
#include "src/base/options.h"

static const uint8_t v3_aad[2] = {0x00, 0x73};
static const uint8_t v3_iv[12] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};

/* ---- key derivation ------------------------------------------------------------ */

static int hkdf512(const uint8_t *key, const uint8_t *salt, const char *label, uint8_t *out,
                   size_t out_len)
{
    uint8_t info[2 + 16];
    size_t ll = strlen(label);
    info[0] = 0x00;
    info[1] = 0x73;
    memcpy(info + 2, label, ll);
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *c = kdf != NULL ? EVP_KDF_CTX_new(kdf) : NULL;
    EVP_KDF_free(kdf);
    OSSL_PARAM p[5];
    p[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA512", 0);
    p[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)key, SKT_S3CSE_KEY_LEN);
    p[2] =
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, SKT_S3CSE_MSGID_LEN);
    p[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, 2 + ll);
    p[4] = OSSL_PARAM_construct_end();
    int ok = c != NULL && EVP_KDF_derive(c, out, out_len, p) == 1;
    EVP_KDF_CTX_free(c);
    ERR_clear_error();
    return ok ? 0 : -1;
}

int skt_s3cse_derive(const uint8_t key[SKT_S3CSE_KEY_LEN],
                     const uint8_t msg_id[SKT_S3CSE_MSGID_LEN],
                     uint8_t commit[SKT_S3CSE_COMMIT_LEN], uint8_t derived[SKT_S3CSE_KEY_LEN],
                     seckit_error *err)
{
    if ((commit != NULL && hkdf512(key, msg_id, "COMMITKEY", commit, SKT_S3CSE_COMMIT_LEN) != 0) ||
        (derived != NULL && hkdf512(key, msg_id, "DERIVEKEY", derived, SKT_S3CSE_KEY_LEN) != 0)) {
        if (derived != NULL)
            skt_wipe(derived, SKT_S3CSE_KEY_LEN);
        return seckit_error_set(err, SECKIT_ECRYPTO, "HKDF-SHA512 key derivation failed");
    }
    return 0;
}

/* Unwrap env's data key with kr and, for V3, check the commitment (in
 * constant time) and derive the content key.  content_key gets the key the
 * content cipher uses; data_key (may be NULL) the data key itself. */
static int obtain_keys(const seckit_s3cse_keyring *kr, const seckit_s3cse_options *o,
                       const skt_s3cse_env *e, uint8_t *content_key, uint8_t *data_key,
                       seckit_error *err)
{
    uint8_t key[SKT_S3CSE_KEY_LEN], commit[SKT_S3CSE_COMMIT_LEN];
    SKT_GUARD(skt_s3cse_unwrap_key(kr, o, e, key, err));
    int rc = 0;
    if (e->version == 3) {
        SKT_GUARD_GOTO(skt_s3cse_derive(key, e->msg_id, commit, NULL, err), rc, out);
        if (!skt_ct_equal(commit, e->commitment, SKT_S3CSE_COMMIT_LEN)) {
            rc = skt_s3cse_auth_fail(err);
            goto out;
        }
        SKT_GUARD_GOTO(skt_s3cse_derive(key, e->msg_id, NULL, content_key, err), rc, out);
    } else {
        memcpy(content_key, key, SKT_S3CSE_KEY_LEN);
    }
    if (data_key != NULL)
        memcpy(data_key, key, SKT_S3CSE_KEY_LEN);
out:
    skt_wipe(key, sizeof(key));
    skt_wipe(commit, sizeof(commit));
    return rc;
}

/* The caller's options (whose version is checked) or the defaults. */
static int opts_or_default(const seckit_s3cse_options *in, seckit_s3cse_options *out,
                           seckit_error *err)
{
    SKT_GUARD(skt_options_check(in, SECKIT_S3CSE_OPTIONS_VERSION, "seckit_s3cse_options", err));
    if (in != NULL)
        *out = *in;
    else
        *out = (seckit_s3cse_options)SECKIT_S3CSE_OPTIONS_INIT;
    return 0;
}

/* ---- encryptor ------------------------------------------------------------------ */

struct seckit_s3cse_encryptor {
    EVP_CIPHER_CTX *ctx;
    EVP_CIPHER_CTX *start; /* ctx as it was before the first byte, for restart */
    uint64_t count;
    int64_t expect;
    int state; /* 0 open, 1 finished, -1 failed */
};

void skt_s3cse_encryptor_set_count(seckit_s3cse_encryptor *e, uint64_t count)
{
    if (e != NULL)
        e->count = count;
}

static int write_envelope(const seckit_s3cse_options *o, seckit_s3cse_envelope *out,
                          seckit_error *err)
{
    seckit_s3cse_envelope v = o->envelope;
    int forbid = o->commitment_policy == SECKIT_S3CSE_FORBID_ENCRYPT_ALLOW_DECRYPT;
    if (v == SECKIT_S3CSE_ENVELOPE_DEFAULT)
        v = forbid ? SECKIT_S3CSE_ENVELOPE_V2 : SECKIT_S3CSE_ENVELOPE_V3;
    SKT_ENSURE(!(v == SECKIT_S3CSE_ENVELOPE_V3 && forbid), err, SECKIT_EPOLICY,
               "the V3 envelope is key-committing, which "
               "forbid-encrypt-allow-decrypt forbids: use --commitment-policy "
               "require-encrypt-allow-decrypt or --envelope v2");
    SKT_ENSURE(!(v == SECKIT_S3CSE_ENVELOPE_V2 && !forbid), err, SECKIT_EPOLICY,
               "writing the V2 envelope (no key commitment) needs "
               "--commitment-policy forbid-encrypt-allow-decrypt");
    if (v != SECKIT_S3CSE_ENVELOPE_V2 && v != SECKIT_S3CSE_ENVELOPE_V3)
        return seckit_error_set(err, SECKIT_EINVAL, "only V3 and V2 envelopes can be written");
    *out = v;
    return 0;
}

/* The envelope and content keys for a new object. */
static int new_envelope(const seckit_s3cse_options *o, const seckit_s3cse_keyring *kr,
                        skt_s3cse_env *e, uint8_t *content_key, seckit_error *err)
{
    seckit_s3cse_envelope v = SECKIT_S3CSE_ENVELOPE_DEFAULT;
    SKT_GUARD(write_envelope(o, &v, err));
    memset(e, 0, sizeof(*e));
    e->plaintext_length = -1;
    e->version = (int)v;
    uint8_t key[SKT_S3CSE_KEY_LEN];
    int rc = 0;
    if (v == SECKIT_S3CSE_ENVELOPE_V3) {
        e->loc = SECKIT_S3CSE_LOC_V3_METADATA;
        e->content = SECKIT_S3CSE_CONTENT_AES_GCM_COMMIT;
        e->cek_alg_str = "115";
        do {
            if (RAND_bytes(e->msg_id, SKT_S3CSE_MSGID_LEN) != 1)
                return seckit_error_set(err, SECKIT_ECRYPTO, "random number generator failed");
        } while (skt_ct_equal(e->msg_id, (uint8_t[SKT_S3CSE_MSGID_LEN]){0}, SKT_S3CSE_MSGID_LEN));
    } else {
        e->loc = SECKIT_S3CSE_LOC_V2_METADATA;
        e->content = SECKIT_S3CSE_CONTENT_AES_GCM;
        e->cek_alg_str = "AES/GCM/NoPadding";
        e->iv_len = SKT_S3CSE_GCM_IV_LEN;
        do {
            if (RAND_bytes(e->iv, SKT_S3CSE_GCM_IV_LEN) != 1)
                return seckit_error_set(err, SECKIT_ECRYPTO, "random number generator failed");
        } while (skt_ct_equal(e->iv, (uint8_t[SKT_S3CSE_GCM_IV_LEN]){0}, SKT_S3CSE_GCM_IV_LEN));
        e->plaintext_length = o->plaintext_length >= 0 ? o->plaintext_length : -1;
    }
    SKT_GUARD_GOTO(skt_s3cse_wrap_key(kr, o, e, key, 1, err), rc, fail);
    if (v == SECKIT_S3CSE_ENVELOPE_V3)
        SKT_GUARD_GOTO(skt_s3cse_derive(key, e->msg_id, e->commitment, content_key, err), rc, fail);
    else
        memcpy(content_key, key, SKT_S3CSE_KEY_LEN);
    skt_wipe(key, sizeof(key));
    return 0;
fail:
    skt_wipe(key, sizeof(key));
    skt_s3cse_env_clear(e);
    return rc;
}

static EVP_CIPHER_CTX *gcm_ctx(int enc, const uint8_t *key, const uint8_t *iv, int v3)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int outl = 0;
    int ok = c != NULL && EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) == 1 &&
             EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
             EVP_CipherInit_ex(c, NULL, NULL, key, iv, enc) == 1 &&
             (!v3 || EVP_CipherUpdate(c, NULL, &outl, v3_aad, sizeof(v3_aad)) == 1);
    if (!ok) {
        EVP_CIPHER_CTX_free(c);
        ERR_clear_error();
        return NULL;
    }
    return c;
}

int seckit_s3cse_encryptor_new(seckit_s3cse_encryptor **out, seckit_s3cse_meta *meta,
                               const seckit_s3cse_options *opts, const seckit_s3cse_keyring *kr,
                               seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL && meta != NULL, err);
    *out = NULL;
    memset(meta, 0, sizeof(*meta));
    SKT_ENSURE_ARG(kr != NULL, err);
    SKT_GUARD(skt_crypto_init(err));
    seckit_s3cse_options o;
    SKT_GUARD(opts_or_default(opts, &o, err));
    skt_s3cse_env e;
    uint8_t ck[SKT_S3CSE_KEY_LEN];
    SKT_GUARD(new_envelope(&o, kr, &e, ck, err));
    int rc = 0;
    seckit_s3cse_encryptor *enc = calloc(1, sizeof(*enc));
    SKT_ENSURE_GOTO(enc != NULL, err, rc, out, SECKIT_ENOMEM, "out of memory");
    enc->expect = e.plaintext_length;
    enc->ctx = gcm_ctx(1, ck, e.version == 3 ? v3_iv : e.iv, e.version == 3);
    enc->start = enc->ctx != NULL ? EVP_CIPHER_CTX_new() : NULL;
    if (enc->start != NULL && EVP_CIPHER_CTX_copy(enc->start, enc->ctx) != 1) {
        ERR_clear_error();
        EVP_CIPHER_CTX_free(enc->start);
        enc->start = NULL;
    }
    SKT_ENSURE_GOTO(!(enc->ctx == NULL || enc->start == NULL), err, rc, out, SECKIT_ECRYPTO,
                    "AES-GCM setup failed");
    SKT_GUARD_GOTO(skt_s3cse_env_build(&e, o.instruction_file, meta, err), rc, out);
    *out = enc;
    enc = NULL;
out:
    skt_wipe(ck, sizeof(ck));
    skt_s3cse_env_clear(&e);
    seckit_s3cse_encryptor_free(enc);
    return rc;
}

/* EVP takes int lengths: feed at most 1 GiB at a time. */
static int cipher_update(EVP_CIPHER_CTX *c, uint8_t *out, const uint8_t *in, size_t n,
                         size_t *written)
{
    size_t total = 0;
    while (n > 0) {
        int chunk = n > ((size_t)1 << 30) ? 1 << 30 : (int)n, outl = 0;
        if (EVP_CipherUpdate(c, out + total, &outl, in, chunk) != 1) {
            ERR_clear_error();
            return -1;
        }
        total += (size_t)outl;
        in += chunk;
        n -= (size_t)chunk;
    }
    if (written != NULL)
        *written = total;
    return 0;
}

int seckit_s3cse_encryptor_update(seckit_s3cse_encryptor *e, uint8_t *out, const uint8_t *in,
                                  size_t len, seckit_error *err)
{
    SKT_ENSURE_ARG(e != NULL && (len == 0 || (in != NULL && out != NULL)), err);
    SKT_ENSURE(e->state == 0, err, SECKIT_EINVAL, "encryptor already finished or failed");
    SKT_ENSURE(len <= SECKIT_S3CSE_GCM_MAX_PLAINTEXT - e->count, err, SECKIT_ELIMIT,
               "object larger than AES-GCM's limit of 68719476704 bytes "
               "(2^36 - 32)");
    if (len == 0)
        return 0;
    if (cipher_update(e->ctx, out, in, len, NULL) != 0) {
        e->state = -1;
        return seckit_error_set(err, SECKIT_ECRYPTO, "AES-GCM encryption failed");
    }
    e->count += len;
    return 0;
}

int seckit_s3cse_encryptor_final(seckit_s3cse_encryptor *e, uint8_t tag[SECKIT_S3CSE_TAG_LEN],
                                 seckit_error *err)
{
    SKT_ENSURE_ARG(e != NULL && tag != NULL, err);
    SKT_ENSURE(e->state == 0, err, SECKIT_EINVAL, "encryptor already finished or failed");
    if (e->expect >= 0 && (uint64_t)e->expect != e->count) {
        e->state = -1;
        return seckit_error_set(err, SECKIT_EINVAL,
                                "%llu bytes of plaintext, but the stored length says %lld",
                                (unsigned long long)e->count, (long long)e->expect);
    }
    uint8_t dummy[16];
    int outl = 0;
    if (EVP_EncryptFinal_ex(e->ctx, dummy, &outl) != 1 ||
        EVP_CIPHER_CTX_ctrl(e->ctx, EVP_CTRL_GCM_GET_TAG, SECKIT_S3CSE_TAG_LEN, tag) != 1) {
        ERR_clear_error();
        e->state = -1;
        return seckit_error_set(err, SECKIT_ECRYPTO, "AES-GCM encryption failed");
    }
    e->state = 1;
    return 0;
}

int seckit_s3cse_encryptor_restart(seckit_s3cse_encryptor *e, seckit_error *err)
{
    SKT_ENSURE_ARG(e != NULL && e->start != NULL, err);
    if (EVP_CIPHER_CTX_copy(e->ctx, e->start) != 1) {
        ERR_clear_error();
        e->state = -1;
        return seckit_error_set(err, SECKIT_ECRYPTO, "AES-GCM restart failed");
    }
    e->count = 0;
    e->state = 0;
    return 0;
}

uint64_t seckit_s3cse_encryptor_count(const seckit_s3cse_encryptor *e)
{
    return e != NULL ? e->count : 0;
}

void seckit_s3cse_encryptor_free(seckit_s3cse_encryptor *e)
{
    if (e == NULL)
        return;
    EVP_CIPHER_CTX_free(e->ctx); /* cleanses the key schedule */
    EVP_CIPHER_CTX_free(e->start);
    free(e);
}

/* ---- decryptor ------------------------------------------------------------------ */

enum { MODE_GCM = 1, MODE_CBC, MODE_CTR };

struct seckit_s3cse_decryptor {
    EVP_CIPHER_CTX *ctx;
    int mode;
    int state; /* 0 open, 1 finished, -1 failed */
    uint8_t hold[SECKIT_S3CSE_TAG_LEN];
    size_t hold_len;
    uint64_t in_count;        /* body bytes seen */
    uint64_t out_count;       /* plaintext bytes released */
    int64_t expect;           /* stored plaintext length or -1 */
    uint64_t pos, skip, emit; /* ranged */
};

static int dec_new(seckit_s3cse_decryptor **out, const seckit_s3cse_options *opts,
                   const seckit_s3cse_keyring *kr, const seckit_s3cse_kv *meta, size_t n,
                   const char *instruction, size_t instruction_len, const seckit_s3cse_range *range,
                   seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = NULL;
    SKT_ENSURE_ARG(kr != NULL, err);
    SKT_GUARD(skt_crypto_init(err));
    seckit_s3cse_options o;
    SKT_GUARD(opts_or_default(opts, &o, err));
    skt_s3cse_env e;
    SKT_GUARD(skt_s3cse_env_parse(&e, meta, n, instruction, instruction_len, err));
    uint8_t ck[SKT_S3CSE_KEY_LEN];
    seckit_s3cse_decryptor *d = NULL;
    int rc = 0;
    SKT_GUARD_GOTO(skt_s3cse_check_read_policy(&e, &o, range != NULL, err), rc, out);
    if (range != NULL) {
        if (e.content == SECKIT_S3CSE_CONTENT_AES_CBC) {
            rc = seckit_error_set(err, SECKIT_EUNSUPPORTED,
                                  "ranged reads of AES-CBC objects are not supported: read the "
                                  "whole object");
            goto out;
        }
        if (range->fetch_first % 16 != 0 || range->fetch_first / 16 > 0xFFFFFFF0u) {
            rc = seckit_error_set(err, SECKIT_EINVAL,
                                  "ranged read must start on a 16-byte block boundary "
                                  "(use seckit_s3cse_range_adjust)");
            goto out;
        }
    }
    SKT_GUARD_GOTO(obtain_keys(kr, &o, &e, ck, NULL, err), rc, out);
    d = calloc(1, sizeof(*d));
    SKT_ENSURE_GOTO(d != NULL, err, rc, out, SECKIT_ENOMEM, "out of memory");
    d->expect = e.plaintext_length;
    const uint8_t *iv12 = e.version == 3 ? v3_iv : e.iv;
    if (range != NULL) {
        uint8_t ctr[16];
        uint32_t block = (uint32_t)(2 + range->fetch_first / 16);
        memcpy(ctr, iv12, 12);
        ctr[12] = (uint8_t)(block >> 24);
        ctr[13] = (uint8_t)(block >> 16);
        ctr[14] = (uint8_t)(block >> 8);
        ctr[15] = (uint8_t)block;
        d->mode = MODE_CTR;
        d->skip = range->skip;
        d->emit = range->emit;
        d->ctx = EVP_CIPHER_CTX_new();
        if (d->ctx != NULL && EVP_DecryptInit_ex(d->ctx, EVP_aes_256_ctr(), NULL, ck, ctr) != 1) {
            EVP_CIPHER_CTX_free(d->ctx);
            d->ctx = NULL;
        }
    } else if (e.content == SECKIT_S3CSE_CONTENT_AES_CBC) {
        d->mode = MODE_CBC;
        d->ctx = EVP_CIPHER_CTX_new();
        if (d->ctx != NULL && EVP_DecryptInit_ex(d->ctx, EVP_aes_256_cbc(), NULL, ck, e.iv) != 1) {
            EVP_CIPHER_CTX_free(d->ctx);
            d->ctx = NULL;
        }
    } else {
        d->mode = MODE_GCM;
        d->ctx = gcm_ctx(0, ck, iv12, e.version == 3);
    }
    ERR_clear_error();
    SKT_ENSURE_GOTO(d->ctx != NULL, err, rc, out, SECKIT_ECRYPTO, "AES setup failed");
    *out = d;
    d = NULL;
out:
    skt_wipe(ck, sizeof(ck));
    skt_s3cse_env_clear(&e);
    seckit_s3cse_decryptor_free(d);
    return rc;
}

int seckit_s3cse_decryptor_new(seckit_s3cse_decryptor **out, const seckit_s3cse_options *opts,
                               const seckit_s3cse_keyring *kr, const seckit_s3cse_kv *meta,
                               size_t n, const char *instruction, size_t instruction_len,
                               seckit_error *err)
{
    return dec_new(out, opts, kr, meta, n, instruction, instruction_len, NULL, err);
}

int seckit_s3cse_decryptor_new_range(seckit_s3cse_decryptor **out, const seckit_s3cse_options *opts,
                                     const seckit_s3cse_keyring *kr, const seckit_s3cse_kv *meta,
                                     size_t n, const char *instruction, size_t instruction_len,
                                     const seckit_s3cse_range *range, seckit_error *err)
{
    SKT_ENSURE(range != NULL, err, SECKIT_EINVAL, "ranged decryptor needs a range");
    return dec_new(out, opts, kr, meta, n, instruction, instruction_len, range, err);
}

static int dec_fail(seckit_s3cse_decryptor *d, uint8_t *out, size_t n, seckit_error *err)
{
    d->state = -1;
    if (out != NULL)
        skt_wipe(out, n);
    return skt_s3cse_auth_fail(err);
}

int seckit_s3cse_decryptor_update(seckit_s3cse_decryptor *d, uint8_t *out, size_t *out_len,
                                  const uint8_t *in, size_t len, seckit_error *err)
{
    SKT_ENSURE_ARG(d != NULL && out_len != NULL && (len == 0 || (in != NULL && out != NULL)), err);
    *out_len = 0;
    SKT_ENSURE(d->state == 0, err, SECKIT_EINVAL, "decryptor already finished or failed");
    if (len == 0)
        return 0;
    if (d->mode != MODE_CTR &&
        len > SECKIT_S3CSE_GCM_MAX_PLAINTEXT + SECKIT_S3CSE_TAG_LEN - d->in_count) {
        d->state = -1;
        return seckit_error_set(err, SECKIT_ELIMIT,
                                "object body larger than AES-GCM's limit (2^36 - 32 bytes of "
                                "plaintext)");
    }
    size_t w = 0;
    if (d->mode == MODE_GCM) {
        size_t avail = d->hold_len + len;
        if (avail <= SECKIT_S3CSE_TAG_LEN) {
            memcpy(d->hold + d->hold_len, in, len);
            d->hold_len = avail;
            d->in_count += len;
            return 0;
        }
        size_t proc = avail - SECKIT_S3CSE_TAG_LEN;
        size_t from_hold = proc < d->hold_len ? proc : d->hold_len;
        size_t w1 = 0, w2 = 0;
        if ((from_hold > 0 && cipher_update(d->ctx, out, d->hold, from_hold, &w1) != 0) ||
            cipher_update(d->ctx, out + w1, in, proc - from_hold, &w2) != 0)
            return dec_fail(d, out, w1 + w2, err);
        size_t rest_hold = d->hold_len - from_hold, from_in = proc - from_hold;
        memmove(d->hold, d->hold + from_hold, rest_hold);
        memcpy(d->hold + rest_hold, in + from_in, len - from_in);
        d->hold_len = SECKIT_S3CSE_TAG_LEN;
        w = w1 + w2;
    } else if (d->mode == MODE_CBC) {
        if (cipher_update(d->ctx, out, in, len, &w) != 0)
            return dec_fail(d, out, len, err);
    } else {
        if (cipher_update(d->ctx, out, in, len, &w) != 0)
            return dec_fail(d, out, len, err);
        /* keep only [skip, skip + emit) of the decrypted stream */
        uint64_t lo = d->pos, hi = d->pos + w;
        uint64_t a = d->skip > lo ? d->skip : lo;
        uint64_t b = d->skip + d->emit < hi ? d->skip + d->emit : hi;
        size_t keep = b > a ? (size_t)(b - a) : 0;
        if (keep > 0 && a > lo)
            memmove(out, out + (a - lo), keep);
        skt_wipe(out + keep, w - keep);
        d->pos = hi;
        w = keep;
    }
    d->in_count += len;
    d->out_count += w;
    *out_len = w;
    return 0;
}

int seckit_s3cse_decryptor_final(seckit_s3cse_decryptor *d, uint8_t out[16], size_t *out_len,
                                 seckit_error *err)
{
    SKT_ENSURE_ARG(d != NULL && out != NULL && out_len != NULL, err);
    *out_len = 0;
    SKT_ENSURE(d->state == 0, err, SECKIT_EINVAL, "decryptor already finished or failed");
    int outl = 0;
    if (d->mode == MODE_GCM) {
        if (d->hold_len != SECKIT_S3CSE_TAG_LEN ||
            EVP_CIPHER_CTX_ctrl(d->ctx, EVP_CTRL_GCM_SET_TAG, SECKIT_S3CSE_TAG_LEN, d->hold) != 1 ||
            EVP_DecryptFinal_ex(d->ctx, out, &outl) != 1) {
            ERR_clear_error();
            return dec_fail(d, NULL, 0, err);
        }
    } else if (d->mode == MODE_CBC) {
        if (EVP_DecryptFinal_ex(d->ctx, out, &outl) != 1) {
            ERR_clear_error();
            return dec_fail(d, out, 16, err);
        }
        *out_len = (size_t)outl;
        d->out_count += (size_t)outl;
    } else {
        d->state = 1;
        return 0;
    }
    if (d->expect >= 0 && (uint64_t)d->expect != d->out_count) {
        *out_len = 0;
        return dec_fail(d, out, 16, err);
    }
    d->state = 1;
    return 0;
}

uint64_t seckit_s3cse_decryptor_count(const seckit_s3cse_decryptor *d)
{
    return d != NULL ? d->out_count : 0;
}

void seckit_s3cse_decryptor_free(seckit_s3cse_decryptor *d)
{
    if (d == NULL)
        return;
    EVP_CIPHER_CTX_free(d->ctx);
    skt_wipe(d, sizeof(*d));
    free(d);
}

/* ---- ranges ------------------------------------------------------------------------ */

int seckit_s3cse_range_adjust(seckit_s3cse_range *out, uint64_t first, uint64_t last,
                              uint64_t object_len, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    memset(out, 0, sizeof(*out));
    SKT_ENSURE(first <= last, err, SECKIT_EINVAL, "range %llu-%llu: first byte after the last",
               (unsigned long long)first, (unsigned long long)last);
    if (object_len > 0) {
        SKT_ENSURE(object_len >= SECKIT_S3CSE_TAG_LEN, err, SECKIT_EFORMAT,
                   "object of %llu bytes is shorter than the GCM tag",
                   (unsigned long long)object_len);
        uint64_t pt = object_len - SECKIT_S3CSE_TAG_LEN;
        SKT_ENSURE(first < pt, err, SECKIT_EINVAL,
                   "range starts at %llu, past the end of the %llu-byte "
                   "plaintext",
                   (unsigned long long)first, (unsigned long long)pt);
        if (last > pt - 1)
            last = pt - 1;
    }
    out->fetch_first = first >= 16 ? first - first % 16 - 16 : 0;
    uint64_t e = last + (16 - last % 16) + 16;
    if (e < last) /* overflow */
        e = UINT64_MAX;
    if (object_len > 0 && e > object_len - 1)
        e = object_len - 1;
    out->fetch_last = e;
    out->skip = first - out->fetch_first;
    out->emit = last == UINT64_MAX ? UINT64_MAX - out->skip : last - first + 1;
    return 0;
}

/* ---- rewrap and key checks ----------------------------------------------------------- */

int seckit_s3cse_rewrap(seckit_s3cse_meta *out, const seckit_s3cse_options *opts,
                        const seckit_s3cse_keyring *from, const seckit_s3cse_kv *meta, size_t n,
                        const char *instruction, size_t instruction_len,
                        const seckit_s3cse_keyring *to, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    memset(out, 0, sizeof(*out));
    SKT_ENSURE_ARG(from != NULL && to != NULL, err);
    SKT_GUARD(skt_crypto_init(err));
    seckit_s3cse_options o;
    SKT_GUARD(opts_or_default(opts, &o, err));
    skt_s3cse_env e, ne;
    memset(&ne, 0, sizeof(ne));
    SKT_GUARD(skt_s3cse_env_parse(&e, meta, n, instruction, instruction_len, err));
    uint8_t ck[SKT_S3CSE_KEY_LEN], key[SKT_S3CSE_KEY_LEN];
    int rc = 0;
    SKT_GUARD_GOTO(skt_s3cse_check_read_policy(&e, &o, 0, err), rc, out);
    if (e.content == SECKIT_S3CSE_CONTENT_AES_CBC) {
        rc = seckit_error_set(err, SECKIT_EUNSUPPORTED,
                              "objects with AES-CBC content cannot be rewrapped (that would "
                              "write a legacy envelope): decrypt and encrypt them again");
        goto out;
    }
    SKT_GUARD_GOTO(obtain_keys(from, &o, &e, ck, key, err), rc, out);
    ne.version = e.version;
    ne.loc = e.loc;
    ne.content = e.content;
    ne.cek_alg_str = e.cek_alg_str;
    memcpy(ne.iv, e.iv, sizeof(ne.iv));
    ne.iv_len = e.iv_len;
    memcpy(ne.msg_id, e.msg_id, sizeof(ne.msg_id));
    memcpy(ne.commitment, e.commitment, sizeof(ne.commitment));
    ne.plaintext_length = e.plaintext_length;
    SKT_GUARD_GOTO(skt_s3cse_wrap_key(to, &o, &ne, key, 0, err), rc, out);
    SKT_GUARD_GOTO(skt_s3cse_env_build(&ne, o.instruction_file, out, err), rc, out);
out:
    skt_wipe(ck, sizeof(ck));
    skt_wipe(key, sizeof(key));
    skt_s3cse_env_clear(&e);
    skt_s3cse_env_clear(&ne);
    return rc;
}

int seckit_s3cse_check_key(const seckit_s3cse_options *opts, const seckit_s3cse_keyring *kr,
                           const seckit_s3cse_kv *meta, size_t n, const char *instruction,
                           size_t instruction_len, seckit_error *err)
{
    SKT_ENSURE_ARG(kr != NULL, err);
    SKT_GUARD(skt_crypto_init(err));
    seckit_s3cse_options o;
    SKT_GUARD(opts_or_default(opts, &o, err));
    skt_s3cse_env e;
    SKT_GUARD(skt_s3cse_env_parse(&e, meta, n, instruction, instruction_len, err));
    uint8_t ck[SKT_S3CSE_KEY_LEN];
    int rc = skt_s3cse_check_read_policy(&e, &o, 0, err);
    if (rc == 0)
        rc = obtain_keys(kr, &o, &e, ck, NULL, err);
    skt_wipe(ck, sizeof(ck));
    skt_s3cse_env_clear(&e);
    return rc;
}

/* ---- one-shot helpers ------------------------------------------------------------------ */

int seckit_s3cse_encrypt(uint8_t **body, size_t *body_len, seckit_s3cse_meta *meta,
                         const seckit_s3cse_options *opts, const seckit_s3cse_keyring *kr,
                         const uint8_t *plaintext, size_t len, seckit_error *err)
{
    SKT_ENSURE_ARG(body != NULL && body_len != NULL && meta != NULL, err);
    *body = NULL;
    *body_len = 0;
    memset(meta, 0, sizeof(*meta));
    SKT_ENSURE_ARG(plaintext != NULL || len == 0, err);
    SKT_ENSURE(len <= SECKIT_S3CSE_GCM_MAX_PLAINTEXT, err, SECKIT_ELIMIT,
               "object larger than AES-GCM's limit of 68719476704 bytes");
    seckit_s3cse_encryptor *e;
    SKT_GUARD(seckit_s3cse_encryptor_new(&e, meta, opts, kr, err));
    int rc = 0;
    uint8_t *b = malloc(len + SECKIT_S3CSE_TAG_LEN);
    SKT_ENSURE_GOTO(b != NULL, err, rc, fail, SECKIT_ENOMEM, "out of memory");
    SKT_GUARD_GOTO(seckit_s3cse_encryptor_update(e, b, plaintext, len, err), rc, fail);
    SKT_GUARD_GOTO(seckit_s3cse_encryptor_final(e, b + len, err), rc, fail);
    seckit_s3cse_encryptor_free(e);
    *body = b;
    *body_len = len + SECKIT_S3CSE_TAG_LEN;
    return 0;
fail:
    free(b);
    seckit_s3cse_encryptor_free(e);
    seckit_s3cse_meta_free(meta);
    return rc;
}

int seckit_s3cse_decrypt(uint8_t **plaintext, size_t *pt_len, const seckit_s3cse_options *opts,
                         const seckit_s3cse_keyring *kr, const seckit_s3cse_kv *meta, size_t n,
                         const char *instruction, size_t instruction_len, const uint8_t *body,
                         size_t body_len, seckit_error *err)
{
    SKT_ENSURE_ARG(plaintext != NULL && pt_len != NULL, err);
    *plaintext = NULL;
    *pt_len = 0;
    SKT_ENSURE_ARG(body != NULL || body_len == 0, err);
    SKT_ENSURE(body_len <= SIZE_MAX - 64, err, SECKIT_ELIMIT, "object too large");
    seckit_s3cse_decryptor *d;
    SKT_GUARD(seckit_s3cse_decryptor_new(&d, opts, kr, meta, n, instruction, instruction_len, err));
    size_t cap = body_len + 32 + 1, w = 0, w2 = 0;
    uint8_t *p = skt_scratch_alloc(cap);
    int rc = 0;
    SKT_ENSURE_GOTO(p != NULL, err, rc, fail, SECKIT_ENOMEM, "out of memory");
    SKT_GUARD_GOTO(seckit_s3cse_decryptor_update(d, p, &w, body, body_len, err), rc, fail);
    SKT_GUARD_GOTO(seckit_s3cse_decryptor_final(d, p + w, &w2, err), rc, fail);
    p[w + w2] = 0;
    seckit_s3cse_decryptor_free(d);
    *plaintext = p;
    *pt_len = w + w2;
    return 0;
fail:
    skt_secret_free(p);
    seckit_s3cse_decryptor_free(d);
    return rc;
}
