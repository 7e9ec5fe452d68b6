/* ESDK keyrings: reference counting, materials, multi and caller-defined
 * keyrings (SPEC framework/keyring-interface.md, multi-keyring.md). */
#include "config.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/esdk_internal.h"
#include "src/base/secmem.h"
#include "src/base/guard.h"

/* ---- materials ----------------------------------------------------------- */

int skt_materials_init(seckit_keyring_materials *m, const skt_esdk_suite *s,
                       const skt_esdk_ctx *ctx, int encrypting, uint8_t *key_buf, seckit_error *err)
{
    memset(m, 0, sizeof(*m));
    m->suite = s;
    m->ctx = ctx;
    m->encrypting = encrypting;
    m->owns_key = key_buf == NULL;
    m->data_key = key_buf != NULL ? key_buf : skt_scratch_alloc(SKT_ESDK_MAX_KEY_LEN);
    SKT_ENSURE(m->data_key != NULL, err, SECKIT_ENOMEM, "out of secure memory");
    return 0;
}

void skt_materials_clear(seckit_keyring_materials *m)
{
    if (m == NULL)
        return;
    if (m->owns_key)
        skt_secret_free(m->data_key);
    else if (m->data_key != NULL)
        skt_wipe(m->data_key, SKT_ESDK_MAX_KEY_LEN);
    for (size_t i = 0; i < m->n_edks; i++)
        free((void *)m->edks[i].provider_id); /* one block per EDK */
    free(m->edks);
    memset(m, 0, sizeof(*m));
}

uint16_t seckit_keyring_materials_suite(const seckit_keyring_materials *m)
{
    return m != NULL && m->suite != NULL ? m->suite->id : 0;
}

size_t seckit_keyring_materials_key_len(const seckit_keyring_materials *m)
{
    return m != NULL && m->suite != NULL ? m->suite->key_len : 0;
}

const seckit_esdk_context *seckit_keyring_materials_context(const seckit_keyring_materials *m)
{
    return m != NULL && m->ctx != NULL ? &m->ctx->view : NULL;
}

void seckit_keyring_materials_context_bytes(const seckit_keyring_materials *m, const uint8_t **p,
                                            size_t *len)
{
    static const uint8_t empty[1] = {0};
    *p = empty;
    *len = 0;
    if (m != NULL && m->ctx != NULL && m->ctx->ser_len > 0) {
        *p = m->ctx->ser;
        *len = m->ctx->ser_len;
    }
}

const uint8_t *seckit_keyring_materials_data_key(const seckit_keyring_materials *m, size_t *len)
{
    if (m == NULL || !m->has_key) {
        if (len != NULL)
            *len = 0;
        return NULL;
    }
    if (len != NULL)
        *len = m->suite->key_len;
    return m->data_key;
}

int seckit_keyring_materials_set_data_key(seckit_keyring_materials *m, const uint8_t *key,
                                          size_t len, seckit_error *err)
{
    SKT_ENSURE_ARG(m != NULL && key != NULL, err);
    SKT_ENSURE(!m->has_key, err, SECKIT_EINVAL, "keyring materials already hold a data key");
    SKT_ENSURE(len == m->suite->key_len, err, SECKIT_EINVAL, "data key must be %u bytes, not %zu",
               m->suite->key_len, len);
    memcpy(m->data_key, key, len);
    m->has_key = 1;
    return 0;
}

int seckit_keyring_materials_generate_data_key(seckit_keyring_materials *m, seckit_error *err)
{
    SKT_ENSURE_ARG(m != NULL, err);
    SKT_ENSURE(!m->has_key, err, SECKIT_EINVAL, "keyring materials already hold a data key");
    SKT_GUARD(skt_esdk_random(m->data_key, m->suite->key_len, err));
    m->has_key = 1;
    return 0;
}

