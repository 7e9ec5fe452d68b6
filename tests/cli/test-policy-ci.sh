# seckit policy lint in CI (issue 14): suppressions (CloudFormation
# Metadata, --ignore CODE@WHERE, .seckit.yml / --config), baselines, folder
# scans (detected types, --exclude, non-policy files, .tf, nothing found),
# output (-o, --quiet, --format github, colours, summary, SARIF links).
. "$top_srcdir/tests/lib.sh"
export SECKIT_IAM_DATA="$top_srcdir/policy/data/iam-data.txt"
unset NO_COLOR
inputs="$top_srcdir/tests/data/policy/inputs"
fx="$top_srcdir/tests/data/policy/checks"
S=$(cd "$top_builddir" && pwd)/seckit

# run NAME STATUS ARGS...: run seckit; ok NAME CONDITION: the status was
# as expected and CONDITION (shell) holds
run() {
    want=$2
    shift 2
    seckit "$@" >"$OUT" 2>"$ERR"
    got=$?
}
ok() {
    if [ "$got" = "$want" ] && eval "$2"; then
        pass "$1"
    else
        fail "$1" "status $got (want $want); out: $(head -c 400 "$OUT" | tr '\n' '|'); err: $(head -c 300 "$ERR" | tr '\n' '|')"
    fi
}

