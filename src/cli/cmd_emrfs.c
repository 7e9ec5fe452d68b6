/* seckit emrfs resolve|check|can-access: EMRFS role mappings of an EMR
 * security configuration.  The files, folders and the system's user
 * database (NSS) are read here; the logic is libseckit's (seckit/emrfs.h).
 *
 * Exit codes: usage errors 2 (all subcommands).  resolve: 0, or seckit(1)'s
 * error codes.  can-access: 0 allowed, 1 denied, 3 and up errors.  check:
 * as `policy lint` (cfn-policy-validator): 0 no blocking finding, 2
 * blocking findings, 1 the tool failed. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "src/cli/cli.h"
#include "src/cli/cmd_policy.h"

#ifndef SECKIT_PKGDATADIR
#define SECKIT_PKGDATADIR ""
#endif
#ifndef SECKIT_SRCDIR_DATA
#define SECKIT_SRCDIR_DATA ""
#endif

#define MAX_FILE (64u * 1024u * 1024u)
#define MAX_GROUPS 4096
#define CHECK_FAILED 1
#define CHECK_BLOCKING 2

static const char usage[] =
    "Usage: seckit emrfs resolve --security-configuration FILE --instance-role ARN\n"
    "                            --user NAME [--group NAME]... [--groups-from nss|FILE]\n"
    "                            [--resource ID] [--format text|json] s3://BUCKET/KEY\n"
    "       seckit emrfs check --security-configuration FILE --instance-role ARN\n"
    "                          (--authorization-details FILE | --roles DIR)\n"
    "                          [--groups-from nss|FILE] [--resource ID] [--data FILE]\n"
    "                          [--format text|json|sarif] [--fail-on TYPES]\n"
    "       seckit emrfs can-access --security-configuration FILE --instance-role ARN\n"
    "                          (--authorization-details FILE | --roles DIR)\n"
    "                          --user NAME [--group NAME]... [--groups-from nss|FILE]\n"
    "                          --action ACTION [--resource ID] [--data FILE]\n"
    "                          [--format text|json] s3://BUCKET/KEY\n"
    "\n"
    "EMRFS authorization role mappings (AuthorizationConfiguration.EmrFsConfiguration.\n"
    "RoleMappings of an EMR security configuration).  FILE is the JSON given to aws emr\n"
    "create-security-configuration, the output of describe-security-configuration,\n"
    "or a CloudFormation template (JSON or YAML) with an AWS::EMR::SecurityConfiguration.\n"
    "Mappings are tried in order, the first that matches wins (User: the user; Group:\n"
    "one of the user's groups; Prefix: a string prefix of s3://bucket/key, s3a:// and\n"
    "s3n:// being the same location); otherwise the cluster's EC2 instance role.\n"
    "\n"
    "resolve: print the role EMRFS uses for the user and location, and why.\n"
    "check: check the mappings against the roles' trust and permission policies:\n"
    "trust evaluated for the instance role, S3 access of each role, shadowed mappings,\n"
    "prefixes matching other buckets, unknown users and groups (with --groups-from),\n"
    "the instance role's own S3 access.  Findings as `seckit policy lint` prints them.\n"
    "can-access: resolve the role, then evaluate its policies for ACTION (a bucket\n"
    "action on the bucket's ARN, an object action on the object's ARN).\n"
    "\n"
    "Options:\n"
    "  --security-configuration FILE  the security configuration (- for standard input)\n"
    "  --instance-role ARN     the cluster's EC2 instance role (the fallback)\n"
    "  --user NAME             the Hadoop user making the request\n"
    "  --group NAME            a group of the user; repeatable\n"
    "  --groups-from SOURCE    nss: the system's user database (getgrouplist, what\n"
    "                          Hadoop's shell group mapping sees); or a FILE of lines\n"
    "                          'user: group1 group2' and/or /etc/group lines\n"
    "                          'group:x:gid:user1,user2'\n"
    "  --authorization-details FILE  aws iam get-account-authorization-details output\n"
    "  --roles DIR             a folder with one folder per role (named as the role):\n"
    "                          trust.json, boundary.json, and permission policies *.json\n"
    "  --action ACTION         an S3 action, e.g. s3:GetObject or s3:ListBucket\n"
    "  --resource ID           the logical id of the AWS::EMR::SecurityConfiguration when\n"
    "                          the template has several\n"
    "  --data FILE             IAM service reference snapshot (which S3 actions are bucket\n"
    "                          actions; default: $SECKIT_IAM_DATA, then the installed one)\n"
    "  --format FORMAT         text (default) or json; check also sarif\n"
    "  --fail-on TYPES         check: finding types that fail the run (default\n"
    "                          ERROR,SECURITY_WARNING; or NONE)\n"
    "  -h, --help              show this help\n"
    "\n"
    "Exit status: usage errors 2.  resolve: 0, or 3 and up (seckit(1)).  can-access:\n"
    "0 allowed, 1 denied, 3 and up errors.  check: 0 no blocking finding, 2 blocking\n"
    "findings, 1 the tool failed.\n";

static const char *const SUB = "emrfs";

enum {
    O_CONFIG = 0x500,
    O_INSTANCE,
    O_USER,
    O_GROUP,
    O_GROUPS_FROM,
    O_AUTH,
    O_ROLES,
    O_ACTION,
    O_RESOURCE,
    O_DATA,
    O_FORMAT,
    O_FAIL_ON
};

typedef struct opts {
    const char *config, *instance, *user, *groups_from, *auth, *roles, *action, *resource, *data,
        *format, *fail_on, *uri;
    const char **groups;
    size_t ngroups;
} opts;

/* ---- small helpers ---- */

