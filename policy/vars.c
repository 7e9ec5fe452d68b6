/* policy/: policy variables (${aws:username}, ${aws:PrincipalTag/K},
 * ${*} ${?} ${$}, ${key, 'default'}) and the escaped glob that matches the
 * patterns they produce. */
#include "config.h"

#include <string.h>

#include "policy/model.h"

static void put_literal(skt_sb *b, const char *s, size_t n)
{
    skt_glob_escape(b, s, n, 0);
}

void skt_glob_escape(skt_sb *b, const char *s, size_t n, int wild)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\' || (!wild && (c == '*' || c == '?'))) {
            skt_sb_put(b, s + start, i - start);
            skt_sb_put(b, "\\", 1);
            start = i;
        }
    }
    skt_sb_put(b, s + start, n - start);
}

size_t skt_glob_unescape(char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n)
            i++;
        s[o++] = s[i];
    }
    if (o < n)
        s[o] = '\0';
    return o;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

int skt_vars_substitute(const char *s, size_t n, int wild, skt_var_lookup lookup, void *ctx,
                        skt_sb *b, const char **missing_key, size_t *missing_len)
{
    size_t i = 0, start = 0;
    while (i < n) {
        if (!(s[i] == '$' && i + 1 < n && s[i + 1] == '{')) {
            i++;
            continue;
        }
        skt_glob_escape(b, s + start, i - start, wild);
        size_t open = i + 2, close = open;
        while (close < n && s[close] != '}')
            close++;
        if (close == n)
            return -1;
        const char *body = s + open;
        size_t blen = close - open;
        i = close + 1;
        start = i;
        if (blen == 1 && (body[0] == '*' || body[0] == '?' || body[0] == '$')) {
            put_literal(b, body, 1);
            continue;
        }
        /* key[, 'default'] */
        size_t klen = 0;
        while (klen < blen && body[klen] != ',')
            klen++;
        const char *def = NULL;
        size_t dlen = 0;
        if (klen < blen) {
            size_t p = klen + 1;
            while (p < blen && is_space(body[p]))
                p++;
            if (p < blen && body[p] == '\'') {
                size_t q = p + 1;
                while (q < blen && body[q] != '\'')
                    q++;
                if (q < blen) {
                    def = body + p + 1;
                    dlen = q - p - 1;
                }
            }
        }
        size_t kend = klen;
        while (kend > 0 && is_space(body[kend - 1]))
            kend--;
        size_t kstart = 0;
        while (kstart < kend && is_space(body[kstart]))
            kstart++;
        const char *val;
        size_t vlen;
        if (lookup != NULL && lookup(ctx, body + kstart, kend - kstart, &val, &vlen)) {
            put_literal(b, val, vlen);
        } else if (def != NULL) {
            put_literal(b, def, dlen);
        } else {
            if (missing_key != NULL) {
                *missing_key = body + kstart;
                *missing_len = kend - kstart;
            }
            return 0;
        }
    }
    skt_glob_escape(b, s + start, n - start, wild);
    return 1;
}

static int ch_eq(unsigned char a, unsigned char b, int ci)
{
    if (ci) {
        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a + 32);
        if (b >= 'A' && b <= 'Z')
            b = (unsigned char)(b + 32);
    }
    return a == b;
}

/* Iterative glob with one backtrack point (the last '*'): linear in
 * practice, never recursive. */
int skt_glob_match_esc(const char *pat, size_t plen, const char *s, size_t slen, int ci)
{
    size_t p = 0, i = 0, star_p = (size_t)-1, star_i = 0;
    while (i < slen) {
        if (p < plen && pat[p] == '*') {
            star_p = ++p;
            star_i = i;
            continue;
        }
        if (p < plen) {
            int lit = pat[p] == '\\' && p + 1 < plen;
            unsigned char c = (unsigned char)pat[lit ? p + 1 : p];
            if ((!lit && c == '?') || ch_eq(c, (unsigned char)s[i], ci)) {
                p += lit ? 2 : 1;
                i++;
                continue;
            }
        }
        if (star_p == (size_t)-1)
            return 0;
        p = star_p;
        i = ++star_i;
    }
    while (p < plen && pat[p] == '*')
        p++;
    return p == plen;
}
