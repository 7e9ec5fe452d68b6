/* ESDK decryption: a streaming state machine (header, frames or the
 * non-framed body, footer) that releases only authenticated plaintext; the
 * one-shot seckit_esdk_decrypt runs the same machine over a whole message.
 * SPEC client-apis/decrypt.md, data-format/message-body.md, message-footer.md. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/esdk_internal.h"
#include "src/base/secmem.h"
#include "src/base/guard.h"
#include "src/base/options.h"

enum { ST_HEADER = 0, ST_FRAMES, ST_NONFRAMED, ST_FOOTER, ST_DONE, ST_FAILED };

struct seckit_esdk_decryptor {
    seckit_keyring *kr;
    seckit_esdk_options opts;
    skt_esdk_limits lim;
    skt_esdk_ctx repro;
    seckit_esdk_write_fn write;
    void *user;
    int state;

    uint8_t *pending;
    size_t plen, pcap;
    /* The least number of bytes beyond those offered to the current unit
     * before it can complete (set whenever a unit is incomplete). */
    size_t need;
    skt_esdk_hdr_scan scan; /* resumable length-only header scan */
    size_t hdr_work;        /* header bytes examined (scan + parses) */

    uint8_t *hdr; /* owned copy of the header bytes */
    skt_esdk_header h;
    seckit_esdk_info info;
    int have_info;

    skt_gcm *gcm;
    skt_sig *sig;
    uint32_t next_seq;
    uint64_t total;
    uint64_t max_body;
    uint64_t nonframed_cap; /* streaming: bound on a buffered non-framed body */

    uint8_t *keys; /* guarded: data key, then derived key */
    uint8_t *pt;   /* guarded plaintext buffer (one frame, or the whole non-framed body) */
    size_t pt_cap;
    size_t held; /* bytes of pt held back until the footer verifies */
};

static int fail(seckit_esdk_decryptor *d, int rc)
{
    d->state = ST_FAILED;
    if (d->pt != NULL)
        skt_wipe(d->pt, d->pt_cap);
    d->held = 0;
    return rc;
}

static int suite_allowed(const seckit_esdk_decryptor *d, const skt_esdk_suite *s, seckit_error *err)
{
    if (d->opts.commitment_policy == SECKIT_ESDK_REQUIRE_ENCRYPT_REQUIRE_DECRYPT && !s->commits)
        return seckit_error_set(err, SECKIT_EPOLICY,
                                "algorithm suite 0x%04X does not commit to its key; the "
                                "commitment policy require-encrypt-require-decrypt refuses it "
                                "(use require-encrypt-allow-decrypt to read such messages)",
                                s->id);
    if (d->opts.allowed_suites != 0 && (d->opts.allowed_suites & s->bit) == 0)
        return seckit_error_set(err, SECKIT_EPOLICY,
                                "algorithm suite 0x%04X is not in the allowed suites", s->id);
    return 0;
}

/* Merge the reproduced context: equal values for shared keys; the others
 * become "authenticate only" pairs.  full gets stored + those pairs. */
static int merge_context(seckit_esdk_decryptor *d, const skt_esdk_ctx *stored, skt_esdk_ctx *full,
                         skt_esdk_ctx *authonly, seckit_error *err)
{
    size_t n = stored->count + d->repro.count, na = 0, nf = 0;
    int rc;
    seckit_esdk_pair *all = calloc(n ? n : 1, sizeof(*all));
    seckit_esdk_pair *ao = calloc(d->repro.count ? d->repro.count : 1, sizeof(*ao));
    SKT_ENSURE_GOTO(!(all == NULL || ao == NULL), err, rc, done, SECKIT_ENOMEM, "out of memory");
    for (size_t i = 0; i < stored->count; i++)
        all[nf++] = stored->pairs[i];
    for (size_t i = 0; i < d->repro.count; i++) {
        const seckit_esdk_pair *q = &d->repro.pairs[i];
        const seckit_esdk_pair *s = skt_esdk_ctx_get(stored, q->key, q->key_len);
        if (s != NULL) {
            if (s->value_len != q->value_len || memcmp(s->value, q->value, q->value_len) != 0) {
                rc = seckit_error_set(err, SECKIT_EAUTH,
                                      "encryption context: the message's value for a reproduced "
                                      "key differs from the expected one");
                goto done;
            }
            continue;
        }
        all[nf++] = *q;
        ao[na++] = *q;
    }
    rc = skt_esdk_ctx_from_pairs(full, all, nf, 1, err);
    if (rc == 0) {
        rc = skt_esdk_ctx_from_pairs(authonly, ao, na, 1, err);
        if (rc != 0)
            skt_esdk_ctx_free(full);
    }
done:
    free(all);
    free(ao);
    return rc;
}

