/* policy/model.h - the typed (compiled) IAM policy model and the shared
 * primitives the evaluator stands on: ARN splitting and per-field matching,
 * condition values parsed by operator family with three-valued evaluation,
 * action-pattern matching, and policy-variable substitution.
 *
 * A compiled policy lives in an arena; every string in it is NUL-terminated
 * and every element keeps the span of the JSON node it came from.  Not
 * installed. */
#ifndef SECKIT_POLICY_MODEL_H
#define SECKIT_POLICY_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "policy/internal.h"
#include "seckit/eval.h"
#include "seckit/policy.h"
#include "seckit/json.h"
#include "seckit/iam_data.h"

/* ---- ARNs (arn.c) ---- */

/* The six fields of arn:partition:service:region:account:resource.  The
 * resource field is the rest of the text (it may contain ':' and '/'). */
enum {
    SKT_ARN_PARTITION = 0,
    SKT_ARN_SERVICE,
    SKT_ARN_REGION,
    SKT_ARN_ACCOUNT,
    SKT_ARN_RESOURCE,
    SKT_ARN_NFIELDS
};

typedef struct skt_arn {
    const char *f[SKT_ARN_NFIELDS]; /* pointers into the text, not NUL-terminated */
    size_t len[SKT_ARN_NFIELDS];
} skt_arn;

/* Split s at its first five colons into up to six fields (the last one runs
 * to the end, colons and all): f[i] and len[i] for each, returns how many
 * (1 to 6).  The linter reports malformed ARNs from these fields. */
size_t skt_arn_fields(const char *s, size_t n, const char **f, size_t *len);

/* Split "arn:..." into its fields; 0 when s is not an ARN (fewer than six
 * colon-separated parts, or not starting with "arn:"). */
int skt_arn_split(const char *s, size_t n, skt_arn *out);

/* Does ARN pattern pat (already split, may hold '*' and '?') match arn?
 * Each of the first four fields is matched on its own ('*' does not cross
 * ':'), case-insensitively for partition/service/region/account; the
 * resource field case-sensitively, where '*' spans '/' and ':'. */
int skt_arn_match(const skt_arn *pat, const skt_arn *arn);

/* The resource type ("s3:object") whose ARN pattern fits arn: placeholders
 * ${X} match one run of characters without '/' or ':'.  Returns the type or
 * NULL. */
const skt_iam_rtype *skt_arn_resource_type(const seckit_iam_data *d, const char *arn, size_t n);
/* Does one ARN pattern of the service data (with ${X} placeholders) match
 * arn?  A placeholder matches one or more characters other than '/' and ':',
 * except the last one of the resource field, which takes the rest. */
int skt_arn_pattern_fits(const char *pattern, const char *arn, size_t n);

/* ---- policy variables (vars.c) ---- */

/* Looks a single-valued context key up (case-insensitive): returns 1 and
 * sets *val and *len, or 0 when the request does not have it. */
typedef int (*skt_var_lookup)(void *ctx, const char *key, size_t klen, const char **val,
                              size_t *len);

/* Does s contain a "${" that starts a variable?  (Inline, with memchr
 * finding each '$': the linter asks it of nearly every string it reads.) */
static inline int skt_vars_present(const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        const char *dollar = memchr(s + i, '$', n - 1 - i);
        if (dollar == NULL)
            return 0;
        i = (size_t)(dollar - s);
        if (s[i + 1] == '{')
            return 1;
    }
    return 0;
}

/* Substitute the variables of s[0..n) into b, as a pattern for
 * skt_glob_match_esc: ${key} by the key's value, ${key, 'default'} by the
 * default when the key is missing, ${*} ${?} ${$} by the characters; every
 * character that came from a value or a ${*}-like escape is literal, so it
 * is written with a backslash before it when it is '*', '?' or '\\'; the
 * characters of s itself are escaped as skt_glob_escape(wild) does.  Returns 1 on success, 0 when
 * a variable had no value and no default (*missing names it), -1 when a
 * "${" has no closing '}'. */
int skt_vars_substitute(const char *s, size_t n, int wild, skt_var_lookup lookup, void *ctx,
                        skt_sb *b, const char **missing_key, size_t *missing_len);

/* Escape s[0..n) for skt_glob_match_esc (every '*', '?', '\\' literal) or,
 * with wild set, only its backslashes (its '*' and '?' stay wildcards). */
