/* Plain S3 object calls over seckit_aws_send() (see seckit/s3.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "src/base/buf.h"
#include "seckit/encoding.h"
#include "seckit/s3.h"
#include "src/aws/client.h"
#include "src/aws/s3_internal.h"
#include "src/aws/sigv4.h"
#include "src/aws/xml.h"
#include "src/base/guard.h"

#define META_PREFIX "x-amz-meta-"
#define MAX_HEADERS 64
#define MAX_META_TOTAL 2048 /* S3: user metadata, names + values, in bytes */
#define MAX_OWNED 80        /* owned header strings: name + encoded value per entry */

/* ---- strict reading of response elements -------------------------------- */

size_t skt_s3_xml_count(const skt_xml_node *n, const char *name)
{
    size_t k = 0;
    for (const skt_xml_node *c = skt_xml_child(n, name); c != NULL; c = skt_xml_next_same(c))
        k++;
    return k;
}

int skt_s3_xml_text(const skt_xml_node *n, const char *name, int optional, const char **out,
                    const char *what, seckit_error *err)
{
    const skt_xml_node *c = skt_xml_child(n, name);
    *out = NULL;
    if (c == NULL) {
        if (optional)
            return 0;
        return seckit_error_set(err, SECKIT_EFORMAT, "%s: <%s> has no <%s>", what, skt_xml_local(n),
                                name);
    }
    if (skt_xml_next_same(c) != NULL)
        return seckit_error_set(err, SECKIT_EFORMAT, "%s: <%s> has more than one <%s>", what,
                                skt_xml_local(n), name);
    SKT_ENSURE(c->child == NULL, err, SECKIT_EFORMAT, "%s: <%s> should hold text, not elements",
               what, name);
    if (strlen(c->text) != c->text_len)
        return seckit_error_set(err, SECKIT_EFORMAT, "%s: <%s> contains a NUL character", what,
                                name);
    *out = c->text;
    return 0;
}

int skt_s3_xml_number(const skt_xml_node *n, const char *name, int optional, long long max,
                      long long *out, const char *what, seckit_error *err)
{
    const char *s = NULL;
    SKT_GUARD(skt_s3_xml_text(n, name, optional, &s, what, err));
    *out = 0;
    if (s == NULL)
        return 0;
    long long v = 0;
    SKT_ENSURE(*s != '\0', err, SECKIT_EFORMAT, "%s: <%s> is empty", what, name);
    for (const char *q = s; *q != '\0'; q++) {
        SKT_ENSURE(*q >= '0' && *q <= '9', err, SECKIT_EFORMAT, "%s: <%s> is not a whole number",
                   what, name);
        SKT_ENSURE(v <= (max - (*q - '0')) / 10, err, SECKIT_EFORMAT,
                   "%s: <%s> is larger than %lld", what, name, max);
        v = v * 10 + (*q - '0');
    }
    *out = v;
    return 0;
}

int skt_s3_xml_bool(const skt_xml_node *n, const char *name, int optional, int *out,
                    const char *what, seckit_error *err)
{
    const char *s = NULL;
    SKT_GUARD(skt_s3_xml_text(n, name, optional, &s, what, err));
    *out = 0;
    if (s == NULL || strcmp(s, "false") == 0)
        return 0;
    SKT_ENSURE(strcmp(s, "true") == 0, err, SECKIT_EFORMAT, "%s: <%s> is neither true nor false",
               what, name);
    *out = 1;
    return 0;
}

/* ---- bucket names ------------------------------------------------------- */

static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static int looks_like_ipv4(const char *s)
{
    int dots = 0, digits = 0;
    for (; *s != '\0'; s++) {
        if (*s == '.') {
            if (digits == 0 || digits > 3)
                return 0;
            dots++;
            digits = 0;
        } else if (*s >= '0' && *s <= '9') {
            digits++;
        } else {
            return 0;
        }
    }
    return dots == 3 && digits >= 1 && digits <= 3;
}

