/* seckit s3 ls|cp|rm: plain S3 object transfers with the AWS CLI's
 * s3://bucket/key form, over libseckit's S3 calls (seckit/s3.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ftw.h>

#include "seckit/s3.h"
#include "src/cli/cli.h"
#include "src/cli/s3cse_online.h"
#include "src/cli/s3cse_opts.h"
#include "src/cli/cmd_s3cse.h"
#include "src/cli/s3_transfer.h"

static const char usage[] =
    "Usage: seckit s3 ls [s3://BUCKET[/PREFIX]] [ls options] [AWS options]\n"
    "       seckit s3 cp SOURCE DESTINATION [cp options] [KEY OPTIONS] [AWS options]\n"
    "       seckit s3 sync SOURCE DESTINATION [sync options] [AWS options]\n"
    "       seckit s3 mv SOURCE DESTINATION [--recursive] [cp options] [AWS options]\n"
    "       seckit s3 rm s3://BUCKET/KEY [--version-id ID] [AWS options]\n"
    "       seckit s3 rm s3://BUCKET[/PREFIX] --recursive [AWS options]\n"
    "       seckit s3 mb|rb s3://BUCKET [AWS options]\n"
    "       seckit s3 presign s3://BUCKET/KEY [--expires-in SECONDS] [--method GET|PUT]\n"
    "                         [AWS options]\n"
    "       seckit s3 head s3://BUCKET/KEY [head options] [AWS options]\n"
    "       seckit s3 rewrap s3://BUCKET/KEY KEY-OPTIONS TARGET [rewrap options] [AWS options]\n"
    "       seckit s3 rewrap --manifest FILE KEY-OPTIONS TARGET [rewrap options] [AWS options]\n"
    CLI_S3CSE_OFFLINE_SYNOPSIS
    "\n"
    "S3 object transfers, with client-side encryption compatible with the AWS S3\n"
    "Encryption Clients when a key option is given.  Objects are named\n"
    "s3://BUCKET/KEY as with the AWS CLI; for cp, one side is s3://... and the other\n"
    "a local file, or '-' for standard input or output (s3:// to s3:// copies on the\n"
    "server with CopyObject, or part by part with UploadPartCopy above 5 GiB).\n"
    "Inputs larger than the part size go up as a multipart upload with constant\n"
    "memory (standard input is read one part at a time); a failed multipart upload\n"
    "is aborted.  Encrypted uploads of a file up to 5 GiB go up as one PutObject,\n"
    "encrypted as it is sent (constant memory, no temporary file), unless\n"
    "--part-size is given.  Downloads are written to a temporary file beside the destination\n"
    "and renamed into place only when complete (and, when decrypting, only after\n"
    "the authentication tag verified).  A destination ending in '/' (or a local\n"
    "folder) gets the source's file name.  sync copies what is missing at the\n"
    "destination, differs in size, or is newer at the source (modification time;\n"
    "a downloaded file gets the object's LastModified).  mv copies, then deletes\n"
    "each source only after its copy succeeded.  Transfers of many files run\n"
    "--max-concurrent-requests at once over one connection pool, with one\n"
    "progress line on a terminal.  rm deletes one object, or with\n"
    "--recursive every object under a prefix (DeleteObjects, 1000 keys a request).\n"
    "mb makes a bucket, rb removes an empty one.  ls without s3:// lists your\n"
    "buckets (ListBuckets).  presign prints a URL that lets anyone holding it GET\n"
    "(or PUT) that one object without credentials until it expires (SigV4 in the\n"
    "query string; nothing is sent).  Bucket names are checked with S3's naming\n"
    "rules before anything is sent.\n"
    "\n"
    "With a key option, cp encrypts uploads (a v3 envelope by default) and decrypts\n"
    "downloads; head shows an encrypted object's envelope (never key material);\n"
    "rewrap wraps an object's data key for a new key without re-uploading it.\n"
    "\n"
    "ls options:\n"
    "  --recursive           list every key under the prefix (default: one level,\n"
    "                        folders shown as PRE)\n"
    "  --page-size N         keys per ListObjectsV2 request, 1..1000 (default 1000;\n"
    "                        without s3://, buckets per ListBuckets request)\n"
    "  --human-readable      sizes in Bytes, KiB, MiB, GiB, ... (as the AWS CLI)\n"
    "  --summarize           end with the number of objects and their total size\n"
    "\n"
    "presign options:\n"
    "  --expires-in SECONDS  how long the URL works, 1..604800 (7 days; default\n"
    "                        3600); session credentials end it sooner\n"
    "  --method GET|PUT      GET downloads the object (default); PUT uploads one\n"
    "                        (curl -T FILE URL)\n"
    "  --version-id ID       GET: that version of the object\n"
    "\n"
    "cp, sync and mv options:\n"
    "  --recursive           cp, mv: every file or key below a local folder or a\n"
    "                        prefix, to a prefix or a local folder (also between\n"
    "                        two s3:// prefixes, copied on the server)\n"
    "  --exclude PATTERN     leave out files and keys matching PATTERN\n"
    "  --include PATTERN     take them again; filters apply in the order given,\n"
    "                        later ones win; patterns are matched against the path\n"
    "                        below the source folder or prefix ('*' also matches\n"
    "                        '/', '?' one character, [abc] and [!abc] one of or\n"
    "                        not one of; also for rm --recursive)\n"
    "  --dryrun              print what would be done, \"(dryrun) upload: A to B\",\n"
    "                        and do nothing (also rm)\n"
    "  --quiet               print no operation lines, warnings or progress (errors\n"
    "                        still go to standard error; also rm)\n"
    "  --only-show-errors    print only warnings and errors (also rm)\n"
    "  --max-concurrent-requests N\n"
    "                        transfers at once, 1..128 (default 10; encrypted\n"
    "                        transfers go one at a time)\n"
    "  --delete              sync: delete destination files and objects that the\n"
    "                        source does not have (the filters apply to them too)\n"
    "  --follow-symlinks, --no-follow-symlinks\n"
    "                        uploads of a folder: copy the files links point to\n"
    "                        (default, as the AWS CLI; a dangling link is a\n"
    "                        warning and exit 5) or leave links out\n"
    "  --part-size SIZE      multipart part size, 5MiB..5GiB (default 8MiB, raised\n"
    "                        for files over 10000 parts; suffixes K, M, G, KiB,\n"
    "                        MiB, GiB are powers of 1024); also the part size of\n"
    "                        s3:// to s3:// copies over 5 GiB (default 64MiB)\n"
    "  --content-type TYPE   Content-Type of the uploaded or copied object\n"
    "  --metadata K=V[,K=V]  user metadata (x-amz-meta-K) of the new object (UTF-8\n"
    "                        values are sent RFC 2047-encoded, as S3 returns them)\n"
    "  --metadata-directive COPY|REPLACE\n"
    "                        s3:// to s3:// copies: keep the source's metadata\n"
    "                        (COPY, default) or set --metadata/--content-type\n"
    "                        (REPLACE)\n"
    "  --range bytes=A-B     download only these bytes (also A- and -N); of an\n"
    "                        encrypted object only with --security-profile\n"
    "                        v2-and-legacy (a ranged read is not authenticated)\n"
    "  --version-id ID       downloads and s3:// to s3:// copies: that version of\n"
    "                        the source object (default: the latest)\n"
    "  --storage-class CLASS uploads and copies: STANDARD, REDUCED_REDUNDANCY,\n"
    "                        STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER,\n"
    "                        DEEP_ARCHIVE, GLACIER_IR or EXPRESS_ONEZONE (default:\n"
    "                        the bucket's; a copy otherwise keeps the source's)\n"
    "  --sse AES256|aws:kms|aws:kms:dsse\n"
    "                        uploads and copies: S3 server-side encryption\n"
    "  --sse-kms-key-id ID   the KMS key of --sse aws:kms (default: S3's AWS\n"
    "                        managed key)\n"
    "  --acl ACL             uploads and copies: a canned ACL: private, public-read,\n"
    "                        public-read-write, authenticated-read, aws-exec-read,\n"
    "                        bucket-owner-read, bucket-owner-full-control or\n"
    "                        log-delivery-write\n"
    "  --no-overwrite        uploads: fail (PreconditionFailed, exit 6) instead of\n"
    "                        replacing an existing object (If-None-Match: *)\n"
    "  --copy-source-if-match ETAG\n"
    "                        s3:// to s3:// copies: copy only if the source's ETag\n"
    "                        is ETAG (else PreconditionFailed, exit 6, nothing\n"
    "                        written; x-amz-copy-source-if-match)\n"
    "  --no-progress         no progress bar (it is shown only on a terminal)\n"
    "  --max-buffer SIZE     decrypting to standard output: plaintext held back until\n"
    "                        the tag verifies, at most SIZE (default 64MiB; larger\n"
    "                        objects are refused unless --delayed-authentication)\n"
    "\n"
    "Key options (cp, rewrap, encrypt, decrypt):\n"
    CLI_S3CSE_USAGE_KEYS
    "  --envelope v3|v2      the envelope written (default v3; v2 needs\n"
    "                        --commitment-policy forbid-encrypt-allow-decrypt)\n"
    "  --instruction-file    put the envelope in KEY.instruction, not the metadata\n"
    "  --instruction-suffix SUFFIX\n"
    "                        the instruction file is KEY+SUFFIX (default\n"
    "                        .instruction; cp, head, rewrap)\n"
    "  --commitment-policy require-encrypt-require-decrypt|\n"
    "                      require-encrypt-allow-decrypt|forbid-encrypt-allow-decrypt\n"
    "                        key commitment when writing and reading (default:\n"
    "                        require-encrypt-require-decrypt: v3 only)\n"
    "  --security-profile v2|v2-and-legacy\n"
    "                        v2-and-legacy also reads V1 objects, CBC content, the\n"
    "                        legacy key wraps, and ranged reads\n"
    "  --delayed-authentication\n"
    "                        decrypting to standard output: write plaintext before\n"
    "                        the tag verified (a failure is reported at the end)\n"
    "\n"
    "head options:\n"
    "  --format text|json    output format (default text)\n"
    "  --version-id ID       a version of the object (also for rewrap)\n"
    "\n"
    "rewrap options (TARGET is one of the three new-key options):\n"
    "  --to-raw-aes-key file=PATH\n"
    "  --to-raw-rsa-key file=PATH\n"
    "  --to-kms-key-id ID|ARN|ALIAS\n"
    "                        the new wrapping key\n"
    "  --to-materials-description KEY=VALUE\n"
    "                        a pair of the new key's materials description\n"
    "  --if-match ETAG       rewrap only if the object's ETag is still ETAG\n"
    "  --unconditional       copy without x-amz-copy-source-if-match (for servers\n"
    "                        that cannot evaluate it, such as Swift for multipart\n"
    "                        objects; a concurrent overwrite then goes unnoticed)\n"
    "  --manifest FILE       rewrap every object an S3 Batch Operations CSV manifest\n"
    "                        (bucket,key[,versionId]) or an S3 Inventory CSV file\n"
    "                        lists; objects already wrapped for the target are\n"
    "                        skipped, so a run can be repeated\n"
    "  --manifest-format batch|inventory\n"
    "                        the manifest's format (default batch)\n"
    "  --inventory-schema SCHEMA\n"
    "                        the inventory's fileSchema (default \"Bucket, Key\")\n"
    "  --shard I/N           only the objects of shard I (0..N-1) of N\n"
    "  --report FILE         write a completion report in S3 Batch Operations' CSV\n"
    "                        shape\n"
    "\n"
    "rm options:\n"
    "  --recursive           delete every object whose key starts with PREFIX/\n"
    "                        (the whole bucket without a PREFIX)\n"
    "  --version-id ID       delete that version of the object\n"
    "\n"
    CLI_S3CSE_OFFLINE_USAGE
    "\n"
    "AWS options:\n"
    "  --endpoint-url URL    S3 endpoint, e.g. http://127.0.0.1:8080 (path-style);\n"
    "                        for S3 requests only (a role profile's STS call goes\n"
    "                        to STS's own endpoint)\n"
    "  --region REGION       signing region (default: AWS_REGION, the profile's)\n"
    "  --profile NAME        profile in ~/.aws/config and ~/.aws/credentials\n"
    "  --ca-bundle FILE      trust the CA certificates in FILE (default:\n"
    "                        AWS_CA_BUNDLE, the profile's ca_bundle)\n"
    "  --debug               print the profile, region and credential source chosen\n"
    "                        and each request and answer's headers on stderr\n"
    "                        (signatures, tokens and bodies are never shown)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Keys are sent exactly as written (s3://b/x/.. is the object 'x/..').  A key\n"
    "that is not a safe relative path below the destination folder (a '..', '.'\n"
    "or empty component, or a leading '/') is not downloaded: an error, exit 3,\n"
    "and the other keys go on.  A\n"
    "--content-type or --metadata value with a control character is refused.\n"
    "\n"
    "Exit status: 0 done; 1 rewrap --manifest: some objects failed (see the report);\n"
    "2 usage (also a bad AWS_MAX_ATTEMPTS, AWS_RETRY_MODE or endpoint setting, a\n"
    "control character in a header value, a bucket name S3 does not allow, an\n"
    "unknown storage class, SSE or ACL); 3 bad\n"
    "input (unknown profile, malformed config file, an object that is not\n"
    "encrypted, malformed encryption metadata) or a malformed answer from the\n"
    "server; 4 a key, tag or commitment did not verify (wrong key, tampered\n"
    "object); 5 a file or network failure; 6 S3 answered with an error (its code,\n"
    "e.g. NoSuchKey or AccessDenied, is shown with the operation, e.g.\n"
    "GetObject), or rm --recursive could not delete\n"
    "some keys.\n";

enum {
    OPT_EXCLUDE = 0x600, /* the many-file transfer options (s3_transfer.h) */
    OPT_INCLUDE,
    OPT_DRYRUN,
    OPT_QUIET,
    OPT_ONLY_ERRORS,
    OPT_MAX_CONCURRENT,
    OPT_DELETE,
    OPT_FOLLOW_SYMLINKS,
    OPT_NO_FOLLOW_SYMLINKS,
    OPT_RECURSIVE = 256,
    OPT_PAGE_SIZE,
    OPT_PART_SIZE,
    OPT_CONTENT_TYPE,
    OPT_METADATA,
    OPT_METADATA_DIRECTIVE,
    OPT_RANGE,
    OPT_NO_PROGRESS,
    OPT_BUFFER_LIMIT,
    OPT_SUFFIX,
    OPT_VERSION_ID,
    OPT_NO_OVERWRITE,
    OPT_COPY_IF_MATCH,
    OPT_HUMAN,
    OPT_SUMMARIZE,
    OPT_EXPIRES_IN,
    OPT_METHOD,
    OPT_STORAGE_CLASS,
    OPT_SSE,
    OPT_SSE_KMS_KEY_ID,
    OPT_ACL
};

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
    const char *suffix; /* --instruction-suffix */
    int human;          /* ls --human-readable */
    int summarize;      /* ls --summarize */
    long expires_in;    /* presign --expires-in */
    const char *method; /* presign --method */
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

