/* seckit/json.h - a strict JSON (RFC 8259) tree with source positions,
 * duplicate keys detected; pure, no I/O.
 *
 * Positions follow IAM Access Analyzer: line from 1, column from 0 (in
 * bytes), offset from 0 (bytes into the text); a span's start is inclusive
 * and its end exclusive.
 */
#ifndef SECKIT_JSON_H
#define SECKIT_JSON_H

#include <stddef.h>

#include "seckit/export.h"
#include "seckit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Spans (seckit_position is in seckit/error.h) */

typedef struct seckit_span {
    seckit_position start; /* inclusive */
    seckit_position end;   /* exclusive */
} seckit_span;

/* ------------------------------------------------------------------ */
/* JSON tree with positions (strict RFC 8259; duplicate keys detected) */

typedef enum seckit_json_kind {
    SECKIT_JSON_NULL = 0,
    SECKIT_JSON_FALSE,
    SECKIT_JSON_TRUE,
    SECKIT_JSON_NUMBER,
    SECKIT_JSON_STRING,
    SECKIT_JSON_ARRAY,
    SECKIT_JSON_OBJECT
} seckit_json_kind;

typedef struct seckit_json seckit_json;
struct seckit_json {
    seckit_json_kind kind;
    /* STRING: the decoded value (UTF-8, NUL-terminated; may contain NUL
     * bytes from \u0000, so use len).  NUMBER: the number's source text.
     * Otherwise NULL. */
    const char *str;
    size_t len;
    /* Members of an object: the decoded key and its span; NULL otherwise. */
    const char *key;
    size_t key_len;
    seckit_span key_span;
    /* The value's span (for strings including the quotes). */
    seckit_span span;
    /* Tree links.  Children of arrays/objects in document order. */
    seckit_json *parent;
    seckit_json *child; /* first child */
    seckit_json *next;  /* next sibling */
    size_t count;       /* number of children */
    size_t index;       /* position among the parent's children */
    /* Set on an object member whose key repeats an earlier key of the same
     * object exactly (strict JSON would be ambiguous). */
    int duplicate_key;
};

/* A parsed document owns all its nodes (one arena). */
typedef struct seckit_json_doc seckit_json_doc;

typedef struct seckit_json_options {
    unsigned int version; /* SECKIT_JSON_OPTIONS_VERSION */
    size_t max_size;      /* bytes; 0 = 8 MiB */
    unsigned max_depth;   /* nesting; 0 = 64 */
    /* Position of text[0] in a larger file (e.g. a policy embedded in a
     * CloudFormation template); line 0 = the text starts the file.  Columns
     * are shifted only on the first line. */
    seckit_position base;
} seckit_json_options;

#define SECKIT_JSON_OPTIONS_VERSION 1
#define SECKIT_JSON_OPTIONS_INIT                                                                   \
    {                                                                                              \
        SECKIT_JSON_OPTIONS_VERSION, 0, 0,                                                         \
        {                                                                                          \
            0                                                                                      \
        }                                                                                          \
    }

/* Fill opts with the defaults of this version of the structure (pass
 * SECKIT_JSON_OPTIONS_VERSION), the same as SECKIT_JSON_OPTIONS_INIT: the 8
 * MiB and 64-level limits, text at the start of its file.  SECKIT_EINVAL
 * when opts is NULL or the version is unknown. */
SECKIT_EXPORT SECKIT_MUST_CHECK int
seckit_json_options_init(seckit_json_options *opts, unsigned int version, seckit_error *err);

/* Parse len bytes of JSON.  On failure returns SECKIT_EFORMAT (or ELIMIT)
 * and sets err's message and position to where parsing stopped.
 * opts may be NULL. */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_json_parse(seckit_json_doc **out, const char *text,
                                                      size_t len, const seckit_json_options *opts,
                                                      seckit_error *err);
SECKIT_EXPORT const seckit_json *seckit_json_root(const seckit_json_doc *doc);
SECKIT_EXPORT void seckit_json_free(seckit_json_doc *doc);

/* Member of an object by exact key (first occurrence), or NULL. */
SECKIT_EXPORT const seckit_json *seckit_json_get(const seckit_json *obj, const char *key);

/* Building a tree by hand (e.g. from YAML), so it can be linted with
 * seckit_policy_lint_tree.  Nodes live in doc's arena; str/key are copied.
 * For a member of an object pass key (else NULL); parent NULL makes the
 * root (only one root). */
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_json_doc_new(seckit_json_doc **out, seckit_error *err);
SECKIT_EXPORT SECKIT_MUST_CHECK int seckit_json_add(seckit_json_doc *doc, seckit_json **out,
                                                    seckit_json *parent, seckit_json_kind kind,
                                                    const char *key, size_t key_len,
                                                    const char *str, size_t len,
                                                    const seckit_span *span, seckit_error *err);

#ifdef __cplusplus
}
#endif
#endif
