/* seckit/policy_inputs.h - find the IAM policies inside an input file.
 *
 * `seckit policy lint` accepts more than bare policy documents: the output of
 * `aws iam get-policy-version`, `get-role`, `get-role-policy` (and the user /
 * group forms) and `get-account-authorization-details`, CloudFormation
 * templates (JSON or YAML) and Terraform plan / state JSON (`terraform show
 * -json`).  seckit_policy_inputs_extract() takes one file's bytes, works out
 * which of these it is and returns every policy in it, each with its policy
 * type, the owner it belongs to ("role/MyRole (trust policy)",
 * "AWS::S3::BucketPolicy MyBucketPolicy") and a way to map positions in the
 * policy text back to positions in the file.
 *
 * Pure: no I/O.  The caller reads the file (and walks folders).
 *
 * Positions.  Each input's `text` is the policy as JSON text.  When `exact`
 * is set, text is a verbatim slice of the file starting at `base`, so a
 * position (line L, column C) in text is line base.line + L - 1 of the file,
 * at column base.column + C on the slice's first line and C after it.
 * Otherwise (the policy was a JSON string, a URL-encoded string, YAML, or a
 * CloudFormation document whose intrinsic functions were replaced)
 * seckit_policy_input_locate() maps a byte offset in text to the position of
 * the file token it was written from.
 *
 * CloudFormation intrinsic functions (Ref, Fn::GetAtt, Fn::Sub, Fn::Join, ...
 * and the YAML short forms !Ref, !Sub, ...) are evaluated with placeholder
 * values; see docs/policy-inputs.md for the exact rule.
 */
#ifndef SECKIT_POLICY_INPUTS_H
#define SECKIT_POLICY_INPUTS_H

#include <stddef.h>

#include "seckit/export.h"
#include "seckit/error.h"
#include "seckit/policy.h"
#include "seckit/json.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What kind of file it was. */
typedef enum seckit_input_format {
    SECKIT_INPUT_AUTO = 0,       /* detect (the options' value only) */
    SECKIT_INPUT_POLICY,         /* a bare policy document */
    SECKIT_INPUT_POLICY_VERSION, /* aws iam get-policy-version */
    SECKIT_INPUT_GET_ENTITY,     /* aws iam get-role / get-role-policy / get-user-policy ... */
    SECKIT_INPUT_AUTH_DETAILS,   /* aws iam get-account-authorization-details */
    SECKIT_INPUT_CLOUDFORMATION, /* CloudFormation template, JSON or YAML */
    SECKIT_INPUT_TERRAFORM       /* terraform show -json (plan or state) */
} seckit_input_format;

/* One anchor: text from text_offset on was written from the file position
 * pos; when `linear`, the following bytes up to the next anchor correspond
 * one to one (same line, column + delta). */
typedef struct seckit_input_anchor {
    size_t text_offset;
    seckit_position pos;
    int linear;
} seckit_input_anchor;

typedef struct seckit_policy_input {
    char *text; /* NUL-terminated JSON policy text */
    size_t text_len;
    /* The policy type and resource type to lint it as (IDENTITY, RESOURCE
     * or TRUST; SECKIT_RESOURCE_NONE when the resource has no specific
     * checks).  type_known is 0 for a bare policy document, whose type only
     * the user can tell (it defaults to identity). */
    seckit_policy_type type;
    seckit_policy_resource_type resource_type;
    int type_known;
    char *owner;                  /* who the policy belongs to; "" for a bare policy */
    seckit_position base;         /* where the policy starts in the file */
    int exact;                    /* text is data[base.offset, +text_len) verbatim */
    seckit_input_anchor *anchors; /* when !exact, sorted by text_offset */
    size_t anchor_count;
    /* The policy as already parsed from the file (a policy object in a
     * JSON file), positions in the file; NULL when only text is given.
     * Owned by the list.  seckit_policy_input_lint lints it instead of
     * parsing text again: the findings are the same. */
    const seckit_json *tree;
    /* CloudFormation: the values that Fn::Sub built with the placeholder of
     * a parameter that has no Default (account 000000000000, ...), one
     * "VALUE\tSHOWN\n" line each, SHOWN having ${Param} where VALUE has
     * the placeholder; seckit_policy_input_lint names the parameters in
     * the messages of findings about those values.  NULL when none. */
    char *substituted;
    /* The resource the policy belongs to, for suppressions: the
     * CloudFormation logical id or the Terraform address; NULL otherwise. */
    char *scope;
    /* Issue codes the template suppresses for this resource (CloudFormation
     * Metadata: {seckit: {ignore: [CODE, ...]}}), comma-separated; NULL
     * when none.  Unknown codes are rejected when the file is read. */
    char *ignore;
} seckit_policy_input;

typedef struct seckit_policy_inputs {
    seckit_input_format format; /* what the file was */
    seckit_policy_input *items;
    size_t count;
    void *internal_; /* owner of the items' trees */
} seckit_policy_inputs;

typedef struct seckit_policy_inputs_options {
    unsigned int version; /* SECKIT_POLICY_INPUTS_OPTIONS_VERSION */
    /* Force a format; SECKIT_INPUT_AUTO detects it from the content (and
     * the name's extension: .yaml/.yml are read as YAML). */
    seckit_input_format format;
    /* The file name, only for the extension hint (may be NULL). */
    const char *name;
    /* SECKIT_INPUTS_STRICT: JSON that does not parse is an error
     * (SECKIT_EFORMAT with its position) instead of a bare policy whose
     * lint reports JSON_SYNTAX_ERROR at that position. */
    unsigned flags;
} seckit_policy_inputs_options;

