/* Internal: a small strict XML reader for AWS responses (S3, STS, IAM,
 * CloudFront).  Elements, attributes (checked, not kept), text, CDATA,
 * comments, processing instructions, the five predefined entities and
 * numeric character references.  No DTDs (refused), no other entities.
 * Limits: SKT_XML_MAX_INPUT bytes, SKT_XML_MAX_DEPTH nesting,
 * SKT_XML_MAX_NODES elements.  Not installed. */
#ifndef SECKIT_AWS_XML_H
#define SECKIT_AWS_XML_H

#include <stddef.h>

#include "seckit/error.h"

#define SKT_XML_MAX_INPUT (64u << 20)
#define SKT_XML_MAX_DEPTH 64
#define SKT_XML_MAX_NODES 1000000

typedef struct skt_xml_node {
    char *name; /* as written, e.g. "Code" or "s3:Code" */
    char *text; /* concatenated character data of this element (never NULL) */
    size_t text_len;
    struct skt_xml_node *parent;
    struct skt_xml_node *child; /* first child element */
    struct skt_xml_node *last;  /* last child element */
    struct skt_xml_node *next;  /* next sibling element */
} skt_xml_node;

/* Parse a whole document; *root is its root element.  SECKIT_EFORMAT with
 * the byte offset on anything malformed; SECKIT_ELIMIT past a limit. */
int skt_xml_parse(const void *data, size_t len, skt_xml_node **root, seckit_error *err);
void skt_xml_free(skt_xml_node *root);

/* The local name (after any "prefix:"). */
const char *skt_xml_local(const skt_xml_node *n);
/* The first child element with local name `name`, or NULL. */
const skt_xml_node *skt_xml_child(const skt_xml_node *n, const char *name);
/* The next sibling after n with the same local name, or NULL. */
const skt_xml_node *skt_xml_next_same(const skt_xml_node *n);
/* Follow a '/'-separated path of local names from n ("Error/Code"). */
const skt_xml_node *skt_xml_path(const skt_xml_node *n, const char *path);
/* The text at a path, or NULL when the element is absent. */
const char *skt_xml_text(const skt_xml_node *n, const char *path);

/* Append s escaped for XML text or attribute values. */
struct skt_writer;
int skt_xml_escape(struct skt_writer *w, const char *s, seckit_error *err);

#endif
