/* policy/: IAM wildcard matching ('*' any run, '?' one character). */
#include "config.h"

#include <stddef.h>

#include "policy/internal.h"

static int eq(unsigned char a, unsigned char b, int ci)
{
    if (a == b)
        return 1;
    if (!ci)
        return 0;
    if (a >= 'A' && a <= 'Z')
        a = (unsigned char)(a + 32);
    if (b >= 'A' && b <= 'Z')
        b = (unsigned char)(b + 32);
    return a == b;
}

/* Iterative matcher with single backtrack point (linear-ish, no recursion). */
int skt_glob_match(const char *pat, size_t plen, const char *s, size_t slen, int ci)
{
    size_t p = 0, i = 0, star_p = (size_t)-1, star_i = 0;
    while (i < slen) {
        if (p < plen && pat[p] == '*') {
            star_p = p++;
            star_i = i;
        } else if (p < plen && (pat[p] == '?' || eq((unsigned char)pat[p], (unsigned char)s[i], ci))) {
            p++;
            i++;
        } else if (star_p != (size_t)-1) {
            p = star_p + 1;
            i = ++star_i;
        } else {
            return 0;
        }
    }
    while (p < plen && pat[p] == '*')
        p++;
    return p == plen;
}
