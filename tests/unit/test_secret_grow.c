/* skt_secret_grow / seckit_secret_grow keep the bytes asked
 * for and wipe the old block before freeing it (never realloc()). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/secmem.h"
#include "seckit/seckit.h"
#include "testlib.h"

static size_t freed, freed_dirty;

/* Called after the wipe, before free(): every byte must be zero. */
static void check_wiped(const void *p, size_t n)
{
    const unsigned char *b = p;
    freed++;
    for (size_t i = 0; i < n; i++)
        if (b[i] != 0) {
            freed_dirty++;
            return;
        }
}

static void test_grow_keeps_and_wipes(void)
{
    skt_secmem_free_hook = check_wiped;
    freed = freed_dirty = 0;
    uint8_t *p = seckit_secret_grow(NULL, 0, 16);
    CHECK(p != NULL && skt_secret_size(p) == 16);
    memcpy(p, "0123456789abcdef", 16);
    /* Grow several times, as a reader does. */
    for (size_t cap = 32; cap <= 1 << 16; cap *= 2) {
        uint8_t *q = seckit_secret_grow(p, 16, cap);
        CHECK(q != NULL && q != p && skt_secret_size(q) == cap);
        CHECK(memcmp(q, "0123456789abcdef", 16) == 0);
        p = q;
    }
    CHECK_MSG(freed == 12 && freed_dirty == 0, "%zu blocks freed, %zu not wiped", freed,
              freed_dirty);
    /* Shrink: keeps only what fits; used larger than the old block is
     * clamped. */
    uint8_t *q = seckit_secret_grow(p, 1 << 20, 8);
    CHECK(q != NULL && memcmp(q, "01234567", 8) == 0 && skt_secret_size(q) == 8);
    /* Failure leaves the old block alone. */
    CHECK(seckit_secret_grow(q, 8, SIZE_MAX) == NULL);
    CHECK(memcmp(q, "01234567", 8) == 0);
    /* From guarded memory too. */
    uint8_t *g = seckit_secret_alloc(4);
    memcpy(g, "key!", 4);
    uint8_t *h = seckit_secret_grow(g, 4, 100);
    CHECK(h != NULL && memcmp(h, "key!", 4) == 0);
    seckit_secret_free(h);
    seckit_secret_free(q);
    CHECK(freed_dirty == 0);
    skt_secmem_free_hook = NULL;
}

int main(void)
{
    TEST(test_grow_keeps_and_wipes);
    TEST_EXIT();
}
