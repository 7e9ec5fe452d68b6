# title: lint the policies inside CloudFormation, Terraform plans and AWS CLI output (offline)
# seckit policy lint finds the policies in templates (JSON or YAML, with
# intrinsic functions), `terraform show -json` plans and `aws iam` outputs,
# lints each as its own type (trust, bucket policy, ...) and reports file
# positions and owners.  docs/policy-inputs.md has the rules.
inputs="$top/tests/data/policy/inputs"
[ -n "${SECKIT_IAM_DATA:-}" ] || export SECKIT_IAM_DATA="$top/policy/data/iam-data.txt"
mkdir -p infra
cp "$inputs/cloudformation.yaml" "$inputs/terraform-plan.json" \
   "$inputs/account-authorization-details.json" infra/
# A CloudFormation template in YAML: findings point at the YAML line and column.
show policy lint --fail-on ERROR infra/cloudformation.yaml
# A Terraform plan: the policies are JSON strings inside it; positions still land exactly.
show policy lint --fail-on ERROR infra/terraform-plan.json
# get-account-authorization-details: every user, group, role and managed policy (default version).
show policy lint --format json --fail-on NONE infra/account-authorization-details.json
# A whole folder, recursively (its *.json, *.yaml, *.yml and *.template files).
mkdir -p more/nested
cp "$inputs/bare-identity.json" more/ && cp "$inputs/get-policy-version-urlencoded.json" more/nested/
show policy lint --fail-on ERROR more
# Standard input (here get-policy-version output).
show policy lint --fail-on ERROR - < "$inputs/get-policy-version.json"
# A malformed template is an input error with its position (exit status 1).
cp "$inputs/malformed.yaml" broken.yaml
show policy lint broken.yaml || true
