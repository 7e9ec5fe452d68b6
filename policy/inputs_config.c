/* policy/inputs: the `seckit policy lint` configuration file (.seckit.yml):
 * options, suppressions and exclusions under a top-level `lint` key.
 * Pure: the caller finds and reads the file. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "policy/inputs_internal.h"
#include "src/base/guard.h"

static const char *const option_keys[] = {
    "type", "resource-type", "format", "fail-on", "account", "data", "baseline", "help-uri-base",
};

void seckit_lint_config_free(seckit_lint_config *c)
{
    if (c == NULL)
        return;
    free(c->ignore);
    free(c->exclude);
    skt_in_doc *doc = c->internal_;
    if (doc != NULL) {
        skt_in_doc_free(doc);
        free(doc);
    }
    free(c);
}

static int bad(const skt_in_node *n, seckit_error *err, const char *what, const char *key)
{
    return seckit_error_set_at(err, SECKIT_EFORMAT, n->pos, "line %lu column %lu: %s%.80s%s",
                               n->pos.line, n->pos.column + 1, what, key ? key : "",
                               key ? "'" : "");
}

static const char *scalar(const skt_in_node *v)
{
    if (v->kind == SKT_IN_STRING || v->kind == SKT_IN_NUMBER)
        return v->str;
    return NULL;
}

/* A string or a list of strings. */
static int list(const skt_in_node *v, const char ***out, size_t *n, const char *key,
                seckit_error *err)
{
    size_t count = v->kind == SKT_IN_ARRAY ? v->n : 1;
    const char **l = calloc(count + 1, sizeof(*l));
    SKT_ENSURE(l != NULL, err, SECKIT_ENOMEM, "out of memory");
    for (size_t i = 0; i < count; i++) {
        const skt_in_node *e = v->kind == SKT_IN_ARRAY ? v->kids[i] : v;
        l[i] = scalar(e);
        if (l[i] == NULL || l[i][0] == '\0') {
            free(l);
            return bad(e, err, "expected a string or a list of strings under '", key);
        }
    }
    *out = l;
    *n = count;
    return 0;
}

/* Only blank lines, comments and document markers: an empty config. */
static int blank(const char *d, size_t len)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r'))
            i++;
        if (i < len && d[i] == '#') {
            while (i < len && d[i] != '\n')
                i++;
        } else if (len - i >= 3 && memcmp(d + i, "---", 3) == 0) {
            i += 3;
            continue;
        }
        if (i < len && d[i] != '\n')
            return 0;
        i++;
    }
    return 1;
}

int seckit_lint_config_parse(seckit_lint_config **out, const char *data, size_t len,
                             seckit_error *err)
{
    SKT_ENSURE_ARG(data != NULL && out != NULL, err);
    *out = NULL;
    seckit_lint_config *c = calloc(1, sizeof(*c));
    skt_in_doc *doc = calloc(1, sizeof(*doc));
    if (c == NULL || doc == NULL) {
        free(c);
        free(doc);
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    }
    c->internal_ = doc;
    skt_in_doc_init(doc, 0);
    if (blank(data, len)) {
        *out = c;
        return 0;
    }
    int rc = skt_in_yaml_parse(data, len, doc, err);
    const skt_in_node *root = doc->root;
    const skt_in_node *lint = NULL;
    if (rc == 0 && root != NULL && root->kind != SKT_IN_OBJECT)
        rc = bad(root, err, "expected a mapping with a 'lint' key", NULL);
    if (rc == 0 && root != NULL)
        lint = skt_in_get(root, "lint");
    if (rc == 0 && lint != NULL && lint->kind != SKT_IN_OBJECT && lint->kind != SKT_IN_NULL)
        rc = bad(lint, err, "'lint' must be a mapping of options", NULL);
    for (size_t i = 0; rc == 0 && lint != NULL && lint->kind == SKT_IN_OBJECT && i + 1 < lint->n;
         i += 2) {
        const char *key = lint->kids[i]->str;
        const skt_in_node *v = lint->kids[i + 1];
        if (strcmp(key, "ignore") == 0) {
            free(c->ignore);
            c->ignore = NULL;
            rc = list(v, &c->ignore, &c->ignore_count, key, err);
            continue;
        }
        if (strcmp(key, "exclude") == 0) {
            free(c->exclude);
            c->exclude = NULL;
            rc = list(v, &c->exclude, &c->exclude_count, key, err);
            continue;
        }
        if (strcmp(key, "quiet") == 0) {
            if (v->kind != SKT_IN_TRUE && v->kind != SKT_IN_FALSE)
                rc = bad(v, err, "expected true or false for '", key);
            c->quiet = v->kind == SKT_IN_TRUE;
            continue;
        }
        size_t k = 0;
        while (k < SKT_ARRAY_LEN(option_keys) && strcmp(option_keys[k], key) != 0)
            k++;
        if (k == SKT_ARRAY_LEN(option_keys)) {
            rc = bad(
                lint->kids[i], err,
                "unknown lint option (type, resource-type, format, fail-on, account, data, baseline, "
                "help-uri-base, quiet, ignore, exclude): '",
                key);
            break;
        }
        const char *s = scalar(v);
        if (s == NULL) {
            rc = bad(v, err, "expected a string for '", key);
            break;
        }
        const char **slot[] = {&c->type,    &c->resource_type, &c->format,   &c->fail_on,
                               &c->account, &c->data,          &c->baseline, &c->help_uri_base};
        *slot[k] = s;
    }
    if (rc < 0) {
        seckit_lint_config_free(c);
        return rc;
    }
    *out = c;
    return 0;
}
