/* AWS Signature Version 4: canonical requests, string to sign, signing key,
 * header and query (presigned) forms.  Written from the SigV4 description
 * in the AWS General Reference and checked against the SigV4 test suite
 * (tests/data/sigv4) and the S3 API reference examples. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "src/base/secmem.h"
#include "src/aws/sigv4.h"
#include "src/base/guard.h"
#include "src/base/hex.h"

#define SIGV4_TEXT_MAX (1u << 20) /* canonical requests are small; cap anyway */

static const char hexl[] = "0123456789abcdef";

static void to_hex(const uint8_t *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hexl[b[i] >> 4];
        out[2 * i + 1] = hexl[b[i] & 15];
    }
    out[2 * n] = '\0';
}

int skt_sha256_hex(const void *data, size_t len, char out[65], seckit_error *err)
{
    uint8_t md[32];
    unsigned int mdlen = 0;
    if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
        return seckit_error_set(err, SECKIT_ECRYPTO, "SHA-256 failed");
    to_hex(md, 32, out);
    return 0;
}

int skt_sha256_fd_hex(int fd, long long offset, unsigned long long len, char out[65],
                      seckit_error *err)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    uint8_t buf[65536], md[32];
    unsigned int mdlen = 0;
    int rc = 0;
    if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(ctx);
        return seckit_error_set(err, SECKIT_ECRYPTO, "SHA-256 init failed");
    }
    while (len > 0) {
        size_t want = len < sizeof buf ? (size_t)len : sizeof buf;
        ssize_t n = pread(fd, buf, want, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = seckit_error_set(err, SECKIT_EIO, "reading the request body to hash it: %s",
                                  strerror(errno));
            goto done;
        }
        if (n == 0) {
            rc = seckit_error_set(err, SECKIT_ETRUNCATED, "request body ended %llu bytes early",
                                  len);
            goto done;
        }
        if (EVP_DigestUpdate(ctx, buf, (size_t)n) != 1) {
            rc = seckit_error_set(err, SECKIT_ECRYPTO, "SHA-256 failed");
            goto done;
        }
        offset += n;
        len -= (unsigned long long)n;
    }
    if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32) {
        rc = seckit_error_set(err, SECKIT_ECRYPTO, "SHA-256 failed");
        goto done;
    }
    to_hex(md, 32, out);
done:
    EVP_MD_CTX_free(ctx);
    return rc;
}

int skt_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len, uint8_t out[32],
                    seckit_error *err)
{
    unsigned int outlen = 0;
    if (key_len > 0x7fffffff ||
        HMAC(EVP_sha256(), key, (int)key_len, data, len, out, &outlen) == NULL || outlen != 32)
        return seckit_error_set(err, SECKIT_ECRYPTO, "HMAC-SHA-256 failed");
    return 0;
}

static int unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

int skt_uri_encode(skt_writer *w, const char *s, size_t n, int keep_slash, seckit_error *err)
{
    static const char hexu[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (unreserved(c) || (keep_slash && c == '/')) {
            SKT_GUARD(skt_writer_put(w, &c, 1, err));
        } else {
            char e[3] = {'%', hexu[c >> 4], hexu[c & 15]};
            SKT_GUARD(skt_writer_put(w, e, 3, err));
        }
    }
    return 0;
}

int skt_uri_decode(skt_writer *w, const char *s, size_t n, seckit_error *err)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            if (n - i < 3)
                return seckit_error_set(err, SECKIT_EFORMAT,
                                        "URL: '%%' at offset %zu is not followed by two hex digits",
                                        i);
            int hi = skt_hex_digit(s[i + 1]), lo = skt_hex_digit(s[i + 2]);
            SKT_ENSURE(!(hi < 0 || lo < 0), err, SECKIT_EFORMAT,
                       "URL: '%%' at offset %zu is not followed by two hex digits", i);
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
        }
        SKT_GUARD(skt_writer_put(w, &c, 1, err));
    }
    return 0;
}

