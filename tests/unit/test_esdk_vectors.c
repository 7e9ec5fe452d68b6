/* ESDK decrypt test vectors (aws-encryption-sdk-dafny 4.1.0 manifest):
 * every raw RSA, raw AES, multi-keyring and required-encryption-context
 * vector must decrypt to its plaintext; each one, changed (one bit flipped
 * in the body, truncated), must fail.  KMS / ECDH / hierarchy vectors are
 * reported as SKIP (no AWS KMS here).  The copy in tests/data/esdk-dafny is
 * always run; the full set from $SECKIT_SHARED/vectors/esdk-dafny too when
 * present. */
#include "config.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seckit/seckit.h"
#include "testlib.h"

static uint8_t *read_all(const char *path, size_t *len)
{
    uint8_t *p = NULL;
    seckit_error err;
    if (seckit_file_read(&p, len, path, 64u << 20, &err) != 0)
        return NULL;
    return p;
}

static cJSON *read_json(const char *path)
{
    size_t n;
    uint8_t *p = read_all(path, &n);
    if (p == NULL)
        return NULL;
    cJSON *j = cJSON_ParseWithLength((const char *)p, n);
    free(p);
    return j;
}

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Build a keyring from a key description; 1 = unsupported (skip). */
static int make_keyring(const cJSON *keys, const cJSON *desc, seckit_keyring **out, char *why,
                        size_t whylen)
{
    const char *type = jstr(desc, "type");
    seckit_error err;
    *out = NULL;
    if (type == NULL)
        return snprintf(why, whylen, "no type"), -1;
    if (strcmp(type, "multi-keyring") == 0) {
        seckit_keyring *gen = NULL, *kids[16];
        size_t n = 0;
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(desc, "generator");
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(desc, "childKeyrings");
        int rc = 0;
        if (g != NULL && (rc = make_keyring(keys, g, &gen, why, whylen)) != 0)
            return rc;
        const cJSON *it;
        cJSON_ArrayForEach(it, c)
        {
            if (n == 16 || (rc = make_keyring(keys, it, &kids[n], why, whylen)) != 0)
                break;
            n++;
        }
        if (rc == 0 && seckit_keyring_multi_new(out, gen, kids, n, &err) != 0) {
            snprintf(why, whylen, "multi: %s", err.message);
            rc = -1;
        }
        seckit_keyring_free(gen);
        for (size_t i = 0; i < n; i++)
            seckit_keyring_free(kids[i]);
        return rc;
    }
    if (strcmp(type, "required-encryption-context-cmm") == 0)
        return make_keyring(keys, cJSON_GetObjectItemCaseSensitive(desc, "underlying"), out, why,
                            whylen);
    if (strcmp(type, "raw") != 0) {
        snprintf(why, whylen, "%s", type);
        return 1;
    }
    const char *keyname = jstr(desc, "key"), *provider = jstr(desc, "provider-id");
    const char *alg = jstr(desc, "encryption-algorithm");
    const cJSON *k =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(keys, "keys"),
                                         keyname ? keyname : "");
    const char *material = jstr(k, "material"), *key_id = jstr(k, "key-id");
    if (provider == NULL || alg == NULL || material == NULL || key_id == NULL)
        return snprintf(why, whylen, "incomplete raw key description"), -1;
    if (strcmp(alg, "aes") == 0) {
        uint8_t raw[64];
        size_t n;
        if (seckit_base64_decode(raw, sizeof(raw), &n, material, strlen(material),
                                 SECKIT_BASE64_STANDARD, &err) != 0 ||
            seckit_keyring_raw_aes_new(out, provider, key_id, raw, n, &err) != 0)
            return snprintf(why, whylen, "aes key: %s", err.message), -1;
        return 0;
    }
    const char *pad = jstr(desc, "padding-algorithm"), *hash = jstr(desc, "padding-hash");
    seckit_rsa_padding p = SECKIT_RSA_PKCS1;
    if (pad != NULL && strcmp(pad, "oaep-mgf1") == 0) {
        char name[32];
        snprintf(name, sizeof(name), "oaep-%s", hash ? hash : "sha1");
        if (seckit_rsa_padding_parse(&p, name, &err) != 0)
            return snprintf(why, whylen, "padding %s", name), -1;
    }
    if (seckit_keyring_raw_rsa_new(out, provider, key_id, p, (const uint8_t *)material,
                                   strlen(material), &err) != 0)
        return snprintf(why, whylen, "rsa key: %s", err.message), -1;
    return 0;
}

