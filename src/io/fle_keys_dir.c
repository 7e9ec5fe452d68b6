/* The keys folder of an FLE origin, DIR/PROVIDER/KEYNAME.pem, loaded into a
 * decryptor: the loader `seckit fle decrypt --keys-dir` uses, in the library
 * so that servers do not write their own.  File-system work lives here, in
 * src/io, not in crypto/. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "seckit/file.h"
#include "seckit/fle.h"
#include "seckit/version.h"
#include "seckit/secret.h"
#include "src/base/guard.h"

#define KEY_FILE_MAX (1u << 20)

/* Entries of a folder in name order (deterministic messages), without
 * dot-files.  *names is freed with free_names. */
static void free_names(struct dirent **names, int n)
{
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int visible(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

static int list_dir(const char *dir, struct dirent ***names, int *n, seckit_error *err)
{
    *names = NULL;
    *n = scandir(dir, names, visible, alphasort);
    if (*n < 0) {
        int e = errno;
        *n = 0;
        return seckit_error_set(err, e == ENOENT ? SECKIT_ENOENT : SECKIT_EIO,
                                "%s: cannot open the keys folder: %s", dir, strerror(e));
    }
    return 0;
}

static int load_provider(seckit_fle_decryptor *d, const char *pdir, const char *provider,
                         int allow_insecure, size_t *count, seckit_error *err)
{
    struct dirent **names;
    int n;
    SKT_GUARD(list_dir(pdir, &names, &n, err));
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        const char *fn = names[i]->d_name;
        size_t len = strlen(fn);
        if (len <= 4 || strcmp(fn + len - 4, ".pem") != 0)
            continue;
        char path[4096 + 256], name[256];
        if (snprintf(path, sizeof path, "%s/%s", pdir, fn) >= (int)sizeof path ||
            len - 4 >= sizeof name) {
            rc = seckit_error_set(err, SECKIT_ELIMIT, "%s/%.64s...: name too long", pdir, fn);
            break;
        }
        memcpy(name, fn, len - 4);
        name[len - 4] = '\0';
        uint8_t *key = NULL;
        size_t key_len = 0;
        rc = seckit_keyfile_read(&key, &key_len, path, allow_insecure, KEY_FILE_MAX, err);
        if (rc == 0) {
            rc = seckit_fle_decryptor_add_key(d, provider, name, key, key_len,
                                              SECKIT_RSA_OAEP_SHA256, err);
            if (rc != 0)
                seckit_error_prefix(err, path);
            else
                (*count)++;
        }
        seckit_secret_free(key);
    }
    free_names(names, n);
    return rc;
}

int seckit_fle_decryptor_add_keys_dir(seckit_fle_decryptor *d, size_t *n_loaded, const char *dir,
                                      int allow_insecure, seckit_error *err)
{
    if (n_loaded != NULL)
        *n_loaded = 0;
    SKT_ENSURE_ARG(d != NULL && dir != NULL, err);
    /* A keys folder another user can write to could get a key swapped in. */
    if (!allow_insecure)
        SKT_GUARD(seckit_keydir_check(dir, err));
    struct dirent **names;
    int n;
    SKT_GUARD(list_dir(dir, &names, &n, err));
    int rc = 0;
    size_t count = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        char pdir[4096];
        struct stat st;
        if (snprintf(pdir, sizeof pdir, "%s/%s", dir, names[i]->d_name) >= (int)sizeof pdir ||
            stat(pdir, &st) != 0 || !S_ISDIR(st.st_mode))
            continue; /* files beside the provider folders are not keys */
        rc = load_provider(d, pdir, names[i]->d_name, allow_insecure, &count, err);
    }
    free_names(names, n);
    if (rc == 0 && count == 0)
        rc = seckit_error_set(err, SECKIT_ENOTFOUND,
                              "%s: no keys found (expected files PROVIDER/KEYNAME.pem)", dir);
    if (n_loaded != NULL)
        *n_loaded = rc == 0 ? count : 0;
    return rc;
}
