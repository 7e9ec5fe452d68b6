/* Internal to policy/emrfs*.c: the roles' documents and the one place that
 * asks the policy evaluator for a decision.  Not installed. */
#ifndef SECKIT_POLICY_EMRFS_INTERNAL_H
#define SECKIT_POLICY_EMRFS_INTERNAL_H

#include <stddef.h>

#include "policy/internal.h"
#include "seckit/emrfs.h"
#include "seckit/error.h"

/* Limits of the readers. */
#define SKT_EMRFS_MAX_MAPPINGS 10000u
#define SKT_EMRFS_MAX_IDENTIFIERS 100000u
#define SKT_EMRFS_MAX_NAME 1024u /* user, group, role ARN */
#define SKT_EMRFS_MAX_URI 2000u  /* s3://bucket/key */
#define SKT_EMRFS_MAX_GROUP_LINES 1000000u

typedef struct skt_emrfs_doc {
    const char *text; /* NUL-terminated JSON policy */
    size_t len;
    const char *source; /* "file.json: role/X (inline policy P)" */
} skt_emrfs_doc;

typedef struct skt_emrfs_role {
    const char *arn;
    const char *account; /* 12 digits */
    const char *name;    /* the role name (no path) */
    skt_emrfs_doc trust; /* text NULL when not given */
    skt_emrfs_doc boundary;
    skt_emrfs_doc *perms;
    size_t nperms, capperms;
} skt_emrfs_role;

struct seckit_emrfs_roles {
    skt_arena arena;
    skt_emrfs_role **items;
    size_t n, cap;
};

/* The role by ARN (account and name compared; the path is not), or NULL. */
const skt_emrfs_role *skt_emrfs_role_find(const seckit_emrfs_roles *r, const char *arn);

/* "arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME": 1 when arn is one, with
 * its account (12 digits, copied to account[13]) and the start of its name
 * (after the last '/'). */
int skt_emrfs_role_arn_split(const char *arn, char account[13], const char **name);

/* The evaluator: may principal (a role session's ARN, whose role's
 * identity policies and boundary are `role`'s; role may be NULL for "no
 * identity policies") perform action on resource, with the resource's
 * policy resource_policy (NULL for none; a trust policy for
 * sts:AssumeRole)?  identity_only / resource_only leave the other side out
 * (for diagnostics).  detail gets one line: the statements that decided or
 * why nothing allowed. */
typedef enum skt_emrfs_sides {
    SKT_EMRFS_BOTH = 0,
    SKT_EMRFS_IDENTITY_ONLY,
    SKT_EMRFS_RESOURCE_ONLY
} skt_emrfs_sides;

int skt_emrfs_decide(const skt_emrfs_role *role, const char *principal, const char *action,
                     const char *resource, const skt_emrfs_doc *resource_policy,
                     skt_emrfs_sides sides, seckit_emrfs_decision *out, char *detail,
                     size_t detail_cap, seckit_error *err);

#endif