static int run_manifest(const char *dir, const char *label, int mutate)
{
    char path[4096], why[512];
    snprintf(path, sizeof(path), "%s/decrypt-manifest.json", dir);
    cJSON *m = read_json(path);
    snprintf(path, sizeof(path), "%s/keys.json", dir);
    cJSON *keys = read_json(path);
    tl_current = label;
    tl_current_failed = 0;
    if (m == NULL || keys == NULL) {
        CHECK_MSG(0, "cannot read the manifest or keys in %s", dir);
        cJSON_Delete(m);
        cJSON_Delete(keys);
        return -1;
    }
    int passed = 0, skipped = 0, neg = 0;
    char skipped_types[512] = "";
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(m, "tests"))
    {
        const cJSON *sc = cJSON_GetObjectItemCaseSensitive(t, "decryption-scenario");
        const cJSON *desc = cJSON_GetObjectItemCaseSensitive(sc, "decryptKeyDescription");
        seckit_keyring *kr = NULL;
        int rc = make_keyring(keys, desc, &kr, why, sizeof(why));
        if (rc == 1) {
            skipped++;
            char item[80];
            snprintf(item, sizeof(item), "[%s]", why);
            if (strstr(skipped_types, item) == NULL &&
                strlen(skipped_types) + strlen(item) + 1 < sizeof(skipped_types))
                strcat(skipped_types, item);
            continue;
        }
        if (rc != 0) {
            CHECK_MSG(0, "%s: %s", t->string, why);
            continue;
        }
        const char *ct_uri = jstr(sc, "ciphertext"), *pt_uri = jstr(sc, "result");
        size_t ct_len = 0, pt_len = 0;
        snprintf(path, sizeof(path), "%s/%s", dir, ct_uri ? ct_uri + 7 : "");
        uint8_t *ct = read_all(path, &ct_len);
        snprintf(path, sizeof(path), "%s/%s", dir, pt_uri ? pt_uri + 7 : "");
        uint8_t *pt = read_all(path, &pt_len);
        /* Reproduced encryption context. */
        seckit_esdk_pair pairs[16];
        seckit_esdk_context repro = {pairs, 0};
        const cJSON *rp;
        cJSON_ArrayForEach(rp,
                           cJSON_GetObjectItemCaseSensitive(sc, "reproduced-encryption-context"))
        {
            if (repro.count < 16 && cJSON_IsString(rp)) {
                pairs[repro.count].key = rp->string;
                pairs[repro.count].key_len = strlen(rp->string);
                pairs[repro.count].value = rp->valuestring;
                pairs[repro.count].value_len = strlen(rp->valuestring);
                repro.count++;
            }
        }
        seckit_esdk_options o;
        o = (seckit_esdk_options)SECKIT_ESDK_OPTIONS_INIT;
        o.commitment_policy = SECKIT_ESDK_REQUIRE_ENCRYPT_ALLOW_DECRYPT;
        o.reproduced_context = repro.count ? &repro : NULL;
        seckit_error err;
        seckit_error_clear(&err);
        uint8_t *out = NULL;
        size_t out_len = 0;
        seckit_esdk_info info;
        if (ct == NULL || pt == NULL) {
            CHECK_MSG(0, "%s: cannot read ciphertext or plaintext", t->string);
        } else if ((rc = seckit_esdk_decrypt(kr, &out, &out_len, &info, &o, ct, ct_len, &err)) !=
                   0) {
            CHECK_MSG(0, "%s (%s, %s): %s", t->string, jstr(sc, "algorithmSuiteId"),
                      jstr(sc, "description"), err.message);
        } else {
            char suite[8];
            snprintf(suite, sizeof(suite), "%04x", info.suite);
            const char *want = jstr(sc, "algorithmSuiteId");
            if (out_len != pt_len || memcmp(out, pt, pt_len) != 0)
                CHECK_MSG(0, "%s: plaintext differs", t->string);
            else if (want != NULL && strcasecmp(suite, want) != 0)
                CHECK_MSG(0, "%s: suite %s, manifest says %s", t->string, suite, want);
            else
                passed++;
            seckit_esdk_info_free(&info);
            seckit_secret_free(out);
            if (mutate) {
                /* Negative variants: a flipped bit in the last 40 bytes and a
                 * truncation by one byte must both fail. */
                uint8_t *bad = malloc(ct_len);
                memcpy(bad, ct, ct_len);
                bad[ct_len - 1 - (neg % 40)] ^= (uint8_t)(1u << (neg % 8));
                rc = seckit_esdk_decrypt(kr, &out, &out_len, NULL, &o, bad, ct_len, &err);
                CHECK_MSG(rc != 0 && out == NULL, "%s: bit flip not detected", t->string);
                rc = seckit_esdk_decrypt(kr, &out, &out_len, NULL, &o, ct, ct_len - 1, &err);
                CHECK_MSG(rc != 0 && out == NULL, "%s: truncation not detected", t->string);
                free(bad);
                neg += 2;
            }
        }
        free(ct);
        free(pt);
        seckit_keyring_free(kr);
    }
    if (tl_current_failed == 0)
        printf("PASS %s: %d vectors decrypted, %d negative variants refused\n", label, passed, neg);
    else
        tl_failed_total++;
    if (skipped > 0)
        printf("SKIP %s_kms: %d vectors need keyrings out of scope here (%s): no AWS KMS or "
               "ECDH keyrings in this build\n",
               label, skipped, skipped_types);
    cJSON_Delete(m);
    cJSON_Delete(keys);
    return passed;
}

int main(void)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/data/esdk-dafny", tl_data_dir());
    run_manifest(dir, "esdk_dafny_vectors", 1);
    const char *shared = getenv("SECKIT_SHARED");
    if (shared != NULL && shared[0] != '\0') {
        snprintf(dir, sizeof(dir), "%s/vectors/esdk-dafny", shared);
        FILE *f;
        char probe[4200];
        snprintf(probe, sizeof(probe), "%s/decrypt-manifest.json", dir);
        if ((f = fopen(probe, "r")) != NULL) {
            fclose(f);
            run_manifest(dir, "esdk_dafny_vectors_full", 0);
        } else {
            SKIP("esdk_dafny_vectors_full", "%s has no esdk-dafny vectors", shared);
        }
    } else {
        SKIP("esdk_dafny_vectors_full", "SECKIT_SHARED not set (the local copy was run)");
    }
    TEST_EXIT();
}