/* Everything between a parsed header and the first body byte: policy,
 * context checks, data key, derivation, commitment, header tag. */
static int setup(seckit_esdk_decryptor *d, seckit_error *err)
{
    const skt_esdk_suite *s = d->h.suite;
    skt_esdk_ctx stored, full, authonly;
    seckit_keyring_materials m;
    uint8_t *key = d->keys + SKT_ESDK_MAX_KEY_LEN;
    uint8_t commit[SKT_ESDK_COMMIT_LEN];
    int rc;

    memset(&full, 0, sizeof(full));
    memset(&authonly, 0, sizeof(authonly));
    memset(&m, 0, sizeof(m));
    SKT_GUARD(suite_allowed(d, s, err));
    SKT_GUARD(skt_esdk_header_context(&stored, &d->h, err));
    const seckit_esdk_pair *pk = skt_esdk_ctx_get(&stored, SECKIT_ESDK_PUBLIC_KEY_CONTEXT_KEY,
                                                  strlen(SECKIT_ESDK_PUBLIC_KEY_CONTEXT_KEY));
    if (s->sig_hash != SKT_HASH_NONE && pk == NULL) {
        rc = seckit_error_set(err, SECKIT_EFORMAT,
                              "header: signing suite 0x%04X without aws-crypto-public-key in the "
                              "encryption context",
                              s->id);
        goto done;
    }
    if (s->sig_hash == SKT_HASH_NONE && pk != NULL) {
        rc = seckit_error_set(err, SECKIT_EFORMAT,
                              "header: non-signing suite 0x%04X with aws-crypto-public-key in the "
                              "encryption context",
                              s->id);
        goto done;
    }
    SKT_GUARD_GOTO(merge_context(d, &stored, &full, &authonly, err), rc, done);

    SKT_GUARD_GOTO(skt_materials_init(&m, s, &full, 0, d->keys, err), rc, done);
    rc = skt_keyring_on_decrypt(d->kr, &m, d->h.edks, d->h.edk_count, err);
    if (rc == SECKIT_EAUTH || (rc == 0 && !m.has_key)) {
        rc = skt_esdk_auth_fail(err);
        goto done;
    }
    if (rc != 0)
        goto done;
    SKT_GUARD_GOTO(skt_esdk_derive(s, m.data_key, d->h.message_id, key, commit, err), rc, done);
    if (s->commits && !skt_ct_equal(commit, d->h.commit, SKT_ESDK_COMMIT_LEN)) {
        rc = skt_esdk_auth_fail(err);
        goto done;
    }
    SKT_GUARD_GOTO(skt_gcm_new(&d->gcm, key, s->key_len, 0, err), rc, done);
    {
        static const uint8_t zero_iv[SKT_ESDK_IV_LEN] = {0};
        uint8_t none[1];
        rc = skt_gcm_open(d->gcm, d->h.version == 1 ? d->h.header_iv : zero_iv, d->hdr,
                          d->h.body_len, authonly.ser, authonly.ser_len, NULL, 0, d->h.tag, none,
                          err);
        if (rc != 0) {
            rc = skt_esdk_auth_fail(err);
            goto done;
        }
    }
    /* The verification key (an EC point to decompress) only once the header
     * authenticated: a forged header costs no elliptic-curve work. */
    if (s->sig_hash != SKT_HASH_NONE) {
        SKT_GUARD_GOTO(skt_sig_verifier_new(&d->sig, s, pk->value, pk->value_len, err), rc, done);
        SKT_GUARD_GOTO(skt_sig_update(d->sig, d->hdr, d->h.total_len, err), rc, done);
    }
    rc = 0;
done:
    skt_wipe(commit, sizeof(commit));
    skt_wipe(key, SKT_ESDK_MAX_KEY_LEN);
    skt_materials_clear(&m);
    skt_esdk_ctx_free(&stored);
    skt_esdk_ctx_free(&full);
    skt_esdk_ctx_free(&authonly);
    return rc;
}

