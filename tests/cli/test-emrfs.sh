# seckit emrfs resolve|check|can-access: the seed post's scenario end to end
# (every answer of the post), the three input shapes, --groups-from (file and
# nss), --roles DIR, check's findings, formats and exit codes (check 0/2/1,
# can-access 0/1, usage errors 2 everywhere), errors with file:line:column.
. "$top_srcdir/tests/lib.sh"
export SECKIT_IAM_DATA="$top_srcdir/policy/data/iam-data.txt"
d="$top_srcdir/tests/data/emrfs"
inst=arn:aws:iam::511586466501:role/EMR_EC2_RestrictedRole
sc="$d/security-configuration.json"
ad="$d/authorization-details.json"

# ---- resolve: the post's four identities
check resolve_admin 0 emrfs resolve --security-configuration "$sc" --instance-role $inst \
    --user admin1 s3://emrfs-auth-data-science-bucket-demo/ &&
    grep -q '^role:     arn:aws:iam::511586466501:role/emrfs_auth_user_role_admin_user$' "$OUT" &&
    grep -q '^mapping:  RoleMappings\[0\] (User admin1)$' "$OUT" && pass resolve_admin
check resolve_group_from_file 0 emrfs resolve --security-configuration "$sc" --instance-role $inst \
    --user dataeng1 --groups-from "$d/groups.txt" s3://emrfs-auth-data-science-bucket-demo/ &&
    grep -q 'role/emrfs_auth_group_role_data_eng$' "$OUT" &&
    grep -q '^groups:   grp_data_engineering$' "$OUT" && pass resolve_group_from_file
check resolve_etc_group_line 0 emrfs resolve --security-configuration "$sc" --instance-role $inst \
    --user datascientist1 --groups-from "$d/groups.txt" s3://x/ &&
    grep -q 'role/emrfs_auth_group_role_data_sci$' "$OUT" && pass resolve_etc_group_line
check resolve_group_option 0 emrfs resolve --security-configuration "$sc" --instance-role $inst \
    --user u --group other --group grp_data_science s3://x/ &&
    grep -q 'mapping:  RoleMappings\[2\] (Group grp_data_science)' "$OUT" && pass resolve_group_option
check resolve_prefix_json 0 emrfs resolve --security-configuration "$sc" --instance-role $inst \
    --user analyst1 --format json s3a://emrfs-auth-default-bucket-demo &&
    grep -q '"role":"arn:aws:iam::511586466501:role/emrfs_auth_prefix_role_default_s3_prefix","mapping":3,"identifierType":"Prefix","identifier":"s3://emrfs-auth-default-bucket-demo/"' "$OUT" &&
    grep -q '"location":"s3://emrfs-auth-default-bucket-demo/"' "$OUT" && pass resolve_prefix_json
check resolve_fallback_json 0 emrfs resolve --security-configuration "$sc" --instance-role $inst \
    --user analyst1 --format json s3://emrfs-auth-data-science-bucket-demo/k &&
    grep -q "\"role\":\"$inst\",\"mapping\":null,\"identifierType\":null" "$OUT" && pass resolve_fallback_json
for f in describe-security-configuration.json cloudformation.json cloudformation.yaml; do
    check "resolve_shape[$f]" 0 emrfs resolve --security-configuration "$d/$f" --instance-role $inst \
        --user dataeng1 --group grp_data_engineering s3://b/k &&
        grep -q 'role/emrfs_auth_group_role_data_eng$' "$OUT" && pass "resolve_shape[$f]"
done
check resolve_stdin 0 emrfs resolve --security-configuration - --instance-role $inst --user admin1 s3://b/ <"$sc" &&
    grep -q 'admin_user$' "$OUT" && pass resolve_stdin

# ---- --groups-from nss: the current user and its groups, as the system says
me=$(id -un 2>/dev/null)
if [ -n "$me" ] && mygroup=$(id -gn 2>/dev/null) && [ -n "$mygroup" ]; then
    cat >"$TMP/nss.json" <<JSON
{"AuthorizationConfiguration":{"EmrFsConfiguration":{"RoleMappings":[
 {"Role":"arn:aws:iam::111122223333:role/by_group","IdentifierType":"Group","Identifiers":["$mygroup"]}]}}}
JSON
    check nss_groups 0 emrfs resolve --security-configuration "$TMP/nss.json" \
        --instance-role arn:aws:iam::111122223333:role/inst --user "$me" --groups-from nss s3://b/ &&
        grep -q 'role/by_group$' "$OUT" && pass nss_groups
    check nss_unknown_user 3 emrfs resolve --security-configuration "$TMP/nss.json" \
        --instance-role arn:aws:iam::111122223333:role/inst --user no-such-user-seckit --groups-from nss s3://b/ &&
        one_line nss_unknown_user && pass nss_unknown_user
