/* seckit fle encrypt: encrypt a form as CloudFront does at the edge. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "src/cli/cmd_fle.h"

/* ---- encrypt */

#define MAX_FIELDS 16

int fle_run_encrypt(int argc, char **argv)
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
    fle_config_files cf = {.n = 0};
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
            if (fle_add_config_path(&cf, optarg) != 0)
                return EXIT_USAGE;
            break;
        case 'R': require_fields = 1; break;
        case 'P': profile_name = optarg; break;
        case 't': content_type = optarg; break;
        case 'q': query = optarg; break;
        case 'i': in = optarg; break;
        case 'o': out = optarg; break;
        case 'F': flags |= SECKIT_FILE_OVERWRITE; break;
        case 'h': fputs(fle_usage, stdout); return EXIT_OK_;
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
        rc = fle_load_configs(&cf, 0, &cfg, NULL, NULL, &err);
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
        rc = cli_read_input(in, SECKIT_FLE_MAX_BODY + 2, &body, &body_len, &err);
    if (rc == 0) {
        size_t nl = fle_trailing_newline(body, body_len);
        if (profile == NULL) {
            rc = fle_write_output(out, flags, body, body_len, NULL, 0, &err);
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
                rc = fle_write_output(out, flags, result, out_len, body + body_len - nl, nl, &err);
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
