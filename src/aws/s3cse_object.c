/* Encrypted objects on a live S3 (seckit/s3cse_object.h): the envelope
 * library (seckit/s3cse.h) over the S3 calls and their streaming hooks
 * (seckit/s3.h).  Nothing crypto-specific lives here: data keys, GCM and
 * the formats stay in crypto/s3cse_*; this file moves bytes and metadata. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/base/secmem.h"
#include "seckit/s3cse_object.h"
#include "src/base/guard.h"
#include "src/base/options.h"

#define DEFAULT_PART_SIZE (8LL * 1024 * 1024)
#define INSTRUCTION_MAX (64 * 1024)
#define META_MAX 128

/* The S3EC metadata names (all formats): replaced on rewrap, never shown
 * as the user's own metadata. */
static const char *const s3ec_names[] = {
    "x-amz-key",
    "x-amz-key-v2",
    "x-amz-iv",
    "x-amz-cek-alg",
    "x-amz-wrap-alg",
    "x-amz-tag-len",
    "x-amz-matdesc",
    "x-amz-unencrypted-content-length",
    "x-amz-unencrypted-content-md5",
    "x-amz-c",
    "x-amz-3",
    "x-amz-w",
    "x-amz-m",
    "x-amz-t",
    "x-amz-d",
    "x-amz-i",
};

static int is_s3ec_name(const char *name)
{
    if (strncasecmp(name, "x-amz-meta-", 11) == 0)
        name += 11;
    for (size_t i = 0; i < SKT_ARRAY_LEN(s3ec_names); i++)
        if (strcasecmp(name, s3ec_names[i]) == 0)
            return 1;
    return 0;
}

static const char *suffix_of(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : SECKIT_S3CSE_INSTRUCTION_SUFFIX;
}

/* "key" + suffix, malloc'd. */
static char *instruction_key(const char *key, const char *suffix, seckit_error *err)
{
    size_t a = strlen(key), b = strlen(suffix);
    char *s = malloc(a + b + 1);
    if (s == NULL) {
        seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        return NULL;
    }
    memcpy(s, key, a);
    memcpy(s + a, suffix, b + 1);
    if (a + b > SECKIT_S3_KEY_MAX) {
        free(s);
        seckit_error_set(err, SECKIT_EINVAL,
                         "the instruction file's key would be longer than %d "
                         "bytes",
                         SECKIT_S3_KEY_MAX);
        return NULL;
    }
    return s;
}

/* ------------------------------------------------------------------ */
/* Upload: one GCM stream over sequential parts                         */

typedef struct put_source {
    int fd;
    seckit_s3cse_encryptor *enc;
    int eof;       /* the plaintext has ended */
    int have_peek; /* one plaintext byte read ahead */
    unsigned char peek;
    uint8_t tag[SECKIT_S3CSE_TAG_LEN];
    size_t tag_sent; /* tag bytes already put into parts */
    int tag_ready;
} put_source;

static int read_full(int fd, unsigned char *buf, size_t n, size_t *got, seckit_error *err)
{
    size_t off = 0;
    while (off < n) {
        ssize_t r = read(fd, buf + off, n - off);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return seckit_error_set(err, SECKIT_EIO, "reading the input failed: %s",
                                    strerror(errno));
        }
        if (r == 0)
            break;
        off += (size_t)r;
    }
    *got = off;
    return 0;
}

/* Part `part_number` of the body (ciphertext, then the tag): every part
 * but the last is exactly cap bytes.  The plaintext is read one byte ahead
 * so that the part holding its end is known when it is made. */
