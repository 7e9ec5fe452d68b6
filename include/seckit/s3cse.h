/* seckit/s3cse.h - S3 client-side envelope encryption, byte-compatible with
 * the AWS S3 Encryption Clients (Java, Go, Ruby, .NET, PHP, C++, Python).
 *
 * What is written: V3 objects (key-committing suite 0x0073, "115": AES-256-GCM
 * with an HKDF-SHA512 derived key and a stored key commitment; mapkeys
 * x-amz-c, x-amz-3, x-amz-w, x-amz-m / x-amz-t, x-amz-d, x-amz-i) by default,
 * and V2 objects (AES/GCM/NoPadding, x-amz-key-v2, x-amz-iv, x-amz-cek-alg,
 * x-amz-wrap-alg, x-amz-tag-len, x-amz-matdesc) when asked.  Data keys are
 * wrapped with a raw AES key (AES/GCM), a raw RSA key (RSA-OAEP-SHA1) or an
 * AWS KMS key (kms+context).
 *
 * What is read: V3 and V2 as above; behind SECKIT_S3CSE_PROFILE_V2_AND_LEGACY
 * also V1 objects (x-amz-key, AES-CBC content, AES-ECB or RSA PKCS#1 v1.5
 * wrapped keys), V2 objects with AES-CBC content or the Java v1 wraps
 * (kms, AESWrap, RSA/ECB/OAEPWithSHA-256AndMGF1Padding), and ranged reads.
 *
 * Layout: this module is pure: bytes and metadata in, bytes and metadata
 * out.  It never talks to S3 or KMS itself.  A KMS keyring reaches KMS through
 * callbacks (seckit_s3cse_kms_ops); seckit_s3cse_keyring_kms_aws_new() wires
 * them to the AWS layer (seckit/aws.h).  A program that brings its own HTTP
 * client uses the encryptor/decryptor directly and stores/reads the metadata
 * as S3 user metadata (x-amz-meta-<name>) or as an instruction file.
 *
 * Conventions (as the rest of libseckit):
 * - Every function returns 0 or a negative SECKIT_E* code and fills the
 *   caller-owned seckit_error (may be NULL).
 * - Policy refusals (commitment policy, security profile) return
 *   SECKIT_EPOLICY with a message naming the option that would allow the
 *   operation ("--security-profile v2-and-legacy", "--commitment-policy
 *   require-encrypt-allow-decrypt", ...).
 * - Every failure to obtain or authenticate the data key or the content
 *   (no keyring could unwrap, wrong key, commitment mismatch, GCM tag, CBC
 *   padding, KMS context mismatch) returns SECKIT_EAUTH with one generic
 *   message, so a decrypting server is no oracle.  One exception, also
 *   SECKIT_EAUTH: when no key given is of the kind the wrapping needs (an
 *   RSA key for an AES/GCM-wrapped data key, ...), the message names the
 *   wrap algorithm and the kind of key it needs; that depends only on the
 *   public metadata and the caller's own key options, never on key material
 *   or content.  A public RSA key given to decrypt is SECKIT_EINVAL.
 *   Malformed metadata
 *   returns SECKIT_EFORMAT, unsupported algorithms SECKIT_EUNSUPPORTED.
 * - Data keys and derived keys live in memory wiped on every path; key
 *   material never appears in messages, metadata descriptions or info.
 * - Keyrings are immutable after construction, reference counted and safe
 *   to share between threads (a KMS keyring is as thread-safe as its ops).
 *   Encryptors and decryptors are single-threaded objects.
 */
#ifndef SECKIT_S3CSE_H
#define SECKIT_S3CSE_H

#include <stddef.h>
#include <stdint.h>

#include "seckit/export.h"
#include "seckit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Names and limits --------------------------------------------------- */

/* S3 user metadata is sent as x-amz-meta-<name>; this module uses the names
 * without that prefix (it also accepts them with it on input). */