int seckit_s3_check_bucket_name(const char *b, seckit_error *err)
{
    SKT_ENSURE(b != NULL && b[0] != '\0', err, SECKIT_EINVAL, "S3: no bucket given");
    size_t n = strlen(b);
    const char *bad = NULL;
    static const char *const prefixes[] = {"xn--", "sthree-", "amzn-s3-demo-"};
    static const char *const suffixes[] = {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"};
    if (n < 3 || n > 63)
        bad = "it must be 3 to 63 characters long";
    for (size_t i = 0; bad == NULL && i < n; i++) {
        char c = b[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'))
            bad = "only lower-case letters, digits, '.' and '-' are allowed";
    }
    if (bad == NULL && (b[0] == '.' || b[0] == '-' || b[n - 1] == '.' || b[n - 1] == '-'))
        bad = "it must start and end with a letter or digit";
    if (bad == NULL && strstr(b, "..") != NULL)
        bad = "it must not contain two adjacent periods";
    if (bad == NULL && looks_like_ipv4(b))
        bad = "it must not be formatted as an IP address";
    for (size_t i = 0; bad == NULL && i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (strncmp(b, prefixes[i], strlen(prefixes[i])) == 0)
            bad = "it starts with a prefix S3 reserves (xn--, sthree-, amzn-s3-demo-)";
    for (size_t i = 0; bad == NULL && i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
        if (ends_with(b, n, suffixes[i]))
            bad = "it ends with a suffix S3 reserves (-s3alias, --ol-s3, .mrap, --x-s3, "
                  "--table-s3)";
    SKT_ENSURE(bad == NULL, err, SECKIT_EINVAL, "S3: '%.80s' is not a valid bucket name: %s", b,
               bad);
    return 0;
}

static int check_object(const char *bucket, const char *key, seckit_error *err)
{
    SKT_GUARD(seckit_s3_check_bucket_name(bucket, err));
    SKT_ENSURE(key != NULL && key[0] != '\0', err, SECKIT_EINVAL, "S3: no object key given");
    SKT_ENSURE(strlen(key) <= SECKIT_S3_KEY_MAX, err, SECKIT_EINVAL,
               "S3: object key longer than %d bytes", SECKIT_S3_KEY_MAX);
    return 0;
}

static int token_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* ---- RFC 2047 metadata values ---------------------------------------- */

/* Length of the valid UTF-8 sequence at s (1..4), or 0. */
static size_t utf8_seq(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        unsigned lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        unsigned lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80 ? 4 : 0;
    }
    return 0;
}

int skt_s3_meta_value_encode(const char *value, char **out, seckit_error *err)
{
    *out = NULL;
    int plain = strstr(value, "=?") == NULL;
    for (const unsigned char *q = (const unsigned char *)value; *q != '\0';) {
        size_t k = utf8_seq(q);
        SKT_ENSURE(k > 0, err, SECKIT_EINVAL, "S3: a metadata value is not valid UTF-8");
        SKT_ENSURE(k > 1 || (*q >= 0x20 && *q != 0x7f), err, SECKIT_EINVAL,
                   "S3: a metadata value contains a control character");
        if (k > 1)
            plain = 0;
        q += k;
    }
    if (plain)
        return 0;
    size_t n = strlen(value);
    size_t cap = seckit_base64_encoded_len(n, SECKIT_BASE64_STANDARD) + 13;
    char *e = malloc(cap);
    SKT_ENSURE(e != NULL, err, SECKIT_ENOMEM, "S3: out of memory");
    memcpy(e, "=?UTF-8?B?", 10);
    size_t bl = 0;
    int rc = seckit_base64_encode(e + 10, cap - 10, &bl, value, n, SECKIT_BASE64_STANDARD, err);
    if (rc != 0) {
        free(e);
        return rc;
    }
    memcpy(e + 10 + bl, "?=", 3);
    *out = e;
    return 0;
}

static int hexval(int c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                  : -1;
}

/* One encoded word "=?charset?B|Q?text?=" at s (len n) appended to w as
 * UTF-8; -1 when it is not one this decoder understands. */
static int decode_word(const char *s, size_t n, skt_writer *w)
{
    if (n < 8 || s[0] != '=' || s[1] != '?' || s[n - 2] != '?' || s[n - 1] != '=')
        return -1;
    const char *cs = s + 2, *q1 = memchr(cs, '?', n - 2);
    if (q1 == NULL || q1 + 3 > s + n - 2 || q1[2] != '?')
        return -1;
    size_t csl = (size_t)(q1 - cs);
    int latin1;
    if ((csl == 5 && strncasecmp(cs, "UTF-8", 5) == 0) ||
        (csl == 8 && strncasecmp(cs, "US-ASCII", 8) == 0))
        latin1 = 0;
    else if (csl == 10 && strncasecmp(cs, "ISO-8859-1", 10) == 0)
        latin1 = 1;
    else
        return -1;
    char enc = q1[1];
    const char *text = q1 + 3;
    size_t tl = (size_t)(s + n - 2 - text);
    unsigned char *raw = malloc(tl + 1);
    size_t rl = 0;
    if (raw == NULL)
        return -1;
    int ok = 0;
    if (enc == 'B' || enc == 'b') {
        ok = seckit_base64_decode(raw, tl + 1, &rl, text, tl, SECKIT_BASE64_STANDARD, NULL) == 0;
    } else if (enc == 'Q' || enc == 'q') {
        ok = 1;
        for (size_t i = 0; i < tl && ok; i++) {
            if (text[i] == '_') {
                raw[rl++] = ' ';
            } else if (text[i] == '=') {
                int a = i + 2 < tl ? hexval(text[i + 1]) : -1;
                int b = a >= 0 ? hexval(text[i + 2]) : -1;
                ok = b >= 0;
                if (ok)
                    raw[rl++] = (unsigned char)(a * 16 + b);
                i += 2;
            } else {
                raw[rl++] = (unsigned char)text[i];
            }
        }
    }
    for (size_t i = 0; ok && i < rl; i++) {
        if (raw[i] == 0) {
            ok = 0;
        } else if (latin1 && raw[i] >= 0x80) {
            unsigned char two[2] = {(unsigned char)(0xc0 | (raw[i] >> 6)),
                                    (unsigned char)(0x80 | (raw[i] & 0x3f))};
            ok = skt_writer_put(w, two, 2, NULL) == 0;
        } else if (latin1) {
            ok = skt_writer_put(w, raw + i, 1, NULL) == 0;
        }
    }
    if (ok && !latin1) {
        raw[rl] = '\0';
        for (size_t i = 0; ok && i < rl;) {
            size_t k = utf8_seq(raw + i);
            ok = k > 0 && i + k <= rl;
            i += k;
        }
        ok = ok && skt_writer_put(w, raw, rl, NULL) == 0;
    }
    free(raw);
    return ok ? 0 : -1;
}

int skt_s3_meta_value_decode(const char *value, char **out, seckit_error *err)
{
    *out = NULL;
    skt_writer w;
    skt_writer_init(&w, 4 * strlen(value) + 16);
    int words = 0, ok = 1;
    const char *p = value;
    while (ok && *p != '\0') {
        /* whitespace between encoded words is dropped (RFC 2047 6.2) */
        const char *sp = p;
        while (*sp == ' ' || *sp == '\t')
            sp++;
        if (*sp == '\0')
            break;
        if (words > 0 && sp == p) {
            ok = 0;
            break;
        }
        const char *end = NULL;
        if (sp[0] == '=' && sp[1] == '?') {
            /* =?cs?X?text?= : the text contains no '?' */
            const char *q1 = strchr(sp + 2, '?');
            const char *q2 = q1 != NULL && q1[1] != '\0' ? strchr(q1 + 2, '?') : NULL;
            const char *q3 = q2 != NULL ? strchr(q2 + 1, '?') : NULL;
            if (q1 != NULL && q2 == q1 + 2 && q3 != NULL && q3[1] == '=')
                end = q3 + 2;
        }
        if (end == NULL || decode_word(sp, (size_t)(end - sp), &w) != 0)
            ok = 0;
        words++;
        p = end != NULL ? end : p;
    }
    if (ok && words > 0 && skt_writer_terminate(&w, NULL) == 0) {
        *out = (char *)skt_writer_steal(&w, NULL);
        return 0;
    }
    skt_writer_free(&w);
    *out = strdup(value); /* not (only) encoded words: as sent */
    SKT_ENSURE(*out != NULL, err, SECKIT_ENOMEM, "S3: out of memory");
    return 0;
}

int seckit_s3_meta_value_decode(char **out, const char *value, seckit_error *err)
{
    return skt_s3_meta_value_decode(value, out, err);
}

/* Add x-amz-meta-* headers (names and encoded values malloc'd into owned). */
static int add_metadata(seckit_aws_kv *h, size_t *n, char **owned, size_t *owned_n,
                        const seckit_s3_meta *meta, size_t count, seckit_error *err)
{
    size_t total = 0;
    SKT_ENSURE(count <= 32, err, SECKIT_ELIMIT, "S3: more than 32 metadata entries");
    for (size_t i = 0; i < count; i++) {
        const char *name = meta[i].name, *value = meta[i].value;
        SKT_ENSURE(name != NULL && name[0] != '\0' && value != NULL, err, SECKIT_EINVAL,
                   "S3: metadata entry %zu has no name or value", i + 1);
        for (const char *q = name; *q != '\0'; q++)
            SKT_ENSURE(token_char((unsigned char)*q), err, SECKIT_EINVAL,
                       "S3: metadata name '%.64s' has a character HTTP does not allow in a "
                       "header name",
                       name);
        total += strlen(name) + strlen(value);
        SKT_ENSURE(total <= MAX_META_TOTAL, err, SECKIT_ELIMIT,
                   "S3: user metadata larger than %d bytes", MAX_META_TOTAL);
        char *encoded = NULL;
        int rc = skt_s3_meta_value_encode(value, &encoded, err);
        if (rc != 0) {
            seckit_error_prefix(err, name);
            return rc;
        }
        if (encoded != NULL) {
            owned[(*owned_n)++] = encoded;
            value = encoded;
        }
        char *full = malloc(strlen(META_PREFIX) + strlen(name) + 1);
        SKT_ENSURE(full != NULL, err, SECKIT_ENOMEM, "S3: out of memory");
        strcpy(full, META_PREFIX);
        strcat(full, name);
        owned[(*owned_n)++] = full;
        h[*n].name = full;
        h[*n].value = value;
        (*n)++;
    }
    return 0;
}

static void free_owned(char **owned, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(owned[i]);
}

static void copy_header(const seckit_aws_response *resp, const char *name, char *dst, size_t cap)
{
    const char *v = seckit_aws_response_header(resp, name);
    dst[0] = '\0';
    if (v != NULL) {
        size_t n = strlen(v);
        if (n >= cap)
            n = cap - 1;
        memcpy(dst, v, n);
        dst[n] = '\0';
    }
}

static int parse_ll(const char *s, const char *end, long long *out)
{
    long long v = 0;
    if (s == end)
        return -1;
    for (; s < end; s++) {
        if (*s < '0' || *s > '9' || v > (9223372036854775807LL - 9) / 10)
            return -1;
        v = v * 10 + (*s - '0');
    }
    *out = v;
    return 0;
}

int skt_s3_check_range(const char *range, seckit_error *err)
{
    const char *p;
    long long a = 0, b = 0;
    SKT_ENSURE(strncmp(range, "bytes=", 6) == 0, err, SECKIT_EINVAL,
               "S3: range '%.64s' must start with 'bytes='", range);
    p = range + 6;
    const char *dash = strchr(p, '-');
    SKT_ENSURE(dash != NULL && strchr(dash + 1, '-') == NULL && strchr(p, ',') == NULL, err,
               SECKIT_EINVAL, "S3: range '%.64s' is not FIRST-LAST, FIRST- or -SUFFIX", range);
    if (dash == p) {
        SKT_ENSURE(parse_ll(dash + 1, dash + strlen(dash), &b) == 0 && b > 0, err, SECKIT_EINVAL,
                   "S3: range '%.64s': bad suffix length", range);
        return 0;
    }
    SKT_ENSURE(parse_ll(p, dash, &a) == 0, err, SECKIT_EINVAL, "S3: range '%.64s': bad first byte",
               range);
    if (dash[1] != '\0')
        SKT_ENSURE(parse_ll(dash + 1, dash + strlen(dash), &b) == 0 && b >= a, err, SECKIT_EINVAL,
                   "S3: range '%.64s': bad last byte", range);
    return 0;
}

/* Fill info from a HEAD/GET answer's headers (strictly: Content-Length and,
 * for 206, Content-Range must be well-formed and agree). */
int skt_s3_object_info_from(const seckit_aws_response *resp, seckit_s3_object_info *info,
                            seckit_error *err)
{
    memset(info, 0, sizeof(*info));
    const char *cl = seckit_aws_response_header(resp, "content-length");
    SKT_ENSURE(cl != NULL && parse_ll(cl, cl + strlen(cl), &info->content_length) == 0, err,
               SECKIT_EFORMAT, "S3: the answer has no valid Content-Length");
    info->object_size = info->content_length;
    info->range_first = 0;
    info->range_last = info->content_length - 1;
    if (resp->status == 206) {
        const char *cr = seckit_aws_response_header(resp, "content-range");
        long long a, b, total;
        const char *dash, *slash;
        SKT_ENSURE(cr != NULL && strncmp(cr, "bytes ", 6) == 0 &&
                       (dash = strchr(cr + 6, '-')) != NULL &&
                       (slash = strchr(dash, '/')) != NULL && parse_ll(cr + 6, dash, &a) == 0 &&
                       parse_ll(dash + 1, slash, &b) == 0 &&
                       parse_ll(slash + 1, slash + strlen(slash), &total) == 0 && a <= b &&
                       b < total && b - a + 1 == info->content_length,
                   err, SECKIT_EFORMAT, "S3: a 206 answer with a bad Content-Range '%.80s'",
                   cr != NULL ? cr : "(none)");
        info->range_first = a;
        info->range_last = b;
        info->object_size = total;
    }
    copy_header(resp, "etag", info->etag, sizeof(info->etag));
    copy_header(resp, "content-type", info->content_type, sizeof(info->content_type));
    copy_header(resp, "last-modified", info->last_modified, sizeof(info->last_modified));
    copy_header(resp, "x-amz-version-id", info->version_id, sizeof(info->version_id));
    copy_header(resp, "cache-control", info->cache_control, sizeof(info->cache_control));
    copy_header(resp, "content-disposition", info->content_disposition,
                sizeof(info->content_disposition));
    copy_header(resp, "content-encoding", info->content_encoding, sizeof(info->content_encoding));
    copy_header(resp, "content-language", info->content_language, sizeof(info->content_language));
    copy_header(resp, "expires", info->expires, sizeof(info->expires));
    copy_header(resp, "x-amz-storage-class", info->storage_class, sizeof(info->storage_class));
    long long num = 0;
    const char *mm = seckit_aws_response_header(resp, "x-amz-missing-meta");
    if (mm != NULL) {
        SKT_ENSURE(parse_ll(mm, mm + strlen(mm), &num) == 0 && num <= 1000000, err, SECKIT_EFORMAT,
                   "S3: a bad x-amz-missing-meta header '%.40s'", mm);
        info->missing_meta = (int)num;
    }
    const char *tc = seckit_aws_response_header(resp, "x-amz-tagging-count");
    if (tc != NULL) {
        SKT_ENSURE(parse_ll(tc, tc + strlen(tc), &num) == 0 && num <= 1000000, err, SECKIT_EFORMAT,
                   "S3: a bad x-amz-tagging-count header '%.40s'", tc);
        info->tag_count = (int)num;
    }
    size_t n = 0;
    for (size_t i = 0; i < resp->header_count; i++)
        if (strncasecmp(resp->headers[i].name, META_PREFIX, strlen(META_PREFIX)) == 0)
            n++;
    if (n == 0)
        return 0;
    info->metadata = calloc(n, sizeof(*info->metadata));
    SKT_ENSURE(info->metadata != NULL, err, SECKIT_ENOMEM, "S3: out of memory");
    for (size_t i = 0; i < resp->header_count; i++) {
        if (strncasecmp(resp->headers[i].name, META_PREFIX, strlen(META_PREFIX)) != 0)
            continue;
        char *name = strdup(resp->headers[i].name + strlen(META_PREFIX));
        char *value = NULL;
        (void)skt_s3_meta_value_decode(resp->headers[i].value != NULL ? resp->headers[i].value : "",
                                       &value, NULL);
        if (name == NULL || value == NULL) {
            free(name);
            free(value);
            seckit_s3_object_info_free(info);
            return seckit_error_set(err, SECKIT_ENOMEM, "S3: out of memory");
        }
        for (char *q = name; *q != '\0'; q++)
            if (*q >= 'A' && *q <= 'Z')
                *q = (char)(*q - 'A' + 'a');
        info->metadata[info->metadata_count].name = name;
        info->metadata[info->metadata_count].value = value;
        info->metadata_count++;
    }
    return 0;
}

void seckit_s3_object_info_free(seckit_s3_object_info *info)
{
    if (info == NULL)
        return;
    for (size_t i = 0; i < info->metadata_count; i++) {
        free((char *)info->metadata[i].name);
        free((char *)info->metadata[i].value);
    }
    free(info->metadata);
    info->metadata = NULL;
    info->metadata_count = 0;
}

const char *seckit_s3_object_info_meta(const seckit_s3_object_info *info, const char *name)
{
    for (size_t i = 0; info != NULL && i < info->metadata_count; i++)
        if (strcasecmp(info->metadata[i].name, name) == 0)
            return info->metadata[i].value;
    return NULL;
}

static int set_body(seckit_aws_request *r, const seckit_s3_body *b, seckit_error *err)
{
    if (b == NULL)
        return 0;
    if (b->source != NULL) {
        SKT_ENSURE(b->data == NULL && b->fd < 0 && b->source->read != NULL, err, SECKIT_EINVAL,
                   "S3: a body from a source has no data or file besides");
        r->body_read = b->source->read;
        r->body_rewind = b->source->rewind;
        r->body_ctx = b->source->ctx;
        /* Only a body that authenticates itself (AES-GCM ciphertext and
         * tag, checked by every reader before it uses a byte) goes
         * unsigned over plain http: anything else is hashed and signed. */
        if (b->source->self_authenticated)
            r->payload_hash = "UNSIGNED-PAYLOAD";
    } else if (b->fd >= 0) {
        SKT_ENSURE(b->data == NULL && b->offset >= 0, err, SECKIT_EINVAL,
                   "S3: a body is either in memory or in a file, not both");
        r->body_fd = b->fd;
        r->body_offset = b->offset;
    } else {
        SKT_ENSURE(b->data != NULL || b->len == 0, err, SECKIT_EINVAL, "S3: body has no data");
        r->body = b->data;
    }
    r->body_len = b->len;
    return 0;
}

static char *key_path(const char *key)
{
    char *p = malloc(strlen(key) + 2);
    if (p != NULL) {
        p[0] = '/';
        strcpy(p + 1, key);
    }
    return p;
}

/* Send the S3 operation op ("GetObject": the name errors show) for
 * bucket/key (key may be NULL: the bucket itself). */
static int send_s3(seckit_aws *aws, const char *op, seckit_aws_request *r, const char *bucket,
                   const char *key, seckit_aws_response *resp, seckit_error *err)
{
    char *path = NULL;
    r->service = "s3";
    r->operation = op;
    r->bucket = bucket;
    if (key != NULL) {
        path = key_path(key);
        SKT_ENSURE(path != NULL, err, SECKIT_ENOMEM, "S3: out of memory");
    }
    r->path = path != NULL ? path : "/";
    r->protocol = SECKIT_AWS_PROTO_REST_XML;
    int rc = seckit_aws_send(aws, resp, r, err);
    free(path);
    return rc;
}

int skt_s3_send(seckit_aws *aws, const char *op, seckit_aws_request *r, const char *bucket,
                const char *key, seckit_aws_response *resp, seckit_error *err)
{
    return send_s3(aws, op, r, bucket, key, resp, err);
}

int skt_s3_error_document(const skt_xml_node *root, int status, seckit_error *err)
{
    const char *code = NULL, *msg = NULL, *rid = NULL;
    (void)skt_s3_xml_text(root, "Code", 1, &code, "S3 error", NULL);
    (void)skt_s3_xml_text(root, "Message", 1, &msg, "S3 error", NULL);
    (void)skt_s3_xml_text(root, "RequestId", 1, &rid, "S3 error", NULL);
    int rc = code != NULL && skt_aws_is_auth_code(code) ? SECKIT_EAWSAUTH : SECKIT_EAWS;
    seckit_error_set(err, rc, "S3: %.300s",
                     msg != NULL && msg[0] != '\0' ? msg : "the service reported an error");
    if (err != NULL) {
        snprintf(err->aws_code, sizeof(err->aws_code), "%s", code != NULL ? code : "");
        snprintf(err->aws_request_id, sizeof(err->aws_request_id), "%s", rid != NULL ? rid : "");
        err->http_status = status;
    }
    return rc;
}

/* Parse a 200 answer's XML body, expecting root element `want`.  An <Error>
 * document (CopyObject and CompleteMultipartUpload can fail after the 200
 * status line) is turned into the error it reports. */
int skt_s3_parse_body(const seckit_aws_response *resp, const char *want, const char *what,
                      skt_xml_node **root, seckit_error *err)
{
    *root = NULL;
    SKT_ENSURE(resp->body != NULL && resp->body_len > 0, err, SECKIT_EFORMAT,
               "%s: the answer has no body", what);
    skt_xml_node *n = NULL;
    int prc = skt_xml_parse(resp->body, resp->body_len, &n, err);
    if (prc < 0) {
        seckit_error_prefix(err, what);
        return prc;
    }
    if (strcmp(skt_xml_local(n), "Error") == 0) {
        int rc = skt_s3_error_document(n, resp->status, err);
        skt_xml_free(n);
        return rc;
    }
    if (strcmp(skt_xml_local(n), want) != 0) {
        int rc = seckit_error_set(err, SECKIT_EFORMAT, "%s: expected <%s>, got <%.64s>", what, want,
                                  skt_xml_local(n));
        skt_xml_free(n);
        return rc;
    }
    *root = n;
    return 0;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src != NULL ? src : "");
}

int seckit_s3_put_object(seckit_aws *aws, seckit_s3_put_result *out, const seckit_s3_put *req,
                         seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && req != NULL, err);
    SKT_GUARD(check_object(req->bucket, req->key, err));
    SKT_ENSURE((long long)req->body.len <= SECKIT_S3_MAX_PUT_SIZE, err, SECKIT_ELIMIT,
               "S3: PutObject takes at most 5 GiB; use a multipart upload");
    seckit_aws_kv h[MAX_HEADERS];
    char *owned[MAX_OWNED];
    size_t nh = 0, nowned = 0;
    int rc;
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    if (req->content_type != NULL) {
        h[nh].name = "Content-Type";
        h[nh++].value = req->content_type;
    }
    if (req->if_none_match != NULL) {
        h[nh].name = "If-None-Match";
        h[nh++].value = req->if_none_match;
    }
    SKT_GUARD_GOTO(add_metadata(h, &nh, owned, &nowned, req->metadata, req->metadata_count, err),
                   rc, done);
    SKT_GUARD_GOTO(skt_s3_add_write_headers(h, &nh, &req->write, err), rc, done);
    SKT_GUARD_GOTO(set_body(&r, &req->body, err), rc, done);
    r.method = "PUT";
    r.headers = h;
    r.header_count = nh;
    SKT_GUARD_GOTO(send_s3(aws, "PutObject", &r, req->bucket, req->key, &resp, err), rc, done);
    if (out != NULL) {
        copy_header(&resp, "etag", out->etag, sizeof(out->etag));
        copy_header(&resp, "x-amz-version-id", out->version_id, sizeof(out->version_id));
    }
done:
    seckit_aws_response_free(&resp);
    free_owned(owned, nowned);
    return rc;
}

/* ---- GetObject: one streamed path (sink, fd or memory) with resume ------ */

typedef struct get_state {
    const seckit_s3_get *req;
    seckit_s3_object_info *info;
    int have_info;      /* info holds the first answer */
    int checked;        /* this attempt's answer has been checked */
    long long received; /* body bytes delivered so far, over all attempts */
    skt_writer mem;     /* memory mode */
} get_state;

static int info_checked(const seckit_aws_response *resp, seckit_s3_object_info *info,
                        int require_all, seckit_error *err)
{
    SKT_GUARD(skt_s3_object_info_from(resp, info, err));
    if (require_all && info->missing_meta > 0) {
        int n = info->missing_meta;
        seckit_s3_object_info_free(info);
        return seckit_error_set(err, SECKIT_EFORMAT,
                                "S3: %d metadata entries of the object could not be returned "
                                "(x-amz-missing-meta); its metadata is incomplete",
                                n);
    }
    return 0;
}

/* The answer of an attempt, before its first body byte (or, for an empty
 * body, after it): the first answer fills info and goes to on_headers; a
 * resumed answer must continue the first one exactly. */
static int get_check_answer(get_state *g, const seckit_aws_response *head, seckit_error *err)
{
    g->checked = 1;
    if (!g->have_info) {
        SKT_GUARD(info_checked(head, g->info, g->req->require_all_metadata, err));
        g->have_info = 1;
        if (g->req->on_headers != NULL) {
            int rc = g->req->on_headers(g->req->sink_ctx, g->info, err);
            if (rc != 0)
                return rc < 0 ? rc
                              : seckit_error_set(err, SECKIT_EINTERNAL,
                                                 "S3 GetObject: on_headers returned %d", rc);
        }
        return 0;
    }
    seckit_s3_object_info ri;
    SKT_GUARD(skt_s3_object_info_from(head, &ri, err));
    long long want = g->info->range_first + g->received;
    int ok = head->status == 206 && ri.range_first == want &&
             ri.range_last == g->info->range_last && ri.object_size == g->info->object_size &&
             strcmp(ri.etag, g->info->etag) == 0;
    seckit_s3_object_info_free(&ri);
    SKT_ENSURE(ok, err, SECKIT_EFORMAT,
               "S3 GetObject: the resumed answer does not continue the first one at byte %lld",
               want);
    return 0;
}

static int get_sink(void *ctx, const seckit_aws_response *head, const unsigned char *data,
                    size_t len, seckit_error *err)
{
    get_state *g = ctx;
    if (!g->checked)
        SKT_GUARD(get_check_answer(g, head, err));
    SKT_ENSURE((long long)len <= g->info->content_length - g->received, err, SECKIT_EFORMAT,
               "S3 GetObject: more body bytes than the Content-Length %lld",
               g->info->content_length);
    const seckit_s3_get *req = g->req;
    if (req->sink != NULL) {
        int rc = req->sink(req->sink_ctx, data, len, err);
        if (rc != 0)
            return rc < 0 ? rc
                          : seckit_error_set(err, SECKIT_EINTERNAL,
                                             "S3 GetObject: the sink returned %d", rc);
    } else if (req->out_fd >= 0) {
        size_t done = 0;
        while (done < len) {
            ssize_t w = write(req->out_fd, data + done, len - done);
            if (w < 0 && errno == EINTR)
                continue;
            SKT_ENSURE(w > 0, err, SECKIT_EIO, "S3 GetObject: writing the object failed: %s",
                       w < 0 ? strerror(errno) : "nothing written");
            done += (size_t)w;
        }
    } else {
        int rc = skt_writer_put(&g->mem, data, len, NULL);
        SKT_ENSURE(rc == 0, err, SECKIT_ELIMIT,
                   "S3 GetObject: the object is larger than %zu bytes (the "
                   "in-memory limit)",
                   g->mem.limit);
    }
    g->received += (long long)len;
    return 0;
}

int seckit_s3_get_object(seckit_aws *aws, seckit_s3_object_info *info, unsigned char **body,
                         size_t *body_len, const seckit_s3_get *req, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && req != NULL && info != NULL, err);
    SKT_ENSURE_ARG(req->sink != NULL || req->out_fd >= 0 || (body != NULL && body_len != NULL),
                   err);
    memset(info, 0, sizeof(*info));
    if (body != NULL)
        *body = NULL;
    if (body_len != NULL)
        *body_len = 0;
    SKT_GUARD(check_object(req->bucket, req->key, err));
    if (req->range != NULL)
        SKT_GUARD(skt_s3_check_range(req->range, err));
    SKT_ENSURE(req->version_id == NULL || req->version_id[0] != '\0', err, SECKIT_EINVAL,
               "S3: an empty version id");
    get_state g = {.req = req, .info = info};
    skt_writer_init(&g.mem, req->max_body > 0 ? req->max_body : (16u << 20));
    seckit_aws_kv q = {"versionId", req->version_id};
    int rc = 0, attempts = 0, resumes = 0, cost = 0;
    for (;;) {
        seckit_aws_kv h[4];
        size_t nh = 0;
        char range[96];
        if (g.have_info) { /* resume after the bytes received, pinned to the ETag */
            snprintf(range, sizeof(range), "bytes=%lld-%lld", info->range_first + g.received,
                     info->range_last);
            h[nh].name = "Range";
            h[nh++].value = range;
            if (info->etag[0] != '\0') {
                h[nh].name = "If-Match";
                h[nh++].value = info->etag;
            }
        } else {
            if (req->range != NULL) {
                h[nh].name = "Range";
                h[nh++].value = req->range;
            }
            if (req->if_match != NULL) {
                h[nh].name = "If-Match";
                h[nh++].value = req->if_match;
            }
        }
        if (req->if_none_match != NULL) {
            h[nh].name = "If-None-Match";
            h[nh++].value = req->if_none_match;
        }
        seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
        seckit_aws_response resp = {0};
        r.method = "GET";
        r.headers = h;
        r.header_count = nh;
        r.query = req->version_id != NULL ? &q : NULL;
        r.query_count = req->version_id != NULL ? 1 : 0;
        r.response_sink = get_sink;
        r.response_sink_ctx = &g;
        g.checked = 0;
        rc = send_s3(aws, "GetObject", &r, req->bucket, req->key, &resp, err);
        attempts += resp.attempts > 0 ? resp.attempts : 1;
        if (rc == 0 && !g.checked) /* an empty body: no sink call */
            rc = get_check_answer(&g, &resp, err);
        if (rc == 0 && g.received != info->content_length)
            rc = seckit_error_set(err, SECKIT_ENETWORK, "S3 GetObject: received %lld of %lld bytes",
                                  g.received, info->content_length);
        seckit_aws_response_free(&resp);
        if (rc == 0) {
            if (resumes > 0)
                skt_retry_quota_release(&aws->quota, cost);
            break;
        }
        /* Resume only a transfer cut off mid-body (the sink has bytes; the
         * HTTP layer retried anything earlier itself). */
        if ((rc != SECKIT_ENETWORK && rc != SECKIT_ETIMEOUT) || !g.have_info || g.received == 0 ||
            attempts >= aws->max_attempts || (info->etag[0] == '\0' && req->version_id == NULL))
            break;
        if (skt_retry_quota_acquire(&aws->quota, skt_retry_classify(rc, 0, NULL), &cost) != 0)
            break;
        skt_aws_retry_wait(aws, attempts);
        resumes++;
        seckit_error_clear(err);
    }
    if (rc != 0 && resumes > 0 && err != NULL) {
        size_t ml = strlen(err->message);
        snprintf(err->message + ml, sizeof(err->message) - ml, " (resumed %d time%s)", resumes,
                 resumes == 1 ? "" : "s");
    }
    if (rc == 0 && req->sink == NULL && req->out_fd < 0) {
        if (g.mem.len > 0 && skt_writer_terminate(&g.mem, err) == 0) {
            *body = skt_writer_steal(&g.mem, body_len);
        } else if (g.mem.len > 0) {
            rc = SECKIT_ENOMEM;
        }
    }
    if (rc != 0)
        seckit_s3_object_info_free(info);
    skt_writer_free(&g.mem);
    return rc;
}

