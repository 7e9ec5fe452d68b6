# seckit aws whoami against the loopback mock AWS server (tests/aws/mock_aws).
. "$top_srcdir/tests/lib.sh"
mock="$top_builddir/tests/aws/mock_aws"
if [ ! -x "$mock" ]; then
    skip aws_whoami "tests/aws/mock_aws is not built"
    finish
fi
mkfifo "$TMP/in"
"$mock" <"$TMP/in" >"$TMP/port" &
mock_pid=$!
exec 9>"$TMP/in"
i=0
while ! grep -q '^PORT ' "$TMP/port" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
port=$(sed -n 's/^PORT //p' "$TMP/port")
stop_mock() { exec 9>&-; kill "$mock_pid" 2>/dev/null; wait "$mock_pid" 2>/dev/null; }
if [ -z "$port" ]; then
    fail aws_mock_started "the mock did not print its port"
    stop_mock
    finish
fi
url="http://127.0.0.1:$port"
for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_REGION \
    AWS_DEFAULT_REGION AWS_ENDPOINT_URL AWS_ENDPOINT_URL_STS AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
    AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_DEFAULT_PROFILE; do unset $v; done
export HOME="$TMP" AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE="$TMP/config" AWS_SHARED_CREDENTIALS_FILE="$TMP/credentials"
key=AKIDMOCKEXAMPLE
secret='mockSecret/K7MDENG+bPxRfiCYEXAMPLEKEY'

keys() { export AWS_ACCESS_KEY_ID="$1" AWS_SECRET_ACCESS_KEY="$2"; }
nokeys() { unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_ENDPOINT_URL_STS AWS_MAX_ATTEMPTS; }

keys $key $secret
if check whoami_env 0 aws whoami --endpoint-url "$url" --region us-east-1; then
    if grep -q '^Account *123456789012$' "$OUT" && grep -q '^Credentials *environment$' "$OUT"; then
        pass whoami_env
    else
        fail whoami_env "unexpected output: $(tr '\n' '|' <"$OUT")"
    fi
fi

export AWS_ENDPOINT_URL_STS="$url"
if check whoami_json 0 aws whoami --output json; then
    grep -q '"Arn":[[:space:]]*"arn:aws:iam::123456789012:user/mock-user"' "$OUT" &&
        pass whoami_json_env_endpoint || fail whoami_json_env_endpoint "$(tr '\n' ' ' <"$OUT")"
fi

# A wrong secret: exit 6, one line naming SignatureDoesNotMatch, no secret.
nokeys
keys $key wrongSecretXYZ/123
if check whoami_bad_secret 6 aws whoami --endpoint-url "$url"; then
    if one_line whoami_bad_secret && grep -q 'SignatureDoesNotMatch' "$ERR" &&
        ! grep -q 'wrongSecretXYZ' "$ERR"; then
        pass whoami_bad_secret
    else
        fail whoami_bad_secret "$(cat "$ERR")"
    fi
fi

nokeys
# A profile that assumes a role from a source profile.
cat >"$TMP/credentials" <<EOC
[base]
aws_access_key_id = $key
aws_secret_access_key = $secret
EOC
cat >"$TMP/config" <<EOC
[profile dev]
role_arn = arn:aws:iam::123456789012:role/MockRole
source_profile = base
role_session_name = cli-test
EOC
if check whoami_assume_role 0 aws whoami --profile dev --endpoint-url "$url"; then
    grep -q 'assumed-role/MockRole/' "$OUT" && grep -q '^Credentials *assume-role$' "$OUT" &&
        pass whoami_assume_role || fail whoami_assume_role "$(tr '\n' '|' <"$OUT")"
fi
export AWS_PROFILE=dev
check whoami_aws_profile 0 aws whoami --endpoint-url "$url" && pass whoami_aws_profile
unset AWS_PROFILE

check whoami_no_profile 3 aws whoami --profile ghost --endpoint-url "$url" &&
    one_line whoami_no_profile && pass whoami_no_profile
rm -f "$TMP/config" "$TMP/credentials"
check whoami_no_credentials 6 aws whoami --endpoint-url "$url" &&
    grep -q 'no AWS credentials found' "$ERR" && pass whoami_no_credentials
check whoami_bad_output 2 aws whoami --output yaml && pass whoami_bad_output
keys $key $secret
check whoami_bad_endpoint 2 aws whoami --endpoint-url ftp://x && pass whoami_bad_endpoint
check aws_unknown_sub 2 aws whatever && pass aws_unknown_sub
check aws_help 0 aws whoami --help && grep -q -- '--endpoint-url' "$OUT" && pass aws_help

stop_mock
# Nothing listening: a network error, exit 5.
export AWS_MAX_ATTEMPTS=1
check whoami_unreachable 5 aws whoami --endpoint-url "$url" && one_line whoami_unreachable && pass whoami_unreachable
finish
