/* Internal to policy/inputs*.c: a small document tree with source positions
 * (in the document's arena) that both the JSON and the YAML readers
 * produce, and the JSON writer that
 * turns a (sub)tree back into policy text while recording, for each token it
 * writes, where that token came from in the input file.  Not installed. */
#ifndef SECKIT_POLICY_INPUTS_INTERNAL_H
#define SECKIT_POLICY_INPUTS_INTERNAL_H

#include <stddef.h>

#include "policy/internal.h"
#include "policy/json_internal.h"
#include "seckit/error.h"
#include "seckit/policy_inputs.h"
#include "seckit/json.h"

/* Limits on what the readers accept (checked before allocating). */
#define SKT_IN_MAX_DEPTH 96 /* nesting of arrays/objects/mappings */
/* Values in one document (YAML aliases count each time they are expanded):
 * SKT_IN_MAX_NODES plus one per SKT_IN_NODES_PER_BYTE bytes of input, so a
 * 64 MiB get-account-authorization-details dump (about 3 million values) fits
 * while alias bombs stop early. */
#define SKT_IN_MAX_NODES 1000000
#define SKT_IN_NODES_PER_BYTE 16
#define SKT_IN_MAX_TEXT (64u << 20) /* generated policy text */
/* seckit_json_parse's defaults, which linting a policy's text applies: a
 * policy found in a JSON file is linted from the file's tree only within
 * them (else from its text, which reports the limit as today). */
#define SKT_IN_LINT_MAX_TEXT (8u << 20)
#define SKT_IN_LINT_MAX_DEPTH 64u

typedef enum skt_in_kind {
    SKT_IN_NULL,
    SKT_IN_FALSE,
    SKT_IN_TRUE,
    SKT_IN_NUMBER, /* str holds the number's text as written */
    SKT_IN_STRING,
    SKT_IN_ARRAY,
    SKT_IN_OBJECT /* kids alternate key (a STRING node), value */
} skt_in_kind;

/* A position in the file: the public type (seckit/error.h), short name. */
typedef seckit_position skt_in_pos;

typedef struct skt_in_doc skt_in_doc;

typedef struct skt_in_node {
    skt_in_kind kind;
    const char *str; /* STRING (decoded, NUL-terminated) or NUMBER text */
    size_t len;
    const char *tag; /* YAML tag ("!Ref") or NULL */
    skt_in_pos pos;  /* where the node starts in the file */
    size_t end;      /* file offset just past the node (JSON only) */
    int raw_escaped; /* JSON string token contained escapes */
    int block;       /* YAML literal/folded block scalar (no 1:1 map) */
    int unquoted;    /* YAML plain scalar: pos is the text, not a quote */
    int synthetic;   /* made up (intrinsic function result): no 1:1 map */
    struct skt_in_node **kids;
    size_t n, cap;
    skt_in_doc *doc;   /* whose arena holds the node */
    seckit_json *json; /* JSON input: the node json.c read this from */
} skt_in_node;

struct skt_in_doc {
    skt_in_node *root;
    size_t nodes;          /* count */
    size_t limit;          /* at most this many (0: SKT_IN_MAX_NODES) */
    skt_arena arena;       /* every node, kids array and string */
    seckit_json_doc *jdoc; /* JSON input: the file as json.c read it */
    skt_json_file_info jinfo;
    int view_full; /* root is jdoc's full view (skt_in_json_tree) */
};

void skt_in_doc_init(skt_in_doc *doc, size_t limit);
/* Frees the arena, and jdoc unless the caller took it (set it to NULL). */
void skt_in_doc_free(skt_in_doc *doc);

/* Tree helpers (nodes are freed with their document). */
skt_in_node *skt_in_node_new(skt_in_doc *doc, skt_in_kind kind, const skt_in_pos *pos,
                             seckit_error *err);
int skt_in_node_add(skt_in_node *parent, skt_in_node *kid, seckit_error *err);
int skt_in_node_set_str(skt_in_node *n, const char *s, size_t len, seckit_error *err);
/* The value of key `key` in an object (first match), or NULL. */
skt_in_node *skt_in_get(const skt_in_node *obj, const char *key);
/* The string value of key `key`, or NULL when absent or not a string. */
const char *skt_in_get_str(const skt_in_node *obj, const char *key);
/* Deep copy (tags included); counts nodes in doc. */
skt_in_node *skt_in_copy(skt_in_doc *doc, const skt_in_node *n, seckit_error *err);

/* JSON reader: the whole of data must be one JSON value (RFC 8259; no
 * comments, no trailing commas).  Errors carry the line/column/offset.
 * Reads the file into doc->jdoc (json.c's tree; doc->root stays NULL). */
int skt_in_json_parse(const char *data, size_t len, skt_in_doc *doc, seckit_error *err);
/* doc->root from doc->jdoc (the nodes point back to jdoc's).  Unless
 * full, the members of objects under PolicyDocument, Document and
 * AssumeRolePolicyDocument are left out: the AWS CLI outputs and Terraform
 * only hand those on whole.  CloudFormation needs the full view. */
int skt_in_json_tree(skt_in_doc *doc, int full, seckit_error *err);
/* YAML reader (libyaml): the first document.  Tags are kept on the nodes. */
int skt_in_yaml_parse(const char *data, size_t len, skt_in_doc *doc, seckit_error *err);

/* The list being built. */
typedef struct skt_in_list {
    seckit_policy_input *items;
    size_t n, cap;
    const char *data; /* the input file */
    size_t len;
    /* Trees of written policies (skt_in_add_tree), or NULL; none when the
     * file held invalid UTF-8. */
    seckit_json_doc *built;
    int bad_utf8;
} skt_in_list;

/* Set scope (logical id, address) and ignore (comma-separated issue codes)
 * on the items added since index from (each may be NULL). */
int skt_in_set_scope(skt_in_list *l, size_t from, const char *scope, const char *ignore,
                     seckit_error *err);
/* Add a policy whose text is data[start->offset, end) verbatim. */
int skt_in_add_slice(skt_in_list *l, const skt_in_pos *start, size_t end, seckit_policy_type type,
                     seckit_policy_resource_type resource_type, const char *owner,
                     seckit_error *err);
/* Add a policy given as a string node (JSON text, or URL-encoded JSON text). */
int skt_in_add_string(skt_in_list *l, const skt_in_node *s, seckit_policy_type type,
                      seckit_policy_resource_type resource_type, const char *owner,
                      seckit_error *err);
/* Add a policy written out from a tree (anchors map tokens back to the file). */
int skt_in_add_tree(skt_in_list *l, const skt_in_node *tree, seckit_policy_type type,
                    seckit_policy_resource_type resource_type, const char *owner,
                    seckit_error *err);
/* Add a policy whose document node is either an object (from JSON: its
 * verbatim slice) or a string (skt_in_add_string). */
int skt_in_add_document(skt_in_list *l, const skt_in_node *doc, seckit_policy_type type,
                        seckit_policy_resource_type resource_type, const char *owner,
                        seckit_error *err);

/* CloudFormation (JSON or YAML tree). */
int skt_in_cfn_extract(skt_in_list *l, skt_in_doc *doc, seckit_error *err);
/* Is this tree a CloudFormation template? */
int skt_in_is_cfn(const skt_in_node *root);

#endif
