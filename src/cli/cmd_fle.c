/* seckit fle: CloudFront field-level encryption: encrypt a form as
 * CloudFront does, decrypt it at the origin, check a configuration. */
#include "config.h"

#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "src/cli/cli.h"

static const char usage[] =
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

static const char *sub = "fle";

#define MAX_BATCH_INPUT ((size_t)1 << 30)

/* ---- input and output */

static int read_input(const char *path, size_t max, uint8_t **out, size_t *out_len,
                      seckit_error *err)
{
    if (path != NULL && strcmp(path, "-") != 0)
        return seckit_file_read(path, max, out, out_len, err);
    size_t cap = 65536, len = 0;
    uint8_t *buf = malloc(cap + 1);
    if (buf == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    for (;;) {
        if (len == cap) {
            if (cap >= max + 1) {
                free(buf);
                return seckit_error_set(err, SECKIT_ELIMIT,
                                        "standard input: more than %zu bytes", max);
            }
            size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            /* Not realloc(): the body may be plaintext, and realloc can
             * leave an unwiped copy in freed memory. */
            uint8_t *nb = malloc(ncap + 1);
            if (nb == NULL) {
                seckit_memzero(buf, cap + 1);
                free(buf);
                return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
            }
            memcpy(nb, buf, len);
            seckit_memzero(buf, cap + 1);
            free(buf);
            buf = nb;
            cap = ncap;
        }
        size_t n = fread(buf + len, 1, cap - len, stdin);
        len += n;
        if (n == 0) {
            if (ferror(stdin)) {
                free(buf);
                return seckit_error_set(err, SECKIT_EIO, "standard input: read error");
            }
            break;
        }
    }
    if (len > max) {
        free(buf);
        return seckit_error_set(err, SECKIT_ELIMIT, "standard input: more than %zu bytes", max);
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return 0;
}

/* Length of a trailing "\n" or "\r\n". */
static size_t trailing_newline(const uint8_t *p, size_t n)
{
    if (n >= 2 && p[n - 2] == '\r' && p[n - 1] == '\n')
        return 2;
    if (n >= 1 && p[n - 1] == '\n')
        return 1;
    return 0;
}

/* Write the pieces to --out atomically, or to stdout. */
static int write_output(const char *path, unsigned flags, const void *a, size_t an,
                        const void *b, size_t bn, seckit_error *err)
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

#define MAX_CONFIGS 16

typedef struct config_files {
    const char *path[MAX_CONFIGS];
    size_t n;
} config_files;

static int add_config_path(config_files *cf, const char *path)
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
static int load_configs(const config_files *cf, int all, seckit_fle_config **cfg,
                        char **combined, size_t *n_problems, seckit_error *err)
{
    uint8_t *text[MAX_CONFIGS] = {NULL};
    seckit_fle_config_source src[MAX_CONFIGS];
    size_t n_prob = 0;
    int rc = 0;
    *cfg = NULL;
    for (size_t i = 0; i < cf->n && rc == 0; i++) {
        size_t len = 0;
        rc = seckit_file_read(cf->path[i], SECKIT_FLE_MAX_BODY, &text[i], &len, err);
        if (rc != 0)
            seckit_error_prefix(err, cf->path[i]); /* not a problem of the contents */
        src[i].name = cf->path[i];
        src[i].json = (const char *)text[i];
        src[i].len = len;
    }
    if (rc == 0)
        rc = seckit_fle_config_parse_sources(cfg, src, cf->n, all ? print_problem : NULL, NULL,
                                             &n_prob, err);
    if (rc == 0 && combined != NULL)
        rc = seckit_fle_config_combine(src, cf->n, combined, err);
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

/* ---- encrypt */

#define MAX_FIELDS 16

static int run_encrypt(int argc, char **argv)
{
    static const struct option options[] = {
        {"public-key", required_argument, NULL, 'k'},
        {"provider", required_argument, NULL, 'p'},
        {"key-name", required_argument, NULL, 'n'},
        {"field", required_argument, NULL, 'f'},
        {"config", required_argument, NULL, 'c'},
        {"profile", required_argument, NULL, 'P'},
        {"content-type", required_argument, NULL, 't'},
        {"query", required_argument, NULL, 'q'},
        {"require-fields", no_argument, NULL, 'R'},
        {"in", required_argument, NULL, 'i'},
        {"out", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *pubkey = NULL, *provider = NULL, *key_name = NULL, *profile_name = NULL,
               *content_type = NULL, *query = NULL, *in = NULL, *out = NULL;
    config_files cf = {.n = 0};
    const char *fields[MAX_FIELDS];
    size_t n_fields = 0;
    unsigned flags = 0;
    int require_fields = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'k': pubkey = optarg; break;
        case 'p': provider = optarg; break;
        case 'n': key_name = optarg; break;
        case 'f':
            if (n_fields == MAX_FIELDS)
                return cli_usage_error(sub, "too many --field options (CloudFront allows 10)");
            fields[n_fields++] = optarg;
            break;
        case 'c':
            if (add_config_path(&cf, optarg) != 0)
                return EXIT_USAGE;
            break;
        case 'R': require_fields = 1; break;
        case 'P': profile_name = optarg; break;
        case 't': content_type = optarg; break;
        case 'q': query = optarg; break;
        case 'i': in = optarg; break;
        case 'o': out = optarg; break;
        case 'F': flags |= SECKIT_FILE_OVERWRITE; break;
        case 'h': fputs(usage, stdout); return EXIT_OK_;
        default: return cli_bad_option(sub, c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error(sub, "unexpected argument '%s'", argv[optind]);
    int direct = pubkey != NULL || provider != NULL || key_name != NULL || n_fields > 0;
    if (direct && cf.n > 0)
        return cli_usage_error(sub, "give either --config or --public-key/--provider/"
                                    "--key-name/--field, not both");
    if (!direct && cf.n == 0)
        return cli_usage_error(sub, "encrypt needs --config FILE.json or --public-key, "
                                    "--provider, --key-name and --field");
    if (direct && (pubkey == NULL || provider == NULL || key_name == NULL || n_fields == 0))
        return cli_usage_error(sub, "--public-key, --provider, --key-name and at least one "
                                    "--field are all required");
    if (!direct && profile_name != NULL && (content_type != NULL || query != NULL))
        return cli_usage_error(sub, "--profile and --content-type/--query do not go together");
    if (direct && (profile_name != NULL || content_type != NULL || query != NULL))
        return cli_usage_error(sub, "--profile, --content-type and --query need --config");

    seckit_error err;
    seckit_error_clear(&err);
    seckit_fle_config *cfg = NULL;
    seckit_fle_profile *own = NULL;
    const seckit_fle_profile *profile = NULL;
    uint8_t *text = NULL, *body = NULL;
    size_t text_len = 0, body_len = 0, out_len = 0, n_enc = 0;
    char *result = NULL;
    int rc;

    if (direct) {
        rc = seckit_file_read(pubkey, 65536, &text, &text_len, &err);
        if (rc == 0)
            rc = seckit_fle_profile_new(&own, (const char *)text, text_len, provider, key_name,
                                        fields, n_fields, &err);
        if (rc != 0)
            seckit_error_prefix(&err, pubkey);
        profile = own;
    } else {
        rc = load_configs(&cf, 0, &cfg, NULL, NULL, &err);
        if (rc != 0) {
            /* err names the file */
        } else if (profile_name != NULL) {
            rc = seckit_fle_config_profile(cfg, profile_name, &profile, &err);
        } else {
            seckit_fle_selection sel;
            rc = seckit_fle_select(cfg, content_type, query, &sel, &err);
            if (rc == 0 && sel.action == SECKIT_FLE_FORWARD && require_fields)
                rc = seckit_error_set(&err, SECKIT_ENOTFOUND,
                                      "--require-fields: no profile applies, so no field "
                                      "would be encrypted: %s",
                                      sel.reason);
            else if (rc == 0 && sel.action == SECKIT_FLE_FORWARD)
                cli_message(sub, "%s", sel.reason);
            if (rc == 0)
                profile = sel.profile; /* NULL: forward unchanged */
        }
    }
    if (rc == 0)
        rc = read_input(in, SECKIT_FLE_MAX_BODY + 2, &body, &body_len, &err);
    if (rc == 0) {
        size_t nl = trailing_newline(body, body_len);
        if (profile == NULL) {
            rc = write_output(out, flags, body, body_len, NULL, 0, &err);
        } else {
            rc = seckit_fle_encrypt_body(profile, body, body_len - nl, &result, &out_len, &n_enc,
                                         &err);
            /* A silent pass-through is how a misconfigured pattern ships. */
            if (rc == 0 && n_enc == 0 && require_fields)
                rc = seckit_error_set(&err, SECKIT_ENOTFOUND,
                                      "--require-fields: the form has no field that the "
                                      "profile's patterns match; nothing was written");
            else if (rc == 0 && n_enc == 0)
                cli_message(sub, "the form has no field that the profile's patterns match: "
                                 "nothing was encrypted (--require-fields makes this an "
                                 "error)");
            if (rc == 0)
                rc = write_output(out, flags, result, out_len, body + body_len - nl, nl, &err);
        }
    }
    seckit_secret_free(result);
    if (body != NULL)
        seckit_memzero(body, body_len);
    free(body);
    free(text);
    seckit_fle_profile_free(own);
    seckit_fle_config_free(cfg);
    return rc == 0 ? EXIT_OK_ : cli_fail(sub, &err);
}

/* ---- keys */

/* namespace=NS,name=NAME,file=PATH[,padding=PAD] */
static int add_key_spec(seckit_fle_decryptor *d, const char *spec, int allow_insecure,
                        seckit_error *err)
{
    char buf[1024];
    const char *ns = NULL, *name = NULL, *file = NULL, *pad = NULL;
    if (strlen(spec) >= sizeof(buf))
        return seckit_error_set(err, SECKIT_EINVAL, "--raw-rsa-key: spec too long");
    strcpy(buf, spec);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (eq == NULL)
            return seckit_error_set(err, SECKIT_EINVAL,
                                    "--raw-rsa-key: '%s' is not KEY=VALUE (keys: namespace, "
                                    "name, file, padding)",
                                    tok);
        *eq = '\0';
        const char **slot = strcmp(tok, "namespace") == 0 ? &ns
                            : strcmp(tok, "name") == 0    ? &name
                            : strcmp(tok, "file") == 0    ? &file
                            : strcmp(tok, "padding") == 0 ? &pad
                                                          : NULL;
        if (slot == NULL)
            return seckit_error_set(err, SECKIT_EINVAL,
                                    "--raw-rsa-key: unknown key '%s' (keys: namespace, name, "
                                    "file, padding)",
                                    tok);
        if (*slot != NULL)
            return seckit_error_set(err, SECKIT_EINVAL, "--raw-rsa-key: '%s' given twice", tok);
        *slot = eq + 1;
    }
    if (ns == NULL || name == NULL || file == NULL)
        return seckit_error_set(err, SECKIT_EINVAL,
                                "--raw-rsa-key: needs namespace=PROVIDER, name=KEYNAME and "
                                "file=PRIVATE.pem");
    seckit_rsa_padding padding = SECKIT_RSA_OAEP_SHA256;
    int rc;
    if (pad != NULL && (rc = seckit_rsa_padding_parse(pad, &padding, err)) != 0)
        return rc;
    if (padding == SECKIT_RSA_PKCS1)
        return seckit_error_set(err, SECKIT_EPOLICY,
                                "--raw-rsa-key: padding=pkcs1 is refused for FLE (CloudFront "
                                "uses oaep-sha256; PKCS#1 v1.5 decryption can be a timing "
                                "oracle)");
    uint8_t *key = NULL;
    size_t key_len = 0;
    rc = seckit_keyfile_read(file, allow_insecure, 1 << 20, &key, &key_len, err);
    if (rc == 0) {
        rc = seckit_fle_decryptor_add_key(d, ns, name, key, key_len, padding, err);
        if (rc != 0)
            seckit_error_prefix(err, file);
    }
    seckit_secret_free(key);
    return rc;
}

/* DIR/PROVIDER/KEYNAME.pem: the library's loader. */
static int add_keys_dir(seckit_fle_decryptor *d, const char *dir, int allow_insecure,
                        seckit_error *err)
{
    return seckit_fle_decryptor_add_keys_dir(d, dir, allow_insecure, NULL, err);
}

/* The private key PEM from an SSM Parameter Store SecureString. */
static int add_ssm_key(seckit_fle_decryptor *d, const seckit_aws_options *ao, const char *param,
                       const char *provider, const char *key_name, seckit_error *err)
{
    seckit_aws *aws = NULL;
    char *pem = NULL;
    size_t pem_len = 0;
    char type[32] = "";
    int rc = seckit_aws_new(ao, &aws, err);
    if (rc == 0)
        rc = seckit_ssm_get_parameter(aws, param, 1, &pem, &pem_len, type, err);
    if (rc == 0 && strcmp(type, "SecureString") != 0)
        rc = seckit_error_set(err, SECKIT_EPOLICY,
                              "is a %s parameter; a private key must be stored as a "
                              "SecureString",
                              type[0] ? type : "non-SecureString");
    if (rc == 0)
        rc = seckit_fle_decryptor_add_key(d, provider, key_name, pem, pem_len,
                                          SECKIT_RSA_OAEP_SHA256, err);
    if (rc != 0) {
        char what[600];
        snprintf(what, sizeof what, "SSM parameter %.512s", param);
        seckit_error_prefix(err, what);
    }
    seckit_secret_free(pem);
    seckit_aws_free(aws);
    return rc;
}

/* ---- decrypt */

typedef struct line_job {
    const seckit_fle_decryptor *d;
    const char *const *fields;
    size_t n_fields;
    const uint8_t *input;
    const size_t *starts, *lens; /* per line */
    char **outs;
    size_t *out_lens;
    size_t *n_dec; /* per line: fields decrypted */
    size_t first, step, count;
    int rc;
    size_t failed_line;
    seckit_error err;
} line_job;

static void *decrypt_lines(void *arg)
{
    line_job *j = arg;
    j->rc = 0;
    for (size_t i = j->first; i < j->count; i += j->step) {
        if (j->lens[i] == 0) {
            j->outs[i] = NULL;
            j->out_lens[i] = 0;
            continue;
        }
        int rc = seckit_fle_decrypt_body(j->d, j->input + j->starts[i], j->lens[i], j->fields,
                                         j->n_fields, &j->outs[i], &j->out_lens[i],
                                         &j->n_dec[i], &j->err);
        if (rc != 0) {
            j->rc = rc;
            j->failed_line = i + 1;
            break;
        }
    }
    return NULL;
}

static int decrypt_batch(const seckit_fle_decryptor *d, const char *const *fields,
                         size_t n_fields, const uint8_t *input, size_t len, unsigned threads,
                         const char *out, unsigned flags, int require_fields,
                         seckit_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += input[i] == '\n';
    if (len > 0 && input[len - 1] != '\n')
        n++;
    size_t *starts = calloc(n ? n : 1, sizeof(size_t)), *lens = calloc(n ? n : 1, sizeof(size_t));
    size_t *out_lens = calloc(n ? n : 1, sizeof(size_t));
    char **outs = calloc(n ? n : 1, sizeof(char *));
    size_t *n_dec = calloc(n ? n : 1, sizeof(size_t));
    line_job *jobs = calloc(threads, sizeof(line_job));
    pthread_t *tids = calloc(threads, sizeof(pthread_t));
    int rc = 0;
    if (starts == NULL || lens == NULL || out_lens == NULL || outs == NULL || n_dec == NULL ||
        jobs == NULL || tids == NULL) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0, pos = 0; i < n; i++) {
        size_t e = pos;
        while (e < len && input[e] != '\n')
            e++;
        starts[i] = pos;
        lens[i] = e - pos;
        if (lens[i] > 0 && input[e - 1] == '\r')
            lens[i]--;
        pos = e + 1;
    }
    size_t started = 0;
    for (unsigned t = 0; t < threads; t++) {
        line_job *j = &jobs[t];
        j->d = d;
        j->fields = fields;
        j->n_fields = n_fields;
        j->input = input;
        j->starts = starts;
        j->lens = lens;
        j->outs = outs;
        j->out_lens = out_lens;
        j->n_dec = n_dec;
        j->first = t;
        j->step = threads;
        j->count = n;
        seckit_error_clear(&j->err);
        if (t == 0)
            continue; /* runs on this thread below */
        if (pthread_create(&tids[t], NULL, decrypt_lines, j) != 0) {
            rc = seckit_error_set(err, SECKIT_EIO, "cannot start a thread");
            break;
        }
        started = t;
    }
    if (rc == 0)
        decrypt_lines(&jobs[0]);
    for (unsigned t = 1; t <= started; t++)
        pthread_join(tids[t], NULL);
    if (rc != 0)
        goto done;
    /* Report the earliest failing line. */
    size_t worst = 0;
    for (unsigned t = 0; t < threads; t++)
        if (jobs[t].rc != 0 && (worst == 0 || jobs[t].failed_line < jobs[worst - 1].failed_line))
            worst = t + 1;
    if (worst != 0) {
        line_job *j = &jobs[worst - 1];
        char where[64];
        *err = j->err;
        snprintf(where, sizeof(where), "line %zu", j->failed_line);
        seckit_error_prefix(err, where);
        rc = j->rc;
        goto done;
    }
    /* Forms (non-empty lines) with no field to decrypt: said, or refused. */
    size_t none = 0, first_none = 0;
    for (size_t i = 0; i < n; i++)
        if (lens[i] > 0 && n_dec[i] == 0 && none++ == 0)
            first_none = i + 1;
    if (none > 0 && require_fields) {
        if (none == 1)
            rc = seckit_error_set(err, SECKIT_ENOTFOUND,
                                  "--require-fields: line %zu has no field to decrypt; "
                                  "nothing was written",
                                  first_none);
        else
            rc = seckit_error_set(err, SECKIT_ENOTFOUND,
                                  "--require-fields: %zu lines (the first is line %zu) have no "
                                  "field to decrypt; nothing was written",
                                  none, first_none);
        goto done;
    }
    if (none > 0)
        cli_message(sub, "%zu of the forms (the first on line %zu) had no field to decrypt: "
                         "passed through unchanged (--require-fields makes this an error)",
                    none, first_none);
    /* Everything decrypted: assemble and write. */
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += out_lens[i] + 1;
    char *all = seckit_secret_alloc(total + 1);
    if (all == NULL) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        goto done;
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (out_lens[i] > 0)
            memcpy(all + o, outs[i], out_lens[i]);
        o += out_lens[i];
        all[o++] = '\n';
    }
    rc = write_output(out, flags, all, o, NULL, 0, err);
    seckit_secret_free(all);
done:
    if (outs != NULL)
        for (size_t i = 0; i < n; i++)
            seckit_secret_free(outs[i]);
    free(outs);
    free(n_dec);
    free(out_lens);
    free(starts);
    free(lens);
    free(jobs);
    free(tids);
    return rc;
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Percent-decode a value copied from a body (base64 never has '%'): '%'
 * followed by exactly two hex digits is an escape; anything else after a
 * '%' (a sign, a space, one digit) is refused, as the form codec does.
 * Returns the decoded length, or (size_t)-1 at a bad escape (*bad = its
 * offset). */
static size_t percent_decode_inplace(char *s, size_t n, size_t *bad)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            int h = i + 2 < n ? hex_digit(s[i + 1]) : -1;
            int l = i + 2 < n ? hex_digit(s[i + 2]) : -1;
            if (h < 0 || l < 0) {
                *bad = i;
                return (size_t)-1;
            }
            s[o++] = (char)(h << 4 | l);
            i += 2;
            continue;
        }
        s[o++] = s[i];
    }
    return o;
}

/* The field patterns of the FLE profile `name` in the config file (or of
 * its only profile). */
static int add_config_fields(seckit_fle_decryptor *d, const config_files *cf, const char *name,
                             seckit_error *err)
{
    seckit_fle_config *cfg = NULL;
    const seckit_fle_profile *profile = NULL;
    const char *path = cf->path[0];
    int rc = load_configs(cf, 0, &cfg, NULL, NULL, err);
    if (rc != 0) {
        /* err names the file */
    } else if (name != NULL) {
        rc = seckit_fle_config_profile(cfg, name, &profile, err);
    } else if (seckit_fle_config_profile_count(cfg) == 1) {
        rc = seckit_fle_config_profile(cfg, seckit_fle_config_profile_name(cfg, 0), &profile,
                                       err);
    } else {
        rc = seckit_error_set(err, SECKIT_EINVAL,
                              "%s has %zu profiles: name the one CloudFront applies with "
                              "--profile NAME",
                              path, seckit_fle_config_profile_count(cfg));
    }
    if (rc == 0)
        rc = seckit_fle_decryptor_add_profile_fields(d, profile, err);
    seckit_fle_config_free(cfg);
    return rc;
}

static int run_decrypt(int argc, char **argv, int value_mode)
{
    static const struct option options[] = {
        {"raw-rsa-key", required_argument, NULL, 'r'},
        {"keys-dir", required_argument, NULL, 'd'},
        {"field", required_argument, NULL, 'f'},
        {"lines", no_argument, NULL, 'l'},
        {"threads", required_argument, NULL, 'T'},
        {"max-encrypted-data-keys", required_argument, NULL, 'm'},
        {"allow-identity-kdf", no_argument, NULL, 'I'},
        {"allow-insecure-key-file", no_argument, NULL, 'A'},
        {"private-key-ssm-parameter", required_argument, NULL, 'S'},
        {"provider", required_argument, NULL, 'p'},
        {"key-name", required_argument, NULL, 'n'},
        {"config", required_argument, NULL, 'c'},
        {"fle-profile", required_argument, NULL, 'P'},
        {"require-fields", no_argument, NULL, 'R'},
        {"any-encrypted-field", no_argument, NULL, 'Y'},
        {"lenient-form", no_argument, NULL, 'L'},
        CLI_AWS_LONG_OPTIONS,
        {"in", required_argument, NULL, 'i'},
        {"out", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *specs[32], *fields[64], *keys_dir = NULL, *in = NULL, *out = NULL;
    const char *ssm_param = NULL, *ssm_provider = NULL, *ssm_key_name = NULL;
    const char *fle_profile = NULL;
    config_files cf = {.n = 0};
    int any_field = 0, require_fields = 0;
    seckit_aws_options ao;
    memset(&ao, 0, sizeof ao);
    ao.endpoint_service = "ssm"; /* --endpoint-url is for SSM only */
    cli_aws_interactive(&ao);
    size_t n_specs = 0, n_fields = 0;
    int lines = 0, allow_insecure = 0, threads_given = 0;
    unsigned long threads = 1, max_edks = 0;
    unsigned flags = 0;
    seckit_fle_decrypt_options opts;
    seckit_fle_decrypt_options_init(&opts);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (cli_aws_option(c, optarg, &ao))
            continue;
        switch (c) {
        case 'r':
            if (n_specs == 32)
                return cli_usage_error(sub, "too many --raw-rsa-key options (at most 32)");
            specs[n_specs++] = optarg;
            break;
        case 'd': keys_dir = optarg; break;
        case 'f':
            if (n_fields == 64)
                return cli_usage_error(sub, "too many --field options (at most 64)");
            fields[n_fields++] = optarg;
            break;
        case 'l': lines = 1; break;
        case 'T':
            if (cli_parse_uint(optarg, 1, 256, &threads) != 0)
                return cli_usage_error(sub, "--threads must be a number from 1 to 256");
            threads_given = 1;
            break;
        case 'm':
            if (cli_parse_uint(optarg, 1, 65535, &max_edks) != 0)
                return cli_usage_error(sub, "--max-encrypted-data-keys must be 1 to 65535");
            break;
        case 'I': opts.allow_identity_kdf = 1; break;
        case 'L': opts.lenient_form = 1; break;
        case 'A': allow_insecure = 1; break;
        case 'S': ssm_param = optarg; break;
        case 'p': ssm_provider = optarg; break;
        case 'n': ssm_key_name = optarg; break;
        case 'c':
            if (add_config_path(&cf, optarg) != 0)
                return EXIT_USAGE;
            break;
        case 'P': fle_profile = optarg; break;
        case 'R': require_fields = 1; break;
        case 'Y': any_field = 1; break;
        case 'i': in = optarg; break;
        case 'o': out = optarg; break;
        case 'F': flags |= SECKIT_FILE_OVERWRITE; break;
        case 'h': fputs(usage, stdout); return EXIT_OK_;
        default: return cli_bad_option(sub, c, argv);
        }
    }
    const char *value_arg = NULL;
    if (value_mode && optind < argc)
        value_arg = argv[optind++];
    if (optind < argc)
        return cli_usage_error(sub, "unexpected argument '%s'", argv[optind]);
    if (n_specs > 0 && keys_dir != NULL)
        return cli_usage_error(sub, "give --raw-rsa-key SPEC (repeatable) or --keys-dir DIR, "
                                    "not both");
    if (n_specs == 0 && keys_dir == NULL && ssm_param == NULL)
        return cli_usage_error(sub, "give --raw-rsa-key SPEC (repeatable), --keys-dir DIR or "
                                    "--private-key-ssm-parameter NAME");
    if (ssm_param != NULL && (ssm_provider == NULL || ssm_key_name == NULL))
        return cli_usage_error(sub, "--private-key-ssm-parameter needs --provider ID and "
                                    "--key-name NAME (the EDK the key decrypts)");
    /* With --config and no SSM key, --profile names the FLE profile (as for
     * encrypt); with an SSM key it stays the AWS profile (--fle-profile). */
    if (cf.n > 0 && fle_profile == NULL && ssm_param == NULL && ao.profile != NULL) {
        fle_profile = ao.profile;
        ao.profile = NULL;
    }
    if (fle_profile != NULL && cf.n == 0)
        return cli_usage_error(sub, "--fle-profile needs --config FILE.json");
    if (value_mode && (cf.n > 0 || any_field || require_fields))
        return cli_usage_error(sub, "decrypt-value takes no --config, --any-encrypted-field "
                                    "or --require-fields");
    if (any_field && (cf.n > 0 || n_fields > 0))
        return cli_usage_error(sub, "--any-encrypted-field does not go with --field or --config");
    if (cf.n > 0 && n_fields > 0)
        return cli_usage_error(sub, "give either --field NAME or --config FILE.json, not both");
    if (!value_mode && cf.n == 0 && n_fields == 0 && !any_field)
        return cli_usage_error(sub, "name the fields to decrypt: --field NAME (repeatable), or "
                                    "--config FILE.json [--profile NAME] for the FLE profile's "
                                    "field patterns (or --any-encrypted-field, which is risky: "
                                    "see seckit-fle(1))");
    if (ssm_param == NULL && (ssm_provider != NULL || ssm_key_name != NULL ||
                              ao.profile != NULL || ao.region != NULL ||
                              ao.endpoint_url != NULL || ao.ca_bundle != NULL))
        return cli_usage_error(sub, "--provider, --key-name, --profile, --region, "
                                    "--endpoint-url and --ca-bundle need "
                                    "--private-key-ssm-parameter");
    if (value_mode && (lines || threads_given || n_fields > 0 || opts.lenient_form))
        return cli_usage_error(sub, "decrypt-value takes no --lines, --threads, --field or "
                                    "--lenient-form");
    if (value_mode && value_arg != NULL && in != NULL)
        return cli_usage_error(sub, "give the value or --in FILE, not both");
    if (threads_given && !lines)
        return cli_usage_error(sub, "--threads needs --lines");
    opts.max_encrypted_data_keys = (unsigned)max_edks;
    opts.any_encrypted_field = any_field;

    seckit_error err;
    seckit_error_clear(&err);
    seckit_fle_decryptor *d = NULL;
    uint8_t *input = NULL;
    size_t input_len = 0;
    int rc = seckit_fle_decryptor_new(&d, &opts, &err);
    if (rc == 0 && cf.n > 0)
        rc = add_config_fields(d, &cf, fle_profile, &err);
    for (size_t i = 0; rc == 0 && i < n_specs; i++)
        rc = add_key_spec(d, specs[i], allow_insecure, &err);
    if (rc == 0 && keys_dir != NULL)
        rc = add_keys_dir(d, keys_dir, allow_insecure, &err);
    if (rc == 0 && ssm_param != NULL)
        rc = add_ssm_key(d, &ao, ssm_param, ssm_provider, ssm_key_name, &err);
    if (rc == 0) {
        if (value_arg != NULL) {
            input_len = strlen(value_arg);
            input = malloc(input_len + 1);
            if (input == NULL)
                rc = seckit_error_set(&err, SECKIT_ENOMEM, "out of memory");
            else
                memcpy(input, value_arg, input_len + 1);
        } else {
            rc = read_input(in, lines ? MAX_BATCH_INPUT : SECKIT_FLE_MAX_BODY + 2, &input,
                            &input_len, &err);
        }
    }
    if (rc == 0 && lines) {
        rc = decrypt_batch(d, fields, n_fields, input, input_len, (unsigned)threads, out, flags,
                           require_fields, &err);
    } else if (rc == 0 && value_mode) {
        size_t nl = trailing_newline(input, input_len);
        size_t bad = 0;
        size_t vlen = percent_decode_inplace((char *)input, input_len - nl, &bad);
        uint8_t *plain = NULL;
        size_t plain_len = 0;
        if (vlen == (size_t)-1)
            rc = seckit_error_set(&err, SECKIT_EFORMAT,
                                  "the value has a '%%' at offset %zu that is not followed by "
                                  "two hex digits",
                                  bad);
        else
            rc = seckit_fle_decrypt_value(d, (const char *)input, vlen, &plain, &plain_len,
                                          &err);
        if (rc == 0)
            rc = write_output(out, flags, plain, plain_len, NULL, 0, &err);
        seckit_secret_free(plain);
    } else if (rc == 0) {
        size_t nl = trailing_newline(input, input_len);
        char *result = NULL;
        size_t result_len = 0;
        size_t n_dec = 0;
        rc = seckit_fle_decrypt_body(d, input, input_len - nl, fields, n_fields, &result,
                                     &result_len, &n_dec, &err);
        if (rc == 0 && n_dec == 0 && require_fields)
            rc = seckit_error_set(&err, SECKIT_ENOTFOUND,
                                  "--require-fields: the form has no field to decrypt; "
                                  "nothing was written");
        else if (rc == 0 && n_dec == 0)
            cli_message(sub, "the form has no field to decrypt: it is passed through "
                             "unchanged (--require-fields makes this an error)");
        if (rc == 0)
            rc = write_output(out, flags, result, result_len, input + input_len - nl, nl, &err);
        seckit_secret_free(result);
    }
    free(input);
    seckit_fle_decryptor_free(d);
    return rc == 0 ? EXIT_OK_ : cli_fail(sub, &err);
}

/* ---- check-config */

static int run_check_config(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return EXIT_OK_;
    }
    config_files cf = {.n = 0};
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage_error(sub, "check-config takes FILE.json... and no option '%s'",
                                   argv[i]);
        if (add_config_path(&cf, argv[i]) != 0)
            return EXIT_USAGE;
    }
    if (cf.n == 0)
        return cli_usage_error(sub, "check-config takes one or more FILE.json");
    seckit_error err;
    seckit_error_clear(&err);
    seckit_fle_config *cfg = NULL;
    size_t n_prob = 0;
    /* Every problem is printed as it is found; then a count. */
    int rc = load_configs(&cf, 1, &cfg, NULL, &n_prob, &err);
    if (rc != 0) {
        if (n_prob == 0) /* a file could not be read: nothing was printed yet */
            return cli_fail(sub, &err);
        if (n_prob > 1)
            cli_message(sub, "%zu problems found", n_prob);
        return cli_exit_code(rc);
    }
    for (size_t i = 0; i < cf.n; i++)
        printf("%s%s", i ? ", " : "", cf.path[i]);
    printf(": valid: %zu profile%s (", seckit_fle_config_profile_count(cfg),
           seckit_fle_config_profile_count(cfg) == 1 ? "" : "s");
    for (size_t i = 0; i < seckit_fle_config_profile_count(cfg); i++)
        printf("%s%s", i ? ", " : "", seckit_fle_config_profile_name(cfg, i));
    printf(")%s\n", seckit_fle_config_has_config(cfg) ? ", with a FieldLevelEncryptionConfig"
                                                      : ", no FieldLevelEncryptionConfig");
    seckit_fle_config_free(cfg);
    return EXIT_OK_;
}