else
    skip nss_groups "id cannot name the current user or its group"
fi

# ---- can-access: exactly the post's answers
ca() { seckit emrfs can-access --security-configuration "$sc" --authorization-details "$ad" \
    --instance-role $inst --groups-from "$d/groups.txt" "$@" >"$OUT" 2>"$ERR"; }
expect() { # NAME STATUS DECISION ARGS...
    n=$1 want=$2 dec=$3
    shift 3
    ca "$@"
    st=$?
    if [ "$st" -eq "$want" ] && grep -q "^$dec: " "$OUT"; then pass "$n"; else
        fail "$n" "status $st, output $(head -c 300 "$OUT" | tr '\n' '|') $(head -c 200 "$ERR")"; fi
}
expect post_admin1_lists_data_science 0 Allowed --user admin1 --action s3:ListBucket s3://emrfs-auth-data-science-bucket-demo/
expect post_dataeng1_denied_data_science 1 ImplicitDeny --user dataeng1 --action s3:ListBucket s3://emrfs-auth-data-science-bucket-demo/
expect post_dataeng1_lists_data_engineering 0 Allowed --user dataeng1 --action s3:ListBucket s3://emrfs-auth-data-engineering-bucket-demo/
expect post_dataeng1_creates_table1 0 Allowed --user dataeng1 --action s3:PutObject s3://emrfs-auth-data-engineering-bucket-demo/table1_data_eng/000000_0
expect post_dataeng1_table_on_data_science 1 ImplicitDeny --user dataeng1 --action s3:PutObject s3://emrfs-auth-data-science-bucket-demo/test1/000000_0
expect post_datascientist1_creates_test2 0 Allowed --user datascientist1 --action s3:PutObject s3://emrfs-auth-data-science-bucket-demo/test2_datasci_tb/000000_0
expect post_datascientist1_selects_data_eng 1 ImplicitDeny --user datascientist1 --action s3:GetObject s3://emrfs-auth-data-engineering-bucket-demo/table1_data_eng/000000_0
expect post_third_user_default_prefix 0 Allowed --user analyst1 --action s3:GetObject s3://emrfs-auth-default-bucket-demo/data.csv
expect post_third_user_restricted_role 1 ImplicitDeny --user analyst1 --action s3:ListBucket s3://emrfs-auth-data-engineering-bucket-demo/
ca --user dataeng1 --action s3:ListBucket --format json s3://emrfs-auth-data-science-bucket-demo/
[ $? -eq 1 ] && grep -q '^{"decision":"ImplicitDeny","action":"s3:ListBucket","resource":"arn:aws:s3:::emrfs-auth-data-science-bucket-demo","role":"arn:aws:iam::511586466501:role/emrfs_auth_group_role_data_eng","mapping":1,' "$OUT" &&
    pass can_access_json || fail can_access_json "$(cat "$OUT" "$ERR")"
# bucket or object ARN: from the service data (PutLifecycleConfiguration is a bucket action)
ca --user admin1 --action s3:PutLifecycleConfiguration s3://emrfs-auth-data-science-bucket-demo/k
[ $? -eq 0 ] && grep -q '^Allowed: s3:PutLifecycleConfiguration on arn:aws:s3:::emrfs-auth-data-science-bucket-demo$' "$OUT" &&
    pass bucket_action_from_data || fail bucket_action_from_data "$(cat "$OUT" "$ERR")"
ca --user admin1 --action s3:ListMultipartUploadParts s3://emrfs-auth-data-science-bucket-demo/k
[ $? -eq 0 ] && grep -q '^Allowed: s3:ListMultipartUploadParts on arn:aws:s3:::emrfs-auth-data-science-bucket-demo/k$' "$OUT" &&
    pass object_action_from_data || fail object_action_from_data "$(cat "$OUT" "$ERR")"
# --roles DIR (the same roles as files) and a template
check can_access_roles_dir 0 emrfs can-access --security-configuration "$d/cloudformation.yaml" --roles "$d/roles" \
    --instance-role $inst --user datascientist1 --group grp_data_science --action s3:GetObject \
    s3://emrfs-auth-data-science-bucket-demo/test2_datasci_tb/000000_0 && grep -q '^Allowed: ' "$OUT" && pass can_access_roles_dir
check can_access_roles_dir_denied 1 emrfs can-access --security-configuration "$sc" --roles "$d/roles" \
    --instance-role $inst --user dataeng1 --group grp_data_engineering --action s3:ListBucket \
    s3://emrfs-auth-data-science-bucket-demo/ && pass can_access_roles_dir_denied

