/* S3 client-side encryption against S3 in the command: the keyring and
 * options made from the shared key options (s3cse_opts.h), encrypted cp in
 * both directions, and the `seckit s3 head` and `seckit s3 rewrap` actions. */
#ifndef SECKIT_CLI_S3CSE_ONLINE_H
#define SECKIT_CLI_S3CSE_ONLINE_H

#include "seckit/seckit.h"
#include "src/cli/s3cse_opts.h"

/* A keyring and library options made from the key options. */
typedef struct cli_s3cse_ctx {
    seckit_s3cse_keyring *kr;
    seckit_s3cse_options opts;
    seckit_s3cse_kv ec[CLI_S3CSE_PAIRS_MAX];
    int delayed_auth;
    const char *instruction_suffix; /* NULL: ".instruction" */
    seckit_s3_write_options write;  /* uploads: storage class, SSE, ACL */
    int quiet;                      /* 1: no "upload:"/"download:" lines (errors are still shown) */
} cli_s3cse_ctx;

/* Load the key files and build *c (c must not move afterwards: opts points
 * into it).  0, or the exit code after printing the reason. */
int cli_s3cse_ctx_make(cli_s3cse_opts *k, const char *sub, seckit_aws *aws, cli_s3cse_ctx *c);
void cli_s3cse_ctx_free(cli_s3cse_ctx *c);

/* Encrypted upload of fd (size -1 when not a regular file) to bucket/key;
 * prints the "upload: ..." line.  Returns the exit code. */
int cli_s3cse_upload(const char *sub, const cli_s3cse_ctx *c, seckit_aws *aws, int fd,
                     long long size, const char *src_name, const char *bucket, const char *key,
                     long long part_size, const char *content_type, const seckit_s3_meta *meta,
                     size_t meta_count, const char *if_none_match, seckit_s3_progress_fn progress,
                     void *progress_ctx);

/* Decrypting download of bucket/key (range may be NULL) to path, or to
 * standard output when path is "-": a file gets the plaintext only after
 * the tag verified (temporary file renamed); standard output gets it as it
 * comes with --delayed-authentication, else only once verified, buffered
 * up to buffer_limit bytes.  Prints "download: ..." for files.  Returns
 * the exit code. */
int cli_s3cse_download(const char *sub, const cli_s3cse_ctx *c, seckit_aws *aws, const char *bucket,
                       const char *key, const char *version_id, const char *range, const char *path,
                       long long buffer_limit, seckit_s3_progress_fn progress, void *progress_ctx);

/* `seckit s3 head ...` and `seckit s3 rewrap ...` (argv[0] is the verb). */
int cli_s3_head(int argc, char **argv);
int cli_s3_rewrap(int argc, char **argv);

#endif
