/* The policy command's parts shared between its files. */
#ifndef SECKIT_CLI_CMD_POLICY_H
#define SECKIT_CLI_CMD_POLICY_H

#include <stddef.h>

#include "seckit/seckit.h"
#include "src/cli/cli.h"

extern const cli_command cmd_policy;

/* Load the IAM service reference snapshot: path, $SECKIT_IAM_DATA, the
 * installed copy, the source tree's copy.  required: fail when none. */
int cli_policy_load_data(const char *path, int required, seckit_iam_data **out, char *used,
                         size_t used_len, seckit_error *err);

/* A regular file named p exists. */
int cli_policy_file_exists(const char *p);

/* seckit policy lint (argv[0] = "lint", policy_lint.c). */
int cli_policy_lint(int argc, char **argv);

/* seckit policy eval (argv[0] = "eval"). */
int cli_policy_eval(int argc, char **argv);

#endif