void skt_amz_date(long long t, char out[17])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL)
        memset(&tm, 0, sizeof tm);
    unsigned v[6] = {(unsigned)(tm.tm_year + 1900) % 10000u,
                     (unsigned)(tm.tm_mon + 1) % 100u,
                     (unsigned)tm.tm_mday % 100u,
                     (unsigned)tm.tm_hour % 100u,
                     (unsigned)tm.tm_min % 100u,
                     (unsigned)tm.tm_sec % 100u};
    char *o = out;
    for (int k = 3; k >= 0; k--)
        *o++ = (char)('0' + (v[0] / (k == 3 ? 1000 : k == 2 ? 100 : k == 1 ? 10 : 1)) % 10);
    for (int i = 1; i < 6; i++) {
        if (i == 3)
            *o++ = 'T';
        *o++ = (char)('0' + v[i] / 10);
        *o++ = (char)('0' + v[i] % 10);
    }
    *o++ = 'Z';
    *o = '\0';
}

static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

long long skt_parse_iso8601(const char *s)
{
    int Y, M, D, h, m, sec;
    char rest[16] = "";
    if (s == NULL || strlen(s) > 40)
        return -1;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%15s", &Y, &M, &D, &h, &m, &sec, rest) < 6)
        return -1;
    const char *r = rest;
    if (*r == '.') {
        r++;
        while (isdigit((unsigned char)*r))
            r++;
    }
    if (!(strcmp(r, "Z") == 0 || strcmp(r, "+00:00") == 0 || strcmp(r, "") == 0 ||
          strcmp(r, "UTC") == 0))
        return -1;
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60 || h < 0 || m < 0 ||
        sec < 0)
        return -1;
    return days_from_civil(Y, (unsigned)M, (unsigned)D) * 86400 + h * 3600 + m * 60 + sec;
}

int skt_sigv4_canonical_uri(skt_writer *w, const char *path, int normalize, seckit_error *err)
{
    if (path == NULL || *path == '\0')
        path = "/";
    if (!normalize) {
        if (path[0] != '/')
            SKT_GUARD(skt_writer_put(w, "/", 1, err));
        SKT_GUARD(skt_uri_encode(w, path, strlen(path), 1, err));
        return skt_writer_terminate(w, err);
    }
    /* Normalise: split on '/', drop empty and "." segments, ".." pops. */
    size_t n = strlen(path), nseg = 0;
    const char **seg = calloc(n + 1, sizeof *seg);
    size_t *seglen = calloc(n + 1, sizeof *seglen);
    int rc = 0;
    if (seg == NULL || seglen == NULL) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        goto done;
    }
    size_t i = 0;
    while (i < n) {
        while (i < n && path[i] == '/')
            i++;
        size_t j = i;
        while (j < n && path[j] != '/')
            j++;
        size_t l = j - i;
        if (l == 0) {
        } else if (l == 1 && path[i] == '.') {
        } else if (l == 2 && path[i] == '.' && path[i + 1] == '.') {
            if (nseg > 0)
                nseg--;
        } else {
            seg[nseg] = path + i;
            seglen[nseg++] = l;
        }
        i = j;
    }
    int trailing = n > 0 && path[n - 1] == '/';
    /* "/a/.." and "/a/." end in a directory too. */
    if (n >= 2 && path[n - 1] == '.' &&
        (path[n - 2] == '/' || (n >= 3 && path[n - 2] == '.' && path[n - 3] == '/')))
        trailing = 1;
    SKT_GUARD_GOTO(skt_writer_put(w, "/", 1, err), rc, done);
    for (size_t k = 0; k < nseg; k++) {
        SKT_GUARD_GOTO(skt_uri_encode(w, seg[k], seglen[k], 0, err), rc, done);
        if (k + 1 < nseg || trailing)
            SKT_GUARD_GOTO(skt_writer_put(w, "/", 1, err), rc, done);
    }
    rc = skt_writer_terminate(w, err);
done:
    free(seg);
    free(seglen);
    return rc;
}

/* ---- canonical query ---- */

typedef struct enc_pair {
    char *name;
    char *value;
} enc_pair;

static int cmp_pair(const void *a, const void *b)
{
    const enc_pair *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : strcmp(x->value, y->value);
}