static int read_file(const char *path, uint8_t **bytes, size_t *len, seckit_error *err)
{
    if (strcmp(path, "-") == 0)
        return cli_read_stdin(MAX_FILE, bytes, len, err);
    int rc = seckit_file_read(bytes, len, path, MAX_FILE, err);
    if (rc < 0)
        seckit_error_prefix(err, path);
    return rc;
}

/* A document error with a position: FILE:LINE:COL: message. */
static int fail_at(const char *file, const seckit_error *err, int code)
{
    if (err->position.line > 0)
        fprintf(stderr, "seckit: %s: %s:%lu:%lu: %s\n", SUB, file, err->position.line,
                err->position.column + 1, err->message);
    else
        cli_message(SUB, "%s: %s", file, err->message);
    return code;
}

/* The service data: --data, $SECKIT_IAM_DATA, installed, source tree; NULL
 * when none (the library then classifies actions by name). */
static int load_data(const char *path, seckit_iam_data **out, seckit_error *err)
{
    char buf[4096];
    *out = NULL;
    if (path == NULL) {
        const char *env = getenv("SECKIT_IAM_DATA");
        if (env != NULL && env[0] != '\0') {
            path = env;
        } else {
            snprintf(buf, sizeof(buf), "%s/iam-data.txt", SECKIT_PKGDATADIR);
            if (SECKIT_PKGDATADIR[0] == '\0' || !cli_policy_file_exists(buf))
                snprintf(buf, sizeof(buf), "%s/iam-data.txt", SECKIT_SRCDIR_DATA);
            if (SECKIT_SRCDIR_DATA[0] == '\0' || !cli_policy_file_exists(buf))
                return 0;
            path = buf;
        }
    }
    uint8_t *bytes = NULL;
    size_t len = 0;
    int rc = read_file(path, &bytes, &len, err);
    if (rc < 0)
        return rc;
    rc = seckit_iam_data_load(out, bytes, len, err);
    free(bytes);
    if (rc < 0)
        seckit_error_prefix(err, path);
    return rc;
}

/* ---- groups ---- */

