# seckit's credential chain from the command line, against the loopback mock
# AWS server (tests/aws/mock_aws): the MFA prompt on a terminal (through
# script(1) when it is installed) and without one, web identity, SSO's
# "run aws sso login" message, the credential cache across runs.
. "$top_srcdir/tests/lib.sh"
start_mock aws_creds_cli aws_creds_mock_started
for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_REGION \
    AWS_DEFAULT_REGION AWS_ENDPOINT_URL AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
    AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_DEFAULT_PROFILE AWS_WEB_IDENTITY_TOKEN_FILE \
    AWS_ROLE_ARN AWS_ROLE_SESSION_NAME AWS_MAX_ATTEMPTS; do unset $v; done
export HOME="$TMP" AWS_EC2_METADATA_DISABLED=true AWS_REGION=us-east-1
export AWS_CONFIG_FILE="$TMP/config" AWS_SHARED_CREDENTIALS_FILE="$TMP/credentials"
export AWS_ENDPOINT_URL_STS="$url" AWS_ENDPOINT_URL_SSO="$url"
key=AKIDMOCKEXAMPLE
secret='mockSecret/K7MDENG+bPxRfiCYEXAMPLEKEY'
# AssumeRole calls counted by the mock (read with curl(1) when installed).
if command -v curl >/dev/null 2>&1; then
    assume_calls() { curl -s --noproxy '*' "$url/__stats" | sed -n 's/.*"assume_role":\([0-9]*\).*/\1/p'; }
else
    skip aws_creds_call_counts "curl(1) is not installed: AssumeRole calls are not counted"
    assume_calls() { echo uncounted; }
fi

cat >"$TMP/credentials" <<EOC
[base]
aws_access_key_id = $key
aws_secret_access_key = $secret
EOC
cat >"$TMP/config" <<EOC
[profile mfa]
role_arn = arn:aws:iam::123456789012:role/MfaRole
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/tester
role_session_name = cli-mfa
[profile sso]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = MockSsoRole
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
[profile wi]
web_identity_token_file = $TMP/oidc-token
role_arn = arn:aws:iam::123456789012:role/MockRole
role_session_name = cli-wi
EOC

# No terminal (setsid: no controlling terminal): a clear error, no AssumeRole.
before=$(assume_calls)
if command -v setsid >/dev/null 2>&1; then
    setsid "$SECKIT" aws whoami --profile mfa </dev/null >"$OUT" 2>"$ERR"
    status=$?
    if [ "$status" -ne 0 ] && grep -q 'mfa_serial' "$ERR" && grep -q 'terminal' "$ERR" &&
        [ "$(assume_calls)" = "$before" ]; then
        pass mfa_without_terminal
    else
        fail mfa_without_terminal "status $status: $(tr '\n' ' ' <"$ERR")"
    fi
else
    skip mfa_without_terminal "setsid is not installed"
fi

# A terminal: script(1) gives seckit one; the code typed there is sent.
if command -v script >/dev/null 2>&1; then
    (sleep 1; printf '123456\n'; sleep 2) |
        script -qec "'$SECKIT' aws whoami --profile mfa" /dev/null >"$OUT" 2>"$ERR"
    if grep -q 'Enter MFA code for arn:aws:iam::123456789012:mfa/tester' "$OUT" &&
        grep -q 'assumed-role/MockRole/' "$OUT"; then
        pass mfa_prompt_on_terminal
    else
        fail mfa_prompt_on_terminal "$(tr '\r\n' '  ' <"$OUT") $(tr '\n' ' ' <"$ERR")"
    fi
    # The next run uses ~/.aws/cli/cache: no prompt, no AssumeRole.
    before=$(assume_calls)
    if check mfa_cached 0 aws whoami --profile mfa && [ "$(assume_calls)" = "$before" ]; then
        pass mfa_cached
    else
        fail mfa_cached "AssumeRole called again or failed: $(tr '\n' ' ' <"$ERR")"
    fi
else
    skip mfa_prompt_on_terminal "script(1) is not installed"
fi

# Web identity from a profile.
printf 'mock-oidc-token' >"$TMP/oidc-token"
if check web_identity_profile 0 aws whoami --profile wi; then
    grep -q '^Credentials *web-identity$' "$OUT" && pass web_identity_profile ||
        fail web_identity_profile "$(tr '\n' '|' <"$OUT")"
fi

# SSO without a cached token: one line saying to run aws sso login.
if seckit aws whoami --profile sso >"$OUT" 2>"$ERR"; then
    fail sso_needs_login "succeeded without a token"
elif one_line sso_needs_login && grep -q 'aws sso login --profile sso' "$ERR"; then
    pass sso_needs_login
else
    fail sso_needs_login "$(tr '\n' ' ' <"$ERR")"
fi

stop_mock
finish