void skt_glob_escape(skt_sb *b, const char *s, size_t n, int wild);
/* Remove the escapes of such a pattern (for exact comparisons). */
size_t skt_glob_unescape(char *s, size_t n);
/* skt_glob_match where "\\c" in pat is the character c, literally. */
int skt_glob_match_esc(const char *pat, size_t plen, const char *s, size_t slen, int ci);

/* ---- condition operators and values (condition.c) ---- */

typedef enum skt_cond_op {
    SKT_OP_STRING_EQUALS = 0,
    SKT_OP_STRING_NOT_EQUALS,
    SKT_OP_STRING_EQUALS_IGNORE_CASE,
    SKT_OP_STRING_NOT_EQUALS_IGNORE_CASE,
    SKT_OP_STRING_LIKE,
    SKT_OP_STRING_NOT_LIKE,
    SKT_OP_NUMERIC_EQUALS,
    SKT_OP_NUMERIC_NOT_EQUALS,
    SKT_OP_NUMERIC_LESS_THAN,
    SKT_OP_NUMERIC_LESS_THAN_EQUALS,
    SKT_OP_NUMERIC_GREATER_THAN,
    SKT_OP_NUMERIC_GREATER_THAN_EQUALS,
    SKT_OP_DATE_EQUALS,
    SKT_OP_DATE_NOT_EQUALS,
    SKT_OP_DATE_LESS_THAN,
    SKT_OP_DATE_LESS_THAN_EQUALS,
    SKT_OP_DATE_GREATER_THAN,
    SKT_OP_DATE_GREATER_THAN_EQUALS,
    SKT_OP_BOOL,
    SKT_OP_BINARY_EQUALS,
    SKT_OP_IP_ADDRESS,
    SKT_OP_NOT_IP_ADDRESS,
    SKT_OP_ARN_EQUALS,
    SKT_OP_ARN_LIKE,
    SKT_OP_ARN_NOT_EQUALS,
    SKT_OP_ARN_NOT_LIKE,
    SKT_OP_NULL,
    SKT_OP_COUNT_
} skt_cond_op;

typedef enum skt_cond_family {
    SKT_FAM_STRING = 0,
    SKT_FAM_NUMERIC,
    SKT_FAM_DATE,
    SKT_FAM_BOOL,
    SKT_FAM_BINARY,
    SKT_FAM_IP,
    SKT_FAM_ARN,
    SKT_FAM_NULL
} skt_cond_family;

typedef enum skt_set_op { SKT_SET_NONE = 0, SKT_SET_FOR_ALL, SKT_SET_FOR_ANY } skt_set_op;

typedef struct skt_op_info {
    const char *name;
    skt_cond_family family;
    int negated;   /* StringNotEquals, NotIpAddress, ... */
    int variables; /* values may hold policy variables */
    size_t name_len;
} skt_op_info;

const skt_op_info *skt_cond_op_info(skt_cond_op op);

/* Parse an operator name: "ForAnyValue:StringLikeIfExists" etc.  0 or -1.
 * NullIfExists parses (as SKT_OP_NULL with *if_exists set): the linter
 * reports it, the compiler refuses it. */
int skt_cond_op_parse(const char *s, size_t n, skt_cond_op *op, skt_set_op *set, int *if_exists);

/* A typed value: for a policy value parsed once at compile time, for a
 * request value parsed when compared. */
typedef struct skt_ip {
    int v6; /* 0: IPv4 (addr[0..4)), 1: IPv6 */
    uint8_t addr[16];
    unsigned prefix; /* CIDR prefix length (32/128 for an address) */
} skt_ip;

/* What the lint mode of the condition compiler records on a value that
 * does not fit its operator, where the strict compile fails (with the
 * message in parentheses). */
typedef enum skt_value_problem {
    SKT_VP_NONE = 0,
    SKT_VP_NOT_SCALAR,  /* an object, an array or null ("condition values must
                            be strings, numbers or booleans"): str NULL */
    SKT_VP_JSON_TYPE,   /* a JSON type with no values of the family, a number
                            or a boolean for BinaryEquals ("condition value does
                            not fit its operator"): str NULL */
    SKT_VP_TEXT,        /* the text is not a value of the family (the same) */
    SKT_VP_NO_SUCH_DATE /* a date's shape whose fields name no date or time
                            that exists (the same; skt_date_check says why) */
} skt_value_problem;