static int do_header(seckit_esdk_decryptor *d, const uint8_t *p, size_t n, size_t *used,
                     seckit_error *err)
{
    size_t needed = 0;
    *used = 0;
    /* Resumes where the last call stopped: only length fields are read
     * until the whole header is there, then it is parsed once. */
    size_t before = d->scan.examined;
    int rc = skt_esdk_header_scan(&d->scan, p, n, &d->lim, &needed, err);
    d->hdr_work += d->scan.examined - before;
    SKT_GUARD(rc);
    if (needed > 0) {
        d->need = needed;
        return 0; /* need more bytes */
    }
    size_t total = d->scan.total;
    d->hdr = malloc(total);
    SKT_ENSURE(d->hdr != NULL, err, SECKIT_ENOMEM, "out of memory");
    memcpy(d->hdr, p, total);
    d->hdr_work += total;
    rc = skt_esdk_header_parse(d->hdr, total, &d->lim, &d->h, err);
    if (rc == SECKIT_ETRUNCATED) /* the scan and the parser disagree */
        return seckit_error_set(err, SECKIT_EFORMAT, "header: malformed (inconsistent lengths)");
    SKT_GUARD(rc);
    if (d->h.total_len != total)
        return seckit_error_set(err, SECKIT_EFORMAT, "header: malformed (inconsistent lengths)");
    SKT_GUARD(skt_esdk_info_fill(&d->info, &d->h, err));
    d->have_info = 1;
    /* Wiped memory for the data key and the derived key.  The plaintext
     * buffer is allocated only when a whole frame has arrived (a header
     * claiming huge frames costs nothing until the bytes exist). */
    d->keys = skt_scratch_alloc(2 * SKT_ESDK_MAX_KEY_LEN);
    SKT_ENSURE(d->keys != NULL, err, SECKIT_ENOMEM, "out of secure memory");
    SKT_GUARD(setup(d, err));
    if (d->h.content_type == 2) {
        d->state = ST_FRAMES;
    } else {
        d->state = ST_NONFRAMED;
    }
    d->next_seq = 1;
    *used = total;
    return 0;
}

/* Deliver (or hold back) one authenticated chunk in d->pt. */
static int release(seckit_esdk_decryptor *d, size_t len, int last, seckit_error *err)
{
    if (last && d->sig != NULL) {
        d->held = len;
        d->state = ST_FOOTER;
        return 0;
    }
    int rc = len > 0 ? d->write(d->user, d->pt, len, err) : 0;
    skt_wipe(d->pt, len);
    if (rc != 0)
        return rc < 0 ? rc : seckit_error_set(err, SECKIT_EIO, "plaintext output failed");
    if (last)
        d->state = ST_DONE;
    return 0;
}

/* Make d->pt hold at least n bytes (wiped on free). */
static int pt_reserve(seckit_esdk_decryptor *d, size_t n, seckit_error *err)
{
    if (d->pt != NULL && d->pt_cap >= n)
        return 0;
    skt_secret_free(d->pt);
    d->pt_cap = 0;
    d->pt = skt_scratch_alloc(n);
    SKT_ENSURE(d->pt != NULL, err, SECKIT_ENOMEM, "out of secure memory for %zu bytes", n);
    d->pt_cap = n;
    return 0;
}

static int add_total(seckit_esdk_decryptor *d, uint64_t len, seckit_error *err)
{
    d->total += len;
    if (d->max_body > 0 && d->total > d->max_body)
        return seckit_error_set(err, SECKIT_ELIMIT,
                                "body: plaintext exceeds the limit of %llu bytes",
                                (unsigned long long)d->max_body);
    return 0;
}

/* The body readers below only fail with SECKIT_ETRUNCATED ("more bytes
 * needed", not an error while streaming), so they get no seckit_error: no
 * message is formatted for every partial unit. */
