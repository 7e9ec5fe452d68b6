/* The FLE configuration model in CloudFront's API shapes: read from JSON,
 * validated with CloudFront's rules and quotas, and the request-to-profile
 * selection CloudFront applies. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <openssl/decoder.h>
#include <openssl/rsa.h>

#include "crypto/fle_internal.h"
#include "src/base/guard.h"
#include "seckit/fle.h"

#define PATH_MAX_LEN 256

typedef struct ct_item {
    char *content_type;
    int profile; /* index in cfg->profiles, or -1 */
} ct_item;

typedef struct qa_item {
    char *query_arg;
    int profile;
} qa_item;

struct seckit_fle_config {
    skt_fle_key *keys;
    size_t n_keys;
    seckit_fle_profile *profiles;
    size_t n_profiles;
    int has_config;
    int ct_forward_unknown;
    ct_item *ct;
    size_t n_ct;
    int has_qa;
    int qa_forward_unknown;
    qa_item *qa;
    size_t n_qa;
};

/* ---- problems: check-config reports every one, not only the first */

/* Returned by a parse step whose problems were already reported. */
#define REPORTED 1

typedef struct problems {
    seckit_fle_problem_cb cb;
    void *ctx;
    size_t count;
    seckit_error first;
    int oom; /* out of memory: stop at once */
} problems;

static void report(problems *pr, const char *source, const seckit_error *e)
{
    seckit_error copy = *e;
    if (source != NULL)
        seckit_error_prefix(&copy, source);
    if (e->code == SECKIT_ENOMEM)
        pr->oom = 1;
    if (pr->count == 0)
        pr->first = copy;
    pr->count++;
    if (pr->cb != NULL)
        pr->cb(pr->ctx, &copy);
}

/* ---- small helpers */

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

static int oom(seckit_error *err)
{
    return seckit_error_set(err, SECKIT_ENOMEM, "FLE configuration: out of memory");
}

static void sub_path(char *out, const char *path, const char *key)
{
    int w = path[0] == '\0' ? snprintf(out, PATH_MAX_LEN, "%s", key)
                            : snprintf(out, PATH_MAX_LEN, "%s.%s", path, key);
    if (w < 0)
        out[0] = '\0'; /* longer paths are cut short: only the message suffers */
}

static void index_path(char *out, const char *path, size_t i)
{
    if (snprintf(out, PATH_MAX_LEN, "%s[%zu]", path, i) < 0)
        out[0] = '\0';
}

/* Refuse members not in allowed (a typo would otherwise be ignored). */
static int check_members(const cJSON *obj, const char *const *allowed, const char *path,
                         seckit_error *err)
{
    for (const cJSON *c = obj->child; c != NULL; c = c->next) {
        int ok = 0;
        for (size_t i = 0; allowed[i] != NULL && !ok; i++)
            ok = c->string != NULL && strcmp(c->string, allowed[i]) == 0;
        if (!ok) {
            char p[PATH_MAX_LEN];
            sub_path(p, path, c->string != NULL ? c->string : "?");
            return seckit_error_set(err, SECKIT_EFORMAT, "%s: unknown element", p);
        }
    }
    /* cJSON keeps duplicate members; CloudFront's XML would not have them. */
    for (const cJSON *c = obj->child; c != NULL; c = c->next)
        for (const cJSON *d = c->next; d != NULL; d = d->next)
            if (c->string != NULL && d->string != NULL && strcmp(c->string, d->string) == 0) {
                char p[PATH_MAX_LEN];
                sub_path(p, path, c->string);
                return seckit_error_set(err, SECKIT_EFORMAT, "%s: given twice", p);
            }
    return 0;
}

static int get_member(const cJSON *obj, const char *key, int required, const cJSON **out,
                      const char *path, seckit_error *err)
{
    *out = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (*out == NULL && required) {
        char p[PATH_MAX_LEN];
        sub_path(p, path, key);
        return seckit_error_set(err, SECKIT_EFORMAT, "%s: required", p);
    }
    return 0;
}

static int get_string(const cJSON *obj, const char *key, int required, const char **out,
                      const char *path, seckit_error *err)
{
    const cJSON *m;
    int rc = get_member(obj, key, required, &m, path, err);
    *out = NULL;
    if (rc != 0 || m == NULL)
        return rc;
    if (!cJSON_IsString(m) || m->valuestring == NULL) {
        char p[PATH_MAX_LEN];
        sub_path(p, path, key);
        return seckit_error_set(err, SECKIT_EFORMAT, "%s: must be a string", p);
    }
    *out = m->valuestring;
    return 0;
}

static int get_bool(const cJSON *obj, const char *key, int *out, const char *path,
                    seckit_error *err)
{
    const cJSON *m;
    int rc = get_member(obj, key, 1, &m, path, err);
    SKT_GUARD_NONZERO(rc);
    if (!cJSON_IsBool(m)) {
        char p[PATH_MAX_LEN];
        sub_path(p, path, key);
        return seckit_error_set(err, SECKIT_EFORMAT, "%s: must be true or false", p);
    }
    *out = cJSON_IsTrue(m);
    return 0;
}

static int get_object(const cJSON *obj, const char *key, int required, const cJSON **out,
                      const char *path, seckit_error *err)
{
    int rc = get_member(obj, key, required, out, path, err);
    if (rc == 0 && *out != NULL && !cJSON_IsObject(*out)) {
        char p[PATH_MAX_LEN];
        sub_path(p, path, key);
        return seckit_error_set(err, SECKIT_EFORMAT, "%s: must be an object", p);
    }
    return rc;
}

/* A CloudFront list {"Quantity": N, "Items": [...]}: returns the Items
 * array (may be NULL for an absent or empty list); path_out gets
 * "path.key.Items". */
static int get_list(const cJSON *obj, const char *key, int required, const cJSON **items,
                    size_t *count, char *path_out, const char *path, seckit_error *err)
{
    static const char *const members[] = {"Quantity", "Items", NULL};
    const cJSON *list;
    char p[PATH_MAX_LEN];
    sub_path(p, path, key);
    sub_path(path_out, p, "Items");
    *items = NULL;
    *count = 0;
    int rc = get_object(obj, key, required, &list, path, err);
    if (rc != 0 || list == NULL)
        return rc;
    SKT_GUARD_NONZERO(rc = check_members(list, members, p, err));
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(list, "Quantity");
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(list, "Items");
    if (it != NULL && !cJSON_IsArray(it))
        return seckit_error_set(err, SECKIT_EFORMAT, "%s: must be an array", path_out);
    size_t n = it != NULL ? (size_t)cJSON_GetArraySize(it) : 0;
    if (q != NULL) {
        if (!cJSON_IsNumber(q) || q->valuedouble < 0 ||
            q->valuedouble != (double)(size_t)q->valuedouble)
            return seckit_error_set(err, SECKIT_EFORMAT, "%s.Quantity: must be a whole number", p);
        SKT_ENSURE((size_t)q->valuedouble == n, err, SECKIT_EFORMAT,
                   "%s.Quantity: is %zu but Items has %zu entries", p, (size_t)q->valuedouble, n);
    }
    *items = it;
    *count = n;
    return 0;
}

/* 1..max characters, each alphanumeric or in `extra`. */
static int check_chars(const char *s, const char *extra, size_t max, const char *path,
                       const char *rule, seckit_error *err)
{
    size_t n = strlen(s);
    SKT_ENSURE(n != 0, err, SECKIT_EFORMAT, "%s: must not be empty", path);
    SKT_ENSURE(n <= max, err, SECKIT_EFORMAT, "%s: %zu characters is over the limit of %zu", path,
               n, max);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(isascii(c) && isalnum(c)) && (c == '\0' || strchr(extra, c) == NULL))
            return seckit_error_set(err, SECKIT_EFORMAT,
                                    "%s: character %zu (0x%02x) is not allowed (%s)", path, i + 1,
                                    c, rule);
    }
    return 0;
}

static int check_comment(const cJSON *obj, const char *path, seckit_error *err)
{
    const char *c;
    int rc = get_string(obj, "Comment", 0, &c, path, err);
    if (rc == 0 && c != NULL && strlen(c) > SECKIT_FLE_MAX_NAME) {
        char p[PATH_MAX_LEN];
        sub_path(p, path, "Comment");
        return seckit_error_set(err, SECKIT_EFORMAT, "%s: %zu characters is over the limit of %u",
                                p, strlen(c), SECKIT_FLE_MAX_NAME);
    }
    return rc;
}

