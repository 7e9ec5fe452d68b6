/* The seckit command's shared helpers: subcommand table, messages, exit
 * codes.  The CLI uses only libseckit's public API. */
#ifndef SECKIT_CLI_H
#define SECKIT_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "seckit/seckit.h"

/* Exit codes, documented in seckit(1). */
enum cli_exit {
    EXIT_OK_ = 0,
    EXIT_FINDINGS = 1, /* findings or "denied", where a subcommand reports them */
    EXIT_USAGE = 2,
    EXIT_INPUT = 3, /* input or format error */
    EXIT_AUTH = 4,  /* authentication or crypto failure */
    EXIT_IO = 5,    /* I/O, network or system failure */
    EXIT_AWS = 6    /* AWS service error */
};

typedef struct cli_command {
    const char *name;
    const char *summary;               /* one line for `seckit --help` */
    const char *usage;                 /* full text for `seckit help NAME` and `NAME --help` */
    int (*run)(int argc, char **argv); /* argv[0] is the subcommand name */
} cli_command;

/* Every subcommand, in the order `seckit --help` lists them. */
extern const cli_command *const cli_commands[];

/* Print "seckit: SUB: message" on stderr. */
void cli_message(const char *sub, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Print a one-line usage error and return EXIT_USAGE. */
int cli_usage_error(const char *sub, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Map a libseckit code to the command's exit code. */
int cli_exit_code(int code);

/* Print err's message (with its AWS code and request id when set) and
 * return the exit code for its code. */
int cli_fail(const char *sub, const seckit_error *err);

/* Report getopt_long()'s ':' (missing value) or '?' (unknown option) as a
 * usage error; returns EXIT_USAGE.  Option strings must start with ':'. */
int cli_bad_option(const char *sub, int c, char **argv);

/* 1 after printing usage on stdout when argv[1] is --help or -h (a
 * command's first word), else 0. */
int cli_help_asked(int argc, char **argv, const char *usage);

/* The part every action's option loop shares: getopt_long over argv from
 * its first option (optstring ":h" unless shortopts says otherwise), the
 * CLI_AWS_LONG_OPTIONS into aws (when not NULL), --help (usage on stdout,
 * exit EXIT_OK_) and a missing value or an unknown option (cli_bad_option's
 * usage error, exit EXIT_USAGE).  The action switches on its own options:
 *     cli_opt_loop loop = {.sub = sub, .usage = usage, .options = options, .aws = &ao};
 *     while ((c = cli_next_option(&loop, argc, argv)) >= 0)
 *         switch (c) { ... }
 *     if (c == CLI_OPT_STOP)
 *         return loop.exit;
 * and finds its operands at argv[optind] onwards after CLI_OPT_END. */
struct option;
typedef struct cli_opt_loop {
    const char *sub;              /* "seckit: SUB: ..." in messages */
    const char *usage;            /* what --help prints */
    const struct option *options; /* getopt_long's table */
    seckit_aws_options *aws;      /* where CLI_AWS_LONG_OPTIONS go; NULL: not taken */
    const char *shortopts;        /* NULL: ":h" */
    int exit;                     /* after CLI_OPT_STOP: the action's exit code */
    int started;
} cli_opt_loop;
enum { CLI_OPT_END = -1, CLI_OPT_STOP = -2 };
/* The next of the action's own options, CLI_OPT_END after the last, or
 * CLI_OPT_STOP when the action stops (with p->exit). */
int cli_next_option(cli_opt_loop *p, int argc, char **argv);

/* Read all of standard input, at most max bytes, into a malloc'd buffer
 * with a NUL after the data (not counted); free() it.  The one reader of
 * standard input for every command that takes a whole document or body
 * there, with one limit policy, the same as seckit_file_read's for files:
 * exactly max bytes is accepted, one more is SECKIT_ELIMIT "standard input:
 * more than MAX bytes"; a read error is SECKIT_EIO "standard input: read
 * error: REASON".  The input may be plaintext: every buffer it leaves
 * behind (on growth and on failure) is wiped. */
int cli_read_stdin(size_t max, uint8_t **out, size_t *out_len, seckit_error *err);
/* The same for path, or standard input when path is NULL or "-"; a file is
 * read by seckit_file_read (whose messages name the file). */
int cli_read_input(const char *path, size_t max, uint8_t **out, size_t *out_len, seckit_error *err);

/* Parse a whole unsigned decimal number in [min, max]; 0 on success. */
/* Appends n bytes to *buf, plaintext held back until it is authenticated
 * (or a batch of output): the buffer grows by copy-and-wipe
 * (seckit_secret_grow, doubling from 64 KiB, never past max bytes of room)
 * and is freed with seckit_secret_free.  The caller checks its own size
 * limit first; SECKIT_ENOMEM when memory runs out. */
int cli_held_append(uint8_t **buf, size_t *len, size_t *cap, size_t max, const uint8_t *p, size_t n,
                    seckit_error *err);
/* SIZE with an optional K, KiB, M, MiB, G or GiB suffix (powers of 1024), at
 * most max bytes, into *out; -1 when it is not such a size. */
int cli_parse_size(const char *s, unsigned long long max, unsigned long long *out);
int cli_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out);

/* --output text|json: sets *json (0 or 1); prints a usage error and returns
 * EXIT_USAGE for anything else. */
int cli_parse_output_format(const char *sub, const char *arg, int *json);

/* The options that say how to reach AWS, the same in every command that
 * calls it: put CLI_AWS_LONG_OPTIONS in the getopt_long table and pass each
 * option to cli_aws_option first. */
enum {
    CLI_OPT_PROFILE = 0x400, /* above single characters and commands' own */
    CLI_OPT_REGION,
    CLI_OPT_ENDPOINT_URL,
    CLI_OPT_CA_BUNDLE,
    CLI_OPT_DEBUG
};
#define CLI_AWS_LONG_OPTIONS                                                                       \
    {"profile", required_argument, NULL, CLI_OPT_PROFILE},                                         \
        {"region", required_argument, NULL, CLI_OPT_REGION},                                       \
        {"endpoint-url", required_argument, NULL, CLI_OPT_ENDPOINT_URL},                           \
        {"ca-bundle", required_argument, NULL, CLI_OPT_CA_BUNDLE},                                 \
    {                                                                                              \
        "debug", no_argument, NULL, CLI_OPT_DEBUG                                                  \
    }
/* 1 when option c is one of CLI_AWS_LONG_OPTIONS (its value, arg, is
 * stored in o; --debug sets o's trace callback, which prints the library's
 * trace lines on stderr as "seckit: debug: LINE"), else 0. */
int cli_aws_option(int c, const char *arg, seckit_aws_options *o);
/* The command's interactive AWS settings: MFA codes for assume-role
 * profiles with mfa_serial are asked for on /dev/tty.  Also applies the
 * global options (cli_aws_global). */
void cli_aws_interactive(seckit_aws_options *o);
/* Set by the global `seckit --debug COMMAND ...` (before the command name). */
extern int cli_global_debug;
/* Apply the global options to o: with cli_global_debug set, the same trace
 * callback as the command's own --debug.  Every command that reaches AWS
 * calls it (or cli_aws_interactive) on its options before parsing its own. */
void cli_aws_global(seckit_aws_options *o);

/* Print a JSON document as the AWS CLI does, but indented with two spaces
 * ("key": value, one member per line), then a newline; -1 when out of
 * memory. */
struct cJSON;
int cli_json_print(FILE *f, const struct cJSON *j);

/* s (NULL: "") as a JSON string on f: quoted, its quotes and backslashes
 * escaped, control characters as JSON's u-escapes. */
void cli_json_str(FILE *f, const char *s);

/* Write all n bytes to standard output (retrying interrupted writes);
 * SECKIT_EIO "write to standard output failed: REASON" otherwise. */
int cli_write_stdout(const uint8_t *p, size_t n, seckit_error *err);

/* `--help` output for a command: its usage text on stdout. */
int cli_print_usage(const cli_command *cmd);

#endif
