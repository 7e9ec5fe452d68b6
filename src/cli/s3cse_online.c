/* S3 client-side encryption against S3 in the command (s3cse_online.h):
 * encrypted cp in both directions, `seckit s3 head` and `seckit s3 rewrap`
 * (one object, or a manifest split in shards with a completion report). */
#include "config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/cli/cli.h"
#include "src/cli/s3cse_online.h"

extern const cli_command cmd_s3;

/* ---- keyrings and options ---------------------------------------------- */

static int keyring_of(const cli_s3cse_key *k, seckit_aws *aws, seckit_s3cse_keyring **kr,
                      seckit_error *err)
{
    seckit_s3cse_kv md[CLI_S3CSE_PAIRS_MAX];
    for (size_t i = 0; i < k->n_matdesc; i++) {
        md[i].name = k->matdesc[i].key;
        md[i].value = k->matdesc[i].value;
    }
    int rc;
    switch (k->kind) {
    case CLI_S3CSE_KEY_AES:
        rc = seckit_s3cse_keyring_aes_new(kr, k->key, k->key_len, md, k->n_matdesc, err);
        break;
    case CLI_S3CSE_KEY_RSA:
        rc = seckit_s3cse_keyring_rsa_new(kr, k->key, k->key_len, md, k->n_matdesc, err);
        break;
    default: rc = seckit_s3cse_keyring_kms_aws_new(kr, aws, k->kms_id, err); break;
    }
    if (rc != 0 && k->path != NULL)
        seckit_error_prefix(err, k->path);
    return rc;
}

static seckit_s3cse_commitment_policy lib_policy(cli_s3cse_policy p)
{
    switch (p) {
    case CLI_S3CSE_POLICY_REQUIRE_ALLOW: return SECKIT_S3CSE_REQUIRE_ENCRYPT_ALLOW_DECRYPT;
    case CLI_S3CSE_POLICY_FORBID_ALLOW: return SECKIT_S3CSE_FORBID_ENCRYPT_ALLOW_DECRYPT;
    default: return SECKIT_S3CSE_REQUIRE_ENCRYPT_REQUIRE_DECRYPT;
    }
}

int cli_s3cse_ctx_make(cli_s3cse_opts *k, const char *sub, seckit_aws *aws, cli_s3cse_ctx *c)
{
    seckit_error err;
    seckit_error_clear(&err);
    memset(c, 0, sizeof(*c));
    c->opts = (seckit_s3cse_options)SECKIT_S3CSE_OPTIONS_INIT;
    if (cli_s3cse_keys_load(k, &err) != 0)
        return cli_fail(sub, &err);
    seckit_s3cse_keyring *kids[CLI_S3CSE_KEYS_MAX] = {0};
    int rc = 0;
    for (size_t i = 0; i < k->n_keys && rc == 0; i++)
        rc = keyring_of(&k->keys[i], aws, &kids[i], &err);
    if (rc == 0 && k->n_keys == 1) {
        c->kr = kids[0];
        kids[0] = NULL;
    } else if (rc == 0) {
        rc = seckit_s3cse_keyring_multi_new(&c->kr, kids, k->n_keys, &err);
    }
    for (size_t i = 0; i < k->n_keys; i++)
        seckit_s3cse_keyring_free(kids[i]);
    if (rc != 0)
        return cli_fail(sub, &err);
    c->opts.envelope = cli_s3cse_envelope_version(k) == 2 ? SECKIT_S3CSE_ENVELOPE_V2
                                                          : SECKIT_S3CSE_ENVELOPE_V3;
    c->opts.commitment_policy = lib_policy(cli_s3cse_effective_policy(k));
    c->opts.security_profile = k->profile == CLI_S3CSE_PROFILE_V2_AND_LEGACY
                                   ? SECKIT_S3CSE_PROFILE_V2_AND_LEGACY
                                   : SECKIT_S3CSE_PROFILE_V2;
    c->opts.instruction_file = k->instruction_file;
    for (size_t i = 0; i < k->n_context; i++) {
        c->ec[i].name = k->context[i].key;
        c->ec[i].value = k->context[i].value;
    }
    c->opts.encryption_context = k->n_context > 0 ? c->ec : NULL;
    c->opts.encryption_context_count = k->n_context;
    c->delayed_auth = k->delayed_auth;
    return 0;
}

void cli_s3cse_ctx_free(cli_s3cse_ctx *c)
{
    if (c == NULL)
        return;
    seckit_s3cse_keyring_free(c->kr);
    c->kr = NULL;
}