#define SECKIT_S3CSE_META_PREFIX "x-amz-meta-"
/* Default instruction-file suffix (object key + suffix). */
#define SECKIT_S3CSE_INSTRUCTION_SUFFIX ".instruction"
/* User metadata name (value "") that marks an instruction-file object. */
#define SECKIT_S3CSE_INSTRUCTION_MARKER "x-amz-crypto-instr-file"
/* Reserved encryption-context key (KMS): holds the content algorithm. */
#define SECKIT_S3CSE_EC_CEK_ALG "aws:x-amz-cek-alg"
/* GCM's limit on one message: 2^36 - 32 bytes of plaintext. */
#define SECKIT_S3CSE_GCM_MAX_PLAINTEXT ((uint64_t)68719476704ULL)
/* The GCM tag appended to the ciphertext in the object body. */
#define SECKIT_S3CSE_TAG_LEN 16

/* ---- Enums ------------------------------------------------------------- */

/* Envelope (metadata) format.  V1 is read only. */
typedef enum seckit_s3cse_envelope {
    SECKIT_S3CSE_ENVELOPE_DEFAULT = 0, /* encrypt: V3, or V2 under FORBID_ENCRYPT */
    SECKIT_S3CSE_ENVELOPE_V1 = 1,
    SECKIT_S3CSE_ENVELOPE_V2 = 2,
    SECKIT_S3CSE_ENVELOPE_V3 = 3
} seckit_s3cse_envelope;

/* Parse "v3" or "v2" (case-insensitive). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3cse_envelope_parse(seckit_s3cse_envelope *out,
                                                                const char *s, seckit_error *err);

typedef enum seckit_s3cse_commitment_policy {
    /* Default (Java v4, Go v4, .NET V4): write V3, read V3 only. */
    SECKIT_S3CSE_REQUIRE_ENCRYPT_REQUIRE_DECRYPT = 0,
    /* Write V3, read V1/V2/V3 (migration). */
    SECKIT_S3CSE_REQUIRE_ENCRYPT_ALLOW_DECRYPT = 1,
    /* Write V2 (non-committing 0x0072) only, read V1/V2/V3. */
    SECKIT_S3CSE_FORBID_ENCRYPT_ALLOW_DECRYPT = 2
} seckit_s3cse_commitment_policy;

/* Parse "require-encrypt-require-decrypt", "require-encrypt-allow-decrypt",
 * "forbid-encrypt-allow-decrypt" (also the SDKs' REQUIRE_ENCRYPT_... form). */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_s3cse_commitment_policy_parse(seckit_s3cse_commitment_policy *out, const char *s,
                                     seckit_error *err);
/* The lower-case dashed name of a policy (static string). */
SECKIT_EXPORT const char *seckit_s3cse_commitment_policy_name(seckit_s3cse_commitment_policy p);

typedef enum seckit_s3cse_security_profile {
    /* Default: V2/V3 with GCM content and the kms+context, AES/GCM and
     * RSA-OAEP-SHA1 wraps only. */
    SECKIT_S3CSE_PROFILE_V2 = 0,
    /* Also the legacy reads: V1 objects, CBC content, the kms, AESWrap,
     * RSA/ECB/OAEPWithSHA-256AndMGF1Padding, V1 AES-ECB and RSA PKCS#1 v1.5
     * wraps, and ranged (AES-CTR, unauthenticated) reads.  Never writes. */
    SECKIT_S3CSE_PROFILE_V2_AND_LEGACY = 1
} seckit_s3cse_security_profile;

/* Parse "v2" or "v2-and-legacy" (also "V2_AND_LEGACY", "v2_and_legacy"). */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_s3cse_security_profile_parse(seckit_s3cse_security_profile *out, const char *s,
                                    seckit_error *err);

/* Content algorithm; the values are the S3EC algorithm-suite ids. */
typedef enum seckit_s3cse_content_alg {
    SECKIT_S3CSE_CONTENT_NONE = 0,
    SECKIT_S3CSE_CONTENT_AES_CBC = 0x70,       /* "AES/CBC/PKCS5Padding", legacy */
    SECKIT_S3CSE_CONTENT_AES_GCM = 0x72,       /* "AES/GCM/NoPadding" (V2) */
    SECKIT_S3CSE_CONTENT_AES_GCM_COMMIT = 0x73 /* "115" (V3) */
} seckit_s3cse_content_alg;

