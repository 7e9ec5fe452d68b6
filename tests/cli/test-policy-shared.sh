# seckit policy lint on the policy model's shared primitives (issue #11):
# principals as skt_principal_classify classifies them, actions as
# skt_action_split splits them, numbers, dates and base64 as the evaluator
# parses them, operators as skt_cond_op_parse reads them.  Each item: the
# case that changed or is at risk, and its near miss.
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

# ---- principals classified by the lint-mode compile: the shape problems it
# records are reported where principals are checked (resource and trust
# policies, not a trust policy's NotPrincipal), and a type whose list has
# an entry that is not a string has its values left unchecked
res_prin() { # NAME TYPE PRINCIPAL-ELEMENT
    lint "$1" "$2" "{$V, \"Statement\": [{\"Effect\": \"Allow\", $3,
  \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\"}]}"
}
res_prin prin_entry_bad resource '"Principal": {"AWS": ["arn:aws:IAM::123456789012:root", 7]}'
expect principal_entry_not_string DATA_TYPE_MISMATCH 1
expect principal_entry_not_string_values_unchecked INVALID_PRINCIPAL_FORMAT 0
res_prin prin_entry_ok resource '"Principal": {"AWS": ["arn:aws:IAM::123456789012:root"]}'
expect principal_entries_strings_values_checked INVALID_PRINCIPAL_FORMAT 1
res_prin prin_identity identity '"Principal": {"AWS": [7], "Bogus": "x"}'
expect principal_shape_not_in_identity DATA_TYPE_MISMATCH 0
expect principal_key_not_in_identity INVALID_PRINCIPAL_KEY 0
expect principal_identity_unsupported UNSUPPORTED_PRINCIPAL 1
res_prin prin_key resource '"NotPrincipal": {"Bogus": "x", "AWS": []}'
expect principal_key_resource_notprincipal INVALID_PRINCIPAL_KEY 1
expect principal_empty_list_resource_notprincipal EMPTY_ARRAY_PRINCIPAL 1
lint prin_trust_not trust "{$V, \"Statement\": [{\"Effect\": \"Deny\", \"NotPrincipal\": {\"Bogus\": \"x\"},
  \"Principal\": {\"AWS\": \"*\", \"Bogus\": {}}, \"Action\": \"sts:AssumeRole\"}]}"
count INVALID_PRINCIPAL_KEY >"$TMP/n"
grep -q '^1$' "$TMP/n" && grep -q 'INVALID_PRINCIPAL_KEY.*Principal' "$OUT" &&
    pass principal_key_trust_principal_only || fail principal_key_trust_principal_only "$(cat "$OUT")"
res_prin prin_string resource '"Principal": "me"'
expect principal_string_not_star INVALID_PRINCIPAL_FORMAT 1
res_prin prin_empty resource '"Principal": {}'
expect principal_empty_object EMPTY_OBJECT_PRINCIPAL 1
res_prin prin_star resource '"Principal": "*"'
expect principal_star_no_format INVALID_PRINCIPAL_FORMAT 0
expect principal_star_no_empty EMPTY_OBJECT_PRINCIPAL 0

# ---- numeric and binary condition values: the evaluator's parser
# cond NAME OPERATOR KEY VALUE-JSON: an identity statement with one condition
cond() {
    lint "$1" identity "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\",
  \"Resource\": \"arn:aws:s3:::b/*\", \"Condition\": {\"$2\": {\"$3\": $4}}}]}"
}
cond num_json_exp NumericLessThan aws:MultiFactorAuthAge 1e3
expect number_json_exponent_mismatch TYPE_MISMATCH_NUMBER 1
cond num_json_exp2 NumericLessThan aws:MultiFactorAuthAge 2.5E-1
expect number_json_exponent_negative_mismatch TYPE_MISMATCH_NUMBER 1
cond num_json NumericLessThan aws:MultiFactorAuthAge 1000
expect number_json_integer_fits TYPE_MISMATCH_NUMBER 0
cond num_json_dec NumericLessThan aws:MultiFactorAuthAge -0.25
expect number_json_decimal_fits TYPE_MISMATCH_NUMBER 0
cond num_str_exp NumericLessThan aws:MultiFactorAuthAge '"1e3"'
expect number_string_exponent_mismatch TYPE_MISMATCH_NUMBER 1
cond num_str NumericLessThan aws:MultiFactorAuthAge '"+.5"'
expect number_string_decimal_fits TYPE_MISMATCH_NUMBER 0
long=1234567890123456789012345678901234567890123456789012345678901234567890
cond num_long NumericLessThan aws:MultiFactorAuthAge "\"$long\""
expect number_70_digits_fits TYPE_MISMATCH_NUMBER 0
cond num_long_json NumericLessThan aws:MultiFactorAuthAge "$long"
expect number_json_70_digits_fits TYPE_MISMATCH_NUMBER 0
cond num_long_bad NumericLessThan aws:MultiFactorAuthAge "\"${long}x\""
expect number_70_digits_then_letter_mismatch TYPE_MISMATCH_NUMBER 1

