/* S3 client-side encryption through libseckit's streaming API, in memory
 * (no file or network I/O): built and run by tests/bench/bench-s3cse.sh,
 * not by make check.
 *
 *   bench_s3cse_lib speed MIB   encrypt, then decrypt, MIB MiB in place in
 *                               256 KiB pieces (V3, AES-256 key); prints
 *                               "ENC DEC" in bytes per CPU second (best of 3)
 *   bench_s3cse_lib stream MIB  encrypt MIB MiB made on the fly and decrypt
 *                               the ciphertext as it comes, 1 MiB at a time
 *                               (what a cp up and down holds); prints the
 *                               peak RSS in KiB and checks the tag */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "seckit/s3cse.h"

#define PIECE 262144

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what, const seckit_error *err)
{
    fprintf(stderr, "bench_s3cse_lib: %s: %s\n", what, err->message);
    return 1;
}

static int speed(seckit_s3cse_keyring *kr, size_t mib)
{
    size_t n = mib << 20;
    uint8_t *buf = malloc(n + 16), tag[16], out[16];
    if (buf == NULL)
        return fprintf(stderr, "out of memory\n"), 1;
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)(i * 131);
    double best_e = 0, best_d = 0;
    seckit_error err;
    for (int run = 0; run < 3; run++) {
        seckit_s3cse_meta meta;
        seckit_s3cse_encryptor *e;
        double t0 = cpu_now();
        if (seckit_s3cse_encryptor_new(&e, &meta, NULL, kr, &err) != 0)
            return fail("encryptor", &err);
        for (size_t off = 0; off < n; off += PIECE)
            if (seckit_s3cse_encryptor_update(e, buf + off, buf + off,
                                              n - off < PIECE ? n - off : PIECE, &err) != 0)
                return fail("encrypt", &err);
        if (seckit_s3cse_encryptor_final(e, tag, &err) != 0)
            return fail("final", &err);
        double t1 = cpu_now();
        seckit_s3cse_encryptor_free(e);
        memcpy(buf + n, tag, 16);
        seckit_s3cse_decryptor *d;
        size_t w, total = 0;
        double t2 = cpu_now();
        if (seckit_s3cse_decryptor_new(&d, NULL, kr, meta.kv, meta.count, NULL, 0, &err) != 0)
            return fail("decryptor", &err);
        /* in place: out trails in by the 16 bytes held back */
        for (size_t off = 0; off < n + 16; off += PIECE) {
            size_t c = n + 16 - off < PIECE ? n + 16 - off : PIECE;
            if (seckit_s3cse_decryptor_update(d, buf + total, &w, buf + off, c, &err) != 0)
                return fail("decrypt", &err);
            total += w;
        }
        if (seckit_s3cse_decryptor_final(d, out, &w, &err) != 0 || total != n)
            return fail("decrypt final", &err);
        double t3 = cpu_now();
        seckit_s3cse_decryptor_free(d);
        seckit_s3cse_meta_free(&meta);
        double re = (double)n / (t1 - t0), rd = (double)n / (t3 - t2);
        if (re > best_e)
            best_e = re;
        if (rd > best_d)
            best_d = rd;
    }
    free(buf);
    printf("%.0f %.0f\n", best_e, best_d);
    return 0;
}

static int stream(seckit_s3cse_keyring *kr, size_t mib)
{
    const size_t chunk = 1 << 20;
    uint8_t *pt = malloc(chunk), *ct = malloc(chunk + 16), *back = malloc(chunk + 32);
    uint8_t tag[16], out[16];
    seckit_error err;
    seckit_s3cse_meta meta;
    seckit_s3cse_encryptor *e;
    seckit_s3cse_decryptor *d;
    if (pt == NULL || ct == NULL || back == NULL)
        return fprintf(stderr, "out of memory\n"), 1;
    if (seckit_s3cse_encryptor_new(&e, &meta, NULL, kr, &err) != 0)
        return fail("encryptor", &err);
    if (seckit_s3cse_decryptor_new(&d, NULL, kr, meta.kv, meta.count, NULL, 0, &err) != 0)
        return fail("decryptor", &err);
    uint64_t total = 0;
    size_t w;
    for (size_t i = 0; i < mib; i++) {
        memset(pt, (int)(i & 0xff), chunk);
        if (seckit_s3cse_encryptor_update(e, ct, pt, chunk, &err) != 0 ||
            seckit_s3cse_decryptor_update(d, back, &w, ct, chunk, &err) != 0)
            return fail("stream", &err);
        total += w;
    }
    if (seckit_s3cse_encryptor_final(e, tag, &err) != 0 ||
        seckit_s3cse_decryptor_update(d, back, &w, tag, 16, &err) != 0)
        return fail("stream end", &err);
    total += w;
    if (seckit_s3cse_decryptor_final(d, out, &w, &err) != 0 || total != (uint64_t)mib << 20)
        return fail("tag", &err);
    seckit_s3cse_encryptor_free(e);
    seckit_s3cse_decryptor_free(d);
    seckit_s3cse_meta_free(&meta);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%ld\n", ru.ru_maxrss);
    free(pt);
    free(ct);
    free(back);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return fprintf(stderr, "usage: bench_s3cse_lib speed|stream MIB\n"), 2;
    size_t mib = strtoul(argv[2], NULL, 10);
    uint8_t key[32] = {7, 7, 7};
    seckit_error err;
    seckit_s3cse_keyring *kr;
    if (seckit_s3cse_keyring_aes_new(&kr, key, sizeof(key), NULL, 0, &err) != 0)
        return fail("keyring", &err);
    int rc = strcmp(argv[1], "speed") == 0 ? speed(kr, mib) : stream(kr, mib);
    seckit_s3cse_keyring_free(kr);
    return rc;
}
