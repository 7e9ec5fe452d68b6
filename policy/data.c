/* policy/: the IAM service reference snapshot (format described in
 * policy/data/gen-iam-data.js): loaded from bytes into sorted tables, with
 * hash indexes for the lookups the linter makes per action, condition key
 * and ARN.  Pure: the caller reads or maps the file. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/internal.h"
#include "src/base/guard.h"

#define MAX_DATA_SIZE (64u * 1024u * 1024u)

/* ASCII lowercase (a read-only table: lookups are on the hot path) */
static const unsigned char lower[256] = {
#define R8(b) (b), (b) + 1, (b) + 2, (b) + 3, (b) + 4, (b) + 5, (b) + 6, (b) + 7
    R8(0),   R8(8),   R8(16),  R8(24),  R8(32),  R8(40),  R8(48),  R8(56),  64,      R8(97),
    R8(105), R8(113), 121,     122,     91,      92,      93,      94,      95,      R8(96),
    R8(104), R8(112), R8(120), R8(128), R8(136), R8(144), R8(152), R8(160), R8(168), R8(176),
    R8(184), R8(192), R8(200), R8(208), R8(216), R8(224), R8(232), R8(240), R8(248)
#undef R8
};

/* Compare a (NUL-terminated) with b[0..blen) case-insensitively (ASCII),
 * bytewise on lowercase. */
static int cmp_ci(const char *a, const char *b, size_t blen)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    size_t i = 0;
    for (; i < blen && x[i] != '\0'; i++) {
        int d = lower[x[i]] - lower[y[i]];
        if (d != 0)
            return d;
    }
    if (i == blen)
        return x[i] == '\0' ? 0 : 1;
    return -1;
}

/* Equal case-insensitively (ASCII), n bytes each: the equality cmp_ci
 * decides, for names of the same length. */
static int eq_ci(const char *a, const char *b, size_t n)
{
    /* most policies spell names as the data does */
    if (memcmp(a, b, n) == 0)
        return 1;
    /* else eight bytes at a time */
    for (size_t i = 0; i < n; i += 8) {
        uint64_t wx = skt_load_word(a + i, n - i), wy = skt_load_word(b + i, n - i);
        if (wx != wy && skt_ascii_lower8(wx) != skt_ascii_lower8(wy))
            return 0;
    }
    return 1;
}

/* A hash of the name (ASCII-lowercased first when ci) and its length. */
static uint64_t mix_word(uint64_t h, uint64_t w, int ci)
{
    h = (h ^ (ci ? skt_ascii_lower8(w) : w)) * 0xff51afd7ed558ccdull;
    return h ^ (h >> 32);
}

/* Names over 24 characters are hashed on their length and their first,
 * middle and last eight characters (names that differ only elsewhere
 * share a hash and are told apart by the comparison). */
static uint32_t name_hash(const char *s, size_t n, int ci)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
    if (n > 24) {
        h = mix_word(h, skt_load_word(s, 8), ci);
        h = mix_word(h, skt_load_word(s + n / 2 - 4, 8), ci);
        return (uint32_t)mix_word(h, skt_load_word(s + n - 8, 8), ci);
    }
    for (size_t i = 0; i < n; i += 8)
        h = mix_word(h, skt_load_word(s + i, n - i), ci);
    return (uint32_t)h;
}

/* A table for n names (see skt_name_index); -1 on out of memory. */
static int index_init(skt_name_index *ix, size_t n)
{
    size_t size = 16;
    while (size - size / 4 < n)
        size *= 2;
    ix->slots = calloc(size, sizeof(*ix->slots));
    if (ix->slots == NULL)
        return -1;
    ix->mask = size - 1;
    return 0;
}

static void index_put(skt_name_index *ix, uint32_t hash, size_t item)
{
    size_t i = hash & ix->mask;
    while (ix->slots[i].item != 0)
        i = (i + 1) & ix->mask;
    ix->slots[i].hash = hash;
    ix->slots[i].item = (uint32_t)(item + 1);
}

