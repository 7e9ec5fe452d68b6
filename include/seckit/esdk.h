/* seckit/esdk.h - AWS Encryption SDK (ESDK) messages and keyrings.
 *
 * libseckit reads and writes the ESDK message format (header versions 1 and
 * 2, all 11 algorithm suites, framed and non-framed bodies, ECDSA footers,
 * key commitment) with raw RSA, raw AES, multi and caller-defined keyrings.
 * CloudFront field-level encryption values are ESDK messages (base64).
 *
 * Conventions:
 * - Every function returns 0 or a negative SECKIT_E* code and fills the
 *   caller-owned seckit_error (may be NULL).
 * - Decryption releases plaintext only after authentication.  The one-shot
 *   seckit_esdk_decrypt returns nothing unless the whole message verified:
 *   header tag, key commitment (v2, compared in constant time before any
 *   body byte is decrypted), every frame's tag and, for signing suites, the
 *   footer's ECDSA signature.  The streaming decryptor releases each frame
 *   as soon as that frame's tag (after the header tag and commitment)
 *   verifies; for signing suites it holds back only the final frame (or a
 *   non-framed body) until the signature verifies in finish().  So with a
 *   signing suite, the frames before the last reach write() before the
 *   signature is checked: a caller that must not act on unsigned plaintext
 *   has to buffer it and keep it only when finish() succeeds.
 * - Every failure to obtain or authenticate the data key (no matching EDK,
 *   RSA or AES unwrap failure, wrong key length, header tag, commitment,
 *   frame tag, signature) returns SECKIT_EAUTH with the same message
 *   ("authentication failed: no key could decrypt the message or the message
 *   was modified"), so callers cannot be used as a padding oracle.
 *   Malformed messages return SECKIT_EFORMAT / SECKIT_ETRUNCATED, limit
 *   violations SECKIT_ELIMIT, policy refusals SECKIT_EPOLICY.
 * - Keyrings are immutable after construction and safe to share between
 *   threads; they are reference counted (multi keyrings hold references to
 *   their children, so a child may be freed by the caller right away).
 */
#ifndef SECKIT_ESDK_H
#define SECKIT_ESDK_H

#include <stddef.h>
#include <stdint.h>

#include "seckit/export.h"
#include "seckit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Algorithm suites (SPEC framework/algorithm-suites.md) ------------- */

/* Message version 1, no key derivation ("identity KDF"), no signature. */
#define SECKIT_ESDK_SUITE_AES128_GCM_IV12_TAG16 0x0014
#define SECKIT_ESDK_SUITE_AES192_GCM_IV12_TAG16 0x0046
#define SECKIT_ESDK_SUITE_AES256_GCM_IV12_TAG16 0x0078
/* Message version 1, HKDF, no signature.  CloudFront FLE writes 0x0178. */
#define SECKIT_ESDK_SUITE_AES128_GCM_HKDF_SHA256 0x0114
#define SECKIT_ESDK_SUITE_AES192_GCM_HKDF_SHA256 0x0146
#define SECKIT_ESDK_SUITE_AES256_GCM_HKDF_SHA256 0x0178
/* Message version 1, HKDF, ECDSA footer. */
#define SECKIT_ESDK_SUITE_AES128_GCM_HKDF_SHA256_ECDSA_P256 0x0214
#define SECKIT_ESDK_SUITE_AES192_GCM_HKDF_SHA384_ECDSA_P384 0x0346
#define SECKIT_ESDK_SUITE_AES256_GCM_HKDF_SHA384_ECDSA_P384 0x0378
/* Message version 2, HKDF-SHA512 with key commitment. */
#define SECKIT_ESDK_SUITE_AES256_GCM_HKDF_SHA512_COMMIT_KEY 0x0478
#define SECKIT_ESDK_SUITE_AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384 0x0578

/* Bit of a suite in seckit_esdk_options.allowed_suites (0 for an unknown
 * id).  The 11 suites use bits 0..10 in the order listed above. */
