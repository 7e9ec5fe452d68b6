/* FLE decryptors shared between threads: sealing on first use, and key
 * rotation through seckit_fle_keystore while workers decrypt.  Meant to
 * run under ThreadSanitizer too (configure CC=clang CFLAGS=-fsanitize=thread);
 * in a normal build it checks the results. */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>

#include "seckit/seckit.h"
#include "seckit/keys.h"
#include "testlib.h"

#define WORKERS 4
#define ITERATIONS 30
#define SWAPS 12
#define SETUP_ROUNDS 12

static seckit_error err;
static char *priv1, *pub1, *priv2, *pub2;
static size_t priv1_len, pub1_len, priv2_len, pub2_len;
static char *value;
static size_t value_len;
static const char secret_text[] = "404-555-0150";

static seckit_fle_decryptor *make_decryptor(int with_second, seckit_error *e)
{
    seckit_fle_decryptor *d = NULL;
    if (seckit_fle_decryptor_new(&d, NULL, e) != 0)
        return NULL;
    if (seckit_fle_decryptor_add_key(d, "FLEDemo", "DemoPublicKey", priv1, priv1_len,
                                     SECKIT_RSA_OAEP_SHA256, e) != 0 ||
        (with_second && seckit_fle_decryptor_add_key(d, "FLEDemo", "RotatedKey", priv2, priv2_len,
                                                     SECKIT_RSA_OAEP_SHA256, e) != 0)) {
        seckit_fle_decryptor_unref(d);
        return NULL;
    }
    return d;
}

static int decrypts(const seckit_fle_decryptor *d, seckit_error *e)
{
    uint8_t *plain = NULL;
    size_t pl = 0;
    int ok = seckit_fle_decrypt_value(d, &plain, &pl, value, value_len, e) == 0 &&
             pl == strlen(secret_text) && memcmp(plain, secret_text, pl) == 0;
    seckit_secret_free(plain);
    return ok;
}

typedef struct {
    seckit_fle_keystore *ks;
    atomic_int *stop;
    int done, failures;
    char last_error[256];
} worker_arg;

static void *worker(void *p)
{
    worker_arg *a = p;
    seckit_error e;
    memset(&e, 0, sizeof(e));
    for (int i = 0; i < ITERATIONS || !atomic_load(a->stop); i++) {
        seckit_fle_decryptor *d = seckit_fle_keystore_acquire(a->ks);
        if (d == NULL || !decrypts(d, &e)) {
            a->failures++;
            snprintf(a->last_error, sizeof(a->last_error), "%s", e.message);
        }
        seckit_fle_decryptor_unref(d);
        a->done++;
        if (i >= 10 * ITERATIONS)
            break;
    }
    return NULL;
}

/* Workers decrypt through a keystore while the main thread swaps in new
 * decryptors; every old one is freed by whoever drops it last. */
static void test_keystore_rotation(void)
{
    seckit_fle_decryptor *d = make_decryptor(0, &err);
    CHECK_MSG(d != NULL, "%s", err.message);
    seckit_fle_keystore *ks = NULL;
    CHECK_OK(seckit_fle_keystore_new(&ks, d, &err), &err);
    if (ks == NULL) {
        seckit_fle_decryptor_unref(d);
        return;
    }
    CHECK(seckit_fle_decryptor_is_sealed(d));
    /* Sealed by the keystore: the caller's copy can no longer change. */
    CHECK_RC(seckit_fle_decryptor_add_key(d, "FLEDemo", "RotatedKey", priv2, priv2_len,
                                          SECKIT_RSA_OAEP_SHA256, &err),
             SECKIT_EINVAL);
    CHECK(strstr(err.message, "sealed") != NULL);
    seckit_fle_decryptor_unref(d); /* the keystore keeps its own reference */

    atomic_int stop;
    atomic_init(&stop, 0);
    pthread_t t[WORKERS];
    worker_arg args[WORKERS];
    memset(args, 0, sizeof(args));
    for (int i = 0; i < WORKERS; i++) {
        args[i].ks = ks;
        args[i].stop = &stop;
        CHECK(pthread_create(&t[i], NULL, worker, &args[i]) == 0);
    }
    seckit_error e;
    memset(&e, 0, sizeof(e));
    for (int s = 0; s < SWAPS; s++) {
        seckit_fle_decryptor *n = make_decryptor(s % 2, &e);
        CHECK_MSG(n != NULL, "%s", e.message);
        if (n == NULL)
            break;
        CHECK_OK(seckit_fle_keystore_swap(ks, n, &e), &e);
        seckit_fle_decryptor_unref(n);
    }
    atomic_store(&stop, 1);
    int total = 0;
    for (int i = 0; i < WORKERS; i++) {
        pthread_join(t[i], NULL);
        CHECK_MSG(args[i].failures == 0, "worker %d: %d failures (%s)", i, args[i].failures,
                  args[i].last_error);
        total += args[i].done;
    }
    CHECK(total >= WORKERS * ITERATIONS);
    seckit_fle_decryptor *cur = seckit_fle_keystore_acquire(ks);
    CHECK(cur != NULL && seckit_fle_decryptor_key_count(cur) == (SWAPS - 1) % 2 + 1);
    seckit_fle_decryptor_unref(cur);
    seckit_fle_keystore_free(ks);
    CHECK_RC(seckit_fle_keystore_swap(NULL, NULL, &err), SECKIT_EINVAL);
    CHECK(seckit_fle_keystore_acquire(NULL) == NULL);
}