/* "s3://BUCKET/KEY" in front of err's message. */
static void name_object(seckit_error *err, const char *bucket, const char *key)
{
    char name[1200];
    snprintf(name, sizeof(name), "s3://%s/%s", bucket, key);
    seckit_error_prefix(err, name);
}

/* ---- cp ------------------------------------------------------------------ */

int cli_s3cse_upload(const char *sub, const cli_s3cse_ctx *c, seckit_aws *aws, int fd,
                     long long size, const char *src_name, const char *bucket, const char *key,
                     long long part_size, const char *content_type, const seckit_s3_meta *meta,
                     size_t meta_count, const char *if_none_match, seckit_s3_progress_fn progress,
                     void *progress_ctx)
{
    seckit_s3cse_put req = {
        .bucket = bucket,
        .key = key,
        .fd = fd,
        .size = size,
        .part_size = part_size,
        .content_type = content_type,
        .metadata = meta,
        .metadata_count = meta_count,
        .opts = &c->opts,
        .keyring = c->kr,
        .instruction_suffix = c->instruction_suffix,
        .progress = progress,
        .progress_ctx = progress_ctx,
        .if_none_match = if_none_match,
        .write = c->write,
        /* no --part-size: a file up to 5 GiB goes as one streamed PutObject;
         * with it, files larger than the part size go multipart as asked */
        .single_put_max = part_size > 0 ? part_size : 0,
    };
    seckit_s3_upload_result res;
    seckit_error err;
    seckit_error_clear(&err);
    if (seckit_s3cse_put_object(aws, &res, &req, &err) != 0) {
        if (progress != NULL)
            progress(progress_ctx, -1, -1); /* ends the bar */
        name_object(&err, bucket, key);
        return cli_fail(sub, &err);
    }
    if (progress != NULL)
        progress(progress_ctx, -1, -1);
    long long pt = res.size - SECKIT_S3CSE_TAG_LEN;
    char version[1100] = ""; /* as a plain upload reports it */
    if (res.version_id[0] != '\0')
        snprintf(version, sizeof(version), ", version %s", res.version_id);
    if (c->quiet) /* --quiet, --only-show-errors */
        return EXIT_OK_;
    if (res.parts > 0)
        printf("upload: %s to s3://%s/%s (%lld bytes encrypted, %s, %d parts%s)\n", src_name,
               bucket, key, pt, c->opts.envelope == SECKIT_S3CSE_ENVELOPE_V2 ? "v2" : "v3",
               res.parts, version);
    else
        printf("upload: %s to s3://%s/%s (%lld bytes encrypted, %s%s)\n", src_name, bucket, key, pt,
               c->opts.envelope == SECKIT_S3CSE_ENVELOPE_V2 ? "v2" : "v3", version);
    return EXIT_OK_;
}

typedef struct dl_sink {
    seckit_atomic_file *file; /* a file destination */
    int fd;                   /* standard output with delayed authentication */
    unsigned char *buf;       /* standard output, held until verified */
    size_t len, cap;
    long long limit;
} dl_sink;