SECKIT_EXPORT uint32_t seckit_esdk_suite_bit(uint16_t suite);
#define SECKIT_ESDK_SUITES_ALL 0x7FFu

/* Facts about a suite; SECKIT_EUNSUPPORTED for an unknown id. */
typedef struct seckit_esdk_suite_info {
    uint16_t id;
    uint8_t message_version; /* 1 or 2 */
    uint8_t key_len;         /* data key and AES key bytes: 16, 24 or 32 */
    uint8_t kdf;             /* 0 identity, 1 HKDF */
    uint8_t signs;           /* 1 when the message has an ECDSA footer */
    uint8_t commits;         /* 1 for the key-committing (v2) suites */
    const char *name;        /* e.g. "AES_256_GCM_HKDF_SHA256" */
} seckit_esdk_suite_info;
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_esdk_suite_lookup(seckit_esdk_suite_info *out,
                                                             uint16_t suite, seckit_error *err);

/* ---- Commitment policy (SPEC framework/commitment-policy.md) ----------- */

typedef enum seckit_esdk_commitment_policy {
    /* Default: encrypt with 0x0478/0x0578 only, decrypt committing only. */
    SECKIT_ESDK_REQUIRE_ENCRYPT_REQUIRE_DECRYPT = 0,
    /* Encrypt committing only; decrypt every suite (needed for FLE values). */
    SECKIT_ESDK_REQUIRE_ENCRYPT_ALLOW_DECRYPT = 1,
    /* Encrypt non-committing only (v1 messages); decrypt every suite. */
    SECKIT_ESDK_FORBID_ENCRYPT_ALLOW_DECRYPT = 2
} seckit_esdk_commitment_policy;

/* Parse "require-encrypt-require-decrypt", "require-encrypt-allow-decrypt"
 * or "forbid-encrypt-allow-decrypt" (also accepts the SDKs' upper-case
 * underscore spelling). */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_esdk_commitment_policy_parse(seckit_esdk_commitment_policy *out, const char *s,
                                    seckit_error *err);

/* ---- Options ----------------------------------------------------------- */

#define SECKIT_ESDK_DEFAULT_FRAME_LENGTH 4096u

typedef struct seckit_esdk_options {
    unsigned int version; /* SECKIT_ESDK_OPTIONS_VERSION */
    /* Encrypt: the suite, 0 = the policy's default (0x0578 when the policy
     * requires commitment, 0x0378 under forbid-encrypt-allow-decrypt). */
    uint16_t suite;
    /* Encrypt: bytes per frame; 0 = a non-framed body (v1 suites only). */
    uint32_t frame_length;
    seckit_esdk_commitment_policy commitment_policy;
    /* At most this many encrypted data keys.  Decrypt: 0 = the default,
     * SECKIT_ESDK_DEFAULT_MAX_EDKS; 65535 (the format's maximum) lifts the
     * limit; enforced as soon as the count is read, before any keyring (RSA)
     * operation.  Encrypt: 0 = no limit (a message we write costs us
     * nothing to parse). */
    uint32_t max_encrypted_data_keys;
    /* Decrypt: limits checked before allocating; 0 = the format's maximum,
     * except max_header_len: 0 = 128 + the context limit + 4096 bytes per
     * allowed EDK (106,623 bytes with the defaults; see esdk_internal.h).
     * max_header_len covers the header body (incl. context and EDKs),
     * max_context_len the serialized encryption context, max_frame_length
     * the header's frame length, max_body_len the total plaintext. */
    size_t max_header_len;
    size_t max_context_len;
    uint32_t max_frame_length;
    uint64_t max_body_len;
    /* Decrypt: suites accepted (seckit_esdk_suite_bit); 0 = every suite the
     * commitment policy allows. */
    uint32_t allowed_suites;
    /* Decrypt: an encryption context the caller expects ("reproduced"
     * context).  Pairs present in the message must have equal values
     * (else SECKIT_EAUTH); pairs absent from the message are treated as
     * "encryption context to only authenticate" (required-context CMM): they
     * are bound into the header tag and given to the keyrings.  NULL = none. */
    const struct seckit_esdk_context *reproduced_context;
} seckit_esdk_options;