static int check_caller_reference(const cJSON *obj, int required, const char *path,
                                  seckit_error *err)
{
    const char *c;
    char p[PATH_MAX_LEN];
    int rc = get_string(obj, "CallerReference", required, &c, path, err);
    if (rc != 0 || c == NULL)
        return rc;
    sub_path(p, path, "CallerReference");
    SKT_ENSURE(c[0] != '\0', err, SECKIT_EFORMAT, "%s: must not be empty", p);
    return 0;
}

static int check_id(const char *id, const char *path, seckit_error *err)
{
    char p[PATH_MAX_LEN];
    sub_path(p, path, "Id");
    return check_chars(id, "_-", SECKIT_FLE_MAX_NAME, p, "letters, digits, '_' and '-'", err);
}

/* ---- keys and patterns */

int skt_fle_parse_public_key(const char *pem, size_t len, EVP_PKEY **out, const char *what,
                             seckit_error *err)
{
    EVP_PKEY *pkey = NULL;
    *out = NULL;
    OSSL_DECODER_CTX *dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, NULL, NULL, "RSA",
                                                           OSSL_KEYMGMT_SELECT_PUBLIC_KEY, NULL,
                                                           NULL);
    SKT_ENSURE(dctx != NULL, err, SECKIT_ECRYPTO, "%s: cannot set up a key decoder", what);
    const unsigned char *p = (const unsigned char *)pem;
    size_t left = len;
    int ok = OSSL_DECODER_from_data(dctx, &p, &left);
    OSSL_DECODER_CTX_free(dctx);
    if (!ok || pkey == NULL) {
        EVP_PKEY_free(pkey);
        return seckit_error_set(err, SECKIT_EFORMAT,
                                "%s: not an RSA public key in PEM (expected "
                                "-----BEGIN PUBLIC KEY-----)",
                                what);
    }
    if (EVP_PKEY_get_bits(pkey) != 2048) {
        int bits = EVP_PKEY_get_bits(pkey);
        EVP_PKEY_free(pkey);
        return seckit_error_set(err, SECKIT_EFORMAT,
                                "%s: RSA-%d key; CloudFront field-level encryption takes only "
                                "2048-bit RSA keys",
                                what, bits);
    }
    *out = pkey;
    return 0;
}

int skt_fle_check_pattern(const char *p, const char *what, seckit_error *err)
{
    size_t n = strlen(p);
    SKT_ENSURE(n != 0, err, SECKIT_EFORMAT, "%s: must not be empty", what);
    SKT_ENSURE(n <= SECKIT_FLE_MAX_NAME, err, SECKIT_EFORMAT,
               "%s: %zu characters is over the limit of %u", what, n, SECKIT_FLE_MAX_NAME);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '*') {
            SKT_ENSURE(i + 1 == n, err, SECKIT_EFORMAT,
                       "%s: '*' is allowed only at the end (a prefix "
                       "pattern such as \"card*\")",
                       what);
            SKT_ENSURE(i != 0, err, SECKIT_EFORMAT,
                       "%s: a pattern needs at least one character before "
                       "'*'",
                       what);
            continue;
        }
        if (!(isascii(c) && isalnum(c)) && strchr("[]._-", c) == NULL)
            return seckit_error_set(err, SECKIT_EFORMAT,
                                    "%s: character %zu (0x%02x) is not allowed (letters, "
                                    "digits, '[', ']', '.', '_', '-' and a trailing '*')",
                                    what, i + 1, c);
    }
    return 0;
}

static int is_prefix_pattern(const char *p, size_t *stem)
{
    size_t n = strlen(p);
    if (n > 0 && p[n - 1] == '*') {
        *stem = n - 1;
        return 1;
    }
    *stem = n;
    return 0;
}

int skt_fle_patterns_overlap(const char *a, const char *b)
{
    size_t sa, sb;
    int pa = is_prefix_pattern(a, &sa), pb = is_prefix_pattern(b, &sb);
    if (!pa && !pb)
        return strcmp(a, b) == 0;
    if (pa && pb) {
        size_t m = sa < sb ? sa : sb;
        return memcmp(a, b, m) == 0;
    }
    /* one exact name, one prefix */
    const char *exact = pa ? b : a, *prefix = pa ? a : b;
    size_t stem = pa ? sa : sb;
    return strlen(exact) >= stem && memcmp(exact, prefix, stem) == 0;
}

int skt_fle_pattern_match(const char *pattern, const char *name, size_t len)
{
    size_t stem;
    if (is_prefix_pattern(pattern, &stem))
        return len >= stem && memcmp(name, pattern, stem) == 0;
    return len == stem && memcmp(name, pattern, len) == 0;
}

const skt_fle_entity *skt_fle_profile_match(const seckit_fle_profile *profile, const char *name,
                                            size_t len)
{
    for (size_t e = 0; e < profile->n_entities; e++)
        for (size_t i = 0; i < profile->entities[e].n_patterns; i++)
            if (skt_fle_pattern_match(profile->entities[e].patterns[i], name, len))
                return &profile->entities[e];
    return NULL;
}

static void key_clear(skt_fle_key *k)
{
    free(k->id);
    free(k->name);
    free(k->pem);
    EVP_PKEY_free(k->pkey);
    memset(k, 0, sizeof(*k));
}

void skt_fle_profile_clear(seckit_fle_profile *p)
{
    for (size_t e = 0; e < p->n_entities; e++) {
        for (size_t i = 0; i < p->entities[e].n_patterns; i++)
            free(p->entities[e].patterns[i]);
        free(p->entities[e].patterns);
        free(p->entities[e].provider_id);
    }
    free(p->entities);
    free(p->id);
    free(p->name);
    if (p->own_key != NULL) {
        key_clear(p->own_key);
        free(p->own_key);
    }
    memset(p, 0, sizeof(*p));
}

/* Check that the patterns of all entities of a profile are valid, at most
 * 10, and that no two overlap.  paths[e][i] names each pattern. */
static int check_profile_patterns(const seckit_fle_profile *p, const char *items_path,
                                  seckit_error *err)
{
    size_t total = 0;
    for (size_t e = 0; e < p->n_entities; e++)
        total += p->entities[e].n_patterns;
    SKT_ENSURE(total <= SECKIT_FLE_MAX_PATTERNS, err, SECKIT_ELIMIT,
               "%s: %zu field patterns; CloudFront allows at most %u per "
               "profile",
               items_path, total, SECKIT_FLE_MAX_PATTERNS);
    for (size_t e = 0; e < p->n_entities; e++)
        for (size_t i = 0; i < p->entities[e].n_patterns; i++)
            for (size_t f = e; f < p->n_entities; f++)
                for (size_t j = (f == e ? i + 1 : 0); j < p->entities[f].n_patterns; j++)
                    if (skt_fle_patterns_overlap(p->entities[e].patterns[i],
                                                 p->entities[f].patterns[j]))
                        return seckit_error_set(
                            err, SECKIT_EFORMAT,
                            "%s[%zu].FieldPatterns.Items[%zu]: \"%s\" overlaps \"%s\" "
                            "(%s[%zu].FieldPatterns.Items[%zu]); field patterns must not "
                            "overlap",
                            items_path, f, j, p->entities[f].patterns[j],
                            p->entities[e].patterns[i], items_path, e, i);
    return 0;
}

/* ---- parsing */

