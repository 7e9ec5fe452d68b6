/* In-memory ESDK decrypt throughput through libseckit's streaming API (no
 * file I/O): built and run by tests/bench/bench-esdk.sh, not by make check.
 * Usage: bench_esdk_lib MIB SUITE(hex) -> prints bytes per CPU second. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "seckit/esdk.h"
#include "seckit/version.h"

static int null_write(void *user, const uint8_t *p, size_t n, seckit_error *err)
{
    (void)p;
    (void)err;
    *(size_t *)user += n;
    return 0;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 256;
    uint16_t suite = argc > 2 ? (uint16_t)strtoul(argv[2], NULL, 16) : 0x0478;
    size_t n = mib << 20;
    uint8_t key[32] = {1, 2, 3};
    seckit_error err;
    seckit_keyring *kr;
    if (seckit_keyring_raw_aes_new(&kr, "bench", "k", key, 32, &err) != 0)
        return fprintf(stderr, "%s\n", err.message), 1;
    uint8_t *pt = calloc(1, n), *ct;
    size_t ct_len;
    seckit_esdk_options o;
    o = (seckit_esdk_options)SECKIT_ESDK_OPTIONS_INIT;
    o.suite = suite;
    o.frame_length = 4096;
    o.commitment_policy = suite >= 0x0478 ? SECKIT_ESDK_REQUIRE_ENCRYPT_ALLOW_DECRYPT
                                          : SECKIT_ESDK_FORBID_ENCRYPT_ALLOW_DECRYPT;
    if (pt == NULL || seckit_esdk_encrypt(kr, &ct, &ct_len, &o, NULL, pt, n, &err) != 0)
        return fprintf(stderr, "encrypt: %s\n", err.message), 1;
    free(pt);
    double best = 0;
    for (int run = 0; run < 3; run++) {
        size_t got = 0;
        seckit_esdk_decryptor *d;
        double t0 = cpu_now();
        int rc = seckit_esdk_decryptor_new(&d, kr, &o, null_write, &got, &err);
        for (size_t off = 0; rc == 0 && off < ct_len; off += 262144)
            rc = seckit_esdk_decryptor_update(d, ct + off,
                                              ct_len - off < 262144 ? ct_len - off : 262144, &err);
        if (rc == 0)
            rc = seckit_esdk_decryptor_finish(d, &err);
        double t1 = cpu_now();
        seckit_esdk_decryptor_free(d);
        if (rc != 0 || got != n)
            return fprintf(stderr, "decrypt: %s\n", err.message), 1;
        double rate = (double)n / (t1 - t0);
        if (rate > best)
            best = rate;
    }
    printf("%.0f\n", best);
    free(ct);
    seckit_keyring_free(kr);
    return 0;
}
