/* seckit/eval.h - evaluate an AWS request against IAM policies offline.
 *
 * The decision follows the IAM User Guide's policy evaluation logic, single
 * and cross account: an explicit Deny in any policy wins; SCPs and RCPs must
 * allow; a same-account resource-based policy can grant on its own (to an
 * IAM user, a role session or a federated-user session); identity policies,
 * the permissions boundary and the session policy must otherwise all allow;
 * anything else is an implicit deny.
 *
 * Usage:
 *
 *     seckit_policy_set *set;
 *     seckit_policy_set_new(&set, &err);
 *     seckit_policy_set_add(set, SECKIT_EVAL_IDENTITY, "ReadOnly", "ro.json",
 *                           text, len, &err);
 *     seckit_eval_request req = {
 *         .principal = "arn:aws:iam::111122223333:user/alice",
 *         .action = "s3:GetObject",
 *         .resource = "arn:aws:s3:::bucket/key",
 *         .resource_account = "111122223333",
 *     };
 *     seckit_eval_result *res;
 *     seckit_policy_eval(set, &req, &res, &err);
 *     if (seckit_eval_result_decision(res) == SECKIT_DECISION_ALLOWED) ...
 *     seckit_eval_result_free(res);
 *     seckit_policy_set_free(set);
 *
 * Everything here is pure (no I/O).  A compiled set is read-only after it is
 * built: any number of threads may evaluate requests against one set at once.
 * Strings handed in are copied.  A result's strings (policy names, Sids,
 * files, missing keys) belong to the set and the result: free results
 * before the set they came from.
 */
#ifndef SECKIT_EVAL_H
#define SECKIT_EVAL_H

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
/* Policy sets */

/* The role a policy plays in a decision. */
typedef enum seckit_eval_role {
    SECKIT_EVAL_IDENTITY = 0, /* the principal's identity-based policies */
    SECKIT_EVAL_RESOURCE,     /* the resource's resource-based policy (one) */
    SECKIT_EVAL_BOUNDARY,     /* the principal's permissions boundary (one) */
    SECKIT_EVAL_SCP,          /* service control policies (principal's account) */
    SECKIT_EVAL_RCP,          /* resource control policies (resource's account) */
    SECKIT_EVAL_SESSION,      /* the session policy passed at AssumeRole (one) */
    SECKIT_EVAL_ROLE_COUNT_
} seckit_eval_role;

/* "identity", "resource", "boundary", "scp", "rcp", "session". */
SECKIT_EXPORT const char *seckit_eval_role_name(seckit_eval_role role);

/* A compiled set of policies, each with its role, name and file. */
typedef struct seckit_policy_set seckit_policy_set;

SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_policy_set_new(seckit_policy_set **out,
                                                          seckit_error *err);
SECKIT_EXPORT void seckit_policy_set_free(seckit_policy_set *set);

/* Optional service reference data: with it, actions whose service data lists
 * no resource type (wildcard-only) only match Resource "*"-like patterns, and
 * policies added afterwards record their condition keys' declared types.
 * data must outlive the set. */
SECKIT_EXPORT void seckit_policy_set_use_data(seckit_policy_set *set, const seckit_iam_data *data);

/* Compile one policy document given as JSON text and add it.  name (e.g. the
 * policy's name; NULL = file) and file (for file:line in results; may be
 * NULL) are copied.  A document that is not a valid policy (bad JSON, missing
 * Effect, an unknown condition operator, a malformed value) is refused with
 * SECKIT_EFORMAT and a message with file:line:column; nothing is added.
 * Identity, boundary, session and SCP statements take no Principal;
 * resource-based and RCP statements need Principal or NotPrincipal.
 * Adding a second RESOURCE, BOUNDARY or SESSION policy is SECKIT_EINVAL. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_policy_set_add(seckit_policy_set *set,
                                                          seckit_eval_role role, const char *name,
                                                          const char *file, const char *json,
                                                          size_t len, seckit_error *err);

/* The same for an already parsed tree (its spans are used as they are).
 * The tree may be freed after the call. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_policy_set_add_tree(seckit_policy_set *set, seckit_eval_role role, const char *name,
                           const char *file, const seckit_json *root, seckit_error *err);

/* Add the identity policies (inline, attached managed, and for a user those
 * of its groups) and the permissions boundary of one principal, taken from
 * the output of `aws iam get-account-authorization-details` (JSON text).
 * principal is the user's or role's ARN, or a role session ARN
 * (arn:aws:sts::ACCT:assumed-role/ROLE/SESSION, for which the role's policies
 * are taken).  SECKIT_ENOTFOUND when the dump has no such user or role, or
 * lacks a group or managed policy it names (a partial set would decide
 * wrongly); policies added before such a failure stay in the set. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_policy_set_add_authorization_details(seckit_policy_set *set, const char *file,
                                            const char *json, size_t len, const char *principal,
                                            seckit_error *err);

/* Number of policies in the set with the given role. */
SECKIT_EXPORT size_t seckit_policy_set_count(const seckit_policy_set *set, seckit_eval_role role);

/* ------------------------------------------------------------------ */
/* Requests */

