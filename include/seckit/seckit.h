/* seckit/seckit.h - libseckit: CloudFront field-level encryption, AWS
 * Encryption SDK messages, S3 client-side encryption and IAM policy checks.
 * Includes every public module header. */
#ifndef SECKIT_SECKIT_H
#define SECKIT_SECKIT_H

#include "seckit/export.h"
#include "seckit/error.h"
#include "seckit/aws.h"
#include "seckit/cloudfront.h"
#include "seckit/encoding.h"
#include "seckit/emrfs.h"
#include "seckit/esdk.h"
#include "seckit/file.h"
#include "seckit/fle.h"
#include "seckit/iam.h"
#include "seckit/iam_data.h"
#include "seckit/json.h"
#include "seckit/keys.h"
#include "seckit/kms.h"
#include "seckit/policy.h"
#include "seckit/policy_inputs.h"
#include "seckit/eval.h"
#include "seckit/s3.h"
#include "seckit/s3cse.h"
#include "seckit/s3cse_object.h"
#include "seckit/secret.h"
#include "seckit/sigv4.h"
#include "seckit/ssm.h"
#include "seckit/sts.h"
#include "seckit/version.h"

#endif