/* The order of a[0..al) and b[0..bl) case-insensitively (ASCII), as
 * cmp_ci orders names (neither holds a NUL): at load every action is
 * checked against the one before, with which it shares a long prefix, so
 * equal words are skipped eight bytes at a time. */
static int order_ci(const char *a, size_t al, const char *b, size_t bl)
{
    size_t n = al < bl ? al : bl, i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x = skt_load_word(a + i, 8), y = skt_load_word(b + i, 8);
        if (x != y && skt_ascii_lower8(x) != skt_ascii_lower8(y))
            break;
    }
    for (; i < n; i++) {
        int d = lower[(unsigned char)a[i]] - lower[(unsigned char)b[i]];
        if (d != 0)
            return d;
    }
    return al < bl ? -1 : (al > bl ? 1 : 0);
}

static int bad(seckit_error *err, size_t lineno, const char *what)
{
    return seckit_error_set_at(err, SECKIT_EFORMAT, (seckit_position){(unsigned long)lineno, 0, 0},
                               "IAM data: line %zu: %s", lineno, what);
}

static int svc_cmp(const char *a, size_t al, const char *b, size_t bl)
{
    size_t n = al < bl ? al : bl;
    int c = memcmp(a, b, n);
    if (c != 0)
        return c;
    return al < bl ? -1 : (al > bl ? 1 : 0);
}

static int rtype_svc_cmp(const void *x, const void *y)
{
    const skt_iam_rtype *a = *(const skt_iam_rtype *const *)x,
                        *b = *(const skt_iam_rtype *const *)y;
    int c = svc_cmp(a->arn_svc, a->arn_svc_len, b->arn_svc, b->arn_svc_len);
    if (c != 0)
        return c;
    return a < b ? -1 : (a > b ? 1 : 0);
}

size_t skt_iam_rtypes_for_arn_service(const seckit_iam_data *d, const char *svc, size_t len,
                                      size_t *first)
{
    *first = 0;
    if (d == NULL || d->arn_run_index.slots == NULL)
        return 0;
    const skt_name_index *ix = &d->arn_run_index;
    uint32_t h = name_hash(svc, len, 0);
    for (size_t i = h & ix->mask; ix->slots[i].item != 0; i = (i + 1) & ix->mask) {
        const skt_arn_service_run *run = &d->arn_runs[ix->slots[i].item - 1];
        if (ix->slots[i].hash == h && svc_cmp(run->svc, run->len, svc, len) == 0) {
            *first = run->first;
            return run->count;
        }
    }
    return 0;
}

/* An action record ("A\tservice:Action\taccess\tresource types\tcondition
 * keys"): access is one or two hex digits, at most 0x1f. */
static int add_action(seckit_iam_data *d, char *const *f, size_t n, size_t lineno,
                      seckit_error *err)
{
    if (n != 5)
        return bad(err, lineno, "action record needs 5 fields");
    const char *colon = strchr(f[1], ':');
    unsigned acc = 0;
    size_t alen = strlen(f[2]);
    int okacc = alen == 1 || alen == 2;
    for (const char *h = f[2]; *h && okacc; h++) {
        int v = (*h >= '0' && *h <= '9') ? *h - '0' : (*h >= 'a' && *h <= 'f') ? *h - 'a' + 10 : -1;
        if (v < 0)
            okacc = 0;
        acc = acc * 16u + (unsigned)(v < 0 ? 0 : v);
    }
    if (colon == NULL || colon == f[1] || !okacc || acc > 0x1f)
        return bad(err, lineno, "malformed action record");
    if (d->nactions > 0 &&
        order_ci(d->actions[d->nactions - 1].display, d->actions[d->nactions - 1].name_len, f[1],
                 (size_t)(f[2] - 1 - f[1])) >= 0)
        return bad(err, lineno, "actions are not sorted");
    skt_iam_action *a = &d->actions[d->nactions++];
    a->name = f[1];
    a->display = f[1];
    a->name_len = (size_t)(f[2] - 1 - f[1]);
    a->perm_pos = SIZE_MAX;
    a->access = acc;
    a->resources = f[3];
    a->keys = f[4];
    a->wildcard_only = f[3][0] == '\0';
    return 0;
}

