/* The key and envelope options of S3 client-side encryption, shared by every
 * `seckit s3` command that encrypts or decrypts (cp, encrypt, decrypt, head,
 * rewrap).  They follow `seckit esdk`'s key specs (keyspec.h):
 *
 *   --raw-aes-key file=PATH          16, 24 or 32 raw bytes (a private key file)
 *   --raw-rsa-key file=PATH          RSA key, PEM or DER: private (decrypt and
 *                                    encrypt) or public (encrypt only)
 *   --kms-key-id ID|ARN|ALIAS        a KMS key (kms+context wrapping)
 *   --materials-description K=V      raw keys: a pair of the materials
 *                                    description of the key option before it
 *                                    (before any key option: of the first)
 *   --encryption-context K=V         KMS keys: a pair of the encryption context
 *   --envelope v3|v2                 the format written (default v3; v2 needs
 *                                    --commitment-policy forbid-encrypt-allow-decrypt)
 *   --instruction-file               metadata in an instruction file
 *                                    (CLI_S3CSE_INSTRUCTION_FILE_OPTION, separate
 *                                    because `s3 decrypt` takes a FILE there)
 *   --commitment-policy P            require-encrypt-require-decrypt (default),
 *                                    require-encrypt-allow-decrypt,
 *                                    forbid-encrypt-allow-decrypt
 *   --security-profile v2|v2-and-legacy
 *   --delayed-authentication         release plaintext before the tag verified
 *   --allow-insecure-key-file        accept private key files others can read
 *
 * Usage:
 *
 *   cli_s3cse_opts k;
 *   cli_s3cse_opts_init(&k);
 *   while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
 *       int r = cli_s3cse_option(&k, sub, c, optarg);
 *       if (r == CLI_S3CSE_TAKEN) continue;
 *       if (r != CLI_S3CSE_NOT_OURS) { cli_s3cse_opts_free(&k); return r; } // usage error
 *       ... the command's own options ...
 *   }
 *   rc = cli_s3cse_opts_check(&k, sub, CLI_S3CSE_ENCRYPT);  // EXIT_USAGE printed
 *   rc = cli_s3cse_keys_load(&k, &err);                      // reads the key files
 *   ... k.keys[i].key / key_len, k.envelope, k.policy ... (or the library glue)
 *   cli_s3cse_opts_free(&k);                                  // wipes the keys
 *
 * Option values (optarg) are referenced, not copied: they must outlive k.
 */
#ifndef SECKIT_CLI_S3CSE_OPTS_H
#define SECKIT_CLI_S3CSE_OPTS_H

#include <stddef.h>
#include <stdint.h>

#include "seckit/error.h"
#include "seckit/s3cse.h"

/* getopt_long codes, above cli.h's CLI_OPT_* (0x400...) and commands' own. */
enum {
    CLI_S3CSE_OPT_RAW_AES_KEY = 0x500,
    CLI_S3CSE_OPT_RAW_RSA_KEY,
    CLI_S3CSE_OPT_KMS_KEY_ID,
    CLI_S3CSE_OPT_MATDESC,
    CLI_S3CSE_OPT_CONTEXT,
    CLI_S3CSE_OPT_ENVELOPE,
    CLI_S3CSE_OPT_INSTRUCTION_FILE,
    CLI_S3CSE_OPT_POLICY,
    CLI_S3CSE_OPT_PROFILE,
    CLI_S3CSE_OPT_DELAYED_AUTH,
    CLI_S3CSE_OPT_INSECURE
};

