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
finish() { exit "$T_FAILED"; }