typedef struct skt_cond_value {
    const char *str; /* the text as written (NUL-terminated) */
    size_t len;
    /* string/ARN values with ${...} (2012-10-17 only); in lint mode every
     * JSON string with a "${", whatever the Version and the operator (the
     * linter says where variables are not expanded); not typed */
    int has_vars;
    double num;      /* NUMERIC */
    int64_t time_ms; /* DATE: epoch milliseconds */
    int boolean;     /* BOOL: 1 "true", 0 "false" (case-insensitive) */
    skt_ip ip;       /* IP */
    uint8_t *bytes;  /* BINARY (decoded base64) */
    size_t nbytes;
    skt_arn arn; /* ARN: split when it is an ARN */
    int is_arn;
    skt_value_problem problem; /* lint mode (else SKT_VP_NONE) */
    const seckit_json *node;   /* the JSON value it came from, while the tree lives */
} skt_cond_value;

/* Parse text as the family's type into v (str/len are set by the caller).
 * Returns 0, or -1 when the text is not a value of that type (DATE: -2 when
 * it has a date's shape but names no date or time that exists, as
 * skt_date_check says).  BINARY's
 * bytes are allocated in a (a NULL a only checks the text: bytes NULL,
 * nbytes their count).  The linter and the evaluator both parse with it. */
int skt_cond_value_parse(skt_cond_family fam, const char *s, size_t n, skt_arena *a,
                         skt_cond_value *v);
/* The text a JSON condition value e stands for, as both the compiler and
 * the linter read it: a string's or a number's text as written, "true" or
 * "false" for a boolean.  Returns 0; -1 when e's JSON type cannot hold a
 * value of the family (BinaryEquals takes only strings: a number or a
 * boolean is no base64); -2 when e is an object, an array or null. */
static inline int skt_cond_value_text(skt_cond_family fam, const seckit_json *e, const char **s,
                                      size_t *n)
{
    switch (e->kind) {
    case SECKIT_JSON_STRING: break;
    case SECKIT_JSON_NUMBER:
    case SECKIT_JSON_TRUE:
    case SECKIT_JSON_FALSE:
        /* base64 is text: a number or a boolean is no BinaryEquals value */
        if (fam == SKT_FAM_BINARY)
            return -1;
        break;
    default: return -2;
    }
    if (e->kind == SECKIT_JSON_TRUE) {
        *s = "true";
        *n = 4;
    } else if (e->kind == SECKIT_JSON_FALSE) {
        *s = "false";
        *n = 5;
    } else {
        *s = e->str;
        *n = e->len;
    }
    return 0;
}

/* A number of the Numeric operators: an integer or a decimal, [+-]digits
 * with at most one '.' and at least one digit, of any length; no exponent,
 * hex, inf/nan or spaces.  A value beyond a double's range is +-HUGE_VAL.
 * BINARY values are RFC 4648 base64: a multiple of four characters, at
 * most two '=' of padding at the end. */
int skt_parse_number(const char *s, size_t n, double *out);
/* A date of IAM's W3C ISO 8601 profile, YYYY[-MM[-DD[Thh:mm[:ss[.s+]][Z|+hh:mm]]]],
 * or epoch seconds (digits only: no sign, fraction or exponent, whether the
 * policy writes it as a JSON string or number), naming a date and time that
 * exist (month 01-12, the month's days, 00:00-23:59, second 60 as a leap
 * second, offsets to 23:59).  skt_date_check returns 0, -1 when the text
 * is not of that shape, -2 when its fields name no date or time (why, when
 * not NULL, says which, in up to cap bytes); skt_parse_date returns 0 or -1.
 * The linter and the evaluator accept the same texts. */
int skt_date_check(const char *s, size_t n, int64_t *ms, char *why, size_t cap);
int skt_parse_date(const char *s, size_t n, int64_t *ms);
/* An IPv4 or IPv6 address with an optional /prefix (inet_pton's forms). */
int skt_parse_ip(const char *s, size_t n, skt_ip *out);
int skt_ip_in(const skt_ip *net, const skt_ip *addr);

/* ---- the compiled policy ---- */

