# seckit aws whoami against the loopback mock AWS server (tests/aws/mock_aws).
. "$top_srcdir/tests/lib.sh"
start_mock aws_whoami aws_mock_started
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

nokeys

# whoami shows the profile and region it used, and where each came from.
cat >"$TMP/config" <<EOC
[profile named]
region = eu-west-3
EOC
cat >"$TMP/credentials" <<EOC
[default]
aws_access_key_id = $key
aws_secret_access_key = $secret
[named]
aws_access_key_id = $key
aws_secret_access_key = $secret
EOC
if check whoami_profile_region 0 aws whoami --endpoint-url "$url" --region us-west-2; then
    grep -q '^Profile *default (default)$' "$OUT" && grep -q '^Region *us-west-2 (options)$' "$OUT" &&
        grep -q '^Credentials *shared-credentials-file$' "$OUT" &&
        pass whoami_profile_region || fail whoami_profile_region "$(tr '\n' '|' <"$OUT")"
fi
if AWS_PROFILE=named check whoami_profile_env 0 aws whoami --endpoint-url "$url"; then
    grep -q '^Profile *named (AWS_PROFILE)$' "$OUT" && grep -q '^Region *eu-west-3 (config-file)$' "$OUT" &&
        pass whoami_profile_env || fail whoami_profile_env "$(tr '\n' '|' <"$OUT")"
fi
if AWS_DEFAULT_REGION=ap-south-1 check whoami_region_env 0 aws whoami --profile named --endpoint-url "$url"; then
    grep -q '^Profile *named (options)$' "$OUT" && grep -q '^Region *ap-south-1 (AWS_DEFAULT_REGION)$' "$OUT" &&
        pass whoami_region_env || fail whoami_region_env "$(tr '\n' '|' <"$OUT")"
fi
# No region anywhere: said, not an empty field.
if check whoami_no_region 0 aws whoami --endpoint-url "$url"; then
    grep -q '^Region *(none)$' "$OUT" && pass whoami_no_region || fail whoami_no_region "$(tr '\n' '|' <"$OUT")"
fi
# JSON: two-space indentation, "key": value, the same facts.
if check whoami_json_indent 0 aws whoami --endpoint-url "$url" --region us-west-2 --output json; then
    if grep -q '^  "Account": "123456789012",$' "$OUT" && grep -q '^  "Profile": "default",$' "$OUT" &&
        grep -q '^  "Region": "us-west-2",$' "$OUT" && grep -q '^  "RegionSource": "options"$' "$OUT" &&
        ! grep -q "$(printf '\t')" "$OUT" && [ "$(head -n 1 "$OUT")" = "{" ] && [ "$(tail -n 1 "$OUT")" = "}" ]; then
        pass whoami_json_indent
    else
        fail whoami_json_indent "$(tr '\n' '|' <"$OUT")"
    fi
fi
if check whoami_json_no_region 0 aws whoami --endpoint-url "$url" --output json; then
    grep -q '^  "Region": null,$' "$OUT" && pass whoami_json_no_region ||
        fail whoami_json_no_region "$(tr '\n' '|' <"$OUT")"
fi

# Half a key pair in the environment: an error (exit 6, AWS authentication),
# not the credentials file's default profile; the secret is never shown.
export AWS_ACCESS_KEY_ID=$key
unset AWS_SECRET_ACCESS_KEY
if check whoami_partial_env_id 6 aws whoami --endpoint-url "$url"; then
    one_line whoami_partial_env_id && grep -q 'missing: AWS_SECRET_ACCESS_KEY' "$ERR" &&
        pass whoami_partial_env_id || fail whoami_partial_env_id "$(cat "$ERR")"
fi
unset AWS_ACCESS_KEY_ID
export AWS_SECRET_ACCESS_KEY=loneSecretQQQ
if check whoami_partial_env_secret 6 aws whoami --endpoint-url "$url"; then
    grep -q 'missing: AWS_ACCESS_KEY_ID' "$ERR" && ! grep -q loneSecretQQQ "$ERR" &&
        pass whoami_partial_env_secret || fail whoami_partial_env_secret "$(cat "$ERR")"
fi
# Near misses: --profile does not read the environment; a lone session
# token is ignored; both keys set work.
check whoami_partial_env_profile 0 aws whoami --profile named --endpoint-url "$url" &&
    pass whoami_partial_env_profile
unset AWS_SECRET_ACCESS_KEY
if AWS_SESSION_TOKEN=loneToken check whoami_lone_token 0 aws whoami --endpoint-url "$url"; then
    grep -q '^Credentials *shared-credentials-file$' "$OUT" && pass whoami_lone_token ||
        fail whoami_lone_token "$(tr '\n' '|' <"$OUT")"
fi