int seckit_s3_head_object_ex(seckit_aws *aws, seckit_s3_object_info *info,
                             const seckit_s3_head *req, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && req != NULL && info != NULL, err);
    memset(info, 0, sizeof(*info));
    SKT_GUARD(check_object(req->bucket, req->key, err));
    SKT_ENSURE(req->version_id == NULL || req->version_id[0] != '\0', err, SECKIT_EINVAL,
               "S3: an empty version id");
    seckit_aws_kv q = {"versionId", req->version_id};
    seckit_aws_kv h = {"If-Match", req->if_match};
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    r.method = "HEAD";
    r.query = req->version_id != NULL ? &q : NULL;
    r.query_count = req->version_id != NULL ? 1 : 0;
    r.headers = req->if_match != NULL ? &h : NULL;
    r.header_count = req->if_match != NULL ? 1 : 0;
    int rc = send_s3(aws, "HeadObject", &r, req->bucket, req->key, &resp, err);
    if (rc == 0)
        rc = info_checked(&resp, info, req->require_all_metadata, err);
    seckit_aws_response_free(&resp);
    return rc;
}

int seckit_s3_head_object(seckit_aws *aws, seckit_s3_object_info *info, const char *bucket,
                          const char *key, seckit_error *err)
{
    seckit_s3_head req = {.bucket = bucket, .key = key};
    return seckit_s3_head_object_ex(aws, info, &req, err);
}

