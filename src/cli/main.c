/* seckit: subcommand dispatch, --help, --version. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "src/cli/cli.h"

extern const cli_command cmd_keygen;
extern const cli_command cmd_fle;
extern const cli_command cmd_esdk;
extern const cli_command cmd_s3;
extern const cli_command cmd_aws;
extern const cli_command cmd_policy;
extern const cli_command cmd_emrfs;

/* In the order `seckit --help` lists them: the FLE workflow first. */
const cli_command *const cli_commands[] = {
    &cmd_keygen, &cmd_fle, &cmd_esdk, &cmd_s3, &cmd_aws, &cmd_policy, &cmd_emrfs, NULL,
};

static const cli_command *find_command(const char *name)
{
    for (size_t i = 0; cli_commands[i] != NULL; i++)
        if (strcmp(cli_commands[i]->name, name) == 0)
            return cli_commands[i];
    return NULL;
}

static void print_main_help(FILE *out)
{
    fputs("Usage: seckit [--help] [--version] [--debug] COMMAND [ARGS...]\n"
          "\n"
          "CloudFront field-level encryption, AWS Encryption SDK messages, S3 client-side\n"
          "encryption and IAM policy checks, offline and fast.\n"
          "\n"
          "Commands:\n",
          out);
    for (size_t i = 0; cli_commands[i] != NULL; i++)
        fprintf(out, "  %-10s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
    fputs("  help       show the help of a command: seckit help COMMAND\n"
          "\n"
          "Options:\n"
          "  -h, --help     show this help\n"
          "  -V, --version  show the version of seckit and of the libraries it uses\n"
          "  --debug        before COMMAND: as the command's own --debug, print the AWS\n"
          "                 requests and answers on stderr (secrets hidden)\n"
          "\n"
          "Exit codes: 0 success, 1 findings or denied, 2 usage error, 3 input or format\n"
          "error, 4 authentication or crypto failure, 5 I/O or network error, 6 AWS\n"
          "service error.  See seckit(1).\n",
          out);
}

static int print_version(void)
{
    static const char *const deps[] = {"openssl", "libsodium", "cjson", "libcurl"};
    printf("seckit %s (libseckit %s)\n", PACKAGE_VERSION, seckit_version());
    for (size_t i = 0; i < sizeof(deps) / sizeof(deps[0]); i++) {
        const char *v = seckit_dependency_version(deps[i]);
        printf("  %-10s %s\n", deps[i], v != NULL ? v : "unknown");
    }
    return EXIT_OK_;
}

static int run_help(int argc, char **argv)
{
    if (argc < 2) {
        print_main_help(stdout);
        return EXIT_OK_;
    }
    if (argc > 2)
        return cli_usage_error("help", "takes one command name");
    const cli_command *cmd = find_command(argv[1]);
    if (cmd == NULL)
        return cli_usage_error("help", "unknown command '%s'", argv[1]);
    return cli_print_usage(cmd);
}

static int dispatch(int argc, char **argv)
{
    /* Global options before the command name: --debug is the same as the
     * command's own --debug (commands that make no AWS requests trace
     * nothing). */
    while (argc >= 2 && strcmp(argv[1], "--debug") == 0) {
        cli_global_debug = 1;
        argc--;
        argv++; /* argv[0] is no longer the program name: dispatch never reads it */
    }
    if (argc < 2) {
        print_main_help(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0) {
        print_main_help(stdout);
        return EXIT_OK_;
    }
    if (strcmp(name, "-V") == 0 || strcmp(name, "--version") == 0)
        return print_version();
    if (strcmp(name, "help") == 0)
        return run_help(argc - 1, argv + 1);
    if (name[0] == '-')
        return cli_usage_error(NULL, "unknown option %s", name);
    const cli_command *cmd = find_command(name);
    if (cmd == NULL)
        return cli_usage_error(NULL, "unknown command '%s'", name);
    seckit_error err;
    seckit_error_clear(&err);
    if (seckit_init(&err) != 0)
        return cli_fail(name, &err);
    return cmd->run(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
    int rc = dispatch(argc, argv);
    /* Output that could not be written is a failure, not a silent success. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        int i = 1;
        while (i < argc && strcmp(argv[i], "--debug") == 0)
            i++;
        cli_message(i < argc && argv[i][0] != '-' ? argv[i] : NULL,
                    "cannot write to standard output");
        return rc != 0 ? rc : EXIT_IO;
    }
    return rc;
}
