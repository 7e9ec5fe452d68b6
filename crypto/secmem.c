/* Memory for secrets, on libsodium. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <sodium.h>

#include "crypto/secmem.h"
#include "seckit/version.h"

int skt_crypto_init(seckit_error *err)
{
    /* sodium_init() is thread-safe and returns 1 when already initialised. */
    if (sodium_init() < 0)
        return seckit_error_set(err, SECKIT_ECRYPTO,
                                "libsodium could not be initialised (no system randomness?)");
    return 0;
}

void *skt_secret_alloc(size_t n)
{
    if (sodium_init() < 0)
        return NULL;
    return sodium_malloc(n == 0 ? 1 : n);
}

void skt_secret_free(void *p)
{
    if (p != NULL)
        sodium_free(p);
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

/* The size is kept in a header so free can wipe all of it; the header is as
 * large as the strictest alignment so the data stays aligned. */
typedef union {
    size_t n;
    max_align_t align;
} scratch_header;

void *skt_scratch_alloc(size_t n)
{
    if (n > SIZE_MAX - sizeof(scratch_header))
        return NULL;
    scratch_header *h = malloc(sizeof(*h) + (n == 0 ? 1 : n));
    if (h == NULL)
        return NULL;
    h->n = n == 0 ? 1 : n;
    return h + 1;
}

void skt_scratch_free(void *p)
{
    if (p == NULL)
        return;
    scratch_header *h = (scratch_header *)p - 1;
    sodium_memzero(h, sizeof(*h) + h->n);
    free(h);
}

int skt_ct_equal(const void *a, const void *b, size_t n)
{
    return sodium_memcmp(a, b, n) == 0;
}

/* Public wrappers (seckit/version.h). */
void *seckit_secret_alloc(size_t n) { return skt_secret_alloc(n); }
void seckit_secret_free(void *p) { skt_secret_free(p); }
void seckit_memzero(void *p, size_t n) { skt_wipe(p, n); }
int seckit_ct_equal(const void *a, const void *b, size_t n) { return skt_ct_equal(a, b, n); }