static int put_source_fn(void *ctx, int part_number, unsigned char *buf, size_t cap, size_t *len,
                         int *last, seckit_error *err)
{
    put_source *s = ctx;
    size_t n = 0;
    (void)part_number;
    *len = 0;
    *last = 0;
    SKT_ENSURE(cap >= SECKIT_S3CSE_TAG_LEN && cap % 16 == 0, err, SECKIT_EINTERNAL,
               "S3 encrypted upload: part size %zu is not a multiple of 16", cap);
    if (!s->eof) {
        if (s->have_peek) {
            buf[n++] = s->peek;
            s->have_peek = 0;
        }
        size_t got = 0;
        SKT_GUARD(read_full(s->fd, buf + n, cap - n, &got, err));
        n += got;
        if (n < cap) {
            s->eof = 1;
        } else {
            SKT_GUARD(read_full(s->fd, &s->peek, 1, &got, err));
            if (got == 1)
                s->have_peek = 1;
            else
                s->eof = 1;
        }
        if (n > 0)
            SKT_GUARD(seckit_s3cse_encryptor_update(s->enc, buf, buf, n, err));
        if (s->eof)
            SKT_GUARD(seckit_s3cse_encryptor_final(s->enc, s->tag, err));
        s->tag_ready = s->eof;
    }
    if (s->tag_ready) {
        size_t room = cap - n, want = SECKIT_S3CSE_TAG_LEN - s->tag_sent;
        size_t put = want < room ? want : room;
        memcpy(buf + n, s->tag + s->tag_sent, put);
        n += put;
        s->tag_sent += put;
        *last = s->tag_sent == SECKIT_S3CSE_TAG_LEN;
    }
    *len = n;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Upload: one streamed PutObject                                      */

/* The body of one PutObject made on the fly: the plaintext [start,
 * start + size) of a regular file read with pread, encrypted chunk by
 * chunk into libcurl's buffer, then the 16-byte tag.  Memory is libcurl's
 * upload buffer, whatever the size.  A retry rewinds: the encryptor
 * restarts with the same data key and IV / message id and the file is read
 * again from the start, so the bytes sent are identical -- provided the
 * file is the same, which rewind checks (size, mtime, inode) because
 * different plaintext under a reused GCM IV would give the key stream and
 * the tag key away. */
typedef struct stream_body {
    int fd;
    long long start, size;
    long long pos; /* plaintext bytes read in this pass */
    seckit_s3cse_encryptor *enc;
    uint8_t tag[SECKIT_S3CSE_TAG_LEN];
    size_t tag_sent;
    int tag_ready;
    struct stat st; /* the file as the upload began */
    seckit_s3_progress_fn progress;
    void *progress_ctx;
    long long sent; /* body bytes given in this pass */
} stream_body;

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static int stream_read(void *ctx, unsigned char *buf, size_t cap, size_t *got, seckit_error *err)
{
    stream_body *b = ctx;
    size_t n = 0;
    *got = 0;
    if (b->pos < b->size) {
        size_t want = (unsigned long long)(b->size - b->pos) < cap ? (size_t)(b->size - b->pos)
                                                                   : cap;
        while (n < want) {
            ssize_t r = pread(b->fd, buf + n, want - n, (off_t)(b->start + b->pos + (long long)n));
            if (r < 0 && errno == EINTR)
                continue;
            SKT_ENSURE(r >= 0, err, SECKIT_EIO, "reading the input failed: %s", strerror(errno));
            SKT_ENSURE(r != 0, err, SECKIT_EIO,
                       "the input shrank during the upload (%lld bytes "
                       "expected)",
                       b->size);
            n += (size_t)r;
        }
        SKT_GUARD(seckit_s3cse_encryptor_update(b->enc, buf, buf, n, err));
        b->pos += (long long)n;
    }
    if (b->pos == b->size && !b->tag_ready) {
        SKT_GUARD(seckit_s3cse_encryptor_final(b->enc, b->tag, err));
        b->tag_ready = 1;
    }
    if (n == 0) { /* the plaintext is all sent: the tag */
        size_t want = SECKIT_S3CSE_TAG_LEN - b->tag_sent;
        n = want < cap ? want : cap;
        memcpy(buf, b->tag + b->tag_sent, n);
        b->tag_sent += n;
    }
    *got = n;
    b->sent += (long long)n;
    if (b->progress != NULL)
        b->progress(b->progress_ctx, b->sent, b->size + SECKIT_S3CSE_TAG_LEN);
    return 0;
}

static int stream_rewind(void *ctx, seckit_error *err)
{
    stream_body *b = ctx;
    struct stat now;
    SKT_ENSURE(fstat(b->fd, &now) == 0, err, SECKIT_EIO, "cannot stat the input: %s",
               strerror(errno));
    SKT_ENSURE(same_file(&b->st, &now), err, SECKIT_EIO,
               "the input changed during the upload; not sending it again (the same data key "
               "and IV must not encrypt different bytes)");
    SKT_GUARD(seckit_s3cse_encryptor_restart(b->enc, err));
    b->pos = 0;
    b->tag_sent = 0;
    b->tag_ready = 0;
    b->sent = 0;
    skt_wipe(b->tag, sizeof(b->tag));
    return 0;
}

/* One PutObject whose body is streamed (see stream_body).  The payload is
 * sent as UNSIGNED-PAYLOAD even over plain http: it is AES-GCM ciphertext
 * with its tag, which every reader verifies (with a key the server never
 * sees) before it releases a byte, so a body changed in transit is refused
 * on download, as a signed SHA-256 would have refused it on upload; and the
 * headers that matter (the envelope in x-amz-meta-*, Content-Length) stay
 * signed.  Hashing it instead would mean encrypting the file twice. */
static int put_streamed(seckit_aws *aws, const seckit_s3cse_put *req, int fd, long long start,
                        const struct stat *st, seckit_s3cse_encryptor *enc, const seckit_s3_meta *m,
                        size_t mcount, seckit_s3_upload_result *out, seckit_error *err)
{
    stream_body b = {.fd = fd,
                     .start = start,
                     .size = req->size,
                     .enc = enc,
                     .st = *st,
                     .progress = req->progress,
                     .progress_ctx = req->progress_ctx};
    seckit_s3_body_source src = {.read = stream_read,
                                 .rewind = stream_rewind,
                                 .ctx = &b,
                                 .self_authenticated = 1};
    seckit_s3_put put = {
        .bucket = req->bucket,
        .key = req->key,
        .body = {.fd = -1, .len = (size_t)(req->size + SECKIT_S3CSE_TAG_LEN), .source = &src},
        .content_type = req->content_type,
        .metadata = m,
        .metadata_count = mcount,
        .if_none_match = req->if_none_match,
        .write = req->write,
    };
    seckit_s3_put_result pr;
    int rc = seckit_s3_put_object(aws, &pr, &put, err);
    skt_wipe(b.tag, sizeof(b.tag));
    SKT_GUARD(rc);
    snprintf(out->etag, sizeof(out->etag), "%s", pr.etag);
    snprintf(out->version_id, sizeof(out->version_id), "%s", pr.version_id);
    out->size = req->size + SECKIT_S3CSE_TAG_LEN;
    out->parts = 0;
    return 0;
}

/* meta[] = the caller's metadata then the envelope's names. */
static int merge_meta(const seckit_s3_meta *user, size_t nuser, const seckit_s3cse_kv *env,
                      size_t nenv, seckit_s3_meta **out, size_t *count, seckit_error *err)
{
    *out = NULL;
    *count = 0;
    SKT_ENSURE(nuser + nenv <= META_MAX, err, SECKIT_ELIMIT, "more than %d metadata entries",
               META_MAX);
    seckit_s3_meta *m = calloc(nuser + nenv + 1, sizeof(*m));
    SKT_ENSURE(m != NULL, err, SECKIT_ENOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < nuser; i++) {
        if (is_s3ec_name(user[i].name) ||
            strcasecmp(user[i].name, SECKIT_S3CSE_INSTRUCTION_MARKER) == 0) {
            free(m);
            return seckit_error_set(err, SECKIT_EINVAL,
                                    "metadata name '%s' is reserved for the encryption envelope",
                                    user[i].name);
        }
        m[n++] = user[i];
    }
    for (size_t i = 0; i < nenv; i++) {
        m[n].name = env[i].name;
        m[n].value = env[i].value;
        n++;
    }
    *out = m;
    *count = n;
    return 0;
}

static int put_instruction(seckit_aws *aws, const char *bucket, const char *key, const char *suffix,
                           const char *json, size_t len, const seckit_s3_write_options *write,
                           seckit_error *err)
{
    char *ikey = instruction_key(key, suffix, err);
    if (ikey == NULL)
        return err != NULL ? err->code : SECKIT_ENOMEM;
    seckit_s3_meta marker = {SECKIT_S3CSE_INSTRUCTION_MARKER, ""};
    seckit_s3_put put = {
        .bucket = bucket,
        .key = ikey,
        .body = {.data = json, .fd = -1, .len = len},
        .metadata = &marker,
        .metadata_count = 1,
    };
    if (write != NULL)
        put.write = *write;
    seckit_s3_put_result res;
    int rc = seckit_s3_put_object(aws, &res, &put, err);
    if (rc != 0) {
        char name[SECKIT_S3_KEY_MAX + 16];
        snprintf(name, sizeof(name), "instruction file %s", ikey);
        seckit_error_prefix(err, name);
    }
    free(ikey);
    return rc;
}

int seckit_s3cse_put_object(seckit_aws *aws, seckit_s3_upload_result *out,
                            const seckit_s3cse_put *req, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && req != NULL && out != NULL && req->bucket != NULL &&
                       req->key != NULL && req->keyring != NULL && req->fd >= 0,
                   err);
    memset(out, 0, sizeof(*out));
    SKT_GUARD(seckit_s3_check_write_options(&req->write, err));
    SKT_GUARD(
        skt_options_check(req->opts, SECKIT_S3CSE_OPTIONS_VERSION, "seckit_s3cse_options", err));
    const seckit_s3cse_options defaults = SECKIT_S3CSE_OPTIONS_INIT;
    const seckit_s3cse_options *opts = req->opts != NULL ? req->opts : &defaults;

    long long ps = req->part_size > 0 ? req->part_size : DEFAULT_PART_SIZE;
    if (req->size >= 0) {
        SKT_ENSURE((uint64_t)req->size <= SECKIT_S3CSE_GCM_MAX_PLAINTEXT, err, SECKIT_ELIMIT,
                   "%lld bytes is more than AES-GCM can encrypt in one object (%llu)", req->size,
                   (unsigned long long)SECKIT_S3CSE_GCM_MAX_PLAINTEXT);
        long long body = req->size + SECKIT_S3CSE_TAG_LEN;
        long long need = (body + SECKIT_S3_MAX_PARTS - 1) / SECKIT_S3_MAX_PARTS;
        if (need > ps)
            ps = (need + (1LL << 20) - 1) / (1LL << 20) * (1LL << 20);
    }
    ps = (ps + 15) / 16 * 16;
    SKT_ENSURE(ps <= SECKIT_S3_MAX_PART_SIZE, err, SECKIT_ELIMIT,
               "the part size would exceed S3's 5 GiB");

    seckit_s3cse_meta meta = {0};
    put_source src = {.fd = req->fd};
    seckit_s3_meta *m = NULL;
    size_t mcount = 0;
    int rc = seckit_s3cse_encryptor_new(&src.enc, &meta, opts, req->keyring, err);
    SKT_GUARD(rc);
    SKT_GUARD_GOTO(merge_meta(req->metadata, req->metadata_count, meta.kv, meta.count, &m, &mcount,
                              err),
                   rc, done);
    SKT_ENSURE_GOTO(!opts->instruction_file || meta.instruction != NULL, err, rc, done,
                    SECKIT_EINTERNAL, "the envelope library made no instruction file");

    /* A regular file of known size whose body fits one PutObject goes up
     * as one streamed request (see put_streamed); anything else as below. */
    long long single_max = req->single_put_max == 0 ? SECKIT_S3_MAX_PUT_SIZE : req->single_put_max;
    struct stat st;
    off_t start = (off_t)-1;
    if (req->size >= 0 && single_max > 0 && req->size + SECKIT_S3CSE_TAG_LEN <= single_max &&
        req->size + SECKIT_S3CSE_TAG_LEN <= SECKIT_S3_MAX_PUT_SIZE &&
        (unsigned long long)req->size + SECKIT_S3CSE_TAG_LEN <= (unsigned long long)SIZE_MAX &&
        fstat(req->fd, &st) == 0 && S_ISREG(st.st_mode) &&
        (start = lseek(req->fd, 0, SEEK_CUR)) != (off_t)-1 &&
        (long long)st.st_size - (long long)start == req->size) {
        SKT_GUARD_GOTO(put_streamed(aws, req, req->fd, (long long)start, &st, src.enc, m, mcount,
                                    out, err),
                       rc, done);
        goto envelope;
    }

    seckit_s3_upload up = {
        .bucket = req->bucket,
        .key = req->key,
        .fd = -1,
        .part_size = ps,
        .min_part_size = req->min_part_size,
        .content_type = req->content_type,
        .metadata = m,
        .metadata_count = mcount,
        .progress = req->progress,
        .progress_ctx = req->progress_ctx,
        .source = put_source_fn,
        .source_ctx = &src,
        .total_size = req->size >= 0 ? req->size + SECKIT_S3CSE_TAG_LEN : -1,
        .if_none_match = req->if_none_match,
        .write = req->write,
    };
    SKT_GUARD_GOTO(seckit_s3_upload_fd(aws, out, &up, err), rc, done);
envelope:
    if (opts->instruction_file) {
        rc = put_instruction(aws, req->bucket, req->key, suffix_of(req->instruction_suffix),
                             meta.instruction, meta.instruction_len, &req->write, err);
        if (rc != 0) {
            /* an object without its envelope cannot be read: take it away */
            seckit_error derr;
            seckit_error_clear(&derr);
            if (seckit_s3_delete_object(aws, req->bucket, req->key, &derr) != 0) {
                size_t l = err != NULL ? strlen(err->message) : 0;
                if (err != NULL)
                    snprintf(err->message + l, sizeof(err->message) - l,
                             "; deleting the object without it also failed (%s)", derr.message);
            }
        }
    }
done:
    free(m);
    seckit_s3cse_meta_free(&meta);
    seckit_s3cse_encryptor_free(src.enc);
    skt_wipe(src.tag, sizeof(src.tag));
    return rc;
}