/* One record line ("K\tfield\t..."): services, actions, resource types and
 * condition keys, each kind in sorted order; unknown kinds are skipped. */
static int parse_record(seckit_iam_data *d, char *line, char *eol, size_t lineno, seckit_error *err)
{
    int rc = 0;
    char *f[6];
    size_t n = 0;
    char *q = line;
    f[n++] = q;
    while (n < 6) {
        char *t = memchr(q, '\t', (size_t)(eol - q));
        if (t == NULL)
            break;
        *t = '\0';
        q = t + 1;
        f[n++] = q;
    }
    switch (line[0]) {
    case 'S':
        if (n != 3) {
            rc = bad(err, lineno, "service record needs 3 fields");
            goto fail;
        }
        if (d->nservices > 0 && strcmp(d->services[d->nservices - 1].prefix, f[1]) >= 0) {
            rc = bad(err, lineno, "services are not sorted");
            goto fail;
        }
        d->services[d->nservices].prefix = f[1];
        d->services[d->nservices].prefix_len = (size_t)(f[2] - 1 - f[1]);
        d->services[d->nservices].name = f[2];
        d->nservices++;
        break;
    case 'A': SKT_GUARD(add_action(d, f, n, lineno, err)); break;
    case 'R':
        if (n != 4) {
            rc = bad(err, lineno, "resource type record needs 4 fields");
            goto fail;
        }
        if (d->nrtypes > 0 &&
            cmp_ci(d->rtypes[d->nrtypes - 1].name, f[1], (size_t)(f[2] - 1 - f[1])) >= 0) {
            rc = bad(err, lineno, "resource types are not sorted");
            goto fail;
        }
        d->rtypes[d->nrtypes].name = f[1];
        d->rtypes[d->nrtypes].arn = f[2];
        d->rtypes[d->nrtypes].keys = f[3];
        d->nrtypes++;
        break;
    case 'K':
        if (n != 3) {
            rc = bad(err, lineno, "condition key record needs 3 fields");
            goto fail;
        }
        if (d->nkeys > 0 && strcmp(d->keys[d->nkeys - 1].name, f[1]) >= 0) {
            rc = bad(err, lineno, "condition keys are not sorted");
            goto fail;
        }
        d->keys[d->nkeys].name = f[1];
        d->keys[d->nkeys].type = f[2];
        d->keys[d->nkeys].ktype = skt_key_type_parse(f[2]);
        d->keys[d->nkeys].name_len = (size_t)(f[2] - 1 - f[1]);
        d->nkeys++;
        break;
    default: break; /* unknown record kinds are skipped (newer format) */
    }
    return 0;
fail:
    return rc;
}

/* The header line, the records and the date/source/rcp-services lines of
 * d->buf; *lineno_out gets the number of lines read. */