/* "/bucket/key" for x-amz-copy-source, percent-encoded (RFC 3986
 * unreserved characters and '/' kept), with "?versionId=V" when given. */
static char *copy_source(const char *bucket, const char *key, const char *version_id)
{
    size_t n = strlen(bucket) + strlen(key) + (version_id != NULL ? strlen(version_id) : 0);
    char *s = malloc(3 * n + 16);
    if (s == NULL)
        return NULL;
    char *o = s;
    *o++ = '/';
    for (int part = 0; part < 3; part++) {
        const char *text = part == 0 ? bucket : part == 1 ? key : version_id;
        if (part == 2) {
            if (version_id == NULL)
                break;
            memcpy(o, "?versionId=", 11);
            o += 11;
        }
        for (const unsigned char *q = (const unsigned char *)text; *q != 0; q++) {
            if ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') ||
                *q == '-' || *q == '_' || *q == '.' || *q == '~' || (*q == '/' && part < 2)) {
                *o++ = (char)*q;
            } else {
                o += sprintf(o, "%%%02X", *q);
            }
        }
        if (part == 0)
            *o++ = '/';
    }
    *o = '\0';
    return s;
}

/* The system headers a copy keeps (from a HEAD of the source) and the
 * content type (the request's, else the source's). */
static void add_system_headers(seckit_aws_kv *h, size_t *nh, const seckit_s3_object_info *info,
                               const char *content_type, const char *storage_class)
{
    struct {
        const char *name, *value;
    } keep[] = {
        {"Content-Type", content_type != NULL ? content_type : info->content_type},
        {"Cache-Control", info->cache_control},
        {"Content-Disposition", info->content_disposition},
        {"Content-Encoding", info->content_encoding},
        {"Content-Language", info->content_language},
        {"Expires", info->expires},
        /* a storage class asked for is sent with the write options */
        {"x-amz-storage-class", storage_class != NULL ? NULL : info->storage_class},
    };
    for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
        if (keep[i].value == NULL || keep[i].value[0] == '\0')
            continue;
        /* STANDARD is the default; Swift and S3 may echo it */
        h[*nh].name = keep[i].name;
        h[(*nh)++].value = keep[i].value;
    }
}

static void parse_copy_result_time(const skt_xml_node *root, char *dst, size_t cap,
                                   const char *what)
{
    const char *lm = NULL;
    (void)skt_s3_xml_text(root, "LastModified", 1, &lm, what, NULL);
    copy_str(dst, cap, lm);
}

int seckit_s3_upload_part_copy(seckit_aws *aws, char etag[130], const char *bucket, const char *key,
                               const char *upload_id, int part_number, const char *src_bucket,
                               const char *src_key, const char *src_version_id,
                               const char *copy_source_if_match, long long first, long long last,
                               seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && upload_id != NULL, err);
    SKT_GUARD(check_object(bucket, key, err));
    SKT_GUARD(check_object(src_bucket, src_key, err));
    SKT_ENSURE(part_number >= 1 && part_number <= SECKIT_S3_MAX_PARTS, err, SECKIT_EINVAL,
               "S3: part number %d is not in 1..%d", part_number, SECKIT_S3_MAX_PARTS);
    SKT_ENSURE(first < 0 || (last >= first && last - first < SECKIT_S3_MAX_PART_SIZE), err,
               SECKIT_EINVAL, "S3: UploadPartCopy: bad byte range %lld-%lld (at most 5 GiB)", first,
               last);
    const char *what = "S3 UploadPartCopy response";
    char pn[16], range[80];
    snprintf(pn, sizeof(pn), "%d", part_number);
    snprintf(range, sizeof(range), "bytes=%lld-%lld", first, last);
    seckit_aws_kv q[2] = {{"partNumber", pn}, {"uploadId", upload_id}};
    seckit_aws_kv h[3];
    size_t nh = 0;
    char *src = copy_source(src_bucket, src_key, src_version_id);
    SKT_ENSURE(src != NULL, err, SECKIT_ENOMEM, "S3: out of memory");
    h[nh].name = "x-amz-copy-source";
    h[nh++].value = src;
    if (first >= 0) {
        h[nh].name = "x-amz-copy-source-range";
        h[nh++].value = range;
    }
    if (copy_source_if_match != NULL) {
        h[nh].name = "x-amz-copy-source-if-match";
        h[nh++].value = copy_source_if_match;
    }
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    skt_xml_node *root = NULL;
    r.method = "PUT";
    r.query = q;
    r.query_count = 2;
    r.headers = h;
    r.header_count = nh;
    r.flags = SECKIT_AWS_REQ_ERROR_IN_200; /* can fail after "200 OK" */
    int rc = send_s3(aws, "UploadPartCopy", &r, bucket, key, &resp, err);
    /* S3 may report an error inside a 200 answer: the body says which */
    if (rc == 0)
        rc = skt_s3_parse_body(&resp, "CopyPartResult", what, &root, err);
    const char *e = NULL;
    if (rc == 0)
        rc = skt_s3_xml_text(root, "ETag", 0, &e, what, err);
    if (rc == 0 && (e[0] == '\0' || strlen(e) >= 130))
        rc = seckit_error_set(err, SECKIT_EFORMAT, "%s: part %d: bad <ETag>", what, part_number);
    if (rc == 0 && etag != NULL)
        copy_str(etag, 130, e);
    skt_xml_free(root);
    seckit_aws_response_free(&resp);
    free(src);
    return rc;
}

