/* seckit/fle.h - CloudFront field-level encryption (FLE).
 *
 * Three parts:
 *
 *  1. An application/x-www-form-urlencoded codec (seckit_form_*) that splits
 *     a body on '&' and each field on its first '=', percent-decodes names
 *     and values ('+' is a space), and re-encodes a body so that every field
 *     that was not changed keeps its exact original bytes.
 *
 *  2. The FLE configuration model in CloudFront's API shapes (public keys,
 *     FieldLevelEncryptionProfileConfig, FieldLevelEncryptionConfig), read
 *     from JSON and validated with CloudFront's rules and quotas
 *     (seckit_fle_config_*), and encryption of a form body exactly as
 *     CloudFront does it (seckit_fle_encrypt_*): AWS Encryption SDK message,
 *     suite 0x0178, empty encryption context, one encrypted data key whose
 *     provider id is the profile's ProviderId and whose provider info is the
 *     public key's Name, wrapped with RSA-OAEP-SHA256 (MGF1-SHA256), framed,
 *     standard base64 with padding, percent-encoded in the body.
 *
 *  3. Decryption at the origin (seckit_fle_decryptor): a reusable,
 *     thread-safe context holding parsed private keys.
 *
 * Limits are CloudFront's published quotas (docs: "Quotas on field-level
 * encryption").
 */
#ifndef SECKIT_FLE_H
#define SECKIT_FLE_H

#include <stddef.h>
#include <stdint.h>

#include "seckit/export.h"
#include "seckit/error.h"
#include "seckit/esdk.h"