static int parse_lines(seckit_iam_data *d, size_t *lineno_out, seckit_error *err)
{
    int rc = 0;
    size_t len = d->len;
    size_t lineno = 0;
    *lineno_out = 0;
    char *p = d->buf;
    char *const end = d->buf + len;
    int seen_header = 0;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *line = p;
        char *eol = nl ? nl : end;
        *eol = '\0';
        p = eol + 1;
        lineno++;
        size_t ll = (size_t)(eol - line);
        if (ll > 0 && line[ll - 1] == '\r')
            line[--ll] = '\0';
        if (!seen_header) {
            if (strcmp(line, "seckit-iam-data 1") != 0) {
                rc = bad(err, lineno,
                         "not a seckit IAM data file (first line must be 'seckit-iam-data 1')");
                goto fail;
            }
            seen_header = 1;
            continue;
        }
        if (ll == 0)
            continue;
        if (ll >= 2 && line[1] == '\t') {
            SKT_GUARD_GOTO(parse_record(d, line, eol, lineno, err), rc, fail);
            continue;
        }
        if (strncmp(line, "date ", 5) == 0) {
            snprintf(d->date, sizeof(d->date), "%s", line + 5);
        } else if (strncmp(line, "source ", 7) == 0) {
            snprintf(d->source, sizeof(d->source), "%s", line + 7);
        } else if (strncmp(line, "rcp-services ", 13) == 0) {
            d->rcp_services = line + 13;
        }
    }
    *lineno_out = lineno;
    if (!seen_header) {
        rc = bad(err, 1, "empty file (not a seckit IAM data file)");
        goto fail;
    }
    if (d->nactions == 0 || d->nservices == 0) {
        rc = bad(err, lineno, "no services or actions");
        goto fail;
    }
    return 0;
fail:
    return rc;
}

/* The name indexes, and each service's run of actions ("svc:" prefix) and
 * the tag condition keys they take. */
static int link_services(seckit_iam_data *d, size_t lineno, seckit_error *err)
{
    int rc = 0;
    if (index_init(&d->service_index, d->nservices) != 0 ||
        index_init(&d->action_index, d->nactions) != 0 ||
        index_init(&d->key_index, d->nkeys) != 0) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "IAM data: out of memory");
        goto fail;
    }
    for (size_t s = 0; s < d->nservices; s++)
        index_put(&d->service_index, name_hash(d->services[s].prefix, d->services[s].prefix_len, 1),
                  s);
    for (size_t i = 0; i < d->nkeys; i++)
        index_put(&d->key_index, name_hash(d->keys[i].name, d->keys[i].name_len, 1), i);
    /* link services to their action ranges ("svc:" prefix; note that
     * "s3-object-lambda:..." sorts before "s3:...") */
    for (size_t s = 0; s < d->nservices; s++) {
        char pre[128];
        size_t pl = strlen(d->services[s].prefix);
        if (pl + 2 > sizeof(pre)) {
            rc = bad(err, lineno, "service prefix too long");
            goto fail;
        }
        memcpy(pre, d->services[s].prefix, pl);
        pre[pl] = ':';
        pre[pl + 1] = '\0';
        size_t lo = 0, hi = d->nactions;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (strncasecmp(d->actions[mid].name, pre, pl + 1) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        size_t k = lo;
        while (k < d->nactions && strncasecmp(d->actions[k].name, pre, pl + 1) == 0)
            k++;
        d->services[s].action_first = lo;
        d->services[s].action_count = k - lo;
        for (size_t i = lo; i < k; i++)
            index_put(&d->action_index, name_hash(d->actions[i].name, d->actions[i].name_len, 1),
                      i);
        /* which tag condition keys the service's actions take */
        unsigned tags = 0;
        for (size_t i = lo; i < k && tags != 7u; i++) {
            const char *ks = d->actions[i].keys;
            if (strstr(ks, "aws:resourcetag/") != NULL)
                tags |= SKT_TAG_RESOURCE;
            if (strstr(ks, "aws:requesttag/") != NULL)
                tags |= SKT_TAG_REQUEST;
            if (strstr(ks, "aws:tagkeys") != NULL)
                tags |= SKT_TAG_KEYS;
        }
        d->services[s].tags = tags;
    }
    return 0;
fail:
    return rc;
}

/* The permissions-management actions (resource exposure checks), each
 * service's run of them, and the templated condition keys. */