#define SECKIT_ESDK_OPTIONS_VERSION 1
#define SECKIT_ESDK_OPTIONS_INIT                                                                   \
    {                                                                                              \
        SECKIT_ESDK_OPTIONS_VERSION, 0, SECKIT_ESDK_DEFAULT_FRAME_LENGTH,                          \
            SECKIT_ESDK_REQUIRE_ENCRYPT_REQUIRE_DECRYPT, 0, 0, 0, 0, 0, 0, 0                       \
    }

/* At most this many EDKs per message unless max_encrypted_data_keys says
 * otherwise.  Each EDK a keyring recognises can cost an RSA private-key
 * operation before the header is authenticated; the SPEC's client default is
 * "no limit" and the AWS SDKs' best practices tell callers to set one.  10
 * covers a multi-keyring with ten wrapping keys (FLE uses 1). */
#define SECKIT_ESDK_DEFAULT_MAX_EDKS 10u

/* Fill opts with the defaults of this version of the structure (pass
 * SECKIT_ESDK_OPTIONS_VERSION), the same as SECKIT_ESDK_OPTIONS_INIT: suite
 * 0, frame_length 4096, REQUIRE_ENCRYPT_REQUIRE_DECRYPT, at most
 * SECKIT_ESDK_DEFAULT_MAX_EDKS EDKs, a header limit derived from it,
 * format-maximum other limits, every suite.  SECKIT_EINVAL when opts is NULL
 * or the version is unknown. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_esdk_options_init(seckit_esdk_options *opts, unsigned int version, seckit_error *err);

/* ---- Encryption context ------------------------------------------------ */

/* One key/value pair: UTF-8 bytes with explicit lengths.  Pairs returned by
 * libseckit are also NUL-terminated (not counted in the lengths). */
typedef struct seckit_esdk_pair {
    const char *key;
    size_t key_len;
    const char *value;
    size_t value_len;
} seckit_esdk_pair;

typedef struct seckit_esdk_context {
    const seckit_esdk_pair *pairs;
    size_t count;
} seckit_esdk_context;

/* The reserved key holding a signing suite's public key. */
#define SECKIT_ESDK_PUBLIC_KEY_CONTEXT_KEY "aws-crypto-public-key"

/* ---- Encrypted data keys and keyrings ---------------------------------- */

/* An encrypted data key (EDK) as it appears in a header. */
typedef struct seckit_esdk_edk {
    const uint8_t *provider_id; /* the keyring's namespace, UTF-8 */
    size_t provider_id_len;
    const uint8_t *provider_info; /* key name (RSA), name+tag+IV (AES), ... */
    size_t provider_info_len;
    const uint8_t *ciphertext;
    size_t ciphertext_len;
} seckit_esdk_edk;

typedef struct seckit_keyring seckit_keyring;

typedef enum seckit_rsa_padding {
    SECKIT_RSA_PKCS1 = 0,
    SECKIT_RSA_OAEP_SHA1 = 1,   /* OAEP with SHA-1 and MGF1-SHA-1 */
    SECKIT_RSA_OAEP_SHA256 = 2, /* with MGF1-SHA-256: CloudFront FLE */
    SECKIT_RSA_OAEP_SHA384 = 3,
    SECKIT_RSA_OAEP_SHA512 = 4
} seckit_rsa_padding;

/* Parse "pkcs1", "oaep-sha1", "oaep-sha256", "oaep-sha384", "oaep-sha512". */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_rsa_padding_parse(seckit_rsa_padding *out, const char *s,
                                                             seckit_error *err);

