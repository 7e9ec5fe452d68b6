/* seckit policy eval: evaluate requests against IAM policies offline.
 *
 * Exit codes follow seckit(1): 0 allowed, 1 denied, 2 usage, 3 and up for
 * errors (unreadable or malformed policies and requests). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "seckit/eval.h"
#include "seckit/json.h"
#include "seckit/iam_data.h"
#include "src/cli/cli.h"
#include "src/cli/cmd_policy.h"

#define MAX_EVAL_FILE (64u * 1024u * 1024u)
#define MAX_CONTEXT 256
#define MAX_VALUES 1024

static const char *sub = "policy";

static int read_file(const char *path, uint8_t **bytes, size_t *len, seckit_error *err)
{
    int rc = seckit_file_read(bytes, len, path, MAX_EVAL_FILE, err);
    if (rc < 0)
        seckit_error_prefix(err, path);
    return rc;
}

static int add_file(seckit_policy_set *set, seckit_eval_role role, const char *path,
                    seckit_error *err)
{
    uint8_t *bytes = NULL;
    size_t len = 0;
    int rc = read_file(path, &bytes, &len, err);
    if (rc < 0)
        return rc;
    const char *base = strrchr(path, '/');
    rc = seckit_policy_set_add(set, role, base ? base + 1 : path, path, (const char *)bytes, len,
                               err);
    free(bytes);
    return rc;
}

/* ---- JSON output ---- */

static void print_json(FILE *f, const seckit_eval_request *req, const seckit_eval_result *res)
{
    const seckit_eval_statement *st;
    size_t n = seckit_eval_result_statements(res, &st);
    const char *const *missing;
    size_t nm = seckit_eval_result_missing_keys(res, &missing);
    unsigned gates = seckit_eval_result_gates(res);
    fputs("{\"EvalActionName\":", f);
    cli_json_str(f, req->action);
    fputs(",\"EvalResourceName\":", f);
    cli_json_str(f, req->resource ? req->resource : "*");
    fputs(",\"EvalDecision\":", f);
    cli_json_str(f, seckit_decision_name(seckit_eval_result_decision(res)));
    fputs(",\"MatchedStatements\":[", f);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",{\"SourcePolicyId\":" : "{\"SourcePolicyId\":", f);
        cli_json_str(f, st[i].policy);
        fputs(",\"SourcePolicyType\":", f);
        cli_json_str(f, seckit_eval_role_name(st[i].role));
        fputs(",\"File\":", f);
        if (st[i].file)
            cli_json_str(f, st[i].file);
        else
            fputs("null", f);
        fprintf(f, ",\"StatementIndex\":%zu,\"Sid\":", st[i].index);
        if (st[i].sid)
            cli_json_str(f, st[i].sid);
        else
            fputs("null", f);
        fprintf(f,
                ",\"Effect\":\"%s\",\"StartPosition\":{\"Line\":%lu,\"Column\":%lu},"
                "\"EndPosition\":{\"Line\":%lu,\"Column\":%lu}}",
                st[i].deny ? "Deny" : "Allow", st[i].span.start.line, st[i].span.start.column,
                st[i].span.end.line, st[i].span.end.column);
    }
    fputs("],\"MissingContextValues\":[", f);
    for (size_t i = 0; i < nm; i++) {
        if (i)
            fputc(',', f);
        cli_json_str(f, missing[i]);
    }
    fprintf(
        f,
        "],\"OrganizationsDecisionDetail\":{\"AllowedByOrganizations\":%s},"
        "\"PermissionsBoundaryDecisionDetail\":{\"AllowedByPermissionsBoundary\":%s},\"Reason\":",
        (gates & (SECKIT_EVAL_PASSED_SCP | SECKIT_EVAL_PASSED_RCP)) ==
                (SECKIT_EVAL_PASSED_SCP | SECKIT_EVAL_PASSED_RCP)
            ? "true"
            : "false",
        gates & SECKIT_EVAL_PASSED_BOUNDARY ? "true" : "false");
    cli_json_str(f, seckit_eval_result_reason(res));
    fputc('}', f);
}