static char *encode_str(const char *s, seckit_error *err)
{
    skt_writer w;
    skt_writer_init(&w, SIGV4_TEXT_MAX);
    if (s == NULL)
        s = "";
    if (skt_uri_encode(&w, s, strlen(s), 0, err) != 0 || skt_writer_terminate(&w, err) != 0) {
        skt_writer_free(&w);
        return NULL;
    }
    return (char *)skt_writer_steal(&w, NULL);
}

/* ---- canonical headers ---- */

typedef struct canon_hdr {
    char *name;  /* lowercase */
    char *value; /* trimmed, folded, joined */
} canon_hdr;

static int cmp_hdr(const void *a, const void *b)
{
    return strcmp(((const canon_hdr *)a)->name, ((const canon_hdr *)b)->name);
}

/* Append value trimmed with runs of whitespace folded to one space. */
static int put_folded(skt_writer *w, const char *v, seckit_error *err)
{
    int pending = 0, any = 0;
    for (; *v; v++) {
        unsigned char c = (unsigned char)*v;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            pending = any;
            continue;
        }
        if (pending)
            SKT_GUARD(skt_writer_put(w, " ", 1, err));
        pending = 0;
        any = 1;
        SKT_GUARD(skt_writer_put(w, &c, 1, err));
    }
    return 0;
}

static int fmt(skt_writer *w, seckit_error *err, const char *f, ...)
    __attribute__((format(printf, 3, 4)));
static int fmt(skt_writer *w, seckit_error *err, const char *f, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(buf, sizeof buf, f, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf)
        return seckit_error_set(err, SECKIT_EINTERNAL, "sigv4: formatted text too long");
    return skt_writer_put(w, buf, (size_t)n, err);
}

void seckit_sigv4_result_free(seckit_sigv4_result *r)
{
    if (r == NULL)
        return;
    free(r->authorization);
    free(r->query);
    free(r->canonical_request);
    free(r->string_to_sign);
    free(r->signed_headers);
    memset(r, 0, sizeof *r);
}

static int valid_token(const char *s, size_t max)
{
    if (s == NULL || *s == '\0' || strlen(s) > max)
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
            return 0;
    return 1;
}

/* The canonical headers, sorted, in h[0..*nh_out) (their names lowercase,
 * duplicates merged in order, whitespace folded; the signer's own x-amz-*
 * headers added unless query_form), and their names joined by ';' in sh. */
