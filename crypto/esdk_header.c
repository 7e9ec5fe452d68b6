/* ESDK message header, versions 1 and 2 (SPEC data-format/message-header.md).
 * Strict: every field checked, limits applied before allocating, the EDK cap
 * enforced as soon as the count is read. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/esdk_internal.h"
#include "src/base/guard.h"
#include "src/base/options.h"

void skt_esdk_limits_from(const seckit_esdk_options *opts, skt_esdk_limits *l)
{
    l->max_context = 0xFFFF;
    l->max_edks = SECKIT_ESDK_DEFAULT_MAX_EDKS;
    l->max_frame = 0xFFFFFFFFu;
    if (opts != NULL) {
        if (opts->max_context_len > 0 && opts->max_context_len < 0xFFFF)
            l->max_context = opts->max_context_len;
        if (opts->max_encrypted_data_keys > 0)
            l->max_edks = opts->max_encrypted_data_keys > 0xFFFF ? 0xFFFF
                                                                 : opts->max_encrypted_data_keys;
        if (opts->max_frame_length > 0)
            l->max_frame = opts->max_frame_length;
    }
    /* At most 128 + 65535 + 65535 x 4096 bytes: no overflow in size_t. */
    l->max_header =
        SKT_ESDK_HEADER_FIXED + l->max_context + (size_t)l->max_edks * SKT_ESDK_EDK_BUDGET;
    if (opts != NULL && opts->max_header_len > 0)
        l->max_header = opts->max_header_len;
}

enum { SCAN_VERSION = 0, SCAN_AAD_LEN, SCAN_EDK_COUNT, SCAN_EDKS, SCAN_TAIL, SCAN_DONE };

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

int skt_esdk_header_scan(skt_esdk_hdr_scan *sc, const uint8_t *p, size_t n,
                         const skt_esdk_limits *l, size_t *needed, seckit_error *err)
{
    for (;;) {
        switch (sc->step) {
        case SCAN_VERSION:
            if (n < 1)
                goto need_1;
            sc->examined++;
            SKT_ENSURE(!(p[0] != 1 && p[0] != 2), err, SECKIT_EUNSUPPORTED,
                       "header: message version 0x%02X is not 1 or 2 (not an "
                       "ESDK message?)",
                       p[0]);
            sc->version = p[0];
            /* version [type] suite message-ID */
            sc->pos = sc->version == 1 ? 1 + 1 + 2 + 16 : 1 + 2 + 32;
            sc->step = SCAN_AAD_LEN;
            break;
        case SCAN_AAD_LEN: {
            if (n < sc->pos + 2)
                goto need_2;
            uint16_t aad_len = be16(p + sc->pos);
            sc->examined += 2;
            SKT_ENSURE(aad_len <= l->max_context, err, SECKIT_ELIMIT,
                       "header: encryption context of %u bytes exceeds the "
                       "limit of %zu",
                       aad_len, l->max_context);
            sc->pos += 2 + (size_t)aad_len;
            sc->step = SCAN_EDK_COUNT;
            break;
        }
        case SCAN_EDK_COUNT: {
            if (n < sc->pos + 2)
                goto need_2;
            uint16_t count = be16(p + sc->pos);
            sc->examined += 2;
            SKT_ENSURE(count != 0, err, SECKIT_EFORMAT, "header: encrypted data key count is 0");
            SKT_ENSURE(count <= l->max_edks, err, SECKIT_ELIMIT,
                       "header: %u encrypted data keys exceed the limit of %u", count,
                       (unsigned)l->max_edks);
            sc->pos += 2;
            sc->edks_left = count;
            sc->field = 0;
            sc->step = SCAN_EDKS;
            /* Once: the strict parser over the fixed fields and context, so
             * a bad suite or type fails now, not after the whole header. */
            if (!sc->checked) {
                skt_esdk_header h;
                sc->checked = 1;
                sc->examined += sc->pos;
                int rc = skt_esdk_header_parse(p, sc->pos, l, &h, err);
                if (rc == 0)
                    skt_esdk_header_clear(&h);
                else if (rc != SECKIT_ETRUNCATED)
                    return rc;
            }
            break;
        }
        case SCAN_EDKS:
            while (sc->edks_left > 0) {
                if (n < sc->pos + 2)
                    goto need_2;
                sc->pos += 2 + (size_t)be16(p + sc->pos);
                sc->examined += 2;
                if (++sc->field == 3) {
                    sc->field = 0;
                    sc->edks_left--;
                }
                SKT_ENSURE(sc->pos <= l->max_header, err, SECKIT_ELIMIT,
                           "header: longer than the limit of %zu bytes", l->max_header);
            }
            sc->step = SCAN_TAIL;
            break;
        case SCAN_TAIL: {
            /* content type, reserved, IV length, frame length (v1);
             * content type, frame length, commitment key (v2). */
            size_t body = sc->pos + (sc->version == 1 ? 1 + 4 + 1 + 4 : 1 + 4 + 32);
            SKT_ENSURE(body <= l->max_header, err, SECKIT_ELIMIT,
                       "header: longer than the limit of %zu bytes", l->max_header);
            sc->total = body + (sc->version == 1 ? SKT_ESDK_IV_LEN : 0) + SKT_ESDK_TAG_LEN;
            sc->step = SCAN_DONE;
            break;
        }
        default: *needed = sc->total > n ? sc->total - n : 0; return 0;
        }
    }
need_1:
    *needed = 1;
    return 0;
need_2:
    *needed = sc->pos + 2 - n;
    return 0;
}