#ifdef __cplusplus
extern "C" {
#endif

/* CloudFront's quotas. */
#define SECKIT_FLE_MAX_BODY (1024u * 1024u)  /* request body with FLE configured */
#define SECKIT_FLE_MAX_FIELD (16u * 1024u)   /* one field to encrypt (plaintext) */
#define SECKIT_FLE_MAX_FIELDS 10u            /* encrypted fields in one request */
#define SECKIT_FLE_MAX_PATTERNS 10u          /* field patterns in one profile */
#define SECKIT_FLE_MAX_PUBLIC_KEYS 10u       /* public keys (per account) */
#define SECKIT_FLE_MAX_PROFILES 10u          /* profiles (per account) */
#define SECKIT_FLE_MAX_QUERY_ARG_PROFILES 5u /* query-argument mappings per config */
#define SECKIT_FLE_MAX_NAME 128u             /* names, patterns, comments, ids */

/* The content type FLE works on, and the query argument that picks a profile. */
#define SECKIT_FLE_CONTENT_TYPE "application/x-www-form-urlencoded"
#define SECKIT_FLE_QUERY_ARG "fle-profile"

/* ---------------------------------------------------------------------------
 * 1. application/x-www-form-urlencoded
 */
typedef struct seckit_form seckit_form;

/* Parse body (len bytes, at most max_len; 0 means SECKIT_FLE_MAX_BODY).
 * The body is split on '&' (empty pieces are kept, so the body is rebuilt
 * byte for byte), each piece on its first '='.  Names and values are
 * percent-decoded ('+' is a space).  Errors, with err->position.offset set to the
 * byte offset in the body:
 *   SECKIT_EFORMAT  a '%' not followed by two hex digits; a byte that is
 *                   never sent unencoded in a form body (controls, space,
 *                   bytes >= 0x80, and " < > \ ^ ` { | } ;), which is how a
 *                   JSON, XML or multipart body is recognised;
 *   SECKIT_ELIMIT   the body is longer than max_len.
 * The form copies what it needs; body need not outlive it. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_form_parse(seckit_form **out, const void *body,
                                                      size_t len, size_t max_len,
                                                      seckit_error *err);

/* seckit_form_parse with flags.  SECKIT_FORM_LENIENT: bytes the strict
 * codec refuses (raw UTF-8 and other bytes >= 0x80, controls, space,
 * " < > \ ^ ` { | } ;) and malformed percent escapes are passed through
 * as they are instead of failing the parse; only '&' and the first '='
 * still split.  Each field then records whether it was strictly
 * well-formed (seckit_form_field_is_strict), so that a caller can hold the
 * fields it cares about (the encrypted ones) to the strict rules. */
#define SECKIT_FORM_LENIENT 1u
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_form_parse_ex(seckit_form **out, const void *body,
                                                         size_t len, size_t max_len, unsigned flags,
                                                         seckit_error *err);

/* 1 when field i's raw bytes pass the strict codec (always, after a strict
 * parse); 0 otherwise (or for a bad index), with *bad_offset (may be NULL)
 * set to the body offset of the first refused byte. */
SECKIT_EXPORT int seckit_form_field_is_strict(const seckit_form *form, size_t *bad_offset,
                                              size_t i);

/* Field i's raw bytes as they are in the body (the piece between '&'s,
 * not NUL-terminated; valid until the form is freed) and the length of its
 * raw name (the bytes before the first '=').  SECKIT_EINVAL for a bad
 * index. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_form_field_raw(const seckit_form *form, const char **raw,
                                                          size_t *raw_len, size_t *name_raw_len,
                                                          size_t i);
SECKIT_EXPORT void seckit_form_free(seckit_form *form);

/* Number of fields (pieces between '&'), including empty ones. */
SECKIT_EXPORT size_t seckit_form_count(const seckit_form *form);

/* Field i's decoded name and value.  Both are NUL-terminated (a decoded
 * %00 makes the length the only reliable end).  *has_value (may be NULL)
 * is 0 for a piece without '='.  The pointers stay valid until the form
 * is freed or field i's value is set.  SECKIT_EINVAL for a bad index. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_form_field(const seckit_form *form, const char **name,
                                                      size_t *name_len, const char **value,
                                                      size_t *value_len, int *has_value, size_t i);

/* Byte offset of field i (its first byte) in the parsed body. */
SECKIT_EXPORT size_t seckit_form_field_offset(const seckit_form *form, size_t i);

/* Replace field i's value (decoded bytes; copied into memory that is wiped
 * when the form is freed, since it is usually a secret).  The field is re-encoded on
 * serialisation: its name keeps its original bytes, the value is
 * percent-encoded (alphanumerics and * - . _ as they are, space as '+',
 * everything else %XX). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_form_set_value(seckit_form *form, size_t i,
                                                          const void *value, size_t len,
                                                          seckit_error *err);

/* Rebuild the body: unchanged fields byte-identical, changed fields
 * re-encoded.  *out is NUL-terminated secret memory: free it with
 * seckit_secret_free(), which wipes it. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_form_serialize(const seckit_form *form, char **out,
                                                          size_t *out_len, seckit_error *err);

/* Percent-encode len bytes the way seckit_form_set_value does; *out is
 * NUL-terminated secret memory (free with seckit_secret_free). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_form_encode_component(char **out, size_t *out_len,
                                                                 const void *in, size_t len,
                                                                 seckit_error *err);

/* ---------------------------------------------------------------------------
 * 2. Configuration in CloudFront's shapes, and encryption as CloudFront does
 *
 * The JSON file has three members; inside them, every element has its
 * CloudFront API name:
 *
 *   {
 *     "public_keys": [ { "Id": "K1", "Name": "DemoPublicKey",
 *                        "EncodedKey": "-----BEGIN PUBLIC KEY-----\n...",
 *                        "Comment": "..." } ],
 *     "profiles": [ { "Id": "P1", "Name": "DemoProfile", "CallerReference": "r1",
 *                     "EncryptionEntities": { "Quantity": 1, "Items": [
 *                       { "PublicKeyId": "K1", "ProviderId": "FLEDemo",
 *                         "FieldPatterns": { "Quantity": 1, "Items": ["Phone"] } } ] } } ],
 *     "config": { "CallerReference": "c1",
 *                 "ContentTypeProfileConfig": {
 *                   "ForwardWhenContentTypeIsUnknown": false,
 *                   "ContentTypeProfiles": { "Quantity": 1, "Items": [
 *                     { "ContentType": "application/x-www-form-urlencoded",
 *                       "Format": "URLEncoded", "ProfileId": "P1" } ] } },
 *                 "QueryArgProfileConfig": {
 *                   "ForwardWhenQueryArgProfileIsUnknown": false,
 *                   "QueryArgProfiles": { "Quantity": 1, "Items": [
 *                     { "QueryArg": "phone", "ProfileId": "P1" } ] } } }
 *   }
 *
 * A public key may also be given as CloudFront returns it ({"Id": ..,
 * "PublicKeyConfig": {...}}), a profile as {"Id": .., "FieldLevelEncryption
 * ProfileConfig": {...}}, and "config" as {"FieldLevelEncryptionConfig":
 * {...}}.  PublicKeyId and ProfileId may name the key or profile by its Id
 * or by its Name.  "Quantity" is optional; when present it must match.
 * "config" is optional (then only explicit profiles can be used).
 *
 * Validation follows CloudFront: RSA-2048 keys only; names of keys and
 * profiles 1-128 of [A-Za-z0-9_-] and unique; ProviderId 1-128 of
 * [A-Za-z0-9:_-]; field patterns 1-128 of [A-Za-z0-9[]._-] with an
 * optional trailing '*' (prefix match; case-sensitive), at most 10 per
 * profile, and no two patterns of a profile overlapping ("AB*" and "ABC*",
 * "AB*" and "ABX", or the same pattern twice); comments at most 128
 * characters; content type only application/x-www-form-urlencoded with
 * format URLEncoded; at most 5 query-argument mappings, QueryArg 1-128 of
 * [A-Za-z0-9-._*+%], unique; at most 10 keys and 10 profiles.  Each
 * violation is an SECKIT_EFORMAT error naming the element, e.g.
 * "profiles[0].EncryptionEntities.Items[1].FieldPatterns.Items[3]: ...".
 */
typedef struct seckit_fle_config seckit_fle_config;

/* Parse and validate a configuration (JSON text, len bytes): one document
 * in any of the shapes seckit_fle_config_parse_sources accepts. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_fle_config_parse(seckit_fle_config **out, const char *json, size_t len, seckit_error *err);

/* A configuration may also be given as several JSON documents (files), as
 * `aws cloudfront` prints and takes them.  Each document is one of:
 *   - the file above, {"public_keys", "profiles", "config"} (with several
 *     documents each member is optional);
 *   - what `aws cloudfront get-public-key`, get-public-key-config,
 *     get-field-level-encryption-profile, get-field-level-encryption-profile-config,
 *     get-field-level-encryption or get-field-level-encryption-config print:
 *     {"PublicKey": {"Id", "CreatedTime", "PublicKeyConfig": {...}}, "ETag"},
 *     {"PublicKeyConfig": {...}, "ETag"}, {"FieldLevelEncryptionProfile": {"Id",
 *     "LastModifiedTime", "FieldLevelEncryptionProfileConfig": {...}}, "ETag"},
 *     {"FieldLevelEncryptionProfileConfig": {...}, "ETag"},
 *     {"FieldLevelEncryption": {"Id", "LastModifiedTime",
 *     "FieldLevelEncryptionConfig": {...}}, "ETag"} and
 *     {"FieldLevelEncryptionConfig": {...}, "ETag"} ("ETag" optional; the
 *     inner objects, with their "Id", are accepted on their own too);
 *   - a bare PublicKeyConfig, FieldLevelEncryptionProfileConfig or
 *     FieldLevelEncryptionConfig, as `aws cloudfront create-*` takes it
 *     (without an Id: reference such a key or profile by its Name).
 * Together they must hold at least one public key and at most one
 * FieldLevelEncryptionConfig; references (PublicKeyId, ProfileId) may
 * cross documents.  A document in none of these shapes is an error whose
 * message lists them.
 *
 * Every problem is found in one run: each is passed to report (may be
 * NULL) as an error whose message starts with the source's name (when
 * given) and names the element's path ("keys.json: PublicKey.PublicKeyConfig
 * .Name: ..."; a JSON syntax error has err->position.line and column).  Problems are
 * independent: a key or profile that fails is still known by its Id and
 * Name, so references to it add no second problem.  Returns 0 when there
 * is none; otherwise the code of the first, with err holding it,
 * *n_problems (may be NULL) the count, and *out NULL. */
typedef struct seckit_fle_config_source {
    const char *name; /* for messages, e.g. the file name; may be NULL */
    const char *json;
    size_t len;
} seckit_fle_config_source;

typedef void (*seckit_fle_problem_cb)(void *ctx, const seckit_error *problem);

SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_fle_config_parse_sources(seckit_fle_config **out, size_t *n_problems,
                                const seckit_fle_config_source *sources, size_t n,
                                seckit_fle_problem_cb report, void *ctx, seckit_error *err);

/* The documents' elements gathered into one document of the first shape
 * above (each key, profile and configuration as it was given, wrapped or
 * bare), for tools that pass the elements on (seckit fle push).  Checks
 * the shapes only; validate with seckit_fle_config_parse_sources.  *json
 * is malloc()ed (free with free()). */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_fle_config_combine(char **json, const seckit_fle_config_source *sources, size_t n,
                          seckit_error *err);
SECKIT_EXPORT void seckit_fle_config_free(seckit_fle_config *cfg);

SECKIT_EXPORT size_t seckit_fle_config_profile_count(const seckit_fle_config *cfg);
/* Name of profile i (NULL for a bad index). */
SECKIT_EXPORT const char *seckit_fle_config_profile_name(const seckit_fle_config *cfg, size_t i);
/* Whether the file had a "config" member. */
SECKIT_EXPORT int seckit_fle_config_has_config(const seckit_fle_config *cfg);

/* A profile to encrypt with. */
typedef struct seckit_fle_profile seckit_fle_profile;

/* A profile of the configuration, by Name or Id (SECKIT_ENOTFOUND when
 * none).  The profile is owned by cfg. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_fle_config_profile(const seckit_fle_config *cfg,
                                                              const seckit_fle_profile **out,
                                                              const char *name_or_id,
                                                              seckit_error *err);

/* A one-entity profile made directly from a public key (SPKI or PKCS#1 PEM,
 * RSA-2048), a provider id, a key name and field patterns, validated with
 * the same rules.  Free with seckit_fle_profile_free(). */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_fle_profile_new(seckit_fle_profile **out, const char *public_key_pem, size_t pem_len,
                       const char *provider_id, const char *key_name, const char *const *patterns,
                       size_t n_patterns, seckit_error *err);
SECKIT_EXPORT void seckit_fle_profile_free(seckit_fle_profile *profile);

/* What CloudFront would do with a request. */
typedef enum seckit_fle_action {
    SECKIT_FLE_ENCRYPT = 1, /* encrypt with the selected profile */
    SECKIT_FLE_FORWARD = 2  /* forward the body unchanged (not encrypted) */
} seckit_fle_action;

typedef struct seckit_fle_selection {
    seckit_fle_action action;
    const seckit_fle_profile *profile; /* when action == SECKIT_FLE_ENCRYPT */
    char reason[160];                  /* one line: why this action */
} seckit_fle_selection;

/* Choose what to do with a request as CloudFront does, from its content
 * type (parameters after ';' are ignored; compared case-insensitively;
 * NULL means application/x-www-form-urlencoded) and its query string (NULL
 * or "" for none; a leading '?' is skipped):
 *   - a content type that is not configured: forwarded when
 *     ForwardWhenContentTypeIsUnknown is true, refused otherwise;
 *   - a configured content type without a ProfileId: forwarded;
 *   - with a QueryArgProfileConfig, a query argument fle-profile=V that
 *     maps to a profile selects that profile (it overrides the content
 *     type's); an unmapped V is refused unless
 *     ForwardWhenQueryArgProfileIsUnknown is true, in which case the
 *     content type's profile applies (or the body is forwarded when it has
 *     none);
 *   - otherwise the content type's profile.
 * Refusals are SECKIT_EPOLICY with the reason; a configuration without
 * "config" gives SECKIT_EINVAL. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_fle_select(const seckit_fle_config *cfg,
                                                      seckit_fle_selection *out,
                                                      const char *content_type, const char *query,
                                                      seckit_error *err);

/* Encrypt the fields of a form body that match the profile's patterns, as
 * CloudFront does; each occurrence of a repeated field is encrypted
 * separately.  Refuses (SECKIT_ELIMIT) a body over 1 MB, a field value over
 * 16 KB and more than 10 matching fields.  *out is NUL-terminated secret
 * memory (free with seckit_secret_free); *n_encrypted (may be NULL) receives
 * the number of fields encrypted. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_fle_encrypt_body(const seckit_fle_profile *profile,
                                                            char **out, size_t *out_len,
                                                            size_t *n_encrypted, const void *body,
                                                            size_t len, seckit_error *err);

/* Encrypt one value the way seckit_fle_encrypt_body does for a field that
 * matches `field_name` (SECKIT_ENOTFOUND when no pattern matches); *out is
 * the base64 text (not percent-encoded), free with free(). */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_fle_encrypt_value(const seckit_fle_profile *profile, char **out, size_t *out_len,
                         const char *field_name, const void *value, size_t len, seckit_error *err);

/* ---------------------------------------------------------------------------
 * 3. Decryption at the origin
 */

typedef struct seckit_fle_decrypt_options {
    unsigned int version; /* SECKIT_FLE_DECRYPT_OPTIONS_VERSION */
    /* Most encrypted data keys a message may carry (checked while parsing
     * the header, before any RSA work).  0 means the FLE default, 1. */
    unsigned max_encrypted_data_keys;
    /* Algorithm suites accepted.  When n_suites is 0 the FLE default
     * applies: 0x0178, 0x0378 and the committing 0x0478, 0x0578. */
    const uint16_t *suites;
    size_t n_suites;
    /* Also accept the identity-KDF suites 0x0014, 0x0046, 0x0078. */
    int allow_identity_kdf;
    /* Most encrypted fields decrypted in one body; 0 means 10. */
    size_t max_fields;
    /* Largest plaintext of one field; 0 means 16 KB. */
    size_t max_field_plaintext;
    /* Largest body; 0 means 1 MB. */
    size_t max_body;
    /* Risky opt-in: with no field named (no add_field/add_profile_fields
     * and no fields argument), let seckit_fle_decrypt_body decrypt every
     * field whose value looks encrypted.  Off by default, since a client
     * can then post a captured ciphertext in any field (say one the server
     * echoes) and read the plaintext back, and a named field that arrives
     * in plaintext is not noticed. */
    int any_encrypted_field;
    /* (Frame lengths above 1 MiB are always refused: anyone holding the
     * public key can make a valid message, and a frame is allocated whole.) */
    /* Lenient form mode: fields that are not decrypted may carry bytes the
     * strict codec refuses (raw UTF-8, '|', ';', a stray '%', ...); they
     * are passed through untouched (see SECKIT_FORM_LENIENT).  A field
     * that is decrypted must still be strictly form-encoded: otherwise the
     * body is refused (SECKIT_EFORMAT). */
    int lenient_form;
} seckit_fle_decrypt_options;

#define SECKIT_FLE_DECRYPT_OPTIONS_VERSION 1
#define SECKIT_FLE_DECRYPT_OPTIONS_INIT                                                            \
    {                                                                                              \
        SECKIT_FLE_DECRYPT_OPTIONS_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0                              \
    }

/* Fill opts with the defaults of this version of the structure (pass
 * SECKIT_FLE_DECRYPT_OPTIONS_VERSION), the same as
 * SECKIT_FLE_DECRYPT_OPTIONS_INIT: every other member 0, the FLE defaults
 * above.  SECKIT_EINVAL when opts is NULL or the version is unknown. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_fle_decrypt_options_init(seckit_fle_decrypt_options *opts, unsigned int version,
                                seckit_error *err);

/* A reusable decryption context.  Set it up (new, add_key, add_field...),
 * then share it: the decrypt functions take it const and may be called from
 * any number of threads at once.  The first decryption (or
 * seckit_fle_decryptor_seal, or handing it to a keystore) seals it: from
 * then on add_key and add_field are refused (SECKIT_EINVAL), so a shared
 * context never changes under a reader.  Setup calls on one thread racing
 * a first decryption on another are safe too: each setup call either
 * completes before the seal or is refused.
 *
 * A decryptor is reference-counted: new returns one reference;
 * seckit_fle_decryptor_ref takes another, seckit_fle_decryptor_unref (or
 * its older name seckit_fle_decryptor_free) drops one, and the last drop
 * frees it.  To rotate keys without a restart, see seckit_fle_keystore. */
typedef struct seckit_fle_decryptor seckit_fle_decryptor;

SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_fle_decryptor_new(seckit_fle_decryptor **out,
                                                             const seckit_fle_decrypt_options *opts,
                                                             seckit_error *err);
/* Add a private key (PEM: PKCS#8 or PKCS#1; or DER) for the EDKs whose
 * provider id is provider_id and whose provider info is key_name (exact,
 * case-sensitive).  Several keys may be added (key rotation): each message
 * uses the key its EDK names.  The key bytes are not kept; the parsed key
 * is held until the decryptor is freed.  padding: CloudFront uses
 * SECKIT_RSA_OAEP_SHA256 (OAEP-SHA256 with MGF1-SHA256).  A second key with
 * the same provider id and key name is refused.  SECKIT_EINVAL once the
 * decryptor is sealed. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_fle_decryptor_add_key(seckit_fle_decryptor *d, const char *provider_id, const char *key_name,
                             const void *private_key, size_t key_len, seckit_rsa_padding padding,
                             seckit_error *err);
SECKIT_EXPORT size_t seckit_fle_decryptor_key_count(const seckit_fle_decryptor *d);
/* Add every private key of a keys folder laid out as DIR/PROVIDER/KEYNAME.pem
 * (the provider id is the sub-folder's name, the key name the file's name
 * without ".pem"; PEM PKCS#8 or PKCS#1), each with SECKIT_RSA_OAEP_SHA256,
 * as `seckit fle decrypt --keys-dir` does.  Names starting with '.', files
 * directly in DIR and files not ending in ".pem" are skipped; folders and
 * files are read in name order.  Unless allow_insecure, DIR must pass
 * seckit_keydir_check and every key file seckit_keyfile_read's checks (see
 * seckit/file.h).  The first failure stops the load and names the file
 * (keys added before it stay in d; make a new decryptor to retry).
 * SECKIT_ENOTFOUND when the folder holds no key; SECKIT_ENOENT when it
 * does not exist.  *n_loaded (may be NULL) receives the number of keys
 * added.  SECKIT_EINVAL once d is sealed.  For key rotation, load a new
 * decryptor and hand it to seckit_fle_keystore_swap. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_fle_decryptor_add_keys_dir(seckit_fle_decryptor *d, size_t *n_loaded, const char *dir,
                                  int allow_insecure, seckit_error *err);
/* The fields seckit_fle_decrypt_body decrypts when its call names none:
 * a field name, or a prefix followed by '*' (CloudFront's pattern rules:
 * 1-128 of [A-Za-z0-9[]._-], case-sensitive).  A field that matches must
 * arrive encrypted (else the body fails: a plaintext Phone= means
 * CloudFront was bypassed); fields that match no pattern are left as they
 * are even when they look encrypted.  add_profile_fields adds every
 * pattern of a profile (seckit_fle_config_profile), so the origin uses the
 * same file as encrypt and push.  SECKIT_EINVAL once sealed. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_fle_decryptor_add_field(seckit_fle_decryptor *d, const char *pattern, seckit_error *err);
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_fle_decryptor_add_profile_fields(seckit_fle_decryptor *d, const seckit_fle_profile *profile,
                                        seckit_error *err);
/* Number of patterns (seals d). */
SECKIT_EXPORT size_t seckit_fle_decryptor_field_count(const seckit_fle_decryptor *d);
/* Whether a field of this (decoded) name is to be decrypted: it matches a
 * pattern, or no pattern was added and any_encrypted_field is set (then
 * only if its value looks encrypted).  Seals d.  For servers that walk a
 * form themselves. */
SECKIT_EXPORT int seckit_fle_decryptor_field_selected(const seckit_fle_decryptor *d,
                                                      const char *name, size_t len);
/* Make d immutable now (idempotent; any thread). */
SECKIT_EXPORT void seckit_fle_decryptor_seal(seckit_fle_decryptor *d);
SECKIT_EXPORT int seckit_fle_decryptor_is_sealed(const seckit_fle_decryptor *d);
/* Take a reference (returns d; NULL stays NULL). */
SECKIT_EXPORT seckit_fle_decryptor *seckit_fle_decryptor_ref(seckit_fle_decryptor *d);
/* Drop a reference; the last one frees the decryptor and its keys. */
SECKIT_EXPORT void seckit_fle_decryptor_unref(seckit_fle_decryptor *d);
/* The same as seckit_fle_decryptor_unref (the name from before reference
 * counting; a decryptor nobody else referenced is freed as before). */
SECKIT_EXPORT void seckit_fle_decryptor_free(seckit_fle_decryptor *d);

/* A holder for "the current decryptor" that a server shares between its
 * worker threads and replaces on key rotation without a restart:
 *
 *   worker:   seckit_fle_decryptor *d = seckit_fle_keystore_acquire(ks);
 *             seckit_fle_decrypt_body(d, ...);
 *             seckit_fle_decryptor_unref(d);
 *   rotation: build and fill a new decryptor d2 (new, add_key...), then
 *             seckit_fle_keystore_swap(ks, d2, &err);
 *             seckit_fle_decryptor_unref(d2);   (the keystore keeps its own)
 *
 * A request that acquired the old decryptor finishes with it; the old one
 * is freed when the last such request drops it.  acquire and swap hold an
 * internal mutex only to read or replace a pointer and count a reference
 * (never during RSA work).  new and swap seal the decryptor they are given
 * and take their own reference to it (the caller keeps and drops its
 * own).  acquire returns a new reference (never NULL for a valid ks). */
typedef struct seckit_fle_keystore seckit_fle_keystore;

SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_fle_keystore_new(seckit_fle_keystore **out, seckit_fle_decryptor *d, seckit_error *err);
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_fle_keystore_swap(seckit_fle_keystore *ks, seckit_fle_decryptor *d, seckit_error *err);
SECKIT_EXPORT seckit_fle_decryptor *seckit_fle_keystore_acquire(seckit_fle_keystore *ks);
/* Drops the keystore's reference to its current decryptor. */
SECKIT_EXPORT void seckit_fle_keystore_free(seckit_fle_keystore *ks);

/* Whether a (percent-decoded) field value looks like an FLE value: base64
 * of an AWS Encryption SDK message (version 1 type 0x80 or version 2, with
 * a known suite).  Cheap: decodes only the first bytes. */
SECKIT_EXPORT int seckit_fle_value_is_encrypted(const char *value, size_t len);

/* Decrypt one field value: base64 text (standard or URL-safe alphabet,
 * padding optional, a space accepted for '+'; already percent-decoded).
 * Errors: SECKIT_ENOTFOUND when no key matches the EDK (the message names
 * the provider id and key name the value asks for), SECKIT_EAUTH when a key
 * matches but the data key or a tag does not verify, SECKIT_EFORMAT /
 * SECKIT_ETRUNCATED for a malformed message, SECKIT_EPOLICY for a suite or
 * EDK count the options do not allow.  *plain is NUL-terminated secret
 * memory (free with seckit_secret_free); nothing is returned on failure. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_fle_decrypt_value(const seckit_fle_decryptor *d,
                                                             uint8_t **plain, size_t *plain_len,
                                                             const char *value, size_t len,
                                                             seckit_error *err);

/* Decrypt a form body.  Which fields:
 *   - n_fields > 0: exactly the fields named (each must occur at least
 *     once: SECKIT_ENOTFOUND; each occurrence must be an FLE value);
 *   - else the decryptor's patterns (seckit_fle_decryptor_add_field):
 *     every field that matches must be an FLE value (SECKIT_EFORMAT if it
 *     arrives in plaintext); other fields are not touched even when they
 *     look encrypted;
 *   - else, only with opts.any_encrypted_field (risky), every field whose
 *     value is an FLE value (seckit_fle_value_is_encrypted); without it,
 *     SECKIT_EINVAL (no field named).  All fields are decrypted before any
 * output: a single failure fails the whole body and returns nothing.
 * Other fields keep their exact bytes.  *out is NUL-terminated secret
 * memory (free with seckit_secret_free); *n_decrypted (may be NULL) receives the
 * count.  Error messages name the field and its byte offset. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_fle_decrypt_body(const seckit_fle_decryptor *d,
                                                            char **out, size_t *out_len,
                                                            size_t *n_decrypted, const void *body,
                                                            size_t len, const char *const *fields,
                                                            size_t n_fields, seckit_error *err);

/* Decrypt a form body field by field, for a server that hands the fields
 * to its handler itself instead of re-parsing a re-encoded body (which a
 * second parser might read differently).  Which fields are decrypted, the
 * checks and the errors are those of seckit_fle_decrypt_body; all fields
 * are decrypted before anything is returned, and a failure returns
 * nothing.  Free *out with seckit_fle_fields_free, which wipes the
 * plaintexts and the copy of the body.
 *
 * Every FLE decrypt function (this one, seckit_fle_decrypt_body and
 * seckit_fle_decrypt_value) fills err->public_message on failure with a
 * short sentence safe to send to a client ("field 2: the encrypted value
 * could not be decrypted"): it names no key, provider id or offset, and is
 * the same for every failure inside an encrypted value.  Log err->message;
 * show seckit_error_public_message(err). */
typedef struct seckit_fle_fields seckit_fle_fields;

typedef struct seckit_fle_field {
    size_t index;  /* position in the body, from 0 */
    size_t offset; /* byte offset of the field's first byte in the body */
    /* The field's bytes exactly as they are in the body (not
     * NUL-terminated): the whole piece between '&'s, its name (before the
     * first '=') and its value (after it; empty when there is no '='). */
    const char *raw;
    size_t raw_len;
    const char *raw_name;
    size_t raw_name_len;
    const char *raw_value;
    size_t raw_value_len;
    /* Percent-decoded name and value as received ('+' is a space;
     * NUL-terminated; for a decrypted field the value is the base64
     * text). */
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
    int has_value;            /* 0 for a piece without '=' */
    int strict;               /* 1 when the raw bytes pass the strict codec (always 1
                      unless lenient_form is set) */
    int decrypted;            /* 1 for a decrypted field: */
    const uint8_t *plaintext; /* its plaintext, NUL-terminated, in memory
                                 wiped by seckit_fle_fields_free; NULL
                                 otherwise */
    size_t plaintext_len;
} seckit_fle_field;

SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_fle_decrypt_fields(const seckit_fle_decryptor *d,
                                                              seckit_fle_fields **out,
                                                              const void *body, size_t len,
                                                              const char *const *fields,
                                                              size_t n_fields, seckit_error *err);
/* Number of fields in the body (decrypted or not, including empty pieces). */
SECKIT_EXPORT size_t seckit_fle_fields_count(const seckit_fle_fields *f);
/* Number of fields decrypted. */
SECKIT_EXPORT size_t seckit_fle_fields_decrypted(const seckit_fle_fields *f);
/* Field i (pointers valid until f is freed); SECKIT_EINVAL for a bad index. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_fle_fields_get(const seckit_fle_fields *f,
                                                          seckit_fle_field *out, size_t i);
/* Call cb for every field in body order; stops at (and returns) the first
 * non-zero value cb returns. */
typedef int (*seckit_fle_field_cb)(void *ctx, const seckit_fle_field *field);
SECKIT_EXPORT int seckit_fle_fields_foreach(const seckit_fle_fields *f, seckit_fle_field_cb cb,
                                            void *ctx);
SECKIT_EXPORT void seckit_fle_fields_free(seckit_fle_fields *f);

#ifdef __cplusplus
}
#endif

#endif
