/* Memory for secrets, on libsodium. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "src/base/guard.h"
#include "src/base/secmem.h"
#include "seckit/version.h"
#include "seckit/secret.h"

int skt_crypto_init(seckit_error *err)
{
    /* sodium_init() is thread-safe and returns 1 when already initialised. */
    SKT_ENSURE(sodium_init() >= 0, err, SECKIT_ECRYPTO,
               "libsodium could not be initialised (no system randomness?)");
    return 0;
}

/* Every secret allocation starts with a header that records its size and
 * which allocator made it, so one free function wipes and releases both
 * kinds and callers never need to know which kind they were given.  The
 * header is as large as the strictest alignment so heap data stays aligned;
 * it is read with memcpy because libsodium places guarded data flush against
 * the trailing guard page, whatever its alignment. */
enum { SECRET_GUARDED = 0x5ec6a4d1u, SECRET_HEAP = 0x5ec4ea9bu };

typedef union {
    struct {
        size_t n;      /* bytes after the header */
        unsigned kind; /* SECRET_GUARDED or SECRET_HEAP */
    } f;
    max_align_t align;
} secret_header;

static void *secret_alloc(size_t n, unsigned kind)
{
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX - sizeof(secret_header))
        return NULL;
    unsigned char *base;
    if (kind == SECRET_GUARDED)
        base = sodium_init() < 0 ? NULL : sodium_malloc(sizeof(secret_header) + n);
    else
        base = malloc(sizeof(secret_header) + n);
    if (base == NULL)
        return NULL;
    secret_header h;
    memset(&h, 0, sizeof(h));
    h.f.n = n;
    h.f.kind = kind;
    memcpy(base, &h, sizeof(h));
    return base + sizeof(h);
}

void *skt_secret_alloc(size_t n)
{
    return secret_alloc(n, SECRET_GUARDED);
}
void *skt_scratch_alloc(size_t n)
{
    return secret_alloc(n, SECRET_HEAP);
}

void skt_secret_free(void *p)
{
    if (p == NULL)
        return;
    unsigned char *base = (unsigned char *)p - sizeof(secret_header);
    secret_header h;
    memcpy(&h, base, sizeof(h));
    /* A header that is neither kind means the caller passed memory that is
     * not ours (or overwrote it): releasing it could corrupt the heap, so it
     * is left alone rather than aborting. */
    if (h.f.kind == SECRET_GUARDED) {
        sodium_free(base); /* wipes all of it */
    } else if (h.f.kind == SECRET_HEAP) {
        sodium_memzero(base, sizeof(h) + h.f.n);
        if (skt_secmem_free_hook != NULL)
            skt_secmem_free_hook(base + sizeof(h), h.f.n);
        free(base);
    }
}

void (*skt_secmem_free_hook)(const void *p, size_t n);

size_t skt_secret_size(const void *p)
{
    if (p == NULL)
        return 0;
    secret_header h;
    memcpy(&h, (const unsigned char *)p - sizeof(secret_header), sizeof(h));
    return h.f.kind == SECRET_GUARDED || h.f.kind == SECRET_HEAP ? h.f.n : 0;
}

/* Grow (or shrink) secret memory without realloc(): realloc may move the
 * bytes and leave the old copy in freed memory, unwiped.  Copy into a new
 * block, then wipe and free the old one. */
void *skt_secret_grow(void *p, size_t used, size_t n)
{
    size_t old = skt_secret_size(p);
    if (used > old)
        used = old;
    if (used > n)
        used = n;
    unsigned char *q = skt_scratch_alloc(n);
    if (q == NULL)
        return NULL;
    if (used > 0)
        memcpy(q, p, used);
    skt_secret_free(p);
    return q;
}

void skt_wipe(void *p, size_t n)
{
    if (p != NULL && n > 0)
        sodium_memzero(p, n);
}

void skt_wipe_free(void *p, size_t n)
{
    if (p == NULL)
        return;
    sodium_memzero(p, n);
    free(p);
}

int skt_ct_equal(const void *a, const void *b, size_t n)
{
    return sodium_memcmp(a, b, n) == 0;
}

/* Public wrappers (seckit/version.h). */
void *seckit_secret_alloc(size_t n)
{
    return skt_secret_alloc(n);
}
void *seckit_secret_grow(void *p, size_t used, size_t n)
{
    return skt_secret_grow(p, used, n);
}
void seckit_secret_free(void *p)
{
    skt_secret_free(p);
}
void seckit_memzero(void *p, size_t n)
{
    skt_wipe(p, n);
}
int seckit_ct_equal(const void *a, const void *b, size_t n)
{
    return skt_ct_equal(a, b, n);
}
