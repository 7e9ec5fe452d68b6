/* The S3 client-side encryption key and envelope options: see s3cse_opts.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "src/cli/cli.h"
#include "src/cli/keyspec.h"
#include "src/cli/s3cse_opts.h"

#define AES_KEYFILE_MAX 64
#define RESERVED_CONTEXT_KEY "aws:x-amz-cek-alg"

void cli_s3cse_opts_init(cli_s3cse_opts *o)
{
    memset(o, 0, sizeof(*o));
}

static const char *key_option(cli_s3cse_key_kind k)
{
    switch (k) {
    case CLI_S3CSE_KEY_AES: return "--raw-aes-key";
    case CLI_S3CSE_KEY_RSA: return "--raw-rsa-key";
    default: return "--kms-key-id";
    }
}

/* "K=V" into an owned copy split at the first '='. */
static int add_pair(cli_s3cse_pair *pairs, size_t *n, const char *sub, const char *opt,
                    const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (eq == NULL || eq == arg)
        return cli_usage_error(sub, "%s: '%s' is not KEY=VALUE", opt, arg);
    if (*n == CLI_S3CSE_PAIRS_MAX)
        return cli_usage_error(sub, "at most %d %s pairs", CLI_S3CSE_PAIRS_MAX, opt);
    size_t klen = (size_t)(eq - arg);
    for (size_t i = 0; i < *n; i++)
        if (strlen(pairs[i].key) == klen && memcmp(pairs[i].key, arg, klen) == 0)
            return cli_usage_error(sub, "%s: '%.*s' given twice", opt, (int)klen, arg);
    char *copy = strdup(arg);
    if (copy == NULL) {
        cli_message(sub, "out of memory");
        return EXIT_IO;
    }
    copy[klen] = '\0';
    pairs[*n].key = copy;
    pairs[*n].value = copy + klen + 1;
    (*n)++;
    return 0;
}

static void free_pairs(cli_s3cse_pair *pairs, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        free((char *)pairs[i].key); /* key and value share one allocation */
    *n = 0;
}

/* "file=PATH" (the only key of a raw key spec today). */
static int parse_key_spec(cli_s3cse_key *k, const char *sub, const char *opt, const char *spec)
{
    char *buf = strdup(spec), *save = NULL;
    const char *file = NULL;
    int rc = 0;
    if (buf == NULL) {
        cli_message(sub, "out of memory");
        return EXIT_IO;
    }
    for (char *tok = strtok_r(buf, ",", &save); tok != NULL && rc == 0;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (eq == NULL || eq == tok || eq[1] == '\0') {
            rc = cli_usage_error(sub, "%s: '%.40s' is not KEY=VALUE (use file=PATH)", opt, tok);
            break;
        }
        *eq = '\0';
        if (strcmp(tok, "file") != 0)
            rc = cli_usage_error(sub,
                                 "%s: unknown key '%.40s' (use file=PATH; a materials "
                                 "description goes in --materials-description K=V)",
                                 opt, tok);
        else if (file != NULL)
            rc = cli_usage_error(sub, "%s: 'file' given twice", opt);
        else
            file = eq + 1;
    }
    if (rc == 0 && file == NULL)
        rc = cli_usage_error(sub, "%s needs file=PATH", opt);
    if (rc == 0 && (k->path = strdup(file)) == NULL) {
        cli_message(sub, "out of memory");
        rc = EXIT_IO;
    }
    free(buf);
    return rc;
}

static int add_key(cli_s3cse_opts *o, const char *sub, cli_s3cse_key_kind kind, const char *arg)
{
    const char *opt = key_option(kind);
    if (o->n_keys == CLI_S3CSE_KEYS_MAX)
        return cli_usage_error(sub, "at most %d keys", CLI_S3CSE_KEYS_MAX);
    cli_s3cse_key *k = &o->keys[o->n_keys];
    memset(k, 0, sizeof(*k));
    k->kind = kind;
    k->spec = arg;
    if (kind == CLI_S3CSE_KEY_KMS) {
        if (arg[0] == '\0' || strchr(arg, ' ') != NULL)
            return cli_usage_error(sub, "--kms-key-id: '%s' is not a key id, ARN or alias", arg);
        k->kms_id = arg;
    } else {
        int rc = parse_key_spec(k, sub, opt, arg);
        if (rc != 0)
            return rc;
    }
    o->n_keys++;
    /* A materials description given before any key belongs to the first. */
    if (o->n_keys == 1 && o->n_pending > 0) {
        memcpy(k->matdesc, o->pending_matdesc, o->n_pending * sizeof(o->pending_matdesc[0]));
        k->n_matdesc = o->n_pending;
        o->n_pending = 0;
    }
    return 0;
}