/* Data-key wrapping algorithm. */
typedef enum seckit_s3cse_wrap_alg {
    SECKIT_S3CSE_WRAP_NONE = 0,
    SECKIT_S3CSE_WRAP_AES_GCM = 1,       /* "AES/GCM", V3 "02" */
    SECKIT_S3CSE_WRAP_KMS_CONTEXT = 2,   /* "kms+context", V3 "12" */
    SECKIT_S3CSE_WRAP_RSA_OAEP_SHA1 = 3, /* "RSA-OAEP-SHA1", V3 "22" */
    /* legacy, read only */
    SECKIT_S3CSE_WRAP_KMS = 4,             /* "kms" */
    SECKIT_S3CSE_WRAP_AES_WRAP = 5,        /* "AESWrap" (RFC 3394) */
    SECKIT_S3CSE_WRAP_RSA_OAEP_SHA256 = 6, /* "RSA/ECB/OAEPWithSHA-256AndMGF1Padding" */
    SECKIT_S3CSE_WRAP_V1_AES_ECB = 7,      /* V1, no wrap-alg: AES/ECB/PKCS5Padding */
    SECKIT_S3CSE_WRAP_V1_RSA_PKCS1 = 8     /* V1, no wrap-alg: RSA PKCS#1 v1.5 */
} seckit_s3cse_wrap_alg;

/* The metadata spelling of a content / wrap algorithm ("AES/GCM/NoPadding",
 * "kms+context", ...; "AES/ECB (V1)" and "RSA PKCS#1 v1.5 (V1)" for the V1
 * wraps); a static string, "" for NONE. */
SECKIT_EXPORT const char *seckit_s3cse_content_alg_name(seckit_s3cse_content_alg a);
SECKIT_EXPORT const char *seckit_s3cse_wrap_alg_name(seckit_s3cse_wrap_alg w);

/* ---- Key/value lists ----------------------------------------------------- */

/* A name/value pair of NUL-terminated UTF-8 strings: object metadata
 * (names without x-amz-meta-), a materials description or an encryption
 * context.  Same layout as seckit_aws_kv.  Values that S3 returned
 * RFC 2047-encoded must be decoded by the caller (the S3 layer does); any
 * non-ASCII byte here is taken as UTF-8. */
typedef struct seckit_s3cse_kv {
    const char *name;
    const char *value;
} seckit_s3cse_kv;

/* What encryption produces: the S3EC object metadata, and when an
 * instruction file was asked for, its JSON text.  Everything is owned by the
 * struct (free with seckit_s3cse_meta_free). */
typedef struct seckit_s3cse_meta {
    seckit_s3cse_kv *kv; /* object user metadata, names without x-amz-meta- */
    size_t count;
    char *instruction; /* instruction-file body (JSON, NUL-terminated) or NULL */
    size_t instruction_len;
} seckit_s3cse_meta;

/* Frees what m holds (not m) and zeroes it.  m may be NULL. */
SECKIT_EXPORT void seckit_s3cse_meta_free(seckit_s3cse_meta *m);

/* Free a kv array returned by this module (names and values included). */
SECKIT_EXPORT void seckit_s3cse_kv_free(seckit_s3cse_kv *kv, size_t count);

/* ---- Format detection and instruction files ---------------------------- */

typedef enum seckit_s3cse_location {
    /* No S3EC keys in the object metadata: the envelope, if any, is in a
     * V1/V2 instruction file (GET key + suffix); a 404 there means the
     * object is not encrypted. */
    SECKIT_S3CSE_LOC_INSTRUCTION_FILE = 0,
    SECKIT_S3CSE_LOC_V1_METADATA = 1,
    SECKIT_S3CSE_LOC_V2_METADATA = 2,
    SECKIT_S3CSE_LOC_V3_METADATA = 3,
    /* x-amz-c, x-amz-d, x-amz-i without x-amz-3: V3 with the wrapped key in
     * an instruction file. */
    SECKIT_S3CSE_LOC_V3_INSTRUCTION_FILE = 4
} seckit_s3cse_location;

