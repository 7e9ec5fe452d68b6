/* seckit fle encrypt: encrypt a form as CloudFront does at the edge. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "src/cli/cmd_fle.h"

/* ---- encrypt */

#define MAX_FIELDS 16

/* encrypt's options, as given. */
typedef struct encrypt_args {
    const char *pubkey, *provider, *key_name, *profile_name, *content_type, *query, *in, *out;
    fle_config_files cf;
    const char *fields[MAX_FIELDS];
    size_t n_fields;
    unsigned flags;
    int require_fields;
    int direct; /* --public-key/--provider/--key-name/--field, not --config */
} encrypt_args;

/* parse_options's answer when the command goes on (anything else is the
 * exit code: --help, a usage error). */
#define GO_ON (-1)

/* ---- the options, and how they combine */

static int parse_options(int argc, char **argv, encrypt_args *a)
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
    memset(a, 0, sizeof *a);
    int c;
    cli_opt_loop loop = {.sub = sub, .usage = fle_usage, .options = options};
    while ((c = cli_next_option(&loop, argc, argv)) >= 0) {
        switch (c) {
        case 'k': a->pubkey = optarg; break;
        case 'p': a->provider = optarg; break;
        case 'n': a->key_name = optarg; break;
        case 'f':
            if (a->n_fields == MAX_FIELDS)
                return cli_usage_error(sub, "too many --field options (CloudFront allows 10)");
            a->fields[a->n_fields++] = optarg;
            break;
        case 'c':
            if (fle_add_config_path(&a->cf, optarg) != 0)
                return EXIT_USAGE;
            break;
        case 'R': a->require_fields = 1; break;
        case 'P': a->profile_name = optarg; break;
        case 't': a->content_type = optarg; break;
        case 'q': a->query = optarg; break;
        case 'i': a->in = optarg; break;
        case 'o': a->out = optarg; break;
        case 'F': a->flags |= SECKIT_FILE_OVERWRITE; break;
        }
    }
    if (c == CLI_OPT_STOP)
        return loop.exit;
    if (optind < argc)
        return cli_usage_error(sub, "unexpected argument '%s'", argv[optind]);
    int direct = a->pubkey != NULL || a->provider != NULL || a->key_name != NULL || a->n_fields > 0;
    a->direct = direct;
    if (direct && a->cf.n > 0)
        return cli_usage_error(sub, "give either --config or --public-key/--provider/"
                                    "--key-name/--field, not both");
    if (!direct && a->cf.n == 0)
        return cli_usage_error(sub, "encrypt needs --config FILE.json or --public-key, "
                                    "--provider, --key-name and --field");
    if (direct &&
        (a->pubkey == NULL || a->provider == NULL || a->key_name == NULL || a->n_fields == 0))
        return cli_usage_error(sub, "--public-key, --provider, --key-name and at least one "
                                    "--field are all required");
    if (!direct && a->profile_name != NULL && (a->content_type != NULL || a->query != NULL))
        return cli_usage_error(sub, "--profile and --content-type/--query do not go together");
    if (direct && (a->profile_name != NULL || a->content_type != NULL || a->query != NULL))
        return cli_usage_error(sub, "--profile, --content-type and --query need --config");
    return GO_ON;
}

/* ---- the profile: made from the options, or the one in --config that is
 * named or that CloudFront would select (*profile NULL: none applies, the
 * body is forwarded unchanged) */

static int find_profile(const encrypt_args *a, seckit_fle_config **cfg, seckit_fle_profile **own,
                        const seckit_fle_profile **profile, seckit_error *err)
{
    int rc;
    if (a->direct) {
        uint8_t *text = NULL;
        size_t text_len = 0;
        rc = seckit_file_read(&text, &text_len, a->pubkey, 65536, err);
        if (rc == 0)
            rc = seckit_fle_profile_new(own, (const char *)text, text_len, a->provider, a->key_name,
                                        a->fields, a->n_fields, err);
        if (rc != 0)
            seckit_error_prefix(err, a->pubkey);
        *profile = *own;
        free(text);
        return rc;
    }
    rc = fle_load_configs(&a->cf, 0, cfg, NULL, NULL, err);
    if (rc != 0) {
        /* err names the file */
    } else if (a->profile_name != NULL) {
        rc = seckit_fle_config_profile(*cfg, profile, a->profile_name, err);
    } else {
        seckit_fle_selection sel;
        rc = seckit_fle_select(*cfg, &sel, a->content_type, a->query, err);
        if (rc == 0 && sel.action == SECKIT_FLE_FORWARD && a->require_fields)
            rc = seckit_error_set(err, SECKIT_ENOTFOUND,
                                  "--require-fields: no profile applies, so no field "
                                  "would be encrypted: %s",
                                  sel.reason);
        else if (rc == 0 && sel.action == SECKIT_FLE_FORWARD)
            cli_message(sub, "%s", sel.reason);
        if (rc == 0)
            *profile = sel.profile; /* NULL: forward unchanged */
    }
    return rc;
}

/* ---- the body: encrypted with profile (or forwarded), its trailing
 * newline kept */

static int encrypt_body(const encrypt_args *a, const seckit_fle_profile *profile,
                        const uint8_t *body, size_t body_len, seckit_error *err)
{
    size_t nl = fle_trailing_newline(body, body_len);
    if (profile == NULL)
        return fle_write_output(a->out, a->flags, body, body_len, NULL, 0, err);
    char *result = NULL;
    size_t out_len = 0, n_enc = 0;
    int rc = seckit_fle_encrypt_body(profile, &result, &out_len, &n_enc, body, body_len - nl, err);
    /* A silent pass-through is how a misconfigured pattern ships. */
    if (rc == 0 && n_enc == 0 && a->require_fields)
        rc = seckit_error_set(err, SECKIT_ENOTFOUND,
                              "--require-fields: the form has no field that the "
                              "profile's patterns match; nothing was written");
    else if (rc == 0 && n_enc == 0)
        cli_message(sub, "the form has no field that the profile's patterns match: "
                         "nothing was encrypted (--require-fields makes this an "
                         "error)");
    if (rc == 0)
        rc = fle_write_output(a->out, a->flags, result, out_len, body + body_len - nl, nl, err);
    seckit_secret_free(result);
    return rc;
}

int fle_run_encrypt(int argc, char **argv)
{
    encrypt_args a;
    int ret = parse_options(argc, argv, &a);
    if (ret != GO_ON)
        return ret;

    seckit_error err;
    seckit_error_clear(&err);
    seckit_fle_config *cfg = NULL;
    seckit_fle_profile *own = NULL;
    const seckit_fle_profile *profile = NULL;
    uint8_t *body = NULL;
    size_t body_len = 0;
    int rc = find_profile(&a, &cfg, &own, &profile, &err);
    if (rc == 0)
        rc = cli_read_input(a.in, SECKIT_FLE_MAX_BODY + 2, &body, &body_len, &err);
    if (rc == 0)
        rc = encrypt_body(&a, profile, body, body_len, &err);
    if (body != NULL)
        seckit_memzero(body, body_len);
    free(body);
    seckit_fle_profile_free(own);
    seckit_fle_config_free(cfg);
    return rc == 0 ? EXIT_OK_ : cli_fail(sub, &err);
}