/* Raw RSA keyring.  key: PEM (PKCS#8 "PRIVATE KEY", PKCS#1 "RSA PRIVATE
 * KEY", SPKI "PUBLIC KEY", PKCS#1 "RSA PUBLIC KEY") or DER (PKCS#8, PKCS#1,
 * SPKI).  A public key can only encrypt; a private key can decrypt and also
 * encrypt (its public half).  The namespace must not be "aws-kms" or start
 * with it.  EDK: provider id = namespace, provider info = name. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_keyring_raw_rsa_new(seckit_keyring **out, const char *key_namespace, const char *key_name,
                           seckit_rsa_padding padding, const uint8_t *key, size_t key_len,
                           seckit_error *err);

/* Raw AES keyring: AES-GCM key wrapping with a 16, 24 or 32-byte key (kept
 * in guarded memory); the encryption context is the wrapping AAD. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_keyring_raw_aes_new(seckit_keyring **out, const char *key_namespace, const char *key_name,
                           const uint8_t *key, size_t key_len, seckit_error *err);

/* Multi keyring.  On encrypt the generator makes the data key and wraps
 * it, then every child wraps it too; a multi keyring without a generator
 * (generator NULL) can only decrypt.  On decrypt the generator, then each
 * child in order, is tried until one yields the data key.  Needs a
 * generator or at least one child.  Takes references. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_keyring_multi_new(seckit_keyring **out,
                                                             seckit_keyring *generator,
                                                             seckit_keyring *const *children,
                                                             size_t n, seckit_error *err);

/* Drop a reference; frees when the last one goes.  kr may be NULL. */
SECKIT_EXPORT void seckit_keyring_free(seckit_keyring *kr);
/* Take another reference (returns kr). */
SECKIT_EXPORT seckit_keyring *seckit_keyring_ref(seckit_keyring *kr);

/* Materials handed to custom keyrings.  The data key lives in memory owned
 * by libseckit and wiped when the materials are released. */
typedef struct seckit_keyring_materials seckit_keyring_materials;

SECKIT_EXPORT uint16_t seckit_keyring_materials_suite(const seckit_keyring_materials *m);
/* Bytes of data key the suite needs (16, 24 or 32). */
SECKIT_EXPORT size_t seckit_keyring_materials_key_len(const seckit_keyring_materials *m);
/* The full encryption context (sorted by key bytes). */
SECKIT_EXPORT const seckit_esdk_context *
seckit_keyring_materials_context(const seckit_keyring_materials *m);
/* The serialized encryption context (the AAD raw AES keyrings use). */
SECKIT_EXPORT void seckit_keyring_materials_context_bytes(const seckit_keyring_materials *m,
                                                          const uint8_t **p, size_t *len);
/* The plaintext data key, or NULL (and *len = 0) when none is set yet. */
SECKIT_EXPORT const uint8_t *seckit_keyring_materials_data_key(const seckit_keyring_materials *m,
                                                               size_t *len);
/* Set the data key (exactly key_len bytes; refused if one is set). */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_keyring_materials_set_data_key(seckit_keyring_materials *m, const uint8_t *key, size_t len,
                                      seckit_error *err);
/* Generate a random data key (refused if one is set). */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_keyring_materials_generate_data_key(seckit_keyring_materials *m, seckit_error *err);
/* Encrypt only: append an EDK (the bytes are copied). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_keyring_materials_add_edk(seckit_keyring_materials *m,
                                                                     const seckit_esdk_edk *edk,
                                                                     seckit_error *err);

/* A caller-defined keyring (for example an AWS KMS keyring in src/aws).
 * Both callbacks must be thread-safe; ctx is never modified by libseckit.
 *
 * on_encrypt: when seckit_keyring_materials_data_key() is NULL, make one
 *   (generate_data_key, or set_data_key with a key from a service); then
 *   wrap the data key and add_edk() the result.  Return 0 or an error.
 * on_decrypt: when the materials already hold a data key, return 0 at
 *   once.  Otherwise try the EDKs in order (only those whose provider id /
 *   info this keyring recognises) and set_data_key() with the first that
 *   unwraps.  Return 0 when a key was set, SECKIT_EAUTH when none could be
 *   unwrapped (libseckit replaces any message with its generic one), or
 *   another code for a real fault (I/O, network).
 * destroy: called once when the last reference goes (may be NULL). */