static int do_frame(seckit_esdk_decryptor *d, const uint8_t *p, size_t n, size_t *used,
                    seckit_error *err)
{
    skt_reader r;
    uint32_t seq, len;
    const uint8_t *iv, *ct, *tag;
    int final = 0, rc;
    uint8_t aad[SKT_ESDK_BODY_AAD_MAX];

    *used = 0;
    skt_reader_init(&r, p, n);
    if ((rc = skt_reader_u32(&r, &seq, "body: frame sequence number", NULL)) != 0)
        goto short_or_fail;
    if (seq == SKT_ESDK_FINAL_SEQ) {
        final = 1;
        if ((rc = skt_reader_u32(&r, &seq, "body: final frame sequence number", NULL)) != 0)
            goto short_or_fail;
    }
    SKT_ENSURE(seq == d->next_seq, err, SECKIT_EFORMAT,
               "body: frame sequence number %u, expected %u", (unsigned)seq, (unsigned)d->next_seq);
    if (!final && seq == SKT_ESDK_FINAL_SEQ - 1)
        return seckit_error_set(err, SECKIT_EFORMAT, "body: too many frames");
    if ((rc = skt_reader_take(&r, SKT_ESDK_IV_LEN, &iv, "body: frame IV", NULL)) != 0)
        goto short_or_fail;
    if (final) {
        if ((rc = skt_reader_u32(&r, &len, "body: final frame length", NULL)) != 0)
            goto short_or_fail;
        SKT_ENSURE(len <= d->h.frame_length, err, SECKIT_EFORMAT,
                   "body: final frame of %u bytes is longer than the frame "
                   "length %u",
                   (unsigned)len, (unsigned)d->h.frame_length);
    } else {
        len = d->h.frame_length;
    }
    if ((rc = skt_reader_take(&r, len, &ct, "body: frame content", NULL)) != 0 ||
        (rc = skt_reader_take(&r, SKT_ESDK_TAG_LEN, &tag, "body: frame tag", NULL)) != 0)
        goto short_or_fail;
    SKT_GUARD(add_total(d, len, err));
    SKT_GUARD(pt_reserve(d, len, err));
    size_t aad_len = skt_esdk_body_aad(aad, d->h.message_id, d->h.message_id_len,
                                       final ? SKT_BODY_FINAL : SKT_BODY_FRAME, seq, len);
    SKT_GUARD(skt_gcm_open(d->gcm, iv, aad, aad_len, NULL, 0, ct, len, tag, d->pt, err));
    if (d->sig != NULL)
        SKT_GUARD(skt_sig_update(d->sig, p, r.pos, err));
    d->next_seq++;
    *used = r.pos;
    return release(d, len, final, err);
short_or_fail:
    if (rc != SECKIT_ETRUNCATED)
        return rc;
    {
        /* The frame's length as far as the bytes seen tell. */
        size_t want;
        if (n < 4)
            want = 4;
        else if (!final)
            want = 4 + SKT_ESDK_IV_LEN + (size_t)d->h.frame_length + SKT_ESDK_TAG_LEN;
        else if (n < 8 + SKT_ESDK_IV_LEN + 4)
            want = 8 + SKT_ESDK_IV_LEN + 4;
        else
            want = 8 + SKT_ESDK_IV_LEN + 4 + (size_t)len + SKT_ESDK_TAG_LEN;
        d->need = want > n ? want - n : 1;
    }
    return 0;
}