/* ------------------------------------------------------------------ */
/* Metadata and instruction files                                       */

/* A copy of info's metadata as a seckit_s3cse_kv array (pointers into info). */
static seckit_s3cse_kv *as_kv(const seckit_s3_object_info *info)
{
    seckit_s3cse_kv *kv = calloc(info->metadata_count + 1, sizeof(*kv));
    if (kv == NULL)
        return NULL;
    for (size_t i = 0; i < info->metadata_count; i++) {
        kv[i].name = info->metadata[i].name;
        kv[i].value = info->metadata[i].value;
    }
    return kv;
}

/* GET KEY+suffix into *json (malloc'd).  A missing file is SECKIT_ENOTFOUND. */
static int get_instruction(seckit_aws *aws, const char *bucket, const char *key, const char *suffix,
                           char **json, size_t *len, seckit_error *err)
{
    *json = NULL;
    *len = 0;
    char *ikey = instruction_key(key, suffix, err);
    if (ikey == NULL)
        return err != NULL ? err->code : SECKIT_ENOMEM;
    seckit_s3_get g = SECKIT_S3_GET_INIT;
    g.bucket = bucket;
    g.key = ikey;
    g.max_body = INSTRUCTION_MAX;
    seckit_s3_object_info info;
    unsigned char *body = NULL;
    size_t blen = 0;
    int rc = seckit_s3_get_object(aws, &info, &body, &blen, &g, err);
    if (rc == 0) {
        seckit_s3_object_info_free(&info);
        *json = (char *)body;
        *len = blen;
        if (*json == NULL) {
            *json = calloc(1, 1);
            if (*json == NULL)
                rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        }
    } else if (err != NULL && err->http_status == 404) {
        rc = seckit_error_set(err, SECKIT_ENOTFOUND, "no instruction file %s", ikey);
    } else {
        char name[SECKIT_S3_KEY_MAX + 32];
        snprintf(name, sizeof(name), "instruction file %s", ikey);
        seckit_error_prefix(err, name);
    }
    free(ikey);
    return rc;
}

