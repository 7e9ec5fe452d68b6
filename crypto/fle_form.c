/* application/x-www-form-urlencoded: a strict parser that keeps every
 * field's raw bytes, so that a body can be rebuilt with only the changed
 * fields re-encoded. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/fle_internal.h"
#include "src/base/guard.h"
#include "src/base/hex.h"
#include "src/base/secmem.h"
#include "seckit/fle.h"

typedef struct form_field {
    size_t raw_off, raw_len;   /* the piece between '&'s, in form->raw */
    size_t name_raw_len;       /* raw bytes of the name (before the first '=') */
    size_t name_off, name_len; /* decoded name in form->arena */
    size_t val_off, val_len;   /* decoded value in form->arena */
    int has_eq;
    int strict_ok;      /* 0: lenient parse passed bytes the strict codec refuses */
    size_t bad_off;     /* the first such byte, when !strict_ok */
    uint8_t *new_value; /* skt_scratch_alloc memory (wiped on free), when set */
    size_t new_len;
} form_field;

struct seckit_form {
    char *raw; /* copy of the body (wiped on free: it may hold plaintext) */
    size_t raw_len;
    char *arena; /* decoded names and values, each NUL-terminated */
    size_t arena_len;
    form_field *fields;
    size_t n;
};

/* Bytes a form serialiser never leaves unencoded; seeing one means the body
 * is not application/x-www-form-urlencoded.  ';' is among them: browsers
 * encode it, and some parsers still split fields on it, so a body with a
 * raw ';' would be read differently by two parsers. */
static int forbidden_raw(unsigned char c)
{
    if (c <= 0x20 || c >= 0x7f)
        return 1;
    return strchr("\"<>\\^`{|};", c) != NULL;
}

/* The lenient decoder: what the strict one refuses is kept as it is (a
 * '%' not followed by two hex digits stays a '%'); *bad gets the offset of
 * the first byte the strict codec would refuse, or SIZE_MAX. */
static void decode_span_lenient(const char *raw, size_t off, size_t len, char *out, size_t *out_len,
                                size_t *bad)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)raw[off + i];
        if (c == '%') {
            int hi = i + 1 < len ? skt_hex_digit((unsigned char)raw[off + i + 1]) : -1;
            int lo = i + 2 < len ? skt_hex_digit((unsigned char)raw[off + i + 2]) : -1;
            if (hi >= 0 && lo >= 0) {
                out[o++] = (char)(hi << 4 | lo);
                i += 2;
                continue;
            }
            if (*bad == SIZE_MAX)
                *bad = off + i;
            out[o++] = '%';
        } else if (c == '+') {
            out[o++] = ' ';
        } else {
            if (*bad == SIZE_MAX && forbidden_raw(c))
                *bad = off + i;
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    *out_len = o;
}

