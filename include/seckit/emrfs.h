/* seckit/emrfs.h - EMRFS authorization role mappings: read an EMR security
 * configuration's AuthorizationConfiguration.EmrFsConfiguration.RoleMappings,
 * work out which IAM role a Hadoop user gets for an S3 location, check the
 * mappings against the roles' policies, and decide whether the resolved role
 * may perform an S3 action.
 *
 * Pure: no file, user-database or terminal I/O.  The caller reads files and
 * asks the system for users and groups (see seckit_emrfs_check_options).
 *
 * Resolution (EMR Management Guide, "Configure IAM roles for EMRFS requests
 * to Amazon S3"): the mappings are tried in list order and the first one
 * that matches wins; a User mapping matches when the user is one of its
 * identifiers, a Group mapping when one of the user's groups is, a Prefix
 * mapping when the location starts with one of its identifiers (a plain
 * string prefix of "s3://bucket/key"; the schemes s3a:// and s3n:// name the
 * same location as s3://, and "s3://bucket" is the bucket's root
 * "s3://bucket/").  When none matches, the cluster's EC2 instance role is
 * used.
 */
#ifndef SECKIT_EMRFS_H
#define SECKIT_EMRFS_H

#include <stddef.h>

#include "seckit/export.h"
#include "seckit/error.h"
#include "seckit/policy.h"
#include "seckit/json.h"
#include "seckit/iam_data.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* The security configuration */

typedef enum seckit_emrfs_identifier_type {
    SECKIT_EMRFS_USER = 0,
    SECKIT_EMRFS_GROUP,
    SECKIT_EMRFS_PREFIX
} seckit_emrfs_identifier_type;

/* "User", "Group", "Prefix". */
SECKIT_EXPORT const char *seckit_emrfs_identifier_type_name(seckit_emrfs_identifier_type t);

/* Which of the three input shapes the file was. */
typedef enum seckit_emrfs_shape {
    SECKIT_EMRFS_SHAPE_CREATE =
        0, /* aws emr create-security-configuration --security-configuration */
    SECKIT_EMRFS_SHAPE_DESCRIBE,      /* aws emr describe-security-configuration output */
    SECKIT_EMRFS_SHAPE_CLOUDFORMATION /* AWS::EMR::SecurityConfiguration in a template */
} seckit_emrfs_shape;

/* "create-security-configuration", "describe-security-configuration",
 * "cloudformation". */
SECKIT_EXPORT const char *seckit_emrfs_shape_name(seckit_emrfs_shape s);

typedef struct seckit_emrfs_identifier {
    const char *value;   /* as written (Prefix: scheme normalised to s3://) */
    seckit_position pos; /* in the file (see seckit_emrfs_config_parse) */
} seckit_emrfs_identifier;

typedef struct seckit_emrfs_mapping {
    size_t index;     /* position in RoleMappings */
    const char *role; /* the role's ARN */
    seckit_position role_pos;
    seckit_emrfs_identifier_type type;
    const seckit_emrfs_identifier *identifiers;
    size_t identifier_count; /* at least 1 */
    seckit_position pos;     /* the mapping object, in the file */
} seckit_emrfs_mapping;

typedef struct seckit_emrfs_config {
    seckit_emrfs_shape shape;
    const char *name; /* Name (describe output, CloudFormation), CloudFormation
                            logical id when the template has no Name; or NULL */
    const seckit_emrfs_mapping *mappings;
    size_t count; /* at least 1 */
    void *internal_;
} seckit_emrfs_config;

typedef struct seckit_emrfs_config_options {
    unsigned int version; /* SECKIT_EMRFS_CONFIG_OPTIONS_VERSION */
    /* The file name, only as a hint: *.yaml / *.yml are read as YAML
     * (CloudFormation); may be NULL. */
    const char *name;
    /* CloudFormation: the logical id of the AWS::EMR::SecurityConfiguration
     * to read when the template has more than one; NULL = the only one. */
    const char *resource;
} seckit_emrfs_config_options;

#define SECKIT_EMRFS_CONFIG_OPTIONS_VERSION 1
#define SECKIT_EMRFS_CONFIG_OPTIONS_INIT                                                           \
    {                                                                                              \
        SECKIT_EMRFS_CONFIG_OPTIONS_VERSION, 0, 0                                                  \
    }