# ---- check
check check_seed_clean 0 emrfs check --security-configuration "$sc" --authorization-details "$ad" --instance-role $inst &&
    [ ! -s "$OUT" ] && pass check_seed_clean
check check_seed_roles_dir 0 emrfs check --security-configuration "$sc" --roles "$d/roles" --instance-role $inst &&
    [ ! -s "$OUT" ] && pass check_seed_roles_dir
binst=arn:aws:iam::111122223333:role/EMR_EC2_DefaultRole
check check_broken 2 emrfs check --security-configuration "$d/broken-security-configuration.json" \
    --authorization-details "$d/broken-authorization-details.json" --instance-role $binst &&
    grep -q "^$d/broken-security-configuration.json:6:19: ERROR EMRFS_TRUST_DENIES_INSTANCE_ROLE: .*role_eng" "$OUT" &&
    grep -q ':13:19: WARNING EMRFS_ROLE_GRANTS_NO_S3_ACCESS: .*role_nothing' "$OUT" &&
    grep -q 'WARNING EMRFS_MAPPING_TO_INSTANCE_ROLE: ' "$OUT" &&
    grep -q 'ERROR EMRFS_TRUST_DENIES_INSTANCE_ROLE: .*role_denied.*ExplicitDeny' "$OUT" &&
    grep -q ':1:1: SECURITY_WARNING EMRFS_INSTANCE_ROLE_S3_ACCESS: ' "$OUT" && pass check_broken
check check_shadowed 2 emrfs check --security-configuration "$d/shadowed.json" \
    --authorization-details "$d/broken-authorization-details.json" --instance-role $binst --format json &&
    grep -q '"issueCode":"EMRFS_MAPPING_SHADOWED"' "$OUT" &&
    grep -q '"issueCode":"EMRFS_IDENTIFIER_SHADOWED"' "$OUT" && pass check_shadowed
check check_prefix_overlap_sarif 2 emrfs check --security-configuration "$d/prefix-overlap.json" \
    --authorization-details "$d/broken-authorization-details.json" --instance-role $binst --format sarif &&
    grep -q '"ruleId":"EMRFS_PREFIX_MATCHES_OTHER_BUCKETS"' "$OUT" && grep -q '"version":"2.1.0"' "$OUT" &&
    pass check_prefix_overlap_sarif
check check_fail_on_none 0 emrfs check --security-configuration "$d/prefix-overlap.json" \
    --authorization-details "$d/broken-authorization-details.json" --instance-role $binst --fail-on NONE &&
    grep -q 'EMRFS_PREFIX_PARTIAL_KEY' "$OUT" && pass check_fail_on_none
printf 'someone: grp_data_science\n' >"$TMP/g.txt"
check check_unknown_users 0 emrfs check --security-configuration "$sc" --authorization-details "$ad" \
    --instance-role $inst --groups-from "$TMP/g.txt" &&
    grep -q ':8:27: WARNING EMRFS_UNKNOWN_USER: user admin1 ' "$OUT" &&
    grep -q ':13:27: WARNING EMRFS_UNKNOWN_GROUP: group grp_data_engineering ' "$OUT" &&
    ! grep -q 'grp_data_science' "$OUT" && pass check_unknown_users

# with the system's user database: the post's directory users are not on this machine
if getent passwd admin1 >/dev/null 2>&1 || getent group grp_data_science >/dev/null 2>&1; then
    skip check_unknown_users_nss "this machine has an admin1 user or a grp_data_science group"
else
    check check_unknown_users_nss 0 emrfs check --security-configuration "$sc" --authorization-details "$ad" \
        --instance-role $inst --groups-from nss &&
        grep -q ':8:27: WARNING EMRFS_UNKNOWN_USER: user admin1 ' "$OUT" &&
        grep -q ':18:27: WARNING EMRFS_UNKNOWN_GROUP: group grp_data_science ' "$OUT" &&
        check check_unknown_users_nss_blocking 2 emrfs check --security-configuration "$sc" \
            --authorization-details "$ad" --instance-role $inst --groups-from nss --fail-on WARNING &&
        pass check_unknown_users_nss
fi

