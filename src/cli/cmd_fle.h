/* seckit fle: what the command's files share (cmd_fle.c: the usage text,
 * the dispatcher and these helpers; one fle_*.c per action).  Private to
 * src/cli. */
#ifndef SECKIT_CLI_CMD_FLE_H
#define SECKIT_CLI_CMD_FLE_H

#include <stddef.h>
#include <stdint.h>

#include "src/cli/cli.h"

/* The command's name in messages, and its usage text (every action's
 * --help prints the whole of it). */
static const char *const sub = "fle";
extern const char fle_usage[];

/* The actions: encrypt (fle_encrypt.c), decrypt and decrypt-value
 * (fle_decrypt.c), check-config (fle_check_config.c), push (fle_push.c).
 * argv[0] is the action's name; each returns the exit code. */
int fle_run_encrypt(int argc, char **argv);
int fle_run_decrypt(int argc, char **argv, int value_mode);
int fle_run_check_config(int argc, char **argv);
int fle_run_push(int argc, char **argv);

/* decrypt --lines (fle_decrypt_lines.c): each line of input (len bytes)
 * is a form body, decrypted on `threads` threads; the results are written
 * to out (or stdout) only when every line decrypted. */
int fle_decrypt_batch(const seckit_fle_decryptor *d, const char *const *fields, size_t n_fields,
                      const uint8_t *input, size_t len, unsigned threads, const char *out,
                      unsigned flags, int require_fields, seckit_error *err);

/* ---- input and output */

/* Length of a trailing "\n" or "\r\n". */
size_t fle_trailing_newline(const uint8_t *p, size_t n);
/* Write the pieces to --out atomically, or to stdout. */
int fle_write_output(const char *path, unsigned flags, const void *a, size_t an, const void *b,
                     size_t bn, seckit_error *err);

/* ---- configuration files (--config, repeatable) */

#define MAX_CONFIGS 16

typedef struct fle_config_files {
    const char *path[MAX_CONFIGS];
    size_t n;
} fle_config_files;

/* Add one --config path; prints the usage error and returns EXIT_USAGE
 * past MAX_CONFIGS. */
int fle_add_config_path(fle_config_files *cf, const char *path);
/* Read and validate the configuration files (any of the shapes
 * seckit_fle_config_parse_sources takes).  all: print every problem of the
 * contents (*n_problems counts them; a file that cannot be read is not
 * printed, only returned in err); else err holds the first, with the count
 * of the others.  With combined, the files' elements gathered into one
 * document (for push). */
int fle_load_configs(const fle_config_files *cf, int all, seckit_fle_config **cfg, char **combined,
                     size_t *n_problems, seckit_error *err);

#endif
