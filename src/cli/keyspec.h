/* Key specs for the ESDK-based commands (seckit esdk, seckit fle).
 *
 *   --raw-rsa-key namespace=NS,name=NAME,padding=PAD,file=PATH
 *       PAD: pkcs1 | oaep-sha1 | oaep-sha256 (default) | oaep-sha384 |
 *       oaep-sha512.  PATH: PEM or DER, private (PKCS#8/PKCS#1) or public
 *       (SPKI/PKCS#1).  Private-key files go through seckit_keyfile_read (a
 *       group/world-readable one is refused unless allow_insecure); a PEM
 *       public key may be readable by others.
 *   --raw-aes-key namespace=NS,name=NAME,file=PATH
 *       PATH holds exactly 16, 24 or 32 raw key bytes (always a key file).
 *
 * Values cannot contain ','.  Keys may come in any order; each exactly once.
 *
 * Usage (seckit esdk decrypt, seckit fle decrypt):
 *
 *   cli_keyrings ks = {0};
 *   rc = cli_keyrings_add(&ks, CLI_KEY_RSA, optarg, allow_insecure, &err);
 *   ...
 *   seckit_keyring *kr;
 *   rc = cli_keyrings_build(&ks, &kr, &err);   // one keyring, or a multi
 *   ... use kr ...
 *   seckit_keyring_free(kr);
 *   cli_keyrings_free(&ks);
 *
 * All functions return 0 or a libseckit error code with err set (the
 * message names the spec key that is wrong; never key bytes).  Usage errors
 * in a spec are SECKIT_EINVAL.
 */
#ifndef SECKIT_CLI_KEYSPEC_H
#define SECKIT_CLI_KEYSPEC_H

#include <stddef.h>
#include <stdint.h>

#include "seckit/esdk.h"

typedef enum cli_key_kind { CLI_KEY_RSA = 0, CLI_KEY_AES = 1 } cli_key_kind;

#define CLI_KEYRINGS_MAX 32

typedef struct cli_keyrings {
    seckit_keyring *items[CLI_KEYRINGS_MAX];
    size_t n;
} cli_keyrings;

/* Parse one spec, load its key file and append the keyring. */
int cli_keyrings_add(cli_keyrings *ks, cli_key_kind kind, const char *spec, int allow_insecure,
                     seckit_error *err);
/* One keyring for all of them: the only one itself (a new reference), or
 * a multi keyring whose generator is the first.  SECKIT_EINVAL when empty. */
int cli_keyrings_build(const cli_keyrings *ks, seckit_keyring **out, seckit_error *err);
void cli_keyrings_free(cli_keyrings *ks);

/* Read an RSA key file (at most 1 MiB): a private key must be a private file
 * (seckit_keyfile_read's check, *secret = 1, free with seckit_secret_free); a
 * PEM public key may be readable by others (*secret = 0, free with free). */
int cli_rsa_keyfile_read(const char *path, int allow_insecure, uint8_t **out, size_t *len,
                         int *secret, seckit_error *err);

#endif