static int is_s3(const char *s) { return strncmp(s, "s3://", 5) == 0; }
static char *join(const char *a, const char *b);

static int parse_url(const char *sub, const char *s, s3_url *u)
{
    const char *b = s + 5;
    const char *slash = strchr(b, '/');
    size_t blen = slash != NULL ? (size_t)(slash - b) : strlen(b);
    if (blen == 0)
        return cli_usage_error(sub, "'%s' has no bucket (expected s3://BUCKET/KEY)", s);
    u->bucket = strndup(b, blen);
    u->key = strdup(slash != NULL ? slash + 1 : "");
    if (u->bucket == NULL || u->key == NULL) {
        free(u->bucket);
        free(u->key);
        u->bucket = u->key = NULL;
        cli_message(sub, "out of memory");
        return EXIT_IO;
    }
    seckit_error err;
    seckit_error_clear(&err);
    if (seckit_s3_check_bucket_name(u->bucket, &err) != 0) {
        free(u->bucket);
        free(u->key);
        u->bucket = u->key = NULL;
        return cli_usage_error(sub, "%s", err.message);
    }
    return 0;
}

static void free_url(s3_url *u)
{
    free(u->bucket);
    free(u->key);
}

/* --metadata K=V,K2=V2 (split in place). */
static int parse_metadata(s3_opts *o, char *arg)
{
    o->meta_count = 0;
    for (char *save = NULL, *tok = strtok_r(arg, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (eq == NULL || eq == tok)
            return cli_usage_error(o->sub, "--metadata wants KEY=VALUE[,KEY=VALUE...], not '%s'",
                                   tok);
        if (o->meta_count == MAX_META)
            return cli_usage_error(o->sub, "--metadata: at most %d entries", MAX_META);
        *eq = '\0';
        o->meta[o->meta_count].name = tok;
        o->meta[o->meta_count].value = eq + 1;
        o->meta_count++;
    }
    return 0;
}

/* ---- progress bar (stderr, only on a terminal) ------------------------- */

typedef struct progress {
    int on;
    int shown;
    time_t last;
} progress;

/* A size as the AWS CLI's --human-readable shows it: "1 Byte", "N Bytes"
 * below 1 KiB, else one decimal in the smallest binary unit in which the
 * rounded number stays below 1024 ("1.0 KiB", "11.1 MiB"). */
static void show_size(char *buf, size_t cap, long long n)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (n == 1) {
        snprintf(buf, cap, "1 Byte");
        return;
    }
    if (n < 1024) {
        snprintf(buf, cap, "%lld Bytes", n);
        return;
    }
    double v = (double)n;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        v /= 1024.0;
        if (v + 0.5 < 1024.0 || i + 1 == sizeof(units) / sizeof(units[0])) {
            snprintf(buf, cap, "%.1f %s", v, units[i]);
            return;
        }
    }
}

