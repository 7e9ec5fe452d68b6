/* seckit policy lint|eval|data: lint IAM policies offline (policy_lint.c);
 * evaluate requests against them (cmd_policy_eval.c); show the IAM service
 * reference snapshot.  This file: the usage text, the snapshot loader, data
 * and the dispatcher.
 *
 * Exit codes of `policy lint` follow cfn-policy-validator, not seckit(1):
 * 0 no blocking finding, 2 blocking findings, 1 the tool itself failed. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/cli/cli.h"
#include "src/cli/cmd_policy.h"

#ifndef SECKIT_PKGDATADIR
#define SECKIT_PKGDATADIR ""
#endif
#ifndef SECKIT_SRCDIR_DATA
#define SECKIT_SRCDIR_DATA ""
#endif

#define MAX_DATA_FILE (64u * 1024u * 1024u)

static const char usage[] =
    "Usage: seckit policy lint [--type identity|resource|scp|rcp|trust]\n"
    "                          [--resource-type TYPE]\n"
    "                          [--format text|json|sarif|github] [-o FILE] [-q]\n"
    "                          [--fail-on TYPES] [--ignore CODE[@WHERE]]...\n"
    "                          [--exclude GLOB]... [--config FILE]\n"
    "                          [--baseline FILE] [--write-baseline FILE]\n"
    "                          [--help-uri-base URL] [--account ID] [--data FILE]\n"
    "                          PATH|-...\n"
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
    "and *.template files; other JSON and YAML files are skipped with a note,\n"
    "*.tf files too: lint the plan), or - for standard input.  Policies found in\n"
    "AWS CLI output, templates and plans are linted as their own type (trust\n"
    "policies as trust, bucket policies as resource policies); a bare policy\n"
    "document as its shape says (trust: Principal and only sts:AssumeRole*\n"
    "actions, no Resource; resource: a Principal; else identity) unless --type\n"
    "says.  Findings go to standard output as\n"
    "FILE:LINE:COLUMN: TYPE CODE: message [path] (owner), then a summary line.\n"
    "Options also come from .seckit.yml or .seckit.yaml (lint: {fail-on: ...,\n"
    "ignore: [...], exclude: [...]}) in this folder or the nearest one above;\n"
    "CloudFormation resources suppress codes with Metadata: {seckit: {ignore:\n"
    "[CODE, ...]}}.\n"
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
    "  --format FORMAT       text (default), json, sarif or github (workflow\n"
    "                        annotations)\n"
    "  -o, --output FILE     write the report to FILE (whole, or not at all)\n"
    "  -q, --quiet           findings only: no summary line, no notes\n"
    "  --fail-on TYPES       finding types that fail the run, comma-separated:\n"
    "                        ERROR,SECURITY_WARNING (default), WARNING,\n"
    "                        SUGGESTION, or NONE\n"
    "  --ignore CODE[@WHERE] drop findings with issue code CODE, or only those of\n"
    "                        WHERE: a CloudFormation logical id, Terraform\n"
    "                        address, file or Sid; repeatable; an unknown CODE\n"
    "                        is an error\n"
    "  --exclude GLOB        skip files and folders whose name (or path, with /)\n"
    "                        matches, in folders and among the files named\n"
    "  --config FILE         options from FILE instead of .seckit.yml\n"
    "  --baseline FILE       findings recorded in FILE neither show nor block\n"
    "  --write-baseline FILE record this run's findings in FILE\n"
    "  --help-uri-base URL   where docs/checks.md is published: links of seckit's\n"
    "                        own checks (default: the installed file://...)\n"
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
    "2 blocking findings, 1 the tool failed (unreadable file, bad option or\n"
    "issue code, a folder with no policy).  NO_COLOR: no colours on a terminal.\n";

int cli_policy_file_exists(const char *p)
{
    struct stat st;
    return p[0] != '\0' && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Load the snapshot: --data, $SECKIT_IAM_DATA, the installed copy, the
 * source tree's copy (so a built but not installed seckit works).
 * required: fail when none is found. */
int cli_policy_load_data(const char *path, int required, seckit_iam_data **out, char *used,
                         size_t used_len, seckit_error *err)
{
    char buf[4096];
    *out = NULL;
    if (path == NULL) {
        const char *env = getenv("SECKIT_IAM_DATA");
        if (env != NULL && env[0] != '\0') {
            path = env;
        } else {
            snprintf(buf, sizeof(buf), "%s/iam-data.txt", SECKIT_PKGDATADIR);
            if (SECKIT_PKGDATADIR[0] != '\0' && cli_policy_file_exists(buf)) {
                path = buf;
            } else {
                snprintf(buf, sizeof(buf), "%s/iam-data.txt", SECKIT_SRCDIR_DATA);
                if (SECKIT_SRCDIR_DATA[0] != '\0' && cli_policy_file_exists(buf))
                    path = buf;
            }
        }
    }
    if (path == NULL) {
        if (!required)
            return 0;
        return seckit_error_set(
            err, SECKIT_ENOENT,
            "no IAM service reference snapshot found (install seckit, or use --data FILE / SECKIT_IAM_DATA)");
    }
    /* mapped rather than read: the snapshot is a few MB and start-up time
     * matters for one small policy */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return seckit_error_set(err, errno == ENOENT ? SECKIT_ENOENT : SECKIT_EIO, "%s: %s", path,
                                strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)MAX_DATA_FILE) {
        close(fd);
        return seckit_error_set(err, SECKIT_EINVAL, "%s: not a regular file of at most %u bytes",
                                path, MAX_DATA_FILE);
    }
    size_t len = (size_t)st.st_size;
    void *map = len ? mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
    close(fd);
    if (len && map == MAP_FAILED)
        return seckit_error_set(err, SECKIT_EIO, "%s: %s", path, strerror(errno));
    int rc = seckit_iam_data_load(out, len ? map : "", len, err);
    if (len)
        munmap(map, len);
    if (rc < 0) {
        seckit_error_prefix(err, path);
        return rc;
    }
    snprintf(used, used_len, "%s", path);
    return 0;
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
    cli_opt_loop loop = {.sub = sub, .usage = usage, .options = options};
    while ((c = cli_next_option(&loop, argc, argv)) >= 0) {
        switch (c) {
        case 'd': path = optarg; break;
        }
    }
    if (c == CLI_OPT_STOP)
        return loop.exit;
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
    if (argc < 2)
        return cli_usage_error("policy", "missing subcommand (lint, eval or data)");
    if (cli_help_asked(argc, argv, usage))
        return EXIT_OK_;
    if (strcmp(argv[1], "lint") == 0)
        return cli_policy_lint(argc - 1, argv + 1);
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
