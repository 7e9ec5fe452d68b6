/* Transfers of many objects for `seckit s3`: cp --recursive, sync and mv
 * (one object or --recursive), with the AWS CLI's --exclude/--include
 * filters, --dryrun, --quiet and --only-show-errors, run by a small pool of
 * worker threads (one seckit_aws client each) sharing one connection pool.
 * Encrypted transfers (a key option) run one at a time on the main client. */
#ifndef SECKIT_CLI_S3_TRANSFER_H
#define SECKIT_CLI_S3_TRANSFER_H

#include <stddef.h>

#include "seckit/s3.h"
#include "src/cli/s3cse_online.h"

/* One --exclude (include 0) or --include (include 1) pattern, in the order
 * given: later filters win.  Patterns are matched against the path below
 * the source folder or prefix ('*' also matches '/', '?' one character,
 * [SEQ] and [!SEQ] one character of, or not of, SEQ). */
typedef struct cli_s3_filter {
    int include;
    const char *pattern;
} cli_s3_filter;

/* 1 when rel is transferred under the filters (everything is, without
 * filters), else 0. */
int cli_s3_filter_match(const cli_s3_filter *filters, size_t count, const char *rel);

/* One side of a transfer: a local path, or bucket (and key, "" for none). */
typedef struct cli_s3_place {
    const char *arg;    /* as written */
    const char *bucket; /* NULL: a local path (arg) */
    const char *key;
} cli_s3_place;

enum cli_s3_verb { CLI_S3_CP, CLI_S3_SYNC, CLI_S3_MV };

typedef struct cli_s3_xfer {
    const char *sub;
    enum cli_s3_verb verb;
    int recursive;
    const seckit_aws_options *aws_opts; /* for the workers' clients */
    seckit_aws *aws;                    /* the main client: listings, encrypted transfers */
    const cli_s3_filter *filters;
    size_t filter_count;
    int dryrun;
    int quiet;       /* no operation lines, warnings or progress */
    int only_errors; /* warnings and errors only */
    int progress;    /* one progress line on a terminal */
    int sync_delete; /* sync --delete */
    int follow_symlinks;
    unsigned concurrency; /* requests at once, 1.. */
    long long part_size;  /* 0: the library's default */
    const char *content_type;
    const seckit_s3_meta *meta;
    size_t meta_count;
    int replace_metadata;          /* s3:// to s3:// copies */
    int no_overwrite;              /* uploads: If-None-Match: * */
    seckit_s3_write_options write; /* uploads and copies: storage class, SSE, ACL */
    cli_s3cse_ctx *enc;            /* a key option: encrypted uploads, decrypting downloads */
    const char *suffix;            /* --instruction-suffix, or NULL */
    long long buffer_limit;
} cli_s3_xfer;

/* Plan and run the transfer from src to dst; prints one line per
 * operation (or "(dryrun) ..." lines) and returns the exit code: the worst
 * of the failed operations', which do not stop the others. */
int cli_s3_transfer(const cli_s3_xfer *x, const cli_s3_place *src, const cli_s3_place *dst);

#endif