static int create_multipart_h(seckit_aws *aws, const char *bucket, const char *key,
                              const seckit_aws_kv *h, size_t nh, char **upload_id,
                              seckit_error *err);

/* GetObjectTagging as an x-amz-tagging value ("k=v&k2=v2", URL-encoded). */
static int get_tagging(seckit_aws *aws, const char *bucket, const char *key, const char *version_id,
                       char **out, seckit_error *err)
{
    const char *what = "S3 GetObjectTagging response";
    *out = NULL;
    seckit_aws_kv q[2] = {{"tagging", NULL}, {"versionId", version_id}};
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    skt_xml_node *root = NULL;
    skt_writer w;
    skt_writer_init(&w, 64 * 1024);
    r.method = "GET";
    r.query = q;
    r.query_count = version_id != NULL ? 2 : 1;
    int rc = send_s3(aws, "GetObjectTagging", &r, bucket, key, &resp, err);
    if (rc == 0)
        rc = skt_s3_parse_body(&resp, "Tagging", what, &root, err);
    const skt_xml_node *set = rc == 0 ? skt_xml_child(root, "TagSet") : NULL;
    for (const skt_xml_node *t = set != NULL ? set->child : NULL; rc == 0 && t != NULL;
         t = t->next) {
        const char *k = NULL, *v = NULL;
        if (strcmp(skt_xml_local(t), "Tag") != 0)
            continue;
        if ((rc = skt_s3_xml_text(t, "Key", 0, &k, what, err)) != 0 ||
            (rc = skt_s3_xml_text(t, "Value", 0, &v, what, err)) != 0)
            break;
        if (w.len > 0)
            rc = skt_writer_put(&w, "&", 1, err);
        if (rc == 0)
            rc = skt_uri_encode(&w, k, strlen(k), 0, err);
        if (rc == 0)
            rc = skt_writer_put(&w, "=", 1, err);
        if (rc == 0)
            rc = skt_uri_encode(&w, v, strlen(v), 0, err);
    }
    if (rc == 0 && w.len > 0 && (rc = skt_writer_terminate(&w, err)) == 0)
        *out = (char *)skt_writer_steal(&w, NULL);
    skt_writer_free(&w);
    skt_xml_free(root);
    seckit_aws_response_free(&resp);
    return rc;
}

static int copy_multipart(seckit_aws *aws, const seckit_s3_copy *req,
                          const seckit_s3_object_info *info, seckit_s3_copy_result *out,
                          seckit_error *err)
{
    long long size = info->object_size;
    long long min_ps = req->min_part_size > 0 ? req->min_part_size : SECKIT_S3_MIN_PART_SIZE;
    long long ps = req->part_size > 0 ? req->part_size : 64LL * 1024 * 1024;
    if (req->part_size <= 0 && (size + ps - 1) / ps > SECKIT_S3_MAX_PARTS) {
        long long mib = 1024LL * 1024;
        ps = ((size + SECKIT_S3_MAX_PARTS - 1) / SECKIT_S3_MAX_PARTS + mib - 1) / mib * mib;
    }
    SKT_ENSURE(ps >= min_ps && ps <= SECKIT_S3_MAX_PART_SIZE, err, SECKIT_EINVAL,
               "S3 copy: part size %lld is not within %lld..%lld bytes", ps, min_ps,
               SECKIT_S3_MAX_PART_SIZE);
    SKT_ENSURE(size > 0 && (size + ps - 1) / ps <= SECKIT_S3_MAX_PARTS, err, SECKIT_ELIMIT,
               "S3 copy: %lld bytes need more than %d parts of %lld bytes", size,
               SECKIT_S3_MAX_PARTS, ps);
    seckit_aws_kv h[MAX_HEADERS];
    char *owned[MAX_OWNED];
    size_t nh = 0, nowned = 0;
    char *tagging = NULL, *upload_id = NULL;
    seckit_s3_part *parts = NULL;
    int rc = 0;
    add_system_headers(h, &nh, info, req->replace_metadata ? req->content_type : NULL,
                       req->write.storage_class);
    rc = skt_s3_add_write_headers(h, &nh, &req->write, err);
    if (rc == 0)
        rc = req->replace_metadata
                 ? add_metadata(h, &nh, owned, &nowned, req->metadata, req->metadata_count, err)
                 : add_metadata(h, &nh, owned, &nowned, info->metadata, info->metadata_count, err);
    if (rc == 0 && info->tag_count > 0) {
        rc = get_tagging(aws, req->src_bucket, req->src_key, req->src_version_id, &tagging, err);
        if (rc == 0 && tagging != NULL) {
            h[nh].name = "x-amz-tagging";
            h[nh++].value = tagging;
        }
    }
    size_t nparts = (size_t)((size + ps - 1) / ps);
    if (rc == 0) {
        parts = calloc(nparts, sizeof(*parts));
        if (parts == NULL)
            rc = seckit_error_set(err, SECKIT_ENOMEM, "S3: out of memory");
    }
    if (rc == 0)
        rc = create_multipart_h(aws, req->bucket, req->key, h, nh, &upload_id, err);
    for (size_t i = 0; rc == 0 && i < nparts; i++) {
        long long first = (long long)i * ps;
        long long last = first + ps - 1 < size - 1 ? first + ps - 1 : size - 1;
        parts[i].part_number = (int)i + 1;
        parts[i].size = last - first + 1;
        rc = seckit_s3_upload_part_copy(aws, parts[i].etag, req->bucket, req->key, upload_id,
                                        (int)i + 1, req->src_bucket, req->src_key,
                                        req->src_version_id,
                                        info->etag[0] != '\0' ? info->etag : NULL, first, last,
                                        err);
    }
    if (rc == 0)
        rc = skt_s3_complete_multipart_cond(aws, req->bucket, req->key, upload_id, parts, nparts,
                                            NULL, out->etag, out->version_id, err);
    if (rc == 0) {
        out->parts = (int)nparts;
    } else if (upload_id != NULL) {
        seckit_error aerr;
        seckit_error_clear(&aerr);
        int arc = seckit_s3_abort_multipart(aws, req->bucket, req->key, upload_id, &aerr);
        if (err != NULL) {
            size_t ml = strlen(err->message);
            snprintf(err->message + ml, sizeof(err->message) - ml,
                     arc == 0 ? "; multipart copy %.200s aborted"
                              : "; aborting multipart copy %.200s also failed: abort it later",
                     upload_id);
        }
    }
    free(upload_id);
    free(parts);
    free(tagging);
    free_owned(owned, nowned);
    return rc;
}

/* The copy source's HEAD failed with a 4xx (code rc, in err).  HEAD answers
 * carry no error document: a one-byte GET tells S3's own code (NoSuchKey,
 * NoSuchVersion, PreconditionFailed, ...), which then replaces err. */
static int source_error(seckit_aws *aws, const seckit_s3_copy *req, int rc, seckit_error *err)
{
    seckit_s3_get g = SECKIT_S3_GET_INIT;
    seckit_s3_object_info gi;
    seckit_error gerr;
    unsigned char *body = NULL;
    size_t len = 0;
    g.bucket = req->src_bucket;
    g.key = req->src_key;
    g.version_id = req->src_version_id;
    g.if_match = req->copy_source_if_match;
    g.range = "bytes=0-0";
    seckit_error_clear(&gerr);
    if (seckit_s3_get_object(aws, &gi, &body, &len, &g, &gerr) != 0) {
        if (gerr.aws_code[0] != '\0') {
            *err = gerr;
            rc = gerr.code;
        }
    } else {
        seckit_s3_object_info_free(&gi);
    }
    free(body);
    return rc;
}

int seckit_s3_copy_object(seckit_aws *aws, seckit_s3_copy_result *out, const seckit_s3_copy *req,
                          seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && req != NULL, err);
    seckit_s3_copy_result local;
    if (out == NULL)
        out = &local;
    memset(out, 0, sizeof(*out));
    SKT_GUARD(check_object(req->src_bucket, req->src_key, err));
    SKT_GUARD(check_object(req->bucket, req->key, err));
    SKT_ENSURE(req->replace_metadata || (req->metadata_count == 0 && req->content_type == NULL),
               err, SECKIT_EINVAL,
               "S3: CopyObject: metadata or a content type needs the REPLACE directive");
    SKT_ENSURE(req->src_version_id == NULL || req->src_version_id[0] != '\0', err, SECKIT_EINVAL,
               "S3: an empty version id");
    SKT_GUARD(seckit_s3_check_write_options(&req->write, err));
    long long threshold = req->multipart_threshold > 0 ? req->multipart_threshold
                                                       : SECKIT_S3_MAX_PUT_SIZE;
    SKT_ENSURE(threshold <= SECKIT_S3_MAX_PUT_SIZE, err, SECKIT_EINVAL,
               "S3: the multipart copy threshold is at most 5 GiB");
    const char *what = "S3 CopyObject response";
    /* The source's size, ETag, metadata and system headers. */
    seckit_s3_object_info info;
    seckit_s3_head hreq = {.bucket = req->src_bucket,
                           .key = req->src_key,
                           .version_id = req->src_version_id,
                           .if_match = req->copy_source_if_match};
    int rc = seckit_s3_head_object_ex(aws, &info, &hreq, err);
    if (rc != 0) {
        if (err != NULL && err->http_status >= 400 && err->http_status < 500)
            rc = source_error(aws, req, rc, err);
        seckit_error_prefix(err, "the copy source");
        return rc;
    }
    if (info.object_size > threshold) {
        rc = copy_multipart(aws, req, &info, out, err);
        seckit_s3_object_info_free(&info);
        return rc;
    }
    seckit_aws_kv h[MAX_HEADERS];
    char *owned[MAX_OWNED];
    size_t nh = 0, nowned = 0;
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    skt_xml_node *root = NULL;
    char *src = copy_source(req->src_bucket, req->src_key, req->src_version_id);
    SKT_ENSURE_GOTO(src != NULL, err, rc, done, SECKIT_ENOMEM, "S3: out of memory");
    h[nh].name = "x-amz-copy-source";
    h[nh++].value = src;
    h[nh].name = "x-amz-metadata-directive";
    h[nh++].value = req->replace_metadata ? "REPLACE" : "COPY";
    h[nh].name = "x-amz-tagging-directive";
    h[nh++].value = "COPY";
    /* With REPLACE the headers sent are the new object's: the source's
     * system headers again, then what was asked.  (Not pinned to the ETag
     * the HEAD read unless asked: Swift's s3api refuses If-Match against a
     * multipart source's ETag.) */
    if (req->copy_source_if_match != NULL) {
        h[nh].name = "x-amz-copy-source-if-match";
        h[nh++].value = req->copy_source_if_match;
    }
    SKT_GUARD_GOTO(skt_s3_add_write_headers(h, &nh, &req->write, err), rc, done);
    if (req->replace_metadata) {
        add_system_headers(h, &nh, &info, req->content_type, req->write.storage_class);
        SKT_GUARD_GOTO(add_metadata(h, &nh, owned, &nowned, req->metadata, req->metadata_count,
                                    err),
                       rc, done);
    }
    r.method = "PUT";
    r.headers = h;
    r.header_count = nh;
    r.flags = SECKIT_AWS_REQ_ERROR_IN_200; /* can fail after "200 OK" */
    SKT_GUARD_GOTO(send_s3(aws, "CopyObject", &r, req->bucket, req->key, &resp, err), rc, done);
    /* S3 may report an error inside a 200 answer: the body says which */
    SKT_GUARD_GOTO(skt_s3_parse_body(&resp, "CopyObjectResult", what, &root, err), rc, done);
    const char *etag = NULL;
    SKT_GUARD_GOTO(skt_s3_xml_text(root, "ETag", 0, &etag, what, err), rc, done);
    copy_str(out->etag, sizeof(out->etag), etag);
    parse_copy_result_time(root, out->last_modified, sizeof(out->last_modified), what);
    copy_header(&resp, "x-amz-version-id", out->version_id, sizeof(out->version_id));
