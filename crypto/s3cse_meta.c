/* S3 client-side encryption: the envelope in object metadata and
 * instruction files (key/value lists, JSON maps, format detection, parsing
 * and building of V1/V2/V3 envelopes, describe).  No cryptography here. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "crypto/s3cse_internal.h"
#include "seckit/encoding.h"
#include "src/base/guard.h"
#include "src/base/options.h"

/* ---- enums --------------------------------------------------------------- */

static int lower_eq(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

/* Compare ignoring case and treating '_' as '-'. */
static int name_eq(const char *s, const char *dashed)
{
    for (; *s != '\0' && *dashed != '\0'; s++, dashed++) {
        char c = *s == '_' ? '-' : *s;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != *dashed)
            return 0;
    }
    return *s == '\0' && *dashed == '\0';
}

int seckit_s3cse_envelope_parse(seckit_s3cse_envelope *out, const char *s, seckit_error *err)
{
    SKT_ENSURE_ARG(s != NULL && out != NULL, err);
    if (lower_eq(s, "v3"))
        *out = SECKIT_S3CSE_ENVELOPE_V3;
    else if (lower_eq(s, "v2"))
        *out = SECKIT_S3CSE_ENVELOPE_V2;
    else
        return seckit_error_set(err, SECKIT_EINVAL, "unknown envelope '%.64s' (v3 or v2)", s);
    return 0;
}

static const char *const policy_names[] = {"require-encrypt-require-decrypt",
                                           "require-encrypt-allow-decrypt",
                                           "forbid-encrypt-allow-decrypt"};

int seckit_s3cse_commitment_policy_parse(seckit_s3cse_commitment_policy *out, const char *s,
                                         seckit_error *err)
{
    SKT_ENSURE_ARG(s != NULL && out != NULL, err);
    for (size_t i = 0; i < SKT_ARRAY_LEN(policy_names); i++)
        if (name_eq(s, policy_names[i])) {
            *out = (seckit_s3cse_commitment_policy)i;
            return 0;
        }
    return seckit_error_set(err, SECKIT_EINVAL,
                            "unknown commitment policy '%.64s' (require-encrypt-require-decrypt, "
                            "require-encrypt-allow-decrypt or forbid-encrypt-allow-decrypt)",
                            s);
}

const char *seckit_s3cse_commitment_policy_name(seckit_s3cse_commitment_policy p)
{
    if ((int)p < 0 || (size_t)p >= SKT_ARRAY_LEN(policy_names))
        return "";
    return policy_names[p];
}

int seckit_s3cse_security_profile_parse(seckit_s3cse_security_profile *out, const char *s,
                                        seckit_error *err)
{
    SKT_ENSURE_ARG(s != NULL && out != NULL, err);
    if (name_eq(s, "v2"))
        *out = SECKIT_S3CSE_PROFILE_V2;
    else if (name_eq(s, "v2-and-legacy"))
        *out = SECKIT_S3CSE_PROFILE_V2_AND_LEGACY;
    else
        return seckit_error_set(err, SECKIT_EINVAL,
                                "unknown security profile '%.64s' (v2 or v2-and-legacy)", s);
    return 0;
}

const char *seckit_s3cse_content_alg_name(seckit_s3cse_content_alg a)
{
    switch (a) {
    case SECKIT_S3CSE_CONTENT_AES_CBC: return SKT_S3CSE_ALG_CBC;
    case SECKIT_S3CSE_CONTENT_AES_GCM: return SKT_S3CSE_ALG_V2;
    case SECKIT_S3CSE_CONTENT_AES_GCM_COMMIT: return SKT_S3CSE_ALG_V3;
    default: return "";
    }
}

static const char *const wrap_names[] = {"",
                                         "AES/GCM",
                                         "kms+context",
                                         "RSA-OAEP-SHA1",
                                         "kms",
                                         "AESWrap",
                                         "RSA/ECB/OAEPWithSHA-256AndMGF1Padding",
                                         "AES/ECB (V1)",
                                         "RSA PKCS#1 v1.5 (V1)"};

const char *seckit_s3cse_wrap_alg_name(seckit_s3cse_wrap_alg w)
{
    if ((int)w < 0 || (size_t)w >= SKT_ARRAY_LEN(wrap_names))
        return "";
    return wrap_names[w];
}

int skt_s3cse_wrap_is_legacy(seckit_s3cse_wrap_alg w)
{
    return w == SECKIT_S3CSE_WRAP_KMS || w == SECKIT_S3CSE_WRAP_AES_WRAP ||
           w == SECKIT_S3CSE_WRAP_RSA_OAEP_SHA256 || w == SECKIT_S3CSE_WRAP_V1_AES_ECB ||
           w == SECKIT_S3CSE_WRAP_V1_RSA_PKCS1;
}

int seckit_s3cse_options_init(seckit_s3cse_options *opts, unsigned int version, seckit_error *err)
{
    static const seckit_s3cse_options init = SECKIT_S3CSE_OPTIONS_INIT;
    SKT_GUARD(skt_options_init_check(opts, version, SECKIT_S3CSE_OPTIONS_VERSION,
                                     "seckit_s3cse_options", err));
    *opts = init;
    return 0;
}

int skt_s3cse_auth_fail(seckit_error *err)
{
    return seckit_error_set(err, SECKIT_EAUTH,
                            "authentication failed: no key could decrypt the object's data key "
                            "or the object was modified");
}

/* ---- key/value lists ------------------------------------------------------ */

