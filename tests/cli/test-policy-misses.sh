# seckit policy lint: the mistakes of issue #12's "Misses": actions on
# resource types they do not take (also through CloudFormation), public
# resource policies, "effectively star" resources, impossible dates and
# regions.  Each item has the bad policy and near misses that must not fire.
. "$top_srcdir/tests/lib.sh"
export SECKIT_IAM_DATA="$top_srcdir/policy/data/iam-data.txt"

# policy NAME STATEMENTS...: a policy file $TMP/NAME.json with the statements
policy() {
    name=$1
    shift
    { printf '{"Version": "2012-10-17", "Statement": ['; sep=""
      for s in "$@"; do printf '%s%s' "$sep" "$s"; sep=", "; done
      printf ']}\n'; } >"$TMP/$name.json"
}
# fires NAME CODE [PATTERN] [LINT OPTIONS...]: CODE is reported (with PATTERN in its message)
fires() {
    name=$1 code=$2 pat=$3
    shift 3
    seckit policy lint --fail-on NONE "$@" "$TMP/$name.json" >"$OUT" 2>"$ERR"
    if grep " $code: " "$OUT" | grep -q -- "$pat"; then pass "$name"; else fail "$name" "no $code ($pat): $(head -c 400 "$OUT")"; fi
}
# quiet NAME CODE [LINT OPTIONS...]: CODE is not reported
quiet() {
    name=$1 code=$2
    shift 2
    seckit policy lint --fail-on NONE "$@" "$TMP/$name.json" >"$OUT" 2>"$ERR"
    if [ -s "$ERR" ]; then fail "$name" "stderr: $(head -c 300 "$ERR")"; return; fi
    if grep -q " $code: " "$OUT"; then fail "$name" "reports $code: $(grep " $code: " "$OUT" | head -c 400)"; else pass "$name"; fi
}
B='"arn:aws:s3:::example-bucket"'
O='"arn:aws:s3:::example-bucket/*"'

# ---- action and resource type do not fit
policy fit_object_on_bucket "{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": $B}"
fires fit_object_on_bucket ACTION_RESOURCE_MISMATCH "s3:GetObject applies to none.*is of type s3:bucket"
policy fit_bucket_on_objects "{\"Effect\": \"Allow\", \"Action\": \"s3:ListBucket\", \"Resource\": $O}"
fires fit_bucket_on_objects ACTION_RESOURCE_MISMATCH "s3:ListBucket applies to none"
policy fit_pattern "{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject*\", \"Resource\": $B}"
fires fit_pattern ACTION_RESOURCE_MISMATCH "no action of 's3:GetObject\*'"
policy fit_wild_bucket_objects "{\"Effect\": \"Allow\", \"Action\": \"s3:ListBucket\", \"Resource\": \"arn:aws:s3:::*/*\"}"
fires fit_wild_bucket_objects ACTION_RESOURCE_MISMATCH "s3:ListBucket"
policy fit_deny "{\"Effect\": \"Deny\", \"Action\": \"s3:DeleteObject\", \"Resource\": $B}"
fires fit_deny ACTION_RESOURCE_MISMATCH "s3:DeleteObject"
# near misses
policy fit_pairs "{\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", \"s3:ListBucket\"], \"Resource\": [$B, $O]}"
quiet fit_pairs ACTION_RESOURCE_MISMATCH
policy fit_wild_may_fit "{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::example-*\"}"
quiet fit_wild_may_fit ACTION_RESOURCE_MISMATCH
policy fit_star "{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}"
quiet fit_star ACTION_RESOURCE_MISMATCH
policy fit_some_of_pattern "{\"Effect\": \"Allow\", \"Action\": \"s3:Get*\", \"Resource\": $B}"
quiet fit_some_of_pattern ACTION_RESOURCE_MISMATCH
policy fit_not_action "{\"Effect\": \"Allow\", \"NotAction\": \"s3:GetObject\", \"Resource\": $B}"
quiet fit_not_action ACTION_RESOURCE_MISMATCH
policy fit_not_resource "{\"Effect\": \"Deny\", \"Action\": \"s3:GetObject\", \"NotResource\": $B}"
quiet fit_not_resource ACTION_RESOURCE_MISMATCH
policy fit_variable "{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::\${aws:username}\"}"
quiet fit_variable ACTION_RESOURCE_MISMATCH
policy fit_wildcard_only "{\"Effect\": \"Allow\", \"Action\": \"s3:ListAllMyBuckets\", \"Resource\": $B}"
quiet fit_wildcard_only ACTION_RESOURCE_MISMATCH
policy fit_log_group "{\"Effect\": \"Allow\", \"Action\": [\"logs:CreateLogStream\", \"logs:PutLogEvents\"], \"Resource\": \"arn:aws:logs:us-east-1:210987654321:log-group:/aws/lambda/orders:*\"}"
quiet fit_log_group ACTION_RESOURCE_MISMATCH
policy fit_aws_owned "{\"Effect\": \"Allow\", \"Action\": \"ssm:GetParameters\", \"Resource\": \"arn:aws:ssm:*::parameter/aws/service/ami-amazon-linux-latest/*\"}"
quiet fit_aws_owned ACTION_RESOURCE_MISMATCH
# the same through CloudFormation: !GetAtt Bucket.Arn is the bucket, !Join [.., '/*'] its objects
cat >"$TMP/fit.yaml" <<'YAML'
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: !GetAtt Bucket.Arn
          - Effect: Allow
            Action: s3:ListBucket
            Resource: !Join ['', [!GetAtt Bucket.Arn, '/*']]
          - Effect: Allow
            Action: s3:GetObject
            Resource: !Join ['', [!GetAtt Bucket.Arn, '/*']]
          - Effect: Allow
            Action: s3:ListBucket
            Resource: !Sub '${Bucket.Arn}'
