/* Internal: memory for secrets.  Not installed.
 *
 * See skt_secret_alloc below; skt_wipe is sodium_memzero for everything else
 * that held a secret. */
#ifndef SECKIT_CRYPTO_SECMEM_H
#define SECKIT_CRYPTO_SECMEM_H

#include <stddef.h>

#include "seckit/error.h"

/* Initialise libsodium once (thread-safe); returns 0 or SECKIT_ECRYPTO. */
int skt_crypto_init(seckit_error *err);

/* Two kinds of memory for secrets, both wiped in full and released by
 * skt_secret_free (and the public seckit_secret_free), whichever kind it is:
 * - skt_secret_alloc: libsodium's guarded pages (guard pages, mlock, canary)
 *   for long-lived material: private keys, key files, credentials, keyring
 *   keys.  Each allocation costs several system calls.
 * - skt_scratch_alloc: ordinary heap memory, for per-message secrets (data
 *   keys, derived keys, frame plaintext, decrypted fields and form bodies
 *   returned to callers), where guarded pages' system calls cost more than
 *   the cryptography around them. */
void *skt_secret_alloc(size_t n);  /* NULL on failure; n may be 0 */
void *skt_scratch_alloc(size_t n); /* NULL on failure; n may be 0 */
void skt_secret_free(void *p);     /* wipes, then frees either kind; p may be NULL */
void skt_wipe(void *p, size_t n);  /* p may be NULL when n == 0 */
/* free() after wiping n bytes; p may be NULL. */
void skt_wipe_free(void *p, size_t n);

/* Resize secret memory (from either allocator, or NULL) to n bytes of
 * ordinary secret heap memory keeping the first `used` bytes: copies into a
 * new block, then wipes and frees the old one (never realloc(), which can
 * leave an unwiped copy behind).  NULL on failure, p untouched. */
void *skt_secret_grow(void *p, size_t used, size_t n);
/* The usable size of secret memory (0 for NULL). */
size_t skt_secret_size(const void *p);
/* Tests only: called with each heap secret block after it is wiped, just
 * before free(). */
extern void (*skt_secmem_free_hook)(const void *p, size_t n);

/* Constant-time equality of n bytes: 1 equal, 0 different. */
int skt_ct_equal(const void *a, const void *b, size_t n);

#endif