int cli_s3cse_option(cli_s3cse_opts *o, const char *sub, int c, const char *arg)
{
    int rc = 0;
    switch (c) {
    case CLI_S3CSE_OPT_RAW_AES_KEY: rc = add_key(o, sub, CLI_S3CSE_KEY_AES, arg); break;
    case CLI_S3CSE_OPT_RAW_RSA_KEY: rc = add_key(o, sub, CLI_S3CSE_KEY_RSA, arg); break;
    case CLI_S3CSE_OPT_KMS_KEY_ID: rc = add_key(o, sub, CLI_S3CSE_KEY_KMS, arg); break;
    case CLI_S3CSE_OPT_MATDESC:
        if (o->n_keys == 0)
            rc = add_pair(o->pending_matdesc, &o->n_pending, sub, "--materials-description", arg);
        else
            rc = add_pair(o->keys[o->n_keys - 1].matdesc, &o->keys[o->n_keys - 1].n_matdesc, sub,
                          "--materials-description", arg);
        break;
    case CLI_S3CSE_OPT_CONTEXT:
        if (strncmp(arg, RESERVED_CONTEXT_KEY "=", sizeof(RESERVED_CONTEXT_KEY)) == 0)
            return cli_usage_error(sub,
                                   "--encryption-context: '%s' is reserved (the client "
                                   "sets it)",
                                   RESERVED_CONTEXT_KEY);
        rc = add_pair(o->context, &o->n_context, sub, "--encryption-context", arg);
        if (rc == 0) {
            o->context_kv[o->n_context - 1].name = o->context[o->n_context - 1].key;
            o->context_kv[o->n_context - 1].value = o->context[o->n_context - 1].value;
        }
        break;
    case CLI_S3CSE_OPT_ENVELOPE:
        if (strcmp(arg, "v3") == 0)
            o->envelope = CLI_S3CSE_ENVELOPE_V3;
        else if (strcmp(arg, "v2") == 0)
            o->envelope = CLI_S3CSE_ENVELOPE_V2;
        else
            return cli_usage_error(sub, "--envelope is v3 or v2, not '%s'", arg);
        break;
    case CLI_S3CSE_OPT_INSTRUCTION_FILE: o->instruction_file = 1; break;
    case CLI_S3CSE_OPT_POLICY:
        if (strcmp(arg, "require-encrypt-require-decrypt") == 0)
            o->policy = CLI_S3CSE_POLICY_REQUIRE_REQUIRE;
        else if (strcmp(arg, "require-encrypt-allow-decrypt") == 0)
            o->policy = CLI_S3CSE_POLICY_REQUIRE_ALLOW;
        else if (strcmp(arg, "forbid-encrypt-allow-decrypt") == 0)
            o->policy = CLI_S3CSE_POLICY_FORBID_ALLOW;
        else
            return cli_usage_error(sub,
                                   "--commitment-policy is require-encrypt-require-decrypt, "
                                   "require-encrypt-allow-decrypt or "
                                   "forbid-encrypt-allow-decrypt, not '%s'",
                                   arg);
        break;
    case CLI_S3CSE_OPT_PROFILE:
        if (strcmp(arg, "v2") == 0)
            o->profile = CLI_S3CSE_PROFILE_V2;
        else if (strcmp(arg, "v2-and-legacy") == 0)
            o->profile = CLI_S3CSE_PROFILE_V2_AND_LEGACY;
        else
            return cli_usage_error(sub, "--security-profile is v2 or v2-and-legacy, not '%s'", arg);
        break;
    case CLI_S3CSE_OPT_DELAYED_AUTH: o->delayed_auth = 1; break;
    case CLI_S3CSE_OPT_INSECURE: o->allow_insecure = 1; break;
    default: return CLI_S3CSE_NOT_OURS;
    }
    if (rc != 0)
        return rc;
    o->any = 1;
    return CLI_S3CSE_TAKEN;
}

int cli_s3cse_envelope_version(const cli_s3cse_opts *o)
{
    if (o->envelope != CLI_S3CSE_ENVELOPE_DEFAULT)
        return (int)o->envelope;
    return o->policy == CLI_S3CSE_POLICY_FORBID_ALLOW ? 2 : 3;
}

cli_s3cse_policy cli_s3cse_effective_policy(const cli_s3cse_opts *o)
{
    return o->policy == CLI_S3CSE_POLICY_DEFAULT ? CLI_S3CSE_POLICY_REQUIRE_REQUIRE : o->policy;
}