static void print_text(FILE *f, const seckit_eval_request *req, const seckit_eval_result *res)
{
    const seckit_eval_statement *st;
    size_t n = seckit_eval_result_statements(res, &st);
    const char *const *missing;
    size_t nm = seckit_eval_result_missing_keys(res, &missing);
    fprintf(f, "%s: %s on %s\n", seckit_decision_name(seckit_eval_result_decision(res)),
            req->action, req->resource ? req->resource : "*");
    fprintf(f, "  %s\n", seckit_eval_result_reason(res));
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "  %s:%lu:%lu: %s %s policy %s statement %zu",
                st[i].file ? st[i].file : st[i].policy, st[i].span.start.line,
                st[i].span.start.column, st[i].deny ? "Deny" : "Allow",
                seckit_eval_role_name(st[i].role), st[i].policy, st[i].index);
        if (st[i].sid)
            fprintf(f, " (Sid %s)", st[i].sid);
        fputc('\n', f);
    }
    if (nm > 0) {
        fputs("  context keys not given:", f);
        for (size_t i = 0; i < nm; i++)
            fprintf(f, " %s", missing[i]);
        fputc('\n', f);
    }
}

/* ---- --context KEY=TYPE:VALUE[,VALUE...] ---- */

typedef struct context_list {
    seckit_context_entry entries[MAX_CONTEXT];
    size_t count;
    char *owned[MAX_CONTEXT]; /* the copies the entries point into */
    const char **values[MAX_CONTEXT];
} context_list;

static void context_free(context_list *c)
{
    for (size_t i = 0; i < c->count; i++) {
        free(c->owned[i]);
        free(c->values[i]);
    }
    c->count = 0;
}

static int context_parse(context_list *c, const char *arg)
{
    if (c->count == MAX_CONTEXT)
        return cli_usage_error(sub, "eval: at most %d --context options", MAX_CONTEXT);
    const char *eq = strchr(arg, '=');
    const char *colon = eq ? strchr(eq + 1, ':') : NULL;
    if (eq == NULL || eq == arg || colon == NULL)
        return cli_usage_error(sub, "eval: --context wants KEY=TYPE:VALUE[,VALUE...], not '%s'",
                               arg);
    char type[32];
    size_t tl = (size_t)(colon - eq - 1);
    seckit_context_type t;
    if (tl >= sizeof type)
        tl = sizeof type - 1;
    memcpy(type, eq + 1, tl);
    type[tl] = '\0';
    if (seckit_context_type_parse(&t, type, NULL) != 0)
        return cli_usage_error(
            sub,
            "eval: --context type '%s' is not one of string, stringList, numeric, numericList, "
            "boolean, booleanList, date, dateList, ip, ipList, binary, binaryList",
            type);
    char *copy = strdup(arg);
    const char **vals = calloc(MAX_VALUES, sizeof *vals);
    if (copy == NULL || vals == NULL) {
        free(copy);
        free(vals);
        return cli_usage_error(sub, "out of memory");
    }
    copy[eq - arg] = '\0';
    char *v = copy + (colon - arg) + 1;
    size_t n = 0;
    if (seckit_context_type_is_list(t)) {
        for (;;) {
            char *comma = strchr(v, ',');
            if (n == MAX_VALUES) {
                free(copy);
                free(vals);
                return cli_usage_error(sub, "eval: --context %s: more than %d values", arg,
                                       MAX_VALUES);
            }
            vals[n++] = v;
            if (comma == NULL)
                break;
            *comma = '\0';
            v = comma + 1;
        }
    } else {
        vals[n++] = v;
    }
    seckit_context_entry *e = &c->entries[c->count];
    e->key = copy;
    e->type = t;
    e->values = vals;
    e->count = n;
    c->owned[c->count] = copy;
    c->values[c->count] = vals;
    c->count++;
    return 0;
}

/* ---- --requests FILE.jsonl ---- */

static const char *json_string(const seckit_json *v)
{
    return v != NULL && v->kind == SECKIT_JSON_STRING ? v->str : NULL;
}

