# title: lint the IAM policies from the blog posts the project started from (offline, no AWS account)
# The policies are copied verbatim in tests/data/policy/seed/.  seckit policy
# lint exits 2 when it finds blocking findings (ERROR, SECURITY_WARNING), as
# cfn-policy-validator does, so these steps say `|| true` to carry on.
seed="$top/tests/data/policy/seed"
[ -n "${SECKIT_IAM_DATA:-}" ] || export SECKIT_IAM_DATA="$top/policy/data/iam-data.txt"
show policy data
cp "$seed/PermissionPolicyForCWLToFireHose.json" "$seed/TrustPolicyForCWLToFireHose.json" \
   "$seed/trustpolicy-maintenancewindowrole.json" "$seed/emrfs-admin-user-role-policy.json" .
# The Firehose permission policy: a placeholder account and a space inside an ARN.
show policy lint PermissionPolicyForCWLToFireHose.json || true
# Role trust policies: services that may assume the role for any account (confused deputy).
show policy lint --type trust TrustPolicyForCWLToFireHose.json trustpolicy-maintenancewindowrole.json || true
# The EMRFS admin role policy, as JSON findings in Access Analyzer's shape.
show policy lint --format json --fail-on ERROR emrfs-admin-user-role-policy.json
# Fix the Firehose policy and lint it again: only the service wildcard remains (a warning).
sed -e 's/YOUR-AWS-ACCT-NUM/210987654321/' -e 's|deliverystream/ Firehose|deliverystream/Firehose|' \
    -e 's/"Statement"/"Version": "2012-10-17", "Statement"/' \
    PermissionPolicyForCWLToFireHose.json > fixed.json
show policy lint fixed.json
