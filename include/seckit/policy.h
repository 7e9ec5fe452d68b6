/* seckit/policy.h - IAM policy documents: a JSON tree with source positions,
 * the offline linter, IAM service reference data, and report rendering.
 *
 * Everything here is pure: no file or terminal I/O.  Callers pass bytes in
 * and get trees, findings and rendered strings back.
 *
 * Positions follow IAM Access Analyzer: line from 1, column from 0 (in
 * bytes), offset from 0 (bytes into the text); a span's start is inclusive
 * and its end exclusive.
 */
#ifndef SECKIT_POLICY_H
#define SECKIT_POLICY_H

#include <stddef.h>

#include "seckit/export.h"
#include "seckit/error.h"
#include "seckit/json.h"
#include "seckit/iam_data.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Policy and resource types */

typedef enum seckit_policy_type {
    SECKIT_POLICY_IDENTITY = 0, /* IDENTITY_POLICY */
    SECKIT_POLICY_RESOURCE,     /* RESOURCE_POLICY */
    SECKIT_POLICY_SCP,          /* SERVICE_CONTROL_POLICY */
    SECKIT_POLICY_RCP,          /* RESOURCE_CONTROL_POLICY */
    SECKIT_POLICY_TRUST         /* role trust policy (RESOURCE_POLICY +
                                   AWS::IAM::AssumeRolePolicyDocument) */
} seckit_policy_type;

/* "identity", "resource", "scp", "rcp", "trust"; parse also accepts Access
 * Analyzer's names (IDENTITY_POLICY, ...).  parse returns 0 or SECKIT_EINVAL. */
SECKIT_EXPORT const char *seckit_policy_type_name(seckit_policy_type t);
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_policy_type_parse(seckit_policy_type *out, const char *s,
                                                             seckit_error *err);

typedef enum seckit_policy_resource_type {
    SECKIT_RESOURCE_NONE = 0,               /* generic resource policy */
    SECKIT_RESOURCE_S3_BUCKET,              /* AWS::S3::Bucket */
    SECKIT_RESOURCE_S3_ACCESS_POINT,        /* AWS::S3::AccessPoint */
    SECKIT_RESOURCE_S3_MRAP,                /* AWS::S3::MultiRegionAccessPoint */
    SECKIT_RESOURCE_S3_OBJECT_LAMBDA_AP,    /* AWS::S3ObjectLambda::AccessPoint */
    SECKIT_RESOURCE_S3_TABLE_BUCKET,        /* AWS::S3Tables::TableBucket */
    SECKIT_RESOURCE_DYNAMODB_TABLE,         /* AWS::DynamoDB::Table */
    SECKIT_RESOURCE_KMS_KEY,                /* AWS::KMS::Key */
    SECKIT_RESOURCE_SQS_QUEUE,              /* AWS::SQS::Queue */
    SECKIT_RESOURCE_SNS_TOPIC,              /* AWS::SNS::Topic */
    SECKIT_RESOURCE_LAMBDA_FUNCTION,        /* AWS::Lambda::Function (permission) */
    SECKIT_RESOURCE_SECRETS_MANAGER_SECRET, /* AWS::SecretsManager::Secret */
    SECKIT_RESOURCE_ECR_REPOSITORY,         /* AWS::ECR::Repository */
    SECKIT_RESOURCE_IAM_ROLE_TRUST,         /* AWS::IAM::AssumeRolePolicyDocument */
    SECKIT_RESOURCE_COUNT_
} seckit_policy_resource_type;

/* CloudFormation-style name ("AWS::S3::Bucket"); parse also accepts short
 * names (s3-bucket, kms-key, sqs, sns, lambda, secret, ecr, ...). */
SECKIT_EXPORT const char *seckit_policy_resource_type_name(seckit_policy_resource_type t);
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_policy_resource_type_parse(seckit_policy_resource_type *out, const char *s,
                                  seckit_error *err);

/* ------------------------------------------------------------------ */
/* Lint */

typedef enum seckit_finding_type {
    SECKIT_FINDING_ERROR = 0,
    SECKIT_FINDING_SECURITY_WARNING = 1,
    SECKIT_FINDING_WARNING = 2,
    SECKIT_FINDING_SUGGESTION = 3
} seckit_finding_type;

/* Bit for a finding type, for blocking masks. */
#define SECKIT_FINDING_BIT(t) (1u << (unsigned)(t))
#define SECKIT_FINDING_DEFAULT_BLOCKING                                                            \
    (SECKIT_FINDING_BIT(SECKIT_FINDING_ERROR) | SECKIT_FINDING_BIT(SECKIT_FINDING_SECURITY_WARNING))