/* One line shaped like SimulateCustomPolicy's input. */
/* ResourceOwner: an account id or an ARN whose account field says it. */
static void set_resource_owner(seckit_eval_request *req, const char *owner, char acct[13])
{
    const char *p = owner;
    if (strncmp(owner, "arn:", 4) == 0) {
        int colons = 0;
        while (*p && colons < 4)
            if (*p++ == ':')
                colons++;
    }
    snprintf(acct, 13, "%.12s", p);
    req->resource_account = acct;
}

/* ContextEntries into *entries (their values in *vals; the caller frees
 * both, on failure too). */
static int read_context(const seckit_json *ctx, const char *file, size_t lineno,
                        seckit_context_entry **entries, const char ***vals, size_t *nentries,
                        seckit_error *err)
{
    size_t total = 0;
    for (const seckit_json *e = ctx->child; e; e = e->next) {
        const seckit_json *vs = seckit_json_get(e, "ContextKeyValues");
        total += vs && vs->kind == SECKIT_JSON_ARRAY ? vs->count : 0;
    }
    *entries = calloc(ctx->count + 1, sizeof **entries);
    *vals = calloc(total + 1, sizeof **vals);
    if (*entries == NULL || *vals == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    size_t at = 0;
    for (const seckit_json *e = ctx->child; e; e = e->next) {
        const char *key = json_string(seckit_json_get(e, "ContextKeyName"));
        const char *type = json_string(seckit_json_get(e, "ContextKeyType"));
        const seckit_json *vs = seckit_json_get(e, "ContextKeyValues");
        seckit_context_entry *ce = &(*entries)[*nentries];
        if (key == NULL || type == NULL || vs == NULL || vs->kind != SECKIT_JSON_ARRAY ||
            seckit_context_type_parse(&ce->type, type, NULL) != 0)
            return seckit_error_set(
                err, SECKIT_EFORMAT,
                "%s: line %zu: a context entry needs ContextKeyName, ContextKeyValues and a "
                "ContextKeyType of the simulator's types",
                file, lineno);
        ce->key = key;
        ce->values = *vals + at;
        for (const seckit_json *v = vs->child; v; v = v->next) {
            if (v->kind != SECKIT_JSON_STRING)
                return seckit_error_set(err, SECKIT_EFORMAT,
                                        "%s: line %zu: context values must be strings", file,
                                        lineno);
            (*vals)[at++] = v->str;
        }
        ce->count = vs->count;
        (*nentries)++;
    }
    return 0;
}

/* Every action on every resource ("*" without ResourceArns), printed as
 * one {"EvaluationResults": [...]} line (closed after an error too). */
static int eval_each(const seckit_policy_set *set, seckit_eval_request *req,
                     const seckit_json *actions, const seckit_json *resources, const char *file,
                     size_t lineno, int *all_allowed, seckit_error *err)
{
    int rc = 0;
    fputs("{\"EvaluationResults\":[", stdout);
    size_t k = 0;
    for (const seckit_json *a = actions->child; a; a = a->next) {
        size_t nres = resources && resources->count ? resources->count : 1;
        const seckit_json *r = resources ? resources->child : NULL;
        for (size_t j = 0; j < nres; j++, r = r ? r->next : NULL) {
            req->action = json_string(a);
            req->resource = r ? json_string(r) : "*";
            if (req->action == NULL || req->resource == NULL) {
                rc = seckit_error_set(err, SECKIT_EFORMAT,
                                      "%s: line %zu: actions and resources must be strings", file,
                                      lineno);
                goto close;
            }
            seckit_eval_result *res = NULL;
            rc = seckit_policy_eval(set, &res, req, err);
            if (rc < 0) {
                char where[64];
                snprintf(where, sizeof where, "%s: line %zu", file, lineno);
                seckit_error_prefix(err, where);
                goto close;
            }
            if (seckit_eval_result_decision(res) != SECKIT_DECISION_ALLOWED)
                *all_allowed = 0;
            if (k++)
                fputc(',', stdout);
            print_json(stdout, req, res);
            seckit_eval_result_free(res);
        }
    }
close:
    fputs("]}\n", stdout);
    return rc;
}

static int eval_line(const seckit_policy_set *set, const char *file, size_t lineno,
                     const char *line, size_t len, const seckit_eval_request *defaults,
                     int *all_allowed, seckit_error *err)
{
    seckit_json_doc *doc = NULL;
    int rc = seckit_json_parse(&doc, line, len, NULL, err);
    if (rc < 0) {
        char where[64];
        snprintf(where, sizeof where, "line %zu", lineno);
        seckit_error_prefix(err, where);
        seckit_error_prefix(err, file);
        return rc;
    }
    const seckit_json *root = seckit_json_root(doc);
    const seckit_json *actions = seckit_json_get(root, "ActionNames");
    const seckit_json *resources = seckit_json_get(root, "ResourceArns");
    const seckit_json *ctx = seckit_json_get(root, "ContextEntries");
    seckit_context_entry *entries = NULL;
    const char **vals = NULL;
    size_t nentries = 0;
    if (root->kind != SECKIT_JSON_OBJECT || actions == NULL || actions->kind != SECKIT_JSON_ARRAY ||
        (resources != NULL && resources->kind != SECKIT_JSON_ARRAY) ||
        (ctx != NULL && ctx->kind != SECKIT_JSON_ARRAY)) {
        rc = seckit_error_set(
            err, SECKIT_EFORMAT,
            "%s: line %zu: want an object with ActionNames (array), ResourceArns (array) and "
            "ContextEntries (array)",
            file, lineno);
        goto out;
    }
    seckit_eval_request req = *defaults;
    const char *caller = json_string(seckit_json_get(root, "CallerArn"));
    if (caller != NULL)
        req.principal = caller;
    const char *owner = json_string(seckit_json_get(root, "ResourceOwner"));
    char acct[13];
    if (owner != NULL)
        set_resource_owner(&req, owner, acct);
    if (ctx != NULL) {
        rc = read_context(ctx, file, lineno, &entries, &vals, &nentries, err);
        if (rc != 0)
            goto out;
        req.context = entries;
        req.context_count = nentries;
    }
    rc = eval_each(set, &req, actions, resources, file, lineno, all_allowed, err);
out:
    free(entries);
    free(vals);
    seckit_json_free(doc);
    return rc;
}

/* Streamed line by line: a file of many requests need not fit in memory. */
static int eval_requests(const seckit_policy_set *set, const char *path,
                         const seckit_eval_request *defaults, int *all_allowed, seckit_error *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (f == NULL)
        return seckit_error_set(err, errno == ENOENT ? SECKIT_ENOENT : SECKIT_EIO, "%s: %s", path,
                                strerror(errno));
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t len = (size_t)n;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        size_t k = 0;
        while (k < len && (line[k] == ' ' || line[k] == '\t'))
            k++;
        if (k < len)
            rc = eval_line(set, path, lineno, line, len, defaults, all_allowed, err);
    }
    if (rc == 0 && ferror(f))
        rc = seckit_error_set(err, SECKIT_EIO, "%s: %s", path, strerror(errno));
    free(line);
    if (f != stdin)
        fclose(f);
    return rc;
}