typedef struct seckit_keyring_ops {
    int (*on_encrypt)(void *ctx, seckit_keyring_materials *m, seckit_error *err);
    int (*on_decrypt)(void *ctx, seckit_keyring_materials *m, const seckit_esdk_edk *edks,
                      size_t n_edks, seckit_error *err);
    void (*destroy)(void *ctx);
} seckit_keyring_ops;

/* ops must stay valid for the keyring's lifetime (usually a static). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_keyring_custom_new(seckit_keyring **out,
                                                              const seckit_keyring_ops *ops,
                                                              void *ctx, seckit_error *err);

/* ---- Message information ----------------------------------------------- */

typedef struct seckit_esdk_edk_desc {
    char *provider_id; /* NUL-terminated copy */
    size_t provider_id_len;
    uint8_t *provider_info; /* copy (NUL-terminated too, for printable names) */
    size_t provider_info_len;
    size_t ciphertext_len;
} seckit_esdk_edk_desc;

typedef struct seckit_esdk_info {
    uint8_t version; /* 1 or 2 */
    uint16_t suite;
    uint8_t message_id[32];
    size_t message_id_len;     /* 16 (v1) or 32 (v2) */
    uint8_t content_type;      /* 1 non-framed, 2 framed */
    uint32_t frame_length;     /* 0 for non-framed */
    seckit_esdk_pair *context; /* stored context (copies, NUL-terminated) */
    size_t context_count;
    seckit_esdk_edk_desc *edks;
    size_t edk_count;
    size_t header_len; /* header body + header authentication, in bytes */
} seckit_esdk_info;

/* Free what a seckit_esdk_info holds (not the struct); then zeroes it. */
SECKIT_EXPORT void seckit_esdk_info_free(seckit_esdk_info *info);

/* Parse only the header of msg (strictly, with opts' limits and the EDK
 * cap; opts may be NULL for defaults).  Does NOT authenticate anything:
 * use it to pick a key (EDK provider id / info), never to trust the
 * context.  Suite and commitment policy are not checked here. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_esdk_parse_header(seckit_esdk_info *info,
                                                             const uint8_t *msg, size_t len,
                                                             const seckit_esdk_options *opts,
                                                             seckit_error *err);
/* How much of a message is needed to parse its header, without parsing it:
 * a length-only scan of msg[0..len) with opts' limits (NULL = defaults).
 * 0 and *needed = 0: the whole header is there (*header_len = its length,
 * header_len may be NULL); 0 and *needed > 0: at least *needed more bytes
 * are needed (re-run with more); or SECKIT_EUNSUPPORTED / SECKIT_EFORMAT /
 * SECKIT_ELIMIT as soon as the bytes seen show the header is bad or over a
 * limit. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_esdk_header_bytes_needed(size_t *needed, size_t *header_len, const uint8_t *msg, size_t len,
                                const seckit_esdk_options *opts, seckit_error *err);

/* ---- One-shot encrypt and decrypt -------------------------------------- */

/* Encrypt plaintext into a new ESDK message (*out from malloc, free with
 * free()).  ctx may be NULL (empty context); its keys must be unique and
 * not start with "aws-crypto-".  opts may be NULL for defaults. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_esdk_encrypt(const seckit_keyring *kr, uint8_t **out, size_t *out_len,
                    const seckit_esdk_options *opts, const seckit_esdk_context *ctx,
                    const uint8_t *plaintext, size_t len, seckit_error *err);

/* Decrypt a whole message.  *plaintext is secret memory, NUL-terminated
 * after *pt_len bytes (free with seckit_secret_free, which wipes it;
 * non-NULL even when *pt_len is 0).  info may be NULL;
 * when given it is filled on success (free with seckit_esdk_info_free). */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_esdk_decrypt(const seckit_keyring *kr, uint8_t **plaintext, size_t *pt_len,
                    seckit_esdk_info *info, const seckit_esdk_options *opts, const uint8_t *msg,
                    size_t len, seckit_error *err);