/* "ERROR", "SECURITY_WARNING", "WARNING", "SUGGESTION". */
SECKIT_EXPORT const char *seckit_finding_type_name(seckit_finding_type t);
/* Comma-separated list of type names (case-insensitive; "NONE" = empty) to
 * a mask of SECKIT_FINDING_BIT; SECKIT_EINVAL on an unknown name. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_finding_types_parse(unsigned *mask, const char *list,
                                                               seckit_error *err);

/* One element of a finding's path, as Access Analyzer's PathElement:
 * either an array index or a value (element name, operator, key). */
typedef struct seckit_path_element {
    int is_index;
    size_t index;
    const char *value; /* when !is_index */
} seckit_path_element;

/* A further place a finding is about (Access Analyzer's locations[]). */
typedef struct seckit_policy_location {
    const char *path;
    const seckit_path_element *path_elements;
    size_t path_len;
    seckit_span span;
} seckit_policy_location;

typedef struct seckit_policy_finding {
    seckit_finding_type type;
    const char *issue_code; /* e.g. "PASS_ROLE_WITH_STAR_IN_RESOURCE" */
    const char *message;    /* one line, our own words */
    const char *learn_more; /* URL */
    /* Location: "Statement[1].Condition.StringLike.aws:SourceArn"; "" for
     * the whole document. */
    const char *path;
    const seckit_path_element *path_elements;
    size_t path_len;
    seckit_span span;
    long statement_index; /* -1 when not about one statement */
    const char *sid;      /* the statement's Sid, or NULL */
    /* The other places, after the one above (REDUNDANT_ACTION: every
     * redundant entry of the group after the first); NULL and 0 for most
     * findings. */
    const seckit_policy_location *more_locations;
    size_t more_count;
} seckit_policy_finding;

typedef struct seckit_policy_findings {
    seckit_policy_finding *items;
    size_t count;
    void *internal_; /* owner of the strings */
} seckit_policy_findings;

typedef struct seckit_policy_lint_options {
    unsigned int version; /* SECKIT_POLICY_LINT_OPTIONS_VERSION */
    seckit_policy_type type;
    seckit_policy_resource_type resource_type;
    /* Service reference data; NULL skips the checks that need it
     * (INVALID_ACTION and the like) rather than guessing. */
    const seckit_iam_data *data;
    /* Position of json[0] in its file, for policies embedded in a bigger
     * file; line 0 = the policy is the whole file. */
    seckit_position base;
    /* The account the policy belongs to (12 digits), or NULL.  When set,
     * trust-policy principals of other accounts count as third parties
     * (TRUST_THIRD_PARTY_WITHOUT_EXTERNAL_ID). */
    const char *account;
} seckit_policy_lint_options;

#define SECKIT_POLICY_LINT_OPTIONS_VERSION 1
#define SECKIT_POLICY_LINT_OPTIONS_INIT                                                            \
    {                                                                                              \
        SECKIT_POLICY_LINT_OPTIONS_VERSION, SECKIT_POLICY_IDENTITY, SECKIT_RESOURCE_NONE, 0, {0},  \
            0                                                                                      \
    }

/* Fill opts with the defaults of this version of the structure (pass
 * SECKIT_POLICY_LINT_OPTIONS_VERSION), the same as
 * SECKIT_POLICY_LINT_OPTIONS_INIT: an identity policy, no service data, the
 * whole file, no account.  SECKIT_EINVAL when opts is NULL or the version
 * is unknown. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_policy_lint_options_init(seckit_policy_lint_options *opts, unsigned int version,
                                seckit_error *err);

/* Lint one policy document given as JSON text.  Returns 0 with *out set
 * (possibly with zero findings); unparseable JSON is not a failure but a
 * JSON_SYNTAX_ERROR finding at the position where parsing stopped.  Fails
 * (negative code) only on bad arguments, limits (SECKIT_ELIMIT) or memory. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_policy_lint(seckit_policy_findings **out,
                                                       const char *json, size_t len,
                                                       const seckit_policy_lint_options *opts,
                                                       seckit_error *err);

/* Lint an already parsed tree (e.g. built from YAML); quota checks use
 * the tree's minified size. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_policy_lint_tree(seckit_policy_findings **out,
                                                            const seckit_json *root,
                                                            const seckit_policy_lint_options *opts,
                                                            seckit_error *err);

SECKIT_EXPORT void seckit_policy_findings_free(seckit_policy_findings *f);

/* Every issue code the linter can report, with its finding type,
 * learn-more link and a one-line summary: sets *table (may be NULL) to the
 * static table and returns its length. */
typedef struct seckit_policy_check_info {
    const char *issue_code;
    seckit_finding_type type;
    const char *learn_more;
    const char *summary;
} seckit_policy_check_info;
SECKIT_EXPORT size_t seckit_policy_checks(const seckit_policy_check_info **table);

/* ------------------------------------------------------------------ */
/* Reports: findings of many policies, filtered and rendered */

