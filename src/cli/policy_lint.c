/* seckit policy lint: lint IAM policies (files, folders, standard input;
 * CloudFormation, Terraform plans and the other input formats) offline.
 *
 * Exit codes of `policy lint` follow cfn-policy-validator, not seckit(1):
 * 0 no blocking finding, 2 blocking findings, 1 the tool itself failed. */
#include "config.h"

#include <errno.h>
#include <dirent.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seckit/policy_inputs.h"
#include "seckit/iam_data.h"
#include "src/cli/cli.h"
#include "src/cli/cmd_policy.h"

#ifndef SECKIT_DOCDIR
#define SECKIT_DOCDIR ""
#endif

#define LINT_OK 0
#define LINT_TOOL_FAILED 1
#define LINT_BLOCKING 2

#define MAX_POLICY_FILE (64u * 1024u * 1024u)

/* Usage errors of lint exit 1 (tool failure), not EXIT_USAGE: run_lint
 * returns LINT_TOOL_FAILED after cli_usage_error. */

typedef struct lint_run {
    seckit_policy_lint_options opts;
    int type_given; /* --type/--resource-type: bare policies are that type */
    int quiet;
    seckit_policy_report *report;
    const char **excludes;
    size_t nexcludes;
    size_t policies; /* policies linted */
    size_t files;    /* files that held at least one */
    size_t skipped;  /* files of a folder that held no policy */
    size_t tf_files; /* Terraform sources found in folders */
} lint_run;

#define lint_note(run, ...)                                                                        \
    do {                                                                                           \
        if (!(run)->quiet)                                                                         \
            cli_message("policy", __VA_ARGS__);                                                    \
    } while (0)

static int has_suffix(const char *n, const char *suffix)
{
    size_t nl = strlen(n), sl = strlen(suffix);
    return nl > sl && strcmp(n + nl - sl, suffix) == 0;
}

/* Lint every policy in one file's bytes (a bare policy, AWS CLI output,
 * CloudFormation JSON/YAML, Terraform plan JSON: see seckit/policy_inputs.h)
 * and add the findings, with positions in the file.  in_scan: the file was
 * found in a folder, so a JSON or YAML file that is no policy is skipped. */
static int lint_bytes(lint_run *run, const char *name, const uint8_t *bytes, size_t len,
                      int in_scan, seckit_error *err)
{
    seckit_policy_inputs_options io = SECKIT_POLICY_INPUTS_OPTIONS_INIT;
    io.name = name;
    seckit_policy_inputs *ins = NULL;
    int rc = seckit_policy_inputs_extract(&ins, (const char *)bytes, len, &io, err);
    if (rc < 0) {
        seckit_error_prefix(err, name);
        return rc;
    }
    int counted = 0;
    if (ins->count == 0)
        lint_note(run, "%s: no IAM policies found in this %s file", name,
                  seckit_input_format_name(ins->format));
    for (size_t i = 0; rc == 0 && i < ins->count; i++) {
        const seckit_policy_input *in = &ins->items[i];
        seckit_policy_lint_options o = run->opts;
        if (!in->type_known) {
            seckit_policy_shape shape;
            rc = seckit_policy_input_shape(in, &shape, err);
            if (rc < 0)
                break;
            if (in_scan && !shape.is_policy) {
                lint_note(
                    run,
                    "%s: skipped: not an IAM policy, CloudFormation template or Terraform plan",
                    name);
                run->skipped++;
                continue;
            }
            if (!run->type_given) {
                o.type = shape.type;
                o.resource_type = shape.resource_type;
            }
        }
        seckit_policy_findings *f = NULL;
        rc = seckit_policy_input_lint(in, &f, &o, err);
        if (rc < 0)
            break;
        rc = seckit_policy_report_add_input(run->report, name, in, f, err);
        seckit_policy_findings_free(f);
        run->policies++;
        if (!counted) {
            run->files++;
            counted = 1;
        }
    }
    seckit_policy_inputs_free(ins);
    return rc;
}

