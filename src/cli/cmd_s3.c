/* seckit s3 ls|cp|rm: plain S3 object transfers with the AWS CLI's
 * s3://bucket/key form, over libseckit's S3 calls (seckit/s3.h).  This file
 * holds the usage text, the helpers the actions share, the small actions
 * (presign, mb, rb) and the dispatcher; ls, rm and cp|sync|mv are in
 * s3_ls.c, s3_rm.c and s3_cp.c, head and rewrap in s3cse_online.c, encrypt
 * and decrypt in cmd_s3cse.c. */
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

#include "src/cli/s3cse_online.h"
#include "src/cli/s3cse_opts.h"
#include "src/cli/cmd_s3cse.h"
#include "src/cli/s3_transfer.h"
#include "src/cli/cmd_s3.h"

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
    "       seckit s3 rewrap --manifest FILE KEY-OPTIONS TARGET [rewrap options] [AWS options]\n" CLI_S3CSE_OFFLINE_SYNOPSIS
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
    "Key options (cp, rewrap, encrypt, decrypt):\n" CLI_S3CSE_USAGE_KEYS
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
    "\n" CLI_S3CSE_OFFLINE_USAGE "\n"
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

/* ---- what the actions share (cmd_s3.h) ------------------------------------ */

int s3_parse_url(const char *sub, const char *s, s3_url *u)
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

void s3_free_url(s3_url *u)
{
    free(u->bucket);
    free(u->key);
}

char *s3_join(const char *a, const char *b)
{
    char *s = malloc(strlen(a) + strlen(b) + 1);
    if (s != NULL) {
        strcpy(s, a);
        strcat(s, b);
    }
    return s;
}

/* A size as the AWS CLI's --human-readable shows it: "1 Byte", "N Bytes"
 * below 1 KiB, else one decimal in the smallest binary unit in which the
 * rounded number stays below 1024 ("1.0 KiB", "11.1 MiB"). */
void s3_show_size(char *buf, size_t cap, long long n)
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

/* ---- the client ---------------------------------------------------------- */