enum {
    OPT_POLICY = 0x500,
    OPT_RESOURCE_POLICY,
    OPT_BOUNDARY,
    OPT_SCP,
    OPT_RCP,
    OPT_SESSION_POLICY,
    OPT_PRINCIPAL,
    OPT_ACTION,
    OPT_RESOURCE,
    OPT_RESOURCE_ACCOUNT,
    OPT_CONTEXT,
    OPT_FORMAT,
    OPT_REQUESTS,
    OPT_AUTH_DETAILS,
    OPT_DATA
};

/* The options, read twice: once for the request and the usage errors, then
 * for the policy files, so that usage errors come before any file is read. */
static const struct option options[] = {
    {"policy", required_argument, NULL, OPT_POLICY},
    {"resource-policy", required_argument, NULL, OPT_RESOURCE_POLICY},
    {"boundary", required_argument, NULL, OPT_BOUNDARY},
    {"scp", required_argument, NULL, OPT_SCP},
    {"rcp", required_argument, NULL, OPT_RCP},
    {"session-policy", required_argument, NULL, OPT_SESSION_POLICY},
    {"principal", required_argument, NULL, OPT_PRINCIPAL},
    {"action", required_argument, NULL, OPT_ACTION},
    {"resource", required_argument, NULL, OPT_RESOURCE},
    {"resource-account", required_argument, NULL, OPT_RESOURCE_ACCOUNT},
    {"context", required_argument, NULL, OPT_CONTEXT},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"requests", required_argument, NULL, OPT_REQUESTS},
    {"authorization-details", required_argument, NULL, OPT_AUTH_DETAILS},
    {"data", required_argument, NULL, OPT_DATA},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* eval's options, as given (the policy files are read in a second pass). */