static int parse_key(const cJSON *item, const char *path, skt_fle_key *k, seckit_error *err)
{
    static const char *const outer[] = {"Id", "PublicKeyConfig", "CreatedTime", NULL};
    static const char *const inner[] = {"Id", "Name", "EncodedKey", "Comment", "CallerReference",
                                        NULL};
    char cpath[PATH_MAX_LEN], p[PATH_MAX_LEN];
    const char *id = NULL, *name, *pem;
    int rc;
    SKT_ENSURE(cJSON_IsObject(item), err, SECKIT_EFORMAT, "%s: must be an object", path);
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(item, "PublicKeyConfig");
    if (cfg != NULL) {
        SKT_GUARD_NONZERO(rc = check_members(item, outer, path, err));
        SKT_GUARD_NONZERO(rc = get_object(item, "PublicKeyConfig", 1, &cfg, path, err));
        SKT_GUARD_NONZERO(rc = get_string(item, "Id", 0, &id, path, err));
        if (id != NULL && (rc = check_id(id, path, err)) != 0)
            return rc;
        sub_path(cpath, path, "PublicKeyConfig");
        SKT_GUARD_NONZERO(rc = check_members(cfg, inner + 1, cpath, err));
    } else {
        cfg = item;
        sub_path(cpath, "", path);
        SKT_GUARD_NONZERO(rc = check_members(cfg, inner, cpath, err));
        SKT_GUARD_NONZERO(rc = get_string(item, "Id", 0, &id, path, err));
        if (id != NULL && (rc = check_id(id, path, err)) != 0)
            return rc;
    }
    SKT_GUARD_NONZERO(rc = get_string(cfg, "Name", 1, &name, cpath, err));
    sub_path(p, cpath, "Name");
    if ((rc = check_chars(name, "_-", SECKIT_FLE_MAX_NAME, p, "letters, digits, '_' and '-'",
                          err)) != 0)
        return rc;
    if ((rc = check_comment(cfg, cpath, err)) != 0 ||
        (rc = check_caller_reference(cfg, 0, cpath, err)) != 0)
        return rc;
    SKT_GUARD_NONZERO(rc = get_string(cfg, "EncodedKey", 1, &pem, cpath, err));
    sub_path(p, cpath, "EncodedKey");
    SKT_GUARD_NONZERO(rc = skt_fle_parse_public_key(pem, strlen(pem), &k->pkey, p, err));
    k->id = id != NULL ? dupstr(id) : NULL;
    k->name = dupstr(name);
    k->pem = dupstr(pem);
    k->pem_len = strlen(pem);
    if ((id != NULL && k->id == NULL) || k->name == NULL || k->pem == NULL)
        return oom(err);
    return 0;
}

static const skt_fle_key *find_key(const seckit_fle_config *cfg, const char *ref)
{
    for (size_t i = 0; i < cfg->n_keys; i++)
        if (cfg->keys[i].id != NULL && strcmp(cfg->keys[i].id, ref) == 0)
            return &cfg->keys[i];
    for (size_t i = 0; i < cfg->n_keys; i++)
        if (strcmp(cfg->keys[i].name, ref) == 0)
            return &cfg->keys[i];
    return NULL;
}

static int parse_entity(const seckit_fle_config *cfg, const cJSON *item, const char *path,
                        skt_fle_entity *e, seckit_error *err)
{
    static const char *const members[] = {"PublicKeyId", "ProviderId", "FieldPatterns", NULL};
    char p[PATH_MAX_LEN], ipath[PATH_MAX_LEN];
    const char *key_ref, *provider;
    const cJSON *items;
    size_t n;
    int rc;
    SKT_ENSURE(cJSON_IsObject(item), err, SECKIT_EFORMAT, "%s: must be an object", path);
    SKT_GUARD_NONZERO(rc = check_members(item, members, path, err));
    SKT_GUARD_NONZERO(rc = get_string(item, "PublicKeyId", 1, &key_ref, path, err));
    e->key = find_key(cfg, key_ref);
    if (e->key == NULL) {
        sub_path(p, path, "PublicKeyId");
        return seckit_error_set(err, SECKIT_EFORMAT, "%s: no public key has the Id or Name \"%s\"",
                                p, key_ref);
    }
    SKT_GUARD_NONZERO(rc = get_string(item, "ProviderId", 1, &provider, path, err));
    sub_path(p, path, "ProviderId");
    if ((rc = check_chars(provider, ":_-", SECKIT_FLE_MAX_NAME, p,
                          "letters, digits, ':', '_' and '-'", err)) != 0)
        return rc;
    if ((e->provider_id = dupstr(provider)) == NULL)
        return oom(err);
    SKT_GUARD_NONZERO(rc = get_list(item, "FieldPatterns", 1, &items, &n, ipath, path, err));
    SKT_ENSURE(n != 0, err, SECKIT_EFORMAT, "%s: needs at least one field pattern", ipath);
    SKT_ENSURE(n <= SECKIT_FLE_MAX_PATTERNS, err, SECKIT_ELIMIT,
               "%s: %zu field patterns; CloudFront allows at most %u per "
               "profile",
               ipath, n, SECKIT_FLE_MAX_PATTERNS);
    if ((e->patterns = calloc(n, sizeof(char *))) == NULL)
        return oom(err);
    size_t i = 0;
    for (const cJSON *it = items->child; it != NULL; it = it->next, i++) {
        index_path(p, ipath, i);
        if (!cJSON_IsString(it) || it->valuestring == NULL)
            return seckit_error_set(err, SECKIT_EFORMAT, "%s: must be a string", p);
        SKT_GUARD_NONZERO(rc = skt_fle_check_pattern(it->valuestring, p, err));
        if ((e->patterns[i] = dupstr(it->valuestring)) == NULL)
            return oom(err);
        e->n_patterns = i + 1;
    }
    return 0;
}

static int parse_profile(const seckit_fle_config *cfg, const cJSON *item, const char *path,
                         seckit_fle_profile *prof, problems *pr, const char *source,
                         seckit_error *err)
{
    static const char *const outer[] = {"Id", "FieldLevelEncryptionProfileConfig",
                                        "LastModifiedTime", NULL};
    static const char *const inner[] = {
        "Id", "Name", "CallerReference", "Comment", "EncryptionEntities", NULL};
    char cpath[PATH_MAX_LEN], p[PATH_MAX_LEN], ipath[PATH_MAX_LEN];
    const char *id = NULL, *name;
    const cJSON *cfgobj, *items;
    size_t n;
    int rc;
    SKT_ENSURE(cJSON_IsObject(item), err, SECKIT_EFORMAT, "%s: must be an object", path);
    cfgobj = cJSON_GetObjectItemCaseSensitive(item, "FieldLevelEncryptionProfileConfig");
    if (cfgobj != NULL) {
        if ((rc = check_members(item, outer, path, err)) != 0 ||
            (rc = get_object(item, "FieldLevelEncryptionProfileConfig", 1, &cfgobj, path, err)) !=
                0)
            return rc;
        sub_path(cpath, path, "FieldLevelEncryptionProfileConfig");
        SKT_GUARD_NONZERO(rc = check_members(cfgobj, inner + 1, cpath, err));
    } else {
        cfgobj = item;
        sub_path(cpath, "", path);
        SKT_GUARD_NONZERO(rc = check_members(cfgobj, inner, cpath, err));
    }
    SKT_GUARD_NONZERO(rc = get_string(item, "Id", 0, &id, path, err));
    if (id != NULL && (rc = check_id(id, path, err)) != 0)
        return rc;
    SKT_GUARD_NONZERO(rc = get_string(cfgobj, "Name", 1, &name, cpath, err));
    sub_path(p, cpath, "Name");
    if ((rc = check_chars(name, "_-", SECKIT_FLE_MAX_NAME, p, "letters, digits, '_' and '-'",
                          err)) != 0)
        return rc;
    if ((rc = check_caller_reference(cfgobj, 1, cpath, err)) != 0 ||
        (rc = check_comment(cfgobj, cpath, err)) != 0)
        return rc;
    prof->id = id != NULL ? dupstr(id) : NULL;
    prof->name = dupstr(name);
    if ((id != NULL && prof->id == NULL) || prof->name == NULL)
        return oom(err);
    SKT_GUARD_NONZERO(rc =
                          get_list(cfgobj, "EncryptionEntities", 1, &items, &n, ipath, cpath, err));
    SKT_ENSURE(n != 0, err, SECKIT_EFORMAT, "%s: needs at least one encryption entity", ipath);
    if (n > SECKIT_FLE_MAX_PATTERNS)
        return seckit_error_set(err, SECKIT_ELIMIT, "%s: %zu entities; at most %u", ipath, n,
                                SECKIT_FLE_MAX_PATTERNS);
    if ((prof->entities = calloc(n, sizeof(*prof->entities))) == NULL)
        return oom(err);
    size_t i = 0;
    int bad = 0;
    for (const cJSON *it = items->child; it != NULL; it = it->next, i++) {
        seckit_error e;
        seckit_error_clear(&e);
        index_path(p, ipath, i);
        prof->n_entities = i + 1;
        if ((rc = parse_entity(cfg, it, p, &prof->entities[i], &e)) != 0) {
            if (rc == SECKIT_ENOMEM) {
                *err = e;
                return rc;
            }
            report(pr, source, &e);
            bad = 1;
        }
    }
    if (bad)
        return REPORTED;
    return check_profile_patterns(prof, ipath, err);
}