static void progress_cb(void *ctx, long long done, long long total)
{
    progress *p = ctx;
    if (done < 0) { /* the end */
        if (p->shown)
            fputc('\n', stderr);
        p->shown = 0;
        return;
    }
    if (!p->on)
        return;
    char a[32], b[32];
    show_size(a, sizeof(a), done);
    if (total > 0) {
        int width = 30;
        int fill = (int)((double)done / (double)total * width);
        char bar[64];
        if (fill > width)
            fill = width;
        memset(bar, '#', (size_t)fill);
        memset(bar + fill, '-', (size_t)(width - fill));
        bar[width] = '\0';
        show_size(b, sizeof(b), total);
        fprintf(stderr, "\r[%s] %3d%% %s / %s  ", bar, (int)((double)done * 100.0 / (double)total),
                a, b);
    } else {
        fprintf(stderr, "\r%s sent  ", a);
    }
    fflush(stderr);
    p->shown = 1;
}

static void progress_end(progress *p)
{
    if (p->shown)
        fputc('\n', stderr);
    p->shown = 0;
}

/* ---- the client ---------------------------------------------------------- */

static int make_client(s3_opts *o, seckit_aws **aws)
{
    seckit_error err;
    seckit_error_clear(&err);
    cli_aws_interactive(&o->aws);
    if (seckit_aws_new(&o->aws, aws, &err) != 0)
        return cli_fail(o->sub, &err);
    return 0;
}

/* Prefix err's message with "s3://BUCKET/KEY". */
static void name_object(seckit_error *err, const char *bucket, const char *key)
{
    char name[1200];
    snprintf(name, sizeof(name), "s3://%s/%s", bucket, key);
    seckit_error_prefix(err, name);
}

/* ---- ls --------------------------------------------------------------------- */

/* An S3 time "2024-05-01T12:34:56.000Z" as "2024-05-01 12:34:56" (UTC). */
static void show_time(char when[20], const char *iso)
{
    memcpy(when, "                   ", 20);
    if (strlen(iso) >= 19 && iso[10] == 'T') {
        memcpy(when, iso, 19);
        when[10] = ' ';
    }
}

static void print_entry(const s3_opts *o, const seckit_s3_list_entry *e, const char *shown)
{
    char when[20], size[32];
    show_time(when, e->last_modified);
    if (o->human)
        show_size(size, sizeof(size), e->size);
    else
        snprintf(size, sizeof(size), "%lld", e->size);
    printf("%s %10s %s\n", when, size, shown);
}

/* ls --summarize: the AWS CLI's two closing lines after an empty one. */
static void print_summary(const s3_opts *o, long long objects, long long bytes)
{
    char size[32];
    if (o->human)
        show_size(size, sizeof(size), bytes);
    else
        snprintf(size, sizeof(size), "%lld", bytes);
    printf("\nTotal Objects: %lld\n   Total Size: %s\n", objects, size);
}

/* ls without s3://: every bucket (ListBuckets, page by page). */
static int ls_buckets(s3_opts *o)
{
    seckit_aws *aws = NULL;
    int rc = make_client(o, &aws);
    if (rc != 0)
        return rc;
    seckit_error err;
    seckit_error_clear(&err);
    char *token = NULL;
    do {
        seckit_s3_bucket_list page;
        if (seckit_s3_list_buckets(aws, token, (int)o->page_size, &page, &err) != 0) {
            rc = cli_fail(o->sub, &err);
            break;
        }
        for (size_t i = 0; i < page.count; i++) {
            char when[20];
            show_time(when, page.buckets[i].creation_date);
            printf("%s %s\n", when, page.buckets[i].name);
        }
        free(token);
        token = page.continuation_token;
        page.continuation_token = NULL;
        seckit_s3_bucket_list_free(&page);
    } while (token != NULL);
    free(token);
    if (rc == 0 && o->summarize)
        print_summary(o, 0, 0); /* as the AWS CLI: buckets hold no listed objects */
    if (rc == 0 && fflush(stdout) != 0) {
        cli_message(o->sub, "writing the listing failed: %s", strerror(errno));
        rc = EXIT_IO;
    }
    seckit_aws_free(aws);
    return rc;
}

static int cmd_ls(s3_opts *o, int argc, char **argv)
{
    if (argc == 0 && o->recursive)
        return cli_usage_error(o->sub, "ls --recursive needs an s3://BUCKET[/PREFIX]");
    if (argc == 0)
        return ls_buckets(o);
    if (argc != 1)
        return cli_usage_error(o->sub, "ls takes at most one s3://BUCKET[/PREFIX]");
    if (!is_s3(argv[0]))
        return cli_usage_error(o->sub, "'%s' is not an s3://BUCKET[/PREFIX] URL", argv[0]);
    s3_url u = {0};
    int rc = parse_url(o->sub, argv[0], &u);
    if (rc != 0)
        return rc;
    seckit_aws *aws = NULL;
    if ((rc = make_client(o, &aws)) != 0) {
        free_url(&u);
        return rc;
    }
    /* Like the AWS CLI: without --recursive, "s3://b/dir" lists the folder
     * level "dir" is in and names entries relative to it. */
    size_t base = 0;
    const char *slash = strrchr(u.key, '/');
    if (slash != NULL)
        base = (size_t)(slash - u.key) + 1;
    seckit_error err;
    seckit_error_clear(&err);
    char *token = NULL;
    long long objects = 0, bytes = 0;
    rc = 0;
    do {
        seckit_s3_list req = {
            .bucket = u.bucket,
            .prefix = u.key[0] != '\0' ? u.key : NULL,
            .delimiter = o->recursive ? NULL : "/",
            .continuation_token = token,
            .max_keys = (int)o->page_size,
        };
        seckit_s3_list_result res;
        if (seckit_s3_list_objects(aws, &req, &res, &err) != 0) {
            seckit_error_prefix(&err, argv[0]);
            rc = cli_fail(o->sub, &err);
            break;
        }
        for (size_t i = 0; i < res.prefix_count; i++)
            printf("%30s %s\n", "PRE", res.common_prefixes[i] + (o->recursive ? 0 : base));
        for (size_t i = 0; i < res.count; i++) {
            print_entry(o, &res.entries[i], res.entries[i].key + (o->recursive ? 0 : base));
            objects++;
            bytes += res.entries[i].size;
        }
        free(token);
        token = res.next_continuation_token;
        res.next_continuation_token = NULL;
        seckit_s3_list_result_free(&res);
    } while (token != NULL);
    free(token);
    if (rc == 0 && o->summarize)
        print_summary(o, objects, bytes);
    if (rc == 0 && fflush(stdout) != 0) {
        cli_message(o->sub, "writing the listing failed: %s", strerror(errno));
        rc = EXIT_IO;
    }
    seckit_aws_free(aws);
    free_url(&u);
    return rc;
}