typedef struct eval_args {
    seckit_eval_request req;
    const char *requests, *authz, *data_path;
    int json, npolicies, one_of[SECKIT_EVAL_ROLE_COUNT_];
} eval_args;

/* parse_options's answer when the command goes on (anything else is the
 * exit code: --help, a usage error). */
#define GO_ON (-1)

/* The first pass: the options, then how they combine. */
static int parse_options(int argc, char **argv, eval_args *a, context_list *ctx)
{
    seckit_eval_request *req = &a->req;
    int c;
    cli_opt_loop loop = {.sub = sub, .usage = cmd_policy.usage, .options = options};
    while ((c = cli_next_option(&loop, argc, argv)) >= 0) {
        int rc = 0;
        switch (c) {
        case OPT_POLICY: a->npolicies++; break;
        case OPT_SCP:
        case OPT_RCP: break;
        case OPT_RESOURCE_POLICY:
        case OPT_BOUNDARY:
        case OPT_SESSION_POLICY: {
            int role = c == OPT_RESOURCE_POLICY ? SECKIT_EVAL_RESOURCE
                       : c == OPT_BOUNDARY      ? SECKIT_EVAL_BOUNDARY
                                                : SECKIT_EVAL_SESSION;
            if (a->one_of[role]++)
                rc = cli_usage_error(sub, "eval: --%s is given once", options[c - OPT_POLICY].name);
            break;
        }
        case OPT_PRINCIPAL: req->principal = optarg; break;
        case OPT_ACTION: req->action = optarg; break;
        case OPT_RESOURCE: req->resource = optarg; break;
        case OPT_RESOURCE_ACCOUNT:
            if (strlen(optarg) != 12 || strspn(optarg, "0123456789") != 12)
                rc = cli_usage_error(
                    sub, "eval: --resource-account must be a 12-digit account id, not '%s'",
                    optarg);
            req->resource_account = optarg;
            break;
        case OPT_CONTEXT: rc = context_parse(ctx, optarg); break;
        case OPT_FORMAT:
            if (strcmp(optarg, "json") == 0)
                a->json = 1;
            else if (strcmp(optarg, "text") != 0)
                rc = cli_usage_error(sub, "eval: --format must be text or json, not '%s'", optarg);
            break;
        case OPT_REQUESTS: a->requests = optarg; break;
        case OPT_AUTH_DETAILS: a->authz = optarg; break;
        case OPT_DATA: a->data_path = optarg; break;
        }
        if (rc != 0)
            return rc;
    }
    if (c == CLI_OPT_STOP)
        return loop.exit;
    if (optind < argc)
        return cli_usage_error(sub, "eval: unexpected argument '%s'", argv[optind]);
    if (a->npolicies == 0 && a->authz == NULL && !a->one_of[SECKIT_EVAL_RESOURCE])
        return cli_usage_error(sub,
                               "eval: give --policy, --authorization-details or --resource-policy");
    if (a->authz != NULL && req->principal == NULL)
        return cli_usage_error(sub, "eval: --authorization-details needs --principal");
    if (a->requests == NULL && (req->action == NULL || req->resource == NULL))
        return cli_usage_error(sub, "eval: give --action and --resource (or --requests FILE)");
    if (a->requests != NULL && (req->action != NULL || req->resource != NULL || ctx->count > 0))
        return cli_usage_error(
            sub, "eval: --requests takes actions, resources and context from the file");
    return GO_ON;
}