static int index_perm_actions(seckit_iam_data *d, seckit_error *err)
{
    int rc = 0;
    /* Permissions-management actions (resource exposure checks) */
    d->perm_actions = calloc(d->nactions, sizeof(*d->perm_actions));
    if (d->perm_actions == NULL) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "IAM data: out of memory");
        goto fail;
    }
    for (size_t i = 0; i < d->nactions; i++)
        if (d->actions[i].access & SECKIT_ACCESS_PERMISSIONS) {
            d->actions[i].perm_pos = d->nperm;
            d->perm_actions[d->nperm++] = i;
        }
    /* each service's run of perm_actions (which is in action order) */
    for (size_t sv = 0, at = 0; sv < d->nservices; sv++) {
        const skt_iam_service *svc = &d->services[sv];
        size_t lo = 0, hi = d->nperm;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (d->perm_actions[mid] < svc->action_first)
                lo = mid + 1;
            else
                hi = mid;
        }
        at = lo;
        while (at < d->nperm && d->perm_actions[at] < svc->action_first + svc->action_count)
            at++;
        d->services[sv].perm_first = lo;
        d->services[sv].perm_count = at - lo;
    }
    /* templated condition keys, in name order */
    d->templated_keys = calloc(d->nkeys ? d->nkeys : 1, sizeof(*d->templated_keys));
    if (d->templated_keys == NULL) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "IAM data: out of memory");
        goto fail;
    }
    for (size_t i = 0; i < d->nkeys; i++)
        if (memchr(d->keys[i].name, '*', d->keys[i].name_len) != NULL)
            d->templated_keys[d->ntemplated_keys++] = i;
    return 0;
fail:
    return rc;
}

/* Resource types: the resource part of each ARN pattern as a glob. */
static int build_rtype_globs(seckit_iam_data *d, seckit_error *err)
{
    int rc = 0;
    /* resource types: the resource part of the ARN pattern as a glob */
    size_t total = 0;
    for (size_t i = 0; i < d->nrtypes; i++)
        total += strlen(d->rtypes[i].arn) + 1;
    d->globs = malloc(total ? total : 1);
    if (d->globs == NULL) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "IAM data: out of memory");
        goto fail;
    }
    char *g = d->globs;
    for (size_t i = 0; i < d->nrtypes; i++) {
        skt_iam_rtype *r = &d->rtypes[i];
        const char *f[6];
        size_t nf = 0;
        f[nf++] = r->arn;
        for (const char *q = r->arn; *q && nf < 6; q++)
            if (*q == ':')
                f[nf++] = q + 1;
        r->res_glob = g;
        r->res_glob_len = 0;
        r->valid = nf == 6;
        if (!r->valid) {
            *g++ = '\0';
            continue;
        }
        r->arn_svc = f[2];
        r->arn_svc_len = (size_t)(f[3] - 1 - f[2]);
        r->has_region = f[3][0] != ':';
        r->has_account = f[4][0] != ':';
        for (const char *q = f[5]; *q; q++) {
            if (q[0] == '$' && q[1] == '{') {
                const char *e = strchr(q, '}');
                if (e == NULL)
                    break;
                *g++ = '*';
                q = e;
            } else {
                *g++ = *q;
            }
            r->res_glob_len++;
        }
        *g++ = '\0';
    }
    return 0;
fail:
    return rc;
}

/* The resource types by ARN service (the runs of one service, hashed by it),
 * and the services whose resource types take aws:ResourceTag keys. */