const char *cli_s3cse_policy_name(cli_s3cse_policy p)
{
    switch (p) {
    case CLI_S3CSE_POLICY_REQUIRE_ALLOW: return "require-encrypt-allow-decrypt";
    case CLI_S3CSE_POLICY_FORBID_ALLOW: return "forbid-encrypt-allow-decrypt";
    default: return "require-encrypt-require-decrypt";
    }
}

int cli_s3cse_opts_check(const cli_s3cse_opts *o, const char *sub, cli_s3cse_mode mode)
{
    int kms = 0;
    if (o->n_keys == 0)
        return cli_usage_error(sub, "no key given (use --raw-aes-key, --raw-rsa-key or "
                                    "--kms-key-id)");
    for (size_t i = 0; i < o->n_keys; i++) {
        if (o->keys[i].kind == CLI_S3CSE_KEY_KMS) {
            kms = 1;
            if (o->keys[i].n_matdesc > 0)
                return cli_usage_error(sub, "--materials-description is for raw keys; a KMS "
                                            "key's context is --encryption-context");
        }
    }
    if (o->n_context > 0 && !kms)
        return cli_usage_error(sub, "--encryption-context is for --kms-key-id (raw keys use "
                                    "--materials-description)");
    if (mode == CLI_S3CSE_ENCRYPT) {
        if (o->n_keys > 1)
            return cli_usage_error(sub, "encrypting wraps the data key with one key: give one "
                                        "of --raw-aes-key, --raw-rsa-key or --kms-key-id");
        if (o->profile != CLI_S3CSE_PROFILE_DEFAULT)
            return cli_usage_error(sub, "--security-profile is for decrypting");
        if (o->delayed_auth)
            return cli_usage_error(sub, "--delayed-authentication is for decrypting");
        if (o->envelope == CLI_S3CSE_ENVELOPE_V2 && o->policy != CLI_S3CSE_POLICY_DEFAULT &&
            o->policy != CLI_S3CSE_POLICY_FORBID_ALLOW)
            return cli_usage_error(sub,
                                   "--envelope v2 is not key-committing: it needs "
                                   "--commitment-policy forbid-encrypt-allow-decrypt, "
                                   "not %s",
                                   cli_s3cse_policy_name(o->policy));
        if (o->envelope == CLI_S3CSE_ENVELOPE_V2 && o->policy == CLI_S3CSE_POLICY_DEFAULT)
            return cli_usage_error(sub, "--envelope v2 is not key-committing: add "
                                        "--commitment-policy forbid-encrypt-allow-decrypt");
        if (o->envelope == CLI_S3CSE_ENVELOPE_V3 && o->policy == CLI_S3CSE_POLICY_FORBID_ALLOW)
            return cli_usage_error(sub, "--commitment-policy forbid-encrypt-allow-decrypt "
                                        "writes v2 envelopes; --envelope v3 disagrees");
    } else {
        if (o->envelope != CLI_S3CSE_ENVELOPE_DEFAULT)
            return cli_usage_error(sub, "--envelope is for encrypting (an object's metadata "
                                        "names its format)");
        if (mode == CLI_S3CSE_REWRAP && o->delayed_auth)
            return cli_usage_error(sub, "--delayed-authentication is for decrypting content");
    }
    return 0;
}

int cli_s3cse_keys_load(cli_s3cse_opts *o, seckit_error *err)
{
    for (size_t i = 0; i < o->n_keys; i++) {
        cli_s3cse_key *k = &o->keys[i];
        int rc = 0;
        if (k->kind == CLI_S3CSE_KEY_KMS || k->key != NULL)
            continue;
        if (k->kind == CLI_S3CSE_KEY_AES) {
            rc = seckit_keyfile_read(&k->key, &k->key_len, k->path, o->allow_insecure,
                                     AES_KEYFILE_MAX, err);
            if (rc == 0) {
                k->key_secret = 1;
                if (k->key_len != 16 && k->key_len != 24 && k->key_len != 32)
                    rc = seckit_error_set(err, SECKIT_EINVAL,
                                          "%s: an AES key file holds exactly 16, 24 or 32 raw "
                                          "bytes, not %zu",
                                          k->path, k->key_len);
            }
        } else {
            rc = cli_rsa_keyfile_read(k->path, o->allow_insecure, &k->key, &k->key_len,
                                      &k->key_secret, err);
        }
        if (rc != 0)
            return rc;
    }
    o->loaded = 1;
    return 0;
}

