/* Corpus replayer for a libFuzzer target, run by `make check` in every build.
 * For each corpus file: the file itself, every truncation, and a fixed set of
 * single-bit flips are fed to LLVMFuzzerTestOneInput.  Prints one PASS line
 * per file (a crash aborts the program, which the runner reports).
 *
 * After --whole, folders hold the inputs that long fuzzing runs found
 * (tests/fuzz/found/): hundreds of files, each fed once as it is, with one
 * PASS line per folder. */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The file's bytes in *out (malloc'd), or NULL after printing FAIL. */
static uint8_t *read_file(const char *path, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        printf("FAIL %s: cannot open\n", path);
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    size_t n;
    while (buf != NULL && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            uint8_t *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf == NULL)
        printf("FAIL %s: out of memory\n", path);
    *out_len = len;
    return buf;
}

/* The file fed once, in an allocation of exactly its size. */
static int replay_whole(const char *path)
{
    size_t len;
    uint8_t *buf = read_file(path, &len);
    if (buf == NULL)
        return 1;
    uint8_t *copy = malloc(len ? len : 1);
    if (copy != NULL) {
        memcpy(copy, buf, len);
        LLVMFuzzerTestOneInput(copy, len);
    }
    free(copy);
    free(buf);
    return 0;
}

static int replay_file(const char *path)
{
    size_t len;
    uint8_t *buf = read_file(path, &len);
    if (buf == NULL)
        return 1;
    for (size_t t = 0; t <= len; t++) {
        /* A fresh allocation of exactly t bytes so overreads are caught. */
        uint8_t *copy = malloc(t ? t : 1);
        memcpy(copy, buf, t);
        LLVMFuzzerTestOneInput(copy, t);
        free(copy);
    }
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, buf, len);
    size_t step = len > 512 ? len * 8 / 512 : 1;
    for (size_t bit = 0; bit < len * 8; bit += step) {
        copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        LLVMFuzzerTestOneInput(copy, len);
        copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    free(copy);
    free(buf);
    const char *base = strrchr(path, '/');
    printf("PASS replay %s\n", base ? base + 1 : path);
    return 0;
}

int main(int argc, char **argv)
{
    int failed = 0, whole = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--whole") == 0) {
            whole = 1;
            continue;
        }
        DIR *d = opendir(argv[i]);
        if (d == NULL) {
            failed |= whole ? replay_whole(argv[i]) : replay_file(argv[i]);
            continue;
        }
        struct dirent *e;
        char **names = NULL;
        size_t count = 0;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char **nn = realloc(names, (count + 1) * sizeof(*names));
            if (nn == NULL)
                break;
            names = nn;
            size_t plen = strlen(argv[i]) + strlen(e->d_name) + 2;
            names[count] = malloc(plen);
            snprintf(names[count], plen, "%s/%s", argv[i], e->d_name);
            count++;
        }
        closedir(d);
        int dir_failed = 0;
        for (size_t k = 0; k < count; k++) {
            dir_failed |= whole ? replay_whole(names[k]) : replay_file(names[k]);
            free(names[k]);
        }
        free(names);
        if (count == 0) {
            printf("FAIL %s: empty corpus\n", argv[i]);
            dir_failed = 1;
        } else if (whole && !dir_failed) {
            printf("PASS %s: %zu found inputs, each fed once\n", argv[i], count);
        }
        failed |= dir_failed;
    }
    return failed;
}