YAML
seckit policy lint --fail-on NONE "$TMP/fit.yaml" >"$OUT" 2>"$ERR"
if [ "$(grep -c ' ACTION_RESOURCE_MISMATCH: ' "$OUT")" = 2 ] &&
    grep -q ':12:21: WARNING ACTION_RESOURCE_MISMATCH: s3:GetObject .*Statement\[0\]' "$OUT" &&
    grep -q ':15:21: WARNING ACTION_RESOURCE_MISMATCH: s3:ListBucket .*Statement\[1\]' "$OUT"; then
    pass fit_cloudformation
else
    fail fit_cloudformation "$(head -c 600 "$OUT")"
fi

# ---- public resource policies
policy public_read "{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", \"Resource\": $O}"
fires public_read PUBLIC_ACCESS "read or list" --type resource --resource-type AWS::S3::Bucket
policy public_write "{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"*\"}, \"Action\": \"s3:PutObject\", \"Resource\": $O}"
fires public_write PUBLIC_WRITE_ACCESS "write to it ('s3:PutObject')" --type resource --resource-type AWS::S3::Bucket
policy public_perms "{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": [\"*\"]}, \"Action\": \"kms:PutKeyPolicy\", \"Resource\": \"*\"}"
fires public_perms PUBLIC_WRITE_ACCESS "change its permissions" --type resource --resource-type AWS::KMS::Key
policy public_if_exists "{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"sns:Publish\", \"Resource\": \"arn:aws:sns:us-east-1:210987654321:t\", \"Condition\": {\"StringEqualsIfExists\": {\"aws:SourceAccount\": \"210987654321\"}}}"
fires public_if_exists PUBLIC_WRITE_ACCESS "sns:Publish" --type resource --resource-type AWS::SNS::Topic
policy public_negated "{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"secretsmanager:GetSecretValue\", \"Resource\": \"*\", \"Condition\": {\"StringNotEquals\": {\"aws:PrincipalOrgID\": \"o-a1b2c3d4e5\"}}}"
fires public_negated PUBLIC_ACCESS "read or list" --type resource --resource-type AWS::SecretsManager::Secret
# without --resource-type: by the actions' service
fires public_read PUBLIC_ACCESS "this resource policy" --type resource
# near misses
policy public_org "{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:PutObject\", \"Resource\": $O, \"Condition\": {\"StringEquals\": {\"aws:PrincipalOrgID\": \"o-a1b2c3d4e5\"}}}"
quiet public_org PUBLIC_WRITE_ACCESS --type resource --resource-type AWS::S3::Bucket
policy public_vpce "{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", \"Resource\": $O, \"Condition\": {\"StringEquals\": {\"aws:SourceVpce\": \"vpce-1a2b3c4d\"}}}"
quiet public_vpce PUBLIC_ACCESS --type resource --resource-type AWS::S3::Bucket
policy public_source_arn "{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"*\"}, \"Action\": \"sqs:SendMessage\", \"Resource\": \"*\", \"Condition\": {\"ArnEquals\": {\"aws:SourceArn\": \"arn:aws:sns:us-east-1:210987654321:t\"}}}"
quiet public_source_arn PUBLIC_WRITE_ACCESS --type resource --resource-type AWS::SQS::Queue
policy public_deny "{\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"s3:*\", \"Resource\": $O, \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"false\"}}}"
quiet public_deny PUBLIC_WRITE_ACCESS --type resource --resource-type AWS::S3::Bucket
policy public_account "{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::210987654321:root\"}, \"Action\": \"s3:PutObject\", \"Resource\": $O}"
quiet public_account PUBLIC_WRITE_ACCESS --type resource --resource-type AWS::S3::Bucket
quiet public_read PUBLIC_ACCESS --type resource --resource-type AWS::Lambda::Function

# ---- "effectively star": the ARN that made it so is named
policy star_roles "{\"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"arn:aws:iam::*:role/*\"}"
fires star_roles PASS_ROLE_WITH_STAR_IN_RESOURCE 'every resource ("arn:aws:iam::\*:role/\*")'
policy star_account_roles "{\"Effect\": \"Allow\", \"Action\": \"iam:*\", \"Resource\": \"arn:aws:iam::210987654321:role/*\"}"
fires star_account_roles PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE "arn:aws:iam::210987654321:role/\*"
policy star_objects "{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::*/*\"}"
fires star_objects DATA_EXFILTRATION "'arn:aws:s3:::\*/\*' covers them all"
policy star_secrets "{\"Effect\": \"Allow\", \"Action\": \"secretsmanager:PutResourcePolicy\", \"Resource\": \"arn:aws:secretsmanager:*:*:secret:*\"}"
fires star_secrets RESOURCE_EXPOSURE "secretsmanager:PutResourcePolicy"
# near misses
policy star_some_roles "{\"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"arn:aws:iam::210987654321:role/app-*\"}"
quiet star_some_roles PASS_ROLE_WITH_STAR_IN_RESOURCE
policy star_one_bucket "{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": $O}"
quiet star_one_bucket DATA_EXFILTRATION
policy star_other_type "{\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", \"ecr:GetAuthorizationToken\"], \"Resource\": \"arn:aws:s3:::*/*\"}"
quiet star_other_type CREDENTIALS_EXPOSURE