static int find_profile(const seckit_fle_config *cfg, const char *ref)
{
    for (size_t i = 0; i < cfg->n_profiles; i++)
        if (cfg->profiles[i].id != NULL && strcmp(cfg->profiles[i].id, ref) == 0)
            return (int)i;
    for (size_t i = 0; i < cfg->n_profiles; i++)
        if (strcmp(cfg->profiles[i].name, ref) == 0)
            return (int)i;
    return -1;
}

/* One ContentTypeProfiles item (index i, at path p). */
static int parse_ct_item(seckit_fle_config *cfg, const cJSON *it, const char *p, size_t i,
                         seckit_error *err)
{
    static const char *const ct_members[] = {"ContentType", "Format", "ProfileId", NULL};
    char q[PATH_MAX_LEN];
    const char *ctype, *format, *pid;
    int rc;
    SKT_ENSURE(cJSON_IsObject(it), err, SECKIT_EFORMAT, "%s: must be an object", p);
    if ((rc = check_members(it, ct_members, p, err)) != 0 ||
        (rc = get_string(it, "ContentType", 1, &ctype, p, err)) != 0 ||
        (rc = get_string(it, "Format", 1, &format, p, err)) != 0 ||
        (rc = get_string(it, "ProfileId", 0, &pid, p, err)) != 0)
        return rc;
    if (strcmp(ctype, SECKIT_FLE_CONTENT_TYPE) != 0) {
        sub_path(q, p, "ContentType");
        return seckit_error_set(err, SECKIT_EFORMAT,
                                "%s: \"%s\" is not supported; field-level encryption "
                                "works only on " SECKIT_FLE_CONTENT_TYPE,
                                q, ctype);
    }
    if (strcmp(format, "URLEncoded") != 0) {
        sub_path(q, p, "Format");
        return seckit_error_set(err, SECKIT_EFORMAT,
                                "%s: \"%s\" is not supported; the only format is "
                                "URLEncoded",
                                q, format);
    }
    for (size_t j = 0; j < i; j++)
        if (cfg->ct[j].content_type != NULL && strcmp(cfg->ct[j].content_type, ctype) == 0) {
            sub_path(q, p, "ContentType");
            return seckit_error_set(err, SECKIT_EFORMAT, "%s: \"%s\" is listed twice", q, ctype);
        }
    if (pid != NULL) {
        cfg->ct[i].profile = find_profile(cfg, pid);
        if (cfg->ct[i].profile < 0) {
            sub_path(q, p, "ProfileId");
            return seckit_error_set(err, SECKIT_EFORMAT, "%s: no profile has the Id or Name \"%s\"",
                                    q, pid);
        }
    }
    if ((cfg->ct[i].content_type = dupstr(ctype)) == NULL)
        return oom(err);
    return 0;
}

/* One QueryArgProfiles item (index i, at path p). */
static int parse_qa_item(seckit_fle_config *cfg, const cJSON *it, const char *p, size_t i,
                         seckit_error *err)
{
    static const char *const qa_members[] = {"QueryArg", "ProfileId", NULL};
    char q[PATH_MAX_LEN];
    const char *arg, *pid;
    int rc;
    SKT_ENSURE(cJSON_IsObject(it), err, SECKIT_EFORMAT, "%s: must be an object", p);
    if ((rc = check_members(it, qa_members, p, err)) != 0 ||
        (rc = get_string(it, "QueryArg", 1, &arg, p, err)) != 0 ||
        (rc = get_string(it, "ProfileId", 1, &pid, p, err)) != 0)
        return rc;
    sub_path(q, p, "QueryArg");
    if ((rc = check_chars(arg, "-._*+%", SECKIT_FLE_MAX_NAME, q,
                          "letters, digits, '-', '.', '_', '*', '+' and '%'", err)) != 0)
        return rc;
    for (size_t j = 0; j < i; j++)
        if (cfg->qa[j].query_arg != NULL && strcmp(cfg->qa[j].query_arg, arg) == 0)
            return seckit_error_set(err, SECKIT_EFORMAT, "%s: \"%s\" is listed twice", q, arg);
    cfg->qa[i].profile = find_profile(cfg, pid);
    if (cfg->qa[i].profile < 0) {
        sub_path(q, p, "ProfileId");
        return seckit_error_set(err, SECKIT_EFORMAT, "%s: no profile has the Id or Name \"%s\"", q,
                                pid);
    }
    if ((cfg->qa[i].query_arg = dupstr(arg)) == NULL)
        return oom(err);
    return 0;
}

static int parse_config(seckit_fle_config *cfg, const cJSON *obj, const char *path0, problems *pr,
                        const char *source, seckit_error *err)
{
    static const char *const members[] = {"CallerReference", "Comment", "ContentTypeProfileConfig",
                                          "QueryArgProfileConfig", NULL};
    static const char *const ctc_members[] = {"ForwardWhenContentTypeIsUnknown",
                                              "ContentTypeProfiles", NULL};
    static const char *const qac_members[] = {"ForwardWhenQueryArgProfileIsUnknown",
                                              "QueryArgProfiles", NULL};
    char path[PATH_MAX_LEN], cpath[PATH_MAX_LEN], ipath[PATH_MAX_LEN], p[PATH_MAX_LEN];
    const cJSON *sub, *items;
    size_t n;
    int rc;

    SKT_ENSURE(cJSON_IsObject(obj), err, SECKIT_EFORMAT, "%s: must be an object", path0);
    sub_path(path, "", path0);
    const cJSON *wrapped = cJSON_GetObjectItemCaseSensitive(obj, "FieldLevelEncryptionConfig");
    if (wrapped != NULL) {
        static const char *const outer[] = {"FieldLevelEncryptionConfig", "Id", "LastModifiedTime",
                                            NULL};
        if ((rc = check_members(obj, outer, path, err)) != 0 ||
            (rc = get_object(obj, "FieldLevelEncryptionConfig", 1, &obj, path, err)) != 0)
            return rc;
        sub_path(path, path0, "FieldLevelEncryptionConfig");
    }
    if ((rc = check_members(obj, members, path, err)) != 0 ||
        (rc = check_caller_reference(obj, 1, path, err)) != 0 ||
        (rc = check_comment(obj, path, err)) != 0)
        return rc;

    SKT_GUARD_NONZERO(rc = get_object(obj, "ContentTypeProfileConfig", 1, &sub, path, err));
    sub_path(cpath, path, "ContentTypeProfileConfig");
    if ((rc = check_members(sub, ctc_members, cpath, err)) != 0 ||
        (rc = get_bool(sub, "ForwardWhenContentTypeIsUnknown", &cfg->ct_forward_unknown, cpath,
                       err)) != 0 ||
        (rc = get_list(sub, "ContentTypeProfiles", 0, &items, &n, ipath, cpath, err)) != 0)
        return rc;
    if (n > 0 && (cfg->ct = calloc(n, sizeof(*cfg->ct))) == NULL)
        return oom(err);
    int bad = 0;
    size_t i = 0;
    for (const cJSON *it = items != NULL ? items->child : NULL; it != NULL; it = it->next, i++) {
        seckit_error e;
        seckit_error_clear(&e);
        index_path(p, ipath, i);
        cfg->ct[i].profile = -1;
        cfg->n_ct = i + 1;
        if ((rc = parse_ct_item(cfg, it, p, i, &e)) != 0) {
            if (rc == SECKIT_ENOMEM) {
                *err = e;
                return rc;
            }
            report(pr, source, &e);
            bad = 1;
        }
    }

    SKT_GUARD_NONZERO(rc = get_object(obj, "QueryArgProfileConfig", 0, &sub, path, err));
    if (sub == NULL)
        return bad ? REPORTED : 0;
    cfg->has_qa = 1;
    sub_path(cpath, path, "QueryArgProfileConfig");
    if ((rc = check_members(sub, qac_members, cpath, err)) != 0 ||
        (rc = get_bool(sub, "ForwardWhenQueryArgProfileIsUnknown", &cfg->qa_forward_unknown, cpath,
                       err)) != 0 ||
        (rc = get_list(sub, "QueryArgProfiles", 0, &items, &n, ipath, cpath, err)) != 0)
        return rc;
    SKT_ENSURE(n <= SECKIT_FLE_MAX_QUERY_ARG_PROFILES, err, SECKIT_ELIMIT,
               "%s: %zu query-argument profiles; CloudFront allows at most "
               "%u",
               ipath, n, SECKIT_FLE_MAX_QUERY_ARG_PROFILES);
    if (n > 0 && (cfg->qa = calloc(n, sizeof(*cfg->qa))) == NULL)
        return oom(err);
    i = 0;
    for (const cJSON *it = items != NULL ? items->child : NULL; it != NULL; it = it->next, i++) {
        seckit_error e;
        seckit_error_clear(&e);
        index_path(p, ipath, i);
        cfg->qa[i].profile = -1;
        cfg->n_qa = i + 1;
        if ((rc = parse_qa_item(cfg, it, p, i, &e)) != 0) {
            if (rc == SECKIT_ENOMEM) {
                *err = e;
                return rc;
            }
            report(pr, source, &e);
            bad = 1;
        }
    }
    return bad ? REPORTED : 0;
}

