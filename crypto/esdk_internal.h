/* Internal: the AWS Encryption SDK message format (shared by the crypto/esdk_*
 * files).  Not installed.  Facts: SPEC data-format and framework documents, as
 * summarised in docs of the project (fle-esdk.md section 3). */
#ifndef SECKIT_CRYPTO_ESDK_INTERNAL_H
#define SECKIT_CRYPTO_ESDK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/buf.h"
#include "seckit/esdk.h"

#define SKT_ESDK_IV_LEN 12
#define SKT_ESDK_TAG_LEN 16
#define SKT_ESDK_COMMIT_LEN 32
#define SKT_ESDK_MAX_KEY_LEN 32
#define SKT_ESDK_FINAL_SEQ 0xFFFFFFFFu
/* Non-framed content limit (2^36 - 32, AES-GCM's limit). */
#define SKT_ESDK_NONFRAMED_MAX ((uint64_t)68719476704ULL)
/* Header limit used when opts->max_header_len is 0: what the largest real
 * message can need, computed from the EDK and context limits in force:
 *   SKT_ESDK_HEADER_FIXED   fixed fields of a v2 header body (the larger
 *                           layout): 1+2+32 + 2 (context length) + 2 (EDK
 *                           count) + 1+4+32, rounded up to 128;
 *   + max_context           the serialized encryption context (at most
 *                           65,535 bytes, the u16 length field);
 *   + max_edks x SKT_ESDK_EDK_BUDGET  one EDK of the supported keyrings:
 *                           raw RSA ciphertext is the modulus size (at most
 *                           2,048 bytes for RSA-16384, 256 for CloudFront's
 *                           RSA-2048), raw AES 48 bytes; provider ID and info
 *                           are the keyring's namespace and name (+ 20 bytes
 *                           for AES); 3 x 2 length bytes.  4,096 bytes leaves
 *                           room for names of up to about 1 KiB each.
 * With the default 10 EDKs and a full context that is 106,623 bytes, down
 * from the old fixed 16 MiB, which let one message cost 16 MiB of buffering
 * and parsing before any authentication. */
#define SKT_ESDK_HEADER_FIXED ((size_t)128)
#define SKT_ESDK_EDK_BUDGET ((size_t)4096)
/* The streaming decryptor's cap on a non-framed body when max_body_len is 0. */
#define SKT_ESDK_STREAM_NONFRAMED_MAX ((uint64_t)64 * 1024 * 1024)

/* The one message for every failure to get or authenticate the data key. */
#define SKT_ESDK_AUTH_MSG                                                                          \
    "authentication failed: no key could decrypt the message or the message was modified"
int skt_esdk_auth_fail(seckit_error *err);

typedef enum { SKT_HASH_NONE = 0, SKT_HASH_SHA256, SKT_HASH_SHA384, SKT_HASH_SHA512 } skt_hash;

typedef struct skt_esdk_suite {
    uint16_t id;
    uint8_t version;
    uint8_t key_len;
    skt_hash kdf;      /* SKT_HASH_NONE = identity */
    skt_hash sig_hash; /* SKT_HASH_NONE = no signature */
    const char *curve; /* "P-256" / "P-384" / NULL */
    uint8_t point_len; /* compressed point bytes */
    uint8_t commits;
    uint32_t bit;
    const char *name;
} skt_esdk_suite;

const skt_esdk_suite *skt_esdk_suite_find(uint16_t id);

/* ---- encryption context -------------------------------------------------- */

/* A sorted, validated context with its serialization.  Owns every byte. */
typedef struct skt_esdk_ctx {
    seckit_esdk_pair *pairs; /* sorted by key bytes; strings NUL-terminated */
    size_t count;
    seckit_esdk_context view;
    uint8_t *ser; /* serialized: count, pairs ("" when count is 0) */
    size_t ser_len;
} skt_esdk_ctx;

void skt_esdk_ctx_free(skt_esdk_ctx *c);
/* Build from caller pairs (copies, validates UTF-8 and uniqueness, sorts,
 * serializes).  reserved_ok = 0 refuses keys starting with "aws-crypto-". */
int skt_esdk_ctx_from_pairs(skt_esdk_ctx *c, const seckit_esdk_pair *pairs, size_t n,
                            int reserved_ok, seckit_error *err);
/* Parse a serialized context (strict: count > 0, sorted, unique, UTF-8,
 * every byte used). */
int skt_esdk_ctx_parse(skt_esdk_ctx *c, const uint8_t *p, size_t n, seckit_error *err);
/* Look a key up: the pair or NULL. */
const seckit_esdk_pair *skt_esdk_ctx_get(const skt_esdk_ctx *c, const char *key, size_t key_len);
int skt_esdk_utf8_valid(const uint8_t *p, size_t n);