#define CLI_S3CSE_LONG_OPTIONS                                                                     \
    {"raw-aes-key", required_argument, NULL, CLI_S3CSE_OPT_RAW_AES_KEY},                           \
        {"raw-rsa-key", required_argument, NULL, CLI_S3CSE_OPT_RAW_RSA_KEY},                       \
        {"kms-key-id", required_argument, NULL, CLI_S3CSE_OPT_KMS_KEY_ID},                         \
        {"materials-description", required_argument, NULL, CLI_S3CSE_OPT_MATDESC},                 \
        {"encryption-context", required_argument, NULL, CLI_S3CSE_OPT_CONTEXT},                    \
        {"envelope", required_argument, NULL, CLI_S3CSE_OPT_ENVELOPE},                             \
        {"commitment-policy", required_argument, NULL, CLI_S3CSE_OPT_POLICY},                      \
        {"security-profile", required_argument, NULL, CLI_S3CSE_OPT_PROFILE},                      \
        {"delayed-authentication", no_argument, NULL, CLI_S3CSE_OPT_DELAYED_AUTH},                 \
    {                                                                                              \
        "allow-insecure-key-file", no_argument, NULL, CLI_S3CSE_OPT_INSECURE                       \
    }
/* The flag form of --instruction-file (online commands). */
#define CLI_S3CSE_INSTRUCTION_FILE_OPTION                                                          \
    {                                                                                              \
        "instruction-file", no_argument, NULL, CLI_S3CSE_OPT_INSTRUCTION_FILE                      \
    }

/* Help text lines for the options above (for a command's usage text). */
#define CLI_S3CSE_USAGE_KEYS                                                                       \
    "  --raw-aes-key file=PATH\n"                                                                  \
    "                        AES key file of exactly 16, 24 or 32 raw bytes\n"                     \
    "                        (AES/GCM wrapping)\n"                                                 \
    "  --raw-rsa-key file=PATH\n"                                                                  \
    "                        RSA key, PEM or DER (RSA-OAEP-SHA1 wrapping): a private\n"            \
    "                        key decrypts and encrypts, a public key only encrypts\n"              \
    "  --kms-key-id ID|ARN|ALIAS\n"                                                                \
    "                        KMS key (kms+context wrapping)\n"                                     \
    "  --materials-description KEY=VALUE\n"                                                        \
    "                        a pair of the materials description of the raw key\n"                 \
    "                        option before it (before any: of the first); stored\n"                \
    "                        on encrypt, selects the key on decrypt (repeatable)\n"                \
    "  --encryption-context KEY=VALUE\n"                                                           \
    "                        KMS: a pair of the encryption context; on decrypt the\n"              \
    "                        stored context must be exactly these pairs (repeatable)\n"            \
    "  --allow-insecure-key-file\n"                                                                \
    "                        accept private key files others can read\n"

#define CLI_S3CSE_KEYS_MAX 16
#define CLI_S3CSE_PAIRS_MAX 32

typedef enum cli_s3cse_key_kind {
    CLI_S3CSE_KEY_AES = 1,
    CLI_S3CSE_KEY_RSA = 2,
    CLI_S3CSE_KEY_KMS = 3
} cli_s3cse_key_kind;

typedef struct cli_s3cse_pair {
    const char *key; /* NUL-terminated copies (owned by the opts) */
    const char *value;
} cli_s3cse_pair;

typedef struct cli_s3cse_key {
    cli_s3cse_key_kind kind;
    const char *spec;                            /* the option's value as given */
    const char *path;                            /* AES/RSA: file=PATH (owned copy) */
    const char *kms_id;                          /* KMS: the key id */
    cli_s3cse_pair matdesc[CLI_S3CSE_PAIRS_MAX]; /* raw keys */
    size_t n_matdesc;
    /* After cli_s3cse_keys_load: AES raw bytes or RSA PEM/DER bytes;
     * key_secret says the bytes are in secret memory (private keys). */
    uint8_t *key;
    size_t key_len;
    int key_secret;
} cli_s3cse_key;

typedef enum cli_s3cse_envelope {
    CLI_S3CSE_ENVELOPE_DEFAULT = 0, /* v3, or v2 under forbid-encrypt-allow-decrypt */
    CLI_S3CSE_ENVELOPE_V2 = 2,
    CLI_S3CSE_ENVELOPE_V3 = 3
} cli_s3cse_envelope;

typedef enum cli_s3cse_policy {
    CLI_S3CSE_POLICY_DEFAULT = 0, /* = require-encrypt-require-decrypt */
    CLI_S3CSE_POLICY_REQUIRE_REQUIRE,
    CLI_S3CSE_POLICY_REQUIRE_ALLOW,
    CLI_S3CSE_POLICY_FORBID_ALLOW
} cli_s3cse_policy;