static int do_nonframed(seckit_esdk_decryptor *d, const uint8_t *p, size_t n, size_t *used,
                        seckit_error *err)
{
    skt_reader r;
    uint64_t len;
    const uint8_t *iv, *ct, *tag;
    int rc;
    uint8_t aad[SKT_ESDK_BODY_AAD_MAX];

    *used = 0;
    skt_reader_init(&r, p, n);
    if ((rc = skt_reader_take(&r, SKT_ESDK_IV_LEN, &iv, "body: IV", NULL)) != 0 ||
        (rc = skt_reader_u64(&r, &len, "body: content length", NULL)) != 0)
        goto short_or_fail;
    SKT_ENSURE(len <= SKT_ESDK_NONFRAMED_MAX, err, SECKIT_EFORMAT,
               "body: non-framed content of %llu bytes exceeds 2^36 - 32", (unsigned long long)len);
    SKT_ENSURE(!(d->max_body > 0 && len > d->max_body), err, SECKIT_ELIMIT,
               "body: plaintext exceeds the limit of %llu bytes", (unsigned long long)d->max_body);
    if (d->max_body == 0 && d->nonframed_cap > 0 && len > d->nonframed_cap)
        return seckit_error_set(err, SECKIT_ELIMIT,
                                "body: a non-framed body of %llu bytes exceeds the streaming "
                                "limit of %llu bytes (set max_body_len)",
                                (unsigned long long)len, (unsigned long long)d->nonframed_cap);
    SKT_ENSURE(len <= SIZE_MAX - 64, err, SECKIT_ELIMIT, "body: too large for this system");
    if ((rc = skt_reader_take(&r, (size_t)len, &ct, "body: content", NULL)) != 0 ||
        (rc = skt_reader_take(&r, SKT_ESDK_TAG_LEN, &tag, "body: tag", NULL)) != 0)
        goto short_or_fail;
    SKT_GUARD(pt_reserve(d, (size_t)len, err));
    SKT_GUARD(add_total(d, len, err));
    size_t aad_len =
        skt_esdk_body_aad(aad, d->h.message_id, d->h.message_id_len, SKT_BODY_SINGLE, 1, len);
    SKT_GUARD(skt_gcm_open(d->gcm, iv, aad, aad_len, NULL, 0, ct, (size_t)len, tag, d->pt, err));
    if (d->sig != NULL)
        SKT_GUARD(skt_sig_update(d->sig, p, r.pos, err));
    *used = r.pos;
    return release(d, (size_t)len, 1, err);
short_or_fail:
    if (rc != SECKIT_ETRUNCATED)
        return rc;
    {
        size_t want = SKT_ESDK_IV_LEN + 8;
        if (n >= want)
            want += (size_t)len + SKT_ESDK_TAG_LEN;
        d->need = want > n ? want - n : 1;
    }
    return 0;
}

static int do_footer(seckit_esdk_decryptor *d, const uint8_t *p, size_t n, size_t *used,
                     seckit_error *err)
{
    skt_reader r;
    const uint8_t *sig;
    size_t sig_len;
    *used = 0;
    skt_reader_init(&r, p, n);
    int rc = skt_reader_lp16(&r, 0xFFFF, &sig, &sig_len, "footer: signature", NULL);
    if (rc == SECKIT_ETRUNCATED) {
        size_t want = n < 2 ? 2 : 2 + (size_t)((p[0] << 8) | p[1]);
        d->need = want > n ? want - n : 1;
        return 0;
    }
    SKT_GUARD(rc);
    SKT_GUARD(skt_sig_verify_final(d->sig, sig, sig_len, err));
    *used = r.pos;
    size_t held = d->held;
    d->held = 0;
    d->state = ST_DONE;
    rc = held > 0 ? d->write(d->user, d->pt, held, err) : 0;
    skt_wipe(d->pt, held);
    if (rc > 0)
        rc = seckit_error_set(err, SECKIT_EIO, "plaintext output failed");
    return rc;
}

/* Process as many complete units of p as possible; *used gets the bytes. */
static int consume(seckit_esdk_decryptor *d, const uint8_t *p, size_t n, size_t *used,
                   seckit_error *err)
{
    size_t off = 0;
    *used = 0;
    while (off < n || d->state == ST_DONE) {
        size_t u = 0;
        int rc;
        d->need = 0;
        switch (d->state) {
        case ST_HEADER: rc = do_header(d, p + off, n - off, &u, err); break;
        case ST_FRAMES: rc = do_frame(d, p + off, n - off, &u, err); break;
        case ST_NONFRAMED: rc = do_nonframed(d, p + off, n - off, &u, err); break;
        case ST_FOOTER: rc = do_footer(d, p + off, n - off, &u, err); break;
        case ST_DONE:
            SKT_ENSURE(off >= n, err, SECKIT_EFORMAT,
                       "%zu trailing bytes after the end of the message", n - off);
            *used = off;
            return 0;
        default: return seckit_error_set(err, SECKIT_EINVAL, "decryptor already failed");
        }
        SKT_GUARD(rc);
        if (u == 0)
            break; /* the unit is incomplete */
        off += u;
    }
    *used = off;
    return 0;
}

