/* Memory for secrets: both kinds (guarded pages and wiped heap) are released
 * by the one free function, whatever the size, and the heap kind keeps the
 * data aligned.  ASan and valgrind runs of this test catch a kind freed the
 * wrong way. */
#include "config.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "src/base/secmem.h"
#include "src/base/guard.h"
#include "seckit/version.h"
#include "seckit/secret.h"
#include "testlib.h"

static const size_t sizes[] = {0, 1, 15, 16, 17, 31, 4095, 4096, 4097, 70000};

static void fill_and_free(void *p, size_t n)
{
    CHECK(p != NULL);
    if (p == NULL)
        return;
    memset(p, 0xa5, n);
    skt_secret_free(p);
}

static void test_guarded_kind(void)
{
    for (size_t i = 0; i < SKT_ARRAY_LEN(sizes); i++)
        fill_and_free(skt_secret_alloc(sizes[i]), sizes[i]);
}

static void test_heap_kind_aligned(void)
{
    for (size_t i = 0; i < SKT_ARRAY_LEN(sizes); i++) {
        uint8_t *p = skt_scratch_alloc(sizes[i]);
        CHECK(p != NULL && (uintptr_t)p % alignof(max_align_t) == 0);
        fill_and_free(p, sizes[i]);
    }
}

static void test_public_free_takes_both_kinds(void)
{
    uint8_t *a = seckit_secret_alloc(32), *b = skt_scratch_alloc(32);
    CHECK(a != NULL && b != NULL);
    seckit_secret_free(a);
    seckit_secret_free(b);
    seckit_secret_free(NULL);
    skt_secret_free(NULL);
}

static void test_impossible_sizes(void)
{
    CHECK(skt_scratch_alloc(SIZE_MAX) == NULL);
    CHECK(skt_secret_alloc(SIZE_MAX) == NULL);
    CHECK(skt_scratch_alloc(SIZE_MAX - 8) == NULL);
}

int main(void)
{
    TEST(test_guarded_kind);
    TEST(test_heap_kind_aligned);
    TEST(test_public_free_takes_both_kinds);
    TEST(test_impossible_sizes);
    TEST_EXIT();
}