# ---- errors: positions, exit codes, nothing on stdout
cat >"$TMP/bad.json" <<'JSON'
{"AuthorizationConfiguration": {"EmrFsConfiguration": {"RoleMappings": [
  {"Role": "arn:aws:iam::111122223333:role/r", "IdentifierType": "Users", "Identifiers": ["u"]}
]}}}
JSON
check bad_type_position 3 emrfs resolve --security-configuration "$TMP/bad.json" --instance-role $inst --user u s3://b/ &&
    one_line bad_type_position && grep -q "^seckit: emrfs: $TMP/bad.json:2:69: RoleMappings\[0\].IdentifierType 'Users' is not User, Group or Prefix$" "$ERR" &&
    [ ! -s "$OUT" ] && pass bad_type_position
check bad_config_check_exit_1 1 emrfs check --security-configuration "$TMP/bad.json" --authorization-details "$ad" --instance-role $inst &&
    pass bad_config_check_exit_1
check bad_config_can_access_exit_3 3 emrfs can-access --security-configuration "$TMP/bad.json" --authorization-details "$ad" \
    --instance-role $inst --user u --action s3:GetObject s3://b/k && pass bad_config_can_access_exit_3
check missing_file 5 emrfs resolve --security-configuration "$TMP/nope.json" --instance-role $inst --user u s3://b/ &&
    one_line missing_file && pass missing_file
printf 'a b c\n' >"$TMP/badgroups.txt"
check bad_groups_file 3 emrfs resolve --security-configuration "$sc" --instance-role $inst --user u \
    --groups-from "$TMP/badgroups.txt" s3://b/ && grep -q "badgroups.txt:1:1: line 1: no ':'" "$ERR" && pass bad_groups_file
check bad_auth_details 1 emrfs check --security-configuration "$sc" --authorization-details "$sc" --instance-role $inst &&
    grep -q 'no RoleDetailList' "$ERR" && pass bad_auth_details
check role_not_in_documents 3 emrfs can-access --security-configuration "$sc" --authorization-details "$d/broken-authorization-details.json" \
    --instance-role $inst --user admin1 --action s3:GetObject s3://b/k && one_line role_not_in_documents && pass role_not_in_documents

# usage errors exit 2, in every subcommand
check usage_no_sub 2 emrfs && pass usage_no_sub
check usage_unknown_sub 2 emrfs eval && pass usage_unknown_sub
check usage_unknown_option 2 emrfs resolve --nope && pass usage_unknown_option
check usage_no_config 2 emrfs resolve --instance-role $inst --user u s3://b/ && one_line usage_no_config && pass usage_no_config
check usage_no_user 2 emrfs can-access --security-configuration "$sc" --authorization-details "$ad" --instance-role $inst \
    --action s3:GetObject s3://b/k && pass usage_no_user
check usage_no_uri 2 emrfs resolve --security-configuration "$sc" --instance-role $inst --user u && pass usage_no_uri
check usage_two_uris 2 emrfs resolve --security-configuration "$sc" --instance-role $inst --user u s3://a/ s3://b/ && pass usage_two_uris
check usage_bad_uri 2 emrfs resolve --security-configuration "$sc" --instance-role $inst --user u /tmp/x && pass usage_bad_uri
check usage_bad_instance 2 emrfs resolve --security-configuration "$sc" --instance-role role/x --user u s3://b/ && pass usage_bad_instance
check usage_check_both_sources 2 emrfs check --security-configuration "$sc" --authorization-details "$ad" --roles "$d/roles" \
    --instance-role $inst && pass usage_check_both_sources
check usage_check_no_source 2 emrfs check --security-configuration "$sc" --instance-role $inst && pass usage_check_no_source
check usage_check_user 2 emrfs check --security-configuration "$sc" --authorization-details "$ad" --instance-role $inst --user u &&
    pass usage_check_user
check usage_check_bad_instance 2 emrfs check --security-configuration "$sc" --authorization-details "$ad" --instance-role nope &&
    pass usage_check_bad_instance
check usage_check_fail_on 2 emrfs check --security-configuration "$sc" --authorization-details "$ad" --instance-role $inst --fail-on FATAL &&
    pass usage_check_fail_on
check usage_resolve_sarif 2 emrfs resolve --security-configuration "$sc" --instance-role $inst --user u --format sarif s3://b/ &&
    pass usage_resolve_sarif
check usage_action_not_s3 2 emrfs can-access --security-configuration "$sc" --authorization-details "$ad" --instance-role $inst \
    --user u --action ec2:RunInstances s3://b/k && pass usage_action_not_s3
check usage_action_on_resolve 2 emrfs resolve --security-configuration "$sc" --instance-role $inst --user u --action s3:GetObject s3://b/ &&
    pass usage_action_on_resolve
check help 0 emrfs --help && grep -q '^Usage: seckit emrfs resolve' "$OUT" && pass help
check help_sub 0 emrfs check --help && grep -q 'can-access' "$OUT" && pass help_sub
finish
