/* libFuzzer target: the S3 client-side encryption metadata and
 * instruction-file parsers (crypto/s3cse_meta.c), the RFC 2047 decoder the
 * metadata values go through (seckit_s3_meta_value_decode) and the
 * decryptor's envelope checks up to the key unwrap.
 *
 * Input: object metadata as "name=value" lines, then optionally a NUL byte
 * and an instruction file.  Properties: no crash or leak; an instruction
 * file that parses serialises to JSON that parses to the same pairs;
 * detect, describe and decryptor_new agree on whether the envelope is
 * well-formed. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "seckit/s3.h"
#include "seckit/s3cse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PAIRS 32

static int no_kms(void *ctx, const char *key_id, const uint8_t *blob, size_t blob_len,
                  const seckit_s3cse_kv *ec, size_t n_ec, uint8_t key[32], seckit_error *err)
{
    (void)ctx, (void)key_id, (void)blob, (void)blob_len, (void)ec, (void)n_ec, (void)key;
    return seckit_error_set(err, SECKIT_EAUTH, "no");
}

static const seckit_s3cse_kms_ops ops = {NULL, no_kms, NULL, NULL};

static void check_instruction(const char *p, size_t n)
{
    seckit_s3cse_kv *kv = NULL, *kv2 = NULL;
    size_t count = 0, count2 = 0, jl = 0;
    char *json = NULL;
    seckit_error err;
    if (seckit_s3cse_instruction_parse(&kv, &count, p, n, &err) != 0)
        return;
    if (seckit_s3cse_instruction_serialize(&json, &jl, kv, count, &err) != 0 ||
        seckit_s3cse_instruction_parse(&kv2, &count2, json, jl, &err) != 0 || count2 != count)
        abort();
    for (size_t i = 0; i < count; i++)
        if (strcmp(kv[i].name, kv2[i].name) != 0 || strcmp(kv[i].value, kv2[i].value) != 0)
            abort();
    free(json);
    seckit_s3cse_kv_free(kv, count);
    seckit_s3cse_kv_free(kv2, count2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 17)
        return 0;
    const uint8_t *nul = memchr(data, 0, size);
    size_t mlen = nul ? (size_t)(nul - data) : size;
    const char *instr = nul ? (const char *)nul + 1 : NULL;
    size_t ilen = nul ? size - mlen - 1 : 0;
    if (instr != NULL)
        check_instruction(instr, ilen);

    /* metadata lines */
    char *text = malloc(mlen + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, mlen);
    text[mlen] = '\0';
    seckit_s3cse_kv kv[MAX_PAIRS];
    size_t n = 0;
    for (char *line = text, *next; line != NULL && n < MAX_PAIRS; line = next) {
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        char *eq = strchr(line, '=');
        if (eq == NULL)
            continue;
        *eq = '\0';
        kv[n].name = line;
        kv[n].value = eq + 1;
        n++;
    }

    seckit_error err;
    /* the decoder never fails on input (a value that is not only encoded
     * words comes back as is) and never makes a value longer than 4x */
    for (size_t i = 0; i < n; i++) {
        char *dec = NULL;
        if (seckit_s3_meta_value_decode(&dec, kv[i].value, &err) != 0 || dec == NULL ||
            strlen(dec) > 4 * strlen(kv[i].value) + 16)
            abort();
        free(dec);
    }
    seckit_s3cse_location loc;
    int drc = seckit_s3cse_detect(&loc, kv, n, &err);
    seckit_s3cse_info info;
    int rc = seckit_s3cse_describe(&info, kv, n, instr, ilen, &err);
    if (rc == 0) {
        if (drc != 0 || info.location != loc)
            abort();
        seckit_s3cse_info_free(&info);
    }

    static const uint8_t aes_key[32] = {1, 2, 3};
    seckit_s3cse_keyring *aes = NULL, *kms = NULL, *multi = NULL;
    if (seckit_s3cse_keyring_aes_new(&aes, aes_key, sizeof(aes_key), NULL, 0, &err) == 0 &&
        seckit_s3cse_keyring_kms_discovery_new(&kms, &ops, NULL, &err) == 0) {
        seckit_s3cse_keyring *kids[2] = {aes, kms};
        if (seckit_s3cse_keyring_multi_new(&multi, kids, 2, &err) == 0) {
            seckit_s3cse_options o;
            o = (seckit_s3cse_options)SECKIT_S3CSE_OPTIONS_INIT;
            o.security_profile = SECKIT_S3CSE_PROFILE_V2_AND_LEGACY;
            o.commitment_policy = SECKIT_S3CSE_REQUIRE_ENCRYPT_ALLOW_DECRYPT;
            seckit_s3cse_decryptor *d = NULL;
            int r2 = seckit_s3cse_decryptor_new(&d, &o, multi, kv, n, instr, ilen, &err);
            /* a malformed envelope must never get as far as a decryptor */
            if (r2 == 0 && rc != 0)
                abort();
            seckit_s3cse_decryptor_free(d);
        }
    }
    seckit_s3cse_keyring_free(multi);
    seckit_s3cse_keyring_free(aes);
    seckit_s3cse_keyring_free(kms);
    free(text);
    return 0;
}