static int dl_write(void *ctx, const unsigned char *data, size_t len, seckit_error *err)
{
    dl_sink *s = ctx;
    if (s->file != NULL)
        return seckit_atomic_write(s->file, data, len, err);
    if (s->buf != NULL || s->limit >= 0) {
        if ((long long)(s->len + len) > s->limit)
            return seckit_error_set(err, SECKIT_ELIMIT,
                                    "the plaintext is larger than the %lld bytes held back "
                                    "until its tag verifies; download to a file, raise "
                                    "--max-buffer or accept --delayed-authentication",
                                    s->limit);
        return cli_held_append(&s->buf, &s->len, &s->cap, (size_t)s->limit, data, len, err);
    }
    while (len > 0) {
        ssize_t w = write(s->fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return seckit_error_set(err, SECKIT_EIO, "writing to standard output failed: %s",
                                    strerror(errno));
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int cli_s3cse_download(const char *sub, const cli_s3cse_ctx *c, seckit_aws *aws, const char *bucket,
                       const char *key, const char *version_id, const char *range, const char *path,
                       long long buffer_limit, seckit_s3_progress_fn progress, void *progress_ctx)
{
    seckit_error err;
    seckit_error_clear(&err);
    int to_stdout = strcmp(path, "-") == 0;
    dl_sink s = {.fd = 1, .limit = -1};
    if (to_stdout && !c->delayed_auth)
        s.limit = buffer_limit;
    if (!to_stdout && seckit_atomic_open(&s.file, path, 0644, SECKIT_FILE_OVERWRITE, &err) != 0)
        return cli_fail(sub, &err);
    seckit_s3cse_get req = {
        .bucket = bucket,
        .key = key,
        .version_id = version_id,
        .opts = &c->opts,
        .keyring = c->kr,
        .instruction_suffix = c->instruction_suffix,
        .range = range,
        .write = dl_write,
        .write_ctx = &s,
        .progress = progress,
        .progress_ctx = progress_ctx,
    };
    seckit_s3cse_get_result res;
    int rc = seckit_s3cse_get_object(aws, &res, &req, &err);
    if (progress != NULL)
        progress(progress_ctx, -1, -1);
    if (s.file != NULL) {
        if (rc == 0)
            rc = seckit_atomic_commit(s.file, &err); /* frees s.file either way */
        else
            seckit_atomic_abort(
                s.file); /* the temporary file goes: nothing unauthenticated stays */
        s.file = NULL;
    } else if (rc == 0 && s.buf != NULL && write_all(1, s.buf, s.len) != 0) {
        rc = seckit_error_set(&err, SECKIT_EIO, "writing to standard output failed: %s",
                              strerror(errno));
    }
    seckit_secret_free(s.buf);
    if (rc != 0) {
        if (seckit_error_category(rc) != SECKIT_CAT_IO || to_stdout)
            name_object(&err, bucket, key);
        if (to_stdout && c->delayed_auth && seckit_error_category(rc) == SECKIT_CAT_CRYPTO) {
            size_t l = strlen(err.message);
            snprintf(err.message + l, sizeof(err.message) - l,
                     " (--delayed-authentication: the output written so far is NOT authentic)");
        }
        return cli_fail(sub, &err);
    }
    if (!to_stdout && !c->quiet)
        printf("download: s3://%s/%s to %s (%lld bytes decrypted%s)\n", bucket, key, path,
               res.plaintext_len, res.authenticated ? "" : ", NOT authenticated: ranged read");
    return EXIT_OK_;
}

/* ---- common option handling ------------------------------------------- */

enum {
    OPT_VERSION_ID = 0x600,
    OPT_SUFFIX,
    OPT_FORMAT,
    OPT_TO_AES,
    OPT_TO_RSA,
    OPT_TO_KMS,
    OPT_TO_MATDESC,
    OPT_IF_MATCH,
    OPT_MANIFEST,
    OPT_MANIFEST_FORMAT,
    OPT_INVENTORY_SCHEMA,
    OPT_SHARD,
    OPT_REPORT,
    OPT_UNCONDITIONAL
};

static int parse_s3_url(const char *sub, const char *s, char **bucket, char **key)
{
    *bucket = NULL;
    *key = NULL;
    if (strncmp(s, "s3://", 5) != 0)
        return cli_usage_error(sub, "'%s' is not an s3://BUCKET/KEY URL", s);
    const char *b = s + 5, *slash = strchr(b, '/');
    if (slash == NULL || slash == b || slash[1] == '\0')
        return cli_usage_error(sub, "'%s' names no object (expected s3://BUCKET/KEY)", s);
    *bucket = strndup(b, (size_t)(slash - b));
    *key = strdup(slash + 1);
    if (*bucket == NULL || *key == NULL) {
        free(*bucket);
        free(*key);
        cli_message(sub, "out of memory");
        return EXIT_IO;
    }
    return 0;
}

static int make_client(const char *sub, const seckit_aws_options *o, seckit_aws **aws)
{
    seckit_error err;
    seckit_error_clear(&err);
    if (seckit_aws_new(aws, o, &err) != 0)
        return cli_fail(sub, &err);
    return 0;
}

/* ---- head ---------------------------------------------------------------- */

static const char *envelope_name(seckit_s3cse_envelope e)
{
    return e == SECKIT_S3CSE_ENVELOPE_V1 ? "v1" : e == SECKIT_S3CSE_ENVELOPE_V2 ? "v2" : "v3";
}

static const char *location_name(seckit_s3cse_location l)
{
    return l == SECKIT_S3CSE_LOC_INSTRUCTION_FILE || l == SECKIT_S3CSE_LOC_V3_INSTRUCTION_FILE
               ? "instruction-file"
               : "metadata";
}

static char *pairs_json(const seckit_s3cse_kv *kv, size_t n)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; o != NULL && i < n; i++)
        cJSON_AddStringToObject(o, kv[i].name, kv[i].value);
    char *s = o != NULL ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return s;
}

static int print_head_json(const char *url, const seckit_s3_object_info *oi,
                           const seckit_s3cse_info *in)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return -1;
    cJSON_AddStringToObject(o, "object", url);
    cJSON_AddStringToObject(o, "envelope", envelope_name(in->envelope));
    cJSON_AddStringToObject(o, "location", location_name(in->location));
    cJSON_AddStringToObject(o, "content_algorithm", in->content_alg_name);
    cJSON_AddStringToObject(o, "key_wrapping", in->wrap_alg_name);
    cJSON_AddBoolToObject(o, "key_committing", in->committing);
    cJSON_AddBoolToObject(o, "legacy", in->legacy);
    cJSON_AddNumberToObject(o, "wrapped_key_bytes", (double)in->wrapped_key_len);
    if (in->kms_key_id != NULL)
        cJSON_AddStringToObject(o, "kms_key_id", in->kms_key_id);
    else
        cJSON_AddNullToObject(o, "kms_key_id");
    if (in->kms_key_id == NULL &&
        (in->wrap_alg == SECKIT_S3CSE_WRAP_KMS_CONTEXT || in->wrap_alg == SECKIT_S3CSE_WRAP_KMS))
        cJSON_AddStringToObject(o, "kms_key_id_note",
                                "not stored in the envelope (opaque KMS "
                                "blob)");
    cJSON *d = cJSON_CreateObject();
    for (size_t i = 0; d != NULL && i < in->description_count; i++)
        cJSON_AddStringToObject(d, in->description[i].name, in->description[i].value);
    cJSON_AddItemToObject(o,
                          in->description_is_context ? "encryption_context"
                                                     : "materials_description",
                          d);
    cJSON_AddNumberToObject(o, "size", (double)oi->object_size);
    if (in->plaintext_length >= 0)
        cJSON_AddNumberToObject(o, "plaintext_length", (double)in->plaintext_length);
    else if (in->content_alg != SECKIT_S3CSE_CONTENT_AES_CBC && oi->object_size >= 16)
        cJSON_AddNumberToObject(o, "plaintext_length", (double)(oi->object_size - 16));
    cJSON_AddStringToObject(o, "etag", oi->etag);
    cJSON_AddStringToObject(o, "last_modified", oi->last_modified);
    if (oi->version_id[0] != '\0')
        cJSON_AddStringToObject(o, "version_id", oi->version_id);
    char *s = cJSON_Print(o);
    cJSON_Delete(o);
    if (s == NULL)
        return -1;
    printf("%s\n", s);
    cJSON_free(s);
    return 0;
}