/* The instruction file an object's metadata calls for, or none.
 * *needed tells whether the metadata pointed to one. */
static int envelope_instruction(seckit_aws *aws, const char *bucket, const char *key,
                                const char *suffix, const seckit_s3cse_kv *kv, size_t n,
                                int *needed, char **json, size_t *len, seckit_error *err)
{
    seckit_s3cse_location loc;
    *needed = 0;
    *json = NULL;
    *len = 0;
    SKT_GUARD(seckit_s3cse_detect(&loc, kv, n, err));
    if (loc != SECKIT_S3CSE_LOC_INSTRUCTION_FILE && loc != SECKIT_S3CSE_LOC_V3_INSTRUCTION_FILE)
        return 0;
    *needed = 1;
    int rc = get_instruction(aws, bucket, key, suffix, json, len, err);
    if (rc == SECKIT_ENOTFOUND && loc == SECKIT_S3CSE_LOC_INSTRUCTION_FILE)
        return seckit_error_set(err, SECKIT_EFORMAT,
                                "not client-side encrypted (no envelope in its metadata and no "
                                "%s instruction file)",
                                suffix);
    SKT_ENSURE(rc != SECKIT_ENOTFOUND, err, SECKIT_EFORMAT,
               "the V3 metadata points to an instruction file, but there is no "
               "%s instruction file",
               suffix);
    return rc;
}

