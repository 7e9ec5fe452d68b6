/* seckit aws whoami: who the configured AWS credentials belong to
 * (STS GetCallerIdentity), resolved exactly as the other AWS commands
 * resolve them. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "src/cli/cli.h"

static const char usage[] =
    "Usage: seckit aws whoami [--profile NAME] [--region REGION]\n"
    "                         [--endpoint-url URL] [--ca-bundle FILE]\n"
    "                         [--output text|json] [--debug]\n"
    "\n"
    "Show the account, ARN and user id of the AWS credentials seckit would use\n"
    "(STS GetCallerIdentity), where the credentials came from, and the profile and\n"
    "region used (with where each came from).  Credentials, region and endpoints\n"
    "are found as the AWS CLI finds them: AWS_ACCESS_KEY_ID /\n"
    "AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_PROFILE, ~/.aws/credentials and\n"
    "~/.aws/config (role_arn + source_profile, credential_process), container\n"
    "credentials and EC2 instance metadata (IMDSv2).  Only one of\n"
    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set is an error.\n"
    "\n"
    "Options:\n"
    "  --profile NAME      use this profile of ~/.aws/config and ~/.aws/credentials\n"
    "                      (environment keys are then ignored)\n"
    "  --region REGION     the region (default: AWS_REGION, AWS_DEFAULT_REGION, the\n"
    "                      profile's region)\n"
    "  --endpoint-url URL  send the request to URL instead of the STS endpoint\n"
    "                      (default: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL)\n"
    "  --ca-bundle FILE    trust the CA certificates in FILE (default: AWS_CA_BUNDLE)\n"
    "  --output FORMAT     text (default) or json (indented with two spaces)\n"
    "  --debug             print the profile, region and credential source chosen\n"
    "                      and every HTTP request and answer on standard error\n"
    "                      (signatures and tokens shown as ****, bodies not shown)\n"
    "  -h, --help          show this help\n";

static int whoami(int argc, char **argv)
{
    static const struct option options[] = {
        CLI_AWS_LONG_OPTIONS,
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *sub = "aws whoami";
    seckit_aws_options o = SECKIT_AWS_OPTIONS_INIT;
    o.endpoint_service = "sts"; /* --endpoint-url is for STS only */
    cli_aws_interactive(&o);
    int json = 0, c;
    cli_opt_loop loop = {.sub = sub, .usage = usage, .options = options, .aws = &o};
    while ((c = cli_next_option(&loop, argc, argv)) >= 0) {
        switch (c) {
        case 'o':
            if (cli_parse_output_format(sub, optarg, &json) != 0)
                return EXIT_USAGE;
            break;
        }
    }
    if (c == CLI_OPT_STOP)
        return loop.exit;
    if (optind < argc)
        return cli_usage_error(sub, "unexpected argument '%s'", argv[optind]);

    seckit_error err;
    seckit_error_clear(&err);
    seckit_aws *aws = NULL;
    seckit_aws_identity id;
    seckit_aws_credentials *cr = seckit_secret_alloc(sizeof *cr);
    if (cr == NULL) {
        seckit_error_set(&err, SECKIT_ENOMEM, "out of memory");
        return cli_fail(sub, &err);
    }
    int rc = seckit_aws_new(&aws, &o, &err);
    if (rc == 0)
        rc = seckit_sts_get_caller_identity(aws, &id, &err);
    if (rc == 0)
        rc = seckit_aws_get_credentials(aws, cr, &err);
    char source[sizeof cr->source];
    char profile[160], profile_src[40], region[80], region_src[40];
    if (rc == 0) {
        snprintf(source, sizeof source, "%s", cr->source);
        snprintf(profile, sizeof profile, "%s", seckit_aws_profile(aws));
        snprintf(profile_src, sizeof profile_src, "%s", seckit_aws_profile_source(aws));
        snprintf(region, sizeof region, "%s", seckit_aws_region(aws));
        snprintf(region_src, sizeof region_src, "%s", seckit_aws_region_source(aws));
    }
    seckit_secret_free(cr);
    seckit_aws_free(aws);
    if (rc != 0)
        return cli_fail(sub, &err);
    if (json) {
        cJSON *j = cJSON_CreateObject();
        int ok = j != NULL && cJSON_AddStringToObject(j, "UserId", id.user_id) != NULL &&
                 cJSON_AddStringToObject(j, "Account", id.account) != NULL &&
                 cJSON_AddStringToObject(j, "Arn", id.arn) != NULL &&
                 cJSON_AddStringToObject(j, "CredentialSource", source) != NULL &&
                 cJSON_AddStringToObject(j, "Profile", profile) != NULL &&
                 cJSON_AddStringToObject(j, "ProfileSource", profile_src) != NULL &&
                 (region[0] ? cJSON_AddStringToObject(j, "Region", region)
                            : cJSON_AddNullToObject(j, "Region")) != NULL &&
                 (region[0] ? cJSON_AddStringToObject(j, "RegionSource", region_src)
                            : cJSON_AddNullToObject(j, "RegionSource")) != NULL;
        if (ok)
            ok = cli_json_print(stdout, j) == 0;
        cJSON_Delete(j);
        if (!ok) {
            cli_message(sub, "out of memory");
            return EXIT_IO;
        }
    } else {
        printf("Account      %s\nArn          %s\nUserId       %s\nCredentials  %s\n"
               "Profile      %s (%s)\n",
               id.account, id.arn, id.user_id, source, profile, profile_src);
        if (region[0])
            printf("Region       %s (%s)\n", region, region_src);
        else
            printf("Region       (none)\n");
    }
    return fflush(stdout) == 0 ? EXIT_OK_ : EXIT_IO;
}

static int run(int argc, char **argv)
{
    const char *sub = "aws";
    if (cli_help_asked(argc, argv, usage))
        return EXIT_OK_;
    if (argc < 2 || argv[1][0] == '-')
        return cli_usage_error(sub, "missing subcommand (only 'whoami' is supported)");
    if (strcmp(argv[1], "whoami") == 0)
        return whoami(argc - 1, argv + 1);
    return cli_usage_error(sub, "unknown subcommand '%s' (only 'whoami' is supported)", argv[1]);
}

const cli_command cmd_aws = {
    .name = "aws",
    .summary = "check AWS credentials and configuration (whoami)",
    .usage = usage,
    .run = run,
};