void seckit_fle_config_free(seckit_fle_config *cfg)
{
    if (cfg == NULL)
        return;
    for (size_t i = 0; i < cfg->n_keys; i++)
        key_clear(&cfg->keys[i]);
    free(cfg->keys);
    for (size_t i = 0; i < cfg->n_profiles; i++)
        skt_fle_profile_clear(&cfg->profiles[i]);
    free(cfg->profiles);
    for (size_t i = 0; i < cfg->n_ct; i++)
        free(cfg->ct[i].content_type);
    free(cfg->ct);
    for (size_t i = 0; i < cfg->n_qa; i++)
        free(cfg->qa[i].query_arg);
    free(cfg->qa);
    free(cfg);
}

/* ---- documents and their shapes */

/* One element found in the documents: a public key, a profile or the
 * FieldLevelEncryptionConfig, in a form parse_key / parse_profile /
 * parse_config accept, with its path for messages and its source's name. */
typedef struct elem {
    const cJSON *item;
    const char *source;
    char path[PATH_MAX_LEN];
} elem;

typedef struct gathered {
    cJSON **roots;
    size_t n_roots;
    elem *keys, *profiles, *configs;
    size_t nk, np, nc, cap_k, cap_p, cap_c;
} gathered;

static void gathered_free(gathered *g)
{
    for (size_t i = 0; i < g->n_roots; i++)
        cJSON_Delete(g->roots[i]);
    free(g->roots);
    free(g->keys);
    free(g->profiles);
    free(g->configs);
    memset(g, 0, sizeof *g);
}

static int add_elem(elem **v, size_t *n, size_t *cap, const cJSON *item, const char *source,
                    const char *path, seckit_error *err)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        elem *nv = realloc(*v, nc * sizeof *nv);
        if (nv == NULL)
            return oom(err);
        *v = nv;
        *cap = nc;
    }
    (*v)[*n].item = item;
    (*v)[*n].source = source;
    snprintf((*v)[*n].path, PATH_MAX_LEN, "%s", path);
    (*n)++;
    return 0;
}

#define FLE_SHAPES                                                                                 \
    "seckit's file {\"public_keys\": [...], \"profiles\": [...], \"config\": {...}}; the "         \
    "output of aws cloudfront get-public-key, get-field-level-encryption-profile or "              \
    "get-field-level-encryption (or of their -config variants); a bare PublicKeyConfig, "          \
    "FieldLevelEncryptionProfileConfig or FieldLevelEncryptionConfig"

/* The wrappers `aws cloudfront get-*` prints: {"<name>": {...}, "ETag": ...}. */
static const struct {
    const char *name;
    int kind; /* 0 key, 1 profile, 2 config */
} wrappers[] = {
    {"PublicKey", 0},
    {"PublicKeyConfig", 0},
    {"FieldLevelEncryptionProfile", 1},
    {"FieldLevelEncryptionProfileConfig", 1},
    {"FieldLevelEncryption", 2},
    {"FieldLevelEncryptionConfig", 2},
};

/* Sort one document's elements into g.  single: the only document (then
 * seckit's file needs its public_keys and profiles, as before). */
static int classify(gathered *g, const cJSON *root, const char *source, int single,
                    seckit_error *err)
{
    SKT_ENSURE(cJSON_IsObject(root), err, SECKIT_EFORMAT,
               "FLE configuration: the document must be a JSON object (one "
               "of: " FLE_SHAPES ")");
    const cJSON *keys = cJSON_GetObjectItemCaseSensitive(root, "public_keys");
    const cJSON *profiles = cJSON_GetObjectItemCaseSensitive(root, "profiles");
    const cJSON *config = cJSON_GetObjectItemCaseSensitive(root, "config");
    char p[PATH_MAX_LEN];
    int rc;
    if (keys != NULL || profiles != NULL || config != NULL) {
        static const char *const members[] = {"public_keys", "profiles", "config", NULL};
        SKT_GUARD_NONZERO(rc = check_members(root, members, "", err));
        if (keys != NULL ? !cJSON_IsArray(keys) : single)
            return seckit_error_set(err, SECKIT_EFORMAT, "public_keys: %s",
                                    keys == NULL ? "required (an array of public keys)"
                                                 : "must be an array");
        if (profiles != NULL ? !cJSON_IsArray(profiles) : single)
            return seckit_error_set(err, SECKIT_EFORMAT, "profiles: %s",
                                    profiles == NULL ? "required (an array of profiles)"
                                                     : "must be an array");
        if (single && cJSON_GetArraySize(keys) == 0)
            return seckit_error_set(err, SECKIT_EFORMAT, "public_keys: needs at least one key");
        size_t i = 0;
        for (const cJSON *it = keys != NULL ? keys->child : NULL; it != NULL; it = it->next, i++) {
            index_path(p, "public_keys", i);
            SKT_GUARD_NONZERO(add_elem(&g->keys, &g->nk, &g->cap_k, it, source, p, err));
        }
        i = 0;
        for (const cJSON *it = profiles != NULL ? profiles->child : NULL; it != NULL;
             it = it->next, i++) {
            index_path(p, "profiles", i);
            SKT_GUARD_NONZERO(add_elem(&g->profiles, &g->np, &g->cap_p, it, source, p, err));
        }
        if (config != NULL)
            SKT_GUARD_NONZERO(
                add_elem(&g->configs, &g->nc, &g->cap_c, config, source, "config", err));
        return 0;
    }
    for (size_t w = 0; w < sizeof wrappers / sizeof wrappers[0]; w++) {
        const cJSON *inner = cJSON_GetObjectItemCaseSensitive(root, wrappers[w].name);
        if (inner == NULL)
            continue;
        if (strstr(wrappers[w].name, "Config") != NULL &&
            cJSON_GetObjectItemCaseSensitive(root, "Id") != NULL) {
            /* The inner object of a get-* output, {"Id": ..,
             * "PublicKeyConfig": {...}}: parse_key, parse_profile and
             * parse_config take it as it is. */
            elem **v = wrappers[w].kind == 0   ? &g->keys
                       : wrappers[w].kind == 1 ? &g->profiles
                                               : &g->configs;
            size_t *nn = wrappers[w].kind == 0 ? &g->nk : wrappers[w].kind == 1 ? &g->np : &g->nc;
            size_t *cap = wrappers[w].kind == 0   ? &g->cap_k
                          : wrappers[w].kind == 1 ? &g->cap_p
                                                  : &g->cap_c;
            static const char *const names[] = {"PublicKey", "FieldLevelEncryptionProfile",
                                                "FieldLevelEncryption"};
            return add_elem(v, nn, cap, root, source, names[wrappers[w].kind], err);
        }
        const char *const members[] = {wrappers[w].name, "ETag", NULL};
        SKT_GUARD_NONZERO(rc = check_members(root, members, "", err));
        SKT_ENSURE(cJSON_IsObject(inner), err, SECKIT_EFORMAT, "%s: must be an object",
                   wrappers[w].name);
        if (wrappers[w].kind == 0)
            return add_elem(&g->keys, &g->nk, &g->cap_k, inner, source, wrappers[w].name, err);
        if (wrappers[w].kind == 1)
            return add_elem(&g->profiles, &g->np, &g->cap_p, inner, source, wrappers[w].name, err);
        /* parse_config takes the wrapped {"FieldLevelEncryptionConfig": ...}
         * of FieldLevelEncryption itself, so hand it the whole object. */
        return add_elem(&g->configs, &g->nc, &g->cap_c, inner, source, wrappers[w].name, err);
    }
    /* A bare *Config object, as `aws cloudfront create-*` takes it. */
    if (cJSON_GetObjectItemCaseSensitive(root, "EncodedKey") != NULL)
        return add_elem(&g->keys, &g->nk, &g->cap_k, root, source, "PublicKeyConfig", err);
    if (cJSON_GetObjectItemCaseSensitive(root, "EncryptionEntities") != NULL)
        return add_elem(&g->profiles, &g->np, &g->cap_p, root, source,
                        "FieldLevelEncryptionProfileConfig", err);
    if (cJSON_GetObjectItemCaseSensitive(root, "ContentTypeProfileConfig") != NULL ||
        cJSON_GetObjectItemCaseSensitive(root, "QueryArgProfileConfig") != NULL)
        return add_elem(&g->configs, &g->nc, &g->cap_c, root, source, "FieldLevelEncryptionConfig",
                        err);
    return seckit_error_set(
        err, SECKIT_EFORMAT,
        "FLE configuration: not a shape seckit knows; expected one of: " FLE_SHAPES);
}

