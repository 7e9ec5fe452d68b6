# title: EMRFS role mappings: the seed post's multi-tenant cluster (offline, no AWS account)
# The files are in tests/data/emrfs/: the post's four mappings (admin1's user
# role, the two group roles, the default-bucket prefix role), its roles' trust
# and permission policies as an authorization-details dump, and the users'
# groups.  can-access exits 1 when the answer is "denied", so the denied steps
# say `|| true` to carry on.
emrfs="$top/tests/data/emrfs"
[ -n "${SECKIT_IAM_DATA:-}" ] || export SECKIT_IAM_DATA="$top/policy/data/iam-data.txt"
cp "$emrfs/security-configuration.json" "$emrfs/authorization-details.json" "$emrfs/groups.txt" .
inst=arn:aws:iam::511586466501:role/EMR_EC2_RestrictedRole
# Which role does each identity get?  admin1: the user mapping; dataeng1: its group's role.
show emrfs resolve --security-configuration security-configuration.json --instance-role $inst \
    --user admin1 s3://emrfs-auth-data-science-bucket-demo/
show emrfs resolve --security-configuration security-configuration.json --instance-role $inst \
    --user dataeng1 --groups-from groups.txt --format json s3://emrfs-auth-data-science-bucket-demo/
# The post's answers: admin1 lists the data science bucket ...
show emrfs can-access --security-configuration security-configuration.json \
    --authorization-details authorization-details.json --instance-role $inst \
    --user admin1 --action s3:ListBucket s3://emrfs-auth-data-science-bucket-demo/
# ... dataeng1 is denied there ...
show emrfs can-access --security-configuration security-configuration.json \
    --authorization-details authorization-details.json --instance-role $inst \
    --user dataeng1 --groups-from groups.txt --action s3:ListBucket \
    s3://emrfs-auth-data-science-bucket-demo/ || true
# ... but creates its table in the data engineering bucket ...
show emrfs can-access --security-configuration security-configuration.json \
    --authorization-details authorization-details.json --instance-role $inst \
    --user dataeng1 --groups-from groups.txt --action s3:PutObject \
    s3://emrfs-auth-data-engineering-bucket-demo/table1_data_eng/000000_0
# ... datascientist1 cannot read that table ...
show emrfs can-access --security-configuration security-configuration.json \
    --authorization-details authorization-details.json --instance-role $inst \
    --user datascientist1 --groups-from groups.txt --action s3:GetObject \
    s3://emrfs-auth-data-engineering-bucket-demo/table1_data_eng/000000_0 || true
# ... and a user in no group gets the prefix role on the default bucket, the
# restricted instance role (no S3 access) anywhere else.
show emrfs can-access --security-configuration security-configuration.json \
    --authorization-details authorization-details.json --instance-role $inst \
    --user analyst1 --action s3:GetObject s3://emrfs-auth-default-bucket-demo/data.csv
show emrfs can-access --security-configuration security-configuration.json \
    --authorization-details authorization-details.json --instance-role $inst \
    --user analyst1 --action s3:GetObject s3://emrfs-auth-data-science-bucket-demo/data.csv || true
# The post's configuration checks clean: every mapped role trusts the restricted
# role, grants S3 access, and the restricted role has none of its own.
show emrfs check --security-configuration security-configuration.json \
    --authorization-details authorization-details.json --instance-role $inst
# A configuration with mistakes: broken trust, a role that grants nothing, a
# mapping to the instance role, a fallback role with s3:*.
cp "$emrfs/broken-security-configuration.json" "$emrfs/broken-authorization-details.json" .
show emrfs check --security-configuration broken-security-configuration.json \
    --authorization-details broken-authorization-details.json \
    --instance-role arn:aws:iam::111122223333:role/EMR_EC2_DefaultRole || true