# --debug: the profile, region, credential source and each request and
# answer on stderr; stdout unchanged; no secret, no signature, no token.
# (The mock's role credentials: a key id, a secret and a session token.)
token='FwoGZXIvYXdzEMockSessionToken//+=='
rsecret='roleSecret/abcdefghijklmnopqrstuvwxyz012'
keys ASIAMOCKROLE $rsecret
export AWS_SESSION_TOKEN=$token
if check whoami_debug 0 aws whoami --endpoint-url "$url" --region us-west-2 --debug; then
    if grep -q '^Account *123456789012$' "$OUT" && ! grep -q 'debug' "$OUT" &&
        grep -q '^seckit: debug: profile default (from default)$' "$ERR" &&
        grep -q '^seckit: debug: region us-west-2 (from options)$' "$ERR" &&
        grep -q '^seckit: debug: credentials from environment' "$ERR" &&
        grep -q "^seckit: debug: request (attempt 1): POST $url/\?\$" "$ERR" &&
        grep -q '^seckit: debug:   Authorization: AWS4-HMAC-SHA256 Credential=ASIAMOCKROLE/.*Signature=\*\*\*\*$' "$ERR" &&
        grep -q '^seckit: debug:   X-Amz-Security-Token: \*\*\*\*$' "$ERR" &&
        grep -q '^seckit: debug: response (attempt 1): HTTP 200$' "$ERR"; then
        pass whoami_debug
    else
        fail whoami_debug "$(tr '\n' '|' <"$ERR" | head -c 1500)"
    fi
    # The secrets and the signature itself never appear.
    sig=$(sed -n 's/.*Signature=\([0-9a-f]\{64\}\).*/\1/p' "$ERR")
    if ! grep -qF -- "$rsecret" "$ERR" && ! grep -qF -- "$token" "$ERR" && [ -z "$sig" ]; then
        pass whoami_debug_no_secrets
    else
        fail whoami_debug_no_secrets "a secret, token or signature is in the --debug output"
    fi
fi
# The global --debug before the command name has the same effect.
if check global_debug 0 --debug aws whoami --endpoint-url "$url" --region us-west-2; then
    if grep -q '^Account *123456789012$' "$OUT" &&
        grep -q '^seckit: debug: region us-west-2 (from options)$' "$ERR" &&
        grep -q '^seckit: debug: response (attempt 1): HTTP 200$' "$ERR" &&
        ! grep -qF -- "$rsecret" "$ERR" && ! grep -qF -- "$token" "$ERR"; then
        pass global_debug
    else
        fail global_debug "$(tr '\n' '|' <"$ERR" | head -c 1500)"
    fi
fi
# Both places at once are the same as one.
check global_debug_twice 0 --debug aws whoami --endpoint-url "$url" --debug &&
    [ "$(grep -c '^seckit: debug: response (attempt 1): HTTP 200$' "$ERR")" = 1 ] &&
    pass global_debug_twice || fail global_debug_twice "$(tr '\n' '|' <"$ERR" | head -c 800)"
# Near misses: a global option that is not --debug is a usage error; --debug
# with no command is one too; a command that calls no AWS traces nothing.
check global_unknown_option 2 --debugx aws whoami --endpoint-url "$url" && one_line global_unknown_option &&
    grep -q 'unknown option --debugx' "$ERR" && pass global_unknown_option
check global_debug_no_command 2 --debug && pass global_debug_no_command
check global_debug_offline 0 --debug keygen --help && [ ! -s "$ERR" ] && pass global_debug_offline ||
    fail global_debug_offline "$(cat "$ERR")"
# Near miss: without --debug nothing is traced.
check whoami_no_debug 0 aws whoami --endpoint-url "$url" && [ ! -s "$ERR" ] && pass whoami_no_debug ||
    fail whoami_no_debug "$(cat "$ERR")"
# A refused request is traced too, and still shows no secret.
keys ASIAMOCKROLE wrongSecretXYZ/123
if check whoami_debug_refused 6 aws whoami --endpoint-url "$url" --debug; then
    grep -q '^seckit: debug: response (attempt 1): HTTP 403$' "$ERR" && ! grep -q wrongSecretXYZ "$ERR" &&
        ! grep -qF -- "$token" "$ERR" && pass whoami_debug_refused ||
        fail whoami_debug_refused "$(tr '\n' '|' <"$ERR" | head -c 800)"
fi
unset AWS_SESSION_TOKEN
nokeys
rm -f "$TMP/config" "$TMP/credentials"
keys $key $secret

stop_mock
# Nothing listening: a network error, exit 5.
export AWS_MAX_ATTEMPTS=1
check whoami_unreachable 5 aws whoami --endpoint-url "$url" && one_line whoami_unreachable && pass whoami_unreachable
finish