/* ---- Streaming decrypt -------------------------------------------------- */

/* Receives plaintext; return 0 or a negative code (which aborts). */
typedef int (*seckit_esdk_write_fn)(void *user, const uint8_t *p, size_t n, seckit_error *err);

typedef struct seckit_esdk_decryptor seckit_esdk_decryptor;

/* Memory stays bounded by one frame (plus the header), whatever the message
 * size.  Each frame is released to write() only after its tag verifies; for
 * signing suites the last frame is held back until the footer signature
 * verifies in finish().  A non-framed body is buffered whole (bounded by
 * opts->max_body_len when set) and released only after its tag (and the
 * signature) verify.  Callers that must not act on any plaintext before the
 * whole message is authenticated should write to a temporary file and keep
 * it only when finish() succeeds. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_esdk_decryptor_new(seckit_esdk_decryptor **out,
                                                              const seckit_keyring *kr,
                                                              const seckit_esdk_options *opts,
                                                              seckit_esdk_write_fn write,
                                                              void *user, seckit_error *err);
/* Feed the next len bytes (any split).  After an error the decryptor only
 * accepts free(). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_esdk_decryptor_update(seckit_esdk_decryptor *d,
                                                                 const uint8_t *in, size_t len,
                                                                 seckit_error *err);
/* End of input: checks the message is complete (final frame, footer, no
 * trailing bytes) and releases the held-back plaintext. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_esdk_decryptor_finish(seckit_esdk_decryptor *d,
                                                                 seckit_error *err);
/* The least number of further input bytes before update() can make
 * progress (complete the header, a frame or the footer); like
 * aws-encryption-sdk-c's estimate_buf.  Feeding fewer is allowed (they are
 * buffered) but wasted work for the caller.  0 once the message is complete
 * or the decryptor failed.  The header is scanned once, length fields only,
 * so reading a header in pieces costs time linear in its size. */
SECKIT_EXPORT size_t seckit_esdk_decryptor_bytes_needed(const seckit_esdk_decryptor *d);
/* The parsed header once update() has read it (NULL before).  Valid until
 * free(). */
SECKIT_EXPORT const seckit_esdk_info *seckit_esdk_decryptor_info(const seckit_esdk_decryptor *d);
SECKIT_EXPORT void seckit_esdk_decryptor_free(seckit_esdk_decryptor *d);

/* ---- Streaming encrypt (framed messages only) -------------------------- */

typedef struct seckit_esdk_encryptor seckit_esdk_encryptor;

/* Writes the header through write() right away, then one frame each time
 * frame_length bytes have been fed; finish() writes the final frame and the
 * footer.  opts->frame_length must not be 0 here (non-framed needs the
 * length up front: use seckit_esdk_encrypt). */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_esdk_encryptor_new(seckit_esdk_encryptor **out, const seckit_keyring *kr,
                          const seckit_esdk_options *opts, const seckit_esdk_context *ctx,
                          seckit_esdk_write_fn write, void *user, seckit_error *err);
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_esdk_encryptor_update(seckit_esdk_encryptor *e,
                                                                 const uint8_t *in, size_t len,
                                                                 seckit_error *err);
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_esdk_encryptor_finish(seckit_esdk_encryptor *e,
                                                                 seckit_error *err);
SECKIT_EXPORT void seckit_esdk_encryptor_free(seckit_esdk_encryptor *e);

#ifdef __cplusplus
}
#endif
#endif
