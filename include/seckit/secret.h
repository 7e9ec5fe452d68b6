/* seckit/secret.h - guarded memory for secrets (libsodium). */
#ifndef SECKIT_SECRET_H
#define SECKIT_SECRET_H

#include <stddef.h>

#include "seckit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Allocate n bytes of guarded memory for long-lived secrets such as keys
 * (libsodium: guard pages, mlock, wiped on free).  NULL on failure. */
SECKIT_EXPORT SECKIT_MUST_CHECK void *seckit_secret_alloc(size_t n);
/* Wipe and free memory from seckit_secret_alloc, or any secret memory a
 * libseckit function returns: keys and credentials in guarded pages, and
 * per-message results (decrypted plaintext, form bodies) in ordinary heap
 * memory, which is as fast as malloc.  p may be NULL. */
SECKIT_EXPORT void seckit_secret_free(void *p);
/* Grow (or shrink) secret memory to n bytes, keeping its first `used`
 * bytes, without realloc(): the bytes are copied into new memory and the old
 * block is wiped and freed.  p: NULL or memory from seckit_secret_alloc,
 * seckit_secret_grow or a libseckit result freed with seckit_secret_free.
 * The result is freed with seckit_secret_free.  NULL on failure (p is then
 * untouched). */
SECKIT_EXPORT SECKIT_MUST_CHECK void *seckit_secret_grow(void *p, size_t used, size_t n);

#ifdef __cplusplus
}
#endif
#endif