/* ---- presign ---------------------------------------------------------------- */

static int cmd_presign(s3_opts *o, int argc, char **argv)
{
    if (argc != 1 || !is_s3(argv[0]))
        return cli_usage_error(o->sub, "presign takes one s3://BUCKET/KEY");
    const char *method = o->method != NULL ? o->method : "GET";
    if (o->version_id != NULL && strcmp(method, "GET") != 0)
        return cli_usage_error(o->sub, "--version-id is for presigned GETs");
    s3_url u = {0};
    int rc = parse_url(o->sub, argv[0], &u);
    if (rc != 0)
        return rc;
    if (u.key[0] == '\0') {
        free_url(&u);
        return cli_usage_error(o->sub, "'%s' names no object key", argv[0]);
    }
    seckit_aws *aws = NULL;
    if ((rc = make_client(o, &aws)) == 0) {
        seckit_error err;
        seckit_error_clear(&err);
        char *url = NULL;
        if (seckit_s3_presign(aws, method, u.bucket, u.key, o->version_id,
                              o->expires_in > 0 ? o->expires_in : 3600, &url, &err) != 0) {
            seckit_error_prefix(&err, argv[0]);
            rc = cli_fail(o->sub, &err);
        } else {
            printf("%s\n", url);
            if (fflush(stdout) != 0) {
                cli_message(o->sub, "writing the URL failed: %s", strerror(errno));
                rc = EXIT_IO;
            }
        }
        free(url);
        seckit_aws_free(aws);
    }
    free_url(&u);
    return rc;
}

/* ---- rm --------------------------------------------------------------------- */

/* rm --recursive: list the prefix a page at a time and delete each page with
 * one DeleteObjects; keys S3 could not delete are reported one per line. */
static int rm_recursive(s3_opts *o, seckit_aws *aws, const s3_url *u, const char *arg)
{
    char *prefix = NULL;
    size_t kl = strlen(u->key);
    if (kl > 0 && u->key[kl - 1] != '/')
        prefix = join(u->key, "/");
    else if (kl > 0)
        prefix = strdup(u->key);
    if (kl > 0 && prefix == NULL) {
        cli_message(o->sub, "out of memory");
        return EXIT_IO;
    }
    seckit_error err;
    seckit_error_clear(&err);
    char *token = NULL;
    int rc = 0;
    size_t failed = 0, deleted = 0;
    do {
        seckit_s3_list req = {.bucket = u->bucket, .prefix = prefix, .continuation_token = token};
        seckit_s3_list_result page;
        if (seckit_s3_list_objects(aws, &req, &page, &err) != 0) {
            seckit_error_prefix(&err, arg);
            rc = cli_fail(o->sub, &err);
            break;
        }
        free(token);
        token = page.next_continuation_token;
        page.next_continuation_token = NULL;
        /* --exclude/--include: match the key below the prefix */
        size_t plen = prefix != NULL ? strlen(prefix) : 0, kept = 0;
        for (size_t i = 0; i < page.count; i++) {
            if (!cli_s3_filter_match(o->filters, o->filter_count, page.entries[i].key + plen)) {
                free(page.entries[i].key);
                continue;
            }
            page.entries[kept++] = page.entries[i];
        }
        page.count = kept;
        if (o->dryrun) {
            for (size_t i = 0; i < page.count && !o->quiet && !o->only_errors; i++)
                printf("(dryrun) delete: s3://%s/%s\n", u->bucket, page.entries[i].key);
        } else if (page.count > 0) {
            seckit_s3_object_id *ids = calloc(page.count, sizeof(*ids));
            seckit_s3_delete_result dr;
            if (ids == NULL) {
                seckit_s3_list_result_free(&page);
                cli_message(o->sub, "out of memory");
                rc = EXIT_IO;
                break;
            }
            for (size_t i = 0; i < page.count; i++)
                ids[i].key = page.entries[i].key;
            if (seckit_s3_delete_objects(aws, u->bucket, ids, page.count, &dr, &err) != 0) {
                free(ids);
                seckit_s3_list_result_free(&page);
                seckit_error_prefix(&err, arg);
                rc = cli_fail(o->sub, &err);
                break;
            }
            for (size_t i = 0; i < page.count; i++) {
                const seckit_s3_delete_error *e = NULL;
                for (size_t k = 0; k < dr.error_count && e == NULL; k++)
                    if (strcmp(dr.errors[k].key, page.entries[i].key) == 0)
                        e = &dr.errors[k];
                if (e != NULL)
                    cli_message(o->sub, "delete failed: s3://%s/%s: %s (%s)", u->bucket,
                                page.entries[i].key, e->message[0] ? e->message : e->code,
                                e->code);
                else if (!o->quiet && !o->only_errors)
                    printf("delete: s3://%s/%s\n", u->bucket, page.entries[i].key);
            }
            failed += dr.error_count;
            deleted += dr.deleted;
            seckit_s3_delete_result_free(&dr);
            free(ids);
        }
        seckit_s3_list_result_free(&page);
    } while (token != NULL);
    free(token);
    free(prefix);
    if (rc == 0 && failed > 0) {
        cli_message(o->sub, "%s: %zu object%s could not be deleted (%zu deleted)", arg, failed,
                    failed == 1 ? "" : "s", deleted);
        rc = EXIT_AWS;
    }
    return rc;
}

static int cmd_rm(s3_opts *o, int argc, char **argv)
{
    if (argc != 1 || !is_s3(argv[0]))
        return cli_usage_error(o->sub, o->recursive ? "rm --recursive takes one "
                                                      "s3://BUCKET[/PREFIX]"
                                                    : "rm takes one s3://BUCKET/KEY");
    if (o->recursive && o->version_id != NULL)
        return cli_usage_error(o->sub, "--version-id deletes one object, not with --recursive");
    s3_url u = {0};
    int rc = parse_url(o->sub, argv[0], &u);
    if (rc != 0)
        return rc;
    if (u.key[0] == '\0' && !o->recursive) {
        free_url(&u);
        return cli_usage_error(o->sub, "'%s' names no object key (use --recursive to delete "
                                       "every object in the bucket)", argv[0]);
    }
    seckit_aws *aws = NULL;
    if ((rc = make_client(o, &aws)) == 0) {
        seckit_error err;
        seckit_error_clear(&err);
        const char *slash = strrchr(u.key, '/');
        if (o->recursive) {
            rc = rm_recursive(o, aws, &u, argv[0]);
        } else if (!cli_s3_filter_match(o->filters, o->filter_count,
                                        slash != NULL ? slash + 1 : u.key)) {
            /* filtered out: nothing to do */
        } else if (o->dryrun) {
            if (!o->quiet && !o->only_errors)
                printf("(dryrun) delete: s3://%s/%s\n", u.bucket, u.key);
        } else if (seckit_s3_delete_object_version(aws, u.bucket, u.key, o->version_id, &err) !=
                   0) {
            seckit_error_prefix(&err, argv[0]);
            rc = cli_fail(o->sub, &err);
        } else if (o->quiet || o->only_errors) {
            /* nothing to say */
        } else if (o->version_id != NULL) {
            printf("delete: s3://%s/%s (version %s)\n", u.bucket, u.key, o->version_id);
        } else {
            printf("delete: s3://%s/%s\n", u.bucket, u.key);
        }
        seckit_aws_free(aws);
    }
    free_url(&u);
    return rc;
}

/* ---- mb / rb ------------------------------------------------------------- */

static int bucket_cmd(s3_opts *o, int argc, char **argv, int make)
{
    if (argc != 1 || !is_s3(argv[0]))
        return cli_usage_error(o->sub, "%s takes one s3://BUCKET", make ? "mb" : "rb");
    s3_url u = {0};
    int rc = parse_url(o->sub, argv[0], &u);
    if (rc != 0)
        return rc;
    if (u.key[0] != '\0') {
        free_url(&u);
        return cli_usage_error(o->sub, "'%s' is not just a bucket", argv[0]);
    }
    seckit_aws *aws = NULL;
    if ((rc = make_client(o, &aws)) == 0) {
        seckit_error err;
        seckit_error_clear(&err);
        if ((make ? seckit_s3_create_bucket(aws, u.bucket, &err)
                  : seckit_s3_delete_bucket(aws, u.bucket, &err)) != 0) {
            seckit_error_prefix(&err, argv[0]);
            rc = cli_fail(o->sub, &err);
        } else {
            printf("%s: s3://%s\n", make ? "make_bucket" : "remove_bucket", u.bucket);
        }
        seckit_aws_free(aws);
    }
    free_url(&u);
    return rc;
}