/* SKT_EFFECT_NONE only in lint mode: no Effect, or not "Allow"/"Deny". */
typedef enum skt_effect { SKT_EFFECT_ALLOW = 0, SKT_EFFECT_DENY, SKT_EFFECT_NONE } skt_effect;

/* A statement's elements, in the order the lint mode checks them. */
typedef enum skt_element {
    SKT_EL_SID = 0,
    SKT_EL_EFFECT,
    SKT_EL_PRINCIPAL,
    SKT_EL_NOT_PRINCIPAL,
    SKT_EL_ACTION,
    SKT_EL_NOT_ACTION,
    SKT_EL_RESOURCE,
    SKT_EL_NOT_RESOURCE,
    SKT_EL_CONDITION,
    SKT_EL_COUNT_
} skt_element;

/* The element named key ("NotAction"), or -1. */
int skt_element_of(const char *key);

typedef enum skt_principal_kind {
    SKT_PRIN_ANY = 0,        /* "*" or {"AWS": "*"} */
    SKT_PRIN_ACCOUNT,        /* 123456789012 or arn:aws:iam::123456789012:root */
    SKT_PRIN_USER,           /* arn:aws:iam::A:user/path/name */
    SKT_PRIN_ROLE,           /* arn:aws:iam::A:role/path/name */
    SKT_PRIN_SESSION,        /* arn:aws:sts::A:assumed-role/R/S */
    SKT_PRIN_FEDERATED_USER, /* arn:aws:sts::A:federated-user/N */
    SKT_PRIN_SERVICE,        /* {"Service": "ec2.amazonaws.com"} */
    SKT_PRIN_FEDERATED,      /* {"Federated": IdP host or provider ARN} */
    SKT_PRIN_CANONICAL,      /* {"CanonicalUser": id} */
    SKT_PRIN_OTHER           /* another AWS ARN or unique id (AIDA...) */
} skt_principal_kind;

/* The principal type a principal is listed under. */
typedef enum skt_principal_type {
    SKT_PTYPE_AWS = 0, /* also the whole "*" of Principal "*" */
    SKT_PTYPE_SERVICE,
    SKT_PTYPE_FEDERATED,
    SKT_PTYPE_CANONICAL
} skt_principal_type;

typedef struct skt_principal {
    skt_principal_kind kind;
    const char *text; /* as written */
    size_t len;
    char account[13];        /* the account it belongs to, "" when none */
    seckit_span span;        /* where it is written */
    const seckit_json *node; /* the source node while the tree lives (NULL
                                once compiled into a set) */
    unsigned char type;      /* skt_principal_type */
    unsigned char list_bad;  /* lint mode: its type's list has an entry that
                                is not a string (a problem) */
    unsigned char in_list;   /* written as an entry of its type's list (not
                                as the type's string, nor as Principal "*") */
} skt_principal;

typedef struct skt_action_pat {
    const char *service; /* lowercased; "*" for the bare "*" */
    size_t service_len;
    const char *name; /* lowercased, may hold '*' '?' */
    size_t name_len;
    int all;          /* "*" */
    int service_wild; /* the service part holds '*' or '?' */
    seckit_span span;
    const seckit_json *node;
} skt_action_pat;

typedef struct skt_resource_pat {
    const char *text;
    size_t len;
    int all;    /* "*" */
    int is_arn; /* split into arn (else matched as a whole glob) */
    skt_arn arn;
    int has_vars; /* ${...} in the resource field (2012-10-17) */
    int nfields;  /* lint mode: how many fields skt_arn_fields finds (1 to
                      6; 0 for "*"); arn holds the five after the first
                      when it is 6, whatever the first is */
    seckit_span span;
    const seckit_json *node;
} skt_resource_pat;

/* What the lint mode of the condition compiler records on a condition
 * (bits of skt_condition.problems) where the strict compile fails (with
 * the message in parentheses). */
enum {
    /* the operator: every condition of its keys has the bit */
    SKT_CP_OPERATOR = 1u << 0,       /* its name is no operator ("unknown condition
                                        operator"): op, set, if_exists 0; no values */
    SKT_CP_NULL_IF_EXISTS = 1u << 1, /* NullIfExists ("Null takes no IfExists"): no values */
    SKT_CP_NOT_OBJECT = 1u << 2,     /* its value is not an object of keys ("a
                                        condition operator takes an object of keys") */
    /* the key */
    SKT_CP_VALUES_TYPE = 1u << 3, /* its value is an object or null ("condition values
                                     must be strings, numbers or booleans"): no values */
    SKT_CP_NO_VALUES = 1u << 4,   /* its value is [] ("a condition key needs at least one
                                     value") */
    SKT_CP_VALUE = 1u << 5        /* a value has a problem (skt_cond_value.problem) */
};

