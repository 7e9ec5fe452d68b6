/* policy/: condition operators and typed condition values (numbers, dates,
 * IPv4/IPv6 CIDRs, booleans, base64 bytes, ARNs). */
#include "config.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/model.h"

#define OP(name, family, negated, variables)                                                       \
    {                                                                                              \
        name, family, negated, variables, sizeof(name) - 1                                         \
    }
static const skt_op_info ops[SKT_OP_COUNT_] = {
    [SKT_OP_STRING_EQUALS] = OP("StringEquals", SKT_FAM_STRING, 0, 1),
    [SKT_OP_STRING_NOT_EQUALS] = OP("StringNotEquals", SKT_FAM_STRING, 1, 1),
    [SKT_OP_STRING_EQUALS_IGNORE_CASE] = OP("StringEqualsIgnoreCase", SKT_FAM_STRING, 0, 1),
    [SKT_OP_STRING_NOT_EQUALS_IGNORE_CASE] = OP("StringNotEqualsIgnoreCase", SKT_FAM_STRING, 1, 1),
    [SKT_OP_STRING_LIKE] = OP("StringLike", SKT_FAM_STRING, 0, 1),
    [SKT_OP_STRING_NOT_LIKE] = OP("StringNotLike", SKT_FAM_STRING, 1, 1),
    [SKT_OP_NUMERIC_EQUALS] = OP("NumericEquals", SKT_FAM_NUMERIC, 0, 0),
    [SKT_OP_NUMERIC_NOT_EQUALS] = OP("NumericNotEquals", SKT_FAM_NUMERIC, 1, 0),
    [SKT_OP_NUMERIC_LESS_THAN] = OP("NumericLessThan", SKT_FAM_NUMERIC, 0, 0),
    [SKT_OP_NUMERIC_LESS_THAN_EQUALS] = OP("NumericLessThanEquals", SKT_FAM_NUMERIC, 0, 0),
    [SKT_OP_NUMERIC_GREATER_THAN] = OP("NumericGreaterThan", SKT_FAM_NUMERIC, 0, 0),
    [SKT_OP_NUMERIC_GREATER_THAN_EQUALS] = OP("NumericGreaterThanEquals", SKT_FAM_NUMERIC, 0, 0),
    [SKT_OP_DATE_EQUALS] = OP("DateEquals", SKT_FAM_DATE, 0, 0),
    [SKT_OP_DATE_NOT_EQUALS] = OP("DateNotEquals", SKT_FAM_DATE, 1, 0),
    [SKT_OP_DATE_LESS_THAN] = OP("DateLessThan", SKT_FAM_DATE, 0, 0),
    [SKT_OP_DATE_LESS_THAN_EQUALS] = OP("DateLessThanEquals", SKT_FAM_DATE, 0, 0),
    [SKT_OP_DATE_GREATER_THAN] = OP("DateGreaterThan", SKT_FAM_DATE, 0, 0),
    [SKT_OP_DATE_GREATER_THAN_EQUALS] = OP("DateGreaterThanEquals", SKT_FAM_DATE, 0, 0),
    [SKT_OP_BOOL] = OP("Bool", SKT_FAM_BOOL, 0, 0),
    [SKT_OP_BINARY_EQUALS] = OP("BinaryEquals", SKT_FAM_BINARY, 0, 0),
    [SKT_OP_IP_ADDRESS] = OP("IpAddress", SKT_FAM_IP, 0, 0),
    [SKT_OP_NOT_IP_ADDRESS] = OP("NotIpAddress", SKT_FAM_IP, 1, 0),
    [SKT_OP_ARN_EQUALS] = OP("ArnEquals", SKT_FAM_ARN, 0, 1),
    [SKT_OP_ARN_LIKE] = OP("ArnLike", SKT_FAM_ARN, 0, 1),
    [SKT_OP_ARN_NOT_EQUALS] = OP("ArnNotEquals", SKT_FAM_ARN, 1, 1),
    [SKT_OP_ARN_NOT_LIKE] = OP("ArnNotLike", SKT_FAM_ARN, 1, 1),
    [SKT_OP_NULL] = OP("Null", SKT_FAM_NULL, 0, 0),
};
#undef OP

const skt_op_info *skt_cond_op_info(skt_cond_op op)
{
    return (unsigned)op < SKT_OP_COUNT_ ? &ops[op] : NULL;
}

