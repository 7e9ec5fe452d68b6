/* Manifests, shards and completion reports for `seckit s3 rewrap
 * --manifest` (seckit/s3cse_object.h): S3 Batch Operations CSV manifests,
 * S3 Inventory CSV data files, and Batch Operations-shaped result lines. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seckit/s3.h"
#include "seckit/s3cse_object.h"
#include "src/base/guard.h"
#include "src/base/hex.h"

#define RECORD_MAX (64 * 1024) /* bytes in one CSV record */
#define FIELDS_MAX 64          /* columns in one record */
#define SHARDS_MAX 1000000UL

enum col { COL_BUCKET, COL_KEY, COL_VERSION, COL_LATEST, COL_DELETE_MARKER, COL_COUNT };

struct seckit_s3_manifest_reader {
    FILE *in;
    seckit_s3_manifest_format format;
    int col[COL_COUNT]; /* column index, or -1 */
    unsigned long line; /* lines read so far */
    char *buf;          /* one record's field bytes */
    size_t field_start[FIELDS_MAX];
    size_t field_len[FIELDS_MAX];
};

/* ---- URL encoding ----------------------------------------------------- */

int seckit_s3_manifest_decode(char **out, const char *s, size_t len, seckit_error *err)
{
    SKT_ENSURE_ARG(s != NULL && out != NULL, err);
    *out = NULL;
    char *d = malloc(len + 1);
    SKT_ENSURE(d != NULL, err, SECKIT_ENOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '+') {
            d[n++] = ' ';
        } else if (c == '%') {
            if (len - i < 3 || skt_hex_digit(s[i + 1]) < 0 || skt_hex_digit(s[i + 2]) < 0) {
                free(d);
                return seckit_error_set(err, SECKIT_EFORMAT,
                                        "bad %%-escape at byte %zu (want %%XX with two hex digits)",
                                        i + 1);
            }
            int v = skt_hex_digit(s[i + 1]) * 16 + skt_hex_digit(s[i + 2]);
            if (v == 0) {
                free(d);
                return seckit_error_set(err, SECKIT_EFORMAT, "%%00 (a NUL byte) at byte %zu",
                                        i + 1);
            }
            d[n++] = (char)v;
            i += 2;
        } else {
            d[n++] = (char)c;
        }
    }
    d[n] = '\0';
    *out = d;
    return 0;
}

int seckit_s3_manifest_encode(char **out, const char *s, seckit_error *err)
{
    SKT_ENSURE_ARG(s != NULL && out != NULL, err);
    size_t len = strlen(s);
    char *d = malloc(len * 3 + 1);
    SKT_ENSURE(d != NULL, err, SECKIT_ENOMEM, "out of memory");
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
            d[n++] = (char)c;
        } else {
            d[n++] = '%';
            d[n++] = hex[c >> 4];
            d[n++] = hex[c & 15];
        }
    }
    d[n] = '\0';
    *out = d;
    return 0;
}

/* ---- the reader ------------------------------------------------------- */

static int trim_eq(const char *a, size_t n, const char *name)
{
    while (n > 0 && (*a == ' ' || *a == '\t')) {
        a++;
        n--;
    }
    while (n > 0 && (a[n - 1] == ' ' || a[n - 1] == '\t'))
        n--;
    return strlen(name) == n && strncmp(a, name, n) == 0;
}

static int parse_schema(seckit_s3_manifest_reader *r, const char *schema, seckit_error *err)
{
    int idx = 0;
    const char *p = schema;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma != NULL ? (size_t)(comma - p) : strlen(p);
        static const char *const names[COL_COUNT] = {"Bucket", "Key", "VersionId", "IsLatest",
                                                     "IsDeleteMarker"};
        for (int c = 0; c < COL_COUNT; c++)
            if (trim_eq(p, n, names[c]) && r->col[c] < 0)
                r->col[c] = idx;
        idx++;
        SKT_ENSURE(idx <= FIELDS_MAX, err, SECKIT_EINVAL, "inventory schema: more than %d columns",
                   FIELDS_MAX);
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    SKT_ENSURE(r->col[COL_BUCKET] >= 0 && r->col[COL_KEY] >= 0, err, SECKIT_EINVAL,
               "inventory schema '%.200s' has no Bucket or no Key column", schema);
    return 0;
}

