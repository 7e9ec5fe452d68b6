# seckit policy lint: Access Analyzer's codes only where Access Analyzer
# reports them, less noise, and messages that point at the problem (issue
# #12): each item with a policy that triggers it and a near miss.
. "$top_srcdir/tests/lib.sh"
export SECKIT_IAM_DATA="$top_srcdir/policy/data/iam-data.txt"

# lint NAME TYPE JSON: lint the policy text (written to $TMP/NAME.json) as
# TYPE, JSON output in $OUT; the exit status is not checked here.
lint() {
    printf '%s\n' "$3" >"$TMP/$1.json"
    seckit policy lint --type "$2" --format json "$TMP/$1.json" >"$OUT" 2>"$ERR"
}
# lintt NAME TYPE JSON [OPTIONS...]: the same, text output.
lintt() {
    name=$1 type=$2 json=$3
    shift 3
    printf '%s\n' "$json" >"$TMP/$name.json"
    seckit policy lint --type "$type" "$@" "$TMP/$name.json" >"$OUT" 2>"$ERR"
}
# count CODE: how many findings with that code are in $OUT
count() { grep -o "\"issueCode\":\"$1\"" "$OUT" | wc -l | tr -d ' '; }
expect() { # NAME CODE N
    n=$(count "$2")
    if [ "$n" -eq "$3" ]; then pass "$1"; else fail "$1" "$n $2 findings, not $3: $(head -c 600 "$OUT")"; fi
}

V='"Version": "2012-10-17"'

# ---- PassRole / CreateServiceLinkedRole on "*" narrowed to named services
lint passrole_named identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"*\",
  \"Condition\": {\"StringEquals\": {\"iam:PassedToService\": [\"lambda.amazonaws.com\", \"ec2.amazonaws.com\"]}}}]}"
expect passrole_string_equals_named PASS_ROLE_WITH_STAR_IN_RESOURCE 0
lint passrole_like_named identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"*\",
  \"Condition\": {\"StringLike\": {\"iam:PassedToService\": \"glue.amazonaws.com\"}}}]}"
expect passrole_string_like_named PASS_ROLE_WITH_STAR_IN_RESOURCE 0
lint passrole_ifexists identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"*\",
  \"Condition\": {\"StringEqualsIfExists\": {\"iam:PassedToService\": \"lambda.amazonaws.com\"}}}]}"
expect passrole_ifexists_reported PASS_ROLE_WITH_STAR_IN_RESOURCE 1
grep -q 'its Condition does not limit iam:PassedToService to named services' "$OUT" && pass passrole_ifexists_says_why ||
    fail passrole_ifexists_says_why "$(cat "$OUT")"
lint passrole_wild identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"*\",
  \"Condition\": {\"StringLike\": {\"iam:PassedToService\": \"*a4b.amazonaws.com\"}}}]}"
expect passrole_wildcard_value_reported PASS_ROLE_WITH_STAR_IN_RESOURCE 1
lint passrole_calledvia identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"*\",
  \"Condition\": {\"ForAnyValue:StringEquals\": {\"aws:CalledVia\": \"cloudformation.amazonaws.com\"}}}]}"
expect passrole_other_key_reported PASS_ROLE_WITH_STAR_IN_RESOURCE 1
lint passrole_plain identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"*\"}]}"
expect passrole_no_condition_reported PASS_ROLE_WITH_STAR_IN_RESOURCE 1
lint passrole_star_action identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:Pass*\", \"Resource\": \"*\",
  \"Condition\": {\"StringEquals\": {\"iam:PassedToService\": \"ecs-tasks.amazonaws.com\"}}}]}"
expect passrole_star_action_named PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE 0
lint passrole_star_action2 identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:Pass*\", \"Resource\": \"*\",
  \"Condition\": {\"StringEquals\": {\"iam:PassedToService\": \"\${aws:PrincipalTag/svc}\"}}}]}"
expect passrole_star_action_variable_reported PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE 1
lint slr_named identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:CreateServiceLinkedRole\", \"Resource\": \"*\",
  \"Condition\": {\"StringLike\": {\"iam:AWSServiceName\": \"elasticbeanstalk.amazonaws.com\"}}}]}"
expect slr_string_like_named CREATE_SLR_WITH_STAR_IN_RESOURCE 0
lint slr_wild identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:CreateServiceLinkedRole\", \"Resource\": \"*\",
  \"Condition\": {\"StringLike\": {\"iam:AWSServiceName\": \"*.amazonaws.com\"}}}]}"
expect slr_wildcard_value_reported CREATE_SLR_WITH_STAR_IN_RESOURCE 1
# a condition on one key does not narrow the other action
lint slr_iam_star identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:*\", \"Resource\": \"*\",
  \"Condition\": {\"StringEquals\": {\"iam:AWSServiceName\": \"autoscaling.amazonaws.com\"}}}]}"
expect slr_star_action_named CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE 0
expect slr_key_does_not_narrow_passrole PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE 1