static int decode_span(const char *raw, size_t off, size_t len, char *out, size_t *out_len,
                       const char *what, size_t field_index, seckit_error *err)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)raw[off + i];
        if (c == '%') {
            int hi = i + 1 < len ? skt_hex_digit((unsigned char)raw[off + i + 1]) : -1;
            int lo = i + 2 < len ? skt_hex_digit((unsigned char)raw[off + i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return seckit_error_set_at(
                    err, SECKIT_EFORMAT, (seckit_position){0, 0, off + i},
                    "form body: field %zu %s: malformed percent escape at offset %zu "
                    "('%%' must be followed by two hex digits)",
                    field_index + 1, what, off + i);
            out[o++] = (char)(hi << 4 | lo);
            i += 2;
        } else if (c == '+') {
            out[o++] = ' ';
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    *out_len = o;
    return 0;
}

void seckit_form_free(seckit_form *form)
{
    if (form == NULL)
        return;
    for (size_t i = 0; i < form->n; i++)
        skt_secret_free(form->fields[i].new_value);
    free(form->fields);
    skt_wipe_free(form->raw, form->raw_len + 1);
    skt_wipe_free(form->arena, form->arena_len);
    free(form);
}

int seckit_form_parse(seckit_form **out, const void *body, size_t len, size_t max_len,
                      seckit_error *err)
{
    return seckit_form_parse_ex(out, body, len, max_len, 0, err);
}

int seckit_form_parse_ex(seckit_form **out, const void *body, size_t len, size_t max_len,
                         unsigned flags, seckit_error *err)
{
    if (out == NULL || (body == NULL && len > 0) || (flags & ~SECKIT_FORM_LENIENT) != 0)
        return seckit_error_set(err, SECKIT_EINVAL, "seckit_form_parse: invalid argument");
    int lenient = (flags & SECKIT_FORM_LENIENT) != 0;
    *out = NULL;
    if (max_len == 0)
        max_len = SECKIT_FLE_MAX_BODY;
    SKT_ENSURE(len <= max_len, err, SECKIT_ELIMIT,
               "form body: %zu bytes is over the limit of %zu bytes", len, max_len);
    const char *b = body;
    for (size_t i = 0; i < len && !lenient; i++)
        if (forbidden_raw((unsigned char)b[i]))
            return seckit_error_set_at(
                err, SECKIT_EFORMAT, (seckit_position){0, 0, i},
                "not an application/x-www-form-urlencoded body: byte 0x%02x at offset %zu "
                "is never sent unencoded in a form",
                (unsigned char)b[i], i);

    int rc = SECKIT_ENOMEM;
    seckit_form *f = calloc(1, sizeof(*f));
    if (f == NULL)
        goto nomem;
    size_t n = 0;
    if (len > 0) {
        n = 1;
        for (size_t i = 0; i < len; i++)
            n += b[i] == '&';
    }
    f->raw = malloc(len + 1);
    f->arena_len = len + 2 * n + 1;
    f->arena = malloc(f->arena_len);
    f->fields = calloc(n ? n : 1, sizeof(*f->fields));
    if (f->raw == NULL || f->arena == NULL || f->fields == NULL)
        goto nomem;
    if (len > 0)
        memcpy(f->raw, b, len);
    f->raw[len] = '\0';
    f->raw_len = len;
    f->n = n;

    size_t start = 0, a = 0;
    for (size_t k = 0; k < n; k++) {
        size_t end = start;
        while (end < len && b[end] != '&')
            end++;
        form_field *fd = &f->fields[k];
        fd->raw_off = start;
        fd->raw_len = end - start;
        const char *eq = memchr(b + start, '=', end - start);
        fd->has_eq = eq != NULL;
        fd->name_raw_len = eq != NULL ? (size_t)(eq - (b + start)) : end - start;
        fd->name_off = a;
        size_t vstart = start + fd->name_raw_len + (fd->has_eq ? 1 : 0);
        fd->strict_ok = 1;
        if (lenient) {
            size_t bad = SIZE_MAX;
            decode_span_lenient(f->raw, start, fd->name_raw_len, f->arena + a, &fd->name_len, &bad);
            a += fd->name_len + 1;
            fd->val_off = a;
            decode_span_lenient(f->raw, vstart, end - vstart, f->arena + a, &fd->val_len, &bad);
            a += fd->val_len + 1;
            fd->strict_ok = bad == SIZE_MAX;
            fd->bad_off = bad == SIZE_MAX ? 0 : bad;
        } else {
            rc = decode_span(f->raw, start, fd->name_raw_len, f->arena + a, &fd->name_len, "name",
                             k, err);
            if (rc != 0)
                goto fail;
            a += fd->name_len + 1;
            fd->val_off = a;
            rc = decode_span(f->raw, vstart, end - vstart, f->arena + a, &fd->val_len, "value", k,
                             err);
            if (rc != 0)
                goto fail;
            a += fd->val_len + 1;
        }
        start = end + 1;
    }
    *out = f;
    return 0;
nomem:
    rc = seckit_error_set(err, SECKIT_ENOMEM, "form body: out of memory");
fail:
    seckit_form_free(f);
    return rc;
}

size_t seckit_form_count(const seckit_form *form)
{
    return form != NULL ? form->n : 0;
}

int seckit_form_field(const seckit_form *form, const char **name, size_t *name_len,
                      const char **value, size_t *value_len, int *has_value, size_t i)
{
    if (form == NULL || i >= form->n)
        return SECKIT_EINVAL;
    const form_field *fd = &form->fields[i];
    if (name != NULL)
        *name = form->arena + fd->name_off;
    if (name_len != NULL)
        *name_len = fd->name_len;
    if (fd->new_value != NULL) {
        if (value != NULL)
            *value = (const char *)fd->new_value;
        if (value_len != NULL)
            *value_len = fd->new_len;
        if (has_value != NULL)
            *has_value = 1;
    } else {
        if (value != NULL)
            *value = form->arena + fd->val_off;
        if (value_len != NULL)
            *value_len = fd->val_len;
        if (has_value != NULL)
            *has_value = fd->has_eq;
    }
    return 0;
}

size_t seckit_form_field_offset(const seckit_form *form, size_t i)
{
    return form != NULL && i < form->n ? form->fields[i].raw_off : 0;
}

int seckit_form_field_raw(const seckit_form *form, const char **raw, size_t *raw_len,
                          size_t *name_raw_len, size_t i)
{
    if (form == NULL || i >= form->n)
        return SECKIT_EINVAL;
    const form_field *fd = &form->fields[i];
    if (raw != NULL)
        *raw = form->raw + fd->raw_off;
    if (raw_len != NULL)
        *raw_len = fd->raw_len;
    if (name_raw_len != NULL)
        *name_raw_len = fd->name_raw_len;
    return 0;
}

int seckit_form_field_is_strict(const seckit_form *form, size_t *bad_offset, size_t i)
{
    if (form == NULL || i >= form->n)
        return 0;
    if (!form->fields[i].strict_ok && bad_offset != NULL)
        *bad_offset = form->fields[i].bad_off;
    return form->fields[i].strict_ok;
}

int seckit_form_set_value(seckit_form *form, size_t i, const void *value, size_t len,
                          seckit_error *err)
{
    if (form == NULL || i >= form->n || (value == NULL && len > 0))
        return seckit_error_set(err, SECKIT_EINVAL, "seckit_form_set_value: invalid argument");
    uint8_t *copy = skt_scratch_alloc(len + 1);
    SKT_ENSURE(copy != NULL, err, SECKIT_ENOMEM, "form body: out of memory");
    if (len > 0)
        memcpy(copy, value, len);
    copy[len] = '\0';
    skt_secret_free(form->fields[i].new_value);
    form->fields[i].new_value = copy;
    form->fields[i].new_len = len;
    return 0;
}

void skt_form_set_value_owned(seckit_form *form, size_t i, uint8_t *value, size_t len)
{
    skt_secret_free(form->fields[i].new_value);
    form->fields[i].new_value = value;
    form->fields[i].new_len = len;
}

static int unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '*' ||
           c == '-' || c == '.' || c == '_';
}

size_t skt_form_encoded_len(const uint8_t *in, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += (unreserved(in[i]) || in[i] == ' ') ? 1 : 3;
    return n;
}

size_t skt_form_encode_into(char *out, const uint8_t *in, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = in[i];
        if (unreserved(c)) {
            out[o++] = (char)c;
        } else if (c == ' ') {
            out[o++] = '+';
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    return o;
}

int seckit_form_encode_component(char **out, size_t *out_len, const void *in, size_t len,
                                 seckit_error *err)
{
    SKT_ENSURE(!(out == NULL || (in == NULL && len > 0)), err, SECKIT_EINVAL,
               "seckit_form_encode_component: invalid argument");
    size_t n = skt_form_encoded_len(in, len);
    char *buf = skt_scratch_alloc(n + 1);
    SKT_ENSURE(buf != NULL, err, SECKIT_ENOMEM, "out of memory");
    size_t o = skt_form_encode_into(buf, in, len);
    buf[o] = '\0';
    *out = buf;
    if (out_len != NULL)
        *out_len = o;
    return 0;
}

int seckit_form_serialize(const seckit_form *form, char **out, size_t *out_len, seckit_error *err)
{
    if (form == NULL || out == NULL)
        return seckit_error_set(err, SECKIT_EINVAL, "seckit_form_serialize: invalid argument");
    size_t total = form->n > 0 ? form->n - 1 : 0; /* the '&'s */
    for (size_t i = 0; i < form->n; i++) {
        const form_field *fd = &form->fields[i];
        if (fd->new_value != NULL)
            total += fd->name_raw_len + 1 + skt_form_encoded_len(fd->new_value, fd->new_len);
        else
            total += fd->raw_len;
    }
    char *buf = skt_scratch_alloc(total + 1);
    SKT_ENSURE(buf != NULL, err, SECKIT_ENOMEM, "form body: out of memory");
    size_t o = 0;
    for (size_t i = 0; i < form->n; i++) {
        const form_field *fd = &form->fields[i];
        if (i > 0)
            buf[o++] = '&';
        if (fd->new_value != NULL) {
            memcpy(buf + o, form->raw + fd->raw_off, fd->name_raw_len);
            o += fd->name_raw_len;
            buf[o++] = '=';
            o += skt_form_encode_into(buf + o, fd->new_value, fd->new_len);
        } else {
            memcpy(buf + o, form->raw + fd->raw_off, fd->raw_len);
            o += fd->raw_len;
        }
    }
    buf[o] = '\0';
    *out = buf;
    if (out_len != NULL)
        *out_len = o;
    return 0;
}