done:
    seckit_s3_object_info_free(&info);
    skt_xml_free(root);
    seckit_aws_response_free(&resp);
    free_owned(owned, nowned);
    free(src);
    return rc;
}

int seckit_s3_delete_object_version(seckit_aws *aws, const char *bucket, const char *key,
                                    const char *version_id, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL, err);
    SKT_GUARD(check_object(bucket, key, err));
    SKT_ENSURE(version_id == NULL || version_id[0] != '\0', err, SECKIT_EINVAL,
               "S3: an empty version id");
    seckit_aws_kv q = {"versionId", version_id};
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    r.method = "DELETE";
    r.query = version_id != NULL ? &q : NULL;
    r.query_count = version_id != NULL ? 1 : 0;
    int rc = send_s3(aws, "DeleteObject", &r, bucket, key, &resp, err);
    seckit_aws_response_free(&resp);
    return rc;
}

int seckit_s3_delete_object(seckit_aws *aws, const char *bucket, const char *key, seckit_error *err)
{
    return seckit_s3_delete_object_version(aws, bucket, key, NULL, err);
}

/* ---- DeleteObjects ------------------------------------------------------ */

/* XML text for a key: the five entities, TAB/LF/CR as character references
 * (an XML parser would fold them otherwise); other control characters
 * cannot be carried by XML 1.0. */
static int xml_text(skt_writer *w, const char *s, seckit_error *err)
{
    for (const unsigned char *q = (const unsigned char *)s; *q != '\0'; q++) {
        if (*q == '\t' || *q == '\n' || *q == '\r') {
            char ref[8];
            snprintf(ref, sizeof(ref), "&#%d;", *q);
            SKT_GUARD(skt_writer_str(w, ref, err));
        } else {
            SKT_ENSURE(*q >= 0x20, err, SECKIT_EINVAL,
                       "S3 DeleteObjects: key '%.64s' has a control character XML cannot carry", s);
            char one[2] = {(char)*q, '\0'};
            SKT_GUARD(skt_xml_escape(w, one, err));
        }
    }
    return 0;
}

int skt_s3_delete_body(const seckit_s3_object_id *ids, size_t count, char **out, size_t *out_len,
                       seckit_error *err)
{
    skt_writer w;
    int rc;
    skt_writer_init(&w, 8u << 20);
    SKT_GUARD_GOTO(skt_writer_str(&w,
                                  "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                                  "<Quiet>true</Quiet>",
                                  err),
                   rc, fail);
    for (size_t i = 0; i < count; i++) {
        SKT_ENSURE_GOTO(ids[i].key != NULL && ids[i].key[0] != '\0' &&
                            strlen(ids[i].key) <= SECKIT_S3_KEY_MAX,
                        err, rc, fail, SECKIT_EINVAL,
                        "S3 DeleteObjects: entry %zu has no key or one longer than %d bytes", i + 1,
                        SECKIT_S3_KEY_MAX);
        SKT_GUARD_GOTO(skt_writer_str(&w, "<Object><Key>", err), rc, fail);
        SKT_GUARD_GOTO(xml_text(&w, ids[i].key, err), rc, fail);
        SKT_GUARD_GOTO(skt_writer_str(&w, "</Key>", err), rc, fail);
        if (ids[i].version_id != NULL) {
            SKT_GUARD_GOTO(skt_writer_str(&w, "<VersionId>", err), rc, fail);
            SKT_GUARD_GOTO(xml_text(&w, ids[i].version_id, err), rc, fail);
            SKT_GUARD_GOTO(skt_writer_str(&w, "</VersionId>", err), rc, fail);
        }
        SKT_GUARD_GOTO(skt_writer_str(&w, "</Object>", err), rc, fail);
    }
    SKT_GUARD_GOTO(skt_writer_str(&w, "</Delete>", err), rc, fail);
    SKT_GUARD_GOTO(skt_writer_terminate(&w, err), rc, fail);
    *out = (char *)skt_writer_steal(&w, out_len);
    return 0;
fail:
    skt_writer_free(&w);
    return rc;
}

void seckit_s3_delete_result_free(seckit_s3_delete_result *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->error_count; i++) {
        free(r->errors[i].key);
        free(r->errors[i].version_id);
        free(r->errors[i].message);
    }
    free(r->errors);
    memset(r, 0, sizeof(*r));
}

int skt_s3_parse_delete(const skt_xml_node *root, size_t requested, seckit_s3_delete_result *out,
                        seckit_error *err)
{
    const char *what = "S3 DeleteObjects response";
    memset(out, 0, sizeof(*out));
    size_t n = skt_s3_xml_count(root, "Error");
    SKT_ENSURE(n <= requested, err, SECKIT_EFORMAT, "%s: %zu errors for %zu keys", what, n,
               requested);
    if (n > 0) {
        out->errors = calloc(n, sizeof(*out->errors));
        SKT_ENSURE(out->errors != NULL, err, SECKIT_ENOMEM, "S3: out of memory");
    }
    int rc = 0;
    for (const skt_xml_node *c = root->child; c != NULL; c = c->next) {
        if (strcmp(skt_xml_local(c), "Error") != 0)
            continue;
        seckit_s3_delete_error *e = &out->errors[out->error_count];
        const char *k = NULL, *v = NULL, *code = NULL, *msg = NULL;
        SKT_GUARD_GOTO(skt_s3_xml_text(c, "Key", 0, &k, what, err), rc, fail);
        SKT_GUARD_GOTO(skt_s3_xml_text(c, "VersionId", 1, &v, what, err), rc, fail);
        SKT_GUARD_GOTO(skt_s3_xml_text(c, "Code", 0, &code, what, err), rc, fail);
        SKT_GUARD_GOTO(skt_s3_xml_text(c, "Message", 1, &msg, what, err), rc, fail);
        out->error_count++;
        e->key = strdup(k);
        e->version_id = v != NULL ? strdup(v) : NULL;
        e->message = strdup(msg != NULL ? msg : "");
        copy_str(e->code, sizeof(e->code), code);
        SKT_ENSURE_GOTO(e->key != NULL && e->message != NULL && (v == NULL || e->version_id), err,
                        rc, fail, SECKIT_ENOMEM, "S3: out of memory");
    }
    out->deleted = requested - out->error_count;
    return 0;
fail:
    seckit_s3_delete_result_free(out);
    return rc;
}

int seckit_s3_delete_objects(seckit_aws *aws, seckit_s3_delete_result *out, const char *bucket,
                             const seckit_s3_object_id *ids, size_t count, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && out != NULL && (ids != NULL || count == 0), err);
    memset(out, 0, sizeof(*out));
    SKT_GUARD(seckit_s3_check_bucket_name(bucket, err));
    SKT_ENSURE(count >= 1 && count <= SECKIT_S3_DELETE_MAX, err, SECKIT_EINVAL,
               "S3 DeleteObjects: 1..%d keys per request, not %zu", SECKIT_S3_DELETE_MAX, count);
    char *xml = NULL;
    size_t xml_len = 0;
    SKT_GUARD(skt_s3_delete_body(ids, count, &xml, &xml_len, err));
    /* S3 requires Content-MD5 on DeleteObjects. */
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdl = 0;
    char md5[32];
    int rc = 0;
    if (EVP_Digest(xml, xml_len, md, &mdl, EVP_md5(), NULL) != 1 ||
        seckit_base64_encode(md5, sizeof(md5), NULL, md, mdl, SECKIT_BASE64_STANDARD, NULL) != 0)
        rc = seckit_error_set(err, SECKIT_ECRYPTO, "S3 DeleteObjects: MD5 is not available");
    seckit_aws_kv q = {"delete", NULL};
    seckit_aws_kv h[2] = {{"Content-Type", "application/xml"}, {"Content-MD5", md5}};
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    skt_xml_node *root = NULL;
    r.method = "POST";
    r.query = &q;
    r.query_count = 1;
    r.headers = h;
    r.header_count = 2;
    r.body = xml;
    r.body_len = xml_len;
    if (rc == 0)
        rc = send_s3(aws, "DeleteObjects", &r, bucket, NULL, &resp, err);
    if (rc == 0)
        rc = skt_s3_parse_body(&resp, "DeleteResult", "S3 DeleteObjects response", &root, err);
    if (rc == 0)
        rc = skt_s3_parse_delete(root, count, out, err);
    skt_xml_free(root);
    seckit_aws_response_free(&resp);
    free(xml);
    return rc;
}

/* ---- buckets ------------------------------------------------------------ */

static int check_bucket(const char *bucket, seckit_error *err)
{
    return seckit_s3_check_bucket_name(bucket, err);
}

