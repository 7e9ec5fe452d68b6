/* seckit policy lint|eval|data: lint IAM policies offline; evaluate requests
 * against them (cmd_policy_eval.c); show the IAM service reference snapshot.
 *
 * Exit codes of `policy lint` follow cfn-policy-validator, not seckit(1):
 * 0 no blocking finding, 2 blocking findings, 1 the tool itself failed. */
#include "config.h"

#include <errno.h>
#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seckit/policy_inputs.h"
#include "src/cli/cli.h"
#include "src/cli/cmd_policy.h"

#ifndef SECKIT_PKGDATADIR
#define SECKIT_PKGDATADIR ""
#endif
#ifndef SECKIT_SRCDIR_DATA
#define SECKIT_SRCDIR_DATA ""
#endif

#define LINT_OK 0
#define LINT_TOOL_FAILED 1
#define LINT_BLOCKING 2

#define MAX_POLICY_FILE (64u * 1024u * 1024u)
#define MAX_DATA_FILE (64u * 1024u * 1024u)

static const char usage[] =
    "Usage: seckit policy lint [--type identity|resource|scp|rcp|trust]\n"
    "                          [--resource-type TYPE] [--format text|json|sarif]\n"
    "                          [--fail-on TYPES] [--ignore CODE|FILE:CODE|SID:CODE]...\n"
    "                          [--account ID] [--data FILE] PATH|-...\n"
    "       seckit policy eval --policy FILE... [--resource-policy FILE]\n"
    "                          [--boundary FILE] [--scp FILE]... [--rcp FILE]...\n"
    "                          [--session-policy FILE] --principal ARN\n"
    "                          --action ACTION --resource ARN [--resource-account ID]\n"
    "                          [--context KEY=TYPE:VALUE[,VALUE...]]...\n"
    "                          [--requests FILE.jsonl] [--authorization-details FILE]\n"
    "                          [--format text|json] [--data FILE]\n"
    "       seckit policy data [--data FILE]\n"
    "\n"
    "lint: check IAM policies offline, as IAM Access Analyzer's ValidatePolicy\n"
    "does (same finding types and issue codes), plus privilege escalation,\n"
    "credential exposure, data exfiltration, resource exposure and role trust\n"
    "checks.  PATH is a policy document (JSON or YAML), the output of aws iam\n"
    "get-policy-version, get-role, get-role-policy or\n"
    "get-account-authorization-details, a CloudFormation template (JSON or YAML),\n"
    "a Terraform plan (terraform show -json), a folder (its *.json, *.yaml, *.yml\n"
    "and *.template files), or - for standard input.  Policies found in AWS CLI\n"
    "output, templates and plans are linted as their own type (trust policies\n"
    "as trust, bucket policies as resource policies); --type applies to bare\n"
    "policy documents.  Findings go to standard output as\n"
    "FILE:LINE:COLUMN: TYPE CODE: message [path] (owner).\n"
    "\n"
    "eval: decide whether a request is allowed, as IAM's policy evaluation logic\n"
    "does: an explicit Deny in any policy wins; service and resource control\n"
    "policies must allow; a same-account resource-based policy can grant on its\n"
    "own; otherwise the identity policies, the permissions boundary and the\n"
    "session policy must all allow (cross-account: the resource-based policy\n"
    "too).  Prints the decision (allowed, explicitDeny, implicitDeny), the\n"
    "statements that decided it as FILE:LINE:COLUMN, and the context keys the\n"
    "policies asked for that the request did not give.\n"
    "\n"
    "data: show the date, source and size of the IAM service reference snapshot.\n"
    "\n"
    "Options:\n"
    "  --type TYPE           identity (default), resource, scp, rcp or trust\n"
    "  --resource-type TYPE  with --type resource: AWS::S3::Bucket, AWS::KMS::Key,\n"
    "                        AWS::SQS::Queue, AWS::SNS::Topic, ... (or s3-bucket,\n"
    "                        kms-key, sqs, sns, lambda, secret, ecr, dynamodb)\n"
    "  --format FORMAT       text (default), json or sarif\n"
    "  --fail-on TYPES       finding types that fail the run, comma-separated:\n"
    "                        ERROR,SECURITY_WARNING (default), WARNING,\n"
    "                        SUGGESTION, or NONE\n"
    "  --ignore SPEC         drop findings with issue code CODE, or only those in\n"
    "                        FILE or statement SID (FILE:CODE, SID:CODE); repeatable\n"
    "  --account ID          the policies' own account: trust policies naming other\n"
    "                        accounts must require sts:ExternalId\n"
    "  --data FILE           IAM service reference snapshot (default: $SECKIT_IAM_DATA,\n"
    "                        then the installed snapshot)\n"
    "\n"
    "Options of eval:\n"
    "  --policy FILE         an identity-based policy of the caller; repeatable\n"
    "  --resource-policy FILE  the resource's resource-based policy\n"
    "  --boundary FILE       the caller's permissions boundary\n"
    "  --scp FILE            a service control policy; repeatable\n"
    "  --rcp FILE            a resource control policy; repeatable\n"
    "  --session-policy FILE the session policy of a role session\n"
    "  --principal ARN       the caller: user, role, assumed-role session,\n"
    "                        federated user, account root, or a service principal\n"
    "  --action ACTION       the action, e.g. s3:GetObject\n"
    "  --resource ARN        the resource's ARN, or * for actions on no resource\n"
    "  --resource-account ID the resource's account where its ARN does not say\n"
    "                        (S3); default: the ARN's, else the caller's\n"
    "  --context KEY=TYPE:VALUE[,VALUE...]\n"
    "                        a request context key; TYPE is string, stringList,\n"
    "                        numeric, numericList, boolean, booleanList, date,\n"
    "                        dateList, ip, ipList, binary or binaryList; repeatable\n"
    "  --requests FILE.jsonl many requests (- for standard input), one JSON object\n"
    "                        a line in the shape of\n"
    "                        SimulateCustomPolicy's input (CallerArn, ActionNames,\n"
    "                        ResourceArns, ResourceOwner, ContextEntries); one JSON\n"
    "                        result a line\n"
    "  --authorization-details FILE\n"
    "                        take the --principal's own policies (inline, attached,\n"
    "                        its groups') and boundary from the output of aws iam\n"
    "                        get-account-authorization-details\n"
    "  --format FORMAT       text (default) or json\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status of eval (seckit(1)): 0 allowed (every request, with --requests),\n"
    "1 denied, 2 usage error, 3 and up for errors (unreadable or malformed policy).\n"
    "Exit status of lint (as cfn-policy-validator): 0 no blocking findings,\n"
    "2 blocking findings, 1 the tool failed (unreadable file, bad option).\n";