int seckit_esdk_header_bytes_needed(size_t *needed, size_t *header_len, const uint8_t *msg,
                                    size_t len, const seckit_esdk_options *opts, seckit_error *err)
{
    skt_esdk_limits l;
    skt_esdk_hdr_scan sc;
    SKT_ENSURE_ARG(msg != NULL || len == 0, err);
    SKT_ENSURE_ARG(needed != NULL, err);
    *needed = 0;
    if (header_len != NULL)
        *header_len = 0;
    SKT_GUARD(skt_options_check(opts, SECKIT_ESDK_OPTIONS_VERSION, "seckit_esdk_options", err));
    skt_esdk_limits_from(opts, &l);
    memset(&sc, 0, sizeof(sc));
    SKT_GUARD(skt_esdk_header_scan(&sc, msg, len, &l, needed, err));
    if (*needed == 0 && header_len != NULL)
        *header_len = sc.total;
    return 0;
}

void skt_esdk_header_clear(skt_esdk_header *h)
{
    if (h == NULL)
        return;
    free(h->edks);
    memset(h, 0, sizeof(*h));
}

/* A truncation inside a length-delimited field is malformed, not "more
 * bytes needed". */
static int not_truncated(int rc, seckit_error *err)
{
    if (rc == SECKIT_ETRUNCATED) {
        if (err != NULL)
            err->code = SECKIT_EFORMAT;
        return SECKIT_EFORMAT;
    }
    return rc;
}

/* The header's edk_count encrypted data keys into h->edks (allocated by the
 * caller); h->edk_count counts the ones read, for skt_esdk_header_clear. */
static int read_edks(skt_reader *r, const skt_esdk_limits *l, skt_esdk_header *h,
                     uint16_t edk_count, seckit_error *err)
{
    for (size_t i = 0; i < edk_count; i++) {
        seckit_esdk_edk *e = &h->edks[i];
        SKT_GUARD(skt_reader_lp16(r, 0xFFFF, &e->provider_id, &e->provider_id_len,
                                  "header: encrypted data key provider ID", err));
        SKT_GUARD(skt_reader_lp16(r, 0xFFFF, &e->provider_info, &e->provider_info_len,
                                  "header: encrypted data key provider info", err));
        SKT_GUARD(skt_reader_lp16(r, 0xFFFF, &e->ciphertext, &e->ciphertext_len,
                                  "header: encrypted data key ciphertext", err));
        h->edk_count = i + 1;
        SKT_ENSURE(r->pos <= l->max_header, err, SECKIT_ELIMIT,
                   "header: longer than the limit of %zu bytes", l->max_header);
        SKT_ENSURE(skt_esdk_utf8_valid(e->provider_id, e->provider_id_len), err, SECKIT_EFORMAT,
                   "header: encrypted data key %zu provider ID is not UTF-8", i + 1);
    }
    return 0;
}

/* Content type, (version 1:) reserved field and IV length, frame length: the
 * fields that say how the body is cut. */
