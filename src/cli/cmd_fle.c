/* seckit fle: CloudFront field-level encryption: encrypt a form as
 * CloudFront does, decrypt it at the origin, check a configuration, push it
 * to CloudFront.  This file holds the usage text, the helpers the actions
 * share and the dispatcher; each action is in its own fle_*.c. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "src/cli/cmd_fle.h"

const char fle_usage[] =
    "Usage: seckit fle encrypt --public-key PEM --provider ID --key-name NAME\n"
    "                          --field PATTERN... [--require-fields]\n"
    "                          [--in FILE] [--out FILE] [--force]\n"
    "       seckit fle encrypt --config FILE.json... [--profile NAME]\n"
    "                          [--content-type TYPE] [--query STRING]\n"
    "                          [--require-fields] [--in FILE] [--out FILE] [--force]\n"
    "       seckit fle decrypt KEYS FIELDS [--require-fields]\n"
    "                          [--lines [--threads N]] [--max-encrypted-data-keys N]\n"
    "                          [--allow-identity-kdf] [--allow-insecure-key-file]\n"
    "                          [--lenient-form] [--in FILE] [--out FILE] [--force]\n"
    "       seckit fle decrypt-value KEYS [--in FILE | VALUE] [--out FILE] [--force]\n"
    "                          [...]\n"
    "         FIELDS: --field NAME... | --config FILE.json... [--profile NAME] |\n"
    "                 --any-encrypted-field\n"
    "         KEYS: --raw-rsa-key SPEC... | --keys-dir DIR |\n"
    "               --private-key-ssm-parameter NAME --provider ID --key-name NAME\n"
    "               [--profile NAME] [--region REGION] [--endpoint-url URL]\n"
    "               [--ca-bundle FILE] [--debug]\n"
    "       seckit fle check-config FILE.json...\n"
    "       seckit fle push --config FILE.json... [--profile NAME] [--region REGION]\n"
    "                       [--endpoint-url URL] [--ca-bundle FILE]\n"
    "                       [--output text|json] [--debug]\n"
    "\n"
    "CloudFront field-level encryption (FLE) of application/x-www-form-urlencoded\n"
    "bodies.  'encrypt' does what CloudFront does at the edge: each field whose name\n"
    "matches a profile's pattern is replaced by an AWS Encryption SDK message (suite\n"
    "0x0178, empty encryption context, one RSA-OAEP-SHA256 encrypted data key whose\n"
    "provider id is the ProviderId and whose key name is the public key's Name),\n"
    "base64, percent-encoded; every other byte of the body is kept.  'decrypt' does\n"
    "the origin's part.  A body's trailing newline is kept as it is.  Output is\n"
    "written only when everything succeeded (files atomically).  A form with no\n"
    "field to encrypt or decrypt is passed through with a note on stderr.\n"
    "\n"
    "Configuration files (--config, repeatable; check-config FILE...): seckit's\n"
    "{\"public_keys\", \"profiles\", \"config\"} file, and what `aws cloudfront`\n"
    "get-public-key, get-field-level-encryption-profile and\n"
    "get-field-level-encryption (or their -config variants) print, and the bare\n"
    "PublicKeyConfig, FieldLevelEncryptionProfileConfig and\n"
    "FieldLevelEncryptionConfig that `aws cloudfront create-*` takes, one file or\n"
    "several; references may cross files.  check-config reports every problem.\n"
    "\n"
    "Encrypt options:\n"
    "  --public-key FILE       the RSA-2048 public key (PEM) CloudFront holds\n"
    "  --provider ID           the profile's ProviderId (EDK provider id)\n"
    "  --key-name NAME         the public key's Name in CloudFront (EDK key name)\n"
    "  --field PATTERN         a field name, or a prefix followed by '*' (repeatable;\n"
    "                          case-sensitive; at most 10)\n"
    "  --config FILE.json      public keys, profiles and FieldLevelEncryptionConfig in\n"
    "                          CloudFront's shapes (repeatable; see above and\n"
    "                          seckit-fle(1))\n"
    "  --profile NAME          use this profile (Name or Id) instead of selecting one\n"
    "  --content-type TYPE     the request's content type (default\n"
    "                          application/x-www-form-urlencoded)\n"
    "  --query STRING          the request's query string (fle-profile=... selects a\n"
    "                          profile)\n"
    "  --require-fields        a form with no field to encrypt (or a request no\n"
    "                          profile applies to) is an error (exit 3), nothing\n"
    "                          written\n"
    "\n"
    "Decrypt options:\n"
    "  --raw-rsa-key SPEC      namespace=PROVIDER,name=KEYNAME,file=PRIVATE.pem\n"
    "                          [,padding=oaep-sha256|oaep-sha1|oaep-sha384|oaep-sha512]\n"
    "                          (repeatable; padding defaults to oaep-sha256; pkcs1 is\n"
    "                          refused)\n"
    "  --keys-dir DIR          every DIR/PROVIDER/KEYNAME.pem (private keys, OAEP-SHA256)\n"
    "  --field NAME            decrypt this field (repeatable; it must be present and\n"
    "                          encrypted)\n"
    "  --config FILE.json      decrypt the fields the FLE profile's patterns match (the\n"
    "                          files encrypt and push use; repeatable); a matching\n"
    "                          field that arrives unencrypted is an error\n"
    "  --require-fields        a form with no field to decrypt is an error (exit 3),\n"
    "                          nothing written (with --lines: any such line)\n"
    "  --profile NAME, --fle-profile NAME  the profile in --config (needed when it has\n"
    "                          several; with --private-key-ssm-parameter, --profile is\n"
    "                          the AWS profile, so use --fle-profile)\n"
    "  --any-encrypted-field   RISKY: decrypt every field that looks encrypted, whatever\n"
    "                          its name (a client can post a captured ciphertext in a\n"
    "                          field the server echoes, and read the plaintext)\n"
    "  --lenient-form          pass through fields that are not decrypted even when\n"
    "                          they hold bytes a form encoder never leaves raw (UTF-8,\n"
    "                          '|', ';', a stray '%'); decrypted fields stay strict\n"
    "  --lines                 each input line is one form body (batch use)\n"
    "  --threads N             with --lines, decrypt with N threads (default 1)\n"
    "  --max-encrypted-data-keys N  accept messages with up to N EDKs (default 1)\n"
    "  --allow-identity-kdf    also accept suites 0x0014, 0x0046, 0x0078\n"
    "  --allow-insecure-key-file  accept key files others can read, and key files or\n"
    "                          folders others could swap (not owned by you or root, or\n"
    "                          in a group/other-writable folder without the sticky bit)\n"
    "  --private-key-ssm-parameter NAME  fetch the private key (PEM) from this SSM\n"
    "                          Parameter Store SecureString (WithDecryption; kept in\n"
    "                          guarded memory, never printed); with --provider ID and\n"
    "                          --key-name NAME naming the EDKs it decrypts\n"
    "\n"
    "Push options (create the --config file's keys, profiles and configuration in\n"
    "CloudFront, in that order, after validating it as check-config does):\n"
    "  --output FORMAT         text (default) or json: the created Ids\n"
    "\n"
    "AWS options (decrypt with --private-key-ssm-parameter, and push):\n"
    "  --profile NAME          the AWS CLI profile (for encrypt, and decrypt --config\n"
    "                          without SSM: the FLE profile)\n"
    "  --region REGION         the region (default: AWS_REGION, AWS_DEFAULT_REGION,\n"
    "                          the profile's region)\n"
    "  --endpoint-url URL      send the SSM (decrypt) or CloudFront (push) requests\n"
    "                          to URL instead of the AWS endpoint; other services'\n"
    "                          calls (a role profile's STS call) are not affected\n"
    "  --ca-bundle FILE        trust the CA certificates in FILE\n"
    "  --debug                 print the AWS requests and answers on stderr (no\n"
    "                          secrets; see seckit-aws(1))\n"
    "\n"
    "Common options:\n"
    "  --in FILE               read the body (or value) from FILE (default: stdin)\n"
    "  --out FILE              write the result to FILE (default: stdout)\n"
    "  --force                 overwrite an existing --out file\n"
    "  -h, --help              show this help\n"
    "\n"
    "Exit status: 0 ok, 2 usage, 3 malformed input, unknown key, refused by the\n"
    "configuration or no field with --require-fields, 4 authentication failure,\n"
    "5 I/O or network error, 6 AWS error (the AWS error code is shown).\n";

/* ---- input and output */