static int index_arn_services(seckit_iam_data *d, seckit_error *err)
{
    int rc = 0;
    d->by_arn_service = calloc(d->nrtypes ? d->nrtypes : 1, sizeof(*d->by_arn_service));
    if (d->by_arn_service == NULL) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "IAM data: out of memory");
        goto fail;
    }
    size_t nb = 0;
    for (size_t i = 0; i < d->nrtypes; i++)
        if (d->rtypes[i].valid)
            d->by_arn_service[nb++] = &d->rtypes[i];
    d->nby_arn_service = nb;
    qsort(d->by_arn_service, nb, sizeof(*d->by_arn_service), rtype_svc_cmp);
    /* the runs of one ARN service, hashed by it */
    d->arn_runs = calloc(nb ? nb : 1, sizeof(*d->arn_runs));
    if (d->arn_runs == NULL || index_init(&d->arn_run_index, nb) != 0) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "IAM data: out of memory");
        goto fail;
    }
    for (size_t i = 0; i < nb; i++) {
        const skt_iam_rtype *r = d->by_arn_service[i];
        skt_arn_service_run *run = d->narn_runs ? &d->arn_runs[d->narn_runs - 1] : NULL;
        if (run != NULL && svc_cmp(run->svc, run->len, r->arn_svc, r->arn_svc_len) == 0) {
            run->count++;
            continue;
        }
        run = &d->arn_runs[d->narn_runs++];
        run->svc = r->arn_svc;
        run->len = r->arn_svc_len;
        run->first = i;
        run->count = 1;
    }
    for (size_t i = 0; i < d->narn_runs; i++)
        index_put(&d->arn_run_index, name_hash(d->arn_runs[i].svc, d->arn_runs[i].len, 0), i);
    for (size_t i = 0; i < d->nrtypes; i++) {
        if (strstr(d->rtypes[i].keys, "aws:resourcetag/") == NULL)
            continue;
        const char *c = strchr(d->rtypes[i].name, ':');
        skt_iam_service *sv =
            c ? (skt_iam_service *)skt_iam_service_find(d, d->rtypes[i].name,
                                                        (size_t)(c - d->rtypes[i].name))
              : NULL;
        if (sv != NULL)
            sv->tags |= SKT_TAG_RESOURCE;
    }
    return 0;
fail:
    return rc;
}

int seckit_iam_data_load(seckit_iam_data **out, const void *bytes, size_t len, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = NULL;
    SKT_ENSURE_ARG(bytes != NULL || len == 0, err);
    if (len > MAX_DATA_SIZE)
        return seckit_error_set(err, SECKIT_ELIMIT, "IAM data: %zu bytes exceed the %u-byte limit",
                                len, MAX_DATA_SIZE);
    if (memchr(bytes, '\0', len) != NULL)
        return seckit_error_set(err, SECKIT_EFORMAT,
                                "IAM data: contains a NUL byte (not a seckit IAM data file)");
    seckit_iam_data *d = calloc(1, sizeof(*d));
    SKT_ENSURE(d != NULL, err, SECKIT_ENOMEM, "IAM data: out of memory");
    int rc = 0;
    d->buf = malloc(len + 1);
    if (d->buf == NULL) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "IAM data: out of memory");
        goto fail;
    }
    memcpy(d->buf, bytes, len);
    d->buf[len] = '\0';
    d->len = len;

    /* upper bound of records: the number of lines */
    size_t nlines = 1;
    for (const char *q = d->buf; (q = memchr(q, '\n', (size_t)(d->buf + len - q))) != NULL; q++)
        nlines++;
    d->services = calloc(nlines, sizeof(*d->services));
    d->actions = calloc(nlines, sizeof(*d->actions));
    d->rtypes = calloc(nlines, sizeof(*d->rtypes));
    d->keys = calloc(nlines, sizeof(*d->keys));
    if (!d->services || !d->actions || !d->rtypes || !d->keys) {
        rc = seckit_error_set(err, SECKIT_ENOMEM, "IAM data: out of memory");
        goto fail;
    }
    size_t lineno = 0;
    SKT_GUARD_GOTO(parse_lines(d, &lineno, err), rc, fail);
    SKT_GUARD_GOTO(link_services(d, lineno, err), rc, fail);
    SKT_GUARD_GOTO(index_perm_actions(d, err), rc, fail);
    SKT_GUARD_GOTO(build_rtype_globs(d, err), rc, fail);
    SKT_GUARD_GOTO(index_arn_services(d, err), rc, fail);
    *out = d;
    return 0;
fail:
    seckit_iam_data_free(d);
    return rc;
}