/* Where the envelope of an object lives, from its metadata alone.  Mixed
 * V1/V2/V3 keys, a partial set (e.g. x-amz-key-v2 without x-amz-iv) or a
 * duplicated name (case-insensitive, with or without x-amz-meta-) is
 * SECKIT_EFORMAT. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3cse_detect(seckit_s3cse_location *out,
                                                        const seckit_s3cse_kv *meta, size_t n,
                                                        seckit_error *err);

/* Parse an instruction file: one JSON object whose values are strings
 * (x-amz-tag-len and x-amz-unencrypted-content-length may also be numbers,
 * as Go writes them; they are returned as decimal strings).  Duplicate
 * names, other value types, trailing bytes and files over 64 KiB are
 * SECKIT_EFORMAT / SECKIT_ELIMIT.  *kv is freed with seckit_s3cse_kv_free.
 * (Which names may appear is checked by the decryptor / describe.) */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3cse_instruction_parse(seckit_s3cse_kv **kv,
                                                                   size_t *count, const char *json,
                                                                   size_t len, seckit_error *err);
/* Serialize kv as an instruction file (compact JSON object of strings).
 * *json is malloc'ed, NUL-terminated; free with free(). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3cse_instruction_serialize(char **json, size_t *len,
                                                                       const seckit_s3cse_kv *kv,
                                                                       size_t count,
                                                                       seckit_error *err);

/* ---- Keyrings ---------------------------------------------------------- */

typedef struct seckit_s3cse_keyring seckit_s3cse_keyring;

/* Raw AES keyring: a 16, 24 or 32-byte key (copied into guarded memory)
 * wraps data keys with AES/GCM; with the legacy profile it also unwraps
 * AESWrap and V1 AES/ECB keys.  matdesc (may be NULL when n == 0) is the
 * materials description written to x-amz-matdesc / x-amz-m and used to pick
 * this key in a multi keyring; it is not authenticated. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3cse_keyring_aes_new(seckit_s3cse_keyring **out,
                                                                 const uint8_t *key, size_t key_len,
                                                                 const seckit_s3cse_kv *matdesc,
                                                                 size_t n, seckit_error *err);

/* Raw RSA keyring: key is PEM (PKCS#8, PKCS#1, SPKI, "RSA PUBLIC KEY") or
 * DER.  A public key can only encrypt; a private key encrypts (with its
 * public half) and decrypts.  Wraps with RSA-OAEP-SHA1; with the legacy
 * profile also unwraps RSA/ECB/OAEPWithSHA-256AndMGF1Padding and V1 RSA
 * PKCS#1 v1.5 keys.  At least 2048 bits. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3cse_keyring_rsa_new(seckit_s3cse_keyring **out,
                                                                 const uint8_t *key, size_t key_len,
                                                                 const seckit_s3cse_kv *matdesc,
                                                                 size_t n, seckit_error *err);

/* How a KMS keyring reaches KMS.  Both calls must be thread-safe when the
 * keyring is shared.  ec is the full encryption context to send (already
 * including aws:x-amz-cek-alg for kms+context; {"kms_cmk_id": ...} for the
 * legacy kms wrap).  Return 0, or SECKIT_EAUTH when KMS refused to decrypt
 * (wrong key, context mismatch: libseckit replaces the message with its
 * generic one), or another code for a real fault (network, AWS: kept). */
typedef struct seckit_s3cse_kms_ops {
    /* GenerateDataKey(KeyId=key_id, KeySpec=AES_256, EncryptionContext=ec):
     * fill key[32] and *blob (malloc'ed; libseckit frees it). */
    int (*generate_data_key)(void *ctx, const char *key_id, const seckit_s3cse_kv *ec, size_t n_ec,
                             uint8_t key[32], uint8_t **blob, size_t *blob_len, seckit_error *err);
    /* Decrypt(CiphertextBlob=blob, EncryptionContext=ec, KeyId=key_id or
     * none when key_id is NULL (discovery)): fill key[32]; a plaintext of
     * any other length must be reported as SECKIT_EAUTH. */
    int (*decrypt)(void *ctx, const char *key_id, const uint8_t *blob, size_t blob_len,
                   const seckit_s3cse_kv *ec, size_t n_ec, uint8_t key[32], seckit_error *err);
    /* Called once when the keyring is freed (may be NULL). */
    void (*destroy)(void *ctx);
    /* Encrypt(KeyId=key_id, Plaintext=key, EncryptionContext=ec): wrap an
     * existing data key (seckit_s3cse_rewrap to this keyring); *blob is
     * malloc'ed (libseckit frees it).  May be NULL: rewrap to the keyring is
     * then refused. */
    int (*encrypt)(void *ctx, const char *key_id, const uint8_t key[32], const seckit_s3cse_kv *ec,
                   size_t n_ec, uint8_t **blob, size_t *blob_len, seckit_error *err);
} seckit_s3cse_kms_ops;