int seckit_s3_create_bucket(seckit_aws *aws, const char *bucket, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL, err);
    SKT_GUARD(check_bucket(bucket, err));
    const char *region = seckit_aws_region(aws);
    char body[256] = "";
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    r.method = "PUT";
    if (region != NULL && region[0] != '\0' && strcmp(region, "us-east-1") != 0) {
        snprintf(body, sizeof(body),
                 "<CreateBucketConfiguration><LocationConstraint>%.64s</LocationConstraint>"
                 "</CreateBucketConfiguration>",
                 region);
        r.body = body;
        r.body_len = strlen(body);
    }
    int rc = send_s3(aws, "CreateBucket", &r, bucket, NULL, &resp, err);
    if (rc < 0 && err != NULL && strcmp(err->aws_code, "BucketAlreadyOwnedByYou") == 0) {
        seckit_error_clear(err);
        rc = 0;
    }
    seckit_aws_response_free(&resp);
    return rc;
}

int seckit_s3_delete_bucket(seckit_aws *aws, const char *bucket, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL, err);
    SKT_GUARD(check_bucket(bucket, err));
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    r.method = "DELETE";
    int rc = send_s3(aws, "DeleteBucket", &r, bucket, NULL, &resp, err);
    seckit_aws_response_free(&resp);
    return rc;
}

/* ---- ListObjectsV2 ---------------------------------------------------- */

void seckit_s3_list_result_free(seckit_s3_list_result *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->count; i++)
        free(r->entries[i].key);
    for (size_t i = 0; i < r->prefix_count; i++)
        free(r->common_prefixes[i]);
    free(r->entries);
    free(r->common_prefixes);
    free(r->next_continuation_token);
    memset(r, 0, sizeof(*r));
}

int skt_s3_parse_list(const skt_xml_node *root, seckit_s3_list_result *out, seckit_error *err)
{
    const char *what = "S3 ListObjectsV2 response";
    int rc = 0;
    memset(out, 0, sizeof(*out));
    size_t n = skt_s3_xml_count(root, "Contents");
    size_t np = skt_s3_xml_count(root, "CommonPrefixes");
    SKT_ENSURE(n + np <= 1000, err, SECKIT_EFORMAT, "%s: more than 1000 keys in one page", what);
    if (n > 0) {
        out->entries = calloc(n, sizeof(*out->entries));
        SKT_ENSURE(out->entries != NULL, err, SECKIT_ENOMEM, "S3: out of memory");
    }
    if (np > 0) {
        out->common_prefixes = calloc(np, sizeof(char *));
        SKT_ENSURE_GOTO(out->common_prefixes != NULL, err, rc, fail, SECKIT_ENOMEM,
                        "S3: out of memory");
    }
    for (const skt_xml_node *c = root->child; c != NULL; c = c->next) {
        const char *s = NULL;
        if (strcmp(skt_xml_local(c), "Contents") == 0) {
            seckit_s3_list_entry *e = &out->entries[out->count];
            SKT_GUARD_GOTO(skt_s3_xml_text(c, "Key", 0, &s, what, err), rc, fail);
            SKT_ENSURE_GOTO(s[0] != '\0' && strlen(s) <= SECKIT_S3_KEY_MAX, err, rc, fail,
                            SECKIT_EFORMAT, "%s: bad <Key>", what);
            e->key = strdup(s);
            SKT_ENSURE_GOTO(e->key != NULL, err, rc, fail, SECKIT_ENOMEM, "S3: out of memory");
            out->count++;
            SKT_GUARD_GOTO(skt_s3_xml_number(c, "Size", 0, 9223372036854775807LL, &e->size, what,
                                             err),
                           rc, fail);
            SKT_GUARD_GOTO(skt_s3_xml_text(c, "ETag", 1, &s, what, err), rc, fail);
            copy_str(e->etag, sizeof(e->etag), s);
            SKT_GUARD_GOTO(skt_s3_xml_text(c, "LastModified", 1, &s, what, err), rc, fail);
            copy_str(e->last_modified, sizeof(e->last_modified), s);
            SKT_GUARD_GOTO(skt_s3_xml_text(c, "StorageClass", 1, &s, what, err), rc, fail);
            copy_str(e->storage_class, sizeof(e->storage_class), s);
        } else if (strcmp(skt_xml_local(c), "CommonPrefixes") == 0) {
            SKT_GUARD_GOTO(skt_s3_xml_text(c, "Prefix", 0, &s, what, err), rc, fail);
            out->common_prefixes[out->prefix_count] = strdup(s);
            SKT_ENSURE_GOTO(out->common_prefixes[out->prefix_count] != NULL, err, rc, fail,
                            SECKIT_ENOMEM, "S3: out of memory");
            out->prefix_count++;
        }
    }
    SKT_GUARD_GOTO(skt_s3_xml_bool(root, "IsTruncated", 0, &out->is_truncated, what, err), rc,
                   fail);
    const char *tok = NULL;
    SKT_GUARD_GOTO(skt_s3_xml_text(root, "NextContinuationToken", 1, &tok, what, err), rc, fail);
    if (out->is_truncated) {
        SKT_ENSURE_GOTO(tok != NULL && tok[0] != '\0', err, rc, fail, SECKIT_EFORMAT,
                        "%s: truncated page without a NextContinuationToken", what);
        out->next_continuation_token = strdup(tok);
        SKT_ENSURE_GOTO(out->next_continuation_token != NULL, err, rc, fail, SECKIT_ENOMEM,
                        "S3: out of memory");
    }
    long long kc = 0;
    SKT_GUARD_GOTO(skt_s3_xml_number(root, "KeyCount", 1, 1000, &kc, what, err), rc, fail);
    if (skt_xml_child(root, "KeyCount") != NULL)
        SKT_ENSURE_GOTO((size_t)kc == n + np, err, rc, fail, SECKIT_EFORMAT,
                        "%s: KeyCount %lld but %zu keys and prefixes listed", what, kc, n + np);
    return 0;
fail:
    seckit_s3_list_result_free(out);
    return rc;
}

int seckit_s3_list_objects(seckit_aws *aws, seckit_s3_list_result *out, const seckit_s3_list *req,
                           seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && req != NULL && out != NULL, err);
    memset(out, 0, sizeof(*out));
    SKT_GUARD(seckit_s3_check_bucket_name(req->bucket, err));
    SKT_ENSURE(req->max_keys >= 0 && req->max_keys <= 1000, err, SECKIT_EINVAL,
               "S3: max-keys must be 1..1000");
    seckit_aws_kv q[7];
    size_t nq = 0;
    char mk[16];
    q[nq].name = "list-type";
    q[nq++].value = "2";
    if (req->prefix != NULL) {
        q[nq].name = "prefix";
        q[nq++].value = req->prefix;
    }
    if (req->delimiter != NULL) {
        q[nq].name = "delimiter";
        q[nq++].value = req->delimiter;
    }
    if (req->continuation_token != NULL) {
        q[nq].name = "continuation-token";
        q[nq++].value = req->continuation_token;
    }
    if (req->start_after != NULL) {
        q[nq].name = "start-after";
        q[nq++].value = req->start_after;
    }
    if (req->max_keys > 0) {
        snprintf(mk, sizeof(mk), "%d", req->max_keys);
        q[nq].name = "max-keys";
        q[nq++].value = mk;
    }
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    skt_xml_node *root = NULL;
    r.method = "GET";
    r.query = q;
    r.query_count = nq;
    int rc = send_s3(aws, "ListObjectsV2", &r, req->bucket, NULL, &resp, err);
    if (rc == 0)
        rc = skt_s3_parse_body(&resp, "ListBucketResult", "S3 ListObjectsV2 response", &root, err);
    if (rc == 0)
        rc = skt_s3_parse_list(root, out, err);
    skt_xml_free(root);
    seckit_aws_response_free(&resp);
    return rc;
}

/* ---- multipart -------------------------------------------------------- */

static int create_multipart_h(seckit_aws *aws, const char *bucket, const char *key,
                              const seckit_aws_kv *h, size_t nh, char **upload_id,
                              seckit_error *err)
{
    int rc;
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    skt_xml_node *root = NULL;
    seckit_aws_kv q = {"uploads", NULL};
    const char *what = "S3 CreateMultipartUpload response";
    r.method = "POST";
    r.headers = h;
    r.header_count = nh;
    r.query = &q;
    r.query_count = 1;
    SKT_GUARD_GOTO(send_s3(aws, "CreateMultipartUpload", &r, bucket, key, &resp, err), rc, done);
    SKT_GUARD_GOTO(skt_s3_parse_body(&resp, "InitiateMultipartUploadResult", what, &root, err), rc,
                   done);
    const char *id = NULL;
    SKT_GUARD_GOTO(skt_s3_xml_text(root, "UploadId", 0, &id, what, err), rc, done);
    SKT_ENSURE_GOTO(id[0] != '\0' && strlen(id) <= 1024, err, rc, done, SECKIT_EFORMAT,
                    "%s: bad <UploadId>", what);
    *upload_id = strdup(id);
    SKT_ENSURE_GOTO(*upload_id != NULL, err, rc, done, SECKIT_ENOMEM, "S3: out of memory");
done:
    skt_xml_free(root);
    seckit_aws_response_free(&resp);
    return rc;
}

int seckit_s3_create_multipart(seckit_aws *aws, char **upload_id, const char *bucket,
                               const char *key, const char *content_type,
                               const seckit_s3_meta *metadata, size_t metadata_count,
                               seckit_error *err)
{
    return seckit_s3_create_multipart_ex(aws, upload_id, bucket, key, content_type, metadata,
                                         metadata_count, NULL, err);
}

int seckit_s3_create_multipart_ex(seckit_aws *aws, char **upload_id, const char *bucket,
                                  const char *key, const char *content_type,
                                  const seckit_s3_meta *metadata, size_t metadata_count,
                                  const seckit_s3_write_options *write, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && upload_id != NULL, err);
    *upload_id = NULL;
    SKT_GUARD(check_object(bucket, key, err));
    seckit_aws_kv h[MAX_HEADERS];
    char *owned[MAX_OWNED];
    size_t nh = 0, nowned = 0;
    int rc;
    if (content_type != NULL) {
        h[nh].name = "Content-Type";
        h[nh++].value = content_type;
    }
    SKT_GUARD_GOTO(add_metadata(h, &nh, owned, &nowned, metadata, metadata_count, err), rc, done);
    SKT_GUARD_GOTO(skt_s3_add_write_headers(h, &nh, write, err), rc, done);
    rc = create_multipart_h(aws, bucket, key, h, nh, upload_id, err);
done:
    free_owned(owned, nowned);
    return rc;
}