/* The second pass: the policy files and authorization details into set,
 * in the order given. */
static int add_policies(int argc, char **argv, seckit_policy_set *set, const eval_args *a,
                        seckit_error *err)
{
    int c, rc = 0;
    optind = 1;
    while (rc == 0 && (c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case OPT_POLICY: rc = add_file(set, SECKIT_EVAL_IDENTITY, optarg, err); break;
        case OPT_RESOURCE_POLICY: rc = add_file(set, SECKIT_EVAL_RESOURCE, optarg, err); break;
        case OPT_BOUNDARY: rc = add_file(set, SECKIT_EVAL_BOUNDARY, optarg, err); break;
        case OPT_SCP: rc = add_file(set, SECKIT_EVAL_SCP, optarg, err); break;
        case OPT_RCP: rc = add_file(set, SECKIT_EVAL_RCP, optarg, err); break;
        case OPT_SESSION_POLICY: rc = add_file(set, SECKIT_EVAL_SESSION, optarg, err); break;
        case OPT_AUTH_DETAILS: {
            uint8_t *bytes = NULL;
            size_t len = 0;
            rc = read_file(optarg, &bytes, &len, err);
            if (rc == 0)
                rc = seckit_policy_set_add_authorization_details(set, optarg, (const char *)bytes,
                                                                 len, a->req.principal, err);
            free(bytes);
            break;
        }
        default: break;
        }
    }
    return rc;
}

/* One request (printed as text or JSON) or the --requests file; *exit_code
 * 0 when everything was allowed, EXIT_FINDINGS when something was not. */
static int evaluate(const seckit_policy_set *set, const eval_args *a, int *exit_code,
                    seckit_error *err)
{
    int rc;
    *exit_code = EXIT_OK_;
    if (a->requests != NULL) {
        int all_allowed = 1;
        rc = eval_requests(set, a->requests, &a->req, &all_allowed, err);
        *exit_code = all_allowed ? EXIT_OK_ : EXIT_FINDINGS;
        return rc;
    }
    seckit_eval_result *res = NULL;
    rc = seckit_policy_eval(set, &res, &a->req, err);
    if (rc == 0) {
        if (a->json) {
            print_json(stdout, &a->req, res);
            fputc('\n', stdout);
        } else {
            print_text(stdout, &a->req, res);
        }
        *exit_code = seckit_eval_result_decision(res) == SECKIT_DECISION_ALLOWED ? EXIT_OK_
                                                                                 : EXIT_FINDINGS;
        seckit_eval_result_free(res);
    }
    return rc;
}

int cli_policy_eval(int argc, char **argv)
{
    eval_args a;
    memset(&a, 0, sizeof a);
    static context_list ctx;
    context_free(&ctx);
    int rc = parse_options(argc, argv, &a, &ctx);
    if (rc != GO_ON) {
        context_free(&ctx);
        return rc;
    }
    a.req.context = ctx.entries;
    a.req.context_count = ctx.count;

    seckit_error err;
    seckit_error_clear(&err);
    seckit_policy_set *set = NULL;
    seckit_iam_data *data = NULL;
    rc = seckit_policy_set_new(&set, &err);
    if (rc == 0) {
        char used[4096];
        rc = cli_policy_load_data(a.data_path, a.data_path != NULL, &data, used, sizeof used, &err);
        seckit_policy_set_use_data(set, data);
    }
    if (rc == 0)
        rc = add_policies(argc, argv, set, &a, &err);
    int exit_code = EXIT_OK_;
    if (rc == 0)
        rc = evaluate(set, &a, &exit_code, &err);
    seckit_policy_set_free(set);
    seckit_iam_data_free(data);
    context_free(&ctx);
    if (rc < 0)
        return cli_fail(sub, &err);
    if (fflush(stdout) != 0) {
        cli_message(sub, "standard output: %s", strerror(errno));
        return EXIT_IO;
    }
    return exit_code;
}