static int canon_headers(canon_hdr *h, size_t *nh_out, const seckit_aws_kv *headers,
                         size_t header_count, int query_form, const seckit_sigv4_params *p,
                         const char *token, const char *payload, const char *amz_date,
                         skt_writer *tmp, skt_writer *sh, seckit_error *err)
{
    int rc = 0;
    size_t nh = 0;
    /* Headers: lowercase, merge duplicates in order, fold whitespace. */
    for (size_t i = 0; i < header_count; i++) {
        const char *name = headers[i].name, *val = headers[i].value ? headers[i].value : "";
        if (name == NULL || *name == '\0') {
            rc = seckit_error_set(err, SECKIT_EINVAL, "sigv4: header %zu has no name", i);
            goto done;
        }
        if (strchr(val, '\r') != NULL || strchr(name, '\n') != NULL || strchr(name, ':')) {
            rc = seckit_error_set(err, SECKIT_EINVAL, "sigv4: header '%.64s' is malformed", name);
            goto done;
        }
        size_t k;
        for (k = 0; k < nh; k++)
            if (strcasecmp(h[k].name, name) == 0)
                break;
        skt_writer_reset(tmp);
        if (k < nh) {
            SKT_GUARD_GOTO(skt_writer_str(tmp, h[k].value, err), rc, done);
            SKT_GUARD_GOTO(skt_writer_put(tmp, ",", 1, err), rc, done);
        }
        SKT_GUARD_GOTO(put_folded(tmp, val, err), rc, done);
        SKT_GUARD_GOTO(skt_writer_terminate(tmp, err), rc, done);
        char *v = strdup((const char *)tmp->data);
        if (v == NULL) {
            rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
            goto done;
        }
        if (k < nh) {
            free(h[k].value);
            h[k].value = v;
        } else {
            h[nh].name = strdup(name);
            h[nh].value = v;
            if (h[nh].name == NULL) {
                rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
                nh++;
                goto done;
            }
            for (char *c = h[nh].name; *c; c++)
                *c = (char)tolower((unsigned char)*c);
            nh++;
        }
    }
    if (!query_form) {
        struct {
            const char *n;
            const char *v;
            int on;
        } add[] = {
            {"x-amz-date", amz_date, 1},
            {"x-amz-security-token", token, token != NULL && !p->omit_session_token},
            {"x-amz-content-sha256", payload, p->add_content_sha256},
        };
        for (size_t a = 0; a < SKT_ARRAY_LEN(add); a++) {
            if (!add[a].on)
                continue;
            for (size_t k = 0; k < nh; k++)
                if (strcmp(h[k].name, add[a].n) == 0) {
                    rc = seckit_error_set(err, SECKIT_EINVAL,
                                          "sigv4: header %s is set by the signer", add[a].n);
                    goto done;
                }
            h[nh].name = strdup(add[a].n);
            h[nh].value = strdup(add[a].v);
            nh++;
            if (h[nh - 1].name == NULL || h[nh - 1].value == NULL) {
                rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
                goto done;
            }
        }
    }
    qsort(h, nh, sizeof *h, cmp_hdr);
    for (size_t k = 0; k < nh; k++) {
        if (k > 0)
            SKT_GUARD_GOTO(skt_writer_put(sh, ";", 1, err), rc, done);
        SKT_GUARD_GOTO(skt_writer_str(sh, h[k].name, err), rc, done);
    }
    SKT_GUARD_GOTO(skt_writer_terminate(sh, err), rc, done);

done:
    *nh_out = nh;
    return rc;
}

/* The query, sorted, in q[0..*nq_out): every name and value encoded, the
 * presigning parameters added when query_form. */
static int canon_query(enc_pair *q, size_t *nq_out, const seckit_aws_kv *query, size_t query_count,
                       int query_form, const seckit_sigv4_params *p, const char *token,
                       const char *amz_date, const skt_writer *scope, const skt_writer *sh,
                       seckit_error *err)
{
    int rc = 0;
    size_t nq = 0;
    /* Query: encode every name and value, add the presigning parameters,
     * sort by encoded name then value. */
    for (size_t i = 0; i < query_count; i++) {
        if (query[i].name == NULL) {
            rc = seckit_error_set(err, SECKIT_EINVAL, "sigv4: query parameter %zu has no name", i);
            goto done;
        }
        q[nq].name = encode_str(query[i].name, err);
        q[nq].value = encode_str(query[i].value, err);
        nq++;
        if (q[nq - 1].name == NULL || q[nq - 1].value == NULL) {
            rc = err ? err->code : SECKIT_ENOMEM;
            if (rc == 0)
                rc = SECKIT_ENOMEM;
            goto done;
        }
    }
    if (query_form) {
        char cred[1024], expires[32];
        snprintf(cred, sizeof cred, "%s/%s", p->access_key_id, (const char *)scope->data);
        snprintf(expires, sizeof expires, "%ld", p->expires_s);
        struct {
            const char *n;
            const char *v;
            int on;
        } add[] = {
            {"X-Amz-Algorithm", "AWS4-HMAC-SHA256", 1},
            {"X-Amz-Credential", cred, 1},
            {"X-Amz-Date", amz_date, 1},
            {"X-Amz-Expires", expires, 1},
            {"X-Amz-Security-Token", token, token != NULL && !p->omit_session_token},
            {"X-Amz-SignedHeaders", (const char *)sh->data, 1},
        };
        for (size_t a = 0; a < SKT_ARRAY_LEN(add); a++) {
            if (!add[a].on)
                continue;
            q[nq].name = encode_str(add[a].n, err);
            q[nq].value = encode_str(add[a].v, err);
            nq++;
            if (q[nq - 1].name == NULL || q[nq - 1].value == NULL) {
                rc = SECKIT_ENOMEM;
                goto done;
            }
        }
    }
    qsort(q, nq, sizeof *q, cmp_pair);

done:
    *nq_out = nq;
    return rc;
}