/* Length of a trailing "\n" or "\r\n". */
size_t fle_trailing_newline(const uint8_t *p, size_t n)
{
    if (n >= 2 && p[n - 2] == '\r' && p[n - 1] == '\n')
        return 2;
    if (n >= 1 && p[n - 1] == '\n')
        return 1;
    return 0;
}

/* Write the pieces to --out atomically, or to stdout. */
int fle_write_output(const char *path, unsigned flags, const void *a, size_t an, const void *b,
                     size_t bn, seckit_error *err)
{
    if (path == NULL || strcmp(path, "-") == 0) {
        if ((an > 0 && fwrite(a, 1, an, stdout) != an) ||
            (bn > 0 && fwrite(b, 1, bn, stdout) != bn))
            return seckit_error_set(err, SECKIT_EIO, "cannot write to standard output");
        return 0;
    }
    seckit_atomic_file *f = NULL;
    int rc = seckit_atomic_open(&f, path, 0600, flags, err);
    if (rc == 0 && an > 0)
        rc = seckit_atomic_write(f, a, an, err);
    if (rc == 0 && bn > 0)
        rc = seckit_atomic_write(f, b, bn, err);
    if (rc == 0) {
        rc = seckit_atomic_commit(f, err);
        f = NULL;
    }
    seckit_atomic_abort(f);
    return rc;
}