/* HeadObject (a version when version_id is set). */
static int head(seckit_aws *aws, const char *bucket, const char *key, const char *version_id,
                seckit_s3_object_info *info, seckit_error *err)
{
    seckit_s3_head h = {.bucket = bucket,
                        .key = key,
                        .version_id = version_id,
                        .require_all_metadata = 1};
    return seckit_s3_head_object_ex(aws, info, &h, err);
}

int seckit_s3cse_head_object(seckit_aws *aws, seckit_s3_object_info *obj, seckit_s3cse_info *info,
                             const char *bucket, const char *key, const char *version_id,
                             const char *instruction_suffix, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && bucket != NULL && key != NULL && info != NULL, err);
    memset(info, 0, sizeof(*info));
    seckit_s3_object_info oi;
    SKT_GUARD(head(aws, bucket, key, version_id, &oi, err));
    int rc = 0, needed = 0;
    char *json = NULL;
    size_t jlen = 0;
    seckit_s3cse_kv *kv = as_kv(&oi);
    SKT_ENSURE_GOTO(kv != NULL, err, rc, done, SECKIT_ENOMEM, "out of memory");
    SKT_GUARD_GOTO(envelope_instruction(aws, bucket, key, suffix_of(instruction_suffix), kv,
                                        oi.metadata_count, &needed, &json, &jlen, err),
                   rc, done);
    SKT_GUARD_GOTO(seckit_s3cse_describe(info, kv, oi.metadata_count, json, jlen, err), rc, done);
done:
    free(kv);
    free(json);
    if (rc == 0 && obj != NULL)
        *obj = oi;
    else
        seckit_s3_object_info_free(&oi);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Download                                                             */

typedef struct get_state {
    const seckit_s3cse_get *req;
    seckit_s3cse_decryptor *dec;
    int ranged;
    char etag[130];
    char version_id[1025];
    long long body_total;
    long long body_done;
    long long written;
    uint8_t *out; /* scratch for plaintext */
    size_t out_cap;
} get_state;

/* The GET answers for the object the HEAD described (If-Match pins it);
 * keep what it says about itself. */
static int on_headers(void *ctx, const seckit_s3_object_info *info, seckit_error *err)
{
    get_state *st = ctx;
    SKT_ENSURE(st->etag[0] == '\0' || strcmp(st->etag, info->etag) == 0, err, SECKIT_EAWS,
               "the object changed during the download (ETag %s, then %s)", st->etag, info->etag);
    snprintf(st->version_id, sizeof(st->version_id), "%s", info->version_id);
    st->body_total = info->content_length;
    return 0;
}

