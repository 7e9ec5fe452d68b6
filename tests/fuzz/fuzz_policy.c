/* libFuzzer target: the policy input reader (every format: bare JSON/YAML,
 * AWS CLI outputs, CloudFormation with intrinsic functions, Terraform plan
 * JSON), the linter on each extracted policy and on the raw bytes, and the
 * report renderers.  Each input is read three ways: named *.json, named
 * *.yaml, and unnamed (content detection).
 * Properties: no crash, no leak; exact policies are slices of the input;
 * anchors are sorted; mapped positions stay inside the input; a policy
 * linted from its tree (seckit_policy_input.tree) has the findings its text
 * has. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seckit/policy.h"
#include "seckit/policy_inputs.h"
#include "seckit/iam_data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The IAM data snapshot when the source tree is at hand (make check sets
 * top_srcdir; SECKIT_IAM_DATA names a file; a fuzzing run from the source
 * tree finds it), else the checks that need it are skipped. */
static const seckit_iam_data *iam_data(void)
{
    static int tried;
    static seckit_iam_data *d;
    if (tried)
        return d;
    tried = 1;
    char path[4096];
    const char *env = getenv("SECKIT_IAM_DATA");
    const char *top = getenv("top_srcdir");
    if (env != NULL)
        snprintf(path, sizeof(path), "%s", env);
    else if (top != NULL)
        snprintf(path, sizeof(path), "%s/policy/data/iam-data.txt", top);
    else
        snprintf(path, sizeof(path), "policy/data/iam-data.txt"); /* from the source tree */
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    static char buf[8 << 20];
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    seckit_error err;
    if (seckit_iam_data_load(&d, buf, n, &err) != 0)
        d = NULL;
    return d;
}

static void render(const seckit_policy_findings *f)
{
    seckit_policy_report *r = NULL;
    seckit_error err;
    if (seckit_policy_report_new(&r, &err) != 0)
        return;
    /* A well-formed rule: only running out of memory refuses it. */
    if (seckit_policy_report_ignore(r, "f.json:MISSING_VERSION", &err) != 0) {
        seckit_policy_report_free(r);
        return;
    }
    if (seckit_policy_report_add(r, "f.json", "owner", f, &err) == 0) {
        for (int fmt = SECKIT_REPORT_TEXT; fmt <= SECKIT_REPORT_GITHUB; fmt++) {
            char *out = NULL;
            size_t len = 0;
            if (seckit_policy_report_render(r, &out, &len, (seckit_report_format)fmt, "fuzz",
                                            &err) == 0 &&
                (out == NULL || strlen(out) != len))
                abort();
            free(out);
        }
    }
    seckit_policy_report_free(r);
}

/* A policy linted from its tree has the findings its text has. */
static void same_as_text(const seckit_policy_input *in, const seckit_policy_lint_options *o,
                         const seckit_policy_findings *f)
{
    seckit_policy_input text_only = *in;
    text_only.tree = NULL;
    seckit_policy_findings *g = NULL;
    seckit_error err;
    if (seckit_policy_input_lint(&text_only, &g, o, &err) != 0)
        abort(); /* the tree linted, so the text must */
    if (g->count != f->count)
        abort();
    for (size_t i = 0; i < f->count; i++) {
        const seckit_policy_finding *a = &f->items[i], *b = &g->items[i];
        if (a->type != b->type || strcmp(a->issue_code, b->issue_code) != 0 ||
            strcmp(a->message, b->message) != 0 || strcmp(a->path, b->path) != 0 ||
            memcmp(&a->span, &b->span, sizeof(a->span)) != 0 ||
            a->statement_index != b->statement_index || (a->sid == NULL) != (b->sid == NULL) ||
            (a->sid != NULL && strcmp(a->sid, b->sid) != 0))
            abort();
    }
    seckit_policy_findings_free(g);
}

static void check_item(const seckit_policy_input *in, size_t size, int lint, int with_data,
                       int first)
{
    if (in->text == NULL || in->owner == NULL)
        abort();
    if (in->exact && (in->base.offset > size || in->text_len > size - in->base.offset))
        abort();
    for (size_t i = 1; i < in->anchor_count; i++)
        if (in->anchors[i].text_offset < in->anchors[i - 1].text_offset)
            abort();
    size_t step = in->text_len / 64 + 1;
    for (size_t off = 0; off <= in->text_len; off += step) {
        seckit_position p = seckit_policy_input_locate(in, off, 1, off);
        if (!in->exact && p.offset > size)
            abort();
    }
    if (!lint)
        return;
    seckit_policy_lint_options o = SECKIT_POLICY_LINT_OPTIONS_INIT;
    o.data = with_data ? iam_data() : NULL;
    seckit_policy_findings *f = NULL;
    seckit_error err;
    if (seckit_policy_input_lint(in, &f, &o, &err) == 0) {
        if (first)
            render(f);
        if (in->tree != NULL)
            same_as_text(in, &o, f);
        seckit_policy_findings_free(f);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The corpus replay feeds every truncation and many bit flips of each
     * seed: the service data checks (wildcard expansion over 22,000 actions)
     * and the report renderers run on every 4th / 16th input, and under
     * valgrind (SECKIT_TEST_QUICK) only every 4th input is read (the first
     * way only) and every 16th linted. */
    static int quick = -1;
    static unsigned long calls;
    if (quick < 0)
        quick = getenv("SECKIT_TEST_QUICK") != NULL;
    unsigned long call = calls++;
    if (quick && call % 4 != 0)
        return 0;
    int lint = !quick || call % 16 == 0;
    int with_data = call % 4 == 0, first = call % 16 == 0;
    /* Read as unnamed (detected), as *.json (strictly) and as *.yaml; the
     * linter runs on the policies found the first way. */
    static const char *const names[] = {NULL, "f.json", "f.yaml"};
    for (size_t k = 0; k < (quick ? 1 : sizeof(names) / sizeof(names[0])); k++) {
        seckit_policy_inputs_options opts = {SECKIT_POLICY_INPUTS_OPTIONS_VERSION,
                                             SECKIT_INPUT_AUTO, names[k],
                                             k == 1 ? SECKIT_INPUTS_STRICT : 0};
        seckit_policy_inputs *in = NULL;
        seckit_error err;
        int rc = seckit_policy_inputs_extract(&in, (const char *)data, size, &opts, &err);
        if ((rc == 0) != (in != NULL))
            abort();
        for (size_t i = 0; rc == 0 && i < in->count; i++)
            check_item(&in->items[i], size, lint && k == 0, with_data, first && i == 0);
        seckit_policy_inputs_free(in);
    }
    if (!lint)
        return 0;
    /* The linter on the raw bytes, with a policy type from the first byte. */
    seckit_policy_lint_options o = SECKIT_POLICY_LINT_OPTIONS_INIT;
    o.type = size > 0 ? (seckit_policy_type)(data[0] % 5) : SECKIT_POLICY_RESOURCE;
    o.data = with_data ? iam_data() : NULL;
    seckit_policy_findings *f = NULL;
    seckit_error err;
    if (seckit_policy_lint(&f, (const char *)data, size, &o, &err) == 0)
        seckit_policy_findings_free(f);
    return 0;
}