static int lint_path(lint_run *run, const char *path, int depth, int in_scan, seckit_error *err);

static int has_policy_extension(const char *n)
{
    static const char *const ext[] = {".json", ".yaml", ".yml", ".template"};
    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
        if (has_suffix(n, ext[i]))
            return 1;
    return 0;
}

/* --exclude GLOB: a glob without '/' matches a file or folder name, one
 * with '/' the path as scanned (without a leading "./"). */
static int excluded(const lint_run *run, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    while (path[0] == '.' && path[1] == '/')
        path += 2;
    for (size_t i = 0; i < run->nexcludes; i++) {
        const char *g = run->excludes[i];
        while (g[0] == '.' && g[1] == '/')
            g += 2;
        if (strchr(g, '/') != NULL ? fnmatch(g, path, 0) == 0 : fnmatch(g, base, 0) == 0)
            return 1;
    }
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A folder: every *.json, *.yaml, *.yml, *.template file below it (not
 * following symbolic links, skipping hidden entries and --exclude
 * matches), in name order. */
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
        snprintf(names[n], len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
                 e->d_name);
        n++;
    }
    closedir(d);
    if (rc == 0 && n > 1)
        qsort(names, n, sizeof(*names), name_cmp);
    int failed = rc < 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct stat st;
        if (lstat(names[i], &st) != 0 || S_ISLNK(st.st_mode) || excluded(run, names[i]))
            continue;
        if (S_ISREG(st.st_mode) && has_suffix(names[i], ".tf")) {
            run->tf_files++;
            continue;
        }
        if (S_ISDIR(st.st_mode) || (S_ISREG(st.st_mode) && has_policy_extension(names[i]))) {
            seckit_error e2;
            seckit_error_clear(&e2);
            if (lint_path(run, names[i], depth + 1, 1, &e2) < 0) {
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
    return failed ? seckit_error_set(err, SECKIT_EIO, "%s: some files could not be linted", path)
                  : 0;
}

#define TF_HINT                                                                                    \
    "terraform plan -out=tfplan && terraform show -json tfplan > plan.json, then lint plan.json"

/* One PATH argument: a file, a folder, or - for standard input. */
static int lint_path(lint_run *run, const char *path, int depth, int in_scan, seckit_error *err)
{
    uint8_t *bytes = NULL;
    size_t len = 0;
    int rc;
    const char *name = path;
    if (strcmp(path, "-") == 0) {
        rc = cli_read_stdin(MAX_POLICY_FILE, &bytes, &len, err);
        name = "<stdin>";
    } else {
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            return lint_dir(run, path, depth, err);
        if (has_suffix(path, ".tf"))
            return seckit_error_set(err, SECKIT_EINVAL, "%s: Terraform source is not linted: %s",
                                    path, TF_HINT);
        rc = seckit_file_read(&bytes, &len, path, MAX_POLICY_FILE, err);
        if (rc < 0)
            seckit_error_prefix(err, path);
    }
    if (rc < 0)
        return rc;
    rc = lint_bytes(run, name, bytes, len, in_scan, err);
    free(bytes);
    return rc;
}

/* The configuration file: --config FILE, else .seckit.yml or .seckit.yaml in
 * the current folder or the nearest folder above it that has one.  *dir is
 * set to the file's folder (for its relative paths). */
static int find_config(const char *given, char *path, size_t cap, char *dir, size_t dcap)
{
    if (given != NULL) {
        snprintf(path, cap, "%s", given);
        const char *slash = strrchr(given, '/');
        if (slash == NULL)
            snprintf(dir, dcap, ".");
        else
            snprintf(dir, dcap, "%.*s", slash == given ? 1 : (int)(slash - given), given);
        return 1;
    }
    char cwd[4096];
    if (getcwd(cwd, sizeof(cwd)) == NULL)
        return 0;
    for (;;) {
        static const char *const names[] = {".seckit.yml", ".seckit.yaml"};
        for (size_t i = 0; i < 2; i++) {
            int n = snprintf(path, cap, "%s%s%s", cwd, strcmp(cwd, "/") == 0 ? "" : "/", names[i]);
            if (n > 0 && (size_t)n < cap && cli_policy_file_exists(path)) {
                snprintf(dir, dcap, "%s", cwd);
                return 1;
            }
        }
        char *slash = strrchr(cwd, '/');
        if (slash == NULL || strcmp(cwd, "/") == 0)
            return 0;
        if (slash == cwd)
            slash[1] = '\0';
        else
            *slash = '\0';
    }
}

/* A path from the config file: relative to the file's folder. */
static const char *config_path(const char *dir, const char *p, char *buf, size_t cap)
{
    if (p == NULL || p[0] == '/' || strcmp(dir, ".") == 0)
        return p;
    int n = snprintf(buf, cap, "%s/%s", dir, p);
    return n > 0 && (size_t)n < cap ? buf : p;
}

static int write_out(const char *path, const char *data, size_t len, seckit_error *err)
{
    int rc = seckit_file_write_atomic(path, data, len, 0644, SECKIT_FILE_OVERWRITE, err);
    if (rc < 0)
        seckit_error_prefix(err, path);
    return rc;
}

static int parse_format(const char *s, seckit_report_format *out)
{
    static const struct {
        const char *name;
        seckit_report_format f;
    } formats[] = {{"text", SECKIT_REPORT_TEXT},
                   {"json", SECKIT_REPORT_JSON},
                   {"sarif", SECKIT_REPORT_SARIF},
                   {"github", SECKIT_REPORT_GITHUB}};
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        if (strcmp(s, formats[i].name) == 0) {
            *out = formats[i].f;
            return 0;
        }
    return -1;
}

static int valid_account(const char *s)
{
    return strlen(s) == 12 && strspn(s, "0123456789") == 12;
}

/* "3 findings (1 ERROR, 2 WARNING) in 4 policies from 2 files; 1 ignored, 5 in the baseline" */
static void summary_line(const lint_run *run, char *buf, size_t cap)
{
    static const char *const names[] = {"ERROR", "SECURITY_WARNING", "WARNING", "SUGGESTION"};
    size_t total = seckit_policy_report_count(run->report, 0xfu);
    size_t o = 0;
    o += (size_t)snprintf(buf + o, cap - o, "%zu finding%s", total, total == 1 ? "" : "s");
    const char *sep = " (";
    for (unsigned t = 0; t < 4 && o < cap; t++) {
        size_t n = seckit_policy_report_count(run->report, SECKIT_FINDING_BIT(t));
        if (n > 0) {
            o += (size_t)snprintf(buf + o, cap - o, "%s%zu %s", sep, n, names[t]);
            sep = ", ";
        }
    }
    if (total > 0 && o < cap)
        o += (size_t)snprintf(buf + o, cap - o, ")");
    if (o < cap)
        o += (size_t)snprintf(buf + o, cap - o, " in %zu polic%s from %zu file%s", run->policies,
                              run->policies == 1 ? "y" : "ies", run->files,
                              run->files == 1 ? "" : "s");
    size_t ign = seckit_policy_report_ignored(run->report),
           bl = seckit_policy_report_baselined(run->report);
    if (ign > 0 && o < cap)
        o += (size_t)snprintf(buf + o, cap - o, "; %zu ignored", ign);
    if (bl > 0 && o < cap)
        o += (size_t)snprintf(buf + o, cap - o, "; %zu in the baseline", bl);
}

static const char *const sub = "policy";

/* lint's options: the command line's, then completed from the
 * configuration file (the command line wins over it). */
typedef struct lint_args {
    const char *type_s, *rtype_s, *format_s, *fail_s, *account;
    const char *data_path, *config_s, *baseline, *write_baseline;
    const char *output, *help_base;
    int quiet;
    /* --ignore and --exclude values, then the config file's */
    const char **ignores, **excludes;
    size_t nignores, nexcludes;
    size_t cli_nignores; /* ignores[0..cli_nignores) came from --ignore */
    seckit_lint_config *cfg;
    char cfg_path[4096], cfg_dir[4096], b1[4096], b2[4096];
    /* the values, parsed */
    seckit_policy_type type;
    seckit_policy_resource_type rtype;
    seckit_report_format format;
    unsigned fail_mask;
} lint_args;

/* parse_options's answer when the command goes on (anything else is the
 * exit code: --help, a usage error). */
#define GO_ON (-1)

/* ---- the options */

static int parse_options(int argc, char **argv, lint_args *a)
{
    static const struct option options[] = {
        {"type", required_argument, NULL, 't'},
        {"resource-type", required_argument, NULL, 'r'},
        {"format", required_argument, NULL, 'f'},
        {"fail-on", required_argument, NULL, 'F'},
        {"ignore", required_argument, NULL, 'i'},
        {"exclude", required_argument, NULL, 'x'},
        {"config", required_argument, NULL, 'c'},
        {"baseline", required_argument, NULL, 'b'},
        {"write-baseline", required_argument, NULL, 'B'},
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"help-uri-base", required_argument, NULL, 'u'},
        {"data", required_argument, NULL, 'd'},
        {"account", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    a->ignores = calloc((size_t)argc + 1, sizeof(*a->ignores));
    a->excludes = calloc((size_t)argc + 1, sizeof(*a->excludes));
    if (a->ignores == NULL || a->excludes == NULL)
        return LINT_TOOL_FAILED;
    cli_opt_loop loop = {.sub = sub,
                         .usage = cmd_policy.usage,
                         .options = options,
                         .shortopts = ":ho:q"};
    while ((c = cli_next_option(&loop, argc, argv)) >= 0) {
        switch (c) {
        case 't': a->type_s = optarg; break;
        case 'r': a->rtype_s = optarg; break;
        case 'f': a->format_s = optarg; break;
        case 'F': a->fail_s = optarg; break;
        case 'i': a->ignores[a->nignores++] = optarg; break;
        case 'x': a->excludes[a->nexcludes++] = optarg; break;
        case 'c': a->config_s = optarg; break;
        case 'b': a->baseline = optarg; break;
        case 'B': a->write_baseline = optarg; break;
        case 'o': a->output = optarg; break;
        case 'q': a->quiet = 1; break;
        case 'u': a->help_base = optarg; break;
        case 'd': a->data_path = optarg; break;
        case 'a': a->account = optarg; break;
        }
    }
    if (c == CLI_OPT_STOP) /* --help, or a usage error already printed */
        return loop.exit == EXIT_OK_ ? EXIT_OK_ : LINT_TOOL_FAILED;
    if (optind >= argc) {
        cli_usage_error(sub, "lint: name at least one policy file (or - for standard input)");
        return LINT_TOOL_FAILED;
    }
    return GO_ON;
}

/* The configuration file (--config, or the one found): the command line
 * wins over it.  -1 when it cannot be used (said on stderr). */
static int read_config(lint_args *a, int argc, seckit_error *err)
{
    a->cli_nignores = a->nignores;
    if (!find_config(a->config_s, a->cfg_path, sizeof(a->cfg_path), a->cfg_dir, sizeof(a->cfg_dir)))
        return 0;
    seckit_lint_config *cfg = NULL;
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (seckit_file_read(&bytes, &len, a->cfg_path, 1u << 20, err) < 0 ||
        seckit_lint_config_parse(&cfg, (const char *)bytes, len, err) < 0) {
        free(bytes);
        cli_message(sub, "%s: %s", a->cfg_path, err->message);
        return -1;
    }
    free(bytes);
    a->cfg = cfg;
    a->type_s = a->type_s ? a->type_s : cfg->type;
    a->rtype_s = a->rtype_s ? a->rtype_s : cfg->resource_type;
    a->format_s = a->format_s ? a->format_s : cfg->format;
    a->fail_s = a->fail_s ? a->fail_s : cfg->fail_on;
    a->account = a->account ? a->account : cfg->account;
    a->help_base = a->help_base ? a->help_base : cfg->help_uri_base;
    a->data_path = a->data_path ? a->data_path
                                : config_path(a->cfg_dir, cfg->data, a->b1, sizeof(a->b1));
    a->baseline = a->baseline ? a->baseline
                              : config_path(a->cfg_dir, cfg->baseline, a->b2, sizeof(a->b2));
    a->quiet |= cfg->quiet;
    const char **ni = realloc(a->ignores, ((size_t)argc + cfg->ignore_count + 1) * sizeof(*ni));
    const char **nx =
        ni ? realloc(a->excludes, ((size_t)argc + cfg->exclude_count + 1) * sizeof(*nx)) : NULL;
    if (ni != NULL)
        a->ignores = ni;
    if (nx != NULL)
        a->excludes = nx;
    if (ni == NULL || nx == NULL)
        return -1;
    for (size_t i = 0; i < cfg->ignore_count; i++)
        a->ignores[a->nignores++] = cfg->ignore[i];
    for (size_t i = 0; i < cfg->exclude_count; i++)
        a->excludes[a->nexcludes++] = cfg->exclude[i];
    return 0;
}

/* The values of --type, --resource-type, --format, --fail-on and
 * --account (or the configuration file's).  -1 when one is wrong (said). */
static int parse_values(lint_args *a, seckit_error *err)
{
    a->type = SECKIT_POLICY_IDENTITY;
    a->rtype = SECKIT_RESOURCE_NONE;
    a->format = SECKIT_REPORT_TEXT;
    a->fail_mask = SECKIT_FINDING_DEFAULT_BLOCKING;
    if (a->type_s != NULL && seckit_policy_type_parse(&a->type, a->type_s, NULL) != 0) {
        cli_usage_error(sub, "--type must be identity, resource, scp, rcp or trust, not '%s'",
                        a->type_s);
        return -1;
    }
    if (a->rtype_s != NULL && seckit_policy_resource_type_parse(&a->rtype, a->rtype_s, NULL) != 0) {
        cli_usage_error(sub, "unknown --resource-type '%s' (e.g. AWS::S3::Bucket, AWS::KMS::Key)",
                        a->rtype_s);
        return -1;
    }
    if (a->format_s != NULL && parse_format(a->format_s, &a->format) != 0) {
        cli_usage_error(sub, "--format must be text, json, sarif or github, not '%s'", a->format_s);
        return -1;
    }
    if (a->fail_s != NULL && seckit_finding_types_parse(&a->fail_mask, a->fail_s, err) != 0) {
        cli_message(sub, "--fail-on: %s", err->message);
        return -1;
    }
    if (a->account != NULL && !valid_account(a->account)) {
        cli_usage_error(sub, "--account must be a 12-digit account id, not '%s'", a->account);
        return -1;
    }
    if (a->rtype != SECKIT_RESOURCE_NONE && a->type_s != NULL &&
        a->type != SECKIT_POLICY_RESOURCE &&
        !(a->type == SECKIT_POLICY_TRUST && a->rtype == SECKIT_RESOURCE_IAM_ROLE_TRUST)) {
        cli_usage_error(sub, "--resource-type goes with --type resource (got --type %s)",
                        seckit_policy_type_name(a->type));
        return -1;
    }
    if (a->rtype != SECKIT_RESOURCE_NONE && a->type_s == NULL)
        a->type = SECKIT_POLICY_RESOURCE;
    return 0;
}

/* ---- the run: its options, the report with the ignores and the baseline,
 * the snapshot */

static int prepare_run(lint_run *run, const lint_args *a, seckit_iam_data **data, seckit_error *err)
{
    run->opts = (seckit_policy_lint_options)SECKIT_POLICY_LINT_OPTIONS_INIT;
    run->opts.type = a->type;
    run->opts.resource_type = a->rtype;
    run->opts.account = a->account;
    run->type_given = a->type_s != NULL || a->rtype_s != NULL;
    run->quiet = a->quiet;
    run->excludes = a->excludes;
    run->nexcludes = a->nexcludes;
    if (seckit_policy_report_new(&run->report, err) < 0) {
        cli_message(sub, "%s", err->message);
        return -1;
    }
    /* ignores[0..cli_nignores) came from --ignore, the rest from the
     * configuration file: an error names where the bad one was given */
    for (size_t i = 0; i < a->nignores; i++)
        if (seckit_policy_report_ignore(run->report, a->ignores[i], err) < 0) {
            if (i < a->cli_nignores)
                cli_usage_error(sub, "--%s", err->message);
            else
                cli_message(sub, "%s: %s", a->cfg_path, err->message);
            return -1;
        }
    if (a->baseline != NULL) {
        uint8_t *bytes = NULL;
        size_t len = 0;
        if (seckit_file_read(&bytes, &len, a->baseline, MAX_POLICY_FILE, err) < 0 ||
            seckit_policy_report_baseline(run->report, (const char *)bytes, len, err) < 0) {
            free(bytes);
            cli_message(sub, "--baseline %s: %s", a->baseline, err->message);
            return -1;
        }
        free(bytes);
    }
    char used[4096] = "";
    if (cli_policy_load_data(a->data_path, a->data_path != NULL, data, used, sizeof(used), err) <
        0) {
        cli_message(sub, "%s", err->message);
        return -1;
    }
    if (*data == NULL)
        lint_note(
            run,
            "warning: no IAM service reference snapshot found; checks that need it (INVALID_ACTION, ...) are skipped");
    run->opts.data = *data;
    return 0;
}

/* ---- the paths: every PATH argument.  *failed: one could not be linted
 * (said).  -1 when folders were scanned and held no policy at all (said). */

static int lint_paths(lint_run *run, int argc, char **argv, int *failed, seckit_error *err)
{
    int scanned = 0;
    for (int i = optind; i < argc; i++) {
        struct stat st;
        int is_dir = strcmp(argv[i], "-") != 0 && stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode);
        if (is_dir)
            scanned = 1;
        /* --exclude (and the configuration file's exclude) applies to files
         * named here as in folder scans, so a shell glob or a CI step's list
         * of changed files skips them too; a folder named here is a scan
         * root and is always scanned; standard input is never excluded. */
        if (!is_dir && strcmp(argv[i], "-") != 0 && excluded(run, argv[i])) {
            lint_note(run, "%s: skipped: matches --exclude", argv[i]);
            continue;
        }
        seckit_error_clear(err);
        if (lint_path(run, argv[i], 0, 0, err) < 0) {
            cli_message(sub, "%s", err->message);
            *failed = 1;
        }
    }
    if (run->tf_files > 0)
        lint_note(run, "%zu Terraform source file%s (.tf) not linted: %s", run->tf_files,
                  run->tf_files == 1 ? "" : "s", TF_HINT);
    if (!*failed && scanned && run->policies == 0) {
        cli_usage_error(
            sub, "lint: no IAM policy, CloudFormation template or Terraform plan found in %s%s",
            argv[optind], argc - optind > 1 ? " (and the other paths)" : "");
        return -1;
    }
    return 0;
}

/* ---- the report: rendered, with the summary line for text */

static int render_report(const lint_run *run, const lint_args *a, char **out, size_t *out_len,
                         seckit_error *err)
{
    seckit_report_options ro = SECKIT_REPORT_OPTIONS_INIT;
    ro.format = a->format;
    ro.tool_version = seckit_version();
    const char *nc = getenv("NO_COLOR");
    ro.colour = a->format == SECKIT_REPORT_TEXT && a->output == NULL && isatty(STDOUT_FILENO) &&
                (nc == NULL || nc[0] == '\0');
    char docs_uri[4200], cwd[4096];
    const char *help_base = a->help_base;
    if (help_base == NULL && SECKIT_DOCDIR[0] == '/') {
        snprintf(docs_uri, sizeof(docs_uri), "file://%s/checks.md", SECKIT_DOCDIR);
        help_base = docs_uri;
    }
    ro.help_uri_base = help_base;
    ro.base_dir = getcwd(cwd, sizeof(cwd));
    seckit_error_clear(err);
    if (seckit_policy_report_render_with(run->report, out, out_len, &ro, err) < 0) {
        cli_message(sub, "%s", err->message);
        return -1;
    }
    if (a->format == SECKIT_REPORT_TEXT && !a->quiet) {
        char line[512];
        summary_line(run, line, sizeof(line));
        size_t ll = strlen(line);
        char *grown = realloc(*out, *out_len + ll + 2);
        if (grown == NULL) {
            free(*out);
            *out = NULL;
            return -1;
        }
        *out = grown;
        memcpy(*out + *out_len, line, ll);
        (*out)[*out_len + ll] = '\n';
        *out_len += ll + 1;
        (*out)[*out_len] = '\0';
    }
    return 0;
}

/* ---- the outputs: --write-baseline, then the report (-o FILE or stdout).
 * Returns failed, set when one could not be written (said). */

static int write_outputs(const lint_run *run, const lint_args *a, const char *out, size_t out_len,
                         int failed, seckit_error *err)
{
    if (a->write_baseline != NULL && !failed) {
        char *bl = NULL;
        size_t bl_len = 0;
        if (seckit_policy_report_write_baseline(run->report, &bl, &bl_len, err) < 0 ||
            write_out(a->write_baseline, bl, bl_len, err) < 0) {
            cli_message(sub, "--write-baseline: %s", err->message);
            failed = 1;
        }
        free(bl);
    }
    /* the report: not written at all when the run failed, so a CI step
     * never uploads a half report as if it were whole */
    if (a->output != NULL && !failed) {
        if (write_out(a->output, out, out_len, err) < 0) {
            cli_message(sub, "%s", err->message);
            failed = 1;
        }
    } else if (a->output == NULL) {
        fwrite(out, 1, out_len, stdout);
        if (fflush(stdout) != 0) {
            cli_message(sub, "standard output: %s", strerror(errno));
            failed = 1;
        }
    }
    return failed;
}

int cli_policy_lint(int argc, char **argv)
{
    seckit_error err;
    seckit_error_clear(&err);
    lint_args a;
    memset(&a, 0, sizeof(a));
    lint_run run;
    memset(&run, 0, sizeof(run));
    seckit_iam_data *data = NULL;
    char *out = NULL;
    size_t out_len = 0;
    int failed = 0;
    int ret = parse_options(argc, argv, &a);
    if (ret != GO_ON)
        goto done;
    ret = LINT_TOOL_FAILED;
    if (read_config(&a, argc, &err) < 0 || parse_values(&a, &err) < 0 ||
        prepare_run(&run, &a, &data, &err) < 0 || lint_paths(&run, argc, argv, &failed, &err) < 0 ||
        render_report(&run, &a, &out, &out_len, &err) < 0)
        goto done;
    if (write_outputs(&run, &a, out, out_len, failed, &err))
        goto done;
    ret = seckit_policy_report_count(run.report, a.fail_mask) > 0 ? LINT_BLOCKING : LINT_OK;
done:
    free(out);
    seckit_policy_report_free(run.report);
    seckit_iam_data_free(data);
    seckit_lint_config_free(a.cfg);
    free(a.ignores);
    free(a.excludes);
    return ret;
}
