/* Internal helpers shared by policy/: an arena allocator, a growable string
 * builder with a hard limit, and the internals of the service data.
 * Not installed. */
#ifndef SECKIT_POLICY_INTERNAL_H
#define SECKIT_POLICY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "seckit/error.h"
#include "seckit/policy.h"
#include "seckit/json.h"
#include "seckit/iam_data.h"

/* ---- arena: many small allocations freed at once ---- */
typedef struct skt_arena_block skt_arena_block;
typedef struct skt_arena {
    skt_arena_block *head;
    size_t total;              /* bytes handed out (for limits) */
    skt_arena_block *borrowed; /* the caller's first block: not freed */
} skt_arena;

void skt_arena_init(skt_arena *a);
/* The same, with the caller's buffer (on the stack, say: size bytes that
 * outlive the arena) as the first block, so small uses call no malloc. */
void skt_arena_init_buf(skt_arena *a, void *buf, size_t size);
void skt_arena_free(skt_arena *a);
/* Zeroed, 8-byte aligned; NULL on out of memory. */
void *skt_arena_alloc(skt_arena *a, size_t n);
/* The same, not zeroed (for arrays whose every field the caller sets). */
void *skt_arena_alloc_raw(skt_arena *a, size_t n);
/* Copy of n bytes plus a NUL. */
char *skt_arena_strndup(skt_arena *a, const char *s, size_t n);
char *skt_arena_strdup(skt_arena *a, const char *s);
char *skt_arena_printf(skt_arena *a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* ---- string builder ---- */
typedef struct skt_sb {
    char *data;
    size_t len, cap, limit;
    int failed; /* sticky: out of memory or over limit */
} skt_sb;

void skt_sb_init(skt_sb *b, size_t limit);
void skt_sb_free(skt_sb *b);
void skt_sb_put(skt_sb *b, const char *s, size_t n);
void skt_sb_str(skt_sb *b, const char *s);
void skt_sb_printf(skt_sb *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* s as a JSON string literal, quotes included. */
void skt_sb_json_str(skt_sb *b, const char *s, size_t n);

/* ---- JSON (json.c) ---- */
/* Characters of v printed as minified JSON (the size IAM quotas count). */
size_t skt_json_minified_size(const seckit_json *v);

/* The bytes p[0..n), n <= 8, as one word, zero-padded (for hashing and
 * comparing names eight bytes at a time); pieces of 8, 4, 2 and 1 bytes.
 * The byte order within the word is the machine's: words are only
 * compared with words loaded the same way. */
static inline uint64_t skt_load_word(const char *p, size_t n)
{
    uint64_t w = 0;
    if (n >= 8) {
        memcpy(&w, p, 8);
        return w;
    }
    size_t at = 0;
    if (n & 4) {
        uint32_t w4;
        memcpy(&w4, p, 4);
        w = w4;
        at = 4;
    }
    if (n & 2) {
        uint16_t w2;
        memcpy(&w2, p + at, 2);
        w |= (uint64_t)w2 << (8 * at);
        at += 2;
    }
    if (n & 1)
        w |= (uint64_t)(unsigned char)p[at] << (8 * at);
    return w;
}

/* Eight bytes in one word with ASCII A-Z lowercased (the lower[] table's
 * folding, eight bytes at once, for the hashes of names): a byte is upper
 * case when, with its top bit clear, adding 0x80 - 'A' sets the top bit
 * and adding 0x80 - ('Z' + 1) does not (no carry crosses a byte). */
static inline uint64_t skt_ascii_lower8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull;
    uint64_t low7 = w & (0x7f * ones);
    uint64_t ge_a = low7 + (0x80 - 'A') * ones;
    uint64_t gt_z = low7 + (0x80 - 'Z' - 1) * ones;
    uint64_t upper = ge_a & ~gt_z & ~w & (0x80 * ones);
    return w | (upper >> 2);
}

/* ---- lint.c ---- */
/* seckit_policy_lint_tree for a tree parsed from `text` (positions as the
 * tree has them): the size quotas count the text, exactly as
 * seckit_policy_lint(text) would, so the text need not be parsed again. */
int skt_policy_lint_tree_text(const seckit_json *root, const char *text, size_t text_len,
                              const seckit_policy_lint_options *opts, seckit_policy_findings **out,
                              seckit_error *err);
/* Replace the message of finding i with a copy of msg (owned by f);
 * SECKIT_ENOMEM when there is no memory for it. */
int skt_policy_findings_set_message(seckit_policy_findings *f, size_t i, const char *msg);

/* ---- wildcard matching (match.c) ---- */
/* IAM glob: '*' any run, '?' one char.  ci = case-insensitive. */
int skt_glob_match(const char *pat, size_t plen, const char *s, size_t slen, int ci);

/* ---- service data (data.c) ---- */

/* A hash index of names, built once at load so that lookups (many per
 * policy) cost one hash instead of a binary search of case-insensitive
 * compares: open addressing with linear probing in a power-of-two table
 * kept at most 3/4 full.  item = the entry's index + 1 (0: empty slot). */
typedef struct skt_name_slot {
    uint32_t hash;
    uint32_t item;
} skt_name_slot;

typedef struct skt_name_index {
    skt_name_slot *slots;
    size_t mask; /* table size - 1 */
} skt_name_index;

typedef struct skt_iam_action {
    const char *name;    /* "s3:GetObject", NUL-terminated (compared case-insensitively) */
    const char *display; /* "s3:GetObject" */
    size_t name_len;
    size_t perm_pos;       /* position in perm_actions, or SIZE_MAX if not one */
    unsigned access;       /* SECKIT_ACCESS_* */
    const char *resources; /* "object*,bucket" (trailing * = required); "" */
    const char *keys;      /* condition keys, comma-separated, lowercase */
    int wildcard_only;     /* no resource type: only Resource "*" applies */
} skt_iam_action;

typedef struct skt_iam_rtype {
    const char *name; /* "s3:bucket" */
    const char *arn;  /* ARN pattern with ${X} placeholders */
    const char *keys;
    /* precomputed at load: the resource part as a glob (${X} -> '*') and
     * whether the pattern has a region / an account field */
    const char *res_glob;
    size_t res_glob_len;
    int has_region, has_account, valid;
    const char *arn_svc; /* the ARN's service field (not NUL-terminated) */
    size_t arn_svc_len;
} skt_iam_rtype;

/* A condition key's declared type; the ARRAY bit marks the multi-valued
 * ("ArrayOf...") keys. */
typedef enum skt_key_type {
    SKT_KEY_STRING = 0,
    SKT_KEY_NUMERIC,
    SKT_KEY_DATE,
    SKT_KEY_BOOL,
    SKT_KEY_ARN,
    SKT_KEY_IP,
    SKT_KEY_BINARY,
    SKT_KEY_OTHER,
    SKT_KEY_ARRAY = 0x10
} skt_key_type;

/* The type of the service data's name for it ("ArrayOfString" ->
 * SKT_KEY_STRING | SKT_KEY_ARRAY). */
unsigned skt_key_type_parse(const char *s);

typedef struct skt_iam_key {
    const char *name; /* lowercase, e.g. "s3:x-amz-acl", "aws:resourcetag/${tagkey}" */
    const char *type; /* "String", "ArrayOfString", "ARN", ... */
    size_t name_len;
    unsigned ktype; /* skt_key_type */
} skt_iam_key;

/* The learn-more link of seckit's own checks: the installed checks.md (the
 * build passes its path), as an absolute file:// URI as SARIF's helpUri must
 * be, followed by the code in lower case. */
#ifndef SKT_CHECKS_DOC
#define SKT_CHECKS_DOC "/usr/local/share/doc/seckit/checks.md"
#endif
#define SKT_OWN_LINK "file://" SKT_CHECKS_DOC "#"

#define SKT_TAG_RESOURCE 0x1u /* some action/resource type takes aws:ResourceTag/ */
#define SKT_TAG_REQUEST 0x2u  /* aws:RequestTag/ */
#define SKT_TAG_KEYS 0x4u     /* aws:TagKeys */

typedef struct skt_iam_service {
    const char *prefix;
    size_t prefix_len;
    const char *name;
    size_t action_first, action_count;
    size_t perm_first, perm_count; /* its actions' positions in perm_actions */
    unsigned tags;                 /* SKT_TAG_* */
} skt_iam_service;

/* A run of by_arn_service with one ARN service: [first, first + count) */
typedef struct skt_arn_service_run {
    const char *svc; /* not NUL-terminated */
    size_t len, first, count;
} skt_arn_service_run;

struct seckit_iam_data {
    char *buf;
    size_t len;
    char date[32];
    char source[128];
    const char *rcp_services; /* "svc,svc,..." or NULL */
    skt_iam_service *services;
    size_t nservices;
    skt_iam_action *actions; /* sorted by name */
    size_t nactions;
    skt_iam_rtype *rtypes; /* sorted by name */
    size_t nrtypes;
    skt_iam_key *keys; /* sorted by name */
    size_t nkeys;
    size_t *perm_actions; /* indexes of Permissions-management actions */
    size_t nperm;
    char *globs;                          /* storage of the rtypes' res_glob strings */
    const skt_iam_rtype **by_arn_service; /* rtypes sorted by ARN service */
    size_t nby_arn_service;
    /* hash indexes (case-insensitive) of services by prefix, of actions by
     * full name (only actions inside their service's range, so one whose
     * service has no record is not found), and of condition keys by name */
    skt_name_index service_index, action_index, key_index;
    /* the templated condition keys (with '*'), indexes into keys, in
     * name order: the only ones skt_iam_key_find matches as patterns */
    size_t *templated_keys;
    size_t ntemplated_keys;
    /* by_arn_service in runs of one ARN service each, hashed (case
     * sensitively) by that service */
    skt_arn_service_run *arn_runs;
    size_t narn_runs;
    skt_name_index arn_run_index;
};

const skt_iam_service *skt_iam_service_find(const seckit_iam_data *d, const char *prefix,
                                            size_t plen);
const skt_iam_action *skt_iam_action_find(const seckit_iam_data *d, const char *name, size_t nlen);
const skt_iam_key *skt_iam_key_find(const seckit_iam_data *d, const char *name, size_t nlen);
const skt_iam_rtype *skt_iam_rtype_find(const seckit_iam_data *d, const char *name, size_t nlen);
/* An action's resource types, as the Service Authorization Reference lists
 * them: the type (NULL when the data has no record of it), whether it is
 * required, and its condition keys (the type's; the action's own keys are in
 * skt_iam_action.keys).  Fills up to max entries and returns how many the
 * action has (0 for a wildcard-only action). */
typedef struct skt_action_rtype {
    const skt_iam_rtype *rtype;
    const char *name; /* "object" (not NUL-terminated) */
    size_t name_len;
    int required;
} skt_action_rtype;
size_t skt_iam_action_rtypes(const seckit_iam_data *d, const skt_iam_action *a,
                             skt_action_rtype *out, size_t max);

/* The resource types whose ARNs have service field svc: *first is the
 * index into d->by_arn_service; returns how many. */
size_t skt_iam_rtypes_for_arn_service(const seckit_iam_data *d, const char *svc, size_t len,
                                      size_t *first);

/* Write code point cp (at most 0x10FFFF) as 1-4 bytes of UTF-8 at o;
 * returns the number of bytes.  Shared by both JSON readers. */
size_t skt_put_utf8(char *o, uint32_t cp);

#endif
