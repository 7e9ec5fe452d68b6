/* The bounds-checked reader and the size-limited writer. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "src/base/buf.h"
#include "src/base/guard.h"
#include "src/base/secmem.h"

void skt_reader_init(skt_reader *r, const void *data, size_t len)
{
    r->data = data;
    r->len = data == NULL ? 0 : len;
    r->pos = 0;
}

size_t skt_reader_remaining(const skt_reader *r)
{
    return r->len - r->pos;
}

const uint8_t *skt_reader_cursor(const skt_reader *r)
{
    return r->data + r->pos;
}

static int short_input(const skt_reader *r, size_t n, const char *what, seckit_error *err)
{
    seckit_error_set(err, SECKIT_ETRUNCATED,
                     "%s: input ends early (need %zu bytes at offset %zu, %zu left)", what, n,
                     r->pos, skt_reader_remaining(r));
    return SECKIT_ETRUNCATED; /* a constant, so compilers see the failure path */
}

int skt_reader_take(skt_reader *r, size_t n, const uint8_t **out, const char *what,
                    seckit_error *err)
{
    if (n > skt_reader_remaining(r))
        return short_input(r, n, what, err);
    *out = r->data + r->pos;
    r->pos += n;
    return 0;
}

int skt_reader_skip(skt_reader *r, size_t n, const char *what, seckit_error *err)
{
    const uint8_t *p = NULL;
    return skt_reader_take(r, n, &p, what, err);
}

int skt_reader_copy(skt_reader *r, void *out, size_t n, const char *what, seckit_error *err)
{
    const uint8_t *p = NULL;
    int rc = skt_reader_take(r, n, &p, what, err);
    if (rc == 0 && n > 0)
        memcpy(out, p, n);
    return rc;
}

static int read_be(skt_reader *r, size_t n, uint64_t *out, const char *what, seckit_error *err)
{
    if (n > skt_reader_remaining(r))
        return short_input(r, n, what, err);
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | r->data[r->pos + i];
    r->pos += n;
    *out = v;
    return 0;
}

int skt_reader_u8(skt_reader *r, uint8_t *out, const char *what, seckit_error *err)
{
    uint64_t v = 0;
    int rc = read_be(r, 1, &v, what, err);
    if (rc == 0)
        *out = (uint8_t)v;
    return rc;
}

int skt_reader_u16(skt_reader *r, uint16_t *out, const char *what, seckit_error *err)
{
    uint64_t v = 0;
    int rc = read_be(r, 2, &v, what, err);
    if (rc == 0)
        *out = (uint16_t)v;
    return rc;
}

int skt_reader_u32(skt_reader *r, uint32_t *out, const char *what, seckit_error *err)
{
    uint64_t v = 0;
    int rc = read_be(r, 4, &v, what, err);
    if (rc == 0)
        *out = (uint32_t)v;
    return rc;
}

int skt_reader_u64(skt_reader *r, uint64_t *out, const char *what, seckit_error *err)
{
    return read_be(r, 8, out, what, err);
}

/* Length-prefixed field: the cursor moves only when the whole field is there. */
static int read_lp(skt_reader *r, size_t prefix, size_t max, const uint8_t **out, size_t *out_len,
                   const char *what, seckit_error *err)
{
    size_t start = r->pos;
    uint64_t n;
    int rc = read_be(r, prefix, &n, what, err);
    SKT_GUARD(rc);
    if (n > max) {
        r->pos = start;
        return seckit_error_set(err, SECKIT_ELIMIT,
                                "%s: length %llu at offset %zu exceeds the limit of %zu", what,
                                (unsigned long long)n, start, max);
    }
    rc = skt_reader_take(r, (size_t)n, out, what, err);
    if (rc != 0) {
        r->pos = start;
        return rc;
    }
    *out_len = (size_t)n;
    return 0;
}

int skt_reader_lp16(skt_reader *r, size_t max, const uint8_t **out, size_t *out_len,
                    const char *what, seckit_error *err)
{
    return read_lp(r, 2, max, out, out_len, what, err);
}