/* ---- push */

/* The element holding a key's or profile's settings: the wrapped form
 * ({"Id", "PublicKeyConfig": {...}}) or the item itself. */
static const cJSON *inner_config(const cJSON *item, const char *wrapper)
{
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(item, wrapper);
    return cJSON_IsObject(w) ? w : item;
}

static const char *str_member(const cJSON *obj, const char *name)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, name));
}

/* Index of the element a reference names: its local Id first, then its
 * Name (as seckit_fle_config_parse resolves references); -1 if none. */
static int find_ref(const cJSON *list, const char *wrapper, const char *ref)
{
    int i = 0;
    for (const cJSON *it = list->child; it != NULL; it = it->next, i++) {
        const char *id = str_member(it, "Id");
        if (id == NULL)
            id = str_member(inner_config(it, wrapper), "Id");
        if (id != NULL && strcmp(id, ref) == 0)
            return i;
    }
    i = 0;
    for (const cJSON *it = list->child; it != NULL; it = it->next, i++) {
        const char *name = str_member(inner_config(it, wrapper), "Name");
        if (name != NULL && strcmp(name, ref) == 0)
            return i;
    }
    return -1;
}

/* {"Quantity": n, "Items": [...]} from a local list (Quantity optional),
 * each item made by fn. */
typedef cJSON *(*item_fn)(const cJSON *item, void *ctx);