int skt_cond_op_parse(const char *s, size_t n, skt_cond_op *op, skt_set_op *set, int *if_exists)
{
    *set = SKT_SET_NONE;
    *if_exists = 0;
    if (n > 14 && memcmp(s, "ForAllValues:", 13) == 0) {
        *set = SKT_SET_FOR_ALL;
        s += 13;
        n -= 13;
    } else if (n > 13 && memcmp(s, "ForAnyValue:", 12) == 0) {
        *set = SKT_SET_FOR_ANY;
        s += 12;
        n -= 12;
    }
    if (n > 8 && memcmp(s + n - 8, "IfExists", 8) == 0) {
        *if_exists = 1;
        n -= 8;
    }
    for (int k = 0; k < SKT_OP_COUNT_; k++) {
        /* the length and the first letter rule most names out */
        if (ops[k].name_len != n || ops[k].name[0] != s[0])
            continue;
        if (memcmp(ops[k].name, s, n) == 0) {
            *op = (skt_cond_op)k;
            return 0;
        }
    }
    return -1;
}

int skt_parse_number(const char *s, size_t n, double *out)
{
    /* IAM's numeric condition values are integers or decimals: a leading
     * sign, digits, one '.' (no hex, inf, nan, exponent, spaces), of any
     * length; a value beyond a double's range compares as +-HUGE_VAL */
    size_t i = n > 0 && (s[0] == '-' || s[0] == '+');
    int digits = 0, dots = 0;
    for (; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            digits++;
        else if (s[i] == '.' && dots == 0)
            dots++;
        else
            return -1;
    }
    if (digits == 0)
        return -1;
    char small[64], *buf = small;
    if (n >= sizeof small) {
        buf = malloc(n + 1);
        if (buf == NULL)
            return -1;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    *out = strtod(buf, NULL);
    if (buf != small)
        free(buf);
    return isnan(*out) ? -1 : 0;
}

static int digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Days from 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* IAM's W3C ISO 8601 profile, YYYY[-MM[-DD[Thh:mm[:ss[.s+]][Z|+hh:mm]]]]
 * (a time only after a full date, no zone is accepted), or epoch seconds
 * (digits only: no sign, fraction or exponent).  The fields must name a
 * date and time that exist (second 60 is a leap second). */
int skt_date_check(const char *s, size_t n, int64_t *ms, char *why, size_t cap)
{
    size_t k = 0;
    while (k < n && s[k] >= '0' && s[k] <= '9')
        k++;
    if (n > 0 && k == n) { /* epoch seconds */
        int64_t v = 0;
        for (size_t i = 0; i < n; i++)
            v = v < INT64_MAX / 10000 ? v * 10 + (s[i] - '0') : INT64_MAX / 1000;
        *ms = v * 1000;
        return 0;
    }
    int y, mo = 1, d = 1, h = 0, mi = 0, sec = 0, oh = 0, om = 0;
    int64_t frac_ms = 0, off_min = 0;
    if (n < 4 || digits(s, 4, &y) != 0)
        return -1;
    size_t i = 4;
    int has_day = 0;
    if (i < n) {
        if (s[i] != '-' || i + 3 > n || digits(s + i + 1, 2, &mo) != 0)
            return -1;
        i += 3;
    }
    if (i < n) {
        if (s[i] != '-' || i + 3 > n || digits(s + i + 1, 2, &d) != 0)
            return -1;
        i += 3;
        has_day = 1;
    }
    if (i < n) {
        if (s[i] != 'T' || i + 6 > n || digits(s + i + 1, 2, &h) != 0 || s[i + 3] != ':' ||
            digits(s + i + 4, 2, &mi) != 0)
            return -1;
        i += 6;
        if (i < n && s[i] == ':') {
            if (i + 3 > n || digits(s + i + 1, 2, &sec) != 0)
                return -1;
            i += 3;
            if (i < n && s[i] == '.') {
                i++;
                int place = 100, any = 0;
                while (i < n && s[i] >= '0' && s[i] <= '9') {
                    frac_ms += (s[i] - '0') * place;
                    place /= 10;
                    i++;
                    any = 1;
                }
                if (!any)
                    return -1;
            }
        }
        if (i < n && s[i] == 'Z') {
            i++;
        } else if (i < n && (s[i] == '+' || s[i] == '-')) {
            if (i + 6 != n || digits(s + i + 1, 2, &oh) != 0 || s[i + 3] != ':' ||
                digits(s + i + 4, 2, &om) != 0)
                return -1;
            off_min = (s[i] == '-' ? -1 : 1) * (oh * 60 + om);
            i += 6;
        }
    }
    if (i != n)
        return -1;
    /* the shape fits: do the fields name a date and time that exist? */
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int maxd = mo >= 1 && mo <= 12
                   ? mdays[mo - 1] + (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
                   : 0;
    if (mo < 1 || mo > 12) {
        if (why != NULL)
            snprintf(why, cap, "there is no month %02d", mo);
        return -2;
    }
    if (has_day && (d < 1 || d > maxd)) {
        if (why != NULL)
            snprintf(why, cap, "%04d-%02d has %d days", y, mo, maxd);
        return -2;
    }
    if (h > 23 || mi > 59) {
        if (why != NULL)
            snprintf(why, cap, "%02d:%02d is not a time of day", h, mi);
        return -2;
    }
    if (sec > 60) {
        if (why != NULL)
            snprintf(why, cap, "a minute has no second %02d", sec);
        return -2;
    }
    if (oh > 23 || om > 59) {
        if (why != NULL)
            snprintf(why, cap, "%.6s is not a time zone offset", s + n - 6);
        return -2;
    }
    int64_t days = days_from_civil(y, mo, d);
    *ms = ((days * 86400 + h * 3600 + mi * 60 + sec) - off_min * 60) * 1000 + frac_ms;
    return 0;
}

int skt_parse_date(const char *s, size_t n, int64_t *ms)
{
    return skt_date_check(s, n, ms, NULL, 0) == 0 ? 0 : -1;
}

int skt_parse_ip(const char *s, size_t n, skt_ip *out)
{
    char buf[64];
    memset(out, 0, sizeof *out);
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *slash = strchr(buf, '/');
    if (slash != NULL)
        *slash = '\0';
    out->v6 = strchr(buf, ':') != NULL;
    if (inet_pton(out->v6 ? AF_INET6 : AF_INET, buf, out->addr) != 1)
        return -1;
    unsigned max = out->v6 ? 128 : 32;
    out->prefix = max;
    if (slash != NULL) {
        const char *p = slash + 1;
        size_t pl = strlen(p);
        unsigned v = 0;
        if (pl == 0 || pl > 3)
            return -1;
        for (size_t i = 0; i < pl; i++) {
            if (p[i] < '0' || p[i] > '9')
                return -1;
            v = v * 10 + (unsigned)(p[i] - '0');
        }
        if (v > max)
            return -1;
        out->prefix = v;
    }
    return 0;
}

int skt_ip_in(const skt_ip *net, const skt_ip *addr)
{
    uint8_t mapped[16];
    const uint8_t *a = addr->addr;
    if (net->v6 != addr->v6) {
        /* an IPv4 address against an IPv6 network: as ::ffff:a.b.c.d */
        if (!net->v6)
            return 0;
        memset(mapped, 0, 10);
        mapped[10] = mapped[11] = 0xff;
        memcpy(mapped + 12, addr->addr, 4);
        a = mapped;
    }
    unsigned bits = net->prefix;
    size_t full = bits / 8;
    if (memcmp(net->addr, a, full) != 0)
        return 0;
    if (bits % 8) {
        uint8_t mask = (uint8_t)(0xff << (8 - bits % 8));
        if ((net->addr[full] & mask) != (a[full] & mask))
            return 0;
    }
    return 1;
}

static int b64val(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Base64 as RFC 4648 writes it (the form IAM's BinaryEquals examples
 * use): groups of four characters of the standard alphabet, the last one
 * padded with at most two '='.  Decoded into a (when a is NULL, only
 * checked). */
static int parse_b64(const char *s, size_t n, skt_arena *a, skt_cond_value *v)
{
    if (n == 0 || n % 4 != 0)
        return -1;
    n -= s[n - 1] == '=' ? (s[n - 2] == '=' ? 2 : 1) : 0;
    uint8_t *o = NULL;
    if (a != NULL && (o = skt_arena_alloc(a, n * 3 / 4 + 1)) == NULL)
        return -1;
    size_t k = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int d = b64val(s[i]);
        if (d < 0)
            return -1;
        acc = (acc << 6) | (uint32_t)d;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o != NULL)
                o[k] = (uint8_t)(acc >> bits);
            k++;
        }
    }
    v->bytes = o;
    v->nbytes = k;
    return 0;
}

int skt_cond_value_parse(skt_cond_family fam, const char *s, size_t n, skt_arena *a,
                         skt_cond_value *v)
{
    switch (fam) {
    case SKT_FAM_STRING: return 0;
    case SKT_FAM_NUMERIC: return skt_parse_number(s, n, &v->num);
    case SKT_FAM_DATE: return skt_date_check(s, n, &v->time_ms, NULL, 0);
    case SKT_FAM_BOOL:
    case SKT_FAM_NULL:
        if (n == 4 && strncasecmp(s, "true", 4) == 0)
            v->boolean = 1;
        else if (n == 5 && strncasecmp(s, "false", 5) == 0)
            v->boolean = 0;
        else
            return -1;
        return 0;
    case SKT_FAM_BINARY: return parse_b64(s, n, a, v);
    case SKT_FAM_IP: return skt_parse_ip(s, n, &v->ip);
    case SKT_FAM_ARN: v->is_arn = skt_arn_split(s, n, &v->arn); return 0;
    }
    return -1;
}