static int emit(get_state *st, const uint8_t *p, size_t n, seckit_error *err)
{
    if (n == 0)
        return 0;
    SKT_GUARD(st->req->write(st->req->write_ctx, p, n, err));
    st->written += (long long)n;
    return 0;
}

static int sink(void *ctx, const unsigned char *data, size_t len, seckit_error *err)
{
    get_state *st = ctx;
    SKT_ENSURE(st->dec != NULL, err, SECKIT_EINTERNAL, "body bytes before the headers");
    while (len > 0) {
        size_t chunk = len < (1u << 20) ? len : (1u << 20);
        if (st->out_cap < chunk + 16) {
            skt_secret_free(st->out);
            st->out_cap = chunk + 16 > 65536 + 16 ? chunk + 16 : 65536 + 16;
            st->out = skt_scratch_alloc(st->out_cap);
            if (st->out == NULL) {
                st->out_cap = 0;
                return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
            }
        }
        size_t n = 0;
        SKT_GUARD(seckit_s3cse_decryptor_update(st->dec, st->out, &n, data, chunk, err));
        SKT_GUARD(emit(st, st->out, n, err));
        st->body_done += (long long)chunk;
        data += chunk;
        len -= chunk;
    }
    if (st->req->progress != NULL)
        st->req->progress(st->req->progress_ctx, st->body_done, st->body_total);
    return 0;
}

/* "bytes=A-B" / "bytes=A-" / "bytes=-N" of a plaintext of pt_len bytes
 * (-1: unknown) -> first/last (last = UINT64_MAX: to the end). */
static int parse_range(const char *s, long long pt_len, uint64_t *first, uint64_t *last,
                       seckit_error *err)
{
    unsigned long long a = 0, b = 0;
    int n = 0;
    SKT_ENSURE(strncmp(s, "bytes=", 6) == 0, err, SECKIT_EINVAL,
               "range '%s' is not bytes=A-B, bytes=A- or bytes=-N", s);
    s += 6;
    if (s[0] == '-') {
        SKT_ENSURE(sscanf(s + 1, "%llu%n", &b, &n) == 1 && s[1 + n] == '\0' && b > 0, err,
                   SECKIT_EINVAL, "range 'bytes=%s' is not bytes=-N with N > 0", s);
        SKT_ENSURE(pt_len >= 0, err, SECKIT_EINVAL, "a suffix range needs the object's size");
        *first = (uint64_t)pt_len > b ? (uint64_t)pt_len - b : 0;
        *last = UINT64_MAX;
        return 0;
    }
    SKT_ENSURE(sscanf(s, "%llu-%n", &a, &n) == 1 && s[n - 1] == '-', err, SECKIT_EINVAL,
               "range 'bytes=%s' is not bytes=A-B or bytes=A-", s);
    if (s[n] == '\0') {
        *first = a;
        *last = UINT64_MAX;
        return 0;
    }
    int m = 0;
    SKT_ENSURE(sscanf(s + n, "%llu%n", &b, &m) == 1 && s[n + m] == '\0' && b >= a, err,
               SECKIT_EINVAL, "range 'bytes=%s' is not bytes=A-B with A <= B", s);
    *first = a;
    *last = b;
    return 0;
}

