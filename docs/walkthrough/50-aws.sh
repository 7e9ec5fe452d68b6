# title: AWS credentials and configuration as the AWS CLI finds them (seckit aws whoami)
# Everything here stays on this machine: a scratch ~/.aws, no AWS account.
export AWS_CONFIG_FILE="$PWD/aws-config" AWS_SHARED_CREDENTIALS_FILE="$PWD/aws-credentials"
export AWS_EC2_METADATA_DISABLED=true
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL \
    AWS_ENDPOINT_URL_STS AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
# A named profile that does not exist is a configuration error (exit status 3).
show aws whoami --profile ghost || echo "exit status $?"
# No credentials anywhere (environment, files, container, instance metadata): exit status 6.
show aws whoami --region us-east-1 || echo "exit status $?"
# With the test suite's loopback mock of STS (it checks every SigV4 signature),
# a profile that assumes a role from a source profile:
mock="$(dirname "$SECKIT")/tests/aws/mock_aws"
if [ -x "$mock" ]; then
    mkfifo mock-in
    "$mock" <mock-in >mock-port &
    mock_pid=$!
    exec 8>mock-in
    while ! grep -q '^PORT ' mock-port 2>/dev/null; do sleep 0.1; done
    url="http://127.0.0.1:$(sed -n 's/^PORT //p' mock-port)"
    printf '[base]\naws_access_key_id = AKIDMOCKEXAMPLE\naws_secret_access_key = %s\n' \
        'mockSecret/K7MDENG+bPxRfiCYEXAMPLEKEY' >aws-credentials
    printf '[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/MockRole\nsource_profile = base\nregion = us-east-1\n' \
        >aws-config
    show aws whoami --profile dev --endpoint-url "$url"
    # A wrong secret: the service's SignatureDoesNotMatch, and the secret is never printed.
    (export AWS_ACCESS_KEY_ID=AKIDMOCKEXAMPLE AWS_SECRET_ACCESS_KEY=not-the-secret
        show aws whoami --endpoint-url "$url" --output json) || echo "exit status $?"
    exec 8>&-
    kill "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
else
    echo "(tests/aws/mock_aws is not built: 'make check' builds it)"
fi