static int pending_append(seckit_esdk_decryptor *d, const uint8_t *p, size_t n, seckit_error *err)
{
    if (d->plen + n > d->pcap) {
        size_t cap = d->pcap ? d->pcap : 4096;
        while (cap < d->plen + n)
            cap *= 2;
        uint8_t *q = realloc(d->pending, cap);
        SKT_ENSURE(q != NULL, err, SECKIT_ENOMEM, "out of memory");
        d->pending = q;
        d->pcap = cap;
    }
    memcpy(d->pending + d->plen, p, n);
    d->plen += n;
    return 0;
}

int seckit_esdk_decryptor_new(seckit_esdk_decryptor **out, const seckit_keyring *kr,
                              const seckit_esdk_options *opts, seckit_esdk_write_fn write,
                              void *user, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = NULL;
    SKT_ENSURE_ARG(kr != NULL && write != NULL, err);
    SKT_GUARD(skt_options_check(opts, SECKIT_ESDK_OPTIONS_VERSION, "seckit_esdk_options", err));
    SKT_GUARD(skt_crypto_init(err));
    seckit_esdk_decryptor *d = calloc(1, sizeof(*d));
    SKT_ENSURE(d != NULL, err, SECKIT_ENOMEM, "out of memory");
    if (opts != NULL)
        d->opts = *opts;
    else
        d->opts = (seckit_esdk_options)SECKIT_ESDK_OPTIONS_INIT;
    d->opts.reproduced_context = NULL;
    if (opts != NULL && opts->reproduced_context != NULL) {
        int rc = skt_esdk_ctx_from_pairs(&d->repro, opts->reproduced_context->pairs,
                                         opts->reproduced_context->count, 1, err);
        if (rc != 0) {
            free(d);
            return rc;
        }
    }
    skt_esdk_limits_from(&d->opts, &d->lim);
    d->max_body = d->opts.max_body_len;
    d->kr = seckit_keyring_ref((seckit_keyring *)kr);
    d->write = write;
    d->user = user;
    *out = d;
    return 0;
}

static int decryptor_update(seckit_esdk_decryptor *d, const uint8_t *in, size_t len,
                            seckit_error *err)
{
    int rc;
    size_t used;
    SKT_ENSURE(d->state != ST_FAILED, err, SECKIT_EINVAL, "decryptor already failed");
    while (len > 0) {
        if (d->plen == 0) {
            SKT_GUARD_GOTO(consume(d, in, len, &used, err), rc, bad);
            in += used;
            len -= used;
            if (len > 0) {
                SKT_GUARD_GOTO(pending_append(d, in, len, err), rc, bad);
                len = 0;
            }
        } else {
            /* Complete the held partial unit with the bytes of `in` it
             * needs (at least d->need, known from its length fields); once the held
             * bytes are used up, `in` is read in place again, so only the
             * units that straddle two calls are copied.  Each step adds at
             * least d->need bytes and the header scan resumes where it
             * stopped, so this is linear in the input. */
            size_t held = d->plen, taken = 0, step = 256;
            for (;;) {
                /* At least what the unit needs, and a growing step so that
                 * a unit of many small fields takes few rounds. */
                size_t want = d->need > step ? d->need : step;
                if (step < ((size_t)1 << 30))
                    step *= 2;
                size_t upto = want < len - taken ? taken + want : len;
                SKT_GUARD_GOTO(pending_append(d, in + taken, upto - taken, err), rc, bad);
                taken = upto;
                d->need = 0;
                SKT_GUARD_GOTO(consume(d, d->pending, d->plen, &used, err), rc, bad);
                if (used > 0 || taken == len)
                    break;
            }
            if (used >= held) {
                /* the rest of what was appended is still in `in` */
                in += used - held;
                len -= used - held;
                d->plen = 0;
            } else {
                memmove(d->pending, d->pending + used, d->plen - used);
                d->plen -= used;
                in += taken;
                len -= taken;
            }
        }
    }
    return 0;
bad:
    return fail(d, rc);
}

int seckit_esdk_decryptor_update(seckit_esdk_decryptor *d, const uint8_t *in, size_t len,
                                 seckit_error *err)
{
    SKT_ENSURE_ARG(d != NULL && (in != NULL || len == 0), err);
    /* Bound a non-framed body buffered by the streaming API. */
    d->nonframed_cap = SKT_ESDK_STREAM_NONFRAMED_MAX;
    return decryptor_update(d, in, len, err);
}