typedef enum seckit_report_format {
    SECKIT_REPORT_TEXT = 0, /* FILE:LINE:COL: FINDING_TYPE CODE: message */
    SECKIT_REPORT_JSON,     /* {"findings":[{file, owner, findingType, ...}]} */
    SECKIT_REPORT_SARIF,    /* SARIF 2.1.0 */
    SECKIT_REPORT_GITHUB    /* GitHub Actions workflow commands (::error file=...::msg) */
} seckit_report_format;

typedef struct seckit_policy_report seckit_policy_report;

SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_policy_report_new(seckit_policy_report **out,
                                                             seckit_error *err);
SECKIT_EXPORT void seckit_policy_report_free(seckit_policy_report *r);

/* 1 when the linter can report issue code `code`. */
SECKIT_EXPORT int seckit_policy_check_exists(const char *code);

/* Suppress findings: "CODE" everywhere, or "CODE@WHERE" where WHERE is a
 * file (as given, without a leading "./", or its last path component when
 * WHERE has no '/'), a CloudFormation logical id or Terraform address
 * (seckit_policy_report_add_input), the owner as shown, or a statement's
 * Sid; the older "WHERE:CODE" is the same.  A code the linter does not
 * have, or an empty CODE or WHERE, is SECKIT_EINVAL with a message that
 * starts "ignore 'SPEC': " (the caller adds where SPEC came from).  Call
 * before adding findings. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_policy_report_ignore(seckit_policy_report *r, const char *spec, seckit_error *err);

/* Add (copy) one policy's findings.  file is the name to show (may be
 * "-" / "<stdin>"); owner names the policy inside the file (CloudFormation
 * resource + policy name, user/role name; may be NULL). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_policy_report_add(seckit_policy_report *r,
                                                             const char *file, const char *owner,
                                                             const seckit_policy_findings *f,
                                                             seckit_error *err);

/* Baselines.  A finding's identity is its issue code, file (without a
 * leading "./"), owner, statement (Sid, else "#INDEX") and path inside the
 * statement without array indexes, never its line or column, so it
 * survives edits that move it.  seckit_policy_report_baseline() reads a
 * baseline (JSON written by seckit_policy_report_write_baseline); call it
 * before adding findings: a finding matching an unused baseline entry is
 * kept out of the rendered report and the counts (each entry matches one
 * finding).  seckit_policy_report_write_baseline() writes every finding
 * that is not ignored, including the ones the baseline matched. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_policy_report_baseline(seckit_policy_report *r,
                                                                  const char *json, size_t len,
                                                                  seckit_error *err);
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_policy_report_write_baseline(const seckit_policy_report *r, char **out, size_t *out_len,
                                    seckit_error *err);

/* Count of kept findings (not matched by the baseline) whose type is in
 * mask; count of ignored ones; count of ones the baseline matched. */
SECKIT_EXPORT size_t seckit_policy_report_count(const seckit_policy_report *r, unsigned mask);
SECKIT_EXPORT size_t seckit_policy_report_ignored(const seckit_policy_report *r);
SECKIT_EXPORT size_t seckit_policy_report_baselined(const seckit_policy_report *r);

/* Render all kept findings; *out is NUL-terminated, caller frees with
 * free().  tool_version appears in SARIF's tool.driver.version. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_policy_report_render(const seckit_policy_report *r, char **out, size_t *out_len,
                            seckit_report_format fmt, const char *tool_version, seckit_error *err);

typedef struct seckit_report_options {
    unsigned int version; /* SECKIT_REPORT_OPTIONS_VERSION */
    seckit_report_format format;
    const char *tool_version; /* SARIF tool.driver.version */
    int colour;               /* text: ANSI colours on the finding types */
    /* Where docs/checks.md is published (a URL or file:// URI): seckit's own
     * checks link to HELP_URI_BASE#code in SARIF helpUri and JSON/SARIF
     * learnMoreLink; NULL keeps the relative docs/checks.md#code. */
    const char *help_uri_base;
    /* SARIF and GitHub: file names under this folder (absolute) are made
     * relative to it; others absolute (file://).  NULL: as given. */
    const char *base_dir;
} seckit_report_options;

#define SECKIT_REPORT_OPTIONS_VERSION 1
#define SECKIT_REPORT_OPTIONS_INIT                                                                 \
    {                                                                                              \
        SECKIT_REPORT_OPTIONS_VERSION, SECKIT_REPORT_TEXT, 0, 0, 0, 0                              \
    }

/* Fill opts with the defaults of this version of the structure (pass
 * SECKIT_REPORT_OPTIONS_VERSION), the same as SECKIT_REPORT_OPTIONS_INIT:
 * text, no tool version, no colours, relative help links, names as given.
 * SECKIT_EINVAL when opts is NULL or the version is unknown. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_report_options_init(seckit_report_options *opts, unsigned int version, seckit_error *err);

SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_policy_report_render_with(const seckit_policy_report *r,
                                                                     char **out, size_t *out_len,
                                                                     const seckit_report_options *o,
                                                                     seckit_error *err);

#ifdef __cplusplus
}
#endif
#endif
