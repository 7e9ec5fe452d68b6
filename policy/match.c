/* policy/: IAM wildcard matching ('*' any run, '?' one character). */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "policy/internal.h"

/* Characters compared through one of these: as they are, or with ASCII
 * A-Z lowercased (a table: the matcher runs millions of times per corpus). */
#define R8(b) (b), (b) + 1, (b) + 2, (b) + 3, (b) + 4, (b) + 5, (b) + 6, (b) + 7
static const unsigned char fold_none[256] = {
    R8(0),   R8(8),   R8(16),  R8(24),  R8(32),  R8(40),  R8(48),  R8(56),
    R8(64),  R8(72),  R8(80),  R8(88),  R8(96),  R8(104), R8(112), R8(120),
    R8(128), R8(136), R8(144), R8(152), R8(160), R8(168), R8(176), R8(184),
    R8(192), R8(200), R8(208), R8(216), R8(224), R8(232), R8(240), R8(248),
};
static const unsigned char fold_ascii_case[256] = {
    R8(0),   R8(8),   R8(16),  R8(24),  R8(32),  R8(40),  R8(48),  R8(56),  64,      R8(97),
    R8(105), R8(113), 121,     122,     91,      92,      93,      94,      95,      R8(96),
    R8(104), R8(112), R8(120), R8(128), R8(136), R8(144), R8(152), R8(160), R8(168), R8(176),
    R8(184), R8(192), R8(200), R8(208), R8(216), R8(224), R8(232), R8(240), R8(248),
};
#undef R8

/* Does the segment seg[0..n) (no '*') match the n characters at s? */
static int segment_at(const unsigned char *seg, size_t n, const unsigned char *s,
                      const unsigned char *fold)
{
    for (size_t k = 0; k < n; k++)
        if (seg[k] != '?' && fold[seg[k]] != fold[s[k]])
            return 0;
    return 1;
}

/* A pattern is a head, then '*'-separated segments, then a tail after the
 * last '*'.  It matches when the head matches the start of the string,
 * the tail its end, and the segments, each placed leftmost after the
 * previous one, fit in between (leftmost placement never loses a match:
 * segments have fixed lengths).  No backtracking, no recursion. */
int skt_glob_match(const char *pat, size_t plen, const char *s, size_t slen, int ci)
{
    const unsigned char *fold = ci ? fold_ascii_case : fold_none;
    const unsigned char *pp = (const unsigned char *)pat, *sp = (const unsigned char *)s;
    size_t p = 0, i = 0;
    /* the head: most calls end here, on a mismatch */
    for (; p < plen && pp[p] != '*'; p++, i++)
        if (i == slen || (pp[p] != '?' && fold[pp[p]] != fold[sp[i]]))
            return 0;
    if (p == plen)
        return i == slen;
    if (p + 1 == plen) /* a trailing '*' takes the rest */
        return 1;
    /* the tail, at the end of the string */
    size_t last_star = plen - 1;
    while (pp[last_star] != '*')
        last_star--;
    size_t tail = plen - last_star - 1;
    if (slen - i < tail || !segment_at(pp + last_star + 1, tail, sp + slen - tail, fold))
        return 0;
    size_t end = slen - tail;
    /* the segments between the first and the last '*' */
    while (p < last_star) {
        if (pp[p] == '*') {
            p++;
            continue;
        }
        size_t q = p;
        while (pp[q] != '*')
            q++;
        size_t n = q - p;
        unsigned char first = pp[p];
        /* a first character that only matches itself is found with memchr */
        int exact_first = first != '?' && fold[first] == first &&
                          (!ci || !(first >= 'a' && first <= 'z'));
        for (;; i++) {
            if (i + n > end)
                return 0;
            if (exact_first) {
                const unsigned char *at = memchr(sp + i, first, end - n + 1 - i);
                if (at == NULL)
                    return 0;
                i = (size_t)(at - sp);
            }
            if ((first == '?' || fold[first] == fold[sp[i]]) && segment_at(pp + p, n, sp + i, fold))
                break;
        }
        i += n;
        p = q;
    }
    return 1;
}