void cli_s3cse_options_fill(const cli_s3cse_opts *o, seckit_s3cse_options *opts)
{
    *opts = (seckit_s3cse_options)SECKIT_S3CSE_OPTIONS_INIT;
    switch (cli_s3cse_effective_policy(o)) {
    case CLI_S3CSE_POLICY_REQUIRE_ALLOW:
        opts->commitment_policy = SECKIT_S3CSE_REQUIRE_ENCRYPT_ALLOW_DECRYPT;
        break;
    case CLI_S3CSE_POLICY_FORBID_ALLOW:
        opts->commitment_policy = SECKIT_S3CSE_FORBID_ENCRYPT_ALLOW_DECRYPT;
        break;
    default: opts->commitment_policy = SECKIT_S3CSE_REQUIRE_ENCRYPT_REQUIRE_DECRYPT; break;
    }
    opts->security_profile = o->profile == CLI_S3CSE_PROFILE_V2_AND_LEGACY
                                 ? SECKIT_S3CSE_PROFILE_V2_AND_LEGACY
                                 : SECKIT_S3CSE_PROFILE_V2;
    opts->envelope = cli_s3cse_envelope_version(o) == 2 ? SECKIT_S3CSE_ENVELOPE_V2
                                                        : SECKIT_S3CSE_ENVELOPE_V3;
    opts->instruction_file = o->instruction_file;
    opts->encryption_context = o->n_context > 0 ? o->context_kv : NULL;
    opts->encryption_context_count = o->n_context;
}

static int one_keyring(cli_s3cse_key *k, struct seckit_aws *aws, seckit_s3cse_keyring **out,
                       seckit_error *err)
{
    seckit_s3cse_kv md[CLI_S3CSE_PAIRS_MAX];
    int rc;
    for (size_t i = 0; i < k->n_matdesc; i++) {
        md[i].name = k->matdesc[i].key;
        md[i].value = k->matdesc[i].value;
    }
    switch (k->kind) {
    case CLI_S3CSE_KEY_AES:
        rc = seckit_s3cse_keyring_aes_new(out, k->key, k->key_len, k->n_matdesc ? md : NULL,
                                          k->n_matdesc, err);
        break;
    case CLI_S3CSE_KEY_RSA:
        rc = seckit_s3cse_keyring_rsa_new(out, k->key, k->key_len, k->n_matdesc ? md : NULL,
                                          k->n_matdesc, err);
        break;
    default:
        if (aws == NULL)
            return seckit_error_set(err, SECKIT_EINVAL,
                                    "--kms-key-id needs a connection "
                                    "to AWS KMS here");
        return seckit_s3cse_keyring_kms_aws_new(out, aws, k->kms_id, err);
    }
    if (rc != 0 && k->path != NULL)
        seckit_error_prefix(err, k->path);
    return rc;
}

int cli_s3cse_keyring_build(cli_s3cse_opts *o, struct seckit_aws *aws, seckit_s3cse_keyring **out,
                            seckit_error *err)
{
    seckit_s3cse_keyring *kids[CLI_S3CSE_KEYS_MAX];
    size_t n = 0;
    int rc = 0;
    *out = NULL;
    if (o->n_keys == 0)
        return seckit_error_set(err, SECKIT_EINVAL,
                                "no key given (use --raw-aes-key, "
                                "--raw-rsa-key or --kms-key-id)");
    if (!o->loaded && (rc = cli_s3cse_keys_load(o, err)) != 0)
        return rc;
    for (n = 0; n < o->n_keys; n++)
        if ((rc = one_keyring(&o->keys[n], aws, &kids[n], err)) != 0)
            break;
    if (rc == 0 && n == 1) {
        *out = kids[0];
        return 0;
    }
    if (rc == 0)
        rc = seckit_s3cse_keyring_multi_new(out, kids, n, err);
    for (size_t i = 0; i < n; i++)
        seckit_s3cse_keyring_free(kids[i]);
    return rc;
}

void cli_s3cse_opts_free(cli_s3cse_opts *o)
{
    for (size_t i = 0; i < o->n_keys; i++) {
        cli_s3cse_key *k = &o->keys[i];
        if (k->key != NULL) {
            if (k->key_secret)
                seckit_secret_free(k->key);
            else
                free(k->key);
        }
        k->key = NULL;
        k->key_len = 0;
        free((char *)k->path);
        k->path = NULL;
        free_pairs(k->matdesc, &k->n_matdesc);
    }
    o->n_keys = 0;
    free_pairs(o->pending_matdesc, &o->n_pending);
    free_pairs(o->context, &o->n_context);
}