/* Usage errors of this command exit 1 (tool failure), not EXIT_USAGE. */
#define lint_usage(...) (cli_usage_error("policy", __VA_ARGS__), LINT_TOOL_FAILED)

static int file_exists(const char *p)
{
    struct stat st;
    return p[0] != '\0' && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Load the snapshot: --data, $SECKIT_IAM_DATA, the installed copy, the
 * source tree's copy (so a built but not installed seckit works).
 * required: fail when none is found. */
int cli_policy_load_data(const char *path, int required, seckit_iam_data **out, char *used, size_t used_len,
                     seckit_error *err)
{
    char buf[4096];
    *out = NULL;
    if (path == NULL) {
        const char *env = getenv("SECKIT_IAM_DATA");
        if (env != NULL && env[0] != '\0') {
            path = env;
        } else {
            snprintf(buf, sizeof(buf), "%s/iam-data.txt", SECKIT_PKGDATADIR);
            if (SECKIT_PKGDATADIR[0] != '\0' && file_exists(buf)) {
                path = buf;
            } else {
                snprintf(buf, sizeof(buf), "%s/iam-data.txt", SECKIT_SRCDIR_DATA);
                if (SECKIT_SRCDIR_DATA[0] != '\0' && file_exists(buf))
                    path = buf;
            }
        }
    }
    if (path == NULL) {
        if (!required)
            return 0;
        return seckit_error_set(err, SECKIT_ENOENT,
                                "no IAM service reference snapshot found (install seckit, or use --data FILE / SECKIT_IAM_DATA)");
    }
    /* mapped rather than read: the snapshot is a few MB and start-up time
     * matters for one small policy */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return seckit_error_set(err, errno == ENOENT ? SECKIT_ENOENT : SECKIT_EIO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)MAX_DATA_FILE) {
        close(fd);
        return seckit_error_set(err, SECKIT_EINVAL, "%s: not a regular file of at most %u bytes", path, MAX_DATA_FILE);
    }
    size_t len = (size_t)st.st_size;
    void *map = len ? mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
    close(fd);
    if (len && map == MAP_FAILED)
        return seckit_error_set(err, SECKIT_EIO, "%s: %s", path, strerror(errno));
    int rc = seckit_iam_data_load(len ? map : "", len, out, err);
    if (len)
        munmap(map, len);
    if (rc < 0) {
        seckit_error_prefix(err, path);
        return rc;
    }
    snprintf(used, used_len, "%s", path);
    return 0;
}

