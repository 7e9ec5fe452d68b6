# seckit policy lint on the policy model's shared primitives (issue #11):
# principals as skt_principal_classify classifies them, actions as
# skt_action_split splits them, numbers and base64 as the evaluator parses
# them.  Each item: the case that changed or is at risk, and its near miss.
. "$top_srcdir/tests/lib.sh"
export SECKIT_IAM_DATA="$top_srcdir/policy/data/iam-data.txt"

# lint NAME TYPE JSON [OPTIONS...]: lint the policy text as TYPE, text
# output in $OUT (the exit status is not checked here).
lint() {
    name=$1 type=$2 json=$3
    shift 3
    printf '%s\n' "$json" >"$TMP/$name.json"
    seckit policy lint --type "$type" "$@" "$TMP/$name.json" >"$OUT" 2>"$ERR"
}
count() { grep -c " $1: " "$OUT" | tr -d ' '; }
expect() { # NAME CODE N
    n=$(count "$2")
    if [ "$n" -eq "$3" ]; then pass "$1"; else fail "$1" "$n $2 findings, not $3: $(head -c 600 "$OUT")"; fi
}

V='"Version": "2012-10-17"'
# trust NAME PRINCIPAL: a trust policy letting the AWS principal assume the role
trust() {
    lint "$1" trust "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"$2\"},
  \"Action\": \"sts:AssumeRole\"}]}" --account 111122223333
}

# ---- principals: IAM's case rules and a name after the resource type
trust prin_iam_upper 'arn:aws:IAM::123456789012:root'
expect principal_service_uppercase_invalid INVALID_PRINCIPAL_FORMAT 1
grep -q "in lowercase" "$OUT" && pass principal_service_uppercase_says_why || fail principal_service_uppercase_says_why "$(cat "$OUT")"
expect principal_service_uppercase_not_whole_account TRUST_WHOLE_ACCOUNT 0
expect principal_service_uppercase_not_third_party TRUST_THIRD_PARTY_WITHOUT_EXTERNAL_ID 0
trust prin_iam_root 'arn:aws:iam::123456789012:root'
expect principal_root_valid INVALID_PRINCIPAL_FORMAT 0
expect principal_root_whole_account TRUST_WHOLE_ACCOUNT 1
expect principal_root_third_party TRUST_THIRD_PARTY_WITHOUT_EXTERNAL_ID 1
trust prin_root_upper 'arn:aws:iam::123456789012:ROOT'
expect principal_root_uppercase_invalid INVALID_PRINCIPAL_FORMAT 1
trust prin_user_upper 'arn:aws:iam::123456789012:User/x'
expect principal_user_type_uppercase_invalid INVALID_PRINCIPAL_FORMAT 1
expect principal_user_type_uppercase_not_third_party TRUST_THIRD_PARTY_WITHOUT_EXTERNAL_ID 0
trust prin_user 'arn:aws:iam::123456789012:user/x'
expect principal_user_valid INVALID_PRINCIPAL_FORMAT 0
expect principal_user_third_party TRUST_THIRD_PARTY_WITHOUT_EXTERNAL_ID 1
trust prin_user_mixed_name 'arn:aws:iam::123456789012:user/Path/MixedCase'
expect principal_user_name_any_case_valid INVALID_PRINCIPAL_FORMAT 0
trust prin_user_empty 'arn:aws:iam::123456789012:user/'
expect principal_user_without_name_invalid INVALID_PRINCIPAL_FORMAT 1
grep -q "names no principal after the resource type" "$OUT" && pass principal_user_without_name_says_why ||
    fail principal_user_without_name_says_why "$(cat "$OUT")"
trust prin_role_empty 'arn:aws:iam::123456789012:role/'
expect principal_role_without_name_invalid INVALID_PRINCIPAL_FORMAT 1
trust prin_role 'arn:aws:iam::123456789012:role/r'
expect principal_role_valid INVALID_PRINCIPAL_FORMAT 0
trust prin_sts_upper 'arn:aws:STS::123456789012:assumed-role/R/s'
expect principal_sts_uppercase_invalid INVALID_PRINCIPAL_FORMAT 1
trust prin_session 'arn:aws:sts::123456789012:assumed-role/R/s'
expect principal_session_valid INVALID_PRINCIPAL_FORMAT 0
trust prin_fed_upper 'arn:aws:sts::123456789012:Federated-User/bob'
expect principal_federated_user_type_uppercase_invalid INVALID_PRINCIPAL_FORMAT 1
trust prin_fed 'arn:aws:sts::123456789012:federated-user/bob'
expect principal_federated_user_valid INVALID_PRINCIPAL_FORMAT 0
trust prin_group 'arn:aws:iam::123456789012:group/g'
expect principal_group_invalid INVALID_PRINCIPAL_FORMAT 1
grep -q "account root, a user, a role" "$OUT" && pass principal_group_generic_message ||
    fail principal_group_generic_message "$(cat "$OUT")"
# the session next to its role: only when both are principals
lint prin_session_role trust "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": [
  \"arn:aws:iam::111122223333:role/R\", \"arn:aws:sts::111122223333:assumed-role/R/s\"]}, \"Action\": \"sts:AssumeRole\"}]}"
expect principal_session_next_to_role REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY 1
lint prin_session_role_upper trust "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": [
  \"arn:aws:IAM::111122223333:role/R\", \"arn:aws:sts::111122223333:assumed-role/R/s\"]}, \"Action\": \"sts:AssumeRole\"}]}"
expect principal_session_next_to_non_role REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY 0
# resource policies: the same classification
lint prin_resource resource "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::123456789012:User/x\"},
  \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\"}]}"
expect principal_resource_user_type_uppercase_invalid INVALID_PRINCIPAL_FORMAT 1
# a KMS key policy granting kms:* to the account (AWS's default): no
# SERVICE_WILDCARD for the account root, one when the ARN is not the root's
kms() {
    lint "$1" resource "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"$2\"},
  \"Action\": \"kms:*\", \"Resource\": \"*\"}]}"
}
kms kms_root 'arn:aws:iam::111122223333:root'
expect kms_default_policy_root SERVICE_WILDCARD 0
kms kms_root_upper 'arn:aws:IAM::111122223333:root'
expect kms_default_policy_uppercase_not_root SERVICE_WILDCARD 1

finish