static int cmd_mb(s3_opts *o, int argc, char **argv) { return bucket_cmd(o, argc, argv, 1); }
static int cmd_rb(s3_opts *o, int argc, char **argv) { return bucket_cmd(o, argc, argv, 0); }

/* ---- cp --------------------------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s != NULL ? s + 1 : path;
}

static char *join(const char *a, const char *b)
{
    char *s = malloc(strlen(a) + strlen(b) + 1);
    if (s != NULL) {
        strcpy(s, a);
        strcat(s, b);
    }
    return s;
}

static int upload(s3_opts *o, seckit_aws *aws, const char *src, s3_url *dst)
{
    int fd = 0;
    if (strcmp(src, "-") != 0) {
        fd = open(src, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            cli_message(o->sub, "%s: %s", src, strerror(errno));
            return EXIT_IO;
        }
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            close(fd);
            return cli_usage_error(o->sub, "%s is a folder (only files are copied)", src);
        }
    }
    char *key = NULL;
    if (dst->key[0] == '\0' || dst->key[strlen(dst->key) - 1] == '/') {
        if (strcmp(src, "-") == 0) {
            if (fd != 0)
                close(fd);
            return cli_usage_error(o->sub, "uploading standard input needs a full s3://BUCKET/KEY");
        }
        key = join(dst->key, base_name(src));
    } else {
        key = strdup(dst->key);
    }
    if (key == NULL) {
        if (fd != 0)
            close(fd);
        cli_message(o->sub, "out of memory");
        return EXIT_IO;
    }
    progress pr = {.on = o->progress && !o->quiet && !o->only_errors && isatty(2)};
    if (o->enc != NULL) {
        struct stat st;
        long long size = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
        int erc = cli_s3cse_upload(o->sub, o->enc, aws, fd, size, src, dst->bucket, key,
                                   o->part_size_set ? o->part_size : 0, o->content_type, o->meta,
                                   o->meta_count, o->no_overwrite ? "*" : NULL, progress_cb,
                                   &pr);
        if (fd != 0)
            close(fd);
        free(key);
        return erc;
    }
    seckit_s3_upload req = {
        .bucket = dst->bucket,
        .key = key,
        .fd = fd,
        .part_size = o->part_size_set ? o->part_size : 0, /* 0: 8 MiB, more if needed */
        .content_type = o->content_type,
        .metadata = o->meta,
        .metadata_count = o->meta_count,
        .progress = progress_cb,
        .progress_ctx = &pr,
        .if_none_match = o->no_overwrite ? "*" : NULL,
        .write = o->write,
    };
    seckit_s3_upload_result res;
    seckit_error err;
    seckit_error_clear(&err);
    int rc = 0;
    if (seckit_s3_upload_fd(aws, &req, &res, &err) != 0) {
        progress_end(&pr);
        name_object(&err, dst->bucket, key);
        rc = cli_fail(o->sub, &err);
    } else {
        progress_end(&pr);
        char parts[48] = "", version[1100] = "";
        if (res.parts > 0)
            snprintf(parts, sizeof(parts), ", %d parts", res.parts);
        if (res.version_id[0] != '\0')
            snprintf(version, sizeof(version), ", version %s", res.version_id);
        if (!o->quiet && !o->only_errors)
            printf("upload: %s to s3://%s/%s (%lld bytes%s%s)\n", src, dst->bucket, key,
                   res.size, parts, version);
    }
    if (fd != 0)
        close(fd);
    free(key);
    return rc;
}

/* Write the object (or --range of it) to fd: one GetObject when it fits a
 * part, else part-size ranged GETs pinned to the first answer's ETag
 * (If-Match), so a concurrent overwrite fails instead of mixing versions. */
static int fetch(s3_opts *o, seckit_aws *aws, const s3_url *src, int fd, long long *written,
                 seckit_error *err)
{
    seckit_s3_object_info info;
    *written = 0;
    if (o->range != NULL) {
        seckit_s3_get g = SECKIT_S3_GET_INIT;
        g.bucket = src->bucket;
        g.key = src->key;
        g.range = o->range;
        g.version_id = o->version_id;
        g.out_fd = fd;
        int rc = seckit_s3_get_object(aws, &g, &info, NULL, NULL, err);
        if (rc == 0) {
            *written = info.content_length;
            seckit_s3_object_info_free(&info);
        }
        return rc;
    }
    seckit_s3_head hreq = {.bucket = src->bucket, .key = src->key, .version_id = o->version_id};
    int rc = seckit_s3_head_object_ex(aws, &hreq, &info, err);
    if (rc != 0) {
        /* HEAD answers carry no error document: ask with a GET so that the
         * message shows S3's own code (NoSuchKey, NoSuchBucket, ...). */
        if (err->http_status >= 400 && err->http_status < 500) {
            seckit_error gerr;
            unsigned char *body = NULL;
            size_t len = 0;
            seckit_s3_get g = SECKIT_S3_GET_INIT;
            g.bucket = src->bucket;
            g.key = src->key;
            g.range = "bytes=0-0";
            g.version_id = o->version_id;
            seckit_error_clear(&gerr);
            if (seckit_s3_get_object(aws, &g, &info, &body, &len, &gerr) != 0 &&
                gerr.aws_code[0] != '\0') {
                *err = gerr;
                rc = gerr.code;
            }
            else if (gerr.code == 0)
                seckit_s3_object_info_free(&info);
            free(body);
        }
        return rc;
    }
    long long size = info.object_size;
    char etag[130];
    snprintf(etag, sizeof(etag), "%s", info.etag);
    seckit_s3_object_info_free(&info);
    progress pr = {.on = o->progress && !o->quiet && !o->only_errors && isatty(2)};
    long long ps = o->part_size;
    if (size <= ps) {
        seckit_s3_get g = SECKIT_S3_GET_INIT;
        g.bucket = src->bucket;
        g.key = src->key;
        g.if_match = etag[0] != '\0' ? etag : NULL;
        g.version_id = o->version_id;
        g.out_fd = fd;
        rc = seckit_s3_get_object(aws, &g, &info, NULL, NULL, err);
        if (rc == 0) {
            *written = info.content_length;
            seckit_s3_object_info_free(&info);
        }
        return rc;
    }
    for (long long off = 0; off < size; off += ps) {
        char range[64];
        long long last = off + ps - 1 < size - 1 ? off + ps - 1 : size - 1;
        snprintf(range, sizeof(range), "bytes=%lld-%lld", off, last);
        seckit_s3_get g = SECKIT_S3_GET_INIT;
        g.bucket = src->bucket;
        g.key = src->key;
        g.range = range;
        g.if_match = etag[0] != '\0' ? etag : NULL;
        g.version_id = o->version_id;
        g.out_fd = fd;
        rc = seckit_s3_get_object(aws, &g, &info, NULL, NULL, err);
        if (rc != 0)
            break;
        int ok = info.range_first == off && info.range_last == last && info.object_size == size;
        seckit_s3_object_info_free(&info);
        if (!ok) {
            rc = seckit_error_set(err, SECKIT_EFORMAT,
                                  "S3 GetObject: the server answered a different range than "
                                  "bytes %lld-%lld of %lld", off, last, size);
            break;
        }
        *written = last + 1;
        progress_cb(&pr, *written, size);
    }
    progress_end(&pr);
    return rc;
}