void seckit_s3cse_kv_free(seckit_s3cse_kv *kv, size_t count)
{
    if (kv == NULL)
        return;
    for (size_t i = 0; i < count; i++) {
        free((void *)kv[i].name);
        free((void *)kv[i].value);
    }
    free(kv);
}

void skt_kvlist_free(skt_kvlist *l)
{
    if (l == NULL)
        return;
    seckit_s3cse_kv_free(l->kv, l->count);
    memset(l, 0, sizeof(*l));
}

int skt_kvlist_add(skt_kvlist *l, const char *name, const char *value, seckit_error *err)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        seckit_s3cse_kv *k = realloc(l->kv, cap * sizeof(*k));
        SKT_ENSURE(k != NULL, err, SECKIT_ENOMEM, "out of memory");
        l->kv = k;
        l->cap = cap;
    }
    char *n = strdup(name), *v = strdup(value != NULL ? value : "");
    if (n == NULL || v == NULL) {
        free(n);
        free(v);
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    l->kv[l->count].name = n;
    l->kv[l->count].value = v;
    l->count++;
    return 0;
}

int skt_kvlist_copy(skt_kvlist *l, const seckit_s3cse_kv *kv, size_t n, seckit_error *err)
{
    for (size_t i = 0; i < n; i++) {
        SKT_ENSURE(kv[i].name != NULL, err, SECKIT_EINVAL, "key/value pair %zu has no name", i);
        SKT_GUARD(skt_kvlist_add(l, kv[i].name, kv[i].value, err));
    }
    return 0;
}

const char *skt_kvlist_get(const seckit_s3cse_kv *kv, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (kv[i].name != NULL && strcmp(kv[i].name, name) == 0)
            return kv[i].value != NULL ? kv[i].value : "";
    return NULL;
}

int skt_kv_equal(const seckit_s3cse_kv *a, size_t na, const seckit_s3cse_kv *b, size_t nb)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++) {
        const char *v = skt_kvlist_get(b, nb, a[i].name);
        if (v == NULL || strcmp(v, a[i].value != NULL ? a[i].value : "") != 0)
            return 0;
    }
    return 1;
}

void seckit_s3cse_meta_free(seckit_s3cse_meta *m)
{
    if (m == NULL)
        return;
    seckit_s3cse_kv_free(m->kv, m->count);
    free(m->instruction);
    memset(m, 0, sizeof(*m));
}

/* ---- JSON maps ------------------------------------------------------------ */