/* The IAM policy simulator's context key types (ContextKeyType). */
typedef enum seckit_context_type {
    SECKIT_CONTEXT_STRING = 0,
    SECKIT_CONTEXT_STRING_LIST,
    SECKIT_CONTEXT_NUMERIC,
    SECKIT_CONTEXT_NUMERIC_LIST,
    SECKIT_CONTEXT_BOOLEAN,
    SECKIT_CONTEXT_BOOLEAN_LIST,
    SECKIT_CONTEXT_DATE,
    SECKIT_CONTEXT_DATE_LIST,
    SECKIT_CONTEXT_IP,
    SECKIT_CONTEXT_IP_LIST,
    SECKIT_CONTEXT_BINARY,
    SECKIT_CONTEXT_BINARY_LIST,
    SECKIT_CONTEXT_TYPE_COUNT_
} seckit_context_type;

/* "string", "stringList", ..., "binaryList".  parse is case-insensitive and
 * returns 0 or SECKIT_EINVAL. */
SECKIT_EXPORT const char *seckit_context_type_name(seckit_context_type t);
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_context_type_parse(seckit_context_type *out,
                                                              const char *s, seckit_error *err);
/* 1 for the *List types. */
SECKIT_EXPORT int seckit_context_type_is_list(seckit_context_type t);

/* One context key and its values (one value for the single-valued types).
 * Values are text as the simulator takes them: numbers in decimal, dates in
 * ISO 8601 or epoch seconds, booleans "true"/"false", IPs as addresses or
 * CIDRs, binary in base64. */
typedef struct seckit_context_entry {
    const char *key; /* e.g. "aws:SourceIp" (case-insensitive) */
    seckit_context_type type;
    const char *const *values;
    size_t count;
} seckit_context_entry;

typedef struct seckit_eval_request {
    /* The caller: IAM user, role, role session (sts assumed-role),
     * federated user, account root ARN, or a service principal
     * ("ec2.amazonaws.com"); NULL = anonymous. */
    const char *principal;
    const char *action;   /* "s3:GetObject" (no wildcards) */
    const char *resource; /* ARN, or "*" for actions on no resource */
    /* The resource's account (12 digits) where the ARN does not say (S3);
     * NULL = the ARN's account, else the principal's. */
    const char *resource_account;
    const seckit_context_entry *context;
    size_t context_count;
} seckit_eval_request;

/* ------------------------------------------------------------------ */
/* Results */

typedef enum seckit_decision {
    SECKIT_DECISION_ALLOWED = 0,
    SECKIT_DECISION_EXPLICIT_DENY,
    SECKIT_DECISION_IMPLICIT_DENY
} seckit_decision;

/* "allowed", "explicitDeny", "implicitDeny" (the simulator's EvalDecision). */
SECKIT_EXPORT const char *seckit_decision_name(seckit_decision d);

/* A statement that decided the result. */
typedef struct seckit_eval_statement {
    seckit_eval_role role;
    const char *policy; /* the policy's name */
    const char *file;   /* the policy's file, or NULL */
    const char *sid;    /* the statement's Sid, or NULL */
    size_t index;       /* position in the policy's Statement list, from 0 */
    int deny;           /* 1 for Effect Deny */
    seckit_span span;   /* the statement object in its file */
} seckit_eval_statement;

typedef struct seckit_eval_result seckit_eval_result;

/* Evaluate one request.  Fails (negative code) only on a malformed request
 * (no action, a context value that does not parse as its type) or memory;
 * a denial is a successful evaluation. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_policy_eval(const seckit_policy_set *set,
                                                       seckit_eval_result **out,
                                                       const seckit_eval_request *req,
                                                       seckit_error *err);
SECKIT_EXPORT void seckit_eval_result_free(seckit_eval_result *res);

SECKIT_EXPORT seckit_decision seckit_eval_result_decision(const seckit_eval_result *res);

/* The statements that decided: for an explicit deny, the matching Deny
 * statements; for an allow, the Allow statements that granted it (in each
 * role that had to allow); for an implicit deny, none.  *out may be NULL. */
SECKIT_EXPORT size_t seckit_eval_result_statements(const seckit_eval_result *res,
                                                   const seckit_eval_statement **out);

/* Context keys a condition needed but the request did not give (as written
 * in the policy, deduplicated case-insensitively, in first-use order). */
SECKIT_EXPORT size_t seckit_eval_result_missing_keys(const seckit_eval_result *res,
                                                     const char *const **out);

/* Did each gate pass?  SCP / RCP sets (1 when none given), the permissions
 * boundary (1 when none), the session policy (1 when none): for explaining
 * an implicit deny. */
#define SECKIT_EVAL_PASSED_SCP 0x1u
#define SECKIT_EVAL_PASSED_RCP 0x2u
#define SECKIT_EVAL_PASSED_BOUNDARY 0x4u
#define SECKIT_EVAL_PASSED_SESSION 0x8u
#define SECKIT_EVAL_PASSED_IDENTITY 0x10u /* an identity policy allows */
#define SECKIT_EVAL_PASSED_RESOURCE 0x20u /* the resource policy allows */
SECKIT_EXPORT unsigned seckit_eval_result_gates(const seckit_eval_result *res);

/* One line saying why, e.g. "explicit deny in scp DenyAll statement 0". */
SECKIT_EXPORT const char *seckit_eval_result_reason(const seckit_eval_result *res);

#ifdef __cplusplus
}
#endif
#endif