static cJSON *make_list(const cJSON *local, item_fn fn, void *ctx)
{
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(local, "Items");
    cJSON *out = cJSON_CreateObject(), *arr = cJSON_CreateArray();
    int n = 0;
    if (out == NULL || arr == NULL)
        goto fail;
    for (const cJSON *it = items != NULL ? items->child : NULL; it != NULL; it = it->next) {
        cJSON *x = fn != NULL ? fn(it, ctx) : cJSON_Duplicate(it, 1);
        if (x == NULL || !cJSON_AddItemToArray(arr, x)) {
            cJSON_Delete(x);
            goto fail;
        }
        n++;
    }
    if (cJSON_AddNumberToObject(out, "Quantity", n) == NULL)
        goto fail;
    if (n > 0) {
        if (!cJSON_AddItemToObject(out, "Items", arr))
            goto fail;
    } else {
        cJSON_Delete(arr);
    }
    return out;
fail:
    cJSON_Delete(arr);
    cJSON_Delete(out);
    return NULL;
}

/* Copy obj[name] into out when present. */
static int copy_member(cJSON *out, const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (v == NULL)
        return 1;
    cJSON *d = cJSON_Duplicate(v, 1);
    if (d == NULL || !cJSON_AddItemToObject(out, name, d)) {
        cJSON_Delete(d);
        return 0;
    }
    return 1;
}

