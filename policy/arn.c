/* policy/: ARNs: splitting, per-field matching with IAM's case rules, and
 * the resource type of an ARN from the service data's ARN patterns. */
#include "config.h"

#include <string.h>

#include "policy/model.h"

size_t skt_arn_fields(const char *s, size_t n, const char **f, size_t *len)
{
    size_t nf = 0, start = 0;
    while (nf < 5) {
        const char *colon = memchr(s + start, ':', n - start);
        if (colon == NULL)
            break;
        f[nf] = s + start;
        len[nf] = (size_t)(colon - s) - start;
        nf++;
        start = (size_t)(colon - s) + 1;
    }
    f[nf] = s + start;
    len[nf] = n - start;
    return nf + 1;
}

void skt_resource_split(const char *s, size_t n, skt_resource_pat *p)
{
    p->text = s;
    p->len = n;
    p->all = n == 1 && s[0] == '*';
    p->is_arn = 0;
    p->has_vars = 0;
    p->nfields = 0;
    if (p->all)
        return;
    /* skt_arn_fields's split, written straight into p->arn */
    const char *colon = memchr(s, ':', n);
    if (colon == NULL) {
        p->nfields = 1;
        return;
    }
    int arn = colon - s == 3 && memcmp(s, "arn", 3) == 0;
    size_t start = (size_t)(colon - s) + 1;
    int ncolons = 1;
    for (; ncolons < 5; ncolons++) {
        colon = memchr(s + start, ':', n - start);
        if (colon == NULL)
            break;
        p->arn.f[ncolons - 1] = s + start;
        p->arn.len[ncolons - 1] = (size_t)(colon - s) - start;
        start = (size_t)(colon - s) + 1;
    }
    p->nfields = ncolons + 1;
    if (ncolons == 5) {
        p->arn.f[SKT_ARN_RESOURCE] = s + start;
        p->arn.len[SKT_ARN_RESOURCE] = n - start;
        p->is_arn = arn;
    }
}

int skt_arn_split(const char *s, size_t n, skt_arn *out)
{
    const char *f[6];
    size_t len[6];
    if (skt_arn_fields(s, n, f, len) != 6 || len[0] != 3 || memcmp(f[0], "arn", 3) != 0)
        return 0;
    for (int k = 0; k < SKT_ARN_NFIELDS; k++) {
        out->f[k] = f[k + 1];
        out->len[k] = len[k + 1];
    }
    return 1;
}

int skt_arn_match(const skt_arn *pat, const skt_arn *arn)
{
    for (int f = 0; f < SKT_ARN_RESOURCE; f++)
        if (!skt_glob_match(pat->f[f], pat->len[f], arn->f[f], arn->len[f], 1))
            return 0;
    return skt_glob_match(pat->f[SKT_ARN_RESOURCE], pat->len[SKT_ARN_RESOURCE],
                          arn->f[SKT_ARN_RESOURCE], arn->len[SKT_ARN_RESOURCE], 0);
}

/* One field of a service-data ARN pattern against one field of an ARN:
 * literal text must match exactly, each ${X} takes one or more characters
 * other than '/' and ':' -- except a placeholder that ends the resource
 * field right after a '/' (${ObjectName}, ${RoleNameWithPath}), which takes
 * the rest: object keys and paths hold '/'.  So s3:bucket's
 * "arn:${Partition}:s3:::${BucketName}" does not fit an object ARN. */
static int field_fits(const char *p, size_t pn, const char *s, size_t sn, int last_takes_rest)
{
    size_t i = 0, j = 0;
    while (i < pn) {
        if (p[i] == '$' && i + 1 < pn && p[i + 1] == '{') {
            int after_slash = i > 0 && p[i - 1] == '/';
            size_t close = i + 2;
            while (close < pn && p[close] != '}')
                close++;
            if (close == pn)
                return 0;
            i = close + 1;
            if (i == pn && last_takes_rest && after_slash)
                return j < sn;
            /* the next literal character (or the end) ends the run */
            char stop = i < pn ? p[i] : '\0';
            size_t k = j;
            while (k < sn && s[k] != '/' && s[k] != ':' && (stop == '\0' || s[k] != stop))
                k++;
            if (k == j)
                return 0;
            j = k;
            continue;
        }
        if (j >= sn || p[i] != s[j])
            return 0;
        i++;
        j++;
    }
    return j == sn;
}

int skt_arn_pattern_fits(const char *pattern, const char *arn, size_t n)
{
    skt_arn p, a;
    if (!skt_arn_split(pattern, strlen(pattern), &p) || !skt_arn_split(arn, n, &a))
        return 0;
    for (int f = 0; f < SKT_ARN_RESOURCE; f++)
        if (!field_fits(p.f[f], p.len[f], a.f[f], a.len[f], 0) &&
            !(a.len[f] == 0 && p.len[f] > 0 && p.f[f][0] == '$'))
            return 0;
    return field_fits(p.f[SKT_ARN_RESOURCE], p.len[SKT_ARN_RESOURCE], a.f[SKT_ARN_RESOURCE],
                      a.len[SKT_ARN_RESOURCE], 1);
}

const skt_iam_rtype *skt_arn_resource_type(const seckit_iam_data *d, const char *arn, size_t n)
{
    skt_arn a;
    if (d == NULL || !skt_arn_split(arn, n, &a))
        return NULL;
    size_t first = 0;
    size_t count =
        skt_iam_rtypes_for_arn_service(d, a.f[SKT_ARN_SERVICE], a.len[SKT_ARN_SERVICE], &first);
    const skt_iam_rtype *best = NULL;
    size_t best_literal = 0;
    int best_own = 0;
    for (size_t k = 0; k < count; k++) {
        const skt_iam_rtype *t = d->by_arn_service[first + k];
        if (t->arn == NULL || !skt_arn_pattern_fits(t->arn, arn, n))
            continue;
        /* the pattern with the most literal text is the most specific */
        size_t literal = 0;
        for (const char *c = t->arn; *c; c++) {
            if (c[0] == '$' && c[1] == '{') {
                while (*c && *c != '}')
                    c++;
                if (!*c)
                    break;
                continue;
            }
            literal++;
        }
        /* ties (ec2:role and iam:role share one pattern): the type of the
         * service that owns the ARN's service name */
        int own = strncmp(t->name, a.f[SKT_ARN_SERVICE], a.len[SKT_ARN_SERVICE]) == 0 &&
                  t->name[a.len[SKT_ARN_SERVICE]] == ':';
        if (best == NULL || literal > best_literal ||
            (literal == best_literal && own && !best_own)) {
            best = t;
            best_literal = literal;
            best_own = own;
        }
    }
    return best;
}