typedef struct groups {
    seckit_emrfs_groups *file;
    int nss;
    char **owned; /* names from NSS */
    size_t nowned;
    const char **list;
    size_t n;
} groups;

static void groups_free(groups *g)
{
    for (size_t i = 0; i < g->nowned; i++)
        free(g->owned[i]);
    free(g->owned);
    free(g->list);
    seckit_emrfs_groups_free(g->file);
}

static int groups_open(const opts *o, groups *g)
{
    memset(g, 0, sizeof(*g));
    if (o->groups_from == NULL)
        return 0;
    if (strcmp(o->groups_from, "nss") == 0) {
        g->nss = 1;
        return 0;
    }
    seckit_error err;
    seckit_error_clear(&err);
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (read_file(o->groups_from, &bytes, &len, &err) < 0)
        return cli_fail(SUB, &err);
    int rc = seckit_emrfs_groups_parse(&g->file, (const char *)bytes, len, &err);
    free(bytes);
    if (rc < 0)
        return fail_at(o->groups_from, &err, cli_exit_code(rc));
    return 0;
}

static int list_add(groups *g, const char *name)
{
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->list[i], name) == 0)
            return 0;
    const char **nl = realloc(g->list, (g->n + 1) * sizeof(*nl));
    if (nl == NULL)
        return -1;
    g->list = nl;
    g->list[g->n++] = name;
    return 0;
}

/* The user's groups: --group options, then the file's or NSS's. */
static int groups_resolve(const opts *o, groups *g)
{
    for (size_t i = 0; i < o->ngroups; i++)
        if (list_add(g, o->groups[i]) != 0)
            goto oom;
    if (g->file != NULL) {
        const char *const *gl = NULL;
        size_t n = seckit_emrfs_groups_of(g->file, &gl, o->user);
        for (size_t i = 0; i < n; i++)
            if (list_add(g, gl[i]) != 0)
                goto oom;
    }
    if (g->nss) {
        errno = 0;
        struct passwd *pw = getpwnam(o->user);
        if (pw == NULL) {
            cli_message(SUB, "--groups-from nss: user '%s' is not in the system's user database",
                        o->user);
            return EXIT_INPUT;
        }
        gid_t gids[MAX_GROUPS];
        int ng = MAX_GROUPS;
        if (getgrouplist(o->user, pw->pw_gid, gids, &ng) < 0)
            ng = MAX_GROUPS;
        for (int i = 0; i < ng; i++) {
            struct group *gr = getgrgid(gids[i]);
            if (gr == NULL)
                continue;
            char *name = strdup(gr->gr_name);
            char **no = name ? realloc(g->owned, (g->nowned + 1) * sizeof(*no)) : NULL;
            if (no == NULL) {
                free(name);
                goto oom;
            }
            g->owned = no;
            g->owned[g->nowned++] = name;
            if (list_add(g, name) != 0)
                goto oom;
        }
    }
    return 0;
oom:
    cli_message(SUB, "out of memory");
    return EXIT_IO;
}

static int known_cb(void *ctx, int is_group, const char *name)
{
    groups *g = ctx;
    if (g->file != NULL)
        return is_group ? seckit_emrfs_groups_has_group(g->file, name)
                        : seckit_emrfs_groups_has_user(g->file, name);
    if (g->nss) {
        errno = 0;
        if (is_group) {
            if (getgrnam(name) != NULL)
                return 1;
        } else if (getpwnam(name) != NULL) {
            return 1;
        }
        return errno == 0 || errno == ENOENT || errno == ESRCH || errno == EBADF || errno == EPERM
                   ? 0
                   : -1;
    }
    return -1;
}

/* ---- inputs ---- */

