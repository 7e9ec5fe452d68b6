/* Internal (policy/): the CloudFormation intrinsic-function evaluator that
 * policy/inputs_cfn.c runs over the policies it extracts from a template.
 *
 * Intrinsic functions are evaluated with placeholders (docs/policy-inputs.md
 * has the rule):
 *  - pseudo parameters get fixed values: AWS::AccountId 000000000000,
 *    AWS::Region us-east-1, AWS::Partition aws, AWS::URLSuffix amazonaws.com,
 *    AWS::StackName StackName; AWS::NoValue removes the element;
 *  - Ref to a parameter gives its Default, else the parameter's name;
 *  - Ref / Fn::GetAtt to a resource give what CloudFormation would return,
 *    built from the logical id: a name, or an ARN of the right service and
 *    shape for the resource type (arn:aws:s3:::MyBucket,
 *    arn:aws:iam::000000000000:role/MyRole, ...);
 *  - where a whole value in an ARN place (Resource, NotResource,
 *    Principal.AWS, a condition key ending in "Arn") cannot be resolved to
 *    an ARN, it becomes a well-formed ARN of the statement's first action's
 *    service whose resource part is the name (arn:aws:sqs:us-east-1:
 *    000000000000:QueueParam);
 *  - Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::FindInMap, Fn::Base64,
 *    Fn::GetAZs are computed from those values; Fn::If takes its first
 *    branch (in a list, both branches); Fn::ImportValue and anything else
 *    unknown becomes the name it was given (or "Unresolved").
 * Placeholders never contain '*' or '?', so every wildcard in a linted
 * policy was written by the template's author; and they are well-formed, so
 * they cause no invalid-ARN findings of their own. */
#ifndef SECKIT_POLICY_CFN_EVAL_H
#define SECKIT_POLICY_CFN_EVAL_H

#include "policy/inputs_internal.h"

#define SKT_CFN_ACCOUNT "000000000000"
#define SKT_CFN_REGION "us-east-1"

/* A value Fn::Sub built with an unknown parameter's placeholder in it, and
 * the same with ${Param} there instead, for messages (newest first). */
typedef struct sub_rec {
    const char *value, *shown;
    struct sub_rec *next;
} sub_rec;

typedef struct cfn {
    skt_in_list *l;
    skt_in_doc *doc;
    const skt_in_node *params, *resources, *mappings;
    seckit_error *err;
    sub_rec *subs; /* in doc's arena */
} cfn;

/* Evaluation context. */
typedef struct ectx {
    int arn;         /* this value stands where an ARN is expected */
    const char *svc; /* the statement's first action's service, for placeholders */
} ectx;

/* Evaluate a (sub)tree: a copy with every intrinsic function replaced.
 * *out NULL means "no value" (AWS::NoValue). */
int skt_cfn_eval(cfn *c, const skt_in_node *n, const ectx *x, unsigned depth, skt_in_node **out);
/* A synthetic string node with the text s (NULL when out of memory). */
skt_in_node *skt_cfn_cstr(cfn *c, const skt_in_pos *p, const char *s);
/* Add key: val to obj (val NULL: the failure that made it). */
int skt_cfn_obj_put(cfn *c, skt_in_node *obj, const char *key, const skt_in_pos *kp,
                    skt_in_node *val);
/* The error code of a failed node allocation. */
int skt_cfn_oom(cfn *c);
/* Text of a scalar result (strings, numbers, booleans); NULL otherwise. */
const char *skt_cfn_scalar_text(const skt_in_node *n);

#endif
