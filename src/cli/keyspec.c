/* Key specs for `seckit esdk` and `seckit fle`: see keyspec.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "src/cli/keyspec.h"
#include "seckit/file.h"
#include "seckit/version.h"
#include "seckit/secret.h"

#define KEYFILE_MAX ((size_t)1 << 20)
#define SPEC_MAX 4096

typedef struct {
    const char *ns, *name, *padding, *file;
} spec_fields;

/* Split "k=v,k=v" (in a copy, buf) into the fields. */
static int parse_spec(char *buf, cli_key_kind kind, spec_fields *f, seckit_error *err)
{
    const char *opt = kind == CLI_KEY_RSA ? "--raw-rsa-key" : "--raw-aes-key";
    memset(f, 0, sizeof(*f));
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (eq == NULL || eq == tok || eq[1] == '\0')
            return seckit_error_set(err, SECKIT_EINVAL, "%s: '%.40s' is not KEY=VALUE", opt, tok);
        *eq = '\0';
        const char **slot = NULL;
        if (strcmp(tok, "namespace") == 0)
            slot = &f->ns;
        else if (strcmp(tok, "name") == 0)
            slot = &f->name;
        else if (strcmp(tok, "file") == 0)
            slot = &f->file;
        else if (strcmp(tok, "padding") == 0 && kind == CLI_KEY_RSA)
            slot = &f->padding;
        else
            return seckit_error_set(err, SECKIT_EINVAL, "%s: unknown key '%.40s' (use %s)", opt,
                                    tok,
                                    kind == CLI_KEY_RSA ? "namespace, name, padding, file"
                                                        : "namespace, name, file");
        if (*slot != NULL)
            return seckit_error_set(err, SECKIT_EINVAL, "%s: '%s' given twice", opt, tok);
        *slot = eq + 1;
    }
    if (f->ns == NULL || f->name == NULL || f->file == NULL)
        return seckit_error_set(err, SECKIT_EINVAL, "%s needs namespace=NS,name=NAME,file=PATH",
                                opt);
    return 0;
}

static int looks_public_pem(const uint8_t *p, size_t n)
{
    /* A PEM public key (no private key in the file). */
    char *s = (char *)p; /* seckit_file_read NUL-terminates */
    (void)n;
    return (strstr(s, "-----BEGIN PUBLIC KEY-----") != NULL ||
            strstr(s, "-----BEGIN RSA PUBLIC KEY-----") != NULL) &&
           strstr(s, "PRIVATE KEY") == NULL;
}

int cli_rsa_keyfile_read(const char *path, int allow_insecure, uint8_t **out, size_t *len,
                         int *secret, seckit_error *err)
{
    int rc = seckit_keyfile_read(out, len, path, allow_insecure, KEYFILE_MAX, err);
    *secret = 1;
    if (rc != SECKIT_EPERM)
        return rc;
    seckit_error tmp;
    seckit_error_clear(&tmp);
    uint8_t *p = NULL;
    size_t n = 0;
    if (seckit_file_read(&p, &n, path, KEYFILE_MAX, &tmp) == 0) {
        if (looks_public_pem(p, n)) {
            *out = p;
            *len = n;
            *secret = 0;
            seckit_error_clear(err);
            return 0;
        }
        seckit_memzero(p, n);
        free(p);
    }
    return rc;
}

int cli_keyrings_add(cli_keyrings *ks, cli_key_kind kind, const char *spec, int allow_insecure,
                     seckit_error *err)
{
    char buf[SPEC_MAX];
    spec_fields f;
    int rc;
    if (ks->n >= CLI_KEYRINGS_MAX)
        return seckit_error_set(err, SECKIT_EINVAL, "at most %d keys", CLI_KEYRINGS_MAX);
    if (strlen(spec) >= sizeof(buf))
        return seckit_error_set(err, SECKIT_EINVAL, "key spec too long");
    strcpy(buf, spec);
    if ((rc = parse_spec(buf, kind, &f, err)) != 0)
        return rc;
    seckit_keyring *kr = NULL;
    uint8_t *key = NULL;
    size_t key_len = 0;
    if (kind == CLI_KEY_RSA) {
        seckit_rsa_padding pad = SECKIT_RSA_OAEP_SHA256;
        int secret = 1;
        if (f.padding != NULL && (rc = seckit_rsa_padding_parse(&pad, f.padding, err)) != 0)
            return rc;
        if ((rc = cli_rsa_keyfile_read(f.file, allow_insecure, &key, &key_len, &secret, err)) != 0)
            return rc;
        rc = seckit_keyring_raw_rsa_new(&kr, f.ns, f.name, pad, key, key_len, err);
        if (secret) {
            seckit_secret_free(key);
        } else {
            free(key);
        }
    } else {
        if ((rc = seckit_keyfile_read(&key, &key_len, f.file, allow_insecure, 64, err)) != 0)
            return rc;
        if (key_len != 16 && key_len != 24 && key_len != 32)
            rc = seckit_error_set(err, SECKIT_EINVAL,
                                  "%s: an AES key file holds exactly 16, 24 or 32 raw bytes, "
                                  "not %zu",
                                  f.file, key_len);
        else
            rc = seckit_keyring_raw_aes_new(&kr, f.ns, f.name, key, key_len, err);
        seckit_secret_free(key);
    }
    if (rc != 0) {
        seckit_error_prefix(err, f.file);
        return rc;
    }
    ks->items[ks->n++] = kr;
    return 0;
}

int cli_keyrings_build(const cli_keyrings *ks, seckit_keyring **out, seckit_error *err)
{
    *out = NULL;
    if (ks->n == 0)
        return seckit_error_set(err, SECKIT_EINVAL,
                                "no key given (use --raw-rsa-key or --raw-aes-key)");
    if (ks->n == 1) {
        *out = seckit_keyring_ref(ks->items[0]);
        return 0;
    }
    return seckit_keyring_multi_new(out, ks->items[0], ks->items + 1, ks->n - 1, err);
}

void cli_keyrings_free(cli_keyrings *ks)
{
    for (size_t i = 0; i < ks->n; i++)
        seckit_keyring_free(ks->items[i]);
    ks->n = 0;
}