static int read_framing(skt_reader *r, const skt_esdk_limits *l, skt_esdk_header *h,
                        seckit_error *err)
{
    uint8_t iv_len;
    uint32_t reserved;
    SKT_GUARD(skt_reader_u8(r, &h->content_type, "header: content type", err));
    SKT_ENSURE(!(h->content_type != 1 && h->content_type != 2), err, SECKIT_EFORMAT,
               "header: content type 0x%02X is neither 1 (non-framed) nor 2 (framed)",
               h->content_type);
    if (h->version == 1) {
        SKT_GUARD(skt_reader_u32(r, &reserved, "header: reserved", err));
        SKT_ENSURE(reserved == 0, err, SECKIT_EFORMAT, "header: reserved field is not zero");
        SKT_GUARD(skt_reader_u8(r, &iv_len, "header: IV length", err));
        SKT_ENSURE(iv_len == SKT_ESDK_IV_LEN, err, SECKIT_EFORMAT, "header: IV length %u is not 12",
                   iv_len);
    }
    SKT_GUARD(skt_reader_u32(r, &h->frame_length, "header: frame length", err));
    SKT_ENSURE(!(h->content_type == 1 && h->frame_length != 0), err, SECKIT_EFORMAT,
               "header: non-framed message with frame length %u (must be 0)",
               (unsigned)h->frame_length);
    SKT_ENSURE(!(h->content_type == 2 && h->frame_length == 0), err, SECKIT_EFORMAT,
               "header: framed message with frame length 0");
    SKT_ENSURE(h->frame_length <= l->max_frame, err, SECKIT_ELIMIT,
               "header: frame length %u exceeds the limit of %u", (unsigned)h->frame_length,
               (unsigned)l->max_frame);
    return 0;
}

int skt_esdk_header_parse(const uint8_t *p, size_t n, const skt_esdk_limits *l, skt_esdk_header *h,
                          seckit_error *err)
{
    skt_reader r;
    uint8_t version, type;
    uint16_t suite_id, edk_count;
    int rc;

    memset(h, 0, sizeof(*h));
    skt_reader_init(&r, p, n);
    SKT_GUARD(skt_reader_u8(&r, &version, "header: version", err));
    SKT_ENSURE(!(version != 1 && version != 2), err, SECKIT_EUNSUPPORTED,
               "header: message version 0x%02X is not 1 or 2 (not an ESDK "
               "message?)",
               version);
    h->version = version;
    if (version == 1) {
        SKT_GUARD(skt_reader_u8(&r, &type, "header: type", err));
        SKT_ENSURE(type == 0x80, err, SECKIT_EFORMAT,
                   "header: type 0x%02X is not 0x80 (customer authenticated "
                   "encrypted data)",
                   type);
    }
    SKT_GUARD(skt_reader_u16(&r, &suite_id, "header: algorithm suite", err));
    h->suite = skt_esdk_suite_find(suite_id);
    SKT_ENSURE(h->suite != NULL, err, SECKIT_EUNSUPPORTED,
               "header: algorithm suite 0x%04X is not an ESDK suite", suite_id);
    SKT_ENSURE(h->suite->version == version, err, SECKIT_EFORMAT,
               "header: algorithm suite 0x%04X needs message version %u, not %u", suite_id,
               h->suite->version, version);
    h->message_id_len = version == 1 ? 16 : 32;
    SKT_GUARD(skt_reader_copy(&r, h->message_id, h->message_id_len, "header: message ID", err));

    /* Encryption context (AAD): length, then the pairs (parsed later). */
    uint16_t aad_len;
    SKT_GUARD(skt_reader_u16(&r, &aad_len, "header: encryption context length", err));
    SKT_ENSURE(aad_len <= l->max_context, err, SECKIT_ELIMIT,
               "header: encryption context of %u bytes exceeds the limit of %zu", aad_len,
               l->max_context);
    SKT_ENSURE(aad_len != 1, err, SECKIT_EFORMAT,
               "header: encryption context length 1 cannot hold a pair count");
    SKT_GUARD(skt_reader_take(&r, aad_len, &h->aad, "header: encryption context", err));
    h->aad_len = aad_len;

    /* Encrypted data keys. */
    SKT_GUARD(skt_reader_u16(&r, &edk_count, "header: encrypted data key count", err));
    SKT_ENSURE(edk_count != 0, err, SECKIT_EFORMAT, "header: encrypted data key count is 0");
    SKT_ENSURE(edk_count <= l->max_edks, err, SECKIT_ELIMIT,
               "header: %u encrypted data keys exceed the limit of %u", edk_count,
               (unsigned)l->max_edks);
    /* Only now allocate (at most 65535 small entries). */
    h->edks = calloc(edk_count, sizeof(*h->edks));
    SKT_ENSURE(h->edks != NULL, err, SECKIT_ENOMEM, "out of memory");
    SKT_GUARD_GOTO(read_edks(&r, l, h, edk_count, err), rc, fail);
    SKT_GUARD_GOTO(read_framing(&r, l, h, err), rc, fail);
    if (version == 2)
        SKT_GUARD_GOTO(skt_reader_take(&r, SKT_ESDK_COMMIT_LEN, &h->commit,
                                       "header: commitment key", err),
                       rc, fail);
    h->body_len = r.pos;
    SKT_ENSURE_GOTO(h->body_len <= l->max_header, err, rc, fail, SECKIT_ELIMIT,
                    "header: longer than the limit of %zu bytes", l->max_header);
    if (version == 1)
        SKT_GUARD_GOTO(skt_reader_take(&r, SKT_ESDK_IV_LEN, &h->header_iv,
                                       "header: authentication IV", err),
                       rc, fail);
    SKT_GUARD_GOTO(skt_reader_take(&r, SKT_ESDK_TAG_LEN, &h->tag, "header: authentication tag",
                                   err),
                   rc, fail);
    h->total_len = r.pos;
    return 0;
fail:
    skt_esdk_header_clear(h);
    return rc;
}