/* KMS keyring for one key (id, ARN or alias): encrypts (kms+context) and
 * decrypts objects wrapped under it (KMS checks the key).  ops must outlive
 * the keyring (usually a static). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3cse_keyring_kms_new(seckit_s3cse_keyring **out,
                                                                 const char *key_id,
                                                                 const seckit_s3cse_kms_ops *ops,
                                                                 void *ctx, seckit_error *err);
/* KMS discovery keyring: decrypt only, with whatever key the blob names
 * (KeyId omitted), like Go's "any CMK" / Java's discovery keyring.  Only
 * when the user explicitly asks for it. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_s3cse_keyring_kms_discovery_new(seckit_s3cse_keyring **out, const seckit_s3cse_kms_ops *ops,
                                       void *ctx, seckit_error *err);

/* A KMS keyring whose ops call seckit_kms_generate_data_key /
 * seckit_kms_decrypt on aws (seckit/aws.h; the keyring holds no reference:
 * aws must outlive it and not be used from two threads at once).  key_id
 * NULL makes a discovery keyring. */
struct seckit_aws;
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3cse_keyring_kms_aws_new(seckit_s3cse_keyring **out,
                                                                     struct seckit_aws *aws,
                                                                     const char *key_id,
                                                                     seckit_error *err);

/* Decrypt-only set of keyrings.  For an object, the children whose kind
 * fits the wrap algorithm and whose materials description equals the
 * stored one are tried first (in order), then the other children of that
 * kind.  Takes references to the children. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_s3cse_keyring_multi_new(seckit_s3cse_keyring **out, seckit_s3cse_keyring *const *children,
                               size_t n, seckit_error *err);

SECKIT_EXPORT seckit_s3cse_keyring *seckit_s3cse_keyring_ref(seckit_s3cse_keyring *kr);
/* Drop a reference (frees and wipes when the last goes); kr may be NULL. */
SECKIT_EXPORT void seckit_s3cse_keyring_free(seckit_s3cse_keyring *kr);

/* ---- Options ----------------------------------------------------------- */

typedef struct seckit_s3cse_options {
    unsigned int version; /* SECKIT_S3CSE_OPTIONS_VERSION */
    /* Encrypt: V3 or V2 (DEFAULT: V3, or V2 under FORBID_ENCRYPT).  V3
     * with FORBID_ENCRYPT or V2 with a REQUIRE_ENCRYPT policy is
     * SECKIT_EPOLICY. */
    seckit_s3cse_envelope envelope;
    seckit_s3cse_commitment_policy commitment_policy;
    seckit_s3cse_security_profile security_profile;
    /* Encrypt / rewrap: put the envelope in an instruction file (V3: the
     * file holds x-amz-3, x-amz-w, x-amz-m / x-amz-t and the object keeps
     * x-amz-c, x-amz-d, x-amz-i; V2: everything goes in the file). */
    int instruction_file;
    /* KMS: the caller's encryption context.  Encrypt: stored (with
     * aws:x-amz-cek-alg added; the caller may not use that key).  Decrypt:
     * the stored context without aws:x-amz-cek-alg and kms_cmk_id must equal
     * it exactly (an absent context is {}), else SECKIT_EAUTH. */
    const seckit_s3cse_kv *encryption_context;
    size_t encryption_context_count;
    /* Encrypt, V2 only: when >= 0, written as
     * x-amz-unencrypted-content-length, and final() refuses
     * (SECKIT_EINVAL) a different amount of plaintext. */
    int64_t plaintext_length;
} seckit_s3cse_options;