cond b64_eq_inside BinaryEquals k:b '"QUJDQQ=B"'
expect base64_padding_inside_mismatch TYPE_MISMATCH_STRING 1
cond b64_padded BinaryEquals k:b '"QUJDQQ=="'
expect base64_padded_fits TYPE_MISMATCH_STRING 0
cond b64_padded1 BinaryEquals k:b '"QUI="'
expect base64_one_pad_fits TYPE_MISMATCH_STRING 0
cond b64_unpadded BinaryEquals k:b '"QUJDQQ"'
expect base64_unpadded_mismatch TYPE_MISMATCH_STRING 1
cond b64_pad_only BinaryEquals k:b '"===="'
expect base64_padding_only_mismatch TYPE_MISMATCH_STRING 1

# ---- date values: skt_date_check, which the compiler uses, for JSON strings
# and numbers alike (epoch seconds are digits; the fields must exist)
cond date_json_exp DateLessThan aws:CurrentTime 1.5e9
expect date_json_exponent_mismatch TYPE_MISMATCH_DATE 1
cond date_json_neg DateLessThan aws:CurrentTime -5
expect date_json_negative_mismatch TYPE_MISMATCH_DATE 1
cond date_json_frac DateLessThan aws:CurrentTime 1577836800.5
expect date_json_fraction_mismatch TYPE_MISMATCH_DATE 1
cond date_json_epoch DateLessThan aws:CurrentTime 1577836800
expect date_json_epoch_fits TYPE_MISMATCH_DATE 0
cond date_json_huge DateLessThan aws:CurrentTime 99999999999999999999999
expect date_json_epoch_30_digits_fits TYPE_MISMATCH_DATE 0
cond date_str_feb30 DateLessThan aws:CurrentTime '"2026-02-30"'
expect date_nonexistent_day_mismatch TYPE_MISMATCH_DATE 1
grep -q "is not a date that exists: 2026-02 has 28 days" "$OUT" && pass date_nonexistent_day_says_why ||
    fail date_nonexistent_day_says_why "$(cat "$OUT")"
cond date_str_feb29 DateLessThan aws:CurrentTime '"2028-02-29T23:59:60Z"'
expect date_leap_day_and_second_fits TYPE_MISMATCH_DATE 0

# ---- BinaryEquals takes JSON strings only (base64 is text), in the
# linter and the compiler alike
cond b64_json_number BinaryEquals k:b 1234
expect base64_json_number_mismatch TYPE_MISMATCH_STRING 1
cond b64_json_true BinaryEquals k:b true
expect base64_json_boolean_mismatch TYPE_MISMATCH_STRING 1
cond b64_string_digits BinaryEquals k:b '"1234"'
expect base64_string_of_digits_fits TYPE_MISMATCH_STRING 0

# seckit policy eval compiles what the linter passes and refuses what it
# reports: evaluate NAME POLICY-JSON (status and output in $OUT)
evaluate() {
    printf '%s\n' "$2" >"$TMP/$1.json"
    seckit policy eval --policy "$TMP/$1.json" --principal arn:aws:iam::111122223333:user/u --action s3:GetObject \
        --resource arn:aws:s3:::b/k --context aws:CurrentTime=date:2026-01-01T00:00:00Z >"$OUT" 2>&1
}
ev_cond() { # NAME OPERATOR KEY VALUE-JSON
    evaluate "$1" "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\",
  \"Resource\": \"*\", \"Condition\": {\"$2\": {\"$3\": $4}}}]}"
}
refused() { # NAME: the last evaluate refused to compile the policy
    if grep -q "condition value does not fit its operator" "$OUT"; then pass "$1"; else fail "$1" "$(cat "$OUT")"; fi
}
compiled() { # NAME DECISION
    if grep -q "^$2: " "$OUT"; then pass "$1"; else fail "$1" "$(cat "$OUT")"; fi
}
ev_cond ev_date_exp DateLessThan aws:CurrentTime 1.5e9
refused eval_date_json_exponent_refused
ev_cond ev_date_feb30 DateLessThan aws:CurrentTime '"2026-02-30"'
refused eval_date_nonexistent_day_refused
ev_cond ev_date_feb28 DateLessThan aws:CurrentTime '"2026-02-28"'
compiled eval_date_existing_day_allowed allowed
ev_cond ev_date_epoch DateLessThan aws:CurrentTime 1767225601
compiled eval_date_json_epoch_allowed allowed
ev_cond ev_b64_number BinaryEquals k:b 1234
refused eval_base64_json_number_refused
ev_cond ev_b64_true BinaryEquals k:b true
refused eval_base64_json_boolean_refused
ev_cond ev_b64_digits BinaryEquals k:b '"1234"'
compiled eval_base64_string_of_digits_compiles implicitDeny