static int read_stdin(uint8_t **out, size_t *out_len, seckit_error *err)
{
    size_t cap = 65536, len = 0;
    uint8_t *b = malloc(cap);
    if (b == NULL)
        return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
    for (;;) {
        if (len == cap) {
            if (cap >= MAX_POLICY_FILE) {
                free(b);
                return seckit_error_set(err, SECKIT_ELIMIT, "standard input: more than %u bytes", MAX_POLICY_FILE);
            }
            uint8_t *nb = realloc(b, cap * 2);
            if (nb == NULL) {
                free(b);
                return seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
            }
            b = nb;
            cap *= 2;
        }
        size_t n = fread(b + len, 1, cap - len, stdin);
        len += n;
        if (n == 0) {
            if (ferror(stdin)) {
                free(b);
                return seckit_error_set(err, SECKIT_EIO, "standard input: %s", strerror(errno));
            }
            break;
        }
    }
    *out = b;
    *out_len = len;
    return 0;
}

typedef struct lint_run {
    seckit_policy_lint_options opts;
    seckit_policy_report *report;
    size_t policies; /* policies linted */
} lint_run;

/* Lint every policy in one file's bytes (a bare policy, AWS CLI output,
 * CloudFormation JSON/YAML, Terraform plan JSON: see seckit/policy_inputs.h)
 * and add the findings, with positions in the file. */
static int lint_bytes(lint_run *run, const char *name, const uint8_t *bytes, size_t len, seckit_error *err)
{
    seckit_policy_inputs_options io;
    memset(&io, 0, sizeof(io));
    io.name = name;
    seckit_policy_inputs *ins = NULL;
    int rc = seckit_policy_inputs_extract((const char *)bytes, len, &io, &ins, err);
    if (rc < 0) {
        seckit_error_prefix(err, name);
        return rc;
    }
    if (ins->count == 0)
        cli_message("policy", "%s: no IAM policies found in this %s file", name,
                    seckit_input_format_name(ins->format));
    for (size_t i = 0; rc == 0 && i < ins->count; i++) {
        const seckit_policy_input *in = &ins->items[i];
        seckit_policy_findings *f = NULL;
        rc = seckit_policy_input_lint(in, &run->opts, &f, err);
        if (rc < 0)
            break;
        rc = seckit_policy_report_add(run->report, name, in->owner && in->owner[0] ? in->owner : NULL, f, err);
        seckit_policy_findings_free(f);
        run->policies++;
    }
    seckit_policy_inputs_free(ins);
    return rc;
}

static int lint_path(lint_run *run, const char *path, int depth, seckit_error *err);

static int has_policy_extension(const char *n)
{
    static const char *const ext[] = {".json", ".yaml", ".yml", ".template"};
    size_t nl = strlen(n);
    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
        size_t el = strlen(ext[i]);
        if (nl > el && strcmp(n + nl - el, ext[i]) == 0)
            return 1;
    }
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A folder: every *.json, *.yaml, *.yml, *.template file below it (not
 * following symbolic links, skipping hidden entries), in name order. */