int seckit_s3_upload_part(seckit_aws *aws, char etag[130], const char *bucket, const char *key,
                          const char *upload_id, int part_number, const seckit_s3_body *body,
                          seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && upload_id != NULL && body != NULL, err);
    SKT_GUARD(check_object(bucket, key, err));
    SKT_ENSURE(part_number >= 1 && part_number <= SECKIT_S3_MAX_PARTS, err, SECKIT_EINVAL,
               "S3: part number %d is not in 1..%d", part_number, SECKIT_S3_MAX_PARTS);
    SKT_ENSURE((long long)body->len <= SECKIT_S3_MAX_PART_SIZE, err, SECKIT_ELIMIT,
               "S3: a part is at most 5 GiB");
    char pn[16];
    snprintf(pn, sizeof(pn), "%d", part_number);
    seckit_aws_kv q[2] = {{"partNumber", pn}, {"uploadId", upload_id}};
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    r.method = "PUT";
    r.query = q;
    r.query_count = 2;
    SKT_GUARD(set_body(&r, body, err));
    int rc = send_s3(aws, "UploadPart", &r, bucket, key, &resp, err);
    if (rc == 0) {
        const char *e = seckit_aws_response_header(&resp, "etag");
        if (e == NULL || e[0] == '\0' || strlen(e) >= 130)
            rc = seckit_error_set(err, SECKIT_EFORMAT,
                                  "S3 UploadPart: part %d: the answer has no valid ETag",
                                  part_number);
        else if (etag != NULL)
            copy_str(etag, 130, e);
    }
    seckit_aws_response_free(&resp);
    return rc;
}

int skt_s3_complete_body(const seckit_s3_part *parts, size_t count, char **out, size_t *out_len,
                         seckit_error *err)
{
    skt_writer w;
    int rc;
    skt_writer_init(&w, 4u << 20);
    SKT_GUARD_GOTO(skt_writer_str(&w, "<CompleteMultipartUpload>", err), rc, fail);
    for (size_t i = 0; i < count; i++) {
        char num[48];
        SKT_ENSURE_GOTO(parts[i].part_number >= 1 && parts[i].part_number <= SECKIT_S3_MAX_PARTS &&
                            (i == 0 || parts[i].part_number > parts[i - 1].part_number),
                        err, rc, fail, SECKIT_EINVAL,
                        "S3: CompleteMultipartUpload: part numbers must ascend within 1..%d",
                        SECKIT_S3_MAX_PARTS);
        snprintf(num, sizeof(num), "<Part><PartNumber>%d</PartNumber><ETag>", parts[i].part_number);
        SKT_GUARD_GOTO(skt_writer_str(&w, num, err), rc, fail);
        SKT_GUARD_GOTO(skt_xml_escape(&w, parts[i].etag, err), rc, fail);
        SKT_GUARD_GOTO(skt_writer_str(&w, "</ETag></Part>", err), rc, fail);
    }
    SKT_GUARD_GOTO(skt_writer_str(&w, "</CompleteMultipartUpload>", err), rc, fail);
    SKT_GUARD_GOTO(skt_writer_terminate(&w, err), rc, fail);
    *out = (char *)skt_writer_steal(&w, out_len);
    return 0;
fail:
    skt_writer_free(&w);
    return rc;
}

int seckit_s3_complete_multipart(seckit_aws *aws, char etag[130], const char *bucket,
                                 const char *key, const char *upload_id,
                                 const seckit_s3_part *parts, size_t count, seckit_error *err)
{
    return skt_s3_complete_multipart_cond(aws, bucket, key, upload_id, parts, count, NULL, etag,
                                          NULL, err);
}

int skt_s3_complete_multipart_cond(seckit_aws *aws, const char *bucket, const char *key,
                                   const char *upload_id, const seckit_s3_part *parts, size_t count,
                                   const char *if_none_match, char etag[130], char *version_id,
                                   seckit_error *err)
{
    if (version_id != NULL)
        version_id[0] = '\0';
    SKT_ENSURE_ARG(aws != NULL && upload_id != NULL && (parts != NULL || count == 0), err);
    SKT_GUARD(check_object(bucket, key, err));
    SKT_ENSURE(count >= 1 && count <= SECKIT_S3_MAX_PARTS, err, SECKIT_EINVAL,
               "S3: CompleteMultipartUpload needs 1..%d parts", SECKIT_S3_MAX_PARTS);
    char *xml = NULL;
    size_t xml_len = 0;
    SKT_GUARD(skt_s3_complete_body(parts, count, &xml, &xml_len, err));
    seckit_aws_kv q = {"uploadId", upload_id};
    seckit_aws_kv h[2] = {{"Content-Type", "application/xml"}, {"If-None-Match", if_none_match}};
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    skt_xml_node *root = NULL;
    const char *what = "S3 CompleteMultipartUpload response";
    r.method = "POST";
    r.query = &q;
    r.query_count = 1;
    r.headers = h;
    r.header_count = if_none_match != NULL ? 2 : 1;
    r.body = xml;
    r.body_len = xml_len;
    r.flags = SECKIT_AWS_REQ_ERROR_IN_200; /* can fail after "200 OK" */
    int rc = send_s3(aws, "CompleteMultipartUpload", &r, bucket, key, &resp, err);
    if (rc == 0)
        rc = skt_s3_parse_body(&resp, "CompleteMultipartUploadResult", what, &root, err);
    const char *e = NULL;
    if (rc == 0)
        rc = skt_s3_xml_text(root, "ETag", 0, &e, what, err);
    if (rc == 0 && etag != NULL)
        copy_str(etag, 130, e);
    if (rc == 0 && version_id != NULL)
        copy_header(&resp, "x-amz-version-id", version_id, 1025);
    skt_xml_free(root);
    seckit_aws_response_free(&resp);
    free(xml);
    return rc;
}

int seckit_s3_abort_multipart(seckit_aws *aws, const char *bucket, const char *key,
                              const char *upload_id, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && upload_id != NULL, err);
    SKT_GUARD(check_object(bucket, key, err));
    seckit_aws_kv q = {"uploadId", upload_id};
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    r.method = "DELETE";
    r.query = &q;
    r.query_count = 1;
    int rc = send_s3(aws, "AbortMultipartUpload", &r, bucket, key, &resp, err);
    seckit_aws_response_free(&resp);
    return rc;
}

void seckit_s3_parts_result_free(seckit_s3_parts_result *r)
{
    if (r == NULL)
        return;
    free(r->parts);
    memset(r, 0, sizeof(*r));
}

int skt_s3_parse_parts(const skt_xml_node *root, seckit_s3_parts_result *out, seckit_error *err)
{
    const char *what = "S3 ListParts response";
    int rc = 0;
    memset(out, 0, sizeof(*out));
    size_t n = skt_s3_xml_count(root, "Part");
    SKT_ENSURE(n <= 1000, err, SECKIT_EFORMAT, "%s: more than 1000 parts in one page", what);
    if (n > 0) {
        out->parts = calloc(n, sizeof(*out->parts));
        SKT_ENSURE(out->parts != NULL, err, SECKIT_ENOMEM, "S3: out of memory");
    }
    for (const skt_xml_node *c = root->child; c != NULL; c = c->next) {
        if (strcmp(skt_xml_local(c), "Part") != 0)
            continue;
        seckit_s3_part *p = &out->parts[out->count];
        long long num = 0;
        const char *e = NULL;
        SKT_GUARD_GOTO(skt_s3_xml_number(c, "PartNumber", 0, SECKIT_S3_MAX_PARTS, &num, what, err),
                       rc, fail);
        SKT_ENSURE_GOTO(num >= 1, err, rc, fail, SECKIT_EFORMAT, "%s: part number 0", what);
        SKT_GUARD_GOTO(skt_s3_xml_text(c, "ETag", 0, &e, what, err), rc, fail);
        SKT_GUARD_GOTO(skt_s3_xml_number(c, "Size", 0, SECKIT_S3_MAX_PART_SIZE, &p->size, what,
                                         err),
                       rc, fail);
        p->part_number = (int)num;
        copy_str(p->etag, sizeof(p->etag), e);
        out->count++;
    }
    SKT_GUARD_GOTO(skt_s3_xml_bool(root, "IsTruncated", 0, &out->is_truncated, what, err), rc,
                   fail);
    long long next = 0;
    SKT_GUARD_GOTO(skt_s3_xml_number(root, "NextPartNumberMarker", 1, SECKIT_S3_MAX_PARTS, &next,
                                     what, err),
                   rc, fail);
    SKT_ENSURE_GOTO(!out->is_truncated || next > 0, err, rc, fail, SECKIT_EFORMAT,
                    "%s: truncated page without a NextPartNumberMarker", what);
    out->next_part_number_marker = (int)next;
    return 0;
fail:
    seckit_s3_parts_result_free(out);
    return rc;
}

int seckit_s3_list_parts(seckit_aws *aws, seckit_s3_parts_result *out, const char *bucket,
                         const char *key, const char *upload_id, int max_parts,
                         int part_number_marker, seckit_error *err)
{
    SKT_ENSURE_ARG(aws != NULL && upload_id != NULL && out != NULL, err);
    memset(out, 0, sizeof(*out));
    SKT_GUARD(check_object(bucket, key, err));
    SKT_ENSURE(max_parts >= 0 && max_parts <= 1000 && part_number_marker >= 0 &&
                   part_number_marker <= SECKIT_S3_MAX_PARTS,
               err, SECKIT_EINVAL, "S3: ListParts: max-parts 1..1000, marker 0..10000");
    char mp[16], mk[16];
    seckit_aws_kv q[3];
    size_t nq = 0;
    q[nq].name = "uploadId";
    q[nq++].value = upload_id;
    if (max_parts > 0) {
        snprintf(mp, sizeof(mp), "%d", max_parts);
        q[nq].name = "max-parts";
        q[nq++].value = mp;
    }
    if (part_number_marker > 0) {
        snprintf(mk, sizeof(mk), "%d", part_number_marker);
        q[nq].name = "part-number-marker";
        q[nq++].value = mk;
    }
    seckit_aws_request r = SECKIT_AWS_REQUEST_INIT;
    seckit_aws_response resp = {0};
    skt_xml_node *root = NULL;
    r.method = "GET";
    r.query = q;
    r.query_count = nq;
    int rc = send_s3(aws, "ListParts", &r, bucket, key, &resp, err);
    if (rc == 0)
        rc = skt_s3_parse_body(&resp, "ListPartsResult", "S3 ListParts response", &root, err);
    if (rc == 0)
        rc = skt_s3_parse_parts(root, out, err);
    skt_xml_free(root);
    seckit_aws_response_free(&resp);
    return rc;
}