/* ---- header -------------------------------------------------------------- */

typedef struct skt_esdk_header {
    const skt_esdk_suite *suite;
    uint8_t version;
    uint8_t message_id[32];
    size_t message_id_len;
    const uint8_t *aad; /* serialized context (points into the parsed bytes) */
    size_t aad_len;
    seckit_esdk_edk *edks; /* malloc'd array pointing into the parsed bytes */
    size_t edk_count;
    uint8_t content_type;
    uint32_t frame_length;
    const uint8_t *commit;    /* v2: 32 bytes */
    const uint8_t *header_iv; /* v1: 12 bytes */
    const uint8_t *tag;
    size_t body_len;  /* header body bytes (what the header tag covers) */
    size_t total_len; /* body + IV (v1) + tag */
} skt_esdk_header;

typedef struct skt_esdk_limits {
    size_t max_header;
    size_t max_context;
    uint32_t max_edks; /* always set: 1..65535 */
    uint32_t max_frame;
} skt_esdk_limits;

/* Length-only header scan, resumable: it reads only the length fields (and
 * the version), so feeding a header in pieces costs time linear in its
 * size.  Start with a zeroed struct; call again with the same bytes plus
 * more (p always starts at the header's first byte). */
typedef struct skt_esdk_hdr_scan {
    size_t pos; /* header bytes accounted for */
    uint32_t edks_left;
    uint8_t step;
    uint8_t field; /* 0..2: the field of the current EDK */
    uint8_t version;
    uint8_t checked; /* the fixed fields were validated */
    size_t total;    /* the header's length (with IV and tag) when done */
    size_t examined; /* bytes read by this scan and the parses it ran */
} skt_esdk_hdr_scan;
/* 0 with *needed = 0: the whole header (sc->total bytes) is in p[0..n);
 * 0 with *needed > 0: at least that many more bytes are needed; or an error
 * (bad version/fixed field, a limit exceeded). */
int skt_esdk_header_scan(skt_esdk_hdr_scan *sc, const uint8_t *p, size_t n,
                         const skt_esdk_limits *l, size_t *needed, seckit_error *err);
/* Bytes of header examined by a decryptor so far (scans and parses): for the
 * linearity regression test. */
size_t skt_esdk_decryptor_header_work(const seckit_esdk_decryptor *d);

void skt_esdk_limits_from(const seckit_esdk_options *opts, skt_esdk_limits *l);
/* Parse a header from p (strict).  SECKIT_ETRUNCATED means "more bytes are
 * needed" when streaming.  h->edks must be freed with skt_esdk_header_clear. */
int skt_esdk_header_parse(const uint8_t *p, size_t n, const skt_esdk_limits *l, skt_esdk_header *h,
                          seckit_error *err);
void skt_esdk_header_clear(skt_esdk_header *h);
/* Parse the header's stored encryption context (strict). */
int skt_esdk_header_context(skt_esdk_ctx *c, const skt_esdk_header *h, seckit_error *err);
/* Fill a public info struct from a parsed header and its context. */
int skt_esdk_info_fill(seckit_esdk_info *info, const skt_esdk_header *h, seckit_error *err);

/* ---- crypto helpers ------------------------------------------------------ */

int skt_esdk_random(void *p, size_t n, seckit_error *err);
/* Derive the message's content key (key_len bytes) and, for v2, the commit
 * key (32 bytes). */
int skt_esdk_derive(const skt_esdk_suite *s, const uint8_t *data_key, const uint8_t *msg_id,
                    uint8_t *key_out, uint8_t *commit_out, seckit_error *err);

/* An AES-GCM context bound to one key, reused for every frame. */
typedef struct skt_gcm skt_gcm;
int skt_gcm_new(skt_gcm **out, const uint8_t *key, size_t key_len, int encrypt, seckit_error *err);
void skt_gcm_free(skt_gcm *g);
/* Encrypt: out gets n bytes, tag 16 bytes. */
int skt_gcm_seal(skt_gcm *g, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
                 const uint8_t *aad2, size_t aad2_len, const uint8_t *in, size_t n, uint8_t *out,
                 uint8_t *tag, seckit_error *err);
/* Decrypt: returns SECKIT_EAUTH (generic) when the tag does not verify; out
 * is then wiped. */
int skt_gcm_open(skt_gcm *g, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
                 const uint8_t *aad2, size_t aad2_len, const uint8_t *in, size_t n,
                 const uint8_t *tag, uint8_t *out, seckit_error *err);