/* The canonical request in cr; [*qstart, *qend) of it is the canonical
 * query string. */
static int canonical_request(skt_writer *cr, skt_writer *tmp, const char *method, const char *path,
                             int normalize_path, const enc_pair *q, size_t nq, const canon_hdr *h,
                             size_t nh, const skt_writer *sh, const char *payload,
                             size_t *qstart_out, size_t *qend_out, seckit_error *err)
{
    int rc = 0;
    /* Canonical request. */
    SKT_GUARD_GOTO(skt_writer_str(cr, method, err), rc, done);
    SKT_GUARD_GOTO(skt_writer_put(cr, "\n", 1, err), rc, done);
    skt_writer_reset(tmp);
    SKT_GUARD_GOTO(skt_sigv4_canonical_uri(tmp, path, normalize_path, err), rc, done);
    SKT_GUARD_GOTO(skt_writer_str(cr, (const char *)tmp->data, err), rc, done);
    SKT_GUARD_GOTO(skt_writer_put(cr, "\n", 1, err), rc, done);
    size_t qstart = cr->len;
    *qstart_out = qstart;
    for (size_t k = 0; k < nq; k++) {
        if (k > 0)
            SKT_GUARD_GOTO(skt_writer_put(cr, "&", 1, err), rc, done);
        SKT_GUARD_GOTO(skt_writer_str(cr, q[k].name, err), rc, done);
        SKT_GUARD_GOTO(skt_writer_put(cr, "=", 1, err), rc, done);
        SKT_GUARD_GOTO(skt_writer_str(cr, q[k].value, err), rc, done);
    }
    size_t qend = cr->len;
    *qend_out = qend;
    SKT_GUARD_GOTO(skt_writer_put(cr, "\n", 1, err), rc, done);
    for (size_t k = 0; k < nh; k++) {
        SKT_GUARD_GOTO(skt_writer_str(cr, h[k].name, err), rc, done);
        SKT_GUARD_GOTO(skt_writer_put(cr, ":", 1, err), rc, done);
        SKT_GUARD_GOTO(skt_writer_str(cr, h[k].value, err), rc, done);
        SKT_GUARD_GOTO(skt_writer_put(cr, "\n", 1, err), rc, done);
    }
    SKT_GUARD_GOTO(skt_writer_put(cr, "\n", 1, err), rc, done);
    SKT_GUARD_GOTO(skt_writer_str(cr, (const char *)sh->data, err), rc, done);
    SKT_GUARD_GOTO(skt_writer_put(cr, "\n", 1, err), rc, done);
    SKT_GUARD_GOTO(skt_writer_str(cr, payload, err), rc, done);
    SKT_GUARD_GOTO(skt_writer_terminate(cr, err), rc, done);

done:
    return rc;
}

/* The signature of the string to sign (hex in sig_hex): the signing key is an
 * HMAC chain from "AWS4" + the secret over the date, region, service and
 * "aws4_request"; every intermediate key is wiped. */
static int sign_string(const seckit_sigv4_params *p, const char *date8, const skt_writer *sts,
                       char sig_hex[65], seckit_error *err)
{
    int rc = 0;
    uint8_t key[32], k2[32];
    char *ksecret = NULL;
    /* Signing key: HMAC chain from "AWS4" + secret. */
    size_t sl = strlen(p->secret_access_key);
    ksecret = skt_secret_alloc(sl + 5);
    if (ksecret == NULL) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        goto done;
    }
    memcpy(ksecret, "AWS4", 4);
    memcpy(ksecret + 4, p->secret_access_key, sl + 1);
    SKT_GUARD_GOTO(skt_hmac_sha256(ksecret, sl + 4, date8, 8, key, err), rc, done);
    SKT_GUARD_GOTO(skt_hmac_sha256(key, 32, p->region, strlen(p->region), k2, err), rc, done);
    SKT_GUARD_GOTO(skt_hmac_sha256(k2, 32, p->service, strlen(p->service), key, err), rc, done);
    SKT_GUARD_GOTO(skt_hmac_sha256(key, 32, "aws4_request", 12, k2, err), rc, done);
    uint8_t sig[32];
    SKT_GUARD_GOTO(skt_hmac_sha256(k2, 32, sts->data, sts->len, sig, err), rc, done);
    to_hex(sig, 32, sig_hex);

