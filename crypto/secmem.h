/* Internal: memory for secrets.  Not installed.
 *
 * skt_secret_alloc uses libsodium's guarded allocator (guard pages, mlock,
 * canary) for long-lived key material; skt_wipe is sodium_memzero for
 * everything else that held a secret. */
#ifndef SECKIT_CRYPTO_SECMEM_H
#define SECKIT_CRYPTO_SECMEM_H

#include <stddef.h>

#include "seckit/error.h"

/* Initialise libsodium once (thread-safe); returns 0 or SECKIT_ECRYPTO. */
int skt_crypto_init(seckit_error *err);

void *skt_secret_alloc(size_t n);      /* NULL on failure; n may be 0 */
void skt_secret_free(void *p);         /* wipes; p may be NULL */
void skt_wipe(void *p, size_t n);      /* p may be NULL when n == 0 */
/* free() after wiping n bytes; p may be NULL. */
void skt_wipe_free(void *p, size_t n);
/* Short-lived secrets (per message: data keys, derived keys, frame and
 * field plaintext): ordinary heap memory, wiped in full when freed.  Guarded
 * pages cost several system calls per allocation, which dominated the cost
 * of decrypting a CloudFront field; long-lived key material and buffers
 * handed to callers stay in skt_secret_alloc's guarded pages.  Never mix
 * the two families' free functions. */
void *skt_scratch_alloc(size_t n);     /* NULL on failure; n may be 0 */
void skt_scratch_free(void *p);        /* wipes; p may be NULL */

/* Constant-time equality of n bytes: 1 equal, 0 different. */
int skt_ct_equal(const void *a, const void *b, size_t n);

#endif
