/* Parliament's unit-test policies (tests/data/policy/parliament): lint each
 * fixture with the policy type its MANIFEST line gives and compare the issue
 * codes with the line's expectations.  One PASS/FAIL/SKIP line per fixture;
 * a departure on a line that names a documented difference (Dn, see the
 * folder's README.md) is a SKIP naming it, not a FAIL. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seckit/policy.h"
#include "seckit/policy_inputs.h"
#include "seckit/iam_data.h"
#include "testlib.h"

/* The codes reported for one fixture. */
typedef struct got {
    char codes[64][64];
    size_t n;
    size_t total, errors;
} got;

static int got_has(const got *g, const char *code)
{
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->codes[i], code) == 0)
            return 1;
    return 0;
}

static void got_add(got *g, const seckit_policy_finding *f)
{
    g->total++;
    if (f->type == SECKIT_FINDING_ERROR)
        g->errors++;
    if (!got_has(g, f->issue_code) && g->n < 64)
        snprintf(g->codes[g->n++], sizeof(g->codes[0]), "%s", f->issue_code);
}

static void got_list(const got *g, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < g->n && o + 1 < cap; i++)
        o += (size_t)snprintf(buf + o, cap - o, "%s%s", i ? "," : "", g->codes[i]);
    if (g->n == 0)
        snprintf(buf, cap, "(none)");
}

/* Lint every policy in the file; 0 on success. */
static int lint_file(const char *path, const char *type, const seckit_iam_data *data, got *g,
                     char *why, size_t whycap)
{
    size_t len = 0;
    char *text = tl_slurp(path, &len);
    if (text == NULL) {
        snprintf(why, whycap, "cannot read %s", path);
        return -1;
    }
    seckit_policy_lint_options o = SECKIT_POLICY_LINT_OPTIONS_INIT;
    o.data = data;
    o.type = SECKIT_POLICY_IDENTITY;
    if (strcmp(type, "auto") != 0 && seckit_policy_type_parse(&o.type, type, NULL) != 0) {
        snprintf(why, whycap, "bad type '%s' in MANIFEST", type);
        free(text);
        return -1;
    }
    seckit_policy_inputs *in = NULL;
    seckit_error err;
    seckit_error_clear(&err);
    seckit_policy_inputs_options io = {SECKIT_POLICY_INPUTS_OPTIONS_VERSION, SECKIT_INPUT_AUTO,
                                       path, 0};
    int rc = seckit_policy_inputs_extract(&in, text, len, &io, &err);
    for (size_t i = 0; rc == 0 && i < in->count; i++) {
        seckit_policy_input item = in->items[i];
        if (strcmp(type, "auto") != 0)
            item.type_known = 0; /* the MANIFEST's type */
        seckit_policy_findings *f = NULL;
        rc = seckit_policy_input_lint(&item, &f, &o, &err);
        for (size_t k = 0; rc == 0 && k < f->count; k++)
            got_add(g, &f->items[k]);
        seckit_policy_findings_free(f);
    }
    if (rc != 0)
        snprintf(why, whycap, "%s", err.message);
    seckit_policy_inputs_free(in);
    free(text);
    return rc;
}

/* Check one expectation list; returns 0 when it holds, else says why. */
static int check_expect(const char *expect, const got *g, char *why, size_t whycap)
{
    char buf[1024];
    snprintf(buf, sizeof(buf), "%s", expect);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save)) {
        if (strcmp(tok, "-") == 0)
            continue;
        if (strcmp(tok, "noerror") == 0) {
            if (g->errors != 0) {
                snprintf(why, whycap, "expected no ERROR finding, got %zu", g->errors);
                return -1;
            }
        } else if (strcmp(tok, "none") == 0) {
            if (g->total != 0) {
                snprintf(why, whycap, "expected no finding, got %zu", g->total);
                return -1;
            }
        } else if (tok[0] == '!') {
            if (got_has(g, tok + 1)) {
                snprintf(why, whycap, "%s must not be reported", tok + 1);
                return -1;
            }
        } else if (!got_has(g, tok)) {
            snprintf(why, whycap, "%s not reported", tok);
            return -1;
        }
    }
    return 0;
}

int main(void)
{
    char dir[1024], path[1200];
    snprintf(dir, sizeof(dir), "%s/data/policy/parliament", tl_data_dir());
    snprintf(path, sizeof(path), "%s/../policy/data/iam-data.txt", tl_data_dir());
    seckit_iam_data *data = NULL;
    seckit_error err;
    if (tl_iam_data_load(&data, path, &err) != 0) {
        printf("FAIL parliament_data: cannot load %s\n", path);
        return 1;
    }
    snprintf(path, sizeof(path), "%s/MANIFEST", dir);
    size_t mlen = 0;
    char *manifest = tl_slurp(path, &mlen);
    if (manifest == NULL) {
        printf("FAIL parliament_manifest: cannot read %s\n", path);
        seckit_iam_data_free(data);
        return 1;
    }
    int failed = 0;
    size_t lines = 0;
    char *save = NULL;
    char *m = realloc(manifest, mlen + 1);
    if (m == NULL) {
        free(manifest);
        seckit_iam_data_free(data);
        return 1;
    }
    m[mlen] = '\0';
    for (char *line = strtok_r(m, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char file[256], type[32], parl[512], expect[512], d1[16] = "", d2[16] = "";
        int fields =
            sscanf(line, "%255s %31s %511s %511s %15s %15s", file, type, parl, expect, d1, d2);
        if (fields < 4) {
            printf("FAIL parliament_manifest: bad line '%s'\n", line);
            failed = 1;
            continue;
        }
        lines++;
        got g;
        memset(&g, 0, sizeof(g));
        char why[600] = "", codes[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, file);
        int rc = lint_file(path, type, data, &g, why, sizeof(why));
        if (rc == 0)
            rc = check_expect(expect, &g, why, sizeof(why));
        got_list(&g, codes, sizeof(codes));
        if (rc == 0) {
            printf("PASS parliament %s\n", file);
        } else if (d1[0] == 'D') {
            printf("SKIP parliament %s: documented difference %s%s%s (README.md): %s; got %s\n",
                   file, d1, d2[0] ? " " : "", d2, why, codes);
        } else {
            printf("FAIL parliament %s: %s; got %s\n", file, why, codes);
            failed = 1;
        }
    }
    if (lines == 0) {
        printf("FAIL parliament_manifest: no fixtures\n");
        failed = 1;
    }
    free(m);
    seckit_iam_data_free(data);
    tl_failed_total = failed;
    TEST_EXIT();
}