int skt_reader_expect_end(const skt_reader *r, const char *what, seckit_error *err)
{
    SKT_ENSURE(skt_reader_remaining(r) == 0, err, SECKIT_EFORMAT,
               "%s: %zu unexpected trailing bytes at offset %zu", what, skt_reader_remaining(r),
               r->pos);
    return 0;
}

/* ---- writer */

void skt_writer_init(skt_writer *w, size_t limit)
{
    memset(w, 0, sizeof(*w));
    w->limit = limit;
}

void skt_writer_init_secret(skt_writer *w, size_t limit)
{
    skt_writer_init(w, limit);
    w->secret = 1;
}

int skt_writer_reserve(skt_writer *w, size_t extra, seckit_error *err)
{
    SKT_ENSURE(extra <= w->limit - w->len, err, SECKIT_ELIMIT,
               "output would exceed its limit of %zu bytes", w->limit);
    size_t need = w->len + extra;
    if (need <= w->cap && w->data != NULL)
        return 0;
    size_t cap = w->cap < 64 ? 64 : w->cap;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > w->limit)
        cap = w->limit > need ? w->limit : need;
    /* +1 leaves room for skt_writer_terminate()'s NUL. */
    uint8_t *p = malloc(cap + 1);
    SKT_ENSURE(p != NULL, err, SECKIT_ENOMEM, "out of memory (%zu bytes)", cap + 1);
    if (w->len > 0)
        memcpy(p, w->data, w->len);
    if (w->secret)
        skt_wipe_free(w->data, w->cap + 1);
    else
        free(w->data);
    w->data = p;
    w->cap = cap;
    return 0;
}

int skt_writer_put(skt_writer *w, const void *p, size_t n, seckit_error *err)
{
    if (n == 0)
        return 0;
    int rc = skt_writer_reserve(w, n, err);
    SKT_GUARD(rc);
    memcpy(w->data + w->len, p, n);
    w->len += n;
    return 0;
}

static int put_be(skt_writer *w, uint64_t v, size_t n, seckit_error *err)
{
    uint8_t b[8];
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    return skt_writer_put(w, b, n, err);
}

int skt_writer_u8(skt_writer *w, uint8_t v, seckit_error *err)
{
    return put_be(w, v, 1, err);
}
int skt_writer_u16(skt_writer *w, uint16_t v, seckit_error *err)
{
    return put_be(w, v, 2, err);
}
int skt_writer_u32(skt_writer *w, uint32_t v, seckit_error *err)
{
    return put_be(w, v, 4, err);
}
int skt_writer_u64(skt_writer *w, uint64_t v, seckit_error *err)
{
    return put_be(w, v, 8, err);
}

int skt_writer_lp16(skt_writer *w, const void *p, size_t n, seckit_error *err)
{
    SKT_ENSURE(n <= 0xFFFF, err, SECKIT_ELIMIT, "field of %zu bytes does not fit a 16-bit length",
               n);
    int rc = skt_writer_reserve(w, 2 + n, err);
    SKT_GUARD(rc);
    put_be(w, n, 2, err);
    return skt_writer_put(w, p, n, err);
}

int skt_writer_str(skt_writer *w, const char *s, seckit_error *err)
{
    return skt_writer_put(w, s, strlen(s), err);
}

int skt_writer_terminate(skt_writer *w, seckit_error *err)
{
    if (w->data == NULL) {
        int rc = skt_writer_reserve(w, 0, err);
        SKT_GUARD(rc);
    }
    w->data[w->len] = '\0';
    return 0;
}

uint8_t *skt_writer_steal(skt_writer *w, size_t *len)
{
    uint8_t *p = w->data;
    if (len != NULL)
        *len = w->len;
    w->data = NULL;
    w->len = w->cap = 0;
    return p;
}

void skt_writer_reset(skt_writer *w)
{
    if (w->secret && w->data != NULL)
        skt_wipe(w->data, w->cap + 1);
    w->len = 0;
}

void skt_writer_free(skt_writer *w)
{
    if (w->data != NULL) {
        if (w->secret)
            skt_wipe_free(w->data, w->cap + 1);
        else
            free(w->data);
    }
    w->data = NULL;
    w->len = w->cap = 0;
}