static int load_config(const opts *o, seckit_emrfs_config **c)
{
    seckit_error err;
    seckit_error_clear(&err);
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (read_file(o->config, &bytes, &len, &err) < 0)
        return cli_fail(SUB, &err);
    seckit_emrfs_config_options co = {SECKIT_EMRFS_CONFIG_OPTIONS_VERSION, o->config, o->resource};
    int rc = seckit_emrfs_config_parse(c, (const char *)bytes, len, &co, &err);
    free(bytes);
    if (rc < 0)
        return fail_at(o->config, &err, cli_exit_code(rc));
    return 0;
}

static int add_role_file(seckit_emrfs_roles *r, const char *arn, const char *dir, const char *file,
                         seckit_error *err)
{
    char path[4096];
    snprintf(path, sizeof(path), "%.2000s/%.1000s", dir, file);
    seckit_emrfs_document_kind kind = SECKIT_EMRFS_PERMISSIONS;
    if (strcmp(file, "trust.json") == 0)
        kind = SECKIT_EMRFS_TRUST;
    else if (strcmp(file, "boundary.json") == 0)
        kind = SECKIT_EMRFS_BOUNDARY;
    uint8_t *bytes = NULL;
    size_t len = 0;
    int rc = read_file(path, &bytes, &len, err);
    if (rc < 0)
        return rc;
    rc = seckit_emrfs_roles_add_document(r, arn, kind, (const char *)bytes, len, path, err);
    free(bytes);
    return rc;
}

static int ends_json(const char *n)
{
    size_t l = strlen(n);
    return l > 5 && strcmp(n + l - 5, ".json") == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Names in a folder (sorted, so the order is the same everywhere). */
static int list_dir(const char *path, char ***out, size_t *n, seckit_error *err)
{
    DIR *d = opendir(path);
    *out = NULL;
    *n = 0;
    if (d == NULL)
        return seckit_error_set(err, errno == ENOENT ? SECKIT_ENOENT : SECKIT_EIO, "%s: %s", path,
                                strerror(errno));
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char **no = realloc(*out, (*n + 1) * sizeof(*no));
        char *s = no ? strdup(e->d_name) : NULL;
        if (no != NULL)
            *out = no;
        if (s == NULL) {
            rc = seckit_error_set(err, SECKIT_ENOMEM, "out of memory");
            break;
        }
        (*out)[(*n)++] = s;
    }
    closedir(d);
    if (*n > 1)
        qsort(*out, *n, sizeof(**out), cmp_str);
    return rc;
}

static void free_list(char **l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(l[i]);
    free(l);
}

/* --roles DIR: DIR/NAME/{trust,boundary,*}.json; the role's ARN is in the
 * instance role's account (and partition). */