static void print_head_text(const char *url, const seckit_s3_object_info *oi,
                            const seckit_s3cse_info *in, const char *suffix)
{
    printf("object:              %s\n", url);
    printf("envelope:            %s%s\n", envelope_name(in->envelope),
           in->committing ? " (key-committing)" : "");
    if (in->location == SECKIT_S3CSE_LOC_INSTRUCTION_FILE ||
        in->location == SECKIT_S3CSE_LOC_V3_INSTRUCTION_FILE)
        printf("stored in:           instruction file (key + %s)\n", suffix);
    else
        printf("stored in:           object metadata\n");
    printf("content algorithm:   %s\n", in->content_alg_name);
    printf("key wrapping:        %s\n", in->wrap_alg_name);
    printf("wrapped key:         %zu bytes\n", in->wrapped_key_len);
    if (in->kms_key_id != NULL)
        printf("KMS key id:          %s\n", in->kms_key_id);
    else if (in->wrap_alg == SECKIT_S3CSE_WRAP_KMS_CONTEXT || in->wrap_alg == SECKIT_S3CSE_WRAP_KMS)
        printf("KMS key id:          not stored in the envelope (the wrapped key is an opaque "
               "KMS blob; KMS finds its key when decrypting)\n");
    char *d = pairs_json(in->description, in->description_count);
    printf("%s %s\n",
           in->description_is_context ? "encryption context: " : "materials description:",
           d != NULL ? d : "{}");
    cJSON_free(d);
    printf("legacy:              %s\n",
           in->legacy ? "yes (reading needs --security-profile v2-and-legacy)" : "no");
    if (in->plaintext_length >= 0)
        printf("size:                %lld bytes (plaintext %lld)\n", oi->object_size,
               (long long)in->plaintext_length);
    else if (in->content_alg != SECKIT_S3CSE_CONTENT_AES_CBC && oi->object_size >= 16)
        printf("size:                %lld bytes (plaintext %lld)\n", oi->object_size,
               oi->object_size - 16);
    else
        printf("size:                %lld bytes\n", oi->object_size);
    printf("etag:                %s\n", oi->etag);
    if (oi->version_id[0] != '\0')
        printf("version id:          %s\n", oi->version_id);
}