int seckit_s3cse_get_object(seckit_aws *aws, seckit_s3cse_get_result *out,
                            const seckit_s3cse_get *req, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && req != NULL && out != NULL && req->bucket != NULL &&
                       req->key != NULL && req->keyring != NULL && req->write != NULL,
                   err);
    memset(out, 0, sizeof(*out));
    SKT_GUARD(
        skt_options_check(req->opts, SECKIT_S3CSE_OPTIONS_VERSION, "seckit_s3cse_options", err));
    const seckit_s3cse_options defaults = SECKIT_S3CSE_OPTIONS_INIT;
    const seckit_s3cse_options *opts = req->opts != NULL ? req->opts : &defaults;
    get_state st = {.req = req};
    const char *suffix = suffix_of(req->instruction_suffix);
    char *json = NULL;
    size_t jlen = 0;
    char range_hdr[64] = "";
    int rc = 0, needed = 0;
    seckit_s3cse_range range;

    /* The envelope first: the object's metadata (HEAD) and, when it points
     * there, the instruction file; the data key is unwrapped (KMS called)
     * before the body is asked for, and the GET is pinned to the ETag the
     * HEAD saw, so envelope and body belong together. */
    SKT_ENSURE(req->range == NULL || opts->security_profile == SECKIT_S3CSE_PROFILE_V2_AND_LEGACY,
               err, SECKIT_EPOLICY,
               "a ranged read of an encrypted object is not authenticated; it needs "
               "--security-profile v2-and-legacy");
    seckit_s3_object_info oi;
    SKT_GUARD(head(aws, req->bucket, req->key, req->version_id, &oi, err));
    snprintf(st.etag, sizeof(st.etag), "%s", oi.etag);
    long long size = oi.object_size;
    seckit_s3cse_kv *kv = as_kv(&oi);
    SKT_ENSURE_GOTO(kv != NULL, err, rc, done, SECKIT_ENOMEM, "out of memory");
    SKT_GUARD_GOTO(envelope_instruction(aws, req->bucket, req->key, suffix, kv, oi.metadata_count,
                                        &needed, &json, &jlen, err),
                   rc, done);
    out->instruction_file = needed;
    if (req->range != NULL) {
        uint64_t first = 0, last = 0;
        SKT_GUARD_GOTO(parse_range(req->range,
                                   size >= SECKIT_S3CSE_TAG_LEN ? size - SECKIT_S3CSE_TAG_LEN : 0,
                                   &first, &last, err),
                       rc, done);
        SKT_GUARD_GOTO(seckit_s3cse_range_adjust(&range, first, last, (uint64_t)size, err), rc,
                       done);
        st.ranged = 1;
        SKT_GUARD_GOTO(seckit_s3cse_decryptor_new_range(&st.dec, opts, req->keyring, kv,
                                                        oi.metadata_count, json, jlen, &range, err),
                       rc, done);
        if (range.emit == 0)
            goto finish;
        snprintf(range_hdr, sizeof(range_hdr), "bytes=%llu-%llu",
                 (unsigned long long)range.fetch_first, (unsigned long long)range.fetch_last);
    } else {
        SKT_GUARD_GOTO(seckit_s3cse_decryptor_new(&st.dec, opts, req->keyring, kv,
                                                  oi.metadata_count, json, jlen, err),
                       rc, done);
    }

    seckit_s3_get g = SECKIT_S3_GET_INIT;
    g.bucket = req->bucket;
    g.key = req->key;
    g.version_id = req->version_id;
    g.range = range_hdr[0] != '\0' ? range_hdr : NULL;
    g.if_match = st.etag[0] != '\0' ? st.etag : NULL;
    g.on_headers = on_headers;
    g.sink = sink;
    g.sink_ctx = &st;
    g.require_all_metadata = 1;
    seckit_s3_object_info info;
    SKT_GUARD_GOTO(seckit_s3_get_object(aws, &info, NULL, NULL, &g, err), rc, done);
    seckit_s3_object_info_free(&info);
finish:;
    uint8_t tail[16];
    size_t n = 0;
    SKT_GUARD_GOTO(seckit_s3cse_decryptor_final(st.dec, tail, &n, err), rc, done);
    rc = emit(&st, tail, n, err);
    skt_wipe(tail, sizeof(tail));
done:
    if (rc == 0) {
        out->plaintext_len = st.written;
        out->authenticated = !st.ranged;
        snprintf(out->etag, sizeof(out->etag), "%s", st.etag);
        snprintf(out->version_id, sizeof(out->version_id), "%s",
                 st.version_id[0] != '\0' ? st.version_id : oi.version_id);
    }
    free(kv);
    seckit_s3_object_info_free(&oi);
    seckit_s3cse_decryptor_free(st.dec);
    skt_secret_free(st.out);
    free(json);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Rewrap                                                               */

/* The rewrapped object's metadata: everything the object had but the old
 * envelope, then the new one (pointing into oi and nm); NULL without memory. */
static seckit_s3_meta *rewrapped_metadata(const seckit_s3_object_info *oi,
                                          const seckit_s3cse_meta *nm, size_t *count)
{
    size_t mcount = 0;
    seckit_s3_meta *m = calloc(oi->metadata_count + nm->count + 1, sizeof(*m));
    if (m == NULL)
        return NULL;
    for (size_t i = 0; i < oi->metadata_count; i++)
        if (!is_s3ec_name(oi->metadata[i].name))
            m[mcount++] = oi->metadata[i];
    for (size_t i = 0; i < nm->count; i++) {
        m[mcount].name = nm->kv[i].name;
        m[mcount].value = nm->kv[i].value;
        mcount++;
    }
    *count = mcount;
    return m;
}

/* The copy was refused (412) although its x-amz-copy-source-if-match was the
 * ETag just read: when the object is in fact unchanged, say so in err. */
static void explain_refused_copy(seckit_aws *aws, const seckit_s3cse_rewrap_req *req,
                                 const char *etag, seckit_error *err)
{
    seckit_s3_object_info again;
    seckit_error herr;
    seckit_error_clear(&herr);
    if (head(aws, req->bucket, req->key, req->version_id, &again, &herr) != 0)
        return;
    if (strcmp(again.etag, etag) == 0) {
        size_t l = strlen(err->message);
        snprintf(err->message + l, sizeof(err->message) - l,
                 "; the object's ETag %s has not changed: the server cannot evaluate "
                 "x-amz-copy-source-if-match for it (OpenStack Swift cannot for "
                 "multipart objects); rewrap --unconditional copies without it",
                 etag);
    }
    seckit_s3_object_info_free(&again);
}