/* Parse the context of a header into c (strict), mapping truncation to
 * a format error. */
int skt_esdk_header_context(skt_esdk_ctx *c, const skt_esdk_header *h, seckit_error *err)
{
    return not_truncated(skt_esdk_ctx_parse(c, h->aad, h->aad_len, err), err);
}

void seckit_esdk_info_free(seckit_esdk_info *info)
{
    if (info == NULL)
        return;
    for (size_t i = 0; i < info->context_count; i++) {
        free((void *)info->context[i].key);
        free((void *)info->context[i].value);
    }
    free(info->context);
    for (size_t i = 0; i < info->edk_count; i++) {
        free(info->edks[i].provider_id);
        free(info->edks[i].provider_info);
    }
    free(info->edks);
    memset(info, 0, sizeof(*info));
}

int skt_esdk_info_fill(seckit_esdk_info *info, const skt_esdk_header *h, seckit_error *err)
{
    skt_esdk_ctx c;
    int rc;
    memset(info, 0, sizeof(*info));
    SKT_GUARD(skt_esdk_header_context(&c, h, err));
    info->version = h->version;
    info->suite = h->suite->id;
    memcpy(info->message_id, h->message_id, h->message_id_len);
    info->message_id_len = h->message_id_len;
    info->content_type = h->content_type;
    info->frame_length = h->frame_length;
    info->header_len = h->total_len;
    /* Take the context's pairs (already NUL-terminated copies). */
    info->context = c.pairs;
    info->context_count = c.count;
    c.pairs = NULL;
    c.count = 0;
    skt_esdk_ctx_free(&c);
    info->edks = calloc(h->edk_count, sizeof(*info->edks));
    SKT_ENSURE_GOTO(info->edks != NULL, err, rc, fail, SECKIT_ENOMEM, "out of memory");
    info->edk_count = h->edk_count;
    for (size_t i = 0; i < h->edk_count; i++) {
        const seckit_esdk_edk *e = &h->edks[i];
        seckit_esdk_edk_desc *d = &info->edks[i];
        d->provider_id = malloc(e->provider_id_len + 1);
        d->provider_info = malloc(e->provider_info_len + 1);
        if (d->provider_id == NULL || d->provider_info == NULL) {
            rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
            goto fail;
        }
        if (e->provider_id_len > 0)
            memcpy(d->provider_id, e->provider_id, e->provider_id_len);
        d->provider_id[e->provider_id_len] = '\0';
        d->provider_id_len = e->provider_id_len;
        if (e->provider_info_len > 0)
            memcpy(d->provider_info, e->provider_info, e->provider_info_len);
        d->provider_info[e->provider_info_len] = '\0';
        d->provider_info_len = e->provider_info_len;
        d->ciphertext_len = e->ciphertext_len;
    }
    return 0;
fail:
    seckit_esdk_info_free(info);
    return rc;
}

int seckit_esdk_parse_header(seckit_esdk_info *info, const uint8_t *msg, size_t len,
                             const seckit_esdk_options *opts, seckit_error *err)
{
    skt_esdk_limits l;
    skt_esdk_header h;
    SKT_ENSURE_ARG(msg != NULL || len == 0, err);
    SKT_ENSURE_ARG(info != NULL, err);
    memset(info, 0, sizeof(*info));
    SKT_GUARD(skt_options_check(opts, SECKIT_ESDK_OPTIONS_VERSION, "seckit_esdk_options", err));
    skt_esdk_limits_from(opts, &l);
    SKT_GUARD(skt_esdk_header_parse(msg, len, &l, &h, err));
    int rc = skt_esdk_info_fill(info, &h, err);
    skt_esdk_header_clear(&h);
    return rc;
}
