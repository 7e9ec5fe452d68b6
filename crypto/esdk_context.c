/* ESDK encryption context: validation, canonical ordering and serialization
 * (SPEC framework/structures.md "Serialization"). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/esdk_internal.h"
#include "src/base/guard.h"

#define RESERVED_PREFIX "aws-crypto-"

int skt_esdk_utf8_valid(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = p[i];
        size_t len;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (n - i < len)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

void skt_esdk_ctx_free(skt_esdk_ctx *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->count; i++) {
        free((void *)c->pairs[i].key);
        free((void *)c->pairs[i].value);
    }
    free(c->pairs);
    free(c->ser);
    memset(c, 0, sizeof(*c));
}

static int key_cmp(const seckit_esdk_pair *a, const seckit_esdk_pair *b)
{
    size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
    int r = n > 0 ? memcmp(a->key, b->key, n) : 0;
    if (r != 0)
        return r;
    return a->key_len < b->key_len ? -1 : a->key_len > b->key_len ? 1 : 0;
}

static int key_cmp_q(const void *a, const void *b)
{
    return key_cmp(a, b);
}

static char *dup_bytes(const char *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s != NULL) {
        if (n > 0)
            memcpy(s, p, n);
        s[n] = '\0';
    }
    return s;
}

static int serialize(skt_esdk_ctx *c, seckit_error *err)
{
    skt_writer w;
    uint8_t *p;
    size_t n;
    c->view.pairs = c->pairs;
    c->view.count = c->count;
    if (c->count == 0) {
        c->ser = NULL;
        c->ser_len = 0;
        return 0;
    }
    skt_writer_init(&w, 0xFFFF);
    int rc = skt_writer_u16(&w, (uint16_t)c->count, err);
    for (size_t i = 0; rc == 0 && i < c->count; i++) {
        rc = skt_writer_lp16(&w, c->pairs[i].key, c->pairs[i].key_len, err);
        if (rc == 0)
            rc = skt_writer_lp16(&w, c->pairs[i].value, c->pairs[i].value_len, err);
    }
    if (rc != 0) {
        skt_writer_free(&w);
        return seckit_error_set(err, SECKIT_ELIMIT,
                                "encryption context: serialized size exceeds 65535 bytes");
    }
    p = skt_writer_steal(&w, &n);
    c->ser = p;
    c->ser_len = n;
    return 0;
}

int skt_esdk_ctx_from_pairs(skt_esdk_ctx *c, const seckit_esdk_pair *pairs, size_t n,
                            int reserved_ok, seckit_error *err)
{
    int rc = 0;
    memset(c, 0, sizeof(*c));
    SKT_ENSURE(n <= 0xFFFF, err, SECKIT_ELIMIT, "encryption context: more than 65535 pairs");
    if (n > 0) {
        SKT_ENSURE(pairs != NULL, err, SECKIT_EINVAL, "encryption context: pairs missing");
        c->pairs = calloc(n, sizeof(*c->pairs));
        SKT_ENSURE(c->pairs != NULL, err, SECKIT_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        const seckit_esdk_pair *q = &pairs[i];
        if ((q->key == NULL && q->key_len > 0) || (q->value == NULL && q->value_len > 0)) {
            rc = seckit_error_set(err, SECKIT_EINVAL, "encryption context: pair %zu is NULL", i);
            goto fail;
        }
        SKT_ENSURE_GOTO(q->key_len != 0, err, rc, fail, SECKIT_EINVAL,
                        "encryption context: pair %zu has an empty key", i);
        if (q->key_len > 0xFFFF || q->value_len > 0xFFFF) {
            rc =
                seckit_error_set(err, SECKIT_ELIMIT, "encryption context: pair %zu is too long", i);
            goto fail;
        }
        if (!skt_esdk_utf8_valid((const uint8_t *)q->key, q->key_len) ||
            !skt_esdk_utf8_valid((const uint8_t *)q->value, q->value_len)) {
            rc = seckit_error_set(err, SECKIT_EINVAL,
                                  "encryption context: pair %zu is not valid UTF-8", i);
            goto fail;
        }
        if (!reserved_ok && q->key_len >= strlen(RESERVED_PREFIX) &&
            memcmp(q->key, RESERVED_PREFIX, strlen(RESERVED_PREFIX)) == 0) {
            rc = seckit_error_set(err, SECKIT_EINVAL,
                                  "encryption context: key '%.*s' uses the reserved prefix "
                                  "'aws-crypto-'",
                                  (int)(q->key_len > 64 ? 64 : q->key_len), q->key);
            goto fail;
        }
        c->pairs[i].key = dup_bytes(q->key, q->key_len);
        c->pairs[i].value = dup_bytes(q->value, q->value_len);
        c->pairs[i].key_len = q->key_len;
        c->pairs[i].value_len = q->value_len;
        c->count = i + 1;
        if (c->pairs[i].key == NULL || c->pairs[i].value == NULL) {
            rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
            goto fail;
        }
    }
    if (n > 1)
        qsort(c->pairs, n, sizeof(*c->pairs), key_cmp_q);
    for (size_t i = 1; i < n; i++)
        SKT_ENSURE_GOTO(key_cmp(&c->pairs[i - 1], &c->pairs[i]) != 0, err, rc, fail, SECKIT_EINVAL,
                        "encryption context: key '%.*s' appears twice",
                        (int)(c->pairs[i].key_len > 64 ? 64 : c->pairs[i].key_len),
                        c->pairs[i].key);
    SKT_GUARD_GOTO(serialize(c, err), rc, fail);
    return 0;
fail:
    skt_esdk_ctx_free(c);
    return rc;
}

int skt_esdk_ctx_parse(skt_esdk_ctx *c, const uint8_t *p, size_t n, seckit_error *err)
{
    skt_reader r;
    uint16_t count;
    int rc;
    memset(c, 0, sizeof(*c));
    if (n == 0)
        return 0;
    skt_reader_init(&r, p, n);
    SKT_GUARD(skt_reader_u16(&r, &count, "header: encryption context count", err));
    SKT_ENSURE(count != 0, err, SECKIT_EFORMAT,
               "header: encryption context has a length but no pairs");
    /* Each pair needs at least 4 bytes: check before allocating. */
    SKT_ENSURE((size_t)count * 4 <= skt_reader_remaining(&r), err, SECKIT_EFORMAT,
               "header: encryption context count %u does not fit its length", count);
    c->pairs = calloc(count, sizeof(*c->pairs));
    SKT_ENSURE(c->pairs != NULL, err, SECKIT_ENOMEM, "out of memory");
    for (size_t i = 0; i < count; i++) {
        const uint8_t *k, *v;
        size_t kl, vl;
        SKT_GUARD_GOTO(skt_reader_lp16(&r, 0xFFFF, &k, &kl, "header: encryption context key", err),
                       rc, fail);
        SKT_GUARD_GOTO(skt_reader_lp16(&r, 0xFFFF, &v, &vl, "header: encryption context value",
                                       err),
                       rc, fail);
        if (!skt_esdk_utf8_valid(k, kl) || !skt_esdk_utf8_valid(v, vl)) {
            rc = seckit_error_set(err, SECKIT_EFORMAT,
                                  "header: encryption context pair %zu is not valid UTF-8", i + 1);
            goto fail;
        }
        c->pairs[i].key = dup_bytes((const char *)k, kl);
        c->pairs[i].value = dup_bytes((const char *)v, vl);
        c->pairs[i].key_len = kl;
        c->pairs[i].value_len = vl;
        c->count = i + 1;
        if (c->pairs[i].key == NULL || c->pairs[i].value == NULL) {
            rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
            goto fail;
        }
        if (i > 0) {
            int cmp = key_cmp(&c->pairs[i - 1], &c->pairs[i]);
            SKT_ENSURE_GOTO(cmp != 0, err, rc, fail, SECKIT_EFORMAT,
                            "header: encryption context key %zu is a duplicate", i + 1);
            SKT_ENSURE_GOTO(cmp <= 0, err, rc, fail, SECKIT_EFORMAT,
                            "header: encryption context is not sorted (pair %zu)", i + 1);
        }
    }
    SKT_GUARD_GOTO(skt_reader_expect_end(&r, "header: encryption context", err), rc, fail);
    c->ser = malloc(n);
    SKT_ENSURE_GOTO(c->ser != NULL, err, rc, fail, SECKIT_ENOMEM, "out of memory");
    memcpy(c->ser, p, n);
    c->ser_len = n;
    c->view.pairs = c->pairs;
    c->view.count = c->count;
    return 0;
fail:
    skt_esdk_ctx_free(c);
    return rc;
}

const seckit_esdk_pair *skt_esdk_ctx_get(const skt_esdk_ctx *c, const char *key, size_t key_len)
{
    for (size_t i = 0; i < c->count; i++)
        if (c->pairs[i].key_len == key_len && memcmp(c->pairs[i].key, key, key_len) == 0)
            return &c->pairs[i];
    return NULL;
}
