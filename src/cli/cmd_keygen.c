/* seckit keygen rsa: the key pair a CloudFront FLE setup needs. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "src/cli/cli.h"

static const char usage[] =
    "Usage: seckit keygen rsa [--bits 2048|3072|4096] --out PRIVATE.pem\n"
    "                         [--public-out PUBLIC.pem] [--force]\n"
    "\n"
    "Generate an RSA key pair: the private key as PKCS#8 PEM (written with mode\n"
    "0600) and, with --public-out, the public key as SubjectPublicKeyInfo PEM, the\n"
    "form CloudFront's CreatePublicKey takes.  Without --public-out the public key\n"
    "goes to standard output.\n"
    "\n"
    "Options:\n"
    "  --bits N            key size: 2048 (default; the only size CloudFront FLE\n"
    "                      accepts), 3072 or 4096\n"
    "  --out FILE          where to write the private key (required)\n"
    "  --public-out FILE   where to write the public key\n"
    "  --force             overwrite existing files\n"
    "  -h, --help          show this help\n";

static int run(int argc, char **argv)
{
    static const struct option options[] = {
        {"bits", required_argument, NULL, 'b'},
        {"out", required_argument, NULL, 'o'},
        {"public-out", required_argument, NULL, 'p'},
        {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *sub = "keygen";
    unsigned long bits = 2048;
    const char *out = NULL, *public_out = NULL;
    unsigned flags = 0;
    int c;

    if (cli_help_asked(argc, argv, usage))
        return EXIT_OK_;
    if (argc < 2 || argv[1][0] == '-')
        return cli_usage_error(sub, "missing key type (only 'rsa' is supported)");
    if (strcmp(argv[1], "rsa") != 0)
        return cli_usage_error(sub, "unknown key type '%s' (only 'rsa' is supported)", argv[1]);
    argc--;
    argv++;

    cli_opt_loop loop = {.sub = sub, .usage = usage, .options = options};
    while ((c = cli_next_option(&loop, argc, argv)) >= 0) {
        switch (c) {
        case 'b':
            if (cli_parse_uint(optarg, 0, 65536, &bits) != 0 ||
                (bits != 2048 && bits != 3072 && bits != 4096))
                return cli_usage_error(sub, "--bits must be 2048, 3072 or 4096, not '%s'", optarg);
            break;
        case 'o': out = optarg; break;
        case 'p': public_out = optarg; break;
        case 'f': flags |= SECKIT_FILE_OVERWRITE; break;
        }
    }
    if (c == CLI_OPT_STOP)
        return loop.exit;
    if (optind < argc)
        return cli_usage_error(sub, "unexpected argument '%s'", argv[optind]);
    if (out == NULL)
        return cli_usage_error(sub, "--out FILE is required");
    if (public_out != NULL && strcmp(out, public_out) == 0)
        return cli_usage_error(sub, "--out and --public-out name the same file");

    seckit_error err;
    seckit_error_clear(&err);
    char *priv = NULL, *pub = NULL;
    size_t priv_len = 0, pub_len = 0;
    int rc = seckit_rsa_keygen(&priv, &priv_len, &pub, &pub_len, (unsigned)bits, &err);
    if (rc == 0 && public_out != NULL) {
        /* Check both destinations before writing either. */
        seckit_atomic_file *pf = NULL, *kf = NULL;
        rc = seckit_atomic_open(&kf, out, 0600, flags, &err);
        if (rc == 0)
            rc = seckit_atomic_open(&pf, public_out, 0644, flags, &err);
        if (rc == 0)
            rc = seckit_atomic_write(kf, priv, priv_len, &err);
        if (rc == 0)
            rc = seckit_atomic_write(pf, pub, pub_len, &err);
        if (rc == 0)
            rc = seckit_atomic_commit(kf, &err), kf = NULL;
        if (rc == 0)
            rc = seckit_atomic_commit(pf, &err), pf = NULL;
        seckit_atomic_abort(kf);
        seckit_atomic_abort(pf);
    } else if (rc == 0) {
        rc = seckit_file_write_atomic(out, priv, priv_len, 0600, flags, &err);
        if (rc == 0)
            fwrite(pub, 1, pub_len, stdout);
    }
    seckit_secret_free(priv);
    free(pub);
    return rc == 0 ? EXIT_OK_ : cli_fail(sub, &err);
}

const cli_command cmd_keygen = {
    .name = "keygen",
    .summary = "make an RSA key pair for CloudFront field-level encryption",
    .usage = usage,
    .run = run,
};