/* Parse one document's JSON text; a syntax error names its line and column. */
static int parse_json(const char *json, size_t len, cJSON **out, seckit_error *err)
{
    *out = NULL;
    SKT_ENSURE(len <= SECKIT_FLE_MAX_BODY, err, SECKIT_ELIMIT,
               "FLE configuration: %zu bytes is over the limit of %u", len, SECKIT_FLE_MAX_BODY);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
    if (root == NULL) {
        size_t off = end != NULL && end >= json ? (size_t)(end - json) : 0;
        unsigned long line = 1, col = 0;
        for (size_t i = 0; i < off && i < len; i++) {
            if (json[i] == '\n') {
                line++;
                col = 0;
            } else {
                col++;
            }
        }
        return seckit_error_set_at(err, SECKIT_EFORMAT, (seckit_position){line, col, off},
                                   "FLE configuration: not valid JSON at line %lu column %lu", line,
                                   col + 1);
    }
    /* Trailing non-space bytes after the document. */
    if (end != NULL) {
        while (end < json + len && (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t'))
            end++;
        if (end < json + len && *end != '\0') {
            cJSON_Delete(root);
            return seckit_error_set(err, SECKIT_EFORMAT,
                                    "FLE configuration: unexpected text after the JSON "
                                    "document at offset %zu",
                                    (size_t)(end - json));
        }
    }
    *out = root;
    return 0;
}

/* Read every source into g; problems are reported and the source skipped. */
static int gather(gathered *g, const seckit_fle_config_source *sources, size_t n, problems *pr,
                  seckit_error *err)
{
    if ((g->roots = calloc(n + 1, sizeof *g->roots)) == NULL)
        return oom(err);
    for (size_t i = 0; i < n && !pr->oom; i++) {
        seckit_error e;
        seckit_error_clear(&e);
        cJSON *root = NULL;
        int rc = sources[i].json == NULL
                     ? seckit_error_set(&e, SECKIT_EINVAL, "FLE configuration: no JSON text")
                     : parse_json(sources[i].json, sources[i].len, &root, &e);
        if (rc == 0) {
            g->roots[g->n_roots++] = root;
            rc = classify(g, root, sources[i].name, n == 1, &e);
        }
        if (rc != 0)
            report(pr, sources[i].name, &e);
    }
    return 0;
}

/* Best-effort Id and Name of an element that did not parse, so that
 * references to it do not add a second, misleading problem. */
static void names_of(const cJSON *item, const char *wrapper, const char **id, const char **name)
{
    const cJSON *inner = cJSON_GetObjectItemCaseSensitive(item, wrapper);
    if (!cJSON_IsObject(inner))
        inner = item;
    *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, "Id"));
    *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(inner, "Name"));
}

/* Each public key parsed into cfg->keys (a key that fails stays as a
 * placeholder with its Id and Name, so that references to it are not
 * reported again), and no two keys share a name or an Id. */
static void validate_keys(seckit_fle_config *cfg, const gathered *g, problems *pr)
{
    seckit_error e;
    char q[PATH_MAX_LEN];
    for (size_t i = 0; i < g->nk && !pr->oom; i++) {
        const elem *el = &g->keys[i];
        skt_fle_key *k = &cfg->keys[i];
        cfg->n_keys = i + 1;
        seckit_error_clear(&e);
        if (parse_key(el->item, el->path, k, &e) != 0) {
            report(pr, el->source, &e);
            const char *id, *name;
            key_clear(k);
            names_of(el->item, "PublicKeyConfig", &id, &name);
            k->id = id != NULL ? dupstr(id) : NULL;
            k->name = dupstr(name != NULL ? name : "");
            continue; /* k->pkey NULL: a placeholder for references */
        }
        for (size_t j = 0; j < i; j++) {
            if (cfg->keys[j].pkey == NULL)
                continue;
            if (strcmp(cfg->keys[j].name, k->name) == 0) {
                sub_path(q, el->path, "Name");
                seckit_error_set(&e, SECKIT_EFORMAT,
                                 "%s: \"%s\" is also the name of %s%s%s; names must be unique", q,
                                 k->name, g->keys[j].source ? g->keys[j].source : "",
                                 g->keys[j].source ? ": " : "", g->keys[j].path);
                report(pr, el->source, &e);
            } else if (k->id != NULL && cfg->keys[j].id != NULL &&
                       strcmp(cfg->keys[j].id, k->id) == 0) {
                seckit_error_set(&e, SECKIT_EFORMAT, "%s.Id: \"%s\" is also the Id of %s%s%s",
                                 el->path, k->id, g->keys[j].source ? g->keys[j].source : "",
                                 g->keys[j].source ? ": " : "", g->keys[j].path);
                report(pr, el->source, &e);
            }
        }
    }
}

/* Each profile parsed into cfg->profiles (placeholders as for the keys),
 * and no two profiles share a name or an Id. */
static void validate_profiles(seckit_fle_config *cfg, const gathered *g, problems *pr)
{
    seckit_error e;
    for (size_t i = 0; i < g->np && !pr->oom; i++) {
        const elem *el = &g->profiles[i];
        seckit_fle_profile *prof = &cfg->profiles[i];
        cfg->n_profiles = i + 1;
        seckit_error_clear(&e);
        int rc = parse_profile(cfg, el->item, el->path, prof, pr, el->source, &e);
        if (rc != 0) {
            if (rc != REPORTED)
                report(pr, el->source, &e);
            const char *id, *name;
            skt_fle_profile_clear(prof);
            names_of(el->item, "FieldLevelEncryptionProfileConfig", &id, &name);
            prof->id = id != NULL ? dupstr(id) : NULL;
            prof->name = dupstr(name != NULL ? name : "");
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            if (cfg->profiles[j].n_entities == 0)
                continue; /* a placeholder */
            if (strcmp(cfg->profiles[j].name, prof->name) == 0) {
                seckit_error_set(&e, SECKIT_EFORMAT,
                                 "%s: Name \"%s\" is also the name of %s%s%s; names must be "
                                 "unique",
                                 el->path, prof->name,
                                 g->profiles[j].source ? g->profiles[j].source : "",
                                 g->profiles[j].source ? ": " : "", g->profiles[j].path);
                report(pr, el->source, &e);
            } else if (prof->id != NULL && cfg->profiles[j].id != NULL &&
                       strcmp(cfg->profiles[j].id, prof->id) == 0) {
                seckit_error_set(&e, SECKIT_EFORMAT, "%s.Id: \"%s\" is also the Id of %s%s%s",
                                 el->path, prof->id,
                                 g->profiles[j].source ? g->profiles[j].source : "",
                                 g->profiles[j].source ? ": " : "", g->profiles[j].path);
                report(pr, el->source, &e);
            }
        }
    }
}