# ---- operators read with skt_cond_op_parse: a name that is no operator
# restricts nothing (public access), Null takes no IfExists
public_cond() { # NAME OPERATOR
    lint "$1" resource "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\",
  \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\",
  \"Condition\": {\"$2\": {\"aws:SourceAccount\": \"111122223333\"}}}]}" --resource-type AWS::S3::Bucket
}
public_cond pub_bad_op stringequals
expect public_unknown_operator_not_restricting PUBLIC_ACCESS 1
expect public_unknown_operator_reported INVALID_CONDITION_OPERATOR 1
public_cond pub_prefixed_op Foo:StringEquals
expect public_prefixed_operator_not_restricting PUBLIC_ACCESS 1
public_cond pub_op StringEquals
expect public_operator_restricting PUBLIC_ACCESS 0
public_cond pub_any_op ForAnyValue:StringEquals
expect public_foranyvalue_operator_restricting PUBLIC_ACCESS 0
public_cond pub_ifexists_op StringEqualsIfExists
expect public_ifexists_operator_not_restricting PUBLIC_ACCESS 1
cond null_ifexists ForAnyValue:NullIfExists aws:TokenIssueTime '"true"'
expect null_ifexists_qualified NULL_WITH_IF_EXISTS 1
cond null_plain Null aws:TokenIssueTime '"true"'
expect null_without_ifexists NULL_WITH_IF_EXISTS 0

# ---- action entries split by skt_action_split: public access, the
# permissions-management check and redundant entries see the same service
lint pub_wild_service resource "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\",
  \"Action\": [\"s3*:Put*\"], \"Resource\": \"arn:aws:s3:::b/*\"}]}" --resource-type AWS::S3::Bucket
expect public_service_wildcard_write PUBLIC_WRITE_ACCESS 1
lint pub_read resource "{$V, \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\",
  \"Action\": [\"s3:GetObject\", \"s3GetObject\"], \"Resource\": \"arn:aws:s3:::b/*\"}]}" --resource-type AWS::S3::Bucket
expect public_read_only PUBLIC_ACCESS 1
expect public_read_only_no_write PUBLIC_WRITE_ACCESS 0
lint red_actions identity "{$V, \"Statement\": [{\"Effect\": \"Allow\",
  \"Action\": [\"s3:Get*\", \"s3:GetObject\", \"S3:getobjectacl\", \"ec2:GetConsoleOutput\", \"s3*:x\"], \"Resource\": \"*\"}]}"
expect redundant_actions_same_service REDUNDANT_ACTION 1
grep -q "'s3:GetObject', 'S3:getobjectacl' are already covered by 's3:Get\*'" "$OUT" && pass redundant_actions_grouped ||
    fail redundant_actions_grouped "$(cat "$OUT")"
lint red_other_service identity "{$V, \"Statement\": [{\"Effect\": \"Allow\",
  \"Action\": [\"s3:Get*\", \"ec2:GetConsoleOutput\"], \"Resource\": \"*\"}]}"
expect redundant_actions_other_service REDUNDANT_ACTION 0
lint perm_notaction identity "{$V, \"Statement\": [{\"Effect\": \"Allow\",
  \"NotAction\": [\"iam:*\", \"s3*:*\", \"kms\"], \"Resource\": \"*\"}]}"
grep -q "RESOURCE_EXPOSURE: allows [0-9]* permissions-management actions" "$OUT" && ! grep -q "RESOURCE_EXPOSURE.*(iam:" "$OUT" &&
    pass permissions_notaction_service_excluded || fail permissions_notaction_service_excluded "$(cat "$OUT")"
lint perm_action identity "{$V, \"Statement\": [{\"Effect\": \"Allow\",
  \"Action\": [\"s3:PutBucketPol*\", \"nocolon\"], \"Resource\": \"*\"}]}"
grep -q "RESOURCE_EXPOSURE: allows 1 permissions-management action on every resource (s3:PutBucketPolicy)" "$OUT" &&
    pass permissions_action_pattern || fail permissions_action_pattern "$(cat "$OUT")"

finish