#define SECKIT_POLICY_INPUTS_OPTIONS_VERSION 1
#define SECKIT_POLICY_INPUTS_OPTIONS_INIT                                                          \
    {                                                                                              \
        SECKIT_POLICY_INPUTS_OPTIONS_VERSION, SECKIT_INPUT_AUTO, 0, 0                              \
    }

/* Fill opts with the defaults of this version of the structure (pass
 * SECKIT_POLICY_INPUTS_OPTIONS_VERSION), the same as
 * SECKIT_POLICY_INPUTS_OPTIONS_INIT: detect the format, no name, no flags.
 * SECKIT_EINVAL when opts is NULL or the version is unknown. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_policy_inputs_options_init(seckit_policy_inputs_options *opts, unsigned int version,
                                  seckit_error *err);

#define SECKIT_INPUTS_STRICT 0x1u

/* Extract every policy in data[0, len).  opts may be NULL (detect).  On
 * success *out is a new list (possibly with count 0: a template with no
 * policies) to free with seckit_policy_inputs_free().  Malformed YAML (and
 * malformed JSON with SECKIT_INPUTS_STRICT) gives SECKIT_EFORMAT with err's
 * line/column/offset set to the place in the file; without the flag,
 * malformed JSON comes back as one bare policy (the whole file) so that
 * linting it reports JSON_SYNTAX_ERROR there.  A document of a known kind
 * with a wrong shape (a Document that is a number, say) gives
 * SECKIT_EFORMAT with its position. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_policy_inputs_extract(seckit_policy_inputs **out, const char *data, size_t len,
                             const seckit_policy_inputs_options *opts, seckit_error *err);

SECKIT_EXPORT void seckit_policy_inputs_free(seckit_policy_inputs *inputs);

/* Map a position in in->text (byte offset, and the line/column of that
 * offset in the text) to the file.  Always succeeds. */
SECKIT_EXPORT seckit_position seckit_policy_input_locate(const seckit_policy_input *in,
                                                         size_t text_offset,
                                                         unsigned long text_line,
                                                         unsigned long text_column);

/* Lint one extracted policy: with its own policy and resource type when the
 * input says (in->type_known), else with opts' (opts may be NULL: identity);
 * opts' service data is used.  The findings' spans are positions in the
 * input file.  Uses in->tree when set (no second parse).  Free *out with
 * seckit_policy_findings_free(). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_policy_input_lint(const seckit_policy_input *in,
                                                             seckit_policy_findings **out,
                                                             const seckit_policy_lint_options *opts,
                                                             seckit_error *err);

/* What a bare policy document (type_known == 0) looks like it is, from
 * its shape, so a folder of mixed files is linted without --type:
 *   TRUST     every statement has Principal (or NotPrincipal), none has
 *             Resource or NotResource, and every action is sts:AssumeRole*,
 *             sts:TagSession, sts:SetSourceIdentity or sts:SetContext (at
 *             least one sts:AssumeRole*);
 *   RESOURCE  some statement has Principal or NotPrincipal;
 *   IDENTITY  otherwise.
 * Also says whether the document looks like a policy at all (a JSON object
 * with Statement or Version), so that other JSON and YAML files in a folder
 * (package.json, workflow files) can be skipped. */
typedef struct seckit_policy_shape {
    int is_policy;
    seckit_policy_type type;
    seckit_policy_resource_type resource_type;
} seckit_policy_shape;

SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_policy_input_shape(const seckit_policy_input *in,
                                                              seckit_policy_shape *out,
                                                              seckit_error *err);

/* Add one input's findings to a report: like seckit_policy_report_add
 * with in's owner, and also suppressing the codes in in->ignore and
 * matching CODE@WHERE suppressions against in->scope. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_policy_report_add_input(seckit_policy_report *r,
                                                                   const char *file,
                                                                   const seckit_policy_input *in,
                                                                   const seckit_policy_findings *f,
                                                                   seckit_error *err);

/* The configuration file of `seckit policy lint` (.seckit.yml), YAML or
 * JSON:
 *   lint:
 *     type: trust            # and resource-type, format, fail-on, account,
 *     fail-on: ERROR         #   data, baseline, help-uri-base: as the
 *     quiet: true            #   options of the same names
 *     ignore: [CODE, CODE@WHERE, ...]
 *     exclude: ["vendor", "*.generated.json"]
 * Other top-level keys are left for other commands.  An unknown key under
 * lint is SECKIT_EFORMAT with its position.  Strings are NULL when absent;
 * they live as long as the config. */
typedef struct seckit_lint_config {
    const char *type, *resource_type, *format, *fail_on, *account, *data, *baseline, *help_uri_base;
    int quiet;
    const char **ignore;
    size_t ignore_count;
    const char **exclude;
    size_t exclude_count;
    void *internal_;
} seckit_lint_config;

SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_lint_config_parse(seckit_lint_config **out, const char *data, size_t len, seckit_error *err);
SECKIT_EXPORT void seckit_lint_config_free(seckit_lint_config *c);

/* "policy", "get-policy-version", "cloudformation", ... */
SECKIT_EXPORT const char *seckit_input_format_name(seckit_input_format format);

#ifdef __cplusplus
}
#endif
#endif