static void validate(seckit_fle_config *cfg, const gathered *g, size_t n_sources, problems *pr)
{
    seckit_error e;
    int multi = n_sources > 1 || (g->nk > 0 && g->keys[0].path[0] != 'p');
    const char *only = n_sources == 1 ? NULL : "FLE configuration";
    if (g->nk == 0 && pr->count == 0 && n_sources > 0) {
        seckit_error_set(&e, SECKIT_EFORMAT,
                         "FLE configuration: no public key (give the public keys too, e.g. "
                         "what `aws cloudfront get-public-key` prints)");
        report(pr, NULL, &e);
    }
    if (g->nk > SECKIT_FLE_MAX_PUBLIC_KEYS) {
        seckit_error_set(&e, SECKIT_ELIMIT, "%s: %zu keys; CloudFront allows at most %u",
                         multi ? "public keys" : "public_keys", g->nk, SECKIT_FLE_MAX_PUBLIC_KEYS);
        report(pr, only, &e);
    }
    if (g->np > SECKIT_FLE_MAX_PROFILES) {
        seckit_error_set(&e, SECKIT_ELIMIT, "%s: %zu profiles; CloudFront allows at most %u",
                         multi ? "profiles" : "profiles", g->np, SECKIT_FLE_MAX_PROFILES);
        report(pr, only, &e);
    }
    if (g->nc > 1) {
        for (size_t i = 1; i < g->nc; i++) {
            seckit_error_set(&e, SECKIT_EFORMAT,
                             "%s: a second FieldLevelEncryptionConfig (the first is in %s); "
                             "give one",
                             g->configs[i].path,
                             g->configs[0].source != NULL ? g->configs[0].source : "the input");
            report(pr, g->configs[i].source, &e);
        }
    }
    if ((g->nk > 0 && (cfg->keys = calloc(g->nk, sizeof(*cfg->keys))) == NULL) ||
        (g->np > 0 && (cfg->profiles = calloc(g->np, sizeof(*cfg->profiles))) == NULL)) {
        report(pr, NULL, (oom(&e), &e));
        return;
    }
    validate_keys(cfg, g, pr);
    validate_profiles(cfg, g, pr);
    if (g->nc > 0 && !pr->oom) {
        cfg->has_config = 1;
        seckit_error_clear(&e);
        int rc =
            parse_config(cfg, g->configs[0].item, g->configs[0].path, pr, g->configs[0].source, &e);
        if (rc != 0 && rc != REPORTED)
            report(pr, g->configs[0].source, &e);
    }
}

int seckit_fle_config_parse_sources(seckit_fle_config **out, size_t *n_problems,
                                    const seckit_fle_config_source *sources, size_t n,
                                    seckit_fle_problem_cb cb, void *ctx, seckit_error *err)
{
    if (n_problems != NULL)
        *n_problems = 0;
    SKT_ENSURE(!(out == NULL || (sources == NULL && n > 0)), err, SECKIT_EINVAL,
               "seckit_fle_config_parse_sources: invalid argument");
    *out = NULL;
    SKT_ENSURE(n != 0, err, SECKIT_EINVAL, "FLE configuration: no document given");
    problems pr;
    memset(&pr, 0, sizeof pr);
    pr.cb = cb;
    pr.ctx = ctx;
    gathered g;
    memset(&g, 0, sizeof g);
    seckit_fle_config *cfg = calloc(1, sizeof(*cfg));
    seckit_error e;
    seckit_error_clear(&e);
    if (cfg == NULL || gather(&g, sources, n, &pr, &e) != 0)
        report(&pr, NULL, (oom(&e), &e));
    else if (!pr.oom)
        validate(cfg, &g, n, &pr);
    gathered_free(&g);
    if (n_problems != NULL)
        *n_problems = pr.count;
    if (pr.count > 0) {
        seckit_fle_config_free(cfg);
        if (err != NULL)
            *err = pr.first;
        return pr.first.code != 0 ? pr.first.code : SECKIT_EFORMAT;
    }
    *out = cfg;
    return 0;
}

int seckit_fle_config_parse(seckit_fle_config **out, const char *json, size_t len,
                            seckit_error *err)
{
    if (out == NULL || json == NULL)
        return seckit_error_set(err, SECKIT_EINVAL, "seckit_fle_config_parse: invalid argument");
    seckit_fle_config_source src = {NULL, json, len};
    return seckit_fle_config_parse_sources(out, NULL, &src, 1, NULL, NULL, err);
}

/* seckit's one-file shape from the elements, for tools that pass them on
 * (seckit fle push). */
int seckit_fle_config_combine(char **json, const seckit_fle_config_source *sources, size_t n,
                              seckit_error *err)
{
    if (json == NULL || (sources == NULL && n > 0))
        return seckit_error_set(err, SECKIT_EINVAL, "seckit_fle_config_combine: invalid argument");
    *json = NULL;
    problems pr;
    memset(&pr, 0, sizeof pr);
    gathered g;
    memset(&g, 0, sizeof g);
    seckit_error e;
    seckit_error_clear(&e);
    if (gather(&g, sources, n, &pr, &e) != 0)
        report(&pr, NULL, &e);
    cJSON *root = NULL, *keys = NULL, *profiles = NULL;
    if (pr.count == 0) {
        root = cJSON_CreateObject();
        keys = cJSON_AddArrayToObject(root, "public_keys");
        profiles = cJSON_AddArrayToObject(root, "profiles");
        int ok = root != NULL && keys != NULL && profiles != NULL;
        for (size_t i = 0; ok && i < g.nk; i++) {
            cJSON *d = cJSON_Duplicate(g.keys[i].item, 1);
            ok = d != NULL && cJSON_AddItemToArray(keys, d);
        }
        for (size_t i = 0; ok && i < g.np; i++) {
            cJSON *d = cJSON_Duplicate(g.profiles[i].item, 1);
            ok = d != NULL && cJSON_AddItemToArray(profiles, d);
        }
        if (ok && g.nc > 0) {
            cJSON *d = cJSON_Duplicate(g.configs[0].item, 1);
            ok = d != NULL && cJSON_AddItemToObject(root, "config", d);
        }
        char *t = ok ? cJSON_PrintUnformatted(root) : NULL;
        if (t != NULL) {
            *json = dupstr(t);
            cJSON_free(t);
        }
        if (*json == NULL)
            report(&pr, NULL, (oom(&e), &e));
    }
    cJSON_Delete(root);
    gathered_free(&g);
    if (pr.count > 0) {
        if (err != NULL)
            *err = pr.first;
        return pr.first.code;
    }
    return 0;
}

size_t seckit_fle_config_profile_count(const seckit_fle_config *cfg)
{
    return cfg != NULL ? cfg->n_profiles : 0;
}

const char *seckit_fle_config_profile_name(const seckit_fle_config *cfg, size_t i)
{
    return cfg != NULL && i < cfg->n_profiles ? cfg->profiles[i].name : NULL;
}

int seckit_fle_config_has_config(const seckit_fle_config *cfg)
{
    return cfg != NULL && cfg->has_config;
}

int seckit_fle_config_profile(const seckit_fle_config *cfg, const seckit_fle_profile **out,
                              const char *name_or_id, seckit_error *err)
{
    if (cfg == NULL || name_or_id == NULL || out == NULL)
        return seckit_error_set(err, SECKIT_EINVAL, "seckit_fle_config_profile: invalid argument");
    int i = find_profile(cfg, name_or_id);
    SKT_ENSURE(i >= 0, err, SECKIT_ENOTFOUND, "no profile has the Name or Id \"%s\"", name_or_id);
    *out = &cfg->profiles[i];
    return 0;
}