int cli_s3_head(int argc, char **argv)
{
    static const struct option options[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"version-id", required_argument, NULL, OPT_VERSION_ID},
        {"instruction-suffix", required_argument, NULL, OPT_SUFFIX},
        CLI_AWS_LONG_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *sub = "s3 head";
    seckit_aws_options ao = SECKIT_AWS_OPTIONS_INIT;
    cli_aws_global(&ao);
    const char *version = NULL, *suffix = NULL;
    int json = 0, c;
    cli_opt_loop loop = {.sub = sub, .usage = cmd_s3.usage, .options = options, .aws = &ao};
    while ((c = cli_next_option(&loop, argc, argv)) >= 0) {
        switch (c) {
        case OPT_FORMAT:
            if (strcmp(optarg, "json") == 0)
                json = 1;
            else if (strcmp(optarg, "text") == 0)
                json = 0;
            else
                return cli_usage_error(sub, "--format is text or json, not '%s'", optarg);
            break;
        case OPT_VERSION_ID: version = optarg; break;
        case OPT_SUFFIX: suffix = optarg; break;
        }
    }
    if (c == CLI_OPT_STOP)
        return loop.exit;
    if (argc - optind != 1)
        return cli_usage_error(sub, "head takes one s3://BUCKET/KEY");
    char *bucket = NULL, *key = NULL;
    int rc = parse_s3_url(sub, argv[optind], &bucket, &key);
    if (rc != 0)
        return rc;
    seckit_aws *aws = NULL;
    if ((rc = make_client(sub, &ao, &aws)) == 0) {
        seckit_error err;
        seckit_error_clear(&err);
        seckit_s3_object_info oi;
        seckit_s3cse_info in;
        if (seckit_s3cse_head_object(aws, &oi, &in, bucket, key, version, suffix, &err) != 0) {
            name_object(&err, bucket, key);
            rc = cli_fail(sub, &err);
        } else {
            char url[1200];
            snprintf(url, sizeof(url), "s3://%s/%s", bucket, key);
            if (json) {
                if (print_head_json(url, &oi, &in) != 0) {
                    cli_message(sub, "out of memory");
                    rc = EXIT_IO;
                }
            } else {
                print_head_text(url, &oi, &in,
                                suffix != NULL ? suffix : SECKIT_S3CSE_INSTRUCTION_SUFFIX);
            }
            seckit_s3cse_info_free(&in);
            seckit_s3_object_info_free(&oi);
        }
        seckit_aws_free(aws);
    }
    if (rc == 0 && fflush(stdout) != 0) {
        cli_message(sub, "writing to standard output failed: %s", strerror(errno));
        rc = EXIT_IO;
    }
    free(bucket);
    free(key);
    return rc;
}

/* ---- rewrap --------------------------------------------------------------- */

typedef struct rewrap_job {
    const char *sub;
    seckit_aws *aws;
    cli_s3cse_ctx from, to;
    const char *suffix;
    int unconditional;
    long done, skipped, failed, other_shards, not_applicable;
    seckit_atomic_file *report;
    int worst; /* exit code of the last failure */
} rewrap_job;

