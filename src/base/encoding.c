/* base64 (RFC 4648, standard and URL-safe alphabets) and hex. */
#include "config.h"

#include <string.h>

#include "src/base/guard.h"
#include "src/base/hex.h"
#include "seckit/encoding.h"

static const char std_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t seckit_base64_encoded_len(size_t n, seckit_base64_variant v)
{
    if (v == SECKIT_BASE64_URLSAFE_NOPAD)
        return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1) + 1;
    return (n + 2) / 3 * 4 + 1;
}

size_t seckit_base64_decoded_max(size_t n)
{
    return n / 4 * 3 + 3;
}

int seckit_base64_encode(char *out, size_t out_cap, size_t *out_len, const void *in, size_t in_len,
                         seckit_base64_variant v, seckit_error *err)
{
    SKT_ENSURE(in_len <= (SIZE_MAX - 1) / 4 * 3 - 3, err, SECKIT_ELIMIT, "base64: input too large");
    size_t need = seckit_base64_encoded_len(in_len, v);
    SKT_ENSURE(!(out == NULL || out_cap < need), err, SECKIT_ELIMIT,
               "base64: output buffer of %zu bytes is too small (need %zu)", out_cap, need);
    const char *a = v == SECKIT_BASE64_STANDARD ? std_alphabet : url_alphabet;
    const unsigned char *p = in;
    size_t o = 0, i = 0;
    for (; i + 3 <= in_len; i += 3) {
        unsigned t = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        out[o++] = a[t >> 18];
        out[o++] = a[(t >> 12) & 63];
        out[o++] = a[(t >> 6) & 63];
        out[o++] = a[t & 63];
    }
    size_t rest = in_len - i;
    if (rest > 0) {
        unsigned t = (unsigned)p[i] << 16 | (rest == 2 ? (unsigned)p[i + 1] << 8 : 0);
        out[o++] = a[t >> 18];
        out[o++] = a[(t >> 12) & 63];
        if (rest == 2)
            out[o++] = a[(t >> 6) & 63];
        if (v != SECKIT_BASE64_URLSAFE_NOPAD) {
            if (rest == 1)
                out[o++] = '=';
            out[o++] = '=';
        }
    }
    out[o] = '\0';
    if (out_len != NULL)
        *out_len = o;
    return 0;
}

/* Value of c in the given alphabets: 0..63, or -1. */
static int b64_value(unsigned char c, int allow_std, int allow_url)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (allow_std && c == '+')
        return 62;
    if (allow_std && c == '/')
        return 63;
    if (allow_url && c == '-')
        return 62;
    if (allow_url && c == '_')
        return 63;
    return -1;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* What a decoder accepts.  pad_rule: 0 padding forbidden, 1 required, 2
 * optional. */
typedef struct b64_rules {
    int allow_std, allow_url, pad_rule, skip_space;
} b64_rules;

static const b64_rules lenient_rules = {1, 1, 2, 1};

/* The one decoder, fed in pieces: s carries the partial group, the padding
 * seen and the offset of in[0] in the whole input (for messages).  Writes
 * the complete groups at out + *o. */
static int b64_feed(seckit_base64_decoder *s, const b64_rules *r, uint8_t *out, size_t out_cap,
                    size_t *o, const char *in, size_t in_len, seckit_error *err)
{
    for (size_t i = 0; i < in_len; i++) {
        unsigned char c = (unsigned char)in[i];
        size_t at = s->offset_ + i;
        if (r->skip_space && is_space(c))
            continue;
        if (c == '=') {
            SKT_ENSURE(r->pad_rule != 0, err, SECKIT_EFORMAT,
                       "base64: padding '=' not allowed (offset %zu)", at);
            if (s->pads_ == 0)
                s->first_pad_ = at;
            s->pads_++;
            continue;
        }
        SKT_ENSURE(s->pads_ <= 0, err, SECKIT_EFORMAT, "base64: data after padding at offset %zu",
                   at);
        int v = b64_value(c, r->allow_std, r->allow_url);
        SKT_ENSURE(v >= 0, err, SECKIT_EFORMAT, "base64: invalid character 0x%02x at offset %zu", c,
                   at);
        s->acc_ = (s->acc_ << 6) | (uint32_t)v;
        s->nchars_++;
        if (s->nchars_ % 4 == 0) {
            SKT_ENSURE(!(out == NULL || out_cap - *o < 3), err, SECKIT_ELIMIT,
                       "base64: output buffer of %zu bytes is too small", out_cap);
            out[(*o)++] = (uint8_t)(s->acc_ >> 16);
            out[(*o)++] = (uint8_t)(s->acc_ >> 8);
            out[(*o)++] = (uint8_t)s->acc_;
            s->acc_ = 0;
        }
    }
    s->offset_ += in_len;
    return 0;
}

