/* seckit s3: what the command's files share (cmd_s3.c: the usage text, the
 * dispatcher, presign, mb, rb and these helpers; s3_ls.c, s3_rm.c and
 * s3_cp.c the larger actions).  Private to src/cli. */
#ifndef SECKIT_CLI_CMD_S3_H
#define SECKIT_CLI_CMD_S3_H

#include <stddef.h>
#include <string.h>

#include "seckit/s3.h"
#include "src/cli/cli.h"
#include "src/cli/s3cse_opts.h"
#include "src/cli/s3_transfer.h"

#define MAX_META 32

typedef struct s3_opts {
    const char *sub;
    int recursive;
    unsigned long page_size;
    long long part_size;
    int part_size_set;
    const char *content_type;
    char *metadata_arg;
    seckit_s3_meta meta[MAX_META];
    size_t meta_count;
    int directive; /* -1 unset, 0 COPY, 1 REPLACE */
    const char *range;
    const char *version_id;
    const char *copy_if_match; /* --copy-source-if-match */
    int no_overwrite;
    int progress;
    long long buffer_limit;
    int buffer_limit_set;
    const char *suffix;            /* --instruction-suffix */
    int human;                     /* ls --human-readable */
    int summarize;                 /* ls --summarize */
    long expires_in;               /* presign --expires-in */
    const char *method;            /* presign --method */
    seckit_s3_write_options write; /* --storage-class, --sse, --sse-kms-key-id, --acl */
    seckit_aws_options aws;
    cli_s3cse_opts keys; /* encryption when keys.any */
    cli_s3cse_ctx *enc;  /* made by cp once the client exists */
    /* many-file transfers (s3_transfer.h) */
    cli_s3_filter *filters; /* --exclude/--include in order */
    size_t filter_count;
    int dryrun, quiet, only_errors, sync_delete, follow_symlinks;
    unsigned long concurrency;
} s3_opts;

typedef struct s3_url {
    char *bucket;
    char *key; /* "" when none */
} s3_url;

/* The actions (argc/argv: the arguments after the options). */
int cli_s3_ls(s3_opts *o, int argc, char **argv); /* s3_ls.c */
int cli_s3_rm(s3_opts *o, int argc, char **argv); /* s3_rm.c */
int cli_s3_cp(s3_opts *o, int argc, char **argv); /* s3_cp.c */
int cli_s3_sync(s3_opts *o, int argc, char **argv);
int cli_s3_mv(s3_opts *o, int argc, char **argv);

/* An s3:// argument (else a local path). */
static inline int s3_is_url(const char *s)
{
    return strncmp(s, "s3://", 5) == 0;
}
/* s3://BUCKET[/KEY] into u (free with s3_free_url); a usage error (printed,
 * EXIT_USAGE) when there is no bucket or its name is not valid, EXIT_IO
 * when out of memory. */
int s3_parse_url(const char *sub, const char *s, s3_url *u);
void s3_free_url(s3_url *u);
/* a followed by b, malloc'd; NULL when out of memory. */
char *s3_join(const char *a, const char *b);
/* A size as the AWS CLI's --human-readable shows it ("1 Byte", "N Bytes",
 * "1.0 KiB", "11.1 MiB", ...). */
void s3_show_size(char *buf, size_t cap, long long n);
/* The S3 client for o's AWS options (asking for an MFA code on the
 * terminal when a profile needs one); 0, or the exit code (printed). */
int s3_make_client(s3_opts *o, seckit_aws **aws);

#endif