done:
    skt_wipe(key, sizeof key);
    skt_wipe(k2, sizeof k2);
    if (ksecret != NULL)
        skt_secret_free(ksecret);
    return rc;
}

/* The signed request's credentials: the presigned query string (out->query)
 * or the Authorization header (out->authorization). */
static int put_credentials(seckit_sigv4_result *out, const seckit_sigv4_params *p, int query_form,
                           const char *token, const skt_writer *cr, size_t qstart, size_t qend,
                           const skt_writer *scope, const skt_writer *sh, skt_writer *tmp,
                           seckit_error *err)
{
    int rc = 0;
    if (query_form) {
        skt_writer_reset(tmp);
        SKT_GUARD_GOTO(skt_writer_put(tmp, cr->data + qstart, qend - qstart, err), rc, done);
        SKT_GUARD_GOTO(fmt(tmp, err, "%sX-Amz-Signature=%s", qend > qstart ? "&" : "",
                           out->signature),
                       rc, done);
        if (token != NULL && p->omit_session_token) {
            SKT_GUARD_GOTO(skt_writer_str(tmp, "&X-Amz-Security-Token=", err), rc, done);
            SKT_GUARD_GOTO(skt_uri_encode(tmp, token, strlen(token), 0, err), rc, done);
        }
        SKT_GUARD_GOTO(skt_writer_terminate(tmp, err), rc, done);
        out->query = (char *)skt_writer_steal(tmp, NULL);
    } else {
        skt_writer_reset(tmp);
        SKT_GUARD_GOTO(fmt(tmp, err, "AWS4-HMAC-SHA256 Credential=%s/", p->access_key_id), rc,
                       done);
        SKT_GUARD_GOTO(skt_writer_str(tmp, (const char *)scope->data, err), rc, done);
        SKT_GUARD_GOTO(skt_writer_str(tmp, ", SignedHeaders=", err), rc, done);
        SKT_GUARD_GOTO(skt_writer_str(tmp, (const char *)sh->data, err), rc, done);
        SKT_GUARD_GOTO(fmt(tmp, err, ", Signature=%s", out->signature), rc, done);
        SKT_GUARD_GOTO(skt_writer_terminate(tmp, err), rc, done);
        out->authorization = (char *)skt_writer_steal(tmp, NULL);
    }
done:
    return rc;
}

