/* Internal to policy/: the JSON reader (json.c) as policy/inputs uses it to
 * read a whole input file once, and the hook that lets a tree read from a
 * file be linted with the size quotas counted on its source text.
 * Not installed. */
#ifndef SECKIT_POLICY_JSON_INTERNAL_H
#define SECKIT_POLICY_JSON_INTERNAL_H

#include <stddef.h>

#include "policy/internal.h"
#include "seckit/error.h"
#include "seckit/policy.h"
#include "seckit/json.h"

/* Limits of skt_json_parse_file (policy/inputs' limits). */
typedef struct skt_json_file_limits {
    unsigned max_depth; /* values inside at most this many arrays/objects */
    size_t max_nodes;   /* values, each object member's key counted too */
} skt_json_file_limits;

typedef struct skt_json_file_info {
    size_t nodes;     /* values and keys read */
    unsigned deepest; /* deepest nesting of arrays/objects */
    int bad_utf8;     /* a string held invalid UTF-8 (kept byte for byte) */
} skt_json_file_info;

/* Parse a whole input file (no size limit besides lim's node count).
 * Differences from seckit_json_parse: invalid UTF-8 inside strings is kept
 * and flagged in info (policy/inputs finds policies in such files; the
 * policy that holds it is then linted from its text, which reports it);
 * errors read "invalid JSON at line L column C: ...", and input that ends
 * early gives SECKIT_ETRUNCATED. */
int skt_json_parse_file(const char *text, size_t len, const skt_json_file_limits *lim,
                        seckit_json_doc **out, skt_json_file_info *info, seckit_error *err);

/* Mutable root of a document (policy/inputs detaches policy subtrees). */
seckit_json *skt_json_root_mut(seckit_json_doc *doc);

/* For trees built by hand in a document's arena (policy/inputs writes a
 * policy's text and builds the tree json.c would read from it): the
 * arena; seckit_json_parse's duplicate-key flags for one object (-1 when
 * out of memory); would json.c accept s as UTF-8 (1 yes, 0 no)? */
skt_arena *skt_json_doc_arena(seckit_json_doc *doc);
int skt_json_mark_duplicates(seckit_json *obj);
int skt_json_utf8_ok(const char *s, size_t n);

/* Characters of JSON text that count against IAM's policy size quotas:
 * neither JSON whitespace nor UTF-8 continuation bytes.  For text json.c
 * accepted, whose only bytes below 0x21 are whitespace (any such byte is
 * counted as whitespace). */
size_t skt_json_text_nonws_chars(const char *s, size_t n);

#endif