typedef enum cli_s3cse_profile {
    CLI_S3CSE_PROFILE_DEFAULT = 0, /* = v2 */
    CLI_S3CSE_PROFILE_V2,
    CLI_S3CSE_PROFILE_V2_AND_LEGACY
} cli_s3cse_profile;

typedef struct cli_s3cse_opts {
    cli_s3cse_key keys[CLI_S3CSE_KEYS_MAX];
    size_t n_keys;
    cli_s3cse_pair pending_matdesc[CLI_S3CSE_PAIRS_MAX]; /* before any key */
    size_t n_pending;
    cli_s3cse_pair context[CLI_S3CSE_PAIRS_MAX];
    size_t n_context;
    seckit_s3cse_kv context_kv[CLI_S3CSE_PAIRS_MAX]; /* the same, for the library */
    cli_s3cse_envelope envelope;
    cli_s3cse_policy policy;
    cli_s3cse_profile profile;
    int instruction_file;
    int delayed_auth;
    int allow_insecure;
    int any; /* some option of ours was given */
    int loaded;
} cli_s3cse_opts;

/* Results of cli_s3cse_option (other values are the exit code of a usage
 * error already printed: EXIT_USAGE). */
#define CLI_S3CSE_TAKEN (-1)
#define CLI_S3CSE_NOT_OURS (-2)

/* What the command does with the keys, for cli_s3cse_opts_check. */
typedef enum cli_s3cse_mode {
    CLI_S3CSE_ENCRYPT = 1,
    CLI_S3CSE_DECRYPT = 2,
    CLI_S3CSE_REWRAP = 3 /* decrypt the data key with these keys, wrap it anew */
} cli_s3cse_mode;

void cli_s3cse_opts_init(cli_s3cse_opts *o);

/* Take getopt_long's option c (value arg) when it is one of ours:
 * CLI_S3CSE_TAKEN, CLI_S3CSE_NOT_OURS, or EXIT_USAGE after printing a usage
 * error naming sub. */
int cli_s3cse_option(cli_s3cse_opts *o, const char *sub, int c, const char *arg);

/* The options agree with each other and with the mode (e.g. one wrapping key
 * to encrypt, --envelope and --commitment-policy agree, --encryption-context
 * only with a KMS key, --security-profile only to decrypt): 0, or EXIT_USAGE
 * after printing the reason.  Needs at least one key option. */
int cli_s3cse_opts_check(const cli_s3cse_opts *o, const char *sub, cli_s3cse_mode mode);

/* The effective settings (defaults applied). */
int cli_s3cse_envelope_version(const cli_s3cse_opts *o); /* 2 or 3 */
cli_s3cse_policy cli_s3cse_effective_policy(const cli_s3cse_opts *o);
const char *cli_s3cse_policy_name(cli_s3cse_policy p);

/* Read the key files (private ones through the permission check of
 * seckit_keyfile_read: group/world-readable refused unless
 * --allow-insecure-key-file).  0 or a libseckit code with err set (the
 * message names the file and never holds key bytes). */
int cli_s3cse_keys_load(cli_s3cse_opts *o, seckit_error *err);

/* The library glue.  The options for seckit_s3cse_* calls (policy,
 * profile, envelope, instruction file, encryption context; the context
 * points into o, which must outlive opts). */
void cli_s3cse_options_fill(const cli_s3cse_opts *o, seckit_s3cse_options *opts);

/* One keyring for the key options (loading the key files first when
 * cli_s3cse_keys_load was not called): the key itself, or for several keys
 * (decrypting) a multi keyring that picks by materials description.  KMS
 * keys need aws (NULL: SECKIT_EINVAL saying so).  Free with
 * seckit_s3cse_keyring_free. */
int cli_s3cse_keyring_build(cli_s3cse_opts *o, struct seckit_aws *aws, seckit_s3cse_keyring **out,
                            seckit_error *err);

/* Wipe and free the loaded keys and the copies. */
void cli_s3cse_opts_free(cli_s3cse_opts *o);

#endif
