# The AWS layer's network rules through the seckit command, against the
# loopback mock AWS server (tests/aws/mock_aws): header injection refused
# (exit 2), keys with dot segments sent as written, --endpoint-url only for
# the command's own service, bad retry settings refused (exit 2).
. "$top_srcdir/tests/lib.sh"
start_mock aws_net aws_net_mock_started MOCK_LOG=1
for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_REGION \
    AWS_DEFAULT_REGION AWS_ENDPOINT_URL AWS_ENDPOINT_URL_STS AWS_ENDPOINT_URL_S3 \
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI \
    AWS_DEFAULT_PROFILE AWS_MAX_ATTEMPTS AWS_RETRY_MODE AWS_IGNORE_CONFIGURED_ENDPOINT_URLS; do
    unset $v
done
export HOME="$TMP" AWS_EC2_METADATA_DISABLED=true AWS_REGION=us-east-1
export AWS_CONFIG_FILE="$TMP/config" AWS_SHARED_CREDENTIALS_FILE="$TMP/credentials"
export AWS_ACCESS_KEY_ID=AKIDMOCKEXAMPLE AWS_SECRET_ACCESS_KEY='mockSecret/K7MDENG+bPxRfiCYEXAMPLEKEY'
printf 'payload' >"$TMP/file"
requests() { grep -c '^REQ ' "$TMP/log"; }

# Header injection: refused before anything is sent, exit 2, one line.
n0=$(requests)
nl='
'
if check s3_content_type_newline 2 s3 cp "$TMP/file" s3://bkt/k --no-progress \
    --content-type "a${nl}X-Injected: 1" --endpoint-url "$url"; then
    if one_line s3_content_type_newline && grep -q 'Content-Type' "$ERR" &&
        grep -q 'control character' "$ERR" && [ "$(requests)" -eq "$n0" ]; then
        pass s3_content_type_newline
    else
        fail s3_content_type_newline "$(cat "$ERR")"
    fi
fi
cr=$(printf '\r')
if check s3_metadata_cr 2 s3 cp "$TMP/file" s3://bkt/k --no-progress \
    --metadata "note=a${cr}X-Injected: 1" --endpoint-url "$url"; then
    one_line s3_metadata_cr && [ "$(requests)" -eq "$n0" ] && pass s3_metadata_cr
fi

# Keys with "." and ".." segments are sent byte for byte.
if check s3_dot_key_put 0 s3 cp "$TMP/file" 's3://bkt/a/../b/./c' --no-progress --endpoint-url "$url"; then
    grep -q '^REQ s3 PUT /bkt/a/../b/./c$' "$TMP/log" && pass s3_dot_key_put ||
        fail s3_dot_key_put "mock saw: $(grep '^REQ s3' "$TMP/log" | tail -1)"
fi
if check s3_dot_key_get 0 s3 cp 's3://bkt/a/../b/./c' - --endpoint-url "$url"; then
    [ "$(cat "$OUT")" = payload ] && grep -q '^REQ s3 GET /bkt/a/../b/./c$' "$TMP/log" &&
        pass s3_dot_key_get || fail s3_dot_key_get "got '$(cat "$OUT")'"
fi
if check s3_rm_dotdot 0 s3 rm 's3://bkt/x/..' --endpoint-url "$url"; then
    grep -q '^REQ s3 DELETE /bkt/x/..$' "$TMP/log" && ! grep -q '^REQ s3 DELETE /bkt/\?$' "$TMP/log" &&
        pass s3_rm_dotdot || fail s3_rm_dotdot "mock saw: $(grep '^REQ s3 DELETE' "$TMP/log")"
fi

# --endpoint-url is for S3 only: the profile's AssumeRole goes to STS's
# own endpoint (here AWS_ENDPOINT_URL, with a path that shows it).
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
cat >"$TMP/credentials" <<EOC
[base]
aws_access_key_id = AKIDMOCKEXAMPLE
aws_secret_access_key = mockSecret/K7MDENG+bPxRfiCYEXAMPLEKEY
EOC
cat >"$TMP/config" <<EOC
[profile dev]
role_arn = arn:aws:iam::123456789012:role/MockRole
source_profile = base
EOC
export AWS_ENDPOINT_URL="$url/from-env"
if check endpoint_url_scope 0 s3 cp "$TMP/file" s3://bkt/scoped --no-progress --profile dev \
    --endpoint-url "$url"; then
    grep -q '^REQ sts POST /from-env/$' "$TMP/log" && grep -q '^REQ s3 PUT /bkt/scoped$' "$TMP/log" &&
        pass endpoint_url_scope || fail endpoint_url_scope "$(grep '^REQ' "$TMP/log" | tail -3 | tr '\n' '|')"
fi
unset AWS_ENDPOINT_URL
# The profile's [services] section.  The first run cached the role's
# credentials (~/.aws/cli/cache, as the AWS CLI does): drop them so that
# this run calls STS again.
rm -rf "$HOME/.aws/cli/cache"
cat >>"$TMP/config" <<EOC
services = mock
[services mock]
s3 =
  endpoint_url = $url/
sts =
  endpoint_url = $url/from-services
EOC
if check endpoint_services_section 0 s3 cp "$TMP/file" s3://bkt/svc --no-progress --profile dev; then
    grep -q '^REQ sts POST /from-services/$' "$TMP/log" && grep -q '^REQ s3 PUT /bkt/svc$' "$TMP/log" &&
        pass endpoint_services_section || fail endpoint_services_section "$(grep '^REQ' "$TMP/log" | tail -3 | tr '\n' '|')"
fi
: >"$TMP/config"
export AWS_ACCESS_KEY_ID=AKIDMOCKEXAMPLE AWS_SECRET_ACCESS_KEY='mockSecret/K7MDENG+bPxRfiCYEXAMPLEKEY'

# Bad retry settings are errors naming the value (exit 2).
export AWS_MAX_ATTEMPTS=zero
if check bad_max_attempts 2 aws whoami --endpoint-url "$url"; then
    one_line bad_max_attempts && grep -q "AWS_MAX_ATTEMPTS: 'zero'" "$ERR" && pass bad_max_attempts ||
        fail bad_max_attempts "$(cat "$ERR")"
fi
unset AWS_MAX_ATTEMPTS
export AWS_RETRY_MODE=turbo
if check bad_retry_mode 2 aws whoami --endpoint-url "$url"; then
    one_line bad_retry_mode && grep -q "AWS_RETRY_MODE: 'turbo'" "$ERR" && pass bad_retry_mode ||
        fail bad_retry_mode "$(cat "$ERR")"
fi
unset AWS_RETRY_MODE
printf '[default]\nmax_attempts = 0\n' >"$TMP/config"
if check bad_profile_max_attempts 2 aws whoami --endpoint-url "$url"; then
    grep -q "max_attempts: '0'" "$ERR" && pass bad_profile_max_attempts ||
        fail bad_profile_max_attempts "$(cat "$ERR")"
fi
: >"$TMP/config"
export AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=yes
if check bad_ignore_switch 2 aws whoami --endpoint-url "$url"; then
    grep -q "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'yes'" "$ERR" && pass bad_ignore_switch ||
        fail bad_ignore_switch "$(cat "$ERR")"
fi
unset AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
stop_mock
finish