static int download(s3_opts *o, seckit_aws *aws, s3_url *src, const char *dst)
{
    if (src->key[0] == '\0' || src->key[strlen(src->key) - 1] == '/')
        return cli_usage_error(o->sub, "s3://%s/%s names no object", src->bucket, src->key);
    seckit_error err;
    seckit_error_clear(&err);
    long long written = 0;
    progress pr = {.on = o->progress && !o->quiet && !o->only_errors && isatty(2)};
    if (strcmp(dst, "-") == 0 && o->enc != NULL)
        return cli_s3cse_download(o->sub, o->enc, aws, src->bucket, src->key, o->version_id,
                                  o->range, "-",
                                  o->buffer_limit, progress_cb, &pr);
    if (strcmp(dst, "-") == 0) {
        if (fetch(o, aws, src, 1, &written, &err) != 0) {
            name_object(&err, src->bucket, src->key);
            return cli_fail(o->sub, &err);
        }
        return EXIT_OK_;
    }
    char *path = NULL;
    struct stat st;
    size_t dl = strlen(dst);
    if ((dl > 0 && dst[dl - 1] == '/') || (stat(dst, &st) == 0 && S_ISDIR(st.st_mode))) {
        char *d = join(dst, dst[dl - 1] == '/' ? "" : "/");
        path = d != NULL ? join(d, base_name(src->key)) : NULL;
        free(d);
    } else {
        path = strdup(dst);
    }
    if (path == NULL) {
        cli_message(o->sub, "out of memory");
        return EXIT_IO;
    }
    if (o->enc != NULL) {
        int erc = cli_s3cse_download(o->sub, o->enc, aws, src->bucket, src->key, o->version_id,
                                     o->range, path,
                                     o->buffer_limit, progress_cb, &pr);
        free(path);
        return erc;
    }
    seckit_atomic_file *f = NULL;
    int rc = 0;
    if (seckit_atomic_open(&f, path, 0644, SECKIT_FILE_OVERWRITE, &err) != 0 ||
        fetch(o, aws, src, seckit_atomic_fd(f), &written, &err) != 0 ||
        seckit_atomic_commit(f, &err) != 0) {
        seckit_atomic_abort(f); /* the temporary file goes; dst is untouched */
        if (err.code != 0 && seckit_error_category(err.code) != SECKIT_CAT_IO)
            name_object(&err, src->bucket, src->key);
        rc = cli_fail(o->sub, &err);
    } else if (!o->quiet && !o->only_errors) {
        printf("download: s3://%s/%s to %s (%lld bytes)\n", src->bucket, src->key, path,
               written);
    }
    free(path);
    return rc;
}

static int server_copy(s3_opts *o, seckit_aws *aws, s3_url *src, s3_url *dst)
{
    if (src->key[0] == '\0')
        return cli_usage_error(o->sub, "s3://%s names no object", src->bucket);
    char *key = dst->key[0] == '\0' || dst->key[strlen(dst->key) - 1] == '/'
                    ? join(dst->key, base_name(src->key))
                    : strdup(dst->key);
    if (key == NULL) {
        cli_message(o->sub, "out of memory");
        return EXIT_IO;
    }
    seckit_s3_copy req = {
        .src_bucket = src->bucket,
        .src_key = src->key,
        .bucket = dst->bucket,
        .key = key,
        .replace_metadata = o->directive == 1,
        .content_type = o->content_type,
        .metadata = o->meta,
        .metadata_count = o->meta_count,
        .src_version_id = o->version_id,
        .copy_source_if_match = o->copy_if_match,
        .part_size = o->part_size_set ? o->part_size : 0, /* copies over 5 GiB */
        .write = o->write,
    };
    seckit_s3_copy_result res;
    seckit_error err;
    seckit_error_clear(&err);
    int rc = 0;
    if (seckit_s3_copy_object(aws, &req, &res, &err) != 0) {
        name_object(&err, dst->bucket, key);
        rc = cli_fail(o->sub, &err);
    }
    else {
        char parts[48] = "", version[1100] = "";
        if (res.parts > 0)
            snprintf(parts, sizeof(parts), "%d parts", res.parts);
        if (res.version_id[0] != '\0')
            snprintf(version, sizeof(version), "%sversion %s", parts[0] ? ", " : "",
                     res.version_id);
        if (!o->quiet && !o->only_errors)
            printf("copy: s3://%s/%s to s3://%s/%s%s%s%s%s\n", src->bucket, src->key,
                   dst->bucket, key, parts[0] || version[0] ? " (" : "", parts, version,
                   parts[0] || version[0] ? ")" : "");
    }
    free(key);
    return rc;
}

/* cp, sync and mv: one object as before, or (--recursive, sync, mv,
 * filters, --dryrun) through the many-file transfer (s3_transfer.c). */
static int transfer(s3_opts *o, int argc, char **argv, enum cli_s3_verb verb)
{
    const char *name = verb == CLI_S3_SYNC ? "sync" : verb == CLI_S3_MV ? "mv" : "cp";
    if (argc != 2)
        return cli_usage_error(o->sub, "%s takes SOURCE and DESTINATION", name);
    const char *src = argv[0], *dst = argv[1];
    int s3src = is_s3(src), s3dst = is_s3(dst);
    if (!s3src && !s3dst)
        return cli_usage_error(o->sub, "%s: one of SOURCE and DESTINATION must be s3://...",
                               name);
    int many = verb != CLI_S3_CP || o->recursive || o->dryrun || o->filter_count > 0;
    if (many && (strcmp(src, "-") == 0 || strcmp(dst, "-") == 0))
        return cli_usage_error(o->sub, "standard input and output are for cp of one object "
                                       "(without --recursive, --dryrun, --exclude or "
                                       "--include)");
    if (verb != CLI_S3_CP && o->keys.any)
        return cli_usage_error(o->sub, "key options are for cp: %s does not take them (%s)",
                               name, verb == CLI_S3_SYNC
                                         ? "an encrypted object's size and time are not its "
                                           "file's; use cp --recursive with a key option"
                                         : "copy with cp and a key option, then rm");
    if (many && (o->version_id != NULL || o->copy_if_match != NULL))
        return cli_usage_error(o->sub, "--version-id and --copy-source-if-match are for cp of "
                                       "one object");
    if (o->sync_delete && verb != CLI_S3_SYNC)
        return cli_usage_error(o->sub, "--delete is a sync option");
    if (o->directive >= 0 && !(s3src && s3dst))
        return cli_usage_error(o->sub, "--metadata-directive is for s3:// to s3:// copies");
    if (s3src && s3dst && o->directive != 1 && (o->meta_count > 0 || o->content_type != NULL))
        return cli_usage_error(o->sub, "--metadata/--content-type on an s3:// to s3:// copy "
                                       "need --metadata-directive REPLACE");
    if (o->range != NULL && (!s3src || s3dst))
        return cli_usage_error(o->sub, "--range is for downloads");
    if (o->range != NULL && o->recursive)
        return cli_usage_error(o->sub, "--range is for one object, not --recursive");
    if (s3src && !s3dst && (o->meta_count > 0 || o->content_type != NULL))
        return cli_usage_error(o->sub, "--metadata/--content-type are for uploads and copies");
    if (o->version_id != NULL && !s3src)
        return cli_usage_error(o->sub, "--version-id is for downloads and s3:// to s3:// copies");
    if (o->no_overwrite && (s3src || !s3dst))
        return cli_usage_error(o->sub, "--no-overwrite is for uploads");
    if (o->copy_if_match != NULL && !(s3src && s3dst))
        return cli_usage_error(o->sub, "--copy-source-if-match is for s3:// to s3:// copies");
    int any_write = o->write.storage_class != NULL || o->write.sse != NULL ||
                    o->write.sse_kms_key_id != NULL || o->write.acl != NULL;
    if (any_write && !s3dst)
        return cli_usage_error(o->sub, "--storage-class, --sse, --sse-kms-key-id and --acl are "
                                       "for uploads and copies");
    int rc = 0;
    if (o->keys.any) {
        if (s3src && s3dst)
            return cli_usage_error(o->sub, "key options are for uploads and downloads (to "
                                           "change an object's key, use seckit s3 rewrap)");
        if ((rc = cli_s3cse_opts_check(&o->keys, o->sub,
                                       s3dst ? CLI_S3CSE_ENCRYPT : CLI_S3CSE_DECRYPT)) != 0)
            return rc;
    } else if (o->buffer_limit_set || o->suffix != NULL) {
        return cli_usage_error(o->sub, "--max-buffer and --instruction-suffix are for "
                                       "encrypted transfers (with a key option)");
    }
    s3_url us = {0}, ud = {0};
    if (s3src && (rc = parse_url(o->sub, src, &us)) != 0)
        return rc;
    if (s3dst && (rc = parse_url(o->sub, dst, &ud)) != 0) {
        free_url(&us);
        return rc;
    }
    seckit_aws *aws = NULL;
    cli_s3cse_ctx enc;
    int have_enc = 0;
    if ((rc = make_client(o, &aws)) == 0 && o->keys.any) {
        rc = cli_s3cse_ctx_make(&o->keys, o->sub, aws, &enc);
        if (rc == 0) {
            have_enc = 1;
            enc.instruction_suffix = o->suffix;
            enc.write = o->write;
            enc.quiet = o->quiet || o->only_errors;
            o->enc = &enc;
        }
    }
    if (rc == 0 && many) {
        cli_s3_place ps = {src, s3src ? us.bucket : NULL, s3src ? us.key : ""};
        cli_s3_place pd = {dst, s3dst ? ud.bucket : NULL, s3dst ? ud.key : ""};
        cli_s3_xfer x = {
            .sub = o->sub,
            .verb = verb,
            .recursive = o->recursive,
            .aws_opts = &o->aws,
            .aws = aws,
            .filters = o->filters,
            .filter_count = o->filter_count,
            .dryrun = o->dryrun,
            .quiet = o->quiet,
            .only_errors = o->only_errors,
            .progress = o->progress,
            .sync_delete = o->sync_delete,
            .follow_symlinks = o->follow_symlinks,
            .concurrency = (unsigned)o->concurrency,
            .part_size = o->part_size_set ? o->part_size : 0,
            .content_type = o->content_type,
            .meta = o->meta,
            .meta_count = o->meta_count,
            .replace_metadata = o->directive == 1,
            .no_overwrite = o->no_overwrite,
            .write = o->write,
            .enc = o->enc,
            .suffix = o->suffix,
            .buffer_limit = o->buffer_limit,
        };
        rc = cli_s3_transfer(&x, &ps, &pd);
    } else if (rc == 0) {
        if (s3src && s3dst)
            rc = server_copy(o, aws, &us, &ud);
        else if (s3dst)
            rc = upload(o, aws, src, &ud);
        else
            rc = download(o, aws, &us, dst);
    }
    if (have_enc)
        cli_s3cse_ctx_free(&enc);
    o->enc = NULL;
    seckit_aws_free(aws);
    if (rc == 0 && fflush(stdout) != 0) {
        cli_message(o->sub, "writing to standard output failed: %s", strerror(errno));
        rc = EXIT_IO;
    }
    free_url(&us);
    free_url(&ud);
    return rc;
}