int skt_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        size_t k;
        unsigned min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            k = 1, min = 0x80, c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2, min = 0x800, c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            k = 3, min = 0x10000, c &= 0x07;
        } else {
            return 0;
        }
        if (n - i <= k)
            return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((p[i + j] & 0xC0) != 0x80)
                return 0;
            c = (c << 6) | (p[i + j] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

int skt_json_map_parse(skt_kvlist *l, const char *json, size_t len, int numbers_ok,
                       const char *what, seckit_error *err)
{
    SKT_ENSURE(len <= SKT_S3CSE_MAX_JSON, err, SECKIT_ELIMIT, "%s: longer than %d bytes", what,
               SKT_S3CSE_MAX_JSON);
    if (memchr(json, '\0', len) != NULL || !skt_utf8_valid(json, len))
        return seckit_error_set(err, SECKIT_EFORMAT, "%s: not UTF-8 JSON text", what);
    /* cJSON would cut a string at an escaped NUL: refuse those. */
    for (size_t i = 0; i + 6 <= len; i++)
        if (json[i] == '\\' && (json[i + 1] == 'u' || json[i + 1] == 'U') &&
            memcmp(json + i + 2, "0000", 4) == 0)
            return seckit_error_set(err, SECKIT_EFORMAT, "%s: contains a NUL character", what);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
    SKT_ENSURE(root != NULL, err, SECKIT_EFORMAT, "%s: not valid JSON", what);
    int rc = 0;
    for (const char *p = end; p != NULL && p < json + len; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
            rc = seckit_error_set(err, SECKIT_EFORMAT, "%s: bytes after the JSON object", what);
            goto out;
        }
    SKT_ENSURE_GOTO(cJSON_IsObject(root), err, rc, out, SECKIT_EFORMAT, "%s: not a JSON object",
                    what);
    size_t count = 0;
    for (const cJSON *c = root->child; c != NULL; c = c->next) {
        SKT_ENSURE_GOTO(++count <= SKT_S3CSE_MAX_PAIRS, err, rc, out, SECKIT_ELIMIT,
                        "%s: more than %d members", what, SKT_S3CSE_MAX_PAIRS);
        SKT_ENSURE_GOTO(c->string != NULL, err, rc, out, SECKIT_EFORMAT,
                        "%s: member without a name", what);
        if (skt_kvlist_get(l->kv, l->count, c->string) != NULL) {
            rc = seckit_error_set(err, SECKIT_EFORMAT, "%s: member '%.64s' given twice", what,
                                  c->string);
            goto out;
        }
        char num[32];
        const char *v;
        if (cJSON_IsString(c) && c->valuestring != NULL) {
            v = c->valuestring;
        } else if (numbers_ok && cJSON_IsNumber(c) && c->valuedouble >= 0 &&
                   c->valuedouble <= 9007199254740992.0 &&
                   (double)(long long)c->valuedouble == c->valuedouble) {
            snprintf(num, sizeof(num), "%lld", (long long)c->valuedouble);
            v = num;
        } else {
            rc = seckit_error_set(err, SECKIT_EFORMAT, "%s: member '%.64s' is not a string", what,
                                  c->string);
            goto out;
        }
        SKT_GUARD_GOTO(skt_kvlist_add(l, c->string, v, err), rc, out);
    }
out:
    cJSON_Delete(root);
    if (rc != 0)
        skt_kvlist_free(l);
    return rc;
}

int skt_json_map_serialize(const seckit_s3cse_kv *kv, size_t n, char **out, size_t *out_len,
                           seckit_error *err)
{
    *out = NULL;
    cJSON *root = cJSON_CreateObject();
    int rc = 0;
    SKT_ENSURE(root != NULL, err, SECKIT_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const char *v = kv[i].value != NULL ? kv[i].value : "";
        SKT_ENSURE_GOTO(kv[i].name != NULL, err, rc, out, SECKIT_EINVAL,
                        "key/value pair %zu has no name", i);
        if (!skt_utf8_valid(kv[i].name, strlen(kv[i].name)) || !skt_utf8_valid(v, strlen(v))) {
            rc = seckit_error_set(err, SECKIT_EINVAL, "'%.64s': names and values must be UTF-8",
                                  kv[i].name);
            goto out;
        }
        for (size_t j = 0; j < i; j++)
            SKT_ENSURE_GOTO(strcmp(kv[j].name, kv[i].name) != 0, err, rc, out, SECKIT_EINVAL,
                            "'%.64s' given twice", kv[i].name);
        cJSON *s = cJSON_CreateString(v);
        if (s == NULL || !cJSON_AddItemToObject(root, kv[i].name, s)) {
            cJSON_Delete(s);
            rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
            goto out;
        }
    }
    *out = cJSON_PrintUnformatted(root);
    SKT_ENSURE_GOTO(*out != NULL, err, rc, out, SECKIT_ENOMEM, "out of memory");
    if (out_len != NULL)
        *out_len = strlen(*out);
out:
    cJSON_Delete(root);
    return rc;
}

int seckit_s3cse_instruction_parse(seckit_s3cse_kv **kv, size_t *count, const char *json,
                                   size_t len, seckit_error *err)
{
    SKT_ENSURE_ARG(kv != NULL && count != NULL && (json != NULL || len == 0), err);
    *kv = NULL;
    *count = 0;
    skt_kvlist l = {0};
    SKT_GUARD(skt_json_map_parse(&l, json != NULL ? json : "", len, 1, "instruction file", err));
    *kv = l.kv;
    *count = l.count;
    return 0;
}

int seckit_s3cse_instruction_serialize(char **json, size_t *len, const seckit_s3cse_kv *kv,
                                       size_t count, seckit_error *err)
{
    SKT_ENSURE_ARG(json != NULL && (kv != NULL || count == 0), err);
    return skt_json_map_serialize(kv, count, json, len, err);
}

/* ---- detection -------------------------------------------------------------- */

enum {
    K_KEY,
    K_KEY_V2,
    K_IV,
    K_MATDESC,
    K_CEK_ALG,
    K_WRAP_ALG,
    K_TAG_LEN,
    K_LEN, /* V1/V2 */
    K_C,
    K_3,
    K_W,
    K_M,
    K_T,
    K_D,
    K_I, /* V3 */
    K_COUNT
};
static const char *const knames[K_COUNT] = {
    "x-amz-key",     "x-amz-key-v2",   "x-amz-iv",      "x-amz-matdesc",
    "x-amz-cek-alg", "x-amz-wrap-alg", "x-amz-tag-len", "x-amz-unencrypted-content-length",
    "x-amz-c",       "x-amz-3",        "x-amz-w",       "x-amz-m",
    "x-amz-t",       "x-amz-d",        "x-amz-i"};

typedef struct slots {
    const char *v[K_COUNT];
} slots;

static int collect(slots *s, const seckit_s3cse_kv *kv, size_t n, const char *where,
                   seckit_error *err)
{
    memset(s, 0, sizeof(*s));
    SKT_ENSURE(!(n > 0 && kv == NULL), err, SECKIT_EINVAL, "%s: no pairs", where);
    size_t plen = strlen(SECKIT_S3CSE_META_PREFIX);
    for (size_t i = 0; i < n; i++) {
        const char *name = kv[i].name;
        SKT_ENSURE(name != NULL, err, SECKIT_EINVAL, "%s: pair %zu has no name", where, i);
        if (strncasecmp(name, SECKIT_S3CSE_META_PREFIX, plen) == 0)
            name += plen;
        for (int k = 0; k < K_COUNT; k++) {
            if (strcasecmp(name, knames[k]) != 0)
                continue;
            SKT_ENSURE(s->v[k] == NULL, err, SECKIT_EFORMAT, "%s: %s given twice", where,
                       knames[k]);
            s->v[k] = kv[i].value != NULL ? kv[i].value : "";
        }
    }
    return 0;
}

static int has_any(const slots *s, int from, int to)
{
    for (int k = from; k <= to; k++)
        if (s->v[k] != NULL)
            return 1;
    return 0;
}

static const char *first_of(const slots *s, int from, int to)
{
    for (int k = from; k <= to; k++)
        if (s->v[k] != NULL)
            return knames[k];
    return "?";
}

static int detect_slots(const slots *s, seckit_s3cse_location *out, const char *where,
                        seckit_error *err)
{
    int v12 = has_any(s, K_KEY, K_TAG_LEN); /* the plaintext length alone says nothing */
    int v3 = has_any(s, K_C, K_I);
    SKT_ENSURE(!(v12 && v3), err, SECKIT_EFORMAT,
               "%s: mixed envelope formats (%s with %s): refused", where,
               first_of(s, K_KEY, K_TAG_LEN), first_of(s, K_C, K_I));
    SKT_ENSURE(!(s->v[K_KEY] != NULL && s->v[K_KEY_V2] != NULL), err, SECKIT_EFORMAT,
               "%s: mixed envelope formats (x-amz-key with x-amz-key-v2): refused", where);
    if (v12) {
        if (s->v[K_IV] == NULL || (s->v[K_KEY] == NULL && s->v[K_KEY_V2] == NULL))
            return seckit_error_set(err, SECKIT_EFORMAT,
                                    "%s: incomplete V1/V2 envelope (%s without %s)", where,
                                    first_of(s, K_KEY, K_TAG_LEN),
                                    s->v[K_IV] == NULL ? "x-amz-iv" : "x-amz-key-v2");
        *out = s->v[K_KEY] != NULL ? SECKIT_S3CSE_LOC_V1_METADATA : SECKIT_S3CSE_LOC_V2_METADATA;
        return 0;
    }
    if (v3) {
        if (s->v[K_C] == NULL || s->v[K_D] == NULL || s->v[K_I] == NULL)
            return seckit_error_set(err, SECKIT_EFORMAT,
                                    "%s: incomplete V3 envelope (%s without %s)", where,
                                    first_of(s, K_C, K_I),
                                    s->v[K_C] == NULL   ? "x-amz-c"
                                    : s->v[K_D] == NULL ? "x-amz-d"
                                                        : "x-amz-i");
        if (s->v[K_3] != NULL) {
            SKT_ENSURE(s->v[K_W] != NULL, err, SECKIT_EFORMAT,
                       "%s: incomplete V3 envelope (x-amz-3 without x-amz-w)", where);
            *out = SECKIT_S3CSE_LOC_V3_METADATA;
        } else {
            if (s->v[K_W] != NULL || s->v[K_M] != NULL || s->v[K_T] != NULL)
                return seckit_error_set(err, SECKIT_EFORMAT,
                                        "%s: incomplete V3 envelope (%s without x-amz-3)", where,
                                        first_of(s, K_W, K_T));
            *out = SECKIT_S3CSE_LOC_V3_INSTRUCTION_FILE;
        }
        return 0;
    }
    *out = SECKIT_S3CSE_LOC_INSTRUCTION_FILE;
    return 0;
}

int seckit_s3cse_detect(seckit_s3cse_location *out, const seckit_s3cse_kv *meta, size_t n,
                        seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    slots s;
    SKT_GUARD(collect(&s, meta, n, "object metadata", err));
    return detect_slots(&s, out, "object metadata", err);
}

/* ---- envelope parsing ------------------------------------------------------- */

void skt_s3cse_env_clear(skt_s3cse_env *e)
{
    if (e == NULL)
        return;
    free(e->edk);
    skt_kvlist_free(&e->desc);
    memset(e, 0, sizeof(*e));
    e->plaintext_length = -1;
}

/* Decode a base64 field (lenient: S3 clients differ in padding and line
 * breaks) of at most max bytes into a malloc'ed *out. */
static int b64_field(const char *v, const char *name, size_t max, uint8_t **out, size_t *len,
                     seckit_error *err)
{
    size_t vl = strlen(v);
    *out = NULL;
    if (vl > 4 * (max / 3 + 2) + 64)
        return seckit_error_set(err, SECKIT_ELIMIT, "%s: longer than %zu bytes", name, max);
    size_t cap = seckit_base64_decoded_max(vl) + 1;
    uint8_t *b = malloc(cap);
    SKT_ENSURE(b != NULL, err, SECKIT_ENOMEM, "out of memory");
    seckit_error e2;
    if (seckit_base64_decode_lenient(b, cap, len, v, vl, &e2) != 0) {
        free(b);
        return seckit_error_set(err, SECKIT_EFORMAT, "%s: not base64 (%s)", name, e2.message);
    }
    if (*len > max) {
        free(b);
        return seckit_error_set(err, SECKIT_ELIMIT, "%s: longer than %zu bytes", name, max);
    }
    *out = b;
    return 0;
}

/* Decode a fixed-length base64 field. */
static int b64_fixed(const char *v, const char *name, uint8_t *out, size_t want, seckit_error *err)
{
    uint8_t *b;
    size_t len = 0;
    SKT_GUARD(b64_field(v, name, 64, &b, &len, err));
    if (len != want) {
        free(b);
        return seckit_error_set(err, SECKIT_EFORMAT, "%s: %zu bytes, %zu expected", name, len,
                                want);
    }
    memcpy(out, b, want);
    free(b);
    return 0;
}

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

static int parse_length(const char *v, int64_t *out, seckit_error *err)
{
    uint64_t x = 0;
    SKT_ENSURE(*v != '\0', err, SECKIT_EFORMAT,
               "x-amz-unencrypted-content-length: not a decimal number");
    for (const char *p = v; *p != '\0'; p++) {
        SKT_ENSURE(!(*p < '0' || *p > '9' || x > (uint64_t)INT64_MAX / 10), err, SECKIT_EFORMAT,
                   "x-amz-unencrypted-content-length: not a decimal number");
        x = x * 10 + (uint64_t)(*p - '0');
        SKT_ENSURE(x <= (uint64_t)INT64_MAX, err, SECKIT_EFORMAT,
                   "x-amz-unencrypted-content-length: too large");
    }
    *out = (int64_t)x;
    return 0;
}

static int parse_edk(skt_s3cse_env *e, const char *v, const char *name, seckit_error *err)
{
    SKT_GUARD(b64_field(v, name, SKT_S3CSE_MAX_EDK, &e->edk, &e->edk_len, err));
    SKT_ENSURE(e->edk_len != 0, err, SECKIT_EFORMAT, "%s: empty", name);
    return 0;
}

static int parse_desc(skt_s3cse_env *e, const char *v, const char *name, seckit_error *err)
{
    if (v == NULL)
        return 0; /* absent: {} */
    return skt_json_map_parse(&e->desc, v, strlen(v), 0, name, err);
}

static int parse_v12(skt_s3cse_env *e, const slots *s, seckit_error *err)
{
    e->version = s->v[K_KEY] != NULL ? 1 : 2;
    if (e->version == 1) {
        SKT_ENSURE(!(s->v[K_WRAP_ALG] != NULL || s->v[K_TAG_LEN] != NULL), err, SECKIT_EFORMAT,
                   "V1 envelope (x-amz-key) with %s: refused",
                   s->v[K_WRAP_ALG] != NULL ? "x-amz-wrap-alg" : "x-amz-tag-len");
        if (s->v[K_CEK_ALG] != NULL && strcmp(s->v[K_CEK_ALG], "AES/CBC/PKCS5Padding") != 0 &&
            strcmp(s->v[K_CEK_ALG], "AES/CBC/PKCS7Padding") != 0)
            return seckit_error_set(err, SECKIT_EFORMAT,
                                    "V1 envelope (x-amz-key) with x-amz-cek-alg '%.64s': refused",
                                    s->v[K_CEK_ALG]);
        SKT_GUARD(parse_edk(e, s->v[K_KEY], "x-amz-key", err));
        e->content = SECKIT_S3CSE_CONTENT_AES_CBC;
        e->cek_alg_str = SKT_S3CSE_ALG_CBC;
        /* As the Java client decides: longer than an AES-ECB-wrapped key
         * (48 bytes) means RSA. */
        e->wrap = e->edk_len > 48 ? SECKIT_S3CSE_WRAP_V1_RSA_PKCS1 : SECKIT_S3CSE_WRAP_V1_AES_ECB;
    } else {
        SKT_GUARD(parse_edk(e, s->v[K_KEY_V2], "x-amz-key-v2", err));
        const char *cek = s->v[K_CEK_ALG];
        SKT_ENSURE(cek != NULL, err, SECKIT_EFORMAT, "V2 envelope without x-amz-cek-alg");
        if (strcmp(cek, SKT_S3CSE_ALG_V2) == 0) {
            e->content = SECKIT_S3CSE_CONTENT_AES_GCM;
            e->cek_alg_str = SKT_S3CSE_ALG_V2;
        } else if (strcmp(cek, "AES/CBC/PKCS5Padding") == 0) {
            e->content = SECKIT_S3CSE_CONTENT_AES_CBC;
            e->cek_alg_str = "AES/CBC/PKCS5Padding";
        } else if (strcmp(cek, "AES/CBC/PKCS7Padding") == 0) {
            e->content = SECKIT_S3CSE_CONTENT_AES_CBC;
            e->cek_alg_str = "AES/CBC/PKCS7Padding";
        } else {
            return seckit_error_set(err, SECKIT_EUNSUPPORTED,
                                    "x-amz-cek-alg '%.64s' is not supported", cek);
        }
        const char *w = s->v[K_WRAP_ALG];
        SKT_ENSURE(w != NULL, err, SECKIT_EFORMAT, "V2 envelope without x-amz-wrap-alg");
        e->wrap = SECKIT_S3CSE_WRAP_NONE;
        for (int k = SECKIT_S3CSE_WRAP_AES_GCM; k <= SECKIT_S3CSE_WRAP_RSA_OAEP_SHA256; k++)
            if (strcmp(w, wrap_names[k]) == 0)
                e->wrap = (seckit_s3cse_wrap_alg)k;
        SKT_ENSURE(e->wrap != SECKIT_S3CSE_WRAP_NONE, err, SECKIT_EUNSUPPORTED,
                   "x-amz-wrap-alg '%.64s' is not supported", w);
    }
    if (e->content == SECKIT_S3CSE_CONTENT_AES_GCM) {
        /* MUST for GCM (s3-cse.md 1.3): every writer of GCM V2 objects,
         * Java v1's AESWrap/RSA/kms modes included, stores "128". */
        SKT_ENSURE(s->v[K_TAG_LEN] != NULL, err, SECKIT_EFORMAT,
                   "V2 envelope with AES/GCM content without x-amz-tag-len");
        if (strcmp(s->v[K_TAG_LEN], "128") != 0)
            return seckit_error_set(err, SECKIT_EFORMAT, "x-amz-tag-len must be 128, not '%.32s'",
                                    s->v[K_TAG_LEN]);
    } else if (s->v[K_TAG_LEN] != NULL) {
        return seckit_error_set(err, SECKIT_EFORMAT, "x-amz-tag-len with AES-CBC content");
    }
    size_t want = e->content == SECKIT_S3CSE_CONTENT_AES_GCM ? SKT_S3CSE_GCM_IV_LEN
                                                             : SKT_S3CSE_CBC_IV_LEN;
    SKT_GUARD(b64_fixed(s->v[K_IV], "x-amz-iv", e->iv, want, err));
    e->iv_len = want;
    SKT_ENSURE(!all_zero(e->iv, e->iv_len), err, SECKIT_EFORMAT, "x-amz-iv is all zero: refused");
    e->desc_is_ec = e->wrap == SECKIT_S3CSE_WRAP_KMS || e->wrap == SECKIT_S3CSE_WRAP_KMS_CONTEXT;
    SKT_GUARD(parse_desc(e, s->v[K_MATDESC], "x-amz-matdesc", err));
    return 0;
}

static int parse_v3(skt_s3cse_env *e, const slots *s, seckit_error *err)
{
    e->version = 3;
    SKT_ENSURE(strcmp(s->v[K_C], SKT_S3CSE_ALG_V3) == 0, err, SECKIT_EUNSUPPORTED,
               "x-amz-c '%.32s' is not supported (only 115)", s->v[K_C]);
    e->content = SECKIT_S3CSE_CONTENT_AES_GCM_COMMIT;
    e->cek_alg_str = SKT_S3CSE_ALG_V3;
    SKT_GUARD(parse_edk(e, s->v[K_3], "x-amz-3", err));
    const char *w = s->v[K_W];
    if (strcmp(w, "02") == 0)
        e->wrap = SECKIT_S3CSE_WRAP_AES_GCM;
    else if (strcmp(w, "12") == 0)
        e->wrap = SECKIT_S3CSE_WRAP_KMS_CONTEXT;
    else if (strcmp(w, "22") == 0)
        e->wrap = SECKIT_S3CSE_WRAP_RSA_OAEP_SHA1;
    else
        return seckit_error_set(err, SECKIT_EUNSUPPORTED,
                                "x-amz-w '%.32s' is not supported (02, 12 or 22)", w);
    e->desc_is_ec = e->wrap == SECKIT_S3CSE_WRAP_KMS_CONTEXT;
    if (e->desc_is_ec && s->v[K_M] != NULL)
        return seckit_error_set(err, SECKIT_EFORMAT, "x-amz-m with a KMS-wrapped key (x-amz-w 12)");
    if (!e->desc_is_ec && s->v[K_T] != NULL)
        return seckit_error_set(err, SECKIT_EFORMAT, "x-amz-t with a raw-key wrap (x-amz-w %s)", w);
    SKT_GUARD(parse_desc(e, e->desc_is_ec ? s->v[K_T] : s->v[K_M],
                         e->desc_is_ec ? "x-amz-t" : "x-amz-m", err));
    SKT_GUARD(b64_fixed(s->v[K_D], "x-amz-d", e->commitment, SKT_S3CSE_COMMIT_LEN, err));
    SKT_GUARD(b64_fixed(s->v[K_I], "x-amz-i", e->msg_id, SKT_S3CSE_MSGID_LEN, err));
    if (all_zero(e->msg_id, sizeof(e->msg_id)))
        return seckit_error_set(err, SECKIT_EFORMAT, "x-amz-i (Message ID) is all zero: refused");
    return 0;
}

int skt_s3cse_env_parse(skt_s3cse_env *e, const seckit_s3cse_kv *meta, size_t n,
                        const char *instruction, size_t instruction_len, seckit_error *err)
{
    memset(e, 0, sizeof(*e));
    e->plaintext_length = -1;
    slots s, f;
    skt_kvlist file = {0};
    int rc;
    SKT_GUARD_GOTO(collect(&s, meta, n, "object metadata", err), rc, fail);
    SKT_GUARD_GOTO(detect_slots(&s, &e->loc, "object metadata", err), rc, fail);
    if (e->loc == SECKIT_S3CSE_LOC_INSTRUCTION_FILE ||
        e->loc == SECKIT_S3CSE_LOC_V3_INSTRUCTION_FILE) {
        if (instruction == NULL) {
            rc = seckit_error_set(err, SECKIT_ENOTFOUND,
                                  e->loc == SECKIT_S3CSE_LOC_INSTRUCTION_FILE
                                      ? "no S3 encryption envelope in the object metadata and no "
                                        "instruction file given"
                                      : "V3 envelope with its key in an instruction file, and no "
                                        "instruction file given");
            goto fail;
        }
        SKT_GUARD_GOTO(skt_json_map_parse(&file, instruction, instruction_len, 1,
                                          "instruction file", err),
                       rc, fail);
        SKT_GUARD_GOTO(collect(&f, file.kv, file.count, "instruction file", err), rc, fail);
        if (e->loc == SECKIT_S3CSE_LOC_V3_INSTRUCTION_FILE) {
            if (f.v[K_C] != NULL || f.v[K_D] != NULL || f.v[K_I] != NULL) {
                rc = seckit_error_set(err, SECKIT_EFORMAT,
                                      "instruction file holds %s, which belongs in the object "
                                      "metadata: refused as tampered",
                                      f.v[K_C] != NULL   ? "x-amz-c"
                                      : f.v[K_D] != NULL ? "x-amz-d"
                                                         : "x-amz-i");
                goto fail;
            }
            if (has_any(&f, K_KEY, K_LEN)) {
                rc = seckit_error_set(err, SECKIT_EFORMAT,
                                      "instruction file: mixed envelope formats (%s in a V3 "
                                      "instruction file): refused",
                                      first_of(&f, K_KEY, K_LEN));
                goto fail;
            }
            SKT_ENSURE_GOTO(!(f.v[K_3] == NULL || f.v[K_W] == NULL), err, rc, fail, SECKIT_EFORMAT,
                            "instruction file: incomplete V3 envelope (%s missing)",
                            f.v[K_3] == NULL ? "x-amz-3" : "x-amz-w");
            s.v[K_3] = f.v[K_3];
            s.v[K_W] = f.v[K_W];
            s.v[K_M] = f.v[K_M];
            s.v[K_T] = f.v[K_T];
            SKT_GUARD_GOTO(parse_v3(e, &s, err), rc, fail);
        } else {
            seckit_s3cse_location floc;
            SKT_GUARD_GOTO(detect_slots(&f, &floc, "instruction file", err), rc, fail);
            if (floc != SECKIT_S3CSE_LOC_V1_METADATA && floc != SECKIT_S3CSE_LOC_V2_METADATA) {
                rc = seckit_error_set(err, SECKIT_EFORMAT,
                                      floc == SECKIT_S3CSE_LOC_INSTRUCTION_FILE
                                          ? "instruction file holds no envelope"
                                          : "instruction file holds a V3 envelope without the "
                                            "object's x-amz-c/x-amz-d/x-amz-i: refused");
                goto fail;
            }
            if (f.v[K_LEN] == NULL)
                f.v[K_LEN] = s.v[K_LEN];
            SKT_GUARD_GOTO(parse_v12(e, &f, err), rc, fail);
            s.v[K_LEN] = f.v[K_LEN];
        }
    } else if (e->loc == SECKIT_S3CSE_LOC_V3_METADATA) {
        SKT_GUARD_GOTO(parse_v3(e, &s, err), rc, fail);
    } else {
        SKT_GUARD_GOTO(parse_v12(e, &s, err), rc, fail);
    }
    if (e->version != 3 && s.v[K_LEN] != NULL)
        SKT_GUARD_GOTO(parse_length(s.v[K_LEN], &e->plaintext_length, err), rc, fail);
    skt_kvlist_free(&file);
    return 0;
fail:
    skt_kvlist_free(&file);
    skt_s3cse_env_clear(e);
    return rc;
}

/* ---- building ------------------------------------------------------------- */

static int add_b64(skt_kvlist *l, const char *name, const uint8_t *p, size_t n, seckit_error *err)
{
    size_t cap = seckit_base64_encoded_len(n, SECKIT_BASE64_STANDARD);
    char *b = malloc(cap);
    SKT_ENSURE(b != NULL, err, SECKIT_ENOMEM, "out of memory");
    int rc = seckit_base64_encode(b, cap, NULL, p, n, SECKIT_BASE64_STANDARD, err);
    if (rc == 0)
        rc = skt_kvlist_add(l, name, b, err);
    free(b);
    return rc;
}

static int add_json(skt_kvlist *l, const char *name, const skt_kvlist *m, seckit_error *err)
{
    char *j = NULL;
    int rc = skt_json_map_serialize(m->kv, m->count, &j, NULL, err);
    if (rc == 0)
        rc = skt_kvlist_add(l, name, j, err);
    free(j);
    return rc;
}

int skt_s3cse_env_build(const skt_s3cse_env *e, int instruction_file, seckit_s3cse_meta *out,
                        seckit_error *err)
{
    memset(out, 0, sizeof(*out));
    skt_kvlist obj = {0}, file = {0};
    int rc = 0;
    if (e->version == 3) {
        skt_kvlist *k = instruction_file ? &file : &obj;
        static const char *const wcode[] = {"", "02", "12", "22"};
        if (e->wrap < SECKIT_S3CSE_WRAP_AES_GCM || e->wrap > SECKIT_S3CSE_WRAP_RSA_OAEP_SHA1) {
            rc = seckit_error_set(err, SECKIT_EINTERNAL, "V3 envelope with a legacy wrap");
            goto fail;
        }
        SKT_GUARD_GOTO(skt_kvlist_add(&obj, "x-amz-c", SKT_S3CSE_ALG_V3, err), rc, fail);
        SKT_GUARD_GOTO(add_b64(k, "x-amz-3", e->edk, e->edk_len, err), rc, fail);
        SKT_GUARD_GOTO(skt_kvlist_add(k, "x-amz-w", wcode[e->wrap], err), rc, fail);
        if (e->desc_is_ec)
            SKT_GUARD_GOTO(add_json(k, "x-amz-t", &e->desc, err), rc, fail);
        else if (e->desc.count > 0)
            SKT_GUARD_GOTO(add_json(k, "x-amz-m", &e->desc, err), rc, fail);
        SKT_GUARD_GOTO(add_b64(&obj, "x-amz-d", e->commitment, SKT_S3CSE_COMMIT_LEN, err), rc,
                       fail);
        SKT_GUARD_GOTO(add_b64(&obj, "x-amz-i", e->msg_id, SKT_S3CSE_MSGID_LEN, err), rc, fail);
    } else if (e->version == 2) {
        skt_kvlist *k = instruction_file ? &file : &obj;
        if (e->wrap < SECKIT_S3CSE_WRAP_AES_GCM || e->wrap > SECKIT_S3CSE_WRAP_RSA_OAEP_SHA256) {
            rc = seckit_error_set(err, SECKIT_EINTERNAL, "V2 envelope without a wrap algorithm");
            goto fail;
        }
        SKT_GUARD_GOTO(add_b64(k, "x-amz-key-v2", e->edk, e->edk_len, err), rc, fail);
        SKT_GUARD_GOTO(add_b64(k, "x-amz-iv", e->iv, e->iv_len, err), rc, fail);
        SKT_GUARD_GOTO(skt_kvlist_add(k, "x-amz-cek-alg", e->cek_alg_str, err), rc, fail);
        SKT_GUARD_GOTO(skt_kvlist_add(k, "x-amz-wrap-alg", wrap_names[e->wrap], err), rc, fail);
        if (e->content == SECKIT_S3CSE_CONTENT_AES_GCM)
            SKT_GUARD_GOTO(skt_kvlist_add(k, "x-amz-tag-len", "128", err), rc, fail);
        SKT_GUARD_GOTO(add_json(k, "x-amz-matdesc", &e->desc, err), rc, fail);
        if (e->plaintext_length >= 0) {
            char num[32];
            snprintf(num, sizeof(num), "%lld", (long long)e->plaintext_length);
            SKT_GUARD_GOTO(skt_kvlist_add(k, "x-amz-unencrypted-content-length", num, err), rc,
                           fail);
        }
    } else {
        rc = seckit_error_set(err, SECKIT_EUNSUPPORTED, "V1 envelopes are never written");
        goto fail;
    }
    if (instruction_file)
        SKT_GUARD_GOTO(skt_json_map_serialize(file.kv, file.count, &out->instruction,
                                              &out->instruction_len, err),
                       rc, fail);
    out->kv = obj.kv;
    out->count = obj.count;
    skt_kvlist_free(&file);
    return 0;
fail:
    skt_kvlist_free(&obj);
    skt_kvlist_free(&file);
    seckit_s3cse_meta_free(out);
    return rc;
}

/* ---- policy ----------------------------------------------------------------- */

int skt_s3cse_check_read_policy(const skt_s3cse_env *e, const seckit_s3cse_options *o, int ranged,
                                seckit_error *err)
{
    const char *legacy = NULL;
    if (e->version == 1)
        legacy = "a V1 object (AES-CBC content, not authenticated)";
    else if (e->content == SECKIT_S3CSE_CONTENT_AES_CBC)
        legacy = "an object with AES-CBC content (not authenticated)";
    else if (skt_s3cse_wrap_is_legacy(e->wrap))
        legacy = e->wrap == SECKIT_S3CSE_WRAP_KMS ? "an object with the legacy 'kms' key wrap"
                 : e->wrap == SECKIT_S3CSE_WRAP_AES_WRAP
                     ? "an object with the legacy 'AESWrap' key wrap"
                     : "an object with the legacy "
                       "'RSA/ECB/OAEPWithSHA-256AndMGF1Padding' "
                       "key wrap";
    else if (ranged)
        legacy = "a ranged read (AES-CTR, not authenticated)";
    int need_legacy = legacy != NULL && o->security_profile != SECKIT_S3CSE_PROFILE_V2_AND_LEGACY;
    int need_commit = e->version != 3 &&
                      o->commitment_policy == SECKIT_S3CSE_REQUIRE_ENCRYPT_REQUIRE_DECRYPT;
    SKT_ENSURE(!(need_legacy && need_commit), err, SECKIT_EPOLICY,
               "refused to read %s without key commitment: it needs "
               "--security-profile v2-and-legacy and --commitment-policy "
               "require-encrypt-allow-decrypt",
               legacy);
    SKT_ENSURE(!need_legacy, err, SECKIT_EPOLICY,
               "refused to read %s: it needs --security-profile v2-and-legacy", legacy);
    SKT_ENSURE(!need_commit, err, SECKIT_EPOLICY,
               "refused to read a V%d object (no key commitment) under "
               "require-encrypt-require-decrypt: it needs --commitment-policy "
               "require-encrypt-allow-decrypt",
               e->version);
    return 0;
}

/* ---- describe --------------------------------------------------------------- */

void seckit_s3cse_info_free(seckit_s3cse_info *info)
{
    if (info == NULL)
        return;
    free(info->kms_key_id);
    seckit_s3cse_kv_free(info->description, info->description_count);
    memset(info, 0, sizeof(*info));
}

int seckit_s3cse_describe(seckit_s3cse_info *info, const seckit_s3cse_kv *meta, size_t n,
                          const char *instruction, size_t instruction_len, seckit_error *err)
{
    SKT_ENSURE_ARG(info != NULL, err);
    memset(info, 0, sizeof(*info));
    skt_s3cse_env e;
    SKT_GUARD(skt_s3cse_env_parse(&e, meta, n, instruction, instruction_len, err));
    info->envelope = (seckit_s3cse_envelope)e.version;
    info->location = e.loc;
    info->content_alg = e.content;
    info->wrap_alg = e.wrap;
    info->content_alg_name = e.cek_alg_str;
    info->wrap_alg_name = seckit_s3cse_wrap_alg_name(e.wrap);
    info->committing = e.version == 3;
    info->legacy = e.version == 1 || e.content == SECKIT_S3CSE_CONTENT_AES_CBC ||
                   skt_s3cse_wrap_is_legacy(e.wrap);
    info->description_is_context = e.desc_is_ec;
    info->wrapped_key_len = e.edk_len;
    info->plaintext_length = e.plaintext_length;
    if (e.desc_is_ec) {
        const char *id = skt_kvlist_get(e.desc.kv, e.desc.count, "kms_cmk_id");
        if (id != NULL && (info->kms_key_id = strdup(id)) == NULL) {
            skt_s3cse_env_clear(&e);
            return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        }
    }
    info->description = e.desc.kv;
    info->description_count = e.desc.count;
    e.desc.kv = NULL;
    e.desc.count = 0;
    skt_s3cse_env_clear(&e);
    return 0;
}