#define SECKIT_S3CSE_OPTIONS_VERSION 1
#define SECKIT_S3CSE_OPTIONS_INIT                                                                  \
    {                                                                                              \
        SECKIT_S3CSE_OPTIONS_VERSION, SECKIT_S3CSE_ENVELOPE_DEFAULT,                               \
            SECKIT_S3CSE_REQUIRE_ENCRYPT_REQUIRE_DECRYPT, SECKIT_S3CSE_PROFILE_V2, 0, 0, 0, -1     \
    }

/* Fill opts with the defaults of this version of the structure (pass
 * SECKIT_S3CSE_OPTIONS_VERSION), the same as SECKIT_S3CSE_OPTIONS_INIT:
 * envelope DEFAULT, REQUIRE_ENCRYPT_REQUIRE_DECRYPT, profile V2, metadata in
 * object headers, no encryption context, plaintext_length -1.  SECKIT_EINVAL
 * when opts is NULL or the version is unknown. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_s3cse_options_init(seckit_s3cse_options *opts, unsigned int version, seckit_error *err);

/* ---- Streaming encryption ---------------------------------------------- */

typedef struct seckit_s3cse_encryptor seckit_s3cse_encryptor;

/* Make a data key, wrap it with kr and fill *meta with what to store:
 * object metadata (and instruction-file JSON when opts->instruction_file).
 * The metadata is complete before any content, so it can go with
 * CreateMultipartUpload.  opts may be NULL (defaults).  On error *meta is
 * left empty. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3cse_encryptor_new(seckit_s3cse_encryptor **out,
                                                               seckit_s3cse_meta *meta,
                                                               const seckit_s3cse_options *opts,
                                                               const seckit_s3cse_keyring *kr,
                                                               seckit_error *err);
/* Encrypt len bytes of plaintext into out (exactly len bytes of
 * ciphertext; out may equal in).  Any split works; for multipart upload
 * send the output of consecutive calls as consecutive parts (non-final
 * parts must be multiples of 16 bytes only because S3EC peers expect it;
 * the stream itself does not care).  More than 2^36 - 32 bytes in total is
 * SECKIT_ELIMIT (nothing written for that call). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3cse_encryptor_update(seckit_s3cse_encryptor *e,
                                                                  uint8_t *out, const uint8_t *in,
                                                                  size_t len, seckit_error *err);
/* End of plaintext: writes the 16-byte GCM tag, which the body ends with
 * (body = all update() output, then tag). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3cse_encryptor_final(seckit_s3cse_encryptor *e,
                                                                 uint8_t tag[SECKIT_S3CSE_TAG_LEN],
                                                                 seckit_error *err);
/* Start the same stream again from its first byte: the same data key and
 * IV / message id, so the SAME plaintext gives byte-identical output (to
 * re-send a request body on a retry).  The caller MUST feed the same
 * plaintext again: different plaintext under a reused IV exposes the XOR
 * of the two and, once both tags are seen, lets GCM tags be forged. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3cse_encryptor_restart(seckit_s3cse_encryptor *e,
                                                                   seckit_error *err);
/* Plaintext bytes encrypted so far. */
SECKIT_EXPORT uint64_t seckit_s3cse_encryptor_count(const seckit_s3cse_encryptor *e);
/* Wipes the keys; e may be NULL. */
SECKIT_EXPORT void seckit_s3cse_encryptor_free(seckit_s3cse_encryptor *e);

/* ---- Streaming decryption ---------------------------------------------- */

typedef struct seckit_s3cse_decryptor seckit_s3cse_decryptor;