/* ---- configuration files (--config, repeatable) */

int fle_add_config_path(fle_config_files *cf, const char *path)
{
    if (cf->n == MAX_CONFIGS)
        return cli_usage_error(sub, "too many --config files (at most %d)", MAX_CONFIGS);
    cf->path[cf->n++] = path;
    return 0;
}

/* Print one problem of the configuration (check-config lists them all). */
static void print_problem(void *ctx, const seckit_error *problem)
{
    (void)ctx;
    cli_message(sub, "%s", problem->message);
}

/* Read and validate the configuration files (any of the shapes
 * seckit_fle_config_parse_sources takes).  all: print every problem of the
 * contents (*n_problems counts them; a file that cannot be read is not
 * printed, only returned in err); else err holds the first, with the count
 * of the others.  With combined, the files' elements gathered into one
 * document (for push). */
int fle_load_configs(const fle_config_files *cf, int all, seckit_fle_config **cfg, char **combined,
                     size_t *n_problems, seckit_error *err)
{
    uint8_t *text[MAX_CONFIGS] = {NULL};
    seckit_fle_config_source src[MAX_CONFIGS];
    size_t n_prob = 0;
    int rc = 0;
    *cfg = NULL;
    for (size_t i = 0; i < cf->n && rc == 0; i++) {
        size_t len = 0;
        rc = seckit_file_read(&text[i], &len, cf->path[i], SECKIT_FLE_MAX_BODY, err);
        if (rc != 0)
            seckit_error_prefix(err, cf->path[i]); /* not a problem of the contents */
        src[i].name = cf->path[i];
        src[i].json = (const char *)text[i];
        src[i].len = len;
    }
    if (rc == 0)
        rc = seckit_fle_config_parse_sources(cfg, &n_prob, src, cf->n, all ? print_problem : NULL,
                                             NULL, err);
    if (rc == 0 && combined != NULL)
        rc = seckit_fle_config_combine(combined, src, cf->n, err);
    if (rc != 0 && !all && n_prob > 1) {
        size_t ml = strlen(err->message);
        snprintf(err->message + ml, sizeof err->message - ml,
                 " (and %zu more problem%s: see seckit fle check-config)", n_prob - 1,
                 n_prob == 2 ? "" : "s");
    }
    if (n_problems != NULL)
        *n_problems = n_prob;
    for (size_t i = 0; i < cf->n; i++)
        free(text[i]);
    return rc;
}

/* ---- the dispatcher */

static int run(int argc, char **argv)
{
    if (cli_help_asked(argc, argv, fle_usage))
        return EXIT_OK_;
    if (argc < 2 || argv[1][0] == '-')
        return cli_usage_error(sub, "missing action (encrypt, decrypt, decrypt-value, "
                                    "check-config or push)");
    const char *action = argv[1];
    argc--;
    argv++;
    if (strcmp(action, "encrypt") == 0)
        return fle_run_encrypt(argc, argv);
    if (strcmp(action, "decrypt") == 0)
        return fle_run_decrypt(argc, argv, 0);
    if (strcmp(action, "decrypt-value") == 0)
        return fle_run_decrypt(argc, argv, 1);
    if (strcmp(action, "check-config") == 0)
        return fle_run_check_config(argc, argv);
    if (strcmp(action, "push") == 0)
        return fle_run_push(argc, argv);
    return cli_usage_error(sub,
                           "unknown action '%s' (encrypt, decrypt, decrypt-value, "
                           "check-config or push)",
                           action);
}

const cli_command cmd_fle = {
    .name = "fle",
    .summary =
        "CloudFront field-level encryption: encrypt forms as CloudFront, decrypt at the origin",
    .usage = fle_usage,
    .run = run,
};