int seckit_keyring_materials_add_edk(seckit_keyring_materials *m, const seckit_esdk_edk *edk,
                                     seckit_error *err)
{
    SKT_ENSURE_ARG(m != NULL && edk != NULL, err);
    SKT_ENSURE(m->encrypting, err, SECKIT_EINVAL, "EDKs can only be added when encrypting");
    if (edk->provider_id_len > 0xFFFF || edk->provider_info_len > 0xFFFF ||
        edk->ciphertext_len > 0xFFFF)
        return seckit_error_set(err, SECKIT_ELIMIT, "encrypted data key field longer than 65535");
    SKT_ENSURE(m->n_edks < 0xFFFF, err, SECKIT_ELIMIT, "more than 65535 encrypted data keys");
    if (m->n_edks == m->cap_edks) {
        size_t cap = m->cap_edks ? m->cap_edks * 2 : 4;
        seckit_esdk_edk *e = realloc(m->edks, cap * sizeof(*e));
        SKT_ENSURE(e != NULL, err, SECKIT_ENOMEM, "out of memory");
        m->edks = e;
        m->cap_edks = cap;
    }
    size_t total = edk->provider_id_len + edk->provider_info_len + edk->ciphertext_len;
    uint8_t *block = malloc(total + 1);
    SKT_ENSURE(block != NULL, err, SECKIT_ENOMEM, "out of memory");
    seckit_esdk_edk *e = &m->edks[m->n_edks++];
    uint8_t *q = block;
    memcpy(q, edk->provider_id, edk->provider_id_len);
    e->provider_id = q;
    e->provider_id_len = edk->provider_id_len;
    q += edk->provider_id_len;
    if (edk->provider_info_len > 0)
        memcpy(q, edk->provider_info, edk->provider_info_len);
    e->provider_info = q;
    e->provider_info_len = edk->provider_info_len;
    q += edk->provider_info_len;
    if (edk->ciphertext_len > 0)
        memcpy(q, edk->ciphertext, edk->ciphertext_len);
    e->ciphertext = q;
    e->ciphertext_len = edk->ciphertext_len;
    return 0;
}

/* ---- keyring objects ------------------------------------------------------ */

int skt_keyring_alloc(seckit_keyring **out, skt_kr_kind kind, const char *ns, const char *name,
                      seckit_error *err)
{
    *out = NULL;
    if (kind == SKT_KR_RSA || kind == SKT_KR_AES) {
        if (ns == NULL || name == NULL)
            return seckit_error_set(err, SECKIT_EINVAL, "keyring needs a namespace and a name");
        size_t nl = strlen(ns), ml = strlen(name);
        SKT_ENSURE(!(nl == 0 || nl > 0xFFFF || ml == 0 || ml > 0xFFFF - 20), err, SECKIT_EINVAL,
                   "keyring namespace and name must be 1 to 65515 bytes");
        SKT_ENSURE(strncmp(ns, "aws-kms", 7) != 0, err, SECKIT_EINVAL,
                   "keyring namespace '%.64s' is reserved (aws-kms)", ns);
        if (!skt_esdk_utf8_valid((const uint8_t *)ns, nl) ||
            !skt_esdk_utf8_valid((const uint8_t *)name, ml))
            return seckit_error_set(err, SECKIT_EINVAL, "keyring namespace and name must be UTF-8");
    }
    seckit_keyring *kr = calloc(1, sizeof(*kr));
    SKT_ENSURE(kr != NULL, err, SECKIT_ENOMEM, "out of memory");
    atomic_init(&kr->refs, 1);
    kr->kind = kind;
    if (ns != NULL && name != NULL) {
        kr->ns = strdup(ns);
        kr->name = strdup(name);
        if (kr->ns == NULL || kr->name == NULL) {
            seckit_keyring_free(kr);
            return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        }
        kr->ns_len = strlen(ns);
        kr->name_len = strlen(name);
    }
    *out = kr;
    return 0;
}

seckit_keyring *seckit_keyring_ref(seckit_keyring *kr)
{
    if (kr != NULL)
        atomic_fetch_add(&kr->refs, 1);
    return kr;
}

void seckit_keyring_free(seckit_keyring *kr)
{
    if (kr == NULL || atomic_fetch_sub(&kr->refs, 1) != 1)
        return;
    free(kr->ns);
    free(kr->name);
    if (kr->pkey != NULL)
        skt_raw_rsa_free_key(kr->pkey);
    skt_secret_free(kr->aes_key);
    seckit_keyring_free(kr->generator);
    for (size_t i = 0; i < kr->n_children; i++)
        seckit_keyring_free(kr->children[i]);
    free(kr->children);
    if (kr->kind == SKT_KR_CUSTOM && kr->ops != NULL && kr->ops->destroy != NULL)
        kr->ops->destroy(kr->ctx);
    free(kr);
}