/* One key of one operator of a Condition.  In lint mode an operator with no
 * key to compile (its value not an object, or {}) is kept as one condition
 * with key NULL and node its operator's member. */
typedef struct skt_condition {
    skt_cond_op op;
    skt_set_op set;
    int if_exists;
    const char *key; /* as written */
    size_t key_len;
    unsigned key_type; /* skt_key_type from the service data; SKT_KEY_OTHER
                          when unknown or compiled without data */
    int key_known;     /* the service data has the key (key_type is its type) */
    skt_cond_value *values;
    size_t nvalues;
    unsigned problems;          /* lint mode: SKT_CP_* bits (else 0) */
    seckit_span span;           /* the key's member */
    const seckit_json *node;    /* the key's member node */
    const seckit_json *op_node; /* the operator's member node (the conditions of one
                                   operator follow each other) */
} skt_condition;

typedef struct skt_statement {
    skt_effect effect;
    const char *sid; /* NULL when none */
    size_t index;
    seckit_span span;
    int has_principal, not_principal;
    /* the principals, one per string entry, in order; in lint mode those
     * of Principal (principals[0..principal_split)) then those of
     * NotPrincipal, when a statement has both */
    skt_principal *principals;
    size_t nprincipals, principal_split;
    int not_action;
    skt_action_pat *actions;
    size_t nactions;
    int has_resource, not_resource;
    skt_resource_pat *resources;
    size_t nresources;
    skt_condition *conditions;
    size_t nconditions;
    const seckit_json *node;
    /* the member node of each element (the last of repeated ones is not
     * kept: repeats are problems) */
    const seckit_json *elem[SKT_EL_COUNT_];
    /* lint mode: bit (1u << e) for an element of the wrong JSON type or an
     * empty list (a Condition: {}) (its entries are not to be checked); for
     * Principal and NotPrincipal also a string other than "*" or an empty
     * object */
    unsigned bad;
    /* lint mode: bit (1u << e) for a Principal or NotPrincipal some of
     * whose parts are not in principals: an unknown principal type, a type
     * whose value is not a string or a list, [], or an entry that is not a
     * string (each a problem) */
    unsigned partial;
    /* lint mode: when Principal is an object (even {}), SKT_PMEMBERS_OBJECT,
     * and for each of its members bit (1u << skt_principal_type) of its
     * principal type, or SKT_PMEMBERS_OTHER when it names none; 0 when
     * there is no Principal or it is not an object */
    unsigned principal_members;
} skt_statement;

#define SKT_PMEMBERS_OTHER 0x40u
#define SKT_PMEMBERS_OBJECT 0x80u

typedef struct skt_policy {
    seckit_eval_role role;
    const char *name;
    const char *file;
    int variables; /* Version 2012-10-17: ${...} are variables */
    skt_statement *statements;
    size_t nstatements;
} skt_policy;

/* What the lint mode of the compiler records instead of failing. */
typedef enum skt_problem_kind {
    SKT_PB_NOT_OBJECT = 0, /* the policy or a statement is not an object */
    SKT_PB_DUPLICATE,      /* an element written twice (node: the repeat) */
    SKT_PB_UNKNOWN,        /* not an element of the policy or statement,
                              or not a principal type */
    SKT_PB_WRONG_TYPE,     /* element of the wrong JSON type */
    SKT_PB_ENTRY_TYPE,     /* a list entry that is not a string */
    SKT_PB_MISSING,        /* element missing (node: the policy or statement) */
    SKT_PB_INVALID,        /* Version or Effect with another value, a
                              Principal string other than "*" */
    SKT_PB_EMPTY_LIST,     /* element is [] (a Principal {}) */
    SKT_PB_BOTH            /* X and NotX (node: the NotX member) */
} skt_problem_kind;

typedef struct skt_problem {
    skt_problem_kind kind;
    const char *element;     /* "Version", "Statement", "Effect", ... */
    long statement;          /* its index; -1 for the policy's own elements */
    const seckit_json *node; /* where: link back into the tree */
} skt_problem;