static int load_roles_dir(seckit_emrfs_roles *r, const char *dir, const char *instance,
                          seckit_error *err)
{
    const char *acct_end = NULL;
    const char *p = strstr(instance, ":role/");
    if (p == NULL)
        return seckit_error_set(err, SECKIT_EINVAL, "--instance-role '%s' is not a role ARN",
                                instance);
    acct_end = p;
    char **names = NULL;
    size_t n = 0;
    int rc = list_dir(dir, &names, &n, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char sub[4096];
        snprintf(sub, sizeof(sub), "%s/%s", dir, names[i]);
        struct stat st;
        if (stat(sub, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        char arn[2048];
        snprintf(arn, sizeof(arn), "%.*s:role/%s", (int)(acct_end - instance), instance, names[i]);
        char **files = NULL;
        size_t nf = 0;
        rc = list_dir(sub, &files, &nf, err);
        for (size_t k = 0; rc == 0 && k < nf; k++)
            if (ends_json(files[k]))
                rc = add_role_file(r, arn, sub, files[k], err);
        free_list(files, nf);
    }
    free_list(names, n);
    return rc;
}

static int load_roles(const opts *o, seckit_emrfs_roles **r, int fail_code)
{
    seckit_error err;
    seckit_error_clear(&err);
    if (seckit_emrfs_roles_new(r, &err) < 0)
        return cli_fail(SUB, &err);
    int rc = 0;
    const char *file = o->auth;
    if (o->auth != NULL) {
        uint8_t *bytes = NULL;
        size_t len = 0, missing = 0;
        rc = read_file(o->auth, &bytes, &len, &err);
        if (rc == 0) {
            rc = seckit_emrfs_roles_add_authorization_details(*r, &missing, (const char *)bytes,
                                                              len, &err);
            free(bytes);
        } else {
            file = NULL;
        }
        if (rc == 0 && missing > 0)
            cli_message(SUB,
                        "warning: %s: %zu attached managed polic%s not in the file's "
                        "Policies list (left out of the evaluation)",
                        o->auth, missing, missing == 1 ? "y is" : "ies are");
    }
    if (rc == 0 && o->roles != NULL) {
        rc = load_roles_dir(*r, o->roles, o->instance, &err);
        file = NULL;
    }
    if (rc < 0) {
        seckit_emrfs_roles_free(*r);
        *r = NULL;
        if (file != NULL)
            return fail_at(file, &err, fail_code ? fail_code : cli_exit_code(rc));
        cli_message(SUB, "%s", err.message);
        return fail_code ? fail_code : cli_exit_code(rc);
    }
    return 0;
}

/* ---- option parsing ---- */

static int parse(int argc, char **argv, opts *o, const char *cmd)
{
    static const struct option options[] = {
        {"security-configuration", required_argument, NULL, O_CONFIG},
        {"instance-role", required_argument, NULL, O_INSTANCE},
        {"user", required_argument, NULL, O_USER},
        {"group", required_argument, NULL, O_GROUP},
        {"groups-from", required_argument, NULL, O_GROUPS_FROM},
        {"authorization-details", required_argument, NULL, O_AUTH},
        {"roles", required_argument, NULL, O_ROLES},
        {"action", required_argument, NULL, O_ACTION},
        {"resource", required_argument, NULL, O_RESOURCE},
        {"data", required_argument, NULL, O_DATA},
        {"format", required_argument, NULL, O_FORMAT},
        {"fail-on", required_argument, NULL, O_FAIL_ON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof(*o));
    int c;
    cli_opt_loop loop = {.sub = SUB, .usage = usage, .options = options};
    while ((c = cli_next_option(&loop, argc, argv)) >= 0) {
        switch (c) {
        case O_CONFIG: o->config = optarg; break;
        case O_INSTANCE: o->instance = optarg; break;
        case O_USER: o->user = optarg; break;
        case O_GROUP: {
            if (optarg[0] == '\0')
                return cli_usage_error(SUB, "%s: --group needs a name", cmd);
            const char **ng = realloc(o->groups, (o->ngroups + 1) * sizeof(*ng));
            if (ng == NULL)
                return cli_usage_error(SUB, "out of memory");
            o->groups = ng;
            o->groups[o->ngroups++] = optarg;
            break;
        }
        case O_GROUPS_FROM: o->groups_from = optarg; break;
        case O_AUTH: o->auth = optarg; break;
        case O_ROLES: o->roles = optarg; break;
        case O_ACTION: o->action = optarg; break;
        case O_RESOURCE: o->resource = optarg; break;
        case O_DATA: o->data = optarg; break;
        case O_FORMAT: o->format = optarg; break;
        case O_FAIL_ON: o->fail_on = optarg; break;
        }
    }
    if (c == CLI_OPT_STOP) /* -1: --help was printed */
        return loop.exit == EXIT_OK_ ? -1 : loop.exit;
    int resolve = strcmp(cmd, "resolve") == 0, check = strcmp(cmd, "check") == 0;
    if (o->config == NULL)
        return cli_usage_error(SUB, "%s: --security-configuration FILE is required", cmd);
    if (o->instance == NULL)
        return cli_usage_error(SUB, "%s: --instance-role ARN is required", cmd);
    if (!check && o->user == NULL)
        return cli_usage_error(SUB, "%s: --user NAME is required", cmd);
    if (check && (o->user != NULL || o->ngroups > 0))
        return cli_usage_error(SUB, "check: --user and --group go with resolve and can-access");
    if (!resolve && (o->auth == NULL) == (o->roles == NULL))
        return cli_usage_error(SUB, "%s: give one of --authorization-details FILE and --roles DIR",
                               cmd);
    if (resolve && (o->auth != NULL || o->roles != NULL || o->data != NULL))
        return cli_usage_error(SUB, "resolve: --authorization-details, --roles and --data go "
                                    "with check and can-access");
    if (strcmp(cmd, "can-access") == 0 ? o->action == NULL : o->action != NULL)
        return cli_usage_error(SUB, "%s: --action %s", cmd,
                               o->action == NULL ? "ACTION is required" : "goes with can-access");
    if (!check && o->fail_on != NULL)
        return cli_usage_error(SUB, "%s: --fail-on goes with check", cmd);
    if (o->format != NULL && strcmp(o->format, "text") != 0 && strcmp(o->format, "json") != 0 &&
        !(check && strcmp(o->format, "sarif") == 0))
        return cli_usage_error(SUB, "%s: --format must be text or json%s (got '%s')", cmd,
                               check ? " or sarif" : "", o->format);
    if (check) {
        if (optind < argc)
            return cli_usage_error(SUB, "check: unexpected argument '%s'", argv[optind]);
    } else {
        if (optind >= argc)
            return cli_usage_error(SUB, "%s: name the S3 location (s3://BUCKET/KEY)", cmd);
        if (optind + 1 < argc)
            return cli_usage_error(SUB, "%s: one S3 location only (got '%s' too)", cmd,
                                   argv[optind + 1]);
        o->uri = argv[optind];
    }
    return 0;
}

/* ---- resolve ---- */

static void print_resolution(const seckit_emrfs_resolution *r, const seckit_emrfs_config *c,
                             int json, const groups *g, const char *user)
{
    if (json) {
        fputs("{\"role\":", stdout);
        cli_json_str(stdout, r->role);
        fputs(",\"mapping\":", stdout);
        if (r->mapping >= 0)
            printf("%ld,\"identifierType\":", r->mapping);
        else
            fputs("null,\"identifierType\":null", stdout);
        if (r->mapping >= 0) {
            cli_json_str(stdout, seckit_emrfs_identifier_type_name(r->type));
            fputs(",\"identifier\":", stdout);
            cli_json_str(stdout, r->identifier);
        }
        fputs(",\"user\":", stdout);
        cli_json_str(stdout, user);
        fputs(",\"groups\":[", stdout);
        for (size_t i = 0; i < g->n; i++) {
            if (i)
                fputc(',', stdout);
            cli_json_str(stdout, g->list[i]);
        }
        fputs("],\"location\":", stdout);
        cli_json_str(stdout, r->location);
        fputs(",\"reason\":", stdout);
        cli_json_str(stdout, r->reason);
        fputs("}\n", stdout);
        return;
    }
    printf("role:     %s\n", r->role);
    if (r->mapping >= 0)
        printf("mapping:  RoleMappings[%ld] (%s %s)\n", r->mapping,
               seckit_emrfs_identifier_type_name(r->type), r->identifier);
    else
        printf("mapping:  none (the instance role)\n");
    printf("user:     %s\n", user);
    printf("groups:   ");
    for (size_t i = 0; i < g->n; i++)
        printf("%s%s", i ? " " : "", g->list[i]);
    printf("%s\n", g->n ? "" : "(none)");
    printf("location: %s\n", r->location);
    printf("reason:   %s\n", r->reason);
    (void)c;
}

static int run_resolve(int argc, char **argv)
{
    opts o;
    int rc = parse(argc, argv, &o, "resolve");
    if (rc != 0) {
        free(o.groups);
        return rc < 0 ? EXIT_OK_ : rc;
    }
    seckit_emrfs_config *c = NULL;
    groups g;
    memset(&g, 0, sizeof(g));
    if ((rc = load_config(&o, &c)) != 0 || (rc = groups_open(&o, &g)) != 0 ||
        (rc = groups_resolve(&o, &g)) != 0)
        goto out;
    seckit_emrfs_identity who = {o.user, g.list, g.n};
    seckit_emrfs_resolution res;
    seckit_error err;
    seckit_error_clear(&err);
    if (seckit_emrfs_resolve(c, &res, o.instance, &who, o.uri, &err) < 0) {
        rc = err.code == SECKIT_EINVAL ? cli_usage_error(SUB, "resolve: %s", err.message)
                                       : cli_fail(SUB, &err);
        goto out;
    }
    print_resolution(&res, c, o.format != NULL && strcmp(o.format, "json") == 0, &g, o.user);
out:
    groups_free(&g);
    seckit_emrfs_config_free(c);
    free(o.groups);
    return rc;
}

/* ---- can-access ---- */

static int run_can_access(int argc, char **argv)
{
    opts o;
    int rc = parse(argc, argv, &o, "can-access");
    if (rc != 0) {
        free(o.groups);
        return rc < 0 ? EXIT_OK_ : rc;
    }
    seckit_emrfs_config *c = NULL;
    seckit_emrfs_roles *roles = NULL;
    seckit_iam_data *data = NULL;
    groups g;
    memset(&g, 0, sizeof(g));
    seckit_error err;
    seckit_error_clear(&err);
    if ((rc = load_config(&o, &c)) != 0 || (rc = groups_open(&o, &g)) != 0 ||
        (rc = groups_resolve(&o, &g)) != 0 || (rc = load_roles(&o, &roles, 0)) != 0)
        goto out;
    if (load_data(o.data, &data, &err) < 0) {
        rc = cli_fail(SUB, &err);
        goto out;
    }
    seckit_emrfs_identity who = {o.user, g.list, g.n};
    seckit_emrfs_access a;
    if (seckit_emrfs_can_access(c, &a, roles, data, o.instance, &who, o.action, o.uri, &err) < 0) {
        rc = err.code == SECKIT_EINVAL ? cli_usage_error(SUB, "can-access: %s", err.message)
                                       : cli_fail(SUB, &err);
        goto out;
    }
    int allowed = a.decision == SECKIT_EMRFS_ALLOWED;
    if (o.format != NULL && strcmp(o.format, "json") == 0) {
        fputs("{\"decision\":", stdout);
        cli_json_str(stdout, seckit_emrfs_decision_name(a.decision));
        fputs(",\"action\":", stdout);
        cli_json_str(stdout, o.action);
        fputs(",\"resource\":", stdout);
        cli_json_str(stdout, a.resource);
        fputs(",\"role\":", stdout);
        cli_json_str(stdout, a.resolution.role);
        fputs(",\"mapping\":", stdout);
        if (a.resolution.mapping >= 0)
            printf("%ld", a.resolution.mapping);
        else
            fputs("null", stdout);
        fputs(",\"reason\":", stdout);
        cli_json_str(stdout, a.resolution.reason);
        fputs(",\"detail\":", stdout);
        cli_json_str(stdout, a.detail);
        fputs("}\n", stdout);
    } else {
        printf("%s: %s on %s\n", seckit_emrfs_decision_name(a.decision), o.action, a.resource);
        printf("role:     %s\n", a.resolution.role);
        printf("reason:   %s\n", a.resolution.reason);
        printf("detail:   %s\n", a.detail);
    }
    rc = allowed ? EXIT_OK_ : EXIT_FINDINGS;
out:
    groups_free(&g);
    seckit_iam_data_free(data);
    seckit_emrfs_roles_free(roles);
    seckit_emrfs_config_free(c);
    free(o.groups);
    return rc;
}

/* ---- check ---- */

static int run_check(int argc, char **argv)
{
    opts o;
    int rc = parse(argc, argv, &o, "check");
    if (rc != 0) {
        free(o.groups);
        return rc < 0 ? EXIT_OK_ : rc;
    }
    seckit_error err;
    seckit_error_clear(&err);
    unsigned mask = SECKIT_FINDING_DEFAULT_BLOCKING;
    if (o.fail_on != NULL && seckit_finding_types_parse(&mask, o.fail_on, &err) < 0) {
        free(o.groups);
        return cli_usage_error(SUB, "check: --fail-on: %s", err.message);
    }
    seckit_report_format fmt = SECKIT_REPORT_TEXT;
    if (o.format != NULL && strcmp(o.format, "json") == 0)
        fmt = SECKIT_REPORT_JSON;
    else if (o.format != NULL && strcmp(o.format, "sarif") == 0)
        fmt = SECKIT_REPORT_SARIF;
    seckit_emrfs_config *c = NULL;
    seckit_emrfs_roles *roles = NULL;
    seckit_iam_data *data = NULL;
    seckit_emrfs_findings *f = NULL;
    seckit_policy_report *report = NULL;
    groups g;
    memset(&g, 0, sizeof(g));
    if (load_config(&o, &c) != 0 || groups_open(&o, &g) != 0 ||
        load_roles(&o, &roles, CHECK_FAILED) != 0) {
        rc = CHECK_FAILED;
        goto out;
    }
    if (load_data(o.data, &data, &err) < 0) {
        cli_message(SUB, "%s", err.message);
        rc = CHECK_FAILED;
        goto out;
    }
    seckit_emrfs_check_options co = {
        SECKIT_EMRFS_CHECK_OPTIONS_VERSION,      o.instance, roles, data,
        o.groups_from != NULL ? known_cb : NULL, &g};
    if (seckit_emrfs_check(c, &f, &co, &err) < 0) {
        cli_message(SUB, "%s", err.message);
        rc = err.code == SECKIT_EINVAL ? EXIT_USAGE : CHECK_FAILED;
        goto out;
    }
    seckit_policy_findings view = {f->items, f->count, NULL};
    char *text = NULL;
    size_t text_len = 0;
    if (seckit_policy_report_new(&report, &err) < 0 ||
        seckit_policy_report_add(report, strcmp(o.config, "-") == 0 ? "<stdin>" : o.config, c->name,
                                 &view, &err) < 0 ||
        seckit_policy_report_render(report, &text, &text_len, fmt, seckit_version(), &err) < 0) {
        cli_message(SUB, "%s", err.message);
        rc = CHECK_FAILED;
        goto out;
    }
    fwrite(text, 1, text_len, stdout);
    free(text);
    rc = seckit_policy_report_count(report, mask) > 0 ? CHECK_BLOCKING : EXIT_OK_;
out:
    seckit_policy_report_free(report);
    seckit_emrfs_findings_free(f);
    groups_free(&g);
    seckit_iam_data_free(data);
    seckit_emrfs_roles_free(roles);
    seckit_emrfs_config_free(c);
    free(o.groups);
    return rc;
}

static int run(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(SUB, "missing subcommand (resolve, check or can-access)");
    if (cli_help_asked(argc, argv, usage))
        return EXIT_OK_;
    if (strcmp(argv[1], "resolve") == 0)
        return run_resolve(argc - 1, argv + 1);
    if (strcmp(argv[1], "check") == 0)
        return run_check(argc - 1, argv + 1);
    if (strcmp(argv[1], "can-access") == 0)
        return run_can_access(argc - 1, argv + 1);
    return cli_usage_error(SUB, "unknown subcommand '%s' (resolve, check or can-access)", argv[1]);
}

const cli_command cmd_emrfs = {
    "emrfs",
    "EMRFS role mappings: which role a user gets for an S3 path; are they sound",
    usage,
    run,
};