/* Read the envelope from the object metadata (meta, n) and, when the
 * metadata says so (seckit_s3cse_detect), from the instruction file
 * (instruction, instruction_len; NULL when there is none), check it against
 * opts' commitment policy and security profile, unwrap the data key with
 * kr, and for V3 check the key commitment (constant time) before anything
 * is decrypted.  Also refuses: x-amz-tag-len other than 128, an IV of the
 * wrong length, an all-zero IV or Message ID, an instruction file holding
 * x-amz-c/d/i, aws:x-amz-cek-alg that does not match, a caller encryption
 * context that does not match the stored one.  opts may be NULL. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_s3cse_decryptor_new(seckit_s3cse_decryptor **out, const seckit_s3cse_options *opts,
                           const seckit_s3cse_keyring *kr, const seckit_s3cse_kv *meta, size_t n,
                           const char *instruction, size_t instruction_len, seckit_error *err);
/* Feed len bytes of the object body (any split); writes *out_len bytes of
 * plaintext to out, which must have room for len + 16 bytes (the last 16
 * bytes seen are held back: they may be the tag).
 *
 * THE PLAINTEXT IS NOT AUTHENTICATED UNTIL final() SUCCEEDS.  Callers must
 * hold it back (temporary file renamed after final(), a bounded buffer) or
 * have the user's explicit consent to release it early (delayed
 * authentication).  After an error only free() is accepted. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3cse_decryptor_update(seckit_s3cse_decryptor *d,
                                                                  uint8_t *out, size_t *out_len,
                                                                  const uint8_t *in, size_t len,
                                                                  seckit_error *err);
/* End of body: verifies the GCM tag (or, for CBC, the padding; CBC is not
 * authenticated) and writes the last plaintext bytes (CBC only, at most 16)
 * to out.  Any failure is SECKIT_EAUTH with the generic message: discard
 * everything update() produced.  A body shorter than the tag is
 * SECKIT_EAUTH too. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3cse_decryptor_final(seckit_s3cse_decryptor *d,
                                                                 uint8_t out[16], size_t *out_len,
                                                                 seckit_error *err);
/* Plaintext bytes released so far. */
SECKIT_EXPORT uint64_t seckit_s3cse_decryptor_count(const seckit_s3cse_decryptor *d);
SECKIT_EXPORT void seckit_s3cse_decryptor_free(seckit_s3cse_decryptor *d);

/* ---- Ranged reads (legacy, unauthenticated) ---------------------------- */

/* The GET range and the trimming for a user's byte range a-b of the
 * plaintext, as the Java clients compute it (AES-CTR over the GCM stream).
 * last = UINT64_MAX for "a-" (to the end).  object_len: the stored body
 * length (ciphertext + 16-byte tag, e.g. from Content-Length of a HEAD or
 * the total in Content-Range), or 0 when unknown (then nothing is clamped
 * here: emit is computed from b alone and the decryptor stops at the end
 * of what it is given). */
typedef struct seckit_s3cse_range {
    uint64_t fetch_first; /* Range: bytes=fetch_first-fetch_last */
    uint64_t fetch_last;  /* clamped to object_len - 1 when known */
    uint64_t skip;        /* decrypted bytes to drop before the user's range */
    uint64_t emit;        /* then bytes to hand out (0: range past the end) */
} seckit_s3cse_range;

/* SECKIT_EINVAL when first > last or first is past the plaintext end. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_s3cse_range_adjust(seckit_s3cse_range *out,
                                                              uint64_t first, uint64_t last,
                                                              uint64_t object_len,
                                                              seckit_error *err);

/* A decryptor for the bytes range->fetch_first..fetch_last of a V2 GCM
 * or V3 (CTR variant 0x0074, commitment still checked) object: update()
 * emits only the user's range (skip/emit applied); final() checks nothing
 * (no tag is read: NOT AUTHENTICATED) and returns 0 with *out_len = 0.
 * Needs SECKIT_S3CSE_PROFILE_V2_AND_LEGACY (else SECKIT_EPOLICY naming
 * --security-profile v2-and-legacy); CBC objects are SECKIT_EUNSUPPORTED. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_s3cse_decryptor_new_range(seckit_s3cse_decryptor **out, const seckit_s3cse_options *opts,
                                 const seckit_s3cse_keyring *kr, const seckit_s3cse_kv *meta,
                                 size_t n, const char *instruction, size_t instruction_len,
                                 const seckit_s3cse_range *range, seckit_error *err);

/* ---- Describe (no key needed, nothing secret) -------------------------- */