/* Fill opts with the defaults of this version of the structure (pass
 * SECKIT_EMRFS_CONFIG_OPTIONS_VERSION), the same as
 * SECKIT_EMRFS_CONFIG_OPTIONS_INIT: no name, no resource.  SECKIT_EINVAL
 * when opts is NULL or the version is unknown. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_emrfs_config_options_init(seckit_emrfs_config_options *opts, unsigned int version,
                                 seckit_error *err);

/* Read a security configuration in any of the three shapes (detected from
 * the content).  Strict: a missing AuthorizationConfiguration,
 * EmrFsConfiguration or RoleMappings, a mapping without Role,
 * IdentifierType or Identifiers, an unknown member or IdentifierType, an
 * empty Identifiers list, an identifier that is not a non-empty string, a
 * Role that is not an IAM role ARN, or a Prefix that is not an
 * s3://bucket[/key] location gives SECKIT_EFORMAT with err's line and column
 * set (line from 1, column from 0) and a message saying what and where in
 * the document ("RoleMappings[2].IdentifierType 'Users' is not User, Group
 * or Prefix").  Inside a JSON string (describe-security-configuration's
 * SecurityConfiguration, or a CloudFormation property given as a string)
 * positions are mapped through the string's escapes to the file (for a
 * YAML string, the string's own position), and the message adds the line
 * and column inside the string.  CloudFormation intrinsic functions are refused
 * (the values must be literal).  opts may be NULL. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_emrfs_config_parse(seckit_emrfs_config **out, const char *data, size_t len,
                          const seckit_emrfs_config_options *opts, seckit_error *err);
SECKIT_EXPORT void seckit_emrfs_config_free(seckit_emrfs_config *c);

/* ------------------------------------------------------------------ */
/* Locations */

/* Normalise an S3 location: s3a:// and s3n:// become s3:// (the scheme is
 * case-insensitive), a bare "s3://bucket" becomes "s3://bucket/".  Writes
 * the normalised location to out (NUL-terminated, at most cap bytes), the
 * bucket name to bucket (may be NULL; at most bucket_cap bytes) and sets
 * *key (may be NULL) to the key inside out (after the bucket's '/'; "" for
 * the bucket's root).  SECKIT_EINVAL when uri is not s3://bucket[/key] (no
 * bucket, a character bucket names cannot have, a control character);
 * SECKIT_ELIMIT when a buffer is too small. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_emrfs_location_parse(char *out, size_t cap, char *bucket,
                                                                size_t bucket_cap, const char **key,
                                                                const char *uri, seckit_error *err);

/* ------------------------------------------------------------------ */
/* Users and groups */

/* A user database read from a file: lines "user: group1 group2 ..." (a user
 * and the groups it belongs to) and /etc/group lines "group:x:gid:u1,u2"
 * (a group and its members); '#' starts a comment; empty lines are skipped.
 * Both kinds may be mixed.  A group named in either kind counts as known,
 * as does a user. */
typedef struct seckit_emrfs_groups seckit_emrfs_groups;

SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_emrfs_groups_parse(seckit_emrfs_groups **out,
                                                              const char *data, size_t len,
                                                              seckit_error *err);
SECKIT_EXPORT void seckit_emrfs_groups_free(seckit_emrfs_groups *g);
/* The groups of user (in file order, without repeats): sets *out to an
 * array that lives as long as g, returns its length. */
SECKIT_EXPORT size_t seckit_emrfs_groups_of(const seckit_emrfs_groups *g, const char *const **out,
                                            const char *user);
/* 1 when the file names the user (or the group), else 0. */
SECKIT_EXPORT int seckit_emrfs_groups_has_user(const seckit_emrfs_groups *g, const char *user);
SECKIT_EXPORT int seckit_emrfs_groups_has_group(const seckit_emrfs_groups *g, const char *group);

/* ------------------------------------------------------------------ */
/* Resolution */

typedef struct seckit_emrfs_identity {
    const char *user;
    const char *const *groups;
    size_t group_count;
} seckit_emrfs_identity;

typedef struct seckit_emrfs_resolution {
    const char *role; /* the role EMRFS assumes (the mapping's or the instance role) */
    long mapping;     /* index of the mapping that matched, -1 = none (instance role) */
    seckit_emrfs_identifier_type type; /* of the mapping that matched */
    const char *identifier;            /* the identifier that matched, or NULL */
    char location[2048];               /* the location as matched (normalised) */
    char reason[8192];                 /* one line: why this role */
} seckit_emrfs_resolution;

/* Which role EMRFS uses for who accessing s3_uri.  instance_role is the
 * cluster's EC2 instance role ARN.  The strings in out point into c, who or
 * instance_role. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_emrfs_resolve(const seckit_emrfs_config *c,
                                                         seckit_emrfs_resolution *out,
                                                         const char *instance_role,
                                                         const seckit_emrfs_identity *who,
                                                         const char *s3_uri, seckit_error *err);

/* ------------------------------------------------------------------ */
/* The roles' documents */

typedef struct seckit_emrfs_roles seckit_emrfs_roles;

typedef enum seckit_emrfs_document_kind {
    SECKIT_EMRFS_TRUST = 0,   /* the role's trust policy */
    SECKIT_EMRFS_PERMISSIONS, /* an identity policy attached to or inline in the role */
    SECKIT_EMRFS_BOUNDARY     /* the role's permissions boundary */
} seckit_emrfs_document_kind;

SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_emrfs_roles_new(seckit_emrfs_roles **out,
                                                           seckit_error *err);