static int cmd_cp(s3_opts *o, int argc, char **argv) { return transfer(o, argc, argv, CLI_S3_CP); }
static int cmd_sync(s3_opts *o, int argc, char **argv)
{
    return transfer(o, argc, argv, CLI_S3_SYNC);
}
static int cmd_mv(s3_opts *o, int argc, char **argv) { return transfer(o, argc, argv, CLI_S3_MV); }

static int run(int argc, char **argv)
{
    static const struct option options[] = {
        {"recursive", no_argument, NULL, OPT_RECURSIVE},
        {"page-size", required_argument, NULL, OPT_PAGE_SIZE},
        {"part-size", required_argument, NULL, OPT_PART_SIZE},
        {"content-type", required_argument, NULL, OPT_CONTENT_TYPE},
        {"metadata", required_argument, NULL, OPT_METADATA},
        {"metadata-directive", required_argument, NULL, OPT_METADATA_DIRECTIVE},
        {"range", required_argument, NULL, OPT_RANGE},
        {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
        {"max-buffer", required_argument, NULL, OPT_BUFFER_LIMIT},
        {"instruction-suffix", required_argument, NULL, OPT_SUFFIX},
        CLI_S3CSE_LONG_OPTIONS,
        CLI_S3CSE_INSTRUCTION_FILE_OPTION,
        {"version-id", required_argument, NULL, OPT_VERSION_ID},
        {"no-overwrite", no_argument, NULL, OPT_NO_OVERWRITE},
        {"copy-source-if-match", required_argument, NULL, OPT_COPY_IF_MATCH},
        {"human-readable", no_argument, NULL, OPT_HUMAN},
        {"summarize", no_argument, NULL, OPT_SUMMARIZE},
        {"expires-in", required_argument, NULL, OPT_EXPIRES_IN},
        {"method", required_argument, NULL, OPT_METHOD},
        {"storage-class", required_argument, NULL, OPT_STORAGE_CLASS},
        {"sse", required_argument, NULL, OPT_SSE},
        {"sse-kms-key-id", required_argument, NULL, OPT_SSE_KMS_KEY_ID},
        {"acl", required_argument, NULL, OPT_ACL},
        {"exclude", required_argument, NULL, OPT_EXCLUDE},
        {"include", required_argument, NULL, OPT_INCLUDE},
        {"dryrun", no_argument, NULL, OPT_DRYRUN},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"only-show-errors", no_argument, NULL, OPT_ONLY_ERRORS},
        {"max-concurrent-requests", required_argument, NULL, OPT_MAX_CONCURRENT},
        {"delete", no_argument, NULL, OPT_DELETE},
        {"follow-symlinks", no_argument, NULL, OPT_FOLLOW_SYMLINKS},
        {"no-follow-symlinks", no_argument, NULL, OPT_NO_FOLLOW_SYMLINKS},
        CLI_AWS_LONG_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    s3_opts o = {.sub = "s3", .part_size = 8LL * 1024 * 1024, .directive = -1, .progress = 1,
                 .buffer_limit = 64LL * 1024 * 1024, .follow_symlinks = 1, .concurrency = 10};
    o.aws.endpoint_service = "s3"; /* --endpoint-url is for S3 only */
    int c, rc;

    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return EXIT_OK_;
    }
    if (argc < 2 || argv[1][0] == '-')
        return cli_usage_error(o.sub, "missing subcommand: ls, cp, sync, mv, rm, mb, rb, presign, head, "
                                      "rewrap, encrypt or decrypt");
    const char *verb = argv[1];
    if (strcmp(verb, "head") == 0)
        return cli_s3_head(argc - 1, argv + 1);
    if (strcmp(verb, "rewrap") == 0)
        return cli_s3_rewrap(argc - 1, argv + 1);
    if (strcmp(verb, "encrypt") == 0 || strcmp(verb, "decrypt") == 0)
        return cli_s3cse_offline_run(argc - 1, argv + 1);
    int (*fn)(s3_opts *, int, char **) = NULL;
    if (strcmp(verb, "ls") == 0)
        fn = cmd_ls;
    else if (strcmp(verb, "cp") == 0)
        fn = cmd_cp;
    else if (strcmp(verb, "sync") == 0)
        fn = cmd_sync;
    else if (strcmp(verb, "mv") == 0)
        fn = cmd_mv;
    else if (strcmp(verb, "rm") == 0)
        fn = cmd_rm;
    else if (strcmp(verb, "mb") == 0)
        fn = cmd_mb;
    else if (strcmp(verb, "rb") == 0)
        fn = cmd_rb;
    else if (strcmp(verb, "presign") == 0)
        fn = cmd_presign;
    else
        return cli_usage_error(o.sub, "unknown subcommand '%s' (ls, cp, sync, mv, rm, mb, rb, presign, "
                                      "head, rewrap, encrypt or decrypt)", verb);
    argc--;
    argv++;

    int have_ls_opt = 0, have_cp_opt = 0, have_recursive = 0, have_version = 0;
    int have_presign_opt = 0;
    const char *ls_opt = "--page-size";
    int have_filter_opt = 0; /* cp, sync, mv and rm */
    cli_s3cse_opts_init(&o.keys);
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (cli_aws_option(c, optarg, &o.aws))
            continue;
        int kr = cli_s3cse_option(&o.keys, o.sub, c, optarg);
        if (kr == CLI_S3CSE_TAKEN) {
            have_cp_opt = 1;
            continue;
        }
        if (kr != CLI_S3CSE_NOT_OURS) {
            rc = kr;
            goto done;
        }
        unsigned long long sz = 0; /* a SIZE option */
        switch (c) {
        case OPT_RECURSIVE: o.recursive = 1; have_recursive = 1; break;
        case OPT_EXCLUDE:
        case OPT_INCLUDE: {
            cli_s3_filter *nf = realloc(o.filters, (o.filter_count + 1) * sizeof(*nf));
            if (nf == NULL) {
                cli_message(o.sub, "out of memory");
                rc = EXIT_IO;
                goto done;
            }
            o.filters = nf;
            o.filters[o.filter_count].include = c == OPT_INCLUDE;
            o.filters[o.filter_count].pattern = optarg;
            o.filter_count++;
            have_filter_opt = 1;
            break;
        }
        case OPT_DRYRUN: o.dryrun = 1; have_filter_opt = 1; break;
        case OPT_QUIET: o.quiet = 1; have_filter_opt = 1; break;
        case OPT_ONLY_ERRORS: o.only_errors = 1; have_filter_opt = 1; break;
        case OPT_DELETE: o.sync_delete = 1; have_cp_opt = 1; break;
        case OPT_FOLLOW_SYMLINKS: o.follow_symlinks = 1; have_cp_opt = 1; break;
        case OPT_NO_FOLLOW_SYMLINKS: o.follow_symlinks = 0; have_cp_opt = 1; break;
        case OPT_MAX_CONCURRENT:
            if (cli_parse_uint(optarg, 1, 128, &o.concurrency) != 0) {
                rc = cli_usage_error(o.sub, "--max-concurrent-requests must be 1..128, not "
                                            "'%s'", optarg);
                goto done;
            }
            have_cp_opt = 1;
            break;
        case OPT_BUFFER_LIMIT:
            if (cli_parse_size(optarg, 1ULL << 34, &sz) != 0) {
                rc = cli_usage_error(o.sub, "--max-buffer must be a size up to 16GiB, not "
                                            "'%s'", optarg);
                goto done;
            }
            o.buffer_limit = (long long)sz;
            o.buffer_limit_set = 1;
            have_cp_opt = 1;
            break;
        case OPT_SUFFIX:
            if (optarg[0] == '\0' || strchr(optarg, '/') != NULL) {
                rc = cli_usage_error(o.sub, "--instruction-suffix wants a suffix such as "
                                            ".instruction, not '%s'", optarg);
                goto done;
            }
            o.suffix = optarg;
            have_cp_opt = 1;
            break;
        case OPT_PAGE_SIZE:
            if (cli_parse_uint(optarg, 1, 1000, &o.page_size) != 0) {
                rc = cli_usage_error(o.sub, "--page-size must be 1..1000, not '%s'", optarg);
                goto done;
            }
            have_ls_opt = 1;
            break;
        case OPT_HUMAN:
        case OPT_SUMMARIZE:
            if (c == OPT_HUMAN)
                o.human = 1;
            else
                o.summarize = 1;
            have_ls_opt = 1;
            ls_opt = c == OPT_HUMAN ? "--human-readable" : "--summarize";
            break;
        case OPT_EXPIRES_IN: {
            unsigned long secs = 0;
            if (cli_parse_uint(optarg, 1, 604800, &secs) != 0) {
                rc = cli_usage_error(o.sub, "--expires-in must be 1..604800 seconds (7 days), "
                                            "not '%s'", optarg);
                goto done;
            }
            o.expires_in = (long)secs;
            have_presign_opt = 1;
            break;
        }
        case OPT_METHOD:
            if (strcmp(optarg, "GET") != 0 && strcmp(optarg, "PUT") != 0) {
                rc = cli_usage_error(o.sub, "--method is GET or PUT, not '%s'", optarg);
                goto done;
            }
            o.method = optarg;
            have_presign_opt = 1;
            break;
        case OPT_STORAGE_CLASS: o.write.storage_class = optarg; have_cp_opt = 1; break;
        case OPT_SSE: o.write.sse = optarg; have_cp_opt = 1; break;
        case OPT_SSE_KMS_KEY_ID: o.write.sse_kms_key_id = optarg; have_cp_opt = 1; break;
        case OPT_ACL: o.write.acl = optarg; have_cp_opt = 1; break;
        case OPT_PART_SIZE:
            if (cli_parse_size(optarg, SECKIT_S3_MAX_PART_SIZE, &sz) != 0 ||
                sz < SECKIT_S3_MIN_PART_SIZE) {
                rc = cli_usage_error(o.sub, "--part-size must be 5MiB..5GiB, not '%s'", optarg);
                goto done;
            }
            o.part_size = (long long)sz;
            o.part_size_set = 1;
            have_cp_opt = 1;
            break;
        case OPT_CONTENT_TYPE: o.content_type = optarg; have_cp_opt = 1; break;
        case OPT_METADATA:
            free(o.metadata_arg);
            o.metadata_arg = strdup(optarg);
            if (o.metadata_arg == NULL) {
                cli_message(o.sub, "out of memory");
                rc = EXIT_IO;
                goto done;
            }
            if ((rc = parse_metadata(&o, o.metadata_arg)) != 0)
                goto done;
            have_cp_opt = 1;
            break;
        case OPT_METADATA_DIRECTIVE:
            if (strcmp(optarg, "COPY") == 0)
                o.directive = 0;
            else if (strcmp(optarg, "REPLACE") == 0)
                o.directive = 1;
            else {
                rc = cli_usage_error(o.sub, "--metadata-directive is COPY or REPLACE, not '%s'",
                                     optarg);
                goto done;
            }
            have_cp_opt = 1;
            break;
        case OPT_RANGE: o.range = optarg; have_cp_opt = 1; break;
        case OPT_NO_PROGRESS: o.progress = 0; have_cp_opt = 1; break;
        case OPT_VERSION_ID:
            if (optarg[0] == '\0') {
                rc = cli_usage_error(o.sub, "--version-id needs a version id");
                goto done;
            }
            o.version_id = optarg;
            have_version = 1;
            break;
        case OPT_NO_OVERWRITE: o.no_overwrite = 1; have_cp_opt = 1; break;
        case OPT_COPY_IF_MATCH:
            if (optarg[0] == '\0') {
                rc = cli_usage_error(o.sub, "--copy-source-if-match needs an ETag");
                goto done;
            }
            o.copy_if_match = optarg;
            have_cp_opt = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            rc = EXIT_OK_;
            goto done;
        default:
            rc = cli_bad_option(o.sub, c, argv);
            goto done;
        }
    }
    seckit_error werr;
    seckit_error_clear(&werr);
    if (have_ls_opt && fn != cmd_ls)
        rc = cli_usage_error(o.sub, "%s is an ls option", ls_opt);
    else if (have_presign_opt && fn != cmd_presign)
        rc = cli_usage_error(o.sub, "--expires-in and --method are presign options");
    else if (seckit_s3_check_write_options(&o.write, &werr) != 0)
        rc = cli_usage_error(o.sub, "%s", werr.message);
    else if (have_recursive && fn != cmd_ls && fn != cmd_rm && fn != cmd_cp && fn != cmd_mv)
        rc = cli_usage_error(o.sub, "--recursive is for ls, cp, mv and rm (sync always is)");
    else if (have_version && fn != cmd_cp && fn != cmd_rm && fn != cmd_presign)
        rc = cli_usage_error(o.sub, "--version-id is for cp, rm and presign");
    else if (have_cp_opt && fn != cmd_cp && fn != cmd_sync && fn != cmd_mv)
        rc = cli_usage_error(o.sub, "that option is for cp, sync and mv");
    else if (have_filter_opt && fn != cmd_cp && fn != cmd_sync && fn != cmd_mv && fn != cmd_rm)
        rc = cli_usage_error(o.sub, "--exclude, --include, --dryrun, --quiet and "
                                    "--only-show-errors are for cp, sync, mv and rm");
    else
        rc = fn(&o, argc - optind, argv + optind);
done: /* every exit after the options were parsed, usage errors included */
    free(o.filters);
    free(o.metadata_arg);
    cli_s3cse_opts_free(&o.keys);
    return rc;
}

const cli_command cmd_s3 = {
    "s3",
    "S3 transfers with optional client-side encryption: ls, cp, sync, mv, rm, mb, rb, presign, head, "
    "rewrap",
    usage,
    run,
};
