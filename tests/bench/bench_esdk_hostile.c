/* Hostile-header benchmark driver for tests/bench/bench-esdk-hostile.sh (not
 * run by make check).  Uses only the public API, so it also builds against
 * older libseckit versions for before/after numbers.
 *
 *   bench_esdk_hostile make-hostile FILE EDKS CT_LEN CTX_LEN
 *       write a v2 message header with EDKS encrypted data keys of CT_LEN
 *       bytes each (provider "nobody": no keyring matches) and a CTX_LEN-byte
 *       encryption context field, then a few body bytes;
 *   bench_esdk_hostile make-normal FILE AES_KEY_FILE BYTES
 *       encrypt BYTES of plaintext with a raw AES keyring (namespace bench,
 *       name k; suite 0x0478, 4 KiB frames);
 *   bench_esdk_hostile lib FILE AES_KEY_FILE MAX_EDKS
 *       decrypt FILE with the streaming API fed in 4 KiB chunks (MAX_EDKS 0 =
 *       the library default; anything else also lifts the header limit to
 *       64 MiB) and print "SECONDS RESULT" (CPU seconds, 0 or the error). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "seckit/esdk.h"
#include "seckit/version.h"

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
    if (b == NULL || fread(b, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(b);
        return NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

static int spill(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    int ok = fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static void put16(uint8_t **p, size_t v)
{
    (*p)[0] = (uint8_t)(v >> 8);
    (*p)[1] = (uint8_t)v;
    *p += 2;
}

static int make_hostile(const char *path, size_t edks, size_t ct_len, size_t ctx_len)
{
    size_t len =
        1 + 2 + 32 + 2 + ctx_len + 2 + edks * (2 + 6 + 2 + 3 + 2 + ct_len) + 1 + 4 + 32 + 16 + 64;
    uint8_t *b = calloc(1, len), *p = b;
    if (b == NULL)
        return 1;
    *p++ = 2;
    *p++ = 0x04;
    *p++ = 0x78;
    memset(p, 0xA5, 32);
    p += 32;
    put16(&p, ctx_len);
    if (ctx_len >= 2) { /* one pair filling the field: "k" = "vvv..." */
        put16(&p, 1);
        if (ctx_len >= 7) {
            put16(&p, 1);
            *p++ = 'k';
            put16(&p, ctx_len - 7);
            memset(p, 'v', ctx_len - 7);
            p += ctx_len - 7;
        } else {
            p += ctx_len - 2;
        }
    } else {
        p += ctx_len;
    }
    put16(&p, edks);
    for (size_t i = 0; i < edks; i++) {
        put16(&p, 6);
        memcpy(p, "nobody", 6);
        p += 6;
        put16(&p, 3);
        memcpy(p, "key", 3);
        p += 3;
        put16(&p, ct_len);
        memset(p, (int)(i & 0xFF), ct_len);
        p += ct_len;
    }
    *p++ = 2;
    p[3] = 0x10;
    p += 4;
    memset(p, 0x11, 48);
    p += 48 + 64;
    int rc = spill(path, b, (size_t)(p - b));
    free(b);
    return rc != 0;
}

static int aes_keyring(const char *key_path, seckit_keyring **kr)
{
    size_t n;
    seckit_error err;
    uint8_t *key = slurp(key_path, &n);
    if (key == NULL)
        return -1;
    int rc = seckit_keyring_raw_aes_new(kr, "bench", "k", key, n, &err);
    free(key);
    if (rc != 0)
        fprintf(stderr, "keyring: %s\n", err.message);
    return rc;
}

static int null_write(void *user, const uint8_t *p, size_t n, seckit_error *err)
{
    (void)user;
    (void)p;
    (void)n;
    (void)err;
    return 0;
}

int main(int argc, char **argv)
{
    seckit_error err;
    seckit_keyring *kr = NULL;
    if (argc == 6 && strcmp(argv[1], "make-hostile") == 0)
        return make_hostile(argv[2], strtoul(argv[3], NULL, 10), strtoul(argv[4], NULL, 10),
                            strtoul(argv[5], NULL, 10));
    if (argc == 5 && strcmp(argv[1], "make-normal") == 0) {
        size_t n = strtoul(argv[4], NULL, 10), ct_len;
        uint8_t *pt = calloc(1, n ? n : 1), *ct;
        seckit_esdk_options o;
        o = (seckit_esdk_options)SECKIT_ESDK_OPTIONS_INIT;
        if (pt == NULL || aes_keyring(argv[3], &kr) != 0)
            return 1;
        if (seckit_esdk_encrypt(kr, &ct, &ct_len, &o, NULL, pt, n, &err) != 0) {
            fprintf(stderr, "encrypt: %s\n", err.message);
            return 1;
        }
        int rc = spill(argv[2], ct, ct_len);
        free(ct);
        free(pt);
        seckit_keyring_free(kr);
        return rc != 0;
    }
    if (argc == 5 && strcmp(argv[1], "lib") == 0) {
        size_t len;
        uint8_t *msg = slurp(argv[2], &len);
        if (msg == NULL || aes_keyring(argv[3], &kr) != 0)
            return 1;
        seckit_esdk_options o;
        o = (seckit_esdk_options)SECKIT_ESDK_OPTIONS_INIT;
        o.commitment_policy = SECKIT_ESDK_REQUIRE_ENCRYPT_ALLOW_DECRYPT;
        unsigned long m = strtoul(argv[4], NULL, 10);
        if (m > 0) {
            o.max_encrypted_data_keys = (uint32_t)m;
            o.max_header_len = (size_t)64 << 20;
        }
        double best = 1e9;
        int result = 0;
        for (int run = 0; run < 3; run++) {
            seckit_esdk_decryptor *d;
            if (seckit_esdk_decryptor_new(&d, kr, &o, null_write, NULL, &err) != 0)
                return 1;
            double t0 = cpu_now();
            int rc = 0;
            for (size_t off = 0; off < len && rc == 0; off += 4096)
                rc = seckit_esdk_decryptor_update(d, msg + off, len - off < 4096 ? len - off : 4096,
                                                  &err);
            if (rc == 0)
                rc = seckit_esdk_decryptor_finish(d, &err);
            double t = cpu_now() - t0;
            seckit_esdk_decryptor_free(d);
            if (t < best)
                best = t;
            result = rc;
        }
        printf("%.4f %d\n", best, result);
        free(msg);
        seckit_keyring_free(kr);
        return 0;
    }
    fprintf(stderr, "usage: see the comment at the top of bench_esdk_hostile.c\n");
    return 2;
}