/* End of input: the padding and the last partial group. */
static int b64_end(seckit_base64_decoder *s, const b64_rules *r, uint8_t *out, size_t out_cap,
                   size_t *o, seckit_error *err)
{
    size_t rest = s->nchars_ % 4;
    SKT_ENSURE(rest != 1, err, SECKIT_EFORMAT, "base64: impossible length (%zu symbols)",
               s->nchars_);
    size_t expected_pads = rest == 0 ? 0 : 4 - rest;
    SKT_ENSURE(!(s->pads_ > 0 && s->pads_ != expected_pads), err, SECKIT_EFORMAT,
               "base64: wrong padding at offset %zu (%zu '=' for %zu symbols)", s->first_pad_,
               s->pads_, s->nchars_);
    SKT_ENSURE(!(r->pad_rule == 1 && s->pads_ != expected_pads), err, SECKIT_EFORMAT,
               "base64: missing padding (input length %zu is not a multiple of 4)", s->offset_);
    if (rest > 0) {
        size_t extra = rest - 1;
        /* Unused low bits of the last symbol must be zero (canonical form). */
        uint32_t unused_mask = rest == 2 ? 0xF : 0x3;
        SKT_ENSURE(!(s->acc_ & unused_mask), err, SECKIT_EFORMAT,
                   "base64: non-zero trailing bits in the last symbol");
        SKT_ENSURE(!(out == NULL || out_cap - *o < extra), err, SECKIT_ELIMIT,
                   "base64: output buffer of %zu bytes is too small", out_cap);
        uint32_t acc = s->acc_ >> (rest == 2 ? 4 : 2);
        if (rest == 3) {
            out[(*o)++] = (uint8_t)(acc >> 8);
            out[(*o)++] = (uint8_t)acc;
        } else {
            out[(*o)++] = (uint8_t)acc;
        }
    }
    return 0;
}

static int b64_decode(uint8_t *out, size_t out_cap, size_t *out_len, const char *in, size_t in_len,
                      const b64_rules *r, seckit_error *err)
{
    seckit_base64_decoder s;
    size_t o = 0;
    seckit_base64_decoder_init(&s);
    int rc = b64_feed(&s, r, out, out_cap, &o, in, in_len, err);
    if (rc == 0)
        rc = b64_end(&s, r, out, out_cap, &o, err);
    if (rc == 0 && out_len != NULL)
        *out_len = o;
    return rc;
}

void seckit_base64_decoder_init(seckit_base64_decoder *d)
{
    if (d != NULL)
        memset(d, 0, sizeof(*d));
}

int seckit_base64_decoder_update(seckit_base64_decoder *d, uint8_t *out, size_t out_cap,
                                 size_t *out_len, const char *in, size_t in_len, seckit_error *err)
{
    if (d == NULL || out_len == NULL || (in == NULL && in_len > 0))
        return seckit_error_set(err, SECKIT_EINVAL, "base64: invalid argument");
    *out_len = 0;
    return b64_feed(d, &lenient_rules, out, out_cap, out_len, in, in_len, err);
}

int seckit_base64_decoder_finish(seckit_base64_decoder *d, uint8_t *out, size_t out_cap,
                                 size_t *out_len, seckit_error *err)
{
    SKT_ENSURE(!(d == NULL || out_len == NULL), err, SECKIT_EINVAL, "base64: invalid argument");
    *out_len = 0;
    return b64_end(d, &lenient_rules, out, out_cap, out_len, err);
}

int seckit_base64_decode(uint8_t *out, size_t out_cap, size_t *out_len, const char *in,
                         size_t in_len, seckit_base64_variant v, seckit_error *err)
{
    SKT_ENSURE(!(in == NULL && in_len > 0), err, SECKIT_EINVAL, "base64: no input");
    int std = v == SECKIT_BASE64_STANDARD;
    b64_rules r = {std, !std, v == SECKIT_BASE64_URLSAFE_NOPAD ? 0 : 1, 0};
    return b64_decode(out, out_cap, out_len, in, in_len, &r, err);
}

int seckit_base64_decode_lenient(uint8_t *out, size_t out_cap, size_t *out_len, const char *in,
                                 size_t in_len, seckit_error *err)
{
    SKT_ENSURE(!(in == NULL && in_len > 0), err, SECKIT_EINVAL, "base64: no input");
    return b64_decode(out, out_cap, out_len, in, in_len, &lenient_rules, err);
}

int seckit_hex_encode(char *out, size_t out_cap, const void *in, size_t in_len, seckit_error *err)
{
    static const char digits[] = "0123456789abcdef";
    if (out == NULL || in_len > (SIZE_MAX - 1) / 2 || out_cap < 2 * in_len + 1)
        return seckit_error_set(err, SECKIT_ELIMIT, "hex: output buffer too small");
    const unsigned char *p = in;
    for (size_t i = 0; i < in_len; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * in_len] = '\0';
    return 0;
}

int seckit_hex_decode(uint8_t *out, size_t out_cap, size_t *out_len, const char *in, size_t in_len,
                      seckit_error *err)
{
    SKT_ENSURE(in_len % 2 == 0, err, SECKIT_EFORMAT, "hex: odd length %zu", in_len);
    if (in_len / 2 > out_cap || (out == NULL && in_len > 0))
        return seckit_error_set(err, SECKIT_ELIMIT, "hex: output buffer too small");
    for (size_t i = 0; i < in_len; i += 2) {
        int hi = skt_hex_digit((unsigned char)in[i]);
        int lo = skt_hex_digit((unsigned char)in[i + 1]);
        SKT_ENSURE(!(hi < 0 || lo < 0), err, SECKIT_EFORMAT, "hex: invalid digit at offset %zu",
                   hi < 0 ? i : i + 1);
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    if (out_len != NULL)
        *out_len = in_len / 2;
    return 0;
}