int seckit_s3_manifest_reader_new(seckit_s3_manifest_reader **out, FILE *in,
                                  seckit_s3_manifest_format format, const char *schema,
                                  seckit_error *err)
{
    SKT_ENSURE_ARG(in != NULL && out != NULL, err);
    SKT_ENSURE_ARG(format == SECKIT_S3_MANIFEST_BATCH || format == SECKIT_S3_MANIFEST_INVENTORY,
                   err);
    SKT_ENSURE(format == SECKIT_S3_MANIFEST_INVENTORY || schema == NULL, err, SECKIT_EINVAL,
               "a schema is for inventory manifests only");
    *out = NULL;
    seckit_s3_manifest_reader *r = calloc(1, sizeof(*r));
    SKT_ENSURE(r != NULL, err, SECKIT_ENOMEM, "out of memory");
    r->in = in;
    r->format = format;
    for (int c = 0; c < COL_COUNT; c++)
        r->col[c] = -1;
    if (format == SECKIT_S3_MANIFEST_BATCH || schema == NULL) {
        r->col[COL_BUCKET] = 0;
        r->col[COL_KEY] = 1;
        if (format == SECKIT_S3_MANIFEST_BATCH)
            r->col[COL_VERSION] = 2;
    } else {
        int rc = parse_schema(r, schema, err);
        if (rc != 0) {
            free(r);
            return rc;
        }
    }
    r->buf = malloc(RECORD_MAX);
    if (r->buf == NULL) {
        free(r);
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    *out = r;
    return 0;
}

void seckit_s3_manifest_reader_free(seckit_s3_manifest_reader *r)
{
    if (r == NULL)
        return;
    free(r->buf);
    free(r);
}

void seckit_s3_manifest_row_free(seckit_s3_manifest_row *row)
{
    if (row == NULL)
        return;
    free(row->bucket);
    free(row->key);
    free(row->version_id);
    memset(row, 0, sizeof(*row));
}

/* Read one RFC 4180 record into r->buf / field_*; *nfields = 0 at the end
 * of the input.  Returns 0 or a negative code. */
static int read_record(seckit_s3_manifest_reader *r, size_t *nfields, unsigned long *first_line,
                       seckit_error *err)
{
    size_t used = 0, nf = 0;
    int c, quoted = 0, in_field_quotes = 0, after_quote = 0, any = 0;
    *nfields = 0;
    *first_line = r->line + 1;
    r->field_start[0] = 0;
    for (;;) {
        c = getc(r->in);
        if (c == EOF) {
            SKT_ENSURE(!ferror(r->in), err, SECKIT_EIO, "line %lu: reading the manifest: %s",
                       r->line + 1, strerror(errno));
            SKT_ENSURE(!in_field_quotes, err, SECKIT_EFORMAT,
                       "line %lu: a quoted field is not closed at the end", *first_line);
            if (!any)
                return 0;
            r->line++;
            break;
        }
        any = 1;
        if (in_field_quotes) {
            if (c == '"') {
                int d = getc(r->in);
                if (d == '"') {
                    c = '"';
                } else {
                    if (d != EOF)
                        ungetc(d, r->in);
                    in_field_quotes = 0;
                    after_quote = 1;
                    continue;
                }
            } else if (c == '\n') {
                r->line++;
            }
        } else {
            if (c == '\r') {
                int d = getc(r->in);
                if (d != '\n') {
                    if (d != EOF)
                        ungetc(d, r->in);
                    return seckit_error_set(err, SECKIT_EFORMAT,
                                            "line %lu: a carriage return outside quotes",
                                            r->line + 1);
                }
                c = '\n';
            }
            if (c == '\n') {
                r->line++;
                if (nf == 0 && used == 0 && !quoted) {
                    /* an empty line: skip it */
                    *first_line = r->line + 1;
                    any = 0;
                    continue;
                }
                break;
            }
            if (c == ',') {
                r->field_len[nf] = used - r->field_start[nf];
                SKT_ENSURE(nf + 1 < FIELDS_MAX, err, SECKIT_EFORMAT,
                           "line %lu: more than %d fields", *first_line, FIELDS_MAX);
                nf++;
                r->field_start[nf] = used;
                quoted = 0;
                after_quote = 0;
                continue;
            }
            SKT_ENSURE(!after_quote, err, SECKIT_EFORMAT,
                       "line %lu: text after a closing quote in field %zu", *first_line, nf + 1);
            if (c == '"') {
                SKT_ENSURE(used == r->field_start[nf], err, SECKIT_EFORMAT,
                           "line %lu: a quote inside unquoted field %zu", *first_line, nf + 1);
                quoted = 1;
                in_field_quotes = 1;
                continue;
            }
        }
        SKT_ENSURE(used + 1 < RECORD_MAX, err, SECKIT_EFORMAT,
                   "line %lu: record longer than %d bytes", *first_line, RECORD_MAX);
        r->buf[used++] = (char)c;
    }
    r->field_len[nf] = used - r->field_start[nf];
    *nfields = nf + 1;
    return 0;
}

static int is_true(const char *s, size_t n)
{
    return n == 4 && strncmp(s, "true", 4) == 0;
}

int seckit_s3_manifest_next(seckit_s3_manifest_reader *r, seckit_s3_manifest_row *row,
                            seckit_error *err)
{
    SKT_ENSURE_ARG(r != NULL && row != NULL, err);
    memset(row, 0, sizeof(*row));
    size_t nf = 0;
    unsigned long line = 0;
    SKT_GUARD(read_record(r, &nf, &line, err));
    if (nf == 0)
        return 0;
    row->line = line;
    if (r->format == SECKIT_S3_MANIFEST_BATCH) {
        SKT_ENSURE(nf == 2 || nf == 3, err, SECKIT_EFORMAT,
                   "line %lu: %zu fields (a Batch Operations manifest has bucket,key or "
                   "bucket,key,versionId)",
                   line, nf);
    } else {
        int need = 0;
        for (int c = 0; c < COL_COUNT; c++)
            if (r->col[c] + 1 > need)
                need = r->col[c] + 1;
        SKT_ENSURE(nf >= (size_t)need, err, SECKIT_EFORMAT,
                   "line %lu: %zu fields, the schema needs at least %d", line, nf, need);
    }
#define FIELD(c) (r->buf + r->field_start[r->col[c]])
#define FLEN(c) (r->field_len[r->col[c]])
    SKT_ENSURE(FLEN(COL_BUCKET) > 0 && FLEN(COL_BUCKET) <= 255, err, SECKIT_EFORMAT,
               "line %lu: %s bucket name", line, FLEN(COL_BUCKET) == 0 ? "an empty" : "a too long");
    SKT_ENSURE(FLEN(COL_KEY) > 0, err, SECKIT_EFORMAT, "line %lu: an empty key", line);
    int rc = 0;
    seckit_error e2;
    seckit_error_clear(&e2);
    row->bucket = strndup(FIELD(COL_BUCKET), FLEN(COL_BUCKET));
    SKT_ENSURE_GOTO(row->bucket != NULL, err, rc, fail, SECKIT_ENOMEM, "out of memory");
    SKT_ENSURE_GOTO(memchr(row->bucket, '\0', FLEN(COL_BUCKET)) == NULL &&
                        strpbrk(row->bucket, "/% ") == NULL,
                    err, rc, fail, SECKIT_EFORMAT, "line %lu: '%.80s' is not a bucket name", line,
                    row->bucket);
    if (seckit_s3_manifest_decode(&row->key, FIELD(COL_KEY), FLEN(COL_KEY), &e2) != 0) {
        rc = seckit_error_set(err, e2.code, "line %lu: key: %s", line, e2.message);
        goto fail;
    }
    SKT_ENSURE_GOTO(row->key[0] != '\0' && strlen(row->key) <= SECKIT_S3_KEY_MAX, err, rc, fail,
                    SECKIT_EFORMAT, "line %lu: the key is empty or longer than %d bytes", line,
                    SECKIT_S3_KEY_MAX);
    if (r->col[COL_VERSION] >= 0 && (size_t)r->col[COL_VERSION] < nf && FLEN(COL_VERSION) > 0) {
        if (seckit_s3_manifest_decode(&row->version_id, FIELD(COL_VERSION), FLEN(COL_VERSION),
                                      &e2) != 0) {
            rc = seckit_error_set(err, e2.code, "line %lu: version id: %s", line, e2.message);
            goto fail;
        }
    }
    if (r->col[COL_DELETE_MARKER] >= 0 &&
        is_true(FIELD(COL_DELETE_MARKER), FLEN(COL_DELETE_MARKER))) {
        row->skip = 1;
        row->skip_reason = "a delete marker";
    } else if (r->col[COL_LATEST] >= 0 && !is_true(FIELD(COL_LATEST), FLEN(COL_LATEST))) {
        row->skip = 1;
        row->skip_reason = "not the latest version";
    }
#undef FIELD
#undef FLEN
    return 1;
fail:
    seckit_s3_manifest_row_free(row);
    return rc;
}

/* ---- shards ----------------------------------------------------------- */

static int parse_ulong(const char *s, size_t n, unsigned long *out)
{
    unsigned long v = 0;
    if (n == 0 || n > 7)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    *out = v;
    return 0;
}

int seckit_s3_shard_parse(seckit_s3_shard *out, const char *s, seckit_error *err)
{
    SKT_ENSURE_ARG(s != NULL && out != NULL, err);
    const char *slash = strchr(s, '/');
    unsigned long i = 0, n = 0;
    SKT_ENSURE(slash != NULL && parse_ulong(s, (size_t)(slash - s), &i) == 0 &&
                   parse_ulong(slash + 1, strlen(slash + 1), &n) == 0,
               err, SECKIT_EINVAL, "shard '%.40s' is not I/N (two whole numbers)", s);
    SKT_ENSURE(n >= 1 && n <= SHARDS_MAX && i < n, err, SECKIT_EINVAL,
               "shard '%.40s': want 0 <= I < N <= %lu", s, SHARDS_MAX);
    out->index = i;
    out->count = n;
    return 0;
}

int seckit_s3_shard_selects(const seckit_s3_shard *shard, const char *bucket, const char *key)
{
    if (shard == NULL || shard->count <= 1)
        return 1;
    uint64_t h = 14695981039346656037ULL;
    for (const unsigned char *p = (const unsigned char *)bucket; *p != '\0'; p++)
        h = (h ^ *p) * 1099511628211ULL;
    h = (h ^ '/') * 1099511628211ULL;
    for (const unsigned char *p = (const unsigned char *)key; *p != '\0'; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h % shard->count == shard->index;
}

/* ---- completion reports ---------------------------------------------- */

/* Append s as one CSV field (quoted when needed) and a separator. */
static size_t put_field(char *d, const char *s, char sep)
{
    size_t n = 0;
    int q = strpbrk(s, ",\"\r\n") != NULL;
    if (q)
        d[n++] = '"';
    for (; *s != '\0'; s++) {
        if (*s == '"')
            d[n++] = '"';
        d[n++] = *s;
    }
    if (q)
        d[n++] = '"';
    d[n++] = sep;
    return n;
}

int seckit_s3_report_line(char **out, const char *bucket, const char *key, const char *version_id,
                          int succeeded, int http_status, const char *error_code,
                          const char *message, seckit_error *err)
{
    SKT_ENSURE_ARG(bucket != NULL && key != NULL && out != NULL, err);
    *out = NULL;
    char *ekey = NULL;
    SKT_GUARD(seckit_s3_manifest_encode(&ekey, key, err));
    char status[16] = "";
    if (http_status > 0)
        snprintf(status, sizeof(status), "%d", http_status);
    const char *fields[7] = {bucket,
                             ekey,
                             version_id != NULL ? version_id : "",
                             succeeded ? "succeeded" : "failed",
                             status,
                             error_code != NULL ? error_code : "",
                             message != NULL ? message : ""};
    size_t cap = 8;
    for (int i = 0; i < 7; i++)
        cap += strlen(fields[i]) * 2 + 3;
    char *d = malloc(cap);
    if (d == NULL) {
        free(ekey);
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    size_t n = 0;
    for (int i = 0; i < 7; i++)
        n += put_field(d + n, fields[i], i == 6 ? '\n' : ',');
    d[n] = '\0';
    free(ekey);
    *out = d;
    return 0;
}