void seckit_iam_data_free(seckit_iam_data *d)
{
    if (d == NULL)
        return;
    free(d->services);
    free(d->actions);
    free(d->rtypes);
    free(d->keys);
    free(d->perm_actions);
    free(d->by_arn_service);
    free(d->arn_runs);
    free(d->arn_run_index.slots);
    free(d->service_index.slots);
    free(d->action_index.slots);
    free(d->key_index.slots);
    free(d->templated_keys);
    free(d->globs);
    free(d->buf);
    free(d);
}

void seckit_iam_data_get_info(const seckit_iam_data *d, seckit_iam_data_info *out)
{
    memset(out, 0, sizeof(*out));
    if (d == NULL)
        return;
    out->date = d->date;
    out->source = d->source;
    out->services = d->nservices;
    out->actions = d->nactions;
    out->resource_types = d->nrtypes;
    out->condition_keys = d->nkeys;
}

const skt_iam_service *skt_iam_service_find(const seckit_iam_data *d, const char *prefix,
                                            size_t plen)
{
    if (d == NULL || d->service_index.slots == NULL)
        return NULL;
    const skt_name_index *ix = &d->service_index;
    uint32_t h = name_hash(prefix, plen, 1);
    for (size_t i = h & ix->mask; ix->slots[i].item != 0; i = (i + 1) & ix->mask) {
        const skt_iam_service *sv = &d->services[ix->slots[i].item - 1];
        if (ix->slots[i].hash == h && sv->prefix_len == plen && eq_ci(sv->prefix, prefix, plen))
            return sv;
    }
    return NULL;
}

/* Only actions within their service's range are indexed, so a name whose
 * service does not exist is not found (as with the per-service search). */
const skt_iam_action *skt_iam_action_find(const seckit_iam_data *d, const char *name, size_t nlen)
{
    if (d == NULL || d->action_index.slots == NULL)
        return NULL;
    const skt_name_index *ix = &d->action_index;
    uint32_t h = name_hash(name, nlen, 1);
    for (size_t i = h & ix->mask; ix->slots[i].item != 0; i = (i + 1) & ix->mask) {
        const skt_iam_action *a = &d->actions[ix->slots[i].item - 1];
        if (ix->slots[i].hash == h && a->name_len == nlen && eq_ci(a->name, name, nlen))
            return a;
    }
    return NULL;
}