# ---- CloudFormation Metadata suppressions
cat >"$TMP/cfn.json" <<'JSON'
{
  "Resources": {
    "Quiet": {
      "Type": "AWS::IAM::ManagedPolicy",
      "Metadata": {"seckit": {"ignore": ["PASS_ROLE_WITH_STAR_IN_RESOURCE"]}},
      "Properties": {"PolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}}
    },
    "Loud": {
      "Type": "AWS::IAM::ManagedPolicy",
      "Properties": {"PolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}}
    }
  }
}
JSON
run cfn_metadata 2 policy lint "$TMP/cfn.json"
ok cfn_metadata_ignores_its_resource '[ "$(grep -c PASS_ROLE_WITH_STAR_IN_RESOURCE "$OUT")" = 1 ] && grep -q "PASS_ROLE.*(AWS::IAM::ManagedPolicy Loud)" "$OUT" && grep -q "; 1 ignored" "$OUT"'
sed 's/"ignore": \["PASS_ROLE_WITH_STAR_IN_RESOURCE"\]/"ignore": ["PASS_ROLE_WITH_STAR_IN_RESOURCES"]/' "$TMP/cfn.json" >"$TMP/cfn-typo.json"
run cfn_metadata_unknown_code 1 policy lint "$TMP/cfn-typo.json"
ok cfn_metadata_unknown_code 'grep -q "line 5 column [0-9]*: Quiet: Metadata.seckit.ignore: unknown issue code .PASS_ROLE_WITH_STAR_IN_RESOURCES." "$ERR"'
sed 's/"ignore": \["PASS_ROLE_WITH_STAR_IN_RESOURCE"\]/"skip": ["PASS_ROLE_WITH_STAR_IN_RESOURCE"]/' "$TMP/cfn.json" >"$TMP/cfn-shape.json"
run cfn_metadata_bad_shape 1 policy lint "$TMP/cfn-shape.json"
ok cfn_metadata_bad_shape 'grep -q "Metadata.seckit must be {ignore: \[CODE, ...\]}" "$ERR"'
cat >"$TMP/cfn.yaml" <<'YAML'
Resources:
  Deployer:
    Type: AWS::IAM::ManagedPolicy
    Metadata:
      seckit:
        ignore:
          - code: PASS_ROLE_WITH_STAR_IN_RESOURCE
            reason: the pipeline passes many roles
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: iam:PassRole
            Resource: "*"
YAML
run cfn_metadata_yaml_reason 0 policy lint "$TMP/cfn.yaml"
ok cfn_metadata_yaml_reason '! grep -q PASS_ROLE "$OUT"'

# ---- --ignore CODE@WHERE
# both resources suppressed now: Quiet by its Metadata, Loud by --ignore
run ignore_at_logical_id 0 policy lint --ignore PASS_ROLE_WITH_STAR_IN_RESOURCE@Loud "$TMP/cfn.json"
ok ignore_at_logical_id '! grep -q PASS_ROLE "$OUT" && grep -q "2 ignored" "$OUT"'
run ignore_at_other_id 2 policy lint --ignore PASS_ROLE_WITH_STAR_IN_RESOURCE@Nobody "$TMP/cfn.json"
ok ignore_at_other_id_keeps 'grep -q "PASS_ROLE.*Loud" "$OUT"'
run ignore_at_tf_address 2 policy lint --ignore PASS_ROLE_WITH_STAR_IN_RESOURCE@aws_iam_policy.deploy "$inputs/terraform-plan.json"
ok ignore_at_tf_address '! grep -q PASS_ROLE_WITH_STAR_IN_RESOURCE "$OUT" && grep -q TRUST_WILDCARD_PRINCIPAL "$OUT"'
run ignore_at_tf_other 2 policy lint --ignore PASS_ROLE_WITH_STAR_IN_RESOURCE@aws_iam_policy.other "$inputs/terraform-plan.json"
ok ignore_at_tf_other 'grep -q PASS_ROLE_WITH_STAR_IN_RESOURCE "$OUT"'
run ignore_at_file 0 policy lint --ignore PASS_ROLE_WITH_STAR_IN_RESOURCE@cfn.json "$TMP/cfn.json"
ok ignore_at_file '! grep -q PASS_ROLE "$OUT"'
run ignore_at_file_path 0 policy lint --ignore "PASS_ROLE_WITH_STAR_IN_RESOURCE@$TMP/cfn.json" "$TMP/cfn.json"
ok ignore_at_file_path '! grep -q PASS_ROLE "$OUT"'
run ignore_at_other_file 2 policy lint --ignore PASS_ROLE_WITH_STAR_IN_RESOURCE@other.json "$TMP/cfn.json"
ok ignore_at_other_file 'grep -q PASS_ROLE "$OUT"'
run ignore_unknown_code 1 policy lint --ignore PRIVILEGE_ESCALATON "$TMP/cfn.json"
ok ignore_unknown_code 'one_line ignore_unknown_code && grep -q "PRIVILEGE_ESCALATON. is not an issue code" "$ERR" && [ ! -s "$OUT" ]'
run ignore_unknown_code_at 1 policy lint --ignore PRIVILEGE_ESCALATON@Loud "$TMP/cfn.json"
ok ignore_unknown_code_at 'grep -q "is not an issue code" "$ERR"'
run ignore_unknown_code_legacy 1 policy lint --ignore cfn.json:PRIVILEGE_ESCALATON "$TMP/cfn.json"
ok ignore_unknown_code_legacy 'grep -q "is not an issue code" "$ERR"'
run ignore_empty_where 1 policy lint --ignore PRIVILEGE_ESCALATION@ "$TMP/cfn.json"
ok ignore_empty_where 'grep -q "expected CODE or CODE@WHERE" "$ERR"'

# ---- configuration file
mkdir -p "$TMP/proj/sub/deeper"
cp "$TMP/cfn.json" "$TMP/proj/sub/deeper/t.json"
cat >"$TMP/proj/.seckit.yml" <<'YAML'
lint:
  fail-on: ERROR
  ignore:
    - PASS_ROLE_WITH_STAR_IN_RESOURCE@Loud
YAML
(cd "$TMP/proj/sub/deeper" && "$S" policy lint t.json >"$OUT" 2>"$ERR"); got=$? want=0
ok config_found_upward '! grep -q PASS_ROLE "$OUT" && grep -q "2 ignored" "$OUT"'
(cd "$TMP" && "$S" policy lint proj/sub/deeper/t.json >"$OUT" 2>"$ERR"); got=$? want=2
ok config_not_below_cwd 'grep -q PASS_ROLE "$OUT"'
(cd "$TMP/proj/sub" && "$S" policy lint --fail-on SECURITY_WARNING deeper/t.json >"$OUT" 2>"$ERR"); got=$? want=0
ok config_cli_wins_and_ignores_add '! grep -q PASS_ROLE "$OUT"'
(cd "$TMP/proj/sub" && "$S" policy lint --ignore PRIVILEGE_ESCALATION deeper/t.json >"$OUT" 2>"$ERR"); got=$? want=0
ok config_ignores_plus_cli '! grep -q PASS_ROLE "$OUT"'
cat >"$TMP/other.yaml" <<'YAML'
lint:
  format: json
  exclude: [skipme]
YAML
run config_option 2 policy lint --config "$TMP/other.yaml" "$TMP/cfn.json"
ok config_option 'grep -q "\"issueCode\":\"PASS_ROLE_WITH_STAR_IN_RESOURCE\"" "$OUT"'
run config_format_overridden 2 policy lint --config "$TMP/other.yaml" --format text "$TMP/cfn.json"
ok config_format_overridden 'grep -q "SECURITY_WARNING PASS_ROLE" "$OUT"'
printf 'lint:\n  fail_on: ERROR\n' >"$TMP/typo.yml"
run config_unknown_key 1 policy lint --config "$TMP/typo.yml" "$TMP/cfn.json"
ok config_unknown_key 'grep -q "typo.yml: line 2 column 3: unknown lint option" "$ERR"'
printf 'lint:\n  ignore: [PRIVILEGE_ESCALATON]\n' >"$TMP/badcode.yml"
run config_unknown_code 1 policy lint --config "$TMP/badcode.yml" "$TMP/cfn.json"
ok config_unknown_code 'one_line config_unknown_code && grep -q "badcode.yml: ignore .PRIVILEGE_ESCALATON.: .PRIVILEGE_ESCALATON. is not an issue code" "$ERR" && ! grep -q -- "--ignore" "$ERR"'
# Near miss: the same code given with --ignore (and a good config) names --ignore.
run cli_unknown_code_with_config 1 policy lint --config "$TMP/other.yaml" --ignore PRIVILEGE_ESCALATON "$TMP/cfn.json"
ok cli_unknown_code_with_config 'grep -q -- "--ignore .PRIVILEGE_ESCALATON.: .PRIVILEGE_ESCALATON. is not" "$ERR" && ! grep -q "other.yaml" "$ERR"'
run config_missing 1 policy lint --config "$TMP/nope.yml" "$TMP/cfn.json"
ok config_missing 'grep -q "nope.yml" "$ERR"'
printf 'lint: [1, 2]\n' >"$TMP/notmap.yml"
run config_not_mapping 1 policy lint --config "$TMP/notmap.yml" "$TMP/cfn.json"
ok config_not_mapping 'grep -q "must be a mapping" "$ERR"'
printf 's3:\n  something: 1\n' >"$TMP/othercmd.yml"
run config_other_sections 2 policy lint --config "$TMP/othercmd.yml" "$TMP/cfn.json"
ok config_other_sections 'grep -q PASS_ROLE "$OUT"'

# ---- baselines
cat >"$TMP/base.json" <<'JSON'
{"Version": "2012-10-17", "Statement": [
 {"Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
 {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}
JSON
run write_baseline 2 policy lint --write-baseline "$TMP/bl.json" "$TMP/base.json"
ok write_baseline 'grep -q "\"seckitBaseline\":1" "$TMP/bl.json" && grep -q "\"statement\":\"Pass\"" "$TMP/bl.json" && ! grep -q "\"line\"" "$TMP/bl.json"'
run baseline_clean 0 policy lint --baseline "$TMP/bl.json" "$TMP/base.json"
ok baseline_clean '! grep -q PASS_ROLE "$OUT" && grep -q "^0 findings in 1 policy from 1 file; 1 in the baseline$" "$OUT"'
# the same finding moved (new lines and a statement before it): still known
cat >"$TMP/base.json" <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"},

    {"Sid": "Pass", "Effect": "Allow",
     "Action": "iam:PassRole", "Resource": "*"},
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
  ]
}
JSON
run baseline_survives_moves 0 policy lint --baseline "$TMP/bl.json" "$TMP/base.json"
ok baseline_survives_moves '! grep -q PASS_ROLE "$OUT"'
# a new finding fails the run, and only it is shown
sed 's|^  \]$|  ,{"Sid": "New", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]|' "$TMP/base.json" >"$TMP/base2.json"
cp "$TMP/base.json" "$TMP/base-old.json"
mv "$TMP/base2.json" "$TMP/base.json"
run baseline_new_finding 2 policy lint --baseline "$TMP/bl.json" "$TMP/base.json"
ok baseline_new_finding '[ "$(grep -c PASS_ROLE_WITH_STAR_IN_RESOURCE "$OUT")" = 1 ] && grep -q "PASS_ROLE.*Statement\[3\]" "$OUT" && grep -q "1 in the baseline" "$OUT"'
cp "$TMP/base-old.json" "$TMP/base.json"
run baseline_other_file 2 policy lint --baseline "$TMP/bl.json" "$TMP/base-old.json"
ok baseline_other_file 'grep -q PASS_ROLE "$OUT"'
printf '{"findings": []}' >"$TMP/notbl.json"
run baseline_not_a_baseline 1 policy lint --baseline "$TMP/notbl.json" "$TMP/base.json"
ok baseline_not_a_baseline 'grep -q "not a seckit baseline" "$ERR"'
run baseline_missing 1 policy lint --baseline "$TMP/nobl.json" "$TMP/base.json"
ok baseline_missing 'grep -q "nobl.json" "$ERR"'
run baseline_json_summary 0 policy lint --format json --baseline "$TMP/bl.json" "$TMP/base.json"
ok baseline_json_summary 'grep -q "\"baselined\":1" "$OUT"'

# ---- folder scans
mkdir -p "$TMP/scan/vendor" "$TMP/scan/tf"
cp "$fx/TRUST_SERVICE_CONFUSED_DEPUTY.bad.json" "$TMP/scan/trust.json"
cat >"$TMP/scan/bucket.json" <<'JSON'
{"Version": "2012-10-17", "Statement": [
 {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}
JSON
cat >"$TMP/scan/package.json" <<'JSON'
{"name": "app", "version": "1.0.0", "dependencies": {"left-pad": "1.3.0"}}
JSON
printf 'name: ci\non: push\njobs: {}\n' >"$TMP/scan/workflow.yml"
cp "$TMP/cfn.json" "$TMP/scan/vendor/t.json"
printf 'resource "aws_iam_role" "r" {}\n' >"$TMP/scan/tf/main.tf"
run scan_detected_types 2 policy lint "$TMP/scan"
ok scan_detected_types 'grep -q "trust.json:.*TRUST_SERVICE_CONFUSED_DEPUTY" "$OUT" && ! grep -q "bucket.json.*ERROR" "$OUT" && ! grep -q "package.json:" "$OUT" && ! grep -q "workflow.yml:" "$OUT"'
ok scan_skips_with_note 'grep -q "package.json: skipped: not an IAM policy" "$ERR" && grep -q "workflow.yml: skipped" "$ERR"'
ok scan_tf_note 'grep -q "1 Terraform source file (.tf) not linted: terraform plan -out=tfplan && terraform show -json" "$ERR"'
run scan_type_forced 2 policy lint --type identity "$TMP/scan/bucket.json"
ok scan_type_forced 'grep -q "bucket.json.*ERROR" "$OUT"'
run trust_with_resource_is_not_trust 0 policy lint "$fx/ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE.bad.json"
ok trust_with_resource_is_not_trust '! grep -q ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE "$OUT"'
run trust_detected_bare_file 2 policy lint "$fx/TRUST_SERVICE_CONFUSED_DEPUTY.bad.json"
ok trust_detected_bare_file 'grep -q TRUST_SERVICE_CONFUSED_DEPUTY "$OUT"'
run explicit_package_json 2 policy lint "$TMP/scan/package.json"
ok explicit_file_still_linted 'grep -q "package.json:.*ERROR" "$OUT"'
run scan_exclude_name 2 policy lint --exclude vendor "$TMP/scan"
ok scan_exclude_name '! grep -q "vendor/t.json" "$OUT" && grep -q trust.json "$OUT"'
run scan_exclude_path 0 policy lint --exclude "$TMP/scan/vendor/*.json" --exclude 'trust.*' "$TMP/scan"
ok scan_exclude_path '! grep -q "vendor/t.json" "$OUT" && ! grep -q trust.json "$OUT"'
run scan_not_excluded 2 policy lint --exclude 'vendors' "$TMP/scan"
ok scan_not_excluded 'grep -q "vendor/t.json" "$OUT"'
# --exclude also skips files named on the command line (a shell glob, a
# list of changed files), by name or by path as given, with a note.
run exclude_named_file 2 policy lint --exclude 'trust.*' "$TMP/scan/trust.json" "$TMP/scan/vendor/t.json"
ok exclude_named_file '! grep -q trust.json "$OUT" && grep -q "vendor/t.json" "$OUT" && grep -q "trust.json: skipped: matches --exclude" "$ERR"'
run exclude_named_path 0 policy lint --exclude "$TMP/scan/vendor/*.json" "$TMP/scan/vendor/t.json"
ok exclude_named_path '! grep -q "vendor/t.json:" "$OUT" && grep -q "t.json: skipped: matches --exclude" "$ERR"'
run exclude_named_quiet 0 policy lint -q --exclude t.json "$TMP/scan/vendor/t.json"
ok exclude_named_quiet '[ ! -s "$ERR" ]'
(cd "$TMP/scan" && "$S" policy lint --exclude 'vendor/*' ./vendor/t.json >"$OUT" 2>"$ERR"); got=$? want=0
ok exclude_named_dot_slash '! grep -q "t.json:" "$OUT"'
printf 'lint:\n  exclude: [trust.json]\n' >"$TMP/excl.yml"
run exclude_named_config 0 policy lint --config "$TMP/excl.yml" "$TMP/scan/trust.json"
ok exclude_named_config '! grep -q "trust.json:" "$OUT"'
# Near misses: a glob that does not match leaves the file linted; a folder
# named on the command line is scanned even when its name matches; standard
# input is never excluded.
run exclude_named_no_match 2 policy lint --exclude 'trust.yml' "$TMP/scan/trust.json"
ok exclude_named_no_match 'grep -q "trust.json:.*TRUST_SERVICE_CONFUSED_DEPUTY" "$OUT"'
run exclude_named_folder 2 policy lint --exclude vendor "$TMP/scan/vendor"
ok exclude_named_folder 'grep -q "vendor/t.json" "$OUT"'
run exclude_stdin 2 policy lint --exclude '*' - <"$TMP/scan/trust.json"
ok exclude_stdin 'grep -q "TRUST_SERVICE_CONFUSED_DEPUTY" "$OUT"'
run explicit_tf 1 policy lint "$TMP/scan/tf/main.tf"
ok explicit_tf 'one_line explicit_tf && grep -q "main.tf: Terraform source is not linted: terraform plan" "$ERR"'
mkdir -p "$TMP/empty"
cp "$TMP/scan/package.json" "$TMP/empty/"
run scan_finds_nothing 1 policy lint "$TMP/empty"
ok scan_finds_nothing 'grep -q "no IAM policy, CloudFormation template or Terraform plan found in" "$ERR" && [ ! -s "$OUT" ]'
run scan_finds_nothing_quiet 1 policy lint --quiet "$TMP/empty"
ok scan_finds_nothing_quiet '[ "$(wc -l <"$ERR")" = 1 ]'

# ---- output
run output_file 2 policy lint -o "$TMP/report.txt" "$TMP/cfn.json"
ok output_file '[ ! -s "$OUT" ] && grep -q PASS_ROLE "$TMP/report.txt" && ! ls "$TMP"/report.txt.* >/dev/null 2>&1'
echo previous >"$TMP/keep.sarif"
run output_not_on_failure 1 policy lint --format sarif --output "$TMP/keep.sarif" "$TMP/cfn.json" "$TMP/missing.json"
ok output_not_on_failure '[ "$(cat "$TMP/keep.sarif")" = previous ] && ! ls "$TMP"/keep.sarif?* >/dev/null 2>&1'
run output_bad_folder 1 policy lint -o "$TMP/no/such/dir/r.txt" "$TMP/cfn.json"
ok output_bad_folder 'grep -q "r.txt" "$ERR"'
run quiet 2 policy lint --quiet "$TMP/scan"
ok quiet '[ ! -s "$ERR" ] && ! grep -q "findings* in" "$OUT" && grep -q TRUST_SERVICE "$OUT"'
run summary 2 policy lint "$TMP/cfn.json" "$fx/TRUST_SERVICE_CONFUSED_DEPUTY.bad.json"
ok summary '[ "$(tail -n 1 "$OUT")" = "2 findings (2 SECURITY_WARNING) in 3 policies from 2 files; 1 ignored" ]'
run summary_clean 0 policy lint --ignore PASS_ROLE_WITH_STAR_IN_RESOURCE "$TMP/cfn.json"
ok summary_clean '[ "$(cat "$OUT")" = "0 findings in 2 policies from 1 file; 2 ignored" ]'
run no_colour_when_piped 2 policy lint "$TMP/cfn.json"
ok no_colour_when_piped '! grep -q "$(printf "\033")" "$OUT"'
if script -qec true /dev/null >/dev/null 2>&1; then
    script -qec "$S policy lint $TMP/cfn.json" /dev/null >"$OUT" 2>&1
    got=$? want=2
    ok colour_on_tty 'grep -q "$(printf "\033")\[1;35mSECURITY_WARNING PASS_ROLE" "$OUT"'
    NO_COLOR=1 script -qec "$S policy lint $TMP/cfn.json" /dev/null >"$OUT" 2>&1
    got=$? want=2
    ok no_colour_with_NO_COLOR '! grep -q "$(printf "\033")" "$OUT" && grep -q "SECURITY_WARNING PASS_ROLE" "$OUT"'
    script -qec "$S policy lint --format json $TMP/cfn.json" /dev/null >"$OUT" 2>&1
    got=$? want=2
    ok no_colour_in_json '! grep -q "$(printf "\033")" "$OUT"'
else
    skip colour_on_tty "script(1) cannot make a terminal here"
fi
# github workflow commands, with escaping
mkdir -p "$TMP/gh"
cat >"$TMP/gh/a,b:c.json" <<'JSON'
{"Version": "2012-10-17", "Statement": [
 {"Effect": "Allow", "Action": "s3:Get%Object", "Resource": "arn:aws:s3:::b/*"}]}
JSON
(cd "$TMP/gh" && "$S" policy lint --format github "a,b:c.json" >"$OUT" 2>"$ERR"); got=$? want=2
ok github_format 'grep -q "^::error file=a%2Cb%3Ac.json,line=2,col=[0-9]*,endLine=2,endColumn=[0-9]*,title=ERROR INVALID_ACTION::.*Get%25Object" "$OUT" && ! grep -q "findings* in" "$OUT"'
run github_levels 0 policy lint --format github "$top_srcdir/tests/data/policy/seed/emrfs-data-sci-role-policy.json"
ok github_levels 'grep -q "^::warning file=.*title=WARNING SERVICE_WILDCARD::" "$OUT" && ! grep -q "^::error" "$OUT"'
run bad_format 1 policy lint --format gitlab "$TMP/cfn.json"
ok bad_format 'grep -q "text, json, sarif or github" "$ERR"'
# SARIF: relative URIs, security-severity, absolute help links
(cd "$TMP" && "$S" policy lint --format sarif "$TMP/cfn.json" ./base.json >"$OUT" 2>"$ERR"); got=$? want=2
ok sarif_relative_uri 'grep -q "\"uri\":\"cfn.json\"" "$OUT" && grep -q "\"uri\":\"base.json\"" "$OUT" && ! grep -q "\"uri\":\"/" "$OUT"'
ok sarif_security_severity 'grep -q "\"id\":\"PASS_ROLE_WITH_STAR_IN_RESOURCE\".*\"security-severity\":\"7.5\"" "$OUT" && grep -q "\"id\":\"MISSING_VERSION\".*\"security-severity\":\"[0-9.]*\"" "$OUT"'
ok sarif_own_link_absolute 'grep -q "\"id\":\"RESOURCE_ARN_WITH_WHITESPACE\".*\"helpUri\":\"file:///.*/checks.md#resource_arn_with_whitespace\"" "$OUT"'
ok sarif_aa_link_kept 'grep -q "\"id\":\"PASS_ROLE_WITH_STAR_IN_RESOURCE\".*\"helpUri\":\"https://docs.aws.amazon.com/" "$OUT"'
(cd / && "$S" policy lint --format sarif "$TMP/cfn.json" >"$OUT" 2>"$ERR"); got=$? want=2
ok sarif_outside_cwd 'grep -q "\"uri\":\"${TMP#/}/cfn.json\"" "$OUT"'
mkdir -p "$TMP/elsewhere"
(cd "$TMP/elsewhere" && "$S" policy lint --format sarif "$TMP/cfn.json" >"$OUT" 2>"$ERR"); got=$? want=2
ok sarif_absolute_uri 'grep -q "\"uri\":\"file://$TMP/cfn.json\"" "$OUT"'
run help_uri_base 2 policy lint --format sarif --help-uri-base https://sec.example.com/seckit/checks.html "$TMP/cfn.json"
ok help_uri_base 'grep -q "\"helpUri\":\"https://sec.example.com/seckit/checks.html#resource_arn_with_whitespace\"" "$OUT"'
run json_learn_more 2 policy lint --format json "$fx/RESOURCE_ARN_WITH_WHITESPACE.bad.json"
ok json_learn_more_absolute 'grep -q "\"learnMoreLink\":\"file:///.*checks.md#resource_arn_with_whitespace\"" "$OUT"'
run json_learn_more_base 2 policy lint --format json --help-uri-base https://x.example/c.md "$fx/RESOURCE_ARN_WITH_WHITESPACE.bad.json"
ok json_learn_more_base 'grep -q "\"learnMoreLink\":\"https://x.example/c.md#resource_arn_with_whitespace\"" "$OUT"'
finish