int s3_make_client(s3_opts *o, seckit_aws **aws)
{
    seckit_error err;
    seckit_error_clear(&err);
    cli_aws_interactive(&o->aws);
    if (seckit_aws_new(aws, &o->aws, &err) != 0)
        return cli_fail(o->sub, &err);
    return 0;
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

/* ---- presign ---------------------------------------------------------------- */

static int cmd_presign(s3_opts *o, int argc, char **argv)
{
    if (argc != 1 || !s3_is_url(argv[0]))
        return cli_usage_error(o->sub, "presign takes one s3://BUCKET/KEY");
    const char *method = o->method != NULL ? o->method : "GET";
    if (o->version_id != NULL && strcmp(method, "GET") != 0)
        return cli_usage_error(o->sub, "--version-id is for presigned GETs");
    s3_url u = {0};
    int rc = s3_parse_url(o->sub, argv[0], &u);
    if (rc != 0)
        return rc;
    if (u.key[0] == '\0') {
        s3_free_url(&u);
        return cli_usage_error(o->sub, "'%s' names no object key", argv[0]);
    }
    seckit_aws *aws = NULL;
    if ((rc = s3_make_client(o, &aws)) == 0) {
        seckit_error err;
        seckit_error_clear(&err);
        char *url = NULL;
        if (seckit_s3_presign(aws, &url, method, u.bucket, u.key, o->version_id,
                              o->expires_in > 0 ? o->expires_in : 3600, &err) != 0) {
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
    s3_free_url(&u);
    return rc;
}
/* ---- mb / rb ------------------------------------------------------------- */

static int bucket_cmd(s3_opts *o, int argc, char **argv, int make)
{
    if (argc != 1 || !s3_is_url(argv[0]))
        return cli_usage_error(o->sub, "%s takes one s3://BUCKET", make ? "mb" : "rb");
    s3_url u = {0};
    int rc = s3_parse_url(o->sub, argv[0], &u);
    if (rc != 0)
        return rc;
    if (u.key[0] != '\0') {
        s3_free_url(&u);
        return cli_usage_error(o->sub, "'%s' is not just a bucket", argv[0]);
    }
    seckit_aws *aws = NULL;
    if ((rc = s3_make_client(o, &aws)) == 0) {
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
    s3_free_url(&u);
    return rc;
}

static int cmd_mb(s3_opts *o, int argc, char **argv)
{
    return bucket_cmd(o, argc, argv, 1);
}
static int cmd_rb(s3_opts *o, int argc, char **argv)
{
    return bucket_cmd(o, argc, argv, 0);
}

/* ---- the dispatcher and the options ------------------------------------- */

typedef int (*s3_action)(s3_opts *o, int argc, char **argv);

/* The action a verb names (head, rewrap, encrypt and decrypt parse their
 * own options, in s3cse_online.c and cmd_s3cse.c); NULL when none. */
static s3_action find_action(const char *verb)
{
    if (strcmp(verb, "ls") == 0)
        return cli_s3_ls;
    if (strcmp(verb, "cp") == 0)
        return cli_s3_cp;
    if (strcmp(verb, "sync") == 0)
        return cli_s3_sync;
    if (strcmp(verb, "mv") == 0)
        return cli_s3_mv;
    if (strcmp(verb, "rm") == 0)
        return cli_s3_rm;
    if (strcmp(verb, "mb") == 0)
        return cmd_mb;
    if (strcmp(verb, "rb") == 0)
        return cmd_rb;
    if (strcmp(verb, "presign") == 0)
        return cmd_presign;
    return NULL;
}

/* Which kinds of option were given, to check that they go with the action. */
typedef struct s3_seen {
    int ls, cp, recursive, version, presign;
    int filter; /* cp, sync, mv and rm */
    const char *ls_opt;
} s3_seen;

/* take_option's answer when the command goes on (anything else is the
 * exit code: --help, a usage error). */
#define GO_ON (-1)

/* An option of cp, sync and mv (c, its value in optarg) into o. */
static int take_cp_option(s3_opts *o, int c, s3_seen *seen)
{
    int rc;
    unsigned long long sz = 0; /* a SIZE option */
    seen->cp = 1;
    switch (c) {
    case OPT_DELETE: o->sync_delete = 1; break;
    case OPT_FOLLOW_SYMLINKS: o->follow_symlinks = 1; break;
    case OPT_NO_FOLLOW_SYMLINKS: o->follow_symlinks = 0; break;
    case OPT_MAX_CONCURRENT:
        if (cli_parse_uint(optarg, 1, 128, &o->concurrency) != 0) {
            return cli_usage_error(o->sub,
                                   "--max-concurrent-requests must be 1..128, not "
                                   "'%s'",
                                   optarg);
        }
        break;
    case OPT_BUFFER_LIMIT:
        if (cli_parse_size(optarg, 1ULL << 34, &sz) != 0) {
            return cli_usage_error(o->sub,
                                   "--max-buffer must be a size up to 16GiB, not "
                                   "'%s'",
                                   optarg);
        }
        o->buffer_limit = (long long)sz;
        o->buffer_limit_set = 1;
        break;
    case OPT_SUFFIX:
        if (optarg[0] == '\0' || strchr(optarg, '/') != NULL) {
            return cli_usage_error(o->sub,
                                   "--instruction-suffix wants a suffix such as "
                                   ".instruction, not '%s'",
                                   optarg);
        }
        o->suffix = optarg;
        break;
    case OPT_STORAGE_CLASS: o->write.storage_class = optarg; break;
    case OPT_SSE: o->write.sse = optarg; break;
    case OPT_SSE_KMS_KEY_ID: o->write.sse_kms_key_id = optarg; break;
    case OPT_ACL: o->write.acl = optarg; break;
    case OPT_PART_SIZE:
        if (cli_parse_size(optarg, SECKIT_S3_MAX_PART_SIZE, &sz) != 0 ||
            sz < SECKIT_S3_MIN_PART_SIZE) {
            return cli_usage_error(o->sub, "--part-size must be 5MiB..5GiB, not '%s'", optarg);
        }
        o->part_size = (long long)sz;
        o->part_size_set = 1;
        break;
    case OPT_CONTENT_TYPE: o->content_type = optarg; break;
    case OPT_METADATA:
        free(o->metadata_arg);
        o->metadata_arg = strdup(optarg);
        if (o->metadata_arg == NULL) {
            cli_message(o->sub, "out of memory");
            return EXIT_IO;
        }
        if ((rc = parse_metadata(o, o->metadata_arg)) != 0)
            return rc;
        break;
    case OPT_METADATA_DIRECTIVE:
        if (strcmp(optarg, "COPY") == 0)
            o->directive = 0;
        else if (strcmp(optarg, "REPLACE") == 0)
            o->directive = 1;
        else {
            return cli_usage_error(o->sub, "--metadata-directive is COPY or REPLACE, not '%s'",
                                   optarg);
        }
        break;
    case OPT_RANGE: o->range = optarg; break;
    case OPT_NO_PROGRESS: o->progress = 0; break;
    case OPT_NO_OVERWRITE: o->no_overwrite = 1; break;
    case OPT_COPY_IF_MATCH:
        if (optarg[0] == '\0') {
            return cli_usage_error(o->sub, "--copy-source-if-match needs an ETag");
        }
        o->copy_if_match = optarg;
        break;
    }
    return GO_ON;
}

/* One option c (its value in optarg) into o: the key options, those
 * of ls, presign and the many-file transfers here, cp's in take_cp_option. */
static int take_option(s3_opts *o, int c, s3_seen *seen)
{
    int kr = cli_s3cse_option(&o->keys, o->sub, c, optarg);
    if (kr == CLI_S3CSE_TAKEN) {
        seen->cp = 1;
        return GO_ON;
    }
    if (kr != CLI_S3CSE_NOT_OURS)
        return kr;
    switch (c) {
    case OPT_RECURSIVE:
        o->recursive = 1;
        seen->recursive = 1;
        break;
    case OPT_EXCLUDE:
    case OPT_INCLUDE: {
        cli_s3_filter *nf = realloc(o->filters, (o->filter_count + 1) * sizeof(*nf));
        if (nf == NULL) {
            cli_message(o->sub, "out of memory");
            return EXIT_IO;
        }
        o->filters = nf;
        o->filters[o->filter_count].include = c == OPT_INCLUDE;
        o->filters[o->filter_count].pattern = optarg;
        o->filter_count++;
        seen->filter = 1;
        break;
    }
    case OPT_DRYRUN:
        o->dryrun = 1;
        seen->filter = 1;
        break;
    case OPT_QUIET:
        o->quiet = 1;
        seen->filter = 1;
        break;
    case OPT_ONLY_ERRORS:
        o->only_errors = 1;
        seen->filter = 1;
        break;
    case OPT_PAGE_SIZE:
        if (cli_parse_uint(optarg, 1, 1000, &o->page_size) != 0) {
            return cli_usage_error(o->sub, "--page-size must be 1..1000, not '%s'", optarg);
        }
        seen->ls = 1;
        break;
    case OPT_HUMAN:
    case OPT_SUMMARIZE:
        if (c == OPT_HUMAN)
            o->human = 1;
        else
            o->summarize = 1;
        seen->ls = 1;
        seen->ls_opt = c == OPT_HUMAN ? "--human-readable" : "--summarize";
        break;
    case OPT_EXPIRES_IN: {
        unsigned long secs = 0;
        if (cli_parse_uint(optarg, 1, 604800, &secs) != 0) {
            return cli_usage_error(o->sub,
                                   "--expires-in must be 1..604800 seconds (7 days), "
                                   "not '%s'",
                                   optarg);
        }
        o->expires_in = (long)secs;
        seen->presign = 1;
        break;
    }
    case OPT_METHOD:
        if (strcmp(optarg, "GET") != 0 && strcmp(optarg, "PUT") != 0) {
            return cli_usage_error(o->sub, "--method is GET or PUT, not '%s'", optarg);
        }
        o->method = optarg;
        seen->presign = 1;
        break;
    case OPT_VERSION_ID:
        if (optarg[0] == '\0') {
            return cli_usage_error(o->sub, "--version-id needs a version id");
        }
        o->version_id = optarg;
        seen->version = 1;
        break;
    default: return take_cp_option(o, c, seen);
    }
    return GO_ON;
}

/* The options given go with the action fn: 0, or the usage error's code. */
static int check_fit(s3_opts *o, s3_action fn, const s3_seen *seen)
{
    seckit_error werr;
    seckit_error_clear(&werr);
    if (seen->ls && fn != cli_s3_ls)
        return cli_usage_error(o->sub, "%s is an ls option", seen->ls_opt);
    if (seen->presign && fn != cmd_presign)
        return cli_usage_error(o->sub, "--expires-in and --method are presign options");
    if (seckit_s3_check_write_options(&o->write, &werr) != 0)
        return cli_usage_error(o->sub, "%s", werr.message);
    if (seen->recursive && fn != cli_s3_ls && fn != cli_s3_rm && fn != cli_s3_cp && fn != cli_s3_mv)
        return cli_usage_error(o->sub, "--recursive is for ls, cp, mv and rm (sync always is)");
    if (seen->version && fn != cli_s3_cp && fn != cli_s3_rm && fn != cmd_presign)
        return cli_usage_error(o->sub, "--version-id is for cp, rm and presign");
    if (seen->cp && fn != cli_s3_cp && fn != cli_s3_sync && fn != cli_s3_mv)
        return cli_usage_error(o->sub, "that option is for cp, sync and mv");
    if (seen->filter && fn != cli_s3_cp && fn != cli_s3_sync && fn != cli_s3_mv && fn != cli_s3_rm)
        return cli_usage_error(o->sub, "--exclude, --include, --dryrun, --quiet and "
                                       "--only-show-errors are for cp, sync, mv and rm");
    return 0;
}

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
    s3_opts o = {.sub = "s3",
                 .write = SECKIT_S3_WRITE_OPTIONS_INIT,
                 .aws = SECKIT_AWS_OPTIONS_INIT,
                 .part_size = 8LL * 1024 * 1024,
                 .directive = -1,
                 .progress = 1,
                 .buffer_limit = 64LL * 1024 * 1024,
                 .follow_symlinks = 1,
                 .concurrency = 10};
    o.aws.endpoint_service = "s3"; /* --endpoint-url is for S3 only */
    int c, rc = GO_ON;

    if (cli_help_asked(argc, argv, usage))
        return EXIT_OK_;
    if (argc < 2 || argv[1][0] == '-')
        return cli_usage_error(o.sub,
                               "missing subcommand: ls, cp, sync, mv, rm, mb, rb, presign, head, "
                               "rewrap, encrypt or decrypt");
    const char *verb = argv[1];
    if (strcmp(verb, "head") == 0)
        return cli_s3_head(argc - 1, argv + 1);
    if (strcmp(verb, "rewrap") == 0)
        return cli_s3_rewrap(argc - 1, argv + 1);
    if (strcmp(verb, "encrypt") == 0 || strcmp(verb, "decrypt") == 0)
        return cli_s3cse_offline_run(argc - 1, argv + 1);
    s3_action fn = find_action(verb);
    if (fn == NULL)
        return cli_usage_error(o.sub,
                               "unknown subcommand '%s' (ls, cp, sync, mv, rm, mb, rb, presign, "
                               "head, rewrap, encrypt or decrypt)",
                               verb);
    argc--;
    argv++;

    s3_seen seen = {.ls_opt = "--page-size"};
    cli_s3cse_opts_init(&o.keys);
    cli_opt_loop loop = {.sub = o.sub, .usage = usage, .options = options, .aws = &o.aws};
    while (rc == GO_ON && (c = cli_next_option(&loop, argc, argv)) >= 0)
        rc = take_option(&o, c, &seen);
    if (c == CLI_OPT_STOP)
        rc = loop.exit;
    if (rc == GO_ON && (rc = check_fit(&o, fn, &seen)) == 0)
        rc = fn(&o, argc - optind, argv + optind);
    /* every exit after the options were parsed, usage errors included */
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