int seckit_fle_profile_new(seckit_fle_profile **out, const char *public_key_pem, size_t pem_len,
                           const char *provider_id, const char *key_name,
                           const char *const *patterns, size_t n_patterns, seckit_error *err)
{
    int rc;
    char p[64];
    if (out == NULL || public_key_pem == NULL || provider_id == NULL || key_name == NULL ||
        (patterns == NULL && n_patterns > 0))
        return seckit_error_set(err, SECKIT_EINVAL, "seckit_fle_profile_new: invalid argument");
    *out = NULL;
    SKT_ENSURE(n_patterns != 0, err, SECKIT_EINVAL, "a profile needs at least one field pattern");
    SKT_ENSURE(n_patterns <= SECKIT_FLE_MAX_PATTERNS, err, SECKIT_ELIMIT,
               "%zu field patterns; CloudFront allows at most %u per profile", n_patterns,
               SECKIT_FLE_MAX_PATTERNS);
    if ((rc = check_chars(provider_id, ":_-", SECKIT_FLE_MAX_NAME, "provider id",
                          "letters, digits, ':', '_' and '-'", err)) != 0 ||
        (rc = check_chars(key_name, "_-", SECKIT_FLE_MAX_NAME, "key name",
                          "letters, digits, '_' and '-'", err)) != 0)
        return rc;
    seckit_fle_profile *prof = calloc(1, sizeof(*prof));
    if (prof == NULL)
        return oom(err);
    rc = SECKIT_ENOMEM;
    prof->own_key = calloc(1, sizeof(*prof->own_key));
    prof->entities = calloc(1, sizeof(*prof->entities));
    if (prof->own_key == NULL || prof->entities == NULL)
        goto nomem;
    prof->n_entities = 1;
    skt_fle_entity *e = &prof->entities[0];
    if ((rc = skt_fle_parse_public_key(public_key_pem, pem_len, &prof->own_key->pkey, "public key",
                                       err)) != 0)
        goto fail;
    prof->own_key->name = dupstr(key_name);
    prof->own_key->pem = malloc(pem_len + 1);
    e->provider_id = dupstr(provider_id);
    e->patterns = calloc(n_patterns, sizeof(char *));
    if (prof->own_key->name == NULL || prof->own_key->pem == NULL || e->provider_id == NULL ||
        e->patterns == NULL)
        goto nomem;
    memcpy(prof->own_key->pem, public_key_pem, pem_len);
    prof->own_key->pem[pem_len] = '\0';
    prof->own_key->pem_len = pem_len;
    e->key = prof->own_key;
    for (size_t i = 0; i < n_patterns; i++) {
        if (snprintf(p, sizeof(p), "field pattern %zu", i + 1) < 0)
            p[0] = '\0';
        SKT_ENSURE_GOTO(patterns[i] != NULL, err, rc, fail, SECKIT_EINVAL, "%s: missing", p);
        if ((rc = skt_fle_check_pattern(patterns[i], p, err)) != 0)
            goto fail;
        if ((e->patterns[i] = dupstr(patterns[i])) == NULL)
            goto nomem;
        e->n_patterns = i + 1;
    }
    for (size_t i = 0; i < n_patterns; i++)
        for (size_t j = i + 1; j < n_patterns; j++)
            if (skt_fle_patterns_overlap(patterns[i], patterns[j])) {
                rc = seckit_error_set(err, SECKIT_EFORMAT,
                                      "field pattern %zu: \"%s\" overlaps field pattern %zu "
                                      "\"%s\"; field patterns must not overlap",
                                      j + 1, patterns[j], i + 1, patterns[i]);
                goto fail;
            }
    *out = prof;
    return 0;
nomem:
    rc = oom(err);
fail:
    seckit_fle_profile_free(prof);
    return rc;
}

void seckit_fle_profile_free(seckit_fle_profile *profile)
{
    if (profile == NULL)
        return;
    skt_fle_profile_clear(profile);
    free(profile);
}

/* ---- selection */

static int content_type_equal(const char *request, const char *configured)
{
    while (*request == ' ' || *request == '\t')
        request++;
    size_t n = strcspn(request, ";");
    while (n > 0 && (request[n - 1] == ' ' || request[n - 1] == '\t'))
        n--;
    return strlen(configured) == n && strncasecmp(request, configured, n) == 0;
}

/* The raw value of the first fle-profile argument of a query string, and
 * its percent-decoded form. */
static int query_profile(const char *query, char *raw, size_t raw_cap, char *dec, size_t dec_cap,
                         int *found, seckit_error *err)
{
    const char *q = query;
    *found = 0;
    if (*q == '?')
        q++;
    while (*q != '\0') {
        size_t n = strcspn(q, "&");
        size_t name_len = strcspn(q, "=&");
        const char *name = q;
        if (name_len == strlen(SECKIT_FLE_QUERY_ARG) &&
            memcmp(name, SECKIT_FLE_QUERY_ARG, name_len) == 0) {
            const char *v = q + name_len < q + n ? q + name_len + 1 : q + n;
            size_t vlen = (size_t)(q + n - v);
            SKT_ENSURE(!(vlen >= raw_cap || vlen >= dec_cap), err, SECKIT_EPOLICY,
                       "query argument " SECKIT_FLE_QUERY_ARG " is longer than %u characters",
                       SECKIT_FLE_MAX_NAME);
            memcpy(raw, v, vlen);
            raw[vlen] = '\0';
            size_t o = 0;
            for (size_t i = 0; i < vlen; i++) {
                unsigned char c = (unsigned char)v[i];
                if (c == '%' && i + 2 < vlen && isxdigit((unsigned char)v[i + 1]) &&
                    isxdigit((unsigned char)v[i + 2])) {
                    char h[3] = {v[i + 1], v[i + 2], 0};
                    dec[o++] = (char)strtol(h, NULL, 16);
                    i += 2;
                } else {
                    dec[o++] = c == '+' ? ' ' : (char)c;
                }
            }
            dec[o] = '\0';
            *found = 1;
            return 0;
        }
        q += n;
        if (*q == '&')
            q++;
    }
    return 0;
}

int seckit_fle_select(const seckit_fle_config *cfg, seckit_fle_selection *out,
                      const char *content_type, const char *query, seckit_error *err)
{
    if (cfg == NULL || out == NULL)
        return seckit_error_set(err, SECKIT_EINVAL, "seckit_fle_select: invalid argument");
    memset(out, 0, sizeof(*out));
    SKT_ENSURE(cfg->has_config, err, SECKIT_EINVAL,
               "the FLE configuration file has no \"config\" "
               "(FieldLevelEncryptionConfig) to select a profile with");
    if (content_type == NULL)
        content_type = SECKIT_FLE_CONTENT_TYPE;
    const ct_item *ct = NULL;
    for (size_t i = 0; i < cfg->n_ct && ct == NULL; i++)
        if (content_type_equal(content_type, cfg->ct[i].content_type))
            ct = &cfg->ct[i];
    if (ct == NULL) {
        if (cfg->ct_forward_unknown) {
            out->action = SECKIT_FLE_FORWARD;
            snprintf(out->reason, sizeof(out->reason),
                     "content type is not configured and ForwardWhenContentTypeIsUnknown is "
                     "true: forwarded unencrypted");
            return 0;
        }
        return seckit_error_set(err, SECKIT_EPOLICY,
                                "content type \"%.80s\" is not configured and "
                                "ForwardWhenContentTypeIsUnknown is false: CloudFront refuses "
                                "the request",
                                content_type);
    }
    if (query != NULL && cfg->has_qa) {
        char raw[SECKIT_FLE_MAX_NAME + 1], dec[SECKIT_FLE_MAX_NAME + 1];
        int found = 0, rc;
        SKT_GUARD_NONZERO(
            rc = query_profile(query, raw, sizeof(raw), dec, sizeof(dec), &found, err));
        if (found) {
            for (size_t i = 0; i < cfg->n_qa; i++)
                if (strcmp(cfg->qa[i].query_arg, raw) == 0 ||
                    strcmp(cfg->qa[i].query_arg, dec) == 0) {
                    out->action = SECKIT_FLE_ENCRYPT;
                    out->profile = &cfg->profiles[cfg->qa[i].profile];
                    snprintf(out->reason, sizeof(out->reason),
                             "query argument " SECKIT_FLE_QUERY_ARG "=%s selects profile %s",
                             cfg->qa[i].query_arg, out->profile->name);
                    return 0;
                }
            SKT_ENSURE(cfg->qa_forward_unknown, err, SECKIT_EPOLICY,
                       "query argument " SECKIT_FLE_QUERY_ARG "=%s names no "
                       "profile and ForwardWhenQueryArgProfileIsUnknown is "
                       "false: CloudFront refuses the request",
                       raw);
        }
    }
    if (ct->profile < 0) {
        out->action = SECKIT_FLE_FORWARD;
        snprintf(out->reason, sizeof(out->reason),
                 "content type is configured without a profile: forwarded unencrypted");
        return 0;
    }
    out->action = SECKIT_FLE_ENCRYPT;
    out->profile = &cfg->profiles[ct->profile];
    snprintf(out->reason, sizeof(out->reason), "content type selects profile %s",
             out->profile->name);
    return 0;
}
