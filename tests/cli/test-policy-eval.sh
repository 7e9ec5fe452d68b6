# seckit policy eval: decisions and exit codes (0 allowed, 1 denied, 2 usage,
# 3 and up errors), text and JSON output with file:line of the deciding
# statements, --context types, --requests, --authorization-details, and the
# policy dispatcher's usage errors (exit 2).
. "$top_srcdir/tests/lib.sh"
export SECKIT_IAM_DATA="$top_srcdir/policy/data/iam-data.txt"
d="$top_srcdir/tests/data/policy/eval"
alice=arn:aws:iam::111122223333:user/alice
bob=arn:aws:iam::444455556666:user/bob
home=arn:aws:s3:::example-bucket/home/alice/notes.txt

check allowed_exit_0 0 policy eval --policy "$d/identity.json" --principal $alice --action s3:GetObject \
    --resource $home && grep -q '^allowed: s3:GetObject on ' "$OUT" &&
    grep -q "$d/identity.json:4:4: Allow identity policy identity.json statement 0 (Sid ReadHome)" "$OUT" &&
    pass allowed_exit_0
# ${aws:username} comes from the caller's ARN
check variable_other_user 1 policy eval --policy "$d/identity.json" --principal $alice --action s3:GetObject \
    --resource arn:aws:s3:::example-bucket/home/bob/x && grep -q '^implicitDeny: ' "$OUT" && pass variable_other_user
check ip_condition 0 policy eval --policy "$d/identity.json" --principal $alice --action s3:PutObject \
    --resource arn:aws:s3:::example-bucket/x --context aws:SourceIp=ip:2001:db8::7 && pass ip_condition
check ip_condition_missing 1 policy eval --policy "$d/identity.json" --principal $alice --action s3:PutObject \
    --resource arn:aws:s3:::example-bucket/x && grep -q 'context keys not given: aws:SourceIp' "$OUT" &&
    pass ip_condition_missing
check explicit_deny 1 policy eval --policy "$d/identity.json" --principal $alice --action s3:DeleteObject \
    --resource $home --format json &&
    grep -q '"EvalDecision":"explicitDeny"' "$OUT" && grep -q '"Sid":"NoDeleteWithoutMfa"' "$OUT" &&
    grep -q '"StartPosition":{"Line":17,"Column":4}' "$OUT" && pass explicit_deny
check deny_needs_mfa_false 1 policy eval --policy "$d/identity.json" --principal $alice --action s3:DeleteObject \
    --resource $home --context aws:MultiFactorAuthPresent=boolean:false && pass deny_needs_mfa_false
# cross-account: the bucket policy and bob's own policy must both allow
check cross_account_no_identity 1 policy eval --resource-policy "$d/bucket.json" --principal $bob \
    --action s3:GetObject --resource arn:aws:s3:::example-bucket/shared/r.csv --resource-account 111122223333 &&
    grep -q 'cross-account' "$OUT" && pass cross_account_no_identity
check cross_account 0 policy eval --resource-policy "$d/bucket.json" --policy "$d/boundary.json" --principal $bob \
    --action s3:GetObject --resource arn:aws:s3:::example-bucket/shared/r.csv --resource-account 111122223333 &&
    pass cross_account
# SCP: region guardrail; boundary: intersection
check scp_region 1 policy eval --policy "$d/identity.json" --scp "$d/scp.json" --principal $alice \
    --action s3:GetObject --resource $home --context aws:RequestedRegion=string:us-east-1 &&
    grep -q 'scp policy scp.json' "$OUT" && pass scp_region
check scp_region_ok 0 policy eval --policy "$d/identity.json" --scp "$d/scp.json" --principal $alice \
    --action s3:GetObject --resource $home --context aws:RequestedRegion=string:eu-west-1 && pass scp_region_ok
check boundary 1 policy eval --policy "$d/identity.json" --boundary "$d/boundary.json" --principal $alice \
    --action s3:PutObject --resource arn:aws:s3:::example-bucket/x --context aws:SourceIp=ip:203.0.113.5 &&
    grep -q 'permissions boundary' "$OUT" && pass boundary
check context_list 0 policy eval --policy "$d/identity.json" --principal $alice --action s3:GetObject \
    --resource $home --context aws:TagKeys=stringList:a,b,c && pass context_list
# --requests: one JSON line per request line; exit 1 when any is denied
check requests 1 policy eval --policy "$d/identity.json" --requests "$d/requests.jsonl" &&
    [ "$(wc -l <"$OUT")" -eq 2 ] && [ "$(grep -o '"EvalDecision":"allowed"' "$OUT" | wc -l)" -eq 2 ] &&
    grep -q '"EvalDecision":"implicitDeny"' "$OUT" && pass requests
# --authorization-details: the user's inline, group and managed policies
check authz_group_policy 0 policy eval --authorization-details "$d/authz.json" --principal $alice \
    --action s3:GetObject --resource arn:aws:s3:::other/x && grep -q 'ReadAll' "$OUT" && pass authz_group_policy
check authz_inline 0 policy eval --authorization-details "$d/authz.json" --principal $alice \
    --action s3:PutObject --resource $home && pass authz_inline
check authz_unknown 3 policy eval --authorization-details "$d/authz.json" --principal $bob \
    --action s3:GetObject --resource $home && one_line authz_unknown && pass authz_unknown
# usage errors exit 2; bad files 3 and up, with one message line
check no_action 2 policy eval --policy "$d/identity.json" --principal $alice --resource $home && pass no_action
check bad_context_type 2 policy eval --policy "$d/identity.json" --principal $alice --action s3:GetObject \
    --resource $home --context aws:SourceIp=ipv4:1.2.3.4 && one_line bad_context_type && pass bad_context_type
check bad_context_form 2 policy eval --policy "$d/identity.json" --principal $alice --action s3:GetObject \
    --resource $home --context aws:SourceIp && pass bad_context_form
check bad_format 2 policy eval --policy "$d/identity.json" --principal $alice --action s3:GetObject \
    --resource $home --format xml && pass bad_format
check two_boundaries 2 policy eval --policy "$d/identity.json" --boundary "$d/boundary.json" \
    --boundary "$d/boundary.json" --principal $alice --action s3:GetObject --resource $home && pass two_boundaries
check bad_account 2 policy eval --policy "$d/identity.json" --principal $alice --action s3:GetObject \
    --resource $home --resource-account 12 && pass bad_account
check unknown_option 2 policy eval --nope && pass unknown_option
check missing_policy_file 5 policy eval --policy "$TMP/nope.json" --principal $alice --action s3:GetObject \
    --resource $home && one_line missing_policy_file && pass missing_policy_file
printf '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*",\n"Condition":{"NumericLessThan":{"k":"x"}}}}' >"$TMP/bad.json"
check malformed_policy 3 policy eval --policy "$TMP/bad.json" --principal $alice --action s3:GetObject \
    --resource $home && one_line malformed_policy && grep -q "bad.json:2:" "$ERR" && pass malformed_policy
echo '{"ActionNames": "s3:GetObject"}' >"$TMP/bad.jsonl"
check malformed_requests 3 policy eval --policy "$d/identity.json" --requests "$TMP/bad.jsonl" &&
    grep -q 'bad.jsonl: line 1' "$ERR" && pass malformed_requests
check eval_help 0 policy eval --help && grep -q -- '--resource-policy' "$OUT" && pass eval_help
# the dispatcher: an unknown or missing subcommand is a usage error (2), not
# "denied" (1)
check unknown_subcommand 2 policy evaluate && one_line unknown_subcommand && pass unknown_subcommand
check missing_subcommand 2 policy && pass missing_subcommand
finish
