/* seckit fle decrypt and decrypt-value: the origin's part (keys from
 * files, a keys folder or SSM; fields named, from a profile or any). */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "src/cli/cmd_fle.h"

#define MAX_BATCH_INPUT ((size_t)1 << 30)

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
    if (pad != NULL && (rc = seckit_rsa_padding_parse(&padding, pad, err)) != 0)
        return rc;
    if (padding == SECKIT_RSA_PKCS1)
        return seckit_error_set(err, SECKIT_EPOLICY,
                                "--raw-rsa-key: padding=pkcs1 is refused for FLE (CloudFront "
                                "uses oaep-sha256; PKCS#1 v1.5 decryption can be a timing "
                                "oracle)");
    uint8_t *key = NULL;
    size_t key_len = 0;
    rc = seckit_keyfile_read(&key, &key_len, file, allow_insecure, 1 << 20, err);
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
    return seckit_fle_decryptor_add_keys_dir(d, NULL, dir, allow_insecure, err);
}

/* The private key PEM from an SSM Parameter Store SecureString. */
static int add_ssm_key(seckit_fle_decryptor *d, const seckit_aws_options *ao, const char *param,
                       const char *provider, const char *key_name, seckit_error *err)
{
    seckit_aws *aws = NULL;
    char *pem = NULL;
    size_t pem_len = 0;
    char type[32] = "";
    int rc = seckit_aws_new(&aws, ao, err);
    if (rc == 0)
        rc = seckit_ssm_get_parameter(aws, &pem, &pem_len, type, param, 1, err);
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
static int add_config_fields(seckit_fle_decryptor *d, const fle_config_files *cf, const char *name,
                             seckit_error *err)
{
    seckit_fle_config *cfg = NULL;
    const seckit_fle_profile *profile = NULL;
    const char *path = cf->path[0];
    int rc = fle_load_configs(cf, 0, &cfg, NULL, NULL, err);
    if (rc != 0) {
        /* err names the file */
    } else if (name != NULL) {
        rc = seckit_fle_config_profile(cfg, &profile, name, err);
    } else if (seckit_fle_config_profile_count(cfg) == 1) {
        rc = seckit_fle_config_profile(cfg, &profile, seckit_fle_config_profile_name(cfg, 0), err);
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

/* decrypt's and decrypt-value's options, as given. */
typedef struct decrypt_args {
    const char *specs[32], *fields[64], *keys_dir, *in, *out;
    const char *ssm_param, *ssm_provider, *ssm_key_name;
    const char *fle_profile;
    const char *value_arg; /* decrypt-value VALUE */
    fle_config_files cf;
    int any_field, require_fields;
    seckit_aws_options ao;
    size_t n_specs, n_fields;
    int lines, allow_insecure, threads_given;
    unsigned long threads, max_edks;
    unsigned flags;
    seckit_fle_decrypt_options opts;
} decrypt_args;

/* parse_options's answer when the command goes on (anything else is the
 * exit code: --help, a usage error). */
#define GO_ON (-1)

/* ---- the options */

static int parse_options(int argc, char **argv, int value_mode, decrypt_args *a)
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
    memset(a, 0, sizeof *a);
    a->ao = (seckit_aws_options)SECKIT_AWS_OPTIONS_INIT;
    a->ao.endpoint_service = "ssm"; /* --endpoint-url is for SSM only */
    cli_aws_interactive(&a->ao);
    a->threads = 1;
    a->opts = (seckit_fle_decrypt_options)SECKIT_FLE_DECRYPT_OPTIONS_INIT;
    int c;
    cli_opt_loop loop = {.sub = sub, .usage = fle_usage, .options = options, .aws = &a->ao};
    while ((c = cli_next_option(&loop, argc, argv)) >= 0) {
        switch (c) {
        case 'r':
            if (a->n_specs == 32)
                return cli_usage_error(sub, "too many --raw-rsa-key options (at most 32)");
            a->specs[a->n_specs++] = optarg;
            break;
        case 'd': a->keys_dir = optarg; break;
        case 'f':
            if (a->n_fields == 64)
                return cli_usage_error(sub, "too many --field options (at most 64)");
            a->fields[a->n_fields++] = optarg;
            break;
        case 'l': a->lines = 1; break;
        case 'T':
            if (cli_parse_uint(optarg, 1, 256, &a->threads) != 0)
                return cli_usage_error(sub, "--threads must be a number from 1 to 256");
            a->threads_given = 1;
            break;
        case 'm':
            if (cli_parse_uint(optarg, 1, 65535, &a->max_edks) != 0)
                return cli_usage_error(sub, "--max-encrypted-data-keys must be 1 to 65535");
            break;
        case 'I': a->opts.allow_identity_kdf = 1; break;
        case 'L': a->opts.lenient_form = 1; break;
        case 'A': a->allow_insecure = 1; break;
        case 'S': a->ssm_param = optarg; break;
        case 'p': a->ssm_provider = optarg; break;
        case 'n': a->ssm_key_name = optarg; break;
        case 'c':
            if (fle_add_config_path(&a->cf, optarg) != 0)
                return EXIT_USAGE;
            break;
        case 'P': a->fle_profile = optarg; break;
        case 'R': a->require_fields = 1; break;
        case 'Y': a->any_field = 1; break;
        case 'i': a->in = optarg; break;
        case 'o': a->out = optarg; break;
        case 'F': a->flags |= SECKIT_FILE_OVERWRITE; break;
        }
    }
    if (c == CLI_OPT_STOP)
        return loop.exit;
    if (value_mode && optind < argc)
        a->value_arg = argv[optind++];
    if (optind < argc)
        return cli_usage_error(sub, "unexpected argument '%s'", argv[optind]);
    return GO_ON;
}

/* How the options combine: 0, or the usage error's exit code. */
static int check_options(decrypt_args *a, int value_mode)
{
    const fle_config_files *cf = &a->cf;
    if (a->n_specs > 0 && a->keys_dir != NULL)
        return cli_usage_error(sub, "give --raw-rsa-key SPEC (repeatable) or --keys-dir DIR, "
                                    "not both");
    if (a->n_specs == 0 && a->keys_dir == NULL && a->ssm_param == NULL)
        return cli_usage_error(sub, "give --raw-rsa-key SPEC (repeatable), --keys-dir DIR or "
                                    "--private-key-ssm-parameter NAME");
    if (a->ssm_param != NULL && (a->ssm_provider == NULL || a->ssm_key_name == NULL))
        return cli_usage_error(sub, "--private-key-ssm-parameter needs --provider ID and "
                                    "--key-name NAME (the EDK the key decrypts)");
    /* With --config and no SSM key, --profile names the FLE profile (as for
     * encrypt); with an SSM key it stays the AWS profile (--fle-profile). */
    if (cf->n > 0 && a->fle_profile == NULL && a->ssm_param == NULL && a->ao.profile != NULL) {
        a->fle_profile = a->ao.profile;
        a->ao.profile = NULL;
    }
    if (a->fle_profile != NULL && cf->n == 0)
        return cli_usage_error(sub, "--fle-profile needs --config FILE.json");
    if (value_mode && (cf->n > 0 || a->any_field || a->require_fields))
        return cli_usage_error(sub, "decrypt-value takes no --config, --any-encrypted-field "
                                    "or --require-fields");
    if (a->any_field && (cf->n > 0 || a->n_fields > 0))
        return cli_usage_error(sub, "--any-encrypted-field does not go with --field or --config");
    if (cf->n > 0 && a->n_fields > 0)
        return cli_usage_error(sub, "give either --field NAME or --config FILE.json, not both");
    if (!value_mode && cf->n == 0 && a->n_fields == 0 && !a->any_field)
        return cli_usage_error(sub, "name the fields to decrypt: --field NAME (repeatable), or "
                                    "--config FILE.json [--profile NAME] for the FLE profile's "
                                    "field patterns (or --any-encrypted-field, which is risky: "
                                    "see seckit-fle(1))");
    if (a->ssm_param == NULL &&
        (a->ssm_provider != NULL || a->ssm_key_name != NULL || a->ao.profile != NULL ||
         a->ao.region != NULL || a->ao.endpoint_url != NULL || a->ao.ca_bundle != NULL))
        return cli_usage_error(sub, "--provider, --key-name, --profile, --region, "
                                    "--endpoint-url and --ca-bundle need "
                                    "--private-key-ssm-parameter");
    if (value_mode && (a->lines || a->threads_given || a->n_fields > 0 || a->opts.lenient_form))
        return cli_usage_error(sub, "decrypt-value takes no --lines, --threads, --field or "
                                    "--lenient-form");
    if (value_mode && a->value_arg != NULL && a->in != NULL)
        return cli_usage_error(sub, "give the value or --in FILE, not both");
    if (a->threads_given && !a->lines)
        return cli_usage_error(sub, "--threads needs --lines");
    a->opts.max_encrypted_data_keys = (unsigned)a->max_edks;
    a->opts.any_encrypted_field = a->any_field;
    return 0;
}

/* ---- the decryptor: the fields to decrypt, then the keys */

static int load_decryptor(const decrypt_args *a, seckit_fle_decryptor **out, seckit_error *err)
{
    seckit_fle_decryptor *d = NULL;
    int rc = seckit_fle_decryptor_new(&d, &a->opts, err);
    if (rc == 0 && a->cf.n > 0)
        rc = add_config_fields(d, &a->cf, a->fle_profile, err);
    for (size_t i = 0; rc == 0 && i < a->n_specs; i++)
        rc = add_key_spec(d, a->specs[i], a->allow_insecure, err);
    if (rc == 0 && a->keys_dir != NULL)
        rc = add_keys_dir(d, a->keys_dir, a->allow_insecure, err);
    if (rc == 0 && a->ssm_param != NULL)
        rc = add_ssm_key(d, &a->ao, a->ssm_param, a->ssm_provider, a->ssm_key_name, err);
    *out = d;
    return rc;
}

/* ---- the input: the VALUE argument, --in FILE or standard input */

static int read_decrypt_input(const decrypt_args *a, uint8_t **input, size_t *input_len,
                              seckit_error *err)
{
    if (a->value_arg != NULL) {
        *input_len = strlen(a->value_arg);
        *input = malloc(*input_len + 1);
        if (*input == NULL)
            return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        memcpy(*input, a->value_arg, *input_len + 1);
        return 0;
    }
    return cli_read_input(a->in, a->lines ? MAX_BATCH_INPUT : SECKIT_FLE_MAX_BODY + 2, input,
                          input_len, err);
}

/* ---- decrypt-value: one field's value, as it is in the body */

static int decrypt_value(const seckit_fle_decryptor *d, const decrypt_args *a, uint8_t *input,
                         size_t input_len, seckit_error *err)
{
    size_t nl = fle_trailing_newline(input, input_len);
    size_t bad = 0;
    size_t vlen = percent_decode_inplace((char *)input, input_len - nl, &bad);
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    int rc;
    if (vlen == (size_t)-1)
        rc = seckit_error_set(err, SECKIT_EFORMAT,
                              "the value has a '%%' at offset %zu that is not followed by "
                              "two hex digits",
                              bad);
    else
        rc = seckit_fle_decrypt_value(d, &plain, &plain_len, (const char *)input, vlen, err);
    if (rc == 0)
        rc = fle_write_output(a->out, a->flags, plain, plain_len, NULL, 0, err);
    seckit_secret_free(plain);
    return rc;
}

/* ---- decrypt: one form body (its trailing newline kept) */

static int decrypt_body(const seckit_fle_decryptor *d, const decrypt_args *a, const uint8_t *input,
                        size_t input_len, seckit_error *err)
{
    size_t nl = fle_trailing_newline(input, input_len);
    char *result = NULL;
    size_t result_len = 0;
    size_t n_dec = 0;
    int rc = seckit_fle_decrypt_body(d, &result, &result_len, &n_dec, input, input_len - nl,
                                     a->fields, a->n_fields, err);
    if (rc == 0 && n_dec == 0 && a->require_fields)
        rc = seckit_error_set(err, SECKIT_ENOTFOUND,
                              "--require-fields: the form has no field to decrypt; "
                              "nothing was written");
    else if (rc == 0 && n_dec == 0)
        cli_message(sub, "the form has no field to decrypt: it is passed through "
                         "unchanged (--require-fields makes this an error)");
    if (rc == 0)
        rc =
            fle_write_output(a->out, a->flags, result, result_len, input + input_len - nl, nl, err);
    seckit_secret_free(result);
    return rc;
}

int fle_run_decrypt(int argc, char **argv, int value_mode)
{
    decrypt_args a;
    int ret = parse_options(argc, argv, value_mode, &a);
    if (ret != GO_ON)
        return ret;
    if ((ret = check_options(&a, value_mode)) != 0)
        return ret;

    seckit_error err;
    seckit_error_clear(&err);
    seckit_fle_decryptor *d = NULL;
    uint8_t *input = NULL;
    size_t input_len = 0;
    int rc = load_decryptor(&a, &d, &err);
    if (rc == 0)
        rc = read_decrypt_input(&a, &input, &input_len, &err);
    if (rc == 0 && a.lines)
        rc = fle_decrypt_batch(d, a.fields, a.n_fields, input, input_len, (unsigned)a.threads,
                               a.out, a.flags, a.require_fields, &err);
    else if (rc == 0 && value_mode)
        rc = decrypt_value(d, &a, input, input_len, &err);
    else if (rc == 0)
        rc = decrypt_body(d, &a, input, input_len, &err);
    free(input);
    seckit_fle_decryptor_free(d);
    return rc == 0 ? EXIT_OK_ : cli_fail(sub, &err);
}