# ---- REDUNDANT_ACTION: one finding per covering entry, a location each
lint redundant identity "{$V, \"Statement\": [{\"Effect\": \"Allow\",
  \"Action\": [\"s3:Get*\", \"s3:GetObject\", \"s3:PutObject\", \"s3:GetObjectAcl\"], \"Resource\": \"arn:aws:s3:::b/*\"}]}"
expect redundant_one_per_group REDUNDANT_ACTION 1
line=$(grep '"issueCode":"REDUNDANT_ACTION"' "$OUT")
case $line in
*"\"findingDetails\":\"actions 's3:GetObject', 's3:GetObjectAcl' are already covered by 's3:Get*'\""*'"locations":[{"path":[{"value":"Statement"},{"index":0},{"value":"Action"},{"index":1}],"span"'*'},{"path":[{"value":"Statement"},{"index":0},{"value":"Action"},{"index":3}],"span"'*)
    pass redundant_locations ;;
*) fail redundant_locations "$(cat "$OUT")" ;;
esac
seckit policy lint --type identity --format sarif "$TMP/redundant.json" >"$OUT" 2>"$ERR"
n=$(grep -o '"fullyQualifiedName":"Statement\[0\]\.Action\[[13]\]"' "$OUT" | wc -l | tr -d ' ')
[ "$n" -eq 2 ] && pass redundant_sarif_locations || fail redundant_sarif_locations "$n locations"
lint redundant_case identity "{$V, \"Statement\": [{\"Effect\": \"Allow\",
  \"Action\": [\"s3:GetObject\", \"s3:getobject\", \"S3:GetObject\"], \"Resource\": \"arn:aws:s3:::b/*\"}]}"
expect redundant_not_for_case REDUNDANT_ACTION 0
lint redundant_same identity "{$V, \"Statement\": [{\"Effect\": \"Allow\",
  \"Action\": [\"s3:GetObject\", \"s3:GetObject\"], \"Resource\": \"arn:aws:s3:::b/*\"}]}"
expect redundant_exact_repeat REDUNDANT_ACTION 1
lint redundant_invalid identity "{$V, \"Statement\": [{\"Effect\": \"Allow\",
  \"Action\": [\"s3:GetObjekt\", \"s3:GetObjekt\", \"s3:Nope*\", \"s3:NopeToo\"], \"Resource\": \"arn:aws:s3:::b/*\"}]}"
expect redundant_not_on_invalid REDUNDANT_ACTION 0
expect redundant_invalid_reported INVALID_ACTION 4