typedef struct {
    seckit_fle_decryptor *d;
    int rc;
    seckit_error e;
} setup_arg;

static void *adder(void *p)
{
    setup_arg *a = p;
    a->rc = seckit_fle_decryptor_add_key(a->d, "FLEDemo", "RotatedKey", priv2, priv2_len,
                                         SECKIT_RSA_OAEP_SHA256, &a->e);
    return NULL;
}

static void *first_decrypt(void *p)
{
    setup_arg *a = p;
    a->rc = decrypts(a->d, &a->e) ? 0 : -1;
    return NULL;
}

/* add_key racing the first decryption on another thread: the key is
 * either added before the seal or refused, never a torn key array. */
static void test_add_key_races_first_decrypt(void)
{
    int added = 0, refused = 0;
    for (int r = 0; r < SETUP_ROUNDS; r++) {
        seckit_fle_decryptor *d = make_decryptor(0, &err);
        CHECK_MSG(d != NULL, "%s", err.message);
        if (d == NULL)
            return;
        setup_arg a, b;
        memset(&a, 0, sizeof(a));
        memset(&b, 0, sizeof(b));
        a.d = b.d = d;
        pthread_t ta, tb;
        CHECK(pthread_create(&ta, NULL, adder, &a) == 0);
        CHECK(pthread_create(&tb, NULL, first_decrypt, &b) == 0);
        pthread_join(ta, NULL);
        pthread_join(tb, NULL);
        CHECK_MSG(b.rc == 0, "decryption failed: %s", b.e.message);
        CHECK_MSG(a.rc == 0 || (a.rc == SECKIT_EINVAL && strstr(a.e.message, "sealed")),
                  "add_key: %d %s", a.rc, a.e.message);
        CHECK(seckit_fle_decryptor_key_count(d) == (a.rc == 0 ? 2u : 1u));
        added += a.rc == 0;
        refused += a.rc != 0;
        seckit_fle_decryptor_unref(d);
    }
    printf("# add_key before the seal: %d, refused after it: %d\n", added, refused);
}

/* Reference counting on its own: ref/unref/seal and the old free name. */
static void test_refcount(void)
{
    seckit_fle_decryptor *d = make_decryptor(0, &err);
    CHECK_MSG(d != NULL, "%s", err.message);
    if (d == NULL)
        return;
    CHECK(!seckit_fle_decryptor_is_sealed(d));
    CHECK(seckit_fle_decryptor_ref(d) == d);
    seckit_fle_decryptor_free(d); /* drops one of two references */
    CHECK(seckit_fle_decryptor_key_count(d) == 1);
    seckit_fle_decryptor_seal(d);
    seckit_fle_decryptor_seal(d);
    CHECK(seckit_fle_decryptor_is_sealed(d));
    CHECK_RC(seckit_fle_decryptor_add_key(d, "FLEDemo", "RotatedKey", priv2, priv2_len,
                                          SECKIT_RSA_OAEP_SHA256, &err),
             SECKIT_EINVAL);
    CHECK(decrypts(d, &err));
    seckit_fle_decryptor_unref(d);
    CHECK(seckit_fle_decryptor_ref(NULL) == NULL);
    seckit_fle_decryptor_unref(NULL);
    seckit_fle_keystore *ks = NULL;
    CHECK_RC(seckit_fle_keystore_new(&ks, NULL, &err), SECKIT_EINVAL);
    seckit_fle_keystore_free(NULL);
}

int main(void)
{
    TEST_INIT();
    if (seckit_rsa_keygen(&priv1, &priv1_len, &pub1, &pub1_len, 2048, &err) != 0 ||
        seckit_rsa_keygen(&priv2, &priv2_len, &pub2, &pub2_len, 2048, &err) != 0) {
        printf("FAIL keygen: %s\n", err.message);
        return 1;
    }
    seckit_fle_profile *p = NULL;
    const char *pats[] = {"Phone"};
    if (seckit_fle_profile_new(&p, pub1, pub1_len, "FLEDemo", "DemoPublicKey", pats, 1, &err) !=
            0 ||
        seckit_fle_encrypt_value(p, &value, &value_len, "Phone", secret_text, strlen(secret_text),
                                 &err) != 0) {
        printf("FAIL encrypt: %s\n", err.message);
        return 1;
    }
    seckit_fle_profile_free(p);
    TEST(test_refcount);
    TEST(test_add_key_races_first_decrypt);
    TEST(test_keystore_rotation);
    free(value);
    seckit_secret_free(priv1);
    seckit_secret_free(priv2);
    free(pub1);
    free(pub2);
    TEST_EXIT();
}