typedef struct seckit_s3cse_info {
    seckit_s3cse_envelope envelope; /* V1, V2 or V3 */
    seckit_s3cse_location location; /* where the envelope was found */
    seckit_s3cse_content_alg content_alg;
    seckit_s3cse_wrap_alg wrap_alg;
    const char *content_alg_name; /* static: "115", "AES/GCM/NoPadding", ... */
    const char *wrap_alg_name;    /* static */
    int committing;               /* 1 for V3 (x-amz-d present) */
    int legacy;                   /* 1 when reading needs v2-and-legacy */
    /* KMS key id when the metadata names one (legacy kms: kms_cmk_id), else
     * NULL: kms+context blobs are opaque. */
    char *kms_key_id;
    /* The materials description (raw keys) or encryption context (KMS,
     * including aws:x-amz-cek-alg) as stored. */
    seckit_s3cse_kv *description;
    size_t description_count;
    int description_is_context; /* 1 for KMS encryption contexts */
    size_t wrapped_key_len;     /* bytes of the encrypted data key */
    int64_t plaintext_length;   /* x-amz-unencrypted-content-length or -1 */
} seckit_s3cse_info;

/* Parse and check the envelope (the same checks as decryptor_new, but no
 * policy, profile or key).  instruction may be NULL.  Free with
 * seckit_s3cse_info_free. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_s3cse_describe(seckit_s3cse_info *info, const seckit_s3cse_kv *meta, size_t n,
                      const char *instruction, size_t instruction_len, seckit_error *err);
SECKIT_EXPORT void seckit_s3cse_info_free(seckit_s3cse_info *info);

/* ---- Key rotation ------------------------------------------------------ */

/* Unwrap the object's data key with from (policy, profile and V3
 * commitment checked as for decryption) and wrap it again with to.  *out
 * gets the complete new S3EC metadata for the object (the caller replaces
 * the old S3EC names with these, keeping its other metadata) and, when
 * opts->instruction_file, the new instruction file (V3: the object's
 * x-amz-c/d/i are unchanged and returned too).  The envelope version and
 * content algorithm are kept (V3 stays V3 with the same Message ID and
 * commitment; V2 keeps its IV).  CBC-content objects are
 * SECKIT_EUNSUPPORTED (re-encrypt them instead).  opts->encryption_context
 * is the context checked on unwrap and, for a KMS target, the one stored. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_s3cse_rewrap(seckit_s3cse_meta *out, const seckit_s3cse_options *opts,
                    const seckit_s3cse_keyring *from, const seckit_s3cse_kv *meta, size_t n,
                    const char *instruction, size_t instruction_len, const seckit_s3cse_keyring *to,
                    seckit_error *err);

/* 0 when kr can unwrap the object's data key (and, for V3, the commitment
 * matches), SECKIT_EAUTH when it cannot, another code for malformed
 * metadata, policy refusals or faults.  For "already wrapped for the target
 * key?" checks (re-runnable rotation). */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_s3cse_check_key(const seckit_s3cse_options *opts, const seckit_s3cse_keyring *kr,
                       const seckit_s3cse_kv *meta, size_t n, const char *instruction,
                       size_t instruction_len, seckit_error *err);

/* ---- One-shot helpers for small objects -------------------------------- */

/* Encrypt a whole object: *body (malloc'ed, len + 16 bytes; free()) and
 * *meta (seckit_s3cse_meta_free). */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_s3cse_encrypt(uint8_t **body, size_t *body_len, seckit_s3cse_meta *meta,
                     const seckit_s3cse_options *opts, const seckit_s3cse_keyring *kr,
                     const uint8_t *plaintext, size_t len, seckit_error *err);
/* Decrypt a whole object body; *plaintext is released only after the tag
 * verifies (secret memory, NUL-terminated after *pt_len bytes, non-NULL
 * even when empty; free with seckit_secret_free). */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_s3cse_decrypt(uint8_t **plaintext, size_t *pt_len, const seckit_s3cse_options *opts,
                     const seckit_s3cse_keyring *kr, const seckit_s3cse_kv *meta, size_t n,
                     const char *instruction, size_t instruction_len, const uint8_t *body,
                     size_t body_len, seckit_error *err);

#ifdef __cplusplus
}
#endif
#endif