/* Rewrap one object; report a line when a report is open; print one line. */
static int rewrap_one(rewrap_job *j, const char *bucket, const char *key, const char *version,
                      const char *if_match)
{
    seckit_s3cse_rewrap_req req = {
        .bucket = bucket,
        .key = key,
        .version_id = version,
        .opts = &j->from.opts,
        .from = j->from.kr,
        .to = j->to.kr,
        .instruction_suffix = j->suffix,
        .if_match = if_match,
        .unconditional = j->unconditional,
    };
    seckit_s3cse_rewrap_result res;
    seckit_error err;
    seckit_error_clear(&err);
    int rc = seckit_s3cse_rewrap_object(j->aws, &res, &req, &err);
    char *line = NULL;
    seckit_error lerr;
    seckit_error_clear(&lerr);
    if (rc == 0) {
        const char *what = res.skipped ? "Skipped: already wrapped for the target key"
                                       : "Successful";
        if (res.skipped) {
            j->skipped++;
            printf("skip: s3://%s/%s (already wrapped for the target key)\n", bucket, key);
        } else {
            j->done++;
            printf("rewrap: s3://%s/%s (%s)\n", bucket, key,
                   res.instruction_file ? "new instruction file" : "metadata replaced");
        }
        if (j->report != NULL)
            rc = seckit_s3_report_line(&line, bucket, key, version, 1, 200, NULL, what, &lerr);
    } else {
        j->failed++;
        name_object(&err, bucket, key);
        j->worst = cli_fail(j->sub, &err);
        if (j->report != NULL) {
            const char *code = err.aws_code[0] != '\0' ? err.aws_code : seckit_error_name(rc);
            int status = err.http_status > 0                               ? err.http_status
                         : seckit_error_category(rc) == SECKIT_CAT_CRYPTO  ? 403
                         : seckit_error_category(rc) == SECKIT_CAT_NETWORK ? 503
                                                                           : 400;
            rc = seckit_s3_report_line(&line, bucket, key, version, 0, status, code, err.message,
                                       &lerr);
        } else {
            rc = 0;
        }
    }
    if (rc == 0 && line != NULL)
        rc = seckit_atomic_write(j->report, line, strlen(line), &lerr);
    free(line);
    if (rc != 0)
        return cli_fail(j->sub, &lerr); /* the report cannot be written: stop */
    return 0;
}

static int rewrap_manifest(rewrap_job *j, const char *path, seckit_s3_manifest_format fmt,
                           const char *schema, const seckit_s3_shard *shard)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (f == NULL) {
        cli_message(j->sub, "%s: %s", path, strerror(errno));
        return EXIT_IO;
    }
    seckit_error err;
    seckit_error_clear(&err);
    seckit_s3_manifest_reader *r = NULL;
    int rc = seckit_s3_manifest_reader_new(&r, f, fmt, schema, &err);
    while (rc == 0) {
        seckit_s3_manifest_row row;
        int got = seckit_s3_manifest_next(r, &row, &err);
        if (got <= 0) {
            rc = got;
            break;
        }
        if (row.skip) {
            j->not_applicable++;
        } else if (!seckit_s3_shard_selects(shard, row.bucket, row.key)) {
            j->other_shards++;
        } else {
            rc = rewrap_one(j, row.bucket, row.key, row.version_id, NULL);
            if (rc != 0) {
                seckit_s3_manifest_row_free(&row);
                break;
            }
        }
        seckit_s3_manifest_row_free(&row);
    }
    seckit_s3_manifest_reader_free(r);
    if (f != stdin)
        fclose(f);
    if (rc < 0) {
        seckit_error_prefix(&err, path);
        return cli_fail(j->sub, &err);
    }
    return rc;
}

/* rewrap's options, as given. */
typedef struct rewrap_args {
    seckit_aws_options ao;
    cli_s3cse_opts from, to;
    const char *version, *if_match, *suffix, *manifest;
    const char *schema, *report, *shard_arg;
    seckit_s3_manifest_format mfmt;
    int mfmt_set, unconditional;
} rewrap_args;

/* parse_rewrap_options's answer when the command goes on (anything else is
 * the exit code: --help, a usage error). */
#define GO_ON (-1)

