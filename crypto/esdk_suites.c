/* ESDK algorithm suites, commitment policies and options (SPEC
 * framework/algorithm-suites.md, framework/commitment-policy.md). */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "crypto/esdk_internal.h"
#include "src/base/guard.h"
#include "src/base/options.h"

static const skt_esdk_suite suites[] = {
    {0x0014, 1, 16, SKT_HASH_NONE, SKT_HASH_NONE, NULL, 0, 0, 1u << 0,
     "AES_128_GCM_IV12_TAG16_NO_KDF"},
    {0x0046, 1, 24, SKT_HASH_NONE, SKT_HASH_NONE, NULL, 0, 0, 1u << 1,
     "AES_192_GCM_IV12_TAG16_NO_KDF"},
    {0x0078, 1, 32, SKT_HASH_NONE, SKT_HASH_NONE, NULL, 0, 0, 1u << 2,
     "AES_256_GCM_IV12_TAG16_NO_KDF"},
    {0x0114, 1, 16, SKT_HASH_SHA256, SKT_HASH_NONE, NULL, 0, 0, 1u << 3, "AES_128_GCM_HKDF_SHA256"},
    {0x0146, 1, 24, SKT_HASH_SHA256, SKT_HASH_NONE, NULL, 0, 0, 1u << 4, "AES_192_GCM_HKDF_SHA256"},
    {0x0178, 1, 32, SKT_HASH_SHA256, SKT_HASH_NONE, NULL, 0, 0, 1u << 5, "AES_256_GCM_HKDF_SHA256"},
    {0x0214, 1, 16, SKT_HASH_SHA256, SKT_HASH_SHA256, "P-256", 33, 0, 1u << 6,
     "AES_128_GCM_HKDF_SHA256_ECDSA_P256"},
    {0x0346, 1, 24, SKT_HASH_SHA384, SKT_HASH_SHA384, "P-384", 49, 0, 1u << 7,
     "AES_192_GCM_HKDF_SHA384_ECDSA_P384"},
    {0x0378, 1, 32, SKT_HASH_SHA384, SKT_HASH_SHA384, "P-384", 49, 0, 1u << 8,
     "AES_256_GCM_HKDF_SHA384_ECDSA_P384"},
    {0x0478, 2, 32, SKT_HASH_SHA512, SKT_HASH_NONE, NULL, 0, 1, 1u << 9,
     "AES_256_GCM_HKDF_SHA512_COMMIT_KEY"},
    {0x0578, 2, 32, SKT_HASH_SHA512, SKT_HASH_SHA384, "P-384", 49, 1, 1u << 10,
     "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"},
};

const skt_esdk_suite *skt_esdk_suite_find(uint16_t id)
{
    for (size_t i = 0; i < SKT_ARRAY_LEN(suites); i++)
        if (suites[i].id == id)
            return &suites[i];
    return NULL;
}

uint32_t seckit_esdk_suite_bit(uint16_t suite)
{
    const skt_esdk_suite *s = skt_esdk_suite_find(suite);
    return s != NULL ? s->bit : 0;
}

int seckit_esdk_suite_lookup(seckit_esdk_suite_info *out, uint16_t suite, seckit_error *err)
{
    const skt_esdk_suite *s = skt_esdk_suite_find(suite);
    SKT_ENSURE_ARG(out != NULL, err);
    SKT_ENSURE(s != NULL, err, SECKIT_EUNSUPPORTED, "algorithm suite 0x%04X is not an ESDK suite",
               suite);
    out->id = s->id;
    out->message_version = s->version;
    out->key_len = s->key_len;
    out->kdf = s->kdf != SKT_HASH_NONE;
    out->signs = s->sig_hash != SKT_HASH_NONE;
    out->commits = s->commits;
    out->name = s->name;
    return 0;
}

int seckit_esdk_commitment_policy_parse(seckit_esdk_commitment_policy *out, const char *s,
                                        seckit_error *err)
{
    static const struct {
        const char *name;
        seckit_esdk_commitment_policy p;
    } names[] = {
        {"require-encrypt-require-decrypt", SECKIT_ESDK_REQUIRE_ENCRYPT_REQUIRE_DECRYPT},
        {"require-encrypt-allow-decrypt", SECKIT_ESDK_REQUIRE_ENCRYPT_ALLOW_DECRYPT},
        {"forbid-encrypt-allow-decrypt", SECKIT_ESDK_FORBID_ENCRYPT_ALLOW_DECRYPT},
    };
    SKT_ENSURE_ARG(s != NULL && out != NULL, err);
    char buf[40];
    size_t n = strlen(s);
    if (n < sizeof(buf)) {
        for (size_t i = 0; i <= n; i++)
            buf[i] = s[i] == '_' ? '-' : s[i];
        for (size_t i = 0; i < SKT_ARRAY_LEN(names); i++)
            if (strcasecmp(buf, names[i].name) == 0) {
                *out = names[i].p;
                return 0;
            }
    }
    return seckit_error_set(err, SECKIT_EINVAL,
                            "unknown commitment policy (use require-encrypt-require-decrypt, "
                            "require-encrypt-allow-decrypt or forbid-encrypt-allow-decrypt)");
}

int seckit_rsa_padding_parse(seckit_rsa_padding *out, const char *s, seckit_error *err)
{
    static const struct {
        const char *name;
        seckit_rsa_padding p;
    } names[] = {
        {"pkcs1", SECKIT_RSA_PKCS1},
        {"oaep-sha1", SECKIT_RSA_OAEP_SHA1},
        {"oaep-sha256", SECKIT_RSA_OAEP_SHA256},
        {"oaep-sha384", SECKIT_RSA_OAEP_SHA384},
        {"oaep-sha512", SECKIT_RSA_OAEP_SHA512},
    };
    SKT_ENSURE_ARG(s != NULL && out != NULL, err);
    for (size_t i = 0; i < SKT_ARRAY_LEN(names); i++)
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].p;
            return 0;
        }
    return seckit_error_set(err, SECKIT_EINVAL,
                            "unknown RSA padding (use pkcs1, oaep-sha1, oaep-sha256, "
                            "oaep-sha384 or oaep-sha512)");
}

int seckit_esdk_options_init(seckit_esdk_options *opts, unsigned int version, seckit_error *err)
{
    static const seckit_esdk_options init = SECKIT_ESDK_OPTIONS_INIT;
    SKT_GUARD(skt_options_init_check(opts, version, SECKIT_ESDK_OPTIONS_VERSION,
                                     "seckit_esdk_options", err));
    *opts = init;
    return 0;
}

int skt_esdk_auth_fail(seckit_error *err)
{
    return seckit_error_set(err, SECKIT_EAUTH, SKT_ESDK_AUTH_MSG);
}

size_t skt_esdk_body_aad(uint8_t *out, const uint8_t *msg_id, size_t msg_id_len, skt_body_kind kind,
                         uint32_t seq, uint64_t len)
{
    static const char *const strs[] = {"AWSKMSEncryptionClient Single Block",
                                       "AWSKMSEncryptionClient Frame",
                                       "AWSKMSEncryptionClient Final Frame"};
    size_t n = 0, sl = strlen(strs[kind]);
    memcpy(out, msg_id, msg_id_len);
    n += msg_id_len;
    memcpy(out + n, strs[kind], sl);
    n += sl;
    for (int i = 3; i >= 0; i--)
        out[n++] = (uint8_t)(seq >> (8 * i));
    for (int i = 7; i >= 0; i--)
        out[n++] = (uint8_t)(len >> (8 * i));
    return n;
}