int seckit_s3cse_rewrap_object(seckit_aws *aws, seckit_s3cse_rewrap_result *out,
                               const seckit_s3cse_rewrap_req *req, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && req != NULL && out != NULL && req->bucket != NULL &&
                       req->key != NULL && req->from != NULL && req->to != NULL,
                   err);
    memset(out, 0, sizeof(*out));
    SKT_GUARD(
        skt_options_check(req->opts, SECKIT_S3CSE_OPTIONS_VERSION, "seckit_s3cse_options", err));
    seckit_s3cse_options opts = SECKIT_S3CSE_OPTIONS_INIT;
    if (req->opts != NULL)
        opts = *req->opts;
    const char *suffix = suffix_of(req->instruction_suffix);
    seckit_s3_object_info oi;
    SKT_GUARD(head(aws, req->bucket, req->key, req->version_id, &oi, err));
    snprintf(out->etag, sizeof(out->etag), "%s", oi.etag);
    int rc = 0, needed = 0;
    char *json = NULL;
    size_t jlen = 0;
    seckit_s3cse_meta nm = {0};
    seckit_s3_meta *m = NULL;
    seckit_s3cse_kv *kv = as_kv(&oi);
    SKT_ENSURE_GOTO(kv != NULL, err, rc, done, SECKIT_ENOMEM, "out of memory");
    SKT_GUARD_GOTO(envelope_instruction(aws, req->bucket, req->key, suffix, kv, oi.metadata_count,
                                        &needed, &json, &jlen, err),
                   rc, done);
    if (req->if_match != NULL && needed && strcmp(req->if_match, oi.etag) != 0) {
        rc = seckit_error_set(err, SECKIT_EAWS,
                              "the object changed since it was read (ETag %s, expected %s)",
                              oi.etag, req->if_match);
        if (err != NULL) {
            snprintf(err->aws_code, sizeof(err->aws_code), "PreconditionFailed");
            err->http_status = 412;
        }
        goto done;
    }
    /* already wrapped for the target key: nothing to do */
    seckit_error cerr;
    seckit_error_clear(&cerr);
    rc = seckit_s3cse_check_key(&opts, req->to, kv, oi.metadata_count, json, jlen, &cerr);
    if (rc == 0) {
        out->skipped = 1;
        goto done;
    }
    if (rc != SECKIT_EAUTH && rc != SECKIT_EINVAL && rc != SECKIT_EUNSUPPORTED) {
        *err = cerr;
        goto done;
    }
    opts.instruction_file = needed;
    SKT_GUARD_GOTO(seckit_s3cse_rewrap(&nm, &opts, req->from, kv, oi.metadata_count, json, jlen,
                                       req->to, err),
                   rc, done);
    if (needed) {
        SKT_ENSURE_GOTO(nm.instruction != NULL, err, rc, done, SECKIT_EINTERNAL,
                        "the envelope library made no instruction file");
        SKT_GUARD_GOTO(put_instruction(aws, req->bucket, req->key, suffix, nm.instruction,
                                       nm.instruction_len, NULL, err),
                       rc, done);
        out->instruction_file = 1;
        goto done;
    }
    size_t mcount = 0;
    m = rewrapped_metadata(&oi, &nm, &mcount);
    SKT_ENSURE_GOTO(m != NULL, err, rc, done, SECKIT_ENOMEM, "out of memory");
    seckit_s3_copy cp = {
        .src_bucket = req->bucket,
        .src_key = req->key,
        .src_version_id = req->version_id,
        .bucket = req->bucket,
        .key = req->key,
        .replace_metadata = 1,
        .content_type = oi.content_type[0] != '\0' ? oi.content_type : NULL,
        .metadata = m,
        .metadata_count = mcount,
        .copy_source_if_match = req->unconditional      ? NULL
                                : req->if_match != NULL ? req->if_match
                                                        : oi.etag,
    };
    seckit_s3_copy_result cres;
    rc = seckit_s3_copy_object(aws, &cres, &cp, err);
    if (rc != 0 && err != NULL && err->http_status == 412 && cp.copy_source_if_match != NULL &&
        strcmp(cp.copy_source_if_match, oi.etag) == 0)
        explain_refused_copy(aws, req, oi.etag, err);
    SKT_GUARD_GOTO(rc, rc, done);
    snprintf(out->new_etag, sizeof(out->new_etag), "%s", cres.etag);
done:
    free(m);
    free(kv);
    free(json);
    seckit_s3cse_meta_free(&nm);
    seckit_s3_object_info_free(&oi);
    return rc;
}