SECKIT_EXPORT void seckit_emrfs_roles_free(seckit_emrfs_roles *r);
/* Add every role of an `aws iam get-account-authorization-details` output:
 * trust policy, inline policies, attached managed policies (default
 * version from the same file's Policies list; an AWS managed policy that is
 * not in the file is left out and counted in *missing, may be NULL) and
 * permissions boundary.  Errors carry the position in the file. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_emrfs_roles_add_authorization_details(seckit_emrfs_roles *r, size_t *missing,
                                             const char *data, size_t len, seckit_error *err);
/* Add one policy document of a role (JSON text: a bare policy, or `aws iam
 * get-role` / `get-role-policy` / `get-policy-version` output).  source
 * names it in messages (a file name). */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_emrfs_roles_add_document(seckit_emrfs_roles *r, const char *role_arn,
                                seckit_emrfs_document_kind kind, const char *text, size_t len,
                                const char *source, seckit_error *err);
/* 1 when the role (by ARN; a role's path is not compared) has a trust policy
 * or any policy in r. */
SECKIT_EXPORT int seckit_emrfs_roles_has(const seckit_emrfs_roles *r, const char *role_arn);

/* ------------------------------------------------------------------ */
/* Checks */

/* Ask the system whether a user (is_group 0) or group (1) exists: 1 yes,
 * 0 no, negative when it cannot tell (the check is skipped). */
typedef int (*seckit_emrfs_known_fn)(void *ctx, int is_group, const char *name);

typedef struct seckit_emrfs_check_options {
    unsigned int version;            /* SECKIT_EMRFS_CHECK_OPTIONS_VERSION */
    const char *instance_role;       /* required: the cluster's EC2 instance role ARN */
    const seckit_emrfs_roles *roles; /* required */
    const seckit_iam_data *data;     /* optional: service data (action resource types) */
    seckit_emrfs_known_fn known;     /* optional: unknown users and groups */
    void *known_ctx;
} seckit_emrfs_check_options;

#define SECKIT_EMRFS_CHECK_OPTIONS_VERSION 1
#define SECKIT_EMRFS_CHECK_OPTIONS_INIT                                                            \
    {                                                                                              \
        SECKIT_EMRFS_CHECK_OPTIONS_VERSION, 0, 0, 0, 0, 0                                          \
    }

/* Fill opts with the defaults of this version of the structure (pass
 * SECKIT_EMRFS_CHECK_OPTIONS_VERSION), the same as
 * SECKIT_EMRFS_CHECK_OPTIONS_INIT: every member NULL (instance_role and
 * roles must then be set).  SECKIT_EINVAL when opts is NULL or the version
 * is unknown. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_emrfs_check_options_init(seckit_emrfs_check_options *opts, unsigned int version,
                                seckit_error *err);

/* Findings in the linter's shape; free with seckit_emrfs_findings_free.
 * Positions are in the security configuration's file. */
typedef struct seckit_emrfs_findings {
    seckit_policy_finding *items;
    size_t count;
    void *internal_;
} seckit_emrfs_findings;

SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_emrfs_check(const seckit_emrfs_config *c,
                                                       seckit_emrfs_findings **out,
                                                       const seckit_emrfs_check_options *opts,
                                                       seckit_error *err);
SECKIT_EXPORT void seckit_emrfs_findings_free(seckit_emrfs_findings *f);

/* Every issue code seckit_emrfs_check can report (docs/checks.md). */
SECKIT_EXPORT size_t seckit_emrfs_checks(const seckit_policy_check_info **table);

/* ------------------------------------------------------------------ */
/* Access */

typedef enum seckit_emrfs_decision {
    SECKIT_EMRFS_ALLOWED = 0,
    SECKIT_EMRFS_EXPLICIT_DENY,
    SECKIT_EMRFS_IMPLICIT_DENY
} seckit_emrfs_decision;

/* "Allowed", "ExplicitDeny", "ImplicitDeny". */
SECKIT_EXPORT const char *seckit_emrfs_decision_name(seckit_emrfs_decision d);

typedef struct seckit_emrfs_access {
    seckit_emrfs_resolution resolution;
    seckit_emrfs_decision decision;
    char
        resource[2100]; /* the ARN evaluated: the bucket's for a bucket action, else the object's */
    char detail[1024];  /* one line: the statement(s) that decided, or why none did */
} seckit_emrfs_access;

/* Resolve the role for who and s3_uri, then evaluate the role's policies
 * (identity policies and permissions boundary, with policy-eval's evaluator;
 * no bucket policy) for action ("s3:GetObject"; an S3 action without
 * wildcards, else SECKIT_EINVAL) as a session of the role.  A bucket action
 * (one whose resource type in the service data is the bucket; without data,
 * one whose name contains "Bucket" or is s3:ListMultipartUploads) is
 * evaluated on the bucket's ARN, any other on the object's ARN.  The
 * resolved role's documents must be in roles (else SECKIT_ENOTFOUND).
 * data may be NULL. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_emrfs_can_access(const seckit_emrfs_config *c, seckit_emrfs_access *out,
                        const seckit_emrfs_roles *roles, const seckit_iam_data *data,
                        const char *instance_role, const seckit_emrfs_identity *who,
                        const char *action, const char *s3_uri, seckit_error *err);

#ifdef __cplusplus
}
#endif
#endif