/* ECDSA over the message bytes. */
typedef struct skt_sig skt_sig;
/* Signer: makes a fresh key; *pub_b64 (malloc'd, NUL-terminated) is the
 * base64 compressed point for the context. */
int skt_sig_signer_new(skt_sig **out, const skt_esdk_suite *s, char **pub_b64, seckit_error *err);
/* Verifier from the context's base64 compressed point. */
int skt_sig_verifier_new(skt_sig **out, const skt_esdk_suite *s, const char *b64, size_t len,
                         seckit_error *err);
int skt_sig_update(skt_sig *g, const uint8_t *p, size_t n, seckit_error *err);
/* Signer: DER signature into a malloc'd buffer. */
int skt_sig_sign_final(skt_sig *g, uint8_t **sig, size_t *sig_len, seckit_error *err);
/* Verifier: 0 or SECKIT_EAUTH (generic). */
int skt_sig_verify_final(skt_sig *g, const uint8_t *sig, size_t sig_len, seckit_error *err);
void skt_sig_free(skt_sig *g);

/* ---- body AAD ------------------------------------------------------------ */

typedef enum { SKT_BODY_SINGLE = 0, SKT_BODY_FRAME = 1, SKT_BODY_FINAL = 2 } skt_body_kind;
/* Write the body AAD into out (at most 32 + 35 + 12 bytes); returns length. */
size_t skt_esdk_body_aad(uint8_t *out, const uint8_t *msg_id, size_t msg_id_len, skt_body_kind kind,
                         uint32_t seq, uint64_t len);
#define SKT_ESDK_BODY_AAD_MAX 96

/* ---- keyrings ------------------------------------------------------------ */

struct seckit_keyring_materials {
    const skt_esdk_suite *suite;
    const skt_esdk_ctx *ctx;
    uint8_t *data_key; /* guarded, SKT_ESDK_MAX_KEY_LEN bytes */
    int owns_key;      /* data_key was allocated by skt_materials_init */
    int has_key;
    int encrypting;
    seckit_esdk_edk *edks; /* encrypt: owned copies */
    size_t n_edks, cap_edks;
};

typedef enum { SKT_KR_RSA = 1, SKT_KR_AES, SKT_KR_MULTI, SKT_KR_CUSTOM } skt_kr_kind;

struct seckit_keyring {
    _Atomic long refs;
    skt_kr_kind kind;
    char *ns; /* raw keyrings: namespace and name, NUL-terminated */
    size_t ns_len;
    char *name;
    size_t name_len;
    void *pkey; /* RSA: EVP_PKEY */
    int has_private;
    seckit_rsa_padding padding;
    uint8_t *aes_key; /* AES: guarded */
    size_t aes_len;
    seckit_keyring *generator; /* multi */
    seckit_keyring **children;
    size_t n_children;
    const seckit_keyring_ops *ops; /* custom */
    void *ctx;
};

/* Raw keyrings (crypto/esdk_keyring_raw.c). */
int skt_raw_rsa_encrypt(const seckit_keyring *kr, seckit_keyring_materials *m, seckit_error *err);
int skt_raw_rsa_decrypt(const seckit_keyring *kr, seckit_keyring_materials *m,
                        const seckit_esdk_edk *edks, size_t n, seckit_error *err);
int skt_raw_aes_encrypt(const seckit_keyring *kr, seckit_keyring_materials *m, seckit_error *err);
int skt_raw_aes_decrypt(const seckit_keyring *kr, seckit_keyring_materials *m,
                        const seckit_esdk_edk *edks, size_t n, seckit_error *err);
void skt_raw_rsa_free_key(void *pkey);
/* Allocate a keyring with one reference and the given raw names checked. */
int skt_keyring_alloc(seckit_keyring **out, skt_kr_kind kind, const char *ns, const char *name,
                      seckit_error *err);

/* key_buf: caller-owned guarded memory of SKT_ESDK_MAX_KEY_LEN bytes for the
 * data key (wiped by skt_materials_clear), or NULL to allocate one. */
int skt_materials_init(seckit_keyring_materials *m, const skt_esdk_suite *s,
                       const skt_esdk_ctx *ctx, int encrypting, uint8_t *key_buf,
                       seckit_error *err);
void skt_materials_clear(seckit_keyring_materials *m);

/* Run a keyring (internal dispatch; decrypt maps failures to the generic
 * error). */
int skt_keyring_on_encrypt(const seckit_keyring *kr, seckit_keyring_materials *m,
                           seckit_error *err);
int skt_keyring_on_decrypt(const seckit_keyring *kr, seckit_keyring_materials *m,
                           const seckit_esdk_edk *edks, size_t n, seckit_error *err);

#endif