int seckit_sigv4_sign(seckit_sigv4_result *out, const seckit_sigv4_params *p, int query_form,
                      const char *method, const char *path, const seckit_aws_kv *query,
                      size_t query_count, const seckit_aws_kv *headers, size_t header_count,
                      seckit_error *err)
{
    SKT_ENSURE_ARG(p != NULL && out != NULL && method != NULL, err);
    SKT_ENSURE_ARG(query_count == 0 || query != NULL, err);
    SKT_ENSURE_ARG(header_count == 0 || headers != NULL, err);
    memset(out, 0, sizeof *out);
    SKT_ENSURE(valid_token(p->access_key_id, SECKIT_AWS_KEY_ID_MAX), err, SECKIT_EAWSAUTH,
               "sigv4: the access key id is missing or malformed");
    SKT_ENSURE(p->secret_access_key != NULL && *p->secret_access_key != '\0' &&
                   strlen(p->secret_access_key) <= SECKIT_AWS_SECRET_MAX,
               err, SECKIT_EAWSAUTH, "sigv4: the secret access key is missing or too long");
    SKT_ENSURE(valid_token(p->region, 64), err, SECKIT_EINVAL,
               "sigv4: the region is missing or malformed");
    SKT_ENSURE(valid_token(p->service, 64), err, SECKIT_EINVAL,
               "sigv4: the service name is missing or malformed");
    SKT_ENSURE(!query_form || (p->expires_s >= 1 && p->expires_s <= 604800), err, SECKIT_EINVAL,
               "sigv4: presigned URL expiry must be 1..604800 seconds, not %ld", p->expires_s);
    const char *token = (p->session_token != NULL && *p->session_token) ? p->session_token : NULL;
    const char *payload = p->payload_hash != NULL ? p->payload_hash : SKT_EMPTY_SHA256;
    SKT_ENSURE(strcmp(payload, "UNSIGNED-PAYLOAD") == 0 ||
                   strcmp(payload, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD") == 0 ||
                   (strlen(payload) == 64 && strspn(payload, hexl) == 64),
               err, SECKIT_EINVAL, "sigv4: payload hash must be 64 lowercase hex digits");

    int rc = 0;
    char date8[9];
    skt_amz_date(p->timestamp, out->amz_date);
    memcpy(date8, out->amz_date, 8);
    date8[8] = '\0';

    size_t nh_max = header_count + 4, nq_max = query_count + 7, nh = 0, nq = 0;
    canon_hdr *h = calloc(nh_max, sizeof *h);
    enc_pair *q = calloc(nq_max, sizeof *q);
    skt_writer cr, sts, sh, scope, tmp;
    skt_writer_init(&cr, SIGV4_TEXT_MAX);
    skt_writer_init(&sts, SIGV4_TEXT_MAX);
    skt_writer_init(&sh, SIGV4_TEXT_MAX);
    skt_writer_init(&scope, 4096);
    skt_writer_init(&tmp, SIGV4_TEXT_MAX);
    if (h == NULL || q == NULL) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
        goto done;
    }
    SKT_GUARD_GOTO(fmt(&scope, err, "%s/%s/%s/aws4_request", date8, p->region, p->service), rc,
                   done);
    SKT_GUARD_GOTO(skt_writer_terminate(&scope, err), rc, done);

    SKT_GUARD_GOTO(canon_headers(h, &nh, headers, header_count, query_form, p, token, payload,
                                 out->amz_date, &tmp, &sh, err),
                   rc, done);
    SKT_GUARD_GOTO(canon_query(q, &nq, query, query_count, query_form, p, token, out->amz_date,
                               &scope, &sh, err),
                   rc, done);
    size_t qstart = 0, qend = 0;
    SKT_GUARD_GOTO(canonical_request(&cr, &tmp, method, path, p->normalize_path, q, nq, h, nh, &sh,
                                     payload, &qstart, &qend, err),
                   rc, done);
    /* String to sign. */
    char crhash[65];
    SKT_GUARD_GOTO(skt_sha256_hex(cr.data, cr.len, crhash, err), rc, done);
    SKT_GUARD_GOTO(fmt(&sts, err, "AWS4-HMAC-SHA256\n%s\n%s\n%s", out->amz_date,
                       (const char *)scope.data, crhash),
                   rc, done);
    SKT_GUARD_GOTO(skt_writer_terminate(&sts, err), rc, done);

    SKT_GUARD_GOTO(sign_string(p, date8, &sts, out->signature, err), rc, done);
    SKT_GUARD_GOTO(put_credentials(out, p, query_form, token, &cr, qstart, qend, &scope, &sh, &tmp,
                                   err),
                   rc, done);
    out->canonical_request = (char *)skt_writer_steal(&cr, NULL);
    out->string_to_sign = (char *)skt_writer_steal(&sts, NULL);
    out->signed_headers = (char *)skt_writer_steal(&sh, NULL);
    if ((query_form ? out->query : out->authorization) == NULL || out->canonical_request == NULL ||
        out->string_to_sign == NULL || out->signed_headers == NULL)
        rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");

done:
    for (size_t k = 0; h != NULL && k < nh_max; k++) {
        free(h[k].name);
        free(h[k].value);
    }
    for (size_t k = 0; q != NULL && k < nq_max; k++) {
        free(q[k].name);
        free(q[k].value);
    }
    free(h);
    free(q);
    skt_writer_free(&cr);
    skt_writer_free(&sts);
    skt_writer_free(&sh);
    skt_writer_free(&scope);
    skt_writer_free(&tmp);
    if (rc != 0)
        seckit_sigv4_result_free(out);
    return rc;
}
