/* seckit/version.h - library version and initialisation. */
#ifndef SECKIT_VERSION_H
#define SECKIT_VERSION_H

#include <stddef.h>

#include "seckit/export.h"
#include "seckit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version, "MAJOR.MINOR.PATCH". */
SECKIT_EXPORT const char *seckit_version(void);

/* Initialise the libraries libseckit uses (libsodium's RNG and guarded
 * allocator).  Idempotent and thread-safe; every libseckit function that
 * needs it calls it, so calling it is only required to learn early that the
 * system cannot provide randomness. */
SECKIT_EXPORT int seckit_init(seckit_error *err);

/* Allocate n bytes of guarded memory for long-lived secrets such as keys
 * (libsodium: guard pages, mlock, wiped on free).  NULL on failure. */
SECKIT_EXPORT void *seckit_secret_alloc(size_t n);
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
SECKIT_EXPORT void *seckit_secret_grow(void *p, size_t used, size_t n);
/* Wipe n bytes (sodium_memzero: not optimised away). */
SECKIT_EXPORT void seckit_memzero(void *p, size_t n);
/* Constant-time comparison: 1 when the n bytes are equal, else 0. */
SECKIT_EXPORT int seckit_ct_equal(const void *a, const void *b, size_t n);

/* Versions of the libraries linked in (for `seckit --version`):
 * which is "openssl", "libsodium", "cjson" or "libcurl"; NULL if unknown. */
SECKIT_EXPORT const char *seckit_dependency_version(const char *which);

#ifdef __cplusplus
}
#endif
#endif