typedef struct push_state {
    const cJSON *keys, *profiles;
    char (*key_ids)[128];
    char (*profile_ids)[128];
} push_state;

static cJSON *map_entity(const cJSON *e, void *ctx)
{
    push_state *ps = ctx;
    int k = find_ref(ps->keys, "PublicKeyConfig", str_member(e, "PublicKeyId"));
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || k < 0 || cJSON_AddStringToObject(o, "PublicKeyId", ps->key_ids[k]) == NULL ||
        !copy_member(o, e, "ProviderId")) {
        cJSON_Delete(o);
        return NULL;
    }
    cJSON *fp = make_list(cJSON_GetObjectItemCaseSensitive(e, "FieldPatterns"), NULL, NULL);
    if (fp == NULL || !cJSON_AddItemToObject(o, "FieldPatterns", fp)) {
        cJSON_Delete(fp);
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *map_profile_ref(const cJSON *item, void *ctx)
{
    push_state *ps = ctx;
    static const char *const order[] = {"QueryArg", "Format", "ProfileId", "ContentType", NULL};
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    for (size_t i = 0; order[i] != NULL; i++) {
        const char *v = str_member(item, order[i]);
        if (v == NULL)
            continue;
        if (strcmp(order[i], "ProfileId") == 0) {
            int p = find_ref(ps->profiles, "FieldLevelEncryptionProfileConfig", v);
            if (p < 0) {
                cJSON_Delete(o);
                return NULL;
            }
            v = ps->profile_ids[p];
        }
        if (cJSON_AddStringToObject(o, order[i], v) == NULL) {
            cJSON_Delete(o);
            return NULL;
        }
    }
    return o;
}

/* A profile-reference block ({"Forward...": b, "<list>": {...}}) with its
 * ProfileIds mapped; NULL with *oom = 0 when the block is absent. */
static cJSON *map_block(const cJSON *cfg, const char *block, const char *flag, const char *list,
                        push_state *ps, int *oom)
{
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(cfg, block);
    *oom = 0;
    if (b == NULL)
        return NULL;
    cJSON *o = cJSON_CreateObject();
    cJSON *l = make_list(cJSON_GetObjectItemCaseSensitive(b, list), map_profile_ref, ps);
    if (o == NULL || l == NULL || !copy_member(o, b, flag) || !cJSON_AddItemToObject(o, list, l)) {
        cJSON_Delete(l);
        cJSON_Delete(o);
        *oom = 1;
        return NULL;
    }
    return o;
}

static char *key_config_json(const cJSON *item, long long now)
{
    const cJSON *c = inner_config(item, "PublicKeyConfig");
    cJSON *o = cJSON_CreateObject();
    char ref[200];
    const char *caller = str_member(c, "CallerReference");
    if (caller == NULL) {
        snprintf(ref, sizeof ref, "seckit-push-%lld-%.128s", now, str_member(c, "Name"));
        caller = ref;
    }
    char *s = NULL;
    if (o != NULL && cJSON_AddStringToObject(o, "CallerReference", caller) != NULL &&
        copy_member(o, c, "Name") && copy_member(o, c, "EncodedKey") &&
        copy_member(o, c, "Comment"))
        s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static char *profile_config_json(const cJSON *item, push_state *ps)
{
    const cJSON *c = inner_config(item, "FieldLevelEncryptionProfileConfig");
    cJSON *o = cJSON_CreateObject();
    char *s = NULL;
    if (o != NULL && copy_member(o, c, "Name") && copy_member(o, c, "CallerReference") &&
        copy_member(o, c, "Comment")) {
        cJSON *ee =
            make_list(cJSON_GetObjectItemCaseSensitive(c, "EncryptionEntities"), map_entity, ps);
        if (ee != NULL && cJSON_AddItemToObject(o, "EncryptionEntities", ee))
            s = cJSON_PrintUnformatted(o);
        else
            cJSON_Delete(ee);
    }
    cJSON_Delete(o);
    return s;
}

static char *fle_config_json(const cJSON *config, push_state *ps)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(config, "FieldLevelEncryptionConfig");
    if (!cJSON_IsObject(c))
        c = config;
    cJSON *o = cJSON_CreateObject();
    char *s = NULL;
    int oom1 = 0, oom2 = 0;
    if (o == NULL || !copy_member(o, c, "CallerReference") || !copy_member(o, c, "Comment"))
        goto done;
    cJSON *qa = map_block(c, "QueryArgProfileConfig", "ForwardWhenQueryArgProfileIsUnknown",
                          "QueryArgProfiles", ps, &oom1);
    if (oom1 || (qa != NULL && !cJSON_AddItemToObject(o, "QueryArgProfileConfig", qa))) {
        cJSON_Delete(qa);
        goto done;
    }
    cJSON *ct = map_block(c, "ContentTypeProfileConfig", "ForwardWhenContentTypeIsUnknown",
                          "ContentTypeProfiles", ps, &oom2);
    if (oom2 || (ct != NULL && !cJSON_AddItemToObject(o, "ContentTypeProfileConfig", ct))) {
        cJSON_Delete(ct);
        goto done;
    }
    s = cJSON_PrintUnformatted(o);
done:
    cJSON_Delete(o);
    return s;
}

/* What was created so far, for the final report or the clean-up message. */
typedef struct created {
    const char *what; /* "public key", "profile", "configuration" */
    const char *name;
    char id[128];
    char etag[128];
} created;

typedef int (*cf_create_fn)(seckit_aws *aws, const char *config_json, seckit_cf_result *out,
                            seckit_error *err);

/* One create request of the push: body (NULL when it could not be made) is
 * sent with create and freed; on success d gets the new Id and ETag. */
static int push_create(seckit_aws *aws, cf_create_fn create, char *body, created *d,
                       seckit_error *err)
{
    seckit_cf_result r;
    memset(&r, 0, sizeof r);
    int rc = body == NULL ? seckit_error_set(err, SECKIT_ENOMEM, "out of memory")
                          : create(aws, body, &r, err);
    if (rc == 0) {
        snprintf(d->id, sizeof d->id, "%s", r.id);
        snprintf(d->etag, sizeof d->etag, "%s", r.etag);
    }
    seckit_cf_result_free(&r);
    free(body);
    return rc;
}

static void report_partial(const created *done, size_t n)
{
    if (n == 0) {
        cli_message(sub, "nothing was created in CloudFront");
        return;
    }
    char line[4096];
    size_t o = 0;
    for (size_t i = 0; i < n && o < sizeof line; i++) {
        int w = snprintf(line + o, sizeof line - o, "%s%s %s (Id %s)", i ? ", " : "",
                         done[i].what, done[i].name, done[i].id);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    cli_message(sub, "already created in CloudFront (delete these to clean up): %s", line);
}

static int print_created(const created *done, size_t n, int json)
{
    if (!json) {
        for (size_t i = 0; i < n; i++)
            printf("%-13s %-24s %s\n", done[i].what, done[i].name, done[i].id);
        return fflush(stdout) == 0 ? EXIT_OK_ : EXIT_IO;
    }
    cJSON *j = cJSON_CreateObject();
    cJSON *keys = cJSON_AddArrayToObject(j, "PublicKeys");
    cJSON *profs = cJSON_AddArrayToObject(j, "FieldLevelEncryptionProfiles");
    int ok = j != NULL && keys != NULL && profs != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        ok = o != NULL;
        if (ok && done[i].name[0] != '\0')
            ok = cJSON_AddStringToObject(o, "Name", done[i].name) != NULL;
        ok = ok && cJSON_AddStringToObject(o, "Id", done[i].id) != NULL &&
             cJSON_AddStringToObject(o, "ETag", done[i].etag) != NULL;
        if (ok && strcmp(done[i].what, "public key") == 0)
            ok = cJSON_AddItemToArray(keys, o);
        else if (ok && strcmp(done[i].what, "profile") == 0)
            ok = cJSON_AddItemToArray(profs, o);
        else if (ok)
            ok = cJSON_AddItemToObject(j, "FieldLevelEncryptionConfig", o);
        if (!ok)
            cJSON_Delete(o);
    }
    char *s = ok ? cJSON_Print(j) : NULL;
    cJSON_Delete(j);
    if (s == NULL) {
        cli_message(sub, "out of memory");
        return EXIT_IO;
    }
    printf("%s\n", s);
    free(s);
    return fflush(stdout) == 0 ? EXIT_OK_ : EXIT_IO;
}

static int run_push(int argc, char **argv)
{
    static const struct option options[] = {
        {"config", required_argument, NULL, 'c'},
        CLI_AWS_LONG_OPTIONS,
        {"output", required_argument, NULL, 'O'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    config_files cf = {.n = 0};
    seckit_aws_options ao;
    memset(&ao, 0, sizeof ao);
    ao.endpoint_service = "cloudfront"; /* --endpoint-url is for CloudFront only */
    cli_aws_interactive(&ao);
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (cli_aws_option(c, optarg, &ao))
            continue;
        switch (c) {
        case 'c':
            if (add_config_path(&cf, optarg) != 0)
                return EXIT_USAGE;
            break;
        case 'O':
            if (cli_parse_output_format(sub, optarg, &json) != 0)
                return EXIT_USAGE;
            break;
        case 'h': fputs(usage, stdout); return EXIT_OK_;
        default: return cli_bad_option(sub, c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error(sub, "unexpected argument '%s'", argv[optind]);
    if (cf.n == 0)
        return cli_usage_error(sub, "push needs --config FILE.json");

    seckit_error err;
    seckit_error_clear(&err);
    seckit_fle_config *cfg = NULL;
    /* Validate exactly as check-config does, before any request; then the
     * files' keys, profiles and configuration as one document. */
    char *combined = NULL;
    int rc = load_configs(&cf, 0, &cfg, &combined, NULL, &err);
    seckit_fle_config_free(cfg);
    if (rc != 0) {
        free(combined);
        cli_fail(sub, &err);
        cli_message(sub, "nothing was sent to CloudFront");
        return cli_exit_code(rc);
    }
    cJSON *root = cJSON_Parse(combined);
    free(combined);
    if (root == NULL) {
        seckit_error_set(&err, SECKIT_ENOMEM, "out of memory");
        return cli_fail(sub, &err);
    }
    push_state ps;
    ps.keys = cJSON_GetObjectItemCaseSensitive(root, "public_keys");
    ps.profiles = cJSON_GetObjectItemCaseSensitive(root, "profiles");
    const cJSON *fc = cJSON_GetObjectItemCaseSensitive(root, "config");
    size_t nk = (size_t)cJSON_GetArraySize(ps.keys), np = (size_t)cJSON_GetArraySize(ps.profiles);
    ps.key_ids = calloc(nk + 1, sizeof *ps.key_ids);
    ps.profile_ids = calloc(np + 1, sizeof *ps.profile_ids);
    created *done = calloc(nk + np + 1, sizeof *done);
    size_t n_done = 0;
    seckit_aws *aws = NULL;
    const char *step = "";
    if (ps.key_ids == NULL || ps.profile_ids == NULL || done == NULL) {
        rc = seckit_error_set(&err, SECKIT_ENOMEM, "out of memory");
        goto out;
    }
    rc = seckit_aws_new(&ao, &aws, &err);
    long long now = (long long)time(NULL);
    size_t i = 0;
    for (const cJSON *it = ps.keys->child; rc == 0 && it != NULL; it = it->next, i++) {
        created *d = &done[n_done];
        d->what = "public key";
        d->name = str_member(inner_config(it, "PublicKeyConfig"), "Name");
        step = "CreatePublicKey";
        rc = push_create(aws, seckit_cf_create_public_key, key_config_json(it, now), d, &err);
        if (rc == 0) {
            snprintf(ps.key_ids[i], sizeof ps.key_ids[i], "%s", d->id);
            n_done++;
        }
    }
    i = 0;
    for (const cJSON *it = ps.profiles->child; rc == 0 && it != NULL; it = it->next, i++) {
        created *d = &done[n_done];
        d->what = "profile";
        d->name = str_member(inner_config(it, "FieldLevelEncryptionProfileConfig"), "Name");
        step = "CreateFieldLevelEncryptionProfile";
        rc = push_create(aws, seckit_cf_create_fle_profile, profile_config_json(it, &ps), d, &err);
        if (rc == 0) {
            snprintf(ps.profile_ids[i], sizeof ps.profile_ids[i], "%s", d->id);
            n_done++;
        }
    }
    if (rc == 0 && fc != NULL) {
        created *d = &done[n_done];
        d->what = "configuration";
        d->name = "";
        step = "CreateFieldLevelEncryptionConfig";
        rc = push_create(aws, seckit_cf_create_fle_config, fle_config_json(fc, &ps), d, &err);
        if (rc == 0)
            n_done++;
    }
out:;
    int ret;
    if (rc != 0) {
        if (step[0] != '\0' && n_done < nk + np + 1 && done != NULL) {
            char what[300];
            snprintf(what, sizeof what, "%s %s%s%s", step, done[n_done].what,
                     done[n_done].name != NULL && done[n_done].name[0] ? " " : "",
                     done[n_done].name != NULL ? done[n_done].name : "");
            seckit_error_prefix(&err, what);
        }
        ret = cli_fail(sub, &err);
        if (done != NULL)
            report_partial(done, n_done);
    } else {
        ret = print_created(done, n_done, json);
    }
    seckit_aws_free(aws);
    free(done);
    free(ps.key_ids);
    free(ps.profile_ids);
    cJSON_Delete(root);
    return ret;
}

static int run(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return EXIT_OK_;
    }
    if (argc < 2 || argv[1][0] == '-')
        return cli_usage_error(sub, "missing action (encrypt, decrypt, decrypt-value, "
                                    "check-config or push)");
    const char *action = argv[1];
    argc--;
    argv++;
    if (strcmp(action, "encrypt") == 0)
        return run_encrypt(argc, argv);
    if (strcmp(action, "decrypt") == 0)
        return run_decrypt(argc, argv, 0);
    if (strcmp(action, "decrypt-value") == 0)
        return run_decrypt(argc, argv, 1);
    if (strcmp(action, "check-config") == 0)
        return run_check_config(argc, argv);
    if (strcmp(action, "push") == 0)
        return run_push(argc, argv);
    return cli_usage_error(sub, "unknown action '%s' (encrypt, decrypt, decrypt-value, "
                                "check-config or push)",
                           action);
}

const cli_command cmd_fle = {
    .name = "fle",
    .summary = "CloudFront field-level encryption: encrypt forms as CloudFront, decrypt at the origin",
    .usage = usage,
    .run = run,
};