# ---- EXAMPLE_ACCOUNT_ID once per account id and policy
lint example_once identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"sqs:SendMessage\",
  \"Resource\": [\"arn:aws:sqs:us-east-1:123456789012:a\", \"arn:aws:sqs:us-east-1:123456789012:b\"]},
  {\"Effect\": \"Allow\", \"Action\": \"sns:Publish\", \"Resource\": \"arn:aws:sns:us-east-1:123456789012:t\"}]}"
expect example_account_once EXAMPLE_ACCOUNT_ID 1
lint example_two identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"sqs:SendMessage\",
  \"Resource\": [\"arn:aws:sqs:us-east-1:123456789012:a\", \"arn:aws:sqs:us-east-1:111122223333:b\"]}]}"
expect example_account_each_id EXAMPLE_ACCOUNT_ID 2

# ---- "on every resource" checks skip actions that take only "*"
lint token identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"ecr:GetAuthorizationToken\", \"sts:GetSessionToken\"], \"Resource\": \"*\"}]}"
expect credentials_not_for_star_only CREDENTIALS_EXPOSURE 0
lint assume identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"ecr:GetAuthorizationToken\", \"sts:AssumeRole\"], \"Resource\": \"*\"}]}"
expect credentials_for_resource_actions CREDENTIALS_EXPOSURE 1
grep -q 'on every resource: sts:AssumeRole"' "$OUT" && pass credentials_names_only_those || fail credentials_names_only_those "$(cat "$OUT")"
lint pab identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:PutAccountPublicAccessBlock\", \"Resource\": \"*\"}]}"
expect exposure_not_for_star_only RESOURCE_EXPOSURE 0
lint bucketpolicy identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:PutBucketPolicy\", \"Resource\": \"*\"}]}"
expect exposure_for_resource_actions RESOURCE_EXPOSURE 1

# ---- AWS's default key policy statement is not SERVICE_WILDCARD
KP='"Sid": "EnableIAMUserPermissions", "Effect": "Allow", "Action": "kms:*", "Resource": "*"'
lint keypolicy resource "{$V, \"Statement\": [{$KP, \"Principal\": {\"AWS\": \"arn:aws:iam::210987654321:root\"}}]}"
expect default_key_policy_quiet SERVICE_WILDCARD 0
lint keypolicy_id resource "{$V, \"Statement\": [{$KP, \"Principal\": {\"AWS\": [\"210987654321\", \"arn:aws:iam::210987654322:root\"]}}]}"
expect default_key_policy_account_ids_quiet SERVICE_WILDCARD 0
lint keypolicy_role resource "{$V, \"Statement\": [{$KP, \"Principal\": {\"AWS\": \"arn:aws:iam::210987654321:role/admin\"}}]}"
expect key_policy_to_a_role_reported SERVICE_WILDCARD 1
lint keypolicy_s3 resource "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\", \"Principal\": {\"AWS\": \"arn:aws:iam::210987654321:root\"}}]}"
expect other_service_to_root_reported SERVICE_WILDCARD 1

# ---- messages: the bad value; severity per Access Analyzer's reference
lintt ip identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\",
  \"Condition\": {\"IpAddress\": {\"aws:SourceIp\": \"203.0.113.0/33\"}}}]}"
grep -q "ERROR TYPE_MISMATCH_IP_RANGE: '203.0.113.0/33' is not an IP address or CIDR range, which IpAddress takes (for example 203.0.113.0/24)" "$OUT" &&
    pass type_mismatch_echoes_value || fail type_mismatch_echoes_value "$(cat "$OUT")"
lintt ip_ok identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\",
  \"Condition\": {\"IpAddress\": {\"aws:SourceIp\": \"203.0.113.0/24\"}}}]}"
grep -q "^0 findings" "$OUT" && [ "$(wc -l <"$OUT")" -eq 1 ] && pass type_mismatch_near_miss || fail type_mismatch_near_miss "$(cat "$OUT")"
lintt date identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\",
  \"Condition\": {\"DateGreaterThan\": {\"aws:CurrentTime\": \"yesterday\"}, \"NumericLessThan\": {\"s3:max-keys\": \"ten\"}}}]}"
grep -q "TYPE_MISMATCH_DATE: 'yesterday' is not a date" "$OUT" && grep -q "TYPE_MISMATCH_NUMBER: NumericLessThan takes numbers, not 'ten'" "$OUT" &&
    pass type_mismatch_date_number_echo || fail type_mismatch_date_number_echo "$(cat "$OUT")"

# ---- variable errors point at the variable ('${' is character 125 of the line)
lintt var identity '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/home/${aws:username/*"}]}'
grep -q '^[^:]*:1:125: ERROR MISSING_BRACE_IN_VARIABLE' "$OUT" && pass variable_column || fail variable_column "$(cat "$OUT")"
lintt var_version identity '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/home/${aws:username}/*"}]}'
col=$(awk '{print index($0, "${")}' "$TMP/var_version.json")
grep -q "^[^:]*:1:$col: ERROR VARIABLE_UNSUPPORTED_IN_VERSION" "$OUT" && pass variable_version_column ||
    fail variable_version_column "$(cat "$OUT")"
lintt var_ok identity '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/home/${aws:username}/*"}]}'
grep -q "^0 findings" "$OUT" && [ "$(wc -l <"$OUT")" -eq 1 ] && pass variable_near_miss || fail variable_near_miss "$(cat "$OUT")"

# ---- CloudFormation: parameters substituted into ARNs are named in messages
cat >"$TMP/cfn.yaml" <<'YAML'
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  VendorAccount:
    Type: String
  Env:
    Type: String
    Default: prod
Resources:
  OwnRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"
            Action: sts:AssumeRole
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: sqs:SendMessage
                Resource: !Sub "arn:aws:sqs:us-east-1:${VendorAccount}:q ${Env}"
  VendorRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub "arn:aws:iam::${VendorAccount}:root"
            Action: sts:AssumeRole
YAML
check cfn_names_parameter 2 policy lint --account 210987654321 "$TMP/cfn.yaml"
grep -q 'TRUST_THIRD_PARTY_WITHOUT_EXTERNAL_ID: account ${VendorAccount} is not this account' "$OUT" &&
    grep -q "RESOURCE_ARN_WITH_WHITESPACE: 'arn:aws:sqs:us-east-1:\${VendorAccount}:q prod' contains whitespace" "$OUT" &&
    pass cfn_names_parameter || fail cfn_names_parameter "$(cat "$OUT")"
# the template's own account (a pseudo parameter) keeps its fixed value
grep -q 'TRUST_WHOLE_ACCOUNT: every principal of account 000000000000 .*(AWS::IAM::Role OwnRole (trust policy))' "$OUT" &&
    pass cfn_pseudo_parameter_unnamed || fail cfn_pseudo_parameter_unnamed "$(cat "$OUT")"

# ---- SARIF helpUri: absolute URIs (seckit's own codes: the installed docs/checks.md)
lint sarif identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\"}]}"
seckit policy lint --format sarif "$TMP/sarif.json" >"$OUT" 2>"$ERR"
total=$(grep -o '"helpUri":"[^"]*"' "$OUT" | wc -l | tr -d ' ')
abs=$(grep -o '"helpUri":"\(https://\|file:///\)[^"]*"' "$OUT" | wc -l | tr -d ' ')
own=$(grep -o '"helpUri":"file:///[^"]*/checks\.md#example_account_id"' "$OUT" | wc -l | tr -d ' ')
[ "$total" -gt 100 ] && [ "$abs" -eq "$total" ] && [ "$own" -eq 1 ] && pass sarif_help_uri_absolute ||
    fail sarif_help_uri_absolute "$abs of $total absolute, $own for EXAMPLE_ACCOUNT_ID"

finish
