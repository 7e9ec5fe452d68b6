/* seckit s3 cp|sync|mv: one object up, down or within S3 (with
 * client-side encryption when a key option is given), and the many-file
 * transfers of s3_transfer.c. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "src/cli/cmd_s3.h"

/* ---- progress bar (stderr, only on a terminal) ------------------------- */

typedef struct progress {
    int on;
    int shown;
    time_t last;
} progress;

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
    s3_show_size(a, sizeof(a), done);
    if (total > 0) {
        int width = 30;
        int fill = (int)((double)done / (double)total * width);
        char bar[64];
        if (fill > width)
            fill = width;
        memset(bar, '#', (size_t)fill);
        memset(bar + fill, '-', (size_t)(width - fill));
        bar[width] = '\0';
        s3_show_size(b, sizeof(b), total);
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

/* ---- the objects -------------------------------------------------------- */

/* Prefix err's message with "s3://BUCKET/KEY". */
static void name_object(seckit_error *err, const char *bucket, const char *key)
{
    char name[1200];
    snprintf(name, sizeof(name), "s3://%s/%s", bucket, key);
    seckit_error_prefix(err, name);
}

/* ---- cp --------------------------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s != NULL ? s + 1 : path;
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
        key = s3_join(dst->key, base_name(src));
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
                                   o->meta_count, o->no_overwrite ? "*" : NULL, progress_cb, &pr);
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
    if (seckit_s3_upload_fd(aws, &res, &req, &err) != 0) {
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
            printf("upload: %s to s3://%s/%s (%lld bytes%s%s)\n", src, dst->bucket, key, res.size,
                   parts, version);
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
        int rc = seckit_s3_get_object(aws, &info, NULL, NULL, &g, err);
        if (rc == 0) {
            *written = info.content_length;
            seckit_s3_object_info_free(&info);
        }
        return rc;
    }
    seckit_s3_head hreq = {.bucket = src->bucket, .key = src->key, .version_id = o->version_id};
    int rc = seckit_s3_head_object_ex(aws, &info, &hreq, err);
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
            if (seckit_s3_get_object(aws, &info, &body, &len, &g, &gerr) != 0 &&
                gerr.aws_code[0] != '\0') {
                *err = gerr;
                rc = gerr.code;
            } else if (gerr.code == 0)
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
        rc = seckit_s3_get_object(aws, &info, NULL, NULL, &g, err);
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
        rc = seckit_s3_get_object(aws, &info, NULL, NULL, &g, err);
        if (rc != 0)
            break;
        int ok = info.range_first == off && info.range_last == last && info.object_size == size;
        seckit_s3_object_info_free(&info);
        if (!ok) {
            rc = seckit_error_set(err, SECKIT_EFORMAT,
                                  "S3 GetObject: the server answered a different range than "
                                  "bytes %lld-%lld of %lld",
                                  off, last, size);
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
                                  o->range, "-", o->buffer_limit, progress_cb, &pr);
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
        char *d = s3_join(dst, dst[dl - 1] == '/' ? "" : "/");
        path = d != NULL ? s3_join(d, base_name(src->key)) : NULL;
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
                                     o->range, path, o->buffer_limit, progress_cb, &pr);
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
        printf("download: s3://%s/%s to %s (%lld bytes)\n", src->bucket, src->key, path, written);
    }
    free(path);
    return rc;
}

static int server_copy(s3_opts *o, seckit_aws *aws, s3_url *src, s3_url *dst)
{
    if (src->key[0] == '\0')
        return cli_usage_error(o->sub, "s3://%s names no object", src->bucket);
    char *key = dst->key[0] == '\0' || dst->key[strlen(dst->key) - 1] == '/'
                    ? s3_join(dst->key, base_name(src->key))
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
    if (seckit_s3_copy_object(aws, &res, &req, &err) != 0) {
        name_object(&err, dst->bucket, key);
        rc = cli_fail(o->sub, &err);
    } else {
        char parts[48] = "", version[1100] = "";
        if (res.parts > 0)
            snprintf(parts, sizeof(parts), "%d parts", res.parts);
        if (res.version_id[0] != '\0')
            snprintf(version, sizeof(version), "%sversion %s", parts[0] ? ", " : "",
                     res.version_id);
        if (!o->quiet && !o->only_errors)
            printf("copy: s3://%s/%s to s3://%s/%s%s%s%s%s\n", src->bucket, src->key, dst->bucket,
                   key, parts[0] || version[0] ? " (" : "", parts, version,
                   parts[0] || version[0] ? ")" : "");
    }
    free(key);
    return rc;
}

/* cp, sync and mv: one object as before, or (--recursive, sync, mv,
 * filters, --dryrun) through the many-file transfer (s3_transfer.c). */
/* The options given go with this transfer (verb, the kinds of source and
 * destination, one object or many): 0, or the usage error's exit code. */
static int check_options(s3_opts *o, enum cli_s3_verb verb, const char *name, const char *src,
                         const char *dst, int s3src, int s3dst, int many)
{
    if (many && (strcmp(src, "-") == 0 || strcmp(dst, "-") == 0))
        return cli_usage_error(o->sub, "standard input and output are for cp of one object "
                                       "(without --recursive, --dryrun, --exclude or "
                                       "--include)");
    if (verb != CLI_S3_CP && o->keys.any)
        return cli_usage_error(o->sub, "key options are for cp: %s does not take them (%s)", name,
                               verb == CLI_S3_SYNC
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
    int rc;
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
    return 0;
}

/* cp --recursive, sync and mv: s3_transfer.c's many transfers (us, ud: the
 * s3:// source and destination, when they are). */
static int transfer_many(s3_opts *o, enum cli_s3_verb verb, seckit_aws *aws, const char *src,
                         const char *dst, const s3_url *us, const s3_url *ud)
{
    int s3src = s3_is_url(src), s3dst = s3_is_url(dst);
    cli_s3_place ps = {src, s3src ? us->bucket : NULL, s3src ? us->key : ""};
    cli_s3_place pd = {dst, s3dst ? ud->bucket : NULL, s3dst ? ud->key : ""};
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
    return cli_s3_transfer(&x, &ps, &pd);
}

static int transfer(s3_opts *o, int argc, char **argv, enum cli_s3_verb verb)
{
    const char *name = verb == CLI_S3_SYNC ? "sync" : verb == CLI_S3_MV ? "mv" : "cp";
    if (argc != 2)
        return cli_usage_error(o->sub, "%s takes SOURCE and DESTINATION", name);
    const char *src = argv[0], *dst = argv[1];
    int s3src = s3_is_url(src), s3dst = s3_is_url(dst);
    if (!s3src && !s3dst)
        return cli_usage_error(o->sub, "%s: one of SOURCE and DESTINATION must be s3://...", name);
    int many = verb != CLI_S3_CP || o->recursive || o->dryrun || o->filter_count > 0;
    int rc = check_options(o, verb, name, src, dst, s3src, s3dst, many);
    if (rc != 0)
        return rc;
    s3_url us = {0}, ud = {0};
    if (s3src && (rc = s3_parse_url(o->sub, src, &us)) != 0)
        return rc;
    if (s3dst && (rc = s3_parse_url(o->sub, dst, &ud)) != 0) {
        s3_free_url(&us);
        return rc;
    }
    seckit_aws *aws = NULL;
    cli_s3cse_ctx enc;
    int have_enc = 0;
    if ((rc = s3_make_client(o, &aws)) == 0 && o->keys.any) {
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
        rc = transfer_many(o, verb, aws, src, dst, &us, &ud);
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
    s3_free_url(&us);
    s3_free_url(&ud);
    return rc;
}

int cli_s3_cp(s3_opts *o, int argc, char **argv)
{
    return transfer(o, argc, argv, CLI_S3_CP);
}
int cli_s3_sync(s3_opts *o, int argc, char **argv)
{
    return transfer(o, argc, argv, CLI_S3_SYNC);
}
int cli_s3_mv(s3_opts *o, int argc, char **argv)
{
    return transfer(o, argc, argv, CLI_S3_MV);
}