int seckit_keyring_multi_new(seckit_keyring **out, seckit_keyring *generator,
                             seckit_keyring *const *children, size_t n, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = NULL;
    SKT_ENSURE_ARG(n == 0 || children != NULL, err);
    SKT_ENSURE(!(generator == NULL && n == 0), err, SECKIT_EINVAL,
               "multi keyring needs a generator or at least one child");
    for (size_t i = 0; i < n; i++)
        SKT_ENSURE(children[i] != NULL, err, SECKIT_EINVAL, "multi keyring child %zu is NULL", i);
    seckit_keyring *kr;
    SKT_GUARD(skt_keyring_alloc(&kr, SKT_KR_MULTI, NULL, NULL, err));
    if (n > 0) {
        kr->children = calloc(n, sizeof(*kr->children));
        if (kr->children == NULL) {
            seckit_keyring_free(kr);
            return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        }
    }
    kr->generator = seckit_keyring_ref(generator);
    for (size_t i = 0; i < n; i++)
        kr->children[i] = seckit_keyring_ref(children[i]);
    kr->n_children = n;
    *out = kr;
    return 0;
}

int seckit_keyring_custom_new(seckit_keyring **out, const seckit_keyring_ops *ops, void *ctx,
                              seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = NULL;
    if (ops == NULL || (ops->on_encrypt == NULL && ops->on_decrypt == NULL))
        return seckit_error_set(err, SECKIT_EINVAL,
                                "custom keyring needs on_encrypt and/or on_decrypt");
    seckit_keyring *kr;
    SKT_GUARD(skt_keyring_alloc(&kr, SKT_KR_CUSTOM, NULL, NULL, err));
    kr->ops = ops;
    kr->ctx = ctx;
    *out = kr;
    return 0;
}

/* ---- dispatch ------------------------------------------------------------ */

int skt_keyring_on_encrypt(const seckit_keyring *kr, seckit_keyring_materials *m, seckit_error *err)
{
    switch (kr->kind) {
    case SKT_KR_RSA: return skt_raw_rsa_encrypt(kr, m, err);
    case SKT_KR_AES: return skt_raw_aes_encrypt(kr, m, err);
    case SKT_KR_MULTI:
        SKT_ENSURE(!(kr->generator == NULL && !m->has_key), err, SECKIT_EINVAL,
                   "multi keyring without a generator cannot encrypt");
        if (kr->generator != NULL)
            SKT_GUARD(skt_keyring_on_encrypt(kr->generator, m, err));
        SKT_ENSURE(m->has_key, err, SECKIT_EINTERNAL, "multi keyring generator made no data key");
        for (size_t i = 0; i < kr->n_children; i++)
            SKT_GUARD(skt_keyring_on_encrypt(kr->children[i], m, err));
        return 0;
    case SKT_KR_CUSTOM: {
        SKT_ENSURE(kr->ops->on_encrypt != NULL, err, SECKIT_EINVAL, "this keyring cannot encrypt");
        size_t before = m->n_edks;
        SKT_GUARD(kr->ops->on_encrypt(kr->ctx, m, err));
        SKT_ENSURE(!(!m->has_key || m->n_edks == before), err, SECKIT_EINTERNAL,
                   "custom keyring returned without a data key or EDK");
        return 0;
    }
    }
    return seckit_error_set(err, SECKIT_EINTERNAL, "unknown keyring kind");
}

int skt_keyring_on_decrypt(const seckit_keyring *kr, seckit_keyring_materials *m,
                           const seckit_esdk_edk *edks, size_t n, seckit_error *err)
{
    if (m->has_key)
        return 0;
    switch (kr->kind) {
    case SKT_KR_RSA: return skt_raw_rsa_decrypt(kr, m, edks, n, err);
    case SKT_KR_AES: return skt_raw_aes_decrypt(kr, m, edks, n, err);
    case SKT_KR_MULTI: {
        /* Try each; a real fault (not "could not unwrap") is remembered and
         * returned when nothing succeeds. */
        int fault = 0;
        seckit_error tmp;
        for (size_t i = 0; i <= kr->n_children; i++) {
            const seckit_keyring *k = i == 0 ? kr->generator : kr->children[i - 1];
            if (k == NULL)
                continue;
            seckit_error_clear(&tmp);
            int rc = skt_keyring_on_decrypt(k, m, edks, n, &tmp);
            if (rc == 0 && m->has_key)
                return 0;
            if (rc != 0 && rc != SECKIT_EAUTH && fault == 0) {
                fault = rc;
                if (err != NULL)
                    *err = tmp;
            }
        }
        return fault != 0 ? fault : skt_esdk_auth_fail(err);
    }
    case SKT_KR_CUSTOM: {
        if (kr->ops->on_decrypt == NULL)
            return skt_esdk_auth_fail(err);
        int rc = kr->ops->on_decrypt(kr->ctx, m, edks, n, err);
        if (rc == SECKIT_EAUTH || (rc == 0 && !m->has_key))
            return skt_esdk_auth_fail(err);
        return rc;
    }
    }
    return seckit_error_set(err, SECKIT_EINTERNAL, "unknown keyring kind");
}
