# Shared helpers for script tests (sourced).  Each check prints one line:
# PASS name / FAIL name: why / SKIP name: why  (counted by tests/run-tests.sh).
# $SECKIT is the command under test; $SECKIT_WRAPPER (e.g. valgrind) may wrap it.
set -u
: "${SECKIT:?}" "${top_srcdir:?}"
T_FAILED=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; T_FAILED=1; }
skip() { echo "SKIP $1: $2"; }
# seckit ARGS...: run the command (through the wrapper when set).
seckit() { ${SECKIT_WRAPPER:-} "$SECKIT" "$@"; }
# check NAME EXPECTED_STATUS ARGS...: run seckit, compare the exit status;
# stdout/stderr are left in $OUT/$ERR.
TMP=$(mktemp -d "${TMPDIR:-/tmp}/seckit-t.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
OUT="$TMP/stdout" ERR="$TMP/stderr"
check() {
    name=$1 expected=$2
    shift 2
    seckit "$@" >"$OUT" 2>"$ERR"
    status=$?
    if [ "$status" -eq "$expected" ]; then
        return 0
    fi
    fail "$name" "exit status $status, expected $expected; stderr: $(head -c 300 "$ERR" | tr '\n' ' ')"
    return 1
}
# one_line NAME: stderr is exactly one line in seckit's message form.
one_line() {
    if [ "$(wc -l <"$ERR")" -eq 1 ] && grep -q '^seckit: ' "$ERR"; then
        return 0
    fi
    fail "$1" "stderr is not one 'seckit: ...' line: $(head -c 300 "$ERR" | tr '\n' '|')"
    return 1
}
# check_stderr NAME STATUS PATTERN ARGS...: run seckit (stdin as given); a PASS
# when it exits STATUS with stderr matching PATTERN (grep -E), else a FAIL
# saying which.
check_stderr() {
    en=$1 es=$2 ep=$3
    shift 3
    check "$en" "$es" "$@" || return 1
    if grep -Eq -- "$ep" "$ERR"; then
        pass "$en"
    else
        fail "$en" "stderr does not match '$ep': $(head -c 300 "$ERR" | tr '\n' ' ')"
    fi
}
finish() { exit "$T_FAILED"; }

# start_mock NAME STARTED [VAR=VALUE...]: start the loopback mock AWS server
# (tests/aws/mock_aws) for the script NAME, with the VAR=VALUE settings in
# its environment (MOCK_LOG=1: it logs the requests); its output, the PORT
# line and then its log, goes to $TMP/log.  Sets port, url and mock_pid,
# stops the mock at exit (stop_mock), and ends the script with SKIP NAME when
# the mock is not built, or FAIL STARTED when it prints no port.
stop_mock() { exec 9>&-; kill "$mock_pid" 2>/dev/null; wait "$mock_pid" 2>/dev/null; }
start_mock() {
    mock="$top_builddir/tests/aws/mock_aws"
    if [ ! -x "$mock" ]; then
        skip "$1" "tests/aws/mock_aws is not built"
        finish
    fi
    mock_started=$2
    shift 2
    mkfifo "$TMP/in"
    env "$@" "$mock" <"$TMP/in" >"$TMP/log" &
    mock_pid=$!
    exec 9>"$TMP/in"
    i=0
    while ! grep -q '^PORT ' "$TMP/log" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    port=$(sed -n 's/^PORT //p' "$TMP/log")
    trap 'stop_mock; rm -rf "$TMP"' EXIT INT TERM
    if [ -z "$port" ]; then
        fail "$mock_started" "the mock did not print its port"
        finish
    fi
    url="http://127.0.0.1:$port"
}

# start_s3_mock NAME: start_mock for the script NAME (the mock's fuller S3 is
# tests/aws/mock_s3.c), with the AWS environment reduced to its test
# credentials.  Sets url, EP (the --endpoint-url option) and mock_pid, and
# ends the script with a SKIP when the mock or curl(1), which reads its
# counters, is missing, or a FAIL NAME_started when the mock prints no port.
start_s3_mock() {
    start_mock "$1" "$1_started"
    if ! command -v curl >/dev/null 2>&1; then
        skip "$1" "no curl(1) to read the mock's counters"
        finish
    fi
    for v in AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_REGION AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 \
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_DEFAULT_PROFILE \
        AWS_MAX_ATTEMPTS; do unset $v; done
    export HOME="$TMP" AWS_EC2_METADATA_DISABLED=true AWS_REGION=us-east-1
    export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
    export AWS_ACCESS_KEY_ID=AKIDMOCKEXAMPLE AWS_SECRET_ACCESS_KEY='mockSecret/K7MDENG+bPxRfiCYEXAMPLEKEY'
    EP="--endpoint-url $url"
}

# start_swift SKIP_NAME PASS_NAME: start the local S3-compatible server
# (OpenStack Swift with s3api, $here/swift-up.sh) in $state, which the
# script names and stops at exit; take its endpoint and credentials
# ($state/s3.env) and nothing from the machine's ~/.aws; sets EP, the
# --endpoint-url option.  Ends the script with SKIP SKIP_NAME when no
# server can run here, or FAIL PASS_NAME when it does not start.
start_swift() {
    bash "$here/swift-up.sh" "$state" >"$TMP/up.out" 2>"$TMP/up.err"
    rc=$?
    if [ $rc -eq 77 ]; then
        skip "$1" "no S3 server: $(tail -n 1 "$TMP/up.err")"
        finish
    fi
    if [ $rc -ne 0 ]; then
        fail "$2" "swift-up.sh exited $rc: $(tail -n 20 "$TMP/up.err" | tr '\n' ' ')"
        finish
    fi
    pass "$2 ($(cat "$TMP/up.out"))"
    . "$state/s3.env"
    export AWS_ACCESS_KEY_ID="$S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$S3_SECRET_KEY"
    export AWS_REGION="$S3_REGION" S3_ENDPOINT
    export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
    unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_ENDPOINT_URL_KMS \
        AWS_DEFAULT_REGION 2>/dev/null
    export AWS_MAX_ATTEMPTS=2
    EP="--endpoint-url $S3_ENDPOINT"
}