# ---- values that cannot be right
policy date_bad "{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": $O, \"Condition\": {\"DateLessThan\": {\"aws:CurrentTime\": [\"2025-13-45T25:61:00Z\", \"2024-02-30\", \"2023-02-29\"]}}}"
seckit policy lint --fail-on NONE "$TMP/date_bad.json" >"$OUT" 2>"$ERR"
[ "$(grep -c 'TYPE_MISMATCH_DATE: .* is not a date that exists' "$OUT")" = 3 ] && grep -q 'no month 13' "$OUT" &&
    grep -q '2024-02 has 29 days' "$OUT" && grep -q '2023-02 has 28 days' "$OUT" && pass date_bad || fail date_bad "$(head -c 600 "$OUT")"
policy date_time_bad "{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": $O, \"Condition\": {\"DateGreaterThan\": {\"aws:CurrentTime\": \"2025-06-01T25:61:00Z\"}}}"
fires date_time_bad TYPE_MISMATCH_DATE "not a time of day"
policy date_ok "{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": $O, \"Condition\": {\"DateLessThan\": {\"aws:CurrentTime\": [\"2024-02-29\", \"2025-12-31T23:59:59Z\", \"2025-06-30T12:00:00+05:30\", \"1735689600\", \"2026\"]}}}"
quiet date_ok TYPE_MISMATCH_DATE
policy region_bad "{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": $O, \"Condition\": {\"StringEquals\": {\"aws:RequestedRegion\": \"eu-west-9\"}}}"
fires region_bad INVALID_REGION "'eu-west-9' is not a region"
policy arn_region_bad "{\"Effect\": \"Allow\", \"Action\": \"lambda:InvokeFunction\", \"Resource\": \"arn:aws:lambda:eu-west-9:210987654321:function:f\"}"
fires arn_region_bad INVALID_ARN_REGION "'eu-west-9' is not a region"
policy region_ok "{\"Effect\": \"Allow\", \"Action\": \"lambda:InvokeFunction\", \"Resource\": [\"arn:aws:lambda:ap-southeast-7:210987654321:function:f\", \"arn:aws:lambda:eu-*:210987654321:function:f\"], \"Condition\": {\"StringEquals\": {\"aws:RequestedRegion\": [\"us-gov-west-1\", \"eusc-de-east-1\", \"cn-northwest-1\", \"mx-central-1\"]}, \"StringLike\": {\"aws:RequestedRegion\": \"eu-*\"}}}"
quiet region_ok INVALID_REGION
quiet region_ok INVALID_ARN_REGION
# ---- condition keys that only some of the statement's actions take
policy key_partial "{\"Effect\": \"Allow\", \"Action\": [\"s3:ListBucket\", \"s3:GetObject\"], \"Resource\": [$B, $O], \"Condition\": {\"StringLike\": {\"s3:prefix\": \"home/*\"}}}"
fires key_partial UNSUPPORTED_ACTION_FOR_CONDITION_KEY "'s3:prefix' is set for 1 of the statement's s3 actions but not for 1 (s3:GetObject)"
policy key_pattern "{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject*\", \"Resource\": $O, \"Condition\": {\"StringEquals\": {\"s3:ExistingObjectTag/team\": \"blue\"}}}"
fires key_pattern UNSUPPORTED_ACTION_FOR_CONDITION_KEY "but not for [0-9]* (s3:GetObjectLegalHold"
# near misses: every action takes it; global keys; bucket-level actions of a pattern on object ARNs
policy key_all "{\"Effect\": \"Allow\", \"Action\": [\"s3:ListBucket\", \"s3:ListBucketVersions\"], \"Resource\": $B, \"Condition\": {\"StringLike\": {\"s3:prefix\": \"home/*\"}}}"
quiet key_all UNSUPPORTED_ACTION_FOR_CONDITION_KEY
policy key_global "{\"Effect\": \"Allow\", \"Action\": [\"s3:Get*\", \"ec2:StartInstances\"], \"Resource\": \"*\", \"Condition\": {\"StringEquals\": {\"aws:PrincipalTag/team\": \"blue\", \"aws:RequestedRegion\": \"eu-west-1\"}}}"
quiet key_global UNSUPPORTED_ACTION_FOR_CONDITION_KEY
policy key_fitting_only "{\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", \"s3:GetObjectVersion\", \"s3:GetBucket*\"], \"Resource\": $O, \"Condition\": {\"StringEquals\": {\"s3:ExistingObjectTag/team\": \"blue\"}}}"
quiet key_fitting_only UNSUPPORTED_ACTION_FOR_CONDITION_KEY
# a key no listed action takes: the statement-wide finding only, once
policy key_none "{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": $O, \"Condition\": {\"StringLike\": {\"s3:prefix\": \"home/*\"}}}"
seckit policy lint --fail-on NONE "$TMP/key_none.json" >"$OUT" 2>"$ERR"
[ "$(grep -c ' UNSUPPORTED_ACTION_FOR_CONDITION_KEY: ' "$OUT")" = 1 ] && ! grep -q 'is set for' "$OUT" && pass key_none ||
    fail key_none "$(head -c 400 "$OUT")"
finish