int seckit_esdk_decryptor_finish(seckit_esdk_decryptor *d, seckit_error *err)
{
    static const char *const where[] = {"in the header", "in the body (no final frame)",
                                        "in the body", "before the footer"};
    SKT_ENSURE_ARG(d != NULL, err);
    SKT_ENSURE(d->state != ST_FAILED, err, SECKIT_EINVAL, "decryptor already failed");
    if (d->state != ST_DONE) {
        int rc =
            seckit_error_set(err, SECKIT_ETRUNCATED, "message ends early (%s)", where[d->state]);
        return fail(d, rc);
    }
    return 0;
}

size_t seckit_esdk_decryptor_bytes_needed(const seckit_esdk_decryptor *d)
{
    if (d == NULL || d->state == ST_DONE || d->state == ST_FAILED)
        return 0;
    return d->need > 0 ? d->need : 1;
}

size_t skt_esdk_decryptor_header_work(const seckit_esdk_decryptor *d)
{
    return d != NULL ? d->hdr_work : 0;
}

const seckit_esdk_info *seckit_esdk_decryptor_info(const seckit_esdk_decryptor *d)
{
    return d != NULL && d->have_info ? &d->info : NULL;
}

void seckit_esdk_decryptor_free(seckit_esdk_decryptor *d)
{
    if (d == NULL)
        return;
    seckit_keyring_free(d->kr);
    skt_esdk_ctx_free(&d->repro);
    free(d->pending);
    free(d->hdr);
    skt_esdk_header_clear(&d->h);
    seckit_esdk_info_free(&d->info);
    skt_gcm_free(d->gcm);
    skt_sig_free(d->sig);
    skt_secret_free(d->pt);
    skt_secret_free(d->keys);
    free(d);
}

/* ---- one-shot ------------------------------------------------------------- */

typedef struct {
    uint8_t *buf;
    size_t len, cap;
} oneshot_sink;

static int sink_write(void *user, const uint8_t *p, size_t n, seckit_error *err)
{
    oneshot_sink *s = user;
    SKT_ENSURE(n <= s->cap - s->len, err, SECKIT_EINTERNAL, "plaintext longer than the message");
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    return 0;
}

/* The plaintext of a whole message, in wiped heap memory (per-message
 * secrets: see src/base/secmem.h), one byte longer than the message so it can
 * always be NUL-terminated (plaintext is never longer than its message). */
int seckit_esdk_decrypt(const seckit_keyring *kr, uint8_t **plaintext, size_t *pt_len,
                        seckit_esdk_info *info, const seckit_esdk_options *opts, const uint8_t *msg,
                        size_t len, seckit_error *err)
{
    SKT_ENSURE_ARG(plaintext != NULL && pt_len != NULL, err);
    *plaintext = NULL;
    *pt_len = 0;
    if (info != NULL)
        memset(info, 0, sizeof(*info));
    SKT_ENSURE_ARG(kr != NULL && (msg != NULL || len == 0), err);
    SKT_ENSURE(len < SIZE_MAX, err, SECKIT_ELIMIT, "message too large");
    SKT_GUARD(skt_options_check(opts, SECKIT_ESDK_OPTIONS_VERSION, "seckit_esdk_options", err));
    oneshot_sink s = {NULL, 0, len};
    seckit_esdk_decryptor *d = NULL;
    int rc;
    SKT_GUARD(skt_crypto_init(err));
    s.buf = skt_scratch_alloc(len + 1);
    SKT_ENSURE(s.buf != NULL, err, SECKIT_ENOMEM, "out of memory");
    SKT_GUARD_GOTO(seckit_esdk_decryptor_new(&d, kr, opts, sink_write, &s, err), rc, done);
    SKT_GUARD_GOTO(decryptor_update(d, msg, len, err), rc, done);
    SKT_GUARD_GOTO(seckit_esdk_decryptor_finish(d, err), rc, done);
    if (info != NULL) {
        *info = d->info;
        memset(&d->info, 0, sizeof(d->info));
    }
    s.buf[s.len] = '\0';
    *plaintext = s.buf;
    *pt_len = s.len;
    s.buf = NULL;
done:
    seckit_esdk_decryptor_free(d);
    skt_secret_free(s.buf);
    return rc;
}
