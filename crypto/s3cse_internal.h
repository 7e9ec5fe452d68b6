/* Internal: S3 client-side encryption (seckit/s3cse.h).  Not installed.
 *
 * s3cse_meta.c     key/value lists, JSON maps, instruction files, format
 *                  detection, envelope parsing and building, describe
 * s3cse_keyring.c  AES / RSA / KMS / multi keyrings: wrap and unwrap
 * s3cse_crypt.c    content encryption: HKDF commitment, encryptor,
 *                  decryptor (GCM, CBC, ranged CTR), rewrap, one-shots
 */
#ifndef SECKIT_CRYPTO_S3CSE_INTERNAL_H
#define SECKIT_CRYPTO_S3CSE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "seckit/s3cse.h"

#define SKT_S3CSE_KEY_LEN 32    /* AES-256 content key */
#define SKT_S3CSE_MSGID_LEN 28  /* V3 Message ID */
#define SKT_S3CSE_COMMIT_LEN 28 /* V3 key commitment */
#define SKT_S3CSE_GCM_IV_LEN 12
#define SKT_S3CSE_CBC_IV_LEN 16
#define SKT_S3CSE_MAX_EDK 8192   /* wrapped data key bytes */
#define SKT_S3CSE_MAX_JSON 65536 /* matdesc / context / instruction file */
#define SKT_S3CSE_MAX_PAIRS 256  /* members of one JSON map */

#define SKT_S3CSE_ALG_V2 "AES/GCM/NoPadding"
#define SKT_S3CSE_ALG_V3 "115"
#define SKT_S3CSE_ALG_CBC "AES/CBC/PKCS5Padding"

/* An owned list of pairs (names and values are separate malloc'ed strings). */
typedef struct skt_kvlist {
    seckit_s3cse_kv *kv;
    size_t count;
    size_t cap;
} skt_kvlist;

void skt_kvlist_free(skt_kvlist *l);
int skt_kvlist_add(skt_kvlist *l, const char *name, const char *value, seckit_error *err);
int skt_kvlist_copy(skt_kvlist *l, const seckit_s3cse_kv *kv, size_t n, seckit_error *err);
const char *skt_kvlist_get(const seckit_s3cse_kv *kv, size_t n, const char *name);
/* Same set of pairs, in any order (names unique in each). */
int skt_kv_equal(const seckit_s3cse_kv *a, size_t na, const seckit_s3cse_kv *b, size_t nb);
/* Parse a JSON object of strings into l ("what" names the field). */
int skt_json_map_parse(skt_kvlist *l, const char *json, size_t len, int numbers_ok,
                       const char *what, seckit_error *err);
/* Compact JSON object of the pairs (malloc'ed, NUL-terminated). */
int skt_json_map_serialize(const seckit_s3cse_kv *kv, size_t n, char **out, size_t *out_len,
                           seckit_error *err);
int skt_utf8_valid(const char *s, size_t n);

/* The envelope of one object, parsed and checked for form (not for policy). */
typedef struct skt_s3cse_env {
    int version; /* 1, 2, 3 */
    seckit_s3cse_location loc;
    seckit_s3cse_content_alg content;
    seckit_s3cse_wrap_alg wrap;
    const char *cek_alg_str; /* V1/V2: as stored (static spelling); V3: "115" */
    uint8_t *edk;
    size_t edk_len;
    uint8_t iv[16];
    size_t iv_len;
    uint8_t msg_id[SKT_S3CSE_MSGID_LEN];
    uint8_t commitment[SKT_S3CSE_COMMIT_LEN];
    skt_kvlist desc; /* matdesc (raw keys) or encryption context (KMS) */
    int desc_is_ec;
    int64_t plaintext_length; /* -1 when absent */
} skt_s3cse_env;

void skt_s3cse_env_clear(skt_s3cse_env *e);
int skt_s3cse_env_parse(skt_s3cse_env *e, const seckit_s3cse_kv *meta, size_t n,
                        const char *instruction, size_t instruction_len, seckit_error *err);
/* Object metadata (and instruction file when asked) for env. */
int skt_s3cse_env_build(const skt_s3cse_env *e, int instruction_file, seckit_s3cse_meta *out,
                        seckit_error *err);
/* Policy and profile checks for reading env (ranged: a ranged read). */
int skt_s3cse_check_read_policy(const skt_s3cse_env *e, const seckit_s3cse_options *o, int ranged,
                                seckit_error *err);
int skt_s3cse_wrap_is_legacy(seckit_s3cse_wrap_alg w);

/* The one message for every key/content authentication failure. */
int skt_s3cse_auth_fail(seckit_error *err);

/* Keyrings. */
typedef enum skt_s3kr_kind {
    SKT_S3KR_AES = 1,
    SKT_S3KR_RSA,
    SKT_S3KR_KMS,
    SKT_S3KR_MULTI
} skt_s3kr_kind;

/* Wrap key (32 bytes) for a new envelope e (version, cek_alg_str set):
 * fills e->wrap, e->edk, e->desc, e->desc_is_ec.  When generate is set and
 * the keyring is KMS, the data key comes from GenerateDataKey (written to
 * key); otherwise key is an input. */
int skt_s3cse_wrap_key(const seckit_s3cse_keyring *kr, const seckit_s3cse_options *o,
                       skt_s3cse_env *e, uint8_t key[SKT_S3CSE_KEY_LEN], int generate,
                       seckit_error *err);
/* Unwrap e's data key into key (32 bytes). */
int skt_s3cse_unwrap_key(const seckit_s3cse_keyring *kr, const seckit_s3cse_options *o,
                         const skt_s3cse_env *e, uint8_t key[SKT_S3CSE_KEY_LEN], seckit_error *err);

/* HKDF-SHA512 per S3EC: commitment (28 bytes) and/or derived key (32);
 * either output may be NULL. */
int skt_s3cse_derive(const uint8_t key[SKT_S3CSE_KEY_LEN],
                     const uint8_t msg_id[SKT_S3CSE_MSGID_LEN],
                     uint8_t commit[SKT_S3CSE_COMMIT_LEN], uint8_t derived[SKT_S3CSE_KEY_LEN],
                     seckit_error *err);

/* Tests only: pretend count bytes were already encrypted. */
void skt_s3cse_encryptor_set_count(seckit_s3cse_encryptor *e, uint64_t count);

#endif