static int lint_dir(lint_run *run, const char *path, int depth, seckit_error *err)
{
    if (depth > 32)
        return seckit_error_set(err, SECKIT_ELIMIT, "%s: folders nested too deep", path);
    DIR *d = opendir(path);
    if (d == NULL)
        return seckit_error_set(err, SECKIT_EIO, "%s: %s", path, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 32;
            char **nn = realloc(names, nc * sizeof(*nn));
            if (nn == NULL) {
                rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
                break;
            }
            names = nn;
            cap = nc;
        }
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        if (names[n] == NULL) {
            rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
            break;
        }
        snprintf(names[n], len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
        n++;
    }
    closedir(d);
    if (rc == 0 && n > 1)
        qsort(names, n, sizeof(*names), name_cmp);
    int failed = rc < 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct stat st;
        if (lstat(names[i], &st) != 0 || S_ISLNK(st.st_mode))
            continue;
        if (S_ISDIR(st.st_mode) || (S_ISREG(st.st_mode) && has_policy_extension(names[i]))) {
            seckit_error e2;
            seckit_error_clear(&e2);
            if (lint_path(run, names[i], depth + 1, &e2) < 0) {
                cli_message("policy", "%s", e2.message);
                failed = 1;
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc < 0)
        return rc;
    return failed ? seckit_error_set(err, SECKIT_EIO, "%s: some files could not be linted", path) : 0;
}

/* One PATH argument: a file, a folder, or - for standard input. */
static int lint_path(lint_run *run, const char *path, int depth, seckit_error *err)
{
    uint8_t *bytes = NULL;
    size_t len = 0;
    int rc;
    const char *name = path;
    if (strcmp(path, "-") == 0) {
        rc = read_stdin(&bytes, &len, err);
        name = "<stdin>";
    } else {
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            return lint_dir(run, path, depth, err);
        rc = seckit_file_read(path, MAX_POLICY_FILE, &bytes, &len, err);
        if (rc < 0)
            seckit_error_prefix(err, path);
    }
    if (rc < 0)
        return rc;
    rc = lint_bytes(run, name, bytes, len, err);
    free(bytes);
    return rc;
}

static int run_lint(int argc, char **argv)
{
    static const struct option options[] = {
        {"type", required_argument, NULL, 't'},
        {"resource-type", required_argument, NULL, 'r'},
        {"format", required_argument, NULL, 'f'},
        {"fail-on", required_argument, NULL, 'F'},
        {"ignore", required_argument, NULL, 'i'},
        {"data", required_argument, NULL, 'd'},
        {"account", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *sub = "policy";
    seckit_policy_type type = SECKIT_POLICY_IDENTITY;
    seckit_policy_resource_type rtype = SECKIT_RESOURCE_NONE;
    seckit_report_format format = SECKIT_REPORT_TEXT;
    unsigned fail_mask = SECKIT_FINDING_DEFAULT_BLOCKING;
    const char *data_path = NULL, *account = NULL;
    const char **ignores = NULL;
    size_t nignores = 0;
    int type_given = 0, c;
    seckit_error err;
    seckit_error_clear(&err);

    ignores = calloc((size_t)argc + 1, sizeof(*ignores));
    if (ignores == NULL)
        return LINT_TOOL_FAILED;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 't':
            if (seckit_policy_type_parse(optarg, &type) != 0) {
                free(ignores);
                return lint_usage("--type must be identity, resource, scp, rcp or trust, not '%s'", optarg);
            }
            type_given = 1;
            break;
        case 'r':
            if (seckit_policy_resource_type_parse(optarg, &rtype) != 0) {
                free(ignores);
                return lint_usage("unknown --resource-type '%s' (e.g. AWS::S3::Bucket, AWS::KMS::Key)", optarg);
            }
            break;
        case 'f':
            if (strcmp(optarg, "text") == 0)
                format = SECKIT_REPORT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                format = SECKIT_REPORT_JSON;
            else if (strcmp(optarg, "sarif") == 0)
                format = SECKIT_REPORT_SARIF;
            else {
                free(ignores);
                return lint_usage("--format must be text, json or sarif, not '%s'", optarg);
            }
            break;
        case 'F':
            if (seckit_finding_types_parse(optarg, &fail_mask, &err) != 0) {
                free(ignores);
                cli_message(sub, "--fail-on: %s", err.message);
                return LINT_TOOL_FAILED;
            }
            break;
        case 'i': ignores[nignores++] = optarg; break;
        case 'd': data_path = optarg; break;
        case 'a':
            if (strlen(optarg) != 12 || strspn(optarg, "0123456789") != 12) {
                free(ignores);
                return lint_usage("--account must be a 12-digit account id, not '%s'", optarg);
            }
            account = optarg;
            break;
        case 'h':
            free(ignores);
            fputs(usage, stdout);
            return EXIT_OK_;
        default:
            free(ignores);
            cli_bad_option(sub, c, argv);
            return LINT_TOOL_FAILED;
        }
    }
    if (optind >= argc) {
        free(ignores);
        cli_usage_error(sub, "lint: name at least one policy file (or - for standard input)");
        return LINT_TOOL_FAILED;
    }
    if (rtype != SECKIT_RESOURCE_NONE && type_given && type != SECKIT_POLICY_RESOURCE &&
        !(type == SECKIT_POLICY_TRUST && rtype == SECKIT_RESOURCE_IAM_ROLE_TRUST)) {
        free(ignores);
        return lint_usage("--resource-type goes with --type resource (got --type %s)", seckit_policy_type_name(type));
    }
    if (rtype != SECKIT_RESOURCE_NONE && !type_given)
        type = SECKIT_POLICY_RESOURCE;

    lint_run run;
    memset(&run, 0, sizeof(run));
    run.opts.type = type;
    run.opts.resource_type = rtype;
    run.opts.account = account;
    seckit_iam_data *data = NULL;
    char used[4096] = "";
    int rc = cli_policy_load_data(data_path, data_path != NULL, &data, used, sizeof(used), &err);
    if (rc < 0) {
        free(ignores);
        cli_message(sub, "%s", err.message);
        return LINT_TOOL_FAILED;
    }
    if (data == NULL)
        cli_message(sub, "warning: no IAM service reference snapshot found; checks that need it (INVALID_ACTION, ...) are skipped");
    run.opts.data = data;
    rc = seckit_policy_report_new(&run.report, &err);
    for (size_t i = 0; rc == 0 && i < nignores; i++)
        rc = seckit_policy_report_ignore(run.report, ignores[i], &err);
    free(ignores);
    if (rc < 0) {
        cli_message(sub, "%s", err.message);
        seckit_policy_report_free(run.report);
        seckit_iam_data_free(data);
        return LINT_TOOL_FAILED;
    }
    int failed = 0;
    for (int i = optind; i < argc; i++) {
        seckit_error_clear(&err);
        if (lint_path(&run, argv[i], 0, &err) < 0) {
            cli_message(sub, "%s", err.message);
            failed = 1;
        }
    }
    char *out = NULL;
    size_t out_len = 0;
    seckit_error_clear(&err);
    rc = seckit_policy_report_render(run.report, format, seckit_version(), &out, &out_len, &err);
    if (rc < 0) {
        cli_message(sub, "%s", err.message);
        failed = 1;
    } else {
        fwrite(out, 1, out_len, stdout);
        free(out);
    }
    if (fflush(stdout) != 0) {
        cli_message(sub, "standard output: %s", strerror(errno));
        failed = 1;
    }
    size_t blocking = seckit_policy_report_count(run.report, fail_mask);
    seckit_policy_report_free(run.report);
    seckit_iam_data_free(data);
    if (failed)
        return LINT_TOOL_FAILED;
    return blocking > 0 ? LINT_BLOCKING : LINT_OK;
}

static int run_data(int argc, char **argv)
{
    static const struct option options[] = {
        {"data", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *sub = "policy";
    const char *path = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'd': path = optarg; break;
        case 'h': fputs(usage, stdout); return EXIT_OK_;
        default: return cli_bad_option(sub, c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error(sub, "data: unexpected argument '%s'", argv[optind]);
    seckit_error err;
    seckit_error_clear(&err);
    seckit_iam_data *data = NULL;
    char used[4096] = "";
    if (cli_policy_load_data(path, 1, &data, used, sizeof(used), &err) < 0)
        return cli_fail(sub, &err);
    seckit_iam_data_info info;
    seckit_iam_data_get_info(data, &info);
    printf("file:            %s\n", used);
    printf("date:            %s\n", info.date[0] ? info.date : "unknown");
    printf("source:          %s\n", info.source[0] ? info.source : "unknown");
    printf("services:        %zu\n", info.services);
    printf("actions:         %zu\n", info.actions);
    printf("resource types:  %zu\n", info.resource_types);
    printf("condition keys:  %zu\n", info.condition_keys);
    seckit_iam_data_free(data);
    return EXIT_OK_;
}

static int run(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        if (argc < 2) {
            return cli_usage_error("policy", "missing subcommand (lint, eval or data)");
        }
        fputs(usage, stdout);
        return EXIT_OK_;
    }
    if (strcmp(argv[1], "lint") == 0)
        return run_lint(argc - 1, argv + 1);
    if (strcmp(argv[1], "data") == 0)
        return run_data(argc - 1, argv + 1);
    if (strcmp(argv[1], "eval") == 0)
        return cli_policy_eval(argc - 1, argv + 1);
    /* usage errors of the dispatcher exit 2: 1 would read as "denied" */
    return cli_usage_error("policy", "unknown subcommand '%s' (lint, eval or data)", argv[1]);
}

const cli_command cmd_policy = {
    "policy",
    "lint IAM policies offline (Access Analyzer checks and more); evaluate requests",
    usage,
    run,
};