static int parse_rewrap_options(int argc, char **argv, const char *sub, rewrap_args *a)
{
    static const struct option options[] = {
        CLI_S3CSE_LONG_OPTIONS,
        {"to-raw-aes-key", required_argument, NULL, OPT_TO_AES},
        {"to-raw-rsa-key", required_argument, NULL, OPT_TO_RSA},
        {"to-kms-key-id", required_argument, NULL, OPT_TO_KMS},
        {"to-materials-description", required_argument, NULL, OPT_TO_MATDESC},
        {"version-id", required_argument, NULL, OPT_VERSION_ID},
        {"if-match", required_argument, NULL, OPT_IF_MATCH},
        {"instruction-suffix", required_argument, NULL, OPT_SUFFIX},
        {"manifest", required_argument, NULL, OPT_MANIFEST},
        {"manifest-format", required_argument, NULL, OPT_MANIFEST_FORMAT},
        {"inventory-schema", required_argument, NULL, OPT_INVENTORY_SCHEMA},
        {"shard", required_argument, NULL, OPT_SHARD},
        {"report", required_argument, NULL, OPT_REPORT},
        {"unconditional", no_argument, NULL, OPT_UNCONDITIONAL},
        CLI_AWS_LONG_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, rc = 0;
    cli_opt_loop loop = {.sub = sub, .usage = cmd_s3.usage, .options = options, .aws = &a->ao};
    while (rc == 0 && (c = cli_next_option(&loop, argc, argv)) >= 0) {
        int r = cli_s3cse_option(&a->from, sub, c, optarg);
        if (r == CLI_S3CSE_TAKEN)
            continue;
        if (r != CLI_S3CSE_NOT_OURS) {
            rc = r;
            break;
        }
        switch (c) {
        case OPT_TO_AES:
            r = cli_s3cse_option(&a->to, sub, CLI_S3CSE_OPT_RAW_AES_KEY, optarg);
            break;
        case OPT_TO_RSA:
            r = cli_s3cse_option(&a->to, sub, CLI_S3CSE_OPT_RAW_RSA_KEY, optarg);
            break;
        case OPT_TO_KMS: r = cli_s3cse_option(&a->to, sub, CLI_S3CSE_OPT_KMS_KEY_ID, optarg); break;
        case OPT_TO_MATDESC:
            r = cli_s3cse_option(&a->to, sub, CLI_S3CSE_OPT_MATDESC, optarg);
            break;
        case OPT_VERSION_ID: a->version = optarg; break;
        case OPT_IF_MATCH: a->if_match = optarg; break;
        case OPT_SUFFIX: a->suffix = optarg; break;
        case OPT_MANIFEST: a->manifest = optarg; break;
        case OPT_MANIFEST_FORMAT:
            a->mfmt_set = 1;
            if (strcmp(optarg, "batch") == 0)
                a->mfmt = SECKIT_S3_MANIFEST_BATCH;
            else if (strcmp(optarg, "inventory") == 0)
                a->mfmt = SECKIT_S3_MANIFEST_INVENTORY;
            else
                rc = cli_usage_error(sub, "--manifest-format is batch or inventory, not '%s'",
                                     optarg);
            break;
        case OPT_INVENTORY_SCHEMA: a->schema = optarg; break;
        case OPT_SHARD: a->shard_arg = optarg; break;
        case OPT_REPORT: a->report = optarg; break;
        case OPT_UNCONDITIONAL: a->unconditional = 1; break;
        }
        if (rc == 0 && r != CLI_S3CSE_TAKEN && r != CLI_S3CSE_NOT_OURS)
            rc = r;
    }
    if (c == CLI_OPT_STOP)
        return loop.exit;
    return rc == 0 ? GO_ON : rc;
}

/* How the options and arguments combine (the object into *bucket and *key
 * without --manifest), and the source keys' options; 0, or the exit code. */
static int check_rewrap_args(int argc, char **argv, const char *sub, rewrap_args *a,
                             seckit_s3_shard *shard, char **bucket, char **key, seckit_error *err)
{
    int rc = 0;
    int nargs = argc - optind;
    if (a->manifest != NULL && nargs != 0)
        rc = cli_usage_error(sub, "--manifest and an s3://BUCKET/KEY do not go together");
    else if (a->manifest == NULL && nargs != 1)
        rc = cli_usage_error(sub, "rewrap takes one s3://BUCKET/KEY or --manifest FILE");
    else if (a->manifest == NULL &&
             (a->shard_arg != NULL || a->report != NULL || a->mfmt_set || a->schema != NULL))
        rc = cli_usage_error(sub, "--shard, --report, --manifest-format and "
                                  "--inventory-schema are for --manifest");
    else if (a->manifest != NULL && (a->version != NULL || a->if_match != NULL))
        rc = cli_usage_error(sub, "--version-id and --if-match are for one object (a "
                                  "manifest names its versions)");
    else if (a->unconditional && a->if_match != NULL)
        rc = cli_usage_error(sub, "--if-match and --unconditional contradict each other");
    else if (a->schema != NULL && a->mfmt != SECKIT_S3_MANIFEST_INVENTORY)
        rc = cli_usage_error(sub, "--inventory-schema is for --manifest-format inventory");
    else if (a->to.n_keys == 0)
        rc = cli_usage_error(sub, "no target key (use --to-raw-aes-key, --to-raw-rsa-key or "
                                  "--to-kms-key-id)");
    else if (a->to.n_keys > 1)
        rc = cli_usage_error(sub, "give one target key");
    else if (a->shard_arg != NULL && seckit_s3_shard_parse(shard, a->shard_arg, err) != 0)
        rc = cli_usage_error(sub, "--shard: %s", err->message);
    else if (a->manifest == NULL)
        rc = parse_s3_url(sub, argv[optind], bucket, key);
    if (rc != 0)
        return rc;
    /* the encryption context is checked on unwrap and stored for a KMS target */
    int to_kms = a->to.keys[0].kind == CLI_S3CSE_KEY_KMS;
    size_t nctx = a->from.n_context;
    int from_kms = 0;
    for (size_t i = 0; i < a->from.n_keys; i++)
        from_kms |= a->from.keys[i].kind == CLI_S3CSE_KEY_KMS;
    if (to_kms && !from_kms)
        a->from.n_context = 0;
    rc = cli_s3cse_opts_check(&a->from, sub, CLI_S3CSE_REWRAP);
    a->from.n_context = nctx;
    return rc;
}

/* The rewrap itself: the manifest's objects (with the summary line) or
 * the one object. */
static int rewrap_run(rewrap_job *j, const rewrap_args *a, const seckit_s3_shard *shard,
                      const char *bucket, const char *key)
{
    int rc;
    if (a->manifest != NULL) {
        rc = rewrap_manifest(j, a->manifest, a->mfmt, a->schema, shard);
        printf("rewrap: %ld rewrapped, %ld skipped (already wrapped for the target key), "
               "%ld failed; %ld for other shards, %ld not applicable\n",
               j->done, j->skipped, j->failed, j->other_shards, j->not_applicable);
        if (rc == 0 && j->failed > 0)
            rc = EXIT_FINDINGS;
    } else {
        rc = rewrap_one(j, bucket, key, a->version, a->if_match);
        if (rc == 0 && j->failed > 0)
            rc = j->worst;
    }
    return rc;
}

int cli_s3_rewrap(int argc, char **argv)
{
    const char *sub = "s3 rewrap";
    rewrap_args a;
    memset(&a, 0, sizeof a);
    a.ao = (seckit_aws_options)SECKIT_AWS_OPTIONS_INIT;
    cli_aws_global(&a.ao);
    cli_s3cse_opts_init(&a.from);
    cli_s3cse_opts_init(&a.to);
    a.mfmt = SECKIT_S3_MANIFEST_BATCH;
    int rc = parse_rewrap_options(argc, argv, sub, &a);
    if (rc != GO_ON) {
        cli_s3cse_opts_free(&a.from);
        cli_s3cse_opts_free(&a.to);
        return rc;
    }
    seckit_s3_shard shard = {0, 1};
    char *bucket = NULL, *key = NULL;
    seckit_error err;
    seckit_error_clear(&err);
    rc = check_rewrap_args(argc, argv, sub, &a, &shard, &bucket, &key, &err);
    rewrap_job j = {.sub = sub, .suffix = a.suffix, .unconditional = a.unconditional};
    if (rc == 0)
        rc = make_client(sub, &a.ao, &j.aws);
    if (rc == 0)
        rc = cli_s3cse_ctx_make(&a.from, sub, j.aws, &j.from);
    if (rc == 0) {
        a.to.allow_insecure = a.from.allow_insecure;
        rc = cli_s3cse_ctx_make(&a.to, sub, j.aws, &j.to);
    }
    if (rc == 0 && a.report != NULL &&
        seckit_atomic_open(&j.report, a.report, 0644, SECKIT_FILE_OVERWRITE, &err) != 0)
        rc = cli_fail(sub, &err);
    if (rc == 0)
        rc = rewrap_run(&j, &a, &shard, bucket, key);
    if (j.report != NULL) {
        /* the report is kept even when objects failed: it says which */
        if (rc == 0 || j.failed > 0) {
            if (seckit_atomic_commit(j.report, &err) != 0 && rc == 0)
                rc = cli_fail(sub, &err);
        } else {
            seckit_atomic_abort(j.report);
        }
    }
    cli_s3cse_ctx_free(&j.from);
    cli_s3cse_ctx_free(&j.to);
    seckit_aws_free(j.aws);
    cli_s3cse_opts_free(&a.from);
    cli_s3cse_opts_free(&a.to);
    free(bucket);
    free(key);
    if (rc == 0 && fflush(stdout) != 0) {
        cli_message(sub, "writing to standard output failed: %s", strerror(errno));
        rc = EXIT_IO;
    }
    return rc;
}
