/* ESDK encryption: header (v1/v2), framed or non-framed body, ECDSA footer
 * (SPEC client-apis/encrypt.md).  The streaming encryptor writes the header
 * at once and then one frame per frame_length bytes; the one-shot call runs
 * it (or the non-framed path) into a buffer. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/esdk_internal.h"
#include "src/base/secmem.h"
#include "src/base/guard.h"
#include "src/base/options.h"

struct seckit_esdk_encryptor {
    const skt_esdk_suite *suite;
    uint32_t frame_length; /* 0 = non-framed (one-shot only) */
    uint8_t message_id[32];
    size_t message_id_len;
    skt_gcm *gcm;
    skt_sig *sig;
    seckit_esdk_write_fn write;
    void *user;
    uint8_t *buf; /* guarded: one frame of plaintext */
    size_t buf_len;
    uint8_t *out; /* one serialized frame */
    size_t out_cap;
    uint32_t seq;
    int failed, finished;
};

static int emit(seckit_esdk_encryptor *e, const uint8_t *p, size_t n, seckit_error *err)
{
    if (e->sig != NULL)
        SKT_GUARD(skt_sig_update(e->sig, p, n, err));
    int rc = e->write(e->user, p, n, err);
    if (rc > 0)
        rc = seckit_error_set(err, SECKIT_EIO, "ciphertext output failed");
    return rc;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static int resolve_suite(const seckit_esdk_options *o, const skt_esdk_suite **out,
                         seckit_error *err)
{
    uint16_t id = o->suite;
    int forbid = o->commitment_policy == SECKIT_ESDK_FORBID_ENCRYPT_ALLOW_DECRYPT;
    if (o->commitment_policy < SECKIT_ESDK_REQUIRE_ENCRYPT_REQUIRE_DECRYPT ||
        o->commitment_policy > SECKIT_ESDK_FORBID_ENCRYPT_ALLOW_DECRYPT)
        return seckit_error_set(err, SECKIT_EINVAL, "unknown commitment policy %d",
                                (int)o->commitment_policy);
    if (id == 0)
        id = forbid ? SECKIT_ESDK_SUITE_AES256_GCM_HKDF_SHA384_ECDSA_P384
                    : SECKIT_ESDK_SUITE_AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
    const skt_esdk_suite *s = skt_esdk_suite_find(id);
    SKT_ENSURE(s != NULL, err, SECKIT_EUNSUPPORTED, "algorithm suite 0x%04X is not an ESDK suite",
               id);
    SKT_ENSURE(!(forbid && s->commits), err, SECKIT_EPOLICY,
               "commitment policy forbid-encrypt-allow-decrypt refuses the "
               "committing suite 0x%04X",
               id);
    SKT_ENSURE(!(!forbid && !s->commits), err, SECKIT_EPOLICY,
               "the commitment policy requires a committing suite (0x0478 or "
               "0x0578), not 0x%04X (use forbid-encrypt-allow-decrypt for v1 "
               "messages)",
               id);
    *out = s;
    return 0;
}

void seckit_esdk_encryptor_free(seckit_esdk_encryptor *e)
{
    if (e == NULL)
        return;
    skt_gcm_free(e->gcm);
    skt_sig_free(e->sig);
    skt_secret_free(e->buf);
    free(e->out);
    free(e);
}

/* The frame length: 0 (non-framed) only where the caller allows it and the
 * suite writes message version 1; at most the options' limit. */
static int check_frame_length(uint32_t frame_length, const seckit_esdk_options *opts,
                              const skt_esdk_suite *s, int allow_nonframed, seckit_error *err)
{
    SKT_ENSURE(frame_length != 0 || (allow_nonframed && s->version != 2), err, SECKIT_EINVAL, "%s",
               allow_nonframed ? "non-framed messages (frame length 0) are only "
                                 "written with message version 1 suites"
                               : "streaming encryption needs a frame length > 0");
    SKT_ENSURE(opts->max_frame_length == 0 || frame_length <= opts->max_frame_length, err,
               SECKIT_ELIMIT, "frame length %u exceeds the limit of %u", (unsigned)frame_length,
               (unsigned)opts->max_frame_length);
    return 0;
}

/* The message's encryption context: the caller's pairs (no reserved keys),
 * plus, for a signing suite, the public key of a new signer (*sig; *pub is
 * its text, which the caller frees). */
static int build_context(skt_esdk_ctx *c, const skt_esdk_suite *s, const seckit_esdk_context *ctx,
                         skt_sig **sig, char **pub, seckit_error *err)
{
    size_t n = ctx != NULL ? ctx->count : 0;
    if (s->sig_hash == SKT_HASH_NONE)
        return skt_esdk_ctx_from_pairs(c, n ? ctx->pairs : NULL, n, 0, err);
    SKT_GUARD(skt_sig_signer_new(sig, s, pub, err));
    /* Validate the caller's pairs first (refusing reserved keys). */
    SKT_GUARD(skt_esdk_ctx_from_pairs(c, n ? ctx->pairs : NULL, n, 0, err));
    skt_esdk_ctx_free(c);
    seckit_esdk_pair *all = calloc(n + 1, sizeof(*all));
    SKT_ENSURE(all != NULL, err, SECKIT_ENOMEM, "out of memory");
    if (n > 0)
        memcpy(all, ctx->pairs, n * sizeof(*all));
    all[n].key = SECKIT_ESDK_PUBLIC_KEY_CONTEXT_KEY;
    all[n].key_len = strlen(SECKIT_ESDK_PUBLIC_KEY_CONTEXT_KEY);
    all[n].value = *pub;
    all[n].value_len = strlen(*pub);
    int rc = skt_esdk_ctx_from_pairs(c, all, n + 1, 1, err);
    free(all);
    return rc;
}

/* The header into w: its body, then the body's authentication tag (with a
 * zero IV, which version 1 also writes). */
static int write_header(seckit_esdk_encryptor *e, const skt_esdk_ctx *c,
                        const seckit_keyring_materials *m, const uint8_t *commit, skt_writer *w,
                        seckit_error *err)
{
    const skt_esdk_suite *s = e->suite;
    SKT_GUARD(skt_writer_u8(w, s->version, err));
    if (s->version == 1)
        SKT_GUARD(skt_writer_u8(w, 0x80, err));
    SKT_GUARD(skt_writer_u16(w, s->id, err));
    SKT_GUARD(skt_writer_put(w, e->message_id, e->message_id_len, err));
    SKT_GUARD(skt_writer_u16(w, (uint16_t)c->ser_len, err));
    SKT_GUARD(skt_writer_put(w, c->ser, c->ser_len, err));
    SKT_GUARD(skt_writer_u16(w, (uint16_t)m->n_edks, err));
    for (size_t i = 0; i < m->n_edks; i++) {
        SKT_GUARD(skt_writer_lp16(w, m->edks[i].provider_id, m->edks[i].provider_id_len, err));
        SKT_GUARD(skt_writer_lp16(w, m->edks[i].provider_info, m->edks[i].provider_info_len, err));
        SKT_GUARD(skt_writer_lp16(w, m->edks[i].ciphertext, m->edks[i].ciphertext_len, err));
    }
    SKT_GUARD(skt_writer_u8(w, e->frame_length == 0 ? 1 : 2, err));
    if (s->version == 1) {
        SKT_GUARD(skt_writer_u32(w, 0, err));
        SKT_GUARD(skt_writer_u8(w, SKT_ESDK_IV_LEN, err));
    }
    SKT_GUARD(skt_writer_u32(w, e->frame_length, err));
    if (s->version == 2)
        SKT_GUARD(skt_writer_put(w, commit, SKT_ESDK_COMMIT_LEN, err));
    uint8_t iv[SKT_ESDK_IV_LEN] = {0}, tag[SKT_ESDK_TAG_LEN], none[1];
    size_t body_len = w->len;
    SKT_GUARD(skt_gcm_seal(e->gcm, iv, w->data, body_len, NULL, 0, NULL, 0, none, tag, err));
    if (s->version == 1)
        SKT_GUARD(skt_writer_put(w, iv, sizeof(iv), err));
    SKT_GUARD(skt_writer_put(w, tag, sizeof(tag), err));
    return 0;
}

/* Build everything and write the header. */
static int encryptor_start(seckit_esdk_encryptor **out, const seckit_keyring *kr,
                           const seckit_esdk_options *opts_in, const seckit_esdk_context *ctx,
                           seckit_esdk_write_fn write, void *user, int allow_nonframed,
                           seckit_error *err)
{
    seckit_esdk_options opts;
    skt_esdk_ctx c;
    seckit_keyring_materials m;
    skt_writer w;
    char *pub = NULL;
    uint8_t *key = NULL;
    uint8_t commit[SKT_ESDK_COMMIT_LEN];
    int rc;

    *out = NULL;
    memset(&c, 0, sizeof(c));
    memset(&m, 0, sizeof(m));
    skt_writer_init(&w, SIZE_MAX);
    SKT_GUARD(skt_options_check(opts_in, SECKIT_ESDK_OPTIONS_VERSION, "seckit_esdk_options", err));
    if (opts_in != NULL)
        opts = *opts_in;
    else
        opts = (seckit_esdk_options)SECKIT_ESDK_OPTIONS_INIT;
    SKT_GUARD(skt_crypto_init(err));
    seckit_esdk_encryptor *e = calloc(1, sizeof(*e));
    SKT_ENSURE(e != NULL, err, SECKIT_ENOMEM, "out of memory");
    e->write = write;
    e->user = user;
    e->frame_length = opts.frame_length;
    SKT_GUARD_GOTO(resolve_suite(&opts, &e->suite, err), rc, fail);
    const skt_esdk_suite *s = e->suite;
    SKT_GUARD_GOTO(check_frame_length(e->frame_length, &opts, s, allow_nonframed, err), rc, fail);
    SKT_GUARD_GOTO(build_context(&c, s, ctx, &e->sig, &pub, err), rc, fail);

    /* Data key and EDKs. */
    SKT_GUARD_GOTO(skt_materials_init(&m, s, &c, 1, NULL, err), rc, fail);
    SKT_GUARD_GOTO(skt_keyring_on_encrypt(kr, &m, err), rc, fail);
    SKT_ENSURE_GOTO(!(!m.has_key || m.n_edks == 0), err, rc, fail, SECKIT_EINTERNAL,
                    "keyring produced no encrypted data key");
    if (opts.max_encrypted_data_keys > 0 && m.n_edks > opts.max_encrypted_data_keys) {
        rc = seckit_error_set(err, SECKIT_ELIMIT,
                              "the keyring made %zu encrypted data keys, more than the limit of %u",
                              m.n_edks, (unsigned)opts.max_encrypted_data_keys);
        goto fail;
    }
    e->message_id_len = s->version == 1 ? 16 : 32;
    SKT_GUARD_GOTO(skt_esdk_random(e->message_id, e->message_id_len, err), rc, fail);
    key = skt_scratch_alloc(SKT_ESDK_MAX_KEY_LEN);
    SKT_ENSURE_GOTO(key != NULL, err, rc, fail, SECKIT_ENOMEM, "out of secure memory");
    SKT_GUARD_GOTO(skt_esdk_derive(s, m.data_key, e->message_id, key, commit, err), rc, fail);
    SKT_GUARD_GOTO(skt_gcm_new(&e->gcm, key, s->key_len, 1, err), rc, fail);

    SKT_GUARD_GOTO(write_header(e, &c, &m, commit, &w, err), rc, fail);
    SKT_GUARD_GOTO(emit(e, w.data, w.len, err), rc, fail);
    if (e->frame_length > 0) {
        e->buf = skt_scratch_alloc(e->frame_length);
        e->out_cap = (size_t)e->frame_length + 44;
        e->out = malloc(e->out_cap);
        SKT_ENSURE_GOTO(!(e->buf == NULL || e->out == NULL), err, rc, fail, SECKIT_ENOMEM,
                        "out of memory for a frame of %u bytes", (unsigned)e->frame_length);
    }
    e->seq = 1;
    *out = e;
    rc = 0;
    goto done;
fail:
    seckit_esdk_encryptor_free(e);
done:
    skt_wipe(commit, sizeof(commit));
    skt_secret_free(key);
    skt_materials_clear(&m);
    skt_esdk_ctx_free(&c);
    skt_writer_free(&w);
    free(pub);
    return rc;
}

static int write_frame(seckit_esdk_encryptor *e, int final, seckit_error *err)
{
    uint8_t aad[SKT_ESDK_BODY_AAD_MAX];
    uint8_t *q = e->out;
    size_t len = e->buf_len;
    if (e->seq == SKT_ESDK_FINAL_SEQ)
        return seckit_error_set(err, SECKIT_ELIMIT, "message would need more than 2^32 - 2 frames");
    if (final) {
        put32(q, SKT_ESDK_FINAL_SEQ);
        q += 4;
    }
    put32(q, e->seq);
    q += 4;
    uint8_t *iv = q;
    memset(iv, 0, 8);
    put32(iv + 8, e->seq);
    q += SKT_ESDK_IV_LEN;
    if (final) {
        put32(q, (uint32_t)len);
        q += 4;
    }
    size_t aad_len = skt_esdk_body_aad(aad, e->message_id, e->message_id_len,
                                       final ? SKT_BODY_FINAL : SKT_BODY_FRAME, e->seq, len);
    SKT_GUARD(skt_gcm_seal(e->gcm, iv, aad, aad_len, NULL, 0, e->buf, len, q, q + len, err));
    q += len + SKT_ESDK_TAG_LEN;
    skt_wipe(e->buf, len);
    e->buf_len = 0;
    e->seq++;
    return emit(e, e->out, (size_t)(q - e->out), err);
}

static int write_footer(seckit_esdk_encryptor *e, seckit_error *err)
{
    uint8_t *sig = NULL;
    size_t sig_len = 0;
    if (e->sig == NULL)
        return 0;
    SKT_GUARD(skt_sig_sign_final(e->sig, &sig, &sig_len, err));
    uint8_t hdr[2] = {(uint8_t)(sig_len >> 8), (uint8_t)sig_len};
    int rc = e->write(e->user, hdr, 2, err);
    if (rc == 0)
        rc = e->write(e->user, sig, sig_len, err);
    free(sig);
    if (rc > 0)
        rc = seckit_error_set(err, SECKIT_EIO, "ciphertext output failed");
    return rc;
}

int seckit_esdk_encryptor_new(seckit_esdk_encryptor **out, const seckit_keyring *kr,
                              const seckit_esdk_options *opts, const seckit_esdk_context *ctx,
                              seckit_esdk_write_fn write, void *user, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = NULL;
    SKT_ENSURE_ARG(kr != NULL && write != NULL, err);
    return encryptor_start(out, kr, opts, ctx, write, user, 0, err);
}

int seckit_esdk_encryptor_update(seckit_esdk_encryptor *e, const uint8_t *in, size_t len,
                                 seckit_error *err)
{
    SKT_ENSURE_ARG(e != NULL && (in != NULL || len == 0), err);
    if (e->failed || e->finished)
        return seckit_error_set(err, SECKIT_EINVAL, "encryptor already finished or failed");
    while (len > 0) {
        if (e->buf_len == e->frame_length) {
            /* More input follows a full buffer: it is a regular frame. */
            int rc = write_frame(e, 0, err);
            if (rc != 0) {
                e->failed = 1;
                return rc;
            }
        }
        size_t take = e->frame_length - e->buf_len;
        if (take > len)
            take = len;
        memcpy(e->buf + e->buf_len, in, take);
        e->buf_len += take;
        in += take;
        len -= take;
    }
    return 0;
}

int seckit_esdk_encryptor_finish(seckit_esdk_encryptor *e, seckit_error *err)
{
    SKT_ENSURE_ARG(e != NULL, err);
    if (e->failed || e->finished)
        return seckit_error_set(err, SECKIT_EINVAL, "encryptor already finished or failed");
    int rc = write_frame(e, 1, err);
    if (rc == 0)
        rc = write_footer(e, err);
    if (rc != 0)
        e->failed = 1;
    else
        e->finished = 1;
    return rc;
}

/* ---- one-shot ---------------------------------------------------------------- */

static int writer_sink(void *user, const uint8_t *p, size_t n, seckit_error *err)
{
    return skt_writer_put(user, p, n, err);
}

int seckit_esdk_encrypt(const seckit_keyring *kr, uint8_t **out, size_t *out_len,
                        const seckit_esdk_options *opts, const seckit_esdk_context *ctx,
                        const uint8_t *plaintext, size_t len, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL && out_len != NULL, err);
    *out = NULL;
    *out_len = 0;
    SKT_ENSURE_ARG(kr != NULL && (plaintext != NULL || len == 0), err);
    skt_writer w;
    seckit_esdk_encryptor *e = NULL;
    int rc;
    skt_writer_init(&w, SIZE_MAX);
    SKT_GUARD_GOTO(encryptor_start(&e, kr, opts, ctx, writer_sink, &w, 1, err), rc, done);
    if (e->frame_length > 0) {
        SKT_GUARD_GOTO(seckit_esdk_encryptor_update(e, plaintext, len, err), rc, done);
        SKT_GUARD_GOTO(seckit_esdk_encryptor_finish(e, err), rc, done);
    } else {
        /* Non-framed: IV || u64 length || ciphertext || tag. */
        uint8_t head[SKT_ESDK_IV_LEN + 8], tag[SKT_ESDK_TAG_LEN], aad[SKT_ESDK_BODY_AAD_MAX];
        SKT_ENSURE_GOTO((uint64_t)len <= SKT_ESDK_NONFRAMED_MAX, err, rc, done, SECKIT_ELIMIT,
                        "non-framed content is limited to 2^36 - 32 bytes");
        memset(head, 0, sizeof(head));
        head[SKT_ESDK_IV_LEN - 1] = 1;
        for (int i = 0; i < 8; i++)
            head[SKT_ESDK_IV_LEN + i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
        SKT_GUARD_GOTO(emit(e, head, sizeof(head), err), rc, done);
        uint8_t *ct = malloc(len ? len : 1);
        SKT_ENSURE_GOTO(ct != NULL, err, rc, done, SECKIT_ENOMEM, "out of memory");
        size_t aad_len =
            skt_esdk_body_aad(aad, e->message_id, e->message_id_len, SKT_BODY_SINGLE, 1, len);
        rc = skt_gcm_seal(e->gcm, head, aad, aad_len, NULL, 0, plaintext, len, ct, tag, err);
        if (rc == 0)
            rc = emit(e, ct, len, err);
        free(ct);
        if (rc == 0)
            rc = emit(e, tag, sizeof(tag), err);
        if (rc == 0)
            rc = write_footer(e, err);
        if (rc != 0)
            goto done;
    }
    *out = skt_writer_steal(&w, out_len);
    rc = 0;
done:
    seckit_esdk_encryptor_free(e);
    skt_writer_free(&w);
    return rc;
}