typedef struct skt_problems {
    skt_problem *items;
    size_t n, cap;
    /* the policy's Version and Statement members (NULL: none, or only
     * repeated ones; Statement also when it is [] or not a list) */
    const seckit_json *version, *statement;
    int v2012; /* Version is "2012-10-17" */
} skt_problems;

/* Compile a policy tree into a (allocated in a, strings copied).  data
 * (may be NULL) gives the conditions' key types.  On a malformed policy
 * returns SECKIT_EFORMAT with "file:line:col: what". */
int skt_policy_compile(skt_arena *a, const seckit_json *root, seckit_eval_role role,
                       const char *name, const char *file, const seckit_iam_data *data,
                       skt_policy *out, seckit_error *err);

/* The same compiler in lint mode, for the linter's one pass over the tree:
 * bad parts are recorded in pb (in the order the linter reports them) and
 * skipped, not fatal; strings are not copied but point into the tree (which
 * must outlive out); every statement entry is kept, an entry of the wrong
 * type as a statement with only its node; actions are split in place, case
 * kept (skt_action_split), one per entry of Action (else NotAction), a
 * non-string entry with service and name NULL; resources likewise split
 * in place (skt_resource_split), one per entry of Resource (else
 * NotResource), a non-string entry zeroed but for its node; principals
 * classified (skt_principal_classify for AWS ones), one per string entry of
 * a known principal type, Principal's then NotPrincipal's, their bad parts
 * recorded as problems (element "Principal" or "NotPrincipal" for the
 * element itself, "a principal" for a type's member or entry).  Conditions
 * are compiled by the strict mode's code, bad parts recorded on them
 * (skt_condition.problems, skt_cond_value.problem) and the compile going
 * on; key types are looked up in data as the strict compile does (key_known
 * and key_type; none when data is NULL); a Condition that is not an object,
 * or is {}, has its bit in bad and no conditions.  The policy's role and
 * names are not used.  Returns 0, or SECKIT_ENOMEM. */
int skt_policy_compile_lint(skt_arena *a, const seckit_json *root, const seckit_iam_data *data,
                            skt_policy *out, skt_problems *pb, seckit_error *err);

/* Classify a principal string of the AWS kind (account id, ARN, "*"). */
void skt_principal_classify(const char *s, size_t n, skt_principal *out);

/* Split an action entry s[0..n) into p as written (service and name point
 * into s, case kept; p->all for "*"; p->service_wild when the part before
 * the first ':', or the whole text when it has none, holds a wildcard): 0 when it is "*" or service:name with
 * neither part empty, else -1 (service and name NULL when there is no ':',
 * else split at the first ':' with the empty part's length 0).  The
 * compiler lowercases copies of the parts; the linter reads them in place. */
static inline int skt_action_split(const char *s, size_t n, skt_action_pat *p)
{
    if (n == 1 && s[0] == '*') {
        p->all = 1;
        p->service_wild = 1;
        p->service = p->name = "*";
        p->service_len = p->name_len = 1;
        return 0;
    }
    p->all = 0;
    p->service_wild = 0;
    /* the service prefix is short: a loop beats memchr calls */
    size_t i = 0;
    for (; i < n && s[i] != ':'; i++)
        if (s[i] == '*' || s[i] == '?')
            p->service_wild = 1;
    if (i == n) {
        p->service = p->name = NULL;
        p->service_len = p->name_len = 0;
        return -1;
    }
    p->service = s;
    p->service_len = i;
    p->name = s + i + 1;
    p->name_len = n - p->service_len - 1;
    return p->service_len > 0 && p->name_len > 0 ? 0 : -1;
}

/* Split a resource entry s[0..n) into p as the lint mode does, in place
 * (text points into s), in one pass: all for "*", else nfields (as
 * skt_arn_fields counts them) and, when there are six fields, arn (is_arn
 * when the first one is "arn"); has_vars 0.  span and node are not set. */
void skt_resource_split(const char *s, size_t n, skt_resource_pat *p);

/* Does an action pattern match "svc:name" (case-insensitive)? */
int skt_action_match(const skt_action_pat *pat, const char *svc, size_t svc_len, const char *name,
                     size_t name_len);

#endif