const skt_iam_rtype *skt_iam_rtype_find(const seckit_iam_data *d, const char *name, size_t nlen)
{
    if (d == NULL)
        return NULL;
    size_t lo = 0, hi = d->nrtypes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_ci(d->rtypes[mid].name, name, nlen);
        if (c == 0)
            return &d->rtypes[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const skt_iam_key *skt_iam_key_find(const seckit_iam_data *d, const char *name, size_t nlen)
{
    if (d == NULL || d->key_index.slots == NULL)
        return NULL;
    const skt_name_index *ix = &d->key_index;
    uint32_t h = name_hash(name, nlen, 1);
    for (size_t i = h & ix->mask; ix->slots[i].item != 0; i = (i + 1) & ix->mask) {
        const skt_iam_key *k = &d->keys[ix->slots[i].item - 1];
        if (ix->slots[i].hash == h && k->name_len == nlen && eq_ci(k->name, name, nlen))
            return k;
    }
    /* templated keys such as aws:resourcetag/(tag): the first, in name
     * order, with the same "svc:" prefix whose pattern matches */
    const char *colon = memchr(name, ':', nlen);
    if (colon == NULL)
        return NULL;
    size_t pl = (size_t)(colon - name) + 1;
    size_t lo = 0, hi = d->ntemplated_keys;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strncasecmp(d->keys[d->templated_keys[mid]].name, name, pl) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t t = lo; t < d->ntemplated_keys; t++) {
        const skt_iam_key *k = &d->keys[d->templated_keys[t]];
        if (strncasecmp(k->name, name, pl) != 0)
            break;
        if (skt_glob_match(k->name, k->name_len, name, nlen, 1))
            return k;
    }
    return NULL;
}

int seckit_iam_service_exists(const seckit_iam_data *d, const char *prefix)
{
    return prefix != NULL && skt_iam_service_find(d, prefix, strlen(prefix)) != NULL;
}

int seckit_iam_action_lookup(const seckit_iam_data *d, unsigned *access, const char *action)
{
    if (action == NULL)
        return 0;
    const skt_iam_action *a = skt_iam_action_find(d, action, strlen(action));
    if (a == NULL)
        return 0;
    if (access != NULL)
        *access = a->access;
    return 1;
}

size_t seckit_iam_actions_matching(const seckit_iam_data *d, const char *pattern,
                                   int (*fn)(void *ctx, const char *action, unsigned access),
                                   void *ctx)
{
    if (d == NULL || pattern == NULL)
        return 0;
    size_t n = 0, plen = strlen(pattern);
    size_t first = 0, last = d->nactions;
    const char *colon = strchr(pattern, ':');
    if (colon != NULL && memchr(pattern, '*', (size_t)(colon - pattern)) == NULL &&
        memchr(pattern, '?', (size_t)(colon - pattern)) == NULL) {
        const skt_iam_service *s = skt_iam_service_find(d, pattern, (size_t)(colon - pattern));
        if (s == NULL)
            return 0;
        first = s->action_first;
        last = s->action_first + s->action_count;
    }
    for (size_t i = first; i < last; i++) {
        const skt_iam_action *a = &d->actions[i];
        if (skt_glob_match(pattern, plen, a->name, strlen(a->name), 1)) {
            n++;
            if (fn != NULL && fn(ctx, a->display, a->access) != 0)
                break;
        }
    }
    return n;
}

unsigned skt_key_type_parse(const char *s)
{
    unsigned array = 0;
    if (strncmp(s, "ArrayOf", 7) == 0) {
        array = SKT_KEY_ARRAY;
        s += 7;
    }
    static const struct {
        const char *name;
        unsigned type;
    } types[] = {{"String", SKT_KEY_STRING}, {"Numeric", SKT_KEY_NUMERIC},
                 {"Date", SKT_KEY_DATE},     {"Bool", SKT_KEY_BOOL},
                 {"ARN", SKT_KEY_ARN},       {"IPAddress", SKT_KEY_IP},
                 {"Binary", SKT_KEY_BINARY}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        size_t n = strlen(types[i].name);
        if (strncmp(s, types[i].name, n) == 0 && (s[n] == '\0' || s[n] == '\t' || s[n] == '\n'))
            return types[i].type | array;
    }
    return SKT_KEY_OTHER | array;
}

size_t skt_iam_action_rtypes(const seckit_iam_data *d, const skt_iam_action *a,
                             skt_action_rtype *out, size_t max)
{
    if (d == NULL || a == NULL || a->resources == NULL)
        return 0;
    const char *colon = memchr(a->name, ':', a->name_len);
    size_t svc_len = colon ? (size_t)(colon - a->name) : 0;
    size_t count = 0;
    const char *p = a->resources;
    while (*p != '\0' && *p != '\t' && *p != '\n') {
        const char *e = p;
        while (*e != ',' && *e != '\0' && *e != '\t' && *e != '\n')
            e++;
        size_t n = (size_t)(e - p);
        int required = n > 0 && p[n - 1] == '*';
        if (required)
            n--;
        if (n > 0) {
            if (count < max) {
                char full[256];
                const skt_iam_rtype *t = NULL;
                if (svc_len + 1 + n < sizeof full) {
                    memcpy(full, a->name, svc_len);
                    full[svc_len] = ':';
                    memcpy(full + svc_len + 1, p, n);
                    t = skt_iam_rtype_find(d, full, svc_len + 1 + n);
                }
                out[count].rtype = t;
                out[count].name = p;
                out[count].name_len = n;
                out[count].required = required;
            }
            count++;
        }
        p = *e == ',' ? e + 1 : e;
    }
    return count;
}
